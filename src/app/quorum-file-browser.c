/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "quorum-error.h"
#include "quorum-file-browser.h"
#include "quorum-file-item.h"
#include "quorum-image-loader.h"
#include "quorum-session.h"

/* How many files go up at once: as `quorumctl file upload`. */
#define PARALLEL_UPLOADS 4
/* How many thumbnails are downloaded or decoded at once. */
#define PARALLEL_THUMBNAILS 3
#define THUMBNAIL_WIDTH 176
#define THUMBNAIL_HEIGHT 132
/* While a video is being prepared, the list is read again this often. */
#define POLL_SECONDS 2

/* One file of a batch. */
typedef struct {
  QuorumFileBrowser *self;   /* the upload's callback holds a reference */
  char              *path;
  char              *name;
  goffset            size;
  goffset            sent;
} Upload;

struct _QuorumFileBrowser
{
  AdwWindow            parent_instance;

  /* the template */
  AdwToastOverlay     *toast_overlay;
  AdwWindowTitle      *window_title;
  GtkWidget           *content_box;
  GtkWidget           *add_files_button;
  GtkWidget           *add_folder_button;
  GtkSpinner          *spinner;
  GtkWidget           *filter_bar;
  GtkSearchEntry      *search_entry;
  GtkDropDown         *job_filter;
  GtkToggleButton     *truth_filter;
  GtkStack            *stack;
  GtkSpinner          *loading_spinner;
  AdwStatusPage       *error_page;
  AdwStatusPage       *empty_page;
  GtkWidget           *empty_buttons;
  GtkGridView         *grid_view;
  GtkRevealer         *upload_revealer;
  GtkLabel            *upload_title;
  GtkLabel            *upload_detail;
  GtkWidget           *cancel_button;
  GtkWidget           *dismiss_button;
  GtkProgressBar      *upload_progress;
  GtkWidget           *notes_scroll;
  GtkListBox          *notes_list;

  QuorumSession       *session;
  GCancellable        *cancellable;        /* thumbnails; everything at dispose */
  GCancellable        *load_cancellable;
  gint64               project_id;
  gboolean             can_upload;
  guint                loading;
  gboolean             read_once;          /* the files were read once at least */
  gboolean             failed;             /* the last read of the files failed */
  GListStore          *files;              /* of QuorumFileItem */
  GtkCustomFilter     *filter;
  GtkFilterListModel  *visible;
  char                *search;             /* case-folded */
  GHashTable          *in_job;             /* file id → itself, from the jobs */
  GHashTable          *in_job_next;        /* gathered while the jobs are read */
  guint                jobs_pending;
  guint                poll_id;
  GtkDropTarget       *drop;

  /* thumbnails */
  GQueue               thumbnail_queue;    /* of QuorumFileItem, referenced */
  GHashTable          *thumbnail_asked;    /* file ids */
  guint                thumbnails_running;
  GHashTable          *local_paths;        /* file id → the path it was uploaded from */

  /* the batch */
  GCancellable        *upload_cancellable;
  GPtrArray           *uploads;            /* of Upload */
  GHashTable          *seen;               /* canonical paths of the batch */
  guint                walking;
  guint                next;
  guint                running;
  guint                added;
  guint                existed;
  guint                refused;
  gboolean             cancelled;
  goffset              bytes_total;
  goffset              bytes_done;         /* of files finished */
  const char          *current;            /* the name last started */
  GPtrArray           *notes;
  char                *summary;
};

G_DEFINE_FINAL_TYPE (QuorumFileBrowser, quorum_file_browser, ADW_TYPE_WINDOW)

static void load (QuorumFileBrowser *self);
static void read_files (QuorumFileBrowser *self);

static void
upload_free (gpointer data)
{
  Upload *upload = data;

  g_free (upload->path);
  g_free (upload->name);
  g_free (upload);
}

static gint64 *
id_key (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

/* ---- the grid ---------------------------------------------------------------------- */

static void
update_page (QuorumFileBrowser *self)
{
  guint n_files = g_list_model_get_n_items (G_LIST_MODEL (self->files));
  guint n_visible = g_list_model_get_n_items (G_LIST_MODEL (self->visible));
  const char *page;

  if (!self->read_once)
    page = self->failed ? "error" : "loading";
  else if (n_files == 0)
    page = "empty";
  else if (n_visible == 0)
    page = "no-match";
  else
    page = "files";
  gtk_widget_set_visible (self->filter_bar, self->read_once && n_files > 0);
  gtk_stack_set_visible_child_name (self->stack, page);
}

static void
update_role (QuorumFileBrowser *self)
{
  gtk_widget_set_visible (self->add_files_button, self->can_upload);
  gtk_widget_set_visible (self->add_folder_button, self->can_upload);
  gtk_widget_set_visible (self->empty_buttons, self->can_upload);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "files.add-files", self->can_upload);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "files.add-folder", self->can_upload);
  gtk_drop_target_set_actions (self->drop, self->can_upload ? GDK_ACTION_COPY : 0);
  adw_status_page_set_description (self->empty_page,
                                   self->can_upload
                                   ? _("Drop images or videos here, or add them with the buttons below.")
                                   : _("The project's editors and admins add its images and videos."));
}

static gboolean
file_visible (gpointer item,
              gpointer user_data)
{
  QuorumFileBrowser *self = user_data;
  QuorumFileItem *file = item;
  guint job = gtk_drop_down_get_selected (self->job_filter);

  if (self->search != NULL && *self->search != '\0' &&
      strstr (quorum_file_item_get_folded_name (file), self->search) == NULL)
    return FALSE;
  if ((job == 1 && !quorum_file_item_get_in_job (file)) || (job == 2 && quorum_file_item_get_in_job (file)))
    return FALSE;
  if (gtk_toggle_button_get_active (self->truth_filter) && !quorum_file_item_get_has_existing (file))
    return FALSE;
  return TRUE;
}

static void
on_filter_changed (QuorumFileBrowser *self)
{
  g_free (self->search);
  self->search = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), -1);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_page (self);
}

static void request_thumbnail (QuorumFileBrowser *self,
                               QuorumFileItem    *item);

static void
update_cell (GtkListItem *list_item)
{
  QuorumFileItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *cell = gtk_list_item_get_child (list_item);
  GtkPicture *picture = g_object_get_data (G_OBJECT (cell), "picture");
  GtkImage *icon = g_object_get_data (G_OBJECT (cell), "icon");
  GtkLabel *description = g_object_get_data (G_OBJECT (cell), "description");
  GtkLabel *use = g_object_get_data (G_OBJECT (cell), "use");
  GdkPaintable *thumbnail;
  g_autofree char *text = NULL;
  g_autofree char *use_text = NULL;

  if (item == NULL)
    return;
  thumbnail = quorum_file_item_get_thumbnail (item);
  gtk_picture_set_paintable (picture, thumbnail);
  gtk_widget_set_visible (GTK_WIDGET (picture), thumbnail != NULL);
  gtk_widget_set_visible (GTK_WIDGET (icon), thumbnail == NULL);
  gtk_image_set_from_icon_name (icon, quorum_file_item_is_video (item) ? "video-x-generic-symbolic"
                                                                       : "image-x-generic-symbolic");
  text = quorum_file_item_describe (item);
  gtk_label_set_text (description, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (description), quorum_file_item_get_video_error (item));
  use_text = quorum_file_item_describe_use (item);
  gtk_label_set_text (use, use_text);
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            QuorumFileBrowser        *self)
{
  GtkWidget *cell = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *frame = gtk_overlay_new ();
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *description = gtk_label_new (NULL);
  GtkWidget *use = gtk_label_new (NULL);

  gtk_widget_set_margin_start (cell, 6);
  gtk_widget_set_margin_end (cell, 6);
  gtk_widget_set_margin_top (cell, 6);
  gtk_widget_set_margin_bottom (cell, 6);
  gtk_widget_set_size_request (frame, THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT);
  gtk_widget_set_halign (frame, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (frame, "card");
  gtk_widget_set_overflow (frame, GTK_OVERFLOW_HIDDEN);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_image_set_pixel_size (GTK_IMAGE (icon), 48);
  gtk_widget_add_css_class (icon, "dim-label");
  gtk_overlay_set_child (GTK_OVERLAY (frame), picture);
  gtk_overlay_add_overlay (GTK_OVERLAY (frame), icon);
  gtk_widget_set_halign (icon, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (name), 20);
  gtk_widget_set_margin_top (name, 4);
  gtk_label_set_ellipsize (GTK_LABEL (description), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (description), 20);
  gtk_widget_add_css_class (description, "dim-label");
  gtk_widget_add_css_class (description, "caption");
  gtk_label_set_ellipsize (GTK_LABEL (use), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (use), 20);
  gtk_widget_add_css_class (use, "caption");
  gtk_widget_add_css_class (use, "accent");
  gtk_box_append (GTK_BOX (cell), frame);
  gtk_box_append (GTK_BOX (cell), name);
  gtk_box_append (GTK_BOX (cell), description);
  gtk_box_append (GTK_BOX (cell), use);
  g_object_set_data (G_OBJECT (cell), "picture", picture);
  g_object_set_data (G_OBJECT (cell), "icon", icon);
  g_object_set_data (G_OBJECT (cell), "name", name);
  g_object_set_data (G_OBJECT (cell), "description", description);
  g_object_set_data (G_OBJECT (cell), "use", use);
  gtk_list_item_set_child (list_item, cell);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           QuorumFileBrowser        *self)
{
  QuorumFileItem *item = gtk_list_item_get_item (list_item);
  GtkLabel *name = g_object_get_data (G_OBJECT (gtk_list_item_get_child (list_item)), "name");
  gulong handler;

  gtk_label_set_text (name, quorum_file_item_get_name (item));
  gtk_widget_set_tooltip_text (GTK_WIDGET (name), quorum_file_item_get_name (item));
  update_cell (list_item);
  handler = g_signal_connect_object (item, "notify", G_CALLBACK (update_cell), list_item, G_CONNECT_SWAPPED);
  g_object_set_data (G_OBJECT (list_item), "handler", GSIZE_TO_POINTER (handler));
  /* Only the cells on screen ask: a big project is never fetched whole. */
  request_thumbnail (self, item);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             QuorumFileBrowser        *self)
{
  QuorumFileItem *item = gtk_list_item_get_item (list_item);
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (list_item), "handler"));

  if (item != NULL && handler != 0)
    g_signal_handler_disconnect (item, handler);
  g_object_set_data (G_OBJECT (list_item), "handler", NULL);
}

/* ---- thumbnails ------------------------------------------------------------------- */

typedef struct {
  QuorumFileBrowser *self;
  QuorumFileItem    *item;
  char              *temp;
} Thumbnail;

static void
thumbnail_free (Thumbnail *job)
{
  g_object_unref (job->self);
  g_object_unref (job->item);
  g_free (job->temp);
  g_free (job);
}

static void pump_thumbnails (QuorumFileBrowser *self);

static void
thumbnail_done (Thumbnail    *job,
                GdkPaintable *thumbnail)
{
  QuorumFileBrowser *self = job->self;

  if (thumbnail != NULL)
    quorum_file_item_set_thumbnail (job->item, thumbnail);
  self->thumbnails_running--;
  thumbnail_free (job);
  pump_thumbnails (self);
}

static void
thumbnail_decoded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = quorum_image_loader_load_scaled_finish (result, &error);

  /* A file that cannot be decoded here keeps its icon. */
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("no thumbnail: %s", error->message);
  thumbnail_done (user_data, GDK_PAINTABLE (texture));
}

static void
decode_thumbnail (Thumbnail  *job,
                  const char *path)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (job->self));

  quorum_image_loader_load_scaled_async (path, THUMBNAIL_WIDTH * scale, THUMBNAIL_HEIGHT * scale,
                                         job->self->cancellable, thumbnail_decoded, job);
}

static void
thumbnail_cached (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Thumbnail *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (!quorum_cache_add_media_finish (QUORUM_CACHE (source), result, &error))
    {
      thumbnail_done (job, NULL);
      return;
    }
  path = quorum_cache_get_media_path (QUORUM_CACHE (source), quorum_file_item_get_id (job->item));
  decode_thumbnail (job, path);
}

static void
thumbnail_downloaded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Thumbnail *job = user_data;
  g_autoptr(GError) error = NULL;
  QuorumCache *cache = quorum_session_get_cache (job->self->session);

  if (!quorum_client_download_finish (QUORUM_CLIENT (source), result, &error))
    {
      thumbnail_done (job, NULL);
      return;
    }
  /* Kept in the media cache: the task that shows this file later finds it. */
  quorum_cache_add_media_async (cache, quorum_file_item_get_id (job->item), job->temp, job->self->cancellable,
                                thumbnail_cached, job);
}

static void
start_thumbnail (QuorumFileBrowser *self,
                 QuorumFileItem    *item)
{
  QuorumCache *cache = quorum_session_get_cache (self->session);
  gint64 id = quorum_file_item_get_id (item);
  Thumbnail *job = g_new0 (Thumbnail, 1);
  const char *local = g_hash_table_lookup (self->local_paths, &id);
  g_autofree char *cached = NULL;

  job->self = g_object_ref (self);
  job->item = item;   /* the queue's reference */
  self->thumbnails_running++;
  if (local != NULL)
    decode_thumbnail (job, local);
  else if (cache != NULL && (cached = quorum_cache_lookup_media (cache, id)) != NULL)
    decode_thumbnail (job, cached);
  else if (cache != NULL)
    {
      g_autofree char *api_path = g_strdup_printf ("/files/%" G_GINT64_FORMAT "/content", id);

      job->temp = quorum_cache_get_media_temp_path (cache, id);
      quorum_client_download_async (quorum_session_get_client (self->session), api_path, job->temp,
                                    self->cancellable, thumbnail_downloaded, job);
    }
  else
    thumbnail_done (job, NULL);
}

static void
pump_thumbnails (QuorumFileBrowser *self)
{
  while (self->thumbnails_running < PARALLEL_THUMBNAILS && !g_queue_is_empty (&self->thumbnail_queue) &&
         !g_cancellable_is_cancelled (self->cancellable))
    start_thumbnail (self, g_queue_pop_head (&self->thumbnail_queue));
}

static void
request_thumbnail (QuorumFileBrowser *self,
                   QuorumFileItem    *item)
{
  gint64 id = quorum_file_item_get_id (item);

  /* A video shows its icon and its preparation instead. */
  if (quorum_file_item_is_video (item) || quorum_file_item_get_thumbnail (item) != NULL ||
      g_hash_table_contains (self->thumbnail_asked, &id))
    return;
  g_hash_table_add (self->thumbnail_asked, id_key (id));
  g_queue_push_tail (&self->thumbnail_queue, g_object_ref (item));
  pump_thumbnails (self);
}

/* ---- reading the files -------------------------------------------------------------- */

static void
loaded (QuorumFileBrowser *self)
{
  if (--self->loading > 0)
    return;
  gtk_spinner_stop (self->spinner);
  gtk_spinner_stop (self->loading_spinner);
}

static void
apply_jobs (QuorumFileBrowser *self)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->files)); i++)
    {
      g_autoptr(QuorumFileItem) item = g_list_model_get_item (G_LIST_MODEL (self->files), i);
      gint64 id = quorum_file_item_get_id (item);

      quorum_file_item_set_in_job (item, g_hash_table_contains (self->in_job, &id));
    }
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_page (self);
}

static QuorumFileItem *
find_item (QuorumFileBrowser *self,
           gint64             id,
           guint             *position)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->files)); i++)
    {
      QuorumFileItem *item = g_list_model_get_item (G_LIST_MODEL (self->files), i);

      g_object_unref (item);   /* the store keeps it */
      if (quorum_file_item_get_id (item) == id)
        {
          if (position != NULL)
            *position = i;
          return item;
        }
    }
  return NULL;
}

static gboolean
poll_files (gpointer data)
{
  QuorumFileBrowser *self = data;

  self->poll_id = 0;
  read_files (self);
  return G_SOURCE_REMOVE;
}

static void
fill_files (QuorumFileBrowser *self,
            JsonArray         *rows)
{
  g_autoptr(GHashTable) known = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean preparing = FALSE;

  /* The items stay across reads: their thumbnails with them. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->files)); i++)
    {
      QuorumFileItem *item = g_list_model_get_item (G_LIST_MODEL (self->files), i);

      g_hash_table_insert (known, id_key (quorum_file_item_get_id (item)), item);
    }
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonNode *node = json_array_get_element (rows, i);
      JsonObject *row;
      QuorumFileItem *item;
      gint64 id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      row = json_node_get_object (node);
      id = json_object_get_int_member_with_default (row, "id", 0);
      item = g_hash_table_lookup (known, &id);
      if (item != NULL)
        {
          quorum_file_item_update (item, row);
          g_ptr_array_add (items, g_object_ref (item));
        }
      else
        g_ptr_array_add (items, quorum_file_item_new (row));
      item = g_ptr_array_index (items, items->len - 1);
      quorum_file_item_set_in_job (item, g_hash_table_contains (self->in_job, &id));
      preparing |= g_strcmp0 (quorum_file_item_get_video_state (item), "preparing") == 0;
    }
  g_list_store_splice (self->files, 0, g_list_model_get_n_items (G_LIST_MODEL (self->files)),
                       items->pdata, items->len);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  if (preparing && self->poll_id == 0)
    self->poll_id = g_timeout_add_seconds (POLL_SECONDS, poll_files, self);
}

static void
got_files (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(QuorumFileBrowser) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply != NULL && JSON_NODE_HOLDS_ARRAY (reply))
    {
      self->failed = FALSE;
      self->read_once = TRUE;
      fill_files (self, json_node_get_array (reply));
    }
  else
    {
      g_autofree char *why = error != NULL ? quorum_error_to_sentence (error->message)
                                           : g_strdup (_("The server's reply is not a list of files."));

      if (self->read_once)
        {
          g_autofree char *message = g_strdup_printf (_("The files could not be read again. %s"), why);
          AdwToast *toast = adw_toast_new (message);

          adw_toast_set_timeout (toast, 5);
          adw_toast_overlay_add_toast (self->toast_overlay, toast);
        }
      else
        {
          self->failed = TRUE;
          adw_status_page_set_description (self->error_page, why);
        }
    }
  update_page (self);
  loaded (self);
}

static void
read_files (QuorumFileBrowser *self)
{
  g_autofree char *path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/files", self->project_id);

  self->loading++;
  gtk_spinner_start (self->spinner);
  quorum_client_call_async (quorum_session_get_client (self->session), "GET", path, NULL,
                            self->load_cancellable, got_files, g_object_ref (self));
}

/* A job read (@job NULL: the list's own share), its files held. */
static void
job_read (QuorumFileBrowser *self,
          JsonNode          *job)
{
  JsonNode *files = job != NULL && JSON_NODE_HOLDS_OBJECT (job)
                    ? json_object_get_member (json_node_get_object (job), "files") : NULL;

  for (guint i = 0; files != NULL && JSON_NODE_HOLDS_ARRAY (files) &&
                    i < json_array_get_length (json_node_get_array (files)); i++)
    {
      JsonObject *file = json_array_get_object_element (json_node_get_array (files), i);

      g_hash_table_add (self->in_job_next, id_key (json_object_get_int_member_with_default (file, "id", 0)));
    }
  if (--self->jobs_pending == 0)
    {
      g_hash_table_unref (self->in_job);
      self->in_job = g_steal_pointer (&self->in_job_next);
      self->in_job_next = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      apply_jobs (self);
    }
}

static void
got_job (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(QuorumFileBrowser) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  job_read (self, reply);
  loaded (self);
}

static void
got_jobs (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(QuorumFileBrowser) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  JsonArray *jobs;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  jobs = reply != NULL && JSON_NODE_HOLDS_ARRAY (reply) ? json_node_get_array (reply) : NULL;
  g_hash_table_remove_all (self->in_job_next);
  self->jobs_pending = 1;
  for (guint i = 0; jobs != NULL && i < json_array_get_length (jobs); i++)
    {
      JsonObject *job = json_array_get_object_element (jobs, i);
      g_autofree char *path = NULL;

      /* A cancelled job gives no more work: its files are free again. */
      if (g_strcmp0 (json_object_get_string_member_with_default (job, "state", ""), "cancelled") == 0)
        continue;
      path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT, json_object_get_int_member_with_default (job, "id", 0));
      self->jobs_pending++;
      self->loading++;
      quorum_client_call_async (QUORUM_CLIENT (source), "GET", path, NULL, self->load_cancellable, got_job,
                                g_object_ref (self));
    }
  /* The list's own share: applies the jobs at once when there are none. */
  job_read (self, NULL);
  loaded (self);
}

static void
got_projects (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(QuorumFileBrowser) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  JsonArray *projects;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  projects = reply != NULL && JSON_NODE_HOLDS_ARRAY (reply) ? json_node_get_array (reply) : NULL;
  for (guint i = 0; projects != NULL && i < json_array_get_length (projects); i++)
    {
      JsonObject *project = json_array_get_object_element (projects, i);
      const char *role;

      if (json_object_get_int_member_with_default (project, "id", 0) != self->project_id)
        continue;
      /* POST /projects/{id}/files asks for an editor; the server still checks. */
      role = json_object_get_string_member_with_default (project, "role", "");
      self->can_upload = g_str_equal (role, "editor") || g_str_equal (role, "admin");
      update_role (self);
    }
  loaded (self);
}

static void
load (QuorumFileBrowser *self)
{
  QuorumClient *client = quorum_session_get_client (self->session);
  g_autofree char *jobs = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/jobs", self->project_id);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  g_clear_handle_id (&self->poll_id, g_source_remove);
  self->loading = 0;
  gtk_spinner_start (self->loading_spinner);
  self->loading += 2;
  quorum_client_call_async (client, "GET", "/projects", NULL, self->load_cancellable, got_projects,
                            g_object_ref (self));
  quorum_client_call_async (client, "GET", jobs, NULL, self->load_cancellable, got_jobs, g_object_ref (self));
  read_files (self);
  update_page (self);
}

void
quorum_file_browser_refresh (QuorumFileBrowser *self)
{
  g_return_if_fail (QUORUM_IS_FILE_BROWSER (self));
  load (self);
}

/* ---- uploading ---------------------------------------------------------------------- */

/* After dispose: the callbacks still under way touch no widget. */
static gboolean
gone (QuorumFileBrowser *self)
{
  return g_cancellable_is_cancelled (self->cancellable);
}

static gboolean
batch_running (QuorumFileBrowser *self)
{
  return self->walking > 0 || self->running > 0 || (!self->cancelled && self->next < self->uploads->len);
}

static void
add_note (QuorumFileBrowser *self,
          const char        *icon_name,
          const char        *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);
  GtkWidget *label = gtk_label_new (text);

  g_ptr_array_add (self->notes, g_strdup (text));
  gtk_widget_set_margin_start (box, 10);
  gtk_widget_set_margin_end (box, 10);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_append (self->notes_list, box);
  gtk_widget_set_visible (self->notes_scroll, TRUE);
}

/* "photo.png: …" with the server's reason, unless the reason names the
 * file already ("“photo.png” is not a readable image: …"). */
static char *
file_sentence (const char   *name,
               const GError *error)
{
  g_autofree char *why = quorum_error_to_sentence (error->message);

  if (strstr (why, name) != NULL)
    return g_steal_pointer (&why);
  /* Translators: a file's name, then why it was not uploaded */
  return g_strdup_printf (_("%s: %s"), name, why);
}

static void
update_progress (QuorumFileBrowser *self)
{
  guint total = self->uploads->len;
  guint finished = self->added + self->existed + self->refused;
  goffset bytes = self->bytes_done;
  g_autofree char *done_size = NULL;
  g_autofree char *total_size = NULL;
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;

  if (gone (self) || !batch_running (self))
    return;
  for (guint i = 0; i < total; i++)
    {
      Upload *upload = g_ptr_array_index (self->uploads, i);

      if (upload->sent < upload->size && i < self->next)
        bytes += upload->sent;
    }
  if (self->walking > 0 && total == 0)
    {
      gtk_label_set_text (self->upload_title, _("Looking for images and videos…"));
      gtk_label_set_text (self->upload_detail, "");
      gtk_progress_bar_pulse (self->upload_progress);
      return;
    }
  title = g_strdup_printf (g_dngettext (NULL, "Uploading: %u of %u file done", "Uploading: %u of %u files done",
                                        total),
                           finished, total);
  done_size = g_format_size (bytes);
  total_size = g_format_size (self->bytes_total);
  /* Translators: bytes sent of all the batch's, then the file being sent */
  detail = self->current != NULL ? g_strdup_printf (_("%s of %s · %s"), done_size, total_size, self->current)
                                 : g_strdup_printf (_("%s of %s"), done_size, total_size);
  gtk_label_set_text (self->upload_title, title);
  gtk_label_set_text (self->upload_detail, detail);
  gtk_progress_bar_set_fraction (self->upload_progress,
                                 self->bytes_total > 0 ? (double) bytes / self->bytes_total
                                                       : total > 0 ? (double) finished / total : 0);
}

static char *
make_summary (QuorumFileBrowser *self)
{
  guint total = self->added + self->existed + self->refused;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;

  if (self->cancelled && self->uploads->len == 0)
    return g_strdup (_("Upload cancelled."));
  if (self->cancelled)
    return g_strdup_printf (g_dngettext (NULL, "Upload cancelled: %u of %u file sent.",
                                         "Upload cancelled: %u of %u files sent.", self->uploads->len),
                            self->added + self->existed, self->uploads->len);
  if (total == 0)
    return g_strdup (_("No file was sent."));
  if (self->added > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("%u added"), self->added));
  if (self->existed > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("%u already in the project"), self->existed));
  if (self->refused > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("%u refused"), self->refused));
  g_ptr_array_add (parts, NULL);
  joined = g_strjoinv (", ", (char **) parts->pdata);
  /* Translators: "4 files: 3 added, 1 refused." */
  return g_strdup_printf (g_dngettext (NULL, "%u file: %s.", "%u files: %s.", total), total, joined);
}

static void
finish_batch (QuorumFileBrowser *self)
{
  g_free (self->summary);
  self->summary = make_summary (self);
  gtk_label_set_text (self->upload_title, self->summary);
  gtk_label_set_text (self->upload_detail, "");
  if (!self->cancelled)
    gtk_progress_bar_set_fraction (self->upload_progress, 1);
  gtk_widget_set_visible (self->cancel_button, FALSE);
  gtk_widget_set_visible (self->dismiss_button, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->upload_progress), FALSE);
  g_clear_object (&self->upload_cancellable);
  /* The jobs and the server's names, as they now are. */
  load (self);
}

static void
maybe_finish (QuorumFileBrowser *self)
{
  if (!batch_running (self) && self->upload_cancellable != NULL)
    finish_batch (self);
  else
    update_progress (self);
}

static void start_next (QuorumFileBrowser *self);

static void
upload_progress (goffset  sent,
                 goffset  total,
                 gpointer user_data)
{
  Upload *upload = user_data;

  upload->sent = sent;
  update_progress (upload->self);
}

static void
add_uploaded (QuorumFileBrowser *self,
              JsonObject        *record)
{
  gint64 id = json_object_get_int_member_with_default (record, "id", 0);
  QuorumFileItem *item = find_item (self, id, NULL);
  g_autoptr(QuorumFileItem) added = NULL;

  if (item != NULL)
    {
      quorum_file_item_update (item, record);
      return;
    }
  added = quorum_file_item_new (record);
  g_list_store_append (self->files, added);
  self->read_once = TRUE;
  update_page (self);
}

static void
uploaded (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Upload *upload = user_data;
  g_autoptr(QuorumFileBrowser) self = upload->self;   /* the reference start_next took */
  g_autoptr(GError) error = NULL;
  gboolean existed = FALSE;
  g_autoptr(JsonNode) reply = quorum_client_upload_finish (QUORUM_CLIENT (source), result, &existed, &error);

  self->running--;
  self->bytes_done += upload->size;
  upload->sent = upload->size;
  if (gone (self))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ;   /* not sent; the summary counts it */
  else if (reply == NULL || !JSON_NODE_HOLDS_OBJECT (reply))
    {
      g_autofree char *sentence = NULL;

      if (error == NULL)
        g_set_error_literal (&error, QUORUM_ERROR, QUORUM_ERROR_FAILED, _("the server's reply is not a file"));
      sentence = file_sentence (upload->name, error);
      self->refused++;
      add_note (self, "dialog-warning-symbolic", sentence);
    }
  else
    {
      JsonObject *record = json_node_get_object (reply);
      gint64 id = json_object_get_int_member_with_default (record, "id", 0);
      const char *name = json_object_get_string_member_with_default (record, "name", upload->name);

      if (existed)
        {
          g_autofree char *sentence = g_strcmp0 (name, upload->name) == 0
            /* Translators: a file whose content the project has already */
            ? g_strdup_printf (_("%s: already in the project."), upload->name)
            : g_strdup_printf (_("%s: already in the project, as “%s”."), upload->name, name);

          self->existed++;
          add_note (self, "emblem-default-symbolic", sentence);
        }
      else
        self->added++;
      g_hash_table_replace (self->local_paths, id_key (id), g_strdup (upload->path));
      add_uploaded (self, record);
    }
  start_next (self);
  maybe_finish (self);
}

static void
start_next (QuorumFileBrowser *self)
{
  QuorumClient *client = quorum_session_get_client (self->session);

  while (!self->cancelled && self->running < PARALLEL_UPLOADS && self->next < self->uploads->len)
    {
      Upload *upload = g_ptr_array_index (self->uploads, self->next++);

      self->running++;
      self->current = upload->name;
      upload->self = g_object_ref (self);
      quorum_client_upload_async (client, self->project_id, upload->path, upload->name, upload_progress, upload,
                                  self->upload_cancellable, uploaded, upload);
    }
}

/* The walk of a drop or a choice, in a worker thread. */
typedef struct {
  GPtrArray *files;    /* of GFile, as given */
  GPtrArray *found;    /* of Upload */
  GPtrArray *notes;    /* of sentences */
} Walk;

static void
walk_free (Walk *walk)
{
  g_ptr_array_unref (walk->files);
  g_ptr_array_unref (walk->found);
  g_ptr_array_unref (walk->notes);
  g_free (walk);
}

static void
found_file (Walk       *walk,
            GFile      *file,
            GFileInfo  *info)
{
  Upload *upload = g_new0 (Upload, 1);

  upload->path = g_file_get_path (file);
  upload->name = g_file_get_basename (file);
  upload->size = g_file_info_get_size (info);
  g_ptr_array_add (walk->found, upload);
}

static gboolean
is_media (GFileInfo *info)
{
  const char *type = g_file_info_get_attribute_string (info, G_FILE_ATTRIBUTE_STANDARD_FAST_CONTENT_TYPE);
  g_autofree char *mime = type != NULL ? g_content_type_get_mime_type (type) : NULL;

  return mime != NULL && (g_str_has_prefix (mime, "image/") || g_str_has_prefix (mime, "video/"));
}

static int
compare_infos (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (g_file_info_get_name (*(GFileInfo **) a), g_file_info_get_name (*(GFileInfo **) b));
}

#define WALK_ATTRIBUTES G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE "," \
                        G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_IS_HIDDEN "," \
                        G_FILE_ATTRIBUTE_STANDARD_FAST_CONTENT_TYPE

/* The images and videos of @folder and of its folders, by name; hidden ones
 * and links to folders aside (a link may lead back up). */
static guint
walk_folder (Walk         *walk,
             GFile        *folder,
             GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (folder, WALK_ATTRIBUTES,
                                                                   G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                                                   cancellable, &error);
  g_autoptr(GPtrArray) infos = g_ptr_array_new_with_free_func (g_object_unref);
  GFileInfo *info;
  guint count = 0;

  if (children == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_ptr_array_add (walk->notes, g_strdup_printf (_("%s: the folder cannot be read: %s"),
                                                       g_file_peek_path (folder), error->message));
      return 0;
    }
  while ((info = g_file_enumerator_next_file (children, cancellable, NULL)) != NULL)
    g_ptr_array_add (infos, info);
  g_ptr_array_sort (infos, compare_infos);
  for (guint i = 0; i < infos->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      GFileInfo *child_info = g_ptr_array_index (infos, i);
      g_autoptr(GFile) child = g_file_get_child (folder, g_file_info_get_name (child_info));
      GFileType type = g_file_info_get_file_type (child_info);

      if (g_file_info_get_is_hidden (child_info) || g_file_info_get_name (child_info)[0] == '.')
        continue;
      if (type == G_FILE_TYPE_SYMBOLIC_LINK)
        {
          g_autoptr(GFileInfo) target = g_file_query_info (child, WALK_ATTRIBUTES, G_FILE_QUERY_INFO_NONE,
                                                           cancellable, NULL);

          if (target != NULL && g_file_info_get_file_type (target) == G_FILE_TYPE_REGULAR && is_media (target))
            {
              found_file (walk, child, target);
              count++;
            }
        }
      else if (type == G_FILE_TYPE_DIRECTORY)
        count += walk_folder (walk, child, cancellable);
      else if (type == G_FILE_TYPE_REGULAR && is_media (child_info))
        {
          found_file (walk, child, child_info);
          count++;
        }
    }
  return count;
}

static void
walk_in_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  Walk *walk = data;

  for (guint i = 0; i < walk->files->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      GFile *file = g_ptr_array_index (walk->files, i);
      g_autofree char *name = g_file_get_basename (file);
      g_autoptr(GError) error = NULL;
      g_autoptr(GFileInfo) info = NULL;

      if (!g_file_is_native (file))
        {
          g_autofree char *shown = g_file_get_parse_name (file);

          g_ptr_array_add (walk->notes, g_strdup_printf (_("%s: only files on this computer can be uploaded."),
                                                         shown));
          continue;
        }
      info = g_file_query_info (file, WALK_ATTRIBUTES, G_FILE_QUERY_INFO_NONE, cancellable, &error);
      if (info == NULL)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_ptr_array_add (walk->notes, g_strdup_printf (_("%s: the file cannot be read: %s"), name,
                                                           error->message));
          continue;
        }
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          if (walk_folder (walk, file, cancellable) == 0 && !g_cancellable_is_cancelled (cancellable))
            g_ptr_array_add (walk->notes, g_strdup_printf (_("%s: no image or video in this folder or its folders."),
                                                           name));
        }
      else if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR)
        found_file (walk, file, info);
      else
        g_ptr_array_add (walk->notes, g_strdup_printf (_("%s: not a file that can be uploaded."), name));
    }
  g_task_return_boolean (task, TRUE);
}

static void
walked (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  QuorumFileBrowser *self = QUORUM_FILE_BROWSER (source);
  Walk *walk = g_task_get_task_data (G_TASK (result));

  self->walking--;
  if (gone (self))
    return;
  if (self->cancelled || g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    {
      maybe_finish (self);
      return;
    }
  for (guint i = 0; i < walk->notes->len; i++)
    add_note (self, "dialog-warning-symbolic", g_ptr_array_index (walk->notes, i));
  for (guint i = 0; i < walk->found->len; i++)
    {
      Upload *upload = g_ptr_array_index (walk->found, i);
      g_autofree char *canonical = g_canonicalize_filename (upload->path, NULL);

      /* Each file once in a batch, as quorumctl sends them; the same
       * content under two paths is the server's to recognize. */
      if (!g_hash_table_add (self->seen, g_steal_pointer (&canonical)))
        continue;
      g_ptr_array_add (self->uploads, g_ptr_array_steal_index (walk->found, i--));
      self->bytes_total += upload->size;
    }
  start_next (self);
  maybe_finish (self);
}

static void
start_batch (QuorumFileBrowser *self)
{
  GtkWidget *row;

  g_ptr_array_set_size (self->uploads, 0);
  g_hash_table_remove_all (self->seen);
  g_ptr_array_set_size (self->notes, 0);
  g_clear_pointer (&self->summary, g_free);
  self->next = self->running = 0;
  self->added = self->existed = self->refused = 0;
  self->bytes_total = self->bytes_done = 0;
  self->current = NULL;
  self->cancelled = FALSE;
  g_clear_object (&self->upload_cancellable);
  self->upload_cancellable = g_cancellable_new ();
  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->notes_list))) != NULL)
    gtk_list_box_remove (self->notes_list, row);
  gtk_widget_set_visible (self->notes_scroll, FALSE);
  gtk_widget_set_visible (self->cancel_button, TRUE);
  gtk_widget_set_visible (self->dismiss_button, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->upload_progress), TRUE);
  gtk_progress_bar_set_fraction (self->upload_progress, 0);
  gtk_revealer_set_reveal_child (self->upload_revealer, TRUE);
}

void
quorum_file_browser_add_files (QuorumFileBrowser *self,
                               GListModel        *files)
{
  g_autoptr(GTask) task = NULL;
  Walk *walk;

  g_return_if_fail (QUORUM_IS_FILE_BROWSER (self));
  g_return_if_fail (G_IS_LIST_MODEL (files));

  if (g_list_model_get_n_items (files) == 0)
    return;
  if (!batch_running (self))
    start_batch (self);
  walk = g_new0 (Walk, 1);
  walk->files = g_ptr_array_new_with_free_func (g_object_unref);
  walk->found = g_ptr_array_new_with_free_func (upload_free);
  walk->notes = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    {
      gpointer file = g_list_model_get_item (files, i);

      if (G_IS_FILE (file))
        g_ptr_array_add (walk->files, file);
      else
        g_clear_object (&file);
    }
  self->walking++;
  task = g_task_new (self, self->upload_cancellable, walked, NULL);
  g_task_set_source_tag (task, quorum_file_browser_add_files);
  g_task_set_task_data (task, walk, (GDestroyNotify) walk_free);
  g_task_run_in_thread (task, walk_in_thread);
  update_progress (self);
}

void
quorum_file_browser_cancel_upload (QuorumFileBrowser *self)
{
  g_return_if_fail (QUORUM_IS_FILE_BROWSER (self));
  if (!batch_running (self))
    return;
  self->cancelled = TRUE;
  g_cancellable_cancel (self->upload_cancellable);
  gtk_widget_set_sensitive (self->cancel_button, FALSE);
  maybe_finish (self);
}

/* ---- drops and choosers ----------------------------------------------------------------- */

static gboolean
on_drop (GtkDropTarget     *target,
         const GValue      *value,
         double             x,
         double             y,
         QuorumFileBrowser *self)
{
  g_autoptr(GListStore) files = g_list_store_new (G_TYPE_FILE);

  if (!self->can_upload || !G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  for (GSList *l = g_value_get_boxed (value); l != NULL; l = l->next)
    g_list_store_append (files, l->data);
  quorum_file_browser_add_files (self, G_LIST_MODEL (files));
  return TRUE;
}

static void
chooser_response (GtkNativeDialog   *chooser,
                  int                response,
                  QuorumFileBrowser *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));

      quorum_file_browser_add_files (self, files);
    }
  g_object_unref (chooser);
}

static void
choose (QuorumFileBrowser *self,
        gboolean           folder)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (folder ? _("Add a Folder") : _("Add Files"), GTK_WINDOW (self),
                                         folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER : GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Add"), NULL);
  if (!folder)
    {
      g_autoptr(GtkFileFilter) media = gtk_file_filter_new ();
      g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

      gtk_file_filter_set_name (media, _("Images and Videos"));
      gtk_file_filter_add_mime_type (media, "image/*");
      gtk_file_filter_add_mime_type (media, "video/*");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), media);
      gtk_file_filter_set_name (all, _("All Files"));
      gtk_file_filter_add_pattern (all, "*");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
    }
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
browser_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  QuorumFileBrowser *self = QUORUM_FILE_BROWSER (widget);

  if (g_str_equal (action_name, "files.add-files"))
    choose (self, FALSE);
  else if (g_str_equal (action_name, "files.add-folder"))
    choose (self, TRUE);
  else if (g_str_equal (action_name, "files.refresh"))
    load (self);
  else if (g_str_equal (action_name, "files.cancel-upload"))
    quorum_file_browser_cancel_upload (self);
  else if (g_str_equal (action_name, "files.dismiss") && !batch_running (self))
    gtk_revealer_set_reveal_child (self->upload_revealer, FALSE);
  else if (g_str_equal (action_name, "files.search"))
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* ---- closing during an upload --------------------------------------------------------------- */

static gboolean
close_later (gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

static void
close_response (AdwMessageDialog  *dialog,
                const char        *response,
                QuorumFileBrowser *self)
{
  if (g_str_equal (response, "stop"))
    {
      quorum_file_browser_cancel_upload (self);
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_later, g_object_ref (self), g_object_unref);
    }
}

static gboolean
quorum_file_browser_close_request (GtkWindow *window)
{
  QuorumFileBrowser *self = QUORUM_FILE_BROWSER (window);
  GtkWidget *dialog;
  guint left;

  if (!batch_running (self))
    return GTK_WINDOW_CLASS (quorum_file_browser_parent_class)->close_request (window);
  left = self->uploads->len - self->added - self->existed - self->refused;
  dialog = adw_message_dialog_new (window, _("Stop Uploading?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  g_dngettext (NULL, "%u file is not sent yet. The files sent already stay in the project.",
                                               "%u files are not sent yet. The files sent already stay in the project.",
                                               left), left);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "keep", _("_Keep Uploading"),
                                    "stop", _("_Stop and Close"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "stop", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (close_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* ---- for tests ----------------------------------------------------------------------------- */

gboolean
quorum_file_browser_get_loading (QuorumFileBrowser *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_BROWSER (self), FALSE);
  return self->loading > 0;
}

gboolean
quorum_file_browser_get_uploading (QuorumFileBrowser *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_BROWSER (self), FALSE);
  return batch_running (self) || self->upload_cancellable != NULL;
}

guint
quorum_file_browser_get_n_batch (QuorumFileBrowser *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_BROWSER (self), 0);
  return self->uploads->len;
}

gboolean
quorum_file_browser_get_can_upload (QuorumFileBrowser *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_BROWSER (self), FALSE);
  return self->can_upload && gtk_widget_get_visible (self->add_files_button);
}

GListModel *
quorum_file_browser_get_files (QuorumFileBrowser *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_BROWSER (self), NULL);
  return G_LIST_MODEL (self->files);
}

GListModel *
quorum_file_browser_get_visible (QuorumFileBrowser *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_BROWSER (self), NULL);
  return G_LIST_MODEL (self->visible);
}

guint
quorum_file_browser_get_n_visible (QuorumFileBrowser *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_BROWSER (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->visible));
}

GPtrArray *
quorum_file_browser_list_notes (QuorumFileBrowser *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_BROWSER (self), NULL);
  return self->notes;
}

const char *
quorum_file_browser_get_summary (QuorumFileBrowser *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_BROWSER (self), NULL);
  return self->summary;
}

GtkEditable *
quorum_file_browser_get_search (QuorumFileBrowser *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_BROWSER (self), NULL);
  return GTK_EDITABLE (self->search_entry);
}

GtkDropDown *
quorum_file_browser_get_job_filter (QuorumFileBrowser *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_BROWSER (self), NULL);
  return self->job_filter;
}

GtkToggleButton *
quorum_file_browser_get_truth_filter (QuorumFileBrowser *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_BROWSER (self), NULL);
  return self->truth_filter;
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
quorum_file_browser_dispose (GObject *object)
{
  QuorumFileBrowser *self = QUORUM_FILE_BROWSER (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);
  g_cancellable_cancel (self->upload_cancellable);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_queue_clear_full (&self->thumbnail_queue, g_object_unref);
  if (self->grid_view != NULL)
    gtk_grid_view_set_model (self->grid_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), QUORUM_TYPE_FILE_BROWSER);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (quorum_file_browser_parent_class)->dispose (object);
}

static void
quorum_file_browser_finalize (GObject *object)
{
  QuorumFileBrowser *self = QUORUM_FILE_BROWSER (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->upload_cancellable);
  g_clear_object (&self->visible);
  g_clear_object (&self->filter);
  g_clear_object (&self->files);
  g_free (self->search);
  g_hash_table_unref (self->in_job);
  g_hash_table_unref (self->in_job_next);
  g_hash_table_unref (self->thumbnail_asked);
  g_hash_table_unref (self->local_paths);
  g_ptr_array_unref (self->uploads);
  g_hash_table_unref (self->seen);
  g_ptr_array_unref (self->notes);
  g_free (self->summary);
  G_OBJECT_CLASS (quorum_file_browser_parent_class)->finalize (object);
}

static void
quorum_file_browser_class_init (QuorumFileBrowserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = quorum_file_browser_dispose;
  object_class->finalize = quorum_file_browser_finalize;
  window_class->close_request = quorum_file_browser_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-file-browser.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, window_title);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, content_box);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, add_files_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, add_folder_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, spinner);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, filter_bar);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, search_entry);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, job_filter);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, truth_filter);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, error_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, empty_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, empty_buttons);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, grid_view);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, upload_revealer);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, upload_title);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, upload_detail);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, dismiss_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, upload_progress);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, notes_scroll);
  gtk_widget_class_bind_template_child (widget_class, QuorumFileBrowser, notes_list);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);

  gtk_widget_class_install_action (widget_class, "files.add-files", NULL, browser_action);
  gtk_widget_class_install_action (widget_class, "files.add-folder", NULL, browser_action);
  gtk_widget_class_install_action (widget_class, "files.refresh", NULL, browser_action);
  gtk_widget_class_install_action (widget_class, "files.cancel-upload", NULL, browser_action);
  gtk_widget_class_install_action (widget_class, "files.dismiss", NULL, browser_action);
  gtk_widget_class_install_action (widget_class, "files.search", NULL, browser_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "files.add-files", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "files.add-folder", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "files.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "files.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
quorum_file_browser_init (QuorumFileBrowser *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkNoSelection *selection;
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->files = g_list_store_new (QUORUM_TYPE_FILE_ITEM);
  self->filter = gtk_custom_filter_new (file_visible, self, NULL);
  self->visible = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->files)),
                                             GTK_FILTER (g_object_ref (self->filter)));
  self->in_job = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->in_job_next = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->thumbnail_asked = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->local_paths = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->uploads = g_ptr_array_new_with_free_func (upload_free);
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->notes = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&self->thumbnail_queue);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), self);
  gtk_grid_view_set_factory (self->grid_view, factory);
  g_object_unref (factory);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->visible)));
  gtk_grid_view_set_model (self->grid_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);

  self->drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, 0);
  g_signal_connect (self->drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (self->content_box, GTK_EVENT_CONTROLLER (self->drop));
  /* Files dragged over the window: an accent frame says they may fall. */
  gtk_css_provider_load_from_data (provider,
                                   "box.file-drop:drop(active) { box-shadow: inset 0 0 0 3px @accent_bg_color; }",
                                   -1);
  gtk_style_context_add_provider (gtk_widget_get_style_context (self->content_box), GTK_STYLE_PROVIDER (provider),
                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_widget_add_css_class (self->content_box, "file-drop");
  update_role (self);
}

QuorumFileBrowser *
quorum_file_browser_new (QuorumWindow *window,
                         gint64        project,
                         const char   *project_name)
{
  QuorumFileBrowser *self;

  g_return_val_if_fail (QUORUM_IS_WINDOW (window), NULL);
  g_return_val_if_fail (quorum_window_get_session (window) != NULL, NULL);

  self = g_object_new (QUORUM_TYPE_FILE_BROWSER, "transient-for", window, NULL);
  self->session = g_object_ref (quorum_window_get_session (window));
  self->project_id = project;
  adw_window_title_set_subtitle (self->window_title, project_name);
  load (self);
  return self;
}
