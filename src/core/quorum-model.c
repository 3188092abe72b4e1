/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-core"

#include <math.h>

#include "quorum-error.h"
#include "quorum-model.h"

/* One table per enum keeps the wire names in one place. */
static const char * const kind_names[] = { "box", "polygon", "polyline", "point", "tag" };
static const char * const attribute_type_names[] = {
  "boolean", "single_choice", "multiple_choice", "text"
};
static const char * const job_type_names[] = { "normal", "exam" };
static const char * const share_names[] = { "project", "org", "market" };
static const char * const consensus_names[] = { "best_annotator", "manual_merge" };
static const char * const bid_per_names[] = { "task", "job" };

static gboolean
lookup_name (const char * const *names,
             guint               n_names,
             const char         *name,
             int                *value)
{
  if (name == NULL)
    return FALSE;
  for (guint i = 0; i < n_names; i++)
    if (g_str_equal (names[i], name))
      {
        *value = (int) i;
        return TRUE;
      }
  return FALSE;
}

#define DEFINE_ENUM_NAMES(prefix, Type, table)                          \
  const char *                                                          \
  prefix##_to_string (Type value)                                       \
  {                                                                     \
    g_return_val_if_fail ((guint) value < G_N_ELEMENTS (table), NULL);  \
    return table[value];                                                \
  }                                                                     \
  gboolean                                                              \
  prefix##_from_string (const char *name,                               \
                        Type       *value)                              \
  {                                                                     \
    int v;                                                              \
    if (!lookup_name (table, G_N_ELEMENTS (table), name, &v))           \
      return FALSE;                                                     \
    *value = (Type) v;                                                  \
    return TRUE;                                                        \
  }

DEFINE_ENUM_NAMES (quorum_kind, QuorumKind, kind_names)
DEFINE_ENUM_NAMES (quorum_attribute_type, QuorumAttributeType, attribute_type_names)
DEFINE_ENUM_NAMES (quorum_job_type, QuorumJobType, job_type_names)
DEFINE_ENUM_NAMES (quorum_share, QuorumShare, share_names)
DEFINE_ENUM_NAMES (quorum_consensus_mode, QuorumConsensusMode, consensus_names)
DEFINE_ENUM_NAMES (quorum_bid_per, QuorumBidPer, bid_per_names)

/* ---- market bids ------------------------------------------------------ */

/* A bid's amount is written as a decimal string ("12.50", "3", "0.5"): up
 * to nine digits before the point and two after, more than zero. A string,
 * not a JSON number, so that no client rounds money through a double. */
gboolean
quorum_bid_amount_parse (const char *text,
                         gint64     *amount)
{
  gint64 whole = 0, hundredths = 0;
  guint digits = 0, decimals = 0;
  const char *p = text;

  if (text == NULL)
    return FALSE;
  for (; g_ascii_isdigit (*p); p++, digits++)
    {
      if (digits == 9)
        return FALSE;
      whole = whole * 10 + (*p - '0');
    }
  if (digits == 0)
    return FALSE;
  if (*p == '.')
    {
      for (p++; g_ascii_isdigit (*p); p++, decimals++)
        {
          if (decimals == 2)
            return FALSE;
          hundredths = hundredths * 10 + (*p - '0');
        }
      if (decimals == 0)
        return FALSE;
      if (decimals == 1)
        hundredths *= 10;
    }
  if (*p != '\0' || whole * 100 + hundredths <= 0)
    return FALSE;
  *amount = whole * 100 + hundredths;
  return TRUE;
}

/* "12.50" for 1250: always two decimals. */
char *
quorum_bid_amount_format (gint64 amount)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", amount / 100, (int) (amount % 100));
}

/* ---- label schema ----------------------------------------------------- */

QuorumAttributeSpec *
quorum_attribute_spec_new (const char          *name,
                           QuorumAttributeType  type,
                           const char * const  *options)
{
  QuorumAttributeSpec *spec = g_new0 (QuorumAttributeSpec, 1);

  spec->name = g_strdup (name);
  spec->type = type;
  spec->options = options != NULL ? g_strdupv ((char **) options) : NULL;
  return spec;
}

void
quorum_attribute_spec_free (QuorumAttributeSpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->name);
  g_strfreev (spec->options);
  g_free (spec);
}

QuorumLabel *
quorum_label_new (const char *name,
                  const char *color,
                  QuorumKind  kind)
{
  QuorumLabel *label = g_new0 (QuorumLabel, 1);

  label->name = g_strdup (name);
  label->color = g_strdup (color != NULL ? color : "#3584e4");
  label->kind = kind;
  label->attributes = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_attribute_spec_free);
  return label;
}

void
quorum_label_free (QuorumLabel *label)
{
  if (label == NULL)
    return;
  g_free (label->name);
  g_free (label->color);
  g_ptr_array_unref (label->attributes);
  g_free (label);
}

const QuorumAttributeSpec *
quorum_label_find_attribute (const QuorumLabel *label,
                             const char        *name)
{
  for (guint i = 0; i < label->attributes->len; i++)
    {
      const QuorumAttributeSpec *spec = g_ptr_array_index (label->attributes, i);
      if (g_str_equal (spec->name, name))
        return spec;
    }
  return NULL;
}

QuorumLabelSchema *
quorum_label_schema_new (void)
{
  QuorumLabelSchema *schema = g_new0 (QuorumLabelSchema, 1);

  schema->labels = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_label_free);
  return schema;
}

void
quorum_label_schema_free (QuorumLabelSchema *schema)
{
  if (schema == NULL)
    return;
  g_ptr_array_unref (schema->labels);
  g_free (schema);
}

const QuorumLabel *
quorum_label_schema_find (const QuorumLabelSchema *schema,
                          const char              *name)
{
  for (guint i = 0; i < schema->labels->len; i++)
    {
      const QuorumLabel *label = g_ptr_array_index (schema->labels, i);
      if (g_str_equal (label->name, name))
        return label;
    }
  return NULL;
}

/* ---- instances -------------------------------------------------------- */

QuorumInstance *
quorum_instance_new (const char *id,
                     const char *label,
                     QuorumKind  kind)
{
  QuorumInstance *instance = g_new0 (QuorumInstance, 1);

  instance->id = g_strdup (id);
  instance->label = g_strdup (label);
  instance->kind = kind;
  instance->keyframe = TRUE;
  instance->attributes = json_object_new ();
  return instance;
}

QuorumInstance *
quorum_instance_copy (const QuorumInstance *instance)
{
  QuorumInstance *copy = quorum_instance_new (instance->id, instance->label, instance->kind);

  quorum_instance_set_points (copy, instance->points, instance->n_points);
  /* Attribute objects are treated as immutable (an edit replaces the whole
   * object), so copies can share one. */
  json_object_unref (copy->attributes);
  copy->attributes = json_object_ref (instance->attributes);
  copy->frame = instance->frame;
  copy->track_id = g_strdup (instance->track_id);
  copy->keyframe = instance->keyframe;
  copy->outside = instance->outside;
  copy->occluded = instance->occluded;
  copy->author = g_strdup (instance->author);
  copy->copied_from = g_strdup (instance->copied_from);
  return copy;
}

void
quorum_instance_free (QuorumInstance *instance)
{
  if (instance == NULL)
    return;
  g_free (instance->id);
  g_free (instance->label);
  g_free (instance->points);
  json_object_unref (instance->attributes);
  g_free (instance->track_id);
  g_free (instance->author);
  g_free (instance->copied_from);
  g_free (instance);
}

void
quorum_instance_set_points (QuorumInstance    *instance,
                            const QuorumPoint *points,
                            guint              n_points)
{
  g_free (instance->points);
  instance->points = n_points > 0 ? g_memdup2 (points, sizeof (QuorumPoint) * n_points) : NULL;
  instance->n_points = n_points;
}

guint
quorum_kind_min_points (QuorumKind kind)
{
  static const guint min[] = { 2, 3, 2, 1, 0 };
  return min[kind];
}

guint
quorum_kind_max_points (QuorumKind kind)
{
  static const guint max[] = { 2, G_MAXUINT, G_MAXUINT, 1, 0 };
  return max[kind];
}

gboolean
quorum_instance_check (const QuorumInstance *instance,
                       GError              **error)
{
  guint min = quorum_kind_min_points (instance->kind);
  guint max = quorum_kind_max_points (instance->kind);
  const char *kind = quorum_kind_to_string (instance->kind);

  if (instance->id == NULL || *instance->id == '\0')
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "id: must not be empty");
      return FALSE;
    }
  if (instance->label == NULL || *instance->label == '\0')
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "label: must not be empty");
      return FALSE;
    }
  if (max == 0 && instance->n_points > 0)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "points: a %s has no points, not %u", kind, instance->n_points);
      return FALSE;
    }
  if (min == max && instance->n_points != min)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "points: a %s needs exactly %u point%s, not %u",
                   kind, min, min == 1 ? "" : "s", instance->n_points);
      return FALSE;
    }
  if (instance->n_points < min)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "points: a %s needs at least %u points", kind, min);
      return FALSE;
    }
  if (!instance->keyframe && instance->track_id == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "keyframe: only an instance of a track (with a track_id) can be other "
                   "than a keyframe");
      return FALSE;
    }
  if (instance->outside && instance->track_id == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "outside: only an instance of a track (with a track_id) can be outside");
      return FALSE;
    }
  for (guint i = 0; i < instance->n_points; i++)
    if (!isfinite (instance->points[i].x) || !isfinite (instance->points[i].y))
      {
        g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                     "points[%u]: coordinates must be finite numbers", i);
        return FALSE;
      }
  return TRUE;
}

void
quorum_instance_bounds (const QuorumInstance *instance,
                        QuorumRect           *bounds)
{
  if (instance->n_points == 0)
    {
      *bounds = (QuorumRect) { 0, 0, 0, 0 };
      return;
    }
  bounds->x0 = bounds->x1 = instance->points[0].x;
  bounds->y0 = bounds->y1 = instance->points[0].y;
  for (guint i = 1; i < instance->n_points; i++)
    {
      bounds->x0 = MIN (bounds->x0, instance->points[i].x);
      bounds->x1 = MAX (bounds->x1, instance->points[i].x);
      bounds->y0 = MIN (bounds->y0, instance->points[i].y);
      bounds->y1 = MAX (bounds->y1, instance->points[i].y);
    }
}

/* ---- annotation sets -------------------------------------------------- */

QuorumAnnotationSet *
quorum_annotation_set_new (const char           *annotator,
                           const QuorumFileInfo *file)
{
  QuorumAnnotationSet *set = g_new0 (QuorumAnnotationSet, 1);

  set->annotator = g_strdup (annotator);
  if (file != NULL)
    set->file = *file;
  if (set->file.frames == 0)
    set->file.frames = 1;
  set->instances = g_ptr_array_new_with_free_func ((GDestroyNotify) quorum_instance_free);
  return set;
}

QuorumAnnotationSet *
quorum_annotation_set_copy (const QuorumAnnotationSet *set)
{
  QuorumAnnotationSet *copy = quorum_annotation_set_new (set->annotator, &set->file);

  for (guint i = 0; i < set->instances->len; i++)
    g_ptr_array_add (copy->instances, quorum_instance_copy (g_ptr_array_index (set->instances, i)));
  return copy;
}

void
quorum_annotation_set_free (QuorumAnnotationSet *set)
{
  if (set == NULL)
    return;
  g_free (set->annotator);
  g_ptr_array_unref (set->instances);
  g_free (set);
}

/* Takes ownership of @instance. */
void
quorum_annotation_set_add (QuorumAnnotationSet *set,
                           QuorumInstance      *instance)
{
  g_ptr_array_add (set->instances, instance);
}

const QuorumInstance *
quorum_annotation_set_find (const QuorumAnnotationSet *set,
                            const char                *id)
{
  for (guint i = 0; i < set->instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (set->instances, i);
      if (g_str_equal (instance->id, id))
        return instance;
    }
  return NULL;
}

double
quorum_file_info_diagonal (const QuorumFileInfo *file)
{
  return hypot ((double) file->width, (double) file->height);
}

/* ---- jobs ------------------------------------------------------------- */

QuorumJobSettings *
quorum_job_settings_new (const char *name)
{
  QuorumJobSettings *settings = g_new0 (QuorumJobSettings, 1);

  settings->name = g_strdup (name);
  settings->type = QUORUM_JOB_NORMAL;
  settings->share = QUORUM_SHARE_PROJECT;
  settings->passes_per_file = 1;
  settings->review_frequency = 0;
  settings->consensus = QUORUM_CONSENSUS_BEST_ANNOTATOR;
  settings->blind = TRUE;
  settings->threshold = 0.5;
  settings->pass_rule.min_average_stars = 3.0;
  settings->pass_rule.max_missed = 0;
  settings->max_attempts = 3;
  settings->retake_wait = 0;
  settings->show_answers = FALSE;
  settings->required_credentials = g_new0 (char *, 1);
  settings->awarded_credentials = g_new0 (char *, 1);
  return settings;
}

QuorumJobSettings *
quorum_job_settings_copy (const QuorumJobSettings *settings)
{
  QuorumJobSettings *copy = g_memdup2 (settings, sizeof *settings);

  copy->name = g_strdup (settings->name);
  copy->required_credentials = g_strdupv (settings->required_credentials);
  copy->awarded_credentials = g_strdupv (settings->awarded_credentials);
  copy->draw_guide = g_strdup (settings->draw_guide);
  copy->review_guide = g_strdup (settings->review_guide);
  return copy;
}

void
quorum_job_settings_free (QuorumJobSettings *settings)
{
  if (settings == NULL)
    return;
  g_free (settings->name);
  g_strfreev (settings->required_credentials);
  g_strfreev (settings->awarded_credentials);
  g_free (settings->draw_guide);
  g_free (settings->review_guide);
  g_free (settings);
}

gboolean
quorum_job_settings_check (const QuorumJobSettings *settings,
                           GError                 **error)
{
  g_autofree char *name = g_strstrip (g_strdup (settings->name != NULL ? settings->name : ""));

  if (*name == '\0')
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID, "name: a job needs a name");
      return FALSE;
    }
  if (settings->passes_per_file < 1)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "passes_per_file: must be at least 1, not %d", settings->passes_per_file);
      return FALSE;
    }
  if (settings->passes_per_file > QUORUM_MAX_PASSES)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "passes_per_file: must be at most %d, not %d", QUORUM_MAX_PASSES,
                   settings->passes_per_file);
      return FALSE;
    }
  if (settings->review_frequency < 0)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "review_frequency: must be 0 (no review) or more, not %d",
                   settings->review_frequency);
      return FALSE;
    }
  if (!isfinite (settings->threshold) || settings->threshold <= 0 || settings->threshold > 1)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "threshold: must be above 0 and at most 1");
      return FALSE;
    }
  if (!isfinite (settings->pass_rule.min_average_stars) ||
      settings->pass_rule.min_average_stars < 1 || settings->pass_rule.min_average_stars > 5)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "pass_rule.min_average_stars: must be between 1 and 5");
      return FALSE;
    }
  if (settings->max_attempts < 1)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "max_attempts: must be at least 1, not %d", settings->max_attempts);
      return FALSE;
    }
  if (settings->retake_wait < 0)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "retake_wait: must be 0 seconds or more");
      return FALSE;
    }
  if (settings->type == QUORUM_JOB_EXAM && g_strv_length (settings->awarded_credentials) == 0)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "awarded_credentials: an exam must award at least one credential");
      return FALSE;
    }
  if (settings->market.set && settings->share != QUORUM_SHARE_MARKET)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_INVALID,
                   "market: only a job shared on the market (\"share\": \"market\") has a bid and a deadline");
      return FALSE;
    }
  return TRUE;
}
