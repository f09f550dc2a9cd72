/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-macro.h"
#include "prov-macro-private.h"
#include "prov-parse-steps.h"

typedef struct
{
  GString    *out;
  GHashTable *vars;
  GHashTable *secrets;
  gsize      *budget; /* bytes of values still allowed */
} Expander;

/* The value of the @len bytes at @name, or NULL. Secrets are looked up
 * first so that a caller passing a stray "SA" in @vars cannot shadow the
 * real secret inside a --key argument. A name longer than any variable's
 * is not looked up at all: that keeps `$` and 200,000 letters linear. */
static const char *
lookup (Expander *ex, const char *name, gsize len)
{
  char key[PROV_MACRO_NAME_MAX + 1];
  const char *value = NULL;

  if (len > PROV_MACRO_NAME_MAX)
    return NULL;
  memcpy (key, name, len);
  key[len] = '\0';
  prov_parse_steps_add (len);
  if (ex->secrets != NULL)
    value = g_hash_table_lookup (ex->secrets, key);
  if (value == NULL && ex->vars != NULL)
    value = g_hash_table_lookup (ex->vars, key);
  return value;
}

/* Charges @value to the budget; FALSE (nothing charged) when it is spent. */
static gboolean
charge (Expander *ex, const char *value, gsize *len)
{
  *len = strlen (value);
  if (*len > *ex->budget)
    return FALSE;
  *ex->budget -= *len;
  prov_parse_steps_add (*len);
  return TRUE;
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
append_substring (GString *out, const char *value, gsize len, gsize offset, gsize count)
{
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

/* The digits at @p, as a count; *@p moves past them. FALSE when there
 * are none. */
static gboolean
scan_count (const char **p, gsize *out)
{
  const char *s = *p;

  while (g_ascii_isdigit (*s))
    s++;
  prov_parse_steps_add ((gsize) (s - *p));
  if (!parse_count (*p, (gsize) (s - *p), out))
    return FALSE;
  *p = s;
  return TRUE;
}

/* `$(NAME[:p[:q]])` at @p (pointing at the `$`). Returns the number of bytes
 * consumed, or 0 when the form is not valid, in which case the caller copies
 * the text verbatim. Only letters, digits and colons are scanned, never a
 * `$`: each `$` scans its own stretch of text, so a text of many `$(`
 * costs one pass. */
static gsize
expand_paren (Expander *ex, const char *p)
{
  const char *name = p + 2;
  const char *s = name;
  const char *value;
  gsize name_len;
  gsize value_len;
  gsize offset = 0;
  gsize count = G_MAXSIZE;
  gboolean substring = FALSE;

  while (g_ascii_isalnum (*s))
    s++;
  name_len = (gsize) (s - name);
  prov_parse_steps_add (name_len);
  if (name_len == 0)
    return 0;
  if (*s == ':')
    {
      substring = TRUE;
      s++;
      if (!scan_count (&s, &offset))
        return 0;
      if (*s == ':')
        {
          s++;
          if (!scan_count (&s, &count))
            return 0;
        }
    }
  if (*s != ')')
    return 0;

  value = lookup (ex, name, name_len);
  if (value == NULL || !charge (ex, value, &value_len))
    return 0;
  if (substring)
    append_substring (ex->out, value, value_len, offset, count);
  else
    g_string_append_len (ex->out, value, (gssize) value_len);
  return (gsize) (s + 1 - p);
}

/* `$NAME` at @p: the longest prefix of the alphanumeric run that is known.
 * No name is longer than PROV_MACRO_NAME_MAX, so that many lookups at most. */
static gsize
expand_bare (Expander *ex, const char *p)
{
  const char *run = p + 1;
  gsize run_len = 0;

  while (g_ascii_isalnum (run[run_len]))
    run_len++;
  prov_parse_steps_add (run_len);
  for (gsize len = MIN (run_len, PROV_MACRO_NAME_MAX); len > 0; len--)
    {
      const char *value = lookup (ex, run, len);
      gsize value_len;

      if (value == NULL)
        continue;
      if (!charge (ex, value, &value_len))
        return 0;
      g_string_append_len (ex->out, value, (gssize) value_len);
      return len + 1;
    }
  return 0;
}

char *
prov_macro_expand (const char *text, GHashTable *vars, GHashTable *secrets)
{
  gsize budget = PROV_MACRO_MAX_VALUE_BYTES;

  return prov_macro_expand_bounded (text, vars, secrets, &budget);
}

char *
prov_macro_expand_bounded (const char *text, GHashTable *vars, GHashTable *secrets,
                           gsize *budget)
{
  Expander ex = { NULL, vars, secrets, budget };
  GString *out;
  const char *p;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (budget != NULL, NULL);

  out = ex.out = g_string_sized_new (strlen (text) + 16);
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
        used = expand_paren (&ex, dollar);
      else
        used = expand_bare (&ex, dollar);
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
