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
 *
 * Since: 1.0
 */
gboolean prov_atomic_file_write (const char  *path,
                                 const char  *contents,
                                 gsize        len,
                                 mode_t       mode,
                                 GError     **error);

/**
 * prov_atomic_file_write_all:
 * @fd: an open file descriptor
 * @data: (array length=len) (element-type guint8): the bytes
 * @len: their number
 *
 * Writes all of @data, retrying on EINTR and short writes: a piece of
 * prov_atomic_file_write() for files written otherwise (the store's journal
 * appends).
 *
 * Returns: %TRUE, or %FALSE with errno set
 *
 * Since: 1.0
 */
gboolean prov_atomic_file_write_all (int          fd,
                                     const char  *data,
                                     gsize        len);
/**
 * prov_atomic_file_error:
 * @error: return location for a #PROV_ERROR
 * @path: the file
 *
 * Sets "cannot write @path: <errno text>" from errno.
 *
 * Returns: %FALSE, for `return prov_atomic_file_error (error, path);`
 *
 * Since: 1.0
 */
gboolean prov_atomic_file_error      (GError     **error,
                                     const char  *path);
/**
 * prov_atomic_file_sync_dir:
 * @path: a file
 *
 * Makes a rename or a new file in the folder of @path durable (fsync of the
 * folder).
 *
 * Since: 1.0
 */
void     prov_atomic_file_sync_dir   (const char  *path);

G_END_DECLS
