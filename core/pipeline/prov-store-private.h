/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the store and its change sets (prov-change-set.c) share; not
 * installed. */

#include "prov-store.h"

G_BEGIN_DECLS

/* One name's change; @seq is the number of adds when it was last set (the
 * first add is 1), @first_seq when the name first came. */
typedef struct
{
  const char *name;   /* the schema's copy, or in the set's @strings */
  const char *value;  /* in @strings; NULL: keep the value */
  guint       line;
  guint       seq;
  guint       first_seq; /* in @replaced: the index in @changes */
  /* 32 bytes a name, not 40: a profile of 500,000 names is held whole. */
  guint       origin : 24; /* in @origins + 1; 0: none */
  int         access : 8;  /* PROV_ACCESS_UNSET: keep the access level */
} Change;

struct _ProvChangeSet
{
  GArray     *changes;    /* Change, one per name, in the order names came */
  /* The index of each name's Change: open addressing over @changes, a
   * slot holds an index + 1 (0: free). 4 bytes a slot where a GHashTable
   * took 20: a profile of 500,000 names holds this while it is parsed. */
  guint32    *slots;
  guint       n_slots;    /* a power of 2, at most 3/4 used */
  /* Unknown names and every value, each distinct value once: a profile
   * says "Yes" a thousand times. Never freed one by one, so a replaced
   * value costs nothing more unless it is new. */
  GStringChunk *strings;
  guint       n_added;
  /* Without a schema: every state a later add replaced, checked by the
   * apply as before (a later valid value does not excuse an invalid one)
   * and the undo log of a truncate. With a schema, replaced values are
   * checked as they are replaced and only the states from before the
   * mark are kept. */
  GArray     *replaced;   /* Change, in the order they were replaced */
  ProvSchema *schema;
  guint       mark;
  GError     *replaced_error; /* the earliest invalid replaced value */
  /* Where the changes came from (a profile's URL, "rule"), each once. */
  GPtrArray  *origins;
  GHashTable *origin_index; /* origin → index in @origins + 1 */
  guint       replaced_error_seq;
  guint       replaced_error_at; /* when it was replaced */
};

/* Frees what only adds and the apply need (the changes, their index),
 * keeping the strings the names are in: the set is spent. */
void prov_change_set_spend (ProvChangeSet *set);

/* @error for @change, which @cause refused: "origin: line N: cause". */
void prov_change_set_error (GError              **error,
                            const ProvChangeSet  *set,
                            const Change         *change,
                            const GError         *cause);

G_END_DECLS
