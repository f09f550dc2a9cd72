/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-activation.h"
#include "prov-error.h"
#include "prov-macro.h"
#include "prov-rule.h"

/* The source the next resync would ask, found as the engine will: the
 * alternative taken now, its URL expanded, the registry asked by scheme. */
static ProvSource *
find_source (ProvEngine *engine)
{
  const char *text = prov_store_get (prov_engine_get_store (engine), "Profile_Rule");
  g_autoptr(ProvRule) rule = prov_rule_parse (text != NULL ? text : "", NULL);
  g_autoptr(GHashTable) vars = NULL;
  g_autofree char *url = NULL;
  g_autofree char *scheme = NULL;
  ProvRuleAlt *alt;
  int chosen;

  if (rule == NULL)
    return NULL;
  vars = prov_engine_build_variables (engine, PROV_CAUSE_EXPLICIT);
  chosen = prov_rule_choose (rule, vars, NULL);
  if (chosen < 0)
    return NULL;
  alt = rule->alts->pdata[chosen];
  if (alt->url == NULL)
    return NULL;
  url = prov_macro_expand (alt->url, vars, NULL);
  scheme = g_uri_parse_scheme (url);
  if (scheme == NULL)
    return NULL;
  return prov_registry_lookup_source (prov_engine_get_registry (engine), scheme);
}

gboolean
prov_activation_submit (ProvEngine *engine, const char *code, GError **error)
{
  ProvSource *source;

  g_return_val_if_fail (PROV_IS_ENGINE (engine), FALSE);
  g_return_val_if_fail (code != NULL, FALSE);

  source = find_source (engine);
  if (source == NULL)
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_NOT_SUPPORTED,
                           "Profile_Rule does not wait for an activation code");
      return FALSE;
    }
  return prov_source_submit (source, code, error);
}
