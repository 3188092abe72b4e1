/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "quorum-box-tracker.h"
#include "quorum-color-swatch.h"
#include "quorum-track-list.h"

/* How far Propagate forward goes at most: to the track's next keyframe, or
 * this many frames (docs/video-annotation.md). */
#define PROPAGATE_MAX_FRAMES 100

struct _QuorumTrackList
{
  GtkWidget          parent_instance;

  GtkLabel          *hint;
  GtkStack          *stack;
  GtkListBox        *list;
  GtkWidget         *propagate_box;
  GtkLabel          *propagate_label;
  GtkProgressBar    *propagate_progress;

  QuorumVideoTask   *task;       /* weak: the window's */
  QuorumCanvas      *canvas;     /* weak */
  QuorumTrackEditor *editor;
  GHashTable        *colors;     /* label → "#rrggbb" */
  GHashTable        *rows;       /* track id → AdwActionRow (borrowed) */
  GCancellable      *propagating; /* Propagate forward under way */
  char              *propagate_track;
};

G_DEFINE_FINAL_TYPE (QuorumTrackList, quorum_track_list, GTK_TYPE_WIDGET)

enum {
  UNDOABLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GtkWidget *
quorum_track_list_new (void)
{
  return g_object_new (QUORUM_TYPE_TRACK_LIST, NULL);
}

guint
quorum_track_list_get_n_rows (QuorumTrackList *self)
{
  g_return_val_if_fail (QUORUM_IS_TRACK_LIST (self), 0);
  return g_hash_table_size (self->rows);
}

static const char *
state_text (QuorumTrackState state)
{
  switch (state)
    {
    case QUORUM_TRACK_KEYFRAME:
      return _("keyframe here");
    case QUORUM_TRACK_PROPOSED:
      return _("proposed here");
    case QUORUM_TRACK_INTERPOLATED:
      return _("interpolated here");
    case QUORUM_TRACK_ABSENT:
    default:
      return _("not on this frame");
    }
}

static char *
subtitle_of (QuorumTrackList   *self,
             const QuorumTrack *track)
{
  const QuorumInstance *a = NULL;
  QuorumTrackState state = quorum_track_state_at (track, quorum_track_editor_get_frame (self->editor),
                                                  &a, NULL, NULL);
  g_autofree char *shown = a != NULL && a->occluded && state != QUORUM_TRACK_ABSENT
                           /* Translators: what a frame shows of a track, and that it is occluded there */
                           ? g_strdup_printf (_("%s, occluded"), state_text (state)) : g_strdup (state_text (state));

  /* Translators: a track's frames (numbered from 0 as the timeline shows
   * them), its keyframes, and what the current frame shows of it */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Frames %u–%u · %u keyframe · %s",
                                       "Frames %u–%u · %u keyframes · %s", track->n_keyframes),
                          track->first, track->last, track->n_keyframes, shown);
}

static void
update_subtitles (QuorumTrackList *self)
{
  const QuorumTrackIndex *index = quorum_track_editor_get_index (self->editor);

  for (guint i = 0; i < quorum_track_index_get_n_tracks (index); i++)
    {
      const QuorumTrack *track = quorum_track_index_get_track (index, i);
      AdwActionRow *row = g_hash_table_lookup (self->rows, track->id);
      g_autofree char *subtitle = NULL;

      if (row == NULL)
        continue;
      subtitle = subtitle_of (self, track);
      adw_action_row_set_subtitle (row, subtitle);
    }
}

static void
update_hint (QuorumTrackList *self)
{
  const char *current = quorum_track_editor_get_selected_track (self->editor);
  const QuorumTrack *track = current != NULL
                             ? quorum_track_index_find (quorum_track_editor_get_index (self->editor), current)
                             : NULL;
  g_autofree char *text = NULL;

  if (track != NULL && quorum_track_editor_get_state (self->editor, current) == QUORUM_TRACK_ABSENT)
    /* Translators: under Tracks when the selected track is not on this frame */
    text = g_strdup_printf (_("A %s drawn here continues the selected “%s” track; press Escape first to start a new one."),
                            quorum_kind_to_string (track->kind), track->label);
  gtk_label_set_label (self->hint, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->hint), text != NULL);
}

static void
on_visible_toggled (GtkToggleButton *button,
                    QuorumTrackList *self)
{
  const char *track_id = g_object_get_data (G_OBJECT (button), "track-id");
  gboolean visible = gtk_toggle_button_get_active (button);

  gtk_button_set_icon_name (GTK_BUTTON (button), visible ? "view-reveal-symbolic" : "view-conceal-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), visible ? _("Hide the Track") : _("Show the Track"));
  quorum_track_editor_set_track_visible (self->editor, track_id, visible);
}

static GMenuModel *
track_menu (QuorumTrackList        *self,
            const QuorumTrackIndex *index,
            const QuorumTrack      *track)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) merge = g_menu_new ();
  g_autoptr(GMenu) edits = g_menu_new ();
  g_autoptr(GMenu) remove = g_menu_new ();
  g_autoptr(GMenuItem) item = NULL;

  item = g_menu_item_new (_("_Split at This Frame"), NULL);
  g_menu_item_set_action_and_target_value (item, "track.split", g_variant_new_string (track->id));
  g_menu_append_item (edits, item);
  g_clear_object (&item);
  if (track->kind == QUORUM_KIND_BOX)
    {
      item = g_menu_item_new (_("_Propagate Forward"), NULL);
      g_menu_item_set_action_and_target_value (item, "track.propagate", g_variant_new_string (track->id));
      g_menu_append_item (edits, item);
      g_clear_object (&item);
    }
  item = g_menu_item_new (_("_Occluded at This Frame"), NULL);
  g_menu_item_set_action_and_target_value (item, "track.occluded", g_variant_new_string (track->id));
  g_menu_append_item (edits, item);
  g_clear_object (&item);
  item = g_menu_item_new (_("_End at This Frame"), NULL);
  g_menu_item_set_action_and_target_value (item, "track.end", g_variant_new_string (track->id));
  g_menu_append_item (edits, item);
  g_clear_object (&item);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (edits));

  /* Merging joins two tracks of one label and kind. */
  for (guint i = 0; i < quorum_track_index_get_n_tracks (index); i++)
    {
      const QuorumTrack *other = quorum_track_index_get_track (index, i);
      g_autofree char *title = NULL;

      if (other == track || other->kind != track->kind || g_strcmp0 (other->label, track->label) != 0)
        continue;
      /* Translators: a track to merge with, by its frames */
      title = g_strdup_printf (_("Frames %u–%u"), other->first, other->last);
      item = g_menu_item_new (title, NULL);
      g_menu_item_set_action_and_target_value (item, "track.merge", g_variant_new ("(ss)", other->id, track->id));
      g_menu_append_item (merge, item);
      g_clear_object (&item);
    }
  if (g_menu_model_get_n_items (G_MENU_MODEL (merge)) > 0)
    g_menu_append_submenu (menu, _("_Merge Into"), G_MENU_MODEL (merge));

  item = g_menu_item_new (_("_Delete Track"), NULL);
  g_menu_item_set_action_and_target_value (item, "track.delete", g_variant_new_string (track->id));
  g_menu_append_item (remove, item);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (remove));
  return G_MENU_MODEL (menu);
}

static GtkWidget *
row_new (QuorumTrackList        *self,
         const QuorumTrackIndex *index,
         const QuorumTrack      *track,
         guint                   number)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *swatch = quorum_color_swatch_new (g_hash_table_lookup (self->colors, track->label));
  GtkWidget *visible = gtk_toggle_button_new ();
  GtkWidget *menu = gtk_menu_button_new ();
  g_autoptr(GMenuModel) model = track_menu (self, index, track);
  g_autofree char *title = g_strdup_printf ("%s %u", track->label, number);
  g_autofree char *subtitle = subtitle_of (self, track);
  gboolean shown = quorum_track_editor_get_track_visible (self->editor, track->id);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "track-id", g_strdup (track->id), g_free);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), swatch);

  g_object_set_data_full (G_OBJECT (visible), "track-id", g_strdup (track->id), g_free);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (visible), shown);
  gtk_button_set_icon_name (GTK_BUTTON (visible), shown ? "view-reveal-symbolic" : "view-conceal-symbolic");
  gtk_widget_set_tooltip_text (visible, shown ? _("Hide the Track") : _("Show the Track"));
  gtk_widget_set_valign (visible, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (visible, "flat");
  g_signal_connect (visible, "toggled", G_CALLBACK (on_visible_toggled), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), visible);

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu), model);
  gtk_widget_set_tooltip_text (menu, _("Track Menu"));
  gtk_widget_set_valign (menu, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (menu, "flat");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), menu);
  return row;
}

static void
rebuild (QuorumTrackList *self)
{
  const QuorumTrackIndex *index;
  const char *selected;
  guint n;

  g_hash_table_remove_all (self->rows);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL;)
    gtk_list_box_remove (self->list, child);
  if (self->editor == NULL)
    return;
  index = quorum_track_editor_get_index (self->editor);
  n = quorum_track_index_get_n_tracks (index);
  selected = quorum_track_editor_get_selected_track (self->editor);
  for (guint i = 0; i < n; i++)
    {
      const QuorumTrack *track = quorum_track_index_get_track (index, i);
      GtkWidget *row = row_new (self, index, track, i + 1);

      gtk_list_box_append (self->list, row);
      g_hash_table_insert (self->rows, (gpointer) g_object_get_data (G_OBJECT (row), "track-id"), row);
      if (g_strcmp0 (selected, track->id) == 0)
        gtk_list_box_select_row (self->list, GTK_LIST_BOX_ROW (row));
    }
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
  update_hint (self);
}

static void
on_selection_changed (QuorumTrackList *self)
{
  const char *selected = quorum_track_editor_get_selected_track (self->editor);
  GtkListBoxRow *row = selected != NULL ? g_hash_table_lookup (self->rows, selected) : NULL;

  if (row != NULL)
    gtk_list_box_select_row (self->list, row);
  else
    gtk_list_box_unselect_all (self->list);
  update_hint (self);
}

static void
on_frame_changed (QuorumTrackList *self)
{
  update_subtitles (self);
  update_hint (self);
}

static void
go_to_frame (QuorumTrackList *self,
             guint            frame)
{
  QuorumVideoSource *source = self->task != NULL ? quorum_video_task_get_source (self->task) : NULL;

  if (source != NULL)
    quorum_video_source_set_frame (source, frame);
}

/* Selects @track_id, going first to the nearest frame that shows it. */
static void
select_track (QuorumTrackList *self,
              const char      *track_id)
{
  const QuorumTrack *track = quorum_track_index_find (quorum_track_editor_get_index (self->editor), track_id);
  guint frame = quorum_track_editor_get_frame (self->editor);

  if (track == NULL)
    return;
  quorum_track_editor_set_current_track (self->editor, track_id);
  if (quorum_track_state_at (track, frame, NULL, NULL, NULL) == QUORUM_TRACK_ABSENT)
    {
      /* The stored frame nearest to this one that shows the track. */
      guint best = track->first, distance = G_MAXUINT;

      for (guint i = 0; i < track->stored->len; i++)
        {
          const QuorumInstance *stored = g_ptr_array_index (track->stored, i);
          guint d = stored->frame > frame ? stored->frame - frame : frame - stored->frame;

          if (!stored->outside && d < distance)
            best = stored->frame, distance = d;
        }
      go_to_frame (self, best);
    }
  quorum_track_editor_select_track (self->editor, track_id);
}

static void
on_row_activated (QuorumTrackList *self,
                  GtkListBoxRow   *row)
{
  select_track (self, g_object_get_data (G_OBJECT (row), "track-id"));
  if (self->canvas != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

/* ---- Propagate forward ------------------------------------------------------ */

static void
show_propagating (QuorumTrackList *self,
                  guint            done,
                  guint            total)
{
  /* Translators: while a tracker proposes a box on the next frames */
  g_autofree char *text = g_strdup_printf (_("Proposing the next frames: %u of %u"), done, total);

  gtk_label_set_label (self->propagate_label, text);
  gtk_progress_bar_set_fraction (self->propagate_progress, total > 0 ? (double) done / total : 0);
}

static void
on_propagate_progress (guint    done,
                       guint    total,
                       gpointer user_data)
{
  show_propagating (user_data, done, total);
}

static void
stop_propagating (QuorumTrackList *self)
{
  g_clear_object (&self->propagating);
  g_clear_pointer (&self->propagate_track, g_free);
  gtk_widget_set_visible (self->propagate_box, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "track.cancel-propagate", FALSE);
}

static void undoable (QuorumTrackList *self, GPtrArray *before, const char *message, GError *error);

static void
proposed (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(QuorumTrackList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) proposals = NULL;
  g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) boxes = g_array_new (FALSE, FALSE, sizeof (QuorumRect));
  g_autofree char *message = NULL;
  g_autofree char *track_id = g_strdup (self->propagate_track);
  QuorumBoxTrackerEnd end = QUORUM_BOX_TRACKER_COMPLETE;
  GPtrArray *before;
  guint added = 0;

  proposals = quorum_box_tracker_propose_finish (result, &end, &error);
  /* The list went away meanwhile (its window closed). */
  if (self->propagate_box == NULL)
    return;
  if (proposals == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->propagating != NULL)
        {
          g_autofree char *text = NULL;

          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            text = g_strdup (_("Propagate forward was cancelled: nothing was proposed"));
          else
            /* Translators: the tracker could not run; the reason follows */
            text = g_strdup_printf (_("The next frames could not be proposed: %s"), error->message);
          g_signal_emit (self, signals[UNDOABLE], 0, text, NULL);
        }
      stop_propagating (self);
      return;
    }
  stop_propagating (self);
  if (self->editor == NULL || !quorum_track_editor_is_active (self->editor))
    return;
  for (guint i = 0; i < proposals->len; i++)
    {
      const QuorumBoxProposal *proposal = &g_array_index (proposals, QuorumBoxProposal, i);

      g_array_append_val (frames, proposal->frame);
      g_array_append_val (boxes, proposal->box);
    }
  before = quorum_track_editor_add_proposals (self->editor, track_id, (const guint *) (gpointer) frames->data,
                                              (const QuorumRect *) (gpointer) boxes->data, frames->len, &added);
  if (end == QUORUM_BOX_TRACKER_LOST)
    /* Translators: after Propagate forward, when the tracker lost the object */
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%u frame proposed; the tracker lost the object on frame %u",
                                            "%u frames proposed; the tracker lost the object on frame %u", added),
                               added, proposals->len > 0
                                      ? g_array_index (proposals, QuorumBoxProposal, proposals->len - 1).frame + 1
                                      : quorum_track_editor_get_frame (self->editor) + 1);
  else
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u frame proposed: check it and edit where it is wrong",
                                            "%u frames proposed: check them and edit where they are wrong", added),
                               added);
  undoable (self, before, message, NULL);
}

/* The tracker proposes the selected box on the next frames, up to the
 * track's next keyframe: as proposals (dashed), which any edit turns into
 * keyframes and which never replace one. */
static void
propagate (QuorumTrackList *self,
           const char      *track_id)
{
  const QuorumTrack *track = quorum_track_index_find (quorum_track_editor_get_index (self->editor), track_id);
  QuorumVideoSource *source = quorum_video_task_get_source (self->task);
  guint frame = quorum_track_editor_get_frame (self->editor);
  g_autoptr(QuorumInstance) shown = NULL;
  guint n_frames, limit;
  QuorumRect box;

  if (self->propagating != NULL)
    return;
  if (track == NULL || track->kind != QUORUM_KIND_BOX)
    {
      g_signal_emit (self, signals[UNDOABLE], 0, _("Only a box track can be propagated forward"), NULL);
      return;
    }
  shown = quorum_track_instance_at (track, frame);
  if (shown == NULL || source == NULL || quorum_video_task_get_proxy_path (self->task) == NULL)
    {
      g_signal_emit (self, signals[UNDOABLE], 0,
                     _("The track is not on this frame: go to a frame that shows its box first"), NULL);
      return;
    }
  n_frames = quorum_video_source_get_n_frames (source);
  limit = MIN (PROPAGATE_MAX_FRAMES, n_frames - 1 - frame);
  /* Up to the next keyframe, never onto it. */
  for (guint i = 0; i < track->stored->len; i++)
    {
      const QuorumInstance *stored = g_ptr_array_index (track->stored, i);

      if (stored->keyframe && stored->frame > frame)
        {
          limit = MIN (limit, stored->frame - frame - 1);
          break;
        }
    }
  if (limit == 0)
    {
      g_signal_emit (self, signals[UNDOABLE], 0,
                     frame + 1 >= n_frames ? _("This is the last frame: there is nothing after it to propose")
                                           : _("The next frame is a keyframe already"), NULL);
      return;
    }
  quorum_instance_bounds (shown, &box);
  self->propagating = g_cancellable_new ();
  self->propagate_track = g_strdup (track_id);
  show_propagating (self, 0, limit);
  gtk_widget_set_visible (self->propagate_box, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "track.cancel-propagate", TRUE);
  quorum_box_tracker_propose_async (quorum_video_task_get_proxy_path (self->task),
                                    quorum_video_source_get_index (source), frame, &box, limit,
                                    on_propagate_progress, self, self->propagating, proposed, g_object_ref (self));
}

/* ---- actions -------------------------------------------------------------- */

static void
undoable (QuorumTrackList *self,
          GPtrArray       *before,
          const char      *message,
          GError          *error)
{
  if (before == NULL)
    {
      g_signal_emit (self, signals[UNDOABLE], 0, error != NULL ? error->message : message, NULL);
      return;
    }
  g_signal_emit (self, signals[UNDOABLE], 0, message, before);
  g_ptr_array_unref (before);
}

static const char *
target_track (QuorumTrackList *self,
              GVariant        *parameter)
{
  const char *track_id = parameter != NULL ? g_variant_get_string (parameter, NULL) : "";

  return *track_id != '\0' ? track_id : quorum_track_editor_get_selected_track (self->editor);
}

static void
track_action (GtkWidget  *widget,
              const char *action,
              GVariant   *parameter)
{
  QuorumTrackList *self = QUORUM_TRACK_LIST (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *track_id = NULL;

  if (self->editor == NULL)
    return;
  if (g_str_equal (action, "track.cancel-propagate"))
    {
      if (self->propagating != NULL)
        g_cancellable_cancel (self->propagating);
      return;
    }
  if (g_str_equal (action, "track.merge"))
    {
      const char *into, *from;

      g_variant_get (parameter, "(&s&s)", &into, &from);
      undoable (self, quorum_track_editor_merge_tracks (self->editor, into, from, &error), _("Tracks merged"), error);
      return;
    }
  track_id = g_strdup (target_track (self, parameter));
  if (track_id == NULL)
    {
      /* Translators: a track key pressed with no track selected */
      g_signal_emit (self, signals[UNDOABLE], 0, _("Select a track first: click its shape or its row under Tracks"),
                     NULL);
      return;
    }
  if (g_str_equal (action, "track.split"))
    undoable (self, quorum_track_editor_split_track (self->editor, track_id, &error),
              _("Track split at this frame"), error);
  else if (g_str_equal (action, "track.end"))
    undoable (self, quorum_track_editor_end_track (self->editor, track_id, &error),
              _("Track ended at this frame"), error);
  else if (g_str_equal (action, "track.occluded"))
    {
      gboolean occluded = FALSE;
      GPtrArray *before = quorum_track_editor_toggle_occluded (self->editor, track_id, &occluded, &error);

      undoable (self, before, occluded ? _("Occluded on this frame") : _("In view again on this frame"), error);
    }
  else if (g_str_equal (action, "track.propagate"))
    propagate (self, track_id);
  else if (g_str_equal (action, "track.delete"))
    undoable (self, quorum_track_editor_remove_track (self->editor, track_id), _("Track deleted"), NULL);
  else if (g_str_equal (action, "track.next-keyframe") || g_str_equal (action, "track.previous-keyframe"))
    {
      const QuorumTrack *track = quorum_track_index_find (quorum_track_editor_get_index (self->editor), track_id);
      gboolean forward = g_str_equal (action, "track.next-keyframe");
      guint frame = quorum_track_editor_get_frame (self->editor);
      gint64 found = -1;

      for (guint i = 0; track != NULL && i < track->stored->len; i++)
        {
          const QuorumInstance *stored = g_ptr_array_index (track->stored, forward ? i : track->stored->len - 1 - i);

          if (stored->keyframe && (forward ? stored->frame > frame : stored->frame < frame))
            {
              found = stored->frame;
              break;
            }
        }
      if (found >= 0)
        {
          go_to_frame (self, (guint) found);
          quorum_track_editor_select_track (self->editor, track_id);
        }
    }
}

/* The keys: each listed once in the shortcuts window ("Tracks"). */
static const struct {
  guint           key;
  GdkModifierType modifiers;
  const char     *action;
} keys[] = {
  { GDK_KEY_O, GDK_SHIFT_MASK, "track.end" },
  { GDK_KEY_S, GDK_SHIFT_MASK, "track.split" },
  { GDK_KEY_P, GDK_SHIFT_MASK, "track.propagate" },
  { GDK_KEY_H, GDK_SHIFT_MASK, "track.occluded" },
  { GDK_KEY_comma, 0, "track.previous-keyframe" },
  { GDK_KEY_period, 0, "track.next-keyframe" },
};

static gboolean
on_key (GtkWidget *widget,
        GVariant  *args,
        gpointer   user_data)
{
  QuorumTrackList *self = g_object_get_data (G_OBJECT (widget), "quorum-track-list");
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = GTK_IS_WINDOW (root) ? gtk_window_get_focus (GTK_WINDOW (root)) : NULL;

  if (self == NULL || self->task == NULL || !quorum_video_task_is_open (self->task) || GTK_IS_EDITABLE (focus))
    return FALSE;
  return gtk_widget_activate_action (GTK_WIDGET (self), user_data, "s", "");
}

/**
 * quorum_track_list_add_shortcuts:
 * @window: where the keys work (the list itself may be on a page not shown)
 *
 * The "track" keys, anywhere in @window while a video is open.
 */
void
quorum_track_list_add_shortcuts (QuorumTrackList *self,
                                 GtkWidget       *window)
{
  GtkEventController *shortcuts;

  g_return_if_fail (QUORUM_IS_TRACK_LIST (self));
  g_object_set_data (G_OBJECT (window), "quorum-track-list", self);
  /* As the timeline's: before the window's own keys; a text field keeps its keys. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (keys[i].key, keys[i].modifiers),
                                                            gtk_callback_action_new (on_key, (gpointer) keys[i].action,
                                                                                     NULL)));
  gtk_widget_add_controller (window, shortcuts);
}

/* ---- set up ---------------------------------------------------------------- */

void
quorum_track_list_set_task (QuorumTrackList *self,
                            QuorumVideoTask *task,
                            QuorumCanvas    *canvas)
{
  g_return_if_fail (QUORUM_IS_TRACK_LIST (self));
  if (self->editor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->editor, self);
      g_clear_object (&self->editor);
    }
  if (self->canvas != NULL)
    g_signal_handlers_disconnect_by_data (self->canvas, self);
  self->task = task;
  self->canvas = canvas;
  if (task != NULL)
    {
      self->editor = g_object_ref (quorum_video_task_get_editor (task));
      g_signal_connect_swapped (self->editor, "changed", G_CALLBACK (rebuild), self);
      g_signal_connect_swapped (self->editor, "frame-changed", G_CALLBACK (on_frame_changed), self);
    }
  if (canvas != NULL)
    g_signal_connect_swapped (canvas, "selection-changed", G_CALLBACK (on_selection_changed), self);
  rebuild (self);
}

void
quorum_track_list_set_schema (QuorumTrackList         *self,
                              const QuorumLabelSchema *schema)
{
  g_return_if_fail (QUORUM_IS_TRACK_LIST (self));
  g_hash_table_remove_all (self->colors);
  for (guint i = 0; schema != NULL && i < schema->labels->len; i++)
    {
      const QuorumLabel *label = g_ptr_array_index (schema->labels, i);

      g_hash_table_insert (self->colors, g_strdup (label->name), g_strdup (label->color));
    }
  rebuild (self);
}

static void
quorum_track_list_dispose (GObject *object)
{
  QuorumTrackList *self = QUORUM_TRACK_LIST (object);

  if (self->propagating != NULL)
    g_cancellable_cancel (self->propagating);
  g_clear_object (&self->propagating);
  quorum_track_list_set_task (self, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), QUORUM_TYPE_TRACK_LIST);
  /* The heading, without a name in the template. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (quorum_track_list_parent_class)->dispose (object);
}

static void
quorum_track_list_finalize (GObject *object)
{
  QuorumTrackList *self = QUORUM_TRACK_LIST (object);

  g_hash_table_unref (self->colors);
  g_hash_table_unref (self->rows);
  g_free (self->propagate_track);
  G_OBJECT_CLASS (quorum_track_list_parent_class)->finalize (object);
}

static void
quorum_track_list_class_init (QuorumTrackListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_track_list_dispose;
  object_class->finalize = quorum_track_list_finalize;

  /**
   * QuorumTrackList::undoable:
   * @message: what happened, or why nothing did
   * @before: (nullable) (element-type QuorumInstance): the stored set from
   *   before, for Undo; %NULL when there is nothing to undo
   */
  signals[UNDOABLE] =
    g_signal_new ("undoable", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_PTR_ARRAY);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-track-list.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumTrackList, hint);
  gtk_widget_class_bind_template_child (widget_class, QuorumTrackList, stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumTrackList, list);
  gtk_widget_class_bind_template_child (widget_class, QuorumTrackList, propagate_box);
  gtk_widget_class_bind_template_child (widget_class, QuorumTrackList, propagate_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumTrackList, propagate_progress);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);

  gtk_widget_class_install_action (widget_class, "track.end", "s", track_action);
  gtk_widget_class_install_action (widget_class, "track.split", "s", track_action);
  gtk_widget_class_install_action (widget_class, "track.delete", "s", track_action);
  gtk_widget_class_install_action (widget_class, "track.propagate", "s", track_action);
  gtk_widget_class_install_action (widget_class, "track.occluded", "s", track_action);
  gtk_widget_class_install_action (widget_class, "track.cancel-propagate", NULL, track_action);
  gtk_widget_class_install_action (widget_class, "track.merge", "(ss)", track_action);
  gtk_widget_class_install_action (widget_class, "track.previous-keyframe", "s", track_action);
  gtk_widget_class_install_action (widget_class, "track.next-keyframe", "s", track_action);
  gtk_widget_class_set_css_name (widget_class, "quorum-track-list");
}

static void
quorum_track_list_init (QuorumTrackList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->colors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->rows = g_hash_table_new (g_str_hash, g_str_equal);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "track.cancel-propagate", FALSE);
}
