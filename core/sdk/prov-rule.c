/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-condition.h"
#include "prov-condition-private.h"
#include "prov-error.h"
#include "prov-macro.h"
#include "prov-macro-private.h"
#include "prov-rule.h"

/* Option arguments and names echoed in error messages are cut to this many
 * bytes; an argument may be a passphrase, so it is never echoed at all. */
#define MAX_ECHO 24

typedef struct
{
  const char      *text;
  ProvColumnCursor conditions; /* columns of the conditions, left to right */
} RuleParser;

/* Sets "column N: …" for the byte @at. Returns NULL, so that a parser can
 * `return fail_at (…);`. */
static const char *
fail_at (RuleParser *rp, const char *at, GError **error, const char *format, ...)
  G_GNUC_PRINTF (4, 5);

static const char *
fail_at (RuleParser *rp, const char *at, GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_RULE, "column %u: %s",
               prov_text_column (rp->text, at), msg);
  return NULL;
}

static const char *
skip_blanks (const char *p)
{
  while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
    p++;
  return p;
}

static gboolean
is_blank_or_nul (char c)
{
  return c == '\0' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
assignment_free (gpointer data)
{
  ProvAssignment *a = data;

  g_free (a->name);
  g_free (a->value);
  g_free (a);
}

static void
alt_free (gpointer data)
{
  ProvRuleAlt *alt = data;

  g_free (alt->condition);
  g_ptr_array_unref (alt->assignments);
  g_free (alt->key);
  g_free (alt->uid);
  g_free (alt->pwd);
  g_free (alt->url);
  g_free (alt);
}

static ProvRuleAlt *
alt_new (void)
{
  ProvRuleAlt *alt = g_new0 (ProvRuleAlt, 1);

  alt->assignments = g_ptr_array_new_with_free_func (assignment_free);
  return alt;
}

void
prov_rule_free (ProvRule *rule)
{
  if (rule == NULL)
    return;
  g_ptr_array_unref (rule->alts);
  g_free (rule);
}

/* A double-quoted string at @p (on the `"`): `\"` and `\\` are escapes.
 * Returns the byte after the closing quote, or NULL when it is missing. */
static const char *
scan_quoted (const char *p, char **out)
{
  GString *s = g_string_new (NULL);

  for (p++; *p != '\0' && *p != '"'; p++)
    {
      if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
        p++;
      g_string_append_c (s, *p);
    }
  if (*p != '"')
    {
      g_string_free (s, TRUE);
      return NULL;
    }
  if (out != NULL)
    *out = g_string_free (s, FALSE);
  else
    g_string_free (s, TRUE);
  return p + 1;
}

/* The byte closing the block opened at @open (`(` or `[`), skipping quoted
 * strings; parentheses nest so that a condition may hold `1.0.31(b)`. */
static const char *
find_closing (RuleParser *rp, const char *open, GError **error)
{
  char closer = *open == '(' ? ')' : ']';
  guint depth = 0;

  for (const char *p = open; *p != '\0'; p++)
    {
      if (*p == '"')
        {
          const char *end = scan_quoted (p, NULL);

          if (end == NULL)
            return fail_at (rp, p, error, "unterminated quote");
          p = end - 1;
        }
      else if (*p == *open)
        depth++;
      else if (*p == closer && --depth == 0)
        return p;
    }
  if (*open == '(')
    fail_at (rp, open, error, "unbalanced parenthesis");
  else
    fail_at (rp, open, error, "missing ']'");
  return NULL;
}

/* a…p and A…P are the GPP_A…GPP_P registers. */
static char *
normalize_name (const char *name, gsize len)
{
  if (len == 1 && g_ascii_isalpha (name[0]) && g_ascii_tolower (name[0]) <= 'p')
    return g_strdup_printf ("GPP_%c", g_ascii_toupper (name[0]));
  return g_strndup (name, len);
}

/* `NAME = "value" ;` … between @p and @end (the `)` of `( … )!`).
 * Returns @end, or NULL on an error. */
static const char *
parse_assignments (RuleParser *rp, const char *p, const char *end, ProvRuleAlt *alt,
                   GError **error)
{
  for (;;)
    {
      const char *name = skip_blanks (p);
      gsize name_len = 0;
      g_autofree char *value = NULL;
      ProvAssignment *a;

      if (name >= end)
        return end;
      while (g_ascii_isalnum (name[name_len]) || name[name_len] == '_')
        name_len++;
      if (name_len == 0)
        return fail_at (rp, name, error, "expected a parameter name in the assignments");
      p = skip_blanks (name + name_len);
      if (*p != '=')
        return fail_at (rp, p, error, "expected '=' after %.*s", (int) MIN (name_len, MAX_ECHO),
                        name);
      p = skip_blanks (p + 1);
      if (*p != '"')
        return fail_at (rp, p, error, "expected a quoted value after %.*s =",
                        (int) MIN (name_len, MAX_ECHO), name);
      /* find_closing() has already seen this quote closed before @end. */
      p = scan_quoted (p, &value);
      p = skip_blanks (p);
      if (*p != ';')
        return fail_at (rp, p, error, "missing ';' after the value of %.*s",
                        (int) MIN (name_len, MAX_ECHO), name);
      p++;

      a = g_new0 (ProvAssignment, 1);
      a->name = normalize_name (name, name_len);
      a->value = g_steal_pointer (&value);
      g_ptr_array_add (alt->assignments, a);
    }
}

/* A bare word or a quoted string inside `[ … ]`, or NULL (error set). */
static const char *
parse_option_arg (RuleParser *rp, const char *option, gsize option_len, const char *p,
                  const char *close, char **arg, GError **error)
{
  gsize len = 0;

  p = skip_blanks (p);
  if (*p == '"')
    return scan_quoted (p, arg);
  while (p + len < close && !is_blank_or_nul (p[len]) && p[len] != '"')
    len++;
  if (len == 0 || g_str_has_prefix (p, "--"))
    return fail_at (rp, option, error, "option %.*s needs an argument", (int) option_len, option);
  *arg = g_strndup (p, len);
  return p + len;
}

static const char *
parse_register_letter (RuleParser *rp, const char *option, gsize option_len, const char *p,
                       const char *close, char *letter, GError **error)
{
  g_autofree char *arg = NULL;
  const char *end = parse_option_arg (rp, option, option_len, p, close, &arg, error);

  if (end == NULL)
    return NULL;
  if (strlen (arg) != 1 || !g_ascii_isalpha (arg[0]) || g_ascii_tolower (arg[0]) > 'p')
    return fail_at (rp, skip_blanks (p), error, "option %.*s needs a register letter a to p",
                    (int) option_len, option);
  *letter = g_ascii_tolower (arg[0]);
  return end;
}

static gboolean
is_option (const char *option, gsize len, const char *name)
{
  return len == strlen (name) && strncmp (option, name, len) == 0;
}

/* `[ --key ARG --uid ARG --pwd ARG --post X --alias X --srv ]` at @open. */
static const char *
parse_options (RuleParser *rp, const char *open, ProvRuleAlt *alt, GError **error)
{
  const char *close;
  const char *p;

  close = find_closing (rp, open, error);
  if (close == NULL)
    return NULL;

  p = open + 1;
  for (;;)
    {
      const char *option = skip_blanks (p);
      gsize len = 0;
      char **arg = NULL;

      if (option >= close)
        return close + 1;
      while (option + len < close && !is_blank_or_nul (option[len]) && option[len] != '"')
        len++;
      if (len == 0 || !g_str_has_prefix (option, "--"))
        {
          /* Not echoed: it may be half of an unquoted passphrase. */
          return fail_at (rp, option, error,
                          "expected an option (an argument with blanks must be quoted)");
        }
      p = option + len;

      if (is_option (option, len, "--key"))
        arg = &alt->key;
      else if (is_option (option, len, "--uid"))
        arg = &alt->uid;
      else if (is_option (option, len, "--pwd"))
        arg = &alt->pwd;
      else if (is_option (option, len, "--post"))
        p = parse_register_letter (rp, option, len, p, close, &alt->post, error);
      else if (is_option (option, len, "--alias"))
        p = parse_register_letter (rp, option, len, p, close, &alt->alias, error);
      else if (is_option (option, len, "--srv"))
        alt->srv = TRUE;
      else
        return fail_at (rp, option, error, "unknown option %.*s", (int) MIN (len, MAX_ECHO),
                        option);

      if (arg != NULL)
        {
          /* A repeated option: the last one wins. */
          g_clear_pointer (arg, g_free);
          p = parse_option_arg (rp, option, len, p, close, arg, error);
        }
      if (p == NULL)
        return NULL;
    }
}

/* `[` starts options unless it opens an IPv6 literal: a URL such as
 * `[2001:db8::1]/f.cfg` with the scheme left out. */
static gboolean
looks_like_options (const char *p)
{
  gsize len = strspn (p + 1, "0123456789abcdefABCDEF:.%");

  return !(len > 0 && p[1 + len] == ']' && memchr (p + 1, ':', len) != NULL);
}

/* The `( … )?` and `( … )!` prefixes of one alternative. */
static const char *
parse_prefixes (RuleParser *rp, const char *p, ProvRuleAlt *alt, GError **error)
{
  gboolean have_assignments = FALSE;

  for (p = skip_blanks (p); *p == '('; p = skip_blanks (p))
    {
      const char *close = find_closing (rp, p, error);
      const char *mark;

      if (close == NULL)
        return NULL;
      mark = skip_blanks (close + 1);
      if (*mark == '?')
        {
          g_autofree char *raw = NULL;

          if (alt->condition != NULL)
            return fail_at (rp, p, error, "only one condition per alternative");
          if (have_assignments)
            return fail_at (rp, p, error, "the condition must come before the assignments");
          raw = g_strndup (p + 1, close - p - 1);
          if (!prov_condition_check_syntax_at (raw, prov_column_cursor_get (&rp->conditions, p + 1),
                                               error))
            return NULL;
          alt->condition = g_strstrip (g_steal_pointer (&raw));
        }
      else if (*mark == '!')
        {
          if (have_assignments)
            return fail_at (rp, p, error, "only one assignment block per alternative");
          if (parse_assignments (rp, p + 1, close, alt, error) == NULL)
            return NULL;
          have_assignments = TRUE;
        }
      else
        return fail_at (rp, mark, error, "expected '?' or '!' after ')'");
      p = mark + 1;
    }
  return p;
}

static const char *
parse_alt (RuleParser *rp, const char *p, ProvRuleAlt *alt, GError **error)
{
  const char *end;

  p = parse_prefixes (rp, p, alt, error);
  if (p == NULL)
    return NULL;
  /* Several option blocks are read as one. */
  while (*p == '[' && looks_like_options (p))
    {
      p = parse_options (rp, p, alt, error);
      if (p == NULL)
        return NULL;
      p = skip_blanks (p);
    }
  if (*p == '(')
    return fail_at (rp, p, error, "conditions and assignments must come before the options");

  end = p + strcspn (p, "|");
  alt->url = g_strstrip (g_strndup (p, end - p));
  return end;
}

ProvRule *
prov_rule_parse (const char *text, GError **error)
{
  g_autoptr (ProvRule) rule = NULL;
  RuleParser rp = { text };
  const char *p = text;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  prov_column_cursor_init (&rp.conditions, text, 1);
  rule = g_new0 (ProvRule, 1);
  rule->alts = g_ptr_array_new_with_free_func (alt_free);
  if (*skip_blanks (text) == '\0')
    return g_steal_pointer (&rule);

  for (;;)
    {
      ProvRuleAlt *alt = alt_new ();

      g_ptr_array_add (rule->alts, alt);
      p = parse_alt (&rp, p, alt, error);
      if (p == NULL)
        return NULL;
      if (*p != '|')
        return g_steal_pointer (&rule);
      p++;
    }
}

int
prov_rule_choose (ProvRule *rule, GHashTable *vars, GError **error)
{
  /* One budget for the macros of every condition: a thousand alternatives
   * comparing a long GPP_A must not cost its length a thousand times. */
  gsize budget = PROV_MACRO_MAX_VALUE_BYTES;

  g_return_val_if_fail (rule != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  for (guint i = 0; i < rule->alts->len; i++)
    {
      ProvRuleAlt *alt = g_ptr_array_index (rule->alts, i);
      gboolean holds = FALSE;

      if (alt->condition == NULL)
        return (int) i;
      if (!prov_condition_eval_bounded (alt->condition, vars, &budget, &holds, error))
        {
          g_prefix_error (error, "alternative %u: ", i + 1);
          return -1;
        }
      if (holds)
        return (int) i;
    }
  return -1;
}

static void
add_unused (GString *out, const char *const *used, const char *name, gboolean given)
{
  if (!given || used == NULL || g_strv_contains (used, name + 2))
    return;
  /* Named once, whatever the number of alternatives giving it. */
  if (strstr (out->str, name) != NULL)
    return;
  if (out->len > 0)
    g_string_append (out, ", ");
  g_string_append (out, name);
}

char *
prov_rule_list_unused (ProvRule *rule, const char *const *used, gboolean assignments_used)
{
  g_autoptr (GString) out = g_string_new (NULL);
  gboolean assignments = FALSE;

  g_return_val_if_fail (rule != NULL, NULL);

  for (guint i = 0; i < rule->alts->len; i++)
    {
      ProvRuleAlt *alt = rule->alts->pdata[i];

      add_unused (out, used, "--key", alt->key != NULL);
      add_unused (out, used, "--uid", alt->uid != NULL);
      add_unused (out, used, "--pwd", alt->pwd != NULL);
      add_unused (out, used, "--post", alt->post != 0);
      add_unused (out, used, "--alias", alt->alias != 0);
      add_unused (out, used, "--srv", alt->srv);
      assignments |= alt->assignments->len > 0;
    }
  if (assignments && !assignments_used)
    g_string_append_printf (out, "%sassignments", out->len > 0 ? ", " : "");
  return out->len > 0 ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

/* ---- URL completion -------------------------------------------------- */

typedef struct
{
  char *scheme;    /* lower case, or NULL */
  char *authority; /* host[:port] as written, or NULL when there is none */
  const char *rest; /* path, query… (into the split string) */
} UrlParts;

static void
url_parts_clear (UrlParts *parts)
{
  g_free (parts->scheme);
  g_free (parts->authority);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UrlParts, url_parts_clear)

static void
split_url (const char *url, UrlParts *parts)
{
  const char *p = url;
  gsize len;

  if (g_ascii_isalpha (*p))
    {
      const char *q = p + 1;

      while (g_ascii_isalnum (*q) || *q == '+' || *q == '-' || *q == '.')
        q++;
      if (g_str_has_prefix (q, "://"))
        {
          parts->scheme = g_ascii_strdown (p, q - p);
          p = q + 3;
        }
    }
  len = strcspn (p, "/?#");
  if (len > 0)
    parts->authority = g_strndup (p, len);
  parts->rest = p + len;
}

/* `host`, `host:port`, `[v6]`, `[v6]:port`, optionally after `userinfo@`. */
static gboolean
authority_is_valid (const char *authority)
{
  const char *host = strrchr (authority, '@');
  const char *port = NULL;

  host = host != NULL ? host + 1 : authority;
  for (const char *s = authority; *s != '\0'; s++)
    if ((guchar) *s <= ' ' || *s == 0x7f)
      return FALSE;
  if (*host == '[')
    {
      const char *close = strchr (host, ']');

      if (close == NULL || close == host + 1)
        return FALSE;
      if (close[1] == ':')
        port = close + 2;
      else if (close[1] != '\0')
        return FALSE;
    }
  else
    {
      const char *colon = strchr (host, ':');

      if (colon == host)
        return FALSE;
      if (colon != NULL)
        {
          /* An unbracketed IPv6 address cannot be told from host:port. */
          if (strchr (colon + 1, ':') != NULL)
            return FALSE;
          port = colon + 1;
        }
    }
  if (port != NULL)
    {
      guint64 n;

      if (!g_ascii_string_to_unsigned (port, 10, 1, 65535, &n, NULL))
        return FALSE;
    }
  return *host != '\0';
}

/* The default server as DHCP gives it: a whole URL, `host[:port][/dir]`,
 * or a bare IPv6 address (which gets its brackets here). @server is
 * trimmed; @parts points into it. */
static gboolean
split_default_server (const char *server, UrlParts *parts, char **prefix)
{
  gsize len;

  if (strstr (server, "://") != NULL)
    split_url (server, parts);
  else if (strchr (server, ':') != strrchr (server, ':') && strpbrk (server, "[/") == NULL)
    {
      parts->authority = g_strdup_printf ("[%s]", server);
      parts->rest = "";
    }
  else
    {
      len = strcspn (server, "/");
      parts->authority = len > 0 ? g_strndup (server, len) : NULL;
      parts->rest = server + len;
    }
  if (parts->authority == NULL || !authority_is_valid (parts->authority))
    return FALSE;

  /* A path in the server names a directory for the rule's path. */
  len = strcspn (parts->rest, "?#");
  while (len > 0 && parts->rest[len - 1] == '/')
    len--;
  *prefix = g_strndup (parts->rest, len);
  return TRUE;
}

char *
prov_url_complete (const char *url, const char *default_server, GError **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *server_text = NULL;
  g_autofree char *prefix = NULL;
  g_auto (UrlParts) rule = { 0 };
  g_auto (UrlParts) server = { 0 };
  const char *scheme;
  const char *authority;
  const char *rest;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  trimmed = g_strstrip (g_strdup (url));
  if (*trimmed == '\0')
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_INVALID_RULE, "empty URL");
      return NULL;
    }
  split_url (trimmed, &rule);
  rest = rule.rest;

  /* `gds://` and the like name a method, not a file. */
  if (rule.scheme != NULL && rule.authority == NULL && *rest == '\0')
    return g_strdup_printf ("%s://", rule.scheme);

  if (rule.scheme == NULL && rule.authority != NULL && *rest != '/')
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_RULE,
                   "no '/' before the file name (write /%s for the default server)",
                   rule.authority);
      return NULL;
    }
  if (rule.authority != NULL && !authority_is_valid (rule.authority))
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_INVALID_RULE, "bad host or port");
      return NULL;
    }

  authority = rule.authority;
  scheme = rule.scheme;
  if (authority == NULL)
    {
      if (default_server != NULL)
        server_text = g_strstrip (g_strdup (default_server));
      if (server_text == NULL || *server_text == '\0')
        {
          g_set_error_literal (error, PROV_ERROR, PROV_ERROR_TRANSPORT, "no server");
          return NULL;
        }
      if (!split_default_server (server_text, &server, &prefix))
        {
          g_set_error_literal (error, PROV_ERROR, PROV_ERROR_TRANSPORT, "bad server address");
          return NULL;
        }
      authority = server.authority;
      if (scheme == NULL)
        scheme = server.scheme;
    }
  if (scheme == NULL)
    scheme = "tftp";

  return g_strconcat (scheme, "://", authority, prefix != NULL ? prefix : "",
                      *rest == '/' ? "" : "/", rest, NULL);
}
