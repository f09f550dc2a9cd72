/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Schedules (SPEC §5): Resync_Periodic, Resync_Error_Retry_Delay, … */
#include "config.h"

#include "prov-error.h"
#include "prov-schedule.h"
#include "prov-test.h"

typedef struct
{
  const char *text;
  guint n;
  ProvInterval intervals[12];
} ScheduleCase;

static void
test_schedule_valid (void)
{
  static const ScheduleCase cases[] = {
    /* SPEC §9 defaults and the seed's examples */
    { "3600", 1, { { 3600, 0 } } },
    { "3000", 1, { { 3000, 0 } } },
    { "30", 1, { { 30, 0 } } },
    { "300", 1, { { 300, 0 } } },
    { "600、1200、300", 3, { { 600, 0 }, { 1200, 0 }, { 300, 0 } } },
    { "600,1200,300", 3, { { 600, 0 }, { 1200, 0 }, { 300, 0 } } },
    { "600，1200，300", 3, { { 600, 0 }, { 1200, 0 }, { 300, 0 } } },
    { "2400 + 30", 1, { { 2400, 30 } } },
    { "2400+30", 1, { { 2400, 30 } } },
    { "60,120,240,480,960,1920,3840,7680,15360,30720,61440,86400", 12,
      { { 60, 0 }, { 120, 0 }, { 240, 0 }, { 480, 0 }, { 960, 0 }, { 1920, 0 },
        { 3840, 0 }, { 7680, 0 }, { 15360, 0 }, { 30720, 0 }, { 61440, 0 }, { 86400, 0 } } },
    /* blanks and mixed separators */
    { " 600 , 1200 ", 2, { { 600, 0 }, { 1200, 0 } } },
    { "\t600,\n1200\n", 2, { { 600, 0 }, { 1200, 0 } } },
    { "600, 1200、 300 ，60", 4, { { 600, 0 }, { 1200, 0 }, { 300, 0 }, { 60, 0 } } },
    { "　600　、　1200　", 2, { { 600, 0 }, { 1200, 0 } } }, /* ideographic spaces */
    { "600+60,1200 + 120, 300", 3, { { 600, 60 }, { 1200, 120 }, { 300, 0 } } },
    { "3600+0", 1, { { 3600, 0 } } },
    { "0001", 1, { { 1, 0 } } },
    /* limits */
    { "1", 1, { { 1, 0 } } },
    { "2147483647", 1, { { 2147483647, 0 } } },
    { "2147483647+2147483647", 1, { { 2147483647, 2147483647 } } },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree ProvInterval *intervals = NULL;
      guint n = 12345;

      g_test_message ("%s", cases[i].text);
      intervals = prov_schedule_parse (cases[i].text, &n, &error);
      g_assert_no_error (error);
      g_assert_nonnull (intervals);
      g_assert_cmpuint (n, ==, cases[i].n);
      for (guint j = 0; j < n; j++)
        {
          g_assert_cmpuint (intervals[j].base, ==, cases[i].intervals[j].base);
          g_assert_cmpuint (intervals[j].random, ==, cases[i].intervals[j].random);
        }
    }
}

/* "0" and empty switch the schedule off: NULL, 0, no error. */
static void
test_schedule_off (void)
{
  static const char *const off[] = { "", " ", "0", " 0 ", "00", "0+0", "\t0\n", "　0　" };

  for (gsize i = 0; i < G_N_ELEMENTS (off); i++)
    {
      g_autoptr (GError) error = NULL;
      guint n = 12345;

      g_test_message ("'%s'", off[i]);
      g_assert_null (prov_schedule_parse (off[i], &n, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, 0);
    }
}

typedef struct
{
  const char *text;
  const char *message;
} ErrorCase;

static void
test_schedule_errors (void)
{
  static const ErrorCase cases[] = {
    { "600,x", "item 2: 'x' is not a number" },
    { "x", "item 1: 'x' is not a number" },
    { "600,0", "item 2: 0 (off) is only valid alone" },
    { "0,600", "item 1: 0 (off) is only valid alone" },
    { "0+30", "item 1: 0 (off) is only valid alone" },
    { "600,,1200", "item 2: empty" },
    { "600,", "item 2: empty" },
    { ",600", "item 1: empty" },
    { "600、", "item 2: empty" },
    { "-5", "item 1: '-5' is not a number" },
    { "+5", "item 1: '+5' is not a number" },
    { "5+", "item 1: '5+' is not a number" },
    { "5+-1", "item 1: '5+-1' is not a number" },
    { "5++1", "item 1: '5++1' is not a number" },
    { "5 5", "item 1: '5 5' is not a number" },
    { "1.5", "item 1: '1.5' is not a number" },
    { "600;1200", "item 1: '600;1200' is not a number" },
    { "１２", "item 1: '１２' is not a number" }, /* full-width digits */
    { "3600s", "item 1: '3600s' is not a number" },
    { "2147483648", "item 1: '2147483648' is out of range (0 to 2147483647)" },
    { "60,99999999999999999999999",
      "item 2: '99999999999999999999999' is out of range (0 to 2147483647)" },
    { "1+2147483648", "item 1: '1+2147483648' is out of range (0 to 2147483647)" },
    { "abcdefghijklmnopqrstuvwxyz", "item 1: 'abcdefghijklmnopqrstuvwx...' is not a number" },
    { "日本語日本語日本語日本語", "item 1: '日本語日本語日本...' is not a number" },
    { "a日本語日本語日本語日本", "item 1: 'a日本語日本語日...' is not a number" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      guint n = 12345;

      g_test_message ("%s", cases[i].text);
      g_assert_null (prov_schedule_parse (cases[i].text, &n, &error));
      g_assert_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_cmpuint (n, ==, 0);
    }
}

static void
test_schedule_null (void)
{
  g_autoptr (GError) error = NULL;
  guint n = 7;

  g_assert_null (prov_schedule_parse (NULL, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 0);
}

/* A long list is parsed whole, in order. */
static void
test_schedule_long (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree ProvInterval *intervals = NULL;
  guint n = 0;

  for (guint i = 1; i <= 1000; i++)
    g_string_append_printf (text, "%s%u+%u", i > 1 ? (i % 2 ? "," : "、") : "", i, i % 7);
  intervals = prov_schedule_parse (text->str, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1000);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (intervals[i].base, ==, i + 1);
      g_assert_cmpuint (intervals[i].random, ==, (i + 1) % 7);
    }
}

int
main (int argc, char **argv)
{
  static const TestCase cases[] = {
    { "/schedule/valid", test_schedule_valid },
    { "/schedule/off", test_schedule_off },
    { "/schedule/errors", test_schedule_errors },
    { "/schedule/null", test_schedule_null },
    { "/schedule/long", test_schedule_long },
  };

  return test_main (&argc, &argv, cases, G_N_ELEMENTS (cases));
}
