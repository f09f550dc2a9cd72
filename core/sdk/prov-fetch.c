/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-error.h"
#include "prov-fetch.h"

struct _ProvFetch
{
  GObject     parent_instance;

  guint       id;
  char       *url;
  GUri       *uri;
  char       *path;
  guint       default_port;
  GBytes     *body;
  char       *username;
  char       *password;
  char       *auth_type;
  char       *user_agent;
  guint64     max_size;
  guint       timeout;
  ProvDevice *device;
  char       *state_dir;
  char       *cache_dir;
  GStrv       allowed_hosts;

  char       *server_ip;
  gboolean    not_modified;
  char       *content_encoding;
  GOutputStream *sink;
  guint64     delivered;
};

G_DEFINE_TYPE (ProvFetch, prov_fetch, G_TYPE_OBJECT)

enum
{
  SIGNAL_PROGRESS,
  SIGNAL_COMMITTED,
  SIGNAL_SERVER_IP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
prov_fetch_finalize (GObject *object)
{
  ProvFetch *self = PROV_FETCH (object);

  g_free (self->url);
  g_clear_pointer (&self->uri, g_uri_unref);
  g_free (self->path);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_free (self->username);
  if (self->password != NULL)
    explicit_bzero (self->password, strlen (self->password));
  g_free (self->password);
  g_free (self->auth_type);
  g_free (self->user_agent);
  g_clear_object (&self->device);
  g_free (self->state_dir);
  g_free (self->cache_dir);
  g_strfreev (self->allowed_hosts);
  g_free (self->server_ip);
  g_free (self->content_encoding);
  g_clear_object (&self->sink);
  G_OBJECT_CLASS (prov_fetch_parent_class)->finalize (object);
}

static void
prov_fetch_class_init (ProvFetchClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = prov_fetch_finalize;

  /**
   * ProvFetch::progress:
   * @self: the fetch
   * @received: bytes received so far
   * @total: the size announced, or 0 when unknown
   *
   * The transport reports progress: prov_fetch_report_progress().
   *
   * Since: 1.0
   */
  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);
  /**
   * ProvFetch::committed:
   * @self: the fetch
   *
   * The resync that fetched this payload has been applied:
   * prov_fetch_commit().
   *
   * Since: 1.0
   */
  signals[SIGNAL_COMMITTED] = g_signal_new ("committed", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 0);
  /**
   * ProvFetch::server-ip:
   * @self: the fetch
   * @ip: the peer's address
   *
   * The address the transport talks to changed: prov_fetch_set_server_ip().
   *
   * Since: 1.0
   */
  signals[SIGNAL_SERVER_IP] = g_signal_new ("server-ip", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
prov_fetch_init (ProvFetch *self)
{
  static guint next_id = 0;

  self->id = g_atomic_int_add (&next_id, 1) + 1;
  self->max_size = 16 * 1024 * 1024;
  self->timeout = 30;
}

ProvFetch *
prov_fetch_new (const char *url, GError **error)
{
  g_autoptr(ProvFetch) self = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *query;

  g_return_val_if_fail (url != NULL, NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_NON_DNS | G_URI_FLAGS_SCHEME_NORMALIZE,
                     error);
  if (uri == NULL)
    {
      g_prefix_error (error, "invalid URL: ");
      prov_error_convert (error);
      if (error != NULL)
        (*error)->code = PROV_ERROR_INVALID_RULE;
      return NULL;
    }
  self = g_object_new (PROV_TYPE_FETCH, NULL);
  self->url = g_strdup (url);
  self->uri = g_steal_pointer (&uri);
  query = g_uri_get_query (self->uri);
  self->path = query != NULL ? g_strdup_printf ("%s?%s", g_uri_get_path (self->uri), query)
                             : g_strdup (g_uri_get_path (self->uri));
  return g_steal_pointer (&self);
}

guint
prov_fetch_get_id (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), 0);
  return self->id;
}

const char *
prov_fetch_get_url (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), NULL);
  return self->url;
}

GUri *
prov_fetch_get_uri (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), NULL);
  return self->uri;
}

const char *
prov_fetch_get_scheme (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), NULL);
  return g_uri_get_scheme (self->uri);
}

const char *
prov_fetch_get_host (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), NULL);
  return g_uri_get_host (self->uri);
}

guint
prov_fetch_get_port (ProvFetch *self)
{
  int port;

  g_return_val_if_fail (PROV_IS_FETCH (self), 0);
  port = g_uri_get_port (self->uri);
  return port > 0 ? (guint) port : self->default_port;
}

void
prov_fetch_set_default_port (ProvFetch *self, guint port)
{
  g_return_if_fail (PROV_IS_FETCH (self));
  self->default_port = port;
}

const char *
prov_fetch_get_path (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), NULL);
  return self->path;
}

GBytes *
prov_fetch_get_body (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), NULL);
  return self->body;
}

void
prov_fetch_set_body (ProvFetch *self, GBytes *body)
{
  g_return_if_fail (PROV_IS_FETCH (self));
  g_clear_pointer (&self->body, g_bytes_unref);
  self->body = body != NULL ? g_bytes_ref (body) : NULL;
}

const char *
prov_fetch_get_username (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), NULL);
  return self->username;
}

const char *
prov_fetch_get_password (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), NULL);
  return self->password;
}

void
prov_fetch_set_credentials (ProvFetch *self, const char *username, const char *password)
{
  g_return_if_fail (PROV_IS_FETCH (self));
  g_free (self->username);
  g_free (self->password);
  self->username = g_strdup (username);
  self->password = g_strdup (password);
}

const char *
prov_fetch_get_auth_type (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), NULL);
  return self->auth_type;
}

void
prov_fetch_set_auth_type (ProvFetch *self, const char *auth_type)
{
  g_return_if_fail (PROV_IS_FETCH (self));
  g_free (self->auth_type);
  self->auth_type = g_strdup (auth_type);
}

const char *
prov_fetch_get_user_agent (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), NULL);
  return self->user_agent;
}

void
prov_fetch_set_user_agent (ProvFetch *self, const char *user_agent)
{
  g_return_if_fail (PROV_IS_FETCH (self));
  g_free (self->user_agent);
  self->user_agent = g_strdup (user_agent);
}

guint64
prov_fetch_get_max_size (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), 0);
  return self->max_size;
}

void
prov_fetch_set_max_size (ProvFetch *self, guint64 max_size)
{
  g_return_if_fail (PROV_IS_FETCH (self));
  self->max_size = max_size;
}

guint
prov_fetch_get_timeout (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), 0);
  return self->timeout;
}

void
prov_fetch_set_timeout (ProvFetch *self, guint seconds)
{
  g_return_if_fail (PROV_IS_FETCH (self));
  self->timeout = seconds;
}

ProvDevice *
prov_fetch_get_device (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), NULL);
  return self->device;
}

void
prov_fetch_set_device (ProvFetch *self, ProvDevice *device)
{
  g_return_if_fail (PROV_IS_FETCH (self));
  g_set_object (&self->device, device);
}

const char *
prov_fetch_get_state_dir (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), NULL);
  return self->state_dir;
}

void
prov_fetch_set_state_dir (ProvFetch *self, const char *state_dir)
{
  g_return_if_fail (PROV_IS_FETCH (self));
  g_free (self->state_dir);
  self->state_dir = g_strdup (state_dir);
}

const char *
prov_fetch_get_cache_dir (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), NULL);
  return self->cache_dir != NULL ? self->cache_dir : self->state_dir;
}

void
prov_fetch_set_cache_dir (ProvFetch *self, const char *cache_dir)
{
  g_return_if_fail (PROV_IS_FETCH (self));
  g_free (self->cache_dir);
  self->cache_dir = g_strdup (cache_dir);
}

void
prov_fetch_set_allowed_hosts (ProvFetch *self, const char *const *hosts)
{
  g_return_if_fail (PROV_IS_FETCH (self));
  g_strfreev (self->allowed_hosts);
  self->allowed_hosts = g_strdupv ((GStrv) hosts);
}

/* Restricted_Access_Domains: a host is allowed when it equals an entry or
 * ends with "." + entry, compared without case. */
gboolean
prov_fetch_host_allowed (ProvFetch *self, const char *host)
{
  gboolean any = FALSE;

  g_return_val_if_fail (PROV_IS_FETCH (self), FALSE);
  if (host == NULL)
    return TRUE;
  for (guint i = 0; self->allowed_hosts != NULL && self->allowed_hosts[i] != NULL; i++)
    {
      const char *domain = self->allowed_hosts[i];
      gsize hl = strlen (host), dl = strlen (domain);

      if (dl == 0)
        continue;
      any = TRUE;
      if (g_ascii_strcasecmp (host, domain) == 0)
        return TRUE;
      if (hl > dl && host[hl - dl - 1] == '.' && g_ascii_strcasecmp (host + hl - dl, domain) == 0)
        return TRUE;
    }
  return !any;
}

char *
prov_fetch_get_setting (ProvFetch *self, const char *group, const char *key)
{
  GKeyFile *kf;

  g_return_val_if_fail (PROV_IS_FETCH (self), NULL);
  if (self->device == NULL)
    return NULL;
  kf = prov_device_get_keyfile (self->device);
  return kf != NULL ? g_key_file_get_string (kf, group, key, NULL) : NULL;
}

void
prov_fetch_report_progress (ProvFetch *self, guint64 received, guint64 total)
{
  g_return_if_fail (PROV_IS_FETCH (self));
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, received, total);
}

const char *
prov_fetch_get_server_ip (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), NULL);
  return self->server_ip;
}

void
prov_fetch_set_server_ip (ProvFetch *self, const char *server_ip)
{
  g_return_if_fail (PROV_IS_FETCH (self));
  if (g_strcmp0 (self->server_ip, server_ip) == 0)
    return;
  g_free (self->server_ip);
  self->server_ip = g_strdup (server_ip);
  if (server_ip != NULL)
    g_signal_emit (self, signals[SIGNAL_SERVER_IP], 0, server_ip);
}

gboolean
prov_fetch_get_not_modified (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), FALSE);
  return self->not_modified;
}

void
prov_fetch_set_not_modified (ProvFetch *self, gboolean not_modified)
{
  g_return_if_fail (PROV_IS_FETCH (self));
  self->not_modified = not_modified;
}

void
prov_fetch_commit (ProvFetch *self)
{
  g_return_if_fail (PROV_IS_FETCH (self));
  g_signal_emit (self, signals[SIGNAL_COMMITTED], 0);
}

const char *
prov_fetch_get_content_encoding (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), NULL);
  return self->content_encoding;
}

void
prov_fetch_set_content_encoding (ProvFetch *self, const char *encoding)
{
  g_return_if_fail (PROV_IS_FETCH (self));
  g_free (self->content_encoding);
  self->content_encoding = g_strdup (encoding);
}

GOutputStream *
prov_fetch_get_sink (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), NULL);
  return self->sink;
}

void
prov_fetch_set_sink (ProvFetch *self, GOutputStream *sink)
{
  g_return_if_fail (PROV_IS_FETCH (self));
  g_set_object (&self->sink, sink);
  self->delivered = 0;
}

gboolean
prov_fetch_deliver (ProvFetch     *self,
                    const void    *data,
                    gsize          len,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (PROV_IS_FETCH (self), FALSE);
  g_return_val_if_fail (self->sink != NULL, FALSE);

  if (self->max_size != 0 && len > self->max_size - MIN (self->delivered, self->max_size))
    {
      g_debug ("[%u] body over %" G_GUINT64_FORMAT " bytes", self->id, self->max_size);
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_TRANSPORT, "too large");
      return FALSE;
    }
  if (len > 0 && !g_output_stream_write_all (self->sink, data, len, NULL, cancellable,
                                             &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_set_error_literal (error, PROV_ERROR, PROV_ERROR_CANCELLED, "cancelled");
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
        g_set_error_literal (error, PROV_ERROR, PROV_ERROR_FAILED, "not enough space");
      else
        {
          prov_error_convert (&local_error);
          g_propagate_error (error, g_steal_pointer (&local_error));
        }
      return FALSE;
    }
  self->delivered += len;
  return TRUE;
}

guint64
prov_fetch_get_delivered (ProvFetch *self)
{
  g_return_val_if_fail (PROV_IS_FETCH (self), 0);
  return self->delivered;
}
