/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "quorum-instance-item.h"

#define SHORT_ID_LENGTH 8

/* One row of the instance list: what it shows of the instance at a position
 * of the canvas, copied when the list is rebuilt. */
struct _QuorumInstanceItem
{
  GObject     parent_instance;

  guint       position;
  char       *id;
  char       *short_id;
  char       *label;
  QuorumKind  kind;
  guint       frame;
  char       *color;
  guint       number;     /* 1 for the label's first instance on the canvas */
  QuorumRect  bounds;     /* in image pixels, for the thumbnail */
};

G_DEFINE_FINAL_TYPE (QuorumInstanceItem, quorum_instance_item, G_TYPE_OBJECT)

static void
quorum_instance_item_finalize (GObject *object)
{
  QuorumInstanceItem *self = QUORUM_INSTANCE_ITEM (object);

  g_free (self->id);
  g_free (self->short_id);
  g_free (self->label);
  g_free (self->color);
  G_OBJECT_CLASS (quorum_instance_item_parent_class)->finalize (object);
}

static void
quorum_instance_item_class_init (QuorumInstanceItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = quorum_instance_item_finalize;
}

static void
quorum_instance_item_init (QuorumInstanceItem *self)
{
}

/* @color: (nullable): the label's colour */
QuorumInstanceItem *
quorum_instance_item_new (guint                 position,
                          const QuorumInstance *instance,
                          const char           *color)
{
  QuorumInstanceItem *self = g_object_new (QUORUM_TYPE_INSTANCE_ITEM, NULL);

  g_return_val_if_fail (instance != NULL, self);
  self->position = position;
  self->id = g_strdup (instance->id);
  self->short_id = g_utf8_substring (instance->id, 0, MIN (SHORT_ID_LENGTH, g_utf8_strlen (instance->id, -1)));
  self->label = g_strdup (instance->label);
  self->kind = instance->kind;
  self->frame = instance->frame;
  self->color = g_strdup (color);
  self->number = 1;
  if (instance->n_points > 0)
    quorum_instance_bounds (instance, &self->bounds);
  return self;
}

/* Whether the two rows would look the same. */
gboolean
quorum_instance_item_equal (QuorumInstanceItem *self,
                            QuorumInstanceItem *other)
{
  return self->position == other->position
         && g_strcmp0 (self->id, other->id) == 0
         && g_strcmp0 (self->label, other->label) == 0
         && self->kind == other->kind
         && self->frame == other->frame
         && g_strcmp0 (self->color, other->color) == 0
         && self->number == other->number
         && memcmp (&self->bounds, &other->bounds, sizeof self->bounds) == 0;
}

/* Which of its label's instances it is, counted from 1 in canvas order:
 * "car 2" says more to a person than an id. */
guint
quorum_instance_item_get_number (QuorumInstanceItem *self)
{
  g_return_val_if_fail (QUORUM_IS_INSTANCE_ITEM (self), 0);
  return self->number;
}

void
quorum_instance_item_set_number (QuorumInstanceItem *self,
                                 guint               number)
{
  g_return_if_fail (QUORUM_IS_INSTANCE_ITEM (self));
  self->number = number;
}

/* "car 2"; "Unlabelled 1" for an instance without a label. */
char *
quorum_instance_item_describe (QuorumInstanceItem *self)
{
  g_return_val_if_fail (QUORUM_IS_INSTANCE_ITEM (self), NULL);
  if (self->label == NULL || *self->label == '\0')
    /* Translators: an instance without a label, and its number */
    return g_strdup_printf (_("Unlabelled %u"), self->number);
  /* Translators: a label's name and which of its instances this is: "car 2" */
  return g_strdup_printf (_("%s %u"), self->label, self->number);
}

/* Its bounds in image pixels; all zero for an instance without points. */
void
quorum_instance_item_get_bounds (QuorumInstanceItem *self,
                                 QuorumRect         *bounds)
{
  g_return_if_fail (QUORUM_IS_INSTANCE_ITEM (self));
  *bounds = self->bounds;
}

guint
quorum_instance_item_get_position (QuorumInstanceItem *self)
{
  g_return_val_if_fail (QUORUM_IS_INSTANCE_ITEM (self), 0);
  return self->position;
}

const char *
quorum_instance_item_get_id (QuorumInstanceItem *self)
{
  g_return_val_if_fail (QUORUM_IS_INSTANCE_ITEM (self), NULL);
  return self->id;
}

/* The first characters of the id: enough to tell instances apart by eye. */
const char *
quorum_instance_item_get_short_id (QuorumInstanceItem *self)
{
  g_return_val_if_fail (QUORUM_IS_INSTANCE_ITEM (self), NULL);
  return self->short_id;
}

const char *
quorum_instance_item_get_label (QuorumInstanceItem *self)
{
  g_return_val_if_fail (QUORUM_IS_INSTANCE_ITEM (self), NULL);
  return self->label;
}

QuorumKind
quorum_instance_item_get_kind (QuorumInstanceItem *self)
{
  g_return_val_if_fail (QUORUM_IS_INSTANCE_ITEM (self), QUORUM_KIND_BOX);
  return self->kind;
}

guint
quorum_instance_item_get_frame (QuorumInstanceItem *self)
{
  g_return_val_if_fail (QUORUM_IS_INSTANCE_ITEM (self), 0);
  return self->frame;
}

const char *
quorum_instance_item_get_color (QuorumInstanceItem *self)
{
  g_return_val_if_fail (QUORUM_IS_INSTANCE_ITEM (self), NULL);
  return self->color;
}
