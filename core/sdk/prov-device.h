/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PROV_TYPE_DEVICE (prov_device_get_type ())
G_DECLARE_FINAL_TYPE (ProvDevice, prov_device, PROV, DEVICE, GObject)

/**
 * ProvDevice:
 *
 * The host's identity and plugin settings, from the device file (a
 * GKeyFile; see provisiond-device(5)). Group [Device] holds the identity;
 * other groups ([tftp], [http], [file]…) belong to plugins.
 */
ProvDevice  *prov_device_new                (void);
ProvDevice  *prov_device_new_from_file      (const char  *path,
                                             GError     **error);
ProvDevice  *prov_device_new_from_data      (const char  *data,
                                             GError     **error);

/* MAC as 12 lower-case hex digits ($MA), or NULL when unknown. */
const char  *prov_device_get_mac            (ProvDevice  *self);
const char  *prov_device_get_vendor         (ProvDevice  *self);
const char  *prov_device_get_product_name   (ProvDevice  *self);
const char  *prov_device_get_series_number  (ProvDevice  *self);
const char  *prov_device_get_serial_number  (ProvDevice  *self);
const char  *prov_device_get_software_version (ProvDevice *self);
void         prov_device_set_software_version (ProvDevice *self,
                                               const char *version);
const char  *prov_device_get_hardware_version (ProvDevice *self);
const char  *prov_device_get_client_certificate (ProvDevice *self);
const char  *prov_device_get_client_key     (ProvDevice  *self);
const char  *prov_device_get_ca_file        (ProvDevice  *self);
const char  *prov_device_get_ip             (ProvDevice  *self);
GKeyFile    *prov_device_get_keyfile        (ProvDevice  *self);

/* Adds the identity variables of SPEC §3 (MA, MAU, MAC, PN, PSN, SN,
 * SWVER, HWVER, VENDOR, CCERT, IP, EXTIP) to @vars (char* → char*). */
void         prov_device_add_variables      (ProvDevice  *self,
                                             GHashTable  *vars);

/**
 * prov_device_expand_rule:
 * @self: the device
 * @rule: a rule, or any text with macros (SPEC §3)
 *
 * Expands the macros of @rule with the identity variables of @self (those
 * of prov_device_add_variables(): `$MA`, `$PSN`, `$SWVER`…), as the engine
 * expands a rule's URL. The other macros (`$A`…`$P`, `$PRVST`, the secrets
 * `$SA`…`$SD`) are the engine's: they stay verbatim, as does anything not
 * understood.
 *
 * Returns: (transfer full): the expanded text
 *
 * Since: 1.0
 */
char        *prov_device_expand_rule        (ProvDevice  *self,
                                             const char  *rule);

G_END_DECLS
