/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The hostile corpus: every case in tests/data/hostile/MANIFEST.tsv is fed
 * to the engine entry point it names and must give exactly the error it
 * lists (or succeed, for "ok"), leave the input and the project
 * byte-identical (SHA-256), leave no -journal behind that was not there
 * before, and say what happened in valid UTF-8 (the window shows it).
 *
 * MANIFEST.tsv columns: case, entry, input, expected[, todo].
 *   entry     open       gloss_project_open (read-write) on the input
 *             open-ro    the same, read-only
 *             merge      gloss_merge() of the input into a fresh project
 *             import     gloss_import_any() into a fresh project
 *             refi, xml  gloss_refi_import(), gloss_xml_import() likewise
 *             text       gloss_text_read_file()
 *             document   gloss_project_import_file() into a fresh project
 *   input     a file beside the manifest, or gen:NAME for one made here
 *             (big files, FIFOs, odd names, damaged project files);
 *             gen:odd-name:FILE is FILE under a name that is not UTF-8
 *   expected  DOMAIN:CODE (project, interchange, text, zip, merge); ok;
 *             ok-logical (succeeds; the file may change on disk, not in
 *             content: a WAL-mode project is switched to DELETE); skipped
 *             (a REFI import that succeeds and lists what it left out);
 *             problems (opens, but gloss_project_check() reports problems)
 *   todo      optional: a known defect.  The case then shows as TODO
 *             while it fails, and fails once it passes, so the manifest
 *             is kept true.
 *
 * Cases named race-* read a file that another thread keeps rewriting:
 * any result is allowed except a crash, a success with wrong data, or a
 * changed project after a failure. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "gloss-interchange.h"
#include "gloss-merge.h"
#include "gloss-project.h"
#include "gloss-project-private.h"
#include "gloss-text.h"
#include "gloss-zip.h"
#include "crash/crash-dump.h"

typedef struct
{
  char *name;
  char *entry;
  char *input;
  char *expected;
  char *todo;       /* a known defect: the case is reported as TODO until fixed */
} Case;

/* A project made once, copied for every case that needs one. */
static char *template_dir;
static char *template_path;

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

static char *
make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("gloss-hostile-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* SHA-256 of a regular file; "absent" when there is none; the file type
 * otherwise (FIFOs and devices are not read). */
static char *
fingerprint (const char *path)
{
  struct stat st;
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (g_lstat (path, &st) != 0)
    return g_strdup ("absent");
  if (S_ISLNK (st.st_mode))
    {
      g_autofree char *target = g_file_read_link (path, NULL);

      return g_strdup_printf ("link to %s", target);
    }
  if (!S_ISREG (st.st_mode))
    return g_strdup_printf ("mode %o", (guint) st.st_mode);
  if (!g_file_get_contents (path, &contents, &len, NULL))
    return g_strdup ("unreadable");
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) contents, len);
}

static char *
journal_fingerprint (const char *path)
{
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  return fingerprint (journal);
}

static void
write_file (const char *path,
            const void *data,
            gsize       len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) target = g_file_new_for_path (to);
  g_autoptr(GError) error = NULL;

  g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

static char *
read_corpus (const char *name,
             gsize      *len)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "hostile", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);
  return contents;
}

static char *
read_control_xml (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "hostile-xml",
                                                 "valid-control.xml", NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* Replaces the first @old in @text. */
static char *
replace_once (const char *text,
              const char *old,
              const char *new)
{
  const char *at = strstr (text, old);

  g_assert_nonnull (at);
  return g_strdup_printf ("%.*s%s%s", (int) (at - text), text, new, at + strlen (old));
}

static void
tamper (const char *path,
        const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("tamper: %s: %s", sql, message);
  sqlite3_close (db);
}

/* Overwrites @len bytes at @offset of a file. */
static void
patch_bytes (const char *path,
             goffset     offset,
             const void *bytes,
             gsize       len)
{
  int fd = g_open (path, O_WRONLY, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, bytes, len, offset), ==, (gssize) len);
  close (fd);
}

/* ------------------------------------------------------------------------
 * The template project
 * ------------------------------------------------------------------------ */

static void
make_template (void)
{
  g_autofree char *sample = g_test_build_filename (G_TEST_DIST, "..", "data", "sample",
                                                   "pakistan-russia-interview.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = NULL;
  gint64 document, codes[2];

  template_dir = make_tmp_dir ();
  template_path = g_build_filename (template_dir, "template.gloss", NULL);
  project = gloss_project_create (template_path, "alice", FALSE, &error);
  g_assert_no_error (error);
  g_file_get_contents (sample, &text, NULL, &error);
  g_assert_no_error (error);
  document = gloss_project_add_document (project, "Sample interview", text, NULL, NULL, &error);
  g_assert_no_error (error);
  codes[0] = gloss_project_resolve_code (project, "Actors/Russia", &error);
  g_assert_no_error (error);
  codes[1] = gloss_project_resolve_code (project, "Actors/Pakistan", &error);
  g_assert_no_error (error);
  gloss_project_add_annotation (project, document, 3916, 3924, codes, 2, "first", NULL, &error);
  g_assert_no_error (error);
  gloss_project_add_annotation (project, document, 100, 180, codes, 1, "second", NULL, &error);
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------------
 * Generated inputs
 * ------------------------------------------------------------------------ */

static char *
project_copy (const char *dir,
              const char *name)
{
  char *path = g_build_filename (dir, name, NULL);

  copy_file (template_path, path);
  return path;
}

static const struct
{
  const char *name;
  const char *sql;
} tampered_projects[] = {
  { "project-fk-missing-code", "PRAGMA foreign_keys = OFF; INSERT INTO annotation_code "
    "VALUES ((SELECT min (id) FROM annotation), 99999);" },
  { "project-orphan-annotation-code", "PRAGMA foreign_keys = OFF; INSERT INTO annotation_code "
    "VALUES (99999, (SELECT min (id) FROM code));" },
  { "project-check-kind", "PRAGMA ignore_check_constraints = ON; "
    "UPDATE dimension SET kind = 'villain' WHERE id = (SELECT min (id) FROM dimension);" },
  { "project-check-status", "PRAGMA ignore_check_constraints = ON; "
    "UPDATE annotation SET review_status = 'maybe';" },
  { "project-check-deleted", "PRAGMA ignore_check_constraints = ON; "
    "UPDATE annotation SET deleted = 2;" },
  { "project-code-cycle", "UPDATE code SET parent = (SELECT max (id) FROM code WHERE dimension = 1) "
    "WHERE id = (SELECT min (id) FROM code WHERE dimension = 1); "
    "UPDATE code SET parent = (SELECT min (id) FROM code WHERE dimension = 1) "
    "WHERE id = (SELECT max (id) FROM code WHERE dimension = 1);" },
  { "project-no-identity", "DELETE FROM project WHERE key = 'uuid';" },
  { "project-span-index-empty", "DELETE FROM annotation_span;" },
  { "project-span-index-wrong", "UPDATE annotation_span SET start0 = start0 + 5;" },
  { "project-title-not-utf8", "UPDATE document SET title = CAST (X'FFFE41' AS TEXT);" },
  { "project-quote-not-utf8", "UPDATE annotation SET quote = CAST (X'C0AF' AS TEXT);" },
  { "project-annotator-missing", "PRAGMA foreign_keys = OFF; UPDATE annotation SET annotator = 4242;" },
  { "project-application-id-zero", "PRAGMA application_id = 0;" },
  { "project-user-version-max", "PRAGMA user_version = -1;" },
  { "project-page-size-64k", "PRAGMA page_size = 65536; VACUUM;" },
  { "project-wal", "PRAGMA journal_mode = WAL;" },
  { "project-sqlite-sequence", "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT); DROP TABLE t;" },
};

/* Writes a file the generator @name describes into @dir; returns its path. */
static char *
generate (const char *dir,
          const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (tampered_projects); i++)
    if (g_str_equal (name, tampered_projects[i].name))
      {
        char *path = project_copy (dir, "tampered.gloss");

        tamper (path, tampered_projects[i].sql);
        return path;
      }

  if (g_str_equal (name, "project-header-only"))
    {
      char *path = project_copy (dir, "header.gloss");
      g_autofree char *contents = NULL;

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      write_file (path, contents, 100);
      return path;
    }
  if (g_str_equal (name, "project-bad-page-size"))
    {
      char *path = project_copy (dir, "pagesize.gloss");

      patch_bytes (path, 16, "\x03\x00", 2);
      return path;
    }
  if (g_str_equal (name, "project-zeroed-page-2"))
    {
      char *path = project_copy (dir, "zeroed.gloss");
      guint8 zeros[4096] = { 0 };

      patch_bytes (path, 4096, zeros, sizeof zeros);
      return path;
    }
  if (g_str_equal (name, "project-scribbled"))
    {
      char *path = project_copy (dir, "scribbled.gloss");
      struct stat st;

      g_assert_cmpint (g_stat (path, &st), ==, 0);
      for (goffset at = 8192; at + 64 < st.st_size; at += 4096)
        patch_bytes (path, at + 40, "\xde\xad\xbe\xef\xde\xad\xbe\xef", 8);
      return path;
    }
  if (g_str_equal (name, "project-garbage-journal"))
    {
      char *path = project_copy (dir, "journal.gloss");
      g_autofree char *journal = g_strconcat (path, "-journal", NULL);
      guint8 junk[2048];

      for (guint i = 0; i < sizeof junk; i++)
        junk[i] = (guint8) (i * 131 + 7);
      write_file (journal, junk, sizeof junk);
      return path;
    }
  if (g_str_equal (name, "project-stale-journal"))
    {
      char *path = project_copy (dir, "stale.gloss");
      g_autofree char *journal = g_strconcat (path, "-journal", NULL);
      guint8 zeros[512] = { 0 };

      write_file (journal, zeros, sizeof zeros);
      return path;
    }
  if (g_str_equal (name, "project-garbage-wal"))
    {
      char *path = project_copy (dir, "wal.gloss");
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);

      write_file (wal, "not a write-ahead log", 21);
      return path;
    }
  if (g_str_equal (name, "project-fifo"))
    {
      char *path = g_build_filename (dir, "fifo.gloss", NULL);

      g_assert_cmpint (mkfifo (path, 0600), ==, 0);
      return path;
    }
  if (g_str_equal (name, "project-odd-name"))
    {
      char *path = g_build_filename (dir, "inter\nview \"quoted\" 'single' \xff\xfe.gloss", NULL);

      copy_file (template_path, path);
      return path;
    }
  if (g_str_equal (name, "project-odd-name-damaged"))
    {
      char *path = g_build_filename (dir, "da\nmaged \"\xc3\x28\".gloss", NULL);

      write_file (path, "SQLite format 3", 16);
      return path;
    }
  if (g_str_has_prefix (name, "odd-name:"))
    {
      /* A file of the corpus under a name that is not UTF-8 and holds a
       * newline and quotes: messages must still be valid UTF-8. */
      const char *file = name + strlen ("odd-name:");
      const char *dot = strrchr (file, '.');
      g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "hostile", file,
                                                       NULL);
      g_autofree char *odd = g_strdup_printf ("da\nmaged \"\xc3\x28\" \xff%s",
                                              dot != NULL ? dot : "");
      char *path = g_build_filename (dir, odd, NULL);

      copy_file (source, path);
      return path;
    }
  if (g_str_equal (name, "project-is-target"))
    {
      /* merge: the source is the target itself. */
      return g_build_filename (dir, "project.gloss", NULL);
    }

  if (g_str_equal (name, "text-64mib") || g_str_equal (name, "text-cap-plus-one"))
    {
      char *path = g_build_filename (dir, "big.txt", NULL);
      gsize size = g_str_equal (name, "text-64mib") ? (gsize) 64 << 20 : GLOSS_MAX_TEXT_BYTES + 1;
      g_autofree char *big = g_malloc (size);
      static const char line[] = "INTERVIEWER: And then what happened, in your own words?\n";

      for (gsize i = 0; i < size; i++)
        big[i] = line[i % (sizeof line - 1)];
      write_file (path, big, size);
      return path;
    }
  if (g_str_equal (name, "text-fifo"))
    {
      char *path = g_build_filename (dir, "fifo.txt", NULL);

      g_assert_cmpint (mkfifo (path, 0600), ==, 0);
      return path;
    }
  if (g_str_equal (name, "xml-fifo"))
    {
      char *path = g_build_filename (dir, "fifo.xml", NULL);

      g_assert_cmpint (mkfifo (path, 0600), ==, 0);
      return path;
    }
  if (g_str_equal (name, "text-dev-zero") || g_str_equal (name, "xml-dev-zero"))
    {
      char *path = g_build_filename (dir, g_str_has_prefix (name, "text") ? "zero.txt" : "zero.xml",
                                     NULL);

      g_assert_cmpint (symlink ("/dev/zero", path), ==, 0);
      return path;
    }
  if (g_str_equal (name, "text-directory"))
    {
      char *path = g_build_filename (dir, "folder.docx", NULL);

      g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
      return path;
    }
  if (g_str_equal (name, "text-odd-name"))
    {
      char *path = g_build_filename (dir, "inter\nview \"quoted\" 'single' \xff\xfe.txt", NULL);

      write_file (path, "Q: Is the name odd?\nA: Very.\n", 29);
      return path;
    }
  if (g_str_equal (name, "xml-odd-name"))
    {
      char *path = g_build_filename (dir, "ex\nport \"\xe9\".xml", NULL);
      g_autofree char *xml = read_control_xml ();

      write_file (path, xml, strlen (xml));
      return path;
    }
  if (g_str_equal (name, "xml-long-title-and-note"))
    {
      /* A 1 MiB title and a 4 MiB note. */
      char *path = g_build_filename (dir, "long.xml", NULL);
      g_autofree char *xml = read_control_xml ();
      g_autofree char *title = g_strnfill (1 << 20, 't');
      g_autofree char *note = g_strnfill (4 << 20, 'n');
      g_autofree char *title_attr = g_strdup_printf ("title=\"%s\"", title);
      g_autofree char *note_element = g_strdup_printf ("<note>%s</note>\n      <code ref=\"6fa4", note);
      g_autofree char *with_title = replace_once (xml, "title=\"Hostile-file control\"", title_attr);
      g_autofree char *with_note = replace_once (with_title, "<code ref=\"6fa4", note_element);

      write_file (path, with_note, strlen (with_note));
      return path;
    }
  if (g_str_equal (name, "xml-huge-text-node"))
    {
      /* One chunk of 11 MB: beyond libxml2's limit for a text node. */
      char *path = g_build_filename (dir, "huge.xml", NULL);
      g_autofree char *xml = read_control_xml ();
      g_autofree char *chunk = g_strnfill (11 * 1000 * 1000, 'x');
      g_autofree char *element = g_strdup_printf ("<chunk>%s</chunk>\n        <chunk>Q: How", chunk);
      g_autofree char *huge = replace_once (xml, "<chunk>Q: How", element);

      write_file (path, huge, strlen (huge));
      return path;
    }

  g_error ("no generator %s", name);
}

/* ------------------------------------------------------------------------
 * Expected errors
 * ------------------------------------------------------------------------ */

#define CODE(prefix, name) { #name, prefix##_##name }

static const struct
{
  const char *name;
  int         code;
} project_codes[] = {
  CODE (GLOSS_PROJECT_ERROR, NOT_FOUND), CODE (GLOSS_PROJECT_ERROR, EXISTS),
  CODE (GLOSS_PROJECT_ERROR, IS_DIRECTORY), CODE (GLOSS_PROJECT_ERROR, SYMLINK),
  CODE (GLOSS_PROJECT_ERROR, EMPTY_FILE), CODE (GLOSS_PROJECT_ERROR, NOT_SQLITE),
  CODE (GLOSS_PROJECT_ERROR, CORRUPT), CODE (GLOSS_PROJECT_ERROR, FOREIGN),
  CODE (GLOSS_PROJECT_ERROR, NEWER_SCHEMA), CODE (GLOSS_PROJECT_ERROR, SCHEMA_MISMATCH),
  CODE (GLOSS_PROJECT_ERROR, INVARIANT), CODE (GLOSS_PROJECT_ERROR, PERMISSION),
  CODE (GLOSS_PROJECT_ERROR, READ_ONLY), CODE (GLOSS_PROJECT_ERROR, BUSY),
  CODE (GLOSS_PROJECT_ERROR, REPLACED), CODE (GLOSS_PROJECT_ERROR, INVALID),
  CODE (GLOSS_PROJECT_ERROR, NO_SUCH), CODE (GLOSS_PROJECT_ERROR, IN_USE),
  CODE (GLOSS_PROJECT_ERROR, CONFLICT), CODE (GLOSS_PROJECT_ERROR, AMBIGUOUS),
  CODE (GLOSS_PROJECT_ERROR, IO),
}, interchange_codes[] = {
  CODE (GLOSS_INTERCHANGE_ERROR, DOCTYPE), CODE (GLOSS_INTERCHANGE_ERROR, MALFORMED),
  CODE (GLOSS_INTERCHANGE_ERROR, WRONG_NAMESPACE), CODE (GLOSS_INTERCHANGE_ERROR, NEWER_VERSION),
  CODE (GLOSS_INTERCHANGE_ERROR, STRUCTURE), CODE (GLOSS_INTERCHANGE_ERROR, OUT_OF_RANGE),
  CODE (GLOSS_INTERCHANGE_ERROR, QUOTE_MISMATCH),
  CODE (GLOSS_INTERCHANGE_ERROR, MISSING_REFERENCE),
  CODE (GLOSS_INTERCHANGE_ERROR, DUPLICATE_UUID), CODE (GLOSS_INTERCHANGE_ERROR, TOO_LARGE),
  CODE (GLOSS_INTERCHANGE_ERROR, INVALID), CODE (GLOSS_INTERCHANGE_ERROR, UNKNOWN_FORMAT),
  CODE (GLOSS_INTERCHANGE_ERROR, IO), CODE (GLOSS_INTERCHANGE_ERROR, CANCELLED),
}, text_codes[] = {
  CODE (GLOSS_TEXT_ERROR, INVALID_ENCODING), CODE (GLOSS_TEXT_ERROR, UNKNOWN_ENCODING),
  CODE (GLOSS_TEXT_ERROR, CONTROL_CHARACTER), CODE (GLOSS_TEXT_ERROR, EMPTY),
  CODE (GLOSS_TEXT_ERROR, TOO_LARGE), CODE (GLOSS_TEXT_ERROR, UNSUPPORTED),
  CODE (GLOSS_TEXT_ERROR, ARCHIVE), CODE (GLOSS_TEXT_ERROR, IO),
}, zip_codes[] = {
  CODE (GLOSS_ZIP_ERROR, NOT_ZIP), CODE (GLOSS_ZIP_ERROR, CORRUPT),
  CODE (GLOSS_ZIP_ERROR, UNSAFE_PATH), CODE (GLOSS_ZIP_ERROR, SYMLINK),
  CODE (GLOSS_ZIP_ERROR, DUPLICATE), CODE (GLOSS_ZIP_ERROR, TOO_LARGE),
  CODE (GLOSS_ZIP_ERROR, MISSING), CODE (GLOSS_ZIP_ERROR, IO),
}, merge_codes[] = {
  CODE (GLOSS_MERGE_ERROR, NO_SOURCES), CODE (GLOSS_MERGE_ERROR, SAME_FILE),
  CODE (GLOSS_MERGE_ERROR, BACKUP),
};

/* "project:CORRUPT" → its domain and code; FALSE for "ok". */
static gboolean
parse_expected (const char *expected,
                GQuark     *domain,
                int        *code)
{
  g_auto(GStrv) parts = g_strsplit (expected, ":", 2);
  const char *domain_name;

  if (g_str_equal (expected, "ok") || g_str_equal (expected, "ok-logical") ||
      g_str_equal (expected, "skipped") || g_str_equal (expected, "problems"))
    return FALSE;
  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  domain_name = parts[0];

#define LOOK_UP(table, quark) \
  for (guint i = 0; i < G_N_ELEMENTS (table); i++) \
    if (g_str_equal (table[i].name, parts[1])) \
      { \
        *domain = quark; \
        *code = table[i].code; \
        return TRUE; \
      }

  if (g_str_equal (domain_name, "project"))
    {
      LOOK_UP (project_codes, GLOSS_PROJECT_ERROR)
    }
  else if (g_str_equal (domain_name, "interchange"))
    {
      LOOK_UP (interchange_codes, GLOSS_INTERCHANGE_ERROR)
    }
  else if (g_str_equal (domain_name, "text"))
    {
      LOOK_UP (text_codes, GLOSS_TEXT_ERROR)
    }
  else if (g_str_equal (domain_name, "zip"))
    {
      LOOK_UP (zip_codes, GLOSS_ZIP_ERROR)
    }
  else if (g_str_equal (domain_name, "merge"))
    {
      LOOK_UP (merge_codes, GLOSS_MERGE_ERROR)
    }
#undef LOOK_UP

  g_error ("unknown expectation %s", expected);
}

static const char *
code_name (const GError *error)
{
#define FIND(table, quark) \
  if (error->domain == quark) \
    for (guint i = 0; i < G_N_ELEMENTS (table); i++) \
      if (table[i].code == error->code) \
        return table[i].name;
  FIND (project_codes, GLOSS_PROJECT_ERROR)
  FIND (interchange_codes, GLOSS_INTERCHANGE_ERROR)
  FIND (text_codes, GLOSS_TEXT_ERROR)
  FIND (zip_codes, GLOSS_ZIP_ERROR)
  FIND (merge_codes, GLOSS_MERGE_ERROR)
#undef FIND
  return "?";
}

/* ------------------------------------------------------------------------
 * Running a case
 * ------------------------------------------------------------------------ */

/* Opens a FIFO's writing end after a while, so that a reader wrongly
 * blocked on it comes back and the test can fail instead of hanging. */
typedef struct
{
  char          *path;
  GCancellable  *done;
} Unblocker;

static gpointer
unblock_fifo (gpointer data)
{
  Unblocker *u = data;

  for (int i = 0; i < 50 && !g_cancellable_is_cancelled (u->done); i++)
    g_usleep (100000);
  /* Every opening of the FIFO for reading blocks anew: keep answering. */
  while (!g_cancellable_is_cancelled (u->done))
    {
      int fd = g_open (u->path, O_WRONLY | O_NONBLOCK, 0);

      if (fd >= 0)
        close (fd);
      g_usleep (10000);
    }
  return NULL;
}

/* Runs the entry point; the error it gave, NULL on success.  @failure
 * gets what went wrong beyond the error (a file opened that its own check
 * calls damaged, a document title that is not UTF-8...). */
static GError *
run_entry (const Case *c,
           const char *input,
           const char *project_path,
           guint      *n_skipped,
           guint      *n_problems,
           GString    *failure)
{
  g_autoptr(GError) error = NULL;

  if (g_str_equal (c->entry, "open") || g_str_equal (c->entry, "open-ro"))
    {
      g_autoptr(GlossProject) project =
        gloss_project_open (input, g_str_equal (c->entry, "open") ? GLOSS_OPEN_DEFAULT
                                                                  : GLOSS_OPEN_READ_ONLY,
                            &error);

      if (project != NULL)
        {
          g_autoptr(GPtrArray) problems = gloss_project_check (project, &error);

          g_assert_no_error (error);
          *n_problems = problems->len;
          for (guint i = 0; i < problems->len; i++)
            {
              if (!g_utf8_validate (problems->pdata[i], -1, NULL))
                g_string_append (failure, "a problem the check reports is not valid UTF-8; ");
              else
                g_test_message ("%s: check: %s", c->name, (char *) problems->pdata[i]);
            }
        }
    }
  else if (project_path != NULL)
    {
      g_autoptr(GlossProject) project = gloss_project_open (project_path, GLOSS_OPEN_DEFAULT,
                                                            &error);

      g_assert_no_error (error);
      if (g_str_equal (c->entry, "merge"))
        {
          g_auto(GlossMergeReport) report = { 0 };
          const char *sources[] = { input, NULL };

          gloss_merge (project, sources, FALSE, &report, NULL, &error);
        }
      else if (g_str_equal (c->entry, "import") || g_str_equal (c->entry, "refi") ||
               g_str_equal (c->entry, "xml"))
        {
          g_autoptr(GlossImportReport) report = gloss_import_report_new ();
          gboolean ok;

          if (g_str_equal (c->entry, "refi"))
            ok = gloss_refi_import (project, input, report, NULL, &error);
          else if (g_str_equal (c->entry, "xml"))
            ok = gloss_xml_import (project, input, report, NULL, &error);
          else
            ok = gloss_import_any (project, input, report, NULL, &error);
          if (ok)
            {
              *n_skipped = report->skipped->len;
              for (guint i = 0; i < report->skipped->len; i++)
                g_test_message ("%s: skipped: %s", c->name, (char *) report->skipped->pdata[i]);
            }
        }
      else
        {
          gint64 id = gloss_project_import_file (project, input, NULL, NULL, NULL, &error);

          if (id > 0)
            {
              g_autoptr(GlossDocument) document = gloss_project_get_document (project, id, &error);

              g_assert_no_error (error);
              if (!g_utf8_validate (document->title, -1, NULL))
                g_string_append (failure, "the document's title is not valid UTF-8; ");
            }
        }
    }
  else if (g_str_equal (c->entry, "text"))
    {
      g_autofree char *text = gloss_text_read_file (input, NULL, &error);

      if (text != NULL && !g_utf8_validate (text, -1, NULL))
        g_string_append (failure, "the text read is not valid UTF-8; ");
    }
  else
    g_error ("unknown entry %s", c->entry);

  return g_steal_pointer (&error);
}

static void
on_check_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Opens @input as the window opens a large file: before the rest of its
 * check, which then runs on a thread.  The error either step gave, NULL
 * when the file passed both. */
static GError *
open_deferred (const char *input,
               GString    *failure)
{
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;

  /* (a file the sync open passed has a stamp, which would skip the check) */
  g_setenv ("GLOSS_CHECK_ALWAYS", "1", TRUE);
  project = gloss_project_open (input, GLOSS_OPEN_DEFER_CHECK, &error);
  g_unsetenv ("GLOSS_CHECK_ALWAYS");
  if (project == NULL)
    return error;
  if (gloss_project_is_checking (project) && !gloss_project_is_read_only (project))
    g_string_append (failure, "opened before its check, it was writable; ");

  gloss_project_complete_check_async (project, NULL, on_check_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!gloss_project_complete_check_finish (project, result, &error) &&
      !gloss_project_is_read_only (project))
    g_string_append (failure, "refused after its check, it stayed writable; ");

  return error;
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *input = NULL;
  g_autofree char *project_path = NULL;
  g_autofree char *input_before = NULL, *input_journal_before = NULL;
  g_autofree char *input_digest_before = NULL;
  g_autofree char *project_before = NULL, *project_journal_before = NULL;
  g_autoptr(GString) failure = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) done = g_cancellable_new ();
  GThread *unblocker = NULL;
  Unblocker u = { 0 };
  GQuark domain = 0;
  int code = 0;
  gboolean expect_error = parse_expected (c->expected, &domain, &code);
  gboolean logical_only = g_str_equal (c->expected, "ok-logical");
  gboolean expect_skipped = g_str_equal (c->expected, "skipped");
  gboolean expect_problems = g_str_equal (c->expected, "problems");
  guint n_skipped = 0, n_problems = 0;
  gint64 t0;

  if (g_str_has_prefix (c->input, "gen:"))
    input = generate (dir, c->input + 4);
  else
    {
      g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "hostile", c->input,
                                                       NULL);

      input = g_build_filename (dir, c->input, NULL);
      copy_file (source, input);
    }

  if (g_str_equal (c->entry, "merge") || g_str_equal (c->entry, "import") ||
      g_str_equal (c->entry, "refi") || g_str_equal (c->entry, "xml") ||
      g_str_equal (c->entry, "document"))
    {
      project_path = g_build_filename (dir, "project.gloss", NULL);
      copy_file (template_path, project_path);
      project_before = fingerprint (project_path);
      project_journal_before = journal_fingerprint (project_path);
    }
  input_before = fingerprint (input);
  input_journal_before = journal_fingerprint (input);
  if (logical_only)
    input_digest_before = crash_dump_file_digest (input, NULL, NULL);

  if (g_file_test (input, G_FILE_TEST_EXISTS) && !g_file_test (input, G_FILE_TEST_IS_REGULAR) &&
      !g_file_test (input, G_FILE_TEST_IS_DIR) && !g_file_test (input, G_FILE_TEST_IS_SYMLINK))
    {
      u.path = input;
      u.done = done;
      unblocker = g_thread_new ("unblock", unblock_fifo, &u);
    }

  t0 = g_get_monotonic_time ();
  error = run_entry (c, input, project_path, &n_skipped, &n_problems, failure);
  g_cancellable_cancel (done);
  if (unblocker != NULL)
    {
      g_thread_join (unblocker);
      /* A FIFO is refused at once, never read until a writer comes. */
      if (g_get_monotonic_time () - t0 > 4 * G_USEC_PER_SEC)
        g_string_append (failure, "it waited on a FIFO; ");
    }

  /* The window's way in (the file shown before the rest of its check)
   * ends where the whole check at open does. */
  if (g_str_equal (c->entry, "open") && unblocker == NULL)
    {
      g_autoptr(GError) deferred = open_deferred (input, failure);

      if ((error == NULL) != (deferred == NULL) ||
          (error != NULL && (error->domain != deferred->domain || error->code != deferred->code)))
        g_string_append_printf (failure, "opened before its check, it ended in %s instead; ",
                                deferred != NULL ? deferred->message : "success");
    }

  /* The error, exactly; in valid UTF-8, since the window shows it. */
  if (expect_error && error == NULL)
    g_string_append_printf (failure, "expected %s, but it succeeded; ", c->expected);
  else if (expect_error && (error->domain != domain || error->code != code))
    g_string_append_printf (failure, "expected %s, got %s:%s: %s; ", c->expected,
                            g_quark_to_string (error->domain), code_name (error),
                            error->message);
  else if (!expect_error && error != NULL)
    g_string_append_printf (failure, "expected %s, got %s:%s: %s; ", c->expected,
                            g_quark_to_string (error->domain), code_name (error),
                            error->message);
  if (error != NULL)
    {
      g_autofree char *shown = g_utf8_make_valid (error->message, -1);

      if (!g_utf8_validate (error->message, -1, NULL))
        g_string_append (failure, "the error message is not valid UTF-8; ");
      /* One TAP line: the odd file names hold newlines. */
      g_strdelimit (shown, "\n", ' ');
      g_test_message ("%s: %s", c->name, shown);
    }
  if (expect_skipped && n_skipped == 0)
    g_string_append (failure, "the import succeeded but reported nothing skipped; ");
  if (!expect_skipped && n_skipped > 0)
    g_string_append_printf (failure, "the import skipped %u items; ", n_skipped);
  if (expect_problems && n_problems == 0)
    g_string_append (failure, "it opened and its check found nothing wrong; ");
  if (!expect_problems && n_problems > 0)
    g_string_append_printf (failure, "it opened, but its own check found %u problems; ",
                            n_problems);

  /* The input is never changed, not even by opening it (a journal beside
   * a project may only be rolled back and so go away). */
  {
    g_autofree char *after = fingerprint (input);
    g_autofree char *journal_after = journal_fingerprint (input);

    if (logical_only)
      {
        g_autofree char *digest = crash_dump_file_digest (input, NULL, NULL);

        if (g_strcmp0 (digest, input_digest_before) != 0)
          g_string_append (failure, "the input's contents changed; ");
      }
    else if (g_strcmp0 (after, input_before) != 0)
      g_string_append (failure, "the input changed; ");
    if (g_strcmp0 (journal_after, input_journal_before) != 0 &&
        !(g_str_has_prefix (c->entry, "open") && g_str_equal (journal_after, "absent")))
      g_string_append_printf (failure, "the input's -journal went from %s to %s; ",
                              input_journal_before, journal_after);
  }
  if (project_path != NULL)
    {
      g_autofree char *after = fingerprint (project_path);
      g_autofree char *journal_after = journal_fingerprint (project_path);

      if (expect_error && g_strcmp0 (after, project_before) != 0)
        g_string_append (failure, "the project changed; ");
      if (g_strcmp0 (journal_after, project_journal_before) != 0)
        g_string_append (failure, "the project's -journal changed; ");

      if (!expect_error)
        {
          g_autoptr(GError) local_error = NULL;
          g_autoptr(GlossProject) project = gloss_project_open (project_path, GLOSS_OPEN_READ_ONLY,
                                                                &local_error);
          g_autoptr(GPtrArray) problems = NULL;

          g_assert_no_error (local_error);
          problems = gloss_project_check (project, &local_error);
          g_assert_no_error (local_error);
          if (problems->len > 0)
            g_string_append_printf (failure, "the project's check says: %s; ",
                                    (char *) problems->pdata[0]);
        }
    }

  remove_tree (dir);

  /* What went wrong may quote bytes that are not UTF-8, or newlines of
   * odd file names: TAP takes one line of UTF-8. */
  if (!g_utf8_validate (failure->str, failure->len, NULL))
    {
      g_autofree char *valid = g_utf8_make_valid (failure->str, failure->len);

      g_string_assign (failure, valid);
    }
  g_strdelimit (failure->str, "\n", ' ');

  if (c->todo != NULL && failure->len > 0)
    {
      g_autofree char *why = g_strdup_printf ("known defect (%s): %s", c->todo, failure->str);

      g_test_incomplete (why);
    }
  else if (c->todo != NULL)
    g_test_fail_printf ("%s is marked as a known defect (%s) but passes: "
                        "update MANIFEST.tsv", c->name, c->todo);
  else if (failure->len > 0)
    g_test_fail_printf ("%s: %s", c->name, failure->str);
}

/* ------------------------------------------------------------------------
 * Files that change while Gloss reads them
 * ------------------------------------------------------------------------ */

typedef struct
{
  char         *path;
  GBytes      **versions;
  guint         n_versions;
  GCancellable *stop;
  guint         rewrites;
  gint64        started;
} Rewriter;

/* Rewrites the file in place, version after version, as fast as it can. */
static gpointer
rewrite_loop (gpointer data)
{
  Rewriter *r = data;

  while (!g_cancellable_is_cancelled (r->stop))
    {
      GBytes *version = r->versions[r->rewrites % r->n_versions];
      gsize len;
      const char *bytes = g_bytes_get_data (version, &len);
      int fd = g_open (r->path, O_WRONLY | O_TRUNC | O_CLOEXEC, 0);

      if (fd >= 0)
        {
          /* In two halves, so readers also meet a file half written. */
          if (write (fd, bytes, len / 2) < 0 ||
              write (fd, bytes + len / 2, len - len / 2) < 0)
            g_warning ("rewrite: %s", g_strerror (errno));
          close (fd);
        }
      g_atomic_int_inc (&r->rewrites);
      /* Sometimes the file stays put for a read or two. */
      g_usleep (g_random_int_range (0, 3000));
    }
  return NULL;
}

static void
rewriter_start (Rewriter    *r,
                GThread    **thread,
                const char  *path,
                GBytes     **versions,
                guint        n_versions)
{
  gsize len;
  const char *first = g_bytes_get_data (versions[0], &len);

  write_file (path, first, len);
  r->path = g_strdup (path);
  r->versions = versions;
  r->n_versions = n_versions;
  r->stop = g_cancellable_new ();
  *thread = g_thread_new ("rewrite", rewrite_loop, r);
}

/* Enough rewrites seen (at most five seconds). */
static gboolean
rewriter_done (Rewriter *r)
{
  if (r->started == 0)
    r->started = g_get_monotonic_time ();
  return g_atomic_int_get (&r->rewrites) >= 100 ||
         g_get_monotonic_time () - r->started > 5 * G_USEC_PER_SEC;
}

static void
rewriter_stop (Rewriter *r,
               GThread  *thread)
{
  g_cancellable_cancel (r->stop);
  g_thread_join (thread);
  g_clear_object (&r->stop);
  g_free (r->path);
}

static void
test_race_text (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "racing.txt", NULL);
  g_autoptr(GString) good = g_string_new (NULL);
  static const char broken[] = "Q: \xff\xfe broken\n";
  GBytes *versions[3];
  Rewriter r = { 0 };
  GThread *thread;
  guint ok = 0, refused = 0;

  for (guint i = 0; i < 2000; i++)
    g_string_append_printf (good, "Q%u: What happened next? A: We talked, and we agreed.\n", i);
  versions[0] = g_bytes_new (good->str, good->len);
  versions[1] = g_bytes_new_static (broken, sizeof broken - 1);
  versions[2] = g_bytes_new_static ("", 0);
  rewriter_start (&r, &thread, path, versions, G_N_ELEMENTS (versions));

  while (!rewriter_done (&r))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = gloss_text_read_file (path, NULL, &error);

      if (text != NULL)
        {
          /* Whatever was read is what the file held at some moment: the
           * good version or a beginning of it. */
          g_assert_true (g_str_has_prefix (good->str, text));
          ok++;
        }
      else
        {
          g_assert_true (error->domain == GLOSS_TEXT_ERROR);
          refused++;
        }
    }
  rewriter_stop (&r, thread);
  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    g_bytes_unref (versions[i]);

  g_test_message ("a text file rewritten %u times while read %u times: %u reads gave "
                  "(a beginning of) the good text, %u were refused", r.rewrites, ok + refused,
                  ok, refused);
  g_assert_cmpuint (r.rewrites, >=, 20);
  remove_tree (dir);
}

/* Imports of a Gloss XML file or a .qdpx that keeps changing: each either
 * succeeds or fails cleanly, and the project always passes its check. */
static void
race_import (const char *name,
             GBytes     *good)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *project_path = g_build_filename (dir, "project.gloss", NULL);
  gsize len;
  const char *bytes = g_bytes_get_data (good, &len);
  GBytes *versions[4];
  Rewriter r = { 0 };
  GThread *thread;
  guint ok = 0, refused = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  copy_file (template_path, project_path);
  project = gloss_project_open (project_path, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);

  versions[0] = g_bytes_ref (good);
  versions[1] = g_bytes_new (bytes, len / 3);
  versions[2] = g_bytes_ref (good);
  versions[3] = g_bytes_new_static ("garbage", 7);
  rewriter_start (&r, &thread, path, versions, G_N_ELEMENTS (versions));

  while (!rewriter_done (&r))
    {
      g_autoptr(GlossImportReport) report = gloss_import_report_new ();

      if (gloss_import_any (project, path, report, NULL, &error))
        ok++;
      else
        {
          g_assert_true (error->domain == GLOSS_INTERCHANGE_ERROR ||
                         error->domain == GLOSS_ZIP_ERROR);
          g_clear_error (&error);
          refused++;
        }
    }
  rewriter_stop (&r, thread);
  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    g_bytes_unref (versions[i]);

  problems = gloss_project_check (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);
  g_test_message ("%s rewritten %u times while imported %u times: %u imports succeeded, %u "
                  "were refused; the project passes its check", name, r.rewrites, ok + refused,
                  ok, refused);
  g_assert_cmpuint (r.rewrites, >=, 20);
  g_clear_object (&project);
  remove_tree (dir);
}

static void
test_race_xml (void)
{
  g_autofree char *xml = read_control_xml ();
  g_autoptr(GBytes) good = g_bytes_new (xml, strlen (xml));

  race_import ("racing.xml", good);
}

static void
test_race_qdpx (void)
{
  gsize len;
  g_autofree char *qdpx = read_corpus ("refi-control.qdpx", &len);
  g_autoptr(GBytes) good = g_bytes_new (qdpx, len);

  race_import ("racing.qdpx", good);
}

/* A project file rewritten under Gloss while it opens it. */
static void
test_race_project (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "racing.gloss", NULL);
  g_autofree char *contents = NULL;
  gsize len;
  GBytes *versions[2];
  Rewriter r = { 0 };
  GThread *thread;
  guint ok = 0, refused = 0;

  g_assert_true (g_file_get_contents (template_path, &contents, &len, NULL));
  versions[0] = g_bytes_new (contents, len);
  versions[1] = g_bytes_new (contents, len / 2);
  rewriter_start (&r, &thread, path, versions, G_N_ELEMENTS (versions));

  while (!rewriter_done (&r))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GlossProject) project = gloss_project_open (path, GLOSS_OPEN_READ_ONLY, &error);

      if (project != NULL)
        ok++;
      else
        {
          g_assert_true (error->domain == GLOSS_PROJECT_ERROR);
          refused++;
        }
    }
  rewriter_stop (&r, thread);
  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    g_bytes_unref (versions[i]);

  g_test_message ("a project file rewritten %u times while opened %u times: %u opens "
                  "succeeded, %u were refused", r.rewrites, ok + refused, ok, refused);
  g_assert_cmpuint (r.rewrites, >=, 20);
  remove_tree (dir);
}

/* ------------------------------------------------------------------------
 * A project whose name is not UTF-8
 * ------------------------------------------------------------------------ */

/* Imports into and exports from a project named in bytes that are not
 * UTF-8: the history shows each import in UTF-8, and the exports (which
 * carry the project's name) are valid files that import again. */
static void
test_odd_name_round_trip (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "in\nter \"\xff\xfe\".gloss", NULL);
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "hostile",
                                                   "refi-control.qdpx", NULL);
  g_autofree char *input = g_build_filename (dir, "sou\nrce \xe9.qdpx", NULL);
  g_autofree char *qdpx = g_build_filename (dir, "ex\xffport.qdpx", NULL);
  g_autofree char *qdc = g_build_filename (dir, "ex\xffport.qdc", NULL);
  g_autofree char *xml = g_build_filename (dir, "ex\xffport.xml", NULL);
  g_autofree char *again = g_build_filename (dir, "again.gloss", NULL);
  GlossExportOptions options = GLOSS_EXPORT_OPTIONS_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GlossProject) other = NULL;
  g_autoptr(GlossImportReport) report = gloss_import_report_new ();
  const char *label;

  copy_file (template_path, path);
  copy_file (source, input);
  project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);

  gloss_refi_import (project, input, report, NULL, &error);
  g_assert_no_error (error);
  label = gloss_project_get_undo_label (project);
  g_assert_nonnull (label);
  g_assert_true (g_utf8_validate (label, -1, NULL));

  gloss_refi_export_qdpx (project, qdpx, &options, NULL, &error);
  g_assert_no_error (error);
  gloss_refi_export_qdc (project, qdc, &error);
  g_assert_no_error (error);
  gloss_xml_export (project, xml, &options, NULL, &error);
  g_assert_no_error (error);
  gloss_xml_validate (xml, &error);
  g_assert_no_error (error);

  copy_file (template_path, again);
  other = gloss_project_open (again, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  gloss_refi_import (other, qdpx, NULL, NULL, &error);
  g_assert_no_error (error);
  gloss_refi_import (other, qdc, NULL, NULL, &error);
  g_assert_no_error (error);
  gloss_xml_import (other, xml, NULL, NULL, &error);
  g_assert_no_error (error);

  g_clear_object (&project);
  g_clear_object (&other);
  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */

static GPtrArray *
load_manifest (void)
{
  gsize len;
  g_autofree char *manifest = read_corpus ("MANIFEST.tsv", &len);
  g_auto(GStrv) lines = g_strsplit (manifest, "\n", -1);
  GPtrArray *cases = g_ptr_array_new ();

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      Case *c;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      fields = g_strsplit (lines[i], "\t", -1);
      if (g_strv_length (fields) < 4)
        g_error ("MANIFEST.tsv line %u: four tab-separated fields expected", i + 1);
      c = g_new0 (Case, 1);
      c->name = g_strdup (fields[0]);
      c->entry = g_strdup (fields[1]);
      c->input = g_strdup (fields[2]);
      c->expected = g_strdup (fields[3]);
      c->todo = fields[4] != NULL && fields[4][0] != '\0' ? g_strdup (fields[4]) : NULL;
      g_ptr_array_add (cases, c);
    }
  return cases;
}

static void
case_free (Case *c)
{
  g_free (c->name);
  g_free (c->entry);
  g_free (c->input);
  g_free (c->expected);
  g_free (c->todo);
  g_free (c);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) cases = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  cases = load_manifest ();
  g_ptr_array_set_free_func (cases, (GDestroyNotify) case_free);
  for (guint i = 0; i < cases->len; i++)
    {
      Case *c = cases->pdata[i];
      g_autofree char *path = g_strdup_printf ("/gloss/hostile/%s", c->name);

      g_test_add_data_func (path, c, test_case);
    }
  g_test_add_func ("/gloss/hostile/race-text", test_race_text);
  g_test_add_func ("/gloss/hostile/race-xml", test_race_xml);
  g_test_add_func ("/gloss/hostile/race-qdpx", test_race_qdpx);
  g_test_add_func ("/gloss/hostile/race-project", test_race_project);
  g_test_add_func ("/gloss/hostile/odd-name-round-trip", test_odd_name_round_trip);

  make_template ();
  status = g_test_run ();
  remove_tree (template_dir);
  g_free (template_dir);
  g_free (template_path);
  return status;
}
