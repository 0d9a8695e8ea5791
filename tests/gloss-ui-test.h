/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Helpers shared by the UI tests: waiting for frames and reading back the
 * pixels a widget renders. */

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct
{
  guchar *data;    /* Cairo ARGB32: B, G, R, A in memory, premultiplied */
  gsize   stride;
  int     width;
  int     height;
} GlossTestPixels;

static inline void
gloss_test_pixels_free (GlossTestPixels *pixels)
{
  if (pixels == NULL)
    return;
  g_free (pixels->data);
  g_free (pixels);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlossTestPixels, gloss_test_pixels_free)

static gboolean
gloss_test_tick_cb (GtkWidget     *widget,
                    GdkFrameClock *clock,
                    gpointer       user_data)
{
  guint *remaining = user_data;

  if (*remaining > 0)
    (*remaining)--;
  return *remaining > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
gloss_test_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @widget has been through @n_frames frames (or
 * five seconds passed), then until nothing is pending. */
static inline void
gloss_test_wait_frames (GtkWidget *widget,
                        guint      n_frames)
{
  guint remaining = n_frames;
  gboolean timed_out = FALSE;
  guint timeout = g_timeout_add (5000, gloss_test_timeout_cb, &timed_out);
  guint tick = gtk_widget_add_tick_callback (widget, gloss_test_tick_cb, &remaining, NULL);

  while (remaining > 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout);
  /* On a timeout the callback is still there, and must not outlive
   * @remaining (a slow machine, or AddressSanitizer, gets there). */
  if (remaining > 0)
    gtk_widget_remove_tick_callback (widget, tick);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Spins the main loop for @ms milliseconds. */
static inline void
gloss_test_wait_ms (guint ms)
{
  gboolean timed_out = FALSE;

  g_timeout_add (ms, gloss_test_timeout_cb, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
}

/* Renders @widget as it would appear now and downloads the pixels. */
static inline GlossTestPixels *
gloss_test_render (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  GlossTestPixels *pixels = g_new0 (GlossTestPixels, 1);
  int width = 0, height = 0;

  /* A widget waiting for its new size draws nothing: on a busy machine
   * that can take a few frames. */
  for (int i = 0; i < 100 && node == NULL; i++)
    {
      if (i > 0)
        {
          gloss_test_wait_frames (widget, 1);
          gloss_test_wait_ms (20);
          snapshot = gtk_snapshot_new ();
        }
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* GLOSS_TEST_DUMP=dir keeps every rendering, for a human to look at. */
  if (g_getenv ("GLOSS_TEST_DUMP") != NULL)
    {
      static guint n_dumped;
      g_autofree char *program = g_path_get_basename (g_get_prgname ());
      g_autofree char *name = g_strdup_printf ("%s-%02u.png", program, n_dumped++);
      g_autofree char *path = g_build_filename (g_getenv ("GLOSS_TEST_DUMP"), name, NULL);

      gdk_texture_save_to_png (texture, path);
    }

  pixels->width = gdk_texture_get_width (texture);
  pixels->height = gdk_texture_get_height (texture);
  pixels->stride = (gsize) pixels->width * 4;
  pixels->data = g_malloc ((gsize) pixels->height * pixels->stride);
  gdk_texture_download (texture, pixels->data, pixels->stride);
  return pixels;
}

/* The colour at (x, y), un-premultiplied, as 0–255 components. */
static inline void
gloss_test_pixel (const GlossTestPixels *pixels,
                  int                    x,
                  int                    y,
                  int                    rgb[3])
{
  const guchar *p;
  int alpha;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, pixels->width);
  g_assert_cmpint (y, <, pixels->height);

  p = pixels->data + (gsize) y * pixels->stride + (gsize) x * 4;
  alpha = p[3];
  for (int i = 0; i < 3; i++)
    rgb[i] = alpha == 0 ? 0 : MIN (255, p[2 - i] * 255 / alpha);
}

static inline gboolean
gloss_test_color_near (const int      rgb[3],
                       const GdkRGBA *color,
                       int            tolerance)
{
  int expected[3] = { (int) (color->red * 255 + 0.5),
                      (int) (color->green * 255 + 0.5),
                      (int) (color->blue * 255 + 0.5) };

  for (int i = 0; i < 3; i++)
    if (ABS (rgb[i] - expected[i]) > tolerance)
      return FALSE;
  return TRUE;
}

/* @color blended at @alpha over @background, as the highlight tint is. */
static inline GdkRGBA
gloss_test_blend (const GdkRGBA *color,
                  double         alpha,
                  const GdkRGBA *background)
{
  GdkRGBA out = {
    color->red * alpha + background->red * (1 - alpha),
    color->green * alpha + background->green * (1 - alpha),
    color->blue * alpha + background->blue * (1 - alpha),
    1.0,
  };

  return out;
}

/* The first widget of @type under @widget (itself included), depth first. */
static inline GtkWidget *
gloss_test_find_widget (GtkWidget *widget,
                        GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = gloss_test_find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

G_END_DECLS
