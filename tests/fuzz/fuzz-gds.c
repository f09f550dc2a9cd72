/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The activation service's answer (gds plugin, README "Responses"): the
 * JSON object parser and the response interpretation, sources built in.
 * The first two bytes choose the HTTP status. */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "prov-gds-json.h"
#include "prov-gds-response.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_quiet_logs ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const guint statuses[] = { 200, 400, 403, 404, 409, 410, 429, 500, 503, 302 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) object = NULL;
  g_autoptr (GHashTable) answer = NULL;
  g_autoptr (GString) quoted = g_string_new (NULL);
  g_autofree char *text = NULL;
  guint status = 200;

  object = prov_gds_json_parse_object ((const char *) data, size, &error);
  g_assert_true ((object == NULL) != (error == NULL));
  g_clear_error (&error);

  if (size > 0)
    {
      status = statuses[data[0] % G_N_ELEMENTS (statuses)];
      data++;
      size--;
    }
  if (size <= PROV_GDS_RESPONSE_MAX)
    {
      answer = prov_gds_response_parse (status, (const char *) data, size, &error);
      g_assert_true ((answer == NULL) != (error == NULL));
      if (error != NULL)
        prov_gds_response_is_final (error);
      g_clear_error (&error);
    }

  /* What the plugin writes, it reads back. */
  text = fuzz_string (data, size);
  if (g_utf8_validate (text, -1, NULL))
    {
      g_autoptr (GHashTable) back = NULL;

      g_string_append (quoted, "{\"v\":");
      prov_gds_json_append_string (quoted, text);
      g_string_append (quoted, "}");
      back = prov_gds_json_parse_object (quoted->str, quoted->len, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (g_hash_table_lookup (back, "v"), ==, text);
    }
  return 0;
}
