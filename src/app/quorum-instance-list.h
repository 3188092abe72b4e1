/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-canvas.h"
#include "quorum-model.h"

G_BEGIN_DECLS

#define QUORUM_TYPE_INSTANCE_LIST (quorum_instance_list_get_type ())

G_DECLARE_FINAL_TYPE (QuorumInstanceList, quorum_instance_list, QUORUM, INSTANCE_LIST, GtkWidget)

GtkWidget          *quorum_instance_list_new         (void);

void                quorum_instance_list_set_schema  (QuorumInstanceList      *self,
                                                      const QuorumLabelSchema *schema);
void                quorum_instance_list_bind_canvas (QuorumInstanceList      *self,
                                                      QuorumCanvas            *canvas);
GtkSingleSelection *quorum_instance_list_get_model   (QuorumInstanceList      *self);

gboolean            quorum_instance_list_ask_before_submit (QuorumInstanceList *self);

G_END_DECLS
