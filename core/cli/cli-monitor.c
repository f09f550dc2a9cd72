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

/* An argument that says what went wrong: shown only when not empty, and as
 * null in JSON when empty. */
static gboolean
is_error_arg (const char *name)
{
  return g_str_equal (name, "error") || g_str_equal (name, "message");
}

/* Whether one of the signal's error arguments is set. */
static gboolean
signal_failed (GDBusSignalInfo *signal, GVariant *parameters)
{
  for (guint i = 0; signal->args[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_variant_get_child_value (parameters, i);

      if (is_error_arg (signal->args[i]->name) &&
          g_variant_is_of_type (value, G_VARIANT_TYPE_STRING) &&
          *g_variant_get_string (value, NULL) != '\0')
        return TRUE;
    }
  return FALSE;
}

/* Every signal of the interface, one generic handler: the argument names
 * come from the introspection data, so a signal added to the XML is shown
 * without a change here. The text line of a failure shows what comes before
 * the error and the error, in place of what a success would have reported;
 * a success leaves its empty error out. Dictionaries (RequestFinished's
 * result) are not shown. */
static void
on_signal (GDBusProxy *proxy, const char *sender, const char *signal_name,
           GVariant *parameters, gpointer user_data)
{
  Monitor *monitor = user_data;
  GDBusInterfaceInfo *info = g_dbus_proxy_get_interface_info (proxy);
  GDBusSignalInfo *signal = info != NULL ? g_dbus_interface_info_lookup_signal (info, signal_name)
                                         : NULL;
  g_autoptr(ProvJson) json = prov_json_new ();
  g_autoptr(GString) line = g_string_new (signal_name);
  gboolean failed, past_error = FALSE;

  if (signal == NULL)
    return;
  failed = signal_failed (signal, parameters);
  prov_json_begin_object (json);
  prov_json_member (json, "event");
  prov_json_string (json, signal_name);
  for (guint i = 0; signal->args[i] != NULL; i++)
    {
      const char *name = signal->args[i]->name;
      g_autoptr(GVariant) value = g_variant_get_child_value (parameters, i);
      gboolean error_arg = is_error_arg (name);
      g_autofree char *text = NULL;

      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        {
          const char *str = g_variant_get_string (value, NULL);

          prov_json_member (json, name);
          prov_json_string (json, error_arg && *str == '\0' ? NULL : str);
          text = g_strdup (str);
        }
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
        {
          g_autofree const char **strv = g_variant_get_strv (value, NULL);

          prov_json_member (json, name);
          prov_json_strv (json, strv);
          text = g_strjoinv (",", (char **) strv);
        }
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
        {
          prov_json_member (json, name);
          prov_json_int (json, (gint64) g_variant_get_uint64 (value));
          text = g_strdup_printf ("%" G_GUINT64_FORMAT, g_variant_get_uint64 (value));
        }
      past_error |= error_arg;
      if (text != NULL && (failed ? error_arg || !past_error : !error_arg))
        g_string_append_printf (line, " %s=%s", name, text);
    }
  prov_json_end_object (json);
  if (monitor->json)
    prov_json_print (json);
  else
    g_print ("%s\n", line->str);
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
  g_signal_connect (proxy, "g-signal", G_CALLBACK (on_signal), &monitor);
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
