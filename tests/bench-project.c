/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmarks of the project store, each next to the sqlite3 tool doing the
 * same inserts with the same PRAGMAs and the same number of transactions.
 *
 *   bench-project [--annotations N] [--durable N] [--characters N]
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "gloss-project.h"

static gint64 n_annotations = 100000;
static gint64 n_durable = 50;
static gint64 n_characters = 1000000;

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static char *
make_text (gint64 characters)
{
  /* Turns of a synthetic interview, with non-ASCII letters so code points
   * and bytes differ. */
  static const char *words[] = { "Pakistan", "Russia", "relations", "diplomacy", "energy",
                                 "pipeline", "corridor", "security", "Kashmir", "trade",
                                 "naïve", "détente", "—", "cooperation", "Moscow" };
  GString *s = g_string_new (NULL);
  gint64 n = 0;
  guint w = 0;

  while (n < characters - 20)
    {
      const char *word = words[(w * 7 + w / 3) % G_N_ELEMENTS (words)];

      if (w % 40 == 0)
        {
          g_string_append (s, w % 80 == 0 ? "INTERVIEWER: " : "ANALYST: ");
          n += 13;
        }
      g_string_append (s, word);
      n += g_utf8_strlen (word, -1);
      g_string_append_c (s, w % 40 == 39 ? '\n' : ' ');
      n++;
      w++;
    }
  g_string_append_c (s, '\n');

  return g_string_free (s, FALSE);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
run_sqlite3 (const char *db,
             const char *script)
{
  g_autofree char *script_path = g_strconcat (db, ".sql", NULL);
  g_autofree char *command = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  double t0;

  g_file_set_contents (script_path, script, -1, &error);
  g_assert_no_error (error);
  command = g_strdup_printf ("sh -c 'sqlite3 \"%s\" < \"%s\" > /dev/null'", db, script_path);

  t0 = now_s ();
  g_spawn_command_line_sync (command, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  return now_s () - t0;
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (to, contents, len, NULL));
}

int
main (int argc, char **argv)
{
  GOptionEntry entries[] = {
    { "annotations", 0, 0, G_OPTION_ARG_INT64, &n_annotations, "Bulk annotations", "N" },
    { "durable", 0, 0, G_OPTION_ARG_INT64, &n_durable, "Durable single adds", "N" },
    { "characters", 0, 0, G_OPTION_ARG_INT64, &n_characters, "Document length", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("gloss-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.gloss", NULL);
  g_autofree char *base = g_build_filename (dir, "base.gloss", NULL);
  g_autofree char *baseline = g_build_filename (dir, "sqlite3.gloss", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (GlossNewAnnotation));
  g_autoptr(GString) script = g_string_new (NULL);
  g_autoptr(GArray) durations = g_array_new (FALSE, FALSE, sizeof (double));
  GRand *rand = g_rand_new_with_seed (42);
  gint64 doc, russia, length;
  double t0, bulk_gloss, bulk_sqlite, durable_gloss, durable_sqlite, query_total = 0;
  guint query_hits = 0;
  int n_queries = 1000;
  struct rusage usage;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  text = make_text (n_characters);
  length = g_utf8_strlen (text, -1);
  project = gloss_project_create (base, "bench", FALSE, &error);
  g_assert_no_error (error);
  doc = gloss_project_add_document (project, "Long interview", text, NULL, NULL, &error);
  g_assert_no_error (error);
  russia = gloss_project_resolve_code (project, "Actors/Russia", &error);
  g_assert_no_error (error);
  g_clear_object (&project);
  copy_file (base, path);
  copy_file (base, baseline);

  project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);

  /* Durable adds: one transaction each, synchronous=FULL. */
  for (gint64 i = 0; i < n_durable; i++)
    {
      gint64 start = g_rand_int_range (rand, 0, length - 100);
      double t;

      t0 = now_s ();
      gloss_project_add_annotation (project, doc, start, start + 20, &russia, 1, NULL, NULL, &error);
      t = now_s () - t0;
      g_assert_no_error (error);
      g_array_append_val (durations, t);
    }
  g_array_sort (durations, compare_doubles);
  durable_gloss = g_array_index (durations, double, durations->len / 2);

  g_string_append (script, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = EXTRA; "
                           "PRAGMA foreign_keys = ON;\n");
  for (gint64 i = 0; i < n_durable; i++)
    {
      gint64 start = g_rand_int_range (rand, 0, length - 100);

      g_string_append_printf (script,
                              "INSERT INTO annotation (uuid, document, start, \"end\", quote, annotator, "
                              "created, modified) VALUES ('d%" G_GINT64_FORMAT "', %" G_GINT64_FORMAT
                              ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", 'q', 1, 'now', 'now');\n",
                              i, doc, start, start + 20);
    }
  durable_sqlite = run_sqlite3 (baseline, script->str) / n_durable;
  g_string_truncate (script, 0);

  /* Bulk: n annotations in one transaction. */
  for (gint64 i = 0; i < n_annotations; i++)
    {
      GlossNewAnnotation item = { doc, 0, 0, &russia, 1, NULL };

      item.start = g_rand_int_range (rand, 0, length - 300);
      item.end = item.start + g_rand_int_range (rand, 1, 200);
      g_array_append_val (items, item);
    }
  t0 = now_s ();
  gloss_project_add_annotations (project, (GlossNewAnnotation *) items->data, items->len, NULL,
                                 NULL, &error);
  bulk_gloss = now_s () - t0;
  g_assert_no_error (error);

  g_string_append (script, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = EXTRA; "
                           "PRAGMA foreign_keys = ON;\nBEGIN;\n");
  for (guint i = 0; i < items->len; i++)
    {
      GlossNewAnnotation *item = &g_array_index (items, GlossNewAnnotation, i);

      g_string_append_printf (script,
                              "INSERT INTO annotation (uuid, document, start, \"end\", quote, annotator, "
                              "created, modified) VALUES ('b%u', %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
                              ", %" G_GINT64_FORMAT ", 'q', 1, 'now', 'now');\n"
                              "INSERT INTO annotation_code VALUES (last_insert_rowid (), %" G_GINT64_FORMAT ");\n",
                              i, doc, item->start, item->end, russia);
    }
  g_string_append (script, "COMMIT;\n");
  bulk_sqlite = run_sqlite3 (baseline, script->str);

  /* Overlap queries near the end of the document. */
  for (int q = 0; q < n_queries; q++)
    {
      GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
      g_autoptr(GPtrArray) found = NULL;

      filter.document = doc;
      filter.range_start = length - 3000 + g_rand_int_range (rand, 0, 1000);
      filter.range_end = filter.range_start + 2000;   /* about a screenful */
      t0 = now_s ();
      found = gloss_project_list_annotations (project, &filter, &error);
      query_total += now_s () - t0;
      g_assert_no_error (error);
      query_hits += found->len;
    }

  getrusage (RUSAGE_SELF, &usage);

  g_print ("# Project store (%" G_GINT64_FORMAT " characters, %" G_GINT64_FORMAT " annotations)\n",
           length, n_annotations);
  g_print ("%-52s %12s %12s %8s\n", "benchmark", "gloss", "sqlite3", "ratio");
  g_print ("%-52s %10.2f ms %10.2f ms %8.2f\n", "durable add, one transaction (median)",
           durable_gloss * 1e3, durable_sqlite * 1e3, durable_gloss / durable_sqlite);
  g_print ("%-52s %10.2f s  %10.2f s  %8.2f\n", "bulk add in one transaction",
           bulk_gloss, bulk_sqlite, bulk_gloss / bulk_sqlite);
  g_print ("%-52s %10.3f ms %12s %8s\n", "overlap query, 2,000-character window at the end",
           query_total / n_queries * 1e3, "-", "-");
  g_print ("%-52s %10.1f\n", "annotations per query (mean)", (double) query_hits / n_queries);
  g_print ("%-52s %10ld MiB\n", "peak memory (max RSS)", usage.ru_maxrss / 1024);

  g_clear_object (&project);
  g_rand_free (rand);
  {
    const char *names[] = { "bench.gloss", "base.gloss", "sqlite3.gloss", "sqlite3.gloss.sql" };
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *p = g_build_filename (dir, names[i], NULL);
        g_unlink (p);
      }
    g_rmdir (dir);
  }

  return 0;
}
