/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "prov-error.h"
#include "prov-execute.h"
#include "prov-rule.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlParserCtxt, xmlFreeParserCtxt)

static void
item_free (gpointer data)
{
  ProvExecuteItem *item = data;

  g_free (item->url);
  g_free (item->rule);
  g_free (item);
}

static gboolean
fail (GError **error, const char *reason)
{
  g_set_error_literal (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS, reason);
  return FALSE;
}

static gboolean
is_execute_root (const char *name)
{
  const char *prefix = "CP-";
  const char *suffix = "-3PCCExecute";

  if (strcmp (name, "CiscoIPPhoneExecute") == 0)
    return TRUE;
  return strlen (name) > strlen (prefix) + strlen (suffix) && g_str_has_prefix (name, prefix)
         && g_str_has_suffix (name, suffix);
}

static gboolean
is_printable (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;
  return TRUE;
}

static ProvExecuteItem *
parse_item (xmlNode *node, GError **error)
{
  g_autofree char *url = NULL;
  g_autoptr(ProvRule) parsed = NULL;
  ProvExecuteItem *item;
  xmlChar *value;

  if (strcmp ((const char *) node->name, "ExecuteItem") != 0)
    {
      fail (error, "unexpected element in the Execute object");
      return NULL;
    }
  value = xmlGetProp (node, (const xmlChar *) "URL");
  if (value == NULL)
    {
      fail (error, "ExecuteItem without URL");
      return NULL;
    }
  url = g_strdup ((const char *) value);
  xmlFree (value);

  /* The URL is never echoed in errors: a rule may carry a key. */
  if (!is_printable (url))
    {
      fail (error, "control character in ExecuteItem URL");
      return NULL;
    }
  if (g_ascii_strcasecmp (url, "Resync") != 0 && g_ascii_strncasecmp (url, "Resync:", 7) != 0)
    {
      fail (error, "unsupported ExecuteItem URL (only Resync and Resync:<rule>)");
      return NULL;
    }
  item = g_new0 (ProvExecuteItem, 1);
  if (url[6] == ':')
    {
      item->rule = g_strstrip (g_strdup (url + 7));
      if (item->rule[0] == '\0')
        g_clear_pointer (&item->rule, g_free);
    }
  item->url = g_steal_pointer (&url);
  if (item->rule != NULL && (parsed = prov_rule_parse (item->rule, error)) == NULL)
    {
      g_prefix_error (error, "invalid rule: ");
      item_free (item);
      return NULL;
    }
  return item;
}

/* The seed's own example writes `<ExecuteItem URL=Resync:[profile-rule]/>`
 * with the value unquoted, which XML does not allow: as a second try, a
 * bare URL value (up to a blank or the end of the tag; a last `/` before
 * `>` ends an empty element; no quote or `<` in it) is quoted and escaped.
 * NULL when there is none. It adds no markup: the value is escaped. */
static char *
quote_bare_urls (const char *xml, gsize len)
{
  g_autoptr(GString) out = g_string_sized_new (len + 16);
  const char *end = xml + len;
  const char *p = xml;
  gboolean changed = FALSE;

  while (p < end)
    {
      const char *at = g_strstr_len (p, end - p, "URL=");
      const char *value;
      const char *stop;
      g_autofree char *text = NULL;
      g_autofree char *escaped = NULL;

      /* An attribute name, not "URL=" inside a value or a text. */
      if (at == NULL || at + 4 >= end || at[4] == '"' || at[4] == '\'' || at == xml
          || !g_ascii_isspace (at[-1]))
        {
          const char *next = at != NULL ? at + 4 : end;

          g_string_append_len (out, p, MIN (next, end) - p);
          p = MIN (next, end);
          continue;
        }
      value = at + 4;
      for (stop = value; stop < end && !g_ascii_isspace (*stop) && strchr ("<>\"'", *stop) == NULL;
           stop++)
        ;
      if (stop < end && *stop == '>' && stop > value && stop[-1] == '/')
        stop--;
      if (stop == value || (stop < end && strchr ("<\"'", *stop) != NULL))
        {
          g_string_append_len (out, p, value - p);
          p = value;
          continue;
        }
      text = g_strndup (value, stop - value);
      escaped = g_markup_escape_text (text, -1);
      g_string_append_len (out, p, value - p);
      g_string_append_printf (out, "\"%s\"", escaped);
      p = stop;
      changed = TRUE;
    }
  return changed ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

static xmlDoc *
read_document (xmlParserCtxt *ctxt, const char *xml, gsize len)
{
  return xmlCtxtReadMemory (ctxt, xml, (int) len, NULL, "UTF-8",
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING
                            | XML_PARSE_IGNORE_ENC);
}

GPtrArray *
prov_execute_parse (const char *xml, gsize len, GError **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (item_free);
  g_autoptr(xmlParserCtxt) ctxt = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *root;

  if (len > G_MAXINT || memchr (xml, '\0', len) != NULL || !g_utf8_validate (xml, len, NULL))
    {
      fail (error, "the Execute object is not UTF-8 text");
      return NULL;
    }
  /* No DTD at all: so no entities to expand and nothing to load. The text
   * is UTF-8 and read as such, so this search sees every declaration. */
  if (g_strstr_len (xml, len, "<!DOCTYPE") != NULL || g_strstr_len (xml, len, "<!ENTITY") != NULL)
    {
      fail (error, "DTDs and entities are not accepted");
      return NULL;
    }
  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    {
      fail (error, "out of memory");
      return NULL;
    }
  doc = read_document (ctxt, xml, len);
  if (doc == NULL)
    {
      g_autofree char *quoted = quote_bare_urls (xml, len);

      if (quoted != NULL)
        doc = read_document (ctxt, quoted, strlen (quoted));
    }
  if (doc == NULL || doc->intSubset != NULL || doc->extSubset != NULL)
    {
      fail (error, "malformed XML");
      return NULL;
    }
  root = xmlDocGetRootElement (doc);
  if (root == NULL || !is_execute_root ((const char *) root->name))
    {
      fail (error, "the root is not CiscoIPPhoneExecute or CP-…-3PCCExecute");
      return NULL;
    }
  for (xmlNode *node = root->children; node != NULL; node = node->next)
    {
      ProvExecuteItem *item;

      if (node->type != XML_ELEMENT_NODE)
        continue;
      if (items->len == PROV_EXECUTE_MAX_ITEMS)
        {
          fail (error, "more than 3 ExecuteItems");
          return NULL;
        }
      item = parse_item (node, error);
      if (item == NULL)
        return NULL;
      g_ptr_array_add (items, item);
    }
  if (items->len == 0)
    {
      fail (error, "no ExecuteItem");
      return NULL;
    }
  return g_steal_pointer (&items);
}
