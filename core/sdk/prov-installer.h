/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-device.h"

G_BEGIN_DECLS

/**
 * ProvInstaller:
 * An installer hands a downloaded firmware image to the system's
 * installer: see #ProvInstallerInterface.
 *
 * Since: 1.0
 */
#define PROV_TYPE_INSTALLER (prov_installer_get_type ())
G_DECLARE_INTERFACE (ProvInstaller, prov_installer, PROV, INSTALLER, GObject)

/**
 * ProvInstallerInterface:
 * @install_async: hand the downloaded firmware image at @image_path to the
 *   system's installer. @device gives the plugin its settings (its own
 *   group of the device file). The image stays where it is; the installer
 *   must not remove it.
 * @install_finish: TRUE once the image is installed, or an error whose
 *   message is the `$ERR` text of Log_Upgrade_Failure_Msg:
 *   PROV_ERROR_NOT_SUPPORTED when the plugin is not configured,
 *   PROV_ERROR_CANCELLED, PROV_ERROR_FAILED for anything else.
 *
 * The upgrader uses the highest-priority plugin implementing this.
 *
 * Since: 1.0
 */
struct _ProvInstallerInterface
{
  GTypeInterface g_iface;

  void     (*install_async)  (ProvInstaller       *self,
                              ProvDevice          *device,
                              const char          *image_path,
                              const char          *version,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
  gboolean (*install_finish) (ProvInstaller       *self,
                              GAsyncResult        *result,
                              GError             **error);

  gpointer padding[8];
};

/**
 * prov_installer_install_async:
 * @self: the installer
 * @device: the device, for the plugin's settings (its own group)
 * @image_path: the downloaded image; the installer must not remove it
 * @version: the version the upgrade rule names
 * @cancellable: (nullable): cancels the installation
 * @callback: (scope async): called when it is over
 * @user_data: (closure): for @callback
 *
 * Installs the firmware image at @image_path.
 *
 * Since: 1.0
 */
void     prov_installer_install_async  (ProvInstaller       *self,
                                        ProvDevice          *device,
                                        const char          *image_path,
                                        const char          *version,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
/**
 * prov_installer_install_finish:
 * @self: the installer
 * @result: the result given to the callback
 * @error: return location for a #PROV_ERROR
 *
 * Finishes prov_installer_install_async().
 *
 * Returns: %TRUE once the image is installed, or %FALSE with an error whose
 *   message is the `$ERR` text of Log_Upgrade_Failure_Msg
 *
 * Since: 1.0
 */
gboolean prov_installer_install_finish (ProvInstaller       *self,
                                        GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
