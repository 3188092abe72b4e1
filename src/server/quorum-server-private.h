/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "quorum-http.h"
#include "quorum-login-throttle.h"
#include "quorum-password-pool.h"
#include "quorum-request.h"
#include "quorum-server.h"
#include "quorum-store.h"

G_BEGIN_DECLS

typedef struct _QuorumVideoWork QuorumVideoWork;

struct _QuorumServer
{
  GObject      parent_instance;

  QuorumStore *store;
  SoupServer  *soup;
  gint64       token_lifetime;   /* seconds */
  gint64       max_upload;       /* bytes */
  gint64       max_image_pixels; /* width × height of an uploaded image */
  gint64       idle_release;     /* seconds an assigned, untouched task stays assigned */
  GHashTable  *scoring;          /* consensus task ids whose agreement is being computed */
  gboolean     tls;
  GPtrArray   *held;             /* paused messages of the open batch */
  guint        commit_source;
  GPtrArray   *committed;        /* paused messages of committed batches, awaiting a sync */
  gboolean     syncing;
  gboolean     checkpointing;    /* a checkpoint of the store's log runs in a thread */
  QuorumServerLimits limits;
  gint64       instances_in_flight; /* bytes claimed by instance saves' bodies (quorum-server-bodies.c) */
  GHashTable  *connections;      /* GSocket → QuorumConnection, of every open connection */
  GHashTable  *per_address;      /* remote address → its number of connections */
  guint        reaper;

  /* sign-in (quorum-server-accounts.c) */
  QuorumPasswordPool  *password_pool;
  QuorumLoginThrottle *name_throttle;     /* failed sign-ins by user name */
  QuorumLoginThrottle *address_throttle;  /* failed sign-ins by client address */
  char                *dummy_hash;        /* what an unknown user's password is checked against */
  gint64               token_purge_interval; /* seconds */
  guint                token_purge;

  /* video preparation (quorum-server-media.c) */
  QuorumVideoWork     *videos;
  guint                video_resume;   /* the look for videos left unprepared (shared stores) */
};

/* quorum-server-media.c: videos are prepared one at a time in a worker
 * thread after their upload; start queues those a previous run left
 * unfinished, stop cancels the one under way (it stays “preparing”). */
void     _quorum_server_prepare_video (QuorumServer  *server,
                                       const char    *sha256);
gboolean _quorum_server_videos_start  (QuorumServer  *server,
                                       GError       **error);
void     _quorum_server_videos_stop   (QuorumServer  *server);

typedef struct _QuorumUpload QuorumUpload;

/* @msg, paused, is answered once everything it may have read or written is
 * durable (the group commit of quorum-server.c). */
void _quorum_server_hold_until_commit (QuorumServer      *server,
                                       SoupServerMessage *msg);

/* Sends @msg's reply (status and body already set) and closes its
 * connection without reading the rest of the request. */
void _quorum_server_reply_and_close (QuorumServer      *server,
                                     SoupServerMessage *msg);

/* quorum-server-bodies.c: the bytes of instance saves' bodies held at once,
 * all callers together (--max-instances-in-flight). */
#define QUORUM_SERVER_MAX_INSTANCES_IN_FLIGHT ((gint64) 512 * 1024 * 1024)
/* Claims @announced bytes (-1: a chunked body, claimed as it comes) for
 * @msg until it is freed; FALSE with a 503 set on @msg over the budget. */
gboolean _quorum_server_claim_instances_body (QuorumServer      *server,
                                              SoupServerMessage *msg,
                                              gint64             announced);

/* quorum-server-accounts.c */
/* The password pool, the sign-in throttles and the purge of expired
 * tokens: made with the server, ended with it. */
gboolean _quorum_server_accounts_start (QuorumServer  *server,
                                        GError       **error);
void     _quorum_server_accounts_stop  (QuorumServer  *server);
void _quorum_server_login           (QuorumRequest *request);
void _quorum_server_logout          (QuorumRequest *request);
void _quorum_server_me              (QuorumRequest *request);
void _quorum_server_create_user     (QuorumRequest *request);
void _quorum_server_list_users      (QuorumRequest *request);
void _quorum_server_create_org      (QuorumRequest *request);
void _quorum_server_list_orgs       (QuorumRequest *request);
void _quorum_server_add_org_member  (QuorumRequest *request);
void _quorum_server_user_credentials (QuorumRequest *request);
void _quorum_server_change_password (QuorumRequest *request);
void _quorum_server_set_password    (QuorumRequest *request);
void _quorum_server_disable_user    (QuorumRequest *request);
void _quorum_server_enable_user     (QuorumRequest *request);
void _quorum_server_revoke_tokens   (QuorumRequest *request);

/* quorum-server-media.c */
void _quorum_server_begin_upload   (QuorumServer      *server,
                                    SoupServerMessage *msg);
void _quorum_server_upload_file    (QuorumRequest *request);
void _quorum_server_list_files     (QuorumRequest *request);
void _quorum_server_get_file       (QuorumRequest *request);
void _quorum_server_download_file  (QuorumRequest *request);
void _quorum_server_get_proxy      (QuorumRequest *request);
void _quorum_server_get_frames     (QuorumRequest *request);
void _quorum_server_set_existing   (QuorumRequest *request);
void _quorum_server_get_existing   (QuorumRequest *request);
void _quorum_server_create_guide   (QuorumRequest *request);
void _quorum_server_update_guide   (QuorumRequest *request);
void _quorum_server_list_guide_versions (QuorumRequest *request);
void _quorum_server_get_guide_version (QuorumRequest *request);
void _quorum_server_get_guide      (QuorumRequest *request);
void _quorum_server_list_guides    (QuorumRequest *request);

/* quorum-server-jobs.c */
void _quorum_server_create_job       (QuorumRequest *request);
void _quorum_server_list_jobs        (QuorumRequest *request);
void _quorum_server_get_job          (QuorumRequest *request);
void _quorum_server_change_job_files (QuorumRequest *request);
void _quorum_server_launch_job       (QuorumRequest *request);
void _quorum_server_cancel_job       (QuorumRequest *request);
void _quorum_server_job_status       (QuorumRequest *request);
void _quorum_server_next_task        (QuorumRequest *request);

/* quorum-server-stats.c: the job overview */
void _quorum_server_job_stats        (QuorumRequest *request);

/* quorum-server-consensus.c: computes what opened consensus tasks lack,
 * and the review steps of a consensus task */
void _quorum_server_score_consensus  (QuorumServer  *server);
void _quorum_server_consensus_best   (QuorumRequest *request);
void _quorum_server_consensus_copy   (QuorumRequest *request);
void _quorum_server_consensus_clear  (QuorumRequest *request);
void _quorum_server_consensus_undo   (QuorumRequest *request);

/* quorum-server-import.c: COCO into a project's existing instances; its
 * body may exceed QUORUM_HTTP_MAX_JSON_BODY up to this */
#define QUORUM_SERVER_MAX_IMPORT_BODY (64 * 1024 * 1024)
void _quorum_server_import_coco      (QuorumRequest *request);

/* quorum-server-exams.c */
gboolean _quorum_server_is_exam          (JsonObject    *job);
/* Whether the caller takes the exam @job (any attempt, whatever their
 * role): its gold, its reviews, results and export are not for them. FALSE
 * for a job that is no exam. */
gboolean _quorum_request_takes_exam      (QuorumRequest *request,
                                          JsonObject    *job);
gboolean _quorum_server_add_exam_view    (QuorumServer  *server,
                                          JsonObject    *view,
                                          GError       **error);
char    *_quorum_server_suggested_rating (QuorumServer  *server,
                                          JsonObject    *review,
                                          GError       **error);
void     _quorum_server_rate_task        (QuorumRequest *request);

/* quorum-server-attempts.c: standing exams, attempts, results, decisions */
void     _quorum_server_apply_exam       (QuorumRequest *request);
void     _quorum_server_exam_results     (QuorumRequest *request);
void     _quorum_server_pass_exam        (QuorumRequest *request);
void     _quorum_server_fail_exam        (QuorumRequest *request);
void     _quorum_server_pass_attempt     (QuorumRequest *request);
void     _quorum_server_fail_attempt     (QuorumRequest *request);
void     _quorum_server_close_exam       (QuorumRequest *request);
void     _quorum_server_list_exams       (QuorumRequest *request);
void     _quorum_server_get_attempt      (QuorumRequest *request);

/* quorum-server-export.c */
void     _quorum_server_export_job       (QuorumRequest *request);

/* quorum-server-tasks.c */
void _quorum_server_get_task         (QuorumRequest *request);
void _quorum_server_save_task        (QuorumRequest *request);
void _quorum_server_submit_task      (QuorumRequest *request);
void _quorum_server_accept_task      (QuorumRequest *request);
void _quorum_server_reject_task      (QuorumRequest *request);
/* The body's "version", the task version a write is based on: a whole
 * number of at least 1, else replies 400 naming it and returns FALSE. When
 * not @required and left out, *@version is 0: not checked. */
gboolean    _quorum_request_read_version (QuorumRequest  *request,
                                          JsonObject     *body,
                                          gboolean        required,
                                          gint64         *version);
/* For a write on the task of the path: the task (with its instances when
 * @with_instances) and its job, when the caller holds the task and still
 * reaches the job (project role or share) with a role that may do its kind
 * of work. Replies 404 “no task N” (403 for a role too low) and returns
 * NULL otherwise. An exam's review task is never its takers'. */
JsonObject *_quorum_request_own_task    (QuorumRequest  *request,
                                         gboolean        with_instances,
                                         JsonObject    **job);
/* The instances of a save's @list (the body's member @field) for @task of
 * @job: checked against the project's labels and the file's frames. Else
 * replies 400 naming the field and returns NULL. */
GPtrArray  *_quorum_request_read_task_instances (QuorumRequest *request,
                                                 JsonObject    *task,
                                                 JsonObject    *job,
                                                 JsonNode      *list,
                                                 const char    *field);
/* A message of quorum_tracks_check on @before's first @n_before instances
 * (nullable) then a list sent as @field, in the sender's terms: instances[i]
 * past @n_before becomes @field[i − n_before], one before it the task's
 * instance by id. */
char       *_quorum_server_rename_instances (const char *message,
                                             const char *field,
                                             guint       n_before,
                                             GPtrArray  *before);
/* Store errors of task writes on the task of the path: a conflict is 409
 * carrying the current version, so the client can keep its copy and offer a
 * choice; someone else's task (FORBIDDEN) is 404, as if it did not exist. */
void _quorum_request_reply_task_error (QuorumRequest *request,
                                       GError        *error);

/* quorum-server-comments.c: review comments, a row each */
/* The comments of an accept or reject @body on @task (a review or
 * consensus task): the task comment ("comment", or the older "comments";
 * required when rejecting) as *@comment, and the notes to store with the
 * decision (quorum_store_decide_review), pins checked against the sets the
 * decision is about and the image. Else replies 400 naming the field and
 * returns NULL. */
JsonArray *_quorum_server_read_decision_comments (QuorumRequest  *request,
                                                  JsonObject     *task,
                                                  JsonObject     *body,
                                                  gboolean        accept,
                                                  const char    **comment);
/* Adds "review_comments" (and for a review task "changed_since") to the
 * task @view of GET /tasks/{id}. */
gboolean   _quorum_server_add_comments_view      (QuorumRequest  *request,
                                                  JsonObject     *view,
                                                  JsonObject     *job,
                                                  GError        **error);
void       _quorum_server_task_comments          (QuorumRequest  *request);

/* quorum-server-deltas.c: saves of what changed in a task's instances */
void _quorum_server_patch_task       (QuorumRequest *request);
/* Says the handler's time since @started (g_get_monotonic_time), the store's
 * commit and the reply's JSON included, in a Server-Timing header ("app;dur=MILLISECONDS"): for
 * measuring saves apart from the transfer of their bodies. */
void _quorum_request_set_server_timing (QuorumRequest *request,
                                        gint64         started);

/* quorum-server-shares.c: who reaches a job through its share (DESIGN §2) */
/* The role the caller acts with on @job: their project role (admin for a
 * server admin), raised to annotator when an org or market share reaches
 * them; QUORUM_ROLE_NONE when nothing does. */
QuorumRole _quorum_request_job_role      (QuorumRequest *request,
                                          JsonObject    *job);
/* Replies 404 “no job N” when the caller does not reach @job, 403 when
 * their role is below @needed, and returns FALSE. */
gboolean   _quorum_request_job_access    (QuorumRequest *request,
                                          JsonObject    *job,
                                          QuorumRole     needed,
                                          QuorumRole    *role);
/* Whether the caller is assigned a task on @file_id in a job they still reach. */
gboolean   _quorum_request_works_on_file (QuorumRequest *request,
                                          gint64         file_id);
/* Whether the caller is assigned a task, in a job they still reach, whose
 * draw or review guide shows @file_id among its images. */
gboolean   _quorum_request_reads_guide_image (QuorumRequest *request,
                                              gint64         file_id);
void _quorum_server_list_reachable_jobs  (QuorumRequest *request);
void _quorum_server_apply_to_job         (QuorumRequest *request);
void _quorum_server_list_applications    (QuorumRequest *request);
void _quorum_server_accept_application   (QuorumRequest *request);
void _quorum_server_decline_application  (QuorumRequest *request);

/* quorum-server-market.c: the market's jobs, follows and what is new */
void _quorum_server_list_market          (QuorumRequest *request);
void _quorum_server_my_orgs              (QuorumRequest *request);
void _quorum_server_get_market_follow    (QuorumRequest *request);
void _quorum_server_set_market_follow    (QuorumRequest *request);
void _quorum_server_remove_market_follow (QuorumRequest *request);
void _quorum_server_new_market_jobs      (QuorumRequest *request);

/* quorum-server-assign.c: task lists and assignment by hand */
void _quorum_server_job_tasks        (QuorumRequest *request);
void _quorum_server_my_tasks         (QuorumRequest *request);
void _quorum_server_assign_task      (QuorumRequest *request);
void _quorum_server_add_reader      (QuorumRequest *request);
void _quorum_server_release_task     (QuorumRequest *request);

/* quorum-server-projects.c */
void _quorum_server_create_project    (QuorumRequest *request);
void _quorum_server_list_projects     (QuorumRequest *request);
void _quorum_server_get_project       (QuorumRequest *request);
void _quorum_server_list_members      (QuorumRequest *request);
void _quorum_server_set_member        (QuorumRequest *request);
void _quorum_server_remove_member     (QuorumRequest *request);
void _quorum_server_get_labels        (QuorumRequest *request);
void _quorum_server_set_labels        (QuorumRequest *request);
void _quorum_server_get_label_usage   (QuorumRequest *request);
void _quorum_server_create_credential (QuorumRequest *request);
void _quorum_server_list_credentials  (QuorumRequest *request);
void _quorum_server_list_grants       (QuorumRequest *request);
void _quorum_server_grant_credential  (QuorumRequest *request);
void _quorum_server_revoke_credential (QuorumRequest *request);
void _quorum_server_create_org_credential (QuorumRequest *request);
void _quorum_server_list_org_credentials  (QuorumRequest *request);
/* Whether @user_id holds what @spec (a job's required credential) means in
 * @project_id: the project's own, its organization's, or "Org/Name". */
gboolean _quorum_server_holds_credential  (QuorumServer  *server,
                                           gint64         project_id,
                                           gint64         user_id,
                                           const char    *spec);
/* Releases @user_id's held tasks of jobs whose required credentials they no
 * longer hold (after a revocation): at once, not at their next request. */
gboolean _quorum_server_release_unqualified (QuorumServer  *server,
                                             gint64         user_id,
                                             GError       **error);

G_END_DECLS
