/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PROV_TYPE_APPLIER_MAP (prov_applier_map_get_type ())
G_DECLARE_FINAL_TYPE (ProvApplierMap, prov_applier_map, PROV, APPLIER_MAP, GObject)

/**
 * ProvApplierMap:
 *
 * Which parameter feeds which key of an applier's consumer: data that a
 * distribution edits without C. `NAME.map` is a key file read from the
 * first directory that has it: $PROV_APPLIER_MAP_DIR (tests),
 * /etc/provisiond/appliers, $datadir/provisiond/appliers.
 *
 *   [Mapping]
 *   Lines=16                     # lines 1..16 are rendered
 *   [Line]                       # per line; %n is the line number
 *   auth_pass=Password_%n_
 *   [Global]
 *   display_name=Station_Name
 *
 * A consumer key the file does not name is not rendered, and an applier
 * renders nothing that the file does not name.
 */
/**
 * prov_applier_map_load:
 * @name: the applier's name (`baresip` reads `baresip.map`)
 * @error: return location for an error
 *
 * Returns: (transfer full): the mapping, from /etc first, else the data dir
 */
ProvApplierMap *prov_applier_map_load       (const char      *name,
                                             GError         **error);
ProvApplierMap *prov_applier_map_new_from_data (const char   *data,
                                                const char   *origin,
                                                GError      **error);
const char     *prov_applier_map_get_origin (ProvApplierMap  *self);
guint           prov_applier_map_get_lines  (ProvApplierMap  *self);
/* The parameter name behind @key for line @n (%n replaced), or NULL when
 * the file does not map @key. */
char           *prov_applier_map_line_param (ProvApplierMap  *self,
                                             const char      *key,
                                             guint            n);
/* The value of that parameter in @params (char* → char*): "" when the
 * parameter is unset, NULL when @key is not mapped. */
const char     *prov_applier_map_line       (ProvApplierMap  *self,
                                             GHashTable      *params,
                                             const char      *key,
                                             guint            n);
const char     *prov_applier_map_global     (ProvApplierMap  *self,
                                             GHashTable      *params,
                                             const char      *key);
/**
 * prov_applier_map_list_params:
 * @self: the mapping
 *
 * Returns: (transfer full): every parameter name the file maps, lines
 *   expanded, sorted
 */
GStrv           prov_applier_map_list_params (ProvApplierMap *self);

G_END_DECLS
