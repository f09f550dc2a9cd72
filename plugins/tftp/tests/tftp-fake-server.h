/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* In-test TFTP peers, each on its own thread, for behaviours the real
 * servers cannot be made to show. */

typedef enum
{
  TT_FAKE_OACK,           /* acknowledges blksize, tsize, timeout; lock-step */
  TT_FAKE_IGNORE_OPTIONS, /* an RFC 1350 server: answers DATA 1 */
  TT_FAKE_REFUSE_OPTIONS, /* ERROR 8 to a request with options */
  TT_FAKE_ERROR,          /* ERROR error_code error_message to every request */
  TT_FAKE_SILENT,         /* swallows requests */
} TtFakeMode;

typedef struct
{
  /* Set before tt_fake_start. */
  TtFakeMode  mode;
  const char *ip;
  guint16     port;            /* 0 = ephemeral */
  GBytes     *file;
  guint16     error_code;
  const char *error_message;
  gboolean    duplicate_data;  /* send every DATA twice */
  guint64     claimed_tsize;   /* tsize to put in the OACK, 0 = true size */
  gboolean    bogus_oack;      /* acknowledge an option never asked for */
  guint       intruder_block;  /* after this DATA, a burst from another port */
  guint       intruder_count;

  /* Read after tt_fake_stop. */
  GPtrArray  *requests;        /* each RRQ as "file opt=value opt=value" */
  guint       data_sent;
  guint       acks_received;
  guint       duplicate_acks;  /* ACKs of a block already ACKed */
  guint       intruder_errors; /* ERROR 5 the intruder received */
  guint16     client_error;    /* code of an ERROR the client sent, or 0xffff */
  char       *client_error_message;
  gboolean    completed;       /* the last block was ACKed */

  /* Private. */
  GSocket    *listen;
  GThread    *thread;
  gint        stop;
} TtFake;

void  tt_fake_start  (TtFake *fake);
void  tt_fake_stop   (TtFake *fake);
void  tt_fake_clear  (TtFake *fake);

/* Forwards one transfer between a client and a server, dropping each
 * datagram with probability @loss (seeded: the same drops every run). */
typedef struct
{
  const char *ip;
  guint16     server_port;
  double      loss;
  guint32     seed;

  guint16     port; /* where clients send requests */
  guint       forwarded;
  guint       dropped;

  GSocket    *listen;
  GSocket    *transfer;
  GSocket    *upstream;
  GThread    *thread;
  gint        stop;
} TtRelay;

void  tt_relay_start (TtRelay *relay);
void  tt_relay_stop  (TtRelay *relay);

G_END_DECLS
