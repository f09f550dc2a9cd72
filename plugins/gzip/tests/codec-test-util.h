/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "prov-codec.h"

G_BEGIN_DECLS

/* Helpers shared by the gzip and AES codec tests. */

ProvCodec *codec_test_load_plugin     (const char          *env_var);
gboolean   codec_test_have_programs   (const char * const *programs);
GBytes    *codec_test_run             (const char * const *argv,
                                       GBytes              *input);
GBytes    *codec_test_make_profile    (gsize                min_size,
                                       guint32              seed);
GBytes    *codec_test_slice           (GBytes              *data,
                                       gsize                len);
GBytes    *codec_test_flip            (GBytes              *data,
                                       gsize                offset,
                                       guint8               mask);
void       codec_test_assert_equal    (GBytes              *a,
                                       GBytes              *b);
void       codec_test_assert_corrupt  (const GError        *error,
                                       const char          *message,
                                       const char          *key);

G_END_DECLS
