/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-error.h"
#include "prov-applier.h"
#include "prov-codec-private.h"
#include "prov-installer.h"
#include "prov-plugin-cache.h"
#include "prov-plugin-loader.h"
#include "prov-registry.h"
#include "prov-registry-private.h"
#include "prov-trigger.h"

#define MAX_LAYERS 8

struct _ProvRegistry
{
  GObject     parent_instance;

  GPtrArray  *plugins;    /* ProvPlugin*, load order */
  GHashTable *transports; /* scheme (lower case) → ProvPlugin* */
  GHashTable *sources;    /* scheme (lower case) → ProvPlugin* */
  GPtrArray  *codecs;     /* ProvPlugin*, highest priority first */
  GHashTable *order;      /* ProvPlugin* → its place in the load order, from 1 */
  guint       n_seen;     /* plugin files and plugins met so far */
  /* Plugins known from the cache, loaded when one of their schemes is
   * asked for, codecs when data they recognize comes (or all of them, by
   * prov_registry_get_plugins). */
  GPtrArray  *pending;         /* Pending* */
  GHashTable *pending_schemes; /* scheme (lower case) → GPtrArray of Pending* */
  GPtrArray  *pending_codecs;  /* Pending* */
  GPtrArray  *pending_appliers; /* Pending* */
  char       *cache_path;
  GStrv       blocked;
};

typedef struct
{
  char     *path;
  guint     order;
  gboolean  done;
  char     *name;      /* codecs and appliers: what the cache knows of them */
  GStrv     magic;
  GStrv     encodings;
} Pending;

static void
pending_free (Pending *pending)
{
  g_free (pending->path);
  g_free (pending->name);
  g_strfreev (pending->magic);
  g_strfreev (pending->encodings);
  g_free (pending);
}

G_DEFINE_TYPE (ProvRegistry, prov_registry, G_TYPE_OBJECT)

static void
prov_registry_finalize (GObject *object)
{
  ProvRegistry *self = PROV_REGISTRY (object);

  g_hash_table_unref (self->transports);
  g_hash_table_unref (self->sources);
  g_ptr_array_unref (self->codecs);
  g_ptr_array_unref (self->plugins);
  g_hash_table_unref (self->order);
  g_hash_table_unref (self->pending_schemes);
  g_ptr_array_unref (self->pending_codecs);
  g_ptr_array_unref (self->pending_appliers);
  g_ptr_array_unref (self->pending);
  g_free (self->cache_path);
  g_strfreev (self->blocked);
  G_OBJECT_CLASS (prov_registry_parent_class)->finalize (object);
}

static void
prov_registry_class_init (ProvRegistryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = prov_registry_finalize;
}

static void
prov_registry_init (ProvRegistry *self)
{
  self->plugins = g_ptr_array_new_with_free_func (g_object_unref);
  self->transports = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->sources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->codecs = g_ptr_array_new ();
  self->order = g_hash_table_new (NULL, NULL);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  self->pending_schemes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify) g_ptr_array_unref);
  self->pending_codecs = g_ptr_array_new ();
  self->pending_appliers = g_ptr_array_new ();
}

static guint
order_of (ProvRegistry *self, ProvPlugin *plugin)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->order, plugin));
}

ProvRegistry *
prov_registry_new (void)
{
  return g_object_new (PROV_TYPE_REGISTRY, NULL);
}

/* Keeps the higher-priority claimant of a scheme; on a tie the first in
 * load order (plugins of the cache may be loaded later than their turn). */
static void
claim_schemes (ProvRegistry *self, GHashTable *table, ProvPlugin *plugin)
{
  const char *const *schemes = prov_plugin_get_schemes (plugin);

  for (guint i = 0; schemes != NULL && schemes[i] != NULL; i++)
    {
      const char *colon = strchr (schemes[i], ':');
      g_autofree char *scheme = g_ascii_strdown (schemes[i],
                                                 colon != NULL ? colon - schemes[i] : -1);
      ProvPlugin *current = g_hash_table_lookup (table, scheme);

      if (current != NULL
          && (prov_plugin_get_priority (current) > prov_plugin_get_priority (plugin)
              || (prov_plugin_get_priority (current) == prov_plugin_get_priority (plugin)
                  && order_of (self, current) < order_of (self, plugin))))
        {
          g_debug ("scheme %s: keeping %s over %s", scheme, prov_plugin_get_name (current),
                   prov_plugin_get_name (plugin));
          continue;
        }
      g_hash_table_replace (table, g_steal_pointer (&scheme), plugin);
    }
}

/* Highest priority first; on a tie the first in load order (a codec of
 * the cache may be loaded later than its turn). */
static int
compare_priority (gconstpointer a, gconstpointer b, gpointer user_data)
{
  ProvRegistry *self = user_data;
  ProvPlugin *pa = *(ProvPlugin **) a;
  ProvPlugin *pb = *(ProvPlugin **) b;
  guint x = order_of (self, pa), y = order_of (self, pb);

  if (prov_plugin_get_priority (pa) != prov_plugin_get_priority (pb))
    return prov_plugin_get_priority (pb) - prov_plugin_get_priority (pa);
  return x < y ? -1 : x > y;
}

gboolean
prov_registry_add_plugin (ProvRegistry *self, ProvPlugin *plugin, GError **error)
{
  gboolean handles = FALSE;

  g_return_val_if_fail (PROV_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (PROV_IS_PLUGIN (plugin), FALSE);

  if (order_of (self, plugin) == 0)
    g_hash_table_insert (self->order, plugin, GUINT_TO_POINTER (++self->n_seen));
  if (PROV_IS_TRANSPORT (plugin))
    {
      claim_schemes (self, self->transports, plugin);
      handles = TRUE;
    }
  if (PROV_IS_SOURCE (plugin))
    {
      claim_schemes (self, self->sources, plugin);
      handles = TRUE;
    }
  if (PROV_IS_CODEC (plugin))
    {
      g_ptr_array_add (self->codecs, plugin);
      g_ptr_array_sort_with_data (self->codecs, compare_priority, self);
      handles = TRUE;
    }
  /* Triggers, installers and appliers are looked up by interface. */
  if (PROV_IS_TRIGGER (plugin) || PROV_IS_INSTALLER (plugin) || PROV_IS_APPLIER (plugin))
    handles = TRUE;
  if (!handles)
    {
      g_hash_table_remove (self->order, plugin);
      g_set_error (error, PROV_ERROR, PROV_ERROR_PLUGIN,
                   "plugin %s implements no provisiond interface", prov_plugin_get_name (plugin));
      return FALSE;
    }
  g_ptr_array_add (self->plugins, g_object_ref (plugin));
  return TRUE;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static gboolean
is_plugin_file_name (const char *name)
{
  return g_str_has_prefix (name, "libprov-plugin-") && g_str_has_suffix (name, ".so");
}

/* Loads the plugin file @path, which comes @order-th; NULL when refused,
 * blocked or useless (all logged). */
static ProvPlugin *
load_file (ProvRegistry *self, const char *path, guint order)
{
  g_autoptr(ProvPlugin) plugin = NULL;
  g_autoptr(GError) error = NULL;

  plugin = prov_plugin_load_file (path, &error);
  if (plugin == NULL)
    {
      g_warning ("%s", error->message);
      return NULL;
    }
  if (self->blocked != NULL && g_strv_contains ((const char *const *) self->blocked,
                                                prov_plugin_get_name (plugin)))
    {
      g_info ("plugin %s (%s) blocked by PROV_PLUGIN_BLOCK", prov_plugin_get_name (plugin), path);
      return NULL;
    }
  g_hash_table_insert (self->order, plugin, GUINT_TO_POINTER (order));
  if (!prov_registry_add_plugin (self, plugin, &error))
    {
      g_warning ("%s: %s", path, error->message);
      return NULL;
    }
  g_debug ("loaded plugin %s from %s", prov_plugin_get_name (plugin), path);
  return g_steal_pointer (&plugin);
}

/* Takes @name, @magic and @encodings. */
static void
defer_file (ProvRegistry *self, const char *path, guint order, const char *const *schemes,
            gboolean codec, char *name, GStrv magic, GStrv encodings, gboolean applier)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->path = g_strdup (path);
  pending->order = order;
  pending->name = name;
  pending->magic = magic;
  pending->encodings = encodings;
  g_ptr_array_add (self->pending, pending);
  if (codec)
    g_ptr_array_add (self->pending_codecs, pending);
  if (applier)
    g_ptr_array_add (self->pending_appliers, pending);
  for (guint i = 0; schemes[i] != NULL; i++)
    {
      const char *colon = strchr (schemes[i], ':');
      g_autofree char *scheme = g_ascii_strdown (schemes[i],
                                                 colon != NULL ? colon - schemes[i] : -1);
      GPtrArray *claimants = g_hash_table_lookup (self->pending_schemes, scheme);

      if (claimants == NULL)
        {
          claimants = g_ptr_array_new ();
          g_hash_table_insert (self->pending_schemes, g_strdup (scheme), claimants);
        }
      g_ptr_array_add (claimants, pending);
    }
  g_debug ("plugin %s deferred until one of its schemes is used%s%s", path,
           codec ? " or data it recognizes comes" : "",
           applier ? " or it is enabled as an applier" : "");
}

static void
load_pending (ProvRegistry *self, Pending *pending)
{
  g_autoptr(ProvPlugin) plugin = NULL;

  if (pending->done)
    return;
  pending->done = TRUE;
  plugin = load_file (self, pending->path, pending->order);
}

/* Every plugin that declared @scheme is loaded before it is looked up. */
static void
load_scheme (ProvRegistry *self, const char *scheme)
{
  g_autofree char *lower = NULL;
  GPtrArray *claimants;

  if (scheme == NULL || g_hash_table_size (self->pending_schemes) == 0)
    return;
  lower = g_ascii_strdown (scheme, -1);
  claimants = g_hash_table_lookup (self->pending_schemes, lower);
  for (guint i = 0; claimants != NULL && i < claimants->len; i++)
    load_pending (self, claimants->pdata[i]);
  g_hash_table_remove (self->pending_schemes, lower);
}

/* Every pending codec that @data (or @name, a codec's name) calls for is
 * loaded before the codecs are looked at. */
static void
load_codecs (ProvRegistry *self, GBytes *data, const char *content_encoding, const char *name)
{
  for (guint i = 0; i < self->pending_codecs->len; i++)
    {
      Pending *pending = self->pending_codecs->pdata[i];

      if (name != NULL ? g_strcmp0 (name, pending->name) == 0
                       : prov_codec_declarations_match ((const char *const *) pending->magic,
                                                        (const char *const *) pending->encodings,
                                                        data, content_encoding))
        {
          load_pending (self, pending);
          g_ptr_array_remove_index (self->pending_codecs, i--);
        }
    }
}

static int
compare_order (gconstpointer a, gconstpointer b, gpointer user_data)
{
  ProvRegistry *self = user_data;
  guint x = order_of (self, *(ProvPlugin **) a), y = order_of (self, *(ProvPlugin **) b);

  return x < y ? -1 : x > y;
}

void
prov_registry_load_appliers (ProvRegistry *self, ProvRegistryWantFunc wanted, gpointer user_data)
{
  gboolean loaded = FALSE;

  g_return_if_fail (PROV_IS_REGISTRY (self));

  for (guint i = 0; i < self->pending_appliers->len; i++)
    {
      Pending *pending = self->pending_appliers->pdata[i];

      if (wanted != NULL && !wanted (pending->name, user_data))
        continue;
      load_pending (self, pending);
      g_ptr_array_remove_index (self->pending_appliers, i--);
      loaded = TRUE;
    }
  /* Appliers run in load order. */
  if (loaded)
    g_ptr_array_sort_with_data (self->plugins, compare_order, self);
}

static void
load_all_pending (ProvRegistry *self)
{
  if (self->pending->len == 0)
    return;
  for (guint i = 0; i < self->pending->len; i++)
    load_pending (self, self->pending->pdata[i]);
  g_ptr_array_set_size (self->pending_codecs, 0);
  g_ptr_array_set_size (self->pending_appliers, 0);
  g_ptr_array_set_size (self->pending, 0);
  g_hash_table_remove_all (self->pending_schemes);
  g_ptr_array_sort_with_data (self->plugins, compare_order, self);
}

static guint
load_directory (ProvRegistry *self, const char *dir, ProvPluginCache *cache)
{
  g_autoptr(GDir) gdir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *name;
  guint added = 0;

  gdir = g_dir_open (dir, 0, &error);
  if (gdir == NULL)
    {
      g_debug ("plugin directory %s: %s", dir, error->message);
      return 0;
    }
  while ((name = g_dir_read_name (gdir)) != NULL)
    if (is_plugin_file_name (name))
      g_ptr_array_add (names, g_strdup (name));
  /* Load order must not depend on the file system. */
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);
      g_autoptr(ProvPlugin) plugin = NULL;
      g_autofree char *cached_name = NULL;
      g_auto(GStrv) schemes = NULL;
      g_auto(GStrv) magic = NULL;
      g_auto(GStrv) encodings = NULL;
      gboolean codec = FALSE;
      gboolean applier = FALSE;
      guint order = ++self->n_seen;

      if (cache != NULL
          && prov_plugin_cache_lookup (cache, path, &cached_name, &schemes, &codec, &magic,
                                       &encodings, &applier))
        {
          if (self->blocked != NULL
              && g_strv_contains ((const char *const *) self->blocked, cached_name))
            g_info ("plugin %s (%s) blocked by PROV_PLUGIN_BLOCK", cached_name, path);
          else
            {
              defer_file (self, path, order, (const char *const *) schemes, codec,
                          g_steal_pointer (&cached_name), g_steal_pointer (&magic),
                          g_steal_pointer (&encodings), applier);
              added++;
            }
          continue;
        }
      plugin = load_file (self, path, order);
      if (plugin != NULL && cache != NULL)
        prov_plugin_cache_remember (cache, path, plugin);
      added += plugin != NULL;
    }
  return added;
}

void
prov_registry_set_cache (ProvRegistry *self, const char *cache_path)
{
  g_return_if_fail (PROV_IS_REGISTRY (self));

  g_free (self->cache_path);
  self->cache_path = g_strdup (cache_path);
}

guint
prov_registry_load_path (ProvRegistry *self, const char *path, const char *const *blocked)
{
  g_auto(GStrv) dirs = NULL;
  g_autoptr(ProvPluginCache) cache = NULL;
  guint added = 0;

  g_return_val_if_fail (PROV_IS_REGISTRY (self), 0);
  g_return_val_if_fail (path != NULL, 0);

  g_strfreev (self->blocked);
  self->blocked = g_strdupv ((char **) blocked);
  if (self->cache_path != NULL)
    cache = prov_plugin_cache_load (self->cache_path);
  dirs = g_strsplit (path, G_SEARCHPATH_SEPARATOR_S, -1);
  for (guint i = 0; dirs[i] != NULL; i++)
    if (dirs[i][0] != '\0')
      added += load_directory (self, dirs[i], cache);
  if (cache != NULL)
    prov_plugin_cache_save (cache);
  return added;
}

GPtrArray *
prov_registry_get_plugins (ProvRegistry *self)
{
  g_return_val_if_fail (PROV_IS_REGISTRY (self), NULL);
  load_all_pending (self);
  return self->plugins;
}

GPtrArray *
prov_registry_get_loaded_plugins (ProvRegistry *self)
{
  g_return_val_if_fail (PROV_IS_REGISTRY (self), NULL);
  return self->plugins;
}

static ProvPlugin *
lookup_scheme (GHashTable *table, const char *scheme)
{
  g_autofree char *lower = NULL;

  if (scheme == NULL)
    return NULL;
  lower = g_ascii_strdown (scheme, -1);
  return g_hash_table_lookup (table, lower);
}

ProvTransport *
prov_registry_lookup_transport (ProvRegistry *self, const char *scheme)
{
  g_return_val_if_fail (PROV_IS_REGISTRY (self), NULL);
  load_scheme (self, scheme);
  return (ProvTransport *) lookup_scheme (self->transports, scheme);
}

ProvSource *
prov_registry_lookup_source (ProvRegistry *self, const char *scheme)
{
  g_return_val_if_fail (PROV_IS_REGISTRY (self), NULL);
  load_scheme (self, scheme);
  return (ProvSource *) lookup_scheme (self->sources, scheme);
}

guint
prov_registry_get_default_port (ProvRegistry *self, const char *scheme)
{
  ProvPlugin *plugin;

  g_return_val_if_fail (PROV_IS_REGISTRY (self), 0);
  load_scheme (self, scheme);
  plugin = lookup_scheme (self->transports, scheme);
  if (plugin == NULL)
    plugin = lookup_scheme (self->sources, scheme);
  return plugin != NULL ? prov_plugin_get_default_port (plugin, scheme) : 0;
}

ProvCodec *
prov_registry_find_codec (ProvRegistry *self, GBytes *data, const char *content_encoding)
{
  g_return_val_if_fail (PROV_IS_REGISTRY (self), NULL);

  load_codecs (self, data, content_encoding, NULL);
  for (guint i = 0; i < self->codecs->len; i++)
    if (prov_codec_recognize (self->codecs->pdata[i], data, content_encoding))
      return self->codecs->pdata[i];
  return NULL;
}

ProvCodec *
prov_registry_lookup_codec (ProvRegistry *self, const char *name)
{
  g_return_val_if_fail (PROV_IS_REGISTRY (self), NULL);

  load_codecs (self, NULL, NULL, name);
  for (guint i = 0; i < self->codecs->len; i++)
    if (g_strcmp0 (prov_plugin_get_name (self->codecs->pdata[i]), name) == 0)
      return self->codecs->pdata[i];
  return NULL;
}

static gboolean
looks_like_xml (const guint8 *buf, gsize len)
{
  gsize i = 0;

  if (len >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf)
    i = 3;
  while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
    i++;
  return i < len && buf[i] == '<';
}

gboolean
prov_registry_is_payload (ProvRegistry *self, GBytes *plain)
{
  gsize len = 0;
  const guint8 *buf = g_bytes_get_data (plain, &len);

  return looks_like_xml (buf, len) || prov_registry_find_codec (self, plain, NULL) != NULL;
}

static gboolean
registry_check_payload (GBytes *plain, gpointer user_data)
{
  return prov_registry_is_payload (PROV_REGISTRY (user_data), plain);
}

GBytes *
prov_registry_decode (ProvRegistry      *self,
                      GBytes            *data,
                      const char        *content_encoding,
                      ProvCodecContext  *context,
                      GStrv             *layers,
                      GError           **error)
{
  g_autoptr(GBytes) current = g_bytes_ref (data);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  ProvCodecContext local = { 0 };
  ProvCodecContext *ctx = context != NULL ? context : &local;

  g_return_val_if_fail (PROV_IS_REGISTRY (self), NULL);

  if (ctx->check_payload == NULL)
    {
      ctx->check_payload = registry_check_payload;
      ctx->check_payload_data = self;
    }
  for (guint depth = 0;; depth++)
    {
      ProvCodec *codec = prov_registry_find_codec (self, current, depth == 0 ? content_encoding
                                                                            : NULL);
      g_autoptr(GBytes) next = NULL;

      if (codec == NULL)
        break;
      if (depth == MAX_LAYERS)
        {
          g_set_error (error, PROV_ERROR, PROV_ERROR_CORRUPT,
                       "corrupt file: more than %d layers", MAX_LAYERS);
          return NULL;
        }
      next = prov_codec_decode (codec, current, ctx, error);
      if (next == NULL)
        return NULL;
      g_strv_builder_add (names, prov_plugin_get_name (PROV_PLUGIN (codec)));
      g_bytes_unref (current);
      current = g_steal_pointer (&next);
    }
  if (layers != NULL)
    *layers = g_strv_builder_end (names);
  return g_steal_pointer (&current);
}
