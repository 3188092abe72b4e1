/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "quorum-cli"

#include "quorum-cli.h"

int
quorum_cli_agreement (int    argc,
                      char **argv)
{
  quorum_cli_usage_error ("agreement", "not built yet");
  return QUORUM_CLI_USAGE;
}
