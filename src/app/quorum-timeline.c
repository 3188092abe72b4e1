/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-timeline.h"

static const double rates[] = { 0.25, 0.5, 1.0, 1.5, 2.0, 4.0 };

struct _QuorumTimeline
{
  GtkWidget          parent_instance;

  GtkAdjustment     *adjustment;
  GtkScale          *scale;
  GtkButton         *play_button;
  GtkMenuButton     *position_button;
  GtkPopover        *go_popover;
  GtkEntry          *go_entry;
  GtkLabel          *rate_label;
  GtkWidget         *thumbnail_box;
  GtkPicture        *thumbnail;
  GtkLabel          *thumbnail_label;
  GtkDrawingArea    *low_strip;

  QuorumVideoSource *source;
  gulong             source_handlers[3];
  gboolean           updating;
  guint              n_marks;
  GArray            *low;         /* of guint pairs: the disagreement timeline's [first, last] runs */
  char              *position_text;

  /* Hover thumbnails: the one shown, the one decoding, the one wanted next. */
  guint              thumbnail_frame;
  GdkTexture        *thumbnail_texture;
  GCancellable      *thumbnail_cancellable;
  gboolean           thumbnail_busy;
  gint64             thumbnail_wanted;   /* -1: none */
};

G_DEFINE_FINAL_TYPE (QuorumTimeline, quorum_timeline, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SOURCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
format_time (gint64 ns)
{
  gint64 ms = ns / 1000000;

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d.%03d", ms / 60000, (int) (ms / 1000 % 60), (int) (ms % 1000));
}

static void
update_position (QuorumTimeline *self)
{
  g_autofree char *time = NULL;
  guint frame, n_frames;

  g_clear_pointer (&self->position_text, g_free);
  if (self->source == NULL)
    {
      gtk_menu_button_set_label (self->position_button, "");
      return;
    }
  frame = quorum_video_source_get_frame (self->source);
  n_frames = quorum_video_source_get_n_frames (self->source);
  time = format_time (quorum_video_source_get_time (self->source));
  /* Translators: the frame shown, how many the video has, and its time */
  self->position_text = g_strdup_printf (_("Frame %u of %u · %s"), frame, n_frames, time);
  gtk_menu_button_set_label (self->position_button, self->position_text);
  self->updating = TRUE;
  gtk_adjustment_set_value (self->adjustment, frame);
  self->updating = FALSE;
}

static void
update_playing (QuorumTimeline *self)
{
  gboolean playing = self->source != NULL && quorum_video_source_get_playing (self->source);

  gtk_button_set_icon_name (self->play_button, playing ? "media-playback-pause-symbolic"
                                                       : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), playing ? _("Pause") : _("Play"));
}

static void
update_rate (QuorumTimeline *self)
{
  g_autofree char *text = NULL;

  if (self->source != NULL)
    /* Translators: the playback speed, as in "0.25×" */
    text = g_strdup_printf (_("%g×"), quorum_video_source_get_rate (self->source));
  gtk_label_set_label (self->rate_label, text != NULL ? text : "");
}

static void
update_actions (QuorumTimeline *self)
{
  static const char * const actions[] = {
    "timeline.first-frame", "timeline.previous-frame", "timeline.next-frame", "timeline.back-10",
    "timeline.forward-10", "timeline.last-frame", "timeline.play", "timeline.slower", "timeline.faster",
    "timeline.loop-start", "timeline.loop-end", "timeline.loop-clear", "timeline.go-to-frame",
  };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i], self->source != NULL);
}

static void
on_value_changed (QuorumTimeline *self)
{
  if (self->updating || self->source == NULL)
    return;
  quorum_video_source_set_frame (self->source, (guint) (gtk_adjustment_get_value (self->adjustment) + 0.5));
}

/* ---- navigation --------------------------------------------------------- */

static void
move_by (QuorumTimeline *self,
         gint64          delta)
{
  gint64 frame = (gint64) quorum_video_source_get_frame (self->source) + delta;
  gint64 last = (gint64) quorum_video_source_get_n_frames (self->source) - 1;

  quorum_video_source_set_playing (self->source, FALSE);
  quorum_video_source_set_frame (self->source, (guint) CLAMP (frame, 0, MAX (last, 0)));
}

static void
navigate (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  QuorumTimeline *self = QUORUM_TIMELINE (widget);
  guint frame, first, last;

  if (self->source == NULL)
    return;
  frame = quorum_video_source_get_frame (self->source);
  if (g_str_equal (action_name, "timeline.first-frame"))
    move_by (self, -(gint64) frame);
  else if (g_str_equal (action_name, "timeline.last-frame"))
    move_by (self, (gint64) quorum_video_source_get_n_frames (self->source) - frame);
  else if (g_str_equal (action_name, "timeline.previous-frame"))
    move_by (self, -1);
  else if (g_str_equal (action_name, "timeline.next-frame"))
    move_by (self, 1);
  else if (g_str_equal (action_name, "timeline.back-10"))
    move_by (self, -10);
  else if (g_str_equal (action_name, "timeline.forward-10"))
    move_by (self, 10);
  else if (g_str_equal (action_name, "timeline.play"))
    quorum_video_source_set_playing (self->source, !quorum_video_source_get_playing (self->source));
  else if (g_str_equal (action_name, "timeline.slower") || g_str_equal (action_name, "timeline.faster"))
    {
      double rate = quorum_video_source_get_rate (self->source);
      gboolean faster = g_str_equal (action_name, "timeline.faster");
      guint i = 0;

      while (i + 1 < G_N_ELEMENTS (rates) && rates[i] < rate - 1e-9)
        i++;
      if (faster && i + 1 < G_N_ELEMENTS (rates))
        i++;
      else if (!faster && i > 0)
        i--;
      quorum_video_source_set_rate (self->source, rates[i]);
    }
  else if (g_str_equal (action_name, "timeline.loop-start") || g_str_equal (action_name, "timeline.loop-end"))
    {
      if (!quorum_video_source_get_loop (self->source, &first, &last))
        first = 0, last = quorum_video_source_get_n_frames (self->source) - 1;
      if (g_str_equal (action_name, "timeline.loop-start"))
        first = frame, last = MAX (last, frame);
      else
        last = frame, first = MIN (first, frame);
      quorum_video_source_set_loop (self->source, first, last);
    }
  else if (g_str_equal (action_name, "timeline.loop-clear"))
    quorum_video_source_set_loop (self->source, 1, 0);
  else if (g_str_equal (action_name, "timeline.next-disagreement") ||
           g_str_equal (action_name, "timeline.previous-disagreement"))
    {
      gboolean forward = g_str_equal (action_name, "timeline.next-disagreement");
      gint64 target = -1;

      for (guint i = 0; i < self->low->len; i += 2)
        {
          guint start = g_array_index (self->low, guint, i);

          if (forward ? start > frame : start < frame)
            {
              target = start;
              if (forward)
                break;
            }
        }
      if (target >= 0)
        move_by (self, target - (gint64) frame);
    }
  else if (g_str_equal (action_name, "timeline.go-to-frame"))
    {
      gtk_menu_button_popup (self->position_button);
      gtk_widget_grab_focus (GTK_WIDGET (self->go_entry));
    }
}

/* A number out of the video's range stays in the field, marked. */
static void
on_go_activate (QuorumTimeline *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->go_entry))));
  guint64 frame;

  if (self->source == NULL)
    return;
  if (!g_ascii_string_to_unsigned (text, 10, 0,
                                   MAX (quorum_video_source_get_n_frames (self->source), 1) - 1, &frame, NULL))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->go_entry), "error");
      return;
    }
  quorum_video_source_set_playing (self->source, FALSE);
  quorum_video_source_set_frame (self->source, (guint) frame);
  gtk_popover_popdown (self->go_popover);
}

static void
on_go_popover_show (QuorumTimeline *self)
{
  g_autofree char *text = NULL;

  if (self->source == NULL)
    return;
  text = g_strdup_printf ("%u", quorum_video_source_get_frame (self->source));
  gtk_editable_set_text (GTK_EDITABLE (self->go_entry), text);
  gtk_editable_select_region (GTK_EDITABLE (self->go_entry), 0, -1);
  gtk_widget_remove_css_class (GTK_WIDGET (self->go_entry), "error");
}

/* ---- hover thumbnails --------------------------------------------------- */

static void thumbnail_start (QuorumTimeline *self,
                             guint           frame);

static void
decode_thumbnail (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  QuorumVideoSource *source = task_data;
  guint frame = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "frame"));
  GError *error = NULL;
  GdkTexture *texture = quorum_video_source_decode_one (source, frame, cancellable, &error);

  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

static void
thumbnail_decoded (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  QuorumTimeline *self = QUORUM_TIMELINE (object);
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), NULL);
  guint frame = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (result), "frame"));

  self->thumbnail_busy = FALSE;
  if (texture != NULL && g_task_get_task_data (G_TASK (result)) == self->source)
    {
      self->thumbnail_frame = frame;
      g_set_object (&self->thumbnail_texture, texture);
      gtk_widget_trigger_tooltip_query (GTK_WIDGET (self->scale));
    }
  if (self->thumbnail_wanted >= 0 && self->source != NULL)
    {
      guint next = (guint) self->thumbnail_wanted;

      self->thumbnail_wanted = -1;
      thumbnail_start (self, next);
    }
}

static void
thumbnail_start (QuorumTimeline *self,
                 guint           frame)
{
  g_autoptr(GTask) task = NULL;

  if (self->thumbnail_busy)
    {
      self->thumbnail_wanted = frame;
      return;
    }
  self->thumbnail_busy = TRUE;
  task = g_task_new (self, self->thumbnail_cancellable, thumbnail_decoded, NULL);
  g_task_set_source_tag (task, thumbnail_start);
  g_task_set_task_data (task, g_object_ref (self->source), g_object_unref);
  g_object_set_data (G_OBJECT (task), "frame", GUINT_TO_POINTER (frame));
  g_task_run_in_thread (task, decode_thumbnail);
}

static guint
frame_at (QuorumTimeline *self,
          double          x)
{
  GdkRectangle trough;
  guint n_frames = quorum_video_source_get_n_frames (self->source);
  double fraction;

  gtk_range_get_range_rect (GTK_RANGE (self->scale), &trough);
  if (trough.width <= 1 || n_frames == 0)
    return 0;
  fraction = CLAMP ((x - trough.x) / trough.width, 0, 1);
  return (guint) (fraction * (n_frames - 1) + 0.5);
}

static gboolean
on_query_tooltip (QuorumTimeline *self,
                  int             x,
                  int             y,
                  gboolean        keyboard,
                  GtkTooltip     *tooltip)
{
  GdkTexture *texture;
  g_autofree char *text = NULL;
  guint frame;

  if (self->source == NULL || keyboard)
    return FALSE;
  frame = frame_at (self, x);
  texture = quorum_frame_cache_lookup (quorum_video_source_get_cache (self->source), frame);
  if (texture == NULL && self->thumbnail_texture != NULL && self->thumbnail_frame == frame)
    texture = self->thumbnail_texture;
  if (texture == NULL)
    thumbnail_start (self, frame);
  gtk_picture_set_paintable (self->thumbnail, GDK_PAINTABLE (texture));
  /* Translators: under a hover thumbnail of the timeline */
  text = g_strdup_printf (_("Frame %u"), frame);
  gtk_label_set_label (self->thumbnail_label, text);
  gtk_tooltip_set_custom (tooltip, self->thumbnail_box);
  return TRUE;
}

/* ---- API ---------------------------------------------------------------- */

GtkWidget *
quorum_timeline_new (void)
{
  return g_object_new (QUORUM_TYPE_TIMELINE, NULL);
}

QuorumVideoSource *
quorum_timeline_get_source (QuorumTimeline *self)
{
  g_return_val_if_fail (QUORUM_IS_TIMELINE (self), NULL);
  return self->source;
}

static void
disconnect_source (QuorumTimeline *self)
{
  if (self->source == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (self->source_handlers); i++)
    g_clear_signal_handler (&self->source_handlers[i], self->source);
  g_clear_object (&self->source);
}

void
quorum_timeline_set_source (QuorumTimeline    *self,
                            QuorumVideoSource *source)
{
  g_return_if_fail (QUORUM_IS_TIMELINE (self));
  g_return_if_fail (source == NULL || QUORUM_IS_VIDEO_SOURCE (source));
  if (self->source == source)
    return;
  disconnect_source (self);
  g_cancellable_cancel (self->thumbnail_cancellable);
  g_clear_object (&self->thumbnail_cancellable);
  self->thumbnail_cancellable = g_cancellable_new ();
  self->thumbnail_wanted = -1;
  g_clear_object (&self->thumbnail_texture);
  gtk_scale_clear_marks (self->scale);
  self->n_marks = 0;
  /* Another video: its disagreements are said anew. */
  quorum_timeline_set_low_ranges (self, NULL, 0);
  if (source != NULL)
    {
      self->source = g_object_ref (source);
      self->source_handlers[0] = g_signal_connect_swapped (source, "notify::frame", G_CALLBACK (update_position), self);
      self->source_handlers[1] = g_signal_connect_swapped (source, "notify::playing", G_CALLBACK (update_playing), self);
      self->source_handlers[2] = g_signal_connect_swapped (source, "notify::rate", G_CALLBACK (update_rate), self);
      self->updating = TRUE;
      gtk_adjustment_configure (self->adjustment, quorum_video_source_get_frame (source), 0,
                                MAX (quorum_video_source_get_n_frames (source), 1) - 1, 1, 10, 0);
      self->updating = FALSE;
    }
  update_position (self);
  update_playing (self);
  update_rate (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE]);
}

static int
compare_frames (gconstpointer a,
                gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

void
quorum_timeline_set_marks (QuorumTimeline *self,
                           const guint    *frames,
                           guint           n_frames)
{
  g_autofree guint *sorted = NULL;

  g_return_if_fail (QUORUM_IS_TIMELINE (self));
  gtk_scale_clear_marks (self->scale);
  self->n_marks = 0;
  if (n_frames == 0)
    return;
  sorted = g_memdup2 (frames, n_frames * sizeof (guint));
  qsort (sorted, n_frames, sizeof (guint), compare_frames);
  for (guint i = 0; i < n_frames; i++)
    if (i == 0 || sorted[i] != sorted[i - 1])
      {
        gtk_scale_add_mark (self->scale, sorted[i], GTK_POS_BOTTOM, NULL);
        self->n_marks++;
      }
}

static void
draw_low (GtkDrawingArea *area,
          cairo_t        *cr,
          int             width,
          int             height,
          gpointer        user_data)
{
  QuorumTimeline *self = user_data;
  GdkRectangle trough;
  guint n_frames = self->source != NULL ? quorum_video_source_get_n_frames (self->source) : 0;
  /* The slider's centre never reaches the trough's ends. */
  double inset = 9, x0, span;

  if (n_frames < 2 || self->low->len == 0)
    return;
  gtk_range_get_range_rect (GTK_RANGE (self->scale), &trough);
  x0 = trough.x + inset;
  span = MAX (trough.width - 2 * inset, 1);
  cairo_set_source_rgb (cr, 0.88, 0.11, 0.14);
  for (guint i = 0; i < self->low->len; i += 2)
    {
      double a = x0 + span * g_array_index (self->low, guint, i) / (n_frames - 1);
      double b = x0 + span * g_array_index (self->low, guint, i + 1) / (n_frames - 1);

      cairo_rectangle (cr, a - 1, 0, MAX (b - a, 0) + 2, height);
    }
  cairo_fill (cr);
}

/**
 * quorum_timeline_set_low_ranges:
 * @ranges: (array length=n_ranges): [first, last] pairs, both included
 *
 * The disagreement timeline: runs of frames where the annotators agree
 * least, drawn over the scale in red; timeline.next-disagreement (D) and
 * timeline.previous-disagreement (Shift+D) go to the start of one.
 */
void
quorum_timeline_set_low_ranges (QuorumTimeline *self,
                                const guint    *ranges,
                                guint           n_ranges)
{
  g_return_if_fail (QUORUM_IS_TIMELINE (self));
  g_array_set_size (self->low, 0);
  if (n_ranges > 0)
    g_array_append_vals (self->low, ranges, 2 * n_ranges);
  if (self->low_strip == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->low_strip), n_ranges > 0);
  gtk_widget_queue_draw (GTK_WIDGET (self->low_strip));
}

guint
quorum_timeline_get_n_low_ranges (QuorumTimeline *self)
{
  g_return_val_if_fail (QUORUM_IS_TIMELINE (self), 0);
  return self->low->len / 2;
}

guint
quorum_timeline_get_n_marks (QuorumTimeline *self)
{
  g_return_val_if_fail (QUORUM_IS_TIMELINE (self), 0);
  return self->n_marks;
}

const char *
quorum_timeline_get_position_text (QuorumTimeline *self)
{
  g_return_val_if_fail (QUORUM_IS_TIMELINE (self), NULL);
  return self->position_text;
}

/* ---- GObject ------------------------------------------------------------ */

static void
quorum_timeline_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  QuorumTimeline *self = QUORUM_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      g_value_set_object (value, self->source);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_timeline_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  QuorumTimeline *self = QUORUM_TIMELINE (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      quorum_timeline_set_source (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_timeline_dispose (GObject *object)
{
  QuorumTimeline *self = QUORUM_TIMELINE (object);

  disconnect_source (self);
  g_cancellable_cancel (self->thumbnail_cancellable);
  g_clear_object (&self->thumbnail_cancellable);
  g_clear_object (&self->thumbnail_texture);
  g_clear_object (&self->thumbnail_box);
  gtk_widget_dispose_template (GTK_WIDGET (self), QUORUM_TYPE_TIMELINE);
  /* The buttons without a name in the template. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (quorum_timeline_parent_class)->dispose (object);
}

static void
quorum_timeline_finalize (GObject *object)
{
  QuorumTimeline *self = QUORUM_TIMELINE (object);

  g_free (self->position_text);
  g_array_unref (self->low);
  G_OBJECT_CLASS (quorum_timeline_parent_class)->finalize (object);
}

/* The keys: each listed once in the shortcuts window ("Video"). */
static const struct {
  guint           key;
  GdkModifierType modifiers;
  const char     *action;
} keys[] = {
  { GDK_KEY_Home, 0, "timeline.first-frame" },
  { GDK_KEY_End, 0, "timeline.last-frame" },
  { GDK_KEY_Left, 0, "timeline.previous-frame" },
  { GDK_KEY_Right, 0, "timeline.next-frame" },
  { GDK_KEY_Left, GDK_SHIFT_MASK, "timeline.back-10" },
  { GDK_KEY_Right, GDK_SHIFT_MASK, "timeline.forward-10" },
  { GDK_KEY_k, 0, "timeline.play" },
  { GDK_KEY_less, GDK_SHIFT_MASK, "timeline.slower" },
  { GDK_KEY_greater, GDK_SHIFT_MASK, "timeline.faster" },
  { GDK_KEY_bracketleft, 0, "timeline.loop-start" },
  { GDK_KEY_bracketright, 0, "timeline.loop-end" },
  { GDK_KEY_backslash, 0, "timeline.loop-clear" },
  { GDK_KEY_g, GDK_CONTROL_MASK, "timeline.go-to-frame" },
  { GDK_KEY_d, 0, "timeline.next-disagreement" },
  { GDK_KEY_D, GDK_SHIFT_MASK, "timeline.previous-disagreement" },
};

static gboolean
on_key (GtkWidget *widget,
        GVariant  *args,
        gpointer   user_data)
{
  QuorumTimeline *self = QUORUM_TIMELINE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = GTK_IS_WINDOW (root) ? gtk_window_get_focus (GTK_WINDOW (root)) : NULL;

  if (self->source == NULL || !gtk_widget_get_mapped (widget) || GTK_IS_EDITABLE (focus))
    return FALSE;
  return gtk_widget_activate_action (widget, user_data, NULL);
}

static void
quorum_timeline_class_init (QuorumTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = quorum_timeline_get_property;
  object_class->set_property = quorum_timeline_set_property;
  object_class->dispose = quorum_timeline_dispose;
  object_class->finalize = quorum_timeline_finalize;

  properties[PROP_SOURCE] =
    g_param_spec_object ("source", NULL, NULL, QUORUM_TYPE_VIDEO_SOURCE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-timeline.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumTimeline, adjustment);
  gtk_widget_class_bind_template_child (widget_class, QuorumTimeline, scale);
  gtk_widget_class_bind_template_child (widget_class, QuorumTimeline, play_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumTimeline, position_button);
  gtk_widget_class_bind_template_child (widget_class, QuorumTimeline, go_popover);
  gtk_widget_class_bind_template_child (widget_class, QuorumTimeline, go_entry);
  gtk_widget_class_bind_template_child (widget_class, QuorumTimeline, rate_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumTimeline, thumbnail_box);
  gtk_widget_class_bind_template_child (widget_class, QuorumTimeline, thumbnail);
  gtk_widget_class_bind_template_child (widget_class, QuorumTimeline, thumbnail_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumTimeline, low_strip);
  gtk_widget_class_bind_template_callback (widget_class, on_go_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_query_tooltip);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      gboolean seen = FALSE;

      for (guint j = 0; j < i; j++)
        seen |= g_str_equal (keys[j].action, keys[i].action);
      if (!seen)
        gtk_widget_class_install_action (widget_class, keys[i].action, NULL, navigate);
    }
  gtk_widget_class_set_css_name (widget_class, "quorum-timeline");
}

static void
quorum_timeline_init (QuorumTimeline *self)
{
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_object_ref_sink (self->thumbnail_box);
  self->thumbnail_wanted = -1;
  self->low = g_array_new (FALSE, FALSE, sizeof (guint));
  gtk_drawing_area_set_draw_func (self->low_strip, draw_low, self, NULL);
  self->thumbnail_cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->adjustment, "value-changed", G_CALLBACK (on_value_changed), self);
  g_signal_connect_swapped (self->go_popover, "show", G_CALLBACK (on_go_popover_show), self);

  /* The keys work wherever the focus is in the window, and only while
   * there is a video. Before the window's own arrow keys (which move the
   * focus), so in the capture phase; a text field keeps its keys. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (keys[i].key, keys[i].modifiers),
                                                            gtk_callback_action_new (on_key, (gpointer) keys[i].action,
                                                                                     NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  update_actions (self);
  update_rate (self);
}
