/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>

#include "quorum-wire.h"
#include "client-test-util.h"

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

GSubprocessLauncher *
launcher_new (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "QUORUM_PWHASH_FAST", "1", TRUE);
  return launcher;
}

void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

static gboolean
tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the default main context until @done holds or @seconds pass. */
gboolean
wait_until (gboolean (*done) (gpointer),
            gpointer   data,
            guint      seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  guint id = g_timeout_add (20, tick, NULL);
  gboolean ok;

  while (!(ok = done (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
  return ok;
}

JsonNode *
call (QuorumClient *client,
      const char   *method,
      const char   *path,
      const char   *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonNode *reply;

  if (body != NULL)
    {
      node = quorum_wire_parse_bytes (body, strlen (body), &error);
      g_assert_no_error (error);
    }
  reply = quorum_client_call_sync (client, method, path, node, NULL, &error);
  if (error != NULL)
    g_error ("%s %s: %s", method, path, error->message);
  return reply;
}

gint64
call_id (QuorumClient *client,
         const char   *method,
         const char   *path,
         const char   *body)
{
  g_autoptr(JsonNode) reply = call (client, method, path, body);

  return json_object_get_int_member (json_node_get_object (reply), "id");
}

void
iterate (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;
  guint id = g_timeout_add (20, tick, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

GSubprocess *
start_server (const char  *data_dir,
              guint       *port,
              char       **address,
              const char  *token_lifetime)
{
  for (guint attempt = 0; attempt < 50; attempt++)
    {
      g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
      g_autoptr(GError) error = NULL;
      g_autoptr(GDataInputStream) out = NULL;
      g_autoptr(GSubprocess) process = NULL;
      g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", *port);
      g_autofree char *line = NULL;
      g_autoptr(GPtrArray) argv = g_ptr_array_new ();
      guint found = 0;

      g_ptr_array_add (argv, (char *) g_getenv ("QUORUM_SERVER_BIN"));
      g_ptr_array_add (argv, "--data");
      g_ptr_array_add (argv, (char *) data_dir);
      g_ptr_array_add (argv, "--listen");
      g_ptr_array_add (argv, listen);
      if (token_lifetime != NULL)
        {
          g_ptr_array_add (argv, "--token-lifetime");
          g_ptr_array_add (argv, (char *) token_lifetime);
        }
      g_ptr_array_add (argv, NULL);
      process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
      g_assert_no_error (error);
      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
      line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL);
      if (line != NULL && strstr (line, "port") != NULL && sscanf (strstr (line, "port"), "port %u", &found) == 1)
        {
          g_assert_true (*port == 0 || found == *port);
          *port = found;
          g_free (*address);
          *address = g_strdup_printf ("http://127.0.0.1:%u", found);
          return g_steal_pointer (&process);
        }
      /* The old process's port may take a moment to be free again. */
      g_subprocess_wait (process, NULL, NULL);
      g_usleep (100 * 1000);
    }
  g_error ("quorum-server did not start on port %u", *port);
}

void
stop_server (GSubprocess **process)
{
  if (*process == NULL)
    return;
  g_subprocess_send_signal (*process, SIGKILL);
  g_subprocess_wait (*process, NULL, NULL);
  g_clear_object (process);
}
