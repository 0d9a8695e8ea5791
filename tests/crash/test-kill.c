/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The kill harness: SIGKILL a writer at random moments and prove that the
 * project file loses nothing and never holds half an operation.
 *
 * After every kill `gloss-cli check` passes on the file just as the kill
 * left it (a hot journal is rolled back there, as any opening for writing
 * does); the file then opens through Gloss as an analyst would reopen
 * it, PRAGMA integrity_check says "ok", no hot -journal is left, and
 * the file's logical dump equals the state the writer last reported
 * committed, or the state after the one operation it had begun (learned by
 * replaying the same seed on a copy).  Imports (by gloss-cli) and merges
 * (by gloss_merge()) are killed too: the file is then exactly as before
 * (same SHA-256) or exactly as after a complete run.
 *
 * GLOSS_KILL_ROUNDS sets the number of kills of the operation writer
 * (default 20; the full run uses 200); imports and merges get a quarter of
 * that each, at least 4.  The negative control runs the writer with
 * GLOSS_TEST_SPLIT_TRANSACTIONS=1 and asserts that the harness notices. */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "gloss-interchange.h"
#include "gloss-project.h"
#include "crash-dump.h"

typedef struct
{
  guint kills;
  guint ops_confirmed;       /* "done" lines read back over all rounds */
  guint at_last_done;        /* the file held the last reported state */
  guint in_flight_committed; /* ... or the one after, committed before its report */
  guint exited_first;        /* the command finished before the signal came */
  guint before;              /* import/merge: file byte-identical to before */
  guint before_logical;      /* ... logically identical */
  guint after;               /* ... exactly as after a full run */
  guint hot_journals;        /* a -journal was there when the process died */
  guint check_repaired;      /* gloss-cli check rolled a hot journal back */
} Stats;

typedef struct
{
  char  *dir;
  char  *writer;
  char  *cli;
  GRand *rand;
} Harness;

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

static guint
kill_rounds (void)
{
  const char *value = g_getenv ("GLOSS_KILL_ROUNDS");
  guint64 n = value != NULL ? g_ascii_strtoull (value, NULL, 10) : 0;

  return n > 0 ? (guint) n : 20;
}

static void
harness_init (Harness *h)
{
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("GLOSS_CLI");
  const char *seed = g_getenv ("GLOSS_KILL_SEED");
  guint32 s = seed != NULL ? (guint32) g_ascii_strtoull (seed, NULL, 10) : g_random_int ();

  h->dir = g_dir_make_tmp ("gloss-kill-XXXXXX", &error);
  g_assert_no_error (error);
  h->writer = g_test_build_filename (G_TEST_BUILT, "crash-writer", NULL);
  g_assert_true (g_file_test (h->writer, G_FILE_TEST_IS_EXECUTABLE));
  g_assert_nonnull (cli);
  h->cli = g_strdup (cli);
  h->rand = g_rand_new_with_seed (s);
  g_test_message ("harness seed %u (GLOSS_KILL_SEED=%u repeats this run)", s, s);
}

static void
harness_clear (Harness *h)
{
  remove_tree (h->dir);
  g_free (h->dir);
  g_free (h->writer);
  g_free (h->cli);
  g_rand_free (h->rand);
}

static char *
in_dir (Harness    *h,
        const char *name)
{
  return g_build_filename (h->dir, name, NULL);
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
read_text (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "sample", name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static char *
digest_of (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *digest = crash_dump_file_digest (path, NULL, &error);

  g_assert_no_error (error);
  return digest;
}

static gboolean
journal_exists (const char *path)
{
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  return g_file_test (journal, G_FILE_TEST_EXISTS);
}

/* A project with the sample interview and a text with emoji. */
static void
make_project (const char *path,
              const char *annotator)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = gloss_project_create (path, annotator, FALSE, &error);
  g_autofree char *sample = read_text ("pakistan-russia-interview.txt");
  g_autofree char *emoji_path = g_test_build_filename (G_TEST_DIST, "data", "text", "emoji.txt",
                                                       NULL);

  g_assert_no_error (error);
  gloss_project_add_document (project, "Sample interview", sample, NULL, NULL, &error);
  g_assert_no_error (error);
  gloss_project_import_file (project, emoji_path, "Emoji", NULL, NULL, &error);
  g_assert_no_error (error);
}

/* Adds @n annotations in one transaction, each with a note "@prefix-i". */
static void
add_annotations (const char *path,
                 guint       n,
                 const char *annotator,
                 const char *prefix,
                 guint32     seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (GlossNewAnnotation));
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) chosen = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  gint64 document;
  g_autoptr(GlossDocument) info = NULL;

  g_assert_no_error (error);
  document = gloss_project_resolve_document (project, "Sample interview", &error);
  g_assert_no_error (error);
  info = gloss_project_get_document (project, document, &error);
  g_assert_no_error (error);
  codes = gloss_project_list_codes (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (codes->len, >, 0);

  /* One code from the first dimension (multiple-valued in the default codebook). */
  for (guint i = 0; i < n; i++)
    {
      GlossCode *code = codes->pdata[g_rand_int_range (rand, 0, 10)];
      g_array_append_val (chosen, code->id);
    }
  for (guint i = 0; i < n; i++)
    {
      GlossNewAnnotation item = { 0 };
      char *note = g_strdup_printf ("%s-%u", prefix, i);

      item.document = document;
      item.start = g_rand_int_range (rand, 0, (gint32) info->length - 100);
      item.end = item.start + g_rand_int_range (rand, 1, 100);
      item.codes = &g_array_index (chosen, gint64, i);
      item.n_codes = 1;
      item.note = note;
      g_ptr_array_add (notes, note);
      g_array_append_val (items, item);
    }

  if (annotator != NULL)
    {
      gloss_project_set_default_annotator (project, annotator, &error);
      g_assert_no_error (error);
    }
  gloss_project_add_annotations (project, (GlossNewAnnotation *) items->data, items->len, NULL,
                                 NULL, &error);
  g_assert_no_error (error);
}

/* `gloss-cli check FILE`: TRUE when it exits 0; @output gets what it said. */
static gboolean
cli_check (Harness  *h,
           const char *path,
           char    **output)
{
  const char *argv[] = { h->cli, "check", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  *output = g_strdup_printf ("%s%s", out, err);
  return g_spawn_check_wait_status (status, NULL);
}

/* The checks after every kill; the logical digest goes to @digest. */
static gboolean
check_after_kill (Harness    *h,
                  const char *path,
                  Stats      *stats,
                  char      **digest,
                  GString    *failure)
{
  g_autofree char *output = NULL;
  g_autofree char *answer = NULL;
  g_autoptr(GError) error = NULL;

  /* `gloss-cli check` first, on the file just as the kill left it: a hot
   * journal is rolled back there, and the last committed state checked. */
  if (!cli_check (h, path, &output))
    {
      g_string_append_printf (failure, "gloss-cli check failed: %s", output);
      return FALSE;
    }
  if (strstr (output, "left unfinished by a crash") != NULL)
    stats->check_repaired++;

  /* Then open it as Gloss does when the analyst comes back. */
  {
    g_autoptr(GlossProject) project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);

    if (project == NULL)
      {
        g_string_append_printf (failure, "reopening failed: %s", error->message);
        return FALSE;
      }
  }
  if (!crash_integrity_ok (path, &answer))
    {
      g_string_append_printf (failure, "integrity_check: %s", answer);
      return FALSE;
    }
  if (journal_exists (path) && !crash_journal_is_stale (path))
    {
      g_string_append (failure, "a hot -journal is left after opening");
      return FALSE;
    }
  *digest = crash_dump_file_digest (path, NULL, &error);
  if (*digest == NULL)
    {
      g_string_append_printf (failure, "dump: %s", error->message);
      return FALSE;
    }
  return TRUE;
}

static GSubprocess *
spawn (const char *const *argv,
       gboolean           split,
       GSubprocessFlags   flags)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  if (split)
    g_subprocess_launcher_setenv (launcher, "GLOSS_TEST_SPLIT_TRANSACTIONS", "1", TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "GLOSS_TEST_SPLIT_TRANSACTIONS");
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

/* Kills @process and reports whether the signal is what ended it. */
static gboolean
kill_and_wait (GSubprocess *process)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_if_signaled (process) && g_subprocess_get_term_sig (process) == SIGKILL;
}

/* ------------------------------------------------------------------------
 * Operations
 * ------------------------------------------------------------------------ */

/* Runs the writer to completion: @n operations from @seed on @path.
 * Returns the digest of its last "done" line. */
static char *
replay (Harness    *h,
        const char *path,
        guint32     seed,
        guint       n,
        gboolean    split)
{
  g_autofree char *seed_str = g_strdup_printf ("%u", seed);
  g_autofree char *n_str = g_strdup_printf ("%u", n);
  const char *argv[] = { h->writer, "ops", path, seed_str, n_str, NULL };
  g_autoptr(GSubprocess) process = spawn (argv, split, G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  char *digest = NULL;

  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", -1);

      if (g_strv_length (fields) >= 3 && g_str_equal (fields[0], "done"))
        {
          g_free (digest);
          digest = g_strdup (fields[2]);
        }
    }
  g_assert_nonnull (digest);
  return digest;
}

typedef struct
{
  guint  last_begun;
  guint  last_done;
  char  *digest;     /* of the last "done" line */
  guint  n_done;
  gboolean garbled;
} WriterReport;

/* Parses one line of the writer's output into @report. */
static void
parse_line (WriterReport *report,
            const char   *line)
{
  g_auto(GStrv) fields = g_strsplit (line, " ", -1);
  guint n = g_strv_length (fields);

  if (n >= 3 && g_str_equal (fields[0], "begin"))
    report->last_begun = (guint) g_ascii_strtoull (fields[1], NULL, 10);
  else if (n >= 4 && g_str_equal (fields[0], "done") && strlen (fields[2]) == 64)
    {
      guint op = (guint) g_ascii_strtoull (fields[1], NULL, 10);

      if (op != report->last_begun || op != report->last_done + 1)
        report->garbled = TRUE;
      report->last_done = op;
      g_free (report->digest);
      report->digest = g_strdup (fields[2]);
      report->n_done++;
    }
  /* Anything else is a line the kill cut short: the operation it would
   * have reported is judged by the replay below. */
}

/* One kill of the operation writer; FALSE (with @failure) when the file
 * is not in a state the writer could have left. */
static gboolean
operations_round (Harness    *h,
                  const char *path,
                  gboolean    split,
                  Stats      *stats,
                  GString    *failure)
{
  g_autofree char *start = in_dir (h, "round-start.gloss");
  g_autofree char *start_digest = digest_of (path);
  guint32 seed = g_rand_int (h->rand);
  g_autofree char *seed_str = g_strdup_printf ("%u", seed);
  const char *argv[] = { h->writer, "ops", path, seed_str, "0", NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *digest = NULL;
  const char *expected;
  WriterReport report = { 0 };
  guint wait_for;
  gboolean killed = FALSE, ok = FALSE;
  char *line;

  copy_file (path, start);
  process = spawn (argv, split, G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));

  /* Kill after 0 to 20 reported operations, then 0 to 40 ms more: during
   * the open, inside a transaction, in its commit or between two. */
  wait_for = g_rand_int_range (h->rand, 0, 21);
  if (wait_for == 0)
    {
      g_usleep (g_rand_int_range (h->rand, 0, 40000));
      killed = kill_and_wait (process);
    }
  for (;;)
    {
      g_autoptr(GError) error = NULL;

      line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
      g_assert_no_error (error);
      if (line == NULL)
        break;
      parse_line (&report, line);
      g_free (line);
      if (!killed && report.n_done >= wait_for)
        {
          g_usleep (g_rand_int_range (h->rand, 0, 40000));
          killed = kill_and_wait (process);
        }
    }
  if (!killed)
    {
      g_autoptr(GError) error = NULL;

      g_subprocess_wait (process, NULL, &error);
      g_string_append_printf (failure, "the writer ended before it was killed (status %d)",
                              g_subprocess_get_status (process));
      goto out;
    }
  if (report.garbled)
    {
      g_string_append (failure, "the writer's report is out of order");
      goto out;
    }

  stats->kills++;
  stats->ops_confirmed += report.n_done;
  if (journal_exists (path))
    stats->hot_journals++;

  if (!check_after_kill (h, path, stats, &digest, failure))
    goto out;

  /* Every operation reported committed is there, none half-applied: the
   * file is exactly the last reported state ... */
  expected = report.digest != NULL ? report.digest : start_digest;
  if (g_str_equal (digest, expected))
    {
      stats->at_last_done++;
      ok = TRUE;
      goto out;
    }

  /* ... or exactly the state after the next operation, had it committed
   * before the kill cut off its report: replay it on a copy. */
  {
    g_autofree char *copy = in_dir (h, "replay.gloss");
    g_autofree char *after = NULL;

    copy_file (start, copy);
    after = replay (h, copy, seed, report.last_done + 1, split);
    if (g_str_equal (digest, after))
      {
        stats->in_flight_committed++;
        ok = TRUE;
        goto out;
      }

    g_string_append_printf (failure,
                            "seed %u killed after operation %u (begun %u): the file is neither "
                            "the state reported after operation %u (%.12s) nor the state after "
                            "operation %u (%.12s) but %.12s",
                            seed, report.last_done, report.last_begun, report.last_done,
                            expected, report.last_done + 1, after, digest);
  }

out:
  g_free (report.digest);
  return ok;
}

static void
test_operations (void)
{
  Harness h = { 0 };
  Stats stats = { 0 };
  g_autofree char *path = NULL;
  guint rounds = kill_rounds ();

  harness_init (&h);
  path = in_dir (&h, "kill.gloss");
  make_project (path, "alice");

  for (guint i = 0; i < rounds; i++)
    {
      g_autoptr(GString) failure = g_string_new (NULL);

      if (!operations_round (&h, path, FALSE, &stats, failure))
        g_error ("kill %u: %s", i + 1, failure->str);
    }

  g_test_message ("operations: %u kills, %u operations reported done; after the kill the file "
                  "held the last reported state %u times and the next, committed but not yet "
                  "reported, %u times; %u kills left a -journal, %u of them hot and rolled "
                  "back by gloss-cli check",
                  stats.kills, stats.ops_confirmed, stats.at_last_done,
                  stats.in_flight_committed, stats.hot_journals, stats.check_repaired);
  g_assert_cmpuint (stats.kills, ==, rounds);
  g_assert_cmpuint (stats.ops_confirmed, >, 0);
  harness_clear (&h);
}

/* The negative control: an annotation add split into two transactions
 * must be caught half-applied within a few dozen kills. */
static void
test_negative_control (void)
{
  Harness h = { 0 };
  Stats stats = { 0 };
  g_autofree char *path = NULL;
  g_autoptr(GString) failure = g_string_new (NULL);
  guint round;

  harness_init (&h);
  path = in_dir (&h, "split.gloss");
  make_project (path, "alice");

  for (round = 0; round < 100; round++)
    {
      if (!operations_round (&h, path, TRUE, &stats, failure))
        break;
    }

  g_test_message ("negative control: caught after %u kills: %s", round + 1, failure->str);
  g_assert_cmpuint (round, <, 100);
  g_assert_nonnull (strstr (failure->str, "is neither"));
  harness_clear (&h);
}

/* ------------------------------------------------------------------------
 * Imports and merges
 * ------------------------------------------------------------------------ */

typedef struct
{
  char   *base;          /* the project before */
  char   *base_sha256;
  char   *base_digest;
  char   *after_digest;  /* after a complete run */
  gint64  duration_us;   /* of a complete run */
} Interruptible;

static void
interruptible_clear (Interruptible *run)
{
  g_free (run->base);
  g_free (run->base_sha256);
  g_free (run->base_digest);
  g_free (run->after_digest);
}

/* Runs @argv (whose element @path_index is the project) once to the end
 * on a copy of @base, to learn the state after and how long it takes. */
static void
interruptible_init (Harness       *h,
                    Interruptible *run,
                    const char    *base,
                    const char   **argv,
                    guint          path_index)
{
  g_autofree char *copy = in_dir (h, "complete.gloss");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *saved = argv[path_index];
  gint64 t0;
  int status;

  run->base = g_strdup (base);
  run->base_sha256 = crash_file_sha256 (base);
  run->base_digest = digest_of (base);

  copy_file (base, copy);
  argv[path_index] = copy;
  t0 = g_get_monotonic_time ();
  process = spawn (argv, FALSE, G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  run->duration_us = g_get_monotonic_time () - t0;
  argv[path_index] = saved;
  status = g_subprocess_get_exit_status (process);
  /* 0: done; 4: done, with items listed as not brought over. */
  g_assert_true (status == 0 || status == 4);
  run->after_digest = digest_of (copy);
  g_assert_cmpstr (run->after_digest, !=, run->base_digest);
}

static gboolean
interrupt_round (Harness       *h,
                 Interruptible *run,
                 const char   **argv,
                 guint          path_index,
                 Stats         *stats,
                 GString       *failure)
{
  const char *path = argv[path_index];
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *sha256 = NULL;
  gint64 delay;

  copy_file (run->base, path);
  process = spawn (argv, FALSE, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  delay = g_rand_int_range (h->rand, 0, (gint32) MIN (run->duration_us * 2, G_MAXINT32));
  g_usleep (delay);
  if (kill_and_wait (process))
    stats->kills++;
  else
    stats->exited_first++;
  if (journal_exists (path))
    stats->hot_journals++;

  if (!check_after_kill (h, path, stats, &digest, failure))
    return FALSE;

  sha256 = crash_file_sha256 (path);
  if (g_str_equal (sha256, run->base_sha256))
    stats->before++;
  else if (g_str_equal (digest, run->base_digest))
    stats->before_logical++;
  else if (g_str_equal (digest, run->after_digest))
    stats->after++;
  else
    {
      g_string_append_printf (failure, "killed after %" G_GINT64_FORMAT " µs: the project is "
                              "neither as before nor as after", delay);
      return FALSE;
    }
  return TRUE;
}

static void
run_interrupted (Harness       *h,
                 const char    *what,
                 const char    *base,
                 const char   **argv,
                 guint          path_index)
{
  Interruptible run = { 0 };
  Stats stats = { 0 };
  guint rounds = MAX (4, kill_rounds () / 4);

  interruptible_init (h, &run, base, argv, path_index);
  for (guint i = 0; i < rounds; i++)
    {
      g_autoptr(GString) failure = g_string_new (NULL);

      if (!interrupt_round (h, &run, argv, path_index, &stats, failure))
        g_error ("%s, kill %u: %s", what, i + 1, failure->str);
    }

  g_test_message ("%s (%.0f ms to the end): %u kills (%u runs ended first); the project was "
                  "byte-identical to before %u times, logically identical %u times, exactly as "
                  "after %u times; %u kills left a -journal, %u of them hot and rolled back "
                  "by gloss-cli check",
                  what, run.duration_us / 1000.0, stats.kills, stats.exited_first, stats.before,
                  stats.before_logical, stats.after, stats.hot_journals, stats.check_repaired);
  g_assert_cmpuint (stats.kills + stats.exited_first, ==, rounds);
  g_assert_cmpuint (stats.before + stats.before_logical + stats.after, ==, rounds);
  interruptible_clear (&run);
}

/* A second analyst's project: the same documents, 3,000 annotations by bob. */
static char *
make_source (Harness *h)
{
  g_autofree char *base = in_dir (h, "base.gloss");
  char *source = in_dir (h, "source.gloss");

  make_project (base, "alice");
  add_annotations (base, 50, NULL, "alice", 1);
  copy_file (base, source);
  add_annotations (source, 3000, "bob", "bob", 2);
  return source;
}

static void
test_xml_import (void)
{
  Harness h = { 0 };
  g_autofree char *source = NULL;
  g_autofree char *base = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *target = NULL;
  g_autoptr(GError) error = NULL;

  harness_init (&h);
  source = make_source (&h);
  base = in_dir (&h, "base.gloss");
  xml = in_dir (&h, "source.xml");
  target = in_dir (&h, "target.gloss");
  {
    g_autoptr(GlossProject) project = gloss_project_open (source, GLOSS_OPEN_READ_ONLY, &error);
    GlossExportOptions options = GLOSS_EXPORT_OPTIONS_INIT;

    g_assert_no_error (error);
    gloss_xml_export (project, xml, &options, NULL, &error);
    g_assert_no_error (error);
  }
  {
    const char *argv[] = { h.cli, "import", target, xml, NULL };

    run_interrupted (&h, "Gloss XML import", base, argv, 2);
  }
  harness_clear (&h);
}

static void
test_refi_import (void)
{
  Harness h = { 0 };
  g_autofree char *source = NULL;
  g_autofree char *base = NULL;
  g_autofree char *qdpx = NULL;
  g_autofree char *target = NULL;
  g_autoptr(GError) error = NULL;

  harness_init (&h);
  source = make_source (&h);
  base = in_dir (&h, "base.gloss");
  qdpx = in_dir (&h, "source.qdpx");
  target = in_dir (&h, "target.gloss");
  {
    g_autoptr(GlossProject) project = gloss_project_open (source, GLOSS_OPEN_READ_ONLY, &error);
    GlossExportOptions options = GLOSS_EXPORT_OPTIONS_INIT;

    g_assert_no_error (error);
    gloss_refi_export_qdpx (project, qdpx, &options, NULL, &error);
    g_assert_no_error (error);
  }
  {
    const char *argv[] = { h.cli, "import", target, qdpx, NULL };

    run_interrupted (&h, "REFI-QDA import", base, argv, 2);
  }
  harness_clear (&h);
}

static void
test_merge (void)
{
  Harness h = { 0 };
  g_autofree char *source = NULL;
  g_autofree char *base = NULL;
  g_autofree char *target = NULL;

  harness_init (&h);
  source = make_source (&h);
  base = in_dir (&h, "base.gloss");
  target = in_dir (&h, "target.gloss");
  {
    const char *argv[] = { h.writer, "merge", target, source, NULL };

    run_interrupted (&h, "merge", base, argv, 2);
  }
  harness_clear (&h);
}

/* A merge too large to keep a changeset for, bringing more annotations
 * than the target holds: inside its one transaction it drops and rebuilds
 * the secondary indexes and writes the span index's tables itself. */
static void
test_large_merge (void)
{
  Harness h = { 0 };
  g_autofree char *base = NULL;
  g_autofree char *source = NULL;
  g_autofree char *target = NULL;

  harness_init (&h);
  base = in_dir (&h, "base.gloss");
  source = in_dir (&h, "source.gloss");
  target = in_dir (&h, "target.gloss");
  make_project (base, "alice");
  add_annotations (base, 50, NULL, "alice", 1);
  copy_file (base, source);
  add_annotations (source, 25000, "bob", "bob", 3);
  {
    const char *argv[] = { h.writer, "merge", target, source, NULL };

    run_interrupted (&h, "large merge", base, argv, 2);
  }
  harness_clear (&h);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gloss/kill/operations", test_operations);
  g_test_add_func ("/gloss/kill/negative-control", test_negative_control);
  g_test_add_func ("/gloss/kill/xml-import", test_xml_import);
  g_test_add_func ("/gloss/kill/refi-import", test_refi_import);
  g_test_add_func ("/gloss/kill/merge", test_merge);
  g_test_add_func ("/gloss/kill/large-merge", test_large_merge);

  return g_test_run ();
}
