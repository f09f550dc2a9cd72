/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <provision.h>

/* file:///absolute/path, for factory defaults and tests. It serves only
 * files under its roots: [file] Roots= in the device file (';'-separated),
 * by default the state directory's profiles/ folder. The real path of the
 * target must lie under the real path of a root, so `..` and symbolic links
 * out of a root are refused. */

#define READ_CHUNK (256 * 1024)

#define PROV_TYPE_FILE_PLUGIN (prov_file_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ProvFilePlugin, prov_file_plugin, PROV, FILE_PLUGIN, ProvPlugin)

struct _ProvFilePlugin
{
  ProvPlugin parent_instance;
};

static void prov_file_plugin_transport_init (ProvTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ProvFilePlugin, prov_file_plugin, PROV_TYPE_PLUGIN,
                               G_IMPLEMENT_INTERFACE (PROV_TYPE_TRANSPORT,
                                                      prov_file_plugin_transport_init))

static GStrv
get_roots (ProvFetch *fetch)
{
  g_autofree char *setting = prov_fetch_get_setting (fetch, "file", "Roots");
  const char *state_dir = prov_fetch_get_state_dir (fetch);

  if (setting != NULL && setting[0] != '\0')
    return g_strsplit (setting, ";", -1);
  if (state_dir != NULL)
    {
      GStrv roots = g_new0 (char *, 2);
      roots[0] = g_build_filename (state_dir, "profiles", NULL);
      return roots;
    }
  return g_new0 (char *, 1);
}

static gboolean
path_under (const char *path, const char *root)
{
  gsize n = strlen (root);

  if (n > 1 && root[n - 1] == '/')
    n--;
  return strncmp (path, root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* The $ERR text for what is there instead of a file (data/syslog.md). */
static const char *
not_regular_text (mode_t mode)
{
  if (S_ISDIR (mode))
    return "file: not a regular file (a directory)";
  if (S_ISFIFO (mode))
    return "file: not a regular file (a FIFO)";
  if (S_ISSOCK (mode))
    return "file: not a regular file (a socket)";
  if (S_ISCHR (mode) || S_ISBLK (mode))
    return "file: not a regular file (a device)";
  return "file: not a regular file";
}

/* Hands the file to the fetch's sink in bounded pieces, as it is read:
 * a firmware image never sits in memory whole, and a cancel is seen
 * between two pieces. */
static gboolean
stream_file (const char *path, ProvFetch *fetch, GCancellable *cancellable, GError **error)
{
  g_autofree char *buf = NULL;
  struct stat st;
  int fd;

  /* O_NONBLOCK: opening a FIFO must not wait for a writer, which may never
   * come. It changes nothing for the regular files read below. */
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    {
      int saved = errno;

      /* A socket cannot be opened at all (ENXIO): say what it is. */
      if (saved != ENOENT && stat (path, &st) == 0 && !S_ISREG (st.st_mode))
        {
          g_set_error_literal (error, PROV_ERROR, PROV_ERROR_TRANSPORT,
                               not_regular_text (st.st_mode));
          return FALSE;
        }
      g_set_error (error, PROV_ERROR,
                   saved == ENOENT ? PROV_ERROR_FILE_NOT_FOUND : PROV_ERROR_TRANSPORT, "%s",
                   saved == ENOENT ? "file not found" : g_strerror (saved));
      return FALSE;
    }
  if (fstat (fd, &st) != 0)
    st.st_mode = 0;
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_TRANSPORT, not_regular_text (st.st_mode));
      return FALSE;
    }
  /* Refused before reading; prov_fetch_deliver() also stops a file that
   * grows while it is read. */
  if (prov_fetch_get_max_size (fetch) != 0 && (guint64) st.st_size > prov_fetch_get_max_size (fetch))
    {
      close (fd);
      g_set_error (error, PROV_ERROR, PROV_ERROR_TRANSPORT, "too large");
      return FALSE;
    }
  buf = g_malloc (READ_CHUNK);
  for (;;)
    {
      ssize_t n = read (fd, buf, READ_CHUNK);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          g_set_error_literal (error, PROV_ERROR, PROV_ERROR_TRANSPORT, g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break;
      if (g_cancellable_is_cancelled (cancellable))
        {
          close (fd);
          g_set_error_literal (error, PROV_ERROR, PROV_ERROR_CANCELLED, "cancelled");
          return FALSE;
        }
      if (!prov_fetch_deliver (fetch, buf, (gsize) n, cancellable, error))
        {
          close (fd);
          return FALSE;
        }
    }
  close (fd);
  return TRUE;
}

static void
fetch_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ProvFetch *fetch = task_data;
  g_auto(GStrv) roots = get_roots (fetch);
  g_autofree char *path = g_uri_unescape_string (g_uri_get_path (prov_fetch_get_uri (fetch)), NULL);
  g_autofree char *real = NULL;
  const char *host = prov_fetch_get_host (fetch);
  GError *error = NULL;
  gboolean allowed = FALSE;

  if (host != NULL && host[0] != '\0' && g_strcmp0 (host, "localhost") != 0)
    {
      g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_TRANSPORT, "file: remote host");
      return;
    }
  if (path == NULL || !g_path_is_absolute (path))
    {
      g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_TRANSPORT, "file: bad path");
      return;
    }
  real = realpath (path, NULL);
  if (real == NULL)
    {
      /* Say "not found" only for a path that would have been allowed. */
      for (guint i = 0; roots[i] != NULL && !allowed; i++)
        allowed = path_under (path, roots[i]) && strstr (path, "/../") == NULL;
      if (allowed && errno == ENOENT)
        g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_FILE_NOT_FOUND, "file not found");
      else
        g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_TRANSPORT,
                                 "file: outside the allowed roots");
      return;
    }
  for (guint i = 0; roots[i] != NULL && !allowed; i++)
    {
      g_autofree char *real_root = realpath (roots[i], NULL);
      allowed = real_root != NULL && path_under (real, real_root);
    }
  if (!allowed)
    {
      g_debug ("[%u] %s resolves to %s, outside the roots", prov_fetch_get_id (fetch), path, real);
      g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_TRANSPORT,
                               "file: outside the allowed roots");
      return;
    }
  if (!stream_file (real, fetch, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
prov_file_plugin_stream_async (ProvTransport       *transport,
                              ProvFetch           *fetch,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (transport, cancellable, callback, user_data);

  g_task_set_source_tag (task, prov_file_plugin_stream_async);
  g_task_set_task_data (task, g_object_ref (fetch), g_object_unref);
  prov_fetch_set_server_ip (fetch, "127.0.0.1");
  /* Not even started: GTask would run the worker all the same (and GLib
   * 2.74 leaks its cancel error when the worker then returns). */
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_CANCELLED, "cancelled");
      return;
    }
  /* No return on cancel: the worker writes into the caller's sink, so
   * the fetch ends only once the worker stops, between two pieces. A
   * cancel still wins over a worker that finished meanwhile (GTask's
   * check of the cancellable). */
  g_task_run_in_thread (task, fetch_in_thread);
}

static gboolean
prov_file_plugin_stream_finish (ProvTransport *transport, GAsyncResult *result, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  ProvFetch *fetch = g_task_get_task_data (G_TASK (result));

  /* GTask reports its own cancel in GIO's domain: ours is PROV_ERROR. */
  if (!g_task_propagate_boolean (G_TASK (result), &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_set_error_literal (error, PROV_ERROR, PROV_ERROR_CANCELLED, "cancelled");
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* Progress is reported here, in the caller's thread, not the worker's. */
  prov_fetch_report_progress (fetch, prov_fetch_get_delivered (fetch),
                              prov_fetch_get_delivered (fetch));
  return TRUE;
}

static void
prov_file_plugin_transport_init (ProvTransportInterface *iface)
{
  iface->stream_async = prov_file_plugin_stream_async;
  iface->stream_finish = prov_file_plugin_stream_finish;
}

static void
prov_file_plugin_class_init (ProvFilePluginClass *klass)
{
}

static void
prov_file_plugin_init (ProvFilePlugin *self)
{
}

PROV_PLUGIN_DEFINE_ABI ();

G_MODULE_EXPORT ProvPlugin *
prov_plugin_create (void)
{
  const char *schemes[] = { "file", NULL };

  return g_object_new (PROV_TYPE_FILE_PLUGIN,
                       "name", "file",
                       "description", "Local files under configured roots",
                       "schemes", schemes,
                       NULL);
}
