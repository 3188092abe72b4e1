/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include <errno.h>
#include <stdio.h>
#include <glib/gstdio.h>

#include "quorum-cli.h"

/* The server's document to standard output as it sent it, byte for byte:
 * through a temporary file, in blocks, since a long video's COCO export is
 * hundreds of megabytes that a tree of JSON nodes would multiply. */
static gboolean
export_to_stdout (QuorumClient  *client,
                  const char    *path,
                  GError       **error)
{
  g_autofree char *temporary = NULL;
  g_autofree char *buffer = g_malloc (1024 * 1024);
  FILE *file;
  gboolean done;
  size_t n;
  int fd;

  if ((fd = g_file_open_tmp ("quorumctl-export-XXXXXX.json", &temporary, error)) < 0)
    return FALSE;
  g_close (fd, NULL);
  if (!quorum_client_download_sync (client, path, temporary, NULL, error))
    {
      g_unlink (temporary);
      return FALSE;
    }
  if ((file = g_fopen (temporary, "rb")) == NULL)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", temporary,
                   g_strerror (saved));
      g_unlink (temporary);
      return FALSE;
    }
  while ((n = fread (buffer, 1, 1024 * 1024, file)) > 0)
    if (fwrite (buffer, 1, n, stdout) != n)
      break;
  done = !ferror (file) && !ferror (stdout) && fflush (stdout) == 0;
  fclose (file);
  g_unlink (temporary);
  if (!done)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "standard output: the export could not be written whole");
  return done;
}

int
quorum_cli_export (int    argc,
                   char **argv)
{
  g_auto(QuorumCliSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *job_text = NULL, *format = NULL, *versions = NULL, *output = NULL;
  g_autofree char *path = NULL;
  gboolean no_interpolated = FALSE;
  const GOptionEntry entries[] = {
    { "job", 0, 0, G_OPTION_ARG_STRING, &job_text, "The job", "ID" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "coco (the outputs) or quorum (default: every version "
      "with its scores)", "FORMAT" },
    { "versions", 0, 0, G_OPTION_ARG_STRING, &versions, "Quorum format: all (default) or best", "WHICH" },
    { "no-interpolated", 0, 0, G_OPTION_ARG_NONE, &no_interpolated, "COCO: a video's tracks as drawn, without "
      "the frames interpolated between keyframes", NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE instead of standard output", "FILE" },
    { NULL }
  };
  gint64 job;

  if (!quorum_cli_session_parse (&session, "export", "--job ID --format coco|quorum -o FILE",
                                 "Export a job's annotations (editors).",
                                 "coco: the output of every finished file (the accepted draw, or the\n"
                                 "consensus) as COCO JSON (docs/coco.md). quorum: every version of every\n"
                                 "file with the pair scores, the file agreement and the winning version\n"
                                 "(docs/formats.md); --versions best keeps the outputs, scores and winner.\n"
                                 "--no-interpolated leaves a video's interpolated frames out of a COCO\n"
                                 "export: what an import keeps, a small part of a long video's export.\n"
                                 "The file is replaced only once the whole export has arrived.",
                                 entries, 0, 0, &argc, &argv))
    return QUORUM_CLI_USAGE;
  if (!quorum_cli_parse_id (job_text, "--job", &job, &error))
    return quorum_cli_session_fail (&session, error);
  if (format == NULL)
    format = g_strdup ("quorum");
  if (!g_str_equal (format, "coco") && !g_str_equal (format, "quorum"))
    return quorum_cli_session_usage (&session, "--format: coco or quorum, not “%s”", format);
  if (versions != NULL && !g_str_equal (versions, "all") && !g_str_equal (versions, "best"))
    return quorum_cli_session_usage (&session, "--versions: all or best, not “%s”", versions);
  if (no_interpolated && !g_str_equal (format, "coco"))
    return quorum_cli_session_usage (&session, "--no-interpolated: only with --format coco (the Quorum export "
                                     "has no interpolated frames)");
  path = g_strdup_printf ("/jobs/%" G_GINT64_FORMAT "/export?format=%s&versions=%s%s", job, format,
                          versions != NULL ? versions : "all", no_interpolated ? "&interpolated=false" : "");
  if (quorum_cli_session_connect (&session, &error) == NULL)
    return quorum_cli_session_fail (&session, error);
  if (output != NULL && !g_str_equal (output, "-"))
    {
      if (!quorum_client_download_sync (session.client, path, output, NULL, &error))
        return quorum_cli_session_fail (&session, error);
      if (!session.json)
        fprintf (stderr, "Exported job %" G_GINT64_FORMAT " (%s) to %s.\n", job, format, output);
    }
  else if (!export_to_stdout (session.client, path, &error))
    return quorum_cli_session_fail (&session, error);
  return QUORUM_CLI_OK;
}
