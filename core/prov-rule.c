/* STUB: to be replaced by the real implementation. */
#include "config.h"
#include "prov-error.h"
#include "prov-rule.h"
ProvRule *
prov_rule_parse (const char *text, gboolean allow_options, GError **error)
{
  g_set_error (error, PROV_ERROR, PROV_ERROR_NOT_SUPPORTED, "not implemented");
  return NULL;
}
void
prov_rule_free (ProvRule *rule)
{
}
int
prov_rule_choose (ProvRule *rule, GHashTable *vars, GError **error)
{
  return -1;
}
char *
prov_url_complete (const char *url, const char *default_server, GError **error)
{
  return g_strdup (url);
}
