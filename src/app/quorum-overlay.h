/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <gtk/gtk.h>

#include "quorum-model.h"

G_BEGIN_DECLS

/**
 * QuorumView:
 * @scale: output pixels per image pixel
 *
 * A view transform: an image point (ix, iy) lands on output pixel
 * (ix × scale + x, iy × scale + y).
 */
typedef struct
{
  double scale;
  double x;
  double y;
} QuorumView;

void quorum_view_to_image  (const QuorumView *view,
                            double            ox,
                            double            oy,
                            double           *ix,
                            double           *iy);
void quorum_view_to_output (const QuorumView *view,
                            double            ix,
                            double            iy,
                            double           *ox,
                            double           *oy);

/**
 * QuorumOverlayStyle:
 * @fill_opacity: the opacity of a shape's fill, 0 to 1; its outline is opaque
 * @line_width: outline width in output pixels
 */
typedef struct
{
  double fill_opacity;
  double line_width;
} QuorumOverlayStyle;

/* Output pixels. */
#define QUORUM_OVERLAY_HANDLE_SIZE  8.0
#define QUORUM_OVERLAY_POINT_RADIUS 4.5

/* The side of a cached tile, in output pixels. */
#define QUORUM_OVERLAY_TILE_SIZE 384

/**
 * QuorumOverlay:
 *
 * The instances of one file as the canvas draws them: the list in stacking
 * order (later on top), a spatial index over their bounds, the colour and
 * visibility of each label, and a cache of rendered tiles that a background
 * thread fills. Everything but the tile drawing runs on the main thread.
 *
 * One instance can be *excluded* from the tiles — the one being edited — so
 * that editing it redraws only itself over the cache of everything else.
 */
typedef struct _QuorumOverlay QuorumOverlay;

typedef void (*QuorumOverlayTileFunc) (GdkTexture            *texture,
                                       const graphene_rect_t *bounds,
                                       gpointer               user_data);

QuorumOverlay        *quorum_overlay_new                (void);
void                  quorum_overlay_free               (QuorumOverlay            *overlay);

void                  quorum_overlay_set_changed_func   (QuorumOverlay            *overlay,
                                                         GFunc                     func,
                                                         gpointer                  user_data);
void                  quorum_overlay_set_extent         (QuorumOverlay            *overlay,
                                                         double                    width,
                                                         double                    height);
const QuorumOverlayStyle *
                      quorum_overlay_get_style          (QuorumOverlay            *overlay);
void                  quorum_overlay_set_style          (QuorumOverlay            *overlay,
                                                         const QuorumOverlayStyle *style);
void                  quorum_overlay_set_label_color    (QuorumOverlay            *overlay,
                                                         const char               *label,
                                                         const GdkRGBA            *color);
void                  quorum_overlay_get_label_color    (QuorumOverlay            *overlay,
                                                         const char               *label,
                                                         GdkRGBA                  *color);
gboolean              quorum_overlay_set_label_visible  (QuorumOverlay            *overlay,
                                                         const char               *label,
                                                         gboolean                  visible);
gboolean              quorum_overlay_get_label_visible  (QuorumOverlay            *overlay,
                                                         const char               *label);

void                  quorum_overlay_set_instances      (QuorumOverlay            *overlay,
                                                         GPtrArray                *instances);
guint                 quorum_overlay_get_n_instances    (QuorumOverlay            *overlay);
const QuorumInstance *quorum_overlay_get_instance       (QuorumOverlay            *overlay,
                                                         guint                     position);
void                  quorum_overlay_insert             (QuorumOverlay            *overlay,
                                                         guint                     position,
                                                         QuorumInstance           *instance);
QuorumInstance       *quorum_overlay_steal              (QuorumOverlay            *overlay,
                                                         guint                     position);
void                  quorum_overlay_replace            (QuorumOverlay            *overlay,
                                                         guint                     position,
                                                         QuorumInstance           *instance);
int                   quorum_overlay_get_excluded       (QuorumOverlay            *overlay);
void                  quorum_overlay_set_excluded       (QuorumOverlay            *overlay,
                                                         int                       position);

int                   quorum_overlay_hit_test           (QuorumOverlay            *overlay,
                                                         double                    ix,
                                                         double                    iy,
                                                         double                    tolerance);
gboolean              quorum_overlay_hit_instance       (QuorumOverlay            *overlay,
                                                         guint                     position,
                                                         double                    ix,
                                                         double                    iy,
                                                         double                    tolerance);

void                  quorum_overlay_render             (QuorumOverlay            *overlay,
                                                         cairo_t                  *cr,
                                                         const QuorumView         *view,
                                                         int                       width,
                                                         int                       height);
void                  quorum_overlay_render_image       (QuorumOverlay            *overlay,
                                                         cairo_surface_t          *surface,
                                                         const QuorumView         *view);
void                  quorum_overlay_draw_instance      (QuorumOverlay            *overlay,
                                                         cairo_t                  *cr,
                                                         const QuorumView         *view,
                                                         const QuorumInstance     *instance,
                                                         gboolean                  selected);
void                  quorum_overlay_handles            (const QuorumInstance     *instance,
                                                         GArray                   *handles);
void                  quorum_overlay_instance_extents   (QuorumOverlay            *overlay,
                                                         const QuorumView         *view,
                                                         const QuorumInstance     *instance,
                                                         QuorumRect               *extents);

void                  quorum_overlay_frame              (QuorumOverlay            *overlay,
                                                         const QuorumView         *view,
                                                         int                       width,
                                                         int                       height,
                                                         QuorumOverlayTileFunc     func,
                                                         gpointer                  user_data);
guint                 quorum_overlay_get_frame_missing  (QuorumOverlay            *overlay);
gboolean              quorum_overlay_is_rendering       (QuorumOverlay            *overlay);
gboolean              quorum_overlay_is_sharp           (QuorumOverlay            *overlay);
gboolean              quorum_overlay_is_complete        (QuorumOverlay            *overlay);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumOverlay, quorum_overlay_free)

G_END_DECLS
