/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <provision.h>

#include "prov-linphone-pipe.h"

/* Renders a linphonerc ([proxy_N], [auth_info_N], [sip] keys of the
 * mapping) into [linphone] RcFile=, mode 0600, then runs ReloadCommand=.
 * linphonec rewrites its own rc and cannot re-read it while it runs, so
 * RcFile is meant as its factory config (`linphonec -b RcFile`), which
 * wins over the same keys of its own file, and the reload restarts it.
 * With Control= (the socket of `linphonec --pipe`) it then asks the
 * restarted linphonec whether each line registered: the health report
 * the core rolls back on. Without it there is no report and a linphone
 * line is never rolled back. */

#define GROUP "linphone"
/* Seconds to wait for the registrations when Control= is set and
 * RegisterTimeout= is not. */
#define DEFAULT_REGISTER_TIMEOUT 10

#define PROV_TYPE_LINPHONE_PLUGIN (prov_linphone_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ProvLinphonePlugin, prov_linphone_plugin, PROV, LINPHONE_PLUGIN,
                      ProvPlugin)

struct _ProvLinphonePlugin
{
  ProvPlugin parent_instance;
};

static void prov_linphone_plugin_applier_init (ProvApplierInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ProvLinphonePlugin, prov_linphone_plugin, PROV_TYPE_PLUGIN,
                               G_IMPLEMENT_INTERFACE (PROV_TYPE_APPLIER,
                                                      prov_linphone_plugin_applier_init))

static const char *
value_of (ProvApplierMap *map, GHashTable *params, const char *key, guint n)
{
  const char *value = prov_applier_map_line (map, params, key, n);

  return value != NULL ? value : "";
}

/* A value that would break the INI line or the SIP address it goes in. */
static gboolean
check_value (const char *value, const char *key, guint n, GError **error)
{
  if (strpbrk (value, "<>\"\r\n") == NULL)
    return TRUE;
  g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE,
               "line %u: the value of %s has a character linphonerc cannot hold "
               "(< > \" or a line break)", n, key);
  return FALSE;
}

/* [proxy_K] and [auth_info_K] of line @n; FALSE with no error when the
 * line is off or has no user or proxy. */
static gboolean
render_line (ProvApplierMap *map, GHashTable *params, guint n, guint k, GString *out,
             GError **error)
{
  const char *keys[] = { "display_name", "user", "auth_user", "passwd", "domain", "route",
                         "reg_expires", "transport", NULL };
  const char *enabled = prov_applier_map_line (map, params, "enabled", n);
  const char *display, *user, *domain, *auth_user, *passwd, *route, *expires, *transport;
  g_autofree char *lower = NULL;

  if (enabled != NULL && !prov_applier_is_yes (enabled))
    return FALSE;
  for (guint i = 0; keys[i] != NULL; i++)
    if (!check_value (value_of (map, params, keys[i], n), keys[i], n, error))
      return FALSE;
  user = value_of (map, params, "user", n);
  domain = value_of (map, params, "domain", n);
  if (user[0] == '\0' || domain[0] == '\0')
    return FALSE;
  display = value_of (map, params, "display_name", n);
  if (display[0] == '\0')
    {
      const char *station = prov_applier_map_global (map, params, "display_name");
      display = station != NULL ? station : "";
      if (!check_value (display, "display_name", n, error))
        return FALSE;
    }
  auth_user = value_of (map, params, "auth_user", n);
  passwd = value_of (map, params, "passwd", n);
  route = value_of (map, params, "route", n);
  expires = value_of (map, params, "reg_expires", n);
  transport = value_of (map, params, "transport", n);
  lower = g_ascii_strdown (transport, -1);

  g_string_append_printf (out, "\n[proxy_%u]\nreg_proxy=<sip:%s", k, domain);
  if (lower[0] != '\0' && g_strcmp0 (lower, "auto") != 0)
    g_string_append_printf (out, ";transport=%s", lower);
  g_string_append (out, ">\nreg_identity=");
  if (display[0] != '\0')
    g_string_append_printf (out, "\"%s\" ", display);
  g_string_append_printf (out, "<sip:%s@%s>\n", user, domain);
  if (route[0] != '\0' && prov_applier_is_yes (prov_applier_map_line (map, params, "use_route", n)))
    g_string_append_printf (out, "reg_route=<sip:%s;lr>\n", route);
  if (expires[0] != '\0')
    g_string_append_printf (out, "reg_expires=%s\n", expires);
  g_string_append (out, "reg_sendregister=1\n");
  g_string_append_printf (out, "\n[auth_info_%u]\nusername=%s\n", k, user);
  if (auth_user[0] != '\0')
    g_string_append_printf (out, "userid=%s\n", auth_user);
  if (passwd[0] != '\0')
    g_string_append_printf (out, "passwd=%s\n", passwd);
  return TRUE;
}

static char *
get_target (ProvApplier *applier, ProvDevice *device)
{
  return prov_applier_get_setting (device, GROUP, "RcFile");
}

typedef struct
{
  GArray *lines;   /* guint: the line of proxy k */
  char   *control; /* linphonec's socket */
  guint   timeout;
} Apply;

static void
apply_free (Apply *data)
{
  g_array_unref (data->lines);
  g_free (data->control);
  g_free (data);
}

static void
on_polled (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Apply *data = g_task_get_task_data (task);
  g_autoptr(ProvApplyReport) report = prov_apply_report_new ();
  g_autoptr(GString) detail = g_string_new (NULL);
  guint64 registered = 0;
  GError *error = NULL;

  if (!prov_linphone_pipe_poll_finish (res, &registered, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  report->health = PROV_APPLIER_HEALTH_OK;
  for (guint k = 0; k < data->lines->len; k++)
    {
      guint n = g_array_index (data->lines, guint, k);
      guint64 bit = G_GUINT64_CONSTANT (1) << (n - 1);

      if (registered & (G_GUINT64_CONSTANT (1) << k))
        {
          report->registered |= bit;
          continue;
        }
      report->failed |= bit;
      report->health = PROV_APPLIER_HEALTH_FAILED;
      if (detail->len > 0)
        g_string_append (detail, "; ");
      /* The pipe says only registered or not, never why. */
      g_string_append_printf (detail, "line %u: not registered within %u s", n, data->timeout);
    }
  if (report->health == PROV_APPLIER_HEALTH_OK)
    g_string_append_printf (detail, "%u line(s)", data->lines->len);
  report->detail = g_string_free (g_steal_pointer (&detail), FALSE);
  g_task_return_pointer (task, g_steal_pointer (&report), (GDestroyNotify) prov_apply_report_free);
}

/* The file is written and linphonec restarted: now ask it. */
static void
on_written (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Apply *data = g_task_get_task_data (task);
  g_autoptr(ProvApplyReport) report = NULL;
  GError *error = NULL;

  report = prov_applier_apply_finish (PROV_APPLIER (source), res, &error);
  if (report == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  prov_linphone_pipe_poll_async (data->control, data->lines->len, data->timeout,
                                 g_task_get_cancellable (task), on_polled,
                                 g_object_ref (task));
}

static void
apply_async (ProvApplier         *applier,
             ProvDevice          *device,
             ProvApplierMap      *map,
             GHashTable          *params,
             const char * const  *changed,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autofree char *path = prov_applier_get_setting (device, GROUP, "RcFile");
  g_autofree char *reload = prov_applier_get_setting (device, GROUP, "ReloadCommand");
  g_autofree char *control = prov_applier_get_setting (device, GROUP, "Control");
  g_autofree char *timeout_text = prov_applier_get_setting (device, GROUP, "RegisterTimeout");
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint));
  const char *sip_port = prov_applier_map_global (map, params, "sip_port");
  g_autoptr(GTask) task = NULL;
  Apply *data;
  GError *error = NULL;
  guint64 timeout = DEFAULT_REGISTER_TIMEOUT;
  guint k = 0;

  if (path == NULL)
    {
      g_task_report_new_error (applier, callback, user_data, apply_async, PROV_ERROR,
                               PROV_ERROR_INVALID_VALUE,
                               "[linphone] RcFile= is not set in the device file");
      return;
    }
  if (timeout_text != NULL
      && !g_ascii_string_to_unsigned (timeout_text, 10, 0, 3600, &timeout, NULL))
    {
      g_task_report_new_error (applier, callback, user_data, apply_async, PROV_ERROR,
                               PROV_ERROR_INVALID_VALUE,
                               "[linphone] RegisterTimeout=%s is not a number of seconds "
                               "from 0 to 3600", timeout_text);
      return;
    }
  if (control != NULL && reload == NULL)
    {
      /* A linphonec that was not restarted still runs the old lines: its
       * answer would say nothing about the new ones. */
      g_task_report_new_error (applier, callback, user_data, apply_async, PROV_ERROR,
                               PROV_ERROR_INVALID_VALUE,
                               "[linphone] Control= needs ReloadCommand= (linphonec takes "
                               "a new rc only when it restarts)");
      return;
    }
  g_string_append_printf (text, "# Written by provisiond from %s; changes are overwritten.\n",
                          prov_applier_map_get_origin (map));
  if (sip_port != NULL && sip_port[0] != '\0')
    {
      if (!check_value (sip_port, "sip_port", 0, &error))
        {
          g_task_report_error (applier, callback, user_data, apply_async, error);
          return;
        }
      g_string_append_printf (text, "\n[sip]\nsip_port=%s\n", sip_port);
    }
  for (guint n = 1; n <= prov_applier_map_get_lines (map); n++)
    {
      if (render_line (map, params, n, k, text, &error))
        {
          g_array_append_val (lines, n);
          k++;
        }
      else if (error != NULL)
        {
          explicit_bzero (text->str, text->len);
          g_task_report_error (applier, callback, user_data, apply_async, error);
          return;
        }
    }
  /* The report's masks hold lines 1..64. */
  if (control == NULL || timeout == 0 || lines->len == 0
      || g_array_index (lines, guint, lines->len - 1) > 64)
    {
      prov_applier_write_async (applier, path, text, reload, cancellable, callback, user_data);
      return;
    }
  task = g_task_new (applier, cancellable, callback, user_data);
  g_task_set_source_tag (task, apply_async);
  data = g_new0 (Apply, 1);
  data->lines = g_steal_pointer (&lines);
  data->control = g_steal_pointer (&control);
  data->timeout = (guint) timeout;
  g_task_set_task_data (task, data, (GDestroyNotify) apply_free);
  prov_applier_write_async (applier, path, text, reload, cancellable, on_written,
                            g_steal_pointer (&task));
}

static void
prov_linphone_plugin_applier_init (ProvApplierInterface *iface)
{
  iface->get_target = get_target;
  iface->apply_async = apply_async;
}

static void
prov_linphone_plugin_class_init (ProvLinphonePluginClass *klass)
{
}

static void
prov_linphone_plugin_init (ProvLinphonePlugin *self)
{
}

PROV_PLUGIN_DEFINE_ABI ();

G_MODULE_EXPORT ProvPlugin *
prov_plugin_create (void)
{
  return g_object_new (PROV_TYPE_LINPHONE_PLUGIN,
                       "name", "linphone",
                       "description", "Writes a linphonerc with the provisioned lines",
                       NULL);
}
