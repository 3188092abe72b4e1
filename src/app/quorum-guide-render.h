/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Names of the tags quorum_guide_render() puts in the buffer's tag table. */
#define QUORUM_GUIDE_TAG_HEADING_1     "heading-1"
#define QUORUM_GUIDE_TAG_HEADING_2     "heading-2"
#define QUORUM_GUIDE_TAG_HEADING_3     "heading-3"
#define QUORUM_GUIDE_TAG_EMPHASIS      "emphasis"
#define QUORUM_GUIDE_TAG_STRONG        "strong"
#define QUORUM_GUIDE_TAG_STRIKETHROUGH "strikethrough"
#define QUORUM_GUIDE_TAG_CODE          "code"
#define QUORUM_GUIDE_TAG_CODE_BLOCK    "code-block"
#define QUORUM_GUIDE_TAG_QUOTE         "quote"
#define QUORUM_GUIDE_TAG_LIST_MARKER   "list-marker"
#define QUORUM_GUIDE_TAG_TABLE_HEADER  "table-header"
#define QUORUM_GUIDE_TAG_TABLE_ROW     "table-row"
#define QUORUM_GUIDE_TAG_LINK          "link"
#define QUORUM_GUIDE_TAG_LINK_REFUSED  "link-refused"
#define QUORUM_GUIDE_TAG_PLACEHOLDER   "image-placeholder"

/**
 * QuorumGuideImageResolver:
 * @name: the image's name as written in the guide, a file name of the project
 * @user_data: the data given with the resolver
 *
 * Looks an image of a guide up among the project's files. It is only ever
 * asked for plain names: addresses with a scheme or an absolute path are
 * refused before it is called.
 *
 * Returns: (transfer full) (nullable): the image, or %NULL when @name is unknown
 */
typedef GdkPaintable *(*QuorumGuideImageResolver) (const char *name,
                                                   gpointer    user_data);

typedef struct
{
  char     *target;   /* the address as written in the guide */
  char     *text;     /* the text the link is shown as */
  gboolean  refused;  /* not http or https: never opened */
} QuorumGuideLink;

typedef struct
{
  char     *name;     /* the name or address as written in the guide */
  char     *alt;
  gboolean  refused;  /* an address rather than a name: the resolver was not asked */
  gboolean  found;    /* the resolver returned the image */
} QuorumGuideImage;

/* What a thematic break, a found image or a table stands for at a child
 * anchor; a view puts its widget there. The data of a table's anchor is the
 * GtkTextTag of its rows, which follow the anchor's line: cells separated by
 * tabs, one row a line. */
#define QUORUM_GUIDE_ANCHOR_RULE  "quorum-guide-rule"
#define QUORUM_GUIDE_ANCHOR_IMAGE "quorum-guide-image"
#define QUORUM_GUIDE_ANCHOR_TABLE "quorum-guide-table"

void              quorum_guide_render               (GtkTextBuffer            *buffer,
                                                     const char               *markdown,
                                                     QuorumGuideImageResolver  resolver,
                                                     gpointer                  user_data);
GPtrArray        *quorum_guide_render_get_links     (GtkTextBuffer            *buffer);
GPtrArray        *quorum_guide_render_get_images    (GtkTextBuffer            *buffer);
GPtrArray        *quorum_guide_render_get_anchors   (GtkTextBuffer            *buffer);
const QuorumGuideLink *quorum_guide_render_link_at  (const GtkTextIter        *iter);
void              quorum_guide_render_layout_tables (GtkTextBuffer            *buffer,
                                                     PangoContext             *context);
gboolean          quorum_guide_link_is_openable     (const char               *address);

G_END_DECLS
