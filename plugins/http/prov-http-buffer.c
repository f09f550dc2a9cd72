/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>
#include <sys/mman.h>

#include "prov-http-buffer.h"

/*
 * A large body (a firmware image) is received into an anonymous mapping
 * that asks for transparent huge pages: filling 10 MB then costs a handful
 * of page faults instead of 2,560, which over loopback is most of the time
 * spent outside the kernel's copy. Small bodies use the heap.
 */
#define HUGE_PAGE (2 * 1024 * 1024)
#define MAPPED_MIN HUGE_PAGE

struct _ProvHttpBuffer
{
  guint8   *data;
  gsize     length;
  gsize     capacity;
  gboolean  mapped;
};

/* Huge pages need 2 MB alignment, which mmap does not promise: map a spare
 * huge page and trim both ends. */
static gboolean
map_capacity (ProvHttpBuffer *self, gsize capacity)
{
  gsize size = (capacity + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
  guint8 *raw = mmap (NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                      -1, 0);
  gsize head;

  if (raw == MAP_FAILED)
    return FALSE;
  head = (HUGE_PAGE - (guintptr) raw % HUGE_PAGE) % HUGE_PAGE;
  if (head > 0)
    munmap (raw, head);
  if (HUGE_PAGE - head > 0)
    munmap (raw + head + size, HUGE_PAGE - head);
#ifdef MADV_HUGEPAGE
  madvise (raw + head, size, MADV_HUGEPAGE);
#endif
  self->data = raw + head;
  self->capacity = size;
  self->mapped = TRUE;
  return TRUE;
}

/* @expected: the announced length, 0 when unknown. */
ProvHttpBuffer *
prov_http_buffer_new (gsize expected)
{
  ProvHttpBuffer *self = g_new0 (ProvHttpBuffer, 1);

  /* One byte spare, so that a body longer than announced is noticed. */
  if (expected >= MAPPED_MIN && map_capacity (self, expected + 1))
    return self;
  self->capacity = expected > 0 ? expected + 1 : 64 * 1024;
  self->data = g_malloc (self->capacity);
  return self;
}

guint8 *
prov_http_buffer_reserve (ProvHttpBuffer *self, gsize n)
{
  if (self->capacity - self->length < n)
    {
      gsize capacity = MAX (self->capacity * 2, self->length + n);

      if (self->mapped)
        {
          guint8 *old = self->data;
          gsize old_capacity = self->capacity;

          if (!map_capacity (self, capacity))
            g_error ("out of memory for %" G_GSIZE_FORMAT " bytes", capacity);
          memcpy (self->data, old, self->length);
          munmap (old, old_capacity);
        }
      else
        {
          self->data = g_realloc (self->data, capacity);
          self->capacity = capacity;
        }
    }
  return self->data + self->length;
}

void
prov_http_buffer_commit (ProvHttpBuffer *self, gsize n)
{
  g_assert (n <= self->capacity - self->length);
  self->length += n;
}

gsize
prov_http_buffer_get_length (ProvHttpBuffer *self)
{
  return self->length;
}

typedef struct
{
  gpointer data;
  gsize    capacity;
} Mapping;

static void
free_mapping (gpointer user_data)
{
  Mapping *mapping = user_data;

  munmap (mapping->data, mapping->capacity);
  g_free (mapping);
}

GBytes *
prov_http_buffer_free_to_bytes (ProvHttpBuffer *self)
{
  GBytes *bytes;

  if (self->mapped)
    {
      Mapping *mapping = g_new (Mapping, 1);

      mapping->data = self->data;
      mapping->capacity = self->capacity;
      bytes = g_bytes_new_with_free_func (self->data, self->length, free_mapping, mapping);
    }
  else
    bytes = g_bytes_new_take (g_realloc (self->data, self->length), self->length);
  g_free (self);
  return bytes;
}

void
prov_http_buffer_free (ProvHttpBuffer *self)
{
  if (self->mapped)
    munmap (self->data, self->capacity);
  else
    g_free (self->data);
  g_free (self);
}
