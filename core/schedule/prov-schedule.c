/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-error.h"
#include "prov-schedule.h"

#define MAX_SECONDS G_MAXINT32
/* Bad items echoed in error messages are cut to this many bytes. */
#define MAX_ECHO 24

static const char *const separators[] = { ",", "\xe3\x80\x81" /* 、 */, "\xef\xbc\x8c" /* ， */ };
static const char ideographic_space[] = "\xe3\x80\x80";

/* Length of the separator at @p, 0 when there is none. */
static gsize
separator_at (const char *p)
{
  for (gsize i = 0; i < G_N_ELEMENTS (separators); i++)
    if (g_str_has_prefix (p, separators[i]))
      return strlen (separators[i]);
  return 0;
}

/* Trims ASCII blanks and the full-width space a Japanese IME types. */
static void
trim (const char **start, const char **end)
{
  const gsize wide = sizeof ideographic_space - 1;

  for (;;)
    {
      if (*start < *end && g_ascii_isspace (**start))
        (*start)++;
      else if ((gsize) (*end - *start) >= wide && memcmp (*start, ideographic_space, wide) == 0)
        *start += wide;
      else if (*end > *start && g_ascii_isspace ((*end)[-1]))
        (*end)--;
      else if ((gsize) (*end - *start) >= wide
               && memcmp (*end - wide, ideographic_space, wide) == 0)
        *end -= wide;
      else
        return;
    }
}

typedef enum
{
  NUMBER_OK,
  NUMBER_BAD,
  NUMBER_RANGE,
} NumberResult;

static NumberResult
parse_seconds (const char *start, const char *end, guint32 *out)
{
  guint64 v = 0;

  trim (&start, &end);
  if (start == end)
    return NUMBER_BAD;
  for (const char *p = start; p < end; p++)
    {
      if (!g_ascii_isdigit (*p))
        return NUMBER_BAD;
      if (v <= MAX_SECONDS)
        v = v * 10 + (guint64) (*p - '0');
    }
  if (v > MAX_SECONDS)
    return NUMBER_RANGE;
  *out = (guint32) v;
  return NUMBER_OK;
}

static gboolean
item_error (GError **error, guint index, const char *start, const char *end,
            NumberResult why)
{
  gsize len = (gsize) (end - start);
  const char *ellipsis = "";

  if (len > MAX_ECHO)
    {
      len = MAX_ECHO;
      while (len > 0 && ((guchar) start[len] & 0xC0) == 0x80)
        len--;
      ellipsis = "...";
    }
  if (why == NUMBER_RANGE)
    g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE,
                 "item %u: '%.*s%s' is out of range (0 to %d)", index, (int) len, start,
                 ellipsis, MAX_SECONDS);
  else
    g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE, "item %u: '%.*s%s' is not a number",
                 index, (int) len, start, ellipsis);
  return FALSE;
}

/* One `N` or `N+R` item between @start and @end (trimmed). */
static gboolean
parse_item (const char *start, const char *end, guint index, ProvInterval *interval,
            GError **error)
{
  const char *plus = memchr (start, '+', (gsize) (end - start));
  NumberResult r;

  if (start == end)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE, "item %u: empty", index);
      return FALSE;
    }
  interval->random = 0;
  r = parse_seconds (start, plus != NULL ? plus : end, &interval->base);
  if (r == NUMBER_OK && plus != NULL)
    r = parse_seconds (plus + 1, end, &interval->random);
  if (r != NUMBER_OK)
    return item_error (error, index, start, end, r);
  return TRUE;
}

ProvInterval *
prov_schedule_parse (const char *text, guint *n_intervals, GError **error)
{
  g_autoptr (GArray) intervals = g_array_new (FALSE, TRUE, sizeof (ProvInterval));
  const char *p = text != NULL ? text : "";
  const char *start;
  const char *end;

  g_return_val_if_fail (n_intervals != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  *n_intervals = 0;
  start = p;
  end = p + strlen (p);
  trim (&start, &end);
  if (start == end)
    return NULL;

  for (;;)
    {
      const char *item_end = start;
      const char *item_start = start;
      const char *next;
      gsize sep = 0;
      ProvInterval interval;

      while (item_end < end && (sep = separator_at (item_end)) == 0)
        item_end++;
      next = item_end + sep;
      trim (&item_start, &item_end);
      if (!parse_item (item_start, item_end, intervals->len + 1, &interval, error))
        return NULL;
      g_array_append_val (intervals, interval);
      if (sep == 0)
        break;
      start = next;
    }

  /* "0" switches the schedule off; inside a list it is a typing error, not
   * a request for a busy loop. */
  for (guint i = 0; i < intervals->len; i++)
    {
      ProvInterval *iv = &g_array_index (intervals, ProvInterval, i);

      if (iv->base != 0)
        continue;
      if (intervals->len == 1 && iv->random == 0)
        return NULL;
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE,
                   "item %u: 0 (off) is only valid alone", i + 1);
      return NULL;
    }

  *n_intervals = intervals->len;
  return (ProvInterval *) g_array_free (g_steal_pointer (&intervals), FALSE);
}
