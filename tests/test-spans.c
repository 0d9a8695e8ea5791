/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>

#include "gloss-project.h"
#include "gloss-spans.h"

/* The lean reading of a document's annotations the window draws from. */

#define TEXT "Alice spoke first. Then Bob answered at length. Carol closed the meeting."

typedef struct
{
  char         *dir;
  char         *path;
  GlossProject *project;
  gint64        document;
  gint64        other;      /* a second document */
  gint64        russia;
  gint64        china;
  gint64        cooperative;
} Fixture;

static gint64
resolve (Fixture    *fixture,
         const char *path)
{
  g_autoptr(GError) error = NULL;
  gint64 id = gloss_project_resolve_code (fixture->project, path, &error);

  g_assert_no_error (error);
  return id;
}

static gint64
annotate (Fixture      *fixture,
          gint64        document,
          gint64        start,
          gint64        end,
          const gint64 *codes,
          guint         n_codes)
{
  g_autoptr(GError) error = NULL;
  gint64 id = gloss_project_add_annotation (fixture->project, document, start, end, codes, n_codes,
                                            NULL, "Tester", &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("gloss-spans-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "spans.gloss", NULL);
  fixture->project = gloss_project_create (fixture->path, "Tester", FALSE, &error);
  g_assert_no_error (error);
  fixture->document = gloss_project_add_document (fixture->project, "Meeting", TEXT, NULL, NULL, &error);
  g_assert_no_error (error);
  fixture->other = gloss_project_add_document (fixture->project, "Other", "Another text, about China.",
                                               NULL, NULL, &error);
  g_assert_no_error (error);
  fixture->russia = resolve (fixture, "Actors/Russia");
  fixture->china = resolve (fixture, "Actors/China");
  fixture->cooperative = resolve (fixture, "Stance/cooperative");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *journal = g_strconcat (fixture->path, "-journal", NULL);

  g_clear_object (&fixture->project);
  g_unlink (fixture->path);
  g_unlink (journal);
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static const GlossSpanRow *
row (GArray *rows,
     guint   i)
{
  g_assert_cmpuint (i, <, rows->len);
  return &g_array_index (rows, GlossSpanRow, i);
}

/* One row per code, by start; deleted annotations and other documents'
 * are not there; a code change shows at once. */
static void
test_rows (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = NULL;
  gint64 both[] = { fixture->china, fixture->cooperative };
  gint64 late, early, gone;

  late = annotate (fixture, fixture->document, 24, 27, &fixture->russia, 1);        /* "Bob" */
  early = annotate (fixture, fixture->document, 0, 5, both, G_N_ELEMENTS (both));   /* "Alice" */
  gone = annotate (fixture, fixture->document, 48, 53, &fixture->china, 1);         /* "Carol" */
  annotate (fixture, fixture->other, 0, 7, &fixture->russia, 1);
  g_assert_true (gloss_project_delete_annotation (fixture->project, gone, &error));
  g_assert_no_error (error);

  rows = gloss_project_list_spans (fixture->project, fixture->document, 0, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rows);
  g_assert_cmpuint (rows->len, ==, 3);

  g_assert_cmpint (row (rows, 0)->annotation, ==, early);
  g_assert_cmpint (row (rows, 0)->start, ==, 0);
  g_assert_cmpint (row (rows, 0)->end, ==, 5);
  g_assert_cmpint (row (rows, 1)->annotation, ==, early);
  g_assert_cmpint (MIN (row (rows, 0)->code, row (rows, 1)->code), ==, MIN (fixture->china, fixture->cooperative));
  g_assert_cmpint (MAX (row (rows, 0)->code, row (rows, 1)->code), ==, MAX (fixture->china, fixture->cooperative));
  g_assert_cmpint (row (rows, 0)->code, <, row (rows, 1)->code);
  g_assert_cmpint (row (rows, 2)->annotation, ==, late);
  g_assert_cmpint (row (rows, 2)->start, ==, 24);
  g_assert_cmpint (row (rows, 2)->end, ==, 27);
  g_assert_cmpint (row (rows, 2)->code, ==, fixture->russia);

  g_assert_true (gloss_project_set_annotation_codes (fixture->project, late, &fixture->china, 1, &error));
  g_assert_no_error (error);
  g_clear_pointer (&rows, g_array_unref);
  rows = gloss_project_list_spans (fixture->project, fixture->document, 20, 30, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpint (row (rows, 0)->code, ==, fixture->china);
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Steps by start: an annotation falls in the step where it starts, even
 * when it reaches into the next one, so the steps list each once. */
static void
test_steps (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) added = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) listed = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 length = g_utf8_strlen (TEXT, -1);

  for (gint64 start = 0; start + 10 <= length; start += 3)
    {
      gint64 id = annotate (fixture, fixture->document, start, start + 10, &fixture->russia, 1);

      g_array_append_val (added, id);
    }

  for (gint64 from = 0; from < length; from += 7)
    {
      gint64 to = from + 7 >= length ? G_MAXINT64 : from + 7;
      g_autoptr(GArray) rows = gloss_project_list_spans (fixture->project, fixture->document, from, to, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < rows->len; i++)
        {
          const GlossSpanRow *r = row (rows, i);

          g_assert_cmpint (r->start, >=, from);
          g_assert_cmpint (r->start, <, to);
          if (i > 0)
            g_assert_cmpint (row (rows, i - 1)->start, <=, r->start);
          g_array_append_val (listed, r->annotation);
        }
    }

  g_array_sort (added, compare_int64);
  g_array_sort (listed, compare_int64);
  g_assert_cmpuint (listed->len, ==, added->len);
  for (guint i = 0; i < added->len; i++)
    g_assert_cmpint (g_array_index (listed, gint64, i), ==, g_array_index (added, gint64, i));
}

/* Nothing to list is an empty answer, not an error: an empty range, a
 * range past the end, a document that does not exist. */
static void
test_nothing (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rows = NULL;

  annotate (fixture, fixture->document, 6, 11, &fixture->russia, 1);

  rows = gloss_project_list_spans (fixture->project, fixture->document, 6, 6, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 0);
  g_clear_pointer (&rows, g_array_unref);

  rows = gloss_project_list_spans (fixture->project, fixture->document, 10, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 0);
  g_clear_pointer (&rows, g_array_unref);

  rows = gloss_project_list_spans (fixture->project, fixture->document, 7, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 0);
  g_clear_pointer (&rows, g_array_unref);

  rows = gloss_project_list_spans (fixture->project, 987654, 0, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 0);
}

/* The codebook without counts: the same codes in the same order. */
static void
test_codes_uncounted (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) counted = NULL;
  g_autoptr(GPtrArray) uncounted = NULL;

  annotate (fixture, fixture->document, 6, 11, &fixture->russia, 1);
  counted = gloss_project_list_codes (fixture->project, &error);
  g_assert_no_error (error);
  uncounted = gloss_project_list_codes_uncounted (fixture->project, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (uncounted->len, ==, counted->len);
  g_assert_cmpuint (uncounted->len, >, 0);
  for (guint i = 0; i < counted->len; i++)
    {
      const GlossCode *a = g_ptr_array_index (counted, i);
      const GlossCode *b = g_ptr_array_index (uncounted, i);

      g_assert_cmpint (a->id, ==, b->id);
      g_assert_cmpstr (a->path, ==, b->path);
      g_assert_cmpstr (a->color, ==, b->color);
      g_assert_cmpint (b->n_annotations, ==, -1);
      if (a->id == fixture->russia)
        g_assert_cmpint (a->n_annotations, ==, 1);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/gloss/spans/rows", Fixture, NULL, fixture_set_up, test_rows, fixture_tear_down);
  g_test_add ("/gloss/spans/steps", Fixture, NULL, fixture_set_up, test_steps, fixture_tear_down);
  g_test_add ("/gloss/spans/nothing", Fixture, NULL, fixture_set_up, test_nothing, fixture_tear_down);
  g_test_add ("/gloss/spans/codes-uncounted", Fixture, NULL, fixture_set_up, test_codes_uncounted,
              fixture_tear_down);

  return g_test_run ();
}
