/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdio.h>

#include "cli-json.h"

ProvJson *
prov_json_new (void)
{
  ProvJson *json = g_new0 (ProvJson, 1);

  json->out = g_string_new (NULL);
  return json;
}

void
prov_json_free (ProvJson *json)
{
  if (json == NULL)
    return;
  g_string_free (json->out, TRUE);
  g_free (json);
}

void
prov_json_print (ProvJson *json)
{
  g_string_append_c (json->out, '\n');
  fwrite (json->out->str, 1, json->out->len, stdout);
  fflush (stdout);
}

static void
separate (ProvJson *json)
{
  if (json->need_comma)
    g_string_append_c (json->out, ',');
}

void
prov_json_begin_object (ProvJson *json)
{
  separate (json);
  g_string_append_c (json->out, '{');
  json->need_comma = FALSE;
}

void
prov_json_end_object (ProvJson *json)
{
  g_string_append_c (json->out, '}');
  json->need_comma = TRUE;
}

void
prov_json_begin_array (ProvJson *json)
{
  separate (json);
  g_string_append_c (json->out, '[');
  json->need_comma = FALSE;
}

void
prov_json_end_array (ProvJson *json)
{
  g_string_append_c (json->out, ']');
  json->need_comma = TRUE;
}

static void
append_escaped (GString *out, const char *text)
{
  /* Values come from profiles: never let a bad byte make invalid JSON. */
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  g_string_append_c (out, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      unsigned char c = (unsigned char) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

void
prov_json_member (ProvJson *json, const char *name)
{
  separate (json);
  append_escaped (json->out, name);
  g_string_append_c (json->out, ':');
  json->need_comma = FALSE;
}

void
prov_json_string (ProvJson *json, const char *value)
{
  if (value == NULL)
    {
      prov_json_null (json);
      return;
    }
  separate (json);
  append_escaped (json->out, value);
  json->need_comma = TRUE;
}

void
prov_json_int (ProvJson *json, gint64 value)
{
  separate (json);
  g_string_append_printf (json->out, "%" G_GINT64_FORMAT, value);
  json->need_comma = TRUE;
}

void
prov_json_bool (ProvJson *json, gboolean value)
{
  separate (json);
  g_string_append (json->out, value ? "true" : "false");
  json->need_comma = TRUE;
}

void
prov_json_null (ProvJson *json)
{
  separate (json);
  g_string_append (json->out, "null");
  json->need_comma = TRUE;
}

void
prov_json_strv (ProvJson *json, const char *const *values)
{
  prov_json_begin_array (json);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    prov_json_string (json, values[i]);
  prov_json_end_array (json);
}
