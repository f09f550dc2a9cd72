/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prov-atomic-file-private.h"
#include "prov-error.h"

gboolean
prov_atomic_file_write_all (int fd, const char *data, gsize len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      data += n;
      len -= n;
    }
  return TRUE;
}

gboolean
prov_atomic_file_error (GError **error, const char *path)
{
  int saved_errno = errno;

  g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED, "cannot write %s: %s",
               path, g_strerror (saved_errno));
  errno = saved_errno;
  return FALSE;
}

int
prov_atomic_file_open (const char *path, mode_t mode, GError **error)
{
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  int fd = open (tmp, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode);

  if (fd < 0)
    {
      prov_atomic_file_error (error, tmp);
      return -1;
    }
  /* A temporary a crash left behind keeps its mode through O_CREAT. */
  if (fchmod (fd, mode) != 0)
    {
      prov_atomic_file_error (error, tmp);
      prov_atomic_file_abort (fd, path);
      return -1;
    }
  return fd;
}

gboolean
prov_atomic_file_commit (int fd, const char *path, gboolean sync_dir, GError **error)
{
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);

  if (fsync (fd) != 0)
    {
      prov_atomic_file_error (error, tmp);
      prov_atomic_file_abort (fd, path);
      return FALSE;
    }
  if (close (fd) != 0 || rename (tmp, path) != 0)
    {
      prov_atomic_file_error (error, tmp);
      prov_atomic_file_abort (-1, path);
      return FALSE;
    }
  /* The new file is in place; this only makes the rename durable. */
  if (sync_dir)
    prov_atomic_file_sync_dir (path);
  return TRUE;
}

gboolean
prov_atomic_file_write (const char *path, const char *contents, gsize len, mode_t mode,
                        GError **error)
{
  int fd = prov_atomic_file_open (path, mode, error);

  if (fd < 0)
    return FALSE;
  if (!prov_atomic_file_write_all (fd, contents, len))
    {
      g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);

      prov_atomic_file_error (error, tmp);
      prov_atomic_file_abort (fd, path);
      return FALSE;
    }
  return prov_atomic_file_commit (fd, path, TRUE, error);
}

void
prov_atomic_file_abort (int fd, const char *path)
{
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  int saved_errno = errno;

  if (fd >= 0)
    close (fd);
  if (unlink (tmp) != 0 && errno != ENOENT)
    g_warning ("cannot remove %s: %s", tmp, g_strerror (errno));
  errno = saved_errno;
}

void
prov_atomic_file_sync_dir (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (dir_fd < 0 || fsync (dir_fd) != 0)
    g_warning ("cannot sync directory %s: %s", dir, g_strerror (errno));
  if (dir_fd >= 0)
    close (dir_fd);
}
