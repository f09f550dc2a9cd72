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
 *
 * Since: 1.0
 */
/**
 * prov_applier_map_load:
 * @name: the applier's name (`baresip` reads `baresip.map`)
 * @error: return location for an error
 *
 * Reads `NAME.map` from the first directory that has it.
 *
 * Returns: (transfer full): the mapping, from /etc first, else the data dir
 *
 * Since: 1.0
 */
ProvApplierMap *prov_applier_map_load       (const char      *name,
                                             GError         **error);
/**
 * prov_applier_map_new_from_data:
 * @data: the text of a map file
 * @origin: where it comes from, for error messages
 * @error: return location for a #PROV_ERROR
 *
 * As prov_applier_map_load(), from memory.
 *
 * Returns: (transfer full): the mapping, or %NULL with @error naming @origin
 *
 * Since: 1.0
 */
ProvApplierMap *prov_applier_map_new_from_data (const char   *data,
                                                const char   *origin,
                                                GError      **error);
/**
 * prov_applier_map_get_origin:
 * @self: the mapping
 *
 * Gets the file it was read from (or the origin given).
 *
 * Returns: the file it was read from (or the origin given)
 *
 * Since: 1.0
 */
const char     *prov_applier_map_get_origin (ProvApplierMap  *self);
/**
 * prov_applier_map_get_lines:
 * @self: the mapping
 *
 * Gets the number of lines rendered ([Mapping] Lines).
 *
 * Returns: the number of lines rendered ([Mapping] Lines)
 *
 * Since: 1.0
 */
guint           prov_applier_map_get_lines  (ProvApplierMap  *self);
/**
 * prov_applier_map_line_param:
 * @self: the mapping
 * @key: a consumer key of group [Line]
 * @n: the line number, from 1
 *
 * The parameter that feeds a per-line key.
 *
 * Returns: (transfer full) (nullable): the parameter name behind @key for
 *   line @n (`%n` replaced), or %NULL when the file does not map @key
 *
 * Since: 1.0
 */
char           *prov_applier_map_line_param (ProvApplierMap  *self,
                                             const char      *key,
                                             guint            n);
/**
 * prov_applier_map_line:
 * @self: the mapping
 * @params: (element-type utf8 utf8): the parameters, name → value
 * @key: a consumer key of group [Line]
 * @n: the line number, from 1
 *
 * The value that feeds a per-line key.
 *
 * Returns: (nullable): the value of the parameter behind @key for line @n:
 *   "" when the parameter is unset, %NULL when @key is not mapped
 *
 * Since: 1.0
 */
const char     *prov_applier_map_line       (ProvApplierMap  *self,
                                             GHashTable      *params,
                                             const char      *key,
                                             guint            n);
/**
 * prov_applier_map_global:
 * @self: the mapping
 * @params: (element-type utf8 utf8): the parameters, name → value
 * @key: a consumer key of group [Global]
 *
 * The value that feeds a global key.
 *
 * Returns: (nullable): the value of the parameter behind @key: "" when the
 *   parameter is unset, %NULL when @key is not mapped
 *
 * Since: 1.0
 */
const char     *prov_applier_map_global     (ProvApplierMap  *self,
                                             GHashTable      *params,
                                             const char      *key);
/**
 * prov_applier_map_list_params:
 * @self: the mapping
 *
 * What an applier may read of the parameters.
 *
 * Returns: (transfer full): every parameter name the file maps, lines
 *   expanded, sorted
 *
 * Since: 1.0
 */
GStrv           prov_applier_map_list_params (ProvApplierMap *self);

G_END_DECLS
