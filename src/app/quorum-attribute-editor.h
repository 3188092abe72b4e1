/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-canvas.h"
#include "quorum-model.h"

G_BEGIN_DECLS

#define QUORUM_TYPE_ATTRIBUTE_EDITOR (quorum_attribute_editor_get_type ())

G_DECLARE_FINAL_TYPE (QuorumAttributeEditor, quorum_attribute_editor, QUORUM, ATTRIBUTE_EDITOR, GtkWidget)

GtkWidget *quorum_attribute_editor_new         (void);

void       quorum_attribute_editor_set_schema  (QuorumAttributeEditor   *self,
                                                const QuorumLabelSchema *schema);
void       quorum_attribute_editor_bind_canvas (QuorumAttributeEditor   *self,
                                                QuorumCanvas            *canvas);

char      *quorum_attribute_editor_display_name (const char *name);

G_END_DECLS
