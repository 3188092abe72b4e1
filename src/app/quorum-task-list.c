/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-error.h"
#include "quorum-task-list.h"
#include "quorum-image-loader.h"
#include "quorum-task-row.h"

struct _QuorumTaskList
{
  GtkWidget           parent_instance;

  GtkWidget          *box;             /* bound so that dispose unparents it */
  GtkStack           *task_list_stack;
  GtkListView        *task_list;
  GtkToggleButton    *todo_button;
  GtkToggleButton    *done_button;
  AdwStatusPage      *done_empty_page;

  QuorumSession      *session;
  GCancellable       *cancellable;     /* of the session's calls */
  GCancellable       *refresh;         /* of the refresh under way: a new one replaces it */
  GListStore         *jobs;            /* of QuorumJobItem */
  GtkTreeListModel   *tree;
  GtkSingleSelection *selection;
  JsonNode           *jobs_reply;      /* GET /jobs, while GET /me/tasks is on its way */
  gint64              selected_task;
  gboolean            selecting;
  GSimpleActionGroup *actions;         /* "queue", on the window while rooted */
};

G_DEFINE_FINAL_TYPE (QuorumTaskList, quorum_task_list, GTK_TYPE_WIDGET)

enum {
  TASK_ACTIVATED,
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GListModel *
create_job_children (gpointer item,
                     gpointer user_data)
{
  if (QUORUM_IS_JOB_ITEM (item))
    return g_object_ref (G_LIST_MODEL (quorum_job_item_get_tasks (item)));
  return NULL;
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  gtk_list_item_set_child (list_item, quorum_task_row_new ());
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          gpointer                  user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  gpointer item = gtk_tree_list_row_get_item (row);
  gboolean is_task = QUORUM_IS_TASK_ITEM (item);

  gtk_list_item_set_selectable (list_item, is_task);
  gtk_list_item_set_activatable (list_item, is_task);
  quorum_task_row_set_list_row (QUORUM_TASK_ROW (gtk_list_item_get_child (list_item)), row);
  g_object_unref (item);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  user_data)
{
  quorum_task_row_set_list_row (QUORUM_TASK_ROW (gtk_list_item_get_child (list_item)), NULL);
}

QuorumJobItem *
quorum_task_list_find_job (QuorumTaskList *self,
                           gint64          job_id)
{
  g_return_val_if_fail (QUORUM_IS_TASK_LIST (self), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->jobs)); i++)
    {
      g_autoptr(QuorumJobItem) job = g_list_model_get_item (G_LIST_MODEL (self->jobs), i);

      if (quorum_job_item_get_id (job) == job_id)
        return job;  /* the store keeps its reference */
    }
  return NULL;
}

static QuorumTaskItem *
find_task_row (QuorumTaskList *self,
               gint64          task_id,
               guint          *position)
{
  GListModel *rows = G_LIST_MODEL (self->tree);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (QUORUM_IS_TASK_ITEM (item) && quorum_task_item_get_id (QUORUM_TASK_ITEM (item)) == task_id)
        {
          if (position != NULL)
            *position = i;
          return QUORUM_TASK_ITEM (item);  /* its job's store keeps it */
        }
    }
  return NULL;
}

QuorumTaskItem *
quorum_task_list_find_task (QuorumTaskList *self,
                            gint64          task_id)
{
  g_return_val_if_fail (QUORUM_IS_TASK_LIST (self), NULL);
  return find_task_row (self, task_id, NULL);
}

void
quorum_task_list_select_task (QuorumTaskList *self,
                              gint64          task_id)
{
  guint position = GTK_INVALID_LIST_POSITION;

  g_return_if_fail (QUORUM_IS_TASK_LIST (self));
  self->selected_task = task_id;
  self->selecting = TRUE;
  if (task_id == 0 || find_task_row (self, task_id, &position) == NULL)
    position = GTK_INVALID_LIST_POSITION;
  gtk_single_selection_set_selected (self->selection, position);
  self->selecting = FALSE;
}

static void
on_selection_changed (QuorumTaskList *self)
{
  g_autoptr(GObject) item = NULL;
  GtkTreeListRow *row;
  gint64 task_id;

  if (self->selecting)
    return;
  row = gtk_single_selection_get_selected_item (self->selection);
  if (row == NULL)
    return;
  item = gtk_tree_list_row_get_item (row);
  if (!QUORUM_IS_TASK_ITEM (item))
    return;
  task_id = quorum_task_item_get_id (QUORUM_TASK_ITEM (item));
  if (task_id != self->selected_task)
    {
      self->selected_task = task_id;
      g_signal_emit (self, signals[TASK_ACTIVATED], 0, task_id);
    }
}

/* ---- thumbnails ----------------------------------------------------------------- */

static void
thumbnail_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(QuorumTaskItem) item = user_data;
  g_autoptr(GdkTexture) texture = quorum_image_loader_load_scaled_finish (result, NULL);

  if (texture != NULL)
    quorum_task_item_set_thumbnail (item, GDK_PAINTABLE (texture));
}

/* Thumbnails come only from media already in the cache: the list never
 * downloads every file. */
static void
load_thumbnail (QuorumTaskList *self,
                QuorumTaskItem *item)
{
  g_autofree char *path = NULL;

  if (self->session == NULL || quorum_task_item_get_thumbnail (item) != NULL)
    return;
  path = quorum_cache_get_media_path (quorum_session_get_cache (self->session), quorum_task_item_get_file (item));
  /* A file not in the cache fails in the worker, quietly. Decoded at
   * thumbnail size: a 50-megapixel JPEG at 1/8 scale. */
  quorum_image_loader_load_scaled_async (path, QUORUM_THUMBNAIL_WIDTH, QUORUM_THUMBNAIL_HEIGHT, self->cancellable,
                                         thumbnail_done, g_object_ref (item));
}

/* ---- filling the list ------------------------------------------------------------ */

/* @listed: the job's entry of GET /jobs, or %NULL for a job known from its
 * tasks only. */
static QuorumJobItem *
add_job (QuorumTaskList *self,
         gint64          id,
         const char     *name,
         const char     *role,
         JsonObject     *listed)
{
  QuorumJobItem *job = quorum_task_list_find_job (self, id);

  if (job == NULL)
    {
      g_autoptr(QuorumJobItem) created = quorum_job_item_new (id, name, role);

      /* Before the list shows it: its row builds the job's menu from them. */
      if (listed != NULL)
        {
          quorum_job_item_set_project (created, json_object_get_int_member_with_default (listed, "project", 0),
                                       json_object_get_string_member_with_default (listed, "project_name", NULL));
          quorum_job_item_set_job_type (created, json_object_get_string_member_with_default (listed, "type",
                                                                                              "normal"));
          quorum_job_item_set_counts (created, listed);
        }
      g_list_store_append (self->jobs, created);
      job = created;
    }
  return job;
}

/* Builds the list from GET /jobs (nullable: offline) and GET /me/tasks. */
static void
fill (QuorumTaskList *self,
      JsonNode       *jobs,
      JsonNode       *tasks)
{
  g_autoptr(GHashTable) thumbnails = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                            g_object_unref);

  /* Keep the thumbnails made already. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->jobs)); i++)
    {
      g_autoptr(QuorumJobItem) job = g_list_model_get_item (G_LIST_MODEL (self->jobs), i);
      GListModel *list = G_LIST_MODEL (quorum_job_item_get_tasks (job));

      for (guint j = 0; j < g_list_model_get_n_items (list); j++)
        {
          g_autoptr(QuorumTaskItem) task = g_list_model_get_item (list, j);
          GdkPaintable *thumbnail = quorum_task_item_get_thumbnail (task);

          if (thumbnail != NULL)
            g_hash_table_replace (thumbnails, g_memdup2 (&(gint64) { quorum_task_item_get_file (task) },
                                                         sizeof (gint64)),
                                  g_object_ref (thumbnail));
        }
    }

  g_list_store_remove_all (self->jobs);
  if (jobs != NULL && JSON_NODE_HOLDS_ARRAY (jobs))
    {
      JsonArray *array = json_node_get_array (jobs);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *job = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;

          const char *state, *role, *type;

          if (job == NULL)
            continue;
          state = json_object_get_string_member_with_default (job, "state", "");
          role = json_object_get_string_member_with_default (job, "role", NULL);
          type = json_object_get_string_member_with_default (job, "type", "normal");
          /* A closed exam stays for its trainers: its attempts are still
           * reviewed and decided. */
          if (g_strcmp0 (state, "launched") != 0 &&
              !(g_strcmp0 (state, "complete") == 0 && g_strcmp0 (type, "exam") == 0 &&
                (g_strcmp0 (role, "editor") == 0 || g_strcmp0 (role, "admin") == 0)))
            continue;
          add_job (self, json_object_get_int_member_with_default (job, "id", 0),
                   json_object_get_string_member_with_default (job, "name", ""), role, job);
        }
    }
  if (tasks != NULL && JSON_NODE_HOLDS_ARRAY (tasks))
    {
      JsonArray *array = json_node_get_array (tasks);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          g_autoptr(QuorumTaskItem) task = NULL;
          QuorumJobItem *job;
          GdkPaintable *thumbnail;
          gint64 file;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          task = quorum_task_item_new (json_node_get_object (element));
          job = add_job (self, quorum_task_item_get_job (task), quorum_task_item_get_job_name (task), NULL, NULL);
          file = quorum_task_item_get_file (task);
          thumbnail = g_hash_table_lookup (thumbnails, &file);
          if (thumbnail != NULL)
            quorum_task_item_set_thumbnail (task, thumbnail);
          else
            load_thumbnail (self, task);
          g_list_store_append (quorum_job_item_get_tasks (job), task);
        }
    }
  gtk_stack_set_visible_child_name (self->task_list_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->jobs)) > 0 ? "list"
                                    : gtk_toggle_button_get_active (self->done_button) ? "done-empty" : "empty");
  quorum_task_list_select_task (self, self->selected_task);
}

static void
got_my_tasks (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(QuorumTaskList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) tasks = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  g_autoptr(JsonNode) jobs = NULL;
  QuorumCache *cache;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->session == NULL)
    return;
  cache = quorum_session_get_cache (self->session);
  jobs = g_steal_pointer (&self->jobs_reply);
  if (tasks != NULL)
    {
      g_autoptr(GError) cache_error = NULL;

      if (!quorum_cache_store_my_tasks (cache, tasks, &cache_error))
        g_warning ("The task list could not be kept for offline work: %s", cache_error->message);
    }
  else
    {
      /* Offline (or refused): the list as it was last seen. */
      if (!g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNREACHABLE) &&
          !g_error_matches (error, QUORUM_ERROR, QUORUM_ERROR_UNAUTHORIZED))
        g_signal_emit (self, signals[MESSAGE], 0, error->message);
      tasks = quorum_cache_get_my_tasks (cache, NULL);
    }
  fill (self, jobs, tasks);
}

static void
got_done_tasks (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(QuorumTaskList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) tasks = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->session == NULL)
    return;
  /* Finished work is not kept for offline: say so instead of "nothing". */
  adw_status_page_set_description (self->done_empty_page,
                                   tasks != NULL ? _("The tasks you submit are listed here. Choose To Do to start one.")
                                                 : _("Your finished tasks are listed while connected to the server."));
  fill (self, NULL, tasks);
}

static void
got_jobs (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(QuorumTaskList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) jobs = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->session == NULL)
    return;
  g_clear_pointer (&self->jobs_reply, json_node_unref);
  self->jobs_reply = g_steal_pointer (&jobs);
  quorum_client_call_async (quorum_session_get_client (self->session), "GET", "/me/tasks", NULL,
                            self->refresh, got_my_tasks, g_object_ref (self));
}

/* GET /jobs, then GET /me/tasks; offline, the cached task list. */
void
quorum_task_list_refresh (QuorumTaskList *self)
{
  g_return_if_fail (QUORUM_IS_TASK_LIST (self));
  if (self->session == NULL)
    return;
  /* Two refreshes at once would share jobs_reply, and the second would
   * list the jobs without what GET /jobs says of them. */
  g_cancellable_cancel (self->refresh);
  g_clear_object (&self->refresh);
  self->refresh = g_cancellable_new ();
  g_clear_pointer (&self->jobs_reply, json_node_unref);
  if (gtk_toggle_button_get_active (self->done_button))
    quorum_client_call_async (quorum_session_get_client (self->session), "GET", "/me/tasks?state=done", NULL,
                              self->refresh, got_done_tasks, g_object_ref (self));
  else
    quorum_client_call_async (quorum_session_get_client (self->session), "GET", "/jobs", NULL,
                              self->refresh, got_jobs, g_object_ref (self));
}

/* To Do or Done: the list is read again. */
static void
on_filter_toggled (QuorumTaskList *self)
{
  quorum_task_list_refresh (self);
}

gboolean
quorum_task_list_get_show_done (QuorumTaskList *self)
{
  g_return_val_if_fail (QUORUM_IS_TASK_LIST (self), FALSE);
  return gtk_toggle_button_get_active (self->done_button);
}

void
quorum_task_list_set_show_done (QuorumTaskList *self,
                                gboolean        show_done)
{
  g_return_if_fail (QUORUM_IS_TASK_LIST (self));
  gtk_toggle_button_set_active (show_done ? self->done_button : self->todo_button, TRUE);
}

void
quorum_task_list_set_session (QuorumTaskList *self,
                              QuorumSession  *session)
{
  g_return_if_fail (QUORUM_IS_TASK_LIST (self));
  if (self->session == session)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_cancellable_cancel (self->refresh);
  g_clear_pointer (&self->jobs_reply, json_node_unref);
  g_set_object (&self->session, session);
  self->selected_task = 0;
  g_list_store_remove_all (self->jobs);
}

/* ---- the next task --------------------------------------------------------------- */

/**
 * quorum_task_list_get_next_job:
 *
 * The job whose next task the Next Task key takes: the open (selected)
 * task's job; else the first job holding an unfinished task of the user;
 * else the first where work waits for them; else the first listed.
 *
 * Returns: the job's id, 0 when no job is listed
 */
gint64
quorum_task_list_get_next_job (QuorumTaskList *self)
{
  GListModel *jobs;
  QuorumTaskItem *selected;
  gint64 waiting = 0;

  g_return_val_if_fail (QUORUM_IS_TASK_LIST (self), 0);
  selected = self->selected_task != 0 ? find_task_row (self, self->selected_task, NULL) : NULL;
  if (selected != NULL)
    return quorum_task_item_get_job (selected);
  jobs = G_LIST_MODEL (self->jobs);
  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(QuorumJobItem) job = g_list_model_get_item (jobs, i);
      guint draw = 0, review = 0, consensus = 0;

      if (quorum_job_item_has_own_work (job))
        return quorum_job_item_get_id (job);
      if (waiting == 0 && quorum_job_item_get_counts (job, &draw, &review, &consensus, NULL, NULL) &&
          draw + review + consensus > 0)
        waiting = quorum_job_item_get_id (job);
    }
  if (waiting != 0)
    return waiting;
  if (g_list_model_get_n_items (jobs) > 0)
    {
      g_autoptr(QuorumJobItem) first = g_list_model_get_item (jobs, 0);

      return quorum_job_item_get_id (first);
    }
  return 0;
}

static void
next_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  QuorumTaskList *self = user_data;
  gint64 job = quorum_task_list_get_next_job (self);

  if (job != 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.next-task", "x", job);
}

/* The "queue" actions live on the window, so that their key works
 * wherever the focus is (the canvas is no child of the list). */
static void
quorum_task_list_root (GtkWidget *widget)
{
  QuorumTaskList *self = QUORUM_TASK_LIST (widget);

  GTK_WIDGET_CLASS (quorum_task_list_parent_class)->root (widget);
  gtk_widget_insert_action_group (GTK_WIDGET (gtk_widget_get_root (widget)), "queue",
                                  G_ACTION_GROUP (self->actions));
}

static void
quorum_task_list_unroot (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  if (root != NULL)
    gtk_widget_insert_action_group (GTK_WIDGET (root), "queue", NULL);
  GTK_WIDGET_CLASS (quorum_task_list_parent_class)->unroot (widget);
}

/* ---- the widget ------------------------------------------------------------------ */

static void
quorum_task_list_dispose (GObject *object)
{
  QuorumTaskList *self = QUORUM_TASK_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->refresh);
  gtk_widget_dispose_template (GTK_WIDGET (object), QUORUM_TYPE_TASK_LIST);
  g_clear_object (&self->selection);
  g_clear_object (&self->tree);
  g_clear_object (&self->jobs);
  g_clear_object (&self->session);
  g_clear_object (&self->actions);
  G_OBJECT_CLASS (quorum_task_list_parent_class)->dispose (object);
}

static void
quorum_task_list_finalize (GObject *object)
{
  QuorumTaskList *self = QUORUM_TASK_LIST (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->refresh);
  g_clear_pointer (&self->jobs_reply, json_node_unref);
  G_OBJECT_CLASS (quorum_task_list_parent_class)->finalize (object);
}

static void
quorum_task_list_class_init (QuorumTaskListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_task_list_dispose;
  object_class->finalize = quorum_task_list_finalize;
  widget_class->root = quorum_task_list_root;
  widget_class->unroot = quorum_task_list_unroot;

  /**
   * QuorumTaskList::task-activated:
   * @task_id: the task the user picked
   */
  signals[TASK_ACTIVATED] =
    g_signal_new ("task-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * QuorumTaskList::message:
   * @message: a sentence for the user, such as why the list could not be read
   */
  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-task-list.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskList, box);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskList, task_list_stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskList, task_list);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskList, todo_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskList, done_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumTaskList, done_empty_page);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_toggled);
}

static void
quorum_task_list_init (QuorumTaskList *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  static const GActionEntry entries[] = {
    { "next", next_activated, NULL, NULL, NULL },
  };

  self->cancellable = g_cancellable_new ();
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), entries, G_N_ELEMENTS (entries), self);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->jobs = g_list_store_new (QUORUM_TYPE_JOB_ITEM);
  self->tree = gtk_tree_list_model_new (G_LIST_MODEL (g_object_ref (self->jobs)), FALSE, TRUE,
                                        create_job_children, NULL, NULL);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->tree)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (on_selection_changed), self);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  gtk_list_view_set_factory (self->task_list, factory);
  gtk_list_view_set_model (self->task_list, GTK_SELECTION_MODEL (self->selection));
}
