/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "app-test-server.h"
#include "quorum-error.h"
#include "quorum-market-watch.h"
#include "quorum-market-window.h"

/*
 * The market against a real quorum-server, in two windows of the app: bea,
 * a member of the organization Beta, and pat, the admin of the project
 * Streets (and a member of Acme). Bea's organization follows street jobs
 * from 0.30 EUR per task, set in the market window; a job with a bid that
 * matches, and one that pays too little, come on the market by the API; the watch
 * bea's window started reports the one that matches, and its notification
 * reaches the session bus (a stand-in for the notification daemon, owned
 * by this test, records it). Bea applies with a message from the window;
 * pat accepts it from theirs; ben, another member of Beta, then gets a task
 * of the job, until pat declines Beta. Bea is in Gamma too: the window follows for the organization
 * chosen, Gamma's follow set there leaves Beta's alone. The tests run in
 * order and share one server and the windows.
 */

#define ROOT_PASSWORD "correct horse battery"
#define PASSWORD "market password"

static struct {
  AppTestServer  real;
  QuorumWindow  *owner_window;    /* pat's; the member's is real.window */
  QuorumClient  *pat;
  QuorumClient  *ben;
  gint64         beta;
  gint64         acme;
  gint64         gamma;
  gint64         project;
  gint64         files[3];
  gint64         street_job;
  gint64         trees_job;
  GArray        *reported;        /* job ids of QuorumMarketWatch::new-job */
  GPtrArray     *notified;        /* "summary\nbody" of each Notify on the bus */
  guint          bus_owner;
  guint          bus_object;
} server;

#define call app_test_callf

/* ---- a stand-in for the notification daemon --------------------------------------- */

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "      <arg type='u' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "  </interface>"
  "</node>";

static void
on_notifications_call (GDBusConnection       *connection,
                       const char            *sender,
                       const char            *object_path,
                       const char            *interface_name,
                       const char            *method_name,
                       GVariant              *parameters,
                       GDBusMethodInvocation *invocation,
                       gpointer               user_data)
{
  if (g_str_equal (method_name, "Notify"))
    {
      const char *summary, *body;

      g_variant_get_child (parameters, 3, "&s", &summary);
      g_variant_get_child (parameters, 4, "&s", &body);
      g_ptr_array_add (server.notified, g_strdup_printf ("%s\n%s", summary, body));
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", server.notified->len));
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    {
      const char *capabilities[] = { "body", "actions", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", capabilities));
    }
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
own_notifications (void)
{
  static const GDBusInterfaceVTable vtable = { on_notifications_call, NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GDBusNodeInfo) info = NULL;

  g_assert_no_error (error);
  info = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_assert_no_error (error);
  server.bus_object = g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications",
                                                         info->interfaces[0], &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  server.bus_owner = g_bus_own_name_on_connection (bus, "org.freedesktop.Notifications",
                                                   G_BUS_NAME_OWNER_FLAGS_NONE, NULL, NULL, NULL, NULL);
}

/* ---- helpers ------------------------------------------------------------------------- */

static gint64
make_user (const char *name,
           gint64      org)
{
  g_autofree char *body = g_strdup_printf ("{\"name\": \"%s\", \"password\": \"" PASSWORD "\"}", name);
  gint64 id = app_test_call_id (server.real.admin, "POST", "/users", body);

  if (org != 0)
    {
      g_autofree char *member = g_strdup_printf ("{\"user\": %" G_GINT64_FORMAT "}", id);

      json_node_unref (call (server.real.admin, "POST", member, "/orgs/%" G_GINT64_FORMAT "/members", org));
    }
  return id;
}

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

static gboolean
work_shown (gpointer data)
{
  GtkStack *stack = app_test_child (data, "stack");

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "work") == 0;
}

static void
sign_in (QuorumWindow *window,
         const char   *user)
{
  gtk_editable_set_text (app_test_child (window, "server_row"), server.real.address);
  gtk_editable_set_text (app_test_child (window, "user_row"), user);
  gtk_editable_set_text (app_test_child (window, "password_row"), PASSWORD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, window));
}

static QuorumMarketWindow *
market (QuorumWindow *window)
{
  return QUORUM_MARKET_WINDOW (quorum_window_get_market_window (window));
}

static gboolean
market_idle (gpointer window)
{
  return market (window) != NULL && !quorum_market_window_get_loading (market (window));
}

static QuorumMarketWindow *
open_market (QuorumWindow *window)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.market", NULL));
  g_assert_true (app_test_wait_until (market_idle, window));
  return market (window);
}

static void
activate (QuorumMarketWindow *window,
          const char         *action,
          GVariant           *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), action, parameter));
  app_test_iterate (20);
}

static gint64
market_job (const char *name,
            const char *amount)
{
  g_autofree char *body = g_strdup_printf ("{\"settings\": {\"name\": \"%s\", \"share\": \"market\", "
                                           "\"review_frequency\": 0, \"market\": {\"bid\": {\"amount\": \"%s\", "
                                           "\"currency\": \"EUR\", \"per\": \"task\"}, "
                                           "\"deadline\": \"2099-06-30T12:00:00Z\"}}, \"files\": [%" G_GINT64_FORMAT
                                           ", %" G_GINT64_FORMAT "]}",
                                           name, amount, server.files[0], server.files[1]);
  g_autofree char *path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/jobs", server.project);
  gint64 id = app_test_call_id (server.pat, "POST", path, body);

  json_node_unref (call (server.pat, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/launch", id));
  return id;
}

static void
on_new_job (QuorumMarketWatch *watch,
            gint64             job,
            const char        *name,
            gpointer           data)
{
  g_array_append_val (server.reported, job);
}

static gboolean
watch_polled (gpointer data)
{
  QuorumMarketWatch *watch = quorum_window_get_market_watch (server.real.window);

  return quorum_market_watch_get_n_polls (watch) >= GPOINTER_TO_UINT (data) &&
         !quorum_market_watch_get_busy (watch);
}

static gboolean
notified (gpointer data)
{
  return server.notified->len >= GPOINTER_TO_UINT (data);
}

static gboolean
dialog_shown (gpointer heading)
{
  return app_test_find_dialog (heading) != NULL;
}

static gboolean
applied (gpointer data)
{
  return market_idle (server.real.window) &&
         g_strcmp0 (quorum_market_window_get_applied (market (server.real.window), server.street_job), "pending") == 0;
}

static gboolean
accepted (gpointer data)
{
  JsonObject *application;

  if (!market_idle (server.owner_window))
    return FALSE;
  application = quorum_market_window_find_application (market (server.owner_window), server.street_job,
                                                       server.beta);
  return application != NULL && g_strcmp0 (json_object_get_string_member (application, "state"), "accepted") == 0;
}

/* ---- the tests ------------------------------------------------------------------------ */

static void
test_follow (void)
{
  QuorumMarketWindow *window = open_market (server.real.window);
  g_autoptr(JsonNode) reply = NULL;
  JsonObject *follow, *min_bid;
  JsonArray *keywords;

  /* Nothing on the market yet, and Beta follows nothing. */
  g_assert_cmpuint (quorum_market_window_get_n_jobs (window), ==, 0);
  gtk_editable_set_text (quorum_market_window_get_keywords_row (window), " street ,, ");
  gtk_editable_set_text (quorum_market_window_get_amount_row (window), "0.30");
  gtk_editable_set_text (quorum_market_window_get_currency_row (window), "eur");
  adw_combo_row_set_selected (quorum_market_window_get_per_row (window), 0);
  activate (window, "market.follow", NULL);
  g_assert_true (app_test_wait_until (market_idle, server.real.window));

  reply = call (server.real.admin, "GET", NULL, "/orgs/%" G_GINT64_FORMAT "/market/follow", server.beta);
  follow = json_node_get_object (reply);
  g_assert_true (json_object_get_boolean_member (follow, "following"));
  keywords = json_object_get_array_member (follow, "keywords");
  g_assert_cmpuint (json_array_get_length (keywords), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (keywords, 0), ==, "street");
  min_bid = json_object_get_object_member (follow, "min_bid");
  g_assert_cmpstr (json_object_get_string_member (min_bid, "amount"), ==, "0.30");
  g_assert_cmpstr (json_object_get_string_member (min_bid, "currency"), ==, "EUR");
  g_assert_cmpstr (json_object_get_string_member (min_bid, "per"), ==, "task");
  /* Read back into the rows as the server has them. */
  g_assert_cmpstr (gtk_editable_get_text (quorum_market_window_get_currency_row (window)), ==, "EUR");
}

static void
test_new_job (void)
{
  QuorumMarketWatch *watch = quorum_window_get_market_watch (server.real.window);
  guint polls;

  g_assert_nonnull (watch);
  g_signal_connect (watch, "new-job", G_CALLBACK (on_new_job), NULL);
  /* The watch has taken Beta's cursor: what comes now is news. */
  g_assert_true (app_test_wait_until (watch_polled, GUINT_TO_POINTER (1)));
  g_assert_cmpuint (server.reported->len, ==, 0);

  server.street_job = market_job ("Street signs", "0.40");
  server.trees_job = market_job ("Park trees", "0.20");
  polls = quorum_market_watch_get_n_polls (watch);
  quorum_market_watch_poll_now (watch);
  g_assert_true (app_test_wait_until (watch_polled, GUINT_TO_POINTER (polls + 1)));
  /* Both are of the project Streets; only the street job pays what Beta asks. */
  g_assert_cmpuint (server.reported->len, ==, 1);
  g_assert_cmpint (g_array_index (server.reported, gint64, 0), ==, server.street_job);
  g_assert_true (app_test_wait_until (notified, GUINT_TO_POINTER (1)));
  g_assert_cmpstr (g_ptr_array_index (server.notified, 0), ==,
                   "New Job on the Market\n“Street signs” of Streets: 0.40 EUR per task.");

  /* Polled again, nothing is news twice. */
  quorum_market_watch_poll_now (watch);
  g_assert_true (app_test_wait_until (watch_polled, GUINT_TO_POINTER (polls + 2)));
  g_assert_cmpuint (server.reported->len, ==, 1);
}

static void
test_apply (void)
{
  QuorumMarketWindow *window = market (server.real.window);
  g_autoptr(JsonNode) applications = NULL;
  g_autoptr(JsonNode) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", server.street_job);
  GtkTextBuffer *buffer;
  GtkWidget *dialog;
  JsonObject *application;

  quorum_market_window_refresh (window);
  g_assert_true (app_test_wait_until (market_idle, server.real.window));
  g_assert_cmpuint (quorum_market_window_get_n_jobs (window), ==, 2);
  g_assert_true (quorum_market_window_lists_job (window, server.street_job));
  g_assert_null (quorum_market_window_get_applied (window, server.street_job));

  activate (window, "market.apply", g_variant_new_int64 (server.street_job));
  g_assert_true (app_test_wait_until (dialog_shown, "Apply to “Street signs”?"));
  buffer = quorum_market_window_get_apply_buffer (window);
  g_assert_nonnull (buffer);
  gtk_text_buffer_set_text (buffer, "We have labelled street signs for three cities.", -1);
  dialog = app_test_find_dialog ("Apply to “Street signs”?");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (app_test_wait_until (applied, NULL));

  applications = call (server.real.admin, "GET", NULL, "/jobs/%" G_GINT64_FORMAT "/applications",
                       server.street_job);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (applications)), ==, 1);
  application = json_array_get_object_element (json_node_get_array (applications), 0);
  g_assert_cmpint (json_object_get_int_member (application, "org"), ==, server.beta);
  g_assert_cmpstr (json_object_get_string_member (application, "state"), ==, "pending");
  g_assert_cmpstr (json_object_get_string_member (application, "message"), ==,
                   "We have labelled street signs for three cities.");

  /* Not accepted yet: Beta's members get no work from it. */
  task = quorum_client_call_sync (server.ben, "POST", path, NULL, NULL, &error);
  g_assert_null (task);
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND);
}

static void
test_accept (void)
{
  QuorumMarketWindow *window = open_market (server.owner_window);
  g_autoptr(JsonNode) applications = NULL;
  g_autoptr(JsonNode) task = NULL;
  JsonObject *application;

  application = quorum_market_window_find_application (window, server.street_job, server.beta);
  g_assert_nonnull (application);
  g_assert_cmpstr (json_object_get_string_member (application, "state"), ==, "pending");
  g_assert_cmpstr (json_object_get_string_member (application, "message"), ==,
                   "We have labelled street signs for three cities.");
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 600);
  app_test_screenshot (GTK_WINDOW (window), "market-1024x600.png");
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 900);
  app_test_screenshot (GTK_WINDOW (window), "market.png");

  activate (window, "market.accept", g_variant_new ("(xx)", server.street_job, server.beta));
  g_assert_true (app_test_wait_until (accepted, NULL));
  applications = call (server.real.admin, "GET", NULL, "/jobs/%" G_GINT64_FORMAT "/applications",
                       server.street_job);
  application = json_array_get_object_element (json_node_get_array (applications), 0);
  g_assert_cmpstr (json_object_get_string_member (application, "state"), ==, "accepted");

  /* Accepted: another member of Beta now draws on the job. */
  task = call (server.ben, "POST", NULL, "/jobs/%" G_GINT64_FORMAT "/next", server.street_job);
  g_assert_nonnull (task);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (task), "kind"), ==, "draw");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (task), "job"), ==, server.street_job);
}

static gboolean
follow_of_gamma_shown (gpointer data)
{
  GtkEditable *keywords;

  if (!market_idle (server.real.window))
    return FALSE;
  keywords = quorum_market_window_get_keywords_row (market (server.real.window));
  return g_strcmp0 (gtk_editable_get_text (keywords), "") == 0;
}

static void
test_organization (void)
{
  QuorumMarketWindow *window = market (server.real.window);
  g_autoptr(JsonNode) gamma = NULL;
  g_autoptr(JsonNode) beta = NULL;
  JsonArray *keywords;

  /* Beta first (by name), with what it follows; choosing Gamma shows Gamma's: nothing. */
  g_assert_cmpuint (adw_combo_row_get_selected (quorum_market_window_get_org_row (window)), ==, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (quorum_market_window_get_org_row (window))));
  g_assert_cmpstr (gtk_editable_get_text (quorum_market_window_get_keywords_row (window)), ==, "street");
  adw_combo_row_set_selected (quorum_market_window_get_org_row (window), 1);
  g_assert_true (app_test_wait_until (follow_of_gamma_shown, NULL));
  gtk_editable_set_text (quorum_market_window_get_keywords_row (window), "park");
  gtk_editable_set_text (quorum_market_window_get_amount_row (window), "");
  gtk_editable_set_text (quorum_market_window_get_currency_row (window), "");
  activate (window, "market.follow", NULL);
  g_assert_true (app_test_wait_until (market_idle, server.real.window));

  gamma = call (server.real.admin, "GET", NULL, "/orgs/%" G_GINT64_FORMAT "/market/follow", server.gamma);
  keywords = json_object_get_array_member (json_node_get_object (gamma), "keywords");
  g_assert_cmpuint (json_array_get_length (keywords), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (keywords, 0), ==, "park");
  g_assert_true (json_object_get_null_member (json_node_get_object (gamma), "min_bid"));
  /* Beta's is as it was. */
  beta = call (server.real.admin, "GET", NULL, "/orgs/%" G_GINT64_FORMAT "/market/follow", server.beta);
  keywords = json_object_get_array_member (json_node_get_object (beta), "keywords");
  g_assert_cmpstr (json_array_get_string_element (keywords, 0), ==, "street");
}

static gboolean
declined (gpointer data)
{
  JsonObject *application;

  if (!market_idle (server.owner_window))
    return FALSE;
  application = quorum_market_window_find_application (market (server.owner_window), server.street_job,
                                                       server.beta);
  return application != NULL && g_strcmp0 (json_object_get_string_member (application, "state"), "declined") == 0;
}

static void
test_decline (void)
{
  QuorumMarketWindow *window = market (server.owner_window);
  g_autofree char *path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/next", server.street_job);
  g_autoptr(JsonNode) task = NULL;
  g_autoptr(GError) error = NULL;

  /* Declining the accepted organization ends its members' work on the job. */
  activate (window, "market.decline", g_variant_new ("(xx)", server.street_job, server.beta));
  g_assert_true (app_test_wait_until (declined, NULL));
  task = quorum_client_call_sync (server.ben, "POST", path, NULL, NULL, &error);
  g_assert_null (task);
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *project = NULL;
  gint64 pat;
  int status;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("no display: run under xvfb-run (make test does)\n");
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_printerr ("no session bus: run under dbus-run-session (make test does)\n");
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }

  app_test_server_make_home (&server.real, "quorum-market-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  server.reported = g_array_new (FALSE, FALSE, sizeof (gint64));
  server.notified = g_ptr_array_new_with_free_func (g_free);
  own_notifications ();
  app_test_server_start (&server.real, ROOT_PASSWORD);

  server.acme = app_test_call_id (server.real.admin, "POST", "/orgs", "{\"name\": \"Acme\"}");
  server.beta = app_test_call_id (server.real.admin, "POST", "/orgs", "{\"name\": \"Beta\"}");
  pat = make_user ("pat", server.acme);
  server.gamma = app_test_call_id (server.real.admin, "POST", "/orgs", "{\"name\": \"Gamma\"}");
  {
    g_autofree char *member = g_strdup_printf ("{\"user\": %" G_GINT64_FORMAT "}", make_user ("bea", server.beta));

    /* bea is in two organizations: the market window follows for the one chosen. */
    json_node_unref (call (server.real.admin, "POST", member, "/orgs/%" G_GINT64_FORMAT "/members", server.gamma));
  }
  make_user ("ben", server.beta);
  project = g_strdup_printf ("{\"name\": \"Streets\", \"org\": %" G_GINT64_FORMAT "}", server.acme);
  server.project = app_test_call_id (server.real.admin, "POST", "/projects", project);
  json_node_unref (call (server.real.admin, "PUT", "{\"role\": \"admin\"}",
                         "/projects/%" G_GINT64_FORMAT "/members/%" G_GINT64_FORMAT, server.project, pat));
  json_node_unref (call (server.real.admin, "PUT",
                         "{\"labels\": [{\"name\": \"sign\", \"color\": \"#e01b24\", \"kind\": \"box\", "
                         "\"attributes\": []}]}", "/projects/%" G_GINT64_FORMAT "/labels", server.project));
  for (guint i = 0; i < G_N_ELEMENTS (server.files); i++)
    {
      g_autofree char *name = g_strdup_printf ("street-%u.png", i);
      g_autofree char *path = g_build_filename (server.real.home, name, NULL);
      g_autoptr(JsonNode) file = NULL;
      g_autoptr(GError) error = NULL;

      write_image (path, 0x4080c0ff + i * 0x10000);
      file = quorum_client_upload_sync (server.real.admin, server.project, path, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      server.files[i] = json_object_get_int_member (json_node_get_object (file), "id");
    }
  server.pat = app_test_server_sign_in (&server.real, "pat", PASSWORD);
  server.ben = app_test_server_sign_in (&server.real, "ben", PASSWORD);

  app_test_server_open_window (&server.real, 1200, 760);
  sign_in (server.real.window, "bea");
  server.owner_window = quorum_window_new (server.real.application);
  gtk_window_set_default_size (GTK_WINDOW (server.owner_window), 1200, 760);
  gtk_window_present (GTK_WINDOW (server.owner_window));
  sign_in (server.owner_window, "pat");

  g_test_add_func ("/market/follow", test_follow);
  g_test_add_func ("/market/new-job", test_new_job);
  g_test_add_func ("/market/apply", test_apply);
  g_test_add_func ("/market/accept", test_accept);
  g_test_add_func ("/market/organization", test_organization);
  g_test_add_func ("/market/decline", test_decline);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (server.owner_window));
  g_clear_object (&server.pat);
  g_clear_object (&server.ben);
  app_test_server_stop (&server.real);
  g_bus_unown_name (server.bus_owner);
  g_array_unref (server.reported);
  g_ptr_array_unref (server.notified);
  return status;
}
