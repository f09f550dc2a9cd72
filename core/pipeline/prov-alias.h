/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "prov-store.h"

G_BEGIN_DECLS

/**
 * prov_alias_apply:
 * @map: the `--alias x` register's value: `/a/b = /flat-profile/Name ;`
 *   pairs (SPEC §4), mapping an element path of a foreign XML document to a
 *   parameter
 * @data: (array length=len): the foreign document, already decoded
 * @origin: where it came from, for errors
 * @changes: receives one entry per matched element, in document order
 *
 * Reads the document with the same guards as profiles (no network, no DTD,
 * no entities, bounded size and depth) and adds the text of every element
 * at a mapped path (element local names from the root) as the value of its
 * parameter. An element that holds other elements is not a value.
 *
 * Returns: FALSE with PROV_ERROR_INVALID_RULE for a malformed @map or
 * PROV_ERROR_CORRUPT for a document that is not well formed
 */
gboolean prov_alias_apply (const char     *map,
                           const char     *data,
                           gsize           len,
                           const char     *origin,
                           ProvChangeSet  *changes,
                           GError        **error);

G_END_DECLS
