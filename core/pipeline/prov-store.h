/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

#include "prov-host.h"
#include "prov-schema.h"
#include "prov-types.h"

G_BEGIN_DECLS

/**
 * ProvChangeSet:
 *
 * Changes collected from the profiles of one resync (or one "set"), applied
 * all at once or not at all. One entry per name, in the order names first
 * came; for one name the last value and the last access level win, with
 * the @line and @origin of the add that set them (they only make errors
 * say where a value came from). A value a later add replaces must still be
 * valid: a set made with prov_change_set_new() keeps replaced states for
 * the apply to check; one made with prov_change_set_new_checked() checks
 * them against @schema as they are replaced and keeps only the first
 * error, so that a profile repeating names costs one entry per name (such
 * a set is applied by the administrator only).
 */
typedef struct _ProvChangeSet ProvChangeSet;

ProvChangeSet *prov_change_set_new         (void);
ProvChangeSet *prov_change_set_new_checked (ProvSchema    *schema);
void           prov_change_set_free        (ProvChangeSet *self);
/* @value NULL = keep the value (self-closing element, preserve-value);
 * @access PROV_ACCESS_UNSET = keep the access level. */
void           prov_change_set_add         (ProvChangeSet *self,
                                            const char    *name,
                                            const char    *value,
                                            int            access,
                                            const char    *origin,
                                            guint          line);
/* The number of adds so far (a name added twice counts twice). */
guint          prov_change_set_get_size    (ProvChangeSet *self);
/* The number of distinct names, each held once. */
guint          prov_change_set_get_n_names (ProvChangeSet *self);
/* Returns the size, a point prov_change_set_truncate() can return to: a
 * checked set keeps, from then on, the states the later adds replace. */
guint          prov_change_set_mark        (ProvChangeSet *self);
/* Undoes the adds after the first @size (a payload that is not applied).
 * A plain set returns to any size; a checked set to its last mark. */
void           prov_change_set_truncate    (ProvChangeSet *self,
                                            guint          size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvChangeSet, prov_change_set_free)


/**
 * ProvStore:
 *
 * Every parameter's value and access level, persisted crash-safely with
 * mode 0600, since it holds secrets: a sorted base file (replaced whole:
 * write a temporary, fsync, rename, fsync the directory) and a journal of
 * checksummed change records appended to it (see prov-store-file.c). An
 * apply costs what it changes; a read touches about log2(n) lines.
 *
 * Signals: "changed" (GStrv names) after each apply that changed something.
 */
/* @path: the store file, or NULL for a store in memory only (tests). A
 * missing file is an empty store; a truncated or damaged end line, an
 * unknown format, or a damaged journal record before the last is an error
 * (see prov_store_check for the rest). */
ProvStore   *prov_store_new          (ProvSchema     *schema,
                                      const char     *path,
                                      GError        **error);
/* Reads and checks the whole store, which opening does not (it reads the
 * first and last lines of the base, and the journal): a damaged line is
 * otherwise found only when read (and then logged and taken as absent). */
gboolean     prov_store_check        (ProvStore      *self,
                                      GError        **error);
ProvSchema  *prov_store_get_schema   (ProvStore      *self);
const char  *prov_store_get_path     (ProvStore      *self);

/* prov_store_get(), prov_store_get_bool(): prov-host.h. */
gint64       prov_store_get_int      (ProvStore      *self,
                                      const char     *name);
ProvAccess   prov_store_get_access   (ProvStore      *self,
                                      const char     *name);
gboolean     prov_store_is_secret    (ProvStore      *self,
                                      const char     *name);

/**
 * prov_store_read:
 * The value as @caller may see it. A user asking for an `na` parameter gets
 * PROV_ERROR_PERMISSION_DENIED (the same answer as for an unknown name, so
 * that `na` parameters stay invisible); nobody but the admin reads a
 * secret, and the admin's reads for display go through prov_store_mask().
 */
gboolean     prov_store_read         (ProvStore      *self,
                                      const char     *name,
                                      ProvCaller      caller,
                                      char          **value,
                                      GError        **error);
/* Names @caller may see, sorted: every stored and every known name for the
 * admin, the non-`na`, non-secret ones for a user. */
GStrv        prov_store_list_names   (ProvStore      *self,
                                      ProvCaller      caller);
/* Gives back the memory of what reads brought in from the store file (its
 * pages stay in the page cache): a caller that reads many names, the CLI
 * showing what a resync of 500,000 names changed, does not end up with
 * the whole file in its memory. */
void         prov_store_trim         (ProvStore      *self);
/* The value to show a person: secrets become "********" (empty stays empty). */
const char  *prov_store_mask         (ProvStore      *self,
                                      const char     *name,
                                      const char     *value);
/* The value to show @caller: prov_store_mask(), and for a caller below the
 * admin a rule's --key, --uid and --pwd arguments and URL passwords become
 * `…` (prov_rule_mask_secrets()), and so do the passwords of URLs in any
 * other value (prov_text_mask_url_passwords()). NULL for a NULL @value. */
char        *prov_store_show         (ProvStore      *self,
                                      const char     *name,
                                      const char     *value,
                                      ProvCaller      caller);

/**
 * prov_store_apply:
 * Validates every entry (schema types, ranges; for a user caller also that
 * each name is `rw`) and, when all are valid, applies them at once and
 * persists. An empty value restores the default of a bool, int, enum,
 * int-list or host-list parameter; for the other types it is the value ""
 * (a schedule that is off, no rule…). Nothing changes when any entry is
 * invalid: the error names the origin, the line and the parameter
 * ("profile.xml: line 12: Resync_Random_Delay: …"). Unknown names are kept
 * or dropped as prov_schema_get_keep_unknown() says. The file is written
 * only when something changed, and "changed" is emitted after it is.
 *
 * @changed: (out) (optional): names whose value or access changed, sorted;
 *   empty when nothing changed
 */
gboolean     prov_store_apply        (ProvStore      *self,
                                      ProvChangeSet  *changes,
                                      ProvCaller      caller,
                                      GStrv          *changed,
                                      GError        **error);
/* prov_store_apply() of a set its caller is done with (@changes: transfer
 * full), freed in any case: its memory goes once the apply has written
 * everything, before the changed names are copied out, so that a profile
 * of 500,000 names does not hold both. */
gboolean     prov_store_apply_take   (ProvStore      *self,
                                      ProvChangeSet  *changes,
                                      ProvCaller      caller,
                                      GStrv          *changed,
                                      GError        **error);

G_END_DECLS
