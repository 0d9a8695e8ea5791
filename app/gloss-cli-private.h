/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "gloss-project.h"

G_BEGIN_DECLS

/* Shared by gloss-cli's command files.  Exit statuses as in CLI.md. */
enum {
  GLOSS_CLI_OK = 0,
  GLOSS_CLI_USAGE = 1,
  GLOSS_CLI_REFUSED = 2,
  GLOSS_CLI_BUSY = 3,
  GLOSS_CLI_PARTIAL = 4,
};

/* Prints "gloss-cli: message" and the help; returns GLOSS_CLI_USAGE. */
int           gloss_cli_usage_error (GOptionContext  *context,
                                     const char      *message);
/* Prints the error; returns GLOSS_CLI_BUSY or GLOSS_CLI_REFUSED. */
int           gloss_cli_fail        (const GError    *error);
/* Parses options; argv[0] is the command; min/max count the others. */
gboolean      gloss_cli_parse       (GOptionContext  *context,
                                     int             *argc,
                                     char          ***argv,
                                     int              min_args,
                                     int              max_args,
                                     int             *status);
GlossProject *gloss_cli_open        (const char      *path,
                                     gboolean         read_only,
                                     int             *status);
void          gloss_cli_print_json  (JsonBuilder     *builder);

G_END_DECLS
