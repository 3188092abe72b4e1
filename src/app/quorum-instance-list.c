/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-color-swatch.h"
#include "quorum-instance-item.h"
#include "quorum-instance-list.h"
#include "quorum-label-list.h"
#include "quorum-wire.h"

/* The instances on the canvas, one row each, in the canvas's order. A row
 * selected here is selected on the canvas and the other way round. */
struct _QuorumInstanceList
{
  GtkWidget           parent_instance;

  GtkWidget          *box;
  GtkStack           *stack;
  GtkListView        *list_view;
  AdwComboRow        *label_row;

  GListStore         *items;       /* of QuorumInstanceItem */
  GtkSingleSelection *selection;
  GtkStringList      *label_names;
  QuorumLabelSchema  *schema;
  gboolean            syncing;     /* changing the list to follow the canvas */

  QuorumCanvas       *canvas;      /* weak */
  GtkEventController *window_keys; /* on the root, while rooted */
  gboolean            submit_confirmed; /* "Submit Empty" answered: the next submit goes */
};

G_DEFINE_FINAL_TYPE (QuorumInstanceList, quorum_instance_list, GTK_TYPE_WIDGET)

#define THUMBNAIL_SIZE 32

static const char *
label_color (QuorumInstanceList *self,
             const char         *name)
{
  const QuorumLabel *label = self->schema ? quorum_label_schema_find (self->schema, name) : NULL;

  return label != NULL ? label->color : NULL;
}

static void
update_actions (QuorumInstanceList *self)
{
  gboolean selected = self->canvas != NULL && quorum_canvas_get_selected (self->canvas) >= 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "instances.delete", selected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "instances.change-label", selected);
  gtk_widget_set_sensitive (GTK_WIDGET (self->label_row), selected);
}

/* The label row offers the labels of @kind only (-1: none selected, all):
 * a box relabelled as a point label would be refused by the server. */
static void
offer_labels_of_kind (QuorumInstanceList *self,
                      int                 kind)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->label_names));
  gboolean same;

  for (guint i = 0; self->schema != NULL && i < self->schema->labels->len; i++)
    {
      const QuorumLabel *label = g_ptr_array_index (self->schema->labels, i);

      if (kind < 0 || label->kind == (QuorumKind) kind)
        g_ptr_array_add (names, label->name);
    }
  same = names->len == n_old;
  for (guint i = 0; same && i < n_old; i++)
    same = g_strcmp0 (gtk_string_list_get_string (self->label_names, i), g_ptr_array_index (names, i)) == 0;
  if (same)
    return;
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->label_names, 0, n_old, (const char * const *) names->pdata);
}

/* Makes the selection and the label row show the canvas's selection. */
static void
follow_selection (QuorumInstanceList *self)
{
  const QuorumInstance *instance = NULL;
  int selected = -1;
  guint label = GTK_INVALID_LIST_POSITION;

  if (self->canvas != NULL)
    {
      selected = quorum_canvas_get_selected (self->canvas);
      instance = quorum_canvas_get_selected_instance (self->canvas);
    }
  self->syncing = TRUE;
  gtk_single_selection_set_selected (self->selection,
                                     selected >= 0 ? (guint) selected : GTK_INVALID_LIST_POSITION);
  offer_labels_of_kind (self, instance != NULL ? (int) instance->kind : -1);
  for (guint i = 0; instance != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (self->label_names)); i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->label_names, i), instance->label) == 0)
      label = i;
  adw_combo_row_set_selected (self->label_row, label);
  self->syncing = FALSE;
  if (selected >= 0 && gtk_widget_get_mapped (GTK_WIDGET (self->list_view)))
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u",
                                (guint) selected);
  update_actions (self);
}

static gboolean
item_is_same (QuorumInstanceList *self,
              guint               position,
              QuorumInstanceItem *fresh)
{
  g_autoptr(QuorumInstanceItem) old = g_list_model_get_item (G_LIST_MODEL (self->items), position);

  return quorum_instance_item_equal (old, fresh);
}

/* Replaces only the rows between the first and the last one that changed,
 * so that the rows around an edit keep their widgets. */
static void
rebuild (QuorumInstanceList *self)
{
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  guint n_new = self->canvas ? quorum_canvas_get_n_instances (self->canvas) : 0;
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal); /* label → instances so far */
  guint same = 0;
  guint tail = 0;

  for (guint i = 0; i < n_new; i++)
    {
      const QuorumInstance *instance = quorum_canvas_get_instance (self->canvas, i);
      const char *label = instance->label != NULL ? instance->label : "";
      guint number = GPOINTER_TO_UINT (g_hash_table_lookup (counts, label)) + 1;
      QuorumInstanceItem *item = quorum_instance_item_new (i, instance, label_color (self, instance->label));

      g_hash_table_insert (counts, (gpointer) label, GUINT_TO_POINTER (number));
      quorum_instance_item_set_number (item, number);
      g_ptr_array_add (fresh, item);
    }
  while (same < n_old && same < n_new && item_is_same (self, same, g_ptr_array_index (fresh, same)))
    same++;
  while (same + tail < n_old && same + tail < n_new &&
         item_is_same (self, n_old - 1 - tail, g_ptr_array_index (fresh, n_new - 1 - tail)))
    tail++;
  self->syncing = TRUE;
  if (same + tail < n_old || same + tail < n_new)
    g_list_store_splice (self->items, same, n_old - same - tail, fresh->pdata + same, n_new - same - tail);
  self->syncing = FALSE;
  gtk_stack_set_visible_child_name (self->stack, n_new > 0 ? "list" : "empty");
  follow_selection (self);
}

static void
on_selected (QuorumInstanceList *self)
{
  guint selected = gtk_single_selection_get_selected (self->selection);

  if (self->syncing || self->canvas == NULL)
    return;
  quorum_canvas_select (self->canvas, selected == GTK_INVALID_LIST_POSITION ? -1 : (int) selected);
}

static void
on_label_selected (QuorumInstanceList *self)
{
  guint selected = adw_combo_row_get_selected (self->label_row);

  if (self->syncing || self->canvas == NULL || selected == GTK_INVALID_LIST_POSITION)
    return;
  quorum_canvas_set_instance_label (self->canvas,
                                    gtk_string_list_get_string (self->label_names, selected));
}

/* A row's tooltips are worded when asked for: gtk_widget_set_tooltip_text()
 * in bind asks the display where the pointer is, a round trip to the X
 * server for each of the ~200 rows a GtkListView binds when 10,000
 * instances arrive. */
static gboolean
row_tooltip (GtkWidget  *box,
             int         x,
             int         y,
             gboolean    keyboard_mode,
             GtkTooltip *tooltip,
             gpointer    user_data)
{
  QuorumInstanceItem *item = gtk_list_item_get_item (GTK_LIST_ITEM (user_data));
  g_autofree char *text = NULL;

  if (item == NULL)
    return FALSE;
  text = g_strdup_printf (_("%s %s, id %s"), quorum_label_list_kind_title (quorum_instance_item_get_kind (item)),
                          quorum_instance_item_get_label (item), quorum_instance_item_get_id (item));
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static gboolean
kind_tooltip (GtkWidget  *kind,
              int         x,
              int         y,
              gboolean    keyboard_mode,
              GtkTooltip *tooltip,
              gpointer    user_data)
{
  QuorumInstanceItem *item = gtk_list_item_get_item (GTK_LIST_ITEM (user_data));

  if (item == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, quorum_label_list_kind_title (quorum_instance_item_get_kind (item)));
  return TRUE;
}

/* The part of the image under the instance, a little wider, at
 * THUMBNAIL_SIZE: drawn by the GPU from the canvas's texture, no copy. */
static GdkPaintable *
make_thumbnail (QuorumInstanceList *self,
                QuorumInstanceItem *item)
{
  GdkTexture *image = self->canvas != NULL ? quorum_canvas_get_image (self->canvas) : NULL;
  int width = self->canvas != NULL ? quorum_canvas_get_image_width (self->canvas) : 0;
  int height = self->canvas != NULL ? quorum_canvas_get_image_height (self->canvas) : 0;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  QuorumRect bounds;
  double side, cx, cy, scale, texture_scale;

  if (image == NULL || width <= 0 || height <= 0)
    return NULL;
  quorum_instance_item_get_bounds (item, &bounds);
  if (quorum_instance_item_get_kind (item) == QUORUM_KIND_TAG)
    bounds = (QuorumRect) { 0, 0, width, height };
  /* A square around the instance, a fifth wider; a point gets 64 pixels. */
  side = MAX (MAX (bounds.x1 - bounds.x0, bounds.y1 - bounds.y0) * 1.2, 64);
  cx = (bounds.x0 + bounds.x1) / 2;
  cy = (bounds.y0 + bounds.y1) / 2;
  scale = THUMBNAIL_SIZE / side;
  /* The texture may be a preview smaller than the image. */
  texture_scale = (double) width / gdk_texture_get_width (image);
  snapshot = gtk_snapshot_new ();
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, THUMBNAIL_SIZE, THUMBNAIL_SIZE));
  gtk_snapshot_append_texture (snapshot, image,
                               &GRAPHENE_RECT_INIT ((float) ((side / 2 - cx) * scale),
                                                    (float) ((side / 2 - cy) * scale),
                                                    (float) (gdk_texture_get_width (image) * texture_scale * scale),
                                                    (float) (gdk_texture_get_height (image) * texture_scale * scale)));
  gtk_snapshot_pop (snapshot);
  return gtk_snapshot_free_to_paintable (g_steal_pointer (&snapshot),
                                         &GRAPHENE_SIZE_INIT (THUMBNAIL_SIZE, THUMBNAIL_SIZE));
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           QuorumInstanceList       *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *swatch = quorum_color_swatch_new (NULL);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *kind = gtk_image_new ();
  GtkWidget *frame = gtk_label_new (NULL);
  GtkWidget *thumbnail = gtk_picture_new ();

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (kind, "dim-label");
  gtk_widget_add_css_class (frame, "dim-label");
  gtk_widget_add_css_class (frame, "numeric");
  gtk_widget_add_css_class (frame, "caption");
  gtk_picture_set_can_shrink (GTK_PICTURE (thumbnail), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (thumbnail), GTK_CONTENT_FIT_CONTAIN);
  gtk_widget_set_size_request (thumbnail, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  gtk_widget_set_overflow (thumbnail, GTK_OVERFLOW_HIDDEN);

  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), thumbnail);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), frame);
  gtk_box_append (GTK_BOX (box), kind);
  g_object_set_data (G_OBJECT (box), "swatch", swatch);
  g_object_set_data (G_OBJECT (box), "name", name);
  g_object_set_data (G_OBJECT (box), "kind", kind);
  g_object_set_data (G_OBJECT (box), "frame", frame);
  g_object_set_data (G_OBJECT (box), "thumbnail", thumbnail);
  gtk_widget_set_has_tooltip (box, TRUE);
  gtk_widget_set_has_tooltip (kind, TRUE);
  g_signal_connect_object (box, "query-tooltip", G_CALLBACK (row_tooltip), list_item, 0);
  g_signal_connect_object (kind, "query-tooltip", G_CALLBACK (kind_tooltip), list_item, 0);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          QuorumInstanceList       *self)
{
  QuorumInstanceItem *item = gtk_list_item_get_item (list_item);
  GObject *box = G_OBJECT (gtk_list_item_get_child (list_item));
  QuorumKind kind = quorum_instance_item_get_kind (item);
  guint frame = quorum_instance_item_get_frame (item);
  g_autofree char *frame_text = frame > 0 ? g_strdup_printf (_("Frame %u"), frame) : NULL;
  g_autofree char *description = NULL;
  g_autofree char *name = quorum_instance_item_describe (item);
  g_autoptr(GdkPaintable) thumbnail = make_thumbnail (self, item);

  quorum_color_swatch_set_color (g_object_get_data (box, "swatch"), quorum_instance_item_get_color (item));
  gtk_label_set_text (g_object_get_data (box, "name"), name);
  gtk_picture_set_paintable (g_object_get_data (box, "thumbnail"), thumbnail);
  gtk_image_set_from_icon_name (g_object_get_data (box, "kind"), quorum_label_list_kind_icon_name (kind));
  gtk_label_set_text (g_object_get_data (box, "frame"), frame_text);
  gtk_widget_set_visible (g_object_get_data (box, "frame"), frame > 0);
  /* What the tooltips say, for a screen reader. */
  description = g_strdup_printf (_("%s %s, id %s"), quorum_label_list_kind_title (kind), name,
                                 quorum_instance_item_get_id (item));
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (g_object_get_data (box, "kind")),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, quorum_label_list_kind_title (kind), -1);
}

/**
 * quorum_instance_list_set_schema:
 * @schema: (nullable): copied; gives the rows their colours and the label
 *   row its choices
 */
void
quorum_instance_list_set_schema (QuorumInstanceList      *self,
                                 const QuorumLabelSchema *schema)
{
  g_autoptr(JsonNode) node = NULL;
  guint n_names;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_return_if_fail (QUORUM_IS_INSTANCE_LIST (self));
  g_clear_pointer (&self->schema, quorum_label_schema_free);
  if (schema != NULL)
    {
      node = quorum_wire_write_label_schema (schema);
      self->schema = quorum_wire_read_label_schema (node, "", NULL);
      for (guint i = 0; i < self->schema->labels->len; i++)
        g_ptr_array_add (names, ((QuorumLabel *) g_ptr_array_index (self->schema->labels, i))->name);
    }
  g_ptr_array_add (names, NULL);
  n_names = g_list_model_get_n_items (G_LIST_MODEL (self->label_names));
  self->syncing = TRUE;
  gtk_string_list_splice (self->label_names, 0, n_names, (const char * const *) names->pdata);
  self->syncing = FALSE;
  /* Colours may have changed: every row again. */
  g_list_store_remove_all (self->items);
  rebuild (self);
}

GtkSingleSelection *
quorum_instance_list_get_model (QuorumInstanceList *self)
{
  g_return_val_if_fail (QUORUM_IS_INSTANCE_LIST (self), NULL);
  return self->selection;
}

static void
unbind_canvas (QuorumInstanceList *self)
{
  if (self->canvas == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->canvas, self);
  g_clear_weak_pointer (&self->canvas);
}

/* @canvas: (nullable): %NULL to unbind */
void
quorum_instance_list_bind_canvas (QuorumInstanceList *self,
                                  QuorumCanvas       *canvas)
{
  g_return_if_fail (QUORUM_IS_INSTANCE_LIST (self));
  g_return_if_fail (canvas == NULL || QUORUM_IS_CANVAS (canvas));
  if (canvas == self->canvas)
    return;
  unbind_canvas (self);
  if (canvas != NULL)
    {
      g_set_weak_pointer (&self->canvas, canvas);
      g_signal_connect_swapped (canvas, "instances-changed", G_CALLBACK (rebuild), self);
      g_signal_connect_swapped (canvas, "selection-changed", G_CALLBACK (follow_selection), self);
    }
  rebuild (self);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  QuorumInstanceList *self = QUORUM_INSTANCE_LIST (widget);

  if (self->canvas != NULL)
    quorum_canvas_delete_selected (self->canvas);
}

static void
change_label_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  QuorumInstanceList *self = QUORUM_INSTANCE_LIST (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  const QuorumInstance *selected;
  const QuorumLabel *label;

  if (self->canvas == NULL || (selected = quorum_canvas_get_selected_instance (self->canvas)) == NULL)
    return;
  /* Only a label of the instance's kind: the server refuses another. */
  label = self->schema != NULL ? quorum_label_schema_find (self->schema, name) : NULL;
  if (label == NULL || label->kind != selected->kind)
    return;
  quorum_canvas_set_instance_label (self->canvas, name);
}

/* Selects the next (@step 1) or previous (-1) instance, round the end. */
static gboolean
step_selection (QuorumInstanceList *self,
                int                 step)
{
  int n = self->canvas != NULL ? (int) quorum_canvas_get_n_instances (self->canvas) : 0;
  int selected;

  if (n == 0)
    return FALSE;
  selected = quorum_canvas_get_selected (self->canvas);
  if (selected < 0)
    selected = step > 0 ? 0 : n - 1;
  else
    selected = (selected + step + n) % n;
  quorum_canvas_select (self->canvas, selected);
  return TRUE;
}

/* Tab and Shift+Tab step through the instances while the focus is on the
 * canvas or this list; elsewhere they move the focus as always. */
static gboolean
on_window_key_pressed (GtkEventControllerKey *controller,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       QuorumInstanceList    *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (keyval != GDK_KEY_Tab && keyval != GDK_KEY_ISO_Left_Tab && keyval != GDK_KEY_KP_Tab)
    return FALSE;
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK))
    return FALSE;
  if (focus == NULL || self->canvas == NULL ||
      (focus != GTK_WIDGET (self->canvas) && !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_view))))
    return FALSE;
  return step_selection (self, (state & GDK_SHIFT_MASK) || keyval == GDK_KEY_ISO_Left_Tab ? -1 : 1);
}

static void
quorum_instance_list_root (GtkWidget *widget)
{
  QuorumInstanceList *self = QUORUM_INSTANCE_LIST (widget);

  GTK_WIDGET_CLASS (quorum_instance_list_parent_class)->root (widget);
  self->window_keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_name (self->window_keys, "quorum-instance-keys");
  gtk_event_controller_set_propagation_phase (self->window_keys, GTK_PHASE_CAPTURE);
  g_signal_connect (self->window_keys, "key-pressed", G_CALLBACK (on_window_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (gtk_widget_get_root (widget)), self->window_keys);
}

static void
quorum_instance_list_unroot (GtkWidget *widget)
{
  QuorumInstanceList *self = QUORUM_INSTANCE_LIST (widget);

  if (self->window_keys != NULL)
    {
      gtk_widget_remove_controller (gtk_event_controller_get_widget (self->window_keys), self->window_keys);
      self->window_keys = NULL;
    }
  GTK_WIDGET_CLASS (quorum_instance_list_parent_class)->unroot (widget);
}

/* ---- before a submit ------------------------------------------------------------ */

static void
empty_submit_answered (AdwMessageDialog   *dialog,
                       const char         *response,
                       QuorumInstanceList *self)
{
  if (g_strcmp0 (response, "submit") != 0 || gtk_widget_get_root (GTK_WIDGET (self)) == NULL)
    return;
  self->submit_confirmed = TRUE;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.submit", NULL);
  self->submit_confirmed = FALSE;
}

static void
unlabelled_answered (AdwMessageDialog   *dialog,
                     const char         *response,
                     QuorumInstanceList *self)
{
  if (g_strcmp0 (response, "show") != 0 || self->canvas == NULL)
    return;
  for (guint i = 0; i < quorum_canvas_get_n_instances (self->canvas); i++)
    {
      const QuorumInstance *instance = quorum_canvas_get_instance (self->canvas, i);

      if (instance->label == NULL || *instance->label == '\0')
        {
          quorum_canvas_select (self->canvas, i);
          return;
        }
    }
}

/**
 * quorum_instance_list_ask_before_submit:
 *
 * Before a submit: an empty task asks whether nothing is really to be
 * annotated (Submit Empty submits it with win.submit); instances without a
 * label say how many and offer to select the first. The
 * caller submits only when this returns %FALSE.
 *
 * Returns: %TRUE when a dialog asks first
 */
gboolean
quorum_instance_list_ask_before_submit (QuorumInstanceList *self)
{
  GtkRoot *root;
  AdwMessageDialog *dialog;
  guint n, unlabelled = 0;

  g_return_val_if_fail (QUORUM_IS_INSTANCE_LIST (self), FALSE);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (self->canvas == NULL || !GTK_IS_WINDOW (root) || self->submit_confirmed)
    return FALSE;
  n = quorum_canvas_get_n_instances (self->canvas);
  for (guint i = 0; i < n; i++)
    {
      const QuorumInstance *instance = quorum_canvas_get_instance (self->canvas, i);

      /* A label the project lacks is the core's validation's to explain. */
      if (instance->label == NULL || *instance->label == '\0')
        unlabelled++;
    }
  if (n == 0)
    {
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (root), _("Submit an Empty Task?"),
                                                           _("Nothing is drawn on this image. Submit it only when "
                                                             "there is nothing on it to annotate.")));
      adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "submit", _("_Submit Empty"), NULL);
      adw_message_dialog_set_response_appearance (dialog, "submit", ADW_RESPONSE_DESTRUCTIVE);
      g_signal_connect_object (dialog, "response", G_CALLBACK (empty_submit_answered), self, 0);
    }
  else if (unlabelled > 0)
    {
      g_autofree char *body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u instance has no label. Give it one before "
                                                            "submitting.",
                                                            "%u instances have no label. Give them one before "
                                                            "submitting.", unlabelled),
                                               unlabelled);

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (root), _("Instances Without a Label"),
                                                           body));
      adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "show", _("_Show the First"), NULL);
      adw_message_dialog_set_response_appearance (dialog, "show", ADW_RESPONSE_SUGGESTED);
      g_signal_connect_object (dialog, "response", G_CALLBACK (unlabelled_answered), self, 0);
    }
  else
    return FALSE;
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
quorum_instance_list_dispose (GObject *object)
{
  QuorumInstanceList *self = QUORUM_INSTANCE_LIST (object);

  unbind_canvas (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), QUORUM_TYPE_INSTANCE_LIST);
  g_clear_object (&self->selection);
  g_clear_object (&self->items);
  g_clear_object (&self->label_names);
  G_OBJECT_CLASS (quorum_instance_list_parent_class)->dispose (object);
}

static void
quorum_instance_list_finalize (GObject *object)
{
  QuorumInstanceList *self = QUORUM_INSTANCE_LIST (object);

  g_clear_pointer (&self->schema, quorum_label_schema_free);
  G_OBJECT_CLASS (quorum_instance_list_parent_class)->finalize (object);
}

static void
quorum_instance_list_class_init (QuorumInstanceListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_instance_list_dispose;
  object_class->finalize = quorum_instance_list_finalize;
  widget_class->root = quorum_instance_list_root;
  widget_class->unroot = quorum_instance_list_unroot;

  gtk_widget_class_install_action (widget_class, "instances.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "instances.change-label", "s", change_label_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "instances.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "instances.delete", NULL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/quorum/Quorum/ui/quorum-instance-list.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumInstanceList, box);
  gtk_widget_class_bind_template_child (widget_class, QuorumInstanceList, stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumInstanceList, list_view);
  gtk_widget_class_bind_template_child (widget_class, QuorumInstanceList, label_row);
  gtk_widget_class_bind_template_callback (widget_class, on_label_selected);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "instancelist");
}

static void
quorum_instance_list_init (QuorumInstanceList *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->items = g_list_store_new (QUORUM_TYPE_INSTANCE_ITEM);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->items)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (on_selected), self);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  self->label_names = gtk_string_list_new (NULL);
  adw_combo_row_set_model (self->label_row, G_LIST_MODEL (self->label_names));
  update_actions (self);
}

GtkWidget *
quorum_instance_list_new (void)
{
  return g_object_new (QUORUM_TYPE_INSTANCE_LIST, NULL);
}
