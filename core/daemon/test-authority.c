/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ProvAuthority on a private bus: the caller's uid is asked of the bus once
 * per unique name, and forgotten when the name goes. */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "prov-authority.h"

static const char introspection[] =
  "<node><interface name='org.provisiond.Test'>"
  "<method name='Check'><arg type='i' direction='out'/></method>"
  "</interface></node>";

typedef struct
{
  ProvAuthority *authority;
  gint           uid_queries;  /* GetConnectionUnixUser sent (atomic) */
  GMutex         lock;
  GPtrArray     *removed;      /* arg0 of RemoveMatch rules sent, under lock */
  guint          cached_answers;
} Fixture;

static GDBusMessage *
count_outgoing (GDBusConnection *bus, GDBusMessage *message, gboolean incoming, gpointer user_data)
{
  Fixture *f = user_data;
  const char *member = g_dbus_message_get_member (message);

  if (incoming || g_dbus_message_get_message_type (message) != G_DBUS_MESSAGE_TYPE_METHOD_CALL)
    return message;
  if (g_strcmp0 (member, "GetConnectionUnixUser") == 0)
    g_atomic_int_inc (&f->uid_queries);
  else if (g_strcmp0 (member, "RemoveMatch") == 0)
    {
      const char *rule = NULL;

      g_variant_get (g_dbus_message_get_body (message), "(&s)", &rule);
      g_mutex_lock (&f->lock);
      g_ptr_array_add (f->removed, g_strdup (rule));
      g_mutex_unlock (&f->lock);
      /* Filters run in GDBus's thread: the test waits in the main one. */
      g_main_context_wakeup (NULL);
    }
  return message;
}

static void
on_checked (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GDBusMethodInvocation) invocation = user_data;
  g_autoptr (GError) error = NULL;
  int caller = prov_authority_check_finish (PROV_AUTHORITY (source), res, &error);

  if (caller < 0)
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(i)", caller));
}

static void
on_method (GDBusConnection *bus, const char *sender, const char *path, const char *iface,
           const char *method, GVariant *params, GDBusMethodInvocation *invocation,
           gpointer user_data)
{
  Fixture *f = user_data;
  int caller = prov_authority_check_cached (f->authority, invocation);

  if (caller >= 0)
    {
      f->cached_answers++;
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(i)", caller));
      return;
    }
  prov_authority_check_async (f->authority, invocation, NULL, FALSE, NULL, on_checked,
                              g_object_ref (invocation));
}

static const GDBusInterfaceVTable vtable = { on_method, NULL, NULL, { 0 } };

static GDBusConnection *
connect_bus (GTestDBus *bus)
{
  g_autoptr (GError) error = NULL;
  GDBusConnection *connection = g_dbus_connection_new_for_address_sync (
    g_test_dbus_get_bus_address (bus),
    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
    NULL, NULL, &error);

  g_assert_no_error (error);
  return connection;
}

/* Runs the main context until @done; bounded. */
static void
iterate_until (gboolean (*done) (Fixture *f, const char *name), Fixture *f, const char *name)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!done (f, name))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

typedef struct
{
  gboolean done;
  int      caller;
} Reply;

static void
on_reply (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Reply *reply = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) value = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res,
                                                              &error);

  g_assert_no_error (error);
  g_variant_get (value, "(i)", &reply->caller);
  reply->done = TRUE;
}

static int
check (GDBusConnection *client, const char *server_name)
{
  Reply reply = { FALSE, -1 };
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_dbus_connection_call (client, server_name, "/test", "org.provisiond.Test", "Check", NULL,
                          G_VARIANT_TYPE ("(i)"), G_DBUS_CALL_FLAGS_NONE, 10000, NULL, on_reply,
                          &reply);
  while (!reply.done)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return reply.caller;
}

static gboolean
match_removed (Fixture *f, const char *name)
{
  gboolean found = FALSE;

  g_mutex_lock (&f->lock);
  for (guint i = 0; i < f->removed->len && !found; i++)
    {
      g_autofree char *arg0 = g_strdup_printf ("arg0='%s'", name);
      found = strstr (f->removed->pdata[i], "NameOwnerChanged") != NULL
              && strstr (f->removed->pdata[i], arg0) != NULL;
    }
  g_mutex_unlock (&f->lock);
  return found;
}

static void
test_uid_cache (void)
{
  g_autoptr (GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr (GDBusConnection) server = NULL;
  g_autoptr (GDBusConnection) first = NULL;
  g_autoptr (GDBusConnection) second = NULL;
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (introspection, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *first_name = NULL;
  const char *server_name;
  Fixture f = { 0 };
  guint id;

  g_test_dbus_up (bus);
  f.authority = prov_authority_new (FALSE);
  f.removed = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&f.lock);
  server = connect_bus (bus);
  server_name = g_dbus_connection_get_unique_name (server);
  g_dbus_connection_add_filter (server, count_outgoing, &f, NULL);
  id = g_dbus_connection_register_object (server, "/test", info->interfaces[0], &vtable, &f, NULL,
                                          &error);
  g_assert_no_error (error);

  /* We are root or the "daemon's" own uid: the admin, asked once. */
  first = connect_bus (bus);
  first_name = g_strdup (g_dbus_connection_get_unique_name (first));
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (check (first, server_name), ==, PROV_CALLER_ADMIN);
  g_assert_cmpint (g_atomic_int_get (&f.uid_queries), ==, 1);
  /* The first check asked the bus; the later ones were answered at once. */
  g_assert_cmpuint (f.cached_answers, ==, 2);

  /* Another name is another question. */
  second = connect_bus (bus);
  g_assert_cmpint (check (second, server_name), ==, PROV_CALLER_ADMIN);
  g_assert_cmpint (check (second, server_name), ==, PROV_CALLER_ADMIN);
  g_assert_cmpint (g_atomic_int_get (&f.uid_queries), ==, 2);

  /* A name that goes is forgotten, with its match on the bus. */
  g_assert_false (match_removed (&f, first_name));
  g_dbus_connection_close_sync (first, NULL, &error);
  g_assert_no_error (error);
  iterate_until (match_removed, &f, first_name);
  g_assert_cmpint (check (second, server_name), ==, PROV_CALLER_ADMIN);
  g_assert_cmpint (g_atomic_int_get (&f.uid_queries), ==, 2);

  g_dbus_connection_unregister_object (server, id);
  g_clear_object (&f.authority);
  g_clear_object (&second);
  g_dbus_connection_close_sync (server, NULL, NULL);
  g_clear_object (&server);
  g_test_dbus_down (bus);
  g_ptr_array_unref (f.removed);
  g_mutex_clear (&f.lock);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/authority/uid-cache", test_uid_cache);
  return g_test_run ();
}
