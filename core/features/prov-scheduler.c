/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-condition.h"
#include "prov-error.h"
#include "prov-rule-mask.h"
#include "prov-schedule.h"
#include "prov-scheduler.h"

#define USEC(s) ((gint64) (s) * G_USEC_PER_SEC)

/* A deadline with the window it was drawn from, for status and plans. */
typedef struct
{
  gint64 at;       /* 0 = none */
  gint64 earliest;
  gint64 latest;
} Deadline;

struct _ProvScheduler
{
  GObject     parent_instance;

  ProvEngine *engine;
  ProvStore  *store;
  ProvStatus *status;
  ProvClock  *clock;
  GRand      *rand;
  gboolean    started;

  Deadline    boot;
  Deadline    periodic; /* periodic or daily */
  Deadline    retry;
  guint       periodic_index;
  guint       retry_index;

  /* A scheduled resync that is due but waits (busy lines, a running resync). */
  gboolean    due;
  ProvCause   due_cause;
  gint64      due_since;
  /* An explicit request waiting for its turn. */
  gboolean    requested;
  ProvCause   requested_cause;
  char       *requested_rule;
  char       *requested_server;
  /* The due resync follows an upgrade attempt, and the running one did:
   * its success must not start the next attempt. */
  gboolean    due_after_upgrade;
  gboolean    running_after_upgrade;

  ProvUpgrader *upgrader;
  Deadline    upgrade_retry;
  guint       upgrade_retry_index;
  /* Upgrades waiting for idle lines and for the engine. */
  gboolean    upgrade_due;
  ProvCause   upgrade_due_cause;
  gboolean    upgrade_requested;
  char       *upgrade_requested_rule;
  char       *upgrade_requested_server;
  gboolean    upgrade_running_configured; /* the running one uses Upgrade_Rule */

  guint32     busy_lines;
  GCancellable *cancellable;
  guint       alarm_id;
  gint64      alarm_at;
  gulong      changed_id;
  gulong      time_changed_id;
};

G_DEFINE_TYPE (ProvScheduler, prov_scheduler, G_TYPE_OBJECT)

static guint signal_plan_changed;

static void arm (ProvScheduler *self);
static void try_start (ProvScheduler *self);

static void
prov_scheduler_dispose (GObject *object)
{
  prov_scheduler_stop (PROV_SCHEDULER (object));
  G_OBJECT_CLASS (prov_scheduler_parent_class)->dispose (object);
}

static void
prov_scheduler_finalize (GObject *object)
{
  ProvScheduler *self = PROV_SCHEDULER (object);

  g_clear_object (&self->upgrader);
  g_clear_object (&self->engine);
  g_clear_object (&self->clock);
  g_clear_object (&self->cancellable);
  g_rand_free (self->rand);
  g_free (self->requested_rule);
  g_free (self->requested_server);
  g_free (self->upgrade_requested_rule);
  g_free (self->upgrade_requested_server);
  G_OBJECT_CLASS (prov_scheduler_parent_class)->finalize (object);
}

static void
prov_scheduler_class_init (ProvSchedulerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = prov_scheduler_dispose;
  G_OBJECT_CLASS (klass)->finalize = prov_scheduler_finalize;

  signal_plan_changed = g_signal_new ("plan-changed", G_TYPE_FROM_CLASS (klass),
                                      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
prov_scheduler_init (ProvScheduler *self)
{
}

ProvScheduler *
prov_scheduler_new (ProvEngine *engine, ProvClock *clock, guint32 seed)
{
  ProvScheduler *self = g_object_new (PROV_TYPE_SCHEDULER, NULL);

  self->engine = g_object_ref (engine);
  self->store = prov_engine_get_store (engine);
  self->status = prov_engine_get_status (engine);
  self->clock = g_object_ref (clock);
  self->rand = g_rand_new_with_seed (seed);
  prov_engine_set_clock (engine, clock);
  self->upgrader = prov_upgrader_new (engine);
  return self;
}

ProvUpgrader *
prov_scheduler_get_upgrader (ProvScheduler *self)
{
  g_return_val_if_fail (PROV_IS_SCHEDULER (self), NULL);
  return self->upgrader;
}

ProvClock *
prov_scheduler_get_clock (ProvScheduler *self)
{
  g_return_val_if_fail (PROV_IS_SCHEDULER (self), NULL);
  return self->clock;
}

/* ---- time arithmetic ------------------------------------------------------ */

static Deadline
window (gint64 base, gint64 min_s, gint64 max_s, GRand *rand)
{
  Deadline d;

  d.earliest = base + USEC (min_s);
  d.latest = base + USEC (max_s);
  d.at = max_s > min_s ? base + USEC (g_rand_int_range (rand, (gint32) min_s, (gint32) max_s + 1))
                       : d.earliest;
  return d;
}

/* The @index-th interval of a schedule parameter; FALSE when it is off. */
static gboolean
schedule_interval (ProvStore *store, const char *param, guint index, ProvInterval *out)
{
  g_autofree ProvInterval *intervals = NULL;
  guint n = 0;

  intervals = prov_schedule_parse (prov_store_get (store, param), &n, NULL);
  if (n == 0)
    return FALSE;
  *out = intervals[MIN (index, n - 1)];
  return TRUE;
}

gboolean
prov_hhmm_parse (const char *text, guint *minutes)
{
  guint hh, mm;

  if (text == NULL || strlen (text) != 4 || strspn (text, "0123456789") != 4)
    return FALSE;
  hh = (text[0] - '0') * 10 + (text[1] - '0');
  mm = (text[2] - '0') * 10 + (text[3] - '0');
  if (mm > 59 || hh > 24 || (hh == 24 && mm != 0))
    return FALSE;
  *minutes = hh * 60 + mm;
  return TRUE;
}

/* The next local HH:mm strictly after @now, in wall µs. */
static gint64
next_daily (gint64 now, guint minutes)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (now / G_USEC_PER_SEC);
  g_autoptr(GDateTime) midnight = NULL;

  midnight = g_date_time_new_local (g_date_time_get_year (local), g_date_time_get_month (local),
                                    g_date_time_get_day_of_month (local), 0, 0, 0);
  for (int day = 0; day < 3; day++)
    {
      g_autoptr(GDateTime) d = g_date_time_add_days (midnight, day);
      g_autoptr(GDateTime) t = g_date_time_add_minutes (d, minutes);
      gint64 at = g_date_time_to_unix (t) * G_USEC_PER_SEC;

      if (at > now)
        return at;
    }
  g_assert_not_reached ();
}

/* The periodic or daily deadline after an attempt at @base. Daily wins
 * when Resync_At__HHmm_ is valid; periodic starts only after a success. */
static Deadline
compute_periodic (ProvScheduler *self, gint64 base, gboolean succeeded_once)
{
  Deadline none = { 0 };
  ProvInterval interval;
  guint minutes;

  if (prov_hhmm_parse (prov_store_get (self->store, "Resync_At__HHmm_"), &minutes))
    {
      gint64 random = prov_store_get_int (self->store, "Resync_At_Random_Delay");
      /* The random wait is rounded up to whole minutes. */
      gint64 window_s = (random + 59) / 60 * 60;
      return window (next_daily (prov_clock_now (self->clock), minutes), 0, window_s, self->rand);
    }
  if (!succeeded_once)
    return none;
  if (!schedule_interval (self->store, "Resync_Periodic", self->periodic_index, &interval))
    return none;
  return window (base, interval.base, (gint64) interval.base + interval.random, self->rand);
}

static gboolean
has_succeeded (ProvScheduler *self)
{
  return prov_status_get_int (self->status, "LastSuccess", 0) > 0;
}

/* ---- persistence ---------------------------------------------------------- */

static void
save_state (ProvScheduler *self)
{
  g_autoptr(GError) error = NULL;

  prov_status_set_int (self->status, "NextPeriodic", self->periodic.at);
  prov_status_set_int (self->status, "NextPeriodicEarliest", self->periodic.earliest);
  prov_status_set_int (self->status, "NextPeriodicLatest", self->periodic.latest);
  prov_status_set_int (self->status, "NextRetry", self->retry.at);
  prov_status_set_int (self->status, "PeriodicIndex", self->periodic_index);
  prov_status_set_int (self->status, "RetryIndex", self->retry_index);
  prov_status_set_int (self->status, "NextUpgradeRetry", self->upgrade_retry.at);
  prov_status_set_int (self->status, "UpgradeRetryIndex", self->upgrade_retry_index);
  if (!prov_status_save (self->status, &error))
    g_warning ("cannot save the schedule: %s", error->message);
}

static void
restore_state (ProvScheduler *self, gint64 now)
{
  self->periodic_index = prov_status_get_int (self->status, "PeriodicIndex", 0);
  self->retry_index = prov_status_get_int (self->status, "RetryIndex", 0);
  self->periodic.at = prov_status_get_int (self->status, "NextPeriodic", 0);
  self->periodic.earliest = prov_status_get_int (self->status, "NextPeriodicEarliest",
                                                 self->periodic.at);
  self->periodic.latest = prov_status_get_int (self->status, "NextPeriodicLatest",
                                               self->periodic.at);
  self->retry.at = prov_status_get_int (self->status, "NextRetry", 0);
  self->retry.earliest = self->retry.latest = self->retry.at;
  self->upgrade_retry_index = prov_status_get_int (self->status, "UpgradeRetryIndex", 0);
  self->upgrade_retry.at = prov_status_get_int (self->status, "NextUpgradeRetry", 0);
  self->upgrade_retry.earliest = self->upgrade_retry.latest = self->upgrade_retry.at;
  /* Daily times follow the wall clock, not what was saved. */
  if (self->periodic.at == 0 || prov_hhmm_parse (prov_store_get (self->store, "Resync_At__HHmm_"),
                                                 &(guint){ 0 }))
    self->periodic = compute_periodic (self, now, has_succeeded (self));
}

/* ---- running -------------------------------------------------------------- */

static gboolean
triggers_allow (ProvScheduler *self, ProvCause cause)
{
  g_autoptr(GHashTable) vars = NULL;
  gboolean any_set = FALSE;

  for (guint i = 1; i <= 2; i++)
    {
      g_autofree char *param = g_strdup_printf ("Resync_Trigger_%u", i);
      const char *expr = prov_store_get (self->store, param);
      g_autoptr(GError) error = NULL;
      gboolean value = FALSE;

      if (expr == NULL || expr[strspn (expr, " \t")] == '\0')
        continue;
      any_set = TRUE;
      if (vars == NULL)
        vars = prov_engine_build_variables (self->engine, cause);
      if (prov_condition_eval (expr, vars, &value, &error) && value)
        return TRUE;
      if (error != NULL)
        g_warning ("%s: %s", param, error->message);
    }
  return !any_set;
}

static gboolean
upgrade_configured (ProvScheduler *self)
{
  const char *rule = prov_store_get (self->store, "Upgrade_Rule");

  return prov_store_get_bool (self->store, "Upgrade_Enable") && rule != NULL
         && rule[strspn (rule, " \t\r\n")] != '\0';
}

static void
on_resync_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(ProvScheduler) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvResyncResult) result = NULL;
  gint64 now = prov_clock_now (self->clock);
  ProvInterval interval;
  gboolean after_upgrade = self->running_after_upgrade;

  self->running_after_upgrade = FALSE;
  result = prov_engine_resync_finish (PROV_ENGINE (source), res, &error);
  if (!self->started)
    return;
  if (result != NULL)
    {
      /* What the profiles gave and was ignored, for the admin to see. */
      for (guint i = 0; i < result->warnings->len; i++)
        g_message ("profile warning: %s", (char *) result->warnings->pdata[i]);
      prov_status_set_int (self->status, "LastSuccess", now / G_USEC_PER_SEC);
      self->retry_index = 0;
      self->retry.at = 0;
      self->periodic = compute_periodic (self, now, TRUE);
      self->periodic_index++;
      /* A pending retry keeps its time; the resync after an attempt would loop. */
      if (!after_upgrade && self->upgrade_retry.at == 0 && upgrade_configured (self))
        {
          self->upgrade_due = TRUE;
          self->upgrade_due_cause = PROV_CAUSE_BOOT;
        }
    }
  /* Waiting for user input (an activation code) or a refused code is not
   * helped by retrying: the next code the user enters starts a resync. */
  else if (!g_error_matches (error, PROV_ERROR, PROV_ERROR_DISABLED)
           && !g_error_matches (error, PROV_ERROR, PROV_ERROR_CANCELLED)
           && !g_error_matches (error, PROV_ERROR, PROV_ERROR_BUSY)
           && !g_error_matches (error, PROV_ERROR, PROV_ERROR_INVALID_CODE))
    {
      if (schedule_interval (self->store, "Resync_Error_Retry_Delay", self->retry_index, &interval))
        {
          self->retry = window (now, interval.base, (gint64) interval.base + interval.random,
                                self->rand);
          self->retry_index++;
        }
      else
        self->retry.at = 0;
      /* The periodic timer keeps running once it has started. */
      if (self->periodic.at == 0 || self->periodic.at <= now)
        self->periodic = compute_periodic (self, now, has_succeeded (self));
    }
  save_state (self);
  try_start (self);
  arm (self);
}

static void
run (ProvScheduler *self, ProvCause cause, const char *rule, const char *server)
{
  g_autofree char *shown = rule != NULL ? prov_rule_mask_secrets (rule) : NULL;

  g_debug ("resync (%s)%s%s", prov_cause_to_string (cause), shown ? ": " : "", shown ? shown : "");
  prov_engine_resync_async (self->engine, cause, rule, server, self->cancellable,
                            on_resync_done, g_object_ref (self));
}

static void
on_upgrade_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(ProvScheduler) self = user_data;
  g_autoptr(GError) error = NULL;
  ProvUpgradeResult result;
  gboolean attempted = TRUE;
  gint64 now = prov_clock_now (self->clock);
  ProvInterval interval;

  result = prov_upgrader_upgrade_finish (PROV_UPGRADER (source), res, &error);
  if (!self->started)
    return;
  if (result != PROV_UPGRADE_FAILED)
    {
      attempted = result == PROV_UPGRADE_INSTALLED;
      self->upgrade_retry_index = 0;
      self->upgrade_retry.at = 0;
    }
  else if (g_error_matches (error, PROV_ERROR, PROV_ERROR_DISABLED)
           || g_error_matches (error, PROV_ERROR, PROV_ERROR_BUSY)
           || g_error_matches (error, PROV_ERROR, PROV_ERROR_CANCELLED))
    attempted = FALSE;
  else if (self->upgrade_running_configured
           && schedule_interval (self->store, "Upgrade_Error_Retry_Delay",
                                 self->upgrade_retry_index, &interval))
    {
      self->upgrade_retry = window (now, interval.base, (gint64) interval.base + interval.random,
                                    self->rand);
      self->upgrade_retry_index++;
    }
  if (attempted && prov_store_get_bool (self->store, "Resync_After_Upgrade_Attempt"))
    {
      if (!self->due)
        {
          self->due = TRUE;
          self->due_cause = PROV_CAUSE_BOOT;
          self->due_since = now;
        }
      self->due_after_upgrade = TRUE;
    }
  save_state (self);
  try_start (self);
  arm (self);
}

static void
run_upgrade (ProvScheduler *self, ProvCause cause, const char *rule, const char *server)
{
  g_autofree char *shown = rule != NULL ? prov_rule_mask_secrets (rule) : NULL;

  g_debug ("upgrade (%s)%s%s", prov_cause_to_string (cause), shown ? ": " : "", shown ? shown : "");
  self->upgrade_running_configured = rule == NULL;
  prov_upgrader_upgrade_async (self->upgrader, cause, rule, server, self->cancellable,
                               on_upgrade_done, g_object_ref (self));
}

/* Starts a waiting resync; FALSE when none could start. */
static gboolean
try_start_resync (ProvScheduler *self)
{
  gint64 now = prov_clock_now (self->clock);
  gint64 forced = USEC (prov_store_get_int (self->store, "Forced_Resync_Delay"));

  if (self->requested)
    {
      g_autofree char *rule = NULL;
      g_autofree char *server = NULL;

      if (self->busy_lines != 0 && now < self->due_since + forced)
        return FALSE;
      rule = g_steal_pointer (&self->requested_rule);
      server = g_steal_pointer (&self->requested_server);
      self->requested = FALSE;
      self->running_after_upgrade = FALSE;
      run (self, self->requested_cause, rule, server);
      return TRUE;
    }
  if (!self->due)
    return FALSE;
  if (self->busy_lines != 0 && now < self->due_since + forced)
    return FALSE;
  self->due = FALSE;
  self->running_after_upgrade = self->due_after_upgrade;
  self->due_after_upgrade = FALSE;
  if (!prov_store_get_bool (self->store, "Provision_Enable") || !triggers_allow (self, self->due_cause))
    {
      g_info ("scheduled resync (%s) skipped: %s", prov_cause_to_string (self->due_cause),
              prov_store_get_bool (self->store, "Provision_Enable") ? "triggers are false"
                                                                    : "Provision_Enable is No");
      self->running_after_upgrade = FALSE;
      if (self->periodic.at == 0)
        self->periodic = compute_periodic (self, now, has_succeeded (self));
      return FALSE;
    }
  run (self, self->due_cause, NULL, NULL);
  return TRUE;
}

/* Starts what is waiting, if nothing stands in the way: one resync or
 * upgrade at a time, resyncs first, upgrades only with every line idle. */
static void
try_start (ProvScheduler *self)
{
  if (!self->started || prov_engine_is_busy (self->engine)
      || prov_upgrader_is_busy (self->upgrader))
    return;
  if (try_start_resync (self) || self->busy_lines != 0)
    return;
  if (self->upgrade_requested)
    {
      g_autofree char *rule = g_steal_pointer (&self->upgrade_requested_rule);
      g_autofree char *server = g_steal_pointer (&self->upgrade_requested_server);

      self->upgrade_requested = FALSE;
      run_upgrade (self, PROV_CAUSE_EXPLICIT, rule, server);
      return;
    }
  if (self->upgrade_due)
    {
      self->upgrade_due = FALSE;
      run_upgrade (self, self->upgrade_due_cause, NULL, NULL);
    }
}

static void
on_alarm (gpointer user_data)
{
  ProvScheduler *self = user_data;
  gint64 now = prov_clock_now (self->clock);
  ProvCause cause = PROV_CAUSE_BOOT;
  gboolean due = FALSE;

  self->alarm_id = 0;
  self->alarm_at = 0;
  /* One run serves every deadline that has come; retry names it first. */
  if (self->boot.at != 0 && self->boot.at <= now)
    {
      self->boot.at = 0;
      cause = PROV_CAUSE_BOOT;
      due = TRUE;
    }
  if (self->periodic.at != 0 && self->periodic.at <= now)
    {
      self->periodic.at = 0;
      cause = PROV_CAUSE_PERIODIC;
      due = TRUE;
    }
  if (self->retry.at != 0 && self->retry.at <= now)
    {
      self->retry.at = 0;
      cause = PROV_CAUSE_RETRY;
      due = TRUE;
    }
  if (due && !self->due)
    {
      self->due = TRUE;
      self->due_cause = cause;
      self->due_since = now;
    }
  if (self->upgrade_retry.at != 0 && self->upgrade_retry.at <= now)
    {
      self->upgrade_retry.at = 0;
      self->upgrade_due = TRUE;
      self->upgrade_due_cause = PROV_CAUSE_RETRY;
    }
  try_start (self);
  arm (self);
}

/* Arms the single alarm for the earliest deadline, or for the end of the
 * Forced_Resync_Delay grace while lines are busy. */
static void
arm (ProvScheduler *self)
{
  gint64 next = G_MAXINT64;
  gint64 forced = USEC (prov_store_get_int (self->store, "Forced_Resync_Delay"));

  if (!self->started)
    return;
  if (self->boot.at != 0)
    next = MIN (next, self->boot.at);
  if (self->periodic.at != 0)
    next = MIN (next, self->periodic.at);
  if (self->retry.at != 0)
    next = MIN (next, self->retry.at);
  if (self->upgrade_retry.at != 0)
    next = MIN (next, self->upgrade_retry.at);
  if ((self->due || self->requested) && self->busy_lines != 0 && !prov_engine_is_busy (self->engine)
      && !prov_upgrader_is_busy (self->upgrader))
    next = MIN (next, self->due_since + forced);
  if (next == self->alarm_at && self->alarm_id != 0)
    return;
  prov_clock_remove_alarm (self->clock, self->alarm_id);
  self->alarm_id = 0;
  self->alarm_at = 0;
  if (next != G_MAXINT64)
    {
      self->alarm_at = next;
      self->alarm_id = prov_clock_add_alarm (self->clock, next, on_alarm, self);
    }
  g_signal_emit (self, signal_plan_changed, 0);
}

static void
on_store_changed (ProvStore *store, GStrv names, gpointer user_data)
{
  ProvScheduler *self = user_data;
  static const char *const schedule_params[] = {
    "Resync_Periodic", "Resync_At__HHmm_", "Resync_At_Random_Delay", "Resync_Error_Retry_Delay",
    "Forced_Resync_Delay", NULL
  };
  gint64 now = prov_clock_now (self->clock);
  gboolean relevant = FALSE;

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    relevant |= g_strv_contains (schedule_params, names[i]);
  /* While a resync runs, its end recomputes everything anyway. */
  if (!relevant || prov_engine_is_busy (self->engine))
    return;
  self->periodic_index = 0;
  self->periodic = compute_periodic (self, now, has_succeeded (self));
  save_state (self);
  arm (self);
}

static void
on_time_changed (ProvClock *clock, gpointer user_data)
{
  ProvScheduler *self = user_data;
  guint minutes;

  /* Only the daily time is tied to the wall clock. */
  if (prov_hhmm_parse (prov_store_get (self->store, "Resync_At__HHmm_"), &minutes))
    self->periodic = compute_periodic (self, prov_clock_now (self->clock), TRUE);
  arm (self);
}

void
prov_scheduler_start (ProvScheduler *self)
{
  gint64 now;

  g_return_if_fail (PROV_IS_SCHEDULER (self));
  if (self->started)
    return;
  now = prov_clock_now (self->clock);
  self->started = TRUE;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  restore_state (self, now);
  if (prov_store_get_bool (self->store, "Resync_On_Reset"))
    self->boot = window (now, 0, prov_store_get_int (self->store, "Resync_Random_Delay"),
                         self->rand);
  self->changed_id = g_signal_connect (self->store, "changed", G_CALLBACK (on_store_changed), self);
  self->time_changed_id = g_signal_connect (self->clock, "time-changed",
                                            G_CALLBACK (on_time_changed), self);
  arm (self);
}

void
prov_scheduler_stop (ProvScheduler *self)
{
  g_return_if_fail (PROV_IS_SCHEDULER (self));
  if (!self->started)
    return;
  self->started = FALSE;
  /* A fetch in progress stops; an apply is synchronous and completes. */
  g_cancellable_cancel (self->cancellable);
  prov_clock_remove_alarm (self->clock, self->alarm_id);
  self->alarm_id = 0;
  g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_signal_handler (&self->time_changed_id, self->clock);
}

void
prov_scheduler_request_resync (ProvScheduler *self, ProvCause cause, const char *rule)
{
  prov_scheduler_request_resync_from (self, cause, rule, NULL);
}

void
prov_scheduler_request_resync_from (ProvScheduler *self, ProvCause cause, const char *rule,
                                    const char *server)
{
  g_return_if_fail (PROV_IS_SCHEDULER (self));

  if (!self->requested)
    self->due_since = prov_clock_now (self->clock);
  self->requested = TRUE;
  self->requested_cause = cause;
  g_free (self->requested_rule);
  self->requested_rule = g_strdup (rule);
  g_free (self->requested_server);
  self->requested_server = g_strdup (server);
  try_start (self);
  arm (self);
}

void
prov_scheduler_request_upgrade (ProvScheduler *self, const char *rule)
{
  prov_scheduler_request_upgrade_from (self, rule, NULL);
}

void
prov_scheduler_request_upgrade_from (ProvScheduler *self, const char *rule, const char *server)
{
  g_return_if_fail (PROV_IS_SCHEDULER (self));

  self->upgrade_requested = TRUE;
  g_free (self->upgrade_requested_rule);
  self->upgrade_requested_rule = g_strdup (rule);
  g_free (self->upgrade_requested_server);
  self->upgrade_requested_server = g_strdup (server);
  try_start (self);
  arm (self);
}

gint64
prov_scheduler_get_next_upgrade_retry (ProvScheduler *self)
{
  g_return_val_if_fail (PROV_IS_SCHEDULER (self), 0);
  return self->upgrade_retry.at;
}

void
prov_scheduler_set_line_busy (ProvScheduler *self, guint line, gboolean busy)
{
  g_return_if_fail (PROV_IS_SCHEDULER (self));
  g_return_if_fail (line < 32);

  if (busy)
    self->busy_lines |= 1u << line;
  else
    self->busy_lines &= ~(1u << line);
  prov_upgrader_set_lines_busy (self->upgrader, self->busy_lines != 0);
  try_start (self);
  arm (self);
}

gboolean
prov_scheduler_get_lines_busy (ProvScheduler *self)
{
  g_return_val_if_fail (PROV_IS_SCHEDULER (self), FALSE);
  return self->busy_lines != 0;
}

gint64
prov_scheduler_get_armed_deadline (ProvScheduler *self)
{
  g_return_val_if_fail (PROV_IS_SCHEDULER (self), 0);
  return self->alarm_at;
}

static void
add_item (GArray *plan, ProvCause cause, const Deadline *d)
{
  ProvScheduleItem item = { cause, d->earliest, d->latest };

  if (d->at != 0)
    g_array_append_val (plan, item);
}

static int
compare_items (gconstpointer a, gconstpointer b)
{
  const ProvScheduleItem *x = a, *y = b;
  return x->earliest < y->earliest ? -1 : x->earliest > y->earliest;
}

GArray *
prov_scheduler_get_plan (ProvScheduler *self)
{
  GArray *plan = g_array_new (FALSE, FALSE, sizeof (ProvScheduleItem));

  g_return_val_if_fail (PROV_IS_SCHEDULER (self), plan);
  if (!self->started)
    {
      /* A preview for `provisionctl schedule` from the persisted state. */
      gint64 now = prov_clock_now (self->clock);
      restore_state (self, now);
    }
  add_item (plan, PROV_CAUSE_BOOT, &self->boot);
  add_item (plan, PROV_CAUSE_PERIODIC, &self->periodic);
  add_item (plan, PROV_CAUSE_RETRY, &self->retry);
  g_array_sort (plan, compare_items);
  return plan;
}

char *
prov_schedule_describe (const char *schedule)
{
  g_autofree ProvInterval *intervals = NULL;
  GString *out;
  guint n = 0;

  intervals = prov_schedule_parse (schedule, &n, NULL);
  if (n == 0)
    return g_strdup ("off");
  out = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      g_string_append_printf (out, "%s%u", i > 0 ? " s, then " : "", intervals[i].base);
      if (intervals[i].random > 0)
        g_string_append_printf (out, "+0..%u", intervals[i].random);
    }
  g_string_append (out, n > 1 ? " s (the last repeats)" : " s");
  return g_string_free (out, FALSE);
}
