/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-agreement-math"

#include "config.h"

#include "gloss-agreement-math.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Sums of many products can reach 1e23 on a long document; long double
 * keeps their low digits. */
typedef long double Sum;

double
gloss_agreement_percent (const int *values,
                         gsize      n_units,
                         guint      n_raters,
                         gsize     *n_units_used)
{
  gsize complete = 0;
  gsize agreeing = 0;

  g_return_val_if_fail (values != NULL || n_units == 0, NAN);

  for (gsize u = 0; u < n_units && n_raters >= 2; u++)
    {
      const int *row = values + u * n_raters;
      gboolean all_coded = TRUE;
      gboolean all_same = TRUE;

      for (guint r = 0; r < n_raters; r++)
        {
          if (row[r] == GLOSS_AGREEMENT_MISSING)
            all_coded = FALSE;
          else if (row[r] != row[0])
            all_same = FALSE;
        }

      if (!all_coded)
        continue;

      complete++;
      if (all_same)
        agreeing++;
    }

  if (n_units_used != NULL)
    *n_units_used = complete;

  if (complete == 0)
    return NAN;

  return (double) agreeing / (double) complete;
}

double
gloss_agreement_cohen_kappa (const int *values,
                             gsize      n_units,
                             guint      n_categories,
                             gsize     *n_units_used)
{
  g_autofree guint64 *first = g_new0 (guint64, MAX (n_categories, 1));
  g_autofree guint64 *second = g_new0 (guint64, MAX (n_categories, 1));
  guint64 n = 0;
  guint64 agreeing = 0;
  Sum chance = 0;
  Sum numerator;
  Sum denominator;

  g_return_val_if_fail (values != NULL || n_units == 0, NAN);

  if (n_units_used != NULL)
    *n_units_used = 0;

  for (gsize u = 0; u < n_units; u++)
    {
      int a = values[2 * u];
      int b = values[2 * u + 1];

      if (a == GLOSS_AGREEMENT_MISSING || b == GLOSS_AGREEMENT_MISSING)
        continue;

      g_return_val_if_fail (a >= 0 && (guint) a < n_categories, NAN);
      g_return_val_if_fail (b >= 0 && (guint) b < n_categories, NAN);

      first[a]++;
      second[b]++;
      n++;
      if (a == b)
        agreeing++;
    }

  if (n_units_used != NULL)
    *n_units_used = n;

  if (n == 0)
    return NAN;

  /* kappa = (p_o − p_e) / (1 − p_e), multiplied through by n² so that
   * "one category only" is an exact zero denominator. */
  for (guint k = 0; k < n_categories; k++)
    chance += (Sum) first[k] * (Sum) second[k];

  numerator = (Sum) n * (Sum) agreeing - chance;
  denominator = (Sum) n * (Sum) n - chance;

  if (denominator == 0)
    return NAN;

  return (double) (numerator / denominator);
}

double
gloss_agreement_fleiss_kappa (const int *values,
                              gsize      n_units,
                              guint      n_raters,
                              guint      n_categories,
                              gsize     *n_units_used)
{
  g_autofree guint64 *totals = g_new0 (guint64, MAX (n_categories, 1));
  g_autofree guint *counts = g_new0 (guint, MAX (n_categories, 1));
  guint64 complete = 0;
  Sum squares = 0;
  Sum total_squares = 0;
  Sum ratings;
  Sum observed;
  Sum expected;

  g_return_val_if_fail (values != NULL || n_units == 0, NAN);

  if (n_units_used != NULL)
    *n_units_used = 0;

  if (n_raters < 2)
    return NAN;

  for (gsize u = 0; u < n_units; u++)
    {
      const int *row = values + u * n_raters;
      gboolean all_coded = TRUE;

      for (guint r = 0; r < n_raters; r++)
        {
          if (row[r] == GLOSS_AGREEMENT_MISSING)
            {
              all_coded = FALSE;
              break;
            }
          g_return_val_if_fail (row[r] >= 0 && (guint) row[r] < n_categories, NAN);
        }

      if (!all_coded)
        continue;

      for (guint r = 0; r < n_raters; r++)
        counts[row[r]]++;

      for (guint r = 0; r < n_raters; r++)
        {
          guint c = counts[row[r]];

          if (c == 0)
            continue;   /* already counted for this unit */
          squares += (Sum) c * (Sum) c;
          totals[row[r]] += c;
          counts[row[r]] = 0;
        }

      complete++;
    }

  if (n_units_used != NULL)
    *n_units_used = complete;

  if (complete == 0)
    return NAN;

  ratings = (Sum) complete * (Sum) n_raters;
  for (guint k = 0; k < n_categories; k++)
    total_squares += (Sum) totals[k] * (Sum) totals[k];

  /* One category only: the expected agreement is 1, kappa is 0/0. */
  if (total_squares == ratings * ratings)
    return NAN;

  observed = (squares - ratings) / (ratings * (Sum) (n_raters - 1));
  expected = total_squares / (ratings * ratings);

  return (double) ((observed - expected) / (1 - expected));
}

static Sum
ordinal_delta (const guint64 *marginals,
               int            c,
               int            k)
{
  int lo = MIN (c, k);
  int hi = MAX (c, k);
  Sum between = 0;

  if (c == k)
    return 0;

  for (int g = lo; g <= hi; g++)
    between += (Sum) marginals[g];

  between -= ((Sum) marginals[c] + (Sum) marginals[k]) / 2;

  return between * between;
}

double
gloss_agreement_krippendorff_alpha (const int        *values,
                                    gsize             n_units,
                                    guint             n_raters,
                                    guint             n_values,
                                    GlossAlphaMetric  metric,
                                    GlossAlphaDelta   delta,
                                    gpointer          user_data,
                                    gsize            *n_units_used)
{
  g_autofree guint64 *marginals = g_new0 (guint64, MAX (n_values, 1));
  g_autofree Sum *table = NULL;
  g_autofree int *present = NULL;
  g_autofree int *coded = g_new (int, MAX (n_raters, 1));
  guint n_present = 0;
  gsize pairable = 0;
  guint64 n = 0;
  Sum observed = 0;
  Sum expected = 0;

  g_return_val_if_fail (values != NULL || n_units == 0, NAN);
  g_return_val_if_fail (metric != GLOSS_ALPHA_CUSTOM || delta != NULL, NAN);

  if (n_units_used != NULL)
    *n_units_used = 0;

  /* Pass 1: the values of pairable units (two values or more). */
  for (gsize u = 0; u < n_units; u++)
    {
      const int *row = values + u * n_raters;
      guint m = 0;

      for (guint r = 0; r < n_raters; r++)
        if (row[r] != GLOSS_AGREEMENT_MISSING)
          m++;

      if (m < 2)
        continue;

      for (guint r = 0; r < n_raters; r++)
        {
          if (row[r] == GLOSS_AGREEMENT_MISSING)
            continue;
          g_return_val_if_fail (row[r] >= 0 && (guint) row[r] < n_values, NAN);
          marginals[row[r]]++;
        }

      pairable++;
      n += m;
    }

  if (n_units_used != NULL)
    *n_units_used = pairable;

  if (pairable == 0)
    return NAN;

  /* The difference of every pair of values that occur. */
  present = g_new (int, n_values);
  for (guint v = 0; v < n_values; v++)
    if (marginals[v] > 0)
      present[n_present++] = (int) v;

  if (metric == GLOSS_ALPHA_ORDINAL)
    {
      table = g_new0 (Sum, (gsize) n_values * n_values);
      for (guint i = 0; i < n_present; i++)
        for (guint j = 0; j < n_present; j++)
          table[(gsize) present[i] * n_values + present[j]] =
            ordinal_delta (marginals, present[i], present[j]);
    }

#define DELTA(a, b)                                                         \
  (metric == GLOSS_ALPHA_NOMINAL ? (Sum) ((a) != (b))                       \
   : metric == GLOSS_ALPHA_ORDINAL ? table[(gsize) (a) * n_values + (b)]    \
   : ((a) == (b) ? 0 : (Sum) delta ((a), (b), user_data)))

  /* Pass 2: observed disagreement, unit by unit; each ordered pair of
   * values within a unit weighs 1 / (m_u − 1). */
  for (gsize u = 0; u < n_units; u++)
    {
      const int *row = values + u * n_raters;
      guint m = 0;
      Sum unit = 0;

      for (guint r = 0; r < n_raters; r++)
        if (row[r] != GLOSS_AGREEMENT_MISSING)
          coded[m++] = row[r];

      if (m < 2)
        continue;

      for (guint i = 0; i < m; i++)
        for (guint j = i + 1; j < m; j++)
          unit += 2 * DELTA (coded[i], coded[j]);

      observed += unit / (Sum) (m - 1);
    }

  /* Expected disagreement over all pairs of pairable values. */
  for (guint i = 0; i < n_present; i++)
    for (guint j = i + 1; j < n_present; j++)
      expected += 2 * (Sum) marginals[present[i]] * (Sum) marginals[present[j]]
                  * DELTA (present[i], present[j]);

#undef DELTA

  if (!(expected > 0))
    return NAN;

  return (double) (1 - ((Sum) n - 1) * observed / expected);
}

double
gloss_agreement_masi_distance (const gint64 *a,
                               gsize         n_a,
                               const gint64 *b,
                               gsize         n_b)
{
  gsize i = 0;
  gsize j = 0;
  gsize common = 0;
  double jaccard;
  double monotonicity;

  g_return_val_if_fail (a != NULL || n_a == 0, NAN);
  g_return_val_if_fail (b != NULL || n_b == 0, NAN);

  if (n_a == 0 && n_b == 0)
    return 0;

  while (i < n_a && j < n_b)
    {
      if (a[i] < b[j])
        i++;
      else if (a[i] > b[j])
        j++;
      else
        {
          common++;
          i++;
          j++;
        }
    }

  jaccard = (double) common / (double) (n_a + n_b - common);

  if (common == n_a && common == n_b)
    monotonicity = 1;
  else if (common == MIN (n_a, n_b))
    monotonicity = 2.0 / 3.0;
  else if (common > 0)
    monotonicity = 1.0 / 3.0;
  else
    monotonicity = 0;

  return 1 - jaccard * monotonicity;
}

/* Unitizing */

typedef struct
{
  gint64   start;
  gint64   end;
  gboolean unit;
} Section;

static int
compare_spans (gconstpointer pa,
               gconstpointer pb)
{
  const GlossAgreementSpan *a = pa;
  const GlossAgreementSpan *b = pb;

  if (a->rater != b->rater)
    return a->rater < b->rater ? -1 : 1;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  if (a->end != b->end)
    return a->end < b->end ? -1 : 1;
  return 0;
}

static int
compare_gint64 (gconstpointer pa,
                gconstpointer pb)
{
  gint64 a = *(const gint64 *) pa;
  gint64 b = *(const gint64 *) pb;

  return a < b ? -1 : a > b;
}

static Sum
section_distance (const Section *a,
                  const Section *b)
{
  if (a->unit && b->unit)
    {
      Sum ds = (Sum) (a->start - b->start);
      Sum de = (Sum) (a->end - b->end);

      return ds * ds + de * de;
    }

  if (a->unit && !b->unit && b->start <= a->start && a->end <= b->end)
    return (Sum) (a->end - a->start) * (Sum) (a->end - a->start);

  if (b->unit && !a->unit && a->start <= b->start && b->end <= a->end)
    return (Sum) (b->end - b->start) * (Sum) (b->end - b->start);

  return 0;
}

gboolean
gloss_agreement_unitizing (gint64              length,
                           guint               n_raters,
                           GlossAgreementSpan *spans,
                           gsize               n_spans,
                           GlossUnitizing     *result)
{
  g_autoptr(GArray) units = NULL;
  g_autofree gsize *first = NULL;
  g_autofree Section **sections = NULL;
  g_autofree gsize *n_sections = NULL;
  g_autoptr(GArray) gaps = NULL;
  g_autofree Sum *gap_sums = NULL;
  Sum pair_sum = 0;
  Sum expected = 0;
  Sum squared_lengths = 0;
  Sum all;
  gsize n_units;

  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (spans != NULL || n_spans == 0, FALSE);

  memset (result, 0, sizeof *result);

  for (gsize i = 0; i < n_spans; i++)
    {
      if (spans[i].start < 0 || spans[i].end <= spans[i].start
          || spans[i].end > length || spans[i].rater >= n_raters)
        return FALSE;
    }

  if (n_spans > 0)
    qsort (spans, n_spans, sizeof *spans, compare_spans);

  /* One rater's overlapping spans become their union. */
  units = g_array_sized_new (FALSE, FALSE, sizeof (GlossAgreementSpan), n_spans);
  for (gsize i = 0; i < n_spans; i++)
    {
      GlossAgreementSpan *last = units->len > 0
        ? &g_array_index (units, GlossAgreementSpan, units->len - 1) : NULL;

      if (last != NULL && last->rater == spans[i].rater && spans[i].start < last->end)
        last->end = MAX (last->end, spans[i].end);
      else
        g_array_append_val (units, spans[i]);
    }

  n_units = units->len;
  result->n_units = n_units;

  if (n_raters < 2 || length <= 0 || n_units == 0)
    return TRUE;

  /* Each rater's continuum as alternating gaps and units. */
  first = g_new0 (gsize, n_raters + 1);
  for (gsize i = 0; i < n_units; i++)
    first[g_array_index (units, GlossAgreementSpan, i).rater + 1]++;
  for (guint r = 0; r < n_raters; r++)
    first[r + 1] += first[r];

  sections = g_new0 (Section *, n_raters);
  n_sections = g_new0 (gsize, n_raters);
  gaps = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint r = 0; r < n_raters; r++)
    {
      gsize count = first[r + 1] - first[r];
      gint64 pos = 0;
      gsize k = 0;

      sections[r] = g_new (Section, 2 * count + 1);

      for (gsize i = first[r]; i < first[r + 1]; i++)
        {
          const GlossAgreementSpan *u = &g_array_index (units, GlossAgreementSpan, i);

          if (u->start > pos)
            {
              gint64 gap = u->start - pos;

              sections[r][k++] = (Section) { pos, u->start, FALSE };
              g_array_append_val (gaps, gap);
            }
          sections[r][k++] = (Section) { u->start, u->end, TRUE };
          pos = u->end;
        }

      if (pos < length)
        {
          gint64 gap = length - pos;

          sections[r][k++] = (Section) { pos, length, FALSE };
          g_array_append_val (gaps, gap);
        }

      n_sections[r] = k;
    }

  /* Observed: every pair of overlapping sections of two raters. */
  for (guint r1 = 0; r1 < n_raters; r1++)
    {
      for (guint r2 = r1 + 1; r2 < n_raters; r2++)
        {
          gsize i = 0;
          gsize j = 0;

          while (i < n_sections[r1] && j < n_sections[r2])
            {
              const Section *a = &sections[r1][i];
              const Section *b = &sections[r2][j];

              pair_sum += section_distance (a, b);

              if (a->end <= b->end)
                i++;
              if (b->end <= a->end)
                j++;
            }
        }
    }

  all = (Sum) n_raters * (Sum) length;
  result->observed = (double) (2 * pair_sum
                               / ((Sum) n_raters * (Sum) (n_raters - 1)
                                  * (Sum) length * (Sum) length));

  /* Expected: every unit against every other unit and every gap it fits
   * in (Krippendorff 2004, as DKPro Agreement). */
  g_array_sort (gaps, compare_gint64);
  gap_sums = g_new0 (Sum, gaps->len + 1);
  for (gsize g = gaps->len; g > 0; g--)
    gap_sums[g - 1] = gap_sums[g] + (Sum) g_array_index (gaps, gint64, g - 1);

  for (gsize i = 0; i < n_units; i++)
    {
      const GlossAgreementSpan *u = &g_array_index (units, GlossAgreementSpan, i);
      Sum l = (Sum) (u->end - u->start);
      gsize lo = 0;
      gsize hi = gaps->len;
      Sum fitting;

      /* The first gap at least as long as the unit. */
      while (lo < hi)
        {
          gsize mid = lo + (hi - lo) / 2;

          if ((Sum) g_array_index (gaps, gint64, mid) < l)
            lo = mid + 1;
          else
            hi = mid;
        }

      fitting = gap_sums[lo] - (l - 1) * (Sum) (gaps->len - lo);

      expected += ((Sum) n_units - 1) * (2 * l * l * l - 3 * l * l + l) / 3;
      expected += l * l * fitting;
      squared_lengths += l * (l - 1);
    }

  if (all * (all - 1) - squared_lengths > 0)
    result->expected = (double) (expected * 2 / (Sum) length
                                 / (all * (all - 1) - squared_lengths));

  for (guint r = 0; r < n_raters; r++)
    g_free (sections[r]);

  return TRUE;
}

double
gloss_agreement_unitizing_alpha (double observed,
                                 double expected)
{
  if (!(expected > 0) || isnan (observed))
    return NAN;

  return 1 - observed / expected;
}

/* Span matching */

static int
compare_marks (gconstpointer pa,
               gconstpointer pb)
{
  const GlossAgreementMark *a = pa;
  const GlossAgreementMark *b = pb;

  if (a->group != b->group)
    return a->group < b->group ? -1 : 1;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  if (a->end != b->end)
    return a->end < b->end ? -1 : 1;
  return 0;
}

static gsize
sort_unique_marks (GlossAgreementMark *marks,
                   gsize               n)
{
  gsize kept = 0;

  if (n == 0)
    return 0;

  if (n > 0)
    qsort (marks, n, sizeof *marks, compare_marks);

  for (gsize i = 0; i < n; i++)
    if (kept == 0 || compare_marks (&marks[kept - 1], &marks[i]) != 0)
      marks[kept++] = marks[i];

  return kept;
}

gsize
gloss_agreement_match_exact (GlossAgreementMark *a,
                             gsize              *n_a,
                             GlossAgreementMark *b,
                             gsize              *n_b)
{
  gsize i = 0;
  gsize j = 0;
  gsize matched = 0;

  g_return_val_if_fail (n_a != NULL && n_b != NULL, 0);

  *n_a = sort_unique_marks (a, *n_a);
  *n_b = sort_unique_marks (b, *n_b);

  while (i < *n_a && j < *n_b)
    {
      int cmp = compare_marks (&a[i], &b[j]);

      if (cmp < 0)
        i++;
      else if (cmp > 0)
        j++;
      else
        {
          matched++;
          i++;
          j++;
        }
    }

  return matched;
}

typedef struct
{
  guint32 a;
  guint32 b;
} Edge;

/* Drops from @active the marks that end at or before @start: the rest all
 * overlap a mark beginning at @start. */
static void
prune_active (GArray                   *active,
              const GlossAgreementMark *marks,
              gint64                    start)
{
  guint kept = 0;

  for (guint i = 0; i < active->len; i++)
    {
      guint32 m = g_array_index (active, guint32, i);

      if (marks[m].end > start)
        g_array_index (active, guint32, kept++) = m;
    }

  g_array_set_size (active, kept);
}

/* Hopcroft–Karp maximum matching on the bipartite graph given by @adj
 * (left vertex u's neighbours are adj[adj_start[u] … adj_start[u + 1])). */
static gsize
maximum_matching (gsize          n_left,
                  gsize          n_right,
                  const gsize   *adj_start,
                  const guint32 *adj)
{
  const guint32 none = G_MAXUINT32;
  const guint32 far = G_MAXUINT32;
  g_autofree guint32 *match_left = g_new (guint32, MAX (n_left, 1));
  g_autofree guint32 *match_right = g_new (guint32, MAX (n_right, 1));
  g_autofree guint32 *dist = g_new (guint32, MAX (n_left, 1));
  g_autofree gsize *next = g_new (gsize, MAX (n_left, 1));
  g_autofree guint32 *queue = g_new (guint32, MAX (n_left, 1));
  g_autofree guint32 *stack_left = g_new (guint32, n_left + 1);
  g_autofree guint32 *stack_right = g_new (guint32, n_left + 1);
  gsize matched = 0;

  for (gsize w = 0; w < n_right; w++)
    match_right[w] = none;

  /* A greedy start leaves few augmenting paths to find. */
  for (gsize u = 0; u < n_left; u++)
    {
      match_left[u] = none;
      for (gsize e = adj_start[u]; e < adj_start[u + 1]; e++)
        {
          if (match_right[adj[e]] == none)
            {
              match_left[u] = adj[e];
              match_right[adj[e]] = (guint32) u;
              matched++;
              break;
            }
        }
    }

  for (;;)
    {
      gsize head = 0;
      gsize tail = 0;
      gboolean found = FALSE;

      /* Layers of alternating paths from the free left vertices. */
      for (gsize u = 0; u < n_left; u++)
        {
          if (match_left[u] == none)
            {
              dist[u] = 0;
              queue[tail++] = (guint32) u;
            }
          else
            dist[u] = far;
        }

      while (head < tail)
        {
          guint32 u = queue[head++];

          for (gsize e = adj_start[u]; e < adj_start[u + 1]; e++)
            {
              guint32 x = match_right[adj[e]];

              if (x == none)
                found = TRUE;
              else if (dist[x] == far)
                {
                  dist[x] = dist[u] + 1;
                  queue[tail++] = x;
                }
            }
        }

      if (!found)
        break;

      for (gsize u = 0; u < n_left; u++)
        next[u] = adj_start[u];

      /* Vertex-disjoint augmenting paths along the layers. */
      for (gsize root = 0; root < n_left; root++)
        {
          gssize top = 0;

          if (match_left[root] != none || dist[root] != 0)
            continue;

          stack_left[0] = (guint32) root;

          while (top >= 0)
            {
              guint32 v = stack_left[top];
              guint32 w;
              guint32 x;

              if (next[v] == adj_start[v + 1])
                {
                  dist[v] = far;
                  top--;
                  continue;
                }

              w = adj[next[v]++];
              x = match_right[w];

              if (x == none)
                {
                  stack_right[top] = w;
                  for (gssize i = 0; i <= top; i++)
                    {
                      match_left[stack_left[i]] = stack_right[i];
                      match_right[stack_right[i]] = stack_left[i];
                    }
                  matched++;
                  break;
                }

              if (dist[x] != far && dist[x] == dist[v] + 1)
                {
                  stack_right[top] = w;
                  stack_left[++top] = x;
                }
            }
        }
    }

  return matched;
}

gsize
gloss_agreement_match_overlap (GlossAgreementMark *a,
                               gsize              *n_a,
                               GlossAgreementMark *b,
                               gsize              *n_b)
{
  g_autoptr(GArray) edges = NULL;
  g_autoptr(GArray) active_a = NULL;
  g_autoptr(GArray) active_b = NULL;
  g_autofree gsize *adj_start = NULL;
  g_autofree guint32 *adj = NULL;
  gsize i = 0;
  gsize j = 0;

  g_return_val_if_fail (n_a != NULL && n_b != NULL, 0);
  g_return_val_if_fail (*n_a < G_MAXUINT32 && *n_b < G_MAXUINT32, 0);

  *n_a = sort_unique_marks (a, *n_a);
  *n_b = sort_unique_marks (b, *n_b);

  if (*n_a == 0 || *n_b == 0)
    return 0;

  /* Sweep both sides in start order, group by group: a mark overlaps
   * exactly the marks of the other side still open where it starts, or
   * starting before it ends (those find it open in turn). */
  edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  active_a = g_array_new (FALSE, FALSE, sizeof (guint32));
  active_b = g_array_new (FALSE, FALSE, sizeof (guint32));

  while (i < *n_a || j < *n_b)
    {
      gboolean take_a = i < *n_a && (j == *n_b || compare_marks (&a[i], &b[j]) <= 0);
      guint32 pushed;
      gint64 group;

      group = take_a ? a[i].group : b[j].group;

      /* A new group closes everything open. */
      if (active_a->len > 0 && a[g_array_index (active_a, guint32, 0)].group != group)
        g_array_set_size (active_a, 0);
      if (active_b->len > 0 && b[g_array_index (active_b, guint32, 0)].group != group)
        g_array_set_size (active_b, 0);

      if (take_a)
        {
          prune_active (active_b, b, a[i].start);
          for (guint k = 0; k < active_b->len; k++)
            {
              Edge edge = { (guint32) i, g_array_index (active_b, guint32, k) };

              g_array_append_val (edges, edge);
            }
          pushed = (guint32) i++;
          g_array_append_val (active_a, pushed);
        }
      else
        {
          prune_active (active_a, a, b[j].start);
          for (guint k = 0; k < active_a->len; k++)
            {
              Edge edge = { g_array_index (active_a, guint32, k), (guint32) j };

              g_array_append_val (edges, edge);
            }
          pushed = (guint32) j++;
          g_array_append_val (active_b, pushed);
        }
    }

  /* Adjacency lists of the left side (a), by counting sort. */
  adj_start = g_new0 (gsize, *n_a + 1);
  adj = g_new (guint32, MAX (edges->len, 1));

  for (guint e = 0; e < edges->len; e++)
    adj_start[g_array_index (edges, Edge, e).a + 1]++;
  for (gsize u = 0; u < *n_a; u++)
    adj_start[u + 1] += adj_start[u];

  {
    g_autofree gsize *fill = g_memdup2 (adj_start, sizeof (gsize) * (*n_a + 1));

    for (guint e = 0; e < edges->len; e++)
      {
        const Edge *edge = &g_array_index (edges, Edge, e);

        adj[fill[edge->a]++] = edge->b;
      }
  }

  return maximum_matching (*n_a, *n_b, adj_start, adj);
}

double
gloss_agreement_f1 (gsize matched,
                    gsize n_a,
                    gsize n_b)
{
  if (n_a + n_b == 0)
    return NAN;

  return 2.0 * (double) matched / (double) (n_a + n_b);
}
