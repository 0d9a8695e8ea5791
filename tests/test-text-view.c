/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "gloss-project.h"
#include "gloss-span-index.h"
#include "gloss-text-view.h"
#include "gloss-ui-test.h"

/* Geometry of the bands, as gloss-text-view.c draws them. */
#define BAND_TOP    2
#define BAND_HEIGHT 3
#define BAND_GAP    1
#define TINT_ALPHA_LIGHT 0.22
#define RIGHT_GUTTER_TEST 128   /* the margin's width, as the view draws it */
#define MAX_LANES_TEST    5

static gboolean have_display;

/* The span index --------------------------------------------------------- */

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint ua = *(const guint *) a, ub = *(const guint *) b;

  return (ua > ub) - (ua < ub);
}

static void
test_index_matches_brute_force (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20231126);

  for (guint round = 0; round < 40; round++)
    {
      guint n = round < 10 ? round : (guint) g_rand_int_range (rand, 1, 3000);
      gint64 length = g_rand_int_range (rand, 10, 20000);
      g_autofree GlossSpanIndexEntry *entries = g_new0 (GlossSpanIndexEntry, MAX (n, 1));
      g_autoptr(GlossSpanIndex) index = NULL;

      for (guint i = 0; i < n; i++)
        {
          gint64 start = g_rand_int_range (rand, 0, (gint32) length - 1);
          gint64 span = g_rand_boolean (rand) ? g_rand_int_range (rand, 1, 20)
                                              : g_rand_int_range (rand, 1, (gint32) length);

          entries[i].start = start;
          entries[i].end = MIN (start + span, length);
          entries[i].id = i;
        }

      index = gloss_span_index_new (entries, n);
      g_assert_cmpuint (gloss_span_index_get_size (index), ==, n);

      for (guint q = 0; q < 200; q++)
        {
          gint64 qs = g_rand_int_range (rand, -5, (gint32) length + 5);
          gint64 qe = qs + g_rand_int_range (rand, 0, 400);
          g_autoptr(GArray) got = g_array_new (FALSE, FALSE, sizeof (guint));
          g_autoptr(GArray) want = g_array_new (FALSE, FALSE, sizeof (guint));

          gloss_span_index_query (index, qs, qe, got);
          for (guint i = 0; i < n; i++)
            if (entries[i].start < qe && entries[i].end > qs && qe > qs)
              g_array_append_val (want, entries[i].id);

          /* In order of start. */
          for (guint i = 1; i < got->len; i++)
            g_assert_cmpint (entries[g_array_index (got, guint, i - 1)].start, <=,
                             entries[g_array_index (got, guint, i)].start);

          g_array_sort (got, compare_uint);
          g_array_sort (want, compare_uint);
          g_assert_cmpuint (got->len, ==, want->len);
          if (want->len > 0)
            g_assert_cmpmem (got->data, got->len * sizeof (guint), want->data, want->len * sizeof (guint));
        }
    }
}

static void
test_index_edges (void)
{
  GlossSpanIndexEntry entries[] = {
    { 10, 20, 0 },
    { 20, 30, 1 },
    { 0, 1, 2 },
    { 10, 20, 3 },   /* a twin: both must come back */
  };
  g_autoptr(GlossSpanIndex) index = gloss_span_index_new (entries, G_N_ELEMENTS (entries));
  g_autoptr(GlossSpanIndex) empty = gloss_span_index_new (NULL, 0);
  g_autoptr(GArray) result = g_array_new (FALSE, FALSE, sizeof (guint));

  /* End is exclusive: [20, 30) does not touch 19, [10, 20) does not touch 20. */
  gloss_span_index_query (index, 19, 20, result);
  g_assert_cmpuint (result->len, ==, 2);
  g_array_sort (result, compare_uint);
  g_assert_cmpuint (g_array_index (result, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (result, guint, 1), ==, 3);

  g_array_set_size (result, 0);
  gloss_span_index_query (index, 20, 21, result);
  g_assert_cmpuint (result->len, ==, 1);
  g_assert_cmpuint (g_array_index (result, guint, 0), ==, 1);

  /* An empty or reversed range touches nothing. */
  g_array_set_size (result, 0);
  gloss_span_index_query (index, 15, 15, result);
  gloss_span_index_query (index, 25, 5, result);
  gloss_span_index_query (empty, 0, 100, result);
  g_assert_cmpuint (result->len, ==, 0);

  g_array_set_size (result, 0);
  gloss_span_index_query (index, 30, 1000, result);
  g_assert_cmpuint (result->len, ==, 0);
}

static void
test_index_large (void)
{
  const guint n = 100000;
  const gint64 length = 1000000;
  g_autofree GlossSpanIndexEntry *entries = g_new (GlossSpanIndexEntry, n);
  g_autoptr(GlossSpanIndex) index = NULL;
  g_autoptr(GArray) result = g_array_new (FALSE, FALSE, sizeof (guint));
  gint64 t0, t1;
  guint expected = 0;

  for (guint i = 0; i < n; i++)
    {
      entries[i].start = (gint64) i * (length / n);
      entries[i].end = entries[i].start + 5 + i % 40;
      entries[i].id = i;
    }
  /* One span over the whole text must also come back at the end. */
  entries[0].end = length;

  t0 = g_get_monotonic_time ();
  index = gloss_span_index_new (entries, n);
  t1 = g_get_monotonic_time ();
  g_test_message ("built an index of %u spans in %.1f ms", n, (t1 - t0) / 1000.0);

  for (guint i = 0; i < n; i++)
    if (entries[i].start < length && entries[i].end > length - 3000)
      expected++;

  t0 = g_get_monotonic_time ();
  for (int round = 0; round < 1000; round++)
    {
      g_array_set_size (result, 0);
      gloss_span_index_query (index, length - 3000, length, result);
    }
  t1 = g_get_monotonic_time ();
  g_test_message ("a screenful at the end of the text: %u spans in %.2f µs per query",
                  result->len, (t1 - t0) / 1000.0);
  g_assert_cmpuint (result->len, ==, expected);
  g_assert_cmpuint (g_array_index (result, guint, 0), ==, 0);
}

/* Rendering ----------------------------------------------------------------- */

typedef struct
{
  GtkWidget     *window;
  GlossTextView *view;
} ViewFixture;

static const char *sample_text =
  "1. Where do the talks stand?\n"
  "\n"
  "Alpha beta gamma delta epsilon zeta eta theta.\n"
  "\n"
  "Read more: an unrelated article\n";

static void
view_fixture_set_up (ViewFixture   *fixture,
                     gconstpointer  data)
{
  GtkWidget *scrolled;

  if (!have_display)
    return;

  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 800, 500);
  scrolled = gtk_scrolled_window_new ();
  fixture->view = GLOSS_TEXT_VIEW (gloss_text_view_new ());
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (fixture->view));
  gtk_window_set_child (GTK_WINDOW (fixture->window), scrolled);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
view_fixture_tear_down (ViewFixture   *fixture,
                        gconstpointer  data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
}

static gboolean
skip_without_display (void)
{
  if (!have_display)
    {
      g_test_skip ("no display: run under xvfb-run");
      return TRUE;
    }
  return FALSE;
}

static GPtrArray *
sample_segments (void)
{
  GPtrArray *segments = g_ptr_array_new_with_free_func ((GDestroyNotify) gloss_segment_free);
  struct { gint64 start, end; GlossSegmentKind kind; const char *speaker; } s[] = {
    { 0, 28, GLOSS_SEGMENT_QUESTION, "Interviewer" },
    { 30, 76, GLOSS_SEGMENT_ANSWER, "Interviewee" },
    { 78, 109, GLOSS_SEGMENT_LINK, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (s); i++)
    {
      GlossSegment *segment = g_new0 (GlossSegment, 1);

      segment->start = s[i].start;
      segment->end = s[i].end;
      segment->kind = s[i].kind;
      segment->speaker = g_strdup (s[i].speaker);
      g_ptr_array_add (segments, segment);
    }
  return segments;
}

static GlossTextSpan
make_span (gint64      start,
           gint64      end,
           gint64      annotation,
           guint       dimension,
           const char *color,
           const char *label)
{
  GlossTextSpan span = { start, end, annotation, dimension, { 0, }, g_intern_string (label) };

  g_assert_true (gdk_rgba_parse (&span.color, color));
  return span;
}

static void
iter_rect (GlossTextView *view,
           gint64         offset,
           GdkRectangle  *rect)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_offset (buffer, &iter, (int) offset);
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (view), &iter, rect);
  gtk_text_view_buffer_to_window_coords (GTK_TEXT_VIEW (view), GTK_TEXT_WINDOW_WIDGET,
                                         rect->x, rect->y, &rect->x, &rect->y);
}

/* Waits (up to 10 s) until the characters at @start and @end lie inside
 * the view, with the band rows below @end: the text view scrolls once its
 * layout is valid, which may take several frames on a busy machine. */
static void
wait_until_shown (GlossTextView *view,
                  gint64         start,
                  gint64         end)
{
  int height = 0;
  GdkRectangle first, last;

  for (int i = 0; i < 200; i++)
    {
      gloss_test_wait_frames (GTK_WIDGET (view), 1);
      height = gtk_widget_get_height (GTK_WIDGET (view));
      iter_rect (view, start, &first);
      iter_rect (view, end, &last);
      if (first.y >= 0 && last.y + 2 * last.height < height)
        break;
      gloss_test_wait_ms (50);
    }
  g_assert_cmpint (first.y, >=, 0);
  g_assert_cmpint (last.y + 2 * last.height, <, height);
  gloss_test_wait_frames (GTK_WIDGET (view), 2);
}

static void
assert_pixel_near (const GlossTestPixels *pixels,
                   int                    x,
                   int                    y,
                   const GdkRGBA         *color,
                   int                    tolerance)
{
  int rgb[3];

  gloss_test_pixel (pixels, x, y, rgb);
  if (!gloss_test_color_near (rgb, color, tolerance))
    g_error ("pixel (%d, %d) is #%02x%02x%02x, expected about #%02x%02x%02x",
             x, y, rgb[0], rgb[1], rgb[2],
             (int) (color->red * 255 + .5), (int) (color->green * 255 + .5), (int) (color->blue * 255 + .5));
}

static void
assert_pixel_not_near (const GlossTestPixels *pixels,
                       int                    x,
                       int                    y,
                       const GdkRGBA         *color,
                       int                    tolerance)
{
  int rgb[3];

  gloss_test_pixel (pixels, x, y, rgb);
  if (gloss_test_color_near (rgb, color, tolerance))
    g_error ("pixel (%d, %d) is #%02x%02x%02x, too close to #%02x%02x%02x",
             x, y, rgb[0], rgb[1], rgb[2],
             (int) (color->red * 255 + .5), (int) (color->green * 255 + .5), (int) (color->blue * 255 + .5));
}

/* The view's own background, read where nothing is drawn: far right of
 * the blank second line. */
static void
background_color (GlossTextView         *view,
                  const GlossTestPixels *pixels,
                  GdkRGBA               *background)
{
  GdkRectangle blank;
  int rgb[3];

  iter_rect (view, 29, &blank);
  gloss_test_pixel (pixels, blank.x + 40, blank.y + blank.height / 2, rgb);
  *background = (GdkRGBA) { rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0, 1.0 };
}

static void
test_buffer_holds_only_text (ViewFixture   *fixture,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) segments = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  if (skip_without_display ())
    return;

  segments = sample_segments ();
  gloss_text_view_set_document (fixture->view, sample_text, segments);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (fixture->view));

  /* Speaker labels are drawn, never inserted: offsets stay code points. */
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_slice (buffer, &start, &end, TRUE);
  g_assert_cmpstr (text, ==, sample_text);
  g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, g_utf8_strlen (sample_text, -1));
  g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (fixture->view)));
}

static void
test_span_pixels (ViewFixture   *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) segments = NULL;
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (GlossTextSpan));
  g_autoptr(GlossTestPixels) pixels = NULL;
  GlossTextSpan span;
  GdkRectangle first, space_in, space_out, last;
  GdkRGBA background, tint;
  int band;

  if (skip_without_display ())
    return;

  segments = sample_segments ();
  gloss_text_view_set_document (fixture->view, sample_text, segments);
  /* "beta gamma" in "Alpha beta gamma delta …" */
  span = make_span (36, 46, 7, 0, "#1c71d8", "Pakistan");
  g_array_append_val (spans, span);
  gloss_text_view_set_spans (fixture->view, spans);
  g_assert_cmpuint (gloss_text_view_get_n_spans (fixture->view), ==, 1);
  gloss_test_wait_frames (GTK_WIDGET (fixture->view), 3);

  pixels = gloss_test_render (GTK_WIDGET (fixture->view));
  background_color (fixture->view, pixels, &background);
  tint = gloss_test_blend (&span.color, TINT_ALPHA_LIGHT, &background);

  iter_rect (fixture->view, 36, &first);
  iter_rect (fixture->view, 40, &space_in);   /* the space inside the span */
  iter_rect (fixture->view, 35, &space_out);  /* the space before it */
  iter_rect (fixture->view, 45, &last);
  g_assert_cmpint (first.y, ==, last.y);

  /* The band under the line carries the code's colour, from the first
   * glyph to the last, and stops there. */
  band = first.y + first.height + BAND_TOP + 1;
  assert_pixel_near (pixels, first.x + 1, band, &span.color, 12);
  assert_pixel_near (pixels, (first.x + last.x + last.width) / 2, band, &span.color, 12);
  assert_pixel_near (pixels, last.x + last.width - 2, band, &span.color, 12);
  assert_pixel_not_near (pixels, space_out.x + space_out.width / 2, band, &span.color, 40);
  assert_pixel_near (pixels, space_out.x + space_out.width / 2, band, &background, 6);
  assert_pixel_near (pixels, last.x + last.width + 3, band, &background, 6);

  /* The tint behind the text (read in a space, where no glyph is). */
  assert_pixel_near (pixels, space_in.x + space_in.width / 2, space_in.y + space_in.height / 2, &tint, 10);
  assert_pixel_near (pixels, space_out.x + space_out.width / 2, space_out.y + space_out.height / 2,
                     &background, 6);

  /* Nothing drawn in the second dimension's band row. */
  assert_pixel_near (pixels, (first.x + last.x) / 2, band + BAND_HEIGHT + BAND_GAP, &background, 6);

  /* After the spans are gone the band is gone too. */
  gloss_text_view_set_spans (fixture->view, NULL);
  gloss_test_wait_frames (GTK_WIDGET (fixture->view), 2);
  g_clear_pointer (&pixels, gloss_test_pixels_free);
  pixels = gloss_test_render (GTK_WIDGET (fixture->view));
  assert_pixel_near (pixels, (first.x + last.x + last.width) / 2, band, &background, 6);
  assert_pixel_near (pixels, space_in.x + space_in.width / 2, space_in.y + space_in.height / 2, &background, 6);
}

static void
test_overlapping_dimensions (ViewFixture   *fixture,
                             gconstpointer  data)
{
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (GlossTextSpan));
  g_autoptr(GlossTestPixels) pixels = NULL;
  GlossTextSpan actor, theme, stance;
  GdkRectangle a, b, c;
  GdkRGBA background;
  int row0, row1, row2;

  if (skip_without_display ())
    return;

  gloss_text_view_set_document (fixture->view, sample_text, NULL);
  /* Annotation 1: "beta gamma delta" as an actor and a stance;
   * annotation 2: "gamma delta epsilon" as a theme. */
  actor = make_span (36, 52, 1, 0, "#e01b24", "Russia");
  stance = make_span (36, 52, 1, 2, "#26a269", "cooperative");
  theme = make_span (41, 60, 2, 1, "#9141ac", "Energy");
  g_array_append_val (spans, theme);
  g_array_append_val (spans, actor);
  g_array_append_val (spans, stance);
  gloss_text_view_set_spans (fixture->view, spans);
  gloss_test_wait_frames (GTK_WIDGET (fixture->view), 3);
  pixels = gloss_test_render (GTK_WIDGET (fixture->view));
  background_color (fixture->view, pixels, &background);

  iter_rect (fixture->view, 37, &a);  /* in "beta": annotation 1 only */
  iter_rect (fixture->view, 44, &b);  /* in "gamma": both */
  iter_rect (fixture->view, 55, &c);  /* in "epsilon": annotation 2 only */
  row0 = a.y + a.height + BAND_TOP + 1;
  row1 = row0 + BAND_HEIGHT + BAND_GAP;
  row2 = row1 + BAND_HEIGHT + BAND_GAP;

  /* Each dimension keeps its own row, so the overlap shows all three. */
  assert_pixel_near (pixels, a.x + 1, row0, &actor.color, 12);
  assert_pixel_near (pixels, a.x + 1, row1, &background, 6);
  assert_pixel_near (pixels, a.x + 1, row2, &stance.color, 12);
  assert_pixel_near (pixels, b.x + 1, row0, &actor.color, 12);
  assert_pixel_near (pixels, b.x + 1, row1, &theme.color, 12);
  assert_pixel_near (pixels, b.x + 1, row2, &stance.color, 12);
  assert_pixel_near (pixels, c.x + 1, row0, &background, 6);
  assert_pixel_near (pixels, c.x + 1, row1, &theme.color, 12);
  assert_pixel_near (pixels, c.x + 1, row2, &background, 6);
}

static void
test_selected_annotation (ViewFixture   *fixture,
                          gconstpointer  data)
{
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (GlossTextSpan));
  g_autoptr(GlossTestPixels) before = NULL;
  g_autoptr(GlossTestPixels) after = NULL;
  GlossTextSpan span;
  GdkRectangle space;
  GdkRGBA background, light, strong;
  int rgb[3];
  guint notified = 0;

  if (skip_without_display ())
    return;

  gloss_text_view_set_document (fixture->view, sample_text, NULL);
  span = make_span (36, 46, 9, 0, "#c64600", "India");
  g_array_append_val (spans, span);
  gloss_text_view_set_spans (fixture->view, spans);
  gloss_test_wait_frames (GTK_WIDGET (fixture->view), 3);
  before = gloss_test_render (GTK_WIDGET (fixture->view));
  background_color (fixture->view, before, &background);

  g_signal_connect_swapped (fixture->view, "notify::selected-annotation",
                            G_CALLBACK (g_atomic_int_inc), &notified);
  gloss_text_view_set_selected_annotation (fixture->view, 9);
  gloss_text_view_set_selected_annotation (fixture->view, 9);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpint (gloss_text_view_get_selected_annotation (fixture->view), ==, 9);
  gloss_test_wait_frames (GTK_WIDGET (fixture->view), 2);
  after = gloss_test_render (GTK_WIDGET (fixture->view));

  iter_rect (fixture->view, 40, &space);
  light = gloss_test_blend (&span.color, TINT_ALPHA_LIGHT, &background);
  strong = gloss_test_blend (&span.color, 0.5, &background);
  assert_pixel_near (before, space.x + space.width / 2, space.y + space.height / 2, &light, 10);
  assert_pixel_near (after, space.x + space.width / 2, space.y + space.height / 2, &strong, 10);
  gloss_test_pixel (after, space.x + space.width / 2, space.y + space.height / 2, rgb);
  g_assert_false (gloss_test_color_near (rgb, &light, 10));
}

static void
test_annotations_at (ViewFixture   *fixture,
                     gconstpointer  data)
{
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (GlossTextSpan));
  g_autoptr(GArray) at = NULL;
  g_autoptr(GArray) of = NULL;
  GlossTextSpan s;

  if (skip_without_display ())
    return;

  gloss_text_view_set_document (fixture->view, sample_text, NULL);
  s = make_span (30, 76, 1, 0, "#e01b24", "Long");
  g_array_append_val (spans, s);
  s = make_span (36, 40, 2, 0, "#1c71d8", "Short");
  g_array_append_val (spans, s);
  s = make_span (36, 40, 2, 1, "#26a269", "Short theme");
  g_array_append_val (spans, s);
  /* Bad spans are left out, not drawn and not kept. */
  s = make_span (50, 40, 3, 0, "#000000", "Reversed");
  g_array_append_val (spans, s);
  s = make_span (100, 5000, 4, 0, "#000000", "Past the end");
  g_array_append_val (spans, s);
  s = make_span (-3, 2, 5, 0, "#000000", "Negative");
  g_array_append_val (spans, s);
  gloss_text_view_set_spans (fixture->view, spans);
  g_assert_cmpuint (gloss_text_view_get_n_spans (fixture->view), ==, 3);

  at = gloss_text_view_get_annotations_at (fixture->view, 37);
  g_assert_cmpuint (at->len, ==, 2);
  g_assert_cmpint (g_array_index (at, gint64, 0), ==, 2);  /* shortest first */
  g_assert_cmpint (g_array_index (at, gint64, 1), ==, 1);
  g_clear_pointer (&at, g_array_unref);

  at = gloss_text_view_get_annotations_at (fixture->view, 40);  /* end is exclusive */
  g_assert_cmpuint (at->len, ==, 1);
  g_assert_cmpint (g_array_index (at, gint64, 0), ==, 1);
  g_clear_pointer (&at, g_array_unref);

  at = gloss_text_view_get_annotations_at (fixture->view, 2);
  g_assert_cmpuint (at->len, ==, 0);

  of = gloss_text_view_get_spans_of (fixture->view, 2);
  g_assert_cmpuint (of->len, ==, 2);
  g_assert_cmpstr (g_array_index (of, GlossTextSpan, 0).label, ==, "Short");
  g_assert_cmpstr (g_array_index (of, GlossTextSpan, 1).label, ==, "Short theme");
}

static void
test_selection_snaps_to_words (ViewFixture   *fixture,
                               gconstpointer  data)
{
  gint64 start = -1, end = -1;

  if (skip_without_display ())
    return;

  gloss_text_view_set_document (fixture->view, sample_text, NULL);
  g_assert_false (gloss_text_view_get_selection_range (fixture->view, &start, &end));

  /* "ta gam" inside "beta gamma" widens to "beta gamma". */
  gloss_text_view_select_range (fixture->view, 38, 44);
  g_assert_true (gloss_text_view_get_selection_range (fixture->view, &start, &end));
  g_assert_cmpint (start, ==, 36);
  g_assert_cmpint (end, ==, 46);

  /* " beta " loses its spaces. */
  gloss_text_view_select_range (fixture->view, 35, 41);
  g_assert_true (gloss_text_view_get_selection_range (fixture->view, &start, &end));
  g_assert_cmpint (start, ==, 36);
  g_assert_cmpint (end, ==, 40);

  /* Only white space is nothing to annotate. */
  gloss_text_view_select_range (fixture->view, 35, 36);
  g_assert_false (gloss_text_view_get_selection_range (fixture->view, &start, &end));

  /* Without snapping the selection is taken as it is. */
  gloss_text_view_set_snap_to_words (fixture->view, FALSE);
  gloss_text_view_select_range (fixture->view, 38, 44);
  g_assert_true (gloss_text_view_get_selection_range (fixture->view, &start, &end));
  g_assert_cmpint (start, ==, 38);
  g_assert_cmpint (end, ==, 44);
}

static void
test_update_annotation (ViewFixture   *fixture,
                        gconstpointer  data)
{
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (GlossTextSpan));
  g_autoptr(GArray) update = g_array_new (FALSE, FALSE, sizeof (GlossTextSpan));
  g_autoptr(GArray) at = NULL;
  g_autoptr(GlossTestPixels) pixels = NULL;
  GlossTextSpan s;
  GdkRectangle rect;
  GdkRGBA background, red;
  int band;

  if (skip_without_display ())
    return;

  gloss_text_view_set_document (fixture->view, sample_text, NULL);
  s = make_span (36, 40, 1, 0, "#1c71d8", "beta");
  g_array_append_val (spans, s);
  s = make_span (47, 52, 2, 0, "#26a269", "delta");
  g_array_append_val (spans, s);
  gloss_text_view_set_spans (fixture->view, spans);

  /* Move annotation 1 to "gamma" with another colour: the old place is
   * empty, the new one answers, annotation 2 is untouched. */
  s = make_span (41, 46, 999, 0, "#e01b24", "gamma");   /* the id is forced to 1 */
  g_array_append_val (update, s);
  gloss_text_view_update_annotation (fixture->view, 1, update);
  at = gloss_text_view_get_annotations_at (fixture->view, 37);
  g_assert_cmpuint (at->len, ==, 0);
  g_clear_pointer (&at, g_array_unref);
  at = gloss_text_view_get_annotations_at (fixture->view, 43);
  g_assert_cmpuint (at->len, ==, 1);
  g_assert_cmpint (g_array_index (at, gint64, 0), ==, 1);
  g_clear_pointer (&at, g_array_unref);
  at = gloss_text_view_get_annotations_at (fixture->view, 48);
  g_assert_cmpuint (at->len, ==, 1);
  g_assert_cmpint (g_array_index (at, gint64, 0), ==, 2);
  g_clear_pointer (&at, g_array_unref);
  g_assert_cmpuint (gloss_text_view_get_n_spans (fixture->view), ==, 2);

  /* And it is painted where it went. */
  gloss_test_wait_frames (GTK_WIDGET (fixture->view), 3);
  pixels = gloss_test_render (GTK_WIDGET (fixture->view));
  background_color (fixture->view, pixels, &background);
  gdk_rgba_parse (&red, "#e01b24");
  iter_rect (fixture->view, 42, &rect);
  band = rect.y + rect.height + BAND_TOP + 1;
  assert_pixel_near (pixels, rect.x + 1, band, &red, 12);
  iter_rect (fixture->view, 37, &rect);
  assert_pixel_near (pixels, rect.x + 1, band, &background, 6);

  /* Deleting: no spans left for it. */
  gloss_text_view_update_annotation (fixture->view, 1, NULL);
  at = gloss_text_view_get_annotations_at (fixture->view, 43);
  g_assert_cmpuint (at->len, ==, 0);
  g_clear_pointer (&at, g_array_unref);
  g_assert_cmpuint (gloss_text_view_get_n_spans (fixture->view), ==, 1);

  /* Many updates are folded back into the index while idle; nothing is
   * lost on the way. */
  for (gint64 id = 100; id < 500; id++)
    {
      g_array_set_size (update, 0);
      s = make_span (id % 70, id % 70 + 3, id, id % 3, "#9141ac", "many");
      g_array_append_val (update, s);
      gloss_text_view_update_annotation (fixture->view, id, update);
    }
  g_assert_cmpuint (gloss_text_view_get_n_spans (fixture->view), ==, 401);
  gloss_test_wait_ms (200);
  g_assert_cmpuint (gloss_text_view_get_n_spans (fixture->view), ==, 401);
  at = gloss_text_view_get_annotations_at (fixture->view, 48);
  g_assert_cmpuint (at->len, >=, 1);
  g_clear_pointer (&at, g_array_unref);
  {
    g_autoptr(GArray) of = gloss_text_view_get_spans_of (fixture->view, 250);

    g_assert_cmpuint (of->len, ==, 1);
    g_assert_cmpint (g_array_index (of, GlossTextSpan, 0).start, ==, 250 % 70);
  }
}

/* A long document's annotations arrive in steps: each step adds to what
 * is shown, an annotation the view already has (or was told is gone)
 * keeps what it has, and the steps answer together. */
static void
test_add_spans (ViewFixture   *fixture,
                gconstpointer  data)
{
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (GlossTextSpan));
  g_autoptr(GArray) update = g_array_new (FALSE, FALSE, sizeof (GlossTextSpan));
  g_autoptr(GArray) at = NULL;
  g_autoptr(GlossTestPixels) pixels = NULL;
  GlossTextSpan s;
  GdkRectangle rect;
  GdkRGBA green, red, background;
  int band;

  if (skip_without_display ())
    return;

  gloss_text_view_set_document (fixture->view, sample_text, NULL);
  s = make_span (36, 40, 1, 0, "#1c71d8", "beta");
  g_array_append_val (spans, s);
  gloss_text_view_set_spans (fixture->view, spans);
  gloss_test_wait_frames (GTK_WIDGET (fixture->view), 3);
  g_assert_false (gloss_text_view_has_annotation (fixture->view, 2));

  /* Annotation 4 was changed and 5 deleted before their step came. */
  g_array_set_size (update, 0);
  s = make_span (47, 52, 4, 0, "#e01b24", "delta");
  g_array_append_val (update, s);
  gloss_text_view_update_annotation (fixture->view, 4, update);
  gloss_text_view_update_annotation (fixture->view, 5, NULL);
  g_assert_true (gloss_text_view_has_annotation (fixture->view, 4));
  g_assert_false (gloss_text_view_has_annotation (fixture->view, 5));

  /* The next step: 2 with codes of two dimensions, 1 again elsewhere (it
   * is kept where it was), 4 and 5 as they were, and a span past the end
   * of the text (ignored). */
  g_array_set_size (spans, 0);
  s = make_span (41, 46, 2, 0, "#26a269", "gamma");
  g_array_append_val (spans, s);
  s = make_span (41, 46, 2, 1, "#9141ac", "cooperative");
  g_array_append_val (spans, s);
  s = make_span (0, 5, 1, 0, "#1c71d8", "beta");
  g_array_append_val (spans, s);
  s = make_span (30, 35, 4, 0, "#1c71d8", "old");
  g_array_append_val (spans, s);
  s = make_span (30, 35, 5, 0, "#1c71d8", "gone");
  g_array_append_val (spans, s);
  s = make_span (100, 9999, 6, 0, "#1c71d8", "outside");
  g_array_append_val (spans, s);
  gloss_text_view_add_spans (fixture->view, spans);

  g_assert_true (gloss_text_view_has_annotation (fixture->view, 1));
  g_assert_true (gloss_text_view_has_annotation (fixture->view, 2));
  g_assert_false (gloss_text_view_has_annotation (fixture->view, 5));
  g_assert_false (gloss_text_view_has_annotation (fixture->view, 6));
  g_assert_cmpuint (gloss_text_view_get_n_spans (fixture->view), ==, 4);

  at = gloss_text_view_get_annotations_at (fixture->view, 2);
  g_assert_cmpuint (at->len, ==, 0);
  g_clear_pointer (&at, g_array_unref);
  at = gloss_text_view_get_annotations_at (fixture->view, 32);
  g_assert_cmpuint (at->len, ==, 0);
  g_clear_pointer (&at, g_array_unref);
  at = gloss_text_view_get_annotations_at (fixture->view, 50);
  g_assert_cmpuint (at->len, ==, 1);
  g_assert_cmpint (g_array_index (at, gint64, 0), ==, 4);
  g_clear_pointer (&at, g_array_unref);
  {
    g_autoptr(GArray) of = gloss_text_view_get_spans_of (fixture->view, 2);

    g_assert_cmpuint (of->len, ==, 2);
    g_assert_cmpint (g_array_index (of, GlossTextSpan, 0).start, ==, 41);
    g_assert_cmpuint (g_array_index (of, GlossTextSpan, 1).dimension, ==, 1);
  }

  /* A third step overlapping the others: the place answers from both,
   * shortest first. */
  g_array_set_size (spans, 0);
  s = make_span (36, 46, 3, 2, "#c64600", "long");
  g_array_append_val (spans, s);
  gloss_text_view_add_spans (fixture->view, spans);
  at = gloss_text_view_get_annotations_at (fixture->view, 43);
  g_assert_cmpuint (at->len, ==, 2);
  g_assert_cmpint (g_array_index (at, gint64, 0), ==, 2);
  g_assert_cmpint (g_array_index (at, gint64, 1), ==, 3);
  g_clear_pointer (&at, g_array_unref);
  at = gloss_text_view_get_annotations_at (fixture->view, 37);
  g_assert_cmpuint (at->len, ==, 2);
  g_assert_cmpint (g_array_index (at, gint64, 0), ==, 1);
  g_assert_cmpint (g_array_index (at, gint64, 1), ==, 3);
  g_clear_pointer (&at, g_array_unref);

  /* What came in a later step is painted without anything else asking. */
  gloss_test_wait_frames (GTK_WIDGET (fixture->view), 3);
  pixels = gloss_test_render (GTK_WIDGET (fixture->view));
  background_color (fixture->view, pixels, &background);
  gdk_rgba_parse (&green, "#26a269");
  gdk_rgba_parse (&red, "#e01b24");
  iter_rect (fixture->view, 42, &rect);
  band = rect.y + rect.height + BAND_TOP + 1;
  assert_pixel_near (pixels, rect.x + 1, band, &green, 12);
  iter_rect (fixture->view, 48, &rect);
  assert_pixel_near (pixels, rect.x + 1, band, &red, 12);
  iter_rect (fixture->view, 31, &rect);
  assert_pixel_near (pixels, rect.x + 1, band, &background, 6);

  /* Replacing everything forgets the steps. */
  gloss_text_view_set_spans (fixture->view, NULL);
  g_assert_cmpuint (gloss_text_view_get_n_spans (fixture->view), ==, 0);
  g_assert_false (gloss_text_view_has_annotation (fixture->view, 2));
}

/* A paragraph long enough to wrap over several lines, a span crossing
 * them: its band runs from its first character to the end of each line it
 * crosses and on from the start of the next, and stops at its last
 * character, with two spans of one colour in a row drawn as one. */
static void
test_wrapped_span (ViewFixture   *fixture,
                   gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("Question?\n\n");
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (GlossTextSpan));
  g_autoptr(GlossTestPixels) pixels = NULL;
  GtkTextBuffer *buffer;
  GlossTextSpan long_span, next;
  GdkRectangle first, last, before, after, probe;
  GdkRGBA background;
  gint64 start, end;
  guint n_lines = 0;
  int previous_y = -1;

  if (skip_without_display ())
    return;

  for (guint i = 0; i < 60; i++)
    g_string_append (text, "Pakistan and Russia talk about energy. ");
  g_string_append (text, "\n");
  gloss_text_view_set_document (fixture->view, text->str, NULL);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (fixture->view));

  /* From inside the second word to inside a word some lines further. */
  start = 11 + 10;
  end = start + 300;
  long_span = make_span (start, end, 1, 0, "#e01b24", "Russia");
  next = make_span (end, end + 9, 2, 0, "#e01b24", "Russia");
  g_array_append_val (spans, long_span);
  g_array_append_val (spans, next);
  gloss_text_view_set_spans (fixture->view, spans);
  gloss_test_wait_frames (GTK_WIDGET (fixture->view), 3);
  pixels = gloss_test_render (GTK_WIDGET (fixture->view));

  iter_rect (fixture->view, start, &first);
  iter_rect (fixture->view, end - 1, &last);
  g_assert_cmpint (last.y, >, first.y);
  iter_rect (fixture->view, start - 1, &before);
  iter_rect (fixture->view, end + 9, &after);
  {
    int rgb[3];

    /* Under the question: nothing is drawn there. */
    iter_rect (fixture->view, 2, &probe);
    gloss_test_pixel (pixels, probe.x + 1, probe.y + probe.height + BAND_TOP + 1, rgb);
    background = (GdkRGBA) { rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0, 1.0 };
  }

  /* Every character of the span, on every line, has the band under it. */
  for (gint64 offset = start; offset < end + 9; offset++)
    {
      GtkTextIter iter;

      gtk_text_buffer_get_iter_at_offset (buffer, &iter, (int) offset);
      if (g_unichar_isspace (gtk_text_iter_get_char (&iter)))
        continue;
      iter_rect (fixture->view, offset, &probe);
      if (probe.y != previous_y)
        {
          n_lines++;
          previous_y = probe.y;
        }
      assert_pixel_near (pixels, probe.x + probe.width / 2, probe.y + probe.height + BAND_TOP + 1,
                         &long_span.color, 12);
    }
  g_assert_cmpuint (n_lines, >=, 3);

  /* And nothing before or after it. */
  assert_pixel_near (pixels, before.x + before.width / 2, before.y + before.height + BAND_TOP + 1, &background, 6);
  assert_pixel_near (pixels, after.x + after.width - 1, after.y + after.height + BAND_TOP + 1, &background, 6);
}

/* A long document scrolled far down: what comes into view is painted
 * where its text is, whether it was measured ahead of the scroll or in
 * the frame that shows it. */
static void
test_scrolled_spans (ViewFixture   *fixture,
                     gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (GlossTextSpan));
  GtkAdjustment *adjustment;
  const char *colors[] = { "#e01b24", "#1c71d8", "#26a269" };
  guint n_paragraphs = 400;

  if (skip_without_display ())
    return;

  for (guint i = 0; i < n_paragraphs; i++)
    g_string_append_printf (text, "Paragraph %04u says that trade, energy and a railway changed everything "
                                  "between the two countries over the years.\n\n", i);
  gloss_text_view_set_document (fixture->view, text->str, NULL);

  /* In each paragraph, "trade" and "railway" in the paragraph's colour. */
  for (guint i = 0; i < n_paragraphs; i++)
    {
      gint64 base = (gint64) i * (g_utf8_strlen (text->str, -1) / n_paragraphs);
      GlossTextSpan trade = make_span (base + 25, base + 30, 1 + 2 * i, 0, colors[i % 3], "trade");
      GlossTextSpan railway = make_span (base + 44, base + 51, 2 + 2 * i, 1, colors[(i + 1) % 3], "railway");

      g_array_append_val (spans, trade);
      g_array_append_val (spans, railway);
    }
  gloss_text_view_set_spans (fixture->view, spans);
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (fixture->view));
  gloss_test_wait_frames (GTK_WIDGET (fixture->view), 3);

  /* Down a page at a time, letting the view measure ahead in between,
   * then a jump far down. */
  for (guint step = 0; step < 6; step++)
    {
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment)
                                            + gtk_adjustment_get_page_size (adjustment));
      gloss_test_wait_frames (GTK_WIDGET (fixture->view), 2);
      gloss_test_wait_ms (20);
    }

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GlossTestPixels) pixels = NULL;
      GdkRectangle visible;
      GtkTextIter top;
      guint checked = 0;
      int paragraph;

      if (round == 1)
        {
          gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) * 0.7);
          gloss_test_wait_frames (GTK_WIDGET (fixture->view), 3);
        }

      pixels = gloss_test_render (GTK_WIDGET (fixture->view));
      gtk_text_view_get_visible_rect (GTK_TEXT_VIEW (fixture->view), &visible);
      gtk_text_view_get_line_at_y (GTK_TEXT_VIEW (fixture->view), &top, visible.y, NULL);
      paragraph = gtk_text_iter_get_line (&top) / 2 + 1;

      for (int i = paragraph; i < paragraph + 4 && i < (int) n_paragraphs; i++)
        {
          const GlossTextSpan *trade = &g_array_index (spans, GlossTextSpan, 2 * i);
          const GlossTextSpan *railway = &g_array_index (spans, GlossTextSpan, 2 * i + 1);
          GdkRectangle a, b;

          iter_rect (fixture->view, trade->start + 2, &a);
          iter_rect (fixture->view, railway->start + 3, &b);
          if (b.y + b.height + 12 >= gtk_widget_get_height (GTK_WIDGET (fixture->view)))
            break;
          assert_pixel_near (pixels, a.x + a.width / 2, a.y + a.height + BAND_TOP + 1, &trade->color, 12);
          assert_pixel_near (pixels, b.x + b.width / 2, b.y + b.height + BAND_TOP + 1 + BAND_HEIGHT + BAND_GAP,
                             &railway->color, 12);
          checked++;
        }
      g_assert_cmpuint (checked, >=, 2);
    }
}

/* Spans on lines of every kind the view lays out: a heading (larger), a
 * question (heavier), a "Read more" line (smaller, italic), a line with a
 * tab and one with ligatures.  Each band starts under its first character
 * and ends under its last, wherever GTK puts them. */
static void
test_spans_follow_glyphs (ViewFixture   *fixture,
                          gconstpointer  data)
{
  static const char text[] =
    "A Heading About Trade\n"                                 /* 0–21 */
    "\n"
    "Which office handled the affluent traffic?\n"            /* 23–65 */
    "\n"
    "Column\tafter a tab, then official words.\n"            /* 67–107 */
    "\n"
    "Read more: the fifth office of the ministry\n";          /* 109–152 */
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func ((GDestroyNotify) gloss_segment_free);
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (GlossTextSpan));
  g_autoptr(GlossTestPixels) pixels = NULL;
  struct { gint64 start, end; GlossSegmentKind kind; } s[] = {
    { 0, 21, GLOSS_SEGMENT_HEADING },
    { 23, 65, GLOSS_SEGMENT_QUESTION },
    { 67, 107, GLOSS_SEGMENT_ANSWER },
    { 109, 152, GLOSS_SEGMENT_LINK },
  };
  /* "Heading", "office handled", "affluent traffic", "after a tab",
   * "official", "fifth office" */
  struct { gint64 start, end; } ranges[] = {
    { 2, 9 }, { 29, 43 }, { 48, 64 }, { 74, 85 }, { 92, 100 }, { 124, 136 },
  };
  GdkRGBA color, background;

  if (skip_without_display ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (s); i++)
    {
      GlossSegment *segment = g_new0 (GlossSegment, 1);

      segment->start = s[i].start;
      segment->end = s[i].end;
      segment->kind = s[i].kind;
      g_ptr_array_add (segments, segment);
    }
  gloss_text_view_set_document (fixture->view, text, segments);
  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      GlossTextSpan span = make_span (ranges[i].start, ranges[i].end, i + 1, 0, "#e01b24", "code");

      g_array_append_val (spans, span);
    }
  gloss_text_view_set_spans (fixture->view, spans);
  gloss_test_wait_frames (GTK_WIDGET (fixture->view), 3);
  pixels = gloss_test_render (GTK_WIDGET (fixture->view));
  gdk_rgba_parse (&color, "#e01b24");

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      GdkRectangle first, last, before, after;
      int rgb[3];
      int band;

      iter_rect (fixture->view, ranges[i].start, &first);
      iter_rect (fixture->view, ranges[i].end - 1, &last);
      iter_rect (fixture->view, ranges[i].start - 1, &before);
      iter_rect (fixture->view, ranges[i].end, &after);
      g_assert_cmpint (first.y, ==, last.y);
      band = first.y + first.height + BAND_TOP + 1;

      /* Far right of the line, where nothing is drawn. */
      gloss_test_pixel (pixels, gtk_widget_get_width (GTK_WIDGET (fixture->view)) - 20, band, rgb);
      background = (GdkRGBA) { rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0, 1.0 };

      g_test_message ("span %u: %d–%d", i, first.x, last.x + last.width);
      assert_pixel_near (pixels, first.x + 1, band, &color, 12);
      assert_pixel_near (pixels, last.x + last.width - 2, band, &color, 12);
      assert_pixel_near (pixels, before.x + before.width / 2 - 1, band, &background, 6);
      assert_pixel_near (pixels, after.x + after.width / 2 + 1, band, &background, 6);
    }
}

/* The margin packs a paragraph's stripes the same way wherever the
 * paragraph is scrolled to: a line seen at two scroll positions has the
 * same stripes beside it. */
static void
test_stable_margin (ViewFixture   *fixture,
                    gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("Before.\n\n");
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (GlossTextSpan));
  const char *colors[] = { "#e01b24", "#1c71d8", "#26a269", "#9141ac", "#c64600", "#986a44" };
  GtkAdjustment *adjustment;
  GdkRectangle line;
  int line_y[2];
  int rgb[2][MAX_LANES_TEST][3];
  int width;

  if (skip_without_display ())
    return;

  for (guint i = 0; i < 80; i++)
    g_string_append (text, "Trade and energy changed the relations. ");
  g_string_append (text, "\n\nAfter.\n");
  gloss_text_view_set_document (fixture->view, text->str, NULL);
  /* Short spans, and every fourth a long one reaching over several
   * lines, so a stripe's lane depends on what began above it. */
  for (guint i = 0; i < 80; i++)
    {
      gint64 start = 9 + i * 37;
      GlossTextSpan span = make_span (start, start + (i % 4 == 0 ? 420 : 25), i + 1, i % 3,
                                      colors[i % G_N_ELEMENTS (colors)], "code");

      g_array_append_val (spans, span);
    }
  gloss_text_view_set_spans (fixture->view, spans);
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (fixture->view));
  gloss_test_wait_frames (GTK_WIDGET (fixture->view), 3);
  width = gtk_widget_get_width (GTK_WIDGET (fixture->view));

  /* The line holding character 1500, seen from two places in the
   * paragraph, which starts above the screen both times. */
  {
    GtkTextIter iter;

    gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (GTK_TEXT_VIEW (fixture->view)), &iter, 1500);
    gtk_text_view_get_iter_location (GTK_TEXT_VIEW (fixture->view), &iter, &line);
  }
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(GlossTestPixels) pixels = NULL;

      gtk_adjustment_set_value (adjustment, line.y - (k == 0 ? 150 : 300));
      gloss_test_wait_frames (GTK_WIDGET (fixture->view), 3);
      pixels = gloss_test_render (GTK_WIDGET (fixture->view));
      {
        GdkRectangle now;

        iter_rect (fixture->view, 1500, &now);
        line_y[k] = now.y + now.height / 2;
      }
      g_assert_cmpint (line_y[k], >, 0);
      g_assert_cmpint (line_y[k], <, gtk_widget_get_height (GTK_WIDGET (fixture->view)));
      for (int lane = 0; lane < MAX_LANES_TEST; lane++)
        gloss_test_pixel (pixels, width - RIGHT_GUTTER_TEST + 4 + lane * 5 + 1, line_y[k], rgb[k][lane]);
    }
  g_assert_cmpint (line_y[0], !=, line_y[1]);

  for (int lane = 0; lane < MAX_LANES_TEST; lane++)
    {
      g_test_message ("lane %d: #%02x%02x%02x and #%02x%02x%02x", lane,
                      rgb[0][lane][0], rgb[0][lane][1], rgb[0][lane][2],
                      rgb[1][lane][0], rgb[1][lane][1], rgb[1][lane][2]);
      for (int c = 0; c < 3; c++)
        g_assert_cmpint (rgb[0][lane][c], ==, rgb[1][lane][c]);
    }
}

/* The first window's view of the sample project: text, speaker styling and
 * the example highlights from the project file. */
static void
test_sample_project (ViewFixture   *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  g_autoptr(GPtrArray) annotations = NULL;
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (GlossTextSpan));
  g_autoptr(GlossTestPixels) pixels = NULL;
  GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
  GlossAnnotation *first = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter a, b;
  g_autofree char *russias = NULL;
  GdkRectangle rect, blank;
  GdkRGBA color, background;
  int rgb[3];
  gint64 document;

  if (skip_without_display ())
    return;

  dir = g_dir_make_tmp ("gloss-text-view-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "Sample interview.gloss", NULL);
  project = gloss_project_create_sample (path, &error);
  g_assert_no_error (error);

  documents = gloss_project_list_documents (project, &error);
  g_assert_no_error (error);
  document = ((GlossDocument *) g_ptr_array_index (documents, 0))->id;
  text = gloss_project_dup_text (project, document, &error);
  g_assert_no_error (error);
  segments = gloss_project_list_segments (project, document, &error);
  g_assert_no_error (error);
  filter.document = document;
  annotations = gloss_project_list_annotations (project, &filter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (annotations->len, >, 0);

  for (guint i = 0; i < annotations->len; i++)
    {
      GlossAnnotation *annotation = g_ptr_array_index (annotations, i);

      g_assert_cmpstr (annotation->annotator, ==, "Example");
      if (first == NULL || annotation->start < first->start)
        first = annotation;
      for (guint j = 0; j < annotation->codes->len; j++)
        {
          g_autoptr(GlossCode) code = gloss_project_get_code (project, g_array_index (annotation->codes, gint64, j),
                                                              &error);
          GlossTextSpan span = { annotation->start, annotation->end, annotation->id, 0, { 0, }, NULL };

          g_assert_no_error (error);
          g_assert_true (gdk_rgba_parse (&span.color, code->color));
          span.label = g_intern_string (code->name);
          span.dimension = g_str_has_prefix (code->path, "Actors/") ? 0
                           : g_str_has_prefix (code->path, "Themes/") ? 1 : 2;
          g_array_append_val (spans, span);
        }
    }

  gloss_text_view_set_document (fixture->view, text, segments);
  gloss_text_view_set_spans (fixture->view, spans);

  /* Offsets are code points: the first "Russia’s" is [3916, 3924). */
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (fixture->view));
  gtk_text_buffer_get_iter_at_offset (buffer, &a, 3916);
  gtk_text_buffer_get_iter_at_offset (buffer, &b, 3924);
  russias = gtk_text_buffer_get_slice (buffer, &a, &b, TRUE);
  g_assert_cmpstr (russias, ==, "Russia’s");

  /* The first example annotation carries its first code's colour in the
   * band row of that code's dimension. */
  gloss_text_view_scroll_to_range (fixture->view, first->start, first->end);
  wait_until_shown (fixture->view, first->start - 1, first->start + 1);
  pixels = gloss_test_render (GTK_WIDGET (fixture->view));

  {
    g_autoptr(GArray) of = gloss_text_view_get_spans_of (fixture->view, first->id);
    const GlossTextSpan *span = NULL;

    /* A code alone in its dimension has the band row to itself. */
    for (guint i = 0; i < of->len && span == NULL; i++)
      {
        guint same = 0;

        for (guint j = 0; j < of->len; j++)
          same += g_array_index (of, GlossTextSpan, j).dimension == g_array_index (of, GlossTextSpan, i).dimension;
        if (same == 1)
          span = &g_array_index (of, GlossTextSpan, i);
      }
    g_assert_nonnull (span);

    color = span->color;
    iter_rect (fixture->view, first->start + 1, &rect);
    gloss_test_pixel (pixels, rect.x + rect.width / 2,
                      rect.y + rect.height + BAND_TOP + (int) span->dimension * (BAND_HEIGHT + BAND_GAP) + 1, rgb);
    g_assert_true (gloss_test_color_near (rgb, &color, 14));
  }

  /* Just before it (the blank line above the answer) nothing is drawn. */
  iter_rect (fixture->view, first->start - 1, &blank);
  gloss_test_pixel (pixels, blank.x + 2, blank.y + blank.height / 2, rgb);
  background = (GdkRGBA) { rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0, 1 };
  g_assert_false (gloss_test_color_near (rgb, &color, 40));
  g_assert_true (gloss_test_color_near (rgb, &background, 0));

  g_clear_object (&project);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  /* Isolated XDG directories hide the system's schemas from the settings
   * schema source, which libadwaita reads: load it before they move. */
  g_settings_schema_source_get_default ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  have_display = gtk_init_check ();
  if (have_display)
    adw_init ();

  g_test_add_func ("/gloss/text-view/index/matches-brute-force", test_index_matches_brute_force);
  g_test_add_func ("/gloss/text-view/index/edges", test_index_edges);
  g_test_add_func ("/gloss/text-view/index/large", test_index_large);
  g_test_add ("/gloss/text-view/buffer-holds-only-text", ViewFixture, NULL,
              view_fixture_set_up, test_buffer_holds_only_text, view_fixture_tear_down);
  g_test_add ("/gloss/text-view/span-pixels", ViewFixture, NULL,
              view_fixture_set_up, test_span_pixels, view_fixture_tear_down);
  g_test_add ("/gloss/text-view/overlapping-dimensions", ViewFixture, NULL,
              view_fixture_set_up, test_overlapping_dimensions, view_fixture_tear_down);
  g_test_add ("/gloss/text-view/selected-annotation", ViewFixture, NULL,
              view_fixture_set_up, test_selected_annotation, view_fixture_tear_down);
  g_test_add ("/gloss/text-view/annotations-at", ViewFixture, NULL,
              view_fixture_set_up, test_annotations_at, view_fixture_tear_down);
  g_test_add ("/gloss/text-view/selection-snaps-to-words", ViewFixture, NULL,
              view_fixture_set_up, test_selection_snaps_to_words, view_fixture_tear_down);
  g_test_add ("/gloss/text-view/update-annotation", ViewFixture, NULL,
              view_fixture_set_up, test_update_annotation, view_fixture_tear_down);
  g_test_add ("/gloss/text-view/add-spans", ViewFixture, NULL,
              view_fixture_set_up, test_add_spans, view_fixture_tear_down);
  g_test_add ("/gloss/text-view/wrapped-span", ViewFixture, NULL,
              view_fixture_set_up, test_wrapped_span, view_fixture_tear_down);
  g_test_add ("/gloss/text-view/scrolled-spans", ViewFixture, NULL,
              view_fixture_set_up, test_scrolled_spans, view_fixture_tear_down);
  g_test_add ("/gloss/text-view/spans-follow-glyphs", ViewFixture, NULL,
              view_fixture_set_up, test_spans_follow_glyphs, view_fixture_tear_down);
  g_test_add ("/gloss/text-view/stable-margin", ViewFixture, NULL,
              view_fixture_set_up, test_stable_margin, view_fixture_tear_down);
  g_test_add ("/gloss/text-view/sample-project", ViewFixture, NULL,
              view_fixture_set_up, test_sample_project, view_fixture_tear_down);

  return g_test_run ();
}
