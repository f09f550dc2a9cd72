/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <provision.h>

#include "prov-baresip-config.h"
#include "prov-baresip-ctrl.h"

/* Renders baresip's `accounts` (one line per enabled line of the mapping)
 * and the keys of its `config` that provisiond owns (see
 * prov-baresip-config.h) into [baresip] ConfigDir=, mode 0600. A changed
 * config needs a restart: ReloadCommand= runs when set. Else, with
 * Control= (host:port of the running baresip's ctrl_tcp) the accounts that
 * changed are replaced live (uadel, uanew) and, with RegisterTimeout= > 0,
 * their registrations are the health report; else ReloadCommand= runs when
 * set. */

#define GROUP "baresip"

#define PROV_TYPE_BARESIP_PLUGIN (prov_baresip_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ProvBaresipPlugin, prov_baresip_plugin, PROV, BARESIP_PLUGIN, ProvPlugin)

struct _ProvBaresipPlugin
{
  ProvPlugin parent_instance;
};

static void prov_baresip_plugin_applier_init (ProvApplierInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ProvBaresipPlugin, prov_baresip_plugin, PROV_TYPE_PLUGIN,
                               G_IMPLEMENT_INTERFACE (PROV_TYPE_APPLIER,
                                                      prov_baresip_plugin_applier_init))

typedef struct
{
  GHashTable *expect;  /* AOR → line number */
  guint64     lines;   /* bit n-1: line n is an account whose registration is awaited */
  guint       timeout;
} Apply;

static void
apply_free (Apply *data)
{
  g_clear_pointer (&data->expect, g_hash_table_unref);
  g_free (data);
}

static const char *
line_value (ProvApplierMap *map, GHashTable *params, const char *key, guint n)
{
  const char *value = prov_applier_map_line (map, params, key, n);

  return value != NULL ? value : "";
}

/* Characters that would end a field of an account line early. */
static gboolean
check_field (const char *value, const char *key, guint n, GError **error)
{
  if (strpbrk (value, ";<>\"\r\n") == NULL)
    return TRUE;
  g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE,
               "line %u: the value of %s has a character an account line cannot hold "
               "(; < > \" or a line break)", n, key);
  return FALSE;
}

/* The AOR of an account line: the URI between < and >, without parameters. */
static char *
account_aor (const char *line)
{
  const char *start = strchr (line, '<');
  const char *end = start != NULL ? strpbrk (start, ";>") : NULL;

  return end != NULL ? g_strndup (start + 1, (gsize) (end - start - 1)) : NULL;
}

/* One account line for line @n, or NULL (with no error) when the line is
 * off or has no user or proxy. */
static char *
render_line (ProvApplierMap *map, GHashTable *params, guint n, GError **error)
{
  const char *keys[] = { "display_name", "user", "auth_user", "auth_pass", "domain",
                         "outbound", "regint", "transport", NULL };
  const char *enabled = prov_applier_map_line (map, params, "enabled", n);
  const char *display, *user, *auth_user, *pass, *domain, *outbound, *regint, *transport;
  GString *out;

  if (enabled != NULL && !prov_applier_is_yes (enabled))
    return NULL;
  for (guint i = 0; keys[i] != NULL; i++)
    if (!check_field (line_value (map, params, keys[i], n), keys[i], n, error))
      return NULL;
  user = line_value (map, params, "user", n);
  domain = line_value (map, params, "domain", n);
  if (user[0] == '\0' || domain[0] == '\0')
    return NULL;
  display = line_value (map, params, "display_name", n);
  if (display[0] == '\0')
    {
      const char *station = prov_applier_map_global (map, params, "display_name");
      display = station != NULL ? station : "";
      if (!check_field (display, "display_name", n, error))
        return NULL;
    }
  auth_user = line_value (map, params, "auth_user", n);
  pass = line_value (map, params, "auth_pass", n);
  outbound = line_value (map, params, "outbound", n);
  regint = line_value (map, params, "regint", n);
  transport = line_value (map, params, "transport", n);

  out = g_string_new (NULL);
  if (display[0] != '\0')
    g_string_append_printf (out, "\"%s\" ", display);
  g_string_append_printf (out, "<sip:%s@%s", user, domain);
  if (transport[0] != '\0' && g_ascii_strcasecmp (transport, "auto") != 0)
    {
      g_autofree char *lower = g_ascii_strdown (transport, -1);
      g_string_append_printf (out, ";transport=%s", lower);
    }
  g_string_append_c (out, '>');
  if (auth_user[0] != '\0')
    g_string_append_printf (out, ";auth_user=%s", auth_user);
  if (pass[0] != '\0')
    g_string_append_printf (out, ";auth_pass=%s", pass);
  if (outbound[0] != '\0' && prov_applier_is_yes (prov_applier_map_line (map, params, "use_outbound", n)))
    g_string_append_printf (out, ";outbound=\"sip:%s\"", outbound);
  if (regint[0] != '\0')
    g_string_append_printf (out, ";regint=%s", regint);
  return g_string_free (out, FALSE);
}

static GPtrArray *
read_accounts (const char *path)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = NULL;
  g_auto(GStrv) split = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return lines;
  split = g_strsplit (text, "\n", -1);
  for (guint i = 0; split[i] != NULL; i++)
    if (split[i][0] != '\0' && split[i][0] != '#')
      g_ptr_array_add (lines, g_strdup (split[i]));
  if (text != NULL)
    explicit_bzero (text, strlen (text));
  return lines;
}

static gboolean
contains (GPtrArray *lines, const char *line)
{
  for (guint i = 0; i < lines->len; i++)
    if (g_str_equal (lines->pdata[i], line))
      return TRUE;
  return FALSE;
}

static char *
get_target (ProvApplier *applier, ProvDevice *device)
{
  g_autofree char *dir = prov_applier_get_setting (device, GROUP, "ConfigDir");

  return dir != NULL ? g_build_filename (dir, "accounts", NULL) : NULL;
}

static void
on_ctrl_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Apply *data = g_task_get_task_data (task);
  g_autoptr(ProvApplyReport) report = prov_apply_report_new ();
  g_autoptr(GHashTable) results = NULL;
  g_autoptr(GString) detail = g_string_new (NULL);
  GHashTableIter iter;
  gpointer aor, line;
  GError *error = NULL;

  results = prov_baresip_ctrl_run_finish (res, &error);
  if (results == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (data->timeout == 0 || g_hash_table_size (data->expect) == 0)
    {
      g_task_return_pointer (task, g_steal_pointer (&report),
                             (GDestroyNotify) prov_apply_report_free);
      return;
    }
  report->health = PROV_APPLIER_HEALTH_OK;
  g_hash_table_iter_init (&iter, data->expect);
  while (g_hash_table_iter_next (&iter, &aor, &line))
    {
      const char *result = g_hash_table_lookup (results, aor);
      guint n = GPOINTER_TO_UINT (line);

      if (g_strcmp0 (result, "OK") == 0)
        {
          report->registered |= G_GUINT64_CONSTANT (1) << (n - 1);
          continue;
        }
      report->failed |= G_GUINT64_CONSTANT (1) << (n - 1);
      report->health = PROV_APPLIER_HEALTH_FAILED;
      if (detail->len > 0)
        g_string_append (detail, "; ");
      if (result != NULL)
        g_string_append_printf (detail, "line %u: %s", n, result + strlen ("FAIL "));
      else
        g_string_append_printf (detail, "line %u: not registered within %u s", n,
                                data->timeout);
    }
  if (report->health == PROV_APPLIER_HEALTH_OK)
    g_string_append_printf (detail, "%u line(s)", g_hash_table_size (data->expect));
  report->detail = g_string_free (g_steal_pointer (&detail), FALSE);
  g_task_return_pointer (task, g_steal_pointer (&report), (GDestroyNotify) prov_apply_report_free);
}

/* The accounts file: one line per account (in @new_lines too). */
static GString *
render_accounts (ProvApplierMap *map, GHashTable *params, GPtrArray *new_lines,
                 GError **error)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, "# Written by provisiond from %s; changes are overwritten.\n",
                          prov_applier_map_get_origin (map));
  for (guint n = 1; n <= prov_applier_map_get_lines (map); n++)
    {
      char *line = render_line (map, params, n, error);

      if (line == NULL && error != NULL && *error != NULL)
        {
          explicit_bzero (text->str, text->len);
          return NULL;
        }
      if (line == NULL)
        continue;
      g_string_append_printf (text, "%s\n", line);
      g_ptr_array_add (new_lines, line);
    }
  return g_steal_pointer (&text);
}

/* The owned keys into DIR/config; @changed: whether the file changed. */
static gboolean
write_config (const char *dir, ProvApplierMap *map, GHashTable *params, const char *control,
              gboolean *changed, GError **error)
{
  g_autofree char *path = g_build_filename (dir, "config", NULL);
  g_autofree char *old = NULL;
  g_autoptr(GString) text = NULL;
  g_autofree char *merged = NULL;

  if (!g_file_get_contents (path, &old, NULL, NULL))
    g_clear_pointer (&old, g_free);
  merged = prov_baresip_config_merge (old, prov_applier_map_global (map, params, "sip_port"),
                                      control, error);
  if (merged == NULL)
    return FALSE;
  text = g_string_new (merged);
  *changed = g_strcmp0 (old, text->str) != 0;
  return !*changed || prov_applier_write_file (path, text, error);
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
  g_autoptr(GTask) task = NULL;
  g_autofree char *dir = prov_applier_get_setting (device, GROUP, "ConfigDir");
  g_autofree char *control = prov_applier_get_setting (device, GROUP, "Control");
  g_autofree char *reload = prov_applier_get_setting (device, GROUP, "ReloadCommand");
  g_autofree char *timeout_text = prov_applier_get_setting (device, GROUP, "RegisterTimeout");
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) old_lines = NULL;
  g_autoptr(GPtrArray) new_lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) deletes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) creates = g_ptr_array_new ();
  g_autoptr(GString) text = NULL;
  gboolean config_changed = FALSE;
  Apply *data;
  GError *error = NULL;
  guint64 timeout = 0;

  if (dir == NULL)
    {
      g_task_report_new_error (applier, callback, user_data, apply_async, PROV_ERROR,
                               PROV_ERROR_INVALID_VALUE,
                               "[baresip] ConfigDir= is not set in the device file");
      return;
    }
  if (timeout_text != NULL
      && !g_ascii_string_to_unsigned (timeout_text, 10, 0, 3600, &timeout, NULL))
    {
      g_task_report_new_error (applier, callback, user_data, apply_async, PROV_ERROR,
                               PROV_ERROR_INVALID_VALUE,
                               "[baresip] RegisterTimeout=%s is not a number of seconds "
                               "from 0 to 3600", timeout_text);
      return;
    }
  text = render_accounts (map, params, new_lines, &error);
  path = g_build_filename (dir, "accounts", NULL);
  old_lines = read_accounts (path);
  if (text == NULL || !write_config (dir, map, params, control, &config_changed, &error))
    {
      if (text != NULL)
        explicit_bzero (text->str, text->len);
      g_task_report_error (applier, callback, user_data, apply_async, error);
      return;
    }

  /* baresip reads its config only when it starts. */
  if (control == NULL || (config_changed && reload != NULL))
    {
      prov_applier_write_async (applier, path, text, reload, cancellable, callback, user_data);
      return;
    }
  if (!prov_applier_write_file (path, text, &error))
    {
      g_task_report_error (applier, callback, user_data, apply_async, error);
      return;
    }
  task = g_task_new (applier, cancellable, callback, user_data);
  g_task_set_source_tag (task, apply_async);
  data = g_new0 (Apply, 1);
  data->expect = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  data->timeout = (guint) timeout;
  g_task_set_task_data (task, data, (GDestroyNotify) apply_free);
  /* Only what changed is replaced: other lines stay registered. */
  for (guint i = 0; i < old_lines->len; i++)
    if (!contains (new_lines, old_lines->pdata[i]))
      {
        char *aor = account_aor (old_lines->pdata[i]);
        if (aor != NULL)
          g_ptr_array_add (deletes, aor);
      }
  for (guint i = 0; i < new_lines->len; i++)
    {
      const char *line = new_lines->pdata[i];
      g_autofree char *aor = NULL;

      if (contains (old_lines, line))
        continue;
      g_ptr_array_add (creates, (gpointer) line);
      aor = account_aor (line);
      /* regint=0 registers nothing: nothing to wait for. */
      if (aor != NULL && strstr (line, ";regint=0") == NULL)
        {
          guint n = 0;

          for (guint k = 1; k <= prov_applier_map_get_lines (map) && n == 0; k++)
            {
              g_autofree char *rendered = render_line (map, params, k, NULL);
              if (g_strcmp0 (rendered, line) == 0)
                n = k;
            }
          if (n > 0)
            g_hash_table_insert (data->expect, g_steal_pointer (&aor), GUINT_TO_POINTER (n));
        }
    }
  prov_baresip_ctrl_run_async (control, deletes, creates, data->expect, data->timeout,
                               cancellable, on_ctrl_done, g_steal_pointer (&task));
}

static void
prov_baresip_plugin_applier_init (ProvApplierInterface *iface)
{
  iface->get_target = get_target;
  iface->apply_async = apply_async;
}

static void
prov_baresip_plugin_class_init (ProvBaresipPluginClass *klass)
{
}

static void
prov_baresip_plugin_init (ProvBaresipPlugin *self)
{
}

PROV_PLUGIN_DEFINE_ABI ();

G_MODULE_EXPORT ProvPlugin *
prov_plugin_create (void)
{
  return g_object_new (PROV_TYPE_BARESIP_PLUGIN,
                       "name", "baresip",
                       "description", "Writes baresip accounts and updates a running baresip",
                       NULL);
}
