/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-error.h"
#include "prov-store-private.h"

/* Change sets: the changes of one resync or one "set", one entry per name
 * (prov-store.h), applied by prov_store_apply(). */

G_STATIC_ASSERT (sizeof (Change) == 32);

static void reindex (ProvChangeSet *self, guint n_names);

static ProvChangeSet *
change_set_new (ProvSchema *schema)
{
  ProvChangeSet *self = g_new0 (ProvChangeSet, 1);

  self->changes = g_array_new (FALSE, FALSE, sizeof (Change));
  self->replaced = g_array_new (FALSE, FALSE, sizeof (Change));
  self->origins = g_ptr_array_new_with_free_func (g_free);
  self->origin_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->strings = g_string_chunk_new (64 * 1024);
  self->schema = schema != NULL ? g_object_ref (schema) : NULL;
  reindex (self, 0);
  return self;
}

ProvChangeSet *
prov_change_set_new (void)
{
  return change_set_new (NULL);
}

ProvChangeSet *
prov_change_set_new_checked (ProvSchema *schema)
{
  g_return_val_if_fail (PROV_IS_SCHEMA (schema), NULL);

  return change_set_new (schema);
}

void
prov_change_set_free (ProvChangeSet *self)
{
  if (self == NULL)
    return;
  prov_change_set_spend (self);
  g_string_chunk_free (self->strings);
  g_hash_table_unref (self->origin_index);
  g_ptr_array_unref (self->origins);
  g_clear_object (&self->schema);
  g_clear_error (&self->replaced_error);
  g_free (self);
}

/* The slot of @name: the one holding it, or the free one it would take. */
static guint32 *
find_slot (ProvChangeSet *self, const char *name)
{
  guint mask = self->n_slots - 1;

  for (guint i = g_str_hash (name) & mask;; i = (i + 1) & mask)
    {
      guint32 *slot = &self->slots[i];

      if (*slot == 0
          || strcmp (g_array_index (self->changes, Change, *slot - 1).name, name) == 0)
        return slot;
    }
}

/* Indexes every Change anew, in a table with room for @n_names. */
static void
reindex (ProvChangeSet *self, guint n_names)
{
  guint n_slots = 64;

  while (n_slots / 4 * 3 < n_names)
    n_slots *= 2;
  g_free (self->slots);
  self->slots = g_new0 (guint32, n_slots);
  self->n_slots = n_slots;
  for (guint i = 0; i < self->changes->len; i++)
    *find_slot (self, g_array_index (self->changes, Change, i).name) = i + 1;
}

/* With a schema: checks a value a later add replaces, keeping the
 * earliest error (by add) for the apply to report. */
static void
check_replaced (ProvChangeSet *self, const Change *old)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *normalized = NULL;

  if (old->value == NULL || old->value[0] == '\0'
      || (self->replaced_error != NULL && self->replaced_error_seq < old->seq)
      || prov_schema_lookup (self->schema, old->name) == NULL
      || prov_schema_normalize (self->schema, old->name, old->value, &normalized, &local_error))
    return;
  g_clear_error (&self->replaced_error);
  prov_change_set_error (&self->replaced_error, self, old, local_error);
  self->replaced_error_seq = old->seq;
  self->replaced_error_at = self->n_added;
}

/* A profile adds thousands of entries from one origin: each is kept once. */
static guint
origin_of (ProvChangeSet *self, const char *origin)
{
  gpointer index;
  char *copy;

  if (origin == NULL)
    return 0;
  if (g_hash_table_lookup_extended (self->origin_index, origin, NULL, &index))
    return GPOINTER_TO_UINT (index);
  /* Each fetch of a resync is one; 24 bits are 16 million of them. */
  g_return_val_if_fail (self->origins->len < (1u << 24) - 1, 0);
  copy = g_strdup (origin);
  g_ptr_array_add (self->origins, copy);
  g_hash_table_insert (self->origin_index, copy, GUINT_TO_POINTER (self->origins->len));
  return self->origins->len;
}

void
prov_change_set_error (GError **error, const ProvChangeSet *set, const Change *change,
                       const GError *cause)
{
  g_autoptr (GString) msg = g_string_new (NULL);

  if (change->origin != 0)
    g_string_append_printf (msg, "%s: ", (char *) set->origins->pdata[change->origin - 1]);
  if (change->line > 0)
    g_string_append_printf (msg, "line %u: ", change->line);
  g_string_append (msg, cause->message);
  g_set_error_literal (error, PROV_ERROR, cause->code, msg->str);
}

void
prov_change_set_add (ProvChangeSet *self, const char *name, const char *value, int access,
                     const char *origin, guint line)
{
  guint32 *slot;
  Change *change;

  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (access == PROV_ACCESS_UNSET
                    || (access >= PROV_ACCESS_NA && access <= PROV_ACCESS_RW));

  self->n_added++;
  slot = find_slot (self, name);
  if (*slot != 0)
    {
      Change *old;
      Change saved;

      change = &g_array_index (self->changes, Change, *slot - 1);
      old = change;
      if (self->schema == NULL || change->seq <= self->mark)
        {
          /* Kept: checked by the apply, restored by a truncate. */
          saved = *change;
          saved.first_seq = *slot - 1;
          g_array_append_val (self->replaced, saved);
        }
      if (self->schema != NULL && value != NULL)
        check_replaced (self, old);
      if (value != NULL)
        change->value = g_string_chunk_insert_const (self->strings, value);
      if (access != PROV_ACCESS_UNSET)
        change->access = access;
      /* The place of the value, which is what an error is about; an add
       * that only sets the access level is placed when there is none. */
      if (value != NULL || (access != PROV_ACCESS_UNSET && change->value == NULL))
        {
          change->origin = origin_of (self, origin);
          change->line = line;
        }
      change->seq = self->n_added;
      return;
    }

  {
    Change fresh = { 0 };
    const ProvParamSpec *spec = self->schema != NULL
      ? prov_schema_lookup (self->schema, name) : NULL;

    /* A known name shares the schema's copy, which the set keeps alive. */
    fresh.name = spec != NULL ? spec->name : g_string_chunk_insert (self->strings, name);
    fresh.value = value != NULL ? g_string_chunk_insert_const (self->strings, value) : NULL;
    fresh.access = access;
    fresh.line = line;
    fresh.seq = fresh.first_seq = self->n_added;
    fresh.origin = origin_of (self, origin);
    g_array_append_val (self->changes, fresh);
    *slot = self->changes->len;
    if (self->changes->len > self->n_slots / 4 * 3)
      reindex (self, self->changes->len);
  }
}

void
prov_change_set_spend (ProvChangeSet *self)
{
  g_clear_pointer (&self->slots, g_free);
  g_clear_pointer (&self->replaced, g_array_unref);
  g_clear_pointer (&self->changes, g_array_unref);
}

guint
prov_change_set_get_size (ProvChangeSet *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_added;
}

guint
prov_change_set_get_n_names (ProvChangeSet *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->changes->len;
}

guint
prov_change_set_mark (ProvChangeSet *self)
{
  g_return_val_if_fail (self != NULL, 0);

  self->mark = self->n_added;
  return self->mark;
}

void
prov_change_set_truncate (ProvChangeSet *self, guint size)
{
  gboolean truncated = FALSE;

  g_return_if_fail (self != NULL);
  /* With a schema only the states from before the mark were kept. */
  g_return_if_fail (self->schema == NULL || size == self->mark || size >= self->n_added);

  if (size >= self->n_added)
    return;
  /* Names that came after @size are the tail of @changes. */
  while (self->changes->len > 0
         && g_array_index (self->changes, Change, self->changes->len - 1).first_seq > size)
    {
      g_array_set_size (self->changes, self->changes->len - 1);
      truncated = TRUE;
    }
  /* Open addressing removes no slot alone: index anew (a payload that is
   * not applied, rarely). */
  if (truncated)
    reindex (self, self->changes->len);
  /* Undo the replacements made after @size, latest first. */
  while (self->replaced->len > 0)
    {
      Change *saved = &g_array_index (self->replaced, Change, self->replaced->len - 1);
      Change *change;

      if (saved->first_seq >= self->changes->len)
        {
          g_array_set_size (self->replaced, self->replaced->len - 1);
          continue;
        }
      change = &g_array_index (self->changes, Change, saved->first_seq);
      if (change->seq <= size)
        break;
      change->value = saved->value;
      change->origin = saved->origin;
      change->access = saved->access;
      change->line = saved->line;
      change->seq = saved->seq;
      g_array_set_size (self->replaced, self->replaced->len - 1);
    }
  if (self->replaced_error != NULL && self->replaced_error_at > size)
    g_clear_error (&self->replaced_error);
  self->n_added = size;
  self->mark = MIN (self->mark, size);
}

