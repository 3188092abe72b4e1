/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "quorum-model.h"
#include "quorum-tiled-image.h"

G_BEGIN_DECLS

/**
 * QuorumCanvasTool:
 * @QUORUM_CANVAS_TOOL_SELECT: click selects, drag moves, handles edit vertices
 * @QUORUM_CANVAS_TOOL_BOX: drag a box
 * @QUORUM_CANVAS_TOOL_POLYGON: click vertices; Enter or a click on the first closes
 * @QUORUM_CANVAS_TOOL_POLYLINE: click vertices; Enter finishes
 * @QUORUM_CANVAS_TOOL_POINT: click a point
 * @QUORUM_CANVAS_TOOL_TAG: click tags the whole image with the current label
 */
typedef enum {
  QUORUM_CANVAS_TOOL_SELECT,
  QUORUM_CANVAS_TOOL_BOX,
  QUORUM_CANVAS_TOOL_POLYGON,
  QUORUM_CANVAS_TOOL_POLYLINE,
  QUORUM_CANVAS_TOOL_POINT,
  QUORUM_CANVAS_TOOL_TAG,
} QuorumCanvasTool;

GType quorum_canvas_tool_get_type (void) G_GNUC_CONST;
#define QUORUM_TYPE_CANVAS_TOOL (quorum_canvas_tool_get_type ())

#define QUORUM_TYPE_CANVAS (quorum_canvas_get_type ())

G_DECLARE_FINAL_TYPE (QuorumCanvas, quorum_canvas, QUORUM, CANVAS, GtkWidget)

GtkWidget            *quorum_canvas_new                 (void);

GdkTexture           *quorum_canvas_get_image           (QuorumCanvas     *self);
void                  quorum_canvas_set_image           (QuorumCanvas     *self,
                                                         GdkTexture       *image);
void                  quorum_canvas_show_image          (QuorumCanvas     *self,
                                                         GdkTexture       *image,
                                                         QuorumTiledImage *tiles,
                                                         int               width,
                                                         int               height);
void                  quorum_canvas_show_frame          (QuorumCanvas     *self,
                                                         GdkTexture       *frame);
double                quorum_canvas_get_image_detail    (QuorumCanvas     *self);
int                   quorum_canvas_get_image_width     (QuorumCanvas     *self);
int                   quorum_canvas_get_image_height    (QuorumCanvas     *self);

void                  quorum_canvas_set_instances       (QuorumCanvas     *self,
                                                         GPtrArray        *instances);
GPtrArray            *quorum_canvas_get_instances       (QuorumCanvas     *self);
guint                 quorum_canvas_get_n_instances     (QuorumCanvas     *self);
const QuorumInstance *quorum_canvas_get_instance        (QuorumCanvas     *self,
                                                         guint             position);

void                  quorum_canvas_set_label_color     (QuorumCanvas     *self,
                                                         const char       *label,
                                                         const GdkRGBA    *color);
void                  quorum_canvas_set_label_visible   (QuorumCanvas     *self,
                                                         const char       *label,
                                                         gboolean          visible);
gboolean              quorum_canvas_get_label_visible   (QuorumCanvas     *self,
                                                         const char       *label);
const char           *quorum_canvas_get_current_label   (QuorumCanvas     *self);
void                  quorum_canvas_set_current_label   (QuorumCanvas     *self,
                                                         const char       *label);
double                quorum_canvas_get_fill_opacity    (QuorumCanvas     *self);
void                  quorum_canvas_set_fill_opacity    (QuorumCanvas     *self,
                                                         double            opacity);
QuorumCanvasTool      quorum_canvas_get_tool            (QuorumCanvas     *self);
void                  quorum_canvas_set_tool            (QuorumCanvas     *self,
                                                         QuorumCanvasTool  tool);

int                   quorum_canvas_get_selected        (QuorumCanvas     *self);
void                  quorum_canvas_select              (QuorumCanvas     *self,
                                                         int               position);
const QuorumInstance *quorum_canvas_get_selected_instance (QuorumCanvas   *self);
gboolean              quorum_canvas_set_instance_label  (QuorumCanvas     *self,
                                                         const char       *label);
gboolean              quorum_canvas_delete_selected     (QuorumCanvas     *self);
gboolean              quorum_canvas_set_instance_attributes (QuorumCanvas *self,
                                                         guint             position,
                                                         JsonObject       *attributes);
int                   quorum_canvas_hit_test            (QuorumCanvas     *self,
                                                         double            x,
                                                         double            y);

gboolean              quorum_canvas_can_undo            (QuorumCanvas     *self);
gboolean              quorum_canvas_can_redo            (QuorumCanvas     *self);
gboolean              quorum_canvas_undo                (QuorumCanvas     *self);
gboolean              quorum_canvas_redo                (QuorumCanvas     *self);

double                quorum_canvas_get_zoom            (QuorumCanvas     *self);
void                  quorum_canvas_zoom_at             (QuorumCanvas     *self,
                                                         double            factor,
                                                         double            x,
                                                         double            y);
void                  quorum_canvas_fit                 (QuorumCanvas     *self);
void                  quorum_canvas_set_zoom_1_1        (QuorumCanvas     *self);
void                  quorum_canvas_widget_to_image     (QuorumCanvas     *self,
                                                         double            x,
                                                         double            y,
                                                         double           *image_x,
                                                         double           *image_y);
void                  quorum_canvas_image_to_widget     (QuorumCanvas     *self,
                                                         double            image_x,
                                                         double            image_y,
                                                         double           *x,
                                                         double           *y);

gboolean              quorum_canvas_get_editable        (QuorumCanvas     *self);
void                  quorum_canvas_set_editable        (QuorumCanvas     *self,
                                                         gboolean          editable);
gboolean              quorum_canvas_get_instances_visible (QuorumCanvas   *self);
void                  quorum_canvas_set_instances_visible (QuorumCanvas   *self,
                                                         gboolean          visible);
gboolean              quorum_canvas_get_focus_selected  (QuorumCanvas     *self);
void                  quorum_canvas_set_focus_selected  (QuorumCanvas     *self,
                                                         gboolean          focus);

/* Read-only layers under the instances: review, consensus, gold. */
void                  quorum_canvas_set_layer           (QuorumCanvas     *self,
                                                         const char       *name,
                                                         GPtrArray        *instances,
                                                         const GdkRGBA    *color);
void                  quorum_canvas_clear_layers        (QuorumCanvas     *self);
void                  quorum_canvas_set_layer_frame     (QuorumCanvas     *self,
                                                         guint             frame);
guint                 quorum_canvas_get_n_layers        (QuorumCanvas     *self);
void                  quorum_canvas_set_layer_visible   (QuorumCanvas     *self,
                                                         const char       *name,
                                                         gboolean          visible);
gboolean              quorum_canvas_get_layer_visible   (QuorumCanvas     *self,
                                                         const char       *name);
guint                 quorum_canvas_get_layer_n_instances (QuorumCanvas   *self,
                                                         const char       *name);
const QuorumInstance *quorum_canvas_get_layer_instance  (QuorumCanvas     *self,
                                                         const char       *name,
                                                         guint             position);
void                  quorum_canvas_set_layer_note      (QuorumCanvas     *self,
                                                         const char       *name,
                                                         const char       *id,
                                                         const char       *note);
const char           *quorum_canvas_get_layer_note      (QuorumCanvas     *self,
                                                         const char       *name,
                                                         const char       *id);
gboolean              quorum_canvas_select_layer_instance (QuorumCanvas   *self,
                                                         const char       *name,
                                                         const char       *id);
const QuorumInstance *quorum_canvas_get_selected_layer_instance (QuorumCanvas *self,
                                                         const char      **name);

G_END_DECLS
