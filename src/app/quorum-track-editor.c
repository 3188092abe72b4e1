/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-track-editor.h"

struct _QuorumTrackEditor
{
  GObject           parent_instance;

  QuorumCanvas     *canvas;      /* weak: the window's */
  GPtrArray        *stored;      /* of QuorumInstance: what the task saves */
  QuorumTrackIndex *index;       /* over stored */
  guint             n_frames;
  guint             frame;
  char             *current_track;
  GHashTable       *hidden;      /* track ids not shown */
  gboolean          showing;     /* giving the canvas a frame: its selection is ours */

  /* This frame's visit: what the canvas was given and what it held after
   * the last commit, keyed by track id (or instance id when untracked). */
  GHashTable       *originals;   /* key → QuorumInstance, as shown */
  GHashTable       *last;        /* key → QuorumInstance, as last committed */
  GHashTable       *assigned;    /* canvas id of a new drawing → its track id */
  GHashTable       *removed;     /* track id → GPtrArray: deleted on this visit, for the canvas's Undo */
};

G_DEFINE_FINAL_TYPE (QuorumTrackEditor, quorum_track_editor, G_TYPE_OBJECT)

enum {
  CHANGED,
  FRAME_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *track_of (QuorumTrackEditor *self, const QuorumInstance *instance);
static void show_ghost (QuorumTrackEditor *self);

/* The user's selection makes its track current; Escape with nothing
 * selected (the signal again) ends it, so that the next drawing starts a
 * new track. */
static void
on_selection_changed (QuorumTrackEditor *self)
{
  const QuorumInstance *selected = quorum_canvas_get_selected_instance (self->canvas);

  if (self->showing)
    return;
  /* A drawing just made, before its commit gives it a track: the commit
   * decides whether it continues the current one. */
  if (selected != NULL && track_of (self, selected) == NULL && selected->kind != QUORUM_KIND_TAG &&
      !g_hash_table_contains (self->last, selected->id))
    return;
  g_free (self->current_track);
  self->current_track = selected != NULL ? g_strdup (track_of (self, selected)) : NULL;
  show_ghost (self);
}

QuorumTrackEditor *
quorum_track_editor_new (QuorumCanvas *canvas)
{
  QuorumTrackEditor *self = g_object_new (QUORUM_TYPE_TRACK_EDITOR, NULL);

  self->canvas = canvas;
  if (canvas != NULL)
    g_signal_connect_object (canvas, "selection-changed", G_CALLBACK (on_selection_changed), self,
                             G_CONNECT_SWAPPED);
  return self;
}

static GPtrArray *
new_instance_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
}

/* The track of a canvas instance: its own, or the one its drawing was
 * given on this visit; NULL when untracked. */
static const char *
track_of (QuorumTrackEditor    *self,
          const QuorumInstance *instance)
{
  return instance->track_id != NULL ? instance->track_id : g_hash_table_lookup (self->assigned, instance->id);
}

/* What the canvas knows an instance by: its track, or its own id. */
static const char *
key_of (QuorumTrackEditor    *self,
        const QuorumInstance *instance)
{
  const char *track = track_of (self, instance);

  return track != NULL ? track : instance->id;
}

/* Whether @instance is what quorum_track_instance_at() interpolated on
 * @frame ("TRACKID@FRAME"), not a stored one. */
static gboolean
is_interpolated (const QuorumInstance *instance,
                 guint                 frame)
{
  g_autofree char *suffix = g_strdup_printf ("@%u", frame);

  return instance->track_id != NULL && !instance->keyframe && g_str_has_suffix (instance->id, suffix);
}

static gboolean
same_shape (const QuorumInstance *a,
            const QuorumInstance *b)
{
  return a->kind == b->kind && a->n_points == b->n_points &&
         (a->n_points == 0 || memcmp (a->points, b->points, a->n_points * sizeof (QuorumPoint)) == 0) &&
         g_strcmp0 (a->label, b->label) == 0 && a->occluded == b->occluded &&
         (a->attributes == b->attributes || json_object_equal (a->attributes, b->attributes));
}

static void
set_stored (QuorumTrackEditor *self,
            GPtrArray         *stored)
{
  g_clear_pointer (&self->index, quorum_track_index_free);
  g_clear_pointer (&self->stored, g_ptr_array_unref);
  self->stored = stored;
  self->index = quorum_track_index_new (self->stored);
}

#define GHOST_LAYER "track-ghost"

/* Where the current track was, when this frame does not show it: its
 * nearest shape, dashed and grey, so that drawing here visibly continues
 * it (docs/video-annotation.md). */
static void
show_ghost (QuorumTrackEditor *self)
{
  static const GdkRGBA grey = { 0.6, 0.6, 0.6, 1.0 };
  g_autoptr(GPtrArray) ghost = new_instance_array ();
  const QuorumTrack *track = self->current_track != NULL && self->n_frames > 0
                             ? quorum_track_index_find (self->index, self->current_track) : NULL;

  if (self->canvas == NULL)
    return;
  if (track != NULL && track->kind != QUORUM_KIND_TAG && !g_hash_table_contains (self->hidden, track->id) &&
      quorum_track_state_at (track, self->frame, NULL, NULL, NULL) == QUORUM_TRACK_ABSENT &&
      !g_hash_table_contains (self->last, track->id))
    {
      const QuorumInstance *near = NULL;
      QuorumInstance *copy;

      for (guint i = 0; i < track->stored->len; i++)
        {
          const QuorumInstance *stored = g_ptr_array_index (track->stored, i);

          if (stored->outside)
            continue;
          if (stored->frame < self->frame || near == NULL)
            near = stored;
          if (stored->frame > self->frame)
            break;
        }
      if (near != NULL)
        {
          copy = quorum_instance_copy (near);
          g_clear_pointer (&copy->track_id, g_free);
          copy->frame = self->frame;
          copy->keyframe = FALSE;
          copy->outside = FALSE;
          g_ptr_array_add (ghost, copy);
        }
    }
  if (ghost->len > 0 || quorum_canvas_get_layer_n_instances (self->canvas, GHOST_LAYER) > 0)
    quorum_canvas_set_layer (self->canvas, GHOST_LAYER, ghost, &grey);
}

/* Gives the canvas this frame's instances and starts a new visit. */
static void
show_frame (QuorumTrackEditor *self)
{
  g_autoptr(GPtrArray) shown = NULL;
  g_autoptr(GPtrArray) visible = new_instance_array ();
  int select = -1;

  g_hash_table_remove_all (self->originals);
  g_hash_table_remove_all (self->last);
  g_hash_table_remove_all (self->assigned);
  g_hash_table_remove_all (self->removed);
  if (self->canvas == NULL)
    return;
  shown = quorum_tracks_at_frame (self->index, self->stored, self->frame);
  for (guint i = 0; i < shown->len; i++)
    {
      QuorumInstance *instance = g_ptr_array_index (shown, i);

      if (instance->track_id != NULL && g_hash_table_contains (self->hidden, instance->track_id))
        continue;
      if (instance->track_id != NULL && g_strcmp0 (instance->track_id, self->current_track) == 0)
        select = (int) visible->len;
      {
        QuorumInstance *original = quorum_instance_copy (instance);

        g_hash_table_insert (self->originals, (gpointer) key_of (self, original), original);
      }
      g_ptr_array_add (visible, g_ptr_array_steal_index (shown, i--));
    }
  for (guint i = 0; i < visible->len; i++)
    {
      QuorumInstance *copy = quorum_instance_copy (g_ptr_array_index (visible, i));

      g_hash_table_insert (self->last, (gpointer) key_of (self, copy), copy);
    }
  self->showing = TRUE;
  quorum_canvas_set_instances (self->canvas, visible);
  /* Lists rebuilt for the frame may reset the selection: before it is made. */
  g_signal_emit (self, signals[FRAME_CHANGED], 0);
  if (select >= 0)
    quorum_canvas_select (self->canvas, select);
  self->showing = FALSE;
  show_ghost (self);
}

static GPtrArray *
copy_instances (GPtrArray *instances)
{
  GPtrArray *copy = new_instance_array ();

  for (guint i = 0; instances != NULL && i < instances->len; i++)
    g_ptr_array_add (copy, quorum_instance_copy (g_ptr_array_index (instances, i)));
  return copy;
}

void
quorum_track_editor_set_instances (QuorumTrackEditor *self,
                                   GPtrArray         *instances,
                                   guint              n_frames)
{
  GPtrArray *stored = copy_instances (instances);

  g_return_if_fail (QUORUM_IS_TRACK_EDITOR (self));
  self->n_frames = n_frames;
  g_clear_pointer (&self->current_track, g_free);
  g_hash_table_remove_all (self->hidden);
  set_stored (self, stored);
  self->frame = MIN (self->frame, n_frames > 0 ? n_frames - 1 : 0);
  show_frame (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
quorum_track_editor_is_active (QuorumTrackEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_TRACK_EDITOR (self), FALSE);
  return self->n_frames > 0;
}

void
quorum_track_editor_replace (QuorumTrackEditor *self,
                             GPtrArray         *instances)
{
  g_return_if_fail (QUORUM_IS_TRACK_EDITOR (self));
  set_stored (self, copy_instances (instances));
  show_frame (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

GPtrArray *
quorum_track_editor_get_instances (QuorumTrackEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_TRACK_EDITOR (self), NULL);
  return copy_instances (self->stored);
}

const QuorumTrackIndex *
quorum_track_editor_get_index (QuorumTrackEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_TRACK_EDITOR (self), NULL);
  return self->index;
}

guint
quorum_track_editor_get_frame (QuorumTrackEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_TRACK_EDITOR (self), 0);
  return self->frame;
}

void
quorum_track_editor_set_frame (QuorumTrackEditor *self,
                               guint              frame)
{
  const QuorumInstance *selected;

  g_return_if_fail (QUORUM_IS_TRACK_EDITOR (self));
  /* The selection's track stays current: drawing goes on with it. */
  selected = self->canvas != NULL ? quorum_canvas_get_selected_instance (self->canvas) : NULL;
  if (selected != NULL)
    quorum_track_editor_set_current_track (self, track_of (self, selected));
  if (frame == self->frame && g_hash_table_size (self->last) > 0)
    return;
  self->frame = frame;
  show_frame (self);
}

const char *
quorum_track_editor_get_selected_track (QuorumTrackEditor *self)
{
  const QuorumInstance *selected;

  g_return_val_if_fail (QUORUM_IS_TRACK_EDITOR (self), NULL);
  selected = self->canvas != NULL ? quorum_canvas_get_selected_instance (self->canvas) : NULL;
  if (selected != NULL)
    return track_of (self, selected);
  return self->current_track;
}

void
quorum_track_editor_select_track (QuorumTrackEditor *self,
                                  const char        *track_id)
{
  g_return_if_fail (QUORUM_IS_TRACK_EDITOR (self));
  quorum_track_editor_set_current_track (self, track_id);
  for (guint i = 0; self->canvas != NULL && i < quorum_canvas_get_n_instances (self->canvas); i++)
    if (g_strcmp0 (track_of (self, quorum_canvas_get_instance (self->canvas, i)), track_id) == 0)
      {
        quorum_canvas_select (self->canvas, (int) i);
        return;
      }
}

const char *
quorum_track_editor_get_current_track (QuorumTrackEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_TRACK_EDITOR (self), NULL);
  return self->current_track;
}

void
quorum_track_editor_set_current_track (QuorumTrackEditor *self,
                                       const char        *track_id)
{
  g_return_if_fail (QUORUM_IS_TRACK_EDITOR (self));
  if (track_id == self->current_track)
    return;
  g_free (self->current_track);
  self->current_track = g_strdup (track_id);
}

QuorumTrackState
quorum_track_editor_get_state (QuorumTrackEditor *self,
                               const char        *track_id)
{
  const QuorumTrack *track;

  g_return_val_if_fail (QUORUM_IS_TRACK_EDITOR (self), QUORUM_TRACK_ABSENT);
  track = track_id != NULL ? quorum_track_index_find (self->index, track_id) : NULL;
  return track != NULL ? quorum_track_state_at (track, self->frame, NULL, NULL, NULL) : QUORUM_TRACK_ABSENT;
}

gboolean
quorum_track_editor_get_track_visible (QuorumTrackEditor *self,
                                       const char        *track_id)
{
  g_return_val_if_fail (QUORUM_IS_TRACK_EDITOR (self), FALSE);
  return !g_hash_table_contains (self->hidden, track_id);
}

void
quorum_track_editor_set_track_visible (QuorumTrackEditor *self,
                                       const char        *track_id,
                                       gboolean           visible)
{
  g_return_if_fail (QUORUM_IS_TRACK_EDITOR (self));
  if (!visible == !!g_hash_table_contains (self->hidden, track_id))
    return;
  quorum_track_editor_commit (self);
  if (visible)
    g_hash_table_remove (self->hidden, track_id);
  else
    g_hash_table_add (self->hidden, g_strdup (track_id));
  show_frame (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* ---- commit: the canvas's edits of this frame into the stored set ----------- */

static GPtrArray *
without (GPtrArray  *instances,
         gboolean  (*drop) (const QuorumInstance *instance, gconstpointer data),
         gconstpointer data)
{
  GPtrArray *kept = new_instance_array ();

  for (guint i = 0; i < instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (instances, i);

      if (!drop (instance, data))
        g_ptr_array_add (kept, quorum_instance_copy (instance));
    }
  return kept;
}

static gboolean
has_id (const QuorumInstance *instance,
        gconstpointer         id)
{
  return instance->track_id == NULL && g_strcmp0 (instance->id, id) == 0;
}

typedef struct
{
  const char *track_id;
  guint       frame;
} TrackFrame;

static gboolean
at_track_frame (const QuorumInstance *instance,
                gconstpointer         data)
{
  const TrackFrame *where = data;

  return instance->frame == where->frame && g_strcmp0 (instance->track_id, where->track_id) == 0;
}

static gboolean
in_track (const QuorumInstance *instance,
          gconstpointer         track_id)
{
  return g_strcmp0 (instance->track_id, track_id) == 0;
}

/* Replaces the working set with @next (owned). */
static void
replace (GPtrArray **working,
         GPtrArray  *next)
{
  g_ptr_array_unref (*working);
  *working = next;
}

/* A new drawing: it continues the current track where that track is absent
 * on this frame and is drawn as that track is, else it starts one. */
static const char *
assign_track (QuorumTrackEditor    *self,
              GPtrArray            *working,
              const QuorumInstance *instance)
{
  QuorumTrackIndex *index = quorum_track_index_new (working);
  const QuorumTrack *current = self->current_track != NULL ? quorum_track_index_find (index, self->current_track)
                                                           : NULL;
  char *track_id;

  if (current != NULL && current->kind == instance->kind &&
      quorum_track_state_at (current, self->frame, NULL, NULL, NULL) == QUORUM_TRACK_ABSENT &&
      !g_hash_table_contains (self->last, current->id))
    track_id = g_strdup (current->id);
  else
    track_id = g_uuid_string_random ();
  quorum_track_index_free (index);
  g_hash_table_insert (self->assigned, g_strdup (instance->id), track_id);
  /* The newest drawing is the track that drawing goes on with. */
  quorum_track_editor_set_current_track (self, track_id);
  return track_id;
}

/* Every stored instance of @track_id takes @label: a track has one. */
static GPtrArray *
relabel (GPtrArray  *instances,
         const char *track_id,
         const char *label)
{
  GPtrArray *next = new_instance_array ();

  for (guint i = 0; i < instances->len; i++)
    {
      QuorumInstance *copy = quorum_instance_copy (g_ptr_array_index (instances, i));

      if (g_strcmp0 (copy->track_id, track_id) == 0 && g_strcmp0 (copy->label, label) != 0)
        {
          g_free (copy->label);
          copy->label = g_strdup (label);
        }
      g_ptr_array_add (next, copy);
    }
  return next;
}

static void
commit_tracked (QuorumTrackEditor    *self,
                GPtrArray           **working,
                const QuorumInstance *shown,
                const char           *track_id)
{
  const QuorumInstance *last = g_hash_table_lookup (self->last, track_id);
  const QuorumInstance *original = g_hash_table_lookup (self->originals, track_id);
  TrackFrame where = { track_id, self->frame };
  g_autoptr(QuorumInstance) keyframe = NULL;

  if (last == NULL)
    {
      GPtrArray *stash = g_hash_table_lookup (self->removed, track_id);

      /* The canvas's Undo brought back a deleted track: all of it. */
      if (stash != NULL)
        {
          for (guint i = 0; i < stash->len; i++)
            g_ptr_array_add (*working, quorum_instance_copy (g_ptr_array_index (stash, i)));
          g_hash_table_remove (self->removed, track_id);
          if (original != NULL && same_shape (shown, original))
            return;
        }
    }
  else if (same_shape (shown, last))
    return;

  if (original != NULL && same_shape (shown, original) && original->track_id != NULL)
    {
      /* Undone back to what the frame showed: stored as it was, or
       * interpolated again. */
      replace (working, without (*working, at_track_frame, &where));
      if (!is_interpolated (original, self->frame))
        g_ptr_array_add (*working, quorum_instance_copy (original));
      return;
    }

  keyframe = quorum_instance_copy (shown);
  g_free (keyframe->track_id);
  keyframe->track_id = g_strdup (track_id);
  keyframe->frame = self->frame;
  keyframe->keyframe = TRUE;
  keyframe->outside = FALSE;
  /* A stored instance keeps its id; an interpolated one gets its own. */
  if (original != NULL && original->track_id != NULL && !is_interpolated (original, self->frame))
    {
      g_free (keyframe->id);
      keyframe->id = g_strdup (original->id);
    }
  else if (is_interpolated (shown, self->frame))
    {
      g_free (keyframe->id);
      keyframe->id = g_uuid_string_random ();
    }
  replace (working, quorum_tracks_set_keyframe (*working, keyframe));
  if (last != NULL && g_strcmp0 (last->label, shown->label) != 0)
    replace (working, relabel (*working, track_id, shown->label));
}

gboolean
quorum_track_editor_commit (QuorumTrackEditor *self)
{
  g_autoptr(GPtrArray) canvas = NULL;
  g_autoptr(GPtrArray) working = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;
  gboolean changed = FALSE;

  g_return_val_if_fail (QUORUM_IS_TRACK_EDITOR (self), FALSE);
  if (self->canvas == NULL)
    return FALSE;
  canvas = quorum_canvas_get_instances (self->canvas);
  working = quorum_track_editor_get_instances (self);
  for (guint i = 0; i < canvas->len; i++)
    {
      QuorumInstance *shown = g_ptr_array_index (canvas, i);
      const char *key;

      /* A tag classifies its frame: it has no track. */
      if (shown->track_id == NULL && shown->kind != QUORUM_KIND_TAG &&
          !g_hash_table_contains (self->assigned, shown->id) && !g_hash_table_contains (self->last, shown->id))
        assign_track (self, working, shown);
      key = key_of (self, shown);
      g_hash_table_add (seen, (gpointer) key);
      if (key != shown->id)
        commit_tracked (self, &working, shown, key);
      else
        {
          const QuorumInstance *last = g_hash_table_lookup (self->last, key);

          if (last != NULL && same_shape (shown, last))
            continue;
          replace (&working, without (working, has_id, shown->id));
          shown->frame = self->frame;
          g_ptr_array_add (working, quorum_instance_copy (shown));
        }
    }
  /* What the canvas no longer holds was deleted: a track goes whole. */
  g_hash_table_iter_init (&iter, self->last);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const QuorumInstance *last = value;

      if (g_hash_table_contains (seen, key))
        continue;
      if (track_of (self, last) != NULL)
        {
          GPtrArray *stash = new_instance_array ();

          for (guint i = 0; i < working->len; i++)
            if (in_track (g_ptr_array_index (working, i), key))
              g_ptr_array_add (stash, quorum_instance_copy (g_ptr_array_index (working, i)));
          g_hash_table_insert (self->removed, g_strdup (key), stash);
          replace (&working, quorum_tracks_remove (working, key));
        }
      else
        replace (&working, without (working, has_id, key));
    }

  /* What the canvas holds now is the base of the next commit. */
  changed = working->len != self->stored->len;
  for (guint i = 0; !changed && i < working->len; i++)
    {
      const QuorumInstance *a = g_ptr_array_index (working, i), *b = g_ptr_array_index (self->stored, i);

      changed = !same_shape (a, b) || a->frame != b->frame || g_strcmp0 (a->track_id, b->track_id) != 0 ||
                a->keyframe != b->keyframe || a->outside != b->outside || g_strcmp0 (a->id, b->id) != 0;
    }
  {
    g_autoptr(GHashTable) last = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                        (GDestroyNotify) quorum_instance_free);

    for (guint i = 0; i < canvas->len; i++)
      {
        QuorumInstance *copy = quorum_instance_copy (g_ptr_array_index (canvas, i));

        g_hash_table_insert (last, (gpointer) key_of (self, copy), copy);
      }
    /* Keys point into the instances or into assigned, which outlive them. */
    g_hash_table_unref (self->last);
    self->last = g_steal_pointer (&last);
  }
  if (!changed)
    return FALSE;
  set_stored (self, g_steal_pointer (&working));
  show_ghost (self);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

/* ---- track-wide edits --------------------------------------------------------- */

static GPtrArray *
apply (QuorumTrackEditor *self,
       GPtrArray         *next)
{
  GPtrArray *before;

  if (next == NULL)
    return NULL;
  before = quorum_track_editor_get_instances (self);
  set_stored (self, next);
  show_frame (self);
  g_signal_emit (self, signals[CHANGED], 0);
  return before;
}

GPtrArray *
quorum_track_editor_end_track (QuorumTrackEditor  *self,
                               const char         *track_id,
                               GError            **error)
{
  g_return_val_if_fail (QUORUM_IS_TRACK_EDITOR (self), NULL);
  quorum_track_editor_commit (self);
  return apply (self, quorum_tracks_set_outside (self->stored, track_id, self->frame, error));
}

GPtrArray *
quorum_track_editor_split_track (QuorumTrackEditor  *self,
                                 const char         *track_id,
                                 GError            **error)
{
  g_autofree char *new_id = g_uuid_string_random ();
  GPtrArray *before;

  g_return_val_if_fail (QUORUM_IS_TRACK_EDITOR (self), NULL);
  quorum_track_editor_commit (self);
  before = apply (self, quorum_tracks_split (self->stored, track_id, self->frame, new_id, error));
  if (before != NULL)
    {
      quorum_track_editor_set_current_track (self, new_id);
      show_frame (self);
    }
  return before;
}

GPtrArray *
quorum_track_editor_merge_tracks (QuorumTrackEditor  *self,
                                  const char         *into_id,
                                  const char         *from_id,
                                  GError            **error)
{
  g_return_val_if_fail (QUORUM_IS_TRACK_EDITOR (self), NULL);
  quorum_track_editor_commit (self);
  return apply (self, quorum_tracks_merge (self->stored, into_id, from_id, error));
}

GPtrArray *
quorum_track_editor_toggle_occluded (QuorumTrackEditor  *self,
                                     const char         *track_id,
                                     gboolean           *occluded,
                                     GError            **error)
{
  const QuorumTrack *track;
  g_autoptr(QuorumInstance) shape = NULL;
  g_autofree char *suffix = g_strdup_printf ("@%u", self->frame);

  g_return_val_if_fail (QUORUM_IS_TRACK_EDITOR (self), NULL);
  quorum_track_editor_commit (self);
  track = quorum_track_index_find (self->index, track_id);
  shape = track != NULL ? quorum_track_instance_at (track, self->frame) : NULL;
  if (shape == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The track is not on this frame: go to a frame that shows it first"));
      return NULL;
    }
  /* Occluded or not is said on a frame: that frame becomes a keyframe. */
  shape->occluded = !shape->occluded;
  shape->keyframe = TRUE;
  if (g_str_has_suffix (shape->id, suffix))
    {
      g_free (shape->id);
      shape->id = g_uuid_string_random ();
    }
  if (occluded != NULL)
    *occluded = shape->occluded;
  return apply (self, quorum_tracks_set_keyframe (self->stored, shape));
}

GPtrArray *
quorum_track_editor_remove_track (QuorumTrackEditor *self,
                                  const char        *track_id)
{
  g_return_val_if_fail (QUORUM_IS_TRACK_EDITOR (self), NULL);
  quorum_track_editor_commit (self);
  if (quorum_track_index_find (self->index, track_id) == NULL)
    return NULL;
  return apply (self, quorum_tracks_remove (self->stored, track_id));
}

GPtrArray *
quorum_track_editor_add_proposals (QuorumTrackEditor *self,
                                   const char        *track_id,
                                   const guint       *frames,
                                   const QuorumRect  *boxes,
                                   guint              n_boxes,
                                   guint             *n_added)
{
  const QuorumTrack *track = quorum_track_index_find (self->index, track_id);
  GPtrArray *next;
  guint added = 0;

  g_return_val_if_fail (QUORUM_IS_TRACK_EDITOR (self), NULL);
  if (n_added != NULL)
    *n_added = 0;
  if (track == NULL || track->kind != QUORUM_KIND_BOX)
    return NULL;
  next = quorum_track_editor_get_instances (self);
  for (guint i = 0; i < n_boxes; i++)
    {
      const QuorumInstance *a = NULL;
      QuorumTrackState state = quorum_track_state_at (track, frames[i], &a, NULL, NULL);
      g_autoptr(QuorumInstance) proposal = NULL;
      g_autofree char *id = NULL;
      QuorumPoint corners[2] = { { boxes[i].x0, boxes[i].y0 }, { boxes[i].x1, boxes[i].y1 } };
      TrackFrame where = { track_id, frames[i] };

      /* A proposal never takes a keyframe's place (nor anything past one:
       * the caller stops there). */
      if (state == QUORUM_TRACK_KEYFRAME)
        break;
      if (a == NULL)
        a = g_ptr_array_index (track->stored, track->stored->len - 1);
      id = g_uuid_string_random ();
      proposal = quorum_instance_copy (a);
      g_free (proposal->id);
      proposal->id = g_steal_pointer (&id);
      quorum_instance_set_points (proposal, corners, 2);
      proposal->frame = frames[i];
      proposal->keyframe = FALSE;
      proposal->outside = FALSE;
      g_clear_pointer (&proposal->copied_from, g_free);
      replace (&next, without (next, at_track_frame, &where));
      g_ptr_array_add (next, g_steal_pointer (&proposal));
      added++;
    }
  if (n_added != NULL)
    *n_added = added;
  if (added == 0)
    {
      g_ptr_array_unref (next);
      return NULL;
    }
  return apply (self, next);
}

static int
compare_frames (gconstpointer a,
                gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

GArray *
quorum_track_editor_get_marks (QuorumTrackEditor *self)
{
  GArray *frames = g_array_new (FALSE, FALSE, sizeof (guint));

  g_return_val_if_fail (QUORUM_IS_TRACK_EDITOR (self), frames);
  for (guint i = 0; i < self->stored->len; i++)
    g_array_append_val (frames, ((QuorumInstance *) g_ptr_array_index (self->stored, i))->frame);
  g_array_sort (frames, compare_frames);
  return frames;
}

static void
quorum_track_editor_finalize (GObject *object)
{
  QuorumTrackEditor *self = QUORUM_TRACK_EDITOR (object);

  g_clear_pointer (&self->index, quorum_track_index_free);
  g_clear_pointer (&self->stored, g_ptr_array_unref);
  g_free (self->current_track);
  g_hash_table_unref (self->hidden);
  g_hash_table_unref (self->originals);
  g_hash_table_unref (self->last);
  g_hash_table_unref (self->assigned);
  g_hash_table_unref (self->removed);
  G_OBJECT_CLASS (quorum_track_editor_parent_class)->finalize (object);
}

static void
quorum_track_editor_class_init (QuorumTrackEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = quorum_track_editor_finalize;
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[FRAME_CHANGED] =
    g_signal_new ("frame-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
quorum_track_editor_init (QuorumTrackEditor *self)
{
  self->stored = new_instance_array ();
  self->index = quorum_track_index_new (self->stored);
  self->hidden = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->originals = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) quorum_instance_free);
  self->last = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) quorum_instance_free);
  self->assigned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->removed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
}
