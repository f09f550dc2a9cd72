/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "prov-error.h"
#include "prov-profile.h"

struct _ProvProfile
{
  GArray     *entries; /* ProvProfileEntry; name and value share one block */
  GHashTable *last;    /* name → last entry, built on the first lookup */
  GPtrArray  *warnings; /* char*: "line N: …" */
};

/* A hostile profile must not grow an unbounded list of warnings. */
#define MAX_WARNINGS 100

/* State of one SAX parse. Only the innermost open element can still turn
 * out to be a parameter, so one text buffer is enough. */
typedef struct
{
  xmlParserCtxtPtr  ctxt;
  ProvProfileLimits limits;
  GArray           *entries;
  GError           *error;     /* the first error; later ones are noise */
  guint             depth;     /* of the current element, root = 1 */
  guint             fp_depth;  /* of the open flat-profile, 0 = outside */
  gboolean          seen_fp;
  gboolean          in_leaf;   /* innermost element has no child yet */
  GString          *path;      /* names below flat-profile, '/'-joined */
  gsize            *path_lens; /* path->len before each open level */
  guint             n_levels;  /* open levels below flat-profile */
  guint             max_levels;
  GString          *text;      /* text of the innermost element */
  GPtrArray        *old_dicts; /* name dictionaries retired by rotate_dict() */
  GPtrArray        *warnings;  /* char*, at most MAX_WARNINGS + 1 */
  guint             n_warnings;
  gboolean          can_rotate;
  int               access;
  gboolean          keep;
  guint             line;
  guint             n_entries;
  int               xml_code;  /* libxml2's code of @error, 0 if not its */
  ProvProfileEntryFunc entry_func; /* NULL: entries are kept in @entries */
  gpointer          entry_data;
} ParseState;

static int
current_line (ParseState *st)
{
  if (st->ctxt != NULL && st->ctxt->input != NULL)
    return st->ctxt->input->line;
  return 1;
}

/* The line of the '<' that opens the current start tag: the parser
 * stands at its end, which may be lines further down. */
static guint
start_tag_line (ParseState *st)
{
  xmlParserInputPtr input = st->ctxt->input;
  guint line = input->line;

  for (const xmlChar *p = input->cur; p > input->base && *p != '<'; p--)
    if (*p == '\n' && line > 1)
      line--;
  return line;
}

static void fail (ParseState *st, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Records the error and stops libxml2; only called from SAX callbacks,
 * where stopping is supported. */
static void
fail (ParseState *st, const char *format, ...)
{
  va_list args;

  if (st->error == NULL)
    {
      va_start (args, format);
      st->error = g_error_new_valist (PROV_ERROR, PROV_ERROR_CORRUPT, format, args);
      va_end (args);
    }
  xmlStopParser (st->ctxt);
}

static void warn (ParseState *st, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Something unusual that costs nothing but itself (SPEC §2.1). */
static void
warn (ParseState *st, const char *format, ...)
{
  va_list args;

  if (st->n_warnings++ >= MAX_WARNINGS)
    return;
  va_start (args, format);
  g_ptr_array_add (st->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copies [s, e) to @out, folding each newline and the blanks around it
 * into one space. @s and @e are already trimmed. */
static void
copy_folded (char *out, const char *s, const char *e)
{
  char *o = out;

  while (s < e)
    {
      const char *q = s;

      while (q < e && *q != '\n' && *q != '\r')
        q++;
      memcpy (o, s, q - s);
      o += q - s;
      if (q == e)
        break;
      while (o > out && (o[-1] == ' ' || o[-1] == '\t'))
        o--;
      while (q < e && is_blank (*q))
        q++;
      *o++ = ' ';
      s = q;
    }
  *o = '\0';
}

static void
emit_entry (ParseState *st)
{
  ProvProfileEntry entry = { NULL, NULL, st->access, st->line };
  const char *s = st->text->str;
  const char *e = s + st->text->len;
  gsize name_len = st->path->len;

  if (st->n_entries >= st->limits.max_entries)
    {
      fail (st, "line %u: more than %u parameters", st->line, st->limits.max_entries);
      return;
    }

  if (st->keep)
    {
      entry.name = g_strndup (st->path->str, name_len);
    }
  else
    {
      while (s < e && is_blank (*s))
        s++;
      while (e > s && is_blank (e[-1]))
        e--;
      entry.name = g_malloc (name_len + 1 + (e - s) + 1);
      memcpy (entry.name, st->path->str, name_len + 1);
      entry.value = entry.name + name_len + 1;
      copy_folded (entry.value, s, e);
    }
  st->n_entries++;
  if (st->entry_func != NULL)
    {
      st->entry_func (&entry, st->entry_data);
      g_free (entry.name);
      return;
    }
  g_array_append_val (st->entries, entry);
}

/* The `ua` value, or -2 when it is not one of na/ro/rw. */
static int
parse_access (const char *value, gsize len)
{
  if (len == 2 && memcmp (value, "na", 2) == 0)
    return PROV_ACCESS_NA;
  if (len == 2 && memcmp (value, "ro", 2) == 0)
    return PROV_ACCESS_RO;
  if (len == 2 && memcmp (value, "rw", 2) == 0)
    return PROV_ACCESS_RW;
  return -2;
}

static void
on_start (void           *user_data,
          const xmlChar  *localname,
          const xmlChar  *prefix,
          const xmlChar  *uri,
          int             nb_namespaces,
          const xmlChar **namespaces,
          int             nb_attributes,
          int             nb_defaulted,
          const xmlChar **attributes)
{
  ParseState *st = user_data;
  const char *name = (const char *) localname;

  if (++st->depth > st->limits.max_depth)
    {
      fail (st, "line %d: elements nested deeper than %u", current_line (st),
            st->limits.max_depth);
      return;
    }

  if (st->fp_depth == 0)
    {
      if (strcmp (name, "flat-profile") == 0)
        {
          st->fp_depth = st->depth;
          st->seen_fp = TRUE;
        }
      return;
    }

  /* A child turns its parent into a group, whose own text is stray. */
  if (st->n_levels == st->max_levels)
    {
      st->max_levels = MAX (16, st->max_levels * 2);
      st->path_lens = g_renew (gsize, st->path_lens, st->max_levels);
    }
  st->path_lens[st->n_levels++] = st->path->len;
  if (st->path->len > 0)
    g_string_append_c (st->path, '/');
  g_string_append (st->path, name);
  g_string_truncate (st->text, 0);
  st->in_leaf = TRUE;
  st->line = start_tag_line (st);
  st->access = PROV_ACCESS_UNSET;
  /* SAX2 has no "empty element" flag; at this call the parser stands on
   * the "/>" or ">" that ends the start tag. */
  st->keep = st->ctxt->input->cur[0] == '/';

  for (int i = 0; i < nb_attributes; i++)
    {
      const xmlChar **attr = attributes + 5 * i;
      const char *value = (const char *) attr[3];
      gsize len = attr[4] - attr[3];

      /* xsi:… and other namespaced attributes are the template's business. */
      if (attr[1] != NULL)
        continue;
      if (strcmp ((const char *) attr[0], "ua") == 0)
        {
          st->access = parse_access (value, len);
          if (st->access == -2)
            {
              g_autofree char *shown = g_utf8_make_valid (value, MIN (len, 32));

              /* Real templates ship ua="ua": the value still applies. */
              warn (st, "line %u: invalid ua=\"%s\" on %s ignored (na, ro or rw expected)",
                    st->line, shown, name);
              st->access = PROV_ACCESS_UNSET;
            }
        }
      else if (strcmp ((const char *) attr[0], "preserve-value") == 0)
        {
          if (len == 1 && (value[0] == 'y' || value[0] == 'Y'))
            st->keep = TRUE;
        }
      /* group="…" is the legacy SPA grouping, expected and meaningless. */
      else if (strcmp ((const char *) attr[0], "group") != 0)
        {
          const char *attr_name = (const char *) attr[0];
          g_autofree char *shown = g_utf8_make_valid (attr_name, MIN (strlen (attr_name), 32));

          warn (st, "line %u: unknown attribute %s on %s ignored", st->line, shown, name);
        }
    }
}

/* libxml2 before 2.12 stops growing its name dictionary at a few
 * thousand buckets, so with hundreds of thousands of distinct names every
 * lookup walks a long chain (4 s for 500,000 names; 0.15 s with this).
 * Between parameters, hand the parser a fresh dictionary. A retired one
 * stays alive while an open element's name points into it (and the first
 * always: a DTD's names live there), so the names of a profile are not
 * all held until its end.
 * Prefixes are compared by pointer: not while a prefixed namespace is in
 * scope, and the parser's own "xml"/"xmlns" strings are re-interned. */
#define DICT_ROTATE_SIZE 4000

static void
rotate_dict (ParseState *st)
{
  xmlParserCtxtPtr ctxt = st->ctxt;
  xmlDictPtr fresh;

  if (!st->can_rotate || st->error != NULL || xmlDictSize (ctxt->dict) < DICT_ROTATE_SIZE)
    return;
  for (int i = 0; i < ctxt->nsNr; i += 2)
    if (ctxt->nsTab[i] != NULL)
      return;

  fresh = xmlDictCreate ();
  if (fresh == NULL)
    return;
  xmlDictSetLimit (fresh, XML_MAX_DICTIONARY_LIMIT);
  /* Names of closed elements are not read again; the one this end tag
   * closes is in the dictionary retired now, which the loop keeps. */
  for (guint i = st->old_dicts->len; i > 1; i--)
    {
      xmlDictPtr old = st->old_dicts->pdata[i - 1];
      gboolean in_use = FALSE;

      for (int j = 0; j < ctxt->nameNr && !in_use; j++)
        in_use = xmlDictOwns (old, ctxt->nameTab[j]) == 1;
      if (!in_use)
        g_ptr_array_remove_index (st->old_dicts, i - 1);
    }
  g_ptr_array_add (st->old_dicts, ctxt->dict);
  ctxt->dict = fresh;
  ctxt->str_xml = xmlDictLookup (fresh, BAD_CAST "xml", 3);
  ctxt->str_xmlns = xmlDictLookup (fresh, BAD_CAST "xmlns", 5);
  ctxt->str_xml_ns = xmlDictLookup (fresh, XML_XML_NAMESPACE, -1);
}

static void
on_end (void *user_data, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
  ParseState *st = user_data;

  if (st->fp_depth != 0 && st->depth > st->fp_depth)
    {
      if (st->in_leaf)
        emit_entry (st);
      st->in_leaf = FALSE;
      g_string_truncate (st->path, st->path_lens[--st->n_levels]);
      rotate_dict (st);
    }
  else if (st->depth == st->fp_depth)
    {
      st->fp_depth = 0;
    }
  st->depth--;
}

/* Text, CDATA and white space alike; comments are not reported, so text
 * around a comment joins up. */
static void
on_text (void *user_data, const xmlChar *ch, int len)
{
  ParseState *st = user_data;

  if (st->in_leaf)
    g_string_append_len (st->text, (const char *) ch, len);
}

/* Any DOCTYPE: refusing it here, before its internal subset is read,
 * keeps entity declarations (and so bombs and external entities) out. */
static void
on_doctype (void *user_data, const xmlChar *name, const xmlChar *external_id,
            const xmlChar *system_id)
{
  ParseState *st = user_data;

  fail (st, "line %d: DTD not allowed", current_line (st));
}

static void
on_xml_error (void *user_data, xmlErrorPtr err)
{
  ParseState *st = user_data;
  g_autofree char *message = NULL;
  int line;

  /* Names are matched by local name, so a namespace slip changes nothing. */
  if (err == NULL || err->level < XML_ERR_ERROR || err->domain == XML_FROM_NAMESPACE)
    return;
  if (st->error != NULL)
    return;

  message = g_utf8_make_valid (err->message != NULL ? err->message : "parse error", -1);
  g_strstrip (message);
  g_strdelimit (message, "\r\n", ' ');
  if (g_utf8_strlen (message, -1) > 200)
    *g_utf8_offset_to_pointer (message, 200) = '\0';
  line = err->line > 0 ? err->line : current_line (st);
  st->error = g_error_new (PROV_ERROR, PROV_ERROR_CORRUPT, "line %d: %s", line, message);
  st->xml_code = err->code;
}

/* The code units of a document that has NUL bytes, as libxml2 detects
 * its encoding: by a byte order mark or by the first '<' (or "<?"). Width
 * 1 for an 8-bit encoding, where a NUL byte is a NUL character. A UCS-4
 * byte order mark is read as such, although libxml2 then refuses it. */
typedef struct
{
  guint    width;
  gboolean big_endian;
} Units;

static Units
detect_units (const guchar *u, gsize len)
{
  static const struct
  {
    guchar   start[4];
    gsize    n;
    Units    units;
  } marks[] = {
    { { 0x00, 0x00, 0x00, '<' }, 4, { 4, TRUE } },
    { { '<', 0x00, 0x00, 0x00 }, 4, { 4, FALSE } },
    { { 0x00, 0x00, '<', 0x00 }, 4, { 4, TRUE } },  /* unusual orders: */
    { { 0x00, '<', 0x00, 0x00 }, 4, { 4, FALSE } }, /* libxml2 refuses them */
    { { 0x00, '<', 0x00, '?' }, 4, { 2, TRUE } },
    { { '<', 0x00, '?', 0x00 }, 4, { 2, FALSE } },
    { { 0x00, 0x00, 0xfe, 0xff }, 4, { 4, TRUE } },
    { { 0xff, 0xfe, 0x00, 0x00 }, 4, { 4, FALSE } },
    { { 0xfe, 0xff }, 2, { 2, TRUE } },
    { { 0xff, 0xfe }, 2, { 2, FALSE } },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (marks); i++)
    if (len >= marks[i].n && memcmp (u, marks[i].start, marks[i].n) == 0)
      return marks[i].units;
  return (Units) { 1, FALSE };
}

static guint32
unit_value (const guchar *u, Units units)
{
  guint32 v = 0;

  for (guint i = 0; i < units.width; i++)
    v = (v << 8) | u[units.big_endian ? i : units.width - 1 - i];
  return v;
}

/* A NUL character ends the text for libxml2, which silently ignores what
 * follows: refused like any other damage, in UTF-8 and in UTF-16 and
 * UCS-4 alike (issue 12). There, NUL bytes are only legitimate as halves
 * of other characters. The check reads the text as it arrives, in pieces
 * of any size, so the streamed and the whole-document parse agree. */
typedef struct
{
  Units   units;
  gboolean known;       /* units detected from the first bytes */
  guchar  head[4];      /* the first bytes, until they tell the units */
  gsize   head_len;
  guchar  unit[4];      /* a code unit cut between two pieces */
  guint   unit_len;
  guint   line;
} NulCheck;

static void
nul_check_init (NulCheck *c)
{
  *c = (NulCheck) { .line = 1 };
}

static gboolean
nul_found (NulCheck *c, GError **error)
{
  g_set_error (error, PROV_ERROR, PROV_ERROR_CORRUPT, "line %u: NUL character in document",
               c->line);
  return FALSE;
}

static gboolean
nul_check_units (NulCheck *c, const guchar *u, gsize len, GError **error)
{
  const guchar *nul;

  if (c->units.width == 1)
    {
      nul = memchr (u, '\0', len);
      for (const guchar *p = u, *end = nul != NULL ? nul : u + len;
           (p = memchr (p, '\n', end - p)) != NULL; p++)
        c->line++;
      return nul == NULL || nul_found (c, error);
    }
  for (gsize i = 0; i < len; i++)
    {
      guint32 v;

      c->unit[c->unit_len++] = u[i];
      if (c->unit_len < c->units.width)
        continue;
      c->unit_len = 0;
      v = unit_value (c->unit, c->units);
      if (v == '\n')
        c->line++;
      else if (v == 0)
        return nul_found (c, error);
    }
  return TRUE;
}

/* The units are known once four bytes are in (or the text ends). */
static gboolean
nul_check_detect (NulCheck *c, GError **error)
{
  c->known = TRUE;
  c->units = detect_units (c->head, c->head_len);
  return nul_check_units (c, c->head, c->head_len, error);
}

static gboolean
nul_check_feed (NulCheck *c, const char *data, gsize len, GError **error)
{
  const guchar *u = (const guchar *) data;

  while (!c->known && len > 0)
    {
      c->head[c->head_len++] = *u++;
      len--;
      if (c->head_len == sizeof c->head && !nul_check_detect (c, error))
        return FALSE;
    }
  return !c->known || nul_check_units (c, u, len, error);
}

static gboolean
nul_check_end (NulCheck *c, GError **error)
{
  return c->known || nul_check_detect (c, error);
}

static gboolean
check_nul (const char *data, gsize len, GError **error)
{
  NulCheck c;

  nul_check_init (&c);
  return nul_check_feed (&c, data, len, error) && nul_check_end (&c, error);
}

static void
entry_clear (gpointer data)
{
  ProvProfileEntry *entry = data;

  g_free (entry->name);
}

/* An entity declared in the internal subset makes libxml2 build a
 * document of its own even in SAX mode ("expat compatibility", before our
 * DOCTYPE refusal stops it): the context does not free it. */
static void
free_parser (xmlParserCtxtPtr ctxt)
{
  if (ctxt->myDoc != NULL)
    {
      xmlFreeDoc (ctxt->myDoc);
      ctxt->myDoc = NULL;
    }
  xmlFreeParserCtxt (ctxt);
}

/* The handlers of the whole-document and the streamed parse alike. */
static void
init_sax (xmlSAXHandler *sax)
{
  *sax = (xmlSAXHandler) { 0 };
  sax->initialized = XML_SAX2_MAGIC;
  sax->startElementNs = on_start;
  sax->endElementNs = on_end;
  sax->characters = on_text;
  sax->ignorableWhitespace = on_text;
  sax->cdataBlock = on_text;
  sax->internalSubset = on_doctype;
  sax->externalSubset = on_doctype;
  sax->serror = on_xml_error;
}

static void
run_parser (ParseState *st, const char *data, gsize len)
{
  xmlSAXHandler sax = { 0 };
  xmlStructuredErrorFunc saved_func;
  void *saved_data;

  init_sax (&sax);

  /* Errors raised outside the parser context (encoding conversion) go to
   * the thread's structured handler: take it over for this parse only. */
  saved_func = xmlStructuredError;
  saved_data = xmlStructuredErrorContext;
  xmlSetStructuredErrorFunc (st, on_xml_error);

  st->ctxt = xmlCreateMemoryParserCtxt (data, (int) len);
  if (st->ctxt != NULL)
    {
      *st->ctxt->sax = sax;
      st->ctxt->userData = st;
      /* No DTDLOAD, NOENT, HUGE or RECOVER: those are the dangerous ones. */
      xmlCtxtUseOptions (st->ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
      xmlParseDocument (st->ctxt);
      if (st->error == NULL && !st->ctxt->wellFormed)
        st->error = g_error_new (PROV_ERROR, PROV_ERROR_CORRUPT, "line %d: not well-formed",
                                 current_line (st));
      free_parser (st->ctxt);
      st->ctxt = NULL;
      g_ptr_array_set_size (st->old_dicts, 0);
    }
  else if (st->error == NULL)
    {
      st->error = g_error_new_literal (PROV_ERROR, PROV_ERROR_FAILED, "cannot create XML parser");
    }

  xmlSetStructuredErrorFunc (saved_data, saved_func);
}

ProvProfile *
prov_profile_parse (const char *data, gsize len, const ProvProfileLimits *limits, GError **error)
{
  static gsize init_once = 0;
  ParseState st = { 0 };
  g_autoptr (GArray) entries = NULL;
  g_autoptr (GString) path = NULL;
  g_autoptr (GString) text = NULL;
  g_autoptr (GPtrArray) old_dicts = NULL;
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  ProvProfile *self;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_once_init_enter (&init_once))
    {
      xmlInitParser ();
      g_once_init_leave (&init_once, 1);
    }

  st.limits.max_size = PROV_PROFILE_DEFAULT_MAX_SIZE;
  st.limits.max_depth = PROV_PROFILE_DEFAULT_MAX_DEPTH;
  st.limits.max_entries = PROV_PROFILE_DEFAULT_MAX_ENTRIES;
  if (limits != NULL && limits->max_size > 0)
    st.limits.max_size = limits->max_size;
  if (limits != NULL && limits->max_depth > 0)
    st.limits.max_depth = limits->max_depth;
  if (limits != NULL && limits->max_entries > 0)
    st.limits.max_entries = limits->max_entries;

  if (len > st.limits.max_size || len > G_MAXINT)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_CORRUPT,
                   "profile of %" G_GSIZE_FORMAT " bytes is over the limit of %" G_GSIZE_FORMAT,
                   len, MIN (st.limits.max_size, (gsize) G_MAXINT));
      return NULL;
    }
  if (len == 0)
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_CORRUPT, "line 1: Document is empty");
      return NULL;
    }
  if (!check_nul (data, len, error))
    return NULL;

  entries = g_array_new (FALSE, FALSE, sizeof (ProvProfileEntry));
  g_array_set_clear_func (entries, entry_clear);
  path = g_string_sized_new (128);
  text = g_string_sized_new (256);
  st.entries = entries;
  st.path = path;
  st.text = text;
  old_dicts = g_ptr_array_new_with_free_func ((GDestroyNotify) xmlDictFree);
  st.old_dicts = old_dicts;
  st.warnings = warnings;
  /* Checked at run time: the library may be newer than its headers. */
  st.can_rotate = atoi (xmlParserVersion) < 21200;

  run_parser (&st, data, len);
  g_free (st.path_lens);

  if (st.error != NULL)
    {
      g_propagate_error (error, st.error);
      return NULL;
    }
  if (!st.seen_fp)
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_CORRUPT, "no flat-profile element");
      return NULL;
    }

  if (st.n_warnings > MAX_WARNINGS)
    g_ptr_array_add (warnings, g_strdup_printf ("%u more warnings not shown",
                                                st.n_warnings - MAX_WARNINGS));
  self = g_new0 (ProvProfile, 1);
  self->entries = g_steal_pointer (&entries);
  self->warnings = g_steal_pointer (&warnings);
  return self;
}

/* The push parser: the same SAX callbacks and bounds, fed as the payload
 * arrives, so that a profile never sits in memory whole next to its
 * entries. */
struct _ProvProfileParser
{
  ParseState  st;
  GArray     *entries;
  GString    *path;
  GString    *text;
  GPtrArray  *old_dicts;
  GPtrArray  *warnings;
  gsize       fed;
  NulCheck    nul;
  gboolean    done;
};

void
prov_profile_parser_set_entry_func (ProvProfileParser *self, ProvProfileEntryFunc func,
                                    gpointer user_data)
{
  g_return_if_fail (self != NULL && self->fed == 0);
  self->st.entry_func = func;
  self->st.entry_data = user_data;
}

ProvProfileParser *
prov_profile_parser_new (const ProvProfileLimits *limits)
{
  static gsize init_once = 0;
  ProvProfileParser *self = g_new0 (ProvProfileParser, 1);
  ParseState *st = &self->st;

  if (g_once_init_enter (&init_once))
    {
      xmlInitParser ();
      g_once_init_leave (&init_once, 1);
    }
  st->limits.max_size = PROV_PROFILE_DEFAULT_MAX_SIZE;
  st->limits.max_depth = PROV_PROFILE_DEFAULT_MAX_DEPTH;
  st->limits.max_entries = PROV_PROFILE_DEFAULT_MAX_ENTRIES;
  if (limits != NULL && limits->max_size > 0)
    st->limits.max_size = limits->max_size;
  if (limits != NULL && limits->max_depth > 0)
    st->limits.max_depth = limits->max_depth;
  if (limits != NULL && limits->max_entries > 0)
    st->limits.max_entries = limits->max_entries;
  nul_check_init (&self->nul);
  self->entries = g_array_new (FALSE, FALSE, sizeof (ProvProfileEntry));
  g_array_set_clear_func (self->entries, entry_clear);
  self->path = g_string_sized_new (128);
  self->text = g_string_sized_new (256);
  self->old_dicts = g_ptr_array_new_with_free_func ((GDestroyNotify) xmlDictFree);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  st->entries = self->entries;
  st->path = self->path;
  st->text = self->text;
  st->old_dicts = self->old_dicts;
  st->warnings = self->warnings;
  st->can_rotate = atoi (xmlParserVersion) < 21200;
  return self;
}

static gboolean
push_chunk (ProvProfileParser *self, const char *data, gsize len, gboolean terminate)
{
  ParseState *st = &self->st;
  xmlStructuredErrorFunc saved_func = xmlStructuredError;
  void *saved_data = xmlStructuredErrorContext;

  xmlSetStructuredErrorFunc (st, on_xml_error);
  if (st->ctxt == NULL)
    {
      xmlSAXHandler sax = { 0 };

      init_sax (&sax);
      st->ctxt = xmlCreatePushParserCtxt (&sax, st, NULL, 0, NULL);
      if (st->ctxt != NULL)
        xmlCtxtUseOptions (st->ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
      else if (st->error == NULL)
        st->error = g_error_new_literal (PROV_ERROR, PROV_ERROR_FAILED,
                                         "cannot create XML parser");
    }
  if (st->ctxt != NULL && st->error == NULL)
    {
      xmlParseChunk (st->ctxt, data, (int) len, terminate);
      if (st->error == NULL && !st->ctxt->wellFormed)
        st->error = g_error_new (PROV_ERROR, PROV_ERROR_CORRUPT, "line %d: not well-formed",
                                 current_line (st));
    }
  xmlSetStructuredErrorFunc (saved_data, saved_func);
  return st->error == NULL;
}

gboolean
prov_profile_parser_feed (ProvProfileParser *self, const char *data, gsize len, GError **error)
{
  ParseState *st = &self->st;

  g_return_val_if_fail (self != NULL && !self->done, FALSE);

  if (st->error == NULL && len > st->limits.max_size - self->fed)
    st->error = g_error_new (PROV_ERROR, PROV_ERROR_CORRUPT,
                             "profile over the limit of %" G_GSIZE_FORMAT " bytes",
                             st->limits.max_size);
  if (st->error == NULL)
    nul_check_feed (&self->nul, data, len, &st->error);
  if (st->error == NULL)
    {
      self->fed += len;
      /* libxml2 takes an int: feed a huge piece in parts. */
      while (len > 0 && push_chunk (self, data, MIN (len, (gsize) G_MAXINT / 2), FALSE))
        {
          gsize n = MIN (len, (gsize) G_MAXINT / 2);
          data += n;
          len -= n;
        }
    }
  if (st->error != NULL)
    {
      g_set_error_literal (error, PROV_ERROR, st->error->code, st->error->message);
      return FALSE;
    }
  return TRUE;
}

ProvProfile *
prov_profile_parser_finish (ProvProfileParser *self, GError **error)
{
  ParseState *st = &self->st;
  ProvProfile *profile;

  g_return_val_if_fail (self != NULL && !self->done, NULL);
  self->done = TRUE;
  if (st->error == NULL && self->fed == 0)
    st->error = g_error_new_literal (PROV_ERROR, PROV_ERROR_CORRUPT, "line 1: Document is empty");
  if (st->error == NULL)
    nul_check_end (&self->nul, &st->error);
  if (st->error == NULL && !push_chunk (self, NULL, 0, TRUE) && st->depth > 0
      && st->xml_code == XML_ERR_DOCUMENT_END)
    {
      int line = current_line (st);

      /* libxml2's push parser calls a truncated document "extra content":
       * say what the whole-document parse says, that it ended too soon. */
      g_clear_error (&st->error);
      st->error = g_error_new (PROV_ERROR, PROV_ERROR_CORRUPT,
                               "line %d: Premature end of data, %u %s still open", line,
                               st->depth, st->depth == 1 ? "element" : "elements");
    }
  if (st->error == NULL && !st->seen_fp)
    st->error = g_error_new_literal (PROV_ERROR, PROV_ERROR_CORRUPT, "no flat-profile element");
  if (st->error != NULL)
    {
      g_set_error_literal (error, PROV_ERROR, st->error->code, st->error->message);
      return NULL;
    }
  if (st->n_warnings > MAX_WARNINGS)
    g_ptr_array_add (self->warnings, g_strdup_printf ("%u more warnings not shown",
                                                      st->n_warnings - MAX_WARNINGS));
  profile = g_new0 (ProvProfile, 1);
  profile->entries = g_steal_pointer (&self->entries);
  profile->warnings = g_steal_pointer (&self->warnings);
  return profile;
}

void
prov_profile_parser_free (ProvProfileParser *self)
{
  if (self == NULL)
    return;
  if (self->st.ctxt != NULL)
    free_parser (self->st.ctxt);
  g_clear_error (&self->st.error);
  g_free (self->st.path_lens);
  g_clear_pointer (&self->entries, g_array_unref);
  g_string_free (self->path, TRUE);
  g_string_free (self->text, TRUE);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  /* After the context: it may still use a retired dictionary's names. */
  g_ptr_array_unref (self->old_dicts);
  g_free (self);
}

void
prov_profile_free (ProvProfile *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->last, g_hash_table_unref);
  g_array_unref (self->entries);
  g_ptr_array_unref (self->warnings);
  g_free (self);
}

guint
prov_profile_get_n_entries (ProvProfile *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->entries->len;
}

GPtrArray *
prov_profile_get_warnings (ProvProfile *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->warnings;
}

const ProvProfileEntry *
prov_profile_get_entry (ProvProfile *self, guint index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->entries->len, NULL);
  return &g_array_index (self->entries, ProvProfileEntry, index);
}

const char *
prov_profile_lookup (ProvProfile *self, const char *name)
{
  const ProvProfileEntry *entry;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (self->last == NULL)
    {
      self->last = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < self->entries->len; i++)
        {
          entry = &g_array_index (self->entries, ProvProfileEntry, i);
          g_hash_table_insert (self->last, entry->name, (gpointer) entry);
        }
    }
  entry = g_hash_table_lookup (self->last, name);
  return entry != NULL ? entry->value : NULL;
}

static void
append_escaped (GString *out, const char *s)
{
  const char *run = s;

  for (; *s != '\0'; s++)
    {
      const char *rep;

      switch (*s)
        {
        case '&':
          rep = "&amp;";
          break;
        case '<':
          rep = "&lt;";
          break;
        case '>':
          rep = "&gt;";
          break;
        case '"':
          rep = "&quot;";
          break;
        default:
          /* Other C0 controls cannot appear in XML 1.0 at all. */
          if ((guchar) *s >= 0x20 || *s == '\t' || *s == '\n' || *s == '\r')
            continue;
          rep = "\xef\xbf\xbd";
          break;
        }
      g_string_append_len (out, run, s - run);
      g_string_append (out, rep);
      run = s + 1;
    }
  g_string_append_len (out, run, s - run);
}

void
prov_profile_write_entry (GString *out, const char *name, const char *value, int access)
{
  g_auto (GStrv) parts = NULL;
  guint n;

  g_return_if_fail (out != NULL);
  g_return_if_fail (name != NULL && *name != '\0');

  parts = g_strsplit (name, "/", -1);
  n = g_strv_length (parts);
  for (guint i = 0; i + 1 < n; i++)
    g_string_append_printf (out, "<%s>", parts[i]);

  g_string_append_printf (out, "<%s", parts[n - 1]);
  if (access != PROV_ACCESS_UNSET)
    g_string_append_printf (out, " ua=\"%s\"", prov_access_to_string (access));
  if (value == NULL)
    {
      g_string_append (out, "/>");
    }
  else
    {
      g_string_append_c (out, '>');
      append_escaped (out, value);
      g_string_append_printf (out, "</%s>", parts[n - 1]);
    }

  for (guint i = n - 1; i-- > 0;)
    g_string_append_printf (out, "</%s>", parts[i]);
}
