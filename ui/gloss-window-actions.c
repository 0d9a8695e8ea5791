/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "gloss-dialogs.h"
#include "gloss-window-private.h"

/* The window's actions.  Every change to data is a GlossOp handed to
 * _gloss_window_submit(), which calls the engine.  When the file cannot
 * be written (read-only, locked by another program, replaced underneath,
 * an I/O error) the op is kept in a queue, a banner says so, and the
 * queue is retried until it goes through: the change in hand is never
 * lost. */

#define RETRY_INTERVAL_MS 2000
#define ZOOM_STEP 1.1

void
gloss_op_free (GlossOp *op)
{
  if (op == NULL)
    return;

  g_clear_pointer (&op->codes, g_array_unref);
  g_free (op->text);
  g_free (op->annotator);
  g_free (op->label);
  g_free (op);
}

static GlossOp *
op_new (GlossOpKind  kind,
        const char  *label)
{
  GlossOp *op = g_new0 (GlossOp, 1);

  op->kind = kind;
  op->label = g_strdup (label);
  return op;
}

static gboolean
is_retryable (const GError *error)
{
  return g_error_matches (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_READ_ONLY)
         || g_error_matches (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_BUSY)
         || g_error_matches (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_REPLACED)
         || g_error_matches (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_IO);
}

static void
toast_with_action (GlossWindow *self,
                   const char  *message,
                   const char  *button,
                   const char  *action)
{
  AdwToast *toast = adw_toast_new (message);

  g_free (self->last_toast);
  self->last_toast = g_strdup (message);
  adw_toast_set_timeout (toast, 5);
  adw_toast_set_button_label (toast, button);
  adw_toast_set_action_name (toast, action);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* The selected annotation as the file has it now: owned. */
static GlossAnnotation *
dup_selected_annotation (GlossWindow *self)
{
  return _gloss_window_dup_annotation (self, gloss_text_view_get_selected_annotation (self->text_view));
}

static gboolean
has_selected_annotation (GlossWindow *self)
{
  g_autoptr(GlossAnnotation) annotation = dup_selected_annotation (self);

  return annotation != NULL;
}

/* Running ops ----------------------------------------------------------------- */

/* Calls the engine.  @affected gets the annotation or document touched. */
static gboolean
run_op (GlossWindow  *self,
        GlossOp      *op,
        gint64       *affected,
        GError      **error)
{
  GlossProject *project = self->project;
  const gint64 *codes = op->codes != NULL ? (const gint64 *) (gpointer) op->codes->data : NULL;
  guint n_codes = op->codes != NULL ? op->codes->len : 0;
  gint64 id;

  *affected = op->annotation;

  switch (op->kind)
    {
    case GLOSS_OP_ADD_ANNOTATION:
      id = gloss_project_add_annotation (project, op->document, op->start, op->end, codes, n_codes,
                                         op->text, op->annotator, error);
      *affected = id;
      return id > 0;

    case GLOSS_OP_SET_CODES:
      return gloss_project_set_annotation_codes (project, op->annotation, codes, n_codes, error);

    case GLOSS_OP_SET_NOTE:
      return gloss_project_set_annotation_note (project, op->annotation, op->text, error);

    case GLOSS_OP_SET_SPAN:
      return gloss_project_set_annotation_span (project, op->annotation, op->start, op->end, error);

    case GLOSS_OP_DELETE_ANNOTATION:
      return gloss_project_delete_annotation (project, op->annotation, error);

    case GLOSS_OP_RENAME_DOCUMENT:
      *affected = op->document;
      return gloss_project_rename_document (project, op->document, op->text, error);

    case GLOSS_OP_REMOVE_DOCUMENT:
      *affected = op->document;
      return gloss_project_remove_document (project, op->document, NULL, error);

    case GLOSS_OP_IMPORT_FILE:
      {
        gboolean existed = FALSE;

        id = gloss_project_import_file (project, op->text, NULL, NULL, &existed, error);
        *affected = id;
        if (id > 0 && existed)
          {
            g_autofree char *base = g_filename_display_basename (op->text);
            g_autofree char *message = g_strdup_printf (_("“%s” is already in this project"), base);

            _gloss_window_toast (self, message);
          }
        return id > 0;
      }

    default:
      g_assert_not_reached ();
    }
}

/* Shows what an op that went through changed. */
static void
apply_op (GlossWindow *self,
          GlossOp     *op,
          gint64       affected)
{
  guint shown = self->n_shown;

  switch (op->kind)
    {
    case GLOSS_OP_ADD_ANNOTATION:
      _gloss_window_refresh_annotation (self, affected);
      _gloss_window_adjust_count (self, op->document, +1);
      gloss_text_view_set_selected_annotation (self->text_view, affected);
      break;

    case GLOSS_OP_SET_CODES:
    case GLOSS_OP_SET_NOTE:
    case GLOSS_OP_SET_SPAN:
      _gloss_window_refresh_annotation (self, affected);
      break;

    case GLOSS_OP_DELETE_ANNOTATION:
      _gloss_window_refresh_annotation (self, affected);
      _gloss_window_adjust_count (self, op->document, -1);
      toast_with_action (self, _("Annotation deleted"), _("_Undo"), "win.undo");
      break;

    case GLOSS_OP_RENAME_DOCUMENT:
      _gloss_window_reload_documents (self);
      break;

    case GLOSS_OP_REMOVE_DOCUMENT:
      {
        g_autofree char *message = g_strdup_printf (_("Removed “%s”"), op->text);

        _gloss_window_reload (self);
        toast_with_action (self, message, _("_Undo"), "win.undo");
      }
      break;

    case GLOSS_OP_IMPORT_FILE:
      _gloss_window_reload_documents (self);
      gloss_window_select_document (self, affected);
      break;

    default:
      g_assert_not_reached ();
    }

  /* Selecting a new annotation showed it already, and the actions with
   * it: once is enough on the way to the frame that shows the tag. */
  if (self->n_shown == shown)
    _gloss_window_show_selected (self);
}

static gboolean
execute (GlossWindow  *self,
         GlossOp      *op,
         GError      **error)
{
  gint64 affected = 0;
  gboolean ok;

  if (self->project == NULL)
    {
      g_set_error_literal (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH, _("No project is open."));
      return FALSE;
    }

  self->own_change++;
  ok = run_op (self, op, &affected, error);
  self->own_change--;

  if (ok)
    apply_op (self, op, affected);
  return ok;
}

static void
update_banner (GlossWindow *self)
{
  g_autofree char *text = NULL;

  if (self->pending.length == 0 || self->pending_error == NULL)
    {
      if (self->project == NULL || !gloss_project_is_read_only (self->project))
        gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
      _gloss_window_update_actions (self);
      return;
    }

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%s Your change is kept and will be saved as soon as the file can be written.",
                                       "%s Your %u changes are kept and will be saved as soon as the file can be written.",
                                       self->pending.length),
                          self->pending_error->message, self->pending.length);
  g_free (self->banner_text);
  self->banner_text = g_strdup (text);
  gtk_label_set_text (self->banner_label, text);
  gtk_widget_set_visible (self->banner_button, TRUE);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
  _gloss_window_update_actions (self);
}

/* After the file was replaced or became writable, only a fresh open sees it. */
static gboolean
reopen_project (GlossWindow *self)
{
  g_autoptr(GlossProject) project = NULL;
  g_autofree char *path = g_strdup (gloss_project_get_path (self->project));

  project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, NULL);
  if (project == NULL || gloss_project_is_read_only (project))
    return FALSE;

  _gloss_window_replace_project (self, project);
  return TRUE;
}

static gboolean
retry_cb (gpointer user_data)
{
  GlossWindow *self = user_data;
  gboolean reopened = FALSE;

  while (self->pending.length > 0)
    {
      GlossOp *op = g_queue_peek_head (&self->pending);
      g_autoptr(GError) error = NULL;

      if (execute (self, op, &error))
        {
          gloss_op_free (g_queue_pop_head (&self->pending));
          continue;
        }

      if (is_retryable (error))
        {
          if (!reopened
              && (g_error_matches (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_READ_ONLY)
                  || g_error_matches (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_REPLACED)))
            {
              reopened = TRUE;
              if (reopen_project (self))
                continue;
            }
          g_clear_error (&self->pending_error);
          self->pending_error = g_steal_pointer (&error);
          update_banner (self);
          return G_SOURCE_CONTINUE;
        }

      /* The file is fine but the change no longer fits (say, its
       * annotation was deleted elsewhere): say so and move on. */
      {
        g_autofree char *message = g_strdup_printf (_("“%s” could not be saved: %s"), op->label, error->message);

        gloss_dialog_message (GTK_WINDOW (self), _("A Change Could Not Be Saved"), message);
        gloss_op_free (g_queue_pop_head (&self->pending));
      }
    }

  self->retry_id = 0;
  g_clear_error (&self->pending_error);
  update_banner (self);
  _gloss_window_toast (self, _("All changes are saved"));
  return G_SOURCE_REMOVE;
}

void
_gloss_window_stop_retrying (GlossWindow *self)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
}

/**
 * _gloss_window_submit:
 * @op: (transfer full): the change
 *
 * Writes @op through the engine, or keeps it for later when the file
 * cannot be written now.
 */
void
_gloss_window_submit (GlossWindow *self,
                      GlossOp     *op)
{
  g_autoptr(GError) error = NULL;

  /* Keep the order: nothing overtakes a change that is waiting. */
  if (self->pending.length > 0)
    {
      g_queue_push_tail (&self->pending, op);
      update_banner (self);
      return;
    }

  if (execute (self, op, &error))
    {
      gloss_op_free (op);
      return;
    }

  if (is_retryable (error))
    {
      g_queue_push_tail (&self->pending, op);
      g_clear_error (&self->pending_error);
      self->pending_error = g_steal_pointer (&error);
      update_banner (self);
      if (self->retry_id == 0)
        self->retry_id = g_timeout_add (RETRY_INTERVAL_MS, retry_cb, self);
      return;
    }

  _gloss_window_toast (self, error->message);
  gloss_op_free (op);
}

/* Tagging ----------------------------------------------------------------------- */

static gboolean
codes_contain (GArray *codes,
               gint64  code)
{
  for (guint i = 0; codes != NULL && i < codes->len; i++)
    if (g_array_index (codes, gint64, i) == code)
      return TRUE;
  return FALSE;
}

/* Adds @code to @codes; a code of a single-valued dimension replaces the
 * one of its dimension already there. */
static void
add_code (GlossWindow *self,
          GArray      *codes,
          gint64       code)
{
  GlossCodeInfo *info = _gloss_window_lookup_code (self, code);

  if (codes_contain (codes, code))
    return;

  if (info != NULL && info->single)
    {
      for (guint i = codes->len; i-- > 0;)
        {
          GlossCodeInfo *other = _gloss_window_lookup_code (self, g_array_index (codes, gint64, i));

          if (other != NULL && other->code->dimension == info->code->dimension)
            g_array_remove_index (codes, i);
        }
    }

  g_array_append_val (codes, code);
}

static gboolean
same_codes (GArray *a,
            GArray *b)
{
  if ((a != NULL ? a->len : 0) != (b != NULL ? b->len : 0))
    return FALSE;
  for (guint i = 0; a != NULL && i < a->len; i++)
    if (!codes_contain (b, g_array_index (a, gint64, i)))
      return FALSE;
  return TRUE;
}

static char *
describe_codes (GlossWindow *self,
                GArray      *codes)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < codes->len; i++)
    {
      GlossCodeInfo *info = _gloss_window_lookup_code (self, g_array_index (codes, gint64, i));

      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, info != NULL ? info->code->name : "?");
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* The annotation this annotator already made over exactly [start, end),
 * owned; the view says which annotations have that range, the file whose
 * they are. */
static GlossAnnotation *
dup_twin (GlossWindow *self,
          gint64       start,
          gint64       end,
          const char  *annotator)
{
  g_autoptr(GArray) here = gloss_text_view_get_annotations_at (self->text_view, start);

  for (guint i = 0; i < here->len; i++)
    {
      gint64 id = g_array_index (here, gint64, i);
      g_autoptr(GArray) spans = gloss_text_view_get_spans_of (self->text_view, id);
      g_autoptr(GlossAnnotation) annotation = NULL;

      if (spans->len == 0 || g_array_index (spans, GlossTextSpan, 0).start != start
          || g_array_index (spans, GlossTextSpan, 0).end != end)
        continue;

      annotation = _gloss_window_dup_annotation (self, id);
      if (annotation != NULL && annotation->start == start && annotation->end == end
          && g_strcmp0 (annotation->annotator, annotator) == 0)
        return g_steal_pointer (&annotation);
    }

  return NULL;
}

static void on_annotator_named (const char *name,
                                gpointer    user_data);
static void set_codes          (GlossWindow  *self,
                                gint64        id,
                                const gint64 *codes,
                                guint         n_codes);

/* After tagging the selection gives way to the highlight it made; the
 * new annotation stays selected, so more code keys add to it. */
static void
collapse_selection (GlossWindow *self,
                    gint64       offset)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_offset (buffer, &iter, (int) offset);
  gtk_text_buffer_place_cursor (buffer, &iter);
}

/* A code key with no text selected: toggles the code on the selected
 * annotation. */
static void
toggle_code (GlossWindow *self,
             gint64       code)
{
  gint64 id = gloss_text_view_get_selected_annotation (self->text_view);
  g_autoptr(GlossAnnotation) annotation = _gloss_window_dup_annotation (self, id);
  g_autoptr(GArray) codes = NULL;

  if (annotation == NULL)
    return;

  codes = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_vals (codes, annotation->codes->data, annotation->codes->len);
  if (codes_contain (codes, code))
    {
      for (guint i = codes->len; i-- > 0;)
        if (g_array_index (codes, gint64, i) == code)
          g_array_remove_index (codes, i);
    }
  else
    add_code (self, codes, code);

  set_codes (self, id, (const gint64 *) (gpointer) codes->data, codes->len);
}

static void
ask_annotator (GlossWindow *self)
{
  const char *real = g_get_real_name ();
  const char *initial = real != NULL && g_strcmp0 (real, "Unknown") != 0 ? real : g_get_user_name ();

  gloss_dialog_ask_text (GTK_WINDOW (self),
                         _("Who Is Annotating?"),
                         _("Gloss records who made each annotation, so colleagues can compare and merge "
                           "their work. You can change the name later in the main menu."),
                         initial, _("_Continue"),
                         on_annotator_named, g_object_ref (self), g_object_unref);
}

/**
 * _gloss_window_tag_selection:
 * @codes: (array length=n_codes): code ids
 * @replace: %TRUE: an annotation the same annotator already has on exactly
 *   this span gets exactly @codes; %FALSE: @codes are added to it
 *
 * Tags the selected text.  Tagging a span one already annotated edits
 * that annotation rather than adding a twin.
 */
void
_gloss_window_tag_selection (GlossWindow  *self,
                             const gint64 *codes,
                             guint         n_codes,
                             gboolean      replace)
{
  g_autoptr(GArray) chosen = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *names = NULL;
  g_autofree char *label = NULL;
  const char *annotator;
  g_autoptr(GlossAnnotation) twin = NULL;
  GlossOp *op;
  gint64 start, end;

  if (self->project == NULL || self->document == 0)
    return;

  if (gloss_project_is_read_only (self->project))
    {
      _gloss_window_toast (self, _("This project is read-only: nothing can be tagged."));
      return;
    }

  if (!gloss_text_view_get_selection_range (self->text_view, &start, &end))
    {
      _gloss_window_toast (self, _("Select the text to tag first"));
      return;
    }

  for (guint i = 0; i < n_codes; i++)
    {
      if (_gloss_window_lookup_code (self, codes[i]) == NULL)
        {
          _gloss_window_toast (self, _("That code is no longer in the codebook"));
          return;
        }
    }

  annotator = _gloss_window_get_annotator (self);
  if (annotator == NULL)
    {
      g_clear_pointer (&self->held_codes, g_array_unref);
      self->held_codes = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_array_append_vals (self->held_codes, codes, n_codes);
      self->held_replace = replace;
      ask_annotator (self);
      return;
    }

  twin = dup_twin (self, start, end, annotator);
  if (twin != NULL && !replace)
    g_array_append_vals (chosen, twin->codes->data, twin->codes->len);
  for (guint i = 0; i < n_codes; i++)
    add_code (self, chosen, codes[i]);

  if (twin != NULL)
    {
      if (same_codes (chosen, twin->codes))
        {
          gloss_text_view_set_selected_annotation (self->text_view, twin->id);
          return;
        }

      if (chosen->len == 0)
        {
          op = op_new (GLOSS_OP_DELETE_ANNOTATION, _("Delete annotation"));
          op->annotation = twin->id;
          op->document = twin->document;
          _gloss_window_submit (self, op);
          return;
        }

      names = describe_codes (self, chosen);
      label = g_strdup_printf (_("Tag “%s”"), names);
      op = op_new (GLOSS_OP_SET_CODES, label);
      op->annotation = twin->id;
      op->document = twin->document;
      op->codes = g_steal_pointer (&chosen);
      _gloss_window_submit (self, op);
      gloss_text_view_set_selected_annotation (self->text_view, twin->id);
      collapse_selection (self, end);
      return;
    }

  if (chosen->len == 0)
    return;

  names = describe_codes (self, chosen);
  label = g_strdup_printf (_("Tag “%s”"), names);
  op = op_new (GLOSS_OP_ADD_ANNOTATION, label);
  op->document = self->document;
  op->start = start;
  op->end = end;
  op->annotator = g_strdup (annotator);
  op->codes = g_steal_pointer (&chosen);
  _gloss_window_submit (self, op);
  collapse_selection (self, end);
}

static void
on_annotator_named (const char *name,
                    gpointer    user_data)
{
  GlossWindow *self = user_data;
  g_autoptr(GArray) held = NULL;

  if (name == NULL || name[0] == '\0')
    return;

  g_settings_set_string (self->settings, "annotator", name);
  held = g_steal_pointer (&self->held_codes);
  if (held != NULL && held->len > 0)
    _gloss_window_tag_selection (self, (const gint64 *) (gpointer) held->data, held->len, self->held_replace);
}

static void
point_popover_at (GlossWindow *self,
                  gint64       start,
                  gint64       end)
{
  GdkRectangle rect;

  if (!gloss_text_view_get_range_rect (self->text_view, start, end, &rect))
    {
      rect.x = gtk_widget_get_width (GTK_WIDGET (self->text_view)) / 2;
      rect.y = gtk_widget_get_height (GTK_WIDGET (self->text_view)) / 3;
      rect.width = rect.height = 1;
    }
  else if (rect.height > 200)
    {
      /* A long span: point at its last line, near the selection's end. */
      GdkRectangle last;

      if (gloss_text_view_get_range_rect (self->text_view, MAX (start, end - 1), end, &last))
        rect = last;
    }

  gtk_popover_set_pointing_to (GTK_POPOVER (self->tag_popover), &rect);
}

void
_gloss_window_open_tag_popover (GlossWindow *self)
{
  const char *annotator = _gloss_window_get_annotator (self);
  g_autoptr(GlossAnnotation) twin = NULL;
  gint64 start, end;

  if (!gloss_text_view_get_selection_range (self->text_view, &start, &end))
    {
      _gloss_window_toast (self, _("Select the text to tag first"));
      return;
    }

  twin = annotator != NULL ? dup_twin (self, start, end, annotator) : NULL;
  if (twin != NULL)
    gloss_tag_popover_set_chosen (self->tag_popover, (const gint64 *) (gpointer) twin->codes->data,
                                  twin->codes->len);
  else
    gloss_tag_popover_set_chosen (self->tag_popover, NULL, 0);

  self->popover_editing = FALSE;
  self->popover_annotation = 0;
  gloss_tag_popover_set_editing (self->tag_popover, twin != NULL);
  point_popover_at (self, start, end);
  gtk_popover_popup (GTK_POPOVER (self->tag_popover));
}

static void
edit_codes (GlossWindow *self)
{
  g_autoptr(GlossAnnotation) annotation = dup_selected_annotation (self);

  if (annotation == NULL)
    return;

  gloss_tag_popover_set_chosen (self->tag_popover, (const gint64 *) (gpointer) annotation->codes->data,
                                annotation->codes->len);
  self->popover_editing = TRUE;
  self->popover_annotation = annotation->id;
  gloss_tag_popover_set_editing (self->tag_popover, TRUE);
  gloss_text_view_scroll_to_range (self->text_view, annotation->start, annotation->end);
  point_popover_at (self, annotation->start, annotation->end);
  gtk_popover_popup (GTK_POPOVER (self->tag_popover));
}

static void
set_codes (GlossWindow  *self,
           gint64        id,
           const gint64 *codes,
           guint         n_codes)
{
  g_autoptr(GlossAnnotation) annotation = _gloss_window_dup_annotation (self, id);
  g_autoptr(GArray) chosen = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *names = NULL;
  g_autofree char *label = NULL;
  GlossOp *op;

  if (annotation == NULL)
    {
      _gloss_window_toast (self, _("That annotation is no longer there"));
      return;
    }

  for (guint i = 0; i < n_codes; i++)
    add_code (self, chosen, codes[i]);
  if (same_codes (chosen, annotation->codes))
    return;

  if (chosen->len == 0)
    {
      op = op_new (GLOSS_OP_DELETE_ANNOTATION, _("Delete annotation"));
      op->annotation = id;
      op->document = annotation->document;
      _gloss_window_submit (self, op);
      return;
    }

  names = describe_codes (self, chosen);
  label = g_strdup_printf (_("Tag “%s”"), names);
  op = op_new (GLOSS_OP_SET_CODES, label);
  op->annotation = id;
  op->document = annotation->document;
  op->codes = g_steal_pointer (&chosen);
  _gloss_window_submit (self, op);
}

static void
on_tag_popover_confirmed_cb (GlossTagPopover *popover,
                             GVariant        *codes,
                             GlossWindow     *self)
{
  gsize n = 0;
  const gint64 *ids = g_variant_get_fixed_array (codes, &n, sizeof (gint64));

  if (self->popover_editing && self->popover_annotation != 0)
    set_codes (self, self->popover_annotation, ids, n);
  else
    _gloss_window_tag_selection (self, ids, n, TRUE);

  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

/* Span edits ------------------------------------------------------------------------ */

typedef enum { GROW_START, SHRINK_START, GROW_END, SHRINK_END } SpanEdit;

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || c == '\'' || c == 0x2019;
}

static void
move_span (GlossWindow *self,
           SpanEdit     edit)
{
  g_autoptr(GlossAnnotation) annotation = dup_selected_annotation (self);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
  gboolean by_word = gloss_text_view_get_snap_to_words (self->text_view);
  GtkTextIter iter;
  gint64 start, end;
  GlossOp *op;

  if (annotation == NULL)
    return;

  start = annotation->start;
  end = annotation->end;

  switch (edit)
    {
    case GROW_START:
      gtk_text_buffer_get_iter_at_offset (buffer, &iter, (int) start);
      if (!by_word)
        gtk_text_iter_backward_char (&iter);
      else
        {
          /* Back over the gap, then to the start of the previous word. */
          while (!gtk_text_iter_is_start (&iter))
            {
              GtkTextIter prev = iter;

              gtk_text_iter_backward_char (&prev);
              if (is_word_char (gtk_text_iter_get_char (&prev)))
                break;
              iter = prev;
            }
          while (!gtk_text_iter_is_start (&iter))
            {
              GtkTextIter prev = iter;

              gtk_text_iter_backward_char (&prev);
              if (!is_word_char (gtk_text_iter_get_char (&prev)))
                break;
              iter = prev;
            }
        }
      start = gtk_text_iter_get_offset (&iter);
      break;

    case SHRINK_START:
      gtk_text_buffer_get_iter_at_offset (buffer, &iter, (int) start);
      if (!by_word)
        gtk_text_iter_forward_char (&iter);
      else
        {
          while (!gtk_text_iter_is_end (&iter) && is_word_char (gtk_text_iter_get_char (&iter)))
            gtk_text_iter_forward_char (&iter);
          while (!gtk_text_iter_is_end (&iter) && !is_word_char (gtk_text_iter_get_char (&iter)))
            gtk_text_iter_forward_char (&iter);
        }
      start = gtk_text_iter_get_offset (&iter);
      break;

    case GROW_END:
      gtk_text_buffer_get_iter_at_offset (buffer, &iter, (int) end);
      if (!by_word)
        gtk_text_iter_forward_char (&iter);
      else
        {
          while (!gtk_text_iter_is_end (&iter) && !is_word_char (gtk_text_iter_get_char (&iter)))
            gtk_text_iter_forward_char (&iter);
          while (!gtk_text_iter_is_end (&iter) && is_word_char (gtk_text_iter_get_char (&iter)))
            gtk_text_iter_forward_char (&iter);
        }
      end = gtk_text_iter_get_offset (&iter);
      break;

    case SHRINK_END:
      gtk_text_buffer_get_iter_at_offset (buffer, &iter, (int) end);
      if (!by_word)
        gtk_text_iter_backward_char (&iter);
      else
        {
          while (!gtk_text_iter_is_start (&iter))
            {
              GtkTextIter prev = iter;

              gtk_text_iter_backward_char (&prev);
              if (!is_word_char (gtk_text_iter_get_char (&prev)))
                break;
              iter = prev;
            }
          while (!gtk_text_iter_is_start (&iter))
            {
              GtkTextIter prev = iter;

              gtk_text_iter_backward_char (&prev);
              if (is_word_char (gtk_text_iter_get_char (&prev)))
                break;
              iter = prev;
            }
        }
      end = gtk_text_iter_get_offset (&iter);
      break;

    default:
      g_assert_not_reached ();
    }

  if (start >= end || (start == annotation->start && end == annotation->end))
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }

  op = op_new (GLOSS_OP_SET_SPAN,
               edit == GROW_START || edit == GROW_END ? _("Extend annotation") : _("Shorten annotation"));
  op->annotation = annotation->id;
  op->document = annotation->document;
  op->start = start;
  op->end = end;
  _gloss_window_submit (self, op);
}

/* Keyboard in the text ---------------------------------------------------------------- */

gboolean
_gloss_window_handle_key (GlossWindow     *self,
                          guint            keyval,
                          GdkModifierType  state)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
  GdkModifierType modifiers = state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK | GDK_META_MASK);
  gboolean writable = self->project != NULL && !gloss_project_is_read_only (self->project);
  gint64 start, end;
  gunichar c;

  if (self->project == NULL || self->document == 0 || modifiers != 0)
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      if (writable && gloss_text_view_get_selection_range (self->text_view, NULL, NULL))
        {
          _gloss_window_open_tag_popover (self);
          return GDK_EVENT_STOP;
        }
      else
        {
          GtkTextIter iter;
          g_autoptr(GArray) here = NULL;

          gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
          here = gloss_text_view_get_annotations_at (self->text_view, gtk_text_iter_get_offset (&iter));
          if (here->len == 0)
            return GDK_EVENT_PROPAGATE;
          gloss_text_view_set_selected_annotation (self->text_view, g_array_index (here, gint64, 0));
          gtk_revealer_set_reveal_child (self->inspector_revealer, TRUE);
          return GDK_EVENT_STOP;
        }

    case GDK_KEY_Escape:
      if (gloss_text_view_get_selected_annotation (self->text_view) != 0)
        {
          gloss_text_view_set_selected_annotation (self->text_view, 0);
          return GDK_EVENT_STOP;
        }
      if (gtk_text_buffer_get_has_selection (buffer))
        {
          GtkTextIter iter;

          gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
          gtk_text_buffer_place_cursor (buffer, &iter);
          return GDK_EVENT_STOP;
        }
      return GDK_EVENT_PROPAGATE;

    case GDK_KEY_Delete:
    case GDK_KEY_KP_Delete:
      if (writable && has_selected_annotation (self))
        {
          g_action_group_activate_action (G_ACTION_GROUP (self), "delete-annotation", NULL);
          return GDK_EVENT_STOP;
        }
      return GDK_EVENT_PROPAGATE;

    default:
      break;
    }

  if ((state & GDK_SHIFT_MASK) != 0)
    return GDK_EVENT_PROPAGATE;

  c = gdk_keyval_to_unicode (keyval);
  if (c != 0 && g_unichar_isprint (c))
    {
      GlossCodeInfo *info = g_hash_table_lookup (self->shortcuts, GUINT_TO_POINTER (g_unichar_tolower (c)));

      if (info == NULL || !writable)
        return GDK_EVENT_PROPAGATE;

      if (!gloss_text_view_get_selection_range (self->text_view, &start, &end)
          && has_selected_annotation (self))
        {
          toggle_code (self, info->code->id);
          return GDK_EVENT_STOP;
        }

      if (!gloss_text_view_get_selection_range (self->text_view, &start, &end))
        {
          g_autofree char *hint = g_strdup_printf (_("Select some text first, then press “%s” to tag it as %s"),
                                                   info->code->shortcut, info->code->name);

          _gloss_window_toast (self, hint);
          return GDK_EVENT_STOP;
        }

      _gloss_window_tag_selection (self, &info->code->id, 1, FALSE);
      return GDK_EVENT_STOP;
    }

  return GDK_EVENT_PROPAGATE;
}

/* Documents ------------------------------------------------------------------------------ */

static const GlossDocument *
current_document (GlossWindow *self)
{
  for (guint i = 0; self->documents != NULL && i < self->documents->len; i++)
    {
      const GlossDocument *document = g_ptr_array_index (self->documents, i);

      if (document->id == self->document)
        return document;
    }
  return NULL;
}

void
_gloss_window_import_paths (GlossWindow        *self,
                            const char * const *paths)
{
  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      g_autofree char *base = g_filename_display_basename (paths[i]);
      g_autofree char *label = g_strdup_printf (_("Import “%s”"), base);
      GlossOp *op = op_new (GLOSS_OP_IMPORT_FILE, label);

      op->text = g_strdup (paths[i]);
      _gloss_window_submit (self, op);
    }
}

static void
on_import_chosen (const char *path,
                  gpointer    user_data)
{
  const char *paths[] = { path, NULL };

  if (path != NULL)
    _gloss_window_import_paths (GLOSS_WINDOW (user_data), paths);
}

static void
on_rename_chosen (const char *title,
                  gpointer    user_data)
{
  GlossWindow *self = user_data;
  g_autofree char *label = NULL;
  GlossOp *op;

  if (title == NULL || title[0] == '\0' || self->document == 0)
    return;

  label = g_strdup_printf (_("Rename to “%s”"), title);
  op = op_new (GLOSS_OP_RENAME_DOCUMENT, label);
  op->document = self->document;
  op->text = g_strdup (title);
  _gloss_window_submit (self, op);
}

static void
on_remove_confirmed (gpointer user_data)
{
  GlossWindow *self = user_data;
  const GlossDocument *document = current_document (self);
  g_autofree char *label = NULL;
  GlossOp *op;

  if (document == NULL)
    return;

  label = g_strdup_printf (_("Remove “%s”"), document->title);
  op = op_new (GLOSS_OP_REMOVE_DOCUMENT, label);
  op->document = document->id;
  op->text = g_strdup (document->title);
  _gloss_window_submit (self, op);
}

static void
on_save_copy_chosen (const char *path,
                     gpointer    user_data)
{
  GlossWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *full = NULL;
  g_autofree char *message = NULL;
  g_autofree char *base = NULL;

  if (path == NULL || self->project == NULL)
    return;

  full = g_str_has_suffix (path, ".gloss") ? g_strdup (path) : g_strconcat (path, ".gloss", NULL);
  if (!gloss_project_save_copy (self->project, full, &error))
    {
      gloss_dialog_message (GTK_WINDOW (self), _("The Copy Could Not Be Saved"), error->message);
      return;
    }

  base = g_filename_display_basename (full);
  message = g_strdup_printf (_("Saved a copy as “%s”"), base);
  _gloss_window_toast (self, message);
}

static void
on_annotator_changed (const char *name,
                      gpointer    user_data)
{
  GlossWindow *self = user_data;

  if (name != NULL && name[0] != '\0')
    g_settings_set_string (self->settings, "annotator", name);
}

/* Action callbacks ---------------------------------------------------------------------- */

static void
undo_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GlossWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  g_autofree char *message = NULL;

  /* A change still waiting to be written is the latest one: drop it. */
  if (self->pending.length > 0)
    {
      g_autoptr(GlossOp) op = g_queue_pop_tail (&self->pending);

      message = g_strdup_printf (_("Discarded the unsaved change “%s”"), op->label);
      _gloss_window_toast (self, message);
      if (self->pending.length == 0)
        {
          _gloss_window_stop_retrying (self);
          g_clear_error (&self->pending_error);
        }
      update_banner (self);
      return;
    }

  label = g_strdup (gloss_project_get_undo_label (self->project));
  if (!gloss_project_undo (self->project, &error))
    {
      gloss_dialog_message (GTK_WINDOW (self), _("Nothing Was Undone"), error->message);
      return;
    }

  message = g_strdup_printf (_("Undone: %s"), label != NULL ? label : _("last change"));
  toast_with_action (self, message, _("_Redo"), "win.redo");
  _gloss_window_update_actions (self);
}

static void
redo_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GlossWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = g_strdup (gloss_project_get_redo_label (self->project));
  g_autofree char *message = NULL;

  if (!gloss_project_redo (self->project, &error))
    {
      gloss_dialog_message (GTK_WINDOW (self), _("Nothing Was Redone"), error->message);
      return;
    }

  message = g_strdup_printf (_("Redone: %s"), label != NULL ? label : _("last change"));
  _gloss_window_toast (self, message);
  _gloss_window_update_actions (self);
}

static void
retry_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GlossWindow *self = user_data;

  /* Retry now; the timer starts over if the file is still not writable. */
  _gloss_window_stop_retrying (self);
  if (retry_cb (self) == G_SOURCE_CONTINUE)
    self->retry_id = g_timeout_add (RETRY_INTERVAL_MS, retry_cb, self);
}

static void
tag_codes_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  gsize n = 0;
  const gint64 *codes = g_variant_get_fixed_array (parameter, &n, sizeof (gint64));

  _gloss_window_tag_selection (GLOSS_WINDOW (user_data), codes, n, FALSE);
}

static void
set_codes_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  g_autoptr(GVariant) array = NULL;
  const gint64 *codes;
  gint64 id;
  gsize n = 0;

  g_variant_get (parameter, "(x@ax)", &id, &array);
  codes = g_variant_get_fixed_array (array, &n, sizeof (gint64));
  set_codes (GLOSS_WINDOW (user_data), id, codes, n);
}

static void
open_tag_popover_action (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  _gloss_window_open_tag_popover (GLOSS_WINDOW (user_data));
}

static void
edit_codes_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  edit_codes (GLOSS_WINDOW (user_data));
}

static void
set_note_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GlossWindow *self = user_data;
  g_autoptr(GlossAnnotation) annotation = NULL;
  const char *note = NULL;
  gint64 id;
  GlossOp *op;

  g_variant_get (parameter, "(x&s)", &id, &note);
  annotation = _gloss_window_dup_annotation (self, id);
  if (annotation == NULL)
    return;
  if (g_strcmp0 (note, annotation->note != NULL ? annotation->note : "") == 0)
    return;

  op = op_new (GLOSS_OP_SET_NOTE, _("Edit note"));
  op->annotation = id;
  op->document = annotation->document;
  op->text = note[0] != '\0' ? g_strdup (note) : NULL;
  _gloss_window_submit (self, op);
}

static void
grow_start_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  move_span (GLOSS_WINDOW (user_data), GROW_START);
}

static void
shrink_start_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  move_span (GLOSS_WINDOW (user_data), SHRINK_START);
}

static void
grow_end_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  move_span (GLOSS_WINDOW (user_data), GROW_END);
}

static void
shrink_end_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  move_span (GLOSS_WINDOW (user_data), SHRINK_END);
}

static void
delete_annotation_action (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  GlossWindow *self = user_data;
  g_autoptr(GlossAnnotation) annotation = dup_selected_annotation (self);
  GlossOp *op;

  if (annotation == NULL)
    return;

  op = op_new (GLOSS_OP_DELETE_ANNOTATION, _("Delete annotation"));
  op->annotation = annotation->id;
  op->document = annotation->document;
  _gloss_window_submit (self, op);
}

typedef struct
{
  GlossWindow *self;
  gint64       start;
  gint64       end;
} ScrollLater;

static void
on_inspector_revealed_cb (GtkRevealer *revealer,
                          GParamSpec  *pspec,
                          ScrollLater *later)
{
  if (!gtk_revealer_get_child_revealed (revealer))
    return;

  gloss_text_view_scroll_to_range (later->self->text_view, later->start, later->end);
  g_signal_handlers_disconnect_by_data (revealer, later);
}

/* Opening the inspector narrows the text and rewraps it: scroll once it
 * has its final width, or the annotation may end up off screen. */
static void
reveal_inspector_then_scroll (GlossWindow *self,
                              gint64       start,
                              gint64       end)
{
  gloss_text_view_scroll_to_range (self->text_view, start, end);
  if (gtk_revealer_get_child_revealed (self->inspector_revealer))
    return;

  {
    ScrollLater *later = g_new0 (ScrollLater, 1);

    later->self = self;
    later->start = start;
    later->end = end;
    g_signal_connect_data (self->inspector_revealer, "notify::child-revealed",
                           G_CALLBACK (on_inspector_revealed_cb), later,
                           (GClosureNotify) (void (*) (void)) g_free, 0);
  }
  gtk_revealer_set_reveal_child (self->inspector_revealer, TRUE);
}

static void
select_annotation_action (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  GlossWindow *self = user_data;
  gint64 id = g_variant_get_int64 (parameter);
  g_autoptr(GlossAnnotation) annotation = _gloss_window_dup_annotation (self, id);

  if (annotation == NULL)
    {
      gloss_text_view_set_selected_annotation (self->text_view, 0);
      return;
    }

  gloss_text_view_set_selected_annotation (self->text_view, id);
  reveal_inspector_then_scroll (self, annotation->start, annotation->end);
}

static void
step_annotation_here (GlossWindow *self,
                      int          step)
{
  g_autoptr(GlossAnnotation) annotation = dup_selected_annotation (self);
  g_autoptr(GArray) here = NULL;

  if (annotation == NULL)
    return;

  here = gloss_text_view_get_annotations_at (self->text_view, annotation->start);
  for (guint i = 0; i < here->len; i++)
    {
      if (g_array_index (here, gint64, i) == annotation->id)
        {
          guint next = (i + here->len + step) % here->len;

          gloss_text_view_set_selected_annotation (self->text_view, g_array_index (here, gint64, next));
          return;
        }
    }
}

static void
next_annotation_here_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  step_annotation_here (GLOSS_WINDOW (user_data), +1);
}

static void
previous_annotation_here_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  step_annotation_here (GLOSS_WINDOW (user_data), -1);
}

static void
select_document_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  gloss_window_select_document (GLOSS_WINDOW (user_data), g_variant_get_int64 (parameter));
}

static void
rename_document_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  GlossWindow *self = user_data;
  const GlossDocument *document = current_document (self);

  if (document == NULL)
    return;

  gloss_dialog_ask_text (GTK_WINDOW (self), _("Rename Document"), NULL, document->title, _("_Rename"),
                         on_rename_chosen, g_object_ref (self), g_object_unref);
}

static void
remove_document_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  GlossWindow *self = user_data;
  const GlossDocument *document = current_document (self);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

  if (document == NULL)
    return;

  heading = g_strdup_printf (_("Remove “%s”?"), document->title);
  if (document->n_annotations > 0)
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Its %lld annotation will be removed with it. "
                                         "Undo (Ctrl+Z) brings both back.",
                                         "Its %lld annotations will be removed with it. "
                                         "Undo (Ctrl+Z) brings them all back.",
                                         (gulong) document->n_annotations),
                            (long long) document->n_annotations);
  else
    body = g_strdup (_("It has no annotations. Undo (Ctrl+Z) brings it back."));

  gloss_dialog_confirm (GTK_WINDOW (self), heading, body, _("_Remove"), TRUE,
                        on_remove_confirmed, g_object_ref (self), g_object_unref);
}

static void
import_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  GlossWindow *self = user_data;

  gloss_dialog_choose_text_files (GTK_WINDOW (self), on_import_chosen, g_object_ref (self), g_object_unref);
}

static void
import_path_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  const char *paths[] = { g_variant_get_string (parameter, NULL), NULL };

  _gloss_window_import_paths (GLOSS_WINDOW (user_data), paths);
}

static void
save_copy_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GlossWindow *self = user_data;
  g_autofree char *base = g_path_get_basename (gloss_project_get_path (self->project));
  g_autofree char *suggested = NULL;

  if (g_str_has_suffix (base, ".gloss"))
    base[strlen (base) - strlen (".gloss")] = '\0';
  /* Translators: the name suggested for a copy of a project */
  suggested = g_strdup_printf (_("%s (copy).gloss"), base);
  gloss_dialog_choose_file (GTK_WINDOW (self), _("Save a Copy"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                            suggested, on_save_copy_chosen, g_object_ref (self), g_object_unref);
}

static void
change_annotator_action (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  GlossWindow *self = user_data;
  const char *current = _gloss_window_get_annotator (self);

  gloss_dialog_ask_text (GTK_WINDOW (self), _("Annotator Name"),
                         _("New annotations are recorded under this name. Annotations already made keep "
                           "theirs."),
                         current != NULL ? current : g_get_real_name (), _("_Change"),
                         on_annotator_changed, g_object_ref (self), g_object_unref);
}

static void
set_zoom (GlossWindow *self,
          double       zoom)
{
  gloss_text_view_set_zoom (self->text_view, zoom);
  g_settings_set_double (self->settings, "zoom", gloss_text_view_get_zoom (self->text_view));
}

static void
zoom_in_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GlossWindow *self = user_data;

  set_zoom (self, gloss_text_view_get_zoom (self->text_view) * ZOOM_STEP);
}

static void
zoom_out_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GlossWindow *self = user_data;

  set_zoom (self, gloss_text_view_get_zoom (self->text_view) / ZOOM_STEP);
}

static void
zoom_reset_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  set_zoom (GLOSS_WINDOW (user_data), 1.0);
}

static void
close_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));
}

static const GActionEntry win_actions[] = {
  { "undo", undo_action },
  { "redo", redo_action },
  { "retry", retry_action },
  { "tag-codes", tag_codes_action, "ax" },
  { "set-codes", set_codes_action, "(xax)" },
  { "open-tag-popover", open_tag_popover_action },
  { "edit-codes", edit_codes_action },
  { "set-note", set_note_action, "(xs)" },
  { "grow-start", grow_start_action },
  { "shrink-start", shrink_start_action },
  { "grow-end", grow_end_action },
  { "shrink-end", shrink_end_action },
  { "delete-annotation", delete_annotation_action },
  { "select-annotation", select_annotation_action, "x" },
  { "next-annotation-here", next_annotation_here_action },
  { "previous-annotation-here", previous_annotation_here_action },
  { "select-document", select_document_action, "x" },
  { "rename-document", rename_document_action },
  { "remove-document", remove_document_action },
  { "import", import_action },
  { "import-path", import_path_action, "s" },
  { "save-copy", save_copy_action },
  { "change-annotator", change_annotator_action },
  { "zoom-in", zoom_in_action },
  { "zoom-out", zoom_out_action },
  { "zoom-reset", zoom_reset_action },
  { "close", close_action },
};

/* Drag and drop ------------------------------------------------------------------------- */

static gboolean
on_drop_cb (GtkDropTarget *target,
            const GValue  *value,
            double         x,
            double         y,
            GlossWindow   *self)
{
  GSList *files = g_value_get_boxed (value);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  if (self->project == NULL || gloss_project_is_read_only (self->project))
    return FALSE;

  for (GSList *l = files; l != NULL; l = l->next)
    {
      char *path = g_file_get_path (l->data);

      if (path != NULL)
        g_ptr_array_add (paths, path);
    }
  g_ptr_array_add (paths, NULL);

  _gloss_window_import_paths (self, (const char * const *) paths->pdata);
  return TRUE;
}

void
_gloss_window_install_actions (GlossWindow *self)
{
  g_autoptr(GPropertyAction) sidebar = NULL;
  g_autoptr(GPropertyAction) inspector = NULL;
  g_autoptr(GSimpleAction) nothing = NULL;
  GtkDropTarget *drop;

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);

  sidebar = g_property_action_new ("show-sidebar", self->flap, "reveal-flap");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (sidebar));
  inspector = g_property_action_new ("show-inspector", self->inspector_revealer, "reveal-child");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (inspector));
  nothing = g_simple_action_new ("nothing", NULL);
  g_simple_action_set_enabled (nothing, FALSE);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (nothing));

  g_signal_connect (self->tag_popover, "confirmed", G_CALLBACK (on_tag_popover_confirmed_cb), self);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->content_stack), GTK_EVENT_CONTROLLER (drop));
}
