/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzzing: REFI-QDA import.  The first byte picks what the rest is:
 *   0  a whole .qdpx file (zip)
 *   1  the project.qde inside a .qdpx this harness packs, beside the text
 *      of the source its seeds name (so mutations reach the XML, not CRCs)
 *   2  a .qdc codebook */
#include "config.h"

#include "gloss-interchange.h"
#include "gloss-zip.h"
#include "fuzz-common.h"
#include "fuzz-check.h"

#define SOURCE_ENTRY "sources/75ec9c9a-0dc2-4ca8-8f11-96085182d428.txt"
static const char source_text[] =
  "Q: How do you see Pakistan–Russia ties?\nA: Cooperation is growing.\n";

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_project ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  GlossProject *project;
  g_autoptr(GlossImportReport) report = gloss_import_report_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  const char *path;

  if (size < 1)
    return 0;

  switch (data[0] % 3)
    {
    case 0:
      path = fuzz_write ("input.qdpx", data + 1, size - 1);
      break;
    case 1:
      {
        g_autofree char *zip_path = g_build_filename (fuzz_dir (), "packed.qdpx", NULL);
        g_autoptr(GlossZipWriter) writer = gloss_zip_writer_new (zip_path, &error);

        FUZZ_REQUIRE (writer != NULL);
        FUZZ_REQUIRE (gloss_zip_writer_add (writer, "project.qde", data + 1, size - 1, &error));
        FUZZ_REQUIRE (gloss_zip_writer_add (writer, SOURCE_ENTRY, source_text,
                                            sizeof source_text - 1, &error));
        FUZZ_REQUIRE (gloss_zip_writer_finish (writer, &error));
        path = g_intern_string (zip_path);
      }
      break;
    default:
      path = fuzz_write ("input.qdc", data + 1, size - 1);
      break;
    }

  project = fuzz_project ();
  before = fuzz_row_counts (project);
  if (gloss_refi_import (project, path, report, NULL, &error))
    {
      FUZZ_REQUIRE (error == NULL);
      for (guint i = 0; i < report->skipped->len; i++)
        FUZZ_REQUIRE (g_utf8_validate (report->skipped->pdata[i], -1, NULL));
      fuzz_require_sound (project);
      fuzz_project_dirty ();
    }
  else
    {
      g_autofree char *after = fuzz_row_counts (project);

      fuzz_require_message (error);
      FUZZ_REQUIRE (g_str_equal (before, after));
    }
  return 0;
}
