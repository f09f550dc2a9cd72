/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* For the plugin cache and the registry, which load a codec only when data
 * it declared it recognizes comes; not installed. */

#include "prov-codec.h"

G_BEGIN_DECLS

/* TRUE when @self recognizes data by its plugin's "magic" and
 * "content-encodings" only (it does not override recognize). */
gboolean prov_codec_recognizes_by_declarations (ProvCodec          *self);
/* What the default recognize answers for a codec that declared @magic and
 * @encodings (both nullable). */
gboolean prov_codec_declarations_match         (const char *const  *magic,
                                                const char *const  *encodings,
                                                GBytes             *data,
                                                const char         *content_encoding);

G_END_DECLS
