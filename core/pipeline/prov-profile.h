/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "prov-types.h"

G_BEGIN_DECLS

/**
 * ProvProfileEntry:
 * @name: local name; leaves of a group (a child of flat-profile that holds
 *   elements) are path-qualified: "router-configuration/Time_Setup/Time_Zone"
 * @value: trimmed, newlines folded to spaces, entities decoded; NULL when the
 *   value is to be kept (self-closing element, or preserve-value="y")
 * @access: PROV_ACCESS_* from `ua`, or PROV_ACCESS_UNSET
 * @line: 1-based line of the element in the document
 */
typedef struct
{
  char  *name;
  char  *value;
  int    access;
  guint  line;
} ProvProfileEntry;

#define PROV_PROFILE_DEFAULT_MAX_SIZE    (32 * 1024 * 1024)
#define PROV_PROFILE_DEFAULT_MAX_DEPTH   32
#define PROV_PROFILE_DEFAULT_MAX_ENTRIES 1000000

/* Bounds of one parse; NULL limits, or a field left 0, mean the default. */
typedef struct
{
  gsize max_size;    /* bytes of XML; default 32 MiB */
  guint max_depth;   /* element nesting; default 32 */
  guint max_entries; /* parameters; default 1000000 */
} ProvProfileLimits;

typedef struct _ProvProfile ProvProfile;

/**
 * prov_profile_parse:
 * Parses an XML flat profile (SPEC §2.1) with no network, no DTD, no entity
 * expansion, and the given bounds. A document that is not well formed, has
 * a DOCTYPE, exceeds a bound or has no flat-profile element is refused whole
 * with PROV_ERROR_CORRUPT whose message says what and where
 * ("line 7: Opening and ending tag mismatch: GPP_A and GPP_B").
 * Those and nothing else: what is merely unusual (an invalid `ua`, an
 * unknown attribute) is ignored with a warning, see
 * prov_profile_get_warnings().
 */
ProvProfile            *prov_profile_parse       (const char               *data,
                                                  gsize                     len,
                                                  const ProvProfileLimits  *limits,
                                                  GError                  **error);
void                    prov_profile_free        (ProvProfile              *self);

/**
 * ProvProfileParser:
 * The same parse fed piece by piece as a payload arrives (libxml2's push
 * parser): the same bounds and refusals, the size bound counted as the
 * pieces come. After a failed feed, every later feed and the finish fail
 * with the same error.
 */
typedef struct _ProvProfileParser ProvProfileParser;

ProvProfileParser      *prov_profile_parser_new    (const ProvProfileLimits *limits);
/* Hands each entry to @func as soon as it is parsed instead of keeping
 * it (the finished profile then has no entries): a large profile's
 * entries are not held twice. Only before the first feed; @entry and its
 * strings are valid during the call only. A later error still refuses
 * the whole profile: the caller must drop what it got. */
typedef void (*ProvProfileEntryFunc) (const ProvProfileEntry *entry, gpointer user_data);
void                    prov_profile_parser_set_entry_func (ProvProfileParser    *self,
                                                            ProvProfileEntryFunc  func,
                                                            gpointer              user_data);
gboolean                prov_profile_parser_feed   (ProvProfileParser      *self,
                                                    const char             *data,
                                                    gsize                   len,
                                                    GError                **error);
/* Once: the profile, or the error that refuses it whole. */
ProvProfile            *prov_profile_parser_finish (ProvProfileParser      *self,
                                                    GError                **error);
void                    prov_profile_parser_free   (ProvProfileParser      *self);
/* Entries in document order; apply them in order so the last one wins. */
guint                   prov_profile_get_n_entries (ProvProfile            *self);
const ProvProfileEntry *prov_profile_get_entry   (ProvProfile              *self,
                                                  guint                     index);
/* (element-type utf8): "line N: …" for what was ignored, in document
 * order, at most about a hundred. */
GPtrArray              *prov_profile_get_warnings (ProvProfile           *self);
/* The value of the last entry named @name (NULL if absent or kept). */
const char             *prov_profile_lookup      (ProvProfile              *self,
                                                  const char               *name);

/* Writes `<name ua="…">escaped value</name>` (or a self-closing element
 * for a NULL value), for dump and encode. A path-qualified name is written
 * as nested group elements, so that parsing gives the same name back. */
void                    prov_profile_write_entry (GString                  *out,
                                                  const char               *name,
                                                  const char               *value,
                                                  int                       access);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvProfile, prov_profile_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvProfileParser, prov_profile_parser_free)

G_END_DECLS
