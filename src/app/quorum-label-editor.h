/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-window.h"

G_BEGIN_DECLS

/* A project admin's window on the project's label schema: labels with
 * their kind, colour and attributes, reordered, added and removed, sent
 * to the server only on Save, as one schema (PUT /projects/{id}/labels).
 * Before a save that leaves instances behind (a label removed, renamed or
 * drawn as another kind; an attribute removed, renamed or of another
 * type) it says how many, from GET /projects/{id}/labels/usage. */

#define QUORUM_TYPE_LABEL_EDITOR (quorum_label_editor_get_type ())
G_DECLARE_FINAL_TYPE (QuorumLabelEditor, quorum_label_editor, QUORUM, LABEL_EDITOR, AdwWindow)

QuorumLabelEditor *quorum_label_editor_new            (QuorumWindow      *window,
                                                       gint64             project_id,
                                                       const char        *project_name);
void               quorum_label_editor_refresh        (QuorumLabelEditor *self);
/* While a call to the server is on its way. */
gboolean           quorum_label_editor_get_loading    (QuorumLabelEditor *self);
/* Whether there are changes Save would send. */
gboolean           quorum_label_editor_get_dirty      (QuorumLabelEditor *self);
guint              quorum_label_editor_get_n_labels   (QuorumLabelEditor *self);
/* The label whose details show; -1 when none. */
int                quorum_label_editor_get_selected   (QuorumLabelEditor *self);
void               quorum_label_editor_select         (QuorumLabelEditor *self,
                                                       guint              index);
/* The schema Save would send. */
JsonNode          *quorum_label_editor_build_schema   (QuorumLabelEditor *self);
/* The selected label's rows, and those of its attribute @index. */
GtkEditable       *quorum_label_editor_get_name_row   (QuorumLabelEditor *self);
AdwComboRow       *quorum_label_editor_get_kind_row   (QuorumLabelEditor *self);
GtkEditable       *quorum_label_editor_get_attribute_name_row (QuorumLabelEditor *self,
                                                               guint              index);
AdwComboRow       *quorum_label_editor_get_attribute_type_row (QuorumLabelEditor *self,
                                                               guint              index);
GtkEditable       *quorum_label_editor_get_attribute_options_row (QuorumLabelEditor *self,
                                                                  guint              index);
/* What a save would leave behind, a sentence each; empty when nothing. */
GPtrArray         *quorum_label_editor_list_warnings  (QuorumLabelEditor *self);

G_END_DECLS
