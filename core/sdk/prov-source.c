/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-error.h"
#include "prov-plugin-role.h"
#include "prov-source.h"

G_DEFINE_INTERFACE (ProvSource, prov_source, G_TYPE_OBJECT)

static void
prov_source_default_init (ProvSourceInterface *iface)
{
  prov_plugin_role_set (iface, "source");
}

void
prov_source_resolve_async (ProvSource          *self,
                           ProvFetch           *fetch,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  ProvSourceInterface *iface;

  g_return_if_fail (PROV_IS_SOURCE (self));
  g_return_if_fail (PROV_IS_FETCH (fetch));

  iface = PROV_SOURCE_GET_IFACE (self);
  if (iface->resolve_async == NULL || iface->resolve_finish == NULL)
    {
      g_task_report_new_error (self, callback, user_data, prov_source_resolve_async,
                               PROV_ERROR, PROV_ERROR_NOT_SUPPORTED,
                               "%s does not implement resolve", G_OBJECT_TYPE_NAME (self));
      return;
    }
  iface->resolve_async (self, fetch, cancellable, callback, user_data);
}

GHashTable *
prov_source_resolve_finish (ProvSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (PROV_IS_SOURCE (self), NULL);

  if (g_async_result_is_tagged (result, prov_source_resolve_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  return PROV_SOURCE_GET_IFACE (self)->resolve_finish (self, result, error);
}

gboolean
prov_source_submit (ProvSource *self, const char *input, GError **error)
{
  ProvSourceInterface *iface;

  g_return_val_if_fail (PROV_IS_SOURCE (self), FALSE);
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  iface = PROV_SOURCE_GET_IFACE (self);
  if (iface->submit == NULL)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_NOT_SUPPORTED, "%s does not take input",
                   G_OBJECT_TYPE_NAME (self));
      return FALSE;
    }
  return iface->submit (self, input, error);
}
