/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-window"

#include "config.h"

#include "gloss-window.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "gloss-inspector.h"
#include "gloss-spans.h"
#include "gloss-tag-popover.h"
#include "gloss-text-view.h"
#include "gloss-window-private.h"

/* The annotating window: one project, the documents in a sidebar, the
 * shown document in a GlossTextView, the selected annotation in the
 * inspector.  This file loads and shows; gloss-window-actions.c holds
 * everything that changes data.
 *
 * The window keeps no annotation records: the text view holds what
 * drawing needs (ranges and codes, read lean), and whatever looks at one
 * annotation (the inspector, tagging, span edits) reads it from the file
 * when it does.  A transcript with a hundred thousand annotations would
 * otherwise keep a hundred megabytes of quotes, notes and times. */

#define POLL_INTERVAL_MS 2000
#define FIRST_CHUNK      30000   /* characters whose annotations load before the first frame */
#define LOAD_CHUNK       100000  /* then this many characters' worth per idle step */
#define DEFER_CHECK_BYTES (8 << 20) /* files from this size are shown before their full check */
#define CHECK_BANNER_DELAY_MS 1000   /* a check still running this long gets a banner */

G_DEFINE_FINAL_TYPE (GlossWindow, gloss_window, ADW_TYPE_APPLICATION_WINDOW)

static void
code_info_free (GlossCodeInfo *info)
{
  g_free (info);
}

void
_gloss_window_toast (GlossWindow *self,
                     const char  *message)
{
  AdwToast *toast = adw_toast_new (message);

  g_free (self->last_toast);
  self->last_toast = g_strdup (message);
  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

const char *
gloss_window_get_last_toast (GlossWindow *self)
{
  g_return_val_if_fail (GLOSS_IS_WINDOW (self), NULL);

  return self->last_toast;
}

const char *
gloss_window_get_banner_text (GlossWindow *self)
{
  g_return_val_if_fail (GLOSS_IS_WINDOW (self), NULL);

  return gtk_revealer_get_reveal_child (self->banner_revealer) ? self->banner_text : NULL;
}

/* Whether annotations of the shown document are still being read. */
gboolean
gloss_window_is_loading (GlossWindow *self)
{
  g_return_val_if_fail (GLOSS_IS_WINDOW (self), FALSE);

  return self->load_id != 0;
}

/* The message of the error page, when it is what the window shows. */
const char *
gloss_window_get_error_message (GlossWindow *self)
{
  g_return_val_if_fail (GLOSS_IS_WINDOW (self), NULL);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "error") != 0)
    return NULL;
  return adw_status_page_get_description (self->error_page);
}

guint
gloss_window_get_n_pending (GlossWindow *self)
{
  g_return_val_if_fail (GLOSS_IS_WINDOW (self), 0);

  return self->pending.length;
}

/* The name new annotations are made under, or NULL while unknown. */
const char *
_gloss_window_get_annotator (GlossWindow *self)
{
  g_autofree char *setting = g_settings_get_string (self->settings, "annotator");

  /* Interned: a settings string would not outlive this call. */
  return setting[0] != '\0' ? g_intern_string (setting) : NULL;
}

GlossCodeInfo *
_gloss_window_lookup_code (GlossWindow *self,
                           gint64       code)
{
  return self->code_info != NULL ? g_hash_table_lookup (self->code_info, &code) : NULL;
}

GlossTextView *
gloss_window_get_text_view (GlossWindow *self)
{
  g_return_val_if_fail (GLOSS_IS_WINDOW (self), NULL);

  return self->text_view;
}

GlossProject *
gloss_window_get_project (GlossWindow *self)
{
  g_return_val_if_fail (GLOSS_IS_WINDOW (self), NULL);

  return self->project;
}

gint64
gloss_window_get_document (GlossWindow *self)
{
  g_return_val_if_fail (GLOSS_IS_WINDOW (self), 0);

  return self->document;
}

/* Title --------------------------------------------------------------------- */

static void
update_title (GlossWindow *self)
{
  g_autofree char *base = NULL;
  g_autofree char *subtitle = NULL;
  const char *annotator;

  if (self->project == NULL)
    {
      adw_window_title_set_title (self->window_title, _("Gloss"));
      adw_window_title_set_subtitle (self->window_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), _("Gloss"));
      return;
    }

  base = g_path_get_basename (gloss_project_get_path (self->project));
  if (g_str_has_suffix (base, ".gloss"))
    base[strlen (base) - strlen (".gloss")] = '\0';

  annotator = _gloss_window_get_annotator (self);
  if (gloss_project_is_checking (self->project))
    subtitle = g_strdup (_("Checking…"));
  else if (gloss_project_is_read_only (self->project))
    subtitle = g_strdup (_("Read-only"));
  else if (annotator != NULL)
    subtitle = g_strdup_printf (_("Annotating as %s"), annotator);

  adw_window_title_set_title (self->window_title, base);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), base);
}

/* Codebook ------------------------------------------------------------------ */

static void
load_codebook (GlossWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dimensions = NULL;
  g_autoptr(GPtrArray) codes = NULL;

  g_hash_table_remove_all (self->code_info);
  g_hash_table_remove_all (self->dimension_by_id);
  g_hash_table_remove_all (self->shortcuts);
  g_clear_pointer (&self->dimensions, g_ptr_array_unref);
  g_clear_pointer (&self->codes, g_ptr_array_unref);

  dimensions = gloss_project_list_dimensions (self->project, &error);
  if (dimensions != NULL)
    codes = gloss_project_list_codes_uncounted (self->project, &error);
  if (dimensions == NULL || codes == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The codebook could not be read: %s"), error->message);

      _gloss_window_toast (self, message);
      self->dimensions = g_ptr_array_new_with_free_func ((GDestroyNotify) gloss_dimension_free);
      self->codes = g_ptr_array_new_with_free_func ((GDestroyNotify) gloss_code_free);
      return;
    }

  self->dimensions = g_steal_pointer (&dimensions);
  self->codes = g_steal_pointer (&codes);

  for (guint i = 0; i < self->dimensions->len; i++)
    {
      GlossDimension *dimension = g_ptr_array_index (self->dimensions, i);

      g_hash_table_insert (self->dimension_by_id, &dimension->id, dimension);
    }

  for (guint i = 0; i < self->codes->len; i++)
    {
      GlossCode *code = g_ptr_array_index (self->codes, i);
      GlossCodeInfo *info = g_new0 (GlossCodeInfo, 1);
      GlossDimension *dimension = g_hash_table_lookup (self->dimension_by_id, &code->dimension);

      info->code = code;
      if (code->color == NULL || !gdk_rgba_parse (&info->color, code->color))
        gdk_rgba_parse (&info->color, "#77767b");
      info->label = g_intern_string (code->name);
      info->single = dimension != NULL && !dimension->multiple;
      for (guint d = 0; d < self->dimensions->len; d++)
        if (((GlossDimension *) g_ptr_array_index (self->dimensions, d))->id == code->dimension)
          info->band = d;
      g_hash_table_insert (self->code_info, &code->id, info);

      if (code->shortcut != NULL && g_utf8_strlen (code->shortcut, -1) == 1)
        {
          gunichar c = g_unichar_tolower (g_utf8_get_char (code->shortcut));

          g_hash_table_insert (self->shortcuts, GUINT_TO_POINTER (c), info);
        }
    }

  gloss_text_view_set_n_bands (self->text_view, MAX (self->dimensions->len, 1));
  gloss_tag_popover_set_codebook (self->tag_popover, self->dimensions, self->codes);
}

/* Spans --------------------------------------------------------------------- */

/* The span of one code of an annotation, as the view paints it; FALSE for
 * a code the codebook does not have. */
static gboolean
make_span (GlossWindow   *self,
           gint64         annotation,
           gint64         start,
           gint64         end,
           gint64         code,
           GlossTextSpan *span)
{
  GlossCodeInfo *info = _gloss_window_lookup_code (self, code);

  if (info == NULL)
    return FALSE;

  span->start = start;
  span->end = end;
  span->annotation = annotation;
  span->dimension = info->band;
  span->color = info->color;
  span->label = info->label;
  return TRUE;
}

static void
append_spans (GlossWindow           *self,
              const GlossAnnotation *annotation,
              GArray                *spans)
{
  for (guint i = 0; annotation->codes != NULL && i < annotation->codes->len; i++)
    {
      GlossTextSpan span;

      if (make_span (self, annotation->id, annotation->start, annotation->end,
                     g_array_index (annotation->codes, gint64, i), &span))
        g_array_append_val (spans, span);
    }
}

/* Reads the annotations that start in [from, to) and paints them: the
 * first step replaces what the view had, the others add to it. */
static gboolean
load_step (GlossWindow  *self,
           gint64        from,
           gint64        to,
           gboolean      first,
           GError      **error)
{
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GArray) spans = NULL;

  rows = gloss_project_list_spans (self->project, self->document, from, to, error);
  if (rows == NULL)
    return FALSE;

  spans = g_array_sized_new (FALSE, FALSE, sizeof (GlossTextSpan), rows->len);
  for (guint i = 0; i < rows->len; i++)
    {
      const GlossSpanRow *row = &g_array_index (rows, GlossSpanRow, i);
      GlossTextSpan span;

      if (make_span (self, row->annotation, row->start, row->end, row->code, &span))
        g_array_append_val (spans, span);
    }

  if (first)
    gloss_text_view_set_spans (self->text_view, spans);
  else
    gloss_text_view_add_spans (self->text_view, spans);
  return TRUE;
}

static void
annotations_failed (GlossWindow  *self,
                    const GError *error)
{
  g_autofree char *message = g_strdup_printf (_("The annotations could not be read: %s"), error->message);

  _gloss_window_toast (self, message);
}

static gboolean
load_more_cb (gpointer user_data)
{
  GlossWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 end = self->load_offset + LOAD_CHUNK;

  /* The last step takes whatever starts further on. */
  if (end >= self->load_length)
    end = G_MAXINT64;

  if (!load_step (self, self->load_offset, end, FALSE, &error))
    {
      self->load_id = 0;
      annotations_failed (self, error);
      return G_SOURCE_REMOVE;
    }

  self->load_offset = end;
  if (self->load_offset < self->load_length)
    return G_SOURCE_CONTINUE;

  self->load_id = 0;
  _gloss_window_show_selected (self);
  return G_SOURCE_REMOVE;
}

/* The annotations of the shown document: those at its start at once, so
 * the first frame has its highlights, the rest in steps while idle, each
 * indexed on its own so no step costs more than the annotations it
 * reads. */
static void
load_annotations (GlossWindow *self)
{
  g_autoptr(GError) error = NULL;
  const GlossDocument *document = NULL;
  gint64 first_end;

  g_clear_handle_id (&self->load_id, g_source_remove);

  for (guint i = 0; self->documents != NULL && i < self->documents->len; i++)
    if (((GlossDocument *) g_ptr_array_index (self->documents, i))->id == self->document)
      document = g_ptr_array_index (self->documents, i);
  self->load_length = document != NULL ? document->length : G_MAXINT32;
  self->load_offset = MIN (FIRST_CHUNK, self->load_length);
  first_end = self->load_offset < self->load_length ? self->load_offset : G_MAXINT64;

  if (!load_step (self, 0, first_end, TRUE, &error))
    {
      annotations_failed (self, error);
      gloss_text_view_set_spans (self->text_view, NULL);
      return;
    }

  if (self->load_offset < self->load_length)
    self->load_id = g_idle_add_full (G_PRIORITY_LOW, load_more_cb, self, NULL);
}

/**
 * _gloss_window_dup_annotation:
 * @id: an annotation id, or 0
 *
 * Reads one annotation from the file, as it is now.
 *
 * Returns: (transfer full) (nullable): the annotation, or %NULL when it is
 *   not a live annotation of the shown document
 */
GlossAnnotation *
_gloss_window_dup_annotation (GlossWindow *self,
                              gint64       id)
{
  g_autoptr(GlossAnnotation) annotation = NULL;

  if (id == 0 || self->project == NULL)
    return NULL;

  annotation = gloss_project_get_annotation (self->project, id, NULL);
  if (annotation == NULL || annotation->deleted || annotation->document != self->document)
    return NULL;
  return g_steal_pointer (&annotation);
}

/* Re-reads one annotation after the window changed it, and repaints only
 * that one. */
void
_gloss_window_refresh_annotation (GlossWindow *self,
                                  gint64       id)
{
  g_autoptr(GlossAnnotation) annotation = NULL;
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (GlossTextSpan));

  annotation = _gloss_window_dup_annotation (self, id);
  if (annotation == NULL)
    {
      gloss_text_view_update_annotation (self->text_view, id, NULL);
      if (gloss_text_view_get_selected_annotation (self->text_view) == id)
        gloss_text_view_set_selected_annotation (self->text_view, 0);
      return;
    }

  append_spans (self, annotation, spans);
  gloss_text_view_update_annotation (self->text_view, id, spans);
}

/* Documents sidebar --------------------------------------------------------- */

static void
on_row_menu_pressed_cb (GtkGestureClick *gesture,
                        int              n_press,
                        double           x,
                        double           y,
                        GlossWindow     *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GdkRectangle at = { (int) x, (int) y, 1, 1 };

  gtk_list_box_select_row (self->documents_list, GTK_LIST_BOX_ROW (row));
  if (self->document_popover == NULL)
    {
      self->document_popover = gtk_popover_menu_new_from_model (self->document_menu);
      gtk_popover_set_has_arrow (GTK_POPOVER (self->document_popover), FALSE);
      gtk_widget_set_halign (self->document_popover, GTK_ALIGN_START);
    }
  else
    gtk_widget_unparent (self->document_popover);

  gtk_widget_set_parent (self->document_popover, row);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->document_popover), &at);
  gtk_popover_popup (GTK_POPOVER (self->document_popover));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static GtkWidget *
make_document_row (GlossWindow         *self,
                   const GlossDocument *document)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *title = gtk_label_new (document->title);
  g_autofree char *count_text = g_strdup_printf ("%" G_GINT64_FORMAT, document->n_annotations);
  GtkWidget *count = gtk_label_new (count_text);
  g_autofree char *tooltip = NULL;
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (count, "gloss-count");
  gtk_widget_add_css_class (count, "numeric");
  gtk_widget_set_valign (count, GTK_ALIGN_CENTER);

  tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%s\n%lld characters · %lld annotation",
                                          "%s\n%lld characters · %lld annotations",
                                          (gulong) document->n_annotations),
                             document->title, (long long) document->length,
                             (long long) document->n_annotations);
  gtk_widget_set_tooltip_text (row, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);

  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), count);
  g_hash_table_replace (self->count_labels, g_memdup2 (&document->id, sizeof (gint64)), count);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_row_menu_pressed_cb), self);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (click));

  return row;
}

/* Keeps a document's annotation count in step after the window's own
 * change, without listing the documents again. */
void
_gloss_window_adjust_count (GlossWindow *self,
                            gint64       document,
                            gint64       delta)
{
  GtkLabel *label = g_hash_table_lookup (self->count_labels, &document);

  for (guint i = 0; self->documents != NULL && i < self->documents->len; i++)
    {
      GlossDocument *d = g_ptr_array_index (self->documents, i);

      if (d->id == document)
        {
          g_autofree char *text = NULL;

          d->n_annotations = MAX (0, d->n_annotations + delta);
          text = g_strdup_printf ("%" G_GINT64_FORMAT, d->n_annotations);
          if (label != NULL)
            gtk_label_set_text (label, text);
        }
    }
}

static void
fill_documents_list (GlossWindow *self)
{
  GtkWidget *child;

  /* Rebuilding must not look like the user picking a row. */
  g_signal_handlers_block_matched (self->documents_list, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  if (self->document_popover != NULL)
    {
      gtk_widget_unparent (self->document_popover);
      self->document_popover = NULL;
    }
  g_hash_table_remove_all (self->count_labels);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->documents_list))) != NULL)
    gtk_list_box_remove (self->documents_list, child);

  for (guint i = 0; i < self->documents->len; i++)
    {
      const GlossDocument *document = g_ptr_array_index (self->documents, i);
      GtkWidget *row = make_document_row (self, document);

      gtk_list_box_append (self->documents_list, row);
      if (document->id == self->document)
        gtk_list_box_select_row (self->documents_list, GTK_LIST_BOX_ROW (row));
    }
  g_signal_handlers_unblock_matched (self->documents_list, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
}

void
_gloss_window_reload_documents (GlossWindow *self)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *documents = gloss_project_list_documents (self->project, &error);

  if (documents == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The documents could not be listed: %s"), error->message);

      _gloss_window_toast (self, message);
      return;
    }

  g_clear_pointer (&self->documents, g_ptr_array_unref);
  self->documents = documents;
  fill_documents_list (self);
}

static void
show_document (GlossWindow *self,
               gint64       document)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) segments = NULL;

  gloss_inspector_flush_note (self->inspector);
  self->document = document;

  if (document == 0)
    {
      g_clear_handle_id (&self->load_id, g_source_remove);
      gloss_text_view_set_document (self->text_view, "", NULL);
      gtk_stack_set_visible_child_name (self->content_stack, "no-documents");
      _gloss_window_show_selected (self);
      _gloss_window_update_actions (self);
      _gloss_window_workbench_document_shown (self);
      return;
    }

  text = gloss_project_dup_text (self->project, document, &error);
  if (text != NULL)
    segments = gloss_project_list_segments (self->project, document, &error);
  if (text == NULL || segments == NULL)
    {
      gloss_window_show_error (self, _("This Document Could Not Be Shown"), error->message);
      return;
    }

  gloss_text_view_set_document (self->text_view, text, segments);
  load_annotations (self);
  gtk_stack_set_visible_child_name (self->content_stack, "document");
  _gloss_window_show_selected (self);
  _gloss_window_update_actions (self);
  _gloss_window_workbench_document_shown (self);
}

gboolean
gloss_window_select_document (GlossWindow *self,
                              gint64       document)
{
  g_return_val_if_fail (GLOSS_IS_WINDOW (self), FALSE);

  for (guint i = 0; self->documents != NULL && i < self->documents->len; i++)
    {
      const GlossDocument *d = g_ptr_array_index (self->documents, i);

      if (d->id == document)
        {
          GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->documents_list, i);

          if (document != self->document)
            show_document (self, document);
          gtk_list_box_select_row (self->documents_list, row);
          return TRUE;
        }
    }

  return FALSE;
}

static void
on_documents_list_row_selected_cb (GtkListBox    *list,
                                   GtkListBoxRow *row,
                                   GlossWindow   *self)
{
  int index;
  const GlossDocument *document;

  if (row == NULL || self->documents == NULL)
    return;

  index = gtk_list_box_row_get_index (row);
  if (index < 0 || (guint) index >= self->documents->len)
    return;

  document = g_ptr_array_index (self->documents, index);
  if (document->id != self->document)
    show_document (self, document->id);
}

/* Full reload: after undo, redo, or another program's change. */
void
_gloss_window_reload (GlossWindow *self)
{
  gint64 selected = gloss_text_view_get_selected_annotation (self->text_view);
  gboolean still_there = FALSE;

  if (self->project == NULL)
    return;

  load_codebook (self);
  _gloss_window_reload_documents (self);

  for (guint i = 0; i < self->documents->len; i++)
    still_there |= ((GlossDocument *) g_ptr_array_index (self->documents, i))->id == self->document;

  if (!still_there)
    {
      show_document (self, self->documents->len > 0
                           ? ((GlossDocument *) g_ptr_array_index (self->documents, 0))->id : 0);
      fill_documents_list (self);
      return;
    }

  load_annotations (self);
  if (selected != 0)
    {
      g_autoptr(GlossAnnotation) still = _gloss_window_dup_annotation (self, selected);

      if (still == NULL)
        gloss_text_view_set_selected_annotation (self->text_view, 0);
    }
  _gloss_window_show_selected (self);
  _gloss_window_update_actions (self);
}

/* Inspector ----------------------------------------------------------------- */

void
_gloss_window_show_selected (GlossWindow *self)
{
  gint64 id = gloss_text_view_get_selected_annotation (self->text_view);
  g_autoptr(GlossAnnotation) annotation = _gloss_window_dup_annotation (self, id);
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(GArray) here = NULL;
  guint position = 0;

  self->n_shown++;
  if (annotation == NULL)
    {
      gloss_inspector_clear (self->inspector);
      _gloss_window_update_actions (self);
      return;
    }

  codes = g_ptr_array_new ();
  for (guint i = 0; annotation->codes != NULL && i < annotation->codes->len; i++)
    {
      GlossCodeInfo *info = _gloss_window_lookup_code (self, g_array_index (annotation->codes, gint64, i));

      if (info != NULL)
        g_ptr_array_add (codes, info->code);
    }

  here = gloss_text_view_get_annotations_at (self->text_view, annotation->start);
  for (guint i = 0; i < here->len; i++)
    if (g_array_index (here, gint64, i) == id)
      position = i;

  gloss_inspector_show_annotation (self->inspector, annotation, codes, self->dimension_by_id,
                                   position, here->len,
                                   !gloss_project_is_read_only (self->project));
  _gloss_window_update_actions (self);
}

static void
on_text_view_annotation_activated_cb (GlossTextView *view,
                                      gint64         annotation,
                                      GlossWindow   *self)
{
  gtk_revealer_set_reveal_child (self->inspector_revealer, TRUE);
}

static void
on_text_view_selected_annotation_notify_cb (GlossWindow *self)
{
  _gloss_window_show_selected (self);
}

static void
on_selection_changed_cb (GtkTextBuffer *buffer,
                         GParamSpec    *pspec,
                         GlossWindow   *self)
{
  _gloss_window_update_actions (self);
}

static gboolean
on_text_view_key_pressed_cb (GtkEventControllerKey *controller,
                             guint                  keyval,
                             guint                  keycode,
                             GdkModifierType        state,
                             GlossWindow           *self)
{
  return _gloss_window_handle_key (self, keyval, state);
}

/* Project --------------------------------------------------------------------- */

static void
on_project_changed_cb (GlossProject *project,
                       GlossWindow  *self)
{
  /* The window's own writes update what they touched themselves. */
  if (self->own_change > 0)
    return;

  _gloss_window_reload (self);
}

static gboolean
poll_cb (gpointer user_data)
{
  GlossWindow *self = user_data;

  if (self->project != NULL && self->pending.length == 0)
    gloss_project_poll_external_changes (self->project);
  return G_SOURCE_CONTINUE;
}

static void
update_recent_menu (GlossWindow *self)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  GList *items = gtk_recent_manager_get_items (manager);
  guint n = 0;

  g_menu_remove_all (self->recent_section);
  for (GList *l = items; l != NULL && n < 8; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      g_autofree char *path = NULL;
      g_autoptr(GMenuItem) item = NULL;

      if (g_strcmp0 (gtk_recent_info_get_mime_type (info), "application/x-gloss-project") != 0
          || !gtk_recent_info_exists (info))
        continue;
      path = g_filename_from_uri (gtk_recent_info_get_uri (info), NULL, NULL);
      if (path == NULL)
        continue;

      item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);
      g_menu_item_set_action_and_target (item, "app.open-path", "s", path);
      g_menu_append_item (self->recent_section, item);
      n++;
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);

  if (n == 0)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("No Recent Projects"), "win.nothing");

      g_menu_append_item (self->recent_section, item);
    }
}

static void
remember_project (GlossWindow *self)
{
  const char *path = gloss_project_get_path (self->project);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autofree char *display = g_path_get_basename (path);
  GtkRecentData data = { 0, };

  g_settings_set_string (self->settings, "last-project", path);
  if (uri == NULL)
    return;

  data.display_name = display;
  data.mime_type = (char *) "application/x-gloss-project";
  data.app_name = (char *) "Gloss";
  data.app_exec = (char *) "gloss %u";
  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

/* The same file, opened again (after it was replaced or became
 * writable): keep the document and the selection. */
void
_gloss_window_replace_project (GlossWindow  *self,
                               GlossProject *project)
{
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_set_object (&self->project, project);
  g_signal_connect (project, "changed", G_CALLBACK (on_project_changed_cb), self);
  _gloss_window_workbench_set_project (self);
  update_title (self);
  _gloss_window_reload (self);
}

static void
show_banner (GlossWindow *self,
             const char  *text)
{
  g_free (self->banner_text);
  self->banner_text = g_strdup (text);
  gtk_label_set_text (self->banner_label, text);
  gtk_widget_set_visible (self->banner_button, FALSE);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

static void
show_read_only_banner (GlossWindow *self)
{
  const char *reason = gloss_project_get_read_only_reason (self->project);
  g_autofree char *text = g_strdup_printf (_("This project is open read-only: %s"),
                                           reason != NULL ? reason : _("the file cannot be written."));

  show_banner (self, text);
}

static void
show_check_banner_cb (gpointer user_data)
{
  GlossWindow *self = user_data;

  self->check_banner_id = 0;
  self->check_banner = TRUE;
  show_banner (self, _("Gloss is checking this project. You can read it meanwhile; it can be "
                       "changed once the check is done."));
}

/* No check of the shown project is running or waited for any more. */
static void
end_check (GlossWindow *self)
{
  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  g_clear_handle_id (&self->check_banner_id, g_source_remove);
  if (self->check_banner)
    {
      self->check_banner = FALSE;
      gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
    }
}

/* Lets go of a project whose check failed after it was shown. */
static void
drop_project (GlossWindow *self)
{
  g_clear_handle_id (&self->load_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (self->project, self);
  g_clear_object (&self->project);
  g_clear_pointer (&self->documents, g_ptr_array_unref);
  self->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) gloss_document_free);
  fill_documents_list (self);
  show_document (self, 0);
  _gloss_window_workbench_set_project (self);
}

/* The rest of the project's check is done: make it writable, or let go of
 * a file that did not pass and say why. */
static void
on_check_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GlossProject *project = GLOSS_PROJECT (source);
  g_autoptr(GError) error = NULL;
  GlossWindow *self;

  if (!gloss_project_complete_check_finish (project, result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the window let go of it first */

  self = user_data;
  end_check (self);

  if (error != NULL)
    {
      g_autofree char *display = g_filename_display_basename (gloss_project_get_path (project));
      g_autofree char *heading = g_strdup_printf (_("“%s” Could Not Be Opened"), display);

      drop_project (self);
      gloss_window_show_error (self, heading, error->message);
      return;
    }

  if (gloss_project_is_read_only (project))
    show_read_only_banner (self);
  update_title (self);
  _gloss_window_update_actions (self);
}

/* The rest of the check starts once the window has shown the project,
 * so that its threads do not slow the first frame down. */
static void
on_after_paint_check_cb (GdkFrameClock *clock,
                         GlossWindow   *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_after_paint_check_cb, self);
  if (self->project == NULL || self->check_cancellable == NULL ||
      g_cancellable_is_cancelled (self->check_cancellable))
    return;
  gloss_project_complete_check_async (self->project, self->check_cancellable, on_check_done_cb,
                                      self);
  self->check_banner_id = g_timeout_add_once (CHECK_BANNER_DELAY_MS, show_check_banner_cb, self);
}

static void
on_realize_check_cb (GtkWidget   *widget,
                     GlossWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  g_signal_handlers_disconnect_by_func (widget, on_realize_check_cb, self);
  g_signal_handlers_disconnect_by_func (clock, on_after_paint_check_cb, self);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_check_cb), self);
  gtk_widget_queue_draw (widget);
}

void
_gloss_window_set_defer_check_bytes (GlossWindow *self,
                                     gint64       bytes)
{
  self->defer_check_bytes = bytes;
}

/**
 * gloss_window_set_project:
 * @project: an open project; the window keeps a reference
 *
 * Shows @project: its first document, with its annotations.
 */
void
gloss_window_set_project (GlossWindow  *self,
                          GlossProject *project)
{
  g_return_if_fail (GLOSS_IS_WINDOW (self));
  g_return_if_fail (GLOSS_IS_PROJECT (project));

  if (self->project != NULL && self->project != project)
    gloss_project_stamp_checked (self->project);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_set_object (&self->project, project);
  g_signal_connect (project, "changed", G_CALLBACK (on_project_changed_cb), self);
  _gloss_window_workbench_set_project (self);

  load_codebook (self);
  _gloss_window_reload_documents (self);
  update_title (self);
  remember_project (self);

  gtk_stack_set_visible_child_name (self->main_stack, "project");
  if (self->documents->len > 0)
    gloss_window_select_document (self, ((GlossDocument *) g_ptr_array_index (self->documents, 0))->id);
  else
    show_document (self, 0);

  end_check (self);
  if (gloss_project_is_checking (project))
    {
      /* Shown now, changed once the rest of the check has passed: the
       * banner only when that takes long enough to notice. */
      self->check_cancellable = g_cancellable_new ();
      if (gtk_widget_get_realized (GTK_WIDGET (self)))
        on_realize_check_cb (GTK_WIDGET (self), self);
      else
        g_signal_connect (self, "realize", G_CALLBACK (on_realize_check_cb), self);
    }
  else if (gloss_project_is_read_only (project))
    show_read_only_banner (self);

  if (self->poll_id == 0)
    self->poll_id = g_timeout_add (POLL_INTERVAL_MS, poll_cb, self);

  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
  _gloss_window_update_actions (self);
}

/**
 * gloss_window_open:
 * @path: a project file
 *
 * Opens @path; when it cannot be opened, the window says why.
 *
 * Returns: whether the project is now shown
 */
gboolean
gloss_window_open (GlossWindow *self,
                   const char  *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = NULL;
  GlossOpenFlags flags = GLOSS_OPEN_DEFAULT;
  GStatBuf st;

  g_return_val_if_fail (GLOSS_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  /* A large file is shown before the part of its check that reads every
   * annotation, which then runs beside it (see set_project). */
  if (g_stat (path, &st) == 0 && st.st_size >= self->defer_check_bytes)
    flags |= GLOSS_OPEN_DEFER_CHECK;
  project = gloss_project_open (path, flags, &error);
  if (project == NULL)
    {
      g_autofree char *display = g_filename_display_basename (path);
      g_autofree char *heading = g_strdup_printf (_("“%s” Could Not Be Opened"), display);

      gloss_window_show_error (self, heading, error->message);
      return FALSE;
    }

  gloss_window_set_project (self, project);
  return TRUE;
}

/**
 * gloss_window_show_error:
 *
 * Replaces the window's content with a page that states @message.
 */
void
gloss_window_show_error (GlossWindow *self,
                         const char  *heading,
                         const char  *message)
{
  g_return_if_fail (GLOSS_IS_WINDOW (self));

  adw_status_page_set_title (self->error_page, heading);
  adw_status_page_set_description (self->error_page, message);
  gtk_stack_set_visible_child_name (self->main_stack, "error");
  if (self->project == NULL)
    update_title (self);
  _gloss_window_update_actions (self);
}

/* Actions' sensitivity: the one place that decides it. */
void
_gloss_window_update_actions (GlossWindow *self)
{
  gboolean have_project = self->project != NULL;
  gboolean writable = have_project && !gloss_project_is_read_only (self->project);
  gboolean have_document = have_project && self->document != 0;
  gboolean have_selection = have_document && gloss_text_view_get_selection_range (self->text_view, NULL, NULL);
  gboolean have_annotation = have_document && gloss_text_view_get_selected_annotation (self->text_view) != 0;
  gboolean can_undo = (have_project && gloss_project_can_undo (self->project)) || self->pending.length > 0;
  gboolean can_redo = have_project && self->pending.length == 0 && gloss_project_can_redo (self->project);
  g_autofree char *undo_tip = NULL;
  g_autofree char *redo_tip = NULL;
  static const char *annotation_actions[] = {
    "grow-start", "shrink-start", "grow-end", "shrink-end", "delete-annotation", "edit-codes",
  };

  for (guint i = 0; i < G_N_ELEMENTS (annotation_actions); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), annotation_actions[i]);

      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), writable && have_annotation);
    }

#define ENABLE(name, value) \
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), name)), value)
  ENABLE ("undo", writable && can_undo);
  ENABLE ("redo", writable && can_redo);
  ENABLE ("open-tag-popover", writable && have_selection);
  ENABLE ("tag-codes", writable && have_document);
  ENABLE ("set-note", writable && have_document);
  ENABLE ("set-codes", writable && have_document);
  ENABLE ("import", writable);
  ENABLE ("import-path", writable);
  ENABLE ("rename-document", writable && have_document);
  ENABLE ("remove-document", writable && have_document);
  ENABLE ("save-copy", have_project);
  ENABLE ("previous-annotation-here", have_annotation);
  ENABLE ("next-annotation-here", have_annotation);
  ENABLE ("retry", self->pending.length > 0);
#undef ENABLE

  /* Panels that are not there have no buttons either. */
  gtk_widget_set_visible (self->sidebar_button,
                          have_project && g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "project") == 0);
  gtk_widget_set_visible (self->inspector_button, have_document);

  /* The button stands out only when there is something to tag. */
  gtk_widget_set_visible (self->tag_button, writable && have_document);
  if (have_selection)
    gtk_widget_add_css_class (self->tag_button, "suggested-action");
  else
    gtk_widget_remove_css_class (self->tag_button, "suggested-action");

  if (self->pending.length > 0)
    undo_tip = g_strdup_printf (_("Discard the unsaved change “%s” (Ctrl+Z)"),
                                ((GlossOp *) g_queue_peek_tail (&self->pending))->label);
  else if (have_project && gloss_project_get_undo_label (self->project) != NULL)
    undo_tip = g_strdup_printf (_("Undo “%s” (Ctrl+Z)"), gloss_project_get_undo_label (self->project));
  else
    undo_tip = g_strdup (_("Undo (Ctrl+Z)"));
  if (have_project && gloss_project_get_redo_label (self->project) != NULL)
    redo_tip = g_strdup_printf (_("Redo “%s” (Shift+Ctrl+Z)"), gloss_project_get_redo_label (self->project));
  else
    redo_tip = g_strdup (_("Redo (Shift+Ctrl+Z)"));
  gtk_widget_set_tooltip_text (self->undo_button, undo_tip);
  gtk_widget_set_tooltip_text (self->redo_button, redo_tip);
  _gloss_window_update_workbench_actions (self);
}

/* GObject --------------------------------------------------------------------- */

static gboolean
gloss_window_close_request (GtkWindow *window)
{
  GlossWindow *self = GLOSS_WINDOW (window);
  int width, height;

  gloss_inspector_flush_note (self->inspector);

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", MAX (width, 360));
  g_settings_set_int (self->settings, "window-height", MAX (height, 294));
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_set_double (self->settings, "zoom", gloss_text_view_get_zoom (self->text_view));

  return GTK_WINDOW_CLASS (gloss_window_parent_class)->close_request (window);
}

static void
gloss_window_dispose (GObject *object)
{
  GlossWindow *self = GLOSS_WINDOW (object);

  _gloss_window_stop_retrying (self);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->load_id, g_source_remove);
  end_check (self);
  if (gtk_widget_get_frame_clock (GTK_WIDGET (self)) != NULL)
    g_signal_handlers_disconnect_by_func (gtk_widget_get_frame_clock (GTK_WIDGET (self)),
                                          on_after_paint_check_cb, self);
  if (self->project != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->project, self);
      /* (other widgets may hold the project until the process ends) */
      gloss_project_stamp_checked (self->project);
    }
  if (self->document_popover != NULL)
    {
      gtk_widget_unparent (self->document_popover);
      self->document_popover = NULL;
    }

  _gloss_window_dispose_workbench (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), GLOSS_TYPE_WINDOW);

  g_clear_object (&self->project);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->code_info, g_hash_table_unref);
  g_clear_pointer (&self->dimension_by_id, g_hash_table_unref);
  g_clear_pointer (&self->shortcuts, g_hash_table_unref);
  g_clear_pointer (&self->codes, g_ptr_array_unref);
  g_clear_pointer (&self->dimensions, g_ptr_array_unref);
  g_clear_pointer (&self->documents, g_ptr_array_unref);
  g_queue_clear_full (&self->pending, (GDestroyNotify) gloss_op_free);
  g_clear_pointer (&self->held_codes, g_array_unref);
  g_clear_pointer (&self->count_labels, g_hash_table_unref);

  G_OBJECT_CLASS (gloss_window_parent_class)->dispose (object);
}

static void
gloss_window_finalize (GObject *object)
{
  GlossWindow *self = GLOSS_WINDOW (object);

  g_clear_error (&self->pending_error);
  g_free (self->banner_text);
  g_free (self->last_toast);

  G_OBJECT_CLASS (gloss_window_parent_class)->finalize (object);
}

static void
gloss_window_class_init (GlossWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = gloss_window_dispose;
  object_class->finalize = gloss_window_finalize;
  window_class->close_request = gloss_window_close_request;

  g_type_ensure (GLOSS_TYPE_TEXT_VIEW);
  g_type_ensure (GLOSS_TYPE_INSPECTOR);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/glossapp/Gloss/gloss-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, undo_button);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, redo_button);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, tag_button);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, inspector_button);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, banner_button);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, documents_list);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, text_scroller);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, text_view);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, inspector_revealer);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, inspector);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, recent_section);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, document_menu);
  gtk_widget_class_bind_template_callback (widget_class, on_documents_list_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_text_view_annotation_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_text_view_selected_annotation_notify_cb);
  _gloss_window_class_init_workbench (widget_class);
}

static void
gloss_window_init (GlossWindow *self)
{
  GtkEventController *keys;
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->defer_check_bytes = DEFER_CHECK_BYTES;

  self->settings = g_settings_new (APPLICATION_ID);
  self->code_info = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify) code_info_free);
  self->dimension_by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->shortcuts = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->count_labels = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) gloss_document_free);
  g_queue_init (&self->pending);

  self->tag_popover = GLOSS_TAG_POPOVER (gloss_tag_popover_new ());
  gloss_text_view_add_popover (self->text_view, GTK_WIDGET (self->tag_popover));

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  gloss_text_view_set_zoom (self->text_view, g_settings_get_double (self->settings, "zoom"));
  g_settings_bind (self->settings, "snap-to-words", self->text_view, "snap-to-words", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "sidebar-width", self->sidebar, "width-request", G_SETTINGS_BIND_GET);

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
  g_signal_connect (buffer, "notify::has-selection", G_CALLBACK (on_selection_changed_cb), self);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_text_view_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), keys);

  _gloss_window_install_actions (self);
  _gloss_window_init_workbench (self);
  update_recent_menu (self);
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (update_recent_menu), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::annotator",
                           G_CALLBACK (update_title), self, G_CONNECT_SWAPPED);

  gtk_stack_set_visible_child_name (self->main_stack, "loading");
  _gloss_window_update_actions (self);
}

GlossWindow *
gloss_window_new (GlossApplication *application)
{
  return g_object_new (GLOSS_TYPE_WINDOW, "application", application, NULL);
}
