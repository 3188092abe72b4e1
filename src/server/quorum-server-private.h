/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "quorum-http.h"
#include "quorum-server.h"
#include "quorum-store.h"

G_BEGIN_DECLS

struct _QuorumServer
{
  GObject      parent_instance;

  QuorumStore *store;
  SoupServer  *soup;
  gint64       token_lifetime;   /* seconds */
  gint64       max_upload;       /* bytes */
  gint64       idle_release;     /* seconds an assigned, untouched task stays assigned */
  GHashTable  *scoring;          /* consensus task ids whose agreement is being computed */
  gboolean     tls;
  GPtrArray   *held;             /* paused messages of the open batch */
  guint        commit_source;
  GPtrArray   *committed;        /* paused messages of committed batches, awaiting a sync */
  gboolean     syncing;
  GHashTable  *connections;      /* GSocket → busy, of the keep-alive connections */
  guint        reaper;
};

typedef struct _QuorumUpload QuorumUpload;

#define QUORUM_MAX_PATH_IDS 3

/* One API call: the message, the ids in its path, and who is calling. */
typedef struct {
  QuorumServer      *server;
  SoupServerMessage *msg;
  gint64             ids[QUORUM_MAX_PATH_IDS];
  JsonObject        *caller;      /* NULL on the routes that need no token */
  gint64             caller_id;
  gboolean           caller_admin;
  char              *token_hash;
  gboolean           paused;      /* answered later, from another thread's result */
} QuorumRequest;

typedef void (*QuorumRouteHandler) (QuorumRequest *request);

/* Project roles in rising order of what they may do. */
typedef enum {
  QUORUM_ROLE_NONE,
  QUORUM_ROLE_VIEWER,
  QUORUM_ROLE_ANNOTATOR,
  QUORUM_ROLE_REVIEWER,
  QUORUM_ROLE_EDITOR,
  QUORUM_ROLE_ADMIN,
} QuorumRole;

gboolean   quorum_role_from_string      (const char    *name,
                                         QuorumRole    *role);
/* The role's name as the API writes it; NULL for QUORUM_ROLE_NONE. */
const char *quorum_role_to_string       (QuorumRole     role);
/* @user_id's role in a project (admin when @admin, a server administrator);
 * QUORUM_ROLE_NONE for a non-member. */
QuorumRole _quorum_server_project_role  (QuorumServer  *server,
                                         gint64         project_id,
                                         gint64         user_id,
                                         gboolean       admin);
/* The caller's role in a project; server admins count as project admins.
 * A project the caller is not a member of answers 404, not 403, so that
 * its existence does not leak. Replies and returns FALSE when below @needed. */
gboolean   _quorum_request_require_role (QuorumRequest *request,
                                         gint64         project_id,
                                         QuorumRole     needed,
                                         QuorumRole    *role);
gboolean   _quorum_request_require_admin (QuorumRequest *request);
/* The body as an object, or replies 400/413 and returns NULL. */
JsonObject *_quorum_request_body        (QuorumRequest *request);
void       _quorum_request_reply_error  (QuorumRequest *request,
                                         GError        *error);
void       _quorum_request_reply        (QuorumRequest *request,
                                         guint          status,
                                         JsonNode      *body);
/* Replies 200 with @result, or the error when @result is NULL. */
void       _quorum_request_reply_result (QuorumRequest *request,
                                         JsonNode      *result,
                                         GError       **error);
/* For work off the main loop: pause the message now; _finish unpauses it
 * and frees the request once the reply is set. */
void       _quorum_request_pause        (QuorumRequest *request);
void       _quorum_request_finish       (QuorumRequest *request);

/* quorum-server-accounts.c */
void _quorum_server_login           (QuorumRequest *request);
void _quorum_server_logout          (QuorumRequest *request);
void _quorum_server_me              (QuorumRequest *request);
void _quorum_server_create_user     (QuorumRequest *request);
void _quorum_server_list_users      (QuorumRequest *request);
void _quorum_server_create_org      (QuorumRequest *request);
void _quorum_server_list_orgs       (QuorumRequest *request);
void _quorum_server_add_org_member  (QuorumRequest *request);
void _quorum_server_user_credentials (QuorumRequest *request);

/* quorum-server-media.c */
void _quorum_server_begin_upload   (QuorumServer      *server,
                                    SoupServerMessage *msg);
void _quorum_server_upload_file    (QuorumRequest *request);
void _quorum_server_list_files     (QuorumRequest *request);
void _quorum_server_get_file       (QuorumRequest *request);
void _quorum_server_download_file  (QuorumRequest *request);
void _quorum_server_set_existing   (QuorumRequest *request);
void _quorum_server_get_existing   (QuorumRequest *request);
void _quorum_server_create_guide   (QuorumRequest *request);
void _quorum_server_update_guide   (QuorumRequest *request);
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

/* quorum-server-consensus.c: computes what opened consensus tasks lack,
 * and the review steps of a consensus task */
void _quorum_server_score_consensus  (QuorumServer  *server);
void _quorum_server_consensus_best   (QuorumRequest *request);
void _quorum_server_consensus_copy   (QuorumRequest *request);
void _quorum_server_consensus_clear  (QuorumRequest *request);

/* quorum-server-import.c: COCO into a project's existing instances; its
 * body may exceed QUORUM_HTTP_MAX_JSON_BODY up to this */
#define QUORUM_SERVER_MAX_IMPORT_BODY (64 * 1024 * 1024)
void _quorum_server_import_coco      (QuorumRequest *request);

/* quorum-server-exams.c */
gboolean _quorum_server_is_exam          (JsonObject    *job);
gboolean _quorum_server_add_exam_view    (QuorumServer  *server,
                                          JsonObject    *view,
                                          GError       **error);
char    *_quorum_server_suggested_rating (QuorumServer  *server,
                                          JsonObject    *review,
                                          GError       **error);
void     _quorum_server_apply_exam       (QuorumRequest *request);
void     _quorum_server_rate_task        (QuorumRequest *request);
void     _quorum_server_exam_results     (QuorumRequest *request);
void     _quorum_server_pass_exam        (QuorumRequest *request);
void     _quorum_server_fail_exam        (QuorumRequest *request);

/* quorum-server-export.c */
void     _quorum_server_export_job       (QuorumRequest *request);

/* quorum-server-tasks.c */
void _quorum_server_get_task         (QuorumRequest *request);
void _quorum_server_save_task        (QuorumRequest *request);
void _quorum_server_submit_task      (QuorumRequest *request);
void _quorum_server_accept_task      (QuorumRequest *request);
void _quorum_server_reject_task      (QuorumRequest *request);
/* Store errors of task writes on the task of the path: a conflict is 409
 * carrying the current version, so the client can keep its copy and offer a
 * choice; someone else's task (FORBIDDEN) is 404, as if it did not exist. */
void _quorum_request_reply_task_error (QuorumRequest *request,
                                       GError        *error);

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
void _quorum_server_list_market          (QuorumRequest *request);
void _quorum_server_apply_to_job         (QuorumRequest *request);
void _quorum_server_list_applications    (QuorumRequest *request);
void _quorum_server_accept_application   (QuorumRequest *request);
void _quorum_server_decline_application  (QuorumRequest *request);

/* quorum-server-assign.c: task lists and assignment by hand */
void _quorum_server_job_tasks        (QuorumRequest *request);
void _quorum_server_my_tasks         (QuorumRequest *request);
void _quorum_server_assign_task      (QuorumRequest *request);
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
void _quorum_server_create_credential (QuorumRequest *request);
void _quorum_server_list_credentials  (QuorumRequest *request);
void _quorum_server_grant_credential  (QuorumRequest *request);
void _quorum_server_revoke_credential (QuorumRequest *request);

G_END_DECLS
