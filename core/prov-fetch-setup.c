/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-error.h"
#include "prov-fetch-setup.h"
#include "prov-macro.h"
#include "prov-rule.h"
#include "prov-rule-mask.h"

static const char *const log_params[] = {
  [PROV_LOG_REQUEST] = "Log_Request_Msg",
  [PROV_LOG_SUCCESS] = "Log_Success_Msg",
  [PROV_LOG_FAILURE] = "Log_Failure_Msg",
  [PROV_LOG_UPGRADE_REQUEST] = "Log_Upgrade_Request_Msg",
  [PROV_LOG_UPGRADE_SUCCESS] = "Log_Upgrade_Success_Msg",
  [PROV_LOG_UPGRADE_FAILURE] = "Log_Upgrade_Failure_Msg",
};

char *
prov_fetch_setup_complete_url (ProvEngine *engine, const char *url, GError **error)
{
  ProvRegistry *registry = prov_engine_get_registry (engine);
  const char *scheme = g_uri_peek_scheme (url);

  if (scheme != NULL && g_str_has_prefix (url + strlen (scheme), ":///")
      && prov_registry_lookup_transport (registry, scheme) != NULL
      && prov_registry_get_default_port (registry, scheme) == 0)
    return g_strdup (url);
  return prov_url_complete (url, prov_engine_get_dhcp_server (engine), error);
}

ProvFetch *
prov_fetch_setup_new (ProvEngine *engine, const char *url, GHashTable *vars, GError **error)
{
  ProvStore *store = prov_engine_get_store (engine);
  g_autoptr(ProvFetch) fetch = prov_fetch_new (url, error);
  g_autofree char *user_agent = NULL;
  const char *restricted;

  if (fetch == NULL)
    return NULL;
  prov_fetch_set_default_port (fetch,
                               prov_registry_get_default_port (prov_engine_get_registry (engine),
                                                               prov_fetch_get_scheme (fetch)));
  prov_fetch_set_device (fetch, prov_engine_get_device (engine));
  prov_fetch_set_state_dir (fetch, prov_engine_get_state_dir (engine));
  user_agent = prov_macro_expand (prov_store_get (store, "HTTP_User_Agent"), vars, NULL);
  prov_fetch_set_user_agent (fetch, user_agent);
  restricted = prov_store_get (store, "Restricted_Access_Domains");
  if (restricted != NULL && restricted[0] != '\0')
    {
      g_auto(GStrv) hosts = g_strsplit (restricted, ",", -1);

      for (guint i = 0; hosts[i] != NULL; i++)
        g_strstrip (hosts[i]);
      prov_fetch_set_allowed_hosts (fetch, (const char *const *) hosts);
    }
  return g_steal_pointer (&fetch);
}

void
prov_fetch_setup_set_account (ProvEngine *engine, ProvFetch *fetch)
{
  ProvStore *store = prov_engine_get_store (engine);
  const char *auth = prov_store_get (store, "Profile_Authentication_Type");

  if (g_strcmp0 (auth, "Disabled") == 0)
    {
      prov_fetch_set_auth_type (fetch, "disabled");
      return;
    }
  if (g_strcmp0 (auth, "Basic Http Authentication") == 0)
    {
      const char *account = prov_store_get (store, "Profile_Account");
      if (account != NULL && account[0] != '\0')
        prov_fetch_set_credentials (fetch, account, prov_store_get (store, "Profile_Password"));
    }
}

gboolean
prov_fetch_setup_check_host (ProvFetch *fetch, GError **error)
{
  if (prov_fetch_host_allowed (fetch, prov_fetch_get_host (fetch)))
    return TRUE;
  g_set_error (error, PROV_ERROR, PROV_ERROR_TRANSPORT, "restricted host");
  return FALSE;
}

static void
set_var (GHashTable *vars, const char *name, const char *value)
{
  g_hash_table_replace (vars, g_strdup (name), g_strdup (value != NULL ? value : ""));
}

void
prov_fetch_setup_url_vars (GHashTable *vars, ProvFetch *fetch)
{
  const char *ip = prov_fetch_get_server_ip (fetch);

  set_var (vars, "SCHEME", prov_fetch_get_scheme (fetch));
  set_var (vars, "SERV", prov_fetch_get_host (fetch));
  set_var (vars, "SERVIP", ip != NULL ? ip : prov_fetch_get_host (fetch));
  g_hash_table_replace (vars, g_strdup ("PORT"),
                        g_strdup_printf ("%u", prov_fetch_get_port (fetch)));
  set_var (vars, "PATH", prov_fetch_get_path (fetch));
}

void
prov_fetch_setup_emit_log (ProvEngine *engine, ProvLogKind kind, GHashTable *vars,
                           guint transfer_id)
{
  const char *template = prov_store_get (prov_engine_get_store (engine), log_params[kind]);
  g_autofree char *expanded = NULL;
  g_autofree char *text = NULL;
  char id[16];

  if (template == NULL || template[0] == '\0')
    return;
  /* No secrets table: a message can never reveal GPP_SA…SD; and a URL in
   * it (a query's `?next=http://u:pw@h/`) shows no password. */
  expanded = prov_macro_expand (template, vars, NULL);
  text = prov_url_mask_secrets (expanded);
  g_snprintf (id, sizeof id, "%u", transfer_id);
  /* MESSAGE takes a format and must come last; other fields are plain strings. */
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO,
                    "PROV_TRANSFER_ID", id,
                    "MESSAGE", "[%u] %s", transfer_id, text);
  g_signal_emit_by_name (engine, "log-message", (int) kind, text, transfer_id);
}
