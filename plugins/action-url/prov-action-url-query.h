/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * ProvActionUrlQuery:
 * @user: the `xuser` value, or NULL when absent
 * @password: the `xpassword` value, or NULL when absent; wiped when freed
 * @argument: the rest of the query, percent-decoded once ("" when none)
 *
 * The query of a direct action URL. Credentials are only the leading
 * `xuser=…&` and `xpassword=…&` pairs (either order, each at most once),
 * so that the argument after them (a rule with its own `?` and `&`) is
 * never split. `+` is a plain `+`, as in a rule.
 */
typedef struct
{
  char *user;
  char *password;
  char *argument;
} ProvActionUrlQuery;

ProvActionUrlQuery *prov_action_url_query_parse (const char          *raw,
                                                 GError             **error);
void                prov_action_url_query_free  (ProvActionUrlQuery  *query);
gboolean            prov_action_url_query_has_credentials (const ProvActionUrlQuery *query);

/* No control characters (so nothing can split a log line or a header). */
gboolean            prov_action_url_is_printable (const char *text);

/* Constant time in the contents of both strings (and their lengths). */
gboolean            prov_action_url_secret_equal (const char *a,
                                                  const char *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvActionUrlQuery, prov_action_url_query_free)

G_END_DECLS
