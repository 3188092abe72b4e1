/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-core"

#include <math.h>
#include <string.h>

#include "quorum-coco.h"
#include "quorum-error.h"
#include "quorum-wire.h"

/*
 * COCO JSON both ways (docs/coco.md). Boxes and polygons are plain COCO
 * (bbox, segmentation, area); everything COCO cannot say — the kind, the
 * instance's UUID, its frame, track, author, copied_from, and the points of
 * polylines, points and tags — travels in an extra "quorum" object that other
 * tools ignore, so that a round trip keeps every instance.
 */

void
quorum_coco_image_free (QuorumCocoImage *image)
{
  if (image == NULL)
    return;
  g_free (image->file_name);
  quorum_annotation_set_free (image->set);
  g_free (image);
}

/* ---- export ----------------------------------------------------------- */

static double
ring_area (const QuorumInstance *instance)
{
  double sum = 0;

  for (guint i = 0, j = instance->n_points - 1; i < instance->n_points; j = i++)
    sum += instance->points[j].x * instance->points[i].y - instance->points[i].x * instance->points[j].y;
  return fabs (sum) / 2;
}

static void
add_points (JsonBuilder          *builder,
            const QuorumInstance *instance)
{
  json_builder_begin_array (builder);
  for (guint i = 0; i < instance->n_points; i++)
    {
      json_builder_begin_array (builder);
      json_builder_add_double_value (builder, instance->points[i].x);
      json_builder_add_double_value (builder, instance->points[i].y);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
}

static void
add_nullable_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_annotation (JsonBuilder          *builder,
                const QuorumInstance *instance,
                gint64                id,
                gint64                image_id,
                gint64                category_id)
{
  QuorumRect bounds;
  JsonNode *attributes;
  double area = 0;

  quorum_instance_bounds (instance, &bounds);
  if (instance->kind == QUORUM_KIND_BOX)
    area = (bounds.x1 - bounds.x0) * (bounds.y1 - bounds.y0);
  else if (instance->kind == QUORUM_KIND_POLYGON)
    area = ring_area (instance);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_set_member_name (builder, "image_id");
  json_builder_add_int_value (builder, image_id);
  json_builder_set_member_name (builder, "category_id");
  json_builder_add_int_value (builder, category_id);
  json_builder_set_member_name (builder, "bbox");
  json_builder_begin_array (builder);
  json_builder_add_double_value (builder, bounds.x0);
  json_builder_add_double_value (builder, bounds.y0);
  json_builder_add_double_value (builder, bounds.x1 - bounds.x0);
  json_builder_add_double_value (builder, bounds.y1 - bounds.y0);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "segmentation");
  json_builder_begin_array (builder);
  if (instance->kind == QUORUM_KIND_POLYGON)
    {
      json_builder_begin_array (builder);
      for (guint i = 0; i < instance->n_points; i++)
        {
          json_builder_add_double_value (builder, instance->points[i].x);
          json_builder_add_double_value (builder, instance->points[i].y);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "area");
  json_builder_add_double_value (builder, area);
  json_builder_set_member_name (builder, "iscrowd");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "attributes");
  attributes = json_node_init_object (json_node_alloc (), instance->attributes);
  json_builder_add_value (builder, attributes);

  json_builder_set_member_name (builder, "quorum");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, instance->id);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, quorum_kind_to_string (instance->kind));
  json_builder_set_member_name (builder, "frame");
  json_builder_add_int_value (builder, instance->frame);
  add_nullable_string (builder, "track_id", instance->track_id);
  add_nullable_string (builder, "author", instance->author);
  add_nullable_string (builder, "copied_from", instance->copied_from);
  /* Boxes keep their exact corners too: x + w need not give back x1. */
  json_builder_set_member_name (builder, "points");
  add_points (builder, instance);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

JsonNode *
quorum_coco_export (GPtrArray               *images,
                    const QuorumLabelSchema *schema)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GHashTable) category_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) category_names = g_ptr_array_new ();
  gint64 annotation_id = 0;

  /* Categories: the schema's labels in order, then any label the sets use
   * that the schema lacks, in order of first use. */
  if (schema != NULL)
    for (guint i = 0; i < schema->labels->len; i++)
      {
        const QuorumLabel *label = g_ptr_array_index (schema->labels, i);

        if (!g_hash_table_contains (category_ids, label->name))
          {
            g_ptr_array_add (category_names, label->name);
            g_hash_table_insert (category_ids, label->name, GSIZE_TO_POINTER (category_names->len));
          }
      }
  for (guint i = 0; i < images->len; i++)
    {
      const QuorumCocoImage *image = g_ptr_array_index (images, i);

      for (guint k = 0; k < image->set->instances->len; k++)
        {
          const QuorumInstance *instance = g_ptr_array_index (image->set->instances, k);

          if (!g_hash_table_contains (category_ids, instance->label))
            {
              g_ptr_array_add (category_names, instance->label);
              g_hash_table_insert (category_ids, instance->label,
                                   GSIZE_TO_POINTER (category_names->len));
            }
        }
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "info");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, "Exported from Quorum");
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "images");
  json_builder_begin_array (builder);
  for (guint i = 0; i < images->len; i++)
    {
      const QuorumCocoImage *image = g_ptr_array_index (images, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, i + 1);
      json_builder_set_member_name (builder, "file_name");
      json_builder_add_string_value (builder, image->file_name);
      json_builder_set_member_name (builder, "width");
      json_builder_add_int_value (builder, image->set->file.width);
      json_builder_set_member_name (builder, "height");
      json_builder_add_int_value (builder, image->set->file.height);
      if (image->set->file.frames > 1)
        {
          json_builder_set_member_name (builder, "frames");
          json_builder_add_int_value (builder, image->set->file.frames);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "categories");
  json_builder_begin_array (builder);
  for (guint i = 0; i < category_names->len; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, i + 1);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, g_ptr_array_index (category_names, i));
      json_builder_set_member_name (builder, "supercategory");
      json_builder_add_string_value (builder, "");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "annotations");
  json_builder_begin_array (builder);
  for (guint i = 0; i < images->len; i++)
    {
      const QuorumCocoImage *image = g_ptr_array_index (images, i);

      for (guint k = 0; k < image->set->instances->len; k++)
        {
          const QuorumInstance *instance = g_ptr_array_index (image->set->instances, k);
          gint64 category = GPOINTER_TO_SIZE (g_hash_table_lookup (category_ids, instance->label));

          add_annotation (builder, instance, ++annotation_id, i + 1, category);
        }
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* ---- import ----------------------------------------------------------- */

G_GNUC_PRINTF (3, 4) static gboolean
fail (GError    **error,
      const char *path,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "%s: %s", path, message);
  return FALSE;
}

static gboolean
node_number_within (JsonNode   *node,
                    const char *path,
                    double      limit,
                    double     *value,
                    GError    **error)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fail (error, path, "must be a number");
  type = json_node_get_value_type (node);
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return fail (error, path, "must be a number");
  *value = json_node_get_double (node);
  if (!isfinite (*value) || fabs (*value) > limit)
    return fail (error, path, "must be a finite number within ±%g", limit);
  return TRUE;
}

static gboolean
node_number (JsonNode   *node,
             const char *path,
             double     *value,
             GError    **error)
{
  return node_number_within (node, path, QUORUM_WIRE_MAX_COORDINATE, value, error);
}

static gboolean
member_integer (JsonObject *object,
                const char *member,
                const char *path,
                gint64      min,
                gint64      max,
                gboolean    required,
                gint64     *value,
                GError    **error)
{
  g_autofree char *where = g_strdup_printf ("%s.%s", path, member);
  JsonNode *node = json_object_get_member (object, member);
  double number;

  if (node == NULL)
    return required ? fail (error, where, "is missing") : TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return fail (error, where, "must be a whole number");
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    *value = json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      /* Some writers emit 3.0 for 3. */
      number = json_node_get_double (node);
      if (number != floor (number) || fabs (number) >= 9e15)
        return fail (error, where, "must be a whole number");
      *value = (gint64) number;
    }
  else
    return fail (error, where, "must be a whole number");
  if (*value < min || *value > max)
    return fail (error, where, "must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
                 min, max);
  return TRUE;
}

static const char *
member_string (JsonObject *object,
               const char *member,
               const char *path,
               GError    **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_autofree char *where = g_strdup_printf ("%s.%s", path, member);
      fail (error, where, node == NULL ? "is missing" : "must be a string");
      return NULL;
    }
  return json_node_get_string (node);
}

static JsonArray *
member_array (JsonObject *object,
              const char *member,
              const char *path,
              GError    **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *where = *path != '\0' ? g_strdup_printf ("%s.%s", path, member)
                                             : g_strdup (member);
      fail (error, where, node == NULL ? "is missing" : "must be an array");
      return NULL;
    }
  return json_node_get_array (node);
}

static JsonObject *
element_object (JsonArray  *array,
                guint       index,
                const char *path,
                GError    **error)
{
  JsonNode *node = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (error, path, "must be an object");
      return NULL;
    }
  return json_node_get_object (node);
}

/* Attribute values are booleans, strings or arrays of strings. */
static gboolean
check_attributes (JsonNode   *node,
                  const char *path,
                  GError    **error)
{
  JsonObject *object;
  g_autoptr(GList) members = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, path, "must be an object");
  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (object, l->data);
      g_autofree char *where = g_strdup_printf ("%s.%s", path, (const char *) l->data);

      if (JSON_NODE_HOLDS_VALUE (value) &&
          (json_node_get_value_type (value) == G_TYPE_BOOLEAN ||
           json_node_get_value_type (value) == G_TYPE_STRING))
        continue;
      if (JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *array = json_node_get_array (value);
          gboolean strings = TRUE;

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *item = json_array_get_element (array, i);
              strings = strings && JSON_NODE_HOLDS_VALUE (item) &&
                        json_node_get_value_type (item) == G_TYPE_STRING;
            }
          if (strings)
            continue;
        }
      return fail (error, where, "must be true, false, a string or an array of strings");
    }
  return TRUE;
}

static const char *
optional_string (JsonObject *object,
                 const char *member,
                 const char *path,
                 gboolean   *ok,
                 GError    **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      *json_node_get_string (node) == '\0')
    {
      g_autofree char *where = g_strdup_printf ("%s.%s", path, member);
      *ok = fail (error, where, "must be a non-empty string or null");
      return NULL;
    }
  return json_node_get_string (node);
}

static gboolean
read_point_list (JsonNode    *node,
                 const char  *path,
                 GArray      *points,
                 GError     **error)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, path, "must be an array of [x, y] pairs");
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *pair = json_array_get_element (array, i);
      g_autofree char *where = g_strdup_printf ("%s[%u]", path, i);
      QuorumPoint point;

      if (!JSON_NODE_HOLDS_ARRAY (pair) || json_array_get_length (json_node_get_array (pair)) != 2)
        return fail (error, where, "must be an [x, y] pair");
      if (!node_number (json_array_get_element (json_node_get_array (pair), 0), where, &point.x, error) ||
          !node_number (json_array_get_element (json_node_get_array (pair), 1), where, &point.y, error))
        return FALSE;
      g_array_append_val (points, point);
    }
  return TRUE;
}

typedef struct {
  QuorumCocoImage *image;
  guint            frames;
} ImageEntry;

/* Reads one annotation into zero or more instances added to its image's set
 * (one per segmentation ring). */
static gboolean
read_annotation (JsonObject *object,
                 const char *path,
                 GHashTable *images,
                 GHashTable *categories,
                 GHashTable *instance_ids,
                 GError    **error)
{
  gint64 id = 0, image_id = 0, category_id = 0, iscrowd = 0;
  ImageEntry *image;
  const char *label;
  JsonNode *segmentation = json_object_get_member (object, "segmentation");
  JsonNode *bbox_node = json_object_get_member (object, "bbox");
  JsonNode *attributes = json_object_get_member (object, "attributes");
  JsonNode *extra = json_object_get_member (object, "quorum");
  JsonObject *quorum = NULL;
  QuorumKind kind;
  const char *uuid = NULL, *track_id = NULL, *author = NULL, *copied_from = NULL;
  gint64 frame = 0;
  gboolean ok = TRUE;
  double bbox[4] = { 0 };
  gboolean has_bbox = FALSE;
  g_autoptr(GPtrArray) rings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autoptr(GArray) extra_points = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));

  if (!member_integer (object, "id", path, 0, G_MAXINT64, TRUE, &id, error) ||
      !member_integer (object, "image_id", path, G_MININT64, G_MAXINT64, TRUE, &image_id, error) ||
      !member_integer (object, "category_id", path, G_MININT64, G_MAXINT64, TRUE, &category_id, error) ||
      !member_integer (object, "iscrowd", path, 0, 1, FALSE, &iscrowd, error))
    return FALSE;
  image = g_hash_table_lookup (images, &image_id);
  if (image == NULL)
    {
      g_autofree char *where = g_strdup_printf ("%s.image_id", path);
      return fail (error, where, "no image %" G_GINT64_FORMAT, image_id);
    }
  label = g_hash_table_lookup (categories, &category_id);
  if (label == NULL)
    {
      g_autofree char *where = g_strdup_printf ("%s.category_id", path);
      return fail (error, where, "no category %" G_GINT64_FORMAT, category_id);
    }

  if (bbox_node != NULL)
    {
      g_autofree char *where = g_strdup_printf ("%s.bbox", path);
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (bbox_node) || json_array_get_length (json_node_get_array (bbox_node)) != 4)
        return fail (error, where, "needs 4 numbers [x, y, width, height]");
      array = json_node_get_array (bbox_node);
      /* A box may span the whole coordinate range: its width and height
       * go up to twice the limit, its far corner stays within it (found
       * by fuzzing: the export of a polygon from -1e9 to 10 did not import). */
      for (guint i = 0; i < 4; i++)
        if (!node_number_within (json_array_get_element (array, i), where,
                                 i < 2 ? QUORUM_WIRE_MAX_COORDINATE : 2 * QUORUM_WIRE_MAX_COORDINATE,
                                 &bbox[i], error))
          return FALSE;
      if (bbox[2] < 0 || bbox[3] < 0)
        return fail (error, where, "width and height must not be negative");
      if (bbox[0] + bbox[2] > QUORUM_WIRE_MAX_COORDINATE || bbox[1] + bbox[3] > QUORUM_WIRE_MAX_COORDINATE)
        return fail (error, where, "the box ends beyond %g", QUORUM_WIRE_MAX_COORDINATE);
      has_bbox = TRUE;
    }

  if (segmentation != NULL && JSON_NODE_HOLDS_OBJECT (segmentation))
    {
      g_autofree char *where = g_strdup_printf ("%s.segmentation", path);
      return fail (error, where, "RLE masks (iscrowd regions) are not supported; "
                                 "give polygons or a bbox");
    }
  if (segmentation != NULL && !JSON_NODE_HOLDS_NULL (segmentation))
    {
      g_autofree char *where = g_strdup_printf ("%s.segmentation", path);
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (segmentation))
        return fail (error, where, "must be a list of polygons [x1, y1, x2, y2, …]");
      array = json_node_get_array (segmentation);
      for (guint r = 0; r < json_array_get_length (array); r++)
        {
          JsonNode *ring_node = json_array_get_element (array, r);
          g_autofree char *ring_path = g_strdup_printf ("%s[%u]", where, r);
          JsonArray *coordinates;
          GArray *ring;
          guint n;

          if (!JSON_NODE_HOLDS_ARRAY (ring_node))
            return fail (error, ring_path, "must be a list of numbers [x1, y1, x2, y2, …]");
          coordinates = json_node_get_array (ring_node);
          n = json_array_get_length (coordinates);
          if (n % 2 != 0 || n < 6)
            return fail (error, ring_path, "a polygon needs an even count of at least 6 numbers, "
                                           "not %u", n);
          ring = g_array_sized_new (FALSE, FALSE, sizeof (QuorumPoint), n / 2);
          g_ptr_array_add (rings, ring);
          for (guint i = 0; i < n; i += 2)
            {
              QuorumPoint point;
              if (!node_number (json_array_get_element (coordinates, i), ring_path, &point.x, error) ||
                  !node_number (json_array_get_element (coordinates, i + 1), ring_path, &point.y, error))
                return FALSE;
              g_array_append_val (ring, point);
            }
        }
    }

  if (attributes != NULL)
    {
      g_autofree char *where = g_strdup_printf ("%s.attributes", path);
      if (!check_attributes (attributes, where, error))
        return FALSE;
    }

  kind = rings->len > 0 ? QUORUM_KIND_POLYGON : QUORUM_KIND_BOX;
  if (extra != NULL)
    {
      g_autofree char *where = g_strdup_printf ("%s.quorum", path);
      const char *kind_name;
      JsonNode *points_node;

      if (!JSON_NODE_HOLDS_OBJECT (extra))
        return fail (error, where, "must be an object");
      quorum = json_node_get_object (extra);
      kind_name = member_string (quorum, "kind", where, error);
      if (kind_name == NULL)
        return FALSE;
      if (!quorum_kind_from_string (kind_name, &kind))
        {
          g_autofree char *kind_path = g_strdup_printf ("%s.kind", where);
          return fail (error, kind_path, "unknown kind “%s”", kind_name);
        }
      uuid = optional_string (quorum, "uuid", where, &ok, error);
      track_id = ok ? optional_string (quorum, "track_id", where, &ok, error) : NULL;
      author = ok ? optional_string (quorum, "author", where, &ok, error) : NULL;
      copied_from = ok ? optional_string (quorum, "copied_from", where, &ok, error) : NULL;
      if (!ok || !member_integer (quorum, "frame", where, 0, image->frames - 1, FALSE, &frame, error))
        return FALSE;
      points_node = json_object_get_member (quorum, "points");
      if (points_node != NULL)
        {
          g_autofree char *points_path = g_strdup_printf ("%s.points", where);
          if (!read_point_list (points_node, points_path, extra_points, error))
            return FALSE;
        }
    }

  if (kind == QUORUM_KIND_POLYGON && rings->len == 0)
    {
      g_autofree char *where = g_strdup_printf ("%s.segmentation", path);
      return fail (error, where, "a polygon annotation needs a polygon");
    }
  if (kind == QUORUM_KIND_BOX && !has_bbox)
    {
      g_autofree char *where = g_strdup_printf ("%s.bbox", path);
      return fail (error, where, "is missing");
    }

  /* One instance per ring for polygons, else exactly one. */
  for (guint r = 0; r < MAX (rings->len, 1) && (kind == QUORUM_KIND_POLYGON || r == 0); r++)
    {
      g_autofree char *id_text = NULL;
      g_autoptr(QuorumInstance) instance = NULL;
      g_autoptr(GError) local_error = NULL;

      if (uuid != NULL)
        id_text = r == 0 ? g_strdup (uuid) : g_strdup_printf ("%s-%u", uuid, r + 1);
      else
        id_text = r == 0 ? g_strdup_printf ("coco-%" G_GINT64_FORMAT, id)
                         : g_strdup_printf ("coco-%" G_GINT64_FORMAT "-%u", id, r + 1);
      if (!g_hash_table_add (instance_ids, g_strdup (id_text)))
        {
          g_autofree char *where = g_strdup_printf ("%s.%s", path, uuid != NULL ? "quorum.uuid" : "id");
          return fail (error, where, "instance “%s” appears twice", id_text);
        }
      instance = quorum_instance_new (id_text, label, kind);
      switch (kind)
        {
        case QUORUM_KIND_POLYGON:
          {
            GArray *ring = g_ptr_array_index (rings, r);
            quorum_instance_set_points (instance, (QuorumPoint *) ring->data, ring->len);
          }
          break;
        case QUORUM_KIND_BOX:
          {
            QuorumRect from_points;
            QuorumPoint corners[2] = { { bbox[0], bbox[1] }, { bbox[0] + bbox[2], bbox[1] + bbox[3] } };

            /* The exact corners from the extra field, unless the bbox was
             * edited by another tool since. */
            if (extra_points->len == 2)
              {
                QuorumInstance probe = { .kind = QUORUM_KIND_BOX,
                                         .points = (QuorumPoint *) extra_points->data, .n_points = 2 };
                quorum_instance_bounds (&probe, &from_points);
                if (fabs (from_points.x0 - bbox[0]) <= 1e-6 && fabs (from_points.y0 - bbox[1]) <= 1e-6 &&
                    fabs (from_points.x1 - corners[1].x) <= 1e-6 &&
                    fabs (from_points.y1 - corners[1].y) <= 1e-6)
                  memcpy (corners, extra_points->data, sizeof corners);
              }
            quorum_instance_set_points (instance, corners, 2);
          }
          break;
        default:
          quorum_instance_set_points (instance, (QuorumPoint *) extra_points->data, extra_points->len);
          break;
        }
      if (attributes != NULL)
        {
          json_object_unref (instance->attributes);
          instance->attributes = json_node_dup_object (attributes);
        }
      instance->frame = (guint) frame;
      instance->track_id = g_strdup (track_id);
      instance->author = g_strdup (author);
      instance->copied_from = g_strdup (copied_from);
      if (!quorum_instance_check (instance, &local_error))
        {
          g_autofree char *where = g_strdup_printf ("%s.%s", path,
                                                    kind == QUORUM_KIND_POLYGON ? "segmentation"
                                                    : kind == QUORUM_KIND_BOX ? "bbox"
                                                    : "quorum");
          return fail (error, where, "%s", local_error->message);
        }
      quorum_annotation_set_add (image->image->set, g_steal_pointer (&instance));
    }
  return TRUE;
}

GPtrArray *
quorum_coco_import (JsonNode  *root,
                    GError   **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_coco_image_free);
  g_autoptr(GHashTable) images = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GHashTable) categories = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) category_names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) annotation_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) instance_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonObject *object;
  JsonArray *array;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      fail (error, "(root)", "a COCO document is a JSON object");
      return NULL;
    }
  object = json_node_get_object (root);

  if ((array = member_array (object, "images", "", error)) == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("images[%u]", i);
      JsonObject *entry = element_object (array, i, path, error);
      gint64 id = 0, width = 0, height = 0, frames = 1;
      const char *file_name;
      QuorumFileInfo file = { 0 };
      ImageEntry *image;

      if (entry == NULL ||
          !member_integer (entry, "id", path, G_MININT64, G_MAXINT64, TRUE, &id, error) ||
          (file_name = member_string (entry, "file_name", path, error)) == NULL ||
          !member_integer (entry, "width", path, 1, QUORUM_WIRE_MAX_SIZE, TRUE, &width, error) ||
          !member_integer (entry, "height", path, 1, QUORUM_WIRE_MAX_SIZE, TRUE, &height, error) ||
          !member_integer (entry, "frames", path, 1, QUORUM_WIRE_MAX_SIZE, FALSE, &frames, error))
        return NULL;
      if (g_hash_table_contains (images, &id))
        {
          g_autofree char *where = g_strdup_printf ("%s.id", path);
          fail (error, where, "image %" G_GINT64_FORMAT " appears twice", id);
          return NULL;
        }
      file = (QuorumFileInfo) { (guint) width, (guint) height, (guint) frames, 0 };
      image = g_new0 (ImageEntry, 1);
      image->image = g_new0 (QuorumCocoImage, 1);
      image->image->file_name = g_strdup (file_name);
      image->image->set = quorum_annotation_set_new (NULL, &file);
      image->frames = (guint) frames;
      g_ptr_array_add (result, image->image);
      g_hash_table_insert (images, g_memdup2 (&id, sizeof id), image);
    }

  if ((array = member_array (object, "categories", "", error)) == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("categories[%u]", i);
      JsonObject *entry = element_object (array, i, path, error);
      gint64 id = 0;
      const char *name;

      if (entry == NULL ||
          !member_integer (entry, "id", path, G_MININT64, G_MAXINT64, TRUE, &id, error) ||
          (name = member_string (entry, "name", path, error)) == NULL)
        return NULL;
      if (*name == '\0' || g_hash_table_contains (category_names, name))
        {
          g_autofree char *where = g_strdup_printf ("%s.name", path);
          fail (error, where, *name == '\0' ? "must not be empty" : "category “%s” appears twice", name);
          return NULL;
        }
      if (g_hash_table_contains (categories, &id))
        {
          g_autofree char *where = g_strdup_printf ("%s.id", path);
          fail (error, where, "category %" G_GINT64_FORMAT " appears twice", id);
          return NULL;
        }
      g_hash_table_add (category_names, (gpointer) name);
      g_hash_table_insert (categories, g_memdup2 (&id, sizeof id), (gpointer) name);
    }

  if (!json_object_has_member (object, "annotations"))
    return g_steal_pointer (&result);
  if ((array = member_array (object, "annotations", "", error)) == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("annotations[%u]", i);
      JsonObject *entry = element_object (array, i, path, error);
      gint64 id = 0;

      if (entry == NULL ||
          !member_integer (entry, "id", path, 0, G_MAXINT64, TRUE, &id, error))
        return NULL;
      if (!g_hash_table_add (annotation_ids, g_memdup2 (&id, sizeof id)))
        {
          g_autofree char *where = g_strdup_printf ("%s.id", path);
          fail (error, where, "annotation %" G_GINT64_FORMAT " appears twice", id);
          return NULL;
        }
      if (!read_annotation (entry, path, images, categories, instance_ids, error))
        return NULL;
    }
  return g_steal_pointer (&result);
}
