/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdint.h>
#include <sys/stat.h>

#include "prov-applier.h"
#include "prov-codec.h"
#include "prov-codec-private.h"
#include "prov-plugin-cache.h"

/* Loading a plugin costs what its libraries cost: the http, gds and
 * action-url plugins bring libsoup and a dozen libraries bound at load
 * (BIND_NOW), a quarter of a `file://` resync's process, and the aes codec
 * brings GnuTLS and seven. A plugin that the process may not need is
 * loaded when a scheme it declared is asked for; a codec when data starts
 * with its magic or comes with its content-encoding; an applier when it is
 * enabled (ProvAppliers asks for those) or the appliers are listed. What
 * it declared comes from this cache, one group per plugin file:
 *
 *   [/usr/lib/…/libprov-plugin-gzip.so]
 *   Stat=<dev>:<inode>:<size>:<mtime s.ns>:<ctime s.ns>
 *   Name=gzip
 *   Schemes=
 *   Codec=true
 *   Magic=1f8b;
 *   ContentEncodings=gzip;x-gzip;
 *   Applier=false
 *   Eager=false
 *
 * Eager plugins (codecs that recognize data their own way) are loaded
 * every time. A file
 * that changed, or that no process has loaded yet, is loaded at once and
 * its entry written. The cache only decides *when* a plugin file is
 * loaded: the loader still checks the file and its ABI, and the tables
 * are built from what the loaded plugin declares. A cache of another
 * format ([Format] Version) is an empty one. */

#define FORMAT_GROUP   "Format"
#define FORMAT_VERSION 2

struct _ProvPluginCache
{
  char     *path;
  GKeyFile *keyfile;
  gboolean  changed;
};

ProvPluginCache *
prov_plugin_cache_load (const char *path)
{
  ProvPluginCache *cache = g_new0 (ProvPluginCache, 1);
  g_autoptr(GError) error = NULL;

  cache->path = g_strdup (path);
  cache->keyfile = g_key_file_new ();
  if (!g_key_file_load_from_file (cache->keyfile, path, G_KEY_FILE_NONE, &error)
      && !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    g_debug ("plugin cache %s: %s", path, error->message);
  if (g_key_file_get_integer (cache->keyfile, FORMAT_GROUP, "Version", NULL) != FORMAT_VERSION)
    {
      g_key_file_unref (cache->keyfile);
      cache->keyfile = g_key_file_new ();
    }
  return cache;
}

void
prov_plugin_cache_free (ProvPluginCache *cache)
{
  if (cache == NULL)
    return;
  g_key_file_unref (cache->keyfile);
  g_free (cache->path);
  g_free (cache);
}

static char *
file_stamp (const char *file)
{
  struct stat st;

  if (stat (file, &st) != 0)
    return NULL;
  return g_strdup_printf ("%ju:%ju:%jd:%jd.%09ld:%jd.%09ld", (uintmax_t) st.st_dev,
                          (uintmax_t) st.st_ino, (intmax_t) st.st_size,
                          (intmax_t) st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                          (intmax_t) st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
}

gboolean
prov_plugin_cache_lookup (ProvPluginCache *cache, const char *file, char **name, GStrv *schemes,
                          gboolean *codec, GStrv *magic, GStrv *encodings, gboolean *applier)
{
  g_autofree char *stamp = file_stamp (file);
  g_autofree char *cached = g_key_file_get_string (cache->keyfile, file, "Stat", NULL);
  g_autofree char *cached_name = g_key_file_get_string (cache->keyfile, file, "Name", NULL);

  if (stamp == NULL || g_strcmp0 (stamp, cached) != 0 || cached_name == NULL
      || g_key_file_get_boolean (cache->keyfile, file, "Eager", NULL)
      || !g_key_file_has_key (cache->keyfile, file, "Eager", NULL))
    return FALSE;
  *schemes = g_key_file_get_string_list (cache->keyfile, file, "Schemes", NULL, NULL);
  if (*schemes == NULL)
    *schemes = g_new0 (char *, 1);
  *codec = g_key_file_get_boolean (cache->keyfile, file, "Codec", NULL);
  *magic = g_key_file_get_string_list (cache->keyfile, file, "Magic", NULL, NULL);
  *encodings = g_key_file_get_string_list (cache->keyfile, file, "ContentEncodings", NULL, NULL);
  *applier = g_key_file_get_boolean (cache->keyfile, file, "Applier", NULL);
  *name = g_steal_pointer (&cached_name);
  return TRUE;
}

static void
set_list (GKeyFile *keyfile, const char *group, const char *key, const char *const *list)
{
  const char *const none[] = { NULL };

  list = list != NULL ? list : none;
  g_key_file_set_string_list (keyfile, group, key, list, g_strv_length ((char **) list));
}

void
prov_plugin_cache_remember (ProvPluginCache *cache, const char *file, ProvPlugin *plugin)
{
  g_autofree char *stamp = file_stamp (file);
  g_autofree char *cached = g_key_file_get_string (cache->keyfile, file, "Stat", NULL);
  gboolean codec = PROV_IS_CODEC (plugin);

  /* Eager plugins are loaded every time: their entry changes only with
   * the file (or with the format of this cache). */
  if (stamp == NULL
      || (g_strcmp0 (stamp, cached) == 0 && g_key_file_has_key (cache->keyfile, file, "Eager", NULL)))
    return;
  g_key_file_set_string (cache->keyfile, file, "Stat", stamp);
  g_key_file_set_string (cache->keyfile, file, "Name", prov_plugin_get_name (plugin));
  set_list (cache->keyfile, file, "Schemes", prov_plugin_get_schemes (plugin));
  g_key_file_set_boolean (cache->keyfile, file, "Codec", codec);
  if (codec)
    {
      set_list (cache->keyfile, file, "Magic", prov_plugin_get_magic (plugin));
      set_list (cache->keyfile, file, "ContentEncodings",
                prov_plugin_get_content_encodings (plugin));
    }
  else
    {
      g_key_file_remove_key (cache->keyfile, file, "Magic", NULL);
      g_key_file_remove_key (cache->keyfile, file, "ContentEncodings", NULL);
    }
  g_key_file_set_boolean (cache->keyfile, file, "Applier", PROV_IS_APPLIER (plugin));
  g_key_file_set_boolean (cache->keyfile, file, "Eager",
                          codec && !prov_codec_recognizes_by_declarations (PROV_CODEC (plugin)));
  cache->changed = TRUE;
}

void
prov_plugin_cache_save (ProvPluginCache *cache)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len;

  if (!cache->changed)
    return;
  g_key_file_set_integer (cache->keyfile, FORMAT_GROUP, "Version", FORMAT_VERSION);
  data = g_key_file_to_data (cache->keyfile, &len, NULL);
  /* Written only when a plugin changed: rare, so an atomic replace. */
  if (!g_file_set_contents_full (cache->path, data, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_debug ("plugin cache: %s", error->message);
  cache->changed = FALSE;
}
