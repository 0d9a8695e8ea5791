/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "gloss-merge.h"
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

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
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

/* A fresh directory for this test, removed when the test ends. */
static char *
make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("gloss-merge-XXXXXX", &error);

  g_assert_no_error (error);
  g_test_queue_destroy ((GDestroyNotify) remove_tree_and_free, g_strdup (dir));
  return dir;
}

static char *
file_sha256 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) contents, len);
}

static char *
sample_text (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "sample",
                                                 "pakistan-russia-interview.txt", NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* A new project with the default codebook and the sample interview. */
static GlossProject *
make_project (const char *dir,
              const char *name,
              const char *annotator,
              gint64     *document)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = sample_text ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = gloss_project_create (path, annotator, FALSE, &error);
  gint64 id;

  g_assert_no_error (error);
  id = gloss_project_add_document (project, "Sample interview", text, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  if (document != NULL)
    *document = id;

  return g_steal_pointer (&project);
}

static gint64
code (GlossProject *project,
      const char   *path)
{
  g_autoptr(GError) error = NULL;
  gint64 id = gloss_project_resolve_code (project, path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* Annotates [start, end) with one code; returns the new annotation's uuid. */
static char *
annotate (GlossProject *project,
          gint64        document,
          gint64        start,
          gint64        end,
          const char   *path,
          const char   *note)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossAnnotation) annotation = NULL;
  gint64 c = code (project, path);
  gint64 id = gloss_project_add_annotation (project, document, start, end, &c, 1, note, NULL,
                                            &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  annotation = gloss_project_get_annotation (project, id, &error);
  g_assert_no_error (error);
  return g_strdup (annotation->uuid);
}

static GlossAnnotation *
find (GlossProject *project,
      const char   *uuid)
{
  g_autoptr(GError) error = NULL;
  gint64 id = gloss_project_resolve_annotation (project, uuid, &error);
  GlossAnnotation *annotation;

  g_assert_no_error (error);
  annotation = gloss_project_get_annotation (project, id, &error);
  g_assert_no_error (error);
  return annotation;
}

static gint64
id_of (GlossProject *project,
       const char   *uuid)
{
  g_autoptr(GError) error = NULL;
  gint64 id = gloss_project_resolve_annotation (project, uuid, &error);

  g_assert_no_error (error);
  return id;
}

static guint
count_live (GlossProject *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = gloss_project_list_annotations (project, NULL, &error);

  g_assert_no_error (error);
  return list->len;
}

/* A copy of @lead for another analyst, who annotates as @annotator. */
static GlossProject *
copy_for (GlossProject *lead,
          const char   *dir,
          const char   *name,
          const char   *annotator)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) copy = NULL;

  g_assert_true (gloss_project_save_copy (lead, path, &error));
  g_assert_no_error (error);
  copy = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (gloss_project_set_default_annotator (copy, annotator, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&copy);
}

static void
assert_sound (GlossProject *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = gloss_project_check (project, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("problem: %s", (char *) problems->pdata[i]);
  g_assert_cmpuint (problems->len, ==, 0);
}

static void
merge (GlossProject     *target,
       GlossMergeReport *report,
       GlossProject     *first,
       ...)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, first);
  for (GlossProject *p = first; p != NULL; p = va_arg (args, GlossProject *))
    g_ptr_array_add (paths, (gpointer) gloss_project_get_path (p));
  va_end (args);
  g_ptr_array_add (paths, NULL);

  g_assert_true (gloss_merge (target, (const char *const *) paths->pdata, FALSE, report, NULL,
                              &error));
  g_assert_no_error (error);
  /* the target notices its own commit; nothing external is pending */
  gloss_project_poll_external_changes (target);
}

/* How many backup copies sit beside @path. */
static guint
count_backups (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, ".before-merge-", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix) && g_str_has_suffix (name, ".bak"))
      n++;

  return n;
}

/* The change log rows of merge conflicts: (action, JSON of the other version). */
static GPtrArray *
conflict_rows (GlossProject *project)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (_gloss_project_get_db (project),
                                       "SELECT action, changeset FROM change "
                                       "WHERE action LIKE 'Merge conflict%' ORDER BY seq",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_ptr_array_add (rows, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_ptr_array_add (rows, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_finalize (stmt);

  return g_steal_pointer (&rows);
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *json)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
tick (void)
{
  /* Timestamps have milliseconds: make "later" unambiguous. */
  g_usleep (3000);
}

static void
tamper (const char *path,
        const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

/* The lead's project: alice's two annotations on the sample interview. */
typedef struct
{
  char         *dir;
  GlossProject *lead;
  gint64        doc;
  char         *a1;     /* Actors/Russia */
  char         *a2;     /* Themes/Energy */
} Team;

static void
team_init (Team *team)
{
  team->dir = make_tmp_dir ();
  team->lead = make_project (team->dir, "lead.gloss", "alice", &team->doc);
  team->a1 = annotate (team->lead, team->doc, 0, 10, "Actors/Russia", NULL);
  team->a2 = annotate (team->lead, team->doc, 20, 40, "Themes/Energy", "first note");
}

static void
team_clear (Team *team)
{
  g_clear_object (&team->lead);
  g_clear_pointer (&team->dir, g_free);
  g_clear_pointer (&team->a1, g_free);
  g_clear_pointer (&team->a2, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Team, team_clear)

/* ------------------------------------------------------------------------
 * Tests
 * ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------
 * Large merges: more annotations than a merge keeps a changeset for, so
 * the target's secondary indexes and span index are built again at the end
 * ------------------------------------------------------------------------ */

/* Just over the 20,000 annotations a merge keeps a changeset for
 * (UNDOABLE_MERGE_MAX in app/gloss-merge.c); a span index of three levels. */
#define LARGE_MERGE 20500

/* Adds @n annotations with spans all over @document, in one write; every
 * tenth carries two codes. */
static void
add_many (GlossProject *project,
          gint64        document,
          guint         n,
          guint32       seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (GlossNewAnnotation));
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GlossDocument) doc = gloss_project_get_document (project, document, &error);
  gint64 pairs[2][2] = { { code (project, "Actors/Russia"), code (project, "Themes/Energy") },
                         { code (project, "Stance/neutral"), 0 } };

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      GlossNewAnnotation item = { document, 0, 0, pairs[i % 2], i % 10 == 0 ? 2 : 1, NULL };

      item.start = g_rand_int_range (rand, 0, doc->length - 200);
      item.end = item.start + g_rand_int_range (rand, 1, 200);
      g_array_append_val (items, item);
    }
  g_assert_true (gloss_project_add_annotations (project, (GlossNewAnnotation *) items->data,
                                                items->len, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* type, name, table and SQL of every schema entry, by name. */
static char *
schema_of (GlossProject *project)
{
  GString *schema = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (_gloss_project_get_db (project),
                                       "SELECT type, name, tbl_name, sql FROM sqlite_schema "
                                       "ORDER BY name", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (int c = 0; c < 4; c++)
      g_string_append_printf (schema, "%s%c", sqlite3_column_text (stmt, c) != NULL
                              ? (const char *) sqlite3_column_text (stmt, c) : "NULL",
                              c == 3 ? '\n' : '|');
  sqlite3_finalize (stmt);

  return g_string_free (schema, FALSE);
}

static gint64
query_int (GlossProject *project,
           const char   *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (_gloss_project_get_db (project), sql, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

/* The span index agrees with SQLite's own check and answers range queries
 * exactly as a scan of every annotation does. */
static void
assert_spans (GlossProject *project,
              gint64        document)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossDocument) doc = gloss_project_get_document (project, document, &error);
  GlossAnnotationFilter all = GLOSS_ANNOTATION_FILTER_INIT;
  g_autoptr(GPtrArray) live = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (_gloss_project_get_db (project),
                                       "SELECT rtreecheck ('annotation_span')", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);

  all.document = document;
  live = gloss_project_list_annotations (project, &all, &error);
  g_assert_no_error (error);
  for (guint w = 0; w < 40; w++)
    {
      GlossAnnotationFilter range = GLOSS_ANNOTATION_FILTER_INIT;
      g_autoptr(GPtrArray) hits = NULL;
      guint expected = 0;

      range.document = document;
      range.range_start = (doc->length - 50) * w / 40;
      range.range_end = range.range_start + 1 + w * 3;
      hits = gloss_project_list_annotations (project, &range, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < live->len; i++)
        {
          GlossAnnotation *a = live->pdata[i];

          expected += a->start < range.range_end && a->end > range.range_start;
        }
      g_assert_cmpuint (hits->len, ==, expected);
    }
}

/* Thousands of annotations into a project that has two: indexes and the
 * span index built again, the same schema as a new project, foreign keys
 * enforced again, tombstones and conflicts as in a small merge; then again,
 * adding nothing. */
static void
test_large (void)
{
  g_auto(Team) team = { 0, };
  g_auto(GlossMergeReport) report = { 0, };
  g_auto(GlossMergeReport) again = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GlossProject) fresh = NULL;
  g_autoptr(GlossAnnotation) a1 = NULL;
  g_autoptr(GlossAnnotation) a2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fresh_path = NULL;
  g_autofree char *want = NULL;
  g_autofree char *have = NULL;

  team_init (&team);
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
  add_many (bob, team.doc, LARGE_MERGE, 1);
  g_assert_true (gloss_project_set_annotation_note (team.lead, id_of (team.lead, team.a2),
                                                    "the lead's", NULL));
  tick ();
  g_assert_true (gloss_project_delete_annotation (bob, id_of (bob, team.a1), NULL));
  g_assert_true (gloss_project_set_annotation_note (bob, id_of (bob, team.a2), "bob's, later",
                                                    NULL));

  merge (team.lead, &report, bob, NULL);

  g_assert_cmpuint (report.added, ==, LARGE_MERGE);
  g_assert_cmpuint (report.updated, ==, 1);
  g_assert_cmpuint (report.deleted, ==, 1);
  g_assert_cmpuint (report.conflicts->len, ==, 1);
  g_assert_cmpstr (((GlossMergeConflict *) report.conflicts->pdata[0])->uuid, ==, team.a2);
  g_assert_cmpuint (report.skipped->len, ==, 0);
  g_assert_nonnull (report.backup);
  a1 = find (team.lead, team.a1);
  a2 = find (team.lead, team.a2);
  g_assert_true (a1->deleted);
  g_assert_cmpstr (a2->note, ==, "bob's, later");
  g_assert_cmpuint (count_live (team.lead), ==, LARGE_MERGE + 1);
  g_assert_cmpint (query_int (team.lead, "SELECT count (*) FROM annotation_code"), ==,
                   LARGE_MERGE + LARGE_MERGE / 10 + 2);
  g_assert_cmpint (query_int (team.lead, "PRAGMA foreign_keys"), ==, 1);
  assert_sound (team.lead);
  assert_spans (team.lead, team.doc);

  fresh_path = g_build_filename (team.dir, "fresh.gloss", NULL);
  fresh = gloss_project_create (fresh_path, "someone", FALSE, &error);
  g_assert_no_error (error);
  want = schema_of (fresh);
  have = schema_of (team.lead);
  g_assert_cmpstr (have, ==, want);

  merge (team.lead, &again, bob, NULL);
  g_assert_cmpuint (again.added, ==, 0);
  g_assert_cmpuint (again.updated, ==, 0);
  g_assert_cmpuint (again.conflicts->len, ==, 0);
  g_assert_cmpuint (again.unchanged, ==, LARGE_MERGE + 2);
  g_clear_pointer (&have, g_free);
  have = schema_of (team.lead);
  g_assert_cmpstr (have, ==, want);
  assert_sound (team.lead);

  /* the file opens through the full check */
  g_clear_object (&fresh);
  fresh = gloss_project_open (gloss_project_get_path (team.lead), GLOSS_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fresh);
}

/* A large dry run changes not a byte, though it drops and adds indexes
 * on its way. */
static void
test_large_dry_run (void)
{
  g_auto(Team) team = { 0, };
  g_auto(GlossMergeReport) report = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *schema_after = NULL;
  const char *sources[2] = { NULL, NULL };

  team_init (&team);
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
  add_many (bob, team.doc, LARGE_MERGE, 2);
  sources[0] = gloss_project_get_path (bob);

  schema = schema_of (team.lead);
  before = file_sha256 (gloss_project_get_path (team.lead));
  g_assert_true (gloss_merge (team.lead, sources, TRUE, &report, NULL, &error));
  g_assert_no_error (error);
  after = file_sha256 (gloss_project_get_path (team.lead));
  schema_after = schema_of (team.lead);

  g_assert_cmpuint (report.added, ==, LARGE_MERGE);
  g_assert_cmpuint (report.unchanged, ==, 2);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpstr (schema, ==, schema_after);
  g_assert_cmpint (query_int (team.lead, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpuint (count_live (team.lead), ==, 2);
  g_assert_cmpuint (count_backups (gloss_project_get_path (team.lead)), ==, 0);
}

/* A large merge into a target that holds more than it brings keeps the
 * indexes in step row by row and adds the new spans to the tree. */
static void
test_large_into_larger (void)
{
  g_auto(Team) team = { 0, };
  g_auto(GlossMergeReport) report = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *schema_after = NULL;

  team_init (&team);
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
  add_many (team.lead, team.doc, LARGE_MERGE + 500, 3);
  add_many (bob, team.doc, LARGE_MERGE, 4);
  schema = schema_of (team.lead);

  merge (team.lead, &report, bob, NULL);

  g_assert_cmpuint (report.added, ==, LARGE_MERGE);
  g_assert_cmpuint (report.unchanged, ==, 2);
  g_assert_cmpuint (count_live (team.lead), ==, 2 * LARGE_MERGE + 500 + 2);
  schema_after = schema_of (team.lead);
  g_assert_cmpstr (schema, ==, schema_after);
  g_assert_cmpint (query_int (team.lead, "PRAGMA foreign_keys"), ==, 1);
  assert_sound (team.lead);
  assert_spans (team.lead, team.doc);
}

/* Every annotation of @project as the text of its fields, by uuid, with
 * annotators and codes by uuid (ids differ between files). */
static char *
annotations_of (GlossProject *project)
{
  static const char sql[] =
    "SELECT a.uuid, d.uuid, a.start, a.\"end\", a.quote, ifnull (a.note, '-'), an.uuid, a.created, "
    "a.modified, a.revision, a.deleted, a.review_status, "
    "(SELECT group_concat (uuid) FROM (SELECT c.uuid FROM annotation_code ac "
    " JOIN code c ON c.id = ac.code WHERE ac.annotation = a.id ORDER BY c.uuid)) "
    "FROM annotation a JOIN annotator an ON an.id = a.annotator "
    "JOIN document d ON d.id = a.document ORDER BY a.uuid";
  GString *all = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (_gloss_project_get_db (project), sql, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        g_string_append_printf (all, "%s|", (const char *) sqlite3_column_text (stmt, i));
      g_string_append_c (all, '\n');
    }
  sqlite3_finalize (stmt);

  return g_string_free (all, FALSE);
}

/* A large merge into a target without annotations gives the new ones ids in
 * uuid order (each insert goes at the end of the uuid index); everything
 * else about them is as in the source, and merging the source again, whose
 * ids now run in another order than the target's, adds nothing. */
static void
test_large_into_empty (void)
{
  g_auto(GlossMergeReport) report = { 0, };
  g_auto(GlossMergeReport) again = { 0, };
  g_auto(GlossMergeReport) third = { 0, };
  g_autoptr(GlossProject) lead = NULL;
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GlossProject) fresh = NULL;
  g_autoptr(GlossAnnotation) noted = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *fresh_path = NULL;
  g_autofree char *want = NULL;
  g_autofree char *have = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *schema_after = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *edited = NULL;
  gint64 doc;

  lead = make_project (dir, "lead.gloss", "alice", &doc);
  bob = copy_for (lead, dir, "bob.gloss", "bob");
  add_many (bob, doc, LARGE_MERGE, 8);
  gone = annotate (bob, doc, 5, 15, "Actors/Russia", "to be deleted");
  edited = annotate (bob, doc, 30, 45, "Themes/Energy", NULL);
  g_assert_true (gloss_project_delete_annotation (bob, id_of (bob, gone), NULL));
  schema = schema_of (lead);

  /* a dry run writes rows it cannot keep in memory to the file, and takes
   * them all back */
  {
    g_auto(GlossMergeReport) dry = { 0, };
    g_autofree char *before = file_sha256 (gloss_project_get_path (lead));
    g_autofree char *after = NULL;
    const char *sources[2] = { gloss_project_get_path (bob), NULL };

    g_assert_true (gloss_merge (lead, sources, TRUE, &dry, NULL, &error));
    g_assert_no_error (error);
    after = file_sha256 (gloss_project_get_path (lead));
    g_assert_cmpuint (dry.added, ==, LARGE_MERGE + 1);
    g_assert_cmpuint (dry.tombstones_added, ==, 1);
    g_assert_cmpstr (before, ==, after);
    g_assert_cmpint (query_int (lead, "SELECT count (*) FROM annotation"), ==, 0);
    g_assert_cmpuint (count_backups (gloss_project_get_path (lead)), ==, 0);
  }

  merge (lead, &report, bob, NULL);

  g_assert_cmpuint (report.added, ==, LARGE_MERGE + 1);
  g_assert_cmpuint (report.tombstones_added, ==, 1);
  g_assert_cmpuint (report.unchanged, ==, 0);
  g_assert_cmpuint (report.skipped->len, ==, 0);
  g_assert_nonnull (report.backup);
  want = annotations_of (bob);
  have = annotations_of (lead);
  g_assert_cmpstr (have, ==, want);
  /* ids in uuid order */
  g_assert_cmpint (query_int (lead, "SELECT count (*) FROM annotation a JOIN annotation b "
                                    "ON b.id = a.id + 1 WHERE b.uuid < a.uuid"), ==, 0);
  g_assert_cmpint (query_int (lead, "SELECT max (id) - min (id) + 1 - count (*) FROM annotation"),
                   ==, 0);
  g_assert_cmpuint (count_live (lead), ==, LARGE_MERGE + 1);
  g_assert_cmpint (query_int (lead, "PRAGMA foreign_keys"), ==, 1);
  schema_after = schema_of (lead);
  g_assert_cmpstr (schema_after, ==, schema);
  assert_sound (lead);
  assert_spans (lead, doc);

  merge (lead, &again, bob, NULL);
  g_assert_cmpuint (again.added, ==, 0);
  g_assert_cmpuint (again.tombstones_added, ==, 0);
  g_assert_cmpuint (again.updated, ==, 0);
  g_assert_cmpuint (again.conflicts->len, ==, 0);
  g_assert_cmpuint (again.unchanged, ==, LARGE_MERGE + 2);
  g_clear_pointer (&have, g_free);
  have = annotations_of (lead);
  g_assert_cmpstr (have, ==, want);

  /* a later edit in the source comes over, found in the target's copy */
  tick ();
  g_assert_true (gloss_project_set_annotation_note (bob, id_of (bob, edited), "bob's, later",
                                                    NULL));
  merge (lead, &third, bob, NULL);
  g_assert_cmpuint (third.added, ==, 0);
  g_assert_cmpuint (third.updated, ==, 1);
  g_assert_cmpuint (third.unchanged, ==, LARGE_MERGE + 1);
  g_assert_cmpuint (third.conflicts->len, ==, 0);
  noted = find (lead, edited);
  g_assert_cmpstr (noted->note, ==, "bob's, later");
  g_clear_pointer (&want, g_free);
  g_clear_pointer (&have, g_free);
  want = annotations_of (bob);
  have = annotations_of (lead);
  g_assert_cmpstr (have, ==, want);
  assert_sound (lead);
  assert_spans (lead, doc);

  /* the file opens through the full check */
  fresh_path = g_strdup (gloss_project_get_path (lead));
  g_clear_object (&lead);
  fresh = gloss_project_open (fresh_path, GLOSS_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fresh);
}

/* Sources whose annotations come in another order than the target's, and
 * ids with wide gaps: every annotation is still paired with its own. */
static void
test_other_order (void)
{
  g_auto(Team) team = { 0, };
  g_auto(GlossMergeReport) first = { 0, };
  g_auto(GlossMergeReport) second = { 0, };
  g_auto(GlossMergeReport) third = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GlossProject) carol = NULL;
  g_autoptr(GlossProject) dave = NULL;
  g_autoptr(GError) error = NULL;
  gint64 scratch;

  team_init (&team);
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
  carol = copy_for (team.lead, team.dir, "carol.gloss", "carol");
  dave = make_project (team.dir, "dave.gloss", "dave", NULL);
  add_many (bob, team.doc, 300, 5);
  add_many (carol, team.doc, 300, 6);

  /* The lead takes carol's first, dave bob's: their ids run in opposite
   * orders. */
  merge (team.lead, &first, carol, bob, NULL);
  g_assert_cmpuint (first.added, ==, 600);
  merge (dave, &second, bob, carol, NULL);
  g_assert_cmpuint (second.added, ==, 602);

  /* Wide gaps in dave's ids: annotations of a removed document. */
  scratch = gloss_project_add_document (dave, "Scratch", "a scratch document, removed again\n",
                                        NULL, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (GlossNewAnnotation));
    gint64 energy = code (dave, "Themes/Energy");

    for (guint i = 0; i < 3000; i++)
      {
        GlossNewAnnotation item = { scratch, i % 20, i % 20 + 5, &energy, 1, NULL };

        g_array_append_val (items, item);
      }
    g_assert_true (gloss_project_add_annotations (dave, (GlossNewAnnotation *) items->data,
                                                  items->len, NULL, NULL, &error));
    g_assert_no_error (error);
  }
  g_free (annotate (dave, gloss_project_resolve_document (dave, "Sample interview", NULL),
                    10, 20, "Actors/Russia", "after the gap"));
  g_assert_true (gloss_project_remove_document (dave, scratch, NULL, &error));
  g_assert_no_error (error);

  merge (team.lead, &third, dave, NULL);
  g_assert_cmpuint (third.added, ==, 1);
  g_assert_cmpuint (third.unchanged, ==, 602);
  g_assert_cmpuint (third.updated, ==, 0);
  g_assert_cmpuint (third.conflicts->len, ==, 0);
  g_assert_cmpuint (count_live (team.lead), ==, 603);
  assert_sound (team.lead);
}

static void
test_adds (void)
{
  g_auto(Team) team = { 0, };
  g_auto(GlossMergeReport) report = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GlossProject) carol = NULL;
  g_autoptr(GlossAnnotation) in_bob = NULL;
  g_autoptr(GlossAnnotation) merged = NULL;
  g_autofree char *b1 = NULL;

  team_init (&team);
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
  carol = copy_for (team.lead, team.dir, "carol.gloss", "carol");

  b1 = annotate (bob, team.doc, 100, 120, "Actors/Pakistan", "bob's note");
  g_free (annotate (bob, team.doc, 130, 150, "Themes/Energy", NULL));
  g_free (annotate (bob, team.doc, 100, 120, "Actors/India", NULL));
  g_free (annotate (carol, team.doc, 100, 120, "Actors/Pakistan", NULL));
  g_free (annotate (carol, team.doc, 300, 340, "Stance/cooperative", NULL));

  merge (team.lead, &report, bob, carol, NULL);

  g_assert_cmpuint (report.added, ==, 5);
  g_assert_cmpuint (report.unchanged, ==, 4);
  g_assert_cmpuint (report.updated, ==, 0);
  g_assert_cmpuint (report.conflicts->len, ==, 0);
  g_assert_cmpuint (report.skipped->len, ==, 0);
  g_assert_cmpuint (report.annotators_added, ==, 2);
  g_assert_cmpuint (report.namesakes->len, ==, 0);
  g_assert_cmpuint (report.documents_added, ==, 0);
  g_assert_cmpuint (report.codes_added, ==, 0);
  g_assert_cmpuint (report.codes_mapped, >, 0);
  g_assert_nonnull (report.backup);
  g_assert_false (report.dry_run);
  g_assert_cmpuint (count_live (team.lead), ==, 7);

  /* annotator, timestamps, revision and note travel unchanged */
  in_bob = find (bob, b1);
  merged = find (team.lead, b1);
  g_assert_cmpstr (merged->annotator, ==, "bob");
  g_assert_cmpstr (merged->annotator_uuid, ==, in_bob->annotator_uuid);
  g_assert_cmpstr (merged->created, ==, in_bob->created);
  g_assert_cmpstr (merged->modified, ==, in_bob->modified);
  g_assert_cmpint (merged->revision, ==, in_bob->revision);
  g_assert_cmpstr (merged->note, ==, "bob's note");
  g_assert_cmpstr (merged->quote, ==, in_bob->quote);
  g_assert_cmpuint (merged->codes->len, ==, 1);
  g_assert_cmpint (g_array_index (merged->codes, gint64, 0), ==, code (team.lead, "Actors/Pakistan"));

  assert_sound (team.lead);
}

static void
test_twice_adds_nothing (void)
{
  g_auto(Team) team = { 0, };
  g_auto(GlossMergeReport) first = { 0, };
  g_auto(GlossMergeReport) second = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  team_init (&team);
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
  g_free (annotate (bob, team.doc, 100, 120, "Actors/Pakistan", NULL));
  g_free (annotate (bob, team.doc, 200, 220, "Themes/Energy", NULL));
  g_assert_true (gloss_project_delete_annotation (bob, id_of (bob, team.a1), NULL));

  merge (team.lead, &first, bob, NULL);
  g_assert_cmpuint (first.added, ==, 2);
  g_assert_cmpuint (first.updated, ==, 1);
  g_assert_cmpuint (first.deleted, ==, 1);

  before = file_sha256 (gloss_project_get_path (team.lead));
  merge (team.lead, &second, bob, bob, NULL);
  after = file_sha256 (gloss_project_get_path (team.lead));

  g_assert_cmpuint (second.added, ==, 0);
  g_assert_cmpuint (second.tombstones_added, ==, 0);
  g_assert_cmpuint (second.updated, ==, 0);
  g_assert_cmpuint (second.conflicts->len, ==, 0);
  g_assert_cmpuint (second.codes_added, ==, 0);
  g_assert_cmpuint (second.annotators_added, ==, 0);
  g_assert_cmpuint (second.unchanged, ==, 8);
  /* not a byte changed */
  g_assert_cmpstr (before, ==, after);
  assert_sound (team.lead);
}

/* Deleted in the source, untouched in the target: deleted after the merge. */
static void
test_tombstone_from_source (void)
{
  g_auto(Team) team = { 0, };
  g_auto(GlossMergeReport) report = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GlossAnnotation) a1 = NULL;

  team_init (&team);
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
  tick ();
  g_assert_true (gloss_project_delete_annotation (bob, id_of (bob, team.a1), NULL));

  merge (team.lead, &report, bob, NULL);

  g_assert_cmpuint (report.updated, ==, 1);
  g_assert_cmpuint (report.deleted, ==, 1);
  g_assert_cmpuint (report.conflicts->len, ==, 0);
  a1 = find (team.lead, team.a1);
  g_assert_true (a1->deleted);
  g_assert_cmpuint (count_live (team.lead), ==, 1);
  assert_sound (team.lead);
}

/* Deleted in the target, untouched in the source: stays deleted. */
static void
test_tombstone_in_target (void)
{
  g_auto(Team) team = { 0, };
  g_auto(GlossMergeReport) report = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GlossAnnotation) a1 = NULL;

  team_init (&team);
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
  g_free (annotate (bob, team.doc, 100, 120, "Actors/Pakistan", NULL));
  tick ();
  g_assert_true (gloss_project_delete_annotation (team.lead, id_of (team.lead, team.a1), NULL));

  merge (team.lead, &report, bob, NULL);

  g_assert_cmpuint (report.added, ==, 1);
  g_assert_cmpuint (report.unchanged, ==, 2);
  g_assert_cmpuint (report.updated, ==, 0);
  g_assert_cmpuint (report.conflicts->len, ==, 0);
  a1 = find (team.lead, team.a1);
  g_assert_true (a1->deleted);
  assert_sound (team.lead);
}

/* Deleted in one file, edited in the other after the deletion: a
 * conflict, and the later edit stands; the other way round the deletion
 * stands.  Either way the loser is in the change log. */
static void
test_tombstone_conflict (void)
{
  for (guint edit_later = 0; edit_later < 2; edit_later++)
    {
      g_auto(Team) team = { 0, };
      g_auto(GlossMergeReport) report = { 0, };
      g_auto(GlossMergeReport) again = { 0, };
      g_autoptr(GlossProject) bob = NULL;
      g_autoptr(GlossAnnotation) a1 = NULL;
      g_autoptr(GPtrArray) rows = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *other;

      team_init (&team);
      bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
      tick ();
      if (edit_later)
        {
          g_assert_true (gloss_project_delete_annotation (team.lead, id_of (team.lead, team.a1), NULL));
          tick ();
          g_assert_true (gloss_project_set_annotation_note (bob, id_of (bob, team.a1), "still here", NULL));
        }
      else
        {
          g_assert_true (gloss_project_set_annotation_note (bob, id_of (bob, team.a1), "still here", NULL));
          tick ();
          g_assert_true (gloss_project_delete_annotation (team.lead, id_of (team.lead, team.a1), NULL));
        }

      merge (team.lead, &report, bob, NULL);

      g_assert_cmpuint (report.conflicts->len, ==, 1);
      g_assert_cmpstr (((GlossMergeConflict *) report.conflicts->pdata[0])->uuid, ==, team.a1);
      a1 = find (team.lead, team.a1);
      rows = conflict_rows (team.lead);
      g_assert_cmpuint (rows->len, ==, 2);
      other = parse_object (parser, rows->pdata[1]);
      g_assert_cmpstr (json_object_get_string_member (other, "uuid"), ==, team.a1);
      if (edit_later)
        {
          g_assert_false (a1->deleted);
          g_assert_cmpstr (a1->note, ==, "still here");
          g_assert_true (json_object_get_boolean_member (other, "deleted"));
          g_assert_cmpstr (((GlossMergeConflict *) report.conflicts->pdata[0])->kept_source, ==,
                           gloss_project_get_path (bob));
        }
      else
        {
          g_assert_true (a1->deleted);
          g_assert_false (json_object_get_boolean_member (other, "deleted"));
          g_assert_cmpstr (json_object_get_string_member (other, "note"), ==, "still here");
        }
      assert_sound (team.lead);

      /* resolved once: merging again reports nothing */
      merge (team.lead, &again, bob, NULL);
      g_assert_cmpuint (again.conflicts->len, ==, 0);
      g_assert_cmpuint (again.updated, ==, 0);
    }
}

/* Edited differently in two files: the later modification wins, whatever
 * the order of the sources, and the loser is kept in the change log. */
static void
test_conflict_later_wins (void)
{
  g_auto(Team) team = { 0, };
  g_auto(GlossMergeReport) report = { 0, };
  g_auto(GlossMergeReport) reversed = { 0, };
  g_auto(GlossMergeReport) again = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GlossProject) carol = NULL;
  g_autoptr(GlossProject) lead2 = NULL;
  g_autoptr(GlossAnnotation) a2 = NULL;
  g_autoptr(GlossAnnotation) a2_reversed = NULL;
  g_autoptr(GlossAnnotation) in_carol = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *lead2_path = NULL;
  g_autoptr(GError) error = NULL;
  GlossMergeConflict *conflict;
  JsonObject *other;

  team_init (&team);
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
  carol = copy_for (team.lead, team.dir, "carol.gloss", "carol");
  lead2_path = g_build_filename (team.dir, "lead2.gloss", NULL);
  g_assert_true (gloss_project_save_copy (team.lead, lead2_path, &error));
  g_assert_no_error (error);
  lead2 = gloss_project_open (lead2_path, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);

  tick ();
  g_assert_true (gloss_project_set_annotation_note (bob, id_of (bob, team.a2), "bob's reading", NULL));
  tick ();
  g_assert_true (gloss_project_set_annotation_note (carol, id_of (carol, team.a2), "carol's reading", NULL));

  merge (team.lead, &report, bob, carol, NULL);

  g_assert_cmpuint (report.updated, ==, 1);     /* bob's edit, one-sided at first */
  g_assert_cmpuint (report.conflicts->len, ==, 1);
  conflict = report.conflicts->pdata[0];
  g_assert_cmpstr (conflict->uuid, ==, team.a2);
  g_assert_cmpstr (conflict->kept_source, ==, gloss_project_get_path (carol));
  g_assert_nonnull (strstr (conflict->kept, "carol.gloss"));

  a2 = find (team.lead, team.a2);
  in_carol = find (carol, team.a2);
  g_assert_cmpstr (a2->note, ==, "carol's reading");
  g_assert_cmpstr (a2->modified, ==, in_carol->modified);
  g_assert_cmpint (a2->revision, ==, in_carol->revision);

  rows = conflict_rows (team.lead);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_true (g_str_has_prefix (rows->pdata[0], "Merge conflict"));
  g_assert_nonnull (strstr (rows->pdata[0], team.a2));
  other = parse_object (parser, rows->pdata[1]);
  g_assert_cmpstr (json_object_get_string_member (other, "note"), ==, "bob's reading");
  g_assert_cmpstr (json_object_get_string_member (other, "annotator"), ==, "alice");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (other, "codes")), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (other, "codes"), 0),
                   ==, "Themes/Energy");
  assert_sound (team.lead);

  /* The other order ends the same way. */
  merge (lead2, &reversed, carol, bob, NULL);
  g_assert_cmpuint (reversed.conflicts->len, ==, 1);
  a2_reversed = find (lead2, team.a2);
  g_assert_cmpstr (a2_reversed->note, ==, "carol's reading");

  /* Merging both again changes nothing and reports no conflict. */
  merge (team.lead, &again, bob, carol, NULL);
  g_assert_cmpuint (again.conflicts->len, ==, 0);
  g_assert_cmpuint (again.updated, ==, 0);
  g_assert_cmpuint (again.added, ==, 0);
}

/* A later edit of an annotation in one file only is an update, not a conflict. */
static void
test_one_sided_edit (void)
{
  g_auto(Team) team = { 0, };
  g_auto(GlossMergeReport) report = { 0, };
  g_auto(GlossMergeReport) back = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GlossAnnotation) a2 = NULL;
  gint64 codes[2];

  team_init (&team);
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
  codes[0] = code (bob, "Themes/Energy");
  codes[1] = code (bob, "Actors/Russia");
  tick ();
  g_assert_true (gloss_project_set_annotation_codes (bob, id_of (bob, team.a2), codes, 2, NULL));
  g_assert_true (gloss_project_set_annotation_span (bob, id_of (bob, team.a2), 22, 45, NULL));

  merge (team.lead, &report, bob, NULL);
  g_assert_cmpuint (report.updated, ==, 1);
  g_assert_cmpuint (report.conflicts->len, ==, 0);
  a2 = find (team.lead, team.a2);
  g_assert_cmpint (a2->start, ==, 22);
  g_assert_cmpint (a2->end, ==, 45);
  g_assert_cmpuint (a2->codes->len, ==, 2);
  assert_sound (team.lead);

  /* and merging the lead back into bob's copy changes nothing there */
  merge (bob, &back, team.lead, NULL);
  g_assert_cmpuint (back.updated, ==, 0);
  g_assert_cmpuint (back.conflicts->len, ==, 0);
  g_assert_cmpuint (back.added, ==, 0);
}

/* Codes with other uuids are matched by dimension and path; new ones are added. */
static void
test_code_by_path (void)
{
  g_auto(Team) team = { 0, };
  g_auto(GlossMergeReport) report = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GlossAnnotation) water = NULL;
  g_autoptr(GlossAnnotation) drought = NULL;
  g_autoptr(GlossCode) lead_water = NULL;
  g_autoptr(GlossCode) bob_water = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *w = NULL;
  g_autofree char *d = NULL;
  gint64 themes;
  gboolean seen_water = FALSE, seen_drought = FALSE;

  team_init (&team);
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");

  /* both add "Themes/Water" on their own: two uuids, one path */
  themes = gloss_project_resolve_dimension (team.lead, "Themes", &error);
  g_assert_no_error (error);
  g_assert_cmpint (gloss_project_add_code (team.lead, themes, 0, "Water", "#3584e4", NULL, "9", &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (gloss_project_add_code (bob, themes, 0, "Water", "#2ec27e", NULL, NULL, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (gloss_project_add_code (bob, themes, 0, "Drought", "#e66100", "dry years", "9", &error), >, 0);
  g_assert_no_error (error);
  lead_water = gloss_project_get_code (team.lead, code (team.lead, "Themes/Water"), &error);
  bob_water = gloss_project_get_code (bob, code (bob, "Themes/Water"), &error);
  g_assert_cmpstr (lead_water->uuid, !=, bob_water->uuid);

  w = annotate (bob, team.doc, 50, 60, "Themes/Water", NULL);
  d = annotate (bob, team.doc, 70, 80, "Themes/Drought", NULL);

  merge (team.lead, &report, bob, NULL);

  g_assert_cmpuint (report.codes_added, ==, 1);
  g_assert_cmpuint (report.added, ==, 2);
  /* Drought's shortcut is Water's in the target: the code comes without it */
  g_assert_cmpuint (report.skipped->len, ==, 1);
  g_assert_cmpstr (((GlossMergeSkipped *) report.skipped->pdata[0])->what, ==, "shortcut");
  for (guint i = 0; i < report.codebook->len; i++)
    {
      GlossMergeMapping *mapping = report.codebook->pdata[i];

      if (g_strcmp0 (mapping->path, "Themes/Water") == 0)
        {
          seen_water = TRUE;
          g_assert_cmpint (mapping->match, ==, GLOSS_MERGE_MATCHED_BY_PATH);
          g_assert_cmpstr (mapping->source_uuid, ==, bob_water->uuid);
          g_assert_cmpstr (mapping->target_uuid, ==, lead_water->uuid);
        }
      else if (g_strcmp0 (mapping->path, "Themes/Drought") == 0)
        {
          seen_drought = TRUE;
          g_assert_cmpint (mapping->match, ==, GLOSS_MERGE_ADDED);
        }
      else if (!mapping->is_dimension)
        g_assert_cmpint (mapping->match, ==, GLOSS_MERGE_MATCHED_BY_UUID);
    }
  g_assert_true (seen_water);
  g_assert_true (seen_drought);

  water = find (team.lead, w);
  g_assert_cmpuint (water->codes->len, ==, 1);
  g_assert_cmpint (g_array_index (water->codes, gint64, 0), ==, lead_water->id);
  drought = find (team.lead, d);
  g_assert_cmpuint (drought->codes->len, ==, 1);
  {
    g_autoptr(GlossCode) added = gloss_project_get_code (team.lead, g_array_index (drought->codes, gint64, 0), &error);

    g_assert_no_error (error);
    g_assert_cmpstr (added->path, ==, "Themes/Drought");
    g_assert_cmpstr (added->description, ==, "dry years");
    g_assert_cmpstr (added->color, ==, "#e66100");
    g_assert_null (added->shortcut);
  }
  assert_sound (team.lead);
}

/* A dimension single-valued in the target but multiple in the source:
 * reported, and annotations that would break it are left out, with why. */
static void
test_single_multiple_mismatch (void)
{
  g_auto(Team) team = { 0, };
  g_auto(GlossMergeReport) report = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GlossDimension) stance = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *one = NULL;
  gint64 codes[2];
  gint64 id;
  GlossMergeSkipped *skipped;

  team_init (&team);
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
  stance = gloss_project_get_dimension (bob, gloss_project_resolve_dimension (bob, "Stance", NULL), &error);
  g_assert_no_error (error);
  g_assert_true (gloss_project_update_dimension (bob, stance->id, stance->name, stance->kind, TRUE,
                                                 stance->level, NULL, &error));
  g_assert_no_error (error);

  codes[0] = code (bob, "Stance/neutral");
  codes[1] = code (bob, "Stance/cooperative");
  id = gloss_project_add_annotation (bob, team.doc, 500, 520, codes, 2, NULL, NULL, &error);
  g_assert_no_error (error);
  one = annotate (bob, team.doc, 600, 620, "Stance/neutral", NULL);

  merge (team.lead, &report, bob, NULL);

  g_assert_cmpuint (report.mismatches->len, ==, 1);
  g_assert_nonnull (strstr (report.mismatches->pdata[0], "Stance"));
  g_assert_cmpuint (report.added, ==, 1);
  g_assert_cmpuint (report.annotations_skipped, ==, 1);
  g_assert_cmpuint (report.skipped->len, ==, 1);
  skipped = report.skipped->pdata[0];
  g_assert_cmpstr (skipped->what, ==, "annotation");
  {
    g_autoptr(GlossAnnotation) both = gloss_project_get_annotation (bob, id, &error);

    g_assert_cmpstr (skipped->uuid, ==, both->uuid);
  }
  g_assert_cmpstr (skipped->source, ==, gloss_project_get_path (bob));
  g_assert_nonnull (strstr (skipped->reason, "Stance"));
  assert_sound (team.lead);
}

/* Projects made apart: the document is found by its text's SHA-256, the
 * namesake annotator is kept apart, a new document comes with its parts. */
static void
test_separate_projects (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_auto(GlossMergeReport) report = { 0, };
  g_autoptr(GlossProject) lead = NULL;
  g_autoptr(GlossProject) other = NULL;
  g_autoptr(GlossAnnotation) in_other = NULL;
  g_autoptr(GlossAnnotation) merged = NULL;
  g_autoptr(GlossDocument) lead_doc = NULL;
  g_autoptr(GlossDocument) other_doc = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) annotators = NULL;
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;
  GlossMergeNamesake *namesake;
  gint64 lead_id, other_id, second;
  GlossDocument *added = NULL;

  lead = make_project (dir, "lead.gloss", "alice", &lead_id);
  g_free (annotate (lead, lead_id, 0, 10, "Actors/Russia", NULL));
  other = make_project (dir, "other.gloss", "alice", &other_id);
  x = annotate (other, other_id, 0, 10, "Actors/Russia", NULL);
  second = gloss_project_add_document (other, "Second interview",
                                       "INTERVIEWER: How are you?\nANALYST: Fine, thanks.\n",
                                       "second.txt", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (gloss_project_set_attribute (other, second, "interviewee", "A. Analyst", &error));
  g_assert_no_error (error);
  y = annotate (other, second, 13, 25, "Themes/Energy", NULL);

  lead_doc = gloss_project_get_document (lead, lead_id, &error);
  other_doc = gloss_project_get_document (other, other_id, &error);
  g_assert_cmpstr (lead_doc->uuid, !=, other_doc->uuid);
  g_assert_cmpstr (lead_doc->sha256, ==, other_doc->sha256);

  merge (lead, &report, other, NULL);

  g_assert_cmpuint (report.documents_matched, ==, 1);
  g_assert_cmpuint (report.documents_added, ==, 1);
  g_assert_cmpuint (report.added, ==, 2);
  g_assert_cmpuint (report.codes_added, ==, 0);
  g_assert_cmpuint (report.skipped->len, ==, 0);

  /* same name, another uuid: two annotators */
  g_assert_cmpuint (report.namesakes->len, ==, 1);
  namesake = report.namesakes->pdata[0];
  g_assert_cmpstr (namesake->name, ==, "alice");
  g_assert_cmpstr (namesake->uuid, !=, namesake->other_uuid);
  annotators = gloss_project_list_annotators (lead, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (annotators), ==, 2);
  g_assert_cmpstr (annotators[0], ==, "alice");
  g_assert_cmpstr (annotators[1], ==, "alice");

  in_other = find (other, x);
  merged = find (lead, x);
  g_assert_cmpstr (merged->annotator_uuid, ==, in_other->annotator_uuid);
  g_assert_cmpstr (merged->annotator_uuid, ==, namesake->uuid);
  g_assert_cmpint (merged->document, ==, lead_id);

  /* the new document keeps its uuid, text, attributes and segments */
  documents = gloss_project_list_documents (lead, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (documents->len, ==, 2);
  for (guint i = 0; i < documents->len; i++)
    if (g_strcmp0 (((GlossDocument *) documents->pdata[i])->title, "Second interview") == 0)
      added = documents->pdata[i];
  g_assert_nonnull (added);
  {
    g_autoptr(GlossDocument) source_doc = gloss_project_get_document (other, second, &error);
    g_autoptr(GPtrArray) attributes = gloss_project_list_attributes (lead, added->id, &error);
    g_autoptr(GPtrArray) segments = gloss_project_list_segments (lead, added->id, &error);
    g_autoptr(GPtrArray) source_segments = gloss_project_list_segments (other, second, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (added->uuid, ==, source_doc->uuid);
    g_assert_cmpstr (added->sha256, ==, source_doc->sha256);
    g_assert_cmpstr (added->source_name, ==, "second.txt");
    g_assert_cmpuint (attributes->len, ==, 1);
    g_assert_cmpstr (((GlossAttribute *) attributes->pdata[0])->value, ==, "A. Analyst");
    g_assert_cmpuint (segments->len, ==, source_segments->len);
    g_assert_cmpuint (segments->len, >, 0);
  }
  assert_sound (lead);
}

static void
test_dry_run (void)
{
  g_auto(Team) team = { 0, };
  g_auto(GlossMergeReport) report = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *sources[2] = { NULL, NULL };

  team_init (&team);
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
  g_free (annotate (bob, team.doc, 100, 120, "Actors/Pakistan", NULL));
  g_assert_true (gloss_project_set_annotation_note (bob, id_of (bob, team.a2), "changed", NULL));
  sources[0] = gloss_project_get_path (bob);

  before = file_sha256 (gloss_project_get_path (team.lead));
  g_assert_true (gloss_merge (team.lead, sources, TRUE, &report, NULL, &error));
  g_assert_no_error (error);
  after = file_sha256 (gloss_project_get_path (team.lead));

  g_assert_true (report.dry_run);
  g_assert_null (report.backup);
  g_assert_cmpuint (report.added, ==, 1);
  g_assert_cmpuint (report.updated, ==, 1);
  g_assert_cmpuint (report.annotators_added, ==, 1);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (count_backups (gloss_project_get_path (team.lead)), ==, 0);
  g_assert_cmpuint (count_live (team.lead), ==, 2);
  g_assert_false (gloss_project_can_undo (team.lead) &&
                  g_str_has_prefix (gloss_project_get_undo_label (team.lead), "Merge"));
}

/* A source that is not a sound Gloss project refuses the whole merge. */
static void
test_hostile_source (void)
{
  static const struct { const char *name; GQuark (*domain) (void); int code; } cases[] = {
    { "random.gloss", gloss_project_error_quark, GLOSS_PROJECT_ERROR_NOT_SQLITE },
    { "empty.gloss", gloss_project_error_quark, GLOSS_PROJECT_ERROR_EMPTY_FILE },
    { "newer.gloss", gloss_project_error_quark, GLOSS_PROJECT_ERROR_NEWER_SCHEMA },
    { "foreign.gloss", gloss_project_error_quark, GLOSS_PROJECT_ERROR_FOREIGN },
    { "trigger.gloss", gloss_project_error_quark, GLOSS_PROJECT_ERROR_SCHEMA_MISMATCH },
    { "missing.gloss", gloss_project_error_quark, GLOSS_PROJECT_ERROR_NOT_FOUND },
    { "lead.gloss", gloss_merge_error_quark, GLOSS_MERGE_ERROR_SAME_FILE },
  };
  g_auto(Team) team = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autofree char *before = NULL;

  team_init (&team);
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
  g_free (annotate (bob, team.doc, 100, 120, "Actors/Pakistan", NULL));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (team.dir, cases[i].name, NULL);
      g_autofree char *after = NULL;
      g_auto(GlossMergeReport) report = { 0, };
      g_autoptr(GError) error = NULL;
      const char *sources[3] = { gloss_project_get_path (bob), path, NULL };

      if (g_str_equal (cases[i].name, "random.gloss"))
        {
          guint8 bytes[4096];

          for (guint j = 0; j < sizeof bytes; j++)
            bytes[j] = (guint8) g_test_rand_int ();
          g_assert_true (g_file_set_contents (path, (char *) bytes, sizeof bytes, NULL));
        }
      else if (g_str_equal (cases[i].name, "empty.gloss"))
        g_assert_true (g_file_set_contents (path, "", 0, NULL));
      else if (g_str_equal (cases[i].name, "newer.gloss"))
        {
          g_assert_true (gloss_project_save_copy (bob, path, NULL));
          tamper (path, "PRAGMA user_version = 7");
        }
      else if (g_str_equal (cases[i].name, "foreign.gloss"))
        tamper (path, "CREATE TABLE t (x); INSERT INTO t VALUES (1);");
      else if (g_str_equal (cases[i].name, "trigger.gloss"))
        {
          g_assert_true (gloss_project_save_copy (bob, path, NULL));
          tamper (path, "CREATE TABLE spy (x); CREATE TRIGGER evil AFTER INSERT ON annotation "
                        "BEGIN INSERT INTO spy VALUES (1); END;");
        }

      before = before != NULL ? before : file_sha256 (gloss_project_get_path (team.lead));
      g_assert_false (gloss_merge (team.lead, sources, FALSE, &report, NULL, &error));
      g_assert_error (error, cases[i].domain (), cases[i].code);
      g_test_message ("%s: %s", cases[i].name, error->message);
      g_assert_nonnull (strstr (error->message, "Nothing was merged"));

      after = file_sha256 (gloss_project_get_path (team.lead));
      g_assert_cmpstr (before, ==, after);
      g_assert_cmpuint (count_backups (gloss_project_get_path (team.lead)), ==, 0);
      g_assert_null (report.conflicts);
    }

  g_assert_cmpuint (count_live (team.lead), ==, 2);
}

/* An annotation whose quote does not match the text is left out, with why. */
static void
test_bad_quote_left_out (void)
{
  g_auto(Team) team = { 0, };
  g_auto(GlossMergeReport) report = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *b1 = NULL;
  const char *sources[2] = { NULL, NULL };

  team_init (&team);
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
  b1 = annotate (bob, team.doc, 100, 120, "Actors/Pakistan", NULL);
  g_free (annotate (bob, team.doc, 130, 150, "Actors/Pakistan", NULL));
  path = g_strdup (gloss_project_get_path (bob));
  g_clear_object (&bob);
  sql = g_strdup_printf ("UPDATE annotation SET quote = 'not the text at all!' WHERE uuid = '%s'", b1);
  tamper (path, sql);

  sources[0] = path;
  g_assert_true (gloss_merge (team.lead, sources, FALSE, &report, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (report.added, ==, 1);
  g_assert_cmpuint (report.annotations_skipped, ==, 1);
  g_assert_cmpuint (report.skipped->len, ==, 1);
  g_assert_cmpstr (((GlossMergeSkipped *) report.skipped->pdata[0])->uuid, ==, b1);
  g_assert_nonnull (strstr (((GlossMergeSkipped *) report.skipped->pdata[0])->reason, "quote"));
  g_assert_cmpuint (count_live (team.lead), ==, 3);
  assert_sound (team.lead);
}

/* A document with the target's uuid but another text: left out with its
 * annotations, and said so. */
static void
test_document_text_differs (void)
{
  static const char text[] =
    "A wholly different transcript, long enough for every span here.\n";
  g_auto(Team) team = { 0, };
  g_auto(GlossMergeReport) report = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossDocument) doc = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  g_autofree char *sql = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *sources[2] = { NULL, NULL };
  GlossMergeSkipped *skipped;

  team_init (&team);
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
  g_free (annotate (bob, team.doc, 45, 50, "Actors/Pakistan", NULL));
  doc = gloss_project_get_document (bob, team.doc, &error);
  g_assert_no_error (error);
  path = g_strdup (gloss_project_get_path (bob));
  g_clear_object (&bob);
  sql = g_strdup_printf ("DELETE FROM segment; UPDATE document SET text = '%s', sha256 = '%s', "
                         "length = %ld WHERE uuid = '%s'", text, sha,
                         (long) g_utf8_strlen (text, -1), doc->uuid);
  tamper (path, sql);

  sources[0] = path;
  before = file_sha256 (gloss_project_get_path (team.lead));
  g_assert_true (gloss_merge (team.lead, sources, TRUE, &report, NULL, &error));
  g_assert_no_error (error);
  after = file_sha256 (gloss_project_get_path (team.lead));
  g_assert_cmpstr (before, ==, after);

  g_assert_cmpuint (report.added, ==, 0);
  g_assert_cmpuint (report.documents_added, ==, 0);
  g_assert_cmpuint (report.annotations_skipped, ==, 3);
  g_assert_cmpuint (report.skipped->len, ==, 1);
  skipped = report.skipped->pdata[0];
  g_assert_cmpstr (skipped->what, ==, "document");
  g_assert_cmpstr (skipped->uuid, ==, doc->uuid);
  g_assert_nonnull (strstr (skipped->reason, "another text"));
  g_assert_nonnull (strstr (skipped->reason, "3 annotations"));
}

static void
test_backup (void)
{
  g_auto(Team) team = { 0, };
  g_auto(GlossMergeReport) report = { 0, };
  g_auto(GlossMergeReport) second = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GlossProject) backup = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *backup_sha = NULL;

  team_init (&team);
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
  g_free (annotate (bob, team.doc, 100, 120, "Actors/Pakistan", NULL));
  before = file_sha256 (gloss_project_get_path (team.lead));

  merge (team.lead, &report, bob, NULL);

  g_assert_nonnull (report.backup);
  g_assert_true (g_str_has_prefix (report.backup, gloss_project_get_path (team.lead)));
  g_assert_true (g_str_has_suffix (report.backup, ".bak"));
  g_assert_nonnull (strstr (report.backup, ".before-merge-"));
  backup_sha = file_sha256 (report.backup);
  g_assert_cmpstr (backup_sha, ==, before);

  backup = gloss_project_open (report.backup, GLOSS_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_live (backup), ==, 2);
  g_assert_cmpuint (count_live (team.lead), ==, 3);

  /* a second merge in the same second gets its own copy */
  merge (team.lead, &second, bob, NULL);
  g_assert_cmpstr (second.backup, !=, report.backup);
  g_assert_cmpuint (count_backups (gloss_project_get_path (team.lead)), ==, 2);
}

static void
test_cancelled (void)
{
  g_auto(Team) team = { 0, };
  g_auto(GlossMergeReport) report = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *sources[2] = { NULL, NULL };

  team_init (&team);
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
  g_free (annotate (bob, team.doc, 100, 120, "Actors/Pakistan", NULL));
  sources[0] = gloss_project_get_path (bob);
  before = file_sha256 (gloss_project_get_path (team.lead));

  g_cancellable_cancel (cancellable);
  g_assert_false (gloss_merge (team.lead, sources, FALSE, &report, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  after = file_sha256 (gloss_project_get_path (team.lead));
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (count_backups (gloss_project_get_path (team.lead)), ==, 0);
}

static void
test_read_only_target (void)
{
  g_auto(Team) team = { 0, };
  g_auto(GlossMergeReport) report = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GlossProject) read_only = NULL;
  g_autoptr(GError) error = NULL;
  const char *sources[2] = { NULL, NULL };

  team_init (&team);
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
  sources[0] = gloss_project_get_path (bob);
  read_only = gloss_project_open (gloss_project_get_path (team.lead), GLOSS_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);

  g_assert_false (gloss_merge (read_only, sources, FALSE, &report, NULL, &error));
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_READ_ONLY);
  g_clear_error (&error);

  {
    const char *none[1] = { NULL };

    g_assert_false (gloss_merge (team.lead, none, FALSE, &report, NULL, &error));
    g_assert_error (error, GLOSS_MERGE_ERROR, GLOSS_MERGE_ERROR_NO_SOURCES);
  }
}

/* gloss-cli merge: the JSON shape of CLI.md and the exit statuses. */
static char *
run_cli (const char * const *args,
         int                *status,
         char              **err)
{
  const char *cli = g_getenv ("GLOSS_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int wait_status = 0;

  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, err,
                &wait_status, &error);
  g_assert_no_error (error);
  g_test_message ("gloss-cli %s: %s", args[0], *err);
  g_assert_true (WIFEXITED (wait_status));
  *status = WEXITSTATUS (wait_status);

  return out;
}

static void
test_cli (void)
{
  static const char *keys[] = { "added", "unchanged", "updated", "conflicts", "codes_mapped",
                                "codes_added", "documents_added", "skipped" };
  g_auto(Team) team = { 0, };
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GlossProject) carol = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *junk = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *lead_path = NULL;
  JsonObject *object;
  int status = 0;

  if (g_getenv ("GLOSS_CLI") == NULL)
    {
      g_test_skip ("GLOSS_CLI is not set");
      return;
    }

  team_init (&team);
  lead_path = g_strdup (gloss_project_get_path (team.lead));
  bob = copy_for (team.lead, team.dir, "bob.gloss", "bob");
  carol = copy_for (team.lead, team.dir, "carol.gloss", "carol");
  g_free (annotate (bob, team.doc, 100, 120, "Actors/Pakistan", NULL));
  {
    gint64 codes[2];
    GlossDimension *stance = gloss_project_get_dimension (carol, gloss_project_resolve_dimension (carol, "Stance", NULL), NULL);

    g_assert_true (gloss_project_update_dimension (carol, stance->id, stance->name, stance->kind,
                                                   TRUE, stance->level, NULL, NULL));
    gloss_dimension_free (stance);
    codes[0] = code (carol, "Stance/neutral");
    codes[1] = code (carol, "Stance/cooperative");
    g_assert_cmpint (gloss_project_add_annotation (carol, team.doc, 500, 520, codes, 2, NULL, NULL, NULL), >, 0);
  }
  g_clear_object (&team.lead);

  {
    const char *args[] = { "merge", "--help", NULL };

    g_free (run_cli (args, &status, &err));
    if (status != 0)
      {
        g_test_skip ("this gloss-cli has no merge command yet");
        return;
      }
    g_clear_pointer (&err, g_free);
  }

  /* dry run, then the real one: exit 0, every key of the contract */
  for (int dry = 1; dry >= 0; dry--)
    {
      const char *args[] = { "merge", lead_path, gloss_project_get_path (bob), "--json",
                             dry ? "--dry-run" : NULL, NULL };

      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      out = run_cli (args, &status, &err);
      g_assert_cmpint (status, ==, 0);
      g_assert_cmpstr (err, ==, "");
      object = parse_object (parser, out);
      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        g_assert_true (json_object_has_member (object, keys[i]));
      g_assert_cmpint (json_object_get_int_member (object, "added"), ==, 1);
      g_assert_cmpint (json_object_get_int_member (object, "unchanged"), ==, 2);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "skipped")), ==, 0);
      g_assert_true (json_object_get_boolean_member (object, "dry_run") == (dry == 1));
    }

  /* twice: nothing added; plain text mentions it */
  {
    const char *args[] = { "merge", lead_path, gloss_project_get_path (bob), NULL };

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    out = run_cli (args, &status, &err);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "0 added"));
  }

  /* something left out: exit 4, listed on stderr, the rest merged */
  {
    const char *args[] = { "merge", lead_path, gloss_project_get_path (carol), "--json", NULL };

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    out = run_cli (args, &status, &err);
    g_assert_cmpint (status, ==, 4);
    g_assert_true (g_str_has_prefix (err, "gloss-cli: "));
    g_assert_nonnull (strstr (err, "Stance"));
    object = parse_object (parser, out);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "skipped")), ==, 1);
  }

  /* a foreign file: exit 2, nothing changed, nothing on stdout */
  junk = g_build_filename (team.dir, "junk.gloss", NULL);
  g_assert_true (g_file_set_contents (junk, "not a project", -1, NULL));
  before = file_sha256 (lead_path);
  {
    const char *args[] = { "merge", lead_path, junk, "--json", NULL };

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    out = run_cli (args, &status, &err);
    g_assert_cmpint (status, ==, 2);
    g_assert_cmpstr (out, ==, "");
    g_assert_true (g_str_has_prefix (err, "gloss-cli: "));
  }
  after = file_sha256 (lead_path);
  g_assert_cmpstr (before, ==, after);

  /* usage */
  {
    const char *args[] = { "merge", lead_path, NULL };

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    out = run_cli (args, &status, &err);
    g_assert_cmpint (status, ==, 1);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gloss/merge/adds", test_adds);
  g_test_add_func ("/gloss/merge/twice-adds-nothing", test_twice_adds_nothing);
  g_test_add_func ("/gloss/merge/tombstone-from-source", test_tombstone_from_source);
  g_test_add_func ("/gloss/merge/tombstone-in-target", test_tombstone_in_target);
  g_test_add_func ("/gloss/merge/tombstone-conflict", test_tombstone_conflict);
  g_test_add_func ("/gloss/merge/conflict-later-wins", test_conflict_later_wins);
  g_test_add_func ("/gloss/merge/one-sided-edit", test_one_sided_edit);
  g_test_add_func ("/gloss/merge/code-by-path", test_code_by_path);
  g_test_add_func ("/gloss/merge/single-multiple-mismatch", test_single_multiple_mismatch);
  g_test_add_func ("/gloss/merge/separate-projects", test_separate_projects);
  g_test_add_func ("/gloss/merge/dry-run", test_dry_run);
  g_test_add_func ("/gloss/merge/hostile-source", test_hostile_source);
  g_test_add_func ("/gloss/merge/bad-quote-left-out", test_bad_quote_left_out);
  g_test_add_func ("/gloss/merge/document-text-differs", test_document_text_differs);
  g_test_add_func ("/gloss/merge/backup", test_backup);
  g_test_add_func ("/gloss/merge/cancelled", test_cancelled);
  g_test_add_func ("/gloss/merge/read-only-target", test_read_only_target);
  g_test_add_func ("/gloss/merge/cli", test_cli);
  g_test_add_func ("/gloss/merge/other-order", test_other_order);
  g_test_add_func ("/gloss/merge/large", test_large);
  g_test_add_func ("/gloss/merge/large-dry-run", test_large_dry_run);
  g_test_add_func ("/gloss/merge/large-into-larger", test_large_into_larger);
  g_test_add_func ("/gloss/merge/large-into-empty", test_large_into_empty);

  return g_test_run ();
}
