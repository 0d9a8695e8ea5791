/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-inspector"

#include "config.h"

#include "gloss-inspector.h"

#include <glib/gi18n.h>

/* The panel beside the text that shows the selected annotation.  It only
 * displays: every change goes through the window's actions (win.set-note,
 * win.edit-codes, win.grow-start, …, win.delete-annotation), which call
 * the engine. */

#define NOTE_DELAY_MS 800

struct _GlossInspector
{
  AdwBin       parent_instance;

  GtkStack    *stack;
  GtkWidget   *chooser_box;
  GtkLabel    *chooser_label;
  GtkLabel    *quote_label;
  GtkLabel    *range_label;
  GtkListBox  *codes_list;
  GtkWidget   *edit_codes_button;
  GtkWidget   *span_box;
  GtkTextView *note_view;
  GtkLabel    *annotator_label;
  GtkLabel    *created_label;
  GtkLabel    *modified_label;
  GtkLabel    *review_label;
  GtkWidget   *delete_button;
  GtkWidget   *review_box;
  GtkEntry    *review_note_entry;
  GtkLabel    *review_progress_label;

  gint64       annotation;
  char        *saved_note;
  guint        note_timeout;
  gboolean     loading;
};

G_DEFINE_FINAL_TYPE (GlossInspector, gloss_inspector, ADW_TYPE_BIN)

static char *
format_time (const char *iso)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (iso == NULL)
    return g_strdup ("—");

  utc = g_date_time_new_from_iso8601 (iso, NULL);
  if (utc == NULL)
    return g_strdup (iso);
  local = g_date_time_to_local (utc);
  /* Translators: a date and time, see g_date_time_format() */
  return g_date_time_format (local, _("%e %b %Y, %H:%M"));
}

char *
gloss_inspector_dup_note (GlossInspector *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (GLOSS_IS_INSPECTOR (self), NULL);

  buffer = gtk_text_view_get_buffer (self->note_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Hands the note to the window when it differs from what was saved. */
void
gloss_inspector_flush_note (GlossInspector *self)
{
  g_autofree char *note = NULL;

  g_return_if_fail (GLOSS_IS_INSPECTOR (self));

  g_clear_handle_id (&self->note_timeout, g_source_remove);
  if (self->annotation == 0)
    return;

  note = gloss_inspector_dup_note (self);
  if (g_strcmp0 (note, self->saved_note != NULL ? self->saved_note : "") == 0)
    return;

  g_free (self->saved_note);
  self->saved_note = g_strdup (note);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.set-note", "(xs)", self->annotation, note);
}

static gboolean
on_note_timeout_cb (gpointer user_data)
{
  GlossInspector *self = user_data;

  self->note_timeout = 0;
  gloss_inspector_flush_note (self);
  return G_SOURCE_REMOVE;
}

static void
on_note_changed_cb (GtkTextBuffer  *buffer,
                    GlossInspector *self)
{
  if (self->loading)
    return;

  g_clear_handle_id (&self->note_timeout, g_source_remove);
  self->note_timeout = g_timeout_add (NOTE_DELAY_MS, on_note_timeout_cb, self);
}

static void
on_note_focus_leave_cb (GlossInspector *self)
{
  gloss_inspector_flush_note (self);
}

static GtkWidget *
make_code_row (const GlossCode      *code,
               const GlossDimension *dimension)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *dot = gtk_label_new (NULL);
  GtkWidget *name = gtk_label_new (code->name);
  GtkWidget *dim = gtk_label_new (dimension != NULL ? dimension->name : NULL);
  g_autofree char *markup = g_strdup_printf ("<span foreground=\"%s\" size=\"large\">●</span>",
                                             code->color != NULL ? code->color : "#888888");

  gtk_label_set_markup (GTK_LABEL (dot), markup);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (dim, "dim-label");
  gtk_widget_add_css_class (dim, "caption");
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  if (code->description != NULL)
    gtk_widget_set_tooltip_text (row, code->description);

  gtk_box_append (GTK_BOX (box), dot);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), dim);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

/**
 * gloss_inspector_show_annotation:
 * @codes: (element-type GlossCode): the annotation's codes
 * @dimensions: (element-type gint64 GlossDimension): every dimension by id
 * @position: which of the @n_here annotations at this place it is, from 0
 * @editable: %FALSE for a read-only project
 */
void
gloss_inspector_show_annotation (GlossInspector        *self,
                                 const GlossAnnotation *annotation,
                                 GPtrArray             *codes,
                                 GHashTable            *dimensions,
                                 guint                  position,
                                 guint                  n_here,
                                 gboolean               editable)
{
  GtkTextBuffer *buffer;
  GtkWidget *child;
  g_autofree char *created = NULL;
  g_autofree char *modified = NULL;
  g_autofree char *range = NULL;
  g_autofree char *quote = NULL;
  gboolean same;

  g_return_if_fail (GLOSS_IS_INSPECTOR (self));
  g_return_if_fail (annotation != NULL);

  same = annotation->id == self->annotation;
  if (!same)
    gloss_inspector_flush_note (self);
  self->annotation = annotation->id;

  gtk_widget_set_visible (self->chooser_box, n_here > 1);
  if (n_here > 1)
    {
      g_autofree char *text = g_strdup_printf (_("Annotation %u of %u here"), position + 1, n_here);
      gtk_label_set_text (self->chooser_label, text);
    }

  quote = g_strdup_printf ("“%s”", annotation->quote != NULL ? annotation->quote : "");
  gtk_label_set_text (self->quote_label, quote);
  range = g_strdup_printf (_("Characters %lld–%lld · %lld long"), (long long) annotation->start,
                           (long long) annotation->end,
                           (long long) (annotation->end - annotation->start));
  gtk_label_set_text (self->range_label, range);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->codes_list))) != NULL)
    gtk_list_box_remove (self->codes_list, child);
  for (guint i = 0; codes != NULL && i < codes->len; i++)
    {
      const GlossCode *code = g_ptr_array_index (codes, i);
      const GlossDimension *dimension = dimensions != NULL
                                        ? g_hash_table_lookup (dimensions, &code->dimension) : NULL;

      gtk_list_box_append (self->codes_list, make_code_row (code, dimension));
    }
  if (codes == NULL || codes->len == 0)
    {
      GtkWidget *none = gtk_label_new (_("No codes"));

      gtk_widget_add_css_class (none, "dim-label");
      gtk_widget_set_margin_top (none, 8);
      gtk_widget_set_margin_bottom (none, 8);
      gtk_list_box_append (self->codes_list, none);
    }

  /* Keep what is being typed; only load the note when it is another one. */
  buffer = gtk_text_view_get_buffer (self->note_view);
  if (!same || !gtk_widget_has_focus (GTK_WIDGET (self->note_view)))
    {
      self->loading = TRUE;
      gtk_text_buffer_set_text (buffer, annotation->note != NULL ? annotation->note : "", -1);
      self->loading = FALSE;
    }
  g_free (self->saved_note);
  self->saved_note = g_strdup (annotation->note != NULL ? annotation->note : "");

  gtk_label_set_text (self->annotator_label, annotation->annotator != NULL ? annotation->annotator : "—");
  created = format_time (annotation->created);
  modified = format_time (annotation->modified);
  gtk_label_set_text (self->created_label, created);
  gtk_label_set_text (self->modified_label, modified);

  switch (annotation->status)
    {
    case GLOSS_REVIEW_ACCEPTED:
      {
        g_autofree char *text = annotation->reviewer != NULL
                                ? g_strdup_printf (_("Accepted by %s"), annotation->reviewer)
                                : g_strdup (_("Accepted"));
        gtk_label_set_text (self->review_label, text);
      }
      break;
    case GLOSS_REVIEW_REJECTED:
      {
        g_autofree char *text = annotation->reviewer != NULL
                                ? g_strdup_printf (_("Rejected by %s"), annotation->reviewer)
                                : g_strdup (_("Rejected"));
        gtk_label_set_text (self->review_label, text);
      }
      break;
    case GLOSS_REVIEW_UNREVIEWED:
    default:
      gtk_label_set_text (self->review_label, _("Not reviewed"));
      break;
    }

  /* The review note shown is the annotation's; what is typed stays. */
  if (!same || !gtk_widget_has_focus (GTK_WIDGET (self->review_note_entry)))
    gtk_editable_set_text (GTK_EDITABLE (self->review_note_entry),
                           annotation->review_note != NULL ? annotation->review_note : "");
  gtk_widget_set_visible (self->review_box, editable);

  gtk_text_view_set_editable (self->note_view, editable);
  gtk_widget_set_visible (self->delete_button, editable);
  gtk_widget_set_visible (self->span_box, editable);
  gtk_widget_set_visible (self->edit_codes_button, editable);
  gtk_stack_set_visible_child_name (self->stack, "annotation");
}

void
gloss_inspector_clear (GlossInspector *self)
{
  g_return_if_fail (GLOSS_IS_INSPECTOR (self));

  gloss_inspector_flush_note (self);
  self->annotation = 0;
  g_clear_pointer (&self->saved_note, g_free);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

/**
 * gloss_inspector_set_review_progress:
 * @reviewed: annotations accepted or rejected
 * @total: live annotations in the project
 */
void
gloss_inspector_set_review_progress (GlossInspector *self,
                                     guint           reviewed,
                                     guint           total)
{
  g_autofree char *text = NULL;

  g_return_if_fail (GLOSS_IS_INSPECTOR (self));

  /* Translators: review progress, e.g. "3 of 15 reviewed" */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u reviewed", "%u of %u reviewed", total),
                          reviewed, total);
  gtk_label_set_text (self->review_progress_label, text);
}

/**
 * gloss_inspector_dup_review_note:
 *
 * Returns: (transfer full): the review note as typed, "" when none
 */
char *
gloss_inspector_dup_review_note (GlossInspector *self)
{
  g_return_val_if_fail (GLOSS_IS_INSPECTOR (self), NULL);

  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->review_note_entry)));
}

gint64
gloss_inspector_get_annotation (GlossInspector *self)
{
  g_return_val_if_fail (GLOSS_IS_INSPECTOR (self), 0);

  return self->annotation;
}

static void
gloss_inspector_dispose (GObject *object)
{
  GlossInspector *self = GLOSS_INSPECTOR (object);

  g_clear_handle_id (&self->note_timeout, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), GLOSS_TYPE_INSPECTOR);

  G_OBJECT_CLASS (gloss_inspector_parent_class)->dispose (object);
}

static void
gloss_inspector_finalize (GObject *object)
{
  GlossInspector *self = GLOSS_INSPECTOR (object);

  g_free (self->saved_note);

  G_OBJECT_CLASS (gloss_inspector_parent_class)->finalize (object);
}

static void
gloss_inspector_class_init (GlossInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gloss_inspector_dispose;
  object_class->finalize = gloss_inspector_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/glossapp/Gloss/gloss-inspector.ui");
  gtk_widget_class_bind_template_child (widget_class, GlossInspector, stack);
  gtk_widget_class_bind_template_child (widget_class, GlossInspector, chooser_box);
  gtk_widget_class_bind_template_child (widget_class, GlossInspector, chooser_label);
  gtk_widget_class_bind_template_child (widget_class, GlossInspector, quote_label);
  gtk_widget_class_bind_template_child (widget_class, GlossInspector, range_label);
  gtk_widget_class_bind_template_child (widget_class, GlossInspector, codes_list);
  gtk_widget_class_bind_template_child (widget_class, GlossInspector, edit_codes_button);
  gtk_widget_class_bind_template_child (widget_class, GlossInspector, span_box);
  gtk_widget_class_bind_template_child (widget_class, GlossInspector, note_view);
  gtk_widget_class_bind_template_child (widget_class, GlossInspector, annotator_label);
  gtk_widget_class_bind_template_child (widget_class, GlossInspector, created_label);
  gtk_widget_class_bind_template_child (widget_class, GlossInspector, modified_label);
  gtk_widget_class_bind_template_child (widget_class, GlossInspector, review_label);
  gtk_widget_class_bind_template_child (widget_class, GlossInspector, delete_button);
  gtk_widget_class_bind_template_child (widget_class, GlossInspector, review_box);
  gtk_widget_class_bind_template_child (widget_class, GlossInspector, review_note_entry);
  gtk_widget_class_bind_template_child (widget_class, GlossInspector, review_progress_label);
  gtk_widget_class_set_css_name (widget_class, "glossinspector");
}

static void
gloss_inspector_init (GlossInspector *self)
{
  GtkEventController *focus;

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (gtk_text_view_get_buffer (self->note_view), "changed",
                    G_CALLBACK (on_note_changed_cb), self);
  focus = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (on_note_focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->note_view), focus);
}

GtkWidget *
gloss_inspector_new (void)
{
  return g_object_new (GLOSS_TYPE_INSPECTOR, NULL);
}
