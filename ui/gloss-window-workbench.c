/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-window"

#include "config.h"

#include <glib/gi18n.h>

#include "gloss-annotation-list.h"
#include "gloss-codebook-editor.h"
#include "gloss-compare-view.h"
#include "gloss-dialogs.h"
#include "gloss-document-properties.h"
#include "gloss-find-bar.h"
#include "gloss-merge.h"
#include "gloss-transfer-dialog.h"
#include "gloss-window-private.h"

/* The workbench around the text: the annotation list beside the text
 * (Text | Annotations in the header), the find bar above it, review
 * (accept, reject, next unreviewed, and the progress), and the entry
 * points of the codebook editor, document properties, import and export,
 * comparison with other analysts' files and merging them.  The widgets
 * are self-contained; this file wires them to the window and to each
 * other. */

#define RECOUNT_DELAY_MS 300
#define MERGE_REPORT_ITEMS 5
#define NEXT_ONE_BY_ONE  50    /* rows of the list checked one query each */

static gboolean
showing_list (GlossWindow *self)
{
  return g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "annotations") == 0;
}

/* The annotation review acts on: the list's selected row while the list
 * is shown, else the one selected in the text. */
static gint64
current_annotation (GlossWindow *self)
{
  if (showing_list (self))
    return gloss_annotation_list_get_selected (self->annotation_list);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "document") != 0)
    return 0;
  return gloss_text_view_get_selected_annotation (self->text_view);
}

/* Showing things in the text ------------------------------------------------- */

/* For a few frames after a jump, the text may still be laid out, and the
 * text view's own scroll (to keep the target on screen at all) may move
 * it to the bottom edge: bring it back to the upper third until it stays. */
static gboolean
jump_tick_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  GlossWindow *self = user_data;
  GtkTextView *view = GTK_TEXT_VIEW (self->text_view);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextMark *mark = gtk_text_buffer_get_mark (buffer, "gloss-jump");
  GdkRectangle visible, location;
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_offset (buffer, &iter, (int) self->jump_offset);
  if (mark == NULL)
    mark = gtk_text_buffer_create_mark (buffer, "gloss-jump", &iter, TRUE);
  else
    gtk_text_buffer_move_mark (buffer, mark, &iter);

  gtk_text_view_get_visible_rect (view, &visible);
  gtk_text_view_get_iter_location (view, &iter, &location);
  if (location.y < visible.y + visible.height / 20 || location.y > visible.y + visible.height * 9 / 20)
    gtk_text_view_scroll_to_mark (view, mark, 0.0, TRUE, 0.0, 0.3);

  if (--self->jump_frames > 0)
    return G_SOURCE_CONTINUE;
  self->jump_tick_id = 0;
  return G_SOURCE_REMOVE;
}

/* Scrolls @offset to the upper third of the text, so what follows it is
 * in view too: where a passage the user jumped to belongs. */
static void
scroll_to_upper_third (GlossWindow *self,
                       gint64       offset)
{
  self->jump_offset = offset;
  self->jump_frames = 40;
  if (self->jump_tick_id == 0)
    self->jump_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->text_view), jump_tick_cb, self, NULL);
}

/* Shows [start, end) of @document selected in the text, ready to tag. */
static gboolean
show_range (GlossWindow *self,
            gint64       document,
            gint64       start,
            gint64       end)
{
  if (document != self->document && !gloss_window_select_document (self, document))
    return FALSE;

  adw_view_stack_set_visible_child_name (self->view_stack, "text");
  gloss_text_view_select_range (self->text_view, start, end);
  gloss_text_view_scroll_to_range (self->text_view, start, end);
  scroll_to_upper_third (self, start);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
  return TRUE;
}

/**
 * _gloss_window_show_annotation:
 * @annotation: an annotation of any document
 *
 * Shows @annotation's document, selects the annotation in the text and in
 * the annotation list, scrolls to it and opens the inspector.
 *
 * Returns: %FALSE when the annotation is not there (a toast says so)
 */
gboolean
_gloss_window_show_annotation (GlossWindow *self,
                               gint64       annotation)
{
  g_autoptr(GlossAnnotation) found = NULL;
  g_autoptr(GError) error = NULL;

  if (self->project == NULL)
    return FALSE;

  found = gloss_project_get_annotation (self->project, annotation, &error);
  if (found == NULL || found->deleted)
    {
      _gloss_window_toast (self, _("That annotation is no longer there"));
      return FALSE;
    }

  if (found->document != self->document && !gloss_window_select_document (self, found->document))
    return FALSE;
  /* A long document loads its annotations in steps: this one may be
   * further down than what is loaded yet. */
  if (!gloss_text_view_has_annotation (self->text_view, annotation))
    _gloss_window_refresh_annotation (self, annotation);

  adw_view_stack_set_visible_child_name (self->view_stack, "text");
  g_action_group_activate_action (G_ACTION_GROUP (self), "select-annotation", g_variant_new_int64 (annotation));
  scroll_to_upper_third (self, found->start);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
  return TRUE;
}

/* Review progress ------------------------------------------------------------ */

static gboolean
progress_visible (GlossWindow *self)
{
  return showing_list (self) || gtk_revealer_get_reveal_child (self->inspector_revealer);
}

static void
show_progress (GlossWindow *self)
{
  g_autofree char *text = NULL;

  /* Translators: review progress, e.g. "3 of 15 reviewed" */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u reviewed", "%u of %u reviewed", self->n_live),
                          self->n_reviewed, self->n_live);
  gtk_label_set_text (self->review_progress_label, text);
  gtk_level_bar_set_value (self->review_level,
                           self->n_live > 0 ? (double) MIN (self->n_reviewed, self->n_live) / self->n_live : 0.0);
  gloss_inspector_set_review_progress (self->inspector, self->n_reviewed, self->n_live);
}

static gboolean
count_status (GlossWindow        *self,
              GlossReviewStatus   status,
              guint              *n,
              GError            **error)
{
  GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
  g_autoptr(GPtrArray) annotations = NULL;

  filter.status = status;
  annotations = gloss_project_list_annotations (self->project, &filter, error);
  if (annotations == NULL)
    return FALSE;
  *n = annotations->len;
  return TRUE;
}

/* The live annotations: the sum of the documents' counts, which the
 * window keeps in step with its own changes. */
static guint
count_live (GlossWindow *self)
{
  guint live = 0;

  for (guint i = 0; self->documents != NULL && i < self->documents->len; i++)
    live += (guint) ((GlossDocument *) g_ptr_array_index (self->documents, i))->n_annotations;
  return live;
}

/* Counts the reviewed annotations again: two queries over every
 * annotation, about 0.4 s with 100,000, so only when something else
 * changed the file, and only when the progress is on screen. */
static void
recount_reviews (GlossWindow *self)
{
  g_autoptr(GError) error = NULL;
  guint accepted = 0, rejected = 0;

  g_clear_handle_id (&self->review_count_id, g_source_remove);
  if (self->project == NULL)
    return;

  if (!count_status (self, GLOSS_REVIEW_ACCEPTED, &accepted, &error) ||
      !count_status (self, GLOSS_REVIEW_REJECTED, &rejected, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The review progress could not be counted: %s"),
                                                  error->message);

      _gloss_window_toast (self, message);
      return;
    }

  self->n_reviewed = accepted + rejected;
  self->n_live = count_live (self);
  self->review_stale = FALSE;
  show_progress (self);
}

static gboolean
recount_cb (gpointer user_data)
{
  GlossWindow *self = user_data;

  self->review_count_id = 0;
  /* Nobody looks at the progress: count when someone does. */
  if (progress_visible (self))
    recount_reviews (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_recount (GlossWindow *self)
{
  if (self->review_stale && self->review_count_id == 0 && progress_visible (self))
    self->review_count_id = g_timeout_add (RECOUNT_DELAY_MS, recount_cb, self);
}

/* After the window's own tagging: nothing was reviewed, only the number
 * of annotations can have changed.  A deletion may have taken a reviewed
 * one, so that alone asks for a count. */
static gboolean
own_change_cb (gpointer user_data)
{
  GlossWindow *self = user_data;
  guint live = count_live (self);

  self->own_change_id = 0;
  if (live < self->n_live)
    {
      self->review_stale = TRUE;
      schedule_recount (self);
      return G_SOURCE_REMOVE;
    }

  self->n_live = live;
  show_progress (self);
  return G_SOURCE_REMOVE;
}

static void
on_project_changed_cb (GlossWindow *self)
{
  /* A review the window writes itself is counted as it goes. */
  if (self->reviewing)
    return;

  /* The window updates its documents' counts after the change returns. */
  if (self->own_change > 0)
    {
      if (self->own_change_id == 0)
        self->own_change_id = g_idle_add (own_change_cb, self);
      return;
    }

  self->review_stale = TRUE;
  schedule_recount (self);
}

/* Review --------------------------------------------------------------------- */

static char *
dup_review_note (GlossWindow *self)
{
  g_autofree char *note = NULL;

  if (showing_list (self))
    note = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->review_note_entry)));
  else
    note = gloss_inspector_dup_review_note (self->inspector);

  g_strstrip (note);
  return note[0] != '\0' ? g_steal_pointer (&note) : NULL;
}

static void
review_current (GlossWindow       *self,
                GlossReviewStatus  status)
{
  g_autoptr(GlossAnnotation) before = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;
  const char *reviewer;
  gint64 id = current_annotation (self);
  gboolean ok;

  if (self->project == NULL)
    return;
  if (id == 0)
    {
      _gloss_window_toast (self, _("Select an annotation to review first"));
      return;
    }

  reviewer = _gloss_window_get_annotator (self);
  if (reviewer == NULL)
    {
      _gloss_window_toast (self, _("Say who is reviewing first, then accept or reject again"));
      g_action_group_activate_action (G_ACTION_GROUP (self), "change-annotator", NULL);
      return;
    }

  before = gloss_project_get_annotation (self->project, id, &error);
  if (before == NULL || before->deleted)
    {
      _gloss_window_toast (self, _("That annotation is no longer there"));
      return;
    }

  note = dup_review_note (self);
  self->own_change++;
  self->reviewing = TRUE;
  ok = gloss_project_review_annotation (self->project, id, status, note, reviewer, &error);
  self->reviewing = FALSE;
  self->own_change--;

  if (!ok)
    {
      gloss_dialog_message (GTK_WINDOW (self), _("The Review Could Not Be Saved"), error->message);
      return;
    }

  if (before->status == GLOSS_REVIEW_UNREVIEWED && status != GLOSS_REVIEW_UNREVIEWED)
    self->n_reviewed++;
  else if (before->status != GLOSS_REVIEW_UNREVIEWED && status == GLOSS_REVIEW_UNREVIEWED && self->n_reviewed > 0)
    self->n_reviewed--;
  show_progress (self);

  gtk_editable_set_text (GTK_EDITABLE (self->review_note_entry), "");
  if (before->document == self->document)
    {
      _gloss_window_refresh_annotation (self, id);
      _gloss_window_show_selected (self);
    }
  _gloss_window_update_actions (self);
}

static void
review_accept_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  review_current (GLOSS_WINDOW (user_data), GLOSS_REVIEW_ACCEPTED);
}

static void
review_reject_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  review_current (GLOSS_WINDOW (user_data), GLOSS_REVIEW_REJECTED);
}

static void
review_clear_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  review_current (GLOSS_WINDOW (user_data), GLOSS_REVIEW_UNREVIEWED);
}

/* Whether @a comes after (start, end, id) in the text. */
static gboolean
comes_after (const GlossAnnotation *a,
             gint64                 start,
             gint64                 end,
             gint64                 id)
{
  if (a->start != start)
    return a->start > start;
  if (a->end != end)
    return a->end > end;
  return a->id > id;
}

/* The next unreviewed annotation in reading order, from the selected
 * annotation (or the cursor) on, document by document, wrapping round. */
static gint64
next_unreviewed_in_text (GlossWindow  *self,
                         GError      **error)
{
  g_autoptr(GlossAnnotation) selected = NULL;
  gint64 start = 0, end = 0, id = 0;
  guint n = self->documents != NULL ? self->documents->len : 0;
  guint first = 0;

  if (n == 0)
    return 0;

  for (guint i = 0; i < n; i++)
    if (((GlossDocument *) g_ptr_array_index (self->documents, i))->id == self->document)
      first = i;

  id = gloss_text_view_get_selected_annotation (self->text_view);
  selected = _gloss_window_dup_annotation (self, id);
  if (selected != NULL)
    {
      start = selected->start;
      end = selected->end;
    }
  else
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
      GtkTextIter cursor;

      gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
      start = gtk_text_iter_get_offset (&cursor);
      end = -1;
      id = -1;
    }

  /* Step n comes back to the first document, for what lies before. */
  for (guint step = 0; step <= n; step++)
    {
      const GlossDocument *document = g_ptr_array_index (self->documents, (first + step) % n);
      GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
      g_autoptr(GPtrArray) unreviewed = NULL;

      filter.document = document->id;
      filter.status = GLOSS_REVIEW_UNREVIEWED;
      unreviewed = gloss_project_list_annotations (self->project, &filter, error);
      if (unreviewed == NULL)
        return -1;

      for (guint i = 0; i < unreviewed->len; i++)
        {
          const GlossAnnotation *a = g_ptr_array_index (unreviewed, i);

          if (step == 0 && document->id == self->document && !comes_after (a, start, end, id))
            continue;
          return a->id;
        }
    }

  return 0;
}

/* The next unreviewed row in the list's own order and filters. */
static gint64
next_unreviewed_in_list (GlossWindow  *self,
                         GError      **error)
{
  GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
  g_autoptr(GPtrArray) unreviewed = NULL;
  g_autoptr(GHashTable) ids = NULL;
  gint64 selected = gloss_annotation_list_get_selected (self->annotation_list);
  guint n = gloss_annotation_list_get_n_shown (self->annotation_list);
  guint from = n > 0 ? n - 1 : 0;   /* nothing selected: from the first row */

  for (guint i = 0; selected != 0 && i < n; i++)
    if (gloss_annotation_list_get_shown (self->annotation_list, i) == selected)
      from = i;

  /* Usually one of the next few rows: ask for those one by one. */
  for (guint k = 1; k <= MIN (n, NEXT_ONE_BY_ONE); k++)
    {
      gint64 id = gloss_annotation_list_get_shown (self->annotation_list, (from + k) % n);
      g_autoptr(GlossAnnotation) annotation = gloss_project_get_annotation (self->project, id, error);

      if (annotation == NULL)
        return -1;
      if (!annotation->deleted && annotation->status == GLOSS_REVIEW_UNREVIEWED)
        return id;
    }

  /* Else every unreviewed one at once, rather than a query per row. */
  filter.status = GLOSS_REVIEW_UNREVIEWED;
  unreviewed = gloss_project_list_annotations (self->project, &filter, error);
  if (unreviewed == NULL)
    return -1;

  ids = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < unreviewed->len; i++)
    g_hash_table_add (ids, &((GlossAnnotation *) g_ptr_array_index (unreviewed, i))->id);

  for (guint k = NEXT_ONE_BY_ONE + 1; k <= n; k++)
    {
      gint64 id = gloss_annotation_list_get_shown (self->annotation_list, (from + k) % n);

      if (g_hash_table_contains (ids, &id))
        return id;
    }

  return 0;
}

static void
next_unreviewed_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  GlossWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean in_list = showing_list (self);
  gint64 next;

  if (self->project == NULL)
    return;

  next = in_list ? next_unreviewed_in_list (self, &error) : next_unreviewed_in_text (self, &error);
  if (next < 0)
    {
      _gloss_window_toast (self, error->message);
      return;
    }
  if (next == 0)
    {
      _gloss_window_toast (self, in_list && gloss_annotation_list_get_n_shown (self->annotation_list)
                                              < gloss_annotation_list_get_n_annotations (self->annotation_list)
                                 ? _("Every annotation shown is reviewed")
                                 : _("Every annotation is reviewed"));
      return;
    }

  if (in_list)
    gloss_annotation_list_select (self->annotation_list, next);
  else
    _gloss_window_show_annotation (self, next);
}

/* The annotation list and the text, in step ------------------------------------ */

static void
on_annotation_list_annotation_activated_cb (GlossWindow *self,
                                            gint64       annotation)
{
  gint64 selected = gloss_annotation_list_get_selected (self->annotation_list);

  /* Enter opens the row under the keyboard focus, which stays where it
   * was when the selection moved without it (next unreviewed, a
   * highlight chosen in the text): what is shown selected is meant. */
  _gloss_window_show_annotation (self, selected != 0 ? selected : annotation);
}

/* Whether @id is a live annotation of the shown document. */
static gboolean
in_shown_document (GlossWindow *self,
                   gint64       id)
{
  g_autoptr(GlossAnnotation) annotation = NULL;

  if (gloss_text_view_has_annotation (self->text_view, id))
    return TRUE;
  annotation = _gloss_window_dup_annotation (self, id);
  return annotation != NULL;
}

static void
on_annotation_list_selected_annotation_notify_cb (GlossWindow *self)
{
  gint64 id = gloss_annotation_list_get_selected (self->annotation_list);

  /* A row of the shown document selects its highlight too; another
   * document waits until the row is opened. */
  if (!self->syncing_selection && id != 0 && in_shown_document (self, id))
    {
      self->syncing_selection = TRUE;
      gloss_text_view_set_selected_annotation (self->text_view, id);
      self->syncing_selection = FALSE;
    }
  _gloss_window_update_actions (self);
}

static void
on_text_selected_annotation_notify_cb (GlossWindow *self)
{
  gint64 id = gloss_text_view_get_selected_annotation (self->text_view);

  /* A hidden list is brought in step when it is shown: finding the row
   * among a hundred thousand would hold up every tag. */
  if (self->syncing_selection || id == 0 || !showing_list (self))
    return;

  self->syncing_selection = TRUE;
  gloss_annotation_list_select (self->annotation_list, id);
  self->syncing_selection = FALSE;
}

static gboolean
select_text_annotation_in_list_cb (gpointer user_data)
{
  GlossWindow *self = user_data;
  gint64 id = gloss_text_view_get_selected_annotation (self->text_view);

  if (id != 0 && showing_list (self))
    {
      self->syncing_selection = TRUE;
      gloss_annotation_list_select (self->annotation_list, id);
      self->syncing_selection = FALSE;
    }
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static GtkWidget *
find_column_view (GtkWidget *widget)
{
  if (GTK_IS_COLUMN_VIEW (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_column_view (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The list reads every annotation of the project: it does so when it is
 * first shown, not while the window opens. */
static void
ensure_list_project (GlossWindow *self)
{
  if (gloss_annotation_list_get_project (self->annotation_list) != self->project)
    gloss_annotation_list_set_project (self->annotation_list, self->project);
}

static void
on_view_stack_visible_child_name_notify_cb (GlossWindow *self)
{
  if (showing_list (self))
    {
      gint64 id = gloss_text_view_get_selected_annotation (self->text_view);
      GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
      GtkWidget *rows = find_column_view (GTK_WIDGET (self->annotation_list));

      ensure_list_project (self);

      /* The list may still be catching up with changes made while it was
       * hidden: select again once it has. */
      if (id != 0 && !gloss_annotation_list_select (self->annotation_list, id))
        g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, select_text_annotation_in_list_cb, g_object_ref (self), NULL);

      /* The keys then move through the rows, Enter opens one. */
      if (rows != NULL && (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->annotation_list))))
        gtk_widget_grab_focus (rows);
    }

  schedule_recount (self);
  _gloss_window_update_actions (self);
}

static void
on_inspector_revealed_cb (GlossWindow *self)
{
  schedule_recount (self);
}

/* Picking a document in the sidebar shows its text. */
static void
on_document_row_chosen_cb (GlossWindow *self)
{
  adw_view_stack_set_visible_child_name (self->view_stack, "text");
}

static void
show_in_text_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  GlossWindow *self = user_data;
  gint64 id = gloss_annotation_list_get_selected (self->annotation_list);

  if (id != 0)
    _gloss_window_show_annotation (self, id);
}

/* Find ----------------------------------------------------------------------- */

static void
on_find_bar_match_activated_cb (GlossWindow *self,
                                gint64       document,
                                gint64       start,
                                gint64       end)
{
  show_range (self, document, start, end);
}

/* Compare -------------------------------------------------------------------- */

static void
update_comparison (GlossWindow *self)
{
  g_autoptr(GArray) spans = NULL;
  g_autoptr(GArray) drawn = NULL;
  guint n_analysts;

  if (self->text_view == NULL)
    return;

  n_analysts = self->compare_view != NULL ? gloss_compare_view_get_n_analysts (self->compare_view) : 0;
  if (n_analysts == 0 || self->document == 0)
    {
      gloss_text_view_set_comparison (self->text_view, NULL, 0);
      return;
    }

  spans = gloss_compare_view_dup_spans (self->compare_view, self->document);
  drawn = g_array_sized_new (FALSE, FALSE, sizeof (GlossTextComparison), spans->len);
  for (guint i = 0; i < spans->len; i++)
    {
      const GlossCompareSpan *span = &g_array_index (spans, GlossCompareSpan, i);
      GlossTextComparison c = { span->start, span->end, span->analyst, span->color };

      g_array_append_val (drawn, c);
    }
  gloss_text_view_set_comparison (self->text_view, drawn, n_analysts);
}

static void
on_disagreement_activated_cb (GlossWindow *self,
                              gint64       document,
                              gint64       start,
                              gint64       end)
{
  if (document <= 0)
    {
      _gloss_window_toast (self, _("This passage is only in the other files, not in this project"));
      return;
    }

  /* The passage is shown ready to work on: tag it, or review it. */
  gtk_window_present (GTK_WINDOW (self));
  if (show_range (self, document, start, end))
    update_comparison (self);
}

static void
on_compare_window_destroy_cb (GlossWindow *self)
{
  g_clear_weak_pointer (&self->compare_view);
  update_comparison (self);
}

static void
compare_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GlossWindow *self = user_data;
  GtkWindow *window;
  GlossCompareView *view;

  if (self->project == NULL)
    return;

  if (self->compare_view != NULL)
    {
      gtk_window_present (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self->compare_view))));
      gloss_compare_view_choose_files (self->compare_view);
      return;
    }

  view = gloss_compare_view_new (gloss_project_get_path (self->project));
  g_signal_connect_object (view, "disagreement-activated", G_CALLBACK (on_disagreement_activated_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (view, "spans-changed", G_CALLBACK (update_comparison), self, G_CONNECT_SWAPPED);
  window = gloss_compare_view_present_window (view, GTK_WINDOW (self));
  g_signal_connect_object (window, "destroy", G_CALLBACK (on_compare_window_destroy_cb), self,
                           G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->compare_view, view);
  gloss_compare_view_choose_files (view);
}

/* Merge ---------------------------------------------------------------------- */

typedef struct
{
  char             *target;
  char            **sources;
  GlossMergeReport  report;
} MergeJob;

static void
merge_job_free (MergeJob *job)
{
  g_free (job->target);
  g_strfreev (job->sources);
  gloss_merge_report_clear (&job->report);
  g_free (job);
}

/* On a connection of its own: a GlossProject is used by one thread only. */
static void
merge_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  MergeJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) target = gloss_project_open (job->target, GLOSS_OPEN_DEFAULT, &error);

  if (target == NULL ||
      !gloss_merge (target, (const char * const *) job->sources, FALSE, &job->report, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static char *
describe_merge (const GlossMergeReport *report)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *backup = report->backup != NULL ? g_filename_display_basename (report->backup) : NULL;

  g_string_append_printf (text, _("Added: %u"), report->added);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Unchanged: %u"), report->unchanged);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Updated: %u"), report->updated);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Conflicts: %u"), report->conflicts != NULL ? report->conflicts->len : 0);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Skipped: %u"), report->annotations_skipped);
  g_string_append (text, "\n\n");
  g_string_append_printf (text, _("Codebook: %u codes matched, %u codes and %u dimensions added."),
                          report->codes_mapped, report->codes_added, report->dimensions_added);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Documents: %u added, %u matched by their text."),
                          report->documents_added, report->documents_matched);

  if (report->conflicts != NULL && report->conflicts->len > 0)
    {
      g_string_append (text, "\n\n");
      g_string_append (text, _("Each conflict was settled by the later change; the other version is kept "
                               "in the change log."));
    }

  for (guint i = 0; report->skipped != NULL && i < report->skipped->len && i < MERGE_REPORT_ITEMS; i++)
    {
      const GlossMergeSkipped *skipped = g_ptr_array_index (report->skipped, i);
      g_autofree char *source = g_filename_display_basename (skipped->source);

      g_string_append (text, i == 0 ? "\n\n" : "\n");
      /* Translators: a left-out item: its file, then why */
      g_string_append_printf (text, _("Left out from %s: %s"), source, skipped->reason);
    }
  if (report->skipped != NULL && report->skipped->len > MERGE_REPORT_ITEMS)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "…and %u more.", "…and %u more.",
                                                 report->skipped->len - MERGE_REPORT_ITEMS),
                              report->skipped->len - MERGE_REPORT_ITEMS);
    }

  for (guint i = 0; report->namesakes != NULL && i < report->namesakes->len; i++)
    {
      const GlossMergeNamesake *namesake = g_ptr_array_index (report->namesakes, i);

      g_string_append (text, i == 0 ? "\n\n" : "\n");
      g_string_append_printf (text, _("Two annotators are named “%s”; they were kept apart."), namesake->name);
    }

  if (backup != NULL)
    {
      g_string_append (text, "\n\n");
      g_string_append_printf (text, _("The project as it was before is kept as “%s”."), backup);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
on_merge_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GlossWindow *self = GLOSS_WINDOW (source);
  MergeJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;

  g_clear_object (&self->merge_cancellable);
  /* The window closed meanwhile. */
  if (self->project == NULL)
    return;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gloss_dialog_message (GTK_WINDOW (self), _("The Files Could Not Be Merged"), error->message);
      _gloss_window_update_actions (self);
      return;
    }

  /* The merge wrote through its own connection: the window's sees it now. */
  gloss_project_poll_external_changes (self->project);
  body = describe_merge (&job->report);
  gloss_dialog_message (GTK_WINDOW (self), _("Merge Complete"), body);
  _gloss_window_update_actions (self);
}

static void
on_merge_chosen (const char * const *paths,
                 gpointer            user_data)
{
  GlossWindow *self = user_data;
  g_autoptr(GTask) task = NULL;
  g_autofree char *message = NULL;
  MergeJob *job;

  if (paths == NULL || self->project == NULL || self->merge_cancellable != NULL)
    return;

  job = g_new0 (MergeJob, 1);
  job->target = g_strdup (gloss_project_get_path (self->project));
  job->sources = g_strdupv ((char **) paths);

  self->merge_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->merge_cancellable, on_merge_done_cb, NULL);
  g_task_set_source_tag (task, on_merge_chosen);
  g_task_set_task_data (task, job, (GDestroyNotify) merge_job_free);
  g_task_run_in_thread (task, merge_thread);

  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Merging %u file…", "Merging %u files…",
                                          g_strv_length ((char **) paths)),
                             g_strv_length ((char **) paths));
  _gloss_window_toast (self, message);
  _gloss_window_update_actions (self);
}

static void
merge_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GlossWindow *self = user_data;
  g_autofree char *folder = g_path_get_dirname (gloss_project_get_path (self->project));

  gloss_dialog_choose_projects (GTK_WINDOW (self), _("Merge Files Into This Project"), _("_Merge"), folder,
                                on_merge_chosen, g_object_ref (self), g_object_unref);
}

/* Dialogs -------------------------------------------------------------------- */

static void
import_data_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GlossWindow *self = user_data;

  gtk_window_present (GTK_WINDOW (gloss_transfer_dialog_new_import (GTK_WINDOW (self), self->project)));
}

static void
export_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  GlossWindow *self = user_data;

  gtk_window_present (GTK_WINDOW (gloss_transfer_dialog_new_export (GTK_WINDOW (self), self->project)));
}

static void
codebook_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GlossWindow *self = user_data;

  if (self->codebook_window != NULL)
    {
      gtk_window_present (self->codebook_window);
      return;
    }

  g_set_weak_pointer (&self->codebook_window, gloss_codebook_editor_present (GTK_WINDOW (self), self->project));
}

static void
document_properties_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  GlossWindow *self = user_data;

  if (self->document != 0)
    gloss_document_properties_present (GTK_WINDOW (self), self->project, self->document);
}

static const GActionEntry workbench_actions[] = {
  { "import-data", import_data_action },
  { "export", export_action },
  { "codebook", codebook_action },
  { "document-properties", document_properties_action },
  { "compare", compare_action },
  { "merge", merge_action },
  { "review-accept", review_accept_action },
  { "review-reject", review_reject_action },
  { "review-clear", review_clear_action },
  { "next-unreviewed", next_unreviewed_action },
  { "show-in-text", show_in_text_action },
};

/* The window's hooks --------------------------------------------------------- */

void
_gloss_window_update_workbench_actions (GlossWindow *self)
{
  gboolean have_project = self->project != NULL;
  gboolean writable = have_project && !gloss_project_is_read_only (self->project);
  gboolean have_document = have_project && self->document != 0;
  gboolean have_annotation;

  /* Called from the window's init and dispose too. */
  if (self->view_stack == NULL || g_action_map_lookup_action (G_ACTION_MAP (self), "review-accept") == NULL)
    return;

  have_annotation = have_project && current_annotation (self) != 0;

#define ENABLE(name, value) \
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), name)), value)
  ENABLE ("import-data", writable);
  ENABLE ("export", have_project);
  ENABLE ("codebook", have_project);
  ENABLE ("document-properties", have_document);
  ENABLE ("compare", have_project);
  ENABLE ("merge", writable && self->merge_cancellable == NULL);
  ENABLE ("review-accept", writable && have_annotation);
  ENABLE ("review-reject", writable && have_annotation);
  ENABLE ("review-clear", writable && have_annotation);
  ENABLE ("next-unreviewed", have_project);
  ENABLE ("show-in-text", have_project && gloss_annotation_list_get_selected (self->annotation_list) != 0);
#undef ENABLE

  gtk_widget_set_sensitive (GTK_WIDGET (self->review_note_entry), writable);

  /* Tagging and the inspector belong to the text. */
  if (showing_list (self))
    {
      gtk_widget_set_visible (self->tag_button, FALSE);
      gtk_widget_set_visible (self->inspector_button, FALSE);
    }
}

void
_gloss_window_workbench_set_project (GlossWindow *self)
{
  /* A hidden list lets go of the old file and reads the new one when it
   * is shown. */
  if (showing_list (self))
    ensure_list_project (self);
  else
    gloss_annotation_list_set_project (self->annotation_list, NULL);
  gloss_find_bar_set_project (self->find_bar, self->project);
  if (self->project != NULL)
    g_signal_connect_object (self->project, "changed", G_CALLBACK (on_project_changed_cb), self,
                             G_CONNECT_SWAPPED);

  /* Another file: what was compared no longer applies. */
  if (self->compare_view != NULL &&
      g_strcmp0 (gloss_compare_view_get_project_path (self->compare_view),
                 self->project != NULL ? gloss_project_get_path (self->project) : NULL) != 0)
    gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self->compare_view))));

  self->review_stale = TRUE;
  self->n_reviewed = 0;
  self->n_live = 0;
  show_progress (self);
  schedule_recount (self);
}

void
_gloss_window_workbench_document_shown (GlossWindow *self)
{
  gloss_find_bar_set_document (self->find_bar, self->document);
  update_comparison (self);
}

void
_gloss_window_init_workbench (GlossWindow *self)
{
  g_autoptr(GPropertyAction) view = g_property_action_new ("view", self->view_stack, "visible-child-name");

  g_action_map_add_action_entries (G_ACTION_MAP (self), workbench_actions, G_N_ELEMENTS (workbench_actions), self);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (view));

  gloss_find_bar_set_text_view (self->find_bar, self->text_view);
  g_signal_connect_object (self->text_view, "notify::selected-annotation",
                           G_CALLBACK (on_text_selected_annotation_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->documents_list, "row-activated",
                           G_CALLBACK (on_document_row_chosen_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->documents_list, "row-selected",
                           G_CALLBACK (on_document_row_chosen_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->inspector_revealer, "notify::reveal-child",
                           G_CALLBACK (on_inspector_revealed_cb), self, G_CONNECT_SWAPPED);
  show_progress (self);
}

void
_gloss_window_dispose_workbench (GlossWindow *self)
{
  g_cancellable_cancel (self->merge_cancellable);
  g_clear_object (&self->merge_cancellable);
  g_clear_handle_id (&self->review_count_id, g_source_remove);
  g_clear_handle_id (&self->own_change_id, g_source_remove);
  if (self->jump_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->text_view), self->jump_tick_id);
      self->jump_tick_id = 0;
    }
  if (self->compare_view != NULL)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self->compare_view));

      if (root != NULL)
        g_signal_handlers_disconnect_by_data (root, self);
      g_signal_handlers_disconnect_by_data (self->compare_view, self);
      g_clear_weak_pointer (&self->compare_view);
    }
  g_clear_weak_pointer (&self->codebook_window);
}

void
_gloss_window_class_init_workbench (GtkWidgetClass *widget_class)
{
  g_type_ensure (GLOSS_TYPE_ANNOTATION_LIST);
  g_type_ensure (GLOSS_TYPE_FIND_BAR);

  gtk_widget_class_bind_template_child (widget_class, GlossWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, annotation_list);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, find_bar);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, review_level);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, review_progress_label);
  gtk_widget_class_bind_template_child (widget_class, GlossWindow, review_note_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_view_stack_visible_child_name_notify_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_annotation_list_annotation_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_annotation_list_selected_annotation_notify_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_find_bar_match_activated_cb);
}
