/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-error.h"
#include "quorum-guide-editor.h"
#include "quorum-guide-images.h"
#include "quorum-session.h"

/* Typing redraws the preview once it pauses this long. */
#define PREVIEW_DELAY_MS 150

struct _QuorumGuideEditor
{
  AdwWindow             parent_instance;

  /* the template */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *error_page;
  GtkListBox           *guide_list;
  GtkEditable          *name_row;
  GtkTextView          *source_view;
  QuorumGuideView      *preview;
  GtkMenuButton        *history_button;
  GtkPopover           *history_popover;
  GtkListBox           *history_list;
  GtkLabel             *version_label;
  GtkRevealer          *old_revealer;
  GtkLabel             *old_label;

  QuorumSession        *session;
  GCancellable         *cancellable;
  gint64                project_id;
  JsonArray            *guides;         /* GET /projects/{id}/guides: without text */
  gint64                guide;          /* shown; 0: new */
  gint64                version;        /* of the guide as the server had it when read; 0: new */
  JsonArray            *history;        /* GET /guides/{id}/versions, newest first */
  JsonObject           *old;            /* GET /guides/{id}/versions/{n} shown read-only; NULL: none */
  gint64                pending;        /* to show once a discard is confirmed; -1: none */
  JsonObject           *pictures;       /* the project's files by name: name → id */
  QuorumGuideImages    *images;
  guint                 generation;     /* of the pictures given to images */
  guint                 preview_id;
  guint                 loading;
  gboolean              dirty;
  gboolean              filling;
};

G_DEFINE_FINAL_TYPE (QuorumGuideEditor, quorum_guide_editor, ADW_TYPE_WINDOW)

static void load_guides (QuorumGuideEditor *self, gint64 select);
static void show_guide  (QuorumGuideEditor *self, gint64 guide);
static void leave_old   (QuorumGuideEditor *self);

static void
show_toast (QuorumGuideEditor *self,
            const char        *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* "The guide could not be saved. The project already has a guide …" */
static void
show_error (QuorumGuideEditor *self,
            const char        *what,
            const GError      *error)
{
  g_autofree char *why = quorum_error_to_sentence (error->message);
  g_autofree char *message = g_strdup_printf ("%s %s", what, why);

  show_toast (self, message);
}

static void
update_actions (QuorumGuideEditor *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "guides.save",
                                 self->dirty && self->loading == 0 && self->old == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "guides.restore", self->old != NULL && self->loading == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "guides.current", self->old != NULL);
  /* Unsaved changes are saved or discarded before an old version is
   * shown: a restore would otherwise lose them. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->history_button), self->guide > 0 && !self->dirty);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->history_button),
                               self->guide > 0 && self->dirty ? _("History (save or discard the changes first)")
                                                              : _("History"));
}

/* "5 Dec 2026, 14:03" from seconds since the epoch. */
static char *
format_time (gint64 seconds)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (seconds);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  return local != NULL ? g_date_time_format (local, "%-d %b %Y, %H:%M") : g_strdup ("");
}

/* "saved 5 Dec 2026, 14:03 by tom": when and by whom @object (a guide or
 * one of its versions) was saved; @time and @author name its members. */
static char *
describe_saved (JsonObject *object,
                const char *time,
                const char *author)
{
  g_autofree char *when = format_time (json_object_get_int_member_with_default (object, time, 0));
  const char *who = json_object_get_string_member_with_default (object, author, NULL);

  if (who != NULL)
    /* TRANSLATORS: a date and time, then a user name */
    return g_strdup_printf (_("saved %s by %s"), when, who);
  /* TRANSLATORS: a date and time */
  return g_strdup_printf (_("saved %s"), when);
}

static void
tell_version (QuorumGuideEditor *self,
              JsonObject        *guide)
{
  g_autofree char *saved = NULL;
  g_autofree char *text = NULL;

  if (guide == NULL)
    {
      gtk_label_set_label (self->version_label, _("A new guide, not saved yet"));
      return;
    }
  saved = describe_saved (guide, "updated_at", "updated_by_name");
  /* TRANSLATORS: "Version 3, saved 5 Dec 2026, 14:03 by tom" */
  text = g_strdup_printf (_("Version %" G_GINT64_FORMAT ", %s"), self->version, saved);
  gtk_label_set_label (self->version_label, text);
}

static void
set_dirty (QuorumGuideEditor *self,
           gboolean           dirty)
{
  self->dirty = dirty;
  update_actions (self);
}

static void
busy (QuorumGuideEditor *self,
      int                by)
{
  self->loading += by;
  if (self->loading > 0)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  update_actions (self);
}

static char *
source_text (QuorumGuideEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->source_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* ---- the preview ------------------------------------------------------------------ */

/* The pictures the text names, as the server will resolve them for a
 * guide's readers: the project's files by name. */
static void
give_pictures (QuorumGuideEditor *self)
{
  quorum_guide_images_set_task (self->images, self->session, ++self->generation, self->pictures,
                                self->cancellable);
}

static gboolean
preview_now (gpointer data)
{
  QuorumGuideEditor *self = data;
  g_autofree char *text = source_text (self);

  self->preview_id = 0;
  give_pictures (self);
  quorum_guide_view_set_markdown (self->preview, text);
  return G_SOURCE_REMOVE;
}

static void
on_source_changed (QuorumGuideEditor *self)
{
  if (self->preview_id == 0)
    self->preview_id = g_timeout_add (PREVIEW_DELAY_MS, preview_now, self);
  if (!self->filling)
    set_dirty (self, TRUE);
}

static void
on_name_changed (QuorumGuideEditor *self)
{
  if (!self->filling)
    set_dirty (self, TRUE);
}

/* ---- the list of guides ------------------------------------------------------------- */

static void
fill_list (QuorumGuideEditor *self)
{
  GtkWidget *child;

  self->filling = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->guide_list))) != NULL)
    gtk_list_box_remove (self->guide_list, child);
  for (guint i = 0; self->guides != NULL && i < json_array_get_length (self->guides); i++)
    {
      JsonObject *guide = json_array_get_object_element (self->guides, i);
      GtkWidget *label = gtk_label_new (json_object_get_string_member_with_default (guide, "name", ""));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_set_margin_start (label, 12);
      gtk_widget_set_margin_end (label, 12);
      gtk_widget_set_margin_top (label, 10);
      gtk_widget_set_margin_bottom (label, 10);
      gtk_list_box_append (self->guide_list, label);
      if (json_object_get_int_member_with_default (guide, "id", 0) == self->guide)
        gtk_list_box_select_row (self->guide_list, gtk_list_box_get_row_at_index (self->guide_list, i));
    }
  self->filling = FALSE;
}

static gint64
guide_at (QuorumGuideEditor *self,
          guint              index)
{
  if (self->guides == NULL || index >= json_array_get_length (self->guides))
    return 0;
  return json_object_get_int_member_with_default (json_array_get_object_element (self->guides, index), "id", 0);
}

static void
discard_response (AdwMessageDialog  *dialog,
                  const char        *response,
                  QuorumGuideEditor *self)
{
  gint64 pending = self->pending;

  self->pending = -1;
  if (g_str_equal (response, "discard"))
    {
      set_dirty (self, FALSE);
      if (pending >= 0)
        show_guide (self, pending);
    }
  else
    fill_list (self);   /* the row of the guide still shown */
}

/* Another guide (or a new one, @guide 0) over unsaved changes asks first. */
static void
go_to (QuorumGuideEditor *self,
       gint64             guide)
{
  GtkWidget *dialog;

  if (!self->dirty)
    {
      show_guide (self, guide);
      return;
    }
  self->pending = guide;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Discard Changes to the Guide?"),
                                   _("The changes were not saved. Discarding them keeps the guide as the server has it."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "keep", _("_Keep Editing"),
                                    "discard", _("_Discard"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_row_activated (QuorumGuideEditor *self,
                  GtkListBoxRow     *row)
{
  gint64 guide = guide_at (self, gtk_list_box_row_get_index (row));

  if (!self->filling && guide != self->guide)
    go_to (self, guide);
}

/* ---- one guide ------------------------------------------------------------------------ */

static void
fill_guide (QuorumGuideEditor *self,
            const char        *name,
            const char        *markdown)
{
  leave_old (self);
  self->filling = TRUE;
  gtk_editable_set_text (self->name_row, name);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->source_view), markdown, -1);
  self->filling = FALSE;
  set_dirty (self, FALSE);
  g_clear_handle_id (&self->preview_id, g_source_remove);
  preview_now (self);
  gtk_stack_set_visible_child_name (self->stack, "guide");
  fill_list (self);
}

static void
got_guide (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(QuorumGuideEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) guide = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  JsonObject *object;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  busy (self, -1);
  if (guide == NULL || !JSON_NODE_HOLDS_OBJECT (guide))
    {
      if (error != NULL)
        show_error (self, _("The guide could not be read."), error);
      return;
    }
  object = json_node_get_object (guide);
  self->guide = json_object_get_int_member_with_default (object, "id", 0);
  self->version = json_object_get_int_member_with_default (object, "version", 1);
  fill_guide (self, json_object_get_string_member_with_default (object, "name", ""),
              json_object_get_string_member_with_default (object, "markdown", ""));
  tell_version (self, object);
}

static void
show_guide (QuorumGuideEditor *self,
            gint64             guide)
{
  g_autofree char *path = NULL;

  if (guide == 0)
    {
      self->guide = 0;
      self->version = 0;
      fill_guide (self, "", "");
      tell_version (self, NULL);
      gtk_list_box_unselect_all (self->guide_list);
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
      return;
    }
  path = g_strdup_printf ("/guides/%" G_GINT64_FORMAT, guide);
  busy (self, 1);
  quorum_client_call_async (quorum_session_get_client (self->session), "GET", path, NULL,
                            self->cancellable, got_guide, g_object_ref (self));
}

/* ---- the project's guides and files ------------------------------------------------------ */

typedef struct {
  QuorumGuideEditor *self;
  gint64             select;
} Listing;

static void
got_guides (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Listing *listing = user_data;
  g_autoptr(QuorumGuideEditor) self = listing->self;
  gint64 select = listing->select;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) guides = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  g_free (listing);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  busy (self, -1);
  if (guides == NULL || !JSON_NODE_HOLDS_ARRAY (guides))
    {
      g_autofree char *why = quorum_error_to_sentence (error != NULL ? error->message : _("The server's answer is not a list."));

      adw_status_page_set_description (self->error_page, why);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  g_clear_pointer (&self->guides, json_array_unref);
  self->guides = json_array_ref (json_node_get_array (guides));
  if (select < 0)
    select = guide_at (self, 0);
  if (select > 0)
    show_guide (self, select);
  else
    {
      fill_list (self);
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
}

static void
load_guides (QuorumGuideEditor *self,
             gint64             select)
{
  g_autofree char *path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/guides", self->project_id);
  Listing *listing = g_new0 (Listing, 1);

  listing->self = g_object_ref (self);
  listing->select = select;
  busy (self, 1);
  quorum_client_call_async (quorum_session_get_client (self->session), "GET", path, NULL,
                            self->cancellable, got_guides, listing);
}

/* Adds a project file to the pictures the text may name. */
static void
add_picture (QuorumGuideEditor *self,
             JsonObject        *file)
{
  const char *name = json_object_get_string_member_with_default (file, "name", NULL);
  const char *type = json_object_get_string_member_with_default (file, "media_type", "");

  /* The first file of a name is the one a guide's readers get. */
  if (name != NULL && g_str_has_prefix (type, "image/") && !json_object_has_member (self->pictures, name))
    json_object_set_int_member (self->pictures, name, json_object_get_int_member_with_default (file, "id", 0));
}

static void
got_files (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(QuorumGuideEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) files = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  busy (self, -1);
  if (files == NULL || !JSON_NODE_HOLDS_ARRAY (files))
    {
      if (error != NULL)
        show_error (self, _("The project’s pictures could not be listed."), error);
      return;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (files)); i++)
    add_picture (self, json_array_get_object_element (json_node_get_array (files), i));
  preview_now (self);
}

static void
load (QuorumGuideEditor *self,
      gint64             select)
{
  g_autofree char *files = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/files", self->project_id);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading = 0;
  if (self->guides == NULL)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  busy (self, 1);
  quorum_client_call_async (quorum_session_get_client (self->session), "GET", files, NULL,
                            self->cancellable, got_files, g_object_ref (self));
  load_guides (self, select);
}

/* ---- pictures, dropped or chosen ------------------------------------------------------------- */

static void
uploaded (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(QuorumGuideEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) file = quorum_client_upload_finish (QUORUM_CLIENT (source), result, NULL, &error);
  GtkTextBuffer *buffer;
  JsonObject *object;
  const char *name;
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  busy (self, -1);
  if (file == NULL || !JSON_NODE_HOLDS_OBJECT (file))
    {
      if (error != NULL)
        show_error (self, _("The picture could not be added."), error);
      return;
    }
  object = json_node_get_object (file);
  name = json_object_get_string_member_with_default (object, "name", "");
  if (!g_str_has_prefix (json_object_get_string_member_with_default (object, "media_type", ""), "image/"))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a picture; a guide shows pictures only."), name);

      show_toast (self, message);
      return;
    }
  add_picture (self, object);
  /* A name with brackets or parentheses would end the Markdown early. */
  text = strpbrk (name, "[]()<> \t") != NULL
         ? g_strdup_printf ("![%s](<%s>)\n", name, name) : g_strdup_printf ("![%s](%s)\n", name, name);
  buffer = gtk_text_view_get_buffer (self->source_view);
  gtk_text_buffer_insert_at_cursor (buffer, text, -1);
}

void
quorum_guide_editor_insert_files (QuorumGuideEditor *self,
                                  GSList            *files)
{
  g_return_if_fail (QUORUM_IS_GUIDE_EDITOR (self));

  for (GSList *l = files; l != NULL; l = l->next)
    {
      g_autofree char *path = g_file_get_path (l->data);

      if (path == NULL)
        continue;
      busy (self, 1);
      quorum_client_upload_async (quorum_session_get_client (self->session), self->project_id, path, NULL,
                                  NULL, NULL, self->cancellable, uploaded, g_object_ref (self));
    }
}

static gboolean
on_drop (GtkDropTarget     *target,
         const GValue      *value,
         double             x,
         double             y,
         QuorumGuideEditor *self)
{
  GtkTextIter iter;
  int bx, by;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  /* Where the pictures fall is where they go. */
  gtk_text_view_window_to_buffer_coords (self->source_view, GTK_TEXT_WINDOW_WIDGET, (int) x, (int) y, &bx, &by);
  if (gtk_text_view_get_iter_at_location (self->source_view, &iter, bx, by))
    gtk_text_buffer_place_cursor (gtk_text_view_get_buffer (self->source_view), &iter);
  quorum_guide_editor_insert_files (self, g_value_get_boxed (value));
  return TRUE;
}

static void
chooser_response (GtkNativeDialog   *chooser,
                  int                response,
                  QuorumGuideEditor *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      GSList *list = NULL;

      for (guint i = g_list_model_get_n_items (files); i > 0; i--)
        list = g_slist_prepend (list, g_list_model_get_item (files, i - 1));
      quorum_guide_editor_insert_files (self, list);
      g_slist_free_full (list, g_object_unref);
    }
  g_object_unref (chooser);
}

static void
choose_pictures (QuorumGuideEditor *self)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Insert Pictures"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Insert"), NULL);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Pictures"));
  gtk_file_filter_add_pixbuf_formats (filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- saving ---------------------------------------------------------------------------------- */

/* The server refused a save from a version older than its own. */
static gboolean
is_stale (const GError *error)
{
  return g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_CONFLICT) &&
         g_str_has_prefix (error->message, "expected_version:");
}

static void
stale_response (AdwMessageDialog  *dialog,
                const char        *response,
                QuorumGuideEditor *self)
{
  if (!g_str_equal (response, "reload"))
    return;
  set_dirty (self, FALSE);
  show_guide (self, self->guide);
  load_guides (self, self->guide);
}

/* Another editor saved the guide since it was read: nothing of theirs is
 * overwritten; reloading shows their version. */
static void
offer_reload (QuorumGuideEditor *self)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Someone Else Saved This Guide"),
                                              _("The guide was saved by someone else since you opened it, so your "
                                                "save was refused rather than overwrite theirs. Reload it to see "
                                                "their version; your changes are then lost, so copy them first if "
                                                "you need them."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "keep", _("_Keep Editing"),
                                    "reload", _("_Reload"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "reload", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "reload");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (stale_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* {"name", "markdown", "expected_version"}: the version it was read at,
 * so that a save over another editor's is refused. */
static JsonNode *
guide_body (QuorumGuideEditor *self,
            const char        *name,
            const char        *markdown)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "markdown");
  json_builder_add_string_value (builder, markdown);
  if (self->guide > 0 && self->version > 0)
    {
      json_builder_set_member_name (builder, "expected_version");
      json_builder_add_int_value (builder, self->version);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
saved (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  g_autoptr(QuorumGuideEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) guide = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  gint64 id;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  busy (self, -1);
  if (guide == NULL || !JSON_NODE_HOLDS_OBJECT (guide))
    {
      if (is_stale (error))
        offer_reload (self);
      else if (error != NULL)
        show_error (self, _("The guide could not be saved."), error);
      return;
    }
  id = json_object_get_int_member_with_default (json_node_get_object (guide), "id", 0);
  self->version = json_object_get_int_member_with_default (json_node_get_object (guide), "version", 1);
  tell_version (self, json_node_get_object (guide));
  set_dirty (self, FALSE);
  show_toast (self, _("Guide saved"));
  self->guide = id;
  load_guides (self, id);
}

static void
save (QuorumGuideEditor *self)
{
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *text = source_text (self);
  g_autofree char *path = NULL;

  if (!self->dirty || self->loading > 0 || self->old != NULL)
    return;
  body = guide_body (self, gtk_editable_get_text (self->name_row), text);
  path = self->guide == 0 ? g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/guides", self->project_id)
                          : g_strdup_printf ("/guides/%" G_GINT64_FORMAT, self->guide);
  busy (self, 1);
  quorum_client_call_async (quorum_session_get_client (self->session), self->guide == 0 ? "POST" : "PUT",
                            path, body, self->cancellable, saved, g_object_ref (self));
}

/* ---- history ------------------------------------------------------------------------------------ */

static void
fill_history (QuorumGuideEditor *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->history_list))) != NULL)
    gtk_list_box_remove (self->history_list, child);
  for (guint i = 0; self->history != NULL && i < json_array_get_length (self->history); i++)
    {
      JsonObject *version = json_array_get_object_element (self->history, i);
      gint64 number = json_object_get_int_member_with_default (version, "number", 0);
      g_autofree char *saved = describe_saved (version, "created", "author_name");
      g_autofree char *title = number == self->version
                               /* TRANSLATORS: a guide's version number */
                               ? g_strdup_printf (_("Version %" G_GINT64_FORMAT " (current)"), number)
                               : g_strdup_printf (_("Version %" G_GINT64_FORMAT), number);
      /* TRANSLATORS: the guide's name in that version, then when and by whom it was saved */
      g_autofree char *subtitle = g_strdup_printf (_("%s — %s"),
                                                   json_object_get_string_member_with_default (version, "name", ""),
                                                   saved);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_list_box_append (self->history_list, row);
    }
  if (self->history != NULL && json_array_get_length (self->history) == 0)
    {
      GtkWidget *label = gtk_label_new (_("No version saved yet"));

      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_margin_top (label, 12);
      gtk_widget_set_margin_bottom (label, 12);
      gtk_list_box_append (self->history_list, label);
    }
}

static void
got_history (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(QuorumGuideEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) versions = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  busy (self, -1);
  if (versions == NULL || !JSON_NODE_HOLDS_ARRAY (versions))
    {
      gtk_popover_popdown (self->history_popover);
      if (error != NULL)
        show_error (self, _("The guide’s versions could not be listed."), error);
      return;
    }
  g_clear_pointer (&self->history, json_array_unref);
  self->history = json_array_ref (json_node_get_array (versions));
  fill_history (self);
}

void
quorum_guide_editor_load_history (QuorumGuideEditor *self)
{
  g_autofree char *path = NULL;

  g_return_if_fail (QUORUM_IS_GUIDE_EDITOR (self));
  if (self->guide <= 0)
    return;
  path = g_strdup_printf ("/guides/%" G_GINT64_FORMAT "/versions", self->guide);
  busy (self, 1);
  quorum_client_call_async (quorum_session_get_client (self->session), "GET", path, NULL,
                            self->cancellable, got_history, g_object_ref (self));
}

static void
on_history_shown (QuorumGuideEditor *self)
{
  g_clear_pointer (&self->history, json_array_unref);
  fill_history (self);
  quorum_guide_editor_load_history (self);
}

/* The text as it is again: the old version shown read-only goes. */
static void
leave_old (QuorumGuideEditor *self)
{
  if (self->old == NULL)
    return;
  g_clear_pointer (&self->old, json_object_unref);
  gtk_revealer_set_reveal_child (self->old_revealer, FALSE);
  gtk_text_view_set_editable (self->source_view, TRUE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->source_view), "dim-label");
  gtk_editable_set_editable (self->name_row, TRUE);
  preview_now (self);
  update_actions (self);
}

static void
got_old_version (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(QuorumGuideEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) version = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  JsonObject *object;
  g_autofree char *saved = NULL;
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  busy (self, -1);
  if (version == NULL || !JSON_NODE_HOLDS_OBJECT (version))
    {
      if (error != NULL)
        show_error (self, _("The version could not be read."), error);
      return;
    }
  object = json_node_get_object (version);
  g_clear_pointer (&self->old, json_object_unref);
  self->old = json_object_ref (object);
  saved = describe_saved (object, "created", "author_name");
  /* TRANSLATORS: "Version 2, saved 5 Dec 2026, 14:03 by tom, shown read-only. Restoring it saves it as version 6." */
  text = g_strdup_printf (_("Version %" G_GINT64_FORMAT ", %s, shown read-only. Restoring it saves it as version "
                            "%" G_GINT64_FORMAT "."),
                          json_object_get_int_member_with_default (object, "number", 0), saved, self->version + 1);
  gtk_label_set_label (self->old_label, text);
  gtk_revealer_set_reveal_child (self->old_revealer, TRUE);
  /* Not insensitive: the focus may be in them. */
  gtk_text_view_set_editable (self->source_view, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->source_view), "dim-label");
  gtk_editable_set_editable (self->name_row, FALSE);
  g_clear_handle_id (&self->preview_id, g_source_remove);
  give_pictures (self);
  quorum_guide_view_set_markdown (self->preview, json_object_get_string_member_with_default (object, "markdown", ""));
  update_actions (self);
}

void
quorum_guide_editor_show_version (QuorumGuideEditor *self,
                                  gint64             number)
{
  g_autofree char *path = NULL;

  g_return_if_fail (QUORUM_IS_GUIDE_EDITOR (self));
  if (self->guide <= 0 || self->dirty)
    return;
  if (number == self->version)
    {
      leave_old (self);
      return;
    }
  path = g_strdup_printf ("/guides/%" G_GINT64_FORMAT "/versions/%" G_GINT64_FORMAT, self->guide, number);
  busy (self, 1);
  quorum_client_call_async (quorum_session_get_client (self->session), "GET", path, NULL,
                            self->cancellable, got_old_version, g_object_ref (self));
}

static void
on_history_activated (QuorumGuideEditor *self,
                      GtkListBoxRow     *row)
{
  int index = gtk_list_box_row_get_index (row);

  if (self->history == NULL || index < 0 || (guint) index >= json_array_get_length (self->history))
    return;
  gtk_popover_popdown (self->history_popover);
  quorum_guide_editor_show_version (self, json_object_get_int_member_with_default (
                                            json_array_get_object_element (self->history, index), "number", 0));
}

typedef struct {
  QuorumGuideEditor *self;
  gint64             number;   /* the version restored */
} Restoring;

static void
restored (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Restoring *restoring = user_data;
  g_autoptr(QuorumGuideEditor) self = restoring->self;
  gint64 number = restoring->number;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) guide = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  g_autofree char *message = NULL;
  JsonObject *object;

  g_free (restoring);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  busy (self, -1);
  if (guide == NULL || !JSON_NODE_HOLDS_OBJECT (guide))
    {
      if (is_stale (error))
        offer_reload (self);
      else if (error != NULL)
        show_error (self, _("The version could not be restored."), error);
      return;
    }
  object = json_node_get_object (guide);
  self->version = json_object_get_int_member_with_default (object, "version", self->version);
  fill_guide (self, json_object_get_string_member_with_default (object, "name", ""),
              json_object_get_string_member_with_default (object, "markdown", ""));
  tell_version (self, object);
  /* TRANSLATORS: "Version 2 restored as version 6" */
  message = g_strdup_printf (_("Version %" G_GINT64_FORMAT " restored as version %" G_GINT64_FORMAT),
                             number, self->version);
  show_toast (self, message);
  load_guides (self, self->guide);
}

static void
restore (QuorumGuideEditor *self)
{
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  Restoring *restoring;

  if (self->old == NULL || self->loading > 0)
    return;
  body = guide_body (self, json_object_get_string_member_with_default (self->old, "name", ""),
                     json_object_get_string_member_with_default (self->old, "markdown", ""));
  path = g_strdup_printf ("/guides/%" G_GINT64_FORMAT, self->guide);
  restoring = g_new0 (Restoring, 1);
  restoring->self = g_object_ref (self);
  restoring->number = json_object_get_int_member_with_default (self->old, "number", 0);
  busy (self, 1);
  quorum_client_call_async (quorum_session_get_client (self->session), "PUT", path, body, self->cancellable,
                            restored, restoring);
}

/* ---- actions and closing ----------------------------------------------------------------------- */

static void
editor_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  QuorumGuideEditor *self = QUORUM_GUIDE_EDITOR (widget);

  if (g_str_equal (action_name, "guides.new"))
    go_to (self, 0);
  else if (g_str_equal (action_name, "guides.save"))
    save (self);
  else if (g_str_equal (action_name, "guides.insert-pictures"))
    choose_pictures (self);
  else if (g_str_equal (action_name, "guides.restore"))
    restore (self);
  else if (g_str_equal (action_name, "guides.current"))
    leave_old (self);
  else
    load (self, self->guide > 0 ? self->guide : -1);
}

static gboolean
close_later (gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

static void
close_response (AdwMessageDialog  *dialog,
                const char        *response,
                QuorumGuideEditor *self)
{
  /* Closed after the dialog is done with its response. */
  if (g_str_equal (response, "discard"))
    {
      set_dirty (self, FALSE);
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_later, g_object_ref (self), g_object_unref);
    }
}

static gboolean
quorum_guide_editor_close_request (GtkWindow *window)
{
  QuorumGuideEditor *self = QUORUM_GUIDE_EDITOR (window);
  GtkWidget *dialog;

  if (!self->dirty)
    return GTK_WINDOW_CLASS (quorum_guide_editor_parent_class)->close_request (window);
  dialog = adw_message_dialog_new (window, _("Discard Changes to the Guide?"),
                                   _("The changes were not saved. Discarding them keeps the guide as the server has it."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "keep", _("_Keep Editing"),
                                    "discard", _("_Discard"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (close_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* ---- for tests ------------------------------------------------------------------------------------ */

gboolean
quorum_guide_editor_get_loading (QuorumGuideEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_GUIDE_EDITOR (self), FALSE);
  return self->loading > 0;
}

gboolean
quorum_guide_editor_get_dirty (QuorumGuideEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_GUIDE_EDITOR (self), FALSE);
  return self->dirty;
}

gint64
quorum_guide_editor_get_version (QuorumGuideEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_GUIDE_EDITOR (self), 0);
  return self->version;
}

gint64
quorum_guide_editor_get_shown_version (QuorumGuideEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_GUIDE_EDITOR (self), 0);
  return self->old != NULL ? json_object_get_int_member_with_default (self->old, "number", 0) : 0;
}

JsonArray *
quorum_guide_editor_get_history (QuorumGuideEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_GUIDE_EDITOR (self), NULL);
  return self->history;
}

const char *
quorum_guide_editor_get_version_text (QuorumGuideEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_GUIDE_EDITOR (self), NULL);
  return gtk_label_get_label (self->version_label);
}

gint64
quorum_guide_editor_get_guide (QuorumGuideEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_GUIDE_EDITOR (self), 0);
  return self->guide;
}

guint
quorum_guide_editor_get_n_guides (QuorumGuideEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_GUIDE_EDITOR (self), 0);
  return self->guides != NULL ? json_array_get_length (self->guides) : 0;
}

void
quorum_guide_editor_select (QuorumGuideEditor *self,
                            guint              index)
{
  GtkListBoxRow *row;

  g_return_if_fail (QUORUM_IS_GUIDE_EDITOR (self));
  row = gtk_list_box_get_row_at_index (self->guide_list, index);
  if (row != NULL)
    g_signal_emit_by_name (self->guide_list, "row-activated", row);
}

GtkEditable *
quorum_guide_editor_get_name_row (QuorumGuideEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_GUIDE_EDITOR (self), NULL);
  return self->name_row;
}

GtkTextBuffer *
quorum_guide_editor_get_source (QuorumGuideEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_GUIDE_EDITOR (self), NULL);
  return gtk_text_view_get_buffer (self->source_view);
}

QuorumGuideView *
quorum_guide_editor_get_preview (QuorumGuideEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_GUIDE_EDITOR (self), NULL);
  return self->preview;
}

/* ---- GObject ------------------------------------------------------------------------------------ */

static void
quorum_guide_editor_dispose (GObject *object)
{
  QuorumGuideEditor *self = QUORUM_GUIDE_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->preview_id, g_source_remove);
  g_clear_object (&self->images);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (quorum_guide_editor_parent_class)->dispose (object);
}

static void
quorum_guide_editor_finalize (GObject *object)
{
  QuorumGuideEditor *self = QUORUM_GUIDE_EDITOR (object);

  g_clear_pointer (&self->guides, json_array_unref);
  g_clear_pointer (&self->pictures, json_object_unref);
  g_clear_pointer (&self->history, json_array_unref);
  g_clear_pointer (&self->old, json_object_unref);
  G_OBJECT_CLASS (quorum_guide_editor_parent_class)->finalize (object);
}

static void
quorum_guide_editor_class_init (QuorumGuideEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = quorum_guide_editor_dispose;
  object_class->finalize = quorum_guide_editor_finalize;
  window_class->close_request = quorum_guide_editor_close_request;

  g_type_ensure (QUORUM_TYPE_GUIDE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-guide-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumGuideEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QuorumGuideEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, QuorumGuideEditor, stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumGuideEditor, spinner);
  gtk_widget_class_bind_template_child (widget_class, QuorumGuideEditor, error_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumGuideEditor, guide_list);
  gtk_widget_class_bind_template_child (widget_class, QuorumGuideEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, QuorumGuideEditor, source_view);
  gtk_widget_class_bind_template_child (widget_class, QuorumGuideEditor, preview);
  gtk_widget_class_bind_template_child (widget_class, QuorumGuideEditor, history_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumGuideEditor, history_popover);
  gtk_widget_class_bind_template_child (widget_class, QuorumGuideEditor, history_list);
  gtk_widget_class_bind_template_child (widget_class, QuorumGuideEditor, version_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumGuideEditor, old_revealer);
  gtk_widget_class_bind_template_child (widget_class, QuorumGuideEditor, old_label);
  gtk_widget_class_bind_template_callback (widget_class, on_history_shown);
  gtk_widget_class_bind_template_callback (widget_class, on_history_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);

  gtk_widget_class_install_action (widget_class, "guides.new", NULL, editor_action);
  gtk_widget_class_install_action (widget_class, "guides.save", NULL, editor_action);
  gtk_widget_class_install_action (widget_class, "guides.insert-pictures", NULL, editor_action);
  gtk_widget_class_install_action (widget_class, "guides.refresh", NULL, editor_action);
  gtk_widget_class_install_action (widget_class, "guides.restore", NULL, editor_action);
  gtk_widget_class_install_action (widget_class, "guides.current", NULL, editor_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "guides.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "guides.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "guides.insert-pictures", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
quorum_guide_editor_init (QuorumGuideEditor *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->pending = -1;
  self->pictures = json_object_new ();
  self->images = quorum_guide_images_new (self->preview);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->source_view), "changed",
                            G_CALLBACK (on_source_changed), self);
  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self->source_view), GTK_EVENT_CONTROLLER (drop));
  set_dirty (self, FALSE);
}

QuorumGuideEditor *
quorum_guide_editor_new (QuorumWindow *window,
                         gint64        project_id,
                         const char   *project_name)
{
  QuorumGuideEditor *self;

  g_return_val_if_fail (QUORUM_IS_WINDOW (window), NULL);
  g_return_val_if_fail (quorum_window_get_session (window) != NULL, NULL);

  self = g_object_new (QUORUM_TYPE_GUIDE_EDITOR, "transient-for", window, NULL);
  self->session = g_object_ref (quorum_window_get_session (window));
  self->project_id = project_id;
  adw_window_title_set_subtitle (self->window_title, project_name);
  load (self, -1);
  return self;
}
