/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <gio/gio.h>

#include "prov-error.h"

G_DEFINE_QUARK (prov-error-quark, prov_error)

ProvOutcome
prov_outcome_from_error (const GError *error)
{
  if (error == NULL)
    return PROV_OUTCOME_SUCCESS;
  if (error->domain != PROV_ERROR)
    return PROV_OUTCOME_OTHER;
  switch (error->code)
    {
    case PROV_ERROR_FILE_NOT_FOUND:
      return PROV_OUTCOME_FILE_NOT_FOUND;
    case PROV_ERROR_CORRUPT:
    case PROV_ERROR_INVALID_VALUE:
      return PROV_OUTCOME_CORRUPT;
    case PROV_ERROR_TRANSPORT:
      return PROV_OUTCOME_TRANSPORT;
    default:
      return PROV_OUTCOME_OTHER;
    }
}

const char *
prov_outcome_to_string (ProvOutcome outcome)
{
  switch (outcome)
    {
    case PROV_OUTCOME_SUCCESS:
      return "success";
    case PROV_OUTCOME_FILE_NOT_FOUND:
      return "file-not-found";
    case PROV_OUTCOME_CORRUPT:
      return "corrupt";
    case PROV_OUTCOME_TRANSPORT:
      return "transport-error";
    case PROV_OUTCOME_OTHER:
    default:
      return "error";
    }
}

void
prov_error_convert (GError **error)
{
  GError *e;

  if (error == NULL || *error == NULL)
    return;
  e = *error;
  if (e->domain == PROV_ERROR)
    return;
  if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    e->code = PROV_ERROR_CANCELLED;
  else if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    e->code = PROV_ERROR_FILE_NOT_FOUND;
  else if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    e->code = PROV_ERROR_PERMISSION_DENIED;
  else if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    e->code = PROV_ERROR_NOT_SUPPORTED;
  else if (e->domain == G_IO_ERROR || e->domain == G_RESOLVER_ERROR || e->domain == G_TLS_ERROR)
    e->code = PROV_ERROR_TRANSPORT;
  else
    e->code = PROV_ERROR_FAILED;
  e->domain = PROV_ERROR;
}
