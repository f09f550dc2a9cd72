/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

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
