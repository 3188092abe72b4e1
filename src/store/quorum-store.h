/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "quorum-task-graph.h"

G_BEGIN_DECLS

/**
 * QuorumStore:
 *
 * The server's persistence: the rows in one SQLite file in the data
 * directory (WAL, synchronous=FULL, foreign keys on), or in a PostgreSQL
 * database that several servers share (quorum_store_open_database), each
 * with its versioned migrations; and a content-addressed blob folder in the
 * data directory. The interface is plain functions in the domain's words,
 * the same on both backends.
 *
 * Reads return JSON objects (or arrays of them) shaped as the API answers,
 * columns by name. Every write runs in one transaction and is committed
 * before the function returns, or, inside a batch, when the batch commits.
 */
typedef struct _QuorumStore QuorumStore;

QuorumStore *quorum_store_open           (const char  *data_dir,
                                          GError     **error);
/* With a @database (a libpq connection string or postgresql:// URL) the
 * rows are kept there and @data_dir holds only the blobs; NULL is the
 * SQLite file in @data_dir. */
QuorumStore *quorum_store_open_database  (const char  *data_dir,
                                          const char  *database,
                                          GError     **error);
/* Called with each table's name as quorum_store_copy_into starts it. */
typedef void (*QuorumStoreCopyStep) (const char *table,
                                     gpointer    user_data);
/* Copies every row of @from (SQLite) into @to (PostgreSQL), which must be
 * empty, in one transaction; then counts and hashes each table on both
 * sides. Returns [{"table", "rows", "hash"}], or NULL with an error:
 * QUORUM_ERROR_CONFLICT for a database not empty (left as it was) or a
 * copy that differs from its source. */
JsonNode    *quorum_store_copy_into      (QuorumStore          *from,
                                          QuorumStore          *to,
                                          QuorumStoreCopyStep   step,
                                          gpointer              user_data,
                                          GError              **error);
/* Whether this store is on PostgreSQL, shared with other servers. */
gboolean     quorum_store_is_shared      (QuorumStore *store);
/* For work that one server of those sharing a database is to do (purging
 * expired tokens): TRUE for the one that holds @role's lock, taken on the
 * first call and kept until the store closes; always TRUE on SQLite. */
gboolean     quorum_store_lead           (QuorumStore *store,
                                          const char  *role);
/* Failed sign-ins by user name shared by the servers of a database, beside
 * each server's own throttle (which counts only its own): the seconds
 * @name must still wait (0: none); a failure, counted with the throttle's
 * limits; a success, which forgets them; and forgetting those of more than
 * @max_delay ago. On SQLite (one server) they do nothing. */
gint64       quorum_store_login_wait     (QuorumStore *store,
                                          const char  *name);
void         quorum_store_login_outcome  (QuorumStore *store,
                                          const char  *name,
                                          gboolean     failed,
                                          guint        attempts,
                                          gint64       delay,
                                          gint64       max_delay);
void         quorum_store_purge_login_failures (QuorumStore *store,
                                                gint64       max_delay);
/* A video's preparation, by one server of those sharing a database at a
 * time: TRUE when this one may prepare the content @sha256 (no other
 * holds it; held until released, or until this server's connection ends,
 * as when it is killed); always TRUE on SQLite. */
gboolean     quorum_store_claim_video    (QuorumStore *store,
                                          const char  *sha256);
void         quorum_store_release_video  (QuorumStore *store,
                                          const char  *sha256);
void         quorum_store_close          (QuorumStore *store);
int          quorum_store_schema_version (QuorumStore *store);
const char  *quorum_store_get_path       (QuorumStore *store);

/* Group commit: between batch_begin and batch_commit every change runs in
 * one transaction (each function's own as a savepoint of it, so that a
 * refused change is undone alone). batch_commit commits without waiting for
 * the disk; the batch is durable once a quorum_store_sync that started after
 * batch_commit returned has succeeded. quorum_store_sync may run in another
 * thread while the store goes on with the next batch. Nothing done inside a
 * batch may be acknowledged before then. Outside batches every change is
 * durable when its function returns. */
gboolean     quorum_store_batch_begin    (QuorumStore  *store,
                                          GError      **error);
gboolean     quorum_store_in_batch       (QuorumStore  *store);
gboolean     quorum_store_batch_commit   (QuorumStore  *store,
                                          GError      **error);
gboolean     quorum_store_sync           (QuorumStore  *store,
                                          GError      **error);
/* Reads that never wait for a write. The store keeps read-only connections
 * beside its writer: quorum_store_read_begin sends every statement to one of
 * them until quorum_store_read_end, so that what is read is on disk, never
 * a change not yet acknowledged. With @all_durable (the caller knows that
 * nothing is committed without being synced: no batch waits for a sync) a
 * new read transaction sees the last commit; otherwise the reads see the
 * durable snapshot, if the store holds one. Returns FALSE when it cannot:
 * read inside the batch then, and answer after its sync.
 *
 * The snapshots: before a commit, while all that is committed is durable,
 * quorum_store_snapshot_hold keeps that as the durable snapshot; when a
 * sync starts, quorum_store_snapshot_take opens a read transaction on all
 * that is committed (what the sync will make durable), and
 * quorum_store_snapshot_settle, when the sync has ended, makes it the
 * durable one (or drops it if the sync failed). quorum_store_snapshot_drop
 * lets the durable one go when nothing waits for a sync, so that the log can
 * be checkpointed and started over. */
void         quorum_store_snapshot_hold  (QuorumStore  *store);
gboolean     quorum_store_snapshot_take  (QuorumStore  *store);
void         quorum_store_snapshot_settle (QuorumStore *store,
                                          gboolean      synced);
void         quorum_store_snapshot_drop  (QuorumStore  *store);

/*
 * Checkpoints. By default a commit that leaves the log at 1,000 frames or
 * more checkpoints it then and there, on the caller's thread, when no
 * snapshot is held: copying the log into the database and syncing both
 * files, which for a big save (100,000 polygons: 17,000 frames) takes a
 * good part of a second. After quorum_store_checkpoint_elsewhere the
 * caller does it instead: quorum_store_checkpoint_due says when, and
 * quorum_store_checkpoint may run in another thread (one call at a time)
 * while the store goes on: a passive checkpoint on a connection of its
 * own, which never blocks the writer nor the readers and copies no frame
 * a reader's snapshot still needs. The writer starts the log over at its
 * next write once it is all copied.
 */
void         quorum_store_checkpoint_elsewhere (QuorumStore *store);
gboolean     quorum_store_checkpoint_due (QuorumStore  *store);
gboolean     quorum_store_checkpoint     (QuorumStore  *store,
                                          GError      **error);
gboolean     quorum_store_read_begin     (QuorumStore  *store,
                                          gboolean      all_durable);
void         quorum_store_read_end       (QuorumStore  *store);

/* ---- accounts (quorum-store-accounts.c) ------------------------------- */

gint64      quorum_store_create_user      (QuorumStore  *store,
                                           const char   *name,
                                           const char   *password_hash,
                                           gboolean      admin,
                                           GError      **error);
/* {id, name, admin, disabled, created}; with @password_hash also the
 * stored hash. */
JsonObject *quorum_store_find_user        (QuorumStore  *store,
                                           const char   *name,
                                           char        **password_hash,
                                           GError      **error);
JsonObject *quorum_store_get_user         (QuorumStore  *store,
                                           gint64        user_id,
                                           GError      **error);
JsonNode   *quorum_store_list_users       (QuorumStore  *store,
                                           GError      **error);
gint64      quorum_store_count_users      (QuorumStore  *store);
/* Sign-ins one user keeps at once; a new one past it ends the oldest. */
#define QUORUM_STORE_MAX_TOKENS 100
gboolean    quorum_store_add_token        (QuorumStore  *store,
                                           const char   *token_hash,
                                           gint64        user_id,
                                           gint64        expires,
                                           GError      **error);
/* The user a live token belongs to, or NULL (QUORUM_ERROR_UNAUTHORIZED);
 * a disabled user's tokens are not live. */
JsonObject *quorum_store_user_for_token   (QuorumStore  *store,
                                           const char   *token_hash,
                                           gint64        now,
                                           GError      **error);
gboolean    quorum_store_remove_token     (QuorumStore  *store,
                                           const char   *token_hash,
                                           GError      **error);
/* The stored password hash of @user_id. */
char       *quorum_store_user_password_hash (QuorumStore *store,
                                             gint64       user_id,
                                             GError     **error);
/* Sets @user_id's password hash and revokes their tokens but
 * @keep_token_hash (nullable), in one transaction; *@revoked is how many. */
gboolean    quorum_store_set_password     (QuorumStore  *store,
                                           gint64        user_id,
                                           const char   *password_hash,
                                           const char   *keep_token_hash,
                                           gint64       *revoked,
                                           GError      **error);
/* Revokes every token of @user_id but @keep_token_hash (nullable); returns
 * how many, or -1. */
gint64      quorum_store_revoke_tokens    (QuorumStore  *store,
                                           gint64        user_id,
                                           const char   *keep_token_hash,
                                           GError      **error);
/* Disabling revokes every token of @user_id and gives back the tasks they
 * hold that may be released (waiting, assigned or in progress; not the draw
 * tasks of an exam they take), in one transaction; *@released and
 * *@revoked say how many. Enabling only lets them sign in again. */
gboolean    quorum_store_set_user_disabled (QuorumStore *store,
                                            gint64       user_id,
                                            gboolean     disabled,
                                            gint64      *released,
                                            gint64      *revoked,
                                            GError     **error);
/* Removes the tokens expired at @now (seconds); returns how many, or -1. */
gint64      quorum_store_purge_tokens     (QuorumStore  *store,
                                           gint64        now,
                                           GError      **error);
gint64      quorum_store_create_org       (QuorumStore  *store,
                                           const char   *name,
                                           GError      **error);
JsonNode   *quorum_store_list_orgs        (QuorumStore  *store,
                                           GError      **error);
gboolean    quorum_store_add_org_member   (QuorumStore  *store,
                                           gint64        org_id,
                                           gint64        user_id,
                                           GError      **error);

/* ---- projects (quorum-store-projects.c) ------------------------------- */

gint64      quorum_store_create_project   (QuorumStore  *store,
                                           const char   *name,
                                           gint64        org_id,
                                           gint64        creator_id,
                                           GError      **error);
/* Every project for an admin (@user_id < 0), else those @user_id is a member of. */
JsonNode   *quorum_store_list_projects    (QuorumStore  *store,
                                           gint64        user_id,
                                           GError      **error);
JsonObject *quorum_store_get_project      (QuorumStore  *store,
                                           gint64        project_id,
                                           GError      **error);
/* The member's role, or NULL when @user_id is not a member. */
char       *quorum_store_project_role     (QuorumStore  *store,
                                           gint64        project_id,
                                           gint64        user_id);
gboolean    quorum_store_set_member       (QuorumStore  *store,
                                           gint64        project_id,
                                           gint64        user_id,
                                           const char   *role,
                                           GError      **error);
gboolean    quorum_store_remove_member    (QuorumStore  *store,
                                           gint64        project_id,
                                           gint64        user_id,
                                           GError      **error);
JsonNode   *quorum_store_list_members     (QuorumStore  *store,
                                           gint64        project_id,
                                           GError      **error);
gboolean    quorum_store_set_labels       (QuorumStore  *store,
                                           gint64        project_id,
                                           const char   *schema_json,
                                           GError      **error);
JsonObject *quorum_store_label_usage      (QuorumStore  *store,
                                           gint64        project_id,
                                           GError      **error);
gint64      quorum_store_create_credential (QuorumStore *store,
                                            gint64       project_id,
                                            const char  *name,
                                            const char  *description,
                                            GError     **error);
JsonObject *quorum_store_get_credential   (QuorumStore  *store,
                                           gint64        credential_id,
                                           GError      **error);
JsonNode   *quorum_store_list_credentials (QuorumStore  *store,
                                           gint64        project_id,
                                           GError      **error);
gboolean    quorum_store_grant_credential (QuorumStore  *store,
                                           gint64        credential_id,
                                           gint64        user_id,
                                           gint64        granted_by,
                                           const char   *reason,
                                           GError      **error);
/* Keeps the grant's row, with when, by whom and why (@reason nullable). */
gboolean    quorum_store_revoke_credential (QuorumStore *store,
                                            gint64       credential_id,
                                            gint64       user_id,
                                            gint64       revoked_by,
                                            const char  *reason,
                                            GError     **error);
/* The current holders of @credential_id, by name; with @include_revoked,
 * the revoked grants too, after them. */
JsonNode   *quorum_store_list_grants      (QuorumStore  *store,
                                           gint64        credential_id,
                                           gboolean      include_revoked,
                                           GError      **error);
JsonNode   *quorum_store_user_credentials (QuorumStore  *store,
                                           gint64        user_id,
                                           GError      **error);

/* ---- media and guides (quorum-store-media.c) --------------------------- */

typedef struct {
  const char *sha256;
  const char *media_type;
  gint64      size;
  gint64      width;
  gint64      height;
  gint64      frames;
  double      fps;
} QuorumMediaInfo;

/* Where a blob lives: blobs/ab/abcdef…; and a fresh temporary file beside
 * them for an upload, so that the final rename stays on one file system. */
char       *quorum_store_blob_path       (QuorumStore           *store,
                                          const char            *sha256);
char       *quorum_store_blob_temp_path  (QuorumStore           *store);
/* Moves @temp_path into place (fsynced, then renamed); an existing blob with
 * the same content is kept and @temp_path removed. */
gboolean    quorum_store_adopt_blob      (QuorumStore           *store,
                                          const char            *temp_path,
                                          const char            *sha256,
                                          GError               **error);
/* Adds the file to the project; when the project has this content already,
 * returns that file's id and sets *@existed. */
gint64      quorum_store_add_file        (QuorumStore           *store,
                                          gint64                 project_id,
                                          const char            *name,
                                          const QuorumMediaInfo *info,
                                          gboolean              *existed,
                                          GError               **error);
/* Where a video's prepared proxy and its frame index live, by the
 * original's content: proxies/ab/abcdef….webm and ….frames.json. */
char       *quorum_store_proxy_path      (QuorumStore           *store,
                                          const char            *sha256);
char       *quorum_store_frames_path     (QuorumStore           *store,
                                          const char            *sha256);
/* The content of the videos whose preparation is unfinished, oldest first. */
GStrv       quorum_store_videos_to_prepare (QuorumStore         *store,
                                          GError               **error);
/* Where the preparation of every file with this content stands. Ready
 * also sets the files' frames and fps to the index's: frame N is the
 * index's. */
gboolean    quorum_store_set_video_progress (QuorumStore        *store,
                                          const char            *sha256,
                                          double                 progress,
                                          GError               **error);
gboolean    quorum_store_set_video_ready (QuorumStore           *store,
                                          const char            *sha256,
                                          gint64                 frames,
                                          double                 fps,
                                          GError               **error);
gboolean    quorum_store_set_video_failed (QuorumStore          *store,
                                          const char            *sha256,
                                          const char            *why,
                                          GError               **error);
JsonObject *quorum_store_get_file        (QuorumStore           *store,
                                          gint64                 file_id,
                                          GError               **error);
JsonNode   *quorum_store_list_files      (QuorumStore           *store,
                                          gint64                 project_id,
                                          GError               **error);
gboolean    quorum_store_set_existing    (QuorumStore           *store,
                                          gint64                 file_id,
                                          const char            *instances_json,
                                          GError               **error);
/* Creates a guide (@guide_id 0) or saves @guide_id as its next version,
 * by @user_id; none when @name and @markdown are the current ones.
 * @expected_version (0: no check) other than the current version is
 * QUORUM_ERROR_CONFLICT. */
gint64      quorum_store_save_guide      (QuorumStore           *store,
                                          gint64                 project_id,
                                          gint64                 guide_id,
                                          gint64                 user_id,
                                          gint64                 expected_version,
                                          const char            *name,
                                          const char            *markdown,
                                          GError               **error);
/* Guides written before the store recorded their images get them recorded,
 * once. */
gboolean    quorum_store_scan_guide_images (QuorumStore         *store,
                                          GError               **error);
/* {name: file id} for the names the guide's images give that a file of its
 * project has (the newest of them when several do). */
JsonObject *quorum_store_guide_image_files (QuorumStore         *store,
                                          gint64                 guide_id,
                                          GError               **error);
/* [{job}]: the jobs where @user_id is assigned a task and whose draw or
 * review guide shows @file_id (as quorum_store_guide_image_files maps it). */
JsonNode   *quorum_store_user_jobs_showing_file (QuorumStore    *store,
                                          gint64                 user_id,
                                          gint64                 file_id,
                                          GError               **error);
JsonObject *quorum_store_get_guide       (QuorumStore           *store,
                                          gint64                 guide_id,
                                          GError               **error);
JsonNode   *quorum_store_list_guides     (QuorumStore           *store,
                                          gint64                 project_id,
                                          GError               **error);
/* [{number, name, created, author, author_name}], the newest first. */
JsonNode   *quorum_store_list_guide_versions (QuorumStore       *store,
                                          gint64                 guide_id,
                                          GError               **error);
/* {guide, number, name, markdown, created, author, author_name}. */
JsonObject *quorum_store_get_guide_version (QuorumStore         *store,
                                          gint64                 guide_id,
                                          gint64                 number,
                                          GError               **error);

/* ---- jobs and tasks (quorum-store-jobs.c) ----------------------------- */

gint64      quorum_store_create_job      (QuorumStore   *store,
                                          gint64         project_id,
                                          const char    *settings_json,
                                          gint64         created_by,
                                          const gint64  *file_ids,
                                          guint          n_files,
                                          GError       **error);
/* {id, project, state, settings, created}, and with @with_files
 * files: [{id, name, position}] (a long list for a big job: only when needed) */
JsonObject *quorum_store_get_job         (QuorumStore   *store,
                                          gint64         job_id,
                                          gboolean       with_files,
                                          GError       **error);
JsonNode   *quorum_store_list_jobs       (QuorumStore   *store,
                                          gint64         project_id,
                                          GError       **error);
/* Adds and removes files of a draft job, in one transaction. */
gboolean    quorum_store_change_job_files (QuorumStore  *store,
                                           gint64        job_id,
                                           gint64        project_id,
                                           const gint64 *add,
                                           guint         n_add,
                                           const gint64 *remove,
                                           guint         n_remove,
                                           GError      **error);
/* Persists @plan (of QuorumPlannedTask, file_index into the job's files in
 * order) and moves the job from draft to launched, in one transaction. */
gboolean    quorum_store_launch_job      (QuorumStore   *store,
                                          gint64         job_id,
                                          GArray        *plan,
                                          GError       **error);
gboolean    quorum_store_set_job_state   (QuorumStore   *store,
                                          gint64         job_id,
                                          const char    *from_state,
                                          const char    *to_state,
                                          GError       **error);
JsonObject *quorum_store_job_status      (QuorumStore   *store,
                                          gint64         job_id,
                                          GError       **error);

/* ---- the job overview (quorum-store-stats.c) --------------------------- */

/* The figures of GET /jobs/{id}/stats (docs/api.md) that the store counts:
 * the status's task counts, progress, per file and per annotator, with the
 * exam results when @exam. "agreement_with_truth" is left null for the
 * server, which computes it from quorum_store_job_truth_pairs. */
JsonObject *quorum_store_job_stats       (QuorumStore   *store,
                                          gint64         job_id,
                                          gboolean       exam,
                                          GError       **error);
/* Every done draw task (submitted or accepted) of the job whose file has a
 * ground truth: its gold, else the consensus result once complete. Each row
 * has the task, user, file, the file's width, height, frames and fps, the
 * task's "instances", "truth_source" ("gold" or "consensus") and "truth". */
JsonNode   *quorum_store_job_truth_pairs (QuorumStore   *store,
                                          gint64         job_id,
                                          GError       **error);

/* The assignment protocol of DESIGN §2 in one transaction: returns the task
 * id given to @user_id, or 0 when there is nothing for them. @kind ("draw",
 * "review" or "consensus") keeps to tasks of that kind; NULL takes any. */
gint64      quorum_store_next_task       (QuorumStore   *store,
                                          gint64         job_id,
                                          gint64         user_id,
                                          gboolean       may_review,
                                          const char    *kind,
                                          gint64         idle_seconds,
                                          GError       **error);
/* Whether @user_id has taken the exam @job_id (any attempt). */
gboolean    quorum_store_is_exam_taker   (QuorumStore   *store,
                                          gint64         job_id,
                                          gint64         user_id);
/* Whether @user_id has a file in an exam they take: its gold is not for them. */
gboolean    quorum_store_takes_exam_on_file (QuorumStore *store,
                                             gint64       user_id,
                                             gint64       file_id);
JsonObject *quorum_store_get_task        (QuorumStore   *store,
                                          gint64         task_id,
                                          GError       **error);
/* The same without the instances: for checks and answers that need only
 * the task's state, sparing the parse of a large instance list. */
JsonObject *quorum_store_get_task_state  (QuorumStore   *store,
                                          gint64         task_id,
                                          GError       **error);
/* The draw tasks of one file of a job, in pass order. */
JsonNode   *quorum_store_file_draws      (QuorumStore   *store,
                                          gint64         job_id,
                                          gint64         file_id,
                                          GError       **error);
/* Saves @instances as the task's when @version (at least 1) is current;
 * returns the new version, or -1 with QUORUM_ERROR_CONFLICT naming the
 * current one (QUORUM_ERROR_INVALID for a version below 1). Sets each
 * instance's author and copied_from: an instance the task holds already
 * keeps its own, a new one is @author's, copied from nothing. With
 * @written (nullable), appends the instances as stored to it, a JSON array
 * (a reply need not write them again). */
gint64      quorum_store_save_task       (QuorumStore   *store,
                                          gint64         task_id,
                                          gint64         user_id,
                                          gint64         version,
                                          GPtrArray     *instances,
                                          const char    *author,
                                          GString       *written,
                                          GError       **error);
/* The same for what changed: removes @delete_ids (QUORUM_ERROR_INVALID
 * naming "delete[i]" for an id the task does not hold), then replaces or
 * adds each of @upsert by id (an added one last). Costs what changed, not
 * the size of the task. */
gint64      quorum_store_patch_task      (QuorumStore         *store,
                                          gint64               task_id,
                                          gint64               user_id,
                                          gint64               version,
                                          GPtrArray           *upsert,
                                          const char * const  *delete_ids,
                                          const char          *author,
                                          GError             **error);
gboolean    quorum_store_submit_task     (QuorumStore   *store,
                                          gint64         task_id,
                                          gint64         user_id,
                                          gint64         version,
                                          GError       **error);
/* A reviewer's decision on the draw task their review task reviews (or on
 * their consensus task); with a @version (0: none given), only at it. */
gboolean    quorum_store_review_task     (QuorumStore   *store,
                                          gint64         review_task_id,
                                          gint64         user_id,
                                          gint64         version,
                                          gboolean       accept,
                                          const char    *comments,
                                          GError       **error);

/* ---- exams (quorum-store-jobs.c) ---- */

/* ---- exams (quorum-store-exams.c, docs/exams.md) ---- */

/* Gives @taker a new attempt at an exam: the tasks of @plan, the draw
 * tasks assigned to them. Returns the attempt's id and sets @number (1, 2,
 * …); 409 while their last attempt is undecided, 422 past @max_attempts or
 * within @retake_wait seconds of the last decision. */
gint64      quorum_store_apply_exam      (QuorumStore   *store,
                                          gint64         job_id,
                                          gint64         taker,
                                          GArray        *plan,
                                          gint           max_attempts,
                                          gint64         retake_wait,
                                          gint64        *number,
                                          GError       **error);
/* Stores a reviewer's stars and Missing flags on their review task; with
 * a @version (0: none given), only at it. */
gboolean    quorum_store_rate_task       (QuorumStore   *store,
                                          gint64         task_id,
                                          gint64         user_id,
                                          gint64         version,
                                          const char    *rating_json,
                                          GError       **error);
/* Every attempt's draw and review tasks with ratings and decisions, by attempt. */
JsonNode   *quorum_store_exam_tasks      (QuorumStore   *store,
                                          gint64         job_id,
                                          GError       **error);
/* {"id", "job", "user", "user_name", "number", "started", "decision",
 * "decided_by", "decided", "state": in_progress|submitted|reviewed|passed|failed} */
JsonObject *quorum_store_get_attempt     (QuorumStore   *store,
                                          gint64         attempt_id,
                                          GError       **error);
/* The attempt's draws with their reviews: ratings, comments, instances. */
JsonNode   *quorum_store_attempt_tasks   (QuorumStore   *store,
                                          gint64         attempt_id,
                                          GError       **error);
JsonNode   *quorum_store_user_attempts   (QuorumStore   *store,
                                          gint64         user_id,
                                          GError       **error);
/* The id of @user_id's latest attempt at @job_id, 0 when none. */
gint64      quorum_store_latest_attempt  (QuorumStore   *store,
                                          gint64         job_id,
                                          gint64         user_id);
/* Pass or fail a reviewed, undecided attempt; pass grants @credential_ids. */
gboolean    quorum_store_decide_attempt  (QuorumStore   *store,
                                          gint64         attempt_id,
                                          gboolean       pass,
                                          gint64         decided_by,
                                          const gint64  *credential_ids,
                                          guint          n_credentials,
                                          GError       **error);
/* An exam stays open for new takers until its owner closes it. */
gboolean    quorum_store_close_exam      (QuorumStore   *store,
                                          gint64         job_id,
                                          GError       **error);
/* Launched exams with their project's organization and settings. */
JsonNode   *quorum_store_list_open_exams (QuorumStore   *store,
                                          GError       **error);
gint64      quorum_store_create_org_credential (QuorumStore *store,
                                                gint64       org_id,
                                                const char  *name,
                                                const char  *description,
                                                GError     **error);
JsonNode   *quorum_store_list_org_credentials  (QuorumStore *store,
                                                gint64       org_id,
                                                GError     **error);
/* The credential a job of @project_id means by @spec: the project's own of
 * that name, else its organization's, else "Org/Name" of another
 * organization; 0 when none. */
gint64      quorum_store_find_credential (QuorumStore   *store,
                                          gint64         project_id,
                                          const char    *spec);
/* The project's own credential @name, else its organization's; 0 when
 * none. What an exam of the project may award. */
gint64      quorum_store_find_own_credential (QuorumStore *store,
                                              gint64       project_id,
                                              const char  *name);
gboolean    quorum_store_user_holds      (QuorumStore   *store,
                                          gint64         user_id,
                                          gint64         credential_id);
/* @user_id's assigned, unsubmitted tasks of launched jobs (not exam
 * attempts) with the job's project and settings. */
JsonNode   *quorum_store_held_tasks      (QuorumStore   *store,
                                          gint64         user_id,
                                          GError       **error);

/* Whether @user_id is or was assigned a task on @file_id. */
gboolean    quorum_store_has_task_on_file (QuorumStore  *store,
                                           gint64        user_id,
                                           gint64        file_id);

/* Every draw and consensus task of a job with its file, annotator,
 * instances and agreement scores, in file order, draws by pass first. */
JsonNode   *quorum_store_job_outputs     (QuorumStore   *store,
                                          gint64         job_id,
                                          GError       **error);

/* Open consensus tasks whose file's agreement is not computed yet. */
JsonNode   *quorum_store_consensus_waiting_for_scores (QuorumStore  *store,
                                                       GError      **error);
/* Stores the agreement; with @preselected_json (Best Annotator), also starts
 * the consensus task's output from the best version if it is still empty. */
gboolean    quorum_store_set_consensus_scores (QuorumStore  *store,
                                               gint64        task_id,
                                               const char   *scores_json,
                                               const char   *preselected_json,
                                               GError      **error);
JsonNode   *quorum_store_get_consensus_scores (QuorumStore  *store,
                                               gint64        task_id);

/* ---- shares (quorum-store-shares.c) ---------------------------------- */

JsonObject *quorum_store_get_org         (QuorumStore   *store,
                                          gint64         org_id,
                                          GError       **error);
gboolean    quorum_store_is_org_member   (QuorumStore   *store,
                                          gint64         org_id,
                                          gint64         user_id);
/* Whether @user_id reaches the job through an org or market share, apart
 * from any project role: the job launched or complete, shared with the
 * project's organization and they a member of it, or on the market with an
 * accepted application of one of their organizations. */
gboolean    quorum_store_job_shared_with (QuorumStore   *store,
                                          gint64         job_id,
                                          gint64         user_id);
/* Every job @user_id reaches (every job for an admin, @user_id < 0):
 * [{id, name, project, project_name, state, share, project_role (NULL for
 * a non-member), shared (1 when reached through a share)}]. */
JsonNode   *quorum_store_list_reachable_jobs (QuorumStore *store,
                                              gint64       user_id,
                                              GError     **error);
/* The open market jobs (launched, before their deadline) that came on the
 * market after listing @since (0: all): [{id, name, project, project_name,
 * file_count, market: {bid, deadline} | null, listed, applications: [{org,
 * org_name, state}] of @user_id's organizations}]. */
JsonNode   *quorum_store_list_market_jobs (QuorumStore  *store,
                                           gint64        user_id,
                                           gint64        since,
                                           GError      **error);
/* The same, in the order they came on the market, at most @limit. */
JsonNode   *quorum_store_list_new_market_jobs (QuorumStore  *store,
                                               gint64        user_id,
                                               gint64        since,
                                               gint64        limit,
                                               GError      **error);
/* Whether the job is on the market and open to applications. */
gboolean    quorum_store_market_job_open (QuorumStore   *store,
                                          gint64         job_id);
/* The last listing so far: what a poll of the market passes as since next. */
gint64      quorum_store_market_cursor   (QuorumStore   *store);
/* @user_id's organizations: [{id, name}]. */
JsonNode   *quorum_store_list_user_orgs  (QuorumStore  *store,
                                          gint64        user_id,
                                          GError      **error);
/* {follow: {keywords, min_bid}, updated, updated_by}; NOT_FOUND when the org follows nothing. */
JsonObject *quorum_store_get_market_follow (QuorumStore  *store,
                                            gint64        org_id,
                                            GError      **error);
gboolean    quorum_store_set_market_follow (QuorumStore  *store,
                                            gint64        org_id,
                                            const char   *follow_json,
                                            gint64        user_id,
                                            GError      **error);
gboolean    quorum_store_remove_market_follow (QuorumStore  *store,
                                               gint64        org_id,
                                               GError      **error);
/* Applications are {org, org_name, state, applied, decided, message}. */
JsonObject *quorum_store_get_application (QuorumStore   *store,
                                          gint64         job_id,
                                          gint64         org_id,
                                          GError       **error);
/* A pending application; QUORUM_ERROR_CONFLICT when the org applied already. */
gboolean    quorum_store_add_application (QuorumStore   *store,
                                          gint64         job_id,
                                          gint64         org_id,
                                          gint64         applied_by,
                                          const char    *message,
                                          GError       **error);
JsonNode   *quorum_store_list_applications (QuorumStore *store,
                                            gint64       job_id,
                                            GError     **error);
/* Accepts or declines (a decision may be changed later); NOT_FOUND when
 * the org has not applied. */
gboolean    quorum_store_decide_application (QuorumStore *store,
                                             gint64       job_id,
                                             gint64       org_id,
                                             gboolean     accept,
                                             gint64       decided_by,
                                             GError     **error);
/* [{job}]: the jobs in which @user_id is assigned a task on @file_id. */
JsonNode   *quorum_store_user_jobs_on_file (QuorumStore *store,
                                            gint64       user_id,
                                            gint64       file_id,
                                            GError     **error);

/* A consensus review step (Mark as best, Copy to Ground Truth, a new
 * version): saves @instances_json as the consensus task's output when
 * @version is current, the task is @user_id's and open; with @best_task_id
 * > 0 also records that draw task as the best version (scores "best", the
 * best by score kept as "scored_best"). Returns the new version, or -1:
 * QUORUM_ERROR_CONFLICT (stale), _FORBIDDEN (not theirs), _STATE. */
gint64      quorum_store_save_consensus  (QuorumStore   *store,
                                          gint64         task_id,
                                          gint64         user_id,
                                          gint64         version,
                                          const char    *instances_json,
                                          gint64         best_task_id,
                                          GError       **error);
gint64      quorum_store_consensus_undo_depth (QuorumStore *store,
                                               gint64       task_id);
gint64      quorum_store_undo_consensus  (QuorumStore   *store,
                                          gint64         task_id,
                                          gint64         user_id,
                                          gint64         version,
                                          GError       **error);

/* COCO import: sets the existing instances of every file in one
 * transaction (all or none). */
gboolean    quorum_store_import_existing (QuorumStore   *store,
                                          const gint64  *file_ids,
                                          const char   **instances_json,
                                          guint          n_files,
                                          GError       **error);

/* ---- assignment by hand (quorum-store-assign.c) ------------------------ */

/* Every task of a job in task order, with its file's name and its
 * assignee's name. */
JsonNode   *quorum_store_job_tasks       (QuorumStore   *store,
                                          gint64         job_id,
                                          GError       **error);
/* The tasks @user_id has to work on (assigned, in progress, rejected) in
 * launched jobs, with the job's name and the file's. */
JsonNode   *quorum_store_user_tasks      (QuorumStore   *store,
                                          gint64         user_id,
                                          GError       **error);
/* The tasks @user_id finished (submitted, accepted, complete) in launched
 * jobs, the latest first, at most @limit, as quorum_store_user_tasks. */
JsonNode   *quorum_store_user_done_tasks (QuorumStore   *store,
                                          gint64         user_id,
                                          guint          limit,
                                          GError       **error);
/* An admin's assignment: may exceed P, but never two passes of a file to
 * one person, nor a review of one's own draw, nor a consensus task to one
 * of the file's annotators (QUORUM_ERROR_STATE). */
gboolean    quorum_store_assign_task     (QuorumStore   *store,
                                          gint64         task_id,
                                          gint64         user_id,
                                          GError       **error);
gint64      quorum_store_add_reader      (QuorumStore   *store,
                                          gint64         job_id,
                                          gint64         file_id,
                                          gint64         user_id,
                                          GError       **error);
/* Back to available (a waiting task stays waiting), assignee cleared. */
gboolean    quorum_store_release_task    (QuorumStore   *store,
                                          gint64         task_id,
                                          GError       **error);

/* ---- review comments (quorum-store-comments.c) ------------------------ */

/* quorum_store_review_task with its comments, in one change: each draw
 * task the decision is about (a review's, every pass of a consensus task's
 * file) gets a round, and a rejection keeps a copy of the set it rejected.
 * @notes are objects {"task": draw task id, "text", and "instance" or "x"
 * and "y"}, checked by the caller, written as @user_id's. */
gboolean    quorum_store_decide_review   (QuorumStore   *store,
                                          gint64         review_task_id,
                                          gint64         user_id,
                                          gint64         version,
                                          gboolean       accept,
                                          const char    *comments,
                                          JsonArray     *notes,
                                          GError       **error);
/* The comments on a draw task (with an @annotator, only those of the
 * rounds that decided on that user's work), or written with decisions on a
 * review or consensus task, oldest first: [{"id", "task", "review_task",
 * "round", "decision", "text", "pin": {"instance"} | {"x", "y"} | null,
 * "author", "author_name", "created"}]. */
JsonNode   *quorum_store_draw_comments   (QuorumStore   *store,
                                          gint64         draw_task_id,
                                          gint64         annotator,
                                          GError       **error);
JsonNode   *quorum_store_review_comments (QuorumStore   *store,
                                          gint64         review_task_id,
                                          GError       **error);
/* What changed in a draw task's instances since its last rejection (with
 * an @annotator, the last of that user's work): {"round", "rejected",
 * "added", "removed", "changed"} (instance ids), or NULL (and no error)
 * when there is none. */
JsonObject *quorum_store_changed_since   (QuorumStore   *store,
                                          gint64         draw_task_id,
                                          gint64         annotator,
                                          GError       **error);
/* Whether @user_id holds the review task of @draw_task_id, or the
 * consensus task of its file. */
gboolean    quorum_store_reviews_draw    (QuorumStore   *store,
                                          gint64         draw_task_id,
                                          gint64         user_id);
/* FALSE for a task of an exam attempt not yet decided. */
gboolean    quorum_store_task_attempt_decided (QuorumStore *store,
                                               gint64       task_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumStore, quorum_store_close)

G_END_DECLS
