/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

#include "prov-clock.h"
#include "prov-device.h"
#include "prov-engine.h"
#include "prov-store.h"

G_BEGIN_DECLS

/* RFC 3164 §4.1: a datagram is at most 1024 bytes. */
#define PROV_SYSLOG_MAX_SIZE 1024

#define PROV_TYPE_SYSLOG (prov_syslog_get_type ())
G_DECLARE_FINAL_TYPE (ProvSyslog, prov_syslog, PROV, SYSLOG, GObject)

/**
 * ProvSyslog:
 *
 * Sends log messages to Syslog_Server (SPEC §6) as RFC 3164 datagrams over
 * UDP, facility local0; data/syslog.md documents the format. Syslog_Server
 * and Syslog_Identifier are read at each send, so a change takes effect at
 * once. A host name is resolved in the background; messages wait for it
 * (a few at most) and are dropped, with a debug message, when it fails.
 * While Debug_Server is set too (same form), every message also goes
 * there, as the seed says of the two.
 */
ProvSyslog *prov_syslog_new    (ProvStore   *store,
                                ProvDevice  *device);

/* Sends every "log-message" of @engine: failures with severity LOG_ERR,
 * everything else LOG_INFO. The engine logs the same text locally. */
void        prov_syslog_attach (ProvSyslog  *self,
                                ProvEngine  *engine);

/**
 * prov_syslog_send:
 * @severity: LOG_EMERG … LOG_DEBUG of <syslog.h> (0…7)
 *
 * Sends nothing and succeeds when Syslog_Server is empty. Fails with
 * PROV_ERROR_INVALID_VALUE when Syslog_Server or Debug_Server cannot be
 * parsed (the other still gets the message) and with
 * PROV_ERROR_TRANSPORT when the datagram cannot be sent; never blocks.
 */
gboolean    prov_syslog_send   (ProvSyslog  *self,
                                int          severity,
                                const char  *text,
                                GError     **error);

/* Where timestamps come from (default: the system's wall clock). */
void        prov_syslog_set_clock (ProvSyslog *self,
                                   ProvClock  *clock);

G_END_DECLS
