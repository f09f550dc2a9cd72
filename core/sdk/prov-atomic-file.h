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

/**
 * prov_atomic_file_open: (skip)
 * @mode: the file's mode, forced as for prov_atomic_file_write()
 *
 * The first half of prov_atomic_file_write(), for a file written piece by
 * piece (a firmware image as it arrives): opens "@path.tmp" (never through
 * a symbolic link) for writing. Returns: the descriptor, or -1 and @error.
 */
int      prov_atomic_file_open      (const char  *path,
                                     mode_t       mode,
                                     GError     **error);
/**
 * prov_atomic_file_commit: (skip)
 * @fd: the descriptor from prov_atomic_file_open(), closed in any case
 * @sync_dir: FALSE for an advisory file, where a rename lost in a crash
 *   only leaves the old contents (one fsync saved)
 *
 * The second half: fsync, close, rename "@path.tmp" to @path, fsync the
 * directory. On failure the temporary is removed and errno still says why.
 */
gboolean prov_atomic_file_commit    (int          fd,
                                     const char  *path,
                                     gboolean     sync_dir,
                                     GError     **error);
/**
 * prov_atomic_file_abort: (skip)
 * @fd: the descriptor from prov_atomic_file_open(), or -1 when closed
 *
 * Gives up before the commit: closes @fd and removes "@path.tmp"; errno
 * is kept.
 */
void     prov_atomic_file_abort     (int          fd,
                                     const char  *path);

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
