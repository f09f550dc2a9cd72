/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-error.h"
#include "prov-gds-code.h"

char *
prov_gds_code_normalize (const char *input, GError **error)
{
  g_autoptr(GString) code = g_string_sized_new (PROV_GDS_CODE_LENGTH);

  g_return_val_if_fail (input != NULL, NULL);

  for (const char *p = input; *p != '\0'; p++)
    {
      if (*p == ' ' || *p == '-')
        continue;
      /* The length check also stops a pasted paragraph early. */
      if (!g_ascii_isdigit (*p) || code->len == PROV_GDS_CODE_LENGTH)
        {
          code->len = 0;
          break;
        }
      g_string_append_c (code, *p);
    }
  if (code->len != PROV_GDS_CODE_LENGTH)
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                           "activation code must be 16 digits");
      return NULL;
    }
  return g_string_free (g_steal_pointer (&code), FALSE);
}

char *
prov_gds_code_redact (const char *code)
{
  gsize len = strlen (code);

  return g_strdup_printf ("...%s", len > 4 ? code + len - 4 : "");
}
