/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-job-item.h"

struct _QuorumJobItem
{
  GObject     parent_instance;

  gint64      id;
  char       *name;
  char       *role;
  gint64      project;
  char       *project_name;
  gboolean    exam;
  GListStore *tasks;
  double      progress;
  guint       waiting[3];    /* draw, review, consensus: from GET /jobs */
  guint       done;
  guint       total;
  gboolean    counted;       /* whether GET /jobs gave the counts */
};

G_DEFINE_FINAL_TYPE (QuorumJobItem, quorum_job_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_PROGRESS,
  PROP_DOWNLOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
quorum_job_item_finalize (GObject *object)
{
  QuorumJobItem *self = QUORUM_JOB_ITEM (object);

  g_free (self->name);
  g_free (self->role);
  g_free (self->project_name);
  g_clear_object (&self->tasks);
  G_OBJECT_CLASS (quorum_job_item_parent_class)->finalize (object);
}

static void
quorum_job_item_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  QuorumJobItem *self = QUORUM_JOB_ITEM (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, MAX (self->progress, 0));
      break;
    case PROP_DOWNLOADING:
      g_value_set_boolean (value, self->progress >= 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_job_item_class_init (QuorumJobItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = quorum_job_item_finalize;
  object_class->get_property = quorum_job_item_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0, 1, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DOWNLOADING] =
    g_param_spec_boolean ("downloading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
quorum_job_item_init (QuorumJobItem *self)
{
  self->tasks = g_list_store_new (QUORUM_TYPE_TASK_ITEM);
  self->progress = -1;
}

QuorumJobItem *
quorum_job_item_new (gint64      id,
                     const char *name,
                     const char *role)
{
  QuorumJobItem *self = g_object_new (QUORUM_TYPE_JOB_ITEM, NULL);

  self->id = id;
  self->name = g_strdup (name);
  self->role = g_strdup (role);
  return self;
}

gint64
quorum_job_item_get_id (QuorumJobItem *self)
{
  g_return_val_if_fail (QUORUM_IS_JOB_ITEM (self), 0);
  return self->id;
}

const char *
quorum_job_item_get_name (QuorumJobItem *self)
{
  g_return_val_if_fail (QUORUM_IS_JOB_ITEM (self), NULL);
  return self->name;
}

const char *
quorum_job_item_get_role (QuorumJobItem *self)
{
  g_return_val_if_fail (QUORUM_IS_JOB_ITEM (self), NULL);
  return self->role;
}

GListStore *
quorum_job_item_get_tasks (QuorumJobItem *self)
{
  g_return_val_if_fail (QUORUM_IS_JOB_ITEM (self), NULL);
  return self->tasks;
}

double
quorum_job_item_get_progress (QuorumJobItem *self)
{
  g_return_val_if_fail (QUORUM_IS_JOB_ITEM (self), -1);
  return self->progress;
}

void
quorum_job_item_set_progress (QuorumJobItem *self,
                              double         progress)
{
  gboolean was_downloading;

  g_return_if_fail (QUORUM_IS_JOB_ITEM (self));
  if (self->progress == progress)
    return;
  was_downloading = self->progress >= 0;
  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  if (was_downloading != (progress >= 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOWNLOADING]);
}

void
quorum_job_item_set_project (QuorumJobItem *self,
                             gint64         project,
                             const char    *project_name)
{
  g_return_if_fail (QUORUM_IS_JOB_ITEM (self));
  self->project = project;
  g_free (self->project_name);
  self->project_name = g_strdup (project_name);
}

gint64
quorum_job_item_get_project (QuorumJobItem *self)
{
  g_return_val_if_fail (QUORUM_IS_JOB_ITEM (self), 0);
  return self->project;
}

const char *
quorum_job_item_get_project_name (QuorumJobItem *self)
{
  g_return_val_if_fail (QUORUM_IS_JOB_ITEM (self), NULL);
  return self->project_name;
}

void
quorum_job_item_set_job_type (QuorumJobItem *self,
                              const char    *type)
{
  g_return_if_fail (QUORUM_IS_JOB_ITEM (self));
  self->exam = g_strcmp0 (type, "exam") == 0;
}

gboolean
quorum_job_item_is_exam (QuorumJobItem *self)
{
  g_return_val_if_fail (QUORUM_IS_JOB_ITEM (self), FALSE);
  return self->exam;
}

/* From GET /jobs: "waiting" {"draw", "review", "consensus"} and "progress"
 * {"done", "total"}; a job without them (offline, known from its tasks
 * only) keeps none. */
void
quorum_job_item_set_counts (QuorumJobItem *self,
                            JsonObject    *listed)
{
  static const char * const kinds[] = { "draw", "review", "consensus" };
  JsonNode *waiting, *progress;

  g_return_if_fail (QUORUM_IS_JOB_ITEM (self));
  waiting = json_object_get_member (listed, "waiting");
  progress = json_object_get_member (listed, "progress");
  if (waiting == NULL || !JSON_NODE_HOLDS_OBJECT (waiting) || progress == NULL || !JSON_NODE_HOLDS_OBJECT (progress))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    self->waiting[i] = MAX (json_object_get_int_member_with_default (json_node_get_object (waiting), kinds[i], 0), 0);
  self->done = MAX (json_object_get_int_member_with_default (json_node_get_object (progress), "done", 0), 0);
  self->total = MAX (json_object_get_int_member_with_default (json_node_get_object (progress), "total", 0), 0);
  self->counted = TRUE;
}

gboolean
quorum_job_item_get_counts (QuorumJobItem *self,
                            guint         *draw,
                            guint         *review,
                            guint         *consensus,
                            guint         *done,
                            guint         *total)
{
  g_return_val_if_fail (QUORUM_IS_JOB_ITEM (self), FALSE);
  if (draw != NULL)
    *draw = self->waiting[0];
  if (review != NULL)
    *review = self->waiting[1];
  if (consensus != NULL)
    *consensus = self->waiting[2];
  if (done != NULL)
    *done = self->done;
  if (total != NULL)
    *total = self->total;
  return self->counted;
}

/* Whether the user holds an unfinished task of the job: the next task is
 * that one (Continue), not a new one (Start). */
gboolean
quorum_job_item_has_own_work (QuorumJobItem *self)
{
  GListModel *tasks;

  g_return_val_if_fail (QUORUM_IS_JOB_ITEM (self), FALSE);
  tasks = G_LIST_MODEL (self->tasks);
  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(QuorumTaskItem) task = g_list_model_get_item (tasks, i);
      const char *state = quorum_task_item_get_state (task);

      if (g_strcmp0 (state, "assigned") == 0 || g_strcmp0 (state, "in_progress") == 0 ||
          g_strcmp0 (state, "rejected") == 0)
        return TRUE;
    }
  return FALSE;
}

/* "2 to draw · 1 to review", for people; %NULL when nothing waits. */
char *
quorum_job_item_describe_waiting (QuorumJobItem *self)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (QUORUM_IS_JOB_ITEM (self), NULL);
  if (self->waiting[0] > 0)
    /* Translators: tasks of a job waiting to be taken */
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u to draw", "%u to draw",
                                                          self->waiting[0]), self->waiting[0]));
  if (self->waiting[1] > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u to review", "%u to review",
                                                          self->waiting[1]), self->waiting[1]));
  if (self->waiting[2] > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u for consensus",
                                                          "%u for consensus", self->waiting[2]),
                                             self->waiting[2]));
  if (parts->len == 0)
    return NULL;
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}
