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

/* An image written as it arrives: prov_firmware_image_create() removes
 * older images and opens `<dir>/<version>.img.tmp`; the caller writes
 * the body to its stream piece by piece (a full disk fails a write with
 * G_IO_ERROR_NO_SPACE); the commit, in a thread, fsyncs, renames to
 * `<dir>/<version>.img` and fsyncs the folder, and returns the image's
 * path. Freed without a commit, the temporary is removed: nothing
 * partial stays. The image must outlive its commit. */
typedef struct _ProvFirmwareImage ProvFirmwareImage;

ProvFirmwareImage *prov_firmware_image_create       (const char           *dir,
                                                     const char           *version,
                                                     GError              **error);
GOutputStream     *prov_firmware_image_get_stream   (ProvFirmwareImage    *self);
void               prov_firmware_image_commit_async (ProvFirmwareImage    *self,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
char              *prov_firmware_image_commit_finish (GAsyncResult        *result,
                                                     GError              **error);
void               prov_firmware_image_free         (ProvFirmwareImage    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvFirmwareImage, prov_firmware_image_free)

G_END_DECLS
