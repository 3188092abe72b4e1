/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-video"

/*
 * The only C++ of the project: OpenCV's trackers behind a C API
 * (quorum-box-tracker-private.h). No OpenCV exception crosses it: each
 * becomes a GError.
 */

#include <cmath>
#include <exception>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/tracking.hpp>
#include <opencv2/video/tracking.hpp>

#include "quorum-box-tracker-private.h"
#include "quorum-error.h"

struct _QuorumBoxTracker
{
  QuorumBoxTrackerKind kind;
  cv::Ptr<cv::Tracker> tracker;
  /* The frame as BGR, reused: the trackers' colour features want three
   * channels, the decoder gives four. */
  cv::Mat              bgr;
};

extern "C" const char *
_quorum_box_tracker_kind_to_string (QuorumBoxTrackerKind kind)
{
  switch (kind)
    {
    case QUORUM_BOX_TRACKER_CSRT:
      return "CSRT";
    case QUORUM_BOX_TRACKER_KCF:
      return "KCF";
    case QUORUM_BOX_TRACKER_MIL:
      return "MIL";
    default:
      return "unknown";
    }
}

static void
set_opencv_error (GError     **error,
                  const char  *doing,
                  const char  *what)
{
  g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "OpenCV failed while %s: %s", doing,
               what);
}

extern "C" QuorumBoxTracker *
_quorum_box_tracker_new (QuorumBoxTrackerKind   kind,
                         GError               **error)
{
  try
    {
      cv::Ptr<cv::Tracker> tracker;

      switch (kind)
        {
        case QUORUM_BOX_TRACKER_CSRT:
          tracker = cv::TrackerCSRT::create ();
          break;
        case QUORUM_BOX_TRACKER_KCF:
          tracker = cv::TrackerKCF::create ();
          break;
        case QUORUM_BOX_TRACKER_MIL:
          tracker = cv::TrackerMIL::create ();
          break;
        default:
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "No tracker of kind %d.",
                       (int) kind);
          return NULL;
        }
      QuorumBoxTracker *self = new QuorumBoxTracker ();
      self->kind = kind;
      self->tracker = tracker;
      return self;
    }
  catch (const std::exception &exception)
    {
      set_opencv_error (error, "making the tracker", exception.what ());
      return NULL;
    }
}

static void
to_bgr (QuorumBoxTracker *self,
        const guint8     *pixels,
        int               width,
        int               height,
        int               stride)
{
  /* The decoder's buffer is read only; cv::Mat wants a non-const pointer
   * but cvtColor only reads its source. */
  cv::Mat bgra (height, width, CV_8UC4, const_cast<guint8 *> (pixels), (size_t) stride);

  cv::cvtColor (bgra, self->bgr, cv::COLOR_BGRA2BGR);
}

extern "C" gboolean
_quorum_box_tracker_init (QuorumBoxTracker  *self,
                          const guint8      *pixels,
                          int                width,
                          int                height,
                          int                stride,
                          const QuorumRect  *box,
                          GError           **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (box != NULL, FALSE);

  try
    {
      int x = (int) std::lround (box->x0);
      int y = (int) std::lround (box->y0);
      cv::Rect rect (x, y, (int) std::lround (box->x1) - x, (int) std::lround (box->y1) - y);

      to_bgr (self, pixels, width, height, stride);
      self->tracker->init (self->bgr, rect);
      return TRUE;
    }
  catch (const std::exception &exception)
    {
      set_opencv_error (error, "learning the object", exception.what ());
      return FALSE;
    }
}

extern "C" gboolean
_quorum_box_tracker_update (QuorumBoxTracker  *self,
                            const guint8      *pixels,
                            int                width,
                            int                height,
                            int                stride,
                            QuorumRect        *found,
                            GError           **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (found != NULL, FALSE);

  try
    {
      cv::Rect rect;

      to_bgr (self, pixels, width, height, stride);
      if (!self->tracker->update (self->bgr, rect))
        return FALSE;
      found->x0 = rect.x;
      found->y0 = rect.y;
      found->x1 = (double) rect.x + rect.width;
      found->y1 = (double) rect.y + rect.height;
      return TRUE;
    }
  catch (const std::exception &exception)
    {
      set_opencv_error (error, "following the object", exception.what ());
      return FALSE;
    }
}

extern "C" void
_quorum_box_tracker_free (QuorumBoxTracker *self)
{
  delete self;
}
