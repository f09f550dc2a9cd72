/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-tftp-packet.h"
#include "prov-tftp-settings.h"

#define GROUP "tftp"

/* A bad value falls back to the default: a typo in the device file must
 * not stop provisioning. */
static guint
get_uint (ProvFetch *fetch, const char *key, guint min, guint max, guint fallback)
{
  g_autofree char *text = prov_fetch_get_setting (fetch, GROUP, key);
  guint64 value;

  if (text == NULL)
    return fallback;
  if (!g_ascii_string_to_unsigned (g_strstrip (text), 10, min, max, &value, NULL))
    {
      g_message ("transfer %u: [tftp] %s=%s is not in %u..%u, using %u",
                 prov_fetch_get_id (fetch), key, text, min, max, fallback);
      return fallback;
    }
  return value;
}

static gboolean
get_bool (ProvFetch *fetch, const char *key, gboolean fallback)
{
  g_autofree char *text = prov_fetch_get_setting (fetch, GROUP, key);

  if (text == NULL)
    return fallback;
  g_strstrip (text);
  if (g_ascii_strcasecmp (text, "true") == 0 || g_ascii_strcasecmp (text, "yes") == 0
      || g_strcmp0 (text, "1") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (text, "false") == 0 || g_ascii_strcasecmp (text, "no") == 0
      || g_strcmp0 (text, "0") == 0)
    return FALSE;
  g_message ("transfer %u: [tftp] %s=%s is not a boolean", prov_fetch_get_id (fetch), key, text);
  return fallback;
}

static double
get_seconds (ProvFetch *fetch, const char *key, double fallback)
{
  g_autofree char *text = prov_fetch_get_setting (fetch, GROUP, key);
  char *end = NULL;
  double value;

  if (text == NULL)
    return fallback;
  value = g_ascii_strtod (g_strstrip (text), &end);
  if (end == text || *end != '\0' || !(value >= 0.01 && value <= 255))
    {
      g_message ("transfer %u: [tftp] %s=%s is not in 0.01..255 seconds",
                 prov_fetch_get_id (fetch), key, text);
      return fallback;
    }
  return value;
}

void
prov_tftp_settings_load (ProvTftpSettings *settings, ProvFetch *fetch)
{
  settings->options = get_bool (fetch, "Options", TRUE);
  settings->blksize = get_uint (fetch, "BlockSize", PROV_TFTP_BLKSIZE_MIN, PROV_TFTP_BLKSIZE_MAX,
                                PROV_TFTP_DEFAULT_BLKSIZE);
  settings->windowsize = get_uint (fetch, "WindowSize", 1, PROV_TFTP_WINDOW_MAX,
                                   PROV_TFTP_DEFAULT_WINDOWSIZE);
  settings->timeout = get_seconds (fetch, "Timeout", PROV_TFTP_DEFAULT_TIMEOUT);
  settings->retries = get_uint (fetch, "Retries", 0, 100, PROV_TFTP_DEFAULT_RETRIES);
  settings->tsize = get_bool (fetch, "TSize", TRUE);
}
