/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-error.h"
#include "prov-fetch-setup.h"
#include "prov-macro.h"
#include "prov-rule.h"
#include "prov-rule-mask.h"

struct _ProvFetchSetup
{
  GObject       parent_instance;

  ProvStore    *store;
  ProvDevice   *device;
  ProvRegistry *registry;
  char         *state_dir;
  char         *cache_dir;
  char         *dhcp_server;
};

G_DEFINE_FINAL_TYPE (ProvFetchSetup, prov_fetch_setup, G_TYPE_OBJECT)

enum
{
  SIGNAL_LOG_MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
prov_fetch_setup_finalize (GObject *object)
{
  ProvFetchSetup *self = PROV_FETCH_SETUP (object);

  g_clear_object (&self->store);
  g_clear_object (&self->device);
  g_clear_object (&self->registry);
  g_free (self->state_dir);
  g_free (self->cache_dir);
  g_free (self->dhcp_server);
  G_OBJECT_CLASS (prov_fetch_setup_parent_class)->finalize (object);
}

static void
prov_fetch_setup_class_init (ProvFetchSetupClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = prov_fetch_setup_finalize;

  signals[SIGNAL_LOG_MESSAGE] =
    g_signal_new ("log-message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_STRING, G_TYPE_UINT);
}

static void
prov_fetch_setup_init (ProvFetchSetup *self)
{
}

ProvFetchSetup *
prov_fetch_setup_new (ProvStore *store, ProvDevice *device, ProvRegistry *registry,
                      const char *state_dir)
{
  ProvFetchSetup *self = g_object_new (PROV_TYPE_FETCH_SETUP, NULL);

  self->store = g_object_ref (store);
  self->device = g_object_ref (device);
  self->registry = g_object_ref (registry);
  self->state_dir = g_strdup (state_dir);
  return self;
}

ProvRegistry *
prov_fetch_setup_get_registry (ProvFetchSetup *self)
{
  g_return_val_if_fail (PROV_IS_FETCH_SETUP (self), NULL);
  return self->registry;
}

const char *
prov_fetch_setup_get_state_dir (ProvFetchSetup *self)
{
  g_return_val_if_fail (PROV_IS_FETCH_SETUP (self), NULL);
  return self->state_dir;
}

const char *
prov_fetch_setup_get_cache_dir (ProvFetchSetup *self)
{
  g_return_val_if_fail (PROV_IS_FETCH_SETUP (self), NULL);
  return self->cache_dir != NULL ? self->cache_dir : self->state_dir;
}

void
prov_fetch_setup_set_cache_dir (ProvFetchSetup *self, const char *cache_dir)
{
  g_return_if_fail (PROV_IS_FETCH_SETUP (self));
  g_free (self->cache_dir);
  self->cache_dir = g_strdup (cache_dir);
}

const char *
prov_fetch_setup_get_dhcp_server (ProvFetchSetup *self)
{
  g_return_val_if_fail (PROV_IS_FETCH_SETUP (self), NULL);
  return self->dhcp_server;
}

void
prov_fetch_setup_set_dhcp_server (ProvFetchSetup *self, const char *server)
{
  g_return_if_fail (PROV_IS_FETCH_SETUP (self));
  g_free (self->dhcp_server);
  self->dhcp_server = server != NULL && server[0] != '\0' ? g_strdup (server) : NULL;
}

static const char *const log_params[] = {
  [PROV_LOG_REQUEST] = "Log_Request_Msg",
  [PROV_LOG_SUCCESS] = "Log_Success_Msg",
  [PROV_LOG_FAILURE] = "Log_Failure_Msg",
  [PROV_LOG_UPGRADE_REQUEST] = "Log_Upgrade_Request_Msg",
  [PROV_LOG_UPGRADE_SUCCESS] = "Log_Upgrade_Success_Msg",
  [PROV_LOG_UPGRADE_FAILURE] = "Log_Upgrade_Failure_Msg",
};

char *
prov_fetch_setup_complete_url (ProvFetchSetup *setup, const char *url, const char *server,
                               GError **error)
{
  ProvRegistry *registry = setup->registry;
  const char *scheme = g_uri_peek_scheme (url);

  if (scheme != NULL && g_str_has_prefix (url + strlen (scheme), ":///")
      && prov_registry_lookup_transport (registry, scheme) != NULL
      && prov_registry_get_default_port (registry, scheme) == 0)
    return g_strdup (url);
  return prov_url_complete (url, server != NULL ? server : setup->dhcp_server,
                            error);
}

char *
prov_fetch_setup_server_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_NON_DNS, NULL);
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (host == NULL || host[0] == '\0')
    return NULL;
  return g_uri_join (G_URI_FLAGS_ENCODED | G_URI_FLAGS_NON_DNS, g_uri_get_scheme (uri), NULL,
                     host, g_uri_get_port (uri), "", NULL, NULL);
}

ProvFetch *
prov_fetch_setup_new_fetch (ProvFetchSetup *setup, const char *url, GHashTable *vars,
                            GError **error)
{
  ProvStore *store = setup->store;
  g_autoptr(ProvFetch) fetch = prov_fetch_new (url, error);
  g_autofree char *user_agent = NULL;
  const char *restricted;

  if (fetch == NULL)
    return NULL;
  prov_fetch_set_default_port (fetch,
                               prov_registry_get_default_port (setup->registry,
                                                               prov_fetch_get_scheme (fetch)));
  prov_fetch_set_device (fetch, setup->device);
  prov_fetch_set_state_dir (fetch, setup->state_dir);
  prov_fetch_set_cache_dir (fetch, prov_fetch_setup_get_cache_dir (setup));
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

static gboolean
is_set (const char *value)
{
  return value != NULL && value[0] != '\0';
}

/* XSI Authentication (seed: Profile Authentication Type): the XSI login, or
 * the SIP credentials, as XSI_Authentication_Type says. Decision: empty XSI
 * SIP fields mean line 1's own registration (Auth_ID_1_ or User_ID_1_). */
static void
set_xsi_account (ProvStore *store, ProvFetch *fetch)
{
  const char *type = prov_store_get (store, "XSI_Authentication_Type");
  const char *user, *password;

  if (g_strcmp0 (type, "SIP Credentials") == 0)
    {
      user = prov_store_get (store, "SIP_Auth_ID");
      password = prov_store_get (store, "SIP_Password");
      if (!is_set (user))
        {
          user = prov_store_get (store, "Auth_ID_1_");
          if (!is_set (user))
            user = prov_store_get (store, "User_ID_1_");
          password = prov_store_get (store, "Password_1_");
        }
    }
  else
    {
      user = prov_store_get (store, "Login_User_ID");
      password = prov_store_get (store, "Login_Password");
    }
  if (is_set (user))
    prov_fetch_set_credentials (fetch, user, password);
}

void
prov_fetch_setup_set_account (ProvFetchSetup *setup, ProvFetch *fetch)
{
  ProvStore *store = setup->store;
  const char *auth = prov_store_get (store, "Profile_Authentication_Type");

  if (g_strcmp0 (auth, "Disabled") == 0)
    {
      prov_fetch_set_auth_type (fetch, "disabled");
      return;
    }
  if (g_strcmp0 (auth, "Basic Http Authentication") == 0)
    {
      const char *account = prov_store_get (store, "Profile_Account");
      if (is_set (account))
        prov_fetch_set_credentials (fetch, account, prov_store_get (store, "Profile_Password"));
    }
  else if (g_strcmp0 (auth, "XSI Authentication") == 0)
    set_xsi_account (store, fetch);
}

gboolean
prov_fetch_setup_apply_options (ProvFetchSetup *setup, ProvFetch *fetch, const ProvRuleAlt *alt,
                                GHashTable *vars, GHashTable *secrets, GError **error)
{
  ProvStore *store = setup->store;

  /* DNS SRV discovery needs a resolver test bed this project does not have
   * yet: refuse it plainly rather than fetch from the wrong place. */
  if (alt->srv)
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_NOT_SUPPORTED, "--srv is not supported");
      return FALSE;
    }
  if (alt->uid != NULL || alt->pwd != NULL)
    {
      g_autofree char *uid = prov_macro_expand (alt->uid ? alt->uid : "", vars, secrets);
      g_autofree char *pwd = prov_macro_expand (alt->pwd ? alt->pwd : "", vars, secrets);

      prov_fetch_set_credentials (fetch, uid, pwd);
    }
  else
    prov_fetch_setup_set_account (setup, fetch);
  if (alt->post != 0)
    {
      char param[] = { 'G', 'P', 'P', '_', g_ascii_toupper (alt->post), '\0' };
      char *body = prov_macro_expand (prov_store_get (store, param), vars, NULL);
      g_autoptr(GBytes) bytes = g_bytes_new_take (body, strlen (body));

      prov_fetch_set_body (fetch, bytes);
    }
  return TRUE;
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
prov_fetch_setup_emit_log (ProvFetchSetup *setup, ProvLogKind kind, GHashTable *vars,
                           guint transfer_id)
{
  const char *template = prov_store_get (setup->store, log_params[kind]);
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
  g_signal_emit (setup, signals[SIGNAL_LOG_MESSAGE], 0, (int) kind, text, transfer_id);
}

/* The request message a fetch still owes, kept on the fetch. */
typedef struct
{
  GWeakRef    setup;
  ProvLogKind kind;
  GHashTable *vars;
  gulong      handler;
  gboolean    sent;
} PendingRequest;

#define PENDING_REQUEST "prov-pending-request"

static void
pending_request_free (PendingRequest *pending)
{
  g_weak_ref_clear (&pending->setup);
  g_hash_table_unref (pending->vars);
  g_free (pending);
}

static void
send_request (ProvFetch *fetch, PendingRequest *pending)
{
  g_autoptr(ProvFetchSetup) setup = g_weak_ref_get (&pending->setup);

  if (pending->sent)
    return;
  pending->sent = TRUE;
  prov_fetch_setup_url_vars (pending->vars, fetch);
  if (setup != NULL)
    prov_fetch_setup_emit_log (setup, pending->kind, pending->vars, prov_fetch_get_id (fetch));
}

static void
on_server_ip (ProvFetch *fetch, const char *ip, gpointer user_data)
{
  send_request (fetch, user_data);
}

void
prov_fetch_setup_log_request (ProvFetchSetup *setup, ProvLogKind kind, GHashTable *vars,
                              ProvFetch *fetch)
{
  PendingRequest *pending = g_new0 (PendingRequest, 1);

  g_weak_ref_init (&pending->setup, setup);
  pending->kind = kind;
  pending->vars = g_hash_table_ref (vars);
  g_object_set_data_full (G_OBJECT (fetch), PENDING_REQUEST, pending,
                          (GDestroyNotify) pending_request_free);
  if (prov_fetch_get_server_ip (fetch) != NULL)
    send_request (fetch, pending);
  else
    pending->handler = g_signal_connect (fetch, "server-ip", G_CALLBACK (on_server_ip), pending);
}

void
prov_fetch_setup_log_end (ProvFetch *fetch)
{
  PendingRequest *pending = g_object_get_data (G_OBJECT (fetch), PENDING_REQUEST);

  if (pending == NULL)
    return;
  g_clear_signal_handler (&pending->handler, fetch);
  send_request (fetch, pending);
  /* A request named the URL; the end message names the same one. */
  g_object_set_data (G_OBJECT (fetch), PENDING_REQUEST, NULL);
}
