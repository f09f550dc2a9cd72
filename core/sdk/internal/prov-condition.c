/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-condition.h"
#include "prov-condition-private.h"
#include "prov-error.h"
#include "prov-macro.h"
#include "prov-macro-private.h"

/* Deep enough for any real condition, shallow enough for the C stack. */
#define MAX_DEPTH 64
/* Operands echoed in error messages are cut to this many bytes. */
#define MAX_ECHO 32

typedef enum
{
  TOK_END,
  TOK_LPAREN,
  TOK_RPAREN,
  TOK_AND,
  TOK_OR,
  TOK_OP,
  TOK_WORD,   /* unquoted operand, raw */
  TOK_STRING, /* quoted operand, escapes decoded */
} TokenType;

typedef enum
{
  OP_EQ,
  OP_NE,
  OP_LT,
  OP_LE,
  OP_GT,
  OP_GE,
} CompareOp;

typedef struct
{
  TokenType type;
  CompareOp op;
  guint column;
  char *text; /* operand value, or the operator as written */
} Token;

typedef struct
{
  GArray *tokens;
  guint pos;
  guint depth;
  GHashTable *vars;
  gsize *macro_budget; /* shared by every operand: see expand_operand() */
} Parser;

/* ---- version and number comparison ---------------------------------- */

/* Compares two runs of decimal digits of any length, as numbers. */
static int
compare_digits (const char *a, gsize alen, const char *b, gsize blen)
{
  int r;

  while (alen > 0 && *a == '0')
    a++, alen--;
  while (blen > 0 && *b == '0')
    b++, blen--;
  if (alen != blen)
    return alen < blen ? -1 : 1;
  r = memcmp (a, b, alen);
  return (r > 0) - (r < 0);
}

/* Natural order inside one field: digit runs as numbers, other runs as
 * bytes; a number sorts after text at the same place, and a field that is a
 * prefix of the other sorts first ("2" < "2MPP0001"). */
static int
compare_field (const char *a, gsize alen, const char *b, gsize blen)
{
  gsize i = 0, j = 0;

  while (i < alen && j < blen)
    {
      gboolean da = g_ascii_isdigit (a[i]);
      gboolean db = g_ascii_isdigit (b[j]);
      gsize si = i, sj = j;
      int r;

      if (da != db)
        return da ? 1 : -1;
      while (i < alen && g_ascii_isdigit (a[i]) == da)
        i++;
      while (j < blen && g_ascii_isdigit (b[j]) == db)
        j++;
      if (da)
        r = compare_digits (a + si, i - si, b + sj, j - sj);
      else
        {
          gsize la = i - si, lb = j - sj;

          r = memcmp (a + si, b + sj, MIN (la, lb));
          r = (r > 0) - (r < 0);
          if (r == 0 && la != lb)
            r = la < lb ? -1 : 1;
        }
      if (r != 0)
        return r;
    }
  return (i < alen) - (j < blen);
}

static gboolean
is_version_separator (char c)
{
  return c == '.' || c == '-' || c == '(' || c == ')' || c == '_';
}

/* "sip88xx.11-3-2MPP0001-609" → "11-3-2MPP0001-609": a model name before
 * the first dot is not part of the version. A name joined by '-' or '_'
 * ("fw-1.2.3", "image_2.0") is a word of letters, not a model: only the
 * word goes, so the version keeps its first field. */
static const char *
skip_model_prefix (const char *v)
{
  const char *dot = strchr (v, '.');
  const char *s = v;

  while (g_ascii_isalpha (*s))
    s++;
  if (s > v && (*s == '-' || *s == '_') && g_ascii_isdigit (s[1]))
    return s + 1;
  if (dot == NULL)
    return v;
  for (s = v; s < dot; s++)
    if (g_ascii_isalpha (*s))
      return dot + 1;
  return v;
}

/* Moves *@p to the next field and returns its length; 0 at the end.
 * Empty fields ("1..2", the ")" closing "(b)") are skipped. */
static gsize
next_field (const char **p)
{
  const char *s = *p;
  gsize len = 0;

  while (*s != '\0' && is_version_separator (*s))
    s++;
  while (s[len] != '\0' && !is_version_separator (s[len]))
    len++;
  *p = s;
  return len;
}

int
prov_version_compare (const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return (a != NULL) - (b != NULL);

  a = skip_model_prefix (a);
  b = skip_model_prefix (b);
  for (;;)
    {
      gsize alen = next_field (&a);
      gsize blen = next_field (&b);
      int r;

      if (alen == 0 || blen == 0)
        return (alen != 0) - (blen != 0);
      r = compare_field (a, alen, b, blen);
      if (r != 0)
        return r;
      a += alen;
      b += blen;
    }
}

static gboolean
is_integer (const char *s)
{
  if (*s == '-' || *s == '+')
    s++;
  if (*s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/* Signed integers of any length ($PRVST is -1 for an explicit request). */
static int
compare_integers (const char *a, const char *b)
{
  gboolean neg_a = *a == '-';
  gboolean neg_b = *b == '-';
  int r;

  if (*a == '-' || *a == '+')
    a++;
  if (*b == '-' || *b == '+')
    b++;
  /* "-0" is 0. */
  if (a[strspn (a, "0")] == '\0')
    neg_a = FALSE;
  if (b[strspn (b, "0")] == '\0')
    neg_b = FALSE;
  if (neg_a != neg_b)
    return neg_a ? -1 : 1;
  r = compare_digits (a, strlen (a), b, strlen (b));
  return neg_a ? -r : r;
}

static int
compare_unquoted (const char *a, const char *b)
{
  if (is_integer (a) && is_integer (b))
    return compare_integers (a, b);
  return prov_version_compare (a, b);
}

/* ---- tokenizer ------------------------------------------------------- */

static void
token_clear (gpointer data)
{
  Token *tok = data;

  g_free (tok->text);
}

static char *
echo (const char *text)
{
  int len = MAX_ECHO;

  if (strlen (text) <= MAX_ECHO)
    return g_strdup (text);
  /* Never cut a UTF-8 character in two. */
  while (len > 0 && ((guchar) text[len] & 0xC0) == 0x80)
    len--;
  return g_strdup_printf ("%.*s...", len, text);
}

static gboolean
set_error (GError **error, guint column, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
set_error (GError **error, guint column, const char *format, ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_RULE, "column %u: %s", column, msg);
  return FALSE;
}

/* A quoted operand at @p; backslash escapes `\"` and `\\`. */
static const char *
scan_string (const char *p, Token *tok)
{
  GString *s = g_string_new (NULL);

  for (p++; *p != '\0' && *p != '"'; p++)
    {
      if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
        p++;
      g_string_append_c (s, *p);
    }
  tok->type = TOK_STRING;
  tok->text = g_string_free (s, FALSE);
  return *p == '"' ? p + 1 : NULL;
}

static const struct
{
  const char *word;
  TokenType type;
  CompareOp op;
} keywords[] = {
  { "eq", TOK_OP, OP_EQ }, { "ne", TOK_OP, OP_NE }, { "lt", TOK_OP, OP_LT },
  { "le", TOK_OP, OP_LE }, { "gt", TOK_OP, OP_GT }, { "ge", TOK_OP, OP_GE },
  { "and", TOK_AND, 0 },   { "or", TOK_OR, 0 },
  /* The seed's own example writes `$SUPGTMR gt 300 および $PRVTMR ge 600`. */
  { "および", TOK_AND, 0 }, { "または", TOK_OR, 0 },
};

/* The index of the keyword spelled by @len bytes at @p (any case), or -1. */
static int
find_keyword (const char *p, gsize len)
{
  for (gsize i = 0; i < G_N_ELEMENTS (keywords); i++)
    if (len == strlen (keywords[i].word) && g_ascii_strncasecmp (p, keywords[i].word, len) == 0)
      return (int) i;
  return -1;
}

/* An unquoted operand or keyword at @p. Parentheses glued inside a word
 * belong to it (`1.0.31(b)`), except after a keyword (`and(`); a `)` that
 * closes nothing ends the word, so `(… eq 2)` still closes its group.
 * Returns NULL on an unclosed `(`, with *@open set to it. */
static const char *
scan_word (const char *p, Token *tok, const char **open)
{
  const char *q = p;
  guint depth = 0;
  int keyword;

  for (; *q != '\0' && !g_ascii_isspace (*q) && strchr ("\"<>=!", *q) == NULL; q++)
    {
      if (*q == '(')
        {
          if (depth == 0 && find_keyword (p, q - p) >= 0)
            break;
          if (depth++ == 0)
            *open = q;
        }
      else if (*q == ')')
        {
          if (depth == 0)
            break;
          depth--;
        }
    }
  tok->text = g_strndup (p, q - p);
  if (depth > 0)
    return NULL;
  keyword = find_keyword (p, q - p);
  tok->type = keyword >= 0 ? keywords[keyword].type : TOK_WORD;
  tok->op = keyword >= 0 ? keywords[keyword].op : 0;
  return q;
}

static const char *
scan_symbol_operator (const char *p, Token *tok)
{
  static const struct
  {
    const char *text;
    CompareOp op;
  } ops[] = {
    { "<=", OP_LE }, { ">=", OP_GE }, { "==", OP_EQ }, { "!=", OP_NE },
    { "<", OP_LT },  { ">", OP_GT },  { "=", OP_EQ },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      gsize len = strlen (ops[i].text);

      if (strncmp (p, ops[i].text, len) == 0)
        {
          tok->type = TOK_OP;
          tok->op = ops[i].op;
          tok->text = g_strdup (ops[i].text);
          return p + len;
        }
    }
  return NULL;
}

static gboolean
tokenize (const char *expr, guint first_column, GArray *tokens, GError **error)
{
  const char *p = expr;
  ProvColumnCursor cursor;

  prov_column_cursor_init (&cursor, expr, first_column);
  for (;;)
    {
      Token tok = { 0 };
      const char *open = NULL;
      const char *next;

      while (g_ascii_isspace (*p))
        p++;
      tok.column = prov_column_cursor_get (&cursor, p);
      if (*p == '\0')
        {
          tok.type = TOK_END;
          g_array_append_val (tokens, tok);
          return TRUE;
        }

      if (*p == '(' || *p == ')')
        {
          tok.type = *p == '(' ? TOK_LPAREN : TOK_RPAREN;
          tok.text = g_strndup (p, 1);
          next = p + 1;
        }
      else if (*p == '"')
        {
          next = scan_string (p, &tok);
          if (next == NULL)
            {
              g_free (tok.text);
              return set_error (error, tok.column, "unterminated quote");
            }
        }
      else if (strchr ("<>=!", *p) != NULL)
        {
          next = scan_symbol_operator (p, &tok);
          if (next == NULL)
            return set_error (error, tok.column, "unexpected '%c'", *p);
        }
      else
        {
          next = scan_word (p, &tok, &open);
          if (next == NULL)
            {
              g_free (tok.text);
              return set_error (error, first_column - 1 + prov_text_column (expr, open),
                                "unbalanced parenthesis");
            }
        }
      g_array_append_val (tokens, tok);
      p = next;
    }
}

/* ---- parser and evaluator -------------------------------------------- */

static Token *
peek (Parser *ps)
{
  return &g_array_index (ps->tokens, Token, ps->pos);
}

static Token *
take (Parser *ps)
{
  Token *tok = peek (ps);

  if (tok->type != TOK_END)
    ps->pos++;
  return tok;
}

static gboolean
is_operand (const Token *tok)
{
  return tok->type == TOK_WORD || tok->type == TOK_STRING;
}

static char *
expand_operand (Parser *ps, const Token *tok)
{
  /* One budget for the whole condition, not one per operand: `$A eq $A
   * and …` with a long GPP_A would otherwise cost its length per operand. */
  char *value = prov_macro_expand_bounded (tok->text, ps->vars, NULL, ps->macro_budget);

  /* Only a quoted operand keeps its blanks: `"$A" eq " x"`. */
  if (tok->type == TOK_WORD)
    g_strstrip (value);
  return value;
}

static gboolean
compare (Parser *ps, const Token *lhs, const Token *op, const Token *rhs, gboolean *result)
{
  g_autofree char *a = expand_operand (ps, lhs);
  g_autofree char *b = expand_operand (ps, rhs);
  int r;

  if (lhs->type == TOK_STRING || rhs->type == TOK_STRING)
    r = strcmp (a, b);
  else
    r = compare_unquoted (a, b);

  switch (op->op)
    {
    case OP_EQ:
      *result = r == 0;
      break;
    case OP_NE:
      *result = r != 0;
      break;
    case OP_LT:
      *result = r < 0;
      break;
    case OP_LE:
      *result = r <= 0;
      break;
    case OP_GT:
      *result = r > 0;
      break;
    case OP_GE:
    default:
      *result = r >= 0;
      break;
    }
  return TRUE;
}

static gboolean
parse_comparison (Parser *ps, gboolean *result, GError **error)
{
  Token *lhs = take (ps);
  Token *op;
  Token *rhs;
  g_autofree char *shown = NULL;

  if (!is_operand (lhs))
    {
      if (lhs->type == TOK_END)
        return set_error (error, lhs->column, "expected an operand");
      shown = echo (lhs->text);
      return set_error (error, lhs->column, "expected an operand before '%s'", shown);
    }
  op = take (ps);
  if (op->type != TOK_OP)
    {
      shown = echo (lhs->text);
      return set_error (error, op->column, "expected an operator after '%s'", shown);
    }
  rhs = take (ps);
  if (!is_operand (rhs))
    return set_error (error, rhs->column, "expected an operand after '%s'", op->text);
  if ((lhs->type == TOK_STRING || rhs->type == TOK_STRING) && op->op != OP_EQ
      && op->op != OP_NE)
    return set_error (error, op->column,
                      "'%s' cannot compare quoted strings (only eq and ne can)", op->text);
  return compare (ps, lhs, op, rhs, result);
}

static gboolean parse_or (Parser *ps, gboolean *result, GError **error);

static gboolean
parse_primary (Parser *ps, gboolean *result, GError **error)
{
  Token *open = peek (ps);

  if (open->type != TOK_LPAREN)
    return parse_comparison (ps, result, error);

  take (ps);
  if (++ps->depth > MAX_DEPTH)
    return set_error (error, open->column, "parentheses nested too deeply");
  if (!parse_or (ps, result, error))
    return FALSE;
  if (peek (ps)->type != TOK_RPAREN)
    {
      Token *next = peek (ps);
      g_autofree char *shown = NULL;

      if (next->type == TOK_END)
        return set_error (error, open->column, "unbalanced parenthesis");
      shown = echo (next->text);
      return set_error (error, next->column, "expected 'and', 'or' or ')' before '%s'", shown);
    }
  take (ps);
  ps->depth--;
  return TRUE;
}

static gboolean
parse_and (Parser *ps, gboolean *result, GError **error)
{
  if (!parse_primary (ps, result, error))
    return FALSE;
  while (peek (ps)->type == TOK_AND)
    {
      gboolean rhs;

      take (ps);
      /* Always parsed, so that a syntax error is found whatever the values. */
      if (!parse_primary (ps, &rhs, error))
        return FALSE;
      *result = *result && rhs;
    }
  return TRUE;
}

static gboolean
parse_or (Parser *ps, gboolean *result, GError **error)
{
  if (!parse_and (ps, result, error))
    return FALSE;
  while (peek (ps)->type == TOK_OR)
    {
      gboolean rhs;

      take (ps);
      if (!parse_and (ps, &rhs, error))
        return FALSE;
      *result = *result || rhs;
    }
  return TRUE;
}

/* Checked before parsing, so that `(` or `)` alone is reported as what it
 * is rather than as a missing operand. */
static gboolean
check_balance (GArray *tokens, GError **error)
{
  g_autoptr (GArray) open = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < tokens->len; i++)
    {
      Token *tok = &g_array_index (tokens, Token, i);

      if (tok->type == TOK_LPAREN)
        g_array_append_val (open, tok->column);
      else if (tok->type == TOK_RPAREN)
        {
          if (open->len == 0)
            return set_error (error, tok->column, "unbalanced parenthesis");
          g_array_set_size (open, open->len - 1);
        }
    }
  if (open->len > 0)
    return set_error (error, g_array_index (open, guint, open->len - 1),
                      "unbalanced parenthesis");
  return TRUE;
}

static gboolean
evaluate (const char *expr, guint first_column, GHashTable *vars, gsize *budget,
          gboolean *result, GError **error)
{
  g_autoptr (GArray) tokens = g_array_new (FALSE, TRUE, sizeof (Token));
  Parser ps = { tokens, 0, 0, vars, budget };
  Token *last;

  g_array_set_clear_func (tokens, token_clear);
  if (!tokenize (expr, first_column, tokens, error) || !check_balance (tokens, error))
    return FALSE;

  if (peek (&ps)->type == TOK_END)
    {
      *result = TRUE;
      return TRUE;
    }
  if (!parse_or (&ps, result, error))
    return FALSE;
  last = peek (&ps);
  if (last->type == TOK_RPAREN)
    return set_error (error, last->column, "unbalanced parenthesis");
  if (last->type != TOK_END)
    {
      g_autofree char *shown = echo (last->text);

      return set_error (error, last->column, "expected 'and' or 'or' before '%s'", shown);
    }
  return TRUE;
}

gboolean
prov_condition_eval_bounded (const char *expr, GHashTable *vars, gsize *budget,
                             gboolean *result, GError **error)
{
  gboolean value = FALSE;

  g_return_val_if_fail (expr != NULL, FALSE);
  g_return_val_if_fail (budget != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!evaluate (expr, 1, vars, budget, &value, error))
    return FALSE;
  *result = value;
  return TRUE;
}

gboolean
prov_condition_eval (const char *expr, GHashTable *vars, gboolean *result, GError **error)
{
  gsize budget = PROV_MACRO_MAX_VALUE_BYTES;

  return prov_condition_eval_bounded (expr, vars, &budget, result, error);
}

gboolean
prov_condition_check_syntax_at (const char *expr, guint first_column, GError **error)
{
  gboolean value;
  gsize budget = 0;

  g_return_val_if_fail (expr != NULL, FALSE);

  /* Without variables every macro stays verbatim, which is enough to walk
   * the whole grammar. */
  return evaluate (expr, first_column, NULL, &budget, &value, error);
}

gboolean
prov_condition_check_syntax (const char *expr, GError **error)
{
  return prov_condition_check_syntax_at (expr, 1, error);
}
