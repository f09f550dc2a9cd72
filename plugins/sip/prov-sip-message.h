/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Bigger datagrams are dropped unread: a NOTIFY that asks for a resync is
 * a few hundred bytes. */
#define PROV_SIP_MAX_MESSAGE 8192

/**
 * ProvSipMessage:
 *
 * One SIP request as received over UDP (RFC 3261 §7). Header names are
 * stored in their long form ("o" becomes "Event") and compared without
 * case; folded lines are joined with one space. Only what the plugin needs
 * is kept: the request line, the headers in order and the body.
 */
typedef struct _ProvSipMessage ProvSipMessage;

/**
 * prov_sip_message_parse:
 *
 * Returns: (nullable): the request, or NULL for anything that cannot be
 *   answered at all (a response, a keep-alive, binary garbage). A request
 *   that parses but breaks a rule has prov_sip_message_get_problem() set;
 *   it gets a 400 when it can be addressed.
 */
ProvSipMessage *prov_sip_message_parse          (const char     *data,
                                                 gsize           len);
void            prov_sip_message_free           (ProvSipMessage *self);

const char     *prov_sip_message_get_method     (ProvSipMessage *self);
const char     *prov_sip_message_get_uri        (ProvSipMessage *self);
/* The body (Content-Length bytes; may contain NULs), "" when none. */
const char     *prov_sip_message_get_body       (ProvSipMessage *self,
                                                 gsize          *len);
/* Why the request is malformed, or NULL. Never contains header values. */
const char     *prov_sip_message_get_problem    (ProvSipMessage *self);

/* The first header called @name (either form, any case), or NULL. */
const char     *prov_sip_message_get_header     (ProvSipMessage *self,
                                                 const char     *name);
guint           prov_sip_message_count_headers  (ProvSipMessage *self,
                                                 const char     *name);
/* Via, From, To, Call-ID and CSeq are present: a response can be built. */
gboolean        prov_sip_message_is_addressable (ProvSipMessage *self);

/* The token of a header before its parameters, e.g. "check-sync" for
 * "check-sync;reboot=false" (lower case), or NULL when absent or not a
 * token. */
char           *prov_sip_message_get_token      (ProvSipMessage *self,
                                                 const char     *name);
/* The value of parameter @param (";name=value") of header @name. */
char           *prov_sip_message_get_param      (ProvSipMessage *self,
                                                 const char     *name,
                                                 const char     *param);

/**
 * prov_sip_message_build_response:
 * @to_tag: added to To when it has no tag yet
 * @extra: (nullable): further header lines, each ending in CRLF
 *
 * A response to @self without a body: the Via headers, From, To, Call-ID
 * and CSeq copied as RFC 3261 §8.2.6.2 asks.
 */
char           *prov_sip_message_build_response (ProvSipMessage *self,
                                                 guint           code,
                                                 const char     *reason,
                                                 const char     *to_tag,
                                                 const char     *extra);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvSipMessage, prov_sip_message_free)

G_END_DECLS
