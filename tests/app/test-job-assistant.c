/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "app-test-server.h"
#include "quorum-job-assistant.h"
#include "quorum-market-terms-group.h"
#include "quorum-job-overview.h"

/*
 * The job creation assistant against a real quorum-server filled by
 * `quorumctl demo`, as the project's admin (tom), filled in as a user
 * would: a consensus job of 3 passes shared with the organization, with
 * guides, a required credential and files chosen through the filter,
 * created and launched (the server then has exactly those settings and
 * files, and the job's overview opens); an exam with a pass rule, whose
 * missing awarded credential and file without gold are said before
 * anything is sent; and a job the server refuses, its message next to the
 * field it names and no job created; a project that cannot be read says
 * why and offers nothing to create. The tests share one server and one
 * window.
 */

#define ROOT_PASSWORD "correct horse battery"
#define EXTRA_CREDENTIAL "Night vision"

static struct {
  AppTestServer  real;
  JsonObject    *demo;
  gint64         project;
  gint64         created;   /* by the last "job-created" */
} server;

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

static QuorumJobAssistant *
assistant (void)
{
  return find_window (QUORUM_TYPE_JOB_ASSISTANT);
}

static gpointer
child (const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (assistant ()), QUORUM_TYPE_JOB_ASSISTANT, name);

  g_assert_nonnull (object);
  return object;
}

static gboolean
assistant_idle (gpointer data)
{
  return assistant () != NULL && !quorum_job_assistant_get_loading (assistant ());
}

static gboolean
overview_shown (gpointer data)
{
  return assistant () == NULL && find_window (QUORUM_TYPE_JOB_OVERVIEW) != NULL;
}

static void
on_job_created (QuorumJobAssistant *self,
                gint64              id,
                gpointer            data)
{
  server.created = id;
}

static void
open_assistant (void)
{
  QuorumJobAssistant *self = quorum_job_assistant_new (server.real.window, server.project, "Street scenes");

  g_signal_connect (self, "job-created", G_CALLBACK (on_job_created), NULL);
  server.created = 0;
  gtk_window_present (GTK_WINDOW (self));
  g_assert_true (app_test_wait_until (assistant_idle, NULL));
  g_assert_cmpstr (quorum_job_assistant_get_step (assistant ()), ==, "settings");
}

static void
click (const char *button)
{
  GtkWidget *widget = child (button);

  g_assert_true (gtk_widget_get_visible (widget));
  g_assert_true (gtk_widget_is_sensitive (widget));
  g_signal_emit_by_name (widget, "clicked");
  app_test_iterate (50);
}

static void
set_spin (const char *name,
          double      value)
{
  gtk_spin_button_set_value (child (name), value);
}

static gboolean
has_problem (const char *start)
{
  g_autoptr(GPtrArray) problems = quorum_job_assistant_list_problems (assistant ());

  for (guint i = 0; i < problems->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (problems, i), start))
      return TRUE;
  return FALSE;
}

static JsonArray *
project_list (const char *what)
{
  g_autoptr(JsonNode) reply = call (server.real.admin, "GET", NULL, "/projects/%" G_GINT64_FORMAT "/%s",
                                    server.project, what);

  return json_array_ref (json_node_get_array (reply));
}

static guint
n_jobs (void)
{
  g_autoptr(JsonArray) jobs = project_list ("jobs");

  return json_array_get_length (jobs);
}

static JsonObject *
server_job (gint64 id)
{
  g_autoptr(JsonNode) reply = call (server.real.admin, "GET", NULL, "/jobs/%" G_GINT64_FORMAT, id);

  return json_object_ref (json_node_get_object (reply));
}

static void
assert_strings (JsonArray         *array,
                const char *const *expected)
{
  g_assert_cmpuint (json_array_get_length (array), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (json_array_get_string_element (array, i), ==, expected[i]);
}

static void
close_overview (gint64 job)
{
  QuorumJobOverview *overview = find_window (QUORUM_TYPE_JOB_OVERVIEW);

  g_assert_nonnull (overview);
  g_assert_cmpint (quorum_job_overview_get_job (overview), ==, job);
  gtk_window_destroy (GTK_WINDOW (overview));
  app_test_iterate (50);
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

/* ---- the tests ----------------------------------------------------------------- */

static void
test_consensus_launch (void)
{
  g_autoptr(JsonArray) guides = project_list ("guides");
  g_autoptr(JsonArray) files = project_list ("files");
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(GArray) expected_files = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *draw_guide = NULL;
  g_autofree char *review_guide = NULL;
  g_autofree char *needle = NULL;
  g_autofree char *count = NULL;
  const char *first_name;
  JsonObject *settings, *guide;
  JsonArray *job_files;
  gint64 extra_file;
  guint n_matching = 0;
  guint before = n_jobs ();

  g_assert_cmpuint (json_array_get_length (guides), >=, 2);
  g_assert_cmpuint (json_array_get_length (files), >=, 4);
  open_assistant ();

  /* No name yet: said, and Next waits for one. */
  g_assert_true (has_problem ("The job needs a name."));
  g_assert_true (gtk_widget_get_visible (child ("settings_problems")));
  g_assert_false (gtk_widget_is_sensitive (child ("next_button")));

  gtk_editable_set_text (child ("name_row"), "Night streets, three passes");
  adw_combo_row_set_selected (child ("type_row"), 0);        /* Annotation */
  adw_combo_row_set_selected (child ("share_row"), 1);       /* Organization */
  g_assert_false (gtk_widget_is_sensitive (child ("consensus_row")));
  set_spin ("passes_spin", 3);
  g_assert_true (gtk_widget_is_sensitive (child ("consensus_row")));
  set_spin ("review_spin", 2);
  gtk_switch_set_active (child ("blind_switch"), FALSE);
  adw_combo_row_set_selected (child ("consensus_row"), 1);   /* Manual Merge */
  set_spin ("threshold_spin", 0.75);
  adw_combo_row_set_selected (child ("draw_guide_row"), 1);  /* the project's first guide */
  adw_combo_row_set_selected (child ("review_guide_row"), 2);
  gtk_check_button_set_active (quorum_job_assistant_get_credential_check (assistant (), FALSE, EXTRA_CREDENTIAL), TRUE);
  g_assert_false (gtk_widget_get_visible (child ("exam_group")));
  g_assert_false (gtk_widget_get_visible (child ("settings_problems")));
  guide = json_array_get_object_element (guides, 0);
  draw_guide = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (guide, "id"));
  guide = json_array_get_object_element (guides, 1);
  review_guide = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (guide, "id"));

  gtk_window_set_default_size (GTK_WINDOW (assistant ()), 1024, 600);
  app_test_screenshot (GTK_WINDOW (assistant ()), "job-assistant-1024x600.png");
  gtk_window_set_default_size (GTK_WINDOW (assistant ()), 760, 640);
  app_test_screenshot (GTK_WINDOW (assistant ()), "job-assistant.png");

  click ("next_button");
  g_assert_cmpstr (quorum_job_assistant_get_step (assistant ()), ==, "files");
  count = g_strdup_printf ("0 of %u files chosen", json_array_get_length (files));
  g_assert_cmpstr (gtk_label_get_text (child ("files_count")), ==, count);

  /* The filter with the first file's name, in another case: Select All
   * chooses the files it shows, and only those. */
  first_name = json_object_get_string_member (json_array_get_object_element (files, 0), "name");
  needle = g_utf8_strup (first_name, -1);
  gtk_editable_set_text (child ("filter_entry"), needle);
  app_test_iterate (400);   /* the search entry waits before it says it changed */
  click ("select_all_button");
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);
      g_autofree char *name = g_utf8_strup (json_object_get_string_member (file, "name"), -1);

      if (strstr (name, needle) != NULL)
        n_matching++;
    }
  g_assert_cmpuint (n_matching, >=, 1);
  /* One more by its check button, past the filter. */
  gtk_editable_set_text (child ("filter_entry"), "");
  app_test_iterate (400);
  extra_file = json_object_get_int_member (json_array_get_object_element (files, 3), "id");
  gtk_check_button_set_active (quorum_job_assistant_get_file_check (assistant (), extra_file), TRUE);
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);
      g_autofree char *name = g_utf8_strup (json_object_get_string_member (file, "name"), -1);
      gint64 id = json_object_get_int_member (file, "id");

      if (strstr (name, needle) != NULL || id == extra_file)
        g_array_append_val (expected_files, id);
    }
  g_clear_pointer (&count, g_free);
  count = g_strdup_printf ("%u of %u files chosen", expected_files->len, json_array_get_length (files));
  g_assert_cmpstr (gtk_label_get_text (child ("files_count")), ==, count);
  app_test_screenshot (GTK_WINDOW (assistant ()), "job-assistant-files.png");

  click ("next_button");
  g_assert_cmpstr (quorum_job_assistant_get_step (assistant ()), ==, "review");
  g_assert_false (gtk_widget_get_visible (child ("next_button")));
  g_assert_false (gtk_widget_get_visible (child ("review_problems")));
  app_test_screenshot (GTK_WINDOW (assistant ()), "job-assistant-review.png");
  click ("launch_button");
  g_assert_true (app_test_wait_until (overview_shown, NULL));
  g_assert_cmpint (server.created, >, 0);
  g_assert_cmpuint (n_jobs (), ==, before + 1);

  job = server_job (server.created);
  g_assert_cmpstr (json_object_get_string_member (job, "state"), ==, "launched");
  settings = json_object_get_object_member (job, "settings");
  g_assert_cmpstr (json_object_get_string_member (settings, "name"), ==, "Night streets, three passes");
  g_assert_cmpstr (json_object_get_string_member (settings, "type"), ==, "normal");
  g_assert_cmpstr (json_object_get_string_member (settings, "share"), ==, "org");
  g_assert_cmpint (json_object_get_int_member (settings, "passes_per_file"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (settings, "review_frequency"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (settings, "consensus"), ==, "manual_merge");
  g_assert_false (json_object_get_boolean_member (settings, "blind"));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (settings, "threshold"), 0.75, 1e-9);
  g_assert_cmpstr (json_object_get_string_member (settings, "draw_guide"), ==, draw_guide);
  g_assert_cmpstr (json_object_get_string_member (settings, "review_guide"), ==, review_guide);
  assert_strings (json_object_get_array_member (settings, "required_credentials"),
                  (const char *const[]) { EXTRA_CREDENTIAL, NULL });
  assert_strings (json_object_get_array_member (settings, "awarded_credentials"), (const char *const[]) { NULL });
  job_files = json_object_get_array_member (job, "files");
  g_assert_cmpuint (json_array_get_length (job_files), ==, expected_files->len);
  for (guint i = 0; i < expected_files->len; i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (job_files, i), "id"), ==,
                     g_array_index (expected_files, gint64, i));

  close_overview (server.created);
}

/* A market job: its bid and deadline asked for, checked in sentences, sent
 * as the server keeps them (docs/formats.md, market). */
static void
test_market (void)
{
  QuorumMarketTermsGroup *terms;
  g_autoptr(JsonObject) job = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_days (now, 30);
  g_autofree char *day = g_date_time_format (later, "%Y-%m-%d");
  g_autofree char *expected_deadline = g_strdup_printf ("%sT23:59:59Z", day);
  JsonObject *market, *bid;

  open_assistant ();
  terms = child ("market_terms");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (terms)));
  gtk_editable_set_text (child ("name_row"), "Street scenes for hire");
  adw_combo_row_set_selected (child ("share_row"), 2);       /* Market */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (terms)));
  /* no bid yet: said, and nothing can go */
  g_assert_true (has_problem ("A market job needs a bid above zero"));
  g_assert_false (gtk_widget_is_sensitive (child ("next_button")));
  gtk_editable_set_text (quorum_market_terms_group_get_amount (terms), "12.505");
  g_assert_true (has_problem ("A market job needs a bid above zero"));
  gtk_editable_set_text (quorum_market_terms_group_get_amount (terms), "12.5");
  gtk_editable_set_text (quorum_market_terms_group_get_currency (terms), "euro");
  g_assert_true (has_problem ("The bid's currency is a code of three letters"));
  gtk_editable_set_text (quorum_market_terms_group_get_currency (terms), "eur");
  gtk_editable_set_text (quorum_market_terms_group_get_deadline (terms), "2020-01-31");
  g_assert_true (has_problem ("The deadline has passed"));
  gtk_editable_set_text (quorum_market_terms_group_get_deadline (terms), day);
  adw_combo_row_set_selected (quorum_market_terms_group_get_per (terms), 1);   /* For the Whole Job */
  g_assert_false (has_problem ("A market job"));
  g_assert_false (has_problem ("The bid"));
  g_assert_false (has_problem ("The deadline"));
  app_test_screenshot (GTK_WINDOW (assistant ()), "job-assistant-market.png");

  click ("next_button");
  click ("next_button");
  g_assert_cmpstr (quorum_job_assistant_get_step (assistant ()), ==, "review");
  click ("draft_button");
  g_assert_true (app_test_wait_until (overview_shown, NULL));
  g_assert_cmpint (server.created, >, 0);

  job = server_job (server.created);
  g_assert_cmpstr (json_object_get_string_member (job, "state"), ==, "draft");
  market = json_object_get_object_member (json_object_get_object_member (job, "settings"), "market");
  g_assert_nonnull (market);
  bid = json_object_get_object_member (market, "bid");
  g_assert_cmpstr (json_object_get_string_member (bid, "amount"), ==, "12.50");
  g_assert_cmpstr (json_object_get_string_member (bid, "currency"), ==, "EUR");
  g_assert_cmpstr (json_object_get_string_member (bid, "per"), ==, "job");
  g_assert_cmpstr (json_object_get_string_member (market, "deadline"), ==, expected_deadline);
  close_overview (server.created);
}

static void
test_exam (void)
{
  g_autoptr(JsonArray) files = project_list ("files");
  g_autoptr(JsonObject) job = NULL;
  JsonObject *settings, *rule;
  gint64 gold = 0, plain = 0;

  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);

      if (json_object_get_boolean_member (file, "has_existing"))
        gold = gold != 0 ? gold : json_object_get_int_member (file, "id");
      else
        plain = plain != 0 ? plain : json_object_get_int_member (file, "id");
    }
  g_assert_cmpint (gold, >, 0);
  g_assert_cmpint (plain, >, 0);
  open_assistant ();

  gtk_editable_set_text (child ("name_row"), "Night driving exam");
  adw_combo_row_set_selected (child ("type_row"), 1);        /* Exam */
  g_assert_true (gtk_widget_get_visible (child ("exam_group")));
  g_assert_false (gtk_widget_get_visible (child ("work_group")));
  /* Nothing awarded: said before anything is sent. */
  g_assert_true (has_problem ("An exam must award at least one credential"));
  g_assert_false (gtk_widget_is_sensitive (child ("next_button")));
  gtk_editable_set_text (quorum_job_assistant_get_other_credentials (assistant (), TRUE), " Night driver ");
  g_assert_false (has_problem ("An exam must award"));
  /* Requiring what it awards makes an exam nobody new can take. */
  gtk_editable_set_text (quorum_job_assistant_get_other_credentials (assistant (), FALSE), "Night driver");
  g_assert_true (has_problem ("The exam both requires and awards “Night driver”"));
  gtk_editable_set_text (quorum_job_assistant_get_other_credentials (assistant (), FALSE), "");
  set_spin ("min_stars_spin", 4);
  set_spin ("max_missed_spin", 2);
  set_spin ("max_attempts_spin", 2);
  set_spin ("retake_wait_spin", 30);
  gtk_switch_set_active (child ("show_answers_switch"), TRUE);
  click ("next_button");

  /* A file without gold cannot be part of a launched exam. */
  gtk_check_button_set_active (quorum_job_assistant_get_file_check (assistant (), gold), TRUE);
  gtk_check_button_set_active (quorum_job_assistant_get_file_check (assistant (), plain), TRUE);
  g_assert_true (has_problem ("An exam scores takers against the gold instances"));
  click ("next_button");
  g_assert_true (gtk_widget_get_visible (child ("review_problems")));
  g_assert_false (gtk_widget_is_sensitive (child ("launch_button")));
  g_assert_true (gtk_widget_is_sensitive (child ("draft_button")));
  click ("back_button");
  gtk_check_button_set_active (quorum_job_assistant_get_file_check (assistant (), plain), FALSE);
  click ("next_button");
  g_assert_false (gtk_widget_get_visible (child ("review_problems")));
  click ("launch_button");
  g_assert_true (app_test_wait_until (overview_shown, NULL));

  job = server_job (server.created);
  g_assert_cmpstr (json_object_get_string_member (job, "state"), ==, "launched");
  settings = json_object_get_object_member (job, "settings");
  g_assert_cmpstr (json_object_get_string_member (settings, "type"), ==, "exam");
  g_assert_cmpstr (json_object_get_string_member (settings, "share"), ==, "project");
  assert_strings (json_object_get_array_member (settings, "awarded_credentials"),
                  (const char *const[]) { "Night driver", NULL });
  assert_strings (json_object_get_array_member (settings, "required_credentials"), (const char *const[]) { NULL });
  rule = json_object_get_object_member (settings, "pass_rule");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (rule, "min_average_stars"), 4, 1e-9);
  g_assert_cmpint (json_object_get_int_member (rule, "max_missed"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (settings, "max_attempts"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (settings, "retake_wait"), ==, 30 * 60);
  g_assert_true (json_object_get_boolean_member (settings, "show_answers"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (job, "files")), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (json_object_get_array_member (job, "files"), 0),
                                               "id"), ==, gold);

  close_overview (server.created);
}

static void
test_refused (void)
{
  guint before = n_jobs ();
  GtkLabel *error;

  open_assistant ();
  gtk_editable_set_text (child ("name_row"), "Twice the same credential");
  /* Ticked and typed: the server names the second. */
  gtk_check_button_set_active (quorum_job_assistant_get_credential_check (assistant (), FALSE, EXTRA_CREDENTIAL), TRUE);
  gtk_editable_set_text (quorum_job_assistant_get_other_credentials (assistant (), FALSE), EXTRA_CREDENTIAL);
  click ("next_button");
  click ("next_button");
  click ("draft_button");
  g_assert_true (app_test_wait_until (assistant_idle, NULL));

  /* Still open, nothing created, the server's sentence on the review page
   * and under the credentials, whose row is marked. */
  g_assert_nonnull (assistant ());
  g_assert_cmpint (quorum_job_assistant_get_created_job (assistant ()), ==, 0);
  g_assert_cmpint (server.created, ==, 0);
  g_assert_cmpuint (n_jobs (), ==, before);
  error = child ("review_error");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error)));
  g_assert_cmpstr (gtk_label_get_text (error), ==,
                   "The job was not created. “" EXTRA_CREDENTIAL "” is listed twice. It is shown with the settings.");
  error = child ("credentials_error");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error)));
  g_assert_cmpstr (gtk_label_get_text (error), ==, "“" EXTRA_CREDENTIAL "” is listed twice.");
  g_assert_true (gtk_widget_has_css_class (child ("required_row"), "error"));
  g_assert_false (gtk_widget_get_visible (child ("job_error")));

  /* Mended, the marks go. */
  click ("back_button");
  click ("back_button");
  gtk_editable_set_text (quorum_job_assistant_get_other_credentials (assistant (), FALSE), "");
  g_assert_false (gtk_widget_get_visible (child ("credentials_error")));
  g_assert_false (gtk_widget_has_css_class (child ("required_row"), "error"));

  /* Closing with a job filled in asks first; Keep Editing keeps it. */
  gtk_window_close (GTK_WINDOW (assistant ()));
  app_test_iterate (50);
  respond ("Discard the New Job?", "keep");
  g_assert_nonnull (assistant ());
  gtk_window_close (GTK_WINDOW (assistant ()));
  app_test_iterate (50);
  respond ("Discard the New Job?", "discard");
  app_test_iterate (100);
  g_assert_null (assistant ());
  g_assert_cmpuint (n_jobs (), ==, before);
}

static void
test_unknown_project (void)
{
  QuorumJobAssistant *self = quorum_job_assistant_new (server.real.window, 999999, "Gone");
  const char *why;

  gtk_window_present (GTK_WINDOW (self));
  g_assert_true (app_test_wait_until (assistant_idle, NULL));
  g_assert_cmpstr (quorum_job_assistant_get_step (self), ==, "error");
  why = adw_status_page_get_description (child ("error_page"));
  g_assert_nonnull (why);
  g_assert_nonnull (strstr (why, "999999"));
  g_assert_false (gtk_widget_get_visible (child ("next_button")));
  /* Nothing to create from: the action is off and sends nothing. */
  gtk_widget_activate_action (GTK_WIDGET (self), "assistant.create-draft", NULL);
  g_assert_false (quorum_job_assistant_get_loading (self));
  g_assert_cmpint (quorum_job_assistant_get_created_job (self), ==, 0);
  gtk_window_destroy (GTK_WINDOW (self));
  app_test_iterate (50);
}

static gboolean
work_shown (gpointer data)
{
  GtkStack *stack = app_test_child (server.real.window, "stack");

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "work") == 0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(JsonNode) job = NULL;
  g_autoptr(JsonNode) credential = NULL;
  int status;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("no display: run under xvfb-run (make test does)\n");
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }

  app_test_server_make_home (&server.real, "quorum-job-assistant-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app_test_server_start (&server.real, ROOT_PASSWORD);
  server.demo = app_test_server_run_demo (&server.real);
  job = call (server.real.admin, "GET", NULL, "/jobs/%" G_GINT64_FORMAT,
              app_test_demo_job_id (server.demo, "Street scenes — consensus"));
  server.project = json_object_get_int_member (json_node_get_object (job), "project");
  credential = call (server.real.admin, "POST", "{\"name\": \"" EXTRA_CREDENTIAL "\", \"description\": \"Reads a street at night\"}",
                     "/projects/%" G_GINT64_FORMAT "/credentials", server.project);

  app_test_server_open_window (&server.real, 1200, 760);
  gtk_editable_set_text (app_test_child (server.real.window, "server_row"), server.real.address);
  gtk_editable_set_text (app_test_child (server.real.window, "user_row"), "tom");
  gtk_editable_set_text (app_test_child (server.real.window, "password_row"),
                         app_test_demo_password (server.demo, "tom"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, NULL));

  g_test_add_func ("/job-assistant/consensus-launch", test_consensus_launch);
  g_test_add_func ("/job-assistant/exam", test_exam);
  g_test_add_func ("/job-assistant/market", test_market);
  g_test_add_func ("/job-assistant/refused", test_refused);
  g_test_add_func ("/job-assistant/unknown-project", test_unknown_project);
  status = g_test_run ();

  g_clear_pointer (&server.demo, json_object_unref);
  app_test_server_stop (&server.real);
  return status;
}
