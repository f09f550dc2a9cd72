/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "prov-plugin-role.h"
#include "prov-applier.h"
#include "prov-atomic-file.h"
#include "prov-error.h"

G_DEFINE_INTERFACE (ProvApplier, prov_applier, G_TYPE_OBJECT)

static ProvApplyReport *
default_apply_finish (ProvApplier *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
prov_applier_default_init (ProvApplierInterface *iface)
{
  prov_plugin_role_set (iface, "applier");
  iface->apply_finish = default_apply_finish;
}

ProvApplyReport *
prov_apply_report_new (void)
{
  return g_new0 (ProvApplyReport, 1);
}

void
prov_apply_report_free (ProvApplyReport *report)
{
  if (report == NULL)
    return;
  g_free (report->detail);
  g_free (report);
}

char *
prov_applier_get_target (ProvApplier *self, ProvDevice *device)
{
  ProvApplierInterface *iface;

  g_return_val_if_fail (PROV_IS_APPLIER (self), NULL);
  iface = PROV_APPLIER_GET_IFACE (self);
  return iface->get_target != NULL ? iface->get_target (self, device) : NULL;
}

void
prov_applier_apply_async (ProvApplier         *self,
                          ProvDevice          *device,
                          ProvApplierMap      *map,
                          GHashTable          *params,
                          const char * const  *changed,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  ProvApplierInterface *iface;

  g_return_if_fail (PROV_IS_APPLIER (self));
  g_return_if_fail (PROV_IS_DEVICE (device));
  g_return_if_fail (PROV_IS_APPLIER_MAP (map));
  g_return_if_fail (params != NULL);

  iface = PROV_APPLIER_GET_IFACE (self);
  if (iface->apply_async == NULL || iface->apply_finish == NULL)
    {
      g_task_report_new_error (self, callback, user_data, prov_applier_apply_async,
                               PROV_ERROR, PROV_ERROR_NOT_SUPPORTED,
                               "%s does not implement apply", G_OBJECT_TYPE_NAME (self));
      return;
    }
  iface->apply_async (self, device, map, params, changed, cancellable, callback, user_data);
}

ProvApplyReport *
prov_applier_apply_finish (ProvApplier *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (PROV_IS_APPLIER (self), NULL);

  if (g_async_result_is_tagged (result, prov_applier_apply_async)
      || g_async_result_is_tagged (result, prov_applier_write_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  return PROV_APPLIER_GET_IFACE (self)->apply_finish (self, result, error);
}

char *
prov_applier_get_setting (ProvDevice *device, const char *group, const char *key)
{
  char *value = g_key_file_get_string (prov_device_get_keyfile (device), group, key, NULL);

  if (value != NULL)
    g_strstrip (value);
  if (value != NULL && value[0] == '\0')
    g_clear_pointer (&value, g_free);
  return value;
}

gboolean
prov_applier_is_yes (const char *value)
{
  return value != NULL
         && (g_ascii_strcasecmp (value, "yes") == 0 || g_ascii_strcasecmp (value, "true") == 0
             || g_ascii_strcasecmp (value, "on") == 0 || g_strcmp0 (value, "1") == 0);
}

static void
on_command_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GSubprocess *proc = G_SUBPROCESS (source);
  g_autofree char *err_text = NULL;
  GError *error = NULL;

  if (!g_subprocess_communicate_utf8_finish (proc, res, NULL, &err_text, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (!g_subprocess_get_if_exited (proc) || g_subprocess_get_exit_status (proc) != 0)
    {
      g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_FAILED,
                               "reload command failed (status %d)%s%s",
                               g_subprocess_get_if_exited (proc)
                                 ? g_subprocess_get_exit_status (proc) : -1,
                               err_text != NULL && err_text[0] != '\0' ? ": " : "",
                               err_text != NULL ? g_strstrip (err_text) : "");
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
prov_applier_run_command_async (const char *command, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GSubprocess) proc = NULL;
  GError *error = NULL;

  g_task_set_source_tag (task, prov_applier_run_command_async);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                           &error, "/bin/sh", "-c", command, NULL);
  if (proc == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_subprocess_communicate_utf8_async (proc, NULL, cancellable, on_command_done,
                                       g_steal_pointer (&task));
}

gboolean
prov_applier_run_command_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
prov_applier_write_file (const char *path, GString *text, GError **error)
{
  g_autofree char *dir = NULL;
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      explicit_bzero (text->str, text->len);
      g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED, "cannot create %s: %s", dir,
                   g_strerror (saved));
      return FALSE;
    }
  ok = prov_atomic_file_write (path, text->str, text->len, 0600, error);
  explicit_bzero (text->str, text->len);
  return ok;
}

static void
on_write_reloaded (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!prov_applier_run_command_finish (res, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, prov_apply_report_new (), (GDestroyNotify) prov_apply_report_free);
}

void
prov_applier_write_async (ProvApplier         *self,
                          const char          *path,
                          GString             *text,
                          const char          *reload_command,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (PROV_IS_APPLIER (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (text != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, prov_applier_write_async);
  if (!prov_applier_write_file (path, text, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (reload_command != NULL)
    {
      prov_applier_run_command_async (reload_command, cancellable, on_write_reloaded,
                                      g_steal_pointer (&task));
      return;
    }
  g_task_return_pointer (task, prov_apply_report_new (), (GDestroyNotify) prov_apply_report_free);
}
