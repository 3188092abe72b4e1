/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "quorum-error.h"
#include "quorum-label-editor.h"
#include "quorum-session.h"

/* The kinds and attribute types the core knows (docs/formats.md), with
 * the words the rows show for them. */
static const char *const kinds[] = { "box", "polygon", "polyline", "point", "tag", NULL };
static const char *const kind_titles[] = { N_("Box"), N_("Polygon"), N_("Polyline"), N_("Point"), N_("Tag"), NULL };
static const char *const kind_words[] = { N_("box"), N_("polygon"), N_("polyline"), N_("point"), N_("tag"), NULL };
static const char *const kind_plurals[] = { N_("boxes"), N_("polygons"), N_("polylines"), N_("points"), N_("tags"), NULL };
static const char *const types[] = { "boolean", "single_choice", "multiple_choice", "text", NULL };
static const char *const type_titles[] = { N_("Yes or No"), N_("One Choice"), N_("Several Choices"), N_("Text"), NULL };

#define DEFAULT_COLOR "#3584e4"

typedef struct {
  char        *original;    /* the name it had when loaded; NULL when added */
  char        *original_type;
  char        *name;
  char        *type;
  char        *options;     /* as typed: "red, blue, other" */
  /* its rows while its label shows */
  GtkEditable *name_row;
  AdwComboRow *type_row;
  GtkEditable *options_row;
  AdwExpanderRow *expander;
} EditAttribute;

typedef struct {
  char        *original;
  char        *original_kind;
  char        *name;
  char        *kind;
  char        *color;
  GPtrArray   *attributes;  /* of EditAttribute */
  GtkLabel    *list_title;  /* its row in the list */
} EditLabel;

struct _QuorumLabelEditor
{
  AdwWindow             parent_instance;

  /* the template */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *error_page;
  GtkListBox           *label_list;
  AdwBin               *detail_bin;
  GtkWidget            *save_button;

  QuorumSession        *session;
  GCancellable         *cancellable;
  gint64                project_id;
  GPtrArray            *labels;         /* of EditLabel */
  JsonArray            *loaded;         /* the labels as the server has them */
  JsonArray            *usage_labels;   /* GET …/labels/usage */
  JsonArray            *usage_attributes;
  int                   selected;
  EditLabel            *removed;        /* the last label removed, for Undo */
  int                   removed_at;
  AdwToast             *undo_toast;     /* weak */
  guint                 loading;
  gboolean              dirty;
  gboolean              filling;        /* the rows change, not the user */

  /* the selected label's rows */
  GtkEditable          *name_row;
  AdwComboRow          *kind_row;
};

G_DEFINE_FINAL_TYPE (QuorumLabelEditor, quorum_label_editor, ADW_TYPE_WINDOW)

static void show_label (QuorumLabelEditor *self);

static void
edit_attribute_free (gpointer data)
{
  EditAttribute *attribute = data;

  g_free (attribute->original);
  g_free (attribute->original_type);
  g_free (attribute->name);
  g_free (attribute->type);
  g_free (attribute->options);
  g_free (attribute);
}

static void
edit_label_free (gpointer data)
{
  EditLabel *label = data;

  g_free (label->original);
  g_free (label->original_kind);
  g_free (label->name);
  g_free (label->kind);
  g_free (label->color);
  g_ptr_array_unref (label->attributes);
  g_free (label);
}

static guint
index_of (const char *const *values,
          const char        *value)
{
  for (guint i = 0; values[i] != NULL; i++)
    if (g_strcmp0 (values[i], value) == 0)
      return i;
  return 0;
}

static void
show_toast (QuorumLabelEditor *self,
            const char        *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static EditLabel *
selected_label (QuorumLabelEditor *self)
{
  if (self->selected < 0 || (guint) self->selected >= self->labels->len)
    return NULL;
  return g_ptr_array_index (self->labels, self->selected);
}

static void
set_dirty (QuorumLabelEditor *self,
           gboolean           dirty)
{
  self->dirty = dirty;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "labels.save", dirty && self->loading == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "labels.discard", dirty && self->loading == 0);
}

static void
changed (QuorumLabelEditor *self)
{
  if (!self->filling)
    set_dirty (self, TRUE);
}

/* ---- the schema, from the server and back ------------------------------------ */

static void
fill_from_schema (QuorumLabelEditor *self,
                  JsonNode          *schema)
{
  JsonObject *object = schema != NULL && JSON_NODE_HOLDS_OBJECT (schema) ? json_node_get_object (schema) : NULL;
  JsonArray *labels = object != NULL && json_object_has_member (object, "labels")
                      ? json_object_get_array_member (object, "labels") : NULL;

  g_ptr_array_set_size (self->labels, 0);
  g_clear_pointer (&self->loaded, json_array_unref);
  self->loaded = labels != NULL ? json_array_ref (labels) : json_array_new ();
  for (guint i = 0; labels != NULL && i < json_array_get_length (labels); i++)
    {
      JsonObject *source = json_array_get_object_element (labels, i);
      JsonArray *attributes = json_object_has_member (source, "attributes") &&
                              JSON_NODE_HOLDS_ARRAY (json_object_get_member (source, "attributes"))
                              ? json_object_get_array_member (source, "attributes") : NULL;
      EditLabel *label = g_new0 (EditLabel, 1);
      const char *color = json_object_has_member (source, "color") &&
                          !json_object_get_null_member (source, "color")
                          ? json_object_get_string_member (source, "color") : NULL;

      label->name = g_strdup (json_object_get_string_member_with_default (source, "name", ""));
      label->original = g_strdup (label->name);
      label->kind = g_strdup (json_object_get_string_member_with_default (source, "kind", "box"));
      label->original_kind = g_strdup (label->kind);
      label->color = g_strdup (color != NULL ? color : DEFAULT_COLOR);
      label->attributes = g_ptr_array_new_with_free_func (edit_attribute_free);
      for (guint j = 0; attributes != NULL && j < json_array_get_length (attributes); j++)
        {
          JsonObject *a = json_array_get_object_element (attributes, j);
          EditAttribute *attribute = g_new0 (EditAttribute, 1);
          JsonArray *options = json_object_has_member (a, "options")
                               ? json_object_get_array_member (a, "options") : NULL;
          GString *text = g_string_new (NULL);

          attribute->name = g_strdup (json_object_get_string_member_with_default (a, "name", ""));
          attribute->original = g_strdup (attribute->name);
          attribute->type = g_strdup (json_object_get_string_member_with_default (a, "type", "boolean"));
          attribute->original_type = g_strdup (attribute->type);
          for (guint k = 0; options != NULL && k < json_array_get_length (options); k++)
            g_string_append_printf (text, "%s%s", k > 0 ? ", " : "", json_array_get_string_element (options, k));
          attribute->options = g_string_free (text, FALSE);
          g_ptr_array_add (label->attributes, attribute);
        }
      g_ptr_array_add (self->labels, label);
    }
}

static gboolean
is_choice (const char *type)
{
  return g_str_has_suffix (type, "_choice");
}

JsonNode *
quorum_label_editor_build_schema (QuorumLabelEditor *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (QUORUM_IS_LABEL_EDITOR (self), NULL);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "labels");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->labels->len; i++)
    {
      EditLabel *label = g_ptr_array_index (self->labels, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, label->name);
      json_builder_set_member_name (builder, "color");
      json_builder_add_string_value (builder, label->color);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, label->kind);
      json_builder_set_member_name (builder, "attributes");
      json_builder_begin_array (builder);
      for (guint j = 0; j < label->attributes->len; j++)
        {
          EditAttribute *attribute = g_ptr_array_index (label->attributes, j);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, attribute->name);
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder, attribute->type);
          if (is_choice (attribute->type))
            {
              g_auto(GStrv) options = g_strsplit (attribute->options, ",", -1);

              json_builder_set_member_name (builder, "options");
              json_builder_begin_array (builder);
              for (guint k = 0; options[k] != NULL; k++)
                {
                  const char *option = g_strstrip (options[k]);

                  if (*option != '\0')
                    json_builder_add_string_value (builder, option);
                }
              json_builder_end_array (builder);
            }
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* ---- what a save leaves behind --------------------------------------------------- */

/* Instances of @label (of @kind, or of any kind when NULL). */
static gint64
label_usage (QuorumLabelEditor *self,
             const char        *label,
             const char        *kind)
{
  gint64 count = 0;

  for (guint i = 0; self->usage_labels != NULL && i < json_array_get_length (self->usage_labels); i++)
    {
      JsonObject *row = json_array_get_object_element (self->usage_labels, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (row, "label", NULL), label) == 0 &&
          (kind == NULL || g_strcmp0 (json_object_get_string_member_with_default (row, "kind", NULL), kind) == 0))
        count += json_object_get_int_member_with_default (row, "instances", 0);
    }
  return count;
}

/* Whether the schema as loaded has @label (and its attribute @attribute,
 * unless NULL): what a save changes. Instances with a label or attribute
 * the schema had lost before are no concern of this save. */
static gboolean
was_loaded (QuorumLabelEditor *self,
            const char        *label,
            const char        *attribute)
{
  for (guint i = 0; self->loaded != NULL && i < json_array_get_length (self->loaded); i++)
    {
      JsonObject *object = json_array_get_object_element (self->loaded, i);
      JsonArray *attributes;

      if (g_strcmp0 (json_object_get_string_member_with_default (object, "name", NULL), label) != 0)
        continue;
      if (attribute == NULL)
        return TRUE;
      attributes = json_object_has_member (object, "attributes") &&
                   JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "attributes"))
                   ? json_object_get_array_member (object, "attributes") : NULL;
      for (guint j = 0; attributes != NULL && j < json_array_get_length (attributes); j++)
        if (g_strcmp0 (json_object_get_string_member_with_default (json_array_get_object_element (attributes, j),
                                                                   "name", NULL), attribute) == 0)
          return TRUE;
      return FALSE;
    }
  return FALSE;
}

static EditLabel *
find_by_original (QuorumLabelEditor *self,
                  const char        *original)
{
  for (guint i = 0; i < self->labels->len; i++)
    {
      EditLabel *label = g_ptr_array_index (self->labels, i);

      if (g_strcmp0 (label->original, original) == 0)
        return label;
    }
  return NULL;
}

static void
attribute_warnings (QuorumLabelEditor *self,
                    EditLabel         *label,
                    GPtrArray         *warnings)
{
  /* The attributes the instances set: by the label's old name. */
  for (guint i = 0; self->usage_attributes != NULL && i < json_array_get_length (self->usage_attributes); i++)
    {
      JsonObject *row = json_array_get_object_element (self->usage_attributes, i);
      const char *name = json_object_get_string_member_with_default (row, "attribute", "");
      gint64 count = json_object_get_int_member_with_default (row, "instances", 0);
      EditAttribute *now = NULL;

      if (g_strcmp0 (json_object_get_string_member_with_default (row, "label", NULL), label->original) != 0 ||
          !was_loaded (self, label->original, name))
        continue;
      for (guint j = 0; j < label->attributes->len && now == NULL; j++)
        {
          EditAttribute *attribute = g_ptr_array_index (label->attributes, j);

          if (g_strcmp0 (attribute->original, name) == 0)
            now = attribute;
        }
      if (now == NULL)
        g_ptr_array_add (warnings,
                         g_strdup_printf (g_dngettext (NULL, "The attribute “%s” of “%s” is removed: %" G_GINT64_FORMAT " instance sets it.",
                                                       "The attribute “%s” of “%s” is removed: %" G_GINT64_FORMAT " instances set it.",
                                                       count),
                                          name, label->name, count));
      else if (g_strcmp0 (now->name, name) != 0)
        g_ptr_array_add (warnings,
                         g_strdup_printf (g_dngettext (NULL, "The attribute “%s” of “%s” is renamed “%s”: %" G_GINT64_FORMAT " instance still sets “%s”.",
                                                       "The attribute “%s” of “%s” is renamed “%s”: %" G_GINT64_FORMAT " instances still set “%s”.",
                                                       count),
                                          name, label->name, now->name, count, name));
      else if (g_strcmp0 (now->type, now->original_type) != 0)
        g_ptr_array_add (warnings,
                         g_strdup_printf (g_dngettext (NULL, "The attribute “%s” of “%s” changes type: %" G_GINT64_FORMAT " instance holds a value of the old type.",
                                                       "The attribute “%s” of “%s” changes type: %" G_GINT64_FORMAT " instances hold values of the old type.",
                                                       count),
                                          name, label->name, count));
    }
}

GPtrArray *
quorum_label_editor_list_warnings (QuorumLabelEditor *self)
{
  GPtrArray *warnings = g_ptr_array_new_with_free_func (g_free);
  guint n = self->usage_labels != NULL ? json_array_get_length (self->usage_labels) : 0;

  g_return_val_if_fail (QUORUM_IS_LABEL_EDITOR (self), warnings);
  /* The labels the instances use, as the server counted them: its rows
   * come by label, then kind. */
  for (guint i = 0; i < n; i++)
    {
      const char *name = json_object_get_string_member_with_default (json_array_get_object_element (self->usage_labels, i),
                                                                     "label", "");
      gint64 all = label_usage (self, name, NULL);
      EditLabel *now;

      if (i > 0 && g_strcmp0 (json_object_get_string_member_with_default (json_array_get_object_element (self->usage_labels, i - 1),
                                                                          "label", ""), name) == 0)
        continue;
      if (!was_loaded (self, name, NULL))
        continue;
      now = find_by_original (self, name);
      if (now == NULL)
        {
          g_ptr_array_add (warnings,
                           g_strdup_printf (g_dngettext (NULL, "“%s” is removed: %" G_GINT64_FORMAT " instance keeps a label the project no longer has.",
                                                         "“%s” is removed: %" G_GINT64_FORMAT " instances keep a label the project no longer has.",
                                                         all),
                                            name, all));
          continue;
        }
      if (g_strcmp0 (now->name, name) != 0)
        g_ptr_array_add (warnings,
                         g_strdup_printf (g_dngettext (NULL, "“%s” is renamed “%s”: %" G_GINT64_FORMAT " instance still names “%s”.",
                                                       "“%s” is renamed “%s”: %" G_GINT64_FORMAT " instances still name “%s”.",
                                                       all),
                                          name, now->name, all, name));
      for (guint j = i; j < n; j++)
        {
          JsonObject *row = json_array_get_object_element (self->usage_labels, j);
          const char *kind = json_object_get_string_member_with_default (row, "kind", "");
          gint64 count = json_object_get_int_member_with_default (row, "instances", 0);

          if (g_strcmp0 (json_object_get_string_member_with_default (row, "label", ""), name) != 0)
            break;
          if (g_strcmp0 (kind, now->kind) != 0)
            g_ptr_array_add (warnings,
                             g_strdup_printf (g_dngettext (NULL, "“%s” is drawn as a %s now: %" G_GINT64_FORMAT " of its %s no longer fits it.",
                                                           "“%s” is drawn as a %s now: %" G_GINT64_FORMAT " of its %s no longer fit it.",
                                                           count),
                                              now->name, _(kind_words[index_of (kinds, now->kind)]),
                                              count, _(kind_plurals[index_of (kinds, kind)])));
        }
      attribute_warnings (self, now, warnings);
    }
  return warnings;
}

/* ---- the list of labels ----------------------------------------------------------- */

static GtkWidget *
swatch_new (const char *color)
{
  GtkWidget *swatch = gtk_drawing_area_new ();
  GdkRGBA rgba;
  g_autofree char *css = NULL;
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  if (!gdk_rgba_parse (&rgba, color))
    gdk_rgba_parse (&rgba, DEFAULT_COLOR);
  css = g_strdup_printf ("* { background: %s; border-radius: 50%%; min-width: 14px; min-height: 14px; }",
                         gdk_rgba_to_string (&rgba));
  gtk_css_provider_load_from_data (provider, css, -1);
  gtk_style_context_add_provider (gtk_widget_get_style_context (swatch), GTK_STYLE_PROVIDER (provider),
                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  return swatch;
}

static void
fill_list (QuorumLabelEditor *self)
{
  GtkWidget *child;

  self->filling = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->label_list))) != NULL)
    gtk_list_box_remove (self->label_list, child);
  for (guint i = 0; i < self->labels->len; i++)
    {
      EditLabel *label = g_ptr_array_index (self->labels, i);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
      GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *title = gtk_label_new (label->name);
      GtkWidget *kind = gtk_label_new (_(kind_titles[index_of (kinds, label->kind)]));

      gtk_widget_set_margin_start (box, 12);
      gtk_widget_set_margin_end (box, 12);
      gtk_widget_set_margin_top (box, 8);
      gtk_widget_set_margin_bottom (box, 8);
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
      gtk_label_set_xalign (GTK_LABEL (kind), 0);
      gtk_widget_add_css_class (kind, "dim-label");
      gtk_widget_add_css_class (kind, "caption");
      gtk_box_append (GTK_BOX (text), title);
      gtk_box_append (GTK_BOX (text), kind);
      gtk_box_append (GTK_BOX (box), swatch_new (label->color));
      gtk_box_append (GTK_BOX (box), text);
      gtk_list_box_append (self->label_list, box);
      label->list_title = GTK_LABEL (title);
    }
  if (self->selected >= (int) self->labels->len)
    self->selected = (int) self->labels->len - 1;
  if (self->selected >= 0)
    gtk_list_box_select_row (self->label_list, gtk_list_box_get_row_at_index (self->label_list, self->selected));
  self->filling = FALSE;
  show_label (self);
}

static void
on_row_selected (QuorumLabelEditor *self,
                 GtkListBoxRow     *row)
{
  if (self->filling || row == NULL)
    return;
  self->selected = gtk_list_box_row_get_index (row);
  show_label (self);
}

/* ---- the selected label's details ------------------------------------------------- */

static GtkStringList *
titles_model (const char *const *titles)
{
  GtkStringList *model = gtk_string_list_new (NULL);

  for (guint i = 0; titles[i] != NULL; i++)
    gtk_string_list_append (model, _(titles[i]));
  return model;
}

static void
on_name_changed (GtkEditable       *row,
                 QuorumLabelEditor *self)
{
  EditLabel *label = selected_label (self);

  if (self->filling || label == NULL)
    return;
  g_free (label->name);
  label->name = g_strdup (gtk_editable_get_text (row));
  if (label->list_title != NULL)
    gtk_label_set_text (label->list_title, label->name);
  changed (self);
}

static void
on_kind_changed (AdwComboRow       *row,
                 GParamSpec        *pspec,
                 QuorumLabelEditor *self)
{
  EditLabel *label = selected_label (self);
  guint selected = adw_combo_row_get_selected (row);

  if (self->filling || label == NULL || selected >= G_N_ELEMENTS (kinds) - 1)
    return;
  g_free (label->kind);
  label->kind = g_strdup (kinds[selected]);
  changed (self);
  fill_list (self);
}

static void
on_color_set (GtkColorButton    *button,
              QuorumLabelEditor *self)
{
  EditLabel *label = selected_label (self);
  GdkRGBA rgba;

  if (label == NULL)
    return;
  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (button), &rgba);
  g_free (label->color);
  label->color = g_strdup_printf ("#%02x%02x%02x", (int) (rgba.red * 255 + 0.5),
                                  (int) (rgba.green * 255 + 0.5), (int) (rgba.blue * 255 + 0.5));
  changed (self);
  fill_list (self);
}

static EditAttribute *
attribute_of (QuorumLabelEditor *self,
              GtkWidget         *row)
{
  EditLabel *label = selected_label (self);

  for (guint i = 0; label != NULL && i < label->attributes->len; i++)
    {
      EditAttribute *attribute = g_ptr_array_index (label->attributes, i);

      if (row == GTK_WIDGET (attribute->name_row) || row == GTK_WIDGET (attribute->type_row) ||
          row == GTK_WIDGET (attribute->options_row))
        return attribute;
    }
  return NULL;
}

static void
update_attribute_title (EditAttribute *attribute)
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (attribute->expander),
                                 *attribute->name != '\0' ? attribute->name : _("Unnamed Attribute"));
  adw_expander_row_set_subtitle (attribute->expander, _(type_titles[index_of (types, attribute->type)]));
  gtk_widget_set_visible (GTK_WIDGET (attribute->options_row), is_choice (attribute->type));
}

static void
on_attribute_name_changed (GtkEditable       *row,
                           QuorumLabelEditor *self)
{
  EditAttribute *attribute = attribute_of (self, GTK_WIDGET (row));

  if (self->filling || attribute == NULL)
    return;
  g_free (attribute->name);
  attribute->name = g_strdup (gtk_editable_get_text (row));
  update_attribute_title (attribute);
  changed (self);
}

static void
on_attribute_type_changed (AdwComboRow       *row,
                           GParamSpec        *pspec,
                           QuorumLabelEditor *self)
{
  EditAttribute *attribute = attribute_of (self, GTK_WIDGET (row));
  guint selected = adw_combo_row_get_selected (row);

  if (self->filling || attribute == NULL || selected >= G_N_ELEMENTS (types) - 1)
    return;
  g_free (attribute->type);
  attribute->type = g_strdup (types[selected]);
  update_attribute_title (attribute);
  changed (self);
}

static void
on_attribute_options_changed (GtkEditable       *row,
                              QuorumLabelEditor *self)
{
  EditAttribute *attribute = attribute_of (self, GTK_WIDGET (row));

  if (self->filling || attribute == NULL)
    return;
  g_free (attribute->options);
  attribute->options = g_strdup (gtk_editable_get_text (row));
  changed (self);
}

static void
on_remove_attribute (GtkButton         *button,
                     QuorumLabelEditor *self)
{
  EditLabel *label = selected_label (self);
  EditAttribute *attribute = g_object_get_data (G_OBJECT (button), "quorum-attribute");

  if (label == NULL || attribute == NULL)
    return;
  g_ptr_array_remove (label->attributes, attribute);
  changed (self);
  show_label (self);
}

static GtkWidget *
attribute_row (QuorumLabelEditor *self,
               EditAttribute     *attribute)
{
  GtkWidget *expander = adw_expander_row_new ();
  GtkWidget *name = adw_entry_row_new ();
  GtkWidget *type = adw_combo_row_new ();
  GtkWidget *options = adw_entry_row_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autoptr(GtkStringList) model = titles_model (type_titles);

  attribute->expander = ADW_EXPANDER_ROW (expander);
  attribute->name_row = GTK_EDITABLE (name);
  attribute->type_row = ADW_COMBO_ROW (type);
  attribute->options_row = GTK_EDITABLE (options);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (name), _("Name"));
  gtk_editable_set_text (GTK_EDITABLE (name), attribute->name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (type), _("Type"));
  adw_combo_row_set_model (ADW_COMBO_ROW (type), G_LIST_MODEL (model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (type), index_of (types, attribute->type));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (options), _("Choices, separated by commas"));
  gtk_editable_set_text (GTK_EDITABLE (options), attribute->options);
  gtk_widget_set_tooltip_text (remove, _("Remove Attribute"));
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  g_object_set_data (G_OBJECT (remove), "quorum-attribute", attribute);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), name);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), type);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), options);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (expander), remove);
  update_attribute_title (attribute);
  g_signal_connect (name, "changed", G_CALLBACK (on_attribute_name_changed), self);
  g_signal_connect (type, "notify::selected", G_CALLBACK (on_attribute_type_changed), self);
  g_signal_connect (options, "changed", G_CALLBACK (on_attribute_options_changed), self);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_attribute), self);
  return expander;
}

static void
show_label (QuorumLabelEditor *self)
{
  EditLabel *label = selected_label (self);
  GtkWidget *page, *group, *name, *kind, *color_row, *color, *attributes, *add, *order;
  g_autoptr(GtkStringList) model = NULL;
  GdkRGBA rgba;

  self->name_row = NULL;
  self->kind_row = NULL;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "labels.remove", label != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "labels.move-up", label != NULL && self->selected > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "labels.move-down",
                                 label != NULL && (guint) self->selected + 1 < self->labels->len);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "labels.add-attribute", label != NULL);
  if (label == NULL)
    {
      GtkWidget *empty = adw_status_page_new ();

      adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "tag-symbolic");
      adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Labels Yet"));
      adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                       _("Annotators draw with the project’s labels. Add one with the + button."));
      adw_bin_set_child (self->detail_bin, empty);
      return;
    }
  self->filling = TRUE;
  page = adw_preferences_page_new ();
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Label"));
  name = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (name), _("Name"));
  gtk_editable_set_text (GTK_EDITABLE (name), label->name);
  g_signal_connect (name, "changed", G_CALLBACK (on_name_changed), self);
  kind = adw_combo_row_new ();
  model = titles_model (kind_titles);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (kind), _("Drawn as"));
  adw_combo_row_set_model (ADW_COMBO_ROW (kind), G_LIST_MODEL (model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (kind), index_of (kinds, label->kind));
  g_signal_connect (kind, "notify::selected", G_CALLBACK (on_kind_changed), self);
  color_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (color_row), _("Colour"));
  if (!gdk_rgba_parse (&rgba, label->color))
    gdk_rgba_parse (&rgba, DEFAULT_COLOR);
  color = gtk_color_button_new_with_rgba (&rgba);
  gtk_widget_set_valign (color, GTK_ALIGN_CENTER);
  g_signal_connect (color, "color-set", G_CALLBACK (on_color_set), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (color_row), color);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (color_row), color);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), name);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), kind);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), color_row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  attributes = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (attributes), _("Attributes"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (attributes),
                                         _("What annotators answer about each instance of this label."));
  add = gtk_button_new_from_icon_name ("list-add-symbolic");
  gtk_widget_set_tooltip_text (add, _("Add Attribute"));
  gtk_widget_add_css_class (add, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (add), "labels.add-attribute");
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (attributes), add);
  for (guint i = 0; i < label->attributes->len; i++)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (attributes),
                               attribute_row (self, g_ptr_array_index (label->attributes, i)));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (attributes));

  order = adw_preferences_group_new ();
  {
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
    GtkWidget *up = gtk_button_new_with_mnemonic (_("Move _Up"));
    GtkWidget *down = gtk_button_new_with_mnemonic (_("Move _Down"));
    GtkWidget *remove = gtk_button_new_with_mnemonic (_("_Remove Label"));

    gtk_actionable_set_action_name (GTK_ACTIONABLE (up), "labels.move-up");
    gtk_actionable_set_action_name (GTK_ACTIONABLE (down), "labels.move-down");
    gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "labels.remove");
    gtk_widget_add_css_class (remove, "destructive-action");
    gtk_widget_set_hexpand (remove, TRUE);
    gtk_widget_set_halign (remove, GTK_ALIGN_END);
    gtk_box_append (GTK_BOX (box), up);
    gtk_box_append (GTK_BOX (box), down);
    gtk_box_append (GTK_BOX (box), remove);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (order), box);
  }
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (order));
  adw_bin_set_child (self->detail_bin, page);
  self->name_row = GTK_EDITABLE (name);
  self->kind_row = ADW_COMBO_ROW (kind);
  self->filling = FALSE;
}

/* ---- actions ------------------------------------------------------------------------ */

static char *
unused_name (QuorumLabelEditor *self)
{
  for (guint n = 1; ; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup (_("label")) : g_strdup_printf (_("label %u"), n);
      gboolean taken = FALSE;

      for (guint i = 0; i < self->labels->len && !taken; i++)
        taken = g_strcmp0 (((EditLabel *) g_ptr_array_index (self->labels, i))->name, name) == 0;
      if (!taken)
        return g_steal_pointer (&name);
    }
}

static void
add_label (QuorumLabelEditor *self)
{
  EditLabel *label = g_new0 (EditLabel, 1);

  label->name = unused_name (self);
  label->kind = g_strdup ("box");
  label->color = g_strdup (DEFAULT_COLOR);
  label->attributes = g_ptr_array_new_with_free_func (edit_attribute_free);
  g_ptr_array_add (self->labels, label);
  self->selected = (int) self->labels->len - 1;
  changed (self);
  fill_list (self);
  if (self->name_row != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static void
move_label (QuorumLabelEditor *self,
            int                by)
{
  int to = self->selected + by;
  gpointer *items = self->labels->pdata;
  gpointer moved;

  if (self->selected < 0 || to < 0 || to >= (int) self->labels->len)
    return;
  moved = items[self->selected];
  items[self->selected] = items[to];
  items[to] = moved;
  self->selected = to;
  changed (self);
  fill_list (self);
}

/* Removed at once, with a toast to take it back (and Discard for all). */
static void
remove_label (QuorumLabelEditor *self)
{
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (self->undo_toast != NULL)
    adw_toast_dismiss (self->undo_toast);
  g_clear_pointer (&self->removed, edit_label_free);
  self->removed = g_ptr_array_steal_index (self->labels, self->selected);
  self->removed_at = self->selected;
  title = g_strdup_printf (_("“%s” removed"), self->removed->name);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "labels.undo-remove");
  g_set_weak_pointer (&self->undo_toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  changed (self);
  fill_list (self);
}

static void save (QuorumLabelEditor *self);
static void load (QuorumLabelEditor *self);

static void
editor_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  QuorumLabelEditor *self = QUORUM_LABEL_EDITOR (widget);
  EditLabel *label = selected_label (self);

  if (g_str_equal (action_name, "labels.add"))
    add_label (self);
  else if (g_str_equal (action_name, "labels.remove") && label != NULL)
    remove_label (self);
  else if (g_str_equal (action_name, "labels.undo-remove") && self->removed != NULL)
    {
      self->removed_at = MIN (self->removed_at, (int) self->labels->len);
      g_ptr_array_insert (self->labels, self->removed_at, g_steal_pointer (&self->removed));
      self->selected = self->removed_at;
      fill_list (self);
    }
  else if (g_str_equal (action_name, "labels.move-up"))
    move_label (self, -1);
  else if (g_str_equal (action_name, "labels.move-down"))
    move_label (self, 1);
  else if (g_str_equal (action_name, "labels.add-attribute") && label != NULL)
    {
      EditAttribute *attribute = g_new0 (EditAttribute, 1);

      attribute->name = g_strdup ("");
      attribute->type = g_strdup ("boolean");
      attribute->options = g_strdup ("");
      g_ptr_array_add (label->attributes, attribute);
      changed (self);
      show_label (self);
      adw_expander_row_set_expanded (attribute->expander, TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (attribute->name_row));
    }
  else if (g_str_equal (action_name, "labels.save"))
    save (self);
  else if (g_str_equal (action_name, "labels.discard") || g_str_equal (action_name, "labels.refresh"))
    load (self);
}

/* ---- loading and saving --------------------------------------------------------------- */

static void
loaded (QuorumLabelEditor *self)
{
  if (--self->loading > 0)
    return;
  gtk_spinner_stop (self->spinner);
  set_dirty (self, self->dirty);
}

static void
got_schema (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(QuorumLabelEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) schema = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (schema == NULL)
    {
      g_autofree char *why = quorum_error_to_sentence (error->message);

      adw_status_page_set_description (self->error_page, why);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
  else
    {
      fill_from_schema (self, schema);
      self->selected = self->labels->len > 0 ? 0 : -1;
      set_dirty (self, FALSE);
      fill_list (self);
      gtk_stack_set_visible_child_name (self->stack, "labels");
    }
  loaded (self);
}

static void
got_usage (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(QuorumLabelEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) usage = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);
  JsonObject *object;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_pointer (&self->usage_labels, json_array_unref);
  g_clear_pointer (&self->usage_attributes, json_array_unref);
  object = usage != NULL && JSON_NODE_HOLDS_OBJECT (usage) ? json_node_get_object (usage) : NULL;
  if (object != NULL && json_object_has_member (object, "labels") && json_object_has_member (object, "attributes"))
    {
      self->usage_labels = json_array_ref (json_object_get_array_member (object, "labels"));
      self->usage_attributes = json_array_ref (json_object_get_array_member (object, "attributes"));
    }
  else if (error != NULL)
    {
      g_autofree char *why = quorum_error_to_sentence (error->message);
      g_autofree char *message = g_strdup_printf (_("How the instances use the labels could not be read. %s"), why);

      show_toast (self, message);
    }
  loaded (self);
}

static void
load (QuorumLabelEditor *self)
{
  QuorumClient *client = quorum_session_get_client (self->session);
  g_autofree char *labels = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/labels", self->project_id);
  g_autofree char *usage = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/labels/usage", self->project_id);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading = 2;
  set_dirty (self, FALSE);
  gtk_spinner_start (self->spinner);
  if (self->labels->len == 0)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  quorum_client_call_async (client, "GET", labels, NULL, self->cancellable, got_schema, g_object_ref (self));
  quorum_client_call_async (client, "GET", usage, NULL, self->cancellable, got_usage, g_object_ref (self));
}

void
quorum_label_editor_refresh (QuorumLabelEditor *self)
{
  g_return_if_fail (QUORUM_IS_LABEL_EDITOR (self));
  load (self);
}

static void
saved (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  g_autoptr(QuorumLabelEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) schema = quorum_client_call_finish (QUORUM_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading--;
  if (schema == NULL)
    {
      g_autofree char *why = quorum_error_to_sentence (error->message);
      g_autofree char *message = g_strdup_printf (_("The labels could not be saved. %s"), why);
      int index;

      /* "labels[1].kind: …": show the label the server names. */
      if (sscanf (error->message, "labels[%d]", &index) == 1 && index >= 0 && (guint) index < self->labels->len)
        {
          self->selected = index;
          fill_list (self);
        }
      show_toast (self, message);
      set_dirty (self, TRUE);
      return;
    }
  show_toast (self, _("Labels saved"));
  /* What the server keeps becomes what later saves compare with. */
  self->selected = MAX (self->selected, 0);
  load (self);
}

static void
send (QuorumLabelEditor *self)
{
  g_autoptr(JsonNode) schema = quorum_label_editor_build_schema (self);
  g_autofree char *path = g_strdup_printf ("/projects/%" G_GINT64_FORMAT "/labels", self->project_id);

  self->loading++;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "labels.save", FALSE);
  quorum_client_call_async (quorum_session_get_client (self->session), "PUT", path, schema,
                            self->cancellable, saved, g_object_ref (self));
}

static void
warning_response (AdwMessageDialog  *dialog,
                  const char        *response,
                  QuorumLabelEditor *self)
{
  if (g_str_equal (response, "save"))
    send (self);
}

static void
save (QuorumLabelEditor *self)
{
  g_autoptr(GPtrArray) warnings = quorum_label_editor_list_warnings (self);
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog;

  if (self->loading > 0)
    return;
  if (warnings->len == 0)
    {
      send (self);
      return;
    }
  for (guint i = 0; i < warnings->len; i++)
    g_string_append_printf (body, "%s%s", i > 0 ? "\n" : "", (char *) g_ptr_array_index (warnings, i));
  g_string_append (body, _("\n\nSaved instances are not changed; they show their label as it was until someone edits them."));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Change Labels in Use?"), body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "save", _("_Save Anyway"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (warning_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- closing with changes --------------------------------------------------------------- */

static gboolean
close_later (gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

/* The window closes once the dialog is done with its response: closing it
 * inside the dialog's signal would free the dialog's parent under it. */
static void
close_response (AdwMessageDialog  *dialog,
                const char        *response,
                QuorumLabelEditor *self)
{
  if (g_str_equal (response, "discard"))
    {
      set_dirty (self, FALSE);
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_later, g_object_ref (self), g_object_unref);
    }
}

static gboolean
quorum_label_editor_close_request (GtkWindow *window)
{
  QuorumLabelEditor *self = QUORUM_LABEL_EDITOR (window);
  GtkWidget *dialog;

  if (!self->dirty)
    return GTK_WINDOW_CLASS (quorum_label_editor_parent_class)->close_request (window);
  dialog = adw_message_dialog_new (window, _("Discard Changes to the Labels?"),
                                   _("The changes were not saved. Discarding them keeps the labels as the server has them."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "keep", _("_Keep Editing"),
                                    "discard", _("_Discard"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (close_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* ---- for tests --------------------------------------------------------------------------- */

gboolean
quorum_label_editor_get_loading (QuorumLabelEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_LABEL_EDITOR (self), FALSE);
  return self->loading > 0;
}

gboolean
quorum_label_editor_get_dirty (QuorumLabelEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_LABEL_EDITOR (self), FALSE);
  return self->dirty;
}

guint
quorum_label_editor_get_n_labels (QuorumLabelEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_LABEL_EDITOR (self), 0);
  return self->labels->len;
}

int
quorum_label_editor_get_selected (QuorumLabelEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_LABEL_EDITOR (self), -1);
  return self->selected;
}

void
quorum_label_editor_select (QuorumLabelEditor *self,
                            guint              index)
{
  GtkListBoxRow *row;

  g_return_if_fail (QUORUM_IS_LABEL_EDITOR (self));
  row = gtk_list_box_get_row_at_index (self->label_list, index);
  if (row != NULL)
    gtk_list_box_select_row (self->label_list, row);
}

GtkEditable *
quorum_label_editor_get_name_row (QuorumLabelEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_LABEL_EDITOR (self), NULL);
  return self->name_row;
}

AdwComboRow *
quorum_label_editor_get_kind_row (QuorumLabelEditor *self)
{
  g_return_val_if_fail (QUORUM_IS_LABEL_EDITOR (self), NULL);
  return self->kind_row;
}

static EditAttribute *
attribute_at (QuorumLabelEditor *self,
              guint              index)
{
  EditLabel *label = selected_label (self);

  return label != NULL && index < label->attributes->len ? g_ptr_array_index (label->attributes, index) : NULL;
}

GtkEditable *
quorum_label_editor_get_attribute_name_row (QuorumLabelEditor *self,
                                            guint              index)
{
  EditAttribute *attribute = attribute_at (self, index);

  return attribute != NULL ? attribute->name_row : NULL;
}

AdwComboRow *
quorum_label_editor_get_attribute_type_row (QuorumLabelEditor *self,
                                            guint              index)
{
  EditAttribute *attribute = attribute_at (self, index);

  return attribute != NULL ? attribute->type_row : NULL;
}

GtkEditable *
quorum_label_editor_get_attribute_options_row (QuorumLabelEditor *self,
                                               guint              index)
{
  EditAttribute *attribute = attribute_at (self, index);

  return attribute != NULL ? attribute->options_row : NULL;
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
quorum_label_editor_dispose (GObject *object)
{
  QuorumLabelEditor *self = QUORUM_LABEL_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_weak_pointer (&self->undo_toast);
  G_OBJECT_CLASS (quorum_label_editor_parent_class)->dispose (object);
}

static void
quorum_label_editor_finalize (GObject *object)
{
  QuorumLabelEditor *self = QUORUM_LABEL_EDITOR (object);

  g_ptr_array_unref (self->labels);
  g_clear_pointer (&self->removed, edit_label_free);
  g_clear_pointer (&self->loaded, json_array_unref);
  g_clear_pointer (&self->usage_labels, json_array_unref);
  g_clear_pointer (&self->usage_attributes, json_array_unref);
  G_OBJECT_CLASS (quorum_label_editor_parent_class)->finalize (object);
}

static void
quorum_label_editor_class_init (QuorumLabelEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = quorum_label_editor_dispose;
  object_class->finalize = quorum_label_editor_finalize;
  window_class->close_request = quorum_label_editor_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/quorum/Quorum/ui/quorum-label-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, QuorumLabelEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QuorumLabelEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, QuorumLabelEditor, stack);
  gtk_widget_class_bind_template_child (widget_class, QuorumLabelEditor, spinner);
  gtk_widget_class_bind_template_child (widget_class, QuorumLabelEditor, error_page);
  gtk_widget_class_bind_template_child (widget_class, QuorumLabelEditor, label_list);
  gtk_widget_class_bind_template_child (widget_class, QuorumLabelEditor, detail_bin);
  gtk_widget_class_bind_template_child (widget_class, QuorumLabelEditor, save_button);
  gtk_widget_class_bind_template_callback (widget_class, on_row_selected);

  gtk_widget_class_install_action (widget_class, "labels.add", NULL, editor_action);
  gtk_widget_class_install_action (widget_class, "labels.remove", NULL, editor_action);
  gtk_widget_class_install_action (widget_class, "labels.undo-remove", NULL, editor_action);
  gtk_widget_class_install_action (widget_class, "labels.move-up", NULL, editor_action);
  gtk_widget_class_install_action (widget_class, "labels.move-down", NULL, editor_action);
  gtk_widget_class_install_action (widget_class, "labels.add-attribute", NULL, editor_action);
  gtk_widget_class_install_action (widget_class, "labels.save", NULL, editor_action);
  gtk_widget_class_install_action (widget_class, "labels.discard", NULL, editor_action);
  gtk_widget_class_install_action (widget_class, "labels.refresh", NULL, editor_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "labels.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "labels.add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
quorum_label_editor_init (QuorumLabelEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->labels = g_ptr_array_new_with_free_func (edit_label_free);
  self->selected = -1;
  set_dirty (self, FALSE);
}

QuorumLabelEditor *
quorum_label_editor_new (QuorumWindow *window,
                         gint64        project_id,
                         const char   *project_name)
{
  QuorumLabelEditor *self;

  g_return_val_if_fail (QUORUM_IS_WINDOW (window), NULL);
  g_return_val_if_fail (quorum_window_get_session (window) != NULL, NULL);

  self = g_object_new (QUORUM_TYPE_LABEL_EDITOR, "transient-for", window, NULL);
  self->session = g_object_ref (quorum_window_get_session (window));
  self->project_id = project_id;
  adw_window_title_set_subtitle (self->window_title, project_name);
  load (self);
  return self;
}
