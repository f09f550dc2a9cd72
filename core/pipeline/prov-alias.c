/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <libxml/parser.h>
#include <string.h>

#include "prov-alias.h"
#include "prov-error.h"
#include "prov-parse-steps.h"

#define MAX_ALIAS_DEPTH 32
#define FLAT_PREFIX "/flat-profile/"

/* "/a/b = /flat-profile/Name ;" → path "/a/b" → "Name". */
static GHashTable *
parse_map (const char *map, GError **error)
{
  g_autoptr(GHashTable) paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) pairs = g_strsplit (map != NULL ? map : "", ";", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_auto(GStrv) sides = NULL;
      char *from, *to;

      if (pairs[i][strspn (pairs[i], " \t\r\n")] == '\0')
        continue;
      sides = g_strsplit (pairs[i], "=", 2);
      if (g_strv_length (sides) != 2)
        {
          g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_RULE,
                       "--alias: pair %u has no '='", i + 1);
          return NULL;
        }
      from = g_strstrip (sides[0]);
      to = g_strstrip (sides[1]);
      if (from[0] != '/' || strlen (from) < 2 || !g_str_has_prefix (to, FLAT_PREFIX)
          || to[strlen (FLAT_PREFIX)] == '\0' || strchr (to + strlen (FLAT_PREFIX), '/') != NULL)
        {
          g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_RULE,
                       "--alias: pair %u must read /path = /flat-profile/Name", i + 1);
          return NULL;
        }
      g_hash_table_replace (paths, g_strdup (from), g_strdup (to + strlen (FLAT_PREFIX)));
    }
  if (g_hash_table_size (paths) == 0)
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_INVALID_RULE,
                           "--alias: the register holds no pairs");
      return NULL;
    }
  return g_steal_pointer (&paths);
}

static gboolean
has_element_children (xmlNode *node)
{
  for (xmlNode *c = node->children; c != NULL; c = c->next)
    if (c->type == XML_ELEMENT_NODE)
      return TRUE;
  return FALSE;
}

typedef struct
{
  GHashTable    *paths;
  gsize          longest; /* of the paths: a longer one is not looked up */
  const char    *origin;
  ProvChangeSet *changes;
} Walk;

/* Only paths as long as a mapped one are hashed: a long element name
 * with many children must not cost its length once per child. */
static const char *
lookup (Walk *w, GString *path)
{
  if (path->len > w->longest)
    return NULL;
  prov_parse_steps_add (path->len);
  return g_hash_table_lookup (w->paths, path->str);
}

static gboolean
walk (Walk *w, xmlNode *node, GString *path, guint depth, GError **error)
{
  for (; node != NULL; node = node->next)
    {
      gsize saved = path->len;
      const char *name;

      if (node->type != XML_ELEMENT_NODE)
        continue;
      if (depth >= MAX_ALIAS_DEPTH)
        {
          g_set_error (error, PROV_ERROR, PROV_ERROR_CORRUPT,
                       "corrupt file: line %u: nested too deep", (guint) xmlGetLineNo (node));
          return FALSE;
        }
      g_string_append_c (path, '/');
      g_string_append (path, (const char *) node->name);
      name = lookup (w, path);
      if (name != NULL && !has_element_children (node))
        {
          xmlChar *text = xmlNodeGetContent (node);
          g_autofree char *value = g_strstrip (g_strdup ((const char *) text));

          xmlFree (text);
          prov_change_set_add (w->changes, name, value, -1, w->origin,
                               (guint) xmlGetLineNo (node));
        }
      if (!walk (w, node->children, path, depth + 1, error))
        return FALSE;
      g_string_truncate (path, saved);
    }
  return TRUE;
}

gboolean
prov_alias_apply (const char    *map,
                  const char    *data,
                  gsize          len,
                  const char    *origin,
                  ProvChangeSet *changes,
                  GError       **error)
{
  g_autoptr(GHashTable) paths = parse_map (map, error);
  g_autoptr(GString) path = g_string_new (NULL);
  Walk w = { paths, 0, origin, changes };
  GHashTableIter iter;
  const char *from;
  xmlDoc *doc;
  gboolean ok;

  if (paths == NULL)
    return FALSE;
  g_hash_table_iter_init (&iter, paths);
  while (g_hash_table_iter_next (&iter, (gpointer *) &from, NULL))
    w.longest = MAX (w.longest, strlen (from));
  if (len > G_MAXINT)
    {
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_CORRUPT, "corrupt file: too large");
      return FALSE;
    }
  /* No NOENT, no DTDLOAD, no HUGE: entities stay unexpanded, nothing is
   * fetched, libxml2's own limits hold. */
  doc = xmlReadMemory (data, (int) len, NULL, NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL)
    {
      const xmlError *e = xmlGetLastError ();
      g_set_error (error, PROV_ERROR, PROV_ERROR_CORRUPT, "corrupt file: line %d: %s",
                   e != NULL ? e->line : 0,
                   e != NULL && e->message != NULL ? g_strstrip (e->message) : "not XML");
      return FALSE;
    }
  if (doc->intSubset != NULL || doc->extSubset != NULL)
    {
      xmlFreeDoc (doc);
      g_set_error_literal (error, PROV_ERROR, PROV_ERROR_CORRUPT, "corrupt file: DTD not allowed");
      return FALSE;
    }
  ok = walk (&w, xmlDocGetRootElement (doc), path, 0, error);
  xmlFreeDoc (doc);
  return ok;
}
