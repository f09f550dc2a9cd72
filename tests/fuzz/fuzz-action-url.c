/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The action-url plugin's request parsing, its sources built in: the first
 * line is a request's query string (`/admin/resync?…`), the rest a
 * `POST /CGI/Execute` body (an Execute object, also carried by SIP NOTIFY). */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "prov-action-url-query.h"
#include "prov-action-url-xml.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_quiet_logs ();
  return 0;
}

static void
fuzz_query (const char *raw)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ProvActionUrlQuery) query = prov_action_url_query_parse (raw, &error);

  if (query == NULL)
    {
      g_assert_nonnull (error);
      return;
    }
  prov_action_url_query_has_credentials (query);
  if (query->argument != NULL)
    {
      g_free (prov_action_url_mask_url (query->argument));
      prov_action_url_is_printable (query->argument);
    }
  if (query->password != NULL)
    prov_action_url_secret_equal (query->password, "secret");
}

static void
fuzz_execute (const uint8_t *body, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = prov_action_url_execute_parse ((const char *) body, size, &error);
  g_autoptr (GBytes) response = NULL;

  if (items == NULL)
    {
      g_assert_nonnull (error);
      response = prov_action_url_execute_error (error->message);
      return;
    }
  g_assert_cmpuint (items->len, <=, PROV_EXECUTE_MAX_ITEMS);
  response = prov_action_url_execute_response (items);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *query = NULL;
  const uint8_t *body;
  size_t body_size;

  fuzz_split (data, size, &query, &body, &body_size);
  fuzz_query (query);
  fuzz_execute (body, body_size);
  return 0;
}
