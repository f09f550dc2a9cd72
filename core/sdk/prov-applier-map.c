/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-applier-map.h"
#include "prov-error.h"

/* More lines than any phone has; guards a typo such as Lines=1000000. */
#define MAX_LINES 64

struct _ProvApplierMap
{
  GObject   parent_instance;

  char     *origin;
  guint     lines;
  GKeyFile *keyfile;
};

G_DEFINE_TYPE (ProvApplierMap, prov_applier_map, G_TYPE_OBJECT)

static void
prov_applier_map_finalize (GObject *object)
{
  ProvApplierMap *self = PROV_APPLIER_MAP (object);

  g_free (self->origin);
  g_key_file_unref (self->keyfile);
  G_OBJECT_CLASS (prov_applier_map_parent_class)->finalize (object);
}

static void
prov_applier_map_class_init (ProvApplierMapClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = prov_applier_map_finalize;
}

static void
prov_applier_map_init (ProvApplierMap *self)
{
  self->keyfile = g_key_file_new ();
}

ProvApplierMap *
prov_applier_map_new_from_data (const char *data, const char *origin, GError **error)
{
  g_autoptr(ProvApplierMap) self = g_object_new (PROV_TYPE_APPLIER_MAP, NULL);
  g_autoptr(GError) local = NULL;
  gint64 lines;

  self->origin = g_strdup (origin);
  if (!g_key_file_load_from_data (self->keyfile, data, (gsize) -1, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE, "%s: %s", origin,
                   local->message);
      return NULL;
    }
  lines = g_key_file_get_int64 (self->keyfile, "Mapping", "Lines", &local);
  if (local != NULL || lines < 0 || lines > MAX_LINES)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE,
                   "%s: [Mapping] Lines must be a number from 0 to %d", origin, MAX_LINES);
      return NULL;
    }
  self->lines = (guint) lines;
  return g_steal_pointer (&self);
}

ProvApplierMap *
prov_applier_map_load (const char *name, GError **error)
{
  g_autofree char *file = g_strconcat (name, ".map", NULL);
  const char *env = g_getenv ("PROV_APPLIER_MAP_DIR");
  const char *dirs[] = { env, PROV_SYSCONFDIR "/appliers", PROV_APPLIERMAPDIR, NULL };

  for (guint i = 0; i < G_N_ELEMENTS (dirs) - 1; i++)
    {
      g_autofree char *path = NULL;
      g_autofree char *data = NULL;

      if (dirs[i] == NULL || dirs[i][0] == '\0')
        continue;
      path = g_build_filename (dirs[i], file, NULL);
      if (!g_file_get_contents (path, &data, NULL, NULL))
        continue;
      return prov_applier_map_new_from_data (data, path, error);
    }
  g_set_error (error, PROV_ERROR, PROV_ERROR_NOT_SUPPORTED,
               "no mapping %s in %s/appliers or %s", file, PROV_SYSCONFDIR, PROV_APPLIERMAPDIR);
  return NULL;
}

const char *
prov_applier_map_get_origin (ProvApplierMap *self)
{
  g_return_val_if_fail (PROV_IS_APPLIER_MAP (self), NULL);
  return self->origin;
}

guint
prov_applier_map_get_lines (ProvApplierMap *self)
{
  g_return_val_if_fail (PROV_IS_APPLIER_MAP (self), 0);
  return self->lines;
}

static char *
expand_line (const char *pattern, guint n)
{
  g_autofree char *num = g_strdup_printf ("%u", n);
  g_auto(GStrv) parts = g_strsplit (pattern, "%n", -1);

  return g_strjoinv (num, parts);
}

char *
prov_applier_map_line_param (ProvApplierMap *self, const char *key, guint n)
{
  g_autofree char *pattern = NULL;

  g_return_val_if_fail (PROV_IS_APPLIER_MAP (self), NULL);
  pattern = g_key_file_get_string (self->keyfile, "Line", key, NULL);
  if (pattern == NULL || pattern[0] == '\0')
    return NULL;
  return expand_line (pattern, n);
}

static const char *
lookup (GHashTable *params, const char *name)
{
  const char *value = g_hash_table_lookup (params, name);

  return value != NULL ? value : "";
}

const char *
prov_applier_map_line (ProvApplierMap *self, GHashTable *params, const char *key, guint n)
{
  g_autofree char *name = prov_applier_map_line_param (self, key, n);

  return name != NULL ? lookup (params, name) : NULL;
}

const char *
prov_applier_map_global (ProvApplierMap *self, GHashTable *params, const char *key)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (PROV_IS_APPLIER_MAP (self), NULL);
  name = g_key_file_get_string (self->keyfile, "Global", key, NULL);
  if (name == NULL || name[0] == '\0')
    return NULL;
  return lookup (params, name);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

GStrv
prov_applier_map_list_params (ProvApplierMap *self)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  g_auto(GStrv) line_keys = g_key_file_get_keys (self->keyfile, "Line", NULL, NULL);
  g_auto(GStrv) global_keys = g_key_file_get_keys (self->keyfile, "Global", NULL, NULL);

  for (guint n = 1; n <= self->lines; n++)
    for (guint i = 0; line_keys != NULL && line_keys[i] != NULL; i++)
      {
        char *name = prov_applier_map_line_param (self, line_keys[i], n);
        if (name != NULL)
          g_ptr_array_add (out, name);
      }
  for (guint i = 0; global_keys != NULL && global_keys[i] != NULL; i++)
    {
      char *name = g_key_file_get_string (self->keyfile, "Global", global_keys[i], NULL);
      if (name != NULL && name[0] != '\0')
        g_ptr_array_add (out, name);
      else
        g_free (name);
    }
  g_ptr_array_sort (out, compare_names);
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_steal (out, NULL);
}
