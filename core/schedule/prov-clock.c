/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "prov-clock.h"

/* ---- base ---------------------------------------------------------------- */

typedef struct
{
  guint n_fired;
} ProvClockPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (ProvClock, prov_clock, G_TYPE_OBJECT)

static guint clock_signal_time_changed;

static void
prov_clock_class_init (ProvClockClass *klass)
{
  clock_signal_time_changed = g_signal_new ("time-changed", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 0);
}

static void
prov_clock_init (ProvClock *self)
{
}

gint64
prov_clock_now (ProvClock *self)
{
  g_return_val_if_fail (PROV_IS_CLOCK (self), 0);
  return PROV_CLOCK_GET_CLASS (self)->now (self);
}

guint
prov_clock_add_alarm (ProvClock *self, gint64 deadline, ProvClockFunc func, gpointer user_data)
{
  g_return_val_if_fail (PROV_IS_CLOCK (self), 0);
  g_return_val_if_fail (func != NULL, 0);
  return PROV_CLOCK_GET_CLASS (self)->add_alarm (self, deadline, func, user_data);
}

void
prov_clock_remove_alarm (ProvClock *self, guint id)
{
  g_return_if_fail (PROV_IS_CLOCK (self));
  if (id != 0)
    PROV_CLOCK_GET_CLASS (self)->remove_alarm (self, id);
}

guint
prov_clock_get_n_fired (ProvClock *self)
{
  ProvClockPrivate *priv = prov_clock_get_instance_private (self);

  g_return_val_if_fail (PROV_IS_CLOCK (self), 0);
  return priv->n_fired;
}

static void
count_fired (ProvClock *self)
{
  ProvClockPrivate *priv = prov_clock_get_instance_private (self);
  priv->n_fired++;
}

/* ---- real clock: one timerfd per alarm ----------------------------------- */

#define PROV_TYPE_REAL_CLOCK (prov_real_clock_get_type ())
G_DECLARE_FINAL_TYPE (ProvRealClock, prov_real_clock, PROV, REAL_CLOCK, ProvClock)

typedef struct
{
  ProvRealClock *clock;
  guint          id;
  int            fd;
  guint          source_id;
  gint64         deadline;
  ProvClockFunc  func;
  gpointer       user_data;
} RealAlarm;

struct _ProvRealClock
{
  ProvClock   parent_instance;
  GHashTable *alarms; /* id → RealAlarm* */
  guint       next_id;
};

G_DEFINE_FINAL_TYPE (ProvRealClock, prov_real_clock, PROV_TYPE_CLOCK)

static void
real_alarm_free (RealAlarm *alarm)
{
  g_clear_handle_id (&alarm->source_id, g_source_remove);
  if (alarm->fd >= 0)
    close (alarm->fd);
  g_free (alarm);
}

static gboolean
real_alarm_arm (RealAlarm *alarm)
{
  struct itimerspec spec = { 0 };
  gint64 deadline = MAX (alarm->deadline, 1);

  spec.it_value.tv_sec = deadline / G_USEC_PER_SEC;
  spec.it_value.tv_nsec = (deadline % G_USEC_PER_SEC) * 1000;
  /* CANCEL_ON_SET: a step of the wall clock wakes us so deadlines follow it. */
  return timerfd_settime (alarm->fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, NULL) == 0;
}

static gboolean
on_timerfd (int fd, GIOCondition condition, gpointer user_data)
{
  RealAlarm *alarm = user_data;
  ProvRealClock *self = alarm->clock;
  guint64 expirations = 0;
  ProvClockFunc func;
  gpointer data;

  if (read (fd, &expirations, sizeof expirations) < 0 && errno == ECANCELED)
    {
      /* The wall clock was stepped: re-arm, and let users recompute. */
      real_alarm_arm (alarm);
      g_signal_emit (self, clock_signal_time_changed, 0);
      return G_SOURCE_CONTINUE;
    }
  if (g_get_real_time () < alarm->deadline)
    return G_SOURCE_CONTINUE;
  func = alarm->func;
  data = alarm->user_data;
  alarm->source_id = 0;
  g_hash_table_remove (self->alarms, GUINT_TO_POINTER (alarm->id));
  count_fired (PROV_CLOCK (self));
  func (data);
  return G_SOURCE_REMOVE;
}

static gint64
real_now (ProvClock *clock)
{
  return g_get_real_time ();
}

static guint
real_add_alarm (ProvClock *clock, gint64 deadline, ProvClockFunc func, gpointer user_data)
{
  ProvRealClock *self = PROV_REAL_CLOCK (clock);
  RealAlarm *alarm = g_new0 (RealAlarm, 1);

  alarm->clock = self;
  alarm->id = ++self->next_id;
  alarm->deadline = deadline;
  alarm->func = func;
  alarm->user_data = user_data;
  alarm->fd = timerfd_create (CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (alarm->fd < 0 || !real_alarm_arm (alarm))
    {
      g_critical ("cannot arm a timer: %s", g_strerror (errno));
      real_alarm_free (alarm);
      return 0;
    }
  alarm->source_id = g_unix_fd_add (alarm->fd, G_IO_IN, on_timerfd, alarm);
  g_hash_table_insert (self->alarms, GUINT_TO_POINTER (alarm->id), alarm);
  return alarm->id;
}

static void
real_remove_alarm (ProvClock *clock, guint id)
{
  g_hash_table_remove (PROV_REAL_CLOCK (clock)->alarms, GUINT_TO_POINTER (id));
}

static void
prov_real_clock_finalize (GObject *object)
{
  g_hash_table_unref (PROV_REAL_CLOCK (object)->alarms);
  G_OBJECT_CLASS (prov_real_clock_parent_class)->finalize (object);
}

static void
prov_real_clock_class_init (ProvRealClockClass *klass)
{
  ProvClockClass *clock_class = PROV_CLOCK_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = prov_real_clock_finalize;
  clock_class->now = real_now;
  clock_class->add_alarm = real_add_alarm;
  clock_class->remove_alarm = real_remove_alarm;
}

static void
prov_real_clock_init (ProvRealClock *self)
{
  self->alarms = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) real_alarm_free);
}

ProvClock *
prov_clock_new_real (void)
{
  return g_object_new (PROV_TYPE_REAL_CLOCK, NULL);
}

/* ---- virtual clock ------------------------------------------------------- */

#define PROV_TYPE_VIRTUAL_CLOCK (prov_virtual_clock_get_type ())
G_DECLARE_FINAL_TYPE (ProvVirtualClock, prov_virtual_clock, PROV, VIRTUAL_CLOCK, ProvClock)

typedef struct
{
  guint         id;
  gint64        deadline;
  ProvClockFunc func;
  gpointer      user_data;
} VirtualAlarm;

struct _ProvVirtualClock
{
  ProvClock  parent_instance;
  gint64     now;
  GList     *alarms; /* VirtualAlarm*, by deadline then id */
  guint      next_id;
};

G_DEFINE_FINAL_TYPE (ProvVirtualClock, prov_virtual_clock, PROV_TYPE_CLOCK)

static int
compare_alarms (gconstpointer a, gconstpointer b)
{
  const VirtualAlarm *x = a, *y = b;

  if (x->deadline != y->deadline)
    return x->deadline < y->deadline ? -1 : 1;
  return x->id < y->id ? -1 : (x->id > y->id);
}

static gint64
virtual_now (ProvClock *clock)
{
  return PROV_VIRTUAL_CLOCK (clock)->now;
}

static guint
virtual_add_alarm (ProvClock *clock, gint64 deadline, ProvClockFunc func, gpointer user_data)
{
  ProvVirtualClock *self = PROV_VIRTUAL_CLOCK (clock);
  VirtualAlarm *alarm = g_new0 (VirtualAlarm, 1);

  alarm->id = ++self->next_id;
  alarm->deadline = deadline;
  alarm->func = func;
  alarm->user_data = user_data;
  self->alarms = g_list_insert_sorted (self->alarms, alarm, compare_alarms);
  return alarm->id;
}

static void
virtual_remove_alarm (ProvClock *clock, guint id)
{
  ProvVirtualClock *self = PROV_VIRTUAL_CLOCK (clock);

  for (GList *l = self->alarms; l != NULL; l = l->next)
    {
      VirtualAlarm *alarm = l->data;
      if (alarm->id == id)
        {
          self->alarms = g_list_delete_link (self->alarms, l);
          g_free (alarm);
          return;
        }
    }
}

static void
prov_virtual_clock_finalize (GObject *object)
{
  g_list_free_full (PROV_VIRTUAL_CLOCK (object)->alarms, g_free);
  G_OBJECT_CLASS (prov_virtual_clock_parent_class)->finalize (object);
}

static void
prov_virtual_clock_class_init (ProvVirtualClockClass *klass)
{
  ProvClockClass *clock_class = PROV_CLOCK_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = prov_virtual_clock_finalize;
  clock_class->now = virtual_now;
  clock_class->add_alarm = virtual_add_alarm;
  clock_class->remove_alarm = virtual_remove_alarm;
}

static void
prov_virtual_clock_init (ProvVirtualClock *self)
{
}

ProvClock *
prov_clock_new_virtual (gint64 start)
{
  ProvVirtualClock *self = g_object_new (PROV_TYPE_VIRTUAL_CLOCK, NULL);

  self->now = start;
  return PROV_CLOCK (self);
}

guint
prov_virtual_clock_advance_to (ProvClock *clock, gint64 time)
{
  ProvVirtualClock *self = PROV_VIRTUAL_CLOCK (clock);
  guint fired = 0;

  while (self->alarms != NULL && ((VirtualAlarm *) self->alarms->data)->deadline <= time)
    {
      VirtualAlarm *alarm = self->alarms->data;

      self->alarms = g_list_delete_link (self->alarms, self->alarms);
      self->now = MAX (self->now, alarm->deadline);
      count_fired (clock);
      alarm->func (alarm->user_data);
      g_free (alarm);
      fired++;
    }
  self->now = MAX (self->now, time);
  return fired;
}

gint64
prov_virtual_clock_next_alarm (ProvClock *clock)
{
  ProvVirtualClock *self = PROV_VIRTUAL_CLOCK (clock);

  return self->alarms != NULL ? ((VirtualAlarm *) self->alarms->data)->deadline : G_MAXINT64;
}
