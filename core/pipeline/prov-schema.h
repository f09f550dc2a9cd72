/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

#include "prov-types.h"

G_BEGIN_DECLS

typedef enum
{
  PROV_PARAM_STRING,
  PROV_PARAM_BOOL,
  PROV_PARAM_INT,        /* with min/max */
  PROV_PARAM_ENUM,       /* one of enum_values */
  PROV_PARAM_SCHEDULE,   /* prov_schedule_parse() */
  PROV_PARAM_RULE,       /* prov_rule_parse() */
  PROV_PARAM_EXPRESSION, /* prov_condition_check_syntax() */
  PROV_PARAM_HHMM,       /* 0000..2400; invalid values are kept but ignored by the scheduler */
  PROV_PARAM_SECRET,     /* a string never shown to users nor logged */
  PROV_PARAM_INT_LIST,   /* comma-separated integers within min/max */
  PROV_PARAM_VERSION,    /* a firmware version, compared by prov_version_compare() */
  PROV_PARAM_HOST_LIST,  /* comma-separated host names */
} ProvParamType;

/**
 * ProvParamSpec:
 * @name: the parameter name (SPEC §1)
 * @type: the value type
 * @min, @max: range for INT and INT_LIST
 * @enum_values: (nullable): allowed values for ENUM
 * @enum_aliases: (nullable): for ENUM, "other spelling=value" pairs (the
 *   seed's translated labels), accepted and stored as the value
 * @default_value: the default ("" when none)
 * @access: the default user-access level
 * @secret: never shown to users, logs, status or D-Bus reads (GPP_SA…)
 * @restart: a change needs a restart of the consumer
 * @rule_uses: (nullable): for RULE, what its consumer uses of the one rule
 *   syntax: option names without dashes and "assignments"; NULL = all
 */
typedef struct
{
  char          *name;
  ProvParamType  type;
  gint64         min;
  gint64         max;
  char         **enum_values;
  char         **enum_aliases;
  char          *default_value;
  ProvAccess     access;
  gboolean       secret;
  gboolean       restart;
  char         **rule_uses;
  char          *description;
} ProvParamSpec;

#define PROV_TYPE_SCHEMA (prov_schema_get_type ())
G_DECLARE_FINAL_TYPE (ProvSchema, prov_schema, PROV, SCHEMA, GObject)

/**
 * ProvSchema:
 *
 * Parameter descriptions, loaded from `*.schema` key files (see
 * schemas/README.md for the format). Files are read in name order across
 * directories; a later definition of a name replaces an earlier one, so a
 * distribution's drop-in can refine the core schema.
 */
ProvSchema          *prov_schema_new            (void);
gboolean             prov_schema_load_file      (ProvSchema          *self,
                                                 const char          *path,
                                                 GError             **error);
gboolean             prov_schema_load_data      (ProvSchema          *self,
                                                 const char          *data,
                                                 const char          *origin,
                                                 GError             **error);
/* Loads every *.schema of each existing directory (missing ones are skipped). */
gboolean             prov_schema_load_dirs      (ProvSchema          *self,
                                                 const char * const  *dirs,
                                                 GError             **error);
const ProvParamSpec *prov_schema_lookup         (ProvSchema          *self,
                                                 const char          *name);
/* Sorted names of every known parameter. */
GStrv                prov_schema_list_names     (ProvSchema          *self);

/* Unknown parameters are kept as plain strings (default) or dropped. */
gboolean             prov_schema_get_keep_unknown (ProvSchema        *self);
void                 prov_schema_set_keep_unknown (ProvSchema        *self,
                                                   gboolean           keep);

/**
 * prov_schema_normalize:
 * @value: a non-empty value for @name
 * @normalized: (out): the canonical form (bools become "Yes"/"No"; blanks
 *   around values are trimmed except for string and secret types, so a
 *   blank-only value gives ""). A name the schema does not know is
 *   accepted as it is.
 *
 * Returns: FALSE with PROV_ERROR_INVALID_VALUE whose message names the
 * parameter ("Resync_Random_Delay: 70000 is out of range 0..65535").
 */
gboolean             prov_schema_normalize      (ProvSchema          *self,
                                                 const char          *name,
                                                 const char          *value,
                                                 char               **normalized,
                                                 GError             **error);

/**
 * prov_schema_get_warning:
 * @value: a value prov_schema_normalize() accepted for @name
 *
 * Returns: (nullable): what is unusual but harmless about @value, to warn
 * about while it still applies ("Upgrade_Rule: --alias not used here,
 * ignored"), or NULL.
 */
char                *prov_schema_get_warning    (ProvSchema          *self,
                                                 const char          *name,
                                                 const char          *value);

const char          *prov_param_type_to_string  (ProvParamType        type);

G_END_DECLS
