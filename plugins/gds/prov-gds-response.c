/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-error.h"
#include "prov-gds-json.h"
#include "prov-gds-response.h"

/* The error texts are the `$ERR` strings shown in the status; the
 * service's reason only goes to the debug log. */
#define INVALID_CODE_TEXT "Invalid activation code"
#define CORRUPT_TEXT "bad activation response"

static const char *const refused_code_errors[] = { "invalid-code", "expired-code", "used-code",
                                                   NULL };

static GHashTable *
parse_success (const char *body, gsize length, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GHashTable) members = NULL;
  g_autoptr(GHashTable) params = NULL;
  const char *profile_rule;
  const char *upgrade_rule;

  if (length > PROV_GDS_RESPONSE_MAX)
    g_set_error_literal (&local_error, PROV_ERROR, PROV_ERROR_CORRUPT, "too large");
  else
    members = prov_gds_json_parse_object (body, length, &local_error);
  if (members == NULL)
    {
      g_debug ("activation response: %s", local_error->message);
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_CORRUPT, CORRUPT_TEXT);
      return NULL;
    }
  profile_rule = g_hash_table_lookup (members, "profile_rule");
  if (profile_rule == NULL || profile_rule[0] == '\0')
    {
      g_debug ("activation response: no profile_rule");
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_CORRUPT, CORRUPT_TEXT);
      return NULL;
    }
  params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (params, g_strdup ("Profile_Rule"), g_strdup (profile_rule));
  /* Present but empty is meaningful: it clears the upgrade rule. */
  upgrade_rule = g_hash_table_lookup (members, "upgrade_rule");
  if (upgrade_rule != NULL)
    g_hash_table_insert (params, g_strdup ("Upgrade_Rule"), g_strdup (upgrade_rule));
  return g_steal_pointer (&params);
}

GHashTable *
prov_gds_response_parse (guint status, const char *body, gsize length, GError **error)
{
  if (status == 200)
    return parse_success (body, length, error);

  /* Only the three documented refusals are about the code; any other
   * status (a proxy's 403, a 503 during maintenance) is worth a retry. */
  if (status >= 400 && status < 500)
    {
      g_autoptr(GHashTable) members = NULL;
      const char *reason;

      if (length <= PROV_GDS_RESPONSE_MAX)
        members = prov_gds_json_parse_object (body, length, NULL);
      reason = members != NULL ? g_hash_table_lookup (members, "error") : NULL;
      if (reason != NULL && g_strv_contains (refused_code_errors, reason))
        {
          g_debug ("activation refused: http %u, %s", status, reason);
          g_set_error_literal (error, PROV_ERROR, PROV_ERROR_INVALID_CODE, INVALID_CODE_TEXT);
          return NULL;
        }
    }
  g_set_error (error, PROV_ERROR, PROV_ERROR_TRANSPORT, "http %u", status);
  return NULL;
}

gboolean
prov_gds_response_is_final (const GError *error)
{
  /* A 200 the device could not read was still the service's answer: the
   * code is spent there, and sending it again would only say "used". */
  return error == NULL || g_error_matches (error, PROV_ERROR, PROV_ERROR_INVALID_CODE)
         || g_error_matches (error, PROV_ERROR, PROV_ERROR_CORRUPT);
}
