/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * prov_baresip_ctrl_run_async:
 * @address: host:port of a running baresip's ctrl_tcp
 * @deletes: (element-type utf8): account AORs to remove (`uadel`)
 * @creates: (element-type utf8): account lines to add (`uanew`)
 * @expect: AOR → line number (GUINT_TO_POINTER) whose registration to wait for
 * @timeout: seconds to wait for those registrations after the last command;
 *   0 = do not wait
 *
 * One session on baresip's control socket (netstring-framed JSON): the
 * deletes, a short gap (so that a late un-REGISTER of a deleted account
 * cannot remove the binding of its successor), the creates, then the
 * REGISTER_OK / REGISTER_FAIL events of the expected AORs.
 *
 * Finish: AOR → "OK" or "FAIL <reason>" for every expected AOR that
 * answered in time; an error when baresip cannot be reached or refuses a
 * command (PROV_ERROR_FAILED).
 */
void        prov_baresip_ctrl_run_async  (const char          *address,
                                          GPtrArray           *deletes,
                                          GPtrArray           *creates,
                                          GHashTable          *expect,
                                          guint                timeout,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GHashTable *prov_baresip_ctrl_run_finish (GAsyncResult        *result,
                                          GError             **error);

/* The value of string member @key of the flat JSON object @json, or NULL. */
char       *prov_baresip_json_string     (const char          *json,
                                          const char          *key);

G_END_DECLS
