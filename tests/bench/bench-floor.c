/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The start-up floor of a provisionctl process: a program that links what
 * provisionctl links (GLib, GObject, GIO, GModule, libxml2), touches one
 * function of each so the linker keeps them, and returns. run-all.sh
 * times it against `xmllint --version` to show what no amount of work in
 * provisiond itself can remove. */
#include <gio/gio.h>
#include <gmodule.h>
#include <libxml/parser.h>

int
main (void)
{
  xmlInitParser ();
  return (g_module_supported () && G_TYPE_IS_INTERFACE (G_TYPE_FILE)) ? 0 : 1;
}
