/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <provision.h>

/* Renders any text configuration: [template] Template= (a file) into
 * Output=, mode 0600, then runs ReloadCommand=. In the template, ${key}
 * is the value behind a key of template.map ([Global] keys anywhere,
 * [Line] keys and ${n} between a "{{line}}" line and an "{{end}}" line,
 * which repeat once per enabled line); $$ is a dollar sign. Only what the
 * mapping names can reach the output. No health report. */

#define GROUP "template"

#define PROV_TYPE_TEMPLATE_PLUGIN (prov_template_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ProvTemplatePlugin, prov_template_plugin, PROV, TEMPLATE_PLUGIN,
                      ProvPlugin)

struct _ProvTemplatePlugin
{
  ProvPlugin parent_instance;
};

static void prov_template_plugin_applier_init (ProvApplierInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ProvTemplatePlugin, prov_template_plugin, PROV_TYPE_PLUGIN,
                               G_IMPLEMENT_INTERFACE (PROV_TYPE_APPLIER,
                                                      prov_template_plugin_applier_init))

/* Expands one template line; @n = 0 outside a line block. */
static gboolean
expand (const char *text, ProvApplierMap *map, GHashTable *params, guint n, const char *origin,
        guint lineno, GString *out, GError **error)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      const char *end;
      g_autofree char *key = NULL;
      const char *value = NULL;

      if (p[0] != '$')
        {
          g_string_append_c (out, *p);
          continue;
        }
      if (p[1] == '$')
        {
          g_string_append_c (out, '$');
          p++;
          continue;
        }
      end = p[1] == '{' ? strchr (p, '}') : NULL;
      if (end == NULL)
        {
          g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE,
                       "%s: line %u: a $ starts neither ${key} nor $$", origin, lineno);
          return FALSE;
        }
      key = g_strndup (p + 2, (gsize) (end - p - 2));
      if (n > 0 && g_str_equal (key, "n"))
        {
          g_string_append_printf (out, "%u", n);
          p = end;
          continue;
        }
      if (n > 0)
        value = prov_applier_map_line (map, params, key, n);
      if (value == NULL)
        value = prov_applier_map_global (map, params, key);
      if (value == NULL)
        {
          g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE,
                       "%s: line %u: ${%s} is not a key of %s%s", origin, lineno, key,
                       prov_applier_map_get_origin (map),
                       n == 0 ? " [Global] (line keys need a {{line}} block)" : "");
          return FALSE;
        }
      if (strpbrk (value, "\r\n") != NULL)
        {
          g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE,
                       "%s: line %u: the value of ${%s} holds a line break", origin, lineno,
                       key);
          return FALSE;
        }
      g_string_append (out, value);
      p = end;
    }
  g_string_append_c (out, '\n');
  return TRUE;
}

static gboolean
render (const char *template, const char *origin, ProvApplierMap *map, GHashTable *params,
        GString *out, GError **error)
{
  g_auto(GStrv) lines = g_strsplit (template, "\n", -1);
  guint n_lines = g_strv_length (lines);

  /* A final newline does not make one more empty line. */
  if (n_lines > 0 && lines[n_lines - 1][0] == '\0')
    n_lines--;
  for (guint i = 0; i < n_lines; i++)
    {
      g_autofree char *stripped_line = g_strstrip (g_strdup (lines[i]));
      guint block_end;

      if (!g_str_equal (stripped_line, "{{line}}"))
        {
          if (!expand (lines[i], map, params, 0, origin, i + 1, out, error))
            return FALSE;
          continue;
        }
      for (block_end = i + 1; block_end < n_lines; block_end++)
        {
          g_autofree char *stripped = g_strstrip (g_strdup (lines[block_end]));
          if (g_str_equal (stripped, "{{end}}"))
            break;
        }
      if (block_end == n_lines)
        {
          g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE,
                       "%s: line %u: {{line}} has no {{end}}", origin, i + 1);
          return FALSE;
        }
      for (guint n = 1; n <= prov_applier_map_get_lines (map); n++)
        {
          const char *enabled = prov_applier_map_line (map, params, "enabled", n);

          if (enabled != NULL && !prov_applier_is_yes (enabled))
            continue;
          for (guint j = i + 1; j < block_end; j++)
            if (!expand (lines[j], map, params, n, origin, j + 1, out, error))
              return FALSE;
        }
      i = block_end;
    }
  return TRUE;
}

static char *
get_target (ProvApplier *applier, ProvDevice *device)
{
  return prov_applier_get_setting (device, GROUP, "Output");
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
  g_autofree char *template_path = prov_applier_get_setting (device, GROUP, "Template");
  g_autofree char *path = prov_applier_get_setting (device, GROUP, "Output");
  g_autofree char *reload = prov_applier_get_setting (device, GROUP, "ReloadCommand");
  g_autofree char *template = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  GError *error = NULL;

  if (template_path == NULL || path == NULL)
    {
      g_task_report_new_error (applier, callback, user_data, apply_async, PROV_ERROR,
                               PROV_ERROR_INVALID_VALUE,
                               "[template] needs Template= and Output= in the device file");
      return;
    }
  if (!g_file_get_contents (template_path, &template, NULL, &error)
      || !render (template, template_path, map, params, text, &error))
    {
      explicit_bzero (text->str, text->len);
      g_task_report_error (applier, callback, user_data, apply_async, error);
      return;
    }
  prov_applier_write_async (applier, path, text, reload, cancellable, callback, user_data);
}

static void
prov_template_plugin_applier_init (ProvApplierInterface *iface)
{
  iface->get_target = get_target;
  iface->apply_async = apply_async;
}

static void
prov_template_plugin_class_init (ProvTemplatePluginClass *klass)
{
}

static void
prov_template_plugin_init (ProvTemplatePlugin *self)
{
}

PROV_PLUGIN_DEFINE_ABI ();

G_MODULE_EXPORT ProvPlugin *
prov_plugin_create (void)
{
  return g_object_new (PROV_TYPE_TEMPLATE_PLUGIN,
                       "name", "template",
                       "description", "Renders a configured text template with the provisioned lines",
                       NULL);
}
