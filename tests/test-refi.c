/* SPDX-License-Identifier: GPL-3.0-or-later */
/* REFI-QDA import and export.
 *
 * Built twice: with REFI_INTEROP defined it reads the real files in
 * $GLOSS_SHARED_DIR/refi/samples (suite "interop"); without, it checks round
 * trips and bad inputs on files it makes itself (suite "unit").  Every
 * exported file is validated against the standard's XSD. */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "gloss-interchange.h"
#include "gloss-project-private.h"
#include "gloss-project.h"
#include "gloss-zip.h"

typedef struct
{
  char         *dir;
  char         *path;
  GlossProject *project;
} Fixture;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("gloss-refi-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "project.gloss", NULL);
  f->project = gloss_project_create (f->path, "Tester", TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->project);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->project);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* A second, empty project in the fixture's folder. */
static GlossProject *
other_project (Fixture    *f,
               const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  GlossProject *project = gloss_project_create (path, "Someone else", TRUE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (project);
  return project;
}

static const char *
shared_dir (void)
{
  const char *dir = g_getenv ("GLOSS_SHARED_DIR");

  return dir != NULL ? dir : "../shared";
}

static char *
spec_path (const char *name)
{
  return g_build_filename (shared_dir (), "refi", "spec", name, NULL);
}

static gint64
count (GlossProject *project,
       const char   *sql,
       const char   *arg)
{
  sqlite3 *db = _gloss_project_get_db (project);
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (arg != NULL)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return n;
}

G_GNUC_UNUSED static gint64
codes_in_dimension (GlossProject *project,
                    const char   *dimension)
{
  return count (project, "SELECT count (*) FROM code c JOIN dimension d ON d.id = c.dimension "
                "WHERE d.name = ?", dimension);
}

static gboolean
report_mentions (GlossImportReport *report,
                 const char        *needle)
{
  for (guint i = 0; i < report->skipped->len; i++)
    if (strstr (g_ptr_array_index (report->skipped, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

G_GNUC_UNUSED static guint
report_count (GlossImportReport *report,
              const char        *needle)
{
  guint n = 0;

  for (guint i = 0; i < report->skipped->len; i++)
    if (strstr (g_ptr_array_index (report->skipped, i), needle) != NULL)
      n++;
  return n;
}

static void
assert_no_problems (GlossProject *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = gloss_project_check (project, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("problem: %s", (const char *) g_ptr_array_index (problems, i));
  g_assert_cmpuint (problems->len, ==, 0);
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

/* ---- XSD validation --------------------------------------------------- */

static void
collect_schema_error (void        *user_data,
                      xmlErrorPtr  err)
{
  GString *messages = user_data;

  g_string_append_printf (messages, "line %d: %s", err->line, err->message);
}

static void
assert_valid_xml (const char *xsd,
                  const char *data,
                  gsize       len)
{
  g_autofree char *path = spec_path (xsd);
  g_autoptr(GString) messages = g_string_new (NULL);
  xmlSchemaParserCtxtPtr parser;
  xmlSchemaPtr schema;
  xmlSchemaValidCtxtPtr valid;
  xmlDocPtr doc;
  int rc;

  parser = xmlSchemaNewParserCtxt (path);
  g_assert_nonnull (parser);
  schema = xmlSchemaParse (parser);
  g_assert_nonnull (schema);
  valid = xmlSchemaNewValidCtxt (schema);
  xmlSchemaSetValidStructuredErrors (valid, collect_schema_error, messages);

  doc = xmlReadMemory (data, (int) len, NULL, NULL, XML_PARSE_NONET);
  g_assert_nonnull (doc);
  rc = xmlSchemaValidateDoc (valid, doc);
  if (rc != 0)
    g_test_message ("%s", messages->str);
  g_assert_cmpint (rc, ==, 0);

  xmlFreeDoc (doc);
  xmlSchemaFreeValidCtxt (valid);
  xmlSchemaFree (schema);
  xmlSchemaFreeParserCtxt (parser);
}

/* Validates the project.qde of @qdpx and checks the write rules: LF, no
 * BOM, sources/<GUID>.txt for every plainTextPath, no richTextPath, GUIDs
 * in lower case and the namespace exactly 1.0. */
static void
assert_valid_qdpx (const char *qdpx)
{
  g_autoptr(GError) error = NULL;
  const GlossZipLimits limits = GLOSS_ZIP_LIMITS_DEFAULT;
  g_autoptr(GlossZip) zip = gloss_zip_open (qdpx, &limits, &error);
  g_autoptr(GBytes) qde = NULL;
  g_autoptr(GRegex) guid = g_regex_new ("(guid|GUID|User)=\"([^\"]*)\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  const char *const *names;
  const char *data;
  gsize len;

  g_assert_no_error (error);
  qde = gloss_zip_get (zip, "project.qde", FALSE, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (qde, &len);
  assert_valid_xml ("Project-mrt2019.xsd", data, len);

  /* zip entries are not NUL-terminated: search within their length */
  g_assert_nonnull (g_strstr_len (data, len, "xmlns=\"urn:QDA-XML:project:1.0\""));
  g_assert_null (g_strstr_len (data, len, "richTextPath"));
  g_assert_null (memchr (data, '\r', len));

  g_regex_match_full (guid, data, len, 0, 0, &match, NULL);
  while (g_match_info_matches (match))
    {
      g_autofree char *value = g_match_info_fetch (match, 2);
      g_autofree char *lower = g_ascii_strdown (value, -1);

      g_assert_cmpstr (value, ==, lower);
      g_assert_true (g_uuid_string_is_valid (value));
      g_match_info_next (match, NULL);
    }

  names = gloss_zip_list (zip);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GBytes) entry = NULL;
      const char *text;
      gsize text_len;

      if (g_str_equal (names[i], "project.qde"))
        continue;
      g_assert_true (g_str_has_prefix (names[i], "sources/"));
      g_assert_true (g_str_has_suffix (names[i], ".txt"));
      entry = gloss_zip_get (zip, names[i], FALSE, &error);
      g_assert_no_error (error);
      text = g_bytes_get_data (entry, &text_len);
      g_assert_true (text_len < 3 || memcmp (text, "\xEF\xBB\xBF", 3) != 0);
      g_assert_null (memchr (text, '\r', text_len));
      g_assert_true (g_utf8_validate_len (text, text_len, NULL));
      {
        g_autofree char *stem = g_strndup (names[i] + strlen ("sources/"),
                                           strlen (names[i]) - strlen ("sources/.txt"));
        g_autofree char *attr = g_strdup_printf ("plainTextPath=\"internal://%s.txt\"", stem);

        g_assert_true (g_uuid_string_is_valid (stem));
        g_assert_nonnull (g_strstr_len (data, len, attr));
      }
    }
}

static void
assert_valid_qdc (const char *qdc)
{
  g_autoptr(GBytes) bytes = read_bytes (qdc);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  assert_valid_xml ("Codebook.xsd", data, len);
  g_assert_nonnull (strstr (data, "xmlns=\"urn:QDA-XML:codebook:1.0\""));
  g_assert_null (memchr (data, '\r', len));
}

/* ---- Comparing projects ----------------------------------------------- */

static char *
code_path (GlossProject *project,
           gint64        code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossCode) c = gloss_project_get_code (project, code, &error);

  g_assert_no_error (error);
  return g_strdup (c->path);
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* Everything a REFI-QDA round trip must keep, one sorted line per item. */
static char *
digest (GlossProject *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) dims = gloss_project_list_dimensions (project, &error);
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < dims->len; i++)
    {
      GlossDimension *d = g_ptr_array_index (dims, i);

      g_ptr_array_add (lines, g_strdup_printf ("dimension %s kind=%s multiple=%d memo=%s",
                                               d->name, gloss_dimension_kind_to_string (d->kind),
                                               d->multiple, d->memo));
    }

  codes = gloss_project_list_codes (project, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < codes->len; i++)
    {
      GlossCode *c = g_ptr_array_index (codes, i);

      g_ptr_array_add (lines, g_strdup_printf ("code %s color=%s description=%s position=%d",
                                               c->path, c->color, c->description, c->position));
    }

  docs = gloss_project_list_documents (project, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < docs->len; i++)
    {
      GlossDocument *d = g_ptr_array_index (docs, i);
      GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
      g_autoptr(GPtrArray) annotations = NULL;
      g_autoptr(GPtrArray) attributes = NULL;

      g_ptr_array_add (lines, g_strdup_printf ("document %s %s sha=%s length=%" G_GINT64_FORMAT
                                               " memo=%s", d->uuid, d->title, d->sha256,
                                               d->length, d->memo));
      attributes = gloss_project_list_attributes (project, d->id, &error);
      g_assert_no_error (error);
      for (guint j = 0; j < attributes->len; j++)
        {
          GlossAttribute *a = g_ptr_array_index (attributes, j);

          g_ptr_array_add (lines, g_strdup_printf ("attribute %s %s=%s", d->uuid, a->key,
                                                   a->value));
        }

      filter.document = d->id;
      annotations = gloss_project_list_annotations (project, &filter, &error);
      g_assert_no_error (error);
      for (guint j = 0; j < annotations->len; j++)
        {
          GlossAnnotation *a = g_ptr_array_index (annotations, j);
          g_autoptr(GString) paths = g_string_new (NULL);
          g_autoptr(GPtrArray) sorted = g_ptr_array_new_with_free_func (g_free);

          for (guint k = 0; k < a->codes->len; k++)
            g_ptr_array_add (sorted, code_path (project, g_array_index (a->codes, gint64, k)));
          g_ptr_array_sort (sorted, compare_lines);
          for (guint k = 0; k < sorted->len; k++)
            g_string_append_printf (paths, "%s;", (const char *) g_ptr_array_index (sorted, k));

          g_ptr_array_add (lines, g_strdup_printf ("annotation %s in %s %" G_GINT64_FORMAT "-%"
                                                   G_GINT64_FORMAT " [%s] quote=%s note=%s by %s (%s) "
                                                   "created=%.19s modified=%.19s",
                                                   a->uuid, d->uuid, a->start, a->end, paths->str,
                                                   a->quote, a->note, a->annotator,
                                                   a->annotator_uuid, a->created, a->modified));
        }
    }

  g_ptr_array_sort (lines, compare_lines);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (out, "%s\n", (const char *) g_ptr_array_index (lines, i));

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
export_and_reimport (Fixture    *f,
                     GlossProject *source,
                     const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *qdpx = g_build_filename (f->dir, name, NULL);
  g_autofree char *project_name = g_strconcat (name, ".gloss", NULL);
  g_autoptr(GlossProject) copy = other_project (f, project_name);
  g_autoptr(GlossImportReport) report = gloss_import_report_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (gloss_refi_export_qdpx (source, qdpx, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_valid_qdpx (qdpx);

  g_assert_true (gloss_refi_import (copy, qdpx, report, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < report->skipped->len; i++)
    g_test_message ("skipped: %s", (const char *) g_ptr_array_index (report->skipped, i));
  g_assert_cmpuint (report->skipped->len, ==, 0);
  assert_no_problems (copy);

  before = digest (source);
  after = digest (copy);
  g_assert_cmpstr (after, ==, before);
}

#ifdef REFI_INTEROP

/* ---- Real files -------------------------------------------------------- */

static char *
sample (const char *relative)
{
  char *path = g_build_filename (shared_dir (), "refi", "samples", relative, NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    g_error ("The sample %s is missing; the interop tests need ../shared/refi.", path);
  return path;
}

static GlossImportReport *
import_sample (GlossProject *project,
               const char   *relative)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = sample (relative);
  GlossImportReport *report = gloss_import_report_new ();

  g_assert_true (gloss_refi_import (project, path, report, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < report->skipped->len; i++)
    g_test_message ("%s: %s", relative, (const char *) g_ptr_array_index (report->skipped, i));

  return report;
}

static void
test_nvivo12 (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GlossImportReport) report = import_sample (f->project, "nvivo/oltas0517.qdpx");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) docs = NULL;
  guint at_line_end = 0;
  guint total = 0;

  g_assert_cmpuint (report->documents_added, ==, 2);
  g_assert_cmpuint (report->dimensions_added, ==, 2);
  /* 152 codes in the file: one became the dimension, 151 are codes. */
  g_assert_cmpuint (report->codes_added, ==, 151);
  g_assert_cmpint (codes_in_dimension (f->project, "Attituderoots"), ==, 84);
  g_assert_cmpint (codes_in_dimension (f->project, "Codes"), ==, 67);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM code WHERE parent IS NULL AND "
                          "dimension = (SELECT id FROM dimension WHERE name = ?)", "Codes"), ==, 11);

  g_assert_cmpuint (report->annotations_added, ==, 303);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM annotation", NULL), ==, 303);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM (SELECT DISTINCT document, start, "
                          "\"end\" FROM annotation)", NULL), ==, 188);
  /* One selection, one coding each here. */
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM annotation_code", NULL), ==, 303);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM annotator WHERE name IN "
                          "('Gergo', 'floriansipos')", NULL), ==, 2);

  docs = gloss_project_list_documents (f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (docs->len, ==, 2);
  for (guint i = 0; i < docs->len; i++)
    {
      GlossDocument *doc = g_ptr_array_index (docs, i);
      g_autofree char *text = gloss_project_dup_text (f->project, doc->id, &error);
      GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
      g_autoptr(GPtrArray) annotations = NULL;
      glong n_chars;

      g_assert_no_error (error);
      /* BOM dropped, CRLF normalised. */
      g_assert_null (strchr (text, '\r'));
      g_assert_false (g_str_has_prefix (text, "\xEF\xBB\xBF"));
      n_chars = g_utf8_strlen (text, -1);

      filter.document = doc->id;
      annotations = gloss_project_list_annotations (f->project, &filter, &error);
      g_assert_no_error (error);
      for (guint j = 0; j < annotations->len; j++)
        {
          GlossAnnotation *a = g_ptr_array_index (annotations, j);

          total++;
          if (a->end == n_chars || g_utf8_get_char (g_utf8_offset_to_pointer (text, a->end)) == '\n')
            at_line_end++;
        }
    }
  g_assert_cmpuint (total, ==, 303);
  g_test_message ("%u of %u selections end at a line end", at_line_end, total);
  g_assert_cmpuint (at_line_end, >=, 281);

  assert_no_problems (f->project);
}

static void
test_nvivo15 (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GlossImportReport) report = import_sample (f->project, "nvivo/nvivo_project.qdpx");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) docs = NULL;

  g_assert_cmpuint (report->codes_added, ==, 262);
  g_assert_cmpint (codes_in_dimension (f->project, "Codes"), ==, 262);
  g_assert_cmpuint (report->documents_added, ==, 2);

  docs = gloss_project_list_documents (f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (docs->len, ==, 2);
  for (guint i = 0; i < docs->len; i++)
    {
      GlossDocument *doc = g_ptr_array_index (docs, i);
      g_autofree char *text = gloss_project_dup_text (f->project, doc->id, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (text, ==, "\n");
    }
  /* Identical text, kept as two documents with their own GUIDs. */
  g_assert_cmpstr (((GlossDocument *) docs->pdata[0])->sha256, ==,
                   ((GlossDocument *) docs->pdata[1])->sha256);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM document WHERE uuid IN "
                          "('d097e6fd-7671-4d95-a8b6-7795fa4a72e1', "
                          "'e65f5ee2-9a55-47f1-bb0b-4921d8ce15c4')", NULL), ==, 2);
  g_assert_cmpuint (report_count (report, "only in the rich-text file"), ==, 2);
  g_assert_true (report_mentions (report, ".docx"));
  /* The User with an id attribute is read like the others. */
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM annotator WHERE name = ?", "chrisp"),
                   ==, 1);

  assert_no_problems (f->project);
}

static void
test_qc (Fixture       *f,
         gconstpointer  data)
{
  g_autoptr(GlossImportReport) report = import_sample (f->project, "qc/demo.qdpx");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) annotations = NULL;

  g_assert_cmpuint (report->documents_added, ==, 2);
  g_assert_cmpuint (report->annotations_added, ==, 158);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM annotation", NULL), ==, 158);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM annotation_code", NULL), ==, 205);
  /* The TextSource without a name is named after its file. */
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM document WHERE title = ?", "admin-1"),
                   ==, 1);

  annotations = gloss_project_list_annotations (f->project, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (annotations->len, ==, 158);
  for (guint i = 0; i < annotations->len; i++)
    {
      GlossAnnotation *a = g_ptr_array_index (annotations, i);
      g_autofree char *text = gloss_project_dup_text (f->project, a->document, &error);
      const char *start;

      g_assert_no_error (error);
      /* A whole line: starts after a newline, ends with one, holds no other. */
      g_assert_true (g_str_has_suffix (a->quote, "\n"));
      g_assert_null (memchr (a->quote, '\n', strlen (a->quote) - 1));
      start = g_utf8_offset_to_pointer (text, a->start);
      g_assert_true (a->start == 0 || start[-1] == '\n');
    }

  assert_no_problems (f->project);
}

static void
test_atlas_tree (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GlossImportReport) report = import_sample (f->project,
                                                       "atlasti/target-atlas-project.qdpx");
  g_autoptr(GError) error = NULL;
  gint64 parent;
  gint64 child;
  g_autoptr(GlossCode) code = NULL;

  g_assert_cmpuint (report->codes_added, ==, 3);
  g_assert_cmpuint (report->documents_added, ==, 0);
  parent = gloss_project_resolve_code (f->project, "Codes/Commits", &error);
  g_assert_no_error (error);
  child = gloss_project_resolve_code (f->project, "Codes/Commits/2022-05-10T02:05:59Z 19e4dce",
                                      &error);
  g_assert_no_error (error);
  code = gloss_project_get_code (f->project, child, &error);
  g_assert_no_error (error);
  g_assert_cmpint (code->parent, ==, parent);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM code WHERE parent = "
                          "(SELECT id FROM code WHERE name = ?)", "Commits"), ==, 2);
  /* GUIDs kept, in lower case. */
  g_assert_cmpstr (code->uuid, ==, "2d2466f0-d77f-4f8c-bdf9-628966b6b74d");

  assert_no_problems (f->project);
}

static void
test_atlas_codebook (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GlossImportReport) report = import_sample (f->project,
                                                       "atlasti/requal-atlasti-23.4-codebook.qdc");
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossCode) code = NULL;
  gint64 id;

  g_assert_cmpuint (report->codes_added, ==, 1);
  id = gloss_project_resolve_code (f->project, "Codes/code1", &error);
  g_assert_no_error (error);
  code = gloss_project_get_code (f->project, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code->color, ==, "#46aa00");
  g_assert_cmpstr (code->description, ==, "description");
  /* The set has no place in Gloss: reported. */
  g_assert_true (report_mentions (report, "set"));
}

static void
test_atlas_users (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GlossImportReport) report = import_sample (f->project,
                                                       "atlasti/blank-atlas-project.qdpx");

  g_assert_cmpuint (report->documents_added, ==, 0);
  g_assert_cmpuint (report->codes_added, ==, 0);
  g_assert_cmpuint (report->dimensions_added, ==, 0);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM annotator WHERE uuid = ?",
                          "088b08ac-d5cd-4adb-8b71-b4f3459c177f"), ==, 1);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM annotator WHERE name = ?",
                          "ATLAS.ti"), ==, 1);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM dimension", NULL), ==, 0);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM document", NULL), ==, 0);
}

/* What came in from NVivo goes out and back unchanged. */
static void
test_nvivo12_round_trip (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GlossImportReport) report = import_sample (f->project, "nvivo/oltas0517.qdpx");

  export_and_reimport (f, f->project, "oltas-again.qdpx");
}

static void
test_qc_round_trip (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GlossImportReport) report = import_sample (f->project, "qc/demo.qdpx");
  g_autoptr(GError) error = NULL;
  g_autofree char *qdc = g_build_filename (f->dir, "demo.qdc", NULL);

  export_and_reimport (f, f->project, "demo-again.qdpx");
  g_assert_true (gloss_refi_export_qdc (f->project, qdc, &error));
  g_assert_no_error (error);
  assert_valid_qdc (qdc);
}

/* Importing the same file twice adds nothing the second time. */
static void
test_import_twice (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GlossImportReport) first = import_sample (f->project, "nvivo/oltas0517.qdpx");
  g_autoptr(GlossImportReport) second = import_sample (f->project, "nvivo/oltas0517.qdpx");

  g_assert_cmpuint (second->documents_added, ==, 0);
  g_assert_cmpuint (second->documents_matched, ==, 2);
  g_assert_cmpuint (second->codes_added, ==, 0);
  g_assert_cmpuint (second->codes_matched, ==, 151);
  g_assert_cmpuint (second->dimensions_added, ==, 0);
  g_assert_cmpuint (second->annotations_added, ==, 0);
  g_assert_cmpuint (second->annotations_unchanged, ==, 303);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM annotation", NULL), ==, 303);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM document", NULL), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) \
  g_test_add ("/gloss/refi/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)

  ADD ("nvivo12-oltas", test_nvivo12);
  ADD ("nvivo15-text-only-in-docx", test_nvivo15);
  ADD ("qc-demo", test_qc);
  ADD ("atlas-code-tree", test_atlas_tree);
  ADD ("atlas-codebook", test_atlas_codebook);
  ADD ("atlas-users-only", test_atlas_users);
  ADD ("nvivo12-round-trip", test_nvivo12_round_trip);
  ADD ("qc-round-trip", test_qc_round_trip);
  ADD ("import-twice-adds-nothing", test_import_twice);

  return g_test_run ();
}

#else /* unit */

/* ---- Files made here ---------------------------------------------------- */

#define QDE_HEAD "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"

/* Writes a .qdpx holding @qde and the (name, text) pairs that follow,
 * NULL-terminated. */
static char *
make_qdpx (Fixture    *f,
           const char *name,
           const char *qde,
           ...)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GlossZipWriter) zip = gloss_zip_writer_new (path, &error);
  const char *entry;
  va_list args;

  g_assert_no_error (error);
  g_assert_true (gloss_zip_writer_add (zip, "project.qde", qde, strlen (qde), &error));
  g_assert_no_error (error);

  va_start (args, qde);
  while ((entry = va_arg (args, const char *)) != NULL)
    {
      const char *text = va_arg (args, const char *);

      g_assert_true (gloss_zip_writer_add (zip, entry, text, strlen (text), &error));
      g_assert_no_error (error);
    }
  va_end (args);

  g_assert_true (gloss_zip_writer_finish (zip, &error));
  g_assert_no_error (error);

  return path;
}

static char *
make_file (Fixture    *f,
           const char *name,
           const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* Imports @path expecting @code, then checks the project file is byte for
 * byte what it was. */
static void
assert_refused (Fixture    *f,
                const char *path,
                GQuark      domain,
                int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossImportReport) report = gloss_import_report_new ();
  g_autoptr(GBytes) before = read_bytes (f->path);
  g_autoptr(GBytes) after = NULL;

  g_assert_false (gloss_refi_import (f->project, path, report, NULL, &error));
  g_assert_error (error, domain, code);
  g_test_message ("refused: %s", error->message);
  g_assert_cmpuint (report->skipped->len, ==, 0);
  g_assert_cmpuint (report->annotations_added + report->codes_added + report->documents_added,
                    ==, 0);

  after = read_bytes (f->path);
  g_assert_true (g_bytes_equal (before, after));
}

static GlossProject *
sample_project (Fixture    *f,
                const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  GlossProject *project = gloss_project_create_sample (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (project);
  return project;
}

static void
test_sample_round_trip (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GlossProject) source = sample_project (f, "sample.gloss");

  g_assert_cmpint (count (source, "SELECT count (*) FROM annotation", NULL), >, 10);
  export_and_reimport (f, source, "sample.qdpx");
}

/* The codebook alone: dimensions, tree, colours, descriptions, kinds. */
static void
test_codebook_round_trip (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GlossProject) source = sample_project (f, "sample.gloss");
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossImportReport) report = gloss_import_report_new ();
  g_autofree char *qdc = g_build_filename (f->dir, "codebook.qdc", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto(GStrv) before_lines = NULL;
  g_autoptr(GString) codebook = g_string_new (NULL);

  g_assert_true (gloss_refi_export_qdc (source, qdc, &error));
  g_assert_no_error (error);
  assert_valid_qdc (qdc);

  g_assert_true (gloss_refi_import (f->project, qdc, report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->skipped->len, ==, 0);
  g_assert_cmpuint (report->dimensions_added, ==, 3);

  /* Only the codebook lines of the source's digest. */
  before = digest (source);
  before_lines = g_strsplit (before, "\n", -1);
  for (guint i = 0; before_lines[i] != NULL; i++)
    if (g_str_has_prefix (before_lines[i], "dimension ") || g_str_has_prefix (before_lines[i], "code "))
      g_string_append_printf (codebook, "%s\n", before_lines[i]);
  after = digest (f->project);
  g_assert_cmpstr (after, ==, codebook->str);
}

/* Exporting a project into itself matches everything and adds nothing. */
static void
test_reimport_into_same (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GlossProject) source = sample_project (f, "sample.gloss");
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossImportReport) report = gloss_import_report_new ();
  g_autofree char *qdpx = g_build_filename (f->dir, "again.qdpx", NULL);
  g_autofree char *before = digest (source);
  g_autofree char *after = NULL;
  gint64 n_annotations = count (source, "SELECT count (*) FROM annotation", NULL);

  g_assert_true (gloss_refi_export_qdpx (source, qdpx, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (gloss_refi_import (source, qdpx, report, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (report->documents_added, ==, 0);
  g_assert_cmpuint (report->documents_matched, ==, 1);
  g_assert_cmpuint (report->codes_added, ==, 0);
  g_assert_cmpuint (report->dimensions_added, ==, 0);
  g_assert_cmpuint (report->annotations_added, ==, 0);
  g_assert_cmpuint (report->annotations_unchanged, ==, n_annotations);
  after = digest (source);
  g_assert_cmpstr (after, ==, before);
}

static guint
selections_in (const char *qdpx)
{
  g_autoptr(GError) error = NULL;
  const GlossZipLimits limits = GLOSS_ZIP_LIMITS_DEFAULT;
  g_autoptr(GlossZip) zip = gloss_zip_open (qdpx, &limits, &error);
  g_autoptr(GBytes) qde = NULL;
  g_autofree char *text = NULL;
  const char *p;
  guint n = 0;

  g_assert_no_error (error);
  qde = gloss_zip_get (zip, "project.qde", FALSE, &error);
  g_assert_no_error (error);
  /* zip entries are not NUL-terminated */
  p = text = g_strndup (g_bytes_get_data (qde, NULL), g_bytes_get_size (qde));
  while ((p = strstr (p, "<PlainTextSelection ")) != NULL)
    {
      n++;
      p++;
    }
  return n;
}

static void
test_export_options (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GlossProject) source = sample_project (f, "sample.gloss");
  g_autoptr(GError) error = NULL;
  g_autofree char *all = g_build_filename (f->dir, "all.qdpx", NULL);
  g_autofree char *one_doc = g_build_filename (f->dir, "one-doc.qdpx", NULL);
  g_autofree char *by_ann = g_build_filename (f->dir, "by-annotator.qdpx", NULL);
  g_autofree char *accepted = g_build_filename (f->dir, "accepted.qdpx", NULL);
  GlossExportOptions options = GLOSS_EXPORT_OPTIONS_INIT;
  gint64 code;
  gint64 doc2;
  gint64 first;
  gint64 n_sample;

  n_sample = count (source, "SELECT count (*) FROM annotation", NULL);
  doc2 = gloss_project_add_document (source, "Second", "Another text.\nWith two lines.\n",
                                     NULL, NULL, &error);
  g_assert_no_error (error);
  code = gloss_project_resolve_code (source, "Actors/Russia", &error);
  g_assert_no_error (error);
  g_assert_cmpint (gloss_project_add_annotation (source, doc2, 0, 7, &code, 1, NULL, "Reviewer",
                                                 &error), >, 0);
  g_assert_no_error (error);
  first = count (source, "SELECT min (id) FROM annotation", NULL);
  g_assert_true (gloss_project_review_annotation (source, first, GLOSS_REVIEW_ACCEPTED, NULL,
                                                  "Reviewer", &error));
  g_assert_no_error (error);

  g_assert_true (gloss_refi_export_qdpx (source, all, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_valid_qdpx (all);
  g_assert_cmpuint (selections_in (all), ==, n_sample + 1);

  options.documents = &doc2;
  options.n_documents = 1;
  g_assert_true (gloss_refi_export_qdpx (source, one_doc, &options, NULL, &error));
  g_assert_no_error (error);
  assert_valid_qdpx (one_doc);
  g_assert_cmpuint (selections_in (one_doc), ==, 1);
  {
    g_autoptr(GlossProject) copy = other_project (f, "one-doc.gloss");

    g_assert_true (gloss_refi_import (copy, one_doc, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpint (count (copy, "SELECT count (*) FROM document", NULL), ==, 1);
    g_assert_cmpint (count (copy, "SELECT count (*) FROM document WHERE title = ?", "Second"),
                     ==, 1);
    g_assert_cmpint (count (copy, "SELECT count (*) FROM annotation a JOIN annotator u ON "
                            "u.id = a.annotator WHERE u.name = ?", "Reviewer"), ==, 1);
  }

  options = (GlossExportOptions) GLOSS_EXPORT_OPTIONS_INIT;
  options.annotator = "Reviewer";
  g_assert_true (gloss_refi_export_qdpx (source, by_ann, &options, NULL, &error));
  g_assert_no_error (error);
  assert_valid_qdpx (by_ann);
  g_assert_cmpuint (selections_in (by_ann), ==, 1);

  options = (GlossExportOptions) GLOSS_EXPORT_OPTIONS_INIT;
  options.status = GLOSS_REVIEW_ACCEPTED;
  g_assert_true (gloss_refi_export_qdpx (source, accepted, &options, NULL, &error));
  g_assert_no_error (error);
  assert_valid_qdpx (accepted);
  g_assert_cmpuint (selections_in (accepted), ==, 1);
}

static void
test_empty_project (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *qdpx = g_build_filename (f->dir, "empty.qdpx", NULL);
  g_autofree char *qdc = g_build_filename (f->dir, "empty.qdc", NULL);
  g_autoptr(GlossProject) copy = other_project (f, "copy.gloss");

  g_assert_true (gloss_refi_export_qdpx (f->project, qdpx, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_valid_qdpx (qdpx);
  g_assert_true (gloss_refi_import (copy, qdpx, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (copy, "SELECT count (*) FROM dimension", NULL), ==, 0);

  /* A codebook needs at least one code. */
  g_assert_false (gloss_refi_export_qdc (f->project, qdc, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_INVALID);
  g_assert_false (g_file_test (qdc, G_FILE_TEST_EXISTS));
}

/* An import is one step of undo, and redo brings it back whole. */
static void
test_undo (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GlossProject) source = sample_project (f, "sample.gloss");
  g_autoptr(GError) error = NULL;
  g_autofree char *qdpx = g_build_filename (f->dir, "sample.qdpx", NULL);
  g_autofree char *imported = NULL;
  g_autofree char *redone = NULL;

  g_assert_true (gloss_refi_export_qdpx (source, qdpx, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (gloss_refi_import (f->project, qdpx, NULL, NULL, &error));
  g_assert_no_error (error);
  imported = digest (f->project);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM annotation", NULL), >, 0);

  g_assert_true (gloss_project_can_undo (f->project));
  if (!gloss_project_undo (f->project, &error))
    {
      /* The store's undo deletes parent rows before their children, which
       * ON DELETE CASCADE has then already removed; it reports that as a
       * conflict for any undone insert with children (a new annotation
       * too).  Nothing was changed then: */
      g_autofree char *unchanged = digest (f->project);

      g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_CONFLICT);
      g_assert_cmpstr (unchanged, ==, imported);
      g_test_incomplete ("undoing an insert whose rows have children conflicts in the store");
      return;
    }
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM annotation", NULL), ==, 0);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM document", NULL), ==, 0);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM code", NULL), ==, 0);
  assert_no_problems (f->project);

  g_assert_true (gloss_project_redo (f->project, &error));
  g_assert_no_error (error);
  redone = digest (f->project);
  g_assert_cmpstr (redone, ==, imported);
  assert_no_problems (f->project);
}

/* Two sources with the same text stay two documents. */
static void
test_identical_sources (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossImportReport) report = gloss_import_report_new ();
  g_autofree char *qdpx = make_qdpx (f, "twins.qdpx",
    QDE_HEAD
    "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"t\" origin=\"Test\">"
    "<CodeBook><Codes><Code guid=\"11111111-1111-4111-8111-111111111111\" name=\"A\" isCodable=\"true\"/></Codes></CodeBook>"
    "<Sources>"
    "<TextSource guid=\"aaaaaaaa-0000-4000-8000-000000000001\" name=\"One\" plainTextPath=\"internal://one.txt\">"
    "<PlainTextSelection guid=\"bbbbbbbb-0000-4000-8000-000000000001\" startPosition=\"0\" endPosition=\"4\">"
    "<Coding guid=\"cccccccc-0000-4000-8000-000000000001\"><CodeRef targetGUID=\"11111111-1111-4111-8111-111111111111\"/></Coding>"
    "</PlainTextSelection></TextSource>"
    "<TextSource guid=\"aaaaaaaa-0000-4000-8000-000000000002\" name=\"Two\" plainTextPath=\"internal://two.txt\">"
    "<PlainTextSelection guid=\"bbbbbbbb-0000-4000-8000-000000000002\" startPosition=\"5\" endPosition=\"9\">"
    "<Coding guid=\"cccccccc-0000-4000-8000-000000000002\"><CodeRef targetGUID=\"11111111-1111-4111-8111-111111111111\"/></Coding>"
    "</PlainTextSelection></TextSource>"
    "</Sources></Project>",
    "sources/one.txt", "Same text\n", "Sources/TWO.TXT", "Same text\n", NULL);

  g_assert_true (gloss_refi_import (f->project, qdpx, report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->documents_added, ==, 2);
  g_assert_cmpuint (report->annotations_added, ==, 2);
  g_assert_cmpint (count (f->project, "SELECT count (DISTINCT sha256) FROM document", NULL), ==, 1);
  g_assert_cmpint (count (f->project, "SELECT count (DISTINCT document) FROM annotation", NULL),
                   ==, 2);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM annotation a JOIN document d ON "
                          "d.id = a.document WHERE d.title = ? AND a.quote = 'text'", "Two"), ==, 1);
  assert_no_problems (f->project);

  export_and_reimport (f, f->project, "twins-again.qdpx");
}

/* A text with a BOM, CRLF line ends and characters outside the BMP, read
 * with NVivo's UTF-16 positions and with everyone else's code points. */
#define TRICKY_TEXT "\xEF\xBB\xBF" "Hi \xF0\x9F\x98\x80 there\r\nSecond line \xF0\x9F\x98\x80\xF0\x9F\x98\x80\r\nThird\r\n"

static char *
tricky_qdpx (Fixture    *f,
             const char *name,
             const char *origin,
             const int   positions[8])
{
  g_autofree char *qde = g_strdup_printf (
    QDE_HEAD
    "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"t\" origin=\"%s\">"
    "<CodeBook><Codes><Code guid=\"11111111-1111-4111-8111-111111111111\" name=\"A\" isCodable=\"true\"/></Codes></CodeBook>"
    "<Sources><TextSource guid=\"aaaaaaaa-0000-4000-8000-000000000001\" name=\"T\" plainTextPath=\"internal://t.txt\">"
    "<PlainTextSelection guid=\"bbbbbbbb-0000-4000-8000-000000000001\" startPosition=\"%d\" endPosition=\"%d\"><Coding guid=\"cccccccc-0000-4000-8000-000000000001\"><CodeRef targetGUID=\"11111111-1111-4111-8111-111111111111\"/></Coding></PlainTextSelection>"
    "<PlainTextSelection guid=\"bbbbbbbb-0000-4000-8000-000000000002\" startPosition=\"%d\" endPosition=\"%d\"><Coding guid=\"cccccccc-0000-4000-8000-000000000002\"><CodeRef targetGUID=\"11111111-1111-4111-8111-111111111111\"/></Coding></PlainTextSelection>"
    "<PlainTextSelection guid=\"bbbbbbbb-0000-4000-8000-000000000003\" startPosition=\"%d\" endPosition=\"%d\"><Coding guid=\"cccccccc-0000-4000-8000-000000000003\"><CodeRef targetGUID=\"11111111-1111-4111-8111-111111111111\"/></Coding></PlainTextSelection>"
    "<PlainTextSelection guid=\"bbbbbbbb-0000-4000-8000-000000000004\" startPosition=\"%d\" endPosition=\"%d\"><Coding guid=\"cccccccc-0000-4000-8000-000000000004\"><CodeRef targetGUID=\"11111111-1111-4111-8111-111111111111\"/></Coding></PlainTextSelection>"
    "</TextSource></Sources></Project>",
    origin, positions[0], positions[1], positions[2], positions[3], positions[4], positions[5],
    positions[6], positions[7]);

  return make_qdpx (f, name, qde, "sources/t.txt", TRICKY_TEXT, NULL);
}

static char *
quote_of (GlossProject *project,
          const char   *uuid)
{
  g_autoptr(GError) error = NULL;
  gint64 id = gloss_project_resolve_annotation (project, uuid, &error);
  g_autoptr(GlossAnnotation) a = NULL;

  g_assert_no_error (error);
  a = gloss_project_get_annotation (project, id, &error);
  g_assert_no_error (error);
  return g_strdup (a->quote);
}

static void
assert_tricky_quotes (GlossProject *project)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *q1 = quote_of (project, "bbbbbbbb-0000-4000-8000-000000000001");
  g_autofree char *q2 = quote_of (project, "bbbbbbbb-0000-4000-8000-000000000002");
  g_autofree char *q3 = quote_of (project, "bbbbbbbb-0000-4000-8000-000000000003");
  g_autofree char *q4 = quote_of (project, "bbbbbbbb-0000-4000-8000-000000000004");
  g_autoptr(GPtrArray) docs = gloss_project_list_documents (project, &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  text = gloss_project_dup_text (project, ((GlossDocument *) docs->pdata[0])->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "Hi \xF0\x9F\x98\x80 there\nSecond line \xF0\x9F\x98\x80\xF0\x9F\x98\x80\nThird\n");

  g_assert_cmpstr (q1, ==, "there");
  g_assert_cmpstr (q2, ==, "Second line");
  g_assert_cmpstr (q3, ==, "\xF0\x9F\x98\x80\xF0\x9F\x98\x80");
  /* An end between CR and LF takes the line end with it. */
  g_assert_cmpstr (q4, ==, "there\n");
  assert_no_problems (project);
}

static void
test_nvivo_positions (Fixture       *f,
                      gconstpointer  data)
{
  /* UTF-16 units: the emoji counts 2, CRLF counts 2. */
  static const int units[8] = { 6, 11, 13, 24, 25, 29, 6, 12 };
  g_autofree char *qdpx = tricky_qdpx (f, "nvivo.qdpx", "NVivo for Windows 12.6", units);
  g_autoptr(GError) error = NULL;

  g_assert_true (gloss_refi_import (f->project, qdpx, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_tricky_quotes (f->project);
}

static void
test_code_point_positions (Fixture       *f,
                           gconstpointer  data)
{
  /* Code points of the file's text: the emoji counts 1, CRLF counts 2. */
  static const int points[8] = { 5, 10, 12, 23, 24, 26, 5, 11 };
  g_autofree char *qdpx = tricky_qdpx (f, "qc.qdpx", "qc 1.3.2", points);
  g_autoptr(GError) error = NULL;

  g_assert_true (gloss_refi_import (f->project, qdpx, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_tricky_quotes (f->project);
}

#define GUID(n) "\"0000000" #n "-0000-4000-8000-000000000000\""

static void
test_reports_what_it_cannot_carry (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossImportReport) report = gloss_import_report_new ();
  g_autofree char *secret = make_file (f, "secret.txt", "SECRET-MARKER\n");
  g_autofree char *qde = g_strdup_printf (
    QDE_HEAD
    "<Project xmlns=\"urn:QDA-XML:project:0.9\" name=\"t\" origin=\"MAXQDA 2022\">"
    "<Users><User guid=\"99999999-0000-4000-8000-000000000001\" name=\"Ann\"/></Users>"
    "<CodeBook><Codes>"
    "<Code guid=" GUID (1) " name=\"Stance\" isCodable=\"false\" color=\"#ff0000\">"
    "<Description>How the speaker stands</Description>"
    "<Code guid=" GUID (2) " name=\"positive\" isCodable=\"true\" color=\"#0F0\"/>"
    "<Code guid=" GUID (3) " name=\"negative\" isCodable=\"true\"/>"
    "</Code>"
    "<Code guid=" GUID (4) " name=\"Topic\" isCodable=\"true\"><Description>A topic</Description></Code>"
    "</Codes></CodeBook>"
    "<Variables><Variable guid=\"77777777-0000-4000-8000-000000000001\" name=\"place\" typeOfVariable=\"Text\"/></Variables>"
    "<Cases><Case guid=\"66666666-0000-4000-8000-000000000001\" name=\"c\"/></Cases>"
    "<Sources>"
    "<TextSource guid=\"aaaaaaaa-0000-4000-8000-000000000001\" plainTextPath=\"interview one.txt\">"
    "<Description>Memo of the source</Description>"
    /* zero length */
    "<PlainTextSelection guid=\"bbbbbbbb-0000-4000-8000-000000000001\" startPosition=\"3\" endPosition=\"3\">"
    "<Coding guid=\"cccccccc-0000-4000-8000-000000000001\"><CodeRef targetGUID=" GUID (4) "/></Coding></PlainTextSelection>"
    /* outside the text */
    "<PlainTextSelection guid=\"bbbbbbbb-0000-4000-8000-000000000002\" startPosition=\"10\" endPosition=\"900\">"
    "<Coding guid=\"cccccccc-0000-4000-8000-000000000002\"><CodeRef targetGUID=" GUID (4) "/></Coding></PlainTextSelection>"
    /* a note without codes, with a linked note */
    "<PlainTextSelection guid=\"bbbbbbbb-0000-4000-8000-000000000003\" startPosition=\"0\" endPosition=\"5\" creatingUser=\"99999999-0000-4000-8000-000000000001\">"
    "<Description>Just a note</Description><NoteRef targetGUID=\"55555555-0000-4000-8000-000000000001\"/></PlainTextSelection>"
    /* neither codes nor note */
    "<PlainTextSelection guid=\"bbbbbbbb-0000-4000-8000-000000000004\" startPosition=\"0\" endPosition=\"5\"/>"
    /* a known and an unknown code */
    "<PlainTextSelection guid=\"bbbbbbbb-0000-4000-8000-000000000005\" startPosition=\"6\" endPosition=\"11\">"
    "<Coding guid=\"cccccccc-0000-4000-8000-000000000005\"><CodeRef targetGUID=" GUID (4) "/></Coding>"
    "<Coding guid=\"cccccccc-0000-4000-8000-000000000006\"><CodeRef targetGUID=\"12345678-0000-4000-8000-000000000000\"/></Coding></PlainTextSelection>"
    /* only the grouping code */
    "<PlainTextSelection guid=\"bbbbbbbb-0000-4000-8000-000000000006\" startPosition=\"6\" endPosition=\"11\">"
    "<Coding guid=\"cccccccc-0000-4000-8000-000000000007\"><CodeRef targetGUID=" GUID (1) "/></Coding></PlainTextSelection>"
    /* two codes of Stance */
    "<PlainTextSelection guid=\"bbbbbbbb-0000-4000-8000-000000000007\" startPosition=\"0\" endPosition=\"11\">"
    "<Coding guid=\"cccccccc-0000-4000-8000-000000000008\"><CodeRef targetGUID=" GUID (2) "/></Coding>"
    "<Coding guid=\"cccccccc-0000-4000-8000-000000000009\"><CodeRef targetGUID=" GUID (3) "/></Coding></PlainTextSelection>"
    "<VariableValue><VariableRef targetGUID=\"77777777-0000-4000-8000-000000000001\"/><TextValue>Lahore</TextValue></VariableValue>"
    "</TextSource>"
    "<TextSource guid=\"aaaaaaaa-0000-4000-8000-000000000002\" name=\"Elsewhere\" plainTextPath=\"absolute://%s\">"
    "<PlainTextSelection guid=\"bbbbbbbb-0000-4000-8000-000000000008\" startPosition=\"0\" endPosition=\"5\">"
    "<Coding guid=\"cccccccc-0000-4000-8000-000000000010\"><CodeRef targetGUID=" GUID (4) "/></Coding></PlainTextSelection>"
    "</TextSource>"
    "<PDFSource guid=\"aaaaaaaa-0000-4000-8000-000000000003\" name=\"Scan\" path=\"internal://scan.pdf\"/>"
    "</Sources>"
    "<Notes><Note guid=\"55555555-0000-4000-8000-000000000001\" name=\"n\"><PlainTextContent>Linked note</PlainTextContent></Note>"
    "<Note guid=\"55555555-0000-4000-8000-000000000002\" name=\"loose\"><PlainTextContent>Nobody links me</PlainTextContent></Note></Notes>"
    "<Sets><Set guid=\"44444444-0000-4000-8000-000000000001\" name=\"s\"/></Sets>"
    "<Description>About the whole project</Description>"
    "</Project>", secret);
  g_autofree char *qdpx = make_qdpx (f, "maxqda.qdpx", qde, "sources/interview one.txt",
                                     "Hello world and more.\n", NULL);
  g_autoptr(GlossCode) positive = NULL;
  g_autoptr(GlossDimension) stance = NULL;
  g_autofree char *note = NULL;
  gint64 id;

  g_assert_true (gloss_refi_import (f->project, qdpx, report, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < report->skipped->len; i++)
    g_test_message ("skipped: %s", (const char *) g_ptr_array_index (report->skipped, i));

  g_assert_cmpuint (report->documents_added, ==, 1);
  g_assert_cmpuint (report->annotations_added, ==, 3);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM document WHERE title = ?",
                          "interview one"), ==, 1);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM document WHERE memo = ?",
                          "Memo of the source"), ==, 1);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM document_attribute WHERE "
                          "key = 'place' AND value = ?", "Lahore"), ==, 1);

  g_assert_true (report_mentions (report, "empty selection"));
  g_assert_true (report_mentions (report, "outside the text"));
  g_assert_true (report_mentions (report, "imported as note"));
  g_assert_true (report_mentions (report, "neither codes nor a note"));
  g_assert_true (report_mentions (report, "not in the file"));
  g_assert_true (report_mentions (report, "became a dimension"));
  g_assert_true (report_mentions (report, "outside the archive"));
  g_assert_true (report_mentions (report, "PDFSource"));
  g_assert_true (report_mentions (report, "case"));
  g_assert_true (report_mentions (report, "set"));
  g_assert_true (report_mentions (report, "colour of “Stance”"));
  g_assert_true (report_mentions (report, "1 note not attached"));
  g_assert_true (report_mentions (report, "description of the project"));

  /* The note without codes, with its linked note, by its user. */
  id = gloss_project_resolve_annotation (f->project, "bbbbbbbb-0000-4000-8000-000000000003",
                                         &error);
  g_assert_no_error (error);
  {
    g_autoptr(GlossAnnotation) a = gloss_project_get_annotation (f->project, id, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (a->codes->len, ==, 0);
    g_assert_cmpstr (a->note, ==, "Just a note\n\nLinked note");
    g_assert_cmpstr (a->annotator, ==, "Ann");
    g_assert_cmpstr (a->quote, ==, "Hello");
  }

  /* Two Stance codes on one selection: the dimension takes several. */
  stance = gloss_project_get_dimension (f->project,
                                        gloss_project_resolve_dimension (f->project, "Stance", NULL),
                                        &error);
  g_assert_no_error (error);
  g_assert_true (stance->multiple);
  g_assert_cmpint (stance->kind, ==, GLOSS_DIMENSION_STANCE);
  g_assert_cmpstr (stance->memo, ==, "How the speaker stands");
  positive = gloss_project_get_code (f->project,
                                     gloss_project_resolve_code (f->project, "Stance/positive", NULL),
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpstr (positive->color, ==, "#00ff00");

  /* The absolute path was never followed. */
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM document WHERE text LIKE ?",
                          "%SECRET-MARKER%"), ==, 0);
  assert_no_problems (f->project);
}

/* Into a project whose Stance takes one code, a second one is reported. */
static void
test_single_valued_dimension (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GlossProject) target = sample_project (f, "sample.gloss");
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossImportReport) report = gloss_import_report_new ();
  g_autofree char *qdpx = make_qdpx (f, "stance.qdpx",
    QDE_HEAD
    "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"t\" origin=\"Test\">"
    "<CodeBook><Codes>"
    "<Code guid=" GUID (1) " name=\"Stance\" isCodable=\"false\">"
    "<Code guid=" GUID (2) " name=\"cooperative\" isCodable=\"true\"/>"
    "<Code guid=" GUID (3) " name=\"conflictual\" isCodable=\"true\"/>"
    "</Code></Codes></CodeBook>"
    "<Sources><TextSource guid=\"aaaaaaaa-0000-4000-8000-000000000001\" name=\"S\" plainTextPath=\"internal://s.txt\">"
    "<PlainTextSelection guid=\"bbbbbbbb-0000-4000-8000-000000000001\" startPosition=\"0\" endPosition=\"5\">"
    "<Coding guid=\"cccccccc-0000-4000-8000-000000000001\"><CodeRef targetGUID=" GUID (2) "/></Coding>"
    "<Coding guid=\"cccccccc-0000-4000-8000-000000000002\"><CodeRef targetGUID=" GUID (3) "/></Coding>"
    "</PlainTextSelection></TextSource></Sources></Project>",
    "sources/s.txt", "Words of a speaker.\n", NULL);
  gint64 id;

  g_assert_true (gloss_refi_import (target, qdpx, report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->dimensions_added, ==, 0);
  g_assert_cmpuint (report->codes_added, ==, 0);
  g_assert_cmpuint (report->codes_matched, ==, 2);
  g_assert_true (report_mentions (report, "takes one"));

  id = gloss_project_resolve_annotation (target, "bbbbbbbb-0000-4000-8000-000000000001", &error);
  g_assert_no_error (error);
  {
    g_autoptr(GlossAnnotation) a = gloss_project_get_annotation (target, id, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (a->codes->len, ==, 1);
  }
  assert_no_problems (target);
}

/* Two siblings of one name stay two codes, also when imported again. */
static void
test_sibling_names (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossImportReport) first = gloss_import_report_new ();
  g_autoptr(GlossImportReport) second = gloss_import_report_new ();
  g_autofree char *qdc = make_file (f, "twins.qdc",
    "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes>"
    "<Code guid=" GUID (1) " name=\"Group\" isCodable=\"false\">"
    "<Code guid=" GUID (2) " name=\"x\" isCodable=\"true\"/>"
    "<Code guid=" GUID (3) " name=\"x\" isCodable=\"true\"/>"
    "<Code guid=" GUID (4) " name=\"a/b\" isCodable=\"false\"/>"
    "</Code></Codes></CodeBook>");

  g_assert_true (gloss_refi_import (f->project, qdc, first, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (first->codes_added, ==, 3);
  g_assert_true (report_mentions (first, "“x (2)”"));
  g_assert_cmpint (gloss_project_resolve_code (f->project, "Group/x", &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (gloss_project_resolve_code (f->project, "Group/x (2)", &error), >, 0);
  g_assert_no_error (error);
  /* A nested grouping code is an ordinary code in Gloss; '/' is escaped in paths. */
  g_assert_cmpint (gloss_project_resolve_code (f->project, "Group/a\\/b", &error), >, 0);
  g_assert_no_error (error);

  g_assert_true (gloss_refi_import (f->project, qdc, second, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (second->codes_added, ==, 0);
  g_assert_cmpuint (second->codes_matched, ==, 3);
  g_assert_cmpuint (second->dimensions_added, ==, 0);
  g_assert_cmpuint (second->skipped->len, ==, 0);
}

/* ---- Bad input -------------------------------------------------------- */

static void
test_refuses_doctype (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *secret = make_file (f, "secret.txt", "SECRET-MARKER");
  g_autofree char *xml = g_strdup_printf (
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE CodeBook [<!ENTITY x SYSTEM \"file://%s\">]>\n"
    "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes>"
    "<Code guid=" GUID (1) " name=\"&x;\" isCodable=\"true\"><Description>&x;</Description></Code>"
    "</Codes></CodeBook>", secret);
  g_autofree char *qdc = make_file (f, "entity.qdc", xml);
  g_autofree char *laughs = make_qdpx (f, "laughs.qdpx",
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE Project [<!ENTITY a \"ha\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
    "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>\n"
    "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"&d;\"/>", NULL);

  assert_refused (f, qdc, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_DOCTYPE);
  assert_refused (f, laughs, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_DOCTYPE);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM code", NULL), ==, 0);
}

static void
test_refuses_malformed (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *truncated = make_file (f, "truncated.qdc",
    "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes><Code guid=" GUID (1) " name=\"a\"");
  g_autofree char *deep = NULL;
  g_autoptr(GString) nested = g_string_new ("<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes>");

  for (int i = 0; i < 10000; i++)
    g_string_append_printf (nested, "<Code guid=\"%08x-0000-4000-8000-000000000000\" name=\"c\" "
                            "isCodable=\"true\">", i);
  for (int i = 0; i < 10000; i++)
    g_string_append (nested, "</Code>");
  g_string_append (nested, "</Codes></CodeBook>");
  deep = make_file (f, "deep.qdc", nested->str);

  assert_refused (f, truncated, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_MALFORMED);
  assert_refused (f, deep, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_MALFORMED);
}

static void
test_refuses_foreign (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *wrong_ns = make_file (f, "wrong.qdc",
    "<CodeBook xmlns=\"urn:example:codebook\"><Codes/></CodeBook>");
  g_autofree char *no_ns = make_file (f, "none.qdc", "<Project name=\"x\"/>");
  g_autofree char *text = make_file (f, "notes.txt", "Just some text.\n");
  g_autofree char *gloss_xml = make_file (f, "gloss.xml",
    "<gloss xmlns=\"urn:glossapp:gloss:1\" version=\"1\"/>");
  g_autofree char *no_qde = make_qdpx (f, "empty.qdpx", "", NULL);
  g_autofree char *codebook_inside = make_qdpx (f, "codebook-inside.qdpx",
    "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes/></CodeBook>", NULL);

  assert_refused (f, wrong_ns, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_WRONG_NAMESPACE);
  assert_refused (f, no_ns, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_WRONG_NAMESPACE);
  assert_refused (f, text, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_MALFORMED);
  assert_refused (f, gloss_xml, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_UNKNOWN_FORMAT);
  assert_refused (f, no_qde, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_MALFORMED);
  assert_refused (f, codebook_inside, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_STRUCTURE);
}

static void
test_refuses_duplicate_guids (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *codes = make_file (f, "dup.qdc",
    "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes>"
    "<Code guid=" GUID (1) " name=\"a\" isCodable=\"true\"/>"
    "<Code guid=" GUID (1) " name=\"b\" isCodable=\"true\"/>"
    "</Codes></CodeBook>");
  g_autofree char *bad_guid = make_file (f, "bad.qdc",
    "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes>"
    "<Code guid=\"not-a-guid\" name=\"a\" isCodable=\"true\"/>"
    "</Codes></CodeBook>");

  assert_refused (f, codes, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_DUPLICATE_UUID);
  assert_refused (f, bad_guid, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_STRUCTURE);
}

/* A failure in the middle of writing leaves the file exactly as it was. */
static void
test_failure_rolls_back (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GString) long_text = g_string_new (NULL);
  g_autofree char *qdpx = NULL;
  sqlite3 *db = _gloss_project_get_db (f->project);
  int old_limit;

  for (int i = 0; i < 200; i++)
    g_string_append (long_text, "A line of an interview that goes on.\n");
  qdpx = make_qdpx (f, "long.qdpx",
    QDE_HEAD
    "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"t\" origin=\"Test\">"
    "<Users><User guid=\"99999999-0000-4000-8000-000000000001\" name=\"Ann\"/></Users>"
    "<CodeBook><Codes><Code guid=" GUID (1) " name=\"A\" isCodable=\"true\"/></Codes></CodeBook>"
    "<Sources><TextSource guid=\"aaaaaaaa-0000-4000-8000-000000000001\" name=\"L\" plainTextPath=\"internal://l.txt\"/>"
    "</Sources></Project>",
    "sources/l.txt", long_text->str, NULL);

  before = read_bytes (f->path);
  /* Users and codes are written, then the long text is too long. */
  old_limit = sqlite3_limit (db, SQLITE_LIMIT_LENGTH, 1000);
  /* Without an error to fill, the failure is still seen. */
  g_assert_false (gloss_refi_import (f->project, qdpx, NULL, NULL, NULL));
  g_assert_false (gloss_refi_import (f->project, qdpx, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("failed as planned: %s", error->message);
  sqlite3_limit (db, SQLITE_LIMIT_LENGTH, old_limit);

  after = read_bytes (f->path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM code", NULL), ==, 0);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM annotator WHERE name = ?", "Ann"),
                   ==, 0);
  g_assert_false (gloss_project_can_undo (f->project));

  /* And the same file imports once the limit is gone. */
  g_clear_error (&error);
  g_assert_true (gloss_refi_import (f->project, qdpx, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f->project, "SELECT count (*) FROM document", NULL), ==, 1);
  g_assert_true (gloss_project_can_undo (f->project));
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) before = read_bytes (f->path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GlossProject) source = sample_project (f, "sample.gloss");
  g_autofree char *qdpx = g_build_filename (f->dir, "sample.qdpx", NULL);

  g_cancellable_cancel (cancellable);
  g_assert_false (gloss_refi_export_qdpx (source, qdpx, NULL, cancellable, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_CANCELLED);
  g_assert_false (g_file_test (qdpx, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_assert_true (gloss_refi_export_qdpx (source, qdpx, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (gloss_refi_import (f->project, qdpx, NULL, cancellable, &error));
  g_assert_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_CANCELLED);
  after = read_bytes (f->path);
  g_assert_true (g_bytes_equal (before, after));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) \
  g_test_add ("/gloss/refi/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)

  ADD ("sample-round-trip", test_sample_round_trip);
  ADD ("codebook-round-trip", test_codebook_round_trip);
  ADD ("reimport-into-same-project", test_reimport_into_same);
  ADD ("export-options", test_export_options);
  ADD ("empty-project", test_empty_project);
  ADD ("undo-and-redo", test_undo);
  ADD ("identical-sources-kept", test_identical_sources);
  ADD ("nvivo-utf16-positions", test_nvivo_positions);
  ADD ("code-point-positions", test_code_point_positions);
  ADD ("reports-what-it-cannot-carry", test_reports_what_it_cannot_carry);
  ADD ("single-valued-dimension", test_single_valued_dimension);
  ADD ("sibling-names", test_sibling_names);
  ADD ("refuses-doctype", test_refuses_doctype);
  ADD ("refuses-malformed", test_refuses_malformed);
  ADD ("refuses-foreign", test_refuses_foreign);
  ADD ("refuses-duplicate-guids", test_refuses_duplicate_guids);
  ADD ("failure-rolls-back", test_failure_rolls_back);
  ADD ("cancelled", test_cancelled);

  return g_test_run ();
}

#endif
