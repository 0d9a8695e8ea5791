/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "gloss-agreement.h"
#include "gloss-project.h"

/* Agreement between project files, built through the engine API. */

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("gloss-agreement-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static char *
path_in (Fixture    *fixture,
         const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

static GlossProject *
create_project (Fixture    *fixture,
                const char *name,
                const char *annotator)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = path_in (fixture, name);
  GlossProject *project = gloss_project_create (path, annotator, TRUE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (project);
  return project;
}

static GlossProject *
copy_project (Fixture      *fixture,
              GlossProject *project,
              const char   *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = path_in (fixture, name);
  GlossProject *copy;

  gloss_project_save_copy (project, path, &error);
  g_assert_no_error (error);
  copy = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  return copy;
}

static gint64
add_document (GlossProject *project,
              const char   *title,
              const char   *text)
{
  g_autoptr(GError) error = NULL;
  gboolean existed = TRUE;
  gint64 id = gloss_project_add_document (project, title, text, NULL, &existed, &error);

  g_assert_no_error (error);
  g_assert_false (existed);
  return id;
}

static gint64
add_dimension (GlossProject *project,
               const char   *name,
               gboolean      multiple,
               GlossLevel    level)
{
  g_autoptr(GError) error = NULL;
  gint64 id = gloss_project_add_dimension (project, name, GLOSS_DIMENSION_OTHER, multiple,
                                           level, &error);

  g_assert_no_error (error);
  return id;
}

static gint64
add_code (GlossProject *project,
          gint64        dimension,
          const char   *name)
{
  g_autoptr(GError) error = NULL;
  gint64 id = gloss_project_add_code (project, dimension, 0, name, "#3465a4", NULL, NULL, &error);

  g_assert_no_error (error);
  return id;
}

static gint64
annotate (GlossProject *project,
          gint64        document,
          gint64        start,
          gint64        end,
          gint64        code,
          const char   *annotator)
{
  g_autoptr(GError) error = NULL;
  gint64 id = gloss_project_add_annotation (project, document, start, end, &code, 1, NULL,
                                            annotator, &error);

  g_assert_no_error (error);
  return id;
}

static gint64
annotate_codes (GlossProject *project,
                gint64        document,
                gint64        start,
                gint64        end,
                const gint64 *codes,
                guint         n_codes,
                const char   *annotator)
{
  g_autoptr(GError) error = NULL;
  gint64 id = gloss_project_add_annotation (project, document, start, end, codes, n_codes,
                                            NULL, annotator, &error);

  g_assert_no_error (error);
  return id;
}

static GlossAgreementReport *
compare (GlossProject *a,
         GlossProject *b,
         const char   *dimension,
         const char   *document)
{
  g_autoptr(GError) error = NULL;
  GlossProject *projects[] = { a, b };
  GlossAgreementReport *report =
    gloss_agreement_compare (projects, b != NULL ? 2 : 1, dimension, document, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static GlossAgreementDimension *
find_dimension (GlossAgreementReport *report,
                const char           *name)
{
  for (guint i = 0; i < report->dimensions->len; i++)
    {
      GlossAgreementDimension *dim = report->dimensions->pdata[i];

      if (g_str_equal (dim->name, name))
        return dim;
    }

  g_error ("no dimension %s in the report", name);
  return NULL;
}

static GlossAgreementCodeFigures *
find_code (GlossAgreementDimension *dim,
           const char              *path)
{
  for (guint i = 0; i < dim->codes->len; i++)
    {
      GlossAgreementCodeFigures *code = dim->codes->pdata[i];

      if (g_str_equal (code->path, path))
        return code;
    }

  g_error ("no code %s in the report", path);
  return NULL;
}

#define assert_undefined(figure) g_assert_true (isnan ((figure).value))

static void
assert_same_figure (GlossFigure a,
                    GlossFigure b)
{
  if (isnan (a.value))
    g_assert_true (isnan (b.value));
  else
    g_assert_cmpfloat_with_epsilon (a.value, b.value, 1e-9);
  g_assert_cmpint (a.units, ==, b.units);
}

/* Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": four
 * observers A–D, twelve units, values 1–5, missing data. */
static void
test_krippendorff_2011 (Fixture       *fixture,
                        gconstpointer  data)
{
  static const int table[4][12] = {
    { 1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0 },
    { 1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3 },
    { 0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0 },
    { 1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0 },
  };
  static const char *observers[] = { "A", "B", "C", "D" };
  g_autoptr(GlossProject) project = create_project (fixture, "k2011.gloss", "A");
  g_autoptr(GlossAgreementReport) report = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  GlossAgreementDimension *dim;
  gint64 codes[6];
  gint64 doc;
  gint64 scale;

  for (int u = 0; u < 12; u++)
    g_string_append_printf (text, "unit%02d ", u + 1);
  doc = add_document (project, "Twelve units", text->str);

  scale = add_dimension (project, "Scale", FALSE, GLOSS_LEVEL_ORDINAL);
  for (int v = 1; v <= 5; v++)
    {
      g_autofree char *name = g_strdup_printf ("%d", v);

      codes[v] = add_code (project, scale, name);
    }

  for (int r = 0; r < 4; r++)
    for (int u = 0; u < 12; u++)
      if (table[r][u] != 0)
        annotate (project, doc, u * 7, u * 7 + 6, codes[table[r][u]], observers[r]);

  report = compare (project, NULL, NULL, NULL);
  g_assert_cmpuint (report->raters->len, ==, 4);
  g_assert_cmpuint (report->documents->len, ==, 1);
  dim = find_dimension (report, "Scale");

  g_assert_cmpint (dim->positions, ==, 12);
  g_assert_cmpint (dim->complete_positions, ==, 8);
  g_assert_cmpint (dim->krippendorff_alpha.units, ==, 11);
  g_assert_cmpfloat_with_epsilon (dim->krippendorff_alpha.value, 0.743, 0.0005);
  g_assert_cmpfloat_with_epsilon (dim->krippendorff_alpha.value, 113.0 / 152.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (dim->krippendorff_alpha_ordinal.value, 0.815, 0.0005);
  g_assert_cmpint (dim->krippendorff_alpha_ordinal.units, ==, 11);
  /* Four raters: no Cohen's kappa. */
  assert_undefined (dim->cohen_kappa);
  g_assert_false (isnan (dim->fleiss_kappa.value));
  /* Units 2–9 are complete; 3, 4, 5, 7 and 9 unanimous. */
  g_assert_cmpfloat_with_epsilon (dim->percent_agreement.value, 5.0 / 8.0, 1e-12);

  /* Per document, the only document carries the same alpha. */
  g_assert_cmpuint (dim->documents->len, ==, 1);
  assert_same_figure (g_array_index (dim->documents, GlossAgreementDocumentFigures, 0).krippendorff_alpha,
                      dim->krippendorff_alpha);
}

/* Cohen (1960), Table 1: 200 units, three categories, kappa .492; one
 * project file per judge, copies of one project. */
static const int cohen_1960[3][3] = {
  { 88, 14, 18 },
  { 10, 40, 10 },
  {  2,  6, 12 },
};

static void
test_cohen_1960 (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GlossProject) a = create_project (fixture, "judge-a.gloss", "judge A");
  g_autoptr(GlossProject) b = NULL;
  g_autoptr(GlossAgreementReport) report = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  GlossAgreementDimension *dim;
  gint64 codes[3];
  gint64 doc;
  gint64 dimension;
  int unit = 0;

  for (int u = 0; u < 200; u++)
    g_string_append (text, "ab ");
  doc = add_document (a, "Two hundred units", text->str);
  dimension = add_dimension (a, "Category", FALSE, GLOSS_LEVEL_NOMINAL);
  codes[0] = add_code (a, dimension, "one");
  codes[1] = add_code (a, dimension, "two");
  codes[2] = add_code (a, dimension, "three");

  b = copy_project (fixture, a, "judge-b.gloss");

  for (int row = 0; row < 3; row++)
    for (int column = 0; column < 3; column++)
      for (int k = 0; k < cohen_1960[row][column]; k++, unit++)
        {
          /* rows: judge B, columns: judge A */
          annotate (a, doc, unit * 3, unit * 3 + 2, codes[column], "judge A");
          annotate (b, doc, unit * 3, unit * 3 + 2, codes[row], "judge B");
        }
  g_assert_cmpint (unit, ==, 200);

  report = compare (a, b, NULL, NULL);
  g_assert_cmpuint (report->raters->len, ==, 2);
  g_assert_cmpuint (report->documents->len, ==, 1);
  dim = find_dimension (report, "Category");

  g_assert_cmpint (dim->positions, ==, 200);
  g_assert_cmpint (dim->complete_positions, ==, 200);
  g_assert_cmpfloat_with_epsilon (dim->cohen_kappa.value, 0.492, 0.0005);
  g_assert_cmpfloat_with_epsilon (dim->cohen_kappa.value, 0.29 / 0.59, 1e-12);
  g_assert_cmpint (dim->cohen_kappa.units, ==, 200);
  g_assert_cmpfloat_with_epsilon (dim->percent_agreement.value, 0.70, 1e-12);
  assert_undefined (dim->krippendorff_alpha_ordinal);

  /* Exact span agreement: every span matches, 140 of 200 with the same code. */
  g_assert_cmpuint (dim->pairs->len, ==, 1);
  g_assert_cmpfloat_with_epsilon (dim->f1_exact.value, 140.0 / 200.0, 1e-12);
}

/* Krippendorff (2004: 254), the unitizing example, on a 300-character
 * document; the same figures whatever other documents come before it. */
static void
build_2004 (GlossProject *a,
            GlossProject *b,
            gint64        doc_a,
            gint64        doc_b)
{
  static const struct { const char *code; gint64 start, end; int rater; } units[] = {
    { "c", 225, 295, 0 }, { "c", 370, 400, 0 },
    { "c", 220, 300, 1 }, { "c", 355, 375, 1 }, { "c", 400, 420, 1 },
    { "k", 180, 240, 0 }, { "k", 300, 350, 0 },
    { "k", 180, 240, 1 }, { "k", 300, 350, 1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (units); i++)
    {
      GlossProject *project = units[i].rater == 0 ? a : b;
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_strdup_printf ("Unit/%s", units[i].code);
      gint64 code = gloss_project_resolve_code (project, path, &error);

      g_assert_no_error (error);
      annotate (project, units[i].rater == 0 ? doc_a : doc_b,
                units[i].start - 150, units[i].end - 150, code,
                units[i].rater == 0 ? "i" : "j");
    }
}

static char *
continuum_text (void)
{
  GString *text = g_string_new (NULL);

  for (int i = 0; i < 300; i++)
    g_string_append_c (text, "abcdefghij"[i % 10]);

  return g_string_free (text, FALSE);
}

static void
test_alpha_u_krippendorff_2004 (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *text = continuum_text ();
  g_autoptr(GlossProject) a1 = create_project (fixture, "i.gloss", "i");
  g_autoptr(GlossProject) b1 = NULL;
  g_autoptr(GlossProject) a2 = create_project (fixture, "i-later.gloss", "i");
  g_autoptr(GlossProject) b2 = NULL;
  g_autoptr(GlossAgreementReport) first = NULL;
  g_autoptr(GlossAgreementReport) later = NULL;
  GlossAgreementDimension *dim1;
  GlossAgreementDimension *dim2;
  gint64 doc1;
  gint64 doc2;
  gint64 unit;

  /* Project 1: the document alone. */
  doc1 = add_document (a1, "Continuum", text);
  unit = add_dimension (a1, "Unit", TRUE, GLOSS_LEVEL_NOMINAL);
  add_code (a1, unit, "c");
  add_code (a1, unit, "k");
  b1 = copy_project (fixture, a1, "j.gloss");
  build_2004 (a1, b1, doc1, doc1);

  /* Project 2: two unrelated documents first, with annotations of their own. */
  {
    gint64 before1 = add_document (a2, "Before", "An unrelated document, imported first.");
    gint64 before2 = add_document (a2, "Also before", "Another one, longer than the first one was.");
    gint64 code_c;

    unit = add_dimension (a2, "Unit", TRUE, GLOSS_LEVEL_NOMINAL);
    code_c = add_code (a2, unit, "c");
    add_code (a2, unit, "k");
    doc2 = add_document (a2, "Continuum", text);
    b2 = copy_project (fixture, a2, "j-later.gloss");

    annotate (a2, before1, 3, 12, code_c, "i");
    annotate (b2, before2, 0, 7, code_c, "j");
    build_2004 (a2, b2, doc2, doc2);
  }

  first = compare (a1, b1, NULL, NULL);
  dim1 = find_dimension (first, "Unit");
  g_assert_cmpfloat_with_epsilon (find_code (dim1, "Unit/c")->alpha_u.value, 0.7286, 0.0001);
  g_assert_cmpfloat (find_code (dim1, "Unit/k")->alpha_u.value, ==, 1.0);
  g_assert_cmpfloat_with_epsilon (dim1->alpha_u_pooled.value, 0.8591, 0.0005);
  g_assert_cmpint (dim1->alpha_u_pooled.units, ==, 9);
  g_assert_cmpint (find_code (dim1, "Unit/c")->alpha_u.units, ==, 5);

  /* The continuum document, found by title, sits third in project 2. */
  later = compare (a2, b2, NULL, "Continuum");
  g_assert_cmpuint (later->documents->len, ==, 1);
  dim2 = find_dimension (later, "Unit");
  assert_same_figure (dim2->alpha_u_pooled, dim1->alpha_u_pooled);
  assert_same_figure (find_code (dim2, "Unit/c")->alpha_u, find_code (dim1, "Unit/c")->alpha_u);
  assert_same_figure (g_array_index (dim2->documents, GlossAgreementDocumentFigures, 0).alpha_u_pooled,
                      g_array_index (dim1->documents, GlossAgreementDocumentFigures, 0).alpha_u_pooled);

  /* Over all three documents the continuum's own figure stays the same. */
  g_clear_pointer (&later, gloss_agreement_report_free);
  later = compare (a2, b2, NULL, NULL);
  g_assert_cmpuint (later->documents->len, ==, 3);
  dim2 = find_dimension (later, "Unit");
  for (guint d = 0; d < dim2->documents->len; d++)
    {
      GlossAgreementDocumentFigures *figures =
        &g_array_index (dim2->documents, GlossAgreementDocumentFigures, d);
      GlossAgreementDocument *doc = later->documents->pdata[figures->document];

      if (g_str_equal (doc->title, "Continuum"))
        assert_same_figure (figures->alpha_u_pooled, dim1->alpha_u_pooled);
    }
}

/* Two analysts, each in a copy of the same project; random spans on a grid
 * so that some match exactly.  Returns the two projects. */
static void
build_random_pair (Fixture       *fixture,
                   guint32        seed,
                   gboolean       identical,
                   GlossProject **out_a,
                   GlossProject **out_b)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GlossProject) a = create_project (fixture, "alice.gloss", "alice");
  g_autoptr(GlossProject) b = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  gint64 docs[2];
  gint64 stance[3];
  gint64 actors[3];
  gint64 themes[2];
  gint64 dimension;

  for (int i = 0; i < 120; i++)
    g_string_append (text, "word ");
  docs[0] = add_document (a, "First interview", text->str);
  g_string_append (text, "and a little more");
  docs[1] = add_document (a, "Second interview", text->str);

  dimension = add_dimension (a, "Stance", FALSE, GLOSS_LEVEL_ORDINAL);
  stance[0] = add_code (a, dimension, "hostile");
  stance[1] = add_code (a, dimension, "neutral");
  stance[2] = add_code (a, dimension, "friendly");
  dimension = add_dimension (a, "Actors", TRUE, GLOSS_LEVEL_NOMINAL);
  actors[0] = add_code (a, dimension, "Russia");
  actors[1] = add_code (a, dimension, "Pakistan");
  actors[2] = add_code (a, dimension, "China");
  dimension = add_dimension (a, "Themes", FALSE, GLOSS_LEVEL_NOMINAL);
  themes[0] = add_code (a, dimension, "trade");
  themes[1] = add_code (a, dimension, "security");

  b = copy_project (fixture, a, "bob.gloss");

  for (int i = 0; i < 30; i++)
    {
      gint64 doc = docs[g_rand_int_range (rand, 0, 2)];
      gint64 start = 5 * g_rand_int_range (rand, 0, 110);
      gint64 end = start + 5 * g_rand_int_range (rand, 1, 4);
      gint64 codes[3];
      guint n = 0;

      codes[n++] = stance[g_rand_int_range (rand, 0, 3)];
      if (g_rand_boolean (rand))
        codes[n++] = actors[g_rand_int_range (rand, 0, 3)];
      if (g_rand_boolean (rand))
        codes[n++] = themes[g_rand_int_range (rand, 0, 2)];
      annotate_codes (a, doc, start, end, codes, n, "alice");

      /* Bob agrees often, shifts or recodes sometimes. */
      if (!identical && g_rand_int_range (rand, 0, 4) == 0)
        codes[0] = stance[g_rand_int_range (rand, 0, 3)];
      if (!identical && g_rand_int_range (rand, 0, 5) == 0)
        end += 5;
      if (identical || g_rand_int_range (rand, 0, 6) != 0)
        annotate_codes (b, doc, start, end, codes, n, "bob");
      if (!identical && g_rand_int_range (rand, 0, 3) == 0)
        annotate_codes (b, doc, start, end, &actors[g_rand_int_range (rand, 0, 3)], 1, "bob");
    }

  *out_a = g_steal_pointer (&a);
  *out_b = g_steal_pointer (&b);
}

static void
assert_same_dimension (GlossAgreementDimension *x,
                       GlossAgreementDimension *y)
{
  g_assert_cmpstr (x->name, ==, y->name);
  g_assert_cmpint (x->positions, ==, y->positions);
  g_assert_cmpint (x->complete_positions, ==, y->complete_positions);
  assert_same_figure (x->percent_agreement, y->percent_agreement);
  assert_same_figure (x->cohen_kappa, y->cohen_kappa);
  assert_same_figure (x->fleiss_kappa, y->fleiss_kappa);
  assert_same_figure (x->krippendorff_alpha, y->krippendorff_alpha);
  assert_same_figure (x->krippendorff_alpha_ordinal, y->krippendorff_alpha_ordinal);
  assert_same_figure (x->alpha_u_pooled, y->alpha_u_pooled);
  assert_same_figure (x->f1_exact, y->f1_exact);
  assert_same_figure (x->f1_overlap, y->f1_overlap);
  g_assert_cmpuint (x->codes->len, ==, y->codes->len);
  for (guint c = 0; c < x->codes->len; c++)
    {
      GlossAgreementCodeFigures *cx = x->codes->pdata[c];
      GlossAgreementCodeFigures *cy = y->codes->pdata[c];

      g_assert_cmpstr (cx->path, ==, cy->path);
      assert_same_figure (cx->cohen_kappa, cy->cohen_kappa);
      assert_same_figure (cx->fleiss_kappa, cy->fleiss_kappa);
      assert_same_figure (cx->alpha_u, cy->alpha_u);
      assert_same_figure (cx->f1_exact, cy->f1_exact);
      assert_same_figure (cx->f1_overlap, cy->f1_overlap);
    }
  g_assert_cmpuint (x->documents->len, ==, y->documents->len);
  for (guint d = 0; d < x->documents->len; d++)
    {
      GlossAgreementDocumentFigures *dx = &g_array_index (x->documents, GlossAgreementDocumentFigures, d);
      GlossAgreementDocumentFigures *dy = &g_array_index (y->documents, GlossAgreementDocumentFigures, d);

      assert_same_figure (dx->krippendorff_alpha, dy->krippendorff_alpha);
      assert_same_figure (dx->krippendorff_alpha_ordinal, dy->krippendorff_alpha_ordinal);
      assert_same_figure (dx->alpha_u_pooled, dy->alpha_u_pooled);
    }
}

static void
test_swap_raters (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GlossProject) a = NULL;
  g_autoptr(GlossProject) b = NULL;
  g_autoptr(GlossAgreementReport) ab = NULL;
  g_autoptr(GlossAgreementReport) ba = NULL;

  build_random_pair (fixture, 42, FALSE, &a, &b);

  ab = compare (a, b, NULL, NULL);
  ba = compare (b, a, NULL, NULL);

  g_assert_cmpuint (ab->raters->len, ==, 2);
  g_assert_cmpstr (((GlossAgreementRater *) ab->raters->pdata[0])->name, ==, "alice");
  g_assert_cmpstr (((GlossAgreementRater *) ba->raters->pdata[0])->name, ==, "bob");
  g_assert_cmpuint (ab->dimensions->len, ==, 3);

  for (guint i = 0; i < ab->dimensions->len; i++)
    {
      GlossAgreementDimension *x = ab->dimensions->pdata[i];

      assert_same_dimension (x, find_dimension (ba, x->name));
    }

  /* Some figures are defined, and not trivially 1. */
  {
    GlossAgreementDimension *stance = find_dimension (ab, "Stance");

    g_assert_false (isnan (stance->cohen_kappa.value));
    g_assert_cmpfloat (stance->cohen_kappa.value, <, 1.0);
    g_assert_false (isnan (stance->krippendorff_alpha_ordinal.value));
    g_assert_false (isnan (stance->alpha_u_pooled.value));
    g_assert_cmpfloat (stance->f1_exact.value, <, 1.0);
    g_assert_false (isnan (find_dimension (ab, "Actors")->krippendorff_alpha.value));
  }
}

static void
assert_one_or_undefined (GlossFigure figure)
{
  if (!isnan (figure.value))
    g_assert_cmpfloat_with_epsilon (figure.value, 1.0, 1e-12);
}

static void
test_identical (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GlossProject) a = NULL;
  g_autoptr(GlossProject) b = NULL;
  g_autoptr(GlossAgreementReport) report = NULL;
  g_autoptr(GlossAgreementReport) self_report = NULL;
  guint defined = 0;

  build_random_pair (fixture, 7, TRUE, &a, &b);
  report = compare (a, b, NULL, NULL);

  for (guint i = 0; i < report->dimensions->len; i++)
    {
      GlossAgreementDimension *dim = report->dimensions->pdata[i];
      GlossFigure figures[] = {
        dim->percent_agreement, dim->cohen_kappa, dim->fleiss_kappa, dim->krippendorff_alpha,
        dim->krippendorff_alpha_ordinal, dim->alpha_u_pooled, dim->f1_exact, dim->f1_overlap,
      };

      for (gsize k = 0; k < G_N_ELEMENTS (figures); k++)
        {
          assert_one_or_undefined (figures[k]);
          defined += !isnan (figures[k].value);
        }
      for (guint c = 0; c < dim->codes->len; c++)
        {
          GlossAgreementCodeFigures *code = dim->codes->pdata[c];

          assert_one_or_undefined (code->cohen_kappa);
          assert_one_or_undefined (code->alpha_u);
          assert_one_or_undefined (code->f1_exact);
        }
      g_assert_cmpint (dim->positions, ==, dim->complete_positions);
    }
  g_assert_cmpuint (defined, >=, 20);

  /* A file compared with itself: one annotator, nothing to compare. */
  self_report = compare (a, a, NULL, NULL);
  g_assert_cmpuint (self_report->raters->len, ==, 1);
  for (guint i = 0; i < self_report->dimensions->len; i++)
    {
      GlossAgreementDimension *dim = self_report->dimensions->pdata[i];

      assert_undefined (dim->percent_agreement);
      assert_undefined (dim->cohen_kappa);
      assert_undefined (dim->krippendorff_alpha);
      assert_undefined (dim->alpha_u_pooled);
      assert_undefined (dim->f1_exact);
      g_assert_cmpuint (dim->pairs->len, ==, 0);
    }
  g_assert_cmpuint (self_report->notes->len, ==, 1);
}

static void
test_undefined (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GlossProject) a = create_project (fixture, "a.gloss", "alice");
  g_autoptr(GlossProject) b = NULL;
  g_autoptr(GlossAgreementReport) report = NULL;
  g_autoptr(JsonNode) json = NULL;
  GlossAgreementDimension *dim;
  JsonObject *object;
  gint64 doc;
  gint64 dimension;
  gint64 only;

  doc = add_document (a, "Doc", "one two three four five six seven eight nine ten");
  dimension = add_dimension (a, "Tone", FALSE, GLOSS_LEVEL_ORDINAL);
  only = add_code (a, dimension, "calm");
  add_code (a, dimension, "angry");
  add_dimension (a, "Unused", TRUE, GLOSS_LEVEL_NOMINAL);
  b = copy_project (fixture, a, "b.gloss");

  /* Both use one category only, at the same places. */
  annotate (a, doc, 0, 3, only, "alice");
  annotate (a, doc, 4, 7, only, "alice");
  annotate (b, doc, 0, 3, only, "bob");
  annotate (b, doc, 4, 7, only, "bob");

  report = compare (a, b, NULL, NULL);
  dim = find_dimension (report, "Tone");
  g_assert_cmpint (dim->complete_positions, ==, 2);
  g_assert_cmpfloat (dim->percent_agreement.value, ==, 1.0);
  assert_undefined (dim->cohen_kappa);
  g_assert_cmpint (dim->cohen_kappa.units, ==, 2);
  assert_undefined (dim->fleiss_kappa);
  assert_undefined (dim->krippendorff_alpha);
  g_assert_cmpint (dim->krippendorff_alpha.units, ==, 2);
  assert_undefined (dim->krippendorff_alpha_ordinal);
  g_assert_cmpfloat (dim->f1_exact.value, ==, 1.0);
  g_assert_cmpfloat (dim->alpha_u_pooled.value, ==, 1.0);
  assert_undefined (find_code (dim, "Tone/angry")->alpha_u);
  g_assert_cmpint (find_code (dim, "Tone/angry")->alpha_u.units, ==, 0);

  /* A dimension nobody used: nothing at all. */
  dim = find_dimension (report, "Unused");
  g_assert_cmpint (dim->positions, ==, 0);
  assert_undefined (dim->percent_agreement);
  assert_undefined (dim->krippendorff_alpha);
  assert_undefined (dim->alpha_u_pooled);
  assert_undefined (dim->f1_exact);

  /* In JSON, undefined is null, and every listed key is there. */
  json = gloss_agreement_report_to_json (report);
  object = json_node_get_object (json);
  g_assert_true (json_object_has_member (object, "annotators"));
  g_assert_cmpint (json_object_get_int_member (object, "documents"), ==, 1);
  {
    JsonArray *dims = json_object_get_array_member (object, "dimensions");
    JsonObject *tone = NULL;
    static const char *keys[] = {
      "dimension", "positions", "complete_positions", "percent_agreement", "cohen_kappa",
      "fleiss_kappa", "krippendorff_alpha", "krippendorff_alpha_ordinal", "alpha_u",
      "f1_exact", "f1_overlap", "pairs", "per_document",
    };

    for (guint i = 0; i < json_array_get_length (dims); i++)
      {
        JsonObject *d = json_array_get_object_element (dims, i);

        for (gsize k = 0; k < G_N_ELEMENTS (keys); k++)
          g_assert_true (json_object_has_member (d, keys[k]));
        if (g_str_equal (json_object_get_string_member (d, "dimension"), "Tone"))
          tone = d;
      }
    g_assert_nonnull (tone);
    g_assert_true (json_object_get_null_member (tone, "cohen_kappa"));
    g_assert_true (json_object_get_null_member (tone, "krippendorff_alpha"));
    g_assert_cmpfloat (json_object_get_double_member (tone, "percent_agreement"), ==, 1.0);
    g_assert_true (json_object_get_null_member (json_object_get_object_member (
                     json_object_get_object_member (tone, "alpha_u"), "codes"), "Tone/angry"));
  }
}

static void
test_match_by_text_and_path (Fixture       *fixture,
                             gconstpointer  data)
{
  const char *text = "Both analysts imported this very same interview text.";
  g_autoptr(GlossProject) a = create_project (fixture, "a.gloss", "alice");
  g_autoptr(GlossProject) b = create_project (fixture, "b.gloss", "bob");
  g_autoptr(GlossAgreementReport) report = NULL;
  GlossAgreementDimension *dim;
  gint64 doc_a, doc_b, dim_a, dim_b, code_a, code_b;

  /* Separate projects: every UUID differs, the text and paths do not. */
  add_document (a, "Only in A", "Something alice has and bob has not.");
  doc_a = add_document (a, "Interview", text);
  doc_b = add_document (b, "Interview (bob's title)", text);
  dim_a = add_dimension (a, "Themes", TRUE, GLOSS_LEVEL_NOMINAL);
  dim_b = add_dimension (b, "Themes", TRUE, GLOSS_LEVEL_NOMINAL);
  add_code (b, dim_b, "other");
  code_a = add_code (a, dim_a, "trade");
  code_b = add_code (b, dim_b, "trade");

  annotate (a, doc_a, 0, 4, code_a, NULL);
  annotate (b, doc_b, 0, 4, code_b, NULL);
  annotate (a, doc_a, 10, 18, code_a, NULL);
  annotate (b, doc_b, 12, 18, code_b, NULL);

  report = compare (a, b, NULL, NULL);
  g_assert_cmpuint (report->documents->len, ==, 2);
  g_assert_cmpuint (report->dimensions->len, ==, 1);
  dim = find_dimension (report, "Themes");
  g_assert_cmpuint (dim->codes->len, ==, 2);
  g_assert_cmpint (dim->positions, ==, 3);
  g_assert_cmpint (dim->complete_positions, ==, 1);
  g_assert_cmpfloat_with_epsilon (find_code (dim, "Themes/trade")->f1_exact.value, 0.5, 1e-12);
  g_assert_cmpfloat (find_code (dim, "Themes/trade")->f1_overlap.value, ==, 1.0);
  /* The pair compares only what both have: bob's file lacks "Only in A". */
  {
    const GlossAgreementDocument *doc = report->documents->pdata[0];

    g_assert_cmpstr (doc->title, ==, "Only in A");
    g_assert_cmpuint (doc->n_raters, ==, 1);
    doc = report->documents->pdata[1];
    g_assert_cmpuint (doc->n_raters, ==, 2);
  }

  /* The shared document by SHA-256, as --document takes it. */
  {
    g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
    g_autoptr(GlossAgreementReport) one = compare (a, b, "Themes", sha);

    g_assert_cmpuint (one->documents->len, ==, 1);
    g_assert_cmpint (find_dimension (one, "Themes")->positions, ==, 3);
  }
}

static void
test_name_clash (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GlossProject) a = create_project (fixture, "a.gloss", "alice");
  g_autoptr(GlossProject) b = create_project (fixture, "b.gloss", "alice");
  g_autoptr(GlossAgreementReport) report = NULL;
  gint64 dim, code;
  gint64 doc_a = add_document (a, "Doc", "the same words in both files");
  gint64 doc_b = add_document (b, "Doc", "the same words in both files");

  dim = add_dimension (a, "Themes", FALSE, GLOSS_LEVEL_NOMINAL);
  code = add_code (a, dim, "x");
  annotate (a, doc_a, 0, 3, code, NULL);
  dim = add_dimension (b, "Themes", FALSE, GLOSS_LEVEL_NOMINAL);
  code = add_code (b, dim, "x");
  annotate (b, doc_b, 0, 3, code, NULL);

  report = compare (a, b, NULL, NULL);
  g_assert_cmpuint (report->raters->len, ==, 2);
  g_assert_cmpstr (((GlossAgreementRater *) report->raters->pdata[0])->name, ==, "alice");
  g_assert_cmpstr (((GlossAgreementRater *) report->raters->pdata[1])->name, ==, "alice (2)");
  g_assert_cmpstr (((GlossAgreementRater *) report->raters->pdata[1])->annotator, ==, "alice");
  g_assert_cmpstr (((GlossAgreementRater *) report->raters->pdata[0])->uuid, !=,
                   ((GlossAgreementRater *) report->raters->pdata[1])->uuid);
  g_assert_cmpuint (report->clashes->len, ==, 1);
  g_assert_cmpstr (report->clashes->pdata[0], ==, "alice");
  g_assert_cmpuint (report->notes->len, ==, 1);
  g_assert_nonnull (strstr (report->notes->pdata[0], "alice (2)"));
  g_assert_cmpfloat (find_dimension (report, "Themes")->f1_exact.value, ==, 1.0);
}

static void
test_masi (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GlossProject) a = create_project (fixture, "a.gloss", "alice");
  g_autoptr(GlossProject) b = NULL;
  g_autoptr(GlossAgreementReport) report = NULL;
  GlossAgreementDimension *dim;
  gint64 doc, dimension, c1, c2, c3;

  doc = add_document (a, "Doc", "aaaa bbbb cccc dddd");
  dimension = add_dimension (a, "Actors", TRUE, GLOSS_LEVEL_NOMINAL);
  c1 = add_code (a, dimension, "one");
  c2 = add_code (a, dimension, "two");
  c3 = add_code (a, dimension, "three");
  b = copy_project (fixture, a, "b.gloss");

  /* {1}/{1}, {1,2}/{1} (as two annotations of alice), {2}/{3} */
  annotate (a, doc, 0, 4, c1, "alice");
  annotate (b, doc, 0, 4, c1, "bob");
  annotate_codes (a, doc, 5, 9, (gint64[]) { c1, c2 }, 2, "alice");
  annotate (b, doc, 5, 9, c1, "bob");
  annotate (a, doc, 10, 14, c2, "alice");
  annotate (b, doc, 10, 14, c3, "bob");

  report = compare (a, b, NULL, NULL);
  dim = find_dimension (report, "Actors");
  g_assert_cmpint (dim->positions, ==, 3);
  /* As test-agreement-math's hand computation: 1 − 50/64. */
  g_assert_cmpfloat_with_epsilon (dim->krippendorff_alpha.value, 14.0 / 64.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (dim->percent_agreement.value, 1.0 / 3.0, 1e-12);
  /* Kappa per code (present / absent), the dimension's is their mean. */
  {
    double sum = 0;
    guint n = 0;

    for (guint c = 0; c < dim->codes->len; c++)
      {
        GlossAgreementCodeFigures *code = dim->codes->pdata[c];

        if (!isnan (code->cohen_kappa.value))
          {
            sum += code->cohen_kappa.value;
            n++;
          }
      }
    g_assert_cmpuint (n, >, 0);
    g_assert_cmpfloat_with_epsilon (dim->cohen_kappa.value, sum / n, 1e-12);
  }
  /* "one": present/absent (1,1) (1,1) (0,0) → kappa 1 */
  g_assert_cmpfloat (find_code (dim, "Actors/one")->cohen_kappa.value, ==, 1.0);
  assert_undefined (dim->krippendorff_alpha_ordinal);
}

static char *
dup_annotation_uuid (GlossProject *project,
                     gint64        id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossAnnotation) annotation = gloss_project_get_annotation (project, id, &error);

  g_assert_no_error (error);
  return g_strdup (annotation->uuid);
}

static void
delete_by_uuid (GlossProject *project,
                const char   *uuid)
{
  g_autoptr(GError) error = NULL;
  gint64 id = gloss_project_resolve_annotation (project, uuid, &error);

  g_assert_no_error (error);
  gloss_project_delete_annotation (project, id, &error);
  g_assert_no_error (error);
}

static void
test_tombstones (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GlossProject) a = create_project (fixture, "a.gloss", "alice");
  g_autoptr(GlossProject) b = NULL;
  g_autoptr(GlossProject) c = NULL;
  g_autoptr(GlossAgreementReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *keep = NULL;
  g_autofree char *gone = NULL;
  GlossProject *projects[3];
  gint64 doc, dimension, code;

  doc = add_document (a, "Doc", "one two three four five six seven");
  dimension = add_dimension (a, "Themes", FALSE, GLOSS_LEVEL_NOMINAL);
  code = add_code (a, dimension, "x");
  keep = dup_annotation_uuid (a, annotate (a, doc, 0, 3, code, "alice"));
  gone = dup_annotation_uuid (a, annotate (a, doc, 4, 7, code, "alice"));

  /* c is a later copy in which alice deleted her second annotation. */
  b = copy_project (fixture, a, "b.gloss");
  c = copy_project (fixture, a, "c.gloss");
  delete_by_uuid (c, gone);
  annotate (b, doc, 0, 3, code, "bob");
  annotate (b, doc, 4, 7, code, "bob");

  /* alice's deletion in c wins over her live copy in a (and in b). */
  projects[0] = a;
  projects[1] = b;
  projects[2] = c;
  report = gloss_agreement_compare (projects, 3, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->raters->len, ==, 2);
  g_assert_cmpint (find_dimension (report, "Themes")->positions, ==, 2);
  g_assert_cmpint (find_dimension (report, "Themes")->complete_positions, ==, 1);
  g_assert_cmpfloat_with_epsilon (find_dimension (report, "Themes")->f1_exact.value,
                                  2.0 / 3.0, 1e-12);

  /* Without c, alice's annotation is live again. */
  g_clear_pointer (&report, gloss_agreement_report_free);
  report = compare (a, b, NULL, NULL);
  g_assert_cmpint (find_dimension (report, "Themes")->complete_positions, ==, 2);

  /* Within one file, a deleted annotation does not count either. */
  g_clear_pointer (&report, gloss_agreement_report_free);
  delete_by_uuid (a, keep);
  report = compare (a, b, NULL, NULL);
  g_assert_cmpint (find_dimension (report, "Themes")->positions, ==, 2);
  g_assert_cmpint (find_dimension (report, "Themes")->complete_positions, ==, 1);
}

static void
test_filters (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GlossProject) a = create_project (fixture, "a.gloss", "alice");
  g_autoptr(GError) error = NULL;
  GlossProject *projects[] = { a };
  GlossAgreementReport *report;

  add_document (a, "Same title", "first text");
  add_document (a, "Same title", "second text");
  add_dimension (a, "Themes", TRUE, GLOSS_LEVEL_NOMINAL);

  report = gloss_agreement_compare (projects, 1, "Nope", NULL, &error);
  g_assert_null (report);
  g_assert_error (error, GLOSS_AGREEMENT_ERROR, GLOSS_AGREEMENT_ERROR_NO_SUCH);
  g_clear_error (&error);

  report = gloss_agreement_compare (projects, 1, NULL, "Same title", &error);
  g_assert_null (report);
  g_assert_error (error, GLOSS_AGREEMENT_ERROR, GLOSS_AGREEMENT_ERROR_AMBIGUOUS);
  g_clear_error (&error);

  report = gloss_agreement_compare (projects, 1, NULL, "No such title", &error);
  g_assert_null (report);
  g_assert_error (error, GLOSS_AGREEMENT_ERROR, GLOSS_AGREEMENT_ERROR_NO_SUCH);
  g_clear_error (&error);

  report = gloss_agreement_compare (projects, 0, NULL, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, GLOSS_AGREEMENT_ERROR, GLOSS_AGREEMENT_ERROR_INVALID);
  g_clear_error (&error);

  report = gloss_agreement_compare (projects, 1, "Themes", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->dimensions->len, ==, 1);
  g_assert_cmpuint (report->documents->len, ==, 2);
  gloss_agreement_report_free (report);
}

/* Random coding tables built as projects, their kappas against statsmodels
 * (tests/agreement-statsmodels.py) run by Debian's Python. */

static gboolean
have_statsmodels (void)
{
  const char *argv[] = { "/usr/bin/python3", "-c", "import statsmodels.stats.inter_rater", NULL };
  int status = 0;

  if (!g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;

  return g_spawn_check_wait_status (status, NULL);
}

/* Kappas of @values (n_units × n_raters, categories 0–3) by statsmodels:
 * Fleiss over all raters, Cohen between the first two. */
static void
statsmodels_kappas (Fixture   *fixture,
                    const int *values,
                    guint      n_units,
                    guint      n_raters,
                    double    *fleiss,
                    double    *cohen)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *input = path_in (fixture, "tables.json");
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "agreement-statsmodels.py", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonObject *result;
  int status = 0;

  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "categories");
  json_builder_add_int_value (builder, 4);
  json_builder_set_member_name (builder, "units");
  json_builder_begin_array (builder);
  for (guint u = 0; u < n_units; u++)
    {
      json_builder_begin_array (builder);
      for (guint r = 0; r < n_raters; r++)
        json_builder_add_int_value (builder, values[u * n_raters + r]);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_to_file (generator, input, &error);
  g_assert_no_error (error);

  {
    const char *argv[] = { "/usr/bin/python3", script, input, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                  &status, &error);
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("%s failed: %s", script, err);
  }

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  result = json_array_get_object_element (json_node_get_array (json_parser_get_root (parser)), 0);
  *fleiss = json_object_get_null_member (result, "fleiss")
            ? NAN : json_object_get_double_member (result, "fleiss");
  *cohen = json_object_get_null_member (result, "cohen")
           ? NAN : json_object_get_double_member (result, "cohen");
}

static void
test_statsmodels (Fixture       *fixture,
                  gconstpointer  data)
{
  static const char *raters[] = { "ann", "ben", "cat" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (1971);
  g_autoptr(GString) text = g_string_new (NULL);
  const guint n_units = 60;

  if (!have_statsmodels ())
    {
      g_test_skip ("/usr/bin/python3 with statsmodels is not installed");
      return;
    }

  for (guint u = 0; u < n_units; u++)
    g_string_append (text, "unit ");

  /* Three raters in one file, then two in another. */
  for (guint n_raters = 3; n_raters >= 2; n_raters--)
    {
      g_autofree char *name = g_strdup_printf ("raters-%u.gloss", n_raters);
      g_autoptr(GlossProject) project = create_project (fixture, name, "ann");
      g_autoptr(GlossAgreementReport) report = NULL;
      g_autofree int *values = g_new (int, n_units * n_raters);
      GlossAgreementDimension *dim;
      gint64 codes[4];
      gint64 doc = add_document (project, "Units", text->str);
      gint64 dimension = add_dimension (project, "Category", FALSE, GLOSS_LEVEL_NOMINAL);
      double fleiss, cohen;

      for (guint c = 0; c < 4; c++)
        {
          g_autofree char *code = g_strdup_printf ("c%u", c);

          codes[c] = add_code (project, dimension, code);
        }

      for (guint u = 0; u < n_units; u++)
        {
          int truth = g_rand_int_range (rand, 0, 4);

          for (guint r = 0; r < n_raters; r++)
            {
              int v = g_rand_int_range (rand, 0, 3) > 0 ? truth : g_rand_int_range (rand, 0, 4);

              values[u * n_raters + r] = v;
              annotate (project, doc, u * 5, u * 5 + 4, codes[v], raters[r]);
            }
        }

      report = compare (project, NULL, NULL, NULL);
      dim = find_dimension (report, "Category");
      g_assert_cmpint (dim->complete_positions, ==, n_units);

      statsmodels_kappas (fixture, values, n_units, n_raters, &fleiss, &cohen);
      g_assert_false (isnan (fleiss));
      g_assert_cmpfloat_with_epsilon (dim->fleiss_kappa.value, fleiss, 1e-9);
      if (n_raters == 2)
        g_assert_cmpfloat_with_epsilon (dim->cohen_kappa.value, cohen, 1e-9);
      else
        assert_undefined (dim->cohen_kappa);
    }
}

/* `gloss-cli agree`, run as scripts run it. */

static int
run_cli (const char * const *args,
         char              **out,
         char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("GLOSS_CLI");
  int status = 0;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  g_ptr_array_add (argv, (char *) "agree");
  for (; *args != NULL; args++)
    g_ptr_array_add (argv, (char *) *args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                out, err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static gboolean
cli_has_agree (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "--help", NULL };

  if (g_getenv ("GLOSS_CLI") == NULL)
    return FALSE;

  return run_cli (args, &out, &err) == 0;
}

static void
test_cli (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(GlossProject) a = NULL;
  g_autoptr(GlossProject) b = NULL;
  g_autofree char *path_a = path_in (fixture, "alice.gloss");
  g_autofree char *path_b = path_in (fixture, "bob.gloss");
  g_autofree char *missing = path_in (fixture, "missing.gloss");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  if (!cli_has_agree ())
    {
      g_test_skip ("gloss-cli does not offer the agree command");
      return;
    }

  build_random_pair (fixture, 3, FALSE, &a, &b);

  {
    const char *args[] = { path_a, path_b, "--json", NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
    json_parser_load_from_data (parser, out, -1, &error);
    g_assert_no_error (error);
    root = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpint (json_array_get_length (json_object_get_array_member (root, "annotators")), ==, 2);
    g_assert_cmpint (json_object_get_int_member (root, "documents"), ==, 2);
    g_assert_cmpint (json_array_get_length (json_object_get_array_member (root, "dimensions")), ==, 3);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  {
    const char *args[] = { path_a, path_b, "--dimension", "Stance", "--document",
                           "First interview", NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "Stance"));
    g_assert_nonnull (strstr (out, "Cohen κ"));
    g_assert_null (strstr (out, "Actors"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* Refused: a file that is not there, a dimension that is not there. */
  {
    const char *args[] = { path_a, missing, NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 2);
    g_assert_true (g_str_has_prefix (err, "gloss-cli: "));
    g_assert_cmpstr (out, ==, "");
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { path_a, path_b, "--dimension", "Nope", "--json", NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 2);
    g_assert_true (g_str_has_prefix (err, "gloss-cli: "));
    g_assert_cmpstr (out, ==, "");
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* Usage: no file, an unknown option. */
  {
    const char *args[] = { NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_assert_true (g_str_has_prefix (err, "gloss-cli: "));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { path_a, "--bogus", NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_assert_true (g_str_has_prefix (err, "gloss-cli: "));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* Busy: another program holds the file's write lock. */
  {
    const char *args[] = { path_a, path_b, NULL };
    sqlite3 *db = NULL;

    g_clear_object (&b);
    g_assert_cmpint (sqlite3_open_v2 (path_b, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);

    g_assert_cmpint (run_cli (args, &out, &err), ==, 3);
    g_assert_true (g_str_has_prefix (err, "gloss-cli: "));

    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close (db);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/gloss/agreement/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("krippendorff-2011", test_krippendorff_2011);
  ADD ("cohen-1960", test_cohen_1960);
  ADD ("alpha-u-krippendorff-2004", test_alpha_u_krippendorff_2004);
  ADD ("swap-raters", test_swap_raters);
  ADD ("identical", test_identical);
  ADD ("undefined", test_undefined);
  ADD ("match-by-text-and-path", test_match_by_text_and_path);
  ADD ("name-clash", test_name_clash);
  ADD ("masi", test_masi);
  ADD ("tombstones", test_tombstones);
  ADD ("filters", test_filters);
  ADD ("statsmodels", test_statsmodels);
  ADD ("cli", test_cli);

#undef ADD

  return g_test_run ();
}
