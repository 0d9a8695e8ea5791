/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdlib.h>

#include <glib.h>
#include <sqlite3.h>

#include "gloss-project.h"
#include "gloss-project-private.h"

/* A broken promise is a crash for the fuzzer to report. */
#define FUZZ_REQUIRE(cond) \
  G_STMT_START { \
    if (G_UNLIKELY (!(cond))) \
      { \
        g_printerr ("%s:%d: broken: %s\n", __FILE__, __LINE__, #cond); \
        abort (); \
      } \
  } G_STMT_END

/* Counts of the rows an import may add: equal before and after a failed
 * import, which must change nothing. */
static inline char *
fuzz_row_counts (GlossProject *project)
{
  sqlite3_stmt *stmt = NULL;
  char *counts;

  if (sqlite3_prepare_v2 (_gloss_project_get_db (project),
                          "SELECT (SELECT count (*) FROM annotation) || ' ' ||"
                          " (SELECT count (*) FROM annotation_code) || ' ' ||"
                          " (SELECT count (*) FROM document) || ' ' ||"
                          " (SELECT count (*) FROM dimension) || ' ' ||"
                          " (SELECT count (*) FROM code) || ' ' ||"
                          " (SELECT count (*) FROM annotator) || ' ' ||"
                          " (SELECT count (*) FROM change) || ' ' ||"
                          " (SELECT total (revision) FROM annotation)",
                          -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    abort ();
  counts = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return counts;
}

/* After an import: the project passes its own check. */
static inline void
fuzz_require_sound (GlossProject *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = gloss_project_check (project, &error);

  FUZZ_REQUIRE (problems != NULL);
  if (problems->len > 0)
    g_printerr ("check: %s\n", (char *) problems->pdata[0]);
  FUZZ_REQUIRE (problems->len == 0);
}

/* An error for the window: set, and in UTF-8 (printed when it is not). */
static inline void
fuzz_require_message (const GError *error)
{
  FUZZ_REQUIRE (error != NULL);
  if (!g_utf8_validate (error->message, -1, NULL))
    {
      g_autofree char *shown = g_utf8_make_valid (error->message, -1);

      g_printerr ("not UTF-8: %s\n", shown);
      abort ();
    }
}
