/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The scheduler on a virtual clock: days of schedule in milliseconds, with
 * exact expected fire times. Resyncs are real, through the file plugin. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <time.h>

#include "prov-context.h"
#include "prov-error.h"
#include "prov-scheduler.h"
#include "prov-test.h"

#define S(x) ((gint64) (x) * G_USEC_PER_SEC)
/* 2026-11-24 00:00:00 UTC */
#define T0 S (1795478400)

typedef struct
{
  gint64    time;
  ProvCause cause;
} Run;

typedef struct
{
  char          *dir;
  char          *profile;
  ProvContext   *ctx;
  ProvClock     *clock;
  ProvScheduler *scheduler;
  GArray        *runs;
} Fixture;

static void
on_started (ProvEngine *engine, int cause, gpointer user_data)
{
  Fixture *f = user_data;
  Run run = { prov_clock_now (f->clock), cause };
  g_array_append_val (f->runs, run);
}

static void
set_param (Fixture *f, const char *name, const char *value)
{
  test_store_set (prov_context_get_store (f->ctx), (const char *[]) { name, value, NULL });
}

static void
profile_present (Fixture *f, gboolean present)
{
  if (present)
    g_assert_true (g_file_set_contents (f->profile, "<flat-profile><GPP_P>x</GPP_P></flat-profile>",
                                        -1, NULL));
  else
    g_unlink (f->profile);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *profiles = NULL;
  g_autofree char *rule = NULL;

  f->dir = g_dir_make_tmp ("prov-sched-XXXXXX", &error);
  g_assert_no_error (error);
  profiles = g_build_filename (f->dir, "profiles", NULL);
  g_mkdir (profiles, 0700);
  f->profile = g_build_filename (profiles, "p.xml", NULL);
  f->ctx = prov_context_new (f->dir, NULL, NULL, &error);
  g_assert_no_error (error);
  rule = g_strdup_printf ("file://%s", f->profile);
  set_param (f, "Profile_Rule", rule);
  set_param (f, "Resync_Random_Delay", "0");
  profile_present (f, TRUE);
  f->clock = prov_clock_new_virtual (T0);
  f->scheduler = prov_scheduler_new (prov_context_get_engine (f->ctx), f->clock, 42);
  f->runs = g_array_new (FALSE, FALSE, sizeof (Run));
  g_signal_connect (prov_context_get_engine (f->ctx), "resync-started", G_CALLBACK (on_started), f);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autofree char *db = g_build_filename (f->dir, "params.db", NULL);
  g_autofree char *status = g_build_filename (f->dir, "status.ini", NULL);
  g_autofree char *profiles = g_build_filename (f->dir, "profiles", NULL);

  /* Let callbacks already queued run before the state directory goes. */
  prov_scheduler_stop (f->scheduler);
  for (guint i = 0; i < 1000 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  g_clear_object (&f->scheduler);
  g_clear_object (&f->clock);
  g_clear_object (&f->ctx);
  g_unlink (f->profile);
  g_unlink (db);
  g_unlink (status);
  g_rmdir (profiles);
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->profile);
  g_array_unref (f->runs);
}

/* Lets a started resync finish (the file plugin answers from a thread). */
static void
settle (gpointer data)
{
  Fixture *f = data;
  ProvEngine *engine = prov_context_get_engine (f->ctx);

  for (guint i = 0; i < 100000 && prov_engine_is_busy (engine); i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (prov_engine_is_busy (engine));
}

/* Runs the schedule up to @until (virtual µs). */
static void
run_until (Fixture *f, gint64 until)
{
  test_clock_run_until (f->clock, until, settle, f);
}

static void
assert_runs (Fixture *f, const gint64 *offsets, const ProvCause *causes, guint n)
{
  if (f->runs->len != n)
    {
      for (guint i = 0; i < f->runs->len; i++)
        g_printerr ("run %u at T0%+" G_GINT64_FORMAT " s cause %d\n", i,
                    (g_array_index (f->runs, Run, i).time - T0) / G_USEC_PER_SEC,
                    g_array_index (f->runs, Run, i).cause);
      g_assert_cmpuint (f->runs->len, ==, n);
    }
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (g_array_index (f->runs, Run, i).time, ==, T0 + S (offsets[i]));
      if (causes != NULL)
        g_assert_cmpint (g_array_index (f->runs, Run, i).cause, ==, causes[i]);
    }
}

static void
test_boot_random_delay (Fixture *f, gconstpointer data)
{
  set_param (f, "Resync_Random_Delay", "30");
  set_param (f, "Resync_Periodic", "0");
  prov_scheduler_start (f->scheduler);
  g_assert_cmpint (prov_scheduler_get_armed_deadline (f->scheduler), >=, T0);
  g_assert_cmpint (prov_scheduler_get_armed_deadline (f->scheduler), <=, T0 + S (30));
  run_until (f, T0 + S (86400));
  g_assert_cmpuint (f->runs->len, ==, 1);
  g_assert_cmpint (g_array_index (f->runs, Run, 0).cause, ==, PROV_CAUSE_BOOT);
  /* Periodic 0 = off, nothing else armed. */
  g_assert_cmpint (prov_scheduler_get_armed_deadline (f->scheduler), ==, 0);
}

static void
test_no_boot (Fixture *f, gconstpointer data)
{
  set_param (f, "Resync_On_Reset", "No");
  prov_scheduler_start (f->scheduler);
  run_until (f, T0 + S (86400));
  /* Periodic starts only after a first success: nothing ever runs. */
  g_assert_cmpuint (f->runs->len, ==, 0);
}

static void
test_periodic_list (Fixture *f, gconstpointer data)
{
  const gint64 at[] = { 0, 600, 1800, 2100, 2400, 2700 };
  const ProvCause causes[] = { PROV_CAUSE_BOOT, PROV_CAUSE_PERIODIC, PROV_CAUSE_PERIODIC,
                               PROV_CAUSE_PERIODIC, PROV_CAUSE_PERIODIC, PROV_CAUSE_PERIODIC };

  set_param (f, "Resync_Periodic", "600,1200,300");
  prov_scheduler_start (f->scheduler);
  run_until (f, T0 + S (2800));
  assert_runs (f, at, causes, G_N_ELEMENTS (at));
}

static void
test_periodic_range (Fixture *f, gconstpointer data)
{
  gint64 previous;

  set_param (f, "Resync_Periodic", "2400+30");
  prov_scheduler_start (f->scheduler);
  run_until (f, T0 + S (86400));
  g_assert_cmpuint (f->runs->len, >=, 35);
  previous = g_array_index (f->runs, Run, 0).time;
  for (guint i = 1; i < f->runs->len; i++)
    {
      gint64 gap = g_array_index (f->runs, Run, i).time - previous;
      g_assert_cmpint (gap, >=, S (2400));
      g_assert_cmpint (gap, <=, S (2430));
      previous = g_array_index (f->runs, Run, i).time;
    }
}

static void
test_retry_walk_and_reset (Fixture *f, gconstpointer data)
{
  /* Boot fails at 0, retries at +60, +120, +240, +240 (the last repeats). */
  const gint64 at[] = { 0, 60, 180, 420, 660 };
  const ProvCause causes[] = { PROV_CAUSE_BOOT, PROV_CAUSE_RETRY, PROV_CAUSE_RETRY,
                               PROV_CAUSE_RETRY, PROV_CAUSE_RETRY };
  const gint64 at2[] = { 0, 60, 180, 420, 660, 900, 4500, 4560 };

  set_param (f, "Resync_Error_Retry_Delay", "60,120,240");
  set_param (f, "Resync_Periodic", "3600");
  profile_present (f, FALSE);
  prov_scheduler_start (f->scheduler);
  run_until (f, T0 + S (700));
  assert_runs (f, at, causes, G_N_ELEMENTS (at));
  /* Success at 900 resets the list; the next failure waits 60 s again. */
  profile_present (f, TRUE);
  run_until (f, T0 + S (4400));
  profile_present (f, FALSE);
  run_until (f, T0 + S (4570));
  assert_runs (f, at2, NULL, G_N_ELEMENTS (at2));
}

static void
test_retry_zero (Fixture *f, gconstpointer data)
{
  set_param (f, "Resync_Error_Retry_Delay", "0");
  profile_present (f, FALSE);
  prov_scheduler_start (f->scheduler);
  run_until (f, T0 + S (86400 * 2));
  g_assert_cmpuint (f->runs->len, ==, 1);
  g_assert_cmpint (prov_scheduler_get_armed_deadline (f->scheduler), ==, 0);
}

static void
test_daily (Fixture *f, gconstpointer data)
{
  set_param (f, "Resync_Periodic", "600");
  set_param (f, "Resync_At__HHmm_", "0300");
  set_param (f, "Resync_At_Random_Delay", "90");
  prov_scheduler_start (f->scheduler);
  run_until (f, T0 + S (3 * 86400));
  /* Boot, then once a day in [03:00, 03:02]: 90 s rounds up to 2 minutes;
   * the periodic 600 s is ignored. */
  g_assert_cmpuint (f->runs->len, ==, 4);
  for (guint day = 0; day < 3; day++)
    {
      gint64 t = g_array_index (f->runs, Run, day + 1).time;
      g_assert_cmpint (t, >=, T0 + S (day * 86400 + 3 * 3600));
      g_assert_cmpint (t, <=, T0 + S (day * 86400 + 3 * 3600 + 120));
      g_assert_cmpint (g_array_index (f->runs, Run, day + 1).cause, ==, PROV_CAUSE_PERIODIC);
    }
}

static void
test_daily_invalid_ignored (Fixture *f, gconstpointer data)
{
  const gint64 at[] = { 0, 600, 1200 };

  set_param (f, "Resync_Periodic", "600");
  set_param (f, "Resync_At__HHmm_", "2561");
  prov_scheduler_start (f->scheduler);
  run_until (f, T0 + S (1300));
  assert_runs (f, at, NULL, G_N_ELEMENTS (at));
}

static void
test_triggers (Fixture *f, gconstpointer data)
{
  const gint64 at[] = { 1000, 2200 };

  set_param (f, "Resync_Periodic", "600");
  set_param (f, "Resync_Trigger_1", "\"$B\" eq \"go\"");
  set_param (f, "Resync_Trigger_2", "");
  prov_scheduler_start (f->scheduler);
  run_until (f, T0 + S (900));
  /* The boot resync was gated: nothing ran, and periodic never started. */
  g_assert_cmpuint (f->runs->len, ==, 0);
  /* Explicit requests bypass triggers. */
  prov_virtual_clock_advance_to (f->clock, T0 + S (1000));
  prov_scheduler_request_resync (f->scheduler, PROV_CAUSE_EXPLICIT, NULL);
  settle (f);
  g_assert_cmpuint (f->runs->len, ==, 1);
  /* The periodic resync at 1600 is gated while $B is not "go"… */
  run_until (f, T0 + S (1700));
  g_assert_cmpuint (f->runs->len, ==, 1);
  /* …and the next one, at 2200, runs once a set trigger is true. */
  set_param (f, "GPP_B", "go");
  run_until (f, T0 + S (2300));
  assert_runs (f, at, NULL, G_N_ELEMENTS (at));
}

static void
test_busy_lines (Fixture *f, gconstpointer data)
{
  set_param (f, "Resync_Periodic", "600");
  set_param (f, "Forced_Resync_Delay", "100");
  prov_scheduler_start (f->scheduler);
  run_until (f, T0 + S (10));
  g_assert_cmpuint (f->runs->len, ==, 1);
  /* Busy from 500: the resync due at 600 waits for the line… */
  prov_virtual_clock_advance_to (f->clock, T0 + S (500));
  prov_scheduler_set_line_busy (f->scheduler, 1, TRUE);
  run_until (f, T0 + S (650));
  g_assert_cmpuint (f->runs->len, ==, 1);
  /* …and starts the moment the line is idle. */
  prov_scheduler_set_line_busy (f->scheduler, 1, FALSE);
  settle (f);
  g_assert_cmpuint (f->runs->len, ==, 2);
  g_assert_cmpint (g_array_index (f->runs, Run, 1).time, ==, T0 + S (650));
  /* Busy for good: the resync due at 1250 is forced at 1250 + 100. */
  prov_scheduler_set_line_busy (f->scheduler, 2, TRUE);
  run_until (f, T0 + S (1400));
  g_assert_cmpuint (f->runs->len, ==, 3);
  g_assert_cmpint (g_array_index (f->runs, Run, 2).time, ==, T0 + S (1350));
}

static void
test_provision_disabled (Fixture *f, gconstpointer data)
{
  set_param (f, "Provision_Enable", "No");
  set_param (f, "Resync_Periodic", "600");
  prov_scheduler_start (f->scheduler);
  prov_scheduler_request_resync (f->scheduler, PROV_CAUSE_EXPLICIT, NULL);
  run_until (f, T0 + S (86400));
  g_assert_cmpuint (f->runs->len, ==, 0);
  g_assert_cmpstr (prov_store_get (prov_context_get_store (f->ctx), "GPP_P"), ==, "");
}

static void
test_coalescing (Fixture *f, gconstpointer data)
{
  set_param (f, "Resync_On_Reset", "No");
  prov_scheduler_start (f->scheduler);
  prov_scheduler_request_resync (f->scheduler, PROV_CAUSE_EXPLICIT, NULL);
  /* Three more requests while the first runs: one more run. */
  prov_scheduler_request_resync (f->scheduler, PROV_CAUSE_EXPLICIT, NULL);
  prov_scheduler_request_resync (f->scheduler, PROV_CAUSE_EXPLICIT, NULL);
  prov_scheduler_request_resync (f->scheduler, PROV_CAUSE_EXPLICIT, NULL);
  settle (f);
  settle (f);
  g_assert_cmpuint (f->runs->len, ==, 2);
  g_assert_cmpint (g_array_index (f->runs, Run, 1).cause, ==, PROV_CAUSE_EXPLICIT);
}

static void
test_param_change_reschedules (Fixture *f, gconstpointer data)
{
  set_param (f, "Resync_Periodic", "3600");
  prov_scheduler_start (f->scheduler);
  run_until (f, T0 + S (100));
  g_assert_cmpint (prov_scheduler_get_armed_deadline (f->scheduler), ==, T0 + S (3600));
  set_param (f, "Resync_Periodic", "300");
  g_assert_cmpint (prov_scheduler_get_armed_deadline (f->scheduler), ==, T0 + S (400));
  run_until (f, T0 + S (450));
  g_assert_cmpuint (f->runs->len, ==, 2);
}

static void
test_restart_resumes (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvScheduler) second = NULL;
  g_autoptr(ProvContext) ctx2 = NULL;

  set_param (f, "Resync_Periodic", "3600");
  set_param (f, "Resync_On_Reset", "No");
  prov_scheduler_start (f->scheduler);
  prov_scheduler_request_resync (f->scheduler, PROV_CAUSE_EXPLICIT, NULL);
  settle (f);
  prov_scheduler_stop (f->scheduler);
  /* A new process on the same state directory picks up the next deadline. */
  ctx2 = prov_context_new (f->dir, NULL, NULL, &error);
  g_assert_no_error (error);
  second = prov_scheduler_new (prov_context_get_engine (ctx2), f->clock, 7);
  prov_scheduler_start (second);
  g_assert_cmpint (prov_scheduler_get_armed_deadline (second), ==, T0 + S (3600));
  prov_scheduler_stop (second);
}

int
main (int argc, char **argv)
{
  g_setenv ("TZ", "UTC", TRUE);
  tzset ();
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/scheduler/boot-random-delay", test_boot_random_delay);
  ADD ("/scheduler/no-boot", test_no_boot);
  ADD ("/scheduler/periodic-list", test_periodic_list);
  ADD ("/scheduler/periodic-range", test_periodic_range);
  ADD ("/scheduler/retry-walk-and-reset", test_retry_walk_and_reset);
  ADD ("/scheduler/retry-zero", test_retry_zero);
  ADD ("/scheduler/daily", test_daily);
  ADD ("/scheduler/daily-invalid-ignored", test_daily_invalid_ignored);
  ADD ("/scheduler/triggers", test_triggers);
  ADD ("/scheduler/busy-lines", test_busy_lines);
  ADD ("/scheduler/provision-disabled", test_provision_disabled);
  ADD ("/scheduler/coalescing", test_coalescing);
  ADD ("/scheduler/param-change", test_param_change_reschedules);
  ADD ("/scheduler/restart-resumes", test_restart_resumes);
  return g_test_run ();
}
