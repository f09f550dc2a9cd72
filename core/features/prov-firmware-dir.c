/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/statvfs.h>

#include <glib/gstdio.h>

#include "prov-atomic-file-private.h"
#include "prov-error.h"
#include "prov-firmware-dir.h"
#include "prov-writeback-stream.h"

/* Room left beside an image: a full disk breaks more than the upgrade. */
#define SPACE_MARGIN_MIN ((guint64) 1 << 20)

/* A file name from a version taken from a URL: no `/`, no leading `.`. */
static char *
image_name (const char *version)
{
  GString *name = g_string_new (NULL);

  for (const char *p = version; *p != '\0'; p++)
    g_string_append_c (name, g_ascii_isalnum (*p) || strchr ("._+-()", *p) != NULL ? *p : '_');
  if (name->str[0] == '.')
    name->str[0] = '_';
  g_string_append (name, ".img");
  return g_string_free (name, FALSE);
}

static gboolean
is_image_file (const char *name)
{
  return g_str_has_suffix (name, ".img") || g_str_has_suffix (name, ".img.tmp");
}

/* Bytes that earlier images hold (they go before the new one is written). */
static guint64
old_images_size (const char *dir)
{
  g_autoptr(GDir) gdir = g_dir_open (dir, 0, NULL);
  const char *name;
  guint64 total = 0;

  while (gdir != NULL && (name = g_dir_read_name (gdir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (is_image_file (name) && g_lstat (path, &st) == 0 && S_ISREG (st.st_mode))
        total += st.st_size;
    }
  return total;
}

/* @reclaimable: bytes of older images that go before the write. */
static gboolean
check_space (const char *dir, guint64 size, guint64 reclaimable, GError **error)
{
  struct statvfs st;
  guint64 available, needed;

  /* Without an answer the write itself will tell. */
  if (statvfs (dir, &st) != 0)
    return TRUE;
  available = (guint64) st.f_bavail * st.f_frsize + reclaimable;
  needed = size + MAX (SPACE_MARGIN_MIN, size / 16);
  if (available >= needed)
    return TRUE;
  g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED, "not enough space");
  g_info ("firmware needs %" G_GUINT64_FORMAT " bytes in %s, %" G_GUINT64_FORMAT " available",
          needed, dir, available);
  return FALSE;
}

/* An image being received: the temporary it is written to as it arrives. */
struct _ProvFirmwareImage
{
  char          *path;
  int            fd;     /* of `path.tmp` (prov_atomic_file_open()) */
  GOutputStream *stream; /* writes to fd, does not close it */
  gboolean       committed;
};

static void
remove_old_images (const char *dir)
{
  g_autoptr(GDir) gdir = g_dir_open (dir, 0, NULL);
  const char *name;

  while (gdir != NULL && (name = g_dir_read_name (gdir)) != NULL)
    if (is_image_file (name))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        if (g_unlink (path) != 0)
          g_warning ("cannot remove %s: %s", path, g_strerror (errno));
      }
}

/* prov_atomic_file_commit(): a crash leaves either no image or a whole
 * one. In a thread: fsync of a large image takes a while. */
static void
commit_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ProvFirmwareImage *image = task_data;
  int saved;

  /* The stream writes straight to the descriptor, which the commit closes. */
  g_output_stream_close (image->stream, NULL, NULL);
  if (prov_atomic_file_commit (image->fd, image->path, TRUE, NULL))
    {
      image->fd = -1;
      image->committed = TRUE;
      g_task_return_pointer (task, g_strdup (image->path), g_free);
      return;
    }
  saved = errno;
  image->fd = -1;
  if (saved == ENOSPC)
    g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_FAILED, "not enough space");
  else
    g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_FAILED, "cannot write the image: %s",
                             g_strerror (saved));
}

gboolean
prov_firmware_dir_check_space (const char *dir, guint64 size, GError **error)
{
  return check_space (dir, size, old_images_size (dir), error);
}

ProvFirmwareImage *
prov_firmware_image_create (const char *dir, const char *version, GError **error)
{
  g_autofree char *name = image_name (version);
  g_autofree char *path = NULL;
  ProvFirmwareImage *image;
  int fd;

  g_return_val_if_fail (dir != NULL && version != NULL, NULL);

  /* Older images go first: their space is counted as free. */
  remove_old_images (dir);
  path = g_build_filename (dir, name, NULL);
  fd = prov_atomic_file_open (path, 0600, NULL);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED, "cannot write the image: %s",
                   g_strerror (saved));
      return NULL;
    }
  image = g_new0 (ProvFirmwareImage, 1);
  image->path = g_steal_pointer (&path);
  image->fd = fd;
  image->stream = prov_writeback_stream_new (fd);
  return image;
}

GOutputStream *
prov_firmware_image_get_stream (ProvFirmwareImage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->stream;
}

void
prov_firmware_image_commit_async (ProvFirmwareImage   *self,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, callback, user_data);

  g_return_if_fail (self != NULL && !self->committed);
  g_task_set_source_tag (task, prov_firmware_image_commit_async);
  g_task_set_task_data (task, self, NULL);
  g_task_run_in_thread (task, commit_in_thread);
}

char *
prov_firmware_image_commit_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
prov_firmware_image_free (ProvFirmwareImage *self)
{
  if (self == NULL)
    return;
  if (self->stream != NULL)
    g_output_stream_close (self->stream, NULL, NULL);
  /* Not committed: no partial image is left behind. */
  if (!self->committed)
    prov_atomic_file_abort (self->fd, self->path);
  g_clear_object (&self->stream);
  g_free (self->path);
  g_free (self);
}
