/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "quorum-stats-item.h"

struct _QuorumStatsItem
{
  GObject     parent_instance;

  JsonObject *entry;
};

G_DEFINE_FINAL_TYPE (QuorumStatsItem, quorum_stats_item, G_TYPE_OBJECT)

static void
quorum_stats_item_finalize (GObject *object)
{
  QuorumStatsItem *self = QUORUM_STATS_ITEM (object);

  g_clear_pointer (&self->entry, json_object_unref);
  G_OBJECT_CLASS (quorum_stats_item_parent_class)->finalize (object);
}

static void
quorum_stats_item_class_init (QuorumStatsItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = quorum_stats_item_finalize;
}

static void
quorum_stats_item_init (QuorumStatsItem *self)
{
}

QuorumStatsItem *
quorum_stats_item_new (JsonObject *entry)
{
  QuorumStatsItem *self;

  g_return_val_if_fail (entry != NULL, NULL);
  self = g_object_new (QUORUM_TYPE_STATS_ITEM, NULL);
  self->entry = json_object_ref (entry);
  return self;
}

JsonObject *
quorum_stats_item_get_entry (QuorumStatsItem *self)
{
  g_return_val_if_fail (QUORUM_IS_STATS_ITEM (self), NULL);
  return self->entry;
}

const char *
quorum_stats_item_get_name (QuorumStatsItem *self)
{
  g_return_val_if_fail (QUORUM_IS_STATS_ITEM (self), NULL);
  return json_object_get_string_member_with_default (self->entry, "name", "");
}

gint64
quorum_stats_item_get_id (QuorumStatsItem *self)
{
  g_return_val_if_fail (QUORUM_IS_STATS_ITEM (self), 0);
  if (json_object_has_member (self->entry, "user"))
    return json_object_get_int_member_with_default (self->entry, "user", 0);
  return json_object_get_int_member_with_default (self->entry, "file", 0);
}

gboolean
quorum_stats_item_get_number (QuorumStatsItem *self,
                              const char      *member,
                              double          *value)
{
  JsonNode *node;

  g_return_val_if_fail (QUORUM_IS_STATS_ITEM (self), FALSE);
  node = json_object_get_member (self->entry, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *value = (double) json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:
      *value = json_node_get_double (node);
      return TRUE;
    case G_TYPE_BOOLEAN:
      *value = json_node_get_boolean (node) ? 1 : 0;
      return TRUE;
    default:
      return FALSE;
    }
}
