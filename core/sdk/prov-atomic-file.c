/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prov-atomic-file.h"
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
  return FALSE;
}

gboolean
prov_atomic_file_write (const char *path, const char *contents, gsize len, mode_t mode,
                        GError **error)
{
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  int fd;

  fd = open (tmp, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, mode);
  if (fd < 0)
    return prov_atomic_file_error (error, tmp);
  if (fchmod (fd, mode) != 0 || !prov_atomic_file_write_all (fd, contents, len) || fsync (fd) != 0)
    {
      prov_atomic_file_error (error, tmp);
      close (fd);
      unlink (tmp);
      return FALSE;
    }
  if (close (fd) != 0 || rename (tmp, path) != 0)
    {
      prov_atomic_file_error (error, tmp);
      unlink (tmp);
      return FALSE;
    }
  /* The new file is in place; this only makes the rename durable. */
  prov_atomic_file_sync_dir (path);
  return TRUE;
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
