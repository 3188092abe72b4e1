/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-bench"

#include <math.h>

#include "synthetic-sets.h"

#define MISS_CHANCE        0.05   /* an annotator overlooks an object */
#define EXTRA_SHARE        0.03   /* objects an annotator draws that are not there */
#define JITTER             2.5    /* pixels, each way */
#define VERTEX_EDIT_CHANCE 0.10   /* drop one vertex, and as often add one */
#define BOX_SHARE          0.15
#define TWISTED_CHANCE     0.005  /* a self-intersecting polygon */

static const char * const object_labels[] = { "car", "person", "bicycle" };
static const char * const times_of_day[] = { "day", "night", "dusk" };

/* One ground-truth object. */
typedef struct {
  QuorumKind  kind;
  const char *label;
  guint       frame;
  GArray     *points;      /* of QuorumPoint */
  JsonObject *attributes;  /* tags only */
} Truth;

static void
truth_free (Truth *truth)
{
  g_array_unref (truth->points);
  if (truth->attributes != NULL)
    json_object_unref (truth->attributes);
  g_free (truth);
}

void
synthetic_image_size (guint  n_objects,
                      guint *width,
                      guint *height)
{
  double scale = sqrt (n_objects / 1000.0);

  *width = MAX (200, (guint) round (4000 * scale));
  *height = MAX (150, (guint) round (3000 * scale));
}

static void
add_point (GArray *points,
           double  x,
           double  y)
{
  QuorumPoint p = { x, y };
  g_array_append_val (points, p);
}

/* A star-shaped simple polygon: vertices in angle order around a centre. */
static void
make_star (GRand  *rand,
           GArray *points,
           double  cx,
           double  cy,
           double  radius)
{
  guint max_vertices = CLAMP ((guint) (6 + radius / 3), 6, 24);
  guint n = g_rand_int_range (rand, 6, max_vertices + 1);
  double phase = g_rand_double_range (rand, 0, 2 * G_PI);

  for (guint k = 0; k < n; k++)
    {
      double angle = phase + 2 * G_PI * (k + g_rand_double_range (rand, -0.3, 0.3)) / n;
      double r = radius * g_rand_double_range (rand, 0.55, 1.0);
      add_point (points, cx + r * cos (angle), cy + r * sin (angle));
    }
}

static JsonObject *
make_tag_attributes (GRand *rand)
{
  JsonObject *attributes = json_object_new ();
  JsonArray *parts = json_array_new ();

  json_object_set_boolean_member (attributes, "rain", g_rand_boolean (rand));
  json_object_set_string_member (attributes, "time",
                                 times_of_day[g_rand_int_range (rand, 0, G_N_ELEMENTS (times_of_day))]);
  if (g_rand_boolean (rand))
    json_array_add_string_element (parts, "road");
  if (g_rand_boolean (rand))
    json_array_add_string_element (parts, "sky");
  json_object_set_array_member (attributes, "parts", parts);
  return attributes;
}

static Truth *
make_truth (GRand                  *rand,
            const SyntheticOptions *options,
            guint                   width,
            guint                   height)
{
  Truth *truth = g_new0 (Truth, 1);
  /* Mostly small objects, a few large ones, as in a street scene. */
  double u = g_rand_double (rand);
  double radius = 12 + 70 * u * u;
  double cx = g_rand_double_range (rand, 0, width);
  double cy = g_rand_double_range (rand, 0, height);
  double pick = g_rand_double (rand);

  truth->points = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  truth->label = object_labels[g_rand_int_range (rand, 0, G_N_ELEMENTS (object_labels))];
  truth->frame = g_rand_int_range (rand, 0, options->frames);

  if (options->all_kinds && pick < 0.10)
    {
      truth->kind = QUORUM_KIND_POINT;
      add_point (truth->points, cx, cy);
    }
  else if (options->all_kinds && pick < 0.20)
    {
      guint n = g_rand_int_range (rand, 2, 9);

      truth->kind = QUORUM_KIND_POLYLINE;
      for (guint k = 0; k < n; k++)
        {
          add_point (truth->points, cx, cy);
          cx += g_rand_double_range (rand, -60, 60);
          cy += g_rand_double_range (rand, -60, 60);
        }
    }
  else if (pick > 1 - BOX_SHARE)
    {
      double w = radius * g_rand_double_range (rand, 0.8, 2.0);
      double h = radius * g_rand_double_range (rand, 0.8, 2.0);

      truth->kind = QUORUM_KIND_BOX;
      add_point (truth->points, cx - w / 2, cy - h / 2);
      add_point (truth->points, cx + w / 2, cy + h / 2);
    }
  else
    {
      double twisted = options->twisted_share > 0 ? options->twisted_share : TWISTED_CHANCE;

      truth->kind = QUORUM_KIND_POLYGON;
      make_star (rand, truth->points, cx, cy, radius);
      if (g_rand_double (rand) < twisted)
        {
          /* Swapping two neighbours makes their edges cross: a bow tie. */
          guint k = g_rand_int_range (rand, 0, truth->points->len - 1);
          QuorumPoint p = g_array_index (truth->points, QuorumPoint, k);

          g_array_index (truth->points, QuorumPoint, k) =
            g_array_index (truth->points, QuorumPoint, k + 1);
          g_array_index (truth->points, QuorumPoint, k + 1) = p;
        }
    }
  return truth;
}

static Truth *
make_tag (GRand      *rand,
          const char *label,
          guint       frame)
{
  Truth *truth = g_new0 (Truth, 1);

  truth->kind = QUORUM_KIND_TAG;
  truth->label = label;
  truth->frame = frame;
  truth->points = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  truth->attributes = make_tag_attributes (rand);
  return truth;
}

/* How one annotator draws one object: a few pixels off, a vertex more or less. */
static QuorumInstance *
draw (GRand       *rand,
      const Truth *truth,
      guint        number)
{
  g_autofree char *id = g_strdup_printf ("i%u", number);
  QuorumInstance *instance = quorum_instance_new (id, truth->label, truth->kind);
  g_autoptr(GArray) points = g_array_copy (truth->points);
  guint min_points = truth->kind == QUORUM_KIND_POLYGON ? 6 : 2;

  instance->frame = truth->frame;

  for (guint k = 0; k < points->len; k++)
    {
      QuorumPoint *p = &g_array_index (points, QuorumPoint, k);
      p->x += g_rand_double_range (rand, -JITTER, JITTER);
      p->y += g_rand_double_range (rand, -JITTER, JITTER);
    }

  switch (truth->kind)
    {
    case QUORUM_KIND_POLYGON:
    case QUORUM_KIND_POLYLINE:
      if (points->len > min_points && g_rand_double (rand) < VERTEX_EDIT_CHANCE)
        g_array_remove_index (points, g_rand_int_range (rand, 0, points->len));
      if (g_rand_double (rand) < VERTEX_EDIT_CHANCE)
        {
          guint k = g_rand_int_range (rand, 0, points->len - 1);
          QuorumPoint p = g_array_index (points, QuorumPoint, k);
          QuorumPoint q = g_array_index (points, QuorumPoint, k + 1);
          QuorumPoint mid = { (p.x + q.x) / 2 + g_rand_double_range (rand, -1, 1),
                              (p.y + q.y) / 2 + g_rand_double_range (rand, -1, 1) };
          g_array_insert_val (points, k + 1, mid);
        }
      /* Polylines are often drawn from the other end. */
      if (truth->kind == QUORUM_KIND_POLYLINE && g_rand_double (rand) < 0.3)
        for (guint k = 0; k < points->len / 2; k++)
          {
            QuorumPoint p = g_array_index (points, QuorumPoint, k);
            g_array_index (points, QuorumPoint, k) =
              g_array_index (points, QuorumPoint, points->len - 1 - k);
            g_array_index (points, QuorumPoint, points->len - 1 - k) = p;
          }
      break;

    case QUORUM_KIND_BOX:
      /* Any two opposite corners: sometimes dragged the other way. */
      if (g_rand_boolean (rand))
        {
          QuorumPoint *p = &g_array_index (points, QuorumPoint, 0);
          QuorumPoint *q = &g_array_index (points, QuorumPoint, 1);
          double x = p->x;
          p->x = q->x;
          q->x = x;
        }
      break;

    case QUORUM_KIND_TAG:
      {
        g_autoptr(GList) names = json_object_get_members (truth->attributes);

        json_object_unref (instance->attributes);
        instance->attributes = json_object_new ();
        for (GList *l = names; l != NULL; l = l->next)
          {
            const char *name = l->data;
            JsonNode *value = json_object_get_member (truth->attributes, name);
            double chance = g_rand_double (rand);

            if (chance < 0.05)
              continue;  /* left out */
            if (chance < 0.25 && JSON_NODE_HOLDS_VALUE (value) &&
                json_node_get_value_type (value) == G_TYPE_BOOLEAN)
              json_object_set_boolean_member (instance->attributes, name,
                                              !json_node_get_boolean (value));
            else if (chance < 0.25)
              json_object_set_string_member (instance->attributes, name, "other");
            else
              json_object_set_member (instance->attributes, name, json_node_copy (value));
          }
      }
      break;

    case QUORUM_KIND_POINT:
    default:
      break;
    }

  quorum_instance_set_points (instance, (const QuorumPoint *) points->data, points->len);
  return instance;
}

GPtrArray *
synthetic_sets_generate (const SyntheticOptions *options)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (options->seed);
  g_autoptr(GPtrArray) truths = g_ptr_array_new_with_free_func ((GDestroyNotify) truth_free);
  GPtrArray *sets = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_annotation_set_free);
  QuorumFileInfo file = { 0, 0, MAX (options->frames, 1), 0 };
  SyntheticOptions fixed = *options;
  guint n_extra = (guint) round (EXTRA_SHARE * options->n_objects);

  fixed.frames = file.frames;
  synthetic_image_size (options->n_objects, &file.width, &file.height);
  if (file.frames > 1)
    file.fps = 25;

  for (guint k = 0; k < options->n_objects; k++)
    g_ptr_array_add (truths, make_truth (rand, &fixed, file.width, file.height));

  /* Per frame a weather tag and one or two scene tags. */
  if (options->all_kinds)
    for (guint frame = 0; frame < file.frames; frame++)
      {
        g_ptr_array_add (truths, make_tag (rand, "weather", frame));
        g_ptr_array_add (truths, make_tag (rand, "scene", frame));
        if (g_rand_boolean (rand))
          g_ptr_array_add (truths, make_tag (rand, "scene", frame));
      }

  for (guint a = 0; a < options->n_annotators; a++)
    {
      g_autofree char *name = g_strdup_printf ("annotator-%u", a + 1);
      QuorumAnnotationSet *set = quorum_annotation_set_new (name, &file);
      guint number = 0;

      for (guint k = 0; k < truths->len; k++)
        if (g_rand_double (rand) >= MISS_CHANCE)
          quorum_annotation_set_add (set, draw (rand, g_ptr_array_index (truths, k), number++));

      for (guint k = 0; k < n_extra; k++)
        {
          g_autoptr(GPtrArray) extra = g_ptr_array_new_with_free_func ((GDestroyNotify) truth_free);
          Truth *truth = make_truth (rand, &fixed, file.width, file.height);

          g_ptr_array_add (extra, truth);
          quorum_annotation_set_add (set, draw (rand, truth, number++));
        }
      g_ptr_array_add (sets, set);
    }
  return sets;
}
