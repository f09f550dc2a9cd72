/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parses exactly one JSON object whose members all have string values
 * ({"a":"b","c":"d"}), the only shape the activation protocol uses.
 * Anything else (nesting, numbers, duplicate names, trailing bytes, bad
 * UTF-8, \u0000) fails with PROV_ERROR_CORRUPT and a message giving the
 * offset. Returns name → value (char* → char*). */
GHashTable *prov_gds_json_parse_object (const char  *data,
                                        gsize        length,
                                        GError     **error);

/* Appends @value as a JSON string literal, quotes included. */
void        prov_gds_json_append_string (GString    *out,
                                         const char *value);

G_END_DECLS
