/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TFTP packets (RFC 1350) and options (RFC 2347, 2348, 2349, 7440). */

typedef enum
{
  PROV_TFTP_OP_RRQ = 1,
  PROV_TFTP_OP_WRQ = 2,
  PROV_TFTP_OP_DATA = 3,
  PROV_TFTP_OP_ACK = 4,
  PROV_TFTP_OP_ERROR = 5,
  PROV_TFTP_OP_OACK = 6,
} ProvTftpOpcode;

typedef enum
{
  PROV_TFTP_ERR_UNDEFINED = 0,
  PROV_TFTP_ERR_NOT_FOUND = 1,
  PROV_TFTP_ERR_ACCESS = 2,
  PROV_TFTP_ERR_DISK_FULL = 3,
  PROV_TFTP_ERR_ILLEGAL_OP = 4,
  PROV_TFTP_ERR_UNKNOWN_TID = 5,
  PROV_TFTP_ERR_FILE_EXISTS = 6,
  PROV_TFTP_ERR_NO_USER = 7,
  PROV_TFTP_ERR_OPTIONS = 8,
} ProvTftpErrorCode;

#define PROV_TFTP_BLKSIZE_DEFAULT 512
#define PROV_TFTP_BLKSIZE_MIN     8
#define PROV_TFTP_BLKSIZE_MAX     65464
#define PROV_TFTP_WINDOW_MAX      65535
/* RFC 2347: a request with options must fit 512 octets. */
#define PROV_TFTP_REQUEST_MAX     512

/* Options of a request or an OACK; 0 / FALSE = absent. */
typedef struct
{
  guint    blksize;
  guint    windowsize;
  guint    timeout;
  gboolean has_tsize;
  guint64  tsize;
} ProvTftpOptions;

/* A received packet; pointers point into the datagram. */
typedef struct
{
  ProvTftpOpcode  opcode;
  guint16         block;         /* DATA, ACK */
  const guint8   *payload;       /* DATA payload, OACK option list */
  gsize           payload_len;
  guint16         error_code;    /* ERROR */
  const char     *error_message; /* ERROR, not NUL-terminated */
  gsize           error_message_len;
} ProvTftpPacket;

gsize     prov_tftp_build_rrq   (guint8                *buf,
                                 gsize                  size,
                                 const char            *filename,
                                 const ProvTftpOptions *options);
gsize     prov_tftp_build_ack   (guint8                *buf,
                                 gsize                  size,
                                 guint16                block);
gsize     prov_tftp_build_error (guint8                *buf,
                                 gsize                  size,
                                 guint16                code,
                                 const char            *message);

gboolean  prov_tftp_parse       (const guint8          *buf,
                                 gsize                  len,
                                 ProvTftpPacket        *packet);
gboolean  prov_tftp_parse_oack  (const ProvTftpPacket  *packet,
                                 const ProvTftpOptions *requested,
                                 ProvTftpOptions       *acked,
                                 GError               **error);
char     *prov_tftp_error_text  (const ProvTftpPacket  *packet);

G_END_DECLS
