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
 * name. A new guide is POSTed, a changed one PUT, on Save only, with the
 * version it was read at: a save over another editor's newer version is
 * refused by the server and offers to reload. History lists the guide's
 * versions; one is shown read-only and may be restored (saved again as the
 * next version). */

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
/* The version of the guide being edited, as read from the server; 0 for
 * a new one. */
gint64             quorum_guide_editor_get_version  (QuorumGuideEditor *self);
/* "Version 3, saved 5 Dec 2026, 14:03 by tom", as the editor shows it. */
const char        *quorum_guide_editor_get_version_text (QuorumGuideEditor *self);
/* History: what opening the History popover does (GET /guides/{id}/versions),
 * and the list it shows, newest first (NULL until it came). */
void               quorum_guide_editor_load_history (QuorumGuideEditor *self);
JsonArray         *quorum_guide_editor_get_history  (QuorumGuideEditor *self);
/* What choosing a version in History does: shows it read-only in the
 * preview, with Restore This Version (action guides.restore, a save of it
 * as the next version) and Back to Current (guides.current). */
void               quorum_guide_editor_show_version (QuorumGuideEditor *self,
                                                     gint64             number);
/* The version shown read-only, 0 for none. */
gint64             quorum_guide_editor_get_shown_version (QuorumGuideEditor *self);
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
