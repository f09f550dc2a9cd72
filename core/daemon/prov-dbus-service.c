/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-dbus-generated.h"
#include "prov-dbus-service.h"
#include "prov-dhcp.h"
#include "prov-error.h"
#include "prov-rule.h"

/* FetchProgress is a signal to every client: a few per second is plenty. */
#define PROGRESS_INTERVAL (G_USEC_PER_SEC / 10)

struct _ProvDbusService
{
  GObject          parent_instance;

  ProvContext     *context;
  ProvScheduler   *scheduler;
  ProvAuthority   *authority;
  ProvProvisiond1 *skeleton;
  gboolean         stopping;

  /* Resync calls (GDBusMethodInvocation, each owing one reply): waiting for
   * the next run to start, and answered by the run under way. */
  GPtrArray       *pending;
  GPtrArray       *running;

  gint64           progress_at;
  GSList          *handlers; /* (object, handler id) pairs to disconnect */
};

G_DEFINE_TYPE (ProvDbusService, prov_dbus_service, G_TYPE_OBJECT)

typedef void (*MethodFunc) (ProvDbusService       *self,
                            GDBusMethodInvocation *invocation,
                            ProvCaller             caller);

typedef struct
{
  const char *signal; /* the skeleton's handle-* signal */
  MethodFunc  func;
  gboolean    admin_only;
} Method;

static ProvStore *
get_store (ProvDbusService *self)
{
  return prov_context_get_store (self->context);
}

static ProvEngine *
get_engine (ProvDbusService *self)
{
  return prov_context_get_engine (self->context);
}

/* Every reply error is in PROV_ERROR, whose codes have D-Bus names. */
static void
return_error (GDBusMethodInvocation *invocation, GError *error)
{
  prov_error_convert (&error);
  g_dbus_method_invocation_take_error (invocation, error);
}

static void
fail_all (GPtrArray *invocations, int code, const char *message)
{
  for (guint i = 0; i < invocations->len; i++)
    g_dbus_method_invocation_return_error_literal (invocations->pdata[i], PROV_ERROR, code,
                                                   message);
  g_ptr_array_set_size (invocations, 0);
}

/* ---- methods -------------------------------------------------------------- */

static void
method_resync (ProvDbusService *self, GDBusMethodInvocation *invocation, ProvCaller caller)
{
  ProvStore *store = get_store (self);
  const char *rule = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s)", &rule);
  if (caller != PROV_CALLER_ADMIN && rule[0] != '\0')
    {
      g_dbus_method_invocation_return_error_literal (
        invocation, PROV_ERROR, PROV_ERROR_PERMISSION_DENIED,
        "only the administrator may resync from a rule of their own");
      return;
    }
  if (caller != PROV_CALLER_ADMIN && !prov_store_get_bool (store, "User_Configurable_Resync"))
    {
      g_dbus_method_invocation_return_error_literal (
        invocation, PROV_ERROR, PROV_ERROR_PERMISSION_DENIED,
        "resync by users is off (User_Configurable_Resync is No)");
      return;
    }
  /* A bad rule is the caller's mistake: say so now, with its own code. */
  if (rule[0] != '\0')
    {
      g_autoptr(ProvRule) parsed = prov_rule_parse (rule, TRUE, &error);
      if (parsed == NULL)
        {
          return_error (invocation, g_steal_pointer (&error));
          return;
        }
    }
  /* The engine refuses without a signal; answer here instead of never. */
  if (!prov_store_get_bool (store, "Provision_Enable"))
    {
      g_dbus_method_invocation_return_error_literal (
        invocation, PROV_ERROR, PROV_ERROR_DISABLED,
        "provisioning is disabled (Provision_Enable is No)");
      return;
    }
  if (self->stopping)
    {
      g_dbus_method_invocation_return_error_literal (invocation, PROV_ERROR, PROV_ERROR_CANCELLED,
                                                     "the daemon is stopping");
      return;
    }
  /* Queued first: the request may start the run, and its signal, at once. */
  g_ptr_array_add (self->pending, invocation);
  prov_scheduler_request_resync (self->scheduler, PROV_CAUSE_EXPLICIT,
                                 rule[0] != '\0' ? rule : NULL);
}

static void
method_get_parameters (ProvDbusService *self, GDBusMethodInvocation *invocation,
                       ProvCaller caller)
{
  ProvStore *store = get_store (self);
  g_autofree const char **names = NULL;
  GVariantBuilder values;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(^a&s)", &names);
  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{ss}"));
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *value = NULL;

      /* Unknown and invisible names get the same answer: none. */
      if (prov_store_read (store, names[i], caller, &value, NULL))
        g_variant_builder_add (&values, "{ss}", names[i],
                               prov_store_mask (store, names[i], value));
    }
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a{ss})", &values));
}

static void
method_list_parameters (ProvDbusService *self, GDBusMethodInvocation *invocation,
                        ProvCaller caller)
{
  ProvStore *store = get_store (self);
  g_auto(GStrv) names = prov_store_list_names (store, caller);
  GVariantBuilder list;

  g_variant_builder_init (&list, G_VARIANT_TYPE ("a(sss)"));
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *value = NULL;

      if (!prov_store_read (store, names[i], caller, &value, NULL))
        continue;
      g_variant_builder_add (&list, "(sss)", names[i], prov_store_mask (store, names[i], value),
                             prov_access_to_string (prov_store_get_access (store, names[i])));
    }
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a(sss))", &list));
}

static void
method_set_parameters (ProvDbusService *self, GDBusMethodInvocation *invocation,
                       ProvCaller caller)
{
  g_autoptr(ProvChangeSet) changes = prov_change_set_new ();
  g_autoptr(GVariantIter) iter = NULL;
  g_auto(GStrv) changed = NULL;
  g_autoptr(GError) error = NULL;
  const char *name, *value;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(a{ss})", &iter);
  while (g_variant_iter_next (iter, "{&s&s}", &name, &value))
    prov_change_set_add (changes, name, value, PROV_ACCESS_UNSET, "D-Bus", 0);
  if (!prov_store_apply (get_store (self), changes, caller, &changed, &error))
    {
      return_error (invocation, g_steal_pointer (&error));
      return;
    }
  g_dbus_method_invocation_return_value (invocation,
                                         g_variant_new ("(^as)", changed));
}

static GVariant *
entries_to_variant (const ProvStatusEntry *entries, guint n)
{
  GVariantBuilder list;

  g_variant_builder_init (&list, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < n; i++)
    {
      const ProvStatusEntry *e = &entries[i];

      g_variant_builder_open (&list, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&list, "{sv}", "time", g_variant_new_int64 (e->time));
      g_variant_builder_add (&list, "{sv}", "cause", g_variant_new_int32 (e->cause));
      g_variant_builder_add (&list, "{sv}", "url", g_variant_new_string (e->url ? e->url : ""));
      g_variant_builder_add (&list, "{sv}", "outcome",
                             g_variant_new_string (prov_outcome_to_string (e->outcome)));
      g_variant_builder_add (&list, "{sv}", "error",
                             g_variant_new_string (e->error ? e->error : ""));
      g_variant_builder_add (&list, "{sv}", "changed", g_variant_new_uint32 (e->n_changed));
      g_variant_builder_close (&list);
    }
  return g_variant_builder_end (&list);
}

static void
method_get_status (ProvDbusService *self, GDBusMethodInvocation *invocation, ProvCaller caller)
{
  ProvStatus *status = prov_context_get_status (self->context);
  g_autoptr(GArray) plan = prov_scheduler_get_plan (self->scheduler);
  const ProvStatusEntry *entries;
  GVariantBuilder dict, schedule;
  guint n = 0;

  g_variant_builder_init (&dict, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&dict, "{sv}", "state",
                         g_variant_new_string (prov_engine_is_busy (get_engine (self))
                                                 ? "resyncing" : "idle"));
  entries = prov_status_get_resyncs (status, &n);
  g_variant_builder_add (&dict, "{sv}", "resyncs", entries_to_variant (entries, n));
  entries = prov_status_get_upgrades (status, &n);
  g_variant_builder_add (&dict, "{sv}", "upgrades", entries_to_variant (entries, n));
  g_variant_builder_add (&dict, "{sv}", "next-resync",
                         g_variant_new_int64 (prov_scheduler_get_armed_deadline (self->scheduler)));
  g_variant_builder_init (&schedule, G_VARIANT_TYPE ("a(ixx)"));
  for (guint i = 0; i < plan->len; i++)
    {
      const ProvScheduleItem *item = &g_array_index (plan, ProvScheduleItem, i);
      g_variant_builder_add (&schedule, "(ixx)", (gint32) item->cause, item->earliest,
                             item->latest);
    }
  g_variant_builder_add (&dict, "{sv}", "schedule", g_variant_builder_end (&schedule));
  g_variant_builder_add (&dict, "{sv}", "lines-busy",
                         g_variant_new_boolean (prov_scheduler_get_lines_busy (self->scheduler)));
  g_variant_builder_add (&dict, "{sv}", "customized",
                         g_variant_new_boolean (prov_status_get_customized (status)));
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a{sv})", &dict));
}

static void
method_set_line_state (ProvDbusService *self, GDBusMethodInvocation *invocation,
                       ProvCaller caller)
{
  guint32 line = 0;
  gboolean busy = FALSE;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(ub)", &line, &busy);
  if (line >= 32)
    {
      g_dbus_method_invocation_return_error (invocation, PROV_ERROR, PROV_ERROR_INVALID_ARGS,
                                             "line %u is out of range 0..31", line);
      return;
    }
  prov_scheduler_set_line_busy (self->scheduler, line, busy);
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
method_set_dhcp_options (ProvDbusService *self, GDBusMethodInvocation *invocation,
                         ProvCaller caller)
{
  g_autoptr(GVariant) options = NULL;
  g_autofree char *server = NULL;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(@a{us})", &options);
  server = prov_dhcp_choose_server (options, prov_store_get (get_store (self),
                                                             "DHCP_Option_To_Use"));
  prov_engine_set_dhcp_server (get_engine (self), server);
  g_info ("DHCP server: %s", server != NULL ? server : "none");
  g_dbus_method_invocation_return_value (invocation,
                                         g_variant_new ("(s)", server != NULL ? server : ""));
}

static void
method_expand_rule (ProvDbusService *self, GDBusMethodInvocation *invocation, ProvCaller caller)
{
  const char *rule = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s)", &rule);
  text = prov_engine_explain_rule (get_engine (self), rule, &error);
  if (text == NULL)
    {
      return_error (invocation, g_steal_pointer (&error));
      return;
    }
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s)", text));
}

static void
method_list_plugins (ProvDbusService *self, GDBusMethodInvocation *invocation, ProvCaller caller)
{
  GPtrArray *plugins = prov_registry_get_plugins (prov_context_get_registry (self->context));
  GVariantBuilder list;

  g_variant_builder_init (&list, G_VARIANT_TYPE ("a(ssss)"));
  for (guint i = 0; i < plugins->len; i++)
    {
      ProvPlugin *plugin = plugins->pdata[i];
      g_autofree char *handles = prov_plugin_describe_handles (plugin);
      const char *file = prov_plugin_get_filename (plugin);

      g_variant_builder_add (&list, "(ssss)", prov_plugin_get_name (plugin),
                             prov_plugin_get_version (plugin), file != NULL ? file : "", handles);
    }
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a(ssss))", &list));
}

/* Who may call what. A user is any caller that is not the admin (see
 * ProvAuthority); the methods open to users apply the `ua` rules. */
static const Method methods[] = {
  /* Users: the configured rules only, while User_Configurable_Resync is Yes. */
  { "handle-resync", method_resync, FALSE },
  /* Users: exactly their `ua` rights, never a secret. */
  { "handle-get-parameters", method_get_parameters, FALSE },
  { "handle-list-parameters", method_list_parameters, FALSE },
  { "handle-set-parameters", method_set_parameters, FALSE },
  /* Results and times; no secret is ever part of a URL or an error text. */
  { "handle-get-status", method_get_status, FALSE },
  /* Fed by the SIP stack and the network scripts, which are the system's. */
  { "handle-set-line-state", method_set_line_state, TRUE },
  { "handle-set-dhcp-options", method_set_dhcp_options, TRUE },
  /* Expansion shows GPP_A…P, which may be `na`. */
  { "handle-expand-rule", method_expand_rule, TRUE },
  /* Files and versions of the installation are the admin's business. */
  { "handle-list-plugins", method_list_plugins, TRUE },
};

/* ---- authorization -------------------------------------------------------- */

typedef struct
{
  ProvDbusService       *self;
  const Method          *method;
  GDBusMethodInvocation *invocation;
} Call;

static void
on_authorized (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autofree Call *call = user_data;
  g_autoptr(ProvDbusService) self = call->self;
  g_autoptr(GError) error = NULL;
  int caller;

  caller = prov_authority_check_finish (PROV_AUTHORITY (source), res, &error);
  if (caller < 0)
    {
      return_error (call->invocation, g_steal_pointer (&error));
      return;
    }
  if (call->method->admin_only && caller != PROV_CALLER_ADMIN)
    {
      g_dbus_method_invocation_return_error_literal (call->invocation, PROV_ERROR,
                                                     PROV_ERROR_PERMISSION_DENIED,
                                                     "only the administrator may do this");
      return;
    }
  call->method->func (self, call->invocation, (ProvCaller) caller);
}

/* One closure per method: the handle-* signals differ in their arguments,
 * but every method reads them from the invocation, which comes first. */
typedef struct
{
  GClosure      closure;
  const Method *method;
} MethodClosure;

static void
marshal_method (GClosure     *closure,
                GValue       *return_value,
                guint         n_param_values,
                const GValue *param_values,
                gpointer      invocation_hint,
                gpointer      marshal_data)
{
  ProvDbusService *self = closure->data;
  const Method *method = ((MethodClosure *) closure)->method;
  GDBusMethodInvocation *invocation = g_value_get_object (&param_values[1]);
  GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);
  Call *call = g_new0 (Call, 1);
  gboolean interactive;

  /* The handler owns the reply, hence the invocation's reference. */
  call->self = g_object_ref (self);
  call->method = method;
  call->invocation = invocation;
  interactive = method->admin_only && (g_dbus_message_get_flags (message)
                                       & G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION);
  prov_authority_check_async (self->authority, invocation, interactive, NULL, on_authorized, call);
  g_value_set_boolean (return_value, TRUE);
}

/* ---- signals and properties ----------------------------------------------- */

static void
on_resync_started (ProvEngine *engine, int cause, gpointer user_data)
{
  ProvDbusService *self = user_data;

  /* Calls waiting so far are answered by this run; later ones by the next. */
  g_ptr_array_extend_and_steal (self->running, g_steal_pointer (&self->pending));
  self->pending = g_ptr_array_new ();
  self->progress_at = 0;
  prov_provisiond1_set_state (self->skeleton, "resyncing");
  prov_provisiond1_emit_resync_started (self->skeleton, cause);
}

static int
error_code_for_outcome (ProvDbusService *self, ProvOutcome outcome)
{
  switch (outcome)
    {
    case PROV_OUTCOME_FILE_NOT_FOUND:
      return PROV_ERROR_FILE_NOT_FOUND;
    case PROV_OUTCOME_CORRUPT:
      return PROV_ERROR_CORRUPT;
    case PROV_OUTCOME_TRANSPORT:
      return PROV_ERROR_TRANSPORT;
    case PROV_OUTCOME_SUCCESS:
    case PROV_OUTCOME_OTHER:
    default:
      /* The signal carries the class, not the code; a stop cancels. */
      return self->stopping ? PROV_ERROR_CANCELLED : PROV_ERROR_FAILED;
    }
}

static void
on_resync_finished (ProvEngine *engine, int outcome, const char *url, const char *error,
                    GStrv changed, gpointer user_data)
{
  ProvDbusService *self = user_data;
  const char *const no_names[] = { NULL };
  const char *const *names = changed != NULL ? (const char *const *) changed : no_names;

  for (guint i = 0; i < self->running->len; i++)
    {
      GDBusMethodInvocation *invocation = self->running->pdata[i];
      GVariantBuilder result;

      if (error != NULL)
        {
          g_dbus_method_invocation_return_error_literal (
            invocation, PROV_ERROR, error_code_for_outcome (self, outcome), error);
          continue;
        }
      g_variant_builder_init (&result, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&result, "{sv}", "url", g_variant_new_string (url ? url : ""));
      g_variant_builder_add (&result, "{sv}", "changed", g_variant_new_strv (names, -1));
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a{sv})", &result));
    }
  g_ptr_array_set_size (self->running, 0);
  prov_provisiond1_set_state (self->skeleton, "idle");
  prov_provisiond1_emit_resync_finished (self->skeleton,
                                         prov_outcome_to_string ((ProvOutcome) outcome),
                                         url != NULL ? url : "", error != NULL ? error : "",
                                         names);
}

static void
on_fetch_progress (ProvEngine *engine, const char *url, guint64 received, guint64 total,
                   gpointer user_data)
{
  ProvDbusService *self = user_data;
  gint64 now = g_get_monotonic_time ();

  /* The last chunk always goes out, so that clients see the end. */
  if (now - self->progress_at < PROGRESS_INTERVAL && (total == 0 || received < total))
    return;
  self->progress_at = now;
  prov_provisiond1_emit_fetch_progress (self->skeleton, url, received, total);
}

static void
on_store_changed (ProvStore *store, GStrv names, gpointer user_data)
{
  ProvDbusService *self = user_data;

  prov_provisiond1_emit_parameters_changed (self->skeleton, (const char *const *) names);
  /* Waiting calls would otherwise never hear back: the engine refuses
   * silently while provisioning is off. */
  if (g_strv_contains ((const char *const *) names, "Provision_Enable")
      && !prov_store_get_bool (store, "Provision_Enable"))
    fail_all (self->pending, PROV_ERROR_DISABLED,
              "provisioning is disabled (Provision_Enable is No)");
}

static void
on_plan_changed (ProvScheduler *scheduler, gpointer user_data)
{
  ProvDbusService *self = user_data;

  prov_provisiond1_set_next_resync (self->skeleton,
                                    prov_scheduler_get_armed_deadline (scheduler));
}

static void
watch (ProvDbusService *self, gpointer instance, const char *signal, GCallback callback)
{
  gulong id = g_signal_connect (instance, signal, callback, self);

  self->handlers = g_slist_prepend (self->handlers, GSIZE_TO_POINTER (id));
  self->handlers = g_slist_prepend (self->handlers, instance);
}

/* ---- object --------------------------------------------------------------- */

static void
prov_dbus_service_dispose (GObject *object)
{
  ProvDbusService *self = PROV_DBUS_SERVICE (object);

  prov_dbus_service_unexport (self);
  while (self->handlers != NULL)
    {
      gpointer instance = self->handlers->data;
      gulong id = GPOINTER_TO_SIZE (self->handlers->next->data);

      g_signal_handler_disconnect (instance, id);
      self->handlers = g_slist_delete_link (self->handlers, self->handlers);
      self->handlers = g_slist_delete_link (self->handlers, self->handlers);
    }
  G_OBJECT_CLASS (prov_dbus_service_parent_class)->dispose (object);
}

static void
prov_dbus_service_finalize (GObject *object)
{
  ProvDbusService *self = PROV_DBUS_SERVICE (object);

  /* Every call is answered before the last reference goes. */
  fail_all (self->pending, PROV_ERROR_CANCELLED, "the daemon is stopping");
  fail_all (self->running, PROV_ERROR_CANCELLED, "the daemon is stopping");
  g_ptr_array_unref (self->pending);
  g_ptr_array_unref (self->running);
  g_clear_object (&self->skeleton);
  g_clear_object (&self->authority);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (prov_dbus_service_parent_class)->finalize (object);
}

static void
prov_dbus_service_class_init (ProvDbusServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = prov_dbus_service_dispose;
  G_OBJECT_CLASS (klass)->finalize = prov_dbus_service_finalize;
}

static void
prov_dbus_service_init (ProvDbusService *self)
{
  self->pending = g_ptr_array_new ();
  self->running = g_ptr_array_new ();
}

ProvDbusService *
prov_dbus_service_new (ProvContext *context, ProvScheduler *scheduler, ProvAuthority *authority)
{
  ProvDbusService *self;
  ProvEngine *engine;

  g_return_val_if_fail (PROV_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (PROV_IS_SCHEDULER (scheduler), NULL);
  g_return_val_if_fail (PROV_IS_AUTHORITY (authority), NULL);

  self = g_object_new (PROV_TYPE_DBUS_SERVICE, NULL);
  self->context = g_object_ref (context);
  self->scheduler = g_object_ref (scheduler);
  self->authority = g_object_ref (authority);
  self->skeleton = prov_provisiond1_skeleton_new ();
  engine = get_engine (self);
  prov_provisiond1_set_state (self->skeleton, prov_engine_is_busy (engine) ? "resyncing" : "idle");
  prov_provisiond1_set_next_resync (self->skeleton, prov_scheduler_get_armed_deadline (scheduler));

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      GClosure *closure = g_closure_new_simple (sizeof (MethodClosure), self);

      ((MethodClosure *) closure)->method = &methods[i];
      g_closure_set_marshal (closure, marshal_method);
      g_signal_connect_closure (self->skeleton, methods[i].signal, closure, FALSE);
    }
  watch (self, engine, "resync-started", G_CALLBACK (on_resync_started));
  watch (self, engine, "resync-finished", G_CALLBACK (on_resync_finished));
  watch (self, engine, "fetch-progress", G_CALLBACK (on_fetch_progress));
  watch (self, get_store (self), "changed", G_CALLBACK (on_store_changed));
  watch (self, scheduler, "plan-changed", G_CALLBACK (on_plan_changed));
  return self;
}

gboolean
prov_dbus_service_export (ProvDbusService *self, GDBusConnection *connection, GError **error)
{
  g_return_val_if_fail (PROV_IS_DBUS_SERVICE (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);

  return g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skeleton), connection,
                                           PROV_DBUS_PATH, error);
}

void
prov_dbus_service_unexport (ProvDbusService *self)
{
  g_return_if_fail (PROV_IS_DBUS_SERVICE (self));

  if (self->skeleton != NULL
      && g_dbus_interface_skeleton_get_connection (G_DBUS_INTERFACE_SKELETON (self->skeleton)))
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->skeleton));
}

void
prov_dbus_service_stop (ProvDbusService *self)
{
  g_return_if_fail (PROV_IS_DBUS_SERVICE (self));

  self->stopping = TRUE;
  fail_all (self->pending, PROV_ERROR_CANCELLED, "the daemon is stopping");
}
