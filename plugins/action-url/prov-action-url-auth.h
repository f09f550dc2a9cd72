/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

#include <provision.h>

#include "prov-action-url-query.h"

G_BEGIN_DECLS

#define PROV_ACTION_URL_REALM "provisiond"
#define PROV_ACTION_URL_USER "admin"
/* The one path that also takes HTTP Basic, as Cisco's CGI tools send it. */
#define PROV_ACTION_URL_EXECUTE "/CGI/Execute"
/* A Digest nonce is good for this long, then the client is told stale=true. */
#define PROV_ACTION_URL_NONCE_LIFETIME_US (300 * G_USEC_PER_SEC)
#define PROV_ACTION_URL_NONCE_KEY_SIZE 32

typedef enum
{
  PROV_ACTION_URL_AUTH_OK,
  PROV_ACTION_URL_AUTH_DENIED,      /* 401 */
  PROV_ACTION_URL_AUTH_NO_PASSWORD, /* 403: Admin_Passwd is empty */
} ProvActionUrlVerdict;

#define PROV_TYPE_ACTION_URL_AUTH (prov_action_url_auth_get_type ())
G_DECLARE_FINAL_TYPE (ProvActionUrlAuth, prov_action_url_auth, PROV, ACTION_URL_AUTH, GObject)

/**
 * ProvActionUrlAuth:
 *
 * Who may use the endpoint: user `admin` with the store's Admin_Passwd,
 * read at each request, by HTTP Digest (a SoupAuthDomainDigest whose nonces
 * we issue, sign and expire, with replayed nonce counts refused), by the
 * `xuser`/`xpassword` query pairs of Cisco's direct action URLs, or on
 * /CGI/Execute by HTTP Basic.
 */
ProvActionUrlAuth   *prov_action_url_auth_new        (ProvStore          *store,
                                                      GError            **error);
SoupAuthDomain      *prov_action_url_auth_get_domain (ProvActionUrlAuth  *self);
ProvActionUrlVerdict prov_action_url_auth_check      (ProvActionUrlAuth  *self,
                                                      SoupServerMessage  *msg,
                                                      const ProvActionUrlQuery *query);
/* Sets our Digest challenge (replacing libsoup's) on a 401 response. */
void                 prov_action_url_auth_challenge  (ProvActionUrlAuth  *self,
                                                      SoupServerMessage  *msg);

/* Nonces: issue time and serial, signed with @key (HMAC-SHA256). */
char                *prov_action_url_nonce_make      (const guint8       *key,
                                                      gint64              now_us,
                                                      guint32             serial);
/* FALSE for a forged or malformed nonce, or (with @stale set) an old one. */
gboolean             prov_action_url_nonce_check     (const guint8       *key,
                                                      const char         *nonce,
                                                      gint64              now_us,
                                                      gboolean           *stale);

G_END_DECLS
