/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-error.h"
#include "prov-installer.h"

G_DEFINE_INTERFACE (ProvInstaller, prov_installer, G_TYPE_OBJECT)

static void
prov_installer_default_init (ProvInstallerInterface *iface)
{
}

void
prov_installer_install_async (ProvInstaller       *self,
                              ProvDevice          *device,
                              const char          *image_path,
                              const char          *version,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  ProvInstallerInterface *iface;

  g_return_if_fail (PROV_IS_INSTALLER (self));
  g_return_if_fail (PROV_IS_DEVICE (device));
  g_return_if_fail (image_path != NULL);

  iface = PROV_INSTALLER_GET_IFACE (self);
  if (iface->install_async == NULL || iface->install_finish == NULL)
    {
      g_task_report_new_error (self, callback, user_data, prov_installer_install_async,
                               PROV_ERROR, PROV_ERROR_NOT_SUPPORTED,
                               "%s does not implement install", G_OBJECT_TYPE_NAME (self));
      return;
    }
  iface->install_async (self, device, image_path, version, cancellable, callback, user_data);
}

gboolean
prov_installer_install_finish (ProvInstaller *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (PROV_IS_INSTALLER (self), FALSE);

  if (g_async_result_is_tagged (result, prov_installer_install_async))
    return g_task_propagate_boolean (G_TASK (result), error);
  return PROV_INSTALLER_GET_IFACE (self)->install_finish (self, result, error);
}
