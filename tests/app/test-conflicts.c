/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "quorum-application.h"
#include "quorum-canvas-private.h"
#include "quorum-conflict-copies.h"
#include "quorum-conflict-dialog.h"
#include "quorum-error.h"
#include "quorum-task-item.h"
#include "quorum-window.h"
#include "quorum-wire.h"

#include "quorum-window-private.h"

#include "app-test-server.h"

/*
 * Conflicts that end, in the app against a real quorum-server: each cause
 * the server can produce (the task released, given to someone else,
 * decided elsewhere, a stale version) asks once, in a dialog that names
 * the file and the job; each choice ends it for good; and the work is
 * still there afterwards, in Conflict Copies, on the canvas and exported.
 * The tests run in order on one server and one window, one job each.
 */

#define ROOT_PASSWORD "correct horse battery"
#define ANN_PASSWORD  "ann-password"
#define BOB_PASSWORD  "bob-password"

enum { RELEASED, REASSIGNED, DECIDED, STALE_MINE, STALE_COPY, N_CASES };

static struct {
  AppTestServer  real;
  QuorumClient  *ann;       /* ann's other computer */
  gint64         bob;
  gint64         jobs[N_CASES];
  gint64         tasks[N_CASES];
  guint          copies;    /* conflict copies so far */
} server;

static void
write_image (const char *path,
             guint32     rgba)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 64, 48);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pixbuf, rgba);
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
}

/* A box label "car", one image per case, a job of that image each ("Case
 * N", without review), and ann holding the task of each. */
static void
server_start (void)
{
  gint64 ann_id;

  app_test_server_start (&server.real, ROOT_PASSWORD);
  g_assert_cmpint (app_test_call_id (server.real.admin, "POST", "/projects", "{\"name\": \"Streets\"}"), ==, 1);
  json_node_unref (app_test_call (server.real.admin, "PUT", "/projects/1/labels",
                                  "{\"labels\": [{\"name\": \"car\", \"color\": \"#e01b24\", \"kind\": \"box\","
                                  " \"attributes\": []}]}"));
  ann_id = app_test_call_id (server.real.admin, "POST", "/users",
                             "{\"name\": \"ann\", \"password\": \"" ANN_PASSWORD "\"}");
  server.bob = app_test_call_id (server.real.admin, "POST", "/users",
                                 "{\"name\": \"bob\", \"password\": \"" BOB_PASSWORD "\"}");
  json_node_unref (app_test_callf (server.real.admin, "PUT", "{\"role\": \"annotator\"}",
                                   "/projects/1/members/%" G_GINT64_FORMAT, ann_id));
  json_node_unref (app_test_callf (server.real.admin, "PUT", "{\"role\": \"annotator\"}",
                                   "/projects/1/members/%" G_GINT64_FORMAT, server.bob));
  server.ann = app_test_server_sign_in (&server.real, "ann", ANN_PASSWORD);
  for (guint i = 0; i < N_CASES; i++)
    {
      g_autofree char *name = g_strdup_printf ("street-%u.png", i);
      g_autofree char *path = g_build_filename (server.real.home, name, NULL);
      g_autofree char *body = NULL;
      g_autoptr(JsonNode) file = NULL;
      g_autoptr(JsonNode) task = NULL;
      g_autoptr(GError) error = NULL;

      write_image (path, 0x4080c0ff + i * 0x10000);
      file = quorum_client_upload_sync (server.real.admin, 1, path, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      body = g_strdup_printf ("{\"settings\": {\"name\": \"Case %u\", \"passes_per_file\": 1, \"review_frequency\": 0},"
                              " \"files\": [%" G_GINT64_FORMAT "]}",
                              i, json_object_get_int_member (json_node_get_object (file), "id"));
      server.jobs[i] = app_test_call_id (server.real.admin, "POST", "/projects/1/jobs", body);
      json_node_unref (app_test_callf (server.real.admin, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/launch",
                                       server.jobs[i]));
      task = app_test_callf (server.ann, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", server.jobs[i]);
      server.tasks[i] = json_object_get_int_member (json_node_get_object (task), "id");
    }
}

static JsonObject *
server_task (gint64 task_id)
{
  g_autoptr(JsonNode) task = app_test_callf (server.real.admin, "GET", NULL, "/tasks/%" G_GINT64_FORMAT, task_id);

  return json_object_ref (json_node_get_object (task));
}

/* ---- driving the window ----------------------------------------------------- */

static QuorumWindow *
window (void)
{
  return server.real.window;
}

static QuorumSync *
engine (void)
{
  return quorum_session_get_sync (quorum_window_get_session (window ()));
}

static QuorumCache *
cache (void)
{
  return quorum_session_get_cache (quorum_window_get_session (window ()));
}

static gboolean
work_shown (gpointer data)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (window (), "stack")), "work") == 0;
}

static gboolean
start_shown (gpointer data)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (window (), "stack")), "start") == 0;
}

static gboolean
canvas_shown (gpointer data)
{
  QuorumCanvas *canvas = app_test_child (window (), "canvas");

  return g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (window (), "canvas_stack")), "canvas") == 0 &&
         quorum_canvas_get_image (canvas) != NULL && gtk_widget_get_mapped (GTK_WIDGET (canvas));
}

static gboolean
synced (gpointer data)
{
  return quorum_sync_get_state (engine ()) == QUORUM_SYNC_SYNCED && quorum_sync_get_pending (engine ()) == 0;
}

/* The conflict dialogs on screen. */
static GPtrArray *
conflict_dialogs (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GPtrArray *dialogs = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (QUORUM_IS_CONFLICT_DIALOG (toplevel) && gtk_widget_get_visible (toplevel))
        g_ptr_array_add (dialogs, toplevel);
    }
  return dialogs;
}

static gboolean
dialog_shown (gpointer data)
{
  g_autoptr(GPtrArray) dialogs = conflict_dialogs ();

  return dialogs->len > 0;
}

static void
open_task (gint64 task)
{
  quorum_window_open_task (window (), task);
  g_assert_true (app_test_wait_until (canvas_shown, NULL));
  g_assert_cmpint (quorum_window_get_task (window ()), ==, task);
}

/* A box drawn on the open task: saved on this computer, sent soon. */
static const char *
draw_box (void)
{
  QuorumCanvas *canvas = app_test_child (window (), "canvas");
  guint before = quorum_canvas_get_n_instances (canvas);
  double x0, y0, x1, y1;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.tool", "s", "box"));
  quorum_canvas_set_current_label (canvas, "car");
  quorum_canvas_image_to_widget (canvas, 10, 10, &x0, &y0);
  quorum_canvas_image_to_widget (canvas, 30, 25, &x1, &y1);
  g_assert_true (_quorum_canvas_drag_begin (canvas, GDK_BUTTON_PRIMARY, 0, x0, y0));
  _quorum_canvas_drag_update (canvas, x1, y1);
  _quorum_canvas_drag_end (canvas, x1, y1);
  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas), ==, before + 1);
  return quorum_canvas_get_instance (canvas, before)->id;
}

/* The one dialog the conflict raised, with the file and the job named and
 * the choices that fit its cause. */
static AdwMessageDialog *
the_dialog (guint case_index,
            const char *heading,
            gboolean    can_keep_mine,
            gboolean    can_take_server)
{
  g_autoptr(GPtrArray) dialogs = NULL;
  g_autofree char *file = g_strdup_printf ("“street-%u.png”", case_index);
  g_autofree char *job = g_strdup_printf ("“Case %u”", case_index);
  AdwMessageDialog *dialog;

  g_assert_true (app_test_wait_until (dialog_shown, NULL));
  app_test_iterate (200);
  dialogs = conflict_dialogs ();
  g_assert_cmpuint (dialogs->len, ==, 1);
  dialog = g_ptr_array_index (dialogs, 0);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), file));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), job));
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), "Task "));
  g_assert_true (adw_message_dialog_has_response (dialog, "copy"));
  g_assert_cmpint (adw_message_dialog_has_response (dialog, "keep"), ==, can_keep_mine);
  g_assert_cmpint (adw_message_dialog_has_response (dialog, "take"), ==, can_take_server);
  g_assert_cmpint (quorum_conflict_dialog_get_task (QUORUM_CONFLICT_DIALOG (dialog)), ==, server.tasks[case_index]);
  return dialog;
}

/* With QUORUM_SCREENSHOT_DIR set: @window as GTK renders it, into NAME.png
 * there. */
static void
screenshot (GtkWindow  *window,
            const char *name)
{
  const char *dir = g_getenv ("QUORUM_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  app_test_iterate (500);
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (GTK_WIDGET (window)),
                          gtk_widget_get_height (GTK_WIDGET (window)));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node, NULL);
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static void
answer (AdwMessageDialog *dialog,
        const char       *response)
{
  /* As a click on its button does: the response, then the dialog closes. */
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Several retry periods later, no dialog came back and nothing waits. */
static void
stays_ended (void)
{
  g_autoptr(GPtrArray) dialogs = NULL;

  for (guint i = 0; i < 4; i++)
    {
      quorum_sync_retry_now (engine ());
      app_test_iterate (1000);
    }
  dialogs = conflict_dialogs ();
  g_assert_cmpuint (dialogs->len, ==, 0);
  g_assert_true (app_test_wait_until (synced, NULL));
  g_assert_cmpuint (quorum_cache_count_conflicts (cache ()), ==, 0);
}

static gboolean
copy_shown (gpointer data)
{
  return canvas_shown (NULL) && quorum_window_get_task (window ()) == 0 &&
         !quorum_canvas_get_editable (app_test_child (window (), "canvas"));
}

typedef struct {
  gboolean  done;
  GError   *error;
} Export;

static void
exported (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Export *export = user_data;

  quorum_conflict_copies_export_finish (result, &export->error);
  export->done = TRUE;
}

static gboolean
export_done (gpointer data)
{
  return ((Export *) data)->done;
}

/* The newest conflict copy holds @drawn: listed in Conflict Copies, shown
 * read-only on the canvas, and exported as a Quorum JSON file. */
static void
work_reachable (guint       case_index,
                const char *drawn)
{
  QuorumConflictCopies *copies = _quorum_window_show_conflict_copies (window ());
  QuorumCanvas *canvas = app_test_child (window (), "canvas");
  g_autoptr(QuorumCacheConflict) conflict = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(JsonNode) document = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *title = g_strdup_printf ("Copy of street-%u.png (read-only)", case_index);
  g_autofree char *name = g_strdup_printf ("street-%u.png", case_index);
  g_autofree char *job = g_strdup_printf ("Case %u", case_index);
  JsonObject *object;
  Export export = { 0 };
  gboolean found = FALSE;
  gint64 id;

  g_assert_nonnull (copies);
  g_assert_cmpuint (quorum_conflict_copies_get_n_copies (copies), ==, ++server.copies);
  id = quorum_conflict_copies_get_copy (copies, 0);
  conflict = quorum_cache_get_conflict (cache (), id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (conflict->task, ==, server.tasks[case_index]);
  g_assert_false (conflict->open);
  g_assert_nonnull (strstr (conflict->instances, drawn));

  /* On the canvas, read-only, with no task open to save it into. */
  screenshot (GTK_WINDOW (copies), "conflict-copies");
  g_signal_emit_by_name (copies, "open-copy", id);
  g_assert_true (app_test_wait_until (copy_shown, NULL));
  g_assert_cmpstr (adw_window_title_get_title (app_test_child (window (), "window_title")), ==, title);
  for (guint i = 0; i < quorum_canvas_get_n_instances (canvas); i++)
    found = found || g_strcmp0 (quorum_canvas_get_instance (canvas, i)->id, drawn) == 0;
  g_assert_true (found);
  screenshot (GTK_WINDOW (window ()), "conflict-copy-on-canvas");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (app_test_child (window (), "submit_button"))) &&
                  gtk_widget_get_visible (GTK_WIDGET (app_test_child (window (), "tool_box"))));

  /* Exported. */
  path = g_build_filename (server.real.home, "copy.json", NULL);
  file = g_file_new_for_path (path);
  quorum_conflict_copies_export_async (cache (), id, file, NULL, exported, &export);
  g_assert_true (app_test_wait_until (export_done, &export));
  g_assert_no_error (export.error);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  document = quorum_wire_parse_bytes (text, strlen (text), &error);
  g_assert_no_error (error);
  object = json_node_get_object (document);
  g_assert_cmpstr (json_object_get_string_member (object, "format"), ==, "quorum-conflict-copy");
  g_assert_cmpint (json_object_get_int_member (object, "task"), ==, server.tasks[case_index]);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "file"), "name"), ==,
                   name);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "job"), "name"), ==,
                   job);
  g_assert_nonnull (strstr (text, drawn));
  gtk_window_destroy (GTK_WINDOW (copies));
}

/* ---- the tests -------------------------------------------------------------------- */

static void
test_sign_in (void)
{
  gtk_editable_set_text (app_test_child (window (), "server_row"), server.real.address);
  gtk_editable_set_text (app_test_child (window (), "user_row"), "ann");
  gtk_editable_set_text (app_test_child (window (), "password_row"), ANN_PASSWORD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, NULL));
}

/* Released while ann worked: "keep mine" is not offered (it looped), the
 * server's side shows nothing. Dismissed, the dialog does not come back by
 * itself; Conflict Copies asks again, and keeping a copy ends it. */
static void
test_released (void)
{
  AdwMessageDialog *dialog;
  QuorumConflictCopies *copies;
  g_autoptr(JsonObject) task = NULL;
  g_autofree char *drawn = NULL;
  GtkLabel *server_side;

  open_task (server.tasks[RELEASED]);
  json_node_unref (app_test_callf (server.real.admin, "POST", NULL, "/tasks/%" G_GINT64_FORMAT "/release",
                                   server.tasks[RELEASED]));
  drawn = g_strdup (draw_box ());
  dialog = the_dialog (RELEASED, "This Task Is No Longer Yours", FALSE, FALSE);
  server_side = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (dialog), QUORUM_TYPE_CONFLICT_DIALOG,
                                                          "server_label"));
  g_assert_cmpstr (gtk_label_get_label (server_side), ==, "Nothing: the task is no longer yours");
  screenshot (GTK_WINDOW (dialog), "conflict-released");
  answer (dialog, "later");

  /* Dismissed: it waits, and is not asked again at every retry. */
  for (guint i = 0; i < 3; i++)
    {
      quorum_sync_retry_now (engine ());
      app_test_iterate (1000);
    }
  g_assert_false (dialog_shown (NULL));
  g_assert_cmpuint (quorum_cache_count_conflicts (cache ()), ==, 1);

  /* A new session asks again, once. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window ()), "win.sign-out", NULL));
  g_assert_true (app_test_wait_until (start_shown, NULL));
  test_sign_in ();
  dialog = the_dialog (RELEASED, "This Task Is No Longer Yours", FALSE, FALSE);
  answer (dialog, "later");
  app_test_iterate (1500);
  g_assert_false (dialog_shown (NULL));

  copies = _quorum_window_show_conflict_copies (window ());
  g_assert_cmpuint (quorum_conflict_copies_get_n_copies (copies), ==, 1);
  screenshot (GTK_WINDOW (copies), "conflict-copies-open");
  /* Asked twice, one dialog. */
  g_signal_emit_by_name (copies, "resolve", quorum_conflict_copies_get_copy (copies, 0));
  g_signal_emit_by_name (copies, "resolve", quorum_conflict_copies_get_copy (copies, 0));
  gtk_window_destroy (GTK_WINDOW (copies));
  dialog = the_dialog (RELEASED, "This Task Is No Longer Yours", FALSE, FALSE);
  answer (dialog, "copy");
  stays_ended ();
  /* The task left the canvas, and the server never got the box. */
  g_assert_cmpint (quorum_window_get_task (window ()), ==, 0);
  task = server_task (server.tasks[RELEASED]);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (task, "instances")), ==, 0);
  work_reachable (RELEASED, drawn);
}

/* Given to bob while ann worked: his task is not touched. */
static void
test_reassigned (void)
{
  g_autoptr(QuorumClient) bob = NULL;
  g_autoptr(JsonNode) taken = NULL;
  g_autoptr(JsonObject) task = NULL;
  g_autofree char *drawn = NULL;

  open_task (server.tasks[REASSIGNED]);
  json_node_unref (app_test_callf (server.real.admin, "POST", NULL, "/tasks/%" G_GINT64_FORMAT "/release",
                                   server.tasks[REASSIGNED]));
  bob = app_test_server_sign_in (&server.real, "bob", BOB_PASSWORD);
  taken = app_test_callf (bob, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", server.jobs[REASSIGNED]);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (taken), "id"), ==, server.tasks[REASSIGNED]);
  drawn = g_strdup (draw_box ());
  answer (the_dialog (REASSIGNED, "This Task Is No Longer Yours", FALSE, FALSE), "copy");
  stays_ended ();
  task = server_task (server.tasks[REASSIGNED]);
  g_assert_cmpint (json_object_get_int_member (task, "assignee"), ==, server.bob);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (task, "instances")), ==, 0);
  work_reachable (REASSIGNED, drawn);
}

/* Submitted from ann's other computer (accepted at once, no review): the
 * server's version is taken and shown; ann's box stays as the copy. */
static void
test_decided (void)
{
  g_autoptr(JsonObject) before = server_task (server.tasks[DECIDED]);
  g_autoptr(JsonObject) task = NULL;
  g_autofree char *body = NULL;
  g_autofree char *drawn = NULL;
  gint64 version = json_object_get_int_member (before, "version");

  open_task (server.tasks[DECIDED]);
  body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"instances\": [{\"id\": \"from-elsewhere\","
                          " \"label\": \"car\", \"kind\": \"box\", \"points\": [[2, 2], [8, 8]]}]}", version);
  json_node_unref (app_test_callf (server.ann, "PUT", body, "/tasks/%" G_GINT64_FORMAT "/instances",
                                   server.tasks[DECIDED]));
  g_free (body);
  body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT "}", version + 1);
  json_node_unref (app_test_callf (server.ann, "POST", body, "/tasks/%" G_GINT64_FORMAT "/submit",
                                   server.tasks[DECIDED]));
  drawn = g_strdup (draw_box ());
  answer (the_dialog (DECIDED, "This Task Was Already Decided", FALSE, TRUE), "take");
  stays_ended ();
  task = server_task (server.tasks[DECIDED]);
  g_assert_cmpstr (json_object_get_string_member (task, "state"), ==, "accepted");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (task, "instances")), ==, 1);
  work_reachable (DECIDED, drawn);
}

/* Saved from ann's other computer first: "keep mine" sends the box on
 * the server's version, once. */
static void
test_stale_keep_mine (void)
{
  g_autoptr(JsonObject) before = server_task (server.tasks[STALE_MINE]);
  g_autoptr(JsonObject) task = NULL;
  g_autofree char *body = NULL;
  g_autofree char *drawn = NULL;
  AdwMessageDialog *dialog;
  JsonArray *instances;

  open_task (server.tasks[STALE_MINE]);
  body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"instances\": []}",
                          json_object_get_int_member (before, "version"));
  json_node_unref (app_test_callf (server.ann, "PUT", body, "/tasks/%" G_GINT64_FORMAT "/instances",
                                   server.tasks[STALE_MINE]));
  drawn = g_strdup (draw_box ());
  dialog = the_dialog (STALE_MINE, "This Task Changed on the Server", TRUE, TRUE);
  screenshot (GTK_WINDOW (dialog), "conflict-stale");
  answer (dialog, "keep");
  stays_ended ();
  task = server_task (server.tasks[STALE_MINE]);
  instances = json_object_get_array_member (task, "instances");
  g_assert_cmpuint (json_array_get_length (instances), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (instances, 0), "id"), ==, drawn);
  work_reachable (STALE_MINE, drawn);
}

/* The same, set aside: the server's version is what ann works on now,
 * and the copy can go back as a new version while the task is hers. */
static void
test_stale_keep_copy (void)
{
  g_autoptr(JsonObject) before = server_task (server.tasks[STALE_COPY]);
  g_autoptr(JsonObject) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autofree char *body = NULL;
  g_autofree char *drawn = NULL;
  const QuorumCacheConflict *copy;

  open_task (server.tasks[STALE_COPY]);
  body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"instances\": []}",
                          json_object_get_int_member (before, "version"));
  json_node_unref (app_test_callf (server.ann, "PUT", body, "/tasks/%" G_GINT64_FORMAT "/instances",
                                   server.tasks[STALE_COPY]));
  drawn = g_strdup (draw_box ());
  answer (the_dialog (STALE_COPY, "This Task Changed on the Server", TRUE, TRUE), "copy");
  stays_ended ();
  g_assert_true (app_test_wait_until (canvas_shown, NULL));
  task = server_task (server.tasks[STALE_COPY]);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (task, "instances")), ==, 0);
  work_reachable (STALE_COPY, drawn);

  /* Sent as a new version: the task is still ann's. */
  g_clear_pointer (&task, json_object_unref);
  _quorum_window_refresh_tasks (window ());
  app_test_iterate (1000);
  conflicts = quorum_cache_list_conflicts (cache (), server.tasks[STALE_COPY], &error);
  g_assert_no_error (error);
  copy = g_ptr_array_index (conflicts, conflicts->len - 1);
  g_assert_true (quorum_conflict_copies_can_send (cache (), copy));
  g_assert_true (quorum_conflict_copies_send (cache (), copy->id, &error));
  g_assert_no_error (error);
  g_assert_true (app_test_wait_until (synced, NULL));
  task = server_task (server.tasks[STALE_COPY]);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (task, "instances")), ==, 1);
  g_assert_false (dialog_shown (NULL));

  /* Nor does one of a task decided already, still listed or not. */
  g_clear_pointer (&conflicts, g_ptr_array_unref);
  conflicts = quorum_cache_list_conflicts (cache (), server.tasks[DECIDED], &error);
  g_assert_false (quorum_conflict_copies_can_send (cache (), g_ptr_array_index (conflicts, 0)));

  /* A copy of a task no longer the user's does not go. */
  g_clear_pointer (&conflicts, g_ptr_array_unref);
  conflicts = quorum_cache_list_conflicts (cache (), server.tasks[RELEASED], &error);
  copy = g_ptr_array_index (conflicts, 0);
  g_assert_false (quorum_conflict_copies_can_send (cache (), copy));
  g_assert_false (quorum_conflict_copies_send (cache (), copy->id, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_STATE);
}

int
main (int    argc,
      char **argv)
{
  int status;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("no display: run under xvfb-run (make test does)\n");
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }

  app_test_server_make_home (&server.real, "quorum-conflicts-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  server_start ();
  app_test_server_open_window (&server.real, 1100, 700);

  g_test_add_func ("/conflicts/sign-in", test_sign_in);
  g_test_add_func ("/conflicts/released", test_released);
  g_test_add_func ("/conflicts/reassigned", test_reassigned);
  g_test_add_func ("/conflicts/decided", test_decided);
  g_test_add_func ("/conflicts/stale-keep-mine", test_stale_keep_mine);
  g_test_add_func ("/conflicts/stale-keep-copy", test_stale_keep_copy);
  status = g_test_run ();

  g_clear_object (&server.ann);
  app_test_server_stop (&server.real);
  return status;
}
