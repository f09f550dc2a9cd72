/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-daemon-config.h"

#define GROUP "Daemon"

static const struct
{
  const char *key;
  gsize       offset;
} keys[] = {
  { "StateDirectory", G_STRUCT_OFFSET (ProvDaemonConfig, state_dir) },
  { "CacheDirectory", G_STRUCT_OFFSET (ProvDaemonConfig, cache_dir) },
  { "DeviceFile", G_STRUCT_OFFSET (ProvDaemonConfig, device_file) },
  { "PluginPath", G_STRUCT_OFFSET (ProvDaemonConfig, plugin_path) },
  { "PluginBlock", G_STRUCT_OFFSET (ProvDaemonConfig, plugin_block) },
};

#define FIELD(config, k) G_STRUCT_MEMBER (char *, (config), keys[k].offset)

gboolean
prov_daemon_config_load (ProvDaemonConfig *config, const char *path, gboolean required,
                         GError **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) names = NULL;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local_error))
    {
      if (!required && g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", path);
      return FALSE;
    }
  names = g_key_file_get_keys (file, GROUP, NULL, NULL);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      gboolean known = FALSE;

      for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
        {
          g_autofree char *value = NULL;

          if (g_strcmp0 (names[i], keys[k].key) != 0)
            continue;
          known = TRUE;
          /* Literal values: a path may hold a backslash or a ';'. */
          value = g_strstrip (g_key_file_get_value (file, GROUP, keys[k].key, NULL));
          g_free (FIELD (config, k));
          FIELD (config, k) = value[0] != '\0' ? g_steal_pointer (&value) : NULL;
        }
      if (!known)
        g_warning ("%s: unknown key [%s] %s ignored", path, GROUP, names[i]);
    }
  return TRUE;
}

void
prov_daemon_config_clear (ProvDaemonConfig *config)
{
  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    g_clear_pointer (&FIELD (config, k), g_free);
}
