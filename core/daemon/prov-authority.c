/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <unistd.h>

#ifdef HAVE_POLKIT
#include <polkit/polkit.h>
#endif

#include "prov-authority.h"
#include "prov-error.h"

/* The uid of a caller never changes while its unique name exists (unique
 * names are never reused), so it is asked of the bus once per name and
 * forgotten when the name goes (NameOwnerChanged, matched on that name
 * only): a GetParameters then costs one round trip, not two. */
#define MAX_CACHED 1024

typedef struct
{
  guint32          uid;
  guint            subscription;
  GDBusConnection *bus;
} CachedCaller;

struct _ProvAuthority
{
  GObject          parent_instance;

  gboolean         use_polkit;
  GHashTable      *uids; /* unique name → CachedCaller */
#ifdef HAVE_POLKIT
  PolkitAuthority *polkit;
#endif
};

G_DEFINE_TYPE (ProvAuthority, prov_authority, G_TYPE_OBJECT)

typedef struct
{
  char            *sender;
  char            *action;
  gboolean         interactive;
  GDBusConnection *bus;
  guint            subscription; /* handed to the cache once the uid is known */
} CheckData;

static void
check_data_free (CheckData *data)
{
  if (data->subscription != 0)
    g_dbus_connection_signal_unsubscribe (data->bus, data->subscription);
  g_clear_object (&data->bus);
  g_free (data->sender);
  g_free (data->action);
  g_free (data);
}

static void
cached_caller_free (CachedCaller *cached)
{
  g_dbus_connection_signal_unsubscribe (cached->bus, cached->subscription);
  g_object_unref (cached->bus);
  g_free (cached);
}

static void
prov_authority_finalize (GObject *object)
{
  ProvAuthority *self = PROV_AUTHORITY (object);

  g_hash_table_unref (self->uids);
#ifdef HAVE_POLKIT
  g_clear_object (&self->polkit);
#endif
  G_OBJECT_CLASS (prov_authority_parent_class)->finalize (object);
}

static void
prov_authority_class_init (ProvAuthorityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = prov_authority_finalize;
}

static void
prov_authority_init (ProvAuthority *self)
{
  self->uids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) cached_caller_free);
}

ProvAuthority *
prov_authority_new (gboolean use_polkit)
{
  ProvAuthority *self = g_object_new (PROV_TYPE_AUTHORITY, NULL);

#ifdef HAVE_POLKIT
  self->use_polkit = use_polkit;
#else
  if (use_polkit)
    g_debug ("built without polkit: only root is the admin");
#endif
  return self;
}

#ifdef HAVE_POLKIT
static void
on_polkit_checked (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PolkitAuthorizationResult) result = NULL;

  result = polkit_authority_check_authorization_finish (POLKIT_AUTHORITY (source), res, &error);
  /* polkit unreachable or the action unknown: the caller stays a user. */
  if (result == NULL)
    g_debug ("polkit: %s", error->message);
  g_task_return_int (task, result != NULL && polkit_authorization_result_get_is_authorized (result)
                             ? PROV_CALLER_ADMIN
                             : PROV_CALLER_USER);
}

static void
check_polkit (GTask *task)
{
  ProvAuthority *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  g_autoptr(PolkitSubject) subject = polkit_system_bus_name_new (data->sender);

  polkit_authority_check_authorization (self->polkit, subject, data->action, NULL,
                                        data->interactive
                                          ? POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION
                                          : POLKIT_CHECK_AUTHORIZATION_FLAGS_NONE,
                                        g_task_get_cancellable (task), on_polkit_checked, task);
}

static void
on_polkit_authority (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  ProvAuthority *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  PolkitAuthority *polkit = polkit_authority_get_finish (res, &error);

  if (polkit == NULL)
    {
      g_debug ("polkit: %s", error->message);
      g_task_return_int (task, PROV_CALLER_USER);
      g_object_unref (task);
      return;
    }
  /* Two callers may have asked at once: keep the first. */
  if (self->polkit == NULL)
    self->polkit = polkit;
  else
    g_object_unref (polkit);
  check_polkit (task);
}
#endif

static void
on_name_owner_changed (GDBusConnection *bus, const char *sender, const char *path,
                       const char *iface, const char *signal, GVariant *params,
                       gpointer user_data)
{
  ProvAuthority *self = user_data;
  const char *name, *old_owner, *new_owner;

  g_variant_get (params, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (new_owner[0] == '\0')
    g_hash_table_remove (self->uids, name);
}

static void
cache_uid (ProvAuthority *self, CheckData *data, guint32 uid)
{
  CachedCaller *cached;

  /* Only if NameOwnerChanged were lost could this grow; start again then. */
  if (g_hash_table_size (self->uids) >= MAX_CACHED)
    g_hash_table_remove_all (self->uids);
  cached = g_new0 (CachedCaller, 1);
  cached->uid = uid;
  cached->bus = g_object_ref (data->bus);
  cached->subscription = data->subscription;
  data->subscription = 0;
  g_hash_table_replace (self->uids, g_strdup (data->sender), cached);
}

static void
check_uid (GTask *task, guint32 uid)
{
  ProvAuthority *self = g_task_get_source_object (task);

  /* The daemon's own uid owns the state files anyway. */
  if (uid == 0 || uid == getuid ())
    {
      g_task_return_int (task, PROV_CALLER_ADMIN);
      g_object_unref (task);
      return;
    }
#ifdef HAVE_POLKIT
  if (self->use_polkit && ((CheckData *) g_task_get_task_data (task))->action != NULL)
    {
      if (self->polkit != NULL)
        check_polkit (task);
      else
        polkit_authority_get_async (g_task_get_cancellable (task), on_polkit_authority, task);
      return;
    }
#endif
  (void) self;
  g_task_return_int (task, PROV_CALLER_USER);
  g_object_unref (task);
}

static void
on_unix_user (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  CheckData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  guint32 uid = G_MAXUINT32;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);
  if (reply == NULL)
    {
      g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_FAILED,
                               "cannot identify the caller: %s", error->message);
      g_object_unref (task);
      return;
    }
  g_variant_get (reply, "(u)", &uid);
  cache_uid (g_task_get_source_object (task), data, uid);
  check_uid (task, uid);
}

void
prov_authority_check_async (ProvAuthority         *self,
                            GDBusMethodInvocation *invocation,
                            const char            *action,
                            gboolean               interactive,
                            GCancellable          *cancellable,
                            GAsyncReadyCallback    callback,
                            gpointer               user_data)
{
  GTask *task;
  CheckData *data;
  CachedCaller *cached;
  const char *sender = g_dbus_method_invocation_get_sender (invocation);

  g_return_if_fail (PROV_IS_AUTHORITY (self));
  g_return_if_fail (G_IS_DBUS_METHOD_INVOCATION (invocation));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, prov_authority_check_async);
  if (sender == NULL)
    {
      /* A peer-to-peer connection has no bus to ask. */
      g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_PERMISSION_DENIED,
                               "callers must come through a message bus");
      g_object_unref (task);
      return;
    }
  data = g_new0 (CheckData, 1);
  data->sender = g_strdup (sender);
  data->action = g_strdup (action);
  data->interactive = interactive;
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  cached = g_hash_table_lookup (self->uids, sender);
  if (cached != NULL)
    {
      check_uid (task, cached->uid);
      return;
    }
  /* Matched before the question, so that the bus tells of a name that goes
   * after it answered. Every subscription goes with its entry or its check,
   * before self. */
  data->bus = g_object_ref (g_dbus_method_invocation_get_connection (invocation));
  data->subscription = g_dbus_connection_signal_subscribe (
    data->bus, "org.freedesktop.DBus", "org.freedesktop.DBus", "NameOwnerChanged",
    "/org/freedesktop/DBus", sender, G_DBUS_SIGNAL_FLAGS_NONE, on_name_owner_changed, self, NULL);
  g_dbus_connection_call (data->bus,
                          "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                          "GetConnectionUnixUser", g_variant_new ("(s)", sender),
                          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                          on_unix_user, task);
}

int
prov_authority_check_cached (ProvAuthority *self, GDBusMethodInvocation *invocation)
{
  const char *sender;
  CachedCaller *cached;

  g_return_val_if_fail (PROV_IS_AUTHORITY (self), -1);
  g_return_val_if_fail (G_IS_DBUS_METHOD_INVOCATION (invocation), -1);

  sender = g_dbus_method_invocation_get_sender (invocation);
  cached = sender != NULL ? g_hash_table_lookup (self->uids, sender) : NULL;
  if (cached == NULL)
    return -1;
  if (cached->uid == 0 || cached->uid == getuid ())
    return PROV_CALLER_ADMIN;
  /* polkit's answer may change: it is asked every time. */
  return self->use_polkit ? -1 : PROV_CALLER_USER;
}

int
prov_authority_check_finish (ProvAuthority *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return (int) g_task_propagate_int (G_TASK (result), error);
}
