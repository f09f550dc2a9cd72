/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * ProvAccess:
 * @PROV_ACCESS_NA: no access
 * @PROV_ACCESS_RO: read only
 * @PROV_ACCESS_RW: read and write
 *
 * User-access level of a parameter (SPEC §1). It governs the user, never the
 * admin.
 *
 * Since: 1.0
 */
typedef enum
{
  PROV_ACCESS_NA,
  PROV_ACCESS_RO,
  PROV_ACCESS_RW,
} ProvAccess;

/**
 * PROV_ACCESS_UNSET:
 * A #ProvAccess that is not given: the parameter keeps its access level.
 *
 * Since: 1.0
 */
#define PROV_ACCESS_UNSET (-1)

/**
 * ProvCaller:
 * @PROV_CALLER_ADMIN: sees and writes everything
 * @PROV_CALLER_USER: gets exactly the `ua` rights of each parameter, never a
 *   secret
 *
 * Who is asking.
 *
 * Since: 1.0
 */
typedef enum
{
  PROV_CALLER_ADMIN,
  PROV_CALLER_USER,
} ProvCaller;

/**
 * ProvCause:
 * @PROV_CAUSE_EXPLICIT: asked for (D-Bus, provisionctl, a trigger)
 * @PROV_CAUSE_BOOT: the first resync after start
 * @PROV_CAUSE_PERIODIC: Resync_Periodic
 * @PROV_CAUSE_RETRY: Resync_Error_Retry_Delay after a failure
 *
 * Why a resync runs: the values are those of `$PRVST` (SPEC §5).
 *
 * Since: 1.0
 */
typedef enum
{
  PROV_CAUSE_EXPLICIT = -1,
  PROV_CAUSE_BOOT = 0,
  PROV_CAUSE_PERIODIC = 1,
  PROV_CAUSE_RETRY = 2,
} ProvCause;

/**
 * prov_access_to_string:
 * @access: an access level
 *
 * The schema's spelling of an access level.
 *
 * Returns: the schema's spelling of @access: `na`, `ro` or `rw`
 *
 * Since: 1.0
 */
const char *prov_access_to_string   (ProvAccess   access);
/**
 * prov_access_from_string:
 * @str: `na`, `ro` or `rw`
 * @access: (out): the level
 *
 * Reads an access level as the schema and profiles write it (the `ua`
 * attribute).
 *
 * Returns: %TRUE, or %FALSE when @str is none of them
 *
 * Since: 1.0
 */
gboolean    prov_access_from_string (const char  *str,
                                     ProvAccess  *access);
/**
 * prov_cause_to_string:
 * @cause: why a resync runs
 *
 * The name of a cause, as logs and status show it.
 *
 * Returns: the name of @cause for logs and status: "boot", "periodic",
 *   "retry" or "request" (%PROV_CAUSE_EXPLICIT)
 *
 * Since: 1.0
 */
const char *prov_cause_to_string    (ProvCause    cause);

/**
 * prov_parse_bool:
 * @str: the text
 * @value: (out): the boolean
 *
 * Reads a boolean as profiles write it: Yes/No, yes/no, true/false, 1/0,
 * Enable/Disable (SPEC §1).
 *
 * Returns: %TRUE, or %FALSE when @str is none of them
 *
 * Since: 1.0
 */
gboolean    prov_parse_bool         (const char  *str,
                                     gboolean    *value);

G_END_DECLS
