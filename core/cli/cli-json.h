/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A small JSON writer for `provisionctl --json`: values are written in
 * order, commas are placed by the writer, strings are escaped (RFC 8259). */
typedef struct
{
  GString  *out;
  gboolean  need_comma;
} ProvJson;

ProvJson *prov_json_new          (void);
void      prov_json_free         (ProvJson   *json);
/* Prints the document and a newline on stdout. */
void      prov_json_print        (ProvJson   *json);

void      prov_json_begin_object (ProvJson   *json);
void      prov_json_end_object   (ProvJson   *json);
void      prov_json_begin_array  (ProvJson   *json);
void      prov_json_end_array    (ProvJson   *json);
/* The key of the next value inside an object. */
void      prov_json_member       (ProvJson   *json,
                                  const char *name);
/* @value NULL writes null. */
void      prov_json_string       (ProvJson   *json,
                                  const char *value);
void      prov_json_int          (ProvJson   *json,
                                  gint64      value);
void      prov_json_bool         (ProvJson   *json,
                                  gboolean    value);
void      prov_json_null         (ProvJson   *json);
/* A list of strings as an array. */
void      prov_json_strv         (ProvJson           *json,
                                  const char * const *values);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvJson, prov_json_free)

G_END_DECLS
