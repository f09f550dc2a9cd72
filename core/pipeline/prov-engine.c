/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-alias.h"
#include "prov-clock.h"
#include "prov-condition.h"
#include "prov-condition-private.h"
#include "prov-engine.h"
#include "prov-error.h"
#include "prov-fetch.h"
#include "prov-fetch-setup.h"
#include "prov-macro.h"
#include "prov-macro-private.h"
#include "prov-profile.h"
#include "prov-profile-sink.h"
#include "prov-rule.h"
#include "prov-rule-mask.h"
#include "prov-source.h"

static const char *const profile_rules[] = {
  "Profile_Rule", "Profile_Rule_B", "Profile_Rule_C", "Profile_Rule_D", NULL
};

struct _ProvEngine
{
  GObject       parent_instance;

  ProvStore    *store;
  ProvDevice   *device;
  ProvRegistry *registry;
  ProvStatus   *status;
  ProvFetchSetup *fetch_setup; /* holds the folders and the DHCP server */
  ProvClock    *clock;
  ProvEngineStepFunc   pre_rules_step;
  ProvEngineStepFinish pre_rules_finish;
  gboolean      busy;
  GPtrArray    *last_payloads; /* char*: keys of the payloads being committed */
  GHashTable   *rejected;      /* the same, of resyncs rolled back since */
};

G_DEFINE_TYPE (ProvEngine, prov_engine, G_TYPE_OBJECT)

enum
{
  SIGNAL_RESYNC_STARTED,
  SIGNAL_RESYNC_FINISHED,
  SIGNAL_FETCH_PROGRESS,
  SIGNAL_LOG_MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* State of one resync while it runs. */
typedef struct
{
  ProvCause         cause;
  GPtrArray        *rules;   /* char*: rule texts still to run, in order */
  guint             n_resolved; /* source resolutions in this resync */
  GPtrArray        *source_changed; /* char*: names a source set at once */
  guint             index;
  GHashTable       *vars;
  GHashTable       *secrets;
  ProvChangeSet    *changes;
  ProvResyncResult *result;
  ProvFetch        *fetch;
  GPtrArray        *fetches; /* ProvFetch*: every fetch that returned a payload */
  char              alias;   /* --alias register of the fetch under way, or 0 */
  ProvProfileSink  *sink;    /* of the fetch under way */
  GPtrArray        *entry_warnings; /* char*: schema warnings of entries streamed in */
  char             *key;
  char             *last_url;
  char             *server;  /* for URLs without a host: the requester's, or NULL */
  gboolean          any_payload;
  GPtrArray        *payloads; /* char*: keys of each payload applied */
  guint             changes_mark; /* size of changes before the fetch under way */
} ResyncData;

void
prov_resync_result_free (ProvResyncResult *result)
{
  if (result == NULL)
    return;
  g_ptr_array_unref (result->fetched);
  g_ptr_array_unref (result->skipped);
  g_ptr_array_unref (result->warnings);
  g_strfreev (result->changed);
  g_free (result);
}

static void
resync_data_free (ResyncData *data)
{
  g_clear_object (&data->sink);
  g_clear_pointer (&data->entry_warnings, g_ptr_array_unref);
  g_ptr_array_unref (data->rules);
  g_ptr_array_unref (data->source_changed);
  g_clear_pointer (&data->vars, g_hash_table_unref);
  g_clear_pointer (&data->secrets, g_hash_table_unref);
  g_clear_pointer (&data->changes, prov_change_set_free);
  g_clear_pointer (&data->result, prov_resync_result_free);
  g_clear_object (&data->fetch);
  g_clear_pointer (&data->fetches, g_ptr_array_unref);
  if (data->key != NULL)
    explicit_bzero (data->key, strlen (data->key));
  g_free (data->key);
  g_free (data->last_url);
  g_clear_pointer (&data->payloads, g_ptr_array_unref);
  g_free (data->server);
  g_free (data);
}

static void
prov_engine_finalize (GObject *object)
{
  ProvEngine *self = PROV_ENGINE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->device);
  g_clear_object (&self->registry);
  g_clear_object (&self->status);
  g_clear_object (&self->clock);
  if (self->fetch_setup != NULL)
    g_signal_handlers_disconnect_by_data (self->fetch_setup, self);
  g_clear_object (&self->fetch_setup);
  g_clear_pointer (&self->last_payloads, g_ptr_array_unref);
  g_clear_pointer (&self->rejected, g_hash_table_unref);
  G_OBJECT_CLASS (prov_engine_parent_class)->finalize (object);
}

static void
prov_engine_class_init (ProvEngineClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = prov_engine_finalize;

  signals[SIGNAL_RESYNC_STARTED] =
    g_signal_new ("resync-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[SIGNAL_RESYNC_FINISHED] =
    g_signal_new ("resync-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 4, G_TYPE_INT, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRV);
  signals[SIGNAL_FETCH_PROGRESS] =
    g_signal_new ("fetch-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT64, G_TYPE_UINT64);
  signals[SIGNAL_LOG_MESSAGE] =
    g_signal_new ("log-message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_STRING, G_TYPE_UINT);
}

static void
prov_engine_init (ProvEngine *self)
{
  self->last_payloads = g_ptr_array_new_with_free_func (g_free);
  self->rejected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void load_rejected (ProvEngine *self);

static void
on_log_message (ProvFetchSetup *setup, int kind, const char *text, guint transfer_id,
                gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_LOG_MESSAGE], 0, kind, text, transfer_id);
}

ProvEngine *
prov_engine_new (ProvStore    *store,
                 ProvDevice   *device,
                 ProvRegistry *registry,
                 ProvStatus   *status,
                 const char   *state_dir)
{
  ProvEngine *self = g_object_new (PROV_TYPE_ENGINE, NULL);

  self->store = g_object_ref (store);
  self->device = g_object_ref (device);
  self->registry = g_object_ref (registry);
  self->status = status != NULL ? g_object_ref (status) : prov_status_new (NULL);
  self->fetch_setup = prov_fetch_setup_new (store, device, registry, state_dir);
  g_signal_connect (self->fetch_setup, "log-message", G_CALLBACK (on_log_message), self);
  load_rejected (self);
  return self;
}

ProvStore *
prov_engine_get_store (ProvEngine *self)
{
  g_return_val_if_fail (PROV_IS_ENGINE (self), NULL);
  return self->store;
}

ProvDevice *
prov_engine_get_device (ProvEngine *self)
{
  g_return_val_if_fail (PROV_IS_ENGINE (self), NULL);
  return self->device;
}

ProvRegistry *
prov_engine_get_registry (ProvEngine *self)
{
  g_return_val_if_fail (PROV_IS_ENGINE (self), NULL);
  return self->registry;
}

ProvStatus *
prov_engine_get_status (ProvEngine *self)
{
  g_return_val_if_fail (PROV_IS_ENGINE (self), NULL);
  return self->status;
}

const char *
prov_engine_get_state_dir (ProvEngine *self)
{
  g_return_val_if_fail (PROV_IS_ENGINE (self), NULL);
  return prov_fetch_setup_get_state_dir (self->fetch_setup);
}

const char *
prov_engine_get_cache_dir (ProvEngine *self)
{
  g_return_val_if_fail (PROV_IS_ENGINE (self), NULL);
  return prov_fetch_setup_get_cache_dir (self->fetch_setup);
}

void
prov_engine_set_cache_dir (ProvEngine *self, const char *cache_dir)
{
  g_return_if_fail (PROV_IS_ENGINE (self));
  prov_fetch_setup_set_cache_dir (self->fetch_setup, cache_dir);
}

ProvFetchSetup *
prov_engine_get_fetch_setup (ProvEngine *self)
{
  g_return_val_if_fail (PROV_IS_ENGINE (self), NULL);
  return self->fetch_setup;
}

void
prov_engine_set_pre_rules_step (ProvEngine *self, ProvEngineStepFunc step,
                                ProvEngineStepFinish finish)
{
  g_return_if_fail (PROV_IS_ENGINE (self));
  g_return_if_fail ((step == NULL) == (finish == NULL));
  self->pre_rules_step = step;
  self->pre_rules_finish = finish;
}

ProvClock *
prov_engine_get_clock (ProvEngine *self)
{
  g_return_val_if_fail (PROV_IS_ENGINE (self), NULL);
  return self->clock;
}

gboolean
prov_engine_is_busy (ProvEngine *self)
{
  g_return_val_if_fail (PROV_IS_ENGINE (self), FALSE);
  return self->busy;
}

void
prov_engine_set_dhcp_server (ProvEngine *self, const char *server)
{
  g_return_if_fail (PROV_IS_ENGINE (self));
  prov_fetch_setup_set_dhcp_server (self->fetch_setup, server);
}

const char *
prov_engine_get_dhcp_server (ProvEngine *self)
{
  g_return_val_if_fail (PROV_IS_ENGINE (self), NULL);
  return prov_fetch_setup_get_dhcp_server (self->fetch_setup);
}

static void
set_var (GHashTable *vars, const char *name, const char *value)
{
  g_hash_table_replace (vars, g_strdup (name), g_strdup (value != NULL ? value : ""));
}

static void
set_var_int (GHashTable *vars, const char *name, gint64 value)
{
  g_hash_table_replace (vars, g_strdup (name), g_strdup_printf ("%" G_GINT64_FORMAT, value));
}

/* Wall-clock seconds, from the scheduler's clock when there is one. */
static gint64
now_seconds (ProvEngine *self)
{
  return (self->clock != NULL ? prov_clock_now (self->clock) : g_get_real_time ()) / G_USEC_PER_SEC;
}

static gint64
seconds_since (ProvEngine *self, gint64 then)
{
  return then > 0 ? MAX (0, now_seconds (self) - then) : 0;
}

void
prov_engine_set_clock (ProvEngine *self, ProvClock *clock)
{
  g_return_if_fail (PROV_IS_ENGINE (self));
  g_set_object (&self->clock, clock);
}

GHashTable *
prov_engine_build_variables (ProvEngine *self, ProvCause cause)
{
  GHashTable *vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_return_val_if_fail (PROV_IS_ENGINE (self), NULL);

  for (char c = 'A'; c <= 'P'; c++)
    {
      char param[] = { 'G', 'P', 'P', '_', c, '\0' };
      char name[] = { c, '\0' };
      set_var (vars, name, prov_store_get (self->store, param));
    }
  prov_device_add_variables (self->device, vars);
  set_var_int (vars, "PRVST", cause);
  set_var_int (vars, "PRVTMR", seconds_since (self, prov_status_get_last_resync_attempt (self->status)));
  set_var_int (vars, "UPGST", prov_status_get_int (self->status, "UpgradeState", 1));
  set_var_int (vars, "UPGTMR",
               seconds_since (self, prov_status_get_last_upgrade_attempt (self->status)));
  set_var_int (vars, "SUPGTMR",
               seconds_since (self, prov_status_get_last_upgrade_success (self->status)));
  {
    guint n = 0;
    const ProvStatusEntry *upgrades = prov_status_get_upgrades (self->status, &n);
    set_var (vars, "UPGERR", n > 0 && upgrades[0].error != NULL ? upgrades[0].error : "");
  }
  set_var_int (vars, "REGTMR1", prov_status_get_int (self->status, "RegistrationLost1", 0));
  set_var_int (vars, "REGTMR2", prov_status_get_int (self->status, "RegistrationLost2", 0));
  for (guint line = 1; line <= 16; line++)
    {
      g_autofree char *param = g_strdup_printf ("User_ID_%u_", line);
      g_autofree char *name = g_strdup_printf ("UID%u", line);
      const char *value = prov_store_get (self->store, param);

      if (value != NULL)
        set_var (vars, name, value);
    }
  set_var (vars, "ISCUST", prov_status_get_customized (self->status) ? "1" : "0");
  return vars;
}

GHashTable *
prov_engine_build_secrets (ProvEngine *self)
{
  GHashTable *secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  static const char *const names[] = { "SA", "SB", "SC", "SD" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *param = g_strconcat ("GPP_", names[i], NULL);
      set_var (secrets, names[i], prov_store_get (self->store, param));
    }
  return secrets;
}

static void resync_next_rule (GTask *task);

static void
resync_fail (GTask *task, GError *error)
{
  ProvEngine *self = g_task_get_source_object (task);
  ResyncData *data = g_task_get_task_data (task);
  ProvStatusEntry entry = { 0 };
  g_autoptr(GError) save_error = NULL;

  set_var (data->vars, "ERR", error->message);
  prov_fetch_setup_emit_log (self->fetch_setup, PROV_LOG_FAILURE, data->vars,
                             data->fetch != NULL ? prov_fetch_get_id (data->fetch) : 0);
  entry.time = now_seconds (self);
  entry.cause = data->cause;
  entry.url = data->last_url;
  entry.outcome = prov_outcome_from_error (error);
  entry.error = error->message;
  prov_status_add_resync (self->status, &entry);
  if (!prov_status_save (self->status, &save_error))
    g_warning ("cannot save status: %s", save_error->message);
  self->busy = FALSE;
  g_signal_emit (self, signals[SIGNAL_RESYNC_FINISHED], 0, (int) entry.outcome, data->last_url,
                 error->message, NULL);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
resync_succeed (GTask *task)
{
  ProvEngine *self = g_task_get_source_object (task);
  ResyncData *data = g_task_get_task_data (task);
  ProvStatusEntry entry = { 0 };
  GError *error = NULL;
  g_autoptr(GError) save_error = NULL;
  g_auto(GStrv) changed = NULL;

  /* Before the store says "changed": its listeners may ask for them. */
  g_ptr_array_unref (self->last_payloads);
  self->last_payloads = g_steal_pointer (&data->payloads);
  /* The set is spent either way: its memory goes before the result's. */
  if (!prov_store_apply_take (self->store, g_steal_pointer (&data->changes), PROV_CALLER_ADMIN,
                              &changed, &error))
    {
      resync_fail (task, error);
      return;
    }
  /* What a source stored earlier in this resync changed too. */
  if (data->source_changed->len > 0)
    {
      g_autoptr(GStrvBuilder) all = g_strv_builder_new ();
      g_strv_builder_addv (all, (const char **) changed);
      for (guint i = 0; i < data->source_changed->len; i++)
        if (!g_strv_contains ((const char *const *) changed, data->source_changed->pdata[i]))
          g_strv_builder_add (all, data->source_changed->pdata[i]);
      g_strfreev (changed);
      changed = g_strv_builder_end (all);
    }
  data->result->changed = g_steal_pointer (&changed);
  for (guint i = 0; i < data->fetches->len; i++)
    prov_fetch_commit (data->fetches->pdata[i]);
  entry.time = now_seconds (self);
  entry.cause = data->cause;
  entry.url = data->last_url;
  entry.outcome = PROV_OUTCOME_SUCCESS;
  entry.n_changed = g_strv_length (data->result->changed);
  prov_status_add_resync (self->status, &entry);
  /* A relative Upgrade_Rule uses the server the profile came from. */
  if (data->fetches->len > 0)
    {
      /* The fetch's own URL: the ones in the result are masked. */
      ProvFetch *last = g_ptr_array_index (data->fetches, data->fetches->len - 1);
      g_autofree char *server = prov_fetch_setup_server_of (prov_fetch_get_url (last));

      if (server != NULL)
        prov_status_set_string (self->status, PROV_STATUS_PROFILE_SERVER, server);
    }
  if (data->any_payload)
    prov_status_set_customized (self->status, TRUE);
  if (!prov_status_save (self->status, &save_error))
    g_warning ("cannot save status: %s", save_error->message);
  self->busy = FALSE;
  g_signal_emit (self, signals[SIGNAL_RESYNC_FINISHED], 0, (int) PROV_OUTCOME_SUCCESS,
                 data->last_url, NULL, data->result->changed);
  g_task_return_pointer (task, g_steal_pointer (&data->result),
                         (GDestroyNotify) prov_resync_result_free);
  g_object_unref (task);
}

/* Takes @text: something ignored that did not cost the profile. */
static void
add_warning (ResyncData *data, char *text)
{
  g_info ("[%u] warning: %s", data->fetch != NULL ? prov_fetch_get_id (data->fetch) : 0, text);
  g_ptr_array_add (data->result->warnings, text);
}

/* Decodes what the sink kept whole (codec layers, an alias's document)
 * and parses it; a plain profile was parsed on the way already. */
static gboolean
add_profile (ProvEngine *self, ResyncData *data, ProvProfile *parsed, GBytes *payload,
             GError **error)
{
  ProvCodecContext ctx = { 0 };
  ProvSchema *schema = prov_store_get_schema (self->store);
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(ProvProfile) profile = parsed;
  GPtrArray *warnings;
  const char *url = data->last_url;
  gsize len = 0;
  const char *buf;

  if (profile == NULL)
    {
      ctx.key = data->key;
      ctx.max_output = (guint64) prov_store_get_int (self->store, "Max_Profile_Size");
      ctx.config = prov_device_get_keyfile (self->device);
      plain = prov_registry_decode (self->registry, payload,
                                    prov_fetch_get_content_encoding (data->fetch), &ctx, NULL,
                                    error);
      if (plain == NULL)
        return FALSE;
      buf = g_bytes_get_data (plain, &len);
      if (data->alias != 0)
        {
          char param[] = { 'G', 'P', 'P', '_', g_ascii_toupper (data->alias), '\0' };

          /* A foreign XML document, mapped to parameters by GPP_x. */
          if (!prov_alias_apply (prov_store_get (self->store, param), buf, len, url,
                                 data->changes, error))
            return FALSE;
          data->any_payload = TRUE;
          return TRUE;
        }
      profile = prov_profile_parse (buf, len, NULL, error);
      if (profile == NULL)
        {
          prov_profile_error_as_corrupt (error);
          return FALSE;
        }
    }
  warnings = prov_profile_get_warnings (profile);
  for (guint i = 0; i < warnings->len; i++)
    add_warning (data, g_strdup_printf ("%s: %s", url, (char *) warnings->pdata[i]));
  /* Entries streamed in were added already; their warnings come after the
   * parser's, as for a profile parsed whole. */
  for (guint i = 0; data->entry_warnings != NULL && i < data->entry_warnings->len; i++)
    add_warning (data, g_steal_pointer (&data->entry_warnings->pdata[i]));
  g_clear_pointer (&data->entry_warnings, g_ptr_array_unref);
  for (guint i = 0; i < prov_profile_get_n_entries (profile); i++)
    {
      const ProvProfileEntry *e = prov_profile_get_entry (profile, i);
      g_autofree char *warning = NULL;

      if (e->value != NULL)
        warning = prov_schema_get_warning (schema, e->name, e->value);
      if (warning != NULL)
        add_warning (data, g_strdup_printf ("%s: line %u: %s", url, e->line, warning));
      prov_change_set_add (data->changes, e->name, e->value, e->access, url, e->line);
    }
  data->any_payload = TRUE;
  return TRUE;
}

/* A plain profile's entry as soon as it is parsed, so that a large
 * profile is not held as entries and as changes at once. It runs where
 * the transport delivers (the file plugin's worker thread), while this
 * resync waits for the fetch: nothing else touches @data meanwhile. A
 * later parse error fails the resync, and its changes are dropped whole. */
static void
on_streamed_entry (const ProvProfileEntry *e, gpointer user_data)
{
  GTask *task = user_data;
  ProvEngine *self = g_task_get_source_object (task);
  ResyncData *data = g_task_get_task_data (task);
  const char *url = prov_fetch_get_url (data->fetch);
  g_autofree char *warning = NULL;

  if (e->value != NULL)
    warning = prov_schema_get_warning (prov_store_get_schema (self->store), e->name, e->value);
  if (warning != NULL)
    g_ptr_array_add (data->entry_warnings,
                     g_strdup_printf ("%s: line %u: %s", url, e->line, warning));
  prov_change_set_add (data->changes, e->name, e->value, e->access, url, e->line);
}

static void
on_fetch_progress (ProvFetch *fetch, guint64 received, guint64 total, gpointer user_data)
{
  ProvEngine *self = user_data;
  g_autofree char *url = prov_url_mask_secrets (prov_fetch_get_url (fetch));

  g_signal_emit (self, signals[SIGNAL_FETCH_PROGRESS], 0, url, received, total);
}

/* A profile whose values were rolled back is not applied again until its
 * content changes (transports without validators fetch it in full). Keys
 * are hashes of URL and content, so status.ini never holds a URL. */
#define REJECTED_KEY "rejected-profiles"
#define REJECTED_MAX 32

static gboolean
payload_rejected (ProvEngine *self, ResyncData *data)
{
  const char *sum = prov_profile_sink_get_checksum (data->sink);
  g_autofree char *both = g_strdup_printf ("%s\n%s", data->last_url, sum);
  char *key = g_compute_checksum_for_string (G_CHECKSUM_SHA256, both, -1);

  if (g_hash_table_contains (self->rejected, key))
    {
      g_free (key);
      return TRUE;
    }
  g_ptr_array_add (data->payloads, key);
  return FALSE;
}

static void
load_rejected (ProvEngine *self)
{
  const char *saved = prov_status_get_string (self->status, REJECTED_KEY);
  g_auto(GStrv) keys = saved != NULL ? g_strsplit (saved, ";", -1) : NULL;

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    if (keys[i][0] != '\0')
      g_hash_table_add (self->rejected, g_strdup (keys[i]));
}

GStrv
prov_engine_dup_last_payloads (ProvEngine *self)
{
  g_autoptr(GStrvBuilder) keys = g_strv_builder_new ();

  g_return_val_if_fail (PROV_IS_ENGINE (self), NULL);
  for (guint i = 0; i < self->last_payloads->len; i++)
    g_strv_builder_add (keys, self->last_payloads->pdata[i]);
  return g_strv_builder_end (keys);
}

void
prov_engine_reject_payloads (ProvEngine *self, const char *const *keys)
{
  const char *saved;
  g_autoptr(GString) list = g_string_new (NULL);
  g_auto(GStrv) old = NULL;
  guint kept = 0;

  g_return_if_fail (PROV_IS_ENGINE (self));
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      if (!g_hash_table_add (self->rejected, g_strdup (keys[i])))
        continue;
      g_string_append_printf (list, "%s%s", list->len > 0 ? ";" : "", keys[i]);
      kept++;
    }
  /* The newest REJECTED_MAX survive a restart. */
  saved = prov_status_get_string (self->status, REJECTED_KEY);
  old = g_strsplit (saved != NULL ? saved : "", ";", -1);
  for (guint i = 0; old[i] != NULL && kept < REJECTED_MAX; i++)
    if (old[i][0] != '\0')
      {
        g_string_append_printf (list, "%s%s", list->len > 0 ? ";" : "", old[i]);
        kept++;
      }
  prov_status_set_string (self->status, REJECTED_KEY, list->str);
}

static void
on_fetched (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  ProvEngine *self = g_task_get_source_object (task);
  ResyncData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(ProvProfile) profile = NULL;
  guint id = prov_fetch_get_id (data->fetch);
  gboolean ok;

  ok = prov_transport_stream_finish (PROV_TRANSPORT (source), res, &error);
  g_signal_handlers_disconnect_by_func (data->fetch, on_fetch_progress, self);
  prov_fetch_setup_log_end (data->fetch);
  if (!ok && !prov_profile_sink_refused (data->sink))
    {
      prov_error_convert (&error);
      if (g_error_matches (error, PROV_ERROR, PROV_ERROR_FILE_NOT_FOUND)
          && !prov_store_get_bool (self->store, "Resync_Fails_On_FNF"))
        {
          g_info ("[%u] %s: file not found; Resync_Fails_On_FNF is No", id, data->last_url);
          g_ptr_array_add (data->result->skipped,
                           g_strdup_printf ("%s: %s", data->last_url, error->message));
          /* A success by the parameter's word: its request gets its end. */
          set_var (data->vars, "ERR", error->message);
          prov_fetch_setup_emit_log (self->fetch_setup, PROV_LOG_SUCCESS, data->vars, id);
          g_hash_table_remove (data->vars, "ERR");
          g_clear_error (&error);
          resync_next_rule (task);
          return;
        }
      resync_fail (task, error);
      return;
    }
  g_ptr_array_add (data->result->fetched, g_strdup (data->last_url));
  g_ptr_array_add (data->fetches, g_object_ref (data->fetch));
  if (!ok)
    {
      /* The profile was refused while it arrived: as if refused after. */
      resync_fail (task, error);
      return;
    }
  if (prov_fetch_get_not_modified (data->fetch))
    g_info ("[%u] %s: unchanged", id, data->last_url);
  else if (payload_rejected (self, data))
    {
      /* Entries streamed in while it arrived go too. */
      prov_change_set_truncate (data->changes, data->changes_mark);
      g_info ("[%u] %s: unchanged since it was rolled back; not applied", id, data->last_url);
    }
  else
    {
      profile = prov_profile_sink_finish (data->sink, &payload, &error);
      data->result->not_modified = FALSE;
      if ((profile == NULL && payload == NULL)
          || !add_profile (self, data, g_steal_pointer (&profile), payload, &error))
        {
          resync_fail (task, error);
          return;
        }
    }
  g_clear_object (&data->sink);
  prov_fetch_setup_emit_log (self->fetch_setup, PROV_LOG_SUCCESS, data->vars, id);
  resync_next_rule (task);
}

static gboolean
prepare_fetch (ProvEngine *self, ResyncData *data, ProvRuleAlt *alt, GError **error)
{
  g_autofree char *expanded = prov_macro_expand (alt->url, data->vars, NULL);
  g_autofree char *url = prov_fetch_setup_complete_url (self->fetch_setup, expanded, data->server,
                                                        error);

  if (url == NULL)
    return FALSE;
  g_clear_object (&data->fetch);
  data->fetch = prov_fetch_setup_new_fetch (self->fetch_setup, url, data->vars, error);
  if (data->fetch == NULL)
    return FALSE;
  /* What status, signals, logs and error origins show: never a password. */
  g_free (data->last_url);
  data->last_url = prov_url_mask_secrets (url);
  prov_fetch_set_max_size (data->fetch, (guint64) prov_store_get_int (self->store,
                                                                       "Max_Profile_Size"));
  g_clear_pointer (&data->key, g_free);
  if (alt->key != NULL)
    data->key = prov_macro_expand (alt->key, data->vars, data->secrets);
  data->alias = alt->alias;
  return prov_fetch_setup_apply_options (self->fetch_setup, data->fetch, alt, data->vars,
                                         data->secrets, error)
         && prov_fetch_setup_check_host (data->fetch, error);
}

static void
apply_assignments (ResyncData *data, ProvRuleAlt *alt)
{
  /* One budget for all: `a = "$A$A";` over and over would double GPP_A
   * each time. */
  gsize budget = PROV_MACRO_MAX_VALUE_BYTES;

  for (guint i = 0; i < alt->assignments->len; i++)
    {
      ProvAssignment *a = alt->assignments->pdata[i];
      g_autofree char *value = prov_macro_expand_bounded (a->value, data->vars, NULL, &budget);

      /* GPP_X is visible as $X to the rest of this resync at once. */
      if (g_str_has_prefix (a->name, "GPP_") && strlen (a->name) == 5)
        set_var (data->vars, a->name + 4, value);
      prov_change_set_add (data->changes, a->name, value, PROV_ACCESS_UNSET, "rule", 0);
    }
}

/* What a source (activation code…) resolved is stored at once: the code
 * behind it is spent, so it must not depend on the fetches that follow.
 * The new Profile_Rule then runs in this same resync. */
static void
on_resolved (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  ProvEngine *self = g_task_get_source_object (task);
  ResyncData *data = g_task_get_task_data (task);
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(ProvChangeSet) changes = prov_change_set_new ();
  g_auto(GStrv) changed = NULL;
  GError *error = NULL;
  GHashTableIter iter;
  gpointer name, value;
  const char *new_rule;

  params = prov_source_resolve_finish (PROV_SOURCE (source), res, &error);
  if (params == NULL)
    {
      prov_error_convert (&error);
      resync_fail (task, error);
      return;
    }
  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, &name, &value))
    prov_change_set_add (changes, name, value, PROV_ACCESS_UNSET, data->last_url, 0);
  if (!prov_store_apply (self->store, changes, PROV_CALLER_ADMIN, &changed, &error))
    {
      resync_fail (task, error);
      return;
    }
  for (guint i = 0; changed[i] != NULL; i++)
    g_ptr_array_add (data->source_changed, g_strdup (changed[i]));
  new_rule = g_hash_table_lookup (params, "Profile_Rule");
  if (new_rule != NULL && new_rule[strspn (new_rule, " \t\r\n")] != '\0')
    g_ptr_array_insert (data->rules, data->index, g_strdup (new_rule));
  resync_next_rule (task);
}

static void
resync_next_rule (GTask *task)
{
  ProvEngine *self = g_task_get_source_object (task);
  ResyncData *data = g_task_get_task_data (task);
  GError *error = NULL;

  while (data->index < data->rules->len)
    {
      const char *text = data->rules->pdata[data->index++];
      ProvSource *source;
      g_autoptr(ProvRule) rule = NULL;
      ProvRuleAlt *alt;
      ProvTransport *transport;
      int chosen;

      rule = prov_rule_parse (text, &error);
      if (rule == NULL)
        {
          g_free (data->last_url);
          data->last_url = prov_rule_mask_secrets (text);
          resync_fail (task, error);
          return;
        }
      chosen = prov_rule_choose (rule, data->vars, &error);
      if (error != NULL)
        {
          resync_fail (task, error);
          return;
        }
      if (chosen < 0)
        continue;
      alt = rule->alts->pdata[chosen];
      apply_assignments (data, alt);
      if (alt->url == NULL || alt->url[0] == '\0')
        continue;
      if (!prepare_fetch (self, data, alt, &error))
        {
          resync_fail (task, error);
          return;
        }
      prov_fetch_setup_url_vars (data->vars, data->fetch);
      source = prov_registry_lookup_source (self->registry, prov_fetch_get_scheme (data->fetch));
      if (source != NULL)
        {
          /* A source hands out the rule to use; one that hands out
           * another source's rule would loop. */
          if (data->n_resolved++ > 0)
            {
              resync_fail (task, g_error_new (PROV_ERROR, PROV_ERROR_INVALID_RULE,
                                              "%s gave a rule that needs a source again",
                                              prov_fetch_get_scheme (data->fetch)));
              return;
            }
          prov_source_resolve_async (source, data->fetch, g_task_get_cancellable (task),
                                     on_resolved, task);
          return;
        }
      transport = prov_registry_lookup_transport (self->registry,
                                                  prov_fetch_get_scheme (data->fetch));
      if (transport == NULL)
        {
          resync_fail (task, g_error_new (PROV_ERROR, PROV_ERROR_TRANSPORT,
                                          "unsupported scheme: %s",
                                          prov_fetch_get_scheme (data->fetch)));
          return;
        }
      prov_fetch_setup_log_request (self->fetch_setup, PROV_LOG_REQUEST, data->vars, data->fetch);
      g_signal_connect (data->fetch, "progress", G_CALLBACK (on_fetch_progress), self);
      /* A plain profile is parsed as it arrives; codec layers and an
       * alias's document are decoded whole afterwards. */
      g_clear_object (&data->sink);
      g_clear_pointer (&data->entry_warnings, g_ptr_array_unref);
      data->entry_warnings = g_ptr_array_new_with_free_func (g_free);
      data->changes_mark = prov_change_set_mark (data->changes);
      data->sink = prov_profile_sink_new (data->alias != 0, on_streamed_entry, task);
      prov_fetch_set_sink (data->fetch, G_OUTPUT_STREAM (data->sink));
      prov_transport_stream_async (transport, data->fetch, g_task_get_cancellable (task),
                                   on_fetched, task);
      return;
    }
  resync_succeed (task);
}

/* A failed step (the custom CA) is in its own status; the resync goes
 * on, and a fetch that needed the new CA fails by itself. */
static void
on_pre_rules_step (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  ProvEngine *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  self->pre_rules_finish (self, res, &error);
  if (g_error_matches (error, PROV_ERROR, PROV_ERROR_CANCELLED))
    {
      resync_fail (task, g_steal_pointer (&error));
      return;
    }
  resync_next_rule (task);
}

void
prov_engine_resync_async (ProvEngine          *self,
                          ProvCause            cause,
                          const char          *rule,
                          const char          *server,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;
  ResyncData *data;

  g_return_if_fail (PROV_IS_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, prov_engine_resync_async);
  if (!prov_store_get_bool (self->store, "Provision_Enable"))
    {
      g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_DISABLED,
                               "provisioning is disabled (Provision_Enable is No)");
      g_object_unref (task);
      return;
    }
  if (self->busy)
    {
      g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_BUSY, "a resync is running");
      g_object_unref (task);
      return;
    }
  self->busy = TRUE;

  data = g_new0 (ResyncData, 1);
  data->cause = cause;
  data->server = g_strdup (server);
  data->rules = g_ptr_array_new_with_free_func (g_free);
  data->source_changed = g_ptr_array_new_with_free_func (g_free);
  if (rule != NULL)
    g_ptr_array_add (data->rules, g_strdup (rule));
  else
    for (guint i = 0; profile_rules[i] != NULL; i++)
      {
        const char *value = prov_store_get (self->store, profile_rules[i]);
        if (value != NULL && value[strspn (value, " \t\r\n")] != '\0')
          g_ptr_array_add (data->rules, g_strdup (value));
      }
  data->vars = prov_engine_build_variables (self, cause);
  data->secrets = prov_engine_build_secrets (self);
  data->changes = prov_change_set_new_checked (prov_store_get_schema (self->store));
  data->fetches = g_ptr_array_new_with_free_func (g_object_unref);
  data->payloads = g_ptr_array_new_with_free_func (g_free);
  data->result = g_new0 (ProvResyncResult, 1);
  data->result->fetched = g_ptr_array_new_with_free_func (g_free);
  data->result->skipped = g_ptr_array_new_with_free_func (g_free);
  data->result->warnings = g_ptr_array_new_with_free_func (g_free);
  data->result->not_modified = TRUE;
  g_task_set_task_data (task, data, (GDestroyNotify) resync_data_free);

  g_signal_emit (self, signals[SIGNAL_RESYNC_STARTED], 0, (int) cause);
  /* The custom CA first, so that it already serves this resync's fetches. */
  if (self->pre_rules_step != NULL
      && self->pre_rules_step (self, data->vars, data->secrets, cancellable, on_pre_rules_step,
                               task))
    return;
  resync_next_rule (task);
}

ProvResyncResult *
prov_engine_resync_finish (ProvEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
prov_engine_explain_rule (ProvEngine *self, const char *text, GError **error)
{
  g_autoptr(ProvRule) rule = NULL;
  g_autoptr(GHashTable) vars = NULL;
  GString *out;
  gsize budget;
  int chosen;

  g_return_val_if_fail (PROV_IS_ENGINE (self), NULL);

  rule = prov_rule_parse (text, error);
  if (rule == NULL)
    return NULL;
  vars = prov_engine_build_variables (self, PROV_CAUSE_EXPLICIT);
  chosen = prov_rule_choose (rule, vars, error);
  if (chosen < 0 && error != NULL && *error != NULL)
    return NULL;
  out = g_string_new (NULL);
  /* One budget for every macro shown, as for a resync's. */
  budget = PROV_MACRO_MAX_VALUE_BYTES;
  for (guint i = 0; i < rule->alts->len; i++)
    {
      ProvRuleAlt *alt = rule->alts->pdata[i];
      g_autofree char *url = prov_macro_expand_bounded (alt->url != NULL ? alt->url : "", vars,
                                                        NULL, &budget);
      g_autofree char *full = NULL;
      g_autoptr(GError) url_error = NULL;

      g_string_append_printf (out, "%s alternative %u:", (int) i == chosen ? "*" : " ", i + 1);
      if (alt->condition != NULL)
        {
          gboolean value = FALSE;
          g_autoptr(GError) cond_error = NULL;
          if (prov_condition_eval_bounded (alt->condition, vars, &budget, &value, &cond_error))
            g_string_append_printf (out, " (%s)? = %s", alt->condition, value ? "true" : "false");
          else
            g_string_append_printf (out, " (%s)? = error: %s", alt->condition, cond_error->message);
        }
      for (guint j = 0; j < alt->assignments->len; j++)
        {
          ProvAssignment *a = alt->assignments->pdata[j];
          g_autofree char *value = prov_macro_expand_bounded (a->value, vars, NULL, &budget);
          g_string_append_printf (out, " %s=\"%s\"", a->name,
                                  prov_store_mask (self->store, a->name, value));
        }
      if (alt->key != NULL)
        g_string_append (out, " --key ********");
      if (alt->uid != NULL)
        g_string_append (out, " --uid ********");
      if (alt->pwd != NULL)
        g_string_append (out, " --pwd ********");
      if (url[0] != '\0')
        {
          g_autofree char *shown = NULL;

          full = prov_fetch_setup_complete_url (self->fetch_setup, url, NULL, &url_error);
          shown = prov_url_mask_secrets (full != NULL ? full : url);
          g_string_append_printf (out, " %s", shown);
          if (full == NULL)
            g_string_append_printf (out, " (%s)", url_error->message);
        }
      g_string_append_c (out, '\n');
    }
  if (chosen < 0)
    g_string_append (out, "no alternative is taken: the rule is skipped\n");
  return g_string_free (out, FALSE);
}
