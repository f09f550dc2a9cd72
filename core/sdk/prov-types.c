/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "prov-types.h"

const char *
prov_access_to_string (ProvAccess access)
{
  switch (access)
    {
    case PROV_ACCESS_RO:
      return "ro";
    case PROV_ACCESS_RW:
      return "rw";
    case PROV_ACCESS_NA:
    default:
      return "na";
    }
}

gboolean
prov_access_from_string (const char *str, ProvAccess *access)
{
  if (g_strcmp0 (str, "na") == 0)
    *access = PROV_ACCESS_NA;
  else if (g_strcmp0 (str, "ro") == 0)
    *access = PROV_ACCESS_RO;
  else if (g_strcmp0 (str, "rw") == 0)
    *access = PROV_ACCESS_RW;
  else
    return FALSE;
  return TRUE;
}

const char *
prov_cause_to_string (ProvCause cause)
{
  switch (cause)
    {
    case PROV_CAUSE_EXPLICIT:
      return "request";
    case PROV_CAUSE_BOOT:
      return "boot";
    case PROV_CAUSE_PERIODIC:
      return "periodic";
    case PROV_CAUSE_RETRY:
      return "retry";
    default:
      return "unknown";
    }
}

gboolean
prov_parse_bool (const char *str, gboolean *value)
{
  static const char *const yes[] = { "Yes", "yes", "YES", "true", "True", "TRUE", "1",
                                     "Enable", "enable", "Enabled", "enabled", "on", "On", NULL };
  static const char *const no[] = { "No", "no", "NO", "false", "False", "FALSE", "0",
                                    "Disable", "disable", "Disabled", "disabled", "off", "Off", NULL };

  if (str == NULL)
    return FALSE;
  if (g_strv_contains (yes, str))
    *value = TRUE;
  else if (g_strv_contains (no, str))
    *value = FALSE;
  else
    return FALSE;
  return TRUE;
}
