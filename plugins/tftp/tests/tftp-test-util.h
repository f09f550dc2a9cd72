/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-plugin.h"
#include "prov-test.h"

G_BEGIN_DECLS

/* Every bounded wait of the tests: a guard, not a timing. */
#define TT_GUARD_SECONDS 120

/* A world-readable temporary folder for a server; removed by test_rm_rf. */
char       *tt_make_dir          (void);
/* Writes @size deterministic pseudo-random bytes; @name may hold folders
 * ("Cisco/CP-8845-3PCC/x.cfg"), made world-readable. */
GBytes     *tt_make_file         (const char *dir,
                                  const char *name,
                                  gsize       size,
                                  guint32     seed);
/* A UDP port free on both 127.0.0.1 and ::1. */
guint16     tt_free_port         (void);

/* A TFTP server process, killed with its children by tt_server_stop. */
typedef struct
{
  GSubprocess *process;
  guint16      port;
  char        *log;
} TtServer;

/* tftpd-hpa on every address of the namespace (only loopback): it cannot
 * bind a given loopback address in a namespace without another interface.
 * @family is "-4", "-6" or NULL for both. */
TtServer   *tt_server_start_hpa     (const char          *dir,
                                     const char          *family,
                                     const char * const  *extra_args);
/* The same without --secure: no chroot, requests name the full path. */
TtServer   *tt_server_start_hpa_not_secure (const char *dir);
/* atftpd (RFC 7440) bound to @ip, from $PROV_ATFTPD or
 * /opt/provisiond-peers/usr/sbin/atftpd (tests/peers/install-atftpd.sh). */
TtServer   *tt_server_start_atftpd  (const char          *dir,
                                     const char          *ip,
                                     const char * const  *extra_args);
void        tt_server_stop          (TtServer            *server);
/* Whether the server's log has @text (bounded wait for it to appear). */
gboolean    tt_server_log_contains  (TtServer            *server,
                                     const char          *text);

/* Sends a probe request until the server answers (bounded). */
gboolean    tt_wait_ready           (const char          *ip,
                                     guint16              port,
                                     GSubprocess         *process);

typedef struct
{
  const char *settings;  /* lines of the [tftp] group */
  guint       timeout;   /* whole-transfer bound, 0 = ProvFetch's default */
  guint64     max_size;  /* 0 = ProvFetch's default */
  guint64     cancel_at; /* cancel once this many bytes arrived */
  guint       cancel_after_ms; /* cancel this long after the start */
  gboolean    cancel_first;
} TtFetchOptions;

typedef struct
{
  GBytes  *payload;
  GError  *error;
  double   seconds;        /* fetch_async to callback */
  double   cancel_seconds; /* cancel to callback */
  char    *server_ip;
  guint    progress_calls;
  guint64  progress_max;   /* largest received reported */
  guint64  progress_total; /* last total reported */
} TtFetchResult;

void        tt_fetch             (ProvPlugin           *plugin,
                                  const char           *url,
                                  const TtFetchOptions *options,
                                  TtFetchResult        *result);
void        tt_fetch_result_clear (TtFetchResult       *result);
void        tt_assert_bytes_equal (GBytes              *expected,
                                   GBytes              *actual);

G_END_DECLS
