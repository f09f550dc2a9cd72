/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <provision.h>

#include "prov-baresip-ctrl.h"

/* Between the last uadel and the first uanew (see the header). */
#define DELETE_GAP_MS 300
/* A netstring longer than this is not baresip talking. */
#define MAX_FRAME     (256 * 1024)

typedef struct
{
  GSocketConnection *conn;
  GCancellable      *io_cancel; /* ends the read loop when the session ends */
  GByteArray        *inbuf;
  guint8             readbuf[4096];
  GPtrArray         *commands;  /* char*: JSON, in order */
  guint              n_deletes;
  guint              next;
  char              *waiting;   /* token of the command sent, or NULL */
  GHashTable        *expect;
  GHashTable        *results;
  guint              timeout;
  guint              timer_id;
  gboolean           writing;   /* a write is outstanding */
  gboolean           want_next; /* answered while writing: send on completion */
  gboolean           gap_done;
  gboolean           commands_done;
  gboolean           finished;
} Session;

static void
session_free (Session *s)
{
  g_clear_handle_id (&s->timer_id, g_source_remove);
  g_clear_object (&s->conn);
  g_clear_object (&s->io_cancel);
  g_byte_array_unref (s->inbuf);
  g_ptr_array_unref (s->commands);
  g_free (s->waiting);
  g_hash_table_unref (s->expect);
  g_hash_table_unref (s->results);
  g_free (s);
}

static void
session_end (GTask *task, GError *error)
{
  Session *s = g_task_get_task_data (task);

  if (s->finished)
    {
      g_clear_error (&error);
      return;
    }
  s->finished = TRUE;
  g_clear_handle_id (&s->timer_id, g_source_remove);
  g_cancellable_cancel (s->io_cancel);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_hash_table_ref (s->results),
                           (GDestroyNotify) g_hash_table_unref);
}

static void
json_escape (GString *out, const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if ((guchar) *p < 0x20)
        g_string_append_printf (out, "\\u%04x", (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
}

static char *
make_command (const char *command, const char *params, guint index)
{
  GString *json = g_string_new ("{\"command\":\"");

  g_string_append (json, command);
  g_string_append (json, "\",\"params\":\"");
  json_escape (json, params);
  g_string_append_printf (json, "\",\"token\":\"provisiond-%u\"}", index);
  return g_string_free (json, FALSE);
}

char *
prov_baresip_json_string (const char *json, const char *key)
{
  g_autofree char *needle = g_strdup_printf ("\"%s\":\"", key);
  const char *p = strstr (json, needle);
  GString *out;

  if (p == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (p += strlen (needle); *p != '\0' && *p != '"'; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        p++;
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static void send_next (GTask *task);

static void
maybe_done (GTask *task)
{
  Session *s = g_task_get_task_data (task);

  if (s->commands_done && g_hash_table_size (s->results) >= g_hash_table_size (s->expect))
    session_end (task, NULL);
}

static void
handle_frame (GTask *task, const char *json)
{
  Session *s = g_task_get_task_data (task);

  if (strstr (json, "\"response\":true") != NULL)
    {
      g_autofree char *token = prov_baresip_json_string (json, "token");
      g_autofree char *data = prov_baresip_json_string (json, "data");

      if (s->waiting == NULL || g_strcmp0 (token, s->waiting) != 0)
        return;
      /* A uadel of an account baresip no longer has is no error. */
      if (strstr (json, "\"ok\":false") != NULL && s->next > s->n_deletes)
        {
          session_end (task, g_error_new (PROV_ERROR, PROV_ERROR_FAILED,
                                          "baresip refused a new account: %s",
                                          data != NULL ? g_strstrip (data) : "no reason"));
          return;
        }
      g_clear_pointer (&s->waiting, g_free);
      /* The answer can overtake our own write's completion. */
      if (s->writing)
        s->want_next = TRUE;
      else
        send_next (task);
      return;
    }
  if (strstr (json, "\"event\":true") != NULL)
    {
      g_autofree char *type = prov_baresip_json_string (json, "type");
      g_autofree char *aor = prov_baresip_json_string (json, "accountaor");
      g_autofree char *param = prov_baresip_json_string (json, "param");

      if (aor == NULL || !g_hash_table_contains (s->expect, aor)
          || g_hash_table_contains (s->results, aor))
        return;
      if (g_strcmp0 (type, "REGISTER_OK") == 0)
        g_hash_table_insert (s->results, g_strdup (aor), g_strdup ("OK"));
      else if (g_strcmp0 (type, "REGISTER_FAIL") == 0)
        g_hash_table_insert (s->results, g_strdup (aor),
                             g_strdup_printf ("FAIL %s", param != NULL ? param : ""));
      else
        return;
      maybe_done (task);
    }
}

/* Netstrings: <length>:<bytes>, */
static gboolean
parse_frames (GTask *task, GError **error)
{
  Session *s = g_task_get_task_data (task);

  while (!s->finished && s->inbuf->len > 0)
    {
      const char *buf = (const char *) s->inbuf->data;
      const char *colon = memchr (buf, ':', MIN (s->inbuf->len, 12));
      guint64 len;
      g_autofree char *frame = NULL;
      gsize used;

      if (colon == NULL)
        {
          if (s->inbuf->len >= 12)
            break;
          return TRUE;
        }
      len = g_ascii_strtoull (buf, NULL, 10);
      if (len > MAX_FRAME)
        break;
      used = (gsize) (colon - buf) + 1 + len + 1;
      if (s->inbuf->len < used)
        return TRUE;
      if (colon[1 + len] != ',')
        break;
      frame = g_strndup (colon + 1, len);
      g_byte_array_remove_range (s->inbuf, 0, used);
      handle_frame (task, frame);
    }
  if (s->finished || s->inbuf->len == 0)
    return TRUE;
  g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED, "baresip control: bad netstring framing");
  return FALSE;
}

static void
on_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Session *s = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), res, &error);

  if (s->finished)
    {
      g_clear_error (&error);
      return;
    }
  if (n <= 0)
    {
      if (error == NULL)
        error = g_error_new (PROV_ERROR, PROV_ERROR_FAILED, "baresip closed its control socket");
      g_prefix_error (&error, "baresip control: ");
      session_end (task, error);
      return;
    }
  g_byte_array_append (s->inbuf, s->readbuf, (guint) n);
  if (!parse_frames (task, &error))
    {
      session_end (task, error);
      return;
    }
  if (!s->finished)
    g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (s->conn)),
                               s->readbuf, sizeof s->readbuf, G_PRIORITY_DEFAULT, s->io_cancel,
                               on_read, g_object_ref (task));
}

static void
on_written (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Session *s = g_task_get_task_data (task);
  GError *error = NULL;

  s->writing = FALSE;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL, &error))
    {
      g_prefix_error (&error, "baresip control: ");
      session_end (task, error);
      return;
    }
  if (s->want_next)
    {
      s->want_next = FALSE;
      send_next (task);
    }
}

static gboolean
on_wait_over (gpointer user_data)
{
  GTask *task = user_data;
  Session *s = g_task_get_task_data (task);

  s->timer_id = 0;
  session_end (task, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
on_gap_over (gpointer user_data)
{
  GTask *task = user_data;
  Session *s = g_task_get_task_data (task);

  s->timer_id = 0;
  send_next (task);
  return G_SOURCE_REMOVE;
}

static void
send_next (GTask *task)
{
  Session *s = g_task_get_task_data (task);
  GString *frame;
  const char *json;

  if (s->finished)
    return;
  g_clear_pointer (&s->waiting, g_free);
  if (s->next == s->n_deletes && s->n_deletes > 0 && s->next < s->commands->len && !s->gap_done)
    {
      s->gap_done = TRUE;
      s->timer_id = g_timeout_add_full (G_PRIORITY_DEFAULT, DELETE_GAP_MS, on_gap_over,
                                        g_object_ref (task), g_object_unref);
      return;
    }
  if (s->next >= s->commands->len)
    {
      s->commands_done = TRUE;
      if (s->timeout > 0 && g_hash_table_size (s->results) < g_hash_table_size (s->expect))
        s->timer_id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, s->timeout, on_wait_over,
                                                  g_object_ref (task), g_object_unref);
      else if (s->timeout == 0)
        session_end (task, NULL);
      maybe_done (task);
      return;
    }
  json = s->commands->pdata[s->next];
  s->waiting = g_strdup_printf ("provisiond-%u", s->next);
  s->next++;
  frame = g_string_new (NULL);
  g_string_append_printf (frame, "%zu:%s,", strlen (json), json);
  s->writing = TRUE;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (s->conn)),
                                   frame->str, frame->len, G_PRIORITY_DEFAULT, s->io_cancel,
                                   on_written, g_object_ref (task));
  /* GIO copies nothing: keep the bytes alive with the task. */
  g_object_set_data_full (G_OBJECT (task), "frame", g_string_free (frame, FALSE), g_free);
}

static void
on_connected (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Session *s = g_task_get_task_data (task);
  GError *error = NULL;

  s->conn = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), res, &error);
  if (s->conn == NULL)
    {
      g_prefix_error (&error, "cannot reach baresip's control socket: ");
      session_end (task, error);
      return;
    }
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (s->conn)),
                             s->readbuf, sizeof s->readbuf, G_PRIORITY_DEFAULT, s->io_cancel,
                             on_read, g_object_ref (task));
  send_next (task);
}

static void
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = user_data;

  session_end (task, g_error_new (PROV_ERROR, PROV_ERROR_CANCELLED, "cancelled"));
}

void
prov_baresip_ctrl_run_async (const char          *address,
                             GPtrArray           *deletes,
                             GPtrArray           *creates,
                             GHashTable          *expect,
                             guint                timeout,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  Session *s = g_new0 (Session, 1);

  g_task_set_source_tag (task, prov_baresip_ctrl_run_async);
  s->io_cancel = g_cancellable_new ();
  s->inbuf = g_byte_array_new ();
  s->commands = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < deletes->len; i++)
    g_ptr_array_add (s->commands, make_command ("uadel", deletes->pdata[i], s->commands->len));
  s->n_deletes = deletes->len;
  for (guint i = 0; i < creates->len; i++)
    g_ptr_array_add (s->commands, make_command ("uanew", creates->pdata[i], s->commands->len));
  s->expect = g_hash_table_ref (expect);
  s->results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  s->timeout = timeout;
  g_task_set_task_data (task, s, (GDestroyNotify) session_free);
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (on_cancelled), task, 0);
  g_socket_client_set_timeout (client, 10);
  g_socket_client_connect_to_host_async (client, address, 0, s->io_cancel, on_connected,
                                         g_object_ref (task));
}

GHashTable *
prov_baresip_ctrl_run_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
