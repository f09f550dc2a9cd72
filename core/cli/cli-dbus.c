/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-cli.h"
#include "prov-error.h"

/* The backend that asks the daemon. Its errors arrive as PROV_ERROR with
 * the daemon's code (prov-error.c registers the D-Bus names), so the exit
 * codes are those of the offline mode. */

/* polkit may ask for a password through the caller's agent. */
#define FLAGS G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION

/* A reply error, ready to show: the D-Bus name prefix goes, and a bus
 * error (daemon not running, access refused by the bus) says so. */
static gboolean
check_reply (gboolean ok, GError **error)
{
  if (ok || error == NULL || *error == NULL)
    return ok;
  g_dbus_error_strip_remote_error (*error);
  if ((*error)->domain != PROV_ERROR)
    g_prefix_error (error, _("cannot talk to provisiond: "));
  return FALSE;
}

static GHashTable *
dbus_get_parameters (ProvCli *cli, const char *const *names, GError **error)
{
  ProvProvisiond1 *proxy = prov_cli_get_proxy (cli, error);
  gboolean ok;
  g_autoptr(GVariant) reply = NULL;
  GHashTable *values;
  GVariantIter iter;
  const char *name, *value;

  if (proxy == NULL)
    return NULL;
  ok = prov_provisiond1_call_get_parameters_sync (proxy, names, FLAGS, -1, &reply, NULL, error);
  if (!check_reply (ok, error))
    return NULL;
  values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_variant_iter_init (&iter, reply);
  while (g_variant_iter_next (&iter, "{&s&s}", &name, &value))
    g_hash_table_replace (values, g_strdup (name), g_strdup (value));
  return values;
}

static GPtrArray *
dbus_list_parameters (ProvCli *cli, GError **error)
{
  ProvProvisiond1 *proxy = prov_cli_get_proxy (cli, error);
  gboolean ok;
  g_autoptr(GVariant) reply = NULL;
  GPtrArray *params;
  GVariantIter iter;
  const char *name, *value, *access_text;

  if (proxy == NULL)
    return NULL;
  ok = prov_provisiond1_call_list_parameters_sync (proxy, FLAGS, -1, &reply, NULL, error);
  if (!check_reply (ok, error))
    return NULL;
  params = g_ptr_array_new_with_free_func ((GDestroyNotify) prov_cli_param_free);
  g_variant_iter_init (&iter, reply);
  while (g_variant_iter_next (&iter, "(&s&s&s)", &name, &value, &access_text))
    {
      ProvAccess access = PROV_ACCESS_NA;

      prov_access_from_string (access_text, &access);
      g_ptr_array_add (params, prov_cli_param_new (name, value, access));
    }
  return params;
}

static GStrv
dbus_set_parameters (ProvCli *cli, GPtrArray *values, GError **error)
{
  ProvProvisiond1 *proxy = prov_cli_get_proxy (cli, error);
  gboolean ok;
  GVariantBuilder builder;
  GStrv changed = NULL;

  if (proxy == NULL)
    return NULL;
  /* An a{ss} keeps its order, so the last value of a name still wins. */
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  for (guint i = 0; i < values->len; i++)
    {
      ProvCliParam *param = values->pdata[i];
      g_variant_builder_add (&builder, "{ss}", param->name, param->value);
    }
  ok = prov_provisiond1_call_set_parameters_sync (proxy, g_variant_builder_end (&builder), FLAGS,
                                                  -1, &changed, NULL, error);
  if (!check_reply (ok, error))
    return NULL;
  return changed;
}

/* Resync, Activate and Upgrade: one string in, a request id back at once;
 * RequestFinished with that id ends the request, with FetchProgress on the
 * way. No D-Bus timeout bounds the wait (a run may wait for busy lines,
 * Forced_Resync_Delay); the daemon leaving the bus does. */
typedef void     (*LongCall)       (ProvProvisiond1      *proxy,
                                    const char           *arg,
                                    GDBusCallFlags        flags,
                                    gint                  timeout_msec,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
typedef gboolean (*LongCallFinish) (ProvProvisiond1      *proxy,
                                    guint64              *out_id,
                                    GAsyncResult         *res,
                                    GError              **error);

typedef struct
{
  GMainLoop       *loop;
  LongCallFinish   finish;
  gboolean         replied;
  GError          *error;    /* the call's own error */
  guint64          id;       /* 0 until the reply gave it */
  GHashTable      *finished; /* id → RequestFinished's (ssa{sv}), for any id seen */
  gboolean         vanished; /* the daemon left the bus */
  ProvCliProgress  progress;
  gpointer         user_data;
} CallWait;

static gboolean
call_wait_done (CallWait *wait)
{
  if (!wait->replied)
    return FALSE;
  return wait->id == 0 || wait->vanished
         || g_hash_table_contains (wait->finished, &wait->id);
}

static void
on_call_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  CallWait *wait = user_data;

  wait->replied = TRUE;
  if (!wait->finish (PROV_PROVISIOND1 (source), &wait->id, res, &wait->error))
    wait->id = 0;
  if (call_wait_done (wait))
    g_main_loop_quit (wait->loop);
}

/* Signals may come before the reply that names their id: keep them all. */
static void
on_request_finished (ProvProvisiond1 *proxy, guint64 id, const char *error_name,
                     const char *message, GVariant *result, gpointer user_data)
{
  CallWait *wait = user_data;
  guint64 *key = g_memdup2 (&id, sizeof id);

  g_hash_table_replace (wait->finished, key,
                        g_variant_ref_sink (g_variant_new ("(ss@a{sv})", error_name, message,
                                                           result)));
  if (call_wait_done (wait))
    g_main_loop_quit (wait->loop);
}

static void
on_name_owner (GObject *proxy, GParamSpec *pspec, gpointer user_data)
{
  CallWait *wait = user_data;
  g_autofree char *owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (proxy));

  if (owner != NULL)
    return;
  wait->vanished = TRUE;
  if (call_wait_done (wait))
    g_main_loop_quit (wait->loop);
}

static void
on_fetch_progress (ProvProvisiond1 *proxy, const char *url, guint64 received, guint64 total,
                   gpointer user_data)
{
  CallWait *wait = user_data;

  if (wait->progress != NULL)
    wait->progress (url, received, total, wait->user_data);
}

/* The request's result, or NULL with @error: the method's own error, the
 * request's typed error, or the daemon gone before it ended. */
static GVariant *
call_and_wait (ProvCli *cli, LongCall call, LongCallFinish finish, const char *arg,
               ProvCliProgress progress, gpointer user_data, GError **error)
{
  ProvProvisiond1 *proxy = prov_cli_get_proxy (cli, error);
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GHashTable) finished = NULL;
  CallWait wait = { 0 };
  GVariant *outcome;
  const char *error_name, *message;
  GVariant *result = NULL;
  gulong ids[3];

  if (proxy == NULL)
    return NULL;
  loop = g_main_loop_new (NULL, FALSE);
  finished = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                    (GDestroyNotify) g_variant_unref);
  wait.loop = loop;
  wait.finish = finish;
  wait.finished = finished;
  wait.progress = progress;
  wait.user_data = user_data;
  ids[0] = g_signal_connect (proxy, "fetch-progress", G_CALLBACK (on_fetch_progress), &wait);
  ids[1] = g_signal_connect (proxy, "request-finished", G_CALLBACK (on_request_finished), &wait);
  ids[2] = g_signal_connect (proxy, "notify::g-name-owner", G_CALLBACK (on_name_owner), &wait);
  /* The reply comes at once; polkit may still ask for a password first. */
  call (proxy, arg, FLAGS, G_MAXINT, NULL, on_call_done, &wait);
  g_main_loop_run (loop);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_signal_handler_disconnect (proxy, ids[i]);
  if (wait.error != NULL)
    {
      g_propagate_error (error, wait.error);
      check_reply (FALSE, error);
      return NULL;
    }
  outcome = g_hash_table_lookup (finished, &wait.id);
  if (outcome == NULL)
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_CANCELLED,
                           _("provisiond left the bus before the request finished"));
      return NULL;
    }
  g_variant_get (outcome, "(&s&s@a{sv})", &error_name, &message, &result);
  if (error_name[0] != '\0')
    {
      g_autoptr(GError) failure = g_dbus_error_new_for_dbus_error (error_name, message);

      g_variant_unref (result);
      g_dbus_error_strip_remote_error (failure);
      g_propagate_error (error, g_steal_pointer (&failure));
      return NULL;
    }
  return result;
}

static ProvCliResync *
resync_from_variant (GVariant *result)
{
  ProvCliResync *resync = g_new0 (ProvCliResync, 1);
  const char *url = NULL;

  resync->fetched = g_ptr_array_new_with_free_func (g_free);
  resync->skipped = g_ptr_array_new_with_free_func (g_free);
  if (g_variant_lookup (result, "url", "&s", &url) && url[0] != '\0')
    g_ptr_array_add (resync->fetched, g_strdup (url));
  if (!g_variant_lookup (result, "changed", "^as", &resync->changed))
    resync->changed = g_new0 (char *, 1);
  return resync;
}

static ProvCliResync *
dbus_resync (ProvCli *cli, const char *rule, ProvCliProgress progress, gpointer user_data,
             GError **error)
{
  g_autoptr(GVariant) result = call_and_wait (cli, prov_provisiond1_call_resync,
                                              prov_provisiond1_call_resync_finish,
                                              rule != NULL ? rule : "", progress, user_data,
                                              error);

  return result != NULL ? resync_from_variant (result) : NULL;
}

static ProvCliResync *
dbus_activate (ProvCli *cli, const char *code, ProvCliProgress progress, gpointer user_data,
               GError **error)
{
  g_autoptr(GVariant) result = call_and_wait (cli, prov_provisiond1_call_activate,
                                              prov_provisiond1_call_activate_finish, code,
                                              progress, user_data, error);

  return result != NULL ? resync_from_variant (result) : NULL;
}

static ProvCliUpgrade *
dbus_upgrade (ProvCli *cli, const char *rule, ProvCliProgress progress, gpointer user_data,
              GError **error)
{
  g_autoptr(GVariant) result = call_and_wait (cli, prov_provisiond1_call_upgrade,
                                              prov_provisiond1_call_upgrade_finish,
                                              rule != NULL ? rule : "", progress, user_data,
                                              error);
  ProvCliUpgrade *upgrade;

  if (result == NULL)
    return NULL;
  upgrade = g_new0 (ProvCliUpgrade, 1);
  if (!g_variant_lookup (result, "outcome", "s", &upgrade->outcome))
    upgrade->outcome = g_strdup ("none");
  if (!g_variant_lookup (result, "version", "s", &upgrade->version))
    upgrade->version = g_strdup ("");
  if (!g_variant_lookup (result, "url", "s", &upgrade->url))
    upgrade->url = g_strdup ("");
  return upgrade;
}

static ProvCause
cause_from_string (const char *text)
{
  for (ProvCause cause = PROV_CAUSE_EXPLICIT; cause <= PROV_CAUSE_RETRY; cause++)
    if (g_strcmp0 (text, prov_cause_to_string (cause)) == 0)
      return cause;
  return PROV_CAUSE_EXPLICIT;
}

static void
entries_from_variant (GArray *to, GVariant *list)
{
  GVariantIter iter;
  GVariant *dict;

  if (list == NULL)
    return;
  g_variant_iter_init (&iter, list);
  while ((dict = g_variant_iter_next_value (&iter)) != NULL)
    {
      ProvStatusEntry entry = { 0 };
      const char *outcome = "", *cause = "";
      guint32 n_changed = 0;

      /* µs on the bus, seconds in the status. */
      g_variant_lookup (dict, "time", "x", &entry.time);
      entry.time /= G_USEC_PER_SEC;
      g_variant_lookup (dict, "cause", "&s", &cause);
      g_variant_lookup (dict, "url", "s", &entry.url);
      g_variant_lookup (dict, "error", "s", &entry.error);
      g_variant_lookup (dict, "changed", "u", &n_changed);
      g_variant_lookup (dict, "outcome", "&s", &outcome);
      entry.cause = cause_from_string (cause);
      entry.n_changed = n_changed;
      entry.outcome = PROV_OUTCOME_OTHER;
      for (ProvOutcome o = PROV_OUTCOME_SUCCESS; o <= PROV_OUTCOME_OTHER; o++)
        if (g_strcmp0 (outcome, prov_outcome_to_string (o)) == 0)
          entry.outcome = o;
      /* The status keeps no error text for a success. */
      if (entry.error != NULL && entry.error[0] == '\0')
        g_clear_pointer (&entry.error, g_free);
      g_array_append_val (to, entry);
      g_variant_unref (dict);
    }
}

static ProvCliStatus *
dbus_get_status (ProvCli *cli, GError **error)
{
  ProvProvisiond1 *proxy = prov_cli_get_proxy (cli, error);
  gboolean ok;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) resyncs = NULL;
  g_autoptr(GVariant) upgrades = NULL;
  g_autoptr(GVariantIter) schedule = NULL;
  ProvCliStatus *status;
  ProvScheduleItem item;
  const char *cause;

  if (proxy == NULL)
    return NULL;
  ok = prov_provisiond1_call_get_status_sync (proxy, FLAGS, -1, &reply, NULL, error);
  if (!check_reply (ok, error))
    return NULL;
  status = prov_cli_status_new ();
  g_variant_lookup (reply, "state", "s", &status->state);
  resyncs = g_variant_lookup_value (reply, "resyncs", G_VARIANT_TYPE ("aa{sv}"));
  entries_from_variant (status->resyncs, resyncs);
  upgrades = g_variant_lookup_value (reply, "upgrades", G_VARIANT_TYPE ("aa{sv}"));
  entries_from_variant (status->upgrades, upgrades);
  g_variant_lookup (reply, "next-resync", "x", &status->next_resync);
  g_variant_lookup (reply, "next-upgrade-retry", "x", &status->next_upgrade_retry);
  g_variant_lookup (reply, "lines-busy", "b", &status->lines_busy);
  g_variant_lookup (reply, "customized", "b", &status->customized);
  g_variant_lookup (reply, "custom-ca-status", "s", &status->custom_ca_status);
  g_variant_lookup (reply, "custom-ca-error", "s", &status->custom_ca_error);
  g_variant_lookup (reply, "custom-ca-info", "s", &status->custom_ca_info);
  if (g_variant_lookup (reply, "schedule", "a(sxx)", &schedule))
    while (g_variant_iter_next (schedule, "(&sxx)", &cause, &item.earliest, &item.latest))
      {
        item.cause = cause_from_string (cause);
        g_array_append_val (status->schedule, item);
      }
  return status;
}

static char *
dbus_expand_rule (ProvCli *cli, const char *rule, GError **error)
{
  ProvProvisiond1 *proxy = prov_cli_get_proxy (cli, error);
  gboolean ok;
  char *text = NULL;

  if (proxy == NULL)
    return NULL;
  ok = prov_provisiond1_call_expand_rule_sync (proxy, rule, FLAGS, -1, &text, NULL, error);
  if (!check_reply (ok, error))
    return NULL;
  return text;
}

static GPtrArray *
dbus_list_plugins (ProvCli *cli, GError **error)
{
  ProvProvisiond1 *proxy = prov_cli_get_proxy (cli, error);
  gboolean ok;
  g_autoptr(GVariant) reply = NULL;
  GPtrArray *list;
  GVariantIter iter;
  ProvCliPlugin plugin;

  if (proxy == NULL)
    return NULL;
  ok = prov_provisiond1_call_list_plugins_sync (proxy, FLAGS, -1, &reply, NULL, error);
  if (!check_reply (ok, error))
    return NULL;
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) prov_cli_plugin_free);
  g_variant_iter_init (&iter, reply);
  while (g_variant_iter_next (&iter, "(ssss)", &plugin.name, &plugin.version, &plugin.file,
                              &plugin.handles))
    g_ptr_array_add (list, g_memdup2 (&plugin, sizeof plugin));
  return list;
}

static GVariant *
dbus_list_appliers (ProvCli *cli, GError **error)
{
  ProvProvisiond1 *proxy = prov_cli_get_proxy (cli, error);
  GVariant *reply = NULL;
  gboolean ok;

  if (proxy == NULL)
    return NULL;
  ok = prov_provisiond1_call_list_appliers_sync (proxy, FLAGS, -1, &reply, NULL, error);
  if (!check_reply (ok, error))
    return NULL;
  return reply;
}

const ProvCliBackend prov_cli_dbus_backend = {
  .get_parameters = dbus_get_parameters,
  .list_parameters = dbus_list_parameters,
  .set_parameters = dbus_set_parameters,
  .resync = dbus_resync,
  .upgrade = dbus_upgrade,
  .activate = dbus_activate,
  .get_status = dbus_get_status,
  .expand_rule = dbus_expand_rule,
  .list_plugins = dbus_list_plugins,
  .list_appliers = dbus_list_appliers,
};
