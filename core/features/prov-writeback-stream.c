/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "prov-writeback-stream.h"

/* A firmware image's fsync wrote all of it at the end: 8-11 ms of a
 * 10 MiB upgrade over HTTP, with the disk idle while the image arrived
 * (plugins/http/README.md). Writeback started every STEP bytes
 * (sync_file_range(SYNC_FILE_RANGE_WRITE), which does not wait, as dpkg
 * does for its files) overlaps the disk with the transfer. It changes
 * nothing for durability: the commit still fsyncs. */
#define STEP (4 << 20)

struct _ProvWritebackStream
{
  GOutputStream parent_instance;

  int           fd;
  guint64       written;
  guint64       started; /* writeback asked for up to here */
};

G_DEFINE_FINAL_TYPE (ProvWritebackStream, prov_writeback_stream, G_TYPE_OUTPUT_STREAM)

static gssize
prov_writeback_stream_write (GOutputStream  *stream,
                             const void     *buffer,
                             gsize           count,
                             GCancellable   *cancellable,
                             GError        **error)
{
  ProvWritebackStream *self = PROV_WRITEBACK_STREAM (stream);
  gssize n;

  do
    n = write (self->fd, buffer, count);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      int saved = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
      return -1;
    }
  self->written += n;
#ifdef SYNC_FILE_RANGE_WRITE
  if (self->written - self->started >= STEP)
    {
      /* A hint: a file system without it (EINVAL, ESPIPE) is written at
       * the fsync as before. */
      (void) sync_file_range (self->fd, self->started, self->written - self->started,
                              SYNC_FILE_RANGE_WRITE);
      self->started = self->written;
    }
#endif
  return n;
}

static void
prov_writeback_stream_class_init (ProvWritebackStreamClass *klass)
{
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = prov_writeback_stream_write;
}

static void
prov_writeback_stream_init (ProvWritebackStream *self)
{
  self->fd = -1;
}

GOutputStream *
prov_writeback_stream_new (int fd)
{
  ProvWritebackStream *self = g_object_new (PROV_TYPE_WRITEBACK_STREAM, NULL);

  self->fd = fd;
  return G_OUTPUT_STREAM (self);
}
