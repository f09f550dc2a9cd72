/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The [Daemon] group of provisiond.conf(5); NULL = not set. */
typedef struct
{
  char  *state_dir;
  char  *cache_dir;
  char  *device_file;
  char  *plugin_path;  /* ':'-separated */
  char  *plugin_block; /* ','-separated */
} ProvDaemonConfig;

/**
 * prov_daemon_config_load:
 * @path: the file to read
 * @required: FALSE for the default file, whose absence is not an error
 *
 * Reads the keys of [Daemon] into @config; an empty value leaves a key
 * unset (the default). Unknown keys are logged and ignored, so that an
 * older daemon starts with a newer file.
 *
 * Returns: FALSE with an error when the file is malformed, or is
 * @required and cannot be read.
 */
gboolean prov_daemon_config_load  (ProvDaemonConfig  *config,
                                   const char        *path,
                                   gboolean           required,
                                   GError           **error);
void     prov_daemon_config_clear (ProvDaemonConfig  *config);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ProvDaemonConfig, prov_daemon_config_clear)

G_END_DECLS
