/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-attribute-editor.h"
#include "quorum-wire.h"

/* One row per attribute of the selected instance's label. Each change is
 * one undoable step on the canvas (quorum_canvas_set_instance_attributes). */

typedef struct
{
  const QuorumAttributeSpec *spec;      /* in the editor's schema */
  GtkWidget                 *row;
  GtkWidget                 *control;   /* GtkSwitch, AdwComboRow, AdwEntryRow */
  GPtrArray                 *checks;    /* GtkCheckButton per option (multiple choice) */
} Field;

static void
field_free (gpointer data)
{
  Field *field = data;

  g_clear_pointer (&field->checks, g_ptr_array_unref);
  g_free (field);
}

struct _QuorumAttributeEditor
{
  GtkWidget          parent_instance;

  GtkStack          *stack;
  GtkLabel          *empty_label;
  GtkListBox        *list_box;

  QuorumLabelSchema *schema;
  GPtrArray         *fields;        /* of Field */
  const QuorumLabel *shown_label;   /* whose fields are built, in schema */
  gboolean           syncing;       /* the controls follow the instance */

  QuorumCanvas      *canvas;        /* weak */
};

G_DEFINE_FINAL_TYPE (QuorumAttributeEditor, quorum_attribute_editor, GTK_TYPE_WIDGET)

static JsonNode *
current_value (QuorumAttributeEditor *self,
               const char            *name)
{
  const QuorumInstance *instance = self->canvas ? quorum_canvas_get_selected_instance (self->canvas)
                                                : NULL;

  return instance && json_object_has_member (instance->attributes, name)
         ? json_object_get_member (instance->attributes, name) : NULL;
}

static gboolean
array_has_string (JsonNode   *node,
                  const char *value)
{
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
      return TRUE;
  return FALSE;
}

static const char *
string_value (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

/* Sets the controls to the selected instance's values. */
static void
sync_values (QuorumAttributeEditor *self)
{
  self->syncing = TRUE;
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);
      JsonNode *value = current_value (self, field->spec->name);
      const char *text = string_value (value);

      switch (field->spec->type)
        {
        case QUORUM_ATTRIBUTE_BOOLEAN:
          gtk_switch_set_active (GTK_SWITCH (field->control),
                                 value != NULL && JSON_NODE_HOLDS_VALUE (value)
                                 && json_node_get_value_type (value) == G_TYPE_BOOLEAN
                                 && json_node_get_boolean (value));
          break;
        case QUORUM_ATTRIBUTE_SINGLE_CHOICE:
          {
            guint selected = 0;  /* None */

            for (guint j = 0; text != NULL && field->spec->options[j] != NULL; j++)
              if (g_strcmp0 (field->spec->options[j], text) == 0)
                selected = j + 1;
            adw_combo_row_set_selected (ADW_COMBO_ROW (field->control), selected);
          }
          break;
        case QUORUM_ATTRIBUTE_MULTIPLE_CHOICE:
          for (guint j = 0; j < field->checks->len; j++)
            gtk_check_button_set_active (g_ptr_array_index (field->checks, j),
                                         array_has_string (value, field->spec->options[j]));
          break;
        case QUORUM_ATTRIBUTE_TEXT:
          if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (field->control)), text ? text : "") != 0)
            gtk_editable_set_text (GTK_EDITABLE (field->control), text ? text : "");
          break;
        default:
          break;
        }
    }
  self->syncing = FALSE;
}

/* The field's value as its controls show it; NULL for unset. */
static JsonNode *
field_value (Field *field)
{
  switch (field->spec->type)
    {
    case QUORUM_ATTRIBUTE_BOOLEAN:
      return json_node_init_boolean (json_node_alloc (),
                                     gtk_switch_get_active (GTK_SWITCH (field->control)));
    case QUORUM_ATTRIBUTE_SINGLE_CHOICE:
      {
        guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (field->control));

        if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
          return NULL;
        return json_node_init_string (json_node_alloc (), field->spec->options[selected - 1]);
      }
    case QUORUM_ATTRIBUTE_MULTIPLE_CHOICE:
      {
        g_autoptr(JsonArray) array = json_array_new ();

        for (guint j = 0; j < field->checks->len; j++)
          if (gtk_check_button_get_active (g_ptr_array_index (field->checks, j)))
            json_array_add_string_element (array, field->spec->options[j]);
        return json_node_init_array (json_node_alloc (), array);
      }
    case QUORUM_ATTRIBUTE_TEXT:
      {
        const char *text = gtk_editable_get_text (GTK_EDITABLE (field->control));

        return *text ? json_node_init_string (json_node_alloc (), text) : NULL;
      }
    default:
      return NULL;
    }
}

static void
commit (QuorumAttributeEditor *self,
        Field                 *field)
{
  const QuorumInstance *instance;
  g_autoptr(JsonObject) attributes = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (self->syncing || self->canvas == NULL
      || (instance = quorum_canvas_get_selected_instance (self->canvas)) == NULL)
    return;
  json_object_iter_init (&iter, instance->attributes);
  while (json_object_iter_next (&iter, &name, &node))
    if (g_strcmp0 (name, field->spec->name) != 0)
      json_object_set_member (attributes, name, json_node_copy (node));
  if ((node = field_value (field)) != NULL)
    json_object_set_member (attributes, field->spec->name, node);
  quorum_canvas_set_instance_attributes (self->canvas, quorum_canvas_get_selected (self->canvas),
                                         attributes);
}

static void
on_control_changed (GObject *control)
{
  QuorumAttributeEditor *self = g_object_get_data (control, "editor");

  commit (self, g_object_get_data (control, "field"));
}

static void
watch (QuorumAttributeEditor *self,
       Field                 *field,
       GObject               *control,
       const char            *signal)
{
  g_object_set_data (control, "editor", self);
  g_object_set_data (control, "field", field);
  g_signal_connect (control, signal, G_CALLBACK (on_control_changed), NULL);
}

/**
 * quorum_attribute_editor_display_name:
 * @name: an attribute's or a choice's name as the schema writes it
 *
 * What a person reads: "speed_limit" is "Speed limit". The schema's name
 * stays what is stored and sent.
 *
 * Returns: (transfer full): the name to show
 */
char *
quorum_attribute_editor_display_name (const char *name)
{
  GString *shown;

  g_return_val_if_fail (name != NULL, NULL);
  shown = g_string_new (NULL);
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '_' || (c == '-' && p != name))
        c = ' ';
      if (shown->len == 0)
        c = g_unichar_totitle (c);
      g_string_append_unichar (shown, c);
    }
  return g_string_free (shown, FALSE);
}

static Field *
field_new (QuorumAttributeEditor     *self,
           const QuorumAttributeSpec *spec)
{
  Field *field = g_new0 (Field, 1);

  field->spec = spec;
  switch (spec->type)
    {
    case QUORUM_ATTRIBUTE_BOOLEAN:
      field->row = adw_action_row_new ();
      field->control = gtk_switch_new ();
      gtk_widget_set_valign (field->control, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (field->row), field->control);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (field->row), field->control);
      watch (self, field, G_OBJECT (field->control), "notify::active");
      break;
    case QUORUM_ATTRIBUTE_SINGLE_CHOICE:
      {
        g_autoptr(GtkStringList) choices = gtk_string_list_new (NULL);

        /* Translators: the choice that leaves an attribute unset */
        gtk_string_list_append (choices, C_("attribute", "None"));
        for (guint j = 0; spec->options != NULL && spec->options[j] != NULL; j++)
          {
            g_autofree char *shown = quorum_attribute_editor_display_name (spec->options[j]);

            gtk_string_list_append (choices, shown);
          }
        field->row = field->control = adw_combo_row_new ();
        adw_combo_row_set_model (ADW_COMBO_ROW (field->row), G_LIST_MODEL (choices));
        watch (self, field, G_OBJECT (field->control), "notify::selected");
      }
      break;
    case QUORUM_ATTRIBUTE_MULTIPLE_CHOICE:
      field->row = adw_expander_row_new ();
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (field->row), TRUE);
      field->checks = g_ptr_array_new ();
      for (guint j = 0; spec->options != NULL && spec->options[j] != NULL; j++)
        {
          GtkWidget *row = adw_action_row_new ();
          GtkWidget *check = gtk_check_button_new ();
          g_autofree char *shown = quorum_attribute_editor_display_name (spec->options[j]);

          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), shown);
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
          adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
          adw_expander_row_add_row (ADW_EXPANDER_ROW (field->row), row);
          g_ptr_array_add (field->checks, check);
          watch (self, field, G_OBJECT (check), "toggled");
        }
      break;
    case QUORUM_ATTRIBUTE_TEXT:
      /* Applied with Enter or the apply button: one undo step per edit, not
       * per keystroke. */
      field->row = field->control = adw_entry_row_new ();
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (field->row), TRUE);
      watch (self, field, G_OBJECT (field->control), "apply");
      break;
    default:
      field->row = adw_action_row_new ();
      break;
    }
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (field->row), FALSE);
  {
    g_autofree char *shown = quorum_attribute_editor_display_name (spec->name);

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field->row), shown);
  }
  return field;
}

static void
clear_fields (QuorumAttributeEditor *self)
{
  for (guint i = 0; i < self->fields->len; i++)
    gtk_list_box_remove (self->list_box, ((Field *) g_ptr_array_index (self->fields, i))->row);
  g_ptr_array_set_size (self->fields, 0);
  self->shown_label = NULL;
}

/* Builds the rows for the selected instance's label when it changed, then
 * shows the instance's values. */
static void
update (QuorumAttributeEditor *self)
{
  const QuorumInstance *instance = self->canvas ? quorum_canvas_get_selected_instance (self->canvas)
                                                : NULL;
  const QuorumLabel *label = instance && self->schema
                             ? quorum_label_schema_find (self->schema, instance->label) : NULL;

  if (label == NULL || label->attributes->len == 0)
    {
      g_autofree char *text = NULL;

      clear_fields (self);
      if (instance == NULL)
        text = g_strdup (_("Select an instance to edit its attributes"));
      else
        text = g_strdup_printf (_("The label “%s” has no attributes"), instance->label);
      gtk_label_set_text (self->empty_label, text);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  if (label != self->shown_label)
    {
      clear_fields (self);
      for (guint i = 0; i < label->attributes->len; i++)
        {
          Field *field = field_new (self, g_ptr_array_index (label->attributes, i));

          g_ptr_array_add (self->fields, field);
          gtk_list_box_append (self->list_box, field->row);
        }
      self->shown_label = label;
    }
  sync_values (self);
  gtk_stack_set_visible_child_name (self->stack, "attributes");
}

/* @schema: (nullable): copied */
void
quorum_attribute_editor_set_schema (QuorumAttributeEditor   *self,
                                    const QuorumLabelSchema *schema)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_if_fail (QUORUM_IS_ATTRIBUTE_EDITOR (self));
  clear_fields (self);
  g_clear_pointer (&self->schema, quorum_label_schema_free);
  if (schema != NULL)
    {
      node = quorum_wire_write_label_schema (schema);
      self->schema = quorum_wire_read_label_schema (node, "", NULL);
    }
  update (self);
}

static void
unbind_canvas (QuorumAttributeEditor *self)
{
  if (self->canvas == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->canvas, self);
  g_clear_weak_pointer (&self->canvas);
}

/* @canvas: (nullable): %NULL to unbind */
void
quorum_attribute_editor_bind_canvas (QuorumAttributeEditor *self,
                                     QuorumCanvas          *canvas)
{
  g_return_if_fail (QUORUM_IS_ATTRIBUTE_EDITOR (self));
  g_return_if_fail (canvas == NULL || QUORUM_IS_CANVAS (canvas));
  if (canvas == self->canvas)
    return;
  unbind_canvas (self);
  if (canvas != NULL)
    {
      g_set_weak_pointer (&self->canvas, canvas);
      g_signal_connect_swapped (canvas, "instances-changed", G_CALLBACK (update), self);
      g_signal_connect_swapped (canvas, "selection-changed", G_CALLBACK (update), self);
    }
  update (self);
}

static void
quorum_attribute_editor_dispose (GObject *object)
{
  QuorumAttributeEditor *self = QUORUM_ATTRIBUTE_EDITOR (object);

  unbind_canvas (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), QUORUM_TYPE_ATTRIBUTE_EDITOR);
  G_OBJECT_CLASS (quorum_attribute_editor_parent_class)->dispose (object);
}

static void
quorum_attribute_editor_finalize (GObject *object)
{
  QuorumAttributeEditor *self = QUORUM_ATTRIBUTE_EDITOR (object);

  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->schema, quorum_label_schema_free);
  G_OBJECT_CLASS (quorum_attribute_editor_parent_class)->finalize (object);
}

static void
quorum_attribute_editor_class_init (QuorumAttributeEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = quorum_attribute_editor_dispose;
  object_class->finalize = quorum_attribute_editor_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/quorum/Quorum/ui/quorum-attribute-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumAttributeEditor, stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumAttributeEditor, empty_label);
  gtk_widget_class_bind_template_child (widget_class, QuorumAttributeEditor, list_box);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attributeeditor");
}

static void
quorum_attribute_editor_init (QuorumAttributeEditor *self)
{
  self->fields = g_ptr_array_new_with_free_func (field_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
quorum_attribute_editor_new (void)
{
  return g_object_new (QUORUM_TYPE_ATTRIBUTE_EDITOR, NULL);
}
