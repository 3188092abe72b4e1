/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "quorum-cli.h"

int
main (int    argc,
      char **argv)
{
  return quorum_cli_main (argc, argv);
}
