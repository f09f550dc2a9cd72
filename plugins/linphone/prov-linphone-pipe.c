/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <gio/gunixsocketaddress.h>
#include <provision.h>

#include "prov-linphone-pipe.h"

/* Between two tries. */
#define POLL_MS     250
/* A `proxy list` answer is a few hundred bytes per proxy: more than this
 * is not linphonec. */
#define MAX_ANSWER  (64 * 1024)
/* One try (connect, command, answer) that takes longer than this failed. */
#define TRY_TIMEOUT 2

typedef struct
{
  char              *path;
  guint64            want;       /* bit k: proxy k must register */
  guint64            registered; /* at the last answer */
  gint64             deadline;   /* monotonic µs */
  guint              tries_left;
  gboolean           answered;   /* linphonec answered at least once */
  GError            *last_error; /* of the last failed try */
  GCancellable      *io_cancel;  /* ends the current try when the poll ends */
  GSocketConnection *conn;
  GByteArray        *answer;
  guint8             readbuf[4096];
  guint              timer_id;
  gboolean           finished;
} Poll;

static const char COMMAND[] = "proxy list";

static void
poll_free (Poll *p)
{
  g_clear_handle_id (&p->timer_id, g_source_remove);
  g_clear_object (&p->conn);
  g_clear_object (&p->io_cancel);
  g_clear_error (&p->last_error);
  g_byte_array_unref (p->answer);
  g_free (p->path);
  g_free (p);
}

guint64
prov_linphone_parse_proxy_list (const char *answer)
{
  g_auto(GStrv) lines = g_strsplit (answer, "\n", -1);
  guint64 registered = 0;
  int current = -1;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);
      const char *number;

      if (g_str_has_prefix (line, "****** Proxy "))
        {
          /* Not sscanf's %d: a number past int's range is undefined there. */
          guint64 k;

          number = line + strlen ("****** Proxy ");
          k = g_ascii_isdigit (*number) ? g_ascii_strtoull (number, NULL, 10) : G_MAXUINT64;
          current = k < 64 ? (int) k : -1;
        }
      else if (current >= 0 && g_str_equal (line, "registered: yes"))
        registered |= G_GUINT64_CONSTANT (1) << current;
    }
  return registered;
}

static void
poll_end (GTask *task, GError *error)
{
  Poll *p = g_task_get_task_data (task);

  if (p->finished)
    {
      g_clear_error (&error);
      return;
    }
  p->finished = TRUE;
  g_clear_handle_id (&p->timer_id, g_source_remove);
  g_cancellable_cancel (p->io_cancel);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void try_once (GTask *task);

static gboolean
on_poll_timer (gpointer user_data)
{
  GTask *task = user_data;
  Poll *p = g_task_get_task_data (task);

  p->timer_id = 0;
  try_once (task);
  return G_SOURCE_REMOVE;
}

/* The end of one try: done, or another one later, or out of time. */
static void
try_done (GTask *task, GError *error)
{
  Poll *p = g_task_get_task_data (task);

  g_clear_object (&p->conn);
  if (p->finished)
    {
      g_clear_error (&error);
      return;
    }
  if (error != NULL)
    {
      g_clear_error (&p->last_error);
      p->last_error = error;
    }
  if (p->answered && (p->registered & p->want) == p->want)
    {
      poll_end (task, NULL);
      return;
    }
  if (p->tries_left == 0 || g_get_monotonic_time () >= p->deadline)
    {
      if (p->answered)
        poll_end (task, NULL);
      else
        poll_end (task, g_error_new (PROV_ERROR, PROV_ERROR_FAILED,
                                     "cannot reach linphonec's control socket %s: %s",
                                     p->path, p->last_error != NULL
                                     ? p->last_error->message : "no answer"));
      return;
    }
  p->tries_left--;
  p->timer_id = g_timeout_add_full (G_PRIORITY_DEFAULT, POLL_MS, on_poll_timer,
                                    g_object_ref (task), g_object_unref);
}

static void on_read (GObject *source, GAsyncResult *res, gpointer user_data);

/* Takes @task: the next piece of the answer, until linphonec closes. */
static void
read_more (GTask *task)
{
  Poll *p = g_task_get_task_data (task);

  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (p->conn)),
                             p->readbuf, sizeof p->readbuf, G_PRIORITY_DEFAULT, p->io_cancel,
                             on_read, task);
}

static void
on_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Poll *p = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), res, &error);

  if (n < 0)
    {
      try_done (task, error);
      return;
    }
  if (n == 0)
    {
      /* linphonec closes the connection after its answer. */
      g_byte_array_append (p->answer, (const guint8 *) "", 1);
      p->registered = prov_linphone_parse_proxy_list ((const char *) p->answer->data);
      p->answered = TRUE;
      try_done (task, NULL);
      return;
    }
  if (p->answer->len + (gsize) n > MAX_ANSWER)
    {
      try_done (task, g_error_new (PROV_ERROR, PROV_ERROR_FAILED,
                                   "its answer is longer than %d bytes", MAX_ANSWER));
      return;
    }
  g_byte_array_append (p->answer, p->readbuf, (guint) n);
  read_more (g_steal_pointer (&task));
}

static void
on_written (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL, &error))
    {
      try_done (task, error);
      return;
    }
  read_more (g_steal_pointer (&task));
}

static void
on_connected (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Poll *p = g_task_get_task_data (task);
  GError *error = NULL;

  p->conn = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), res, &error);
  if (p->conn == NULL)
    {
      try_done (task, error);
      return;
    }
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (p->conn)),
                                   COMMAND, strlen (COMMAND), G_PRIORITY_DEFAULT, p->io_cancel,
                                   on_written, g_steal_pointer (&task));
}

static void
try_once (GTask *task)
{
  Poll *p = g_task_get_task_data (task);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (p->path);

  g_byte_array_set_size (p->answer, 0);
  /* Also bounds each read and write: a linphonec that hangs ends the try. */
  g_socket_client_set_timeout (client, TRY_TIMEOUT);
  g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (address), p->io_cancel,
                                 on_connected, g_object_ref (task));
}

static void
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = user_data;

  poll_end (task, g_error_new (PROV_ERROR, PROV_ERROR_CANCELLED, "cancelled"));
}

void
prov_linphone_pipe_poll_async (const char          *path,
                               guint                n_proxies,
                               guint                timeout,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Poll *p = g_new0 (Poll, 1);

  g_return_if_fail (n_proxies <= 64);
  g_task_set_source_tag (task, prov_linphone_pipe_poll_async);
  p->path = g_strdup (path);
  p->want = n_proxies == 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << n_proxies) - 1;
  p->deadline = g_get_monotonic_time () + (gint64) timeout * G_USEC_PER_SEC;
  /* Bounded even when the clock does not move on. */
  p->tries_left = timeout * 1000 / POLL_MS + 1;
  p->io_cancel = g_cancellable_new ();
  p->answer = g_byte_array_new ();
  g_task_set_task_data (task, p, (GDestroyNotify) poll_free);
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (on_cancelled), task, 0);
  if (g_cancellable_is_cancelled (cancellable))
    {
      poll_end (task, g_error_new (PROV_ERROR, PROV_ERROR_CANCELLED, "cancelled"));
      return;
    }
  try_once (task);
}

gboolean
prov_linphone_pipe_poll_finish (GAsyncResult *result, guint64 *registered, GError **error)
{
  Poll *p = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  *registered = p->registered;
  return TRUE;
}
