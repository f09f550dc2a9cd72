/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-error.h"
#include "prov-gds-code.h"
#include "prov-gds-plugin.h"
#include "prov-gds-request.h"
#include "prov-gds-response.h"
#include "prov-source.h"

/* Activation-code onboarding (SPEC §7): `gds://` waits until the user
 * submits a code, then trades it at the activation service for the
 * Profile_Rule to use from then on. */
struct _ProvGdsPlugin
{
  ProvPlugin  parent_instance;

  char       *code;      /* submitted and not yet spent; only in memory */
  gboolean    in_flight; /* a request is out: a second one would spend the code twice */
};

static void prov_gds_plugin_source_init (ProvSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ProvGdsPlugin, prov_gds_plugin, PROV_TYPE_PLUGIN,
                               G_IMPLEMENT_INTERFACE (PROV_TYPE_SOURCE,
                                                      prov_gds_plugin_source_init))

static gboolean
prov_gds_plugin_submit (ProvSource *source, const char *input, GError **error)
{
  ProvGdsPlugin *self = PROV_GDS_PLUGIN (source);
  g_autofree char *code = prov_gds_code_normalize (input, error);
  g_autofree char *redacted = NULL;

  if (code == NULL)
    return FALSE;
  redacted = prov_gds_code_redact (code);
  g_debug ("activation code %s submitted", redacted);
  g_free (self->code);
  self->code = g_steal_pointer (&code);
  return TRUE;
}

static void
on_request_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ProvGdsPlugin *self = g_task_get_source_object (task);
  const char *sent = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GHashTable *params = prov_gds_request_finish (result, &error);

  self->in_flight = FALSE;
  /* Single use from our side too; but a code submitted meanwhile is new. */
  if (prov_gds_response_is_final (error) && g_strcmp0 (self->code, sent) == 0)
    g_clear_pointer (&self->code, g_free);
  if (params == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, params, (GDestroyNotify) g_hash_table_unref);
}

static void
prov_gds_plugin_resolve_async (ProvSource          *source,
                               ProvFetch           *fetch,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  ProvGdsPlugin *self = PROV_GDS_PLUGIN (source);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *service_url = NULL;

  g_task_set_source_tag (task, prov_gds_plugin_resolve_async);
  g_task_set_check_cancellable (task, FALSE);

  /* A configuration error first: no use asking for a code then. */
  service_url = prov_gds_service_url (fetch, &error);
  if (service_url == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->code == NULL)
    {
      g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_BUSY,
                               "waiting for an activation code");
      return;
    }
  if (self->in_flight)
    {
      g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_BUSY,
                               "activation already in progress");
      return;
    }
  self->in_flight = TRUE;
  g_task_set_task_data (task, g_strdup (self->code), g_free);
  prov_gds_request_async (fetch, service_url, self->code, cancellable, on_request_done,
                          g_steal_pointer (&task));
}

static GHashTable *
prov_gds_plugin_resolve_finish (ProvSource *source, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
prov_gds_plugin_source_init (ProvSourceInterface *iface)
{
  iface->resolve_async = prov_gds_plugin_resolve_async;
  iface->resolve_finish = prov_gds_plugin_resolve_finish;
  iface->submit = prov_gds_plugin_submit;
}

static void
prov_gds_plugin_finalize (GObject *object)
{
  g_free (PROV_GDS_PLUGIN (object)->code);
  G_OBJECT_CLASS (prov_gds_plugin_parent_class)->finalize (object);
}

static void
prov_gds_plugin_class_init (ProvGdsPluginClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = prov_gds_plugin_finalize;
}

static void
prov_gds_plugin_init (ProvGdsPlugin *self)
{
}

ProvPlugin *
prov_gds_plugin_new (void)
{
  static const char *const schemes[] = { "gds", NULL };

  return g_object_new (PROV_TYPE_GDS_PLUGIN,
                       "name", "gds",
                       "description", "Activation-code onboarding (gds://)",
                       "schemes", schemes,
                       NULL);
}
