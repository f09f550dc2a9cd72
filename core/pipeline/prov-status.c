/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>


#include "prov-atomic-file-private.h"
#include "prov-error.h"
#include "prov-rule-mask.h"
#include "prov-status.h"

struct _ProvStatus
{
  GObject          parent_instance;

  char            *path;
  ProvStatusEntry  resyncs[PROV_STATUS_HISTORY];
  guint            n_resyncs;
  ProvStatusEntry  upgrades[PROV_STATUS_HISTORY];
  guint            n_upgrades;
  gboolean         customized;
  GHashTable      *ints; /* char* → gint64* */
  GHashTable      *strings; /* char* → char* */
};

G_DEFINE_TYPE (ProvStatus, prov_status, G_TYPE_OBJECT)

static void
entry_clear (ProvStatusEntry *entry)
{
  g_clear_pointer (&entry->url, g_free);
  g_clear_pointer (&entry->error, g_free);
}

static void
prov_status_finalize (GObject *object)
{
  ProvStatus *self = PROV_STATUS (object);

  for (guint i = 0; i < PROV_STATUS_HISTORY; i++)
    {
      entry_clear (&self->resyncs[i]);
      entry_clear (&self->upgrades[i]);
    }
  g_hash_table_unref (self->ints);
  g_hash_table_unref (self->strings);
  g_free (self->path);
  G_OBJECT_CLASS (prov_status_parent_class)->finalize (object);
}

static void
prov_status_class_init (ProvStatusClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = prov_status_finalize;
}

static void
prov_status_init (ProvStatus *self)
{
  self->ints = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->strings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

ProvStatus *
prov_status_new (const char *path)
{
  ProvStatus *self = g_object_new (PROV_TYPE_STATUS, NULL);

  self->path = g_strdup (path);
  return self;
}

static void
push (ProvStatusEntry *history, guint *n, const ProvStatusEntry *entry)
{
  entry_clear (&history[PROV_STATUS_HISTORY - 1]);
  memmove (&history[1], &history[0], sizeof (ProvStatusEntry) * (PROV_STATUS_HISTORY - 1));
  history[0] = *entry;
  /* A URL's password or a rule's --pwd never reaches a reader or the file. */
  history[0].url = entry->url != NULL ? prov_rule_mask_secrets (entry->url) : NULL;
  history[0].error = g_strdup (entry->error);
  *n = MIN (*n + 1, PROV_STATUS_HISTORY);
}

void
prov_status_add_resync (ProvStatus *self, const ProvStatusEntry *entry)
{
  g_return_if_fail (PROV_IS_STATUS (self));
  push (self->resyncs, &self->n_resyncs, entry);
}

void
prov_status_add_upgrade (ProvStatus *self, const ProvStatusEntry *entry)
{
  g_return_if_fail (PROV_IS_STATUS (self));
  push (self->upgrades, &self->n_upgrades, entry);
}

const ProvStatusEntry *
prov_status_get_resyncs (ProvStatus *self, guint *n_entries)
{
  g_return_val_if_fail (PROV_IS_STATUS (self), NULL);
  *n_entries = self->n_resyncs;
  return self->resyncs;
}

const ProvStatusEntry *
prov_status_get_upgrades (ProvStatus *self, guint *n_entries)
{
  g_return_val_if_fail (PROV_IS_STATUS (self), NULL);
  *n_entries = self->n_upgrades;
  return self->upgrades;
}

gboolean
prov_status_get_customized (ProvStatus *self)
{
  g_return_val_if_fail (PROV_IS_STATUS (self), FALSE);
  return self->customized;
}

void
prov_status_set_customized (ProvStatus *self, gboolean customized)
{
  g_return_if_fail (PROV_IS_STATUS (self));
  self->customized = customized;
}

gint64
prov_status_get_last_resync_attempt (ProvStatus *self)
{
  g_return_val_if_fail (PROV_IS_STATUS (self), 0);
  return self->n_resyncs > 0 ? self->resyncs[0].time : 0;
}

gint64
prov_status_get_last_upgrade_attempt (ProvStatus *self)
{
  g_return_val_if_fail (PROV_IS_STATUS (self), 0);
  return self->n_upgrades > 0 ? self->upgrades[0].time : 0;
}

gint64
prov_status_get_last_upgrade_success (ProvStatus *self)
{
  g_return_val_if_fail (PROV_IS_STATUS (self), 0);
  return prov_status_get_int (self, "LastUpgradeSuccess", 0);
}

gint64
prov_status_get_int (ProvStatus *self, const char *key, gint64 default_value)
{
  gint64 *value;

  g_return_val_if_fail (PROV_IS_STATUS (self), default_value);
  value = g_hash_table_lookup (self->ints, key);
  return value != NULL ? *value : default_value;
}

void
prov_status_set_int (ProvStatus *self, const char *key, gint64 value)
{
  g_return_if_fail (PROV_IS_STATUS (self));
  g_hash_table_replace (self->ints, g_strdup (key), g_memdup2 (&value, sizeof value));
}

const char *
prov_status_get_string (ProvStatus *self, const char *key)
{
  g_return_val_if_fail (PROV_IS_STATUS (self), NULL);
  return g_hash_table_lookup (self->strings, key);
}

void
prov_status_set_string (ProvStatus *self, const char *key, const char *value)
{
  g_return_if_fail (PROV_IS_STATUS (self));
  if (value == NULL)
    g_hash_table_remove (self->strings, key);
  else
    g_hash_table_replace (self->strings, g_strdup (key), g_strdup (value));
}

static void
save_history (GKeyFile *kf, const char *prefix, const ProvStatusEntry *history, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *group = g_strdup_printf ("%s%u", prefix, i);

      g_key_file_set_int64 (kf, group, "Time", history[i].time);
      g_key_file_set_integer (kf, group, "Cause", history[i].cause);
      g_key_file_set_string (kf, group, "URL", history[i].url != NULL ? history[i].url : "");
      g_key_file_set_integer (kf, group, "Outcome", history[i].outcome);
      if (history[i].error != NULL)
        g_key_file_set_string (kf, group, "Error", history[i].error);
      g_key_file_set_integer (kf, group, "Changed", history[i].n_changed);
    }
}

static void
load_history (GKeyFile *kf, const char *prefix, ProvStatusEntry *history, guint *n)
{
  for (*n = 0; *n < PROV_STATUS_HISTORY; (*n)++)
    {
      g_autofree char *group = g_strdup_printf ("%s%u", prefix, *n);
      g_autofree char *url = NULL;
      ProvStatusEntry *e = &history[*n];

      if (!g_key_file_has_group (kf, group))
        break;
      entry_clear (e);
      e->time = g_key_file_get_int64 (kf, group, "Time", NULL);
      e->cause = g_key_file_get_integer (kf, group, "Cause", NULL);
      url = g_key_file_get_string (kf, group, "URL", NULL);
      e->url = url != NULL ? prov_rule_mask_secrets (url) : NULL;
      e->outcome = g_key_file_get_integer (kf, group, "Outcome", NULL);
      e->error = g_key_file_get_string (kf, group, "Error", NULL);
      e->n_changed = g_key_file_get_integer (kf, group, "Changed", NULL);
    }
}

gboolean
prov_status_load (ProvStatus *self, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) keys = NULL;

  g_return_val_if_fail (PROV_IS_STATUS (self), FALSE);
  if (self->path == NULL)
    return TRUE;
  if (!g_key_file_load_from_file (kf, self->path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED, "%s: %s", self->path,
                   local_error->message);
      return FALSE;
    }
  load_history (kf, "Resync", self->resyncs, &self->n_resyncs);
  load_history (kf, "Upgrade", self->upgrades, &self->n_upgrades);
  self->customized = g_key_file_get_boolean (kf, "State", "Customized", NULL);
  keys = g_key_file_get_keys (kf, "Counters", NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    prov_status_set_int (self, keys[i], g_key_file_get_int64 (kf, "Counters", keys[i], NULL));
  g_strfreev (keys);
  keys = g_key_file_get_keys (kf, "Strings", NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    g_hash_table_replace (self->strings, g_strdup (keys[i]),
                          g_key_file_get_string (kf, "Strings", keys[i], NULL));
  return TRUE;
}

/* Status is advisory: a crash leaves the old file or the new one, and
 * that is all it needs. The temporary's data is synced before the rename
 * (else a crash could leave the new name on an empty file); the directory
 * is not, as a lost rename only leaves the old status. One fsync, where
 * g_file_set_contents_full() with CONSISTENT made two (GLib 2.74 syncs
 * the directory too), which was most of a small resync's wait. Mode 0600:
 * it holds no secret, but the URLs of the provisioning server are nobody
 * else's business either. On failure errno says why. */
static gboolean
replace_file (const char *path, const char *data, gsize len)
{
  int fd = prov_atomic_file_open (path, 0600, NULL);

  if (fd < 0)
    return FALSE;
  if (!prov_atomic_file_write_all (fd, data, len))
    {
      prov_atomic_file_abort (fd, path);
      return FALSE;
    }
  return prov_atomic_file_commit (fd, path, FALSE, NULL);
}

gboolean
prov_status_save (ProvStatus *self, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *data = NULL;
  gsize len = 0;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (PROV_IS_STATUS (self), FALSE);
  if (self->path == NULL)
    return TRUE;
  g_key_file_set_boolean (kf, "State", "Customized", self->customized);
  g_hash_table_iter_init (&iter, self->ints);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_key_file_set_int64 (kf, "Counters", key, *(gint64 *) value);
  g_hash_table_iter_init (&iter, self->strings);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_key_file_set_string (kf, "Strings", key, value);
  save_history (kf, "Resync", self->resyncs, self->n_resyncs);
  save_history (kf, "Upgrade", self->upgrades, self->n_upgrades);
  data = g_key_file_to_data (kf, &len, NULL);
  if (!replace_file (self->path, data, len))
    {
      int saved_errno = errno;

      g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED, "%s: %s", self->path,
                   g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

char *
prov_status_format_entry (const ProvStatusEntry *entry)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (entry->time);
  g_autofree char *when = dt != NULL ? g_date_time_format (dt, "%m/%d/%Y %H:%M:%S") : g_strdup ("?");

  return g_strdup_printf ("%s  %-8s  %-15s  %s%s%s", when, prov_cause_to_string (entry->cause),
                          prov_outcome_to_string (entry->outcome),
                          entry->url != NULL ? entry->url : "",
                          entry->error != NULL ? "  -- " : "",
                          entry->error != NULL ? entry->error : "");
}
