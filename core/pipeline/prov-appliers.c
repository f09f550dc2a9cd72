/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-appliers.h"
#include "prov-error.h"
#include "prov-macro.h"
#include "prov-plugin.h"
#include "prov-registry-private.h"

/* One applier plugin and what it last did. */
typedef struct
{
  ProvApplier *applier;
  char        *name;
  guint64      registered; /* lines known registered, kept in status across runs */
  char        *result;
  gint64       result_time;
} Slot;

struct _ProvAppliers
{
  GObject       parent_instance;

  ProvEngine   *engine;
  GPtrArray    *slots;     /* Slot* */
  GHashTable   *committed; /* the view as of the last apply that stands */
  gboolean      any_enabled; /* else nothing is followed: no view of the store is built */
  GPtrArray    *pending;   /* char*: changed names not applied yet */
  GHashTable   *pending_set; /* the same names (not owned): a resync may change 500,000 */
  GPtrArray    *pending_payloads; /* char*: engine keys of the profiles behind them */
  gboolean      pending_rollback;
  gboolean      restoring; /* inside the store apply of a rollback */
  gboolean      running;
  gulong        changed_id;
  GCancellable *cancellable;

  /* The run under way. */
  GHashTable   *view;
  GStrv         changed;
  guint         index;
  GStrv         payloads;  /* the profiles behind this run, rejected on rollback */
  gboolean      rollback_run;
  char         *failure;   /* why to roll back, or NULL */
};

G_DEFINE_TYPE (ProvAppliers, prov_appliers, G_TYPE_OBJECT)

enum
{
  SIGNAL_APPLIED,
  SIGNAL_ROLLED_BACK,
  SIGNAL_IDLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
slot_free (Slot *slot)
{
  g_object_unref (slot->applier);
  g_free (slot->name);
  g_free (slot->result);
  g_free (slot);
}

static void
prov_appliers_dispose (GObject *object)
{
  ProvAppliers *self = PROV_APPLIERS (object);

  g_cancellable_cancel (self->cancellable);
  if (self->changed_id != 0)
    g_clear_signal_handler (&self->changed_id, prov_engine_get_store (self->engine));
  G_OBJECT_CLASS (prov_appliers_parent_class)->dispose (object);
}

static void
prov_appliers_finalize (GObject *object)
{
  ProvAppliers *self = PROV_APPLIERS (object);

  g_clear_object (&self->engine);
  g_ptr_array_unref (self->slots);
  g_clear_pointer (&self->committed, g_hash_table_unref);
  g_clear_pointer (&self->view, g_hash_table_unref);
  g_hash_table_unref (self->pending_set);
  g_ptr_array_unref (self->pending);
  g_ptr_array_unref (self->pending_payloads);
  g_strfreev (self->payloads);
  g_strfreev (self->changed);
  g_free (self->failure);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (prov_appliers_parent_class)->finalize (object);
}

static void
prov_appliers_class_init (ProvAppliersClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = prov_appliers_dispose;
  object_class->finalize = prov_appliers_finalize;
  signals[SIGNAL_APPLIED] =
    g_signal_new ("applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_STRING);
  signals[SIGNAL_ROLLED_BACK] =
    g_signal_new ("rolled-back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_IDLE] =
    g_signal_new ("idle", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
prov_appliers_init (ProvAppliers *self)
{
  self->slots = g_ptr_array_new_with_free_func ((GDestroyNotify) slot_free);
  self->pending = g_ptr_array_new_with_free_func (g_free);
  self->pending_set = g_hash_table_new (g_str_hash, g_str_equal);
  self->pending_payloads = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();
}

static char *
status_key (Slot *slot, const char *what)
{
  return g_strdup_printf ("applier-%s-%s", slot->name, what);
}

/* The admin's view of every parameter, secrets included. */
static GHashTable *
build_view (ProvStore *store)
{
  GHashTable *view = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) names = prov_store_list_names (store, PROV_CALLER_ADMIN);

  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *value = prov_store_get (store, names[i]);
      g_hash_table_insert (view, g_strdup (names[i]), g_strdup (value != NULL ? value : ""));
    }
  return view;
}

static Slot *
find_slot (ProvAppliers *self, ProvPlugin *plugin)
{
  for (guint i = 0; i < self->slots->len; i++)
    if ((ProvPlugin *) ((Slot *) self->slots->pdata[i])->applier == plugin)
      return self->slots->pdata[i];
  return NULL;
}

/* A slot for each applier loaded so far that has none yet; a new one goes
 * last, which keeps the index of a run under way (those loaded late are
 * not enabled, see prov_appliers_new). */
static void
add_slots (ProvAppliers *self)
{
  GPtrArray *plugins = prov_registry_get_loaded_plugins (prov_engine_get_registry (self->engine));
  ProvStatus *status = prov_engine_get_status (self->engine);

  for (guint i = 0; i < plugins->len; i++)
    {
      ProvPlugin *plugin = plugins->pdata[i];
      g_autofree char *key_result = NULL;
      g_autofree char *key_time = NULL;
      g_autofree char *key_registered = NULL;
      Slot *slot;

      if (!PROV_IS_APPLIER (plugin) || find_slot (self, plugin) != NULL)
        continue;
      slot = g_new0 (Slot, 1);
      slot->applier = g_object_ref (PROV_APPLIER (plugin));
      slot->name = g_strdup (prov_plugin_get_name (plugin));
      key_result = status_key (slot, "result");
      key_time = status_key (slot, "time");
      slot->result = g_strdup (prov_status_get_string (status, key_result));
      slot->result_time = prov_status_get_int (status, key_time, 0);
      /* A line that registered in an earlier run is still one a new
       * profile must not break. */
      key_registered = status_key (slot, "registered");
      slot->registered = (guint64) prov_status_get_int (status, key_registered, 0);
      g_ptr_array_add (self->slots, slot);
    }
}

static gboolean
is_enabled (const char *name, gpointer user_data)
{
  return g_key_file_get_boolean (user_data, name, "Enabled", NULL);
}

static gboolean slot_enabled (ProvAppliers *self, Slot *slot);

ProvAppliers *
prov_appliers_new (ProvEngine *engine)
{
  ProvAppliers *self = g_object_new (PROV_TYPE_APPLIERS, NULL);

  self->engine = g_object_ref (engine);
  /* Only the enabled appliers take changes, and the device file does not
   * change while the process runs: the others (deferred by the plugin
   * cache) are loaded only to be listed. */
  prov_registry_load_appliers (prov_engine_get_registry (engine), is_enabled,
                               prov_device_get_keyfile (prov_engine_get_device (engine)));
  add_slots (self);
  for (guint i = 0; i < self->slots->len && !self->any_enabled; i++)
    self->any_enabled = slot_enabled (self, self->slots->pdata[i]);
  /* A view is every parameter: built only when an applier will take it. */
  if (self->any_enabled)
    self->committed = build_view (prov_engine_get_store (engine));
  return self;
}

static gboolean
slot_enabled (ProvAppliers *self, Slot *slot)
{
  GKeyFile *kf = prov_device_get_keyfile (prov_engine_get_device (self->engine));

  return g_key_file_get_boolean (kf, slot->name, "Enabled", NULL);
}

/* Kept in status, so that `provisionctl appliers` shows it offline too,
 * with the lines known registered (for the next run's health check). */
static void
slot_set_result (ProvAppliers *self, Slot *slot, char *result)
{
  ProvStatus *status = prov_engine_get_status (self->engine);
  g_autofree char *key_result = status_key (slot, "result");
  g_autofree char *key_time = status_key (slot, "time");
  g_autofree char *key_registered = status_key (slot, "registered");
  g_autoptr(GError) error = NULL;

  g_free (slot->result);
  slot->result = result;
  slot->result_time = g_get_real_time () / G_USEC_PER_SEC;
  prov_status_set_string (status, key_result, result);
  prov_status_set_int (status, key_time, slot->result_time);
  prov_status_set_int (status, key_registered, (gint64) slot->registered);
  if (!prov_status_save (status, &error))
    g_warning ("cannot save status: %s", error->message);
}

static void run_next (ProvAppliers *self);
static void apply_next_slot (ProvAppliers *self);

static void
add_pending (ProvAppliers *self, const char *const *names)
{
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    if (!g_hash_table_contains (self->pending_set, names[i]))
      {
        char *name = g_strdup (names[i]);

        g_ptr_array_add (self->pending, name);
        g_hash_table_add (self->pending_set, name);
      }
}

static void
on_store_changed (ProvStore *store, GStrv names, gpointer user_data)
{
  ProvAppliers *self = user_data;

  add_pending (self, (const char *const *) names);
  /* The engine is busy while it commits a resync: the change is a profile's. */
  if (prov_engine_is_busy (self->engine) && !self->restoring)
    {
      g_auto(GStrv) keys = prov_engine_dup_last_payloads (self->engine);
      for (guint i = 0; keys[i] != NULL; i++)
        g_ptr_array_add (self->pending_payloads, g_strdup (keys[i]));
    }
  if (self->restoring)
    self->pending_rollback = TRUE;
  if (!self->running)
    run_next (self);
}

static char *
expand_log (ProvAppliers *self, const char *reason)
{
  const char *template = prov_store_get (prov_engine_get_store (self->engine),
                                         "Log_Rollback_Msg");
  g_autoptr(GHashTable) vars = NULL;

  if (template == NULL || template[0] == '\0')
    return NULL;
  vars = prov_engine_build_variables (self->engine, PROV_CAUSE_EXPLICIT);
  g_hash_table_insert (vars, g_strdup ("ERR"), g_strdup (reason));
  return prov_macro_expand (template, vars, NULL);
}

/* Restores the values the failed run replaced; the store's "changed" then
 * queues the apply that puts the consumers back. */
static void
roll_back (ProvAppliers *self)
{
  ProvStatus *status = prov_engine_get_status (self->engine);
  g_autoptr(ProvChangeSet) changes = prov_change_set_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; self->changed[i] != NULL; i++)
    {
      const char *old = g_hash_table_lookup (self->committed, self->changed[i]);
      prov_change_set_add (changes, self->changed[i], old != NULL ? old : "",
                           PROV_ACCESS_UNSET, "rollback", 0);
    }
  self->restoring = TRUE;
  if (!prov_store_apply (prov_engine_get_store (self->engine), changes, PROV_CALLER_ADMIN, NULL,
                         &error))
    g_warning ("rollback: cannot restore the previous parameters: %s", error->message);
  self->restoring = FALSE;
  prov_engine_reject_payloads (self->engine, (const char *const *) self->payloads);
  prov_status_set_int (status, "rollback-time", g_get_real_time () / G_USEC_PER_SEC);
  prov_status_set_string (status, "rollback-reason", self->failure);
  g_clear_error (&error);
  if (!prov_status_save (status, &error))
    g_warning ("cannot save status: %s", error->message);
  text = expand_log (self, self->failure);
  g_warning ("rolled back to the previous parameters: %s", self->failure);
  g_signal_emit (self, signals[SIGNAL_ROLLED_BACK], 0, self->failure, text);
}

static void
finish_run (ProvAppliers *self)
{
  /* After a rollback the committed view stays the old one. */
  if (self->failure != NULL && !self->rollback_run)
    roll_back (self);
  else
    {
      g_hash_table_unref (self->committed);
      self->committed = g_steal_pointer (&self->view);
    }
  g_clear_pointer (&self->view, g_hash_table_unref);
  g_clear_pointer (&self->changed, g_strfreev);
  g_clear_pointer (&self->payloads, g_strfreev);
  g_clear_pointer (&self->failure, g_free);
  run_next (self);
}

static void
on_applied (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(ProvAppliers) self = user_data;
  Slot *slot;
  g_autoptr(ProvApplyReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = prov_applier_apply_finish (PROV_APPLIER (source), res, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  slot = self->slots->pdata[self->index];
  if (report == NULL)
    {
      g_warning ("applier %s: failed: %s", slot->name, error->message);
      slot_set_result (self, slot, g_strdup_printf ("failed: %s", error->message));
      g_signal_emit (self, signals[SIGNAL_APPLIED], 0, slot->name, FALSE, error->message);
    }
  else
    {
      gboolean broke = report->health == PROV_APPLIER_HEALTH_FAILED
                       && (report->failed & slot->registered) != 0;

      if (broke && self->failure == NULL)
        self->failure = g_strdup_printf ("%s: %s", slot->name,
                                         report->detail != NULL ? report->detail : "failed");
      slot->registered = (slot->registered & ~report->failed) | report->registered;
      switch (report->health)
        {
        case PROV_APPLIER_HEALTH_OK:
          slot_set_result (self, slot, g_strdup_printf ("registered%s%s",
                                                  report->detail ? ": " : "",
                                                  report->detail ? report->detail : ""));
          break;
        case PROV_APPLIER_HEALTH_FAILED:
          slot_set_result (self, slot, g_strdup_printf ("%s: %s", broke ? "rolled back" : "failed",
                                                  report->detail ? report->detail : ""));
          break;
        default:
          slot_set_result (self, slot, g_strdup ("ok"));
        }
      g_message ("applier %s: %s", slot->name, slot->result);
      g_signal_emit (self, signals[SIGNAL_APPLIED], 0, slot->name,
                     report->health != PROV_APPLIER_HEALTH_FAILED, slot->result);
    }
  self->index++;
  apply_next_slot (self);
}

static void
apply_next_slot (ProvAppliers *self)
{
  ProvDevice *device = prov_engine_get_device (self->engine);

  for (; self->index < self->slots->len; self->index++)
    {
      Slot *slot = self->slots->pdata[self->index];
      g_autoptr(ProvApplierMap) map = NULL;
      g_autoptr(GError) error = NULL;

      if (!slot_enabled (self, slot))
        continue;
      map = prov_applier_map_load (slot->name, &error);
      if (map == NULL)
        {
          g_warning ("applier %s: failed: %s", slot->name, error->message);
          slot_set_result (self, slot, g_strdup_printf ("failed: %s", error->message));
          continue;
        }
      prov_applier_apply_async (slot->applier, device, map, self->view,
                                (const char *const *) self->changed, self->cancellable,
                                on_applied, g_object_ref (self));
      return;
    }
  finish_run (self);
}

static void
run_next (ProvAppliers *self)
{
  if (self->pending->len == 0)
    {
      self->running = FALSE;
      g_signal_emit (self, signals[SIGNAL_IDLE], 0);
      return;
    }
  self->running = TRUE;
  g_hash_table_remove_all (self->pending_set);
  g_ptr_array_add (self->pending, NULL);
  self->changed = (GStrv) g_ptr_array_steal (self->pending, NULL);
  g_ptr_array_add (self->pending_payloads, NULL);
  self->payloads = (GStrv) g_ptr_array_steal (self->pending_payloads, NULL);
  self->rollback_run = self->pending_rollback;
  self->pending_rollback = FALSE;
  self->view = build_view (prov_engine_get_store (self->engine));
  self->index = 0;
  apply_next_slot (self);
}

void
prov_appliers_start (ProvAppliers *self, gboolean apply_now)
{
  ProvStore *store;

  g_return_if_fail (PROV_IS_APPLIERS (self));
  if (!self->any_enabled)
    return;
  store = prov_engine_get_store (self->engine);
  if (self->changed_id == 0)
    self->changed_id = g_signal_connect (store, "changed", G_CALLBACK (on_store_changed), self);
  if (apply_now)
    {
      g_auto(GStrv) names = prov_store_list_names (store, PROV_CALLER_ADMIN);
      add_pending (self, (const char *const *) names);
      if (!self->running)
        run_next (self);
    }
}

gboolean
prov_appliers_is_busy (ProvAppliers *self)
{
  g_return_val_if_fail (PROV_IS_APPLIERS (self), FALSE);
  return self->running;
}

GVariant *
prov_appliers_describe (ProvAppliers *self)
{
  GVariantBuilder rows;
  ProvDevice *device;
  GPtrArray *plugins;

  g_return_val_if_fail (PROV_IS_APPLIERS (self), NULL);
  device = prov_engine_get_device (self->engine);
  prov_registry_load_appliers (prov_engine_get_registry (self->engine), NULL, NULL);
  add_slots (self);
  plugins = prov_registry_get_loaded_plugins (prov_engine_get_registry (self->engine));
  g_variant_builder_init (&rows, G_VARIANT_TYPE (PROV_APPLIERS_DESCRIBE_TYPE));
  /* In load order, as they run. */
  for (guint i = 0; i < plugins->len; i++)
    {
      Slot *slot = find_slot (self, plugins->pdata[i]);
      g_autofree char *target = NULL;

      if (slot == NULL)
        continue;
      target = prov_applier_get_target (slot->applier, device);
      g_variant_builder_add (&rows, "(sbssx)", slot->name, slot_enabled (self, slot),
                             target != NULL ? target : "", slot->result ? slot->result : "",
                             slot->result_time * G_USEC_PER_SEC); /* µs, as all times on the bus */
    }
  return g_variant_builder_end (&rows);
}
