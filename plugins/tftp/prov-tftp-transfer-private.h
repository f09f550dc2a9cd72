/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The state of one transfer, shared by prov-tftp-transfer.c (request,
 * addresses, timers) and prov-tftp-receive.c (what the server sends). */

#include <gio/gio.h>

#include "prov-error.h"
#include "prov-fetch.h"
#include "prov-tftp-packet.h"
#include "prov-tftp-settings.h"

G_BEGIN_DECLS

#define PROV_TFTP_PROGRESS_STEP (64 * 1024)
/* A DATA of the largest block, plus one byte to notice an oversized one. */
#define PROV_TFTP_BUFFER_SIZE (4 + PROV_TFTP_BLKSIZE_MAX + 1)

typedef enum
{
  PROV_TFTP_STATE_REQUEST,  /* RRQ sent; waiting for OACK, DATA 1 or ERROR */
  PROV_TFTP_STATE_TRANSFER, /* receiving DATA from the server's transfer id */
} ProvTftpState;

typedef struct
{
  GTask           *task; /* owned until the transfer completes */
  ProvFetch       *fetch;
  guint            id;
  ProvTftpSettings settings;
  char            *filename;
  guint16          port;
  guint64          max_size;
  gint64           end_time; /* whole-transfer bound, monotonic µs */
  gboolean         done;

  GList           *addresses;     /* GInetAddress, in resolver order */
  GList           *address;       /* the one being tried */
  GError          *address_error; /* why the previous one failed */
  gint64           address_end_time;

  GSocket         *socket;
  GSource         *socket_source;
  GSource         *timer;
  GSource         *deadline;
  GSource         *cancel_source;
  GSocketAddress  *server; /* where the request goes */
  GSocketAddress  *peer;   /* the server's transfer id, once it answered */

  ProvTftpState    state;
  gboolean         use_options;
  ProvTftpOptions  requested;
  guint            blksize;
  guint            windowsize;
  guint64          tsize;      /* 0 = unknown */
  guint64          block;      /* last in-order block, not wrapped */
  guint64          window_end; /* the block that completes the window */
  gboolean         gap_acked;  /* a gap was ACKed: wait for the resend */
  gint64           last_ack_time;
  gint64           timer_base; /* last progress or retransmission */
  gint64           interval;   /* current retransmit timeout, µs */
  guint            attempts;   /* retransmissions without progress */
  gboolean         acked;      /* an ACK went out during this wake-up */
  gboolean         receiving;  /* in on_socket_ready */

  guint64          received;   /* bytes delivered to the fetch's sink */
  guint64          reported;
  guint8          *buf;
} ProvTftpTransfer;

/* prov-tftp-transfer.c */
void     prov_tftp_complete       (ProvTftpTransfer *t,
                                   GError           *error);
void     prov_tftp_fail           (ProvTftpTransfer *t,
                                   ProvError         code,
                                   const char       *message);
void     prov_tftp_send_error     (ProvTftpTransfer *t,
                                   GSocketAddress   *to,
                                   guint16           code,
                                   const char       *message);
void     prov_tftp_send_ack       (ProvTftpTransfer *t);
void     prov_tftp_reset_backoff  (ProvTftpTransfer *t);
void     prov_tftp_arm_timer      (ProvTftpTransfer *t,
                                   gint64            now);
void     prov_tftp_note_progress  (ProvTftpTransfer *t,
                                   gint64            now);
void     prov_tftp_restart_plain  (ProvTftpTransfer *t);

/* prov-tftp-receive.c: FALSE when the transfer ended or restarted. */
gboolean prov_tftp_receive        (ProvTftpTransfer *t,
                                   GSocketAddress   *from,
                                   gsize             len);

G_END_DECLS
