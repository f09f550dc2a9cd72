/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "prov-custom-ca.h"
#include "prov-error.h"
#include "prov-http-session.h"
#include "prov-http-trust.h"

/*
 * A certificate is trusted when any of the custom CA files or the system
 * store verifies the whole chain *and* the server identity: every member
 * database is asked with the identity, so the host name is checked on each
 * path and nothing is accepted merely because one store erred. The custom
 * files come first and the system store is only opened when they fail, which
 * keeps a private-CA handshake cheap.
 *
 * Each file is parsed once per process and again only when it changes (its
 * inode, size, mtime or ctime): a daemon's resyncs reuse the parsed CAs, and
 * the system bundle is parsed only when a chain gets that far. Why this
 * matters, and why the system store is read from its file here rather than
 * through glib-networking's default database: see README.md, "Trust and
 * connections".
 */
struct _ProvHttpTrust
{
  GTlsDatabase  parent_instance;

  GPtrArray    *paths;  /* absolute paths of the custom CA files, in order */
  gboolean      system; /* also the system store, after them */
};

/* The file GnuTLS reads for its system trust on Debian (and most others);
 * where it does not exist, glib-networking's own default database is used. */
#define SYSTEM_CA_FILE "/etc/ssl/certs/ca-certificates.crt"

typedef struct
{
  GTlsDatabase *db;
  dev_t         dev;
  ino_t         ino;
  off_t         size;
  struct timespec mtime, ctime;
} TrustFile;

/* Verification runs in glib-networking's handshake thread: one lock. */
static GMutex cache_lock;
static GHashTable *cache; /* path → TrustFile */
static guint n_loads;

static void
trust_file_free (TrustFile *file)
{
  g_object_unref (file->db);
  g_free (file);
}

static gboolean
same_file (const TrustFile *file, const struct stat *st)
{
  return file->dev == st->st_dev && file->ino == st->st_ino && file->size == st->st_size
         && file->mtime.tv_sec == st->st_mtim.tv_sec && file->mtime.tv_nsec == st->st_mtim.tv_nsec
         && file->ctime.tv_sec == st->st_ctim.tv_sec && file->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

/* The parsed database of the CA file @path, from the cache while the file
 * is unchanged. */
static GTlsDatabase *
trust_file_get (const char *path, GError **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&cache_lock);
  TrustFile *file;
  struct stat st;
  GTlsDatabase *db;

  if (stat (path, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s: %s", path,
                   g_strerror (saved_errno));
      return NULL;
    }
  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                   (GDestroyNotify) trust_file_free);
  file = g_hash_table_lookup (cache, path);
  if (file != NULL && same_file (file, &st))
    return g_object_ref (file->db);
  db = g_tls_file_database_new (path, error);
  if (db == NULL)
    return NULL;
  n_loads++;
  g_debug ("trust: loaded %s", path);
  file = g_new0 (TrustFile, 1);
  file->db = g_object_ref (db);
  file->dev = st.st_dev;
  file->ino = st.st_ino;
  file->size = st.st_size;
  file->mtime = st.st_mtim;
  file->ctime = st.st_ctim;
  g_hash_table_replace (cache, g_strdup (path), file);
  return db;
}

guint
prov_http_trust_get_n_loads (void)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&cache_lock);

  return n_loads;
}

/* The system store: its file, or glib-networking's own database (asked of
 * the backend itself, since the process's default may be ours). */
static GTlsDatabase *
system_database (void)
{
  static GTlsDatabase *fallback;
  static gsize once;
  GTlsBackend *backend;

  if (g_file_test (SYSTEM_CA_FILE, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GError) error = NULL;
      GTlsDatabase *db = trust_file_get (SYSTEM_CA_FILE, &error);

      if (db != NULL)
        return db;
      g_debug ("trust: %s", error->message);
    }
  if (g_once_init_enter (&once))
    {
      backend = g_tls_backend_get_default ();
      fallback = G_TLS_BACKEND_GET_INTERFACE (backend)->get_default_database (backend);
      g_once_init_leave (&once, 1);
    }
  return fallback != NULL ? g_object_ref (fallback) : NULL;
}

G_DEFINE_FINAL_TYPE (ProvHttpTrust, prov_http_trust, G_TYPE_TLS_DATABASE)

/* Counts error bits, to report the verdict of the store that came closest. */
static guint
flag_count (GTlsCertificateFlags flags)
{
  return (guint) __builtin_popcount ((unsigned int) flags);
}

static GTlsCertificateFlags
prov_http_trust_verify_chain (GTlsDatabase             *database,
                              GTlsCertificate          *chain,
                              const char               *purpose,
                              GSocketConnectable       *identity,
                              GTlsInteraction          *interaction,
                              GTlsDatabaseVerifyFlags   flags,
                              GCancellable             *cancellable,
                              GError                  **error)
{
  ProvHttpTrust *self = PROV_HTTP_TRUST (database);
  GTlsCertificateFlags best = G_TLS_CERTIFICATE_GENERIC_ERROR | G_TLS_CERTIFICATE_UNKNOWN_CA;

  for (guint i = 0; i <= self->paths->len; i++)
    {
      g_autoptr(GTlsDatabase) db = NULL;
      GTlsCertificateFlags result;
      g_autoptr(GError) local_error = NULL;

      if (i < self->paths->len)
        db = trust_file_get (g_ptr_array_index (self->paths, i), &local_error);
      else if (self->system)
        db = system_database ();
      if (db == NULL)
        {
          /* A file removed since: the others may still do. */
          if (local_error != NULL)
            g_debug ("trust: %s", local_error->message);
          continue;
        }
      result = g_tls_database_verify_chain (db, chain, purpose, identity, interaction, flags,
                                            cancellable, &local_error);
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return G_TLS_CERTIFICATE_GENERIC_ERROR;
        }
      if (local_error == NULL && result == 0)
        return 0;
      if (local_error == NULL && flag_count (result) < flag_count (best))
        best = result;
    }
  return best;
}

static GTlsCertificate *
prov_http_trust_lookup_certificate_issuer (GTlsDatabase             *database,
                                           GTlsCertificate          *certificate,
                                           GTlsInteraction          *interaction,
                                           GTlsDatabaseLookupFlags   flags,
                                           GCancellable             *cancellable,
                                           GError                  **error)
{
  ProvHttpTrust *self = PROV_HTTP_TRUST (database);

  for (guint i = 0; i < self->paths->len; i++)
    {
      g_autoptr(GTlsDatabase) db = trust_file_get (g_ptr_array_index (self->paths, i), NULL);
      GTlsCertificate *issuer;

      if (db == NULL)
        continue;
      issuer = g_tls_database_lookup_certificate_issuer (db, certificate, interaction, flags,
                                                         cancellable, NULL);
      if (issuer != NULL)
        return issuer;
    }
  return NULL;
}

static GList *
prov_http_trust_lookup_certificates_issued_by (GTlsDatabase             *database,
                                               GByteArray               *issuer_raw_dn,
                                               GTlsInteraction          *interaction,
                                               GTlsDatabaseLookupFlags   flags,
                                               GCancellable             *cancellable,
                                               GError                  **error)
{
  ProvHttpTrust *self = PROV_HTTP_TRUST (database);
  GList *all = NULL;

  for (guint i = 0; i < self->paths->len; i++)
    {
      g_autoptr(GTlsDatabase) db = trust_file_get (g_ptr_array_index (self->paths, i), NULL);

      if (db != NULL)
        all = g_list_concat (all, g_tls_database_lookup_certificates_issued_by (
                                    db, issuer_raw_dn, interaction, flags, cancellable, NULL));
    }
  return all;
}

static char *
prov_http_trust_create_certificate_handle (GTlsDatabase    *database,
                                           GTlsCertificate *certificate)
{
  return NULL;
}

static GTlsCertificate *
prov_http_trust_lookup_certificate_for_handle (GTlsDatabase             *database,
                                               const char               *handle,
                                               GTlsInteraction          *interaction,
                                               GTlsDatabaseLookupFlags   flags,
                                               GCancellable             *cancellable,
                                               GError                  **error)
{
  return NULL;
}

static void
prov_http_trust_finalize (GObject *object)
{
  ProvHttpTrust *self = PROV_HTTP_TRUST (object);

  g_ptr_array_unref (self->paths);
  G_OBJECT_CLASS (prov_http_trust_parent_class)->finalize (object);
}

static void
prov_http_trust_class_init (ProvHttpTrustClass *klass)
{
  GTlsDatabaseClass *db_class = G_TLS_DATABASE_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = prov_http_trust_finalize;
  db_class->verify_chain = prov_http_trust_verify_chain;
  db_class->lookup_certificate_issuer = prov_http_trust_lookup_certificate_issuer;
  db_class->lookup_certificates_issued_by = prov_http_trust_lookup_certificates_issued_by;
  db_class->create_certificate_handle = prov_http_trust_create_certificate_handle;
  db_class->lookup_certificate_for_handle = prov_http_trust_lookup_certificate_for_handle;
}

static void
prov_http_trust_init (ProvHttpTrust *self)
{
  self->paths = g_ptr_array_new_with_free_func (g_free);
  self->system = TRUE;
}

/* Checks that the file loads (from the cache when unchanged). */
static gboolean
add_file (ProvHttpTrust *self, const char *path, GError **error)
{
  /* glib-networking refuses a relative anchor file. */
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autoptr(GTlsDatabase) db = trust_file_get (absolute, error);

  if (db == NULL)
    return FALSE;
  g_ptr_array_add (self->paths, g_steal_pointer (&absolute));
  return TRUE;
}

/* A directory contributes each regular file that parses as PEM; an odd file
 * (a README, a hash link to a broken target) is skipped, not fatal. */
static gboolean
add_directory (ProvHttpTrust *self, const char *path, GError **error)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  /* Stable order, so that which store "came closest" does not vary. */
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *file = g_build_filename (path, g_ptr_array_index (names, i), NULL);
      g_autoptr(GError) local_error = NULL;

      if (!g_file_test (file, G_FILE_TEST_IS_REGULAR))
        continue;
      if (!add_file (self, file, &local_error))
        g_debug ("skipping CA file %s: %s", file, local_error->message);
    }
  return TRUE;
}

/* @ca_paths: PEM files or directories of PEM files, NULL-terminated. */
ProvHttpTrust *
prov_http_trust_new (const char *const *ca_paths, GError **error)
{
  g_autoptr(ProvHttpTrust) self = g_object_new (PROV_TYPE_HTTP_TRUST, NULL);

  for (guint i = 0; ca_paths != NULL && ca_paths[i] != NULL; i++)
    {
      const char *path = ca_paths[i];
      gboolean ok;

      ok = g_file_test (path, G_FILE_TEST_IS_DIR) ? add_directory (self, path, error)
                                                   : add_file (self, path, error);
      if (!ok)
        {
          g_prefix_error (error, "CA file %s: ", path);
          return NULL;
        }
    }
  return g_steal_pointer (&self);
}

/* [Device] CAFile and [http] CAFile into @paths; the custom CA the engine
 * installed in the state directory, when it exists, into @custom. */
static void
fetch_ca_paths (ProvFetch *fetch, GPtrArray *paths, char **custom)
{
  ProvDevice *device = prov_fetch_get_device (fetch);
  g_autofree char *setting = prov_fetch_get_setting (fetch, PROV_HTTP_SETTINGS_GROUP, "CAFile");
  const char *state_dir = prov_fetch_get_state_dir (fetch);

  if (device != NULL && prov_device_get_ca_file (device) != NULL)
    g_ptr_array_add (paths, g_strdup (prov_device_get_ca_file (device)));
  if (setting != NULL && g_strstrip (setting)[0] != '\0')
    g_ptr_array_add (paths, g_steal_pointer (&setting));
  *custom = state_dir != NULL ? g_build_filename (state_dir, PROV_CUSTOM_CA_FILE, NULL) : NULL;
  if (*custom != NULL && !g_file_test (*custom, G_FILE_TEST_IS_REGULAR))
    g_clear_pointer (custom, g_free);
}

/* [Device] CAFile, [http] CAFile and the custom CA the engine installed in
 * the state directory; NULL (the system store alone) when there is none. A
 * custom CA that does not load is skipped: it was checked when installed,
 * and refusing every https fetch would also block fetching a better one. */
ProvHttpTrust *
prov_http_trust_new_for_fetch (ProvFetch *fetch, GError **error)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *custom = NULL;
  g_autoptr(ProvHttpTrust) self = NULL;
  g_autoptr(GError) local_error = NULL;

  fetch_ca_paths (fetch, paths, &custom);
  if (paths->len == 0 && custom == NULL)
    return NULL;
  g_ptr_array_add (paths, NULL);
  self = prov_http_trust_new ((const char *const *) paths->pdata, error);
  if (self == NULL)
    return NULL;
  if (custom != NULL && !add_file (self, custom, &local_error))
    g_message ("fetch %u: custom CA %s skipped: %s", prov_fetch_get_id (fetch), custom,
               local_error->message);
  return g_steal_pointer (&self);
}

/* Names the trust of @fetch without reading certificates: the CA paths
 * with what stat says of them, so that a changed file gives a new key. */
char *
prov_http_trust_key_for_fetch (ProvFetch *fetch)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) key = g_string_new (NULL);
  g_autofree char *custom = NULL;

  fetch_ca_paths (fetch, paths, &custom);
  if (custom != NULL)
    g_ptr_array_add (paths, g_steal_pointer (&custom));
  for (guint i = 0; i < paths->len; i++)
    {
      struct stat st = { 0 };

      if (stat (paths->pdata[i], &st) != 0)
        memset (&st, 0, sizeof st);
      g_string_append_printf (key, "%s|%ju|%jd|%jd.%ld|%jd.%ld|", (char *) paths->pdata[i],
                              (uintmax_t) st.st_ino, (intmax_t) st.st_size,
                              (intmax_t) st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                              (intmax_t) st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
    }
  return g_string_free (g_steal_pointer (&key), FALSE);
}

/* Makes the process's default database the system store of this file:
 * glib-networking 2.74 builds a new TLS connection's credentials from the
 * default database before libsoup sets the session's, and its own default
 * parses the whole system bundle for each connection; ours (not a GnuTLS
 * database) costs nothing there. Once per process, before the first TLS
 * connection; other users of the default database get the same system
 * store, verified the same way. */
void
prov_http_trust_install_default (void)
{
  static gsize once;

  if (g_once_init_enter (&once))
    {
      g_autoptr(ProvHttpTrust) system = g_object_new (PROV_TYPE_HTTP_TRUST, NULL);

      g_tls_backend_set_default_database (g_tls_backend_get_default (), G_TLS_DATABASE (system));
      g_once_init_leave (&once, 1);
    }
}
