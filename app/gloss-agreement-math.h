/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Pure inter-annotator agreement statistics: no database, no project.
 *
 * Coding data is a table of @n_units rows by @n_raters columns, stored row
 * by row; each cell holds a value index (a category, a rank, or an index
 * into a caller's table of values) or %GLOSS_AGREEMENT_MISSING.
 *
 * Every measure returns NAN when it is undefined (no usable units, one
 * category only, no expected disagreement), never 0 or 1, and stores the
 * number of units it rests on in its @n_units_used argument (nullable). */

#define GLOSS_AGREEMENT_MISSING (-1)

/* Share of units every rater coded, whose values are all the same. */
double gloss_agreement_percent (const int *values,
                                gsize      n_units,
                                guint      n_raters,
                                gsize     *n_units_used);

/* Cohen's kappa for exactly two raters (two columns), over the units both
 * coded.  Values lie in [0, @n_categories). */
double gloss_agreement_cohen_kappa (const int *values,
                                    gsize      n_units,
                                    guint      n_categories,
                                    gsize     *n_units_used);

/* Fleiss' kappa over the units every rater coded.  Values lie in
 * [0, @n_categories). */
double gloss_agreement_fleiss_kappa (const int *values,
                                     gsize      n_units,
                                     guint      n_raters,
                                     guint      n_categories,
                                     gsize     *n_units_used);

typedef enum
{
  GLOSS_ALPHA_NOMINAL,   /* values are categories */
  GLOSS_ALPHA_ORDINAL,   /* values are ranks 0 … n_values - 1 */
  GLOSS_ALPHA_CUSTOM,    /* values index the caller's table; @delta compares them */
} GlossAlphaMetric;

/* The difference of two values for %GLOSS_ALPHA_CUSTOM; must be 0 for
 * equal values and symmetric. */
typedef double (*GlossAlphaDelta) (int      a,
                                   int      b,
                                   gpointer user_data);

/* Krippendorff's alpha with missing values (Krippendorff 2011, "Computing
 * Krippendorff's Alpha-Reliability").  Units with fewer than two values are
 * not pairable and are left out; @n_units_used gets the number of pairable
 * units.  The ordinal metric is Krippendorff's rank-based one:
 * delta(c, k) = (sum of n_g for g from c to k − (n_c + n_k) / 2)^2. */
double gloss_agreement_krippendorff_alpha (const int        *values,
                                           gsize             n_units,
                                           guint             n_raters,
                                           guint             n_values,
                                           GlossAlphaMetric  metric,
                                           GlossAlphaDelta   delta,
                                           gpointer          user_data,
                                           gsize            *n_units_used);

/* The MASI distance (Passonneau 2006) between two sets given as sorted
 * arrays without repeats: 1 − J · M, where J is the Jaccard index and M is
 * 1 for equal sets, 2/3 when one contains the other, 1/3 when they
 * intersect otherwise and 0 when they are disjoint.  Two empty sets are at
 * distance 0. */
double gloss_agreement_masi_distance (const gint64 *a,
                                      gsize         n_a,
                                      const gint64 *b,
                                      gsize         n_b);

/* A span a rater marked with one code, on a continuum [0, length). */
typedef struct
{
  gint64 start;
  gint64 end;     /* exclusive */
  guint  rater;
} GlossAgreementSpan;

typedef struct
{
  double observed;   /* D_o */
  double expected;   /* D_e; 0 when nothing can be expected */
  gsize  n_units;    /* units after merging each rater's overlaps */
} GlossUnitizing;

/* Krippendorff's unitizing disagreement for one code (Krippendorff 1995,
 * 2004, as DKPro Agreement computes it) on the continuum [0, @length) with
 * @n_raters raters.  Each rater's overlapping spans are first merged into
 * their union (touching spans stay apart).  Sorts @spans in place.  Returns
 * FALSE, leaving @result zeroed, when a span lies outside the continuum or
 * names a rater >= @n_raters. */
gboolean gloss_agreement_unitizing (gint64              length,
                                    guint               n_raters,
                                    GlossAgreementSpan *spans,
                                    gsize               n_spans,
                                    GlossUnitizing     *result);

/* 1 − D_o / D_e, NAN when D_e is 0 or not a number. */
double gloss_agreement_unitizing_alpha (double observed,
                                        double expected);

/* One rater's mark for span matching: @group says what must be equal for
 * two marks to match at all (document and code). */
typedef struct
{
  gint64 group;
  gint64 start;
  gint64 end;
} GlossAgreementMark;

/* The number of marks of @a that match a mark of @b one to one: exactly
 * (same group, start and end) or by overlap (same group, at least one
 * shared position; a maximum matching).  Repeated identical marks within
 * one side count once and are removed; both arrays are sorted in place and
 * their new lengths stored back. */
gsize gloss_agreement_match_exact   (GlossAgreementMark *a,
                                     gsize              *n_a,
                                     GlossAgreementMark *b,
                                     gsize              *n_b);
gsize gloss_agreement_match_overlap (GlossAgreementMark *a,
                                     gsize              *n_a,
                                     GlossAgreementMark *b,
                                     gsize              *n_b);

/* 2 · matched / (n_a + n_b); NAN when both sides are empty. */
double gloss_agreement_f1 (gsize matched,
                           gsize n_a,
                           gsize n_b);

G_END_DECLS
