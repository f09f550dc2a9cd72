/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prov-atomic-file-private.h"
#include "prov-error.h"
#include "prov-store-file.h"
#include "prov-types.h"

/* Why two files: rewriting and fsyncing every parameter on every apply made
 * a change cost as much as the store (70 ms for 10 names in a 100,000-name
 * store), and reading it all made every `get` as slow. Now a change costs
 * what it writes, and a read touches about log2(n) lines.
 *
 * The base, STORE (format 2), sorted by escaped name, read through mmap:
 *
 *   provisiond-store 2
 *   <access>\t<name>[\t<value>]\t<crc>      one line per parameter
 *   end <count> <fnv1a-64 of every byte before this line>
 *
 * <access> is na, ro, rw or "-" (the schema's); a line without a value field
 * stores only the access level; name and value escape \\ \t \n \r; <crc> is
 * the low 32 bits of the FNV-1a of the line before its last tab, in 8 hex
 * digits, so a lookup checks each line it reads without reading the file.
 * Opening checks the first and the last line (a truncated file has no end
 * line); a full scan (compaction, listing, prov_store_check) checks every
 * byte. The base is only ever replaced whole: temporary, fsync, rename,
 * fsync the directory.
 *
 * The journal, STORE.journal, append-only:
 *
 *   provisiond-journal 1 <the end line's checksum of the base it extends>
 *   <access>\t<name>[\t<value>]\t<crc>      "x" as <access>: removed
 *   commit <lines> <fnv1a-64 of the record's lines>
 *
 * An apply appends one record and fdatasyncs; the record exists only once
 * its commit line is whole and its checksum matches, so a crash at any
 * instant leaves all of it or none (a torn last record is ignored and cut
 * off before the next append). Records hold final values, not differences.
 * When the journal outgrows max(256 KiB, base / 8), the next apply writes a
 * new base with everything (compaction) and deletes the journal; a crash
 * between the two leaves a journal naming the old base, which is ignored
 * (the new base already holds its records).
 *
 * Format 1 (the whole-file format before) is still read, whole, and the
 * first apply replaces it with a base of format 2. */
#define MAGIC_V1 "provisiond-store 1\n"
#define MAGIC_V2 "provisiond-store 2\n"
#define JOURNAL_MAGIC "provisiond-journal 1 "
#define REMOVED_TAG "x"

struct _ProvStoreBase
{
  char        *path;
  GMappedFile *map;
  const char  *data;
  const char  *body;    /* first entry line */
  const char  *trailer; /* the end line */
  guint64      checksum;
  guint        count;
};

static guint64
fnv1a (const char *data, gsize len)
{
  guint64 hash = 0xcbf29ce484222325ULL;

  for (gsize i = 0; i < len; i++)
    {
      hash ^= (guchar) data[i];
      hash *= 0x100000001b3ULL;
    }
  return hash;
}

static void
append_escaped (GString *out, const char *text)
{
  if (strpbrk (text, "\\\t\n\r") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        default:
          g_string_append_c (out, *p);
          break;
        }
    }
}

static char
unescape_char (char c)
{
  switch (c)
    {
    case '\\':
      return '\\';
    case 't':
      return '\t';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    default:
      return '\0';
    }
}

/* Returns NULL on a bad escape. */
static char *
unescape (const char *text, gsize len)
{
  g_autofree char *out = NULL;
  char *q;

  if (memchr (text, '\\', len) == NULL)
    return g_strndup (text, len);
  out = q = g_malloc (len + 1);
  for (gsize i = 0; i < len; i++)
    {
      if (text[i] != '\\')
        *q++ = text[i];
      else if (i + 1 < len && unescape_char (text[i + 1]) != '\0')
        *q++ = unescape_char (text[++i]);
      else
        return NULL;
    }
  *q = '\0';
  return g_steal_pointer (&out);
}

void
prov_store_file_append_entry (GString *out, const char *name, const char *value, int access)
{
  gsize start = out->len;

  if (access == PROV_STORE_FILE_REMOVED)
    g_string_append (out, REMOVED_TAG);
  else
    g_string_append (out, access == PROV_ACCESS_UNSET ? "-" : prov_access_to_string (access));
  g_string_append_c (out, '\t');
  append_escaped (out, name);
  if (value != NULL && access != PROV_STORE_FILE_REMOVED)
    {
      g_string_append_c (out, '\t');
      append_escaped (out, value);
    }
  g_string_append_printf (out, "\t%08x\n",
                          (guint32) fnv1a (out->str + start, out->len - start));
}

static gboolean
parse_hex (const char *p, gsize digits, guint64 *value)
{
  *value = 0;
  for (gsize i = 0; i < digits; i++)
    {
      if (!g_ascii_isxdigit (p[i]) || g_ascii_isupper (p[i]))
        return FALSE;
      *value = *value << 4 | (guint64) g_ascii_xdigit_value (p[i]);
    }
  return TRUE;
}

/* `<access>\t<name>[\t<value>]` of format 1, or the same with `\t<crc>` of
 * format 2 (@with_crc); "x" (removed) only in the journal. */
static gboolean
parse_line (const char *line, gsize len, gboolean with_crc, gboolean allow_removed,
            char **name_out, char **value_out, int *access_out, const char **problem)
{
  const char *end = line + len;
  const char *tab = memchr (line, '\t', len);
  const char *name, *name_end;
  g_autofree char *value = NULL;
  ProvAccess level;
  int access;

  *problem = "expected an access level, a name and a value";
  if (tab == NULL || memchr (line, '\0', len) != NULL)
    return FALSE;
  if (with_crc)
    {
      const char *crc_tab = memrchr (line, '\t', len);
      guint64 crc;

      if (crc_tab == tab || end - crc_tab != 9 || !parse_hex (crc_tab + 1, 8, &crc))
        return FALSE;
      if ((guint32) fnv1a (line, crc_tab - line) != crc)
        {
          *problem = "checksum mismatch";
          return FALSE;
        }
      end = crc_tab;
    }
  if (tab - line == 1 && line[0] == '-')
    access = PROV_ACCESS_UNSET;
  else if (allow_removed && tab - line == 1 && line[0] == REMOVED_TAG[0])
    access = PROV_STORE_FILE_REMOVED;
  else if (tab - line == 2 && prov_access_from_string ((char[]) { line[0], line[1], '\0' }, &level))
    access = level;
  else
    return FALSE;

  name = tab + 1;
  name_end = memchr (name, '\t', end - name);
  if (name_end == NULL)
    name_end = end;
  else if ((value = unescape (name_end + 1, end - name_end - 1)) == NULL)
    return FALSE;
  if (name_end == name || (value == NULL && access == PROV_ACCESS_UNSET)
      || (value != NULL && access == PROV_STORE_FILE_REMOVED))
    return FALSE;
  if ((*name_out = unescape (name, name_end - name)) == NULL)
    return FALSE;
  *value_out = g_steal_pointer (&value);
  *access_out = access;
  return TRUE;
}

/* The still-escaped name field of a line. */
static gboolean
name_span (const char *line, const char *end, const char **name, gsize *len)
{
  const char *tab = memchr (line, '\t', end - line);
  const char *next;

  if (tab == NULL)
    return FALSE;
  next = memchr (tab + 1, '\t', end - tab - 1);
  if (next == NULL)
    return FALSE;
  *name = tab + 1;
  *len = next - *name;
  return TRUE;
}

static int
compare_spans (const char *a, gsize a_len, const char *b, gsize b_len)
{
  int cmp = memcmp (a, b, MIN (a_len, b_len));

  if (cmp != 0)
    return cmp;
  return a_len < b_len ? -1 : a_len > b_len;
}

static gsize
line_number (const char *data, const char *at)
{
  gsize n = 1;

  for (const char *p = data; (p = memchr (p, '\n', at - p)) != NULL; p++)
    n++;
  return n;
}

static gboolean
corrupt (GError **error, const char *path, gsize line, const char *what)
{
  g_set_error (error, PROV_ERROR, PROV_ERROR_CORRUPT, "%s: line %" G_GSIZE_FORMAT ": %s",
               path, line, what);
  return FALSE;
}

/* `end <count> <16 hex>\n` as the last line; @verify: also the checksum
 * (format 1 always checks everything at open). */
static gboolean
parse_end_line (const char *path, const char *data, gsize len, gsize header_len,
                gboolean verify, const char **trailer, guint *count, guint64 *checksum,
                GError **error)
{
  /* The line number is counted only for an error: opening reads no more. */
#define LAST_LINE (line_number (data, data + len) - (len > 0 && data[len - 1] == '\n' ? 1 : 0))
  const char *t = NULL, *nl = NULL;
  char *count_end = NULL;
  guint64 n;

  if (data != NULL && len > header_len && data[len - 1] == '\n')
    nl = memrchr (data, '\n', len - 1);
  if (nl != NULL)
    t = nl + 1;
  if (t == NULL || !g_str_has_prefix (t, "end "))
    return corrupt (error, path, LAST_LINE, "truncated (no end line)");
  if (len < 18 || data[len - 18] != ' ' || !parse_hex (data + len - 17, 16, checksum))
    return corrupt (error, path, LAST_LINE, "bad end line");
  if (verify && fnv1a (data, t - data) != *checksum)
    return corrupt (error, path, LAST_LINE, "checksum mismatch");
  n = g_ascii_strtoull (t + 4, &count_end, 10);
  if (!g_ascii_isdigit (t[4]) || count_end != data + len - 18 || n > G_MAXUINT)
    return corrupt (error, path, LAST_LINE, "bad end line");
  *trailer = t;
  *count = (guint) n;
  return TRUE;
#undef LAST_LINE
}

static gboolean
open_legacy (const char *path, const char *data, gsize len, ProvStoreEntryFunc func,
             gpointer user_data, GError **error)
{
  gsize header_len = strlen (MAGIC_V1), line;
  const char *trailer, *p, *problem;
  guint64 checksum;
  guint count, seen = 0;

  if (!parse_end_line (path, data, len, header_len, TRUE, &trailer, &count, &checksum, error))
    return FALSE;
  for (p = data + header_len, line = 2; p < trailer; line++, seen++)
    {
      const char *nl = memchr (p, '\n', trailer - p);
      char *name, *value;
      int access;

      if (!parse_line (p, nl - p, FALSE, FALSE, &name, &value, &access, &problem)
          || !func (name, value, access, user_data, &problem))
        return corrupt (error, path, line, problem);
      p = nl + 1;
    }
  if (seen != count)
    return corrupt (error, path, line, "wrong number of entries");
  return TRUE;
}

ProvStoreBase *
prov_store_base_open (const char *path, ProvStoreEntryFunc legacy_func, gpointer user_data,
                      gboolean *legacy, GError **error)
{
  g_autoptr (ProvStoreBase) base = g_new0 (ProvStoreBase, 1);
  g_autoptr (GError) local_error = NULL;
  gsize len, header_len = strlen (MAGIC_V2);

  *legacy = FALSE;
  base->path = g_strdup (path);
  base->map = g_mapped_file_new (path, FALSE, &local_error);
  if (base->map == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return NULL;
      g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED, "%s", local_error->message);
      return NULL;
    }
  base->data = g_mapped_file_get_contents (base->map);
  len = g_mapped_file_get_length (base->map);
  if (len >= header_len && memcmp (base->data, MAGIC_V1, header_len) == 0)
    {
      *legacy = TRUE;
      open_legacy (path, base->data, len, legacy_func, user_data, error);
      return NULL;
    }
  if (len < header_len || memcmp (base->data, MAGIC_V2, header_len) != 0)
    {
      corrupt (error, path, 1, "not a store file of a known format version");
      return NULL;
    }
  if (!parse_end_line (path, base->data, len, header_len, FALSE, &base->trailer, &base->count,
                       &base->checksum, error))
    return NULL;
  base->body = base->data + header_len;
  return g_steal_pointer (&base);
}

void
prov_store_base_free (ProvStoreBase *base)
{
  if (base == NULL)
    return;
  g_clear_pointer (&base->map, g_mapped_file_unref);
  g_free (base->path);
  g_free (base);
}

guint64
prov_store_base_get_checksum (ProvStoreBase *base)
{
  return base->checksum;
}

gsize
prov_store_base_get_size (ProvStoreBase *base)
{
  return g_mapped_file_get_length (base->map);
}

guint
prov_store_base_get_count (ProvStoreBase *base)
{
  return base->count;
}

static gboolean
base_corrupt (ProvStoreBase *base, const char *at, const char *problem, GError **error)
{
  return corrupt (error, base->path, line_number (base->data, at), problem);
}

gboolean
prov_store_base_lookup (ProvStoreBase *base, const char *name, char **value, int *access,
                        GError **error)
{
  g_autoptr (GString) key = g_string_new (NULL);
  const char *lo = base->body, *hi = base->trailer;

  append_escaped (key, name);
  /* The lines partition [lo, hi); each step keeps the half that can hold it. */
  while (lo < hi)
    {
      const char *mid = lo + (hi - lo) / 2;
      const char *start = mid > lo ? memrchr (lo, '\n', mid - lo) : NULL;
      const char *end, *span, *problem;
      gsize span_len;
      int cmp;

      start = start != NULL ? start + 1 : lo;
      end = memchr (start, '\n', hi - start);
      if (end == NULL || !name_span (start, end, &span, &span_len))
        return base_corrupt (base, start, "expected an access level, a name and a value", error);
      cmp = compare_spans (key->str, key->len, span, span_len);
      if (cmp == 0)
        {
          g_autofree char *found = NULL;

          if (!parse_line (start, end - start, TRUE, FALSE, &found, value, access, &problem))
            return base_corrupt (base, start, problem, error);
          return TRUE;
        }
      if (cmp < 0)
        hi = start;
      else
        lo = end + 1;
    }
  return FALSE;
}

void
prov_store_base_drop_pages (ProvStoreBase *base)
{
  gsize len = g_mapped_file_get_length (base->map);

  /* A read-only private mapping of a file that is only ever replaced,
   * never written in place: dropped pages read the same bytes again. */
  if (len > 0 && madvise ((void *) base->data, len, MADV_DONTNEED) != 0)
    g_debug ("%s: madvise: %s", base->path, g_strerror (errno));
}

gboolean
prov_store_base_scan (ProvStoreBase *base, ProvStoreEntryFunc func, gpointer user_data,
                      GError **error)
{
  const char *p, *prev = NULL, *problem;
  gsize prev_len = 0, line;
  guint seen = 0;

  if (fnv1a (base->data, base->trailer - base->data) != base->checksum)
    return base_corrupt (base, base->trailer, "checksum mismatch", error);
  for (p = base->body, line = 2; p < base->trailer; line++, seen++)
    {
      const char *nl = memchr (p, '\n', base->trailer - p);
      const char *span;
      gsize span_len;
      char *name, *value;
      int access, cmp;

      if (!name_span (p, nl, &span, &span_len)
          || !parse_line (p, nl - p, TRUE, FALSE, &name, &value, &access, &problem))
        return corrupt (error, base->path, line, problem);
      cmp = prev != NULL ? compare_spans (prev, prev_len, span, span_len) : -1;
      if (cmp >= 0)
        {
          g_free (name);
          g_free (value);
          return corrupt (error, base->path, line,
                          cmp == 0 ? "duplicate parameter" : "out of order");
        }
      if (!func (name, value, access, user_data, &problem))
        return corrupt (error, base->path, line, problem);
      prev = span;
      prev_len = span_len;
      p = nl + 1;
    }
  if (seen != base->count)
    return corrupt (error, base->path, line, "wrong number of entries");
  return TRUE;
}

/* One byte of @name as escaped in a file; -1 at its end. */
typedef struct
{
  const char *p;
  char        second; /* the escape's second byte, still to come */
} EscapedIter;

static int
escaped_next (EscapedIter *it)
{
  char c;

  if (it->second != '\0')
    {
      c = it->second;
      it->second = '\0';
      return (guchar) c;
    }
  if (*it->p == '\0')
    return -1;
  c = *it->p++;
  switch (c)
    {
    case '\\':
      it->second = '\\';
      return '\\';
    case '\t':
      it->second = 't';
      return '\\';
    case '\n':
      it->second = 'n';
      return '\\';
    case '\r':
      it->second = 'r';
      return '\\';
    default:
      return (guchar) c;
    }
}

int
prov_store_file_compare_names (const char *a, const char *b)
{
  EscapedIter x = { a, '\0' }, y = { b, '\0' };

  /* compare_spans() on the escaped names, without escaping them. */
  for (;;)
    {
      int cx = escaped_next (&x), cy = escaped_next (&y);

      if (cx != cy)
        return cx < cy ? -1 : 1;
      if (cx < 0)
        return 0;
    }
}

/* What is written goes out in pieces of this size: the base is never
 * held whole in memory. */
#define WRITER_CHUNK (64 * 1024)

struct _ProvStoreBaseWriter
{
  char     *path;
  int       fd;
  GString  *buf;
  guint64   hash;   /* FNV-1a of every byte written so far */
  guint     count;
  int       saved_errno; /* 0, or why a write failed */
  GString  *last;   /* the name written last, for the order check */
};

static void
writer_flush (ProvStoreBaseWriter *w)
{
  for (gsize i = 0; i < w->buf->len; i++)
    {
      w->hash ^= (guchar) w->buf->str[i];
      w->hash *= 0x100000001b3ULL;
    }
  if (w->saved_errno == 0 && !prov_atomic_file_write_all (w->fd, w->buf->str, w->buf->len))
    w->saved_errno = errno != 0 ? errno : EIO;
  g_string_truncate (w->buf, 0);
}

ProvStoreBaseWriter *
prov_store_base_writer_new (const char *path, GError **error)
{
  int fd = prov_atomic_file_open (path, 0600, error);
  ProvStoreBaseWriter *w;

  if (fd < 0)
    return NULL;
  w = g_new0 (ProvStoreBaseWriter, 1);
  w->path = g_strdup (path);
  w->fd = fd;
  w->buf = g_string_sized_new (WRITER_CHUNK + 4096);
  w->last = g_string_new (NULL);
  w->hash = 0xcbf29ce484222325ULL;
  g_string_append (w->buf, MAGIC_V2);
  return w;
}

void
prov_store_base_writer_add (ProvStoreBaseWriter *w, const char *name, const char *value,
                            int access)
{
  /* A base out of order would lose names to lookups: never write one. */
  if (w->count > 0 && prov_store_file_compare_names (w->last->str, name) >= 0)
    {
      g_critical ("store base written out of order: %s after %s", name, w->last->str);
      w->saved_errno = w->saved_errno != 0 ? w->saved_errno : EINVAL;
    }
  g_string_assign (w->last, name);
  prov_store_file_append_entry (w->buf, name, value, access);
  w->count++;
  if (w->buf->len >= WRITER_CHUNK)
    writer_flush (w);
}

static void
writer_free (ProvStoreBaseWriter *w)
{
  g_string_free (w->buf, TRUE);
  g_string_free (w->last, TRUE);
  g_free (w->path);
  g_free (w);
}

void
prov_store_base_writer_abort (ProvStoreBaseWriter *w)
{
  if (w == NULL)
    return;
  prov_atomic_file_abort (w->fd, w->path);
  writer_free (w);
}

gboolean
prov_store_base_writer_commit (ProvStoreBaseWriter *w, GError **error)
{
  gboolean ok;

  writer_flush (w);
  g_string_append_printf (w->buf, "end %u %016" G_GINT64_MODIFIER "x\n", w->count, w->hash);
  writer_flush (w);
  if (w->saved_errno != 0)
    {
      g_autofree char *tmp = g_strconcat (w->path, ".tmp", NULL);

      errno = w->saved_errno;
      prov_atomic_file_error (error, tmp);
      prov_store_base_writer_abort (w);
      return FALSE;
    }
  /* Crash-safe: whatever instant the power goes, the file holds either
   * the old or the new base, never a mix. */
  ok = prov_atomic_file_commit (w->fd, w->path, TRUE, error);
  writer_free (w);
  return ok;
}

static void
journal_header (GString *out, guint64 base_checksum)
{
  g_string_append_printf (out, JOURNAL_MAGIC "%016" G_GINT64_MODIFIER "x\n", base_checksum);
}

gboolean
prov_store_journal_replay (const char *path, guint64 base_checksum, ProvStoreEntryFunc func,
                           gpointer user_data, gsize *valid_len, GError **error)
{
  g_autoptr (GString) header = g_string_new (NULL);
  g_autoptr (GError) local_error = NULL;
  g_autofree char *data = NULL;
  const char *p, *end, *record;
  gsize len;

  *valid_len = 0;
  if (!g_file_get_contents (path, &data, &len, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, PROV_ERROR, PROV_ERROR_FAILED, "%s", local_error->message);
      return FALSE;
    }
  journal_header (header, base_checksum);
  /* Another base's journal, or a header torn by a crash: nothing to replay. */
  if (len < header->len || memcmp (data, header->str, header->len) != 0)
    return TRUE;
  *valid_len = header->len;
  end = data + len;
  for (p = record = data + header->len; p < end;)
    {
      const char *nl = memchr (p, '\n', end - p);
      guint64 n, checksum;
      char *count_end = NULL;
      guint lines = 0;

      if (nl == NULL)
        break; /* torn */
      if (!g_str_has_prefix (p, "commit "))
        {
          p = nl + 1;
          continue;
        }
      n = g_ascii_strtoull (p + 7, &count_end, 10);
      if (count_end + 18 != nl + 1 || *count_end != ' '
          || !parse_hex (count_end + 1, 16, &checksum) || fnv1a (record, p - record) != checksum
          || n != (guint64) line_number (record, p) - 1)
        {
          /* A bad record is torn only when it is the last: appends are in order. */
          if (nl + 1 < end)
            return corrupt (error, path, line_number (data, p), "damaged journal record");
          break;
        }
      for (const char *q = record; q < p; lines++)
        {
          const char *qnl = memchr (q, '\n', p - q);
          const char *problem;
          char *name, *value;
          int access;

          if (!parse_line (q, qnl - q, TRUE, TRUE, &name, &value, &access, &problem)
              || !func (name, value, access, user_data, &problem))
            return corrupt (error, path, line_number (data, q), problem);
          q = qnl + 1;
        }
      p = record = nl + 1;
      *valid_len = p - data;
    }
  return TRUE;
}

gboolean
prov_store_journal_append (const char *path, guint64 base_checksum, const GString *entries,
                           guint count, gsize *valid_len, GError **error)
{
  g_autoptr (GString) out = g_string_new (NULL);
  gboolean fresh = *valid_len == 0;
  int fd;

  if (fresh)
    journal_header (out, base_checksum);
  g_string_append_len (out, entries->str, entries->len);
  g_string_append_printf (out, "commit %u %016" G_GINT64_MODIFIER "x\n", count,
                          fnv1a (entries->str, entries->len));

  fd = open (path, O_CREAT | O_WRONLY | O_CLOEXEC | (fresh ? O_TRUNC : 0), 0600);
  if (fd < 0)
    return prov_atomic_file_error (error, path);
  /* Cut off a record torn by a crash, so that this one follows whole ones. */
  if (fchmod (fd, 0600) != 0 || ftruncate (fd, *valid_len) != 0
      || lseek (fd, *valid_len, SEEK_SET) < 0 || !prov_atomic_file_write_all (fd, out->str, out->len)
      || fdatasync (fd) != 0)
    {
      prov_atomic_file_error (error, path);
      /* The apply failed: take back what was written, whole or not (else
       * the next append cuts it, and a load ignores a torn one). */
      if (ftruncate (fd, *valid_len) != 0 || fdatasync (fd) != 0)
        g_debug ("%s: %s", path, g_strerror (errno));
      close (fd);
      return FALSE;
    }
  close (fd);
  if (fresh)
    prov_atomic_file_sync_dir (path);
  *valid_len += out->len;
  return TRUE;
}
