/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Firmware upgrades end to end: Upgrade_Rule through the real file
 * transport to the real installer plugin running commands (cp, false, sh),
 * with status, log messages, and the scheduler's upgrade deadlines on a
 * virtual clock. The state directory has a space in its name, so paths
 * reach the installer unsplit. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <time.h>

#include "prov-context.h"
#include "prov-error.h"
#include "prov-firmware-dir.h"
#include "prov-installer.h"
#include "prov-parse-steps.h"
#include "prov-scheduler.h"
#include "prov-test.h"
#include "prov-upgrader.h"

#define S(x) ((gint64) (x) * G_USEC_PER_SEC)
/* 2026-11-24 00:00:00 UTC */
#define T0 S (1795478400)

#define OLD_VERSION  "sip88xx.11-3-1MPP0001-609"
#define NEW_VERSION  "sip88xx.11-3-2MPP0001-609"
#define NEW_IMAGE    NEW_VERSION ".loads"
#define IDENTITY     "CP-8845-3PCC 00:0e:08:ab:cd:ef"

typedef struct
{
  int   kind;
  char *text;
} LogLine;

typedef struct
{
  gint64 time;
  int    cause;
} Run;

typedef struct
{
  char          *dir;
  char          *profiles;
  char          *installed; /* where the default installer command copies the image */
  ProvContext   *ctx;
  ProvClock     *clock;
  ProvUpgrader  *upgrader;
  ProvScheduler *scheduler;
  GPtrArray     *log;       /* LogLine* */
  GArray        *resyncs;   /* Run */
  GArray        *upgrades;  /* Run */
  guint64        progress;  /* last "fetch-progress" received */
} Fixture;

static void
log_line_free (LogLine *line)
{
  g_free (line->text);
  g_free (line);
}

static void
on_log (ProvEngine *engine, int kind, const char *text, guint id, gpointer user_data)
{
  Fixture *f = user_data;
  LogLine *line = g_new0 (LogLine, 1);

  line->kind = kind;
  line->text = g_strdup (text);
  g_ptr_array_add (f->log, line);
}

static void
on_resync_started (ProvEngine *engine, int cause, gpointer user_data)
{
  Fixture *f = user_data;
  Run run = { prov_clock_now (f->clock), cause };
  g_array_append_val (f->resyncs, run);
}

static void
on_upgrade_started (ProvUpgrader *upgrader, int cause, gpointer user_data)
{
  Fixture *f = user_data;
  Run run = { prov_clock_now (f->clock), cause };
  g_array_append_val (f->upgrades, run);
}

static void
on_progress (ProvUpgrader *upgrader, const char *url, guint64 received, guint64 total,
             gpointer user_data)
{
  Fixture *f = user_data;
  f->progress = received;
}

static char *
default_command (Fixture *f)
{
  g_autofree char *quoted = g_shell_quote (f->installed);
  return g_strdup_printf ("cp %%f %s", quoted);
}

/* The device file, with [installer] Command= unless @command is NULL. */
static void
write_device (Fixture *f, const char *version, const char *command)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = g_build_filename (f->dir, "device.conf", NULL);
  g_autoptr(GError) error = NULL;

  g_key_file_set_string (kf, "Device", "MAC", "00:0e:08:ab:cd:ef");
  g_key_file_set_string (kf, "Device", "Vendor", "Cisco");
  g_key_file_set_string (kf, "Device", "ProductName", "CP-8845-3PCC");
  g_key_file_set_string (kf, "Device", "SeriesNumber", "8845");
  g_key_file_set_string (kf, "Device", "SoftwareVersion", version);
  if (command != NULL)
    g_key_file_set_string (kf, "installer", "Command", command);
  g_key_file_save_to_file (kf, path, &error);
  g_assert_no_error (error);
}

static void
set_param (Fixture *f, const char *name, const char *value)
{
  test_store_set (prov_context_get_store (f->ctx), (const char *[]) { name, value, NULL });
}

static char *
file_url (Fixture *f, const char *name)
{
  g_autofree char *path = g_build_filename (f->profiles, name, NULL);
  g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);
  return g_strconcat ("file://", escaped, NULL);
}

/* An image of @size pseudo-random bytes (zeros included) under profiles/. */
static GBytes *
write_image (Fixture *f, const char *name, gsize size)
{
  g_autofree char *path = g_build_filename (f->profiles, name, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (size);
  guint8 *buf = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    buf[i] = i % 97 == 0 ? 0 : (guint8) g_rand_int (rand);
  g_assert_true (g_file_set_contents (path, (const char *) buf, size, NULL));
  return g_bytes_new_take (buf, size);
}

static void
open_context (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *profile = g_build_filename (f->profiles, "p.xml", NULL);
  g_autofree char *rule = file_url (f, "p.xml");

  f->ctx = prov_context_new (f->dir, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (profile, "<flat-profile><GPP_P>x</GPP_P></flat-profile>",
                                      -1, NULL));
  set_param (f, "Profile_Rule", rule);
  set_param (f, "Resync_Random_Delay", "0");
  set_param (f, "Resync_Periodic", "0");
  prov_engine_set_clock (prov_context_get_engine (f->ctx), f->clock);
  g_signal_connect (prov_context_get_engine (f->ctx), "log-message", G_CALLBACK (on_log), f);
  g_signal_connect (prov_context_get_engine (f->ctx), "resync-started",
                    G_CALLBACK (on_resync_started), f);
}

static void
use_upgrader (Fixture *f, ProvUpgrader *upgrader)
{
  f->upgrader = g_object_ref (upgrader);
  g_signal_connect (upgrader, "upgrade-started", G_CALLBACK (on_upgrade_started), f);
  g_signal_connect (upgrader, "fetch-progress", G_CALLBACK (on_progress), f);
}

/* Direct calls, without a scheduler. */
static void
open_direct (Fixture *f, const char *command)
{
  g_autoptr(ProvUpgrader) upgrader = NULL;

  write_device (f, OLD_VERSION, command);
  open_context (f);
  upgrader = prov_upgrader_new (prov_context_get_engine (f->ctx));
  use_upgrader (f, upgrader);
}

static void
open_scheduled (Fixture *f, const char *command)
{
  write_device (f, OLD_VERSION, command);
  open_context (f);
  f->scheduler = prov_scheduler_new (prov_context_get_engine (f->ctx), f->clock, 42);
  use_upgrader (f, prov_scheduler_get_upgrader (f->scheduler));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("prov upgrade-XXXXXX", &error);
  g_assert_no_error (error);
  f->profiles = g_build_filename (f->dir, "profiles", NULL);
  g_assert_cmpint (g_mkdir (f->profiles, 0700), ==, 0);
  f->installed = g_build_filename (f->dir, "installed.img", NULL);
  f->clock = prov_clock_new_virtual (T0);
  f->log = g_ptr_array_new_with_free_func ((GDestroyNotify) log_line_free);
  f->resyncs = g_array_new (FALSE, FALSE, sizeof (Run));
  f->upgrades = g_array_new (FALSE, FALSE, sizeof (Run));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  if (f->scheduler != NULL)
    prov_scheduler_stop (f->scheduler);
  /* Let callbacks already queued run before the state directory goes. */
  for (guint i = 0; i < 1000 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  if (f->upgrader != NULL)
    g_signal_handlers_disconnect_by_data (f->upgrader, f);
  g_clear_object (&f->upgrader);
  g_clear_object (&f->scheduler);
  g_clear_object (&f->ctx);
  g_clear_object (&f->clock);
  test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->profiles);
  g_free (f->installed);
  g_ptr_array_unref (f->log);
  g_array_unref (f->resyncs);
  g_array_unref (f->upgrades);
}

typedef struct
{
  GMainLoop        *loop;
  ProvUpgradeResult result;
  GError           *error;
} Wait;

static void
on_upgraded (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Wait *w = user_data;
  w->result = prov_upgrader_upgrade_finish (PROV_UPGRADER (source), res, &w->error);
  g_main_loop_quit (w->loop);
}

static ProvUpgradeResult
upgrade (Fixture *f, const char *rule, GError **error)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Wait w = { loop, PROV_UPGRADE_FAILED, NULL };

  prov_upgrader_upgrade_async (f->upgrader, PROV_CAUSE_EXPLICIT, rule, NULL, NULL, on_upgraded, &w);
  g_main_loop_run (loop);
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.result;
}

/* Lets started resyncs and upgrades finish (threads and child processes). */
static void
settle (gpointer data)
{
  Fixture *f = data;
  ProvEngine *engine = prov_context_get_engine (f->ctx);

  for (guint i = 0; i < 100000 && (prov_engine_is_busy (engine)
                                   || prov_upgrader_is_busy (f->upgrader)); i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (prov_engine_is_busy (engine));
  g_assert_false (prov_upgrader_is_busy (f->upgrader));
}

static void
run_until (Fixture *f, gint64 until)
{
  test_clock_run_until (f->clock, until, settle, f);
}

static void
assert_runs (GArray *runs, const gint64 *offsets, const int *causes, guint n)
{
  if (runs->len != n)
    {
      for (guint i = 0; i < runs->len; i++)
        g_printerr ("run %u at T0%+" G_GINT64_FORMAT " s cause %d\n", i,
                    (g_array_index (runs, Run, i).time - T0) / G_USEC_PER_SEC,
                    g_array_index (runs, Run, i).cause);
      g_assert_cmpuint (runs->len, ==, n);
    }
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (g_array_index (runs, Run, i).time, ==, T0 + S (offsets[i]));
      g_assert_cmpint (g_array_index (runs, Run, i).cause, ==, causes[i]);
    }
}

/* The texts of the log lines of @kind, in order. */
static GStrv
log_texts (Fixture *f, int kind)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < f->log->len; i++)
    {
      LogLine *line = f->log->pdata[i];
      if (line->kind == kind)
        g_strv_builder_add (builder, line->text);
    }
  return g_strv_builder_end (builder);
}

static guint
n_upgrade_logs (Fixture *f)
{
  guint n = 0;

  for (guint i = 0; i < f->log->len; i++)
    n += ((LogLine *) f->log->pdata[i])->kind >= PROV_LOG_UPGRADE_REQUEST;
  return n;
}

static char *
variable (ProvContext *ctx, const char *name)
{
  g_autoptr(GHashTable) vars = prov_engine_build_variables (prov_context_get_engine (ctx),
                                                            PROV_CAUSE_EXPLICIT);
  return g_strdup (g_hash_table_lookup (vars, name));
}

static void
assert_file_bytes (const char *path, GBytes *expected)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

static guint
n_status_upgrades (Fixture *f)
{
  guint n = 0;
  prov_status_get_upgrades (prov_context_get_status (f->ctx), &n);
  return n;
}

/* ---- tests ---------------------------------------------------------------- */

static void
test_image_version (void)
{
  static const struct
  {
    const char *url;
    const char *version;
  } cases[] = {
    { "http://s/fw/sip88xx.11-3-2MPP0001-609.loads", "sip88xx.11-3-2MPP0001-609" },
    { "tftp://s/fw-1.2.3.img", "fw-1.2.3" },
    { "https://s/a/fw-1.2.3.tar.gz?token=x.y#frag", "fw-1.2.3" },
    { "http://s/cp8832.v2", "cp8832.v2" },
    { "http://s/rootfs-2.0.ext4", "rootfs-2.0" },
    { "file:///srv/fw%20one-1.0.bin", "fw one-1.0" },
    { "http://s/dir/", NULL },
    { "http://s", NULL },
    { "http://s/.img", ".img" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *version = prov_upgrader_image_version (cases[i].url);
      g_assert_cmpstr (version, ==, cases[i].version);
    }
}

/* Issue 12: extensions were stripped by searching for the last dot from
 * the start again, quadratic in a name of many `.ab`. The work counted at
 * n and 2n extensions: linear is twice. */
static void
test_image_version_linear (void)
{
  guint64 steps[2];

  for (guint k = 0; k < 2; k++)
    {
      g_autoptr (GString) url = g_string_new ("http://s/fw-1.2");
      g_autofree char *version = NULL;
      guint64 before;

      for (guint i = 0; i < (10000u << k); i++)
        g_string_append (url, ".ab");
      before = prov_parse_steps;
      version = prov_upgrader_image_version (url->str);
      steps[k] = prov_parse_steps - before;
      g_assert_cmpstr (version, ==, "fw-1.2");
    }
  g_test_message ("%" G_GUINT64_FORMAT " steps at n, %" G_GUINT64_FORMAT " at 2n", steps[0],
                  steps[1]);
  g_assert_cmpuint (steps[1], <=, 2 * steps[0] + 64);
}

/* Issue 12: `a = "$A$A";` doubles GPP_A at each assignment of an
 * Upgrade_Rule too; the assignments share one 16 MiB budget. */
static void
test_assignments_bounded (Fixture *f, gconstpointer data)
{
  g_autofree char *url = file_url (f, OLD_VERSION ".loads");
  g_autoptr(GString) rule = g_string_new ("(");
  g_autoptr(GError) error = NULL;
  guint64 before;
  guint64 steps;

  open_direct (f, NULL);
  set_param (f, "GPP_A", "x");
  for (guint i = 0; i < 30; i++)
    g_string_append (rule, " a = \"$A$A\";");
  g_string_append_printf (rule, " )! %s", url);
  before = prov_parse_steps;
  g_assert_cmpint (upgrade (f, rule->str, &error), ==, PROV_UPGRADE_CURRENT);
  steps = prov_parse_steps - before;
  g_assert_no_error (error);
  g_test_message ("%" G_GUINT64_FORMAT " steps", steps);
  g_assert_cmpuint (steps, <=, 16 * 1024 * 1024 + 64 * rule->len);
}

/* The same version is never fetched: the file does not even exist. */
static void
test_same_version_skipped (Fixture *f, gconstpointer data)
{
  g_autofree char *url = file_url (f, OLD_VERSION ".loads");
  g_autofree char *missing = file_url (f, "missing-9.9.loads");
  g_autofree char *conditional = NULL;
  g_autoptr(GError) error = NULL;

  open_direct (f, NULL);
  g_assert_cmpint (upgrade (f, url, &error), ==, PROV_UPGRADE_CURRENT);
  g_assert_no_error (error);
  /* A condition on $SWVER that is false takes no alternative. */
  conditional = g_strdup_printf ("($SWVER ne %s)? %s", OLD_VERSION, missing);
  g_assert_cmpint (upgrade (f, conditional, &error), ==, PROV_UPGRADE_NONE);
  g_assert_no_error (error);
  /* A blank rule: nothing to do. */
  g_assert_cmpint (upgrade (f, NULL, &error), ==, PROV_UPGRADE_NONE);
  g_assert_no_error (error);
  g_assert_cmpuint (n_upgrade_logs (f), ==, 0);
  g_assert_cmpuint (n_status_upgrades (f), ==, 0);
  g_assert_false (g_file_test (f->installed, G_FILE_TEST_EXISTS));
}

static void
test_install (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) image = NULL;
  g_autofree char *command = NULL;
  g_autofree char *url = file_url (f, NEW_IMAGE);
  g_autofree char *rule = NULL;
  g_autofree char *swver = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *old_image = NULL;
  g_autofree char *firmware = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) requests = NULL;
  g_auto(GStrv) successes = NULL;
  const ProvStatusEntry *entries;
  guint n = 0;

  command = default_command (f);
  open_direct (f, command);
  image = write_image (f, NEW_IMAGE, 300 * 1024 + 7);
  /* An image of an earlier upgrade goes. */
  firmware = g_build_filename (f->dir, "firmware", NULL);
  g_assert_cmpint (g_mkdir (firmware, 0700), ==, 0);
  old_image = g_build_filename (firmware, "sip88xx.11-3-0MPP0001-1.img", NULL);
  g_assert_true (g_file_set_contents (old_image, "old", -1, NULL));

  /* The condition sees $SWVER; the assignment is persisted like a resync's. */
  rule = g_strdup_printf ("($SWVER ne %s)? (a=\"from $SWVER\";)! %s", NEW_VERSION, url);
  set_param (f, "Upgrade_Rule", rule);
  g_assert_cmpint (upgrade (f, NULL, &error), ==, PROV_UPGRADE_INSTALLED);
  g_assert_no_error (error);

  /* The installer got exactly the bytes, and the image is kept. */
  assert_file_bytes (f->installed, image);
  path = g_build_filename (firmware, NEW_VERSION ".img", NULL);
  assert_file_bytes (path, image);
  g_assert_false (g_file_test (old_image, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (f->progress, ==, g_bytes_get_size (image));

  swver = variable (f->ctx, "SWVER");
  g_assert_cmpstr (swver, ==, NEW_VERSION);
  g_assert_cmpstr (prov_store_get (prov_context_get_store (f->ctx), "GPP_A"), ==,
                   "from " OLD_VERSION);

  entries = prov_status_get_upgrades (prov_context_get_status (f->ctx), &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (entries[0].outcome, ==, PROV_OUTCOME_SUCCESS);
  g_assert_cmpstr (entries[0].url, ==, url);
  g_assert_null (entries[0].error);
  g_assert_cmpint (entries[0].cause, ==, PROV_CAUSE_EXPLICIT);
  g_assert_cmpint (entries[0].time, ==, T0 / G_USEC_PER_SEC);
  g_assert_cmpint (prov_status_get_last_upgrade_success (prov_context_get_status (f->ctx)), ==,
                   T0 / G_USEC_PER_SEC);

  /* Both messages name the address the transport used (one story). */
  requests = log_texts (f, PROV_LOG_UPGRADE_REQUEST);
  successes = log_texts (f, PROV_LOG_UPGRADE_SUCCESS);
  g_assert_cmpuint (g_strv_length (requests), ==, 1);
  g_assert_cmpuint (g_strv_length (successes), ==, 1);
  expected = g_strdup_printf (IDENTITY " -- Requesting upgrade file://127.0.0.1:0%s",
                              url + strlen ("file://"));
  g_assert_cmpstr (requests[0], ==, expected);
  g_free (expected);
  expected = g_strdup_printf (IDENTITY " -- Successful upgrade file://127.0.0.1:0%s -- installed "
                              NEW_VERSION, url + strlen ("file://"));
  g_assert_cmpstr (successes[0], ==, expected);

  /* Now current: the same rule takes no alternative. */
  g_assert_cmpint (upgrade (f, NULL, &error), ==, PROV_UPGRADE_NONE);
  g_assert_no_error (error);
  stored = variable (f->ctx, "UPGERR");
  g_assert_cmpstr (stored, ==, "");
}

static void
test_installer_failure (Fixture *f, gconstpointer data)
{
  g_autofree char *url = file_url (f, NEW_IMAGE);
  g_autofree char *upgerr = NULL;
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) failures = NULL;
  const ProvStatusEntry *entries;
  guint n = 0;

  open_direct (f, "/bin/sh -c \"echo first >&2; echo 'bad image' >&2; exit 3\"");
  image = write_image (f, NEW_IMAGE, 4096);
  g_assert_cmpint (upgrade (f, url, &error), ==, PROV_UPGRADE_FAILED);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "installer exited with status 3: bad image");
  failures = log_texts (f, PROV_LOG_UPGRADE_FAILURE);
  g_assert_cmpuint (g_strv_length (failures), ==, 1);
  g_assert_cmpstr (failures[0], ==,
                   IDENTITY " -- Upgrade failed: installer exited with status 3: bad image");
  entries = prov_status_get_upgrades (prov_context_get_status (f->ctx), &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (entries[0].outcome, ==, PROV_OUTCOME_OTHER);
  g_assert_cmpstr (entries[0].error, ==, "installer exited with status 3: bad image");
  upgerr = variable (f->ctx, "UPGERR");
  g_assert_cmpstr (upgerr, ==, "installer exited with status 3: bad image");
  g_assert_cmpstr (prov_device_get_software_version (prov_context_get_device (f->ctx)), ==,
                   OLD_VERSION);
}

static void
test_not_configured (Fixture *f, gconstpointer data)
{
  g_autofree char *url = file_url (f, NEW_IMAGE);
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GError) error = NULL;

  open_direct (f, NULL);
  image = write_image (f, NEW_IMAGE, 2048);
  g_assert_cmpint (upgrade (f, url, &error), ==, PROV_UPGRADE_FAILED);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_NOT_SUPPORTED);
  g_assert_cmpstr (error->message, ==, "no installer configured ([installer] Command)");
  g_assert_cmpuint (n_status_upgrades (f), ==, 1);
}

/* %f, %v and %% reach the command as single words, spaces included. */
static void
test_substitution (Fixture *f, gconstpointer data)
{
  g_autofree char *out = g_build_filename (f->dir, "args.txt", NULL);
  g_autofree char *quoted = g_shell_quote (out);
  g_autofree char *script = g_strdup_printf ("printf '[%%s][%%s][%%s]' \"$1\" \"$2\" \"$PROV_VERSION\" > %s",
                                             quoted);
  g_autofree char *script_quoted = g_shell_quote (script);
  g_autofree char *command = g_strdup_printf ("/bin/sh -c %s sh %%f %%v", script_quoted);
  g_autofree char *url = file_url (f, NEW_IMAGE);
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *image_path = g_build_filename (f->dir, "firmware", NEW_VERSION ".img", NULL);
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GError) error = NULL;

  open_direct (f, command);
  image = write_image (f, NEW_IMAGE, 2048);
  g_assert_cmpint (upgrade (f, url, &error), ==, PROV_UPGRADE_INSTALLED);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  /* "%%s" in the command became "%s" for printf. */
  expected = g_strdup_printf ("[%s][%s][%s]", image_path, NEW_VERSION, NEW_VERSION);
  g_assert_cmpstr (contents, ==, expected);
  g_assert_nonnull (strchr (image_path, ' '));
}

static ProvInstaller *
find_installer (Fixture *f)
{
  GPtrArray *plugins = prov_registry_get_plugins (prov_context_get_registry (f->ctx));

  for (guint i = 0; i < plugins->len; i++)
    if (PROV_IS_INSTALLER (plugins->pdata[i]))
      return plugins->pdata[i];
  g_assert_not_reached ();
}

typedef struct
{
  GMainLoop *loop;
  GError    *error;
  gboolean   ok;
} InstallWait;

static void
on_install_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  InstallWait *w = user_data;
  w->ok = prov_installer_install_finish (PROV_INSTALLER (source), res, &w->error);
  g_main_loop_quit (w->loop);
}

static gboolean
install (Fixture *f, GCancellable *cancellable, gboolean cancel_now, GError **error)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  InstallWait w = { loop, NULL, FALSE };
  g_autofree char *image = g_build_filename (f->dir, "some image.img", NULL);

  g_assert_true (g_file_set_contents (image, "x", 1, NULL));
  prov_installer_install_async (find_installer (f), prov_context_get_device (f->ctx), image, "1.0",
                                cancellable, on_install_done, &w);
  if (cancel_now)
    g_cancellable_cancel (cancellable);
  g_main_loop_run (loop);
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.ok;
}

/* A hanging installer is killed on cancellation and on its timeout. */
static void
test_installer_cancel_and_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GKeyFile *kf;
  gint64 start;

  open_direct (f, "/bin/sh -c \"exec sleep 60\"");
  start = g_get_monotonic_time ();
  g_assert_false (install (f, cancellable, TRUE, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_CANCELLED);
  g_clear_error (&error);
  kf = prov_device_get_keyfile (prov_context_get_device (f->ctx));
  g_key_file_set_integer (kf, "installer", "Timeout", 1);
  g_assert_false (install (f, NULL, FALSE, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "installer timed out after 1 s");
  g_assert_cmpint (g_get_monotonic_time () - start, <, S (30));
  g_clear_error (&error);
  g_key_file_set_string (kf, "installer", "Command", "/nonexistent/installer");
  g_assert_false (install (f, NULL, FALSE, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "cannot run installer: "));
}

static void
test_downgrade_limit (Fixture *f, gconstpointer data)
{
  g_autofree char *below = file_url (f, "sip88xx.11-2-9MPP0001-1.loads");
  g_autofree char *above = file_url (f, "sip88xx.11-3-0MPP0001-5.loads");
  g_autofree char *command = default_command (f);
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) failures = NULL;
  g_auto(GStrv) requests = NULL;
  const ProvStatusEntry *entries;
  guint n = 0;

  open_direct (f, command);
  set_param (f, "Downgrade_Rev_Limit", "11-3-0");
  /* Below the limit: refused before any fetch (the file does not exist). */
  g_assert_cmpint (upgrade (f, below, &error), ==, PROV_UPGRADE_FAILED);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==, "downgrade below limit 11-3-0");
  g_clear_error (&error);
  failures = log_texts (f, PROV_LOG_UPGRADE_FAILURE);
  requests = log_texts (f, PROV_LOG_UPGRADE_REQUEST);
  g_assert_cmpuint (g_strv_length (requests), ==, 0);
  g_assert_cmpuint (g_strv_length (failures), ==, 1);
  g_assert_cmpstr (failures[0], ==, IDENTITY " -- Upgrade failed: downgrade below limit 11-3-0");
  entries = prov_status_get_upgrades (prov_context_get_status (f->ctx), &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (entries[0].outcome, ==, PROV_OUTCOME_OTHER);
  /* An older version at or above the limit installs. */
  image = write_image (f, "sip88xx.11-3-0MPP0001-5.loads", 1024);
  g_assert_cmpint (upgrade (f, above, &error), ==, PROV_UPGRADE_INSTALLED);
  g_assert_no_error (error);
  assert_file_bytes (f->installed, image);
  g_assert_cmpstr (prov_device_get_software_version (prov_context_get_device (f->ctx)), ==,
                   "sip88xx.11-3-0MPP0001-5");
}

static void
test_too_large (Fixture *f, gconstpointer data)
{
  g_autofree char *url = file_url (f, NEW_IMAGE);
  g_autofree char *command = default_command (f);
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GError) error = NULL;

  open_direct (f, command);
  set_param (f, "Max_Firmware_Size", "4096");
  image = write_image (f, NEW_IMAGE, 4097);
  g_assert_cmpint (upgrade (f, url, &error), ==, PROV_UPGRADE_FAILED);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_TRANSPORT);
  g_assert_false (g_file_test (f->installed, G_FILE_TEST_EXISTS));
}

static void
test_free_space (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (prov_firmware_dir_check_space (f->dir, 4096, &error));
  g_assert_no_error (error);
  g_assert_false (prov_firmware_dir_check_space (f->dir, G_MAXUINT64 / 4, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "not enough space");
}

static void
test_disabled (Fixture *f, gconstpointer data)
{
  g_autofree char *url = file_url (f, NEW_IMAGE);
  g_autofree char *command = default_command (f);
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GError) error = NULL;
  const gint64 at[] = { 0 };
  const int causes[] = { PROV_CAUSE_BOOT };

  open_scheduled (f, command);
  image = write_image (f, NEW_IMAGE, 1024);
  set_param (f, "Upgrade_Rule", url);
  set_param (f, "Upgrade_Enable", "No");
  /* Direct calls are refused… */
  g_assert_cmpint (upgrade (f, NULL, &error), ==, PROV_UPGRADE_FAILED);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_DISABLED);
  /* …and the scheduler starts none, after a resync or on request. */
  prov_scheduler_start (f->scheduler);
  run_until (f, T0 + S (10));
  prov_scheduler_request_upgrade (f->scheduler, NULL);
  run_until (f, T0 + S (86400));
  assert_runs (f->resyncs, at, causes, G_N_ELEMENTS (at));
  g_assert_cmpuint (f->upgrades->len, ==, 0);
  g_assert_cmpuint (n_upgrade_logs (f), ==, 0);
  g_assert_cmpuint (n_status_upgrades (f), ==, 0);
  g_assert_false (g_file_test (f->installed, G_FILE_TEST_EXISTS));
}

/* Command=false: the first try after the boot resync, then retries per
 * Upgrade_Error_Retry_Delay with $UPGST 2, until the installer works. */
static void
test_retry_schedule (Fixture *f, gconstpointer data)
{
  g_autofree char *url = file_url (f, NEW_IMAGE);
  g_autofree char *command = default_command (f);
  g_autofree char *upgst = NULL;
  g_autoptr(GBytes) image = NULL;
  g_auto(GStrv) failures = NULL;
  const gint64 at[] = { 0, 100, 300, 500 };
  const int causes[] = { PROV_CAUSE_BOOT, PROV_CAUSE_RETRY, PROV_CAUSE_RETRY, PROV_CAUSE_RETRY };
  const gint64 at2[] = { 0, 100, 300, 500, 700 };
  const int causes2[] = { PROV_CAUSE_BOOT, PROV_CAUSE_RETRY, PROV_CAUSE_RETRY, PROV_CAUSE_RETRY,
                          PROV_CAUSE_RETRY };
  const ProvStatusEntry *entries;
  guint n = 0;

  open_scheduled (f, "false");
  image = write_image (f, NEW_IMAGE, 8192);
  set_param (f, "Upgrade_Rule", url);
  set_param (f, "Upgrade_Error_Retry_Delay", "100,200");
  set_param (f, "Resync_After_Upgrade_Attempt", "No");
  set_param (f, "Log_Upgrade_Failure_Msg", "UPGST=$UPGST $ERR");
  prov_scheduler_start (f->scheduler);
  run_until (f, T0 + S (550));
  assert_runs (f->upgrades, at, causes, G_N_ELEMENTS (at));
  failures = log_texts (f, PROV_LOG_UPGRADE_FAILURE);
  g_assert_cmpuint (g_strv_length (failures), ==, 4);
  g_assert_cmpstr (failures[0], ==, "UPGST=1 installer exited with status 1");
  for (guint i = 1; i < 4; i++)
    g_assert_cmpstr (failures[i], ==, "UPGST=2 installer exited with status 1");
  g_assert_cmpint (prov_scheduler_get_next_upgrade_retry (f->scheduler), ==, T0 + S (700));
  g_assert_cmpint (prov_scheduler_get_armed_deadline (f->scheduler), ==, T0 + S (700));
  /* A restarted daemon picks the retry up. */
  g_assert_cmpint (prov_status_get_int (prov_context_get_status (f->ctx), "NextUpgradeRetry", 0), ==,
                   T0 + S (700));
  /* Three kept, newest first. */
  entries = prov_status_get_upgrades (prov_context_get_status (f->ctx), &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpint (entries[0].time, ==, (T0 + S (500)) / G_USEC_PER_SEC);
  g_assert_cmpint (entries[0].cause, ==, PROV_CAUSE_RETRY);
  g_assert_cmpint (entries[2].time, ==, (T0 + S (100)) / G_USEC_PER_SEC);
  upgst = variable (f->ctx, "UPGST");
  g_assert_cmpstr (upgst, ==, "2");

  /* The installer works now: the retry at 700 installs, and no more follow. */
  g_key_file_set_string (prov_device_get_keyfile (prov_context_get_device (f->ctx)), "installer",
                         "Command", command);
  run_until (f, T0 + S (86400));
  assert_runs (f->upgrades, at2, causes2, G_N_ELEMENTS (at2));
  assert_file_bytes (f->installed, image);
  g_assert_cmpint (prov_scheduler_get_next_upgrade_retry (f->scheduler), ==, 0);
  g_assert_cmpint (prov_scheduler_get_armed_deadline (f->scheduler), ==, 0);
  entries = prov_status_get_upgrades (prov_context_get_status (f->ctx), &n);
  g_assert_cmpint (entries[0].outcome, ==, PROV_OUTCOME_SUCCESS);
  g_assert_cmpint (prov_status_get_int (prov_context_get_status (f->ctx), "UpgradeRetryIndex", -1),
                   ==, 0);
}

/* After each attempt a resync follows ($PRVST 0) when the parameter says
 * so; that resync starts no upgrade of its own, so nothing loops. */
static void
test_resync_after_attempt (Fixture *f, gconstpointer data)
{
  gboolean follow = GPOINTER_TO_INT (data);
  g_autofree char *url = file_url (f, NEW_IMAGE);
  g_autoptr(GBytes) image = NULL;
  const gint64 upgrades_at[] = { 0, 100 };
  const int upgrade_causes[] = { PROV_CAUSE_BOOT, PROV_CAUSE_RETRY };
  const gint64 resyncs_yes[] = { 0, 0, 100 };
  const int resync_causes_yes[] = { PROV_CAUSE_BOOT, PROV_CAUSE_BOOT, PROV_CAUSE_BOOT };
  const gint64 resyncs_no[] = { 0 };
  const int resync_causes_no[] = { PROV_CAUSE_BOOT };

  open_scheduled (f, "false");
  image = write_image (f, NEW_IMAGE, 1024);
  set_param (f, "Upgrade_Rule", url);
  set_param (f, "Upgrade_Error_Retry_Delay", "100");
  set_param (f, "Resync_After_Upgrade_Attempt", follow ? "Yes" : "No");
  prov_scheduler_start (f->scheduler);
  run_until (f, T0 + S (150));
  assert_runs (f->upgrades, upgrades_at, upgrade_causes, G_N_ELEMENTS (upgrades_at));
  if (follow)
    assert_runs (f->resyncs, resyncs_yes, resync_causes_yes, G_N_ELEMENTS (resyncs_yes));
  else
    assert_runs (f->resyncs, resyncs_no, resync_causes_no, G_N_ELEMENTS (resyncs_no));
}

/* A successful install is followed by one resync; a later periodic resync
 * finds the version current: nothing fetched, no resync follows. */
static void
test_install_then_current (Fixture *f, gconstpointer data)
{
  g_autofree char *url = file_url (f, NEW_IMAGE);
  g_autofree char *command = default_command (f);
  g_autofree char *image_path = g_build_filename (f->profiles, NEW_IMAGE, NULL);
  g_autoptr(GBytes) image = NULL;
  const gint64 upgrades_at[] = { 0, 600 };
  const int upgrade_causes[] = { PROV_CAUSE_BOOT, PROV_CAUSE_BOOT };
  const gint64 resyncs_at[] = { 0, 0, 600 };
  const int resync_causes[] = { PROV_CAUSE_BOOT, PROV_CAUSE_BOOT, PROV_CAUSE_PERIODIC };

  open_scheduled (f, command);
  image = write_image (f, NEW_IMAGE, 1024);
  set_param (f, "Upgrade_Rule", url);
  set_param (f, "Resync_Periodic", "600");
  prov_scheduler_start (f->scheduler);
  run_until (f, T0 + S (10));
  assert_file_bytes (f->installed, image);
  g_unlink (image_path);
  run_until (f, T0 + S (700));
  assert_runs (f->upgrades, upgrades_at, upgrade_causes, G_N_ELEMENTS (upgrades_at));
  assert_runs (f->resyncs, resyncs_at, resync_causes, G_N_ELEMENTS (resyncs_at));
  g_assert_cmpuint (n_status_upgrades (f), ==, 1);
}

/* Upgrades wait for idle lines, with no Forced_Resync_Delay for them. */
static void
test_busy_line (Fixture *f, gconstpointer data)
{
  g_autofree char *url = file_url (f, NEW_IMAGE);
  g_autofree char *url2 = file_url (f, "sip88xx.11-3-3MPP0001-700.loads");
  g_autofree char *command = default_command (f);
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GBytes) image2 = NULL;
  g_autoptr(GError) error = NULL;
  const gint64 resyncs_at[] = { 10, 1000, 1200 };
  const int resync_causes[] = { PROV_CAUSE_BOOT, PROV_CAUSE_BOOT, PROV_CAUSE_BOOT };
  const gint64 upgrades_at[] = { 1000, 1200 };
  const int upgrade_causes[] = { PROV_CAUSE_BOOT, PROV_CAUSE_EXPLICIT };

  open_scheduled (f, command);
  image = write_image (f, NEW_IMAGE, 2048);
  image2 = write_image (f, "sip88xx.11-3-3MPP0001-700.loads", 3000);
  set_param (f, "Upgrade_Rule", url);
  set_param (f, "Forced_Resync_Delay", "10");
  prov_scheduler_set_line_busy (f->scheduler, 1, TRUE);
  prov_scheduler_start (f->scheduler);
  /* The boot resync is forced at 10 s; the upgrade it makes due waits. */
  run_until (f, T0 + S (999));
  g_assert_cmpuint (f->resyncs->len, ==, 1);
  g_assert_cmpuint (f->upgrades->len, ==, 0);
  /* A direct call while a line is busy is refused. */
  g_assert_cmpint (upgrade (f, NULL, &error), ==, PROV_UPGRADE_FAILED);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_BUSY);
  g_assert_cmpstr (error->message, ==, "a line is busy");
  g_assert_cmpuint (n_status_upgrades (f), ==, 0);
  /* Idle at 1000: it starts at once. */
  prov_virtual_clock_advance_to (f->clock, T0 + S (1000));
  prov_scheduler_set_line_busy (f->scheduler, 1, FALSE);
  settle (f);
  assert_file_bytes (f->installed, image);
  /* An explicit request while busy waits too. */
  prov_scheduler_set_line_busy (f->scheduler, 2, TRUE);
  prov_scheduler_request_upgrade (f->scheduler, url2);
  run_until (f, T0 + S (1200));
  g_assert_cmpuint (f->upgrades->len, ==, 1);
  prov_scheduler_set_line_busy (f->scheduler, 2, FALSE);
  settle (f);
  assert_file_bytes (f->installed, image2);
  assert_runs (f->upgrades, upgrades_at, upgrade_causes, G_N_ELEMENTS (upgrades_at));
  assert_runs (f->resyncs, resyncs_at, resync_causes, G_N_ELEMENTS (resyncs_at));
}

/* A new process on the same state directory runs the installed version,
 * until the device file itself says something else. */
static void
test_restart_keeps_version (Fixture *f, gconstpointer data)
{
  g_autofree char *url = file_url (f, NEW_IMAGE);
  g_autofree char *command = default_command (f);
  g_autofree char *image_path = g_build_filename (f->profiles, NEW_IMAGE, NULL);
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvContext) ctx2 = NULL;
  g_autoptr(ProvContext) ctx3 = NULL;
  g_autoptr(ProvUpgrader) upgrader2 = NULL;
  g_autofree char *swver = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Wait w = { loop, PROV_UPGRADE_FAILED, NULL };

  open_direct (f, command);
  image = write_image (f, NEW_IMAGE, 1024);
  g_assert_cmpint (upgrade (f, url, &error), ==, PROV_UPGRADE_INSTALLED);
  g_assert_no_error (error);

  ctx2 = prov_context_new (f->dir, NULL, NULL, &error);
  g_assert_no_error (error);
  swver = variable (ctx2, "SWVER");
  g_assert_cmpstr (swver, ==, NEW_VERSION);
  /* So the same rule fetches nothing (the image is gone). */
  g_unlink (image_path);
  upgrader2 = prov_upgrader_new (prov_context_get_engine (ctx2));
  prov_upgrader_upgrade_async (upgrader2, PROV_CAUSE_EXPLICIT, url, NULL, NULL, on_upgraded, &w);
  g_main_loop_run (loop);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.result, ==, PROV_UPGRADE_CURRENT);

  /* The system was updated another way: the device file wins. */
  write_device (f, "sip88xx.12-0-1MPP0001-1", command);
  ctx3 = prov_context_new (f->dir, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (prov_device_get_software_version (prov_context_get_device (ctx3)), ==,
                   "sip88xx.12-0-1MPP0001-1");
}

int
main (int argc, char **argv)
{
  g_setenv ("TZ", "UTC", TRUE);
  tzset ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/upgrader/image-version", test_image_version);
  g_test_add_func ("/upgrader/image-version-linear", test_image_version_linear);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/upgrader/assignments-bounded", test_assignments_bounded);
  ADD ("/upgrader/same-version-skipped", test_same_version_skipped);
  ADD ("/upgrader/install", test_install);
  ADD ("/upgrader/installer-failure", test_installer_failure);
  ADD ("/upgrader/not-configured", test_not_configured);
  ADD ("/upgrader/substitution", test_substitution);
  ADD ("/upgrader/installer-cancel-timeout", test_installer_cancel_and_timeout);
  ADD ("/upgrader/downgrade-limit", test_downgrade_limit);
  ADD ("/upgrader/too-large", test_too_large);
  ADD ("/upgrader/free-space", test_free_space);
  ADD ("/upgrader/disabled", test_disabled);
  ADD ("/upgrader/retry-schedule", test_retry_schedule);
  ADD ("/upgrader/restart-keeps-version", test_restart_keeps_version);
  ADD ("/upgrader/install-then-current", test_install_then_current);
  ADD ("/upgrader/busy-line", test_busy_line);
#undef ADD
  g_test_add ("/upgrader/resync-after-attempt/yes", Fixture, GINT_TO_POINTER (TRUE), fixture_setup,
              test_resync_after_attempt, fixture_teardown);
  g_test_add ("/upgrader/resync-after-attempt/no", Fixture, GINT_TO_POINTER (FALSE), fixture_setup,
              test_resync_after_attempt, fixture_teardown);
  return g_test_run ();
}
