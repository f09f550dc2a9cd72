/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "prov-clock.h"
#include "prov-engine.h"
#include "prov-upgrader.h"

G_BEGIN_DECLS

/* A coming resync: it fires at a time in [earliest, latest] (wall µs). */
typedef struct
{
  ProvCause cause;
  gint64    earliest;
  gint64    latest;
} ProvScheduleItem;

#define PROV_TYPE_SCHEDULER (prov_scheduler_get_type ())
G_DECLARE_FINAL_TYPE (ProvScheduler, prov_scheduler, PROV, SCHEDULER, GObject)

/**
 * ProvScheduler:
 *
 * Decides when the engine resyncs (SPEC §5): the start-up resync after a
 * random wait, the periodic schedule after the first success, the daily
 * time, the retry schedule after failures, and explicit requests, gated by
 * Provision_Enable, Resync_Trigger_1/2 and busy lines. Exactly one clock
 * alarm is armed, for the earliest deadline; nothing polls.
 *
 * It also runs firmware upgrades (SPEC §7) through its ProvUpgrader: one
 * after each successful resync while Upgrade_Rule is set (unless a retry
 * is pending, or the resync followed an upgrade attempt), retries per
 * Upgrade_Error_Retry_Delay ($UPGST 2), and explicit requests. Upgrades
 * start only when every line is idle (no Forced_Resync_Delay for them);
 * a resync and an upgrade never run at once. After each attempt a resync
 * follows ($PRVST 0) when Resync_After_Upgrade_Attempt is Yes.
 *
 * Signals: "plan-changed" after each re-arm.
 */
ProvScheduler *prov_scheduler_new            (ProvEngine    *engine,
                                              ProvClock     *clock,
                                              guint32        seed);
/* Computes deadlines from the parameters and the persisted state, arms. */
void           prov_scheduler_start          (ProvScheduler *self);
void           prov_scheduler_stop           (ProvScheduler *self);
/* An explicit request (D-Bus, CLI, SIP, action URL): bypasses triggers;
 * while a resync runs, requests coalesce into one more run (the latest
 * rule wins). @rule NULL = the configured rules. */
void           prov_scheduler_request_resync (ProvScheduler *self,
                                              ProvCause      cause,
                                              const char    *rule);
/* An explicit upgrade (D-Bus, CLI, action URL), $UPGST 1: it waits for
 * idle lines and for a running resync or upgrade; requests coalesce (the
 * latest rule wins). @rule NULL = Upgrade_Rule; only then does a failure
 * schedule retries. */
void           prov_scheduler_request_upgrade (ProvScheduler *self,
                                               const char    *rule);
/* The same, for a request from @server (the host that asked): rule URLs
 * without a host use it (SPEC §7). The latest request's server wins. */
void           prov_scheduler_request_resync_from  (ProvScheduler *self,
                                                    ProvCause      cause,
                                                    const char    *rule,
                                                    const char    *server);
void           prov_scheduler_request_upgrade_from (ProvScheduler *self,
                                                    const char    *rule,
                                                    const char    *server);
ProvUpgrader  *prov_scheduler_get_upgrader   (ProvScheduler *self);
/* When the next upgrade retry is due (wall µs), or 0. */
gint64         prov_scheduler_get_next_upgrade_retry (ProvScheduler *self);
void           prov_scheduler_set_line_busy  (ProvScheduler *self,
                                              guint          line,
                                              gboolean       busy);
gboolean       prov_scheduler_get_lines_busy (ProvScheduler *self);
/* Coming resyncs, soonest first (element-type ProvScheduleItem). */
GArray        *prov_scheduler_get_plan       (ProvScheduler *self);
/* Deadline of the one armed alarm, or 0. */
gint64         prov_scheduler_get_armed_deadline (ProvScheduler *self);
ProvClock     *prov_scheduler_get_clock      (ProvScheduler *self);

/* "600,1200,300" → "600 s, then 1200 s, then 300 s (repeats)". */
char          *prov_schedule_describe        (const char    *schedule);
/* Resync_At__HHmm_: TRUE with minutes since midnight when valid (0000..2400). */
gboolean       prov_hhmm_parse               (const char    *text,
                                              guint         *minutes);

G_END_DECLS
