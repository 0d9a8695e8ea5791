/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "gloss-project.h"

G_BEGIN_DECLS

/* libFuzzer's entry points; replay.c calls them without libFuzzer. */
int LLVMFuzzerInitialize   (int           *argc,
                            char        ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* A folder for this process, removed at exit. */
const char   *fuzz_dir          (void);
/* Writes @data to @name in fuzz_dir(); returns the path (owned there). */
const char   *fuzz_write        (const char    *name,
                                 const void    *data,
                                 gsize          size);
/* A project with the sample interview, a codebook and two annotations,
 * open read-write; made fresh from a template after a change. */
GlossProject *fuzz_project      (void);
/* After an import that succeeded: the next fuzz_project() starts over. */
void          fuzz_project_dirty (void);

G_END_DECLS
