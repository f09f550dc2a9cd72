/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal, not installed: the state directory's firmware/ folder, where
 * the upgrader keeps the one image it hands to the installer. */

#include <gio/gio.h>

G_BEGIN_DECLS

/* PROV_ERROR_FAILED "not enough space" unless @size bytes fit in @dir with
 * a margin (1/16 of the image, at least 1 MiB), counting the space that
 * older images free. An unanswered statvfs() passes: the write will tell. */
gboolean prov_firmware_dir_check_space  (const char           *dir,
                                         guint64               size,
                                         GError              **error);

/* In a thread: removes older images, checks the space, writes
 * `<dir>/<version>.img` crash-safely (temporary, fsync, rename, fsync of
 * the folder). The finish returns the image's path. */
void     prov_firmware_dir_write_async  (const char           *dir,
                                         const char           *version,
                                         GBytes               *image,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
char    *prov_firmware_dir_write_finish (GAsyncResult         *result,
                                         GError              **error);

G_END_DECLS
