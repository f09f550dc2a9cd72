/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The on-disk side of ProvStore (not installed): a sorted, indexed base
 * file read through mmap, and an append-only journal of changes on top of
 * it. The format and why it is crash-safe are described in prov-store-file.c. */

/* Called for each entry read; takes ownership of @name and @value (NULL:
 * no value). @access is -1 for the schema's level ("-"), or a ProvAccess;
 * PROV_STORE_FILE_REMOVED marks an entry the journal removed. Returns FALSE
 * with a @problem to stop. */
#define PROV_STORE_FILE_REMOVED 100
typedef gboolean (*ProvStoreEntryFunc) (char        *name,
                                        char        *value,
                                        int          access,
                                        gpointer     user_data,
                                        const char **problem);

typedef struct _ProvStoreBase ProvStoreBase;

/* NULL and no error when the file does not exist. A file of format 1 (the
 * unsorted whole-file format) is read whole into @legacy_func, checked
 * completely, and NULL is returned with *@legacy set. A format 2 file is
 * mapped; only its first and last lines are checked here. */
ProvStoreBase *prov_store_base_open      (const char          *path,
                                          ProvStoreEntryFunc   legacy_func,
                                          gpointer             user_data,
                                          gboolean            *legacy,
                                          GError             **error);
void           prov_store_base_free      (ProvStoreBase       *base);
guint64        prov_store_base_get_checksum (ProvStoreBase    *base);
gsize          prov_store_base_get_size  (ProvStoreBase       *base);
guint          prov_store_base_get_count (ProvStoreBase       *base);
/* Binary search: reads about log2(count) lines. TRUE and the entry when
 * found; FALSE without error when absent; FALSE with PROV_ERROR_CORRUPT
 * when a line on the way is damaged. */
gboolean       prov_store_base_lookup    (ProvStoreBase       *base,
                                          const char          *name,
                                          char               **value,
                                          int                 *access,
                                          GError             **error);
/* Gives back the pages of the mapping read so far; they stay in the page
 * cache and are read again when needed. */
void           prov_store_base_drop_pages (ProvStoreBase      *base);
/* Reads and checks every byte: checksums, order, count. */
gboolean       prov_store_base_scan      (ProvStoreBase       *base,
                                          ProvStoreEntryFunc   func,
                                          gpointer             user_data,
                                          GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvStoreBase, prov_store_base_free)

/* One entry of a new base or of a journal record. @access: -1 for the
 * schema's; PROV_STORE_FILE_REMOVED (journal only) removes the entry. */
void           prov_store_file_append_entry (GString          *out,
                                             const char       *name,
                                             const char       *value,
                                             int               access);
/* The order of a base: names compared as escaped in the file. */
int            prov_store_file_compare_names (const char *a,
                                              const char *b);

/* A new base written as it is made, never held whole in memory: into
 * "@path.tmp" (0600), then fsync, rename, fsync the directory; a crash at
 * any instant leaves the old base or the new one. Entries must come in
 * prov_store_file_compare_names() order, one per name (@access: -1 for the
 * schema's). A write error is kept and reported by the commit. */
typedef struct _ProvStoreBaseWriter ProvStoreBaseWriter;

ProvStoreBaseWriter *prov_store_base_writer_new    (const char          *path,
                                                    GError             **error);
void                 prov_store_base_writer_add    (ProvStoreBaseWriter *writer,
                                                    const char          *name,
                                                    const char          *value,
                                                    int                  access);
/* Frees @writer in any case; on failure the temporary is removed. */
gboolean             prov_store_base_writer_commit (ProvStoreBaseWriter *writer,
                                                    GError             **error);
/* Gives up: removes the temporary and frees @writer. */
void                 prov_store_base_writer_abort  (ProvStoreBaseWriter *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvStoreBaseWriter, prov_store_base_writer_abort)

/* Replays the journal at @path that extends the base with @base_checksum
 * (0: no base); a journal of another base (left by a crash after a
 * compaction, whose records the base already holds) and a torn last record
 * are ignored. *@valid_len: the bytes that hold whole records, or 0 when
 * the journal must be started anew. */
gboolean       prov_store_journal_replay (const char          *path,
                                          guint64              base_checksum,
                                          ProvStoreEntryFunc   func,
                                          gpointer             user_data,
                                          gsize               *valid_len,
                                          GError             **error);
/* Appends one record (@entries: lines of prov_store_file_append_entry) and
 * fdatasyncs; the record counts only once whole. @valid_len: as replay
 * gave, updated. */
gboolean       prov_store_journal_append (const char          *path,
                                          guint64              base_checksum,
                                          const GString       *entries,
                                          guint                count,
                                          gsize               *valid_len,
                                          GError             **error);

G_END_DECLS
