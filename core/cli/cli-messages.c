/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "prov-cli.h"

/* Messages that reach provisionctl from the daemon or the engine: D-Bus
 * error texts and the stable `$ERR` texts (data/syslog.md). They travel in
 * English — syslog servers and scripts match them — and are translated only
 * here, when a person reads them. Listing them lets xgettext find them. */
static const char *const remote_messages[] G_GNUC_UNUSED = {
  N_("file not found"),
  N_("no server"),
  N_("bad server address"),
  N_("restricted host"),
  N_("timeout"),
  N_("connection refused"),
  N_("connection closed"),
  N_("connection failed"),
  N_("host unreachable"),
  N_("network unreachable"),
  N_("host not found"),
  N_("too many redirects"),
  N_("redirect from https to http refused"),
  N_("too large"),
  N_("file: not a regular file"),
  N_("file: not a regular file (a directory)"),
  N_("file: not a regular file (a FIFO)"),
  N_("file: not a regular file (a socket)"),
  N_("file: not a regular file (a device)"),
  N_("tls: host name mismatch"),
  N_("tls: certificate expired"),
  N_("tls: certificate not trusted"),
  N_("tls: certificate required"),
  N_("tls: handshake failed"),
  N_("corrupt file: bad decryption key"),
  N_("corrupt file: encrypted profile needs --key"),
  N_("corrupt file: truncated"),
  N_("corrupt file: truncated gzip"),
  N_("corrupt file: bad gzip crc"),
  N_("corrupt file: too large"),
  N_("Invalid activation code"),
  N_("waiting for an activation code"),
  N_("activation code must be 16 digits"),
  N_("a resync is running"),
  N_("the daemon is stopping"),
  N_("provisioning is disabled (Provision_Enable is No)"),
  N_("firmware upgrades are disabled (Upgrade_Enable is No)"),
  N_("only the administrator may do this"),
  N_("users may not resync from a rule of their own (User_Configurable_Resync is No)"),
  N_("resync by users is off (User_Configurable_Resync is No)"),
  N_("Profile_Rule does not wait for an activation code"),
  N_("no plugin handles SIP messages"),
  N_("--srv is not supported"),
  N_("no installer plugin"),
  N_("file: outside the allowed roots"),
};

const char *
prov_cli_error_text (const GError *error)
{
  return g_dgettext (GETTEXT_PACKAGE, error->message);
}
