/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PROV_ERROR (prov_error_quark ())

/**
 * ProvError:
 *
 * The project's one error domain. For the outcome codes (FILE_NOT_FOUND,
 * CORRUPT, TRANSPORT) the message is the `$ERR` text of SPEC §6: short,
 * stable, documented in data/syslog.md, and never containing a secret.
 */
typedef enum
{
  PROV_ERROR_FAILED,            /* internal error */
  PROV_ERROR_NOT_SUPPORTED,     /* interface method or scheme not implemented */
  PROV_ERROR_INVALID_ARGS,      /* caller gave bad arguments */
  PROV_ERROR_FILE_NOT_FOUND,    /* outcome: TFTP error 1, HTTP 404, ENOENT */
  PROV_ERROR_CORRUPT,           /* outcome: decrypt, decompress, parse, validation */
  PROV_ERROR_TRANSPORT,         /* outcome: connect, timeout, TLS, HTTP status, size cap */
  PROV_ERROR_INVALID_RULE,      /* a rule or condition has a syntax error */
  PROV_ERROR_INVALID_VALUE,     /* the schema rejects a value */
  PROV_ERROR_PERMISSION_DENIED, /* caller lacks the access level */
  PROV_ERROR_PLUGIN,            /* a plugin was refused or failed to load */
  PROV_ERROR_DISABLED,          /* Provision_Enable = No, or feature off */
  PROV_ERROR_BUSY,              /* another operation is running */
  PROV_ERROR_CANCELLED,         /* the operation was cancelled */
  PROV_ERROR_INVALID_CODE,      /* activation code refused */
  PROV_ERROR_LAST
} ProvError;

GQuark prov_error_quark (void);

/* Outcome classes of SPEC §5.1. */
typedef enum
{
  PROV_OUTCOME_SUCCESS,
  PROV_OUTCOME_FILE_NOT_FOUND,
  PROV_OUTCOME_CORRUPT,
  PROV_OUTCOME_TRANSPORT,
  PROV_OUTCOME_OTHER,
} ProvOutcome;

ProvOutcome  prov_outcome_from_error (const GError *error);
const char  *prov_outcome_to_string (ProvOutcome outcome);

/* Converts a foreign error (GIO, libsoup, GnuTLS…) into PROV_ERROR once, at
 * the boundary; PROV_ERROR errors are passed through. */
void         prov_error_convert (GError **error);

G_END_DECLS
