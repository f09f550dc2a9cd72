/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib-unix.h>
#include <stdio.h>

#include "cli-json.h"
#include "prov-cli.h"
#include "prov-error.h"

/* monitor: one line per daemon event until interrupted or --count events.
 * The lines name the D-Bus signals, for people and for grep alike. */

typedef struct
{
  GMainLoop *loop;
  gboolean   json;
  gint64     remaining; /* -1 = no limit */
} Monitor;

static void
event_done (Monitor *monitor)
{
  fflush (stdout);
  if (monitor->remaining > 0 && --monitor->remaining == 0)
    g_main_loop_quit (monitor->loop);
}

static char *
join (const char *const *names)
{
  return g_strjoinv (",", (char **) names);
}

static void
on_resync_started (ProvProvisiond1 *proxy, const char *cause, gpointer user_data)
{
  Monitor *monitor = user_data;
  g_autoptr(ProvJson) json = prov_json_new ();

  if (monitor->json)
    {
      prov_json_begin_object (json);
      prov_json_member (json, "event");
      prov_json_string (json, "ResyncStarted");
      prov_json_member (json, "cause");
      prov_json_string (json, cause);
      prov_json_end_object (json);
      prov_json_print (json);
    }
  else
    g_print ("ResyncStarted cause=%s\n", cause);
  event_done (monitor);
}

static void
on_resync_finished (ProvProvisiond1 *proxy, const char *outcome, const char *url,
                    const char *error, const char *const *changed, gpointer user_data)
{
  Monitor *monitor = user_data;
  g_autoptr(ProvJson) json = prov_json_new ();
  g_autofree char *names = join (changed);

  if (monitor->json)
    {
      prov_json_begin_object (json);
      prov_json_member (json, "event");
      prov_json_string (json, "ResyncFinished");
      prov_json_member (json, "outcome");
      prov_json_string (json, outcome);
      prov_json_member (json, "url");
      prov_json_string (json, url);
      prov_json_member (json, "error");
      prov_json_string (json, error[0] != '\0' ? error : NULL);
      prov_json_member (json, "changed");
      prov_json_strv (json, changed);
      prov_json_end_object (json);
      prov_json_print (json);
    }
  else if (error[0] != '\0')
    g_print ("ResyncFinished outcome=%s url=%s error=%s\n", outcome, url, error);
  else
    g_print ("ResyncFinished outcome=%s url=%s changed=%s\n", outcome, url, names);
  event_done (monitor);
}

static void
on_upgrade_started (ProvProvisiond1 *proxy, const char *cause, gpointer user_data)
{
  Monitor *monitor = user_data;
  g_autoptr(ProvJson) json = prov_json_new ();

  if (monitor->json)
    {
      prov_json_begin_object (json);
      prov_json_member (json, "event");
      prov_json_string (json, "UpgradeStarted");
      prov_json_member (json, "cause");
      prov_json_string (json, cause);
      prov_json_end_object (json);
      prov_json_print (json);
    }
  else
    g_print ("UpgradeStarted cause=%s\n", cause);
  event_done (monitor);
}

static void
on_upgrade_finished (ProvProvisiond1 *proxy, const char *outcome, const char *url,
                     const char *error, const char *version, gpointer user_data)
{
  Monitor *monitor = user_data;
  g_autoptr(ProvJson) json = prov_json_new ();

  if (monitor->json)
    {
      prov_json_begin_object (json);
      prov_json_member (json, "event");
      prov_json_string (json, "UpgradeFinished");
      prov_json_member (json, "outcome");
      prov_json_string (json, outcome);
      prov_json_member (json, "url");
      prov_json_string (json, url);
      prov_json_member (json, "error");
      prov_json_string (json, error[0] != '\0' ? error : NULL);
      prov_json_member (json, "version");
      prov_json_string (json, version);
      prov_json_end_object (json);
      prov_json_print (json);
    }
  else if (error[0] != '\0')
    g_print ("UpgradeFinished outcome=%s url=%s error=%s\n", outcome, url, error);
  else
    g_print ("UpgradeFinished outcome=%s url=%s version=%s\n", outcome, url, version);
  event_done (monitor);
}

static void
on_request_finished (ProvProvisiond1 *proxy, guint64 id, const char *error_name,
                     const char *message, GVariant *result, gpointer user_data)
{
  Monitor *monitor = user_data;
  g_autoptr(ProvJson) json = prov_json_new ();

  if (monitor->json)
    {
      prov_json_begin_object (json);
      prov_json_member (json, "event");
      prov_json_string (json, "RequestFinished");
      prov_json_member (json, "id");
      prov_json_int (json, (gint64) id);
      prov_json_member (json, "error");
      prov_json_string (json, error_name[0] != '\0' ? error_name : NULL);
      prov_json_member (json, "message");
      prov_json_string (json, message[0] != '\0' ? message : NULL);
      prov_json_end_object (json);
      prov_json_print (json);
    }
  else if (error_name[0] != '\0')
    g_print ("RequestFinished id=%" G_GUINT64_FORMAT " error=%s message=%s\n", id, error_name,
             message);
  else
    g_print ("RequestFinished id=%" G_GUINT64_FORMAT "\n", id);
  event_done (monitor);
}

static void
on_parameters_changed (ProvProvisiond1 *proxy, const char *const *names, gpointer user_data)
{
  Monitor *monitor = user_data;
  g_autoptr(ProvJson) json = prov_json_new ();
  g_autofree char *joined = join (names);

  if (monitor->json)
    {
      prov_json_begin_object (json);
      prov_json_member (json, "event");
      prov_json_string (json, "ParametersChanged");
      prov_json_member (json, "names");
      prov_json_strv (json, names);
      prov_json_end_object (json);
      prov_json_print (json);
    }
  else
    g_print ("ParametersChanged names=%s\n", joined);
  event_done (monitor);
}

static void
on_fetch_progress (ProvProvisiond1 *proxy, const char *url, guint64 received, guint64 total,
                   gpointer user_data)
{
  Monitor *monitor = user_data;
  g_autoptr(ProvJson) json = prov_json_new ();

  if (monitor->json)
    {
      prov_json_begin_object (json);
      prov_json_member (json, "event");
      prov_json_string (json, "FetchProgress");
      prov_json_member (json, "url");
      prov_json_string (json, url);
      prov_json_member (json, "received");
      prov_json_int (json, (gint64) received);
      prov_json_member (json, "total");
      prov_json_int (json, (gint64) total);
      prov_json_end_object (json);
      prov_json_print (json);
    }
  else
    g_print ("FetchProgress url=%s received=%" G_GUINT64_FORMAT " total=%" G_GUINT64_FORMAT "\n",
             url, received, total);
  event_done (monitor);
}

static gboolean
on_interrupt (gpointer user_data)
{
  Monitor *monitor = user_data;

  g_main_loop_quit (monitor->loop);
  return G_SOURCE_CONTINUE;
}

static void
on_owner_changed (GObject *proxy, GParamSpec *pspec, gpointer user_data)
{
  g_autofree char *owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (proxy));

  if (owner == NULL)
    g_printerr (_("provisiond has left the bus; waiting for it to come back\n"));
}

static int count;

const GOptionEntry prov_cli_monitor_options[] = {
  { "count", 'n', 0, G_OPTION_ARG_INT, &count, N_("Stop after N events"), N_("N") },
  { NULL }
};

int
prov_cli_cmd_monitor (ProvCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GVariant) ping = NULL;
  ProvProvisiond1 *proxy;
  Monitor monitor = { 0 };
  guint sigint_id, sigterm_id;
  if (count < 0)
    return prov_cli_usage (_("--count must not be negative"));
  proxy = prov_cli_get_proxy (cli, &error);
  if (proxy == NULL)
    return prov_cli_fail (error);
  loop = g_main_loop_new (NULL, FALSE);
  monitor.loop = loop;
  monitor.json = cli->json;
  monitor.remaining = count > 0 ? count : -1;
  g_signal_connect (proxy, "resync-started", G_CALLBACK (on_resync_started), &monitor);
  g_signal_connect (proxy, "resync-finished", G_CALLBACK (on_resync_finished), &monitor);
  g_signal_connect (proxy, "upgrade-started", G_CALLBACK (on_upgrade_started), &monitor);
  g_signal_connect (proxy, "upgrade-finished", G_CALLBACK (on_upgrade_finished), &monitor);
  g_signal_connect (proxy, "request-finished", G_CALLBACK (on_request_finished), &monitor);
  g_signal_connect (proxy, "parameters-changed", G_CALLBACK (on_parameters_changed), &monitor);
  g_signal_connect (proxy, "fetch-progress", G_CALLBACK (on_fetch_progress), &monitor);
  g_signal_connect (proxy, "notify::g-name-owner", G_CALLBACK (on_owner_changed), NULL);
  /* A round trip after the match rules were sent: from here on no event is
   * missed, which is what the line below promises to scripts. */
  ping = g_dbus_connection_call_sync (cli->connection, "org.freedesktop.DBus",
                                      "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetId",
                                      NULL, G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                      NULL, &error);
  if (ping == NULL)
    return prov_cli_fail (error);
  g_printerr (_("Monitoring provisiond; press Ctrl+C to stop\n"));
  sigint_id = g_unix_signal_add (SIGINT, on_interrupt, &monitor);
  sigterm_id = g_unix_signal_add (SIGTERM, on_interrupt, &monitor);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_signal_handlers_disconnect_by_data (proxy, &monitor);
  return PROV_EXIT_OK;
}
