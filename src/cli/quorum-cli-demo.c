/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <glib/gstdio.h>

#include "quorum-cli.h"
#include "quorum-demo-scene.h"
#include "quorum-demo-video.h"
#include "quorum-error.h"
#include "quorum-wire.h"

/*
 * `quorumctl demo` fills a fresh server with a project a newcomer can explore
 * at once: people in every role, generated street scenes with their gold
 * instances, the guides, five jobs, and enough work already done that every
 * review screen has something to show; then a second, small project with a
 * generated video and a video job. docs/demo.md describes the result; keep
 * the two in step.
 */

#define DEMO_PROJECT      "Street scenes"
#define DEMO_ORG          "Northwind Labeling"
#define DEMO_CREDENTIAL   "Street annotator"
#define N_SCENES          36
#define SCENE_WIDTH       960
#define SCENE_HEIGHT      640
#define PARALLEL_UPLOADS  6
/* The agreement of a consensus task is computed off the server's main loop. */
#define SCORES_WAIT_MS    10000

/* Made after everything above, so that the street project's ids stay as they were. */
#define VIDEO_PROJECT     "Traffic video"
#define VIDEO_FILE        "traffic-01.webm"
#define VIDEO_JOB         "Traffic video — two passes"
/* How long the demo waits for the server to prepare the video's proxy (about
 * a second here); past it the demo ends anyway and the task opens once ready. */
#define VIDEO_WAIT_MS     30000

enum { ANN, BEN, CAT, DAN, RITA, TOM, OLGA, N_PEOPLE };

typedef struct {
  const char *name;
  const char *role;    /* in the project; NULL for an organization member only */
  guint       style;   /* quorum_demo_annotator_version (): 0 careful, 1 sloppy, 2 in between */
  const char *about;
} DemoPerson;

static const DemoPerson people[N_PEOPLE] = {
  [ANN]  = { "ann", "annotator", 0, "careful; holds “" DEMO_CREDENTIAL "” (granted by hand)" },
  [BEN]  = { "ben", "annotator", 1, "sloppy" },
  [CAT]  = { "cat", "annotator", 2, "in between" },
  [DAN]  = { "dan", "annotator", 2, "took the exam; a draw task in progress" },
  [RITA] = { "rita", "reviewer", 0, "reviews draw tasks, brings files to consensus" },
  [TOM]  = { "tom", "admin", 0, "the trainer: reviews the exam, passes or fails its takers" },
  [OLGA] = { "olga", NULL, 2, "of " DEMO_ORG ", no project role: the contractors' job" },
};

enum { JOB_CONSENSUS, JOB_MERGE, JOB_EXAM, JOB_CERTIFIED, JOB_CONTRACTORS, N_JOBS };

typedef struct {
  const char *name;
  const char *type;
  const char *share;
  gint64      passes;
  gint64      review_frequency;
  const char *consensus;
  const char *requires;
  const char *awards;
  guint       first_scene;
  guint       n_scenes;
} DemoJob;

static const DemoJob jobs[N_JOBS] = {
  [JOB_CONSENSUS] = { "Street scenes — consensus", "normal", "project", 3, 3, "best_annotator", NULL, NULL,
                      0, 12 },
  [JOB_MERGE] = { "Street scenes — manual merge", "normal", "project", 2, 0, "manual_merge", NULL, NULL, 12, 8 },
  [JOB_EXAM] = { "Street-scene basics", "exam", "project", 1, 1, NULL, NULL, DEMO_CREDENTIAL, 20, 4 },
  [JOB_CERTIFIED] = { "Street scenes — certified annotators", "normal", "project", 1, 2, NULL, DEMO_CREDENTIAL,
                      NULL, 24, 6 },
  [JOB_CONTRACTORS] = { "Street scenes — contractors", "normal", "org", 1, 2, NULL, NULL, NULL, 30, 6 },
};

/* The exam's files, and more: the project's ground truth to compare with. */
static gboolean
scene_has_gold (guint index)
{
  return index < 6 || (index >= 20 && index < 30);
}

typedef struct {
  QuorumCliSession *session;   /* signed in as a server administrator */
  gint64            project;
  gint64            org;
  gint64            credential;
  gint64            guides[2];
  gint64            jobs[N_JOBS];
  QuorumDemoScene  *scenes[N_SCENES];
  gint64            files[N_SCENES];
  gint64            users[N_PEOPLE];
  char             *passwords[N_PEOPLE];
  QuorumClient     *clients[N_PEOPLE];
  GRand            *rand;
  gint64            video_project;
  gint64            video_file;
  gint64            video_job;
  char             *video_path;    /* the clip, written by video_thread meanwhile */
  GThread          *video_thread;
} Demo;

static void
demo_clear (Demo *demo)
{
  for (guint i = 0; i < N_SCENES; i++)
    g_clear_object (&demo->scenes[i]);
  for (guint i = 0; i < N_PEOPLE; i++)
    {
      g_clear_pointer (&demo->passwords[i], g_free);
      g_clear_object (&demo->clients[i]);
    }
  g_clear_pointer (&demo->rand, g_rand_free);
  if (demo->video_thread != NULL)
    {
      GError *error = g_thread_join (g_steal_pointer (&demo->video_thread));

      g_clear_error (&error);
    }
  if (demo->video_path != NULL)
    {
      g_autofree char *folder = g_path_get_dirname (demo->video_path);

      g_unlink (demo->video_path);
      g_rmdir (folder);
      g_clear_pointer (&demo->video_path, g_free);
    }
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Demo, demo_clear)

/* ---- small pieces ------------------------------------------------------ */

/* Three groups of four letters and digits, none that read alike: about 70 bits. */
static char *
new_password (GError **error)
{
  static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
  guint8 bytes[12];
  GString *password = g_string_new (NULL);

  if (getrandom (bytes, sizeof bytes, 0) != (ssize_t) sizeof bytes)
    {
      g_set_error (error, QUORUM_CLI_INPUT_ERROR, 0, "password: no random bytes from the system: %s",
                   g_strerror (errno));
      g_string_free (password, TRUE);
      return NULL;
    }
  for (guint i = 0; i < sizeof bytes; i++)
    {
      if (i > 0 && i % 4 == 0)
        g_string_append_c (password, '-');
      g_string_append_c (password, alphabet[bytes[i] % (sizeof alphabet - 1)]);
    }
  return g_string_free (password, FALSE);
}

static JsonNode *
call_as (QuorumClient  *client,
         const char    *method,
         JsonObject    *body,
         GError       **error,
         const char    *path_format,
         ...) G_GNUC_PRINTF (5, 6);

/* A blocking call as one of the demo's people (or the administrator). */
static JsonNode *
call_as (QuorumClient  *client,
         const char    *method,
         JsonObject    *body,
         GError       **error,
         const char    *path_format,
         ...)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) node = body != NULL ? quorum_cli_object_node (body) : NULL;
  va_list args;

  va_start (args, path_format);
  path = g_strdup_vprintf (path_format, args);
  va_end (args);
  return quorum_client_call_sync (client, method, path, node, NULL, error);
}

static gint64
reply_id (JsonNode *reply)
{
  return json_object_get_int_member (json_node_get_object (reply), "id");
}

static JsonObject *
object_with_id (const char *member,
                gint64      id)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, member, id);
  return object;
}

static JsonObject *
object_with_string (const char *member,
                    const char *value)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, member, value);
  return object;
}

/* The scene a file of the project was drawn from. */
static QuorumDemoScene *
scene_of_file (Demo  *demo,
               gint64 file)
{
  for (guint i = 0; i < N_SCENES; i++)
    if (demo->files[i] == file)
      return demo->scenes[i];
  return NULL;
}

/* ---- images: drawn in threads, uploaded in parallel --------------------- */

typedef struct _Batch Batch;

typedef struct {
  Batch *batch;
  guint  index;     /* a scene below N_SCENES, else a guide image */
  char  *path;
  char  *name;
} Upload;

static void
upload_free (Upload *upload)
{
  g_free (upload->path);
  g_free (upload->name);
  g_free (upload);
}

struct _Batch {
  Demo      *demo;
  GPtrArray *uploads;     /* of Upload */
  GQueue     ready;       /* written to disk, waiting to go */
  guint      running;
  guint      left;        /* not yet uploaded (or failed) */
  GError    *error;       /* the first failure; nothing new starts after it */
};

static void start_uploads (Batch *batch);

static void
draw_scene (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Upload *upload = task_data;
  g_autoptr(QuorumDemoScene) scene = quorum_demo_scene_new (upload->index, SCENE_WIDTH, SCENE_HEIGHT);
  GBytes *png = quorum_demo_scene_get_png (scene);
  GError *error = NULL;

  if (!g_file_set_contents (upload->path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&scene), g_object_unref);
}

static void
scene_drawn (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Upload *upload = user_data;
  Batch *batch = upload->batch;
  GError *error = NULL;
  QuorumDemoScene *scene = g_task_propagate_pointer (G_TASK (result), &error);

  if (scene == NULL)
    {
      if (batch->error == NULL)
        batch->error = error;
      else
        g_error_free (error);
      batch->left--;
      return;
    }
  batch->demo->scenes[upload->index] = scene;
  g_queue_push_tail (&batch->ready, upload);
  start_uploads (batch);
}

static void
uploaded (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Upload *upload = user_data;
  Batch *batch = upload->batch;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = quorum_client_upload_finish (QUORUM_CLIENT (source), result, NULL, &error);

  batch->running--;
  batch->left--;
  if (reply == NULL)
    {
      if (batch->error == NULL)
        {
          g_prefix_error (&error, "%s: ", upload->name);
          batch->error = g_steal_pointer (&error);
        }
    }
  else if (upload->index < N_SCENES)
    batch->demo->files[upload->index] = reply_id (reply);
  start_uploads (batch);
}

static void
start_uploads (Batch *batch)
{
  QuorumClient *client = batch->demo->session->client;

  while (batch->running < PARALLEL_UPLOADS && !g_queue_is_empty (&batch->ready))
    {
      Upload *upload = g_queue_pop_head (&batch->ready);

      if (batch->error != NULL)
        {
          batch->left--;
          continue;
        }
      batch->running++;
      quorum_client_upload_async (client, batch->demo->project, upload->path, upload->name, NULL, NULL, NULL,
                                  uploaded, upload);
    }
}

static gboolean
upload_images (Demo    *demo,
               GError **error)
{
  const char * const *guide_images = quorum_demo_guide_image_names ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GPtrArray) uploads = g_ptr_array_new_with_free_func ((GDestroyNotify) upload_free);
  g_autofree char *folder = NULL;
  Batch batch = { demo, uploads, G_QUEUE_INIT, 0, 0, NULL };

  if ((folder = g_dir_make_tmp ("quorum-demo-XXXXXX", error)) == NULL)
    return FALSE;

  /* A private context: the threads' and uploads' callbacks run here only. */
  g_main_context_push_thread_default (context);
  for (guint i = 0; i < N_SCENES; i++)
    {
      Upload *upload = g_new0 (Upload, 1);
      g_autoptr(GTask) task = g_task_new (NULL, NULL, scene_drawn, upload);

      upload->batch = &batch;
      upload->index = i;
      upload->name = g_strdup_printf ("street-%02u.png", i + 1);
      upload->path = g_build_filename (folder, upload->name, NULL);
      g_ptr_array_add (uploads, upload);
      batch.left++;
      g_task_set_task_data (task, upload, NULL);
      g_task_run_in_thread (task, draw_scene);
    }
  for (guint i = 0; guide_images[i] != NULL; i++)
    {
      Upload *upload = g_new0 (Upload, 1);
      g_autoptr(GBytes) png = quorum_demo_guide_image (guide_images[i]);
      GError *local_error = NULL;

      upload->batch = &batch;
      upload->index = N_SCENES + i;
      upload->name = g_strdup (guide_images[i]);
      upload->path = g_build_filename (folder, upload->name, NULL);
      g_ptr_array_add (uploads, upload);
      batch.left++;
      if (png == NULL ||
          !g_file_set_contents (upload->path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), &local_error))
        {
          if (local_error == NULL)
            local_error = g_error_new (QUORUM_CLI_INPUT_ERROR, 0, "%s: the guide image is missing", upload->name);
          if (batch.error == NULL)
            batch.error = local_error;
          else
            g_error_free (local_error);
          batch.left--;
          continue;
        }
      g_queue_push_tail (&batch.ready, upload);
    }
  start_uploads (&batch);
  while (batch.left > 0)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  for (guint i = 0; i < uploads->len; i++)
    g_unlink (((Upload *) g_ptr_array_index (uploads, i))->path);
  g_rmdir (folder);
  if (batch.error != NULL)
    {
      g_propagate_error (error, batch.error);
      return FALSE;
    }
  return TRUE;
}

/* ---- the project ------------------------------------------------------ */

static gboolean
create_people (Demo    *demo,
               GError **error)
{
  g_autoptr(JsonNode) org = NULL;
  g_autoptr(JsonObject) org_body = object_with_string ("name", DEMO_ORG);

  if ((org = call_as (demo->session->client, "POST", org_body, error, "/orgs")) == NULL)
    return FALSE;
  demo->org = reply_id (org);
  for (guint i = 0; i < N_PEOPLE; i++)
    {
      g_autoptr(JsonObject) body = object_with_string ("name", people[i].name);
      g_autoptr(JsonNode) reply = NULL;

      if ((demo->passwords[i] = new_password (error)) == NULL)
        return FALSE;
      json_object_set_string_member (body, "password", demo->passwords[i]);
      if ((reply = call_as (demo->session->client, "POST", body, error, "/users")) == NULL)
        {
          g_prefix_error (error, "user “%s”: ", people[i].name);
          return FALSE;
        }
      demo->users[i] = reply_id (reply);
    }
  {
    g_autoptr(JsonObject) body = object_with_id ("user", demo->users[OLGA]);
    g_autoptr(JsonNode) reply = call_as (demo->session->client, "POST", body, error,
                                         "/orgs/%" G_GINT64_FORMAT "/members", demo->org);

    if (reply == NULL)
      return FALSE;
  }
  return TRUE;
}

static gboolean
create_project (Demo    *demo,
                GError **error)
{
  QuorumClient *admin = demo->session->client;
  g_autoptr(JsonObject) body = object_with_string ("name", DEMO_PROJECT);
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) schema = quorum_demo_label_schema ();

  json_object_set_int_member (body, "org", demo->org);
  if ((reply = call_as (admin, "POST", body, error, "/projects")) == NULL)
    return FALSE;
  demo->project = reply_id (reply);
  g_clear_pointer (&reply, json_node_unref);
  if ((reply = quorum_cli_call (demo->session, "PUT", schema, error, "/projects/%" G_GINT64_FORMAT "/labels",
                                demo->project)) == NULL)
    return FALSE;
  for (guint i = 0; i < N_PEOPLE; i++)
    {
      g_autoptr(JsonObject) role = NULL;
      g_autoptr(JsonNode) member = NULL;

      if (people[i].role == NULL)
        continue;
      role = object_with_string ("role", people[i].role);
      if ((member = call_as (admin, "PUT", role, error, "/projects/%" G_GINT64_FORMAT "/members/%" G_GINT64_FORMAT,
                             demo->project, demo->users[i])) == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
create_guides_and_credential (Demo    *demo,
                              GError **error)
{
  static const char * const files[] = { "draw-guide.md", "review-guide.md" };
  static const char * const names[] = { "Drawing street scenes", "Reviewing street scenes" };
  QuorumClient *admin = demo->session->client;
  g_autoptr(JsonObject) credential = object_with_string ("name", DEMO_CREDENTIAL);
  g_autoptr(JsonObject) grant = NULL;
  g_autoptr(JsonNode) reply = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *markdown = quorum_demo_guide (files[i]);
      g_autoptr(JsonObject) body = object_with_string ("name", names[i]);
      g_autoptr(JsonNode) guide = NULL;

      json_object_set_string_member (body, "markdown", markdown);
      if ((guide = call_as (admin, "POST", body, error, "/projects/%" G_GINT64_FORMAT "/guides",
                            demo->project)) == NULL)
        return FALSE;
      demo->guides[i] = reply_id (guide);
    }
  json_object_set_string_member (credential, "description",
                                 "Passed the exam “Street-scene basics”, or granted by a project admin");
  if ((reply = call_as (admin, "POST", credential, error, "/projects/%" G_GINT64_FORMAT "/credentials",
                        demo->project)) == NULL)
    return FALSE;
  demo->credential = reply_id (reply);
  g_clear_pointer (&reply, json_node_unref);
  /* An "offline credential": ann may work on the certified job from the start. */
  grant = object_with_id ("user", demo->users[ANN]);
  if ((reply = call_as (admin, "POST", grant, error, "/credentials/%" G_GINT64_FORMAT "/grants",
                        demo->credential)) == NULL)
    return FALSE;
  return TRUE;
}

static gboolean
put_gold (Demo    *demo,
          GError **error)
{
  for (guint i = 0; i < N_SCENES; i++)
    {
      g_autoptr(JsonObject) body = json_object_new ();
      g_autoptr(JsonNode) reply = NULL;

      if (!scene_has_gold (i))
        continue;
      json_object_set_member (body, "instances",
                              quorum_wire_write_instances (quorum_demo_scene_get_instances (demo->scenes[i])));
      if ((reply = call_as (demo->session->client, "PUT", body, error, "/files/%" G_GINT64_FORMAT "/existing",
                            demo->files[i])) == NULL)
        {
          g_prefix_error (error, "gold of street-%02u.png: ", i + 1);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
create_jobs (Demo    *demo,
             GError **error)
{
  for (guint j = 0; j < N_JOBS; j++)
    {
      const DemoJob *job = &jobs[j];
      g_autoptr(JsonObject) body = json_object_new ();
      g_autoptr(JsonObject) settings = json_object_new ();
      g_autoptr(JsonArray) files = json_array_new ();
      g_autoptr(JsonNode) reply = NULL;
      g_autoptr(JsonNode) launched = NULL;
      g_autofree char *draw_guide = g_strdup_printf ("%" G_GINT64_FORMAT, demo->guides[0]);
      g_autofree char *review_guide = g_strdup_printf ("%" G_GINT64_FORMAT, demo->guides[1]);
      JsonArray *required = json_array_new ();
      JsonArray *awarded = json_array_new ();

      json_object_set_string_member (settings, "name", job->name);
      json_object_set_string_member (settings, "type", job->type);
      json_object_set_string_member (settings, "share", job->share);
      json_object_set_int_member (settings, "passes_per_file", job->passes);
      json_object_set_int_member (settings, "review_frequency", job->review_frequency);
      if (job->consensus != NULL)
        json_object_set_string_member (settings, "consensus", job->consensus);
      if (job->requires != NULL)
        json_array_add_string_element (required, job->requires);
      if (job->awards != NULL)
        {
          JsonObject *rule = json_object_new ();

          json_array_add_string_element (awarded, job->awards);
          json_object_set_double_member (rule, "min_average_stars", 3.0);
          json_object_set_int_member (rule, "max_missed", 2);
          json_object_set_object_member (settings, "pass_rule", rule);
        }
      json_object_set_array_member (settings, "required_credentials", required);
      json_object_set_array_member (settings, "awarded_credentials", awarded);
      json_object_set_string_member (settings, "draw_guide", draw_guide);
      json_object_set_string_member (settings, "review_guide", review_guide);
      for (guint i = job->first_scene; i < job->first_scene + job->n_scenes; i++)
        json_array_add_int_element (files, demo->files[i]);
      json_object_set_object_member (body, "settings", json_object_ref (settings));
      json_object_set_array_member (body, "files", json_array_ref (files));
      if ((reply = call_as (demo->session->client, "POST", body, error, "/projects/%" G_GINT64_FORMAT "/jobs",
                            demo->project)) == NULL)
        {
          g_prefix_error (error, "job “%s”: ", job->name);
          return FALSE;
        }
      demo->jobs[j] = reply_id (reply);
      if ((launched = call_as (demo->session->client, "POST", NULL, error, "/jobs/%" G_GINT64_FORMAT "/launch",
                               demo->jobs[j])) == NULL)
        {
          g_prefix_error (error, "job “%s”: ", job->name);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- work already done ------------------------------------------------- */

static gboolean
sign_in (Demo    *demo,
         GError **error)
{
  for (guint i = 0; i < N_PEOPLE; i++)
    {
      g_autoptr(JsonNode) reply = NULL;

      if ((demo->clients[i] = quorum_client_new (quorum_client_get_server (demo->session->client), error)) == NULL)
        return FALSE;
      if ((reply = quorum_client_login_sync (demo->clients[i], people[i].name, demo->passwords[i], NULL,
                                             error)) == NULL)
        {
          g_prefix_error (error, "signing in as %s: ", people[i].name);
          return FALSE;
        }
    }
  return TRUE;
}

/* @person asks @job for their next task and draws it the way they draw;
 * submits it unless @keep. Answers the task's id. */
static gint64
draw_next (Demo     *demo,
           guint     person,
           guint     job,
           gboolean  keep,
           GError  **error)
{
  QuorumClient *client = demo->clients[person];
  g_autoptr(JsonNode) task = NULL;
  g_autoptr(JsonNode) saved = NULL;
  g_autoptr(JsonNode) submitted = NULL;
  g_autoptr(GPtrArray) version = NULL;
  g_autoptr(JsonObject) save = json_object_new ();
  g_autoptr(JsonObject) submit = json_object_new ();
  QuorumDemoScene *scene;
  JsonObject *object;
  gint64 id;

  if ((task = call_as (client, "POST", NULL, error, "/jobs/%" G_GINT64_FORMAT "/next", demo->jobs[job])) == NULL)
    goto failed;
  if (!JSON_NODE_HOLDS_OBJECT (task))
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND, "the server gave no task");
      goto failed;
    }
  object = json_node_get_object (task);
  id = json_object_get_int_member (object, "id");
  if (!g_str_equal (json_object_get_string_member (object, "kind"), "draw") ||
      (scene = scene_of_file (demo, json_object_get_int_member (object, "file"))) == NULL)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "task %" G_GINT64_FORMAT " is not a draw task of "
                   "a demo image", id);
      goto failed;
    }
  version = quorum_demo_annotator_version (quorum_demo_scene_get_instances (scene), people[person].style,
                                           demo->rand);
  json_object_set_int_member (save, "version", json_object_get_int_member (object, "version"));
  json_object_set_member (save, "instances", quorum_wire_write_instances (version));
  if ((saved = call_as (client, "PUT", save, error, "/tasks/%" G_GINT64_FORMAT "/instances", id)) == NULL)
    goto failed;
  if (keep)
    return id;
  json_object_set_int_member (submit, "version",
                              json_object_get_int_member (json_node_get_object (saved), "version"));
  if ((submitted = call_as (client, "POST", submit, error, "/tasks/%" G_GINT64_FORMAT "/submit", id)) == NULL)
    goto failed;
  return id;

failed:
  g_prefix_error (error, "%s drawing in “%s”: ", people[person].name, jobs[job].name);
  return 0;
}

/* The administrator gives the first review task available in @job to
 * @person, who accepts it, or rejects it with @comments. */
static gboolean
review (Demo        *demo,
        guint        job,
        guint        person,
        gboolean     accept,
        const char  *comments,
        GError     **error)
{
  g_autoptr(JsonNode) tasks = NULL;
  g_autoptr(JsonNode) assigned = NULL;
  g_autoptr(JsonNode) decided = NULL;
  g_autoptr(JsonObject) assign = object_with_id ("user", demo->users[person]);
  g_autoptr(JsonObject) decision = object_with_string ("comments", comments);
  gint64 id = 0;

  if ((tasks = call_as (demo->session->client, "GET", NULL, error, "/jobs/%" G_GINT64_FORMAT "/tasks",
                        demo->jobs[job])) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (tasks)) && id == 0; i++)
    {
      JsonObject *task = json_array_get_object_element (json_node_get_array (tasks), i);

      if (g_str_equal (json_object_get_string_member (task, "kind"), "review") &&
          g_str_equal (json_object_get_string_member (task, "state"), "available"))
        id = json_object_get_int_member (task, "id");
    }
  if (id == 0)
    {
      g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_NOT_FOUND, "“%s” has no review task available",
                   jobs[job].name);
      return FALSE;
    }
  if ((assigned = call_as (demo->session->client, "POST", assign, error, "/tasks/%" G_GINT64_FORMAT "/assign",
                           id)) == NULL ||
      (decided = call_as (demo->clients[person], "POST", decision, error, "/tasks/%" G_GINT64_FORMAT "/%s", id,
                          accept ? "accept" : "reject")) == NULL)
    {
      g_prefix_error (error, "%s reviewing task %" G_GINT64_FORMAT ": ", people[person].name, id);
      return FALSE;
    }
  return TRUE;
}

/* Until the server has scored every available consensus task of @job (it
 * does so in a worker thread), so that the demo is whole when we exit. */
static gboolean
wait_for_scores (Demo    *demo,
                 guint    job,
                 GError **error)
{
  g_autoptr(JsonNode) tasks = NULL;

  if ((tasks = call_as (demo->session->client, "GET", NULL, error, "/jobs/%" G_GINT64_FORMAT "/tasks",
                        demo->jobs[job])) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (tasks)); i++)
    {
      JsonObject *task = json_array_get_object_element (json_node_get_array (tasks), i);
      gint64 id = json_object_get_int_member (task, "id");

      if (!g_str_equal (json_object_get_string_member (task, "kind"), "consensus") ||
          !g_str_equal (json_object_get_string_member (task, "state"), "available"))
        continue;
      for (guint waited = 0;; waited += 50)
        {
          g_autoptr(JsonNode) view = call_as (demo->session->client, "GET", NULL, error,
                                              "/tasks/%" G_GINT64_FORMAT, id);
          JsonNode *scores;

          if (view == NULL)
            return FALSE;
          scores = json_object_get_member (json_node_get_object (view), "scores");
          if (scores != NULL && JSON_NODE_HOLDS_OBJECT (scores))
            break;
          if (waited >= SCORES_WAIT_MS)
            {
              g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED,
                           "the server did not score consensus task %" G_GINT64_FORMAT " in %u s", id,
                           SCORES_WAIT_MS / 1000);
              return FALSE;
            }
          g_usleep (50 * 1000);
        }
    }
  return TRUE;
}

static gboolean
do_some_work (Demo    *demo,
              GError **error)
{
  static const guint rounds[][3] = { { ANN, BEN, CAT }, { BEN, CAT, ANN }, { CAT, ANN, BEN }, { ANN, BEN, CAT } };
  g_autoptr(JsonNode) applied = NULL;

  /* Consensus job: four files drawn by all three passes; the protocol gives
   * each file's passes to the three in turn, the third of them reviewed. */
  for (guint r = 0; r < G_N_ELEMENTS (rounds); r++)
    for (guint i = 0; i < 3; i++)
      if (draw_next (demo, rounds[r][i], JOB_CONSENSUS, FALSE, error) == 0)
        return FALSE;
  /* Files 1 and 2 go to consensus; file 3's third pass goes back to its
   * annotator; file 4's review is left for a reviewer. */
  if (!review (demo, JOB_CONSENSUS, RITA, TRUE, "Tight boxes, every sign outlined. Thank you!", error) ||
      !review (demo, JOB_CONSENSUS, RITA, TRUE, "Good. Mind the pedestrians' feet.", error) ||
      !review (demo, JOB_CONSENSUS, RITA, FALSE,
               "Some boxes are loose and a vehicle is missing; see the draw guide's “Boxes” section.", error))
    return FALSE;
  if (draw_next (demo, DAN, JOB_CONSENSUS, TRUE, error) == 0)
    return FALSE;

  /* Manual Merge job: two files with both passes done, no review. */
  if (draw_next (demo, BEN, JOB_MERGE, FALSE, error) == 0 || draw_next (demo, DAN, JOB_MERGE, FALSE, error) == 0 ||
      draw_next (demo, CAT, JOB_MERGE, FALSE, error) == 0 || draw_next (demo, ANN, JOB_MERGE, FALSE, error) == 0 ||
      draw_next (demo, ANN, JOB_MERGE, FALSE, error) == 0)
    return FALSE;

  /* The exam: dan applies and draws every file; tom has the reviews to do. */
  if ((applied = call_as (demo->clients[DAN], "POST", NULL, error, "/jobs/%" G_GINT64_FORMAT "/apply",
                          demo->jobs[JOB_EXAM])) == NULL)
    {
      g_prefix_error (error, "dan applying to the exam: ");
      return FALSE;
    }
  for (guint i = 0; i < jobs[JOB_EXAM].n_scenes; i++)
    if (draw_next (demo, DAN, JOB_EXAM, FALSE, error) == 0)
      return FALSE;

  /* The certified job (ann holds the credential) and the contractors' job
   * (olga reaches it through the organization): one draw accepted, one
   * waiting for review, each. */
  for (guint i = 0; i < 2; i++)
    if (draw_next (demo, ANN, JOB_CERTIFIED, FALSE, error) == 0 ||
        draw_next (demo, OLGA, JOB_CONTRACTORS, FALSE, error) == 0)
      return FALSE;

  return wait_for_scores (demo, JOB_CONSENSUS, error) && wait_for_scores (demo, JOB_MERGE, error);
}

/* ---- the video --------------------------------------------------------- */

static gpointer
write_video (gpointer path)
{
  GError *error = NULL;

  quorum_demo_video_write (path, &error);
  return error;
}

/* The clip is drawn and encoded (about a second) in a thread while the street
 * project is made: it is ready when add_video needs it. */
static gboolean
start_video (Demo    *demo,
             GError **error)
{
  g_autofree char *folder = g_dir_make_tmp ("quorum-demo-XXXXXX", error);

  if (folder == NULL)
    return FALSE;
  demo->video_path = g_build_filename (folder, VIDEO_FILE, NULL);
  demo->video_thread = g_thread_new ("demo-video", write_video, demo->video_path);
  return TRUE;
}

/* Until the server has prepared the video's proxy, or VIDEO_WAIT_MS. A video
 * still preparing then is not an error: its task opens once it is ready. */
static gboolean
wait_for_video (Demo    *demo,
                GError **error)
{
  for (guint waited = 0;; waited += 100)
    {
      g_autoptr(JsonNode) file = call_as (demo->session->client, "GET", NULL, error,
                                          "/files/%" G_GINT64_FORMAT, demo->video_file);
      JsonObject *video;
      const char *state;

      if (file == NULL)
        return FALSE;
      video = json_object_get_object_member (json_node_get_object (file), "video");
      state = video != NULL ? json_object_get_string_member_with_default (video, "state", "") : "";
      if (g_str_equal (state, "failed"))
        {
          g_set_error (error, QUORUM_ERROR, QUORUM_ERROR_FAILED, "%s: the server could not prepare it: %s",
                       VIDEO_FILE, json_object_get_string_member_with_default (video, "error", "no reason given"));
          return FALSE;
        }
      if (!g_str_equal (state, "preparing") || waited >= VIDEO_WAIT_MS)
        return TRUE;
      g_usleep (100 * 1000);
    }
}

/* The project "Traffic video": its labels, the street project's people in
 * the same roles, the generated clip and a launched job of two passes. */
static gboolean
add_video (Demo    *demo,
           GError **error)
{
  QuorumClient *admin = demo->session->client;
  g_autoptr(JsonObject) body = object_with_string ("name", VIDEO_PROJECT);
  g_autoptr(JsonObject) job = json_object_new ();
  g_autoptr(JsonObject) settings = json_object_new ();
  g_autoptr(JsonNode) schema = quorum_demo_video_label_schema ();
  g_autoptr(JsonNode) reply = NULL;
  JsonArray *files;
  GError *written;

  if ((written = g_thread_join (g_steal_pointer (&demo->video_thread))) != NULL)
    {
      g_propagate_error (error, written);
      return FALSE;
    }
  json_object_set_int_member (body, "org", demo->org);
  if ((reply = call_as (admin, "POST", body, error, "/projects")) == NULL)
    return FALSE;
  demo->video_project = reply_id (reply);
  g_clear_pointer (&reply, json_node_unref);
  if ((reply = quorum_client_upload_sync (admin, demo->video_project, demo->video_path, VIDEO_FILE, NULL, NULL,
                                          error)) == NULL)
    return FALSE;
  demo->video_file = reply_id (reply);
  g_clear_pointer (&reply, json_node_unref);
  if ((reply = quorum_cli_call (demo->session, "PUT", schema, error, "/projects/%" G_GINT64_FORMAT "/labels",
                                demo->video_project)) == NULL)
    return FALSE;
  for (guint i = 0; i < N_PEOPLE; i++)
    {
      g_autoptr(JsonObject) role = NULL;
      g_autoptr(JsonNode) member = NULL;

      if (people[i].role == NULL)
        continue;
      role = object_with_string ("role", people[i].role);
      if ((member = call_as (admin, "PUT", role, error, "/projects/%" G_GINT64_FORMAT "/members/%" G_GINT64_FORMAT,
                             demo->video_project, demo->users[i])) == NULL)
        return FALSE;
    }

  /* Two passes and Best Annotator: two annotators draw the tracks, and the
   * consensus task compares them over time (the disagreement timeline). */
  json_object_set_string_member (settings, "name", VIDEO_JOB);
  json_object_set_string_member (settings, "type", "normal");
  json_object_set_string_member (settings, "share", "project");
  json_object_set_int_member (settings, "passes_per_file", 2);
  json_object_set_int_member (settings, "review_frequency", 0);
  json_object_set_string_member (settings, "consensus", "best_annotator");
  json_object_set_object_member (job, "settings", json_object_ref (settings));
  files = json_array_new ();
  json_array_add_int_element (files, demo->video_file);
  json_object_set_array_member (job, "files", files);
  g_clear_pointer (&reply, json_node_unref);
  if ((reply = call_as (admin, "POST", job, error, "/projects/%" G_GINT64_FORMAT "/jobs",
                        demo->video_project)) == NULL)
    {
      g_prefix_error (error, "job “%s”: ", VIDEO_JOB);
      return FALSE;
    }
  demo->video_job = reply_id (reply);
  g_clear_pointer (&reply, json_node_unref);
  if ((reply = call_as (admin, "POST", NULL, error, "/jobs/%" G_GINT64_FORMAT "/launch", demo->video_job)) == NULL)
    {
      g_prefix_error (error, "job “%s”: ", VIDEO_JOB);
      return FALSE;
    }
  return wait_for_video (demo, error);
}

/* ---- the summary ------------------------------------------------------ */

static void
add_count (JsonObject  *tasks,
           const char  *kind,
           gint64      *total,
           gint64      *done,
           GString     *text)
{
  JsonObject *counts = json_object_has_member (tasks, kind) ? json_object_get_object_member (tasks, kind) : NULL;
  g_autoptr(GList) states = NULL;
  gint64 n = 0;

  if (counts == NULL)
    return;
  states = json_object_get_members (counts);
  for (GList *l = states; l != NULL; l = l->next)
    {
      gint64 count = json_object_get_int_member (counts, l->data);

      n += count;
      if (g_str_equal (l->data, "accepted") || g_str_equal (l->data, "complete"))
        *done += count;
    }
  *total += n;
  g_string_append_printf (text, "%s%" G_GINT64_FORMAT " %s", text->len > 0 ? ", " : "", n, kind);
}

/* {"id", "name", "state", "settings", "tasks": {KIND: {STATE: N}}} of the project's jobs, and their lines. */
static JsonNode *
describe_jobs (QuorumCliSession  *session,
               gint64             project,
               GString           *text,
               GError           **error)
{
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonArray) described = json_array_new ();

  if ((list = quorum_cli_call (session, "GET", NULL, error, "/projects/%" G_GINT64_FORMAT "/jobs",
                               project)) == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonObject *job = json_array_get_object_element (json_node_get_array (list), i);
      JsonObject *settings = json_object_get_object_member (job, "settings");
      gint64 id = json_object_get_int_member (job, "id");
      g_autoptr(JsonNode) status = NULL;
      g_autoptr(GString) counts = g_string_new (NULL);
      g_autofree char *kind = NULL;
      JsonObject *tasks;
      JsonObject *entry = json_object_new ();
      gint64 passes = json_object_get_int_member_with_default (settings, "passes_per_file", 1);
      gint64 frequency = json_object_get_int_member_with_default (settings, "review_frequency", 0);
      gint64 total = 0, done = 0;

      if ((status = quorum_cli_call (session, "GET", NULL, error, "/jobs/%" G_GINT64_FORMAT "/status",
                                     id)) == NULL)
        {
          json_object_unref (entry);
          return NULL;
        }
      json_object_set_int_member (entry, "id", id);
      json_object_set_string_member (entry, "name",
                                     json_object_get_string_member_with_default (settings, "name", ""));
      json_object_set_string_member (entry, "state", json_object_get_string_member (job, "state"));
      json_object_set_object_member (entry, "settings", json_object_ref (settings));
      json_object_set_member (entry, "tasks",
                              json_node_copy (json_object_get_member (json_node_get_object (status), "tasks")));
      json_array_add_object_element (described, entry);

      tasks = json_object_get_object_member (json_node_get_object (status), "tasks");
      add_count (tasks, "draw", &total, &done, counts);
      add_count (tasks, "review", &total, &done, counts);
      add_count (tasks, "consensus", &total, &done, counts);
      if (g_strcmp0 (json_object_get_string_member_with_default (settings, "type", "normal"), "exam") == 0)
        kind = g_strdup_printf ("exam, awards “%s”", DEMO_CREDENTIAL);
      else
        {
          const char *consensus = json_object_get_string_member_with_default (settings, "consensus",
                                                                              "best_annotator");
          GString *k = g_string_new (NULL);
          JsonArray *required = json_object_get_array_member (settings, "required_credentials");

          g_string_append_printf (k, "P %" G_GINT64_FORMAT ", R %" G_GINT64_FORMAT, passes, frequency);
          if (passes > 1)
            g_string_append (k, g_str_equal (consensus, "manual_merge") ? ", Manual Merge" : ", Best Annotator");
          if (required != NULL && json_array_get_length (required) > 0)
            g_string_append_printf (k, ", requires “%s”", json_array_get_string_element (required, 0));
          if (g_strcmp0 (json_object_get_string_member_with_default (settings, "share", "project"), "org") == 0)
            g_string_append (k, ", shared with the organization");
          kind = g_string_free (k, FALSE);
        }
      g_string_append_printf (text, "  %-3" G_GINT64_FORMAT " %s (%s)\n      %s: %s; %" G_GINT64_FORMAT " of %"
                              G_GINT64_FORMAT " done\n", id,
                              json_object_get_string_member_with_default (settings, "name", ""), kind,
                              json_object_get_string_member (job, "state"),
                              counts->len > 0 ? counts->str : "no tasks yet", done, total);
    }
  return json_node_init_array (json_node_alloc (), described);
}

/* {"project": {"id", "name"}, "file": {"id", "name", "state"}, "jobs": [...]}
 * of the video project, and its lines. */
static JsonObject *
describe_video (Demo     *demo,
                GString  *text,
                GError  **error)
{
  QuorumCliSession *session = demo->session;
  g_autoptr(GString) job_text = g_string_new (NULL);
  g_autoptr(JsonNode) described = describe_jobs (session, demo->video_project, job_text, error);
  g_autoptr(JsonNode) files = NULL;
  JsonObject *object, *project, *file;
  g_autofree char *state = g_strdup ("missing");

  if (described == NULL)
    return NULL;
  if ((files = quorum_cli_call (session, "GET", NULL, error, "/projects/%" G_GINT64_FORMAT "/files",
                                demo->video_project)) == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (files)); i++)
    {
      JsonObject *each = json_array_get_object_element (json_node_get_array (files), i);

      if (g_strcmp0 (json_object_get_string_member_with_default (each, "name", NULL), VIDEO_FILE) == 0)
        demo->video_file = json_object_get_int_member (each, "id");
    }
  if (demo->video_file != 0)
    {
      g_autoptr(JsonNode) record = quorum_cli_call (session, "GET", NULL, error, "/files/%" G_GINT64_FORMAT,
                                                    demo->video_file);
      JsonObject *video;

      if (record == NULL)
        return NULL;
      video = json_object_get_object_member (json_node_get_object (record), "video");
      g_free (state);
      state = g_strdup (video != NULL ? json_object_get_string_member_with_default (video, "state", "?") : "?");
    }

  object = json_object_new ();
  project = json_object_new ();
  json_object_set_int_member (project, "id", demo->video_project);
  json_object_set_string_member (project, "name", VIDEO_PROJECT);
  json_object_set_object_member (object, "project", project);
  file = json_object_new ();
  json_object_set_int_member (file, "id", demo->video_file);
  json_object_set_string_member (file, "name", VIDEO_FILE);
  json_object_set_string_member (file, "state", state);
  json_object_set_object_member (object, "file", file);
  json_object_set_member (object, "jobs", json_node_ref (described));
  g_string_append_printf (text, "\nVideo: project %" G_GINT64_FORMAT " “%s”, %s (%d×%d, %d frames) %s\n%s",
                          demo->video_project, VIDEO_PROJECT, VIDEO_FILE, QUORUM_DEMO_VIDEO_WIDTH,
                          QUORUM_DEMO_VIDEO_HEIGHT, QUORUM_DEMO_VIDEO_FRAMES,
                          g_str_equal (state, "ready") ? "ready"
                          : g_str_equal (state, "preparing") ? "being prepared: its task opens once ready"
                          : state, job_text->str);
  return object;
}

static int
print_summary (Demo     *demo,
               gboolean  created)
{
  QuorumCliSession *session = demo->session;
  const char *server = quorum_client_get_server (session->client);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) job_text = g_string_new (NULL);
  g_autoptr(JsonNode) described = describe_jobs (session, demo->project, job_text, &error);
  g_autoptr(GString) video_text = g_string_new (NULL);
  g_autoptr(JsonObject) video = NULL;

  if (described == NULL)
    return quorum_cli_session_fail (session, error);
  if (demo->video_project != 0 && (video = describe_video (demo, video_text, &error)) == NULL)
    return quorum_cli_session_fail (session, error);
  if (session->json)
    {
      g_autoptr(JsonObject) object = json_object_new ();
      JsonObject *project = json_object_new ();
      JsonArray *accounts = json_array_new ();

      json_object_set_string_member (object, "server", server);
      json_object_set_boolean_member (object, "created", created);
      json_object_set_int_member (project, "id", demo->project);
      json_object_set_string_member (project, "name", DEMO_PROJECT);
      json_object_set_object_member (object, "project", project);
      if (created)
        {
          JsonObject *org = json_object_new ();

          json_object_set_int_member (org, "id", demo->org);
          json_object_set_string_member (org, "name", DEMO_ORG);
          json_object_set_object_member (object, "organization", org);
          for (guint i = 0; i < N_PEOPLE; i++)
            {
              JsonObject *account = json_object_new ();

              json_object_set_int_member (account, "id", demo->users[i]);
              json_object_set_string_member (account, "name", people[i].name);
              json_object_set_string_member (account, "role", people[i].role != NULL ? people[i].role
                                                                                     : "org member");
              json_object_set_string_member (account, "password", demo->passwords[i]);
              json_object_set_string_member (account, "about", people[i].about);
              json_array_add_object_element (accounts, account);
            }
        }
      json_object_set_array_member (object, "accounts", accounts);
      json_object_set_member (object, "jobs", json_node_ref (described));
      if (video != NULL)
        json_object_set_object_member (object, "video", json_object_ref (video));
      quorum_cli_print_object (object);
      return QUORUM_CLI_OK;
    }

  if (!created)
    {
      printf ("The demo project “%s” is already on %s (project %" G_GINT64_FORMAT "); nothing was changed.\n"
              "Its accounts and their passwords were printed when it was created.\n\nJobs:\n%s%s",
              DEMO_PROJECT, server, demo->project, job_text->str, video_text->str);
      return QUORUM_CLI_OK;
    }
  printf ("The demo project “%s” (project %" G_GINT64_FORMAT ") is ready on %s.\n\n", DEMO_PROJECT,
          demo->project, server);
  printf ("Accounts (user, password, role):\n");
  for (guint i = 0; i < N_PEOPLE; i++)
    printf ("  %-6s %-16s %-10s %s\n", people[i].name, demo->passwords[i],
            people[i].role != NULL ? people[i].role : "org member", people[i].about);
  printf ("\nJobs:\n%s%s\n", job_text->str, video_text->str);
  printf ("Try first: rita's review and consensus tasks in “%s”, tom's exam review,\n"
          "a draw task as ann, or as any annotator the video in “%s”.\n"
          "docs/demo.md tells what each account can do.\n", jobs[JOB_CONSENSUS].name, VIDEO_JOB);
  return QUORUM_CLI_OK;
}

/* ---- the command ------------------------------------------------------ */

/* The ids of the projects called DEMO_PROJECT and VIDEO_PROJECT, 0 when there is none. */
static gboolean
find_demo_project (QuorumCliSession  *session,
                   gint64            *project,
                   gint64            *video_project,
                   GError           **error)
{
  g_autoptr(JsonNode) projects = quorum_cli_call (session, "GET", NULL, error, "/projects");

  if (projects == NULL)
    return FALSE;
  *project = 0;
  *video_project = 0;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (projects)); i++)
    {
      JsonObject *each = json_array_get_object_element (json_node_get_array (projects), i);
      const char *name = json_object_get_string_member_with_default (each, "name", NULL);

      if (g_strcmp0 (name, DEMO_PROJECT) == 0)
        *project = json_object_get_int_member (each, "id");
      else if (g_strcmp0 (name, VIDEO_PROJECT) == 0)
        *video_project = json_object_get_int_member (each, "id");
    }
  return TRUE;
}

int
quorum_cli_demo (int    argc,
                 char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_auto(Demo) demo = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) me = NULL;

  if (!quorum_cli_session_parse (&session, "demo", "",
                                 "Fill a fresh server with a demo project to explore (administrators).",
                                 "Creates the project “" DEMO_PROJECT "” with its organization, seven\n"
                                 "accounts (annotators ann, ben, cat, dan; reviewer rita; trainer tom;\n"
                                 "olga of the organization), the street-scene labels, 36 generated images\n"
                                 "with gold instances on 16, the draw and review guides, five launched jobs\n"
                                 "(consensus, manual merge, an exam, a job requiring the exam's credential,\n"
                                 "a job shared with the organization) and some work done in each; then\n"
                                 "the project “" VIDEO_PROJECT "” with a generated 5 s video and a launched\n"
                                 "video job of two passes.\n"
                                 "Prints the accounts with their passwords and the jobs with their tasks.\n"
                                 "On a server that has the project already it changes nothing, prints the\n"
                                 "jobs and exits 0. Details: docs/demo.md.\n"
                                 "--json prints {\"server\", \"created\", \"project\": {\"id\", \"name\"},\n"
                                 "\"organization\", \"accounts\": [{\"id\", \"name\", \"role\", \"password\",\n"
                                 "\"about\"}, …], \"jobs\": [{\"id\", \"name\", \"state\", \"settings\",\n"
                                 "\"tasks\"}, …], \"video\": {\"project\", \"file\": {\"id\", \"name\", \"state\"},\n"
                                 "\"jobs\"}}.",
                                 NULL, 0, 0, &argc, &argv))
    return QUORUM_CLI_USAGE;
  demo.session = &session;
  if ((me = quorum_cli_call (&session, "GET", NULL, &error, "/me")) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (!json_object_get_boolean_member_with_default (json_node_get_object (me), "admin", FALSE))
    {
      fprintf (stderr, "quorumctl demo: %s is not a server administrator; sign in as one (quorumctl login)\n",
               json_object_get_string_member_with_default (json_node_get_object (me), "name", "you"));
      return QUORUM_CLI_REFUSED;
    }
  if (!find_demo_project (&session, &demo.project, &demo.video_project, &error))
    return quorum_cli_session_fail (&session, error);
  if (demo.project != 0)
    return print_summary (&demo, FALSE);

  demo.rand = g_rand_new_with_seed (20240501);
  if (!start_video (&demo, &error) ||
      !create_people (&demo, &error) ||
      !create_project (&demo, &error) ||
      !upload_images (&demo, &error) ||
      !put_gold (&demo, &error) ||
      !create_guides_and_credential (&demo, &error) ||
      !create_jobs (&demo, &error) ||
      !sign_in (&demo, &error) ||
      !do_some_work (&demo, &error))
    return quorum_cli_session_fail (&session, error);
  /* The street project is whole and its passwords are yet to be printed: a
   * video that cannot be made is said, not a failure of the demo. */
  if (!add_video (&demo, &error))
    {
      fprintf (stderr, "quorumctl demo: the video project: %s\n", error->message);
      g_clear_error (&error);
    }
  return print_summary (&demo, TRUE);
}
