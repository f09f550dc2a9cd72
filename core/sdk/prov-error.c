/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <gio/gio.h>

#include "prov-error.h"

/* D-Bus names of every code, so that the daemon's replies arrive at the
 * client as PROV_ERROR with the same code (order follows ProvError). */
static const GDBusErrorEntry prov_error_entries[] = {
  { PROV_ERROR_FAILED, "org.provisiond.Provisiond1.Error.Failed" },
  { PROV_ERROR_NOT_SUPPORTED, "org.provisiond.Provisiond1.Error.NotSupported" },
  { PROV_ERROR_INVALID_ARGS, "org.provisiond.Provisiond1.Error.InvalidArgs" },
  { PROV_ERROR_FILE_NOT_FOUND, "org.provisiond.Provisiond1.Error.FileNotFound" },
  { PROV_ERROR_CORRUPT, "org.provisiond.Provisiond1.Error.Corrupt" },
  { PROV_ERROR_TRANSPORT, "org.provisiond.Provisiond1.Error.Transport" },
  { PROV_ERROR_INVALID_RULE, "org.provisiond.Provisiond1.Error.InvalidRule" },
  { PROV_ERROR_INVALID_VALUE, "org.provisiond.Provisiond1.Error.InvalidValue" },
  { PROV_ERROR_PERMISSION_DENIED, "org.provisiond.Provisiond1.Error.PermissionDenied" },
  { PROV_ERROR_PLUGIN, "org.provisiond.Provisiond1.Error.Plugin" },
  { PROV_ERROR_DISABLED, "org.provisiond.Provisiond1.Error.Disabled" },
  { PROV_ERROR_BUSY, "org.provisiond.Provisiond1.Error.Busy" },
  { PROV_ERROR_CANCELLED, "org.provisiond.Provisiond1.Error.Cancelled" },
  { PROV_ERROR_INVALID_CODE, "org.provisiond.Provisiond1.Error.InvalidCode" },
};
G_STATIC_ASSERT (G_N_ELEMENTS (prov_error_entries) == PROV_ERROR_LAST);

GQuark
prov_error_quark (void)
{
  static gsize quark = 0;

  /* Registers the quark on first use, like G_DEFINE_QUARK, plus the names. */
  g_dbus_error_register_error_domain ("prov-error-quark", &quark, prov_error_entries,
                                      G_N_ELEMENTS (prov_error_entries));
  return (GQuark) quark;
}

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
