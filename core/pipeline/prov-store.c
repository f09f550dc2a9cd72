/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prov-error.h"
#include "prov-rule-mask.h"
#include "prov-store-file.h"
#include "prov-store-private.h"

/* The files (a sorted base read through mmap, and an append-only journal of
 * changes) are described in prov-store-file.c. In memory, @entries holds the
 * journal's entries, the changes applied since, and the base's entries read
 * so far (a cache); an entry with neither value nor access is a name known
 * to be absent. @complete: @entries holds every parameter, so the base
 * needs no more reading. */
#define JOURNAL_SUFFIX ".journal"
/* Compaction when the journal would outgrow max(this, base / 8). */
#define JOURNAL_MIN_LIMIT (256 * 1024)
#define MASK "********"
/* A set's lookups give back the base's pages they read this often. */
#define DROP_PAGES_EVERY 16384

/* ---- the store ---- */

typedef struct
{
  char *value;  /* NULL: not stored, the schema default applies */
  int   access; /* PROV_ACCESS_UNSET: the schema's */
  char  name[]; /* the hash key */
} Entry;

struct _ProvStore
{
  GObject     parent_instance;

  ProvSchema    *schema;
  char          *path;
  char          *journal_path;
  GHashTable    *entries; /* name → Entry* */
  ProvStoreBase *base;    /* NULL: none, or read whole (format 1) */
  gboolean       complete;
  gsize          journal_len; /* bytes of whole records; 0: start it anew */
};

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_TYPE (ProvStore, prov_store, G_TYPE_OBJECT)

static Entry *
entry_new (const char *name, gsize name_len, char *value, int access)
{
  Entry *entry = g_malloc (sizeof (Entry) + name_len + 1);

  memcpy (entry->name, name, name_len);
  entry->name[name_len] = '\0';
  entry->value = value;
  entry->access = access;
  return entry;
}

static void
entry_free (Entry *entry)
{
  g_free (entry->value);
  g_free (entry);
}

static void
prov_store_finalize (GObject *object)
{
  ProvStore *self = PROV_STORE (object);

  g_hash_table_unref (self->entries);
  g_clear_pointer (&self->base, prov_store_base_free);
  g_clear_object (&self->schema);
  g_free (self->path);
  g_free (self->journal_path);
  G_OBJECT_CLASS (prov_store_parent_class)->finalize (object);
}

static void
prov_store_class_init (ProvStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = prov_store_finalize;

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_STRV);
}

static void
prov_store_init (ProvStore *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) entry_free);
}

/* ---- files ---- */

static gboolean
is_absent (const Entry *entry)
{
  return entry->value == NULL && entry->access == PROV_ACCESS_UNSET;
}

/* Entries of the journal and of format 1 files: the later one wins. */
static gboolean
put_entry (char *name, char *value, int access, gpointer user_data, const char **problem)
{
  ProvStore *self = user_data;
  Entry *entry;

  if (access == PROV_STORE_FILE_REMOVED)
    access = PROV_ACCESS_UNSET;
  entry = entry_new (name, strlen (name), value, access);
  g_free (name);
  g_hash_table_replace (self->entries, entry->name, entry);
  return TRUE;
}

static gboolean
put_legacy_entry (char *name, char *value, int access, gpointer user_data, const char **problem)
{
  ProvStore *self = user_data;

  if (g_hash_table_contains (self->entries, name))
    {
      *problem = "duplicate parameter";
      g_free (name);
      g_free (value);
      return FALSE;
    }
  return put_entry (name, value, access, user_data, problem);
}

/* Base entries fill the gaps only: the journal and later applies win. */
static gboolean
put_base_entry (char *name, char *value, int access, gpointer user_data, const char **problem)
{
  ProvStore *self = user_data;

  if (g_hash_table_contains (self->entries, name))
    {
      g_free (name);
      g_free (value);
      return TRUE;
    }
  return put_entry (name, value, access, user_data, problem);
}

/* The entry of @name, reading the base when it is not known yet; NULL when
 * the name is not stored. @remember_absent: keep an entry that says so. */
static Entry *
find_entry_full (ProvStore *self, const char *name, gboolean remember_absent)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;
  int access = PROV_ACCESS_UNSET;
  Entry *entry = g_hash_table_lookup (self->entries, name);

  if (entry == NULL && !self->complete && self->base != NULL)
    {
      if (!prov_store_base_lookup (self->base, name, &value, &access, &error) && error != NULL)
        g_warning ("%s", error->message);
      if (value == NULL && access == PROV_ACCESS_UNSET && !remember_absent)
        return NULL;
      entry = entry_new (name, strlen (name), g_steal_pointer (&value), access);
      g_hash_table_insert (self->entries, entry->name, entry);
    }
  return entry != NULL && !is_absent (entry) ? entry : NULL;
}

static Entry *
find_entry (ProvStore *self, const char *name)
{
  return find_entry_full (self, name, TRUE);
}

/* Reads the rest of the base, checking all of it. */
static gboolean
ensure_complete (ProvStore *self, GError **error)
{
  if (self->complete)
    return TRUE;
  if (self->base != NULL && !prov_store_base_scan (self->base, put_base_entry, self, error))
    return FALSE;
  self->complete = TRUE;
  return TRUE;
}

/* A missing file is an empty store. A `<path>.tmp` left by a crash is
 * ignored: the store itself is whole, and the next write replaces it. */
static gboolean
store_load (ProvStore *self, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  gboolean legacy = FALSE;

  self->base = prov_store_base_open (self->path, put_legacy_entry, self, &legacy, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* No file, or format 1 read whole (it has no journal; the first apply
   * replaces it with a base of format 2). */
  if (self->base == NULL)
    {
      self->complete = TRUE;
      return TRUE;
    }
  return prov_store_journal_replay (self->journal_path, prov_store_base_get_checksum (self->base),
                                    put_entry, self, &self->journal_len, error);
}

ProvStore *
prov_store_new (ProvSchema *schema, const char *path, GError **error)
{
  g_autoptr (ProvStore) self = NULL;

  g_return_val_if_fail (PROV_IS_SCHEMA (schema), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (PROV_TYPE_STORE, NULL);
  self->schema = g_object_ref (schema);
  self->path = g_strdup (path);
  self->journal_path = path != NULL ? g_strconcat (path, JOURNAL_SUFFIX, NULL) : NULL;
  self->complete = path == NULL;
  if (path != NULL && !store_load (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
prov_store_check (ProvStore *self, GError **error)
{
  g_return_val_if_fail (PROV_IS_STORE (self), FALSE);

  return ensure_complete (self, error);
}

ProvSchema *
prov_store_get_schema (ProvStore *self)
{
  g_return_val_if_fail (PROV_IS_STORE (self), NULL);

  return self->schema;
}

const char *
prov_store_get_path (ProvStore *self)
{
  g_return_val_if_fail (PROV_IS_STORE (self), NULL);

  return self->path;
}

/* ---- reading ---- */

static const char *
effective_value (const ProvParamSpec *spec, const char *stored, gboolean has_entry)
{
  if (stored != NULL)
    return stored;
  if (spec != NULL)
    return spec->default_value;
  /* An unknown name given only an access level exists, with no value. */
  return has_entry ? "" : NULL;
}

static ProvAccess
effective_access (const ProvParamSpec *spec, int stored)
{
  if (stored != PROV_ACCESS_UNSET)
    return stored;
  return spec != NULL ? spec->access : PROV_ACCESS_NA;
}

const char *
prov_store_get (ProvStore *self, const char *name)
{
  Entry *entry;

  g_return_val_if_fail (PROV_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  entry = find_entry (self, name);
  return effective_value (prov_schema_lookup (self->schema, name),
                          entry != NULL ? entry->value : NULL, entry != NULL);
}

gboolean
prov_store_get_bool (ProvStore *self, const char *name)
{
  const ProvParamSpec *spec;
  gboolean value = FALSE;

  g_return_val_if_fail (PROV_IS_STORE (self), FALSE);

  if (prov_parse_bool (prov_store_get (self, name), &value))
    return value;
  spec = prov_schema_lookup (self->schema, name);
  if (spec != NULL && prov_parse_bool (spec->default_value, &value))
    return value;
  return FALSE;
}

static gboolean
parse_int (const char *str, gint64 *value)
{
  g_autofree char *copy = NULL;
  char *end = NULL;

  if (str == NULL)
    return FALSE;
  copy = g_strstrip (g_strdup (str));
  if (copy[0] == '\0')
    return FALSE;
  errno = 0;
  *value = g_ascii_strtoll (copy, &end, 10);
  return errno == 0 && *end == '\0';
}

gint64
prov_store_get_int (ProvStore *self, const char *name)
{
  const ProvParamSpec *spec;
  gint64 value = 0;

  g_return_val_if_fail (PROV_IS_STORE (self), 0);

  if (parse_int (prov_store_get (self, name), &value))
    return value;
  spec = prov_schema_lookup (self->schema, name);
  if (spec != NULL && parse_int (spec->default_value, &value))
    return value;
  return 0;
}

ProvAccess
prov_store_get_access (ProvStore *self, const char *name)
{
  Entry *entry;

  g_return_val_if_fail (PROV_IS_STORE (self), PROV_ACCESS_NA);
  g_return_val_if_fail (name != NULL, PROV_ACCESS_NA);

  entry = find_entry (self, name);
  return effective_access (prov_schema_lookup (self->schema, name),
                           entry != NULL ? entry->access : PROV_ACCESS_UNSET);
}

gboolean
prov_store_is_secret (ProvStore *self, const char *name)
{
  const ProvParamSpec *spec;

  g_return_val_if_fail (PROV_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  spec = prov_schema_lookup (self->schema, name);
  if (spec == NULL && strchr (name, '/') != NULL)
    {
      /* A leaf of a group (`router-configuration/Web_Login_Admin_Password`)
       * is as secret as the parameter of its name. */
      spec = prov_schema_lookup (self->schema, strrchr (name, '/') + 1);
    }
  return spec != NULL && spec->secret;
}

static gboolean
user_may_read (ProvStore *self, const char *name)
{
  return prov_store_get_access (self, name) != PROV_ACCESS_NA
         && !prov_store_is_secret (self, name);
}

/* The stored state of @name without keeping it in memory: a read that
 * copies the value out (the CLI showing what 500,000 names became) leaves
 * nothing behind. Returns whether the name is stored; *@owned: the value
 * when it came from the base. */
static gboolean
peek_entry (ProvStore *self, const char *name, const char **value, int *access, char **owned)
{
  g_autoptr (GError) error = NULL;
  Entry *entry = g_hash_table_lookup (self->entries, name);

  *value = NULL;
  *access = PROV_ACCESS_UNSET;
  *owned = NULL;
  if (entry != NULL)
    {
      *value = entry->value;
      *access = entry->access;
      return !is_absent (entry);
    }
  if (self->complete || self->base == NULL)
    return FALSE;
  if (!prov_store_base_lookup (self->base, name, owned, access, &error) && error != NULL)
    g_warning ("%s", error->message);
  *value = *owned;
  return *value != NULL || *access != PROV_ACCESS_UNSET;
}

gboolean
prov_store_read (ProvStore *self, const char *name, ProvCaller caller, char **value,
                 GError **error)
{
  const ProvParamSpec *spec;
  g_autofree char *owned = NULL;
  const char *stored, *current;
  gboolean has_entry;
  int access;

  g_return_val_if_fail (PROV_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL && value != NULL, FALSE);

  spec = prov_schema_lookup (self->schema, name);
  has_entry = peek_entry (self, name, &stored, &access, &owned);
  current = effective_value (spec, stored, has_entry);
  /* One answer for unknown, `na` and secret: a user learns nothing. */
  if (current == NULL
      || (caller != PROV_CALLER_ADMIN
          && (effective_access (spec, access) == PROV_ACCESS_NA
              || prov_store_is_secret (self, name))))
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_PERMISSION_DENIED,
                   "no such parameter: %s", name);
      return FALSE;
    }
  *value = owned != NULL && current == owned ? g_steal_pointer (&owned) : g_strdup (current);
  return TRUE;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GStrv
prov_store_list_names (ProvStore *self, ProvCaller caller)
{
  g_auto (GStrv) known = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  GHashTableIter iter;
  const char *name;
  Entry *entry;

  g_return_val_if_fail (PROV_IS_STORE (self), NULL);

  known = prov_schema_list_names (self->schema);
  for (guint i = 0; known[i] != NULL; i++)
    g_ptr_array_add (names, known[i]);
  if (!ensure_complete (self, &error))
    g_warning ("%s", error->message);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, (gpointer *) &entry))
    {
      if (!is_absent (entry) && prov_schema_lookup (self->schema, name) == NULL)
        g_ptr_array_add (names, (gpointer) name);
    }
  if (caller != PROV_CALLER_ADMIN)
    {
      guint kept = 0;

      for (guint i = 0; i < names->len; i++)
        {
          if (user_may_read (self, names->pdata[i]))
            names->pdata[kept++] = names->pdata[i];
        }
      g_ptr_array_set_size (names, kept);
    }
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return g_strdupv ((char **) names->pdata);
}

void
prov_store_trim (ProvStore *self)
{
  g_return_if_fail (PROV_IS_STORE (self));

  if (self->base != NULL)
    prov_store_base_drop_pages (self->base);
}

const char *
prov_store_mask (ProvStore *self, const char *name, const char *value)
{
  g_return_val_if_fail (PROV_IS_STORE (self), value);
  g_return_val_if_fail (name != NULL, value);

  if (value != NULL && value[0] != '\0' && prov_store_is_secret (self, name))
    return MASK;
  return value;
}

static gboolean
is_secret_cb (const char *name, gpointer user_data)
{
  return prov_store_is_secret (user_data, name);
}

char *
prov_store_show (ProvStore *self, const char *name, const char *value, ProvCaller caller)
{
  const ProvParamSpec *spec;

  g_return_val_if_fail (PROV_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (value == NULL)
    return NULL;
  if (value[0] != '\0' && prov_store_is_secret (self, name))
    return g_strdup (MASK);
  if (caller == PROV_CALLER_ADMIN)
    return g_strdup (value);
  spec = prov_schema_lookup (self->schema, name);
  if (spec != NULL && spec->type == PROV_PARAM_RULE)
    return prov_rule_mask_secrets_full (value, is_secret_cb, self);
  /* A directory or service URL a user may read shows no password either. */
  return prov_text_mask_url_passwords (value);
}

/* ---- applying ---- */

/* What an apply makes of each Change of the set (which holds the name,
 * the value and the access level): a byte of flags, in the set's order,
 * and the values normalizing changed (known names only, so few). A byte
 * where a struct of pointers took 40: a profile of 500,000 names is
 * applied with its change set and little more. */
enum
{
  PENDING_SKIP           = 1 << 0, /* dropped (unknown), or invalid */
  PENDING_SET_VALUE      = 1 << 1, /* the change gives a value */
  PENDING_DEFAULT        = 1 << 2, /* ... which restores the default */
  PENDING_VALUE_CHANGED  = 1 << 3,
  PENDING_ACCESS_CHANGED = 1 << 4,
};

typedef struct
{
  ProvChangeSet *changes;
  guint8        *flags;
  GHashTable    *normalized; /* index → the value normalizing made */
} Pending;

static Pending *
pending_new (ProvChangeSet *changes)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->changes = changes;
  pending->flags = g_new0 (guint8, changes->changes->len);
  pending->normalized = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  return pending;
}

static void
pending_free (Pending *pending)
{
  g_free (pending->flags);
  g_hash_table_unref (pending->normalized);
  g_free (pending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_free)

static const Change *
pending_change (const Pending *pending, guint i)
{
  return &g_array_index (pending->changes->changes, Change, i);
}

static gboolean
pending_changes (const Pending *pending, guint i)
{
  return (pending->flags[i] & (PENDING_VALUE_CHANGED | PENDING_ACCESS_CHANGED)) != 0;
}

/* The value the change gives, normalized; NULL: the default. */
static const char *
pending_new_value (const Pending *pending, guint i)
{
  const char *normalized;

  if (pending->flags[i] & PENDING_DEFAULT)
    return NULL;
  normalized = g_hash_table_lookup (pending->normalized, GUINT_TO_POINTER (i));
  return normalized != NULL ? normalized : pending_change (pending, i)->value;
}

/* An empty value sends a typed parameter back to its default (SPEC §2.1);
 * for the others "" is a value: no rule, no trigger, no daily time, and a
 * schedule that is off (SPEC §5: "0 or empty = off"). */
static gboolean
empty_restores_default (const ProvParamSpec *spec)
{
  if (spec == NULL)
    return FALSE;
  switch (spec->type)
    {
    case PROV_PARAM_BOOL:
    case PROV_PARAM_INT:
    case PROV_PARAM_ENUM:
    case PROV_PARAM_INT_LIST:
    case PROV_PARAM_HOST_LIST:
      return TRUE;
    default:
      return FALSE;
    }
}

/* A user writes only `rw` parameters and never changes an access level. */
static gboolean
check_user_write (ProvStore *self, const Change *change, GError **error)
{
  ProvAccess current = prov_store_get_access (self, change->name);

  if (current == PROV_ACCESS_NA)
    g_set_error (error, PROV_ERROR, PROV_ERROR_PERMISSION_DENIED,
                 "no such parameter: %s", change->name);
  else if (current != PROV_ACCESS_RW)
    g_set_error (error, PROV_ERROR, PROV_ERROR_PERMISSION_DENIED,
                 "%s: read-only", change->name);
  else if (change->access != PROV_ACCESS_UNSET && change->access != (int) current)
    g_set_error (error, PROV_ERROR, PROV_ERROR_PERMISSION_DENIED,
                 "%s: only the administrator changes access levels", change->name);
  else
    return TRUE;
  return FALSE;
}

/* Checks one state of a name; @value: its normalized value, or NULL (the
 * default); @owned: @value when normalizing changed it (the change's own
 * value is used as is otherwise, without a copy). */
static gboolean
check_change (ProvStore *self, ProvChangeSet *changes, const Change *change, ProvCaller caller,
              gboolean keep_unknown, gboolean *skip, const char **value, char **owned,
              GError **error)
{
  const ProvParamSpec *spec = prov_schema_lookup (self->schema, change->name);
  g_autoptr (GError) local_error = NULL;

  *value = NULL;
  *owned = NULL;
  *skip = spec == NULL && !keep_unknown;
  if (caller != PROV_CALLER_ADMIN && !check_user_write (self, change, &local_error))
    {
      prov_change_set_error (error, changes, change, local_error);
      return FALSE;
    }
  if (*skip)
    return TRUE;
  if (change->value == NULL)
    return TRUE;
  /* An unknown name's value is kept as given. */
  if (spec != NULL && change->value[0] != '\0'
      && !prov_schema_normalize (self->schema, change->name, change->value, owned,
                                 &local_error))
    {
      prov_change_set_error (error, changes, change, local_error);
      return FALSE;
    }
  if (*owned != NULL && strcmp (*owned, change->value) == 0)
    g_clear_pointer (owned, g_free);
  *value = *owned != NULL ? *owned : change->value;
  /* Blanks only normalize to "" too. */
  if ((*value)[0] == '\0' && empty_restores_default (spec))
    {
      g_clear_pointer (owned, g_free);
      *value = NULL;
    }
  return TRUE;
}

/* Keeps, of the errors found, the one of the earliest add. */
static void
keep_earliest (GError **first, guint *first_seq, GError *error, guint seq)
{
  if (*first == NULL || seq < *first_seq)
    {
      g_clear_error (first);
      *first = error;
      *first_seq = seq;
    }
  else
    g_error_free (error);
}

/* Validates every change into @pending (one per change of the set, in its
 * order) without touching the store. */
static gboolean
collect_changes (ProvStore *self, ProvChangeSet *changes, ProvCaller caller,
                 Pending *pending, GError **error)
{
  gboolean keep_unknown = prov_schema_get_keep_unknown (self->schema);
  g_autoptr (GError) first = NULL;
  guint first_seq = 0;

  if (changes->replaced_error != NULL)
    keep_earliest (&first, &first_seq, g_error_copy (changes->replaced_error),
                   changes->replaced_error_seq);
  /* A checked set checked the states it replaced already. */
  for (guint i = 0; changes->schema == NULL && i < changes->replaced->len; i++)
    {
      const Change *change = &g_array_index (changes->replaced, Change, i);
      g_autofree char *owned = NULL;
      const char *value;
      GError *local_error = NULL;
      gboolean skip;

      if (!check_change (self, changes, change, caller, keep_unknown, &skip, &value, &owned,
                         &local_error))
        keep_earliest (&first, &first_seq, local_error, change->seq);
    }
  for (guint i = 0; i < changes->changes->len; i++)
    {
      const Change *change = &g_array_index (changes->changes, Change, i);
      g_autofree char *owned = NULL;
      const char *value;
      GError *local_error = NULL;
      gboolean skip;

      pending->flags[i] = PENDING_SKIP;
      if (!check_change (self, changes, change, caller, keep_unknown, &skip, &value, &owned,
                         &local_error))
        {
          keep_earliest (&first, &first_seq, local_error, change->seq);
          continue;
        }
      if (skip)
        continue;
      pending->flags[i] = 0;
      if (change->value == NULL)
        continue;
      pending->flags[i] = PENDING_SET_VALUE | (value == NULL ? PENDING_DEFAULT : 0);
      if (owned != NULL)
        g_hash_table_insert (pending->normalized, GUINT_TO_POINTER (i), g_steal_pointer (&owned));
    }
  if (first != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first));
      return FALSE;
    }
  return TRUE;
}

/* Marks what really changes; returns how many names do. */
static guint
diff_changes (ProvStore *self, Pending *pending)
{
  guint n_changed = 0;

  for (guint i = 0; i < pending->changes->changes->len; i++)
    {
      const Change *change = pending_change (pending, i);
      guint8 *flags = &pending->flags[i];
      const ProvParamSpec *spec;
      g_autofree char *read = NULL;
      const char *old_value;
      int old_access;
      gboolean stored;

      if (*flags & PENDING_SKIP)
        continue;
      /* The lookups of a big set come to every page of the base. */
      if (i % DROP_PAGES_EVERY == DROP_PAGES_EVERY - 1)
        prov_store_trim (self);
      spec = prov_schema_lookup (self->schema, change->name);
      /* Read without keeping: a profile's new names would each leave an
       * entry that says absent, and its other ones a copy of what the
       * base holds (a resync of 500,000 names). */
      stored = peek_entry (self, change->name, &old_value, &old_access, &read);
      if ((*flags & PENDING_SET_VALUE)
          && g_strcmp0 (effective_value (spec, old_value, stored),
                        effective_value (spec, pending_new_value (pending, i), TRUE)) != 0)
        *flags |= PENDING_VALUE_CHANGED;
      /* An unknown name a profile gives an access level (`<X ua="na"/>`)
       * comes to exist, even at the access it would have had. */
      if (change->access != PROV_ACCESS_UNSET
          && (effective_access (spec, old_access) != effective_access (spec, change->access)
              || (spec == NULL && !stored)))
        *flags |= PENDING_ACCESS_CHANGED;
      if (pending_changes (pending, i))
        n_changed++;
    }
  return n_changed;
}

/* The changed names (the change set's strings), unsorted. */
static GPtrArray *
changed_names (const Pending *pending, guint n_changed)
{
  GPtrArray *names = g_ptr_array_sized_new (n_changed + 1);

  for (guint i = 0; i < pending->changes->changes->len; i++)
    {
      if (pending_changes (pending, i))
        g_ptr_array_add (names, (gpointer) pending_change (pending, i)->name);
    }
  return names;
}

/* The state a changed name ends in; *@owned: what was read of it. */
static void
pending_final (ProvStore *self, const Pending *pending, guint i, const char **value,
               int *access, char **owned)
{
  const Change *change = pending_change (pending, i);
  guint8 flags = pending->flags[i];
  const char *old_value = NULL;
  int old_access = PROV_ACCESS_UNSET;

  *owned = NULL;
  if ((flags & PENDING_VALUE_CHANGED) == 0 || (flags & PENDING_ACCESS_CHANGED) == 0)
    peek_entry (self, change->name, &old_value, &old_access, owned);
  *value = flags & PENDING_VALUE_CHANGED ? pending_new_value (pending, i) : old_value;
  *access = flags & PENDING_ACCESS_CHANGED ? change->access : old_access;
}

/* The final state of a changed name, as a file line. */
static void
append_pending (GString *out, ProvStore *self, const Pending *pending, guint i)
{
  g_autofree char *owned = NULL;
  const char *value;
  int access;

  pending_final (self, pending, i, &value, &access, &owned);
  prov_store_file_append_entry (out, pending_change (pending, i)->name, value,
                                value == NULL && access == PROV_ACCESS_UNSET
                                ? PROV_STORE_FILE_REMOVED : access);
}

/* The merge of a compaction: the old base as it is scanned (sorted), the
 * entries in memory (the journal's and those read), and the changed names
 * of the apply, the two last sorted; for one name the change wins over the
 * entry, which wins over the base. */
typedef struct
{
  ProvStoreBaseWriter *writer;
  ProvStore           *store;
  const Pending       *pending;
  GPtrArray           *entries;  /* Entry*, sorted */
  GArray              *changed;  /* guint: indices in @pending, sorted */
  guint                next_entry;
  guint                next_change;
  guint                n_scanned;
} Merge;

static void
merge_write (Merge *m, const char *name, const char *value, int access)
{
  if (value != NULL || access != PROV_ACCESS_UNSET)
    prov_store_base_writer_add (m->writer, name, value, access);
}

/* Writes what memory holds for the names before @name (all when NULL);
 * returns whether memory holds @name itself, written in place of the
 * base's line. */
static gboolean
merge_until (Merge *m, const char *name)
{
  for (;;)
    {
      const Entry *entry = m->next_entry < m->entries->len
        ? m->entries->pdata[m->next_entry] : NULL;
      guint i = m->next_change < m->changed->len
        ? g_array_index (m->changed, guint, m->next_change) : G_MAXUINT;
      const Change *change = i != G_MAXUINT ? pending_change (m->pending, i) : NULL;
      int cmp, cmp_name;
      const char *head;

      if (entry == NULL && change == NULL)
        return FALSE;
      cmp = entry == NULL ? 1
        : change == NULL ? -1 : prov_store_file_compare_names (entry->name, change->name);
      head = cmp < 0 ? entry->name : change->name;
      cmp_name = name != NULL ? prov_store_file_compare_names (head, name) : -1;
      if (cmp_name > 0)
        return FALSE;
      if (cmp < 0)
        merge_write (m, entry->name, entry->value, entry->access);
      else
        {
          g_autofree char *owned = NULL;
          const char *value;
          int access;

          pending_final (m->store, m->pending, i, &value, &access, &owned);
          merge_write (m, change->name, value, access);
        }
      if (cmp <= 0)
        m->next_entry++;
      if (cmp >= 0)
        m->next_change++;
      if (cmp_name == 0)
        return TRUE;
    }
}

static gboolean
merge_base_line (char *name, char *value, int access, gpointer user_data, const char **problem)
{
  Merge *m = user_data;

  /* The scan comes to every page of the old base. */
  if (++m->n_scanned % DROP_PAGES_EVERY == 0)
    prov_store_trim (m->store);
  if (!merge_until (m, name))
    merge_write (m, name, value, access);
  g_free (name);
  g_free (value);
  return TRUE;
}

static int
compare_entries (gconstpointer a, gconstpointer b)
{
  const Entry *x = *(const Entry *const *) a, *y = *(const Entry *const *) b;

  return prov_store_file_compare_names (x->name, y->name);
}

static int
compare_changes (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const Pending *pending = user_data;

  return prov_store_file_compare_names (pending_change (pending, *(const guint *) a)->name,
                                        pending_change (pending, *(const guint *) b)->name);
}

/* Writes a new base holding everything once @pending is applied, and
 * drops the journal it replaces. Neither base is ever in memory: the old
 * one is read line by line while the new one is written, so what this
 * costs beyond the change set is an index per changed name and one per
 * entry in memory. @reopened: the new base serves reads, so the names it
 * adds need no entry in memory. */
static gboolean
compact (ProvStore *self, Pending *pending, gboolean *reopened, GError **error)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_sized_new (g_hash_table_size (self->entries));
  g_autoptr (GArray) changed = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (ProvStoreBaseWriter) writer = NULL;
  g_autoptr (GError) local_error = NULL;
  ProvStoreBase *base;
  GHashTableIter iter;
  Entry *entry;
  gboolean legacy;
  Merge m;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    g_ptr_array_add (entries, entry);
  g_ptr_array_sort (entries, compare_entries);
  for (guint i = 0; i < pending->changes->changes->len; i++)
    {
      if (pending_changes (pending, i))
        g_array_append_val (changed, i);
    }
  g_array_sort_with_data (changed, compare_changes, pending);

  writer = prov_store_base_writer_new (self->path, error);
  if (writer == NULL)
    return FALSE;
  m = (Merge) { writer, self, pending, entries, changed, 0, 0, 0 };
  /* The scan checks every byte of the old base on the way. */
  if (self->base != NULL && !prov_store_base_scan (self->base, merge_base_line, &m, error))
    return FALSE;
  merge_until (&m, NULL);
  if (!prov_store_base_writer_commit (g_steal_pointer (&writer), error))
    return FALSE;
  /* The journal names the old base now, so it is ignored even if this fails. */
  if (unlink (self->journal_path) != 0 && errno != ENOENT)
    g_warning ("cannot remove %s: %s", self->journal_path, g_strerror (errno));
  self->journal_len = 0;
  base = prov_store_base_open (self->path, NULL, NULL, &legacy, &local_error);
  if (base == NULL)
    {
      /* The old base's mapping still reads the old contents, and memory
       * holds the journal's entries and (commit) this apply's. */
      g_warning ("cannot reopen %s: %s", self->path,
                 local_error != NULL ? local_error->message : "gone");
      return TRUE;
    }
  g_clear_pointer (&self->base, prov_store_base_free);
  self->base = base;
  /* Reads of the names not in memory go to the new base. */
  self->complete = FALSE;
  *reopened = TRUE;
  return TRUE;
}

/* Persists @pending (@n_changed names change): one journal record, or a
 * new base when there is none yet or the journal has grown too big. */
static gboolean
persist (ProvStore *self, Pending *pending, gboolean *reopened, GError **error)
{
  g_autoptr (GString) record = g_string_new (NULL);
  gsize limit;
  guint count = 0;

  if (self->base == NULL)
    return compact (self, pending, reopened, error);
  limit = MAX (JOURNAL_MIN_LIMIT, prov_store_base_get_size (self->base) / 8);
  for (guint i = 0; i < pending->changes->changes->len; i++)
    {
      if (pending_changes (pending, i))
        {
          append_pending (record, self, pending, i);
          count++;
        }
      /* Not held while compacting. */
      if (self->journal_len + record->len > limit)
        {
          g_string_free (g_steal_pointer (&record), TRUE);
          return compact (self, pending, reopened, error);
        }
    }
  /* A rewrite used to mend a base someone made readable; the journal
   * holds the same secrets and is created 0600. */
  if (chmod (self->path, 0600) != 0)
    g_warning ("cannot chmod %s: %s", self->path, g_strerror (errno));
  return prov_store_journal_append (self->journal_path, prov_store_base_get_checksum (self->base),
                                    record, count, &self->journal_len, error);
}

/* @reopened: a new base holds the names that have no entry yet. */
static void
commit (ProvStore *self, Pending *pending, gboolean reopened)
{
  for (guint i = 0; i < pending->changes->changes->len; i++)
    {
      const Change *change = pending_change (pending, i);
      guint8 flags = pending->flags[i];
      Entry *entry;
      gpointer normalized;

      if (!pending_changes (pending, i))
        continue;
      /* Also an entry that says absent: it is no longer. */
      entry = g_hash_table_lookup (self->entries, change->name);
      if (entry == NULL && reopened)
        continue;
      if (entry == NULL)
        {
          g_autofree char *owned = NULL;
          const char *value;
          int access;

          /* What of it does not change, from the base. */
          peek_entry (self, change->name, &value, &access, &owned);
          entry = entry_new (change->name, strlen (change->name), g_steal_pointer (&owned),
                             access);
          g_hash_table_insert (self->entries, entry->name, entry);
        }
      if (flags & PENDING_VALUE_CHANGED)
        {
          g_free (entry->value);
          if (g_hash_table_steal_extended (pending->normalized, GUINT_TO_POINTER (i), NULL,
                                           &normalized))
            entry->value = normalized;
          else
            entry->value = g_strdup (pending_new_value (pending, i));
        }
      if (flags & PENDING_ACCESS_CHANGED)
        entry->access = change->access;
      /* Kept while the base may still hold the name: it is absent now. */
      if (is_absent (entry) && self->complete)
        g_hash_table_remove (self->entries, entry->name);
    }
}

/* @spent: the caller is done with @changes. */
static gboolean
apply (ProvStore *self, ProvChangeSet *changes, ProvCaller caller, gboolean spent,
       GStrv *changed, GError **error)
{
  g_autoptr (Pending) pending = NULL;
  g_autoptr (GPtrArray) names = NULL;
  g_auto (GStrv) result = NULL;
  gboolean reopened = FALSE;
  guint n_changed;

  g_return_val_if_fail (PROV_IS_STORE (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  /* A checked set did not check the states it replaced for a user. */
  g_return_val_if_fail (changes->schema == NULL || caller == PROV_CALLER_ADMIN, FALSE);

  pending = pending_new (changes);
  if (!collect_changes (self, changes, caller, pending, error))
    return FALSE;

  n_changed = diff_changes (self, pending);
  if (n_changed > 0 && self->path != NULL
      && !persist (self, pending, &reopened, error))
    return FALSE;
  commit (self, pending, reopened);
  /* The names are the change set's strings, which outlive its changes:
   * a big profile's result is made without the apply's memory, nor the
   * set's when it is spent, alongside. */
  names = changed_names (pending, n_changed);
  g_clear_pointer (&pending, pending_free);
  if (spent)
    prov_change_set_spend (changes);
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  result = g_strdupv ((char **) names->pdata);

  if (result[0] != NULL)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, result);
  if (changed != NULL)
    *changed = g_steal_pointer (&result);
  return TRUE;
}

gboolean
prov_store_apply (ProvStore *self, ProvChangeSet *changes, ProvCaller caller, GStrv *changed,
                  GError **error)
{
  return apply (self, changes, caller, FALSE, changed, error);
}

gboolean
prov_store_apply_take (ProvStore *self, ProvChangeSet *changes, ProvCaller caller,
                       GStrv *changed, GError **error)
{
  g_autoptr (ProvChangeSet) owned = changes;

  return apply (self, owned, caller, TRUE, changed, error);
}
