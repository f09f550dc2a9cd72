/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PROV_ERROR (prov_error_quark ())

/**
 * ProvError:
 * @PROV_ERROR_FAILED: internal error
 * @PROV_ERROR_NOT_SUPPORTED: interface method or scheme not implemented
 * @PROV_ERROR_INVALID_ARGS: caller gave bad arguments
 * @PROV_ERROR_FILE_NOT_FOUND: outcome: TFTP error 1, HTTP 404, ENOENT
 * @PROV_ERROR_CORRUPT: outcome: decrypt, decompress, parse, validation
 * @PROV_ERROR_TRANSPORT: outcome: connect, timeout, TLS, HTTP status, size cap
 * @PROV_ERROR_INVALID_RULE: a rule or condition has a syntax error
 * @PROV_ERROR_INVALID_VALUE: the schema rejects a value
 * @PROV_ERROR_PERMISSION_DENIED: caller lacks the access level
 * @PROV_ERROR_PLUGIN: a plugin was refused or failed to load
 * @PROV_ERROR_DISABLED: Provision_Enable = No, or feature off
 * @PROV_ERROR_BUSY: another operation is running
 * @PROV_ERROR_CANCELLED: the operation was cancelled
 * @PROV_ERROR_INVALID_CODE: activation code refused
 * @PROV_ERROR_LAST: the number of codes, not an error
 *
 * The project's one error domain. For the outcome codes (FILE_NOT_FOUND,
 * CORRUPT, TRANSPORT) the message is the `$ERR` text of SPEC §6: short,
 * stable, documented in data/syslog.md, and never containing a secret.
 *
 * Since: 1.0
 */
typedef enum
{
  PROV_ERROR_FAILED,
  PROV_ERROR_NOT_SUPPORTED,
  PROV_ERROR_INVALID_ARGS,
  PROV_ERROR_FILE_NOT_FOUND,
  PROV_ERROR_CORRUPT,
  PROV_ERROR_TRANSPORT,
  PROV_ERROR_INVALID_RULE,
  PROV_ERROR_INVALID_VALUE,
  PROV_ERROR_PERMISSION_DENIED,
  PROV_ERROR_PLUGIN,
  PROV_ERROR_DISABLED,
  PROV_ERROR_BUSY,
  PROV_ERROR_CANCELLED,
  PROV_ERROR_INVALID_CODE,
  PROV_ERROR_LAST
} ProvError;

/**
 * prov_error_quark:
 * The quark of #PROV_ERROR, the one error domain of libprovision.
 *
 * Returns: the quark
 *
 * Since: 1.0
 */
GQuark prov_error_quark (void);

/**
 * ProvOutcome:
 * @PROV_OUTCOME_SUCCESS: success
 * @PROV_OUTCOME_FILE_NOT_FOUND: the file was not found
 * @PROV_OUTCOME_CORRUPT: the file did not decode, parse or validate
 * @PROV_OUTCOME_TRANSPORT: the transfer failed
 * @PROV_OUTCOME_OTHER: anything else
 *
 * Outcome classes of SPEC §5.1.
 *
 * Since: 1.0
 */
typedef enum
{
  PROV_OUTCOME_SUCCESS,
  PROV_OUTCOME_FILE_NOT_FOUND,
  PROV_OUTCOME_CORRUPT,
  PROV_OUTCOME_TRANSPORT,
  PROV_OUTCOME_OTHER,
} ProvOutcome;

/**
 * prov_outcome_from_error:
 * @error: (nullable): the error of a resync or upgrade, or %NULL
 *
 * Classifies an error into the outcome classes of SPEC §5.1.
 *
 * Returns: %PROV_OUTCOME_SUCCESS for %NULL, else the class of @error
 *
 * Since: 1.0
 */
ProvOutcome  prov_outcome_from_error (const GError *error);
/**
 * prov_outcome_to_string:
 * @outcome: an outcome class
 *
 * The name of an outcome class, as status and D-Bus show it.
 *
 * Returns: its name as status and D-Bus show it: "success",
 *   "file-not-found", "corrupt", "transport-error" or "error"
 *
 * Since: 1.0
 */
const char  *prov_outcome_to_string (ProvOutcome outcome);

/**
 * prov_error_convert:
 * @error: (inout) (nullable): an error, converted in place
 *
 * Converts a foreign error (GIO, libsoup, GnuTLS…) into #PROV_ERROR once,
 * at the boundary; #PROV_ERROR errors are passed through.
 *
 * Since: 1.0
 */
void         prov_error_convert (GError **error);

G_END_DECLS
