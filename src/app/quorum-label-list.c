/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-color-swatch.h"
#include "quorum-label-list.h"
#include "quorum-review-panel.h"
#include "quorum-wire.h"

/* The project's labels: which one new instances get (the current label, also
 * chosen with the keys 1–9 wherever the focus is in the window) and which
 * are shown on the canvas. */
struct _QuorumLabelList
{
  GtkWidget           parent_instance;

  GtkListBox         *list_box;
  GtkLabel           *placeholder;

  QuorumLabelSchema  *schema;
  char               *current_label;
  GHashTable         *hidden;        /* label names */
  GPtrArray          *rows;          /* AdwActionRow, one per label, in schema order */
  gboolean            selecting;     /* the list box selection follows current_label */

  QuorumCanvas       *canvas;        /* weak */
  GtkEventController *window_keys;   /* on the root, while rooted */
};

G_DEFINE_FINAL_TYPE (QuorumLabelList, quorum_label_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CURRENT_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  VISIBILITY_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

const char *
quorum_label_list_kind_icon_name (QuorumKind kind)
{
  static const char * const icons[QUORUM_N_KINDS] = {
    [QUORUM_KIND_BOX] = "quorum-tool-box-symbolic",
    [QUORUM_KIND_POLYGON] = "quorum-tool-polygon-symbolic",
    [QUORUM_KIND_POLYLINE] = "quorum-tool-polyline-symbolic",
    [QUORUM_KIND_POINT] = "quorum-tool-point-symbolic",
    [QUORUM_KIND_TAG] = "quorum-tool-tag-symbolic",
  };

  return (guint) kind < QUORUM_N_KINDS ? icons[kind] : "image-missing-symbolic";
}

const char *
quorum_label_list_kind_title (QuorumKind kind)
{
  switch (kind)
    {
    case QUORUM_KIND_BOX:
      return _("Box");
    case QUORUM_KIND_POLYGON:
      return _("Polygon");
    case QUORUM_KIND_POLYLINE:
      return _("Polyline");
    case QUORUM_KIND_POINT:
      return _("Point");
    case QUORUM_KIND_TAG:
      return _("Tag");
    default:
      return "";
    }
}

static int
label_index (QuorumLabelList *self,
             const char      *name)
{
  if (self->schema == NULL || name == NULL)
    return -1;
  for (guint i = 0; i < self->schema->labels->len; i++)
    {
      const QuorumLabel *label = g_ptr_array_index (self->schema->labels, i);

      if (g_strcmp0 (label->name, name) == 0)
        return (int) i;
    }
  return -1;
}

static void
select_current_row (QuorumLabelList *self)
{
  int index = label_index (self, self->current_label);

  self->selecting = TRUE;
  if (index >= 0)
    gtk_list_box_select_row (self->list_box, g_ptr_array_index (self->rows, index));
  else
    gtk_list_box_unselect_all (self->list_box);
  self->selecting = FALSE;
}

static void
push_colors (QuorumLabelList *self)
{
  if (self->canvas == NULL || self->schema == NULL)
    return;
  for (guint i = 0; i < self->schema->labels->len; i++)
    {
      const QuorumLabel *label = g_ptr_array_index (self->schema->labels, i);
      GdkRGBA color;

      if (gdk_rgba_parse (&color, label->color))
        quorum_canvas_set_label_color (self->canvas, label->name, &color);
    }
}

static void
update_eye (GtkToggleButton *eye,
            const char      *name,
            gboolean         visible)
{
  g_autofree char *tooltip = NULL;

  gtk_button_set_icon_name (GTK_BUTTON (eye), visible ? "view-reveal-symbolic"
                                                      : "view-conceal-symbolic");
  tooltip = visible ? g_strdup_printf (_("Hide “%s”"), name) : g_strdup_printf (_("Show “%s”"), name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (eye), tooltip);
  /* Pressed means hidden: the exception stands out, not every row. */
  if (gtk_toggle_button_get_active (eye) == visible)
    gtk_toggle_button_set_active (eye, !visible);
}

static void
on_eye_toggled (GtkToggleButton *eye,
                QuorumLabelList *self)
{
  quorum_label_list_set_label_visible (self, g_object_get_data (G_OBJECT (eye), "label"),
                                       !gtk_toggle_button_get_active (eye));
}

static GtkWidget *
row_new (QuorumLabelList   *self,
         const QuorumLabel *label,
         guint              index)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon, *eye;
  gboolean visible = !g_hash_table_contains (self->hidden, label->name);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label->name);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), quorum_color_swatch_new (label->color));

  icon = gtk_image_new_from_icon_name (quorum_label_list_kind_icon_name (label->kind));
  gtk_widget_set_tooltip_text (icon, quorum_label_list_kind_title (label->kind));
  gtk_widget_add_css_class (icon, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);

  if (index < 9)
    {
      g_autofree char *key = g_strdup_printf ("%u", index + 1);
      g_autofree char *tooltip = g_strdup_printf (_("Press %u to choose this label"), index + 1);
      GtkWidget *hint = gtk_label_new (key);

      gtk_widget_set_tooltip_text (hint, tooltip);
      gtk_widget_add_css_class (hint, "dim-label");
      gtk_widget_add_css_class (hint, "numeric");
      gtk_widget_add_css_class (hint, "caption");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), hint);
    }

  eye = gtk_toggle_button_new ();
  gtk_widget_set_valign (eye, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (eye, "flat");
  gtk_widget_add_css_class (eye, "circular");
  g_object_set_data_full (G_OBJECT (eye), "label", g_strdup (label->name), g_free);
  update_eye (GTK_TOGGLE_BUTTON (eye), label->name, visible);
  g_signal_connect (eye, "toggled", G_CALLBACK (on_eye_toggled), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), eye);
  g_object_set_data (G_OBJECT (row), "eye", eye);

  return row;
}

static void
set_schema_take (QuorumLabelList   *self,
                 QuorumLabelSchema *schema)
{
  GHashTableIter iter;
  const char *name;

  g_clear_pointer (&self->schema, quorum_label_schema_free);
  self->schema = schema;

  self->selecting = TRUE;
  for (guint i = 0; i < self->rows->len; i++)
    gtk_list_box_remove (self->list_box, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  self->selecting = FALSE;

  /* Forget labels that are gone; a label that comes back is shown. */
  g_hash_table_iter_init (&iter, self->hidden);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    if (label_index (self, name) < 0)
      g_hash_table_iter_remove (&iter);

  /* No task, or a task of a project without labels: the empty list says which. */
  gtk_label_set_label (self->placeholder,
                       schema == NULL ? _("Open a task to see its labels")
                                      : _("This project has no labels yet: a project admin adds them "
                                          "with “quorumctl label add”"));
  for (guint i = 0; schema != NULL && i < schema->labels->len; i++)
    {
      GtkWidget *row = row_new (self, g_ptr_array_index (schema->labels, i), i);

      g_ptr_array_add (self->rows, row);
      gtk_list_box_append (self->list_box, row);
    }
  push_colors (self);

  if (label_index (self, self->current_label) < 0)
    {
      const QuorumLabel *first = schema != NULL && schema->labels->len > 0
                                 ? g_ptr_array_index (schema->labels, 0) : NULL;

      quorum_label_list_set_current_label (self, first ? first->name : NULL);
    }
  select_current_row (self);
}

/**
 * quorum_label_list_set_schema:
 * @schema: (nullable): copied
 *
 * Shows the labels of @schema. The current label stays when @schema has it;
 * otherwise it becomes the first label.
 */
void
quorum_label_list_set_schema (QuorumLabelList         *self,
                              const QuorumLabelSchema *schema)
{
  g_autoptr(JsonNode) node = NULL;
  QuorumLabelSchema *copy = NULL;

  g_return_if_fail (QUORUM_IS_LABEL_LIST (self));
  if (schema != NULL)
    {
      node = quorum_wire_write_label_schema (schema);
      copy = quorum_wire_read_label_schema (node, "", NULL);
      g_return_if_fail (copy != NULL);
    }
  set_schema_take (self, copy);
}

/* The same from the schema's JSON (docs/formats.md). */
gboolean
quorum_label_list_set_schema_json (QuorumLabelList  *self,
                                   JsonNode         *node,
                                   GError          **error)
{
  QuorumLabelSchema *schema;

  g_return_val_if_fail (QUORUM_IS_LABEL_LIST (self), FALSE);
  g_return_val_if_fail (node != NULL, FALSE);
  if ((schema = quorum_wire_read_label_schema (node, "", error)) == NULL)
    return FALSE;
  set_schema_take (self, schema);
  return TRUE;
}

const QuorumLabelSchema *
quorum_label_list_get_schema (QuorumLabelList *self)
{
  g_return_val_if_fail (QUORUM_IS_LABEL_LIST (self), NULL);
  return self->schema;
}

const char *
quorum_label_list_get_current_label (QuorumLabelList *self)
{
  g_return_val_if_fail (QUORUM_IS_LABEL_LIST (self), NULL);
  return self->current_label;
}

void
quorum_label_list_set_current_label (QuorumLabelList *self,
                                     const char      *label)
{
  g_return_if_fail (QUORUM_IS_LABEL_LIST (self));
  if (g_strcmp0 (self->current_label, label) == 0)
    return;
  g_free (self->current_label);
  self->current_label = g_strdup (label);
  select_current_row (self);
  if (self->canvas != NULL && label != NULL)
    quorum_canvas_set_current_label (self->canvas, label);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_LABEL]);
}

/* Makes the label at @index (0 for the first) current. */
gboolean
quorum_label_list_select_index (QuorumLabelList *self,
                                guint            index)
{
  const QuorumLabel *label;

  g_return_val_if_fail (QUORUM_IS_LABEL_LIST (self), FALSE);
  if (self->schema == NULL || index >= self->schema->labels->len)
    return FALSE;
  label = g_ptr_array_index (self->schema->labels, index);
  quorum_label_list_set_current_label (self, label->name);
  return TRUE;
}

gboolean
quorum_label_list_get_label_visible (QuorumLabelList *self,
                                     const char      *label)
{
  g_return_val_if_fail (QUORUM_IS_LABEL_LIST (self), TRUE);
  return label == NULL || !g_hash_table_contains (self->hidden, label);
}

void
quorum_label_list_set_label_visible (QuorumLabelList *self,
                                     const char      *label,
                                     gboolean         visible)
{
  int index;

  g_return_if_fail (QUORUM_IS_LABEL_LIST (self));
  g_return_if_fail (label != NULL);
  visible = !!visible;
  if (quorum_label_list_get_label_visible (self, label) == visible)
    return;
  if (visible)
    g_hash_table_remove (self->hidden, label);
  else
    g_hash_table_add (self->hidden, g_strdup (label));
  if ((index = label_index (self, label)) >= 0)
    update_eye (g_object_get_data (g_ptr_array_index (self->rows, index), "eye"), label, visible);
  if (self->canvas != NULL)
    quorum_canvas_set_label_visible (self->canvas, label, visible);
  g_signal_emit (self, signals[VISIBILITY_CHANGED], 0, label, visible);
}

static void
on_row_selected (QuorumLabelList *self,
                 GtkListBoxRow   *row)
{
  const QuorumInstance *selected;
  const QuorumLabel *label;
  int index;

  if (self->selecting || row == NULL)
    return;
  index = gtk_list_box_row_get_index (row);
  quorum_label_list_select_index (self, index);
  /* Chosen in the list with an instance selected: the instance takes the
   * label too, when it is of its kind (the keys 1–9 only choose the label
   * of what is drawn next). */
  if (self->canvas == NULL || self->schema == NULL || !quorum_canvas_get_editable (self->canvas) ||
      (selected = quorum_canvas_get_selected_instance (self->canvas)) == NULL)
    return;
  label = g_ptr_array_index (self->schema->labels, index);
  if (label->kind == selected->kind)
    quorum_canvas_set_instance_label (self->canvas, label->name);
}

/* Whether a key typed with @focus is text: an entry's digits stay digits. */
static gboolean
focus_takes_text (GtkWidget *focus)
{
  return focus != NULL && (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT_VIEW (focus));
}

/* The number row, wherever the focus is in the window (captured before the
 * canvas, where 1 would otherwise mean zoom 1:1): 1–5 rate an exam's
 * candidate instance while one is selected, else 1–9 choose a label. */
static gboolean
on_window_key_pressed (GtkEventControllerKey *controller,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       QuorumLabelList       *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  const char *layer = NULL;
  guint digit;

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK))
    return FALSE;
  if (keyval < GDK_KEY_1 || keyval > GDK_KEY_9)
    return FALSE;
  if (root == NULL || focus_takes_text (gtk_root_get_focus (root)))
    return FALSE;
  digit = keyval - GDK_KEY_0;
  if (self->canvas != NULL && digit <= 5 &&
      quorum_canvas_get_selected_layer_instance (self->canvas, &layer) != NULL &&
      g_strcmp0 (layer, QUORUM_REVIEW_LAYER_CANDIDATE) == 0)
    return gtk_widget_activate_action (GTK_WIDGET (self->canvas), "review.rate", "i", (gint32) digit);
  return quorum_label_list_select_index (self, digit - 1);
}

static void
on_canvas_current_label (QuorumLabelList *self)
{
  const char *label = quorum_canvas_get_current_label (self->canvas);

  if (label_index (self, label) >= 0)
    quorum_label_list_set_current_label (self, label);
}

static void
unbind_canvas (QuorumLabelList *self)
{
  if (self->canvas == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->canvas, self);
  g_clear_weak_pointer (&self->canvas);
}

/**
 * quorum_label_list_bind_canvas:
 * @canvas: (nullable): %NULL to unbind
 *
 * Makes @canvas follow the list: its current label, the label colours and
 * which labels are visible; the list follows the canvas's current label. The
 * number row's 1–9 choose the first nine labels wherever the focus is (on the
 * keypad they keep their canvas meaning).
 */
void
quorum_label_list_bind_canvas (QuorumLabelList *self,
                               QuorumCanvas    *canvas)
{
  GHashTableIter iter;
  const char *name;

  g_return_if_fail (QUORUM_IS_LABEL_LIST (self));
  g_return_if_fail (canvas == NULL || QUORUM_IS_CANVAS (canvas));
  if (canvas == self->canvas)
    return;
  unbind_canvas (self);
  if (canvas == NULL)
    return;

  g_set_weak_pointer (&self->canvas, canvas);
  push_colors (self);
  g_hash_table_iter_init (&iter, self->hidden);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    quorum_canvas_set_label_visible (canvas, name, FALSE);
  if (self->current_label != NULL)
    quorum_canvas_set_current_label (canvas, self->current_label);
  else
    on_canvas_current_label (self);
  g_signal_connect_swapped (canvas, "notify::current-label",
                            G_CALLBACK (on_canvas_current_label), self);
}

static void
quorum_label_list_root (GtkWidget *widget)
{
  QuorumLabelList *self = QUORUM_LABEL_LIST (widget);

  GTK_WIDGET_CLASS (quorum_label_list_parent_class)->root (widget);
  /* On the window, in the capture phase: the keys work with the focus on
   * the task list or a button as well as on the canvas. */
  self->window_keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_name (self->window_keys, "quorum-label-keys");
  gtk_event_controller_set_propagation_phase (self->window_keys, GTK_PHASE_CAPTURE);
  g_signal_connect (self->window_keys, "key-pressed", G_CALLBACK (on_window_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (gtk_widget_get_root (widget)), self->window_keys);
}

static void
quorum_label_list_unroot (GtkWidget *widget)
{
  QuorumLabelList *self = QUORUM_LABEL_LIST (widget);

  if (self->window_keys != NULL)
    {
      gtk_widget_remove_controller (gtk_event_controller_get_widget (self->window_keys), self->window_keys);
      self->window_keys = NULL;
    }
  GTK_WIDGET_CLASS (quorum_label_list_parent_class)->unroot (widget);
}

static gboolean
select_index_shortcut (GtkWidget *widget,
                       GVariant  *args,
                       gpointer   user_data)
{
  return quorum_label_list_select_index (QUORUM_LABEL_LIST (widget), g_variant_get_uint32 (args));
}

static void
quorum_label_list_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  QuorumLabelList *self = QUORUM_LABEL_LIST (object);

  switch (prop_id)
    {
    case PROP_CURRENT_LABEL:
      g_value_set_string (value, self->current_label);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_label_list_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  QuorumLabelList *self = QUORUM_LABEL_LIST (object);

  switch (prop_id)
    {
    case PROP_CURRENT_LABEL:
      quorum_label_list_set_current_label (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_label_list_dispose (GObject *object)
{
  QuorumLabelList *self = QUORUM_LABEL_LIST (object);

  unbind_canvas (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), QUORUM_TYPE_LABEL_LIST);
  G_OBJECT_CLASS (quorum_label_list_parent_class)->dispose (object);
}

static void
quorum_label_list_finalize (GObject *object)
{
  QuorumLabelList *self = QUORUM_LABEL_LIST (object);

  g_clear_pointer (&self->schema, quorum_label_schema_free);
  g_clear_pointer (&self->hidden, g_hash_table_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_free (self->current_label);
  G_OBJECT_CLASS (quorum_label_list_parent_class)->finalize (object);
}

static void
quorum_label_list_class_init (QuorumLabelListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = quorum_label_list_get_property;
  object_class->set_property = quorum_label_list_set_property;
  object_class->dispose = quorum_label_list_dispose;
  widget_class->root = quorum_label_list_root;
  widget_class->unroot = quorum_label_list_unroot;
  object_class->finalize = quorum_label_list_finalize;

  properties[PROP_CURRENT_LABEL] =
    g_param_spec_string ("current-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QuorumLabelList::visibility-changed:
   * @label: the label's name
   * @visible: whether its instances are shown now
   */
  signals[VISIBILITY_CHANGED] =
    g_signal_new ("visibility-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);

  for (guint i = 0; i < 9; i++)
    {
      gtk_widget_class_add_binding (widget_class, GDK_KEY_1 + i, 0, select_index_shortcut, "u", i);
      gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_1 + i, 0, select_index_shortcut, "u", i);
    }

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/quorum/Quorum/ui/quorum-label-list.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumLabelList, list_box);
  gtk_widget_class_bind_template_child (widget_class, QuorumLabelList, placeholder);
  gtk_widget_class_bind_template_callback (widget_class, on_row_selected);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "labellist");
}

static void
quorum_label_list_init (QuorumLabelList *self)
{
  self->hidden = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
quorum_label_list_new (void)
{
  return g_object_new (QUORUM_TYPE_LABEL_LIST, NULL);
}
