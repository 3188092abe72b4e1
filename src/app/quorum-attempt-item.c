/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-app"

#include "config.h"

#include <glib/gi18n.h>

#include "quorum-attempt-item.h"

struct _QuorumAttemptItem
{
  GObject  parent_instance;

  gint64   id;
  gint64   user;
  char    *name;
  gint64   number;
  gboolean rated;
  double   average_stars;
  gint64   missed;
  double   gold_score;
  gboolean meets_rule;
  gboolean reviewed;
  char    *decision;
  gint64   review_task;
  char    *status;
};

G_DEFINE_FINAL_TYPE (QuorumAttemptItem, quorum_attempt_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_NUMBER,
  PROP_AVERAGE_STARS,
  PROP_MISSED,
  PROP_GOLD_SCORE,
  PROP_MEETS_RULE,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
quorum_attempt_item_finalize (GObject *object)
{
  QuorumAttemptItem *self = QUORUM_ATTEMPT_ITEM (object);

  g_free (self->name);
  g_free (self->decision);
  g_free (self->status);
  G_OBJECT_CLASS (quorum_attempt_item_parent_class)->finalize (object);
}

static void
quorum_attempt_item_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  QuorumAttemptItem *self = QUORUM_ATTEMPT_ITEM (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_NUMBER:
      g_value_set_int64 (value, self->number);
      break;
    case PROP_AVERAGE_STARS:
      /* Not rated sorts below every rated attempt. */
      g_value_set_double (value, self->rated ? self->average_stars : -1);
      break;
    case PROP_MISSED:
      g_value_set_int64 (value, self->missed);
      break;
    case PROP_GOLD_SCORE:
      g_value_set_double (value, self->gold_score);
      break;
    case PROP_MEETS_RULE:
      g_value_set_boolean (value, self->meets_rule);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quorum_attempt_item_class_init (QuorumAttemptItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = quorum_attempt_item_finalize;
  object_class->get_property = quorum_attempt_item_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_NUMBER] = g_param_spec_int64 ("number", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_AVERAGE_STARS] = g_param_spec_double ("average-stars", NULL, NULL, -1, 5, -1, flags);
  properties[PROP_MISSED] = g_param_spec_int64 ("missed", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_GOLD_SCORE] = g_param_spec_double ("gold-score", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_MEETS_RULE] = g_param_spec_boolean ("meets-rule", NULL, NULL, FALSE, flags);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
quorum_attempt_item_init (QuorumAttemptItem *self)
{
}

static char *
describe_status (QuorumAttemptItem *self,
                 guint              n_reviews,
                 guint              n_done)
{
  if (g_strcmp0 (self->decision, "pass") == 0 || g_strcmp0 (self->decision, "passed") == 0)
    return g_strdup (_("Passed"));
  if (self->decision != NULL)
    return g_strdup (_("Failed"));
  if (self->reviewed)
    return g_strdup (_("Waiting for your decision"));
  /* TRANSLATORS: of an exam attempt: files reviewed of all its files */
  return g_strdup_printf (_("Being reviewed (%u of %u)"), n_done, n_reviews);
}

QuorumAttemptItem *
quorum_attempt_item_new (JsonObject *entry)
{
  QuorumAttemptItem *self = g_object_new (QUORUM_TYPE_ATTEMPT_ITEM, NULL);
  JsonNode *average = json_object_get_member (entry, "average_stars");
  JsonNode *decision = json_object_get_member (entry, "decision");
  JsonArray *tasks = json_object_has_member (entry, "tasks") ? json_object_get_array_member (entry, "tasks") : NULL;
  guint n_reviews = tasks != NULL ? json_array_get_length (tasks) : 0;
  guint n_done = 0;
  gint64 first_review = 0, first_open = 0;

  self->id = json_object_get_int_member_with_default (entry, "attempt", 0);
  self->user = json_object_get_int_member_with_default (entry, "user", 0);
  self->name = g_strdup (json_object_get_string_member_with_default (entry, "name", ""));
  self->number = json_object_get_int_member_with_default (entry, "number", 0);
  /* An average over no rated instance is the string "not rated". */
  self->rated = average != NULL && JSON_NODE_HOLDS_VALUE (average) &&
                json_node_get_value_type (average) != G_TYPE_STRING;
  self->average_stars = self->rated ? json_node_get_double (average) : 0;
  self->missed = json_object_get_int_member_with_default (entry, "missed", 0);
  self->gold_score = json_object_get_double_member_with_default (entry, "gold_score", 0);
  self->meets_rule = json_object_get_boolean_member_with_default (entry, "meets_pass_rule", FALSE);
  self->reviewed = json_object_get_boolean_member_with_default (entry, "reviewed", FALSE);
  if (decision != NULL && JSON_NODE_HOLDS_VALUE (decision) && json_node_get_value_type (decision) == G_TYPE_STRING)
    self->decision = g_strdup (json_node_get_string (decision));
  for (guint i = 0; i < n_reviews; i++)
    {
      JsonObject *task = json_array_get_object_element (tasks, i);
      gint64 review = json_object_get_int_member_with_default (task, "review", 0);
      gboolean done = g_strcmp0 (json_object_get_string_member_with_default (task, "review_state", ""),
                                 "complete") == 0;

      n_done += done;
      if (first_review == 0)
        first_review = review;
      if (first_open == 0 && !done)
        first_open = review;
    }
  /* The first review still to do, else the first. */
  self->review_task = first_open != 0 ? first_open : first_review;
  self->status = describe_status (self, n_reviews, n_done);
  return self;
}

gint64
quorum_attempt_item_get_id (QuorumAttemptItem *self)
{
  g_return_val_if_fail (QUORUM_IS_ATTEMPT_ITEM (self), 0);
  return self->id;
}

gint64
quorum_attempt_item_get_user (QuorumAttemptItem *self)
{
  g_return_val_if_fail (QUORUM_IS_ATTEMPT_ITEM (self), 0);
  return self->user;
}

const char *
quorum_attempt_item_get_name (QuorumAttemptItem *self)
{
  g_return_val_if_fail (QUORUM_IS_ATTEMPT_ITEM (self), NULL);
  return self->name;
}

gint64
quorum_attempt_item_get_number (QuorumAttemptItem *self)
{
  g_return_val_if_fail (QUORUM_IS_ATTEMPT_ITEM (self), 0);
  return self->number;
}

gboolean
quorum_attempt_item_get_rated (QuorumAttemptItem *self)
{
  g_return_val_if_fail (QUORUM_IS_ATTEMPT_ITEM (self), FALSE);
  return self->rated;
}

double
quorum_attempt_item_get_average_stars (QuorumAttemptItem *self)
{
  g_return_val_if_fail (QUORUM_IS_ATTEMPT_ITEM (self), 0);
  return self->average_stars;
}

gint64
quorum_attempt_item_get_missed (QuorumAttemptItem *self)
{
  g_return_val_if_fail (QUORUM_IS_ATTEMPT_ITEM (self), 0);
  return self->missed;
}

double
quorum_attempt_item_get_gold_score (QuorumAttemptItem *self)
{
  g_return_val_if_fail (QUORUM_IS_ATTEMPT_ITEM (self), 0);
  return self->gold_score;
}

gboolean
quorum_attempt_item_get_meets_rule (QuorumAttemptItem *self)
{
  g_return_val_if_fail (QUORUM_IS_ATTEMPT_ITEM (self), FALSE);
  return self->meets_rule;
}

gboolean
quorum_attempt_item_get_reviewed (QuorumAttemptItem *self)
{
  g_return_val_if_fail (QUORUM_IS_ATTEMPT_ITEM (self), FALSE);
  return self->reviewed;
}

const char *
quorum_attempt_item_get_decision (QuorumAttemptItem *self)
{
  g_return_val_if_fail (QUORUM_IS_ATTEMPT_ITEM (self), NULL);
  return self->decision;
}

gboolean
quorum_attempt_item_get_decidable (QuorumAttemptItem *self)
{
  g_return_val_if_fail (QUORUM_IS_ATTEMPT_ITEM (self), FALSE);
  return self->reviewed && self->decision == NULL;
}

gint64
quorum_attempt_item_get_review_task (QuorumAttemptItem *self)
{
  g_return_val_if_fail (QUORUM_IS_ATTEMPT_ITEM (self), 0);
  return self->review_task;
}

const char *
quorum_attempt_item_get_status (QuorumAttemptItem *self)
{
  g_return_val_if_fail (QUORUM_IS_ATTEMPT_ITEM (self), NULL);
  return self->status;
}
