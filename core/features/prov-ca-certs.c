/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <gmodule.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "prov-ca-certs.h"
#include "prov-error.h"

/* GnuTLS is opened the first time a certificate is checked, not linked:
 * with the seven libraries it needs (all bound at load, BIND_NOW) it was a
 * fifth of the start-up of every provisionctl and provisiond process, and
 * only a Custom_CA_Rule download needs it (the TLS of the transports is
 * glib-networking's, loaded by GIO when a TLS connection is made). The
 * same pattern as systemd's dlopen of its optional libraries: the headers
 * give the types, the soname is GnuTLS's ABI (30 since 3.4). */
#if GNUTLS_VERSION_NUMBER < 0x030400
#error "GnuTLS 3.4 or later is needed (soname libgnutls.so.30)"
#endif
#define GNUTLS_SONAME "libgnutls.so.30"

typedef struct
{
  __typeof__ (gnutls_x509_crt_init)             *crt_init;
  __typeof__ (gnutls_x509_crt_deinit)           *crt_deinit;
  __typeof__ (gnutls_x509_crt_list_import2)     *crt_list_import2;
  __typeof__ (gnutls_x509_crt_import)           *crt_import;
  __typeof__ (gnutls_x509_crt_export2)          *crt_export2;
  __typeof__ (gnutls_x509_crt_get_dn_by_oid)    *crt_get_dn_by_oid;
  __typeof__ (gnutls_x509_crt_get_dn3)          *crt_get_dn3;
  __typeof__ (gnutls_x509_crt_get_ca_status)    *crt_get_ca_status;
  __typeof__ (gnutls_x509_crt_get_activation_time) *crt_get_activation_time;
  __typeof__ (gnutls_x509_crt_get_expiration_time) *crt_get_expiration_time;
  gnutls_calloc_function                        *calloc;  /* GnuTLS's variables */
  gnutls_free_function                          *free;
} Gnutls;

static Gnutls gnutls;
static char *gnutls_error; /* why it could not be loaded */

static gpointer
load_gnutls (gpointer unused)
{
  static const struct
  {
    const char *name;
    gsize       offset;
  } symbols[] = {
#define SYM(field, symbol) { #symbol, G_STRUCT_OFFSET (Gnutls, field) }
    SYM (crt_init, gnutls_x509_crt_init),
    SYM (crt_deinit, gnutls_x509_crt_deinit),
    SYM (crt_list_import2, gnutls_x509_crt_list_import2),
    SYM (crt_import, gnutls_x509_crt_import),
    SYM (crt_export2, gnutls_x509_crt_export2),
    SYM (crt_get_dn_by_oid, gnutls_x509_crt_get_dn_by_oid),
    SYM (crt_get_dn3, gnutls_x509_crt_get_dn3),
    SYM (crt_get_ca_status, gnutls_x509_crt_get_ca_status),
    SYM (crt_get_activation_time, gnutls_x509_crt_get_activation_time),
    SYM (crt_get_expiration_time, gnutls_x509_crt_get_expiration_time),
    SYM (calloc, gnutls_calloc),
    SYM (free, gnutls_free),
#undef SYM
  };
  GModule *module = g_module_open (GNUTLS_SONAME, G_MODULE_BIND_LOCAL);

  if (module == NULL)
    {
      gnutls_error = g_strdup_printf ("cannot load %s: %s", GNUTLS_SONAME, g_module_error ());
      return NULL;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (symbols); i++)
    {
      gpointer *slot = G_STRUCT_MEMBER_P (&gnutls, symbols[i].offset);

      if (!g_module_symbol (module, symbols[i].name, slot) || *slot == NULL)
        {
          gnutls_error = g_strdup_printf ("%s: no %s: %s", GNUTLS_SONAME, symbols[i].name,
                                          g_module_error ());
          memset (&gnutls, 0, sizeof gnutls);
          g_module_close (module);
          return NULL;
        }
    }
  /* Kept for the process: GnuTLS's own state lives as long. */
  g_module_make_resident (module);
  return &gnutls;
}

static const Gnutls *
get_gnutls (GError **error)
{
  static GOnce once = G_ONCE_INIT;

  if (g_once (&once, load_gnutls, NULL) == NULL)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_NOT_SUPPORTED,
                   "cannot check certificates: %s", gnutls_error);
      return NULL;
    }
  return &gnutls;
}

#define PEM_MARKER "-----BEGIN "

typedef struct
{
  gnutls_x509_crt_t *certs;
  unsigned int       n;
} CertList;

static void
cert_list_clear (CertList *list)
{
  for (unsigned int i = 0; i < list->n; i++)
    gnutls.crt_deinit (list->certs[i]);
  if (list->certs != NULL)
    (*gnutls.free) (list->certs);
  list->certs = NULL;
  list->n = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CertList, cert_list_clear)

static void
datum_clear (gnutls_datum_t *datum)
{
  if (datum->data != NULL)
    (*gnutls.free) (datum->data);
  datum->data = NULL;
  datum->size = 0;
}

static gsize
count_pem_blocks (const guint8 *buf, gsize len)
{
  const guint8 *end = buf + len;
  gsize n = 0;

  for (const guint8 *p = memmem (buf, len, PEM_MARKER, strlen (PEM_MARKER)); p != NULL;
       p = memmem (p, end - p, PEM_MARKER, strlen (PEM_MARKER)))
    {
      n++;
      p += strlen (PEM_MARKER);
    }
  return n;
}

/* PEM certificates, or one DER certificate with nothing after it. */
static gboolean
import_certificates (GBytes *data, CertList *list, GError **error)
{
  gsize len = 0;
  const guint8 *buf = g_bytes_get_data (data, &len);
  gnutls_datum_t datum = { (unsigned char *) buf, (unsigned int) len };
  gnutls_datum_t der = { NULL, 0 };
  gsize blocks;
  gboolean exact;

  if (len > PROV_CUSTOM_CA_MAX_SIZE)
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_TRANSPORT, "too large");
      return FALSE;
    }
  if (get_gnutls (error) == NULL)
    return FALSE;
  blocks = count_pem_blocks (buf, len);
  if (blocks > 0)
    {
      /* Every block must be a certificate that parses: a truncated bundle,
       * or one with a private key in it, is refused rather than cut. */
      if (gnutls.crt_list_import2 (&list->certs, &list->n, &datum, GNUTLS_X509_FMT_PEM, 0) < 0
          || list->n != blocks)
        {
          g_set_error_literal (error, PROV_ERROR, PROV_ERROR_CORRUPT, "corrupt file: bad PEM");
          return FALSE;
        }
      return TRUE;
    }
  list->certs = (*gnutls.calloc) (1, sizeof *list->certs);
  exact = list->certs != NULL && gnutls.crt_init (&list->certs[0]) >= 0;
  if (exact)
    list->n = 1;
  exact = exact && len > 0
          && gnutls.crt_import (list->certs[0], &datum, GNUTLS_X509_FMT_DER) >= 0
          && gnutls.crt_export2 (list->certs[0], GNUTLS_X509_FMT_DER, &der) >= 0
          && der.size == len;
  datum_clear (&der);
  if (!exact)
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_CORRUPT,
                           "corrupt file: not a certificate");
      return FALSE;
    }
  return TRUE;
}

/* The subject's CN, else the whole subject; valid UTF-8 without control
 * characters, since it goes to D-Bus and to a key file. */
static char *
common_name (gnutls_x509_crt_t crt)
{
  char buf[1024];
  size_t size = sizeof buf - 1;
  gnutls_datum_t dn = { NULL, 0 };
  g_autofree char *raw = NULL;
  char *text;

  if (gnutls.crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &size) == 0)
    raw = g_strndup (buf, size);
  else if (gnutls.crt_get_dn3 (crt, &dn, 0) == 0)
    raw = g_strndup ((const char *) dn.data, dn.size);
  else
    raw = g_strdup ("");
  datum_clear (&dn);
  text = g_utf8_make_valid (raw, -1);
  for (char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = '?';
  return text;
}

static gboolean
check_certificate (gnutls_x509_crt_t crt, gint64 now, GError **error)
{
  g_autofree char *cn = common_name (crt);
  const char *problem = NULL;

  /* No basicConstraints (an X.509 v1 certificate) is no CA either. */
  if (gnutls.crt_get_ca_status (crt, NULL) <= 0)
    problem = "not a CA certificate";
  else if (gnutls.crt_get_activation_time (crt) > now)
    problem = "certificate not yet valid";
  else if (gnutls.crt_get_expiration_time (crt) < now)
    problem = "certificate expired";
  if (problem == NULL)
    return TRUE;
  g_set_error (error, PROV_ERROR, PROV_ERROR_CORRUPT, "corrupt file: %s (%s)", problem, cn);
  return FALSE;
}

GBytes *
prov_ca_certs_to_pem (GBytes *data, char **cn, GError **error)
{
  g_auto(CertList) list = { NULL, 0 };
  g_autoptr(GByteArray) pem = g_byte_array_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC; /* what TLS checks against */

  if (!import_certificates (data, &list, error))
    return NULL;
  for (unsigned int i = 0; i < list.n; i++)
    {
      gnutls_datum_t out = { NULL, 0 };

      if (!check_certificate (list.certs[i], now, error))
        return NULL;
      if (gnutls.crt_export2 (list.certs[i], GNUTLS_X509_FMT_PEM, &out) < 0)
        {
          g_set_error_literal (error, PROV_ERROR, PROV_ERROR_CORRUPT,
                               "corrupt file: not a certificate");
          return NULL;
        }
      g_byte_array_append (pem, out.data, out.size);
      datum_clear (&out);
    }
  *cn = common_name (list.certs[0]);
  return g_byte_array_free_to_bytes (g_steal_pointer (&pem));
}


char *
prov_ca_certs_first_name (GBytes *data, GError **error)
{
  g_auto(CertList) list = { NULL, 0 };

  if (!import_certificates (data, &list, error))
    return NULL;
  return common_name (list.certs[0]);
}
