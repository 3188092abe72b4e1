/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-guide-view.h"
#include "quorum-window.h"

G_BEGIN_DECLS

/* A project editor's window on the project's guides: Markdown on the left,
 * on the right the same rendering annotators read beside their task,
 * updated as one types; pictures dropped on the text (or chosen with
 * Insert Picture) are uploaded as project files and put in the text by
 * name. A new guide is POSTed, a changed one PUT, on Save only. */

#define QUORUM_TYPE_GUIDE_EDITOR (quorum_guide_editor_get_type ())
G_DECLARE_FINAL_TYPE (QuorumGuideEditor, quorum_guide_editor, QUORUM, GUIDE_EDITOR, AdwWindow)

QuorumGuideEditor *quorum_guide_editor_new          (QuorumWindow      *window,
                                                     gint64             project_id,
                                                     const char        *project_name);
/* While a call to the server is on its way (uploads included). */
gboolean           quorum_guide_editor_get_loading  (QuorumGuideEditor *self);
gboolean           quorum_guide_editor_get_dirty    (QuorumGuideEditor *self);
/* The guide shown: its id, 0 for a new one not saved yet. */
gint64             quorum_guide_editor_get_guide    (QuorumGuideEditor *self);
guint              quorum_guide_editor_get_n_guides (QuorumGuideEditor *self);
void               quorum_guide_editor_select       (QuorumGuideEditor *self,
                                                     guint              index);
GtkEditable       *quorum_guide_editor_get_name_row (QuorumGuideEditor *self);
GtkTextBuffer     *quorum_guide_editor_get_source   (QuorumGuideEditor *self);
QuorumGuideView   *quorum_guide_editor_get_preview  (QuorumGuideEditor *self);
/* What a drop of @files on the text does: uploads them, then puts each in
 * the text at the cursor. */
void               quorum_guide_editor_insert_files (QuorumGuideEditor *self,
                                                     GSList            *files);

G_END_DECLS
