/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PROV_GDS_CODE_LENGTH 16

/* The 16 digits of an activation code as typed ("1234-5678 9012-3456"):
 * spaces and dashes are dropped; anything else, or another count of
 * digits, fails with PROV_ERROR_INVALID_ARGS. */
char *prov_gds_code_normalize (const char  *input,
                               GError     **error);

/* "...3456": what logs may show of a code. */
char *prov_gds_code_redact    (const char  *code);

G_END_DECLS
