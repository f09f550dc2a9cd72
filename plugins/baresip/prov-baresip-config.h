/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * prov_baresip_config_merge:
 * @old: (nullable): baresip's `config` as it is (the admin's), NULL when
 *   there is none yet
 * @sip_port: (nullable): the port of `sip_listen` (the mapping's
 *   `sip_port`); NULL or "" leaves `sip_listen` alone
 * @control: (nullable): `[baresip] Control=`, which `ctrl_tcp_listen`
 *   must match; NULL when baresip is not controlled
 * @error: return location for an error
 *
 * The keys provisiond owns in baresip's `config`, put into @old: the line
 * of an owned key is replaced where it stands (the address of an existing
 * `sip_listen` stays, its port changes), a missing one is added at the
 * end, and every other line (the admin's) stays as it is. Owned:
 * `sip_listen` (with @sip_port), `ctrl_tcp_listen` (with @control), the
 * module lines the applier relies on (`module_app account.so`; with
 * @control `module_app menu.so` and `module ctrl_tcp.so`), and
 * `module_path` only when the file has none (baresip's built-in default
 * is `.`).
 *
 * Returns: (transfer full): the new text, or NULL with PROV_ERROR_INVALID_VALUE
 *   when @sip_port or @control cannot be a config value
 */
char *prov_baresip_config_merge (const char  *old,
                                 const char  *sip_port,
                                 const char  *control,
                                 GError     **error);

G_END_DECLS
