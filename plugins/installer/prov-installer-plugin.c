/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <provision.h>

/* Installs firmware by running [installer] Command= of the device file
 * (no shell: split like a shell would, then %f → image path, %v → version,
 * %% → %), bounded by [installer] Timeout= seconds. Exit status 0 is
 * success; the tail of stderr explains a failure. */

#define DEFAULT_TIMEOUT 600
#define STDERR_TAIL     4096 /* bytes of stderr kept */
#define MESSAGE_MAX     200  /* characters of stderr in an error message */
#define READS_PER_WAKE  16   /* a chatty child cannot starve the main loop */

#define PROV_TYPE_INSTALLER_PLUGIN (prov_installer_plugin_get_type ())
G_DECLARE_FINAL_TYPE (ProvInstallerPlugin, prov_installer_plugin, PROV, INSTALLER_PLUGIN,
                      ProvPlugin)

struct _ProvInstallerPlugin
{
  ProvPlugin parent_instance;
};

static void prov_installer_plugin_installer_init (ProvInstallerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ProvInstallerPlugin, prov_installer_plugin, PROV_TYPE_PLUGIN,
                               G_IMPLEMENT_INTERFACE (PROV_TYPE_INSTALLER,
                                                      prov_installer_plugin_installer_init))

/* One run of the command. Every source is destroyed before the task
 * returns, so they hold no reference on it. */
typedef struct
{
  GSubprocess  *process;
  GByteArray   *tail;
  GSource      *stderr_source;
  GSource      *timeout_source;
  GCancellable *cancellable;
  gulong        cancel_id;
  guint         timeout;
  gboolean      timed_out;
} Install;

static void
install_free (Install *data)
{
  g_clear_object (&data->process);
  g_byte_array_unref (data->tail);
  g_free (data);
}

static void
destroy_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* "%f" → image, "%v" → version, "%%" → "%"; other sequences stay. */
static char *
substitute (const char *arg, const char *image, const char *version, gboolean *used_image)
{
  GString *out = g_string_new (NULL);

  for (const char *p = arg; *p != '\0'; p++)
    {
      if (p[0] == '%' && p[1] == 'f')
        {
          g_string_append (out, image);
          *used_image = TRUE;
          p++;
        }
      else if (p[0] == '%' && p[1] == 'v')
        {
          g_string_append (out, version != NULL ? version : "");
          p++;
        }
      else if (p[0] == '%' && p[1] == '%')
        {
          g_string_append_c (out, '%');
          p++;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* The command line to run; the image path goes last when no %f names it. */
static GStrv
build_argv (const char *command, const char *image, const char *version, GError **error)
{
  g_auto(GStrv) words = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GError) local_error = NULL;
  gboolean used_image = FALSE;

  if (!g_shell_parse_argv (command, NULL, &words, &local_error))
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED, "installer: bad Command: %s",
                   local_error->message);
      return NULL;
    }
  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *arg = substitute (words[i], image, version, &used_image);
      g_strv_builder_add (builder, arg);
    }
  if (!used_image)
    g_strv_builder_add (builder, image);
  return g_strv_builder_end (builder);
}

static void
keep_tail (GByteArray *tail, const guint8 *buf, gsize len)
{
  g_byte_array_append (tail, buf, len);
  if (tail->len > STDERR_TAIL)
    g_byte_array_remove_range (tail, 0, tail->len - STDERR_TAIL);
}

/* Reads what stderr holds now; FALSE at its end (or on an error). */
static gboolean
read_stderr (Install *data, guint max_reads)
{
  GInputStream *stream = g_subprocess_get_stderr_pipe (data->process);

  for (guint i = 0; i < max_reads; i++)
    {
      guint8 buf[4096];
      g_autoptr(GError) error = NULL;
      gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (stream), buf,
                                                           sizeof buf, NULL, &error);
      if (n > 0)
        keep_tail (data->tail, buf, n);
      else
        return n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
    }
  return TRUE;
}

static gboolean
on_stderr_ready (GObject *stream, gpointer user_data)
{
  Install *data = g_task_get_task_data (user_data);

  if (read_stderr (data, READS_PER_WAKE))
    return G_SOURCE_CONTINUE;
  g_clear_pointer (&data->stderr_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static gboolean
on_timeout (gpointer user_data)
{
  Install *data = g_task_get_task_data (user_data);

  g_info ("installer still running after %u s: stopping it", data->timeout);
  data->timed_out = TRUE;
  g_subprocess_force_exit (data->process);
  g_clear_pointer (&data->timeout_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  g_subprocess_force_exit (G_SUBPROCESS (user_data));
}

/* The last non-empty line of stderr, valid UTF-8, at most MESSAGE_MAX characters. */
static char *
last_line (GByteArray *tail)
{
  g_autofree char *text = NULL;
  char *end, *start;

  if (tail->len == 0)
    return g_strdup ("");
  text = g_utf8_make_valid ((const char *) tail->data, tail->len);
  g_strchomp (text);
  end = text + strlen (text);
  start = strrchr (text, '\n');
  start = start != NULL ? start + 1 : text;
  for (char *p = start; p < end; p++)
    if ((guchar) *p < 0x20)
      *p = ' ';
  return g_utf8_substring (start, 0, MIN (g_utf8_strlen (start, -1), MESSAGE_MAX));
}

static void
on_exited (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Install *data = g_task_get_task_data (task);
  g_autofree char *line = NULL;
  g_autofree char *detail = NULL;

  g_subprocess_wait_finish (G_SUBPROCESS (source), res, NULL);
  /* Whatever is still in the pipe; a grandchild keeping it open cannot hold us. */
  read_stderr (data, 256);
  destroy_source (&data->stderr_source);
  destroy_source (&data->timeout_source);
  g_cancellable_disconnect (data->cancellable, data->cancel_id);
  data->cancel_id = 0;

  line = last_line (data->tail);
  detail = line[0] != '\0' ? g_strconcat (": ", line, NULL) : g_strdup ("");
  if (g_cancellable_is_cancelled (data->cancellable))
    g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_CANCELLED, "cancelled");
  else if (data->timed_out)
    g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_FAILED,
                             "installer timed out after %u s", data->timeout);
  else if (g_subprocess_get_if_exited (data->process)
           && g_subprocess_get_exit_status (data->process) == 0)
    g_task_return_boolean (task, TRUE);
  else if (g_subprocess_get_if_exited (data->process))
    g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_FAILED,
                             "installer exited with status %d%s",
                             g_subprocess_get_exit_status (data->process), detail);
  else
    g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_FAILED,
                             "installer killed by signal %d%s",
                             g_subprocess_get_term_sig (data->process), detail);
}

static guint
get_timeout (GKeyFile *kf)
{
  g_autoptr(GError) error = NULL;
  int value = g_key_file_get_integer (kf, "installer", "Timeout", &error);

  if (error != NULL || value < 0)
    return DEFAULT_TIMEOUT;
  return value;
}

static void
prov_installer_plugin_install_async (ProvInstaller       *installer,
                                     ProvDevice          *device,
                                     const char          *image_path,
                                     const char          *version,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (installer, cancellable, callback, user_data);
  GKeyFile *kf = prov_device_get_keyfile (device);
  g_autofree char *command = g_key_file_get_string (kf, "installer", "Command", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_auto(GStrv) argv = NULL;
  GError *error = NULL;
  Install *data;

  g_task_set_source_tag (task, prov_installer_plugin_install_async);
  /* Errors are PROV_ERROR, cancellation included. */
  g_task_set_check_cancellable (task, FALSE);
  if (command == NULL || g_strstrip (command)[0] == '\0')
    {
      g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_NOT_SUPPORTED,
                               "no installer configured ([installer] Command)");
      return;
    }
  argv = build_argv (command, image_path, version, &error);
  if (argv == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_CANCELLED, "cancelled");
      return;
    }

  data = g_new0 (Install, 1);
  data->tail = g_byte_array_new ();
  data->timeout = get_timeout (kf);
  data->cancellable = cancellable;
  g_task_set_task_data (task, data, (GDestroyNotify) install_free);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "PROV_IMAGE", image_path, TRUE);
  g_subprocess_launcher_setenv (launcher, "PROV_VERSION", version != NULL ? version : "", TRUE);
  data->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv, &error);
  if (data->process == NULL)
    {
      g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_FAILED, "cannot run installer: %s",
                               error->message);
      g_error_free (error);
      return;
    }
  g_info ("installing %s with %s", image_path, argv[0]);

  data->stderr_source = g_pollable_input_stream_create_source (
    G_POLLABLE_INPUT_STREAM (g_subprocess_get_stderr_pipe (data->process)), NULL);
  g_source_set_callback (data->stderr_source, G_SOURCE_FUNC (on_stderr_ready), task, NULL);
  g_source_attach (data->stderr_source, g_task_get_context (task));
  if (data->timeout > 0)
    {
      data->timeout_source = g_timeout_source_new_seconds (data->timeout);
      g_source_set_callback (data->timeout_source, on_timeout, task, NULL);
      g_source_attach (data->timeout_source, g_task_get_context (task));
    }
  if (cancellable != NULL)
    data->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                             g_object_ref (data->process), g_object_unref);
  g_subprocess_wait_async (data->process, NULL, on_exited, g_steal_pointer (&task));
}

static gboolean
prov_installer_plugin_install_finish (ProvInstaller *installer, GAsyncResult *result,
                                      GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
prov_installer_plugin_installer_init (ProvInstallerInterface *iface)
{
  iface->install_async = prov_installer_plugin_install_async;
  iface->install_finish = prov_installer_plugin_install_finish;
}

static void
prov_installer_plugin_class_init (ProvInstallerPluginClass *klass)
{
}

static void
prov_installer_plugin_init (ProvInstallerPlugin *self)
{
}

PROV_PLUGIN_DEFINE_ABI ();

G_MODULE_EXPORT ProvPlugin *
prov_plugin_create (void)
{
  return g_object_new (PROV_TYPE_INSTALLER_PLUGIN,
                       "name", "installer",
                       "description", "Installs firmware with a configured command",
                       NULL);
}
