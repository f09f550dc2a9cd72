/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * prov_linphone_pipe_poll_async:
 * @path: the unix socket of a `linphonec --pipe` (/tmp/linphonec-<uid>)
 * @n_proxies: how many proxies (0 .. n-1) must register, at most 64
 * @timeout: seconds to keep asking
 *
 * Asks linphonec `proxy list` every few hundred milliseconds (one command
 * per connection; it answers and closes) until proxies 0 .. @n_proxies-1
 * all say `registered: yes` or @timeout has passed. linphonec sends no
 * events on its pipe, so this polls. A try that cannot connect (linphonec
 * is still starting after its restart) is tried again.
 *
 * Finish: bit k set = proxy k was registered at the last answer; an error
 * when linphonec never answered within @timeout (PROV_ERROR_FAILED) or on
 * cancellation (PROV_ERROR_CANCELLED).
 */
void     prov_linphone_pipe_poll_async  (const char          *path,
                                         guint                n_proxies,
                                         guint                timeout,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean prov_linphone_pipe_poll_finish (GAsyncResult        *result,
                                         guint64             *registered,
                                         GError             **error);

/* Bit k set for each "****** Proxy k" block of a `proxy list` answer
 * that says "registered: yes". */
guint64  prov_linphone_parse_proxy_list (const char          *answer);

G_END_DECLS
