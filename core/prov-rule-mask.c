/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-rule-mask.h"

#define MASK "…"

static gboolean
is_separator (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '[' || c == ']' || c == '|';
}

/* The end of the word at @p: a quoted string with its escapes, or a run up
 * to a separator or a quote. */
static const char *
word_end (const char *p)
{
  if (*p == '"')
    {
      for (p++; *p != '\0' && *p != '"'; p++)
        if (*p == '\\' && p[1] != '\0')
          p++;
      return *p == '"' ? p + 1 : p;
    }
  while (*p != '\0' && *p != '"' && !is_separator (*p))
    p++;
  return p;
}

/* 0, or the length of the option name @word starts with. */
static gsize
secret_option (const char *word, gsize len)
{
  static const char *const options[] = { "--key", "--uid", "--pwd" };

  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    if (len >= 5 && strncmp (word, options[i], 5) == 0)
      return 5;
  return 0;
}

/* "scheme://user:password@host/…" keeps the user, hides the password. */
static void
append_masking_userinfo (GString *out, const char *word, gsize len)
{
  const char *scheme_end = g_strstr_len (word, len, "://");
  const char *host = scheme_end != NULL ? scheme_end + 3 : NULL;
  const char *slash, *at, *colon;

  if (host == NULL)
    {
      g_string_append_len (out, word, len);
      return;
    }
  slash = memchr (host, '/', word + len - host);
  at = memchr (host, '@', (slash != NULL ? slash : word + len) - host);
  colon = at != NULL ? memchr (host, ':', at - host) : NULL;
  if (colon == NULL)
    {
      g_string_append_len (out, word, len);
      return;
    }
  g_string_append_len (out, word, colon + 1 - word);
  g_string_append (out, MASK);
  g_string_append_len (out, at, word + len - at);
}

char *
prov_rule_mask_secrets (const char *rule)
{
  GString *out = g_string_new (NULL);
  gboolean mask_next = FALSE;
  const char *p = rule != NULL ? rule : "";

  while (*p != '\0')
    {
      const char *start = p;
      gsize option;

      if (is_separator (*p))
        {
          g_string_append_c (out, *p++);
          continue;
        }
      p = word_end (p);
      if (mask_next)
        {
          g_string_append (out, MASK);
          mask_next = FALSE;
          continue;
        }
      option = secret_option (start, p - start);
      if (option > 0 && (gsize) (p - start) > option)
        {
          /* "--key=x" is no option, but whoever wrote it meant one. */
          g_string_append_len (out, start, option);
          g_string_append (out, MASK);
          continue;
        }
      append_masking_userinfo (out, start, p - start);
      mask_next = option > 0;
    }
  return g_string_free (out, FALSE);
}
