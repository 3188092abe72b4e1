/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-core"

#include <math.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "quorum-coco.h"
#include "quorum-error.h"
#include "quorum-track.h"
#include "quorum-wire-private.h"
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
  g_free (image->path);
  quorum_annotation_set_free (image->set);
  g_free (image);
}

/* ---- export ----------------------------------------------------------- */

/*
 * The document is written as compact text straight from the model, with no
 * tree of JSON nodes: a 10-minute video at 30 fps with 50 tracks is 900,000
 * annotations, and a tree of them would take several gigabytes and seconds
 * to build before the first byte is sent (bench/coco-video).
 */

/* Room for @n more bytes at the end of @out (its length unchanged): the
 * writers below fill it and advance the length themselves, which is what
 * makes a document of several hundred megabytes quick to write. The text
 * is NUL-terminated once whole (quorum_coco_export_append). */
static inline char *
reserve (GString *out,
         gsize    n)
{
  if (G_UNLIKELY (out->len + n + 1 > out->allocated_len))
    {
      gsize len = out->len;

      g_string_set_size (out, len + n);
      out->len = len;
    }
  return out->str + out->len;
}

static inline void
put (GString    *out,
     const char *data,
     gsize       n)
{
  memcpy (reserve (out, n), data, n);
  out->len += n;
}

static inline void
put_char (GString *out,
          char     c)
{
  *reserve (out, 1) = c;
  out->len++;
}

#define put_literal(out, literal) put ((out), "" literal, sizeof (literal) - 1)

/* @text's characters as a JSON string holds them, without the quotes. */
static void
append_escaped (GString    *out,
                const char *text)
{
  const char *run = text;

  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      char buffer[8];

      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
        continue;
      put (out, run, p - run);
      switch (c)
        {
        case '"':  put_literal (out, "\\\""); break;
        case '\\': put_literal (out, "\\\\"); break;
        case '\n': put_literal (out, "\\n"); break;
        case '\r': put_literal (out, "\\r"); break;
        case '\t': put_literal (out, "\\t"); break;
        default:
          g_snprintf (buffer, sizeof buffer, "\\u%04x", c);
          g_string_append (out, buffer);
          break;
        }
      run = p + 1;
    }
  put (out, run, strlen (run));
}

static void
append_string (GString    *out,
               const char *text)
{
  put_char (out, '"');
  append_escaped (out, text);
  put_char (out, '"');
}

static void
append_nullable_string (GString    *out,
                        const char *text)
{
  if (text == NULL)
    put_literal (out, "null");
  else
    append_string (out, text);
}

static void
append_integer (GString *out,
                gint64   value)
{
  char buffer[24];
  char *p = buffer + sizeof buffer;
  guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;

  do
    {
      *--p = (char) ('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude > 0);
  if (value < 0)
    *--p = '-';
  put (out, p, buffer + sizeof buffer - p);
}

static const char two_digits[201] =
  "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
  "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
  "8081828384858687888990919293949596979899";

/* @micro millionths, as a decimal with no trailing zeros: 12.5, -0.000001.
 * Two digits at a time: a long video has tens of millions of them. */
static void
append_micro (GString *out,
              gint64   micro)
{
  char *start = reserve (out, 24), *p = start;
  guint64 magnitude = micro < 0 ? -(guint64) micro : (guint64) micro;
  guint64 whole = magnitude / 1000000;
  guint32 fraction = (guint32) (magnitude % 1000000);
  char digits[20];
  char *d = digits + sizeof digits;

  if (micro < 0)
    *p++ = '-';
  while (whole >= 100)
    {
      d -= 2;
      memcpy (d, two_digits + 2 * (whole % 100), 2);
      whole /= 100;
    }
  if (whole >= 10)
    {
      d -= 2;
      memcpy (d, two_digits + 2 * whole, 2);
    }
  else
    *--d = (char) ('0' + whole);
  memcpy (p, d, digits + sizeof digits - d);
  p += digits + sizeof digits - d;
  if (fraction != 0)
    {
      *p++ = '.';
      memcpy (p, two_digits + 2 * (fraction / 10000), 2);
      memcpy (p + 2, two_digits + 2 * (fraction / 100 % 100), 2);
      memcpy (p + 4, two_digits + 2 * (fraction % 100), 2);
      p += 6;
      while (p[-1] == '0')
        p--;
    }
  out->len += p - start;
}

static inline gint64
round_to_integer (double value)
{
  return (gint64) (value >= 0 ? value + 0.5 : value - 0.5);
}

/* @value (1e-4 ≤ |value| < 1e15) with the 17 significant digits of
 * printf's "%.17g", which always read back as the same double, in plain
 * decimal notation with no trailing zeros — without printf's
 * arbitrary-precision machinery: @value is m / 2^s exactly, m × 10^k fits
 * 128 bits, and one shift with round-half-even gives the digits. FALSE
 * outside that range or without 128-bit integers. */
static gboolean
append_17_digits (GString *out,
                  double   value)
{
#ifdef __SIZEOF_INT128__
  static const guint64 power10[] = {
    G_GUINT64_CONSTANT (1), G_GUINT64_CONSTANT (10), G_GUINT64_CONSTANT (100),
    G_GUINT64_CONSTANT (1000), G_GUINT64_CONSTANT (10000), G_GUINT64_CONSTANT (100000),
    G_GUINT64_CONSTANT (1000000), G_GUINT64_CONSTANT (10000000),
    G_GUINT64_CONSTANT (100000000), G_GUINT64_CONSTANT (1000000000),
    G_GUINT64_CONSTANT (10000000000), G_GUINT64_CONSTANT (100000000000),
    G_GUINT64_CONSTANT (1000000000000), G_GUINT64_CONSTANT (10000000000000),
    G_GUINT64_CONSTANT (100000000000000), G_GUINT64_CONSTANT (1000000000000000),
    G_GUINT64_CONSTANT (10000000000000000), G_GUINT64_CONSTANT (100000000000000000),
    G_GUINT64_CONSTANT (1000000000000000000), G_GUINT64_CONSTANT (10000000000000000000),
  };
  double magnitude = fabs (value);
  guint64 mantissa, digits = 0;
  int binary_exponent, shift, integer_digits;
  char text[17], buffer[32];
  char *p = buffer;
  int last;

  if (!(magnitude >= 1e-4 && magnitude < 1e15))
    return FALSE;
  mantissa = (guint64) ldexp (frexp (magnitude, &binary_exponent), 53);
  shift = 53 - binary_exponent;   /* magnitude = mantissa / 2^shift, 3 ≤ shift ≤ 67 */
  integer_digits = (int) floor (log10 (magnitude)) + 1;
  for (int attempt = 0; attempt < 3; attempt++)
    {
      int k = 17 - integer_digits;   /* 2 ≤ k ≤ 21 */
      unsigned __int128 scaled, rest, half;

      if (k < 0 || k > 21)
        return FALSE;
      scaled = (unsigned __int128) mantissa * power10[MIN (k, 19)];
      if (k > 19)
        scaled *= power10[k - 19];
      rest = scaled & ((((unsigned __int128) 1) << shift) - 1);
      half = ((unsigned __int128) 1) << (shift - 1);
      digits = (guint64) (scaled >> shift);
      if (rest > half || (rest == half && (digits & 1)))
        digits++;
      if (digits < power10[16])
        integer_digits--;
      else if (digits >= power10[17])
        integer_digits++;
      else
        break;
    }
  if (digits < power10[16] || digits >= power10[17])
    return FALSE;
  for (int i = 16; i >= 0; i--)
    {
      text[i] = (char) ('0' + digits % 10);
      digits /= 10;
    }
  for (last = 16; last >= MAX (integer_digits, 1) && text[last] == '0'; last--)
    ;
  if (value < 0)
    *p++ = '-';
  if (integer_digits > 0)
    {
      memcpy (p, text, integer_digits);
      p += integer_digits;
      if (last >= integer_digits)
        {
          *p++ = '.';
          memcpy (p, text + integer_digits, last + 1 - integer_digits);
          p += last + 1 - integer_digits;
        }
    }
  else
    {
      *p++ = '0';
      *p++ = '.';
      for (int i = 0; i < -integer_digits; i++)
        *p++ = '0';
      memcpy (p, text, last + 1);
      p += last + 1;
    }
  put (out, buffer, p - buffer);
  return TRUE;
#else
  return FALSE;
#endif
}

/* A number that reads back as the same double. Drawn coordinates often
 * have a few decimals (10, 10.5, 10.1) and are written as such; others
 * with 17 significant digits. */
static void
append_number (GString *out,
               double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (fabs (value) < 1e9)
    {
      gint64 micro = round_to_integer (value * 1e6);

      if ((double) micro / 1e6 == value)
        {
          append_micro (out, micro);
          return;
        }
    }
  else if (value == floor (value) && fabs (value) < 1e15)
    {
      append_integer (out, (gint64) value);
      return;
    }
  if (append_17_digits (out, value))
    return;
  g_string_append (out, g_ascii_dtostr (buffer, sizeof buffer, value));
}

/* A derived number — an interpolated frame's coordinate, an area — to a
 * millionth of a pixel: exact enough for any use, and a third of the
 * size and a fraction of the time of 17 digits over a long video. */
static void
append_rounded (GString *out,
                double   value)
{
  if (fabs (value) < 1e9)
    append_micro (out, round_to_integer (value * 1e6));
  else
    append_number (out, value);
}

static void
append_boolean (GString  *out,
                gboolean  value)
{
  if (value)
    put_literal (out, "true");
  else
    put_literal (out, "false");
}

static double
ring_area (const QuorumPoint *points,
           guint              n_points)
{
  double sum = 0;

  for (guint i = 0, j = n_points - 1; i < n_points; j = i++)
    sum += points[j].x * points[i].y - points[i].x * points[j].y;
  return fabs (sum) / 2;
}

/* What one annotation says: a stored instance (@points its own) or a
 * frame interpolated between two (@stored the anchor before it, @points
 * the interpolated geometry). */
typedef struct {
  const QuorumInstance *stored;
  const char           *id;
  const QuorumPoint    *points;
  guint                 n_points;
  guint                 frame;
  gboolean              interpolated;
} Annotation;

static void
append_annotation (GString          *out,
                   const Annotation *annotation,
                   gint64            id,
                   gint64            image_id,
                   gint64            category_id,
                   gint64            track_number)
{
  const QuorumInstance *instance = annotation->stored;
  QuorumInstance shape = { .kind = instance->kind, .points = (QuorumPoint *) annotation->points,
                           .n_points = annotation->n_points };
  /* stored geometry exactly, so that it imports as it was drawn */
  void (*number) (GString *, double) = annotation->interpolated ? append_rounded : append_number;
  QuorumRect bounds;
  double area = 0;

  quorum_instance_bounds (&shape, &bounds);
  if (instance->kind == QUORUM_KIND_BOX)
    area = (bounds.x1 - bounds.x0) * (bounds.y1 - bounds.y0);
  else if (instance->kind == QUORUM_KIND_POLYGON)
    area = ring_area (annotation->points, annotation->n_points);

  put_literal (out, "{\"id\":");
  append_integer (out, id);
  put_literal (out, ",\"image_id\":");
  append_integer (out, image_id);
  put_literal (out, ",\"category_id\":");
  append_integer (out, category_id);
  put_literal (out, ",\"bbox\":[");
  number (out, bounds.x0);
  put_char (out, ',');
  number (out, bounds.y0);
  put_char (out, ',');
  number (out, bounds.x1 - bounds.x0);
  put_char (out, ',');
  number (out, bounds.y1 - bounds.y0);
  put_literal (out, "],\"segmentation\":[");
  if (instance->kind == QUORUM_KIND_POLYGON)
    {
      put_char (out, '[');
      for (guint i = 0; i < annotation->n_points; i++)
        {
          if (i > 0)
            put_char (out, ',');
          number (out, annotation->points[i].x);
          put_char (out, ',');
          number (out, annotation->points[i].y);
        }
      put_char (out, ']');
    }
  put_literal (out, "],\"area\":");
  append_rounded (out, area);
  put_literal (out, ",\"iscrowd\":0,\"attributes\":");
  if (json_object_get_size (instance->attributes) == 0)
    put_literal (out, "{}");
  else
    {
      g_autoptr(JsonNode) attributes = json_node_init_object (json_node_alloc (), instance->attributes);

      _quorum_wire_append_node (out, attributes);
    }
  /* COCO-VID's track number, for tools that read tracks from it. */
  if (track_number > 0)
    {
      put_literal (out, ",\"instance_id\":");
      append_integer (out, track_number);
    }

  put_literal (out, ",\"quorum\":{\"uuid\":");
  if (annotation->interpolated)
    {
      /* as quorum_track_instance_at names it: TRACK@FRAME */
      put_char (out, '"');
      append_escaped (out, instance->track_id);
      put_char (out, '@');
      append_integer (out, annotation->frame);
      put_char (out, '"');
    }
  else
    append_string (out, annotation->id);
  put_literal (out, ",\"kind\":\"");
  g_string_append (out, quorum_kind_to_string (instance->kind));
  put_literal (out, "\",\"frame\":");
  append_integer (out, annotation->frame);
  put_literal (out, ",\"track_id\":");
  append_nullable_string (out, instance->track_id);
  put_literal (out, ",\"keyframe\":");
  append_boolean (out, !annotation->interpolated && instance->keyframe);
  put_literal (out, ",\"interpolated\":");
  append_boolean (out, annotation->interpolated);
  put_literal (out, ",\"occluded\":");
  append_boolean (out, instance->occluded);
  put_literal (out, ",\"author\":");
  append_nullable_string (out, instance->author);
  put_literal (out, ",\"copied_from\":");
  append_nullable_string (out, annotation->interpolated ? NULL : instance->copied_from);
  /* A polygon's points are its segmentation ring already; a box keeps its
   * exact corners (x + w need not give back x1), the other kinds their
   * only geometry. */
  if (instance->kind != QUORUM_KIND_POLYGON)
    {
      put_literal (out, ",\"points\":[");
      for (guint i = 0; i < annotation->n_points; i++)
        {
          if (i > 0)
            put_char (out, ',');
          put_char (out, '[');
          number (out, annotation->points[i].x);
          put_char (out, ',');
          number (out, annotation->points[i].y);
          put_char (out, ']');
        }
      put_char (out, ']');
    }
  put_literal (out, "}}");
}

/* Whether @image is a video: exported one entry per frame. */
static gboolean
is_video (const QuorumCocoImage *image)
{
  return image->set->file.frames > 1 || image->set->file.fps > 0;
}

/* How many frames a video's entries cover: its own count, or more when an
 * instance lies beyond it (never dropped silently). */
static guint
video_frames (const QuorumCocoImage *image)
{
  guint frames = MAX (image->set->file.frames, 1);

  for (guint k = 0; k < image->set->instances->len; k++)
    {
      const QuorumInstance *instance = g_ptr_array_index (image->set->instances, k);

      frames = MAX (frames, instance->frame + 1);
    }
  return frames;
}

/* Whether the videos' file ids can be their ids in the document: all
 * known and distinct. Else every video is numbered by its position in
 * @images, counted from 1, so that no two share an id. */
static gboolean
file_ids_usable (GPtrArray *images)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, NULL);

  for (guint i = 0; i < images->len; i++)
    {
      QuorumCocoImage *image = g_ptr_array_index (images, i);

      if (!is_video (image))
        continue;
      if (image->file_id <= 0 || !g_hash_table_add (seen, &image->file_id))
        return FALSE;
    }
  return TRUE;
}

static gint64
video_id (const QuorumCocoImage *image,
          guint                  position,
          gboolean               file_ids)
{
  return file_ids ? image->file_id : (gint64) position + 1;
}

typedef struct {
  GString    *out;
  GHashTable *category_ids;   /* label → id */
  gint64      annotation_id;
  gint64      track_number;
  gboolean    first;
  gboolean    drawn_only;     /* no interpolated frames */
} Writer;

static void
write_annotation (Writer           *writer,
                  const Annotation *annotation,
                  gint64            image_id,
                  gint64            track_number)
{
  gint64 category = GPOINTER_TO_SIZE (g_hash_table_lookup (writer->category_ids,
                                                           annotation->stored->label));

  if (!writer->first)
    put_char (writer->out, ',');
  writer->first = FALSE;
  append_annotation (writer->out, annotation, ++writer->annotation_id, image_id, category,
                     track_number);
}

static int
compare_frames (gconstpointer a,
                gconstpointer b)
{
  const QuorumInstance *x = *(const QuorumInstance **) a;
  const QuorumInstance *y = *(const QuorumInstance **) b;

  return x->frame < y->frame ? -1 : x->frame > y->frame;
}

static int
compare_tracks (gconstpointer a,
                gconstpointer b)
{
  const QuorumTrack *x = *(const QuorumTrack **) a;
  const QuorumTrack *y = *(const QuorumTrack **) b;

  if (x->first != y->first)
    return x->first < y->first ? -1 : 1;
  return strcmp (x->id, y->id);
}

/* Every frame of a video, from its first image id: on each, what the app
 * shows there — each present track's stored or interpolated instance, the
 * tracks in order of their first frame then of their ids (so that the
 * document does not depend on the order the instances are kept in), then
 * the untracked instances of that frame. */
static void
write_video_annotations (Writer                *writer,
                         const QuorumCocoImage *image,
                         gint64                 first_image_id)
{
  GPtrArray *instances = image->set->instances;
  QuorumTrackIndex *index = quorum_track_index_new (instances);
  guint n_tracks = quorum_track_index_get_n_tracks (index);
  g_autoptr(GPtrArray) tracks = g_ptr_array_sized_new (n_tracks);
  g_autoptr(GPtrArray) untracked = g_ptr_array_new ();
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  guint frames = video_frames (image);
  guint next_untracked = 0;

  for (guint k = 0; k < instances->len; k++)
    {
      QuorumInstance *instance = g_ptr_array_index (instances, k);

      if (instance->track_id == NULL)
        g_ptr_array_add (untracked, instance);
    }
  /* stable: the instances of one frame keep their order */
  g_ptr_array_sort (untracked, compare_frames);
  for (guint t = 0; t < n_tracks; t++)
    g_ptr_array_add (tracks, (gpointer) quorum_track_index_get_track (index, t));
  g_ptr_array_sort (tracks, compare_tracks);

  for (guint frame = 0; frame < frames; frame++)
    {
      for (guint t = 0; t < n_tracks; t++)
        {
          const QuorumTrack *track = g_ptr_array_index (tracks, t);
          const QuorumInstance *a, *b;
          Annotation annotation = { .frame = frame };

          if (frame < track->first || frame > track->last)
            continue;
          switch (quorum_track_state_at (track, frame, &a, &b, NULL))
            {
            case QUORUM_TRACK_ABSENT:
              continue;
            case QUORUM_TRACK_KEYFRAME:
            case QUORUM_TRACK_PROPOSED:
              annotation.stored = a;
              annotation.id = a->id;
              annotation.points = a->points;
              annotation.n_points = a->n_points;
              break;
            case QUORUM_TRACK_INTERPOLATED:
            default:
              if (writer->drawn_only || !quorum_track_points_at (track, frame, points))
                continue;
              annotation.stored = a;
              annotation.points = (const QuorumPoint *) points->data;
              annotation.n_points = points->len;
              annotation.interpolated = TRUE;
              break;
            }
          write_annotation (writer, &annotation, first_image_id + frame, writer->track_number + t + 1);
        }
      for (; next_untracked < untracked->len; next_untracked++)
        {
          const QuorumInstance *instance = g_ptr_array_index (untracked, next_untracked);
          Annotation annotation = { instance, instance->id, instance->points, instance->n_points,
                                    instance->frame, FALSE };

          if (instance->frame != frame)
            break;
          write_annotation (writer, &annotation, first_image_id + frame, 0);
        }
    }
  writer->track_number += n_tracks;
  quorum_track_index_free (index);
}

/* About how many bytes @image's entries and annotations take, to size the
 * text once rather than copy it as it doubles: each track on every frame
 * of its span (@drawn_only: on its stored frames), each untracked instance
 * once. */
static gsize
estimate_size (const QuorumCocoImage *image,
               gboolean               drawn_only)
{
  GPtrArray *instances = image->set->instances;
  gsize size = 128;

  if (!is_video (image))
    {
      for (guint k = 0; k < instances->len; k++)
        size += 320 + 24 * ((QuorumInstance *) g_ptr_array_index (instances, k))->n_points;
      return size;
    }
  {
    QuorumTrackIndex *index = quorum_track_index_new (instances);

    size += (gsize) 96 * video_frames (image);
    for (guint t = 0; t < quorum_track_index_get_n_tracks (index); t++)
      {
        const QuorumTrack *track = quorum_track_index_get_track (index, t);
        const QuorumInstance *first = g_ptr_array_index (track->stored, 0);
        gsize frames = drawn_only ? track->stored->len : track->last - track->first + 1;

        size += frames * (420 + 24 * first->n_points);
      }
    for (guint k = 0; k < instances->len; k++)
      {
        const QuorumInstance *instance = g_ptr_array_index (instances, k);

        if (instance->track_id == NULL)
          size += 320 + 24 * instance->n_points;
      }
    quorum_track_index_free (index);
  }
  return size;
}

gsize
quorum_coco_export_estimate (GPtrArray             *images,
                             QuorumCocoExportFlags  flags)
{
  gsize estimate = 0;

  for (guint i = 0; i < images->len; i++)
    estimate += estimate_size (g_ptr_array_index (images, i), flags & QUORUM_COCO_EXPORT_DRAWN_ONLY);
  return estimate;
}

static void
add_category (GPtrArray  *names,
              GHashTable *ids,
              const char *name)
{
  if (g_hash_table_contains (ids, name))
    return;
  g_ptr_array_add (names, (gpointer) name);
  g_hash_table_insert (ids, (gpointer) name, GSIZE_TO_POINTER (names->len));
}

typedef struct {
  guint       frame;
  guint       group;   /* 0 a track, 1 an untracked instance: tracks come first on a frame */
  guint       rank;
  const char *label;
} FirstUse;

static int
compare_first_uses (gconstpointer a,
                    gconstpointer b)
{
  const FirstUse *x = a, *y = b;

  if (x->frame != y->frame)
    return x->frame < y->frame ? -1 : 1;
  if (x->group != y->group)
    return x->group < y->group ? -1 : 1;
  return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* A video's labels in the order write_video_annotations first writes them,
 * without writing: each track from the first frame that shows it, in the
 * order of the tracks on a frame, then each untracked instance. Counted in
 * the order of the instances instead, a video whose instances were kept in
 * another order than frame by frame (as drawn, or as a document gave them)
 * would number its categories otherwise once imported again (found by
 * fuzzing). Labels no annotation shows (a track of outside markers only)
 * come last, in the order of the instances. */
static void
add_video_categories (GPtrArray             *names,
                      GHashTable            *ids,
                      const QuorumCocoImage *image)
{
  GPtrArray *instances = image->set->instances;
  QuorumTrackIndex *index = quorum_track_index_new (instances);
  guint n_tracks = quorum_track_index_get_n_tracks (index);
  g_autoptr(GPtrArray) tracks = g_ptr_array_sized_new (n_tracks);
  g_autoptr(GPtrArray) untracked = g_ptr_array_new ();
  g_autoptr(GArray) uses = g_array_new (FALSE, FALSE, sizeof (FirstUse));

  for (guint k = 0; k < instances->len; k++)
    {
      QuorumInstance *instance = g_ptr_array_index (instances, k);

      if (instance->track_id == NULL)
        g_ptr_array_add (untracked, instance);
    }
  g_ptr_array_sort (untracked, compare_frames);
  for (guint t = 0; t < n_tracks; t++)
    g_ptr_array_add (tracks, (gpointer) quorum_track_index_get_track (index, t));
  g_ptr_array_sort (tracks, compare_tracks);

  for (guint t = 0; t < n_tracks; t++)
    {
      const QuorumTrack *track = g_ptr_array_index (tracks, t);

      for (guint frame = track->first; frame <= track->last; frame++)
        {
          const QuorumInstance *a, *b;

          if (quorum_track_state_at (track, frame, &a, &b, NULL) != QUORUM_TRACK_ABSENT)
            {
              FirstUse use = { frame, 0, t, track->label };

              g_array_append_val (uses, use);
              break;
            }
        }
    }
  for (guint k = 0; k < untracked->len; k++)
    {
      const QuorumInstance *instance = g_ptr_array_index (untracked, k);
      FirstUse use = { instance->frame, 1, k, instance->label };

      g_array_append_val (uses, use);
    }
  g_array_sort (uses, compare_first_uses);
  for (guint i = 0; i < uses->len; i++)
    add_category (names, ids, g_array_index (uses, FirstUse, i).label);
  for (guint k = 0; k < instances->len; k++)
    add_category (names, ids, ((QuorumInstance *) g_ptr_array_index (instances, k))->label);
  quorum_track_index_free (index);
}

/* A long video's document is hundreds of megabytes written once, front to
 * back: faulted in 4 KiB at a time, its fresh pages cost a third of the
 * export's time (150,000 faults for 600 MB). Asked for 2 MiB pages, the
 * kernel faults them 512 times less often where it has them; nothing
 * changes where it has not. */
static void
advise_huge_pages (GString *out)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const gsize huge = 2 << 20;
  guintptr start = GPOINTER_TO_SIZE (out->str + out->len);
  guintptr end = GPOINTER_TO_SIZE (out->str + out->allocated_len);

  start = (start + huge - 1) & ~(guintptr) (huge - 1);
  end &= ~(guintptr) (huge - 1);
  if (end > start && end - start >= 16 * huge)
    madvise (GSIZE_TO_POINTER (start), end - start, MADV_HUGEPAGE);
#else
  (void) out;
#endif
}

void
quorum_coco_export_append (GString                 *out,
                           GPtrArray               *images,
                           const QuorumLabelSchema *schema,
                           QuorumCocoExportFlags    flags)
{
  g_autoptr(GHashTable) category_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) category_names = g_ptr_array_new ();
  g_autoptr(GArray) first_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), images->len);
  gboolean drawn_only = (flags & QUORUM_COCO_EXPORT_DRAWN_ONLY) != 0;
  Writer writer = { out, category_ids, 0, 0, TRUE, drawn_only };
  gboolean any_video = FALSE, file_ids = file_ids_usable (images);
  gint64 image_id = 0;
  gsize estimate = 1024;

  /* Categories: the schema's labels in order, then any label the sets use
   * that the schema lacks, in the order the annotations first use them. */
  if (schema != NULL)
    for (guint i = 0; i < schema->labels->len; i++)
      add_category (category_names, category_ids, ((QuorumLabel *) g_ptr_array_index (schema->labels, i))->name);
  for (guint i = 0; i < images->len; i++)
    {
      const QuorumCocoImage *image = g_ptr_array_index (images, i);

      if (is_video (image))
        add_video_categories (category_names, category_ids, image);
      else
        for (guint k = 0; k < image->set->instances->len; k++)
          add_category (category_names, category_ids,
                        ((QuorumInstance *) g_ptr_array_index (image->set->instances, k))->label);
      any_video |= is_video (image);
      estimate += estimate_size (image, drawn_only);
    }
  reserve (out, estimate);
  advise_huge_pages (out);

  put_literal (out, "{\"info\":{\"description\":\"Exported from Quorum\"");
  /* Said in the document, so that a reader does not take the gaps between
   * a video's keyframes for frames without the object. */
  if (drawn_only)
    put_literal (out, ",\"quorum\":{\"interpolated\":false}");
  put_char (out, '}');

  /* Videos as COCO-VID has them; each frame is an image below. The
   * outside markers that end a track are no annotation (nothing is in
   * view there) but the track needs them back: they ride here. */
  if (any_video)
    {
      gboolean first = TRUE;

      put_literal (out, ",\"videos\":[");
      for (guint i = 0; i < images->len; i++)
        {
          const QuorumCocoImage *image = g_ptr_array_index (images, i);
          gboolean first_outside = TRUE;

          if (!is_video (image))
            continue;
          if (!first)
            put_char (out, ',');
          first = FALSE;
          put_literal (out, "{\"id\":");
          append_integer (out, video_id (image, i, file_ids));
          put_literal (out, ",\"name\":");
          append_string (out, image->file_name);
          put_literal (out, ",\"width\":");
          append_integer (out, image->set->file.width);
          put_literal (out, ",\"height\":");
          append_integer (out, image->set->file.height);
          put_literal (out, ",\"frames\":");
          append_integer (out, video_frames (image));
          put_literal (out, ",\"fps\":");
          append_number (out, image->set->file.fps);
          put_literal (out, ",\"quorum\":{\"outside\":[");
          for (guint k = 0; k < image->set->instances->len; k++)
            {
              const QuorumInstance *instance = g_ptr_array_index (image->set->instances, k);

              if (!instance->outside)
                continue;
              if (!first_outside)
                put_char (out, ',');
              first_outside = FALSE;
              quorum_wire_append_instance (out, instance);
            }
          put_literal (out, "]}}");
        }
      put_char (out, ']');
    }

  put_literal (out, ",\"images\":[");
  for (guint i = 0; i < images->len; i++)
    {
      const QuorumCocoImage *image = g_ptr_array_index (images, i);
      gint64 first_id = image_id + 1;

      g_array_append_val (first_ids, first_id);
      if (!is_video (image))
        {
          if (image_id > 0)
            put_char (out, ',');
          put_literal (out, "{\"id\":");
          append_integer (out, ++image_id);
          put_literal (out, ",\"file_name\":");
          append_string (out, image->file_name);
          put_literal (out, ",\"width\":");
          append_integer (out, image->set->file.width);
          put_literal (out, ",\"height\":");
          append_integer (out, image->set->file.height);
          put_char (out, '}');
          continue;
        }
      for (guint frame = 0, frames = video_frames (image); frame < frames; frame++)
        {
          g_autofree char *name = g_strdup_printf ("%s#frame=%u", image->file_name, frame);

          if (image_id > 0)
            put_char (out, ',');
          put_literal (out, "{\"id\":");
          append_integer (out, ++image_id);
          put_literal (out, ",\"file_name\":");
          append_string (out, name);
          put_literal (out, ",\"width\":");
          append_integer (out, image->set->file.width);
          put_literal (out, ",\"height\":");
          append_integer (out, image->set->file.height);
          put_literal (out, ",\"video_id\":");
          append_integer (out, video_id (image, i, file_ids));
          put_literal (out, ",\"frame_id\":");
          append_integer (out, frame);
          put_char (out, '}');
        }
    }
  put_char (out, ']');

  put_literal (out, ",\"categories\":[");
  for (guint i = 0; i < category_names->len; i++)
    {
      if (i > 0)
        put_char (out, ',');
      put_literal (out, "{\"id\":");
      append_integer (out, i + 1);
      put_literal (out, ",\"name\":");
      append_string (out, g_ptr_array_index (category_names, i));
      put_literal (out, ",\"supercategory\":\"\"}");
    }
  put_char (out, ']');

  put_literal (out, ",\"annotations\":[");
  for (guint i = 0; i < images->len; i++)
    {
      const QuorumCocoImage *image = g_ptr_array_index (images, i);
      gint64 first_id = g_array_index (first_ids, gint64, i);

      if (is_video (image))
        {
          write_video_annotations (&writer, image, first_id);
          continue;
        }
      for (guint k = 0; k < image->set->instances->len; k++)
        {
          const QuorumInstance *instance = g_ptr_array_index (image->set->instances, k);
          Annotation annotation = { instance, instance->id, instance->points, instance->n_points,
                                    instance->frame, FALSE };

          write_annotation (&writer, &annotation, first_id, 0);
        }
    }
  put_literal (out, "]}");
  *reserve (out, 0) = '\0';
}

char *
quorum_coco_export_to_string (GPtrArray               *images,
                              const QuorumLabelSchema *schema,
                              QuorumCocoExportFlags    flags,
                              gsize                   *length)
{
  GString *out = g_string_sized_new (4096);

  quorum_coco_export_append (out, images, schema, flags);
  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

JsonNode *
quorum_coco_export (GPtrArray               *images,
                    const QuorumLabelSchema *schema)
{
  gsize length;
  g_autofree char *text = quorum_coco_export_to_string (images, schema, QUORUM_COCO_EXPORT_DEFAULT, &length);
  g_autoptr(GError) error = NULL;
  JsonNode *root = quorum_wire_parse_bytes (text, length, &error);

  /* The writer's own output: failing to read it back is a bug here. */
  if (root == NULL)
    g_error ("the COCO export does not read back: %s", error->message);
  return root;
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

/* An entry of "images": an image, or one frame of a video. */
typedef struct {
  QuorumCocoImage *image;
  guint            frames;
  gint64           frame;     /* the video frame it is, -1 for an image */
  GPtrArray       *paths;     /* of char *: where each instance of the image comes from */
} ImageEntry;

static void
image_entry_free (ImageEntry *image)
{
  g_clear_pointer (&image->paths, g_ptr_array_unref);
  g_free (image);
}

/* An entry of "videos", filled by its frames' image entries. */
typedef struct {
  QuorumCocoImage *image;
  gint64           id;
  gint64           frames;    /* as "frames" says, 0 when it does not */
  gint64           last;      /* the last frame an image entry names, -1 for none */
  gboolean         sized;     /* width and height known */
  gboolean         placed;    /* in the result */
  GHashTable      *seen;      /* the frames named, guint */
  JsonNode        *outside;   /* quorum.outside, borrowed */
  GPtrArray       *paths;     /* of char *: where each stored instance comes from */
} VideoEntry;

static void
video_entry_free (VideoEntry *video)
{
  /* until placed in the result, the entry owns its image */
  if (!video->placed)
    quorum_coco_image_free (video->image);
  g_hash_table_unref (video->seen);
  g_ptr_array_unref (video->paths);
  g_free (video);
}

static gboolean
optional_boolean (JsonObject *object,
                  const char *member,
                  const char *path,
                  gboolean    fallback,
                  gboolean   *value,
                  GError    **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *value = fallback;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_autofree char *where = g_strdup_printf ("%s.%s", path, member);
      return fail (error, where, "must be true or false");
    }
  *value = json_node_get_boolean (node);
  return TRUE;
}

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
  gboolean keyframe = TRUE, interpolated = FALSE, occluded = FALSE, outside = FALSE;
  gboolean ok = TRUE;
  double bbox[4] = { 0 };
  gboolean has_bbox = FALSE;
  g_autoptr(GPtrArray) rings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autoptr(GArray) extra_points = g_array_new (FALSE, FALSE, sizeof (QuorumPoint));
  g_autofree char *coco_track = NULL;

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
  frame = MAX (image->frame, 0);
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
  /* COCO-VID follows an object over a video's frames by instance_id: with
   * no quorum member to say more, each is a track of keyframes. */
  if (extra == NULL && image->frame >= 0 && json_object_has_member (object, "instance_id"))
    {
      gint64 instance_id = 0;

      if (!member_integer (object, "instance_id", path, G_MININT64, G_MAXINT64, TRUE, &instance_id, error))
        return FALSE;
      coco_track = g_strdup_printf ("coco-track-%" G_GINT64_FORMAT, instance_id);
      track_id = coco_track;
    }
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
      if (image->frame >= 0 && frame != image->frame)
        {
          g_autofree char *frame_path = g_strdup_printf ("%s.frame", where);
          return fail (error, frame_path, "%" G_GINT64_FORMAT ", but its image is frame %" G_GINT64_FORMAT
                       " of “%s”", frame, image->frame, image->image->file_name);
        }
      if (!optional_boolean (quorum, "keyframe", where, TRUE, &keyframe, error) ||
          !optional_boolean (quorum, "interpolated", where, FALSE, &interpolated, error) ||
          !optional_boolean (quorum, "occluded", where, FALSE, &occluded, error) ||
          !optional_boolean (quorum, "outside", where, FALSE, &outside, error))
        return FALSE;
      if (track_id == NULL && (!keyframe || interpolated || outside))
        {
          g_autofree char *flag_path = g_strdup_printf ("%s.%s", where, !keyframe ? "keyframe"
                                                        : interpolated ? "interpolated" : "outside");
          return fail (error, flag_path, "%s only on a frame of a track; track_id is null",
                       !keyframe ? "false" : "true");
        }
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
      if (!interpolated && !g_hash_table_add (instance_ids, g_strdup (id_text)))
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
      instance->keyframe = keyframe && !interpolated;
      instance->outside = outside;
      instance->occluded = occluded;
      if (!quorum_instance_check (instance, &local_error))
        {
          g_autofree char *where = g_strdup_printf ("%s.%s", path,
                                                    kind == QUORUM_KIND_POLYGON ? "segmentation"
                                                    : kind == QUORUM_KIND_BOX ? "bbox"
                                                    : "quorum");
          return fail (error, where, "%s", local_error->message);
        }
      /* Checked as any other, but derived again from its anchors rather
       * than stored: an interpolated frame is no keyframe. */
      if (!interpolated)
        {
          quorum_annotation_set_add (image->image->set, g_steal_pointer (&instance));
          g_ptr_array_add (image->paths, g_strdup (path));
        }
    }
  return TRUE;
}

/* "videos", as COCO-VID has them: each becomes one image of the result,
 * its frames' image entries name it by "video_id". */
static gboolean
read_videos (JsonObject  *object,
             GHashTable  *videos,
             GPtrArray   *order,
             GError     **error)
{
  JsonArray *array;

  if (!json_object_has_member (object, "videos"))
    return TRUE;
  if ((array = member_array (object, "videos", "", error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("videos[%u]", i);
      JsonObject *entry = element_object (array, i, path, error);
      gint64 id = 0, width = 0, height = 0, frames = 0;
      double fps = 0;
      const char *name;
      JsonNode *extra;
      QuorumFileInfo file = { 0 };
      VideoEntry *video;

      if (entry == NULL ||
          !member_integer (entry, "id", path, G_MININT64, G_MAXINT64, TRUE, &id, error) ||
          (name = member_string (entry, "name", path, error)) == NULL ||
          !member_integer (entry, "width", path, 1, QUORUM_WIRE_MAX_SIZE, FALSE, &width, error) ||
          !member_integer (entry, "height", path, 1, QUORUM_WIRE_MAX_SIZE, FALSE, &height, error) ||
          !member_integer (entry, "frames", path, 1, QUORUM_COCO_MAX_FRAMES, FALSE, &frames, error))
        return FALSE;
      if (json_object_has_member (entry, "fps"))
        {
          g_autofree char *where = g_strdup_printf ("%s.fps", path);

          if (!node_number_within (json_object_get_member (entry, "fps"), where, 1e6, &fps, error))
            return FALSE;
          if (fps < 0)
            return fail (error, where, "must not be negative");
        }
      if ((width == 0) != (height == 0))
        {
          g_autofree char *where = g_strdup_printf ("%s.%s", path, width == 0 ? "width" : "height");
          return fail (error, where, "is missing");
        }
      if (g_hash_table_contains (videos, &id))
        {
          g_autofree char *where = g_strdup_printf ("%s.id", path);
          return fail (error, where, "video %" G_GINT64_FORMAT " appears twice", id);
        }
      file = (QuorumFileInfo) { (guint) width, (guint) height, (guint) MAX (frames, 1), fps };
      video = g_new0 (VideoEntry, 1);
      video->image = g_new0 (QuorumCocoImage, 1);
      video->image->file_name = g_strdup (name);
      video->image->file_id = id;
      video->image->path = g_strdup (path);
      video->image->set = quorum_annotation_set_new (NULL, &file);
      video->id = id;
      video->frames = frames;
      video->last = -1;
      video->sized = width > 0;
      video->seen = g_hash_table_new (g_direct_hash, g_direct_equal);
      video->paths = g_ptr_array_new_with_free_func (g_free);
      extra = json_object_get_member (entry, "quorum");
      if (extra != NULL && !JSON_NODE_HOLDS_NULL (extra))
        {
          g_autofree char *where = g_strdup_printf ("%s.quorum", path);

          if (!JSON_NODE_HOLDS_OBJECT (extra))
            {
              video_entry_free (video);
              return fail (error, where, "must be an object");
            }
          video->outside = json_object_get_member (json_node_get_object (extra), "outside");
        }
      g_ptr_array_add (order, video);
      g_hash_table_insert (videos, g_memdup2 (&id, sizeof id), video);
    }
  return TRUE;
}

/* An image entry that is a frame of a video: checked against the video,
 * which takes its place in the result at its first frame. */
static gboolean
read_frame_entry (JsonObject  *entry,
                  const char  *path,
                  GHashTable  *videos,
                  gint64       width,
                  gint64       height,
                  GPtrArray   *result,
                  ImageEntry  *image,
                  GError     **error)
{
  gint64 video_id = 0, frame = 0;
  VideoEntry *video;
  QuorumFileInfo *file;

  if (!member_integer (entry, "video_id", path, G_MININT64, G_MAXINT64, TRUE, &video_id, error) ||
      !member_integer (entry, "frame_id", path, 0, QUORUM_COCO_MAX_FRAMES - 1, TRUE, &frame, error))
    return FALSE;
  if ((video = g_hash_table_lookup (videos, &video_id)) == NULL)
    {
      g_autofree char *where = g_strdup_printf ("%s.video_id", path);
      return fail (error, where, "no video %" G_GINT64_FORMAT " in videos", video_id);
    }
  file = &video->image->set->file;
  if (video->frames > 0 && frame >= video->frames)
    {
      g_autofree char *where = g_strdup_printf ("%s.frame_id", path);
      return fail (error, where, "“%s” has %" G_GINT64_FORMAT " frames, counted from 0",
                   video->image->file_name, video->frames);
    }
  if (!g_hash_table_add (video->seen, GINT_TO_POINTER ((gint) frame)))
    {
      g_autofree char *where = g_strdup_printf ("%s.frame_id", path);
      return fail (error, where, "frame %" G_GINT64_FORMAT " of video %" G_GINT64_FORMAT " appears twice",
                   frame, video_id);
    }
  if (!video->sized)
    {
      file->width = (guint) width;
      file->height = (guint) height;
      video->sized = TRUE;
    }
  else if (width != file->width || height != file->height)
    {
      g_autofree char *where = g_strdup_printf ("%s.width", path);
      return fail (error, where, "a frame of “%s” is %" G_GINT64_FORMAT "×%" G_GINT64_FORMAT
                   ", not %u×%u like its video", video->image->file_name, width, height,
                   file->width, file->height);
    }
  video->last = MAX (video->last, frame);
  if (!video->placed)
    {
      g_ptr_array_add (result, video->image);
      video->placed = TRUE;
    }
  image->image = video->image;
  image->paths = g_ptr_array_ref (video->paths);
  image->frame = frame;
  image->frames = (guint) (video->frames > 0 ? video->frames : QUORUM_COCO_MAX_FRAMES);
  return TRUE;
}

/* @message of quorum_tracks_check with each "instances[N]" replaced by
 * where that instance is in the document. */
static char *
name_instances (const char *message,
                GPtrArray  *paths)
{
  GString *named = g_string_new (NULL);
  const char *p = message, *found;

  while ((found = strstr (p, "instances[")) != NULL)
    {
      char *end;
      guint64 n = g_ascii_strtoull (found + strlen ("instances["), &end, 10);

      g_string_append_len (named, p, found - p);
      if (*end == ']' && n < paths->len)
        g_string_append (named, g_ptr_array_index (paths, n));
      else
        g_string_append_len (named, found, end + (*end == ']') - found);
      p = end + (*end == ']');
    }
  g_string_append (named, p);
  return g_string_free (named, FALSE);
}

/* A video's outside markers ("quorum": {"outside": […]}, Quorum instances
 * as formats.md writes them) join its stored instances; then its tracks
 * must keep the rules of quorum-track.h. */
static gboolean
finish_video (VideoEntry  *video,
              GHashTable  *instance_ids,
              GError     **error)
{
  QuorumAnnotationSet *set = video->image->set;
  g_autoptr(GError) local_error = NULL;

  if (video->outside != NULL)
    {
      g_autofree char *where = g_strdup_printf ("%s.quorum.outside", video->image->path);
      g_autoptr(GPtrArray) markers = quorum_wire_read_instances (video->outside, NULL, where, error);

      if (markers == NULL)
        return FALSE;
      for (guint k = 0; k < markers->len; k++)
        {
          QuorumInstance *marker = g_ptr_array_index (markers, k);
          g_autofree char *marker_path = g_strdup_printf ("%s[%u]", where, k);

          if (marker->track_id == NULL)
            return fail (error, marker_path, "an outside marker ends a track; its track_id is null");
          /* what the list is; the member may be left out */
          marker->outside = TRUE;
          if (marker->frame >= set->file.frames)
            return fail (error, marker_path, "frame %u is beyond the %u frames of “%s”", marker->frame,
                         set->file.frames, video->image->file_name);
          if (!g_hash_table_add (instance_ids, g_strdup (marker->id)))
            return fail (error, marker_path, "instance “%s” appears twice", marker->id);
          g_ptr_array_add (video->paths, g_strdup (marker_path));
        }
      while (markers->len > 0)
        quorum_annotation_set_add (set, g_ptr_array_steal_index (markers, 0));
    }
  if (!quorum_tracks_check (set->instances, set->file.frames, &local_error))
    {
      g_autofree char *message = name_instances (local_error->message, video->paths);

      g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, message);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
quorum_coco_import (JsonNode  *root,
                    GError   **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_coco_image_free);
  g_autoptr(GHashTable) images = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                        (GDestroyNotify) image_entry_free);
  g_autoptr(GPtrArray) plain = g_ptr_array_new ();   /* the ImageEntry of each image, in order */
  g_autoptr(GHashTable) videos = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GPtrArray) video_order = g_ptr_array_new_with_free_func ((GDestroyNotify) video_entry_free);
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
  if (!read_videos (object, videos, video_order, error))
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
          !member_integer (entry, "frames", path, 1, QUORUM_COCO_MAX_FRAMES, FALSE, &frames, error))
        return NULL;
      if (g_hash_table_contains (images, &id))
        {
          g_autofree char *where = g_strdup_printf ("%s.id", path);
          fail (error, where, "image %" G_GINT64_FORMAT " appears twice", id);
          return NULL;
        }
      image = g_new0 (ImageEntry, 1);
      g_hash_table_insert (images, g_memdup2 (&id, sizeof id), image);
      if (json_object_has_member (entry, "video_id"))
        {
          if (!read_frame_entry (entry, path, videos, width, height, result, image, error))
            return NULL;
          continue;
        }
      file = (QuorumFileInfo) { (guint) width, (guint) height, (guint) frames, 0 };
      image->image = g_new0 (QuorumCocoImage, 1);
      image->image->file_name = g_strdup (file_name);
      image->image->path = g_strdup (path);
      image->image->set = quorum_annotation_set_new (NULL, &file);
      image->frames = (guint) frames;
      image->frame = -1;
      image->paths = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (result, image->image);
      g_ptr_array_add (plain, image);
    }
  /* Each video's frame count: its own, else up to the last frame named;
   * videos no frame names still carry their outside markers. */
  for (guint v = 0; v < video_order->len; v++)
    {
      VideoEntry *video = g_ptr_array_index (video_order, v);

      if (!video->placed)
        {
          g_ptr_array_add (result, video->image);
          video->placed = TRUE;
        }
      if (!video->sized)
        {
          g_autofree char *where = g_strdup_printf ("%s.width", video->image->path);
          fail (error, where, "is missing, and no image is a frame of it");
          return NULL;
        }
      video->image->set->file.frames = (guint) (video->frames > 0 ? video->frames : MAX (video->last + 1, 1));
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

  if (json_object_has_member (object, "annotations"))
    {
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
    }
  /* An image of several frames ("frames" with no videos, as Quorum wrote
   * them before) may hold tracks too. */
  for (guint i = 0; i < plain->len; i++)
    {
      ImageEntry *image = g_ptr_array_index (plain, i);
      g_autoptr(GError) local_error = NULL;

      if (!quorum_tracks_check (image->image->set->instances, image->frames, &local_error))
        {
          g_autofree char *message = name_instances (local_error->message, image->paths);

          g_set_error_literal (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, message);
          return NULL;
        }
    }
  for (guint v = 0; v < video_order->len; v++)
    if (!finish_video (g_ptr_array_index (video_order, v), instance_ids, error))
      return NULL;
  return g_steal_pointer (&result);
}
