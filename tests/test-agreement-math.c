/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "gloss-agreement-math.h"

#define M GLOSS_AGREEMENT_MISSING

/* Cohen's table (1960, Table 1): 200 units, judge B in rows, judge A in
 * columns; proportions .44 .07 .09 / .05 .20 .05 / .01 .03 .06. */
static const int cohen_1960[3][3] = {
  { 88, 14, 18 },
  { 10, 40, 10 },
  {  2,  6, 12 },
};

/* Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the
 * example with four observers A–D, twelve units, values 1–5, missing data. */
static const int krippendorff_2011[4][12] = {
  { 1, 2, 3, 3, 2, 1, 4, 1, 2, M, M, M },
  { 1, 2, 3, 3, 2, 2, 4, 1, 2, 5, M, 3 },
  { M, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, M },
  { 1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, M },
};

/* Fleiss (1971) as reproduced in most textbooks: 10 subjects, 14 raters,
 * 5 categories, counts per category; kappa 0.210. */
static const int fleiss_table[10][5] = {
  { 0, 0, 0, 0, 14 },
  { 0, 2, 6, 4, 2 },
  { 0, 0, 3, 5, 6 },
  { 0, 3, 9, 2, 0 },
  { 2, 2, 8, 1, 1 },
  { 7, 7, 0, 0, 0 },
  { 3, 2, 6, 3, 0 },
  { 2, 5, 3, 2, 2 },
  { 6, 5, 2, 1, 0 },
  { 0, 2, 2, 3, 7 },
};

static int *
krippendorff_units (gboolean zero_based)
{
  int *values = g_new (int, 12 * 4);

  for (int u = 0; u < 12; u++)
    for (int r = 0; r < 4; r++)
      {
        int v = krippendorff_2011[r][u];

        values[u * 4 + r] = (v == M || !zero_based) ? v : v - 1;
      }

  return values;
}

static void
test_percent (void)
{
  const int values[] = {
    0, 0,
    0, 1,
    M, 1,
    2, 2,
  };
  const int lonely[] = { M, 1, 0, M };
  gsize used = 99;
  double p;

  p = gloss_agreement_percent (values, 4, 2, &used);
  g_assert_cmpuint (used, ==, 3);
  g_assert_cmpfloat_with_epsilon (p, 2.0 / 3.0, 1e-12);

  p = gloss_agreement_percent (lonely, 2, 2, &used);
  g_assert_cmpuint (used, ==, 0);
  g_assert_true (isnan (p));

  /* One rater cannot agree with anyone. */
  p = gloss_agreement_percent (values, 8, 1, &used);
  g_assert_true (isnan (p));
  g_assert_cmpuint (used, ==, 0);
}

static void
test_cohen_1960 (void)
{
  g_autofree int *values = g_new (int, 2 * 200);
  gsize n = 0;
  gsize used = 0;
  double kappa;

  for (int b = 0; b < 3; b++)
    for (int a = 0; a < 3; a++)
      for (int k = 0; k < cohen_1960[b][a]; k++)
        {
          values[2 * n] = a;
          values[2 * n + 1] = b;
          n++;
        }
  g_assert_cmpuint (n, ==, 200);

  kappa = gloss_agreement_cohen_kappa (values, n, 3, &used);
  g_assert_cmpuint (used, ==, 200);
  /* p_o = .70, p_c = .41: kappa = .29 / .59 */
  g_assert_cmpfloat_with_epsilon (kappa, 0.29 / 0.59, 1e-12);
  g_assert_cmpfloat_with_epsilon (kappa, 0.492, 0.0005);
}

static void
test_cohen_undefined (void)
{
  const int one_category[] = { 1, 1, 1, 1, 1, 1 };
  const int no_pairs[] = { 0, M, M, 1, M, M };
  const int with_missing[] = { 0, 0, 1, 1, 0, M, M, 1, 0, 1 };
  gsize used = 99;
  double kappa;

  kappa = gloss_agreement_cohen_kappa (one_category, 3, 2, &used);
  g_assert_true (isnan (kappa));
  g_assert_cmpuint (used, ==, 3);

  kappa = gloss_agreement_cohen_kappa (no_pairs, 3, 2, &used);
  g_assert_true (isnan (kappa));
  g_assert_cmpuint (used, ==, 0);

  kappa = gloss_agreement_cohen_kappa (NULL, 0, 2, &used);
  g_assert_true (isnan (kappa));

  /* Units with a missing value are left out: (0,0) (1,1) (0,1). */
  kappa = gloss_agreement_cohen_kappa (with_missing, 5, 2, &used);
  g_assert_cmpuint (used, ==, 3);
  /* p_o = 2/3; marginals a: 2,1  b: 1,2 → p_e = (2 + 2) / 9 */
  g_assert_cmpfloat_with_epsilon (kappa, (2.0 / 3.0 - 4.0 / 9.0) / (1 - 4.0 / 9.0), 1e-12);
}

static void
test_fleiss (void)
{
  g_autofree int *values = g_new (int, 10 * 14);
  const int unanimous[] = { 2, 2, 2, 2, 2, 2 };
  const int incomplete[] = { 0, 1, M, 1, 1, 1, 0, 0, 0 };
  gsize used = 0;
  double kappa;

  for (int u = 0; u < 10; u++)
    {
      int r = 0;

      for (int c = 0; c < 5; c++)
        for (int k = 0; k < fleiss_table[u][c]; k++)
          values[u * 14 + r++] = c;
      g_assert_cmpint (r, ==, 14);
    }

  kappa = gloss_agreement_fleiss_kappa (values, 10, 14, 5, &used);
  g_assert_cmpuint (used, ==, 10);
  g_assert_cmpfloat_with_epsilon (kappa, 0.20993070442195522, 1e-12);

  kappa = gloss_agreement_fleiss_kappa (unanimous, 2, 3, 4, &used);
  g_assert_true (isnan (kappa));
  g_assert_cmpuint (used, ==, 2);

  /* The first unit has a missing value and is left out. */
  kappa = gloss_agreement_fleiss_kappa (incomplete, 3, 3, 2, &used);
  g_assert_cmpuint (used, ==, 2);
  /* units (1,1,1) and (0,0,0): perfect agreement */
  g_assert_cmpfloat_with_epsilon (kappa, 1.0, 1e-12);

  kappa = gloss_agreement_fleiss_kappa (incomplete, 3, 1, 2, &used);
  g_assert_true (isnan (kappa));
}

static void
test_alpha_krippendorff_2011 (void)
{
  g_autofree int *values = krippendorff_units (TRUE);
  gsize used = 0;
  double alpha;

  alpha = gloss_agreement_krippendorff_alpha (values, 12, 4, 5, GLOSS_ALPHA_NOMINAL,
                                              NULL, NULL, &used);
  g_assert_cmpuint (used, ==, 11);   /* unit 12 has one value only */
  g_assert_cmpfloat_with_epsilon (alpha, 0.743, 0.0005);
  /* n = 40 pairable values; 1 − 39 · D_o / D_e comes to exactly 113/152. */
  g_assert_cmpfloat_with_epsilon (alpha, 113.0 / 152.0, 1e-12);

  alpha = gloss_agreement_krippendorff_alpha (values, 12, 4, 5, GLOSS_ALPHA_ORDINAL,
                                              NULL, NULL, &used);
  g_assert_cmpuint (used, ==, 11);
  g_assert_cmpfloat_with_epsilon (alpha, 0.815, 0.0005);
}

static void
test_alpha_undefined (void)
{
  const int one_value[] = { 3, 3, M, 3, 3, 3 };
  const int unpairable[] = { 1, M, M, M, M, 2 };
  gsize used = 99;
  double alpha;

  alpha = gloss_agreement_krippendorff_alpha (one_value, 3, 2, 4, GLOSS_ALPHA_NOMINAL,
                                              NULL, NULL, &used);
  g_assert_true (isnan (alpha));
  g_assert_cmpuint (used, ==, 2);

  alpha = gloss_agreement_krippendorff_alpha (one_value, 3, 2, 4, GLOSS_ALPHA_ORDINAL,
                                              NULL, NULL, &used);
  g_assert_true (isnan (alpha));

  alpha = gloss_agreement_krippendorff_alpha (unpairable, 3, 2, 4, GLOSS_ALPHA_NOMINAL,
                                              NULL, NULL, &used);
  g_assert_true (isnan (alpha));
  g_assert_cmpuint (used, ==, 0);

  alpha = gloss_agreement_krippendorff_alpha (NULL, 0, 2, 4, GLOSS_ALPHA_NOMINAL,
                                              NULL, NULL, &used);
  g_assert_true (isnan (alpha));
  g_assert_cmpuint (used, ==, 0);
}

static void
test_alpha_perfect_and_swapped (void)
{
  const int perfect[] = { 0, 0, 1, 1, 2, 2, M, 1 };
  const int table[] = { 0, 1, 1, 1, 2, 0, 2, 2, M, 1, 0, 0 };
  int swapped[G_N_ELEMENTS (table)];
  double a;
  double b;

  a = gloss_agreement_krippendorff_alpha (perfect, 4, 2, 3, GLOSS_ALPHA_NOMINAL,
                                          NULL, NULL, NULL);
  g_assert_cmpfloat (a, ==, 1.0);

  for (gsize u = 0; u < G_N_ELEMENTS (table) / 2; u++)
    {
      swapped[2 * u] = table[2 * u + 1];
      swapped[2 * u + 1] = table[2 * u];
    }

  for (int metric = GLOSS_ALPHA_NOMINAL; metric <= GLOSS_ALPHA_ORDINAL; metric++)
    {
      a = gloss_agreement_krippendorff_alpha (table, 6, 2, 3, metric, NULL, NULL, NULL);
      b = gloss_agreement_krippendorff_alpha (swapped, 6, 2, 3, metric, NULL, NULL, NULL);
      g_assert_false (isnan (a));
      g_assert_cmpfloat_with_epsilon (a, b, 1e-12);
    }
}

static void
test_masi_distance (void)
{
  const gint64 a[] = { 1 };
  const gint64 ab[] = { 1, 2 };
  const gint64 bc[] = { 2, 3 };
  const gint64 d[] = { 4 };

  g_assert_cmpfloat (gloss_agreement_masi_distance (ab, 2, ab, 2), ==, 0.0);
  /* J = 1/2, subset M = 2/3 */
  g_assert_cmpfloat_with_epsilon (gloss_agreement_masi_distance (ab, 2, a, 1), 2.0 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (gloss_agreement_masi_distance (a, 1, ab, 2), 2.0 / 3.0, 1e-12);
  /* J = 1/3, intersecting M = 1/3 */
  g_assert_cmpfloat_with_epsilon (gloss_agreement_masi_distance (ab, 2, bc, 2), 8.0 / 9.0, 1e-12);
  g_assert_cmpfloat (gloss_agreement_masi_distance (ab, 2, d, 1), ==, 1.0);
  g_assert_cmpfloat (gloss_agreement_masi_distance (NULL, 0, NULL, 0), ==, 0.0);
  g_assert_cmpfloat (gloss_agreement_masi_distance (NULL, 0, d, 1), ==, 1.0);
}

typedef struct
{
  const gint64 *items[4];
  gsize         sizes[4];
} SetTable;

static double
masi_delta (int      a,
            int      b,
            gpointer user_data)
{
  SetTable *sets = user_data;

  return gloss_agreement_masi_distance (sets->items[a], sets->sizes[a],
                                        sets->items[b], sets->sizes[b]);
}

static void
test_alpha_masi (void)
{
  static const gint64 s1[] = { 1 };
  static const gint64 s12[] = { 1, 2 };
  static const gint64 s2[] = { 2 };
  static const gint64 s3[] = { 3 };
  SetTable sets = { { s1, s12, s2, s3 }, { 1, 2, 1, 1 } };
  /* {1}/{1}, {1,2}/{1}, {2}/{3} */
  const int values[] = { 0, 0, 1, 0, 2, 3 };
  gsize used = 0;
  double alpha;

  /* By hand: observed sum 2·(0 + 2/3 + 1) = 10/3 over n = 6 values;
   * marginals {1}:3 {1,2}:1 {2}:1 {3}:1; expected sum
   * 2·(3·2/3 + 3 + 3 + 2/3 + 1 + 1) = 64/3; alpha = 1 − 5 · (10/3) / (64/3). */
  alpha = gloss_agreement_krippendorff_alpha (values, 3, 2, 4, GLOSS_ALPHA_CUSTOM,
                                              masi_delta, &sets, &used);
  g_assert_cmpuint (used, ==, 3);
  g_assert_cmpfloat_with_epsilon (alpha, 1 - 50.0 / 64.0, 1e-12);

  /* With singletons only, MASI is the nominal metric. */
  {
    static const gint64 v[4][1] = { { 0 }, { 1 }, { 2 }, { 3 } };
    SetTable singles = { { v[0], v[1], v[2], v[3] }, { 1, 1, 1, 1 } };
    const int small[] = { 0, 1, 1, 1, 2, 3, 3, 3, 0, 0 };
    double nominal;

    nominal = gloss_agreement_krippendorff_alpha (small, 5, 2, 4, GLOSS_ALPHA_NOMINAL,
                                                  NULL, NULL, NULL);
    alpha = gloss_agreement_krippendorff_alpha (small, 5, 2, 4, GLOSS_ALPHA_CUSTOM,
                                                masi_delta, &singles, NULL);
    g_assert_cmpfloat_with_epsilon (alpha, nominal, 1e-12);
  }
}

/* Unitizing */

static void
test_unitizing_hand (void)
{
  GlossAgreementSpan spans[] = {
    { 2, 5, 0 },
    { 3, 5, 1 },
  };
  /* The same, with rater 0's unit given as two overlapping spans. */
  GlossAgreementSpan split[] = {
    { 3, 5, 0 },
    { 3, 5, 1 },
    { 2, 4, 0 },
  };
  GlossUnitizing u;
  double expected = 2.0 * (10 + 63 + 2 + 44) / 10.0 / (20 * 19 - 8);

  /* Sections: rater 0 gap 0–2, unit 2–5, gap 5–10; rater 1 gap 0–3,
   * unit 3–5, gap 5–10.  Only the two units differ: (2−3)² + (5−5)² = 1,
   * so D_o = 2 · 1 / (2 · 1 · 10²).  D_e: units of length 3 and 2, gaps
   * 2, 3, 5, 5; unit 3: (2−1)/3·(54 − 27 + 3) = 10 and 9 · (1 + 3 + 3) = 63;
   * unit 2: (16 − 12 + 2)/3 = 2 and 4 · (1 + 2 + 4 + 4) = 44;
   * D_e = (2/10) · 119 / (20 · 19 − (6 + 2)). */
  g_assert_true (gloss_agreement_unitizing (10, 2, spans, G_N_ELEMENTS (spans), &u));
  g_assert_cmpuint (u.n_units, ==, 2);
  g_assert_cmpfloat_with_epsilon (u.observed, 0.01, 1e-12);
  g_assert_cmpfloat_with_epsilon (u.expected, expected, 1e-12);
  g_assert_cmpfloat_with_epsilon (gloss_agreement_unitizing_alpha (u.observed, u.expected),
                                  1 - 0.01 / expected, 1e-12);

  g_assert_true (gloss_agreement_unitizing (10, 2, split, G_N_ELEMENTS (split), &u));
  g_assert_cmpuint (u.n_units, ==, 2);
  g_assert_cmpfloat_with_epsilon (u.observed, 0.01, 1e-12);
  g_assert_cmpfloat_with_epsilon (u.expected, expected, 1e-12);
}

static void
test_unitizing_touching (void)
{
  /* Touching spans are two units, not one. */
  GlossAgreementSpan touching[] = { { 2, 4, 0 }, { 4, 6, 0 }, { 2, 6, 1 } };
  GlossAgreementSpan merged[] = { { 2, 6, 0 }, { 2, 6, 1 } };
  GlossUnitizing a;
  GlossUnitizing b;

  g_assert_true (gloss_agreement_unitizing (10, 2, touching, 3, &a));
  g_assert_true (gloss_agreement_unitizing (10, 2, merged, 2, &b));
  g_assert_cmpuint (a.n_units, ==, 3);
  g_assert_cmpuint (b.n_units, ==, 2);
  /* unit 2–4 against 2–6: 0 + 4; unit 4–6 against 2–6: 4 + 0 */
  g_assert_cmpfloat_with_epsilon (a.observed, 2.0 * 8 / (2 * 100), 1e-12);
  g_assert_cmpfloat (b.observed, ==, 0.0);
  g_assert_cmpfloat (gloss_agreement_unitizing_alpha (b.observed, b.expected), ==, 1.0);
}

static void
test_unitizing_undefined (void)
{
  GlossAgreementSpan one[] = { { 0, 4, 0 } };
  GlossAgreementSpan outside[] = { { 5, 12, 0 } };
  GlossAgreementSpan empty_span[] = { { 5, 5, 0 } };
  GlossAgreementSpan bad_rater[] = { { 1, 2, 2 } };
  GlossUnitizing u;

  /* No units at all: nothing to expect. */
  g_assert_true (gloss_agreement_unitizing (10, 2, NULL, 0, &u));
  g_assert_cmpuint (u.n_units, ==, 0);
  g_assert_true (isnan (gloss_agreement_unitizing_alpha (u.observed, u.expected)));

  /* A single rater. */
  g_assert_true (gloss_agreement_unitizing (10, 1, one, 1, &u));
  g_assert_cmpuint (u.n_units, ==, 1);
  g_assert_true (isnan (gloss_agreement_unitizing_alpha (u.observed, u.expected)));

  /* Bad input is refused. */
  g_assert_false (gloss_agreement_unitizing (10, 2, outside, 1, &u));
  g_assert_false (gloss_agreement_unitizing (10, 2, empty_span, 1, &u));
  g_assert_false (gloss_agreement_unitizing (10, 2, bad_rater, 1, &u));
  g_assert_cmpuint (u.n_units, ==, 0);
}

/* Krippendorff (2004: 254), as DKPro Agreement's test: continuum 150–450,
 * shifted here to 0–300. */
static void
test_unitizing_krippendorff_2004 (void)
{
  GlossAgreementSpan c[] = {
    { 225, 295, 0 }, { 370, 400, 0 },
    { 220, 300, 1 }, { 355, 375, 1 }, { 400, 420, 1 },
  };
  GlossAgreementSpan k[] = {
    { 180, 240, 0 }, { 300, 350, 0 },
    { 180, 240, 1 }, { 300, 350, 1 },
  };
  GlossUnitizing uc;
  GlossUnitizing uk;

  for (gsize i = 0; i < G_N_ELEMENTS (c); i++)
    {
      c[i].start -= 150;
      c[i].end -= 150;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (k); i++)
    {
      k[i].start -= 150;
      k[i].end -= 150;
    }

  g_assert_true (gloss_agreement_unitizing (300, 2, c, G_N_ELEMENTS (c), &uc));
  g_assert_true (gloss_agreement_unitizing (300, 2, k, G_N_ELEMENTS (k), &uk));

  g_assert_cmpfloat_with_epsilon (uc.observed, 0.0144, 0.0001);
  g_assert_cmpfloat_with_epsilon (uc.expected, 0.0532, 0.0001);
  g_assert_cmpfloat_with_epsilon (gloss_agreement_unitizing_alpha (uc.observed, uc.expected),
                                  0.7286, 0.0001);
  g_assert_cmpfloat (uk.observed, ==, 0.0);
  g_assert_cmpfloat_with_epsilon (uk.expected, 0.0490, 0.0001);
  g_assert_cmpfloat (gloss_agreement_unitizing_alpha (uk.observed, uk.expected), ==, 1.0);

  /* Pooled over both codes: 1 − mean(D_o) / mean(D_e). */
  g_assert_cmpfloat_with_epsilon (gloss_agreement_unitizing_alpha ((uc.observed + uk.observed) / 2,
                                                                   (uc.expected + uk.expected) / 2),
                                  0.8591, 0.0005);
}

/* Krippendorff (1995: 57), as DKPro Agreement's test: four pairs of
 * coders on a continuum of 24, stretched. */
static void
krippendorff_1995 (double          stretch,
                   GlossUnitizing *out)
{
  static const struct { char code; int start, length, rater; } units[] = {
    { 'A', 2, 8, 0 }, { 'A', 14, 6, 0 }, { 'A', 4, 4, 1 }, { 'A', 15, 2, 1 },
    { 'B', 0, 18, 0 }, { 'B', 0, 2, 1 }, { 'B', 2, 1, 1 }, { 'B', 3, 1, 1 },
    { 'B', 4, 1, 1 }, { 'B', 5, 1, 1 }, { 'B', 6, 3, 1 }, { 'B', 9, 1, 1 },
    { 'C', 2, 6, 0 }, { 'C', 10, 2, 0 }, { 'C', 14, 4, 0 }, { 'C', 20, 2, 0 },
    { 'C', 0, 2, 1 }, { 'C', 4, 4, 1 }, { 'C', 10, 4, 1 }, { 'C', 16, 2, 1 },
    { 'C', 20, 2, 1 },
    { 'D', 0, 2, 0 }, { 'D', 2, 8, 0 }, { 'D', 10, 4, 0 }, { 'D', 14, 6, 0 },
    { 'D', 20, 4, 0 }, { 'D', 0, 4, 1 }, { 'D', 4, 4, 1 }, { 'D', 8, 7, 1 },
    { 'D', 15, 2, 1 }, { 'D', 17, 7, 1 },
  };

  for (int code = 0; code < 4; code++)
    {
      g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (GlossAgreementSpan));

      for (gsize i = 0; i < G_N_ELEMENTS (units); i++)
        {
          GlossAgreementSpan span;

          if (units[i].code != 'A' + code)
            continue;
          span.start = (gint64) (units[i].start * stretch);
          span.end = span.start + (gint64) (units[i].length * stretch);
          span.rater = units[i].rater;
          g_array_append_val (spans, span);
        }

      g_assert_true (gloss_agreement_unitizing ((gint64) (24 * stretch), 2,
                                                (GlossAgreementSpan *) spans->data,
                                                spans->len, &out[code]));
    }
}

static void
test_unitizing_krippendorff_1995 (void)
{
  GlossUnitizing u[4];

  krippendorff_1995 (1, u);
  g_assert_cmpfloat_with_epsilon (u[0].observed, 0.03125, 0.00001);
  g_assert_cmpfloat_with_epsilon (u[1].observed, 2.26736, 0.00001);
  g_assert_cmpfloat_with_epsilon (u[2].observed, 0.02777, 0.00001);
  g_assert_cmpfloat_with_epsilon (u[3].observed, 0.38715, 0.00001);
  /* Rater 1's seven touching B units are not merged: 1 + 7 units. */
  g_assert_cmpuint (u[1].n_units, ==, 8);

  krippendorff_1995 (1200000 / 24.0, u);
  g_assert_cmpfloat_with_epsilon (u[0].expected, 0.06990, 0.005);
  g_assert_cmpfloat_with_epsilon (u[1].expected, 1.17731, 0.005);
  g_assert_cmpfloat_with_epsilon (u[2].expected, 0.08642, 0.005);
  g_assert_cmpfloat_with_epsilon (u[3].expected, 0.41445, 0.005);
  g_assert_cmpfloat_with_epsilon (gloss_agreement_unitizing_alpha (u[0].observed, u[0].expected), 0.553, 0.02);
  g_assert_cmpfloat_with_epsilon (gloss_agreement_unitizing_alpha (u[1].observed, u[1].expected), -0.926, 0.02);
  g_assert_cmpfloat_with_epsilon (gloss_agreement_unitizing_alpha (u[2].observed, u[2].expected), 0.679, 0.02);
  g_assert_cmpfloat_with_epsilon (gloss_agreement_unitizing_alpha (u[3].observed, u[3].expected), 0.066, 0.02);
}

static void
test_unitizing_swap (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (int round = 0; round < 50; round++)
    {
      GlossAgreementSpan spans[30];
      GlossAgreementSpan swapped[30];
      GlossUnitizing a;
      GlossUnitizing b;
      gsize n = (gsize) g_rand_int_range (rand, 1, 30);

      for (gsize i = 0; i < n; i++)
        {
          gint64 start = g_rand_int_range (rand, 0, 190);

          spans[i].start = start;
          spans[i].end = start + g_rand_int_range (rand, 1, 11);
          spans[i].rater = (guint) g_rand_int_range (rand, 0, 3);
          swapped[i] = spans[i];
          swapped[i].rater = (spans[i].rater + 1) % 3;
        }

      g_assert_true (gloss_agreement_unitizing (200, 3, spans, n, &a));
      g_assert_true (gloss_agreement_unitizing (200, 3, swapped, n, &b));
      g_assert_cmpuint (a.n_units, ==, b.n_units);
      g_assert_cmpfloat_with_epsilon (a.observed, b.observed, 1e-12);
      g_assert_cmpfloat_with_epsilon (a.expected, b.expected, 1e-12);
    }
}

/* Span matching */

static void
test_match_exact (void)
{
  GlossAgreementMark a[] = { { 1, 0, 5 }, { 1, 0, 5 }, { 1, 6, 9 }, { 2, 0, 5 } };
  GlossAgreementMark b[] = { { 1, 0, 5 }, { 2, 0, 4 }, { 3, 6, 9 } };
  gsize n_a = G_N_ELEMENTS (a);
  gsize n_b = G_N_ELEMENTS (b);
  gsize matched;

  matched = gloss_agreement_match_exact (a, &n_a, b, &n_b);
  g_assert_cmpuint (matched, ==, 1);
  g_assert_cmpuint (n_a, ==, 3);   /* the repeated mark counts once */
  g_assert_cmpuint (n_b, ==, 3);
  g_assert_cmpfloat_with_epsilon (gloss_agreement_f1 (matched, n_a, n_b), 2.0 / 6.0, 1e-12);

  g_assert_true (isnan (gloss_agreement_f1 (0, 0, 0)));
  g_assert_cmpfloat (gloss_agreement_f1 (0, 3, 0), ==, 0.0);
}

static void
test_match_overlap (void)
{
  /* a0 overlaps b0 and b1, a1 only b0: one to one, both match. */
  GlossAgreementMark a[] = { { 1, 0, 10 }, { 1, 1, 2 } };
  GlossAgreementMark b[] = { { 1, 1, 3 }, { 1, 5, 7 } };
  /* One long span against two short ones: one match only. */
  GlossAgreementMark c[] = { { 1, 0, 10 } };
  GlossAgreementMark d[] = { { 1, 0, 3 }, { 1, 5, 8 } };
  /* Touching is not overlapping; other groups never match. */
  GlossAgreementMark e[] = { { 1, 0, 5 }, { 2, 5, 9 } };
  GlossAgreementMark f[] = { { 1, 5, 9 }, { 3, 5, 9 } };
  gsize n_a = 2, n_b = 2, n_c = 1, n_d = 2, n_e = 2, n_f = 2;

  g_assert_cmpuint (gloss_agreement_match_overlap (a, &n_a, b, &n_b), ==, 2);
  g_assert_cmpuint (gloss_agreement_match_overlap (c, &n_c, d, &n_d), ==, 1);
  g_assert_cmpuint (gloss_agreement_match_overlap (e, &n_e, f, &n_f), ==, 0);
  n_c = 1;
  g_assert_cmpuint (gloss_agreement_match_overlap (c, &n_c, NULL, &(gsize) { 0 }), ==, 0);
}

/* Maximum matching by trying every assignment: small cases only. */
static gsize
brute_force_matching (const GlossAgreementMark *a,
                      gsize                     n_a,
                      const GlossAgreementMark *b,
                      gsize                     n_b,
                      gsize                     from,
                      guint                     used)
{
  gsize best;

  if (from == n_a)
    return 0;

  best = brute_force_matching (a, n_a, b, n_b, from + 1, used);

  for (gsize j = 0; j < n_b; j++)
    {
      if ((used & (1u << j)) != 0 || a[from].group != b[j].group
          || a[from].end <= b[j].start || b[j].end <= a[from].start)
        continue;
      best = MAX (best, 1 + brute_force_matching (a, n_a, b, n_b, from + 1, used | (1u << j)));
    }

  return best;
}

static void
test_match_overlap_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);

  for (int round = 0; round < 300; round++)
    {
      GlossAgreementMark a[8];
      GlossAgreementMark b[8];
      GlossAgreementMark a2[8];
      GlossAgreementMark b2[8];
      gsize n_a = (gsize) g_rand_int_range (rand, 0, 8);
      gsize n_b = (gsize) g_rand_int_range (rand, 0, 8);
      gsize n_a2;
      gsize n_b2;
      gsize expected;
      gsize got;
      gsize got_swapped;

      for (gsize i = 0; i < n_a; i++)
        {
          a[i].group = g_rand_int_range (rand, 0, 2);
          a[i].start = g_rand_int_range (rand, 0, 30);
          a[i].end = a[i].start + g_rand_int_range (rand, 1, 12);
        }
      for (gsize i = 0; i < n_b; i++)
        {
          b[i].group = g_rand_int_range (rand, 0, 2);
          b[i].start = g_rand_int_range (rand, 0, 30);
          b[i].end = b[i].start + g_rand_int_range (rand, 1, 12);
        }

      memcpy (a2, a, sizeof a);
      memcpy (b2, b, sizeof b);
      n_a2 = n_a;
      n_b2 = n_b;

      got = gloss_agreement_match_overlap (a, &n_a, b, &n_b);
      /* a and b are now sorted and without repeats */
      expected = brute_force_matching (a, n_a, b, n_b, 0, 0);
      g_assert_cmpuint (got, ==, expected);

      got_swapped = gloss_agreement_match_overlap (b2, &n_b2, a2, &n_a2);
      g_assert_cmpuint (got_swapped, ==, expected);
      g_assert_cmpuint (n_a2, ==, n_a);
      g_assert_cmpuint (n_b2, ==, n_b);
    }
}

/* Cross-checks against statsmodels, computed by Debian's Python. */

static char *
helper_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, name, NULL);
}

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

static void
test_statsmodels (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (2024);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *input = NULL;
  g_autofree char *output = NULL;
  g_autofree char *errors = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *input_path = NULL;
  g_autofree char *script = helper_path ("agreement-statsmodels.py");
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  JsonArray *results;
  const int n_tables = 40;
  int status = 0;

  if (!have_statsmodels ())
    {
      g_test_skip ("/usr/bin/python3 with statsmodels is not installed");
      return;
    }

  /* Random tables: 2–6 raters, 2–5 categories, 5–80 units, some with a
   * strong tendency to agree. */
  json_builder_begin_array (builder);
  for (int t = 0; t < n_tables; t++)
    {
      guint raters = (guint) g_rand_int_range (rand, 2, 7);
      guint categories = (guint) g_rand_int_range (rand, 2, 6);
      gsize units = (gsize) g_rand_int_range (rand, 5, 81);
      double bias = g_rand_double (rand);
      int *values = g_new (int, units * raters + 3);

      values[0] = (int) raters;
      values[1] = (int) categories;
      values[2] = (int) units;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "categories");
      json_builder_add_int_value (builder, categories);
      json_builder_set_member_name (builder, "units");
      json_builder_begin_array (builder);
      for (gsize u = 0; u < units; u++)
        {
          int truth = g_rand_int_range (rand, 0, (gint32) categories);

          json_builder_begin_array (builder);
          for (guint r = 0; r < raters; r++)
            {
              int v = g_rand_double (rand) < bias ? truth
                      : g_rand_int_range (rand, 0, (gint32) categories);

              values[3 + u * raters + r] = v;
              json_builder_add_int_value (builder, v);
            }
          json_builder_end_array (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      g_ptr_array_add (tables, values);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  input = json_generator_to_data (generator, NULL);

  tmpdir = g_dir_make_tmp ("gloss-agreement-XXXXXX", &error);
  g_assert_no_error (error);
  input_path = g_build_filename (tmpdir, "tables.json", NULL);
  g_file_set_contents (input_path, input, -1, &error);
  g_assert_no_error (error);

  {
    const char *argv[] = { "/usr/bin/python3", script, input_path, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                  &output, &errors, &status, &error);
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("%s failed: %s", script, errors);
  }

  json_parser_load_from_data (parser, output, -1, &error);
  g_assert_no_error (error);
  results = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (results), ==, n_tables);

  for (int t = 0; t < n_tables; t++)
    {
      const int *values = g_ptr_array_index (tables, t);
      guint raters = (guint) values[0];
      guint categories = (guint) values[1];
      gsize units = (gsize) values[2];
      JsonObject *result = json_array_get_object_element (results, t);
      double fleiss = gloss_agreement_fleiss_kappa (values + 3, units, raters, categories, NULL);
      JsonNode *reference = json_object_get_member (result, "fleiss");

      if (JSON_NODE_HOLDS_NULL (reference))
        g_assert_true (isnan (fleiss));
      else
        g_assert_cmpfloat_with_epsilon (fleiss, json_node_get_double (reference), 1e-9);

      /* Cohen's kappa between the first two raters. */
      {
        g_autofree int *pair = g_new (int, 2 * units);
        double cohen;

        for (gsize u = 0; u < units; u++)
          {
            pair[2 * u] = values[3 + u * raters];
            pair[2 * u + 1] = values[3 + u * raters + 1];
          }
        cohen = gloss_agreement_cohen_kappa (pair, units, categories, NULL);
        reference = json_object_get_member (result, "cohen");
        if (JSON_NODE_HOLDS_NULL (reference))
          g_assert_true (isnan (cohen));
        else
          g_assert_cmpfloat_with_epsilon (cohen, json_node_get_double (reference), 1e-9);
      }
    }

  g_remove (input_path);
  g_rmdir (tmpdir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gloss/agreement-math/percent", test_percent);
  g_test_add_func ("/gloss/agreement-math/cohen-1960", test_cohen_1960);
  g_test_add_func ("/gloss/agreement-math/cohen-undefined", test_cohen_undefined);
  g_test_add_func ("/gloss/agreement-math/fleiss", test_fleiss);
  g_test_add_func ("/gloss/agreement-math/alpha-krippendorff-2011", test_alpha_krippendorff_2011);
  g_test_add_func ("/gloss/agreement-math/alpha-undefined", test_alpha_undefined);
  g_test_add_func ("/gloss/agreement-math/alpha-perfect-and-swapped", test_alpha_perfect_and_swapped);
  g_test_add_func ("/gloss/agreement-math/masi-distance", test_masi_distance);
  g_test_add_func ("/gloss/agreement-math/alpha-masi", test_alpha_masi);
  g_test_add_func ("/gloss/agreement-math/unitizing-hand", test_unitizing_hand);
  g_test_add_func ("/gloss/agreement-math/unitizing-touching", test_unitizing_touching);
  g_test_add_func ("/gloss/agreement-math/unitizing-undefined", test_unitizing_undefined);
  g_test_add_func ("/gloss/agreement-math/unitizing-krippendorff-2004", test_unitizing_krippendorff_2004);
  g_test_add_func ("/gloss/agreement-math/unitizing-krippendorff-1995", test_unitizing_krippendorff_1995);
  g_test_add_func ("/gloss/agreement-math/unitizing-swap", test_unitizing_swap);
  g_test_add_func ("/gloss/agreement-math/match-exact", test_match_exact);
  g_test_add_func ("/gloss/agreement-math/match-overlap", test_match_overlap);
  g_test_add_func ("/gloss/agreement-math/match-overlap-random", test_match_overlap_random);
  g_test_add_func ("/gloss/agreement-math/statsmodels", test_statsmodels);

  return g_test_run ();
}
