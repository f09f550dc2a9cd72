/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Loading params.db (the store file) with the core schema. The input is
 * the body of the file; its end line (entry count and checksum) is
 * computed, so the fuzzer gets past the checksum, unless the first byte
 * is odd: then the rest of the input is the whole file, as written. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "fuzz-common.h"
#include "prov-schema.h"
#include "prov-store.h"

#define STORE_MAGIC "provisiond-store 1\n"

static ProvSchema *schema;
static char *dir;
static char *path;

static void
remove_files (void)
{
  g_unlink (path);
  g_rmdir (dir);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  const char *const dirs[] = { PROV_FUZZ_SCHEMA_DIR, NULL };
  g_autoptr (GError) error = NULL;

  fuzz_quiet_logs ();
  schema = prov_schema_new ();
  if (!prov_schema_load_dirs (schema, dirs, &error))
    g_error ("%s", error->message);
  dir = g_dir_make_tmp ("prov-fuzz-store-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "params.db", NULL);
  atexit (remove_files);
  return 0;
}

/* The store's checksum (core/pipeline/prov-store.c). */
static guint64
fnv1a (const char *data, gsize len)
{
  guint64 hash = 0xcbf29ce484222325ULL;

  for (gsize i = 0; i < len; i++)
    {
      hash ^= (guchar) data[i];
      hash *= 0x100000001b3ULL;
    }
  return hash;
}

static void
check_store (ProvStore *store)
{
  g_auto (GStrv) names = prov_store_list_names (store, PROV_CALLER_ADMIN);

  /* Whatever the file says, a user never reads a secret. */
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *value = NULL;

      prov_store_get (store, names[i]);
      prov_store_get_access (store, names[i]);
      if (prov_store_is_secret (store, names[i]))
        g_assert_false (prov_store_read (store, names[i], PROV_CALLER_USER, &value, NULL));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GString) file = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (ProvStore) store = NULL;

  if (size > 0 && (data[0] & 1) != 0)
    g_string_append_len (file, (const char *) data + 1, (gssize) size - 1);
  else
    {
      guint lines = 0;

      g_string_append (file, STORE_MAGIC);
      if (size > 0)
        g_string_append_len (file, (const char *) data + 1, (gssize) size - 1);
      if (file->str[file->len - 1] != '\n')
        g_string_append_c (file, '\n');
      for (gsize i = strlen (STORE_MAGIC); i < file->len; i++)
        lines += file->str[i] == '\n';
      g_string_append_printf (file, "end %u %016" G_GINT64_MODIFIER "x\n", lines,
                              fnv1a (file->str, file->len));
    }
  /* No fsync: this file is thrown away. */
  if (!g_file_set_contents_full (path, file->str, (gssize) file->len, G_FILE_SET_CONTENTS_NONE,
                                 0600, &error))
    g_error ("%s", error->message);

  store = prov_store_new (schema, path, &error);
  if (store == NULL)
    g_assert_nonnull (error);
  else
    check_store (store);
  return 0;
}
