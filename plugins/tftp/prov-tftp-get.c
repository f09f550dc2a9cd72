/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* prov-tftp-get: fetches one URL through the TFTP plugin module, loaded the
 * way the daemon loads it. For the benchmark and for trying a server. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "prov-error.h"
#include "prov-fetch.h"
#include "prov-plugin.h"
#include "prov-transport.h"

typedef struct
{
  GMainLoop *loop;
  GBytes    *payload;
  GError    *error;
} Result;

static void
on_fetched (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Result *result = user_data;

  result->payload = prov_transport_fetch_finish (PROV_TRANSPORT (source), res, &result->error);
  g_main_loop_quit (result->loop);
}

static ProvPlugin *
load_plugin (const char *path, GError **error)
{
  GModule *module;
  const int *major = NULL, *minor = NULL;
  ProvPluginCreateFunc create = NULL;

  module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_PLUGIN, "%s", g_module_error ());
      return NULL;
    }
  if (!g_module_symbol (module, "prov_plugin_abi_major", (gpointer *) &major)
      || !g_module_symbol (module, "prov_plugin_abi_minor", (gpointer *) &minor)
      || !g_module_symbol (module, PROV_PLUGIN_ENTRY_POINT, (gpointer *) &create)
      || *major != PROV_PLUGIN_ABI_MAJOR || *minor > PROV_PLUGIN_ABI_MINOR)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_PLUGIN, "%s: not a compatible plugin", path);
      g_module_close (module);
      return NULL;
    }
  /* Its types stay registered: never unload. */
  g_module_make_resident (module);
  return create ();
}

int
main (int argc, char **argv)
{
  g_autofree char *plugin_path = NULL;
  g_autofree char *output = NULL;
  g_autofree char *timeout = NULL;
  int blksize = 0, windowsize = 0, retries = -1, transfer_timeout = -1;
  gint64 max_size = -1;
  gboolean no_tsize = FALSE, no_options = FALSE, quiet = FALSE;
  GOptionEntry entries[] = {
    { "plugin", 'p', 0, G_OPTION_ARG_FILENAME, &plugin_path, "Plugin module", "PATH" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the file here (default: stdout)",
      "FILE" },
    { "blksize", 'b', 0, G_OPTION_ARG_INT, &blksize, "[tftp] BlockSize", "N" },
    { "windowsize", 'w', 0, G_OPTION_ARG_INT, &windowsize, "[tftp] WindowSize", "N" },
    { "timeout", 't', 0, G_OPTION_ARG_STRING, &timeout, "[tftp] Timeout", "SECONDS" },
    { "retries", 'r', 0, G_OPTION_ARG_INT, &retries, "[tftp] Retries", "N" },
    { "no-tsize", 0, 0, G_OPTION_ARG_NONE, &no_tsize, "[tftp] TSize=false", NULL },
    { "no-options", 0, 0, G_OPTION_ARG_NONE, &no_options, "[tftp] Options=false", NULL },
    { "max-size", 'm', 0, G_OPTION_ARG_INT64, &max_size, "Size cap in bytes (0 = none)", "BYTES" },
    { "transfer-timeout", 'T', 0, G_OPTION_ARG_INT, &transfer_timeout,
      "Whole-transfer bound (0 = none)", "SECONDS" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No summary on stderr", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("URL");
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) device_data = g_string_new ("[Device]\n[tftp]\n");
  g_autoptr(ProvDevice) device = NULL;
  g_autoptr(ProvFetch) fetch = NULL;
  g_autoptr(ProvPlugin) plugin = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Result result = { loop, NULL, NULL };
  gint64 start;
  double seconds;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, "Fetches one tftp:// URL through the TFTP plugin.");
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "one URL expected; see --help");
      return 2;
    }

  if (blksize > 0)
    g_string_append_printf (device_data, "BlockSize=%d\n", blksize);
  if (windowsize > 0)
    g_string_append_printf (device_data, "WindowSize=%d\n", windowsize);
  if (timeout != NULL)
    g_string_append_printf (device_data, "Timeout=%s\n", timeout);
  if (retries >= 0)
    g_string_append_printf (device_data, "Retries=%d\n", retries);
  if (no_tsize)
    g_string_append (device_data, "TSize=false\n");
  if (no_options)
    g_string_append (device_data, "Options=false\n");

  plugin = load_plugin (plugin_path != NULL ? plugin_path : PROV_TFTP_PLUGIN_PATH, &error);
  if (plugin == NULL || !PROV_IS_TRANSPORT (plugin))
    {
      g_printerr ("prov-tftp-get: %s\n", error != NULL ? error->message : "not a transport");
      return 2;
    }
  device = prov_device_new_from_data (device_data->str, &error);
  if (device != NULL)
    fetch = prov_fetch_new (argv[1], &error);
  if (fetch == NULL)
    {
      g_printerr ("prov-tftp-get: %s\n", error->message);
      return 2;
    }
  prov_fetch_set_device (fetch, device);
  prov_fetch_set_default_port (fetch, prov_plugin_get_default_port (plugin, "tftp"));
  if (max_size >= 0)
    prov_fetch_set_max_size (fetch, max_size);
  if (transfer_timeout >= 0)
    prov_fetch_set_timeout (fetch, transfer_timeout);

  start = g_get_monotonic_time ();
  prov_transport_fetch_async (PROV_TRANSPORT (plugin), fetch, NULL, on_fetched, &result);
  g_main_loop_run (loop);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  if (result.error != NULL)
    {
      g_printerr ("prov-tftp-get: %s\n", result.error->message);
      g_error_free (result.error);
      return 1;
    }
  if (output != NULL)
    {
      gsize size;
      const char *data = g_bytes_get_data (result.payload, &size);

      if (!g_file_set_contents (output, data != NULL ? data : "", size, &error))
        {
          g_printerr ("prov-tftp-get: %s\n", error->message);
          g_bytes_unref (result.payload);
          return 1;
        }
    }
  else
    fwrite (g_bytes_get_data (result.payload, NULL), 1, g_bytes_get_size (result.payload), stdout);
  if (!quiet)
    g_printerr ("%" G_GSIZE_FORMAT " bytes from %s in %.3f s\n", g_bytes_get_size (result.payload),
                prov_fetch_get_server_ip (fetch), seconds);
  g_bytes_unref (result.payload);
  return 0;
}
