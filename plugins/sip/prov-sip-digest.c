/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "prov-sip-digest.h"

void
prov_sip_digest_free (ProvSipDigest *self)
{
  if (self == NULL)
    return;
  g_free (self->username);
  g_free (self->realm);
  g_free (self->nonce);
  g_free (self->uri);
  g_free (self->response);
  g_free (self->qop);
  g_free (self->nc);
  g_free (self->cnonce);
  g_free (self);
}

static gboolean
is_lws (char c)
{
  return c == ' ' || c == '\t';
}

static const char *
skip_lws (const char *p)
{
  while (is_lws (*p))
    p++;
  return p;
}

/* One auth-param: token "=" ( token / quoted-string ). Advances *p past it. */
static gboolean
parse_param (const char **p, char **name, char **value)
{
  const char *s = *p;
  const char *start = s;
  GString *v;

  while (g_ascii_isalnum (*s) || *s == '-' || *s == '_')
    s++;
  if (s == start)
    return FALSE;
  *name = g_ascii_strdown (start, s - start);
  s = skip_lws (s);
  if (*s++ != '=')
    return FALSE;
  s = skip_lws (s);
  v = g_string_new (NULL);
  if (*s == '"')
    {
      for (s++; *s != '"'; s++)
        {
          if (*s == '\\' && s[1] != '\0')
            s++;
          if (*s == '\0')
            {
              g_string_free (v, TRUE);
              return FALSE;
            }
          g_string_append_c (v, *s);
        }
      s++;
    }
  else
    {
      while (*s != '\0' && *s != ',' && !is_lws (*s) && *s != '"')
        g_string_append_c (v, *s++);
    }
  *value = g_string_free (v, FALSE);
  *p = s;
  return TRUE;
}

static gboolean
is_hex (const char *s, gsize len)
{
  if (s == NULL || strlen (s) != len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* Fields of interest; the rest (opaque, unknown extensions) are ignored. */
static char **
field_for (ProvSipDigest *self, const char *name)
{
  const struct
  {
    const char *name;
    gsize       offset;
  } fields[] = {
    { "username", G_STRUCT_OFFSET (ProvSipDigest, username) },
    { "realm", G_STRUCT_OFFSET (ProvSipDigest, realm) },
    { "nonce", G_STRUCT_OFFSET (ProvSipDigest, nonce) },
    { "uri", G_STRUCT_OFFSET (ProvSipDigest, uri) },
    { "response", G_STRUCT_OFFSET (ProvSipDigest, response) },
    { "qop", G_STRUCT_OFFSET (ProvSipDigest, qop) },
    { "nc", G_STRUCT_OFFSET (ProvSipDigest, nc) },
    { "cnonce", G_STRUCT_OFFSET (ProvSipDigest, cnonce) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (strcmp (fields[i].name, name) == 0)
      return G_STRUCT_MEMBER_P (self, fields[i].offset);
  return NULL;
}

static gboolean
is_complete (ProvSipDigest *self, const char *algorithm)
{
  if (self->username == NULL || self->realm == NULL || self->nonce == NULL || self->uri == NULL
      || !is_hex (self->response, 32) || self->nonce[0] == '\0')
    return FALSE;
  if (algorithm != NULL && g_ascii_strcasecmp (algorithm, "MD5") != 0)
    return FALSE;
  if (self->qop == NULL)
    return TRUE;
  /* auth-int would need the body's hash; the challenge never offers it. */
  return g_ascii_strcasecmp (self->qop, "auth") == 0 && is_hex (self->nc, 8)
         && self->cnonce != NULL && self->cnonce[0] != '\0';
}

ProvSipDigest *
prov_sip_digest_parse (const char *header)
{
  g_autoptr(ProvSipDigest) self = NULL;
  g_autofree char *algorithm = NULL;
  const char *p;

  if (header == NULL || g_ascii_strncasecmp (header, "Digest", 6) != 0 || !is_lws (header[6]))
    return NULL;
  self = g_new0 (ProvSipDigest, 1);
  p = header + 6;
  for (;;)
    {
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;
      char **field;

      while (is_lws (*p) || *p == ',')
        p++;
      if (*p == '\0')
        break;
      if (!parse_param (&p, &name, &value))
        return NULL;
      p = skip_lws (p);
      if (*p != ',' && *p != '\0')
        return NULL;
      field = strcmp (name, "algorithm") == 0 ? &algorithm : field_for (self, name);
      if (field == NULL)
        continue;
      if (*field != NULL)
        return NULL; /* a repeated parameter is ambiguous */
      *field = g_steal_pointer (&value);
    }
  if (!is_complete (self, algorithm))
    return NULL;
  if (self->qop != NULL)
    {
      g_free (self->qop);
      self->qop = g_strdup ("auth");
    }
  g_autofree char *response = self->response;
  self->response = g_ascii_strdown (response, -1);
  return g_steal_pointer (&self);
}

static char *
md5_join (const char *first, ...)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_MD5);
  const char *part = first;
  va_list ap;

  va_start (ap, first);
  for (gboolean sep = FALSE; part != NULL; part = va_arg (ap, const char *), sep = TRUE)
    {
      if (sep)
        g_checksum_update (sum, (const guchar *) ":", 1);
      g_checksum_update (sum, (const guchar *) part, strlen (part));
    }
  va_end (ap);
  return g_strdup (g_checksum_get_string (sum));
}

char *
prov_sip_digest_compute (const char *username, const char *realm, const char *password,
                         const char *method, const char *uri, const char *nonce, const char *qop,
                         const char *nc, const char *cnonce)
{
  g_autofree char *ha1 = md5_join (username, realm, password, NULL);
  g_autofree char *ha2 = md5_join (method, uri, NULL);
  char *response;

  if (qop != NULL)
    response = md5_join (ha1, nonce, nc, cnonce, qop, ha2, NULL);
  else
    response = md5_join (ha1, nonce, ha2, NULL);
  /* HA1 opens every nonce of the realm: do not leave it in freed memory. */
  explicit_bzero (ha1, strlen (ha1));
  return response;
}

gboolean
prov_sip_equal_constant_time (const char *a, const char *b)
{
  gsize len = strlen (a);
  guchar diff = 0;

  if (len != strlen (b))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    diff |= (guchar) a[i] ^ (guchar) b[i];
  return diff == 0;
}

gboolean
prov_sip_digest_verify (const ProvSipDigest *self, const char *method, const char *password)
{
  g_autofree char *expected = NULL;
  gboolean ok;

  expected = prov_sip_digest_compute (self->username, self->realm, password, method, self->uri,
                                      self->nonce, self->qop, self->nc, self->cnonce);
  ok = prov_sip_equal_constant_time (expected, self->response);
  /* The expected response is as good as a password for this nonce. */
  explicit_bzero (expected, strlen (expected));
  return ok;
}
