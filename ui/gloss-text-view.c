/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-text-view"

#include "config.h"

#include "gloss-text-view.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "gloss-span-index.h"
#include "gloss-types.h"

/* GlossTextView shows one document's text and paints its annotations.
 *
 * The buffer holds the document text and nothing else, so buffer offsets
 * are the engine's code point offsets.  Highlights are painted below the
 * text in snapshot_layer() from an interval index, and only for the lines
 * on screen: every annotation gets a light tint of its first code's
 * colour, and every code a solid band under the line, one band row per
 * dimension, so overlapping spans of different dimensions never hide each
 * other.  The selected annotation gets a stronger tint and an outline.
 *
 * Two gutters are drawn beside the text: speaker labels and turn rules on
 * the left, and on the right one stripe per code over the lines it
 * touches, labelled with the code's name.  Text tags are used only for
 * the handful of segment kinds. */

#define BAND_HEIGHT      3
#define BAND_GAP         1
#define BAND_TOP         2
#define LEFT_GUTTER      96
#define RIGHT_GUTTER     128
#define STRIPE_WIDTH     3
#define STRIPE_PITCH     5
#define MAX_LANES        5
#define BASE_FONT_PT     12.0
#define GUTTER_FONT_PT   9
#define MIN_ZOOM         0.5
#define MAX_ZOOM         3.0
#define RANGES_KEPT      20000   /* spans' rectangles kept, about 100 bytes each */
#define LINES_KEPT       6000    /* display lines kept, about 500 bytes each */

typedef struct
{
  GlossTextSpan span;
  guint         sub;       /* position among the same annotation's codes of this dimension */
  guint         n_sub;
  gboolean      primary;   /* the first span of its annotation: carries the tint */
} SpanInfo;

/* Spans indexed together: every annotation of the document, or while a
 * long document loads, the step that arrived last. */
typedef struct
{
  GArray         *spans;   /* SpanInfo, sorted by annotation */
  GlossSpanIndex *index;   /* ids index into spans */
} Layer;

typedef struct
{
  gint64            start;
  gint64            end;
  GlossSegmentKind  kind;
  char             *speaker;
  gboolean          new_turn;   /* a different speaker from the previous turn */
} Segment;

typedef struct
{
  GdkRectangle rect;   /* buffer coordinates, the text line only */
  int          line;   /* the paragraph (buffer line) it is in */
  int          y_rel;  /* its top relative to that paragraph's top */
} LineRect;

typedef struct
{
  gint64 start;
  gint64 end;
} RangeKey;

/* One display line, measured once: where it starts and ends, its ink
 * from its first character to its last glyph, and where each of its
 * characters is.  GTK answers where one character is by walking its
 * paragraph's layout from the start, so a screenful of spans asked one
 * by one costs more than drawing them; a line's own layout gives every
 * position at once, the same as GTK's (checked against GTK at the line's
 * last character, and not used when it differs). */
typedef struct
{
  gint64   start;
  gint64   end;       /* the next display line's start */
  int      line;      /* the paragraph (buffer line) */
  int      y_rel;     /* its top relative to the paragraph's top */
  int      y;         /* its top now, once listed by measure_lines() */
  int      height;
  int      x0;        /* left edge of its first character */
  int      x1;        /* right edge of its last glyph; a newline has none */
  gboolean regular;   /* its last character is on it too */
  gboolean first;     /* the first line of its paragraph */
  guint    n_chars;   /* characters with a known position, 0 for none */
  guint16 *xs;        /* per character: left edge, from x0 */
  guint16 *widths;    /* per character: width */
} DisplayLine;

/* A span on screen, with its rectangles in GlossTextView.scene_rects. */
typedef struct
{
  const SpanInfo *info;
  guint           first;
  guint           n_rects;
} SceneSpan;

/* A band rectangle waiting to be drawn: bands of one row are merged where
 * one colour continues. */
typedef struct
{
  int            row;     /* the band row's top: rows never overlap */
  guint          order;   /* drawing order within the frame */
  graphene_rect_t rect;
  const GdkRGBA *color;
} Band;

G_DECLARE_FINAL_TYPE (GlossTextGutter, gloss_text_gutter, GLOSS, TEXT_GUTTER, GtkWidget)

struct _GlossTextGutter
{
  GtkWidget       parent_instance;

  GlossTextView  *view;   /* borrowed: the view owns the gutter */
  GtkTextWindowType side;
  GHashTable     *labels; /* markup → PangoLayout, shaped once */
  GHashTable     *code_labels; /* CodeLabel → PangoLayout: a code's name after a dot of its colour */
  GPtrArray      *names;  /* reused while drawing */
  GArray         *stripes;
  GArray         *colors;
};

/* A code's label in the margin, found without writing its markup. */
typedef struct
{
  const char *name;   /* interned, or NULL for "+N more" */
  guint32     rgb;    /* the dot's colour, or N */
} CodeLabel;

static guint
code_label_hash (gconstpointer key)
{
  const CodeLabel *label = key;

  return g_direct_hash (label->name) ^ (label->rgb * 2654435761u);
}

static gboolean
code_label_equal (gconstpointer a,
                  gconstpointer b)
{
  const CodeLabel *la = a, *lb = b;

  return la->name == lb->name && la->rgb == lb->rgb;
}

struct _GlossTextView
{
  GtkTextView      parent_instance;

  GtkWidget       *left_gutter;
  GtkWidget       *right_gutter;
  GtkAdjustment   *vadjustment;
  double           page_size;
  GPtrArray       *popovers;   /* GtkPopover children, presented on allocation */

  GtkCssProvider  *zoom_provider;
  GtkTextTag      *segment_tags[GLOSS_SEGMENT_OTHER + 1];
  GPtrArray       *layers;     /* Layer, in the order they came */
  GArray          *segments;   /* Segment, sorted */
  GHashTable      *overlay;    /* annotation id → GArray of SpanInfo: updated since the index was built */
  guint            consolidate_id;
  GArray          *scratch;    /* guint, reused by every query */
  GPtrArray       *visible;    /* const SpanInfo *, reused by every query */
  GArray          *rects;      /* LineRect, reused */
  GHashTable      *geometry;   /* RangeKey → GArray of LineRect: kept while the layout's width stays */
  GHashTable      *para_tops;  /* paragraph → its top in this frame */
  GHashTable      *lines;      /* start offset → DisplayLine: kept like geometry */
  GArray          *frame_lines; /* DisplayLine on screen in this frame, in order */
  gint64           para_frame;
  int              layout_width;

  /* What is on screen, worked out once a frame for the text and the
   * margin: valid while the frame, the scroll position and the spans'
   * generation stay. */
  GArray          *scene;        /* SceneSpan, by start */
  GArray          *scene_rects;  /* LineRect */
  GArray          *bands;        /* Band, reused */
  GArray          *edges;        /* float, reused while drawing bands */
  gint64           scene_frame;
  guint            scene_generation;
  GdkRectangle     scene_visible;
  gint64           scene_start;
  guint            generation;   /* bumped by every change of spans or geometry */
  gint64           range_frame;  /* get_visible_range()'s answer, kept for its frame */
  guint            range_generation;
  GdkRectangle     range_visible;
  gint64           range_start;
  gint64           range_end;
  GArray          *ahead_lines;  /* DisplayLine, reused while measuring ahead */
  guint            ahead_id;
  guint            ahead_generation;
  gint64           ahead_start;  /* what was measured ahead: no need again */
  gint64           ahead_end;

  gint64           selected;
  guint            n_bands;
  double           zoom;
  gboolean         snap_to_words;

  gint64           scroll_start;
  guint            scroll_frames;
  guint            scroll_tick_id;

  double           press_x;
  double           press_y;
  gint64           last_click_offset;
  guint            click_cycle;

  GArray          *comparison; /* GlossTextComparison, analysts' spans drawn below the bands */
  guint            n_lanes;
};

enum {
  PROP_0,
  PROP_SELECTED_ANNOTATION,
  PROP_ZOOM,
  PROP_SNAP_TO_WORDS,
  PROP_N_BANDS,
  N_PROPS
};

enum {
  ANNOTATION_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (GlossTextView, gloss_text_view, GTK_TYPE_TEXT_VIEW)
G_DEFINE_FINAL_TYPE (GlossTextGutter, gloss_text_gutter, GTK_TYPE_WIDGET)

static gboolean
is_dark (void)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

static void
display_line_free (DisplayLine *line)
{
  g_free (line->xs);
  g_free (line->widths);
  g_free (line);
}

static void
layer_free (Layer *layer)
{
  g_array_unref (layer->spans);
  gloss_span_index_free (layer->index);
  g_free (layer);
}

static void
segment_clear (gpointer data)
{
  Segment *segment = data;

  g_clear_pointer (&segment->speaker, g_free);
}

/* Geometry ---------------------------------------------------------------- */

static void
get_iter (GlossTextView *self,
          gint64         offset,
          GtkTextIter   *iter)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));

  gtk_text_buffer_get_iter_at_offset (buffer, iter, (int) CLAMP (offset, 0, G_MAXINT));
}

static gint64 frame_counter (GlossTextView *self);

/* The offsets of the paragraphs at least partly on screen.  Whole
 * paragraphs, so the margin packs the stripes of a paragraph the same
 * way wherever it is scrolled to. */
static void
get_visible_range (GlossTextView *self,
                   gint64        *start,
                   gint64        *end,
                   GdkRectangle  *visible)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  gint64 frame = frame_counter (self);
  GtkTextIter top, bottom;

  gtk_text_view_get_visible_rect (view, visible);

  /* The text, the margin and the speakers ask in every frame. */
  if (frame == self->range_frame && frame != -1 && self->range_generation == self->generation
      && gdk_rectangle_equal (visible, &self->range_visible))
    {
      *start = self->range_start;
      *end = self->range_end;
      return;
    }

  gtk_text_view_get_line_at_y (view, &top, visible->y, NULL);
  gtk_text_view_get_line_at_y (view, &bottom, visible->y + visible->height, NULL);
  if (!gtk_text_iter_ends_line (&bottom))
    gtk_text_iter_forward_to_line_end (&bottom);
  gtk_text_iter_forward_char (&bottom);

  *start = gtk_text_iter_get_offset (&top);
  *end = gtk_text_iter_get_offset (&bottom);

  self->range_frame = frame;
  self->range_generation = self->generation;
  self->range_visible = *visible;
  self->range_start = *start;
  self->range_end = *end;
}

static int
paragraph_top (GlossTextView     *self,
               const GtkTextIter *iter)
{
  GtkTextIter line_start = *iter;
  int y = 0;

  gtk_text_iter_set_line_offset (&line_start, 0);
  gtk_text_view_get_line_yrange (GTK_TEXT_VIEW (self), &line_start, &y, NULL);
  return y;
}

static void
append_line_rect (GlossTextView     *self,
                  GArray            *rects,
                  const GtkTextIter *at,
                  int                x,
                  int                y,
                  int                width,
                  int                height)
{
  LineRect r = { { x, y, width, height }, gtk_text_iter_get_line (at), 0 };

  r.y_rel = y - paragraph_top (self, at);
  g_array_append_val (rects, r);
}

/* Fills @rects with one rectangle per display line of [start, end), in
 * buffer coordinates, covering the glyphs only (not the line spacing). */
static void
collect_line_rects (GlossTextView *self,
                    gint64         start,
                    gint64         end,
                    GArray        *rects)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GtkTextIter iter, last_char;
  GdkRectangle first, last;

  g_array_set_size (rects, 0);
  if (end <= start)
    return;

  get_iter (self, start, &iter);

  /* Most spans sit on one display line: two lookups are enough. */
  get_iter (self, end - 1, &last_char);
  gtk_text_view_get_iter_location (view, &iter, &first);
  gtk_text_view_get_iter_location (view, &last_char, &last);
  if (first.y == last.y)
    {
      int x1 = gtk_text_iter_ends_line (&last_char) ? last.x : last.x + last.width;

      if (x1 > first.x)
        append_line_rect (self, rects, &iter, first.x, first.y, x1 - first.x, first.height);
      return;
    }

  while (gtk_text_iter_get_offset (&iter) < end)
    {
      GtkTextIter next = iter;
      gboolean more;
      int x1;

      gtk_text_view_get_iter_location (view, &iter, &first);
      more = gtk_text_view_forward_display_line (view, &next);

      if (!more || gtk_text_iter_get_offset (&next) >= end)
        get_iter (self, end, &last_char);
      else
        last_char = next;
      gtk_text_iter_backward_char (&last_char);
      gtk_text_view_get_iter_location (view, &last_char, &last);

      /* A line's newline has no ink of its own. */
      if (gtk_text_iter_ends_line (&last_char))
        x1 = last.x;
      else
        x1 = last.x + last.width;

      if (x1 > first.x && last.y == first.y)
        append_line_rect (self, rects, &iter, first.x, first.y, x1 - first.x, first.height);
      else if (last.y > first.y)
        {
          /* The range wraps inside what looked like one step (a very long
           * word, or a line end we skipped): cover both lines. */
          int right = gtk_widget_get_width (GTK_WIDGET (self));

          append_line_rect (self, rects, &iter, first.x, first.y, MAX (right - first.x, 0), first.height);
          if (x1 > 0)
            append_line_rect (self, rects, &last_char, 0, last.y, x1, last.height);
        }

      if (!more)
        break;
      iter = next;
    }
}

static guint
range_key_hash (gconstpointer key)
{
  const RangeKey *k = key;

  return (guint) (k->start * 2654435761u) ^ (guint) (k->end * 40503u);
}

static gboolean
range_key_equal (gconstpointer a,
                 gconstpointer b)
{
  const RangeKey *ka = a, *kb = b;

  return ka->start == kb->start && ka->end == kb->end;
}

static void
forget_geometry (GlossTextView *self)
{
  g_hash_table_remove_all (self->lines);
  g_array_set_size (self->frame_lines, 0);
  g_hash_table_remove_all (self->geometry);
  g_hash_table_remove_all (self->para_tops);
  self->para_frame = -1;
  self->generation++;
}

/* The top of @line in this frame.  Paragraph tops move as GTK validates
 * the layout of the lines above them; positions inside a paragraph do
 * not, so those are what the geometry cache keeps. */
static int
paragraph_top_now (GlossTextView *self,
                   int            line)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));
  gint64 frame = clock != NULL ? gdk_frame_clock_get_frame_counter (clock) : -2;
  gpointer value;
  GtkTextIter iter;
  int top = 0;

  if (frame != self->para_frame || frame == -2)
    {
      g_hash_table_remove_all (self->para_tops);
      self->para_frame = frame;
    }

  if (g_hash_table_lookup_extended (self->para_tops, GINT_TO_POINTER (line), NULL, &value))
    return GPOINTER_TO_INT (value);

  gtk_text_buffer_get_iter_at_line (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)), &iter, line);
  gtk_text_view_get_line_yrange (GTK_TEXT_VIEW (self), &iter, &top, NULL);
  g_hash_table_insert (self->para_tops, GINT_TO_POINTER (line), GINT_TO_POINTER (top));
  return top;
}

/* Whether @tag changes nothing but what measure_positions() applies:
 * weight, scale, style, colours and spacing between lines. */
static gboolean
tag_keeps_metrics (GtkTextTag *tag)
{
  static const char *metric_props[] = {
    "family-set", "font-features-set", "letter-spacing-set", "size-set", "stretch-set",
    "variant-set", "rise-set", "invisible-set", "language-set", "insert-hyphens-set",
    "allow-breaks-set", "show-spaces-set", "text-transform-set", "line-height-set",
  };

  for (guint i = 0; i < G_N_ELEMENTS (metric_props); i++)
    {
      gboolean set = FALSE;

      if (g_object_class_find_property (G_OBJECT_GET_CLASS (tag), metric_props[i]) == NULL)
        continue;
      g_object_get (tag, metric_props[i], &set, NULL);
      if (set)
        return FALSE;
    }

  return TRUE;
}

/* Lays out @line's characters on their own, as GTK lays them out in the
 * paragraph (the same context, font and attributes; the line breaks are
 * GTK's), and keeps their positions when the last one falls where GTK
 * puts it.  Leaves @line without positions for what it cannot follow:
 * attributes changing inside the line, right-to-left text, tabs. */
static void
measure_positions (GlossTextView      *self,
                   DisplayLine        *line,
                   const GtkTextIter  *start,
                   const GdkRectangle *last)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();
  g_autofree char *text = NULL;
  g_autofree guint16 *xs = NULL;
  g_autofree guint16 *widths = NULL;
  GSList *tags = gtk_text_iter_get_tags (start);
  GtkTextIter end = *start, toggle = *start;
  PangoLayoutIter *iter;
  gboolean ok = TRUE;
  gboolean newline;
  int text_end = 0;
  guint n, k = 0;

  /* The line's characters, without a paragraph's newline. */
  get_iter (self, line->end, &end);
  if (gtk_text_iter_get_line (&end) != line->line)
    {
      end = *start;
      if (!gtk_text_iter_ends_line (&end))
        gtk_text_iter_forward_to_line_end (&end);
    }
  text = gtk_text_iter_get_slice (start, &end);
  n = (guint) g_utf8_strlen (text, -1);
  newline = gtk_text_iter_get_offset (&end) < line->end;
  if (n == 0 || n > G_MAXUINT16 || strchr (text, '\t') != NULL)
    ok = FALSE;

  /* One set of tags over the whole line. */
  if (ok && gtk_text_iter_forward_to_tag_toggle (&toggle, NULL) && gtk_text_iter_compare (&toggle, &end) < 0)
    ok = FALSE;

  for (GSList *l = tags; ok && l != NULL; l = l->next)
    {
      GtkTextTag *tag = l->data;
      gboolean weight_set, scale_set, style_set;
      int weight;
      double scale;
      PangoStyle style;

      if (!tag_keeps_metrics (tag))
        {
          ok = FALSE;
          break;
        }
      g_object_get (tag, "weight-set", &weight_set, "weight", &weight, "scale-set", &scale_set, "scale", &scale,
                    "style-set", &style_set, "style", &style, NULL);
      if (weight_set)
        pango_attr_list_insert (attrs, pango_attr_weight_new (weight));
      if (scale_set)
        pango_attr_list_insert (attrs, pango_attr_scale_new (scale));
      if (style_set)
        pango_attr_list_insert (attrs, pango_attr_style_new (style));
    }
  g_slist_free (tags);
  if (!ok)
    return;

  layout = pango_layout_new (gtk_text_view_get_ltr_context (view));
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_attributes (layout, attrs);
  if (pango_layout_get_line_count (layout) != 1)
    return;

  xs = g_new (guint16, n);
  widths = g_new (guint16, n);
  iter = pango_layout_get_iter (layout);
  do
    {
      PangoLayoutRun *run = pango_layout_iter_get_run_readonly (iter);
      PangoRectangle cluster;
      int index = pango_layout_iter_get_index (iter);
      int x, width;

      if (run != NULL && run->item->analysis.level % 2 != 0)
        {
          ok = FALSE;
          break;
        }
      if (index != g_utf8_offset_to_pointer (text, k) - text || k >= n)
        {
          /* A cluster of several characters (a ligature): where GTK puts
           * each of them is its business. */
          ok = FALSE;
          break;
        }

      pango_layout_iter_get_cluster_extents (iter, NULL, &cluster);
      x = PANGO_PIXELS (line->x0 * PANGO_SCALE + cluster.x) - line->x0;
      width = PANGO_PIXELS (cluster.width);
      if (x < 0 || x > G_MAXUINT16 || width < 0 || width > G_MAXUINT16)
        {
          ok = FALSE;
          break;
        }
      xs[k] = (guint16) x;
      widths[k] = (guint16) width;
      text_end = PANGO_PIXELS (line->x0 * PANGO_SCALE + cluster.x + cluster.width);
      k++;
    }
  while (pango_layout_iter_next_cluster (iter) && pango_layout_iter_get_index (iter) < (int) strlen (text));
  pango_layout_iter_free (iter);

  /* The last character where GTK has it (a paragraph's newline right
   * after the text), or nothing is kept. */
  if (!ok || k != n || (newline ? text_end : line->x0 + xs[n - 1]) != last->x)
    return;

  line->n_chars = n;
  line->xs = g_steal_pointer (&xs);
  line->widths = g_steal_pointer (&widths);
}

/* The display line starting at @start, measured. */
static DisplayLine *
measure_display_line (GlossTextView *self,
                      gint64         start)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  DisplayLine *line = g_new0 (DisplayLine, 1);
  GtkTextIter iter, next, last_char;
  GdkRectangle first, last;
  gboolean more;

  get_iter (self, start, &iter);
  gtk_text_view_get_iter_location (view, &iter, &first);
  next = iter;
  more = gtk_text_view_forward_display_line (view, &next);

  line->start = start;
  line->end = more ? gtk_text_iter_get_offset (&next)
                   : gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (view));
  line->end = MAX (line->end, start + 1);
  line->line = gtk_text_iter_get_line (&iter);
  line->y_rel = first.y - paragraph_top (self, &iter);
  line->height = first.height;
  line->x0 = first.x;
  line->first = gtk_text_iter_starts_line (&iter);

  get_iter (self, line->end - 1, &last_char);
  gtk_text_view_get_iter_location (view, &last_char, &last);
  line->x1 = gtk_text_iter_ends_line (&last_char) ? last.x : last.x + last.width;
  line->regular = last.y == first.y && gtk_text_iter_get_line (&last_char) == line->line;
  if (line->regular)
    measure_positions (self, line, &iter, &last);

  return line;
}

/* Lists in @lines the display lines from @start on, measured or from the
 * cache, with their tops now, until @end or, when @bottom is not -1,
 * until a paragraph starts below @bottom.  Returns the offset after the
 * last. */
static gint64
measure_lines (GlossTextView *self,
               gint64         start,
               gint64         end,
               int            bottom,
               GArray        *lines)
{
  gint64 length = gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)));

  g_array_set_size (lines, 0);
  while (start < end && start < length)
    {
      DisplayLine *line = g_hash_table_lookup (self->lines, &start);
      DisplayLine now;

      if (line == NULL)
        {
          line = measure_display_line (self, start);
          g_hash_table_insert (self->lines, &line->start, line);
        }

      now = *line;
      now.y = paragraph_top_now (self, line->line) + line->y_rel;
      if (bottom != -1 && now.y > bottom && line->first)
        break;
      g_array_append_val (lines, now);
      start = line->end;
    }

  return start;
}

/* The line of @lines holding @offset, or NULL. */
static const DisplayLine *
find_line (GArray *lines,
           gint64  offset,
           guint  *index)
{
  guint lo = 0, hi = lines->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (lines, DisplayLine, mid).end <= offset)
        lo = mid + 1;
      else
        hi = mid;
    }

  if (lo >= lines->len || g_array_index (lines, DisplayLine, lo).start > offset)
    return NULL;
  *index = lo;
  return &g_array_index (lines, DisplayLine, lo);
}

/* collect_line_rects() for a range within @lines: the position of a
 * character is looked up only where the range starts or ends inside a
 * line.  Returns FALSE, with @rects untouched, when a
 * line is not regular or a position does not fall where its line says;
 * the caller then measures the slow way. */
static gboolean
rects_from_lines (GlossTextView *self,
                  GArray        *lines,
                  gint64         start,
                  gint64         end,
                  GArray        *rects)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  const DisplayLine *first_line, *last_line;
  guint first_index = 0, last_index = 0;
  int x_start = 0, x_end = 0;

  first_line = find_line (lines, start, &first_index);
  last_line = find_line (lines, end - 1, &last_index);
  if (first_line == NULL || last_line == NULL)
    return FALSE;

  for (guint i = first_index; i <= last_index; i++)
    if (!g_array_index (lines, DisplayLine, i).regular)
      return FALSE;

  if (start == first_line->start)
    x_start = first_line->x0;
  else if (start - first_line->start < first_line->n_chars)
    x_start = first_line->x0 + first_line->xs[start - first_line->start];
  else
    {
      GdkRectangle location;
      GtkTextIter iter;

      get_iter (self, start, &iter);
      gtk_text_view_get_iter_location (view, &iter, &location);
      if (location.y != first_line->y)
        return FALSE;
      x_start = location.x;
    }

  /* A wrapped line's last character may be a space GTK gives no width:
   * the line's own end says where its ink stops. */
  if (end >= last_line->end)
    x_end = last_line->x1;
  else if (end - 1 - last_line->start < last_line->n_chars)
    {
      guint k = (guint) (end - 1 - last_line->start);

      x_end = last_line->x0 + last_line->xs[k] + last_line->widths[k];
    }
  else
    {
      GdkRectangle location;
      GtkTextIter iter;

      get_iter (self, end - 1, &iter);
      gtk_text_view_get_iter_location (view, &iter, &location);
      if (location.y != last_line->y)
        return FALSE;
      x_end = gtk_text_iter_ends_line (&iter) ? location.x : location.x + location.width;
    }

  g_array_set_size (rects, 0);
  for (guint i = first_index; i <= last_index; i++)
    {
      const DisplayLine *line = &g_array_index (lines, DisplayLine, i);
      int x0 = i == first_index ? x_start : line->x0;
      int x1 = i == last_index ? x_end : line->x1;
      LineRect r = { { x0, line->y, x1 - x0, line->height }, line->line, line->y_rel };

      if (x1 > x0)
        g_array_append_val (rects, r);
    }

  return TRUE;
}

static gboolean
is_far (gpointer key,
        gpointer value,
        gpointer user_data)
{
  const gint64 *near = user_data;
  const gint64 *start = key;   /* RangeKey and DisplayLine both begin with their start */

  return *start < near[0] || *start >= near[1];
}

/* Keeps the caches of lines and rectangles bounded on a long scroll
 * through a big document: what is far from the screen goes first. */
static void
trim_caches (GlossTextView *self,
             gint64         vis_start,
             gint64         vis_end)
{
  gint64 near[2];

  if (g_hash_table_size (self->geometry) <= RANGES_KEPT && g_hash_table_size (self->lines) <= LINES_KEPT)
    return;

  near[0] = vis_start - 4 * MAX (vis_end - vis_start, 1);
  near[1] = vis_end + 4 * MAX (vis_end - vis_start, 1);
  g_hash_table_foreach_remove (self->geometry, is_far, near);
  g_hash_table_foreach_remove (self->lines, is_far, near);

  /* Still too many near the screen (a huge screen): start again. */
  if (g_hash_table_size (self->geometry) > RANGES_KEPT)
    g_hash_table_remove_all (self->geometry);
  if (g_hash_table_size (self->lines) > LINES_KEPT)
    g_hash_table_remove_all (self->lines);
}

/* The rectangles of [start, end) as they are now: measured once, then
 * taken from the cache and moved with their paragraphs.  Valid until the
 * next call. */
static GArray *
range_geometry (GlossTextView *self,
                GArray        *lines,
                gint64         start,
                gint64         end)
{
  RangeKey key = { start, end };
  GArray *rects = g_hash_table_lookup (self->geometry, &key);

  if (rects == NULL)
    {
      rects = g_array_new (FALSE, FALSE, sizeof (LineRect));
      if (end <= start || !rects_from_lines (self, lines, start, end, rects))
        collect_line_rects (self, start, end, rects);
      g_hash_table_insert (self->geometry, g_memdup2 (&key, sizeof key), rects);
      return rects;
    }

  for (guint i = 0; i < rects->len; i++)
    {
      LineRect *r = &g_array_index (rects, LineRect, i);

      r->rect.y = paragraph_top_now (self, r->line) + r->y_rel;
    }
  return rects;
}

static int
compare_span_start (gconstpointer a,
                    gconstpointer b)
{
  const SpanInfo *sa = *(const SpanInfo * const *) a;
  const SpanInfo *sb = *(const SpanInfo * const *) b;

  if (sa->span.start != sb->span.start)
    return sa->span.start < sb->span.start ? -1 : 1;
  if (sa->span.end != sb->span.end)
    return sa->span.end < sb->span.end ? -1 : 1;
  return (sa->span.annotation > sb->span.annotation) - (sa->span.annotation < sb->span.annotation);
}

/* The spans touching [start, end), sorted by start: those of the index
 * unless their annotation was updated since, plus the updated ones.
 * Fills and returns self->visible, valid until the spans change. */
static GPtrArray *
query_spans (GlossTextView *self,
             gint64         start,
             gint64         end)
{
  GHashTableIter iter;
  gpointer value;
  gboolean added = FALSE;
  guint n_layers_hit = 0;

  g_ptr_array_set_size (self->visible, 0);
  for (guint l = 0; l < self->layers->len; l++)
    {
      const Layer *layer = g_ptr_array_index (self->layers, l);

      g_array_set_size (self->scratch, 0);
      gloss_span_index_query (layer->index, start, end, self->scratch);
      n_layers_hit += self->scratch->len > 0;

      for (guint i = 0; i < self->scratch->len; i++)
        {
          const SpanInfo *info = &g_array_index (layer->spans, SpanInfo, g_array_index (self->scratch, guint, i));

          if (g_hash_table_size (self->overlay) == 0
              || !g_hash_table_contains (self->overlay, &info->span.annotation))
            g_ptr_array_add (self->visible, (gpointer) info);
        }
    }

  g_hash_table_iter_init (&iter, self->overlay);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GArray *spans = value;

      for (guint i = 0; i < spans->len; i++)
        {
          const SpanInfo *info = &g_array_index (spans, SpanInfo, i);

          if (info->span.start < end && info->span.end > start)
            {
              g_ptr_array_add (self->visible, (gpointer) info);
              added = TRUE;
            }
        }
    }

  if (added || n_layers_hit > 1)
    g_ptr_array_sort (self->visible, compare_span_start);

  return self->visible;
}

static int
band_y (GlossTextView  *self,
        const LineRect *line,
        const SpanInfo *info,
        int            *height)
{
  int y = line->rect.y + line->rect.height + BAND_TOP
          + (int) MIN (info->span.dimension, self->n_bands - 1) * (BAND_HEIGHT + BAND_GAP);

  *height = BAND_HEIGHT;
  if (info->n_sub > 1)
    {
      /* Several codes of one dimension on one annotation share its band. */
      int h = MAX (1, BAND_HEIGHT / (int) info->n_sub);

      y += MIN ((int) info->sub * h, BAND_HEIGHT - h);
      *height = h;
    }

  return y;
}

static void
append_rect (GtkSnapshot   *snapshot,
             const GdkRGBA *color,
             double         alpha,
             int            x,
             int            y,
             int            width,
             int            height)
{
  GdkRGBA c = *color;

  c.alpha *= alpha;
  gtk_snapshot_append_color (snapshot, &c, &GRAPHENE_RECT_INIT (x, y, width, height));
}

static gint64
frame_counter (GlossTextView *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  return clock != NULL ? gdk_frame_clock_get_frame_counter (clock) : -1;
}

/* Appends to @scene and @scene_rects the spans of @found clipped to
 * [start, end), with their rectangles. */
static void
add_to_scene (GlossTextView *self,
              GPtrArray     *found,
              GArray        *lines,
              gint64         start,
              gint64         end,
              GArray        *scene,
              GArray        *scene_rects)
{
  gint64 last_start = -1, last_end = -1;
  guint first_rect = 0, n_rects = 0;

  for (guint i = 0; i < found->len; i++)
    {
      const SpanInfo *info = g_ptr_array_index (found, i);
      gint64 a = MAX (info->span.start, start);
      gint64 b = MIN (info->span.end, end);
      SceneSpan scene_span = { info, 0, 0 };

      /* Spans of one annotation share their range: measure it once. */
      if (a != last_start || b != last_end)
        {
          GArray *rects = range_geometry (self, lines, a, b);

          last_start = a;
          last_end = b;
          first_rect = scene_rects->len;
          g_array_append_vals (scene_rects, rects->data, rects->len);
          n_rects = rects->len;
        }

      scene_span.first = first_rect;
      scene_span.n_rects = n_rects;
      if (n_rects > 0)
        g_array_append_val (scene, scene_span);
    }
}

static gboolean measure_ahead_cb (gpointer user_data);

/* The spans of the paragraphs on screen and their rectangles, worked out
 * once a frame for the text and the margin both (the text draws only
 * what is in sight; the margin packs its stripes by paragraph). */
static GArray *
get_scene (GlossTextView *self)
{
  GdkRectangle visible;
  gint64 vis_start, vis_end;
  gint64 frame = frame_counter (self);
  GPtrArray *found;

  gtk_text_view_get_visible_rect (GTK_TEXT_VIEW (self), &visible);
  if (frame == self->scene_frame && frame != -1 && self->scene_generation == self->generation
      && gdk_rectangle_equal (&visible, &self->scene_visible))
    return self->scene;

  g_array_set_size (self->scene, 0);
  g_array_set_size (self->scene_rects, 0);
  get_visible_range (self, &vis_start, &vis_end, &visible);
  self->scene_frame = frame;
  self->scene_generation = self->generation;
  self->scene_visible = visible;
  self->scene_start = vis_start;

  found = query_spans (self, vis_start, vis_end);
  if (found->len == 0)
    return self->scene;

  trim_caches (self, vis_start, vis_end);
  measure_lines (self, vis_start, vis_end, -1, self->frame_lines);
  add_to_scene (self, found, self->frame_lines, vis_start, vis_end, self->scene, self->scene_rects);

  /* What a scroll shows next is measured while the window is idle, when
   * the paragraphs on screen came within a page of the edge of what was
   * measured (a fling moves a page a frame). */
  if (self->ahead_id == 0
      && (self->ahead_generation != self->generation
          || vis_start - (vis_end - vis_start) < self->ahead_start
          || vis_end + (vis_end - vis_start) > self->ahead_end))
    self->ahead_id = g_idle_add_full (G_PRIORITY_LOW, measure_ahead_cb, self, NULL);

  return self->scene;
}

/* Measures the lines and spans of the screen and the page below it, and
 * of the page above it, so the frames of a scroll find them measured: a
 * frame then only draws.  The spans measured are those wholly in the page, the
 * ranges a frame showing them will ask for. */
static gboolean
measure_ahead_cb (gpointer user_data)
{
  GlossTextView *self = user_data;
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GdkRectangle visible;
  gint64 vis_start, vis_end;
  GtkTextIter iter;

  self->ahead_id = 0;
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return G_SOURCE_REMOVE;

  get_visible_range (self, &vis_start, &vis_end, &visible);
  self->ahead_generation = self->generation;
  self->ahead_start = vis_start;
  self->ahead_end = vis_end;

  for (int side = 0; side < 2; side++)
    {
      gint64 start, end;
      GPtrArray *found;

      if (side == 0)
        {
          /* From the top of the screen: a scroll moves it before this
           * runs, and the frame to come shows what is on it now. */
          start = vis_start;
          end = measure_lines (self, start, G_MAXINT64, visible.y + 2 * visible.height, self->ahead_lines);
        }
      else
        {
          gtk_text_view_get_line_at_y (view, &iter, MAX (0, visible.y - visible.height), NULL);
          start = gtk_text_iter_get_offset (&iter);
          end = measure_lines (self, start, vis_start, -1, self->ahead_lines);
        }
      if (end <= start)
        continue;
      if (side == 0)
        self->ahead_end = end;
      else
        self->ahead_start = start;

      found = query_spans (self, start, end);
      for (guint i = 0; i < found->len; i++)
        {
          const SpanInfo *info = g_ptr_array_index (found, i);
          RangeKey key = { info->span.start, info->span.end };

          if (info->span.start >= start && info->span.end <= end
              && !g_hash_table_contains (self->geometry, &key))
            range_geometry (self, self->ahead_lines, info->span.start, info->span.end);
        }
    }

  return G_SOURCE_REMOVE;
}

static const LineRect *
scene_rect (GlossTextView   *self,
            const SceneSpan *scene_span,
            guint            i)
{
  return &g_array_index (self->scene_rects, LineRect, scene_span->first + i);
}

static int
compare_bands (gconstpointer a,
               gconstpointer b)
{
  const Band *ba = a;
  const Band *bb = b;

  if (ba->row != bb->row)
    return ba->row < bb->row ? -1 : 1;
  return (ba->order > bb->order) - (ba->order < bb->order);
}

static void
append_band (GtkSnapshot           *snapshot,
             const Band            *band,
             const graphene_rect_t *area)
{
  if (area == NULL || graphene_rect_intersection (&band->rect, area, NULL))
    gtk_snapshot_append_color (snapshot, band->color, &band->rect);
}

/* Whether the bands of one row all share their extent across @along_y
 * and hide what they cover. */
static gboolean
row_is_flat (const Band *row,
             guint       n,
             gboolean    along_y)
{
  float pos = along_y ? row[0].rect.origin.x : row[0].rect.origin.y;
  float len = along_y ? row[0].rect.size.width : row[0].rect.size.height;

  for (guint i = 0; i < n; i++)
    {
      const graphene_rect_t *r = &row[i].rect;

      if (row[i].color->alpha < 1.0
          || (along_y ? r->origin.x != pos || r->size.width != len
                      : r->origin.y != pos || r->size.height != len))
        return FALSE;
    }

  return TRUE;
}

static int
compare_float (gconstpointer a,
               gconstpointer b)
{
  float fa = *(const float *) a, fb = *(const float *) b;

  return (fa > fb) - (fa < fb);
}

/* Draws a flat row as it shows once all its bands are drawn in order:
 * between two consecutive edges the last band over the piece is what
 * shows, and pieces of one colour that touch are one rectangle.  On
 * whole pixels, as the view is drawn, that is the same picture. */
static void
paint_flat_row (GlossTextView         *self,
                GtkSnapshot           *snapshot,
                const Band            *row,
                guint                  n,
                gboolean               along_y,
                const graphene_rect_t *area)
{
  GArray *edges = self->edges;
  Band pending = row[0];
  gboolean has_pending = FALSE;
  float *p_pos = along_y ? &pending.rect.origin.y : &pending.rect.origin.x;
  float *p_len = along_y ? &pending.rect.size.height : &pending.rect.size.width;

  g_array_set_size (edges, 0);
  for (guint i = 0; i < n; i++)
    {
      const graphene_rect_t *r = &row[i].rect;
      float a = along_y ? r->origin.y : r->origin.x;
      float b = a + (along_y ? r->size.height : r->size.width);

      g_array_append_val (edges, a);
      g_array_append_val (edges, b);
    }
  g_array_sort (edges, compare_float);

  for (guint e = 0; e + 1 < edges->len; e++)
    {
      float a = g_array_index (edges, float, e);
      float b = g_array_index (edges, float, e + 1);
      const GdkRGBA *color = NULL;

      if (b <= a)
        continue;

      /* The last band drawn over [a, b), if any. */
      for (guint i = n; i-- > 0;)
        {
          const graphene_rect_t *r = &row[i].rect;
          float ra = along_y ? r->origin.y : r->origin.x;
          float rb = ra + (along_y ? r->size.height : r->size.width);

          if (ra <= a && rb >= b)
            {
              color = row[i].color;
              break;
            }
        }

      if (has_pending && color != NULL && *p_pos + *p_len == a && gdk_rgba_equal (pending.color, color))
        {
          *p_len = b - *p_pos;
          continue;
        }

      if (has_pending)
        append_band (snapshot, &pending, area);
      has_pending = color != NULL;
      pending.color = color;
      *p_pos = a;
      *p_len = b - a;
    }

  if (has_pending)
    append_band (snapshot, &pending, area);
}

/* Draws a row band by band, in order, merging those that continue one
 * another in one colour. */
static void
paint_row (GtkSnapshot           *snapshot,
           Band                  *row,
           guint                  n,
           gboolean               along_y,
           const graphene_rect_t *area)
{
  Band *pending = NULL;

  for (guint i = 0; i < n; i++)
    {
      Band *band = &row[i];

      if (pending != NULL && gdk_rgba_equal (pending->color, band->color))
        {
          /* the axis they continue along, and the one they must share */
          graphene_rect_t *p = &pending->rect;
          const graphene_rect_t *b = &band->rect;
          float *p_pos = along_y ? &p->origin.y : &p->origin.x;
          float *p_len = along_y ? &p->size.height : &p->size.width;
          float b_pos = along_y ? b->origin.y : b->origin.x;
          float b_len = along_y ? b->size.height : b->size.width;
          gboolean shared = along_y ? p->origin.x == b->origin.x && p->size.width == b->size.width
                                    : p->origin.y == b->origin.y && p->size.height == b->size.height;

          if (shared && b_pos <= *p_pos + *p_len && b_pos + b_len >= *p_pos)
            {
              float from = MIN (*p_pos, b_pos);
              float to = MAX (*p_pos + *p_len, b_pos + b_len);

              *p_pos = from;
              *p_len = to - from;
              continue;
            }
        }

      if (pending != NULL)
        append_band (snapshot, pending, area);
      pending = band;
    }
  if (pending != NULL)
    append_band (snapshot, pending, area);
}

/* Draws the bands (@along_y FALSE) or the margin's stripes (TRUE) with
 * as few rectangles as give the same picture: rows never overlap one
 * another, so each row is drawn on its own in its order; where one
 * colour continues it is one rectangle, and where opaque bands of one
 * extent cover one another only what shows is drawn.  When @area is not
 * NULL, what falls wholly outside it (clipped away) is left out. */
static void
flush_merged (GlossTextView         *self,
              GtkSnapshot           *snapshot,
              gboolean               along_y,
              const graphene_rect_t *area)
{
  Band *bands;
  guint n = self->bands->len;

  g_array_sort (self->bands, compare_bands);
  bands = (Band *) (gpointer) self->bands->data;
  for (guint i = 0; i < n;)
    {
      guint j = i + 1;

      while (j < n && bands[j].row == bands[i].row)
        j++;
      if (j - i > 1 && row_is_flat (&bands[i], j - i, along_y))
        paint_flat_row (self, snapshot, &bands[i], j - i, along_y, area);
      else
        paint_row (snapshot, &bands[i], j - i, along_y, area);
      i = j;
    }
  g_array_set_size (self->bands, 0);
}

static void
snapshot_highlights (GlossTextView *self,
                     GtkSnapshot   *snapshot)
{
  double tint_alpha = is_dark () ? 0.30 : 0.22;
  GArray *scene = get_scene (self);
  const GdkRectangle *visible = &self->scene_visible;
  int below = gtk_text_view_get_pixels_below_lines (GTK_TEXT_VIEW (self));
  guint order = 0;

  g_array_set_size (self->bands, 0);
  for (guint i = 0; i < scene->len; i++)
    {
      const SceneSpan *scene_span = &g_array_index (scene, SceneSpan, i);
      const SpanInfo *info = scene_span->info;
      gboolean selected = info->span.annotation == self->selected && self->selected != 0;

      for (guint j = 0; j < scene_span->n_rects; j++)
        {
          const LineRect *line = scene_rect (self, scene_span, j);
          Band band;
          int y, h;

          /* Out of sight, bands included. */
          if (line->rect.y > visible->y + visible->height
              || line->rect.y + line->rect.height + below < visible->y)
            continue;

          if (info->primary)
            append_rect (snapshot, &info->span.color, selected ? 0.50 : tint_alpha,
                         line->rect.x, line->rect.y, line->rect.width, line->rect.height);

          if (selected && info->primary)
            {
              GskRoundedRect outline;
              GdkRGBA c = info->span.color;
              GdkRGBA colors[4] = { c, c, c, c };
              float widths[4] = { 1, 1, 1, 1 };

              gsk_rounded_rect_init_from_rect (&outline,
                                               &GRAPHENE_RECT_INIT (line->rect.x - 1, line->rect.y - 1,
                                                                    line->rect.width + 2,
                                                                    line->rect.height + 2),
                                               2);
              gtk_snapshot_append_border (snapshot, &outline, widths, colors);
            }

          /* Bands sit below the text and its outline: drawn after the
           * tints, they cover nothing the tints drew. */
          y = band_y (self, line, info, &h);
          band.row = line->rect.y + line->rect.height + BAND_TOP
                     + (int) MIN (info->span.dimension, self->n_bands - 1) * (BAND_HEIGHT + BAND_GAP);
          band.order = order++;
          band.rect = GRAPHENE_RECT_INIT (line->rect.x, y, line->rect.width, h);
          band.color = &info->span.color;
          g_array_append_val (self->bands, band);
        }
    }

  flush_merged (self, snapshot, FALSE, NULL);
}

/* Gutters ----------------------------------------------------------------- */

static int
gutter_y (GlossTextGutter *gutter,
          int              buffer_y)
{
  int y = 0;

  gtk_text_view_buffer_to_window_coords (GTK_TEXT_VIEW (gutter->view), gutter->side,
                                         0, buffer_y, NULL, &y);
  return y;
}

static void
get_fg_color (GtkWidget *widget,
              GdkRGBA   *color)
{
  /* GTK 4.8 has no gtk_widget_get_color(). */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

/* Gutter labels keep one size whatever the text's zoom. */
static void
set_gutter_font (PangoLayout *layout,
                 PangoWeight  weight)
{
  PangoContext *context = pango_layout_get_context (layout);
  g_autoptr(PangoFontDescription) font = pango_font_description_copy (pango_context_get_font_description (context));

  pango_font_description_set_size (font, GUTTER_FONT_PT * PANGO_SCALE);
  pango_font_description_set_weight (font, weight);
  pango_layout_set_font_description (layout, font);
}

/* A label laid out once and kept: shaping text is the dear part of
 * drawing the gutters, and the same few names come back every frame. */
static PangoLayout *
gutter_label (GlossTextGutter *gutter,
              const char      *markup,
              PangoWeight      weight,
              int              width,
              PangoAlignment   alignment)
{
  PangoLayout *layout = g_hash_table_lookup (gutter->labels, markup);

  if (layout != NULL)
    return layout;

  if (g_hash_table_size (gutter->labels) > 2000)
    g_hash_table_remove_all (gutter->labels);

  layout = gtk_widget_create_pango_layout (GTK_WIDGET (gutter), NULL);
  set_gutter_font (layout, weight);
  pango_layout_set_width (layout, MAX (width, 1) * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, alignment);
  pango_layout_set_markup (layout, markup, -1);
  g_hash_table_insert (gutter->labels, g_strdup (markup), layout);
  return layout;
}

static void
snapshot_speakers (GlossTextGutter *gutter,
                   GtkSnapshot     *snapshot)
{
  GlossTextView *self = gutter->view;
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GtkWidget *widget = GTK_WIDGET (gutter);
  int width = gtk_widget_get_width (widget);
  GdkRectangle visible;
  gint64 vis_start, vis_end;
  GdkRGBA fg, accent;
  guint lo = 0, hi = self->segments->len;

  if (self->segments->len == 0)
    return;

  get_fg_color (widget, &fg);
  gdk_rgba_parse (&accent, is_dark () ? "#78aeed" : "#1c71d8");
  get_visible_range (self, &vis_start, &vis_end, &visible);


  /* The first segment that ends after the top of the screen. */
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (self->segments, Segment, mid).end <= vis_start)
        lo = mid + 1;
      else
        hi = mid;
    }

  for (guint i = lo; i < self->segments->len; i++)
    {
      const Segment *segment = &g_array_index (self->segments, Segment, i);
      gboolean question = segment->kind == GLOSS_SEGMENT_QUESTION;
      GdkRectangle first, last;
      GtkTextIter iter;
      GdkRGBA rule;
      int y0, y1;

      if (segment->start >= vis_end)
        break;
      if (segment->kind != GLOSS_SEGMENT_QUESTION && segment->kind != GLOSS_SEGMENT_ANSWER)
        continue;

      get_iter (self, segment->start, &iter);
      gtk_text_view_get_iter_location (view, &iter, &first);
      get_iter (self, MAX (segment->start, segment->end - 1), &iter);
      gtk_text_view_get_iter_location (view, &iter, &last);
      y0 = gutter_y (gutter, first.y);
      y1 = gutter_y (gutter, last.y + last.height);

      rule = question ? accent : fg;
      rule.alpha *= question ? 0.9 : 0.18;
      gtk_snapshot_append_color (snapshot, &rule, &GRAPHENE_RECT_INIT (width - 8, y0, 3, MAX (y1 - y0, 1)));

      if (segment->new_turn && segment->speaker != NULL)
        {
          GdkRGBA label = question ? accent : fg;
          int label_height;

          label.alpha *= question ? 1.0 : 0.62;
          g_autofree char *markup = g_markup_escape_text (segment->speaker, -1);
          PangoLayout *layout = gutter_label (gutter, markup, PANGO_WEIGHT_BOLD, width - 16, PANGO_ALIGN_RIGHT);

          pango_layout_get_pixel_size (layout, NULL, &label_height);
          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot,
                                  &GRAPHENE_POINT_INIT (2, y0 + MAX (0, (first.height - label_height) / 2)));
          gtk_snapshot_append_layout (snapshot, layout, &label);
          gtk_snapshot_restore (snapshot);
        }
    }
}

typedef struct
{
  const SpanInfo *info;
  int    y0;
  int    y1;
  guint  lane;
} Stripe;

/* Draws a code's label, or the count of those left out, at @y. */
static void
append_code_label (GlossTextGutter *gutter,
                   GtkSnapshot     *snapshot,
                   const CodeLabel *key,
                   gboolean         last_line,
                   int              label_x,
                   int              y,
                   const GdkRGBA   *fg)
{
  int width = gtk_widget_get_width (GTK_WIDGET (gutter));
  PangoLayout *layout;

  /* Shaped once per code and colour; the markup is written only then. */
  layout = g_hash_table_lookup (gutter->code_labels, key);
  if (layout == NULL)
    {
      g_autofree char *markup = NULL;

      if (last_line)
        {
          /* Translators: codes not listed in the margin for lack of room */
          g_autofree char *more = g_strdup_printf (_("+%u more"), key->rgb);

          markup = g_strdup_printf ("<span fgalpha=\"60%%\">%s</span>", more);
        }
      else
        {
          g_autofree char *name = g_markup_escape_text (key->name, -1);

          markup = g_strdup_printf ("<span foreground=\"#%06x\">●</span>\u2009"
                                    "<span fgalpha=\"75%%\">%s</span>", key->rgb, name);
        }

      layout = gutter_label (gutter, markup, PANGO_WEIGHT_NORMAL, width - label_x - 4, PANGO_ALIGN_LEFT);
      if (g_hash_table_size (gutter->code_labels) > 2000)
        g_hash_table_remove_all (gutter->code_labels);
      g_hash_table_insert (gutter->code_labels, g_memdup2 (key, sizeof *key), g_object_ref (layout));
    }
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (label_x, y));
  gtk_snapshot_append_layout (snapshot, layout, fg);
  gtk_snapshot_restore (snapshot);
}

static void
snapshot_stripes (GlossTextGutter *gutter,
                  GtkSnapshot     *snapshot)
{
  GlossTextView *self = gutter->view;
  GtkWidget *widget = GTK_WIDGET (gutter);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int label_x = 10 + MAX_LANES * STRIPE_PITCH;
  PangoLayout *layout;
  GArray *stripes = gutter->stripes;
  GtkSnapshot *moved;
  GskRenderNode *node;
  int dy;
  int lane_end[MAX_LANES];
  int next_label_y = G_MININT;
  int line_height = 0;
  gint64 vis_start;
  GdkRGBA fg;
  GArray *scene;

  get_fg_color (widget, &fg);
  scene = get_scene (self);
  vis_start = self->scene_start;
  if (scene->len == 0)
    return;

  for (guint l = 0; l < MAX_LANES; l++)
    lane_end[l] = G_MININT;

  /* Buffer to margin coordinates is one shift for the whole frame. */
  dy = gutter_y (gutter, 0);
  g_array_set_size (stripes, 0);

  for (guint i = 0; i < scene->len; i++)
    {
      const SceneSpan *scene_span = &g_array_index (scene, SceneSpan, i);
      const SpanInfo *info = scene_span->info;
      const LineRect *first, *last;
      Stripe stripe = { info, 0, 0, MAX_LANES - 1 };

      first = scene_rect (self, scene_span, 0);
      last = scene_rect (self, scene_span, scene_span->n_rects - 1);
      stripe.y0 = first->rect.y + dy;
      stripe.y1 = last->rect.y + last->rect.height + dy;

      for (guint l = 0; l < MAX_LANES; l++)
        {
          if (lane_end[l] < stripe.y0)
            {
              stripe.lane = l;
              break;
            }
        }
      lane_end[stripe.lane] = MAX (lane_end[stripe.lane], stripe.y1 + 1);
      g_array_append_val (stripes, stripe);
    }


  /* Lanes never overlap, so each lane can be drawn on its own, and where
   * one colour continues down a lane it is one rectangle. */
  g_array_set_size (self->bands, 0);
  for (guint i = 0; i < stripes->len; i++)
    {
      const Stripe *stripe = &g_array_index (stripes, Stripe, i);
      const SpanInfo *info = stripe->info;
      gboolean selected = self->selected != 0 && info->span.annotation == self->selected;
      Band band;

      band.row = (int) stripe->lane;
      band.order = i;
      band.rect = GRAPHENE_RECT_INIT (4 + (int) stripe->lane * STRIPE_PITCH, stripe->y0,
                                      selected ? STRIPE_WIDTH + 1 : STRIPE_WIDTH,
                                      MAX (stripe->y1 - stripe->y0, 2));
      band.color = &info->span.color;
      g_array_append_val (self->bands, band);
    }
  /* The margin is clipped to its height: a paragraph's stripes above or
   * below it need no rectangles.  They are drawn apart with the scroll
   * taken out and placed with one translation: when a scroll moves them
   * all, comparing this frame with the last sees one moved node, not
   * each rectangle moved one by one.  The pixels are the same. */
  moved = gtk_snapshot_new ();
  gtk_snapshot_translate (moved, &GRAPHENE_POINT_INIT (0, -dy));
  flush_merged (self, moved, TRUE, &GRAPHENE_RECT_INIT (-1, -1, width + 2, height + 2));
  node = gtk_snapshot_free_to_node (moved);
  if (node != NULL)
    {
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, dy));
      gtk_snapshot_append_node (snapshot, node);
      gtk_snapshot_restore (snapshot);
      gsk_render_node_unref (node);
    }

  /* Where codes start, their names stacked beside the stripes, each after
   * a dot of its colour, as far down as the next group allows; what does
   * not fit is counted. */
  layout = gutter_label (gutter, "Xy", PANGO_WEIGHT_NORMAL, width - label_x - 4, PANGO_ALIGN_LEFT);
  pango_layout_get_pixel_size (layout, NULL, &line_height);

  for (guint i = 0; i < stripes->len;)
    {
      const Stripe *head = &g_array_index (stripes, Stripe, i);
      GPtrArray *names = gutter->names;
      GArray *colors = gutter->colors;
      int bottom = head->y1;
      int limit, y;
      guint j, shown;

      g_ptr_array_set_size (names, 0);
      g_array_set_size (colors, 0);
      for (j = i; j < stripes->len && g_array_index (stripes, Stripe, j).y0 == head->y0; j++)
        {
          const Stripe *stripe = &g_array_index (stripes, Stripe, j);
          const SpanInfo *info = stripe->info;

          bottom = MAX (bottom, stripe->y1);
          if (info->span.label == NULL || info->span.start < vis_start
              || g_ptr_array_find (names, info->span.label, NULL))
            continue;
          g_ptr_array_add (names, (gpointer) info->span.label);
          g_array_append_val (colors, info->span.color);
        }

      /* Down to the next group's labels, or a little past the stripes. */
      limit = MAX (bottom, head->y0 + line_height) + line_height;
      if (j < stripes->len)
        limit = MIN (limit, g_array_index (stripes, Stripe, j).y0);
      y = MAX (head->y0, next_label_y);

      for (shown = 0; shown < names->len && y + line_height <= MAX (limit, y + (shown == 0 ? line_height : 0)); shown++)
        {
          const GdkRGBA *color = &g_array_index (colors, GdkRGBA, shown);
          gboolean last_line = shown + 1 < names->len && y + 2 * line_height > limit;
          CodeLabel key;

          if (last_line)
            {
              key.name = NULL;
              key.rgb = names->len - shown;
            }
          else
            {
              key.name = g_ptr_array_index (names, shown);
              key.rgb = ((guint32) (color->red * 255 + 0.5) << 16) | ((guint32) (color->green * 255 + 0.5) << 8)
                        | (guint32) (color->blue * 255 + 0.5);
            }

          /* Only what the margin's clip lets show. */
          if (y <= height + line_height && y + 2 * line_height >= 0)
            append_code_label (gutter, snapshot, &key, last_line, label_x, y, &fg);
          y += line_height;
          if (last_line)
            break;
        }
      next_label_y = MAX (next_label_y, y);

      i = j;
    }
}

static void
gloss_text_gutter_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  GlossTextGutter *gutter = GLOSS_TEXT_GUTTER (widget);

  if (gutter->view == NULL)
    return;

  gtk_snapshot_push_clip (snapshot,
                          &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                               gtk_widget_get_height (widget)));
  if (gutter->side == GTK_TEXT_WINDOW_LEFT)
    snapshot_speakers (gutter, snapshot);
  else
    snapshot_stripes (gutter, snapshot);
  gtk_snapshot_pop (snapshot);
}

static void
gloss_text_gutter_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  GlossTextGutter *gutter = GLOSS_TEXT_GUTTER (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = gutter->side == GTK_TEXT_WINDOW_LEFT ? LEFT_GUTTER : RIGHT_GUTTER;
  else
    *minimum = *natural = 0;
}

static void gloss_text_gutter_finalize (GObject *object);

static void
gloss_text_gutter_class_init (GlossTextGutterClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = gloss_text_gutter_finalize;
  widget_class->snapshot = gloss_text_gutter_snapshot;
  widget_class->measure = gloss_text_gutter_measure;
  gtk_widget_class_set_css_name (widget_class, "glossgutter");
}

static void
forget_labels (GlossTextGutter *gutter)
{
  g_hash_table_remove_all (gutter->labels);
  g_hash_table_remove_all (gutter->code_labels);
}

static void
gloss_text_gutter_finalize (GObject *object)
{
  GlossTextGutter *gutter = GLOSS_TEXT_GUTTER (object);

  g_clear_pointer (&gutter->labels, g_hash_table_unref);
  g_clear_pointer (&gutter->code_labels, g_hash_table_unref);
  g_clear_pointer (&gutter->names, g_ptr_array_unref);
  g_clear_pointer (&gutter->stripes, g_array_unref);
  g_clear_pointer (&gutter->colors, g_array_unref);

  G_OBJECT_CLASS (gloss_text_gutter_parent_class)->finalize (object);
}

static void
gloss_text_gutter_init (GlossTextGutter *gutter)
{
  GtkSettings *settings = gtk_settings_get_default ();

  gtk_widget_set_can_target (GTK_WIDGET (gutter), FALSE);
  gutter->labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  gutter->code_labels = g_hash_table_new_full (code_label_hash, code_label_equal, g_free, g_object_unref);
  gutter->names = g_ptr_array_new ();
  gutter->stripes = g_array_new (FALSE, FALSE, sizeof (Stripe));
  gutter->colors = g_array_new (FALSE, FALSE, sizeof (GdkRGBA));

  /* Labels are shaped with the font of the moment. */
  if (settings != NULL)
    {
      g_signal_connect_object (settings, "notify::gtk-font-name", G_CALLBACK (forget_labels), gutter, G_CONNECT_SWAPPED);
      g_signal_connect_object (settings, "notify::gtk-xft-dpi", G_CALLBACK (forget_labels), gutter, G_CONNECT_SWAPPED);
    }
}

static GtkWidget *
gloss_text_gutter_new (GlossTextView     *view,
                       GtkTextWindowType  side)
{
  GlossTextGutter *gutter = g_object_new (gloss_text_gutter_get_type (), NULL);

  gutter->view = view;
  gutter->side = side;
  gtk_widget_add_css_class (GTK_WIDGET (gutter), side == GTK_TEXT_WINDOW_LEFT ? "speakers" : "codes");
  return GTK_WIDGET (gutter);
}

static void
queue_redraw (GlossTextView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  gtk_widget_queue_draw (self->left_gutter);
  gtk_widget_queue_draw (self->right_gutter);
}

/* Interaction ------------------------------------------------------------- */

static gboolean
offset_at_point (GlossTextView *self,
                 double         x,
                 double         y,
                 gint64        *offset)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GtkTextIter iter;
  GdkRectangle location;
  int bx, by;

  gtk_text_view_window_to_buffer_coords (view, GTK_TEXT_WINDOW_WIDGET, (int) x, (int) y, &bx, &by);
  if (!gtk_text_view_get_iter_at_location (view, &iter, bx, by))
    return FALSE;

  /* Past the end of a line, or in the spacing under it beyond the bands. */
  gtk_text_view_get_iter_location (view, &iter, &location);
  if (bx < location.x || bx > location.x + location.width
      || by < location.y
      || by > location.y + location.height + BAND_TOP + (int) self->n_bands * (BAND_HEIGHT + BAND_GAP))
    return FALSE;

  *offset = gtk_text_iter_get_offset (&iter);
  return TRUE;
}

static gboolean
gloss_text_view_query_tooltip (GtkWidget  *widget,
                               int         x,
                               int         y,
                               gboolean    keyboard_mode,
                               GtkTooltip *tooltip)
{
  GlossTextView *self = GLOSS_TEXT_VIEW (widget);
  g_autoptr(GString) markup = NULL;
  g_autoptr(GArray) annotations = NULL;
  gint64 offset;
  guint shown = 0;

  if (keyboard_mode)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
      GtkTextIter iter;

      gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
      offset = gtk_text_iter_get_offset (&iter);
    }
  else if (!offset_at_point (self, x, y, &offset))
    return FALSE;

  annotations = gloss_text_view_get_annotations_at (self, offset);
  if (annotations->len == 0)
    return FALSE;

  markup = g_string_new (NULL);
  for (guint i = 0; i < annotations->len && shown < 4; i++, shown++)
    {
      g_autoptr(GArray) spans = gloss_text_view_get_spans_of (self, g_array_index (annotations, gint64, i));

      if (markup->len > 0)
        g_string_append_c (markup, '\n');
      for (guint j = 0; j < spans->len; j++)
        {
          const GlossTextSpan *span = &g_array_index (spans, GlossTextSpan, j);
          g_autofree char *color = g_strdup_printf ("#%02x%02x%02x",
                                                    (int) (span->color.red * 255 + 0.5),
                                                    (int) (span->color.green * 255 + 0.5),
                                                    (int) (span->color.blue * 255 + 0.5));
          g_autofree char *name = g_markup_escape_text (span->label ? span->label : "?", -1);

          g_string_append_printf (markup, "%s<span foreground=\"%s\">●</span> %s",
                                  j > 0 ? "  " : "", color, name);
        }
    }
  if (annotations->len > shown)
    {
      g_string_append_c (markup, '\n');
      g_string_append_printf (markup,
                              g_dngettext (GETTEXT_PACKAGE, "and %u more annotation",
                                           "and %u more annotations",
                                           annotations->len - shown),
                              annotations->len - shown);
    }

  gtk_tooltip_set_markup (tooltip, markup->str);
  return TRUE;
}

static gboolean
on_legacy_event_cb (GtkEventControllerLegacy *controller,
                    GdkEvent                 *event,
                    GlossTextView            *self)
{
  GdkEventType type = gdk_event_get_event_type (event);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  g_autoptr(GArray) candidates = NULL;
  GtkNative *native;
  double x, y, nx = 0, ny = 0;
  gint64 offset;

  if ((type != GDK_BUTTON_PRESS && type != GDK_BUTTON_RELEASE)
      || gdk_button_event_get_button (event) != GDK_BUTTON_PRIMARY)
    return GDK_EVENT_PROPAGATE;

  if (!gdk_event_get_position (event, &x, &y))
    return GDK_EVENT_PROPAGATE;

  /* Event positions are relative to the surface, which includes the
   * native's shadow: first into the native's coordinates, then ours. */
  native = gtk_widget_get_native (GTK_WIDGET (self));
  gtk_native_get_surface_transform (native, &nx, &ny);
  if (!gtk_widget_translate_coordinates (GTK_WIDGET (native), GTK_WIDGET (self),
                                         x - nx, y - ny, &x, &y))
    return GDK_EVENT_PROPAGATE;

  if (type == GDK_BUTTON_PRESS)
    {
      self->press_x = x;
      self->press_y = y;
      return GDK_EVENT_PROPAGATE;
    }

  if (ABS (x - self->press_x) > 4 || ABS (y - self->press_y) > 4
      || gtk_text_buffer_get_has_selection (buffer))
    return GDK_EVENT_PROPAGATE;

  if (!offset_at_point (self, x, y, &offset))
    {
      gloss_text_view_set_selected_annotation (self, 0);
      return GDK_EVENT_PROPAGATE;
    }

  candidates = gloss_text_view_get_annotations_at (self, offset);
  if (candidates->len == 0)
    {
      gloss_text_view_set_selected_annotation (self, 0);
      return GDK_EVENT_PROPAGATE;
    }

  /* Clicking again where spans overlap steps through them, innermost first. */
  if (offset == self->last_click_offset)
    self->click_cycle++;
  else
    self->click_cycle = 0;
  self->last_click_offset = offset;

  gloss_text_view_set_selected_annotation (self,
                                           g_array_index (candidates, gint64,
                                                          self->click_cycle % candidates->len));
  g_signal_emit (self, signals[ANNOTATION_ACTIVATED], 0, self->selected);

  return GDK_EVENT_PROPAGATE;
}

static void
on_adjustment_changed_cb (GtkAdjustment *adjustment,
                          GlossTextView *self)
{
  gtk_widget_queue_draw (self->left_gutter);
  gtk_widget_queue_draw (self->right_gutter);
}

/* While GTK lays out the lines below the screen in the background only
 * the upper bound grows: nothing on screen moved, nothing to redraw. */
static void
on_adjustment_bounds_changed_cb (GtkAdjustment *adjustment,
                                 GlossTextView *self)
{
  double page = gtk_adjustment_get_page_size (adjustment);

  if (page == self->page_size)
    return;

  self->page_size = page;
  on_adjustment_changed_cb (adjustment, self);
}

static void
on_vadjustment_notify_cb (GlossTextView *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self));

  if (adjustment == self->vadjustment)
    return;

  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->vadjustment, self);
  g_set_object (&self->vadjustment, adjustment);
  if (adjustment != NULL)
    {
      g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (on_adjustment_changed_cb), self, 0);
      g_signal_connect_object (adjustment, "changed", G_CALLBACK (on_adjustment_bounds_changed_cb), self, 0);
    }
}

static void
update_tag_colors (GlossTextView *self)
{
  GdkRGBA dim;

  if (is_dark ())
    gdk_rgba_parse (&dim, "rgba(255,255,255,0.55)");
  else
    gdk_rgba_parse (&dim, "rgba(0,0,0,0.50)");
  g_object_set (self->segment_tags[GLOSS_SEGMENT_LINK], "foreground-rgba", &dim, NULL);
}

static void
on_font_changed_cb (GlossTextView *self)
{
  forget_geometry (self);
  queue_redraw (self);
}

static void
on_dark_changed_cb (GlossTextView *self)
{
  update_tag_colors (self);
  queue_redraw (self);
}

static int comparison_height (GlossTextView *self);

static void
update_spacing (GlossTextView *self)
{
  int below = BAND_TOP + (int) self->n_bands * (BAND_HEIGHT + BAND_GAP) + 3;

  below += comparison_height (self);

  gtk_text_view_set_pixels_below_lines (GTK_TEXT_VIEW (self), below);
  gtk_text_view_set_pixels_inside_wrap (GTK_TEXT_VIEW (self), below);
}

static void
update_zoom (GlossTextView *self)
{
  g_autofree char *css = NULL;
  char size[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (size, sizeof size, "%.1f", BASE_FONT_PT * self->zoom);
  css = g_strdup_printf ("textview.gloss-text { font-size: %spt; }", size);
  gtk_css_provider_load_from_data (self->zoom_provider, css, -1);
}

/* GObject ----------------------------------------------------------------- */

static void snapshot_comparison (GlossTextView *self,
                                 GtkSnapshot   *snapshot);

static void
gloss_text_view_snapshot_layer (GtkTextView      *view,
                                GtkTextViewLayer  layer,
                                GtkSnapshot      *snapshot)
{
  if (layer == GTK_TEXT_VIEW_LAYER_BELOW_TEXT)
    {
      GtkSnapshot *below = gtk_snapshot_new ();
      GskRenderNode *node;

      /* Drawn apart, in buffer coordinates, and placed with one
       * translation: when a scroll moves them all, comparing this frame
       * with the last sees one moved node, not each of its hundreds of
       * rectangles moved one by one.  The pixels are the same. */
      snapshot_highlights (GLOSS_TEXT_VIEW (view), below);
      snapshot_comparison (GLOSS_TEXT_VIEW (view), below);
      node = gtk_snapshot_free_to_node (below);
      if (node != NULL)
        {
          gtk_snapshot_append_node (snapshot, node);
          gsk_render_node_unref (node);
        }
    }
}

static void
gloss_text_view_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  GlossTextView *self = GLOSS_TEXT_VIEW (widget);

  /* A new width rewraps every paragraph. */
  if (width != self->layout_width)
    {
      self->layout_width = width;
      forget_geometry (self);
    }

  GTK_WIDGET_CLASS (gloss_text_view_parent_class)->size_allocate (widget, width, height, baseline);
  for (guint i = 0; i < self->popovers->len; i++)
    gtk_popover_present (g_ptr_array_index (self->popovers, i));
  gtk_widget_queue_draw (self->left_gutter);
  gtk_widget_queue_draw (self->right_gutter);
}

static void
gloss_text_view_dispose (GObject *object)
{
  GlossTextView *self = GLOSS_TEXT_VIEW (object);

  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->vadjustment, self);
  g_clear_object (&self->vadjustment);
  g_clear_handle_id (&self->consolidate_id, g_source_remove);
  g_clear_handle_id (&self->ahead_id, g_source_remove);
  if (self->scroll_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->scroll_tick_id);
      self->scroll_tick_id = 0;
    }
  if (self->popovers != NULL)
    {
      for (guint i = 0; i < self->popovers->len; i++)
        gtk_widget_unparent (g_ptr_array_index (self->popovers, i));
      g_clear_pointer (&self->popovers, g_ptr_array_unref);
    }

  G_OBJECT_CLASS (gloss_text_view_parent_class)->dispose (object);
}

static void
gloss_text_view_finalize (GObject *object)
{
  GlossTextView *self = GLOSS_TEXT_VIEW (object);

  g_clear_object (&self->zoom_provider);
  g_clear_pointer (&self->layers, g_ptr_array_unref);
  g_clear_pointer (&self->segments, g_array_unref);
  g_clear_pointer (&self->scratch, g_array_unref);
  g_clear_pointer (&self->visible, g_ptr_array_unref);
  g_clear_pointer (&self->overlay, g_hash_table_unref);
  g_clear_pointer (&self->rects, g_array_unref);
  g_clear_pointer (&self->geometry, g_hash_table_unref);
  g_clear_pointer (&self->para_tops, g_hash_table_unref);
  g_clear_pointer (&self->lines, g_hash_table_unref);
  g_clear_pointer (&self->frame_lines, g_array_unref);
  g_clear_pointer (&self->ahead_lines, g_array_unref);
  g_clear_pointer (&self->scene, g_array_unref);
  g_clear_pointer (&self->scene_rects, g_array_unref);
  g_clear_pointer (&self->bands, g_array_unref);
  g_clear_pointer (&self->edges, g_array_unref);
  g_clear_pointer (&self->comparison, g_array_unref);

  G_OBJECT_CLASS (gloss_text_view_parent_class)->finalize (object);
}

static void
gloss_text_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  GlossTextView *self = GLOSS_TEXT_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED_ANNOTATION:
      g_value_set_int64 (value, self->selected);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_SNAP_TO_WORDS:
      g_value_set_boolean (value, self->snap_to_words);
      break;
    case PROP_N_BANDS:
      g_value_set_uint (value, self->n_bands);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gloss_text_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  GlossTextView *self = GLOSS_TEXT_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED_ANNOTATION:
      gloss_text_view_set_selected_annotation (self, g_value_get_int64 (value));
      break;
    case PROP_ZOOM:
      gloss_text_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_SNAP_TO_WORDS:
      gloss_text_view_set_snap_to_words (self, g_value_get_boolean (value));
      break;
    case PROP_N_BANDS:
      gloss_text_view_set_n_bands (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Assistive technology: the highlights are painted, so a screen reader
 * cannot see them.  The codes of the annotations under the cursor become
 * the view's accessible description ("Codes: Russia, cooperative"; the
 * annotations are separated by semicolons), kept up to date as the cursor
 * moves and as the spans change. */
static void
update_accessible_description (GlossTextView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  g_autoptr(GString) codes = g_string_new (NULL);
  g_autoptr(GArray) here = NULL;
  g_autofree char *description = NULL;
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  here = gloss_text_view_get_annotations_at (self, gtk_text_iter_get_offset (&iter));
  for (guint i = 0; i < here->len; i++)
    {
      g_autoptr(GArray) spans = gloss_text_view_get_spans_of (self, g_array_index (here, gint64, i));
      gboolean first = TRUE;

      for (guint j = 0; j < spans->len; j++)
        {
          const char *label = g_array_index (spans, GlossTextSpan, j).label;

          if (label == NULL)
            continue;
          if (codes->len > 0)
            g_string_append (codes, first ? "; " : ", ");
          g_string_append (codes, label);
          first = FALSE;
        }
    }

  /* TRANSLATORS: read by screen readers; %s is a list of code names */
  description = codes->len > 0 ? g_strdup_printf (_("Codes: %s"), codes->str) : g_strdup ("");
  if (g_strcmp0 (g_object_get_data (G_OBJECT (self), "gloss-a11y-description"), description) == 0)
    return;

  if (*description != '\0')
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  g_object_set_data_full (G_OBJECT (self), "gloss-a11y-description", g_steal_pointer (&description), g_free);
}

static void
on_buffer_mark_set_cb (GtkTextBuffer     *buffer,
                       const GtkTextIter *location,
                       GtkTextMark       *mark,
                       GlossTextView     *self)
{
  if (mark == gtk_text_buffer_get_insert (buffer))
    update_accessible_description (self);
}

static void
gloss_text_view_class_init (GlossTextViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkTextViewClass *text_view_class = GTK_TEXT_VIEW_CLASS (klass);

  object_class->dispose = gloss_text_view_dispose;
  object_class->finalize = gloss_text_view_finalize;
  object_class->get_property = gloss_text_view_get_property;
  object_class->set_property = gloss_text_view_set_property;

  widget_class->size_allocate = gloss_text_view_size_allocate;
  widget_class->query_tooltip = gloss_text_view_query_tooltip;

  text_view_class->snapshot_layer = gloss_text_view_snapshot_layer;

  /**
   * GlossTextView:selected-annotation:
   *
   * The id of the annotation drawn as selected, 0 for none.
   */
  properties[PROP_SELECTED_ANNOTATION] =
    g_param_spec_int64 ("selected-annotation", NULL, NULL,
                        0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * GlossTextView:zoom:
   *
   * The text size relative to the default.
   */
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL,
                         MIN_ZOOM, MAX_ZOOM, 1.0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * GlossTextView:snap-to-words:
   *
   * Whether gloss_text_view_get_selection_range() widens the selection to
   * whole words and trims surrounding white space.
   */
  properties[PROP_SNAP_TO_WORDS] =
    g_param_spec_boolean ("snap-to-words", NULL, NULL,
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * GlossTextView:n-bands:
   *
   * How many band rows are kept free under each line: one per dimension.
   */
  properties[PROP_N_BANDS] =
    g_param_spec_uint ("n-bands", NULL, NULL,
                       1, 8, 3,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * GlossTextView::annotation-activated:
   * @annotation: the annotation's id
   *
   * A highlight was clicked; the annotation is now the selected one.
   */
  signals[ANNOTATION_ACTIVATED] =
    g_signal_new ("annotation-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
gloss_text_view_init (GlossTextView *self)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkEventController *legacy;

  self->layers = g_ptr_array_new_with_free_func ((GDestroyNotify) layer_free);
  self->segments = g_array_new (FALSE, FALSE, sizeof (Segment));
  g_array_set_clear_func (self->segments, segment_clear);
  self->scratch = g_array_new (FALSE, FALSE, sizeof (guint));
  self->visible = g_ptr_array_new ();
  self->popovers = g_ptr_array_new ();
  self->overlay = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) g_array_unref);
  self->rects = g_array_new (FALSE, FALSE, sizeof (LineRect));
  self->geometry = g_hash_table_new_full (range_key_hash, range_key_equal, g_free, (GDestroyNotify) g_array_unref);
  self->para_tops = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->lines = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify) display_line_free);
  self->frame_lines = g_array_new (FALSE, FALSE, sizeof (DisplayLine));
  self->ahead_lines = g_array_new (FALSE, FALSE, sizeof (DisplayLine));
  self->range_frame = -1;
  self->para_frame = -1;
  self->scene = g_array_new (FALSE, FALSE, sizeof (SceneSpan));
  self->scene_rects = g_array_new (FALSE, FALSE, sizeof (LineRect));
  self->bands = g_array_new (FALSE, FALSE, sizeof (Band));
  self->edges = g_array_new (FALSE, FALSE, sizeof (float));
  self->scene_frame = -1;
  self->n_bands = 3;
  self->zoom = 1.0;
  self->snap_to_words = TRUE;
  self->last_click_offset = -1;

  gtk_text_buffer_set_enable_undo (buffer, FALSE);
  gtk_text_view_set_editable (view, FALSE);
  gtk_text_view_set_cursor_visible (view, TRUE);
  gtk_text_view_set_wrap_mode (view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (view, 24);
  gtk_text_view_set_bottom_margin (view, 48);
  gtk_text_view_set_left_margin (view, 12);
  gtk_text_view_set_right_margin (view, 12);
  gtk_widget_add_css_class (GTK_WIDGET (self), "gloss-text");
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  update_spacing (self);

  self->segment_tags[GLOSS_SEGMENT_QUESTION] =
    gtk_text_buffer_create_tag (buffer, "question",
                                "weight", 600,
                                "pixels-above-lines", 14,
                                NULL);
  self->segment_tags[GLOSS_SEGMENT_ANSWER] =
    gtk_text_buffer_create_tag (buffer, "answer", NULL);
  self->segment_tags[GLOSS_SEGMENT_HEADING] =
    gtk_text_buffer_create_tag (buffer, "heading",
                                "weight", PANGO_WEIGHT_BOLD,
                                "scale", 1.3,
                                NULL);
  self->segment_tags[GLOSS_SEGMENT_LINK] =
    gtk_text_buffer_create_tag (buffer, "link",
                                "scale", 0.9,
                                "style", PANGO_STYLE_ITALIC,
                                NULL);
  self->segment_tags[GLOSS_SEGMENT_OTHER] =
    gtk_text_buffer_create_tag (buffer, "other", NULL);
  update_tag_colors (self);

  self->zoom_provider = gtk_css_provider_new ();
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_add_provider (gtk_widget_get_style_context (GTK_WIDGET (self)),
                                  GTK_STYLE_PROVIDER (self->zoom_provider),
                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 1);
  G_GNUC_END_IGNORE_DEPRECATIONS
  update_zoom (self);

  self->left_gutter = gloss_text_gutter_new (self, GTK_TEXT_WINDOW_LEFT);
  self->right_gutter = gloss_text_gutter_new (self, GTK_TEXT_WINDOW_RIGHT);
  gtk_text_view_set_gutter (view, GTK_TEXT_WINDOW_LEFT, self->left_gutter);
  gtk_text_view_set_gutter (view, GTK_TEXT_WINDOW_RIGHT, self->right_gutter);

  legacy = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (legacy, GTK_PHASE_CAPTURE);
  g_signal_connect (legacy, "event", G_CALLBACK (on_legacy_event_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), legacy);

  g_signal_connect (self, "notify::vadjustment", G_CALLBACK (on_vadjustment_notify_cb), NULL);
  if (gtk_settings_get_default () != NULL)
    {
      /* Another font lays every line out again. */
      g_signal_connect_object (gtk_settings_get_default (), "notify::gtk-font-name",
                               G_CALLBACK (on_font_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (gtk_settings_get_default (), "notify::gtk-xft-dpi",
                               G_CALLBACK (on_font_changed_cb), self, G_CONNECT_SWAPPED);
    }
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_dark_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (buffer, "mark-set", G_CALLBACK (on_buffer_mark_set_cb), self, 0);
}

/* Public API -------------------------------------------------------------- */

/**
 * gloss_text_view_new:
 *
 * Returns: (transfer floating): a new, empty text view
 */
GtkWidget *
gloss_text_view_new (void)
{
  return g_object_new (GLOSS_TYPE_TEXT_VIEW, NULL);
}

/**
 * gloss_text_view_set_document:
 * @text: the document's text, valid UTF-8
 * @segments: (nullable) (element-type GlossSegment): its interview
 *   structure, sorted and not overlapping
 *
 * Shows a new text.  The spans are cleared.
 */
void
gloss_text_view_set_document (GlossTextView *self,
                              const char    *text,
                              GPtrArray     *segments)
{
  GtkTextBuffer *buffer;
  GtkTextIter start;
  const char *previous_speaker = NULL;
  gint64 length;

  g_return_if_fail (GLOSS_IS_TEXT_VIEW (self));
  g_return_if_fail (text != NULL);

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  gloss_text_view_set_spans (self, NULL);
  g_array_set_size (self->segments, 0);

  forget_geometry (self);
  gtk_text_buffer_set_text (buffer, text, -1);
  length = gtk_text_buffer_get_char_count (buffer);

  for (guint i = 0; segments != NULL && i < segments->len; i++)
    {
      const GlossSegment *source = g_ptr_array_index (segments, i);
      Segment segment = { 0, };
      GtkTextIter a, b;

      if (source->start < 0 || source->end > length || source->start >= source->end
          || source->kind > GLOSS_SEGMENT_OTHER)
        continue;

      segment.start = source->start;
      segment.end = source->end;
      segment.kind = source->kind;
      segment.speaker = g_strdup (source->speaker);
      if (segment.kind == GLOSS_SEGMENT_QUESTION || segment.kind == GLOSS_SEGMENT_ANSWER)
        {
          segment.new_turn = g_strcmp0 (previous_speaker, segment.speaker) != 0;
          previous_speaker = source->speaker;
        }
      g_array_append_val (self->segments, segment);

      get_iter (self, segment.start, &a);
      get_iter (self, segment.end, &b);
      gtk_text_buffer_apply_tag (buffer, self->segment_tags[segment.kind], &a, &b);
    }

  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
  self->last_click_offset = -1;
  queue_redraw (self);
}

static int
compare_span_info (gconstpointer a,
                   gconstpointer b)
{
  const SpanInfo *sa = a;
  const SpanInfo *sb = b;

  if (sa->span.annotation != sb->span.annotation)
    return sa->span.annotation < sb->span.annotation ? -1 : 1;
  if (sa->span.dimension != sb->span.dimension)
    return sa->span.dimension < sb->span.dimension ? -1 : 1;
  return g_strcmp0 (sa->span.label, sb->span.label);
}

/* Marks the first span of each annotation and numbers the codes each
 * annotation has in one dimension; @spans is sorted by compare_span_info(). */
static void
compute_groups (GArray *spans)
{
  for (guint i = 0; i < spans->len; i++)
    {
      SpanInfo *info = &g_array_index (spans, SpanInfo, i);
      SpanInfo *prev = i > 0 ? &g_array_index (spans, SpanInfo, i - 1) : NULL;

      info->primary = prev == NULL || prev->span.annotation != info->span.annotation;
      info->sub = 0;
      if (prev != NULL && !info->primary && prev->span.dimension == info->span.dimension)
        info->sub = prev->sub + 1;
    }

  for (guint i = spans->len; i-- > 0;)
    {
      SpanInfo *info = &g_array_index (spans, SpanInfo, i);
      SpanInfo *next = i + 1 < spans->len ? &g_array_index (spans, SpanInfo, i + 1) : NULL;

      if (next != NULL && next->span.annotation == info->span.annotation
          && next->span.dimension == info->span.dimension)
        info->n_sub = next->n_sub;
      else
        info->n_sub = info->sub + 1;
    }
}

/* Takes @spans, sorts and indexes them. */
static Layer *
layer_new (GArray *spans)
{
  Layer *layer = g_new0 (Layer, 1);
  g_autofree GlossSpanIndexEntry *entries = NULL;

  g_array_sort (spans, compare_span_info);
  compute_groups (spans);

  entries = g_new (GlossSpanIndexEntry, MAX (spans->len, 1));
  for (guint i = 0; i < spans->len; i++)
    {
      const SpanInfo *info = &g_array_index (spans, SpanInfo, i);

      entries[i].start = info->span.start;
      entries[i].end = info->span.end;
      entries[i].id = i;
    }

  layer->spans = spans;
  layer->index = gloss_span_index_new (entries, spans->len);
  return layer;
}

/* The position in @layer of @annotation's first span, or G_MAXUINT. */
static guint
layer_find (const Layer *layer,
            gint64       annotation)
{
  guint lo = 0, hi = layer->spans->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (layer->spans, SpanInfo, mid).span.annotation < annotation)
        lo = mid + 1;
      else
        hi = mid;
    }

  if (lo < layer->spans->len && g_array_index (layer->spans, SpanInfo, lo).span.annotation == annotation)
    return lo;
  return G_MAXUINT;
}

/* Takes @spans as the only set and indexes it. */
static void
rebuild (GlossTextView *self,
         GArray        *spans)
{
  self->generation++;
  g_ptr_array_set_size (self->layers, 0);
  g_ptr_array_add (self->layers, layer_new (spans));
}

/* Whether the view has spans for @annotation, or knows it has none now
 * (it was updated to none). */
static gboolean
is_known (GlossTextView *self,
          gint64         annotation)
{
  if (g_hash_table_contains (self->overlay, &annotation))
    return TRUE;

  for (guint l = 0; l < self->layers->len; l++)
    if (layer_find (g_ptr_array_index (self->layers, l), annotation) != G_MAXUINT)
      return TRUE;

  return FALSE;
}

/* The valid spans of @spans as SpanInfo, with @annotation forced when not 0. */
static GArray *
import_spans (GlossTextView *self,
              GArray        *spans,
              gint64         annotation)
{
  gint64 length = gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)));
  GArray *infos = g_array_sized_new (FALSE, FALSE, sizeof (SpanInfo), spans != NULL ? spans->len : 0);

  for (guint i = 0; spans != NULL && i < spans->len; i++)
    {
      const GlossTextSpan *span = &g_array_index (spans, GlossTextSpan, i);
      SpanInfo info = { *span, 0, 1, FALSE };

      if (span->start < 0 || span->end > length || span->start >= span->end)
        continue;
      if (annotation != 0)
        info.span.annotation = annotation;
      g_array_append_val (infos, info);
    }

  return infos;
}

/**
 * gloss_text_view_set_spans:
 * @spans: (nullable) (element-type GlossTextSpan): the spans to paint; copied
 *
 * Replaces every highlight.  Spans outside the text are ignored.
 */
void
gloss_text_view_set_spans (GlossTextView *self,
                           GArray        *spans)
{
  g_return_if_fail (GLOSS_IS_TEXT_VIEW (self));
  g_return_if_fail (spans == NULL || g_array_get_element_size (spans) == sizeof (GlossTextSpan));

  g_clear_handle_id (&self->consolidate_id, g_source_remove);
  g_hash_table_remove_all (self->overlay);
  rebuild (self, import_spans (self, spans, 0));
  queue_redraw (self);
  update_accessible_description (self);
}

static gboolean consolidate_cb (gpointer user_data);

/* Whether any of @spans (SpanInfo) is on screen. */
static gboolean
touches_screen (GlossTextView *self,
                GArray        *spans)
{
  GdkRectangle visible;
  gint64 vis_start, vis_end;

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return FALSE;

  get_visible_range (self, &vis_start, &vis_end, &visible);
  for (guint i = 0; i < spans->len; i++)
    {
      const SpanInfo *info = &g_array_index (spans, SpanInfo, i);

      if (info->span.start < vis_end && info->span.end > vis_start)
        return TRUE;
    }
  return FALSE;
}

/**
 * gloss_text_view_add_spans:
 * @spans: (element-type GlossTextSpan): more spans to paint; copied
 *
 * Adds the highlights of annotations the view does not show yet, for a
 * long document whose annotations are read in steps.  Spans of an
 * annotation the view already has are ignored: what it has is as new.
 * Each step is indexed on its own, so adding costs what the step holds,
 * whatever the view already has.
 */
void
gloss_text_view_add_spans (GlossTextView *self,
                           GArray        *spans)
{
  GArray *infos;
  guint kept = 0;

  g_return_if_fail (GLOSS_IS_TEXT_VIEW (self));
  g_return_if_fail (spans != NULL && g_array_get_element_size (spans) == sizeof (GlossTextSpan));

  infos = import_spans (self, spans, 0);
  for (guint i = 0; i < infos->len; i++)
    {
      const SpanInfo *info = &g_array_index (infos, SpanInfo, i);

      if (!is_known (self, info->span.annotation))
        g_array_index (infos, SpanInfo, kept++) = *info;
    }
  g_array_set_size (infos, kept);

  if (infos->len == 0)
    {
      g_array_unref (infos);
      return;
    }

  g_ptr_array_add (self->layers, layer_new (infos));
  self->generation++;
  if (self->layers->len > 32 && self->consolidate_id == 0)
    self->consolidate_id = g_idle_add_full (G_PRIORITY_LOW, consolidate_cb, self, NULL);

  if (touches_screen (self, infos))
    {
      queue_redraw (self);
      update_accessible_description (self);
    }
}

/**
 * gloss_text_view_has_annotation:
 * @annotation: an annotation id
 *
 * Returns: whether the view paints @annotation
 */
gboolean
gloss_text_view_has_annotation (GlossTextView *self,
                                gint64         annotation)
{
  GArray *updated;

  g_return_val_if_fail (GLOSS_IS_TEXT_VIEW (self), FALSE);

  updated = g_hash_table_lookup (self->overlay, &annotation);
  if (updated != NULL)
    return updated->len > 0;

  for (guint l = 0; l < self->layers->len; l++)
    if (layer_find (g_ptr_array_index (self->layers, l), annotation) != G_MAXUINT)
      return TRUE;

  return FALSE;
}

/* Folds the updated annotations back into the index, off the hot path. */
static gboolean
consolidate_cb (gpointer user_data)
{
  GlossTextView *self = user_data;
  GArray *merged = g_array_new (FALSE, FALSE, sizeof (SpanInfo));
  GHashTableIter iter;
  gpointer value;

  self->consolidate_id = 0;

  for (guint l = 0; l < self->layers->len; l++)
    {
      const Layer *layer = g_ptr_array_index (self->layers, l);

      for (guint i = 0; i < layer->spans->len; i++)
        {
          const SpanInfo *info = &g_array_index (layer->spans, SpanInfo, i);

          if (!g_hash_table_contains (self->overlay, &info->span.annotation))
            g_array_append_val (merged, *info);
        }
    }

  g_hash_table_iter_init (&iter, self->overlay);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_array_append_vals (merged, ((GArray *) value)->data, ((GArray *) value)->len);

  g_hash_table_remove_all (self->overlay);
  rebuild (self, merged);
  return G_SOURCE_REMOVE;
}

/**
 * gloss_text_view_update_annotation:
 * @annotation: an annotation id
 * @spans: (nullable) (element-type GlossTextSpan): its spans now; %NULL
 *   or empty when it was deleted
 *
 * Replaces one annotation's highlights without re-indexing the others,
 * so tagging stays immediate on a document with many annotations.
 */
void
gloss_text_view_update_annotation (GlossTextView *self,
                                   gint64         annotation,
                                   GArray        *spans)
{
  GArray *infos;

  g_return_if_fail (GLOSS_IS_TEXT_VIEW (self));
  g_return_if_fail (annotation != 0);
  g_return_if_fail (spans == NULL || g_array_get_element_size (spans) == sizeof (GlossTextSpan));

  infos = import_spans (self, spans, annotation);
  g_array_sort (infos, compare_span_info);
  compute_groups (infos);
  g_hash_table_replace (self->overlay, g_memdup2 (&annotation, sizeof annotation), infos);
  self->generation++;

  if (g_hash_table_size (self->overlay) > 256 && self->consolidate_id == 0)
    self->consolidate_id = g_idle_add_full (G_PRIORITY_LOW, consolidate_cb, self, NULL);

  queue_redraw (self);
  update_accessible_description (self);
}

guint
gloss_text_view_get_n_spans (GlossTextView *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (GLOSS_IS_TEXT_VIEW (self), 0);

  for (guint l = 0; l < self->layers->len; l++)
    {
      const Layer *layer = g_ptr_array_index (self->layers, l);

      for (guint i = 0; i < layer->spans->len; i++)
        if (!g_hash_table_contains (self->overlay, &g_array_index (layer->spans, SpanInfo, i).span.annotation))
          n++;
    }

  g_hash_table_iter_init (&iter, self->overlay);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += ((GArray *) value)->len;

  return n;
}

guint
gloss_text_view_get_n_bands (GlossTextView *self)
{
  g_return_val_if_fail (GLOSS_IS_TEXT_VIEW (self), 0);

  return self->n_bands;
}

void
gloss_text_view_set_n_bands (GlossTextView *self,
                             guint          n_bands)
{
  g_return_if_fail (GLOSS_IS_TEXT_VIEW (self));

  n_bands = CLAMP (n_bands, 1, 8);
  if (n_bands == self->n_bands)
    return;

  self->n_bands = n_bands;
  update_spacing (self);
  forget_geometry (self);
  queue_redraw (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_BANDS]);
}

gint64
gloss_text_view_get_selected_annotation (GlossTextView *self)
{
  g_return_val_if_fail (GLOSS_IS_TEXT_VIEW (self), 0);

  return self->selected;
}

void
gloss_text_view_set_selected_annotation (GlossTextView *self,
                                         gint64         annotation)
{
  g_return_if_fail (GLOSS_IS_TEXT_VIEW (self));

  if (annotation == self->selected)
    return;

  self->selected = annotation;
  queue_redraw (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ANNOTATION]);
}

double
gloss_text_view_get_zoom (GlossTextView *self)
{
  g_return_val_if_fail (GLOSS_IS_TEXT_VIEW (self), 1.0);

  return self->zoom;
}

void
gloss_text_view_set_zoom (GlossTextView *self,
                          double         zoom)
{
  g_return_if_fail (GLOSS_IS_TEXT_VIEW (self));

  zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
  if (G_APPROX_VALUE (zoom, self->zoom, 0.001))
    return;

  self->zoom = zoom;
  update_zoom (self);
  forget_geometry (self);
  queue_redraw (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

gboolean
gloss_text_view_get_snap_to_words (GlossTextView *self)
{
  g_return_val_if_fail (GLOSS_IS_TEXT_VIEW (self), FALSE);

  return self->snap_to_words;
}

void
gloss_text_view_set_snap_to_words (GlossTextView *self,
                                   gboolean       snap_to_words)
{
  g_return_if_fail (GLOSS_IS_TEXT_VIEW (self));

  snap_to_words = !!snap_to_words;
  if (snap_to_words == self->snap_to_words)
    return;

  self->snap_to_words = snap_to_words;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAP_TO_WORDS]);
}

typedef struct
{
  gint64 annotation;
  gint64 length;
} Candidate;

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *ca = a;
  const Candidate *cb = b;

  if (ca->length != cb->length)
    return ca->length < cb->length ? -1 : 1;
  return (ca->annotation > cb->annotation) - (ca->annotation < cb->annotation);
}

/**
 * gloss_text_view_get_annotations_at:
 * @offset: a code point offset
 *
 * Returns: (transfer full) (element-type gint64): the ids of the
 *   annotations covering @offset, shortest span first
 */
GArray *
gloss_text_view_get_annotations_at (GlossTextView *self,
                                    gint64         offset)
{
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  GPtrArray *found;
  GArray *result;

  g_return_val_if_fail (GLOSS_IS_TEXT_VIEW (self), NULL);

  found = query_spans (self, offset, offset + 1);
  for (guint i = 0; i < found->len; i++)
    {
      const SpanInfo *info = g_ptr_array_index (found, i);
      Candidate candidate = { info->span.annotation, info->span.end - info->span.start };
      gboolean seen = FALSE;

      for (guint j = 0; j < candidates->len && !seen; j++)
        seen = g_array_index (candidates, Candidate, j).annotation == candidate.annotation;
      if (!seen)
        g_array_append_val (candidates, candidate);
    }

  g_array_sort (candidates, compare_candidates);
  result = g_array_sized_new (FALSE, FALSE, sizeof (gint64), candidates->len);
  for (guint i = 0; i < candidates->len; i++)
    g_array_append_val (result, g_array_index (candidates, Candidate, i).annotation);

  return result;
}

/**
 * gloss_text_view_get_spans_of:
 * @annotation: an annotation id
 *
 * Returns: (transfer full) (element-type GlossTextSpan): the spans of
 *   @annotation, by dimension
 */
GArray *
gloss_text_view_get_spans_of (GlossTextView *self,
                              gint64         annotation)
{
  GArray *result;
  GArray *updated;

  g_return_val_if_fail (GLOSS_IS_TEXT_VIEW (self), NULL);

  result = g_array_new (FALSE, FALSE, sizeof (GlossTextSpan));

  updated = g_hash_table_lookup (self->overlay, &annotation);
  if (updated != NULL)
    {
      for (guint i = 0; i < updated->len; i++)
        g_array_append_val (result, g_array_index (updated, SpanInfo, i).span);
      return result;
    }

  /* An annotation's spans are together in one layer, which is sorted by
   * annotation. */
  for (guint l = 0; l < self->layers->len; l++)
    {
      const Layer *layer = g_ptr_array_index (self->layers, l);
      guint first = layer_find (layer, annotation);

      if (first == G_MAXUINT)
        continue;
      for (guint i = first; i < layer->spans->len; i++)
        {
          const SpanInfo *info = &g_array_index (layer->spans, SpanInfo, i);

          if (info->span.annotation != annotation)
            break;
          g_array_append_val (result, info->span);
        }
      break;
    }

  return result;
}

/**
 * gloss_text_view_get_selection_range:
 * @start: (out): the first code point
 * @end: (out): the code point after the last one
 *
 * The selected text as an annotation would cover it: with
 * #GlossTextView:snap-to-words, widened to whole words and without
 * white space at either end.
 *
 * Returns: %FALSE when nothing (or only white space) is selected
 */
gboolean
gloss_text_view_get_selection_range (GlossTextView *self,
                                     gint64        *start,
                                     gint64        *end)
{
  GtkTextBuffer *buffer;
  GtkTextIter a, b;

  g_return_val_if_fail (GLOSS_IS_TEXT_VIEW (self), FALSE);

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  if (!gtk_text_buffer_get_selection_bounds (buffer, &a, &b))
    return FALSE;

  if (self->snap_to_words)
    {
      if (gtk_text_iter_inside_word (&a) && !gtk_text_iter_starts_word (&a))
        gtk_text_iter_backward_word_start (&a);
      if (gtk_text_iter_inside_word (&b) && !gtk_text_iter_starts_word (&b))
        gtk_text_iter_forward_word_end (&b);

      while (gtk_text_iter_compare (&a, &b) < 0 && g_unichar_isspace (gtk_text_iter_get_char (&a)))
        gtk_text_iter_forward_char (&a);
      while (gtk_text_iter_compare (&a, &b) < 0)
        {
          GtkTextIter prev = b;

          gtk_text_iter_backward_char (&prev);
          if (!g_unichar_isspace (gtk_text_iter_get_char (&prev)))
            break;
          b = prev;
        }
    }

  if (gtk_text_iter_compare (&a, &b) >= 0)
    return FALSE;

  if (start != NULL)
    *start = gtk_text_iter_get_offset (&a);
  if (end != NULL)
    *end = gtk_text_iter_get_offset (&b);
  return TRUE;
}

void
gloss_text_view_select_range (GlossTextView *self,
                              gint64         start,
                              gint64         end)
{
  GtkTextBuffer *buffer;
  GtkTextIter a, b;

  g_return_if_fail (GLOSS_IS_TEXT_VIEW (self));

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  get_iter (self, start, &a);
  get_iter (self, end, &b);
  gtk_text_buffer_select_range (buffer, &b, &a);
}

/**
 * gloss_text_view_get_range_rect:
 * @rect: (out): the bounding box in widget coordinates
 *
 * Returns: %FALSE when the range has nothing to draw
 */
gboolean
gloss_text_view_get_range_rect (GlossTextView *self,
                                gint64         start,
                                gint64         end,
                                GdkRectangle  *rect)
{
  GdkRectangle box = { 0, };

  g_return_val_if_fail (GLOSS_IS_TEXT_VIEW (self), FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  collect_line_rects (self, start, end, self->rects);
  if (self->rects->len == 0)
    return FALSE;

  box = g_array_index (self->rects, LineRect, 0).rect;
  for (guint i = 1; i < self->rects->len; i++)
    gdk_rectangle_union (&box, &g_array_index (self->rects, LineRect, i).rect, &box);

  gtk_text_view_buffer_to_window_coords (GTK_TEXT_VIEW (self), GTK_TEXT_WINDOW_WIDGET,
                                         box.x, box.y, &box.x, &box.y);
  *rect = box;
  return TRUE;
}

static void
scroll_to_target (GlossTextView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextMark *mark = gtk_text_buffer_get_mark (buffer, "gloss-scroll");
  GtkTextIter iter;

  /* The scroll may wait for the layout: the mark has to outlive this call. */
  get_iter (self, self->scroll_start, &iter);
  if (mark == NULL)
    mark = gtk_text_buffer_create_mark (buffer, "gloss-scroll", &iter, TRUE);
  else
    gtk_text_buffer_move_mark (buffer, mark, &iter);
  gtk_text_view_scroll_to_mark (GTK_TEXT_VIEW (self), mark, 0.1, FALSE, 0, 0);
}

/* A change of width (the inspector opening, a zoom) rewraps the text and
 * can push the target away after it was scrolled to: for a few frames,
 * scroll again whenever it is not on screen. */
static gboolean
keep_target_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  GlossTextView *self = GLOSS_TEXT_VIEW (widget);
  GdkRectangle visible, location;
  GtkTextIter iter;

  gtk_text_view_get_visible_rect (GTK_TEXT_VIEW (self), &visible);
  get_iter (self, self->scroll_start, &iter);
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (self), &iter, &location);
  if (location.y < visible.y || location.y + location.height > visible.y + visible.height)
    scroll_to_target (self);

  if (--self->scroll_frames > 0)
    return G_SOURCE_CONTINUE;

  self->scroll_tick_id = 0;
  return G_SOURCE_REMOVE;
}

void
gloss_text_view_scroll_to_range (GlossTextView *self,
                                 gint64         start,
                                 gint64         end)
{
  g_return_if_fail (GLOSS_IS_TEXT_VIEW (self));

  self->scroll_start = start;
  scroll_to_target (self);

  self->scroll_frames = 30;
  if (self->scroll_tick_id == 0)
    self->scroll_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), keep_target_cb, NULL, NULL);
}

/**
 * gloss_text_view_add_popover:
 * @popover: a #GtkPopover without a parent
 *
 * Makes the view the popover's parent, so it can point at text.  The view
 * keeps it until it is disposed.
 */
void
gloss_text_view_add_popover (GlossTextView *self,
                             GtkWidget     *popover)
{
  g_return_if_fail (GLOSS_IS_TEXT_VIEW (self));
  g_return_if_fail (GTK_IS_POPOVER (popover));
  g_return_if_fail (gtk_widget_get_parent (popover) == NULL);

  gtk_widget_set_parent (popover, GTK_WIDGET (self));
  g_ptr_array_add (self->popovers, popover);
}

/* Find matches ------------------------------------------------------------ */

/* Matches are painted with two text tags over the text's own background,
 * so they show above the annotation tints. */
static GtkTextTag *
ensure_match_tag (GlossTextView *self,
                  const char    *name,
                  gboolean       current)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), name);
  GdkRGBA color;

  if (tag == NULL)
    tag = gtk_text_buffer_create_tag (buffer, name, NULL);

  if (is_dark ())
    gdk_rgba_parse (&color, current ? "rgba(255,163,72,0.60)" : "rgba(246,211,45,0.35)");
  else
    gdk_rgba_parse (&color, current ? "rgba(255,120,0,0.50)" : "rgba(246,211,45,0.55)");
  g_object_set (tag, "background-rgba", &color, NULL);
  return tag;
}

/**
 * gloss_text_view_set_matches:
 * @ranges: (nullable) (element-type GlossTextRange): what a search found,
 *   in code points; %NULL or empty to clear
 * @current: the index in @ranges of the match in hand, or -1
 *
 * Paints search matches, the current one more strongly.
 */
void
gloss_text_view_set_matches (GlossTextView *self,
                             GArray        *ranges,
                             int            current)
{
  GtkTextBuffer *buffer;
  GtkTextTag *match_tag;
  GtkTextTag *current_tag;
  GtkTextIter start, end;

  g_return_if_fail (GLOSS_IS_TEXT_VIEW (self));

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  match_tag = ensure_match_tag (self, "gloss-find-match", FALSE);
  current_tag = ensure_match_tag (self, "gloss-find-current", TRUE);

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, match_tag, &start, &end);
  gtk_text_buffer_remove_tag (buffer, current_tag, &start, &end);

  for (guint i = 0; ranges != NULL && i < ranges->len; i++)
    {
      const GlossTextRange *range = &g_array_index (ranges, GlossTextRange, i);

      get_iter (self, range->start, &start);
      get_iter (self, range->end, &end);
      gtk_text_buffer_apply_tag (buffer, (int) i == current ? current_tag : match_tag, &start, &end);
    }
}

/* Comparison ---------------------------------------------------------------- */

/* While analysts' files are compared, each analyst's spans are drawn as a
 * thin bar in a lane of their own below the code bands, so the analysts'
 * spans over the same passage sit one above the other in their colours. */

#define COMPARE_HEIGHT 3
#define COMPARE_TOP    4   /* apart from the code bands above */

static int
comparison_height (GlossTextView *self)
{
  if (self->n_lanes == 0)
    return 0;
  return COMPARE_TOP + (int) self->n_lanes * (COMPARE_HEIGHT + BAND_GAP);
}

static void
snapshot_comparison (GlossTextView *self,
                     GtkSnapshot   *snapshot)
{
  GdkRectangle visible;
  gint64 vis_start, vis_end;
  int below;

  if (self->comparison == NULL || self->comparison->len == 0)
    return;

  get_visible_range (self, &vis_start, &vis_end, &visible);
  below = BAND_TOP + (int) self->n_bands * (BAND_HEIGHT + BAND_GAP) + COMPARE_TOP;

  for (guint i = 0; i < self->comparison->len; i++)
    {
      const GlossTextComparison *span = &g_array_index (self->comparison, GlossTextComparison, i);
      int lane_y = below + (int) MIN (span->lane, self->n_lanes - 1) * (COMPARE_HEIGHT + BAND_GAP);

      if (span->end <= vis_start || span->start >= vis_end)
        continue;

      collect_line_rects (self, MAX (span->start, vis_start), MIN (span->end, vis_end), self->rects);
      for (guint j = 0; j < self->rects->len; j++)
        {
          const LineRect *line = &g_array_index (self->rects, LineRect, j);

          append_rect (snapshot, &span->color, 1.0, line->rect.x,
                       line->rect.y + line->rect.height + lane_y, line->rect.width, COMPARE_HEIGHT);
        }
    }
}

/**
 * gloss_text_view_set_comparison:
 * @spans: (nullable) (element-type GlossTextComparison): the analysts'
 *   spans in this document, or %NULL to stop comparing
 * @n_lanes: how many analysts are compared: one lane each below the line
 *
 * Draws the analysts' spans side by side below the code bands, until it
 * is called again with %NULL.
 */
void
gloss_text_view_set_comparison (GlossTextView *self,
                                GArray        *spans,
                                guint          n_lanes)
{
  g_return_if_fail (GLOSS_IS_TEXT_VIEW (self));

  if (spans == NULL)
    n_lanes = 0;
  n_lanes = MIN (n_lanes, 8);

  g_clear_pointer (&self->comparison, g_array_unref);
  if (spans != NULL)
    {
      self->comparison = g_array_sized_new (FALSE, FALSE, sizeof (GlossTextComparison), spans->len);
      g_array_append_vals (self->comparison, spans->data, spans->len);
    }

  if (n_lanes != self->n_lanes)
    {
      self->n_lanes = n_lanes;
      update_spacing (self);
      forget_geometry (self);
    }
  queue_redraw (self);
}

/**
 * gloss_text_view_get_comparison:
 *
 * Returns: (transfer none) (nullable) (element-type GlossTextComparison):
 *   the analysts' spans drawn now, %NULL when nothing is compared
 */
GArray *
gloss_text_view_get_comparison (GlossTextView *self)
{
  g_return_val_if_fail (GLOSS_IS_TEXT_VIEW (self), NULL);

  return self->comparison;
}
