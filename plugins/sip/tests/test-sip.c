/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The built plugin module on 127.0.0.1, driven by the real sipp and by a
 * Python sender for what sipp cannot craft (replays, garbage, floods).
 * Runs inside a private network namespace (tests/in-netns). */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "prov-context.h"
#include "prov-error.h"
#include "prov-plugin.h"
#include "prov-test.h"
#include "prov-trigger.h"

#define SIPP_TIMEOUT_S 30 /* the test fails after this, sipp is killed */
/* The rule of notify-xml-service.xml's ExecuteItem (sipp -key rule). */
#define XML_RULE "tftp://127.0.0.1/$MA.cfg"

typedef struct
{
  char        *dir;
  ProvContext *ctx;
  ProvPlugin  *plugin;
  guint        port;
  guint        n_fired;
  int          last_action;
  int          last_cause;
  GPtrArray   *rules; /* of every firing, NULL for the configured rules */
} Fixture;

static void
on_fired (ProvTrigger *trigger, int action, int cause, const char *rule, gpointer user_data)
{
  Fixture *f = user_data;

  f->n_fired++;
  f->last_action = action;
  f->last_cause = cause;
  if (f->rules == NULL)
    f->rules = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (f->rules, g_strdup (rule));
}

static void
set_params (Fixture *f, const char *const *pairs)
{
  test_store_set (prov_context_get_store (f->ctx), pairs);
}

/* A state directory whose device file has @sip_group as [sip], and two
 * lines in the store (line 2 with an Auth_ID). */
static void
make_context (Fixture *f, const char *sip_group)
{
  g_autofree char *device_text = g_strdup_printf ("[Device]\nMAC=00:0e:08:ab:cd:ef\n\n[sip]\n%s",
                                                  sip_group);

  f->plugin = test_trigger_open ("PROV_SIP_PLUGIN", "sip", device_text, &f->dir, &f->ctx);
  set_params (f, (const char *[]) { "User_ID_1_", "1001", "Password_1_", "line-one-secret",
                                    "User_ID_2_", "1002", "Auth_ID_2_", "auth1002",
                                    "Password_2_", "line-two-secret", NULL });
  g_signal_connect (f->plugin, "fired", G_CALLBACK (on_fired), f);
}

static void
setup_with (Fixture *f, const char *sip_group)
{
  g_autoptr(GError) error = NULL;

  make_context (f, sip_group);
  prov_trigger_start (PROV_TRIGGER (f->plugin), prov_context_get_engine (f->ctx), &error);
  g_assert_no_error (error);
  g_object_get (f->plugin, "port", &f->port, NULL);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  setup_with (f, "ListenAddress=127.0.0.1\nListenPort=0\n");
  g_assert_cmpuint (f->port, >, 0);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  test_trigger_close (&f->plugin, &f->ctx, &f->dir);
  g_clear_pointer (&f->rules, g_ptr_array_unref);
}

/* Runs a child to its end while the main loop serves the plugin; returns
 * its exit status. Its output is kept in the test log. */
static int
run_child (Fixture *f, const char *const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *log = g_build_filename (f->dir, "child.log", NULL);
  g_autofree char *output = NULL;
  g_autofree char *cmdline = g_strjoinv (" ", (char **) argv);
  int status;

  g_subprocess_launcher_set_cwd (launcher, f->dir);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  status = test_run_child (launcher, argv, SIPP_TIMEOUT_S, NULL, NULL);
  if (g_file_get_contents (log, &output, NULL, NULL))
    g_test_message ("%s:\n%s", cmdline, output);
  g_unlink (log);
  return status;
}

static int
run_sipp (Fixture *f, const char *scenario, const char *user, const char *password)
{
  g_autofree char *sf = g_test_build_filename (G_TEST_DIST, scenario, NULL);
  g_autofree char *remote = g_strdup_printf ("127.0.0.1:%u", f->port);
  g_autofree char *errors = g_build_filename (f->dir, "sipp-errors.log", NULL);
  g_autofree char *error_text = NULL;
  const char *argv[] = {
    "sipp", "-sf", sf, remote, "-m", "1", "-i", "127.0.0.1", "-bind_local",
    "-s", "phone", "-au", user, "-ap", password, "-key", "rule", XML_RULE, "-nostdin",
    "-timeout", "20s", "-timeout_error", "-max_retrans", "6",
    "-default_behaviors", "abortunexp",
    "-trace_err", "-error_file", errors, NULL
  };
  int status = run_child (f, argv);

  if (status != 0 && g_file_get_contents (errors, &error_text, NULL, NULL))
    g_test_message ("sipp errors:\n%s", error_text);
  return status;
}

static int
run_sender (Fixture *f, const char *mode, const char *arg1, const char *arg2)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "sip-send.py", NULL);
  g_autofree char *port = g_strdup_printf ("%u", f->port);
  const char *python = g_getenv ("PYTHON3");
  const char *argv[] = { python != NULL ? python : "python3", script, mode, port, arg1, arg2,
                         NULL };

  return run_child (f, argv);
}

static void
test_challenge_and_resync (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (run_sipp (f, "notify-auth.xml", "1001", "line-one-secret"), ==, 0);
  g_assert_cmpuint (f->n_fired, ==, 1);
  g_assert_cmpint (f->last_action, ==, PROV_TRIGGER_ACTION_RESYNC);
  g_assert_cmpint (f->last_cause, ==, PROV_CAUSE_EXPLICIT);

  /* Line 2 answers with its Auth_ID. */
  g_assert_cmpint (run_sipp (f, "notify-auth.xml", "auth1002", "line-two-secret"), ==, 0);
  g_assert_cmpuint (f->n_fired, ==, 2);
}

static void
test_wrong_password (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (run_sipp (f, "notify-wrong-password.xml", "1001", "not-the-secret"), ==, 0);
  /* Right password, other line's user: wrong too. */
  g_assert_cmpint (run_sipp (f, "notify-wrong-password.xml", "1002", "line-one-secret"), ==, 0);
  /* And the expectation itself can fail: the right password is obeyed. */
  g_assert_cmpint (run_sipp (f, "notify-wrong-password.xml", "1001", "line-one-secret"), !=, 0);
  g_assert_cmpuint (f->n_fired, ==, 1);
}

static void
test_replay (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (run_sender (f, "replay", "1001", "line-one-secret"), ==, 0);
  /* The first answer only; its retransmission and the replays: nothing. */
  g_assert_cmpuint (f->n_fired, ==, 1);
}

static void
test_no_qop (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (run_sender (f, "noqop", "1002", "line-two-secret"), ==, 0);
  g_assert_cmpuint (f->n_fired, ==, 1);
}

static void
test_disabled_by_parameter (Fixture *f, gconstpointer data)
{
  set_params (f, (const char *[]) { "Resync_From_SIP", "No", NULL });
  g_assert_cmpint (run_sipp (f, "notify-refused.xml", "1001", "line-one-secret"), ==, 0);
  g_assert_cmpint (run_sipp (f, "notify-auth.xml", "1001", "line-one-secret"), !=, 0);
  g_assert_cmpuint (f->n_fired, ==, 0);

  /* Read at each request: no restart needed. */
  set_params (f, (const char *[]) { "Resync_From_SIP", "Yes", NULL });
  g_assert_cmpint (run_sipp (f, "notify-auth.xml", "1001", "line-one-secret"), ==, 0);
  g_assert_cmpuint (f->n_fired, ==, 1);
}

static void
test_bad_event (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (run_sipp (f, "notify-bad-event.xml", "1001", "line-one-secret"), ==, 0);
  g_assert_cmpuint (f->n_fired, ==, 0);
}

static void
test_garbage (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (run_sender (f, "garbage", NULL, NULL), ==, 0);
  g_assert_cmpuint (f->n_fired, ==, 0);
  g_assert_cmpint (run_sipp (f, "notify-auth.xml", "1001", "line-one-secret"), ==, 0);
  g_assert_cmpuint (f->n_fired, ==, 1);
}

static void
test_burst (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (run_sender (f, "burst", "10000", NULL), ==, 0);
  g_assert_cmpuint (f->n_fired, ==, 0);
  /* sipp retransmits (T1 = 500 ms) while the source's budget refills. */
  g_assert_cmpint (run_sipp (f, "notify-auth.xml", "1001", "line-one-secret"), ==, 0);
  g_assert_cmpuint (f->n_fired, ==, 1);
}

/* Cisco's XML-Service NOTIFY (an Execute object): challenged with the
 * line's credentials, then a resync with the ExecuteItem's rule. (Several
 * items: tests/test-sip-handler.c.) */
static void
test_xml_service (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (run_sipp (f, "notify-xml-service.xml", "1001", "line-one-secret"), ==, 0);
  g_assert_cmpuint (f->n_fired, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->rules, 0), ==, XML_RULE);
  g_assert_cmpint (f->last_cause, ==, PROV_CAUSE_EXPLICIT);

  /* The wrong password: the challenge, then 403 (the scenario expects 200). */
  g_assert_cmpint (run_sipp (f, "notify-xml-service.xml", "1001", "not-the-secret"), !=, 0);
  /* An item other than Resync: 400, nothing fires. */
  g_assert_cmpint (run_sipp (f, "notify-xml-service-refused.xml", "1001", "line-one-secret"),
                   ==, 0);
  g_assert_cmpuint (f->n_fired, ==, 1);

  set_params (f, (const char *[]) { "Resync_From_SIP", "No", NULL });
  g_assert_cmpint (run_sipp (f, "notify-xml-service.xml", "1001", "line-one-secret"), !=, 0);
  g_assert_cmpuint (f->n_fired, ==, 1);
}

/* Ten wrong passwords from a source: then the right one gets 403 too. */
static void
test_failed_logins (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (run_sipp (f, "notify-wrong-password.xml", "1001", "guess"), ==, 0);
  g_assert_cmpint (run_sipp (f, "notify-wrong-password.xml", "1001", "line-one-secret"), ==, 0);
  g_assert_cmpuint (f->n_fired, ==, 0);
}

/* [sip] Username/Password replace the lines' accounts. */
static void
test_own_account (Fixture *f, gconstpointer data)
{
  setup_with (f, "ListenAddress=127.0.0.1\nListenPort=0\nUsername=provserver\n"
                 "Password=own-secret\nRealm=example.net\n");
  g_assert_cmpint (run_sipp (f, "notify-auth.xml", "provserver", "own-secret"), ==, 0);
  g_assert_cmpint (run_sipp (f, "notify-wrong-password.xml", "1001", "line-one-secret"), ==, 0);
  g_assert_cmpuint (f->n_fired, ==, 1);
}

/* Without ListenAddress nothing listens, and handle-message still works. */
static void
test_not_listening (Fixture *f, gconstpointer data)
{
  g_autofree char *response = NULL;
  const char *request = "OPTIONS sip:phone@127.0.0.1 SIP/2.0\r\n"
                        "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKa\r\n"
                        "f: <sip:server@127.0.0.1>;tag=1\r\nt: <sip:phone@127.0.0.1>\r\n"
                        "i: x@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nl: 0\r\n\r\n";

  setup_with (f, "");
  g_assert_cmpuint (f->port, ==, 0);
  g_signal_emit_by_name (f->plugin, "handle-message", request, "127.0.0.1", &response);
  g_assert_nonnull (response);
  g_assert_true (g_str_has_prefix (response, "SIP/2.0 405 Method Not Allowed\r\n"));
  g_assert_nonnull (strstr (response, "\r\nAllow: NOTIFY\r\n"));
  g_assert_cmpuint (f->n_fired, ==, 0);
}

static void
test_bad_settings (void)
{
  const char *bad[] = { "ListenAddress=phone.example.net\n",
                        "ListenAddress=127.0.0.1\nListenPort=70000\n",
                        "ListenAddress=127.0.0.1\nListenPort=five\n" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      Fixture f = { 0 };

      make_context (&f, bad[i]);
      g_assert_false (prov_trigger_start (PROV_TRIGGER (f.plugin),
                                          prov_context_get_engine (f.ctx), &error));
      g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS);
      g_test_message ("%s", error->message);
      fixture_teardown (&f, NULL);
    }
}

static void
skip_without_sipp (void)
{
  g_test_skip ("sipp (Debian package sip-tester) is not installed");
}

int
main (int argc, char **argv)
{
  g_autofree char *sipp = g_find_program_in_path ("sipp");

  g_test_init (&argc, &argv, NULL);
  if (sipp == NULL)
    g_test_add_func ("/sip/sipp", skip_without_sipp);
#define ADD(name, func)                                                                 \
  if (sipp != NULL)                                                                     \
    g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sip/challenge-and-resync", test_challenge_and_resync);
  ADD ("/sip/wrong-password", test_wrong_password);
  ADD ("/sip/replay", test_replay);
  ADD ("/sip/no-qop", test_no_qop);
  ADD ("/sip/disabled-by-parameter", test_disabled_by_parameter);
  ADD ("/sip/bad-event", test_bad_event);
  ADD ("/sip/garbage", test_garbage);
  ADD ("/sip/burst", test_burst);
  ADD ("/sip/xml-service", test_xml_service);
  ADD ("/sip/failed-logins", test_failed_logins);
#undef ADD
  g_test_add ("/sip/own-account", Fixture, NULL, NULL, test_own_account, fixture_teardown);
  g_test_add ("/sip/not-listening", Fixture, NULL, NULL, test_not_listening, fixture_teardown);
  g_test_add_func ("/sip/bad-settings", test_bad_settings);
  return g_test_run ();
}
