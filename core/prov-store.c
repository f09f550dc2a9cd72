/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prov-atomic-file.h"
#include "prov-error.h"
#include "prov-store.h"

/* File format:
 *
 *   provisiond-store 1
 *   <access>\t<name>[\t<value>]      one line per stored parameter
 *   end <count> <fnv1a-64 of every byte before this line>
 *
 * <access> is na, ro, rw or "-" (the schema's); a line without a value
 * field stores only the access level. Name and value escape \\ \t \n \r.
 * The end line makes a truncated or damaged file an error, never half a
 * store. */
#define STORE_MAGIC "provisiond-store 1\n"
#define MASK "********"

/* ---- change sets ---- */

typedef struct
{
  char  *name;
  char  *value;  /* NULL: keep the value */
  int    access; /* PROV_ACCESS_UNSET: keep the access level */
  char  *origin; /* GRefString, shared by consecutive entries */
  guint  line;
} Change;

struct _ProvChangeSet
{
  GArray *changes; /* Change */
};

static void
change_clear (Change *change)
{
  g_free (change->name);
  g_free (change->value);
  g_clear_pointer (&change->origin, g_ref_string_release);
}

ProvChangeSet *
prov_change_set_new (void)
{
  ProvChangeSet *self = g_new0 (ProvChangeSet, 1);

  self->changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_array_set_clear_func (self->changes, (GDestroyNotify) change_clear);
  return self;
}

void
prov_change_set_free (ProvChangeSet *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->changes);
  g_free (self);
}

void
prov_change_set_add (ProvChangeSet *self, const char *name, const char *value, int access,
                     const char *origin, guint line)
{
  Change change = { 0 };

  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (access == PROV_ACCESS_UNSET
                    || (access >= PROV_ACCESS_NA && access <= PROV_ACCESS_RW));

  change.name = g_strdup (name);
  change.value = g_strdup (value);
  change.access = access;
  change.line = line;
  /* A profile adds thousands of entries from one origin: share it. */
  if (origin != NULL && self->changes->len > 0)
    {
      Change *last = &g_array_index (self->changes, Change, self->changes->len - 1);

      if (last->origin != NULL && strcmp (last->origin, origin) == 0)
        change.origin = g_ref_string_acquire (last->origin);
    }
  if (origin != NULL && change.origin == NULL)
    change.origin = g_ref_string_new (origin);
  g_array_append_val (self->changes, change);
}

guint
prov_change_set_get_size (ProvChangeSet *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->changes->len;
}

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

  ProvSchema *schema;
  char       *path;
  GHashTable *entries; /* name → Entry* */
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
  g_clear_object (&self->schema);
  g_free (self->path);
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

/* ---- file format ---- */

static guint64
fnv1a (const char *data, gsize len)
{
  guint64 hash = 0xcbf29ce484222325ULL;

  for (gsize i = 0; i < len; i++)
    {
      hash ^= (guchar) data[i];
      hash *= 0x100000001b3ULL;
    }
  return hash;
}

static void
append_escaped (GString *out, const char *text)
{
  const char *p;

  if (strpbrk (text, "\\\t\n\r") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  for (p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        default:
          g_string_append_c (out, *p);
          break;
        }
    }
}

static char
unescape_char (char c)
{
  switch (c)
    {
    case '\\':
      return '\\';
    case 't':
      return '\t';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    default:
      return '\0';
    }
}

/* Returns NULL on a bad escape. */
static char *
unescape (const char *text, gsize len)
{
  g_autofree char *out = NULL;
  char *q;

  if (memchr (text, '\\', len) == NULL)
    return g_strndup (text, len);
  out = q = g_malloc (len + 1);
  for (gsize i = 0; i < len; i++)
    {
      if (text[i] != '\\')
        *q++ = text[i];
      else if (i + 1 < len && unescape_char (text[i + 1]) != '\0')
        *q++ = unescape_char (text[++i]);
      else
        return NULL;
    }
  *q = '\0';
  return g_steal_pointer (&out);
}

static void
append_entry (GString *out, const char *name, const char *value, int access)
{
  g_string_append (out, access == PROV_ACCESS_UNSET ? "-" : prov_access_to_string (access));
  g_string_append_c (out, '\t');
  append_escaped (out, name);
  if (value != NULL)
    {
      g_string_append_c (out, '\t');
      append_escaped (out, value);
    }
  g_string_append_c (out, '\n');
}

static void
append_trailer (GString *out, guint count)
{
  guint64 hash = fnv1a (out->str, out->len);

  g_string_append_printf (out, "end %u %016" G_GINT64_MODIFIER "x\n", count, hash);
}

static gboolean
corrupt (GError **error, const char *path, gsize line, const char *what)
{
  g_set_error (error, PROV_ERROR, PROV_ERROR_CORRUPT, "%s: line %" G_GSIZE_FORMAT ": %s",
               path, line, what);
  return FALSE;
}

static gsize
count_lines (const char *data, gsize len)
{
  gsize n = 0;

  for (const char *p = data; (p = memchr (p, '\n', data + len - p)) != NULL; p++)
    n++;
  return n;
}

/* One `<access>\t<name>[\t<value>]` line, into @entries. */
static gboolean
parse_line (GHashTable *entries, const char *line, gsize len, const char **problem)
{
  const char *end = line + len;
  const char *tab = memchr (line, '\t', len);
  const char *name, *name_end;
  g_autofree char *name_copy = NULL;
  g_autofree char *value = NULL;
  ProvAccess level;
  int access;
  Entry *entry;

  *problem = "expected an access level, a name and a value";
  if (tab == NULL || memchr (line, '\0', len) != NULL)
    return FALSE;
  if (tab - line == 1 && line[0] == '-')
    access = PROV_ACCESS_UNSET;
  else if (tab - line == 2 && prov_access_from_string ((char[]) { line[0], line[1], '\0' }, &level))
    access = level;
  else
    return FALSE;

  name = tab + 1;
  name_end = memchr (name, '\t', end - name);
  if (name_end == NULL)
    name_end = end;
  else if ((value = unescape (name_end + 1, end - name_end - 1)) == NULL)
    return FALSE;
  if (name_end == name || (value == NULL && access == PROV_ACCESS_UNSET))
    return FALSE;
  if (memchr (name, '\\', name_end - name) != NULL)
    {
      if ((name_copy = unescape (name, name_end - name)) == NULL)
        return FALSE;
      name = name_copy;
      name_end = name + strlen (name);
    }

  /* replace, not insert: the key lives in the entry, so it must change too. */
  entry = entry_new (name, name_end - name, g_steal_pointer (&value), access);
  if (!g_hash_table_replace (entries, entry->name, entry))
    {
      *problem = "duplicate parameter";
      return FALSE;
    }
  return TRUE;
}

/* The end line proves the file is whole and undamaged; returns where it
 * starts and the entry count it gives. */
static gboolean
check_end_line (const char *path, const char *data, gsize len, const char **trailer,
                guint64 *count, GError **error)
{
  gsize header_len = strlen (STORE_MAGIC);
  gsize line = count_lines (data, len) + (data[len - 1] == '\n' ? 0 : 1);
  g_autofree char *expected = NULL;
  char *count_end = NULL;

  *trailer = data[len - 1] == '\n' && len > header_len
    ? (const char *) memrchr (data, '\n', len - 1) + 1 : NULL;
  if (*trailer == NULL || !g_str_has_prefix (*trailer, "end "))
    return corrupt (error, path, line, "truncated (no end line)");
  expected = g_strdup_printf (" %016" G_GINT64_MODIFIER "x\n", fnv1a (data, *trailer - data));
  if (!g_str_has_suffix (*trailer, expected))
    return corrupt (error, path, line, "checksum mismatch");
  *count = g_ascii_strtoull (*trailer + 4, &count_end, 10);
  if (!g_ascii_isdigit ((*trailer)[4]) || count_end != data + len - strlen (expected))
    return corrupt (error, path, line, "bad end line");
  return TRUE;
}

/* A `<path>.tmp` left by a crash is ignored: the store itself is whole, and
 * the next write replaces the temporary. */
static gboolean
store_load (ProvStore *self, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GHashTable) entries = NULL;
  const char *problem, *trailer, *p;
  gsize len, line, header_len = strlen (STORE_MAGIC);
  guint64 count;

  if (!g_file_get_contents (self->path, &data, &len, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED, "%s", local_error->message);
      return FALSE;
    }
  if (len < header_len || memcmp (data, STORE_MAGIC, header_len) != 0)
    return corrupt (error, self->path, 1, "not a store file of a known format version");
  if (!check_end_line (self->path, data, len, &trailer, &count, error))
    return FALSE;

  entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) entry_free);
  for (p = data + header_len, line = 2; p < trailer; line++)
    {
      const char *nl = memchr (p, '\n', trailer - p);

      if (!parse_line (entries, p, nl - p, &problem))
        return corrupt (error, self->path, line, problem);
      p = nl + 1;
    }
  if (g_hash_table_size (entries) != count)
    return corrupt (error, self->path, line, "wrong number of entries");

  g_hash_table_unref (self->entries);
  self->entries = g_steal_pointer (&entries);
  return TRUE;
}

/* Secrets live here: the file is 0600. */
static gboolean
store_write (ProvStore *self, const GString *contents, GError **error)
{
  return prov_atomic_file_write (self->path, contents->str, contents->len, 0600, error);
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
  if (path != NULL && !store_load (self, error))
    return NULL;
  return g_steal_pointer (&self);
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

  entry = g_hash_table_lookup (self->entries, name);
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

  entry = g_hash_table_lookup (self->entries, name);
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
  return spec != NULL && spec->secret;
}

static gboolean
user_may_read (ProvStore *self, const char *name)
{
  return prov_store_get_access (self, name) != PROV_ACCESS_NA
         && !prov_store_is_secret (self, name);
}

gboolean
prov_store_read (ProvStore *self, const char *name, ProvCaller caller, char **value,
                 GError **error)
{
  const char *current;

  g_return_val_if_fail (PROV_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL && value != NULL, FALSE);

  current = prov_store_get (self, name);
  /* One answer for unknown, `na` and secret: a user learns nothing. */
  if (current == NULL || (caller != PROV_CALLER_ADMIN && !user_may_read (self, name)))
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_PERMISSION_DENIED,
                   "no such parameter: %s", name);
      return FALSE;
    }
  *value = g_strdup (current);
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
  GHashTableIter iter;
  const char *name;

  g_return_val_if_fail (PROV_IS_STORE (self), NULL);

  known = prov_schema_list_names (self->schema);
  for (guint i = 0; known[i] != NULL; i++)
    g_ptr_array_add (names, known[i]);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    {
      if (prov_schema_lookup (self->schema, name) == NULL)
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

const char *
prov_store_mask (ProvStore *self, const char *name, const char *value)
{
  g_return_val_if_fail (PROV_IS_STORE (self), value);
  g_return_val_if_fail (name != NULL, value);

  if (value != NULL && value[0] != '\0' && prov_store_is_secret (self, name))
    return MASK;
  return value;
}

/* ---- applying ---- */

/* What a change set does to one name; the last value and access win. */
typedef struct
{
  const char *name;          /* borrowed from the change set */
  Entry      *entry;         /* current entry, or NULL */
  gboolean    set_value;
  char       *value;         /* normalized; NULL with set_value = the default */
  int         access;        /* PROV_ACCESS_UNSET: keep */
  gboolean    value_changed;
  gboolean    access_changed;
} Pending;

static void
pending_clear (Pending *pending)
{
  g_free (pending->value);
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

static void
set_change_error (GError **error, const Change *change, const GError *cause)
{
  g_autoptr (GString) msg = g_string_new (NULL);

  if (change->origin != NULL)
    g_string_append_printf (msg, "%s: ", change->origin);
  if (change->line > 0)
    g_string_append_printf (msg, "line %u: ", change->line);
  g_string_append (msg, cause->message);
  g_set_error_literal (error, PROV_ERROR, cause->code, msg->str);
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

/* Validates every change into @pending (one per name) without touching
 * the store. */
static gboolean
collect_changes (ProvStore *self, ProvChangeSet *changes, ProvCaller caller,
                 GArray *pending, GHashTable *by_name, GError **error)
{
  gboolean keep_unknown = prov_schema_get_keep_unknown (self->schema);

  for (guint i = 0; i < changes->changes->len; i++)
    {
      const Change *change = &g_array_index (changes->changes, Change, i);
      const ProvParamSpec *spec = prov_schema_lookup (self->schema, change->name);
      g_autoptr (GError) local_error = NULL;
      g_autofree char *value = NULL;
      Pending *p;
      gpointer index;

      if (caller != PROV_CALLER_ADMIN && !check_user_write (self, change, &local_error))
        {
          set_change_error (error, change, local_error);
          return FALSE;
        }
      if (spec == NULL && !keep_unknown)
        continue;
      if (change->value != NULL && change->value[0] != '\0'
          && !prov_schema_normalize (self->schema, change->name, change->value, &value,
                                     &local_error))
        {
          set_change_error (error, change, local_error);
          return FALSE;
        }
      if (change->value != NULL && value == NULL)
        value = g_strdup ("");
      /* Blanks only normalize to "" too. */
      if (value != NULL && value[0] == '\0' && empty_restores_default (spec))
        g_clear_pointer (&value, g_free);

      if (g_hash_table_lookup_extended (by_name, change->name, NULL, &index))
        p = &g_array_index (pending, Pending, GPOINTER_TO_UINT (index));
      else
        {
          g_hash_table_insert (by_name, change->name, GUINT_TO_POINTER (pending->len));
          g_array_set_size (pending, pending->len + 1);
          p = &g_array_index (pending, Pending, pending->len - 1);
          p->name = change->name;
          p->access = PROV_ACCESS_UNSET;
        }
      if (change->value != NULL)
        {
          g_free (p->value);
          p->value = g_steal_pointer (&value);
          p->set_value = TRUE;
        }
      if (change->access != PROV_ACCESS_UNSET)
        p->access = change->access;
    }
  return TRUE;
}

/* Marks what really changes; returns the changed names, sorted. */
static GPtrArray *
diff_changes (ProvStore *self, GArray *pending)
{
  GPtrArray *changed = g_ptr_array_new ();

  for (guint i = 0; i < pending->len; i++)
    {
      Pending *p = &g_array_index (pending, Pending, i);
      const ProvParamSpec *spec = prov_schema_lookup (self->schema, p->name);
      const char *old_value = NULL;
      int old_access = PROV_ACCESS_UNSET;

      p->entry = g_hash_table_lookup (self->entries, p->name);
      if (p->entry != NULL)
        {
          old_value = p->entry->value;
          old_access = p->entry->access;
        }
      p->value_changed = p->set_value
        && g_strcmp0 (effective_value (spec, old_value, p->entry != NULL),
                      effective_value (spec, p->value, TRUE)) != 0;
      /* An unknown name a profile gives an access level (`<X ua="na"/>`)
       * comes to exist, even at the access it would have had. */
      p->access_changed = p->access != PROV_ACCESS_UNSET
        && (effective_access (spec, old_access) != effective_access (spec, p->access)
            || (spec == NULL && p->entry == NULL));
      if (p->value_changed || p->access_changed)
        g_ptr_array_add (changed, (gpointer) p->name);
    }
  g_ptr_array_sort (changed, compare_strings);
  return changed;
}

static const char *
pending_value (const Pending *p)
{
  if (p->value_changed)
    return p->value;
  return p->entry != NULL ? p->entry->value : NULL;
}

static int
pending_access (const Pending *p)
{
  if (p->access_changed)
    return p->access;
  return p->entry != NULL ? p->entry->access : PROV_ACCESS_UNSET;
}

/* The file the store will hold once @pending is applied. */
static GString *
serialize (ProvStore *self, GArray *pending, GHashTable *by_name)
{
  GString *out = g_string_sized_new (64 * (g_hash_table_size (self->entries) + pending->len));
  GHashTableIter iter;
  Entry *entry;
  gpointer index;
  guint count = 0;

  g_string_append (out, STORE_MAGIC);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    {
      const char *value = entry->value;
      int access = entry->access;

      if (g_hash_table_lookup_extended (by_name, entry->name, NULL, &index))
        {
          const Pending *p = &g_array_index (pending, Pending, GPOINTER_TO_UINT (index));

          value = pending_value (p);
          access = pending_access (p);
        }
      if (value != NULL || access != PROV_ACCESS_UNSET)
        {
          append_entry (out, entry->name, value, access);
          count++;
        }
    }
  for (guint i = 0; i < pending->len; i++)
    {
      const Pending *p = &g_array_index (pending, Pending, i);

      if (p->entry == NULL && (p->value_changed || p->access_changed))
        {
          append_entry (out, p->name, pending_value (p), pending_access (p));
          count++;
        }
    }
  append_trailer (out, count);
  return out;
}

static void
commit (ProvStore *self, GArray *pending)
{
  for (guint i = 0; i < pending->len; i++)
    {
      Pending *p = &g_array_index (pending, Pending, i);
      Entry *entry = p->entry;

      if (!p->value_changed && !p->access_changed)
        continue;
      if (entry == NULL)
        {
          entry = entry_new (p->name, strlen (p->name), NULL, PROV_ACCESS_UNSET);
          g_hash_table_insert (self->entries, entry->name, entry);
        }
      if (p->value_changed)
        {
          g_free (entry->value);
          entry->value = g_steal_pointer (&p->value);
        }
      if (p->access_changed)
        entry->access = p->access;
      if (entry->value == NULL && entry->access == PROV_ACCESS_UNSET)
        g_hash_table_remove (self->entries, entry->name);
    }
}

gboolean
prov_store_apply (ProvStore *self, ProvChangeSet *changes, ProvCaller caller, GStrv *changed,
                  GError **error)
{
  g_autoptr (GArray) pending = g_array_new (FALSE, TRUE, sizeof (Pending));
  g_autoptr (GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) names = NULL;
  g_auto (GStrv) result = NULL;

  g_return_val_if_fail (PROV_IS_STORE (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_array_set_clear_func (pending, (GDestroyNotify) pending_clear);
  if (!collect_changes (self, changes, caller, pending, by_name, error))
    return FALSE;

  names = diff_changes (self, pending);
  if (names->len > 0 && self->path != NULL)
    {
      g_autoptr (GString) contents = serialize (self, pending, by_name);

      if (!store_write (self, contents, error))
        return FALSE;
    }
  g_ptr_array_add (names, NULL);
  result = g_strdupv ((char **) names->pdata);
  commit (self, pending);

  if (result[0] != NULL)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, result);
  if (changed != NULL)
    *changed = g_steal_pointer (&result);
  return TRUE;
}
