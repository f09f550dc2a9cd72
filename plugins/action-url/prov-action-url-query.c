/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <provision.h>

#include "prov-action-url-query.h"

static void
wipe_free (char *secret)
{
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

void
prov_action_url_query_free (ProvActionUrlQuery *query)
{
  if (query == NULL)
    return;
  g_free (query->user);
  wipe_free (query->password);
  g_free (query->argument);
  g_free (query);
}

gboolean
prov_action_url_query_has_credentials (const ProvActionUrlQuery *query)
{
  return query->user != NULL || query->password != NULL;
}

gboolean
prov_action_url_is_printable (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;
  return TRUE;
}

/* Decodes one component; NULL for a bad escape, %00, a control character
 * or invalid UTF-8, none of which a rule or a password may hold. */
static char *
decode (const char *start, const char *end)
{
  g_autofree char *text = g_uri_unescape_segment (start, end, NULL);

  if (text == NULL || !prov_action_url_is_printable (text) || !g_utf8_validate (text, -1, NULL))
    return NULL;
  return g_steal_pointer (&text);
}

/* Takes one leading `name=value` pair when @p starts with `name=`. */
static gboolean
take_pair (const char **p, const char *name, char **value, gboolean *taken, GError **error)
{
  gsize n = strlen (name);
  const char *start;
  const char *end;

  *taken = FALSE;
  if (strncmp (*p, name, n) != 0 || (*p)[n] != '=')
    return TRUE;
  if (*value != NULL)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS, "%s given twice", name);
      return FALSE;
    }
  start = *p + n + 1;
  end = strchr (start, '&');
  if (end == NULL)
    end = start + strlen (start);
  *value = decode (start, end);
  if (*value == NULL)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS, "bad encoding of %s", name);
      return FALSE;
    }
  *p = *end == '&' ? end + 1 : end;
  *taken = TRUE;
  return TRUE;
}

ProvActionUrlQuery *
prov_action_url_query_parse (const char *raw, GError **error)
{
  g_autoptr(ProvActionUrlQuery) query = g_new0 (ProvActionUrlQuery, 1);
  const char *p = raw != NULL ? raw : "";
  gboolean taken = TRUE;

  while (taken)
    {
      gboolean user_taken;
      gboolean password_taken;

      if (!take_pair (&p, "xuser", &query->user, &user_taken, error)
          || !take_pair (&p, "xpassword", &query->password, &password_taken, error))
        return NULL;
      taken = user_taken || password_taken;
    }
  query->argument = decode (p, NULL);
  if (query->argument == NULL)
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS, "bad percent-encoding in query");
      return NULL;
    }
  return g_steal_pointer (&query);
}

gboolean
prov_action_url_secret_equal (const char *a, const char *b)
{
  g_autoptr(GChecksum) ca = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GChecksum) cb = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 da[32];
  guint8 db[32];
  gsize la = sizeof da;
  gsize lb = sizeof db;
  volatile guint8 diff = 0;

  /* Comparing digests hides the lengths and where the strings differ. */
  g_checksum_update (ca, (const guchar *) a, strlen (a));
  g_checksum_update (cb, (const guchar *) b, strlen (b));
  g_checksum_get_digest (ca, da, &la);
  g_checksum_get_digest (cb, db, &lb);
  for (gsize i = 0; i < sizeof da; i++)
    diff |= da[i] ^ db[i];
  return diff == 0;
}
