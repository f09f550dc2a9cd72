/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal, not installed: prov_atomic_file_write() in two halves, for the
 * core's files that are not one buffer (a firmware image written as it
 * arrives) or need no directory fsync (status). Not exported: plugins have
 * prov_atomic_file_write(). */

#include "prov-atomic-file.h"

G_BEGIN_DECLS

/**
 * prov_atomic_file_open:
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
 * prov_atomic_file_commit:
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
 * prov_atomic_file_abort:
 * @fd: the descriptor from prov_atomic_file_open(), or -1 when closed
 *
 * Gives up before the commit: closes @fd and removes "@path.tmp"; errno
 * is kept.
 */
void     prov_atomic_file_abort     (int          fd,
                                     const char  *path);

G_END_DECLS
