/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-http-cache.h"

/*
 * The validators (ETag, Last-Modified) of each URL, for conditional GETs:
 * an unchanged profile then costs one small 304. With a state directory
 * they persist in http-cache.ini so that a restart does not re-download;
 * without one they live as long as the plugin.
 */
#define CACHE_FILE "http-cache.ini"
#define KEY_ETAG "ETag"
#define KEY_LAST_MODIFIED "Last-Modified"

struct _ProvHttpCache
{
  GObject     parent_instance;

  GHashTable *memory; /* url → GStrv { etag, last-modified }, "" = none */
};

G_DEFINE_FINAL_TYPE (ProvHttpCache, prov_http_cache, G_TYPE_OBJECT)

static void
prov_http_cache_finalize (GObject *object)
{
  g_hash_table_unref (PROV_HTTP_CACHE (object)->memory);
  G_OBJECT_CLASS (prov_http_cache_parent_class)->finalize (object);
}

static void
prov_http_cache_class_init (ProvHttpCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = prov_http_cache_finalize;
}

static void
prov_http_cache_init (ProvHttpCache *self)
{
  self->memory = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_strfreev);
}

ProvHttpCache *
prov_http_cache_new (void)
{
  return g_object_new (PROV_TYPE_HTTP_CACHE, NULL);
}

/* Key-file group names may not hold '[', ']' or control characters. */
static char *
group_for_url (const char *url)
{
  return g_uri_escape_string (url, ":/?#@!$&'()*+,;=%~", FALSE);
}

static char *
nonempty (char *value)
{
  if (value != NULL && value[0] == '\0')
    g_clear_pointer (&value, g_free);
  return value;
}

void
prov_http_cache_lookup (ProvHttpCache  *self,
                        const char     *state_dir,
                        const char     *url,
                        char          **etag,
                        char          **last_modified)
{
  *etag = NULL;
  *last_modified = NULL;
  if (state_dir != NULL)
    {
      g_autofree char *path = g_build_filename (state_dir, CACHE_FILE, NULL);
      g_autofree char *group = group_for_url (url);
      g_autoptr(GKeyFile) kf = g_key_file_new ();

      if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
        return;
      *etag = nonempty (g_key_file_get_string (kf, group, KEY_ETAG, NULL));
      *last_modified = nonempty (g_key_file_get_string (kf, group, KEY_LAST_MODIFIED, NULL));
    }
  else
    {
      GStrv entry = g_hash_table_lookup (self->memory, url);

      if (entry == NULL)
        return;
      *etag = nonempty (g_strdup (entry[0]));
      *last_modified = nonempty (g_strdup (entry[1]));
    }
}

void
prov_http_cache_store (ProvHttpCache *self,
                       const char    *state_dir,
                       const char    *url,
                       const char    *etag,
                       const char    *last_modified)
{
  g_autofree char *path = NULL;
  g_autofree char *group = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GKeyFile) kf = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  if (state_dir == NULL)
    {
      if (etag == NULL && last_modified == NULL)
        {
          g_hash_table_remove (self->memory, url);
          return;
        }
      char *entry[] = { (char *) (etag != NULL ? etag : ""),
                        (char *) (last_modified != NULL ? last_modified : ""), NULL };

      g_hash_table_replace (self->memory, g_strdup (url), g_strdupv (entry));
      return;
    }

  path = g_build_filename (state_dir, CACHE_FILE, NULL);
  group = group_for_url (url);
  kf = g_key_file_new ();
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_KEEP_COMMENTS, &error)
      && !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    g_debug ("%s unreadable, starting afresh: %s", path, error->message);
  g_clear_error (&error);

  if (etag == NULL && last_modified == NULL)
    {
      if (!g_key_file_remove_group (kf, group, NULL))
        return;
    }
  else
    {
      g_key_file_remove_group (kf, group, NULL);
      if (etag != NULL)
        g_key_file_set_string (kf, group, KEY_ETAG, etag);
      if (last_modified != NULL)
        g_key_file_set_string (kf, group, KEY_LAST_MODIFIED, last_modified);
    }

  data = g_key_file_to_data (kf, &len, NULL);
  if (!g_file_set_contents_full (path, data, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &error))
    g_warning ("cannot save HTTP validators: %s", error->message);
}
