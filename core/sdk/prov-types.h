/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* User-access level of a parameter (SPEC §1). It governs the user, never
 * the admin. */
typedef enum
{
  PROV_ACCESS_NA,
  PROV_ACCESS_RO,
  PROV_ACCESS_RW,
} ProvAccess;

#define PROV_ACCESS_UNSET (-1)

/* Who is asking: an admin sees and writes everything; a user gets exactly
 * the `ua` rights of each parameter and never a secret. */
typedef enum
{
  PROV_CALLER_ADMIN,
  PROV_CALLER_USER,
} ProvCaller;

/* Why a resync runs: the values are those of `$PRVST` (SPEC §5). */
typedef enum
{
  PROV_CAUSE_EXPLICIT = -1,
  PROV_CAUSE_BOOT = 0,
  PROV_CAUSE_PERIODIC = 1,
  PROV_CAUSE_RETRY = 2,
} ProvCause;

const char *prov_access_to_string   (ProvAccess   access);
gboolean    prov_access_from_string (const char  *str,
                                     ProvAccess  *access);
const char *prov_cause_to_string    (ProvCause    cause);

/* Yes/No, yes/no, true/false, 1/0, Enable/Disable (SPEC §1). */
gboolean    prov_parse_bool         (const char  *str,
                                     gboolean    *value);

G_END_DECLS
