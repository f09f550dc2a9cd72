/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-fetch.h"
#include "prov-plugin.h"

G_BEGIN_DECLS

/* What one fetch produced, and what the plugin reported on the way. */
typedef struct
{
  GBytes  *payload;
  GError  *error;
  double   seconds;
  guint    progress_calls;
  guint64  last_received;
  guint64  last_total;
  gboolean progress_monotonic;
} TestResult;

void        test_result_clear       (TestResult   *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TestResult, test_result_clear)

/* The module named by $PROV_TEST_PLUGIN, opened as the daemon's loader does. */
ProvPlugin *test_plugin_new         (void);
void        test_fetch_run          (ProvPlugin   *plugin,
                                     ProvFetch    *fetch,
                                     GCancellable *cancellable,
                                     TestResult   *result);
ProvFetch  *test_fetch_new          (const char   *format,
                                     ...) G_GNUC_PRINTF (1, 2);
void        test_fetch_set_device   (ProvFetch    *fetch,
                                     const char   *format,
                                     ...) G_GNUC_PRINTF (2, 3);

void        test_assert_payload     (const TestResult *result,
                                     GBytes       *expected);
void        test_assert_error       (const TestResult *result,
                                     int           code,
                                     const char   *message);

/* Temporary folder for the whole test program, removed at exit. */
const char *test_tmpdir             (void);
char       *test_path               (const char   *name);
void        test_write              (const char   *name,
                                     const void   *data,
                                     gssize        len);
GBytes     *test_random_bytes       (gsize         size);
void        test_spawn_check        (const char * const *argv);
char       *test_spawn_output       (const char * const *argv);

guint       test_free_port          (void);
gboolean    test_port_ready         (guint         port);

/* Lines of an access log containing @needle; waits up to @wait_ms for at
 * least @at_least of them (servers write the line after answering). */
GStrv       test_log_lines          (const char   *log_path,
                                     const char   *needle,
                                     guint         at_least,
                                     guint         wait_ms);

/* A server process started with a generated configuration. */
typedef struct _TestServer TestServer;
typedef char *(*TestConfigFunc) (const guint *ports, gpointer user_data);

TestServer *test_server_start       (const char * const *argv,
                                     guint          n_ports,
                                     TestConfigFunc make_config,
                                     const char    *config_path,
                                     gpointer       user_data);
guint       test_server_port        (TestServer   *server,
                                     guint         index);
void        test_server_stop        (TestServer   *server);

/* nginx in the foreground with everything (logs, pid, temp files) under
 * test_tmpdir()/nginx; @servers returns the server blocks for the ports.
 * Its access log (test_nginx_log()) has one line per request:
 * port|method|request-uri|status|user-agent|content-type|if-none-match|authorization|
 * connection| */
TestServer *test_nginx_start        (guint          n_ports,
                                     TestConfigFunc servers,
                                     gpointer       user_data);
const char *test_nginx_log          (void);

G_END_DECLS
