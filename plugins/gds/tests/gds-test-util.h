/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-fetch.h"
#include "prov-plugin.h"
#include "prov-test.h"

G_BEGIN_DECLS

/* The device every test fetch belongs to. */
#define TEST_MAC "000e08abcdef"
#define TEST_PRODUCT "CP-8845-3PCC"
#define TEST_SERIAL "88012BA01234"
#define TEST_VERSION "11.3.1"
#define TEST_USER_AGENT "Cisco-" TEST_PRODUCT "/" TEST_VERSION " (" TEST_MAC ")"
#define TEST_CLIENT_CN "device-" TEST_MAC

/* tests/peers/activation-service.py with test_tmpdir()/codes.json. */
typedef struct
{
  GSubprocess *process;
  guint        port;
  char        *log;
} TestService;

/* @server: which certificate it presents; @port 0 lets it choose. */
TestService *test_service_start     (const char   *server,
                                     guint         port,
                                     gboolean      require_client_cert);
void         test_service_stop      (TestService  *service);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestService, test_service_stop)
/* The service's record of its latest request: name → value as text. */
GHashTable  *test_service_last_request (TestService *service);
/* A hand-made POST; returns the whole answer, headers included. */
char        *test_service_post      (TestService  *service,
                                     const char   *content_type,
                                     const char   *body);

/* A gds:// fetch for the test device; @format adds to its device file
 * (still in [Device]). */
ProvFetch   *test_fetch_new         (const char   *format,
                                     ...) G_GNUC_PRINTF (1, 2);
/* The usual one: trusts ca, service at https://127.0.0.1:@port/activate. */
ProvFetch   *test_fetch_for_port    (guint         port);

GTask       *test_resolve_start     (ProvPlugin   *plugin,
                                     ProvFetch    *fetch,
                                     GCancellable *cancellable);
/* Runs the main context until @wait completes (bounded). */
GHashTable  *test_resolve_wait      (GTask        *wait,
                                     GError      **error);
GHashTable  *test_resolve           (ProvPlugin   *plugin,
                                     ProvFetch    *fetch,
                                     GError      **error);

G_END_DECLS
