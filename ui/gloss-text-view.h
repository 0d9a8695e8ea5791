/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * GlossTextSpan:
 * @start: first code point
 * @end: code point after the last one
 * @annotation: the annotation's id
 * @dimension: the band the span is drawn in, 0 for the first dimension
 * @color: the code's colour
 * @label: (nullable): the code's name, an interned string (g_intern_string())
 *
 * One code of one annotation.  An annotation with codes from three
 * dimensions is three spans with the same range.
 */
typedef struct
{
  gint64       start;
  gint64       end;
  gint64       annotation;
  guint        dimension;
  GdkRGBA      color;
  const char  *label;
} GlossTextSpan;

#define GLOSS_TYPE_TEXT_VIEW (gloss_text_view_get_type ())
G_DECLARE_FINAL_TYPE (GlossTextView, gloss_text_view, GLOSS, TEXT_VIEW, GtkTextView)

GtkWidget *gloss_text_view_new                     (void);
void       gloss_text_view_set_document            (GlossTextView  *self,
                                                    const char     *text,
                                                    GPtrArray      *segments);
void       gloss_text_view_set_spans               (GlossTextView  *self,
                                                    GArray         *spans);
void       gloss_text_view_add_spans               (GlossTextView  *self,
                                                    GArray         *spans);
void       gloss_text_view_update_annotation       (GlossTextView  *self,
                                                    gint64          annotation,
                                                    GArray         *spans);
gboolean   gloss_text_view_has_annotation          (GlossTextView  *self,
                                                    gint64          annotation);
guint      gloss_text_view_get_n_spans             (GlossTextView  *self);
guint      gloss_text_view_get_n_bands             (GlossTextView  *self);
void       gloss_text_view_set_n_bands             (GlossTextView  *self,
                                                    guint           n_bands);
gint64     gloss_text_view_get_selected_annotation (GlossTextView  *self);
void       gloss_text_view_set_selected_annotation (GlossTextView  *self,
                                                    gint64          annotation);
double     gloss_text_view_get_zoom                (GlossTextView  *self);
void       gloss_text_view_set_zoom                (GlossTextView  *self,
                                                    double          zoom);
gboolean   gloss_text_view_get_snap_to_words       (GlossTextView  *self);
void       gloss_text_view_set_snap_to_words       (GlossTextView  *self,
                                                    gboolean        snap_to_words);
GArray    *gloss_text_view_get_annotations_at      (GlossTextView  *self,
                                                    gint64          offset);
GArray    *gloss_text_view_get_spans_of            (GlossTextView  *self,
                                                    gint64          annotation);
gboolean   gloss_text_view_get_selection_range     (GlossTextView  *self,
                                                    gint64         *start,
                                                    gint64         *end);
void       gloss_text_view_select_range            (GlossTextView  *self,
                                                    gint64          start,
                                                    gint64          end);
gboolean   gloss_text_view_get_range_rect          (GlossTextView  *self,
                                                    gint64          start,
                                                    gint64          end,
                                                    GdkRectangle   *rect);
void       gloss_text_view_add_popover             (GlossTextView  *self,
                                                    GtkWidget      *popover);
void       gloss_text_view_scroll_to_range         (GlossTextView  *self,
                                                    gint64          start,
                                                    gint64          end);

/**
 * GlossTextRange:
 * @start: first code point
 * @end: code point after the last one
 */
typedef struct
{
  gint64 start;
  gint64 end;
} GlossTextRange;

void       gloss_text_view_set_matches             (GlossTextView  *self,
                                                    GArray         *ranges,
                                                    int             current);

/**
 * GlossTextComparison:
 * @start: first code point
 * @end: code point after the last one
 * @lane: the analyst's lane below the line, 0 for the first
 * @color: the analyst's colour
 *
 * One analyst's span, drawn while analysts' work is compared.
 */
typedef struct
{
  gint64  start;
  gint64  end;
  guint   lane;
  GdkRGBA color;
} GlossTextComparison;

void       gloss_text_view_set_comparison          (GlossTextView  *self,
                                                    GArray         *spans,
                                                    guint           n_lanes);
GArray    *gloss_text_view_get_comparison          (GlossTextView  *self);

G_END_DECLS
