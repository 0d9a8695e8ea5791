/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "gloss-interchange.h"
#include "gloss-project.h"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) &&
              !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static void
remove_tree_and_free (char *path)
{
  remove_tree (path);
  g_free (path);
}

static char *
make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("gloss-csv-XXXXXX", &error);

  g_assert_no_error (error);
  g_test_queue_destroy ((GDestroyNotify) remove_tree_and_free, g_strdup (dir));
  return dir;
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static gint64
offset_of (const char *text,
           const char *needle)
{
  const char *p = strstr (text, needle);

  g_assert_nonnull (p);
  return g_utf8_pointer_to_offset (text, p);
}

typedef struct
{
  char         *dir;
  GlossProject *project;
  gint64        doc1;
  gint64        doc2;
  gint64        deleted;
} Fixture;

static const char text1[] =
  "Q: How do you see Pakistan–Russia ties?\n"
  "A: “Cooperation”, 🤝 is \"growing\" & real.\n"
  "Q: And trade?\n"
  "A: Modest; rising.\n";

static const char text2[] = "NA\nnull, or None? A second interview.\n";

static gint64
add_code (GlossProject *project,
          gint64        dimension,
          gint64        parent,
          const char   *name)
{
  g_autoptr(GError) error = NULL;
  gint64 id = gloss_project_add_code (project, dimension, parent, name, "#336699", NULL, NULL,
                                      &error);

  g_assert_no_error (error);
  return id;
}

static gint64
annotate (GlossProject  *project,
          gint64         document,
          const char    *text,
          const char    *span,
          const gint64  *codes,
          guint          n_codes,
          const char    *note,
          const char    *annotator)
{
  g_autoptr(GError) error = NULL;
  gint64 start = offset_of (text, span);
  gint64 id = gloss_project_add_annotation (project, document, start,
                                            start + g_utf8_strlen (span, -1), codes, n_codes,
                                            note, annotator, &error);

  g_assert_no_error (error);
  return id;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gint64 actors, stance, clash;
  gint64 russia, kremlin, pakistan, cooperative, hostile, other;

  fixture->dir = make_tmp_dir ();
  path = g_build_filename (fixture->dir, "a.gloss", NULL);
  fixture->project = gloss_project_create (path, "alice", TRUE, &error);
  g_assert_no_error (error);

  fixture->doc1 = gloss_project_add_document (fixture->project, "Interview \"one\", Lahore",
                                              text1, NULL, NULL, &error);
  g_assert_no_error (error);
  fixture->doc2 = gloss_project_add_document (fixture->project, "Interview 2", text2, NULL,
                                              NULL, &error);
  g_assert_no_error (error);

  actors = gloss_project_add_dimension (fixture->project, "Actors", GLOSS_DIMENSION_ACTOR, TRUE,
                                        GLOSS_LEVEL_NOMINAL, &error);
  g_assert_no_error (error);
  stance = gloss_project_add_dimension (fixture->project, "Stance", GLOSS_DIMENSION_STANCE,
                                        FALSE, GLOSS_LEVEL_ORDINAL, &error);
  g_assert_no_error (error);
  /* a dimension named like a fixed column */
  clash = gloss_project_add_dimension (fixture->project, "note", GLOSS_DIMENSION_OTHER, TRUE,
                                       GLOSS_LEVEL_NOMINAL, &error);
  g_assert_no_error (error);

  russia = add_code (fixture->project, actors, 0, "Russia");
  kremlin = add_code (fixture->project, actors, russia, "Kremlin/Moscow, \"HQ\"");
  pakistan = add_code (fixture->project, actors, 0, "Pakistan");
  hostile = add_code (fixture->project, stance, 0, "hostile");
  cooperative = add_code (fixture->project, stance, 0, "cooperative");
  other = add_code (fixture->project, clash, 0, "x");

  {
    gint64 c1[] = { pakistan, russia, kremlin, cooperative };
    gint64 c2[] = { hostile };
    gint64 c3[] = { russia, other };
    gint64 c4[] = { cooperative };

    annotate (fixture->project, fixture->doc1, text1, "Pakistan–Russia", c1, 4,
              "a note, with \"quotes\"\nand a second line", "alice");
    annotate (fixture->project, fixture->doc1, text1, "“Cooperation”, 🤝", c2, 1, NULL, "bob");
    annotate (fixture->project, fixture->doc1, text1, "“Cooperation”, 🤝", c3, 2, "twin", "alice");
    annotate (fixture->project, fixture->doc2, text2, "NA", c4, 1, "NA", "bob");
    annotate (fixture->project, fixture->doc2, text2, "null, or None?", c2, 1, "", "bob");
    fixture->deleted = annotate (fixture->project, fixture->doc1, text1, "Modest", c4, 1,
                                 "gone", "alice");
  }
  g_assert_true (gloss_project_delete_annotation (fixture->project, fixture->deleted, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->project);
  g_free (fixture->dir);
}

static int
compare_annotations (gconstpointer a,
                     gconstpointer b)
{
  const GlossAnnotation *x = *(const GlossAnnotation **) a;
  const GlossAnnotation *y = *(const GlossAnnotation **) b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  return strcmp (x->uuid, y->uuid);
}

/* The project as the CSV must show it, as JSON for csv-check.py: every live
 * annotation in export order (documents in project order, then start, end,
 * uuid) with its codes in codebook order. */
static char *
dump_expected (Fixture                  *fixture,
               const GlossExportOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) dimensions = gloss_project_list_dimensions (fixture->project, &error);
  g_autoptr(GPtrArray) codes = gloss_project_list_codes (fixture->project, &error);
  g_autoptr(GPtrArray) documents = gloss_project_list_documents (fixture->project, &error);
  g_autofree char *path = g_build_filename (fixture->dir, "expected.json", NULL);

  g_assert_no_error (error);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "dimensions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < dimensions->len; i++)
    json_builder_add_string_value (builder, ((GlossDimension *) dimensions->pdata[i])->name);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "annotations");
  json_builder_begin_array (builder);
  for (guint d = 0; d < documents->len; d++)
    {
      GlossDocument *document = documents->pdata[d];
      GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
      g_autoptr(GPtrArray) annotations = NULL;

      filter.document = document->id;
      filter.status = options->status;
      filter.annotator = options->annotator;
      annotations = gloss_project_list_annotations (fixture->project, &filter, &error);
      g_assert_no_error (error);
      g_ptr_array_sort (annotations, compare_annotations);

      for (guint a = 0; a < annotations->len; a++)
        {
          GlossAnnotation *annotation = annotations->pdata[a];

          g_assert_false (annotation->deleted);
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "uuid");
          json_builder_add_string_value (builder, annotation->uuid);
          json_builder_set_member_name (builder, "document");
          json_builder_add_string_value (builder, document->title);
          json_builder_set_member_name (builder, "document_uuid");
          json_builder_add_string_value (builder, document->uuid);
          json_builder_set_member_name (builder, "start");
          json_builder_add_int_value (builder, annotation->start);
          json_builder_set_member_name (builder, "end");
          json_builder_add_int_value (builder, annotation->end);
          json_builder_set_member_name (builder, "quote");
          json_builder_add_string_value (builder, annotation->quote);
          json_builder_set_member_name (builder, "annotator");
          json_builder_add_string_value (builder, annotation->annotator);
          json_builder_set_member_name (builder, "note");
          if (annotation->note != NULL)
            json_builder_add_string_value (builder, annotation->note);
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "status");
          json_builder_add_string_value (builder,
                                         gloss_review_status_to_string (annotation->status));
          json_builder_set_member_name (builder, "created");
          json_builder_add_string_value (builder, annotation->created);
          json_builder_set_member_name (builder, "modified");
          json_builder_add_string_value (builder, annotation->modified);

          /* codes in codebook (tree) order */
          json_builder_set_member_name (builder, "codes");
          json_builder_begin_array (builder);
          for (guint c = 0; c < codes->len; c++)
            {
              GlossCode *code = codes->pdata[c];
              gboolean carried = FALSE;
              const char *below;

              for (guint k = 0; k < annotation->codes->len && !carried; k++)
                carried = g_array_index (annotation->codes, gint64, k) == code->id;
              if (!carried)
                continue;

              for (guint k = 0; k < dimensions->len; k++)
                {
                  GlossDimension *dimension = dimensions->pdata[k];
                  g_autofree char *prefix = NULL;

                  if (dimension->id != code->dimension)
                    continue;
                  prefix = g_strconcat (dimension->name, "/", NULL);
                  g_assert_true (g_str_has_prefix (code->path, prefix));
                  below = code->path + strlen (prefix);
                  json_builder_begin_object (builder);
                  json_builder_set_member_name (builder, "dimension");
                  json_builder_add_string_value (builder, dimension->name);
                  json_builder_set_member_name (builder, "path");
                  json_builder_add_string_value (builder, code->path);
                  json_builder_set_member_name (builder, "below");
                  json_builder_add_string_value (builder, below);
                  json_builder_end_object (builder);
                }
            }
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  g_assert_true (json_generator_to_file (generator, path, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&path);
}

static void
run_check (const char *long_path,
           const char *wide_path,
           const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "csv-check.py", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { "/usr/bin/python3", script, long_path, wide_path, expected, NULL };
  int status = 0;

  if (!g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("/usr/bin/python3 is not installed");
      return;
    }

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("csv-check.py: %s%s", out, err);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 77)
    {
      g_test_skip ("pandas is not installed");
      return;
    }
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (out, "match the project"));
}

static void
export_both (Fixture                  *fixture,
             const GlossExportOptions *options,
             char                    **long_path,
             char                    **wide_path)
{
  g_autoptr(GError) error = NULL;

  *long_path = g_build_filename (fixture->dir, "long.csv", NULL);
  *wide_path = g_build_filename (fixture->dir, "wide.csv", NULL);
  g_assert_true (gloss_csv_export (fixture->project, *long_path, FALSE, options, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (gloss_csv_export (fixture->project, *wide_path, TRUE, options, NULL, &error));
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------------
 * Tests
 * ------------------------------------------------------------------------ */

static void
test_loads_in_python (Fixture       *fixture,
                      gconstpointer  data)
{
  GlossExportOptions options = GLOSS_EXPORT_OPTIONS_INIT;
  g_autofree char *long_path = NULL;
  g_autofree char *wide_path = NULL;
  g_autofree char *expected = NULL;

  export_both (fixture, &options, &long_path, &wide_path);
  expected = dump_expected (fixture, &options);
  run_check (long_path, wide_path, expected);
}

static void
test_format (Fixture       *fixture,
             gconstpointer  data)
{
  GlossExportOptions options = GLOSS_EXPORT_OPTIONS_INIT;
  g_autofree char *long_path = NULL;
  g_autofree char *wide_path = NULL;
  g_autofree char *long_text = NULL;
  g_autofree char *wide_text = NULL;
  g_auto(GStrv) records = NULL;

  export_both (fixture, &options, &long_path, &wide_path);
  long_text = read_file (long_path);
  wide_text = read_file (wide_path);

  g_assert_true (g_str_has_prefix (long_text,
                                   "annotation,document,document_uuid,start,end,quote,"
                                   "dimension,code,annotator,note,status,created,modified\r\n"));
  g_assert_true (g_str_has_prefix (wide_text,
                                   "annotation,document,document_uuid,start,end,quote,"
                                   "Actors,Stance,note (dimension),annotator,note,status,"
                                   "created,modified\r\n"));
  /* quotes doubled inside quoted fields; a line break inside a note stays LF */
  g_assert_nonnull (strstr (long_text, "\"Interview \"\"one\"\", Lahore\""));
  g_assert_nonnull (strstr (long_text, "\"a note, with \"\"quotes\"\"\nand a second line\""));
  g_assert_nonnull (strstr (wide_text, "\"Russia; Russia/Kremlin\\/Moscow, \"\"HQ\"\"; Pakistan\""));
  /* tombstones never appear */
  g_assert_null (strstr (long_text, "gone"));

  /* 4 + 1 + 2 + 1 + 1 rows in long, 5 in wide, each ending in CRLF */
  records = g_strsplit (long_text, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (records), ==, 1 + 9 + 1);
  g_assert_cmpstr (records[10], ==, "");
  g_clear_pointer (&records, g_strfreev);
  records = g_strsplit (wide_text, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (records), ==, 1 + 5 + 1);
}

static void
test_filters (Fixture       *fixture,
              gconstpointer  data)
{
  GlossExportOptions options = GLOSS_EXPORT_OPTIONS_INIT;
  gint64 chosen[1];
  g_autofree char *long_path = NULL;
  g_autofree char *wide_path = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;

  options.annotator = "bob";
  export_both (fixture, &options, &long_path, &wide_path);
  expected = dump_expected (fixture, &options);
  run_check (long_path, wide_path, expected);
  text = read_file (wide_path);
  g_assert_null (strstr (text, ",alice,"));
  g_assert_nonnull (strstr (text, ",bob,"));
  g_clear_pointer (&long_path, g_free);
  g_clear_pointer (&wide_path, g_free);
  g_clear_pointer (&text, g_free);

  options = (GlossExportOptions) GLOSS_EXPORT_OPTIONS_INIT;
  chosen[0] = fixture->doc2;
  options.documents = chosen;
  options.n_documents = 1;
  export_both (fixture, &options, &long_path, &wide_path);
  text = read_file (wide_path);
  g_assert_null (strstr (text, "Lahore"));
  g_assert_nonnull (strstr (text, "Interview 2"));
}

static void
test_failure_keeps_target (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GlossExportOptions options = GLOSS_EXPORT_OPTIONS_INIT;
  g_autofree char *path = g_build_filename (fixture->dir, "out.csv", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "nowhere", "out.csv", NULL);
  g_autofree char *contents = NULL;
  gint64 chosen[] = { 12345 };

  g_assert_true (g_file_set_contents (path, "old", -1, &error));
  g_assert_no_error (error);

  options.documents = chosen;
  options.n_documents = 1;
  g_assert_false (gloss_csv_export (fixture->project, path, FALSE, &options, NULL, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_MISSING_REFERENCE);
  g_clear_error (&error);
  contents = read_file (path);
  g_assert_cmpstr (contents, ==, "old");

  g_assert_false (gloss_csv_export (fixture->project, missing, TRUE, NULL, NULL, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/gloss/csv/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("loads-in-python", test_loads_in_python);
  ADD ("format", test_format);
  ADD ("filters", test_filters);
  ADD ("failure-keeps-target", test_failure_keeps_target);

#undef ADD

  return g_test_run ();
}
