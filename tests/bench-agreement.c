/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark of `gloss-cli agree`'s work: two analysts, each in a copy of
 * one project, with N spans each on one long document; times opening both
 * files, the comparison and its JSON, and reports the peak memory of a
 * process that does only that.
 *
 *   bench-agreement [--spans N] [--characters N]
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "bench-peak.h"
#include "gloss-agreement.h"
#include "gloss-project.h"

static gint64 n_spans = 100000;
static gint64 n_characters = 1000000;
static char *compare_dir = NULL;
static gboolean keep = FALSE;

static double
now_s (void)
{
  return (double) g_get_monotonic_time () / 1e6;
}

static double
cpu_s (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (double) usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
         + (double) usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}


static char *
make_text (gint64 characters)
{
  static const char *words[] = { "Pakistan", "Russia", "relations", "diplomacy", "energy",
                                 "pipeline", "corridor", "security", "Kashmir", "naïve",
                                 "détente", "cooperation", "Moscow", "trade", "—" };
  GString *text = g_string_new (NULL);
  gint64 n = 0;

  for (guint w = 0; n < characters - 1; w++)
    {
      const char *word = words[(w * 7 + w / 3) % G_N_ELEMENTS (words)];
      glong len = g_utf8_strlen (word, -1);

      if (n + len + 1 > characters - 1)
        break;
      g_string_append (text, word);
      g_string_append_c (text, w % 30 == 29 ? '\n' : ' ');
      n += len + 1;
    }
  while (n < characters)
    {
      g_string_append_c (text, '.');
      n++;
    }

  return g_string_free (text, FALSE);
}

/* The timed part, run in a process of its own so that its peak memory is
 * the comparison's, not the setup's. */
static int
run_compare (const char *dir)
{
  g_autofree char *path_a = g_build_filename (dir, "alice.gloss", NULL);
  g_autofree char *path_b = g_build_filename (dir, "bob.gloss", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) a = NULL;
  g_autoptr(GlossProject) b = NULL;
  g_autoptr(GlossAgreementReport) report = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  GlossProject *projects[2];
  double t0, c0, t_open, c_open, t_compare, c_compare, t_json;

  t0 = now_s ();
  c0 = cpu_s ();
  {
    const char *paths[] = { path_a, path_b };
    g_autoptr(GPtrArray) opened = gloss_project_open_many (paths, 2, GLOSS_OPEN_READ_ONLY, &error);

    g_assert_no_error (error);
    a = g_object_ref (opened->pdata[0]);
    b = g_object_ref (opened->pdata[1]);
  }
  t_open = now_s () - t0;
  c_open = cpu_s () - c0;

  projects[0] = a;
  projects[1] = b;
  t0 = now_s ();
  c0 = cpu_s ();
  report = gloss_agreement_compare (projects, 2, NULL, NULL, &error);
  g_assert_no_error (error);
  t_compare = now_s () - t0;
  c_compare = cpu_s () - c0;

  t0 = now_s ();
  json = gloss_agreement_report_to_json (report);
  json_generator_set_root (generator, json);
  text = json_generator_to_data (generator, NULL);
  t_json = now_s () - t0;

  g_print ("open both files (with their integrity check, side by side): %.3f s, %.3f s of CPU "
           "time\n", t_open, c_open);
  g_print ("compare: %.3f s%s, %.3f s of CPU time\n", t_compare,
           t_compare < 1.0 ? "" : " (over the 1 s target)", c_compare);
  g_print ("JSON: %.3f s (%zu bytes)\n", t_json, strlen (text));
  g_print ("compare + JSON: %.3f s\n", t_compare + t_json);
  g_print ("full agree run (open + compare + JSON): %.3f s%s\n", t_open + t_compare + t_json,
           t_open + t_compare + t_json < 1.0 ? "" : " (over the 1 s target)");
  g_print ("peak memory of open + compare + JSON: %.1f MiB\n", gloss_bench_peak_mib ());

  for (guint i = 0; i < report->dimensions->len; i++)
    {
      GlossAgreementDimension *dim = report->dimensions->pdata[i];

      g_print ("%s: %" G_GINT64_FORMAT " positions, alpha %.3f, alpha_U %.3f (%" G_GINT64_FORMAT
               " units), F1 exact %.3f, overlap %.3f\n",
               dim->name, dim->positions, dim->krippendorff_alpha.value,
               dim->alpha_u_pooled.value, dim->alpha_u_pooled.units,
               dim->f1_exact.value, dim->f1_overlap.value);

      /* The figures must be there: a benchmark of a broken compare is no benchmark. */
      if (dim->positions == 0 || isnan (dim->krippendorff_alpha.value)
          || isnan (dim->alpha_u_pooled.value) || isnan (dim->f1_overlap.value))
        {
          g_printerr ("bench-agreement: %s has undefined figures\n", dim->name);
          return 1;
        }
    }

  return 0;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  GOptionEntry entries[] = {
    { "spans", 0, 0, G_OPTION_ARG_INT64, &n_spans, "Spans per annotator", "N" },
    { "characters", 0, 0, G_OPTION_ARG_INT64, &n_characters, "Document length", "N" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the two files (for profiling with --compare)", NULL },
    { "compare", 0, 0, G_OPTION_ARG_FILENAME, &compare_dir,
      "Only time the comparison of DIR/alice.gloss and DIR/bob.gloss", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (1995);
  g_autofree char *dir = NULL;
  g_autofree char *path_a = NULL;
  g_autofree char *path_b = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GlossProject) a = NULL;
  g_autoptr(GlossProject) b = NULL;
  g_autoptr(GArray) items_a = g_array_new (FALSE, FALSE, sizeof (GlossNewAnnotation));
  g_autoptr(GArray) items_b = g_array_new (FALSE, FALSE, sizeof (GlossNewAnnotation));
  g_autoptr(GArray) codes = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 stance[5];
  gint64 themes[8];
  gint64 doc, dimension;
  double t0;
  int status = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-agreement: %s\n", error->message);
      return 1;
    }

  if (compare_dir != NULL)
    return run_compare (compare_dir);

  dir = g_dir_make_tmp ("gloss-bench-agreement-XXXXXX", &error);
  g_assert_no_error (error);
  path_a = g_build_filename (dir, "alice.gloss", NULL);
  path_b = g_build_filename (dir, "bob.gloss", NULL);

  /* Setup: one project, copied for the second analyst. */
  t0 = now_s ();
  text = make_text (n_characters);
  a = gloss_project_create (path_a, "alice", TRUE, &error);
  g_assert_no_error (error);
  doc = gloss_project_add_document (a, "Long interview", text, NULL, NULL, &error);
  g_assert_no_error (error);

  dimension = gloss_project_add_dimension (a, "Stance", GLOSS_DIMENSION_STANCE, FALSE,
                                           GLOSS_LEVEL_ORDINAL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (stance); i++)
    {
      g_autofree char *name = g_strdup_printf ("stance %u", i + 1);

      stance[i] = gloss_project_add_code (a, dimension, 0, name, "#26a269", NULL, NULL, &error);
      g_assert_no_error (error);
    }
  dimension = gloss_project_add_dimension (a, "Themes", GLOSS_DIMENSION_THEME, TRUE,
                                           GLOSS_LEVEL_NOMINAL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (themes); i++)
    {
      g_autofree char *name = g_strdup_printf ("theme %u", i + 1);

      themes[i] = gloss_project_add_code (a, dimension, 0, name, "#1c71d8", NULL, NULL, &error);
      g_assert_no_error (error);
    }

  gloss_project_save_copy (a, path_b, &error);
  g_assert_no_error (error);
  b = gloss_project_open (path_b, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);

  /* Each span carries a stance and a theme: alice's at random, bob's
   * mostly alice's, sometimes shifted or recoded, sometimes his own. */
  g_array_set_size (codes, 4 * n_spans);
  for (gint64 i = 0; i < n_spans; i++)
    {
      GlossNewAnnotation item = { doc, 0, 0, &g_array_index (codes, gint64, 4 * i), 2, NULL };
      GlossNewAnnotation other;
      gint64 *c = &g_array_index (codes, gint64, 4 * i);

      item.start = g_rand_int_range (rand, 0, (gint32) (n_characters - 80));
      item.end = item.start + g_rand_int_range (rand, 3, 80);
      c[0] = stance[g_rand_int_range (rand, 0, G_N_ELEMENTS (stance))];
      c[1] = themes[g_rand_int_range (rand, 0, G_N_ELEMENTS (themes))];
      g_array_append_val (items_a, item);

      other = item;
      other.codes = c + 2;
      c[2] = c[0];
      c[3] = c[1];
      switch (g_rand_int_range (rand, 0, 10))
        {
        case 0: case 1:
          other.start -= g_rand_int_range (rand, 1, 10);
          other.start = MAX (other.start, 0);
          break;
        case 2:
          c[2] = stance[g_rand_int_range (rand, 0, G_N_ELEMENTS (stance))];
          break;
        case 3:
          c[3] = themes[g_rand_int_range (rand, 0, G_N_ELEMENTS (themes))];
          break;
        case 4:
          other.start = g_rand_int_range (rand, 0, (gint32) (n_characters - 80));
          other.end = other.start + g_rand_int_range (rand, 3, 80);
          break;
        default:
          break;
        }
      g_array_append_val (items_b, other);
    }

  gloss_project_add_annotations (a, (GlossNewAnnotation *) items_a->data, items_a->len,
                                 "alice", NULL, &error);
  g_assert_no_error (error);
  gloss_project_add_annotations (b, (GlossNewAnnotation *) items_b->data, items_b->len,
                                 "bob", NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&a);
  g_clear_object (&b);

  g_print ("setup: 2 annotators with %" G_GINT64_FORMAT " spans each on %" G_GINT64_FORMAT
           " characters, %.1f s\n", n_spans, n_characters, now_s () - t0);
  /* Files received from others are on disk: the timed runs read them
   * without the generator's 125 MB still being written back. */
  sync ();

  /* The timed part, in a fresh process: first as files received from
   * others are opened (checked in full), then again as Gloss opens files
   * it has checked before (on their check stamps). */
  for (guint run = 0; run < 2 && (run == 0 || g_spawn_check_wait_status (status, NULL)); run++)
    {
      const char *child[] = { argv[0], "--compare", dir, NULL };
      g_auto(GStrv) env = g_get_environ ();

      /* The generator's own writes stamped the files: a file received
       * from someone else has no stamp, so the first run ignores them. */
      if (run == 0)
        env = g_environ_setenv (env, "GLOSS_CHECK_ALWAYS", "1", TRUE);
      else
        env = g_environ_unsetenv (env, "GLOSS_CHECK_ALWAYS");
      g_print (run == 0 ? "-- first open of both files (checked in full):\n"
                        : "-- the same files again (opened on their check stamps):\n");
      g_spawn_sync (NULL, (char **) child, env, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                    NULL, NULL, &status, &error);
      g_assert_no_error (error);
    }

  if (keep)
    g_print ("kept: %s\n", dir);
  else
    remove_dir (dir);

  return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}
