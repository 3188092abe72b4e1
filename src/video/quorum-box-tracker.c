/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-video"

#include <math.h>

#include "quorum-box-tracker-private.h"
#include "quorum-error.h"
#include "quorum-video-private.h"

/*
 * The decoder walks forward from the start frame (consecutive frames never
 * seek) and hands each frame to the tracker. A proposal is the tracker's
 * box clipped to the picture. The object is lost when the tracker says so
 * (CSRT: the peak-to-sidelobe ratio of its response under its threshold)
 * or when it has left the picture (leaves_picture()).
 */

/* A smaller box gives a tracker too few pixels to learn from. */
#define MIN_BOX_SIDE 4
/* The share of the tracker's box that must stay in the picture. */
#define MIN_INSIDE 0.5

const char *
quorum_box_tracker_end_to_string (QuorumBoxTrackerEnd end)
{
  switch (end)
    {
    case QUORUM_BOX_TRACKER_COMPLETE:
      return "complete";
    case QUORUM_BOX_TRACKER_END_OF_VIDEO:
      return "end-of-video";
    case QUORUM_BOX_TRACKER_LOST:
      return "lost";
    default:
      return "unknown";
    }
}

static void
clip_to_picture (const QuorumRect *box,
                 int               width,
                 int               height,
                 QuorumRect       *clipped)
{
  clipped->x0 = CLAMP (MIN (box->x0, box->x1), 0, width);
  clipped->y0 = CLAMP (MIN (box->y0, box->y1), 0, height);
  clipped->x1 = CLAMP (MAX (box->x0, box->x1), 0, width);
  clipped->y1 = CLAMP (MAX (box->y0, box->y1), 0, height);
}

static double
area (const QuorumRect *box)
{
  return (box->x1 - box->x0) * (box->y1 - box->y0);
}

/* CSRT keeps the centre of its box inside the picture: when the object
 * goes on out, the box stays stuck at the edge with its centre on it. So
 * a centre on the edge (within a pixel), or a box less than half inside
 * (for a tracker that lets it go), is an object that has left. */
static gboolean
leaves_picture (const QuorumRect *found,
                int               width,
                int               height)
{
  double cx = (found->x0 + found->x1) / 2, cy = (found->y0 + found->y1) / 2;
  QuorumRect inside;

  clip_to_picture (found, width, height, &inside);
  return area (found) <= 0 || area (&inside) < MIN_INSIDE * area (found) ||
         cx < 1 || cy < 1 || cx > width - 1 || cy > height - 1;
}

typedef struct
{
  GBytes *pixels;
  int     stride;
} Frame;

static gboolean
decode (QuorumVideoDecoder  *decoder,
        guint                frame,
        Frame               *out,
        GCancellable        *cancellable,
        GError             **error)
{
  g_clear_pointer (&out->pixels, g_bytes_unref);
  out->pixels = quorum_video_decoder_decode_frame (decoder, frame, &out->stride, cancellable, error);
  return out->pixels != NULL;
}

GArray *
quorum_box_tracker_propose (const char                *proxy_path,
                            const QuorumVideoIndex    *index,
                            guint                      start_frame,
                            const QuorumRect          *box,
                            guint                      max_frames,
                            QuorumBoxTrackerProgress   progress,
                            gpointer                   progress_data,
                            QuorumBoxTrackerEnd       *end,
                            GCancellable              *cancellable,
                            GError                   **error)
{
  g_autoptr(GArray) proposals = NULL;
  g_autoptr(QuorumVideoDecoder) decoder = NULL;
  g_autoptr(QuorumBoxTracker) tracker = NULL;
  Frame frame = { NULL, 0 };
  QuorumBoxTrackerEnd why = QUORUM_BOX_TRACKER_COMPLETE;
  QuorumRect start;
  guint n_frames, total;
  int width, height;
  gboolean ok = FALSE;

  g_return_val_if_fail (proxy_path != NULL, NULL);
  g_return_val_if_fail (index != NULL, NULL);
  g_return_val_if_fail (box != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  n_frames = quorum_video_index_get_n_frames (index);
  quorum_video_index_get_size (index, &width, &height);
  if (start_frame >= n_frames)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "start_frame: frame %u is past the video's last frame, %u.", start_frame,
                   n_frames - 1);
      return NULL;
    }
  if (!isfinite (box->x0) || !isfinite (box->y0) || !isfinite (box->x1) || !isfinite (box->y1))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "box: a corner is not a finite number.");
      return NULL;
    }
  clip_to_picture (box, width, height, &start);
  if (start.x1 - start.x0 < MIN_BOX_SIDE || start.y1 - start.y0 < MIN_BOX_SIDE)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "box: %.0f × %.0f pixels of it are inside the %d × %d picture; the tracker "
                   "needs at least %d × %d.", start.x1 - start.x0, start.y1 - start.y0, width,
                   height, MIN_BOX_SIDE, MIN_BOX_SIDE);
      return NULL;
    }

  proposals = g_array_new (FALSE, FALSE, sizeof (QuorumBoxProposal));
  total = MIN (max_frames, n_frames - 1 - start_frame);
  if (total < max_frames)
    why = QUORUM_BOX_TRACKER_END_OF_VIDEO;
  if (total == 0)
    goto done;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  decoder = quorum_video_decoder_new (proxy_path, index, error);
  if (decoder == NULL)
    return NULL;
  tracker = _quorum_box_tracker_new (QUORUM_BOX_TRACKER_CSRT, error);
  if (tracker == NULL)
    return NULL;
  if (!decode (decoder, start_frame, &frame, cancellable, error))
    goto out;
  if (!_quorum_box_tracker_init (tracker, g_bytes_get_data (frame.pixels, NULL), width, height,
                                 frame.stride, &start, error))
    goto out;

  for (guint i = 1; i <= total; i++)
    {
      QuorumBoxProposal proposal = { start_frame + i, { 0, 0, 0, 0 } };
      g_autoptr(GError) local_error = NULL;
      QuorumRect found;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;
      if (!decode (decoder, proposal.frame, &frame, cancellable, error))
        goto out;
      if (!_quorum_box_tracker_update (tracker, g_bytes_get_data (frame.pixels, NULL), width,
                                       height, frame.stride, &found, &local_error))
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              goto out;
            }
          why = QUORUM_BOX_TRACKER_LOST;
          break;
        }
      clip_to_picture (&found, width, height, &proposal.box);
      if (leaves_picture (&found, width, height))
        {
          why = QUORUM_BOX_TRACKER_LOST;
          break;
        }
      g_array_append_val (proposals, proposal);
      if (progress != NULL)
        progress (i, total, progress_data);
    }

done:
  ok = TRUE;
  if (end != NULL)
    *end = why;
out:
  g_clear_pointer (&frame.pixels, g_bytes_unref);
  return ok ? g_steal_pointer (&proposals) : NULL;
}

/* ---- in a worker thread ------------------------------------------------ */

typedef struct
{
  char                     *proxy_path;
  QuorumVideoIndex         *index;
  guint                     start_frame;
  QuorumRect                box;
  guint                     max_frames;
  QuorumBoxTrackerEnd       end;

  QuorumBoxTrackerProgress  progress;
  gpointer                  progress_data;
  GMainContext             *context;
  /* The worker's latest progress, and whether a call to hand it to
   * @progress is already on its way: a slow main loop gets one call for
   * several frames, not a queue of them. */
  GMutex                    mutex;
  guint                     done;
  guint                     total;
  gboolean                  pending;
} Propose;

static void
propose_free (gpointer data)
{
  Propose *propose = data;

  g_free (propose->proxy_path);
  quorum_video_index_free (propose->index);
  g_clear_pointer (&propose->context, g_main_context_unref);
  g_mutex_clear (&propose->mutex);
  g_free (propose);
}

static gboolean
progress_in_context (gpointer user_data)
{
  GTask *task = user_data;
  Propose *propose = g_task_get_task_data (task);
  guint done, total;

  g_mutex_lock (&propose->mutex);
  done = propose->done;
  total = propose->total;
  propose->pending = FALSE;
  g_mutex_unlock (&propose->mutex);
  /* The result goes the same way at the same priority, after this; the
   * check keeps the promise even if a caller's loop reorders sources. */
  if (!g_task_get_completed (task))
    propose->progress (done, total, propose->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_from_worker (guint    done,
                      guint    total,
                      gpointer user_data)
{
  GTask *task = user_data;
  Propose *propose = g_task_get_task_data (task);
  gboolean schedule;

  g_mutex_lock (&propose->mutex);
  propose->done = done;
  propose->total = total;
  schedule = !propose->pending;
  propose->pending = TRUE;
  g_mutex_unlock (&propose->mutex);
  if (schedule)
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_priority (source, g_task_get_priority (task));
      g_source_set_callback (source, progress_in_context, g_object_ref (task), g_object_unref);
      g_source_set_static_name (source, "[quorum] box tracker progress");
      g_source_attach (source, propose->context);
    }
}

static void
propose_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Propose *propose = task_data;
  g_autoptr(GError) error = NULL;
  GArray *proposals;

  proposals = quorum_box_tracker_propose (propose->proxy_path, propose->index,
                                          propose->start_frame, &propose->box,
                                          propose->max_frames,
                                          propose->progress != NULL ? progress_from_worker : NULL,
                                          task, &propose->end, cancellable, &error);
  if (proposals == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, proposals, (GDestroyNotify) g_array_unref);
}

void
quorum_box_tracker_propose_async (const char                *proxy_path,
                                  const QuorumVideoIndex    *index,
                                  guint                      start_frame,
                                  const QuorumRect          *box,
                                  guint                      max_frames,
                                  QuorumBoxTrackerProgress   progress,
                                  gpointer                   progress_data,
                                  GCancellable              *cancellable,
                                  GAsyncReadyCallback        callback,
                                  gpointer                   user_data)
{
  g_autoptr(GTask) task = NULL;
  Propose *propose;

  g_return_if_fail (proxy_path != NULL);
  g_return_if_fail (index != NULL);
  g_return_if_fail (box != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, quorum_box_tracker_propose_async);
  g_task_set_name (task, "[quorum] box tracker");
  propose = g_new0 (Propose, 1);
  propose->proxy_path = g_strdup (proxy_path);
  propose->index = _quorum_video_index_copy (index);
  propose->start_frame = start_frame;
  propose->box = *box;
  propose->max_frames = max_frames;
  propose->progress = progress;
  propose->progress_data = progress_data;
  propose->context = g_main_context_ref_thread_default ();
  g_mutex_init (&propose->mutex);
  g_task_set_task_data (task, propose, propose_free);
  g_task_run_in_thread (task, propose_in_thread);
}

GArray *
quorum_box_tracker_propose_finish (GAsyncResult         *result,
                                   QuorumBoxTrackerEnd  *end,
                                   GError              **error)
{
  GArray *proposals;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == quorum_box_tracker_propose_async,
                        NULL);

  proposals = g_task_propagate_pointer (G_TASK (result), error);
  if (proposals != NULL && end != NULL)
    {
      Propose *propose = g_task_get_task_data (G_TASK (result));
      *end = propose->end;
    }
  return proposals;
}
