/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

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
