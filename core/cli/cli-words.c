/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "prov-cli.h"
#include "prov-error.h"

/* The words of the status and the schedule as people read them. The daemon
 * and --json keep the English identifiers ("periodic", "file-not-found",
 * "idle"), which scripts match; only provisionctl's text output shows them
 * in the user's language. An identifier this table does not know (a newer
 * daemon) is shown as it is. */

static const struct
{
  const char *id;
  const char *text;
} words[] = {
  /* Causes (prov_cause_to_string). */
  { "request", NC_("cause", "request") },
  { "boot", NC_("cause", "boot") },
  { "periodic", NC_("cause", "periodic") },
  { "retry", NC_("cause", "retry") },
  /* Outcomes (prov_outcome_to_string) and upgrade outcomes. */
  { "success", NC_("outcome", "success") },
  { "file-not-found", NC_("outcome", "file-not-found") },
  { "corrupt", NC_("outcome", "corrupt") },
  { "transport-error", NC_("outcome", "transport-error") },
  { "error", NC_("outcome", "error") },
  /* The daemon's states. */
  { "idle", NC_("state", "idle") },
  { "resyncing", NC_("state", "resyncing") },
  { "upgrading", NC_("state", "upgrading") },
};

static const char *
word_text (const char *context, const char *id)
{
  for (guint i = 0; id != NULL && i < G_N_ELEMENTS (words); i++)
    if (g_str_equal (words[i].id, id))
      return g_dpgettext2 (GETTEXT_PACKAGE, context, words[i].text);
  return id;
}

const char *
prov_cli_cause_text (ProvCause cause)
{
  return word_text ("cause", prov_cause_to_string (cause));
}

const char *
prov_cli_outcome_text (const char *outcome)
{
  return word_text ("outcome", outcome);
}

const char *
prov_cli_state_text (const char *state)
{
  return word_text ("state", state);
}

char *
prov_cli_format_entry (const ProvStatusEntry *entry)
{
  g_autofree char *when = prov_cli_format_time (entry->time * G_USEC_PER_SEC);
  const char *error = entry->error != NULL ? g_dgettext (GETTEXT_PACKAGE, entry->error) : NULL;

  return g_strdup_printf ("%s  %-8s  %-15s  %s%s%s", when, prov_cli_cause_text (entry->cause),
                          prov_cli_outcome_text (prov_outcome_to_string (entry->outcome)),
                          entry->url != NULL ? entry->url : "", error != NULL ? "  -- " : "",
                          error != NULL ? error : "");
}

/* "Last provisioning succeeded on 05/01/2024 10:00:00" (SPEC §6, as phones
 * show it), in the user's language and the one date format. */
char *
prov_cli_custom_ca_status_text (const char *status)
{
  static const char *const prefixes[] = { "Last provisioning succeeded on ",
                                          "Last provisioning failed on " };
  int month, day, year, hour, minute, second;

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autoptr(GDateTime) dt = NULL;
      g_autofree char *when = NULL;

      if (!g_str_has_prefix (status, prefixes[i])
          || sscanf (status + strlen (prefixes[i]), "%d/%d/%d %d:%d:%d", &month, &day, &year,
                     &hour, &minute, &second) != 6)
        continue;
      dt = g_date_time_new_local (year, month, day, hour, minute, second);
      if (dt == NULL)
        continue;
      when = prov_cli_format_time (g_date_time_to_unix (dt) * G_USEC_PER_SEC);
      return i == 0 ? g_strdup_printf (_("Last provisioning succeeded on %s"), when)
                    : g_strdup_printf (_("Last provisioning failed on %s"), when);
    }
  return g_strdup (status);
}

/* "Installed <CN>" / "Not Installed" (SPEC §6). */
char *
prov_cli_custom_ca_info_text (const char *info)
{
  if (g_str_equal (info, "Not Installed"))
    return g_strdup (_("Not Installed"));
  if (g_str_has_prefix (info, "Installed "))
    return g_strdup_printf (_("Installed %s"), info + strlen ("Installed "));
  return g_strdup (info);
}

/* One line of the engine's explanation of a rule (`expand`), which travels
 * in English: "* alternative 2: (cond)? = true NAME="v" URL (error)". */
static char *
explanation_line_text (const char *line)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *rest = NULL;
  const char *open, *p;
  char mark = ' ';
  guint n = 0;
  int used = 0;

  if (g_str_equal (line, "no alternative is taken: the rule is skipped"))
    return g_strdup (_("no alternative is taken: the rule is skipped"));
  if (sscanf (line, "%c alternative %u:%n", &mark, &n, &used) < 2 || used == 0)
    return g_strdup (line);
  /* TRANSLATORS: "*" marks the one taken, then its number in the rule. */
  g_string_append_printf (out, _("%c alternative %u:"), mark, n);
  rest = g_strdup (line + used);
  /* The condition's value. */
  if ((p = strstr (rest, ")? = true")) != NULL || (p = strstr (rest, ")? = false")) != NULL)
    {
      gboolean value = p[5] == 't';
      g_autofree char *head = g_strndup (rest, p - rest + 5);
      g_autofree char *tail = g_strdup (p + 5 + (value ? 4 : 5));

      g_free (rest);
      rest = g_strconcat (head, value ? C_("condition", "true") : C_("condition", "false"), tail,
                          NULL);
    }
  /* A URL that cannot be completed ends with its error: " (no server)". */
  open = g_str_has_suffix (rest, ")") ? strrchr (rest, '(') : NULL;
  if (open != NULL && open > rest && open[-1] == ' ')
    {
      g_autofree char *message = g_strndup (open + 1, strlen (open + 1) - 1);

      g_string_append_len (out, rest, open + 1 - rest);
      g_string_append (out, g_dgettext (GETTEXT_PACKAGE, message));
      g_string_append_c (out, ')');
    }
  else
    g_string_append (out, rest);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
prov_cli_explanation_text (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = explanation_line_text (lines[i]);

      if (i > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, line);
    }
  return g_string_free (out, FALSE);
}
