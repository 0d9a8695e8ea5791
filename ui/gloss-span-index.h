/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An immutable index over half-open intervals [start, end): the spans
 * sorted by start in one array, read as an implicit balanced binary tree
 * (node i sits at the level given by its trailing one bits) where every
 * node also keeps the largest end in its subtree.  Building is
 * O(n log n); finding the k intervals touching a range is O(log n + k)
 * and allocates nothing but the result. */

typedef struct _GlossSpanIndex GlossSpanIndex;

typedef struct
{
  gint64 start;
  gint64 end;
  guint  id;     /* the caller's own number, e.g. an index into its array */
} GlossSpanIndexEntry;

GlossSpanIndex *gloss_span_index_new     (const GlossSpanIndexEntry *entries,
                                          guint                      n_entries);
void            gloss_span_index_free    (GlossSpanIndex            *index);
guint           gloss_span_index_get_size (GlossSpanIndex           *index);
/* Appends to @result (element-type guint) the ids of the intervals that
 * share at least one position with [start, end), in order of start. */
void            gloss_span_index_query   (GlossSpanIndex            *index,
                                          gint64                     start,
                                          gint64                     end,
                                          GArray                    *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlossSpanIndex, gloss_span_index_free)

G_END_DECLS
