/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <libsoup/soup.h>

#include "prov-error.h"
#include "prov-http-error.h"

/* Texts are the short, stable `$ERR` strings of SPEC §6 (see README.md);
 * the detailed message of the original error only goes to the debug log. */

GError *
prov_http_error_for_status (guint status)
{
  if (status == SOUP_STATUS_NOT_FOUND)
    return g_error_new_literal (PROV_ERROR, PROV_ERROR_FILE_NOT_FOUND, "file not found");
  return g_error_new (PROV_ERROR, PROV_ERROR_TRANSPORT, "http %u", status);
}

static const char *
certificate_text (GTlsCertificateFlags flags)
{
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return "tls: host name mismatch";
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return "tls: certificate expired";
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return "tls: certificate not yet valid";
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return "tls: certificate revoked";
  return "tls: certificate not trusted";
}

static const char *
io_text (int code)
{
  switch (code)
    {
    case G_IO_ERROR_CONNECTION_REFUSED:
      return "connection refused";
    case G_IO_ERROR_TIMED_OUT:
      return "timeout";
    case G_IO_ERROR_HOST_UNREACHABLE:
      return "host unreachable";
    case G_IO_ERROR_NETWORK_UNREACHABLE:
      return "network unreachable";
    case G_IO_ERROR_CONNECTION_CLOSED:
    case G_IO_ERROR_PARTIAL_INPUT:
      return "connection closed";
    default:
      return "connection failed";
    }
}

GError *
prov_http_error_convert (const GError *error, GTlsCertificateFlags tls_flags)
{
  const char *text;

  if (error->domain == PROV_ERROR)
    return g_error_copy (error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal (PROV_ERROR, PROV_ERROR_CANCELLED, "cancelled");

  if (error->domain == G_TLS_ERROR)
    {
      if (error->code == G_TLS_ERROR_BAD_CERTIFICATE)
        text = certificate_text (tls_flags);
      else if (error->code == G_TLS_ERROR_CERTIFICATE_REQUIRED)
        text = "tls: certificate required";
      else
        text = "tls: handshake failed";
    }
  else if (error->domain == G_IO_ERROR)
    text = io_text (error->code);
  else if (error->domain == G_RESOLVER_ERROR)
    text = "host not found";
  else if (error->domain == SOUP_SESSION_ERROR)
    text = "bad response";
  else
    text = "connection failed";
  return g_error_new_literal (PROV_ERROR, PROV_ERROR_TRANSPORT, text);
}
