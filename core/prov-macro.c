/* STUB: to be replaced by the real implementation. */
#include "config.h"
#include "prov-macro.h"
char *
prov_macro_expand (const char *text, GHashTable *vars, GHashTable *secrets)
{
  return g_strdup (text);
}
