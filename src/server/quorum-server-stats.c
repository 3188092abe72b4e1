/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-server"

#include "quorum-agreement.h"
#include "quorum-error.h"
#include "quorum-server-private.h"
#include "quorum-wire.h"

/*
 * GET /jobs/{id}/stats: the job overview for its project's editors and
 * admins (the trainers). The store counts the figures; the agreement of each
 * annotator's sets with the ground truth needs the core's matching, one pair
 * of sets per done task, and is computed off the main loop.
 */

typedef struct {
  JsonObject *stats;      /* the reply, its annotators' truth figures still null */
  JsonNode   *truth;      /* quorum_store_job_truth_pairs */
  double      threshold;
  GHashTable *sums;       /* user id → TruthSum */
} Overview;

typedef struct {
  double sum;
  gint64 n;
} TruthSum;

static void
overview_free (Overview *overview)
{
  json_object_unref (overview->stats);
  json_node_unref (overview->truth);
  g_clear_pointer (&overview->sums, g_hash_table_unref);
  g_free (overview);
}

static QuorumAnnotationSet *
read_set (JsonObject           *row,
          const char           *member,
          const QuorumFileInfo *info,
          GError              **error)
{
  g_autoptr(GPtrArray) instances = quorum_wire_read_instances (json_object_get_member (row, member), NULL,
                                                               member, error);
  QuorumAnnotationSet *set;

  if (instances == NULL)
    return NULL;
  set = quorum_annotation_set_new (member, info);
  while (instances->len > 0)
    quorum_annotation_set_add (set, g_ptr_array_steal_index (instances, 0));
  return set;
}

/* S(the task's set, the ground truth) for every row, summed by user. */
static void
score_truth_in_thread (GTask        *task,
                       gpointer      source,
                       gpointer      data,
                       GCancellable *cancellable)
{
  Overview *overview = data;
  JsonArray *rows = json_node_get_array (overview->truth);

  overview->sums = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      QuorumFileInfo info = {
        (guint) json_object_get_int_member (row, "width"), (guint) json_object_get_int_member (row, "height"),
        (guint) json_object_get_int_member (row, "frames"), json_object_get_double_member (row, "fps"),
      };
      g_autoptr(QuorumAnnotationSet) set = NULL;
      g_autoptr(QuorumAnnotationSet) truth = NULL;
      g_autoptr(QuorumAgreement) agreement = NULL;
      const QuorumAnnotationSet *sets[2];
      gint64 user = json_object_get_int_member (row, "user");
      g_autoptr(GError) error = NULL;
      TruthSum *sum;

      if ((set = read_set (row, "instances", &info, &error)) == NULL ||
          (truth = read_set (row, "truth", &info, &error)) == NULL)
        {
          /* Stored instances were checked when saved: a bug, not the caller's. */
          g_warning ("task %" G_GINT64_FORMAT ": cannot read its instances or their ground truth: %s",
                     json_object_get_int_member (row, "task"), error->message);
          continue;
        }
      sets[0] = set, sets[1] = truth;
      agreement = quorum_agreement_compute (sets, 2, overview->threshold, &error);
      if (agreement == NULL)
        {
          g_warning ("task %" G_GINT64_FORMAT ": cannot compare with the ground truth: %s",
                     json_object_get_int_member (row, "task"), error->message);
          continue;
        }
      sum = g_hash_table_lookup (overview->sums, &user);
      if (sum == NULL)
        g_hash_table_insert (overview->sums, g_memdup2 (&user, sizeof user), sum = g_new0 (TruthSum, 1));
      sum->sum += quorum_agreement_pair (agreement, 0, 1);
      sum->n++;
    }
  g_task_return_boolean (task, TRUE);
}

static void
truth_scored (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  QuorumRequest *request = user_data;
  Overview *overview = g_task_get_task_data (G_TASK (result));
  JsonArray *annotators = json_object_get_array_member (overview->stats, "annotators");

  for (guint i = 0; i < json_array_get_length (annotators); i++)
    {
      JsonObject *annotator = json_array_get_object_element (annotators, i);
      gint64 user = json_object_get_int_member (annotator, "user");
      TruthSum *sum = g_hash_table_lookup (overview->sums, &user);

      if (sum == NULL)
        continue;
      json_object_set_int_member (annotator, "truth_files", sum->n);
      json_object_set_double_member (annotator, "agreement_with_truth", sum->sum / (double) sum->n);
    }
  _quorum_request_reply (request, SOUP_STATUS_OK, quorum_http_object_node (json_object_ref (overview->stats)));
  _quorum_request_finish (request);
}

void
_quorum_server_job_stats (QuorumRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) job = quorum_store_get_job (request->server->store, request->ids[0], FALSE, &error);
  g_autoptr(QuorumJobSettings) settings = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(JsonNode) truth = NULL;
  g_autoptr(GTask) task = NULL;
  Overview *overview;

  if (job == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  /* Project admins and trainers (editors); shares give no way in. */
  if (!_quorum_request_require_role (request, json_object_get_int_member (job, "project"), QUORUM_ROLE_EDITOR,
                                     NULL))
    return;
  settings = quorum_wire_read_job_settings (json_object_get_member (job, "settings"), "settings", &error);
  /* As for the results: a taker's agreement with the gold is their trainers' to see. */
  if (settings != NULL && settings->type == QUORUM_JOB_EXAM &&
      quorum_store_is_exam_taker (request->server->store, request->ids[0], request->caller_id))
    {
      quorum_http_reply_error (request->msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                               "you take this exam; its overview is for its trainers");
      return;
    }
  if (settings == NULL ||
      (stats = quorum_store_job_stats (request->server->store, request->ids[0],
                                       settings->type == QUORUM_JOB_EXAM, &error)) == NULL ||
      (truth = quorum_store_job_truth_pairs (request->server->store, request->ids[0], &error)) == NULL)
    {
      _quorum_request_reply_error (request, error);
      return;
    }
  json_object_set_int_member (stats, "job", request->ids[0]);
  json_object_set_string_member (stats, "name", settings->name);
  json_object_set_string_member (stats, "type", quorum_job_type_to_string (settings->type));
  json_object_set_string_member (stats, "state", json_object_get_string_member (job, "state"));
  json_object_set_double_member (stats, "threshold", settings->threshold);

  overview = g_new0 (Overview, 1);
  overview->stats = g_steal_pointer (&stats);
  overview->truth = g_steal_pointer (&truth);
  overview->threshold = settings->threshold;
  _quorum_request_pause (request);
  task = g_task_new (NULL, NULL, truth_scored, request);
  g_task_set_source_tag (task, _quorum_server_job_stats);
  g_task_set_task_data (task, overview, (GDestroyNotify) overview_free);
  g_task_run_in_thread (task, score_truth_in_thread);
}
