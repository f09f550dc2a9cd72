/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "prov-clock.h"
#include "prov-context.h"
#include "prov-scheduler.h"

typedef struct
{
  GMainLoop     *loop;
  ProvContext   *context;
  ProvScheduler *scheduler;
  gboolean       stopping;
} Daemon;

static void
on_resync_finished (ProvEngine *engine, int outcome, const char *url, const char *error,
                    GStrv changed, gpointer user_data)
{
  Daemon *daemon = user_data;

  if (error != NULL)
    g_message ("resync failed: %s", error);
  else
    g_message ("resync succeeded: %u parameters changed", changed ? g_strv_length (changed) : 0);
  /* A stop that waited for a running resync can finish now. */
  if (daemon->stopping)
    g_main_loop_quit (daemon->loop);
}

static gboolean
on_stop_signal (gpointer user_data)
{
  Daemon *daemon = user_data;

  g_message ("stopping");
  daemon->stopping = TRUE;
  prov_scheduler_stop (daemon->scheduler);
  if (!prov_engine_is_busy (prov_context_get_engine (daemon->context)))
    g_main_loop_quit (daemon->loop);
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ProvClock) clock = NULL;
  g_autofree char *state_dir = NULL;
  g_autofree char *device_path = NULL;
  g_autofree char *plugin_path = NULL;
  gboolean version = FALSE;
  Daemon daemon = { 0 };
  GOptionEntry entries[] = {
    { "state-dir", 's', 0, G_OPTION_ARG_FILENAME, &state_dir,
      N_("State directory (default: " PROV_STATEDIR ")"), N_("DIR") },
    { "device", 'd', 0, G_OPTION_ARG_FILENAME, &device_path,
      N_("Device file (default: device.conf in the state directory)"), N_("FILE") },
    { "plugin-dir", 0, 0, G_OPTION_ARG_STRING, &plugin_path,
      N_("Load plugins from these directories (':'-separated)"), N_("PATH") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  options = g_option_context_new (NULL);
  g_option_context_add_main_entries (options, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("provisiond: %s\n", error->message);
      return 2;
    }
  if (version)
    {
      g_print ("provisiond %s\n", PACKAGE_VERSION);
      return 0;
    }
  daemon.context = prov_context_new (state_dir != NULL ? state_dir : PROV_STATEDIR, device_path,
                                     plugin_path, &error);
  if (daemon.context == NULL)
    {
      g_printerr ("provisiond: %s\n", error->message);
      return 1;
    }
  daemon.loop = g_main_loop_new (NULL, FALSE);
  clock = prov_clock_new_real ();
  daemon.scheduler = prov_scheduler_new (prov_context_get_engine (daemon.context), clock,
                                         g_random_int ());
  g_signal_connect (prov_context_get_engine (daemon.context), "resync-finished",
                    G_CALLBACK (on_resync_finished), &daemon);
  g_unix_signal_add (SIGTERM, on_stop_signal, &daemon);
  g_unix_signal_add (SIGINT, on_stop_signal, &daemon);

  prov_scheduler_start (daemon.scheduler);
  g_message ("provisiond %s running on %s", PACKAGE_VERSION,
             prov_context_get_state_dir (daemon.context));
  g_main_loop_run (daemon.loop);

  g_clear_object (&daemon.scheduler);
  g_clear_object (&daemon.context);
  g_main_loop_unref (daemon.loop);
  return 0;
}
