/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "prov-dhcp.h"
#include "prov-parse-steps.h"
#include "prov-rule.h"

/* A URL or host the engine will accept as its default server: asking the
 * rule code itself keeps the two from disagreeing. */
static char *
parse_server (const char *value)
{
  g_autofree char *server = g_strstrip (g_strdup (value));
  g_autofree char *probe = NULL;
  g_autoptr(GError) error = NULL;

  if (server[0] == '\0' || strpbrk (server, " \t\r\n") != NULL)
    return NULL;
  probe = prov_url_complete ("/probe", server, &error);
  if (probe == NULL)
    return NULL;
  return g_steal_pointer (&server);
}

/* Option 150: every item must be a dotted IPv4 address; the first is used. */
static char *
parse_ipv4_list (const char *value)
{
  g_auto(GStrv) items = g_strsplit (value, ",", -1);

  if (items[0] == NULL)
    return NULL;
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_autoptr(GInetAddress) address = NULL;

      g_strstrip (items[i]);
      address = g_inet_address_new_from_string (items[i]);
      if (address == NULL || g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4)
        return NULL;
    }
  return g_strdup (items[0]);
}

static char *
server_from_option (guint code, const char *value)
{
  prov_parse_steps_add (strlen (value));
  return code == 150 ? parse_ipv4_list (value) : parse_server (value);
}

/* 60, 43 and 125 carry vendor data, not a server. */
static gboolean
names_server (guint code)
{
  return code == 66 || code == 150 || code == 159 || code == 160;
}

/* The value of @code in @options, or NULL. */
static const char *
lookup (GVariant *options, guint code)
{
  GVariantIter iter;
  guint32 key;
  const char *value;

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{u&s}", &key, &value))
    {
      prov_parse_steps_add (1);
      if (key == code)
        return value;
    }
  return NULL;
}

char *
prov_dhcp_choose_server (GVariant *options, const char *order)
{
  g_auto(GStrv) codes = NULL;
  /* A code repeated in the order (a long DHCP_Option_To_Use) is tried
   * once: the work stays linear in the order and the options. */
  gboolean tried[255] = { FALSE };

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (g_variant_is_of_type (options, G_VARIANT_TYPE ("a{us}")), NULL);

  codes = g_strsplit_set (order != NULL ? order : "", ", \t", -1);
  for (guint i = 0; codes[i] != NULL; i++)
    {
      guint64 code = 0;
      const char *value;
      char *server;

      if (!g_ascii_string_to_unsigned (codes[i], 10, 1, 254, &code, NULL) || tried[code])
        continue;
      tried[code] = TRUE;
      value = lookup (options, (guint) code);
      if (value == NULL || !names_server ((guint) code))
        continue;
      server = server_from_option ((guint) code, value);
      if (server != NULL)
        return server;
      g_info ("DHCP option %u: no server in “%s”", (guint) code, value);
    }
  return NULL;
}
