/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bench-dbus N: round trips to a running provisiond on the session bus,
 * N GetParameters calls interleaved with N org.freedesktop.DBus.Peer.Ping
 * calls (the floor: the bus and the daemon's main loop, no work), from one
 * connection. Prints the median of each in microseconds as
 * "ping_us=… get_us=…". Used by run-all.sh; never by meson test. */
#include "config.h"

#include <gio/gio.h>
#include <stdlib.h>

#define NAME "org.provisiond.Provisiond1"
#define PATH "/org/provisiond/Provisiond1"

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static gint64
median (GArray *times)
{
  g_array_sort (times, compare_gint64);
  return g_array_index (times, gint64, times->len / 2);
}

static gint64
timed_call (GDBusConnection *bus, const char *iface, const char *method, GVariant *args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  gint64 start = g_get_monotonic_time ();

  reply = g_dbus_connection_call_sync (bus, NAME, PATH, iface, method, args, NULL,
                                       G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  if (reply == NULL)
    {
      g_printerr ("bench-dbus: %s: %s\n", method, error->message);
      exit (EXIT_FAILURE);
    }
  return g_get_monotonic_time () - start;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GArray) ping = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) get = g_array_new (FALSE, FALSE, sizeof (gint64));
  const char *names[] = { "GPP_A", "Resync_Periodic", NULL };
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 1000;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      g_printerr ("bench-dbus: %s\n", error->message);
      return EXIT_FAILURE;
    }
  for (guint i = 0; i < n + 10; i++)
    {
      gint64 p = timed_call (bus, "org.freedesktop.DBus.Peer", "Ping", NULL);
      gint64 g = timed_call (bus, NAME, "GetParameters", g_variant_new ("(^as)", names));

      /* The first calls warm up both sides. */
      if (i < 10)
        continue;
      g_array_append_val (ping, p);
      g_array_append_val (get, g);
    }
  g_print ("ping_us=%" G_GINT64_FORMAT " get_us=%" G_GINT64_FORMAT "\n", median (ping),
           median (get));
  return EXIT_SUCCESS;
}
