/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ProvSyslog against a real rsyslogd (tests/peers/rsyslog.sh), which writes
 * each datagram it receives verbatim, one per line. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <syslog.h>

#include "prov-clock.h"
#include "prov-context.h"
#include "prov-error.h"
#include "prov-schema.h"
#include "prov-syslog.h"
#ifdef PROV_TEST_NGINX
#include "prov-test.h"

static TestServer *nginx;
#endif

#define DEVICE "[Device]\nMAC=00:0e:08:ab:cd:ef\nProductName=CP-8845-3PCC\n" \
               "SerialNumber=88012BA01234\n"
#define TEXT "CP-8845-3PCC 00:0e:08:ab:cd:ef -- Successful resync tftp://127.0.0.1:69/a.txt"
/* The virtual clock's time in TZ=PROV-5:30 (set in main). */
#define STAMP "Nov  4 01:02:03"

typedef struct
{
  char       *dir;
  guint       port;
  ProvStore  *store;
  ProvDevice *device;
  ProvClock  *clock;
  ProvSyslog *syslog;
} Fixture;

static char *
peer_script (void)
{
  return g_test_build_filename (G_TEST_DIST, "..", "..", "tests", "peers", "rsyslog.sh", NULL);
}

static void
peer_run (const char *command, const char *dir, char **out)
{
  g_autofree char *script = peer_script ();
  const char *argv[] = { script, command, dir, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
}

/* Starts an rsyslogd in a new directory; returns its port. */
static guint
peer_start (char **dir)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  guint64 port;

  *dir = g_dir_make_tmp ("prov-syslog-XXXXXX", &error);
  g_assert_no_error (error);
  peer_run ("start", *dir, &out);
  g_assert_true (g_ascii_string_to_unsigned (g_strstrip (out), 10, 1, 65535, &port, NULL));
  return port;
}

static void
peer_stop (char *dir)
{

  peer_run ("stop", dir, NULL);
  /* The peer's files (messages, config, pid, its work directory) and, for
   * the engine tests, a state directory. */
  g_assert_true (test_rm_rf (dir));
  g_free (dir);
}

static char *
peer_messages (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "messages", NULL);
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, NULL);
  return contents != NULL ? contents : g_strdup ("");
}

/* The line holding @marker, once it arrived: polls the output file while
 * running the main loop (for the resolver), for at most 10 s. */
static char *
wait_line (const char *dir, const char *marker)
{
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *all = NULL;
      g_auto(GStrv) lines = NULL;

      while (g_main_context_iteration (NULL, FALSE))
        ;
      all = peer_messages (dir);
      lines = g_strsplit (all, "\n", -1);
      for (guint j = 0; lines[j] != NULL; j++)
        if (strstr (lines[j], marker) != NULL)
          return g_strdup (lines[j]);
      g_usleep (10 * 1000);
    }
  g_error ("“%s” never arrived in %s", marker, dir);
}

static void
set_param (ProvStore *store, const char *name, const char *value)
{
  test_store_set (store, (const char *[]) { name, value, NULL });
}

static void
set_server (Fixture *f, const char *host, guint port)
{
  g_autofree char *server = g_strdup_printf ("%s:%u", host, port);
  set_param (f->store, "Syslog_Server", server);
}

static void
send_ok (Fixture *f, int severity, const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (prov_syslog_send (f->syslog, severity, text, &error));
  g_assert_no_error (error);
}

static gint64
test_time (void)
{
  /* 01:02:03 on Nov 4 at UTC+5:30: still Nov 3 in UTC. */
  g_autoptr(GDateTime) utc = g_date_time_new_utc (2024, 11, 3, 19, 32, 3);
  return g_date_time_to_unix (utc) * G_USEC_PER_SEC + 999999;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  const char *dirs[] = { g_getenv ("PROV_SCHEMA_DIR"), NULL };
  g_autoptr(ProvSchema) schema = prov_schema_new ();
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (dirs[0]);
  f->port = peer_start (&f->dir);
  prov_schema_load_dirs (schema, dirs, &error);
  g_assert_no_error (error);
  f->store = prov_store_new (schema, NULL, &error);
  g_assert_no_error (error);
  f->device = prov_device_new_from_data (DEVICE, &error);
  g_assert_no_error (error);
  f->clock = prov_clock_new_virtual (test_time ());
  f->syslog = prov_syslog_new (f->store, f->device);
  prov_syslog_set_clock (f->syslog, f->clock);
  set_server (f, "127.0.0.1", f->port);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->syslog);
  g_clear_object (&f->clock);
  g_clear_object (&f->device);
  g_clear_object (&f->store);
  peer_stop (f->dir);
}

static void
test_identifier (Fixture *f, gconstpointer data)
{
  const struct { const char *identifier, *field; } cases[] = {
    { "$MA", "000e08abcdef " },
    { "$MAU", "000E08ABCDEF " },
    { "$MAC", "00:0e:08:ab:cd:ef " },
    { "$SN", "88012BA01234 " },
    { "None", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("%s #%u", TEXT, i);
      g_autofree char *expected = g_strdup_printf ("<134>" STAMP " %s%s", cases[i].field, text);
      g_autofree char *line = NULL;

      set_param (f->store, "Syslog_Identifier", cases[i].identifier);
      send_ok (f, LOG_INFO, text);
      line = wait_line (f->dir, text);
      g_assert_cmpstr (line, ==, expected);
    }
}

static void
test_timestamp (Fixture *f, gconstpointer data)
{
  g_autoptr(GDateTime) utc = g_date_time_new_utc (2024, 12, 25, 18, 29, 59);
  g_autofree char *line = NULL;

  /* Two-digit day, late in the local day; 23:59:59 local is still the 25th. */
  prov_virtual_clock_advance_to (f->clock, g_date_time_to_unix (utc) * G_USEC_PER_SEC);
  send_ok (f, LOG_INFO, "stamp");
  line = wait_line (f->dir, "stamp");
  g_assert_cmpstr (line, ==, "<134>Dec 25 23:59:59 stamp");
}

static void
test_priority (Fixture *f, gconstpointer data)
{
  const struct { int severity; const char *pri; } cases[] = {
    { LOG_ERR, "<131>" }, { LOG_WARNING, "<132>" }, { LOG_INFO, "<134>" }, { LOG_DEBUG, "<135>" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("severity %d", cases[i].severity);
      g_autofree char *expected = g_strdup_printf ("%s" STAMP " %s", cases[i].pri, text);
      g_autofree char *line = NULL;

      send_ok (f, cases[i].severity, text);
      line = wait_line (f->dir, text);
      g_assert_cmpstr (line, ==, expected);
    }
}

static void
test_truncate (Fixture *f, gconstpointer data)
{
  const char *header = "<134>" STAMP " ";
  g_autoptr(GString) ascii = g_string_new ("ascii ");
  g_autoptr(GString) utf8 = g_string_new (NULL);
  g_autofree char *line = NULL;

  while (ascii->len < 2000)
    g_string_append_c (ascii, 'x');
  send_ok (f, LOG_INFO, ascii->str);
  line = wait_line (f->dir, "ascii ");
  g_assert_cmpuint (strlen (line), ==, PROV_SYSLOG_MAX_SIZE);
  g_assert_true (g_str_has_prefix (line, header));
  g_assert_cmpint (strncmp (line + strlen (header), ascii->str,
                            PROV_SYSLOG_MAX_SIZE - strlen (header)), ==, 0);
  g_clear_pointer (&line, g_free);

  /* "é" is two bytes; byte 1024 falls inside the 499th one: it goes whole. */
  g_string_append (utf8, "utf-8 ");
  while (utf8->len < 2000)
    g_string_append (utf8, "é");
  send_ok (f, LOG_INFO, utf8->str);
  line = wait_line (f->dir, "utf-8 ");
  g_assert_cmpuint (strlen (header) + strlen ("utf-8 ") + 2 * 498, ==, PROV_SYSLOG_MAX_SIZE - 1);
  g_string_truncate (utf8, strlen ("utf-8 ") + 2 * 498);
  g_string_prepend (utf8, header);
  g_assert_cmpstr (line, ==, utf8->str);
}

static void
test_control_characters (Fixture *f, gconstpointer data)
{
  g_autofree char *line = NULL;

  send_ok (f, LOG_INFO, "ctl a\nb\tc\r\x7f" "d");
  line = wait_line (f->dir, "ctl ");
  g_assert_cmpstr (line, ==, "<134>" STAMP " ctl a b c  d");
}

static void
test_off (Fixture *f, gconstpointer data)
{
  g_autofree char *line = NULL;
  g_autofree char *all = NULL;

  set_param (f->store, "Syslog_Server", "");
  send_ok (f, LOG_INFO, "while off");
  set_server (f, "127.0.0.1", f->port);
  send_ok (f, LOG_INFO, "back on");
  line = wait_line (f->dir, "back on");
  all = peer_messages (f->dir);
  g_assert_null (strstr (all, "while off"));
}

static void
test_change_server (Fixture *f, gconstpointer data)
{
  g_autofree char *other_dir = NULL;
  guint other_port = peer_start (&other_dir);
  g_autofree char *line = NULL;
  g_autofree char *all = NULL;

  send_ok (f, LOG_INFO, "to first");
  g_free (wait_line (f->dir, "to first"));
  set_server (f, "127.0.0.1", other_port);
  send_ok (f, LOG_INFO, "to second");
  g_free (wait_line (other_dir, "to second"));
  set_server (f, "127.0.0.1", f->port);
  send_ok (f, LOG_INFO, "first again");
  line = wait_line (f->dir, "first again");
  all = peer_messages (f->dir);
  g_assert_null (strstr (all, "to second"));
  g_clear_pointer (&all, g_free);
  all = peer_messages (other_dir);
  g_assert_null (strstr (all, "to first"));
  peer_stop (g_steal_pointer (&other_dir));
}

static void
test_host_name (Fixture *f, gconstpointer data)
{
  g_autofree char *line = NULL;

  set_param (f->store, "Syslog_Identifier", "$MA");
  set_server (f, "localhost", f->port);
  /* Accepted at once; sent when the resolver answers (wait_line runs the loop). */
  send_ok (f, LOG_INFO, "by name 1");
  send_ok (f, LOG_INFO, "by name 2");
  line = wait_line (f->dir, "by name 2");
  g_assert_cmpstr (line, ==, "<134>" STAMP " 000e08abcdef by name 2");
  g_clear_pointer (&line, g_free);
  line = wait_line (f->dir, "by name 1");
  g_assert_cmpstr (line, ==, "<134>" STAMP " 000e08abcdef by name 1");
  g_clear_pointer (&line, g_free);
  /* Now from the cache. */
  send_ok (f, LOG_INFO, "by name 3");
  line = wait_line (f->dir, "by name 3");
  g_assert_cmpstr (line, ==, "<134>" STAMP " 000e08abcdef by name 3");
}

static void
test_ipv6 (Fixture *f, gconstpointer data)
{
  g_autofree char *marker = g_build_filename (f->dir, "ipv6", NULL);
  g_autofree char *server = NULL;
  g_autofree char *line = NULL;

  if (!g_file_test (marker, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no IPv6 loopback");
      return;
    }
  server = g_strdup_printf ("[::1]:%u", f->port);
  set_param (f->store, "Syslog_Server", server);
  send_ok (f, LOG_INFO, "over v6");
  line = wait_line (f->dir, "over v6");
  g_assert_cmpstr (line, ==, "<134>" STAMP " over v6");
}

static void
test_invalid_server (Fixture *f, gconstpointer data)
{
  const char *values[] = { "host:99999", "host:", "host:0", ":514", "a b" };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(GError) error = NULL;

      set_param (f->store, "Syslog_Server", values[i]);
      g_assert_false (prov_syslog_send (f->syslog, LOG_INFO, "invalid", &error));
      g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE);
    }
}

static void
test_engine (Fixture *f, gconstpointer data)
{
  g_autoptr(ProvRegistry) registry = prov_registry_new ();
  g_autofree char *status_path = g_build_filename (f->dir, "status", NULL);
  g_autoptr(ProvStatus) status = prov_status_new (status_path);
  g_autoptr(ProvEngine) engine = prov_engine_new (f->store, f->device, registry, status, f->dir);
  g_autofree char *line = NULL;

  prov_syslog_attach (f->syslog, engine);
  g_signal_emit_by_name (engine, "log-message", (int) PROV_LOG_REQUEST, "engine request", 1u);
  g_signal_emit_by_name (engine, "log-message", (int) PROV_LOG_FAILURE, "engine failure", 1u);
  g_signal_emit_by_name (engine, "log-message", (int) PROV_LOG_UPGRADE_FAILURE,
                         "engine upgrade failure", 2u);
  line = wait_line (f->dir, "engine request");
  g_assert_cmpstr (line, ==, "<134>" STAMP " engine request");
  g_clear_pointer (&line, g_free);
  line = wait_line (f->dir, "engine failure");
  g_assert_cmpstr (line, ==, "<131>" STAMP " engine failure");
  g_clear_pointer (&line, g_free);
  line = wait_line (f->dir, "engine upgrade failure");
  g_assert_cmpstr (line, ==, "<131>" STAMP " engine upgrade failure");
}

/* Debug_Server gets the syslog messages too while both are set (seed). */
static void
test_debug_server (Fixture *f, gconstpointer data)
{
  g_autofree char *debug_dir = NULL;
  guint debug_port = peer_start (&debug_dir);
  g_autofree char *debug_server = g_strdup_printf ("127.0.0.1:%u", debug_port);
  g_autofree char *line = NULL;
  g_autofree char *all = NULL;
  g_autoptr(GError) error = NULL;

  set_param (f->store, "Debug_Server", debug_server);
  send_ok (f, LOG_INFO, "to both");
  line = wait_line (f->dir, "to both");
  g_assert_cmpstr (line, ==, "<134>" STAMP " to both");
  g_clear_pointer (&line, g_free);
  line = wait_line (debug_dir, "to both");
  g_assert_cmpstr (line, ==, "<134>" STAMP " to both");
  g_clear_pointer (&line, g_free);

  /* Debug_Server alone gets nothing: the seed says "when both are set". */
  set_param (f->store, "Syslog_Server", "");
  send_ok (f, LOG_INFO, "to neither");
  set_server (f, "127.0.0.1", f->port);
  send_ok (f, LOG_INFO, "both again");
  g_free (wait_line (f->dir, "both again"));
  g_free (wait_line (debug_dir, "both again"));
  all = peer_messages (debug_dir);
  g_assert_null (strstr (all, "to neither"));

  /* A bad Debug_Server costs the syslog server nothing. */
  set_param (f->store, "Debug_Server", "host:0");
  g_assert_false (prov_syslog_send (f->syslog, LOG_INFO, "syslog only", &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (error->message, "Debug_Server"));
  g_free (wait_line (f->dir, "syslog only"));
  peer_stop (g_steal_pointer (&debug_dir));
}

/* ---- one story per fetch, through the engine and the real plugins ---- */

static void
on_resynced (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GError **error = user_data;
  g_autoptr(ProvResyncResult) result = prov_engine_resync_finish (PROV_ENGINE (source), res,
                                                                  error);

  g_object_set_data (source, "done", GINT_TO_POINTER (1));
}

static gboolean
resync (ProvContext *ctx, const char *rule, GError **error)
{
  ProvEngine *engine = prov_context_get_engine (ctx);

  g_object_set_data (G_OBJECT (engine), "done", NULL);
  prov_engine_resync_async (engine, PROV_CAUSE_EXPLICIT, rule, NULL, NULL, on_resynced, error);
  for (guint i = 0; i < 100000 && g_object_get_data (G_OBJECT (engine), "done") == NULL; i++)
    g_main_context_iteration (NULL, TRUE);
  return error == NULL || *error == NULL;
}

/* The syslog messages of the engine of a state directory in @f->dir. */
static ProvContext *
story_context (Fixture *f, const char *profiles, ProvSyslog **syslog)
{
  g_autofree char *device = g_strdup_printf (DEVICE "[file]\nRoots=%s\n", profiles);
  g_autofree char *path = g_build_filename (f->dir, "device.conf", NULL);
  g_autoptr(GError) error = NULL;
  ProvContext *ctx;

  g_assert_true (g_file_set_contents (path, device, -1, NULL));
  ctx = prov_context_new (f->dir, NULL, NULL, &error);
  g_assert_no_error (error);
  set_param (prov_context_get_store (ctx), "Syslog_Server",
             prov_store_get (f->store, "Syslog_Server"));
  *syslog = prov_syslog_new (prov_context_get_store (ctx), prov_context_get_device (ctx));
  prov_syslog_attach (*syslog, prov_context_get_engine (ctx));
  return ctx;
}

/* Request and end name the same $SCHEME://$SERVIP:$PORT$PATH, also for a
 * file-not-found that counts as success (Resync_Fails_On_FNF=No). */
static void
test_one_story_file (Fixture *f, gconstpointer data)
{
  g_autofree char *profiles = g_build_filename (f->dir, "profiles", NULL);
  g_autofree char *good = g_build_filename (profiles, "a.xml", NULL);
  g_autofree char *missing = g_build_filename (profiles, "missing.xml", NULL);
  g_autofree char *rule = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *line = NULL;
  g_autoptr(ProvSyslog) syslog = NULL;
  g_autoptr(ProvContext) ctx = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (profiles, 0700), ==, 0);
  g_assert_true (g_file_set_contents (good, "<flat-profile><GPP_A>1</GPP_A></flat-profile>", -1,
                                      NULL));
  ctx = story_context (f, profiles, &syslog);

  rule = g_strconcat ("file://", good, NULL);
  g_assert_true (resync (ctx, rule, &error));
  g_assert_no_error (error);
  /* Not `file://:0/…` then `file://127.0.0.1:0/…`. */
  expected = g_strconcat ("CP-8845-3PCC 00:0e:08:ab:cd:ef -- Requesting resync file://127.0.0.1:0",
                          good, NULL);
  line = wait_line (f->dir, "Requesting resync file://");
  g_assert_true (g_str_has_suffix (line, expected));
  g_clear_pointer (&line, g_free);
  g_free (expected);
  expected = g_strconcat ("CP-8845-3PCC 00:0e:08:ab:cd:ef -- Successful resync file://127.0.0.1:0",
                          good, NULL);
  line = wait_line (f->dir, "Successful resync file://");
  g_assert_true (g_str_has_suffix (line, expected));
  g_clear_pointer (&line, g_free);

  set_param (prov_context_get_store (ctx), "Resync_Fails_On_FNF", "No");
  g_free (rule);
  rule = g_strconcat ("file://", missing, NULL);
  g_assert_true (resync (ctx, rule, &error));
  g_assert_no_error (error);
  {
    g_autofree char *request = g_strconcat ("Requesting resync file://127.0.0.1:0", missing, NULL);
    g_autofree char *success = g_strconcat ("Successful resync file://127.0.0.1:0", missing, NULL);

    g_free (wait_line (f->dir, request));
    /* Its end message: a success by Resync_Fails_On_FNF=No, at level info. */
    line = wait_line (f->dir, success);
    g_assert_true (g_str_has_prefix (line, "<134>"));
  }
}

#ifdef PROV_TEST_NGINX
static char *
nginx_servers (const guint *ports, gpointer user_data)
{
  return g_strdup_printf ("  server {\n    listen 127.0.0.1:%u;\n    root %s/htdocs;\n  }\n",
                          ports[0], test_tmpdir ());
}

/* A host name: both messages name the address the fetch used. */
static void
test_one_story_http (Fixture *f, gconstpointer data)
{
  guint port = test_server_port (nginx, 0);
  g_autofree char *rule = g_strdup_printf ("http://localhost:%u/story.xml", port);
  g_autofree char *request = g_strdup_printf (
    "<134>" STAMP " CP-8845-3PCC 00:0e:08:ab:cd:ef -- Requesting resync "
    "http://127.0.0.1:%u/story.xml", port);
  g_autofree char *success = g_strdup_printf (
    "<134>" STAMP " CP-8845-3PCC 00:0e:08:ab:cd:ef -- Successful resync "
    "http://127.0.0.1:%u/story.xml", port);
  g_autofree char *line = NULL;
  g_autofree char *all = NULL;
  g_autoptr(ProvSyslog) syslog = NULL;
  g_autoptr(ProvContext) ctx = NULL;
  g_autoptr(GError) error = NULL;

  ctx = story_context (f, f->dir, &syslog);
  prov_syslog_set_clock (syslog, f->clock);
  g_assert_true (resync (ctx, rule, &error));
  g_assert_no_error (error);
  line = wait_line (f->dir, "Successful resync");
  g_assert_cmpstr (line, ==, success);
  g_clear_pointer (&line, g_free);
  line = wait_line (f->dir, "Requesting resync");
  g_assert_cmpstr (line, ==, request);
  all = peer_messages (f->dir);
  g_assert_true (strstr (all, request) < strstr (all, success));
  g_assert_null (strstr (all, "localhost"));
}
#endif

int
main (int argc, char **argv)
{
  static const TEST_FIXTURE_CASES (Fixture) cases[] = {
    { "/syslog/identifier", test_identifier, NULL },
    { "/syslog/timestamp", test_timestamp, NULL },
    { "/syslog/priority", test_priority, NULL },
    { "/syslog/truncate", test_truncate, NULL },
    { "/syslog/control-characters", test_control_characters, NULL },
    { "/syslog/off", test_off, NULL },
    { "/syslog/change-server", test_change_server, NULL },
    { "/syslog/host-name", test_host_name, NULL },
    { "/syslog/ipv6", test_ipv6, NULL },
    { "/syslog/invalid-server", test_invalid_server, NULL },
    { "/syslog/engine", test_engine, NULL },
    { "/syslog/debug-server", test_debug_server, NULL },
    { "/syslog/one-story-file", test_one_story_file, NULL },
  };
  int status;

  /* Local time differs from UTC by a date and a half hour. */
  g_setenv ("TZ", "PROV-5:30", TRUE);
  g_test_init (&argc, &argv, NULL);
  TEST_ADD_FIXTURE_CASES (Fixture, fixture_setup, fixture_teardown, cases);
#ifdef PROV_TEST_NGINX
  test_write ("htdocs/story.xml", "<flat-profile><GPP_B>story</GPP_B></flat-profile>", -1);
  nginx = test_nginx_start (1, nginx_servers, NULL);
  g_test_add ("/syslog/one-story-http", Fixture, NULL, fixture_setup, test_one_story_http,
              fixture_teardown);
#endif
  status = g_test_run ();
#ifdef PROV_TEST_NGINX
  test_server_stop (nginx);
#endif
  return status;
}
