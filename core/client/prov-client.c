/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-client.h"
#include "prov-context.h"
#include "prov-error.h"

/* The client API is a thin face of ProvContext, which assembles the core
 * for the daemon and provisionctl: the same store, device, plugins, status
 * and engine, so a resync here is the engine's resync, nothing of its own. */

struct _ProvClient
{
  GObject      parent_instance;

  ProvContext *context;
};

G_DEFINE_FINAL_TYPE (ProvClient, prov_client, G_TYPE_OBJECT)

static void
prov_client_finalize (GObject *object)
{
  ProvClient *self = PROV_CLIENT (object);

  g_clear_object (&self->context);
  G_OBJECT_CLASS (prov_client_parent_class)->finalize (object);
}

static void
prov_client_class_init (ProvClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = prov_client_finalize;
}

static void
prov_client_init (ProvClient *self)
{
}

ProvClient *
prov_client_new (const char *state_dir, const char *device_path, const char *plugins_dir,
                 GError **error)
{
  g_autoptr(ProvClient) self = NULL;

  g_return_val_if_fail (state_dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (PROV_TYPE_CLIENT, NULL);
  self->context = prov_context_new (state_dir, device_path, plugins_dir, error);
  if (self->context == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

static void
on_resync_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(ProvResyncResult) result = NULL;
  GError *error = NULL;

  result = prov_engine_resync_finish (PROV_ENGINE (source), res, &error);
  /* An application sees one error domain, a cancellation included. */
  prov_error_convert (&error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
prov_client_resync_async (ProvClient *self, const char *rule, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (PROV_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, prov_client_resync_async);
  /* The engine's outcome, converted, not GTask's own G_IO_ERROR. */
  g_task_set_check_cancellable (task, FALSE);
  prov_engine_resync_async (prov_context_get_engine (self->context), PROV_CAUSE_EXPLICIT, rule,
                            NULL, cancellable, on_resync_done, task);
}

gboolean
prov_client_resync_finish (ProvClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
prov_client_get_parameter (ProvClient *self, const char *name)
{
  ProvStore *store;
  const char *value;

  g_return_val_if_fail (PROV_IS_CLIENT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  store = prov_context_get_store (self->context);
  value = prov_store_get (store, name);
  return value != NULL ? g_strdup (prov_store_mask (store, name, value)) : NULL;
}
