/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-macro.h"

/* Secrets are looked up first so that a caller passing a stray "SA" in
 * @vars cannot shadow the real secret inside a --key argument. */
static const char *
lookup (GHashTable *vars, GHashTable *secrets, const char *name)
{
  const char *value = NULL;

  if (secrets != NULL)
    value = g_hash_table_lookup (secrets, name);
  if (value == NULL && vars != NULL)
    value = g_hash_table_lookup (vars, name);
  return value;
}

/* Parses a decimal offset or length, saturating: "$(A:99999999999999999999)"
 * just means "past the end". Returns FALSE on an empty or non-digit field. */
static gboolean
parse_count (const char *s, gsize len, gsize *out)
{
  gsize v = 0;

  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      if (v > (G_MAXSIZE - 9) / 10)
        v = G_MAXSIZE;
      else
        v = v * 10 + (gsize) (s[i] - '0');
    }
  *out = v;
  return TRUE;
}

/* Appends the part of @value from character @offset, at most @count
 * characters. Characters are UTF-8 characters when @value is valid UTF-8,
 * bytes otherwise; both are clamped to the value. */
static void
append_substring (GString *out, const char *value, gsize offset, gsize count)
{
  gsize len = strlen (value);
  const char *start;
  const char *end;

  if (g_utf8_validate (value, (gssize) len, NULL))
    {
      gsize nchars = (gsize) g_utf8_strlen (value, (gssize) len);

      if (offset >= nchars)
        return;
      if (count > nchars - offset)
        count = nchars - offset;
      start = g_utf8_offset_to_pointer (value, (glong) offset);
      end = g_utf8_offset_to_pointer (start, (glong) count);
    }
  else
    {
      if (offset >= len)
        return;
      if (count > len - offset)
        count = len - offset;
      start = value + offset;
      end = start + count;
    }
  g_string_append_len (out, start, end - start);
}

/* `$(NAME[:p[:q]])` at @p (pointing at the `$`). Returns the number of bytes
 * consumed, or 0 when the form is not valid, in which case the caller copies
 * the text verbatim. */
static gsize
expand_paren (GString *out, const char *p, GHashTable *vars, GHashTable *secrets)
{
  const char *name = p + 2;
  const char *close = strchr (name, ')');
  const char *colon;
  const char *value;
  gsize name_len;
  gsize offset = 0;
  gsize count = G_MAXSIZE;
  g_autofree char *key = NULL;

  if (close == NULL)
    return 0;
  name_len = 0;
  while (name + name_len < close && g_ascii_isalnum (name[name_len]))
    name_len++;
  if (name_len == 0)
    return 0;
  colon = name + name_len;
  if (colon != close)
    {
      const char *second;

      if (*colon != ':')
        return 0;
      second = memchr (colon + 1, ':', (gsize) (close - colon - 1));
      if (second == NULL)
        {
          if (!parse_count (colon + 1, (gsize) (close - colon - 1), &offset))
            return 0;
        }
      else if (!parse_count (colon + 1, (gsize) (second - colon - 1), &offset)
               || !parse_count (second + 1, (gsize) (close - second - 1), &count))
        return 0;
    }

  key = g_strndup (name, name_len);
  value = lookup (vars, secrets, key);
  if (value == NULL)
    return 0;
  if (colon == close)
    g_string_append (out, value);
  else
    append_substring (out, value, offset, count);
  return (gsize) (close + 1 - p);
}

/* `$NAME` at @p: the longest prefix of the alphanumeric run that is known. */
static gsize
expand_bare (GString *out, const char *p, GHashTable *vars, GHashTable *secrets)
{
  const char *run = p + 1;
  gsize run_len = 0;
  g_autofree char *key = NULL;

  while (g_ascii_isalnum (run[run_len]))
    run_len++;
  if (run_len == 0)
    return 0;
  key = g_strndup (run, run_len);
  for (gsize len = run_len; len > 0; len--)
    {
      const char *value;

      key[len] = '\0';
      value = lookup (vars, secrets, key);
      if (value != NULL)
        {
          g_string_append (out, value);
          return len + 1;
        }
    }
  return 0;
}

char *
prov_macro_expand (const char *text, GHashTable *vars, GHashTable *secrets)
{
  GString *out;
  const char *p;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_sized_new (strlen (text) + 16);
  p = text;
  while (*p != '\0')
    {
      const char *dollar = strchr (p, '$');
      gsize used = 0;

      if (dollar == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, dollar - p);
      if (dollar[1] == '$')
        {
          g_string_append_c (out, '$');
          p = dollar + 2;
          continue;
        }
      if (dollar[1] == '(')
        used = expand_paren (out, dollar, vars, secrets);
      else
        used = expand_bare (out, dollar, vars, secrets);
      if (used == 0)
        {
          /* Unknown or malformed: keep the `$` and go on after it, so the
           * rest of the text is still scanned. */
          g_string_append_c (out, '$');
          used = 1;
        }
      p = dollar + used;
    }
  return g_string_free (out, FALSE);
}
