/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "prov-plugin.h"
#include "prov-plugin-role.h"

typedef struct
{
  char  *name;
  char  *description;
  char  *version;
  int    priority;
  GStrv  schemes;
  GStrv  magic;
  GStrv  content_encodings;
  char  *filename;
} ProvPluginPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (ProvPlugin, prov_plugin, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_VERSION,
  PROP_PRIORITY,
  PROP_SCHEMES,
  PROP_MAGIC,
  PROP_CONTENT_ENCODINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
prov_plugin_finalize (GObject *object)
{
  ProvPluginPrivate *priv = prov_plugin_get_instance_private (PROV_PLUGIN (object));

  g_free (priv->name);
  g_free (priv->description);
  g_free (priv->version);
  g_strfreev (priv->schemes);
  g_strfreev (priv->magic);
  g_strfreev (priv->content_encodings);
  g_free (priv->filename);
  G_OBJECT_CLASS (prov_plugin_parent_class)->finalize (object);
}

static void
prov_plugin_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ProvPluginPrivate *priv = prov_plugin_get_instance_private (PROV_PLUGIN (object));

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, priv->name);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, priv->description);
      break;
    case PROP_VERSION:
      g_value_set_string (value, priv->version);
      break;
    case PROP_PRIORITY:
      g_value_set_int (value, priv->priority);
      break;
    case PROP_SCHEMES:
      g_value_set_boxed (value, priv->schemes);
      break;
    case PROP_MAGIC:
      g_value_set_boxed (value, priv->magic);
      break;
    case PROP_CONTENT_ENCODINGS:
      g_value_set_boxed (value, priv->content_encodings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
prov_plugin_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ProvPluginPrivate *priv = prov_plugin_get_instance_private (PROV_PLUGIN (object));

  switch (prop_id)
    {
    case PROP_NAME:
      priv->name = g_value_dup_string (value);
      break;
    case PROP_DESCRIPTION:
      priv->description = g_value_dup_string (value);
      break;
    case PROP_VERSION:
      g_free (priv->version);
      priv->version = g_value_dup_string (value);
      if (priv->version == NULL)
        priv->version = g_strdup (PROV_VERSION);
      break;
    case PROP_PRIORITY:
      priv->priority = g_value_get_int (value);
      break;
    case PROP_SCHEMES:
      priv->schemes = g_value_dup_boxed (value);
      break;
    case PROP_MAGIC:
      priv->magic = g_value_dup_boxed (value);
      break;
    case PROP_CONTENT_ENCODINGS:
      priv->content_encodings = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
prov_plugin_class_init (ProvPluginClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = prov_plugin_finalize;
  object_class->get_property = prov_plugin_get_property;
  object_class->set_property = prov_plugin_set_property;

  /**
   * ProvPlugin:name:
   *
   * The plugin's name ("tftp"), which also names its group of the device
   * file.
   *
   * Since: 1.0
   */
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  /**
   * ProvPlugin:description:
   *
   * A one-line description, for `provisionctl plugins`.
   *
   * Since: 1.0
   */
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);
  /**
   * ProvPlugin:version:
   *
   * The plugin's version (the core's by default).
   *
   * Since: 1.0
   */
  properties[PROP_VERSION] = g_param_spec_string ("version", NULL, NULL, PROV_VERSION, flags);
  /**
   * ProvPlugin:priority:
   *
   * Higher wins when two plugins claim the same scheme or payload.
   *
   * Since: 1.0
   */
  properties[PROP_PRIORITY] = g_param_spec_int ("priority", NULL, NULL, G_MININT, G_MAXINT, 0,
                                                flags);
  /**
   * ProvPlugin:schemes:
   *
   * URL schemes, each optionally with its default port ("tftp:69",
   * "https:443", "file"); for transports and sources.
   *
   * Since: 1.0
   */
  properties[PROP_SCHEMES] = g_param_spec_boxed ("schemes", NULL, NULL, G_TYPE_STRV, flags);
  /**
   * ProvPlugin:magic:
   *
   * Payload prefixes as hex strings ("1f8b"); for codecs.
   *
   * Since: 1.0
   */
  properties[PROP_MAGIC] = g_param_spec_boxed ("magic", NULL, NULL, G_TYPE_STRV, flags);
  /**
   * ProvPlugin:content-encodings:
   *
   * HTTP Content-Encoding tokens; for codecs.
   *
   * Since: 1.0
   */
  properties[PROP_CONTENT_ENCODINGS] = g_param_spec_boxed ("content-encodings", NULL, NULL,
                                                           G_TYPE_STRV, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
prov_plugin_init (ProvPlugin *self)
{
}

#define PRIV(self) ((ProvPluginPrivate *) prov_plugin_get_instance_private (self))

const char *
prov_plugin_get_name (ProvPlugin *self)
{
  g_return_val_if_fail (PROV_IS_PLUGIN (self), NULL);
  return PRIV (self)->name;
}

const char *
prov_plugin_get_description (ProvPlugin *self)
{
  g_return_val_if_fail (PROV_IS_PLUGIN (self), NULL);
  return PRIV (self)->description;
}

const char *
prov_plugin_get_version (ProvPlugin *self)
{
  g_return_val_if_fail (PROV_IS_PLUGIN (self), NULL);
  return PRIV (self)->version;
}

int
prov_plugin_get_priority (ProvPlugin *self)
{
  g_return_val_if_fail (PROV_IS_PLUGIN (self), 0);
  return PRIV (self)->priority;
}

const char *const *
prov_plugin_get_schemes (ProvPlugin *self)
{
  g_return_val_if_fail (PROV_IS_PLUGIN (self), NULL);
  return (const char *const *) PRIV (self)->schemes;
}

const char *const *
prov_plugin_get_magic (ProvPlugin *self)
{
  g_return_val_if_fail (PROV_IS_PLUGIN (self), NULL);
  return (const char *const *) PRIV (self)->magic;
}

const char *const *
prov_plugin_get_content_encodings (ProvPlugin *self)
{
  g_return_val_if_fail (PROV_IS_PLUGIN (self), NULL);
  return (const char *const *) PRIV (self)->content_encodings;
}

const char *
prov_plugin_get_filename (ProvPlugin *self)
{
  g_return_val_if_fail (PROV_IS_PLUGIN (self), NULL);
  return PRIV (self)->filename;
}

void
prov_plugin_set_filename (ProvPlugin *self, const char *filename)
{
  g_return_if_fail (PROV_IS_PLUGIN (self));
  g_free (PRIV (self)->filename);
  PRIV (self)->filename = g_strdup (filename);
}

/* "https:443" → 443 for "https"; 0 when the scheme has no declared port. */
guint
prov_plugin_get_default_port (ProvPlugin *self, const char *scheme)
{
  GStrv schemes;

  g_return_val_if_fail (PROV_IS_PLUGIN (self), 0);
  schemes = PRIV (self)->schemes;
  for (guint i = 0; schemes != NULL && schemes[i] != NULL; i++)
    {
      const char *colon = strchr (schemes[i], ':');
      gsize len = colon != NULL ? (gsize) (colon - schemes[i]) : strlen (schemes[i]);

      if (strlen (scheme) == len && g_ascii_strncasecmp (schemes[i], scheme, len) == 0)
        return colon != NULL ? (guint) strtoul (colon + 1, NULL, 10) : 0;
    }
  return 0;
}

static void
append_list (GString *out, const char *label, GStrv items)
{
  g_autofree char *joined = NULL;

  if (items == NULL || items[0] == NULL)
    return;
  joined = g_strjoinv (",", items);
  if (out->len > 0)
    g_string_append_c (out, ' ');
  g_string_append_printf (out, "%s=%s", label, joined);
}

/* One line for `provisionctl plugins`: roles and what each handles. */
char *
prov_plugin_describe_handles (ProvPlugin *self)
{
  GString *out = g_string_new (NULL);
  GPtrArray *roles = g_ptr_array_new ();
  guint n_ifaces = 0;
  g_autofree GType *ifaces = g_type_interfaces (G_OBJECT_TYPE (self), &n_ifaces);

  /* The roles its interfaces name (prov-plugin-role.h), as it declares them. */
  for (guint i = 0; i < n_ifaces; i++)
    if (prov_plugin_role_get (ifaces[i]) != NULL)
      g_ptr_array_add (roles, (gpointer) prov_plugin_role_get (ifaces[i]));
  g_ptr_array_add (roles, NULL);
  append_list (out, "roles", (GStrv) roles->pdata);
  g_ptr_array_free (roles, TRUE);
  append_list (out, "schemes", PRIV (self)->schemes);
  append_list (out, "magic", PRIV (self)->magic);
  append_list (out, "encodings", PRIV (self)->content_encodings);
  g_string_append_printf (out, " priority=%d", PRIV (self)->priority);
  return g_string_free (out, FALSE);
}
