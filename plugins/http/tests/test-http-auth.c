/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "http-test-util.h"
#include "prov-context.h"
#include "prov-error.h"

/* HTTP authentication: Basic against nginx (auth_basic, an htpasswd made
 * with `openssl passwd -apr1`), Digest against lighttpd (mod_auth with an
 * htdigest file). Every log line of the run is captured to prove that the
 * password never appears in it. */

#define USER "alice"
#define PASSWORD "s3cret-Pa55word"
#define WRONG_PASSWORD "not-the-Pa55word"
#define REALM "provisioning"
#define SECRET_TEXT "<flat-profile><GPP_A>for alice</GPP_A></flat-profile>\n"

static TestServer *nginx;
static TestServer *lighttpd;
static guint basic_port;
static guint other_port;
static guint digest_port;
static GString *log_text;

static GLogWriterOutput
capture_log (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
      g_string_append_printf (log_text, "%s\n", (const char *) fields[i].value);
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static char *
nginx_servers (const guint *ports, gpointer user_data)
{
  g_autofree char *root = test_path ("htdocs");
  g_autofree char *htpasswd = test_path ("htpasswd");

  /* The second server asks for the same account: only a different origin. */
  return g_strdup_printf (
    "  server {\n"
    "    listen 127.0.0.1:%u;\n"
    "    root %s;\n"
    "    location /private/ { auth_basic \"" REALM "\"; auth_basic_user_file %s; }\n"
    "    location = /moved-away { return 302 http://127.0.0.1:%u/private/secret.txt?$args; }\n"
    "    location = /moved-here { return 302 /private/secret.txt?here; }\n"
    "  }\n"
    "  server {\n"
    "    listen 127.0.0.1:%u;\n"
    "    root %s;\n"
    "    location /private/ { auth_basic \"" REALM "\"; auth_basic_user_file %s; }\n"
    "  }\n",
    ports[0], root, htpasswd, ports[1], ports[1], root, htpasswd);
}

static char *
lighttpd_config (const guint *ports, gpointer user_data)
{
  const char *dir = test_tmpdir ();

  return g_strdup_printf (
    "server.modules = ( \"mod_auth\", \"mod_authn_file\", \"mod_accesslog\" )\n"
    "server.document-root = \"%s/htdocs\"\n"
    "server.bind = \"127.0.0.1\"\n"
    "server.port = %u\n"
    "server.errorlog = \"%s/lighttpd-error.log\"\n"
    "accesslog.filename = \"%s/lighttpd-access.log\"\n"
    "accesslog.format = \"%%r|%%s|%%u|\"\n"
    "mimetype.assign = ( \".txt\" => \"text/plain\" )\n"
    /* Its 2 s pause after a wrong password only slows the wrong cases. */
    "server.feature-flags += ( \"auth.delay-invalid-creds\" => \"disable\" )\n"
    "auth.backend = \"htdigest\"\n"
    "auth.backend.htdigest.userfile = \"%s/htdigest\"\n"
    "auth.require = ( \"/private/\" => ( \"method\" => \"digest\", \"realm\" => \"" REALM "\",\n"
    "                                   \"require\" => \"valid-user\" ) )\n",
    dir, ports[0], dir, dir, dir);
}

static TestServer *
start_lighttpd (void)
{
  g_autofree char *conf = test_path ("lighttpd.conf");
  g_autofree char *program = g_find_program_in_path ("lighttpd");
  const char *argv[] = { program != NULL ? program : "/usr/sbin/lighttpd", "-D", "-f", conf,
                         "-m", "/usr/lib/lighttpd", NULL };

  return test_server_start (argv, 1, lighttpd_config, conf, NULL);
}

static void
write_credentials (void)
{
  const char *argv[] = { "openssl", "passwd", "-apr1", PASSWORD, NULL };
  g_autofree char *hash = test_spawn_output (argv);
  g_autofree char *htpasswd = g_strdup_printf ("%s:%s\n", USER, g_strstrip (hash));
  g_autofree char *ha1 = g_compute_checksum_for_string (G_CHECKSUM_MD5,
                                                        USER ":" REALM ":" PASSWORD, -1);
  g_autofree char *htdigest = g_strdup_printf ("%s:%s:%s\n", USER, REALM, ha1);

  test_write ("htpasswd", htpasswd, -1);
  test_write ("htdigest", htdigest, -1);
}

typedef struct
{
  const char *name;
  const char *password;  /* NULL: no credentials at all */
  const char *auth_type;
  const char *error;     /* NULL: success */
  guint       requests;  /* as the server logged them */
} AuthCase;

static void
run_case (guint port, const AuthCase *c)
{
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  g_autoptr(ProvFetch) fetch = test_fetch_new ("http://127.0.0.1:%u/private/secret.txt?%s", port,
                                               c->name);
  g_autoptr(GBytes) expected = g_bytes_new_static (SECRET_TEXT, strlen (SECRET_TEXT));
  g_auto(TestResult) result;

  g_test_message ("case %s", c->name);
  if (c->password != NULL)
    prov_fetch_set_credentials (fetch, USER, c->password);
  prov_fetch_set_auth_type (fetch, c->auth_type);
  test_fetch_run (plugin, fetch, NULL, &result);
  if (c->error == NULL)
    test_assert_payload (&result, expected);
  else
    test_assert_error (&result, PROV_ERROR_TRANSPORT, c->error);
}

/* lighttpd flushes its access log every few seconds: the cases run first,
 * then the log is read once for all of them. */
static void
assert_requests (const char *log, const AuthCase *c)
{
  /* No case name is a prefix of another. */
  g_autofree char *needle = g_strdup_printf ("/private/secret.txt?%s", c->name);
  g_auto(GStrv) lines = test_log_lines (log, needle, c->requests, 8000);

  g_assert_cmpuint (g_strv_length (lines), ==, c->requests);
  /* The first request goes without credentials and is challenged. */
  g_assert_nonnull (strstr (lines[0], "|401|"));
}

static const AuthCase cases[] = {
  { "right", PASSWORD, NULL, NULL, 2 },
  { "typed", PASSWORD, NULL, NULL, 2 },
  /* The same wrong answer twice, then the 401 stands. */
  { "wrong", WRONG_PASSWORD, NULL, "http 401", 3 },
  { "none", NULL, NULL, "http 401", 1 },
  { "disabled", PASSWORD, "disabled", "http 401", 1 },
};

static void
assert_password_never_logged (void)
{
  /* The capture works: the plugin's lines about answering are there. */
  g_assert_nonnull (strstr (log_text->str, "challenge as user " USER));
  g_assert_null (strstr (log_text->str, PASSWORD));
  g_assert_null (strstr (log_text->str, WRONG_PASSWORD));
}

static void
run_all (guint port, const char *log, const char *typed, const AuthCase *other)
{
  AuthCase all[G_N_ELEMENTS (cases) + 1];

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      all[i] = cases[i];
      if (g_str_equal (all[i].name, "typed"))
        all[i].auth_type = typed;
    }
  all[G_N_ELEMENTS (cases)] = *other;
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    run_case (port, &all[i]);
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    assert_requests (log, &all[i]);
  assert_password_never_logged ();
}

static void
test_basic (void)
{
  /* A fetch allowed only Digest does not answer a Basic challenge. */
  AuthCase other = { "digest-only", PASSWORD, "digest", "http 401", 1 };

  run_all (basic_port, test_nginx_log (), "basic", &other);
}

static void
test_digest (void)
{
  g_autofree char *log = test_path ("lighttpd-access.log");
  AuthCase other = { "basic-only", PASSWORD, "basic", "http 401", 1 };

  run_all (digest_port, log, "digest", &other);
}

/* ---- the profile account, chosen by the engine ------------------------- */

typedef struct
{
  const char  *name;
  const char  *params;  /* name=value pairs, ';' between them */
  const char  *error;   /* NULL: success */
} AccountCase;

#define WRONG_LOGIN "Login_User_ID=" USER ";Login_Password=" WRONG_PASSWORD
#define WRONG_SIP "SIP_Auth_ID=" USER ";SIP_Password=" WRONG_PASSWORD
/* The Basic account is never the one answered under XSI Authentication. */
#define WRONG_ACCOUNT "Profile_Account=" USER ";Profile_Password=" WRONG_PASSWORD

static const AccountCase account_cases[] = {
  { "xsi-login", "XSI_Authentication_Type=Login Credentials;Login_User_ID=" USER
                 ";Login_Password=" PASSWORD ";" WRONG_SIP ";" WRONG_ACCOUNT, NULL },
  { "xsi-sip", "XSI_Authentication_Type=SIP Credentials;SIP_Auth_ID=" USER
               ";SIP_Password=" PASSWORD ";" WRONG_LOGIN ";" WRONG_ACCOUNT, NULL },
  /* Without XSI SIP fields, line 1's registration credentials. */
  { "xsi-sip-line", "XSI_Authentication_Type=SIP Credentials;User_ID_1_=1001;Auth_ID_1_=" USER
                    ";Password_1_=" PASSWORD ";" WRONG_LOGIN ";" WRONG_ACCOUNT, NULL },
  /* The type chooses: the right SIP credentials do not help a login. */
  { "xsi-login-wrong", "XSI_Authentication_Type=Login Credentials;" WRONG_LOGIN
                       ";SIP_Auth_ID=" USER ";SIP_Password=" PASSWORD, "http 401" },
  { "xsi-sip-wrong", "XSI_Authentication_Type=SIP Credentials;" WRONG_SIP
                     ";Login_User_ID=" USER ";Login_Password=" PASSWORD, "http 401" },
};

typedef struct
{
  gboolean  done;
  GError   *error;
} Resync;

static void
on_resynced (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Resync *r = user_data;
  ProvResyncResult *result = prov_engine_resync_finish (PROV_ENGINE (source), res, &r->error);

  g_clear_pointer (&result, prov_resync_result_free);
  r->done = TRUE;
}

/* An engine on a fresh state directory @name with @params (name=value
 * pairs, ';' between them) applied; its plugins: the http module. */
static ProvContext *
context_with (const char *name, const char *params)
{
  g_autofree char *dir = test_path (name);
  g_autofree char *device = g_build_filename (dir, "device.conf", NULL);
  g_autofree char *plugins = g_path_get_dirname (g_getenv ("PROV_TEST_PLUGIN"));
  g_autoptr(ProvChangeSet) changes = prov_change_set_new ();
  g_auto(GStrv) pairs = g_strsplit (params, ";", -1);
  g_autoptr(ProvContext) ctx = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (device, "[Device]\nMAC=00:0e:08:ab:cd:ef\n", -1, NULL));
  ctx = prov_context_new (dir, NULL, plugins, &error);
  g_assert_no_error (error);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (pairs[i], "=", 2);

      prov_change_set_add (changes, kv[0], kv[1], PROV_ACCESS_UNSET, "test", 0);
    }
  g_assert_true (prov_store_apply (prov_context_get_store (ctx), changes, PROV_CALLER_ADMIN,
                                   NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&ctx);
}

/* One resync of the configured rules: its error, or NULL. */
static GError *
resync (ProvContext *ctx)
{
  Resync r = { FALSE, NULL };

  /* The transfer has its own timeouts: the loop ends. */
  prov_engine_resync_async (prov_context_get_engine (ctx), PROV_CAUSE_EXPLICIT, NULL, NULL,
                            NULL, on_resynced, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  return r.error;
}

/* One resync with Profile_Authentication_Type = XSI Authentication and
 * @c's parameters, of a rule that asks for the account. */
static void
run_account_case (guint port, const AccountCase *c)
{
  g_autofree char *name = g_strdup_printf ("state-%u-%s", port, c->name);
  g_autofree char *params = g_strdup_printf (
    "Profile_Rule=http://127.0.0.1:%u/private/secret.txt?%s;"
    "Profile_Authentication_Type=XSI Authentication;%s", port, c->name, c->params);
  g_autoptr(ProvContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  ProvStore *store;

  g_test_message ("account case %s on port %u", c->name, port);
  ctx = context_with (name, params);
  store = prov_context_get_store (ctx);
  error = resync (ctx);
  if (c->error == NULL)
    {
      g_assert_no_error (error);
      g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, "for alice");
    }
  else
    {
      g_assert_error (error, PROV_ERROR, PROV_ERROR_TRANSPORT);
      g_assert_cmpstr (error->message, ==, c->error);
      g_assert_cmpstr (prov_store_get (store, "GPP_A"), ==, "");
    }
}

static void
test_account (gconstpointer data)
{
  guint port = *(const guint *) data;

  for (guint i = 0; i < G_N_ELEMENTS (account_cases); i++)
    run_account_case (port, &account_cases[i]);
  assert_password_never_logged ();
}

/* ---- redirects ----------------------------------------------------------- */

/* An nginx log line: its status and whether an Authorization header came. */
static void
assert_authorization (const char *line, const char *status, gboolean sent)
{
  g_auto(GStrv) fields = g_strsplit (line, "|", -1);

  g_assert_cmpuint (g_strv_length (fields), >=, 8);
  g_assert_cmpstr (fields[3], ==, status);
  if (sent)
    g_assert_true (g_str_has_prefix (fields[7], "Basic "));
  else
    g_assert_true (fields[7][0] == '\0' || g_str_equal (fields[7], "-"));
}

/* Credentials go only to the origin they were configured for: a redirect to
 * another port of the same host is another server, and its challenge goes
 * unanswered; a redirect within the origin keeps them. */
static void
test_redirect_other_origin (void)
{
  g_autoptr(ProvPlugin) plugin = test_plugin_new ();
  g_autoptr(ProvFetch) away = test_fetch_new ("http://127.0.0.1:%u/moved-away?away", basic_port);
  g_autoptr(ProvFetch) here = test_fetch_new ("http://127.0.0.1:%u/moved-here", basic_port);
  g_autoptr(GBytes) expected = g_bytes_new_static (SECRET_TEXT, strlen (SECRET_TEXT));
  g_autofree char *other = g_strdup_printf ("%u|GET|/private/secret.txt?away|", other_port);
  g_autofree char *same = g_strdup_printf ("%u|GET|/private/secret.txt?here|", basic_port);
  g_auto(GStrv) other_lines = NULL;
  g_auto(GStrv) same_lines = NULL;
  g_auto(TestResult) result_away;
  g_auto(TestResult) result_here;

  prov_fetch_set_credentials (away, USER, PASSWORD);
  test_fetch_run (plugin, away, NULL, &result_away);
  test_assert_error (&result_away, PROV_ERROR_TRANSPORT, "http 401");
  prov_fetch_set_credentials (here, USER, PASSWORD);
  test_fetch_run (plugin, here, NULL, &result_here);
  test_assert_payload (&result_here, expected);

  /* The other server saw one request, without an Authorization header. */
  other_lines = test_log_lines (test_nginx_log (), other, 1, 2000);
  g_assert_cmpuint (g_strv_length (other_lines), ==, 1);
  assert_authorization (other_lines[0], "401", FALSE);
  /* The same origin got the answer to its challenge. */
  same_lines = test_log_lines (test_nginx_log (), same, 2, 2000);
  g_assert_cmpuint (g_strv_length (same_lines), ==, 2);
  assert_authorization (same_lines[0], "401", FALSE);
  assert_authorization (same_lines[1], "200", TRUE);
}

/* The same through a rule, as the issue was found: the rule's --uid/--pwd
 * are for its own server, and the server it redirects to gets none. */
static void
test_redirect_rule (void)
{
  g_autofree char *params = g_strdup_printf (
    "Profile_Rule=[--uid " USER " --pwd " PASSWORD "]http://127.0.0.1:%u/moved-away?rule",
    basic_port);
  g_autofree char *other = g_strdup_printf ("%u|GET|/private/secret.txt?rule|", other_port);
  g_autoptr(ProvContext) ctx = context_with ("state-redirect-rule", params);
  g_autoptr(GError) error = resync (ctx);
  g_auto(GStrv) lines = NULL;

  g_assert_error (error, PROV_ERROR, PROV_ERROR_TRANSPORT);
  g_assert_cmpstr (error->message, ==, "http 401");
  g_assert_cmpstr (prov_store_get (prov_context_get_store (ctx), "GPP_A"), ==, "");
  lines = test_log_lines (test_nginx_log (), other, 1, 2000);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  assert_authorization (lines[0], "401", FALSE);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  log_text = g_string_new (NULL);
  g_log_set_writer_func (capture_log, NULL, NULL);
  g_log_set_debug_enabled (TRUE);

  write_credentials ();
  test_write ("htdocs/private/secret.txt", SECRET_TEXT, -1);
  nginx = test_nginx_start (2, nginx_servers, NULL);
  basic_port = test_server_port (nginx, 0);
  other_port = test_server_port (nginx, 1);
  lighttpd = start_lighttpd ();
  digest_port = test_server_port (lighttpd, 0);

  g_test_add_func ("/http/auth/basic", test_basic);
  g_test_add_func ("/http/auth/digest", test_digest);
  g_test_add_func ("/http/auth/redirect-other-origin", test_redirect_other_origin);
  g_test_add_func ("/http/auth/redirect-rule", test_redirect_rule);
  /* XSI Authentication: nginx asks for Basic, lighttpd for Digest. */
  g_test_add_data_func ("/http/auth/account-xsi/basic", &basic_port, test_account);
  g_test_add_data_func ("/http/auth/account-xsi/digest", &digest_port, test_account);
  status = g_test_run ();

  test_server_stop (nginx);
  test_server_stop (lighttpd);
  g_string_free (log_text, TRUE);
  return status;
}
