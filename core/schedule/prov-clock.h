/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef void (*ProvClockFunc) (gpointer user_data);

#define PROV_TYPE_CLOCK (prov_clock_get_type ())
G_DECLARE_DERIVABLE_TYPE (ProvClock, prov_clock, PROV, CLOCK, GObject)

/**
 * ProvClockClass:
 * @now: wall-clock time in microseconds since the epoch
 * @add_alarm: call @func once when the wall clock reaches @deadline
 * @remove_alarm: cancel an alarm that has not fired
 *
 * Where the scheduler's time comes from. The real clock arms one kernel
 * timer per alarm on CLOCK_REALTIME (a timerfd in the GLib main loop, so an
 * idle daemon sleeps until its deadline and a clock step re-arms it); the
 * virtual clock lets tests run days of schedule in milliseconds.
 *
 * Signals: "time-changed": the wall clock was stepped (NTP, admin); wall
 * deadlines computed from the old time should be recomputed.
 */
struct _ProvClockClass
{
  GObjectClass parent_class;

  gint64 (*now)          (ProvClock     *self);
  guint  (*add_alarm)    (ProvClock     *self,
                          gint64         deadline,
                          ProvClockFunc  func,
                          gpointer       user_data);
  void   (*remove_alarm) (ProvClock     *self,
                          guint          id);

  gpointer padding[4];
};

gint64     prov_clock_now            (ProvClock     *self);
guint      prov_clock_add_alarm      (ProvClock     *self,
                                      gint64         deadline,
                                      ProvClockFunc  func,
                                      gpointer       user_data);
void       prov_clock_remove_alarm   (ProvClock     *self,
                                      guint          id);

ProvClock *prov_clock_new_real       (void);

/* A clock that only moves when told to. */
ProvClock *prov_clock_new_virtual    (gint64         start);
/* Moves the virtual clock to @time, firing due alarms in deadline order
 * with the clock set to each alarm's deadline as it fires. Returns the
 * number of alarms fired. */
guint      prov_virtual_clock_advance_to (ProvClock *self,
                                          gint64     time);
/* The earliest pending alarm, or G_MAXINT64 when none. */
gint64     prov_virtual_clock_next_alarm (ProvClock *self);
/* For tests: the number of alarms the clock has fired (real or virtual). */
guint      prov_clock_get_n_fired    (ProvClock     *self);

G_END_DECLS
