/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench-peak.h"
#include "gloss-project.h"
#include "gloss-text-view.h"
#include "gloss-ui-test.h"
#include "gloss-window.h"

/* The annotating window on a generated 1,000,000-character transcript,
 * with 100,000 annotations and with none, in one run.  Each configuration
 * is measured in a child process of its own (so peak memory is its own),
 * with GdkFrameClock timings:
 *
 *  - launch: from creating the window to its first painted frame;
 *  - tag: from the tag (the code key's action) to the frame that shows it,
 *    the change committed to the file in between;
 *  - scroll: the time each frame takes (frame start to after-paint) while
 *    the view scrolls a page per frame from the top to the end.
 *
 * Run: xvfb-run -a meson test -C _build --benchmark window
 *      (or directly: bench-window [--annotations N] [--chars N])
 */

#define N_TAGS 40

typedef struct
{
  GdkFrameClock *clock;
  guint          n_paints;
  gint64         last_paint;
  GArray        *frame_us;    /* double: per-frame durations while recording */
  gboolean       recording;
} Frames;

static void
on_after_paint_cb (GdkFrameClock *clock,
                   Frames        *frames)
{
  gint64 now = g_get_monotonic_time ();

  frames->n_paints++;
  frames->last_paint = now;
  if (frames->recording)
    {
      double duration = now - gdk_frame_clock_get_frame_time (clock);

      g_array_append_val (frames->frame_us, duration);
    }
}

static void
wait_paint (Frames *frames,
            guint   n)
{
  guint target = frames->n_paints + n;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (frames->n_paints < target && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return (da > db) - (da < db);
}

static double
percentile (GArray *values,
            double  p)
{
  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_double);
  return g_array_index (values, double, MIN (values->len - 1, (guint) (p * values->len)));
}

/* The transcript ----------------------------------------------------------- */

static const char *words[] = {
  "the", "relations", "between", "Pakistan", "and", "Russia", "have", "changed", "since", "cold",
  "war", "years", "when", "Moscow", "Islamabad", "stood", "on", "opposite", "sides", "energy",
  "pipeline", "connectivity", "corridor", "trade", "security", "terrorism", "Afghanistan", "region",
  "China", "India", "United", "States", "cooperation", "defence", "diplomats", "agreement",
  "investment", "railway", "Central", "Asia", "multilateral", "forums", "interests", "policy",
  "strategic", "partnership", "balance", "neutral", "pragmatic", "historical", "baggage", "trust",
  "in", "of", "a", "to", "that", "it", "is", "was", "for", "with", "as", "their", "they", "this",
};

static char *
make_transcript (gint64 n_chars)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1000000);
  GString *text = g_string_sized_new (n_chars + 1024);
  guint turn = 0;

  while ((gint64) text->len < n_chars)
    {
      gboolean question = turn++ % 2 == 0;
      guint n = question ? g_rand_int_range (rand, 8, 25) : g_rand_int_range (rand, 40, 160);

      g_string_append (text, question ? "INTERVIEWER: " : "RESPONDENT: ");
      for (guint i = 0; i < n; i++)
        {
          const char *word = words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))];

          if (i > 0)
            g_string_append_c (text, ' ');
          if (i == 0)
            {
              g_string_append_unichar (text, g_unichar_toupper (word[0]));
              g_string_append (text, word + 1);
            }
          else
            g_string_append (text, word);
          if (i + 1 < n && g_rand_int_range (rand, 0, 12) == 0)
            g_string_append_c (text, ',');
        }
      g_string_append (text, question ? "?\n\n" : ".\n\n");
    }

  return g_string_free (text, FALSE);
}

static void
make_project (const char *path,
              const char *text,
              guint       n_annotations)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = gloss_project_create (path, "Bench", FALSE, &error);
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(GArray) actors = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) themes = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) stances = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GRand) rand = g_rand_new_with_seed (100000);
  gint64 length = g_utf8_strlen (text, -1);
  gint64 document;
  const guint chunk = 10000;

  g_assert_no_error (error);
  document = gloss_project_add_document (project, "Long transcript", text, NULL, NULL, &error);
  g_assert_no_error (error);

  codes = gloss_project_list_codes (project, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < codes->len; i++)
    {
      GlossCode *code = g_ptr_array_index (codes, i);

      if (g_str_has_prefix (code->path, "Actors/"))
        g_array_append_val (actors, code->id);
      else if (g_str_has_prefix (code->path, "Themes/"))
        g_array_append_val (themes, code->id);
      else if (g_str_has_prefix (code->path, "Stance/"))
        g_array_append_val (stances, code->id);
    }

  for (guint done = 0; done < n_annotations; done += chunk)
    {
      guint n = MIN (chunk, n_annotations - done);
      g_autofree GlossNewAnnotation *items = g_new0 (GlossNewAnnotation, n);
      g_autofree gint64 *code_ids = g_new0 (gint64, 3 * n);

      for (guint i = 0; i < n; i++)
        {
          gint64 start = (gint64) (done + i) * (length - 100) / n_annotations + g_rand_int_range (rand, 0, 5);
          guint n_codes = 0;

          code_ids[3 * i + n_codes++] = g_array_index (actors, gint64, g_rand_int_range (rand, 0, actors->len));
          if (g_rand_boolean (rand))
            code_ids[3 * i + n_codes++] = g_array_index (themes, gint64, g_rand_int_range (rand, 0, themes->len));
          if (g_rand_int_range (rand, 0, 3) == 0)
            code_ids[3 * i + n_codes++] = g_array_index (stances, gint64, g_rand_int_range (rand, 0, stances->len));

          items[i].document = document;
          items[i].start = start;
          items[i].end = MIN (length, start + g_rand_int_range (rand, 4, 80));
          items[i].codes = &code_ids[3 * i];
          items[i].n_codes = n_codes;
        }

      g_assert_true (gloss_project_add_annotations (project, items, n, NULL, NULL, &error));
      g_assert_no_error (error);
    }
}

/* One measured run --------------------------------------------------------- */

static int
measure (const char *path)
{
  g_autoptr(GArray) tag_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) write_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) smooth_us = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  Frames frames = { 0, };
  GlossWindow *window;
  GlossTextView *view;
  GtkAdjustment *adjustment;
  gint64 t0, t1;
  double launch_ms, loaded_ms = -1, checked_ms, scroll_p50, scroll_p95, scroll_max;
  gint64 tag_code;
  guint n_scroll_frames, n_fling;

  g_settings_set_string (settings, "annotator", "Bench");
  g_settings_set_double (settings, "zoom", 1.0);
  frames.frame_us = g_array_new (FALSE, FALSE, sizeof (double));

  /* Launch: window, project, document and highlights, first frame. */
  t0 = g_get_monotonic_time ();
  window = gloss_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  g_assert_true (gloss_window_open (window, path));
  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_realize (GTK_WIDGET (window));
  frames.clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (frames.clock, "after-paint", G_CALLBACK (on_after_paint_cb), &frames);
  wait_paint (&frames, 1);
  t1 = frames.last_paint;
  launch_ms = (t1 - t0) / 1000.0;
  /* GLOSS_BENCH_LAUNCH_ONLY: the launch alone, for profiling it */
  if (g_getenv ("GLOSS_BENCH_LAUNCH_ONLY") != NULL)
    {
      g_print ("launch %.1f\n", launch_ms);
      return 0;
    }

  /* The rest of the annotations load while idle after the first frame;
   * a large file's check, put off until after it, runs beside them. */
  {
    GlossProject *project = gloss_window_get_project (window);
    gboolean checking = gloss_project_is_checking (project);

    checked_ms = launch_ms;   /* (unless it is still checking) */
    while (gloss_window_is_loading (window) || gloss_project_is_checking (project))
      {
        g_main_context_iteration (NULL, TRUE);
        if (checking && !gloss_project_is_checking (project))
          {
            checked_ms = (g_get_monotonic_time () - t0) / 1000.0;
            checking = FALSE;
          }
        if (loaded_ms < 0 && !gloss_window_is_loading (window))
          loaded_ms = (g_get_monotonic_time () - t1) / 1000.0;
      }
    if (loaded_ms < 0)
      loaded_ms = (g_get_monotonic_time () - t1) / 1000.0;
    g_assert_false (gloss_project_is_read_only (project));
  }
  gloss_test_wait_frames (GTK_WIDGET (window), 10);

  view = gloss_window_get_text_view (window);
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));

  /* GTK lays out the rest of the text in the background: let it finish,
   * so the tags measure the steady state. */
  {
    double upper = -1;
    guint stable = 0;

    while (stable < 30)
      {
        gloss_test_wait_frames (GTK_WIDGET (window), 1);
        if (gtk_adjustment_get_upper (adjustment) == upper)
          stable++;
        else
          stable = 0;
        upper = gtk_adjustment_get_upper (adjustment);
      }
  }

  /* Tag: spans on screen, one code each, until the frame that shows it. */
  tag_code = gloss_project_resolve_code (gloss_window_get_project (window), "Actors/Russia", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < (g_getenv ("GLOSS_BENCH_NO_TAG") != NULL ? 0 : N_TAGS); i++)
    {
      GVariant *codes = g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, &tag_code, 1, sizeof (gint64));
      gint64 start = 200 + i * 37;

      gloss_text_view_select_range (view, start, start + 12);
      gloss_test_wait_frames (GTK_WIDGET (window), 2);

      t0 = g_get_monotonic_time ();
      g_action_group_activate_action (G_ACTION_GROUP (window), "tag-codes", codes);
      {
        /* The engine's commit and the window's update, before the frame. */
        double ms = (g_get_monotonic_time () - t0) / 1000.0;
        g_array_append_val (write_ms, ms);
      }
      wait_paint (&frames, 1);
      t1 = frames.last_paint;
      {
        double ms = (t1 - t0) / 1000.0;
        g_array_append_val (tag_ms, ms);
      }
    }

  /* Scroll: a page per frame from the top to the end (a fling through
   * everything, every frame showing text not seen before). */
  if (g_getenv ("GLOSS_BENCH_NO_FLING") != NULL)
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  gtk_adjustment_set_value (adjustment, 0);
  gloss_test_wait_frames (GTK_WIDGET (window), 5);
  frames.recording = TRUE;
  for (n_scroll_frames = 0; n_scroll_frames < 100000; n_scroll_frames++)
    {
      double value = gtk_adjustment_get_value (adjustment);
      double page = gtk_adjustment_get_page_size (adjustment);

      if (value + page >= gtk_adjustment_get_upper (adjustment) - 1)
        break;
      gtk_adjustment_set_value (adjustment, value + page);
      wait_paint (&frames, 1);
    }
  frames.recording = FALSE;
  scroll_p50 = percentile (frames.frame_us, 0.50) / 1000.0;
  scroll_p95 = percentile (frames.frame_us, 0.95) / 1000.0;
  scroll_max = percentile (frames.frame_us, 1.0) / 1000.0;
  n_fling = frames.frame_us->len;

  /* Then reading speed: an eighth of a page per frame, 400 frames from
   * the middle of the document. */
  smooth_us = frames.frame_us;
  frames.frame_us = g_array_new (FALSE, FALSE, sizeof (double));
  g_array_set_size (smooth_us, 0);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) / 2);
  gloss_test_wait_frames (GTK_WIDGET (window), 5);
  frames.recording = TRUE;
  for (guint i = 0; i < 400; i++)
    {
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment)
                                            + gtk_adjustment_get_page_size (adjustment) / 8);
      wait_paint (&frames, 1);
    }
  frames.recording = FALSE;

  g_print ("launch %.1f\nloaded %.1f\nchecked %.1f\n", launch_ms, loaded_ms, checked_ms);
  g_print ("tag_p50 %.1f\ntag_p95 %.1f\ntag_max %.1f\n",
           percentile (tag_ms, 0.50), percentile (tag_ms, 0.95), percentile (tag_ms, 1.0));
  g_print ("write_p50 %.1f\nwrite_p95 %.1f\n", percentile (write_ms, 0.50), percentile (write_ms, 0.95));
  g_print ("fling_p50 %.2f\nfling_p95 %.2f\nfling_max %.2f\nfling_frames %u\n",
           scroll_p50, scroll_p95, scroll_max, n_fling);
  g_print ("smooth_p50 %.2f\nsmooth_p95 %.2f\nsmooth_max %.2f\n",
           percentile (frames.frame_us, 0.50) / 1000.0, percentile (frames.frame_us, 0.95) / 1000.0,
           percentile (frames.frame_us, 1.0) / 1000.0);
  g_print ("rss %.1f\nspans %u\n", gloss_bench_peak_mib (), gloss_text_view_get_n_spans (view));

  g_signal_handlers_disconnect_by_data (frames.clock, &frames);
  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (frames.frame_us);
  return 0;
}

/* The run ------------------------------------------------------------------ */

/* Runs one configuration in a child process; its figures, by name. */
static GHashTable *
run_child (const char *self_path,
           const char *project)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  const char *argv[] = { self_path, "--measure", project, NULL };
  GHashTable *figures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("bench-window: the measuring run failed: %s\n", error->message);
      g_hash_table_unref (figures);
      return NULL;
    }

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (lines[i], " ", 2);

      if (kv[0] != NULL && kv[1] != NULL)
        g_hash_table_insert (figures, g_strdup (kv[0]), g_strdup (kv[1]));
    }
  return figures;
}

static double
fig (GHashTable *figures,
     const char *key)
{
  const char *value = g_hash_table_lookup (figures, key);

  return value != NULL ? g_ascii_strtod (value, NULL) : -1;
}

static void
row (const char *label,
     GHashTable *p,
     GHashTable *h,
     const char *key,
     const char *unit,
     gboolean    ratio)
{
  double a = fig (p, key), b = fig (h, key);

  if (ratio && a > 0)
    g_print ("%-46s %11.2f %-2s %11.2f %-2s %6.2fx\n", label, a, unit, b, unit, b / a);
  else
    g_print ("%-46s %11.2f %-2s %11.2f %-2s\n", label, a, unit, b, unit);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *heavy = NULL;
  g_autofree char *text = NULL;
  g_autofree char *self_path = NULL;
  gint64 n_chars = 1000000;
  guint n_annotations = 100000;
  g_autoptr(GHashTable) warm = NULL;
  g_autoptr(GHashTable) p = NULL;
  g_autoptr(GHashTable) h = NULL;
  g_autoptr(GHashTable) p2 = NULL;
  g_autoptr(GHashTable) h2 = NULL;
  gint64 t0;

  if (argc == 3 && g_str_equal (argv[1], "--measure"))
    {
      if (!gtk_init_check ())
        return 77;
      adw_init ();
      /* A benchmark measures the work, not the transitions. */
      g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
      return measure (argv[2]);
    }

  for (int i = 1; i + 1 < argc; i += 2)
    {
      if (g_str_equal (argv[i], "--annotations"))
        n_annotations = (guint) g_ascii_strtoull (argv[i + 1], NULL, 10);
      else if (g_str_equal (argv[i], "--chars"))
        n_chars = g_ascii_strtoll (argv[i + 1], NULL, 10);
    }

  if (!gtk_init_check ())
    {
      g_printerr ("bench-window: no display; run under xvfb-run\n");
      return 77;
    }

  self_path = g_file_read_link ("/proc/self/exe", NULL);
  if (self_path == NULL)
    self_path = g_strdup (argv[0]);

  dir = g_dir_make_tmp ("gloss-bench-window-XXXXXX", &error);
  g_assert_no_error (error);
  plain = g_build_filename (dir, "plain.gloss", NULL);
  heavy = g_build_filename (dir, "annotated.gloss", NULL);

  t0 = g_get_monotonic_time ();
  text = make_transcript (n_chars);
  make_project (plain, text, 0);
  make_project (heavy, text, n_annotations);
  g_print ("Generated a %ld-character transcript and %u annotations in %.1f s\n",
           g_utf8_strlen (text, -1), n_annotations, (g_get_monotonic_time () - t0) / 1e6);

  /* Generating wrote a lot: let it reach the disk first, or the first
   * commits measured would wait for that writeback. */
  sync ();

  /* The first launch of each file checks it in full, as a file received
   * from someone else is (the generator's own writes would otherwise have
   * stamped it); the second opens it on its check stamp, as an analyst
   * reopens their own project. */
  g_setenv ("GLOSS_CHECK_ALWAYS", "1", TRUE);
  /* A launch to warm the caches the first child would otherwise pay for
   * alone (shared libraries, fonts, icons): not measured. */
  warm = run_child (self_path, plain);
  p = run_child (self_path, plain);
  h = p != NULL ? run_child (self_path, heavy) : NULL;
  g_unsetenv ("GLOSS_CHECK_ALWAYS");
  p2 = h != NULL ? run_child (self_path, plain) : NULL;
  h2 = p2 != NULL ? run_child (self_path, heavy) : NULL;
  if (p == NULL || h == NULL || p2 == NULL || h2 == NULL)
    return 1;

  g_print ("\n%-46s %14s %14s %7s\n", "", "plain text", "annotated", "ratio");
  row ("spans painted (one per code)", p, h, "spans", "", FALSE);
  row ("launch to first painted frame (first open)", p, h, "launch", "ms", TRUE);
  row ("launch to first painted frame (reopened)", p2, h2, "launch", "ms", TRUE);
  row ("  then every annotation loaded, while idle", p, h, "loaded", "ms", FALSE);
  row ("  checked in full and writable (first open)", p, h, "checked", "ms", TRUE);
  row ("tag to repainted highlight, p50", p, h, "tag_p50", "ms", TRUE);
  row ("tag to repainted highlight, p95", p, h, "tag_p95", "ms", TRUE);
  row ("tag to repainted highlight, max", p, h, "tag_max", "ms", TRUE);
  row ("  of which the engine's write and update, p50", p, h, "write_p50", "ms", FALSE);
  row ("  of which the engine's write and update, p95", p, h, "write_p95", "ms", FALSE);
  row ("fling, a page per frame: frame time p50", p, h, "fling_p50", "ms", TRUE);
  row ("fling, a page per frame: frame time p95", p, h, "fling_p95", "ms", TRUE);
  row ("fling, a page per frame: frame time max", p, h, "fling_max", "ms", TRUE);
  row ("  frames to scroll through the document", p, h, "fling_frames", "", FALSE);
  row ("reading, 1/8 page per frame: frame time p50", p, h, "smooth_p50", "ms", TRUE);
  row ("reading, 1/8 page per frame: frame time p95", p, h, "smooth_p95", "ms", TRUE);
  row ("reading, 1/8 page per frame: frame time max", p, h, "smooth_max", "ms", TRUE);
  row ("peak memory (VmHWM)", p, h, "rss", "MB", TRUE);

  if (g_getenv ("GLOSS_BENCH_KEEP") != NULL)
    {
      g_print ("kept %s and %s\n", plain, heavy);
      return 0;
    }
  g_unlink (plain);
  g_unlink (heavy);
  g_rmdir (dir);
  return 0;
}
