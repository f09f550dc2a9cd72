/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "prov-condition.h"
#include "prov-error.h"
#include "prov-rule.h"
#include "prov-schedule.h"
#include "prov-schema.h"

/* A typo like {1..10000000} must not eat the memory. */
#define MAX_RANGE_SIZE 10000

struct _ProvSchema
{
  GObject     parent_instance;

  GHashTable *specs;     /* name → ProvParamSpec*, a view of one of templates */
  GPtrArray  *templates; /* one ProvParamSpec per group, owning what views share */
  gboolean    keep_unknown;
};

G_DEFINE_TYPE (ProvSchema, prov_schema, G_TYPE_OBJECT)

static const char *const type_names[] = {
  [PROV_PARAM_STRING] = "string",
  [PROV_PARAM_BOOL] = "bool",
  [PROV_PARAM_INT] = "int",
  [PROV_PARAM_ENUM] = "enum",
  [PROV_PARAM_SCHEDULE] = "schedule",
  [PROV_PARAM_RULE] = "rule",
  [PROV_PARAM_EXPRESSION] = "expression",
  [PROV_PARAM_HHMM] = "hhmm",
  [PROV_PARAM_SECRET] = "secret",
  [PROV_PARAM_INT_LIST] = "int-list",
  [PROV_PARAM_VERSION] = "version",
  [PROV_PARAM_HOST_LIST] = "host-list",
};

static const char *const known_keys[] = {
  "Type", "Min", "Max", "Values", "Aliases", "Default", "Access",
  "Secret", "Restart", "Options", "Description", NULL
};

static void
param_spec_free (ProvParamSpec *spec)
{
  g_free (spec->name);
  g_strfreev (spec->enum_values);
  g_strfreev (spec->enum_aliases);
  g_strfreev (spec->rule_uses);
  g_free (spec->default_value);
  g_free (spec->description);
  g_free (spec);
}

/* One name of a group: the group's spec with its own name, in one block
 * freed by g_free(). {1..16} ranges make most of the schema's names, and
 * copying each one's values, aliases and description was most of the
 * schema's load and free, which every process pays. */
static ProvParamSpec *
param_spec_view (const ProvParamSpec *template, const char *name)
{
  gsize len = strlen (name) + 1;
  ProvParamSpec *view = g_malloc (sizeof *view + len);

  *view = *template;
  view->name = memcpy ((char *) (view + 1), name, len);
  return view;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvParamSpec, param_spec_free)

static void
prov_schema_finalize (GObject *object)
{
  ProvSchema *self = PROV_SCHEMA (object);

  g_hash_table_unref (self->specs);
  g_ptr_array_unref (self->templates);
  G_OBJECT_CLASS (prov_schema_parent_class)->finalize (object);
}

static void
prov_schema_class_init (ProvSchemaClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = prov_schema_finalize;
}

static void
prov_schema_init (ProvSchema *self)
{
  self->specs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  self->templates = g_ptr_array_new_with_free_func ((GDestroyNotify) param_spec_free);
  self->keep_unknown = TRUE;
}

ProvSchema *
prov_schema_new (void)
{
  return g_object_new (PROV_TYPE_SCHEMA, NULL);
}

const char *
prov_param_type_to_string (ProvParamType type)
{
  if ((guint) type < G_N_ELEMENTS (type_names))
    return type_names[type];
  return "unknown";
}

static gboolean
param_type_from_string (const char *str, ProvParamType *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (type_names); i++)
    {
      if (g_strcmp0 (str, type_names[i]) == 0)
        {
          *type = i;
          return TRUE;
        }
    }
  return FALSE;
}

/* ---- value checks, shared by normalize and by schema defaults ---- */

/* Decimal with optional sign, nothing else; blanks are trimmed by the caller. */
static gboolean
parse_int (const char *str, gint64 *value)
{
  const char *p = str;
  char *end = NULL;

  if (*p == '+' || *p == '-')
    p++;
  if (!g_ascii_isdigit (*p))
    return FALSE;
  errno = 0;
  *value = g_ascii_strtoll (str, &end, 10);
  return errno == 0 && *end == '\0';
}

/* Writes "'<value>' is not …" style problems; the caller adds the name,
 * or hides the value of a secret. */
static gboolean
check_int (const ProvParamSpec *spec, const char *str, gint64 *value, GString *problem)
{
  if (!parse_int (str, value))
    {
      g_string_printf (problem, "'%s' is not an integer", str);
      return FALSE;
    }
  if (*value < spec->min || *value > spec->max)
    {
      g_string_printf (problem, "%s is out of range %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT,
                       str, spec->min, spec->max);
      return FALSE;
    }
  return TRUE;
}

static char *
normalize_int_list (const ProvParamSpec *spec, const char *value, GString *problem)
{
  g_auto (GStrv) items = g_strsplit (value, ",", -1);
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; items[i] != NULL; i++)
    {
      gint64 v;

      g_strstrip (items[i]);
      if (!check_int (spec, items[i], &v, problem))
        return NULL;
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_printf (out, "%" G_GINT64_FORMAT, v);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
is_host (const char *host)
{
  if (g_str_has_prefix (host, "*."))
    host += 2;
  if (*host == '\0')
    return FALSE;
  for (const char *p = host; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && strchr (".-:[]", *p) == NULL)
        return FALSE;
    }
  return TRUE;
}

static char *
normalize_host_list (const char *value, GString *problem)
{
  g_auto (GStrv) items = g_strsplit (value, ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_strstrip (items[i]);
      if (!is_host (items[i]))
        {
          g_string_printf (problem, "'%s' is not a host name", items[i]);
          return NULL;
        }
    }
  return g_strjoinv (",", items);
}

static char *
normalize_enum (const ProvParamSpec *spec, const char *value, GString *problem)
{
  g_autofree char *allowed = NULL;

  if (g_strv_contains ((const char *const *) spec->enum_values, value))
    return g_strdup (value);
  for (guint i = 0; spec->enum_values[i] != NULL; i++)
    {
      if (g_ascii_strcasecmp (spec->enum_values[i], value) == 0)
        return g_strdup (spec->enum_values[i]);
    }
  for (guint i = 0; spec->enum_aliases != NULL && spec->enum_aliases[i] != NULL; i++)
    {
      const char *eq = strrchr (spec->enum_aliases[i], '=');
      gsize len = eq - spec->enum_aliases[i];

      if (strlen (value) == len && g_ascii_strncasecmp (spec->enum_aliases[i], value, len) == 0)
        return g_strdup (eq + 1);
    }
  allowed = g_strjoinv (", ", spec->enum_values);
  g_string_printf (problem, "'%s' is not one of %s", value, allowed);
  return NULL;
}

/* Returns the canonical form of a non-empty @value, or NULL with @problem. */
static char *
normalize_value (const ProvParamSpec *spec, const char *value, GString *problem)
{
  g_autofree char *trimmed = NULL;
  g_autoptr (GError) local_error = NULL;
  gboolean b;
  gint64 i;

  /* Strings and secrets are taken as they are: blanks may be meant. */
  if (spec->type == PROV_PARAM_STRING || spec->type == PROV_PARAM_SECRET)
    return g_strdup (value);

  trimmed = g_strstrip (g_strdup (value));
  if (trimmed[0] == '\0')
    return g_steal_pointer (&trimmed);

  switch (spec->type)
    {
    case PROV_PARAM_BOOL:
      if (!prov_parse_bool (trimmed, &b))
        {
          g_string_printf (problem, "'%s' is not a boolean", trimmed);
          return NULL;
        }
      return g_strdup (b ? "Yes" : "No");

    case PROV_PARAM_INT:
      if (!check_int (spec, trimmed, &i, problem))
        return NULL;
      return g_strdup_printf ("%" G_GINT64_FORMAT, i);

    case PROV_PARAM_ENUM:
      return normalize_enum (spec, trimmed, problem);

    case PROV_PARAM_INT_LIST:
      return normalize_int_list (spec, trimmed, problem);

    case PROV_PARAM_HOST_LIST:
      return normalize_host_list (trimmed, problem);

    case PROV_PARAM_SCHEDULE:
      {
        guint n = 0;
        g_autofree ProvInterval *intervals = prov_schedule_parse (trimmed, &n, &local_error);

        if (local_error != NULL)
          {
            g_string_assign (problem, local_error->message);
            return NULL;
          }
        return g_steal_pointer (&trimmed);
      }

    case PROV_PARAM_RULE:
      {
        g_autoptr (ProvRule) rule = prov_rule_parse (trimmed, &local_error);

        if (rule == NULL)
          {
            g_string_assign (problem, local_error != NULL ? local_error->message : "invalid rule");
            return NULL;
          }
        return g_steal_pointer (&trimmed);
      }

    case PROV_PARAM_EXPRESSION:
      if (!prov_condition_check_syntax (trimmed, &local_error))
        {
          g_string_assign (problem, local_error != NULL ? local_error->message : "invalid condition");
          return NULL;
        }
      return g_steal_pointer (&trimmed);

    case PROV_PARAM_HHMM:    /* the scheduler ignores invalid times (SPEC §5) */
    case PROV_PARAM_VERSION:
    case PROV_PARAM_STRING:
    case PROV_PARAM_SECRET:
    default:
      return g_steal_pointer (&trimmed);
    }
}

gboolean
prov_schema_normalize (ProvSchema *self, const char *name, const char *value,
                       char **normalized, GError **error)
{
  const ProvParamSpec *spec;
  g_autoptr (GString) problem = g_string_new (NULL);
  char *result;

  g_return_val_if_fail (PROV_IS_SCHEMA (self), FALSE);
  g_return_val_if_fail (name != NULL && value != NULL && normalized != NULL, FALSE);

  spec = g_hash_table_lookup (self->specs, name);
  if (spec == NULL)
    {
      *normalized = g_strdup (value);
      return TRUE;
    }
  result = normalize_value (spec, value, problem);
  if (result == NULL)
    {
      /* A secret's value must not reach a log through an error message. */
      if (spec->secret)
        g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE, "%s: invalid value", name);
      else
        g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE, "%s: %s", name, problem->str);
      return FALSE;
    }
  *normalized = result;
  return TRUE;
}

char *
prov_schema_get_warning (ProvSchema *self, const char *name, const char *value)
{
  const ProvParamSpec *spec;
  g_autoptr (ProvRule) rule = NULL;
  g_autofree char *unused = NULL;

  g_return_val_if_fail (PROV_IS_SCHEMA (self), NULL);
  g_return_val_if_fail (name != NULL && value != NULL, NULL);

  spec = g_hash_table_lookup (self->specs, name);
  if (spec == NULL || spec->type != PROV_PARAM_RULE || spec->rule_uses == NULL)
    return NULL;
  rule = prov_rule_parse (value, NULL);
  if (rule == NULL)
    return NULL;
  unused = prov_rule_list_unused (rule, (const char *const *) spec->rule_uses,
                                  g_strv_contains ((const char *const *) spec->rule_uses,
                                                   "assignments"));
  if (unused == NULL)
    return NULL;
  return g_strdup_printf ("%s: %s not used here, ignored", name, unused);
}

/* ---- schema files ---- */

static gboolean
is_valid_name (const char *name)
{
  if (*name == '\0')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && strchr ("_-./", *p) == NULL)
        return FALSE;
    }
  return TRUE;
}

/* "1..10" or "A..P" (one case): the bounds of a range in a group name. */
static gboolean
parse_range (const char *range, gint64 *first, gint64 *last, gboolean *letters)
{
  g_auto (GStrv) bounds = g_strsplit (range, "..", 2);
  const char *a, *b;

  if (g_strv_length (bounds) != 2)
    return FALSE;
  a = bounds[0];
  b = bounds[1];
  *letters = FALSE;
  if (parse_int (a, first) && parse_int (b, last))
    ;
  else if (strlen (a) == 1 && strlen (b) == 1
           && ((g_ascii_isupper (*a) && g_ascii_isupper (*b))
               || (g_ascii_islower (*a) && g_ascii_islower (*b))))
    {
      *letters = TRUE;
      *first = *a;
      *last = *b;
    }
  else
    return FALSE;
  return *first >= 0 && *first <= *last && *last - *first < MAX_RANGE_SIZE;
}

/* "Privacy_Header_{1..10}_" → Privacy_Header_1_ … Privacy_Header_10_,
 * "GPP_S{A..D}" → GPP_SA … GPP_SD; a name without braces stands for itself. */
static GStrv
expand_group_name (const char *group, GString *problem)
{
  const char *open = strchr (group, '{');
  const char *close = open != NULL ? strchr (open, '}') : NULL;
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  g_autofree char *prefix = NULL;
  g_autofree char *range = NULL;
  gint64 first, last;
  gboolean letters;

  if (open == NULL && strchr (group, '}') == NULL)
    {
      g_strv_builder_add (names, group);
      return g_strv_builder_end (names);
    }
  if (close != NULL && strpbrk (close + 1, "{}") == NULL)
    {
      prefix = g_strndup (group, open - group);
      range = g_strndup (open + 1, close - open - 1);
    }
  if (range == NULL || !parse_range (range, &first, &last, &letters))
    {
      g_string_assign (problem, "bad range: one {N..M} or {A..Z} per name, in order");
      return NULL;
    }
  for (gint64 i = first; i <= last; i++)
    {
      g_autofree char *name = letters
        ? g_strdup_printf ("%s%c%s", prefix, (char) i, close + 1)
        : g_strdup_printf ("%s%" G_GINT64_FORMAT "%s", prefix, i, close + 1);
      g_strv_builder_add (names, name);
    }
  return g_strv_builder_end (names);
}

/* NULL when the group has no such key. g_key_file_get_string() would say
 * so with a formatted GError, and most keys are absent from most groups:
 * that was a tenth of every process's schema load. */
static char *
get_optional_string (GKeyFile *kf, const char *group, const char *key)
{
  if (!g_key_file_has_key (kf, group, key, NULL))
    return NULL;
  return g_key_file_get_string (kf, group, key, NULL);
}

static gboolean
get_optional_bool (GKeyFile *kf, const char *group, const char *key, gboolean fallback,
                   gboolean *value, GString *problem)
{
  g_autoptr (GError) local_error = NULL;

  if (!g_key_file_has_key (kf, group, key, NULL))
    {
      *value = fallback;
      return TRUE;
    }
  *value = g_key_file_get_boolean (kf, group, key, &local_error);
  if (local_error != NULL)
    {
      g_string_printf (problem, "%s is not true or false", key);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_optional_int64 (GKeyFile *kf, const char *group, const char *key, gint64 fallback,
                    gint64 *value, GString *problem)
{
  g_autofree char *str = get_optional_string (kf, group, key);

  if (str == NULL)
    {
      *value = fallback;
      return TRUE;
    }
  g_strstrip (str);
  if (!parse_int (str, value))
    {
      g_string_printf (problem, "%s: '%s' is not an integer", key, str);
      return FALSE;
    }
  return TRUE;
}

/* Aliases=無効化=Disabled;…: other spellings of enum values, each naming
 * one of Values. */
static gboolean
get_enum_aliases (GKeyFile *kf, const char *group, ProvParamSpec *spec, GString *problem)
{
  g_auto (GStrv) values = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  if (g_key_file_has_key (kf, group, "Aliases", NULL))
    values = g_key_file_get_string_list (kf, group, "Aliases", NULL, NULL);

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      const char *eq = strrchr (values[i], '=');

      if (values[i][0] == '\0')
        continue;
      if (eq == NULL || eq == values[i]
          || !g_strv_contains ((const char *const *) spec->enum_values, eq + 1))
        {
          g_string_printf (problem, "Aliases: '%s' is not ALIAS=one of Values", values[i]);
          return FALSE;
        }
      g_strv_builder_add (builder, values[i]);
    }
  spec->enum_aliases = g_strv_builder_end (builder);
  return TRUE;
}

/* Options=uid;pwd;post: what a rule's consumer uses of the one syntax. */
static gboolean
get_rule_uses (GKeyFile *kf, const char *group, ProvParamSpec *spec, GString *problem)
{
  static const char *const known[] = { "key", "uid", "pwd", "post", "alias", "srv",
                                       "assignments", NULL };
  g_auto (GStrv) values = NULL;
  g_autoptr (GStrvBuilder) builder = NULL;

  if (!g_key_file_has_key (kf, group, "Options", NULL))
    return TRUE;
  if (spec->type != PROV_PARAM_RULE)
    {
      g_string_assign (problem, "Options is for rules only");
      return FALSE;
    }
  values = g_key_file_get_string_list (kf, group, "Options", NULL, NULL);
  builder = g_strv_builder_new ();
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      const char *name = g_strstrip (values[i]);

      if (g_str_has_prefix (name, "--"))
        name += 2;
      if (name[0] == '\0')
        continue;
      if (!g_strv_contains (known, name))
        {
          g_string_printf (problem, "Options: unknown '%s'", name);
          return FALSE;
        }
      g_strv_builder_add (builder, name);
    }
  spec->rule_uses = g_strv_builder_end (builder);
  return TRUE;
}

/* Reads one group into a spec whose name is still unset. */
static ProvParamSpec *
parse_group (GKeyFile *kf, const char *group, GString *problem)
{
  g_autoptr (ProvParamSpec) spec = g_new0 (ProvParamSpec, 1);
  g_auto (GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);
  g_autofree char *type = NULL;
  g_autofree char *access = NULL;
  gboolean secret;

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      /* Translations of the description (Description[ja]) are welcome. */
      if (!g_strv_contains (known_keys, keys[i]) && !g_str_has_prefix (keys[i], "Description["))
        {
          g_string_printf (problem, "unknown key '%s'", keys[i]);
          return NULL;
        }
    }

  type = get_optional_string (kf, group, "Type");
  if (type == NULL)
    {
      g_string_assign (problem, "missing Type");
      return NULL;
    }
  g_strstrip (type);
  if (!param_type_from_string (type, &spec->type))
    {
      g_string_printf (problem, "unknown Type '%s'", type);
      return NULL;
    }

  if (!get_optional_int64 (kf, group, "Min", G_MININT64, &spec->min, problem)
      || !get_optional_int64 (kf, group, "Max", G_MAXINT64, &spec->max, problem))
    return NULL;
  if (spec->min > spec->max)
    {
      g_string_assign (problem, "Min is greater than Max");
      return NULL;
    }

  if (spec->type == PROV_PARAM_ENUM)
    {
      g_auto (GStrv) values = g_key_file_get_string_list (kf, group, "Values", NULL, NULL);
      g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

      for (guint i = 0; values != NULL && values[i] != NULL; i++)
        {
          if (values[i][0] != '\0')
            g_strv_builder_add (builder, values[i]);
        }
      spec->enum_values = g_strv_builder_end (builder);
      if (spec->enum_values[0] == NULL)
        {
          g_string_assign (problem, "an enum needs Values");
          return NULL;
        }
      if (!get_enum_aliases (kf, group, spec, problem))
        return NULL;
    }
  else if (g_key_file_has_key (kf, group, "Aliases", NULL))
    {
      g_string_assign (problem, "Aliases is for enums only");
      return NULL;
    }

  access = get_optional_string (kf, group, "Access");
  if (access == NULL)
    spec->access = PROV_ACCESS_NA;
  else if (!prov_access_from_string (g_strstrip (access), &spec->access))
    {
      g_string_printf (problem, "Access '%s' is not na, ro or rw", access);
      return NULL;
    }

  if (!get_optional_bool (kf, group, "Secret", FALSE, &secret, problem)
      || !get_optional_bool (kf, group, "Restart", FALSE, &spec->restart, problem)
      || !get_rule_uses (kf, group, spec, problem))
    return NULL;
  spec->secret = secret || spec->type == PROV_PARAM_SECRET;

  spec->description = get_optional_string (kf, group, "Description");
  spec->default_value = get_optional_string (kf, group, "Default");
  if (spec->default_value == NULL)
    spec->default_value = g_strdup ("");

  /* Types checked here without other modules: a bad default is a schema bug. */
  if (spec->default_value[0] != '\0'
      && (spec->type == PROV_PARAM_BOOL || spec->type == PROV_PARAM_INT
          || spec->type == PROV_PARAM_ENUM || spec->type == PROV_PARAM_INT_LIST
          || spec->type == PROV_PARAM_HOST_LIST))
    {
      g_autoptr (GString) why = g_string_new (NULL);
      char *canonical = normalize_value (spec, spec->default_value, why);

      if (canonical == NULL)
        {
          g_string_printf (problem, "Default: %s", why->str);
          return NULL;
        }
      g_free (spec->default_value);
      spec->default_value = canonical;
    }
  return g_steal_pointer (&spec);
}

gboolean
prov_schema_load_data (ProvSchema *self, const char *data, const char *origin, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GPtrArray) specs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) templates = g_ptr_array_new_with_free_func ((GDestroyNotify) param_spec_free);
  g_autoptr (GString) problem = g_string_new (NULL);
  g_auto (GStrv) groups = NULL;
  g_autofree ProvParamSpec **parsed = NULL;
  gsize n_parsed = 0;

  g_return_val_if_fail (PROV_IS_SCHEMA (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  if (origin == NULL)
    origin = "schema";
  if (!g_key_file_load_from_data (kf, data, -1, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_CORRUPT, "%s: %s", origin, local_error->message);
      return FALSE;
    }

  /* Parse the whole file before touching the schema: a bad file adds nothing. */
  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autoptr (ProvParamSpec) spec = parse_group (kf, groups[i], problem);
      g_auto (GStrv) names = NULL;

      if (spec != NULL)
        names = expand_group_name (groups[i], problem);
      for (guint j = 0; names != NULL && names[j] != NULL; j++)
        {
          if (!is_valid_name (names[j]))
            {
              g_string_printf (problem, "'%s' is not a valid parameter name", names[j]);
              g_clear_pointer (&names, g_strfreev);
              break;
            }
          g_ptr_array_add (specs, param_spec_view (spec, names[j]));
        }
      if (names == NULL)
        {
          g_set_error (error, PROV_ERROR, PROV_ERROR_CORRUPT, "%s: [%s]: %s",
                       origin, groups[i], problem->str);
          return FALSE;
        }
      g_ptr_array_add (templates, g_steal_pointer (&spec));
    }

  /* The table owns the specs from here on, the schema what they share. */
  g_ptr_array_extend_and_steal (self->templates, g_steal_pointer (&templates));
  parsed = (ProvParamSpec **) g_ptr_array_steal (specs, &n_parsed);
  for (gsize i = 0; i < n_parsed; i++)
    g_hash_table_replace (self->specs, parsed[i]->name, parsed[i]);
  return TRUE;
}

gboolean
prov_schema_load_file (ProvSchema *self, const char *path, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (PROV_IS_SCHEMA (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_file_get_contents (path, &data, NULL, &local_error))
    {
      g_set_error (error, PROV_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                     ? PROV_ERROR_FILE_NOT_FOUND : PROV_ERROR_FAILED,
                   "%s", local_error->message);
      return FALSE;
    }
  return prov_schema_load_data (self, data, path, error);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

gboolean
prov_schema_load_dirs (ProvSchema *self, const char *const *dirs, GError **error)
{
  g_return_val_if_fail (PROV_IS_SCHEMA (self), FALSE);

  for (guint i = 0; dirs != NULL && dirs[i] != NULL; i++)
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (GDir) dir = g_dir_open (dirs[i], 0, &local_error);
      g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
      const char *entry;

      if (dir == NULL)
        {
          if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
              || g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR))
            continue;
          g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED, "%s", local_error->message);
          return FALSE;
        }
      while ((entry = g_dir_read_name (dir)) != NULL)
        {
          if (g_str_has_suffix (entry, ".schema"))
            g_ptr_array_add (files, g_strdup (entry));
        }
      g_ptr_array_sort (files, compare_strings);
      for (guint j = 0; j < files->len; j++)
        {
          g_autofree char *path = g_build_filename (dirs[i], files->pdata[j], NULL);

          if (!prov_schema_load_file (self, path, error))
            return FALSE;
        }
    }
  return TRUE;
}

const ProvParamSpec *
prov_schema_lookup (ProvSchema *self, const char *name)
{
  g_return_val_if_fail (PROV_IS_SCHEMA (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->specs, name);
}

GStrv
prov_schema_list_names (ProvSchema *self)
{
  g_autofree const char **keys = NULL;
  guint n;

  g_return_val_if_fail (PROV_IS_SCHEMA (self), NULL);

  keys = (const char **) g_hash_table_get_keys_as_array (self->specs, &n);
  qsort (keys, n, sizeof *keys, compare_strings);
  return g_strdupv ((char **) keys);
}

gboolean
prov_schema_get_keep_unknown (ProvSchema *self)
{
  g_return_val_if_fail (PROV_IS_SCHEMA (self), FALSE);

  return self->keep_unknown;
}

void
prov_schema_set_keep_unknown (ProvSchema *self, gboolean keep)
{
  g_return_if_fail (PROV_IS_SCHEMA (self));

  self->keep_unknown = keep;
}
