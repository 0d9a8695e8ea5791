/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-annotation-list"

#include "config.h"

#include "gloss-annotation-list.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

/* GlossAnnotationList shows every annotation of a project in a
 * GtkColumnView, filtered and sorted in memory.
 *
 * The rows are small GObjects built from one gloss_project_list_annotations()
 * call per project change, never one query per row.  Rows whose annotation
 * did not change are reused, and the model announces only the range that
 * differs, so a new annotation does not re-sort or re-filter the other
 * 100,000.  What a row needs for filtering and sorting (dimension bits,
 * code ranks in codebook order, document and annotator ranks) is computed
 * once when the row is built; the text filter folds a row's quote and note
 * the first time it is asked.
 *
 * The models: rows → GtkSortListModel (the column view's sorter) →
 * GtkFilterListModel (a GtkCustomFilter) → GtkSingleSelection, so
 * changing a filter never re-sorts. */

/* Rows -------------------------------------------------------------------- */

#define GLOSS_TYPE_ANNOTATION_ITEM (gloss_annotation_item_get_type ())
G_DECLARE_FINAL_TYPE (GlossAnnotationItem, gloss_annotation_item, GLOSS, ANNOTATION_ITEM, GObject)

struct _GlossAnnotationItem
{
  GObject            parent_instance;

  gint64             id;
  gint64             document;
  gint64             start;
  gint64             revision;
  GlossReviewStatus  status;
  const char        *annotator;     /* interned */
  char              *quote;
  char              *note;          /* nullable */
  char              *created;
  char              *modified;
  gint64            *codes;         /* in codebook order */
  guint             *code_ranks;    /* the codes' positions in the codebook */
  guint              n_codes;
  guint64            dimension_bits; /* bit n: a code of the n-th dimension */
  guint              document_rank;
  guint              annotator_rank;
  char              *folded;        /* quote and note, case-folded; on demand */
  char              *quote_key;     /* collation key; on demand */
};

G_DEFINE_FINAL_TYPE (GlossAnnotationItem, gloss_annotation_item, G_TYPE_OBJECT)

static void
gloss_annotation_item_finalize (GObject *object)
{
  GlossAnnotationItem *self = GLOSS_ANNOTATION_ITEM (object);

  g_free (self->quote);
  g_free (self->note);
  g_free (self->created);
  g_free (self->modified);
  g_free (self->codes);
  g_free (self->code_ranks);
  g_free (self->folded);
  g_free (self->quote_key);

  G_OBJECT_CLASS (gloss_annotation_item_parent_class)->finalize (object);
}

static void
gloss_annotation_item_class_init (GlossAnnotationItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gloss_annotation_item_finalize;
}

static void
gloss_annotation_item_init (GlossAnnotationItem *self)
{
}

static const char *
item_get_folded (GlossAnnotationItem *item)
{
  if (item->folded == NULL)
    {
      g_autofree char *quote = g_utf8_casefold (item->quote, -1);
      g_autofree char *note = item->note != NULL ? g_utf8_casefold (item->note, -1) : NULL;

      /* U+001F keeps a match from spanning quote and note. */
      item->folded = g_strconcat (quote, "\x1f", note, NULL);
    }
  return item->folded;
}

static const char *
item_get_quote_key (GlossAnnotationItem *item)
{
  if (item->quote_key == NULL)
    item->quote_key = g_utf8_collate_key (item->quote, -1);
  return item->quote_key;
}

/* A GListModel over an array of rows, announcing only what changed. */

#define GLOSS_TYPE_ANNOTATION_MODEL (gloss_annotation_model_get_type ())
G_DECLARE_FINAL_TYPE (GlossAnnotationModel, gloss_annotation_model, GLOSS, ANNOTATION_MODEL, GObject)

struct _GlossAnnotationModel
{
  GObject    parent_instance;

  GPtrArray *items;   /* GlossAnnotationItem */
};

static GType
gloss_annotation_model_get_item_type (GListModel *model)
{
  return GLOSS_TYPE_ANNOTATION_ITEM;
}

static guint
gloss_annotation_model_get_n_items (GListModel *model)
{
  return GLOSS_ANNOTATION_MODEL (model)->items->len;
}

static gpointer
gloss_annotation_model_get_item (GListModel *model,
                                 guint       position)
{
  GlossAnnotationModel *self = GLOSS_ANNOTATION_MODEL (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
gloss_annotation_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = gloss_annotation_model_get_item_type;
  iface->get_n_items = gloss_annotation_model_get_n_items;
  iface->get_item = gloss_annotation_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (GlossAnnotationModel, gloss_annotation_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      gloss_annotation_model_list_model_init))

static void
gloss_annotation_model_finalize (GObject *object)
{
  g_ptr_array_unref (GLOSS_ANNOTATION_MODEL (object)->items);

  G_OBJECT_CLASS (gloss_annotation_model_parent_class)->finalize (object);
}

static void
gloss_annotation_model_class_init (GlossAnnotationModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gloss_annotation_model_finalize;
}

static void
gloss_annotation_model_init (GlossAnnotationModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

/* Takes @items; emits one items-changed for the range between the common
 * head and tail of the old and new rows. */
static void
gloss_annotation_model_replace (GlossAnnotationModel *self,
                                GPtrArray            *items)
{
  g_autoptr(GPtrArray) old = self->items;
  guint old_n = old->len;
  guint new_n = items->len;
  guint head = 0;
  guint tail = 0;

  while (head < old_n && head < new_n && old->pdata[head] == items->pdata[head])
    head++;
  while (tail < old_n - head && tail < new_n - head &&
         old->pdata[old_n - 1 - tail] == items->pdata[new_n - 1 - tail])
    tail++;

  self->items = items;
  if (old_n - head - tail > 0 || new_n - head - tail > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), head, old_n - head - tail, new_n - head - tail);
}

/* The list ----------------------------------------------------------------- */

typedef enum
{
  COLUMN_QUOTE,
  COLUMN_CODES,
  COLUMN_DOCUMENT,
  COLUMN_ANNOTATOR,
  COLUMN_STATUS,
  COLUMN_CREATED,
  COLUMN_MODIFIED,
  N_COLUMNS
} Column;

typedef struct
{
  GlossCode *code;        /* borrowed from GlossAnnotationList.codes */
  guint      rank;        /* position in the codebook, tree order */
  guint      dimension;   /* the dimension's position */
} CodeEntry;

struct _GlossAnnotationList
{
  GtkWidget              parent_instance;

  /* Template widgets */
  GtkSearchEntry        *search_entry;
  GtkDropDown           *dimension_dropdown;
  GtkDropDown           *code_dropdown;
  GtkDropDown           *annotator_dropdown;
  GtkDropDown           *status_dropdown;
  GtkStack              *stack;
  GtkColumnView         *column_view;
  GtkColumnViewColumn   *columns[N_COLUMNS];
  AdwStatusPage         *empty_page;
  GtkWidget             *clear_button;
  AdwStatusPage         *error_page;
  GtkLabel              *count_label;

  /* Owned */
  GlossProject          *project;
  GlossAnnotationModel  *model;
  GtkSortListModel      *sort_model;
  GtkFilterListModel    *filter_model;
  GtkSingleSelection    *selection;
  GtkCustomFilter       *filter;
  GPtrArray             *dimensions;      /* GlossDimension */
  GPtrArray             *codes;           /* GlossCode, tree order */
  GHashTable            *code_entries;    /* gint64 id → CodeEntry */
  GHashTable            *document_titles; /* gint64 id → char * (borrowed from documents) */
  GHashTable            *document_ranks;  /* gint64 id → rank + 1 */
  GPtrArray             *documents;       /* GlossDocument */
  GHashTable            *annotator_ranks; /* interned name → rank + 1 */
  char                  *signature;       /* codebook, titles and annotators last built from */
  GArray                *dimension_choices; /* gint64, one per dimension_dropdown item */
  GArray                *code_choices;      /* gint64, one per code_dropdown item */
  GPtrArray             *annotator_choices; /* interned names; NULL for "all" */
  guint                  reload_id;
  gboolean               stale;
  gboolean               updating_choices;

  /* Filters */
  gint64                 dimension_filter;
  int                    dimension_bit;   /* -1: none */
  gint64                 code_filter;
  GHashTable            *code_set;        /* gint64 ids: the code and its descendants */
  const char            *annotator_filter; /* interned */
  int                    status_filter;
  char                  *text_filter;     /* as typed */
  char                  *folded_filter;   /* case-folded, NULL when empty */
};

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_SELECTED_ANNOTATION,
  PROP_N_SHOWN,
  N_PROPS
};

enum {
  ANNOTATION_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (GlossAnnotationList, gloss_annotation_list, GTK_TYPE_WIDGET)

static const char *
status_label (GlossReviewStatus status)
{
  switch (status)
    {
    case GLOSS_REVIEW_ACCEPTED:
      return C_("review status", "Accepted");
    case GLOSS_REVIEW_REJECTED:
      return C_("review status", "Rejected");
    case GLOSS_REVIEW_UNREVIEWED:
    default:
      return C_("review status", "Unreviewed");
    }
}

static char *
format_time (const char *iso)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (iso == NULL)
    return g_strdup ("");
  utc = g_date_time_new_from_iso8601 (iso, NULL);
  if (utc == NULL)
    return g_strdup (iso);
  local = g_date_time_to_local (utc);
  /* Translators: a date and time in the annotation list, see g_date_time_format() */
  return g_date_time_format (local, _("%e %b %Y, %H:%M"));
}

static CodeEntry *
lookup_code (GlossAnnotationList *self,
             gint64               code)
{
  return g_hash_table_lookup (self->code_entries, &code);
}

/* Counts and pages --------------------------------------------------------- */

static gboolean
filters_active (GlossAnnotationList *self)
{
  return self->dimension_filter != 0 || self->code_filter != 0 || self->annotator_filter != NULL ||
         self->status_filter >= 0 || self->folded_filter != NULL;
}

static void
update_state (GlossAnnotationList *self)
{
  guint total = self->model->items->len;
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
  g_autofree char *text = NULL;

  if (filters_active (self))
    /* Translators: the annotation list's footer, "12 of 240 annotations" */
    text = g_strdup_printf (ngettext ("%u of %u annotation", "%u of %u annotations", total),
                            shown, total);
  else
    text = g_strdup_printf (ngettext ("%u annotation", "%u annotations", total), total);
  gtk_label_set_label (self->count_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "annotations.clear-filters", filters_active (self));

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "error") == 0)
    return;

  if (shown > 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "list");
      return;
    }

  if (total == 0)
    {
      adw_status_page_set_icon_name (self->empty_page, "document-edit-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Annotations Yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("Select a passage in a document and tag it with a code: "
                                         "it appears here."));
      gtk_widget_set_visible (self->clear_button, FALSE);
    }
  else
    {
      adw_status_page_set_icon_name (self->empty_page, "edit-find-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Matching Annotations"));
      adw_status_page_set_description (self->empty_page,
                                       _("No annotation passes these filters. Change or clear "
                                         "them to see more."));
      gtk_widget_set_visible (self->clear_button, TRUE);
    }
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
on_filter_model_items_changed_cb (GlossAnnotationList *self)
{
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SHOWN]);
}

/* Filtering --------------------------------------------------------------- */

static gboolean
filter_func (gpointer object,
             gpointer user_data)
{
  GlossAnnotationItem *item = object;
  GlossAnnotationList *self = user_data;

  if (self->status_filter >= 0 && (int) item->status != self->status_filter)
    return FALSE;
  if (self->annotator_filter != NULL && item->annotator != self->annotator_filter)
    return FALSE;

  if (self->dimension_filter != 0)
    {
      gboolean found = FALSE;

      if (self->dimension_bit >= 0 && self->dimension_bit < 64)
        found = (item->dimension_bits & (G_GUINT64_CONSTANT (1) << self->dimension_bit)) != 0;
      else
        for (guint i = 0; i < item->n_codes && !found; i++)
          {
            CodeEntry *entry = lookup_code (self, item->codes[i]);

            found = entry != NULL && entry->code->dimension == self->dimension_filter;
          }
      if (!found)
        return FALSE;
    }

  if (self->code_set != NULL)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < item->n_codes && !found; i++)
        found = g_hash_table_contains (self->code_set, &item->codes[i]);
      if (!found)
        return FALSE;
    }

  if (self->folded_filter != NULL && strstr (item_get_folded (item), self->folded_filter) == NULL)
    return FALSE;

  return TRUE;
}

static void
filter_changed (GlossAnnotationList *self,
                GtkFilterChange      change)
{
  gtk_filter_changed (GTK_FILTER (self->filter), change);
  update_state (self);
}

/* How a filter moving from @old to @new (0 or NULL: none) changes the rows. */
static GtkFilterChange
choice_change (gboolean was_set,
               gboolean is_set)
{
  if (!was_set)
    return GTK_FILTER_CHANGE_MORE_STRICT;
  if (!is_set)
    return GTK_FILTER_CHANGE_LESS_STRICT;
  return GTK_FILTER_CHANGE_DIFFERENT;
}

static void
set_code_set (GlossAnnotationList *self)
{
  g_clear_pointer (&self->code_set, g_hash_table_unref);
  if (self->code_filter == 0)
    return;

  self->code_set = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_hash_table_add (self->code_set, g_memdup2 (&self->code_filter, sizeof (gint64)));
  /* Codes come in tree order: descendants follow their ancestor. */
  for (guint i = 0; i < self->codes->len; i++)
    {
      GlossCode *code = g_ptr_array_index (self->codes, i);

      if (code->parent != 0 && g_hash_table_contains (self->code_set, &code->parent))
        g_hash_table_add (self->code_set, g_memdup2 (&code->id, sizeof (gint64)));
    }
}

static guint
find_choice (GArray *choices,
             gint64  id)
{
  for (guint i = 0; i < choices->len; i++)
    if (g_array_index (choices, gint64, i) == id)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static void fill_code_choices (GlossAnnotationList *self);

static void
apply_dimension_filter (GlossAnnotationList *self,
                        gint64               dimension)
{
  gboolean was_set = self->dimension_filter != 0;
  gboolean code_cleared = FALSE;

  if (dimension == self->dimension_filter)
    return;

  self->dimension_filter = dimension;
  self->dimension_bit = -1;
  for (guint i = 0; i < self->dimensions->len; i++)
    if (((GlossDimension *) g_ptr_array_index (self->dimensions, i))->id == dimension)
      self->dimension_bit = (int) i;

  /* A code of another dimension cannot stay chosen. */
  if (self->code_filter != 0 && dimension != 0)
    {
      CodeEntry *entry = lookup_code (self, self->code_filter);

      if (entry == NULL || entry->code->dimension != dimension)
        {
          self->code_filter = 0;
          set_code_set (self);
          code_cleared = TRUE;
        }
    }
  fill_code_choices (self);

  filter_changed (self, code_cleared ? GTK_FILTER_CHANGE_DIFFERENT
                                     : choice_change (was_set, dimension != 0));
}

static void
apply_code_filter (GlossAnnotationList *self,
                   gint64               code)
{
  gboolean was_set = self->code_filter != 0;
  guint position;

  if (code == self->code_filter)
    return;

  self->code_filter = code;
  set_code_set (self);

  self->updating_choices = TRUE;
  position = find_choice (self->code_choices, code);
  gtk_drop_down_set_selected (self->code_dropdown, position != GTK_INVALID_LIST_POSITION ? position : 0);
  self->updating_choices = FALSE;

  filter_changed (self, choice_change (was_set, code != 0));
}

static void
on_dimension_dropdown_selected_cb (GlossAnnotationList *self)
{
  guint selected = gtk_drop_down_get_selected (self->dimension_dropdown);

  if (self->updating_choices || selected >= self->dimension_choices->len)
    return;
  apply_dimension_filter (self, g_array_index (self->dimension_choices, gint64, selected));
}

static void
on_code_dropdown_selected_cb (GlossAnnotationList *self)
{
  guint selected = gtk_drop_down_get_selected (self->code_dropdown);

  if (self->updating_choices || selected >= self->code_choices->len)
    return;
  apply_code_filter (self, g_array_index (self->code_choices, gint64, selected));
}

static void
on_annotator_dropdown_selected_cb (GlossAnnotationList *self)
{
  guint selected = gtk_drop_down_get_selected (self->annotator_dropdown);
  const char *annotator;
  gboolean was_set = self->annotator_filter != NULL;

  if (self->updating_choices || selected >= self->annotator_choices->len)
    return;
  annotator = g_ptr_array_index (self->annotator_choices, selected);
  if (annotator == self->annotator_filter)
    return;
  self->annotator_filter = annotator;
  filter_changed (self, choice_change (was_set, annotator != NULL));
}

static void
on_status_dropdown_selected_cb (GlossAnnotationList *self)
{
  guint selected = gtk_drop_down_get_selected (self->status_dropdown);
  int status = selected == 0 || selected == GTK_INVALID_LIST_POSITION ? -1 : (int) selected - 1;
  gboolean was_set = self->status_filter >= 0;

  if (self->updating_choices || status == self->status_filter)
    return;
  self->status_filter = status;
  filter_changed (self, choice_change (was_set, status >= 0));
}

static void
apply_text_filter (GlossAnnotationList *self,
                   const char          *text)
{
  g_autofree char *old = g_steal_pointer (&self->folded_filter);
  GtkFilterChange change;

  if (g_strcmp0 (text, self->text_filter) == 0)
    {
      self->folded_filter = g_steal_pointer (&old);
      return;
    }

  g_free (self->text_filter);
  self->text_filter = g_strdup (text);
  if (text != NULL && *text != '\0')
    self->folded_filter = g_utf8_casefold (text, -1);

  if (old == NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (self->folded_filter == NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else if (strstr (self->folded_filter, old) != NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (strstr (old, self->folded_filter) != NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else
    change = GTK_FILTER_CHANGE_DIFFERENT;
  filter_changed (self, change);
}

static void
on_search_entry_search_changed_cb (GlossAnnotationList *self)
{
  apply_text_filter (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
on_search_entry_stop_search_cb (GlossAnnotationList *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  apply_text_filter (self, "");
}

/* Sorting ------------------------------------------------------------------ */

static int
compare_int (gint64 a,
             gint64 b)
{
  return a < b ? -1 : a > b ? 1 : 0;
}

static int
compare_quote (gconstpointer a, gconstpointer b, gpointer data)
{
  return strcmp (item_get_quote_key ((GlossAnnotationItem *) a),
                 item_get_quote_key ((GlossAnnotationItem *) b));
}

static int
compare_codes (gconstpointer a, gconstpointer b, gpointer data)
{
  const GlossAnnotationItem *x = a;
  const GlossAnnotationItem *y = b;

  for (guint i = 0; i < x->n_codes && i < y->n_codes; i++)
    if (x->code_ranks[i] != y->code_ranks[i])
      return compare_int (x->code_ranks[i], y->code_ranks[i]);
  return compare_int (x->n_codes, y->n_codes);
}

static int
compare_document (gconstpointer a, gconstpointer b, gpointer data)
{
  const GlossAnnotationItem *x = a;
  const GlossAnnotationItem *y = b;

  if (x->document_rank != y->document_rank)
    return compare_int (x->document_rank, y->document_rank);
  return compare_int (x->start, y->start);
}

static int
compare_annotator (gconstpointer a, gconstpointer b, gpointer data)
{
  return compare_int (((GlossAnnotationItem *) a)->annotator_rank,
                      ((GlossAnnotationItem *) b)->annotator_rank);
}

static int
compare_status (gconstpointer a, gconstpointer b, gpointer data)
{
  return compare_int (((GlossAnnotationItem *) a)->status, ((GlossAnnotationItem *) b)->status);
}

static int
compare_created (gconstpointer a, gconstpointer b, gpointer data)
{
  return g_strcmp0 (((GlossAnnotationItem *) a)->created, ((GlossAnnotationItem *) b)->created);
}

static int
compare_modified (gconstpointer a, gconstpointer b, gpointer data)
{
  return g_strcmp0 (((GlossAnnotationItem *) a)->modified, ((GlossAnnotationItem *) b)->modified);
}

static const GCompareDataFunc compare_funcs[N_COLUMNS] = {
  compare_quote, compare_codes, compare_document, compare_annotator, compare_status,
  compare_created, compare_modified,
};

/* Cells -------------------------------------------------------------------- */

static void
on_cell_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  GlossAnnotationList      *self)
{
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "gloss-column"));
  GtkWidget *cell;

  /* The codes are markup: a label, since GTK 4.8's GtkInscription leaks
   * the attributes of its markup. */
  if (column == COLUMN_CODES)
    {
      cell = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (cell), 0);
      gtk_label_set_single_line_mode (GTK_LABEL (cell), TRUE);
      gtk_label_set_ellipsize (GTK_LABEL (cell), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (cell), 12);
      gtk_list_item_set_child (list_item, cell);
      return;
    }

  cell = gtk_inscription_new (NULL);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_xalign (GTK_INSCRIPTION (cell), 0);
  switch (column)
    {
    case COLUMN_QUOTE:
      gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), 24);
      gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), 60);
      break;
    case COLUMN_DOCUMENT:
      gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), 8);
      gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), 18);
      break;
    case COLUMN_CREATED:
    case COLUMN_MODIFIED:
      gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), 17);
      gtk_widget_add_css_class (cell, "numeric");
      break;
    case COLUMN_ANNOTATOR:
    case COLUMN_STATUS:
    case N_COLUMNS:
    default:
      gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), 11);
      break;
    }
  gtk_list_item_set_child (list_item, cell);
}

static char *
codes_markup (GlossAnnotationList *self,
              GlossAnnotationItem *item)
{
  g_autoptr(GString) markup = g_string_new (NULL);

  for (guint i = 0; i < item->n_codes; i++)
    {
      CodeEntry *entry = lookup_code (self, item->codes[i]);
      g_autofree char *name = NULL;

      if (entry == NULL)
        continue;
      name = g_markup_escape_text (entry->code->name, -1);
      if (markup->len > 0)
        g_string_append (markup, "   ");
      g_string_append_printf (markup, "<span foreground=\"%s\">●</span> %s",
                              entry->code->color != NULL ? entry->code->color : "#888888", name);
    }
  return g_string_free (g_steal_pointer (&markup), FALSE);
}

static void
on_cell_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 GlossAnnotationList      *self)
{
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "gloss-column"));
  GlossAnnotationItem *item = gtk_list_item_get_item (list_item);
  GtkInscription *cell = column != COLUMN_CODES ? GTK_INSCRIPTION (gtk_list_item_get_child (list_item)) : NULL;

  switch (column)
    {
    case COLUMN_QUOTE:
      {
        g_autofree char *line = g_strdup (item->quote);
        g_autofree char *tooltip = NULL;

        g_strdelimit (line, "\r\n\t", ' ');
        gtk_inscription_set_text (cell, line);
        tooltip = item->note != NULL ? g_strdup_printf ("%s\n\n%s", item->quote, item->note)
                                     : g_strdup (item->quote);
        gtk_widget_set_tooltip_text (GTK_WIDGET (cell), tooltip);
      }
      break;
    case COLUMN_CODES:
      {
        g_autofree char *markup = codes_markup (self, item);

        gtk_label_set_markup (GTK_LABEL (gtk_list_item_get_child (list_item)), markup);
        gtk_widget_set_tooltip_markup (gtk_list_item_get_child (list_item), markup);
      }
      break;
    case COLUMN_DOCUMENT:
      gtk_inscription_set_text (cell, g_hash_table_lookup (self->document_titles, &item->document));
      break;
    case COLUMN_ANNOTATOR:
      gtk_inscription_set_text (cell, item->annotator);
      break;
    case COLUMN_STATUS:
      gtk_inscription_set_text (cell, status_label (item->status));
      /* Most annotations are not reviewed: only the others stand out. */
      if (item->status == GLOSS_REVIEW_UNREVIEWED)
        gtk_widget_add_css_class (GTK_WIDGET (cell), "dim-label");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (cell), "dim-label");
      break;
    case COLUMN_CREATED:
    case COLUMN_MODIFIED:
      {
        g_autofree char *text = format_time (column == COLUMN_CREATED ? item->created : item->modified);

        gtk_inscription_set_text (cell, text);
      }
      break;
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

static void
on_code_choice_setup_cb (GtkSignalListItemFactory *factory,
                         GtkListItem              *list_item,
                         GlossAnnotationList      *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *dot = gtk_label_new (NULL);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
  gtk_box_append (GTK_BOX (box), dot);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (list_item, box);
}

static void
on_code_choice_bind_cb (GtkSignalListItemFactory *factory,
                        GtkListItem              *list_item,
                        GlossAnnotationList      *self)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *dot = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (dot);
  GtkStringObject *string = gtk_list_item_get_item (list_item);
  guint position = gtk_list_item_get_position (list_item);
  gint64 id = position < self->code_choices->len ? g_array_index (self->code_choices, gint64, position) : 0;
  CodeEntry *entry = id != 0 ? lookup_code (self, id) : NULL;

  gtk_label_set_label (GTK_LABEL (label), gtk_string_object_get_string (string));
  gtk_widget_set_visible (dot, entry != NULL);
  gtk_widget_set_margin_start (box, entry != NULL ? 12 * entry->code->depth : 0);
  if (entry != NULL)
    {
      g_autofree char *markup = g_strdup_printf ("<span foreground=\"%s\">●</span>",
                                                 entry->code->color != NULL ? entry->code->color
                                                                            : "#888888");

      gtk_label_set_markup (GTK_LABEL (dot), markup);
    }
}

/* Building the rows -------------------------------------------------------- */

static gboolean select_row (GlossAnnotationList *self,
                            gint64               annotation,
                            gboolean             scroll);

static void
fill_code_choices (GlossAnnotationList *self)
{
  g_autoptr(GtkStringList) strings = gtk_string_list_new (NULL);
  guint selected;

  g_array_set_size (self->code_choices, 0);
  g_array_append_val (self->code_choices, (gint64) { 0 });
  gtk_string_list_append (strings, _("Any Code"));
  for (guint i = 0; i < self->codes->len; i++)
    {
      GlossCode *code = g_ptr_array_index (self->codes, i);

      if (self->dimension_filter != 0 && code->dimension != self->dimension_filter)
        continue;
      g_array_append_val (self->code_choices, code->id);
      gtk_string_list_append (strings, code->name);
    }

  selected = find_choice (self->code_choices, self->code_filter);
  self->updating_choices = TRUE;
  gtk_drop_down_set_model (self->code_dropdown, G_LIST_MODEL (strings));
  gtk_drop_down_set_selected (self->code_dropdown, selected != GTK_INVALID_LIST_POSITION ? selected : 0);
  self->updating_choices = FALSE;
}

static void
fill_choices (GlossAnnotationList *self,
              GStrv                annotators)
{
  g_autoptr(GtkStringList) dimension_strings = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) annotator_strings = gtk_string_list_new (NULL);
  guint selected = 0;

  self->updating_choices = TRUE;

  g_array_set_size (self->dimension_choices, 0);
  g_array_append_val (self->dimension_choices, (gint64) { 0 });
  gtk_string_list_append (dimension_strings, _("Any Dimension"));
  for (guint i = 0; i < self->dimensions->len; i++)
    {
      GlossDimension *dimension = g_ptr_array_index (self->dimensions, i);

      g_array_append_val (self->dimension_choices, dimension->id);
      gtk_string_list_append (dimension_strings, dimension->name);
    }
  gtk_drop_down_set_model (self->dimension_dropdown, G_LIST_MODEL (dimension_strings));
  selected = find_choice (self->dimension_choices, self->dimension_filter);
  gtk_drop_down_set_selected (self->dimension_dropdown, selected != GTK_INVALID_LIST_POSITION ? selected : 0);

  g_ptr_array_set_size (self->annotator_choices, 0);
  g_ptr_array_add (self->annotator_choices, NULL);
  gtk_string_list_append (annotator_strings, _("Any Annotator"));
  selected = 0;
  for (guint i = 0; annotators[i] != NULL; i++)
    {
      const char *name = g_intern_string (annotators[i]);

      if (name == self->annotator_filter)
        selected = self->annotator_choices->len;
      g_ptr_array_add (self->annotator_choices, (gpointer) name);
      gtk_string_list_append (annotator_strings, name);
    }
  gtk_drop_down_set_model (self->annotator_dropdown, G_LIST_MODEL (annotator_strings));
  gtk_drop_down_set_selected (self->annotator_dropdown, selected);

  self->updating_choices = FALSE;

  fill_code_choices (self);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_utf8_collate (*(const char **) a, *(const char **) b);
}

static int
compare_document_titles (gconstpointer a,
                         gconstpointer b)
{
  const GlossDocument *x = *(GlossDocument **) a;
  const GlossDocument *y = *(GlossDocument **) b;
  int order = g_utf8_collate (x->title, y->title);

  return order != 0 ? order : compare_int (x->id, y->id);
}

/* Everything the rows were built against; a change rebuilds every row. */
static char *
make_signature (GPtrArray *dimensions,
                GPtrArray *codes,
                GPtrArray *documents,
                GStrv      annotators)
{
  GString *signature = g_string_new (NULL);

  for (guint i = 0; i < dimensions->len; i++)
    {
      GlossDimension *dimension = g_ptr_array_index (dimensions, i);

      g_string_append_printf (signature, "d%" G_GINT64_FORMAT ":%s\x1f", dimension->id, dimension->name);
    }
  for (guint i = 0; i < codes->len; i++)
    {
      GlossCode *code = g_ptr_array_index (codes, i);

      g_string_append_printf (signature, "c%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT
                              ":%s:%s\x1f", code->id, code->dimension, code->parent, code->name,
                              code->color != NULL ? code->color : "");
    }
  for (guint i = 0; i < documents->len; i++)
    {
      GlossDocument *document = g_ptr_array_index (documents, i);

      g_string_append_printf (signature, "t%" G_GINT64_FORMAT ":%s\x1f", document->id, document->title);
    }
  for (guint i = 0; annotators[i] != NULL; i++)
    g_string_append_printf (signature, "a%s\x1f", annotators[i]);

  return g_string_free (signature, FALSE);
}

static void
index_codebook (GlossAnnotationList *self,
                GPtrArray           *dimensions,
                GPtrArray           *codes,
                GPtrArray           *documents,
                GStrv                annotators)
{
  g_autoptr(GHashTable) dimension_positions = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) sorted_documents = g_ptr_array_new_full (documents->len, NULL);
  g_autofree const char **sorted_annotators = NULL;
  guint n_annotators = g_strv_length (annotators);

  g_clear_pointer (&self->dimensions, g_ptr_array_unref);
  g_clear_pointer (&self->codes, g_ptr_array_unref);
  g_clear_pointer (&self->documents, g_ptr_array_unref);
  self->dimensions = g_ptr_array_ref (dimensions);
  self->codes = g_ptr_array_ref (codes);
  self->documents = g_ptr_array_ref (documents);

  for (guint i = 0; i < dimensions->len; i++)
    {
      GlossDimension *dimension = g_ptr_array_index (dimensions, i);

      g_hash_table_insert (dimension_positions, &dimension->id, GUINT_TO_POINTER (i));
    }

  g_hash_table_remove_all (self->code_entries);
  for (guint i = 0; i < codes->len; i++)
    {
      GlossCode *code = g_ptr_array_index (codes, i);
      CodeEntry *entry = g_new0 (CodeEntry, 1);

      entry->code = code;
      entry->rank = i;
      entry->dimension = GPOINTER_TO_UINT (g_hash_table_lookup (dimension_positions, &code->dimension));
      g_hash_table_insert (self->code_entries, &code->id, entry);
    }

  g_hash_table_remove_all (self->document_titles);
  g_hash_table_remove_all (self->document_ranks);
  for (guint i = 0; i < documents->len; i++)
    g_ptr_array_add (sorted_documents, g_ptr_array_index (documents, i));
  g_ptr_array_sort (sorted_documents, compare_document_titles);
  for (guint i = 0; i < sorted_documents->len; i++)
    {
      GlossDocument *document = g_ptr_array_index (sorted_documents, i);

      g_hash_table_insert (self->document_titles, &document->id, document->title);
      g_hash_table_insert (self->document_ranks, &document->id, GUINT_TO_POINTER (i + 1));
    }

  g_hash_table_remove_all (self->annotator_ranks);
  sorted_annotators = g_new0 (const char *, n_annotators + 1);
  for (guint i = 0; i < n_annotators; i++)
    sorted_annotators[i] = annotators[i];
  qsort (sorted_annotators, n_annotators, sizeof (char *), compare_strings);
  for (guint i = 0; i < n_annotators; i++)
    g_hash_table_insert (self->annotator_ranks, (gpointer) g_intern_string (sorted_annotators[i]),
                         GUINT_TO_POINTER (i + 1));

  /* A filter on something that is gone shows nothing: drop it. */
  if (self->code_filter != 0 && lookup_code (self, self->code_filter) == NULL)
    self->code_filter = 0;
  set_code_set (self);
  if (self->dimension_filter != 0 && !g_hash_table_contains (dimension_positions, &self->dimension_filter))
    self->dimension_filter = 0;
  self->dimension_bit = -1;
  if (self->dimension_filter != 0)
    self->dimension_bit = (int) GPOINTER_TO_UINT (g_hash_table_lookup (dimension_positions,
                                                                       &self->dimension_filter));
  if (self->annotator_filter != NULL && !g_hash_table_contains (self->annotator_ranks, self->annotator_filter))
    self->annotator_filter = NULL;

  fill_choices (self, annotators);
}

typedef struct
{
  gint64 id;
  guint  rank;
} RankedCode;

static int
compare_ranked (gconstpointer a,
                gconstpointer b)
{
  return compare_int (((const RankedCode *) a)->rank, ((const RankedCode *) b)->rank);
}

static GlossAnnotationItem *
make_item (GlossAnnotationList *self,
           GlossAnnotation     *annotation)
{
  GlossAnnotationItem *item = g_object_new (GLOSS_TYPE_ANNOTATION_ITEM, NULL);
  guint n = annotation->codes != NULL ? annotation->codes->len : 0;
  RankedCode ranked[64];
  g_autofree RankedCode *heap = NULL;
  RankedCode *codes = ranked;

  item->id = annotation->id;
  item->document = annotation->document;
  item->start = annotation->start;
  item->revision = annotation->revision;
  item->status = annotation->status;
  item->annotator = g_intern_string (annotation->annotator != NULL ? annotation->annotator : "");
  item->quote = g_steal_pointer (&annotation->quote);
  item->note = g_steal_pointer (&annotation->note);
  item->created = g_steal_pointer (&annotation->created);
  item->modified = g_steal_pointer (&annotation->modified);
  item->document_rank = GPOINTER_TO_UINT (g_hash_table_lookup (self->document_ranks, &item->document));
  item->annotator_rank = GPOINTER_TO_UINT (g_hash_table_lookup (self->annotator_ranks, item->annotator));
  if (item->quote == NULL)
    item->quote = g_strdup ("");

  if (n > G_N_ELEMENTS (ranked))
    codes = heap = g_new (RankedCode, n);
  item->n_codes = 0;
  for (guint i = 0; i < n; i++)
    {
      gint64 id = g_array_index (annotation->codes, gint64, i);
      CodeEntry *entry = lookup_code (self, id);

      if (entry == NULL)
        continue;
      codes[item->n_codes].id = id;
      codes[item->n_codes].rank = entry->rank;
      item->n_codes++;
      if (entry->dimension < 64)
        item->dimension_bits |= G_GUINT64_CONSTANT (1) << entry->dimension;
    }
  qsort (codes, item->n_codes, sizeof (RankedCode), compare_ranked);
  item->codes = g_new (gint64, item->n_codes);
  item->code_ranks = g_new (guint, item->n_codes);
  for (guint i = 0; i < item->n_codes; i++)
    {
      item->codes[i] = codes[i].id;
      item->code_ranks[i] = codes[i].rank;
    }

  return item;
}

static gboolean
can_reuse (GlossAnnotationItem *item,
           GlossAnnotation     *annotation)
{
  return item->revision == annotation->revision && item->status == annotation->status &&
         g_strcmp0 (item->modified, annotation->modified) == 0 &&
         g_strcmp0 (item->note, annotation->note) == 0;
}

/**
 * gloss_annotation_list_reload:
 * @error: return location for a #GError
 *
 * Reads the project's annotations again now, rather than when the project
 * says it changed.  Rows that did not change keep their objects.
 *
 * Returns: %TRUE on success
 */
gboolean
gloss_annotation_list_reload (GlossAnnotationList  *self,
                              GError              **error)
{
  g_autoptr(GPtrArray) dimensions = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_auto(GStrv) annotators = NULL;
  g_autoptr(GPtrArray) annotations = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) old = NULL;
  g_autofree char *signature = NULL;
  gboolean rebuilt = FALSE;
  gint64 selected;

  g_return_val_if_fail (GLOSS_IS_ANNOTATION_LIST (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_clear_handle_id (&self->reload_id, g_source_remove);
  self->stale = FALSE;

  if (self->project == NULL)
    {
      gloss_annotation_model_replace (self->model, g_ptr_array_new_with_free_func (g_object_unref));
      update_state (self);
      return TRUE;
    }

  if ((dimensions = gloss_project_list_dimensions (self->project, error)) == NULL ||
      (codes = gloss_project_list_codes (self->project, error)) == NULL ||
      (documents = gloss_project_list_documents (self->project, error)) == NULL ||
      (annotators = gloss_project_list_annotators (self->project, error)) == NULL ||
      (annotations = gloss_project_list_annotations (self->project, NULL, error)) == NULL)
    {
      adw_status_page_set_description (self->error_page, error != NULL ? (*error)->message : NULL);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return FALSE;
    }
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "error") == 0)
    gtk_stack_set_visible_child_name (self->stack, "list");

  selected = gloss_annotation_list_get_selected (self);
  signature = make_signature (dimensions, codes, documents, annotators);
  if (g_strcmp0 (signature, self->signature) != 0)
    {
      index_codebook (self, dimensions, codes, documents, annotators);
      g_free (self->signature);
      self->signature = g_steal_pointer (&signature);
      rebuilt = TRUE;
    }

  old = g_hash_table_new (g_int64_hash, g_int64_equal);
  if (!rebuilt)
    for (guint i = 0; i < self->model->items->len; i++)
      {
        GlossAnnotationItem *item = g_ptr_array_index (self->model->items, i);

        g_hash_table_insert (old, &item->id, item);
      }

  items = g_ptr_array_new_full (annotations->len, g_object_unref);
  for (guint i = 0; i < annotations->len; i++)
    {
      GlossAnnotation *annotation = g_ptr_array_index (annotations, i);
      GlossAnnotationItem *item = g_hash_table_lookup (old, &annotation->id);

      if (item != NULL && can_reuse (item, annotation))
        g_ptr_array_add (items, g_object_ref (item));
      else
        g_ptr_array_add (items, make_item (self, annotation));
    }

  /* After a rebuild every row is new, so the filter sees each one anyway. */
  gloss_annotation_model_replace (self->model, g_steal_pointer (&items));
  update_state (self);

  if (selected != 0 && gloss_annotation_list_get_selected (self) != selected)
    select_row (self, selected, FALSE);

  return TRUE;
}

static gboolean
reload_cb (gpointer user_data)
{
  GlossAnnotationList *self = user_data;
  g_autoptr(GError) error = NULL;

  self->reload_id = 0;
  /* Failures show on the list's own error page. */
  gloss_annotation_list_reload (self, &error);
  return G_SOURCE_REMOVE;
}

static void
on_project_changed_cb (GlossAnnotationList *self)
{
  /* Hidden, the list catches up when it is shown again. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  if (self->reload_id == 0)
    self->reload_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, reload_cb, self, NULL);
}

/* Selection and activation ------------------------------------------------- */

static void
on_column_view_activate_cb (GlossAnnotationList *self,
                            guint                position)
{
  g_autoptr(GlossAnnotationItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (item != NULL)
    g_signal_emit (self, signals[ANNOTATION_ACTIVATED], 0, item->id);
}

static void
on_selection_changed_cb (GlossAnnotationList *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ANNOTATION]);
}

static GtkWidget *
get_list_view (GlossAnnotationList *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  return NULL;
}

static gboolean
select_row (GlossAnnotationList *self,
            gint64               annotation,
            gboolean             scroll)
{
  GListModel *shown = G_LIST_MODEL (self->filter_model);
  guint n = g_list_model_get_n_items (shown);

  if (annotation != 0)
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(GlossAnnotationItem) item = g_list_model_get_item (shown, i);
        GtkWidget *list_view;

        if (item->id != annotation)
          continue;

        gtk_single_selection_set_selected (self->selection, i);
        /* GTK 4.8 has no gtk_column_view_scroll_to(): its list view's action does it. */
        list_view = scroll ? get_list_view (self) : NULL;
        if (list_view != NULL)
          gtk_widget_activate_action (list_view, "list.scroll-to-item", "u", i);
        return TRUE;
      }

  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  return annotation == 0;
}

/**
 * gloss_annotation_list_select:
 * @annotation: an annotation's id, or 0 to select nothing
 *
 * Selects @annotation's row and scrolls it into view.
 *
 * Returns: %FALSE when the annotation is not shown (unknown, or hidden by
 *   the filters); the selection is then cleared
 */
gboolean
gloss_annotation_list_select (GlossAnnotationList *self,
                              gint64               annotation)
{
  g_return_val_if_fail (GLOSS_IS_ANNOTATION_LIST (self), FALSE);

  return select_row (self, annotation, TRUE);
}

/**
 * gloss_annotation_list_get_selected:
 *
 * Returns: the selected annotation's id, 0 when none is selected
 */
gint64
gloss_annotation_list_get_selected (GlossAnnotationList *self)
{
  GlossAnnotationItem *item;

  g_return_val_if_fail (GLOSS_IS_ANNOTATION_LIST (self), 0);

  item = gtk_single_selection_get_selected_item (self->selection);
  return item != NULL ? item->id : 0;
}

/**
 * gloss_annotation_list_get_n_annotations:
 *
 * Returns: how many annotations the project has, whatever the filters
 */
guint
gloss_annotation_list_get_n_annotations (GlossAnnotationList *self)
{
  g_return_val_if_fail (GLOSS_IS_ANNOTATION_LIST (self), 0);

  return self->model->items->len;
}

/**
 * gloss_annotation_list_get_n_shown:
 *
 * Returns: how many rows pass the filters
 */
guint
gloss_annotation_list_get_n_shown (GlossAnnotationList *self)
{
  g_return_val_if_fail (GLOSS_IS_ANNOTATION_LIST (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
}

/**
 * gloss_annotation_list_get_shown:
 * @position: a row, in the order shown
 *
 * Returns: the annotation's id at @position, 0 past the end
 */
gint64
gloss_annotation_list_get_shown (GlossAnnotationList *self,
                                 guint                position)
{
  g_autoptr(GlossAnnotationItem) item = NULL;

  g_return_val_if_fail (GLOSS_IS_ANNOTATION_LIST (self), 0);

  item = g_list_model_get_item (G_LIST_MODEL (self->filter_model), position);
  return item != NULL ? item->id : 0;
}

/* Filters, from outside ------------------------------------------------------ */

void
gloss_annotation_list_set_dimension_filter (GlossAnnotationList *self,
                                            gint64               dimension)
{
  guint position;

  g_return_if_fail (GLOSS_IS_ANNOTATION_LIST (self));

  position = find_choice (self->dimension_choices, dimension);
  if (position == GTK_INVALID_LIST_POSITION)
    position = 0;
  self->updating_choices = TRUE;
  gtk_drop_down_set_selected (self->dimension_dropdown, position);
  self->updating_choices = FALSE;
  apply_dimension_filter (self, g_array_index (self->dimension_choices, gint64, position));
}

gint64
gloss_annotation_list_get_dimension_filter (GlossAnnotationList *self)
{
  g_return_val_if_fail (GLOSS_IS_ANNOTATION_LIST (self), 0);

  return self->dimension_filter;
}

/**
 * gloss_annotation_list_set_code_filter:
 * @code: a code's id, 0 for any code
 *
 * Shows only annotations carrying @code or one of its descendants.  A
 * dimension filter that excludes @code is cleared.
 */
void
gloss_annotation_list_set_code_filter (GlossAnnotationList *self,
                                       gint64               code)
{
  CodeEntry *entry;

  g_return_if_fail (GLOSS_IS_ANNOTATION_LIST (self));

  entry = code != 0 ? lookup_code (self, code) : NULL;
  if (entry == NULL)
    code = 0;
  if (entry != NULL && self->dimension_filter != 0 && entry->code->dimension != self->dimension_filter)
    gloss_annotation_list_set_dimension_filter (self, 0);
  apply_code_filter (self, code);
}

gint64
gloss_annotation_list_get_code_filter (GlossAnnotationList *self)
{
  g_return_val_if_fail (GLOSS_IS_ANNOTATION_LIST (self), 0);

  return self->code_filter;
}

/**
 * gloss_annotation_list_set_annotator_filter:
 * @annotator: (nullable): an annotator's name, %NULL for anyone
 */
void
gloss_annotation_list_set_annotator_filter (GlossAnnotationList *self,
                                            const char          *annotator)
{
  guint position = 0;

  g_return_if_fail (GLOSS_IS_ANNOTATION_LIST (self));

  if (annotator != NULL)
    {
      const char *interned = g_intern_string (annotator);

      for (guint i = 1; i < self->annotator_choices->len; i++)
        if (g_ptr_array_index (self->annotator_choices, i) == interned)
          position = i;
    }
  gtk_drop_down_set_selected (self->annotator_dropdown, position);
}

const char *
gloss_annotation_list_get_annotator_filter (GlossAnnotationList *self)
{
  g_return_val_if_fail (GLOSS_IS_ANNOTATION_LIST (self), NULL);

  return self->annotator_filter;
}

/**
 * gloss_annotation_list_set_status_filter:
 * @status: a #GlossReviewStatus, or -1 for any
 */
void
gloss_annotation_list_set_status_filter (GlossAnnotationList *self,
                                         int                  status)
{
  g_return_if_fail (GLOSS_IS_ANNOTATION_LIST (self));
  g_return_if_fail (status >= -1 && status <= GLOSS_REVIEW_REJECTED);

  gtk_drop_down_set_selected (self->status_dropdown, (guint) (status + 1));
}

int
gloss_annotation_list_get_status_filter (GlossAnnotationList *self)
{
  g_return_val_if_fail (GLOSS_IS_ANNOTATION_LIST (self), -1);

  return self->status_filter;
}

/**
 * gloss_annotation_list_set_text_filter:
 * @text: (nullable): shows only annotations whose quote or note contains
 *   @text, ignoring case
 */
void
gloss_annotation_list_set_text_filter (GlossAnnotationList *self,
                                       const char          *text)
{
  g_return_if_fail (GLOSS_IS_ANNOTATION_LIST (self));

  if (text == NULL)
    text = "";
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  /* Now, not after the entry's typing delay. */
  apply_text_filter (self, text);
}

const char *
gloss_annotation_list_get_text_filter (GlossAnnotationList *self)
{
  g_return_val_if_fail (GLOSS_IS_ANNOTATION_LIST (self), NULL);

  return self->text_filter != NULL ? self->text_filter : "";
}

void
gloss_annotation_list_clear_filters (GlossAnnotationList *self)
{
  g_return_if_fail (GLOSS_IS_ANNOTATION_LIST (self));

  gloss_annotation_list_set_text_filter (self, NULL);
  gloss_annotation_list_set_status_filter (self, -1);
  gloss_annotation_list_set_annotator_filter (self, NULL);
  gloss_annotation_list_set_code_filter (self, 0);
  gloss_annotation_list_set_dimension_filter (self, 0);
}

static void
clear_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  gloss_annotation_list_clear_filters (GLOSS_ANNOTATION_LIST (widget));
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gtk_widget_grab_focus (GTK_WIDGET (GLOSS_ANNOTATION_LIST (widget)->search_entry));
}

/* The project ---------------------------------------------------------------- */

GlossProject *
gloss_annotation_list_get_project (GlossAnnotationList *self)
{
  g_return_val_if_fail (GLOSS_IS_ANNOTATION_LIST (self), NULL);

  return self->project;
}

/**
 * gloss_annotation_list_set_project:
 * @project: (nullable): the project to list
 *
 * Lists @project's annotations and follows its changes.  Errors show in
 * the list itself.
 */
void
gloss_annotation_list_set_project (GlossAnnotationList *self,
                                   GlossProject        *project)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (GLOSS_IS_ANNOTATION_LIST (self));
  g_return_if_fail (project == NULL || GLOSS_IS_PROJECT (project));

  if (self->project == project)
    return;

  if (self->project != NULL)
    g_signal_handlers_disconnect_by_func (self->project, on_project_changed_cb, self);
  g_set_object (&self->project, project);
  if (project != NULL)
    g_signal_connect_object (project, "changed", G_CALLBACK (on_project_changed_cb), self,
                             G_CONNECT_SWAPPED);

  /* A new project: nothing of the old one is reused. */
  g_clear_pointer (&self->signature, g_free);
  gloss_annotation_model_replace (self->model, g_ptr_array_new_with_free_func (g_object_unref));
  gloss_annotation_list_reload (self, &error);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

/* GObject ------------------------------------------------------------------ */

static void
gloss_annotation_list_map (GtkWidget *widget)
{
  GlossAnnotationList *self = GLOSS_ANNOTATION_LIST (widget);

  GTK_WIDGET_CLASS (gloss_annotation_list_parent_class)->map (widget);

  if (self->stale)
    on_project_changed_cb (self);
}

static void
gloss_annotation_list_dispose (GObject *object)
{
  GlossAnnotationList *self = GLOSS_ANNOTATION_LIST (object);
  GtkWidget *child;

  g_clear_handle_id (&self->reload_id, g_source_remove);
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), GLOSS_TYPE_ANNOTATION_LIST);
  /* The template's unnamed children too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  if (self->project != NULL)
    g_signal_handlers_disconnect_by_func (self->project, on_project_changed_cb, self);
  g_clear_object (&self->project);
  g_clear_object (&self->selection);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->filter);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (gloss_annotation_list_parent_class)->dispose (object);
}

static void
gloss_annotation_list_finalize (GObject *object)
{
  GlossAnnotationList *self = GLOSS_ANNOTATION_LIST (object);

  g_clear_pointer (&self->code_entries, g_hash_table_unref);
  g_clear_pointer (&self->document_titles, g_hash_table_unref);
  g_clear_pointer (&self->document_ranks, g_hash_table_unref);
  g_clear_pointer (&self->annotator_ranks, g_hash_table_unref);
  g_clear_pointer (&self->code_set, g_hash_table_unref);
  g_clear_pointer (&self->dimensions, g_ptr_array_unref);
  g_clear_pointer (&self->codes, g_ptr_array_unref);
  g_clear_pointer (&self->documents, g_ptr_array_unref);
  g_clear_pointer (&self->dimension_choices, g_array_unref);
  g_clear_pointer (&self->code_choices, g_array_unref);
  g_clear_pointer (&self->annotator_choices, g_ptr_array_unref);
  g_free (self->signature);
  g_free (self->text_filter);
  g_free (self->folded_filter);

  G_OBJECT_CLASS (gloss_annotation_list_parent_class)->finalize (object);
}

static void
gloss_annotation_list_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  GlossAnnotationList *self = GLOSS_ANNOTATION_LIST (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_SELECTED_ANNOTATION:
      g_value_set_int64 (value, gloss_annotation_list_get_selected (self));
      break;
    case PROP_N_SHOWN:
      g_value_set_uint (value, gloss_annotation_list_get_n_shown (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gloss_annotation_list_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  GlossAnnotationList *self = GLOSS_ANNOTATION_LIST (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      gloss_annotation_list_set_project (self, g_value_get_object (value));
      break;
    case PROP_SELECTED_ANNOTATION:
      gloss_annotation_list_select (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gloss_annotation_list_class_init (GlossAnnotationListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gloss_annotation_list_dispose;
  object_class->finalize = gloss_annotation_list_finalize;
  object_class->get_property = gloss_annotation_list_get_property;
  object_class->set_property = gloss_annotation_list_set_property;
  widget_class->map = gloss_annotation_list_map;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, GLOSS_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SELECTED_ANNOTATION] =
    g_param_spec_int64 ("selected-annotation", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_SHOWN] =
    g_param_spec_uint ("n-shown", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * GlossAnnotationList::annotation-activated:
   * @annotation: the annotation's id
   *
   * A row was activated (Enter or double click): show the annotation.
   */
  signals[ANNOTATION_ACTIVATED] =
    g_signal_new ("annotation-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/glossapp/Gloss/gloss-annotation-list.ui");
  gtk_widget_class_bind_template_child (widget_class, GlossAnnotationList, search_entry);
  gtk_widget_class_bind_template_child (widget_class, GlossAnnotationList, dimension_dropdown);
  gtk_widget_class_bind_template_child (widget_class, GlossAnnotationList, code_dropdown);
  gtk_widget_class_bind_template_child (widget_class, GlossAnnotationList, annotator_dropdown);
  gtk_widget_class_bind_template_child (widget_class, GlossAnnotationList, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, GlossAnnotationList, stack);
  gtk_widget_class_bind_template_child (widget_class, GlossAnnotationList, column_view);
  gtk_widget_class_bind_template_child_full (widget_class, "quote_column", FALSE,
                                             G_STRUCT_OFFSET (GlossAnnotationList, columns[COLUMN_QUOTE]));
  gtk_widget_class_bind_template_child_full (widget_class, "codes_column", FALSE,
                                             G_STRUCT_OFFSET (GlossAnnotationList, columns[COLUMN_CODES]));
  gtk_widget_class_bind_template_child_full (widget_class, "document_column", FALSE,
                                             G_STRUCT_OFFSET (GlossAnnotationList, columns[COLUMN_DOCUMENT]));
  gtk_widget_class_bind_template_child_full (widget_class, "annotator_column", FALSE,
                                             G_STRUCT_OFFSET (GlossAnnotationList, columns[COLUMN_ANNOTATOR]));
  gtk_widget_class_bind_template_child_full (widget_class, "status_column", FALSE,
                                             G_STRUCT_OFFSET (GlossAnnotationList, columns[COLUMN_STATUS]));
  gtk_widget_class_bind_template_child_full (widget_class, "created_column", FALSE,
                                             G_STRUCT_OFFSET (GlossAnnotationList, columns[COLUMN_CREATED]));
  gtk_widget_class_bind_template_child_full (widget_class, "modified_column", FALSE,
                                             G_STRUCT_OFFSET (GlossAnnotationList, columns[COLUMN_MODIFIED]));
  gtk_widget_class_bind_template_child (widget_class, GlossAnnotationList, empty_page);
  gtk_widget_class_bind_template_child (widget_class, GlossAnnotationList, clear_button);
  gtk_widget_class_bind_template_child (widget_class, GlossAnnotationList, error_page);
  gtk_widget_class_bind_template_child (widget_class, GlossAnnotationList, count_label);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_dimension_dropdown_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_code_dropdown_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_annotator_dropdown_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_status_dropdown_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_column_view_activate_cb);

  gtk_widget_class_install_action (widget_class, "annotations.clear-filters", NULL, clear_filters_action);
  gtk_widget_class_install_action (widget_class, "annotations.focus-search", NULL, focus_search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "annotations.focus-search", NULL);

  gtk_widget_class_set_css_name (widget_class, "glossannotationlist");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
gloss_annotation_list_init (GlossAnnotationList *self)
{
  g_autoptr(GtkListItemFactory) code_factory = NULL;
  GtkSorter *sorter;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->code_entries = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  self->document_titles = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->document_ranks = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->annotator_ranks = g_hash_table_new (NULL, NULL);
  self->dimensions = g_ptr_array_new ();
  self->codes = g_ptr_array_new ();
  self->documents = g_ptr_array_new ();
  self->dimension_choices = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->code_choices = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->annotator_choices = g_ptr_array_new ();
  self->status_filter = -1;
  self->dimension_bit = -1;

  for (Column column = 0; column < N_COLUMNS; column++)
    {
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkSorter) column_sorter = NULL;

      g_object_set_data (G_OBJECT (factory), "gloss-column", GINT_TO_POINTER (column));
      g_signal_connect (factory, "setup", G_CALLBACK (on_cell_setup_cb), self);
      g_signal_connect (factory, "bind", G_CALLBACK (on_cell_bind_cb), self);
      gtk_column_view_column_set_factory (self->columns[column], factory);

      column_sorter = GTK_SORTER (gtk_custom_sorter_new (compare_funcs[column], NULL, NULL));
      gtk_column_view_column_set_sorter (self->columns[column], column_sorter);
    }

  self->model = g_object_new (GLOSS_TYPE_ANNOTATION_MODEL, NULL);
  sorter = gtk_column_view_get_sorter (self->column_view);
  self->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->model)),
                                              sorter != NULL ? g_object_ref (sorter) : NULL);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filter_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->sort_model)),
                                                  g_object_ref (GTK_FILTER (self->filter)));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filter_model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->filter_model, "items-changed",
                           G_CALLBACK (on_filter_model_items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected",
                           G_CALLBACK (on_selection_changed_cb), self, G_CONNECT_SWAPPED);

  code_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (code_factory, "setup", G_CALLBACK (on_code_choice_setup_cb), self);
  g_signal_connect (code_factory, "bind", G_CALLBACK (on_code_choice_bind_cb), self);
  gtk_drop_down_set_factory (self->code_dropdown, code_factory);

  fill_choices (self, (GStrv) (const char *[]) { NULL });
  update_state (self);
}

GtkWidget *
gloss_annotation_list_new (void)
{
  return g_object_new (GLOSS_TYPE_ANNOTATION_LIST, NULL);
}
