/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-store"

/* The SQLite schema, a migration per version (quorum-store.c runs them;
 * the PostgreSQL schema is quorum-store-pg.c's). */

#include "quorum-store-private.h"

/* Each entry moves the schema one version up; entries are never edited once
 * released, only appended. */
const char * const _quorum_store_migrations[] = {
  /* 1: the bookkeeping every later migration relies on */
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",

  /* 2: accounts, projects, media, guides, jobs and tasks */
  "CREATE TABLE orgs ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  created INTEGER NOT NULL);"
  "CREATE TABLE users ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  password_hash TEXT NOT NULL,"
  "  admin INTEGER NOT NULL DEFAULT 0,"
  "  created INTEGER NOT NULL);"
  "CREATE TABLE org_members ("
  "  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
  "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
  "  PRIMARY KEY (org_id, user_id));"
  "CREATE TABLE tokens ("
  "  hash TEXT PRIMARY KEY,"
  "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
  "  created INTEGER NOT NULL,"
  "  expires INTEGER NOT NULL);"
  "CREATE TABLE projects ("
  "  id INTEGER PRIMARY KEY,"
  "  org_id INTEGER REFERENCES orgs(id),"
  "  name TEXT NOT NULL,"
  "  labels_json TEXT NOT NULL DEFAULT '{\"labels\": []}',"
  "  created INTEGER NOT NULL);"
  "CREATE TABLE project_members ("
  "  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,"
  "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
  "  role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'annotator', 'reviewer', 'viewer')),"
  "  PRIMARY KEY (project_id, user_id));"
  "CREATE TABLE credentials ("
  "  id INTEGER PRIMARY KEY,"
  "  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  description TEXT NOT NULL DEFAULT '',"
  "  UNIQUE (project_id, name));"
  "CREATE TABLE user_credentials ("
  "  credential_id INTEGER NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,"
  "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
  "  granted_by INTEGER REFERENCES users(id),"
  "  granted INTEGER NOT NULL,"
  "  revoked INTEGER,"
  "  PRIMARY KEY (credential_id, user_id));",

  /* 3: media, existing instances, guides */
  "CREATE TABLE files ("
  "  id INTEGER PRIMARY KEY,"
  "  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,"
  "  sha256 TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  media_type TEXT NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  width INTEGER NOT NULL,"
  "  height INTEGER NOT NULL,"
  "  frames INTEGER NOT NULL,"
  "  fps REAL NOT NULL,"
  "  existing_json TEXT,"
  "  created INTEGER NOT NULL,"
  "  UNIQUE (project_id, sha256));"
  "CREATE TABLE guides ("
  "  id INTEGER PRIMARY KEY,"
  "  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  markdown TEXT NOT NULL,"
  "  updated INTEGER NOT NULL,"
  "  UNIQUE (project_id, name));",

  /* 4: jobs and the tasks their launch plans */
  "CREATE TABLE jobs ("
  "  id INTEGER PRIMARY KEY,"
  "  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,"
  "  settings_json TEXT NOT NULL,"
  "  state TEXT NOT NULL DEFAULT 'draft'"
  "    CHECK (state IN ('draft', 'launched', 'complete', 'cancelled')),"
  "  created_by INTEGER REFERENCES users(id),"
  "  created INTEGER NOT NULL);"
  "CREATE TABLE job_files ("
  "  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
  "  file_id INTEGER NOT NULL REFERENCES files(id),"
  "  position INTEGER NOT NULL,"
  "  PRIMARY KEY (job_id, file_id));"
  "CREATE TABLE tasks ("
  "  id INTEGER PRIMARY KEY,"
  "  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
  "  file_id INTEGER NOT NULL REFERENCES files(id),"
  "  position INTEGER NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('draw', 'review', 'consensus')),"
  "  pass INTEGER NOT NULL,"
  "  draw_number INTEGER NOT NULL,"
  "  reviews INTEGER REFERENCES tasks(id),"
  "  state TEXT NOT NULL CHECK (state IN ('waiting', 'available', 'assigned', 'in_progress',"
  "    'submitted', 'accepted', 'rejected', 'complete')),"
  "  assignee INTEGER REFERENCES users(id),"
  "  assigned_at INTEGER,"
  "  updated_at INTEGER,"
  "  submitted_at INTEGER,"
  "  version INTEGER NOT NULL DEFAULT 1,"
  "  instances_json TEXT NOT NULL DEFAULT '[]',"
  "  comments TEXT);"
  "CREATE INDEX tasks_by_job ON tasks (job_id, state, position);"
  "CREATE INDEX tasks_by_assignee ON tasks (assignee, state);"
  "CREATE INDEX tasks_by_file ON tasks (job_id, file_id);",

  /* 5: the agreement of a file's passes, computed when they are all accepted */
  "CREATE TABLE consensus_scores ("
  "  task_id INTEGER PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,"
  "  scores_json TEXT NOT NULL,"
  "  computed INTEGER NOT NULL);",

  /* 6: exams: whose instance of an exam a task belongs to, the reviewer's
   * rating, and the trainer's decision */
  "ALTER TABLE tasks ADD COLUMN taker INTEGER REFERENCES users(id);"
  "ALTER TABLE tasks ADD COLUMN rating_json TEXT;"
  "CREATE TABLE exam_decisions ("
  "  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
  "  user_id INTEGER NOT NULL REFERENCES users(id),"
  "  decision TEXT NOT NULL CHECK (decision IN ('pass', 'fail')),"
  "  decided_by INTEGER REFERENCES users(id),"
  "  decided INTEGER NOT NULL,"
  "  PRIMARY KEY (job_id, user_id));",

  /* 7: market shares: the organizations that applied to work on a job, and
   * the project admin's decision */
  "CREATE TABLE job_applications ("
  "  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
  "  org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
  "  state TEXT NOT NULL DEFAULT 'pending'"
  "    CHECK (state IN ('pending', 'accepted', 'declined')),"
  "  applied_by INTEGER REFERENCES users(id),"
  "  applied INTEGER NOT NULL,"
  "  decided_by INTEGER REFERENCES users(id),"
  "  decided INTEGER,"
  "  PRIMARY KEY (job_id, org_id));"
  "CREATE INDEX org_members_by_user ON org_members (user_id);",

  /* 8: fast assignment: a file is open while some of its draw tasks are
   * taken and some still available (next task finishes those first), and
   * tasks are found by kind without walking every available draw */
  "ALTER TABLE job_files ADD COLUMN open INTEGER NOT NULL DEFAULT 0;"
  "CREATE INDEX job_files_open ON job_files (job_id, position) WHERE open;"
  "CREATE INDEX tasks_by_kind ON tasks (job_id, kind, state, position);"
  "DROP INDEX tasks_by_file;"
  "CREATE INDEX tasks_by_file ON tasks (job_id, file_id, kind, state);"
  "CREATE INDEX tasks_by_reviewed ON tasks (reviews) WHERE reviews IS NOT NULL;"
  "CREATE INDEX consensus_to_score ON tasks (id) WHERE kind = 'consensus' "
  "  AND state IN ('available', 'assigned', 'in_progress');"
  "UPDATE job_files SET open = EXISTS (SELECT 1 FROM tasks t WHERE t.job_id = job_files.job_id "
  "  AND t.file_id = job_files.file_id AND t.kind = 'draw' AND t.state = 'available') "
  "AND EXISTS (SELECT 1 FROM tasks t WHERE t.job_id = job_files.job_id "
  "  AND t.file_id = job_files.file_id AND t.kind = 'draw' AND t.state NOT IN ('available', 'waiting'));",

  /* 9: work saved on a draw task that was released, kept aside for the
   * record while the next annotator starts blind */
  "CREATE TABLE released_work ("
  "  task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,"
  "  user_id INTEGER REFERENCES users(id),"
  "  version INTEGER NOT NULL,"
  "  instances_json TEXT NOT NULL,"
  "  released INTEGER NOT NULL);",

  /* 10: the project files a guide shows, by the names its images give, so
   * that the guide's readers may fetch them; guides written before are
   * scanned once by quorum_store_scan_guide_images */
  "CREATE TABLE guide_images ("
  "  guide_id INTEGER NOT NULL REFERENCES guides(id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  position INTEGER NOT NULL,"
  "  PRIMARY KEY (guide_id, name));"
  "CREATE INDEX guide_images_by_name ON guide_images (name);"
  "CREATE INDEX files_by_name ON files (project_id, name);"
  "INSERT INTO meta (key, value) SELECT 'guide_images', 'to scan' WHERE EXISTS (SELECT 1 FROM guides);",

  /* 11: an exam's tasks by their taker, so that next task (a reviewer who
   * takes the exam) and the gold check find them without walking the job's
   * or the server's tasks; a project's jobs, for the guides they show */
  "CREATE INDEX tasks_by_taker ON tasks (taker, job_id, file_id) WHERE taker IS NOT NULL;"
  "CREATE INDEX jobs_by_project ON jobs (project_id);",

  /* 12: accounts a server administrator disabled (no sign-in, no token),
   * and tokens found by user (revoking them all) and by expiry (purging) */
  "ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;"
  "CREATE INDEX tokens_by_user ON tokens (user_id);"
  "CREATE INDEX tokens_by_expiry ON tokens (expires);",

  /* 13: standing exams: every attempt of a person at an exam keeps its own
   * tasks and decision; credentials are issued by a project or by an
   * organization (for its clients' projects) */
  "CREATE TABLE exam_attempts ("
  "  id INTEGER PRIMARY KEY,"
  "  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
  "  user_id INTEGER NOT NULL REFERENCES users(id),"
  "  number INTEGER NOT NULL,"
  "  started INTEGER NOT NULL,"
  "  decision TEXT CHECK (decision IN ('pass', 'fail')),"
  "  decided_by INTEGER REFERENCES users(id),"
  "  decided INTEGER,"
  "  UNIQUE (job_id, user_id, number));"
  "CREATE INDEX attempts_by_user ON exam_attempts (user_id, job_id);"
  "ALTER TABLE tasks ADD COLUMN attempt INTEGER REFERENCES exam_attempts(id);"
  "INSERT INTO exam_attempts (job_id, user_id, number, started, decision, decided_by, decided) "
  "  SELECT t.job_id, t.taker, 1, min(coalesce(t.assigned_at, t.updated_at, 0)), d.decision, "
  "    d.decided_by, d.decided "
  "  FROM tasks t LEFT JOIN exam_decisions d ON d.job_id = t.job_id AND d.user_id = t.taker "
  "  WHERE t.taker IS NOT NULL GROUP BY t.job_id, t.taker;"
  "UPDATE tasks SET attempt = (SELECT a.id FROM exam_attempts a WHERE a.job_id = tasks.job_id "
  "  AND a.user_id = tasks.taker) WHERE taker IS NOT NULL;"
  "CREATE INDEX tasks_by_attempt ON tasks (attempt) WHERE attempt IS NOT NULL;"
  "DROP TABLE exam_decisions;"
  /* Exams closed themselves once their takers were done; none was closed
   * by its owner, who had no way to: they open again. */
  "UPDATE jobs SET state = 'launched' WHERE state = 'complete' "
  "  AND json_extract(settings_json, '$.type') = 'exam';"
  "CREATE TABLE credentials_owned ("
  "  id INTEGER PRIMARY KEY,"
  "  project_id INTEGER REFERENCES projects(id) ON DELETE CASCADE,"
  "  org_id INTEGER REFERENCES orgs(id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  description TEXT NOT NULL DEFAULT '',"
  "  CHECK ((project_id IS NULL) != (org_id IS NULL)),"
  "  UNIQUE (project_id, name),"
  "  UNIQUE (org_id, name));"
  "INSERT INTO credentials_owned (id, project_id, name, description) "
  "  SELECT id, project_id, name, description FROM credentials;"
  "DROP TABLE credentials;"
  "ALTER TABLE credentials_owned RENAME TO credentials;"
  "CREATE INDEX credentials_by_name ON credentials (name);",

  /* 14: a task's instances a row each, so that a save of what changed
   * (PATCH /tasks/{id}/instances) writes only that; the rows keep the
   * order of the list they came from */
  "CREATE TABLE task_instances ("
  "  task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  instance_id TEXT NOT NULL,"
  "  author TEXT,"
  "  copied_from TEXT,"
  "  body TEXT NOT NULL,"
  "  PRIMARY KEY (task_id, instance_id));"
  "CREATE INDEX task_instances_in_order ON task_instances (task_id, position);"
  "INSERT INTO task_instances (task_id, position, instance_id, author, copied_from, body) "
  "  SELECT tasks.id, instance.key, json_extract(instance.value, '$.id'), "
  "    json_extract(instance.value, '$.author'), json_extract(instance.value, '$.copied_from'), instance.value "
  "  FROM tasks, json_each(tasks.instances_json) AS instance WHERE tasks.instances_json != '[]';"
  "ALTER TABLE tasks DROP COLUMN instances_json;",

  /* 15: review comments that land: each decision on a draw task is a
   * round, and a rejection keeps a copy of the set it rejected, so that the
   * reviewer sees what changed since; each comment is a row, on the task or
   * pinned to one of its instances or to a point of the image */
  "CREATE TABLE review_rounds ("
  "  id INTEGER PRIMARY KEY,"
  "  draw_task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,"
  "  review_task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,"
  "  number INTEGER NOT NULL,"
  "  decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject')),"
  "  reviewer INTEGER REFERENCES users(id),"
  "  annotator INTEGER REFERENCES users(id),"
  "  decided INTEGER NOT NULL,"
  "  UNIQUE (draw_task_id, number));"
  "CREATE TABLE review_round_instances ("
  "  round_id INTEGER NOT NULL REFERENCES review_rounds(id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  instance_id TEXT NOT NULL,"
  "  body TEXT NOT NULL,"
  "  PRIMARY KEY (round_id, instance_id));"
  "CREATE TABLE review_comments ("
  "  id INTEGER PRIMARY KEY,"
  "  round_id INTEGER NOT NULL REFERENCES review_rounds(id) ON DELETE CASCADE,"
  "  draw_task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,"
  "  review_task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,"
  "  author INTEGER NOT NULL REFERENCES users(id),"
  "  created INTEGER NOT NULL,"
  "  text TEXT NOT NULL CHECK (length(text) > 0),"
  "  instance_id TEXT,"
  "  x REAL,"
  "  y REAL,"
  "  frame INTEGER,"
  "  CHECK ((x IS NULL) = (y IS NULL) AND (instance_id IS NULL OR x IS NULL) AND (frame IS NULL OR x IS NOT NULL)));"
  "CREATE INDEX review_comments_by_draw ON review_comments (draw_task_id, id);"
  "CREATE INDEX review_comments_by_review ON review_comments (review_task_id, id);",

  /* 16: a consensus task's output (and its scores, whose best a step may
   * change) as it was before each review step, newest last, for Undo */
  "CREATE TABLE consensus_undo ("
  "  id INTEGER PRIMARY KEY,"
  "  task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,"
  "  instances_json TEXT NOT NULL,"
  "  scores_json TEXT);"
  "CREATE INDEX consensus_undo_by_task ON consensus_undo (task_id, id);",

  /* 17: a video's frame-exact proxy, prepared in the background after its
   * upload (docs/video.md): where that stands, how far, and why it failed.
   * NULL for images. Videos uploaded before are prepared at the next start. */
  "ALTER TABLE files ADD COLUMN video_state TEXT"
  "  CHECK (video_state IN ('preparing', 'ready', 'failed'));"
  "ALTER TABLE files ADD COLUMN video_progress REAL NOT NULL DEFAULT 0;"
  "ALTER TABLE files ADD COLUMN video_error TEXT;"
  "UPDATE files SET video_state = 'preparing' WHERE media_type = 'video';",

  /* 18: every text a guide was saved with, numbered from 1 (docs/api.md,
   * Guides): the guide keeps its current number and who saved it, so that
   * a save over a newer one is refused and a job's readers know which
   * version they read. A guide written before is its own version 1. */
  "CREATE TABLE guide_versions ("
  "  guide_id INTEGER NOT NULL REFERENCES guides(id) ON DELETE CASCADE,"
  "  number INTEGER NOT NULL,"
  "  name TEXT NOT NULL,"
  "  markdown TEXT NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  author INTEGER REFERENCES users(id),"
  "  PRIMARY KEY (guide_id, number));"
  "ALTER TABLE guides ADD COLUMN version INTEGER NOT NULL DEFAULT 1;"
  "ALTER TABLE guides ADD COLUMN updated_by INTEGER REFERENCES users(id);"
  "INSERT INTO guide_versions (guide_id, number, name, markdown, created, author) "
  "  SELECT id, 1, name, markdown, updated, NULL FROM guides;",
  /* 19: market terms (docs/api.md, Market): an application's message; the
   * order launched market jobs came on the market, which organizations poll
   * for what is new (market jobs launched before are listed at once); and
   * what each organization follows */
  "ALTER TABLE job_applications ADD COLUMN message TEXT NOT NULL DEFAULT '';"
  "CREATE TABLE market_listings ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  job_id INTEGER NOT NULL UNIQUE REFERENCES jobs(id) ON DELETE CASCADE,"
  "  listed INTEGER NOT NULL);"
  "INSERT INTO market_listings (job_id, listed)"
  "  SELECT id, CAST(strftime('%s', 'now') AS INTEGER) FROM jobs"
  "  WHERE state != 'draft' AND json_extract(settings_json, '$.share') = 'market' ORDER BY id;"
  "CREATE TABLE market_follows ("
  "  org_id INTEGER PRIMARY KEY REFERENCES orgs(id) ON DELETE CASCADE,"
  "  follow_json TEXT NOT NULL,"
  "  updated INTEGER NOT NULL,"
  "  updated_by INTEGER REFERENCES users(id));",
  /* 20: why a credential was granted by hand, and who revoked it and why
   * (docs/api.md, POST and DELETE /credentials/{id}/grants); NULL when
   * nobody said, and for the grants made before. revoked_by is a user's id
   * without a REFERENCES clause (users are disabled, never deleted), so that
   * the tests that rebuild an older schema can drop it. */
  "ALTER TABLE user_credentials ADD COLUMN reason TEXT;"
  "ALTER TABLE user_credentials ADD COLUMN revoked_by INTEGER;"
  "ALTER TABLE user_credentials ADD COLUMN revoke_reason TEXT;",
};

const guint _quorum_store_n_migrations = G_N_ELEMENTS (_quorum_store_migrations);
