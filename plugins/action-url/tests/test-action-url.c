/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The built module on 127.0.0.1, driven by the real curl (and xmllint).
 * Runs inside a private network namespace (tests/in-netns). */
#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include <provision.h>

#include "prov-context.h"
#include "prov-test.h"

#define CHILD_TIMEOUT_S 60 /* the test fails after this, the child is killed */
#define PASSWORD "s3cret:pass word"
#define PASSWORD_ENCODED "s3cret%3Apass%20word"
#define SEED_RULE "tftp://127.0.0.1:69/basic.txt"
/* Connections of the descriptor test: more than the 1024 descriptors a
 * process gets by default. */
#define N_FLOOD 1100

typedef struct
{
  int   action;
  int   cause;
  char *rule;
  char *requester; /* prov_trigger_get_requester() during "fired" */
} Fired;

typedef struct
{
  char        *dir;
  ProvContext *ctx;
  ProvPlugin  *plugin;
  guint        port;
  GPtrArray   *fired; /* Fired* */
  guint        n_files;
} Fixture;

/* What curl saw: the final status (0 when there was none), the content
 * type, the body, the response headers and curl's own stderr. */
typedef struct
{
  guint  status;
  char  *content_type;
  char  *body;
  char  *headers;
  char  *log;
  char  *body_path;
} Reply;

static void
reply_free (Reply *reply)
{
  g_free (reply->content_type);
  g_free (reply->body);
  g_free (reply->headers);
  g_free (reply->log);
  g_free (reply->body_path);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static void
fired_free (gpointer data)
{
  Fired *fired = data;

  g_free (fired->rule);
  g_free (fired->requester);
  g_free (fired);
}

static void
on_fired (ProvTrigger *trigger, int action, int cause, const char *rule, gpointer user_data)
{
  Fixture *f = user_data;
  Fired *fired = g_new0 (Fired, 1);

  fired->action = action;
  fired->cause = cause;
  fired->rule = g_strdup (rule);
  fired->requester = g_strdup (prov_trigger_get_requester (trigger));
  g_ptr_array_add (f->fired, fired);
}

static void
assert_fired (Fixture *f, guint index, ProvTriggerAction action, const char *rule)
{
  Fired *fired;

  g_assert_cmpuint (f->fired->len, >, index);
  fired = g_ptr_array_index (f->fired, index);
  g_assert_cmpint (fired->action, ==, action);
  g_assert_cmpint (fired->cause, ==, PROV_CAUSE_EXPLICIT);
  g_assert_cmpstr (fired->rule, ==, rule);
}

static void
set_params (Fixture *f, const char *const *pairs)
{
  test_store_set (prov_context_get_store (f->ctx), pairs);
}

static void
set_param (Fixture *f, const char *name, const char *value)
{
  set_params (f, (const char *[]) { name, value, NULL });
}

/* A state directory whose device file has @group as [action-url]. */
static void
make_context (Fixture *f, const char *group)
{
  g_autofree char *device_text = g_strdup_printf (
    "[Device]\nMAC=00:0e:08:ab:cd:ef\n\n[action-url]\n%s", group);

  f->fired = g_ptr_array_new_with_free_func (fired_free);
  f->plugin = test_trigger_open ("PROV_ACTION_URL_PLUGIN", "action-url", device_text, &f->dir,
                                 &f->ctx);
  g_signal_connect (f->plugin, "fired", G_CALLBACK (on_fired), f);
}

static gboolean
start (Fixture *f, GError **error)
{
  gboolean ok = prov_trigger_start (PROV_TRIGGER (f->plugin), prov_context_get_engine (f->ctx),
                                    error);

  g_object_get (f->plugin, "port", &f->port, NULL);
  return ok;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  make_context (f, data != NULL ? data : "Listen=127.0.0.1:0\n");
  set_param (f, "Admin_Passwd", PASSWORD);
  g_assert_true (start (f, &error));
  g_assert_no_error (error);
}

static void
fixture_setup_plain (Fixture *f, gconstpointer data)
{
  make_context (f, data);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  test_trigger_close (&f->plugin, &f->ctx, &f->dir);
  g_clear_pointer (&f->fired, g_ptr_array_unref);
}

/* Runs a child to its end while the main loop serves the plugin; returns
 * its exit status, with its stdout and stderr. */
static int
run_child (const char *const *argv, char **out, char **err)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  const char *proxy_vars[] = { "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY" };

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* Only loopback exists here, but never let a proxy setting intervene. */
  for (guint i = 0; i < G_N_ELEMENTS (proxy_vars); i++)
    g_subprocess_launcher_unsetenv (launcher, proxy_vars[i]);
  return test_run_child (launcher, argv, CHILD_TIMEOUT_S, out, err);
}

static char *
url (Fixture *f, const char *path_and_query)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", f->port, path_and_query);
}

static char *
new_file_path (Fixture *f, const char *what)
{
  g_autofree char *name = g_strdup_printf ("%s-%u", what, f->n_files++);

  return g_build_filename (f->dir, name, NULL);
}

static char *
write_file (Fixture *f, const char *contents, gssize len)
{
  char *path = new_file_path (f, "body");

  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  return path;
}

/* curl ARGS… URL (of @path_and_query), with the output in files so that the exact body is
 * kept; the final status is 0 when no response came. */
static Reply *
curl (Fixture *f, const char *path_and_query, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *headers_path = new_file_path (f, "headers");
  g_autofree char *out = NULL;
  g_auto(GStrv) fields = NULL;
  Reply *reply = g_new0 (Reply, 1);
  const char *arg;
  va_list ap;

  reply->body_path = new_file_path (f, "reply");
  const char *const fixed[] = { "curl", "-q", "-sS", "-g", "--noproxy", "*", "--max-time", "20",
                                "-o", reply->body_path, "-D", headers_path,
                                "-w", "%{http_code}\n%{content_type}", NULL };
  for (guint i = 0; fixed[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (fixed[i]));
  va_start (ap, path_and_query);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (ap);
  g_ptr_array_add (argv, url (f, path_and_query));
  g_ptr_array_add (argv, NULL);

  run_child ((const char *const *) argv->pdata, &out, &reply->log);
  fields = g_strsplit (out, "\n", 2);
  reply->status = g_ascii_strtoull (fields[0], NULL, 10);
  reply->content_type = g_strdup (fields[1] != NULL ? fields[1] : "");
  if (!g_file_get_contents (reply->body_path, &reply->body, NULL, NULL))
    reply->body = g_strdup ("");
  if (!g_file_get_contents (headers_path, &reply->headers, NULL, NULL))
    reply->headers = g_strdup ("");
  g_test_message ("curl: %u %s", reply->status, reply->content_type);
  return reply;
}

/* GET with Digest as admin. */
static Reply *
get_digest (Fixture *f, const char *path_and_query, const char *password)
{
  g_autofree char *credentials = g_strconcat ("admin:", password, NULL);

  return curl (f, path_and_query, "--digest", "-u", credentials, NULL);
}

static Reply *
post_digest (Fixture *f, const char *path_and_query, const char *body_path, const char *mode,
             const char *expect)
{
  g_autofree char *data = g_strconcat (mode != NULL ? "XML@" : "@", body_path, NULL);

  return curl (f, path_and_query, "--digest", "-u", "admin:" PASSWORD, "-H",
               expect != NULL ? expect : "X-No: 1", mode != NULL ? mode : "--data-binary", data,
               NULL);
}


/* Descriptors open in this process: the plugin's and the test's. */
static guint
count_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n - 1; /* the directory's own */
}

/* Serves the plugin until count_fds () is at most (@at_most) or at least
 * @want, for at most @timeout_ms. (A descriptor of an earlier child may
 * close meanwhile: at most, not exactly.) */
static gboolean
wait_fds (guint want, gboolean at_most, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * (gint64) 1000;

  while (at_most ? count_fds () > want : count_fds () < want)
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

/* A raw TCP client (not curl: it must be able to stop half way), connected
 * while the main loop serves the plugin. */
static GSocket *
raw_connect (Fixture *f)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (lo, f->port);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_socket_set_blocking (socket, FALSE);
  if (!g_socket_connect (socket, address, NULL, &error))
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
      g_clear_error (&error);
      while (g_socket_condition_check (socket, G_IO_OUT) == 0)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_main_context_iteration (NULL, FALSE);
        }
      g_socket_check_connect_result (socket, &error);
      g_assert_no_error (error);
    }
  return g_steal_pointer (&socket);
}

static void
raw_send (GSocket *socket, const char *text)
{
  g_autoptr(GError) error = NULL;
  gssize n = g_socket_send (socket, text, strlen (text), NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (n, ==, strlen (text));
}

/* Serves the plugin until the server ends the connection (end of stream
 * or reset), reading what it sends meanwhile into @received (optional);
 * @trickle: one more byte of a header every 10 ms, as a slowloris does.
 * Returns the milliseconds it took, or -1 after @timeout_ms. */
static gint64
raw_wait_closed (GSocket *socket, GString *received, gboolean trickle, guint timeout_ms)
{
  gint64 start = g_get_monotonic_time ();
  gint64 next_byte = start;

  while (g_get_monotonic_time () - start < timeout_ms * (gint64) 1000)
    {
      char buf[512];
      g_autoptr(GError) error = NULL;
      gssize n;

      if (trickle && g_get_monotonic_time () >= next_byte)
        {
          g_socket_send (socket, "X", 1, NULL, NULL);
          next_byte += 10 * 1000;
        }
      n = g_socket_receive (socket, buf, sizeof buf, NULL, &error);
      if (n == 0 || (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)))
        return (g_get_monotonic_time () - start) / 1000;
      if (n > 0 && received != NULL)
        g_string_append_len (received, buf, n);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
  return -1;
}

static void
assert_xml_valid (const char *path)
{
  const char *argv[] = { "xmllint", "--noout", "--nonet", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (run_child (argv, &out, &err) != 0)
    g_error ("xmllint %s: %s", path, err);
}

static void
test_off (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  set_param (f, "Admin_Passwd", PASSWORD);
  g_assert_true (start (f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->port, ==, 0);
}

static void
test_bad_listen (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (start (f, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS);
  g_assert_cmpuint (f->port, ==, 0);
}

/* The seed's exercise: http://<phone>/admin/resync?tftp://…/basic.txt */
static void
test_seed_resync (Fixture *f, gconstpointer data)
{
  g_autoptr(Reply) seed = get_digest (f, "/admin/resync?" SEED_RULE, PASSWORD);
  g_autoptr(Reply) configured = NULL;
  g_autoptr(Reply) encoded = NULL;
  const char *rule = "[--key $SA]tftp://127.0.0.1/a b.cfg | ( $MA ne \"\" )?http://127.0.0.1/%.cfg";
  g_autofree char *escaped = g_uri_escape_string (rule, NULL, FALSE);
  g_autofree char *path = g_strconcat ("/admin/resync?", escaped, NULL);

  g_assert_cmpuint (seed->status, ==, 200);
  g_assert_cmpstr (seed->body, ==, "resync requested\n");
  g_assert_true (g_str_has_prefix (seed->content_type, "text/plain"));
  g_assert_cmpuint (f->fired->len, ==, 1);
  assert_fired (f, 0, PROV_TRIGGER_ACTION_RESYNC, SEED_RULE);

  configured = get_digest (f, "/admin/resync", PASSWORD);
  g_assert_cmpuint (configured->status, ==, 200);
  assert_fired (f, 1, PROV_TRIGGER_ACTION_RESYNC, NULL);

  /* Escapes everywhere (and a %-escape in the Digest uri). */
  encoded = get_digest (f, path, PASSWORD);
  g_assert_cmpuint (encoded->status, ==, 200);
  assert_fired (f, 2, PROV_TRIGGER_ACTION_RESYNC, rule);
  g_assert_cmpuint (f->fired->len, ==, 3);
}

static void
test_unauthorized (Fixture *f, gconstpointer data)
{
  const char *path = "/admin/resync?" SEED_RULE;
  g_autoptr(Reply) none = curl (f, path, NULL);
  g_autoptr(Reply) wrong = get_digest (f, path, "s3cret:pass wore");
  g_autoptr(Reply) user = curl (f, path, "--digest", "-u", "root:" PASSWORD, NULL);
  g_autoptr(Reply) basic = curl (f, path, "--basic", "-u", "admin:" PASSWORD, NULL);
  g_autoptr(Reply) unknown = curl (f, "/nowhere", NULL);

  g_assert_cmpuint (none->status, ==, 401);
  g_assert_nonnull (strstr (none->headers, "WWW-Authenticate: Digest realm=\"provisiond\""));
  g_assert_nonnull (strstr (none->headers, "qop=\"auth\""));
  g_assert_cmpuint (wrong->status, ==, 401);
  g_assert_cmpuint (user->status, ==, 401);
  g_assert_cmpuint (basic->status, ==, 401);
  g_assert_cmpuint (unknown->status, ==, 401);
  g_assert_cmpuint (f->fired->len, ==, 0);
}

/* An empty Admin_Passwd closes the endpoint; setting one opens it at once. */
static void
test_no_password (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) none = NULL;
  g_autoptr(Reply) digest = NULL;
  g_autoptr(Reply) empty_digest = NULL;
  g_autoptr(Reply) query = NULL;
  g_autoptr(Reply) after = NULL;

  g_assert_true (start (f, &error));
  g_assert_no_error (error);
  none = curl (f, "/admin/resync?" SEED_RULE, NULL);
  digest = get_digest (f, "/admin/resync?" SEED_RULE, PASSWORD);
  empty_digest = get_digest (f, "/admin/resync?" SEED_RULE, "");
  query = curl (f, "/admin/resync?xuser=admin&xpassword=&" SEED_RULE, NULL);
  g_assert_cmpuint (none->status, ==, 403);
  g_assert_cmpuint (digest->status, ==, 403);
  g_assert_cmpuint (empty_digest->status, ==, 403);
  g_assert_cmpuint (query->status, ==, 403);
  g_assert_cmpuint (f->fired->len, ==, 0);

  set_param (f, "Admin_Passwd", PASSWORD);
  after = get_digest (f, "/admin/resync?" SEED_RULE, PASSWORD);
  g_assert_cmpuint (after->status, ==, 200);
  assert_fired (f, 0, PROV_TRIGGER_ACTION_RESYNC, SEED_RULE);
}

static void
test_password_change (Fixture *f, gconstpointer data)
{
  g_autoptr(Reply) before = get_digest (f, "/admin/resync", PASSWORD);
  g_autoptr(Reply) old_digest = NULL;
  g_autoptr(Reply) old_query = NULL;
  g_autoptr(Reply) new_digest = NULL;

  g_assert_cmpuint (before->status, ==, 200);
  set_param (f, "Admin_Passwd", "n3w");
  old_digest = get_digest (f, "/admin/resync", PASSWORD);
  old_query = curl (f, "/admin/resync?xuser=admin&xpassword=" PASSWORD_ENCODED, NULL);
  new_digest = get_digest (f, "/admin/resync", "n3w");
  g_assert_cmpuint (old_digest->status, ==, 401);
  g_assert_cmpuint (old_query->status, ==, 401);
  g_assert_cmpuint (new_digest->status, ==, 200);
  g_assert_cmpuint (f->fired->len, ==, 2);
}

static void
test_query_credentials (Fixture *f, gconstpointer data)
{
  const char *prefix = "/admin/resync?xuser=admin&xpassword=" PASSWORD_ENCODED "&";
  g_autofree char *with_rule = g_strconcat (prefix, SEED_RULE, NULL);
  g_autoptr(Reply) ok = curl (f, with_rule, NULL);
  g_autoptr(Reply) swapped = NULL;
  g_autoptr(Reply) wrong = NULL;
  g_autoptr(Reply) no_password = NULL;
  g_autoptr(Reply) wrong_user = NULL;
  g_autoptr(Reply) status = NULL;

  g_assert_cmpuint (ok->status, ==, 200);
  g_assert_cmpstr (ok->body, ==, "resync requested\n");
  assert_fired (f, 0, PROV_TRIGGER_ACTION_RESYNC, SEED_RULE);

  swapped = curl (f, "/admin/resync?xpassword=" PASSWORD_ENCODED "&xuser=admin", NULL);
  g_assert_cmpuint (swapped->status, ==, 200);
  assert_fired (f, 1, PROV_TRIGGER_ACTION_RESYNC, NULL);

  wrong = curl (f, "/admin/resync?xuser=admin&xpassword=s3cret&" SEED_RULE, NULL);
  no_password = curl (f, "/admin/resync?xuser=admin&" SEED_RULE, NULL);
  wrong_user = curl (f, "/admin/resync?xuser=root&xpassword=" PASSWORD_ENCODED, NULL);
  g_assert_cmpuint (wrong->status, ==, 401);
  g_assert_nonnull (strstr (wrong->headers, "WWW-Authenticate: Digest"));
  g_assert_cmpuint (no_password->status, ==, 401);
  g_assert_cmpuint (wrong_user->status, ==, 401);
  g_assert_cmpuint (f->fired->len, ==, 2);

  status = curl (f, "/admin/status?xuser=admin&xpassword=" PASSWORD_ENCODED, NULL);
  g_assert_cmpuint (status->status, ==, 200);
}

static char *
find_authorization (const char *verbose_log)
{
  g_auto(GStrv) lines = g_strsplit (verbose_log, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "> Authorization: Digest "))
      return g_strstrip (g_strdup (lines[i] + 2));
  return NULL;
}

static char *
md5 (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_MD5, text, -1);
}

/* What a client knowing the password sends for @nonce (RFC 2617). */
static char *
forge_authorization (const char *nonce, const char *uri)
{
  g_autofree char *ha1 = md5 ("admin:provisiond:" PASSWORD);
  g_autofree char *a2 = g_strconcat ("GET:", uri, NULL);
  g_autofree char *ha2 = md5 (a2);
  g_autofree char *kd = g_strdup_printf ("%s:%s:00000001:abc:auth:%s", ha1, nonce, ha2);
  g_autofree char *response = md5 (kd);

  return g_strdup_printf ("Authorization: Digest username=\"admin\", realm=\"provisiond\", "
                          "nonce=\"%s\", uri=\"%s\", cnonce=\"abc\", nc=00000001, qop=auth, "
                          "response=\"%s\"", nonce, uri, response);
}

static char *
find_nonce (const char *headers)
{
  const char *start = strstr (headers, "nonce=\"");
  const char *end = start != NULL ? strchr (start + 7, '"') : NULL;

  g_assert_nonnull (end);
  return g_strndup (start + 7, end - start - 7);
}

/* A captured Authorization header is good once: nonce counts only grow.
 * A response is bound to its nonce (ours, signed) and to its URI. */
static void
test_replay (Fixture *f, gconstpointer data)
{
  const char *path = "/admin/resync?" SEED_RULE;
  g_autoptr(Reply) first = curl (f, path, "-v", "--digest", "-u", "admin:" PASSWORD, NULL);
  g_autofree char *authorization = find_authorization (first->log);
  g_autoptr(Reply) replay = NULL;
  g_autoptr(Reply) challenge = NULL;
  g_autoptr(Reply) other_uri = NULL;
  g_autoptr(Reply) right = NULL;
  g_autoptr(Reply) again = NULL;
  g_autoptr(Reply) forged = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *header = NULL;
  g_autofree char *forged_header = NULL;

  g_assert_cmpuint (first->status, ==, 200);
  g_assert_nonnull (authorization);
  replay = curl (f, path, "-H", authorization, NULL);
  g_assert_cmpuint (replay->status, ==, 401);
  g_assert_cmpuint (f->fired->len, ==, 1);

  /* Our own client, with a nonce from a real challenge. */
  challenge = curl (f, "/admin/resync", NULL);
  g_assert_cmpuint (challenge->status, ==, 401);
  nonce = find_nonce (challenge->headers);
  header = forge_authorization (nonce, "/admin/resync");
  other_uri = curl (f, path, "-H", header, NULL);
  g_assert_cmpuint (other_uri->status, ==, 401);
  right = curl (f, "/admin/resync", "-H", header, NULL);
  g_assert_cmpuint (right->status, ==, 200);
  assert_fired (f, 1, PROV_TRIGGER_ACTION_RESYNC, NULL);
  again = curl (f, "/admin/resync", "-H", header, NULL);
  g_assert_cmpuint (again->status, ==, 401);

  /* A right response to a nonce we did not sign (libsoup's own form). */
  forged_header = forge_authorization ("94030152661700000000", "/admin/resync");
  forged = curl (f, "/admin/resync", "-H", forged_header, NULL);
  g_assert_cmpuint (forged->status, ==, 401);
  g_assert_cmpuint (f->fired->len, ==, 2);
}

static void
test_status (Fixture *f, gconstpointer data)
{
  ProvStatus *status = prov_context_get_status (f->ctx);
  ProvStatusEntry resync = { 1714564800, PROV_CAUSE_EXPLICIT,
                             (char *) "[--key k-secret-value]http://u:url-secret@127.0.0.1/p.xml",
                             PROV_OUTCOME_TRANSPORT, (char *) "timeout", 0 };
  ProvStatusEntry upgrade = { 1714564900, PROV_CAUSE_EXPLICIT, (char *) "http://127.0.0.1/fw.bin",
                              PROV_OUTCOME_SUCCESS, NULL, 0 };
  g_autoptr(Reply) reply = NULL;
  g_autoptr(Reply) post = NULL;
  g_autoptr(Reply) head = NULL;

  set_params (f, (const char *[]) { "GPP_SA", "gpp-sa-secret-value", "GPP_A", "plain-register",
                                    NULL });
  prov_status_add_resync (status, &resync);
  prov_status_add_upgrade (status, &upgrade);

  reply = get_digest (f, "/admin/status", PASSWORD);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_true (g_str_has_prefix (reply->content_type, "text/xml"));
  assert_xml_valid (reply->body_path);
  g_assert_nonnull (strstr (reply->body, "<ProvisionStatus>"));
  g_assert_nonnull (strstr (reply->body, "<Resync "));
  g_assert_nonnull (strstr (reply->body, "<Upgrade "));
  g_assert_nonnull (strstr (reply->body, "http://127.0.0.1/fw.bin"));
  g_assert_nonnull (strstr (reply->body, "error=\"timeout\""));
  /* No value of any parameter, secret or not, nor a secret of a URL. */
  g_assert_null (strstr (reply->body, "gpp-sa-secret-value"));
  g_assert_null (strstr (reply->body, "plain-register"));
  g_assert_null (strstr (reply->body, "s3cret"));
  g_assert_null (strstr (reply->body, "k-secret-value"));
  g_assert_null (strstr (reply->body, "url-secret"));
  g_assert_null (strstr (reply->headers, "s3cret"));

  head = curl (f, "/admin/status", "-I", "--digest", "-u", "admin:" PASSWORD, NULL);
  g_assert_cmpuint (head->status, ==, 200);
  post = curl (f, "/admin/status", "--digest", "-u", "admin:" PASSWORD, "-d", "x", NULL);
  g_assert_cmpuint (post->status, ==, 405);
  g_assert_cmpuint (f->fired->len, ==, 0);
}

static void
test_execute (Fixture *f, gconstpointer data)
{
  g_autofree char *cp = write_file (f,
                                    "<CP-8845-3PCCExecute>\n"
                                    "  <ExecuteItem URL=\"Resync:" SEED_RULE "\"/>\n"
                                    "</CP-8845-3PCCExecute>\n", -1);
  g_autofree char *cisco = write_file (f,
                                       "<CiscoIPPhoneExecute><ExecuteItem URL=\"Resync\"/>"
                                       "<ExecuteItem URL=\"Resync:http://127.0.0.1/a?b=1&amp;c"
                                       "\"/></CiscoIPPhoneExecute>", -1);
  g_autofree char *cp_arg = g_strconcat ("@", cp, NULL);
  g_autoptr(Reply) first = post_digest (f, "/CGI/Execute", cp, NULL, NULL);
  g_autoptr(Reply) second = NULL;
  g_autoptr(Reply) form = NULL;
  g_autoptr(Reply) query = NULL;
  g_autoptr(Reply) get = NULL;

  g_assert_cmpuint (first->status, ==, 200);
  g_assert_true (g_str_has_prefix (first->content_type, "text/xml"));
  assert_xml_valid (first->body_path);
  g_assert_nonnull (strstr (first->body, "<CiscoIPPhoneResponse>"));
  g_assert_nonnull (strstr (first->body, "<ResponseItem Status=\"0\" Data=\"Success\" "
                                         "URL=\"Resync:" SEED_RULE "\"/>"));
  g_assert_cmpuint (f->fired->len, ==, 1);
  assert_fired (f, 0, PROV_TRIGGER_ACTION_RESYNC, SEED_RULE);

  second = post_digest (f, "/CGI/Execute", cisco, NULL, NULL);
  g_assert_cmpuint (second->status, ==, 200);
  assert_xml_valid (second->body_path);
  g_assert_nonnull (strstr (second->body, "URL=\"Resync:http://127.0.0.1/a?b=1&amp;c\""));
  assert_fired (f, 1, PROV_TRIGGER_ACTION_RESYNC, NULL);
  assert_fired (f, 2, PROV_TRIGGER_ACTION_RESYNC, "http://127.0.0.1/a?b=1&c");

  /* As Cisco's CGI sends it: XML=<url-encoded object>. */
  form = post_digest (f, "/CGI/Execute", cp, "--data-urlencode", NULL);
  g_assert_cmpuint (form->status, ==, 200);
  assert_fired (f, 3, PROV_TRIGGER_ACTION_RESYNC, SEED_RULE);

  query = curl (f, "/CGI/Execute?xuser=admin&xpassword=" PASSWORD_ENCODED, "--data-binary",
                cp_arg, NULL);
  g_assert_cmpuint (query->status, ==, 200);
  assert_fired (f, 4, PROV_TRIGGER_ACTION_RESYNC, SEED_RULE);

  get = get_digest (f, "/CGI/Execute", PASSWORD);
  g_assert_cmpuint (get->status, ==, 405);
  g_assert_nonnull (strstr (get->headers, "Allow: POST"));
  g_assert_cmpuint (f->fired->len, ==, 5);
}

/* Cisco's CGI tools send HTTP Basic to /CGI/Execute: accepted there (and
 * only there), challenged with Basic after Digest. */
static void
test_execute_basic (Fixture *f, gconstpointer data)
{
  g_autofree char *cp = write_file (f, "<CP-8845-3PCCExecute><ExecuteItem URL=\"Resync:" SEED_RULE
                                       "\"/></CP-8845-3PCCExecute>", -1);
  g_autofree char *cp_arg = g_strconcat ("@", cp, NULL);
  g_autofree char *xml_arg = g_strconcat ("XML@", cp, NULL);
  g_autoptr(Reply) ok = curl (f, "/CGI/Execute", "--basic", "-u", "admin:" PASSWORD,
                              "--data-binary", cp_arg, NULL);
  g_autoptr(Reply) form = NULL;
  g_autoptr(Reply) wrong = NULL;
  g_autoptr(Reply) garbage = NULL;
  g_autoptr(Reply) none = NULL;
  g_autoptr(Reply) elsewhere = NULL;

  g_assert_cmpuint (ok->status, ==, 200);
  g_assert_nonnull (strstr (ok->body, "<CiscoIPPhoneResponse>"));
  assert_fired (f, 0, PROV_TRIGGER_ACTION_RESYNC, SEED_RULE);
  form = curl (f, "/CGI/Execute", "--basic", "-u", "admin:" PASSWORD, "--data-urlencode",
               xml_arg, NULL);
  g_assert_cmpuint (form->status, ==, 200);
  assert_fired (f, 1, PROV_TRIGGER_ACTION_RESYNC, SEED_RULE);

  wrong = curl (f, "/CGI/Execute", "--basic", "-u", "admin:guess", "--data-binary", cp_arg,
                NULL);
  g_assert_cmpuint (wrong->status, ==, 401);
  garbage = curl (f, "/CGI/Execute", "-H", "Authorization: Basic !!!", "--data-binary", cp_arg,
                  NULL);
  g_assert_cmpuint (garbage->status, ==, 401);
  none = curl (f, "/CGI/Execute", "--data-binary", cp_arg, NULL);
  g_assert_cmpuint (none->status, ==, 401);
  g_assert_nonnull (strstr (none->headers, "WWW-Authenticate: Digest realm=\"provisiond\""));
  g_assert_nonnull (strstr (none->headers, "WWW-Authenticate: Basic realm=\"provisiond\""));
  elsewhere = curl (f, "/admin/resync", "--basic", "-u", "admin:" PASSWORD, NULL);
  g_assert_cmpuint (elsewhere->status, ==, 401);
  g_assert_null (strstr (elsewhere->headers, "Basic"));
  g_assert_cmpuint (f->fired->len, ==, 2);
}

/* Every refused body answers without firing anything. */
static void
test_execute_refused (Fixture *f, gconstpointer data)
{
  const char *bad[] = {
    "<CiscoIPPhoneExecute><ExecuteItem URL=\"Key:Services\"/></CiscoIPPhoneExecute>",
    "<CiscoIPPhoneExecute><ExecuteItem URL=\"Resync\"/><ExecuteItem URL=\"http://127.0.0.1/x\"/>"
    "</CiscoIPPhoneExecute>",
    "<CiscoIPPhoneExecute><ExecuteItem URL=\"Resync:( $MA eq \"/></CiscoIPPhoneExecute>",
    "<CiscoIPPhoneExecute><ExecuteItem URL=\"Resync\"></CiscoIPPhoneExecute>",
    "<CiscoIPPhoneText><Text>hi</Text></CiscoIPPhoneText>",
    "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
    "]>\n<CiscoIPPhoneExecute><ExecuteItem URL=\"Resync:&lol9;\"/></CiscoIPPhoneExecute>",
    "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
    "<CiscoIPPhoneExecute><ExecuteItem URL=\"Resync:&e;\"/></CiscoIPPhoneExecute>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = write_file (f, bad[i], -1);
      g_autoptr(Reply) reply = post_digest (f, "/CGI/Execute", path, NULL, NULL);

      g_test_message ("body %u", i);
      g_assert_cmpuint (reply->status, ==, 400);
      g_assert_true (g_str_has_prefix (reply->content_type, "text/xml"));
      assert_xml_valid (reply->body_path);
      g_assert_nonnull (strstr (reply->body, "<CiscoIPPhoneError Number=\"1\">"));
      g_assert_cmpuint (f->fired->len, ==, 0);
    }
}

/* A body that would be accepted but for its size (a long comment). */
static char *
write_big_execute (Fixture *f, gsize size)
{
  g_autoptr(GString) body = g_string_new ("<CiscoIPPhoneExecute><!-- ");

  while (body->len < size)
    g_string_append (body, "padding padding padding padding padding padding padding ");
  g_string_append (body, "--><ExecuteItem URL=\"Resync\"/></CiscoIPPhoneExecute>");
  return write_file (f, body->str, body->len);
}

static void
test_oversized (Fixture *f, gconstpointer data)
{
  g_autofree char *just_fits = write_big_execute (f, 64 * 1024 - 200);
  g_autofree char *big = write_big_execute (f, 64 * 1024 + 1);
  g_autofree char *huge = write_big_execute (f, 3 * 1024 * 1024);
  g_autofree char *huge_arg = g_strconcat ("@", huge, NULL);
  g_autoptr(Reply) fits = post_digest (f, "/CGI/Execute", just_fits, NULL, NULL);
  g_autoptr(Reply) plain = NULL;
  g_autoptr(Reply) expect = NULL;
  g_autoptr(Reply) chunked = NULL;
  g_autoptr(Reply) chunked_huge = NULL;
  g_autoptr(Reply) after = NULL;

  g_assert_cmpuint (fits->status, ==, 200);
  g_assert_cmpuint (f->fired->len, ==, 1);

  /* Content-Length over 64 KiB: with and without Expect: 100-continue. */
  plain = post_digest (f, "/CGI/Execute", big, NULL, "Expect:");
  g_assert_cmpuint (plain->status, ==, 413);
  expect = post_digest (f, "/CGI/Execute", big, NULL, "Expect: 100-continue");
  g_assert_cmpuint (expect->status, ==, 413);
  /* Chunked: counted as it comes. */
  chunked = post_digest (f, "/CGI/Execute", big, NULL, "Transfer-Encoding: chunked");
  g_assert_cmpuint (chunked->status, ==, 413);
  /* Query credentials, so that the body is sent at once: past 1 MiB the
   * connection is shut, so curl reports no status or its last one (100
   * Continue, since it asks for that before a chunked body); or 413 when
   * the answer wins the race. */
  chunked_huge = curl (f, "/CGI/Execute?xuser=admin&xpassword=" PASSWORD_ENCODED, "-H",
                       "Transfer-Encoding: chunked", "--data-binary", huge_arg, NULL);
  g_assert_true (chunked_huge->status == 0 || chunked_huge->status == 100
                 || chunked_huge->status == 413);
  g_assert_cmpuint (f->fired->len, ==, 1);

  /* The server still serves. */
  after = get_digest (f, "/admin/resync", PASSWORD);
  g_assert_cmpuint (after->status, ==, 200);
  g_assert_cmpuint (f->fired->len, ==, 2);
}

static void
test_disabled (Fixture *f, gconstpointer data)
{
  g_autofree char *cp = write_file (f, "<CP-8845-3PCCExecute><ExecuteItem URL=\"Resync\"/>"
                                       "</CP-8845-3PCCExecute>", -1);
  g_autoptr(Reply) resync = NULL;
  g_autoptr(Reply) execute = NULL;
  g_autoptr(Reply) status = NULL;
  g_autoptr(Reply) upgrade = NULL;
  g_autoptr(Reply) no_upgrade = NULL;

  set_param (f, "Provision_Enable", "No");
  resync = get_digest (f, "/admin/resync?" SEED_RULE, PASSWORD);
  execute = post_digest (f, "/CGI/Execute", cp, NULL, NULL);
  status = get_digest (f, "/admin/status", PASSWORD);
  g_assert_cmpuint (resync->status, ==, 403);
  g_assert_nonnull (strstr (resync->body, "Provision_Enable"));
  g_assert_cmpuint (execute->status, ==, 403);
  g_assert_cmpuint (status->status, ==, 200);
  g_assert_cmpuint (f->fired->len, ==, 0);

  /* Upgrades have their own switch. */
  upgrade = get_digest (f, "/admin/upgrade", PASSWORD);
  g_assert_cmpuint (upgrade->status, ==, 200);
  assert_fired (f, 0, PROV_TRIGGER_ACTION_UPGRADE, NULL);
  set_param (f, "Upgrade_Enable", "No");
  no_upgrade = get_digest (f, "/admin/upgrade", PASSWORD);
  g_assert_cmpuint (no_upgrade->status, ==, 403);
  g_assert_cmpuint (f->fired->len, ==, 1);
}

static void
test_upgrade (Fixture *f, gconstpointer data)
{
  g_autoptr(Reply) with_rule = get_digest (f, "/admin/upgrade?http://127.0.0.1/fw-1.2.bin",
                                           PASSWORD);
  g_autoptr(Reply) configured = NULL;
  g_autoptr(Reply) options = NULL;

  g_assert_cmpuint (with_rule->status, ==, 200);
  g_assert_cmpstr (with_rule->body, ==, "upgrade requested\n");
  assert_fired (f, 0, PROV_TRIGGER_ACTION_UPGRADE, "http://127.0.0.1/fw-1.2.bin");
  configured = get_digest (f, "/admin/upgrade", PASSWORD);
  g_assert_cmpuint (configured->status, ==, 200);
  assert_fired (f, 1, PROV_TRIGGER_ACTION_UPGRADE, NULL);

  /* Upgrade_Rule has Profile_Rule's syntax, options included (the seed);
   * a rule without a server is the requester's to complete. */
  options = get_digest (f, "/admin/upgrade?%5B--uid%20u%20--pwd%20p%5D/fw.bin", PASSWORD);
  g_assert_cmpuint (options->status, ==, 200);
  assert_fired (f, 2, PROV_TRIGGER_ACTION_UPGRADE, "[--uid u --pwd p]/fw.bin");
  g_assert_cmpstr (((Fired *) f->fired->pdata[2])->requester, ==, "127.0.0.1");
  g_assert_cmpuint (f->fired->len, ==, 3);
}

static void
test_errors (Fixture *f, gconstpointer data)
{
  g_autoptr(Reply) unknown = get_digest (f, "/admin/nothing", PASSWORD);
  g_autoptr(Reply) root = get_digest (f, "/", PASSWORD);
  g_autoptr(Reply) post = NULL;
  g_autoptr(Reply) rule = NULL;
  g_autoptr(Reply) escape = NULL;
  g_autoptr(Reply) reboot = NULL;

  g_assert_cmpuint (unknown->status, ==, 404);
  g_assert_cmpuint (root->status, ==, 404);
  post = curl (f, "/admin/resync", "--digest", "-u", "admin:" PASSWORD, "-d", "", NULL);
  g_assert_cmpuint (post->status, ==, 405);
  g_assert_nonnull (strstr (post->headers, "Allow: GET"));
  rule = get_digest (f, "/admin/resync?(%20$MA%20eq", PASSWORD);
  g_assert_cmpuint (rule->status, ==, 400);
  g_assert_true (g_str_has_prefix (rule->body, "invalid rule: "));
  escape = curl (f, "/admin/resync?tftp://127.0.0.1/%zz", NULL);
  g_assert_cmpuint (escape->status, ==, 400);
  reboot = get_digest (f, "/admin/reboot", PASSWORD);
  g_assert_cmpuint (reboot->status, ==, 501);
  g_assert_cmpuint (f->fired->len, ==, 0);
}

static void
test_stop (Fixture *f, gconstpointer data)
{
  guint port = f->port;
  g_autoptr(Reply) before = get_digest (f, "/admin/resync", PASSWORD);
  g_autoptr(Reply) after = NULL;

  g_assert_cmpuint (before->status, ==, 200);
  prov_trigger_stop (PROV_TRIGGER (f->plugin));
  g_object_get (f->plugin, "port", &f->port, NULL);
  g_assert_cmpuint (f->port, ==, 0);
  f->port = port;
  after = get_digest (f, "/admin/resync", PASSWORD);
  g_assert_cmpuint (after->status, ==, 0);
  g_assert_cmpuint (f->fired->len, ==, 1);
}


/* Half requests and unread answers from one client that then goes away:
 * every descriptor is freed again, and the endpoint still serves. */
static void
test_fd_leak (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(Reply) first = get_digest (f, "/admin/status", PASSWORD);
  g_autoptr(Reply) after = NULL;
  guint baseline;

  /* What a first request allocates once is in the baseline. */
  g_assert_cmpuint (first->status, ==, 200);
  baseline = count_fds ();
  for (guint i = 0; i < N_FLOOD; i++)
    {
      GSocket *socket = raw_connect (f);

      /* Half requests; requests whose answer is never read; and nothing. */
      if (i % 3 == 0)
        raw_send (socket, "GET /admin/status HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      else if (i % 3 == 1)
        raw_send (socket, "GET /admin/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      g_ptr_array_add (clients, socket);
      g_main_context_iteration (NULL, FALSE);
    }
  /* Until the plugin has seen them all, then the client goes. */
  wait_fds (baseline + N_FLOOD, FALSE, 2000);
  g_test_message ("descriptors: %u before, %u with the clients", baseline, count_fds ());
  g_ptr_array_set_size (clients, 0);
  if (!wait_fds (baseline, TRUE, 10000))
    g_error ("%u descriptors open, %u before the clients", count_fds (), baseline);
  after = get_digest (f, "/admin/resync", PASSWORD);
  g_assert_cmpuint (after->status, ==, 200);
  assert_fired (f, 0, PROV_TRIGGER_ACTION_RESYNC, NULL);
}

/* A client that sends nothing, or a header a byte at a time, is cut off
 * after RequestTimeout (0.2 s here), and its descriptor freed. */
static void
test_slow_clients (Fixture *f, gconstpointer data)
{
  guint baseline = count_fds ();
  g_autoptr(GSocket) idle = raw_connect (f);
  g_autoptr(GSocket) slow = NULL;
  g_autoptr(GSocket) unread = NULL;
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autoptr(Reply) after = NULL;
  gint64 ms;

  /* Each connected just before it is watched: the deadline runs from the
   * connection on. */
  ms = raw_wait_closed (idle, NULL, FALSE, 5000);
  g_test_message ("idle connection closed after %" G_GINT64_FORMAT " ms", ms);
  g_assert_cmpint (ms, >=, 150);
  slow = raw_connect (f);
  raw_send (slow, "GET /admin/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
  ms = raw_wait_closed (slow, NULL, TRUE, 5000);
  g_test_message ("slowloris closed after %" G_GINT64_FORMAT " ms", ms);
  g_assert_cmpint (ms, >=, 150);
  /* A whole request: answered, then closed (a deadline would have shut
   * it without an answer). */
  unread = raw_connect (f);
  raw_send (unread, "GET /admin/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  ms = raw_wait_closed (unread, answer, FALSE, 5000);
  g_assert_cmpint (ms, >=, 0);
  g_assert_true (g_str_has_prefix (answer->str, "HTTP/1.1 401 "));
  g_assert_nonnull (strstr (answer->str, "\r\nConnection: close\r\n"));
  g_socket_close (idle, NULL);
  g_socket_close (slow, NULL);
  g_socket_close (unread, NULL);
  g_assert_true (wait_fds (baseline, TRUE, 5000));
  after = get_digest (f, "/admin/resync", PASSWORD);
  g_assert_cmpuint (after->status, ==, 200);
}

/* MaxConnectionsPerSource=3: a fourth connection is answered 503 and
 * closed; once one of the three goes, a request gets through again. */
static void
test_connection_cap (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSocket) extra = NULL;
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autoptr(Reply) busy = NULL;

  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (held, raw_connect (f));
  extra = raw_connect (f);
  g_assert_cmpint (raw_wait_closed (extra, answer, FALSE, 5000), >=, 0);
  g_assert_true (g_str_has_prefix (answer->str, "HTTP/1.1 503 "));
  busy = get_digest (f, "/admin/resync", PASSWORD);
  g_assert_cmpuint (busy->status, ==, 503);
  g_assert_cmpuint (f->fired->len, ==, 0);

  g_ptr_array_remove_index (held, 0);
  /* Until the plugin has seen the end of that one. */
  for (gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;; )
    {
      g_autoptr(Reply) again = get_digest (f, "/admin/resync", PASSWORD);

      if (again->status == 200)
        break;
      g_assert_cmpuint (again->status, ==, 503);
      g_assert_cmpint (g_get_monotonic_time (), <, end);
    }
  g_assert_cmpuint (f->fired->len, ==, 1);
}

/* FailedLogins=5: after five wrong passwords from a source, every attempt
 * gets 429 with Retry-After at once, the right password included; a
 * request without credentials still gets its challenge. */
static void
test_failed_logins (Fixture *f, gconstpointer data)
{
  g_autoptr(Reply) right = NULL;
  g_autoptr(Reply) digest = NULL;
  g_autoptr(Reply) challenge = NULL;
  gint64 start;

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(Reply) wrong = curl (f, "/admin/resync?xuser=admin&xpassword=guess", NULL);

      g_assert_cmpuint (wrong->status, ==, 401);
    }
  /* A wrong Digest answer counts as much. */
  digest = get_digest (f, "/admin/resync", "guess");
  g_assert_cmpuint (digest->status, ==, 401);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(Reply) blocked = curl (f, "/admin/resync?xuser=admin&xpassword=guess", NULL);

      g_assert_cmpuint (blocked->status, ==, 429);
      g_assert_nonnull (strstr (blocked->headers, "Retry-After: "));
    }
  g_test_message ("20 refused attempts in %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);
  right = curl (f, "/admin/resync?xuser=admin&xpassword=" PASSWORD_ENCODED, NULL);
  g_assert_cmpuint (right->status, ==, 429);
  g_clear_pointer (&digest, reply_free);
  digest = get_digest (f, "/admin/resync", PASSWORD);
  g_assert_cmpuint (digest->status, ==, 429);
  challenge = curl (f, "/admin/resync", NULL);
  g_assert_cmpuint (challenge->status, ==, 401);
  g_assert_cmpuint (f->fired->len, ==, 0);
}

static void
test_bad_limits (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (start (f, &error));
  g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS);
  g_assert_nonnull (strstr (error->message, "[action-url] "));
  g_assert_cmpuint (f->port, ==, 0);
}

/* The flood holds N_FLOOD client sockets (and, before the fix, as many
 * server ones): room for them, so that the leak is what fails. */
static void
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

int
main (int argc, char **argv)
{
  g_autofree char *curl_path = NULL;
  g_autofree char *xmllint_path = NULL;

  g_test_init (&argc, &argv, NULL);
  raise_fd_limit ();

  curl_path = g_find_program_in_path ("curl");
  xmllint_path = g_find_program_in_path ("xmllint");
  if (curl_path == NULL || xmllint_path == NULL)
    {
      g_test_skip ("curl and xmllint are needed");
      return g_test_run ();
    }

#define ADD(name, func, setup, group) \
  g_test_add ("/action-url/" name, Fixture, group, setup, func, fixture_teardown)

  ADD ("off", test_off, fixture_setup_plain, "");
  ADD ("off-word", test_off, fixture_setup_plain, "Listen=off\n");
  ADD ("bad-listen/name", test_bad_listen, fixture_setup_plain, "Listen=localhost:80\n");
  ADD ("bad-listen/port", test_bad_listen, fixture_setup_plain, "Listen=127.0.0.1:65536\n");
  ADD ("bad-listen/v6", test_bad_listen, fixture_setup_plain, "Listen=::1:80\n");
  ADD ("seed-resync", test_seed_resync, fixture_setup, NULL);
  ADD ("seed-resync-port-only", test_seed_resync, fixture_setup, "Listen=0\n");
  ADD ("unauthorized", test_unauthorized, fixture_setup, NULL);
  ADD ("no-password", test_no_password, fixture_setup_plain, "Listen=127.0.0.1:0\n");
  ADD ("password-change", test_password_change, fixture_setup, NULL);
  ADD ("query-credentials", test_query_credentials, fixture_setup, NULL);
  ADD ("replay", test_replay, fixture_setup, NULL);
  ADD ("status", test_status, fixture_setup, NULL);
  ADD ("execute", test_execute, fixture_setup, NULL);
  ADD ("execute-basic", test_execute_basic, fixture_setup, NULL);
  ADD ("execute-refused", test_execute_refused, fixture_setup, NULL);
  ADD ("oversized", test_oversized, fixture_setup, NULL);
  ADD ("disabled", test_disabled, fixture_setup, NULL);
  ADD ("upgrade", test_upgrade, fixture_setup, NULL);
  ADD ("errors", test_errors, fixture_setup, NULL);
  ADD ("stop", test_stop, fixture_setup, NULL);
  ADD ("fd-leak", test_fd_leak, fixture_setup, NULL);
  ADD ("slow-clients", test_slow_clients, fixture_setup,
       "Listen=127.0.0.1:0\nRequestTimeout=0.2\n");
  ADD ("connection-cap", test_connection_cap, fixture_setup,
       "Listen=127.0.0.1:0\nMaxConnectionsPerSource=3\n");
  ADD ("failed-logins", test_failed_logins, fixture_setup,
       "Listen=127.0.0.1:0\nFailedLogins=5\n");
  ADD ("bad-limits/timeout", test_bad_limits, fixture_setup_plain,
       "Listen=127.0.0.1:0\nRequestTimeout=0\n");
  ADD ("bad-limits/connections", test_bad_limits, fixture_setup_plain,
       "Listen=127.0.0.1:0\nMaxConnections=many\n");
#undef ADD

  return g_test_run ();
}
