/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* gloss-cli's export, import and validate commands (CLI.md).  argv[0] is
 * the command name; each returns the exit status. */
int gloss_cli_export   (int    argc,
                        char **argv);
int gloss_cli_import   (int    argc,
                        char **argv);
int gloss_cli_validate (int    argc,
                        char **argv);

G_END_DECLS
