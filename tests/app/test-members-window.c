/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "app-test-server.h"
#include "quorum-error.h"
#include "quorum-members-window.h"

/*
 * The members and credentials window against a real quorum-server filled by
 * `quorumctl demo`, as the project's admin (tom, no server administrator):
 * a name they may not look up (nothing sent), a member added by number, their
 * role changed, removed and put back with Undo in their old role; a
 * credential created, granted by hand with a reason and revoked with
 * another, both reasons read back from the server; and, once tom is only an
 * editor, the admin's controls hidden while the server refuses them anyway.
 * The tests run in order and share one server and one window.
 */

#define ROOT_PASSWORD "correct horse battery"
#define CREDENTIAL "Night driving"
#define GRANT_REASON "Passed the city’s night course on 3 December"
#define REVOKE_REASON "Left the night team"
#define ELSEWHERE_REASON "Certified by the <b>city</b> & the police"

static struct {
  AppTestServer  real;
  JsonObject    *demo;
  gint64         project;
  gint64         zoe;         /* a user of the server, no member at first */
  gint64         tom;
  gint64         ann;
  gint64         credential;
  QuorumMembersWindow *window;
} server;

#define call app_test_callf

/* ---- what the server holds ------------------------------------------------ */

/* @user's role in the project, as the server says; NULL when no member. */
static char *
server_role (gint64 user)
{
  g_autoptr(JsonNode) reply = call (server.real.admin, "GET", NULL, "/projects/%" G_GINT64_FORMAT "/members",
                                    server.project);
  JsonArray *members = json_node_get_array (reply);

  for (guint i = 0; i < json_array_get_length (members); i++)
    {
      JsonObject *member = json_array_get_object_element (members, i);

      if (json_object_get_int_member (member, "id") == user)
        return g_strdup (json_object_get_string_member (member, "role"));
    }
  return NULL;
}

static guint
server_n_members (void)
{
  g_autoptr(JsonNode) reply = call (server.real.admin, "GET", NULL, "/projects/%" G_GINT64_FORMAT "/members",
                                    server.project);

  return json_array_get_length (json_node_get_array (reply));
}

/* @user's grant of the credential, current or revoked, a copy; NULL when none. */
static JsonObject *
server_grant (gint64 user)
{
  g_autoptr(JsonNode) reply = call (server.real.admin, "GET", NULL,
                                    "/credentials/%" G_GINT64_FORMAT "/grants?include=revoked", server.credential);
  JsonArray *grants = json_node_get_array (reply);

  for (guint i = 0; i < json_array_get_length (grants); i++)
    {
      JsonObject *grant = json_array_get_object_element (grants, i);

      if (json_object_get_int_member (grant, "user") == user)
        return json_object_ref (grant);
    }
  return NULL;
}

static gboolean
is_revoked (JsonObject *grant)
{
  return !JSON_NODE_HOLDS_NULL (json_object_get_member (grant, "revoked"));
}

/* ---- the window ------------------------------------------------------------- */

static gpointer
part (const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (server.window), QUORUM_TYPE_MEMBERS_WINDOW, name);
}

static gboolean
window_idle (gpointer data)
{
  return !quorum_members_window_get_loading (server.window);
}

static void
activate (const char *action,
          GVariant   *target)
{
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (server.window), action, target));
  app_test_iterate (20);
}

typedef struct {
  gint64      user;
  const char *role;  /* NULL: no member */
} RoleIs;

static gboolean
role_is (gpointer data)
{
  RoleIs *expected = data;
  g_autofree char *role = server_role (expected->user);

  return window_idle (NULL) && g_strcmp0 (role, expected->role) == 0 &&
         g_strcmp0 (quorum_members_window_get_member_role (server.window, expected->user), expected->role) == 0;
}

static void
wait_role (gint64      user,
           const char *role)
{
  RoleIs expected = { user, role };

  if (!app_test_wait_until (role_is, &expected))
    {
      g_autofree char *on_server = server_role (user);

      g_error ("user %" G_GINT64_FORMAT ": expected %s, the server has %s and the window %s%s", user,
               role != NULL ? role : "no member", on_server != NULL ? on_server : "no member",
               quorum_members_window_get_member_role (server.window, user),
               quorum_members_window_get_loading (server.window) ? ", loading" : "");
    }
}

/* Counts the widgets under @root that a non-admin must not see: role menus and
 * Remove and Revoke buttons. */
static guint
count_admin_controls (GtkWidget *root)
{
  guint count = 0;

  if (!gtk_widget_get_visible (root))
    return 0;
  if (GTK_IS_DROP_DOWN (root))
    count++;
  if (GTK_IS_ACTIONABLE (root))
    {
      const char *action = gtk_actionable_get_action_name (GTK_ACTIONABLE (root));

      if (g_strcmp0 (action, "members.remove") == 0 || g_strcmp0 (action, "members.revoke") == 0 ||
          g_strcmp0 (action, "members.add") == 0 || g_strcmp0 (action, "members.grant") == 0 ||
          g_strcmp0 (action, "members.create-credential") == 0)
        count++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    count += count_admin_controls (child);
  return count;
}

/* With QUORUM_SCREENSHOT_DIR set: the window as it opens, then at 1024×600
 * (its smallest screen) as @name-1024x600.png. */
static void
screenshot (const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  g_autofree char *small = g_strdup_printf ("%s-1024x600.png", name);
  int width, height;

  if (g_getenv ("QUORUM_SCREENSHOT_DIR") == NULL)
    return;
  gtk_window_get_default_size (GTK_WINDOW (server.window), &width, &height);
  app_test_screenshot (GTK_WINDOW (server.window), file);
  gtk_window_set_default_size (GTK_WINDOW (server.window), 1024, 600);
  app_test_screenshot (GTK_WINDOW (server.window), small);
  gtk_window_set_default_size (GTK_WINDOW (server.window), width, height);
  app_test_iterate (200);
}

/* ---- the tests ----------------------------------------------------------------- */

static void
test_open (void)
{
  GtkListBox *list;
  guint rows = 0;

  server.window = quorum_members_window_new (server.real.window, server.project, "Street scenes");
  gtk_window_present (GTK_WINDOW (server.window));
  g_assert_true (app_test_wait_until (window_idle, NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (part ("stack")), ==, "content");
  g_assert_true (quorum_members_window_get_can_manage (server.window));
  g_assert_true (gtk_widget_get_visible (part ("add_group")));
  g_assert_true (gtk_widget_get_visible (part ("create_group")));

  /* One row a member, each with the role the server gives. */
  list = part ("members_list");
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    rows++;
  g_assert_cmpuint (rows, ==, server_n_members ());
  g_assert_cmpuint (rows, >, 2);
  g_assert_cmpstr (quorum_members_window_get_member_role (server.window, server.tom), ==, "admin");
  g_assert_null (quorum_members_window_get_member_role (server.window, server.zoe));
  /* Role menus and Remove buttons for everyone but tom himself. */
  g_assert_cmpuint (count_admin_controls (GTK_WIDGET (list)), ==, 2 * (rows - 1));
}

static void
test_add (void)
{
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, server.zoe);
  g_autofree char *role = NULL;

  /* tom is no server administrator: a name cannot be looked up, and
   * nothing is sent. */
  gtk_editable_set_text (part ("add_entry"), "zoe");
  activate ("members.add", NULL);
  g_assert_false (quorum_members_window_get_loading (server.window));
  app_test_iterate (100);
  role = server_role (server.zoe);
  g_assert_null (role);
  g_assert_cmpstr (gtk_editable_get_text (part ("add_entry")), ==, "zoe");
  /* Why, under the Add button, in a sentence that says what to do instead. */
  g_assert_true (gtk_widget_get_visible (part ("add_error")));
  g_assert_nonnull (strstr (gtk_label_get_text (part ("add_error")), "user number"));

  /* By number, as a viewer. */
  gtk_editable_set_text (part ("add_entry"), number);
  adw_combo_row_set_selected (part ("add_role_row"), 4);
  activate ("members.add", NULL);
  wait_role (server.zoe, "viewer");
  g_assert_cmpstr (gtk_editable_get_text (part ("add_entry")), ==, "");
  g_assert_false (gtk_widget_get_visible (part ("add_error")));
}

static void
test_change_role (void)
{
  g_assert_true (quorum_members_window_choose_role (server.window, server.zoe, "reviewer"));
  wait_role (server.zoe, "reviewer");
  /* tom's own row has no menu. */
  g_assert_false (quorum_members_window_choose_role (server.window, server.tom, "viewer"));
}

static void
test_remove_undo (void)
{
  AdwToast *toast;
  GVariant *target;
  gint64 user;
  const char *role;

  g_assert_null (quorum_members_window_get_undo_toast (server.window));
  activate ("members.remove", g_variant_new_int64 (server.zoe));
  wait_role (server.zoe, NULL);
  toast = quorum_members_window_get_undo_toast (server.window);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_action_name (toast), ==, "members.undo-remove");
  target = adw_toast_get_action_target_value (toast);
  g_variant_get (target, "(x&s)", &user, &role);
  g_assert_cmpint (user, ==, server.zoe);
  g_assert_cmpstr (role, ==, "reviewer");
  screenshot ("members-window");

  /* Undo, as the toast's button does: back with the old role, not the default. */
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (server.window), adw_toast_get_action_name (toast),
                                                     target));
  wait_role (server.zoe, "reviewer");
}

static gboolean
credential_shown (gpointer data)
{
  g_autoptr(JsonNode) reply = call (server.real.admin, "GET", NULL, "/projects/%" G_GINT64_FORMAT "/credentials",
                                    server.project);
  JsonArray *credentials = json_node_get_array (reply);

  server.credential = 0;
  for (guint i = 0; i < json_array_get_length (credentials); i++)
    {
      JsonObject *credential = json_array_get_object_element (credentials, i);

      if (g_strcmp0 (json_object_get_string_member (credential, "name"), CREDENTIAL) == 0)
        server.credential = json_object_get_int_member (credential, "id");
    }
  return window_idle (NULL) && server.credential != 0 &&
         quorum_members_window_get_credential (server.window) == server.credential;
}

static void
test_create_credential (void)
{
  adw_view_stack_set_visible_child_name (part ("view_stack"), "credentials");
  gtk_editable_set_text (part ("credential_name_entry"), CREDENTIAL);
  /* Markup characters in a description show as typed. */
  gtk_editable_set_text (part ("credential_description_entry"),
                         "Boxes drawn on streets after dark <and> in tunnels & car parks");
  activate ("members.create-credential", NULL);
  /* The new credential is the one shown, with nobody holding it yet. */
  g_assert_true (app_test_wait_until (credential_shown, NULL));
  g_assert_true (gtk_widget_get_visible (part ("holders_group")));
  g_assert_true (gtk_widget_get_visible (part ("grant_group")));
  g_assert_null (quorum_members_window_get_grant (server.window, server.zoe));
  g_assert_cmpstr (gtk_editable_get_text (part ("credential_name_entry")), ==, "");
  /* The group's description is markup, read back as the text it shows:
   * the admin's text shows as typed (unescaped, "<and>" would be a tag). */
  g_assert_cmpstr (adw_preferences_group_get_description (part ("credential_group")), ==,
                   "Boxes drawn on streets after dark <and> in tunnels & car parks");
}

static gboolean
granted (gpointer data)
{
  g_autoptr(JsonObject) grant = server_grant (server.zoe);
  JsonObject *shown = quorum_members_window_get_grant (server.window, server.zoe);

  return window_idle (NULL) && grant != NULL && !is_revoked (grant) && shown != NULL && !is_revoked (shown);
}

static void
test_grant (void)
{
  g_autoptr(JsonObject) grant = NULL;
  JsonObject *shown;

  g_assert_true (quorum_members_window_set_grant_member (server.window, server.zoe));
  gtk_editable_set_text (part ("grant_reason_entry"), GRANT_REASON);
  activate ("members.grant", NULL);
  g_assert_true (app_test_wait_until (granted, NULL));

  /* The server keeps the reason and who granted it; the window shows it. */
  grant = server_grant (server.zoe);
  g_assert_cmpstr (json_object_get_string_member (grant, "reason"), ==, GRANT_REASON);
  g_assert_cmpint (json_object_get_int_member (grant, "granted_by"), ==, server.tom);
  shown = quorum_members_window_get_grant (server.window, server.zoe);
  g_assert_cmpstr (json_object_get_string_member (shown, "reason"), ==, GRANT_REASON);
  /* A holder is no longer offered for a grant. */
  g_assert_false (quorum_members_window_set_grant_member (server.window, server.zoe));
}

static gboolean
revoked (gpointer data)
{
  g_autoptr(JsonObject) grant = server_grant (server.zoe);
  JsonObject *shown = quorum_members_window_get_grant (server.window, server.zoe);

  return window_idle (NULL) && grant != NULL && is_revoked (grant) && shown != NULL && is_revoked (shown);
}

static gboolean
dialog_shown (gpointer heading)
{
  return app_test_find_dialog (heading) != NULL;
}

static void
test_revoke (void)
{
  g_autofree char *heading = g_strdup_printf ("Revoke “%s” from %s?", CREDENTIAL, "zoe");
  g_autoptr(JsonObject) grant = NULL;
  GtkWidget *dialog;
  AdwToast *toast;

  /* Revoke asks why first; Cancel sends nothing. */
  activate ("members.revoke", g_variant_new_int64 (server.zoe));
  g_assert_true (app_test_wait_until (dialog_shown, heading));
  dialog = app_test_find_dialog (heading);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_close (GTK_WINDOW (dialog));
  app_test_iterate (100);
  grant = server_grant (server.zoe);
  g_assert_false (is_revoked (grant));
  g_clear_pointer (&grant, json_object_unref);

  activate ("members.revoke", g_variant_new_int64 (server.zoe));
  g_assert_true (app_test_wait_until (dialog_shown, heading));
  dialog = app_test_find_dialog (heading);
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog))),
                         REVOKE_REASON);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "revoke");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (app_test_wait_until (revoked, NULL));

  /* Both reasons kept on the server, with who revoked it. */
  grant = server_grant (server.zoe);
  g_assert_cmpstr (json_object_get_string_member (grant, "revoke_reason"), ==, REVOKE_REASON);
  g_assert_cmpstr (json_object_get_string_member (grant, "reason"), ==, GRANT_REASON);
  g_assert_cmpint (json_object_get_int_member (grant, "revoked_by"), ==, server.tom);
  /* The window lists it among the revoked, and offers Undo. */
  g_assert_true (gtk_widget_get_visible (part ("revoked_group")));
  g_assert_cmpstr (json_object_get_string_member (quorum_members_window_get_grant (server.window, server.zoe),
                                                  "revoke_reason"), ==, REVOKE_REASON);
  toast = quorum_members_window_get_undo_toast (server.window);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_action_name (toast), ==, "members.undo-revoke");
  /* zoe may be granted it again. */
  g_assert_true (quorum_members_window_set_grant_member (server.window, server.zoe));
}

static gboolean
ann_shown (gpointer data)
{
  return window_idle (NULL) && quorum_members_window_get_grant (server.window, server.ann) != NULL;
}

static void
test_grant_elsewhere (void)
{
  g_autofree char *body = g_strdup_printf ("{\"user\": %" G_GINT64_FORMAT ", \"reason\": \"" ELSEWHERE_REASON "\"}",
                                           server.ann);
  g_autoptr(JsonNode) reply = NULL;
  JsonObject *shown;

  /* A grant made elsewhere (quorumctl, another admin) shows at the next
   * refresh with its reason, as text even where it looks like markup. */
  g_assert_null (quorum_members_window_get_grant (server.window, server.ann));
  reply = call (server.real.admin, "POST", body, "/credentials/%" G_GINT64_FORMAT "/grants", server.credential);
  activate ("members.refresh", NULL);
  g_assert_true (app_test_wait_until (ann_shown, NULL));
  shown = quorum_members_window_get_grant (server.window, server.ann);
  g_assert_cmpstr (json_object_get_string_member (shown, "reason"), ==, ELSEWHERE_REASON);
  g_assert_false (is_revoked (shown));
  g_assert_true (is_revoked (quorum_members_window_get_grant (server.window, server.zoe)));
  screenshot ("members-window-credentials");
}

static gboolean
not_admin (gpointer data)
{
  return window_idle (NULL) && !quorum_members_window_get_can_manage (server.window) &&
         g_strcmp0 (quorum_members_window_get_member_role (server.window, server.tom), "editor") == 0;
}

static void
test_not_admin (void)
{
  g_autoptr(QuorumClient) tom = app_test_server_sign_in (&server.real, "tom",
                                                         app_test_demo_password (server.demo, "tom"));
  g_autoptr(JsonNode) body = json_node_init_object (json_node_alloc (), json_object_new ());
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  /* tom becomes an editor: the window, refreshed, hides what he may no longer do. */
  g_autoptr(JsonNode) set = call (server.real.admin, "PUT", "{\"role\": \"editor\"}",
                                  "/projects/%" G_GINT64_FORMAT "/members/%" G_GINT64_FORMAT, server.project,
                                  server.tom);
  activate ("members.refresh", NULL);
  g_assert_true (app_test_wait_until (not_admin, NULL));
  g_assert_false (gtk_widget_get_visible (part ("add_group")));
  g_assert_false (gtk_widget_get_visible (part ("create_group")));
  g_assert_false (gtk_widget_get_visible (part ("grant_group")));
  g_assert_false (gtk_widget_get_visible (part ("holders_group")));
  g_assert_false (gtk_widget_get_visible (part ("revoked_group")));
  g_assert_cmpuint (count_admin_controls (part ("view_stack")), ==, 0);
  /* He still sees the members and their roles, and the credential. */
  g_assert_cmpstr (quorum_members_window_get_member_role (server.window, server.zoe), ==, "reviewer");
  g_assert_cmpint (quorum_members_window_get_credential (server.window), ==, server.credential);

  /* The server refuses what the window no longer offers. */
  json_object_set_string_member (json_node_get_object (body), "role", "viewer");
  path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/members/%" G_GINT64_FORMAT, server.project, server.zoe);
  reply = quorum_client_call_sync (tom, "PUT", path, body, NULL, &error);
  g_assert_null (reply);
  g_assert_nonnull (error);
  g_assert_true (g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_FORBIDDEN));
  gtk_window_destroy (GTK_WINDOW (server.window));
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
  int status;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("no display: run under xvfb-run (make test does)\n");
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }

  app_test_server_make_home (&server.real, "quorum-members-window-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app_test_server_start (&server.real, ROOT_PASSWORD);
  server.demo = app_test_server_run_demo (&server.real);
  job = call (server.real.admin, "GET", NULL, "/jobs/%" G_GINT64_FORMAT,
              app_test_demo_job_id (server.demo, "Street scenes — consensus"));
  server.project = json_object_get_int_member (json_node_get_object (job), "project");
  server.tom = app_test_demo_user_id (server.demo, "tom");
  server.ann = app_test_demo_user_id (server.demo, "ann");
  server.zoe = app_test_call_id (server.real.admin, "POST", "/users",
                                 "{\"name\": \"zoe\", \"password\": \"zoe-password\"}");

  app_test_server_open_window (&server.real, 1200, 760);
  gtk_editable_set_text (app_test_child (server.real.window, "server_row"), server.real.address);
  gtk_editable_set_text (app_test_child (server.real.window, "user_row"), "tom");
  gtk_editable_set_text (app_test_child (server.real.window, "password_row"),
                         app_test_demo_password (server.demo, "tom"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server.real.window), "win.sign-in", NULL));
  g_assert_true (app_test_wait_until (work_shown, NULL));

  g_test_add_func ("/members-window/open", test_open);
  g_test_add_func ("/members-window/add", test_add);
  g_test_add_func ("/members-window/change-role", test_change_role);
  g_test_add_func ("/members-window/remove-undo", test_remove_undo);
  g_test_add_func ("/members-window/create-credential", test_create_credential);
  g_test_add_func ("/members-window/grant", test_grant);
  g_test_add_func ("/members-window/revoke", test_revoke);
  g_test_add_func ("/members-window/grant-elsewhere", test_grant_elsewhere);
  g_test_add_func ("/members-window/not-admin", test_not_admin);
  status = g_test_run ();

  g_clear_pointer (&server.demo, json_object_unref);
  app_test_server_stop (&server.real);
  return status;
}
