/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <gst/gst.h>

#include "app-test-server.h"
#include "app-test-video.h"
#include "quorum-file-browser.h"
#include "quorum-guide-editor.h"
#include "quorum-guide-render.h"
#include "quorum-guide-view.h"
#include "quorum-job-assistant.h"
#include "quorum-job-overview.h"
#include "quorum-label-editor.h"
#include "quorum-projects-window.h"
#include "video-clip.h"

/*
 * A project run from the app, as issue #18 walks it, against a real and
 * empty quorum-server, signed in as the server's administrator who becomes
 * the project's admin: the project created in the Projects window (in an
 * organization), three images and a video dropped on its Files window, two
 * labels with an attribute in the label editor, a guide with a table and a
 * picture whose preview shows both, a consensus job of three passes shared
 * to the organization with that guide, created and launched in the job
 * assistant. Then a member of the organization, with no role in the
 * project, gets a task of the job with its guide, and the server holds
 * exactly the settings the assistant showed. Each step opens its window from
 * the project's row, as a user does. The tests run in order and share one
 * server and one window.
 */

#define ROOT_PASSWORD "correct horse battery"
#define WORKER_PASSWORD "worker password 1"
#define PROJECT "Street scenes"

static struct {
  AppTestServer  real;
  char          *uploads;     /* the folder dropped on the Files window */
  char          *cone;        /* the guide's picture */
  gint64         org;
  gint64         worker;
  gint64         project;
  gint64         guide;
  gint64         job;
  JsonNode      *settings;    /* what the assistant would send */
} run;

#define call app_test_callf

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

static QuorumProjectsWindow *
projects (void)
{
  return find_window (QUORUM_TYPE_PROJECTS_WINDOW);
}

static gboolean
projects_idle (gpointer data)
{
  return projects () != NULL && !quorum_projects_window_get_loading (projects ());
}

static gboolean
dialog_shown (gpointer heading)
{
  return app_test_find_dialog (heading) != NULL;
}

/* Opens @tool from the project's row and waits until it is idle. */
static gpointer
open_tool (const char *tool,
           GType       type,
           gboolean  (*idle) (gpointer))
{
  GtkWindow *window;

  g_assert_true (quorum_projects_window_has_tool (projects (), run.project, tool));
  window = quorum_projects_window_open_tool (projects (), run.project, tool);
  g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (window, type));
  g_assert_true (app_test_wait_until (idle, window));
  return window;
}

static JsonArray *
project_list (const char *what)
{
  g_autoptr(JsonNode) reply = call (run.real.admin, "GET", NULL, "/projects/%" G_GINT64_FORMAT "/%s",
                                    run.project, what);

  return json_array_ref (json_node_get_array (reply));
}

/* ---- the project ------------------------------------------------------------------------ */

static void
test_create_project (void)
{
  GtkWidget *dialog;
  g_autoptr(JsonNode) project = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (run.real.window), "win.projects", NULL));
  g_assert_true (app_test_wait_until (projects_idle, NULL));
  g_assert_cmpuint (quorum_projects_window_get_n_projects (projects ()), ==, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (projects ()), "projects.new", NULL));
  g_assert_true (app_test_wait_until (dialog_shown, (gpointer) "New Project"));
  dialog = app_test_find_dialog ("New Project");
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "quorum-name"), PROJECT);
  gtk_drop_down_set_selected (g_object_get_data (G_OBJECT (dialog), "quorum-org"), 1);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "create");
  gtk_window_close (GTK_WINDOW (dialog));
  app_test_iterate (50);
  g_assert_true (app_test_wait_until (projects_idle, NULL));

  run.project = quorum_projects_window_find_project (projects (), PROJECT);
  g_assert_cmpint (run.project, >, 0);
  project = call (run.real.admin, "GET", NULL, "/projects/%" G_GINT64_FORMAT, run.project);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (project), "org"), ==, run.org);
}

/* ---- files ------------------------------------------------------------------------------- */

static gboolean
browser_idle (gpointer browser)
{
  return !quorum_file_browser_get_loading (browser) && !quorum_file_browser_get_uploading (browser);
}

static void
test_drop_files (void)
{
  QuorumFileBrowser *browser = open_tool ("files", QUORUM_TYPE_FILE_BROWSER, browser_idle);
  g_autoptr(GListStore) dropped = g_list_store_new (G_TYPE_FILE);
  g_autoptr(GFile) folder = g_file_new_for_path (run.uploads);
  g_autoptr(JsonArray) files = NULL;
  guint images = 0, videos = 0;

  g_assert_true (quorum_file_browser_get_can_upload (browser));
  g_assert_cmpuint (quorum_file_browser_get_n_visible (browser), ==, 0);
  /* a folder dropped: its three images and its video */
  g_list_store_append (dropped, folder);
  quorum_file_browser_add_files (browser, G_LIST_MODEL (dropped));
  g_assert_true (app_test_wait_until (browser_idle, browser));
  g_assert_cmpuint (quorum_file_browser_get_n_visible (browser), ==, 4);

  files = project_list ("files");
  g_assert_cmpuint (json_array_get_length (files), ==, 4);
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      const char *name = json_object_get_string_member (json_array_get_object_element (files, i), "name");

      images += g_str_has_suffix (name, ".png");
      videos += g_str_has_suffix (name, ".webm");
    }
  g_assert_cmpuint (images, ==, 3);
  g_assert_cmpuint (videos, ==, 1);
  gtk_window_destroy (GTK_WINDOW (browser));
  app_test_iterate (20);
}

/* ---- labels ------------------------------------------------------------------------------ */

static gboolean
labels_idle (gpointer editor)
{
  return !quorum_label_editor_get_loading (editor);
}

static gboolean
labels_saved (gpointer editor)
{
  return labels_idle (editor) && !quorum_label_editor_get_dirty (editor);
}

static void
test_labels (void)
{
  QuorumLabelEditor *editor = open_tool ("labels", QUORUM_TYPE_LABEL_EDITOR, labels_idle);
  g_autoptr(JsonNode) reply = NULL;
  JsonArray *labels, *attributes;
  JsonObject *car, *colour;

  g_assert_cmpuint (quorum_label_editor_get_n_labels (editor), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "labels.add", NULL));
  gtk_editable_set_text (quorum_label_editor_get_name_row (editor), "car");
  adw_combo_row_set_selected (quorum_label_editor_get_kind_row (editor), 0);   /* Box */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "labels.add-attribute", NULL));
  gtk_editable_set_text (quorum_label_editor_get_attribute_name_row (editor, 0), "colour");
  adw_combo_row_set_selected (quorum_label_editor_get_attribute_type_row (editor, 0), 1);   /* One Choice */
  gtk_editable_set_text (quorum_label_editor_get_attribute_options_row (editor, 0), "red, blue, other");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "labels.add", NULL));
  gtk_editable_set_text (quorum_label_editor_get_name_row (editor), "person");
  adw_combo_row_set_selected (quorum_label_editor_get_kind_row (editor), 1);   /* Polygon */
  app_test_iterate (20);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "labels.save", NULL));
  g_assert_true (app_test_wait_until (labels_saved, editor));

  reply = call (run.real.admin, "GET", NULL, "/projects/%" G_GINT64_FORMAT "/labels", run.project);
  labels = json_object_get_array_member (json_node_get_object (reply), "labels");
  g_assert_cmpuint (json_array_get_length (labels), ==, 2);
  car = json_array_get_object_element (labels, 0);
  g_assert_cmpstr (json_object_get_string_member (car, "name"), ==, "car");
  g_assert_cmpstr (json_object_get_string_member (car, "kind"), ==, "box");
  attributes = json_object_get_array_member (car, "attributes");
  g_assert_cmpuint (json_array_get_length (attributes), ==, 1);
  colour = json_array_get_object_element (attributes, 0);
  g_assert_cmpstr (json_object_get_string_member (colour, "name"), ==, "colour");
  g_assert_cmpstr (json_object_get_string_member (colour, "type"), ==, "single_choice");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (colour, "options")), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (labels, 1), "kind"), ==, "polygon");
  gtk_window_destroy (GTK_WINDOW (editor));
  app_test_iterate (20);
}

/* ---- the guide --------------------------------------------------------------------------- */

static gboolean
guide_idle (gpointer editor)
{
  return !quorum_guide_editor_get_loading (editor);
}

static gboolean
guide_saved (gpointer editor)
{
  return guide_idle (editor) && !quorum_guide_editor_get_dirty (editor) && quorum_guide_editor_get_guide (editor) != 0;
}

static GtkTextBuffer *
preview_buffer (QuorumGuideEditor *editor)
{
  return gtk_text_view_get_buffer (quorum_guide_view_get_text_view (quorum_guide_editor_get_preview (editor)));
}

static gboolean
preview_complete (gpointer editor)
{
  GtkTextBuffer *buffer = preview_buffer (editor);
  GPtrArray *images = quorum_guide_render_get_images (buffer);
  GPtrArray *anchors = quorum_guide_render_get_anchors (buffer);
  gboolean picture = FALSE, table = FALSE;

  for (guint i = 0; images != NULL && i < images->len; i++)
    picture |= g_strcmp0 (((QuorumGuideImage *) g_ptr_array_index (images, i))->name, "cone.png") == 0 &&
               ((QuorumGuideImage *) g_ptr_array_index (images, i))->found;
  for (guint i = 0; anchors != NULL && i < anchors->len; i++)
    table |= g_object_get_data (g_ptr_array_index (anchors, i), QUORUM_GUIDE_ANCHOR_TABLE) != NULL;
  return picture && table;
}

static void
test_guide (void)
{
  QuorumGuideEditor *editor = open_tool ("guides", QUORUM_TYPE_GUIDE_EDITOR, guide_idle);
  g_autoptr(GFile) picture = g_file_new_for_path (run.cone);
  g_autoptr(JsonNode) saved = NULL;
  GSList *dropped = g_slist_prepend (NULL, picture);
  GtkTextIter end;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "guides.new", NULL));
  gtk_editable_set_text (quorum_guide_editor_get_name_row (editor), "How to draw streets");
  gtk_text_buffer_set_text (quorum_guide_editor_get_source (editor),
                            "# Streets\n\nDraw every **car** with a box.\n\n"
                            "| label | drawn as |\n|---|---|\n| car | box |\n| person | polygon |\n\n", -1);
  gtk_text_buffer_get_end_iter (quorum_guide_editor_get_source (editor), &end);
  gtk_text_buffer_place_cursor (quorum_guide_editor_get_source (editor), &end);
  /* the picture dropped on the text: uploaded, named where it fell */
  quorum_guide_editor_insert_files (editor, dropped);
  g_slist_free (dropped);
  g_assert_true (app_test_wait_until (guide_idle, editor));
  /* the preview renders both, as annotators will see them */
  g_assert_true (app_test_wait_until (preview_complete, editor));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "guides.save", NULL));
  g_assert_true (app_test_wait_until (guide_saved, editor));
  run.guide = quorum_guide_editor_get_guide (editor);
  saved = call (run.real.admin, "GET", NULL, "/guides/%" G_GINT64_FORMAT, run.guide);
  g_assert_nonnull (strstr (json_object_get_string_member (json_node_get_object (saved), "markdown"),
                            "![cone.png](cone.png)"));
  gtk_window_destroy (GTK_WINDOW (editor));
  app_test_iterate (20);
}

/* ---- the job ----------------------------------------------------------------------------- */

static gboolean
assistant_idle (gpointer assistant)
{
  return !quorum_job_assistant_get_loading (assistant);
}

static gpointer
child (QuorumJobAssistant *assistant,
       const char         *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (assistant), QUORUM_TYPE_JOB_ASSISTANT, name);

  g_assert_nonnull (object);
  return object;
}

static void
click (QuorumJobAssistant *assistant,
       const char         *name)
{
  GtkWidget *button = child (assistant, name);

  g_assert_true (gtk_widget_get_visible (button) && gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  app_test_iterate (50);
}

static void
on_job_created (QuorumJobAssistant *assistant,
                gint64              id,
                gpointer            data)
{
  run.job = id;
}

static gboolean
job_launched (gpointer data)
{
  return run.job != 0 && find_window (QUORUM_TYPE_JOB_ASSISTANT) == NULL;
}

static void
test_job (void)
{
  QuorumJobAssistant *assistant = open_tool ("new-job", QUORUM_TYPE_JOB_ASSISTANT, assistant_idle);
  g_autoptr(JsonNode) job = NULL;
  g_autoptr(JsonArray) files = project_list ("files");
  g_autoptr(GList) members = NULL;
  g_autofree char *guide = g_strdup_printf ("%" G_GINT64_FORMAT, run.guide);
  g_autoptr(GArray) chosen = NULL;
  JsonObject *settings, *sent;
  QuorumJobOverview *overview;

  g_signal_connect (assistant, "job-created", G_CALLBACK (on_job_created), NULL);
  gtk_editable_set_text (child (assistant, "name_row"), "Street scenes, three passes");
  adw_combo_row_set_selected (child (assistant, "type_row"), 0);        /* Annotation */
  adw_combo_row_set_selected (child (assistant, "share_row"), 1);       /* Organization */
  gtk_spin_button_set_value (child (assistant, "passes_spin"), 3);
  adw_combo_row_set_selected (child (assistant, "consensus_row"), 1);   /* Manual Merge */
  adw_combo_row_set_selected (child (assistant, "draw_guide_row"), 1);  /* the project's guide */
  run.settings = quorum_job_assistant_build_settings (assistant);
  click (assistant, "next_button");
  g_assert_cmpstr (quorum_job_assistant_get_step (assistant), ==, "files");
  /* the dropped files, not the guide's picture (a project file too) */
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);

      if (g_strcmp0 (json_object_get_string_member (file, "name"), "cone.png") != 0)
        gtk_check_button_set_active (quorum_job_assistant_get_file_check (assistant,
                                                                          json_object_get_int_member (file, "id")),
                                     TRUE);
    }
  chosen = quorum_job_assistant_get_chosen_files (assistant);
  g_assert_cmpuint (chosen->len, ==, 4);
  click (assistant, "next_button");
  g_assert_cmpstr (quorum_job_assistant_get_step (assistant), ==, "review");
  click (assistant, "launch_button");
  g_assert_true (app_test_wait_until (job_launched, NULL));
  /* it lands on the job's overview */
  overview = find_window (QUORUM_TYPE_JOB_OVERVIEW);
  g_assert_nonnull (overview);
  g_assert_cmpint (quorum_job_overview_get_job (overview), ==, run.job);
  gtk_window_destroy (GTK_WINDOW (overview));
  app_test_iterate (20);

  /* the server holds exactly what the assistant showed */
  job = call (run.real.admin, "GET", NULL, "/jobs/%" G_GINT64_FORMAT, run.job);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (job), "state"), ==, "launched");
  settings = json_object_get_object_member (json_node_get_object (job), "settings");
  g_assert_cmpint (json_object_get_int_member (settings, "passes_per_file"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (settings, "share"), ==, "org");
  g_assert_cmpstr (json_object_get_string_member (settings, "consensus"), ==, "manual_merge");
  g_assert_cmpstr (json_object_get_string_member (settings, "draw_guide"), ==, guide);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (job), "files")), ==, 4);
  /* every setting the assistant sent, as it sent it (the server adds its
   * defaults for the exam's settings, which an annotation job leaves out) */
  sent = json_node_get_object (run.settings);
  members = json_object_get_members (sent);
  g_assert_cmpuint (g_list_length (members), >=, 10);
  for (GList *m = members; m != NULL; m = m->next)
    {
      g_autofree char *shown = json_to_string (json_object_get_member (sent, m->data), FALSE);
      g_autofree char *held = NULL;

      g_assert_true (json_object_has_member (settings, m->data));
      held = json_to_string (json_object_get_member (settings, m->data), FALSE);
      g_assert_cmpstr (held, ==, shown);
    }
}

/* ---- the organization's member ----------------------------------------------------------- */

static void
test_org_member_works (void)
{
  g_autoptr(QuorumClient) worker = app_test_server_sign_in (&run.real, "wendy", WORKER_PASSWORD);
  g_autoptr(JsonNode) task = NULL;
  g_autoptr(JsonNode) view = NULL;
  JsonObject *guide;

  /* no role in the project: the org share alone reaches her */
  task = call (worker, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", run.job);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (task), "kind"), ==, "draw");
  view = call (worker, "GET", NULL, "/tasks/%" G_GINT64_FORMAT,
               json_object_get_int_member (json_node_get_object (task), "id"));
  guide = json_object_get_object_member (json_node_get_object (view), "guide");
  g_assert_nonnull (guide);
  g_assert_cmpint (json_object_get_int_member (guide, "id"), ==, run.guide);
  g_assert_nonnull (strstr (json_object_get_string_member (guide, "markdown"), "| car | box |"));
  g_assert_true (json_object_has_member (json_object_get_object_member (guide, "images"), "cone.png"));
}

/* ---- the files to drop ------------------------------------------------------------------- */

static void
write_png (const char *path,
           guint32     color)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 320, 240);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pixbuf, color);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  g_assert_no_error (error);
}

static void
make_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *video = NULL;
  const guint32 colors[] = { 0x336699ff, 0x993366ff, 0x669933ff };

  run.uploads = g_build_filename (run.real.home, "street-photos", NULL);
  g_assert_cmpint (g_mkdir_with_parents (run.uploads, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (colors); i++)
    {
      g_autofree char *name = g_strdup_printf ("street-%u.png", i + 1);
      g_autofree char *path = g_build_filename (run.uploads, name, NULL);

      write_png (path, colors[i]);
    }
  video = g_build_filename (run.uploads, "crossing.webm", NULL);
  g_assert_true (clip_make (CLIP_VP9_WEBM, video, 160, 96, 30, 30, NULL, &error));
  g_assert_no_error (error);
  run.cone = g_build_filename (run.real.home, "cone.png", NULL);
  write_png (run.cone, 0xff8800ff);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *member_path = NULL;
  g_autofree char *member_body = NULL;
  g_autoptr(JsonNode) added = NULL;
  int status;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("no display: run under xvfb-run (make test does)\n");
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }

  app_test_server_make_home (&run.real, "quorum-run-project-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  gst_init (&argc, &argv);
  app_test_server_start (&run.real, ROOT_PASSWORD);
  make_files ();
  /* the organization and its member, as the server's administrator keeps them */
  run.org = app_test_call_id (run.real.admin, "POST", "/orgs", "{\"name\": \"City Labelling\"}");
  run.worker = app_test_call_id (run.real.admin, "POST", "/users",
                                 "{\"name\": \"wendy\", \"password\": \"" WORKER_PASSWORD "\"}");
  member_path = g_strdup_printf ("/orgs/%" G_GINT64_FORMAT "/members", run.org);
  member_body = g_strdup_printf ("{\"user\": %" G_GINT64_FORMAT "}", run.worker);
  added = app_test_call (run.real.admin, "POST", member_path, member_body);
  app_test_server_open_window (&run.real, 1280, 860);
  app_test_sign_in_root (&run.real, ROOT_PASSWORD);

  g_test_add_func ("/run-project/create-project", test_create_project);
  g_test_add_func ("/run-project/drop-files", test_drop_files);
  g_test_add_func ("/run-project/labels", test_labels);
  g_test_add_func ("/run-project/guide", test_guide);
  g_test_add_func ("/run-project/job", test_job);
  g_test_add_func ("/run-project/org-member-works", test_org_member_works);
  status = g_test_run ();

  g_clear_pointer (&run.settings, json_node_unref);
  g_free (run.uploads);
  g_free (run.cone);
  app_test_server_stop (&run.real);
  return status;
}
