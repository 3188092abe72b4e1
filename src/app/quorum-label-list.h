/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-canvas.h"
#include "quorum-model.h"

G_BEGIN_DECLS

#define QUORUM_TYPE_LABEL_LIST (quorum_label_list_get_type ())

G_DECLARE_FINAL_TYPE (QuorumLabelList, quorum_label_list, QUORUM, LABEL_LIST, GtkWidget)

GtkWidget               *quorum_label_list_new               (void);

void                     quorum_label_list_set_schema        (QuorumLabelList         *self,
                                                              const QuorumLabelSchema *schema);
gboolean                 quorum_label_list_set_schema_json   (QuorumLabelList         *self,
                                                              JsonNode                *node,
                                                              GError                 **error);
const QuorumLabelSchema *quorum_label_list_get_schema        (QuorumLabelList         *self);

const char              *quorum_label_list_get_current_label (QuorumLabelList         *self);
void                     quorum_label_list_set_current_label (QuorumLabelList         *self,
                                                              const char              *label);
gboolean                 quorum_label_list_select_index      (QuorumLabelList         *self,
                                                              guint                    index);

gboolean                 quorum_label_list_get_label_visible (QuorumLabelList         *self,
                                                              const char              *label);
void                     quorum_label_list_set_label_visible (QuorumLabelList         *self,
                                                              const char              *label,
                                                              gboolean                 visible);

void                     quorum_label_list_bind_canvas       (QuorumLabelList         *self,
                                                              QuorumCanvas            *canvas);

const char              *quorum_label_list_kind_icon_name    (QuorumKind               kind);
const char              *quorum_label_list_kind_title        (QuorumKind               kind);

G_END_DECLS
