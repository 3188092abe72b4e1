/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "quorum-guide-render.h"

G_BEGIN_DECLS

/**
 * QuorumGuideLauncher:
 * @parent: (nullable): the window the link was clicked in
 * @address: an http or https address the user chose to open
 * @user_data: the data given with the launcher
 *
 * Opens a link of a guide once the user has confirmed it.
 */
typedef void (*QuorumGuideLauncher) (GtkWindow  *parent,
                                     const char *address,
                                     gpointer    user_data);

#define QUORUM_TYPE_GUIDE_VIEW (quorum_guide_view_get_type ())
G_DECLARE_FINAL_TYPE (QuorumGuideView, quorum_guide_view, QUORUM, GUIDE_VIEW, GtkWidget)

GtkWidget   *quorum_guide_view_new                (void);
const char  *quorum_guide_view_get_markdown       (QuorumGuideView          *self);
void         quorum_guide_view_set_markdown       (QuorumGuideView          *self,
                                                   const char               *markdown);
void         quorum_guide_view_set_image_resolver (QuorumGuideView          *self,
                                                   QuorumGuideImageResolver  resolver,
                                                   gpointer                  user_data,
                                                   GDestroyNotify            destroy);
void         quorum_guide_view_set_launcher       (QuorumGuideView          *self,
                                                   QuorumGuideLauncher       launcher,
                                                   gpointer                  user_data);
GtkTextView *quorum_guide_view_get_text_view      (QuorumGuideView          *self);
void         quorum_guide_view_activate_link      (QuorumGuideView          *self,
                                                   const char               *address);

G_END_DECLS
