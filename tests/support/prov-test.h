/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The test-support library of every C test (tests/support/meson.build:
 * prov_test_dep): temporary files, child processes, real peers on
 * 127.0.0.1 (nginx, tftpd-hpa, atftpd, any server that listens on TCP
 * ports), certificates made by the openssl CLI, the built plugin modules,
 * state directories and test tables. Plugin-specific helpers stay beside
 * their tests. */
#pragma once

#include <gio/gio.h>

#include "prov-clock.h"
#include "prov-context.h"
#include "prov-plugin.h"
#include "prov-store.h"

G_BEGIN_DECLS

/* ---- files (prov-test-files.c) ---- */

/* Temporary folder for the whole test program, removed at exit (kept when
 * $PROV_TEST_KEEP is set). */
const char *test_tmpdir             (void);
char       *test_path               (const char   *name);
/* Writes test_tmpdir()/@name, making its folders; @len -1: a string. */
void        test_write              (const char   *name,
                                     const void   *data,
                                     gssize        len);
/* Removes @path and everything below it (links are not followed);
 * whether every entry went. */
gboolean    test_rm_rf              (const char   *path);
GBytes     *test_random_bytes       (gsize         size);
/* @unit @n times, then @tail. */
char       *test_repeat             (const char   *unit,
                                     guint         n,
                                     const char   *tail);
/* Runs @argv in test_tmpdir(); fails the test when it fails. */
void        test_spawn_check        (const char * const *argv);
char       *test_spawn_output       (const char * const *argv);

/* ---- peers (prov-test-peer.c) ---- */

/* A TCP socket bound to a free port of 127.0.0.1, listening with @backlog
 * unless it is negative. */
GSocket    *test_tcp_socket         (int           backlog,
                                     guint        *port);
/* A TCP port free on 127.0.0.1 now, and whether one accepts connections. */
guint       test_free_port          (void);
gboolean    test_port_ready         (guint         port);
/* Child setup of every peer: it must not outlive a test that crashed (it
 * would keep the test's output pipe and the namespace open). */
void        test_die_with_parent    (gpointer      user_data);

/* Lines of an access log containing @needle; waits up to @wait_ms for at
 * least @at_least of them (servers write the line after answering). */
GStrv       test_log_lines          (const char   *log_path,
                                     const char   *needle,
                                     guint         at_least,
                                     guint         wait_ms);

/* A server process started with a generated configuration, ready once
 * each of its ports accepts connections. */
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

/* Runs @argv from @launcher to its end while the main context runs (it
 * serves the plugin under test); fails the test after @timeout_s. Returns
 * its exit status (-1: killed), with its output where the launcher pipes it. */
int         test_run_child          (GSubprocessLauncher *launcher,
                                     const char * const  *argv,
                                     guint                timeout_s,
                                     char               **out,
                                     char               **err);

/* ---- TFTP servers (prov-test-tftpd.c) ---- */

/* A world-readable temporary folder for a server; removed by test_rm_rf(). */
char       *test_tftp_root_new      (void);
/* A UDP port free on both 127.0.0.1 and ::1. */
guint16     test_free_udp_port      (void);

/* A TFTP server process, killed with its children by test_tftpd_stop(). */
typedef struct
{
  GSubprocess *process;
  guint16      port;
  char        *log;
} TestTftpd;

/* tftpd-hpa on every address of the namespace (only loopback): it cannot
 * bind a given loopback address in a namespace without another interface.
 * @family is "-4", "-6" or NULL for both. */
TestTftpd  *test_tftpd_start_hpa    (const char   *dir,
                                     const char   *family,
                                     const char * const *extra_args);
/* The same without --secure: no chroot, requests name the full path. */
TestTftpd  *test_tftpd_start_hpa_not_secure (const char *dir);
/* atftpd (RFC 7440) bound to @ip, from $PROV_ATFTPD or
 * /opt/provisiond-peers/usr/sbin/atftpd (tests/peers/install-atftpd.sh). */
TestTftpd  *test_tftpd_start_atftpd (const char   *dir,
                                     const char   *ip,
                                     const char * const *extra_args);
void        test_tftpd_stop         (TestTftpd    *server);
/* Whether the server's log has @text (bounded wait for it to appear). */
gboolean    test_tftpd_log_contains (TestTftpd    *server,
                                     const char   *text);

/* Sends a probe request until the server answers (bounded). */
gboolean    test_tftp_wait_ready    (const char   *ip,
                                     guint16       port,
                                     GSubprocess  *process);

/* ---- certificates (prov-test-cert.c), in test_tmpdir() ---- */

/* openssl @first … NULL. */
void        test_openssl            (const char   *first,
                                     ...) G_GNUC_NULL_TERMINATED;
/* A self-signed CA: its key in @key, its certificate in @pem. */
void        test_make_ca            (const char   *key,
                                     const char   *pem,
                                     const char   *subject);
/* NAME.key and NAME.pem signed by CA.pem/CA.key, with @extensions. */
void        test_make_leaf          (const char   *name,
                                     const char   *ca,
                                     const char   *subject,
                                     const char   *extensions);
/* ca (subject @ca_subject, trusted by the tests), rogue-ca (trusted by
 * nobody); server certificates "server" (127.0.0.1, from ca), "rogue"
 * (127.0.0.1, from rogue-ca), "wrong-name" (another name, from ca); the
 * device's "client" (@client_subject, from ca). Each as NAME.pem, NAME.key. */
void        test_make_certificates  (const char   *ca_subject,
                                     const char   *client_subject);

/* ---- the core and plugins (prov-test-plugin.c) ---- */

/* The module named by $@env_var, opened as the daemon's loader does (ABI
 * symbols, then the entry point), resident: it registers types. */
ProvPlugin *test_plugin_load        (const char   *env_var);
/* The module of $PROV_TEST_PLUGIN. */
ProvPlugin *test_plugin_new         (void);

/* A new state directory "prov-@prefix-XXXXXX" whose device.conf is
 * @device_conf. */
char       *test_state_dir_new      (const char   *prefix,
                                     const char   *device_conf);

/* The trigger module of $@env_var, named @name, and a context on a new
 * state directory ("prov-@name-XXXXXX", device.conf @device_conf) with no
 * other plugin; test_trigger_close() stops it (twice: that must be safe)
 * and removes it all. */
ProvPlugin *test_trigger_open       (const char   *env_var,
                                     const char   *name,
                                     const char   *device_conf,
                                     char        **dir,
                                     ProvContext **ctx);
void        test_trigger_close      (ProvPlugin  **plugin,
                                     ProvContext **ctx,
                                     char        **dir);

/* Sets each name of @pairs (name, value, …, NULL) to its value, in one
 * change set applied as the admin (source "test"). */
void        test_store_set          (ProvStore    *store,
                                     const char * const *pairs);

/* Advances the virtual @clock alarm by alarm up to @until (µs), calling
 * @settle after each (it lets what the alarm started finish). */
void        test_clock_run_until    (ProvClock    *clock,
                                     gint64        until,
                                     void        (*settle) (gpointer data),
                                     gpointer      data);


/* ---- test programs (prov-test-main.c) ---- */

/* One test function. */
typedef struct
{
  const char *path;
  GTestFunc   func;
} TestCase;

void        test_add_cases          (const TestCase        *cases,
                                     gsize                  n_cases);
/* The whole main() of a program of plain test functions. */
int         test_main               (int                   *argc,
                                     char                ***argv,
                                     const TestCase        *cases,
                                     gsize                  n_cases);

/* A table of tests of one fixture type: static const
 * TEST_FIXTURE_CASES (Fixture) cases[] = { { path, func, data }, … };
 * then TEST_ADD_FIXTURE_CASES (Fixture, setup, teardown, cases). */
#define TEST_FIXTURE_CASES(Fixture)                                                         \
  struct                                                                                   \
  {                                                                                        \
    const char   *path;                                                                    \
    void        (*func) (Fixture *, gconstpointer);                                        \
    gconstpointer data;                                                                    \
  }
#define TEST_ADD_FIXTURE_CASES(Fixture, setup, teardown, cases)                             \
  for (gsize case_ = 0; case_ < G_N_ELEMENTS (cases); case_++)                             \
    g_test_add ((cases)[case_].path, Fixture, (cases)[case_].data, setup, (cases)[case_].func, \
                teardown)

G_END_DECLS
