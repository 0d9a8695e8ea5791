/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzzing: opening a project file (read-only), checking it, listing it. */
#include "config.h"

#include "fuzz-common.h"
#include "fuzz-check.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_dir ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *path = fuzz_write ("input.gloss", data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = gloss_project_open (path, GLOSS_OPEN_READ_ONLY, &error);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(GPtrArray) dimensions = NULL;

  if (project == NULL)
    {
      fuzz_require_message (error);
      FUZZ_REQUIRE (error->domain == GLOSS_PROJECT_ERROR);
      return 0;
    }
  FUZZ_REQUIRE (error == NULL);

  /* What opened is sound enough to show: every listing works. */
  problems = gloss_project_check (project, &error);
  FUZZ_REQUIRE (problems != NULL);
  dimensions = gloss_project_list_dimensions (project, &error);
  FUZZ_REQUIRE (dimensions != NULL);
  codes = gloss_project_list_codes (project, &error);
  FUZZ_REQUIRE (codes != NULL);
  documents = gloss_project_list_documents (project, &error);
  FUZZ_REQUIRE (documents != NULL);
  for (guint i = 0; i < documents->len; i++)
    {
      GlossDocument *document = documents->pdata[i];
      GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
      g_autofree char *text = gloss_project_dup_text (project, document->id, &error);
      g_autoptr(GPtrArray) segments = NULL;
      g_autoptr(GPtrArray) annotations = NULL;

      FUZZ_REQUIRE (text != NULL);
      FUZZ_REQUIRE ((gint64) g_utf8_strlen (text, -1) == document->length);
      segments = gloss_project_list_segments (project, document->id, &error);
      FUZZ_REQUIRE (segments != NULL);
      filter.document = document->id;
      filter.range_start = 0;
      filter.range_end = document->length;
      annotations = gloss_project_list_annotations (project, &filter, &error);
      FUZZ_REQUIRE (annotations != NULL);
      for (guint a = 0; a < annotations->len; a++)
        {
          GlossAnnotation *annotation = annotations->pdata[a];

          FUZZ_REQUIRE (annotation->start >= 0 && annotation->start < annotation->end &&
                        annotation->end <= document->length);
        }
    }
  return 0;
}
