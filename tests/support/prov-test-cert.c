/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-test.h"

/* Elliptic-curve keys: quick to make, and what phones are given. */
#define EC_KEY "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"

void
test_openssl (const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  va_list args;

  g_ptr_array_add (argv, (gpointer) "openssl");
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  test_spawn_check ((const char *const *) argv->pdata);
}

void
test_make_ca (const char *key, const char *pem, const char *subject)
{
  test_openssl ("req", "-x509", EC_KEY, "-keyout", key, "-out", pem, "-days", "2",
                "-subj", subject, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign", NULL);
}

void
test_make_leaf (const char *name, const char *ca, const char *subject, const char *extensions)
{
  g_autofree char *key = g_strdup_printf ("%s.key", name);
  g_autofree char *csr = g_strdup_printf ("%s.csr", name);
  g_autofree char *pem = g_strdup_printf ("%s.pem", name);
  g_autofree char *ext = g_strdup_printf ("%s.ext", name);
  g_autofree char *ca_pem = g_strdup_printf ("%s.pem", ca);
  g_autofree char *ca_key = g_strdup_printf ("%s.key", ca);

  test_write (ext, extensions, -1);
  test_openssl ("req", "-new", EC_KEY, "-keyout", key, "-out", csr, "-subj", subject, NULL);
  test_openssl ("x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key, "-CAcreateserial",
                "-out", pem, "-days", "2", "-extfile", ext, NULL);
}

void
test_make_certificates (const char *ca_subject, const char *client_subject)
{
  const char *server_ext = "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
                           "subjectAltName=IP:127.0.0.1\n";

  test_make_ca ("ca.key", "ca.pem", ca_subject);
  test_make_ca ("rogue-ca.key", "rogue-ca.pem", "/CN=Rogue CA");
  test_make_leaf ("server", "ca", "/CN=127.0.0.1", server_ext);
  test_make_leaf ("wrong-name", "ca", "/CN=wrong.example.org",
                  "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
                  "subjectAltName=DNS:wrong.example.org\n");
  test_make_leaf ("rogue", "rogue-ca", "/CN=127.0.0.1", server_ext);
  test_make_leaf ("client", "ca", client_subject,
                  "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n");
}
