/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <libxml/xmlreader.h>
#include <sqlite3.h>

#include "gloss-autocleanups.h"
#include "gloss-interchange.h"
#include "gloss-project.h"
#include "gloss-project-private.h"

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
  char *dir = g_dir_make_tmp ("gloss-xml-XXXXXX", &error);

  g_assert_no_error (error);
  g_test_queue_destroy ((GDestroyNotify) remove_tree_and_free, g_strdup (dir));
  return dir;
}

static char *
read_file (const char *path,
           gsize      *len)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);
  return contents;
}

static char *
file_sha256 (const char *path)
{
  gsize len = 0;
  g_autofree char *contents = read_file (path, &len);

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) contents, len);
}

static guint
count_substrings (const char *haystack,
                  const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* An export without the attributes that differ between two projects
 * holding the same data: the project's own uuid and the export time. */
static char *
comparable_export (const char *path)
{
  g_autofree char *contents = read_file (path, NULL);
  g_autoptr(GRegex) regex = g_regex_new (" (project|exported)=\"[^\"]*\"", 0, 0, NULL);

  return g_regex_replace_literal (regex, contents, -1, 0, "", 0, NULL);
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
  char         *path;
  GlossProject *project;
  gint64        doc1;
  gint64        doc2;
  gint64        russia;
  gint64        kremlin;
  gint64        pakistan;
  gint64        cooperative;
  gint64        hostile;
  gint64        a1;           /* alice, accepted, with a note */
  gint64        a2;           /* bob, rejected */
  gint64        a3;           /* bob, the same span as a2 */
  gint64        a4;           /* far into the long document */
  gint64        a5;           /* deleted: a tombstone */
  char         *long_text;
} Fixture;

static const char text1[] =
  "Q: How do you see Pakistan–Russia ties?\n"
  "A: “Cooperation” 🤝 is growing & <real>.\n"
  "\n"
  "Q: And trade?\n"
  "A: Modest, \"but\" rising;\ttabs too.\n";

static gint64
annotate (Fixture      *fixture,
          gint64        document,
          gint64        start,
          gint64        end,
          const gint64 *codes,
          guint         n_codes,
          const char   *note,
          const char   *annotator)
{
  g_autoptr(GError) error = NULL;
  gint64 id = gloss_project_add_annotation (fixture->project, document, start, end, codes,
                                            n_codes, note, annotator, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) long_text = g_string_new (NULL);
  gint64 actors, stance;
  gint64 start;

  fixture->dir = make_tmp_dir ();
  fixture->path = g_build_filename (fixture->dir, "a.gloss", NULL);
  fixture->project = gloss_project_create (fixture->path, "alice", TRUE, &error);
  g_assert_no_error (error);

  /* over 64 KiB, so the text goes out in several chunks, with characters
   * of 2, 3 and 4 bytes that a careless cut would split */
  for (int i = 0; long_text->len < 200 * 1024; i++)
    g_string_append_printf (long_text, "Line %d: ünïcødé — 🤝 “quoted” text\n", i);
  fixture->long_text = g_string_free (g_steal_pointer (&long_text), FALSE);

  fixture->doc1 = gloss_project_add_document (fixture->project, "Interview 1", text1,
                                              "interview1.txt", NULL, &error);
  g_assert_no_error (error);
  fixture->doc2 = gloss_project_add_document (fixture->project, "Long interview",
                                              fixture->long_text, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (gloss_project_set_attribute (fixture->project, fixture->doc1, "interviewee",
                                              "A. Khan", &error));
  g_assert_no_error (error);
  g_assert_true (gloss_project_set_attribute (fixture->project, fixture->doc1, "place",
                                              "Lahore, \"PK\" & <elsewhere>", &error));
  g_assert_no_error (error);
  g_assert_true (gloss_project_set_document_memo (fixture->project, fixture->doc1,
                                                  "Memo with <markup> & a newline\nsecond line",
                                                  &error));
  g_assert_no_error (error);

  actors = gloss_project_add_dimension (fixture->project, "Actors", GLOSS_DIMENSION_ACTOR,
                                        TRUE, GLOSS_LEVEL_NOMINAL, &error);
  g_assert_no_error (error);
  stance = gloss_project_add_dimension (fixture->project, "Stance", GLOSS_DIMENSION_STANCE,
                                        FALSE, GLOSS_LEVEL_ORDINAL, &error);
  g_assert_no_error (error);
  g_assert_true (gloss_project_update_dimension (fixture->project, stance, "Stance",
                                                 GLOSS_DIMENSION_STANCE, FALSE,
                                                 GLOSS_LEVEL_ORDINAL,
                                                 "Ordinal: hostile < cooperative", &error));
  g_assert_no_error (error);

  fixture->russia = gloss_project_add_code (fixture->project, actors, 0, "Russia", "#aa3333",
                                            "The Russian state", "r", &error);
  g_assert_no_error (error);
  fixture->kremlin = gloss_project_add_code (fixture->project, actors, fixture->russia,
                                             "Kremlin/Moscow", "#bb3333", NULL, NULL, &error);
  g_assert_no_error (error);
  fixture->pakistan = gloss_project_add_code (fixture->project, actors, 0, "Pakistan",
                                              "#33aa33", NULL, "p", &error);
  g_assert_no_error (error);
  fixture->hostile = gloss_project_add_code (fixture->project, stance, 0, "hostile", "#aa0000",
                                             NULL, NULL, &error);
  g_assert_no_error (error);
  fixture->cooperative = gloss_project_add_code (fixture->project, stance, 0, "cooperative",
                                                 "#00aa00", "Working together", NULL, &error);
  g_assert_no_error (error);

  {
    gint64 codes1[] = { fixture->russia, fixture->pakistan };
    gint64 codes2[] = { fixture->cooperative };
    gint64 codes3[] = { fixture->kremlin, fixture->hostile };
    gint64 codes4[] = { fixture->russia };

    start = offset_of (text1, "Pakistan–Russia");
    fixture->a1 = annotate (fixture, fixture->doc1, start, start + 15, codes1, 2,
                            "note, with \"quotes\", <tags> & a newline\nhere", "alice");
    start = offset_of (text1, "“Cooperation”");
    fixture->a2 = annotate (fixture, fixture->doc1, start, start + 15, codes2, 1, NULL, "bob");
    fixture->a3 = annotate (fixture, fixture->doc1, start, start + 15, codes3, 2,
                            "bob’s twin", "bob");
    start = offset_of (fixture->long_text, "Line 3000:");
    fixture->a4 = annotate (fixture, fixture->doc2, start, start + 30, codes4, 1, NULL, "alice");
    start = offset_of (text1, "Modest");
    fixture->a5 = annotate (fixture, fixture->doc1, start, start + 6, codes2, 1,
                            "to be deleted", "alice");
  }

  g_assert_true (gloss_project_review_annotation (fixture->project, fixture->a1,
                                                  GLOSS_REVIEW_ACCEPTED, "fine", "carol",
                                                  &error));
  g_assert_no_error (error);
  g_assert_true (gloss_project_review_annotation (fixture->project, fixture->a2,
                                                  GLOSS_REVIEW_REJECTED, "no: too broad",
                                                  "carol", &error));
  g_assert_no_error (error);
  g_assert_true (gloss_project_delete_annotation (fixture->project, fixture->a5, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->project);
  g_free (fixture->path);
  g_free (fixture->dir);
  g_free (fixture->long_text);
}

static char *
export_to (Fixture                  *fixture,
           GlossProject             *project,
           const char               *name,
           const GlossExportOptions *options)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_assert_true (gloss_xml_export (project, path, options, NULL, &error));
  g_assert_no_error (error);
  return path;
}

static GlossProject *
new_empty_project (Fixture    *fixture,
                   const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  GlossProject *project = gloss_project_create (path, "zed", TRUE, &error);

  g_assert_no_error (error);
  return project;
}

static guint
count_live (GlossProject *project)
{
  GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) annotations = gloss_project_list_annotations (project, &filter, &error);

  g_assert_no_error (error);
  return annotations->len;
}

/* ------------------------------------------------------------------------
 * Export and import
 * ------------------------------------------------------------------------ */

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) copy = new_empty_project (fixture, "b.gloss");
  g_autoptr(GlossImportReport) report = gloss_import_report_new ();
  g_autofree char *first = export_to (fixture, fixture->project, "first.xml", NULL);
  g_autofree char *second = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *contents = read_file (first, NULL);
  g_autoptr(GPtrArray) problems = NULL;

  g_assert_true (g_str_has_prefix (contents, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                             "<gloss version=\"1\" "));
  g_assert_nonnull (strstr (contents, " xmlns=\"urn:glossapp:gloss:1\">"));
  g_assert_null (strstr (contents, "partial="));
  /* the tombstone travels */
  g_assert_cmpuint (count_substrings (contents, "deleted=\"true\""), ==, 1);
  /* annotators named by the annotations, not the one the project started with */
  g_assert_cmpuint (count_substrings (contents, "<annotator "), ==, 3);

  gloss_xml_validate (first, &error);
  g_assert_no_error (error);

  g_assert_true (gloss_xml_import (copy, first, report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->documents_added, ==, 2);
  g_assert_cmpuint (report->documents_matched, ==, 0);
  g_assert_cmpuint (report->dimensions_added, ==, 2);
  g_assert_cmpuint (report->codes_added, ==, 5);
  g_assert_cmpuint (report->codes_matched, ==, 0);
  g_assert_cmpuint (report->annotations_added, ==, 5);
  g_assert_cmpuint (report->annotations_updated, ==, 0);
  g_assert_cmpuint (report->annotations_unchanged, ==, 0);
  g_assert_cmpuint (report->skipped->len, ==, 0);
  g_assert_cmpuint (count_live (copy), ==, 4);

  problems = gloss_project_check (copy, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);

  /* export → import → export gives the same file, but for the project's
   * own uuid and the time of export */
  second = export_to (fixture, copy, "second.xml", NULL);
  a = comparable_export (first);
  b = comparable_export (second);
  g_assert_cmpstr (a, ==, b);
}

static void
test_import_twice_adds_nothing (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) copy = new_empty_project (fixture, "b.gloss");
  g_autoptr(GlossImportReport) first = gloss_import_report_new ();
  g_autoptr(GlossImportReport) again = gloss_import_report_new ();
  g_autofree char *path = export_to (fixture, fixture->project, "x.xml", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (gloss_xml_import (copy, path, first, NULL, &error));
  g_assert_no_error (error);
  before = file_sha256 (gloss_project_get_path (copy));

  g_assert_true (gloss_xml_import (copy, path, again, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (again->documents_added, ==, 0);
  g_assert_cmpuint (again->documents_matched, ==, 2);
  g_assert_cmpuint (again->dimensions_added, ==, 0);
  g_assert_cmpuint (again->codes_added, ==, 0);
  g_assert_cmpuint (again->codes_matched, ==, 5);
  g_assert_cmpuint (again->annotations_added, ==, 0);
  g_assert_cmpuint (again->annotations_updated, ==, 0);
  g_assert_cmpuint (again->annotations_unchanged, ==, 5);

  /* not a byte of the project changed */
  after = file_sha256 (gloss_project_get_path (copy));
  g_assert_cmpstr (before, ==, after);

  /* and into the project it came from: everything matches */
  gloss_import_report_free (g_steal_pointer (&again));
  again = gloss_import_report_new ();
  g_assert_true (gloss_xml_import (fixture->project, path, again, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (again->documents_matched, ==, 2);
  g_assert_cmpuint (again->annotations_unchanged, ==, 5);
  g_assert_cmpuint (again->annotations_added + again->annotations_updated, ==, 0);
}

static void
test_later_change_wins (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) copy = new_empty_project (fixture, "b.gloss");
  g_autoptr(GlossImportReport) report = gloss_import_report_new ();
  g_autofree char *original = export_to (fixture, fixture->project, "original.xml", NULL);
  g_autofree char *edited = NULL;
  g_autoptr(GlossAnnotation) annotation = NULL;
  g_autofree char *uuid = NULL;
  gint64 id;

  g_assert_true (gloss_xml_import (copy, original, NULL, NULL, &error));
  g_assert_no_error (error);

  /* someone edits a note in the copy */
  annotation = gloss_project_get_annotation (fixture->project, fixture->a1, &error);
  g_assert_no_error (error);
  uuid = g_strdup (annotation->uuid);
  id = gloss_project_resolve_annotation (copy, uuid, &error);
  g_assert_no_error (error);
  g_assert_true (gloss_project_set_annotation_note (copy, id, "a later note", &error));
  g_assert_no_error (error);
  edited = export_to (fixture, copy, "edited.xml", NULL);

  g_assert_true (gloss_xml_import (fixture->project, edited, report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->annotations_updated, ==, 1);
  g_assert_cmpuint (report->annotations_unchanged, ==, 4);
  g_clear_pointer (&annotation, gloss_annotation_free);
  annotation = gloss_project_get_annotation (fixture->project, fixture->a1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (annotation->note, ==, "a later note");
  g_assert_cmpuint (annotation->codes->len, ==, 2);

  /* the older file no longer wins */
  gloss_import_report_free (g_steal_pointer (&report));
  report = gloss_import_report_new ();
  g_assert_true (gloss_xml_import (fixture->project, original, report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->annotations_updated, ==, 0);
  g_assert_cmpuint (report->annotations_unchanged, ==, 5);
  g_clear_pointer (&annotation, gloss_annotation_free);
  annotation = gloss_project_get_annotation (fixture->project, fixture->a1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (annotation->note, ==, "a later note");
}

/* Every chunk of text is at most 64 KiB and cut between characters; the
 * chunks put together give the text back. */
static void
test_text_in_chunks (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = export_to (fixture, fixture->project, "x.xml", NULL);
  xmlTextReaderPtr reader = xmlReaderForFile (path, NULL, XML_PARSE_NONET);
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean in_long = FALSE;
  gboolean in_chunk = FALSE;
  guint n_chunks = 0;
  int ret;

  g_assert_nonnull (reader);
  while ((ret = xmlTextReaderRead (reader)) == 1)
    {
      const char *name = (const char *) xmlTextReaderConstLocalName (reader);
      int type = xmlTextReaderNodeType (reader);

      if (type == XML_READER_TYPE_ELEMENT && g_strcmp0 (name, "document") == 0)
        {
          xmlChar *title = xmlTextReaderGetAttribute (reader, BAD_CAST "title");

          in_long = g_strcmp0 ((const char *) title, "Long interview") == 0;
          xmlFree (title);
        }
      else if (type == XML_READER_TYPE_ELEMENT && g_strcmp0 (name, "chunk") == 0)
        in_chunk = TRUE;
      else if (type == XML_READER_TYPE_END_ELEMENT && g_strcmp0 (name, "chunk") == 0)
        in_chunk = FALSE;
      else if (in_chunk && in_long && (type == XML_READER_TYPE_TEXT ||
                                       type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE))
        {
          const char *value = (const char *) xmlTextReaderConstValue (reader);

          g_assert_cmpuint (strlen (value), <=, 65536);
          g_assert_true (g_utf8_validate (value, -1, NULL));
          g_string_append (text, value);
          n_chunks++;
        }
    }
  xmlFreeTextReader (reader);
  g_assert_cmpint (ret, ==, 0);

  g_assert_cmpuint (n_chunks, >=, 4);
  g_assert_cmpstr (text->str, ==, fixture->long_text);
}

static void
test_filters (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GlossExportOptions options = GLOSS_EXPORT_OPTIONS_INIT;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gint64 chosen[] = { 0 };

  /* one annotator: bob's two annotations and the reviewer of one */
  options.annotator = "bob";
  path = export_to (fixture, fixture->project, "bob.xml", &options);
  contents = read_file (path, NULL);
  g_assert_cmpuint (count_substrings (contents, "<annotation "), ==, 2);
  g_assert_cmpuint (count_substrings (contents, "<annotator "), ==, 2);
  g_assert_nonnull (strstr (contents, " partial=\"true\""));
  gloss_xml_validate (path, &error);
  g_assert_no_error (error);
  g_clear_pointer (&path, g_free);
  g_clear_pointer (&contents, g_free);

  /* one status: leaves tombstones out */
  options = (GlossExportOptions) GLOSS_EXPORT_OPTIONS_INIT;
  options.status = GLOSS_REVIEW_UNREVIEWED;
  path = export_to (fixture, fixture->project, "unreviewed.xml", &options);
  contents = read_file (path, NULL);
  g_assert_cmpuint (count_substrings (contents, "<annotation "), ==, 2);
  g_assert_null (strstr (contents, "deleted="));
  g_clear_pointer (&path, g_free);
  g_clear_pointer (&contents, g_free);

  /* chosen documents */
  options = (GlossExportOptions) GLOSS_EXPORT_OPTIONS_INIT;
  chosen[0] = fixture->doc2;
  options.documents = chosen;
  options.n_documents = 1;
  path = export_to (fixture, fixture->project, "doc2.xml", &options);
  contents = read_file (path, NULL);
  g_assert_cmpuint (count_substrings (contents, "<document "), ==, 1);
  g_assert_cmpuint (count_substrings (contents, "<annotation "), ==, 1);
  g_assert_null (strstr (contents, "Interview 1"));
  g_clear_pointer (&path, g_free);
  g_clear_pointer (&contents, g_free);

  /* a document that is not there */
  chosen[0] = 999;
  path = g_build_filename (fixture->dir, "none.xml", NULL);
  g_assert_false (gloss_xml_export (fixture->project, path, &options, NULL, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_MISSING_REFERENCE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_no_text (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) empty = new_empty_project (fixture, "b.gloss");
  g_autoptr(GlossImportReport) report = gloss_import_report_new ();
  GlossExportOptions options = GLOSS_EXPORT_OPTIONS_INIT;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  options.no_text = TRUE;
  path = export_to (fixture, fixture->project, "no-text.xml", &options);
  contents = read_file (path, NULL);
  g_assert_null (strstr (contents, "<chunk>"));
  g_assert_null (strstr (contents, "<text>"));
  gloss_xml_validate (path, &error);
  g_assert_no_error (error);

  /* a project without the documents cannot take it */
  before = file_sha256 (gloss_project_get_path (empty));
  g_assert_false (gloss_xml_import (empty, path, NULL, NULL, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_MISSING_REFERENCE);
  after = file_sha256 (gloss_project_get_path (empty));
  g_assert_cmpstr (before, ==, after);
  g_clear_error (&error);

  /* one that has them (matched by uuid) can */
  g_assert_true (gloss_xml_import (fixture->project, path, report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->documents_matched, ==, 2);
  g_assert_cmpuint (report->annotations_unchanged, ==, 5);
}

/* A document already in the project under another uuid is matched by the
 * SHA-256 of its text, and annotations land on it. */
static void
test_match_by_sha256 (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) other = new_empty_project (fixture, "b.gloss");
  g_autoptr(GlossImportReport) report = gloss_import_report_new ();
  g_autofree char *path = export_to (fixture, fixture->project, "x.xml", NULL);
  g_autoptr(GPtrArray) documents = NULL;
  gint64 doc;

  doc = gloss_project_add_document (other, "Same text, other name", text1, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (gloss_xml_import (other, path, report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->documents_matched, ==, 1);
  g_assert_cmpuint (report->documents_added, ==, 1);

  documents = gloss_project_list_documents (other, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (documents->len, ==, 2);
  {
    GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
    g_autoptr(GPtrArray) annotations = NULL;

    filter.document = doc;
    annotations = gloss_project_list_annotations (other, &filter, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (annotations->len, ==, 3);
  }
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GlossProject) copy = new_empty_project (fixture, "b.gloss");
  g_autofree char *path = export_to (fixture, fixture->project, "x.xml", NULL);
  g_autofree char *target = g_build_filename (fixture->dir, "cancelled.xml", NULL);
  g_autofree char *before = file_sha256 (gloss_project_get_path (copy));
  g_autofree char *after = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (gloss_xml_import (copy, path, NULL, cancellable, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_CANCELLED);
  g_clear_error (&error);
  after = file_sha256 (gloss_project_get_path (copy));
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (count_live (copy), ==, 0);

  g_assert_false (gloss_xml_export (fixture->project, target, NULL, cancellable, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_CANCELLED);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
}

/* A failed export leaves the file it was to replace as it was, and no
 * temporary file behind. */
static void
test_export_failure_keeps_target (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *target = g_build_filename (fixture->dir, "out.xml", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "no-such-dir", "out.xml", NULL);
  g_autofree char *contents = NULL;
  GDir *dir;
  const char *name;
  guint n_files = 0;

  g_assert_false (gloss_xml_export (fixture->project, missing, NULL, NULL, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (target, "the old export", -1, &error));
  g_assert_no_error (error);

  /* a note with a control character XML cannot carry, put there behind
   * the API's back */
  g_assert_cmpint (sqlite3_prepare_v2 (_gloss_project_get_db (fixture->project),
                                       "UPDATE annotation SET note = ? WHERE id = ?", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, "bell \a here", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, fixture->a4);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);

  g_assert_false (gloss_xml_export (fixture->project, target, NULL, NULL, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "U+0007"));

  contents = read_file (target, NULL);
  g_assert_cmpstr (contents, ==, "the old export");

  dir = g_dir_open (fixture->dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_assert_false (g_str_has_prefix (name, ".out.xml"));
      n_files++;
    }
  g_dir_close (dir);
  g_assert_cmpuint (n_files, ==, 2);  /* a.gloss and out.xml */
}

static void
test_import_any (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) copy = new_empty_project (fixture, "b.gloss");
  g_autoptr(GlossImportReport) report = gloss_import_report_new ();
  g_autofree char *path = export_to (fixture, fixture->project, "export.qdpx", NULL);
  g_autofree char *text = g_build_filename (fixture->dir, "notes.xml", NULL);
  g_autofree char *other = g_build_filename (fixture->dir, "other.xml", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.xml", NULL);

  /* told by content, not by the (misleading) name */
  g_assert_true (gloss_import_any (copy, path, report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->annotations_added, ==, 5);

  g_assert_true (g_file_set_contents (text, "just some text, not XML\n", -1, &error));
  g_assert_no_error (error);
  g_assert_false (gloss_import_any (copy, text, NULL, NULL, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_UNKNOWN_FORMAT);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (other, "<?xml version=\"1.0\"?>\n"
                                      "<html xmlns=\"http://www.w3.org/1999/xhtml\"/>\n",
                                      -1, &error));
  g_assert_no_error (error);
  g_assert_false (gloss_import_any (copy, other, NULL, NULL, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_UNKNOWN_FORMAT);
  g_clear_error (&error);

  g_assert_false (gloss_import_any (copy, missing, NULL, NULL, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO);
  g_clear_error (&error);

  /* REFI-QDA, told by content too: a zip, and XML in the codebook namespace,
   * under names that say otherwise */
  {
    g_autoptr(GlossProject) refi = new_empty_project (fixture, "refi.gloss");
    g_autoptr(GlossImportReport) qdc_report = gloss_import_report_new ();
    g_autoptr(GlossImportReport) qdpx_report = gloss_import_report_new ();
    g_autofree char *qdc = g_build_filename (fixture->dir, "codebook.xml", NULL);
    g_autofree char *qdpx = g_build_filename (fixture->dir, "project.xml", NULL);

    g_assert_true (gloss_refi_export_qdc (fixture->project, qdc, &error));
    g_assert_no_error (error);
    g_assert_true (gloss_import_any (refi, qdc, qdc_report, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (qdc_report->codes_added, >=, 5);
    g_assert_cmpuint (qdc_report->annotations_added, ==, 0);

    g_assert_true (gloss_refi_export_qdpx (fixture->project, qdpx, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (gloss_import_any (refi, qdpx, qdpx_report, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (qdpx_report->documents_added, ==, 2);
    g_assert_cmpuint (qdpx_report->annotations_added, >=, 4);
  }
}

static void
test_validate (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = export_to (fixture, fixture->project, "x.xml", NULL);
  g_autofree char *wrong = g_test_build_filename (G_TEST_DIST, "data", "hostile-xml",
                                                  "wrong-namespace.xml", NULL);
  g_autofree char *newer = g_test_build_filename (G_TEST_DIST, "data", "hostile-xml",
                                                  "newer-version.xml", NULL);
  g_autofree char *doctype = g_test_build_filename (G_TEST_DIST, "data", "hostile-xml",
                                                    "doctype.xml", NULL);
  g_autofree char *malformed = g_test_build_filename (G_TEST_DIST, "data", "hostile-xml",
                                                      "malformed.xml", NULL);
  g_autofree char *broken = g_build_filename (fixture->dir, "broken.xml", NULL);
  g_autofree char *contents = read_file (path, NULL);
  g_autoptr(GRegex) regex = g_regex_new ("status=\"accepted\"", 0, 0, NULL);
  g_autofree char *edited = g_regex_replace_literal (regex, contents, -1, 0,
                                                     "status=\"maybe\"", 0, NULL);

  g_assert_true (gloss_xml_validate (path, &error));
  g_assert_no_error (error);

  g_assert_false (gloss_xml_validate (wrong, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (gloss_xml_validate (newer, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (gloss_xml_validate (doctype, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_DOCTYPE);
  g_clear_error (&error);
  g_assert_false (gloss_xml_validate (malformed, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_MALFORMED);
  g_clear_error (&error);

  /* a value the schema does not allow, with its line in the message */
  g_assert_true (g_file_set_contents (broken, edited, -1, &error));
  g_assert_no_error (error);
  g_assert_false (gloss_xml_validate (broken, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "line "));
}

/* ------------------------------------------------------------------------
 * Hostile files: each refused with its own error, the project untouched
 * ------------------------------------------------------------------------ */

typedef struct
{
  const char *file;
  int         code;   /* -1: imports */
} HostileCase;

static const HostileCase hostile_cases[] = {
  { "valid-control.xml", -1 },
  { "doctype.xml", GLOSS_INTERCHANGE_ERROR_DOCTYPE },
  { "external-entity.xml", GLOSS_INTERCHANGE_ERROR_DOCTYPE },
  { "billion-laughs.xml", GLOSS_INTERCHANGE_ERROR_DOCTYPE },
  { "malformed.xml", GLOSS_INTERCHANGE_ERROR_MALFORMED },
  { "deep-nesting.xml", GLOSS_INTERCHANGE_ERROR_MALFORMED },
  { "wrong-namespace.xml", GLOSS_INTERCHANGE_ERROR_WRONG_NAMESPACE },
  { "newer-version.xml", GLOSS_INTERCHANGE_ERROR_NEWER_VERSION },
  { "offsets-outside.xml", GLOSS_INTERCHANGE_ERROR_OUT_OF_RANGE },
  { "quote-mismatch.xml", GLOSS_INTERCHANGE_ERROR_QUOTE_MISMATCH },
  { "missing-code.xml", GLOSS_INTERCHANGE_ERROR_MISSING_REFERENCE },
  { "missing-document.xml", GLOSS_INTERCHANGE_ERROR_MISSING_REFERENCE },
  { "missing-annotator.xml", GLOSS_INTERCHANGE_ERROR_MISSING_REFERENCE },
  { "duplicate-uuid.xml", GLOSS_INTERCHANGE_ERROR_DUPLICATE_UUID },
  { "duplicate-code-uuid.xml", GLOSS_INTERCHANGE_ERROR_DUPLICATE_UUID },
};

static gboolean
contains_bytes (const char *haystack,
                gsize       len,
                const char *needle)
{
  return memmem (haystack, len, needle, strlen (needle)) != NULL;
}

static void
test_hostile (Fixture       *fixture,
              gconstpointer  data)
{
  const HostileCase *hostile = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossImportReport) report = gloss_import_report_new ();
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "hostile-xml",
                                                   hostile->file, NULL);
  g_autofree char *path = g_build_filename (fixture->dir, hostile->file, NULL);
  g_autofree char *secret_path = g_build_filename (fixture->dir, "secret.txt", NULL);
  g_autofree char *nonce = g_uuid_string_random ();
  g_autofree char *marker = g_strconcat ("SECRET-", nonce, NULL);
  g_autofree char *secret = g_strdup_printf ("<!ENTITY leak \"%s\">%s\n", marker, marker);
  g_autofree char *contents = read_file (source, NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *project_bytes = NULL;
  gsize project_len = 0;
  gboolean ok;

  /* beside the file, a "local file" an external entity names */
  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (secret_path, secret, -1, &error));
  g_assert_no_error (error);

  before = file_sha256 (fixture->path);
  ok = gloss_xml_import (fixture->project, path, report, NULL, &error);

  if (hostile->code < 0)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpuint (report->annotations_added, ==, 2);
      return;
    }

  g_assert_false (ok);
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, hostile->code);
  g_assert_null (strstr (error->message, marker));
  g_test_message ("%s: %s", hostile->file, error->message);
  g_assert_cmpuint (report->annotations_added + report->documents_added, ==, 0);

  after = file_sha256 (fixture->path);
  g_assert_cmpstr (before, ==, after);
  project_bytes = read_file (fixture->path, &project_len);
  g_assert_false (contains_bytes (project_bytes, project_len, marker));
  g_clear_error (&error);

  /* the same through the format detection, and validation */
  g_assert_false (gloss_import_any (fixture->project, path, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_assert_null (strstr (error->message, marker));
  g_clear_error (&error);
  gloss_xml_validate (path, &error);
  if (error != NULL)
    g_assert_null (strstr (error->message, marker));

  g_clear_pointer (&after, g_free);
  after = file_sha256 (fixture->path);
  g_assert_cmpstr (before, ==, after);
}

/* The file names twice an annotation the project already has. */
static void
test_duplicate_of_existing (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *control = g_test_build_filename (G_TEST_DIST, "data", "hostile-xml",
                                                    "valid-control.xml", NULL);
  g_autofree char *twice = g_test_build_filename (G_TEST_DIST, "data", "hostile-xml",
                                                  "duplicate-uuid.xml", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (gloss_xml_import (fixture->project, control, NULL, NULL, &error));
  g_assert_no_error (error);
  before = file_sha256 (fixture->path);

  g_assert_false (gloss_xml_import (fixture->project, twice, NULL, NULL, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_DUPLICATE_UUID);
  after = file_sha256 (fixture->path);
  g_assert_cmpstr (before, ==, after);
}

static void
write_big_file (const char *path,
                gsize       text_bytes,
                gsize       chunk_bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) xml = g_string_new (NULL);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *chunk = g_malloc (chunk_bytes + 1);
  gsize written = 0;

  memset (chunk, 'a', chunk_bytes);
  chunk[chunk_bytes] = '\0';
  for (gsize left = text_bytes; left > 0; left -= MIN (left, chunk_bytes))
    g_checksum_update (checksum, (guchar *) chunk, MIN (left, chunk_bytes));

  g_string_append_printf (xml,
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<gloss xmlns=\"urn:glossapp:gloss:1\" version=\"1\" "
                          "project=\"0f8fad5b-d9cb-469f-a165-70867728950e\" "
                          "exported=\"2026-11-28T09:15:02.345Z\">\n"
                          "<annotators/><dimensions/><documents>\n"
                          "<document uuid=\"886313e1-3b8a-4372-9b90-0c9aee199e5d\" title=\"Big\" "
                          "sha256=\"%s\" length=\"%" G_GSIZE_FORMAT "\" "
                          "imported=\"2026-11-28T09:15:02.345Z\" "
                          "modified=\"2026-11-28T09:15:02.345Z\" revision=\"1\"><text>",
                          g_checksum_get_string (checksum), text_bytes);
  while (written < text_bytes)
    {
      gsize n = MIN (text_bytes - written, chunk_bytes);

      g_string_append (xml, "<chunk>");
      g_string_append_len (xml, chunk, n);
      g_string_append (xml, "</chunk>");
      written += n;
    }
  g_string_append (xml, "</text></document></documents><annotations/></gloss>\n");

  g_assert_true (g_file_set_contents (path, xml->str, xml->len, &error));
  g_assert_no_error (error);
}

static void
test_too_large (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *huge_node = g_build_filename (fixture->dir, "huge-node.xml", NULL);
  g_autofree char *huge_text = g_build_filename (fixture->dir, "huge-text.xml", NULL);
  g_autofree char *fits = g_build_filename (fixture->dir, "fits.xml", NULL);
  g_autofree char *before = file_sha256 (fixture->path);
  g_autofree char *after = NULL;

  /* one text node over libxml2's 10 MB cap */
  write_big_file (huge_node, 11 * 1000 * 1000, 11 * 1000 * 1000);
  g_assert_false (gloss_xml_import (fixture->project, huge_node, NULL, NULL, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* a text over Gloss's 32 MiB cap, in small chunks */
  write_big_file (huge_text, 32 * 1024 * 1024 + 1, 65536);
  g_assert_false (gloss_xml_import (fixture->project, huge_text, NULL, NULL, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_TOO_LARGE);
  g_clear_error (&error);

  after = file_sha256 (fixture->path);
  g_assert_cmpstr (before, ==, after);

  /* the control: a big text in chunks is fine */
  write_big_file (fits, 3 * 1000 * 1000, 65536);
  g_assert_true (gloss_xml_import (fixture->project, fits, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------------
 * gloss-cli export, import, validate: exit statuses and messages (CLI.md)
 * ------------------------------------------------------------------------ */

static int
run_cli (const char * const *args,
         char              **out,
         char              **err)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *cli = g_getenv ("GLOSS_CLI");
  int status = 0;

  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
assert_messages (const char *err)
{
  g_auto(GStrv) lines = g_strsplit (err, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' && !g_str_has_prefix (lines[i], "Usage:") &&
        !g_str_has_prefix (lines[i], " ") && !g_str_has_prefix (lines[i], "Help") &&
        !g_str_has_prefix (lines[i], "Application"))
      g_assert_true (g_str_has_prefix (lines[i], "gloss-cli: "));
}

static void
test_cli (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *xml = g_build_filename (fixture->dir, "cli.xml", NULL);
  g_autofree char *csv = g_build_filename (fixture->dir, "cli.csv", NULL);
  g_autofree char *copy = g_build_filename (fixture->dir, "copy.gloss", NULL);
  g_autofree char *doctype = g_test_build_filename (G_TEST_DIST, "data", "hostile-xml",
                                                    "doctype.xml", NULL);
  g_autofree char *quote = g_test_build_filename (G_TEST_DIST, "data", "hostile-xml",
                                                  "quote-mismatch.xml", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *doc2 = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->doc2);
  int status;

  if (g_getenv ("GLOSS_CLI") == NULL)
    {
      g_test_skip ("GLOSS_CLI is not set");
      return;
    }

  /* the store closes the project first, so the CLI is its only user */
  g_clear_object (&fixture->project);

  status = run_cli ((const char *[]) { "export", fixture->path, "--format", "xml", "-o", xml,
                                       NULL }, &out, &err);
  if (status == 1 && strstr (err, "no command") != NULL)
    {
      g_test_skip ("gloss-cli has no export command yet");
      return;
    }
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli ((const char *[]) { "validate", xml, NULL }, &out, &err), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli ((const char *[]) { "export", fixture->path, "--format", "csv-wide",
                                               "-o", csv, "--document", doc2,
                                               "--annotator", "alice", "--status", "unreviewed",
                                               NULL }, &out, &err), ==, 0);
  g_assert_true (g_file_test (csv, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* usage errors: 1 */
  g_assert_cmpint (run_cli ((const char *[]) { "export", fixture->path, "--format", "pdf",
                                               "-o", csv, NULL }, &out, &err), ==, 1);
  assert_messages (err);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli ((const char *[]) { "export", fixture->path, "--format", "xml",
                                               NULL }, &out, &err), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli ((const char *[]) { "export", fixture->path, "--format", "csv",
                                               "--no-text", "-o", csv, NULL }, &out, &err), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli ((const char *[]) { "import", fixture->path, NULL }, &out, &err),
                   ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* refused: 2, with a message, nothing changed */
  g_assert_cmpint (run_cli ((const char *[]) { "validate", doctype, NULL }, &out, &err), ==, 2);
  g_assert_true (g_str_has_prefix (err, "gloss-cli: "));
  assert_messages (err);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli ((const char *[]) { "new", copy, "--empty", NULL }, &out, &err), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  before = file_sha256 (copy);
  g_assert_cmpint (run_cli ((const char *[]) { "import", copy, quote, NULL }, &out, &err), ==, 2);
  g_assert_true (g_str_has_prefix (err, "gloss-cli: "));
  g_assert_nonnull (strstr (err, "quote"));
  after = file_sha256 (copy);
  g_assert_cmpstr (before, ==, after);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* done: 0, with the report */
  g_assert_cmpint (run_cli ((const char *[]) { "import", copy, xml, NULL }, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "annotations: 5 added, 0 updated, 0 unchanged"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli ((const char *[]) { "import", copy, xml, NULL }, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "annotations: 0 added, 0 updated, 5 unchanged"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/gloss/xml/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("round-trip", test_round_trip);
  ADD ("import-twice-adds-nothing", test_import_twice_adds_nothing);
  ADD ("later-change-wins", test_later_change_wins);
  ADD ("text-in-chunks", test_text_in_chunks);
  ADD ("filters", test_filters);
  ADD ("no-text", test_no_text);
  ADD ("match-by-sha256", test_match_by_sha256);
  ADD ("cancelled", test_cancelled);
  ADD ("export-failure-keeps-target", test_export_failure_keeps_target);
  ADD ("import-any", test_import_any);
  ADD ("validate", test_validate);
  ADD ("too-large", test_too_large);
  ADD ("duplicate-of-existing", test_duplicate_of_existing);
  ADD ("cli", test_cli);

  for (guint i = 0; i < G_N_ELEMENTS (hostile_cases); i++)
    {
      g_autofree char *name = g_strndup (hostile_cases[i].file,
                                         strlen (hostile_cases[i].file) - 4);
      g_autofree char *path = g_strdup_printf ("/gloss/xml/hostile/%s", name);

      g_test_add (path, Fixture, &hostile_cases[i], fixture_set_up, test_hostile,
                  fixture_tear_down);
    }

#undef ADD

  return g_test_run ();
}
