/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-core"

#include "quorum-error.h"
#include "quorum-merge.h"

char *
quorum_uuid_new (void)
{
  return g_uuid_string_random ();
}

/* A copy of @instance: a new id, copied_from pointing at the source; label,
 * kind, points, attributes, frame and track kept; authored by @reviewer, or
 * with a NULL @reviewer by the source's author. */
static QuorumInstance *
copy_for (const QuorumInstance *instance,
          const char           *reviewer)
{
  QuorumInstance *copy = quorum_instance_copy (instance);

  g_free (copy->id);
  copy->id = quorum_uuid_new ();
  g_free (copy->copied_from);
  copy->copied_from = g_strdup (instance->id);
  if (reviewer != NULL)
    {
      g_free (copy->author);
      copy->author = g_strdup (reviewer);
    }
  return copy;
}

QuorumAnnotationSet *
quorum_merge_from_version (const QuorumAnnotationSet *version,
                           const char                *reviewer)
{
  QuorumAnnotationSet *output = quorum_annotation_set_new (reviewer, &version->file);

  for (guint i = 0; i < version->instances->len; i++)
    quorum_annotation_set_add (output, copy_for (g_ptr_array_index (version->instances, i), reviewer));
  return output;
}

static const QuorumInstance *
find_copy_of (const QuorumAnnotationSet *ground_truth,
              const char                *source_id)
{
  for (guint i = 0; i < ground_truth->instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (ground_truth->instances, i);

      if (g_strcmp0 (instance->copied_from, source_id) == 0)
        return instance;
    }
  return NULL;
}

QuorumInstance *
quorum_merge_copy_instance (QuorumAnnotationSet  *ground_truth,
                            const QuorumInstance *instance,
                            const char           *reviewer,
                            GError              **error)
{
  QuorumInstance *copy;

  if (find_copy_of (ground_truth, instance->id) != NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_CONFLICT,
                   "instances: “%s” is already in the ground truth", instance->id);
      return NULL;
    }
  copy = copy_for (instance, reviewer);
  quorum_annotation_set_add (ground_truth, copy);
  return copy;
}

guint
quorum_merge_copy_set (QuorumAnnotationSet       *ground_truth,
                       const QuorumAnnotationSet *version,
                       const char                *reviewer)
{
  guint copied = 0;

  for (guint i = 0; i < version->instances->len; i++)
    {
      const QuorumInstance *instance = g_ptr_array_index (version->instances, i);

      if (find_copy_of (ground_truth, instance->id) == NULL)
        {
          quorum_annotation_set_add (ground_truth, copy_for (instance, reviewer));
          copied++;
        }
    }
  return copied;
}
