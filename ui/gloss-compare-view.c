/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-compare-view"

#include "config.h"

#include "gloss-compare-view.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

/* "Compare with…": the current project and other analysts' files, opened
 * read-only on a worker thread, compared by the engine
 * (gloss_agreement_compare() for the figures, gloss_disagreements_find()
 * for the passages).  The panel shows the figures per dimension with their
 * unit counts, and lists the disagreements; activating one asks the window
 * to show it, and gloss_compare_view_dup_spans() gives the analysts' spans
 * of a document to draw side by side in their colours. */

#define PULSE_MS      100
#define QUOTE_CHARS   160

/* One colour per analyst, readable on light and dark backgrounds. */
static const char *const analyst_colors[] = {
  "#1c71d8", "#e66100", "#26a269", "#9141ac", "#c01c28", "#986a44", "#e5a50a", "#2190a4",
};

/* A disagreement as a list row ------------------------------------------------ */

#define GLOSS_TYPE_COMPARE_ITEM (gloss_compare_item_get_type ())
G_DECLARE_FINAL_TYPE (GlossCompareItem, gloss_compare_item, GLOSS, COMPARE_ITEM, GObject)

struct _GlossCompareItem
{
  GObject  parent_instance;

  guint    index;      /* into the disagreement set's items */
  gint64   document;   /* id in the current project, 0 when only in other files */
  gint64   start;
  gint64   end;
  char    *title;
  char    *place;
  char    *quote;
  char    *details;    /* Pango markup */
};

enum
{
  ITEM_PROP_0,
  ITEM_PROP_TITLE,
  ITEM_PROP_PLACE,
  ITEM_PROP_QUOTE,
  ITEM_PROP_DETAILS,
  ITEM_N_PROPS
};

static GParamSpec *item_properties[ITEM_N_PROPS];

G_DEFINE_FINAL_TYPE (GlossCompareItem, gloss_compare_item, G_TYPE_OBJECT)

static void
gloss_compare_item_finalize (GObject *object)
{
  GlossCompareItem *self = GLOSS_COMPARE_ITEM (object);

  g_free (self->title);
  g_free (self->place);
  g_free (self->quote);
  g_free (self->details);

  G_OBJECT_CLASS (gloss_compare_item_parent_class)->finalize (object);
}

static void
gloss_compare_item_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  GlossCompareItem *self = GLOSS_COMPARE_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case ITEM_PROP_PLACE:
      g_value_set_string (value, self->place);
      break;
    case ITEM_PROP_QUOTE:
      g_value_set_string (value, self->quote);
      break;
    case ITEM_PROP_DETAILS:
      g_value_set_string (value, self->details);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gloss_compare_item_class_init (GlossCompareItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gloss_compare_item_finalize;
  object_class->get_property = gloss_compare_item_get_property;

  item_properties[ITEM_PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_PLACE] =
    g_param_spec_string ("place", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_QUOTE] =
    g_param_spec_string ("quote", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_DETAILS] =
    g_param_spec_string ("details", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, ITEM_N_PROPS, item_properties);
}

static void
gloss_compare_item_init (GlossCompareItem *self)
{
}

/* The view ---------------------------------------------------------------------- */

typedef struct
{
  char                 *paths_label;
  GStrv                 paths;         /* the current project first */
  GlossAgreementReport *report;
  GlossDisagreementSet *set;
  GPtrArray            *quotes;        /* (element-type utf8): per item of the set */
} Result;

static void
result_free (Result *result)
{
  g_strfreev (result->paths);
  g_clear_pointer (&result->report, gloss_agreement_report_free);
  g_clear_pointer (&result->set, gloss_disagreement_set_free);
  g_clear_pointer (&result->quotes, g_ptr_array_unref);
  g_free (result->paths_label);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Result, result_free)

struct _GlossCompareView
{
  AdwBin           parent_instance;

  /* Template widgets */
  GtkStack        *stack;
  AdwStatusPage   *error_page;
  GtkProgressBar  *progress_bar;
  GtkWidget       *cancel_button;
  GtkLabel        *files_label;
  GtkWidget       *analysts_box;
  GtkWidget       *notes_box;
  GtkLabel        *notes_label;
  GtkDropDown     *dimension_dropdown;
  GtkStringList   *dimension_list;
  AdwViewStack    *view_stack;
  GtkWidget       *figures_box;
  GtkDropDown     *kind_dropdown;
  GtkLabel        *count_label;
  GtkStack        *list_stack;
  GtkListView     *list_view;
  GListStore      *store;

  /* Owned */
  char            *project_path;
  GStrv            others;
  Result          *result;
  guint           *rater_of;      /* set rater → report rater */
  GHashTable      *figure_values; /* figure key → GtkLabel (borrowed, in figures_box) */
  GHashTable      *figure_rows;   /* figure key → AdwActionRow (borrowed) */
  GCancellable    *cancellable;
  GtkNativeDialog *chooser;
  char            *error_message;
  char            *notes_text;
  guint            pulse_id;
  gboolean         running;
  gboolean         disposed;
};

G_DEFINE_FINAL_TYPE (GlossCompareView, gloss_compare_view, ADW_TYPE_BIN)

enum
{
  DISAGREEMENT_ACTIVATED,
  SPANS_CHANGED,
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The work ---------------------------------------------------------------------- */

/* Up to QUOTE_CHARS characters of [start, end), on one line. */
static char *
excerpt (const char *text,
         gint64      length,
         gint64      start,
         gint64      end)
{
  const char *from;
  const char *to;
  gboolean cut = FALSE;
  GString *out;

  if (text == NULL || start < 0 || start >= end || end > length)
    return g_strdup ("");

  if (end - start > QUOTE_CHARS)
    {
      end = start + QUOTE_CHARS;
      cut = TRUE;
    }

  from = g_utf8_offset_to_pointer (text, (glong) start);
  to = g_utf8_offset_to_pointer (from, (glong) (end - start));
  out = g_string_new ("“");
  g_string_append_len (out, from, to - from);
  for (gsize i = 0; i < out->len; i++)
    if (out->str[i] == '\n' || out->str[i] == '\t')
      out->str[i] = ' ';
  g_string_append (out, cut ? "…”" : "”");

  return g_string_free (out, FALSE);
}

/* The quotes of the disagreements, read from the first file that has each
 * document (the current project when it does). */
static GPtrArray *
collect_quotes (GlossDisagreementSet  *set,
                GlossProject         **projects,
                GCancellable          *cancellable,
                GError               **error)
{
  g_autoptr(GPtrArray) quotes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = NULL;
  guint text_document = G_MAXUINT;

  /* Items come sorted by dimension, then document: texts are read once
   * per dimension at most. */
  for (guint i = 0; i < set->items->len; i++)
    {
      const GlossDisagreement *item = &g_array_index (set->items, GlossDisagreement, i);
      GlossDisagreementDocument *doc = set->documents->pdata[item->document];

      if (item->document != text_document)
        {
          g_clear_pointer (&text, g_free);
          text_document = item->document;

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return NULL;

          for (guint f = 0; f < set->n_projects && text == NULL; f++)
            {
              if (doc->ids[f] == 0)
                continue;
              text = gloss_project_dup_text (projects[f], doc->ids[f], error);
              if (text == NULL)
                return NULL;
            }
        }

      g_ptr_array_add (quotes, excerpt (text, doc->length, item->start, item->end));
    }

  return g_steal_pointer (&quotes);
}

static void
compare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Result *result = task_data;
  g_autoptr(GPtrArray) projects = NULL;
  g_autoptr(GError) error = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Each file is checked as it opens, several at once. */
  projects = gloss_project_open_many ((const char * const *) result->paths,
                                      g_strv_length (result->paths), GLOSS_OPEN_READ_ONLY, &error);
  if (projects == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  result->report = gloss_agreement_compare ((GlossProject **) projects->pdata, projects->len,
                                            NULL, NULL, &error);
  if (result->report == NULL || g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  result->set = gloss_disagreements_find ((GlossProject **) projects->pdata, projects->len, &error);
  if (result->set == NULL || g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  result->quotes = collect_quotes (result->set, (GlossProject **) projects->pdata, cancellable,
                                   &error);
  if (result->quotes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/* Showing the figures -------------------------------------------------------- */

static char *
format_value (double value,
              gboolean percent)
{
  if (isnan (value))
    return g_strdup (_("undefined"));
  if (percent)
    return g_strdup_printf ("%.1f %%", value * 100.0);
  return g_strdup_printf ("%.3f", value);
}

static const GlossAgreementDimension *
selected_dimension (GlossCompareView *self)
{
  guint selected = gtk_drop_down_get_selected (self->dimension_dropdown);

  if (self->result == NULL || selected == GTK_INVALID_LIST_POSITION
      || selected >= self->result->report->dimensions->len)
    return NULL;

  return self->result->report->dimensions->pdata[selected];
}

/* The index of the selected dimension in the disagreement set. */
static guint
selected_set_dimension (GlossCompareView *self)
{
  const GlossAgreementDimension *dim = selected_dimension (self);

  if (dim == NULL)
    return G_MAXUINT;

  for (guint i = 0; i < self->result->set->dimensions->len; i++)
    if (g_str_equal (self->result->set->dimensions->pdata[i], dim->name))
      return i;

  return G_MAXUINT;
}

static GtkWidget *
new_group (const char *title,
           const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();
  g_autofree char *escaped_title = g_markup_escape_text (title, -1);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), escaped_title);
  if (description != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (description, -1);

      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), escaped);
    }
  return group;
}

static GtkWidget *
value_label (const char *text,
             gboolean    undefined)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, undefined ? "dim-label" : "gloss-figure");
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  if (undefined)
    gtk_widget_set_tooltip_text (label, _("Undefined: nothing to compare, or only one category was used"));
  return label;
}

static GtkWidget *
figure_row (GlossCompareView *self,
            GtkWidget        *group,
            const char       *key,
            const char       *title,
            GlossFigure       figure,
            const char       *units,
            gboolean          percent)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *text = format_value (figure.value, percent);
  GtkWidget *label = value_label (text, isnan (figure.value));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), units);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  if (key != NULL)
    {
      g_hash_table_insert (self->figure_values, g_strdup (key), label);
      g_hash_table_insert (self->figure_rows, g_strdup (key), row);
    }
  return row;
}

static char *
count_text (gint64 count)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, count);
}

/* @format has one %s, for the count (xgettext cannot read G_GINT64_FORMAT
 * inside a message). */
static char *
units_text (const char *format,
            gint64      units)
{
  g_autofree char *number = count_text (units);

  return g_strdup_printf (format, number);
}

static void
clear_figures (GlossCompareView *self)
{
  GtkWidget *child;

  g_hash_table_remove_all (self->figure_values);
  g_hash_table_remove_all (self->figure_rows);
  while ((child = gtk_widget_get_first_child (self->figures_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->figures_box), child);
}

/* "Stance/cooperative" → "cooperative": the dimension is already chosen. */
static const char *
path_below_dimension (const char *path)
{
  for (const char *p = path; *p != '\0'; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        p++;
      else if (*p == '/')
        return p + 1;
    }

  return path;
}

static const char *
rater_name (GlossCompareView *self,
            guint             index)
{
  return ((GlossAgreementRater *) self->result->report->raters->pdata[index])->name;
}

static void
show_main_figures (GlossCompareView              *self,
                   const GlossAgreementDimension *dim)
{
  const GlossAgreementReport *report = self->result->report;
  g_autofree char *summary = NULL;
  g_autofree char *complete = NULL;
  g_autofree char *pairable = NULL;
  g_autofree char *units = NULL;
  g_autofree char *spans = NULL;
  g_autofree char *n_positions = count_text (dim->positions);
  g_autofree char *n_complete = count_text (dim->complete_positions);
  GtkWidget *group;

  /* Translators: "14 positions marked with a code of “Stance”, 10 of them by every analyst" */
  summary = g_strdup_printf (_("%s positions marked with a code of “%s”, %s of them by every analyst"),
                             n_positions, dim->name, n_complete);
  group = new_group (_("Agreement"), summary);

  complete = units_text (_("%s complete positions"), dim->percent_agreement.units);
  figure_row (self, group, "percent_agreement", _("Percent agreement"), dim->percent_agreement,
              complete, TRUE);

  g_free (complete);
  if (report->raters->len != 2)
    complete = g_strdup_printf (_("Needs exactly two analysts; there are %u"), report->raters->len);
  else
    complete = units_text (dim->multiple ? _("%s complete positions, mean over codes")
                                         : _("%s complete positions"),
                           dim->cohen_kappa.units);
  figure_row (self, group, "cohen_kappa", _("Cohen’s κ"), dim->cohen_kappa, complete, FALSE);

  g_free (complete);
  complete = units_text (dim->multiple ? _("%s complete positions, mean over codes")
                                       : _("%s complete positions"),
                         dim->fleiss_kappa.units);
  figure_row (self, group, "fleiss_kappa", _("Fleiss’ κ"), dim->fleiss_kappa, complete, FALSE);

  pairable = units_text (_("%s pairable positions"), dim->krippendorff_alpha.units);
  figure_row (self, group, "krippendorff_alpha",
              dim->multiple ? _("Krippendorff’s α (MASI, code sets)")
                            : _("Krippendorff’s α (nominal)"),
              dim->krippendorff_alpha, pairable, FALSE);

  if (dim->level == GLOSS_LEVEL_ORDINAL)
    {
      g_free (pairable);
      if (dim->multiple)
        pairable = g_strdup (_("Only for a dimension with one code per span"));
      else
        pairable = units_text (_("%s pairable positions, codes in codebook order"),
                               dim->krippendorff_alpha_ordinal.units);
      figure_row (self, group, "krippendorff_alpha_ordinal", _("Krippendorff’s α (ordinal)"),
                  dim->krippendorff_alpha_ordinal, pairable, FALSE);
    }

  units = units_text (_("%s units on the documents’ characters"),
                      dim->alpha_u_pooled.units);
  figure_row (self, group, "alpha_u", _("Krippendorff’s α_U (unitizing, pooled)"),
              dim->alpha_u_pooled, units, FALSE);

  spans = units_text (_("%s spans, mean over pairs of analysts"), dim->f1_exact.units);
  figure_row (self, group, "f1_exact", _("Span F1, exact"), dim->f1_exact, spans, FALSE);
  g_free (spans);
  spans = units_text (_("%s spans, mean over pairs of analysts"), dim->f1_overlap.units);
  figure_row (self, group, "f1_overlap", _("Span F1, overlapping"), dim->f1_overlap, spans, FALSE);

  gtk_box_append (GTK_BOX (self->figures_box), group);
}

static void
add_sub_row (GtkWidget  *expander,
             const char *title,
             GlossFigure figure,
             const char *units_format)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *text = format_value (figure.value, FALSE);
  g_autofree char *units = units_text (units_format, figure.units);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), units);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), value_label (text, isnan (figure.value)));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
}

static void
show_code_figures (GlossCompareView              *self,
                   const GlossAgreementDimension *dim)
{
  GtkWidget *group;
  guint unused = 0;

  if (dim->codes->len == 0)
    return;

  group = new_group (_("Per Code"), NULL);
  for (guint c = 0; c < dim->codes->len; c++)
    {
      GlossAgreementCodeFigures *code = dim->codes->pdata[c];
      GtkWidget *row;
      g_autofree char *alpha_u = NULL;
      g_autofree char *f1 = NULL;
      g_autofree char *subtitle = NULL;

      if (code->alpha_u.units == 0 && code->f1_exact.units == 0)
        {
          unused++;
          continue;
        }

      alpha_u = format_value (code->alpha_u.value, FALSE);
      f1 = format_value (code->f1_overlap.value, FALSE);
      /* Translators: the two figures of a code at a glance */
      subtitle = g_strdup_printf (_("α_U %s · F1 overlapping %s"), alpha_u, f1);

      row = adw_expander_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), path_below_dimension (code->path));
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
      add_sub_row (row, _("Cohen’s κ, present or absent"), code->cohen_kappa,
                   _("%s complete positions"));
      add_sub_row (row, _("Fleiss’ κ, present or absent"), code->fleiss_kappa,
                   _("%s complete positions"));
      add_sub_row (row, _("Krippendorff’s α_U"), code->alpha_u,
                   _("%s units"));
      add_sub_row (row, _("Span F1, exact"), code->f1_exact,
                   _("%s spans"));
      add_sub_row (row, _("Span F1, overlapping"), code->f1_overlap,
                   _("%s spans"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }

  if (unused > 0)
    {
      g_autofree char *description =
        g_strdup_printf (ngettext ("%u code of this dimension was not used by anyone.",
                                   "%u codes of this dimension were not used by anyone.", unused),
                         unused);

      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
    }

  gtk_box_append (GTK_BOX (self->figures_box), group);
}

static void
show_pair_figures (GlossCompareView              *self,
                   const GlossAgreementDimension *dim)
{
  GtkWidget *group;

  if (dim->pairs->len == 0)
    return;

  group = new_group (_("Pairs of Analysts"), NULL);
  for (guint p = 0; p < dim->pairs->len; p++)
    {
      const GlossAgreementPair *pair = &g_array_index (dim->pairs, GlossAgreementPair, p);
      GtkWidget *row = adw_expander_row_new ();
      g_autofree char *title = g_strdup_printf ("%s – %s", rater_name (self, pair->a),
                                                rater_name (self, pair->b));
      g_autofree char *exact = format_value (pair->f1_exact.value, FALSE);
      g_autofree char *overlap = format_value (pair->f1_overlap.value, FALSE);
      g_autofree char *subtitle = NULL;
      g_autofree char *spans_a = count_text (pair->spans_a);
      g_autofree char *spans_b = count_text (pair->spans_b);
      g_autofree char *exactly = count_text (pair->matched_exact);
      g_autofree char *overlapping = count_text (pair->matched_overlap);

      /* Translators: "12 and 15 spans; 9 match exactly, 11 overlap" */
      subtitle = g_strdup_printf (_("%s and %s spans; %s match exactly, %s overlap"),
                                  spans_a, spans_b, exactly, overlapping);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
      add_sub_row (row, _("Span F1, exact"), pair->f1_exact, _("%s spans"));
      add_sub_row (row, _("Span F1, overlapping"), pair->f1_overlap, _("%s spans"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }

  gtk_box_append (GTK_BOX (self->figures_box), group);
}

static void
show_document_figures (GlossCompareView              *self,
                       const GlossAgreementDimension *dim)
{
  const GlossAgreementReport *report = self->result->report;
  GtkWidget *group;

  if (dim->documents->len < 2)
    return;

  group = new_group (_("Per Document"), NULL);
  for (guint d = 0; d < dim->documents->len; d++)
    {
      const GlossAgreementDocumentFigures *figures =
        &g_array_index (dim->documents, GlossAgreementDocumentFigures, d);
      const GlossAgreementDocument *doc = report->documents->pdata[figures->document];
      GtkWidget *row = adw_expander_row_new ();
      g_autofree char *subtitle = NULL;
      g_autofree char *positions = count_text (figures->positions);

      subtitle = g_strdup_printf (ngettext ("%s position, %u analysts", "%s positions, %u analysts",
                                            (gulong) figures->positions),
                                  positions, doc->n_raters);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), doc->title);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
      add_sub_row (row, dim->multiple ? _("Krippendorff’s α (MASI, code sets)")
                                      : _("Krippendorff’s α (nominal)"),
                   figures->krippendorff_alpha, _("%s pairable positions"));
      if (dim->level == GLOSS_LEVEL_ORDINAL && !dim->multiple)
        add_sub_row (row, _("Krippendorff’s α (ordinal)"), figures->krippendorff_alpha_ordinal,
                     _("%s pairable positions"));
      add_sub_row (row, _("Krippendorff’s α_U (unitizing, pooled)"), figures->alpha_u_pooled,
                   _("%s units"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }

  gtk_box_append (GTK_BOX (self->figures_box), group);
}

static void
show_figures (GlossCompareView *self)
{
  const GlossAgreementDimension *dim = selected_dimension (self);

  clear_figures (self);
  if (dim == NULL)
    return;

  show_main_figures (self, dim);
  show_code_figures (self, dim);
  show_pair_figures (self, dim);
  show_document_figures (self, dim);
}

/* Listing the disagreements -------------------------------------------------- */

static const char *
kind_title (GlossDisagreementKind kind,
            guint                 n_analysts_marked)
{
  switch (kind)
    {
    case GLOSS_DISAGREEMENT_MISSING:
      return n_analysts_marked == 1 ? _("One analyst only") : _("Not every analyst");
    case GLOSS_DISAGREEMENT_DIFFERENT_CODES:
      return _("Same span, different codes");
    case GLOSS_DISAGREEMENT_OVERLAPPING:
      return _("Overlapping spans");
    default:
      g_assert_not_reached ();
    }
}

static void
analyst_color (guint    analyst,
               GdkRGBA *color)
{
  gdk_rgba_parse (color, analyst_colors[analyst % G_N_ELEMENTS (analyst_colors)]);
}

static GlossCompareItem *
new_item (GlossCompareView *self,
          guint             index)
{
  const GlossDisagreementSet *set = self->result->set;
  const GlossDisagreement *d = &g_array_index (set->items, GlossDisagreement, index);
  const GlossDisagreementDocument *doc = set->documents->pdata[d->document];
  GlossCompareItem *item = g_object_new (GLOSS_TYPE_COMPARE_ITEM, NULL);
  g_autoptr(GString) details = g_string_new (NULL);
  g_autofree gboolean *marked = g_new0 (gboolean, MAX (set->raters->len, 1));
  guint n_marked = 0;

  item->index = index;
  item->document = doc->ids[0];
  item->start = d->start;
  item->end = d->end;

  for (guint m = d->first_mark; m < d->first_mark + d->n_marks; m++)
    {
      const GlossMark *mark = &g_array_index (set->marks, GlossMark, m);
      guint analyst = self->rater_of[mark->rater];
      g_autofree char *name = g_markup_escape_text (rater_name (self, analyst), -1);
      g_autofree char *codes = g_markup_escape_text (mark->codes, -1);

      if (!marked[mark->rater])
        n_marked++;
      marked[mark->rater] = TRUE;

      if (details->len > 0)
        g_string_append (details, "\n");
      /* The coloured dot is the analyst's colour in the text view. */
      g_string_append_printf (details, "<span foreground=\"%s\">●</span> <b>%s</b> %s  "
                              "<span alpha=\"60%%\">%" G_GINT64_FORMAT "–%" G_GINT64_FORMAT "</span>",
                              analyst_colors[analyst % G_N_ELEMENTS (analyst_colors)],
                              name, codes, mark->start, mark->end);
    }

  /* Who has the document but marked nothing here. */
  if (d->kind == GLOSS_DISAGREEMENT_MISSING || n_marked < doc->n_raters)
    {
      g_autoptr(GString) missing = g_string_new (NULL);

      for (guint r = 0; r < set->raters->len; r++)
        {
          g_autofree char *name = NULL;

          if (marked[r])
            continue;
          name = g_markup_escape_text (rater_name (self, self->rater_of[r]), -1);
          g_string_append_printf (missing, "%s%s", missing->len > 0 ? ", " : "", name);
        }
      if (missing->len > 0)
        {
          g_autofree char *line = g_strdup_printf (_("Nothing here from %s"), missing->str);

          g_string_append_printf (details, "\n<i>%s</i>", line);
        }
    }

  item->title = g_strdup (kind_title (d->kind, n_marked));
  if (item->document != 0)
    item->place = g_strdup_printf ("%s · %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT,
                                   doc->title, d->start, d->end);
  else
    item->place = g_strdup_printf (_("%s (not in this project)"), doc->title);
  item->quote = g_strdup (self->result->quotes->pdata[index]);
  item->details = g_string_free (g_steal_pointer (&details), FALSE);
  return item;
}

static void
show_disagreements (GlossCompareView *self)
{
  guint dimension = selected_set_dimension (self);
  guint kind = gtk_drop_down_get_selected (self->kind_dropdown);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *count = NULL;

  if (self->result != NULL && dimension != G_MAXUINT)
    {
      const GlossDisagreementSet *set = self->result->set;

      for (guint i = 0; i < set->items->len; i++)
        {
          const GlossDisagreement *d = &g_array_index (set->items, GlossDisagreement, i);

          if (d->dimension != dimension)
            continue;
          if (kind != 0 && kind != GTK_INVALID_LIST_POSITION && d->kind != (GlossDisagreementKind) (kind - 1))
            continue;
          g_ptr_array_add (items, new_item (self, i));
        }
    }

  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       items->pdata, items->len);
  count = g_strdup_printf (ngettext ("%u disagreement", "%u disagreements", items->len), items->len);
  gtk_label_set_text (self->count_label, count);
  gtk_stack_set_visible_child_name (self->list_stack, items->len > 0 ? "list" : "none");
}

static void
on_dimension_selected_cb (GlossCompareView *self)
{
  if (self->result == NULL)
    return;

  show_figures (self);
  show_disagreements (self);
  g_signal_emit (self, signals[SPANS_CHANGED], 0);
}

static void
on_kind_selected_cb (GlossCompareView *self)
{
  show_disagreements (self);
}

static void
on_list_view_activate_cb (GlossCompareView *self,
                          guint             position)
{
  gloss_compare_view_activate_disagreement (self, position);
}

/* The analysts' colours ----------------------------------------------------- */

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  GdkRGBA color;
  double radius = MIN (width, height) / 2.0;

  analyst_color (GPOINTER_TO_UINT (user_data), &color);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_arc (cr, width / 2.0, height / 2.0, radius, 0, 2 * G_PI);
  cairo_fill (cr);
}

static void
show_analysts (GlossCompareView *self)
{
  const GlossAgreementReport *report = self->result->report;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->analysts_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->analysts_box), child);

  for (guint i = 0; i < report->raters->len; i++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *swatch = gtk_drawing_area_new ();
      GtkWidget *label = gtk_label_new (rater_name (self, i));

      gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 12);
      gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 12);
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch,
                                      GUINT_TO_POINTER (i), NULL);
      gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), swatch);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (self->analysts_box), box);
    }
}

static void
show_notes (GlossCompareView *self)
{
  const GlossAgreementReport *report = self->result->report;
  g_autoptr(GString) text = g_string_new (NULL);

  if (report->clashes->len > 0)
    {
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < report->clashes->len; i++)
        g_string_append_printf (names, "%s“%s”", i > 0 ? ", " : "",
                                (const char *) report->clashes->pdata[i]);
      g_string_append_printf (text, _("Annotator names used by different people: %s. "
                                      "Each is counted as a separate analyst."),
                              names->str);
    }

  for (guint i = 0; i < report->notes->len; i++)
    {
      if (text->len > 0)
        g_string_append (text, "\n");
      g_string_append (text, report->notes->pdata[i]);
    }

  g_free (self->notes_text);
  self->notes_text = g_strdup (text->str);
  gtk_label_set_text (self->notes_label, text->str);
  gtk_widget_set_visible (self->notes_box, text->len > 0);
}

static void
show_results (GlossCompareView *self)
{
  const GlossAgreementReport *report = self->result->report;
  const GlossDisagreementSet *set = self->result->set;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) dimension_names = NULL;
  guint previous = gtk_drop_down_get_selected (self->dimension_dropdown);
  g_autofree char *previous_name = NULL;
  guint select = 0;

  if (previous != GTK_INVALID_LIST_POSITION
      && previous < g_list_model_get_n_items (G_LIST_MODEL (self->dimension_list)))
    previous_name = g_strdup (gtk_string_list_get_string (self->dimension_list, previous));

  /* Raters of the disagreement set in the report's order, by UUID. */
  g_free (self->rater_of);
  self->rater_of = g_new0 (guint, MAX (set->raters->len, 1));
  for (guint r = 0; r < set->raters->len; r++)
    {
      GlossDisagreementRater *rater = set->raters->pdata[r];

      self->rater_of[r] = r;
      for (guint k = 0; k < report->raters->len; k++)
        if (g_str_equal (((GlossAgreementRater *) report->raters->pdata[k])->uuid, rater->uuid))
          self->rater_of[r] = k;
    }

  gtk_label_set_text (self->files_label, self->result->paths_label);
  show_analysts (self);
  show_notes (self);

  for (guint i = 0; i < report->dimensions->len; i++)
    {
      GlossAgreementDimension *dim = report->dimensions->pdata[i];

      g_strv_builder_add (names, dim->name);
      if (g_strcmp0 (dim->name, previous_name) == 0)
        select = i;
    }
  dimension_names = g_strv_builder_end (names);

  /* Filling the list selects its first row: show once, at the end. */
  g_signal_handlers_block_by_func (self->dimension_dropdown, on_dimension_selected_cb, self);
  gtk_string_list_splice (self->dimension_list, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->dimension_list)),
                          (const char *const *) dimension_names);
  gtk_drop_down_set_selected (self->dimension_dropdown, select);
  g_signal_handlers_unblock_by_func (self->dimension_dropdown, on_dimension_selected_cb, self);

  gtk_stack_set_visible_child_name (self->stack, "results");
  on_dimension_selected_cb (self);
}

/* Running -------------------------------------------------------------------- */

static void
update_actions (GlossCompareView *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compare.cancel", self->running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compare.choose-files", !self->running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compare.refresh",
                                 !self->running && self->others != NULL);
}

static gboolean
on_pulse_cb (gpointer user_data)
{
  GlossCompareView *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
on_compare_done_cb (GObject      *source,
                    GAsyncResult *res,
                    gpointer      user_data)
{
  g_autoptr(GlossCompareView) self = user_data;
  GTask *task = G_TASK (res);
  g_autoptr(GError) error = NULL;
  gboolean success = g_task_propagate_boolean (task, &error);

  /* A comparison replaced by a newer one: the newer one reports. */
  if (g_task_get_cancellable (task) != self->cancellable)
    return;

  g_clear_handle_id (&self->pulse_id, g_source_remove);
  self->running = FALSE;
  g_clear_object (&self->cancellable);

  if (self->disposed)
    return;

  update_actions (self);

  if (success)
    {
      Result *result = g_task_get_task_data (task);
      Result *taken = g_new0 (Result, 1);

      /* Take the result out of the task: it is freed with the task. */
      *taken = *result;
      memset (result, 0, sizeof *result);
      g_clear_pointer (&self->result, result_free);
      self->result = taken;
      g_clear_pointer (&self->error_message, g_free);
      show_results (self);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_pointer (&self->error_message, g_free);
      gtk_stack_set_visible_child_name (self->stack, self->result != NULL ? "results" : "empty");
    }
  else
    {
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);

      g_free (self->error_message);
      self->error_message = g_strdup (error->message);
      adw_status_page_set_description (ADW_STATUS_PAGE (self->error_page), escaped);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }

  g_signal_emit (self, signals[FINISHED], 0, success);
  if (success)
    g_signal_emit (self, signals[SPANS_CHANGED], 0);
}

static char *
describe_files (const char *const *paths)
{
  g_autoptr(GString) others = g_string_new (NULL);
  g_autofree char *first = g_path_get_basename (paths[0]);

  for (guint i = 1; paths[i] != NULL; i++)
    {
      g_autofree char *name = g_path_get_basename (paths[i]);

      g_string_append_printf (others, "%s%s", i > 1 ? ", " : "", name);
    }

  /* Translators: "Sample.gloss compared with alice.gloss, bob.gloss" */
  return g_strdup_printf (_("%s compared with %s"), first, others->str);
}

/* Cancels the comparison running, if any, and forgets it: its result, when
 * it comes, is dropped (see on_compare_done_cb()). */
static void
abandon_running (GlossCompareView *self)
{
  if (!self->running)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  self->running = FALSE;
}

/**
 * gloss_compare_view_compare:
 * @others: (array zero-terminated=1): other analysts' project files
 *
 * Compares the current project with @others on a worker thread; the
 * files are opened read-only.  Emits ::finished when done.
 */
void
gloss_compare_view_compare (GlossCompareView  *self,
                            const char *const *others)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  Result *result;

  g_return_if_fail (GLOSS_IS_COMPARE_VIEW (self));
  g_return_if_fail (others != NULL);
  g_return_if_fail (self->project_path != NULL);

  abandon_running (self);

  if (self->others != (GStrv) others)
    {
      g_strfreev (self->others);
      self->others = g_strdupv ((char **) others);
    }

  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, self->project_path);
  g_strv_builder_addv (builder, (const char **) self->others);

  result = g_new0 (Result, 1);
  result->paths = g_strv_builder_end (builder);
  result->paths_label = describe_files ((const char *const *) result->paths);

  self->running = TRUE;
  self->cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->cancellable, on_compare_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, gloss_compare_view_compare);
  g_task_set_task_data (task, result, (GDestroyNotify) result_free);
  g_task_run_in_thread (task, compare_thread);

  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  self->pulse_id = g_timeout_add (PULSE_MS, on_pulse_cb, self);
  gtk_stack_set_visible_child_name (self->stack, "running");
  update_actions (self);
  gtk_widget_grab_focus (self->cancel_button);
}

/* Choosing the files ----------------------------------------------------------- */

static void
on_chooser_response_cb (GtkNativeDialog  *chooser,
                        int               response,
                        GlossCompareView *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) paths = NULL;
  guint n = 0;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          g_autofree char *path = g_file_get_path (file);

          if (path != NULL)
            {
              g_strv_builder_add (builder, path);
              n++;
            }
        }
    }

  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);

  paths = g_strv_builder_end (builder);
  if (n > 0)
    gloss_compare_view_compare (self, (const char *const *) paths);
}

/* The one place this panel asks for files: a native chooser for several
 * project files, in the current project's folder. */
void
gloss_compare_view_choose_files (GlossCompareView *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GFile) folder = NULL;
  GtkRoot *root;

  g_return_if_fail (GLOSS_IS_COMPARE_VIEW (self));

  if (self->chooser != NULL || self->running)
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  gtk_file_filter_set_name (filter, _("Gloss projects"));
  gtk_file_filter_add_mime_type (filter, "application/x-gloss-project");
  gtk_file_filter_add_suffix (filter, "gloss");

  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (_("Compare With"),
                                                                  GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                                  GTK_FILE_CHOOSER_ACTION_OPEN,
                                                                  _("_Compare"), _("_Cancel")));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  if (self->project_path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self->project_path);

      folder = g_file_new_for_path (dir);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
    }
  gtk_native_dialog_set_modal (self->chooser, TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (self->chooser);
}

/* Actions ------------------------------------------------------------------------ */

static void
choose_files_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gloss_compare_view_choose_files (GLOSS_COMPARE_VIEW (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gloss_compare_view_cancel (GLOSS_COMPARE_VIEW (widget));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  GlossCompareView *self = GLOSS_COMPARE_VIEW (widget);

  if (self->others != NULL)
    gloss_compare_view_compare (self, (const char *const *) self->others);
}

/* GObject ------------------------------------------------------------------------- */

static void
gloss_compare_view_dispose (GObject *object)
{
  GlossCompareView *self = GLOSS_COMPARE_VIEW (object);

  self->disposed = TRUE;
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }

  if (self->figure_values != NULL)
    g_hash_table_remove_all (self->figure_values);
  if (self->figure_rows != NULL)
    g_hash_table_remove_all (self->figure_rows);

  /* The stack is both the bin's child and a template child: let the bin
   * drop it first, so it is unparented once. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), GLOSS_TYPE_COMPARE_VIEW);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (gloss_compare_view_parent_class)->dispose (object);
}

static void
gloss_compare_view_finalize (GObject *object)
{
  GlossCompareView *self = GLOSS_COMPARE_VIEW (object);

  g_clear_pointer (&self->result, result_free);
  g_clear_pointer (&self->figure_values, g_hash_table_unref);
  g_clear_pointer (&self->figure_rows, g_hash_table_unref);
  g_strfreev (self->others);
  g_free (self->rater_of);
  g_free (self->project_path);
  g_free (self->error_message);
  g_free (self->notes_text);

  G_OBJECT_CLASS (gloss_compare_view_parent_class)->finalize (object);
}

static void
gloss_compare_view_class_init (GlossCompareViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gloss_compare_view_dispose;
  object_class->finalize = gloss_compare_view_finalize;

  /**
   * GlossCompareView::disagreement-activated:
   * @document: the document's id in the current project
   * @start: the passage's first character
   * @end: the character after the passage
   *
   * The analyst asked to see a disagreement in the text.
   */
  signals[DISAGREEMENT_ACTIVATED] =
    g_signal_new ("disagreement-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_INT64);

  /**
   * GlossCompareView::spans-changed:
   *
   * The analysts' spans to draw changed (new results, another dimension):
   * ask gloss_compare_view_dup_spans() again.
   */
  signals[SPANS_CHANGED] =
    g_signal_new ("spans-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * GlossCompareView::finished:
   * @success: whether figures are shown
   *
   * A comparison ended: done, failed or cancelled.
   */
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  g_type_ensure (GLOSS_TYPE_COMPARE_ITEM);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/glossapp/Gloss/gloss-compare-view.ui");
  gtk_widget_class_bind_template_child (widget_class, GlossCompareView, stack);
  gtk_widget_class_bind_template_child (widget_class, GlossCompareView, error_page);
  gtk_widget_class_bind_template_child (widget_class, GlossCompareView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, GlossCompareView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, GlossCompareView, files_label);
  gtk_widget_class_bind_template_child (widget_class, GlossCompareView, analysts_box);
  gtk_widget_class_bind_template_child (widget_class, GlossCompareView, notes_box);
  gtk_widget_class_bind_template_child (widget_class, GlossCompareView, notes_label);
  gtk_widget_class_bind_template_child (widget_class, GlossCompareView, dimension_dropdown);
  gtk_widget_class_bind_template_child (widget_class, GlossCompareView, dimension_list);
  gtk_widget_class_bind_template_child (widget_class, GlossCompareView, view_stack);
  gtk_widget_class_bind_template_child (widget_class, GlossCompareView, figures_box);
  gtk_widget_class_bind_template_child (widget_class, GlossCompareView, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, GlossCompareView, count_label);
  gtk_widget_class_bind_template_child (widget_class, GlossCompareView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, GlossCompareView, list_view);
  gtk_widget_class_bind_template_child (widget_class, GlossCompareView, store);
  gtk_widget_class_bind_template_callback (widget_class, on_dimension_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_list_view_activate_cb);

  gtk_widget_class_install_action (widget_class, "compare.choose-files", NULL, choose_files_action);
  gtk_widget_class_install_action (widget_class, "compare.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "compare.refresh", NULL, refresh_action);

  gtk_widget_class_set_css_name (widget_class, "glosscompareview");
}

static void
gloss_compare_view_init (GlossCompareView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->figure_values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->figure_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  update_actions (self);
}

/* API --------------------------------------------------------------------------------- */

/**
 * gloss_compare_view_new:
 * @project_path: (nullable): the current project's file
 *
 * Returns: (transfer floating): a new panel; call
 *   gloss_compare_view_choose_files() or gloss_compare_view_compare()
 */
GlossCompareView *
gloss_compare_view_new (const char *project_path)
{
  GlossCompareView *self = g_object_new (GLOSS_TYPE_COMPARE_VIEW, NULL);

  self->project_path = g_strdup (project_path);
  return self;
}

/**
 * gloss_compare_view_present_window:
 * @parent: (nullable): the annotating window
 *
 * Puts @self in a window of its own beside @parent and shows it.
 *
 * Returns: (transfer none): the window; it goes when closed
 */
GtkWindow *
gloss_compare_view_present_window (GlossCompareView *self,
                                   GtkWindow        *parent)
{
  GtkWidget *window;
  GtkWidget *box;
  GtkWidget *header;
  GtkWidget *title;

  g_return_val_if_fail (GLOSS_IS_COMPARE_VIEW (self), NULL);
  g_return_val_if_fail (gtk_widget_get_parent (GTK_WIDGET (self)) == NULL, NULL);

  window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), _("Agreement"));
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 760);
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  title = adw_window_title_new (_("Agreement"), NULL);
  if (self->project_path != NULL)
    {
      g_autofree char *name = g_path_get_basename (self->project_path);

      adw_window_title_set_subtitle (ADW_WINDOW_TITLE (title), name);
    }
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title);
  gtk_box_append (GTK_BOX (box), header);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self));
  adw_window_set_content (ADW_WINDOW (window), box);

  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

const char *
gloss_compare_view_get_project_path (GlossCompareView *self)
{
  g_return_val_if_fail (GLOSS_IS_COMPARE_VIEW (self), NULL);

  return self->project_path;
}

void
gloss_compare_view_set_project_path (GlossCompareView *self,
                                     const char       *project_path)
{
  g_return_if_fail (GLOSS_IS_COMPARE_VIEW (self));

  if (g_strcmp0 (self->project_path, project_path) == 0)
    return;

  abandon_running (self);
  g_free (self->project_path);
  self->project_path = g_strdup (project_path);

  /* Another project: the old results no longer apply. */
  g_clear_pointer (&self->result, result_free);
  g_clear_pointer (&self->others, g_strfreev);
  clear_figures (self);
  g_list_store_remove_all (self->store);
  g_signal_handlers_block_by_func (self->dimension_dropdown, on_dimension_selected_cb, self);
  gtk_string_list_splice (self->dimension_list, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->dimension_list)), NULL);
  g_signal_handlers_unblock_by_func (self->dimension_dropdown, on_dimension_selected_cb, self);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  update_actions (self);
  g_signal_emit (self, signals[SPANS_CHANGED], 0);
}

void
gloss_compare_view_cancel (GlossCompareView *self)
{
  g_return_if_fail (GLOSS_IS_COMPARE_VIEW (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

gboolean
gloss_compare_view_is_running (GlossCompareView *self)
{
  g_return_val_if_fail (GLOSS_IS_COMPARE_VIEW (self), FALSE);

  return self->running;
}

/* "empty", "running", "error" or "results" */
const char *
gloss_compare_view_get_page (GlossCompareView *self)
{
  g_return_val_if_fail (GLOSS_IS_COMPARE_VIEW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
gloss_compare_view_get_error_message (GlossCompareView *self)
{
  g_return_val_if_fail (GLOSS_IS_COMPARE_VIEW (self), NULL);

  return self->error_message;
}

/**
 * gloss_compare_view_get_report:
 *
 * Returns: (nullable) (transfer none): the figures shown
 */
const GlossAgreementReport *
gloss_compare_view_get_report (GlossCompareView *self)
{
  g_return_val_if_fail (GLOSS_IS_COMPARE_VIEW (self), NULL);

  return self->result != NULL ? self->result->report : NULL;
}

const char *
gloss_compare_view_get_dimension (GlossCompareView *self)
{
  const GlossAgreementDimension *dim;

  g_return_val_if_fail (GLOSS_IS_COMPARE_VIEW (self), NULL);

  dim = selected_dimension (self);
  return dim != NULL ? dim->name : NULL;
}

/* Returns FALSE when there is no such dimension. */
gboolean
gloss_compare_view_set_dimension (GlossCompareView *self,
                                  const char       *name)
{
  g_return_val_if_fail (GLOSS_IS_COMPARE_VIEW (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (self->result == NULL)
    return FALSE;

  for (guint i = 0; i < self->result->report->dimensions->len; i++)
    {
      GlossAgreementDimension *dim = self->result->report->dimensions->pdata[i];

      if (g_str_equal (dim->name, name))
        {
          gtk_drop_down_set_selected (self->dimension_dropdown, i);
          return TRUE;
        }
    }

  return FALSE;
}

guint
gloss_compare_view_get_n_analysts (GlossCompareView *self)
{
  g_return_val_if_fail (GLOSS_IS_COMPARE_VIEW (self), 0);

  return self->result != NULL ? self->result->report->raters->len : 0;
}

const char *
gloss_compare_view_get_analyst_name (GlossCompareView *self,
                                     guint             analyst)
{
  g_return_val_if_fail (GLOSS_IS_COMPARE_VIEW (self), NULL);
  g_return_val_if_fail (analyst < gloss_compare_view_get_n_analysts (self), NULL);

  return rater_name (self, analyst);
}

void
gloss_compare_view_get_analyst_color (GlossCompareView *self,
                                      guint             analyst,
                                      GdkRGBA          *color)
{
  g_return_if_fail (GLOSS_IS_COMPARE_VIEW (self));
  g_return_if_fail (color != NULL);

  analyst_color (analyst, color);
}

/**
 * gloss_compare_view_dup_spans:
 * @document: a document id in the current project
 *
 * The analysts' marks in @document for the dimension shown, sorted by
 * start, then end, then analyst: what the text view draws side by side.
 *
 * Returns: (transfer full) (element-type GlossCompareSpan): the spans,
 *   empty when there are no results or the document was not compared
 */
GArray *
gloss_compare_view_dup_spans (GlossCompareView *self,
                              gint64            document)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (GlossCompareSpan));
  const GlossDisagreementSet *set;
  guint dimension;

  g_return_val_if_fail (GLOSS_IS_COMPARE_VIEW (self), spans);

  dimension = selected_set_dimension (self);
  if (self->result == NULL || dimension == G_MAXUINT || document <= 0)
    return spans;

  set = self->result->set;
  for (guint d = 0; d < set->documents->len; d++)
    {
      GlossDisagreementDocument *doc = set->documents->pdata[d];
      guint first, n;

      if (doc->ids[0] != document)
        continue;

      gloss_disagreement_set_get_marks (set, dimension, d, &first, &n);
      for (guint m = first; m < first + n; m++)
        {
          const GlossMark *mark = &g_array_index (set->marks, GlossMark, m);
          GlossCompareSpan span = { mark->start, mark->end, self->rater_of[mark->rater] };

          analyst_color (span.analyst, &span.color);
          g_array_append_val (spans, span);
        }
      break;
    }

  return spans;
}

/**
 * gloss_compare_view_get_figure_text:
 * @figure: "percent_agreement", "cohen_kappa", "fleiss_kappa",
 *   "krippendorff_alpha", "krippendorff_alpha_ordinal", "alpha_u",
 *   "f1_exact" or "f1_overlap"
 *
 * Returns: (nullable): the value shown for the selected dimension
 */
const char *
gloss_compare_view_get_figure_text (GlossCompareView *self,
                                    const char       *figure)
{
  GtkLabel *label;

  g_return_val_if_fail (GLOSS_IS_COMPARE_VIEW (self), NULL);

  label = g_hash_table_lookup (self->figure_values, figure);
  return label != NULL ? gtk_label_get_text (label) : NULL;
}

/* Returns: (nullable): the unit count shown beside a figure */
const char *
gloss_compare_view_get_figure_units (GlossCompareView *self,
                                     const char       *figure)
{
  AdwActionRow *row;

  g_return_val_if_fail (GLOSS_IS_COMPARE_VIEW (self), NULL);

  row = g_hash_table_lookup (self->figure_rows, figure);
  return row != NULL ? adw_action_row_get_subtitle (row) : NULL;
}

/**
 * gloss_compare_view_get_disagreements:
 *
 * Returns: (transfer none): the rows listed for the selected dimension
 */
GListModel *
gloss_compare_view_get_disagreements (GlossCompareView *self)
{
  g_return_val_if_fail (GLOSS_IS_COMPARE_VIEW (self), NULL);

  return G_LIST_MODEL (self->store);
}

/* As activating the row: emits ::disagreement-activated when the passage
 * is in the current project. */
void
gloss_compare_view_activate_disagreement (GlossCompareView *self,
                                          guint             position)
{
  g_autoptr(GlossCompareItem) item = NULL;

  g_return_if_fail (GLOSS_IS_COMPARE_VIEW (self));

  item = g_list_model_get_item (G_LIST_MODEL (self->store), position);
  if (item == NULL || item->document == 0)
    return;

  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (self->list_view)),
                                     position);
  g_signal_emit (self, signals[DISAGREEMENT_ACTIVATED], 0, item->document, item->start, item->end);
}

/* Returns: (nullable): the notes shown above the figures (name clashes,
 * documents compared apart) */
const char *
gloss_compare_view_get_notes_text (GlossCompareView *self)
{
  g_return_val_if_fail (GLOSS_IS_COMPARE_VIEW (self), NULL);

  return self->notes_text;
}

/**
 * gloss_compare_view_set_section:
 * @section: "figures" or "disagreements"
 *
 * Shows the figures or the list of disagreements.
 */
void
gloss_compare_view_set_section (GlossCompareView *self,
                                const char       *section)
{
  g_return_if_fail (GLOSS_IS_COMPARE_VIEW (self));
  g_return_if_fail (g_strcmp0 (section, "figures") == 0 || g_strcmp0 (section, "disagreements") == 0);

  adw_view_stack_set_visible_child_name (self->view_stack, section);
}
