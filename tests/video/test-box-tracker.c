/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <math.h>

#include "quorum-box-tracker.h"
#include "quorum-error.h"
#include "square-clip.h"

/*
 * Real clips made here with GStreamer (a square moving by a known step per
 * frame), prepared by the library into its proxy and index, tracked by
 * OpenCV: every proposal is compared with where the clip drew the square.
 */

/* How far a proposal's centre and each of its edges may be from the
 * square's, in pixels. CSRT's centre is within 2 px here; its size moves
 * by its scale steps (2 %), up to 4 px. A proposal one frame off is 4.5 px
 * off in its centre. */
#define CENTRE_TOLERANCE 3.0
#define EDGE_TOLERANCE 5.0

typedef enum {
  MOVING,   /* stays in the picture to the end */
  EXITS,    /* leaves the picture on the right */
  VANISHES, /* is no longer drawn from a frame on */
  GROWS,    /* comes closer: its side grows by 1 px a frame */
  N_KINDS
} Kind;

static const SquareClip kinds[N_KINDS] = {
  [MOVING] = { 640, 360, 30, 60, 64, 60, 80, 4, 2, G_MAXUINT },
  /* Half out from frame 25 on (x0 > 320 − 24). */
  [EXITS] = { 320, 240, 30, 40, 48, 100, 96, 8, 0, G_MAXUINT },
  [VANISHES] = { 320, 240, 30, 40, 48, 40, 60, 3, 2, 20 },
  [GROWS] = { 640, 360, 30, 31, 64, 100, 80, 3, 1, G_MAXUINT, 1 },
};

typedef struct
{
  SquareClip        square;
  char             *dir;
  char             *original;
  char             *proxy;
  char             *index_path;
  QuorumVideoIndex *index;
} Clip;

static Clip *clips[N_KINDS];

static Clip *
clip_get (Kind kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) json = NULL;
  g_autofree char *text = NULL;
  gsize length;
  Clip *clip;

  if (clips[kind] != NULL)
    return clips[kind];
  clip = g_new0 (Clip, 1);
  clip->square = kinds[kind];
  clip->dir = g_dir_make_tmp ("quorum-box-tracker-XXXXXX", &error);
  g_assert_no_error (error);
  clip->original = g_build_filename (clip->dir, "square.webm", NULL);
  clip->proxy = g_build_filename (clip->dir, "proxy.webm", NULL);
  clip->index_path = g_build_filename (clip->dir, "frames.json", NULL);
  g_assert_true (square_clip_make (&clip->square, clip->original, &error));
  g_assert_no_error (error);
  g_assert_true (quorum_video_prepare (clip->original, clip->proxy, clip->index_path, NULL, NULL,
                                       NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (clip->index_path, &text, &length, &error));
  json = g_bytes_new_take (g_steal_pointer (&text), length);
  clip->index = quorum_video_index_new_from_bytes (json, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (quorum_video_index_get_n_frames (clip->index), ==, clip->square.n_frames);
  return clips[kind] = clip;
}

static void
clip_free (Clip *clip)
{
  if (clip == NULL)
    return;
  g_remove (clip->original);
  g_remove (clip->proxy);
  g_remove (clip->index_path);
  g_rmdir (clip->dir);
  g_free (clip->dir);
  g_free (clip->original);
  g_free (clip->proxy);
  g_free (clip->index_path);
  quorum_video_index_free (clip->index);
  g_free (clip);
}

static QuorumRect
square_on (Clip  *clip,
           guint  frame)
{
  QuorumRect box;

  square_clip_box_at (&clip->square, frame, &box.x0, &box.y0, &box.x1, &box.y1);
  return box;
}

/* Each proposal on consecutive frames from @first, each edge within
 * TOLERANCE of the square's moved by @drawn's offset from it on @first − 1
 * (the tracker keeps the box as drawn, a little loose or tight). */
static void
assert_follows (Clip             *clip,
                GArray           *proposals,
                guint             first,
                const QuorumRect *drawn)
{
  QuorumRect on_start = square_on (clip, first - 1);
  QuorumRect offset = { MIN (drawn->x0, drawn->x1) - on_start.x0,
                        MIN (drawn->y0, drawn->y1) - on_start.y0,
                        MAX (drawn->x0, drawn->x1) - on_start.x1,
                        MAX (drawn->y0, drawn->y1) - on_start.y1 };

  for (guint i = 0; i < proposals->len; i++)
    {
      const QuorumBoxProposal *proposal = &g_array_index (proposals, QuorumBoxProposal, i);
      QuorumRect truth = square_on (clip, proposal->frame);

      truth.x0 += offset.x0;
      truth.y0 += offset.y0;
      truth.x1 += offset.x1;
      truth.y1 += offset.y1;
      g_assert_cmpuint (proposal->frame, ==, first + i);
      if (g_test_verbose ())
        g_test_message ("frame %u: proposed %.0f,%.0f–%.0f,%.0f, drawn %.0f,%.0f–%.0f,%.0f",
                        proposal->frame, proposal->box.x0, proposal->box.y0, proposal->box.x1,
                        proposal->box.y1, truth.x0, truth.y0, truth.x1, truth.y1);
      g_assert_cmpfloat (fabs ((proposal->box.x0 + proposal->box.x1) / 2 -
                               (truth.x0 + truth.x1) / 2), <=, CENTRE_TOLERANCE);
      g_assert_cmpfloat (fabs ((proposal->box.y0 + proposal->box.y1) / 2 -
                               (truth.y0 + truth.y1) / 2), <=, CENTRE_TOLERANCE);
      g_assert_cmpfloat (fabs (proposal->box.x0 - truth.x0), <=, EDGE_TOLERANCE);
      g_assert_cmpfloat (fabs (proposal->box.y0 - truth.y0), <=, EDGE_TOLERANCE);
      g_assert_cmpfloat (fabs (proposal->box.x1 - truth.x1), <=, EDGE_TOLERANCE);
      g_assert_cmpfloat (fabs (proposal->box.y1 - truth.y1), <=, EDGE_TOLERANCE);
    }
}

typedef struct
{
  guint calls;
  guint done;
  guint total;
} Progress;

static void
on_progress (guint    done,
             guint    total,
             gpointer user_data)
{
  Progress *progress = user_data;

  g_assert_cmpuint (done, >, progress->done);
  g_assert_cmpuint (done, <=, total);
  progress->calls++;
  progress->done = done;
  progress->total = total;
}

/* From frame 0, 30 frames: the square has moved 120 px right and 60 down. */
static void
test_follow (void)
{
  Clip *clip = clip_get (MOVING);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) proposals = NULL;
  QuorumRect start = square_on (clip, 0);
  QuorumBoxTrackerEnd end = -1;
  Progress progress = { 0 };

  proposals = quorum_box_tracker_propose (clip->proxy, clip->index, 0, &start, 30, on_progress,
                                          &progress, &end, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (proposals);
  g_assert_cmpint (end, ==, QUORUM_BOX_TRACKER_COMPLETE);
  g_assert_cmpuint (proposals->len, ==, 30);
  assert_follows (clip, proposals, 1, &start);
  g_assert_cmpuint (progress.calls, ==, 30);
  g_assert_cmpuint (progress.done, ==, 30);
  g_assert_cmpuint (progress.total, ==, 30);
}

/* From a frame in the middle (a seek), a box drawn a little loosely, and
 * more frames than the video has left. */
static void
test_to_the_end (void)
{
  Clip *clip = clip_get (MOVING);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) proposals = NULL;
  QuorumRect start = square_on (clip, 40);
  QuorumBoxTrackerEnd end = -1;
  Progress progress = { 0 };

  /* The box's corners as a hand draws them: swapped, one pixel off. */
  start = (QuorumRect) { start.x1 + 1, start.y1, start.x0 - 1, start.y0 + 1 };
  proposals = quorum_box_tracker_propose (clip->proxy, clip->index, 40, &start, 50, on_progress,
                                          &progress, &end, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (end, ==, QUORUM_BOX_TRACKER_END_OF_VIDEO);
  /* Frames 41…59. */
  g_assert_cmpuint (proposals->len, ==, clip->square.n_frames - 41);
  assert_follows (clip, proposals, 41, &start);
  g_assert_cmpuint (progress.total, ==, clip->square.n_frames - 41);
  g_assert_cmpuint (progress.done, ==, progress.total);

  /* From the last frame there is nothing to propose. */
  g_clear_pointer (&proposals, g_array_unref);
  start = square_on (clip, clip->square.n_frames - 1);
  proposals = quorum_box_tracker_propose (clip->proxy, clip->index, clip->square.n_frames - 1,
                                          &start, 10, NULL, NULL, &end, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (proposals->len, ==, 0);
  g_assert_cmpint (end, ==, QUORUM_BOX_TRACKER_END_OF_VIDEO);
}

/* The square leaves the picture: proposals follow it, clipped to the
 * picture, until less than half of it is inside, and it is lost there. */
static void
test_leaves_picture (void)
{
  Clip *clip = clip_get (EXITS);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) proposals = NULL;
  QuorumRect start = square_on (clip, 10);
  QuorumBoxTrackerEnd end = -1;
  const QuorumBoxProposal *last;

  proposals = quorum_box_tracker_propose (clip->proxy, clip->index, 10, &start, 29, NULL, NULL,
                                          &end, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (end, ==, QUORUM_BOX_TRACKER_LOST);
  if (g_test_verbose ())
    for (guint i = 0; i < proposals->len; i++)
      {
        const QuorumBoxProposal *proposal = &g_array_index (proposals, QuorumBoxProposal, i);
        g_test_message ("frame %u: proposed %.0f–%.0f", proposal->frame, proposal->box.x0,
                        proposal->box.x1);
      }
  /* The tracker may give up a little before the half, never after it. */
  g_assert_cmpuint (proposals->len, >=, 10);
  last = &g_array_index (proposals, QuorumBoxProposal, proposals->len - 1);
  g_assert_cmpuint (last->frame, <=, 24);
  for (guint i = 0; i < proposals->len; i++)
    {
      const QuorumBoxProposal *proposal = &g_array_index (proposals, QuorumBoxProposal, i);
      QuorumRect truth = square_on (clip, proposal->frame);

      if (g_test_verbose ())
        g_test_message ("frame %u: proposed %.0f,%.0f–%.0f,%.0f, drawn %.0f,%.0f–%.0f,%.0f",
                        proposal->frame, proposal->box.x0, proposal->box.y0, proposal->box.x1,
                        proposal->box.y1, truth.x0, truth.y0, truth.x1, truth.y1);
      g_assert_cmpfloat (proposal->box.x1, <=, clip->square.width);
      g_assert_cmpfloat (fabs (proposal->box.x0 - truth.x0), <=, EDGE_TOLERANCE);
      g_assert_cmpfloat (fabs (proposal->box.x1 - MIN (truth.x1, clip->square.width)), <=,
                         EDGE_TOLERANCE);
      g_assert_cmpfloat (fabs (proposal->box.y0 - truth.y0), <=, EDGE_TOLERANCE);
    }
}

/* The square is gone from frame 20: the tracker says it lost it. */
static void
test_vanishes (void)
{
  Clip *clip = clip_get (VANISHES);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) proposals = NULL;
  QuorumRect start = square_on (clip, 5);
  QuorumBoxTrackerEnd end = -1;

  proposals = quorum_box_tracker_propose (clip->proxy, clip->index, 5, &start, 30, NULL, NULL,
                                          &end, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (end, ==, QUORUM_BOX_TRACKER_LOST);
  if (g_test_verbose ())
    g_test_message ("lost after %u proposals", proposals->len);
  g_assert_cmpuint (proposals->len, >=, 10);
  g_assert_cmpuint (proposals->len, <=, clip->square.vanish - 5 - 1 + 2);
  /* Up to the last frame it was drawn on, it followed it. */
  g_array_set_size (proposals, MIN (proposals->len, clip->square.vanish - 5 - 1));
  assert_follows (clip, proposals, 6, &start);
}

static double
iou (const QuorumRect *a,
     const QuorumRect *b)
{
  double w = MIN (a->x1, b->x1) - MAX (a->x0, b->x0);
  double h = MIN (a->y1, b->y1) - MAX (a->y0, b->y0);
  double both = MAX (w, 0) * MAX (h, 0);

  return both / ((a->x1 - a->x0) * (a->y1 - a->y0) + (b->x1 - b->x0) * (b->y1 - b->y0) - both);
}

/* The square's side grows from 64 to 94 px in 30 frames: the box grows
 * with it (a box of fixed size ends at IoU 0.46 at best). */
static void
test_grows (void)
{
  Clip *clip = clip_get (GROWS);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) proposals = NULL;
  QuorumRect start = square_on (clip, 0);
  QuorumBoxTrackerEnd end = -1;

  proposals = quorum_box_tracker_propose (clip->proxy, clip->index, 0, &start, 30, NULL, NULL,
                                          &end, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (end, ==, QUORUM_BOX_TRACKER_COMPLETE);
  g_assert_cmpuint (proposals->len, ==, 30);
  for (guint i = 0; i < proposals->len; i++)
    {
      const QuorumBoxProposal *proposal = &g_array_index (proposals, QuorumBoxProposal, i);
      QuorumRect truth = square_on (clip, proposal->frame);

      if (g_test_verbose ())
        g_test_message ("frame %u: proposed %.0f,%.0f–%.0f,%.0f, drawn %.0f,%.0f–%.0f,%.0f, "
                        "IoU %.3f", proposal->frame, proposal->box.x0, proposal->box.y0,
                        proposal->box.x1, proposal->box.y1, truth.x0, truth.y0, truth.x1,
                        truth.y1, iou (&proposal->box, &truth));
      g_assert_cmpfloat (iou (&proposal->box, &truth), >=, 0.7);
    }
  /* At least 60 % of the square's growth, on each side. */
  g_assert_cmpfloat (g_array_index (proposals, QuorumBoxProposal, 29).box.x1 -
                     g_array_index (proposals, QuorumBoxProposal, 29).box.x0, >=,
                     clip->square.size + 0.6 * 30 * clip->square.grow);
  g_assert_cmpfloat (g_array_index (proposals, QuorumBoxProposal, 29).box.y1 -
                     g_array_index (proposals, QuorumBoxProposal, 29).box.y0, >=,
                     clip->square.size + 0.6 * 30 * clip->square.grow);
}

static void
test_invalid (void)
{
  Clip *clip = clip_get (MOVING);
  g_autoptr(GError) error = NULL;
  QuorumRect outside = { -100, -100, -10, -10 };
  QuorumRect thin = { 10, 10, 12, 60 };
  QuorumRect start = square_on (clip, 0);

  g_assert_null (quorum_box_tracker_propose (clip->proxy, clip->index, 0, &outside, 5, NULL, NULL,
                                             NULL, NULL, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "box: "));
  g_clear_error (&error);
  g_assert_null (quorum_box_tracker_propose (clip->proxy, clip->index, 0, &thin, 5, NULL, NULL,
                                             NULL, NULL, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (quorum_box_tracker_propose (clip->proxy, clip->index, clip->square.n_frames,
                                             &start, 5, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "start_frame: "));
  g_clear_error (&error);
  g_assert_null (quorum_box_tracker_propose ("/nonexistent/proxy.webm", clip->index, 0, &start,
                                             5, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND);
}

typedef struct
{
  GMainLoop           *loop;
  GCancellable        *cancellable;
  guint                cancel_at;
  gboolean             cancel_scheduled;
  gint64               cancelled_at;
  gint64               finished_at;
  Progress             progress;
  gboolean             finished;
  GArray              *proposals;
  QuorumBoxTrackerEnd  end;
  GError              *error;
} Run;

static void
cancel_now (gpointer user_data)
{
  Run *run = user_data;

  run->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (run->cancellable);
}

static void
on_run_progress (guint    done,
                 guint    total,
                 gpointer user_data)
{
  Run *run = user_data;

  /* Never after the result. */
  g_assert_false (run->finished);
  on_progress (done, total, &run->progress);
  if (run->cancel_at != 0 && done >= run->cancel_at && !run->cancel_scheduled)
    {
      /* In the middle of the next frame's work, not between two frames. */
      run->cancel_scheduled = TRUE;
      g_timeout_add_once (10, cancel_now, run);
    }
}

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  g_assert_null (source);
  run->finished = TRUE;
  run->finished_at = g_get_monotonic_time ();
  run->proposals = quorum_box_tracker_propose_finish (result, &run->end, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
on_tick (gpointer user_data)
{
  guint *ticks = user_data;

  (*ticks)++;
  return G_SOURCE_CONTINUE;
}

/* In a worker: the main loop runs on, progress comes to it, the result
 * is the synchronous one's. */
static void
test_async (void)
{
  Clip *clip = clip_get (MOVING);
  QuorumRect start = square_on (clip, 0);
  Run run = { g_main_loop_new (NULL, FALSE), g_cancellable_new (), 0 };
  g_autoptr(GBytes) json = quorum_video_index_to_bytes (clip->index);
  QuorumVideoIndex *copy = quorum_video_index_new_from_bytes (json, NULL);
  guint ticks = 0;
  guint tick = g_timeout_add (5, on_tick, &ticks);

  /* The index may go as soon as the call returns. */
  quorum_box_tracker_propose_async (clip->proxy, copy, 0, &start, 30, on_run_progress, &run,
                                    run.cancellable, on_run_done, &run);
  quorum_video_index_free (copy);
  g_main_loop_run (run.loop);
  g_source_remove (tick);

  g_assert_no_error (run.error);
  g_assert_cmpint (run.end, ==, QUORUM_BOX_TRACKER_COMPLETE);
  g_assert_cmpuint (run.proposals->len, ==, 30);
  assert_follows (clip, run.proposals, 1, &start);
  g_assert_cmpuint (run.progress.calls, >=, 1);
  g_assert_cmpuint (run.progress.done, ==, 30);
  /* The loop was not blocked while the worker tracked. */
  g_assert_cmpuint (ticks, >, 2);
  g_array_unref (run.proposals);
  g_main_loop_unref (run.loop);
  g_object_unref (run.cancellable);
}

/* Cancelled after a few frames, on a run that would otherwise take every
 * frame left: a cancelled error, and soon. */
static void
test_cancel (void)
{
  Clip *clip = clip_get (MOVING);
  QuorumRect start = square_on (clip, 0);
  Run run = { g_main_loop_new (NULL, FALSE), g_cancellable_new (), 3, FALSE };
  gint64 started = g_get_monotonic_time ();

  quorum_box_tracker_propose_async (clip->proxy, clip->index, 0, &start, 59, on_run_progress,
                                    &run, run.cancellable, on_run_done, &run);
  g_main_loop_run (run.loop);

  g_assert_null (run.proposals);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (run.cancelled_at, >, 0);
  g_test_message ("cancelled %.1f ms after the start, result %.1f ms after the cancel",
                  (run.cancelled_at - started) / 1000.0,
                  (run.finished_at - run.cancelled_at) / 1000.0);
  /* A frame's work or two, with room for a loaded machine; the whole run
   * would take several times that. */
  g_assert_cmpint (run.finished_at - run.cancelled_at, <, 500 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (run.progress.done, <, 59);
  g_clear_error (&run.error);

  /* Cancelled before it starts: the same error, no frame tracked. */
  run.finished = FALSE;
  run.progress = (Progress) { 0 };
  run.cancel_at = 0;
  quorum_box_tracker_propose_async (clip->proxy, clip->index, 0, &start, 59, on_run_progress,
                                    &run, run.cancellable, on_run_done, &run);
  g_main_loop_run (run.loop);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (run.progress.calls, ==, 0);
  g_clear_error (&run.error);
  g_main_loop_unref (run.loop);
  g_object_unref (run.cancellable);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/box-tracker/follow", test_follow);
  g_test_add_func ("/box-tracker/to-the-end", test_to_the_end);
  g_test_add_func ("/box-tracker/leaves-picture", test_leaves_picture);
  g_test_add_func ("/box-tracker/vanishes", test_vanishes);
  g_test_add_func ("/box-tracker/grows", test_grows);
  g_test_add_func ("/box-tracker/invalid", test_invalid);
  g_test_add_func ("/box-tracker/async", test_async);
  g_test_add_func ("/box-tracker/cancel", test_cancel);
  status = g_test_run ();
  for (guint i = 0; i < N_KINDS; i++)
    clip_free (clips[i]);
  return status;
}
