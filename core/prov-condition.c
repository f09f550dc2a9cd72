/* STUB: to be replaced by the real implementation. */
#include "config.h"
#include "prov-condition.h"
#include "prov-error.h"
gboolean
prov_condition_eval (const char *expr, GHashTable *vars, gboolean *result, GError **error)
{
  g_set_error (error, PROV_ERROR, PROV_ERROR_NOT_SUPPORTED, "not implemented");
  return FALSE;
}
gboolean
prov_condition_check_syntax (const char *expr, GError **error)
{
  return TRUE;
}
int
prov_version_compare (const char *a, const char *b)
{
  return g_strcmp0 (a, b);
}
