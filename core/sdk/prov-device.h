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
 *
 * Since: 1.0
 */
/**
 * prov_device_new:
 * A device with no identity and no plugin settings.
 *
 * Returns: (transfer full): the device
 *
 * Since: 1.0
 */
ProvDevice  *prov_device_new                (void);
/**
 * prov_device_new_from_file:
 * @path: the device file (see provisiond-device(5))
 * @error: return location for a #PROV_ERROR
 *
 * Reads a device file: group [Device] holds the identity, the other groups
 * belong to plugins.
 *
 * Returns: (transfer full): the device, or %NULL with @error naming the file
 *
 * Since: 1.0
 */
ProvDevice  *prov_device_new_from_file      (const char  *path,
                                             GError     **error);
/**
 * prov_device_new_from_data:
 * @data: the text of a device file
 * @error: return location for a #PROV_ERROR
 *
 * As prov_device_new_from_file(), from memory.
 *
 * Returns: (transfer full): the device, or %NULL with @error set
 *
 * Since: 1.0
 */
ProvDevice  *prov_device_new_from_data      (const char  *data,
                                             GError     **error);

/**
 * prov_device_get_mac:
 * @self: the device
 *
 * Gets the MAC address as 12 lower-case hex digits (`$MA`).
 *
 * Returns: (nullable): the MAC address as 12 lower-case hex digits (`$MA`),
 *   or %NULL when unknown
 *
 * Since: 1.0
 */
const char  *prov_device_get_mac            (ProvDevice  *self);
/**
 * prov_device_get_vendor:
 * @self: the device
 *
 * Gets the vendor (`$VENDOR`).
 *
 * Returns: (nullable): the vendor (`$VENDOR`), or %NULL when the device file
 *   does not say
 *
 * Since: 1.0
 */
const char  *prov_device_get_vendor         (ProvDevice  *self);
/**
 * prov_device_get_product_name:
 * @self: the device
 *
 * Gets the product name (`$PN`).
 *
 * Returns: (nullable): the product name (`$PN`), or %NULL when the device file
 *   does not say
 *
 * Since: 1.0
 */
const char  *prov_device_get_product_name   (ProvDevice  *self);
/**
 * prov_device_get_series_number:
 * @self: the device
 *
 * Gets the product series number (model) (`$PSN`).
 *
 * Returns: (nullable): the product series number (model) (`$PSN`), or %NULL
 *   when the device file does not say
 *
 * Since: 1.0
 */
const char  *prov_device_get_series_number  (ProvDevice  *self);
/**
 * prov_device_get_serial_number:
 * @self: the device
 *
 * Gets the serial number (`$SN`).
 *
 * Returns: (nullable): the serial number (`$SN`), or %NULL when the device file
 *   does not say
 *
 * Since: 1.0
 */
const char  *prov_device_get_serial_number  (ProvDevice  *self);
/**
 * prov_device_get_software_version:
 * @self: the device
 *
 * Gets the software (firmware) version (`$SWVER`).
 *
 * Returns: (nullable): the software (firmware) version (`$SWVER`), or %NULL
 *   when the device file does not say
 *
 * Since: 1.0
 */
const char  *prov_device_get_software_version (ProvDevice *self);
/**
 * prov_device_set_software_version:
 * @self: the device
 * @version: (nullable): the version an upgrade installed
 *
 * Sets the software version (`$SWVER`): after an upgrade, the installed
 * version wins over what the device file still says.
 *
 * Since: 1.0
 */
void         prov_device_set_software_version (ProvDevice *self,
                                               const char *version);
/**
 * prov_device_get_hardware_version:
 * @self: the device
 *
 * Gets the hardware version (`$HWVER`).
 *
 * Returns: (nullable): the hardware version (`$HWVER`), or %NULL when the
 *   device file does not say
 *
 * Since: 1.0
 */
const char  *prov_device_get_hardware_version (ProvDevice *self);
/**
 * prov_device_get_client_certificate:
 * @self: the device
 *
 * Gets the path of the client certificate for TLS (`$CCERT` says whether there
 * is one).
 *
 * Returns: (nullable): the path of the client certificate for TLS (`$CCERT`
 *   says whether there is one), or %NULL
 *
 * Since: 1.0
 */
const char  *prov_device_get_client_certificate (ProvDevice *self);
/**
 * prov_device_get_client_key:
 * @self: the device
 *
 * Gets the path of the client certificate's private key.
 *
 * Returns: (nullable): the path of the client certificate's private key, or
 *   %NULL
 *
 * Since: 1.0
 */
const char  *prov_device_get_client_key     (ProvDevice  *self);
/**
 * prov_device_get_ca_file:
 * @self: the device
 *
 * Gets the path of extra CA certificates to trust.
 *
 * Returns: (nullable): the path of extra CA certificates to trust, or %NULL
 *
 * Since: 1.0
 */
const char  *prov_device_get_ca_file        (ProvDevice  *self);
/**
 * prov_device_get_ip:
 * @self: the device
 *
 * Gets the device's IP address (`$IP`).
 *
 * Returns: (nullable): the device's IP address (`$IP`), or %NULL
 *
 * Since: 1.0
 */
const char  *prov_device_get_ip             (ProvDevice  *self);
/**
 * prov_device_get_keyfile:
 * @self: the device
 *
 * The whole device file, for a plugin's own group.
 *
 * Returns: (transfer none): the key file
 *
 * Since: 1.0
 */
GKeyFile    *prov_device_get_keyfile        (ProvDevice  *self);

/**
 * prov_device_add_variables:
 * @self: the device
 * @vars: (element-type utf8 utf8): macro variables, name → value
 *
 * Adds the identity variables of SPEC §3 (MA, MAU, MAC, PN, PSN, SN, SWVER,
 * HWVER, VENDOR, CCERT, IP, EXTIP) to @vars.
 *
 * Since: 1.0
 */
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
