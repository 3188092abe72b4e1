/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <string.h>

#include <gdk/x11/gdkx.h>

#include "quorum-application.h"
#include "quorum-canvas-private.h"
#include "quorum-job-item.h"
#include "quorum-label-list.h"
#include "quorum-task-list.h"
#include "quorum-window.h"

#include "app-test-server.h"

/*
 * The work queue and the keyboard against a real quorum-server filled by
 * `quorumctl demo`, in the real window: the job rows show the server's
 * counts, a label key works wherever the focus is (real key presses through
 * the X server, by xdotool), and every key is listed once in the shortcuts
 * window. The tests run in order and share one server and one window.
 */

#define ROOT_PASSWORD "correct horse battery"

static struct {
  AppTestServer  real;
  JsonObject    *demo;       /* quorumctl demo --json */
} server;

static gpointer
child (const char *name)
{
  return app_test_child (server.real.window, name);
}

static gboolean
work_shown (gpointer window)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (window, "stack")), "work") == 0;
}

static gboolean
start_shown (gpointer window)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (window, "stack")), "start") == 0;
}

static void
sign_in (const char *user)
{
  if (!start_shown (server.real.window))
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.sign-out", NULL));
      g_assert_true (app_test_wait_until (start_shown, server.real.window));
    }
  gtk_editable_set_text (child ("server_row"), server.real.address);
  gtk_editable_set_text (child ("user_row"), user);
  gtk_editable_set_text (child ("password_row"), app_test_demo_password (server.demo, user));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, server.real.window));
}

/* Every GtkLabel text under @widget, into @texts. */
static void
collect_label_texts (GtkWidget  *widget,
                     GHashTable *texts)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    g_hash_table_add (texts, g_strdup (gtk_label_get_label (GTK_LABEL (widget))));
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    g_hash_table_add (texts, g_strdup (gtk_button_get_label (GTK_BUTTON (widget))));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_label_texts (c, texts);
}

static gboolean
job_listed (gpointer data)
{
  return quorum_task_list_find_job (child ("tasks"), *(gint64 *) data) != NULL;
}

/* ---- the job rows ------------------------------------------------------------------ */

static void
test_job_counts (void)
{
  g_autoptr(QuorumClient) rita = app_test_server_sign_in (&server.real, "rita",
                                                          app_test_demo_password (server.demo, "rita"));
  g_autoptr(JsonNode) jobs = app_test_call (rita, "GET", "/jobs", NULL);
  g_autoptr(GHashTable) texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *array = json_node_get_array (jobs);
  guint reviews = 0, checked = 0;

  sign_in ("rita");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *job = json_array_get_object_element (array, i);
      JsonObject *waiting = json_object_get_object_member (job, "waiting");
      JsonObject *progress = json_object_get_object_member (job, "progress");
      gint64 id = json_object_get_int_member (job, "id");
      QuorumJobItem *item;
      guint draw, review, consensus, done, total;

      if (!g_str_equal (json_object_get_string_member (job, "state"), "launched"))
        continue;
      g_assert_true (app_test_wait_until (job_listed, &id));
      item = quorum_task_list_find_job (child ("tasks"), id);
      g_assert_true (quorum_job_item_get_counts (item, &draw, &review, &consensus, &done, &total));
      g_assert_cmpint (draw, ==, json_object_get_int_member (waiting, "draw"));
      g_assert_cmpint (review, ==, json_object_get_int_member (waiting, "review"));
      g_assert_cmpint (consensus, ==, json_object_get_int_member (waiting, "consensus"));
      g_assert_cmpint (done, ==, json_object_get_int_member (progress, "done"));
      g_assert_cmpint (total, ==, json_object_get_int_member (progress, "total"));
      g_assert_cmpint (total, >, 0);
      reviews += review;
      checked++;
    }
  g_assert_cmpuint (checked, >, 0);
  /* rita reviews: the demo leaves review work for her. */
  g_assert_cmpuint (reviews, >, 0);

  /* What the rows show: each job's counts in words and its progress. */
  app_test_iterate (300);
  collect_label_texts (GTK_WIDGET (child ("tasks")), texts);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *job = json_array_get_object_element (array, i);
      JsonObject *waiting = json_object_get_object_member (job, "waiting");
      JsonObject *progress = json_object_get_object_member (job, "progress");
      QuorumJobItem *item;
      g_autofree char *described = NULL;
      g_autofree char *done = NULL;
      gint64 review = json_object_get_int_member (waiting, "review");

      if (!g_str_equal (json_object_get_string_member (job, "state"), "launched"))
        continue;
      item = quorum_task_list_find_job (child ("tasks"), json_object_get_int_member (job, "id"));
      described = quorum_job_item_describe_waiting (item);
      if (review > 0)
        {
          g_autofree char *words = g_strdup_printf ("%" G_GINT64_FORMAT " to review", review);

          g_assert_nonnull (described);
          g_assert_nonnull (strstr (described, words));
          g_assert_true (g_hash_table_contains (texts, described));
        }
      done = g_strdup_printf ("%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " done",
                              json_object_get_int_member (progress, "done"),
                              json_object_get_int_member (progress, "total"));
      g_assert_true (g_hash_table_contains (texts, done));
      g_assert_true (g_hash_table_contains (texts, json_object_get_string_member (job, "name")));
    }
  g_assert_true (g_hash_table_contains (texts, "Start") || g_hash_table_contains (texts, "Continue"));
}

/* ---- done work ---------------------------------------------------------------------- */

static gboolean
done_listed (gpointer data)
{
  return quorum_task_list_find_task (child ("tasks"), *(gint64 *) data) != NULL;
}

static void
test_done_filter (void)
{
  g_autoptr(QuorumClient) ann = app_test_server_sign_in (&server.real, "ann",
                                                         app_test_demo_password (server.demo, "ann"));
  g_autoptr(JsonNode) done = app_test_call (ann, "GET", "/me/tasks?state=done", NULL);
  g_autoptr(JsonNode) todo = app_test_call (ann, "GET", "/me/tasks", NULL);
  JsonArray *array = json_node_get_array (done);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) refused = NULL;
  gint64 first;

  /* The demo's ann has finished work, and none of it is in her to-do list. */
  g_assert_cmpuint (json_array_get_length (array), >, 0);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *task = json_array_get_object_element (array, i);
      const char *state = json_object_get_string_member (task, "state");

      g_assert_true (g_str_equal (state, "submitted") || g_str_equal (state, "accepted") ||
                     g_str_equal (state, "complete"));
      for (guint j = 0; j < json_array_get_length (json_node_get_array (todo)); j++)
        g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (json_node_get_array (todo), j), "id"),
                         !=, json_object_get_int_member (task, "id"));
    }
  refused = quorum_client_call_sync (ann, "GET", "/me/tasks?state=everything", NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "state: only done may be asked for"));

  /* The Done filter lists them, and To Do does not. */
  sign_in ("ann");
  first = json_object_get_int_member (json_array_get_object_element (array, 0), "id");
  g_assert_false (done_listed (&first));
  quorum_task_list_set_show_done (child ("tasks"), TRUE);
  g_assert_true (quorum_task_list_get_show_done (child ("tasks")));
  if (!app_test_wait_until (done_listed, &first))
    {
      GListModel *rows = G_LIST_MODEL (gtk_list_view_get_model (child ("task_list")));

      for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
        {
          g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
          g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

          if (QUORUM_IS_TASK_ITEM (item))
            g_printerr ("task %" G_GINT64_FORMAT " %s\n", quorum_task_item_get_id (QUORUM_TASK_ITEM (item)),
                        quorum_task_item_get_state (QUORUM_TASK_ITEM (item)));
          else
            g_printerr ("job %s\n", quorum_job_item_get_name (QUORUM_JOB_ITEM (item)));
        }
      g_error ("task %" G_GINT64_FORMAT " is not listed under Done; the list shows %s", first,
               gtk_stack_get_visible_child_name (child ("task_list_stack")));
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gint64 id = json_object_get_int_member (json_array_get_object_element (array, i), "id");

      g_assert_true (done_listed (&id));
    }
  quorum_task_list_set_show_done (child ("tasks"), FALSE);
  app_test_iterate (100);
  g_assert_true (app_test_wait_until (work_shown, server.real.window));
}

/* ---- a label key with the focus anywhere ------------------------------------------- */

static gint64 opened_task;

static gboolean
task_open (gpointer data)
{
  QuorumCanvas *canvas = child ("canvas");

  return quorum_window_get_task (server.real.window) != 0 &&
         g_strcmp0 (gtk_stack_get_visible_child_name (child ("canvas_stack")), "canvas") == 0 &&
         quorum_canvas_get_editable (canvas);
}

static gboolean
window_active (gpointer data)
{
  return gtk_window_is_active (GTK_WINDOW (server.real.window));
}

static void
xdotool_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* A real key press through the X server: the event takes GTK's whole way
 * (the window's controllers, the focus widget's), as a typed key does. */
static void
press_key (const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) xdotool = NULL;
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (server.real.window));
  g_autofree char *xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
  gboolean done = FALSE;

  xdotool = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "xdotool", "windowfocus", "--sync", xid,
                              "key", "--clearmodifiers", key, NULL);
  g_assert_no_error (error);
  /* The main loop turns meanwhile: xdotool --sync waits for the focus. */
  g_subprocess_wait_async (xdotool, NULL, xdotool_done, &done);
  while (!done)
    app_test_iterate (20);
  g_assert_true (g_subprocess_get_successful (xdotool));
  app_test_iterate (200);
}

static void
test_label_key_anywhere (void)
{
  gint64 job = app_test_demo_job_id (server.demo, "Street scenes — consensus");
  QuorumCanvas *canvas = child ("canvas");
  QuorumLabelList *labels = child ("label_list");
  const QuorumLabelSchema *schema;
  const QuorumLabel *third;
  const QuorumInstance *drawn;
  GtkWidget *task_view;
  guint before;
  double x0, y0;

  if (!GDK_IS_X11_DISPLAY (gtk_widget_get_display (GTK_WIDGET (server.real.window))))
    {
      g_test_skip ("real key presses need an X display (xvfb-run)");
      return;
    }
  sign_in ("ann");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.next-task", "x", job));
  g_assert_true (app_test_wait_until (task_open, NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.tool", "s", "box"));
  g_assert_cmpint (quorum_canvas_get_tool (canvas), ==, QUORUM_CANVAS_TOOL_BOX);
  opened_task = quorum_window_get_task (server.real.window);
  /* The key for the next task takes the open task's job. */
  g_assert_cmpint (quorum_task_list_get_next_job (child ("tasks")), ==, job);

  schema = quorum_label_list_get_schema (labels);
  g_assert_nonnull (schema);
  g_assert_cmpuint (schema->labels->len, >=, 3);
  third = g_ptr_array_index (schema->labels, 2);
  g_assert_cmpint (third->kind, ==, QUORUM_KIND_BOX);
  g_assert_cmpstr (quorum_canvas_get_current_label (canvas), !=, third->name);

  /* The focus on the task list, not on the canvas. */
  task_view = GTK_WIDGET (child ("task_list"));
  gtk_window_present (GTK_WINDOW (server.real.window));
  gtk_widget_grab_focus (task_view);
  app_test_iterate (100);
  press_key ("3");
  g_assert_true (app_test_wait_until (window_active, NULL));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (server.real.window)), task_view) ||
                 gtk_root_get_focus (GTK_ROOT (server.real.window)) == task_view);
  g_assert_cmpstr (quorum_label_list_get_current_label (labels), ==, third->name);
  g_assert_cmpstr (quorum_canvas_get_current_label (canvas), ==, third->name);

  /* Then a drag draws a box of label 3. */
  before = quorum_canvas_get_n_instances (canvas);
  quorum_canvas_image_to_widget (canvas, 20, 20, &x0, &y0);
  g_assert_true (_quorum_canvas_drag_begin (canvas, GDK_BUTTON_PRIMARY, 0, x0, y0));
  _quorum_canvas_drag_update (canvas, x0 + 60, y0 + 40);
  _quorum_canvas_drag_end (canvas, x0 + 60, y0 + 40);
  g_assert_cmpuint (quorum_canvas_get_n_instances (canvas), ==, before + 1);
  drawn = quorum_canvas_get_instance (canvas, before);
  g_assert_cmpint (drawn->kind, ==, QUORUM_KIND_BOX);
  g_assert_cmpstr (drawn->label, ==, third->name);

  /* With the focus on the canvas, 1 chooses the first label; it is not
   * also Actual Size (that is Ctrl+1). */
  {
    double zoom;

    /* Zoomed by hand, the view no longer follows the window's size, so a
     * panel settling in the meantime cannot change the zoom either. */
    quorum_canvas_zoom_at (canvas, 0.5, 0, 0);
    zoom = quorum_canvas_get_zoom (canvas);
    g_assert_cmpfloat (zoom, !=, 1.0);
    gtk_widget_grab_focus (GTK_WIDGET (canvas));
    press_key ("1");
    g_assert_cmpstr (quorum_label_list_get_current_label (labels), ==,
                     ((QuorumLabel *) g_ptr_array_index (schema->labels, 0))->name);
    g_assert_cmpfloat (quorum_canvas_get_zoom (canvas), ==, zoom);
  }

  /* Emptied, the task asks before it is submitted; Cancel keeps it open. */
  while (quorum_canvas_get_n_instances (canvas) > 0)
    {
      quorum_canvas_select (canvas, 0);
      g_assert_true (quorum_canvas_delete_selected (canvas));
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.submit", NULL));
  {
    GtkWidget *dialog = app_test_find_dialog ("Submit an Empty Task?");

    g_assert_nonnull (dialog);
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  app_test_iterate (300);
  g_assert_cmpint (quorum_window_get_task (server.real.window), ==, opened_task);
  g_assert_true (quorum_canvas_get_editable (canvas));
}

/* ---- every key once ------------------------------------------------------------------ */

typedef struct {
  char      *title;
  char      *section;
  GPtrArray *accels;   /* canonical names */
  char      *action;   /* nullable */
} Listed;

static void
listed_free (Listed *listed)
{
  g_free (listed->title);
  g_free (listed->section);
  g_ptr_array_unref (listed->accels);
  g_free (listed->action);
  g_free (listed);
}

static char *
canonical (const char *accel)
{
  guint key = 0;
  GdkModifierType mods = 0;

  g_assert_true (gtk_accelerator_parse (accel, &key, &mods));
  return gtk_accelerator_name (key, mods);
}

/* The accelerators a shortcuts window entry names: "1...9" is a range. */
static void
add_listed_accels (GPtrArray  *accels,
                   const char *text)
{
  g_auto(GStrv) words = g_strsplit (text, " ", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *dots = strstr (words[i], "...");

      if (*words[i] == '\0')
        continue;
      if (dots != NULL)
        {
          g_autofree char *first = g_strndup (words[i], dots - words[i]);
          guint from = 0, to = 0;
          GdkModifierType mods = 0;

          g_assert_true (gtk_accelerator_parse (first, &from, &mods));
          g_assert_true (gtk_accelerator_parse (dots + 3, &to, NULL));
          for (guint key = from; key <= to; key++)
            g_ptr_array_add (accels, gtk_accelerator_name (key, mods));
        }
      else
        g_ptr_array_add (accels, canonical (words[i]));
    }
}

static void
collect_listed (GtkWidget  *widget,
                const char *section,
                GPtrArray  *listed)
{
  if (GTK_IS_SHORTCUTS_SECTION (widget))
    {
      g_autofree char *name = NULL;

      g_object_get (widget, "section-name", &name, NULL);
      for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
        collect_listed (c, name, listed);
      return;
    }
  /* Outside the sections: the search page's copies of the entries. */
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget) && section != NULL)
    {
      Listed *entry = g_new0 (Listed, 1);
      g_autofree char *accelerator = NULL;
      GtkApplication *application = GTK_APPLICATION (server.real.application);

      g_object_get (widget, "title", &entry->title, "accelerator", &accelerator, "action-name", &entry->action,
                    NULL);
      entry->section = g_strdup (section);
      entry->accels = g_ptr_array_new_with_free_func (g_free);
      if (entry->action != NULL)
        {
          g_auto(GStrv) accels = gtk_application_get_accels_for_action (application, entry->action);

          for (guint i = 0; accels[i] != NULL; i++)
            g_ptr_array_add (entry->accels, canonical (accels[i]));
          /* The window's own bindings (win.show-help-overlay, window.close)
           * are added below from its controllers. */
        }
      else if (accelerator != NULL)
        add_listed_accels (entry->accels, accelerator);
      g_ptr_array_add (listed, entry);
      return;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_listed (c, section, listed);
}

static gboolean
listed_has (Listed     *entry,
            const char *accel)
{
  for (guint i = 0; i < entry->accels->len; i++)
    if (g_str_equal (g_ptr_array_index (entry->accels, i), accel))
      return TRUE;
  return FALSE;
}

/* Our actions: the window's, the review panel's, the queue's, the app's;
 * GTK's own (the inspector's keys, default.activate) are not listed. */
static gboolean
is_ours (const char *action)
{
  return g_str_has_prefix (action, "win.") || g_str_has_prefix (action, "review.") ||
         g_str_has_prefix (action, "queue.") || g_str_has_prefix (action, "app.") ||
         g_str_equal (action, "window.close");
}

static void
test_keys_listed_once (void)
{
  GtkApplication *application = GTK_APPLICATION (server.real.application);
  g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func ((GDestroyNotify) listed_free);
  g_autoptr(GHashTable) bound = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free); /* accel → action */
  g_autoptr(GHashTable) actions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_ptr_array_unref);
  g_auto(GStrv) described = gtk_application_list_action_descriptions (application);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (server.real.window));
  GtkWindow *overlay;
  GHashTableIter iter;
  gpointer key, value;

  /* The shortcuts window as the window shows it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.show-help-overlay", NULL));
  app_test_iterate (200);
  overlay = GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (server.real.window)));
  g_assert_nonnull (overlay);
  collect_listed (GTK_WIDGET (overlay), NULL, listed);
  gtk_window_close (overlay);
  g_assert_cmpuint (listed->len, >, 20);

  /* Every action's keys: the application's, then the window's bindings. */
  for (guint i = 0; described[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (application, described[i]);
      GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

      for (guint j = 0; accels[j] != NULL; j++)
        g_ptr_array_add (names, canonical (accels[j]));
      g_hash_table_insert (actions, g_strdup (described[i]), names);
    }
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          g_autofree char *name = NULL;
          GPtrArray *names;

          if (!GTK_IS_NAMED_ACTION (action) || !GTK_IS_KEYVAL_TRIGGER (trigger))
            continue;
          /* win.tool('box') and win.tool('point') are two actions. */
          name = g_action_print_detailed_name (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)),
                                               gtk_shortcut_get_arguments (shortcut));
          if (!is_ours (name))
            continue;
          names = g_hash_table_lookup (actions, name);
          if (names == NULL)
            g_hash_table_insert (actions, g_strdup (name), names = g_ptr_array_new_with_free_func (g_free));
          g_ptr_array_add (names, gtk_accelerator_name (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)),
                                                        gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger))));
        }
    }

  /* No key does two things. */
  g_hash_table_iter_init (&iter, actions);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *names = value;

      for (guint i = 0; i < names->len; i++)
        {
          const char *other = g_hash_table_lookup (bound, g_ptr_array_index (names, i));

          if (other != NULL && !g_str_equal (other, key))
            g_error ("%s is the key of both %s and %s", (char *) g_ptr_array_index (names, i), other,
                     (char *) key);
          g_hash_table_replace (bound, g_strdup (g_ptr_array_index (names, i)), g_strdup (key));
        }
    }

  /* The window's bindings of a listed action count as listed under it. */
  for (guint i = 0; i < listed->len; i++)
    {
      Listed *entry = g_ptr_array_index (listed, i);
      GPtrArray *names = entry->action != NULL ? g_hash_table_lookup (actions, entry->action) : NULL;

      for (guint j = 0; names != NULL && j < names->len; j++)
        if (!listed_has (entry, g_ptr_array_index (names, j)))
          g_ptr_array_add (entry->accels, g_strdup (g_ptr_array_index (names, j)));
      if (entry->action != NULL)
        g_assert_true (is_ours (entry->action));
      if (entry->accels->len == 0)
        g_error ("“%s” is listed without a key", entry->title);
    }

  /* Within a section (one window), each key is listed once. */
  for (guint i = 0; i < listed->len; i++)
    for (guint j = i + 1; j < listed->len; j++)
      {
        Listed *a = g_ptr_array_index (listed, i), *b = g_ptr_array_index (listed, j);

        if (g_strcmp0 (a->section, b->section) != 0)
          continue;
        for (guint k = 0; k < a->accels->len; k++)
          if (listed_has (b, g_ptr_array_index (a->accels, k)))
            g_error ("%s is listed for both “%s” and “%s”", (char *) g_ptr_array_index (a->accels, k), a->title,
                     b->title);
      }

  /* Every action with a key is listed exactly once in the workspace's
   * section: by its name or by one of its keys. */
  g_hash_table_iter_init (&iter, actions);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *names = value;
      guint found = 0;

      if (names->len == 0)
        continue;
      for (guint i = 0; i < listed->len; i++)
        {
          Listed *entry = g_ptr_array_index (listed, i);
          gboolean here = g_strcmp0 (entry->action, key) == 0;

          if (g_strcmp0 (entry->section, "shortcuts") != 0)
            continue;
          for (guint j = 0; !here && j < names->len; j++)
            here = listed_has (entry, g_ptr_array_index (names, j));
          found += here;
        }
      if (found != 1)
        g_error ("%s (%s) is listed %u times in the shortcuts window", (char *) key,
                 (char *) g_ptr_array_index (names, 0), found);
    }

  /* The keys the issue asked for. */
  g_assert_true (g_hash_table_contains (actions, "queue.next"));
  g_assert_true (g_hash_table_contains (actions, "review.accept"));
  g_assert_true (g_hash_table_contains (actions, "review.reject"));
  g_assert_true (g_hash_table_contains (actions, "review.mark-selected-best"));
  g_assert_true (g_hash_table_contains (actions, "review.copy-instance"));
  g_assert_true (g_hash_table_contains (actions, "review.focus"));
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

  app_test_server_make_home (&server.real, "quorum-keyboard-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app_test_server_start (&server.real, ROOT_PASSWORD);
  server.demo = app_test_server_run_demo (&server.real);
  app_test_server_open_window (&server.real, 1600, 1000);

  g_test_add_func ("/keyboard/keys-listed-once", test_keys_listed_once);
  g_test_add_func ("/queue/job-counts", test_job_counts);
  g_test_add_func ("/queue/done-filter", test_done_filter);
  g_test_add_func ("/keyboard/label-key-anywhere", test_label_key_anywhere);
  status = g_test_run ();

  g_clear_pointer (&server.demo, json_object_unref);
  app_test_server_stop (&server.real);
  return status;
}
