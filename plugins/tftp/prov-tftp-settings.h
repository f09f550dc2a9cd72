/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "prov-fetch.h"

G_BEGIN_DECLS

/* The [tftp] group of the device file. */
typedef struct
{
  gboolean options;    /* Options: negotiate RFC 2347 options at all */
  guint    blksize;    /* BlockSize */
  guint    windowsize; /* WindowSize */
  double   timeout;    /* Timeout: initial retransmit timeout, seconds */
  guint    retries;    /* Retries */
  gboolean tsize;      /* TSize */
} ProvTftpSettings;

/* The largest block that crosses Ethernet (MTU 1500) without IP
 * fragmentation: 1500 - 20 (IPv4) - 8 (UDP) - 4 (TFTP). */
#define PROV_TFTP_DEFAULT_BLKSIZE    1468
#define PROV_TFTP_DEFAULT_WINDOWSIZE 16
#define PROV_TFTP_DEFAULT_TIMEOUT    1.0
#define PROV_TFTP_DEFAULT_RETRIES    5

void prov_tftp_settings_load (ProvTftpSettings *settings,
                              ProvFetch        *fetch);

G_END_DECLS
