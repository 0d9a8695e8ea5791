/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-find-bar"

#include "config.h"

#include "gloss-find-bar.h"

#include <glib/gi18n.h>
#include <string.h>

/* GlossFindBar finds text in the shown document, and optionally in every
 * document of the project.
 *
 * A query is a GRegex: typed text is escaped unless "Regular Expression"
 * is on.  Matches are found on the document's UTF-8 text and converted to
 * code points as the scan goes, so each conversion costs only the text
 * since the previous match.  GlossTextView paints them; the current one
 * is selected in the text, ready to be tagged.
 *
 * Ctrl+F, Ctrl+G and Shift+Ctrl+G work anywhere in the window: the bar
 * adds them as global shortcuts. */

#define MAX_PAINTED  10000   /* more matches are counted, not painted */
#define MAX_RESULTS  1000    /* rows in the all-documents list */
#define CONTEXT_BEFORE 30    /* characters of context in a result row */
#define CONTEXT_AFTER  80

/* One result in the all-documents list. */

#define GLOSS_TYPE_FIND_RESULT (gloss_find_result_get_type ())
G_DECLARE_FINAL_TYPE (GlossFindResult, gloss_find_result, GLOSS, FIND_RESULT, GObject)

struct _GlossFindResult
{
  GObject  parent_instance;

  gint64   document;
  gint64   start;
  gint64   end;
  char    *title;
  char    *markup;   /* the line around the match, the match in bold */
};

G_DEFINE_FINAL_TYPE (GlossFindResult, gloss_find_result, G_TYPE_OBJECT)

static void
gloss_find_result_finalize (GObject *object)
{
  GlossFindResult *self = GLOSS_FIND_RESULT (object);

  g_free (self->title);
  g_free (self->markup);

  G_OBJECT_CLASS (gloss_find_result_parent_class)->finalize (object);
}

static void
gloss_find_result_class_init (GlossFindResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gloss_find_result_finalize;
}

static void
gloss_find_result_init (GlossFindResult *self)
{
}

struct _GlossFindBar
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkSearchBar   *search_bar;
  GtkSearchEntry *entry;
  GtkLabel       *count_label;
  GtkRevealer    *results_revealer;
  GtkLabel       *results_label;
  GtkListView    *results_view;

  /* Borrowed */
  GlossTextView  *text_view;   /* weak */

  /* Owned */
  GlossProject   *project;
  GListStore     *results;     /* GlossFindResult */
  GArray         *matches;     /* GlossTextRange */
  char           *text;        /* the document's text */
  char           *query;
  char           *error;
  gint64          document;
  gint64          origin;      /* where the search started, in code points */
  int             current;
  guint           n_matches;   /* may exceed matches->len */
  guint           results_id;
  gboolean        case_sensitive;
  gboolean        regex;
  gboolean        all_documents;
};

enum {
  PROP_0,
  PROP_SEARCH_MODE_ENABLED,
  PROP_QUERY,
  PROP_CASE_SENSITIVE,
  PROP_REGEX,
  PROP_ALL_DOCUMENTS,
  PROP_N_MATCHES,
  PROP_CURRENT,
  N_PROPS
};

enum {
  MATCH_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (GlossFindBar, gloss_find_bar, GTK_TYPE_WIDGET)

static void search_document (GlossFindBar *self);
static void search_all      (GlossFindBar *self);

/* Searching ----------------------------------------------------------------- */

static GRegex *
compile (GlossFindBar  *self,
         GError       **error)
{
  g_autofree char *pattern = NULL;
  GRegexCompileFlags flags = G_REGEX_MULTILINE;

  if (!self->case_sensitive)
    flags |= G_REGEX_CASELESS;
  pattern = self->regex ? g_strdup (self->query) : g_regex_escape_string (self->query, -1);
  return g_regex_new (pattern, flags, G_REGEX_MATCH_NOTEMPTY, error);
}

/* Appends to @ranges (and @bytes, when given) the first @limit matches of
 * @regex in @text, in code points; returns how many there are in all, or
 * -1 with @error set. */
static gint64
find_all (GRegex      *regex,
          const char  *text,
          GArray      *ranges,
          GArray      *bytes,
          guint        limit,
          GError     **error)
{
  g_autoptr(GMatchInfo) info = NULL;
  const char *last = text;
  gint64 offset = 0;
  gint64 n = 0;

  g_regex_match (regex, text, G_REGEX_MATCH_NOTEMPTY, &info);
  while (g_match_info_matches (info))
    {
      int start, end;

      if (!g_match_info_fetch_pos (info, 0, &start, &end) || end <= start)
        break;

      if (n < limit)
        {
          GlossTextRange range;

          range.start = offset + g_utf8_strlen (last, text + start - last);
          range.end = range.start + g_utf8_strlen (text + start, end - start);
          g_array_append_val (ranges, range);
          if (bytes != NULL)
            {
              int pair[2] = { start, end };

              g_array_append_vals (bytes, pair, 2);
            }
          offset = range.end;
          last = text + end;
        }
      n++;

      if (!g_match_info_next (info, error))
        {
          if (error != NULL && *error != NULL)
            return -1;
          break;
        }
    }

  return n;
}

static gint64
get_cursor (GlossFindBar *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  if (self->text_view == NULL)
    return 0;
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
  gtk_text_buffer_get_selection_bounds (buffer, &start, &end);
  return gtk_text_iter_get_offset (&start);
}

static void
update_count (GlossFindBar *self)
{
  g_autofree char *text = NULL;

  if (self->error != NULL)
    text = g_strdup (_("Invalid"));
  else if (self->query == NULL || *self->query == '\0')
    text = g_strdup ("");
  else if (self->n_matches == 0)
    text = g_strdup (_("No matches"));
  else if (self->current >= 0)
    /* Translators: the current match and how many there are, "3 of 61" */
    text = g_strdup_printf (_("%d of %u"), self->current + 1, self->n_matches);
  else
    text = g_strdup_printf (ngettext ("%u match", "%u matches", self->n_matches), self->n_matches);

  gtk_label_set_label (self->count_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->entry), self->error);
  if (self->error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "find.next", self->matches->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "find.previous", self->matches->len > 0);
}

static void
paint (GlossFindBar *self)
{
  gboolean shown = gtk_search_bar_get_search_mode (self->search_bar);

  if (self->text_view != NULL)
    gloss_text_view_set_matches (self->text_view, shown ? self->matches : NULL,
                                 shown ? self->current : -1);
}

static void
show_current (GlossFindBar *self)
{
  const GlossTextRange *range;

  paint (self);
  update_count (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT]);

  if (self->current < 0 || self->text_view == NULL)
    return;

  range = &g_array_index (self->matches, GlossTextRange, self->current);
  gloss_text_view_select_range (self->text_view, range->start, range->end);
  gloss_text_view_scroll_to_range (self->text_view, range->start, range->end);
}

static void
set_error (GlossFindBar *self,
           GError       *error)
{
  g_clear_pointer (&self->error, g_free);
  if (error != NULL)
    self->error = g_strdup_printf (_("This is not a valid regular expression: %s"), error->message);
}

static void
search_document (GlossFindBar *self)
{
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GError) error = NULL;
  gint64 n = 0;

  g_array_set_size (self->matches, 0);
  self->current = -1;
  self->n_matches = 0;
  set_error (self, NULL);

  if (self->query != NULL && *self->query != '\0')
    {
      regex = compile (self, &error);
      if (regex != NULL && self->text != NULL)
        n = find_all (regex, self->text, self->matches, NULL, MAX_PAINTED, &error);
      if (error != NULL)
        {
          set_error (self, error);
          g_array_set_size (self->matches, 0);
          n = 0;
        }
    }

  self->n_matches = (guint) MIN (n, G_MAXUINT);
  /* The first match at or after where the search began. */
  for (guint i = 0; i < self->matches->len && self->current < 0; i++)
    if (g_array_index (self->matches, GlossTextRange, i).start >= self->origin)
      self->current = (int) i;
  if (self->current < 0 && self->matches->len > 0)
    self->current = 0;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MATCHES]);
  show_current (self);
}

/* The line around a match, cut to some context, the match in bold. */
static char *
make_snippet (const char *text,
              int         start,
              int         end)
{
  const char *line_start = text + start;
  const char *line_end = text + end;
  const char *from, *to;
  g_autofree char *before = NULL;
  g_autofree char *match = NULL;
  g_autofree char *after = NULL;
  gboolean cut_before = FALSE, cut_after = FALSE;

  while (line_start > text && line_start[-1] != '\n')
    line_start--;
  while (*line_end != '\0' && *line_end != '\n')
    line_end++;

  from = text + start;
  for (int i = 0; i < CONTEXT_BEFORE && from > line_start; i++)
    from = g_utf8_find_prev_char (line_start, from);
  cut_before = from > line_start;
  while (from < text + start && g_unichar_isspace (g_utf8_get_char (from)))
    from = g_utf8_next_char (from);

  to = text + end;
  for (int i = 0; i < CONTEXT_AFTER && to < line_end; i++)
    to = g_utf8_next_char (to);
  cut_after = to < line_end;

  before = g_markup_escape_text (from, text + start - from);
  match = g_markup_escape_text (text + start, end - start);
  after = g_markup_escape_text (text + end, to - (text + end));
  g_strdelimit (match, "\n\r\t", ' ');
  return g_strdup_printf ("%s%s<b>%s</b>%s%s", cut_before ? "…" : "", before, match, after,
                          cut_after ? "…" : "");
}

static void
search_all (GlossFindBar *self)
{
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *summary = NULL;
  gint64 total = 0;
  guint n_documents = 0;
  gboolean show;

  g_clear_handle_id (&self->results_id, g_source_remove);

  show = self->all_documents && self->project != NULL && self->query != NULL &&
         *self->query != '\0' && self->error == NULL;
  if (show)
    {
      regex = compile (self, &error);
      documents = regex != NULL ? gloss_project_list_documents (self->project, &error) : NULL;
    }

  for (guint i = 0; documents != NULL && i < documents->len; i++)
    {
      GlossDocument *document = g_ptr_array_index (documents, i);
      g_autofree char *owned = NULL;
      const char *text = NULL;
      g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (GlossTextRange));
      g_autoptr(GArray) bytes = g_array_new (FALSE, FALSE, sizeof (int));
      gint64 n;

      if (document->id == self->document && self->text != NULL)
        text = self->text;
      else
        text = owned = gloss_project_dup_text (self->project, document->id, &error);
      if (text == NULL)
        break;

      n = find_all (regex, text, ranges, bytes, MAX_RESULTS - MIN (found->len, MAX_RESULTS), &error);
      if (n < 0)
        break;
      if (n > 0)
        n_documents++;
      total += n;

      for (guint j = 0; j < ranges->len; j++)
        {
          GlossFindResult *result = g_object_new (GLOSS_TYPE_FIND_RESULT, NULL);
          const GlossTextRange *range = &g_array_index (ranges, GlossTextRange, j);

          result->document = document->id;
          result->start = range->start;
          result->end = range->end;
          result->title = g_strdup (document->title);
          result->markup = make_snippet (text, g_array_index (bytes, int, 2 * j),
                                         g_array_index (bytes, int, 2 * j + 1));
          g_ptr_array_add (found, result);
        }
    }

  g_list_store_splice (self->results, 0, g_list_model_get_n_items (G_LIST_MODEL (self->results)),
                       found->pdata, found->len);

  if (error != NULL)
    summary = g_strdup_printf (_("The documents could not be searched: %s"), error->message);
  else if (total == 0)
    summary = g_strdup (_("No matches in any document"));
  else if (total > found->len)
    /* Translators: "Showing the first 1000 of 2345 matches, in 12 documents" */
    summary = g_strdup_printf (ngettext ("Showing the first %u of %lld matches, in %u document",
                                         "Showing the first %u of %lld matches, in %u documents",
                                         n_documents),
                               found->len, (long long) total, n_documents);
  else
    {
      g_autofree char *matches = g_strdup_printf (ngettext ("%lld match", "%lld matches", total),
                                                  (long long) total);
      g_autofree char *in = g_strdup_printf (ngettext ("in %u document", "in %u documents", n_documents),
                                             n_documents);

      /* Translators: "61 matches" and "in 3 documents" */
      summary = g_strdup_printf (C_("find results", "%s %s"), matches, in);
    }
  gtk_label_set_label (self->results_label, summary);
  gtk_revealer_set_reveal_child (self->results_revealer, show);
}

static void
search (GlossFindBar *self)
{
  search_document (self);
  search_all (self);
}

static gboolean
search_all_cb (gpointer user_data)
{
  GlossFindBar *self = user_data;

  self->results_id = 0;
  search_all (self);
  return G_SOURCE_REMOVE;
}

static void
on_project_changed_cb (GlossFindBar *self)
{
  /* Documents may have come or gone. */
  if (self->all_documents && gtk_search_bar_get_search_mode (self->search_bar) && self->results_id == 0)
    self->results_id = g_idle_add (search_all_cb, self);
}

/* Moving between matches ---------------------------------------------------- */

/**
 * gloss_find_bar_next:
 *
 * Selects the next match, after the last one going back to the first.
 *
 * Returns: %FALSE when there is no match
 */
gboolean
gloss_find_bar_next (GlossFindBar *self)
{
  g_return_val_if_fail (GLOSS_IS_FIND_BAR (self), FALSE);

  if (self->matches->len == 0)
    return FALSE;
  self->current = (self->current + 1) % (int) self->matches->len;
  show_current (self);
  return TRUE;
}

/**
 * gloss_find_bar_previous:
 *
 * Selects the previous match, before the first one going to the last.
 *
 * Returns: %FALSE when there is no match
 */
gboolean
gloss_find_bar_previous (GlossFindBar *self)
{
  g_return_val_if_fail (GLOSS_IS_FIND_BAR (self), FALSE);

  if (self->matches->len == 0)
    return FALSE;
  self->current = self->current <= 0 ? (int) self->matches->len - 1 : self->current - 1;
  show_current (self);
  return TRUE;
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  GlossFindBar *self = GLOSS_FIND_BAR (widget);

  if (!gtk_search_bar_get_search_mode (self->search_bar))
    gloss_find_bar_set_search_mode (self, TRUE);
  gloss_find_bar_next (self);
}

static void
previous_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  GlossFindBar *self = GLOSS_FIND_BAR (widget);

  if (!gtk_search_bar_get_search_mode (self->search_bar))
    gloss_find_bar_set_search_mode (self, TRUE);
  gloss_find_bar_previous (self);
}

static void
show_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  GlossFindBar *self = GLOSS_FIND_BAR (widget);

  /* A short selection on one line is what the user wants to find. */
  if (self->text_view != NULL)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
      GtkTextIter start, end;

      if (gtk_text_buffer_get_selection_bounds (buffer, &start, &end) &&
          gtk_text_iter_get_line (&start) == gtk_text_iter_get_line (&end) &&
          gtk_text_iter_get_offset (&end) - gtk_text_iter_get_offset (&start) <= 100)
        {
          g_autofree char *selected = gtk_text_iter_get_visible_text (&start, &end);

          if (!self->regex)
            gtk_editable_set_text (GTK_EDITABLE (self->entry), selected);
        }
    }

  gloss_find_bar_set_search_mode (self, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
  gtk_editable_select_region (GTK_EDITABLE (self->entry), 0, -1);
}

static void
hide_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  gloss_find_bar_set_search_mode (GLOSS_FIND_BAR (widget), FALSE);
}

/* Template callbacks --------------------------------------------------------- */

static void
on_entry_search_changed_cb (GlossFindBar *self)
{
  gloss_find_bar_set_query (self, gtk_editable_get_text (GTK_EDITABLE (self->entry)));
}

static void
on_entry_activate_cb (GlossFindBar *self)
{
  /* Typing may still be waiting for the entry's delay. */
  gloss_find_bar_set_query (self, gtk_editable_get_text (GTK_EDITABLE (self->entry)));
  gloss_find_bar_next (self);
}

static void
on_entry_next_match_cb (GlossFindBar *self)
{
  gloss_find_bar_next (self);
}

static void
on_entry_previous_match_cb (GlossFindBar *self)
{
  gloss_find_bar_previous (self);
}

static void
on_entry_stop_search_cb (GlossFindBar *self)
{
  gloss_find_bar_set_search_mode (self, FALSE);
  if (self->text_view != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static void
on_search_bar_search_mode_cb (GlossFindBar *self)
{
  if (gtk_search_bar_get_search_mode (self->search_bar))
    {
      self->origin = get_cursor (self);
      search (self);
    }
  else
    {
      g_clear_handle_id (&self->results_id, g_source_remove);
      paint (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_MODE_ENABLED]);
}

static void
on_result_setup_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    GlossFindBar             *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *snippet = gtk_label_new (NULL);
  GtkWidget *title = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (snippet), 0);
  gtk_label_set_ellipsize (GTK_LABEL (snippet), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (snippet), TRUE);
  gtk_widget_set_hexpand (snippet, TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 1);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (title), 18);
  gtk_widget_add_css_class (title, "caption");
  gtk_widget_add_css_class (title, "dim-label");
  gtk_box_append (GTK_BOX (box), snippet);
  gtk_box_append (GTK_BOX (box), title);
  gtk_list_item_set_child (list_item, box);
}

static void
on_result_bind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   GlossFindBar             *self)
{
  GlossFindResult *result = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *snippet = gtk_widget_get_first_child (box);
  GtkWidget *title = gtk_widget_get_next_sibling (snippet);

  gtk_label_set_markup (GTK_LABEL (snippet), result->markup);
  gtk_label_set_label (GTK_LABEL (title), result->title);
}

static void
on_results_view_activate_cb (GlossFindBar *self,
                             guint         position)
{
  g_autoptr(GlossFindResult) result = g_list_model_get_item (G_LIST_MODEL (self->results), position);

  if (result == NULL)
    return;

  if (result->document == self->document)
    for (guint i = 0; i < self->matches->len; i++)
      if (g_array_index (self->matches, GlossTextRange, i).start == result->start)
        {
          self->current = (int) i;
          show_current (self);
        }

  g_signal_emit (self, signals[MATCH_ACTIVATED], 0, result->document, result->start, result->end);
}

/* Public API ----------------------------------------------------------------- */

GlossProject *
gloss_find_bar_get_project (GlossFindBar *self)
{
  g_return_val_if_fail (GLOSS_IS_FIND_BAR (self), NULL);

  return self->project;
}

/**
 * gloss_find_bar_set_project:
 * @project: (nullable): where documents are found
 */
void
gloss_find_bar_set_project (GlossFindBar *self,
                            GlossProject *project)
{
  g_return_if_fail (GLOSS_IS_FIND_BAR (self));
  g_return_if_fail (project == NULL || GLOSS_IS_PROJECT (project));

  if (self->project == project)
    return;

  if (self->project != NULL)
    g_signal_handlers_disconnect_by_func (self->project, on_project_changed_cb, self);
  g_set_object (&self->project, project);
  if (project != NULL)
    g_signal_connect_object (project, "changed", G_CALLBACK (on_project_changed_cb), self,
                             G_CONNECT_SWAPPED);
  gloss_find_bar_set_document (self, 0);
}

GlossTextView *
gloss_find_bar_get_text_view (GlossFindBar *self)
{
  g_return_val_if_fail (GLOSS_IS_FIND_BAR (self), NULL);

  return self->text_view;
}

/**
 * gloss_find_bar_set_text_view:
 * @text_view: (nullable): where matches are painted and selected
 *
 * The bar does not keep @text_view alive.
 */
void
gloss_find_bar_set_text_view (GlossFindBar  *self,
                              GlossTextView *text_view)
{
  g_return_if_fail (GLOSS_IS_FIND_BAR (self));
  g_return_if_fail (text_view == NULL || GLOSS_IS_TEXT_VIEW (text_view));

  if (self->text_view != NULL)
    gloss_text_view_set_matches (self->text_view, NULL, -1);
  g_set_weak_pointer (&self->text_view, text_view);
  paint (self);
}

gint64
gloss_find_bar_get_document (GlossFindBar *self)
{
  g_return_val_if_fail (GLOSS_IS_FIND_BAR (self), 0);

  return self->document;
}

/**
 * gloss_find_bar_set_document:
 * @document: the document the text view shows, 0 for none
 *
 * Call after the text view shows @document: an open search runs again on
 * its text, from the cursor on.
 */
void
gloss_find_bar_set_document (GlossFindBar *self,
                             gint64        document)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (GLOSS_IS_FIND_BAR (self));

  self->document = document;
  g_clear_pointer (&self->text, g_free);
  if (document != 0 && self->project != NULL)
    self->text = gloss_project_dup_text (self->project, document, &error);
  /* A document that cannot be read has nothing to find: the window
   * reports that when it fails to show it. */
  self->origin = get_cursor (self);
  if (gtk_search_bar_get_search_mode (self->search_bar))
    search_document (self);
  else
    {
      g_array_set_size (self->matches, 0);
      self->current = -1;
      self->n_matches = 0;
      update_count (self);
    }
}

gboolean
gloss_find_bar_get_search_mode (GlossFindBar *self)
{
  g_return_val_if_fail (GLOSS_IS_FIND_BAR (self), FALSE);

  return gtk_search_bar_get_search_mode (self->search_bar);
}

/**
 * gloss_find_bar_set_search_mode:
 * @search_mode: whether the bar is shown and its matches painted
 */
void
gloss_find_bar_set_search_mode (GlossFindBar *self,
                                gboolean      search_mode)
{
  g_return_if_fail (GLOSS_IS_FIND_BAR (self));

  gtk_search_bar_set_search_mode (self->search_bar, search_mode);
}

const char *
gloss_find_bar_get_query (GlossFindBar *self)
{
  g_return_val_if_fail (GLOSS_IS_FIND_BAR (self), NULL);

  return self->query != NULL ? self->query : "";
}

/**
 * gloss_find_bar_set_query:
 * @query: (nullable): what to find
 *
 * Searches now, from where the search began.
 */
void
gloss_find_bar_set_query (GlossFindBar *self,
                          const char   *query)
{
  g_return_if_fail (GLOSS_IS_FIND_BAR (self));

  if (query == NULL)
    query = "";
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->entry)), query) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->entry), query);
  if (g_strcmp0 (self->query, query) == 0)
    return;

  g_free (self->query);
  self->query = g_strdup (query);
  search (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUERY]);
}

gboolean
gloss_find_bar_get_case_sensitive (GlossFindBar *self)
{
  g_return_val_if_fail (GLOSS_IS_FIND_BAR (self), FALSE);

  return self->case_sensitive;
}

void
gloss_find_bar_set_case_sensitive (GlossFindBar *self,
                                   gboolean      case_sensitive)
{
  g_return_if_fail (GLOSS_IS_FIND_BAR (self));

  case_sensitive = !!case_sensitive;
  if (self->case_sensitive == case_sensitive)
    return;
  self->case_sensitive = case_sensitive;
  search (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CASE_SENSITIVE]);
}

gboolean
gloss_find_bar_get_regex (GlossFindBar *self)
{
  g_return_val_if_fail (GLOSS_IS_FIND_BAR (self), FALSE);

  return self->regex;
}

void
gloss_find_bar_set_regex (GlossFindBar *self,
                          gboolean      regex)
{
  g_return_if_fail (GLOSS_IS_FIND_BAR (self));

  regex = !!regex;
  if (self->regex == regex)
    return;
  self->regex = regex;
  search (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGEX]);
}

gboolean
gloss_find_bar_get_all_documents (GlossFindBar *self)
{
  g_return_val_if_fail (GLOSS_IS_FIND_BAR (self), FALSE);

  return self->all_documents;
}

/**
 * gloss_find_bar_set_all_documents:
 * @all_documents: whether to list the matches of every document too
 */
void
gloss_find_bar_set_all_documents (GlossFindBar *self,
                                  gboolean      all_documents)
{
  g_return_if_fail (GLOSS_IS_FIND_BAR (self));

  all_documents = !!all_documents;
  if (self->all_documents == all_documents)
    return;
  self->all_documents = all_documents;
  search_all (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALL_DOCUMENTS]);
}

/**
 * gloss_find_bar_get_error:
 *
 * Returns: (nullable): why the query cannot be searched (an invalid
 *   regular expression), %NULL when it can
 */
const char *
gloss_find_bar_get_error (GlossFindBar *self)
{
  g_return_val_if_fail (GLOSS_IS_FIND_BAR (self), NULL);

  return self->error;
}

/**
 * gloss_find_bar_get_matches:
 *
 * Returns: (transfer none) (element-type GlossTextRange): the matches in
 *   the document, in code points, at most 10,000
 */
GArray *
gloss_find_bar_get_matches (GlossFindBar *self)
{
  g_return_val_if_fail (GLOSS_IS_FIND_BAR (self), NULL);

  return self->matches;
}

/**
 * gloss_find_bar_get_current:
 *
 * Returns: the index of the selected match, -1 when there is none
 */
int
gloss_find_bar_get_current (GlossFindBar *self)
{
  g_return_val_if_fail (GLOSS_IS_FIND_BAR (self), -1);

  return self->current;
}

guint
gloss_find_bar_get_n_results (GlossFindBar *self)
{
  g_return_val_if_fail (GLOSS_IS_FIND_BAR (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->results));
}

/**
 * gloss_find_bar_get_result:
 * @position: a row of the all-documents list
 * @document: (out) (optional): its document
 * @start: (out) (optional): the match's start, in code points
 * @end: (out) (optional): its end
 *
 * Returns: %FALSE when @position is past the end
 */
gboolean
gloss_find_bar_get_result (GlossFindBar *self,
                           guint         position,
                           gint64       *document,
                           gint64       *start,
                           gint64       *end)
{
  g_autoptr(GlossFindResult) result = NULL;

  g_return_val_if_fail (GLOSS_IS_FIND_BAR (self), FALSE);

  result = g_list_model_get_item (G_LIST_MODEL (self->results), position);
  if (result == NULL)
    return FALSE;
  if (document != NULL)
    *document = result->document;
  if (start != NULL)
    *start = result->start;
  if (end != NULL)
    *end = result->end;
  return TRUE;
}

/* GObject -------------------------------------------------------------------- */

static void
gloss_find_bar_dispose (GObject *object)
{
  GlossFindBar *self = GLOSS_FIND_BAR (object);
  GtkWidget *child;

  g_clear_handle_id (&self->results_id, g_source_remove);
  if (self->text_view != NULL)
    gloss_text_view_set_matches (self->text_view, NULL, -1);
  g_clear_weak_pointer (&self->text_view);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_func (self->project, on_project_changed_cb, self);
  g_clear_object (&self->project);

  gtk_widget_dispose_template (GTK_WIDGET (self), GLOSS_TYPE_FIND_BAR);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->results);

  G_OBJECT_CLASS (gloss_find_bar_parent_class)->dispose (object);
}

static void
gloss_find_bar_finalize (GObject *object)
{
  GlossFindBar *self = GLOSS_FIND_BAR (object);

  g_array_unref (self->matches);
  g_free (self->text);
  g_free (self->query);
  g_free (self->error);

  G_OBJECT_CLASS (gloss_find_bar_parent_class)->finalize (object);
}

static void
gloss_find_bar_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  GlossFindBar *self = GLOSS_FIND_BAR (object);

  switch (prop_id)
    {
    case PROP_SEARCH_MODE_ENABLED:
      g_value_set_boolean (value, gloss_find_bar_get_search_mode (self));
      break;
    case PROP_QUERY:
      g_value_set_string (value, gloss_find_bar_get_query (self));
      break;
    case PROP_CASE_SENSITIVE:
      g_value_set_boolean (value, self->case_sensitive);
      break;
    case PROP_REGEX:
      g_value_set_boolean (value, self->regex);
      break;
    case PROP_ALL_DOCUMENTS:
      g_value_set_boolean (value, self->all_documents);
      break;
    case PROP_N_MATCHES:
      g_value_set_uint (value, self->n_matches);
      break;
    case PROP_CURRENT:
      g_value_set_int (value, self->current);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gloss_find_bar_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  GlossFindBar *self = GLOSS_FIND_BAR (object);

  switch (prop_id)
    {
    case PROP_SEARCH_MODE_ENABLED:
      gloss_find_bar_set_search_mode (self, g_value_get_boolean (value));
      break;
    case PROP_QUERY:
      gloss_find_bar_set_query (self, g_value_get_string (value));
      break;
    case PROP_CASE_SENSITIVE:
      gloss_find_bar_set_case_sensitive (self, g_value_get_boolean (value));
      break;
    case PROP_REGEX:
      gloss_find_bar_set_regex (self, g_value_get_boolean (value));
      break;
    case PROP_ALL_DOCUMENTS:
      gloss_find_bar_set_all_documents (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gloss_find_bar_class_init (GlossFindBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gloss_find_bar_dispose;
  object_class->finalize = gloss_find_bar_finalize;
  object_class->get_property = gloss_find_bar_get_property;
  object_class->set_property = gloss_find_bar_set_property;

  properties[PROP_SEARCH_MODE_ENABLED] =
    g_param_spec_boolean ("search-mode-enabled", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_QUERY] =
    g_param_spec_string ("query", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CASE_SENSITIVE] =
    g_param_spec_boolean ("case-sensitive", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_REGEX] =
    g_param_spec_boolean ("regex", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ALL_DOCUMENTS] =
    g_param_spec_boolean ("all-documents", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_MATCHES] =
    g_param_spec_uint ("n-matches", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CURRENT] =
    g_param_spec_int ("current", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * GlossFindBar::match-activated:
   * @document: the document's id
   * @start: the match's first code point
   * @end: the code point after its last
   *
   * A row of the all-documents list was activated: show that document and
   * select the range, then call gloss_find_bar_set_document().
   */
  signals[MATCH_ACTIVATED] =
    g_signal_new ("match-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/glossapp/Gloss/gloss-find-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, GlossFindBar, search_bar);
  gtk_widget_class_bind_template_child (widget_class, GlossFindBar, entry);
  gtk_widget_class_bind_template_child (widget_class, GlossFindBar, count_label);
  gtk_widget_class_bind_template_child (widget_class, GlossFindBar, results_revealer);
  gtk_widget_class_bind_template_child (widget_class, GlossFindBar, results_label);
  gtk_widget_class_bind_template_child (widget_class, GlossFindBar, results_view);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_next_match_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_previous_match_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_bar_search_mode_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_result_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_result_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_results_view_activate_cb);

  gtk_widget_class_install_action (widget_class, "find.show", NULL, show_action);
  gtk_widget_class_install_action (widget_class, "find.hide", NULL, hide_action);
  gtk_widget_class_install_action (widget_class, "find.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "find.previous", NULL, previous_action);
  gtk_widget_class_install_property_action (widget_class, "find.case-sensitive", "case-sensitive");
  gtk_widget_class_install_property_action (widget_class, "find.regex", "regex");
  gtk_widget_class_install_property_action (widget_class, "find.all-documents", "all-documents");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_SHIFT_MASK, "find.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_SHIFT_MASK, "find.previous", NULL);

  gtk_widget_class_set_css_name (widget_class, "glossfindbar");
}

/* GtkSearchBar's own close button is only an icon: give it a tooltip and
 * a name screen readers can read. */
static void
name_close_button (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_has_css_class (widget, "close"))
    {
      gtk_widget_set_tooltip_text (widget, _("Close the find bar (Escape)"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Close the find bar"), -1);
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    name_close_button (child);
}

static void
gloss_find_bar_init (GlossFindBar *self)
{
  static const struct { guint key; GdkModifierType mods; const char *action; } shortcuts[] = {
    { GDK_KEY_f, GDK_CONTROL_MASK, "find.show" },
    { GDK_KEY_g, GDK_CONTROL_MASK, "find.next" },
    { GDK_KEY_g, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "find.previous" },
    { GDK_KEY_G, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "find.previous" },
  };
  g_autoptr(GtkSingleSelection) selection = NULL;
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->matches = g_array_new (FALSE, FALSE, sizeof (GlossTextRange));
  self->current = -1;
  self->results = g_list_store_new (GLOSS_TYPE_FIND_RESULT);
  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->results)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_list_view_set_model (self->results_view, GTK_SELECTION_MODEL (selection));

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->entry));
  name_close_button (GTK_WIDGET (self->search_bar));

  /* Anywhere in the window, not only inside the bar. */
  controller = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_GLOBAL);
  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (shortcuts[i].key,
                                                                                    shortcuts[i].mods),
                                                            gtk_named_action_new (shortcuts[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  update_count (self);
}

GtkWidget *
gloss_find_bar_new (void)
{
  return g_object_new (GLOSS_TYPE_FIND_BAR, NULL);
}
