/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <math.h>
#include <string.h>

#include <cairo.h>

#include "quorum-demo-resources.h"
#include "quorum-demo-scene.h"

/*
 * The scene is a side view of a street: sky and buildings at the back, the far
 * sidewalk, a two-lane road, the near sidewalk. Objects stand on one of four
 * ground bands (far sidewalk, far lane, near lane, near sidewalk); nearer bands
 * draw bigger and later, so near objects hide parts of far ones the way they
 * would in a photograph.
 *
 * Sizes are in "units": 1 unit is one pixel of a 800×600 image, scaled with
 * the image. Every box comes from the pixels the object really covered (it is
 * drawn a second time on a mask), so it is tight by construction; sign
 * outlines are the corners the sign was filled with.
 */

#define RESOURCE_PREFIX "/org/quorum/Quorum/demo/"
#define MASK_THRESHOLD  64     /* of 255: a pixel at least a quarter covered */
#define OCCLUDED_SHARE  0.90   /* less of the object visible than this */

typedef enum {
  OBJECT_CAR,
  OBJECT_TRUCK,
  OBJECT_BUS,
  OBJECT_PEDESTRIAN,
  OBJECT_STOP_SIGN,
  OBJECT_SPEED_LIMIT_SIGN,
  OBJECT_WARNING_SIGN,
} ObjectType;

typedef enum {
  BAND_FAR_SIDEWALK,
  BAND_FAR_LANE,
  BAND_NEAR_LANE,
  BAND_NEAR_SIDEWALK,
} Band;

typedef struct {
  double r, g, b;
} Rgb;

typedef struct {
  ObjectType  type;
  Band        band;
  double      x;          /* left edge of a vehicle; centre of a pedestrian or sign */
  double      ground;     /* y where it touches the ground */
  double      scale;      /* pixels per unit */
  gboolean    flip;       /* facing left */
  Rgb         color;      /* body, shirt, or cargo */
  Rgb         color2;     /* cab, trousers */
  Rgb         skin;
  gboolean    walking;
  guint       speed;      /* on a speed limit sign */
  double      pole;       /* units from the ground to a sign's centre */
  QuorumPoint corners[16];
  guint       n_corners;
  QuorumRect  extent;     /* roughly where it is, for placing the next one */
  /* from the mask */
  QuorumRect  box;
  gboolean    occluded;
} SceneObject;

/* Sizes in units at scale 1. */
#define CAR_LENGTH        170.0
#define CAR_HEIGHT        62.0
#define TRUCK_LENGTH      250.0
#define TRUCK_HEIGHT      115.0
#define BUS_LENGTH        300.0
#define BUS_HEIGHT        105.0
#define PEDESTRIAN_HEIGHT 105.0
#define PEDESTRIAN_WIDTH  44.0
#define HEAD_Y            10.0   /* the head's centre below the top */
#define SIGN_RADIUS       22.0

/* ---- the label schema ------------------------------------------------- */

typedef struct {
  const char          *name;
  QuorumAttributeType  type;
  const char          *options[4];
} DemoAttribute;

typedef struct {
  const char    *name;
  const char    *color;
  QuorumKind     kind;
  DemoAttribute  attributes[2];
} DemoLabel;

static const DemoLabel demo_labels[] = {
  { "car", "#e01b24", QUORUM_KIND_BOX, { { "occluded", QUORUM_ATTRIBUTE_BOOLEAN } } },
  { "truck", "#ff7800", QUORUM_KIND_BOX, { { "occluded", QUORUM_ATTRIBUTE_BOOLEAN } } },
  { "bus", "#f6d32d", QUORUM_KIND_BOX, { { "occluded", QUORUM_ATTRIBUTE_BOOLEAN } } },
  { "pedestrian", "#2ec27e", QUORUM_KIND_BOX,
    { { "occluded", QUORUM_ATTRIBUTE_BOOLEAN },
      { "pose", QUORUM_ATTRIBUTE_SINGLE_CHOICE, { "standing", "walking" } } } },
  { "sign", "#9141ac", QUORUM_KIND_POLYGON,
    { { "type", QUORUM_ATTRIBUTE_SINGLE_CHOICE, { "stop", "speed_limit", "warning" } } } },
  { "head", "#1c71d8", QUORUM_KIND_POINT, { { NULL } } },
  { "weather", "#77767b", QUORUM_KIND_TAG,
    { { "time", QUORUM_ATTRIBUTE_SINGLE_CHOICE, { "day", "dusk" } } } },
};

static const DemoLabel *
find_demo_label (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_labels); i++)
    if (g_strcmp0 (demo_labels[i].name, name) == 0)
      return &demo_labels[i];
  return NULL;
}

JsonNode *
quorum_demo_label_schema (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "labels");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (demo_labels); i++)
    {
      const DemoLabel *label = &demo_labels[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, label->name);
      json_builder_set_member_name (builder, "color");
      json_builder_add_string_value (builder, label->color);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, quorum_kind_to_string (label->kind));
      json_builder_set_member_name (builder, "attributes");
      json_builder_begin_array (builder);
      for (guint j = 0; j < G_N_ELEMENTS (label->attributes) && label->attributes[j].name; j++)
        {
          const DemoAttribute *attribute = &label->attributes[j];

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, attribute->name);
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder,
                                         quorum_attribute_type_to_string (attribute->type));
          if (attribute->options[0] != NULL)
            {
              json_builder_set_member_name (builder, "options");
              json_builder_begin_array (builder);
              for (guint k = 0; k < G_N_ELEMENTS (attribute->options) && attribute->options[k]; k++)
                json_builder_add_string_value (builder, attribute->options[k]);
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

/* ---- small helpers ---------------------------------------------------- */

static double
quarter_pixel (double v)
{
  /* Quarters are exact in binary, so the wire writes "123.25", not 17 digits. */
  return floor (v * 4 + 0.5) / 4;
}

static double
gaussian (GRand *rand)
{
  double u1 = g_rand_double_range (rand, 1e-12, 1.0);
  double u2 = g_rand_double (rand);

  return sqrt (-2 * log (u1)) * cos (2 * G_PI * u2);
}

static char *
random_uuid (GRand *rand)
{
  guint32 w[4];

  for (guint i = 0; i < 4; i++)
    w[i] = g_rand_int (rand);
  /* version 4, variant 10 */
  return g_strdup_printf ("%08x-%04x-4%03x-%04x-%04x%08x",
                          w[0], w[1] >> 16, w[1] & 0xfff,
                          (w[2] >> 16 & 0x3fff) | 0x8000, w[2] & 0xffff, w[3]);
}

static Rgb
pick_color (GRand      *rand,
            const Rgb  *palette,
            guint       n)
{
  return palette[g_rand_int_range (rand, 0, (gint32) n)];
}

static void
set_color (cairo_t   *cr,
           Rgb        color,
           gboolean   dusk)
{
  /* Dusk light is dimmer and warmer. */
  if (dusk)
    cairo_set_source_rgb (cr, color.r * 0.78, color.g * 0.68, color.b * 0.72);
  else
    cairo_set_source_rgb (cr, color.r, color.g, color.b);
}

static void
set_rgb (cairo_t  *cr,
         double    r,
         double    g,
         double    b,
         gboolean  dusk)
{
  set_color (cr, (Rgb) { r, g, b }, dusk);
}

static void
rounded_rectangle (cairo_t *cr,
                   double   x,
                   double   y,
                   double   w,
                   double   h,
                   double   radius)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + w - radius, y + h - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + h - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
polygon_path (cairo_t           *cr,
              const QuorumPoint *points,
              guint              n)
{
  cairo_new_path (cr);
  for (guint i = 0; i < n; i++)
    cairo_line_to (cr, points[i].x, points[i].y);
  cairo_close_path (cr);
}

/*
 * Sign lettering is stroked from this small table, not set with a font: the
 * images then do not depend on which fonts the machine has installed, and
 * the same index gives the same bytes everywhere. Each glyph is 4 wide and 6
 * tall, top down; NAN starts a new stroke.
 */
typedef struct {
  char          glyph;
  const double *strokes;   /* x, y pairs */
  guint         n;         /* numbers in strokes */
} Glyph;

#define GLYPH(c, ...) { c, (const double[]) { __VA_ARGS__ }, \
                        sizeof ((const double[]) { __VA_ARGS__ }) / sizeof (double) }

static const Glyph glyphs[] = {
  GLYPH ('0', 1, 0, 3, 0, 4, 1, 4, 5, 3, 6, 1, 6, 0, 5, 0, 1, 1, 0),
  GLYPH ('1', 1, 1, 2, 0, 2, 6, NAN, NAN, 1, 6, 3, 6),
  GLYPH ('2', 0, 1, 1, 0, 3, 0, 4, 1, 4, 2, 0, 6, 4, 6),
  GLYPH ('3', 0, 0, 4, 0, 2, 2.5, 3, 2.5, 4, 3.5, 4, 5, 3, 6, 1, 6, 0, 5),
  GLYPH ('4', 3, 6, 3, 0, 0, 4, 4, 4),
  GLYPH ('5', 4, 0, 0, 0, 0, 2.5, 3, 2.5, 4, 3.5, 4, 5, 3, 6, 0, 6),
  GLYPH ('6', 3, 0, 1, 0, 0, 1, 0, 5, 1, 6, 3, 6, 4, 5, 4, 3.5, 3, 2.5, 0, 2.5),
  GLYPH ('7', 0, 0, 4, 0, 1.5, 6),
  GLYPH ('8', 1, 3, 0, 2, 0, 1, 1, 0, 3, 0, 4, 1, 4, 2, 3, 3, 1, 3, 0, 4, 0, 5, 1, 6,
         3, 6, 4, 5, 4, 4, 3, 3),
  GLYPH ('9', 4, 3.5, 1, 3.5, 0, 2.5, 0, 1, 1, 0, 3, 0, 4, 1, 4, 5, 3, 6, 1, 6),
  GLYPH ('O', 1, 0, 3, 0, 4, 1, 4, 5, 3, 6, 1, 6, 0, 5, 0, 1, 1, 0),
  GLYPH ('P', 0, 6, 0, 0, 3, 0, 4, 1, 4, 2, 3, 3, 0, 3),
  GLYPH ('S', 4, 1, 3, 0, 1, 0, 0, 1, 0, 2, 1, 3, 3, 3, 4, 4, 4, 5, 3, 6, 1, 6, 0, 5),
  GLYPH ('T', 0, 0, 4, 0, NAN, NAN, 2, 0, 2, 6),
  GLYPH ('!', 2, 0, 2, 3.8, NAN, NAN, 2, 6, 2, 6),
};

/* Strokes @text centred on (@cx, @cy), @height tall, in the current source. */
static void
centered_text (cairo_t    *cr,
               const char *text,
               double      cx,
               double      cy,
               double      height)
{
  double unit = height / 6;
  double advance = 5.5 * unit;
  double x = cx - (strlen (text) * advance - 1.5 * unit) / 2;

  cairo_save (cr);
  cairo_set_line_width (cr, 1.25 * unit);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_new_path (cr);
  for (const char *c = text; *c; c++, x += advance)
    for (guint g = 0; g < G_N_ELEMENTS (glyphs); g++)
      if (glyphs[g].glyph == *c)
        {
          gboolean start = TRUE;

          for (guint i = 0; i + 1 < glyphs[g].n; i += 2)
            {
              double gx = glyphs[g].strokes[i], gy = glyphs[g].strokes[i + 1];

              if (isnan (gx))
                start = TRUE;
              else if (start)
                {
                  cairo_move_to (cr, x + gx * unit, cy - height / 2 + gy * unit);
                  start = FALSE;
                }
              else
                cairo_line_to (cr, x + gx * unit, cy - height / 2 + gy * unit);
            }
        }
  cairo_stroke (cr);
  cairo_restore (cr);
}

static cairo_status_t
append_png (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static GBytes *
surface_to_png (cairo_surface_t *surface)
{
  GByteArray *array = g_byte_array_new ();

  cairo_surface_write_to_png_stream (surface, append_png, array);
  return g_byte_array_free_to_bytes (array);
}

/* ---- background -------------------------------------------------------- */

static void
draw_background (cairo_t  *cr,
                 double    width,
                 double    height,
                 double    unit,
                 gboolean  dusk,
                 GRand    *rand)
{
  cairo_pattern_t *sky = cairo_pattern_create_linear (0, 0, 0, 0.46 * height);
  double horizon = 0.46 * height;
  double x;

  /* sky */
  if (dusk)
    {
      cairo_pattern_add_color_stop_rgb (sky, 0.0, 0.16, 0.11, 0.32);
      cairo_pattern_add_color_stop_rgb (sky, 0.55, 0.66, 0.33, 0.45);
      cairo_pattern_add_color_stop_rgb (sky, 1.0, 0.98, 0.66, 0.38);
    }
  else
    {
      cairo_pattern_add_color_stop_rgb (sky, 0.0, 0.27, 0.55, 0.86);
      cairo_pattern_add_color_stop_rgb (sky, 1.0, 0.76, 0.89, 0.98);
    }
  cairo_set_source (cr, sky);
  cairo_rectangle (cr, 0, 0, width, horizon);
  cairo_fill (cr);
  cairo_pattern_destroy (sky);

  /* sun, and clouds by day */
  if (dusk)
    {
      cairo_set_source_rgb (cr, 0.99, 0.55, 0.24);
      cairo_arc (cr, g_rand_double_range (rand, 0.15, 0.85) * width, 0.36 * height,
                 38 * unit, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  else
    {
      guint n_clouds = g_rand_int_range (rand, 1, 4);

      cairo_set_source_rgb (cr, 1.0, 0.93, 0.55);
      cairo_arc (cr, g_rand_double_range (rand, 0.1, 0.9) * width, 0.08 * height,
                 24 * unit, 0, 2 * G_PI);
      cairo_fill (cr);
      for (guint i = 0; i < n_clouds; i++)
        {
          double cx = g_rand_double_range (rand, 0.05, 0.95) * width;
          double cy = g_rand_double_range (rand, 0.05, 0.18) * height;

          cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
          for (int k = -2; k <= 2; k++)
            {
              cairo_arc (cr, cx + k * 16 * unit, cy - (2 - ABS (k)) * 6 * unit,
                         (16 - 2 * ABS (k)) * unit, 0, 2 * G_PI);
              cairo_fill (cr);
            }
        }
    }

  /* a row of buildings along the far sidewalk */
  static const Rgb facades[] = {
    { 0.70, 0.38, 0.30 }, { 0.84, 0.76, 0.62 }, { 0.60, 0.62, 0.66 },
    { 0.47, 0.53, 0.62 }, { 0.88, 0.84, 0.76 }, { 0.55, 0.45, 0.40 },
  };
  x = -g_rand_double_range (rand, 0, 40) * unit;
  while (x < width)
    {
      double w = g_rand_double_range (rand, 70, 170) * unit;
      double top = g_rand_double_range (rand, 0.12, 0.32) * height;
      Rgb facade = pick_color (rand, facades, G_N_ELEMENTS (facades));
      double window_w = 12 * unit, window_h = 16 * unit;

      set_color (cr, facade, dusk);
      cairo_rectangle (cr, x, top, w - 4 * unit, horizon - top);
      cairo_fill (cr);
      set_rgb (cr, facade.r * 0.75, facade.g * 0.75, facade.b * 0.75, dusk);
      cairo_rectangle (cr, x, top, w - 4 * unit, 5 * unit);
      cairo_fill (cr);
      for (double wy = top + 14 * unit; wy + window_h < horizon - 14 * unit; wy += 28 * unit)
        for (double wx = x + 12 * unit; wx + window_w < x + w - 14 * unit; wx += 24 * unit)
          {
            if (dusk && g_rand_double (rand) < 0.45)
              cairo_set_source_rgb (cr, 1.0, 0.85, 0.45);
            else if (dusk)
              cairo_set_source_rgb (cr, 0.22, 0.22, 0.30);
            else
              cairo_set_source_rgb (cr, 0.62, 0.76, 0.86);
            cairo_rectangle (cr, wx, wy, window_w, window_h);
            cairo_fill (cr);
          }
      x += w;
    }

  /* far sidewalk and curb */
  set_rgb (cr, 0.76, 0.74, 0.70, dusk);
  cairo_rectangle (cr, 0, horizon, width, 0.54 * height - horizon);
  cairo_fill (cr);
  set_rgb (cr, 0.62, 0.60, 0.57, dusk);
  cairo_set_line_width (cr, MAX (1, unit));
  for (double jx = 0; jx < width; jx += 46 * unit)
    {
      cairo_move_to (cr, jx, horizon);
      cairo_line_to (cr, jx - 10 * unit, 0.54 * height);
    }
  cairo_stroke (cr);
  set_rgb (cr, 0.55, 0.55, 0.54, dusk);
  cairo_rectangle (cr, 0, 0.54 * height, width, 0.015 * height);
  cairo_fill (cr);

  /* road, its edge lines and the dashed centre line */
  set_rgb (cr, 0.33, 0.34, 0.36, dusk);
  cairo_rectangle (cr, 0, 0.555 * height, width, 0.315 * height);
  cairo_fill (cr);
  set_rgb (cr, 0.92, 0.92, 0.88, dusk);
  cairo_rectangle (cr, 0, 0.565 * height, width, 3 * unit);
  cairo_rectangle (cr, 0, 0.858 * height, width, 3 * unit);
  cairo_fill (cr);
  for (double dx = g_rand_double_range (rand, -60, 0) * unit; dx < width; dx += 70 * unit)
    cairo_rectangle (cr, dx, 0.72 * height, 40 * unit, 4 * unit);
  set_rgb (cr, 0.95, 0.95, 0.90, dusk);
  cairo_fill (cr);

  /* near curb and sidewalk */
  set_rgb (cr, 0.58, 0.58, 0.57, dusk);
  cairo_rectangle (cr, 0, 0.87 * height, width, 0.018 * height);
  cairo_fill (cr);
  set_rgb (cr, 0.74, 0.72, 0.68, dusk);
  cairo_rectangle (cr, 0, 0.888 * height, width, 0.112 * height);
  cairo_fill (cr);
  set_rgb (cr, 0.60, 0.58, 0.55, dusk);
  cairo_set_line_width (cr, MAX (1, 1.5 * unit));
  for (double jx = 0; jx < width + 30 * unit; jx += 64 * unit)
    {
      cairo_move_to (cr, jx, 0.888 * height);
      cairo_line_to (cr, jx - 24 * unit, height);
    }
  cairo_move_to (cr, 0, 0.945 * height);
  cairo_line_to (cr, width, 0.945 * height);
  cairo_stroke (cr);
}

/* ---- objects ----------------------------------------------------------- */

static void
draw_wheel (cairo_t  *cr,
            double    cx,
            double    cy,
            double    radius,
            gboolean  dusk)
{
  set_rgb (cr, 0.10, 0.10, 0.11, dusk);
  cairo_arc (cr, cx, cy, radius, 0, 2 * G_PI);
  cairo_fill (cr);
  set_rgb (cr, 0.70, 0.71, 0.73, dusk);
  cairo_arc (cr, cx, cy, radius * 0.45, 0, 2 * G_PI);
  cairo_fill (cr);
}

static void
set_window_color (cairo_t  *cr,
                  gboolean  dusk)
{
  if (dusk)
    cairo_set_source_rgb (cr, 0.30, 0.36, 0.50);
  else
    cairo_set_source_rgb (cr, 0.62, 0.81, 0.94);
}

/* Vehicles are drawn facing right, in units, the top of the box at y 0. */
static void
draw_car (cairo_t           *cr,
          const SceneObject *object,
          gboolean           dusk)
{
  set_color (cr, object->color, dusk);
  cairo_move_to (cr, 36, 27);
  cairo_line_to (cr, 54, 3);
  cairo_line_to (cr, 110, 3);
  cairo_line_to (cr, 136, 27);
  cairo_close_path (cr);
  cairo_fill (cr);
  rounded_rectangle (cr, 0, 24, CAR_LENGTH, 28, 9);
  cairo_fill (cr);

  set_window_color (cr, dusk);
  cairo_move_to (cr, 45, 25);
  cairo_line_to (cr, 58, 8);
  cairo_line_to (cr, 81, 8);
  cairo_line_to (cr, 81, 25);
  cairo_close_path (cr);
  cairo_move_to (cr, 87, 25);
  cairo_line_to (cr, 87, 8);
  cairo_line_to (cr, 107, 8);
  cairo_line_to (cr, 125, 25);
  cairo_close_path (cr);
  cairo_fill (cr);

  /* door line, bumper, lights */
  set_rgb (cr, object->color.r * 0.6, object->color.g * 0.6, object->color.b * 0.6, dusk);
  cairo_set_line_width (cr, 1.5);
  cairo_move_to (cr, 84, 26);
  cairo_line_to (cr, 84, 48);
  cairo_stroke (cr);
  set_rgb (cr, 0.18, 0.18, 0.20, dusk);
  cairo_rectangle (cr, 2, 45, CAR_LENGTH - 4, 6);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1.0, 0.92, 0.45);
  cairo_rectangle (cr, CAR_LENGTH - 7, 30, 7, 6);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.85, 0.10, 0.10);
  cairo_rectangle (cr, 0, 30, 5, 6);
  cairo_fill (cr);

  draw_wheel (cr, 36, CAR_HEIGHT - 13, 13, dusk);
  draw_wheel (cr, 134, CAR_HEIGHT - 13, 13, dusk);
}

static void
draw_truck (cairo_t           *cr,
            const SceneObject *object,
            gboolean           dusk)
{
  /* cargo box with a stripe */
  set_color (cr, object->color, dusk);
  cairo_rectangle (cr, 0, 0, 172, 88);
  cairo_fill (cr);
  set_rgb (cr, object->color.r * 0.7, object->color.g * 0.7, object->color.b * 0.7, dusk);
  cairo_set_line_width (cr, 2);
  cairo_rectangle (cr, 1, 1, 170, 86);
  cairo_stroke (cr);
  set_color (cr, object->color2, dusk);
  cairo_rectangle (cr, 10, 36, 152, 14);
  cairo_fill (cr);

  /* cab */
  set_color (cr, object->color2, dusk);
  cairo_move_to (cr, 176, 28);
  cairo_line_to (cr, 224, 28);
  cairo_line_to (cr, 248, 58);
  cairo_line_to (cr, TRUCK_LENGTH, 92);
  cairo_line_to (cr, 176, 92);
  cairo_close_path (cr);
  cairo_fill (cr);
  set_window_color (cr, dusk);
  cairo_move_to (cr, 202, 35);
  cairo_line_to (cr, 221, 35);
  cairo_line_to (cr, 239, 58);
  cairo_line_to (cr, 202, 58);
  cairo_close_path (cr);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1.0, 0.92, 0.45);
  cairo_rectangle (cr, TRUCK_LENGTH - 6, 68, 6, 8);
  cairo_fill (cr);

  /* chassis, wheels */
  set_rgb (cr, 0.20, 0.20, 0.22, dusk);
  cairo_rectangle (cr, 0, 88, TRUCK_LENGTH, 8);
  cairo_fill (cr);
  draw_wheel (cr, 34, TRUCK_HEIGHT - 16, 16, dusk);
  draw_wheel (cr, 70, TRUCK_HEIGHT - 16, 16, dusk);
  draw_wheel (cr, 214, TRUCK_HEIGHT - 16, 16, dusk);
}

static void
draw_bus (cairo_t           *cr,
          const SceneObject *object,
          gboolean           dusk)
{
  set_color (cr, object->color, dusk);
  rounded_rectangle (cr, 0, 0, BUS_LENGTH, 90, 10);
  cairo_fill (cr);

  set_window_color (cr, dusk);
  for (double wx = 14; wx + 31 <= 236; wx += 37)
    {
      rounded_rectangle (cr, wx, 12, 31, 32, 3);
      cairo_fill (cr);
    }
  /* windscreen and door at the front */
  rounded_rectangle (cr, 276, 10, 20, 48, 3);
  cairo_fill (cr);
  rounded_rectangle (cr, 244, 14, 24, 70, 2);
  cairo_fill (cr);
  set_rgb (cr, 0.25, 0.25, 0.28, dusk);
  cairo_set_line_width (cr, 2);
  cairo_move_to (cr, 256, 14);
  cairo_line_to (cr, 256, 84);
  cairo_stroke (cr);

  set_rgb (cr, 0.96, 0.96, 0.94, dusk);
  cairo_rectangle (cr, 4, 56, 236, 6);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1.0, 0.92, 0.45);
  cairo_rectangle (cr, BUS_LENGTH - 6, 70, 6, 8);
  cairo_fill (cr);

  draw_wheel (cr, 52, BUS_HEIGHT - 15, 15, dusk);
  draw_wheel (cr, 222, BUS_HEIGHT - 15, 15, dusk);
}

/* Drawn facing right, in units, centred on x 0, the head's top at y 0. */
static void
draw_pedestrian (cairo_t           *cr,
                 const SceneObject *object,
                 gboolean           dusk)
{
  double arm_back_x = object->walking ? -19 : -15;
  double arm_front_x = object->walking ? 17 : 15;
  double leg_back_x = object->walking ? -15 : -6;
  double leg_front_x = object->walking ? 14 : 6;

  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  /* legs */
  set_color (cr, object->color2, dusk);
  cairo_set_line_width (cr, 8);
  cairo_move_to (cr, -5, 56);
  cairo_line_to (cr, leg_back_x, PEDESTRIAN_HEIGHT - 4);
  cairo_move_to (cr, 5, 56);
  cairo_line_to (cr, leg_front_x, PEDESTRIAN_HEIGHT - 4);
  cairo_stroke (cr);

  /* arm behind the body */
  set_rgb (cr, object->color.r * 0.8, object->color.g * 0.8, object->color.b * 0.8, dusk);
  cairo_set_line_width (cr, 6);
  cairo_move_to (cr, -8, 26);
  cairo_line_to (cr, arm_back_x, 53);
  cairo_stroke (cr);

  /* body, neck, head */
  set_color (cr, object->color, dusk);
  rounded_rectangle (cr, -11, 21, 22, 38, 6);
  cairo_fill (cr);
  set_color (cr, object->skin, dusk);
  cairo_rectangle (cr, -3, 16, 6, 6);
  cairo_fill (cr);
  cairo_arc (cr, 0, HEAD_Y, 9, 0, 2 * G_PI);
  cairo_fill (cr);
  set_rgb (cr, 0.20, 0.14, 0.10, dusk);
  cairo_arc (cr, 0, HEAD_Y, 9, G_PI, 2 * G_PI);
  cairo_fill (cr);

  /* arm in front */
  set_rgb (cr, object->color.r * 0.9, object->color.g * 0.9, object->color.b * 0.9, dusk);
  cairo_move_to (cr, 8, 26);
  cairo_line_to (cr, arm_front_x, 53);
  cairo_stroke (cr);
  set_color (cr, object->skin, dusk);
  cairo_arc (cr, arm_front_x, 55, 3, 0, 2 * G_PI);
  cairo_fill (cr);
}

static void
draw_sign_face (cairo_t           *cr,
                const SceneObject *object,
                double             cx,
                double             cy,
                double             radius,
                gboolean           dusk)
{
  switch (object->type)
    {
    case OBJECT_STOP_SIGN:
      {
        QuorumPoint inner[8];

        set_rgb (cr, 0.97, 0.97, 0.97, dusk);
        polygon_path (cr, object->corners, 8);
        cairo_fill (cr);
        for (guint i = 0; i < 8; i++)
          {
            inner[i].x = cx + (object->corners[i].x - cx) * 0.86;
            inner[i].y = cy + (object->corners[i].y - cy) * 0.86;
          }
        set_rgb (cr, 0.80, 0.08, 0.10, dusk);
        polygon_path (cr, inner, 8);
        cairo_fill (cr);
        set_rgb (cr, 0.97, 0.97, 0.97, dusk);
        centered_text (cr, "STOP", cx, cy, radius * 0.4);
      }
      break;

    case OBJECT_SPEED_LIMIT_SIGN:
      {
        g_autofree char *speed = g_strdup_printf ("%u", object->speed);

        set_rgb (cr, 0.82, 0.10, 0.12, dusk);
        cairo_arc (cr, cx, cy, radius, 0, 2 * G_PI);
        cairo_fill (cr);
        set_rgb (cr, 0.98, 0.98, 0.98, dusk);
        cairo_arc (cr, cx, cy, radius * 0.78, 0, 2 * G_PI);
        cairo_fill (cr);
        set_rgb (cr, 0.05, 0.05, 0.05, dusk);
        centered_text (cr, speed, cx, cy, radius * 0.62);
      }
      break;

    case OBJECT_WARNING_SIGN:
      {
        QuorumPoint inner[3];
        double gx = 0, gy = 0;

        for (guint i = 0; i < 3; i++)
          {
            gx += object->corners[i].x / 3;
            gy += object->corners[i].y / 3;
          }
        for (guint i = 0; i < 3; i++)
          {
            inner[i].x = gx + (object->corners[i].x - gx) * 0.64;
            inner[i].y = gy + (object->corners[i].y - gy) * 0.64;
          }
        set_rgb (cr, 0.82, 0.10, 0.12, dusk);
        polygon_path (cr, object->corners, 3);
        cairo_fill (cr);
        set_rgb (cr, 0.98, 0.98, 0.98, dusk);
        polygon_path (cr, inner, 3);
        cairo_fill (cr);
        set_rgb (cr, 0.05, 0.05, 0.05, dusk);
        centered_text (cr, "!", gx, gy + radius * 0.1, radius * 0.55);
      }
      break;

    case OBJECT_CAR:
    case OBJECT_TRUCK:
    case OBJECT_BUS:
    case OBJECT_PEDESTRIAN:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
is_vehicle (ObjectType type)
{
  return type == OBJECT_CAR || type == OBJECT_TRUCK || type == OBJECT_BUS;
}

static gboolean
is_sign (ObjectType type)
{
  return type == OBJECT_STOP_SIGN || type == OBJECT_SPEED_LIMIT_SIGN ||
         type == OBJECT_WARNING_SIGN;
}

static void
vehicle_size (ObjectType  type,
              double     *length,
              double     *height)
{
  switch (type)
    {
    case OBJECT_CAR:
      *length = CAR_LENGTH;
      *height = CAR_HEIGHT;
      break;
    case OBJECT_TRUCK:
      *length = TRUCK_LENGTH;
      *height = TRUCK_HEIGHT;
      break;
    case OBJECT_BUS:
      *length = BUS_LENGTH;
      *height = BUS_HEIGHT;
      break;
    case OBJECT_PEDESTRIAN:
    case OBJECT_STOP_SIGN:
    case OBJECT_SPEED_LIMIT_SIGN:
    case OBJECT_WARNING_SIGN:
    default:
      g_assert_not_reached ();
    }
}

static void
draw_object (cairo_t           *cr,
             const SceneObject *object,
             gboolean           dusk)
{
  cairo_save (cr);
  if (is_vehicle (object->type))
    {
      double length, height;

      vehicle_size (object->type, &length, &height);
      cairo_translate (cr, object->x, object->ground - height * object->scale);
      if (object->flip)
        {
          cairo_translate (cr, length * object->scale, 0);
          cairo_scale (cr, -object->scale, object->scale);
        }
      else
        cairo_scale (cr, object->scale, object->scale);
      if (object->type == OBJECT_CAR)
        draw_car (cr, object, dusk);
      else if (object->type == OBJECT_TRUCK)
        draw_truck (cr, object, dusk);
      else
        draw_bus (cr, object, dusk);
    }
  else if (object->type == OBJECT_PEDESTRIAN)
    {
      cairo_translate (cr, object->x, object->ground - PEDESTRIAN_HEIGHT * object->scale);
      cairo_scale (cr, object->flip ? -object->scale : object->scale, object->scale);
      draw_pedestrian (cr, object, dusk);
    }
  else
    {
      double cy = object->ground - object->pole * object->scale;

      set_rgb (cr, 0.55, 0.56, 0.58, dusk);
      cairo_set_line_width (cr, 4 * object->scale);
      cairo_move_to (cr, object->x, object->ground);
      cairo_line_to (cr, object->x, cy);
      cairo_stroke (cr);
      draw_sign_face (cr, object, object->x, cy, SIGN_RADIUS * object->scale, dusk);
    }
  cairo_restore (cr);
}

/* The sign's outline, in image pixels, on quarter pixels; the face is filled
 * with these same corners, so the outline is exact. */
static void
sign_corners (SceneObject *object)
{
  double cx = object->x;
  double cy = object->ground - object->pole * object->scale;
  double radius = SIGN_RADIUS * object->scale;
  guint n;
  double start, r;

  switch (object->type)
    {
    case OBJECT_STOP_SIGN:
      n = 8, start = G_PI / 8, r = radius;
      break;
    case OBJECT_SPEED_LIMIT_SIGN:
      n = 16, start = 0, r = radius;
      break;
    case OBJECT_WARNING_SIGN:
      n = 3, start = -G_PI / 2, r = radius * 1.2;
      cy += radius * 0.15;
      break;
    case OBJECT_CAR:
    case OBJECT_TRUCK:
    case OBJECT_BUS:
    case OBJECT_PEDESTRIAN:
    default:
      g_assert_not_reached ();
    }

  object->n_corners = n;
  for (guint i = 0; i < n; i++)
    {
      double angle = start + 2 * G_PI * i / n;

      object->corners[i].x = quarter_pixel (cx + r * cos (angle));
      object->corners[i].y = quarter_pixel (cy + r * sin (angle));
    }
}

/* ---- placing ----------------------------------------------------------- */

typedef struct {
  guint   width;
  guint   height;
  double  unit;
  GArray *objects;   /* of SceneObject */
} Placement;

static double
rect_area (const QuorumRect *r)
{
  return MAX (0, r->x1 - r->x0) * MAX (0, r->y1 - r->y0);
}

static double
rect_overlap (const QuorumRect *a,
              const QuorumRect *b)
{
  QuorumRect i = {
    MAX (a->x0, b->x0), MAX (a->y0, b->y0), MIN (a->x1, b->x1), MIN (a->y1, b->y1)
  };

  return i.x1 > i.x0 && i.y1 > i.y0 ? rect_area (&i) : 0;
}

static gboolean
fits (const Placement   *placement,
      const SceneObject *candidate)
{
  for (guint i = 0; i < placement->objects->len; i++)
    {
      const SceneObject *other = &g_array_index (placement->objects, SceneObject, i);
      double overlap = rect_overlap (&candidate->extent, &other->extent);
      double limit;

      /* Two vehicles in one lane would be a crash. */
      if (overlap > 0 && candidate->band == other->band && is_vehicle (candidate->type) &&
          is_vehicle (other->type))
        return FALSE;
      /* Some overlap makes the scene honest; hiding most of an object does not.
       * A person or a sign in front of a vehicle hides little of it (and the
       * vehicle nothing of them), however much their extents overlap. */
      limit = is_vehicle (candidate->type) == is_vehicle (other->type) ? 0.35 : 0.8;
      if (overlap > limit * MIN (rect_area (&candidate->extent), rect_area (&other->extent)))
        return FALSE;
    }
  return TRUE;
}

static const SceneObject *
pick_in_band (const Placement *placement,
              Band             band,
              GRand           *rand)
{
  const SceneObject *pick = NULL;
  guint n = 0;

  /* one of them, each as likely */
  for (guint i = 0; i < placement->objects->len; i++)
    {
      const SceneObject *object = &g_array_index (placement->objects, SceneObject, i);

      if (object->band == band && is_vehicle (object->type) &&
          g_rand_int_range (rand, 0, ++n) == 0)
        pick = object;
    }
  return pick;
}

static gboolean
place_object (Placement  *placement,
              ObjectType  type,
              GRand      *rand)
{
  static const Rgb car_colors[] = {
    { 0.80, 0.12, 0.14 }, { 0.16, 0.36, 0.75 }, { 0.80, 0.82, 0.85 }, { 0.95, 0.95, 0.95 },
    { 0.12, 0.12, 0.15 }, { 0.18, 0.55, 0.34 }, { 0.96, 0.78, 0.13 }, { 0.45, 0.20, 0.50 },
  };
  static const Rgb cargo_colors[] = {
    { 0.94, 0.94, 0.92 }, { 0.95, 0.55, 0.15 }, { 0.25, 0.45, 0.70 }, { 0.60, 0.75, 0.35 },
  };
  static const Rgb cab_colors[] = {
    { 0.75, 0.12, 0.12 }, { 0.15, 0.30, 0.60 }, { 0.90, 0.90, 0.90 }, { 0.20, 0.45, 0.25 },
  };
  static const Rgb bus_colors[] = {
    { 0.97, 0.75, 0.10 }, { 0.80, 0.10, 0.12 }, { 0.20, 0.45, 0.75 }, { 0.15, 0.55, 0.45 },
  };
  static const Rgb shirt_colors[] = {
    { 0.85, 0.20, 0.20 }, { 0.20, 0.50, 0.85 }, { 0.95, 0.70, 0.15 }, { 0.30, 0.65, 0.35 },
    { 0.55, 0.30, 0.70 }, { 0.95, 0.95, 0.95 }, { 0.90, 0.45, 0.60 },
  };
  static const Rgb trouser_colors[] = {
    { 0.15, 0.22, 0.40 }, { 0.10, 0.10, 0.12 }, { 0.55, 0.48, 0.34 }, { 0.38, 0.38, 0.42 },
  };
  static const Rgb skin_colors[] = {
    { 0.96, 0.80, 0.66 }, { 0.85, 0.64, 0.46 }, { 0.60, 0.42, 0.28 }, { 0.38, 0.26, 0.18 },
  };
  static const guint speeds[] = { 20, 30, 40, 50, 60, 80 };
  double width = placement->width, height = placement->height, unit = placement->unit;

  for (guint attempt = 0; attempt < 60; attempt++)
    {
      SceneObject object = { .type = type };
      const SceneObject *partner;
      gboolean near = g_rand_boolean (rand);
      double depth, w, h;

      if (is_vehicle (type))
        {
          object.band = near ? BAND_NEAR_LANE : BAND_FAR_LANE;
          object.ground = (near ? g_rand_double_range (rand, 0.79, 0.835)
                                : g_rand_double_range (rand, 0.675, 0.70)) * height;
          depth = near ? 1.0 : 0.8;
        }
      else
        {
          object.band = near ? BAND_NEAR_SIDEWALK : BAND_FAR_SIDEWALK;
          object.ground = (near ? g_rand_double_range (rand, 0.915, 0.985)
                                : g_rand_double_range (rand, 0.48, 0.535)) * height;
          depth = near ? 1.05 : 0.72;
        }
      object.scale = unit * depth * g_rand_double_range (rand, 0.92, 1.08);
      object.flip = g_rand_boolean (rand);

      switch (type)
        {
        case OBJECT_CAR:
          object.color = pick_color (rand, car_colors, G_N_ELEMENTS (car_colors));
          break;
        case OBJECT_TRUCK:
          object.color = pick_color (rand, cargo_colors, G_N_ELEMENTS (cargo_colors));
          object.color2 = pick_color (rand, cab_colors, G_N_ELEMENTS (cab_colors));
          break;
        case OBJECT_BUS:
          object.color = pick_color (rand, bus_colors, G_N_ELEMENTS (bus_colors));
          break;
        case OBJECT_PEDESTRIAN:
          object.color = pick_color (rand, shirt_colors, G_N_ELEMENTS (shirt_colors));
          object.color2 = pick_color (rand, trouser_colors, G_N_ELEMENTS (trouser_colors));
          object.skin = pick_color (rand, skin_colors, G_N_ELEMENTS (skin_colors));
          object.walking = g_rand_boolean (rand);
          break;
        case OBJECT_SPEED_LIMIT_SIGN:
          object.speed = speeds[g_rand_int_range (rand, 0, G_N_ELEMENTS (speeds))];
          G_GNUC_FALLTHROUGH;
        case OBJECT_STOP_SIGN:
        case OBJECT_WARNING_SIGN:
        default:
          object.pole = g_rand_double_range (rand, 110, 150);
          break;
        }

      if (is_vehicle (type))
        {
          vehicle_size (type, &w, &h);
          w *= object.scale, h *= object.scale;
          if (w + 4 > width)
            continue;
          object.x = g_rand_double_range (rand, 2, width - w - 2);
          /* and vehicles pass each other */
          partner = object.band == BAND_NEAR_LANE && g_rand_boolean (rand)
                    ? pick_in_band (placement, BAND_FAR_LANE, rand) : NULL;
          if (partner != NULL)
            object.x = CLAMP (partner->extent.x0 + g_rand_double_range (rand, -0.7, 0.7) * w,
                              2, width - w - 2);
          object.extent = (QuorumRect) { object.x, object.ground - h, object.x + w, object.ground };
        }
      else
        {
          double top;

          if (type == OBJECT_PEDESTRIAN)
            {
              w = PEDESTRIAN_WIDTH * object.scale;
              top = object.ground - PEDESTRIAN_HEIGHT * object.scale;
            }
          else
            {
              w = 2.6 * SIGN_RADIUS * object.scale;
              top = object.ground - (object.pole + 1.3 * SIGN_RADIUS) * object.scale;
            }
          if (top < 2)
            continue;
          object.x = g_rand_double_range (rand, w / 2 + 2, width - w / 2 - 2);
          /* Often stand in front of a vehicle, as people and signs along a
           * street do: near objects hiding part of far ones is what makes a
           * scene worth annotating. */
          partner = object.band == BAND_NEAR_SIDEWALK && g_rand_double (rand) < 0.6
                    ? pick_in_band (placement, BAND_NEAR_LANE, rand) : NULL;
          if (partner != NULL)
            object.x = CLAMP (g_rand_double_range (rand, partner->extent.x0, partner->extent.x1),
                              w / 2 + 2, width - w / 2 - 2);
          object.extent = (QuorumRect) { object.x - w / 2, top, object.x + w / 2, object.ground };
        }

      if (!fits (placement, &object))
        continue;
      if (is_sign (type))
        sign_corners (&object);
      g_array_append_val (placement->objects, object);
      return TRUE;
    }
  return FALSE;
}

static int
compare_depth (gconstpointer a,
               gconstpointer b)
{
  const SceneObject *oa = a, *ob = b;

  if (oa->band != ob->band)
    return oa->band < ob->band ? -1 : 1;
  return oa->ground < ob->ground ? -1 : oa->ground > ob->ground;
}

/* ---- the scene object -------------------------------------------------- */

struct _QuorumDemoScene
{
  GObject          parent_instance;

  guint            index;
  guint            width;
  guint            height;

  GBytes          *png;
  GBytes          *background_png;
  GPtrArray       *instances;
};

G_DEFINE_FINAL_TYPE (QuorumDemoScene, quorum_demo_scene, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INDEX,
  PROP_WIDTH,
  PROP_HEIGHT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Scans an A8 mask for the pixels an object covered. */
static gboolean
mask_bounds (cairo_surface_t *mask,
             QuorumRect      *box)
{
  const guchar *data;
  int width = cairo_image_surface_get_width (mask);
  int height = cairo_image_surface_get_height (mask);
  int stride = cairo_image_surface_get_stride (mask);
  int x0 = width, y0 = height, x1 = -1, y1 = -1;

  cairo_surface_flush (mask);
  data = cairo_image_surface_get_data (mask);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      if (data[y * stride + x] >= MASK_THRESHOLD)
        {
          x0 = MIN (x0, x);
          x1 = MAX (x1, x);
          y0 = MIN (y0, y);
          y1 = MAX (y1, y);
        }
  if (x1 < 0)
    return FALSE;
  *box = (QuorumRect) { x0, y0, x1 + 1, y1 + 1 };
  return TRUE;
}

static cairo_surface_t *
draw_mask (const SceneObject *object,
           guint              width,
           guint              height)
{
  cairo_surface_t *mask = cairo_image_surface_create (CAIRO_FORMAT_A8, width, height);
  cairo_t *cr = cairo_create (mask);

  draw_object (cr, object, FALSE);
  cairo_destroy (cr);
  return mask;
}

/* An object is occluded when the objects drawn after it hide some of it. */
static void
mark_occluded (SceneObject      *objects,
               cairo_surface_t **masks,
               guint             n)
{
  for (guint i = 0; i < n; i++)
    {
      int stride = cairo_image_surface_get_stride (masks[i]);
      const guchar *mine = cairo_image_surface_get_data (masks[i]);
      guint total = 0, visible = 0;

      for (int y = objects[i].box.y0; y < objects[i].box.y1; y++)
        for (int x = objects[i].box.x0; x < objects[i].box.x1; x++)
          {
            gboolean hidden = FALSE;

            if (mine[y * stride + x] < 128)
              continue;
            total++;
            for (guint j = i + 1; j < n && !hidden; j++)
              hidden = cairo_image_surface_get_data (masks[j])[y * stride + x] >= 128;
            if (!hidden)
              visible++;
          }
      objects[i].occluded = total > 0 && visible < OCCLUDED_SHARE * total;
    }
}

static QuorumInstance *
new_instance (GRand      *rand,
              const char *label,
              QuorumKind  kind)
{
  g_autofree char *id = random_uuid (rand);

  return quorum_instance_new (id, label, kind);
}

static void
add_instances (GPtrArray         *instances,
               const SceneObject *object,
               GRand             *rand)
{
  static const char * const vehicle_labels[] = { "car", "truck", "bus" };
  static const char * const sign_types[] = { "stop", "speed_limit", "warning" };
  QuorumInstance *instance;

  if (is_sign (object->type))
    {
      instance = new_instance (rand, "sign", QUORUM_KIND_POLYGON);
      quorum_instance_set_points (instance, object->corners, object->n_corners);
      json_object_set_string_member (instance->attributes, "type",
                                     sign_types[object->type - OBJECT_STOP_SIGN]);
      g_ptr_array_add (instances, instance);
      return;
    }

  instance = new_instance (rand, object->type == OBJECT_PEDESTRIAN
                                 ? "pedestrian" : vehicle_labels[object->type],
                           QUORUM_KIND_BOX);
  quorum_instance_set_points (instance, (QuorumPoint[]) {
                                { object->box.x0, object->box.y0 },
                                { object->box.x1, object->box.y1 } }, 2);
  json_object_set_boolean_member (instance->attributes, "occluded", object->occluded);
  if (object->type == OBJECT_PEDESTRIAN)
    json_object_set_string_member (instance->attributes, "pose",
                                   object->walking ? "walking" : "standing");
  g_ptr_array_add (instances, instance);

  if (object->type == OBJECT_PEDESTRIAN)
    {
      double top = object->ground - PEDESTRIAN_HEIGHT * object->scale;

      instance = new_instance (rand, "head", QUORUM_KIND_POINT);
      quorum_instance_set_points (instance, &(QuorumPoint) {
                                    quarter_pixel (object->x),
                                    quarter_pixel (top + HEAD_Y * object->scale) }, 1);
      g_ptr_array_add (instances, instance);
    }
}

static void
quorum_demo_scene_generate (QuorumDemoScene *self)
{
  const guint32 seed[] = { self->index, 0x51ee7 };
  g_autoptr(GRand) rand = g_rand_new_with_seed_array (seed, G_N_ELEMENTS (seed));
  g_autoptr(GArray) objects = g_array_new (FALSE, TRUE, sizeof (SceneObject));
  Placement placement = { self->width, self->height, 0, objects };
  cairo_surface_t *surface;
  cairo_surface_t **masks;
  cairo_t *cr;
  gboolean dusk = g_rand_double (rand) < 0.3;
  guint n_vehicles = g_rand_int_range (rand, 1, 5);
  guint n_pedestrians = g_rand_int_range (rand, 1, 5);
  guint n_signs = g_rand_int_range (rand, 1, 4);
  QuorumInstance *tag;

  placement.unit = MIN (self->width / 800.0, self->height / 600.0);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, self->width, self->height);
  cr = cairo_create (surface);
  draw_background (cr, self->width, self->height, placement.unit, dusk, rand);
  self->background_png = surface_to_png (surface);

  /* Big things first, so they find room. */
  for (guint i = 0; i < n_vehicles; i++)
    {
      double r = g_rand_double (rand);

      place_object (&placement, r < 0.6 ? OBJECT_CAR : r < 0.8 ? OBJECT_TRUCK : OBJECT_BUS, rand);
    }
  for (guint i = 0; i < n_signs; i++)
    place_object (&placement, OBJECT_STOP_SIGN + g_rand_int_range (rand, 0, 3), rand);
  for (guint i = 0; i < n_pedestrians; i++)
    place_object (&placement, OBJECT_PEDESTRIAN, rand);
  while (objects->len < 3 && place_object (&placement, OBJECT_PEDESTRIAN, rand))
    ;
  g_array_sort (objects, compare_depth);

  masks = g_new0 (cairo_surface_t *, objects->len);
  for (guint i = 0; i < objects->len; i++)
    {
      SceneObject *object = &g_array_index (objects, SceneObject, i);

      draw_object (cr, object, dusk);
      masks[i] = draw_mask (object, self->width, self->height);
      if (!mask_bounds (masks[i], &object->box))
        g_assert_not_reached ();
    }
  cairo_destroy (cr);
  mark_occluded ((SceneObject *) objects->data, masks, objects->len);
  for (guint i = 0; i < objects->len; i++)
    cairo_surface_destroy (masks[i]);
  g_free (masks);

  self->png = surface_to_png (surface);
  cairo_surface_destroy (surface);

  self->instances = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  for (guint i = 0; i < objects->len; i++)
    add_instances (self->instances, &g_array_index (objects, SceneObject, i), rand);
  tag = new_instance (rand, "weather", QUORUM_KIND_TAG);
  json_object_set_string_member (tag->attributes, "time", dusk ? "dusk" : "day");
  g_ptr_array_add (self->instances, tag);
}

static void
quorum_demo_scene_constructed (GObject *object)
{
  QuorumDemoScene *self = QUORUM_DEMO_SCENE (object);

  G_OBJECT_CLASS (quorum_demo_scene_parent_class)->constructed (object);
  quorum_demo_scene_generate (self);
}

static void
quorum_demo_scene_finalize (GObject *object)
{
  QuorumDemoScene *self = QUORUM_DEMO_SCENE (object);

  g_clear_pointer (&self->png, g_bytes_unref);
  g_clear_pointer (&self->background_png, g_bytes_unref);
  g_clear_pointer (&self->instances, g_ptr_array_unref);

  G_OBJECT_CLASS (quorum_demo_scene_parent_class)->finalize (object);
}

static void
quorum_demo_scene_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  QuorumDemoScene *self = QUORUM_DEMO_SCENE (object);

  switch (prop_id)
    {
    case PROP_INDEX:
      g_value_set_uint (value, self->index);
      break;
    case PROP_WIDTH:
      g_value_set_uint (value, self->width);
      break;
    case PROP_HEIGHT:
      g_value_set_uint (value, self->height);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_demo_scene_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  QuorumDemoScene *self = QUORUM_DEMO_SCENE (object);

  switch (prop_id)
    {
    case PROP_INDEX:
      self->index = g_value_get_uint (value);
      break;
    case PROP_WIDTH:
      self->width = g_value_get_uint (value);
      break;
    case PROP_HEIGHT:
      self->height = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_demo_scene_class_init (QuorumDemoSceneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = quorum_demo_scene_constructed;
  object_class->finalize = quorum_demo_scene_finalize;
  object_class->get_property = quorum_demo_scene_get_property;
  object_class->set_property = quorum_demo_scene_set_property;

  properties[PROP_INDEX] =
    g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WIDTH] =
    g_param_spec_uint ("width", NULL, NULL, QUORUM_DEMO_SCENE_MIN_WIDTH, 16384, 800,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEIGHT] =
    g_param_spec_uint ("height", NULL, NULL, QUORUM_DEMO_SCENE_MIN_HEIGHT, 16384, 600,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
quorum_demo_scene_init (QuorumDemoScene *self)
{
}

QuorumDemoScene *
quorum_demo_scene_new (guint index,
                       guint width,
                       guint height)
{
  g_return_val_if_fail (width >= QUORUM_DEMO_SCENE_MIN_WIDTH && width <= 16384, NULL);
  g_return_val_if_fail (height >= QUORUM_DEMO_SCENE_MIN_HEIGHT && height <= 16384, NULL);

  return g_object_new (QUORUM_TYPE_DEMO_SCENE,
                       "index", index,
                       "width", width,
                       "height", height,
                       NULL);
}

guint
quorum_demo_scene_get_index (QuorumDemoScene *self)
{
  g_return_val_if_fail (QUORUM_IS_DEMO_SCENE (self), 0);
  return self->index;
}

guint
quorum_demo_scene_get_width (QuorumDemoScene *self)
{
  g_return_val_if_fail (QUORUM_IS_DEMO_SCENE (self), 0);
  return self->width;
}

guint
quorum_demo_scene_get_height (QuorumDemoScene *self)
{
  g_return_val_if_fail (QUORUM_IS_DEMO_SCENE (self), 0);
  return self->height;
}

GBytes *
quorum_demo_scene_get_png (QuorumDemoScene *self)
{
  g_return_val_if_fail (QUORUM_IS_DEMO_SCENE (self), NULL);
  return self->png;
}

GBytes *
quorum_demo_scene_get_background_png (QuorumDemoScene *self)
{
  g_return_val_if_fail (QUORUM_IS_DEMO_SCENE (self), NULL);
  return self->background_png;
}

GPtrArray *
quorum_demo_scene_get_instances (QuorumDemoScene *self)
{
  g_return_val_if_fail (QUORUM_IS_DEMO_SCENE (self), NULL);
  return self->instances;
}

/* ---- imperfect annotators --------------------------------------------- */

typedef struct {
  double jitter;          /* pixels of error on every coordinate */
  double relative;        /* and this share of the object's size */
  double loose;           /* boxes drawn this share of the size too large */
  double miss;            /* chance to miss an object */
  double confuse;         /* chance to pick a wrong vehicle label */
  double attribute;       /* chance to get an attribute wrong */
  gboolean coarse_circles;  /* outlines a round sign with 8 corners, not 16 */
} AnnotatorProfile;

/*
 * How hard one gold instance is to get right, in [0, 1), the same for every
 * annotator: an annotator errs where it is below their chance of erring. So a
 * careful annotator's mistakes are among a sloppy one's, as with real people
 * (the tiny car on the horizon is the one everybody misses), and the careful
 * version agrees better with the gold on every file, not only on average.
 */
static double
difficulty (const QuorumInstance *gold,
            const char           *what)
{
  g_autofree char *key = g_strconcat (gold->id, "/", what, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_str_hash (key));

  return g_rand_double (rand);
}

static const AnnotatorProfile annotator_profiles[] = {
  { 0.6, 0.004, 0.00, 0.02, 0.01, 0.03, FALSE },  /* careful */
  { 2.5, 0.060, 0.10, 0.15, 0.12, 0.20, TRUE },   /* sloppy */
  { 1.2, 0.015, 0.02, 0.06, 0.04, 0.08, FALSE },  /* in between */
};

static JsonObject *
confuse_attributes (const QuorumInstance   *gold,
                    const AnnotatorProfile *profile)
{
  const DemoLabel *label = find_demo_label (gold->label);
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, gold->attributes);
  while (json_object_iter_next (&iter, &name, &value))
    {
      const DemoAttribute *spec = NULL;

      for (guint i = 0; label && i < G_N_ELEMENTS (label->attributes); i++)
        if (g_strcmp0 (label->attributes[i].name, name) == 0)
          spec = &label->attributes[i];

      if (spec == NULL || difficulty (gold, name) >= profile->attribute)
        json_object_set_member (copy, name, json_node_copy (value));
      else if (spec->type == QUORUM_ATTRIBUTE_BOOLEAN)
        json_object_set_boolean_member (copy, name, !json_node_get_boolean (value));
      else
        {
          const char *current = json_node_get_string (value);
          guint n = 0, pick;

          while (n < G_N_ELEMENTS (spec->options) && spec->options[n])
            n++;
          pick = (guint) (difficulty (gold, "choice") * n);
          if (g_strcmp0 (spec->options[pick], current) == 0)
            pick = (pick + 1) % n;
          json_object_set_string_member (copy, name, spec->options[pick]);
        }
    }
  return copy;
}

GPtrArray *
quorum_demo_annotator_version (GPtrArray *instances,
                               guint      annotator,
                               GRand     *rand)
{
  static const char * const vehicle_labels[] = { "car", "truck", "bus" };
  const AnnotatorProfile *profile;
  GPtrArray *version;

  g_return_val_if_fail (instances != NULL, NULL);
  g_return_val_if_fail (rand != NULL, NULL);

  profile = &annotator_profiles[annotator % G_N_ELEMENTS (annotator_profiles)];
  version = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);

  for (guint i = 0; i < instances->len; i++)
    {
      const QuorumInstance *gold = g_ptr_array_index (instances, i);
      g_autofree char *id = random_uuid (rand);
      const char *label = gold->label;
      QuorumInstance *instance;
      QuorumRect bounds;
      double size;

      quorum_instance_bounds (gold, &bounds);
      size = MAX (bounds.x1 - bounds.x0, bounds.y1 - bounds.y0);

      /* Small things are missed twice as often; nobody misses the weather. */
      if (gold->kind != QUORUM_KIND_TAG &&
          difficulty (gold, "miss") < profile->miss * (size < 40 ? 2 : 1))
        continue;

      for (guint v = 0; v < G_N_ELEMENTS (vehicle_labels); v++)
        if (g_str_equal (label, vehicle_labels[v]) && difficulty (gold, "label") < profile->confuse)
          {
            label = vehicle_labels[(v + 1 + (difficulty (gold, "as") < 0.5)) % 3];
            break;
          }

      instance = quorum_instance_new (id, label, gold->kind);
      json_object_unref (instance->attributes);
      instance->attributes = confuse_attributes (gold, profile);
      instance->frame = gold->frame;

      if (gold->kind == QUORUM_KIND_BOX)
        {
          double w = bounds.x1 - bounds.x0, h = bounds.y1 - bounds.y0;
          double sx = profile->jitter + profile->relative * w;
          double sy = profile->jitter + profile->relative * h;
          double x0 = bounds.x0 - profile->loose * w / 2 + sx * gaussian (rand);
          double x1 = bounds.x1 + profile->loose * w / 2 + sx * gaussian (rand);
          double y0 = bounds.y0 - profile->loose * h / 2 + sy * gaussian (rand);
          double y1 = bounds.y1 + profile->loose * h / 2 + sy * gaussian (rand);

          /* People drag boxes to whole pixels, and never inside out. */
          x0 = round (x0), x1 = round (x1), y0 = round (y0), y1 = round (y1);
          if (x1 <= x0)
            x1 = x0 + 1;
          if (y1 <= y0)
            y1 = y0 + 1;
          quorum_instance_set_points (instance, (QuorumPoint[]) { { x0, y0 }, { x1, y1 } }, 2);
        }
      else if (gold->n_points > 0)
        {
          guint step = profile->coarse_circles && gold->n_points == 16 ? 2 : 1;
          double sigma = profile->jitter + profile->relative * size / 2;
          g_autofree QuorumPoint *points = g_new (QuorumPoint, gold->n_points);
          guint n = 0;

          for (guint p = 0; p < gold->n_points; p += step)
            {
              points[n].x = quarter_pixel (gold->points[p].x + sigma * gaussian (rand));
              points[n].y = quarter_pixel (gold->points[p].y + sigma * gaussian (rand));
              n++;
            }
          quorum_instance_set_points (instance, points, n);
        }

      g_ptr_array_add (version, instance);
    }

  return version;
}

/* ---- guides ------------------------------------------------------------ */

char *
quorum_demo_guide (const char *name)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  if (*name == '\0' || strchr (name, '/') != NULL)
    return NULL;
  path = g_strconcat (RESOURCE_PREFIX, name, NULL);
  bytes = g_resource_lookup_data (quorum_demo_resources_get_resource (), path,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL || !g_str_has_suffix (name, ".md"))
    return NULL;
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static const char * const guide_image_names[] = {
  "example-stop-sign.png",
  "example-tight-box.png",
  NULL
};

const char * const *
quorum_demo_guide_image_names (void)
{
  return guide_image_names;
}

/* A stop sign close up, outlined the way the draw guide asks: one corner on
 * each of the eight corners of the sign, the pole left out. */
static GBytes *
draw_example_stop_sign (void)
{
  const Rgb purple = { 0x91 / 255.0, 0x41 / 255.0, 0xac / 255.0 };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 360, 300);
  cairo_t *cr = cairo_create (surface);
  cairo_pattern_t *sky = cairo_pattern_create_linear (0, 0, 0, 300);
  SceneObject sign = {
    .type = OBJECT_STOP_SIGN, .x = 180, .ground = 330, .scale = 4.2, .pole = 48,
  };
  GBytes *png;

  cairo_pattern_add_color_stop_rgb (sky, 0, 0.27, 0.55, 0.86);
  cairo_pattern_add_color_stop_rgb (sky, 1, 0.76, 0.89, 0.98);
  cairo_set_source (cr, sky);
  cairo_paint (cr);
  cairo_pattern_destroy (sky);
  sign_corners (&sign);
  draw_object (cr, &sign, FALSE);

  cairo_set_source_rgb (cr, purple.r, purple.g, purple.b);
  cairo_set_line_width (cr, 3);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  polygon_path (cr, sign.corners, sign.n_corners);
  cairo_stroke (cr);
  for (guint i = 0; i < sign.n_corners; i++)
    {
      g_autofree char *number = g_strdup_printf ("%u", i + 1);
      double dx = sign.corners[i].x - sign.x;
      double dy = sign.corners[i].y - (sign.ground - sign.pole * sign.scale);
      double d = hypot (dx, dy);

      cairo_arc (cr, sign.corners[i].x, sign.corners[i].y, 6, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, purple.r, purple.g, purple.b);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      centered_text (cr, number,
                     sign.corners[i].x + dx / d * 20, sign.corners[i].y + dy / d * 20, 11);
    }

  cairo_destroy (cr);
  png = surface_to_png (surface);
  cairo_surface_destroy (surface);
  return png;
}

/* The same car with a tight box and a loose one. */
static GBytes *
draw_example_tight_box (void)
{
  const Rgb green = { 0x26 / 255.0, 0xa2 / 255.0, 0x69 / 255.0 };
  const Rgb red = { 0xe0 / 255.0, 0x1b / 255.0, 0x24 / 255.0 };
  const double dashes[] = { 8, 5 };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 480, 260);
  cairo_surface_t *mask;
  cairo_t *cr = cairo_create (surface);
  SceneObject car = {
    .type = OBJECT_CAR, .x = 110, .ground = 200, .scale = 1.5,
    .color = { 0.16, 0.36, 0.75 },
  };
  QuorumRect box;
  GBytes *png;

  cairo_set_source_rgb (cr, 0.76, 0.74, 0.70);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.33, 0.34, 0.36);
  cairo_rectangle (cr, 0, 60, 480, 170);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.95, 0.95, 0.90);
  for (double x = 10; x < 480; x += 70)
    cairo_rectangle (cr, x, 218, 40, 4);
  cairo_fill (cr);
  draw_object (cr, &car, FALSE);
  mask = draw_mask (&car, 480, 260);
  if (!mask_bounds (mask, &box))
    g_assert_not_reached ();
  cairo_surface_destroy (mask);

  cairo_set_line_width (cr, 3);
  cairo_set_source_rgb (cr, red.r, red.g, red.b);
  cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
  cairo_rectangle (cr, box.x0 - 22, box.y0 - 26, box.x1 - box.x0 + 58, box.y1 - box.y0 + 36);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_set_source_rgb (cr, green.r, green.g, green.b);
  cairo_rectangle (cr, box.x0 + 0.5, box.y0 + 0.5, box.x1 - box.x0 - 1, box.y1 - box.y0 - 1);
  cairo_stroke (cr);

  cairo_destroy (cr);
  png = surface_to_png (surface);
  cairo_surface_destroy (surface);
  return png;
}

GBytes *
quorum_demo_guide_image (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  if (g_str_equal (name, "example-stop-sign.png"))
    return draw_example_stop_sign ();
  if (g_str_equal (name, "example-tight-box.png"))
    return draw_example_tight_box ();
  return NULL;
}
