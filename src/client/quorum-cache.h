/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * The local cache of one user on one server (docs/offline.md): the task views
 * the server sent, the user's working instances, the outbox of operations
 * still to send, conflict copies, guides and downloaded media. Its writes are
 * small, synchronous and committed before a function returns, because a lost
 * stroke of work is worse than a short wait on the disk.
 */

#define QUORUM_TYPE_CACHE (quorum_cache_get_type ())

G_DECLARE_FINAL_TYPE (QuorumCache, quorum_cache, QUORUM, CACHE, GObject)

/* The media limit of a new cache: 2 GiB. */
#define QUORUM_CACHE_DEFAULT_MEDIA_LIMIT (G_GINT64_CONSTANT (2) << 30)

typedef enum {
  QUORUM_CACHE_OP_SAVE,
  QUORUM_CACHE_OP_SUBMIT,
  QUORUM_CACHE_OP_RATING,     /* PUT /tasks/{id}/rating */
  QUORUM_CACHE_OP_ACCEPT,     /* POST /tasks/{id}/accept */
  QUORUM_CACHE_OP_REJECT,     /* POST /tasks/{id}/reject */
  QUORUM_CACHE_OP_CONSENSUS,  /* POST /tasks/{id}/consensus/STEP */
  QUORUM_CACHE_OP_GRADE,      /* POST /jobs/{job}/attempts/{attempt}/pass|fail; task 0 */
} QuorumCacheOpKind;

/* One outbox operation. @payload is the instances (a JSON array) of a save,
 * "{}" for a submit, the body (without the version) of a rating, accept or
 * reject, {"step": "best" | "copy" | "clear" | "undo", body…} of a
 * consensus step, and {"job": J, "attempt": A, "decision": "pass" | "fail"}
 * of a grade, whose @task is 0: it is no task's. */
typedef struct {
  gint64             id;
  gint64             task;
  QuorumCacheOpKind  kind;
  char              *payload;
  gint64             base_version;
  gint64             created;
  guint              attempts;
  char              *last_error;
  gint64             revision;     /* how many edits were merged into it */
} QuorumCacheOp;

/* What the server's refusal meant, as the engine found out by asking for
 * the task again (docs/offline.md, "Conflicts"). */
typedef enum {
  QUORUM_CONFLICT_STALE,       /* still the user's; saved elsewhere first (409) */
  QUORUM_CONFLICT_NOT_YOURS,   /* the server shows the user the task no more:
                                * released, given to someone else, its file or
                                * job gone (404) */
  QUORUM_CONFLICT_RELEASED,    /* the task is back in the job, nobody holds it */
  QUORUM_CONFLICT_REASSIGNED,  /* someone else holds the task now */
  QUORUM_CONFLICT_DECIDED,     /* submitted, reviewed or accepted already */
  QUORUM_CONFLICT_JOB_CLOSED,  /* the job was cancelled or is complete */
  QUORUM_CONFLICT_REFUSED,     /* the server refused the work itself (400, 413) */
} QuorumConflictCause;

/* How the user ended a conflict. */
typedef enum {
  QUORUM_CONFLICT_KEEP_MINE,    /* save the local instances on the server's version */
  QUORUM_CONFLICT_TAKE_SERVER,  /* work on from the server's instances */
  QUORUM_CONFLICT_KEEP_COPY,    /* set the local work aside as a copy; send nothing */
} QuorumConflictChoice;

/* Whether the server would take the user's instances on its current
 * version: only then is "keep mine" a way out and not a loop. */
gboolean    quorum_conflict_cause_can_keep_mine (QuorumConflictCause cause);
/* Whether there is a server's version to work on from. */
gboolean    quorum_conflict_cause_can_take_server (QuorumConflictCause cause);
const char *quorum_conflict_cause_to_string    (QuorumConflictCause cause);

/* A conflict copy: the user's instances (a JSON array) that the server
 * refused, the server's version at that moment (-1 when unknown) and why.
 * @open until the user chose; then @resolution says what they chose. */
typedef struct {
  gint64                id;
  gint64                task;
  char                 *instances;
  gint64                server_version;
  char                 *reason;
  gint64                created;
  gboolean              open;
  QuorumConflictCause   cause;
  QuorumConflictChoice  resolution;   /* when not @open */
  gint64                resolved;     /* when, seconds since the epoch; 0 while open */
} QuorumCacheConflict;

void quorum_cache_op_free       (QuorumCacheOp       *op);
void quorum_cache_conflict_free (QuorumCacheConflict *conflict);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumCacheOp, quorum_cache_op_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuorumCacheConflict, quorum_cache_conflict_free)

/* Opens (creating it) the cache of @user on @server (what a user types, or a
 * normalized address): $XDG_DATA_HOME/quorum/HOST-PORT/USER/cache.sqlite,
 * media in $XDG_CACHE_HOME/quorum/HOST-PORT/media/. */
QuorumCache *quorum_cache_open               (const char   *server,
                                              const char   *user,
                                              GError      **error);
/* The same at explicit places. */
QuorumCache *quorum_cache_open_at            (const char   *database_path,
                                              const char   *media_dir,
                                              GError      **error);
const char  *quorum_cache_get_path           (QuorumCache  *cache);
const char  *quorum_cache_get_media_dir      (QuorumCache  *cache);
/* The schema a cache is migrated to when opened (PRAGMA user_version). */
#define QUORUM_CACHE_SCHEMA_VERSION 5
int          quorum_cache_get_schema_version (QuorumCache  *cache);

/* ---- tasks ---- */

/* Records a task view (GET /tasks/{id}, POST /jobs/{id}/next) and its version.
 * The user's working instances are kept while the task has unsent work or
 * an open conflict; otherwise the server's instances become the local ones. */
gboolean     quorum_cache_store_task         (QuorumCache  *cache,
                                              JsonNode     *view,
                                              GError      **error);
/* The task view as stored, or NULL with QUORUM_ERROR_NOT_FOUND. */
JsonNode    *quorum_cache_get_task           (QuorumCache  *cache,
                                              gint64        task_id,
                                              GError      **error);
/* The ids of the cached tasks of @job_id (0: all), in id order. */
GArray      *quorum_cache_list_tasks         (QuorumCache  *cache,
                                              gint64        job_id,
                                              GError      **error);
/* The last server version of the task known here, or -1. */
gint64       quorum_cache_get_server_version (QuorumCache  *cache,
                                              gint64        task_id);
/* The instances the user works on (a JSON array as text): their last local
 * edit, else the server's. */
char        *quorum_cache_get_local_instances (QuorumCache *cache,
                                               gint64       task_id,
                                               GError     **error);
/* The same instances read into the model (of QuorumInstance), straight
 * from the database's bytes without a tree of JSON nodes: what opening a
 * task shows. Not checked against the labels (submitting does that); bad
 * text gets the wire format's words ("instances[3].points: …"). */
GPtrArray   *quorum_cache_read_local_instances (QuorumCache *cache,
                                                gint64       task_id,
                                                GError     **error);
/* The server's instances as the cache last had them (the stored view's),
 * read into the model without a tree, and the view's @version; an error
 * when the view has no instance list. */
GPtrArray   *quorum_cache_read_server_instances (QuorumCache *cache,
                                                 gint64       task_id,
                                                 gint64      *version,
                                                 GError     **error);
/* Writes the user's edit and queues a save in one transaction, durable when
 * it returns. Called on every edit. */
gboolean     quorum_cache_save_local         (QuorumCache  *cache,
                                              gint64        task_id,
                                              const char   *instances_json,
                                              GError      **error);
/* Queues the submission of the task after its saves. */
gboolean     quorum_cache_submit_local       (QuorumCache  *cache,
                                              gint64        task_id,
                                              GError      **error);

/* Queues a review decision or step (@kind: rating, accept, reject or
 * consensus) of @task_id after the task's other work, durable when it
 * returns; @payload_json is its body, a JSON object. A rating replaces the
 * task's rating when that is the newest operation of the outbox. With
 * @working_json (nullable, a JSON array) the user's instances become those
 * in the same transaction, without a save: what a consensus step is expected
 * to leave, shown until the server's answer replaces it. Returns the
 * operation's id, or 0 with @error set. */
gint64       quorum_cache_queue_review       (QuorumCache       *cache,
                                              gint64             task_id,
                                              QuorumCacheOpKind  kind,
                                              const char        *payload_json,
                                              const char        *working_json,
                                              GError           **error);
/* The payload of the task's newest queued operation of @kind, or NULL. */
char        *quorum_cache_get_queued         (QuorumCache       *cache,
                                              gint64             task_id,
                                              QuorumCacheOpKind  kind);
/* Whether operation @op_id is still in the outbox. */
gboolean     quorum_cache_has_op             (QuorumCache       *cache,
                                              gint64             op_id);

/* ---- exam decisions ---- */

/* Queues a trainer's pass or fail of attempt @attempt_id of exam @job_id
 * after everything queued before, durable when it returns; refused while a
 * decision of the same attempt waits. Returns the operation's id, or 0 with
 * @error set. */
gint64       quorum_cache_queue_grade        (QuorumCache       *cache,
                                              gint64             job_id,
                                              gint64             attempt_id,
                                              gboolean           pass,
                                              GError           **error);
/* "pass" or "fail" when a decision of @attempt_id waits in the outbox, else
 * NULL. */
const char  *quorum_cache_get_queued_grade   (QuorumCache       *cache,
                                              gint64             attempt_id);
/* What a grade operation decides; FALSE for any other operation. */
gboolean     quorum_cache_read_grade         (const QuorumCacheOp *op,
                                              gint64            *job_id,
                                              gint64            *attempt_id,
                                              gboolean          *pass);
/* Removes operation @op_id from the outbox and touches nothing else: a
 * grade sent, found applied already, or refused for good. */
gboolean     quorum_cache_drop_op            (QuorumCache       *cache,
                                              gint64             op_id,
                                              GError           **error);

/* ---- the outbox ---- */

/* Every operation in the order it is sent (QuorumCacheOp). */
GPtrArray   *quorum_cache_list_outbox        (QuorumCache  *cache,
                                              GError      **error);
guint        quorum_cache_count_outbox       (QuorumCache  *cache);
/* Whether the task has operations in the outbox. */
gboolean     quorum_cache_has_pending        (QuorumCache  *cache,
                                              gint64        task_id);
/* The next operation to send, or NULL (and no error) when nothing can go:
 * operations of tasks in conflict are held. A save followed by a later save
 * of the same task, with no submit of it between, is dropped first: only the
 * latest instances need sending. */
QuorumCacheOp *quorum_cache_next_op          (QuorumCache  *cache,
                                              GError      **error);
/* The server accepted operation @op_id as it was at @revision and the task
 * is now at @new_version: the operation leaves the outbox (unless an edit was
 * merged into it meanwhile) and the task's next operations are rebased on
 * @new_version. @reply (nullable) is the server's answer, merged into the
 * stored view. */
gboolean     quorum_cache_record_sent        (QuorumCache  *cache,
                                              gint64        op_id,
                                              gint64        revision,
                                              gint64        new_version,
                                              JsonNode     *reply,
                                              GError      **error);
/* Counts a failed attempt of @op_id with its reason. */
gboolean     quorum_cache_record_attempt     (QuorumCache  *cache,
                                              gint64        op_id,
                                              const char   *reason,
                                              GError      **error);

/* ---- conflicts ---- */

/* Keeps the user's current instances of @task_id as a conflict copy and holds
 * the task's operations until quorum_cache_resolve_conflict(). */
gboolean     quorum_cache_record_conflict    (QuorumCache  *cache,
                                              gint64        task_id,
                                              gint64        server_version,
                                              const char   *reason,
                                              GError      **error);
/* The same with what the refusal meant. */
gboolean     quorum_cache_record_refusal     (QuorumCache          *cache,
                                              gint64                task_id,
                                              gint64                server_version,
                                              QuorumConflictCause   cause,
                                              const char           *reason,
                                              GError              **error);
gboolean     quorum_cache_in_conflict        (QuorumCache  *cache,
                                              gint64        task_id);
guint        quorum_cache_count_conflicts    (QuorumCache  *cache);
/* The conflict copies of @task_id (0: of every task), oldest first,
 * resolved ones included (QuorumCacheConflict). */
GPtrArray   *quorum_cache_list_conflicts     (QuorumCache  *cache,
                                              gint64        task_id,
                                              GError      **error);
/* One conflict copy by its id, or NULL with QUORUM_ERROR_NOT_FOUND. */
QuorumCacheConflict *quorum_cache_get_conflict (QuorumCache  *cache,
                                                gint64        conflict_id,
                                                GError      **error);
/* Ends the task's open conflict as the user chose, in one transaction:
 * KEEP_MINE rebases the task's operations on the server's current version
 * (refused when the cause says the server will not take them); TAKE_SERVER
 * and KEEP_COPY drop the task's refused operations and its working copy.
 * The conflict copy stays, marked with the choice; it never opens again. */
gboolean     quorum_cache_end_conflict       (QuorumCache           *cache,
                                              gint64                 task_id,
                                              QuorumConflictChoice   choice,
                                              GError               **error);
/* Closes the task's open conflict. With @keep_mine its operations are rebased
 * on the server's current version and go out again; otherwise they are
 * dropped and the local instances become the server's (the conflict copy
 * stays for reference). */
gboolean     quorum_cache_resolve_conflict   (QuorumCache  *cache,
                                              gint64        task_id,
                                              gboolean      keep_mine,
                                              GError      **error);

/* ---- guides and lists ---- */

gboolean     quorum_cache_store_guide        (QuorumCache  *cache,
                                              JsonNode     *guide,
                                              GError      **error);
/* The guide ({"id", "project", "name", "markdown", "updated"}) or NULL with
 * QUORUM_ERROR_NOT_FOUND. */
JsonNode    *quorum_cache_get_guide          (QuorumCache  *cache,
                                              gint64        guide_id,
                                              GError      **error);
/* A server's reply kept under @name ("exams", "credentials") to be shown
 * offline; the last one stored replaces the one before. */
gboolean     quorum_cache_store_document     (QuorumCache  *cache,
                                              const char   *name,
                                              JsonNode     *document,
                                              GError      **error);
/* The document and when it was stored (seconds since the epoch, nullable),
 * or NULL with QUORUM_ERROR_NOT_FOUND when none was. */
JsonNode    *quorum_cache_get_document       (QuorumCache  *cache,
                                              const char   *name,
                                              gint64       *fetched,
                                              GError      **error);
/* The last GET /me/tasks answer, for the task list offline. */
gboolean     quorum_cache_store_my_tasks     (QuorumCache  *cache,
                                              JsonNode     *list,
                                              GError      **error);
JsonNode    *quorum_cache_get_my_tasks       (QuorumCache  *cache,
                                              GError      **error);

/* ---- media ---- */

/* The byte limit of the media folder (persisted). Media of a task with unsent
 * work or an open conflict is never evicted, so the folder may stay above the
 * limit while such work waits. */
gint64       quorum_cache_get_media_limit    (QuorumCache  *cache);
gboolean     quorum_cache_set_media_limit    (QuorumCache  *cache,
                                              gint64        limit,
                                              GError      **error);
gint64       quorum_cache_get_media_size     (QuorumCache  *cache);
/* Where a file's content is (or would be) kept. */
char        *quorum_cache_get_media_path     (QuorumCache  *cache,
                                              gint64        file_id);
/* The file's content path when it is here (and marks it recently used), or
 * NULL. */
char        *quorum_cache_lookup_media       (QuorumCache  *cache,
                                              gint64        file_id);
/* Where a video file's prepared proxy and frame index are kept, beside the
 * media (names that cannot be a file's content entry). Either may be NULL. */
void         quorum_cache_get_video_paths    (QuorumCache  *cache,
                                              gint64        file_id,
                                              char        **proxy_path,
                                              char        **index_path);
/* Records the downloaded proxy and index of video @file_id (at
 * quorum_cache_get_video_paths) as media: they count against the limit and
 * are evicted, both, like a file's content; evicts what no longer fits,
 * sparing them. */
gboolean     quorum_cache_add_video_media    (QuorumCache  *cache,
                                              gint64        file_id,
                                              GError      **error);
/* Whether video @file_id's proxy and index are both here (and marks them
 * recently used). */
gboolean     quorum_cache_lookup_video_media (QuorumCache  *cache,
                                              gint64        file_id);
/* A path beside the media to download @file_id into before adding it. */
char        *quorum_cache_get_media_temp_path (QuorumCache *cache,
                                               gint64       file_id);
/* Moves the complete file at @temp_path into the media folder as @file_id:
 * fsynced, then renamed, off the caller's thread; then records it and
 * evicts the least recently used media over the limit. */
void         quorum_cache_add_media_async    (QuorumCache          *cache,
                                              gint64                file_id,
                                              const char           *temp_path,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean     quorum_cache_add_media_finish   (QuorumCache          *cache,
                                              GAsyncResult         *result,
                                              GError              **error);
/* Evicts least recently used media until the folder fits the limit, sparing
 * @keep_file (0: none) and media of tasks with unsent work. Returns the bytes
 * freed, or -1 on error. */
gint64       quorum_cache_evict_media        (QuorumCache  *cache,
                                              gint64        keep_file,
                                              GError      **error);

G_END_DECLS
