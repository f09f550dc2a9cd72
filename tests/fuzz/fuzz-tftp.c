/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TFTP packets as a server would send them (RFC 1350, 2347…7440), through
 * the tftp plugin's packet code, built in. */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "prov-tftp-packet.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_quiet_logs ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  ProvTftpPacket packet = { 0 };
  ProvTftpOptions requested = { 1428, 16, 5, TRUE, 0 };
  ProvTftpOptions acked = { 0 };
  g_autoptr (GError) error = NULL;
  /* A copy of exactly @size bytes, so that ASan sees any read past it. */
  g_autofree guint8 *copy = g_memdup2 (data, size);

  if (!prov_tftp_parse (copy, size, &packet))
    return 0;
  if (packet.opcode == PROV_TFTP_OP_ERROR)
    g_free (prov_tftp_error_text (&packet));
  if (packet.opcode == PROV_TFTP_OP_OACK && !prov_tftp_parse_oack (&packet, &requested, &acked,
                                                                    &error))
    g_assert_nonnull (error);
  return 0;
}
