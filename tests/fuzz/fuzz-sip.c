/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The SIP message parser of the sip plugin (a NOTIFY datagram) and the
 * Digest Authorization parser, their sources built in. */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "prov-sip-digest.h"
#include "prov-sip-message.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_quiet_logs ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const headers[] = {
    "Via", "From", "To", "Call-ID", "CSeq", "Event", "Authorization", "Content-Length",
    "Content-Type", "Contact",
  };
  g_autoptr (ProvSipMessage) msg = NULL;
  const char *auth;

  if (size > PROV_SIP_MAX_MESSAGE)
    return 0;
  msg = prov_sip_message_parse ((const char *) data, size);
  if (msg == NULL)
    return 0;
  prov_sip_message_get_method (msg);
  prov_sip_message_get_uri (msg);
  prov_sip_message_get_problem (msg);
  for (gsize i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      g_free (prov_sip_message_get_token (msg, headers[i]));
      g_free (prov_sip_message_get_param (msg, headers[i], "tag"));
      prov_sip_message_get_header (msg, headers[i]);
      prov_sip_message_count_headers (msg, headers[i]);
    }
  if (prov_sip_message_is_addressable (msg))
    g_free (prov_sip_message_build_response (msg, 401, "Unauthorized", "tag1",
                                             "WWW-Authenticate: Digest realm=\"r\"\r\n"));
  auth = prov_sip_message_get_header (msg, "Authorization");
  if (auth != NULL)
    {
      g_autoptr (ProvSipDigest) digest = prov_sip_digest_parse (auth);

      if (digest != NULL)
        prov_sip_digest_verify (digest, "NOTIFY", "secret");
    }
  return 0;
}
