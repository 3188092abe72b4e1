/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The streaming wire path held to the tree path on the same bytes: both
 * accept or both refuse; what they accept is the same model to the bit and
 * writes out to the same bytes; what they refuse, they refuse with the same
 * error. Shared by tests/core/test-wire.c, test-wire-stream.c and the fuzz
 * target wire-stream. The includer defines WIRE_DIFF_CHECK (condition, …).
 */

#include <string.h>

#include "quorum-core.h"
#include "quorum-error.h"
#include "quorum-wire-private.h"

#ifndef WIRE_DIFF_CHECK
#error "define WIRE_DIFF_CHECK (condition, format, ...) before including wire-differential.h"
#endif

static inline gboolean
wire_diff_same_double (double a,
                       double b)
{
  return memcmp (&a, &b, sizeof a) == 0;
}

static inline gboolean
wire_diff_same_string (const char *a,
                       const char *b)
{
  return g_strcmp0 (a, b) == 0;
}

/* Attributes equal member for member, in the same order. */
static inline gboolean
wire_diff_same_attributes (JsonObject *a,
                           JsonObject *b)
{
  JsonObjectIter ia, ib;
  const char *name_a, *name_b;
  JsonNode *value_a, *value_b;

  if (json_object_get_size (a) != json_object_get_size (b))
    return FALSE;
  json_object_iter_init_ordered (&ia, a);
  json_object_iter_init_ordered (&ib, b);
  while (json_object_iter_next_ordered (&ia, &name_a, &value_a))
    {
      if (!json_object_iter_next_ordered (&ib, &name_b, &value_b) ||
          strcmp (name_a, name_b) != 0 || !json_node_equal (value_a, value_b))
        return FALSE;
    }
  return TRUE;
}

static inline gboolean
wire_diff_same_instance (const QuorumInstance *a,
                         const QuorumInstance *b)
{
  if (!wire_diff_same_string (a->id, b->id) || !wire_diff_same_string (a->label, b->label) ||
      a->kind != b->kind || a->n_points != b->n_points || a->frame != b->frame ||
      !wire_diff_same_string (a->track_id, b->track_id) ||
      a->keyframe != b->keyframe || a->outside != b->outside || a->occluded != b->occluded ||
      !wire_diff_same_string (a->author, b->author) ||
      !wire_diff_same_string (a->copied_from, b->copied_from) ||
      !wire_diff_same_attributes (a->attributes, b->attributes))
    return FALSE;
  for (guint i = 0; i < a->n_points; i++)
    if (!wire_diff_same_double (a->points[i].x, b->points[i].x) ||
        !wire_diff_same_double (a->points[i].y, b->points[i].y))
      return FALSE;
  return TRUE;
}

static inline gboolean
wire_diff_same_instances (GPtrArray *a,
                          GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (!wire_diff_same_instance (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
      return FALSE;
  return TRUE;
}

static inline gboolean
wire_diff_same_set (const QuorumAnnotationSet *a,
                    const QuorumAnnotationSet *b)
{
  return wire_diff_same_string (a->annotator, b->annotator) &&
         a->file.width == b->file.width && a->file.height == b->file.height &&
         a->file.frames == b->file.frames && wire_diff_same_double (a->file.fps, b->file.fps) &&
         wire_diff_same_instances (a->instances, b->instances);
}

static inline void
wire_diff_same_error (const GError *tree,
                      const GError *stream,
                      const char   *what)
{
  WIRE_DIFF_CHECK (stream != NULL, "%s: the streaming path refused without an error", what);
  WIRE_DIFF_CHECK (tree->domain == stream->domain && tree->code == stream->code &&
                   strcmp (tree->message, stream->message) == 0,
                   "%s: the tree path says “%s”, the streaming path “%s”",
                   what, tree->message, stream->message);
}

/* Any tree written compact by the direct writer and by json-glib's
 * generator (with quorum_wire_to_string()'s repairs): the same bytes. */
static inline void
wire_diff_node_text (JsonNode *node)
{
  g_autofree char *generated = _quorum_wire_generate (node, FALSE);
  g_autofree char *direct = quorum_wire_to_string (node, FALSE);
  gsize at = 0;

  while (generated[at] != '\0' && generated[at] == direct[at])
    at++;
  WIRE_DIFF_CHECK (generated[at] == direct[at],
                   "the writers differ at byte %" G_GSIZE_FORMAT ": generator “%.60s”, direct “%.60s”",
                   at, generated + (at > 20 ? at - 20 : 0), direct + (at > 20 ? at - 20 : 0));
}

/* Returns whether the tree path accepted the bytes as an annotation set. */
static inline gboolean
wire_diff_annotation_set (const char              *data,
                          gsize                    length,
                          const QuorumLabelSchema *schema)
{
  g_autoptr(GError) tree_error = NULL;
  g_autoptr(GError) stream_error = NULL;
  g_autoptr(JsonNode) node = quorum_wire_parse_bytes (data, length, &tree_error);
  g_autoptr(QuorumAnnotationSet) tree = NULL;
  g_autoptr(QuorumAnnotationSet) fast = _quorum_wire_fast_parse_annotation_set (data, length, schema);
  g_autoptr(QuorumAnnotationSet) stream = NULL;

  {
    /* The document rewritten without a tree, and through one. */
    GString *rewritten = g_string_new ("~");
    gboolean took = quorum_wire_rewrite_compact (data, length, rewritten);

    WIRE_DIFF_CHECK (took == (node != NULL), "rewriting %s what parsing %s: %.*s",
                     took ? "takes" : "refuses", node != NULL ? "takes" : "refuses",
                     (int) MIN (length, 2000), data);
    if (node != NULL)
      {
        g_autofree char *generated = _quorum_wire_generate (node, FALSE);

        WIRE_DIFF_CHECK (strcmp (rewritten->str + 1, generated) == 0,
                         "the rewrite differs:\n%.2000s\n%.2000s", generated, rewritten->str + 1);
      }
    else
      WIRE_DIFF_CHECK (strcmp (rewritten->str, "~") == 0, "a refused rewrite appended text");
    g_string_free (rewritten, TRUE);
  }
  if (node != NULL)
    {
      wire_diff_node_text (node);
      tree = quorum_wire_read_annotation_set (node, schema, "", &tree_error);
    }
  WIRE_DIFF_CHECK ((tree == NULL) == (fast == NULL), "annotation set: the tree path %s (%s), the "
                   "streaming path %s: %.*s", tree != NULL ? "accepts" : "refuses",
                   tree_error != NULL ? tree_error->message : "", fast != NULL ? "accepts" : "refuses",
                   (int) MIN (length, 2000), data);
  if (tree != NULL)
    {
      g_autoptr(JsonNode) written = quorum_wire_write_annotation_set (tree);
      g_autofree char *tree_text = _quorum_wire_generate (written, FALSE);
      g_autofree char *stream_text = quorum_wire_annotation_set_to_string (fast);

      WIRE_DIFF_CHECK (wire_diff_same_set (tree, fast), "annotation set: the models differ: %.*s",
                       (int) MIN (length, 2000), data);
      WIRE_DIFF_CHECK (strcmp (tree_text, stream_text) == 0,
                       "annotation set: the writers differ:\n%s\n%s", tree_text, stream_text);
      return TRUE;
    }
  stream = quorum_wire_parse_annotation_set (data, length, schema, &stream_error);
  WIRE_DIFF_CHECK (stream == NULL, "annotation set: refused, then accepted");
  wire_diff_same_error (tree_error, stream_error, "annotation set");
  return FALSE;
}

static inline gboolean
wire_diff_instances (const char              *data,
                     gsize                    length,
                     const QuorumLabelSchema *schema,
                     const char              *path_prefix)
{
  g_autoptr(GError) tree_error = NULL;
  g_autoptr(GError) stream_error = NULL;
  g_autoptr(JsonNode) node = quorum_wire_parse_bytes (data, length, &tree_error);
  g_autoptr(GPtrArray) tree = NULL;
  g_autoptr(GPtrArray) fast = _quorum_wire_fast_parse_instances (data, length, schema);
  g_autoptr(GPtrArray) stream = NULL;

  if (node != NULL)
    tree = quorum_wire_read_instances (node, schema, path_prefix, &tree_error);
  WIRE_DIFF_CHECK ((tree == NULL) == (fast == NULL), "instance list: the tree path %s (%s), the "
                   "streaming path %s: %.*s", tree != NULL ? "accepts" : "refuses",
                   tree_error != NULL ? tree_error->message : "", fast != NULL ? "accepts" : "refuses",
                   (int) MIN (length, 2000), data);
  if (tree != NULL)
    {
      g_autoptr(JsonNode) written = quorum_wire_write_instances (tree);
      g_autofree char *tree_text = _quorum_wire_generate (written, FALSE);
      g_autofree char *stream_text = quorum_wire_instances_to_string (fast);

      WIRE_DIFF_CHECK (wire_diff_same_instances (tree, fast), "instance list: the models differ: %.*s",
                       (int) MIN (length, 2000), data);
      WIRE_DIFF_CHECK (strcmp (tree_text, stream_text) == 0,
                       "instance list: the writers differ:\n%s\n%s", tree_text, stream_text);
      return TRUE;
    }
  stream = quorum_wire_parse_instances (data, length, schema, path_prefix, &stream_error);
  WIRE_DIFF_CHECK (stream == NULL, "instance list: refused, then accepted");
  wire_diff_same_error (tree_error, stream_error, "instance list");
  return FALSE;
}

