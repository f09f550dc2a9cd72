/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Public (client API, installed): what an application needs to provision
 * a state directory in process, as `provisionctl --state-dir` does. Plugin
 * authors use the SDK headers instead. */

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * ProvClient:
 *
 * A state directory opened for an application: its parameters
 * (`params.db`), the device file, the plugins and the status, as the daemon
 * opens them. prov_client_resync_async() runs one resync into it and
 * prov_client_get_parameter() reads the result.
 *
 * Paths not given come from the environment first, as for provisionctl:
 * `PROV_SCHEMA_DIR` (schema directories), `PROV_PLUGIN_PATH` (plugin
 * directories); otherwise the installed ones.
 *
 * Since: 1.0
 */
#define PROV_TYPE_CLIENT (prov_client_get_type ())
G_DECLARE_FINAL_TYPE (ProvClient, prov_client, PROV, CLIENT, GObject)

/**
 * prov_client_new:
 * @state_dir: the state directory; created (mode 0700) when missing
 * @device_path: (nullable): the device file, or %NULL for `device.conf`
 *   in @state_dir
 * @plugins_dir: (nullable): the plugin directories (`:`-separated), or
 *   %NULL for `PROV_PLUGIN_PATH`, else the installed ones
 * @error: return location for a #PROV_ERROR
 *
 * Opens @state_dir. Fails when the device file, the parameters or the
 * status cannot be read (a bad device file, an unreadable `params.db`).
 *
 * Returns: (transfer full): the client, or %NULL with @error set
 *
 * Since: 1.0
 */
ProvClient *prov_client_new            (const char           *state_dir,
                                        const char           *device_path,
                                        const char           *plugins_dir,
                                        GError              **error);

/**
 * prov_client_resync_async:
 * @self: the client
 * @rule: (nullable): a rule to run instead of the configured
 *   `Profile_Rule…` ones, e.g. `file:///srv/prov/$MA.xml`
 * @cancellable: (nullable): stops the resync; nothing of it is applied
 * @callback: (scope async): called when the resync is over
 * @user_data: data for @callback
 *
 * Runs one resync, as `provisionctl --state-dir DIR resync [RULE]` does:
 * the rules are expanded, the profiles fetched, decoded and checked against
 * the schema, and the parameters stored in the state directory only when
 * every profile of the resync is valid. Fails with `PROV_ERROR_BUSY` when
 * a resync of this client runs already.
 *
 * Since: 1.0
 */
void        prov_client_resync_async   (ProvClient           *self,
                                        const char           *rule,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);

/**
 * prov_client_resync_finish:
 * @self: the client
 * @result: the result given to the callback
 * @error: return location for a #PROV_ERROR: its code is the outcome
 *   (`PROV_ERROR_FILE_NOT_FOUND`, `PROV_ERROR_CORRUPT`,
 *   `PROV_ERROR_TRANSPORT`, `PROV_ERROR_CANCELLED`…), its message the
 *   `$ERR` text
 *
 * Finishes prov_client_resync_async().
 *
 * Returns: %TRUE when the resync succeeded, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean    prov_client_resync_finish  (ProvClient           *self,
                                        GAsyncResult         *result,
                                        GError              **error);

/**
 * prov_client_get_parameter:
 * @self: the client
 * @name: a parameter name (`Profile_Rule`, `GPP_A`…)
 *
 * The value as the admin sees it (`provisionctl get`): the stored value,
 * else the schema's default. The value of a secret parameter comes back
 * masked.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL when @name is
 *   neither stored nor known to the schema
 *
 * Since: 1.0
 */
char       *prov_client_get_parameter  (ProvClient           *self,
                                        const char           *name);

G_END_DECLS
