/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <libsoup/soup.h>

#include "prov-abi.h"
#include "prov-error.h"
#include "prov-http-error.h"
#include "prov-http-session.h"
#include "prov-http-transfer.h"
#include "prov-rule-mask.h"

#define MAX_REDIRECTS 5
#define MAX_AUTH_ANSWERS 2
#define READ_CHUNK (256 * 1024)
#define MIN_READ 4096
#define DEFAULT_CONNECT_TIMEOUT 10
#define DEFAULT_POST_TYPE "application/octet-stream"
#define DEFAULT_USER_AGENT "provisiond/" PROV_VERSION

typedef struct
{
  GTask                *task;        /* owned; returning it ends the transfer */
  ProvFetch            *fetch;
  ProvHttpCache        *cache;
  SoupSession          *session;
  SoupMessage          *msg;
  GUri                 *uri;         /* of the current request */
  GUri                 *origin;      /* the fetch's own URL: its credentials are for it */
  gboolean              post;
  gboolean              tls_ready;
  GTlsCertificate      *client_cert;
  GCancellable         *cancellable; /* ours: timers and the caller cancel it */
  GCancellable         *caller_cancellable;
  gulong                caller_cancel_id;
  guint                 connect_timeout;
  guint                 connect_timeout_id;
  guint                 overall_timeout_id;
  gboolean              timed_out;
  guint                 redirects;
  guint                 auth_answers;
  GTlsCertificateFlags  tls_flags;
  GInputStream         *stream;
  guint8               *buffer;      /* one piece of the body, delivered as it arrives */
  guint64               received;
  guint64               expected;    /* Content-Length, 0 when unknown */
} Transfer;

static void send_request (Transfer *t);

/* Nothing may call back into the transfer once its result is out. */
static void
transfer_stop (Transfer *t)
{
  g_clear_handle_id (&t->connect_timeout_id, g_source_remove);
  g_clear_handle_id (&t->overall_timeout_id, g_source_remove);
  if (t->caller_cancel_id != 0)
    g_cancellable_disconnect (t->caller_cancellable, t->caller_cancel_id);
  t->caller_cancel_id = 0;
}

static void
transfer_free (Transfer *t)
{
  transfer_stop (t);
  if (t->msg != NULL)
    g_signal_handlers_disconnect_by_data (t->msg, t);
  g_clear_object (&t->stream);
  g_clear_object (&t->msg);
  g_clear_object (&t->session);
  g_clear_pointer (&t->uri, g_uri_unref);
  g_clear_pointer (&t->origin, g_uri_unref);
  g_clear_object (&t->client_cert);
  g_clear_object (&t->cancellable);
  g_clear_object (&t->caller_cancellable);
  g_clear_object (&t->fetch);
  g_clear_object (&t->cache);
  g_free (t->buffer);
  g_free (t);
}

/* No user information, and no password of a URL inside the query either. */
static char *
uri_for_log (GUri *uri)
{
  g_autofree char *text = g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO | G_URI_HIDE_FRAGMENT);

  return prov_url_mask_secrets (text);
}

static void
transfer_return_error (Transfer *t, GError *error)
{
  GTask *task = t->task;

  g_debug ("fetch %u: failed: %s", prov_fetch_get_id (t->fetch), error->message);
  transfer_stop (t);
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* A foreign error, explained by what we know: who cancelled, which timer. */
static void
transfer_fail (Transfer *t, const GError *cause)
{
  GError *error;

  if (g_cancellable_is_cancelled (t->caller_cancellable))
    error = g_error_new_literal (PROV_ERROR, PROV_ERROR_CANCELLED, "cancelled");
  else if (t->timed_out)
    error = g_error_new_literal (PROV_ERROR, PROV_ERROR_TRANSPORT, "timeout");
  else
    {
      if (cause->domain != PROV_ERROR)
        g_debug ("fetch %u: %s", prov_fetch_get_id (t->fetch), cause->message);
      error = prov_http_error_convert (cause, t->tls_flags);
    }
  transfer_return_error (t, error);
}

static void
transfer_fail_literal (Transfer *t, const char *text)
{
  transfer_return_error (t, g_error_new_literal (PROV_ERROR, PROV_ERROR_TRANSPORT, text));
}

static void
transfer_return_done (Transfer *t)
{
  GTask *task = t->task;

  g_debug ("fetch %u: done, %" G_GUINT64_FORMAT " bytes%s", prov_fetch_get_id (t->fetch),
           t->received, prov_fetch_get_not_modified (t->fetch) ? " (not modified)" : "");
  transfer_stop (t);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
on_timeout (gpointer user_data, guint *id)
{
  Transfer *t = user_data;

  *id = 0;
  t->timed_out = TRUE;
  g_cancellable_cancel (t->cancellable);
  return G_SOURCE_REMOVE;
}

static gboolean
on_connect_timeout (gpointer user_data)
{
  return on_timeout (user_data, &((Transfer *) user_data)->connect_timeout_id);
}

static gboolean
on_overall_timeout (gpointer user_data)
{
  return on_timeout (user_data, &((Transfer *) user_data)->overall_timeout_id);
}

static void
on_caller_cancelled (GCancellable *caller, gpointer user_data)
{
  g_cancellable_cancel (((Transfer *) user_data)->cancellable);
}

/* The connection is up (or was reused): the idle timeout governs from here. */
static void
connected (Transfer *t)
{
  g_clear_handle_id (&t->connect_timeout_id, g_source_remove);
}

static void
on_network_event (SoupMessage *msg, GSocketClientEvent event, GIOStream *stream, gpointer user_data)
{
  if (event == G_SOCKET_CLIENT_COMPLETE)
    connected (user_data);
}

static void set_server_ip (Transfer *t);

static void
on_wrote_headers (SoupMessage *msg, gpointer user_data)
{
  connected (user_data);
  /* As soon as it is known: the engine's request message waits for it. */
  set_server_ip (user_data);
}

/* Only records what went wrong: trust is decided by the session's database,
 * never overridden here. */
static gboolean
on_accept_certificate (SoupMessage *msg, GTlsCertificate *certificate,
                       GTlsCertificateFlags errors, gpointer user_data)
{
  Transfer *t = user_data;

  t->tls_flags = errors;
  g_debug ("fetch %u: server certificate rejected (flags 0x%x)", prov_fetch_get_id (t->fetch),
           errors);
  return FALSE;
}

static int
effective_port (GUri *uri)
{
  int port = g_uri_get_port (uri);

  if (port > 0)
    return port;
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
}

/* Scheme, host and port, as browsers tell origins apart. */
static gboolean
same_origin (GUri *a, GUri *b)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0
         && g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) == 0
         && effective_port (a) == effective_port (b);
}

static gboolean
on_authenticate (SoupMessage *msg, SoupAuth *auth, gboolean retrying, gpointer user_data)
{
  Transfer *t = user_data;
  const char *allowed = prov_fetch_get_auth_type (t->fetch);
  const char *scheme = soup_auth_get_scheme_name (auth);
  const char *username = prov_fetch_get_username (t->fetch);
  guint id = prov_fetch_get_id (t->fetch);

  if (g_strcmp0 (allowed, "disabled") == 0 || username == NULL)
    {
      g_debug ("fetch %u: %s challenge not answered (no credentials)", id, scheme);
      return FALSE;
    }
  if (allowed != NULL ? g_ascii_strcasecmp (allowed, scheme) != 0
                      : g_ascii_strcasecmp (scheme, "Basic") != 0
                          && g_ascii_strcasecmp (scheme, "Digest") != 0)
    {
      g_debug ("fetch %u: %s challenge not answered (not allowed)", id, scheme);
      return FALSE;
    }
  /* A redirect may lead anywhere: the credentials were configured for the
   * fetch's own server, never for another one (the proxy stays the same). */
  if (!soup_auth_is_for_proxy (auth) && !same_origin (t->uri, t->origin))
    {
      g_debug ("fetch %u: %s challenge of another server not answered", id, scheme);
      return FALSE;
    }
  if (t->auth_answers >= MAX_AUTH_ANSWERS)
    {
      g_debug ("fetch %u: credentials refused %u times, giving up", id, t->auth_answers);
      return FALSE;
    }
  t->auth_answers++;
  g_debug ("fetch %u: answering %s challenge%s as user %s", id, scheme,
           soup_auth_is_for_proxy (auth) ? " of the proxy" : "", username);
  soup_auth_authenticate (auth, username, prov_fetch_get_password (t->fetch) ?: "");
  return TRUE;
}

static void
set_server_ip (Transfer *t)
{
  GSocketAddress *address = soup_message_get_remote_address (t->msg);
  g_autofree char *ip = NULL;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return;
  ip = g_inet_address_to_string (
    g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
  prov_fetch_set_server_ip (t->fetch, ip);
}

/* Validators wait for the engine's commit: a profile it rejected must not
 * be answered "unchanged" next time. */
typedef struct
{
  ProvHttpCache *cache;
  char          *state_dir;
  char          *url;
  char          *etag;
  char          *last_modified;
} PendingValidators;

static void
pending_validators_free (gpointer data, GClosure *closure)
{
  PendingValidators *p = data;

  g_object_unref (p->cache);
  g_free (p->state_dir);
  g_free (p->url);
  g_free (p->etag);
  g_free (p->last_modified);
  g_free (p);
}

static void
on_fetch_committed (ProvFetch *fetch, gpointer user_data)
{
  PendingValidators *p = user_data;

  prov_http_cache_store (p->cache, p->state_dir, p->url, p->etag, p->last_modified);
}

static void
store_validators (Transfer *t)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (t->msg);
  PendingValidators *p;

  if (t->post)
    return;
  p = g_new0 (PendingValidators, 1);
  p->cache = g_object_ref (t->cache);
  p->state_dir = g_strdup (prov_fetch_get_cache_dir (t->fetch));
  p->url = uri_for_log (t->uri);
  p->etag = g_strdup (soup_message_headers_get_one (headers, "ETag"));
  p->last_modified = g_strdup (soup_message_headers_get_one (headers, "Last-Modified"));
  g_signal_connect_data (t->fetch, "committed", G_CALLBACK (on_fetch_committed), p,
                         pending_validators_free, 0);
}

static void read_next (Transfer *t);

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Transfer *t = user_data;
  g_autoptr(GError) error = NULL;
  guint64 max_size = prov_fetch_get_max_size (t->fetch);
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n < 0)
    {
      transfer_fail (t, error);
      return;
    }
  t->received += (guint64) n;
  if (max_size != 0 && t->received > max_size)
    {
      transfer_fail_literal (t, "too large");
      return;
    }
  if (n > 0)
    {
      /* The consumer's error (a full disk, a profile that does not
       * parse) ends the transfer as it is. */
      if (!prov_fetch_deliver (t->fetch, t->buffer, (gsize) n, t->cancellable, &error))
        {
          if (g_cancellable_is_cancelled (t->caller_cancellable) || t->timed_out)
            transfer_fail (t, error);
          else
            transfer_return_error (t, g_steal_pointer (&error));
          return;
        }
      prov_fetch_report_progress (t->fetch, t->received, t->expected);
      read_next (t);
      return;
    }

  store_validators (t);
  transfer_return_done (t);
}

/* Reads one piece, little past the cap so that an oversized body is
 * noticed without reading the rest of it. Never tiny reads of a chunked
 * body: libsoup's decoder needs room for a size line. */
static void
read_next (Transfer *t)
{
  guint64 max_size = prov_fetch_get_max_size (t->fetch);
  gsize chunk = READ_CHUNK;

  if (max_size != 0 && max_size - t->received < chunk - 1)
    chunk = MAX ((gsize) (max_size - t->received) + 1, MIN_READ);
  g_input_stream_read_async (t->stream, t->buffer, chunk, G_PRIORITY_DEFAULT, t->cancellable,
                             on_read, t);
}

static void
receive_body (Transfer *t)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (t->msg);
  guint64 max_size = prov_fetch_get_max_size (t->fetch);
  const char *encoding = soup_message_headers_get_one (headers, "Content-Encoding");

  if (encoding != NULL && g_ascii_strcasecmp (encoding, "identity") != 0)
    prov_fetch_set_content_encoding (t->fetch, encoding);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    t->expected = (guint64) soup_message_headers_get_content_length (headers);
  if (max_size != 0 && t->expected > max_size)
    {
      g_debug ("fetch %u: Content-Length %" G_GUINT64_FORMAT " exceeds %" G_GUINT64_FORMAT,
               prov_fetch_get_id (t->fetch), t->expected, max_size);
      transfer_fail_literal (t, "too large");
      return;
    }
  /* One piece at a time: memory stays flat whatever the body's size. */
  t->buffer = g_malloc (READ_CHUNK);
  read_next (t);
}

static gboolean
follow_redirect (Transfer *t, guint status)
{
  const char *location;
  g_autoptr(GUri) target = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shown = NULL;
  const char *scheme;

  location = soup_message_headers_get_one (soup_message_get_response_headers (t->msg),
                                           "Location");
  if (location == NULL)
    return FALSE;
  if (++t->redirects > MAX_REDIRECTS)
    {
      transfer_fail_literal (t, "too many redirects");
      return TRUE;
    }
  target = g_uri_parse_relative (t->uri, location,
                                 G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE, &error);
  scheme = target != NULL ? g_uri_get_scheme (target) : NULL;
  if (target == NULL || g_uri_get_host (target) == NULL
      || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    {
      transfer_fail_literal (t, "bad redirect");
      return TRUE;
    }
  shown = uri_for_log (target);
  g_debug ("fetch %u: %u redirect to %s", prov_fetch_get_id (t->fetch), status, shown);
  /* What TLS protected must not continue in the clear. */
  if (g_strcmp0 (g_uri_get_scheme (t->uri), "https") == 0 && g_strcmp0 (scheme, "http") == 0)
    {
      transfer_fail_literal (t, "redirect from https to http refused");
      return TRUE;
    }
  if (!prov_fetch_host_allowed (t->fetch, g_uri_get_host (target)))
    {
      transfer_fail_literal (t, "restricted host");
      return TRUE;
    }
  /* As browsers do: 303, and 301/302 after a POST, continue with a GET. */
  if (status == SOUP_STATUS_SEE_OTHER
      || (t->post && (status == SOUP_STATUS_MOVED_PERMANENTLY || status == SOUP_STATUS_FOUND)))
    t->post = FALSE;
  g_uri_unref (t->uri);
  t->uri = g_steal_pointer (&target);
  send_request (t);
  return TRUE;
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Transfer *t = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  guint status;

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  connected (t);
  if (stream == NULL)
    {
      transfer_fail (t, error);
      return;
    }
  status = soup_message_get_status (t->msg);
  set_server_ip (t);
  g_debug ("fetch %u: status %u", prov_fetch_get_id (t->fetch), status);

  switch (status)
    {
    case SOUP_STATUS_MOVED_PERMANENTLY:
    case SOUP_STATUS_FOUND:
    case SOUP_STATUS_SEE_OTHER:
    case SOUP_STATUS_TEMPORARY_REDIRECT:
    case SOUP_STATUS_PERMANENT_REDIRECT:
      if (follow_redirect (t, status))
        return;
      break;
    case SOUP_STATUS_NOT_MODIFIED:
      /* Unchanged since the validators we sent: nothing to apply. */
      prov_fetch_set_not_modified (t->fetch, TRUE);
      transfer_return_done (t);
      return;
    default:
      if (SOUP_STATUS_IS_SUCCESSFUL (status))
        {
          t->stream = g_steal_pointer (&stream);
          receive_body (t);
          return;
        }
      break;
    }
  transfer_return_error (t, prov_http_error_for_status (status));
}

static void
add_validators (Transfer *t, SoupMessageHeaders *headers)
{
  g_autofree char *url = uri_for_log (t->uri);
  g_autofree char *etag = NULL;
  g_autofree char *last_modified = NULL;

  prov_http_cache_lookup (t->cache, prov_fetch_get_cache_dir (t->fetch), url, &etag,
                          &last_modified);
  if (etag != NULL)
    soup_message_headers_replace (headers, "If-None-Match", etag);
  if (last_modified != NULL)
    soup_message_headers_replace (headers, "If-Modified-Since", last_modified);
}

/* The URL as sent: user information and fragment never go on the wire. */
static GUri *
request_uri (GUri *uri)
{
  return g_uri_build (g_uri_get_flags (uri), g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                      g_uri_get_port (uri), g_uri_get_path (uri), g_uri_get_query (uri), NULL);
}

static void
send_request (Transfer *t)
{
  g_autoptr(GUri) uri = request_uri (t->uri);
  g_autofree char *shown = uri_for_log (t->uri);
  const char *user_agent = prov_fetch_get_user_agent (t->fetch);
  SoupMessageHeaders *headers;
  g_autoptr(GError) error = NULL;

  if (!t->tls_ready && g_strcmp0 (g_uri_get_scheme (t->uri), "https") == 0)
    {
      if (!prov_http_session_setup_tls (t->session, t->fetch, &t->client_cert, &error))
        {
          transfer_return_error (t, g_steal_pointer (&error));
          return;
        }
      t->tls_ready = TRUE;
    }

  if (t->msg != NULL)
    g_signal_handlers_disconnect_by_data (t->msg, t);
  g_clear_object (&t->msg);
  t->msg = soup_message_new_from_uri (t->post ? SOUP_METHOD_POST : SOUP_METHOD_GET, uri);
  soup_message_set_flags (t->msg, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (t->msg);
  soup_message_headers_replace (headers, "User-Agent",
                                user_agent != NULL ? user_agent : DEFAULT_USER_AGENT);
  if (t->post)
    {
      g_autofree char *type = prov_fetch_get_setting (t->fetch, PROV_HTTP_SETTINGS_GROUP,
                                                      "PostContentType");

      soup_message_set_request_body_from_bytes (t->msg, type != NULL ? type : DEFAULT_POST_TYPE,
                                                prov_fetch_get_body (t->fetch));
    }
  else
    add_validators (t, headers);
  if (t->client_cert != NULL)
    soup_message_set_tls_client_certificate (t->msg, t->client_cert);
  g_signal_connect (t->msg, "authenticate", G_CALLBACK (on_authenticate), t);
  g_signal_connect (t->msg, "accept-certificate", G_CALLBACK (on_accept_certificate), t);
  g_signal_connect (t->msg, "network-event", G_CALLBACK (on_network_event), t);
  g_signal_connect (t->msg, "wrote-headers", G_CALLBACK (on_wrote_headers), t);

  g_debug ("fetch %u: %s %s", prov_fetch_get_id (t->fetch), t->post ? "POST" : "GET", shown);
  g_clear_handle_id (&t->connect_timeout_id, g_source_remove);
  if (t->connect_timeout > 0)
    t->connect_timeout_id = g_timeout_add (t->connect_timeout * 1000, on_connect_timeout, t);
  soup_session_send_async (t->session, t->msg, G_PRIORITY_DEFAULT, t->cancellable, on_sent, t);
}

void
prov_http_transfer_start (GTask *task, ProvHttpCache *cache, ProvFetch *fetch)
{
  Transfer *t = g_new0 (Transfer, 1);
  const char *scheme = prov_fetch_get_scheme (fetch);
  guint timeout = prov_fetch_get_timeout (fetch);

  t->task = task;
  t->fetch = g_object_ref (fetch);
  t->cache = g_object_ref (cache);
  t->uri = g_uri_ref (prov_fetch_get_uri (fetch));
  t->origin = g_uri_ref (t->uri);
  t->post = prov_fetch_get_body (fetch) != NULL;
  t->cancellable = g_cancellable_new ();
  if (g_task_get_cancellable (task) != NULL)
    t->caller_cancellable = g_object_ref (g_task_get_cancellable (task));
  g_task_set_task_data (task, t, (GDestroyNotify) transfer_free);
  g_task_set_check_cancellable (task, FALSE);

  if (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
    {
      transfer_return_error (t, g_error_new (PROV_ERROR, PROV_ERROR_NOT_SUPPORTED,
                                             "scheme %s not supported", scheme));
      return;
    }
  if (g_uri_get_host (t->uri) == NULL || g_uri_get_host (t->uri)[0] == '\0')
    {
      transfer_fail_literal (t, "no server");
      return;
    }
  /* Restricted_Access_Domains: refused before any packet is sent. */
  if (!prov_fetch_host_allowed (fetch, g_uri_get_host (t->uri)))
    {
      transfer_fail_literal (t, "restricted host");
      return;
    }
  t->session = prov_http_session_new (fetch);
  t->connect_timeout = prov_http_setting_seconds (fetch, "ConnectTimeout", DEFAULT_CONNECT_TIMEOUT);
  if (t->caller_cancellable != NULL)
    t->caller_cancel_id = g_cancellable_connect (t->caller_cancellable,
                                                 G_CALLBACK (on_caller_cancelled), t, NULL);
  if (timeout > 0)
    t->overall_timeout_id = g_timeout_add (timeout * 1000, on_overall_timeout, t);
  send_request (t);
}
