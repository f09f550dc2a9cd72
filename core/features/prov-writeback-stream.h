/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal: a stream that writes to a file descriptor (not closing it) and
 * starts the disk writing what it got every few MiB, so that the fsync
 * that commits the file waits for its tail only. */

#include <gio/gio.h>

G_BEGIN_DECLS

#define PROV_TYPE_WRITEBACK_STREAM (prov_writeback_stream_get_type ())
G_DECLARE_FINAL_TYPE (ProvWritebackStream, prov_writeback_stream, PROV, WRITEBACK_STREAM,
                      GOutputStream)

GOutputStream *prov_writeback_stream_new (int fd);

G_END_DECLS
