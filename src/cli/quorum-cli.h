/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses every subcommand keeps to. */
enum {
  QUORUM_CLI_OK      = 0,
  QUORUM_CLI_REFUSED = 1,  /* the server refused */
  QUORUM_CLI_USAGE   = 2,  /* bad usage or bad input */
};

typedef struct {
  const char *name;
  const char *summary;
  /* argv[0] is the subcommand's name */
  int       (*run) (int argc, char **argv);
} QuorumCliCommand;

int  quorum_cli_main            (int    argc,
                                 char **argv);
/* Prints "quorumctl SUBCOMMAND: MESSAGE" and a hint to --help on stderr. */
void quorum_cli_usage_error     (const char *subcommand,
                                 const char *format,
                                 ...) G_GNUC_PRINTF (2, 3);

int  quorum_cli_agreement       (int    argc,
                                 char **argv);

G_END_DECLS
