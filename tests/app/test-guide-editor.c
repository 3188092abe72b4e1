/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "app-test-server.h"
#include "quorum-guide-editor.h"
#include "quorum-guide-render.h"
#include "quorum-task-list.h"

/*
 * The guide editor against a real quorum-server filled by `quorumctl
 * demo`, as its trainer (tom): the project's guides as the server has
 * them, a new guide whose table shows in the preview as it is typed, a
 * picture added as a drop adds it (uploaded, named in the text, drawn in
 * the preview), Save (POST) and a later Save (PUT) the server keeps, a
 * name the server refuses (nothing changed), the guide's versions (the
 * version edited, History as the server lists it, an old version shown
 * read-only and restored as a new one), a save over another editor's
 * newer version (refused, reload offered), and leaving unsaved changes,
 * which asks. The tests run in order and share one server and one window.
 */

#define ROOT_PASSWORD "correct horse battery"

static struct {
  AppTestServer  real;
  JsonObject    *demo;
  gint64         job;
  gint64         project;
  char          *picture;    /* a PNG on disk */
} server;

#define call app_test_callf

static JsonArray *
server_guides (void)
{
  g_autoptr(JsonNode) reply = call (server.real.admin, "GET", NULL, "/projects/%" G_GINT64_FORMAT "/guides",
                                    server.project);

  return json_array_ref (json_node_get_array (reply));
}

static JsonObject *
server_guide (gint64 id)
{
  g_autoptr(JsonNode) reply = call (server.real.admin, "GET", NULL, "/guides/%" G_GINT64_FORMAT, id);

  return json_object_ref (json_node_get_object (reply));
}

static JsonArray *
server_versions (gint64 id)
{
  g_autoptr(JsonNode) reply = call (server.real.admin, "GET", NULL, "/guides/%" G_GINT64_FORMAT "/versions", id);

  return json_array_ref (json_node_get_array (reply));
}

static gpointer
find_window (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (window))
        return window;
    }
  return NULL;
}

static QuorumGuideEditor *
editor (void)
{
  return find_window (QUORUM_TYPE_GUIDE_EDITOR);
}

static gboolean
editor_idle (gpointer data)
{
  return editor () != NULL && !quorum_guide_editor_get_loading (editor ());
}

static gboolean
editor_gone (gpointer data)
{
  return editor () == NULL;
}

static gboolean
editor_saved (gpointer data)
{
  return editor_idle (NULL) && !quorum_guide_editor_get_dirty (editor ()) &&
         quorum_guide_editor_get_guide (editor ()) != 0;
}

static gboolean
dialog_shown (gpointer heading)
{
  return app_test_find_dialog (heading) != NULL;
}

static void
respond (const char *heading,
         const char *response)
{
  GtkWidget *dialog = app_test_find_dialog (heading);

  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_close (GTK_WINDOW (dialog));
  app_test_iterate (50);
  g_assert_null (app_test_find_dialog (heading));
}

static void
activate (const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor ()), action, NULL));
  app_test_iterate (20);
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static char *
source_text (void)
{
  return buffer_text (quorum_guide_editor_get_source (editor ()));
}

static GtkTextBuffer *
preview_buffer (void)
{
  return gtk_text_view_get_buffer (quorum_guide_view_get_text_view (quorum_guide_editor_get_preview (editor ())));
}

static char *
preview_text (void)
{
  return buffer_text (preview_buffer ());
}

/* ---- the tests --------------------------------------------------------------------------- */

static gboolean
guide_shown (gpointer data)
{
  return editor_idle (NULL) && quorum_guide_editor_get_guide (editor ()) != 0;
}

static void
test_open (void)
{
  g_autoptr(JsonArray) guides = server_guides ();
  g_autoptr(JsonObject) first = NULL;
  g_autofree char *source = NULL;

  g_assert_cmpuint (json_array_get_length (guides), >, 0);
  first = server_guide (json_object_get_int_member (json_array_get_object_element (guides, 0), "id"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.guides", "x", server.job));
  g_assert_true (app_test_wait_until (guide_shown, NULL));
  g_assert_cmpuint (quorum_guide_editor_get_n_guides (editor ()), ==, json_array_get_length (guides));
  g_assert_cmpint (quorum_guide_editor_get_guide (editor ()), ==, json_object_get_int_member (first, "id"));
  g_assert_cmpstr (gtk_editable_get_text (quorum_guide_editor_get_name_row (editor ())), ==,
                   json_object_get_string_member (first, "name"));
  source = source_text ();
  g_assert_cmpstr (source, ==, json_object_get_string_member (first, "markdown"));
  g_assert_false (quorum_guide_editor_get_dirty (editor ()));
}

static gboolean
preview_shows (gpointer text)
{
  g_autofree char *shown = preview_text ();

  return strstr (shown, text) != NULL;
}

static gboolean
picture_drawn (gpointer data)
{
  GPtrArray *images = quorum_guide_render_get_images (preview_buffer ());

  for (guint i = 0; images != NULL && i < images->len; i++)
    {
      QuorumGuideImage *image = g_ptr_array_index (images, i);

      if (g_strcmp0 (image->name, "cone.png") == 0 && image->found)
        return TRUE;
    }
  return FALSE;
}

static void
test_new_guide (void)
{
  guint n = quorum_guide_editor_get_n_guides (editor ());
  g_autoptr(JsonObject) saved = NULL;
  g_autoptr(JsonArray) files = NULL;
  g_autoptr(GFile) picture = g_file_new_for_path (server.picture);
  g_autofree char *source = NULL;
  g_autofree char *shown = NULL;
  GSList *dropped = g_slist_prepend (NULL, picture);
  gboolean uploaded = FALSE;
  g_autoptr(JsonNode) reply = NULL;

  activate ("guides.new");
  g_assert_cmpint (quorum_guide_editor_get_guide (editor ()), ==, 0);
  gtk_editable_set_text (quorum_guide_editor_get_name_row (editor ()), "Cones");
  gtk_text_buffer_set_text (quorum_guide_editor_get_source (editor ()),
                            "# Cones\n\nCones are **orange**.\n\n| kind | colour |\n|---|---|\n| cone | orange |\n\n", -1);
  g_assert_true (quorum_guide_editor_get_dirty (editor ()));

  /* The preview follows the typing, rendered: no Markdown marks, and the
   * table a table (a widget in the text, not its pipes). */
  g_assert_true (app_test_wait_until (preview_shows, "Cones are orange."));
  shown = preview_text ();
  g_assert_null (strstr (shown, "|---|"));
  g_assert_null (strstr (shown, "# Cones"));
  g_assert_cmpuint (quorum_guide_render_get_anchors (preview_buffer ())->len, ==, 1);

  /* A dropped picture is uploaded, named in the text and drawn. */
  quorum_guide_editor_insert_files (editor (), dropped);
  g_slist_free (dropped);
  g_assert_true (app_test_wait_until (editor_idle, NULL));
  source = source_text ();
  g_assert_nonnull (strstr (source, "![cone.png](cone.png)\n"));
  g_assert_true (app_test_wait_until (picture_drawn, NULL));
  reply = call (server.real.admin, "GET", NULL, "/projects/%" G_GINT64_FORMAT "/files", server.project);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (reply)); i++)
    uploaded |= g_strcmp0 (json_object_get_string_member (json_array_get_object_element (json_node_get_array (reply), i),
                                                          "name"), "cone.png") == 0;
  g_assert_true (uploaded);
  g_assert_cmpint (quorum_guide_editor_get_version (editor ()), ==, 0);

  activate ("guides.save");
  g_assert_true (app_test_wait_until (editor_saved, NULL));
  g_assert_cmpuint (quorum_guide_editor_get_n_guides (editor ()), ==, n + 1);
  saved = server_guide (quorum_guide_editor_get_guide (editor ()));
  g_assert_cmpstr (json_object_get_string_member (saved, "name"), ==, "Cones");
  g_assert_cmpstr (json_object_get_string_member (saved, "markdown"), ==, source);
  /* The editor says which version it edits: the server's. */
  g_assert_cmpint (json_object_get_int_member (saved, "version"), ==, 1);
  g_assert_cmpint (quorum_guide_editor_get_version (editor ()), ==, 1);
  g_assert_true (g_str_has_prefix (quorum_guide_editor_get_version_text (editor ()), "Version 1, saved "));
  g_assert_true (g_str_has_suffix (quorum_guide_editor_get_version_text (editor ()), " by tom"));
  g_assert_true (app_test_wait_until (picture_drawn, NULL));
  gtk_window_set_default_size (GTK_WINDOW (editor ()), 1024, 600);
  app_test_screenshot (GTK_WINDOW (editor ()), "guide-editor-1024x600.png");
  gtk_window_set_default_size (GTK_WINDOW (editor ()), 1400, 860);
  app_test_screenshot (GTK_WINDOW (editor ()), "guide-editor.png");
}

static void
test_edit_guide (void)
{
  gint64 id = quorum_guide_editor_get_guide (editor ());
  GtkTextBuffer *buffer = quorum_guide_editor_get_source (editor ());
  GtkTextIter end;
  g_autoptr(JsonObject) saved = NULL;
  g_autofree char *source = NULL;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, "Mark every cone, **even far ones**.\n", -1);
  source = source_text ();
  activate ("guides.save");
  g_assert_true (app_test_wait_until (editor_saved, NULL));
  g_assert_cmpint (quorum_guide_editor_get_guide (editor ()), ==, id);
  saved = server_guide (id);
  g_assert_cmpstr (json_object_get_string_member (saved, "markdown"), ==, source);
  g_assert_cmpint (json_object_get_int_member (saved, "version"), ==, 2);
  g_assert_cmpint (quorum_guide_editor_get_version (editor ()), ==, 2);
}

static gboolean
history_listed (gpointer data)
{
  JsonArray *history = editor_idle (NULL) ? quorum_guide_editor_get_history (editor ()) : NULL;

  return history != NULL && json_array_get_length (history) == GPOINTER_TO_UINT (data);
}

static gboolean
old_shown (gpointer number)
{
  return editor_idle (NULL) && quorum_guide_editor_get_shown_version (editor ()) == GPOINTER_TO_INT (number);
}

/* History lists the versions as the server keeps them; choosing version 1
 * shows it read-only; Restore This Version saves it as version 3. */
static void
test_history_and_restore (void)
{
  gint64 id = quorum_guide_editor_get_guide (editor ());
  g_autoptr(JsonArray) versions = server_versions (id);
  g_autoptr(JsonArray) after = NULL;
  g_autoptr(JsonNode) first_reply = NULL;
  JsonObject *first;
  g_autoptr(JsonObject) saved = NULL;
  g_autofree char *before = source_text ();
  g_autofree char *shown = NULL;
  g_autofree char *source = NULL;
  JsonArray *history;

  g_assert_cmpuint (json_array_get_length (versions), ==, 2);
  quorum_guide_editor_load_history (editor ());
  g_assert_true (app_test_wait_until (history_listed, GUINT_TO_POINTER (2)));
  history = quorum_guide_editor_get_history (editor ());
  for (guint i = 0; i < json_array_get_length (versions); i++)
    {
      JsonObject *theirs = json_array_get_object_element (versions, i);
      JsonObject *ours = json_array_get_object_element (history, i);

      g_assert_cmpint (json_object_get_int_member (ours, "number"), ==, json_object_get_int_member (theirs, "number"));
      g_assert_cmpstr (json_object_get_string_member (ours, "author_name"), ==, "tom");
    }
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (history, 0), "number"), ==, 2);

  /* Version 1, read-only: the preview shows it, the text stays as it is. */
  first_reply = call (server.real.admin, "GET", NULL, "/guides/%" G_GINT64_FORMAT "/versions/1", id);
  first = json_node_get_object (first_reply);
  quorum_guide_editor_show_version (editor (), 1);
  g_assert_true (app_test_wait_until (old_shown, GINT_TO_POINTER (1)));
  g_assert_true (app_test_wait_until (preview_shows, "Cones are orange."));
  shown = preview_text ();
  g_assert_null (strstr (shown, "even far ones"));
  source = source_text ();
  g_assert_cmpstr (source, ==, before);
  g_assert_false (gtk_editable_get_editable (quorum_guide_editor_get_name_row (editor ())));
  app_test_screenshot (GTK_WINDOW (editor ()), "guide-editor-history.png");

  activate ("guides.restore");
  g_assert_true (app_test_wait_until (old_shown, GINT_TO_POINTER (0)));
  g_assert_true (app_test_wait_until (editor_saved, NULL));
  after = server_versions (id);
  g_assert_cmpuint (json_array_get_length (after), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (after, 0), "number"), ==, 3);
  saved = server_guide (id);
  g_assert_cmpint (json_object_get_int_member (saved, "version"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (saved, "markdown"), ==, json_object_get_string_member (first, "markdown"));
  g_assert_cmpint (quorum_guide_editor_get_version (editor ()), ==, 3);
  g_free (source);
  source = source_text ();
  g_assert_cmpstr (source, ==, json_object_get_string_member (first, "markdown"));
  g_assert_false (quorum_guide_editor_get_dirty (editor ()));
}

/* Someone else saves the guide meanwhile: the editor's save (from version
 * 3) is refused, theirs kept; Reload shows it. */
static void
test_stale_save (void)
{
  gint64 id = quorum_guide_editor_get_guide (editor ());
  g_autoptr(JsonNode) theirs = call (server.real.admin, "PUT", "{\"name\": \"Cones\", \"markdown\": \"Theirs.\"}",
                                     "/guides/%" G_GINT64_FORMAT, id);
  g_autoptr(JsonArray) versions = NULL;
  g_autoptr(JsonObject) kept = NULL;
  g_autofree char *source = NULL;
  GtkTextBuffer *buffer = quorum_guide_editor_get_source (editor ());
  GtkTextIter end;

  g_assert_cmpint (json_object_get_int_member (json_node_get_object (theirs), "version"), ==, 4);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, "Mine.\n", -1);
  activate ("guides.save");
  g_assert_true (app_test_wait_until (dialog_shown, "Someone Else Saved This Guide"));
  versions = server_versions (id);
  g_assert_cmpuint (json_array_get_length (versions), ==, 4);
  kept = server_guide (id);
  g_assert_cmpstr (json_object_get_string_member (kept, "markdown"), ==, "Theirs.");
  g_assert_true (quorum_guide_editor_get_dirty (editor ()));

  respond ("Someone Else Saved This Guide", "reload");
  g_assert_true (app_test_wait_until (editor_saved, NULL));
  g_assert_cmpint (quorum_guide_editor_get_version (editor ()), ==, 4);
  source = source_text ();
  g_assert_cmpstr (source, ==, "Theirs.");
}

static void
test_refused (void)
{
  g_autoptr(JsonArray) before = server_guides ();
  g_autoptr(JsonArray) after = NULL;

  activate ("guides.new");
  gtk_editable_set_text (quorum_guide_editor_get_name_row (editor ()), "Cones");
  gtk_text_buffer_set_text (quorum_guide_editor_get_source (editor ()), "Another.", -1);
  activate ("guides.save");
  app_test_iterate (100);
  g_assert_true (app_test_wait_until (editor_idle, NULL));
  g_assert_true (quorum_guide_editor_get_dirty (editor ()));
  g_assert_cmpint (quorum_guide_editor_get_guide (editor ()), ==, 0);
  after = server_guides ();
  g_assert_cmpuint (json_array_get_length (after), ==, json_array_get_length (before));
}

static void
test_leave_with_changes (void)
{
  g_autofree char *kept = source_text ();
  g_autofree char *still = NULL;

  /* Another guide over unsaved changes asks; Keep Editing keeps them. */
  quorum_guide_editor_select (editor (), 0);
  g_assert_true (app_test_wait_until (dialog_shown, "Discard Changes to the Guide?"));
  respond ("Discard Changes to the Guide?", "keep");
  still = source_text ();
  g_assert_cmpstr (still, ==, kept);
  g_assert_true (quorum_guide_editor_get_dirty (editor ()));

  gtk_window_close (GTK_WINDOW (editor ()));
  g_assert_true (app_test_wait_until (dialog_shown, "Discard Changes to the Guide?"));
  respond ("Discard Changes to the Guide?", "discard");
  g_assert_true (app_test_wait_until (editor_gone, NULL));
}

static gboolean
work_shown (gpointer data)
{
  GtkStack *stack = app_test_child (server.real.window, "stack");

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "work") == 0;
}

static gboolean
job_listed (gpointer data)
{
  QuorumTaskList *tasks = app_test_child (server.real.window, "tasks");

  return tasks != NULL && quorum_task_list_find_job (tasks, server.job) != NULL;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(JsonNode) job = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("no display: run under xvfb-run (make test does)\n");
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }

  app_test_server_make_home (&server.real, "quorum-guide-editor-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app_test_server_start (&server.real, ROOT_PASSWORD);
  server.demo = app_test_server_run_demo (&server.real);
  server.job = app_test_demo_job_id (server.demo, "Street scenes — consensus");
  job = call (server.real.admin, "GET", NULL, "/jobs/%" G_GINT64_FORMAT, server.job);
  server.project = json_object_get_int_member (json_node_get_object (job), "project");
  server.picture = g_build_filename (server.real.home, "cone.png", NULL);
  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 48, 32);
  gdk_pixbuf_fill (pixbuf, 0xff7800ff);
  g_assert_true (gdk_pixbuf_save (pixbuf, server.picture, "png", &error, NULL));

  app_test_server_open_window (&server.real, 1200, 760);
  gtk_editable_set_text (app_test_child (server.real.window, "server_row"), server.real.address);
  gtk_editable_set_text (app_test_child (server.real.window, "user_row"), "tom");
  gtk_editable_set_text (app_test_child (server.real.window, "password_row"),
                         app_test_demo_password (server.demo, "tom"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, NULL));
  g_assert_true (app_test_wait_until (job_listed, NULL));

  g_test_add_func ("/guide-editor/open", test_open);
  g_test_add_func ("/guide-editor/new-guide", test_new_guide);
  g_test_add_func ("/guide-editor/edit-guide", test_edit_guide);
  g_test_add_func ("/guide-editor/history-and-restore", test_history_and_restore);
  g_test_add_func ("/guide-editor/stale-save", test_stale_save);
  g_test_add_func ("/guide-editor/refused", test_refused);
  g_test_add_func ("/guide-editor/leave-with-changes", test_leave_with_changes);
  status = g_test_run ();

  g_free (server.picture);
  g_clear_pointer (&server.demo, json_object_unref);
  app_test_server_stop (&server.real);
  return status;
}
