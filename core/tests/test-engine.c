/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The engine end to end through the real file plugin: rules, alternatives,
 * codecs, parsing, validation, all-or-nothing apply, status. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "prov-context.h"
#include "prov-error.h"
#include "prov-parse-steps.h"
#include "prov-test.h"

typedef struct
{
  char        *dir;
  char        *profiles;
  ProvContext *ctx;
  GPtrArray   *log;
} Fixture;

static void
write_profile (Fixture *f, const char *name, const char *contents)
{
  g_autofree char *path = g_build_filename (f->profiles, name, NULL);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

static void
on_log (ProvEngine *engine, int kind, const char *text, guint id, gpointer user_data)
{
  Fixture *f = user_data;
  g_ptr_array_add (f->log, g_strdup (text));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *device = NULL;

  f->dir = g_dir_make_tmp ("prov-engine-XXXXXX", &error);
  g_assert_no_error (error);
  f->profiles = g_build_filename (f->dir, "profiles", NULL);
  g_assert_cmpint (g_mkdir (f->profiles, 0700), ==, 0);
  device = g_build_filename (f->dir, "device.conf", NULL);
  g_assert_true (g_file_set_contents (device,
                                      "[Device]\nMAC=00:0e:08:ab:cd:ef\nVendor=Cisco\n"
                                      "ProductName=CP-8845-3PCC\nSeriesNumber=8845\n"
                                      "SerialNumber=88012BA01234\nSoftwareVersion=11.3.1\n",
                                      -1, NULL));
  f->ctx = prov_context_new (f->dir, NULL, NULL, &error);
  g_assert_no_error (error);
  f->log = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (prov_context_get_engine (f->ctx), "log-message", G_CALLBACK (on_log), f);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->ctx);
  test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->profiles);
  g_ptr_array_unref (f->log);
}

typedef struct
{
  GMainLoop        *loop;
  ProvResyncResult *result;
  GError           *error;
} Wait;

static void
on_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Wait *w = user_data;
  w->result = prov_engine_resync_finish (PROV_ENGINE (source), res, &w->error);
  g_main_loop_quit (w->loop);
}

/* Runs one resync to its end; returns the result or NULL with @error. */
static ProvResyncResult *
resync (Fixture *f, const char *rule, GError **error)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Wait w = { loop, NULL, NULL };

  prov_engine_resync_async (prov_context_get_engine (f->ctx), PROV_CAUSE_EXPLICIT, rule, NULL,
                            NULL, on_done, &w);
  g_main_loop_run (loop);
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.result;
}

static char *
file_url (Fixture *f, const char *name)
{
  return g_strdup_printf ("file://%s/%s", f->profiles, name);
}

static char *
store_bytes (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->dir, "params.db", NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("");
  return contents;
}

static void
set_params (Fixture *f, const char *name, const char *value)
{
  test_store_set (prov_context_get_store (f->ctx), (const char *[]) { name, value, NULL });
}

static void
test_basic (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = file_url (f, "basic.txt");
  g_autoptr(ProvResyncResult) result = NULL;
  ProvStore *store = prov_context_get_store (f->ctx);
  const ProvStatusEntry *entries;
  guint n = 0;

  write_profile (f, "basic.txt", "<flat-profile>\n  <GPP_A> 12345678\n</GPP_A>\n</flat-profile>\n");
  g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, "");
  result = resync (f, url, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, "12345678");
  g_assert_cmpuint (result->fetched->len, ==, 1);
  g_assert_cmpstrv (result->changed, ((const char *[]){ "GPP_A", NULL }));
  entries = prov_status_get_resyncs (prov_context_get_status (f->ctx), &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (entries[0].outcome, ==, PROV_OUTCOME_SUCCESS);
  g_assert_cmpstr (entries[0].url, ==, url);
  /* SPEC §6: one message when the fetch starts, one when it ends. */
  g_assert_cmpuint (f->log->len, ==, 2);
  g_assert_true (g_str_has_prefix (f->log->pdata[0],
                                   "CP-8845-3PCC 00:0e:08:ab:cd:ef -- Requesting resync file://"));
  g_assert_true (g_str_has_prefix (f->log->pdata[1],
                                   "CP-8845-3PCC 00:0e:08:ab:cd:ef -- Successful resync file://"));
  g_assert_true (prov_status_get_customized (prov_context_get_status (f->ctx)));
}

static void
test_configured_rules_and_macros (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvResyncResult) result = NULL;
  g_autofree char *rule_a = g_strdup_printf ("file://%s/$PSN.xml", f->profiles);
  g_autofree char *rule_b = g_strdup_printf ("( \"$A\" eq \"first\" )? file://%s/$MA.xml "
                                             "| file://%s/never.xml", f->profiles, f->profiles);
  ProvStore *store = prov_context_get_store (f->ctx);

  write_profile (f, "8845.xml", "<device><flat-profile><GPP_A>first</GPP_A>"
                                "<GPP_C>model</GPP_C></flat-profile></device>");
  /* The condition sees $A as the first profile left it: not yet applied,
   * so the second alternative is taken and fails. */
  write_profile (f, "000e08abcdef.xml", "<flat-profile><GPP_C>device</GPP_C></flat-profile>");
  set_params (f, "Profile_Rule", rule_a);
  set_params (f, "Profile_Rule_B", rule_b);
  result = resync (f, NULL, &error);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_FILE_NOT_FOUND);
  g_assert_null (result);
  /* All or nothing: the first profile was not applied either. */
  g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, "");
  g_clear_error (&error);

  set_params (f, "GPP_A", "first");
  result = resync (f, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->fetched->len, ==, 2);
  /* Across profiles of one resync the later profile wins. */
  g_assert_cmpstr (prov_store_get (store, "GPP_C"), ==, "device");
}

static void
test_assignments (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvResyncResult) result = NULL;
  g_autofree char *rule = g_strdup_printf ("( b = \"$MA\"; )! file://%s/$B.xml", f->profiles);

  write_profile (f, "000e08abcdef.xml", "<flat-profile><GPP_D>ok</GPP_D></flat-profile>");
  result = resync (f, rule, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (prov_store_get (prov_context_get_store (f->ctx), "GPP_B"), ==, "000e08abcdef");
  g_assert_cmpstr (prov_store_get (prov_context_get_store (f->ctx), "GPP_D"), ==, "ok");
}

/* Issue 12: `a = "$A$A";` doubles GPP_A at each assignment, since an
 * assignment is visible to the next. The assignments of an alternative
 * share one budget of 16 MiB of inserted values, so thirty of them stay
 * bounded instead of 16 MiB each once the doubling reaches it. */
static void
test_assignments_bounded (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvResyncResult) result = NULL;
  g_autoptr(GString) rule = g_string_new ("(");
  guint64 before;
  guint64 steps;

  for (guint i = 0; i < 30; i++)
    g_string_append (rule, " a = \"$A$A\";");
  g_string_append_printf (rule, " )! file://%s/p.xml", f->profiles);
  write_profile (f, "p.xml", "<flat-profile><GPP_D>ok</GPP_D></flat-profile>");
  set_params (f, "GPP_A", "x");
  before = prov_parse_steps;
  result = resync (f, rule->str, &error);
  steps = prov_parse_steps - before;
  g_assert_no_error (error);
  g_test_message ("%" G_GUINT64_FORMAT " steps", steps);
  g_assert_cmpuint (steps, <=, 16 * 1024 * 1024 + 64 * rule->len);
  g_assert_cmpuint (strlen (prov_store_get (prov_context_get_store (f->ctx), "GPP_A")), <=,
                    16 * 1024 * 1024);
}

/* `provisionctl expand` of many alternatives inserting a long GPP_A: the
 * macros of the whole explanation share one budget. */
static void
test_explain_bounded (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) rule = g_string_new (NULL);
  g_autofree char *big = g_strnfill (64 * 1024, 'v');
  g_autofree char *text = NULL;
  guint64 before;
  guint64 steps;

  set_params (f, "GPP_A", big);
  for (guint i = 0; i < 400; i++)
    g_string_append (rule, "( b = \"$A\"; )! /$A|");
  g_string_append (rule, "/end");
  before = prov_parse_steps;
  text = prov_engine_explain_rule (prov_context_get_engine (f->ctx), rule->str, &error);
  steps = prov_parse_steps - before;
  g_assert_no_error (error);
  g_assert_nonnull (text);
  g_test_message ("%" G_GUINT64_FORMAT " steps", steps);
  g_assert_cmpuint (steps, <=, 16 * 1024 * 1024 + 64 * rule->len);
}

/* Every bad input fails the resync, says what and where, changes nothing. */
static void
test_bad_input_changes_nothing (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *profile;
    int         code;
    const char *needle;
  } cases[] = {
    { "<flat-profile><GPP_A>x</GPP_A><GPP_B>y</flat-profile>", PROV_ERROR_CORRUPT, "line 1" },
    { "<flat-profile><GPP_A>x</GPP_A><!-- <GPP_B>y</GPP_B></flat-profile>", PROV_ERROR_CORRUPT,
      "corrupt file" },
    { "<?xml version=\"1.0\"?>\n<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;\">]>\n"
      "<flat-profile><GPP_A>&b;</GPP_A></flat-profile>", PROV_ERROR_CORRUPT, "DTD" },
    { "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
      "<flat-profile><GPP_A>&e;</GPP_A></flat-profile>", PROV_ERROR_CORRUPT, "DTD" },
    { "<flat-profile>\n<GPP_A>x</GPP_A>\n<Resync_Random_Delay>70000</Resync_Random_Delay>\n"
      "</flat-profile>", PROV_ERROR_INVALID_VALUE, "line 3: Resync_Random_Delay" },
    { "<flat-profile>\n<GPP_A>x</GPP_A>\n<Provision_Enable>maybe</Provision_Enable>\n"
      "</flat-profile>", PROV_ERROR_INVALID_VALUE, "Provision_Enable" },
    { "not xml at all", PROV_ERROR_CORRUPT, "corrupt file" },
  };
  g_autofree char *url = file_url (f, "bad.xml");
  g_autofree char *before = NULL;

  set_params (f, "GPP_A", "old");
  before = store_bytes (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ProvResyncResult) result = NULL;
      g_autofree char *after = NULL;

      write_profile (f, "bad.xml", cases[i].profile);
      result = resync (f, url, &error);
      g_assert_null (result);
      g_assert_error (error, PROV_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].needle) == NULL)
        g_error ("case %u: '%s' does not say '%s'", i, error->message, cases[i].needle);
      after = store_bytes (f);
      g_assert_cmpstr (after, ==, before);
      g_assert_cmpstr (prov_store_get (prov_context_get_store (f->ctx), "GPP_A"), ==, "old");
    }
}

/* Issue 12: a UTF-16 profile with data after a NUL character had its first
 * part applied. Refused like UTF-8, nothing applied. */
static void
test_utf16_nul_changes_nothing (Fixture *f, gconstpointer data)
{
  static const char text[] = "\xef\xbb\xbf<flat-profile><GPP_A>new</GPP_A></flat-profile>\n"
                             "\0<flat-profile><GPP_B>b</GPP_B></flat-profile>";
  g_autofree char *url = file_url (f, "utf16.xml");
  g_autofree char *path = g_build_filename (f->profiles, "utf16.xml", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *wide = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvResyncResult) result = NULL;
  gsize len = 0;

  set_params (f, "GPP_A", "old");
  before = store_bytes (f);
  wide = g_convert (text, sizeof text - 1, "UTF-16LE", "UTF-8", NULL, &len, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, wide, (gssize) len, NULL));
  result = resync (f, url, &error);
  g_assert_null (result);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "line 2: NUL character"));
  after = store_bytes (f);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (prov_store_get (prov_context_get_store (f->ctx), "GPP_A"), ==, "old");
}

static void
test_bad_rules (Fixture *f, gconstpointer data)
{
  const char *rules[] = { "( $A eq 1 ? tftp://x/y", "[--nope x]tftp://x/y", "[--key \"abc]x/y" };

  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ProvResyncResult) result = resync (f, rules[i], &error);

      g_assert_null (result);
      g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_RULE);
      g_assert_nonnull (strstr (error->message, "column"));
    }
}

static void
test_file_not_found (Fixture *f, gconstpointer data)
{
  g_autofree char *missing = file_url (f, "missing.xml");
  g_autofree char *present = file_url (f, "present.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvResyncResult) result = NULL;

  write_profile (f, "present.xml", "<flat-profile><GPP_E>here</GPP_E></flat-profile>");
  set_params (f, "Profile_Rule", missing);
  set_params (f, "Profile_Rule_B", present);
  result = resync (f, NULL, &error);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_FILE_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "file not found");
  g_assert_cmpstr (prov_store_get (prov_context_get_store (f->ctx), "GPP_E"), ==, "");
  g_clear_error (&error);

  set_params (f, "Resync_Fails_On_FNF", "No");
  result = resync (f, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->skipped->len, ==, 1);
  g_assert_cmpstr (prov_store_get (prov_context_get_store (f->ctx), "GPP_E"), ==, "here");
}

static void
test_file_roots (Fixture *f, gconstpointer data)
{
  g_autofree char *escape = g_strdup_printf ("file://%s/../device.conf", f->profiles);
  g_autofree char *link = g_build_filename (f->profiles, "link.xml", NULL);
  g_autofree char *via_link = file_url (f, "link.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvResyncResult) result = NULL;

  result = resync (f, escape, &error);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_TRANSPORT);
  g_clear_error (&error);
  g_assert_cmpint (symlink ("/etc/hostname", link), ==, 0);
  result = resync (f, via_link, &error);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_TRANSPORT);
  g_assert_nonnull (strstr (error->message, "outside"));
}

static void
test_disabled (Fixture *f, gconstpointer data)
{
  g_autofree char *url = file_url (f, "basic.txt");
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvResyncResult) result = NULL;

  write_profile (f, "basic.txt", "<flat-profile><GPP_A>1</GPP_A></flat-profile>");
  set_params (f, "Provision_Enable", "No");
  result = resync (f, url, &error);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_DISABLED);
  g_assert_cmpstr (prov_store_get (prov_context_get_store (f->ctx), "GPP_A"), ==, "");
}

static void
test_secrets_stay_secret (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvResyncResult) result = NULL;
  /* $SA is usable only in --key/--uid/--pwd: anywhere else it stays verbatim. */
  g_autofree char *rule = g_strdup_printf ("file://%s/missing-$SA.xml", f->profiles);

  set_params (f, "GPP_SA", "hunter2");
  set_params (f, "Log_Failure_Msg", "$PN -- failed $SA $ERR $SCHEME://$SERV$PATH");
  result = resync (f, rule, &error);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_FILE_NOT_FOUND);
  for (guint i = 0; i < f->log->len; i++)
    g_assert_null (strstr (f->log->pdata[i], "hunter2"));
  g_assert_null (strstr (error->message, "hunter2"));
}

/* --alias x maps element paths of a foreign document per GPP_x. */
static void
test_alias (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = g_strdup_printf ("[--alias c]file://%s/foreign.xml", f->profiles);
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvResyncResult) result = NULL;
  ProvStore *store = prov_context_get_store (f->ctx);

  write_profile (f, "foreign.xml",
                 "<Phone>\n <Settings>\n  <Name> desk </Name>\n  <Port>5060</Port>\n"
                 "  <Other>x</Other>\n </Settings>\n</Phone>\n");
  set_params (f, "GPP_C", "/Phone/Settings/Name = /flat-profile/GPP_D ;"
                          " /Phone/Settings/Port = /flat-profile/GPP_E ;");
  result = resync (f, rule, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (prov_store_get (store, "GPP_D"), ==, "desk");
  g_assert_cmpstr (prov_store_get (store, "GPP_E"), ==, "5060");
  g_clear_pointer (&result, prov_resync_result_free);

  /* A malformed map fails the resync and changes nothing. */
  set_params (f, "GPP_C", "/Phone/Settings/Name GPP_D");
  set_params (f, "GPP_D", "old");
  result = resync (f, rule, &error);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_RULE);
  g_assert_cmpstr (prov_store_get (store, "GPP_D"), ==, "old");
  g_clear_error (&error);

  /* The foreign document gets the same guards as profiles. */
  set_params (f, "GPP_C", "/x = /flat-profile/GPP_D ;");
  write_profile (f, "foreign.xml", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>");
  result = resync (f, rule, &error);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_CORRUPT);
  g_assert_cmpstr (prov_store_get (store, "GPP_D"), ==, "old");
}

static void
test_srv_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvResyncResult) result = resync (f, "[--srv]https://example.com/x.xml", &error);

  g_assert_null (result);
  g_assert_error (error, PROV_ERROR, PROV_ERROR_NOT_SUPPORTED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/engine/basic", test_basic);
  ADD ("/engine/configured-rules", test_configured_rules_and_macros);
  ADD ("/engine/assignments", test_assignments);
  ADD ("/engine/assignments-bounded", test_assignments_bounded);
  ADD ("/engine/explain-bounded", test_explain_bounded);
  ADD ("/engine/bad-input-changes-nothing", test_bad_input_changes_nothing);
  ADD ("/engine/utf16-nul-changes-nothing", test_utf16_nul_changes_nothing);
  ADD ("/engine/bad-rules", test_bad_rules);
  ADD ("/engine/file-not-found", test_file_not_found);
  ADD ("/engine/file-roots", test_file_roots);
  ADD ("/engine/disabled", test_disabled);
  ADD ("/engine/secrets", test_secrets_stay_secret);
  ADD ("/engine/alias", test_alias);
  ADD ("/engine/srv-refused", test_srv_refused);
  return g_test_run ();
}
