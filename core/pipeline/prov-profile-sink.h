/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal: where a resync's fetch delivers its payload. */

#include <gio/gio.h>

#include "prov-profile.h"

G_BEGIN_DECLS

#define PROV_TYPE_PROFILE_SINK (prov_profile_sink_get_type ())
G_DECLARE_FINAL_TYPE (ProvProfileSink, prov_profile_sink, PROV, PROFILE_SINK, GOutputStream)

/**
 * ProvProfileSink:
 * A plain XML profile (its first non-blank byte is `<`) goes into the
 * profile parser piece by piece as it arrives; a write that the parser
 * refuses fails with PROV_ERROR_CORRUPT "corrupt file: line N: …", which
 * ends the transfer. Anything else (a codec's layer, a Content-Encoding,
 * a foreign document for an alias) is kept whole for the codecs, which
 * work on whole payloads.
 *
 * @buffer_all: keep everything whatever it looks like (an alias).
 * @entry_func: see prov_profile_parser_set_entry_func(); NULL keeps the
 *   entries in the finished profile.
 */
ProvProfileSink *prov_profile_sink_new          (gboolean             buffer_all,
                                                 ProvProfileEntryFunc entry_func,
                                                 gpointer             user_data);
/* After the transfer: the profile parsed on the way, or NULL with
 * @payload set to what was kept (possibly empty). */
ProvProfile     *prov_profile_sink_finish       (ProvProfileSink  *self,
                                                 GBytes          **payload,
                                                 GError          **error);
/* SHA-256 (hex) of every byte written: which profile this was. */
const char      *prov_profile_sink_get_checksum (ProvProfileSink  *self);
/* TRUE once a write failed because the profile was refused. */
gboolean         prov_profile_sink_refused      (ProvProfileSink  *self);

/* "corrupt file: " + the parser's message, once: the $ERR text says the
 * class first, the detail says where. */
void             prov_profile_error_as_corrupt  (GError          **error);

G_END_DECLS
