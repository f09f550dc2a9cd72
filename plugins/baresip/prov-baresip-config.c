/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <provision.h>

#include "prov-baresip-config.h"

/* Where Debian's baresip-core puts its modules; written only into a config
 * without module_path, so an admin's own path wins. */
#define MODULE_PATH "/usr/lib/baresip/modules"

/* The first word of a config line: its key ("" for a blank or comment line). */
static char *
line_key (const char *line)
{
  const char *p = line + strspn (line, " \t");
  gsize len = strcspn (p, " \t");

  return p[0] == '#' ? g_strdup ("") : g_strndup (p, len);
}

static const char *
line_value (const char *line)
{
  const char *p = line + strspn (line, " \t");

  p += strcspn (p, " \t");
  return p + strspn (p, " \t");
}

/* @line's value is @want, trailing blanks aside. */
static gboolean
value_is (const char *line, const char *want)
{
  const char *value = line_value (line);
  gsize len = strlen (want);

  return strncmp (value, want, len) == 0 && value[len + strspn (value + len, " \t\r")] == '\0';
}

static gboolean
is_module_key (const char *key)
{
  return g_str_equal (key, "module") || g_str_equal (key, "module_app")
         || g_str_equal (key, "module_tmp");
}

/* sip_listen keeps the address the admin gave it (0.0.0.0 when none). */
static char *
sip_listen_line (const char *old_value, const char *port)
{
  g_autofree char *value = g_strstrip (g_strdup (old_value != NULL ? old_value : ""));
  const char *colon = strrchr (value, ':');
  const char *bracket = strrchr (value, ']');

  if (value[0] == '\0')
    return g_strdup_printf ("sip_listen 0.0.0.0:%s", port);
  /* "[::1]" has colons but no port; "host" has neither. */
  if (colon != NULL && (bracket == NULL || colon > bracket))
    return g_strdup_printf ("sip_listen %.*s:%s", (int) (colon - value), value, port);
  return g_strdup_printf ("sip_listen %s:%s", value, port);
}

static gboolean
check_value (const char *value, const char *what, GError **error)
{
  for (const char *p = value; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p) || *p == '#')
      {
        g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE,
                     "%s cannot be a value of baresip's config (a space, # or control "
                     "character)", what);
        return FALSE;
      }
  return TRUE;
}

char *
prov_baresip_config_merge (const char *old, const char *sip_port, const char *control,
                           GError **error)
{
  const char *modules[] = { "module_app account.so", "module_app menu.so",
                            "module ctrl_tcp.so", NULL };
  guint n_modules = control != NULL ? 3 : 1;
  gboolean have_module[3] = { FALSE, FALSE, FALSE };
  gboolean have_path = FALSE, have_listen = FALSE, have_ctrl = FALSE;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  guint n_lines;
  guint64 port = 0;

  if (sip_port != NULL && sip_port[0] == '\0')
    sip_port = NULL;
  if (sip_port != NULL && !g_ascii_string_to_unsigned (sip_port, 10, 1, 65535, &port, NULL))
    {
      g_set_error (error, PROV_ERROR, PROV_ERROR_INVALID_VALUE,
                   "the value of sip_port is not a port number from 1 to 65535");
      return NULL;
    }
  if (control != NULL && !check_value (control, "[baresip] Control=", error))
    return NULL;

  if (old == NULL)
    g_string_append (out, "# baresip's config. provisiond writes sip_listen, ctrl_tcp_listen "
                          "and the module lines\n# its baresip applier needs, and keeps every "
                          "other line.\n");
  lines = g_strsplit (old != NULL ? old : "", "\n", -1);
  n_lines = g_strv_length (lines);
  /* A final newline does not make one more empty line. */
  if (n_lines > 0 && lines[n_lines - 1][0] == '\0')
    n_lines--;
  for (guint i = 0; i < n_lines; i++)
    {
      g_autofree char *key = line_key (lines[i]);

      if (g_str_equal (key, "sip_listen") && sip_port != NULL)
        {
          g_autofree char *line = NULL;

          if (have_listen)
            continue;
          line = sip_listen_line (line_value (lines[i]), sip_port);
          g_string_append_printf (out, "%s\n", line);
          have_listen = TRUE;
          continue;
        }
      if (g_str_equal (key, "ctrl_tcp_listen") && control != NULL)
        {
          if (!have_ctrl)
            g_string_append_printf (out, "ctrl_tcp_listen %s\n", control);
          have_ctrl = TRUE;
          continue;
        }
      if (g_str_equal (key, "module_path"))
        have_path = TRUE;
      if (is_module_key (key))
        for (guint m = 0; m < n_modules; m++)
          if (value_is (lines[i], strchr (modules[m], ' ') + 1))
            have_module[m] = TRUE;
      g_string_append_printf (out, "%s\n", lines[i]);
    }
  if (!have_path)
    g_string_append (out, "module_path " MODULE_PATH "\n");
  if (sip_port != NULL && !have_listen)
    {
      g_autofree char *line = sip_listen_line (NULL, sip_port);
      g_string_append_printf (out, "%s\n", line);
    }
  if (control != NULL && !have_ctrl)
    g_string_append_printf (out, "ctrl_tcp_listen %s\n", control);
  for (guint m = 0; m < n_modules; m++)
    if (!have_module[m])
      g_string_append_printf (out, "%s\n", modules[m]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
