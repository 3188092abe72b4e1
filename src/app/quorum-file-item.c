/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-file-item.h"

struct _QuorumFileItem
{
  GObject       parent_instance;

  gint64        id;
  char         *name;
  char         *folded_name;
  gint64        size;
  gint64        width;
  gint64        height;
  gint64        frames;
  gboolean      video;
  char         *video_state;
  double        video_progress;
  char         *video_error;
  gboolean      has_existing;
  gboolean      in_job;
  GdkPaintable *thumbnail;
};

G_DEFINE_FINAL_TYPE (QuorumFileItem, quorum_file_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DESCRIPTION,
  PROP_USE,
  PROP_THUMBNAIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
quorum_file_item_finalize (GObject *object)
{
  QuorumFileItem *self = QUORUM_FILE_ITEM (object);

  g_free (self->name);
  g_free (self->folded_name);
  g_free (self->video_state);
  g_free (self->video_error);
  g_clear_object (&self->thumbnail);
  G_OBJECT_CLASS (quorum_file_item_parent_class)->finalize (object);
}

static void
quorum_file_item_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  QuorumFileItem *self = QUORUM_FILE_ITEM (object);

  switch (prop_id)
    {
    case PROP_DESCRIPTION:
      g_value_take_string (value, quorum_file_item_describe (self));
      break;
    case PROP_USE:
      g_value_take_string (value, quorum_file_item_describe_use (self));
      break;
    case PROP_THUMBNAIL:
      g_value_set_object (value, self->thumbnail);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_file_item_class_init (QuorumFileItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = quorum_file_item_finalize;
  object_class->get_property = quorum_file_item_get_property;

  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USE] =
    g_param_spec_string ("use", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_THUMBNAIL] =
    g_param_spec_object ("thumbnail", NULL, NULL, GDK_TYPE_PAINTABLE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
quorum_file_item_init (QuorumFileItem *self)
{
}

QuorumFileItem *
quorum_file_item_new (JsonObject *record)
{
  QuorumFileItem *self = g_object_new (QUORUM_TYPE_FILE_ITEM, NULL);

  self->id = json_object_get_int_member_with_default (record, "id", 0);
  self->name = g_strdup (json_object_get_string_member_with_default (record, "name", ""));
  self->folded_name = g_utf8_casefold (self->name, -1);
  self->size = json_object_get_int_member_with_default (record, "size", 0);
  self->width = json_object_get_int_member_with_default (record, "width", 0);
  self->height = json_object_get_int_member_with_default (record, "height", 0);
  self->frames = json_object_get_int_member_with_default (record, "frames", 0);
  self->video = g_str_has_prefix (json_object_get_string_member_with_default (record, "media_type", ""), "video")
                || json_object_has_member (record, "video");
  quorum_file_item_update (self, record);
  return self;
}

void
quorum_file_item_update (QuorumFileItem *self,
                         JsonObject     *record)
{
  JsonNode *video = json_object_get_member (record, "video");
  gboolean has_existing = json_object_get_boolean_member_with_default (record, "has_existing", FALSE);
  const char *state = NULL, *why = NULL;
  double progress = 0;

  g_return_if_fail (QUORUM_IS_FILE_ITEM (self));
  if (video != NULL && JSON_NODE_HOLDS_OBJECT (video))
    {
      JsonObject *object = json_node_get_object (video);
      JsonNode *error = json_object_get_member (object, "error");

      state = json_object_get_string_member_with_default (object, "state", NULL);
      progress = json_object_get_double_member_with_default (object, "progress", 0);
      if (error != NULL && JSON_NODE_HOLDS_VALUE (error))
        why = json_node_get_string (error);
    }
  if (g_strcmp0 (state, self->video_state) != 0 || progress != self->video_progress ||
      g_strcmp0 (why, self->video_error) != 0)
    {
      g_free (self->video_state);
      self->video_state = g_strdup (state);
      g_free (self->video_error);
      self->video_error = g_strdup (why);
      self->video_progress = progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
    }
  if (has_existing != self->has_existing)
    {
      self->has_existing = has_existing;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USE]);
    }
}

gint64
quorum_file_item_get_id (QuorumFileItem *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_ITEM (self), 0);
  return self->id;
}

const char *
quorum_file_item_get_name (QuorumFileItem *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_ITEM (self), NULL);
  return self->name;
}

const char *
quorum_file_item_get_folded_name (QuorumFileItem *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_ITEM (self), NULL);
  return self->folded_name;
}

gint64
quorum_file_item_get_size (QuorumFileItem *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_ITEM (self), 0);
  return self->size;
}

gboolean
quorum_file_item_is_video (QuorumFileItem *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_ITEM (self), FALSE);
  return self->video;
}

const char *
quorum_file_item_get_video_state (QuorumFileItem *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_ITEM (self), NULL);
  return self->video_state;
}

const char *
quorum_file_item_get_video_error (QuorumFileItem *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_ITEM (self), NULL);
  return g_strcmp0 (self->video_state, "failed") == 0 ? self->video_error : NULL;
}

gboolean
quorum_file_item_get_has_existing (QuorumFileItem *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_ITEM (self), FALSE);
  return self->has_existing;
}

gboolean
quorum_file_item_get_in_job (QuorumFileItem *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_ITEM (self), FALSE);
  return self->in_job;
}

void
quorum_file_item_set_in_job (QuorumFileItem *self,
                             gboolean        in_job)
{
  g_return_if_fail (QUORUM_IS_FILE_ITEM (self));
  in_job = !!in_job;
  if (in_job == self->in_job)
    return;
  self->in_job = in_job;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USE]);
}

char *
quorum_file_item_describe (QuorumFileItem *self)
{
  g_autofree char *size = NULL;

  g_return_val_if_fail (QUORUM_IS_FILE_ITEM (self), NULL);
  size = g_format_size (self->size);
  if (!self->video)
    /* Translators: an image's width × height in pixels, then its size on disk */
    return g_strdup_printf (_("%" G_GINT64_FORMAT " × %" G_GINT64_FORMAT " · %s"), self->width, self->height, size);
  if (g_strcmp0 (self->video_state, "preparing") == 0)
    /* Translators: a video the server is preparing, how far it is */
    return g_strdup_printf (_("Video · Preparing %.0f %%"), 100 * self->video_progress);
  if (g_strcmp0 (self->video_state, "failed") == 0)
    return g_strdup (_("Video · Preparation failed"));
  return g_strdup_printf (g_dngettext (NULL, "Video · %" G_GINT64_FORMAT " frame · %s",
                                       "Video · %" G_GINT64_FORMAT " frames · %s", self->frames),
                          self->frames, size);
}

char *
quorum_file_item_describe_use (QuorumFileItem *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_ITEM (self), NULL);
  if (self->in_job && self->has_existing)
    return g_strdup (_("In a job · Ground truth"));
  if (self->in_job)
    return g_strdup (_("In a job"));
  if (self->has_existing)
    return g_strdup (_("Ground truth"));
  return g_strdup ("");
}

GdkPaintable *
quorum_file_item_get_thumbnail (QuorumFileItem *self)
{
  g_return_val_if_fail (QUORUM_IS_FILE_ITEM (self), NULL);
  return self->thumbnail;
}

void
quorum_file_item_set_thumbnail (QuorumFileItem *self,
                                GdkPaintable   *thumbnail)
{
  g_return_if_fail (QUORUM_IS_FILE_ITEM (self));
  if (g_set_object (&self->thumbnail, thumbnail))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THUMBNAIL]);
}
