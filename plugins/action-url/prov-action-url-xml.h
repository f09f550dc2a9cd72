/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include <provision.h>

G_BEGIN_DECLS

/* The most ExecuteItems one object may hold, as on Cisco phones. */
#define PROV_ACTION_URL_MAX_ITEMS 3

/* One `<ExecuteItem URL="Resync:rule"/>`; @rule NULL = the configured rules. */
typedef struct
{
  char *url;
  char *rule;
} ProvActionUrlItem;

/**
 * prov_action_url_execute_parse:
 * @body: the POST body: the XML object itself, or the form `XML=<encoded>`
 *
 * Accepts a root named CiscoIPPhoneExecute or CP-<model>-3PCCExecute with
 * 1…3 ExecuteItem children whose URL is `Resync` or `Resync:<rule>`.
 * Refuses DTDs (and so entities), other encodings than UTF-8 and any other
 * URL, with PROV_ERROR_INVALID_ARGS. Never reads the network.
 *
 * Returns: (element-type ProvActionUrlItem): the items, in order
 */
GPtrArray *prov_action_url_execute_parse    (const char   *body,
                                             gsize         len,
                                             GError      **error);
/* `<CiscoIPPhoneResponse>` with one successful ResponseItem per item. */
GBytes    *prov_action_url_execute_response (GPtrArray    *items);
/* `<CiscoIPPhoneError Number="1">reason</CiscoIPPhoneError>` */
GBytes    *prov_action_url_execute_error    (const char   *reason);

/* The last resyncs and upgrades as XML; URLs pass prov_action_url_mask_url(). */
GBytes    *prov_action_url_status_document  (ProvStatus   *status);
/* Hides a userinfo password and --key/--uid/--pwd arguments. */
char      *prov_action_url_mask_url         (const char   *url);

G_END_DECLS
