/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-device.h"
#include "prov-error.h"
#include "prov-macro.h"

#define DEVICE_GROUP "Device"

struct _ProvDevice
{
  GObject   parent_instance;

  GKeyFile *keyfile;
  char     *mac;
  char     *vendor;
  char     *product_name;
  char     *series_number;
  char     *serial_number;
  char     *software_version;
  char     *hardware_version;
  char     *client_certificate;
  char     *client_key;
  char     *ca_file;
  char     *ip;
  char     *external_ip;
};

G_DEFINE_TYPE (ProvDevice, prov_device, G_TYPE_OBJECT)

static void
prov_device_finalize (GObject *object)
{
  ProvDevice *self = PROV_DEVICE (object);

  g_key_file_unref (self->keyfile);
  g_free (self->mac);
  g_free (self->vendor);
  g_free (self->product_name);
  g_free (self->series_number);
  g_free (self->serial_number);
  g_free (self->software_version);
  g_free (self->hardware_version);
  g_free (self->client_certificate);
  g_free (self->client_key);
  g_free (self->ca_file);
  g_free (self->ip);
  g_free (self->external_ip);
  G_OBJECT_CLASS (prov_device_parent_class)->finalize (object);
}

static void
prov_device_class_init (ProvDeviceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = prov_device_finalize;
}

static void
prov_device_init (ProvDevice *self)
{
  self->keyfile = g_key_file_new ();
}

/* "00:0E:08-ab.cd ef" → "000e08abcdef"; NULL unless exactly 12 hex digits. */
static char *
normalize_mac (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isxdigit (*p))
        g_string_append_c (out, g_ascii_tolower (*p));
      else if (strchr (":-. \n", *p) == NULL)
        break;
    }
  if (out->len != 12)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

static char *
read_interface_mac (const char *interface)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;

  if (interface == NULL || strchr (interface, '/') != NULL)
    return NULL;
  path = g_build_filename ("/sys/class/net", interface, "address", NULL);
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return normalize_mac (contents);
}

static char *
get_key (GKeyFile *kf, const char *key)
{
  g_autofree char *value = g_key_file_get_string (kf, DEVICE_GROUP, key, NULL);

  if (value == NULL)
    return NULL;
  g_strstrip (value);
  return value[0] != '\0' ? g_steal_pointer (&value) : NULL;
}

static gboolean
load_keyfile (ProvDevice *self, GError **error)
{
  GKeyFile *kf = self->keyfile;
  g_autofree char *mac = get_key (kf, "MAC");

  if (mac != NULL)
    {
      self->mac = normalize_mac (mac);
      if (self->mac == NULL)
        {
          g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE,
                       "[Device] MAC: '%s' is not a MAC address", mac);
          return FALSE;
        }
    }
  else
    {
      g_autofree char *interface = get_key (kf, "Interface");
      self->mac = read_interface_mac (interface);
      if (interface != NULL && self->mac == NULL)
        g_warning ("cannot read the MAC address of interface %s", interface);
    }
  self->vendor = get_key (kf, "Vendor");
  self->product_name = get_key (kf, "ProductName");
  self->series_number = get_key (kf, "SeriesNumber");
  self->serial_number = get_key (kf, "SerialNumber");
  self->software_version = get_key (kf, "SoftwareVersion");
  self->hardware_version = get_key (kf, "HardwareVersion");
  self->client_certificate = get_key (kf, "ClientCertificate");
  self->client_key = get_key (kf, "ClientKey");
  self->ca_file = get_key (kf, "CAFile");
  self->ip = get_key (kf, "IP");
  self->external_ip = get_key (kf, "ExternalIP");
  return TRUE;
}

ProvDevice *
prov_device_new (void)
{
  return g_object_new (PROV_TYPE_DEVICE, NULL);
}

ProvDevice *
prov_device_new_from_file (const char *path, GError **error)
{
  g_autoptr(ProvDevice) self = prov_device_new ();

  if (!g_key_file_load_from_file (self->keyfile, path, G_KEY_FILE_NONE, error))
    {
      g_prefix_error (error, "device file %s: ", path);
      prov_error_convert (error);
      return NULL;
    }
  if (!load_keyfile (self, error))
    {
      g_prefix_error (error, "device file %s: ", path);
      return NULL;
    }
  return g_steal_pointer (&self);
}

ProvDevice *
prov_device_new_from_data (const char *data, GError **error)
{
  g_autoptr(ProvDevice) self = prov_device_new ();

  if (!g_key_file_load_from_data (self->keyfile, data, -1, G_KEY_FILE_NONE, error))
    {
      prov_error_convert (error);
      return NULL;
    }
  if (!load_keyfile (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
prov_device_get_mac (ProvDevice *self)
{
  g_return_val_if_fail (PROV_IS_DEVICE (self), NULL);
  return self->mac;
}

const char *
prov_device_get_vendor (ProvDevice *self)
{
  g_return_val_if_fail (PROV_IS_DEVICE (self), NULL);
  return self->vendor;
}

const char *
prov_device_get_product_name (ProvDevice *self)
{
  g_return_val_if_fail (PROV_IS_DEVICE (self), NULL);
  return self->product_name;
}

const char *
prov_device_get_series_number (ProvDevice *self)
{
  g_return_val_if_fail (PROV_IS_DEVICE (self), NULL);
  return self->series_number;
}

const char *
prov_device_get_serial_number (ProvDevice *self)
{
  g_return_val_if_fail (PROV_IS_DEVICE (self), NULL);
  return self->serial_number;
}

const char *
prov_device_get_software_version (ProvDevice *self)
{
  g_return_val_if_fail (PROV_IS_DEVICE (self), NULL);
  return self->software_version;
}

void
prov_device_set_software_version (ProvDevice *self, const char *version)
{
  g_return_if_fail (PROV_IS_DEVICE (self));
  g_free (self->software_version);
  self->software_version = g_strdup (version);
}

const char *
prov_device_get_hardware_version (ProvDevice *self)
{
  g_return_val_if_fail (PROV_IS_DEVICE (self), NULL);
  return self->hardware_version;
}

const char *
prov_device_get_client_certificate (ProvDevice *self)
{
  g_return_val_if_fail (PROV_IS_DEVICE (self), NULL);
  return self->client_certificate;
}

const char *
prov_device_get_client_key (ProvDevice *self)
{
  g_return_val_if_fail (PROV_IS_DEVICE (self), NULL);
  return self->client_key;
}

const char *
prov_device_get_ca_file (ProvDevice *self)
{
  g_return_val_if_fail (PROV_IS_DEVICE (self), NULL);
  return self->ca_file;
}

const char *
prov_device_get_ip (ProvDevice *self)
{
  g_return_val_if_fail (PROV_IS_DEVICE (self), NULL);
  return self->ip;
}

GKeyFile *
prov_device_get_keyfile (ProvDevice *self)
{
  g_return_val_if_fail (PROV_IS_DEVICE (self), NULL);
  return self->keyfile;
}

static void
add_var (GHashTable *vars, const char *name, const char *value)
{
  g_hash_table_replace (vars, g_strdup (name), g_strdup (value != NULL ? value : ""));
}

void
prov_device_add_variables (ProvDevice *self, GHashTable *vars)
{
  g_return_if_fail (PROV_IS_DEVICE (self));

  if (self->mac != NULL)
    {
      g_autofree char *upper = g_ascii_strup (self->mac, -1);
      GString *colons = g_string_new (NULL);

      for (guint i = 0; i < 12; i += 2)
        g_string_append_printf (colons, "%s%.2s", i > 0 ? ":" : "", self->mac + i);
      add_var (vars, "MA", self->mac);
      add_var (vars, "MAU", upper);
      add_var (vars, "MAC", colons->str);
      g_string_free (colons, TRUE);
    }
  else
    {
      add_var (vars, "MA", "");
      add_var (vars, "MAU", "");
      add_var (vars, "MAC", "");
    }
  add_var (vars, "VENDOR", self->vendor);
  add_var (vars, "PN", self->product_name);
  add_var (vars, "PSN", self->series_number);
  add_var (vars, "SN", self->serial_number);
  add_var (vars, "SWVER", self->software_version);
  add_var (vars, "HWVER", self->hardware_version);
  add_var (vars, "CCERT", self->client_certificate != NULL ? "Installed" : "Not Installed");
  add_var (vars, "IP", self->ip);
  add_var (vars, "EXTIP", self->external_ip);
}

char *
prov_device_expand_rule (ProvDevice *self, const char *rule)
{
  g_autoptr(GHashTable) vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_return_val_if_fail (PROV_IS_DEVICE (self), NULL);
  g_return_val_if_fail (rule != NULL, NULL);

  prov_device_add_variables (self, vars);
  return prov_macro_expand (rule, vars, NULL);
}
