/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/**
 * prov_atomic_file_write: (skip)
 * @mode: the file's mode (0600 for anything holding a secret); also forced
 *   on a temporary that a crash left behind with another mode
 *
 * Crash-safe replacement of @path: write "@path.tmp", fsync, rename, fsync
 * the directory. Whatever instant the power goes, @path holds either the
 * old or the new contents, never a mix. The error names the file.
 */
gboolean prov_atomic_file_write (const char  *path,
                                 const char  *contents,
                                 gsize        len,
                                 mode_t       mode,
                                 GError     **error);

/* The pieces, for files written otherwise (the store's journal appends). */
gboolean prov_atomic_file_write_all (int          fd,
                                     const char  *data,
                                     gsize        len);
/* Sets "cannot write @path: <errno text>" from errno; returns FALSE. */
gboolean prov_atomic_file_error      (GError     **error,
                                     const char  *path);
/* Makes a rename or a new file in the folder of @path durable. */
void     prov_atomic_file_sync_dir   (const char  *path);

G_END_DECLS
