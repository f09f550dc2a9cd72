/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * PROV_EXECUTE_MAX_ITEMS:
 * The most ExecuteItems one object may hold, as on Cisco phones.
 *
 * Since: 1.0
 */
#define PROV_EXECUTE_MAX_ITEMS 3

/**
 * ProvExecuteItem:
 * @url: the item's URL attribute
 * @rule: (nullable): the rule of `Resync:rule`, or %NULL for the configured
 *   rules
 *
 * One `<ExecuteItem URL="Resync:rule"/>`: prov_execute_parse().
 *
 * Since: 1.0
 */
typedef struct
{
  char *url;
  char *rule;
} ProvExecuteItem;

/**
 * prov_execute_parse:
 * @xml: the text of a Cisco XML Execute object, UTF-8
 * @len: its length in bytes
 * @error: return location for a #PROV_ERROR
 *
 * The Execute object as the direct action URL `/CGI/Execute` and a SIP
 * NOTIFY with `Event: XML-Service` carry it: a root named
 * CiscoIPPhoneExecute or CP-<model>-3PCCExecute with 1…3 ExecuteItem
 * children whose URL is `Resync` or `Resync:<rule>`, each rule a valid
 * Profile_Rule. Refuses DTDs (and so entities), a NUL, text that is not
 * UTF-8 and any other URL, with PROV_ERROR_INVALID_ARGS and a reason that
 * never quotes a rule (it may hold a key). Never reads the network.
 *
 * Returns: (transfer full) (element-type ProvExecuteItem): the items, in order
 *
 * Since: 1.0
 */
GPtrArray *prov_execute_parse (const char  *xml,
                               gsize        len,
                               GError     **error);

G_END_DECLS
