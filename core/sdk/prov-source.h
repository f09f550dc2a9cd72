/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-fetch.h"

G_BEGIN_DECLS

/**
 * ProvSource:
 * A source turns a rule URL of its scheme into parameters: see
 * #ProvSourceInterface.
 *
 * Since: 1.0
 */
#define PROV_TYPE_SOURCE (prov_source_get_type ())
G_DECLARE_INTERFACE (ProvSource, prov_source, PROV, SOURCE, GObject)

/**
 * ProvSourceInterface:
 * @resolve_async: work out the parameters for prov_fetch_get_url().
 * @resolve_finish: name → value, or an error: a source that
 *   waits for something (an activation code entered by the user) fails with
 *   PROV_ERROR_BUSY and a message saying what it waits for.
 * @submit: user input a source waits for, e.g. an activation
 *   code, optional; the source validates it locally (malformed input →
 *   PROV_ERROR_INVALID_ARGS with a clear message) and keeps it for the next
 *   resolve.
 *
 * A source turns a rule URL of its scheme (declared in the plugin's
 * "schemes", like `gds://`) into the parameters the device uses from then
 * on, typically a new Profile_Rule. The engine applies them through the
 * schema, like any profile, and then runs the new rules once.
 *
 * Since: 1.0
 */
struct _ProvSourceInterface
{
  GTypeInterface g_iface;

  void         (*resolve_async)  (ProvSource          *self,
                                  ProvFetch           *fetch,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
  GHashTable * (*resolve_finish) (ProvSource          *self,
                                  GAsyncResult        *result,
                                  GError             **error);
  gboolean     (*submit)         (ProvSource          *self,
                                  const char          *input,
                                  GError             **error);

  gpointer padding[7];
};

/**
 * prov_source_resolve_async:
 * @self: the source
 * @fetch: the rule URL and the transfer's settings
 * @cancellable: (nullable): cancels the resolution
 * @callback: (scope async): called when it is over
 * @user_data: (closure): for @callback
 *
 * Works out the parameters for the URL of @fetch.
 *
 * Since: 1.0
 */
void        prov_source_resolve_async  (ProvSource          *self,
                                        ProvFetch           *fetch,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
/**
 * prov_source_resolve_finish:
 * @self: the source
 * @result: the result passed to the callback of prov_source_resolve_async()
 * @error: return location for a #PROV_ERROR
 *
 * A source that waits for something (an activation code entered by the user)
 * fails with %PROV_ERROR_BUSY and a message saying what it waits for.
 *
 * Returns: (transfer full) (element-type utf8 utf8): name → value
 *
 * Since: 1.0
 */
GHashTable *prov_source_resolve_finish (ProvSource          *self,
                                        GAsyncResult        *result,
                                        GError             **error);
/**
 * prov_source_submit:
 * @self: the source
 * @input: user input the source waits for (an activation code)
 * @error: return location for a #PROV_ERROR
 *
 * The source validates @input locally and keeps it for the next resolve.
 *
 * Returns: %TRUE, or %FALSE with %PROV_ERROR_INVALID_ARGS (malformed input)
 *   or %PROV_ERROR_NOT_SUPPORTED (the source takes no input)
 *
 * Since: 1.0
 */
gboolean    prov_source_submit         (ProvSource          *self,
                                        const char          *input,
                                        GError             **error);

G_END_DECLS
