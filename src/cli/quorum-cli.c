/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "quorum-cli.h"

static const QuorumCliCommand commands[] = {
  { "login", "Sign in to a server and keep the token", quorum_cli_login },
  { "logout", "End the stored sign-in", quorum_cli_logout },
  { "org", "Create and list organizations, add members", quorum_cli_org },
  { "user", "Create, list and disable users, set passwords", quorum_cli_user },
  { "project", "Create and list projects, manage members", quorum_cli_project },
  { "label", "Add and list a project's labels", quorum_cli_label },
  { "file", "Upload and list images and videos", quorum_cli_file },
  { "guide", "Save, update and list Markdown guides", quorum_cli_guide },
  { "credential", "Create, grant, revoke and list credentials", quorum_cli_credential },
  { "job", "Create, launch and follow jobs", quorum_cli_job },
  { "task", "List, assign, release and review tasks", quorum_cli_task },
  { "exam", "Apply to exams, see results, pass or fail takers", quorum_cli_exam },
  { "export", "Export a job as COCO or Quorum JSON", quorum_cli_export },
  { "import", "Import COCO into a project's existing instances", quorum_cli_import },
  { "agreement", "Score how well annotation sets agree (offline)", quorum_cli_agreement },
  { "demo", "Fill a fresh server with a demo project to explore", quorum_cli_demo },
  { "migrate", "Copy an embedded installation into PostgreSQL", quorum_cli_migrate },
};

void
quorum_cli_usage_error (const char *subcommand,
                        const char *format,
                        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (subcommand != NULL)
    fprintf (stderr, "quorumctl %s: %s\nTry “quorumctl %s --help”.\n",
             subcommand, message, subcommand);
  else
    fprintf (stderr, "quorumctl: %s\nTry “quorumctl --help”.\n", message);
}

static void
print_help (FILE *out)
{
  fprintf (out,
           "Usage:\n"
           "  quorumctl [--version] [--help] COMMAND [ARGUMENT…]\n"
           "\n"
           "Drive a Quorum server from the shell.\n"
           "\n"
           "Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-12s %s\n", commands[i].name, commands[i].summary);
  fprintf (out,
           "\n"
           "Options:\n"
           "  -h, --help     Show this help and exit\n"
           "  --version      Print the version and exit\n"
           "\n"
           "“quorumctl COMMAND --help” describes one command.\n"
           "Exit status: 0 success, 1 refused by the server, 2 bad usage or input.\n");
}

int
quorum_cli_main (int    argc,
                 char **argv)
{
  const char *name;

  setlocale (LC_ALL, "");
  if (argc < 2)
    {
      print_help (stderr);
      return QUORUM_CLI_USAGE;
    }
  name = argv[1];
  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "help"))
    {
      print_help (stdout);
      return QUORUM_CLI_OK;
    }
  if (g_str_equal (name, "--version"))
    {
      printf ("quorumctl %s\n", PACKAGE_VERSION);
      return QUORUM_CLI_OK;
    }
  if (name[0] == '-')
    {
      quorum_cli_usage_error (NULL, "unknown option “%s”", name);
      return QUORUM_CLI_USAGE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return commands[i].run (argc - 1, argv + 1);
  quorum_cli_usage_error (NULL, "unknown command “%s”", name);
  return QUORUM_CLI_USAGE;
}
