/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "prov-action-url-query.h"
#include "prov-action-url-xml.h"
#include "prov-rule-mask.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

static gboolean
fail (GError **error, const char *reason)
{
  g_set_error_literal (error, PROV_ERROR, PROV_ERROR_INVALID_ARGS, reason);
  return FALSE;
}

/* The XML text of the body: itself, or the XML field of a form. */
static char *
unwrap (const char *body, gsize len, GError **error)
{
  g_autofree char *text = NULL;
  const char *start;

  if (memchr (body, '\0', len) != NULL || !g_utf8_validate (body, len, NULL))
    {
      fail (error, "the body is not UTF-8 text");
      return NULL;
    }
  text = g_strndup (body, len);
  for (start = text; g_ascii_isspace (*start); start++)
    ;
  if (*start == '<')
    return g_strdup (start);
  if (g_str_has_prefix (start, "XML="))
    {
      g_autoptr(GHashTable) form = soup_form_decode (start);
      const char *xml = form != NULL ? g_hash_table_lookup (form, "XML") : NULL;

      if (xml != NULL && g_utf8_validate (xml, -1, NULL))
        return g_strdup (xml);
    }
  fail (error, "the body is neither XML nor a form with an XML field");
  return NULL;
}

GPtrArray *
prov_action_url_execute_parse (const char *body, gsize len, GError **error)
{
  g_autofree char *xml = unwrap (body, len, error);

  if (xml == NULL)
    return NULL;
  return prov_execute_parse (xml, strlen (xml), error);
}

static GBytes *
dump (xmlDoc *doc)
{
  xmlChar *buf = NULL;
  int len = 0;

  xmlDocDumpFormatMemoryEnc (doc, &buf, &len, "UTF-8", 1);
  return g_bytes_new_with_free_func (buf, len, (GDestroyNotify) xmlFree, buf);
}

static xmlNode *
new_document (xmlDoc **doc, const char *root_name)
{
  xmlNode *root;

  *doc = xmlNewDoc ((const xmlChar *) "1.0");
  root = xmlNewNode (NULL, (const xmlChar *) root_name);
  xmlDocSetRootElement (*doc, root);
  return root;
}

GBytes *
prov_action_url_execute_response (GPtrArray *items)
{
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *root = new_document (&doc, "CiscoIPPhoneResponse");

  for (guint i = 0; i < items->len; i++)
    {
      ProvExecuteItem *item = g_ptr_array_index (items, i);
      xmlNode *node = xmlNewChild (root, NULL, (const xmlChar *) "ResponseItem", NULL);

      xmlNewProp (node, (const xmlChar *) "Status", (const xmlChar *) "0");
      xmlNewProp (node, (const xmlChar *) "Data", (const xmlChar *) "Success");
      xmlNewProp (node, (const xmlChar *) "URL", (const xmlChar *) item->url);
    }
  return dump (doc);
}

GBytes *
prov_action_url_execute_error (const char *reason)
{
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *root = new_document (&doc, "CiscoIPPhoneError");

  /* Number 1: "error parsing the CiscoIPPhoneExecute object". */
  xmlNewProp (root, (const xmlChar *) "Number", (const xmlChar *) "1");
  xmlNodeAddContent (root, (const xmlChar *) reason);
  return dump (doc);
}

char *
prov_action_url_mask_url (const char *url)
{
  /* Status entries are masked already; a rule that was kept as the URL of
   * an entry goes through the same masker once more, harmlessly. */
  return prov_rule_mask_secrets (url);
}

static void
add_entries (xmlNode *root, const char *name, const ProvStatusEntry *entries, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      const ProvStatusEntry *entry = &entries[i];
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (entry->time);
      g_autofree char *time_text = when != NULL ? g_date_time_format_iso8601 (when) : NULL;
      g_autofree char *url = prov_action_url_mask_url (entry->url != NULL ? entry->url : "");
      g_autofree char *changed = g_strdup_printf ("%u", entry->n_changed);
      xmlNode *node = xmlNewChild (root, NULL, (const xmlChar *) name, NULL);

      xmlNewProp (node, (const xmlChar *) "time",
                  (const xmlChar *) (time_text != NULL ? time_text : ""));
      xmlNewProp (node, (const xmlChar *) "cause",
                  (const xmlChar *) prov_cause_to_string (entry->cause));
      xmlNewProp (node, (const xmlChar *) "outcome",
                  (const xmlChar *) prov_outcome_to_string (entry->outcome));
      xmlNewProp (node, (const xmlChar *) "url", (const xmlChar *) url);
      if (entry->error != NULL)
        xmlNewProp (node, (const xmlChar *) "error", (const xmlChar *) entry->error);
      xmlNewProp (node, (const xmlChar *) "changed", (const xmlChar *) changed);
    }
}

GBytes *
prov_action_url_status_document (ProvStatus *status)
{
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *root = new_document (&doc, "ProvisionStatus");
  const ProvStatusEntry *entries;
  guint n = 0;

  entries = prov_status_get_resyncs (status, &n);
  add_entries (root, "Resync", entries, n);
  entries = prov_status_get_upgrades (status, &n);
  add_entries (root, "Upgrade", entries, n);
  return dump (doc);
}
