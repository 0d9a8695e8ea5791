/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-span-index"

#include "config.h"

#include "gloss-span-index.h"

#include <stdlib.h>

/* Layout: entries sorted by start.  Position i is a node of the implicit
 * tree at level k = number of trailing one bits of i; its children are
 * i - 2^(k-1) and i + 2^(k-1), its subtree covers [i - 2^k + 1, i + 2^k - 1].
 * The root is 2^K - 1 with K = floor(log2 n).  Positions >= n inside the
 * root's range are virtual nodes: they hold no interval but keep the
 * largest end of the real nodes below them, so the descent needs no
 * special case. */

struct _GlossSpanIndex
{
  GlossSpanIndexEntry *entries;
  gint64              *max_end;   /* per tree position, real or virtual */
  guint                n_entries;
  guint                root;
  guint                root_level;
};

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const GlossSpanIndexEntry *ea = a;
  const GlossSpanIndexEntry *eb = b;

  if (ea->start != eb->start)
    return ea->start < eb->start ? -1 : 1;
  if (ea->end != eb->end)
    return ea->end < eb->end ? -1 : 1;
  return (ea->id > eb->id) - (ea->id < eb->id);
}

/* Returns the largest end among the real nodes of the subtree at @i. */
static gint64
build (GlossSpanIndex *self,
       guint           i,
       guint           level)
{
  gint64 best = G_MININT64;
  guint half;

  if ((gint64) i - ((1 << level) - 1) >= (gint64) self->n_entries)
    {
      self->max_end[i] = G_MININT64;
      return G_MININT64;
    }

  if (i < self->n_entries)
    best = self->entries[i].end;

  if (level > 0)
    {
      gint64 left, right;

      /* Not inside MAX(): the macro would evaluate each call twice. */
      half = 1u << (level - 1);
      left = build (self, i - half, level - 1);
      right = build (self, i + half, level - 1);
      best = MAX (best, MAX (left, right));
    }

  self->max_end[i] = best;
  return best;
}

/**
 * gloss_span_index_new:
 * @entries: (array length=n_entries): the intervals, in any order
 *
 * Returns: (transfer full): a new index; @entries is copied
 */
GlossSpanIndex *
gloss_span_index_new (const GlossSpanIndexEntry *entries,
                      guint                      n_entries)
{
  GlossSpanIndex *self = g_new0 (GlossSpanIndex, 1);
  guint level = 0;

  g_return_val_if_fail (n_entries < G_MAXUINT / 4, NULL);

  self->n_entries = n_entries;
  if (n_entries == 0)
    return self;

  self->entries = g_memdup2 (entries, sizeof *entries * n_entries);
  qsort (self->entries, n_entries, sizeof *entries, compare_entries);

  while ((2u << level) <= n_entries)
    level++;
  self->root_level = level;
  self->root = (1u << level) - 1;
  self->max_end = g_new (gint64, (2u << level) - 1);
  build (self, self->root, level);

  return self;
}

void
gloss_span_index_free (GlossSpanIndex *self)
{
  if (self == NULL)
    return;

  g_free (self->entries);
  g_free (self->max_end);
  g_free (self);
}

guint
gloss_span_index_get_size (GlossSpanIndex *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_entries;
}

static void
query (GlossSpanIndex *self,
       guint           i,
       guint           level,
       gint64          start,
       gint64          end,
       GArray         *result)
{
  guint half = level > 0 ? 1u << (level - 1) : 0;

  /* Nothing below ends after the range starts. */
  if (self->max_end[i] <= start)
    return;

  if (level > 0)
    query (self, i - half, level - 1, start, end, result);

  /* Everything from here rightwards starts at or after entries[i]. */
  if (i >= self->n_entries || self->entries[i].start >= end)
    return;

  if (self->entries[i].end > start)
    g_array_append_val (result, self->entries[i].id);

  if (level > 0)
    query (self, i + half, level - 1, start, end, result);
}

void
gloss_span_index_query (GlossSpanIndex *self,
                        gint64          start,
                        gint64          end,
                        GArray         *result)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (result != NULL);
  g_return_if_fail (g_array_get_element_size (result) == sizeof (guint));

  if (self->n_entries == 0 || end <= start)
    return;

  query (self, self->root, self->root_level, start, end, result);
}
