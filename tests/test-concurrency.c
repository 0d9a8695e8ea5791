/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two processes writing one project file at once: no write is lost, the
 * file stays sound, and a file replaced underneath is noticed.
 *
 * The test binary is its own second process: run with
 *   --writer FILE NAME N UUID
 * it adds N annotations as NAME and edits the note of annotation UUID N
 * times, retrying whenever the file is busy.  It prints "ready" once it
 * has opened the file and waits for a line on stdin before writing.
 * Halfway through it waits until the other writer has written, so the two
 * writers' writes overlap however fast either of them runs. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "gloss-merge.h"
#include "gloss-project.h"
#include "gloss-project-private.h"

#define N_WRITES 40
#define RETRY_FOR_US (60 * G_USEC_PER_SEC)

/* ------------------------------------------------------------------------
 * The writer
 * ------------------------------------------------------------------------ */

static gboolean
is_busy (const GError *error)
{
  return g_error_matches (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_BUSY);
}

static void
back_off (GRand *rand)
{
  g_usleep (g_rand_int_range (rand, 500, 5000));
}

/* Annotations in the file other than this writer's own @mine and the
 * shared one; -1 while the file is busy. */
static gint64
others_written (GlossProject *project,
                gint64        mine)
{
  GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
  g_autoptr(GPtrArray) all = NULL;

  all = gloss_project_list_annotations (project, &filter, NULL);
  if (all == NULL)
    return -1;
  return (gint64) all->len - mine - 1;
}

static int
run_writer (const char *path,
            const char *name,
            int         n,
            const char *shared_uuid)
{
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new ();
  gint64 deadline = g_get_monotonic_time () + RETRY_FOR_US;
  gint64 doc = 0, code = 0, shared = 0;
  guint retries = 0;

  /* Even opening may meet the other writer's commit. */
  while (project == NULL)
    {
      g_clear_error (&error);
      project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);
      if (project == NULL && (!is_busy (error) || g_get_monotonic_time () > deadline))
        {
          g_printerr ("%s: open: %s\n", name, error->message);
          return 1;
        }
      if (project == NULL)
        {
          retries++;
          back_off (rand);
        }
    }

  while (doc == 0 || code == 0 || shared == 0)
    {
      g_clear_error (&error);
      doc = gloss_project_resolve_document (project, "Sample interview", &error);
      if (doc != 0)
        code = gloss_project_resolve_code (project, "Actors/Russia", &error);
      if (code != 0)
        shared = gloss_project_resolve_annotation (project, shared_uuid, &error);
      if (shared == 0 && (!is_busy (error) || g_get_monotonic_time () > deadline))
        {
          g_printerr ("%s: look-up: %s\n", name, error->message);
          return 1;
        }
      if (shared == 0)
        {
          retries++;
          back_off (rand);
        }
    }

  /* Both writers start writing together: say so, wait for the word. */
  g_print ("ready\n");
  fflush (stdout);
  {
    char line[16];

    if (fgets (line, sizeof line, stdin) == NULL)
      return 1;
  }

  for (int i = 0; i < n; i++)
    {
      g_autofree char *note = g_strdup_printf ("%s %d", name, i);
      gboolean added = FALSE, edited = FALSE;

      /* the rest of this writer's writes come after the other's first */
      while (i == n / 2 && others_written (project, i) < 1)
        {
          if (g_get_monotonic_time () > deadline)
            {
              g_printerr ("%s: the other writer wrote nothing\n", name);
              return 1;
            }
          back_off (rand);
        }

      while (!added || !edited)
        {
          g_clear_error (&error);
          if (!added)
            added = gloss_project_add_annotation (project, doc, 10 * i, 10 * i + 5, &code, 1,
                                                  note, name, &error) != 0;
          if (added)
            edited = gloss_project_set_annotation_note (project, shared, note, &error);
          if (added && edited)
            break;
          if (!is_busy (error) || g_get_monotonic_time () > deadline)
            {
              g_printerr ("%s: write %d: %s\n", name, i, error->message);
              return 1;
            }
          retries++;
          back_off (rand);
        }
    }

  g_print ("%s: %d writes, %u retries on a busy file\n", name, 2 * n, retries);
  g_rand_free (rand);
  return 0;
}

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
  char *dir = g_dir_make_tmp ("gloss-concurrency-XXXXXX", &error);

  g_assert_no_error (error);
  g_test_queue_destroy ((GDestroyNotify) remove_tree_and_free, g_strdup (dir));
  return dir;
}

static GlossProject *
make_project (const char *path,
              gint64     *document)
{
  g_autofree char *sample = g_test_build_filename (G_TEST_DIST, "..", "data", "sample",
                                                   "pakistan-russia-interview.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = gloss_project_create (path, "lead", FALSE, &error);

  g_assert_no_error (error);
  g_file_get_contents (sample, &text, NULL, &error);
  g_assert_no_error (error);
  *document = gloss_project_add_document (project, "Sample interview", text, NULL, NULL, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&project);
}

static void
set_str (char       **slot,
                  const char  *value)
{
  g_free (*slot);
  *slot = g_strdup (value);
}

/* How many annotations @annotator made, and when the first and last were. */
static guint
count_by (GlossProject  *project,
          const char    *annotator,
          char         **first,
          char         **last)
{
  GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  filter.annotator = annotator;
  list = gloss_project_list_annotations (project, &filter, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      const char *created = ((GlossAnnotation *) list->pdata[i])->created;

      if (*first == NULL || strcmp (created, *first) < 0)
        set_str (first, created);
      if (*last == NULL || strcmp (created, *last) > 0)
        set_str (last, created);
    }

  return list->len;
}

static gint64
count_all (GlossProject *project)
{
  GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;

  filter.include_deleted = TRUE;
  all = gloss_project_list_annotations (project, &filter, &error);
  g_assert_no_error (error);
  return all->len;
}

/* Every write leaves one row in the change log. */
static gint64
count_changes (GlossProject *project)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (_gloss_project_get_db (project),
                                       "SELECT count (*) FROM change", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return n;
}

/* Reads the writer's "ready" line: it has opened the file. */
static void
wait_ready (GSubprocess *writer)
{
  g_autoptr(GDataInputStream) out =
    g_data_input_stream_new (g_subprocess_get_stdout_pipe (writer));
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (out), FALSE);
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (out), 1);
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "ready");
}

static void
go (GSubprocess *writer)
{
  GOutputStream *in = g_subprocess_get_stdin_pipe (writer);
  g_autoptr(GError) error = NULL;

  /* communicate() closes the pipe afterwards */
  g_output_stream_write_all (in, "go\n", 3, NULL, NULL, &error);
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------------
 * Tests
 * ------------------------------------------------------------------------ */

static void
test_two_writers (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "shared.gloss", NULL);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *n = g_strdup_printf ("%d", N_WRITES);
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GlossAnnotation) shared = NULL;
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GSubprocess) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *out1 = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *err1 = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *first1 = NULL;
  g_autofree char *last1 = NULL;
  g_autofree char *first2 = NULL;
  g_autofree char *last2 = NULL;
  gint64 doc, russia, shared_id, changes_before;

  g_assert_nonnull (self);
  project = make_project (path, &doc);
  russia = gloss_project_resolve_code (project, "Actors/Russia", &error);
  g_assert_no_error (error);
  shared_id = gloss_project_add_annotation (project, doc, 0, 10, &russia, 1, "start", NULL, &error);
  g_assert_no_error (error);
  shared = gloss_project_get_annotation (project, shared_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (shared->revision, ==, 1);
  changes_before = count_changes (project);

  first = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                            self, "--writer", path, "writer-one", n, shared->uuid, NULL);
  g_assert_no_error (error);
  wait_ready (first);
  second = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                             G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                             self, "--writer", path, "writer-two", n, shared->uuid, NULL);
  g_assert_no_error (error);
  wait_ready (second);

  /* the word to both, then wait for both */
  go (first);
  go (second);
  g_subprocess_communicate_utf8 (first, NULL, NULL, &out1, &err1, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (second, NULL, NULL, &out2, &err2, &error);
  g_assert_no_error (error);
  g_test_message ("%s%s%s%s", out1, err1, out2, err2);
  g_assert_true (g_subprocess_get_if_exited (first));
  g_assert_cmpint (g_subprocess_get_exit_status (first), ==, 0);
  g_assert_true (g_subprocess_get_if_exited (second));
  g_assert_cmpint (g_subprocess_get_exit_status (second), ==, 0);

  /* the window's side: it notices the other processes' commits */
  g_assert_true (gloss_project_poll_external_changes (project));

  /* every write is there */
  g_assert_cmpuint (count_by (project, "writer-one", &first1, &last1), ==, N_WRITES);
  g_assert_cmpuint (count_by (project, "writer-two", &first2, &last2), ==, N_WRITES);
  /* the two writers' writes overlapped in time (each waited halfway for
   * the other's first write; times are to the millisecond) */
  g_test_message ("writer-one %s … %s, writer-two %s … %s", first1, last1, first2, last2);
  g_assert_cmpstr (last1, >=, first2);
  g_assert_cmpstr (last2, >=, first1);
  g_assert_cmpint (count_all (project), ==, 2 * N_WRITES + 1);
  g_assert_cmpint (count_changes (project), ==, changes_before + 4 * N_WRITES);
  g_clear_pointer (&shared, gloss_annotation_free);
  shared = gloss_project_get_annotation (project, shared_id, &error);
  g_assert_no_error (error);
  /* each edit re-read the revision inside its transaction: none lost */
  g_assert_cmpint (shared->revision, ==, 1 + 2 * N_WRITES);

  problems = gloss_project_check (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);

  /* and gloss-cli agrees */
  if (g_getenv ("GLOSS_CLI") != NULL)
    {
      g_autoptr(GSubprocess) check = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                                                       g_getenv ("GLOSS_CLI"), "check", path, NULL);

      g_assert_no_error (error);
      g_assert_true (g_subprocess_wait (check, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpint (g_subprocess_get_exit_status (check), ==, 0);
    }
}

/* A sync client renames another version over the file: writes and merges
 * refuse with REPLACED and leave the new file alone. */
static void
test_replaced_underneath (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "shared.gloss", NULL);
  g_autofree char *other_path = g_build_filename (dir, "other.gloss", NULL);
  g_autofree char *incoming = g_build_filename (dir, ".sync-incoming.gloss", NULL);
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GlossProject) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *contents = NULL;
  g_auto(GlossMergeReport) report = { 0, };
  const char *sources[2] = { NULL, NULL };
  gint64 doc, other_doc, russia;
  gsize len = 0;

  project = make_project (path, &doc);
  other = make_project (other_path, &other_doc);
  russia = gloss_project_resolve_code (project, "Actors/Russia", &error);
  g_assert_no_error (error);
  g_assert_cmpint (gloss_project_add_annotation (project, doc, 0, 10, &russia, 1, NULL, NULL, &error), >, 0);
  g_assert_no_error (error);

  g_assert_true (gloss_project_save_copy (project, incoming, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_rename (incoming, path), ==, 0);
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  before = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) contents, len);

  g_assert_cmpint (gloss_project_add_annotation (project, doc, 20, 30, &russia, 1, NULL, NULL, &error), ==, 0);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_REPLACED);
  g_clear_error (&error);

  sources[0] = other_path;
  g_assert_false (gloss_merge (project, sources, FALSE, &report, NULL, &error));
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_REPLACED);

  g_clear_pointer (&contents, g_free);
  g_file_get_contents (path, &contents, &len, NULL);
  after = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) contents, len);
  g_assert_cmpstr (before, ==, after);
}

int
main (int argc, char **argv)
{
  if (argc == 6 && g_str_equal (argv[1], "--writer"))
    return run_writer (argv[2], argv[3], atoi (argv[4]), argv[5]);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gloss/concurrency/two-writers", test_two_writers);
  g_test_add_func ("/gloss/concurrency/replaced-underneath", test_replaced_underneath);

  return g_test_run ();
}
