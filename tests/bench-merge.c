/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Merging N annotations into an empty project, then the same again (the
 * second run must add nothing), with the time and peak memory of each.
 *
 *   bench-merge [--annotations N] [--characters N] [--source FILE]
 *
 * The source is built in a child process (this binary with --build), so
 * the peak memory printed is the merge's own.  --source merges an existing
 * file instead (built before with --build FILE), to repeat a measurement
 * without building the source each time. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "gloss-merge.h"
#include "gloss-project.h"

static gint64 n_annotations = 500000;
static gint64 n_characters = 1000000;
static char *build_path = NULL;
static char *source_path = NULL;

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static long
peak_rss_mib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

/* CPU time of this process, user and system, in seconds: less disturbed
 * than wall time on a busy machine. */
static double
cpu_s (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static char *
make_text (gint64 characters)
{
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

/* The child: a project with one long document and N annotations, added in
 * one transaction. */
static int
build_source (const char *path)
{
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (GlossNewAnnotation));
  g_autofree char *text = make_text (n_characters);
  GRand *rand = g_rand_new_with_seed (7);
  gint64 length = g_utf8_strlen (text, -1);
  gint64 doc, russia, energy, neutral;
  gint64 pairs[3][2];
  double t0;

  project = gloss_project_create (path, "analyst", FALSE, &error);
  g_assert_no_error (error);
  doc = gloss_project_add_document (project, "Long interview", text, NULL, NULL, &error);
  g_assert_no_error (error);
  russia = gloss_project_resolve_code (project, "Actors/Russia", &error);
  energy = gloss_project_resolve_code (project, "Themes/Energy", &error);
  neutral = gloss_project_resolve_code (project, "Stance/neutral", &error);
  g_assert_no_error (error);
  pairs[0][0] = russia;
  pairs[1][0] = energy;
  pairs[1][1] = neutral;
  pairs[2][0] = russia;
  pairs[2][1] = energy;

  for (gint64 i = 0; i < n_annotations; i++)
    {
      GlossNewAnnotation item = { doc, 0, 0, pairs[i % 3], i % 3 == 0 ? 1 : 2, NULL };

      item.start = g_rand_int_range (rand, 0, length - 300);
      item.end = item.start + g_rand_int_range (rand, 1, 200);
      g_array_append_val (items, item);
    }

  t0 = now_s ();
  gloss_project_add_annotations (project, (GlossNewAnnotation *) items->data, items->len, NULL,
                                 NULL, &error);
  g_assert_no_error (error);
  g_print ("source built: %" G_GINT64_FORMAT " annotations in %.2f s (bulk add), peak %ld MiB\n",
           n_annotations, now_s () - t0, peak_rss_mib ());

  g_rand_free (rand);
  return 0;
}

static goffset
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? st.st_size : -1;
}

int
main (int argc, char **argv)
{
  GOptionEntry entries[] = {
    { "annotations", 0, 0, G_OPTION_ARG_INT64, &n_annotations, "Annotations in the source", "N" },
    { "characters", 0, 0, G_OPTION_ARG_INT64, &n_characters, "Document length", "N" },
    { "build", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &build_path, "Build a source", "FILE" },
    { "source", 0, 0, G_OPTION_ARG_FILENAME, &source_path, "Merge this source, built before",
      "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *source = NULL;
  g_autofree char *target = NULL;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *count = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GlossProject) project = NULL;
  g_auto(GlossMergeReport) first = { 0, };
  g_auto(GlossMergeReport) second = { 0, };
  const char *sources[2] = { NULL, NULL };
  double t0, c0, t_open, c_open, t_first, t_second, c_first, c_second;
  long rss_before, rss_first, rss_second;
  int status = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (build_path != NULL)
    return build_source (build_path);

  dir = g_dir_make_tmp ("gloss-bench-merge-XXXXXX", &error);
  g_assert_no_error (error);
  source = source_path != NULL ? g_strdup (source_path)
                                : g_build_filename (dir, "source.gloss", NULL);
  target = g_build_filename (dir, "target.gloss", NULL);

  count = g_strdup_printf ("%" G_GINT64_FORMAT, n_annotations);
  if (source_path == NULL)
    {
      g_autofree char *characters = g_strdup_printf ("%" G_GINT64_FORMAT, n_characters);

      child = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, self, "--annotations", count,
                                "--characters", characters, "--build", source, NULL);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_wait_check (child, NULL, &error));
      g_assert_no_error (error);
    }

  /* Every merge opens its sources through the full check of opening. */
  {
    g_autoptr(GlossProject) checked = NULL;

    t0 = now_s ();
    c0 = cpu_s ();
    checked = gloss_project_open (source, GLOSS_OPEN_READ_ONLY, &error);
    t_open = now_s () - t0;
    c_open = cpu_s () - c0;
    g_assert_no_error (error);
  }

  project = gloss_project_create (target, "lead", TRUE, &error);
  g_assert_no_error (error);
  sources[0] = source;
  rss_before = peak_rss_mib ();

  t0 = now_s ();
  c0 = cpu_s ();
  gloss_merge (project, sources, FALSE, &first, NULL, &error);
  t_first = now_s () - t0;
  c_first = cpu_s () - c0;
  g_assert_no_error (error);
  rss_first = peak_rss_mib ();

  t0 = now_s ();
  c0 = cpu_s ();
  gloss_merge (project, sources, FALSE, &second, NULL, &error);
  t_second = now_s () - t0;
  c_second = cpu_s () - c0;
  g_assert_no_error (error);
  rss_second = peak_rss_mib ();

  g_print ("# Merge (%" G_GINT64_FORMAT " annotations on a %" G_GINT64_FORMAT
           "-character document, into an empty project)\n", n_annotations, n_characters);
  g_print ("%-44s %8.2f s (CPU %.2f s)\n", "checked open of the source (in each merge)",
           t_open, c_open);
  g_print ("%-44s %8.2f s (CPU %.2f s)   added %u, unchanged %u, skipped %u\n",
           "first merge (into empty)", t_first, c_first, first.added, first.unchanged,
           first.annotations_skipped);
  g_print ("%-44s %8.2f s (CPU %.2f s)   added %u, unchanged %u, updated %u\n",
           "second merge (same source)", t_second, c_second, second.added, second.unchanged,
           second.updated);
  g_print ("%-44s %8ld MiB (before merging: %ld MiB, after the second: %ld MiB)\n",
           "peak memory (max RSS) after the first", rss_first, rss_before, rss_second);
  g_print ("%-44s %8.1f MiB source, %.1f MiB target\n", "file sizes",
           file_size (source) / 1048576.0, file_size (target) / 1048576.0);
  g_print ("%-44s %s\n", "target: first merge under 5 s", t_first < 5.0 ? "met" : "missed");
  g_print ("%-44s %s\n", "target: second merge under 5 s", t_second < 5.0 ? "met" : "missed");

  if (first.added != n_annotations || second.added != 0 || second.updated != 0 ||
      second.unchanged != n_annotations || first.skipped->len != 0)
    {
      g_printerr ("bench-merge: wrong counts\n");
      status = 1;
    }

  g_clear_object (&project);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *p = g_build_filename (dir, name, NULL);

        g_unlink (p);
      }
    g_rmdir (dir);
  }
  g_free (build_path);
  g_free (source_path);

  return status;
}
