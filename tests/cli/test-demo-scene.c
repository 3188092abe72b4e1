/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-test"

#include <math.h>
#include <string.h>

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>

#include "quorum-agreement.h"
#include "quorum-demo-scene.h"
#include "quorum-demo-video.h"
#include "quorum-wire.h"

#define N_SCENES 16

static GdkPixbuf *
decode_png (GBytes *png)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type ("png", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (loader);
  g_assert_true (gdk_pixbuf_loader_write_bytes (loader, png, &error));
  g_assert_no_error (error);
  g_assert_true (gdk_pixbuf_loader_close (loader, &error));
  g_assert_no_error (error);
  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

static const guchar *
pixel_at (GdkPixbuf *pixbuf,
          int        x,
          int        y)
{
  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, gdk_pixbuf_get_width (pixbuf));
  g_assert_cmpint (y, <, gdk_pixbuf_get_height (pixbuf));
  return gdk_pixbuf_read_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf) +
         x * gdk_pixbuf_get_n_channels (pixbuf);
}

static gboolean
pixels_differ (GdkPixbuf *a,
               GdkPixbuf *b,
               int        x,
               int        y)
{
  return memcmp (pixel_at (a, x, y), pixel_at (b, x, y), 3) != 0;
}

static QuorumLabelSchema *
demo_schema (void)
{
  g_autoptr(JsonNode) node = quorum_demo_label_schema ();
  g_autoptr(GError) error = NULL;
  QuorumLabelSchema *schema = quorum_wire_read_label_schema (node, "", &error);

  g_assert_no_error (error);
  g_assert_nonnull (schema);
  return schema;
}

static gboolean
is_vehicle (const QuorumInstance *instance)
{
  return g_str_equal (instance->label, "car") || g_str_equal (instance->label, "truck") ||
         g_str_equal (instance->label, "bus");
}

/* What was drawn and where, without the random ids. */
static char *
describe_instances (GPtrArray *instances)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (instances, i);
      g_autoptr(JsonNode) attributes = json_node_init_object (json_node_alloc (),
                                                              instance->attributes);
      g_autofree char *json = json_to_string (attributes, FALSE);

      g_string_append_printf (text, "%s %s %s", instance->label,
                              quorum_kind_to_string (instance->kind), json);
      for (guint p = 0; p < instance->n_points; p++)
        g_string_append_printf (text, " %g,%g", instance->points[p].x, instance->points[p].y);
      g_string_append_c (text, '\n');
    }
  return g_string_free (text, FALSE);
}

static QuorumAnnotationSet *
make_set (const char *annotator,
          guint       width,
          guint       height,
          GPtrArray  *instances)
{
  QuorumFileInfo file = { width, height, 1, 0 };
  QuorumAnnotationSet *set = quorum_annotation_set_new (annotator, &file);

  for (guint i = 0; i < instances->len; i++)
    quorum_annotation_set_add (set, quorum_instance_copy (g_ptr_array_index (instances, i)));
  return set;
}

static double
pair_score (const QuorumAnnotationSet *a,
            const QuorumAnnotationSet *b)
{
  const QuorumAnnotationSet *sets[] = { a, b };
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumAgreement) agreement = quorum_agreement_compute (sets, 2,
                                                                   QUORUM_DEFAULT_THRESHOLD,
                                                                   &error);

  g_assert_no_error (error);
  return quorum_agreement_pair (agreement, 0, 1);
}

static void
test_same_index_same_scene (void)
{
  g_autoptr(QuorumDemoScene) a = quorum_demo_scene_new (7, 800, 600);
  g_autoptr(QuorumDemoScene) b = quorum_demo_scene_new (7, 800, 600);
  g_autoptr(JsonNode) na = quorum_wire_write_instances (quorum_demo_scene_get_instances (a));
  g_autoptr(JsonNode) nb = quorum_wire_write_instances (quorum_demo_scene_get_instances (b));
  g_autofree char *ja = quorum_wire_to_string (na, FALSE);
  g_autofree char *jb = quorum_wire_to_string (nb, FALSE);

  g_assert_cmpuint (quorum_demo_scene_get_index (a), ==, 7);
  g_assert_true (g_bytes_equal (quorum_demo_scene_get_png (a), quorum_demo_scene_get_png (b)));
  /* ids included: a second run of the demo gives the same documents */
  g_assert_cmpstr (ja, ==, jb);
}

static void
test_indices_differ (void)
{
  g_autoptr(GPtrArray) pngs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) descriptions = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < N_SCENES; i++)
    {
      g_autoptr(QuorumDemoScene) scene = quorum_demo_scene_new (i, 800, 600);
      GBytes *png = quorum_demo_scene_get_png (scene);
      char *description = describe_instances (quorum_demo_scene_get_instances (scene));

      for (guint j = 0; j < pngs->len; j++)
        {
          g_assert_false (g_bytes_equal (png, g_ptr_array_index (pngs, j)));
          g_assert_cmpstr (description, !=, g_ptr_array_index (descriptions, j));
        }
      g_ptr_array_add (pngs, g_bytes_ref (png));
      g_ptr_array_add (descriptions, description);
    }
}

static void
check_scene_instances (guint                    index,
                       guint                    width,
                       guint                    height,
                       const QuorumLabelSchema *schema)
{
  g_autoptr(QuorumDemoScene) scene = quorum_demo_scene_new (index, width, height);
  GPtrArray *instances = quorum_demo_scene_get_instances (scene);
  g_autoptr(QuorumAnnotationSet) set = make_set (NULL, width, height, instances);
  g_autoptr(JsonNode) node = quorum_wire_write_annotation_set (set);
  g_autoptr(QuorumAnnotationSet) read = NULL;
  g_autoptr(GError) error = NULL;
  guint n_objects = 0, n_pedestrians = 0, n_heads = 0, n_tags = 0;

  /* The server reads them exactly like this. */
  read = quorum_wire_read_annotation_set (node, schema, "", &error);
  g_assert_no_error (error);
  g_assert_nonnull (read);
  g_assert_cmpuint (read->instances->len, ==, instances->len);

  for (guint i = 0; i < instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (instances, i);
      const QuorumInstance *back = g_ptr_array_index (read->instances, i);
      QuorumRect bounds;

      g_assert_no_error (error);
      g_assert_true (quorum_instance_check (instance, &error));
      g_assert_cmpstr (back->id, ==, instance->id);
      g_assert_cmpuint (back->n_points, ==, instance->n_points);
      for (guint p = 0; p < instance->n_points; p++)
        {
          g_assert_cmpfloat (back->points[p].x, ==, instance->points[p].x);
          g_assert_cmpfloat (back->points[p].y, ==, instance->points[p].y);
        }

      quorum_instance_bounds (instance, &bounds);
      g_assert_cmpfloat (bounds.x0, >=, 0);
      g_assert_cmpfloat (bounds.y0, >=, 0);
      g_assert_cmpfloat (bounds.x1, <=, width);
      g_assert_cmpfloat (bounds.y1, <=, height);

      if (instance->kind == QUORUM_KIND_BOX || instance->kind == QUORUM_KIND_POLYGON)
        {
          n_objects++;
          g_assert_cmpfloat (bounds.x1 - bounds.x0, >=, 8);
          g_assert_cmpfloat (bounds.y1 - bounds.y0, >=, 8);
        }
      if (g_str_equal (instance->label, "pedestrian"))
        {
          const QuorumInstance *head = g_ptr_array_index (instances, i + 1);

          n_pedestrians++;
          /* the head follows its pedestrian, in the upper fifth of the box */
          g_assert_cmpstr (head->label, ==, "head");
          g_assert_cmpfloat (head->points[0].x, >, bounds.x0);
          g_assert_cmpfloat (head->points[0].x, <, bounds.x1);
          g_assert_cmpfloat (head->points[0].y, >, bounds.y0);
          g_assert_cmpfloat (head->points[0].y, <, bounds.y0 + (bounds.y1 - bounds.y0) / 5);
        }
      if (g_str_equal (instance->label, "head"))
        n_heads++;
      if (instance->kind == QUORUM_KIND_TAG)
        {
          n_tags++;
          g_assert_cmpstr (instance->label, ==, "weather");
        }
      for (guint j = 0; j < i; j++)
        {
          const QuorumInstance *earlier = g_ptr_array_index (instances, j);

          g_assert_cmpstr (instance->id, !=, earlier->id);
        }
    }

  g_assert_cmpuint (n_objects, >=, 3);
  g_assert_cmpuint (n_objects, <=, 12);
  g_assert_cmpuint (n_heads, ==, n_pedestrians);
  g_assert_cmpuint (n_tags, ==, 1);
}

static void
test_instances_validate (void)
{
  g_autoptr(QuorumLabelSchema) schema = demo_schema ();

  for (guint i = 0; i < N_SCENES; i++)
    check_scene_instances (i, 800, 600, schema);
  /* other sizes and shapes */
  check_scene_instances (3, 320, 240, schema);
  check_scene_instances (4, 1280, 720, schema);
  check_scene_instances (5, 600, 800, schema);
}

static void
test_png_size (void)
{
  static const guint sizes[][2] = { { 800, 600 }, { 320, 240 }, { 1024, 512 } };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(QuorumDemoScene) scene = quorum_demo_scene_new (i, sizes[i][0], sizes[i][1]);
      g_autoptr(GdkPixbuf) image = decode_png (quorum_demo_scene_get_png (scene));
      g_autoptr(GdkPixbuf) background = decode_png (quorum_demo_scene_get_background_png (scene));

      g_assert_cmpint (gdk_pixbuf_get_width (image), ==, sizes[i][0]);
      g_assert_cmpint (gdk_pixbuf_get_height (image), ==, sizes[i][1]);
      g_assert_cmpint (gdk_pixbuf_get_width (background), ==, sizes[i][0]);
      g_assert_cmpint (gdk_pixbuf_get_height (background), ==, sizes[i][1]);
    }
}

/* Each object is where its instance says: the middle of every vehicle box and
 * of every sign is painted over the empty street, and so is at least one pixel
 * on each side of every box (the box is not looser than the drawing). */
static void
test_objects_where_instances_say (void)
{
  for (guint i = 0; i < N_SCENES; i++)
    {
      g_autoptr(QuorumDemoScene) scene = quorum_demo_scene_new (i, 800, 600);
      g_autoptr(GdkPixbuf) image = decode_png (quorum_demo_scene_get_png (scene));
      g_autoptr(GdkPixbuf) background = decode_png (quorum_demo_scene_get_background_png (scene));
      GPtrArray *instances = quorum_demo_scene_get_instances (scene);

      for (guint k = 0; k < instances->len; k++)
        {
          const QuorumInstance *instance = g_ptr_array_index (instances, k);
          QuorumRect bounds;
          int x0, y0, x1, y1;
          gboolean left = FALSE, right = FALSE, top = FALSE, bottom = FALSE;

          quorum_instance_bounds (instance, &bounds);
          if (instance->kind == QUORUM_KIND_POLYGON)
            {
              double cx = 0, cy = 0;

              for (guint p = 0; p < instance->n_points; p++)
                cx += instance->points[p].x / instance->n_points,
                cy += instance->points[p].y / instance->n_points;
              g_assert_true (pixels_differ (image, background, (int) cx, (int) cy));
            }
          if (instance->kind != QUORUM_KIND_BOX)
            continue;

          x0 = (int) bounds.x0, y0 = (int) bounds.y0;
          x1 = (int) bounds.x1 - 1, y1 = (int) bounds.y1 - 1;
          if (is_vehicle (instance))
            g_assert_true (pixels_differ (image, background, (x0 + x1) / 2, (y0 + y1) / 2));
          for (int y = y0; y <= y1; y++)
            {
              left |= pixels_differ (image, background, x0, y);
              right |= pixels_differ (image, background, x1, y);
            }
          for (int x = x0; x <= x1; x++)
            {
              top |= pixels_differ (image, background, x, y0);
              bottom |= pixels_differ (image, background, x, y1);
            }
          g_assert_true (left && right && top && bottom);
        }
    }
}

static void
test_sign_outlines (void)
{
  guint seen[3] = { 0 };

  for (guint i = 0; i < N_SCENES; i++)
    {
      g_autoptr(QuorumDemoScene) scene = quorum_demo_scene_new (i, 800, 600);
      GPtrArray *instances = quorum_demo_scene_get_instances (scene);

      for (guint k = 0; k < instances->len; k++)
        {
          const QuorumInstance *instance = g_ptr_array_index (instances, k);
          const char *type;
          double cx = 0, cy = 0, rmin = G_MAXDOUBLE, rmax = 0;
          guint expected;

          if (!g_str_equal (instance->label, "sign"))
            continue;
          g_assert_cmpint (instance->kind, ==, QUORUM_KIND_POLYGON);
          type = json_object_get_string_member (instance->attributes, "type");
          if (g_strcmp0 (type, "stop") == 0)
            expected = 8, seen[0]++;
          else if (g_strcmp0 (type, "speed_limit") == 0)
            expected = 16, seen[1]++;
          else if (g_strcmp0 (type, "warning") == 0)
            expected = 3, seen[2]++;
          else
            g_assert_not_reached ();
          g_assert_cmpuint (instance->n_points, ==, expected);

          /* a regular polygon: every corner as far from the centre, within rounding */
          for (guint p = 0; p < instance->n_points; p++)
            cx += instance->points[p].x / instance->n_points,
            cy += instance->points[p].y / instance->n_points;
          for (guint p = 0; p < instance->n_points; p++)
            {
              double r = hypot (instance->points[p].x - cx, instance->points[p].y - cy);

              rmin = MIN (rmin, r);
              rmax = MAX (rmax, r);
            }
          g_assert_cmpfloat (rmax - rmin, <, 0.75);
          g_assert_cmpfloat (rmin, >, 6);
        }
    }
  /* the first scenes show every kind of sign */
  g_assert_cmpuint (seen[0], >, 0);
  g_assert_cmpuint (seen[1], >, 0);
  g_assert_cmpuint (seen[2], >, 0);
}

static void
test_label_schema (void)
{
  g_autoptr(QuorumLabelSchema) schema = demo_schema ();
  static const struct {
    const char *name;
    QuorumKind  kind;
  } expected[] = {
    { "car", QUORUM_KIND_BOX }, { "truck", QUORUM_KIND_BOX }, { "bus", QUORUM_KIND_BOX },
    { "pedestrian", QUORUM_KIND_BOX }, { "sign", QUORUM_KIND_POLYGON },
    { "head", QUORUM_KIND_POINT }, { "weather", QUORUM_KIND_TAG },
  };
  const QuorumAttributeSpec *spec;

  g_assert_cmpuint (schema->labels->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const QuorumLabel *label = quorum_label_schema_find (schema, expected[i].name);

      g_assert_nonnull (label);
      g_assert_cmpint (label->kind, ==, expected[i].kind);
    }
  spec = quorum_label_find_attribute (quorum_label_schema_find (schema, "car"), "occluded");
  g_assert_nonnull (spec);
  g_assert_cmpint (spec->type, ==, QUORUM_ATTRIBUTE_BOOLEAN);
  spec = quorum_label_find_attribute (quorum_label_schema_find (schema, "pedestrian"), "pose");
  g_assert_nonnull (spec);
  g_assert_cmpint (spec->type, ==, QUORUM_ATTRIBUTE_SINGLE_CHOICE);
  g_assert_cmpstrv (spec->options, ((const char *[]) { "standing", "walking", NULL }));
  spec = quorum_label_find_attribute (quorum_label_schema_find (schema, "sign"), "type");
  g_assert_nonnull (spec);
  g_assert_cmpstrv (spec->options, ((const char *[]) { "stop", "speed_limit", "warning", NULL }));
}

static void
test_annotators (void)
{
  g_autoptr(QuorumLabelSchema) schema = demo_schema ();
  double careful_sum = 0, sloppy_sum = 0;
  guint sloppy_missed = 0;

  for (guint i = 0; i < N_SCENES; i++)
    {
      g_autoptr(QuorumDemoScene) scene = quorum_demo_scene_new (i, 800, 600);
      GPtrArray *gold = quorum_demo_scene_get_instances (scene);
      g_autoptr(GRand) rand = g_rand_new_with_seed (100 + i);
      g_autoptr(GRand) again = g_rand_new_with_seed (100 + i);
      g_autoptr(GPtrArray) careful = quorum_demo_annotator_version (gold, 0, rand);
      g_autoptr(GPtrArray) sloppy = quorum_demo_annotator_version (gold, 1, rand);
      g_autoptr(GPtrArray) careful_again = quorum_demo_annotator_version (gold, 0, again);
      g_autoptr(QuorumAnnotationSet) gold_set = make_set ("gold", 800, 600, gold);
      g_autoptr(QuorumAnnotationSet) careful_set = make_set ("careful", 800, 600, careful);
      g_autoptr(QuorumAnnotationSet) sloppy_set = make_set ("sloppy", 800, 600, sloppy);
      g_autofree char *gold_text = describe_instances (gold);
      g_autofree char *sloppy_text = describe_instances (sloppy);
      g_autofree char *careful_text = describe_instances (careful);
      g_autofree char *careful_again_text = describe_instances (careful_again);
      double careful_score, sloppy_score;

      /* both are valid sets of the project */
      for (guint k = 0; k < 2; k++)
        {
          QuorumAnnotationSet *version = k ? sloppy_set : careful_set;
          g_autoptr(JsonNode) node = quorum_wire_write_annotation_set (version);
          g_autoptr(QuorumAnnotationSet) read = NULL;
          g_autoptr(GError) error = NULL;

          read = quorum_wire_read_annotation_set (node, schema, "", &error);
          g_assert_no_error (error);
          g_assert_nonnull (read);
        }
      for (guint k = 0; k < sloppy->len; k++)
        {
          const QuorumInstance *instance = g_ptr_array_index (sloppy, k);

          g_assert_null (quorum_annotation_set_find (gold_set, instance->id));
        }

      g_assert_cmpstr (sloppy_text, !=, gold_text);
      g_assert_cmpstr (careful_text, ==, careful_again_text);
      sloppy_missed += gold->len - sloppy->len;

      careful_score = pair_score (gold_set, careful_set);
      sloppy_score = pair_score (gold_set, sloppy_set);
      g_test_message ("scene %u: careful %.3f, sloppy %.3f", i, careful_score, sloppy_score);
      g_assert_cmpfloat (careful_score, >, sloppy_score);
      g_assert_cmpfloat (careful_score, <, 1.0);
      careful_sum += careful_score;
      sloppy_sum += sloppy_score;
    }

  /* plausible people: the careful one close to the gold, the sloppy one clearly not */
  g_assert_cmpfloat (careful_sum / N_SCENES, >, 0.85);
  g_assert_cmpfloat (sloppy_sum / N_SCENES, <, careful_sum / N_SCENES - 0.1);
  g_assert_cmpfloat (sloppy_sum / N_SCENES, >, 0.4);
  g_assert_cmpuint (sloppy_missed, >, 0);
}

static void
test_guides (void)
{
  static const char * const names[] = { "draw-guide.md", "review-guide.md" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *text = quorum_demo_guide (names[i]);
      g_auto(GStrv) lines = NULL;
      gboolean heading = FALSE, table_row = FALSE, table_rule = FALSE, bullet = FALSE;
      gboolean numbered = FALSE, quote = FALSE, image = FALSE;
      g_autoptr(GRegex) image_regex = g_regex_new ("!\\[[^]]+\\]\\(([a-z0-9-]+\\.png)\\)",
                                                   0, 0, NULL);
      g_autoptr(GMatchInfo) match = NULL;

      g_assert_nonnull (text);
      g_assert_true (g_utf8_validate (text, -1, NULL));
      lines = g_strsplit (text, "\n", -1);
      for (guint l = 0; lines[l]; l++)
        {
          heading |= g_str_has_prefix (lines[l], "# ") || g_str_has_prefix (lines[l], "## ");
          table_row |= g_str_has_prefix (lines[l], "| ");
          table_rule |= g_str_has_prefix (lines[l], "|---|");
          bullet |= g_str_has_prefix (lines[l], "- ");
          numbered |= g_str_has_prefix (lines[l], "1. ");
          quote |= g_str_has_prefix (lines[l], "> ");
        }
      g_assert_true (heading && table_row && table_rule && bullet && numbered && quote);
      g_assert_nonnull (strchr (text, '`'));
      g_assert_nonnull (strstr (text, "**"));

      /* every image a guide shows is one the demo can upload */
      for (g_regex_match (image_regex, text, 0, &match); g_match_info_matches (match);
           g_match_info_next (match, NULL))
        {
          g_autofree char *name = g_match_info_fetch (match, 1);
          g_autoptr(GBytes) png = quorum_demo_guide_image (name);
          g_autoptr(GdkPixbuf) pixbuf = NULL;

          image = TRUE;
          g_assert_true (g_strv_contains (quorum_demo_guide_image_names (), name));
          g_assert_nonnull (png);
          pixbuf = decode_png (png);
          g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), >=, 200);
        }
      g_assert_true (image);
    }

  g_assert_null (quorum_demo_guide ("nonexistent.md"));
  g_assert_null (quorum_demo_guide ("../demo/draw-guide.md"));
  g_assert_null (quorum_demo_guide (""));
  g_assert_null (quorum_demo_guide_image ("nonexistent.png"));
}

/* ---- the video -------------------------------------------------------- */

typedef enum { RED, BLUE, YELLOW } Colour;

static gboolean
looks (const guint8 *rgb,
       Colour        colour)
{
  int r = rgb[0], g = rgb[1], b = rgb[2];

  switch (colour)
    {
    case RED:
      return r > 150 && g < 90 && b < 90;
    case BLUE:
      return b > 150 && r < 90;
    case YELLOW:
    default:
      return r > 180 && g > 150 && b < 110;
    }
}

/* Frames 0, 75 and 140 of the clip as written: each vehicle's body colour
 * where quorum_demo_video_vehicle_at puts it, and not just past its front
 * (asphalt, or a crosswalk stripe). */
static void
test_video_vehicles_where_said (void)
{
  /* Where each vehicle's body shows, as a fraction of its box from the left,
   * and its colour: the blue car drives left, the truck's load is grey. */
  static const double body[QUORUM_DEMO_VIDEO_VEHICLES] = { 0.08, 0.75, 0.92 };
  static const Colour colours[QUORUM_DEMO_VIDEO_VEHICLES] = { BLUE, YELLOW, RED };
  static const char *labels[QUORUM_DEMO_VIDEO_VEHICLES] = { "car", "truck", "car" };
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_dir_make_tmp ("quorum-test-demo-video-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) sink = NULL;
  guint frame = 0, checked = 0;

  g_assert_no_error (error);
  path = g_build_filename (folder, "traffic.webm", NULL);
  g_assert_true (quorum_demo_video_write (path, &error));
  g_assert_no_error (error);

  description = g_strdup_printf ("filesrc location=\"%s\" ! matroskademux ! vp9dec ! videoconvert ! "
                                 "video/x-raw,format=RGB ! appsink name=sink sync=false", path);
  pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  gst_object_ref_sink (pipeline);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (;; frame++)
    {
      g_autoptr(GstSample) sample = gst_app_sink_pull_sample (GST_APP_SINK (sink));
      GstStructure *caps;
      GstMapInfo map;
      int width, height, stride;

      if (sample == NULL)
        break;
      if (frame != 0 && frame != 75 && frame != 140)
        continue;
      caps = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
      g_assert_true (gst_structure_get_int (caps, "width", &width));
      g_assert_true (gst_structure_get_int (caps, "height", &height));
      g_assert_cmpint (width, ==, QUORUM_DEMO_VIDEO_WIDTH);
      g_assert_cmpint (height, ==, QUORUM_DEMO_VIDEO_HEIGHT);
      stride = GST_ROUND_UP_4 (width * 3);
      g_assert_true (gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ));
      for (guint v = 0; v < QUORUM_DEMO_VIDEO_VEHICLES; v++)
        {
          double x0, y0, x1, y1;
          const char *label;
          int x, y, front;

          quorum_demo_video_vehicle_at (v, frame, &x0, &y0, &x1, &y1, &label);
          g_assert_cmpstr (label, ==, labels[v]);
          x = (int) (x0 + body[v] * (x1 - x0));
          y = (int) ((y0 + y1) / 2);
          /* Just past its front (left for the blue car), on the road. */
          front = v == 0 ? (int) x0 - 6 : (int) x1 + 6;
          if (x < 0 || x >= width || front < 0 || front >= width)
            continue;
          if (!looks (map.data + y * stride + x * 3, colours[v]) ||
              looks (map.data + y * stride + front * 3, colours[v]))
            g_error ("frame %u, vehicle %u: (%d, %d) is %u,%u,%u, (%d, %d) is %u,%u,%u", frame, v, x, y,
                     map.data[y * stride + x * 3], map.data[y * stride + x * 3 + 1],
                     map.data[y * stride + x * 3 + 2], front, y, map.data[y * stride + front * 3],
                     map.data[y * stride + front * 3 + 1], map.data[y * stride + front * 3 + 2]);
          checked++;
        }
      gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_assert_cmpuint (frame, ==, QUORUM_DEMO_VIDEO_FRAMES);
  /* Frame 0: the three; 75: the three; 140: the truck and the blue car's tail, not in reach. */
  g_assert_cmpuint (checked, >=, 7);
  g_unlink (path);
  g_rmdir (folder);
}

static void
test_video_label_schema (void)
{
  g_autoptr(JsonNode) node = quorum_demo_video_label_schema ();
  g_autoptr(GError) error = NULL;
  g_autoptr(QuorumLabelSchema) schema = NULL;

  g_assert_nonnull (node);
  schema = quorum_wire_read_label_schema (node, "", &error);
  g_assert_no_error (error);
  g_assert_nonnull (schema);
  g_assert_cmpint (quorum_label_schema_find (schema, "car")->kind, ==, QUORUM_KIND_BOX);
  g_assert_cmpint (quorum_label_schema_find (schema, "truck")->kind, ==, QUORUM_KIND_BOX);
  g_assert_cmpint (quorum_label_schema_find (schema, "crosswalk")->kind, ==, QUORUM_KIND_POLYGON);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  g_test_add_func ("/demo-scene/same-index-same-scene", test_same_index_same_scene);
  g_test_add_func ("/demo-scene/indices-differ", test_indices_differ);
  g_test_add_func ("/demo-scene/instances-validate", test_instances_validate);
  g_test_add_func ("/demo-scene/png-size", test_png_size);
  g_test_add_func ("/demo-scene/objects-where-instances-say", test_objects_where_instances_say);
  g_test_add_func ("/demo-scene/sign-outlines", test_sign_outlines);
  g_test_add_func ("/demo-scene/label-schema", test_label_schema);
  g_test_add_func ("/demo-scene/annotators", test_annotators);
  g_test_add_func ("/demo-scene/guides", test_guides);
  g_test_add_func ("/demo-scene/video-label-schema", test_video_label_schema);
  g_test_add_func ("/demo-scene/video-vehicles-where-said", test_video_vehicles_where_said);

  ret = g_test_run ();
  /* Frees cairo's static caches, so that valgrind reports only our leaks. */
  cairo_debug_reset_static_data ();
  return ret;
}
