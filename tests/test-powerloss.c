/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Power loss and I/O faults, through a VFS that knows what reached the
 * disk (faultvfs.c).  SIGKILL (test-kill.c) keeps the page cache and so
 * proves atomicity only; here every write not yet synced is lost.
 *
 *  - random-cuts: operations run and the power is cut at a random write,
 *    sync or delete (or just after the last operation); after the reboot
 *    the project opens, passes its check and holds exactly what was
 *    committed.  GLOSS_POWERLOSS_ROUNDS sets the number of cuts (default
 *    60).  synchronous-full-loses shows the test can fail.
 *  - disk-full, io-error: the n-th write (sync, delete) of an operation
 *    fails, for every n; the operation reports GLOSS_PROJECT_ERROR_IO with
 *    a message that names the disk, the project stays usable (the same
 *    operation succeeds once the disk has room), and nothing committed is
 *    lost.  The same for a Gloss XML import, which is also crashed and
 *    power-cut at every one of its writes, syncs and deletes. */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "gloss-interchange.h"
#include "gloss-project.h"
#include "gloss-project-private.h"
#include "crash/crash-dump.h"
#include "faultvfs.h"

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

static char *
make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("gloss-powerloss-XXXXXX", &error);

  g_assert_no_error (error);
  g_test_queue_destroy ((GDestroyNotify) remove_tree_and_free, g_strdup (dir));
  return dir;
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

static gboolean
journal_exists (const char *path)
{
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  return g_file_test (journal, G_FILE_TEST_EXISTS);
}

static GlossProject *
make_project (const char *path)
{
  g_autofree char *text_path = g_test_build_filename (G_TEST_DIST, "..", "data", "sample",
                                                      "pakistan-russia-interview.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = gloss_project_create (path, "alice", FALSE, &error);

  g_assert_no_error (error);
  g_file_get_contents (text_path, &text, NULL, &error);
  g_assert_no_error (error);
  gloss_project_add_document (project, "Sample interview", text, NULL, NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&project);
}

static char *
project_digest (GlossProject *project)
{
  g_autoptr(GError) error = NULL;
  char *digest = crash_dump_digest (_gloss_project_get_db (project), NULL, &error);

  g_assert_no_error (error);
  return digest;
}

/* Opens @path as the analyst would after the reboot and checks it whole;
 * returns its logical digest. */
static char *
reopen_and_check (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *answer = NULL;

  g_assert_no_error (error);
  problems = gloss_project_check (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_object (&project);

  g_assert_true (crash_integrity_ok (path, &answer));
  g_assert_true (!journal_exists (path) || crash_journal_is_stale (path));
  return crash_dump_file_digest (path, NULL, NULL);
}

static gint64
first_document (GlossProject *project)
{
  g_autoptr(GError) error = NULL;
  gint64 id = gloss_project_resolve_document (project, "Sample interview", &error);

  g_assert_no_error (error);
  return id;
}

static gint64
code_at (GlossProject *project,
         guint         index)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = gloss_project_list_codes (project, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (codes->len, >, 0);
  return ((GlossCode *) codes->pdata[index % MIN (codes->len, 10)])->id;
}

static gint64
live_annotation (GlossProject *project,
                 GRand        *rand)
{
  g_autoptr(GError) error = NULL;
  GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
  g_autoptr(GPtrArray) annotations = gloss_project_list_annotations (project, &filter, &error);

  g_assert_no_error (error);
  if (annotations->len == 0)
    return 0;
  return ((GlossAnnotation *) annotations->pdata[g_rand_int_range (rand, 0, annotations->len)])->id;
}

/* One random operation, one transaction. */
static gboolean
random_operation (GlossProject *project,
                  GRand        *rand,
                  const char   *marker,
                  GError      **error)
{
  gint64 document = first_document (project);
  gint64 start = g_rand_int_range (rand, 0, 15000);
  gint64 end = start + g_rand_int_range (rand, 1, 300);
  gint64 codes[2] = { code_at (project, g_rand_int (rand)), 0 };
  gint64 annotation;

  codes[1] = code_at (project, codes[0] + 1);
  switch (g_rand_int_range (rand, 0, 8))
    {
    case 0:
    case 1:
    case 2:
      return gloss_project_add_annotation (project, document, start, end, codes,
                                           codes[0] == codes[1] ? 1 : 2, marker, NULL,
                                           error) > 0;
    case 3:
      {
        GlossNewAnnotation items[3] = {
          { document, start, end, codes, 1, marker },
          { document, start + 1, end + 7, codes + 1, 1, marker },
          { document, end, end + 40, codes, 1, marker },
        };

        return gloss_project_add_annotations (project, items, G_N_ELEMENTS (items), NULL, NULL,
                                              error);
      }
    case 4:
      annotation = live_annotation (project, rand);
      return annotation == 0 ||
             gloss_project_set_annotation_note (project, annotation, marker, error);
    case 5:
      annotation = live_annotation (project, rand);
      return annotation == 0 || gloss_project_delete_annotation (project, annotation, error);
    case 6:
      return !gloss_project_can_undo (project) || gloss_project_undo (project, error);
    default:
      {
        gint64 dimension = gloss_project_resolve_dimension (project, "Themes", error);

        return dimension > 0 &&
               gloss_project_add_code (project, dimension, 0, marker, "#336699", NULL, NULL,
                                       error) > 0;
      }
    }
}

static gboolean
names_the_disk (const GError *error)
{
  return g_error_matches (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_IO) &&
         strstr (error->message, "disk") != NULL;
}

/* ------------------------------------------------------------------------
 * Power cuts
 * ------------------------------------------------------------------------ */

static void
test_random_cuts (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "power.gloss", NULL);
  const char *rounds_env = g_getenv ("GLOSS_POWERLOSS_ROUNDS");
  guint rounds = rounds_env != NULL ? (guint) g_ascii_strtoull (rounds_env, NULL, 10) : 60;
  g_autoptr(GRand) rand = g_rand_new ();
  g_autofree char *committed = NULL;
  guint cut_inside = 0, cut_after = 0, committed_ops = 0, hot = 0;

  faultvfs_install ();
  {
    g_autoptr(GlossProject) project = make_project (path);

    committed = project_digest (project);
  }

  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GlossProject) project = NULL;
      g_autofree char *after = NULL;
      guint cut = g_rand_int_range (rand, 1, 400);
      guint done = 0;
      g_autoptr(GPtrArray) history = g_ptr_array_new_with_free_func (g_free);

      faultvfs_reset ();
      project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);
      g_assert_no_error (error);
      faultvfs_schedule_cut (cut);
      g_ptr_array_add (history, g_strdup (committed));

      for (guint op = 0; op < 8 && !faultvfs_is_dead (); op++)
        {
          g_autoptr(GError) op_error = NULL;
          g_autofree char *marker = g_strdup_printf ("cut-%u-%u", round, op);

          if (random_operation (project, rand, marker, &op_error))
            {
              g_free (committed);
              committed = project_digest (project);
              g_ptr_array_add (history, g_strdup (committed));
              done++;
            }
          else if (faultvfs_is_dead ())
            {
              /* The operation the cut interrupted: a storage error. */
              g_assert_nonnull (op_error);
              g_assert_true (g_error_matches (op_error, GLOSS_PROJECT_ERROR,
                                              GLOSS_PROJECT_ERROR_IO));
            }
          else
            g_assert_true (g_error_matches (op_error, GLOSS_PROJECT_ERROR,
                                            GLOSS_PROJECT_ERROR_CONFLICT) ||
                           g_error_matches (op_error, GLOSS_PROJECT_ERROR,
                                            GLOSS_PROJECT_ERROR_INVALID));
        }
      committed_ops += done;

      /* No cut yet: cut right after the last commit. */
      if (faultvfs_is_dead ())
        cut_inside++;
      else
        {
          faultvfs_cut_now ();
          cut_after++;
        }
      g_clear_object (&project);
      if (journal_exists (path))
        hot++;
      faultvfs_power_on ();

      after = reopen_and_check (path);
      if (g_strcmp0 (after, committed) != 0)
        {
          int found = -1;

          for (guint i = 0; i < history->len; i++)
            if (g_strcmp0 (after, history->pdata[i]) == 0)
              found = (int) i;
          g_error ("power cut %u (at mutation %u of the round, after %u committed operations): "
                   "the project does not hold what was committed; it holds %s", round + 1, cut,
                   done, found < 0 ? "a state never committed"
                                   : g_strdup_printf ("the state after %d of them", found));
        }
    }

  g_test_message ("%u power cuts (%u inside an operation, %u right after a commit); %u "
                  "operations committed before a cut, every one found after the reboot; %u "
                  "reboots found a -journal to roll back",
                  rounds, cut_inside, cut_after, committed_ops, hot);
  g_assert_cmpuint (cut_inside + cut_after, ==, rounds);
  g_assert_cmpuint (committed_ops, >, 0);
}

/* The power-cut test can fail: under PRAGMA synchronous = FULL (what
 * Gloss used before) a cut right after a commit brings the deleted journal
 * back and the commit is rolled back on the next open.  Gloss uses EXTRA,
 * which syncs the directory after the journal's deletion. */
static void
test_synchronous_full_loses (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "full.gloss", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *committed = NULL;
  g_autofree char *after = NULL;
  gint64 code;

  faultvfs_install ();
  g_object_unref (make_project (path));

  for (guint pass = 0; pass < 2; pass++)
    {
      g_autoptr(GlossProject) project = NULL;
      const char *mode = pass == 0 ? "FULL" : "EXTRA";
      g_autofree char *sql = g_strdup_printf ("PRAGMA synchronous = %s", mode);

      faultvfs_reset ();
      project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);
      g_assert_no_error (error);
      g_assert_cmpint (sqlite3_exec (_gloss_project_get_db (project), sql, NULL, NULL, NULL),
                       ==, SQLITE_OK);
      g_free (before);
      before = project_digest (project);
      code = code_at (project, 0);
      gloss_project_add_annotation (project, first_document (project), 10, 20, &code, 1, mode,
                                    NULL, &error);
      g_assert_no_error (error);
      g_free (committed);
      committed = project_digest (project);

      faultvfs_cut_now ();
      g_clear_object (&project);
      faultvfs_power_on ();
      g_free (after);
      after = reopen_and_check (path);
      if (pass == 0)
        g_assert_cmpstr (after, ==, before);      /* the commit was lost */
      else
        g_assert_cmpstr (after, ==, committed);   /* the commit survived */
    }
}

/* ------------------------------------------------------------------------
 * Full disk and I/O errors
 * ------------------------------------------------------------------------ */

static gboolean
add_marked (GlossProject *project,
            const char   *note,
            GError      **error)
{
  gint64 codes[3] = { code_at (project, 0), code_at (project, 1), code_at (project, 2) };

  return gloss_project_add_annotation (project, first_document (project), 3916, 3924, codes,
                                       G_N_ELEMENTS (codes), note, NULL, error) > 0;
}

/* A known defect of these messages, when there is one, is named here:
 * the check below then shows as TODO while it fails, and fails once it
 * passes until this is set back to NULL, so the mark stays true.  (The
 * last one: SQLite's own words, "database or disk is full" or "disk I/O
 * error", passed on as the message, or an internal step named, as in
 * "The disk is full (span index)"; fixed in gloss-project.c.) */
static const char *const vague_messages_defect = NULL;

/* A message a user can act on says what happened and what to do, in
 * Gloss's words rather than SQLite's. */
static gboolean
says_what_to_do (const char *message)
{
  /* SQLite's messages, and "The disk is full (span index)". */
  static const char *const sqlite_words[] = {
    "database or disk is full", "disk I/O error", " full (",
  };

  for (guint i = 0; i < G_N_ELEMENTS (sqlite_words); i++)
    if (strstr (message, sqlite_words[i]) != NULL)
      return FALSE;
  return strstr (message, "try again") != NULL || strstr (message, "Try again") != NULL;
}

/* Lists the different messages a test met; fails (or, while the defect
 * is marked, shows as TODO) when one does not say what to do. */
static void
check_messages (GHashTable *messages)
{
  g_autoptr(GList) keys = g_hash_table_get_keys (messages);
  g_autoptr(GString) vague = g_string_new (NULL);

  for (GList *l = keys; l != NULL; l = l->next)
    {
      g_test_message ("message: %s", (const char *) l->data);
      if (!says_what_to_do (l->data))
        g_string_append_printf (vague, "%s“%s”", vague->len > 0 ? ", " : "",
                                (const char *) l->data);
    }
  if (vague->len > 0 && vague_messages_defect != NULL)
    g_test_incomplete_printf ("known defect (%s): %s", vague_messages_defect, vague->str);
  else if (vague->len > 0)
    g_test_fail_printf ("messages that do not say what to do: %s", vague->str);
  else if (vague_messages_defect != NULL)
    g_test_fail_printf ("marked as a known defect (%s) but every message says what to do: "
                        "set vague_messages_defect to NULL", vague_messages_defect);
}

static void
run_faults (FaultvfsFault fault)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *base = g_build_filename (dir, "base.gloss", NULL);
  g_autofree char *path = g_build_filename (dir, "fault.gloss", NULL);
  g_autoptr(GHashTable) messages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_mutations, failed = 0, unharmed = 0;

  faultvfs_install ();
  {
    g_autoptr(GlossProject) project = make_project (base);
    g_autoptr(GError) error = NULL;

    add_marked (project, "committed before", &error);
    g_assert_no_error (error);
  }

  /* How many mutations one operation makes. */
  {
    g_autoptr(GlossProject) project = NULL;
    g_autoptr(GError) error = NULL;
    guint before;

    copy_file (base, path);
    faultvfs_reset ();
    project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);
    g_assert_no_error (error);
    before = faultvfs_get_mutations ();
    add_marked (project, "measured", &error);
    g_assert_no_error (error);
    n_mutations = faultvfs_get_mutations () - before;
    g_assert_cmpuint (n_mutations, >, 3);
  }

  for (guint n = 1; n <= n_mutations; n++)
    {
      g_autoptr(GlossProject) project = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *before = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *after = NULL;

      copy_file (base, path);
      faultvfs_reset ();
      project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);
      g_assert_no_error (error);
      before = project_digest (project);

      faultvfs_schedule_fault (n, fault);
      if (add_marked (project, "the operation", &error))
        {
          /* The fault hit a call whose failure SQLite could absorb. */
          unharmed++;
          faultvfs_clear_faults ();
          expected = project_digest (project);
        }
      else
        {
          failed++;
          if (!names_the_disk (error))
            g_error ("fault at mutation %u: %s %d: %s", n, g_quark_to_string (error->domain),
                     error->code, error->message);
          if (fault == FAULTVFS_DISK_FULL)
            g_assert_nonnull (strstr (error->message, "full"));
          g_hash_table_add (messages, g_strdup (error->message));
          g_clear_error (&error);

          /* Nothing changed, and once the disk has room again the same
           * project, still open, takes the same operation. */
          faultvfs_clear_faults ();
          {
            g_autofree char *now = project_digest (project);

            g_assert_cmpstr (now, ==, before);
          }
          add_marked (project, "the operation", &error);
          g_assert_no_error (error);
          expected = project_digest (project);
          g_assert_cmpstr (expected, !=, before);
        }
      g_clear_object (&project);

      after = reopen_and_check (path);
      g_assert_cmpstr (after, ==, expected);
    }

  check_messages (messages);
  g_test_message ("%s at each of the %u writes, syncs and deletes of an annotation add: "
                  "%u times the add failed with a clear error and succeeded once retried, "
                  "%u times SQLite absorbed the fault",
                  fault == FAULTVFS_DISK_FULL ? "disk full" : "I/O error", n_mutations, failed,
                  unharmed);
  g_assert_cmpuint (failed, >, 0);
}

static void
test_disk_full (void)
{
  run_faults (FAULTVFS_DISK_FULL);
}

static void
test_io_error (void)
{
  run_faults (FAULTVFS_EIO);
}

typedef enum
{
  IMPORT_DISK_FULL,  /* the disk fills up at a point of the import */
  IMPORT_CRASH,      /* the process dies there (nothing more written, nothing lost) */
  IMPORT_CUT,        /* the power goes there (what was not synced is lost) */
} ImportFault;

typedef struct
{
  char  *base;
  char  *xml;
  char  *path;
  char  *base_digest;
  char  *after_digest;
  guint  n_mutations;
} ImportSetup;

static void
import_setup_clear (ImportSetup *setup)
{
  g_free (setup->base);
  g_free (setup->xml);
  g_free (setup->path);
  g_free (setup->base_digest);
  g_free (setup->after_digest);
}

/* A project, and Gloss XML from a colleague's copy with 400 more
 * annotations; the import measured once without faults. */
static void
import_setup (const char  *dir,
              ImportSetup *setup)
{
  g_autofree char *source = g_build_filename (dir, "source.gloss", NULL);
  g_autoptr(GError) error = NULL;

  setup->base = g_build_filename (dir, "base.gloss", NULL);
  setup->xml = g_build_filename (dir, "source.xml", NULL);
  setup->path = g_build_filename (dir, "import.gloss", NULL);

  faultvfs_install ();
  g_object_unref (make_project (setup->base));
  copy_file (setup->base, source);
  {
    g_autoptr(GlossProject) project = gloss_project_open (source, GLOSS_OPEN_DEFAULT, &error);
    g_autoptr(GArray) codes = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (GlossNewAnnotation));
    GlossExportOptions options = GLOSS_EXPORT_OPTIONS_INIT;
    gint64 document;

    g_assert_no_error (error);
    document = first_document (project);
    gloss_project_set_default_annotator (project, "bob", &error);
    g_assert_no_error (error);
    for (guint i = 0; i < 400; i++)
      {
        gint64 code = code_at (project, i);
        g_array_append_val (codes, code);
      }
    for (guint i = 0; i < 400; i++)
      {
        GlossNewAnnotation item = { document, i * 30, i * 30 + 25,
                                    &g_array_index (codes, gint64, i), 1, "bob" };
        g_array_append_val (items, item);
      }
    gloss_project_add_annotations (project, (GlossNewAnnotation *) items->data, items->len,
                                   NULL, NULL, &error);
    g_assert_no_error (error);
    gloss_xml_export (project, setup->xml, &options, NULL, &error);
    g_assert_no_error (error);
  }
  setup->base_digest = crash_dump_file_digest (setup->base, NULL, NULL);

  {
    g_autoptr(GlossProject) project = NULL;
    guint before;

    copy_file (setup->base, setup->path);
    faultvfs_reset ();
    project = gloss_project_open (setup->path, GLOSS_OPEN_DEFAULT, &error);
    g_assert_no_error (error);
    before = faultvfs_get_mutations ();
    gloss_xml_import (project, setup->xml, NULL, NULL, &error);
    g_assert_no_error (error);
    setup->n_mutations = faultvfs_get_mutations () - before;
  }
  setup->after_digest = crash_dump_file_digest (setup->path, NULL, NULL);
  g_assert_cmpstr (setup->after_digest, !=, setup->base_digest);
}

/* An import meeting a fault at its n-th write, sync or delete: afterwards
 * the project opens, passes its check and is exactly as before. */
static void
run_import_fault (ImportSetup *setup,
                  ImportFault  fault,
                  guint        n,
                  GHashTable  *messages)
{
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  copy_file (setup->base, setup->path);
  faultvfs_reset ();
  project = gloss_project_open (setup->path, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  switch (fault)
    {
    case IMPORT_DISK_FULL:
      faultvfs_schedule_fault (n, FAULTVFS_DISK_FULL);
      break;
    case IMPORT_CRASH:
      faultvfs_schedule_crash (n);
      break;
    case IMPORT_CUT:
      faultvfs_schedule_cut (n);
      break;
    }

  if (gloss_xml_import (project, setup->xml, NULL, NULL, &error))
    g_error ("the import succeeded despite a fault at mutation %u of %u", n,
             setup->n_mutations);
  if (fault == IMPORT_DISK_FULL && !names_the_disk (error))
    g_error ("disk full at mutation %u of %u: %s %d: %s", n, setup->n_mutations,
             g_quark_to_string (error->domain), error->code, error->message);
  if (messages != NULL)
    g_hash_table_add (messages, g_strdup (error->message));
  g_clear_error (&error);

  faultvfs_clear_faults ();
  g_clear_object (&project);
  faultvfs_power_on ();

  after = reopen_and_check (setup->path);
  if (g_strcmp0 (after, setup->base_digest) != 0)
    g_error ("a fault at mutation %u of %u of an import: the project is not as before", n,
             setup->n_mutations);
}

/* A large import meeting a full disk changes nothing. */
static void
test_import_disk_full (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(GHashTable) messages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ImportSetup setup = { 0 };

  import_setup (dir, &setup);
  for (guint k = 1; k <= 20; k++)
    run_import_fault (&setup, IMPORT_DISK_FULL, MAX (1, setup.n_mutations * k / 21), messages);
  g_test_message ("Gloss XML import of 400 annotations (%u writes, syncs and deletes): a full "
                  "disk at 20 points of it failed it with a clear error each time and left "
                  "the project as before", setup.n_mutations);
  check_messages (messages);
  import_setup_clear (&setup);
}

/* The same import, the process dying at every one of its mutations, then
 * the power going at every one: the project is always as before.
 * GLOSS_POWERLOSS_STRIDE=N tries every N-th one only (for valgrind). */
static void
test_import_every_point (void)
{
  g_autofree char *dir = make_tmp_dir ();
  ImportSetup setup = { 0 };

  const char *stride_env = g_getenv ("GLOSS_POWERLOSS_STRIDE");
  guint stride = stride_env != NULL ? MAX (1, (guint) g_ascii_strtoull (stride_env, NULL, 10)) : 1;
  guint points = 0;

  import_setup (dir, &setup);
  for (guint n = 1; n <= setup.n_mutations; n += stride)
    {
      run_import_fault (&setup, IMPORT_CRASH, n, NULL);
      run_import_fault (&setup, IMPORT_CUT, n, NULL);
      points++;
    }
  g_test_message ("Gloss XML import of 400 annotations: a crash and a power cut at %u of its "
                  "%u writes, syncs and deletes (every %u) left the project as before every "
                  "time", points, setup.n_mutations, stride);
  import_setup_clear (&setup);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gloss/powerloss/random-cuts", test_random_cuts);
  g_test_add_func ("/gloss/powerloss/synchronous-full-loses", test_synchronous_full_loses);
  g_test_add_func ("/gloss/powerloss/disk-full", test_disk_full);
  g_test_add_func ("/gloss/powerloss/io-error", test_io_error);
  g_test_add_func ("/gloss/powerloss/import-disk-full", test_import_disk_full);
  g_test_add_func ("/gloss/powerloss/import-every-point", test_import_every_point);

  return g_test_run ();
}
