/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzzing: Gloss XML import (and, for small inputs, schema validation). */
#include "config.h"

#include "gloss-interchange.h"
#include "fuzz-common.h"
#include "fuzz-check.h"

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
  const char *path = fuzz_write ("input.xml", data, size);
  GlossProject *project = fuzz_project ();
  g_autoptr(GlossImportReport) report = gloss_import_report_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = fuzz_row_counts (project);

  if (gloss_xml_import (project, path, report, NULL, &error))
    {
      FUZZ_REQUIRE (error == NULL);
      fuzz_require_sound (project);
      fuzz_project_dirty ();
    }
  else
    {
      g_autofree char *after = fuzz_row_counts (project);

      fuzz_require_message (error);
      /* All or nothing. */
      FUZZ_REQUIRE (g_str_equal (before, after));
    }

  if (size < 16384)
    {
      g_autoptr(GError) invalid = NULL;

      if (!gloss_xml_validate (path, &invalid))
        FUZZ_REQUIRE (invalid != NULL);
    }
  return 0;
}
