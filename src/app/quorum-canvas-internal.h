/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "quorum-canvas-private.h"
#include "quorum-track.h"

G_BEGIN_DECLS

/* The canvas is one object in four files: this one (view, image, drawing),
 * -edit (the list, selection, undo and new instances), -layers (read-only
 * layers) and -controllers (pointer, keys, gestures). What they share, for them only: */

#define MIN_ZOOM      0.01
#define MAX_ZOOM      64.0
#define ZOOM_STEP     1.2
#define WHEEL_PAN     48.0   /* widget pixels per wheel step */
#define GRAB_DISTANCE (QUORUM_OVERLAY_HANDLE_SIZE / 2 + 2)
#define EDGE_DISTANCE 5.0
#define CLICK_SLOP    3.0    /* a box smaller than this, in widget pixels, was a click */

/* One change to the list: @before absent means an insertion, @after absent
 * a deletion, both present a replacement. Undo applies it backwards. */
typedef struct
{
  guint           position;
  QuorumInstance *before;
  QuorumInstance *after;
} Command;

typedef enum {
  DRAG_NONE,
  DRAG_PAN,
  DRAG_MOVE,
  DRAG_HANDLE,
  DRAG_BOX,
} DragMode;

struct _QuorumCanvas
{
  GtkWidget         parent_instance;

  GdkTexture       *image;
  /* The image's extent in image pixels: @image is drawn stretched over it
   * (a preview is smaller), or @tiles are drawn instead. */
  int               image_width;
  int               image_height;
  QuorumTiledImage *tiles;
  QuorumImagePyramid *pyramid;    /* @image and its smaller levels, without @tiles */
  /* A video frame at the size it was first shown (quorum_frame_scale()),
   * and the frame it copies. */
  GdkTexture       *frame_copy;
  GdkTexture       *frame_copy_of;
  QuorumOverlay    *overlay;
  QuorumView        view;         /* widget pixels */
  gboolean          fit_pending;
  gboolean          fitted;       /* the view is the fit, untouched since: refit on resize */

  QuorumCanvasTool  tool;
  char             *current_label;
  guint             frames;         /* snapshots taken, for timing */
  double            fill_opacity;
  int               selected;

  GPtrArray        *undo;         /* of Command, last on top */
  GPtrArray        *redo;

  double            pointer_x;
  double            pointer_y;
  gboolean          pointer_inside;
  gboolean          space_down;

  DragMode          drag;
  double            drag_x;
  double            drag_y;
  QuorumView        drag_view;
  QuorumInstance   *drag_original;  /* the selected instance before the drag */
  QuorumInstance   *drag_base;      /* what the drag changes: the original, maybe with a new vertex */
  guint             drag_handle;
  gboolean          drag_moved;
  QuorumPoint       box_start;
  QuorumPoint       box_end;

  GArray           *draft;          /* of QuorumPoint: the polygon or polyline being drawn */

  double            gesture_scale;

  /* Review: read-only layers under the instances, a selection in one of
   * them, and what may be changed. */
  GPtrArray        *layers;         /* of Layer, the last on top */
  int               layer_selected; /* index in @layers, or -1 */
  int               layer_position;
  guint             layer_frame;    /* a video's frame the layers show, G_MAXUINT: all (an image) */
  gboolean          editable;
  gboolean          instances_visible;
  gboolean          focus_selected;
};

/* A read-only set of instances drawn under the editable ones: another
 * annotator's pass, the draw under review, the gold standard. */
typedef struct
{
  char          *name;
  QuorumOverlay *overlay;
  gboolean       has_color;     /* one colour for all, else the label colours */
  GdkRGBA        color;
  gboolean       visible;
  GHashTable    *notes;         /* instance id → text written beside it */
  GPtrArray     *all;           /* of QuorumInstance: every frame's, when a frame is shown */
  QuorumTrackIndex *tracks;     /* over @all */
} Layer;

enum {
  PROP_0,
  PROP_IMAGE,
  PROP_IMAGE_DETAIL,
  PROP_TOOL,
  PROP_CURRENT_LABEL,
  PROP_FILL_OPACITY,
  PROP_ZOOM,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_EDITABLE,
  PROP_INSTANCES_VISIBLE,
  PROP_FOCUS_SELECTED,
  N_PROPS
};

enum {
  INSTANCES_CHANGED,
  SELECTION_CHANGED,
  N_SIGNALS
};

void           _quorum_canvas_notify          (QuorumCanvas   *self,
                                               guint           prop);
void           _quorum_canvas_emit            (QuorumCanvas   *self,
                                               guint           signal);
void           _quorum_canvas_command_free    (gpointer        data);
void           _quorum_canvas_layer_free      (gpointer        data);
void           _quorum_canvas_add_controllers (QuorumCanvas   *self);
void _quorum_canvas_set_view (QuorumCanvas *self, const QuorumView *view);
void _quorum_canvas_zoom_anchor (QuorumCanvas *self, double *x, double *y);
void _quorum_canvas_update_cursor (QuorumCanvas *self);
void _quorum_canvas_on_overlay_changed (gpointer overlay, gpointer user_data);
QuorumInstance *_quorum_canvas_new_instance (QuorumCanvas *self, QuorumKind kind);
void _quorum_canvas_add_instance (QuorumCanvas *self, QuorumInstance *instance);
void _quorum_canvas_record (QuorumCanvas *self, Command *command);
Command *_quorum_canvas_command_new (guint position, const QuorumInstance *before, const QuorumInstance *after);
gboolean _quorum_canvas_delete_vertex (QuorumCanvas *self, guint vertex);
gboolean _quorum_canvas_insert_vertex_at (QuorumCanvas *self, double x, double y);
void _quorum_canvas_cancel_draft (QuorumCanvas *self);
int _quorum_canvas_handle_at (QuorumCanvas *self, double x, double y);
gboolean _quorum_canvas_edge_at (QuorumCanvas *self, double x, double y, guint *insert_at, QuorumPoint *where);
QuorumInstance *_quorum_canvas_with_vertex_inserted (const QuorumInstance *instance, guint position, const QuorumPoint *point);
gboolean _quorum_canvas_near_first_vertex (QuorumCanvas *self, double x, double y);
void _quorum_canvas_finish_draft (QuorumCanvas *self);
QuorumInstance *_quorum_canvas_draft_instance (QuorumCanvas *self, QuorumKind kind);
gboolean _quorum_canvas_select_layer_at (QuorumCanvas *self, double ix, double iy);

G_END_DECLS
