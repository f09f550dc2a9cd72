/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "prov-engine.h"

G_BEGIN_DECLS

/* What an upgrade request ended with, when it did not fail. */
typedef enum
{
  PROV_UPGRADE_FAILED,    /* only with an error */
  PROV_UPGRADE_NONE,      /* blank rule, no alternative taken, or no URL */
  PROV_UPGRADE_CURRENT,   /* the image's version is $SWVER: nothing fetched */
  PROV_UPGRADE_INSTALLED, /* fetched, installed, $SWVER updated */
} ProvUpgradeResult;

#define PROV_TYPE_UPGRADER (prov_upgrader_get_type ())
G_DECLARE_FINAL_TYPE (ProvUpgrader, prov_upgrader, PROV, UPGRADER, GObject)

/**
 * ProvUpgrader:
 *
 * One firmware upgrade (SPEC §7): Upgrade_Rule (or a given rule) is
 * expanded, an alternative chosen, its assignments applied and persisted,
 * then the image's version is derived from the URL: the last path
 * component without its trailing extensions (`…/sip88xx.11-3-2MPP0001-609.loads`
 * → `sip88xx.11-3-2MPP0001-609`, `fw-1.2.3.tar.gz` → `fw-1.2.3`; an
 * extension is a `.` then a letter then letters or digits, so numeric
 * version fields stay). Versions compare with prov_version_compare().
 * Equal to $SWVER → nothing is fetched; below Downgrade_Rev_Limit →
 * refused. Otherwise the image is fetched through the transports (capped
 * by Max_Firmware_Size), written to `<state>/firmware/<version>.img`
 * (older images removed, free space checked), and handed to the
 * highest-priority ProvInstaller plugin. Success sets $SWVER, persisted in
 * the status so that a restart keeps it (prov_upgrader_apply_installed()).
 *
 * Upgrade_Enable No blocks every upgrade, explicit ones included (as
 * Provision_Enable does for resyncs). Each attempt logs Log_Upgrade_*_Msg
 * through the engine's "log-message" and adds a status entry ($UPGERR,
 * $UPGST, $UPGTMR, $SUPGTMR); NONE and CURRENT results do neither. `$ERR`
 * is `installed <version>` on success, else the transport's or installer's
 * text, or one of: `downgrade below limit <limit>`, `no installer plugin`,
 * `not enough space`, `cannot write the image: …`, `no image file name in
 * <url>`.
 *
 * Signals:
 * - "upgrade-started" (int cause)
 * - "upgrade-finished" (int ProvUpgradeResult, const char *url, const char *version,
 *   const char *error): error NULL unless the result is PROV_UPGRADE_FAILED
 * - "fetch-progress" (const char *url, guint64 received, guint64 total)
 */
ProvUpgrader     *prov_upgrader_new            (ProvEngine          *engine);
ProvEngine       *prov_upgrader_get_engine     (ProvUpgrader        *self);
gboolean          prov_upgrader_is_busy        (ProvUpgrader        *self);
/* The scheduler mirrors its line state here: upgrades start only when
 * every line is idle. */
void              prov_upgrader_set_lines_busy (ProvUpgrader        *self,
                                                gboolean             busy);

/**
 * prov_upgrader_upgrade_async:
 * @cause: PROV_CAUSE_RETRY makes $UPGST 2, anything else 1
 * @rule: (nullable): a rule to use instead of Upgrade_Rule
 * @server: (nullable): the host that asked for it: a URL without a host
 *   uses it; otherwise such a URL uses the server of the last applied
 *   profile (the seed), else the DHCP server
 *
 * Fails with PROV_ERROR_DISABLED (Upgrade_Enable No), PROV_ERROR_BUSY (a
 * line, a resync or another upgrade is busy), or the attempt's error.
 */
void              prov_upgrader_upgrade_async  (ProvUpgrader        *self,
                                                ProvCause            cause,
                                                const char          *rule,
                                                const char          *server,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
ProvUpgradeResult prov_upgrader_upgrade_finish (ProvUpgrader        *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* The version an image URL stands for (see above), or NULL when the URL
 * has no file name. */
char             *prov_upgrader_image_version  (const char          *url);

/* Makes @device's software version the one installed by an earlier
 * upgrade, unless the device file's version changed since (then the
 * system says what runs). ProvContext calls this when it opens. */
void              prov_upgrader_apply_installed (ProvStatus         *status,
                                                 ProvDevice         *device);

G_END_DECLS
