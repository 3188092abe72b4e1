/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* ---- kinds ------------------------------------------------------------ */

typedef enum {
  QUORUM_KIND_BOX,
  QUORUM_KIND_POLYGON,
  QUORUM_KIND_POLYLINE,
  QUORUM_KIND_POINT,
  QUORUM_KIND_TAG,
} QuorumKind;

#define QUORUM_N_KINDS 5

const char *quorum_kind_to_string   (QuorumKind   kind);
gboolean    quorum_kind_from_string (const char  *name,
                                     QuorumKind  *kind);

typedef struct {
  double x;
  double y;
} QuorumPoint;

/* An axis-aligned rectangle, x0 <= x1 and y0 <= y1. */
typedef struct {
  double x0;
  double y0;
  double x1;
  double y1;
} QuorumRect;

/* ---- label schema ----------------------------------------------------- */

typedef enum {
  QUORUM_ATTRIBUTE_BOOLEAN,
  QUORUM_ATTRIBUTE_SINGLE_CHOICE,
  QUORUM_ATTRIBUTE_MULTIPLE_CHOICE,
  QUORUM_ATTRIBUTE_TEXT,
} QuorumAttributeType;

const char *quorum_attribute_type_to_string   (QuorumAttributeType  type);
gboolean    quorum_attribute_type_from_string (const char          *name,
                                               QuorumAttributeType *type);

typedef struct {
  char                *name;
  QuorumAttributeType  type;
  GStrv                options;   /* the choices; NULL for boolean and text */
} QuorumAttributeSpec;

typedef struct {
  char       *name;
  char       *color;       /* "#rrggbb" */
  QuorumKind  kind;
  GPtrArray  *attributes;  /* of QuorumAttributeSpec, owned */
} QuorumLabel;

typedef struct {
  GPtrArray *labels;       /* of QuorumLabel, owned, names unique */
} QuorumLabelSchema;

QuorumAttributeSpec *quorum_attribute_spec_new  (const char          *name,
                                                 QuorumAttributeType  type,
                                                 const char * const  *options);
void                 quorum_attribute_spec_free (QuorumAttributeSpec *spec);

QuorumLabel *quorum_label_new            (const char  *name,
                                          const char  *color,
                                          QuorumKind   kind);
void         quorum_label_free           (QuorumLabel *label);
const QuorumAttributeSpec *
             quorum_label_find_attribute (const QuorumLabel *label,
                                          const char        *name);

QuorumLabelSchema *quorum_label_schema_new  (void);
void               quorum_label_schema_free (QuorumLabelSchema *schema);
const QuorumLabel *quorum_label_schema_find (const QuorumLabelSchema *schema,
                                             const char              *name);

/* ---- instances -------------------------------------------------------- */

/**
 * QuorumInstance:
 * @attributes: never %NULL; values are JSON booleans, strings or arrays of
 *   strings. Treated as immutable: to change one, replace the whole object.
 * @track_id: (nullable): the same object across video frames
 * @keyframe: drawn or edited by a person (TRUE, the default), or proposed by a
 *   tracker or interpolated (FALSE; only with a track_id)
 * @outside: the track is not in view from this frame to its next stored one
 *   (only with a track_id)
 * @occluded: the object is hidden behind another on this frame
 * @author: (nullable): who drew it
 * @copied_from: (nullable): the id of the instance this one was copied from
 *
 * One annotation. Points are image pixels: a box has two (two opposite
 * corners, any order), a polygon at least 3, a polyline at least 2, a point 1,
 * a tag none.
 */
typedef struct {
  char        *id;
  char        *label;
  QuorumKind   kind;
  QuorumPoint *points;
  guint        n_points;
  JsonObject  *attributes;
  guint        frame;
  char        *track_id;
  gboolean     keyframe;
  gboolean     outside;
  gboolean     occluded;
  char        *author;
  char        *copied_from;
} QuorumInstance;

QuorumInstance *quorum_instance_new        (const char           *id,
                                            const char           *label,
                                            QuorumKind            kind);
QuorumInstance *quorum_instance_copy       (const QuorumInstance *instance);
void            quorum_instance_free       (QuorumInstance       *instance);
void            quorum_instance_set_points (QuorumInstance       *instance,
                                            const QuorumPoint    *points,
                                            guint                 n_points);
guint           quorum_kind_min_points     (QuorumKind            kind);
guint           quorum_kind_max_points     (QuorumKind            kind);
gboolean        quorum_instance_check      (const QuorumInstance *instance,
                                            GError              **error);
void            quorum_instance_bounds     (const QuorumInstance *instance,
                                            QuorumRect           *bounds);

/* ---- annotation sets -------------------------------------------------- */

/* The size of the file a set belongs to; frames is 1 for an image. */
typedef struct {
  guint  width;
  guint  height;
  guint  frames;
  double fps;             /* 0 for an image */
} QuorumFileInfo;

/**
 * QuorumAnnotationSet:
 * @annotator: (nullable): whose set this is
 * @instances: of #QuorumInstance, owned, ids unique
 *
 * The instances one task produced for one file.
 */
typedef struct {
  char           *annotator;
  QuorumFileInfo  file;
  GPtrArray      *instances;
} QuorumAnnotationSet;

QuorumAnnotationSet  *quorum_annotation_set_new    (const char                *annotator,
                                                    const QuorumFileInfo      *file);
QuorumAnnotationSet  *quorum_annotation_set_copy   (const QuorumAnnotationSet *set);
void                  quorum_annotation_set_free   (QuorumAnnotationSet       *set);
void                  quorum_annotation_set_add    (QuorumAnnotationSet       *set,
                                                    QuorumInstance            *instance);
const QuorumInstance *quorum_annotation_set_find   (const QuorumAnnotationSet *set,
                                                    const char                *id);
double                quorum_file_info_diagonal    (const QuorumFileInfo      *file);

/* ---- jobs ------------------------------------------------------------- */

/* The most passes a file may get: every pass is a task per file when the job
 * starts, and the agreement compares every pair of them, so an unbounded
 * count would let one job exhaust the server's memory. */
#define QUORUM_MAX_PASSES 100

typedef enum {
  QUORUM_JOB_NORMAL,
  QUORUM_JOB_EXAM,
} QuorumJobType;

typedef enum {
  QUORUM_SHARE_PROJECT,
  QUORUM_SHARE_ORG,
  QUORUM_SHARE_MARKET,
} QuorumShare;

typedef enum {
  QUORUM_CONSENSUS_BEST_ANNOTATOR,
  QUORUM_CONSENSUS_MANUAL_MERGE,
} QuorumConsensusMode;

const char *quorum_job_type_to_string         (QuorumJobType        type);
gboolean    quorum_job_type_from_string       (const char          *name,
                                               QuorumJobType       *type);
const char *quorum_share_to_string            (QuorumShare          share);
gboolean    quorum_share_from_string          (const char          *name,
                                               QuorumShare         *share);
const char *quorum_consensus_mode_to_string   (QuorumConsensusMode  mode);
gboolean    quorum_consensus_mode_from_string (const char          *name,
                                               QuorumConsensusMode *mode);

/* An exam passes when the average stars reach min_average_stars and no more
 * than max_missed gold instances were missed. */
typedef struct {
  double min_average_stars;
  guint  max_missed;
} QuorumPassRule;

typedef enum {
  QUORUM_BID_PER_TASK,
  QUORUM_BID_PER_JOB,
} QuorumBidPer;

const char *quorum_bid_per_to_string          (QuorumBidPer         per);
gboolean    quorum_bid_per_from_string        (const char          *name,
                                               QuorumBidPer        *per);

/**
 * QuorumBid:
 * @amount: in hundredths of @currency ("12.50" is 1250)
 * @currency: an ISO 4217 code, three uppercase letters
 *
 * What a market job pays, per task or for the whole job.
 */
typedef struct {
  gint64        amount;
  char          currency[4];
  QuorumBidPer  per;
} QuorumBid;

gboolean quorum_bid_amount_parse  (const char *text,
                                   gint64     *amount);
char    *quorum_bid_amount_format (gint64      amount);

/**
 * QuorumMarketTerms:
 * @set: whether the job has terms at all (only a market job may)
 * @deadline: Unix seconds after which organizations can no longer apply
 */
typedef struct {
  gboolean   set;
  QuorumBid  bid;
  gint64     deadline;
} QuorumMarketTerms;

/**
 * QuorumJobSettings:
 * @passes_per_file: P; signed so that a bad value can be reported, not wrapped
 * @review_frequency: R; 0 means no review
 *
 * Everything DESIGN §2 lets a job creator choose.
 */
typedef struct {
  char                *name;
  QuorumJobType        type;
  QuorumShare          share;
  gint                 passes_per_file;
  gint                 review_frequency;
  QuorumConsensusMode  consensus;
  gboolean             blind;
  double               threshold;
  QuorumPassRule       pass_rule;
  GStrv                required_credentials;  /* never NULL */
  GStrv                awarded_credentials;   /* never NULL */
  char                *draw_guide;            /* nullable guide id */
  char                *review_guide;          /* nullable guide id */
  /* exams: attempts per person, seconds between a decided attempt and the
   * next, and whether a taker sees the gold once their attempt is decided */
  gint                 max_attempts;
  gint64               retake_wait;
  gboolean             show_answers;
  /* market jobs: the bid and the deadline for applications */
  QuorumMarketTerms    market;
} QuorumJobSettings;

QuorumJobSettings *quorum_job_settings_new   (const char              *name);
QuorumJobSettings *quorum_job_settings_copy  (const QuorumJobSettings *settings);
void               quorum_job_settings_free  (QuorumJobSettings       *settings);
gboolean           quorum_job_settings_check (const QuorumJobSettings *settings,
                                              GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumAttributeSpec, quorum_attribute_spec_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumLabel, quorum_label_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumLabelSchema, quorum_label_schema_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumInstance, quorum_instance_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumAnnotationSet, quorum_annotation_set_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumJobSettings, quorum_job_settings_free)

G_END_DECLS
