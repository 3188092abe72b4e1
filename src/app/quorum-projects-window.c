/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-client.h"
#include "quorum-error.h"
#include "quorum-file-browser.h"
#include "quorum-guide-editor.h"
#include "quorum-job-assistant.h"
#include "quorum-job-overview.h"
#include "quorum-label-editor.h"
#include "quorum-members-window.h"
#include "quorum-projects-window.h"
#include "quorum-session.h"

/* ---- the tools of a project ------------------------------------------------------------------ */

typedef GtkWindow *(*ToolOpen) (QuorumWindow *window,
                                gint64        project,
                                const char   *project_name);

static GtkWindow *
open_labels (QuorumWindow *window,
             gint64        project,
             const char   *project_name)
{
  return GTK_WINDOW (quorum_label_editor_new (window, project, project_name));
}

static GtkWindow *
open_guides (QuorumWindow *window,
             gint64        project,
             const char   *project_name)
{
  return GTK_WINDOW (quorum_guide_editor_new (window, project, project_name));
}

static GtkWindow *
open_files (QuorumWindow *window,
            gint64        project,
            const char   *project_name)
{
  return GTK_WINDOW (quorum_file_browser_new (window, project, project_name));
}

static GtkWindow *
open_new_job (QuorumWindow *window,
              gint64        project,
              const char   *project_name)
{
  return GTK_WINDOW (quorum_job_assistant_new (window, project, project_name));
}

static GtkWindow *
open_members (QuorumWindow *window,
              gint64        project,
              const char   *project_name)
{
  return GTK_WINDOW (quorum_members_window_new (window, project, project_name));
}

/* The least role of the project that may use a tool, as the server checks
 * it (docs/api.md), by rank: viewer 1, annotator 2, reviewer 3, editor 4,
 * admin 5. */
typedef struct {
  const char *name;
  const char *title;
  const char *subtitle;
  const char *icon;
  int         rank;
  ToolOpen    open;
} Tool;

static const Tool tools[] = {
  /* viewers browse the files; uploading is for editors and admins (the window says) */
  { "files", N_("Files"), N_("Images and videos: add them, browse them"), "folder-pictures-symbolic", 1,
    open_files },
  { "labels", N_("Label Schema"), N_("Labels, their kinds, colours and attributes"), "view-list-bullet-symbolic", 5,
    open_labels },
  { "guides", N_("Guides"), N_("What annotators and reviewers read, with pictures"), "accessories-dictionary-symbolic",
    4, open_guides },
  { "new-job", N_("New Job…"), N_("Its settings, its files, then launch"), "document-new-symbolic", 4,
    open_new_job },
  /* viewers see who is in the project; its admins change it (the window hides the rest) */
  { "members", N_("Members and Credentials"), N_("Roles, and who holds which credential and why"),
    "system-users-symbolic", 1, open_members },
};

static int
role_rank (const char *role)
{
  static const char *const roles[] = { "viewer", "annotator", "reviewer", "editor", "admin", NULL };

  for (int i = 0; roles[i] != NULL; i++)
    if (g_strcmp0 (role, roles[i]) == 0)
      return i + 1;
  return 0;
}

static const char *
role_title (const char *role)
{
  switch (role_rank (role))
    {
    case 1: return _("Viewer");
    case 2: return _("Annotator");
    case 3: return _("Reviewer");
    case 4: return _("Editor");
    case 5: return _("Project admin");
    default: return _("No role");
    }
}

static const Tool *
find_tool (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    if (g_str_equal (tools[i].name, name))
      return &tools[i];
  return NULL;
}

/* ---- the window ------------------------------------------------------------------------------ */

typedef struct {
  QuorumProjectsWindow *owner;      /* not owned */
  gint64                id;
  char                 *name;
  char                 *role;
  AdwExpanderRow       *row;
  GPtrArray            *job_rows;   /* the rows of its jobs, once read */
  GCancellable         *cancellable;
} Project;

struct _QuorumProjectsWindow
{
  AdwWindow             parent_instance;

  /* the template */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *error_page;
  AdwStatusPage        *empty_page;
  GtkWidget            *new_button;
  GtkWidget            *empty_new_button;
  GtkListBox           *project_list;

  QuorumWindow         *window;      /* weak */
  QuorumSession        *session;
  GCancellable         *cancellable;
  GPtrArray            *projects;    /* Project */
  gboolean              admin;       /* a server administrator: creates projects */
  JsonArray            *orgs;        /* GET /orgs, for an administrator: a new project's organization */
  int                   loading;
  gint64                expand;      /* a project to show open once listed */
};

G_DEFINE_FINAL_TYPE (QuorumProjectsWindow, quorum_projects_window, ADW_TYPE_WINDOW)

static void
project_free (Project *project)
{
  g_cancellable_cancel (project->cancellable);
  g_clear_object (&project->cancellable);
  g_free (project->name);
  g_free (project->role);
  g_clear_pointer (&project->job_rows, g_ptr_array_unref);
  g_free (project);
}

static void
show_toast (QuorumProjectsWindow *self,
            const char           *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static Project *
find_project (QuorumProjectsWindow *self,
              gint64                id)
{
  for (guint i = 0; i < self->projects->len; i++)
    {
      Project *project = g_ptr_array_index (self->projects, i);

      if (project->id == id)
        return project;
    }
  return NULL;
}

static gboolean
may_use (const Project *project,
         const Tool    *tool)
{
  return role_rank (project->role) >= tool->rank;
}

/* A window of the project's, which acts with this session: it closes
 * with it, as the trainer's windows do (_quorum_window_close_exam_windows). */
static void
present_session_window (GtkWindow *window)
{
  g_object_set_data (G_OBJECT (window), "quorum-session-window", GINT_TO_POINTER (TRUE));
  gtk_window_set_destroy_with_parent (window, TRUE);
  gtk_window_present (window);
}

GtkWindow *
quorum_projects_window_open_tool (QuorumProjectsWindow *self,
                                  gint64                id,
                                  const char           *name)
{
  Project *project;
  const Tool *tool;
  GtkWindow *window;

  g_return_val_if_fail (QUORUM_IS_PROJECTS_WINDOW (self), NULL);

  project = find_project (self, id);
  tool = find_tool (name);
  if (project == NULL || tool == NULL || !may_use (project, tool) || self->window == NULL ||
      quorum_window_get_session (self->window) == NULL)
    return NULL;
  window = tool->open (self->window, project->id, project->name);
  present_session_window (window);
  return window;
}

gboolean
quorum_projects_window_has_tool (QuorumProjectsWindow *self,
                                 gint64                id,
                                 const char           *name)
{
  Project *project;
  const Tool *tool;

  g_return_val_if_fail (QUORUM_IS_PROJECTS_WINDOW (self), FALSE);

  project = find_project (self, id);
  tool = find_tool (name);
  return project != NULL && tool != NULL && may_use (project, tool);
}

static void
on_tool_activated (AdwActionRow *row,
                   Project      *project)
{
  quorum_projects_window_open_tool (project->owner, project->id,
                                    g_object_get_data (G_OBJECT (row), "quorum-tool"));
}

/* ---- a project's jobs ------------------------------------------------------------------------ */

static void
on_job_activated (AdwActionRow *row,
                  Project      *project)
{
  QuorumProjectsWindow *self = project->owner;
  gint64 job = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "quorum-job"));

  if (self->window == NULL || quorum_window_get_session (self->window) == NULL)
    return;
  present_session_window (GTK_WINDOW (quorum_job_overview_new (self->window, job,
                                                               adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                                                               project->id,
                                                               role_rank (project->role) >= 5)));
}

static const char *
job_state_title (const char *state)
{
  if (g_strcmp0 (state, "draft") == 0)
    return _("Draft");
  if (g_strcmp0 (state, "launched") == 0)
    return _("Launched");
  if (g_strcmp0 (state, "complete") == 0)
    return _("Complete");
  if (g_strcmp0 (state, "cancelled") == 0)
    return _("Cancelled");
  if (g_strcmp0 (state, "closed") == 0)
    return _("Closed");
  return state != NULL ? state : "";
}

static void
clear_job_rows (Project *project)
{
  if (project->job_rows == NULL)
    return;
  for (guint i = 0; i < project->job_rows->len; i++)
    adw_expander_row_remove (project->row, g_ptr_array_index (project->job_rows, i));
  g_ptr_array_set_size (project->job_rows, 0);
}

static void
add_job_row (Project    *project,
             const char *title,
             const char *subtitle,
             gint64      job)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (job > 0)
    {
      g_object_set_data (G_OBJECT (row), "quorum-job", GSIZE_TO_POINTER (job));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "task-due-symbolic");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      g_signal_connect (row, "activated", G_CALLBACK (on_job_activated), project);
    }
  adw_expander_row_add_row (project->row, row);
  g_ptr_array_add (project->job_rows, row);
}

typedef struct {
  QuorumProjectsWindow *self;
  gint64                project;
} JobsCall;

static void
got_jobs (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  JobsCall *call = user_data;
  g_autoptr(QuorumProjectsWindow) self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) jobs = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  Project *project = find_project (self, call->project);
  JsonArray *array;

  g_free (call);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || project == NULL)
    return;
  clear_job_rows (project);
  if (jobs == NULL || !JSON_NODE_HOLDS_ARRAY (jobs))
    {
      g_autofree char *why = error != NULL ? quorum_error_to_sentence (error->message) : NULL;

      add_job_row (project, _("The jobs could not be read"), why != NULL ? why : "", 0);
      return;
    }
  array = json_node_get_array (jobs);
  if (json_array_get_length (array) == 0)
    add_job_row (project, _("No jobs yet"),
                 role_rank (project->role) >= 4 ? _("Create one with New Job once the project has files and labels")
                                                : _("An editor of the project creates them"), 0);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *job = json_array_get_object_element (array, i);
      JsonObject *settings = json_object_get_object_member (job, "settings");
      const char *name = json_object_get_string_member_with_default (job, "name", NULL);
      const char *type = settings != NULL ? json_object_get_string_member_with_default (settings, "type", "normal")
                                          : "normal";
      g_autofree char *subtitle = NULL;

      if (name == NULL && settings != NULL)
        name = json_object_get_string_member_with_default (settings, "name", NULL);
      subtitle = g_strdup_printf ("%s · %s", g_str_equal (type, "exam") ? _("Exam") : _("Annotation"),
                                  job_state_title (json_object_get_string_member_with_default (job, "state", NULL)));
      add_job_row (project, name != NULL ? name : _("Unnamed job"), subtitle,
                   json_object_get_int_member_with_default (job, "id", 0));
    }
}

static void
load_jobs (Project *project)
{
  QuorumProjectsWindow *self = project->owner;
  g_autofree char *path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/jobs", project->id);
  JobsCall *call = g_new0 (JobsCall, 1);

  g_cancellable_cancel (project->cancellable);
  g_clear_object (&project->cancellable);
  project->cancellable = g_cancellable_new ();
  call->self = g_object_ref (self);
  call->project = project->id;
  quorum_client_call_async (quorum_session_get_client (self->session), "GET", path, NULL,
                            project->cancellable, got_jobs, call);
}

static void
on_expanded (AdwExpanderRow *row,
             GParamSpec     *pspec,
             Project        *project)
{
  /* read again each time it opens: jobs are created from other windows */
  if (adw_expander_row_get_expanded (row))
    load_jobs (project);
}

/* ---- the list -------------------------------------------------------------------------------- */

static void
add_project_row (QuorumProjectsWindow *self,
                 Project              *project)
{
  GtkWidget *row = adw_expander_row_new ();

  project->row = ADW_EXPANDER_ROW (row);
  project->job_rows = g_ptr_array_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), project->name);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), role_title (project->role));
  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      GtkWidget *tool_row;

      if (!may_use (project, &tools[i]))
        continue;
      tool_row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (tool_row), _(tools[i].title));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (tool_row), _(tools[i].subtitle));
      adw_action_row_set_icon_name (ADW_ACTION_ROW (tool_row), tools[i].icon);
      adw_action_row_add_suffix (ADW_ACTION_ROW (tool_row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (tool_row), TRUE);
      g_object_set_data (G_OBJECT (tool_row), "quorum-tool", (gpointer) tools[i].name);
      g_signal_connect (tool_row, "activated", G_CALLBACK (on_tool_activated), project);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), tool_row);
    }
  g_signal_connect (row, "notify::expanded", G_CALLBACK (on_expanded), project);
  gtk_list_box_append (self->project_list, row);
}

static void
clear_projects (QuorumProjectsWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->project_list))) != NULL)
    gtk_list_box_remove (self->project_list, child);
  g_ptr_array_set_size (self->projects, 0);
}

static void
show_projects (QuorumProjectsWindow *self,
               JsonArray            *array)
{
  clear_projects (self);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      Project *project;

      if (object == NULL)
        continue;
      project = g_new0 (Project, 1);
      project->owner = self;
      project->id = json_object_get_int_member_with_default (object, "id", 0);
      project->name = g_strdup (json_object_get_string_member_with_default (object, "name", ""));
      project->role = g_strdup (json_object_get_string_member_with_default (object, "role", NULL));
      g_ptr_array_add (self->projects, project);
      add_project_row (self, project);
      if (project->id == self->expand)
        adw_expander_row_set_expanded (project->row, TRUE);
    }
  self->expand = 0;
  if (self->projects->len > 0)
    gtk_stack_set_visible_child_name (self->stack, "list");
  else
    {
      adw_status_page_set_description (self->empty_page,
                                       self->admin ? _("Create a project, then add its files, labels, guides and jobs.")
                                                   : _("You are not a member of any project yet. "
                                                       "A project admin adds you to theirs."));
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
}

static void
loaded (QuorumProjectsWindow *self)
{
  if (--self->loading > 0)
    return;
  gtk_spinner_stop (self->spinner);
}

static void
got_orgs (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(QuorumProjectsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) orgs = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_pointer (&self->orgs, json_array_unref);
  /* without them a project is made without an organization, as before */
  if (orgs != NULL && JSON_NODE_HOLDS_ARRAY (orgs))
    self->orgs = json_array_ref (json_node_get_array (orgs));
  loaded (self);
}

static void
got_me (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(QuorumProjectsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) me = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->admin = me != NULL && JSON_NODE_HOLDS_OBJECT (me) &&
                json_object_get_boolean_member_with_default (json_node_get_object (me), "admin", FALSE);
  gtk_widget_set_visible (self->new_button, self->admin);
  gtk_widget_set_visible (self->empty_new_button, self->admin);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "projects.new", self->admin);
  if (self->admin)
    {
      self->loading++;
      quorum_client_call_async (QUORUM_CLIENT (source), "GET", "/orgs", NULL, self->cancellable, got_orgs,
                                g_object_ref (self));
    }
  loaded (self);
}

static void
got_projects (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(QuorumProjectsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) projects = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (projects == NULL || !JSON_NODE_HOLDS_ARRAY (projects))
    {
      g_autofree char *why = quorum_error_to_sentence (error != NULL ? error->message
                                                                     : _("the server sent no list"));

      adw_status_page_set_description (self->error_page, why);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
  else
    show_projects (self, json_node_get_array (projects));
  loaded (self);
}

static void
load (QuorumProjectsWindow *self)
{
  QuorumClient *client = quorum_session_get_client (self->session);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading = 2;
  gtk_spinner_start (self->spinner);
  if (self->projects->len == 0)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  quorum_client_call_async (client, "GET", "/me", NULL, self->cancellable, got_me, g_object_ref (self));
  quorum_client_call_async (client, "GET", "/projects", NULL, self->cancellable, got_projects,
                            g_object_ref (self));
}

void
quorum_projects_window_refresh (QuorumProjectsWindow *self)
{
  g_return_if_fail (QUORUM_IS_PROJECTS_WINDOW (self));
  load (self);
}

gboolean
quorum_projects_window_get_loading (QuorumProjectsWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_PROJECTS_WINDOW (self), FALSE);
  return self->loading > 0;
}

guint
quorum_projects_window_get_n_projects (QuorumProjectsWindow *self)
{
  g_return_val_if_fail (QUORUM_IS_PROJECTS_WINDOW (self), 0);
  return self->projects->len;
}

gint64
quorum_projects_window_find_project (QuorumProjectsWindow *self,
                                     const char           *name)
{
  g_return_val_if_fail (QUORUM_IS_PROJECTS_WINDOW (self), 0);

  for (guint i = 0; i < self->projects->len; i++)
    {
      Project *project = g_ptr_array_index (self->projects, i);

      if (g_strcmp0 (project->name, name) == 0)
        return project->id;
    }
  return 0;
}

/* ---- a new project --------------------------------------------------------------------------- */

static void
created (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(QuorumProjectsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) project = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  loaded (self);
  if (project == NULL || !JSON_NODE_HOLDS_OBJECT (project))
    {
      g_autofree char *why = quorum_error_to_sentence (error != NULL ? error->message
                                                                     : _("the server sent no project"));

      message = g_strdup_printf (_("The project was not created. %s"), why);
      show_toast (self, message);
      return;
    }
  self->expand = json_object_get_int_member_with_default (json_node_get_object (project), "id", 0);
  message = g_strdup_printf (_("Project “%s” created"),
                             json_object_get_string_member_with_default (json_node_get_object (project), "name", ""));
  show_toast (self, message);
  load (self);
}

void
quorum_projects_window_create_project (QuorumProjectsWindow *self,
                                       const char           *name,
                                       gint64                org)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (name != NULL ? name : ""));

  g_return_if_fail (QUORUM_IS_PROJECTS_WINDOW (self));

  if (trimmed[0] == '\0')
    {
      show_toast (self, _("A project needs a name."));
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, trimmed);
  if (org > 0)
    {
      json_builder_set_member_name (builder, "org");
      json_builder_add_int_value (builder, org);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  self->loading++;
  gtk_spinner_start (self->spinner);
  quorum_client_call_async (quorum_session_get_client (self->session), "POST", "/projects", body,
                            self->cancellable, created, g_object_ref (self));
}

static void
on_name_changed (GtkEditable      *entry,
                 AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "create", text[0] != '\0');
}

static void
on_new_response (AdwMessageDialog     *dialog,
                 const char           *response,
                 QuorumProjectsWindow *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "quorum-name");
  GtkDropDown *org = g_object_get_data (G_OBJECT (dialog), "quorum-org");
  guint chosen = gtk_drop_down_get_selected (org);
  gint64 org_id = 0;

  /* the first choice is no organization */
  if (chosen != GTK_INVALID_LIST_POSITION && chosen > 0 && self->orgs != NULL &&
      chosen - 1 < json_array_get_length (self->orgs))
    org_id = json_object_get_int_member_with_default (json_array_get_object_element (self->orgs, chosen - 1),
                                                      "id", 0);
  if (g_str_equal (response, "create"))
    quorum_projects_window_create_project (self, gtk_editable_get_text (entry), org_id);
}

static void
new_project (QuorumProjectsWindow *self)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("New Project"),
                                              _("Its files, labels, guides and jobs are added once it exists. "
                                                "You become its project admin."));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *entry = gtk_entry_new ();
  GtkStringList *org_names = gtk_string_list_new (NULL);
  GtkWidget *org;

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Name, such as “Chest X-rays”"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Name"), -1);
  /* A job shared to the organization reaches its members (docs/api.md, Job shares). */
  gtk_string_list_append (org_names, _("No organization"));
  for (guint i = 0; self->orgs != NULL && i < json_array_get_length (self->orgs); i++)
    {
      JsonObject *object = json_array_get_object_element (self->orgs, i);
      g_autofree char *title = g_strdup_printf (_("Organization: %s"),
                                                json_object_get_string_member_with_default (object, "name", ""));

      gtk_string_list_append (org_names, title);
    }
  org = gtk_drop_down_new (G_LIST_MODEL (org_names), NULL);
  gtk_widget_set_tooltip_text (org, _("Jobs shared to the organization reach its members"));
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), org);
  g_object_set_data (G_OBJECT (dialog), "quorum-name", entry);
  g_object_set_data (G_OBJECT (dialog), "quorum-org", org);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "create", _("C_reate"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "create", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "create");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "create", FALSE);
  g_signal_connect (entry, "changed", G_CALLBACK (on_name_changed), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (on_new_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
projects_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  QuorumProjectsWindow *self = QUORUM_PROJECTS_WINDOW (widget);

  if (g_str_equal (action_name, "projects.new"))
    new_project (self);
  else
    load (self);
}

/* ---- GObject --------------------------------------------------------------------------------- */

static void
quorum_projects_window_dispose (GObject *object)
{
  QuorumProjectsWindow *self = QUORUM_PROJECTS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_weak_pointer (&self->window);
  G_OBJECT_CLASS (quorum_projects_window_parent_class)->dispose (object);
}

static void
quorum_projects_window_finalize (GObject *object)
{
  QuorumProjectsWindow *self = QUORUM_PROJECTS_WINDOW (object);

  g_ptr_array_unref (self->projects);
  g_clear_pointer (&self->orgs, json_array_unref);
  G_OBJECT_CLASS (quorum_projects_window_parent_class)->finalize (object);
}

static void
quorum_projects_window_class_init (QuorumProjectsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_projects_window_dispose;
  object_class->finalize = quorum_projects_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-projects-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumProjectsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QuorumProjectsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumProjectsWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, QuorumProjectsWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumProjectsWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumProjectsWindow, new_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumProjectsWindow, empty_new_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumProjectsWindow, project_list);

  gtk_widget_class_install_action (widget_class, "projects.new", NULL, projects_action);
  gtk_widget_class_install_action (widget_class, "projects.refresh", NULL, projects_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "projects.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "projects.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
quorum_projects_window_init (QuorumProjectsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->projects = g_ptr_array_new_with_free_func ((GDestroyNotify) project_free);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "projects.new", FALSE);
}

QuorumProjectsWindow *
quorum_projects_window_new (QuorumWindow *window)
{
  QuorumProjectsWindow *self;

  g_return_val_if_fail (QUORUM_IS_WINDOW (window), NULL);
  g_return_val_if_fail (quorum_window_get_session (window) != NULL, NULL);

  self = g_object_new (QUORUM_TYPE_PROJECTS_WINDOW, "transient-for", window, NULL);
  g_set_weak_pointer (&self->window, window);
  self->session = g_object_ref (quorum_window_get_session (window));
  load (self);
  return self;
}
