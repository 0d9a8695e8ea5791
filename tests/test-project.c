/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

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
  char *dir = g_dir_make_tmp ("gloss-test-XXXXXX", &error);

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

static void
assert_untouched (const char *path,
                  const char *sha256)
{
  g_autofree char *now = file_sha256 (path);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  g_assert_cmpstr (now, ==, sha256);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
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

/* A project with the default codebook, the sample interview as document 1. */
static GlossProject *
make_project (const char *dir,
              const char *name,
              gint64     *document)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = sample_text ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = gloss_project_create (path, "alice", FALSE, &error);
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

/* Runs SQL on a project file behind Gloss's back, as another program would. */
static void
tamper (const char *path,
        const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("tamper: %s", message);
  sqlite3_close (db);
}

static gint64
count_rows (GlossProject *project,
            const char   *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (_gloss_project_get_db (project), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* ------------------------------------------------------------------------
 * Creating and opening
 * ------------------------------------------------------------------------ */

static void
test_create (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "p.gloss", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = gloss_project_create (path, "alice", FALSE, &error);
  g_autoptr(GPtrArray) dimensions = NULL;
  g_autoptr(GlossProject) again = NULL;
  guint8 header[100];
  int fd;

  g_assert_no_error (error);
  g_assert_false (gloss_project_is_read_only (project));
  g_assert_cmpstr (gloss_project_get_default_annotator (project), ==, "alice");
  g_assert_nonnull (gloss_project_get_uuid (project));
  g_assert_false (gloss_project_can_undo (project));

  dimensions = gloss_project_list_dimensions (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dimensions->len, ==, 3);
  g_assert_cmpstr (((GlossDimension *) dimensions->pdata[0])->name, ==, "Actors");
  g_assert_true (((GlossDimension *) dimensions->pdata[0])->multiple);
  g_assert_cmpstr (((GlossDimension *) dimensions->pdata[2])->name, ==, "Stance");
  g_assert_false (((GlossDimension *) dimensions->pdata[2])->multiple);
  g_assert_cmpint (((GlossDimension *) dimensions->pdata[2])->level, ==, GLOSS_LEVEL_ORDINAL);

  {
    sqlite3_stmt *stmt = NULL;

    sqlite3_prepare_v2 (_gloss_project_get_db (project), "PRAGMA journal_mode", -1, &stmt, NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "delete");
    sqlite3_finalize (stmt);
  }
  /* EXTRA: FULL plus a sync of the folder after the journal is deleted,
   * which is what makes a commit durable in DELETE mode. */
  g_assert_cmpint (count_rows (project, "PRAGMA synchronous"), ==, 3);
  g_assert_cmpint (count_rows (project, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (count_rows (project, "PRAGMA application_id"), ==, GLOSS_APPLICATION_ID);
  g_assert_cmpint (count_rows (project, "PRAGMA user_version"), ==, GLOSS_SCHEMA_VERSION);
  g_clear_object (&project);

  /* The magic rule of the MIME type: the big-endian id at offset 68. */
  fd = g_open (path, O_RDONLY, 0);
  g_assert_cmpint (read (fd, header, 100), ==, 100);
  close (fd);
  g_assert_cmpmem (header, 16, "SQLite format 3", 16);
  g_assert_cmpmem (header + 68, 4, "Glos", 4);

  again = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
}

static void
test_create_refuses_existing (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "p.gloss", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = NULL;
  g_autofree char *sha = NULL;

  g_file_set_contents (path, "precious", -1, &error);
  g_assert_no_error (error);
  sha = file_sha256 (path);

  project = gloss_project_create (path, "alice", FALSE, &error);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_EXISTS);
  g_assert_null (project);
  assert_untouched (path, sha);
}

static void
test_open_missing (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "none.gloss", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);

  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NOT_FOUND);
  g_assert_null (project);
  /* open() never creates a file */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* ------------------------------------------------------------------------
 * Untrusted files: each refused with its own code, left byte-identical
 * ------------------------------------------------------------------------ */

static void
assert_refused (const char *path,
                int         code)
{
  g_autofree char *sha = file_sha256 (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);

  g_assert_error (error, GLOSS_PROJECT_ERROR, code);
  g_assert_null (project);
  g_assert_cmpuint (strlen (error->message), >, 20);
  assert_untouched (path, sha);
}

static char *
make_valid_file (const char *dir,
                 const char *name)
{
  g_autoptr(GlossProject) project = make_project (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  gint64 doc = gloss_project_resolve_document (project, "Sample interview", &error);
  gint64 russia = code (project, "Actors/Russia");

  g_assert_no_error (error);
  gloss_project_add_annotation (project, doc, 3916, 3924, &russia, 1, NULL, NULL, &error);
  g_assert_no_error (error);

  return g_build_filename (dir, name, NULL);
}

static void
test_refuses_random_bytes (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "random.gloss", NULL);
  guint8 bytes[4096];

  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = g_random_int_range (0, 256);
  g_assert_true (g_file_set_contents (path, (char *) bytes, sizeof bytes, NULL));

  assert_refused (path, GLOSS_PROJECT_ERROR_NOT_SQLITE);
}

static void
test_refuses_empty_file (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "empty.gloss", NULL);

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  assert_refused (path, GLOSS_PROJECT_ERROR_EMPTY_FILE);
}

static void
test_refuses_truncated (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = make_valid_file (dir, "p.gloss");
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (path, contents, len / 2, NULL));
  assert_refused (path, GLOSS_PROJECT_ERROR_CORRUPT);

  /* Cut inside the header too. */
  g_assert_true (g_file_set_contents (path, contents, 60, NULL));
  assert_refused (path, GLOSS_PROJECT_ERROR_CORRUPT);
}

static void
test_refuses_directory (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "folder.gloss", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = NULL;

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_IS_DIRECTORY);
  g_assert_null (project);
}

static void
test_refuses_symlink (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *target = make_valid_file (dir, "real.gloss");
  g_autofree char *path = g_build_filename (dir, "link.gloss", NULL);
  g_autofree char *sha = file_sha256 (target);
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = NULL;

  g_assert_cmpint (symlink (target, path), ==, 0);
  project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_SYMLINK);
  g_assert_null (project);
  assert_untouched (target, sha);
}

static void
test_refuses_foreign_sqlite (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "other.gloss", NULL);

  tamper (path, "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');");
  assert_refused (path, GLOSS_PROJECT_ERROR_FOREIGN);
}

static void
test_refuses_newer_schema (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = make_valid_file (dir, "p.gloss");
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = NULL;

  tamper (path, "PRAGMA user_version = 7");
  assert_refused (path, GLOSS_PROJECT_ERROR_NEWER_SCHEMA);

  project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);
  g_assert_nonnull (strstr (error->message, "schema 7"));
}

static void
test_refuses_schema_changes (void)
{
  static const char *changes[] = {
    /* A trigger that would write on every insert: it must never run. */
    "CREATE TABLE IF NOT EXISTS spy (x); CREATE TRIGGER evil AFTER INSERT ON annotation "
    "BEGIN INSERT INTO spy VALUES (1); END;",
    "CREATE VIEW peek AS SELECT * FROM document;",
    "CREATE INDEX extra ON annotation (note);",
    "DROP INDEX annotation_annotator; CREATE INDEX annotation_annotator ON annotation (created);",
    "ALTER TABLE document ADD COLUMN secret TEXT;",
    "CREATE TABLE extra (x);",
    "DROP INDEX code_parent;",
  };

  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      g_autofree char *dir = make_tmp_dir ();
      g_autofree char *path = make_valid_file (dir, "p.gloss");

      tamper (path, changes[i]);
      assert_refused (path, GLOSS_PROJECT_ERROR_SCHEMA_MISMATCH);
    }
}

static void
test_refuses_broken_invariants (void)
{
  static const char *changes[] = {
    "UPDATE annotation SET \"end\" = 999999;",
    "UPDATE annotation SET start = 10, \"end\" = 5;",
    /* offsets are whole numbers */
    "UPDATE annotation SET start = 'x';",
    "UPDATE annotation SET \"end\" = \"end\" - 0.5;",
    /* a review status Gloss knows, but stored as bytes */
    "PRAGMA ignore_check_constraints = ON; "
    "UPDATE annotation SET review_status = CAST ('accepted' AS BLOB);",
    /* references to no one, in every table with foreign keys */
    "UPDATE annotation SET annotator = 999;",
    "UPDATE annotation SET annotator = 'x';",
    "UPDATE annotation SET document = 999;",
    "UPDATE annotation SET reviewer = 999;",
    "UPDATE annotation_code SET annotation = 99999;",
    "UPDATE annotation_code SET code = 99999;",
    "UPDATE segment SET document = 999 WHERE id = 1;",
    "UPDATE code SET dimension = 999 WHERE id = 1;",
    "UPDATE code SET parent = 999 WHERE id = 1;",
    "INSERT INTO document_attribute (document, key, value) VALUES (999, 'k', 'v');",
    "UPDATE document SET length = length + 1;",
    "UPDATE document SET sha256 = 'abc';",
    "UPDATE document SET text = text || 'x', length = length + 1;",
    "UPDATE segment SET \"end\" = 10000000 WHERE id = 1;",
    "UPDATE code SET parent = id WHERE id = 1;",
    /* the span index: a tombstone left in it, an id no annotation has */
    "UPDATE annotation SET deleted = 1;",
    "INSERT INTO annotation_span VALUES (99999, 1, 1, 0, 10);",
    /* two codes of the single-valued Stance on one annotation */
    "INSERT INTO annotation_code SELECT a.id, c.id FROM annotation a, code c "
    "JOIN dimension m ON m.id = c.dimension WHERE m.multiple = 0 LIMIT 2;",
    /* names, titles and notes are UTF-8 */
    "UPDATE document SET title = CAST (X'C328' AS TEXT);",
    "UPDATE annotation SET note = CAST (X'FF' AS TEXT);",
    "UPDATE code SET name = CAST (X'80' AS TEXT) WHERE id = 1;",
  };

  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      g_autofree char *dir = make_tmp_dir ();
      g_autofree char *path = make_valid_file (dir, "p.gloss");

      tamper (path, changes[i]);
      assert_refused (path, GLOSS_PROJECT_ERROR_INVARIANT);
    }
}

/* The open follows the annotations' references in its own scans and
 * asks foreign_key_check about the other tables by name: the tables with
 * foreign keys must be the ones it knows (see quick_check_run). */
static void
test_foreign_key_tables (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(GlossProject) project = make_project (dir, "p.gloss", NULL);
  g_autoptr(GString) tables = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (_gloss_project_get_db (project),
                                       "SELECT DISTINCT m.name FROM sqlite_schema m, "
                                       "pragma_foreign_key_list (m.name) f "
                                       "WHERE m.type = 'table' ORDER BY m.name",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (tables, "%s ", sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  g_assert_cmpstr (tables->str, ==, "annotation annotation_code code document_attribute segment ");
}

/* Permission bits do not bind root: those cases run in a child process that
 * drops to an unprivileged user. */
static void
drop_privileges (void)
{
  if (geteuid () == 0)
    {
      g_assert_cmpint (setgid (65534), ==, 0);
      g_assert_cmpint (setuid (65534), ==, 0);
    }
  g_assert_cmpint (geteuid (), !=, 0);
}

static char *
shared_dir_with_file (char **path)
{
  g_autofree char *dir = make_tmp_dir ();

  *path = make_valid_file (dir, "p.gloss");
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  return g_steal_pointer (&dir);
}

static void
test_refuses_unreadable (void)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *sha = NULL;

  if (g_test_subprocess ())
    {
      const char *file = g_getenv ("GLOSS_TEST_FILE");
      g_autoptr(GError) error = NULL;
      g_autoptr(GlossProject) project = NULL;

      drop_privileges ();
      project = gloss_project_open (file, GLOSS_OPEN_DEFAULT, &error);
      g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_PERMISSION);
      g_assert_null (project);
      return;
    }

  dir = shared_dir_with_file (&path);
  g_assert_cmpint (g_chmod (path, 0000), ==, 0);
  sha = file_sha256 (path);
  g_setenv ("GLOSS_TEST_FILE", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  assert_untouched (path, sha);
}

static void
test_unwritable_opens_read_only (void)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *sha = NULL;

  if (g_test_subprocess ())
    {
      const char *file = g_getenv ("GLOSS_TEST_FILE");
      g_autoptr(GError) error = NULL;
      g_autoptr(GlossProject) project = NULL;
      g_autoptr(GPtrArray) annotations = NULL;
      gint64 russia;

      drop_privileges ();
      project = gloss_project_open (file, GLOSS_OPEN_DEFAULT, &error);
      g_assert_no_error (error);
      g_assert_true (gloss_project_is_read_only (project));
      g_assert_nonnull (gloss_project_get_read_only_reason (project));

      /* Reading works */
      annotations = gloss_project_list_annotations (project, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (annotations->len, ==, 1);

      /* Writing fails clearly */
      russia = code (project, "Actors/Russia");
      g_assert_cmpint (gloss_project_add_annotation (project, 1, 0, 5, &russia, 1, NULL, NULL, &error), ==, 0);
      g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_READ_ONLY);
      return;
    }

  dir = shared_dir_with_file (&path);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  sha = file_sha256 (path);
  g_setenv ("GLOSS_TEST_FILE", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  assert_untouched (path, sha);
}

/* A file a crash left with a hot journal: a read-only open may not repair
 * it, so it says how, and leaves file and journal alone; a normal open
 * rolls the unfinished change back. */
static void
test_read_only_needs_repair (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "live.gloss", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autofree char *crashed = g_build_filename (dir, "crashed.gloss", NULL);
  g_autofree char *crashed_journal = g_strconcat (crashed, "-journal", NULL);
  g_autofree char *sha = NULL;
  g_autofree char *journal_sha = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  sqlite3 *db = NULL;
  gsize length;

  project = make_project (dir, "live.gloss", NULL);
  g_clear_object (&project);

  /* the moment of the crash: a change written but not committed */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA cache_size = 1; BEGIN; "
                                 "UPDATE document SET title = 'half written'", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (crashed, contents, length, NULL));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (journal, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 0);
  g_assert_true (g_file_set_contents (crashed_journal, contents, length, NULL));
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (db);
  sha = file_sha256 (crashed);
  journal_sha = file_sha256 (crashed_journal);

  project = gloss_project_open (crashed, GLOSS_OPEN_READ_ONLY, &error);
  g_assert_null (project);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, "needs repair before it can be read"));
  g_assert_nonnull (strstr (error->message, "Nothing was changed"));
  g_clear_error (&error);
  /* (the journal stays: it holds the repair) */
  {
    g_autofree char *sha_after = file_sha256 (crashed);
    g_autofree char *journal_sha_after = file_sha256 (crashed_journal);

    g_assert_cmpstr (sha_after, ==, sha);
    g_assert_cmpstr (journal_sha_after, ==, journal_sha);
  }

  project = gloss_project_open (crashed, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (crashed_journal, G_FILE_TEST_EXISTS));
  documents = gloss_project_list_documents (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (documents->len, ==, 1);
  g_assert_cmpstr (((GlossDocument *) documents->pdata[0])->title, ==, "Sample interview");
}

/* ------------------------------------------------------------------------
 * Migration from an older schema
 * ------------------------------------------------------------------------ */

static void
test_migrates_older_schema (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "old.gloss", NULL);
  g_autofree char *backup = g_strconcat (path, ".schema-0.bak", NULL);
  g_autofree char *sha = NULL;
  g_autofree char *pragma = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = 0;",
                                             GLOSS_APPLICATION_ID);
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  /* Schema 0: a Gloss file stamped with the application id, before any table. */
  tamper (path, pragma);
  sha = file_sha256 (path);

  /* A read-only open never migrates, and says why. */
  project = gloss_project_open (path, GLOSS_OPEN_READ_ONLY, &error);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_READ_ONLY);
  g_clear_error (&error);
  assert_untouched (path, sha);

  project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_nonnull (project);
  g_assert_cmpint (count_rows (project, "PRAGMA user_version"), ==, GLOSS_SCHEMA_VERSION);
  problems = gloss_project_check (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_object (&project);

  /* The backup is the file as it was. */
  g_assert_true (g_file_test (backup, G_FILE_TEST_IS_REGULAR));
  {
    g_autofree char *backup_sha = file_sha256 (backup);
    g_assert_cmpstr (backup_sha, ==, sha);
  }

  project = gloss_project_open (path, GLOSS_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------------
 * Documents
 * ------------------------------------------------------------------------ */

static void
test_russia_span (void)
{
  g_autofree char *dir = make_tmp_dir ();
  gint64 doc;
  g_autoptr(GlossProject) project = make_project (dir, "p.gloss", &doc);
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossAnnotation) a = NULL;
  g_autoptr(GlossDocument) d = NULL;
  g_autofree char *text = NULL;
  gint64 russia = code (project, "Actors/Russia");
  gint64 id;

  d = gloss_project_get_document (project, doc, &error);
  g_assert_no_error (error);
  g_assert_cmpint (d->length, ==, 15713);

  text = gloss_project_dup_text (project, doc, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (text), ==, 15830);
  /* code points [3916, 3924) are bytes [3940, 3950) */
  g_assert_cmpint (g_utf8_offset_to_pointer (text, 3916) - text, ==, 3940);
  g_assert_cmpint (g_utf8_offset_to_pointer (text, 3924) - text, ==, 3950);

  id = gloss_project_add_annotation (project, doc, 3916, 3924, &russia, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  a = gloss_project_get_annotation (project, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a->quote, ==, "Russia’s");
  g_assert_cmpint (a->start, ==, 3916);
  g_assert_cmpint (a->end, ==, 3924);
  g_assert_cmpstr (a->annotator, ==, "alice");
  g_assert_cmpuint (a->codes->len, ==, 1);
  g_assert_cmpint (g_array_index (a->codes, gint64, 0), ==, russia);
  g_assert_cmpint (a->status, ==, GLOSS_REVIEW_UNREVIEWED);
  /* ISO 8601 UTC with milliseconds */
  g_assert_cmpuint (strlen (a->created), ==, 24);
  g_assert_true (g_str_has_suffix (a->created, "Z"));
  g_assert_cmpint (a->created[19], ==, '.');
}

static void
test_emoji_offsets (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "e.gloss", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = gloss_project_create (path, "alice", FALSE, &error);
  /* U+1F600 and U+1F30D lie outside the BMP: 4 bytes, 2 UTF-16 units, 1 code point. */
  const char *text = "Hi 😀 there 🌍🌍 world\n";
  gint64 doc, russia, id;
  g_autoptr(GlossAnnotation) a = NULL;
  g_autoptr(GlossAnnotation) b = NULL;
  g_autoptr(GlossDocument) d = NULL;

  g_assert_no_error (error);
  doc = gloss_project_add_document (project, "Emoji", text, NULL, NULL, &error);
  g_assert_no_error (error);
  d = gloss_project_get_document (project, doc, &error);
  g_assert_cmpint (d->length, ==, 20);
  russia = code (project, "Actors/Russia");

  id = gloss_project_add_annotation (project, doc, 3, 4, &russia, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  a = gloss_project_get_annotation (project, id, &error);
  g_assert_cmpstr (a->quote, ==, "😀");

  id = gloss_project_add_annotation (project, doc, 11, 19, &russia, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  b = gloss_project_get_annotation (project, id, &error);
  g_assert_cmpstr (b->quote, ==, "🌍🌍 world");

  g_assert_cmpint (gloss_project_add_annotation (project, doc, 20, 22, &russia, 1, NULL, NULL, &error), ==, 0);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID);
}

static void
test_documents (void)
{
  g_autofree char *dir = make_tmp_dir ();
  gint64 doc;
  g_autoptr(GlossProject) project = make_project (dir, "p.gloss", &doc);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = sample_text ();
  g_autoptr(GPtrArray) attributes = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GlossDocument) d = NULL;
  gboolean existed = FALSE;
  gint64 again, removed = -1, russia;

  /* Identical text: the existing document, nothing written. */
  again = gloss_project_add_document (project, "Copy", text, NULL, &existed, &error);
  g_assert_no_error (error);
  g_assert_true (existed);
  g_assert_cmpint (again, ==, doc);

  /* Undo of an import removes the document and its segments; redo restores them. */
  {
    gint64 extra = gloss_project_add_document (project, "Extra", "Q: one?\nA: two.\n", NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (gloss_project_undo (project, &error));
    g_assert_no_error (error);
    g_assert_null (gloss_project_get_document (project, extra, &error));
    g_clear_error (&error);
    g_assert_true (gloss_project_redo (project, &error));
    g_assert_no_error (error);
    g_assert_true (gloss_project_undo (project, &error));
    g_assert_no_error (error);
  }

  /* Refused texts */
  g_assert_cmpint (gloss_project_add_document (project, "Empty", "", NULL, NULL, &error), ==, 0);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (gloss_project_add_document (project, "Bell", "a\007b", NULL, NULL, &error), ==, 0);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (gloss_project_add_document (project, "Bad", "a\xff", NULL, NULL, &error), ==, 0);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  /* Structure is stored */
  segments = gloss_project_list_segments (project, doc, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (segments->len, >, 12);

  /* Attributes and memo */
  g_assert_true (gloss_project_set_attribute (project, doc, "interviewee", "Andrew Korybko", &error));
  g_assert_true (gloss_project_set_attribute (project, doc, "date", "2023-11-26", &error));
  g_assert_true (gloss_project_set_attribute (project, doc, "date", "2023-11-27", &error));
  g_assert_no_error (error);
  attributes = gloss_project_list_attributes (project, doc, &error);
  g_assert_cmpuint (attributes->len, ==, 2);
  g_assert_cmpstr (((GlossAttribute *) attributes->pdata[0])->key, ==, "date");
  g_assert_cmpstr (((GlossAttribute *) attributes->pdata[0])->value, ==, "2023-11-27");
  g_assert_true (gloss_project_set_attribute (project, doc, "date", NULL, &error));
  g_clear_pointer (&attributes, g_ptr_array_unref);
  attributes = gloss_project_list_attributes (project, doc, &error);
  g_assert_cmpuint (attributes->len, ==, 1);

  g_assert_true (gloss_project_set_document_memo (project, doc, "Recorded by e-mail.", &error));
  g_assert_true (gloss_project_rename_document (project, doc, "Korybko interview", &error));
  g_assert_no_error (error);
  d = gloss_project_get_document (project, doc, &error);
  g_assert_cmpstr (d->title, ==, "Korybko interview");
  g_assert_cmpstr (d->memo, ==, "Recorded by e-mail.");
  g_assert_cmpint (gloss_project_resolve_document (project, "Korybko interview", &error), ==, doc);
  g_assert_cmpint (gloss_project_resolve_document (project, d->uuid, &error), ==, doc);
  g_assert_cmpint (gloss_project_resolve_document (project, d->sha256, &error), ==, doc);
  g_assert_no_error (error);

  /* Ambiguous titles are refused with the matches */
  gloss_project_add_document (project, "Korybko interview", "Another text.\n", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gloss_project_resolve_document (project, "Korybko interview", &error), ==, 0);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_AMBIGUOUS);
  g_clear_error (&error);

  /* Removing reports the annotations that go with it, and undo brings all back. */
  russia = code (project, "Actors/Russia");
  gloss_project_add_annotation (project, doc, 0, 5, &russia, 1, NULL, NULL, &error);
  gloss_project_add_annotation (project, doc, 10, 20, &russia, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (gloss_project_remove_document (project, doc, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (removed, ==, 2);
  documents = gloss_project_list_documents (project, &error);
  g_assert_cmpuint (documents->len, ==, 1);
  g_assert_true (gloss_project_undo (project, &error));
  g_assert_no_error (error);
  g_clear_pointer (&documents, g_ptr_array_unref);
  documents = gloss_project_list_documents (project, &error);
  g_assert_cmpuint (documents->len, ==, 2);
  g_assert_cmpint (((GlossDocument *) documents->pdata[0])->n_annotations, ==, 2);
  {
    GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
    g_autoptr(GPtrArray) found = NULL;

    filter.document = doc;
    filter.range_start = 3;
    filter.range_end = 4;
    found = gloss_project_list_annotations (project, &filter, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 1);
  }
  {
    g_autoptr(GPtrArray) problems = gloss_project_check (project, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (problems->len, ==, 0);
  }
}

/* ------------------------------------------------------------------------
 * Codebook
 * ------------------------------------------------------------------------ */

static void
test_codebook (void)
{
  g_autofree char *dir = make_tmp_dir ();
  gint64 doc;
  g_autoptr(GlossProject) project = make_project (dir, "p.gloss", &doc);
  g_autoptr(GError) error = NULL;
  gint64 dim, parent, child, other, russia, n = -1, ann;
  g_autoptr(GlossCode) c = NULL;
  g_autoptr(GlossAnnotation) a = NULL;

  dim = gloss_project_add_dimension (project, "Frames", GLOSS_DIMENSION_OTHER, TRUE,
                                     GLOSS_LEVEL_NOMINAL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gloss_project_add_dimension (project, "Frames", GLOSS_DIMENSION_OTHER, TRUE,
                                                GLOSS_LEVEL_NOMINAL, &error), ==, 0);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  parent = gloss_project_add_code (project, dim, 0, "Security", "#3465a4", "Threats", NULL, &error);
  child = gloss_project_add_code (project, dim, parent, "Terror/ism", "#CC0000", NULL, NULL, &error);
  other = gloss_project_add_code (project, dim, 0, "Economy", "#4e9a06", NULL, NULL, &error);
  g_assert_no_error (error);

  /* Paths escape '/' inside names */
  c = gloss_project_get_code (project, child, &error);
  g_assert_cmpstr (c->path, ==, "Frames/Security/Terror\\/ism");
  g_assert_cmpstr (c->color, ==, "#cc0000");
  g_assert_cmpint (c->depth, ==, 1);
  g_assert_cmpint (gloss_project_resolve_code (project, "Frames/Security/Terror\\/ism", &error), ==, child);

  /* Bad colours, duplicate names, and shortcut conflicts are refused */
  g_assert_cmpint (gloss_project_add_code (project, dim, 0, "X", "red", NULL, NULL, &error), ==, 0);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (gloss_project_add_code (project, dim, 0, "Economy", "#000000", NULL, NULL, &error), ==, 0);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (gloss_project_add_code (project, dim, 0, "Y", "#000000", NULL, "r", &error), ==, 0);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Actors/Russia"));
  g_clear_error (&error);

  /* Rename, recolour */
  g_assert_true (gloss_project_update_code (project, other, "Economics", "#73d216", "Trade", "Z", &error));
  g_assert_no_error (error);
  g_assert_cmpint (gloss_project_resolve_code (project, "Frames/Economics", &error), ==, other);

  /* Delete is refused while used, and reports the count */
  ann = gloss_project_add_annotation (project, doc, 100, 120, &child, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (gloss_project_delete_code (project, parent, FALSE, &n, &error));
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_IN_USE);
  g_assert_cmpint (n, ==, 1);
  g_clear_error (&error);

  /* Move: not into itself */
  g_assert_false (gloss_project_move_code (project, parent, child, 0, &error));
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (gloss_project_move_code (project, child, 0, 0, &error));
  g_assert_no_error (error);
  g_clear_pointer (&c, gloss_code_free);
  c = gloss_project_get_code (project, child, &error);
  g_assert_cmpstr (c->path, ==, "Frames/Terror\\/ism");
  g_assert_cmpint (c->position, ==, 1);

  /* Merge: annotations follow */
  g_assert_true (gloss_project_merge_codes (project, child, other, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 1);
  a = gloss_project_get_annotation (project, ann, &error);
  g_assert_cmpuint (a->codes->len, ==, 1);
  g_assert_cmpint (g_array_index (a->codes, gint64, 0), ==, other);
  g_assert_cmpint (gloss_project_resolve_code (project, "Frames/Terror\\/ism", &error), ==, 0);
  g_clear_error (&error);

  /* Cascade delete: the annotation, left without codes, becomes a tombstone */
  g_assert_true (gloss_project_delete_code (project, other, TRUE, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 1);
  g_clear_pointer (&a, gloss_annotation_free);
  a = gloss_project_get_annotation (project, ann, &error);
  g_assert_true (a->deleted);

  /* Undo restores code and annotation */
  g_assert_true (gloss_project_undo (project, &error));
  g_assert_no_error (error);
  g_clear_pointer (&a, gloss_annotation_free);
  a = gloss_project_get_annotation (project, ann, &error);
  g_assert_false (a->deleted);
  g_assert_cmpint (gloss_project_resolve_code (project, "Frames/Economics", &error), ==, other);

  /* Single-valued dimensions take one code */
  russia = code (project, "Stance/cooperative");
  {
    gint64 two[2] = { russia, code (project, "Stance/conflictual") };

    g_assert_cmpint (gloss_project_add_annotation (project, doc, 0, 5, two, 2, NULL, NULL, &error), ==, 0);
    g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID);
    g_clear_error (&error);
  }

  /* One code fetched alone agrees with the listing */
  {
    g_autoptr(GPtrArray) all = gloss_project_list_codes (project, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < all->len; i++)
      {
        GlossCode *listed = all->pdata[i];
        g_autoptr(GlossCode) alone = gloss_project_get_code (project, listed->id, &error);

        g_assert_no_error (error);
        g_assert_cmpstr (alone->path, ==, listed->path);
        g_assert_cmpstr (alone->uuid, ==, listed->uuid);
        g_assert_cmpint (alone->depth, ==, listed->depth);
        g_assert_cmpint (alone->parent, ==, listed->parent);
        g_assert_cmpint (alone->position, ==, listed->position);
        g_assert_cmpint (alone->n_annotations, ==, listed->n_annotations);
      }
  }

  {
    g_autoptr(GPtrArray) problems = gloss_project_check (project, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (problems->len, ==, 0);
  }
}

/* ------------------------------------------------------------------------
 * Annotations and undo
 * ------------------------------------------------------------------------ */

static void
test_annotations_and_undo (void)
{
  g_autofree char *dir = make_tmp_dir ();
  gint64 doc;
  g_autoptr(GlossProject) project = make_project (dir, "p.gloss", &doc);
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossAnnotation) a = NULL;
  gint64 codes[3], id;
  GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
  g_autoptr(GPtrArray) list = NULL;

  codes[0] = code (project, "Actors/Russia");
  codes[1] = code (project, "Actors/Pakistan");
  codes[2] = code (project, "Stance/cooperative");

  id = gloss_project_add_annotation (project, doc, 3916, 3924, codes, 3, "first", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (gloss_project_can_undo (project));
  g_assert_nonnull (strstr (gloss_project_get_undo_label (project), "Russia"));

  /* Undo of an add removes the annotation and its codes; redo brings both back. */
  g_assert_true (gloss_project_undo (project, &error));
  g_assert_no_error (error);
  g_assert_null (gloss_project_get_annotation (project, id, &error));
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH);
  g_clear_error (&error);
  g_assert_cmpint (count_rows (project, "SELECT count (*) FROM annotation_code"), ==, 0);
  g_assert_cmpint (count_rows (project, "SELECT count (*) FROM annotation_span"), ==, 0);
  g_assert_true (gloss_project_redo (project, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (project, "SELECT count (*) FROM annotation_code"), ==, 3);
  g_assert_cmpint (count_rows (project, "SELECT count (*) FROM annotation_span"), ==, 1);

  g_assert_true (gloss_project_set_annotation_span (project, id, 3916, 3930, &error));
  g_assert_true (gloss_project_set_annotation_note (project, id, "second", &error));
  g_assert_true (gloss_project_set_annotation_codes (project, id, codes, 1, &error));
  g_assert_no_error (error);
  a = gloss_project_get_annotation (project, id, &error);
  g_assert_cmpint (a->end, ==, 3930);
  g_assert_cmpstr (a->note, ==, "second");
  g_assert_cmpuint (a->codes->len, ==, 1);
  g_assert_cmpint (a->revision, ==, 4);

  /* Undo the three edits one by one */
  g_assert_true (gloss_project_undo (project, &error));
  g_assert_true (gloss_project_undo (project, &error));
  g_assert_true (gloss_project_undo (project, &error));
  g_assert_no_error (error);
  g_clear_pointer (&a, gloss_annotation_free);
  a = gloss_project_get_annotation (project, id, &error);
  g_assert_cmpint (a->end, ==, 3924);
  g_assert_cmpstr (a->quote, ==, "Russia’s");
  g_assert_cmpstr (a->note, ==, "first");
  g_assert_cmpuint (a->codes->len, ==, 3);
  g_assert_cmpint (a->revision, ==, 1);

  /* The span index follows undo */
  filter.document = doc;
  filter.range_start = 3926;
  filter.range_end = 3928;
  list = gloss_project_list_annotations (project, &filter, &error);
  g_assert_cmpuint (list->len, ==, 0);
  g_assert_true (gloss_project_redo (project, &error));
  g_assert_no_error (error);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = gloss_project_list_annotations (project, &filter, &error);
  g_assert_cmpuint (list->len, ==, 1);

  /* A new change clears redo */
  g_assert_true (gloss_project_can_redo (project));
  g_assert_true (gloss_project_set_annotation_note (project, id, "third", &error));
  g_assert_false (gloss_project_can_redo (project));

  /* Delete is a tombstone; live lists skip it; undo brings it back */
  g_assert_true (gloss_project_delete_annotation (project, id, &error));
  g_clear_pointer (&list, g_ptr_array_unref);
  list = gloss_project_list_annotations (project, NULL, &error);
  g_assert_cmpuint (list->len, ==, 0);
  filter.include_deleted = TRUE;
  g_clear_pointer (&list, g_ptr_array_unref);
  list = gloss_project_list_annotations (project, &filter, &error);
  g_assert_cmpuint (list->len, ==, 0); /* tombstones leave the span index */
  filter = (GlossAnnotationFilter) GLOSS_ANNOTATION_FILTER_INIT;
  filter.include_deleted = TRUE;
  g_clear_pointer (&list, g_ptr_array_unref);
  list = gloss_project_list_annotations (project, &filter, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_true (((GlossAnnotation *) list->pdata[0])->deleted);
  g_assert_false (gloss_project_delete_annotation (project, id, &error));
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH);
  g_clear_error (&error);
  g_assert_true (gloss_project_undo (project, &error));
  g_clear_pointer (&list, g_ptr_array_unref);
  list = gloss_project_list_annotations (project, NULL, &error);
  g_assert_cmpuint (list->len, ==, 1);

  /* Review */
  g_assert_true (gloss_project_review_annotation (project, id, GLOSS_REVIEW_ACCEPTED, "fine", "bob", &error));
  g_assert_no_error (error);
  g_clear_pointer (&a, gloss_annotation_free);
  a = gloss_project_get_annotation (project, id, &error);
  g_assert_cmpint (a->status, ==, GLOSS_REVIEW_ACCEPTED);
  g_assert_cmpstr (a->reviewer, ==, "bob");
  g_assert_cmpstr (a->review_note, ==, "fine");
  filter = (GlossAnnotationFilter) GLOSS_ANNOTATION_FILTER_INIT;
  filter.status = GLOSS_REVIEW_ACCEPTED;
  g_clear_pointer (&list, g_ptr_array_unref);
  list = gloss_project_list_annotations (project, &filter, &error);
  g_assert_cmpuint (list->len, ==, 1);

  /* Filters: annotator, code */
  gloss_project_add_annotation (project, doc, 10, 20, &codes[1], 1, NULL, "carol", &error);
  g_assert_no_error (error);
  filter = (GlossAnnotationFilter) GLOSS_ANNOTATION_FILTER_INIT;
  filter.annotator = "carol";
  g_clear_pointer (&list, g_ptr_array_unref);
  list = gloss_project_list_annotations (project, &filter, &error);
  g_assert_cmpuint (list->len, ==, 1);
  filter = (GlossAnnotationFilter) GLOSS_ANNOTATION_FILTER_INIT;
  filter.code = codes[0];
  g_clear_pointer (&list, g_ptr_array_unref);
  list = gloss_project_list_annotations (project, &filter, &error);
  g_assert_cmpuint (list->len, ==, 1);

  /* Bad input */
  g_assert_cmpint (gloss_project_add_annotation (project, doc, 5, 5, codes, 1, NULL, NULL, &error), ==, 0);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (gloss_project_add_annotation (project, doc, -1, 5, codes, 1, NULL, NULL, &error), ==, 0);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (gloss_project_add_annotation (project, doc, 0, 5, NULL, 0, NULL, NULL, &error), ==, 0);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  {
    gint64 missing = 999999;
    g_assert_cmpint (gloss_project_add_annotation (project, doc, 0, 5, &missing, 1, NULL, NULL, &error), ==, 0);
    g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH);
    g_clear_error (&error);
  }
  g_assert_cmpint (gloss_project_add_annotation (project, 4242, 0, 5, codes, 1, NULL, NULL, &error), ==, 0);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH);
  g_clear_error (&error);

  /* Every change is in the change log */
  g_assert_cmpint (count_rows (project, "SELECT count (*) FROM change"), >=, 10);
}

static void
test_undo_conflict (void)
{
  g_autofree char *dir = make_tmp_dir ();
  gint64 doc;
  g_autoptr(GlossProject) project = make_project (dir, "p.gloss", &doc);
  g_autoptr(GlossProject) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossAnnotation) a = NULL;
  gint64 russia = code (project, "Actors/Russia");
  gint64 id;

  id = gloss_project_add_annotation (project, doc, 0, 10, &russia, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (gloss_project_set_annotation_note (project, id, "mine", &error));

  /* Another process changes the same annotation */
  other = gloss_project_open (gloss_project_get_path (project), GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (gloss_project_set_annotation_note (other, id, "theirs", &error));
  g_assert_no_error (error);

  g_assert_true (gloss_project_poll_external_changes (project));
  g_assert_false (gloss_project_poll_external_changes (project));

  g_assert_false (gloss_project_undo (project, &error));
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_CONFLICT);
  g_clear_error (&error);

  /* Their change stands */
  a = gloss_project_get_annotation (project, id, &error);
  g_assert_cmpstr (a->note, ==, "theirs");
}

static void
test_busy (void)
{
  g_autofree char *dir = make_tmp_dir ();
  gint64 doc;
  g_autoptr(GlossProject) project = make_project (dir, "p.gloss", &doc);
  g_autoptr(GError) error = NULL;
  gint64 russia = code (project, "Actors/Russia");
  sqlite3 *db = NULL;
  gint64 before = g_get_monotonic_time ();

  g_assert_cmpint (sqlite3_open (gloss_project_get_path (project), &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);

  g_assert_cmpint (gloss_project_add_annotation (project, doc, 0, 10, &russia, 1, NULL, NULL, &error), ==, 0);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_BUSY);
  /* short busy timeout: the caller is not frozen */
  g_assert_cmpint (g_get_monotonic_time () - before, <, 5 * G_USEC_PER_SEC);
  g_clear_error (&error);

  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (db);

  g_assert_cmpint (gloss_project_add_annotation (project, doc, 0, 10, &russia, 1, NULL, NULL, &error), >, 0);
  g_assert_no_error (error);
}

static void
test_replaced (void)
{
  g_autofree char *dir = make_tmp_dir ();
  gint64 doc;
  g_autoptr(GlossProject) project = make_project (dir, "p.gloss", &doc);
  g_autofree char *copy = g_build_filename (dir, "copy.gloss", NULL);
  g_autoptr(GError) error = NULL;
  gint64 russia = code (project, "Actors/Russia");
  g_autofree char *sha = NULL;

  /* A sync client replaces the file with another version */
  g_assert_true (gloss_project_save_copy (project, copy, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_rename (copy, gloss_project_get_path (project)), ==, 0);
  sha = file_sha256 (gloss_project_get_path (project));

  g_assert_cmpint (gloss_project_add_annotation (project, doc, 0, 10, &russia, 1, NULL, NULL, &error), ==, 0);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_REPLACED);
  assert_untouched (gloss_project_get_path (project), sha);
}

static void
test_save_copy (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = make_valid_file (dir, "p.gloss");
  g_autofree char *copy = g_build_filename (dir, "copy.gloss", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);
  g_autoptr(GlossProject) opened = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_assert_true (gloss_project_save_copy (project, copy, &error));
  g_assert_no_error (error);
  g_assert_false (gloss_project_save_copy (project, copy, &error));
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_EXISTS);
  g_clear_error (&error);

  opened = gloss_project_open (copy, GLOSS_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  list = gloss_project_list_annotations (opened, NULL, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (gloss_project_get_uuid (opened), ==, gloss_project_get_uuid (project));
}

static void
test_check_finds_bad_quote (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = make_valid_file (dir, "p.gloss");
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  tamper (path, "UPDATE annotation SET quote = 'Russia''s'");
  project = gloss_project_open (path, GLOSS_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  problems = gloss_project_check (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_nonnull (strstr (problems->pdata[0], "does not match"));
}

/* The overlap query agrees with a brute-force scan on random spans. */
static void
test_range_query (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "r.gloss", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = gloss_project_create (path, "alice", FALSE, &error);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) all = NULL;
  gint64 doc, russia;
  GRand *rand = g_rand_new_with_seed (7);

  while (text->len < 20000)
    g_string_append (text, "Pakistan and Russia — a long relationship.\n");
  doc = gloss_project_add_document (project, "Long", text->str, NULL, NULL, &error);
  g_assert_no_error (error);
  russia = code (project, "Actors/Russia");

  g_assert_true (_gloss_project_begin (project, &error));
  for (int i = 0; i < 300; i++)
    {
      gint64 start = g_rand_int_range (rand, 0, 19000);
      gint64 len = g_rand_int_range (rand, 1, i % 10 == 0 ? 3000 : 50);
      g_autofree char *uuid = g_uuid_string_random ();
      sqlite3_stmt *stmt = NULL;

      sqlite3_prepare_v2 (_gloss_project_get_db (project),
                          "INSERT INTO annotation (uuid, document, start, \"end\", quote, annotator, "
                          "created, modified) VALUES (?, ?, ?, ?, substr ((SELECT text FROM document "
                          "WHERE id = ?2), ?3 + 1, ?4 - ?3), 1, 'x', 'x')", -1, &stmt, NULL);
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, doc);
      sqlite3_bind_int64 (stmt, 3, start);
      sqlite3_bind_int64 (stmt, 4, start + len);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_finalize (stmt);
      g_assert_true (_gloss_project_sync_span (project, sqlite3_last_insert_rowid (_gloss_project_get_db (project)), &error));
      (void) russia;
    }
  g_assert_true (_gloss_project_commit (project, "bulk", &error));
  g_assert_no_error (error);

  all = gloss_project_list_annotations (project, NULL, &error);
  g_assert_cmpuint (all->len, ==, 300);

  for (int q = 0; q < 200; q++)
    {
      GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
      g_autoptr(GPtrArray) found = NULL;
      guint expected = 0;

      filter.document = doc;
      filter.range_start = g_rand_int_range (rand, 0, 19900);
      filter.range_end = filter.range_start + g_rand_int_range (rand, 1, 400);
      found = gloss_project_list_annotations (project, &filter, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < all->len; i++)
        {
          GlossAnnotation *a = all->pdata[i];
          if (a->start < filter.range_end && a->end > filter.range_start)
            expected++;
        }
      g_assert_cmpuint (found->len, ==, expected);
    }

  g_rand_free (rand);
}

static void
test_sample_project (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "Sample interview.gloss", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = gloss_project_create_sample (path, &error);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) attributes = NULL;

  g_assert_no_error (error);
  list = gloss_project_list_annotations (project, NULL, &error);
  g_assert_cmpuint (list->len, >=, 5);
  for (guint i = 0; i < list->len; i++)
    g_assert_cmpstr (((GlossAnnotation *) list->pdata[i])->annotator, ==, "Example");
  attributes = gloss_project_list_attributes (project, 1, &error);
  g_assert_cmpuint (attributes->len, >=, 3);
  problems = gloss_project_check (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_false (gloss_project_can_undo (project));
}

/* A bulk write without a changeset is logged and ends the undo history. */
static void
test_untracked_write (void)
{
  g_autofree char *dir = make_tmp_dir ();
  gint64 doc;
  g_autoptr(GlossProject) project = make_project (dir, "p.gloss", &doc);
  g_autoptr(GError) error = NULL;
  gint64 russia = code (project, "Actors/Russia");

  gloss_project_add_annotation (project, doc, 0, 10, &russia, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (gloss_project_can_undo (project));

  g_assert_true (_gloss_project_begin_untracked (project, &error));
  g_assert_cmpint (sqlite3_exec (_gloss_project_get_db (project),
                                 "UPDATE annotation SET note = 'bulk'", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_true (_gloss_project_commit (project, "Bulk", &error));
  g_assert_no_error (error);

  g_assert_false (gloss_project_can_undo (project));
  g_assert_cmpint (count_rows (project, "SELECT count (*) FROM change WHERE action = 'Bulk' "
                                        "AND changeset IS NULL"), ==, 1);

  /* A rolled-back untracked write leaves nothing behind. */
  g_assert_true (_gloss_project_begin_untracked (project, &error));
  sqlite3_exec (_gloss_project_get_db (project), "UPDATE annotation SET note = 'gone'", NULL, NULL, NULL);
  _gloss_project_rollback (project);
  g_assert_cmpint (count_rows (project, "SELECT count (*) FROM annotation WHERE note = 'bulk'"), ==, 1);
  gloss_project_add_annotation (project, doc, 20, 30, &russia, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (gloss_project_can_undo (project));
}

/* The check stamp's file, as app/gloss-project.c names it. */
static void
forget_stamp (const char *path)
{
  struct stat st;
  g_autofree char *name = NULL;
  g_autofree char *stamp = NULL;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  name = g_strdup_printf ("%llx-%llx", (unsigned long long) st.st_dev,
                          (unsigned long long) st.st_ino);
  stamp = g_build_filename (g_get_user_cache_dir (), "gloss", "checked", name, NULL);
  g_unlink (stamp);
  g_assert_false (g_file_test (stamp, G_FILE_TEST_EXISTS));
}

static gboolean
opens_on_stamp (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);

  g_assert_no_error (error);
  return _gloss_project_opened_on_stamp (project);
}

/* Tags [start, end) of the sample interview with Actors/Russia. */
static void
add_sample_span (GlossProject *project,
                 gint64        start,
                 gint64        end)
{
  g_autoptr(GError) error = NULL;
  gint64 doc = gloss_project_resolve_document (project, "Sample interview", &error);
  gint64 russia;

  g_assert_no_error (error);
  russia = code (project, "Actors/Russia");
  g_assert_cmpint (gloss_project_add_annotation (project, doc, start, end, &russia, 1, NULL, NULL,
                                                 &error), >, 0);
  g_assert_no_error (error);
}

/* A file checked in full once opens on its stamp until anything else
 * writes to it; Gloss's own writes keep the stamp, another program's do
 * not, and a stamped file that was changed is checked in full again. */
static void
test_check_stamp (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = make_valid_file (dir, "p.gloss");
  g_autoptr(GError) error = NULL;

  /* Whether the writer's close stamped it depends on how long ago its
   * last write was: start from no stamp. */
  forget_stamp (path);
  g_usleep (120000);
  g_assert_false (opens_on_stamp (path));   /* checked in full, stamped */
  g_assert_true (opens_on_stamp (path));
  g_assert_true (opens_on_stamp (path));

  /* Another program breaks an invariant: checked in full, refused. */
  tamper (path, "UPDATE annotation SET \"end\" = 999999;");
  assert_refused (path, GLOSS_PROJECT_ERROR_INVARIANT);
  tamper (path, "UPDATE annotation SET \"end\" = 3924;");
  g_usleep (120000);
  g_assert_false (opens_on_stamp (path));
  g_assert_true (opens_on_stamp (path));

  /* Gloss's own change keeps the file stamped. */
  {
    g_autoptr(GlossProject) project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);

    g_assert_no_error (error);
    add_sample_span (project, 100, 120);
    g_usleep (120000);
  }
  g_assert_true (opens_on_stamp (path));

  /* A window letting go of a project another part still holds: its own
   * changes keep the file stamped all the same. */
  {
    g_autoptr(GlossProject) project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);

    g_assert_no_error (error);
    add_sample_span (project, 130, 140);
    g_usleep (120000);
    gloss_project_stamp_checked (project);
    g_assert_true (opens_on_stamp (path));
    /* (and a change after the stamp unstamps it) */
    add_sample_span (project, 150, 160);
    g_assert_false (opens_on_stamp (path));
    g_usleep (120000);
  }

  /* Another program writes while Gloss has the file open: no stamp. */
  {
    g_autoptr(GlossProject) project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);

    g_assert_no_error (error);
    tamper (path, "UPDATE annotation SET note = 'edited elsewhere' WHERE start = 100;");
    add_sample_span (project, 200, 220);
    g_usleep (120000);
  }
  g_assert_false (opens_on_stamp (path));
  g_assert_true (opens_on_stamp (path));

  /* The whole check, asked for, never trusts a stamp. */
  g_setenv ("GLOSS_CHECK_ALWAYS", "1", TRUE);
  g_assert_false (opens_on_stamp (path));
  g_unsetenv ("GLOSS_CHECK_ALWAYS");
}

static void
on_check_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The rest of a deferred check, waited for. */
static gboolean
complete_check (GlossProject  *project,
                GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  gloss_project_complete_check_async (project, NULL, on_check_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return gloss_project_complete_check_finish (project, result, error);
}

/* A file opened before its full check: readable at once, never written
 * until the check has passed, then writable and stamped. */
static void
test_deferred_check (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = make_valid_file (dir, "p.gloss");
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GPtrArray) annotations = NULL;
  g_autofree char *sha = NULL;
  gint64 doc, russia;

  forget_stamp (path);
  g_usleep (120000);
  sha = file_sha256 (path);
  project = gloss_project_open (path, GLOSS_OPEN_DEFER_CHECK, &error);
  g_assert_no_error (error);
  g_assert_true (gloss_project_is_checking (project));
  g_assert_true (gloss_project_is_read_only (project));
  g_assert_nonnull (strstr (gloss_project_get_read_only_reason (project), "checking"));

  /* Read meanwhile; a change is refused and nothing is written. */
  annotations = gloss_project_list_annotations (project, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (annotations->len, ==, 1);
  doc = gloss_project_resolve_document (project, "Sample interview", &error);
  g_assert_no_error (error);
  russia = code (project, "Actors/Russia");
  g_assert_cmpint (gloss_project_add_annotation (project, doc, 10, 20, &russia, 1, NULL, NULL,
                                                 &error), ==, 0);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_READ_ONLY);
  g_clear_error (&error);
  assert_untouched (path, sha);

  g_assert_true (complete_check (project, &error));
  g_assert_no_error (error);
  g_assert_false (gloss_project_is_checking (project));
  g_assert_false (gloss_project_is_read_only (project));
  g_assert_cmpint (gloss_project_add_annotation (project, doc, 10, 20, &russia, 1, NULL, NULL,
                                                 &error), >, 0);
  g_assert_no_error (error);
  /* (a second completion has nothing left to do) */
  g_assert_true (complete_check (project, &error));
  g_assert_no_error (error);
  g_usleep (120000);
  g_clear_object (&project);

  /* Checked in full on the thread: stamped, as the whole check at open
   * stamps; a stamped file is not deferred. */
  project = gloss_project_open (path, GLOSS_OPEN_DEFER_CHECK, &error);
  g_assert_no_error (error);
  g_assert_true (_gloss_project_opened_on_stamp (project));
  g_assert_false (gloss_project_is_checking (project));
  g_assert_false (gloss_project_is_read_only (project));
}

/* What the deferred part finds refuses the file as the whole check at
 * open would, and leaves it as it was; what the first part finds refuses
 * it at once. */
static void
test_deferred_check_refused (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = make_valid_file (dir, "p.gloss");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) whole = NULL;
  g_autoptr(GlossProject) project = NULL;
  g_autofree char *sha = NULL;

  g_setenv ("GLOSS_CHECK_ALWAYS", "1", TRUE);

  /* An annotation beyond its document's end: found on the thread. */
  tamper (path, "UPDATE annotation SET \"end\" = 999999;");
  sha = file_sha256 (path);
  g_assert_null (gloss_project_open (path, GLOSS_OPEN_DEFAULT, &whole));
  g_assert_error (whole, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVARIANT);
  project = gloss_project_open (path, GLOSS_OPEN_DEFER_CHECK, &error);
  g_assert_no_error (error);
  g_assert_true (gloss_project_is_checking (project));
  g_assert_false (complete_check (project, &error));
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVARIANT);
  g_assert_cmpstr (error->message, ==, whole->message);
  g_assert_false (gloss_project_is_checking (project));
  g_assert_true (gloss_project_is_read_only (project));
  g_assert_cmpstr (gloss_project_get_read_only_reason (project), ==, whole->message);
  g_clear_error (&error);
  g_clear_object (&project);
  assert_untouched (path, sha);

  /* A document whose length does not match its text: refused at once. */
  tamper (path, "UPDATE annotation SET \"end\" = 3924; UPDATE document SET length = length + 1;");
  sha = (g_free (sha), file_sha256 (path));
  project = gloss_project_open (path, GLOSS_OPEN_DEFER_CHECK, &error);
  g_assert_null (project);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVARIANT);
  g_assert_nonnull (strstr (error->message, "its length does not match its text"));
  assert_untouched (path, sha);

  g_unsetenv ("GLOSS_CHECK_ALWAYS");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gloss/project/create", test_create);
  g_test_add_func ("/gloss/project/create-refuses-existing", test_create_refuses_existing);
  g_test_add_func ("/gloss/project/open-missing", test_open_missing);
  g_test_add_func ("/gloss/project/refuses-random-bytes", test_refuses_random_bytes);
  g_test_add_func ("/gloss/project/refuses-empty-file", test_refuses_empty_file);
  g_test_add_func ("/gloss/project/refuses-truncated", test_refuses_truncated);
  g_test_add_func ("/gloss/project/refuses-directory", test_refuses_directory);
  g_test_add_func ("/gloss/project/refuses-symlink", test_refuses_symlink);
  g_test_add_func ("/gloss/project/refuses-foreign-sqlite", test_refuses_foreign_sqlite);
  g_test_add_func ("/gloss/project/refuses-newer-schema", test_refuses_newer_schema);
  g_test_add_func ("/gloss/project/refuses-schema-changes", test_refuses_schema_changes);
  g_test_add_func ("/gloss/project/refuses-broken-invariants", test_refuses_broken_invariants);
  g_test_add_func ("/gloss/project/foreign-key-tables", test_foreign_key_tables);
  g_test_add_func ("/gloss/project/refuses-unreadable", test_refuses_unreadable);
  g_test_add_func ("/gloss/project/unwritable-opens-read-only", test_unwritable_opens_read_only);
  g_test_add_func ("/gloss/project/read-only-needs-repair", test_read_only_needs_repair);
  g_test_add_func ("/gloss/project/migrates-older-schema", test_migrates_older_schema);
  g_test_add_func ("/gloss/project/russia-span", test_russia_span);
  g_test_add_func ("/gloss/project/emoji-offsets", test_emoji_offsets);
  g_test_add_func ("/gloss/project/documents", test_documents);
  g_test_add_func ("/gloss/project/codebook", test_codebook);
  g_test_add_func ("/gloss/project/annotations-and-undo", test_annotations_and_undo);
  g_test_add_func ("/gloss/project/undo-conflict", test_undo_conflict);
  g_test_add_func ("/gloss/project/busy", test_busy);
  g_test_add_func ("/gloss/project/replaced", test_replaced);
  g_test_add_func ("/gloss/project/save-copy", test_save_copy);
  g_test_add_func ("/gloss/project/check-finds-bad-quote", test_check_finds_bad_quote);
  g_test_add_func ("/gloss/project/range-query", test_range_query);
  g_test_add_func ("/gloss/project/sample-project", test_sample_project);
  g_test_add_func ("/gloss/project/untracked-write", test_untracked_write);
  g_test_add_func ("/gloss/project/check-stamp", test_check_stamp);
  g_test_add_func ("/gloss/project/deferred-check", test_deferred_check);
  g_test_add_func ("/gloss/project/deferred-check-refused", test_deferred_check_refused);

  return g_test_run ();
}
