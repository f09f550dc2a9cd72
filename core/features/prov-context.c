/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>

#include <glib/gstdio.h>

#include "prov-context.h"
#include "prov-custom-ca.h"
#include "prov-error.h"
#include "prov-upgrader.h"

struct _ProvContext
{
  GObject       parent_instance;

  char         *state_dir;
  ProvSchema   *schema;
  ProvStore    *store;
  ProvDevice   *device;
  ProvRegistry *registry;
  ProvStatus   *status;
  ProvEngine   *engine;
  ProvAppliers *appliers;
};

G_DEFINE_TYPE (ProvContext, prov_context, G_TYPE_OBJECT)

static void
prov_context_finalize (GObject *object)
{
  ProvContext *self = PROV_CONTEXT (object);

  g_clear_object (&self->appliers);
  g_clear_object (&self->engine);
  g_clear_object (&self->status);
  g_clear_object (&self->registry);
  g_clear_object (&self->device);
  g_clear_object (&self->store);
  g_clear_object (&self->schema);
  g_free (self->state_dir);
  G_OBJECT_CLASS (prov_context_parent_class)->finalize (object);
}

static void
prov_context_class_init (ProvContextClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = prov_context_finalize;
}

static void
prov_context_init (ProvContext *self)
{
}

static ProvSchema *
load_schema (GError **error)
{
  g_autoptr(ProvSchema) schema = prov_schema_new ();
  const char *env = g_getenv ("PROV_SCHEMA_DIR");
  g_auto(GStrv) dirs = NULL;

  if (env != NULL && env[0] != '\0')
    dirs = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);
  else
    {
      const char *defaults[] = { PROV_SCHEMADIR, PROV_SYSSCHEMADIR, NULL };
      dirs = g_strdupv ((GStrv) defaults);
    }
  if (!prov_schema_load_dirs (schema, (const char *const *) dirs, error))
    return NULL;
  if (prov_schema_lookup (schema, "Profile_Rule") == NULL)
    {
      g_autofree char *joined = g_strjoinv (G_SEARCHPATH_SEPARATOR_S, dirs);
      g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED,
                   "no core schema found in %s (set PROV_SCHEMA_DIR)", joined);
      return NULL;
    }
  return g_steal_pointer (&schema);
}

static ProvDevice *
load_device (const char *state_dir, const char *device_path, GError **error)
{
  g_autofree char *path = device_path != NULL ? g_strdup (device_path)
                                              : g_build_filename (state_dir, "device.conf", NULL);

  /* Without a device file the host still provisions, with an empty identity. */
  if (device_path == NULL && !g_file_test (path, G_FILE_TEST_EXISTS))
    return prov_device_new ();
  return prov_device_new_from_file (path, error);
}

ProvContext *
prov_context_new (const char *state_dir, const char *device_path, const char *plugin_path,
                  GError **error)
{
  g_autoptr(ProvContext) self = g_object_new (PROV_TYPE_CONTEXT, NULL);
  g_autofree char *store_path = NULL;
  g_autofree char *status_path = NULL;
  g_autofree char *cache_path = NULL;
  g_auto(GStrv) blocked = NULL;
  const char *block_env = g_getenv ("PROV_PLUGIN_BLOCK");

  g_return_val_if_fail (state_dir != NULL, NULL);

  if (g_mkdir_with_parents (state_dir, 0700) != 0)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED, "cannot create %s: %s", state_dir,
                   g_strerror (errno));
      return NULL;
    }
  self->state_dir = g_strdup (state_dir);
  self->schema = load_schema (error);
  if (self->schema == NULL)
    return NULL;
  store_path = g_build_filename (state_dir, "params.db", NULL);
  self->store = prov_store_new (self->schema, store_path, error);
  if (self->store == NULL)
    return NULL;
  self->device = load_device (state_dir, device_path, error);
  if (self->device == NULL)
    return NULL;

  if (plugin_path == NULL)
    plugin_path = g_getenv ("PROV_PLUGIN_PATH");
  if (plugin_path == NULL || plugin_path[0] == '\0')
    plugin_path = PROV_PLUGINSDIR;
  if (block_env != NULL)
    blocked = g_strsplit (block_env, ",", -1);
  self->registry = prov_registry_new ();
  cache_path = g_build_filename (state_dir, "plugin-cache.ini", NULL);
  prov_registry_set_cache (self->registry, cache_path);
  prov_registry_load_path (self->registry, plugin_path, (const char *const *) blocked);

  status_path = g_build_filename (state_dir, "status.ini", NULL);
  self->status = prov_status_new (status_path);
  if (!prov_status_load (self->status, error))
    return NULL;
  /* $SWVER is what an earlier upgrade installed, not what the file still says. */
  prov_upgrader_apply_installed (self->status, self->device);
  self->engine = prov_engine_new (self->store, self->device, self->registry, self->status,
                                  state_dir);
  /* The custom CA runs before every resync's rules. */
  prov_custom_ca_attach (self->engine);
  self->appliers = prov_appliers_new (self->engine);
  return g_steal_pointer (&self);
}

const char *
prov_context_get_state_dir (ProvContext *self)
{
  g_return_val_if_fail (PROV_IS_CONTEXT (self), NULL);
  return self->state_dir;
}

ProvSchema *
prov_context_get_schema (ProvContext *self)
{
  g_return_val_if_fail (PROV_IS_CONTEXT (self), NULL);
  return self->schema;
}

ProvStore *
prov_context_get_store (ProvContext *self)
{
  g_return_val_if_fail (PROV_IS_CONTEXT (self), NULL);
  return self->store;
}

ProvDevice *
prov_context_get_device (ProvContext *self)
{
  g_return_val_if_fail (PROV_IS_CONTEXT (self), NULL);
  return self->device;
}

ProvRegistry *
prov_context_get_registry (ProvContext *self)
{
  g_return_val_if_fail (PROV_IS_CONTEXT (self), NULL);
  return self->registry;
}

ProvStatus *
prov_context_get_status (ProvContext *self)
{
  g_return_val_if_fail (PROV_IS_CONTEXT (self), NULL);
  return self->status;
}

ProvEngine *
prov_context_get_engine (ProvContext *self)
{
  g_return_val_if_fail (PROV_IS_CONTEXT (self), NULL);
  return self->engine;
}

ProvAppliers *
prov_context_get_appliers (ProvContext *self)
{
  g_return_val_if_fail (PROV_IS_CONTEXT (self), NULL);
  return self->appliers;
}
