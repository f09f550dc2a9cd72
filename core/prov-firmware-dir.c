/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "prov-error.h"
#include "prov-firmware-dir.h"

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

typedef struct
{
  char   *dir;
  char   *name;
  GBytes *payload;
} WriteJob;

static void
write_job_free (WriteJob *job)
{
  g_free (job->dir);
  g_free (job->name);
  g_bytes_unref (job->payload);
  g_free (job);
}

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

static gboolean
write_all (int fd, const guint8 *buf, gsize len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, buf, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n == 0)
        errno = EIO;
      if (n <= 0)
        return FALSE;
      buf += n;
      len -= n;
    }
  return TRUE;
}

static gboolean
fsync_dir (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  gboolean ok = fd >= 0 && fsync (fd) == 0;

  if (fd >= 0)
    close (fd);
  return ok;
}

/* Write a temporary, fsync, rename, fsync the folder: a crash leaves
 * either no image or a whole one. */
static void
write_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  WriteJob *job = task_data;
  g_autofree char *path = g_build_filename (job->dir, job->name, NULL);
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  gsize len = 0;
  const guint8 *buf = g_bytes_get_data (job->payload, &len);
  GError *error = NULL;
  int fd, saved;

  remove_old_images (job->dir);
  if (!check_space (job->dir, len, 0, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    saved = errno;
  else
    {
      saved = write_all (fd, buf, len) && fsync (fd) == 0 ? 0 : errno;
      if (close (fd) != 0 && saved == 0)
        saved = errno;
      if (saved == 0 && (g_rename (tmp, path) != 0 || !fsync_dir (job->dir)))
        saved = errno;
    }
  if (saved == 0)
    {
      g_task_return_pointer (task, g_steal_pointer (&path), g_free);
      return;
    }
  g_unlink (tmp);
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

void
prov_firmware_dir_write_async (const char          *dir,
                               const char          *version,
                               GBytes              *image,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  WriteJob *job = g_new0 (WriteJob, 1);

  g_task_set_source_tag (task, prov_firmware_dir_write_async);
  job->dir = g_strdup (dir);
  job->name = image_name (version);
  job->payload = g_bytes_ref (image);
  g_task_set_task_data (task, job, (GDestroyNotify) write_job_free);
  g_task_run_in_thread (task, write_in_thread);
}

char *
prov_firmware_dir_write_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
