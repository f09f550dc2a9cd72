/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-authority.h"
#include "prov-custom-ca.h"
#include "prov-dbus-service-private.h"
#include "prov-dhcp.h"
#include "prov-error.h"

/* The methods of org.provisiond.Provisiond1 that answer at once. */

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
      g_autofree char *shown = NULL;

      /* Unknown and invisible names get the same answer: none. */
      if (!prov_store_read (store, names[i], caller, &value, NULL))
        continue;
      shown = prov_store_show (store, names[i], value, caller);
      g_variant_builder_add (&values, "{ss}", names[i], shown);
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
      g_autofree char *shown = NULL;

      if (!prov_store_read (store, names[i], caller, &value, NULL))
        continue;
      shown = prov_store_show (store, names[i], value, caller);
      g_variant_builder_add (&list, "(sss)", names[i], shown,
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
      prov_dbus_return_error (invocation, g_steal_pointer (&error));
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
      /* The status keeps seconds; the bus speaks µs everywhere. */
      g_variant_builder_add (&list, "{sv}", "time",
                             g_variant_new_int64 (e->time * G_USEC_PER_SEC));
      g_variant_builder_add (&list, "{sv}", "cause",
                             g_variant_new_string (prov_cause_to_string (e->cause)));
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
                         g_variant_new_string (prov_dbus_service_get_state (self)));
  entries = prov_status_get_resyncs (status, &n);
  g_variant_builder_add (&dict, "{sv}", "resyncs", entries_to_variant (entries, n));
  entries = prov_status_get_upgrades (status, &n);
  g_variant_builder_add (&dict, "{sv}", "upgrades", entries_to_variant (entries, n));
  g_variant_builder_add (&dict, "{sv}", "next-resync",
                         g_variant_new_int64 (prov_scheduler_get_armed_deadline (self->scheduler)));
  g_variant_builder_add (&dict, "{sv}", "next-upgrade-retry",
                         g_variant_new_int64 (
                           prov_scheduler_get_next_upgrade_retry (self->scheduler)));
  g_variant_builder_init (&schedule, G_VARIANT_TYPE ("a(sxx)"));
  for (guint i = 0; i < plan->len; i++)
    {
      const ProvScheduleItem *item = &g_array_index (plan, ProvScheduleItem, i);
      g_variant_builder_add (&schedule, "(sxx)", prov_cause_to_string (item->cause),
                             item->earliest, item->latest);
    }
  g_variant_builder_add (&dict, "{sv}", "schedule", g_variant_builder_end (&schedule));
  g_variant_builder_add (&dict, "{sv}", "lines-busy",
                         g_variant_new_boolean (prov_scheduler_get_lines_busy (self->scheduler)));
  g_variant_builder_add (&dict, "{sv}", "customized",
                         g_variant_new_boolean (prov_status_get_customized (status)));
  {
    ProvEngine *engine = prov_context_get_engine (self->context);
    const char *ca_result = prov_custom_ca_get_result (engine);
    const char *ca_error = prov_custom_ca_get_error (engine);
    g_autofree char *ca_installed = prov_custom_ca_get_installed (engine);

    g_variant_builder_add (&dict, "{sv}", "custom-ca-status",
                           g_variant_new_string (ca_result != NULL ? ca_result : ""));
    g_variant_builder_add (&dict, "{sv}", "custom-ca-error",
                           g_variant_new_string (ca_error != NULL ? ca_error : ""));
    g_variant_builder_add (&dict, "{sv}", "custom-ca-info",
                           g_variant_new_string (ca_installed != NULL ? ca_installed : ""));
  }
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
      prov_dbus_return_error (invocation, g_steal_pointer (&error));
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

static void
method_list_appliers (ProvDbusService *self, GDBusMethodInvocation *invocation,
                      ProvCaller caller)
{
  GVariant *rows = prov_appliers_describe (prov_context_get_appliers (self->context));

  g_dbus_method_invocation_return_value (invocation, g_variant_new_tuple (&rows, 1));
}

/* The core names no plugin: a SIP handler is any plugin with the action
 * signal "handle-message" (request, peer → response), the sip plugin's. */
static ProvPlugin *
find_sip_handler (ProvDbusService *self)
{
  GPtrArray *plugins = prov_registry_get_plugins (prov_context_get_registry (self->context));

  for (guint i = 0; i < plugins->len; i++)
    {
      ProvPlugin *plugin = plugins->pdata[i];
      guint id = g_signal_lookup ("handle-message", G_OBJECT_TYPE (plugin));
      GSignalQuery query;

      if (id == 0)
        continue;
      g_signal_query (id, &query);
      if ((query.signal_flags & G_SIGNAL_ACTION) && query.return_type == G_TYPE_STRING
          && query.n_params == 2
          && (query.param_types[0] & ~G_SIGNAL_TYPE_STATIC_SCOPE) == G_TYPE_STRING
          && (query.param_types[1] & ~G_SIGNAL_TYPE_STATIC_SCOPE) == G_TYPE_STRING)
        return plugin;
    }
  return NULL;
}

static void
method_handle_sip_notify (ProvDbusService *self, GDBusMethodInvocation *invocation,
                          ProvCaller caller)
{
  const char *message = NULL, *peer = NULL;
  g_autofree char *response = NULL;
  ProvPlugin *handler = find_sip_handler (self);

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s&s)", &message, &peer);
  if (handler == NULL)
    {
      g_dbus_method_invocation_return_error_literal (invocation, PROV_ERROR,
                                                     PROV_ERROR_NOT_SUPPORTED,
                                                     "no plugin handles SIP messages");
      return;
    }
  /* An authorised request makes the plugin fire, which the daemon routes. */
  g_signal_emit_by_name (handler, "handle-message", message, peer[0] != '\0' ? peer : NULL,
                         &response);
  g_dbus_method_invocation_return_value (invocation,
                                         g_variant_new ("(s)", response != NULL ? response : ""));
}

/* Who may call what. A user is any caller that is not the admin (see
 * ProvAuthority); the methods open to users apply the `ua` rules. */
const ProvDbusMethod prov_dbus_methods[] = {
  /* Users: exactly their `ua` rights, never a secret. */
  { "handle-get-parameters", method_get_parameters, FALSE, PROV_ACTION_READ_SECRETS },
  { "handle-list-parameters", method_list_parameters, FALSE, PROV_ACTION_READ_SECRETS },
  { "handle-set-parameters", method_set_parameters, FALSE, PROV_ACTION_CHANGE_PARAMETERS },
  /* Results and times; no secret is ever part of a URL or an error text. */
  { "handle-get-status", method_get_status, FALSE, NULL },
  /* Fed by the SIP stack and the network scripts, which are the system's. */
  { "handle-set-line-state", method_set_line_state, TRUE, PROV_ACTION_CHANGE_PARAMETERS },
  { "handle-set-dhcp-options", method_set_dhcp_options, TRUE, PROV_ACTION_CHANGE_PARAMETERS },
  { "handle-handle-sip-notify", method_handle_sip_notify, TRUE, PROV_ACTION_RESYNC },
  /* Expansion shows GPP_A…P, which may be `na`. */
  { "handle-expand-rule", method_expand_rule, TRUE, PROV_ACTION_READ_SECRETS },
  /* Files and versions of the installation are the admin's business. */
  { "handle-list-plugins", method_list_plugins, TRUE, PROV_ACTION_READ_SECRETS },
  { "handle-list-appliers", method_list_appliers, TRUE, PROV_ACTION_READ_SECRETS },
};
const guint prov_dbus_n_methods = G_N_ELEMENTS (prov_dbus_methods);
