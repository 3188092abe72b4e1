/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-task-item.h"

struct _QuorumTaskItem
{
  GObject       parent_instance;

  gint64        id;
  gint64        job;
  char         *job_name;
  gboolean      exam;
  gint64        file;
  char         *file_name;
  char         *kind;
  char         *state;
  GdkPaintable *thumbnail;
};

G_DEFINE_FINAL_TYPE (QuorumTaskItem, quorum_task_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_DESCRIPTION,
  PROP_THUMBNAIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
quorum_task_item_finalize (GObject *object)
{
  QuorumTaskItem *self = QUORUM_TASK_ITEM (object);

  g_free (self->job_name);
  g_free (self->file_name);
  g_free (self->kind);
  g_free (self->state);
  g_clear_object (&self->thumbnail);
  G_OBJECT_CLASS (quorum_task_item_parent_class)->finalize (object);
}

static void
quorum_task_item_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  QuorumTaskItem *self = QUORUM_TASK_ITEM (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_string (value, self->state);
      break;
    case PROP_DESCRIPTION:
      g_value_take_string (value, quorum_task_item_describe (self));
      break;
    case PROP_THUMBNAIL:
      g_value_set_object (value, self->thumbnail);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_task_item_class_init (QuorumTaskItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = quorum_task_item_finalize;
  object_class->get_property = quorum_task_item_get_property;

  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_THUMBNAIL] =
    g_param_spec_object ("thumbnail", NULL, NULL, GDK_TYPE_PAINTABLE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
quorum_task_item_init (QuorumTaskItem *self)
{
}

/* @row: {"id", "job", "job_name", "job_type", "file", "file_name", "kind", "state", …} */
QuorumTaskItem *
quorum_task_item_new (JsonObject *row)
{
  QuorumTaskItem *self = g_object_new (QUORUM_TYPE_TASK_ITEM, NULL);

  self->id = json_object_get_int_member_with_default (row, "id", 0);
  self->job = json_object_get_int_member_with_default (row, "job", 0);
  self->job_name = g_strdup (json_object_get_string_member_with_default (row, "job_name", ""));
  self->exam = g_strcmp0 (json_object_get_string_member_with_default (row, "job_type", "normal"), "exam") == 0;
  self->file = json_object_get_int_member_with_default (row, "file", 0);
  self->file_name = g_strdup (json_object_get_string_member_with_default (row, "file_name", ""));
  self->kind = g_strdup (json_object_get_string_member_with_default (row, "kind", "draw"));
  self->state = g_strdup (json_object_get_string_member_with_default (row, "state", "assigned"));
  return self;
}

gint64
quorum_task_item_get_id (QuorumTaskItem *self)
{
  g_return_val_if_fail (QUORUM_IS_TASK_ITEM (self), 0);
  return self->id;
}

gint64
quorum_task_item_get_job (QuorumTaskItem *self)
{
  g_return_val_if_fail (QUORUM_IS_TASK_ITEM (self), 0);
  return self->job;
}

gboolean
quorum_task_item_is_exam (QuorumTaskItem *self)
{
  g_return_val_if_fail (QUORUM_IS_TASK_ITEM (self), FALSE);
  return self->exam;
}

const char *
quorum_task_item_get_job_name (QuorumTaskItem *self)
{
  g_return_val_if_fail (QUORUM_IS_TASK_ITEM (self), NULL);
  return self->job_name;
}

gint64
quorum_task_item_get_file (QuorumTaskItem *self)
{
  g_return_val_if_fail (QUORUM_IS_TASK_ITEM (self), 0);
  return self->file;
}

const char *
quorum_task_item_get_file_name (QuorumTaskItem *self)
{
  g_return_val_if_fail (QUORUM_IS_TASK_ITEM (self), NULL);
  return self->file_name;
}

const char *
quorum_task_item_get_kind (QuorumTaskItem *self)
{
  g_return_val_if_fail (QUORUM_IS_TASK_ITEM (self), NULL);
  return self->kind;
}

const char *
quorum_task_item_get_state (QuorumTaskItem *self)
{
  g_return_val_if_fail (QUORUM_IS_TASK_ITEM (self), NULL);
  return self->state;
}

void
quorum_task_item_set_state (QuorumTaskItem *self,
                            const char     *state)
{
  g_return_if_fail (QUORUM_IS_TASK_ITEM (self));
  if (g_strcmp0 (self->state, state) == 0)
    return;
  g_free (self->state);
  self->state = g_strdup (state);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

static const char *
kind_title (const char *kind)
{
  if (g_strcmp0 (kind, "review") == 0)
    return C_("task kind", "Review");
  if (g_strcmp0 (kind, "consensus") == 0)
    return C_("task kind", "Consensus");
  return C_("task kind", "Draw");
}

static const char *
state_title (const char *state)
{
  if (g_strcmp0 (state, "in_progress") == 0)
    return C_("task state", "In progress");
  if (g_strcmp0 (state, "rejected") == 0)
    return C_("task state", "Returned");
  if (g_strcmp0 (state, "submitted") == 0)
    return C_("task state", "Submitted");
  if (g_strcmp0 (state, "accepted") == 0)
    return C_("task state", "Accepted");
  if (g_strcmp0 (state, "complete") == 0)
    return C_("task state", "Complete");
  if (g_strcmp0 (state, "available") == 0)
    return C_("task state", "Available");
  if (g_strcmp0 (state, "waiting") == 0)
    return C_("task state", "Waiting");
  return C_("task state", "New");
}

char *
quorum_task_item_describe (QuorumTaskItem *self)
{
  g_return_val_if_fail (QUORUM_IS_TASK_ITEM (self), NULL);
  if (self->exam)
    /* Translators: an exam's task in the task list, "Exam · Draw · In progress" */
    return g_strdup_printf (_("Exam · %s · %s"), kind_title (self->kind), state_title (self->state));
  /* Translators: a task's kind and state in the task list, "Draw · In progress" */
  return g_strdup_printf (_("%s · %s"), kind_title (self->kind), state_title (self->state));
}

GdkPaintable *
quorum_task_item_get_thumbnail (QuorumTaskItem *self)
{
  g_return_val_if_fail (QUORUM_IS_TASK_ITEM (self), NULL);
  return self->thumbnail;
}

void
quorum_task_item_set_thumbnail (QuorumTaskItem *self,
                                GdkPaintable   *thumbnail)
{
  g_return_if_fail (QUORUM_IS_TASK_ITEM (self));
  if (g_set_object (&self->thumbnail, thumbnail))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THUMBNAIL]);
}
