/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-agreement-cli"

#include "config.h"

#include "gloss-agreement.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "gloss-cli-private.h"

/* `gloss-cli agree`: lives in the engine library beside the comparison it
 * prints, so it uses only the exit statuses of gloss-cli-private.h. */

static int
fail (const GError *error)
{
  g_printerr ("gloss-cli: %s\n", error->message);

  if (error->domain == GLOSS_PROJECT_ERROR && error->code == GLOSS_PROJECT_ERROR_BUSY)
    return GLOSS_CLI_BUSY;

  return GLOSS_CLI_REFUSED;
}

static int
usage (GOptionContext *context,
       const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("gloss-cli: %s\n%s", message, help);
  return GLOSS_CLI_USAGE;
}

/* A plain-text table: the first column left-aligned, the others right. */
typedef struct
{
  GPtrArray *rows;   /* (element-type GStrv) */
  guint      n_columns;
} Table;

static void
table_init (Table *table,
            guint  n_columns)
{
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  table->n_columns = n_columns;
}

static void
table_add (Table       *table,
           const char  *first,
           ...)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  va_list args;

  g_strv_builder_add (builder, first);
  va_start (args, first);
  for (guint i = 1; i < table->n_columns; i++)
    g_strv_builder_add (builder, va_arg (args, const char *));
  va_end (args);

  g_ptr_array_add (table->rows, g_strv_builder_end (builder));
  g_strv_builder_unref (builder);
}

static void
table_print (Table      *table,
             const char *indent)
{
  g_autofree glong *widths = g_new0 (glong, table->n_columns);

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = table->rows->pdata[r];

      for (guint c = 0; c < table->n_columns; c++)
        widths[c] = MAX (widths[c], g_utf8_strlen (row[c], -1));
    }

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = table->rows->pdata[r];
      g_autoptr(GString) line = g_string_new (indent);

      for (guint c = 0; c < table->n_columns; c++)
        {
          glong pad = widths[c] - g_utf8_strlen (row[c], -1);

          if (c > 0)
            {
              g_string_append (line, "  ");
              for (glong k = 0; k < pad; k++)
                g_string_append_c (line, ' ');
            }
          g_string_append (line, row[c]);
          if (c == 0 && table->n_columns > 1)
            for (glong k = 0; k < pad; k++)
              g_string_append_c (line, ' ');
        }
      g_print ("%s\n", line->str);
    }

  g_ptr_array_unref (table->rows);
  table->rows = NULL;
}

/* Three decimals, the same in every locale; undefined as a dash. */
static char *
number (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    return g_strdup ("—");

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.3f", value));
}

static char *
count (gint64 value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

static const char *
rater_name (const GlossAgreementReport *report,
            guint                       index)
{
  return ((GlossAgreementRater *) report->raters->pdata[index])->name;
}

static void
print_text (const GlossAgreementReport *report)
{
  g_autoptr(GString) names = g_string_new (NULL);
  Table table;

  for (guint i = 0; i < report->raters->len; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", rater_name (report, i));

  g_print (_("Annotators: %s\n"), report->raters->len > 0 ? names->str : "—");
  g_print (_("Documents: %u\n"), report->documents->len);

  table_init (&table, 11);
  table_add (&table, _("Dimension"), _("Positions"), _("Complete"), _("Agreement"),
             _("Cohen κ"), _("Fleiss κ"), _("α"), _("α ordinal"), _("α_U"),
             _("F1 exact"), _("F1 overlap"));
  for (guint i = 0; i < report->dimensions->len; i++)
    {
      GlossAgreementDimension *dim = report->dimensions->pdata[i];
      g_autofree char *positions = count (dim->positions);
      g_autofree char *complete = count (dim->complete_positions);
      g_autofree char *percent = number (dim->percent_agreement.value);
      g_autofree char *cohen = number (dim->cohen_kappa.value);
      g_autofree char *fleiss = number (dim->fleiss_kappa.value);
      g_autofree char *alpha = number (dim->krippendorff_alpha.value);
      g_autofree char *ordinal = number (dim->krippendorff_alpha_ordinal.value);
      g_autofree char *alpha_u = number (dim->alpha_u_pooled.value);
      g_autofree char *exact = number (dim->f1_exact.value);
      g_autofree char *overlap = number (dim->f1_overlap.value);

      table_add (&table, dim->name, positions, complete, percent, cohen, fleiss, alpha,
                 ordinal, alpha_u, exact, overlap);
    }
  g_print ("\n");
  table_print (&table, "");

  for (guint i = 0; i < report->dimensions->len; i++)
    {
      GlossAgreementDimension *dim = report->dimensions->pdata[i];

      guint unused = 0;

      g_print ("\n%s\n", dim->name);
      if (dim->positions == 0)
        {
          g_print ("  %s\n", _("No annotations in this dimension."));
          continue;
        }

      g_print (_("  %lld positions, %lld complete, %lld pairable; %lld units for α_U; "
                 "%lld spans in pairs\n\n"),
               (long long) dim->positions, (long long) dim->complete_positions,
               (long long) dim->krippendorff_alpha.units, (long long) dim->alpha_u_pooled.units,
               (long long) dim->f1_exact.units);

      table_init (&table, 6);
      table_add (&table, _("Code"), _("Cohen κ"), _("Fleiss κ"), _("α_U"),
                 _("F1 exact"), _("F1 overlap"));
      for (guint c = 0; c < dim->codes->len; c++)
        {
          GlossAgreementCodeFigures *code = dim->codes->pdata[c];
          g_autofree char *cohen = NULL;
          g_autofree char *fleiss = NULL;
          g_autofree char *alpha_u = NULL;
          g_autofree char *exact = NULL;
          g_autofree char *overlap = NULL;

          /* Codes nobody used are only counted. */
          if (code->alpha_u.units == 0 && code->f1_exact.units == 0)
            {
              unused++;
              continue;
            }

          cohen = number (code->cohen_kappa.value);
          fleiss = number (code->fleiss_kappa.value);
          alpha_u = number (code->alpha_u.value);
          exact = number (code->f1_exact.value);
          overlap = number (code->f1_overlap.value);
          table_add (&table, code->path, cohen, fleiss, alpha_u, exact, overlap);
        }
      table_print (&table, "  ");
      if (unused > 0)
        g_print (g_dngettext (GETTEXT_PACKAGE, "  (%u code not used)\n", "  (%u codes not used)\n",
                              unused), unused);

      if (dim->pairs->len > 0)
        {
          g_print ("\n");
          table_init (&table, 4);
          table_add (&table, _("Pair"), _("Spans"), _("F1 exact"), _("F1 overlap"));
          for (guint p = 0; p < dim->pairs->len; p++)
            {
              GlossAgreementPair *pair = &g_array_index (dim->pairs, GlossAgreementPair, p);
              g_autofree char *label = g_strdup_printf ("%s – %s", rater_name (report, pair->a),
                                                        rater_name (report, pair->b));
              g_autofree char *spans = g_strdup_printf ("%" G_GINT64_FORMAT " / %" G_GINT64_FORMAT,
                                                        pair->spans_a, pair->spans_b);
              g_autofree char *exact = number (pair->f1_exact.value);
              g_autofree char *overlap = number (pair->f1_overlap.value);

              table_add (&table, label, spans, exact, overlap);
            }
          table_print (&table, "  ");
        }

      if (dim->documents->len > 0)
        {
          g_print ("\n");
          table_init (&table, 4);
          table_add (&table, _("Document"), _("Positions"), _("α"), _("α_U"));
          for (guint d = 0; d < dim->documents->len; d++)
            {
              GlossAgreementDocumentFigures *figures =
                &g_array_index (dim->documents, GlossAgreementDocumentFigures, d);
              GlossAgreementDocument *doc = report->documents->pdata[figures->document];
              g_autofree char *positions = count (figures->positions);
              g_autofree char *alpha = number (figures->krippendorff_alpha.value);
              g_autofree char *alpha_u = number (figures->alpha_u_pooled.value);

              table_add (&table, doc->title, positions, alpha, alpha_u);
            }
          table_print (&table, "  ");
        }
    }

  if (report->notes->len > 0)
    {
      g_print ("\n");
      for (guint i = 0; i < report->notes->len; i++)
        g_print (_("Note: %s\n"), (const char *) report->notes->pdata[i]);
    }

  g_print ("\n%s\n", _("— undefined (one category only, or nothing to compare)."));
}

int
gloss_cli_agree (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("FILE… — inter-annotator agreement between project files"));
  g_autofree char *dimension = NULL;
  g_autofree char *document = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "dimension", 0, 0, G_OPTION_ARG_STRING, &dimension, N_("Only this dimension"), N_("NAME") },
    { "document", 0, 0, G_OPTION_ARG_STRING, &document,
      N_("Only this document: uuid, SHA-256 or title"), N_("DOC") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) projects = NULL;
  g_autoptr(GlossAgreementReport) report = NULL;
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Compares the annotators of one or more project files: "
                                  "annotators are matched by UUID, documents by UUID or "
                                  "text, codes by UUID or path."));

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage (context, error->message);

  /* argv[0] is the command */
  if (argc < 2)
    return usage (context, _("name at least one project file"));

  for (int i = 1; i < argc; i++)
    {
      if (g_str_has_prefix (argv[i], "-") && !g_str_equal (argv[i], "-"))
        {
          g_autofree char *message = g_strdup_printf (_("unknown option %s"), argv[i]);

          return usage (context, message);
        }
    }

  /* Each file is checked as it is opened: on two cores, two at once. */
  projects = gloss_project_open_many ((const char * const *) argv + 1, (guint) argc - 1,
                                      GLOSS_OPEN_READ_ONLY, &error);
  if (projects == NULL)
    return fail (error);

  report = gloss_agreement_compare ((GlossProject **) projects->pdata, projects->len,
                                    dimension, document, &error);
  if (report == NULL)
    return fail (error);

  if (json)
    {
      g_autoptr(JsonNode) root = gloss_agreement_report_to_json (report);
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autofree char *text = NULL;

      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
    }
  else
    print_text (report);

  return GLOSS_CLI_OK;
}
