/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-condition.h"
#include "prov-error.h"
#include "prov-rule.h"
#include "prov-rule-mask.h"

/* The masker reads a rule with the grammar of prov-rule.c (the same blanks,
 * quotes, escapes, nesting and word ends), so that what the parser takes
 * for a secret is exactly what is hidden; where the parser would stop with
 * an error the masker goes on, hiding more rather than less. Each byte is
 * looked at a bounded number of times. */

typedef struct
{
  GString                *out;
  ProvRuleMaskSecretFunc  is_secret;
  gpointer                user_data;
} Masker;

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *
copy_while (Masker *m, const char *p, const char *end, gboolean (*keep) (char c))
{
  const char *start = p;

  while (p < end && keep (*p))
    p++;
  g_string_append_len (m->out, start, p - start);
  return p;
}

static const char *
copy_blanks (Masker *m, const char *p, const char *end)
{
  return copy_while (m, p, end, is_blank);
}

/* What g_strstrip() takes off a URL (\v and \f too), as the parser does. */
static gboolean
is_strip_space (char c)
{
  return g_ascii_isspace (c);
}

/* The byte after the quoted string at @p (on the `"`), or NULL when it is
 * not closed before @end. `\"` and `\\` are escapes, as in the parser. */
static const char *
quoted_end (const char *p, const char *end)
{
  for (p++; p < end && *p != '"'; p++)
    if (*p == '\\' && p + 1 < end && (p[1] == '"' || p[1] == '\\'))
      p++;
  return p < end ? p + 1 : NULL;
}

/* The parser's find_closing(): the `)` or `]` closing @open, skipping
 * quoted strings, nesting; NULL when there is none. */
static const char *
closing (const char *open, const char *end)
{
  char closer = *open == '(' ? ')' : ']';
  guint depth = 0;

  for (const char *p = open; p < end; p++)
    {
      if (*p == '"')
        {
          p = quoted_end (p, end);
          if (p == NULL)
            return NULL;
          p--;
        }
      else if (*p == *open)
        depth++;
      else if (*p == closer && --depth == 0)
        return p;
    }
  return NULL;
}

/* The parser's looks_like_options(): `[2001:db8::1]/f.cfg` is a URL. */
static gboolean
looks_like_options (const char *p)
{
  gsize len = strspn (p + 1, "0123456789abcdefABCDEF:.%");

  return !(len > 0 && p[1 + len] == ']' && memchr (p + 1, ':', len) != NULL);
}

static gboolean
default_is_secret (const char *name, gpointer user_data)
{
  static const char *const words[] = { "password", "passwd", "pwd", "passphrase", "psk",
                                       "secret" };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  if (strlen (name) == 6 && g_str_has_prefix (name, "GPP_S") && name[5] >= 'A' && name[5] <= 'D')
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (strstr (lower, words[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* `NAME = "value" ;` … inside `( … )!`, read as the parser reads it: a
 * secret parameter's value keeps its quotes and loses its text. FALSE at
 * the first byte that does not fit the grammar (the rest is hidden). */
static gboolean
mask_assignments (Masker *m, const char *p, const char *end)
{
  for (;;)
    {
      const char *name, *value, *value_end;
      gsize name_len = 0;
      g_autofree char *normalized = NULL;

      p = copy_blanks (m, p, end);
      if (p >= end)
        return TRUE;
      name = p;
      while (name + name_len < end && (g_ascii_isalnum (name[name_len]) || name[name_len] == '_'))
        name_len++;
      p = name + name_len;
      while (p < end && is_blank (*p))
        p++;
      if (name_len == 0 || p >= end || *p != '=')
        return FALSE;
      value = p + 1;
      while (value < end && is_blank (*value))
        value++;
      if (value >= end || *value != '"')
        return FALSE;
      value_end = quoted_end (value, end);
      if (value_end == NULL)
        return FALSE;
      p = value_end;
      while (p < end && is_blank (*p))
        p++;
      if (p >= end || *p != ';')
        return FALSE;
      if (name_len == 1 && g_ascii_isalpha (name[0]) && g_ascii_tolower (name[0]) <= 'p')
        normalized = g_strdup_printf ("GPP_%c", g_ascii_toupper (name[0]));
      else
        normalized = g_strndup (name, name_len);
      g_string_append_len (m->out, name, value - name);
      if (m->is_secret (normalized, m->user_data))
        g_string_append (m->out, "\"" PROV_RULE_MASK "\"");
      else
        g_string_append_len (m->out, value, value_end - value);
      g_string_append_len (m->out, value_end, p + 1 - value_end);
      p++;
    }
}

static gboolean
is_secret_option (const char *word, gsize len)
{
  return len >= 5
         && (strncmp (word, "--key", 5) == 0 || strncmp (word, "--uid", 5) == 0
             || strncmp (word, "--pwd", 5) == 0);
}

/* One argument at @p (after the blanks): a quoted string, or a bare word up
 * to a blank, a quote or @end. Returns its end, or NULL when a quote is
 * not closed. */
static const char *
argument_end (const char *p, const char *end)
{
  if (*p == '"')
    return quoted_end (p, end);
  while (p < end && !is_blank (*p) && *p != '"')
    p++;
  return p;
}

static void
append_masked_argument (Masker *m, const char *arg)
{
  g_string_append (m->out, *arg == '"' ? "\"" PROV_RULE_MASK "\"" : PROV_RULE_MASK);
}

/* A register letter as the parser takes it: `a`, `P`, `"b"`. */
static gboolean
is_register_argument (const char *arg, gsize len)
{
  if (len == 3 && arg[0] == '"' && arg[2] == '"')
    arg++;
  else if (len != 1)
    return FALSE;
  return g_ascii_isalpha (arg[0]) && g_ascii_tolower (arg[0]) <= 'p';
}

/* The words between `[` and @end (its `]`, or the end of the rule when it
 * is missing). FALSE where the parser would stop with an error: the rest
 * of the rule is then hidden, for where a secret ends is no longer known
 * (`[--key my pass]`, `[" --pwd "x]`, `[--pwd ] x`). */
static gboolean
mask_options (Masker *m, const char *p, const char *end)
{
  for (;;)
    {
      const char *word, *word_end, *arg_end;
      gsize len;

      p = copy_blanks (m, p, end);
      if (p >= end)
        return TRUE;
      word = p;
      word_end = argument_end (word, end);
      if (word_end == NULL)
        return FALSE;
      len = word_end - word;
      p = word_end;
      if (len == 5 && is_secret_option (word, len))
        {
          g_string_append_len (m->out, word, len);
          p = copy_blanks (m, p, end);
          if (p >= end || g_str_has_prefix (p, "--"))
            return FALSE;
          arg_end = argument_end (p, end);
          if (arg_end == NULL)
            return FALSE;
          append_masked_argument (m, p);
          p = arg_end;
        }
      else if (is_secret_option (word, len))
        {
          /* `--key=x`: no option, but whoever wrote it meant one. */
          g_string_append_len (m->out, word, 5);
          return FALSE;
        }
      else if ((len == 6 && strncmp (word, "--post", 6) == 0)
               || (len == 7 && strncmp (word, "--alias", 7) == 0))
        {
          const char *arg;

          g_string_append_len (m->out, word, len);
          arg = p;
          while (arg < end && is_blank (*arg))
            arg++;
          arg_end = arg < end ? argument_end (arg, end) : NULL;
          if (arg_end == NULL || !is_register_argument (arg, arg_end - arg))
            return FALSE;
          g_string_append_len (m->out, p, arg_end - p);
          p = arg_end;
        }
      else if (len == 5 && strncmp (word, "--srv", 5) == 0)
        g_string_append_len (m->out, word, len);
      else
        return FALSE;
    }
}

/* The user information of the authority at @p: a password between the
 * first `:` and the last `@` before the first `/`, `?` or `#` is masked.
 * Without a scheme (@bare) an authority holds no blanks. Returns where the
 * caller goes on: after the `@` of a masked password (everything up to it
 * written), else @p (nothing written). */
static const char *
mask_authority (Masker *m, const char *p, const char *end, gboolean bare)
{
  const char *auth_end = p, *at = NULL, *colon = NULL;

  while (auth_end < end && *auth_end != '/' && *auth_end != '?' && *auth_end != '#')
    {
      if (bare && is_blank (*auth_end))
        return p;
      if (*auth_end == '@')
        at = auth_end;
      auth_end++;
    }
  if (at != NULL)
    colon = memchr (p, ':', at - p);
  /* `[2001:db8::1]`: an address, no user. */
  if (colon == NULL || memchr (p, '[', colon - p) != NULL)
    return p;
  g_string_append_len (m->out, p, colon + 1 - p);
  g_string_append (m->out, PROV_RULE_MASK);
  return at;
}

/* The argument of an option written in a URL, read as inside `[ … ]`
 * (the writer meant one): a quoted string, or a word up to a blank, a
 * quote, a `]` that closes nothing or the next option, `|` included. NULL when a quote is
 * not closed. */
static const char *
loose_argument_end (const char *p, const char *end)
{
  guint depth = 0;

  if (p < end && *p == '"')
    return quoted_end (p, end);
  for (; p < end && !is_blank (*p) && *p != '"' && !is_secret_option (p, end - p); p++)
    {
      if (*p == '[')
        depth++;
      else if (*p == ']' && depth-- == 0)
        break;
    }
  return p;
}

/* The URL part from @p to the `|` ending it (@split) or to @end:
 * authorities after each `://` (and at the start when the URL has no
 * scheme), and options written where a URL stands, whose arguments may run
 * past that `|` up to @end. In a @condition only the authorities after
 * `://`. Returns where the masker goes on, or NULL when the rest is
 * hidden. */
static const char *
mask_url (Masker *m, const char *p, const char *end, gboolean split, gboolean condition)
{
  const char *start = copy_while (m, p, end, is_strip_space);
  const char *url_end = split ? memchr (start, '|', end - start) : NULL;
  const char *slash;

  if (url_end == NULL)
    url_end = end;
  slash = memchr (start, '/', url_end - start);
  p = start;
  /* `u:pw@host/x` with the scheme left out. */
  if (!condition
      && (slash == NULL || slash == start || slash[-1] != ':' || slash + 1 >= url_end
          || slash[1] != '/'))
    {
      /* The parser trims the URL: blanks at its end are no part of it. */
      const char *content_end = url_end;

      while (content_end > start && is_strip_space (content_end[-1]))
        content_end--;
      p = mask_authority (m, p, content_end, TRUE);
    }
  while (p < url_end)
    {
      if (url_end - p >= 3 && p[0] == ':' && p[1] == '/' && p[2] == '/')
        {
          g_string_append_len (m->out, p, 3);
          p = mask_authority (m, p + 3, url_end, FALSE);
          continue;
        }
      if (!condition && url_end - p > 5 && is_secret_option (p, 5))
        {
          const char *arg, *arg_end;

          g_string_append_len (m->out, p, 5);
          arg = p + 5;
          if (*arg == '=')
            g_string_append_c (m->out, *arg++);
          else
            arg = copy_blanks (m, arg, end);
          arg_end = loose_argument_end (arg, end);
          if (arg_end == NULL)
            return NULL;
          if (arg_end > arg)
            append_masked_argument (m, arg);
          p = arg_end;
          if (p > url_end)
            {
              url_end = split ? memchr (p, '|', end - p) : NULL;
              if (url_end == NULL)
                url_end = end;
            }
          continue;
        }
      g_string_append_c (m->out, *p++);
    }
  return url_end;
}

/* A condition holds no secret, but a URL may stand in it: its password is
 * hidden unless that breaks the condition (then what looked like a URL's
 * password held an operator, and the condition is shown as it is). */
static char *
show_condition (const char *condition)
{
  char *shown = prov_text_mask_url_passwords (condition);

  if (strcmp (shown, condition) != 0 && !prov_condition_check_syntax (shown, NULL))
    {
      g_free (shown);
      return g_strdup (condition);
    }
  return shown;
}

/* One alternative from @p up to its `|` or the end. Returns where it
 * stopped, or NULL when the rest of the rule is hidden. */
static const char *
mask_alternative (Masker *m, const char *p, const char *end)
{
  for (p = copy_blanks (m, p, end); p < end && *p == '('; p = copy_blanks (m, p, end))
    {
      const char *close = closing (p, end);
      const char *mark;

      if (close == NULL)
        return NULL;
      mark = close + 1;
      while (mark < end && is_blank (*mark))
        mark++;
      if (mark < end && *mark == '?')
        {
          g_autofree char *raw = g_strndup (p + 1, close - p - 1);
          g_autofree char *shown = NULL;

          if (!prov_condition_check_syntax (raw, NULL))
            return NULL;
          shown = show_condition (raw);
          g_string_append_c (m->out, '(');
          g_string_append (m->out, shown);
          g_string_append_len (m->out, close, mark + 1 - close);
        }
      else if (mark < end && *mark == '!')
        {
          g_string_append_c (m->out, '(');
          if (!mask_assignments (m, p + 1, close))
            return NULL;
          g_string_append_len (m->out, close, mark + 1 - close);
        }
      else
        return NULL;
      p = mark + 1;
    }
  while (p < end && *p == '[' && looks_like_options (p))
    {
      const char *close = closing (p, end);

      g_string_append_c (m->out, '[');
      if (!mask_options (m, p + 1, close != NULL ? close : end))
        return NULL;
      if (close == NULL)
        return end;
      g_string_append_c (m->out, ']');
      p = copy_blanks (m, close + 1, end);
    }
  if (p < end && *p == '(')
    return NULL;
  return mask_url (m, p, end, TRUE, FALSE);
}

char *
prov_rule_mask_secrets_full (const char *rule, ProvRuleMaskSecretFunc is_secret,
                             gpointer user_data)
{
  Masker m = { g_string_new (NULL), is_secret != NULL ? is_secret : default_is_secret,
               user_data };
  const char *p = rule != NULL ? rule : "";
  const char *end = p + strlen (p);

  for (;;)
    {
      p = mask_alternative (&m, p, end);
      if (p == NULL)
        {
          if (!g_str_has_suffix (m.out->str, PROV_RULE_MASK))
            g_string_append (m.out, PROV_RULE_MASK);
          break;
        }
      if (p >= end)
        break;
      g_string_append_c (m.out, '|');
      p++;
    }
  return g_string_free (m.out, FALSE);
}

char *
prov_rule_mask_secrets (const char *rule)
{
  return prov_rule_mask_secrets_full (rule, NULL, NULL);
}

char *
prov_url_mask_secrets (const char *url)
{
  Masker m = { g_string_new (NULL), default_is_secret, NULL };
  const char *p = url != NULL ? url : "";

  if (mask_url (&m, p, p + strlen (p), FALSE, FALSE) == NULL)
    g_string_append (m.out, PROV_RULE_MASK);
  return g_string_free (m.out, FALSE);
}

char *
prov_text_mask_url_passwords (const char *text)
{
  Masker m = { g_string_new (NULL), default_is_secret, NULL };
  const char *p = text != NULL ? text : "";

  mask_url (&m, p, p + strlen (p), FALSE, TRUE);
  return g_string_free (m.out, FALSE);
}

/* ---- the oracle ---- */

static gboolean
check_fail (GError **error, guint alt, const char *what)
{
  g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED, "alternative %u: %s", alt + 1, what);
  return FALSE;
}

static gboolean
check_argument (const char *orig, const char *masked, guint alt,
                const char *what, GError **error)
{
  if ((orig == NULL) != (masked == NULL))
    return check_fail (error, alt, what);
  if (orig != NULL && strcmp (masked, PROV_RULE_MASK) != 0)
    return check_fail (error, alt, what);
  return TRUE;
}

gboolean
prov_rule_mask_check (const char *rule, GError **error)
{
  g_autofree char *masked = prov_rule_mask_secrets (rule);
  g_autoptr(ProvRule) before = NULL;
  g_autoptr(ProvRule) after = NULL;
  g_autoptr(GError) parse_error = NULL;

  g_return_val_if_fail (rule != NULL, FALSE);

  before = prov_rule_parse (rule, NULL);
  if (before == NULL)
    return TRUE;
  /* An option written in a URL is masked as one, past a `|` if need be:
   * such a rule is read leniently, as a refused one is. */
  for (guint i = 0; i < before->alts->len; i++)
    {
      ProvRuleAlt *a = before->alts->pdata[i];

      if (strstr (a->url, "--key") != NULL || strstr (a->url, "--uid") != NULL
          || strstr (a->url, "--pwd") != NULL)
        return TRUE;
    }
  after = prov_rule_parse (masked, &parse_error);
  if (after == NULL)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED, "the masked rule does not parse: %s",
                   parse_error->message);
      return FALSE;
    }
  if (before->alts->len != after->alts->len)
    return check_fail (error, 0, "a different number of alternatives");
  for (guint i = 0; i < before->alts->len; i++)
    {
      ProvRuleAlt *a = before->alts->pdata[i], *b = after->alts->pdata[i];
      g_autofree char *url = prov_url_mask_secrets (a->url);

      g_autofree char *condition = a->condition ? show_condition (a->condition) : NULL;

      if (g_strcmp0 (condition, b->condition) != 0)
        return check_fail (error, i, "the condition changed");
      if (a->post != b->post || a->alias != b->alias || a->srv != b->srv)
        return check_fail (error, i, "a register option changed");
      if (strcmp (url, b->url) != 0)
        return check_fail (error, i, "the URL is not its masked form");
      if (!check_argument (a->key, b->key, i, "--key", error)
          || !check_argument (a->uid, b->uid, i, "--uid", error)
          || !check_argument (a->pwd, b->pwd, i, "--pwd", error))
        return FALSE;
      if (a->assignments->len != b->assignments->len)
        return check_fail (error, i, "a different number of assignments");
      for (guint j = 0; j < a->assignments->len; j++)
        {
          ProvAssignment *x = a->assignments->pdata[j], *y = b->assignments->pdata[j];
          gboolean secret = default_is_secret (x->name, NULL);

          if (strcmp (x->name, y->name) != 0)
            return check_fail (error, i, "an assignment's name changed");
          if (strcmp (y->value, secret ? PROV_RULE_MASK : x->value) != 0)
            return check_fail (error, i, "an assignment's value is wrong");
        }
    }
  return TRUE;
}
