/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include <provision.h>

#include "prov-execute.h"

G_BEGIN_DECLS

/**
 * prov_action_url_execute_parse:
 * @body: the POST body: the XML object itself, or the form `XML=<encoded>`
 *
 * The body unwrapped, then read by prov_execute_parse() (whose rules and
 * errors apply).
 *
 * Returns: (element-type ProvExecuteItem): the items, in order
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
