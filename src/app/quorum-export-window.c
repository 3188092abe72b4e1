/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-export-window.h"

struct _QuorumExportWindow
{
  AdwWindow           parent_instance;

  /* the template */
  GtkWidget          *export_button;
  GtkWidget          *options_group;
  AdwComboRow        *format_row;
  GtkWidget          *interpolated_row;
  GtkSwitch          *interpolated_switch;
  AdwComboRow        *versions_row;
  GtkWidget          *progress_group;
  GtkProgressBar     *progress_bar;
  GtkLabel           *progress_label;
  GtkLabel           *error_label;

  QuorumClient       *client;
  gint64              job_id;
  char               *job_name;
  GCancellable       *cancellable;   /* of the download under way, or NULL */
  guint               pulse_id;      /* while the server builds the export */
  char               *error;
};

G_DEFINE_FINAL_TYPE (QuorumExportWindow, quorum_export_window, ADW_TYPE_WINDOW)

enum { EXPORTED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The combo rows' positions, as the template lists them. */
enum { FORMAT_COCO, FORMAT_QUORUM };
enum { VERSIONS_ALL, VERSIONS_BEST };

static gboolean
is_coco (QuorumExportWindow *self)
{
  return adw_combo_row_get_selected (self->format_row) == FORMAT_COCO;
}

/* Each option where it means something: interpolated frames in COCO, the
 * versions in the Quorum export. */
static void
update_rows (QuorumExportWindow *self)
{
  gtk_widget_set_visible (self->interpolated_row, is_coco (self));
  gtk_widget_set_visible (GTK_WIDGET (self->versions_row), !is_coco (self));
}

static void
set_busy (QuorumExportWindow *self,
          gboolean            busy)
{
  gtk_widget_set_sensitive (self->options_group, !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "export.choose", !busy);
  gtk_widget_set_visible (self->progress_group, busy);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
}

static void
show_error (QuorumExportWindow *self,
            const char         *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

char *
quorum_export_window_get_api_path (QuorumExportWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_EXPORT_WINDOW (self), NULL);

  if (is_coco (self))
    return g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/export?format=coco%s", self->job_id,
                            gtk_switch_get_active (self->interpolated_switch) ? "" : "&interpolated=false");
  return g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/export?format=quorum&versions=%s", self->job_id,
                          adw_combo_row_get_selected (self->versions_row) == VERSIONS_BEST ? "best" : "all");
}

char *
quorum_export_window_suggest_name (QuorumExportWindow *self)
{
  const char *kind;
  char *name;

  g_return_val_if_fail (QUORUM_IS_EXPORT_WINDOW (self), NULL);

  if (is_coco (self))
    kind = gtk_switch_get_active (self->interpolated_switch) ? "coco" : "coco-as-drawn";
  else
    kind = adw_combo_row_get_selected (self->versions_row) == VERSIONS_BEST ? "quorum-outputs" : "quorum";
  /* TRANSLATORS: a file name: the job's name, then the kind of export */
  name = g_strdup_printf (_("%s — %s.json"), self->job_name != NULL ? self->job_name : _("Job"), kind);
  g_strdelimit (name, "/\\", '-');
  return name;
}

static gboolean
pulse (gpointer user_data)
{
  QuorumExportWindow *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
progressed (goffset  received,
            goffset  total,
            gpointer user_data)
{
  QuorumExportWindow *self = user_data;
  g_autofree char *done = NULL;
  g_autofree char *text = NULL;

  if (self->cancellable == NULL)   /* closed meanwhile */
    return;
  done = g_format_size (received);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  if (total > 0)
    {
      g_autofree char *whole = g_format_size (total);

      /* TRANSLATORS: "12.3 MB of 602.9 MB" */
      text = g_strdup_printf (_("%s of %s"), done, whole);
      gtk_progress_bar_set_fraction (self->progress_bar, (double) received / total);
    }
  else
    {
      text = g_strdup (done);
      gtk_progress_bar_pulse (self->progress_bar);
    }
  gtk_label_set_text (self->progress_label, text);
}

typedef struct {
  QuorumExportWindow *self;
  GFile              *file;
} Download;

static void
download_free (Download *download)
{
  g_object_unref (download->self);
  g_object_unref (download->file);
  g_free (download);
}

static void
downloaded (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Download *download = user_data;
  QuorumExportWindow *self = download->self;
  g_autoptr(GError) error = NULL;
  gboolean done = quorum_client_download_finish (QUORUM_CLIENT (source), result, &error);

  /* Closed meanwhile: nothing to show it in. */
  if (self->cancellable == NULL)
    {
      download_free (download);
      return;
    }
  if (!done)
    {
      g_autofree char *name = g_file_get_basename (download->file);
      g_autofree char *message = g_strdup_printf (_("The export could not be saved as “%s”: %s."), name,
                                                  error->message);

      g_clear_object (&self->cancellable);
      set_busy (self, FALSE);
      show_error (self, message);
      download_free (download);
      return;
    }
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
  g_signal_emit (self, signals[EXPORTED], 0, download->file);
  gtk_window_close (GTK_WINDOW (self));
  download_free (download);
}

void
quorum_export_window_export_to (QuorumExportWindow *self,
                                GFile              *file)
{
  g_autofree char *path = NULL;
  g_autofree char *api_path = NULL;
  Download *download;

  g_return_if_fail (QUORUM_IS_EXPORT_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (self->cancellable == NULL);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      show_error (self, _("The export can only be saved to a local folder."));
      return;
    }
  show_error (self, NULL);
  set_busy (self, TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  /* The server builds the whole document before its first byte. */
  gtk_label_set_text (self->progress_label, _("The server is preparing the export…"));
  self->pulse_id = g_timeout_add (150, pulse, self);
  self->cancellable = g_cancellable_new ();
  api_path = quorum_export_window_get_api_path (self);
  download = g_new0 (Download, 1);
  download->self = g_object_ref (self);
  download->file = g_object_ref (file);
  quorum_client_download_with_progress_async (self->client, api_path, path, progressed, self, self->cancellable,
                                              downloaded, download);
}

static void
chooser_response (GtkNativeDialog    *chooser,
                  int                 response,
                  QuorumExportWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL && self->cancellable == NULL)
        quorum_export_window_export_to (self, file);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
choose (QuorumExportWindow *self)
{
  /* GtkFileDialog is GTK 4.10: the native chooser, deprecated there, is ours. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Export Annotations"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                                               _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = quorum_export_window_suggest_name (self);

  gtk_file_filter_set_name (filter, _("JSON files"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  choose (QUORUM_EXPORT_WINDOW (widget));
}

void
quorum_export_window_set_format (QuorumExportWindow *self,
                                 const char         *format)
{
  g_return_if_fail (QUORUM_IS_EXPORT_WINDOW (self));
  g_return_if_fail (g_strcmp0 (format, "coco") == 0 || g_strcmp0 (format, "quorum") == 0);

  adw_combo_row_set_selected (self->format_row, g_str_equal (format, "coco") ? FORMAT_COCO : FORMAT_QUORUM);
}

void
quorum_export_window_set_interpolated (QuorumExportWindow *self,
                                       gboolean            interpolated)
{
  g_return_if_fail (QUORUM_IS_EXPORT_WINDOW (self));
  gtk_switch_set_active (self->interpolated_switch, interpolated);
}

void
quorum_export_window_set_all_versions (QuorumExportWindow *self,
                                       gboolean            all_versions)
{
  g_return_if_fail (QUORUM_IS_EXPORT_WINDOW (self));
  adw_combo_row_set_selected (self->versions_row, all_versions ? VERSIONS_ALL : VERSIONS_BEST);
}

gboolean
quorum_export_window_is_busy (QuorumExportWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_EXPORT_WINDOW (self), FALSE);
  return self->cancellable != NULL;
}

const char *
quorum_export_window_get_error (QuorumExportWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_EXPORT_WINDOW (self), NULL);
  return self->error;
}

static void
quorum_export_window_dispose (GObject *object)
{
  QuorumExportWindow *self = QUORUM_EXPORT_WINDOW (object);

  /* Closed while it downloads: the download stops, its part removed. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object), QUORUM_TYPE_EXPORT_WINDOW);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (quorum_export_window_parent_class)->dispose (object);
}

static void
quorum_export_window_finalize (GObject *object)
{
  QuorumExportWindow *self = QUORUM_EXPORT_WINDOW (object);

  g_free (self->job_name);
  g_free (self->error);
  G_OBJECT_CLASS (quorum_export_window_parent_class)->finalize (object);
}

static void
quorum_export_window_class_init (QuorumExportWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_export_window_dispose;
  object_class->finalize = quorum_export_window_finalize;

  /**
   * QuorumExportWindow::exported:
   * @file: where the whole export now is
   */
  signals[EXPORTED] = g_signal_new ("exported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 1, G_TYPE_FILE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-export-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumExportWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumExportWindow, options_group);
  gtk_widget_class_bind_template_child (widget_class, QuorumExportWindow, format_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumExportWindow, interpolated_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumExportWindow, interpolated_switch);
  gtk_widget_class_bind_template_child (widget_class, QuorumExportWindow, versions_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumExportWindow, progress_group);
  gtk_widget_class_bind_template_child (widget_class, QuorumExportWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, QuorumExportWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumExportWindow, error_label);

  gtk_widget_class_install_action (widget_class, "export.choose", NULL, choose_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
quorum_export_window_init (QuorumExportWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->format_row, "notify::selected", G_CALLBACK (update_rows), self);
  update_rows (self);
}

QuorumExportWindow *
quorum_export_window_new (GtkWindow    *parent,
                          QuorumClient *client,
                          gint64        job_id,
                          const char   *job_name)
{
  QuorumExportWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (QUORUM_IS_CLIENT (client), NULL);
  g_return_val_if_fail (job_id > 0, NULL);

  self = g_object_new (QUORUM_TYPE_EXPORT_WINDOW, "transient-for", parent, NULL);
  self->client = g_object_ref (client);
  self->job_id = job_id;
  self->job_name = g_strdup (job_name);
  return self;
}
