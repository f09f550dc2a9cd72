/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "prov-sip-message.h"

/* Enough for any real request; more is an attack or a loop. */
#define MAX_HEADERS 128

typedef struct
{
  char    *name;
  GString *value; /* grows with folded lines */
} Header;

struct _ProvSipMessage
{
  char      *method;
  char      *uri;
  GPtrArray *headers; /* Header* */
  char      *problem;
  char      *body;    /* Content-Length bytes (or the rest), NUL-terminated */
  gsize      body_len;
};

static const struct
{
  char        compact;
  const char *name;
} compact_forms[] = {
  /* RFC 3261 §7.3.3, RFC 6665 (o, u), RFC 3515 (r), RFC 3892 (b),
   * RFC 4028 (x), RFC 3841 (a, j, d), RFC 4474 (y, n). */
  { 'a', "Accept-Contact" }, { 'b', "Referred-By" }, { 'c', "Content-Type" },
  { 'd', "Request-Disposition" }, { 'e', "Content-Encoding" }, { 'f', "From" },
  { 'i', "Call-ID" }, { 'j', "Reject-Contact" }, { 'k', "Supported" },
  { 'l', "Content-Length" }, { 'm', "Contact" }, { 'n', "Identity-Info" },
  { 'o', "Event" }, { 'r', "Refer-To" }, { 's', "Subject" }, { 't', "To" },
  { 'u', "Allow-Events" }, { 'v', "Via" }, { 'x', "Session-Expires" },
  { 'y', "Identity" },
};

static void
header_free (gpointer data)
{
  Header *h = data;

  g_free (h->name);
  g_string_free (h->value, TRUE);
  g_free (h);
}

void
prov_sip_message_free (ProvSipMessage *self)
{
  if (self == NULL)
    return;
  g_free (self->method);
  g_free (self->uri);
  g_ptr_array_unref (self->headers);
  g_free (self->problem);
  g_free (self->body);
  g_free (self);
}

static const char *
long_name (const char *name)
{
  if (name[0] != '\0' && name[1] == '\0')
    for (guint i = 0; i < G_N_ELEMENTS (compact_forms); i++)
      if (g_ascii_tolower (name[0]) == compact_forms[i].compact)
        return compact_forms[i].name;
  return name;
}

static gboolean
is_token (const char *s, gsize len)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (s[i]) && strchr ("-.!%*_+`'~", s[i]) == NULL)
      return FALSE;
  return TRUE;
}

static void
set_problem (ProvSipMessage *self, const char *problem)
{
  if (self->problem == NULL)
    self->problem = g_strdup (problem);
}

/* Text only: a control byte in a header line (a CR too, once the line's
 * end is removed) means a binary datagram, and must never be echoed. */
static gboolean
is_text (const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    {
      guchar c = s[i];
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_request_line (ProvSipMessage *self, const char *line)
{
  g_auto(GStrv) parts = g_strsplit (line, " ", 4);

  if (g_str_has_prefix (line, "SIP/"))
    return FALSE; /* a response: never answered */
  if (parts[0] == NULL || !is_token (parts[0], strlen (parts[0])))
    return FALSE;
  self->method = g_strdup (parts[0]);
  if (parts[1] == NULL || parts[2] == NULL || parts[3] != NULL || parts[1][0] == '\0'
      || strchr (parts[1], ':') == NULL)
    set_problem (self, "bad request line");
  else if (g_ascii_strcasecmp (parts[2], "SIP/2.0") != 0)
    set_problem (self, "bad SIP version");
  else
    self->uri = g_strdup (parts[1]);
  return TRUE;
}

static void
add_header_line (ProvSipMessage *self, const char *line)
{
  const char *colon;
  const char *value;
  g_autofree char *name = NULL;
  gsize len;
  Header *h;

  if (line[0] == ' ' || line[0] == '\t')
    {
      /* A folded line continues the previous value (RFC 3261 §7.3.1). */
      if (self->headers->len == 0)
        {
          set_problem (self, "continuation without header");
          return;
        }
      h = g_ptr_array_index (self->headers, self->headers->len - 1);
      g_autofree char *more = g_strstrip (g_strdup (line));
      if (more[0] != '\0')
        g_string_append_printf (h->value, " %s", more);
      return;
    }
  colon = strchr (line, ':');
  if (colon == NULL)
    {
      set_problem (self, "bad header line");
      return;
    }
  name = g_strstrip (g_strndup (line, colon - line));
  if (!is_token (name, strlen (name)))
    {
      set_problem (self, "bad header name");
      return;
    }
  if (self->headers->len >= MAX_HEADERS)
    {
      set_problem (self, "too many headers");
      return;
    }
  value = colon + 1;
  while (*value == ' ' || *value == '\t')
    value++;
  len = strlen (value);
  while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t'))
    len--;
  h = g_new0 (Header, 1);
  h->name = g_strdup (long_name (name));
  h->value = g_string_new_len (value, len);
  g_ptr_array_add (self->headers, h);
}

/* Keeps the body: Content-Length bytes of what follows the header, or
 * all of it when there is no Content-Length. */
static void
check_body (ProvSipMessage *self, const char *body, gsize body_len, gboolean complete)
{
  const char *cl = prov_sip_message_get_header (self, "Content-Length");
  guint64 n = body_len;

  if (!complete)
    {
      set_problem (self, "truncated header");
      return;
    }
  /* Over UDP Content-Length is optional (RFC 3261 §18.3). */
  if (cl != NULL
      && (strlen (cl) > 9 || !g_ascii_string_to_unsigned (cl, 10, 0, G_MAXUINT32, &n, NULL)))
    {
      set_problem (self, "bad Content-Length");
      return;
    }
  if (n > body_len)
    {
      set_problem (self, "truncated body");
      return;
    }
  self->body = g_strndup (body, n);
  self->body_len = n;
}

static void
check_unique (ProvSipMessage *self)
{
  const char *single[] = { "From", "To", "Call-ID", "CSeq", "Content-Length", "Event" };

  for (guint i = 0; i < G_N_ELEMENTS (single); i++)
    if (prov_sip_message_count_headers (self, single[i]) > 1)
      set_problem (self, "repeated header");
}

/* The fields a response echoes must be sane too: CSeq names this request's
 * method and the top Via is a SIP/2.0 one. */
static void
check_cseq_via (ProvSipMessage *self)
{
  const char *cseq = prov_sip_message_get_header (self, "CSeq");
  const char *via = prov_sip_message_get_header (self, "Via");

  if (cseq != NULL)
    {
      const char *p = cseq;
      guint64 number = 0;

      while (g_ascii_isdigit (*p) && number <= G_MAXINT32)
        number = number * 10 + (*p++ - '0');
      gboolean has_number = p > cseq && number <= G_MAXINT32;
      gboolean has_space = *p == ' ' || *p == '\t';
      while (*p == ' ' || *p == '\t')
        p++;
      if (!has_number || !has_space || g_strcmp0 (p, self->method) != 0)
        set_problem (self, "bad CSeq");
    }
  if (via != NULL && g_ascii_strncasecmp (via, "SIP/2.0/", 8) != 0)
    set_problem (self, "bad Via");
}

ProvSipMessage *
prov_sip_message_parse (const char *data, gsize len)
{
  g_autoptr(ProvSipMessage) self = NULL;
  const char *p = data;
  const char *end = data + len;
  gboolean first = TRUE;
  gboolean complete = FALSE;

  if (data == NULL || len > PROV_SIP_MAX_MESSAGE)
    return NULL;
  /* Empty lines before the start line are ignored; alone they are a
   * keep-alive (RFC 5626 §3.5.1). */
  while (p < end && (*p == '\r' || *p == '\n'))
    p++;
  if (p == end)
    return NULL;

  self = g_new0 (ProvSipMessage, 1);
  self->headers = g_ptr_array_new_with_free_func (header_free);
  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      gsize n;
      g_autofree char *line = NULL;

      if (nl == NULL)
        break; /* a last line without its end: the datagram was cut */
      n = nl - p;
      if (n > 0 && p[n - 1] == '\r')
        n--;
      if (!is_text (p, n))
        return NULL;
      line = g_strndup (p, n);
      p = nl + 1;
      if (first)
        {
          if (!parse_request_line (self, line))
            return NULL;
          first = FALSE;
        }
      else if (n == 0)
        {
          complete = TRUE;
          break;
        }
      else
        add_header_line (self, line);
    }
  if (first)
    return NULL;
  check_body (self, p, end - p, complete);
  check_unique (self);
  check_cseq_via (self);
  return g_steal_pointer (&self);
}

const char *
prov_sip_message_get_method (ProvSipMessage *self)
{
  return self->method;
}

const char *
prov_sip_message_get_body (ProvSipMessage *self, gsize *len)
{
  if (len != NULL)
    *len = self->body != NULL ? self->body_len : 0;
  return self->body != NULL ? self->body : "";
}

const char *
prov_sip_message_get_uri (ProvSipMessage *self)
{
  return self->uri;
}

const char *
prov_sip_message_get_problem (ProvSipMessage *self)
{
  return self->problem;
}

const char *
prov_sip_message_get_header (ProvSipMessage *self, const char *name)
{
  name = long_name (name);
  for (guint i = 0; i < self->headers->len; i++)
    {
      Header *h = g_ptr_array_index (self->headers, i);
      if (g_ascii_strcasecmp (h->name, name) == 0)
        return h->value->str;
    }
  return NULL;
}

guint
prov_sip_message_count_headers (ProvSipMessage *self, const char *name)
{
  guint count = 0;

  name = long_name (name);
  for (guint i = 0; i < self->headers->len; i++)
    {
      Header *h = g_ptr_array_index (self->headers, i);
      if (g_ascii_strcasecmp (h->name, name) == 0)
        count++;
    }
  return count;
}

gboolean
prov_sip_message_is_addressable (ProvSipMessage *self)
{
  const char *required[] = { "Via", "From", "To", "Call-ID", "CSeq" };

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      const char *value = prov_sip_message_get_header (self, required[i]);
      if (value == NULL || value[0] == '\0')
        return FALSE;
    }
  return TRUE;
}

/* Where the parameters of a header value start: after the name-addr's
 * closing '>' when there is one, else at the first ';' (quoted strings
 * skipped, since a display name may hold either character). */
static const char *
find_params (const char *value)
{
  gboolean quoted = FALSE;
  const char *p;

  for (p = value; *p != '\0'; p++)
    {
      if (quoted && *p == '\\' && p[1] != '\0')
        p++;
      else if (*p == '"')
        quoted = !quoted;
      else if (!quoted && *p == '<')
        {
          const char *close = strchr (p, '>');
          return close != NULL ? strchr (close, ';') : NULL;
        }
      else if (!quoted && *p == ';')
        return p;
    }
  return NULL;
}

char *
prov_sip_message_get_token (ProvSipMessage *self, const char *name)
{
  const char *value = prov_sip_message_get_header (self, name);
  g_autofree char *token = NULL;

  if (value == NULL)
    return NULL;
  token = g_strndup (value, strcspn (value, ";"));
  g_strstrip (token);
  if (!is_token (token, strlen (token)))
    return NULL;
  return g_ascii_strdown (token, -1);
}

char *
prov_sip_message_get_param (ProvSipMessage *self, const char *name, const char *param)
{
  const char *value = prov_sip_message_get_header (self, name);
  const char *params;
  g_auto(GStrv) parts = NULL;

  if (value == NULL || (params = find_params (value)) == NULL)
    return NULL;
  parts = g_strsplit (params + 1, ";", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *eq = strchr (parts[i], '=');
      g_autofree char *key = g_strstrip (g_strndup (parts[i], eq != NULL ? (gsize) (eq - parts[i])
                                                                         : strlen (parts[i])));
      if (g_ascii_strcasecmp (key, param) == 0)
        return g_strstrip (g_strdup (eq != NULL ? eq + 1 : ""));
    }
  return NULL;
}

char *
prov_sip_message_build_response (ProvSipMessage *self, guint code, const char *reason,
                                 const char *to_tag, const char *extra)
{
  GString *out = g_string_new (NULL);
  g_autofree char *tag = prov_sip_message_get_param (self, "To", "tag");

  g_string_append_printf (out, "SIP/2.0 %03u %s\r\n", code, reason);
  for (guint i = 0; i < self->headers->len; i++)
    {
      Header *h = g_ptr_array_index (self->headers, i);
      if (g_ascii_strcasecmp (h->name, "Via") == 0)
        g_string_append_printf (out, "Via: %s\r\n", h->value->str);
    }
  g_string_append_printf (out, "From: %s\r\n", prov_sip_message_get_header (self, "From"));
  g_string_append_printf (out, "To: %s", prov_sip_message_get_header (self, "To"));
  if (tag == NULL && to_tag != NULL)
    g_string_append_printf (out, ";tag=%s", to_tag);
  g_string_append_printf (out, "\r\nCall-ID: %s\r\n",
                          prov_sip_message_get_header (self, "Call-ID"));
  g_string_append_printf (out, "CSeq: %s\r\n", prov_sip_message_get_header (self, "CSeq"));
  if (extra != NULL)
    g_string_append (out, extra);
  g_string_append (out, "Content-Length: 0\r\n\r\n");
  return g_string_free (out, FALSE);
}
