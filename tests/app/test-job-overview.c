/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "quorum-agreement.h"
#include "quorum-application.h"
#include "quorum-job-item.h"
#include "quorum-job-overview.h"
#include "quorum-task-list.h"
#include "quorum-window.h"
#include "quorum-wire.h"

#include "app-test-server.h"

/*
 * The job overview against a real quorum-server filled by `quorumctl demo`,
 * opened by tom (a project admin) from the consensus job's menu: its figures
 * against those this test works out from the server's raw data (the job's
 * tasks, each review's state, the consensus scores' pairs, and the core's
 * agreement of each pass with the file's gold); the CSV export against the
 * table; and a fourth labeller added from the overview to a file of three
 * passes, whose consensus then scores four sets. The tests run in order and
 * share one server and one window.
 */

#define ROOT_PASSWORD "correct horse battery"

static struct {
  AppTestServer  real;
  JsonObject    *demo;
  gint64         job;
  double         threshold;
} server;

#define call app_test_callf

static const char *
password_of (const char *user)
{
  return app_test_demo_password (server.demo, user);
}

/* ---- the raw data ---------------------------------------------------------------- */

static JsonArray *
job_tasks (void)
{
  g_autoptr(JsonNode) reply = call (server.real.admin, "GET", NULL, "/jobs/%" G_GINT64_FORMAT "/tasks", server.job);

  return json_array_ref (json_node_get_array (reply));
}

static JsonObject *
task_view (gint64 id)
{
  g_autoptr(JsonNode) reply = call (server.real.admin, "GET", NULL, "/tasks/%" G_GINT64_FORMAT, id);

  return json_object_ref (json_node_get_object (reply));
}

static JsonObject *
find_task (JsonArray  *tasks,
           gint64      id)
{
  for (guint i = 0; i < json_array_get_length (tasks); i++)
    if (json_object_get_int_member (json_array_get_object_element (tasks, i), "id") == id)
      return json_array_get_object_element (tasks, i);
  return NULL;
}

static gboolean
is_draw (JsonObject *task)
{
  return g_str_equal (json_object_get_string_member (task, "kind"), "draw");
}

static gboolean
is_done (JsonObject *task)
{
  const char *state = json_object_get_string_member (task, "state");

  return g_str_equal (state, "submitted") || g_str_equal (state, "accepted");
}

static QuorumAnnotationSet *
set_of (JsonNode   *instances,
        JsonObject *file_info)
{
  QuorumFileInfo info = {
    (guint) json_object_get_int_member (file_info, "width"), (guint) json_object_get_int_member (file_info, "height"),
    (guint) json_object_get_int_member_with_default (file_info, "frames", 1),
    json_object_get_double_member_with_default (file_info, "fps", 0),
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = quorum_wire_read_instances (instances, NULL, "instances", &error);
  QuorumAnnotationSet *set = quorum_annotation_set_new (NULL, &info);

  g_assert_no_error (error);
  while (list->len > 0)
    quorum_annotation_set_add (set, g_ptr_array_steal_index (list, 0));
  return set;
}

typedef struct {
  gint64  tasks_done;
  gint64  reviewed;
  gint64  accepted;
  double  others_sum;
  gint64  others_n;
  double  truth_sum;
  gint64  truth_n;
} Expected;

/* Every annotator's figures, by name, worked out from the raw data. */
static GHashTable *
expected_annotators (JsonArray *tasks)
{
  GHashTable *by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) gold = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                      (GDestroyNotify) json_node_unref);

  for (guint i = 0; i < json_array_get_length (tasks); i++)
    {
      JsonObject *task = json_array_get_object_element (tasks, i);
      const char *name;
      Expected *expected;

      if (!is_draw (task) || json_object_get_null_member (task, "assignee"))
        continue;
      name = json_object_get_string_member (task, "assignee_name");
      if ((expected = g_hash_table_lookup (by_name, name)) == NULL)
        g_hash_table_insert (by_name, g_strdup (name), expected = g_new0 (Expected, 1));
      if (!is_done (task))
        continue;
      expected->tasks_done++;

      /* Its agreement with the file's gold, by the core. */
      {
        gint64 file = json_object_get_int_member (task, "file");
        JsonNode *truth = g_hash_table_lookup (gold, &file);
        g_autoptr(JsonObject) view = NULL;
        g_autoptr(QuorumAnnotationSet) set = NULL;
        g_autoptr(QuorumAnnotationSet) truth_set = NULL;
        g_autoptr(QuorumAgreement) agreement = NULL;
        const QuorumAnnotationSet *sets[2];
        g_autoptr(GError) error = NULL;

        if (truth == NULL)
          {
            truth = call (server.real.admin, "GET", NULL, "/files/%" G_GINT64_FORMAT "/existing", file);
            g_hash_table_insert (gold, g_memdup2 (&file, sizeof file), truth);
          }
        if (json_array_get_length (json_node_get_array (truth)) == 0)
          continue;
        view = task_view (json_object_get_int_member (task, "id"));
        set = set_of (json_object_get_member (view, "instances"), json_object_get_object_member (view, "file_info"));
        truth_set = set_of (truth, json_object_get_object_member (view, "file_info"));
        sets[0] = set, sets[1] = truth_set;
        agreement = quorum_agreement_compute (sets, 2, server.threshold, &error);
        g_assert_no_error (error);
        expected->truth_sum += quorum_agreement_pair (agreement, 0, 1);
        expected->truth_n++;
      }
    }

  for (guint i = 0; i < json_array_get_length (tasks); i++)
    {
      JsonObject *task = json_array_get_object_element (tasks, i);
      const char *kind = json_object_get_string_member (task, "kind");
      const char *state = json_object_get_string_member (task, "state");

      /* A review decided: accepted (complete), or rejected and not submitted again. */
      if (g_str_equal (kind, "review"))
        {
          JsonObject *draw = find_task (tasks, json_object_get_int_member (task, "reviews"));
          Expected *expected;

          if (json_object_get_null_member (draw, "assignee"))
            continue;
          expected = g_hash_table_lookup (by_name, json_object_get_string_member (draw, "assignee_name"));
          if (g_str_equal (state, "complete"))
            expected->reviewed++, expected->accepted++;
          else if (g_str_equal (state, "waiting") &&
                   g_str_equal (json_object_get_string_member (draw, "state"), "rejected"))
            expected->reviewed++;
        }
      /* The stored pair scores of a consensus, each counted for both of its annotators. */
      else if (g_str_equal (kind, "consensus") && !g_str_equal (state, "waiting"))
        {
          g_autoptr(JsonObject) view = task_view (json_object_get_int_member (task, "id"));
          JsonArray *pairs;

          if (json_object_get_null_member (view, "scores"))
            continue;
          pairs = json_object_get_array_member (json_object_get_object_member (view, "scores"), "pairs");
          for (guint p = 0; p < json_array_get_length (pairs); p++)
            {
              JsonObject *pair = json_array_get_object_element (pairs, p);
              const char *ends[] = { "a", "b" };

              for (guint e = 0; e < 2; e++)
                {
                  JsonObject *draw = find_task (tasks, json_object_get_int_member (pair, ends[e]));
                  Expected *expected = g_hash_table_lookup (by_name,
                                                            json_object_get_string_member (draw, "assignee_name"));

                  expected->others_sum += json_object_get_double_member (pair, "score");
                  expected->others_n++;
                }
            }
        }
    }
  return by_name;
}

/* ---- driving the window ----------------------------------------------------------- */

static gboolean
work_shown (gpointer window)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (app_test_child (window, "stack")), "work") == 0;
}

static gboolean
job_listed (gpointer data)
{
  return quorum_task_list_find_job (app_test_child (server.real.window, "tasks"), server.job) != NULL;
}

static void
sign_in (const char *user)
{
  gtk_editable_set_text (app_test_child (server.real.window, "server_row"), server.real.address);
  gtk_editable_set_text (app_test_child (server.real.window, "user_row"), user);
  gtk_editable_set_text (app_test_child (server.real.window, "password_row"), password_of (user));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, server.real.window));
  g_assert_true (app_test_wait_until (job_listed, NULL));
}

static QuorumJobOverview *
overview_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (QUORUM_IS_JOB_OVERVIEW (window) && gtk_widget_get_visible (window))
        return QUORUM_JOB_OVERVIEW (window);
    }
  return NULL;
}

static gpointer
overview_child (const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (overview_window ()), QUORUM_TYPE_JOB_OVERVIEW, name);
}

static gboolean
overview_shown (gpointer data)
{
  return overview_window () != NULL && quorum_job_overview_get_stats (overview_window ()) != NULL &&
         g_strcmp0 (gtk_stack_get_visible_child_name (overview_child ("stack")), "overview") == 0;
}

static QuorumStatsItem *
row_named (GListModel *rows,
           const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(QuorumStatsItem) item = g_list_model_get_item (rows, i);

      if (g_str_equal (quorum_stats_item_get_name (item), name))
        return item;  /* the model keeps it */
    }
  return NULL;
}

static void
assert_figure (QuorumStatsItem *item,
               const char      *member,
               gboolean         has,
               double           expected)
{
  double shown;

  if (!has)
    {
      g_assert_false (quorum_stats_item_get_number (item, member, &shown));
      return;
    }
  g_assert_true (quorum_stats_item_get_number (item, member, &shown));
  g_assert_cmpfloat_with_epsilon (shown, expected, 1e-9);
}

static gboolean
sized (gpointer window)
{
  /* The surface holds the window and its resize borders, a few pixels. */
  return ABS (gtk_widget_get_width (window) - GPOINTER_TO_INT (g_object_get_data (window, "wanted-width"))) <= 12 &&
         ABS (gtk_widget_get_height (window) - GPOINTER_TO_INT (g_object_get_data (window, "wanted-height"))) <= 12;
}

/* With QUORUM_SCREENSHOT_DIR set (and an Xvfb screen of that size): the
 * overview's @page at @width × @height, taken from the screen with
 * ImageMagick's import into job-overview[-PAGE]-WIDTHxHEIGHT.png there. */
static void
screenshot (const char *page,
            int         width,
            int         height)
{
  const char *dir = g_getenv ("QUORUM_SCREENSHOT_DIR");
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (dir == NULL)
    return;
  GtkWidget *window = GTK_WIDGET (overview_window ());

  adw_view_stack_set_visible_child_name (overview_child ("view_stack"), page);
  /* A mapped window does not always follow a new default size: map it again. */
  gtk_widget_set_visible (window, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  g_object_set_data (G_OBJECT (window), "wanted-width", GINT_TO_POINTER (width));
  g_object_set_data (G_OBJECT (window), "wanted-height", GINT_TO_POINTER (height));
  if (!app_test_wait_until (sized, window))
    g_error ("the overview is %d × %d, not %d × %d", gtk_widget_get_width (window), gtk_widget_get_height (window),
             width, height);
  /* A loaded machine draws late: give the frames time. */
  app_test_iterate (2000);
  name = g_str_equal (page, "annotators") ? g_strdup_printf ("job-overview-%dx%d.png", width, height)
                                          : g_strdup_printf ("job-overview-%s-%dx%d.png", page, width, height);
  path = g_build_filename (dir, name, NULL);
  {
    const char *argv[] = { "import", "-window", "root", "-crop", NULL, path, NULL };
    g_autofree char *crop = g_strdup_printf ("%dx%d+0+0", width, height);

    argv[4] = crop;
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
  }
}

/* Whether @menu (or a section of it) has @action with @job as its target. */
static gboolean
menu_has (GMenuModel *menu,
          const char *action,
          gint64      job)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      g_autofree char *name = NULL;
      g_autoptr(GVariant) target = NULL;

      if (section != NULL && menu_has (section, action, job))
        return TRUE;
      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
          g_str_equal (name, action) &&
          (target = g_menu_model_get_item_attribute_value (menu, i, G_MENU_ATTRIBUTE_TARGET,
                                                           G_VARIANT_TYPE_INT64)) != NULL &&
          g_variant_get_int64 (target) == job)
        return TRUE;
    }
  return FALSE;
}

/* The menu the task list shows for the job: the one whose Next Task takes it. */
static GMenuModel *
shown_job_menu (GtkWidget *widget)
{
  GMenuModel *menu;

  if (GTK_IS_MENU_BUTTON (widget) && (menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget))) != NULL &&
      menu_has (menu, "win.next-task", server.job))
    return menu;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if ((menu = shown_job_menu (child)) != NULL)
      return menu;
  return NULL;
}

static gboolean
menu_shown (gpointer data)
{
  app_test_iterate (20);
  return shown_job_menu (app_test_child (server.real.window, "tasks")) != NULL;
}

/* ---- the tests -------------------------------------------------------------------- */

static gboolean
guides_told (gpointer data)
{
  return overview_window () != NULL && quorum_job_overview_get_guides_text (overview_window ())[0] != '\0';
}

/* The overview names the job's guides at the versions the server gives:
 * the demo's job has a draw and a review guide, at version 1 until one is
 * saved again. */
static void
check_guides (QuorumJobOverview *overview)
{
  g_autoptr(JsonNode) job = call (server.real.admin, "GET", NULL, "/jobs/%" G_GINT64_FORMAT, server.job);
  JsonObject *guides = json_object_get_object_member (json_node_get_object (job), "guides");
  JsonObject *draw = json_object_get_object_member (guides, "draw");
  JsonObject *review = json_object_get_object_member (guides, "review");
  g_autofree char *expected = g_strdup_printf ("Draw guide: %s, version %" G_GINT64_FORMAT "\n"
                                               "Review guide: %s, version %" G_GINT64_FORMAT,
                                               json_object_get_string_member (draw, "name"),
                                               json_object_get_int_member (draw, "version"),
                                               json_object_get_string_member (review, "name"),
                                               json_object_get_int_member (review, "version"));

  g_assert_true (app_test_wait_until (guides_told, NULL));
  g_assert_cmpstr (quorum_job_overview_get_guides_text (overview), ==, expected);
}

static void
count_states (JsonObject  *object,
              const char  *member,
              JsonNode    *node,
              gpointer     data)
{
  *(guint *) data += json_object_get_size (json_node_get_object (node));
}

static void
test_figures (void)
{
  g_autoptr(JsonArray) tasks = job_tasks ();
  g_autoptr(GHashTable) expected = expected_annotators (tasks);
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  QuorumJobOverview *overview;
  JsonObject *stats, *by_kind;
  GListModel *annotators, *files;
  GHashTableIter iter;
  gpointer key, value;
  gint64 passes = 0, accepted = 0;
  guint n_kinds_states = 0;

  sign_in ("tom");
  /* The job's menu offers the overview to tom, a project admin. */
  g_assert_true (app_test_wait_until (menu_shown, NULL));
  g_assert_true (menu_has (shown_job_menu (app_test_child (server.real.window, "tasks")), "win.job-overview",
                           server.job));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.job-overview", "x", server.job));
  g_assert_true (app_test_wait_until (overview_shown, NULL));
  overview = overview_window ();
  g_assert_cmpint (quorum_job_overview_get_job (overview), ==, server.job);
  stats = quorum_job_overview_get_stats (overview);
  check_guides (overview);

  /* Tasks by kind and state, and the progress. */
  for (guint i = 0; i < json_array_get_length (tasks); i++)
    {
      JsonObject *task = json_array_get_object_element (tasks, i);
      g_autofree char *key_text = g_strdup_printf ("%s/%s", json_object_get_string_member (task, "kind"),
                                                   json_object_get_string_member (task, "state"));

      g_hash_table_insert (counts, g_strdup (key_text),
                           GINT_TO_POINTER (GPOINTER_TO_INT (g_hash_table_lookup (counts, key_text)) + 1));
      if (is_draw (task))
        {
          passes++;
          accepted += g_str_equal (json_object_get_string_member (task, "state"), "accepted");
        }
    }
  by_kind = json_object_get_object_member (stats, "tasks");
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_auto(GStrv) parts = g_strsplit (key, "/", 2);

      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (by_kind, parts[0]), parts[1]), ==,
                       GPOINTER_TO_INT (value));
    }
  json_object_foreach_member (by_kind, count_states, &n_kinds_states);
  g_assert_cmpuint (n_kinds_states, ==, g_hash_table_size (counts));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (stats, "progress"), "passes"), ==, passes);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (stats, "progress"), "accepted"), ==,
                   accepted);
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (overview_child ("progress_bar")),
                                  (double) accepted / passes, 1e-9);

  /* Each file: its passes, those done, and the agreement its consensus stored. */
  files = quorum_job_overview_get_files (overview);
  g_assert_cmpuint (g_list_model_get_n_items (files), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(QuorumStatsItem) item = g_list_model_get_item (files, i);
      gint64 file = quorum_stats_item_get_id (item);
      gint64 file_passes = 0, done = 0;
      gboolean scored = FALSE;
      double agreement = 0;

      for (guint t = 0; t < json_array_get_length (tasks); t++)
        {
          JsonObject *task = json_array_get_object_element (tasks, t);

          if (json_object_get_int_member (task, "file") != file)
            continue;
          if (is_draw (task))
            file_passes++, done += is_done (task);
          else if (g_str_equal (json_object_get_string_member (task, "kind"), "consensus") &&
                   !g_str_equal (json_object_get_string_member (task, "state"), "waiting"))
            {
              g_autoptr(JsonObject) view = task_view (json_object_get_int_member (task, "id"));

              scored = !json_object_get_null_member (view, "scores");
              if (scored)
                agreement = json_object_get_double_member (json_object_get_object_member (view, "scores"),
                                                           "agreement");
            }
        }
      assert_figure (item, "passes", TRUE, file_passes);
      assert_figure (item, "passes_done", TRUE, done);
      assert_figure (item, "agreement", scored, agreement);
    }

  /* Each annotator. */
  annotators = quorum_job_overview_get_annotators (overview);
  g_assert_cmpuint (g_list_model_get_n_items (annotators), ==, g_hash_table_size (expected));
  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      QuorumStatsItem *item = row_named (annotators, key);
      Expected *e = value;
      double timed, median;

      g_test_message ("annotator %s", (const char *) key);
      g_assert_nonnull (item);
      assert_figure (item, "tasks_done", TRUE, e->tasks_done);
      assert_figure (item, "reviewed", TRUE, e->reviewed);
      assert_figure (item, "accepted_in_review", TRUE, e->accepted);
      assert_figure (item, "acceptance_rate", e->reviewed > 0, e->reviewed > 0 ? (double) e->accepted / e->reviewed : 0);
      assert_figure (item, "scored_pairs", TRUE, e->others_n);
      assert_figure (item, "agreement_with_others", e->others_n > 0, e->others_n > 0 ? e->others_sum / e->others_n : 0);
      assert_figure (item, "truth_files", TRUE, e->truth_n);
      assert_figure (item, "agreement_with_truth", e->truth_n > 0, e->truth_n > 0 ? e->truth_sum / e->truth_n : 0);
      /* A normal job: no exam. The times are the server's alone (not in the task list). */
      g_assert_false (quorum_stats_item_get_number (item, "exam", &median));
      g_assert_true (quorum_stats_item_get_number (item, "timed_tasks", &timed));
      g_assert_cmpfloat (timed, <=, e->tasks_done);
      if (timed > 0)
        g_assert_true (quorum_stats_item_get_number (item, "median_seconds", &median) && median >= 0);
    }
  /* The demo's figures are not all of one kind: a wrong reading would show. */
  g_assert_cmpuint (g_hash_table_size (expected), >=, 3);

  screenshot ("annotators", 1920, 1080);
  screenshot ("annotators", 1024, 600);
  screenshot ("files", 1024, 600);
  adw_view_stack_set_visible_child_name (overview_child ("view_stack"), "annotators");
}

static void
csv_saved (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (quorum_job_overview_save_csv_finish (QUORUM_JOB_OVERVIEW (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* Splits one CSV line of RFC 4180 into its cells. */
static GPtrArray *
csv_cells (const char *line)
{
  GPtrArray *cells = g_ptr_array_new_with_free_func (g_free);
  GString *cell = g_string_new (NULL);
  gboolean quoted = FALSE;

  for (const char *p = line; ; p++)
    {
      if (quoted && *p == '"' && p[1] == '"')
        g_string_append_c (cell, '"'), p++;
      else if (*p == '"')
        quoted = !quoted;
      else if ((*p == ',' && !quoted) || *p == '\0')
        {
          g_ptr_array_add (cells, g_string_free (g_steal_pointer (&cell), FALSE));
          if (*p == '\0')
            break;
          cell = g_string_new (NULL);
        }
      else
        g_string_append_c (cell, *p);
    }
  return cells;
}

static void
test_sort_and_csv (void)
{
  QuorumJobOverview *overview = overview_window ();
  GtkColumnView *view = overview_child ("annotator_columns");
  GListModel *columns = gtk_column_view_get_columns (view);
  GListModel *rows = quorum_job_overview_get_annotators (overview);
  g_auto(GStrv) ids = quorum_job_overview_get_columns (overview);
  g_autoptr(GtkColumnViewColumn) column = NULL;
  g_autofree char *dir = g_dir_make_tmp ("quorum-overview-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "table.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean saved = FALSE;
  double previous = G_MAXDOUBLE;
  guint n = g_list_model_get_n_items (rows);

  /* Sorted by agreement with the others, highest first; no data last. */
  column = g_list_model_get_item (columns, 4);
  g_assert_cmpstr (gtk_column_view_column_get_title (column), ==, "Agreement with Others");
  gtk_column_view_sort_by_column (view, column, GTK_SORT_DESCENDING);
  app_test_iterate (50);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(QuorumStatsItem) item = g_list_model_get_item (rows, i);
      double value;

      if (quorum_stats_item_get_number (item, "agreement_with_others", &value))
        {
          g_assert_cmpfloat (value, <=, previous);
          previous = value;
        }
    }

  quorum_job_overview_save_csv_async (overview, file, NULL, csv_saved, &saved);
  g_assert_true (app_test_wait_until (flag_set, &saved));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_suffix (contents, "\r\n"));
  lines = g_strsplit (contents, "\r\n", -1);
  /* The titles, a line a row, and the empty string after the last CRLF. */
  g_assert_cmpuint (g_strv_length (lines), ==, n + 2);
  {
    g_autoptr(GPtrArray) titles = csv_cells (lines[0]);

    guint t = 0;

    /* A normal job's table has no exam column, nor its CSV. */
    g_assert_false (g_strv_contains ((const char * const *) ids, "exam"));
    for (guint c = 0; c < g_list_model_get_n_items (columns); c++)
      {
        g_autoptr(GtkColumnViewColumn) shown = g_list_model_get_item (columns, c);

        if (gtk_column_view_column_get_visible (shown))
          g_assert_cmpstr (g_ptr_array_index (titles, t++), ==, gtk_column_view_column_get_title (shown));
      }
    g_assert_cmpuint (titles->len, ==, t);
    g_assert_cmpuint (t, ==, g_strv_length (ids));
  }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(QuorumStatsItem) item = g_list_model_get_item (rows, i);
      g_autoptr(GPtrArray) cells = csv_cells (lines[i + 1]);

      g_assert_cmpuint (cells->len, ==, g_strv_length ((char **) ids));
      for (guint c = 0; ids[c] != NULL; c++)
        {
          g_autofree char *shown = quorum_job_overview_format_cell (item, ids[c]);

          g_assert_cmpstr (g_ptr_array_index (cells, c), ==, g_str_equal (shown, "—") ? "" : shown);
        }
    }
  g_assert_cmpstr (lines[n + 1], ==, "");
  g_unlink (path);
  g_rmdir (dir);
}

/* The file named @name in the overview's files table, its position there. */
static guint
file_position (const char *name)
{
  GListModel *files = quorum_job_overview_get_files (overview_window ());

  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(QuorumStatsItem) item = g_list_model_get_item (files, i);

      if (g_str_equal (quorum_stats_item_get_name (item), name))
        return i;
    }
  g_assert_not_reached ();
}

static gboolean
reader_action_enabled (gpointer data)
{
  GtkWidget *button = overview_child ("add_reader_button");

  return gtk_widget_get_visible (button) && gtk_widget_is_sensitive (button);
}

static gboolean
four_passes_shown (gpointer name)
{
  QuorumStatsItem *item = row_named (quorum_job_overview_get_files (overview_window ()), name);
  double passes;

  return item != NULL && quorum_stats_item_get_number (item, "passes", &passes) && passes == 4;
}

static JsonObject *
task_of (gint64      file,
         const char *kind,
         gint64      pass)
{
  g_autoptr(JsonArray) tasks = job_tasks ();

  for (guint i = 0; i < json_array_get_length (tasks); i++)
    {
      JsonObject *task = json_array_get_object_element (tasks, i);

      if (json_object_get_int_member (task, "file") == file &&
          g_str_equal (json_object_get_string_member (task, "kind"), kind) &&
          (pass == 0 || json_object_get_int_member (task, "pass") == pass))
        return json_object_ref (task);
    }
  return NULL;
}

static gboolean
scores_ready (gpointer data)
{
  g_autoptr(JsonObject) view = task_view (*(gint64 *) data);

  app_test_iterate (50);
  return g_str_equal (json_object_get_string_member (view, "state"), "available") &&
         !json_object_get_null_member (view, "scores");
}

/* The job's annotations from the overview's Export menu: the window of
 * options, the file written as the route answers (what quorumctl export
 * writes, byte for byte); a file that cannot be written is said in the
 * window, which stays. */
static QuorumExportWindow *
export_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (QUORUM_IS_EXPORT_WINDOW (window) && gtk_widget_get_visible (window))
        return QUORUM_EXPORT_WINDOW (window);
    }
  return NULL;
}

static gboolean
export_open (gpointer data)
{
  return export_window () != NULL;
}

static gboolean
export_closed (gpointer data)
{
  return export_window () == NULL;
}

static gboolean
export_failed (gpointer data)
{
  return export_window () != NULL && !quorum_export_window_is_busy (export_window ()) &&
         quorum_export_window_get_error (export_window ()) != NULL;
}

static void
test_export_annotations (void)
{
  QuorumJobOverview *overview = overview_window ();
  QuorumExportWindow *export;
  g_autofree char *dir = g_dir_make_tmp ("quorum-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "consensus.json", NULL);
  g_autofree char *reference = g_build_filename (dir, "route.json", NULL);
  g_autofree char *missing = g_build_filename (dir, "no such folder", "x.json", NULL);
  g_autofree char *api_path = NULL;
  g_autofree char *name = NULL;
  g_autofree char *written = NULL, *expected = NULL;
  gsize written_length = 0, expected_length = 0;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) nowhere = g_file_new_for_path (missing);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (overview);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (overview), "overview.export-annotations", NULL));
  g_assert_true (app_test_wait_until (export_open, NULL));
  export = export_window ();
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (export)) == GTK_WINDOW (overview));

  /* The options make the route: COCO with or without the interpolated
   * frames, the Quorum export with every version or the outputs. */
  api_path = quorum_export_window_get_api_path (export);
  name = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/export?format=coco", server.job);
  g_assert_cmpstr (api_path, ==, name);
  g_clear_pointer (&api_path, g_free);
  g_clear_pointer (&name, g_free);
  quorum_export_window_set_interpolated (export, FALSE);
  api_path = quorum_export_window_get_api_path (export);
  g_assert_true (g_str_has_suffix (api_path, "/export?format=coco&interpolated=false"));
  g_clear_pointer (&api_path, g_free);
  app_test_screenshot (GTK_WINDOW (export), "export-annotations.png");
  quorum_export_window_set_format (export, "quorum");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (export),
                                                                                     QUORUM_TYPE_EXPORT_WINDOW,
                                                                                     "interpolated_row"))));
  quorum_export_window_set_all_versions (export, FALSE);
  api_path = quorum_export_window_get_api_path (export);
  g_assert_true (g_str_has_suffix (api_path, "/export?format=quorum&versions=best"));
  g_clear_pointer (&api_path, g_free);
  quorum_export_window_set_all_versions (export, TRUE);
  api_path = quorum_export_window_get_api_path (export);
  g_assert_true (g_str_has_suffix (api_path, "/export?format=quorum&versions=all"));
  name = quorum_export_window_suggest_name (export);
  g_assert_cmpstr (name, ==, "Street scenes — consensus — quorum.json");

  /* A folder that does not exist: said in the window, nothing written. */
  quorum_export_window_export_to (export, nowhere);
  g_assert_true (app_test_wait_until (export_failed, NULL));
  g_assert_nonnull (strstr (quorum_export_window_get_error (export), "could not be saved as “x.json”"));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  app_test_screenshot (GTK_WINDOW (export), "export-annotations-error.png");

  /* Saved: the window closes, the toast names the file, and the file is
   * the route's document byte for byte. */
  quorum_export_window_export_to (export, file);
  g_assert_true (app_test_wait_until (export_closed, NULL));
  g_assert_true (quorum_client_download_sync (server.real.admin, api_path, reference, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &written, &written_length, NULL));
  g_assert_true (g_file_get_contents (reference, &expected, &expected_length, NULL));
  g_assert_cmpuint (written_length, >, 100);
  g_assert_cmpmem (written, written_length, expected, expected_length);
  g_assert_nonnull (strstr (written, "\"versions\""));
  g_unlink (path);
  g_unlink (reference);
  g_rmdir (dir);
}

static void
test_fourth_reader (void)
{
  const char *name = "street-04.png";
  QuorumJobOverview *overview = overview_window ();
  QuorumStatsItem *item = row_named (quorum_job_overview_get_files (overview), name);
  gint64 file = quorum_stats_item_get_id (item);
  g_autofree char *heading = g_strdup_printf ("Add a Labeller to “%s”?", name);
  g_autoptr(QuorumClient) dan = app_test_server_sign_in (&server.real, "dan", password_of ("dan"));
  g_autoptr(QuorumClient) rita = app_test_server_sign_in (&server.real, "rita", password_of ("rita"));
  g_autoptr(JsonObject) added = NULL;
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) review = NULL;
  g_autoptr(JsonObject) consensus = NULL;
  g_autoptr(JsonObject) view = NULL;
  g_autoptr(JsonObject) first_view = NULL;
  g_autoptr(JsonNode) saved = NULL;
  g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_annotation_set_free);
  g_autoptr(QuorumAgreement) agreement = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autofree char *instances = NULL;
  GtkWidget *dialog;
  GtkDropDown *drop_down;
  GListModel *names;
  JsonObject *scores;
  JsonArray *passes;
  gint64 consensus_id;
  double shown;

  /* Three passes, the third waiting for its review: no consensus yet. */
  assert_figure (item, "passes", TRUE, 3);
  g_assert_false (quorum_stats_item_get_number (item, "agreement", &shown));

  /* tom gives the file to dan as a fourth labeller. */
  quorum_job_overview_select_file (overview, file_position (name));
  g_assert_true (app_test_wait_until (reader_action_enabled, NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (overview), "overview.add-reader", NULL));
  app_test_iterate (100);
  dialog = app_test_find_dialog (heading);
  g_assert_nonnull (dialog);
  drop_down = GTK_DROP_DOWN (adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog)));
  names = gtk_drop_down_get_model (drop_down);
  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (names), i), "dan"))
      gtk_drop_down_set_selected (drop_down, i);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (names), gtk_drop_down_get_selected (drop_down)), ==,
                   "dan");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "add");
  g_assert_true (app_test_wait_until (four_passes_shown, (gpointer) name));

  added = task_of (file, "draw", 4);
  g_assert_nonnull (added);
  g_assert_cmpstr (json_object_get_string_member (added, "assignee_name"), ==, "dan");

  /* dan draws what pass 1 drew, moved a little; the third pass is accepted. */
  first = task_of (file, "draw", 1);
  first_view = task_view (json_object_get_int_member (first, "id"));
  {
    JsonArray *list = json_object_get_array_member (first_view, "instances");

    for (guint i = 0; i < json_array_get_length (list); i++)
      {
        JsonObject *instance = json_array_get_object_element (list, i);
        g_autofree char *id = g_strdup_printf ("dan-%u", i);

        json_object_set_string_member (instance, "id", id);
        json_object_remove_member (instance, "author");
        json_object_remove_member (instance, "copied_from");
      }
    instances = quorum_wire_to_string (json_object_get_member (first_view, "instances"), FALSE);
  }
  body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT ", \"instances\": %s}",
                          json_object_get_int_member (added, "version"), instances);
  saved = call (dan, "PUT", body, "/tasks/%" G_GINT64_FORMAT "/instances", json_object_get_int_member (added, "id"));
  g_free (body);
  body = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT "}",
                          json_object_get_int_member (json_node_get_object (saved), "version"));
  json_node_unref (call (dan, "POST", body, "/tasks/%" G_GINT64_FORMAT "/submit",
                         json_object_get_int_member (added, "id")));
  review = task_of (file, "review", 0);
  g_free (body);
  body = g_strdup_printf ("{\"user\": %" G_GINT64_FORMAT "}", app_test_demo_user_id (server.demo, "rita"));
  json_node_unref (call (server.real.admin, "POST", body, "/tasks/%" G_GINT64_FORMAT "/assign",
                         json_object_get_int_member (review, "id")));
  json_node_unref (call (rita, "POST", "{}", "/tasks/%" G_GINT64_FORMAT "/accept",
                         json_object_get_int_member (review, "id")));

  /* The consensus waits for every pass, the fourth too, and scores four sets. */
  consensus = task_of (file, "consensus", 0);
  consensus_id = json_object_get_int_member (consensus, "id");
  g_assert_true (app_test_wait_until (scores_ready, &consensus_id));
  view = task_view (consensus_id);
  passes = json_object_get_array_member (view, "passes");
  scores = json_object_get_object_member (view, "scores");
  g_assert_cmpuint (json_array_get_length (passes), ==, 4);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (scores, "pairs")), ==, 6);
  for (guint i = 0; i < 4; i++)
    {
      JsonObject *pass = json_array_get_object_element (passes, i);

      g_ptr_array_add (sets, set_of (json_object_get_member (pass, "instances"),
                                     json_object_get_object_member (view, "file_info")));
    }
  agreement = quorum_agreement_compute ((const QuorumAnnotationSet * const *) sets->pdata, 4, server.threshold, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (scores, "agreement"), agreement->agreement, 1e-9);

  /* The overview, refreshed, shows that agreement for the file. */
  quorum_job_overview_refresh (overview);
  app_test_iterate (500);
  g_assert_true (app_test_wait_until (overview_shown, NULL));
  item = row_named (quorum_job_overview_get_files (overview), name);
  g_assert_true (quorum_stats_item_get_number (item, "agreement", &shown));
  g_assert_cmpfloat_with_epsilon (shown, agreement->agreement, 1e-9);
}

static gboolean
page_is (gpointer data)
{
  QuorumJobOverview *overview = g_object_get_data (G_OBJECT (data), "overview");

  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (
                      gtk_widget_get_template_child (GTK_WIDGET (overview), QUORUM_TYPE_JOB_OVERVIEW, "stack"))),
                    g_object_get_data (G_OBJECT (data), "page")) == 0;
}

/* The overview of @job shows @page; returns the window, closed by the caller. */
static QuorumJobOverview *
overview_showing (gint64      job,
                  gint64      project,
                  const char *page)
{
  QuorumJobOverview *overview = quorum_job_overview_new (server.real.window, job, "Elsewhere", project, TRUE);
  g_autoptr(GObject) probe = g_object_new (G_TYPE_OBJECT, NULL);

  gtk_window_present (GTK_WINDOW (overview));
  g_object_set_data (probe, "overview", overview);
  g_object_set_data (probe, "page", (gpointer) page);
  g_assert_true (app_test_wait_until (page_is, probe));
  return overview;
}

static void
test_empty_and_error (void)
{
  g_autoptr(JsonNode) job = call (server.real.admin, "GET", NULL, "/jobs/%" G_GINT64_FORMAT, server.job);
  gint64 project = json_object_get_int_member (json_node_get_object (job), "project");
  g_autofree char *path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/jobs", project);
  gint64 draft = app_test_call_id (server.real.admin, "POST", path,
                                   "{\"settings\": {\"name\": \"Nothing yet\", \"passes_per_file\": 2}, \"files\": []}");
  g_autofree char *expected = NULL;
  QuorumJobOverview *overview;
  AdwStatusPage *error_page;

  /* A draft without files: the empty state, nothing to export. */
  overview = overview_showing (draft, project, "empty");
  gtk_window_destroy (GTK_WINDOW (overview));

  /* A job that does not exist: the error page says so in a sentence. */
  overview = overview_showing (draft + 1000, project, "error");
  error_page = ADW_STATUS_PAGE (gtk_widget_get_template_child (GTK_WIDGET (overview), QUORUM_TYPE_JOB_OVERVIEW,
                                                               "error_page"));
  expected = g_strdup_printf ("No job %" G_GINT64_FORMAT ".", draft + 1000);
  g_assert_cmpstr (adw_status_page_get_description (error_page), ==, expected);
  gtk_window_destroy (GTK_WINDOW (overview));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(JsonNode) job = NULL;
  int status;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("no display: run under xvfb-run (make test does)\n");
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }

  app_test_server_make_home (&server.real, "quorum-job-overview-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app_test_server_start (&server.real, ROOT_PASSWORD);
  server.demo = app_test_server_run_demo (&server.real);
  server.job = app_test_demo_job_id (server.demo, "Street scenes — consensus");
  job = call (server.real.admin, "GET", NULL, "/jobs/%" G_GINT64_FORMAT, server.job);
  server.threshold = json_object_get_double_member (json_object_get_object_member (json_node_get_object (job),
                                                                                   "settings"), "threshold");
  app_test_server_open_window (&server.real, 1200, 760);

  g_test_add_func ("/job-overview/figures", test_figures);
  g_test_add_func ("/job-overview/sort-and-csv", test_sort_and_csv);
  g_test_add_func ("/job-overview/export-annotations", test_export_annotations);
  g_test_add_func ("/job-overview/fourth-reader", test_fourth_reader);
  g_test_add_func ("/job-overview/empty-and-error", test_empty_and_error);
  status = g_test_run ();

  g_clear_pointer (&server.demo, json_object_unref);
  app_test_server_stop (&server.real);
  return status;
}
