/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-error.h"
#include "prov-gds-json.h"

/* A recursive-descent reader of RFC 8259 restricted to a flat object of
 * strings. Being strict costs nothing here and keeps a confused or hostile
 * service from smuggling in something a lenient reader would guess at. */

typedef struct
{
  const char *p;
  const char *start;
  const char *end;
} Reader;

static gboolean
fail (Reader *r, GError **error, const char *what)
{
  g_set_error (error, PROV_ERROR, PROV_ERROR_CORRUPT, "JSON: %s at offset %" G_GSIZE_FORMAT,
               what, (gsize) (r->p - r->start));
  return FALSE;
}

static void
skip_space (Reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
    r->p++;
}

static gboolean
expect (Reader *r, char c, GError **error)
{
  skip_space (r);
  if (r->p >= r->end || *r->p != c)
    {
      char what[] = "expected 'X'";

      what[10] = c;
      return fail (r, error, what);
    }
  r->p++;
  return TRUE;
}

static gboolean
read_hex4 (Reader *r, gunichar *out, GError **error)
{
  *out = 0;
  if (r->end - r->p < 4)
    return fail (r, error, "short \\u escape");
  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (r->p[i]);

      if (digit < 0)
        return fail (r, error, "bad \\u escape");
      *out = (*out << 4) | (gunichar) digit;
    }
  r->p += 4;
  return TRUE;
}

/* After the backslash and the 'u': one code point, pairing surrogates. */
static gboolean
read_unicode_escape (Reader *r, GString *out, GError **error)
{
  gunichar c, low;

  if (!read_hex4 (r, &c, error))
    return FALSE;
  if (c >= 0xdc00 && c <= 0xdfff)
    return fail (r, error, "lone low surrogate");
  if (c >= 0xd800 && c <= 0xdbff)
    {
      if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
        return fail (r, error, "lone high surrogate");
      r->p += 2;
      if (!read_hex4 (r, &low, error))
        return FALSE;
      if (low < 0xdc00 || low > 0xdfff)
        return fail (r, error, "lone high surrogate");
      c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
    }
  /* Values become C strings. */
  if (c == 0)
    return fail (r, error, "\\u0000 not allowed");
  g_string_append_unichar (out, c);
  return TRUE;
}

static char *
read_string (Reader *r, GError **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (!expect (r, '"', error))
    return NULL;
  while (r->p < r->end && *r->p != '"')
    {
      char c = *r->p++;

      if ((guchar) c < 0x20)
        {
          r->p--;
          fail (r, error, "control character in string");
          return NULL;
        }
      if (c != '\\')
        {
          g_string_append_c (out, c);
          continue;
        }
      if (r->p >= r->end)
        break;
      switch (*r->p++)
        {
        case '"':
          g_string_append_c (out, '"');
          break;
        case '\\':
          g_string_append_c (out, '\\');
          break;
        case '/':
          g_string_append_c (out, '/');
          break;
        case 'b':
          g_string_append_c (out, '\b');
          break;
        case 'f':
          g_string_append_c (out, '\f');
          break;
        case 'n':
          g_string_append_c (out, '\n');
          break;
        case 'r':
          g_string_append_c (out, '\r');
          break;
        case 't':
          g_string_append_c (out, '\t');
          break;
        case 'u':
          if (!read_unicode_escape (r, out, error))
            return NULL;
          break;
        default:
          r->p--;
          fail (r, error, "bad escape");
          return NULL;
        }
    }
  if (r->p >= r->end)
    {
      fail (r, error, "unterminated string");
      return NULL;
    }
  r->p++;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

GHashTable *
prov_gds_json_parse_object (const char *data, gsize length, GError **error)
{
  g_autoptr(GHashTable) members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  Reader r = { data, data, data + length };
  const char *bad_utf8;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (!g_utf8_validate_len (data, length, &bad_utf8))
    {
      r.p = bad_utf8;
      fail (&r, error, "invalid UTF-8");
      return NULL;
    }
  if (!expect (&r, '{', error))
    return NULL;
  skip_space (&r);
  if (r.p < r.end && *r.p == '}')
    r.p++;
  else
    for (;;)
      {
        const char *name_at;
        g_autofree char *name = NULL;
        g_autofree char *value = NULL;

        skip_space (&r);
        name_at = r.p;
        if ((name = read_string (&r, error)) == NULL || !expect (&r, ':', error))
          return NULL;
        skip_space (&r);
        if (r.p < r.end && *r.p != '"')
          {
            fail (&r, error, "value is not a string");
            return NULL;
          }
        if ((value = read_string (&r, error)) == NULL)
          return NULL;
        if (g_hash_table_contains (members, name))
          {
            r.p = name_at;
            fail (&r, error, "duplicate name");
            return NULL;
          }
        g_hash_table_insert (members, g_steal_pointer (&name), g_steal_pointer (&value));
        skip_space (&r);
        if (r.p < r.end && *r.p == '}')
          {
            r.p++;
            break;
          }
        if (!expect (&r, ',', error))
          return NULL;
      }
  skip_space (&r);
  if (r.p != r.end)
    {
      fail (&r, error, "trailing data");
      return NULL;
    }
  return g_steal_pointer (&members);
}

void
prov_gds_json_append_string (GString *out, const char *value)
{
  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}
