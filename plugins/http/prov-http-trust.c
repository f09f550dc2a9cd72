/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

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
 */
struct _ProvHttpTrust
{
  GTlsDatabase  parent_instance;

  GPtrArray    *databases; /* GTlsDatabase*, the custom CA files */
};

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
  g_autoptr(GTlsDatabase) system = NULL;
  GTlsCertificateFlags best = G_TLS_CERTIFICATE_GENERIC_ERROR | G_TLS_CERTIFICATE_UNKNOWN_CA;

  for (guint i = 0; i <= self->databases->len; i++)
    {
      GTlsDatabase *db;
      GTlsCertificateFlags result;
      g_autoptr(GError) local_error = NULL;

      if (i < self->databases->len)
        db = g_ptr_array_index (self->databases, i);
      else
        db = system = g_tls_backend_get_default_database (g_tls_backend_get_default ());
      if (db == NULL)
        continue;
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

  for (guint i = 0; i < self->databases->len; i++)
    {
      GTlsCertificate *issuer;

      issuer = g_tls_database_lookup_certificate_issuer (g_ptr_array_index (self->databases, i),
                                                         certificate, interaction, flags,
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

  for (guint i = 0; i < self->databases->len; i++)
    all = g_list_concat (all, g_tls_database_lookup_certificates_issued_by (
                                g_ptr_array_index (self->databases, i), issuer_raw_dn,
                                interaction, flags, cancellable, NULL));
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

  g_ptr_array_unref (self->databases);
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
  self->databases = g_ptr_array_new_with_free_func (g_object_unref);
}

static gboolean
add_file (ProvHttpTrust *self, const char *path, GError **error)
{
  GTlsDatabase *db = g_tls_file_database_new (path, error);

  if (db == NULL)
    return FALSE;
  g_ptr_array_add (self->databases, db);
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

/* [Device] CAFile, [http] CAFile and the custom CA the engine installed in
 * the state directory; NULL (the system store alone) when there is none. A
 * custom CA that does not load is skipped: it was checked when installed,
 * and refusing every https fetch would also block fetching a better one. */
ProvHttpTrust *
prov_http_trust_new_for_fetch (ProvFetch *fetch, GError **error)
{
  ProvDevice *device = prov_fetch_get_device (fetch);
  g_autofree char *setting = prov_fetch_get_setting (fetch, PROV_HTTP_SETTINGS_GROUP, "CAFile");
  const char *state_dir = prov_fetch_get_state_dir (fetch);
  g_autofree char *custom = NULL;
  g_autoptr(ProvHttpTrust) self = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *paths[3] = { NULL };
  guint n = 0;

  if (device != NULL && prov_device_get_ca_file (device) != NULL)
    paths[n++] = prov_device_get_ca_file (device);
  if (setting != NULL && g_strstrip (setting)[0] != '\0')
    paths[n++] = setting;
  if (state_dir != NULL)
    custom = g_build_filename (state_dir, PROV_CUSTOM_CA_FILE, NULL);
  if (custom != NULL && !g_file_test (custom, G_FILE_TEST_IS_REGULAR))
    g_clear_pointer (&custom, g_free);
  if (n == 0 && custom == NULL)
    return NULL;
  self = prov_http_trust_new (paths, error);
  if (self == NULL)
    return NULL;
  if (custom != NULL && !add_file (self, custom, &local_error))
    g_message ("fetch %u: custom CA %s skipped: %s", prov_fetch_get_id (fetch), custom,
               local_error->message);
  return g_steal_pointer (&self);
}
