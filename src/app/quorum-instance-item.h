/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "quorum-model.h"

G_BEGIN_DECLS

#define QUORUM_TYPE_INSTANCE_ITEM (quorum_instance_item_get_type ())

G_DECLARE_FINAL_TYPE (QuorumInstanceItem, quorum_instance_item, QUORUM, INSTANCE_ITEM, GObject)

QuorumInstanceItem *quorum_instance_item_new          (guint                 position,
                                                       const QuorumInstance *instance,
                                                       const char           *color);
gboolean            quorum_instance_item_equal        (QuorumInstanceItem   *self,
                                                       QuorumInstanceItem   *other);
guint               quorum_instance_item_get_position (QuorumInstanceItem   *self);
const char         *quorum_instance_item_get_id       (QuorumInstanceItem   *self);
const char         *quorum_instance_item_get_short_id (QuorumInstanceItem   *self);
const char         *quorum_instance_item_get_label    (QuorumInstanceItem   *self);
QuorumKind          quorum_instance_item_get_kind     (QuorumInstanceItem   *self);
guint               quorum_instance_item_get_frame    (QuorumInstanceItem   *self);
const char         *quorum_instance_item_get_color    (QuorumInstanceItem   *self);

guint               quorum_instance_item_get_number   (QuorumInstanceItem   *self);
void                quorum_instance_item_set_number   (QuorumInstanceItem   *self,
                                                       guint                 number);
char               *quorum_instance_item_describe     (QuorumInstanceItem   *self);
void                quorum_instance_item_get_bounds   (QuorumInstanceItem   *self,
                                                       QuorumRect           *bounds);

G_END_DECLS
