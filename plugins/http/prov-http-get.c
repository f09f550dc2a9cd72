/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

#include <gio/gunixoutputstream.h>
#include <glib/gstdio.h>

#include "prov-error.h"
#include "prov-http-plugin.h"
#include "prov-transport.h"

/* prov-http-get: fetches one URL through the http plugin, as the engine
 * would; for benchmarks and for trying a server by hand. The password comes
 * from $PROV_HTTP_PASSWORD so that it never shows in a process list. */

typedef struct
{
  char    *device_file;
  char    *ca_file;
  char    *user_agent;
  char    *user;
  char    *auth_type;
  char    *post_file;
  char    *state_dir;
  gint64   max_size;
  int      timeout;
} Options;

static void
options_clear (Options *options)
{
  g_free (options->device_file);
  g_free (options->ca_file);
  g_free (options->user_agent);
  g_free (options->user);
  g_free (options->auth_type);
  g_free (options->post_file);
  g_free (options->state_dir);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

typedef struct
{
  GMainLoop *loop;
  gboolean   ok;
  GError    *error;
} Result;

static void
on_fetched (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Result *result = user_data;

  result->ok = prov_transport_stream_finish (PROV_TRANSPORT (source), res, &result->error);
  g_main_loop_quit (result->loop);
}

static ProvFetch *
fetch_new (const char *url, const Options *options, GError **error)
{
  g_autoptr(ProvFetch) fetch = prov_fetch_new (url, error);
  g_autoptr(ProvDevice) device = NULL;

  if (fetch == NULL)
    return NULL;
  device = options->device_file != NULL ? prov_device_new_from_file (options->device_file, error)
                                        : prov_device_new ();
  if (device == NULL)
    return NULL;
  if (options->ca_file != NULL)
    g_key_file_set_string (prov_device_get_keyfile (device), "http", "CAFile", options->ca_file);
  prov_fetch_set_device (fetch, device);
  prov_fetch_set_user_agent (fetch, options->user_agent);
  prov_fetch_set_auth_type (fetch, options->auth_type);
  prov_fetch_set_state_dir (fetch, options->state_dir);
  if (options->user != NULL)
    prov_fetch_set_credentials (fetch, options->user, g_getenv ("PROV_HTTP_PASSWORD"));
  if (options->max_size >= 0)
    prov_fetch_set_max_size (fetch, (guint64) options->max_size);
  if (options->timeout >= 0)
    prov_fetch_set_timeout (fetch, (guint) options->timeout);
  if (options->post_file != NULL)
    {
      g_autoptr(GMappedFile) body = g_mapped_file_new (options->post_file, FALSE, error);

      if (body == NULL)
        return NULL;
      prov_fetch_set_body (fetch, g_mapped_file_get_bytes (body));
    }
  return g_steal_pointer (&fetch);
}

/* The body goes to @sink as it arrives, as the engine's does. */
static gboolean
fetch_run (ProvPlugin *plugin, ProvFetch *fetch, GOutputStream *sink, GError **error)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Result result = { loop, FALSE, NULL };

  prov_fetch_set_sink (fetch, sink);
  prov_transport_stream_async (PROV_TRANSPORT (plugin), fetch, NULL, on_fetched, &result);
  g_main_loop_run (loop);
  if (result.error != NULL)
    g_propagate_error (error, result.error);
  return result.ok;
}

/* @path, or stdout for NULL or "-". */
static GOutputStream *
open_output (const char *path, GError **error)
{
  int fd;

  if (path == NULL || g_strcmp0 (path, "-") == 0)
    return g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      return NULL;
    }
  return g_unix_output_stream_new (fd, TRUE);
}

int
main (int argc, char **argv)
{
  g_auto(Options) options = { .max_size = -1, .timeout = -1 };
  g_autofree char *output = NULL;
  int repeat = 1;
  gboolean verbose = FALSE;
  g_auto(GStrv) urls = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the payload to FILE", "FILE" },
    { "device", 'd', 0, G_OPTION_ARG_FILENAME, &options.device_file, "Device file", "FILE" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &options.ca_file,
      "Also trust this CA (PEM file or directory)", "PATH" },
    { "user-agent", 'A', 0, G_OPTION_ARG_STRING, &options.user_agent, "User-Agent", "TEXT" },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &options.user,
      "User name ($PROV_HTTP_PASSWORD holds the password)", "NAME" },
    { "auth-type", 0, 0, G_OPTION_ARG_STRING, &options.auth_type, "basic, digest or disabled",
      "TYPE" },
    { "post-file", 0, 0, G_OPTION_ARG_FILENAME, &options.post_file, "POST this file", "FILE" },
    { "max-size", 0, 0, G_OPTION_ARG_INT64, &options.max_size, "Size cap (0: none)", "BYTES" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &options.timeout, "Whole-transfer bound", "SECONDS" },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &options.state_dir, "Keep validators in DIR",
      "DIR" },
    { "repeat", 0, 0, G_OPTION_ARG_INT, &repeat, "Fetch N times in one process", "N" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Report on stderr", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &urls, NULL, "URL" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("URL");
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || urls == NULL
      || g_strv_length (urls) != 1 || repeat < 1)
    {
      g_printerr ("prov-http-get: %s\n", error != NULL ? error->message : "one URL expected");
      return 2;
    }

  for (int i = 0; i < repeat && status == 0; i++)
    {
      /* A plugin each time: its validators in memory would turn every
       * repeat into a 304. */
      g_autoptr(ProvPlugin) plugin = prov_http_plugin_new ();
      g_autoptr(ProvFetch) fetch = fetch_new (urls[0], &options, &error);
      g_autoptr(GOutputStream) sink = NULL;

      if (fetch == NULL || (sink = open_output (output, &error)) == NULL)
        {
          g_printerr ("prov-http-get: %s\n", error->message);
          return 2;
        }
      if (!fetch_run (plugin, fetch, sink, &error))
        {
          /* No partial file; the `$ERR` text, as the engine would log it. */
          if (output != NULL && g_strcmp0 (output, "-") != 0)
            g_unlink (output);
          g_printerr ("prov-http-get: %s\n", error->message);
          return 1;
        }
      if (verbose)
        g_printerr ("server %s, %" G_GUINT64_FORMAT " bytes%s%s%s\n",
                    prov_fetch_get_server_ip (fetch) ?: "?", prov_fetch_get_delivered (fetch),
                    prov_fetch_get_not_modified (fetch) ? ", not modified" : "",
                    prov_fetch_get_content_encoding (fetch) != NULL ? ", encoding " : "",
                    prov_fetch_get_content_encoding (fetch) ?: "");
      if (!g_output_stream_close (sink, NULL, &error))
        {
          g_printerr ("prov-http-get: %s\n", error->message);
          status = 1;
        }
    }
  return status;
}
