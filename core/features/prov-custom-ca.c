/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "prov-atomic-file-private.h"
#include "prov-ca-certs.h"
#include "prov-custom-ca.h"
#include "prov-error.h"
#include "prov-fetch-setup.h"
#include "prov-macro.h"
#include "prov-rule.h"
#include "prov-rule-mask.h"
#include "prov-transport.h"

/* Status keys. */
#define KEY_RESULT    "CustomCaResult"
#define KEY_INSTALLED "CustomCaInstalled"
#define KEY_ERROR     "CustomCaError"

/* ---- the installed file --------------------------------------------------- */

static char *
installed_path (ProvEngine *engine)
{
  const char *dir = prov_engine_get_state_dir (engine);

  return dir != NULL ? g_build_filename (dir, PROV_CUSTOM_CA_FILE, NULL) : NULL;
}

/* Crash-safe (prov_atomic_file_write()): after a crash the old CA or the
 * new one is in place, never a part. Public data: 0644 whatever the umask. */
static gboolean
install_file (const char *path, GBytes *contents, GError **error)
{
  gsize len = 0;
  const char *buf = g_bytes_get_data (contents, &len);

  if (prov_atomic_file_write (path, buf, len, 0644, NULL))
    return TRUE;
  g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED, "cannot install the custom CA: %s",
               g_strerror (errno));
  return FALSE;
}

/* ---- status --------------------------------------------------------------- */

static gint64
now_seconds (ProvEngine *engine)
{
  ProvClock *clock = prov_engine_get_clock (engine);

  return (clock != NULL ? prov_clock_now (clock) : g_get_real_time ()) / G_USEC_PER_SEC;
}

/* @installed: (nullable): the new `Installed <CN>` text. */
static void
record (ProvEngine *engine, const GError *error, const char *installed)
{
  ProvStatus *status = prov_engine_get_status (engine);
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (now_seconds (engine));
  g_autofree char *when = dt != NULL ? g_date_time_format (dt, "%m/%d/%Y %H:%M:%S")
                                     : g_strdup ("?");
  g_autofree char *text = g_strdup_printf ("Last provisioning %s on %s",
                                           error != NULL ? "failed" : "succeeded", when);
  g_autoptr(GError) save_error = NULL;

  prov_status_set_string (status, KEY_RESULT, text);
  prov_status_set_string (status, KEY_ERROR, error != NULL ? error->message : NULL);
  if (installed != NULL)
    prov_status_set_string (status, KEY_INSTALLED, installed);
  if (!prov_status_save (status, &save_error))
    g_warning ("cannot save status: %s", save_error->message);
}

const char *
prov_custom_ca_get_result (ProvEngine *engine)
{
  g_return_val_if_fail (PROV_IS_ENGINE (engine), NULL);
  return prov_status_get_string (prov_engine_get_status (engine), KEY_RESULT);
}

const char *
prov_custom_ca_get_error (ProvEngine *engine)
{
  g_return_val_if_fail (PROV_IS_ENGINE (engine), NULL);
  return prov_status_get_string (prov_engine_get_status (engine), KEY_ERROR);
}

char *
prov_custom_ca_get_installed (ProvEngine *engine)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *cn = NULL;
  const char *text;
  gsize len = 0;

  g_return_val_if_fail (PROV_IS_ENGINE (engine), NULL);
  path = installed_path (engine);
  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return g_strdup ("Not Installed");
  text = prov_status_get_string (prov_engine_get_status (engine), KEY_INSTALLED);
  if (text != NULL)
    return g_strdup (text);
  /* The status was lost, the file was not: it still says what is trusted. */
  if (!g_file_get_contents (path, &contents, &len, NULL))
    return g_strdup ("Not Installed");
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  cn = prov_ca_certs_first_name (bytes, NULL);
  if (cn == NULL)
    return g_strdup ("Not Installed");
  return g_strdup_printf ("Installed %s", cn);
}

/* ---- one update ----------------------------------------------------------- */

typedef struct
{
  ProvFetch *fetch;
} Update;

static void
update_free (Update *data)
{
  g_clear_object (&data->fetch);
  g_free (data);
}

static void
fail (GTask *task, GError *error)
{
  ProvEngine *engine = g_task_get_source_object (task);
  Update *data = g_task_get_task_data (task);

  prov_error_convert (&error);
  /* A cancelled attempt says nothing about the CA. */
  if (!g_error_matches (error, PROV_ERROR, PROV_ERROR_CANCELLED))
    {
      if (data->fetch != NULL)
        g_message ("[%u] custom CA: %s", prov_fetch_get_id (data->fetch), error->message);
      else
        g_message ("custom CA: %s", error->message);
      record (engine, error, NULL);
    }
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
on_fetched (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  ProvEngine *engine = g_task_get_source_object (task);
  Update *data = g_task_get_task_data (task);
  g_autofree char *path = installed_path (engine);
  g_autofree char *cn = NULL;
  g_autofree char *installed = NULL;
  g_autofree char *old = NULL;
  g_autofree char *shown = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GBytes) pem = NULL;
  gsize old_len = 0;
  GError *error = NULL;
  guint id = prov_fetch_get_id (data->fetch);

  payload = prov_transport_fetch_finish (PROV_TRANSPORT (source), res, &error);
  if (payload == NULL)
    {
      fail (task, error);
      return;
    }
  /* The fetch is never committed, so the transport keeps no validators
   * for it: after the rule went to another URL and back, a 304 would leave
   * nothing to install. A 304 all the same means the file installed. */
  if (prov_fetch_get_not_modified (data->fetch) && g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *url = prov_url_mask_secrets (prov_fetch_get_url (data->fetch));

      g_info ("[%u] custom CA: %s unchanged", id, url);
      record (engine, NULL, NULL);
      g_task_return_int (task, PROV_CUSTOM_CA_UNCHANGED);
      g_object_unref (task);
      return;
    }
  pem = prov_ca_certs_to_pem (payload, &cn, &error);
  if (pem == NULL)
    {
      fail (task, error);
      return;
    }
  installed = g_strdup_printf ("Installed %s", cn);
  if (g_file_get_contents (path, &old, &old_len, NULL) && old_len == g_bytes_get_size (pem)
      && memcmp (old, g_bytes_get_data (pem, NULL), old_len) == 0)
    {
      g_autofree char *url = prov_url_mask_secrets (prov_fetch_get_url (data->fetch));

      g_info ("[%u] custom CA: %s unchanged (%s)", id, url, cn);
      record (engine, NULL, installed);
      g_task_return_int (task, PROV_CUSTOM_CA_UNCHANGED);
      g_object_unref (task);
      return;
    }
  if (!install_file (path, pem, &error))
    {
      fail (task, error);
      return;
    }
  shown = prov_url_mask_secrets (prov_fetch_get_url (data->fetch));
  g_info ("[%u] custom CA: installed %s from %s", id, cn, shown);
  record (engine, NULL, installed);
  g_task_return_int (task, PROV_CUSTOM_CA_INSTALLED);
  g_object_unref (task);
}

/* The chosen alternative's transfer, credentials and checks included. */
static ProvFetch *
prepare_fetch (ProvEngine *engine, ProvRuleAlt *alt, GHashTable *vars, GHashTable *secrets,
               GError **error)
{
  ProvFetchSetup *setup = prov_engine_get_fetch_setup (engine);
  g_autofree char *expanded = prov_macro_expand (alt->url, vars, NULL);
  g_autofree char *url = prov_fetch_setup_complete_url (setup, expanded, NULL, error);
  g_autoptr(ProvFetch) fetch = NULL;

  if (url == NULL)
    return NULL;
  fetch = prov_fetch_setup_new_fetch (setup, url, vars, error);
  if (fetch == NULL)
    return NULL;
  prov_fetch_set_max_size (fetch, PROV_CUSTOM_CA_MAX_SIZE);
  if (!prov_fetch_setup_apply_options (setup, fetch, alt, vars, secrets, error)
      || !prov_fetch_setup_check_host (fetch, error))
    return NULL;
  return g_steal_pointer (&fetch);
}

void
prov_custom_ca_update_async (ProvEngine          *engine,
                             GHashTable          *vars,
                             GHashTable          *secrets,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  const char *text;
  g_autoptr(GHashTable) own_vars = NULL;
  g_autoptr(GHashTable) own_secrets = NULL;
  g_autoptr(ProvRule) rule = NULL;
  g_autofree char *shown = NULL;
  ProvTransport *transport;
  ProvRuleAlt *alt;
  Update *data;
  GError *error = NULL;
  GTask *task;
  int chosen;

  g_return_if_fail (PROV_IS_ENGINE (engine));

  task = g_task_new (engine, cancellable, callback, user_data);
  g_task_set_source_tag (task, prov_custom_ca_update_async);
  /* Errors are PROV_ERROR, cancellation included. */
  g_task_set_check_cancellable (task, FALSE);
  data = g_new0 (Update, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) update_free);

  text = prov_store_get (prov_engine_get_store (engine), "Custom_CA_Rule");
  if (text == NULL || text[strspn (text, " \t\r\n")] == '\0')
    {
      g_task_return_int (task, PROV_CUSTOM_CA_NONE);
      g_object_unref (task);
      return;
    }
  if (vars == NULL)
    vars = own_vars = prov_engine_build_variables (engine, PROV_CAUSE_EXPLICIT);
  if (secrets == NULL)
    secrets = own_secrets = prov_engine_build_secrets (engine);
  rule = prov_rule_parse (text, &error);
  if (rule == NULL)
    {
      fail (task, error);
      return;
    }
  chosen = prov_rule_choose (rule, vars, &error);
  if (error != NULL)
    {
      fail (task, error);
      return;
    }
  if (chosen < 0)
    {
      g_task_return_int (task, PROV_CUSTOM_CA_NONE);
      g_object_unref (task);
      return;
    }
  /* --key, --alias and assignments are not for a CA: the profile that
   * brought the rule was warned about them (Options in the schema). */
  alt = rule->alts->pdata[chosen];
  if (alt->url == NULL || alt->url[0] == '\0')
    {
      g_task_return_int (task, PROV_CUSTOM_CA_NONE);
      g_object_unref (task);
      return;
    }
  if (prov_engine_get_state_dir (engine) == NULL)
    {
      fail (task, g_error_new_literal (PROV_ERROR, PROV_ERROR_FAILED,
                                       "cannot install the custom CA: no state directory"));
      return;
    }
  data->fetch = prepare_fetch (engine, alt, vars, secrets, &error);
  if (data->fetch == NULL)
    {
      fail (task, error);
      return;
    }
  transport = prov_registry_lookup_transport (prov_engine_get_registry (engine),
                                              prov_fetch_get_scheme (data->fetch));
  if (transport == NULL)
    {
      fail (task, g_error_new (PROV_ERROR, PROV_ERROR_TRANSPORT, "unsupported scheme: %s",
                               prov_fetch_get_scheme (data->fetch)));
      return;
    }
  shown = prov_url_mask_secrets (prov_fetch_get_url (data->fetch));
  g_info ("[%u] custom CA: fetching %s", prov_fetch_get_id (data->fetch), shown);
  prov_transport_fetch_async (transport, data->fetch, cancellable, on_fetched, task);
}

ProvCustomCaResult
prov_custom_ca_update_finish (ProvEngine *engine, GAsyncResult *result, GError **error)
{
  GError *local_error = NULL;
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, engine), PROV_CUSTOM_CA_FAILED);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == prov_custom_ca_update_async,
                        PROV_CUSTOM_CA_FAILED);
  value = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return PROV_CUSTOM_CA_FAILED;
    }
  return (ProvCustomCaResult) value;
}

/* ---- the engine's step before the rules ----------------------------------- */

static gboolean
update_step (ProvEngine *engine, GHashTable *vars, GHashTable *secrets,
             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  const char *text = prov_store_get (prov_engine_get_store (engine), "Custom_CA_Rule");

  if (text == NULL || text[strspn (text, " \t\r\n")] == '\0')
    return FALSE;
  prov_custom_ca_update_async (engine, vars, secrets, cancellable, callback, user_data);
  return TRUE;
}

static gboolean
update_step_finish (ProvEngine *engine, GAsyncResult *result, GError **error)
{
  return prov_custom_ca_update_finish (engine, result, error) != PROV_CUSTOM_CA_FAILED;
}

void
prov_custom_ca_attach (ProvEngine *engine)
{
  g_return_if_fail (PROV_IS_ENGINE (engine));
  prov_engine_set_pre_rules_step (engine, update_step, update_step_finish);
}
