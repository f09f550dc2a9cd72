/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "prov-writeback-stream.h"

/* Past several writeback steps, in pieces that straddle them: the file
 * holds exactly what was written, and the descriptor stays open. */
static void
test_content (void)
{
  g_autofree char *dir = g_dir_make_tmp ("prov-writeback-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "image", NULL);
  gsize size = 9 * 1024 * 1024 + 12345;
  g_autofree guint8 *data = g_malloc (size);
  g_autofree char *back = NULL;
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (14);
  gsize len = 0;
  int fd;

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_rand_int (rand);
  fd = open (path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  stream = prov_writeback_stream_new (fd);
  for (gsize at = 0; at < size; at += 65537)
    {
      g_output_stream_write_all (stream, data + at, MIN (65537, size - at), NULL, NULL, &error);
      g_assert_no_error (error);
    }
  g_output_stream_close (stream, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fsync (fd), ==, 0);
  g_assert_cmpint (close (fd), ==, 0);
  g_file_get_contents (path, &back, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, size);
  g_assert_true (memcmp (back, data, size) == 0);
  g_unlink (path);
  g_rmdir (dir);
}

/* A write the descriptor refuses is GIO's error for its errno, as
 * GUnixOutputStream gave (a full disk is G_IO_ERROR_NO_SPACE). */
static void
test_error (void)
{
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  stream = prov_writeback_stream_new (fd);
  g_assert_cmpint (g_output_stream_write (stream, "x", 1, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, (gint) g_io_error_from_errno (EBADF));
  g_assert_cmpstr (error->message, ==, g_strerror (EBADF));
  close (fd);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/writeback-stream/content", test_content);
  g_test_add_func ("/writeback-stream/error", test_error);
  return g_test_run ();
}
