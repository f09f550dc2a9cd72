/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "prov-condition.h"
#include "prov-error.h"
#include "prov-fetch-setup.h"
#include "prov-firmware-dir.h"
#include "prov-installer.h"
#include "prov-macro.h"
#include "prov-macro-private.h"
#include "prov-parse-steps.h"
#include "prov-rule.h"
#include "prov-rule-mask.h"
#include "prov-upgrader.h"

/* Status keys: the version installed, and the device file's version it
 * replaced (a new device file version means the system changed since). */
#define KEY_INSTALLED "FirmwareVersion"
#define KEY_REPLACED  "FirmwareReplaced"

struct _ProvUpgrader
{
  GObject     parent_instance;

  ProvEngine *engine;
  ProvFetchSetup *setup; /* the engine's */
  gboolean    busy;
  gboolean    lines_busy;
};

G_DEFINE_FINAL_TYPE (ProvUpgrader, prov_upgrader, G_TYPE_OBJECT)

enum
{
  SIGNAL_UPGRADE_STARTED,
  SIGNAL_UPGRADE_FINISHED,
  SIGNAL_FETCH_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One upgrade while it runs. */
typedef struct
{
  ProvCause      cause;
  char          *rule;
  char          *server;  /* for a URL without a host: the requester's, or NULL */
  GHashTable    *vars;
  char          *url;     /* for status: the URL, masked */
  char          *version;
  char          *image;   /* path of the written image */
  ProvFirmwareImage *file; /* the image being received */
  ProvFetch     *fetch;
  ProvInstaller *installer;
  GCancellable  *fetch_cancellable; /* also cancelled when the image cannot fit */
  gulong         cancel_id;
  gboolean       space_checked;
  gboolean       no_space;
} Upgrade;

static void
upgrade_free (Upgrade *data)
{
  g_free (data->rule);
  g_free (data->server);
  g_clear_pointer (&data->vars, g_hash_table_unref);
  g_free (data->url);
  g_free (data->version);
  g_free (data->image);
  g_clear_pointer (&data->file, prov_firmware_image_free);
  g_clear_object (&data->fetch);
  g_clear_object (&data->installer);
  g_clear_object (&data->fetch_cancellable);
  g_free (data);
}

static void
prov_upgrader_finalize (GObject *object)
{
  ProvUpgrader *self = PROV_UPGRADER (object);

  g_clear_object (&self->engine);
  G_OBJECT_CLASS (prov_upgrader_parent_class)->finalize (object);
}

static void
prov_upgrader_class_init (ProvUpgraderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = prov_upgrader_finalize;

  signals[SIGNAL_UPGRADE_STARTED] =
    g_signal_new ("upgrade-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[SIGNAL_UPGRADE_FINISHED] =
    g_signal_new ("upgrade-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 4, G_TYPE_INT, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_FETCH_PROGRESS] =
    g_signal_new ("fetch-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT64, G_TYPE_UINT64);
}

static void
prov_upgrader_init (ProvUpgrader *self)
{
}

ProvUpgrader *
prov_upgrader_new (ProvEngine *engine)
{
  ProvUpgrader *self;

  g_return_val_if_fail (PROV_IS_ENGINE (engine), NULL);
  self = g_object_new (PROV_TYPE_UPGRADER, NULL);
  self->engine = g_object_ref (engine);
  self->setup = prov_engine_get_fetch_setup (engine);
  return self;
}

ProvEngine *
prov_upgrader_get_engine (ProvUpgrader *self)
{
  g_return_val_if_fail (PROV_IS_UPGRADER (self), NULL);
  return self->engine;
}

gboolean
prov_upgrader_is_busy (ProvUpgrader *self)
{
  g_return_val_if_fail (PROV_IS_UPGRADER (self), FALSE);
  return self->busy;
}

void
prov_upgrader_set_lines_busy (ProvUpgrader *self, gboolean busy)
{
  g_return_if_fail (PROV_IS_UPGRADER (self));
  self->lines_busy = busy;
}

/* ---- versions ------------------------------------------------------------- */

/* `.gz`, `.loads`, `.ext4`: two letters, then letters or digits. A numeric
 * version field (`.3`) or a one-letter one (`.v2`) is not an extension. */
static gboolean
is_extension (const char *ext)
{
  if (!g_ascii_isalpha (ext[0]) || !g_ascii_isalpha (ext[1]))
    return FALSE;
  for (const char *p = ext; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

char *
prov_upgrader_image_version (const char *url)
{
  const char *path, *end, *slash;
  g_autofree char *raw = NULL;
  char *name;

  g_return_val_if_fail (url != NULL, NULL);
  path = strstr (url, "://");
  path = path != NULL ? strchr (path + 3, '/') : strchr (url, '/');
  if (path == NULL)
    return NULL;
  end = path + strcspn (path, "?#");
  raw = g_strndup (path, end - path);
  slash = strrchr (raw, '/');
  name = g_uri_unescape_string (slash + 1, "/");
  if (name == NULL)
    name = g_strdup (slash + 1);
  /* From the end backwards, each byte once: `fw.ab.ab.ab…` is linear. */
  for (char *stop = name + strlen (name);;)
    {
      char *dot = memrchr (name, '.', (gsize) (stop - name));

      prov_parse_steps_add ((gsize) (dot != NULL ? stop - dot : stop - name));
      if (dot == NULL || dot == name || !is_extension (dot + 1))
        break;
      *dot = '\0';
      stop = dot;
    }
  if (name[0] == '\0')
    g_clear_pointer (&name, g_free);
  return name;
}

void
prov_upgrader_apply_installed (ProvStatus *status, ProvDevice *device)
{
  const char *installed = prov_status_get_string (status, KEY_INSTALLED);
  const char *replaced = prov_status_get_string (status, KEY_REPLACED);

  g_return_if_fail (PROV_IS_STATUS (status));
  g_return_if_fail (PROV_IS_DEVICE (device));
  if (installed == NULL)
    return;
  if (g_strcmp0 (replaced, prov_device_get_software_version (device)) != 0)
    {
      g_info ("firmware %s was installed over %s; the device file now says %s", installed,
              replaced != NULL ? replaced : "(none)",
              prov_device_get_software_version (device));
      return;
    }
  prov_device_set_software_version (device, installed);
}

/* Remembers @version as installed, with the device file's own version. */
static void
save_installed (ProvStatus *status, ProvDevice *device, const char *version)
{
  const char *current = prov_device_get_software_version (device);
  const char *installed = prov_status_get_string (status, KEY_INSTALLED);
  g_autofree char *file_version = NULL;

  /* While an earlier upgrade's version is in effect, the file's is the one saved then. */
  if (installed != NULL && g_strcmp0 (installed, current) == 0)
    file_version = g_strdup (prov_status_get_string (status, KEY_REPLACED));
  else
    file_version = g_strdup (current);
  prov_status_set_string (status, KEY_REPLACED, file_version);
  prov_status_set_string (status, KEY_INSTALLED, version);
  prov_device_set_software_version (device, version);
}

/* ---- one upgrade ---------------------------------------------------------- */

static char *
firmware_dir (ProvUpgrader *self)
{
  return g_build_filename (prov_engine_get_cache_dir (self->engine), "firmware", NULL);
}

static gint64
now_seconds (ProvUpgrader *self)
{
  ProvClock *clock = prov_engine_get_clock (self->engine);

  return (clock != NULL ? prov_clock_now (clock) : g_get_real_time ()) / G_USEC_PER_SEC;
}

static void
set_var (GHashTable *vars, const char *name, const char *value)
{
  g_hash_table_replace (vars, g_strdup (name), g_strdup (value != NULL ? value : ""));
}

/* A refused downgrade is not a corrupt file: keep the outcome classes of
 * transfers, everything else is an error. */
static ProvOutcome
upgrade_outcome (const GError *error)
{
  ProvOutcome outcome = prov_outcome_from_error (error);

  return outcome == PROV_OUTCOME_CORRUPT && error->code != PROV_ERROR_CORRUPT
           ? PROV_OUTCOME_OTHER
           : outcome;
}

static void
record (ProvUpgrader *self, Upgrade *data, const GError *error)
{
  ProvStatus *status = prov_engine_get_status (self->engine);
  ProvStatusEntry entry = { 0 };
  g_autoptr(GError) save_error = NULL;

  entry.time = now_seconds (self);
  entry.cause = data->cause;
  entry.url = data->url != NULL ? data->url : data->rule;
  entry.outcome = error != NULL ? upgrade_outcome (error) : PROV_OUTCOME_SUCCESS;
  entry.error = error != NULL ? error->message : NULL;
  prov_status_add_upgrade (status, &entry);
  if (error == NULL)
    prov_status_set_int (status, "LastUpgradeSuccess", entry.time);
  if (!prov_status_save (status, &save_error))
    g_warning ("cannot save status: %s", save_error->message);
}

static void
finish (GTask *task, ProvUpgradeResult result)
{
  ProvUpgrader *self = g_task_get_source_object (task);
  Upgrade *data = g_task_get_task_data (task);

  self->busy = FALSE;
  g_signal_emit (self, signals[SIGNAL_UPGRADE_FINISHED], 0, (int) result, data->url,
                 data->version, NULL);
  g_task_return_int (task, result);
  g_object_unref (task);
}

/* An attempt that failed: logged, recorded, returned. */
static void
fail (GTask *task, GError *error)
{
  ProvUpgrader *self = g_task_get_source_object (task);
  Upgrade *data = g_task_get_task_data (task);

  prov_error_convert (&error);
  set_var (data->vars, "ERR", error->message);
  prov_fetch_setup_emit_log (self->setup, PROV_LOG_UPGRADE_FAILURE, data->vars,
                             data->fetch != NULL ? prov_fetch_get_id (data->fetch) : 0);
  record (self, data, error);
  self->busy = FALSE;
  g_signal_emit (self, signals[SIGNAL_UPGRADE_FINISHED], 0, (int) PROV_UPGRADE_FAILED, data->url,
                 data->version, error->message);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
on_installed (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  ProvUpgrader *self = g_task_get_source_object (task);
  Upgrade *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *text = NULL;

  if (!prov_installer_install_finish (PROV_INSTALLER (source), res, &error))
    {
      fail (task, error);
      return;
    }
  g_info ("firmware %s installed from %s", data->version, data->url);
  save_installed (prov_engine_get_status (self->engine), prov_engine_get_device (self->engine),
                  data->version);
  record (self, data, NULL);
  text = g_strdup_printf ("installed %s", data->version);
  set_var (data->vars, "ERR", text);
  prov_fetch_setup_emit_log (self->setup, PROV_LOG_UPGRADE_SUCCESS, data->vars,
                             prov_fetch_get_id (data->fetch));
  finish (task, PROV_UPGRADE_INSTALLED);
}

static void
on_written (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  ProvUpgrader *self = g_task_get_source_object (task);
  Upgrade *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->image = prov_firmware_image_commit_finish (res, &error);
  g_clear_pointer (&data->file, prov_firmware_image_free);
  if (data->image == NULL)
    {
      fail (task, error);
      return;
    }
  prov_installer_install_async (data->installer, prov_engine_get_device (self->engine),
                                data->image, data->version, g_task_get_cancellable (task),
                                on_installed, task);
}

typedef struct
{
  GTask   *task;
  char    *url;
  guint64  received;
  guint64  total;
} Progress;

static void
progress_free (Progress *progress)
{
  g_object_unref (progress->task);
  g_free (progress->url);
  g_free (progress);
}

static gboolean
emit_progress (gpointer user_data)
{
  Progress *progress = user_data;

  g_signal_emit (g_task_get_source_object (progress->task), signals[SIGNAL_FETCH_PROGRESS], 0,
                 progress->url, progress->received, progress->total);
  return G_SOURCE_REMOVE;
}

/* Transports may report from a worker thread: the signal is emitted in
 * the upgrade's own context, the space check is done where we are. */
static void
on_progress (ProvFetch *fetch, guint64 received, guint64 total, gpointer user_data)
{
  GTask *task = user_data;
  ProvUpgrader *self = g_task_get_source_object (task);
  Upgrade *data = g_task_get_task_data (task);
  Progress *progress = g_new0 (Progress, 1);

  progress->task = g_object_ref (task);
  progress->url = prov_url_mask_secrets (prov_fetch_get_url (fetch));
  progress->received = received;
  progress->total = total;
  g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT, emit_progress,
                              progress, (GDestroyNotify) progress_free);
  /* Stop early when the announced size cannot fit. */
  if (total > 0 && !data->space_checked)
    {
      g_autofree char *dir = firmware_dir (self);

      data->space_checked = TRUE;
      if (!prov_firmware_dir_check_space (dir, total, NULL))
        {
          data->no_space = TRUE;
          g_cancellable_cancel (data->fetch_cancellable);
        }
    }
}

static void
on_fetched (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GTask *task = user_data;
  Upgrade *data = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean ok;

  ok = prov_transport_stream_finish (PROV_TRANSPORT (source), res, &error);
  g_signal_handlers_disconnect_by_func (data->fetch, on_progress, task);
  g_cancellable_disconnect (g_task_get_cancellable (task), data->cancel_id);
  data->cancel_id = 0;
  prov_fetch_setup_log_end (data->fetch);
  if (data->no_space)
    {
      g_clear_error (&error);
      ok = FALSE;
      error = g_error_new (PROV_ERROR, PROV_ERROR_FAILED, "not enough space");
    }
  if (!ok)
    {
      /* The temporary goes with what it holds. */
      g_clear_pointer (&data->file, prov_firmware_image_free);
      fail (task, error);
      return;
    }
  g_info ("[%u] %s: %" G_GUINT64_FORMAT " bytes", prov_fetch_get_id (data->fetch), data->url,
          prov_fetch_get_delivered (data->fetch));
  prov_firmware_image_commit_async (data->file, on_written, task);
}

static void
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static ProvInstaller *
find_installer (ProvRegistry *registry)
{
  GPtrArray *plugins = prov_registry_get_plugins (registry);
  ProvPlugin *best = NULL;

  for (guint i = 0; i < plugins->len; i++)
    {
      ProvPlugin *plugin = plugins->pdata[i];

      if (PROV_IS_INSTALLER (plugin)
          && (best == NULL || prov_plugin_get_priority (plugin) > prov_plugin_get_priority (best)))
        best = plugin;
    }
  return best != NULL ? g_object_ref (PROV_INSTALLER (best)) : NULL;
}

/* Persists the chosen alternative's assignments, as a resync would. */
static gboolean
apply_assignments (ProvUpgrader *self, Upgrade *data, ProvRuleAlt *alt, GError **error)
{
  g_autoptr(ProvChangeSet) changes = prov_change_set_new ();
  /* One budget for all: `a = "$A$A";` over and over would double GPP_A
   * each time. */
  gsize budget = PROV_MACRO_MAX_VALUE_BYTES;

  if (alt->assignments->len == 0)
    return TRUE;
  for (guint i = 0; i < alt->assignments->len; i++)
    {
      ProvAssignment *a = alt->assignments->pdata[i];
      g_autofree char *value = prov_macro_expand_bounded (a->value, data->vars, NULL, &budget);

      if (g_str_has_prefix (a->name, "GPP_") && strlen (a->name) == 5)
        set_var (data->vars, a->name + 4, value);
      prov_change_set_add (changes, a->name, value, PROV_ACCESS_UNSET, "Upgrade_Rule", 0);
    }
  return prov_store_apply (prov_engine_get_store (self->engine), changes, PROV_CALLER_ADMIN, NULL,
                           error);
}

/* From the rule to a transfer under way, or to a result without one. */
static void
upgrade_start (GTask *task)
{
  ProvUpgrader *self = g_task_get_source_object (task);
  Upgrade *data = g_task_get_task_data (task);
  ProvStore *store = prov_engine_get_store (self->engine);
  ProvStatus *status = prov_engine_get_status (self->engine);
  const char *swver = prov_device_get_software_version (prov_engine_get_device (self->engine));
  const char *limit = prov_store_get (store, "Downgrade_Rev_Limit");
  g_autoptr(ProvRule) rule = NULL;
  g_autoptr(GHashTable) secrets = NULL;
  g_autofree char *expanded = NULL;
  g_autofree char *full = NULL;
  g_autofree char *dir = NULL;
  ProvTransport *transport;
  ProvRuleAlt *alt;
  GError *error = NULL;
  int chosen;

  rule = prov_rule_parse (data->rule, &error);
  if (rule == NULL)
    {
      fail (task, error);
      return;
    }
  chosen = prov_rule_choose (rule, data->vars, &error);
  if (error != NULL)
    {
      fail (task, error);
      return;
    }
  if (chosen < 0)
    {
      finish (task, PROV_UPGRADE_NONE);
      return;
    }
  alt = rule->alts->pdata[chosen];
  if (!apply_assignments (self, data, alt, &error))
    {
      fail (task, error);
      return;
    }
  if (alt->url == NULL || alt->url[0] == '\0')
    {
      finish (task, PROV_UPGRADE_NONE);
      return;
    }
  expanded = prov_macro_expand (alt->url, data->vars, NULL);
  /* No host: the one that asked, else the one the profile came from (the
   * seed), else DHCP's. */
  full = prov_fetch_setup_complete_url (
    self->setup, expanded,
    data->server != NULL ? data->server
                         : prov_status_get_string (status, PROV_STATUS_PROFILE_SERVER),
    &error);
  if (full == NULL)
    {
      fail (task, error);
      return;
    }
  /* What status, signals and logs show: never a password. */
  data->url = prov_url_mask_secrets (full);
  data->version = prov_upgrader_image_version (full);
  if (data->version == NULL)
    {
      fail (task, g_error_new (PROV_ERROR, PROV_ERROR_INVALID_RULE, "no image file name in %s",
                               data->url));
      return;
    }
  if (swver != NULL && prov_version_compare (data->version, swver) == 0)
    {
      g_info ("firmware %s is running already: %s not fetched", swver, data->url);
      finish (task, PROV_UPGRADE_CURRENT);
      return;
    }
  if (limit != NULL && limit[0] != '\0' && prov_version_compare (data->version, limit) < 0)
    {
      fail (task, g_error_new (PROV_ERROR, PROV_ERROR_INVALID_VALUE, "downgrade below limit %s",
                               limit));
      return;
    }

  /* From here on this is an attempt: $UPGST says which. */
  prov_status_set_int (status, "UpgradeState", data->cause == PROV_CAUSE_RETRY ? 2 : 1);
  data->installer = find_installer (prov_engine_get_registry (self->engine));
  if (data->installer == NULL)
    {
      fail (task, g_error_new (PROV_ERROR, PROV_ERROR_NOT_SUPPORTED, "no installer plugin"));
      return;
    }
  data->fetch = prov_fetch_setup_new_fetch (self->setup, full, data->vars, &error);
  if (data->fetch == NULL)
    {
      fail (task, error);
      return;
    }
  prov_fetch_set_max_size (data->fetch, (guint64) prov_store_get_int (store, "Max_Firmware_Size"));
  prov_fetch_setup_url_vars (data->vars, data->fetch);
  /* Upgrade_Rule has Profile_Rule's syntax: `[--uid u --pwd p]` answers
   * the firmware server; --key and --alias are not for images. */
  secrets = prov_engine_build_secrets (self->engine);
  if (!prov_fetch_setup_apply_options (self->setup, data->fetch, alt, data->vars, secrets,
                                       &error)
      || !prov_fetch_setup_check_host (data->fetch, &error))
    {
      fail (task, error);
      return;
    }
  transport = prov_registry_lookup_transport (prov_engine_get_registry (self->engine),
                                              prov_fetch_get_scheme (data->fetch));
  if (transport == NULL)
    {
      fail (task, g_error_new (PROV_ERROR, PROV_ERROR_TRANSPORT, "unsupported scheme: %s",
                               prov_fetch_get_scheme (data->fetch)));
      return;
    }
  dir = firmware_dir (self);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      fail (task, g_error_new (PROV_ERROR, PROV_ERROR_FAILED, "cannot create %s: %s", dir,
                               g_strerror (saved)));
      return;
    }

  /* The image goes to its file as it arrives, never whole in memory;
   * Max_Firmware_Size is checked piece by piece on the way. */
  data->file = prov_firmware_image_create (dir, data->version, &error);
  if (data->file == NULL)
    {
      fail (task, error);
      return;
    }
  prov_fetch_set_sink (data->fetch, prov_firmware_image_get_stream (data->file));

  prov_fetch_setup_log_request (self->setup, PROV_LOG_UPGRADE_REQUEST, data->vars,
                                data->fetch);
  data->fetch_cancellable = g_cancellable_new ();
  if (g_task_get_cancellable (task) != NULL)
    data->cancel_id = g_cancellable_connect (g_task_get_cancellable (task),
                                             G_CALLBACK (on_cancelled),
                                             g_object_ref (data->fetch_cancellable),
                                             g_object_unref);
  g_signal_connect (data->fetch, "progress", G_CALLBACK (on_progress), task);
  prov_transport_stream_async (transport, data->fetch, data->fetch_cancellable, on_fetched, task);
}

void
prov_upgrader_upgrade_async (ProvUpgrader        *self,
                             ProvCause            cause,
                             const char          *rule,
                             const char          *server,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  ProvStore *store;
  GTask *task;
  Upgrade *data;
  g_autofree char *upgst = NULL;

  g_return_if_fail (PROV_IS_UPGRADER (self));

  store = prov_engine_get_store (self->engine);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, prov_upgrader_upgrade_async);
  /* Errors are PROV_ERROR, cancellation included. */
  g_task_set_check_cancellable (task, FALSE);
  if (!prov_store_get_bool (store, "Upgrade_Enable"))
    {
      g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_DISABLED,
                               "firmware upgrades are disabled (Upgrade_Enable is No)");
      g_object_unref (task);
      return;
    }
  if (self->busy || self->lines_busy || prov_engine_is_busy (self->engine))
    {
      g_task_return_new_error (task, PROV_ERROR, PROV_ERROR_BUSY, "%s",
                               self->busy         ? "an upgrade is running"
                               : self->lines_busy ? "a line is busy"
                                                  : "a resync is running");
      g_object_unref (task);
      return;
    }
  if (rule == NULL)
    rule = prov_store_get (store, "Upgrade_Rule");
  if (rule == NULL || rule[strspn (rule, " \t\r\n")] == '\0')
    {
      g_task_return_int (task, PROV_UPGRADE_NONE);
      g_object_unref (task);
      return;
    }

  self->busy = TRUE;
  data = g_new0 (Upgrade, 1);
  data->cause = cause;
  data->rule = g_strdup (rule);
  data->server = g_strdup (server);
  data->vars = prov_engine_build_variables (self->engine, cause);
  /* The rule sees the state of this attempt, not of the last one. */
  upgst = g_strdup_printf ("%d", cause == PROV_CAUSE_RETRY ? 2 : 1);
  set_var (data->vars, "UPGST", upgst);
  g_task_set_task_data (task, data, (GDestroyNotify) upgrade_free);
  g_signal_emit (self, signals[SIGNAL_UPGRADE_STARTED], 0, (int) cause);
  upgrade_start (task);
}

ProvUpgradeResult
prov_upgrader_upgrade_finish (ProvUpgrader *self, GAsyncResult *result, GError **error)
{
  GError *local_error = NULL;
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, self), PROV_UPGRADE_FAILED);
  value = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return PROV_UPGRADE_FAILED;
    }
  return (ProvUpgradeResult) value;
}
