/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-activation.h"
#include "prov-dbus-service-private.h"
#include "prov-error.h"
#include "prov-rule.h"
#include "prov-rule-mask.h"

/* FetchProgress is a signal to every client: a few per second is plenty. */
#define PROGRESS_INTERVAL (G_USEC_PER_SEC / 10)

/* The status text of a refused activation code (SPEC §7). */
#define INVALID_CODE_TEXT "Invalid activation code"

G_DEFINE_TYPE (ProvDbusService, prov_dbus_service, G_TYPE_OBJECT)

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

static ProvUpgrader *
get_upgrader (ProvDbusService *self)
{
  return prov_scheduler_get_upgrader (self->scheduler);
}

void
prov_dbus_return_error (GDBusMethodInvocation *invocation, GError *error)
{
  prov_error_convert (&error);
  g_dbus_method_invocation_take_error (invocation, error);
}

/* Ends request @id: RequestFinished with @error's D-Bus name, or with
 * @result (a floating a{sv}, NULL = empty) on success. */
static void
finish_request (ProvDbusService *self, guint64 id, const GError *error, GVariant *result)
{
  g_autofree char *name = error != NULL ? g_dbus_error_encode_gerror (error) : NULL;

  if (result == NULL)
    result = g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0);
  prov_provisiond1_emit_request_finished (self->skeleton, id, name != NULL ? name : "",
                                          error != NULL ? error->message : "", result);
}

static void
fail_all (ProvDbusService *self, GArray *ids, int code, const char *message)
{
  g_autoptr(GError) error = g_error_new_literal (PROV_ERROR, code, message);

  for (guint i = 0; i < ids->len; i++)
    finish_request (self, g_array_index (ids, guint64, i), error, NULL);
  g_array_set_size (ids, 0);
}

/* Accepts a long request: its id goes back at once, RequestFinished ends it.
 * The reply frees the invocation and the arguments read from it. */
static guint64
accept_request (ProvDbusService *self, GDBusMethodInvocation *invocation, GArray *queue)
{
  guint64 id = ++self->last_id;

  g_array_append_val (queue, id);
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(t)", id));
  return id;
}

const char *
prov_dbus_service_get_state (ProvDbusService *self)
{
  if (prov_upgrader_is_busy (get_upgrader (self)))
    return "upgrading";
  return prov_engine_is_busy (get_engine (self)) ? "resyncing" : "idle";
}

static gboolean
is_blank (const char *text)
{
  return text == NULL || text[strspn (text, " \t\r\n")] == '\0';
}

/* ---- calls answered by a resync ------------------------------------------- */

/* FALSE, with the call answered, when no run would ever answer it. */
static gboolean
check_resync_possible (ProvDbusService *self, GDBusMethodInvocation *invocation)
{
  /* The engine refuses without a signal; answer here instead of never. */
  if (!prov_store_get_bool (get_store (self), "Provision_Enable"))
    {
      g_dbus_method_invocation_return_error_literal (
        invocation, PROV_ERROR, PROV_ERROR_DISABLED,
        "provisioning is disabled (Provision_Enable is No)");
      return FALSE;
    }
  if (self->stopping)
    {
      g_dbus_method_invocation_return_error_literal (invocation, PROV_ERROR, PROV_ERROR_CANCELLED,
                                                     "the daemon is stopping");
      return FALSE;
    }
  return TRUE;
}

/* A Resync or Activate call, answered by the next run. */
static void
queue_resync (ProvDbusService *self, GDBusMethodInvocation *invocation, const char *rule)
{
  g_autofree char *copy = g_strdup (rule);

  /* Queued first: the request may start the run, and its signal, at once. */
  accept_request (self, invocation, self->pending);
  prov_scheduler_request_resync (self->scheduler, PROV_CAUSE_EXPLICIT, copy);
}

static void
method_resync (ProvDbusService *self, GDBusMethodInvocation *invocation, ProvCaller caller)
{
  ProvStore *store = get_store (self);
  const char *rule = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s)", &rule);
  /* The seed's user menu: with Yes a user may resync, also from a profile
   * rule of their own; the admin always may. */
  if (caller != PROV_CALLER_ADMIN && !prov_store_get_bool (store, "User_Configurable_Resync"))
    {
      g_dbus_method_invocation_return_error_literal (
        invocation, PROV_ERROR, PROV_ERROR_PERMISSION_DENIED,
        rule[0] != '\0'
          ? "users may not resync from a rule of their own (User_Configurable_Resync is No)"
          : "resync by users is off (User_Configurable_Resync is No)");
      return;
    }
  if (caller != PROV_CALLER_ADMIN && rule[0] != '\0')
    {
      g_autofree char *masked = prov_rule_mask_secrets (rule);

      g_info ("a user resyncs from a rule of their own: %s", masked);
    }
  /* A bad rule is the caller's mistake: say so now, with its own code. */
  if (rule[0] != '\0')
    {
      g_autoptr(ProvRule) parsed = prov_rule_parse (rule, &error);
      if (parsed == NULL)
        {
          prov_dbus_return_error (invocation, g_steal_pointer (&error));
          return;
        }
    }
  if (check_resync_possible (self, invocation))
    queue_resync (self, invocation, rule[0] != '\0' ? rule : NULL);
}

static void
method_activate (ProvDbusService *self, GDBusMethodInvocation *invocation, ProvCaller caller)
{
  const char *code = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s)", &code);
  /* Nothing is kept while no resync could spend it. */
  if (!check_resync_possible (self, invocation))
    return;
  if (!prov_activation_submit (get_engine (self), code, &error))
    {
      prov_dbus_return_error (invocation, g_steal_pointer (&error));
      return;
    }
  g_info ("activation code entered");
  queue_resync (self, invocation, NULL);
}

/* ---- calls answered by an upgrade ----------------------------------------- */

static GVariant *
upgrade_result (const char *outcome, const char *url, const char *version)
{
  GVariantBuilder result;

  g_variant_builder_init (&result, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&result, "{sv}", "outcome", g_variant_new_string (outcome));
  g_variant_builder_add (&result, "{sv}", "url", g_variant_new_string (url ? url : ""));
  g_variant_builder_add (&result, "{sv}", "version",
                         g_variant_new_string (version ? version : ""));
  return g_variant_builder_end (&result);
}

static void
method_upgrade (ProvDbusService *self, GDBusMethodInvocation *invocation, ProvCaller caller)
{
  ProvStore *store = get_store (self);
  const char *rule = NULL;
  g_autofree char *copy = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s)", &rule);
  if (rule[0] != '\0')
    {
      g_autoptr(ProvRule) parsed = prov_rule_parse (rule, &error);
      if (parsed == NULL)
        {
          prov_dbus_return_error (invocation, g_steal_pointer (&error));
          return;
        }
    }
  /* The upgrader ends these two without a signal: answer here. */
  if (!prov_store_get_bool (store, "Upgrade_Enable"))
    {
      g_dbus_method_invocation_return_error_literal (
        invocation, PROV_ERROR, PROV_ERROR_DISABLED,
        "firmware upgrades are disabled (Upgrade_Enable is No)");
      return;
    }
  if (self->stopping)
    {
      g_dbus_method_invocation_return_error_literal (invocation, PROV_ERROR, PROV_ERROR_CANCELLED,
                                                     "the daemon is stopping");
      return;
    }
  if (rule[0] == '\0' && is_blank (prov_store_get (store, "Upgrade_Rule")))
    {
      /* Nothing to wait for; the reply goes out before the signal. */
      g_autoptr(GArray) now = g_array_new (FALSE, FALSE, sizeof (guint64));
      guint64 id = accept_request (self, invocation, now);

      finish_request (self, id, NULL, upgrade_result ("none", NULL, NULL));
      return;
    }
  copy = rule[0] != '\0' ? g_strdup (rule) : NULL;
  accept_request (self, invocation, self->upgrades_pending);
  self->upgrade_pending_configured = copy == NULL;
  prov_scheduler_request_upgrade (self->scheduler, copy);
}

static const ProvDbusMethod waiting_methods[] = {
  /* Users: the configured rules or one of their own, while
   * User_Configurable_Resync is Yes. */
  { "handle-resync", method_resync, FALSE, PROV_ACTION_RESYNC },
  /* Users too: the phone's own UI, where the code is typed, runs as one,
   * and the code is the credential. */
  { "handle-activate", method_activate, FALSE, NULL },
  /* Firmware is the admin's business. */
  { "handle-upgrade", method_upgrade, TRUE, PROV_ACTION_RESYNC },
};

/* ---- authorization -------------------------------------------------------- */

typedef struct
{
  ProvDbusService       *self;
  const ProvDbusMethod  *method;
  GDBusMethodInvocation *invocation;
} Call;

static void
dispatch (ProvDbusService *self, const ProvDbusMethod *method, GDBusMethodInvocation *invocation,
          int caller)
{
  if (method->admin_only && caller != PROV_CALLER_ADMIN)
    {
      g_dbus_method_invocation_return_error_literal (invocation, PROV_ERROR,
                                                     PROV_ERROR_PERMISSION_DENIED,
                                                     "only the administrator may do this");
      return;
    }
  method->func (self, invocation, (ProvCaller) caller);
}

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
      prov_dbus_return_error (call->invocation, g_steal_pointer (&error));
      return;
    }
  dispatch (self, call->method, call->invocation, caller);
}

/* One closure per method: the handle-* signals differ in their arguments,
 * but every method reads them from the invocation, which comes first. */
typedef struct
{
  GClosure              closure;
  const ProvDbusMethod *method;
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
  const ProvDbusMethod *method = ((MethodClosure *) closure)->method;
  GDBusMethodInvocation *invocation = g_value_get_object (&param_values[1]);
  GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);
  Call *call;
  gboolean interactive;
  int caller = prov_authority_check_cached (self->authority, invocation);

  /* A caller known already: no idle round through the main loop either. */
  if (caller >= 0)
    {
      dispatch (self, method, invocation, caller);
      g_value_set_boolean (return_value, TRUE);
      return;
    }
  /* The handler owns the reply, hence the invocation's reference. */
  call = g_new0 (Call, 1);
  call->self = g_object_ref (self);
  call->method = method;
  call->invocation = invocation;
  interactive = method->admin_only && (g_dbus_message_get_flags (message)
                                       & G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION);
  prov_authority_check_async (self->authority, invocation, method->action, interactive, NULL,
                              on_authorized, call);
  g_value_set_boolean (return_value, TRUE);
}

static void
connect_method (ProvDbusService *self, const ProvDbusMethod *method)
{
  GClosure *closure = g_closure_new_simple (sizeof (MethodClosure), self);

  ((MethodClosure *) closure)->method = method;
  g_closure_set_marshal (closure, marshal_method);
  g_signal_connect_closure (self->skeleton, method->signal, closure, FALSE);
}

/* ---- signals and properties ----------------------------------------------- */

static void
update_state (ProvDbusService *self)
{
  prov_provisiond1_set_state (self->skeleton, prov_dbus_service_get_state (self));
}

static void
on_resync_started (ProvEngine *engine, int cause, gpointer user_data)
{
  ProvDbusService *self = user_data;

  /* Calls waiting so far are answered by this run; later ones by the next. */
  g_array_append_vals (self->running, self->pending->data, self->pending->len);
  g_array_set_size (self->pending, 0);
  self->progress_at = 0;
  update_state (self);
  prov_provisiond1_emit_resync_started (self->skeleton, prov_cause_to_string (cause));
}

static int
error_code_for_outcome (ProvDbusService *self, ProvOutcome outcome, const char *message)
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
      /* The signals carry the class, not the code. A refused activation
       * code has a fixed text, and the caller must be able to tell it. */
      if (g_strcmp0 (message, INVALID_CODE_TEXT) == 0)
        return PROV_ERROR_INVALID_CODE;
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
      guint64 id = g_array_index (self->running, guint64, i);
      GVariantBuilder result;

      if (error != NULL)
        {
          g_autoptr(GError) failure = g_error_new_literal (
            PROV_ERROR, error_code_for_outcome (self, outcome, error), error);

          finish_request (self, id, failure, NULL);
          continue;
        }
      g_variant_builder_init (&result, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&result, "{sv}", "url", g_variant_new_string (url ? url : ""));
      g_variant_builder_add (&result, "{sv}", "changed", g_variant_new_strv (names, -1));
      finish_request (self, id, NULL, g_variant_builder_end (&result));
    }
  g_array_set_size (self->running, 0);
  update_state (self);
  prov_provisiond1_emit_resync_finished (self->skeleton,
                                         prov_outcome_to_string ((ProvOutcome) outcome),
                                         url != NULL ? url : "", error != NULL ? error : "",
                                         names);
}

static void
on_upgrade_started (ProvUpgrader *upgrader, int cause, gpointer user_data)
{
  ProvDbusService *self = user_data;

  /* Explicit upgrades run only when requested, and requests coalesce:
   * this run answers every call so far. */
  if (cause == PROV_CAUSE_EXPLICIT)
    {
      g_array_append_vals (self->upgrades_running, self->upgrades_pending->data,
                           self->upgrades_pending->len);
      g_array_set_size (self->upgrades_pending, 0);
    }
  self->progress_at = 0;
  update_state (self);
  prov_provisiond1_emit_upgrade_started (self->skeleton, prov_cause_to_string (cause));
}

static const char *
upgrade_outcome (ProvDbusService *self, ProvUpgradeResult result, ProvOutcome *failure)
{
  const ProvStatusEntry *entries;
  guint n = 0;

  switch (result)
    {
    case PROV_UPGRADE_INSTALLED:
      return "installed";
    case PROV_UPGRADE_CURRENT:
      return "current";
    case PROV_UPGRADE_NONE:
      return "none";
    case PROV_UPGRADE_FAILED:
    default:
      /* The upgrader records a failure before it signals it. */
      entries = prov_status_get_upgrades (prov_context_get_status (self->context), &n);
      *failure = n > 0 ? entries[0].outcome : PROV_OUTCOME_OTHER;
      return prov_outcome_to_string (*failure);
    }
}

static void
on_upgrade_finished (ProvUpgrader *upgrader, int result, const char *url, const char *version,
                     const char *error, gpointer user_data)
{
  ProvDbusService *self = user_data;
  ProvOutcome failure_outcome = PROV_OUTCOME_OTHER;
  const char *outcome = upgrade_outcome (self, (ProvUpgradeResult) result, &failure_outcome);

  for (guint i = 0; i < self->upgrades_running->len; i++)
    {
      guint64 id = g_array_index (self->upgrades_running, guint64, i);

      if (error != NULL)
        {
          g_autoptr(GError) failure = g_error_new_literal (
            PROV_ERROR, error_code_for_outcome (self, failure_outcome, error), error);

          finish_request (self, id, failure, NULL);
        }
      else
        finish_request (self, id, NULL, upgrade_result (outcome, url, version));
    }
  g_array_set_size (self->upgrades_running, 0);
  update_state (self);
  prov_provisiond1_emit_upgrade_finished (self->skeleton, outcome, url != NULL ? url : "",
                                          error != NULL ? error : "",
                                          version != NULL ? version : "");
}

/* Profile and firmware downloads alike. */
static void
on_fetch_progress (GObject *source, const char *url, guint64 received, guint64 total,
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
answer_upgrades_none (ProvDbusService *self, GArray *ids)
{
  for (guint i = 0; i < ids->len; i++)
    finish_request (self, g_array_index (ids, guint64, i), NULL,
                    upgrade_result ("none", NULL, NULL));
  g_array_set_size (ids, 0);
}

static void
on_store_changed (ProvStore *store, GStrv names, gpointer user_data)
{
  ProvDbusService *self = user_data;
  const char *const *changed = (const char *const *) names;

  prov_provisiond1_emit_parameters_changed (self->skeleton, changed);
  /* Waiting calls would otherwise never hear back: the engine and the
   * upgrader refuse silently while they are off, and the upgrader ends a
   * blank Upgrade_Rule silently too. */
  if (g_strv_contains (changed, "Provision_Enable")
      && !prov_store_get_bool (store, "Provision_Enable"))
    fail_all (self, self->pending, PROV_ERROR_DISABLED,
              "provisioning is disabled (Provision_Enable is No)");
  if (g_strv_contains (changed, "Upgrade_Enable") && !prov_store_get_bool (store, "Upgrade_Enable"))
    fail_all (self, self->upgrades_pending, PROV_ERROR_DISABLED,
              "firmware upgrades are disabled (Upgrade_Enable is No)");
  if (g_strv_contains (changed, "Upgrade_Rule") && self->upgrade_pending_configured
      && is_blank (prov_store_get (store, "Upgrade_Rule")))
    answer_upgrades_none (self, self->upgrades_pending);
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

static void
on_rolled_back (ProvAppliers *appliers, const char *reason, const char *log_text,
                gpointer user_data)
{
  ProvDbusService *self = user_data;

  prov_provisiond1_emit_rolled_back (self->skeleton, reason);
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

  g_array_unref (self->pending);
  g_array_unref (self->running);
  g_array_unref (self->upgrades_pending);
  g_array_unref (self->upgrades_running);
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
  self->pending = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->running = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->upgrades_pending = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->upgrades_running = g_array_new (FALSE, FALSE, sizeof (guint64));
}

ProvDbusService *
prov_dbus_service_new (ProvContext *context, ProvScheduler *scheduler, ProvAuthority *authority)
{
  ProvDbusService *self;
  ProvEngine *engine;
  ProvUpgrader *upgrader;

  g_return_val_if_fail (PROV_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (PROV_IS_SCHEDULER (scheduler), NULL);
  g_return_val_if_fail (PROV_IS_AUTHORITY (authority), NULL);

  self = g_object_new (PROV_TYPE_DBUS_SERVICE, NULL);
  self->context = g_object_ref (context);
  self->scheduler = g_object_ref (scheduler);
  self->authority = g_object_ref (authority);
  self->skeleton = prov_provisiond1_skeleton_new ();
  engine = get_engine (self);
  upgrader = get_upgrader (self);
  update_state (self);
  prov_provisiond1_set_next_resync (self->skeleton, prov_scheduler_get_armed_deadline (scheduler));

  for (guint i = 0; i < G_N_ELEMENTS (waiting_methods); i++)
    connect_method (self, &waiting_methods[i]);
  for (guint i = 0; i < prov_dbus_n_methods; i++)
    connect_method (self, &prov_dbus_methods[i]);
  watch (self, engine, "resync-started", G_CALLBACK (on_resync_started));
  watch (self, engine, "resync-finished", G_CALLBACK (on_resync_finished));
  watch (self, engine, "fetch-progress", G_CALLBACK (on_fetch_progress));
  watch (self, upgrader, "upgrade-started", G_CALLBACK (on_upgrade_started));
  watch (self, upgrader, "upgrade-finished", G_CALLBACK (on_upgrade_finished));
  watch (self, upgrader, "fetch-progress", G_CALLBACK (on_fetch_progress));
  watch (self, get_store (self), "changed", G_CALLBACK (on_store_changed));
  watch (self, scheduler, "plan-changed", G_CALLBACK (on_plan_changed));
  watch (self, prov_context_get_appliers (context), "rolled-back", G_CALLBACK (on_rolled_back));
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

  /* Every request ends, while its caller can still hear it. */
  if (self->skeleton != NULL)
    {
      fail_all (self, self->pending, PROV_ERROR_CANCELLED, "the daemon is stopping");
      fail_all (self, self->running, PROV_ERROR_CANCELLED, "the daemon is stopping");
      fail_all (self, self->upgrades_pending, PROV_ERROR_CANCELLED, "the daemon is stopping");
      fail_all (self, self->upgrades_running, PROV_ERROR_CANCELLED, "the daemon is stopping");
    }
  if (self->skeleton != NULL
      && g_dbus_interface_skeleton_get_connection (G_DBUS_INTERFACE_SKELETON (self->skeleton)))
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->skeleton));
}

void
prov_dbus_service_stop (ProvDbusService *self)
{
  g_return_if_fail (PROV_IS_DBUS_SERVICE (self));

  self->stopping = TRUE;
  fail_all (self, self->pending, PROV_ERROR_CANCELLED, "the daemon is stopping");
  fail_all (self, self->upgrades_pending, PROV_ERROR_CANCELLED, "the daemon is stopping");
}
