/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <libsoup/soup.h>

#include "prov-fetch.h"
#include "prov-error.h"
#include "prov-gds-code.h"
#include "prov-gds-json.h"
#include "prov-gds-request.h"
#include "prov-gds-response.h"

#define DEFAULT_TIMEOUT 30
#define MAX_TIMEOUT 3600

typedef struct
{
  ProvFetch            *fetch;
  SoupSession          *session;
  SoupMessage          *msg;
  GInputStream         *stream;
  GPtrArray            *trust;       /* GTlsDatabase*: CAs trusted besides the system's */
  GTlsCertificateFlags  tls_flags;
  GCancellable         *cancellable; /* cancelled by the caller's or by the deadline */
  GCancellable         *caller;
  gulong                caller_id;
  guint                 deadline_id;
  gboolean              timed_out;
  guint8               *buffer;
} Request;

static void
request_free (Request *req)
{
  g_clear_handle_id (&req->deadline_id, g_source_remove);
  if (req->caller != NULL)
    g_cancellable_disconnect (req->caller, req->caller_id);
  g_clear_object (&req->caller);
  g_clear_object (&req->cancellable);
  g_clear_object (&req->stream);
  g_clear_object (&req->msg);
  g_clear_object (&req->session);
  g_clear_pointer (&req->trust, g_ptr_array_unref);
  g_clear_object (&req->fetch);
  g_free (req->buffer);
  g_free (req);
}

char *
prov_gds_service_url (ProvFetch *fetch, GError **error)
{
  g_autofree char *url = prov_fetch_get_setting (fetch, PROV_GDS_SETTINGS_GROUP, "ServiceURL");
  g_autoptr(GUri) uri = NULL;

  if (url == NULL || g_strstrip (url)[0] == '\0')
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_DISABLED,
                           "activation service not configured");
      return NULL;
    }
  /* The code travels in the body: never in clear text. */
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0
      || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                           "[gds] ServiceURL must be an https URL");
      return NULL;
    }
  return g_steal_pointer (&url);
}

static guint
timeout_seconds (ProvFetch *fetch)
{
  g_autofree char *text = prov_fetch_get_setting (fetch, PROV_GDS_SETTINGS_GROUP, "Timeout");
  guint64 value;

  if (text != NULL
      && g_ascii_string_to_unsigned (g_strstrip (text), 10, 1, MAX_TIMEOUT, &value, NULL))
    return (guint) value;
  if (text != NULL)
    g_warning ("[gds] Timeout: '%s' is not a number of seconds (1-%d)", text, MAX_TIMEOUT);
  return prov_fetch_get_timeout (fetch) > 0 ? prov_fetch_get_timeout (fetch) : DEFAULT_TIMEOUT;
}

/* A PEM file, or each readable PEM file of a directory. */
static gboolean
add_trust (GPtrArray *trust, const char *path, GError **error)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  GTlsDatabase *db;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      if ((db = g_tls_file_database_new (path, error)) == NULL)
        return FALSE;
      g_ptr_array_add (trust, db);
      return TRUE;
    }
  if ((dir = g_dir_open (path, 0, error)) == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);

      if (g_file_test (file, G_FILE_TEST_IS_REGULAR)
          && (db = g_tls_file_database_new (file, NULL)) != NULL)
        g_ptr_array_add (trust, db);
    }
  return TRUE;
}

/* The custom CA the engine installed, when there is one. It was checked
 * when installed; one that does not load now is skipped, not fatal. */
static void
add_custom_ca (GPtrArray *trust, ProvFetch *fetch)
{
  const char *state_dir = prov_fetch_get_state_dir (fetch);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  GTlsDatabase *db;

  if (state_dir == NULL)
    return;
  path = g_build_filename (state_dir, PROV_CUSTOM_CA_FILE, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return;
  if ((db = g_tls_file_database_new (path, &error)) != NULL)
    g_ptr_array_add (trust, db);
  else
    g_message ("fetch %u: custom CA %s skipped: %s", prov_fetch_get_id (fetch), path,
               error->message);
}

static gboolean
setup_tls (Request *req, GError **error)
{
  ProvDevice *device = prov_fetch_get_device (req->fetch);
  g_autofree char *ca_setting = prov_fetch_get_setting (req->fetch, PROV_GDS_SETTINGS_GROUP,
                                                        "CAFile");
  const char *paths[] = { device != NULL ? prov_device_get_ca_file (device) : NULL,
                          ca_setting != NULL ? g_strstrip (ca_setting) : NULL };
  const char *cert_file = device != NULL ? prov_device_get_client_certificate (device) : NULL;
  const char *key_file = device != NULL ? prov_device_get_client_key (device) : NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) local_error = NULL;
  guint id = prov_fetch_get_id (req->fetch);

  req->trust = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      if (paths[i] == NULL || paths[i][0] == '\0')
        continue;
      if (!add_trust (req->trust, paths[i], &local_error))
        {
          g_debug ("fetch %u: CA file %s: %s", id, paths[i], local_error->message);
          g_set_error_literal (error, PROV_ERROR, PROV_ERROR_TRANSPORT, "tls: bad CA file");
          return FALSE;
        }
    }
  add_custom_ca (req->trust, req->fetch);
  if (cert_file == NULL)
    return TRUE;
  /* Without ClientKey the key is expected in the certificate file. */
  certificate = g_tls_certificate_new_from_files (cert_file,
                                                  key_file != NULL ? key_file : cert_file,
                                                  &local_error);
  if (certificate == NULL)
    {
      g_debug ("fetch %u: client certificate %s: %s", id, cert_file, local_error->message);
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_TRANSPORT,
                           "tls: bad client certificate");
      return FALSE;
    }
  soup_message_set_tls_client_certificate (req->msg, certificate);
  return TRUE;
}

static guint
flag_count (GTlsCertificateFlags flags)
{
  return (guint) __builtin_popcount ((unsigned int) flags);
}

/* The system store has refused the chain: our own CAs may still vouch for
 * it, always for this very host name. */
static gboolean
on_accept_certificate (SoupMessage *msg, GTlsCertificate *certificate,
                       GTlsCertificateFlags errors, gpointer user_data)
{
  Request *req = user_data;
  GUri *uri = soup_message_get_uri (msg);
  int port = g_uri_get_port (uri);
  g_autoptr(GSocketConnectable) identity = g_network_address_new (g_uri_get_host (uri),
                                                                  port > 0 ? port : 443);

  for (guint i = 0; i < req->trust->len; i++)
    {
      GTlsCertificateFlags flags = g_tls_database_verify_chain (
        g_ptr_array_index (req->trust, i), certificate, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
        identity, NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, NULL);

      if (flags == 0)
        return TRUE;
      if (flag_count (flags) < flag_count (errors))
        errors = flags;
    }
  req->tls_flags = errors;
  g_debug ("fetch %u: server certificate rejected (flags 0x%x)", prov_fetch_get_id (req->fetch),
           errors);
  return FALSE;
}

static const char *
certificate_text (GTlsCertificateFlags flags)
{
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return "tls: host name mismatch";
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return "tls: certificate expired";
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return "tls: certificate not yet valid";
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return "tls: certificate revoked";
  return "tls: certificate not trusted";
}

/* The same `$ERR` texts as the http transport (plugins/http/README.md). */
static GError *
transport_error (Request *req, const GError *error)
{
  const char *text = "connection failed";

  if (req->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    text = "timeout";
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal (PROV_ERROR, PROV_ERROR_CANCELLED, "cancelled");
  else if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    text = certificate_text (req->tls_flags);
  else if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_CERTIFICATE_REQUIRED))
    text = "tls: certificate required";
  else if (error->domain == G_TLS_ERROR)
    text = "tls: handshake failed";
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    text = "connection refused";
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE))
    text = "host unreachable";
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    text = "network unreachable";
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED)
           || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT)
           || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    text = "connection closed";
  else if (error->domain == G_RESOLVER_ERROR)
    text = "host not found";
  else if (error->domain == SOUP_SESSION_ERROR)
    text = "bad response";
  g_debug ("fetch %u: %s", prov_fetch_get_id (req->fetch), error->message);
  return g_error_new_literal (PROV_ERROR, PROV_ERROR_TRANSPORT, text);
}

static void
fail (GTask *task, const GError *error)
{
  Request *req = g_task_get_task_data (task);

  g_clear_handle_id (&req->deadline_id, g_source_remove);
  g_task_return_error (task, transport_error (req, error));
  g_object_unref (task);
}

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GHashTable *params;
  gsize length = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &length, &error))
    {
      fail (task, error);
      return;
    }
  g_clear_handle_id (&req->deadline_id, g_source_remove);
  params = prov_gds_response_parse (soup_message_get_status (req->msg),
                                    (const char *) req->buffer, length, &error);
  if (params == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, params, (GDestroyNotify) g_hash_table_unref);
  g_object_unref (task);
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  req->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (req->stream == NULL)
    {
      fail (task, error);
      return;
    }
  g_debug ("fetch %u: activation service answered %u", prov_fetch_get_id (req->fetch),
           soup_message_get_status (req->msg));
  /* One byte more than allowed tells a too large answer from a full one. */
  req->buffer = g_malloc (PROV_GDS_RESPONSE_MAX + 1);
  g_input_stream_read_all_async (req->stream, req->buffer, PROV_GDS_RESPONSE_MAX + 1,
                                 G_PRIORITY_DEFAULT, req->cancellable, on_read, task);
}

static gboolean
on_deadline (gpointer user_data)
{
  Request *req = user_data;

  req->deadline_id = 0;
  req->timed_out = TRUE;
  g_cancellable_cancel (req->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled (GCancellable *caller, gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

static GBytes *
request_body (ProvFetch *fetch, const char *code)
{
  ProvDevice *device = prov_fetch_get_device (fetch);
  const char *names[] = { "code", "mac", "product", "serial", "version" };
  const char *values[] = {
    code,
    device != NULL ? prov_device_get_mac (device) : NULL,
    device != NULL ? prov_device_get_product_name (device) : NULL,
    device != NULL ? prov_device_get_serial_number (device) : NULL,
    device != NULL ? prov_device_get_software_version (device) : NULL,
  };
  GString *body = g_string_new ("{");

  G_STATIC_ASSERT (G_N_ELEMENTS (names) == G_N_ELEMENTS (values));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *valid = g_utf8_make_valid (values[i] != NULL ? values[i] : "", -1);

      if (i > 0)
        g_string_append_c (body, ',');
      prov_gds_json_append_string (body, names[i]);
      g_string_append_c (body, ':');
      prov_gds_json_append_string (body, valid);
    }
  g_string_append_c (body, '}');
  return g_string_free_to_bytes (body);
}

void
prov_gds_request_async (ProvFetch           *fetch,
                        const char          *service_url,
                        const char          *code,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GBytes) body = request_body (fetch, code);
  g_autoptr(GError) error = NULL;
  g_autofree char *redacted = prov_gds_code_redact (code);
  const char *user_agent = prov_fetch_get_user_agent (fetch);
  Request *req = g_new0 (Request, 1);
  guint timeout = timeout_seconds (fetch);

  g_task_set_source_tag (task, prov_gds_request_async);
  /* Cancellation is reported as PROV_ERROR, not as G_IO_ERROR. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, req, (GDestroyNotify) request_free);

  req->fetch = g_object_ref (fetch);
  req->cancellable = g_cancellable_new ();
  /* No proxy: nothing in a daemon's environment says one is wanted. */
  req->session = soup_session_new_with_options ("timeout", timeout, "proxy-resolver", NULL, NULL);
  req->msg = soup_message_new ("POST", service_url);
  if (req->msg == NULL)
    {
      g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                               "[gds] ServiceURL must be an https URL");
      return;
    }
  if (!setup_tls (req, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The code is only for the configured service, never for a redirect. */
  soup_message_add_flags (req->msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_set_request_body_from_bytes (req->msg, "application/json", body);
  soup_message_headers_replace (soup_message_get_request_headers (req->msg), "Accept",
                                "application/json");
  soup_message_headers_replace (soup_message_get_request_headers (req->msg), "User-Agent",
                                user_agent != NULL ? user_agent : "provisiond/" PACKAGE_VERSION);
  g_signal_connect (req->msg, "accept-certificate", G_CALLBACK (on_accept_certificate), req);

  if (cancellable != NULL)
    {
      req->caller = g_object_ref (cancellable);
      req->caller_id = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                              req->cancellable, NULL);
    }
  req->deadline_id = g_timeout_add (timeout * 1000, on_deadline, req);

  g_debug ("fetch %u: activating code %s at %s", prov_fetch_get_id (fetch), redacted, service_url);
  soup_session_send_async (req->session, req->msg, G_PRIORITY_DEFAULT, req->cancellable, on_sent,
                           g_steal_pointer (&task));
}

GHashTable *
prov_gds_request_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, prov_gds_request_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
