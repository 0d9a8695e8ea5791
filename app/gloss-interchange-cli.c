/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-cli"

#include "config.h"

#include "gloss-interchange-cli.h"

#include <glib/gi18n.h>

#include "gloss-cli-private.h"
#include "gloss-interchange.h"
#include "gloss-project.h"

/* gloss-cli export, import and validate (CLI.md). */

typedef enum
{
  FORMAT_XML,
  FORMAT_CSV,
  FORMAT_CSV_WIDE,
  FORMAT_QDPX,
  FORMAT_QDC,
} ExportFormat;

static const char *format_names[] = { "xml", "csv", "csv-wide", "qdpx", "qdc" };

int
gloss_cli_export (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) documents = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *format = NULL;
  g_autofree char *output = NULL;
  g_autofree char *annotator = NULL;
  g_autofree char *status_name = NULL;
  g_auto(GStrv) document_specs = NULL;
  gboolean no_text = FALSE;
  GlossExportOptions options = GLOSS_EXPORT_OPTIONS_INIT;
  ExportFormat which = FORMAT_XML;
  gboolean known = FALSE;
  gboolean ok = FALSE;
  int status = GLOSS_CLI_OK;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format,
      N_("xml, csv, csv-wide, qdpx or qdc"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("The file to write (replaced only when the export succeeds)"), N_("OUT") },
    { "document", 0, 0, G_OPTION_ARG_STRING_ARRAY, &document_specs,
      N_("Only this document (id, uuid or title); may be repeated"), N_("DOC") },
    { "annotator", 0, 0, G_OPTION_ARG_STRING, &annotator,
      N_("Only this annotator’s annotations"), N_("NAME") },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status_name,
      N_("Only annotations with this review status: unreviewed, accepted or rejected"),
      N_("S") },
    { "no-text", 0, 0, G_OPTION_ARG_NONE, &no_text,
      N_("Leave the document texts out (xml only)"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("FILE --format FORMAT -o OUT — export a dataset"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!gloss_cli_parse (context, &argc, &argv, 1, 1, &status))
    return status;

  if (format == NULL)
    return gloss_cli_usage_error (context, _("say which format to write with --format"));
  for (guint i = 0; i < G_N_ELEMENTS (format_names); i++)
    if (g_str_equal (format, format_names[i]))
      {
        which = (ExportFormat) i;
        known = TRUE;
      }
  if (!known)
    {
      g_autofree char *message =
        g_strdup_printf (_("there is no format “%s”; choose xml, csv, csv-wide, qdpx or qdc"),
                         format);
      return gloss_cli_usage_error (context, message);
    }
  if (output == NULL)
    return gloss_cli_usage_error (context, _("say which file to write with -o OUT"));
  if (no_text && which != FORMAT_XML)
    return gloss_cli_usage_error (context, _("--no-text applies to --format xml only"));
  if (which == FORMAT_QDC && (document_specs != NULL || annotator != NULL || status_name != NULL))
    return gloss_cli_usage_error (context, _("a .qdc codebook holds no annotations: "
                                             "--document, --annotator and --status do not apply"));
  if (status_name != NULL)
    {
      GlossReviewStatus review_status;

      if (!gloss_review_status_from_string (status_name, &review_status))
        {
          g_autofree char *message =
            g_strdup_printf (_("there is no review status “%s”; choose unreviewed, accepted "
                               "or rejected"), status_name);
          return gloss_cli_usage_error (context, message);
        }
      options.status = review_status;
    }

  project = gloss_cli_open (argv[1], TRUE, &status);
  if (project == NULL)
    return status;

  for (guint i = 0; document_specs != NULL && document_specs[i] != NULL; i++)
    {
      gint64 id = gloss_project_resolve_document (project, document_specs[i], &error);

      if (id <= 0)
        return gloss_cli_fail (error);
      g_array_append_val (documents, id);
    }
  options.documents = (const gint64 *) documents->data;
  options.n_documents = documents->len;
  options.annotator = annotator;
  options.no_text = no_text;

  switch (which)
    {
    case FORMAT_XML:
      ok = gloss_xml_export (project, output, &options, NULL, &error);
      break;
    case FORMAT_CSV:
    case FORMAT_CSV_WIDE:
      ok = gloss_csv_export (project, output, which == FORMAT_CSV_WIDE, &options, NULL, &error);
      break;
    case FORMAT_QDPX:
      ok = gloss_refi_export_qdpx (project, output, &options, NULL, &error);
      break;
    case FORMAT_QDC:
      ok = gloss_refi_export_qdc (project, output, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    return gloss_cli_fail (error);

  return GLOSS_CLI_OK;
}

int
gloss_cli_import (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GlossImportReport) report = gloss_import_report_new ();
  g_autoptr(GError) error = NULL;
  int status = GLOSS_CLI_OK;
  const GOptionEntry entries[] = { { NULL } };

  context = g_option_context_new (_("FILE IN — import Gloss XML, a REFI-QDA project (.qdpx) "
                                    "or codebook (.qdc), told by content"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!gloss_cli_parse (context, &argc, &argv, 2, 2, &status))
    return status;

  project = gloss_cli_open (argv[1], FALSE, &status);
  if (project == NULL)
    return status;

  if (!gloss_import_any (project, argv[2], report, NULL, &error))
    return gloss_cli_fail (error);

  g_print (_("documents: %u added, %u matched\n"),
           report->documents_added, report->documents_matched);
  g_print (_("dimensions: %u added\n"), report->dimensions_added);
  g_print (_("codes: %u added, %u matched\n"), report->codes_added, report->codes_matched);
  g_print (_("annotations: %u added, %u updated, %u unchanged\n"),
           report->annotations_added, report->annotations_updated,
           report->annotations_unchanged);

  if (report->skipped->len > 0)
    {
      g_printerr (_("gloss-cli: %u items could not be brought over:\n"), report->skipped->len);
      for (guint i = 0; i < report->skipped->len; i++)
        g_printerr ("gloss-cli:   %s\n", (const char *) report->skipped->pdata[i]);
      return GLOSS_CLI_PARTIAL;
    }

  return GLOSS_CLI_OK;
}

int
gloss_cli_validate (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int status = GLOSS_CLI_OK;
  const GOptionEntry entries[] = { { NULL } };

  context = g_option_context_new (_("IN — check a Gloss XML file against its RELAX NG schema"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!gloss_cli_parse (context, &argc, &argv, 1, 1, &status))
    return status;

  if (!gloss_xml_validate (argv[1], &error))
    return gloss_cli_fail (error);

  g_print (_("“%s” is valid Gloss XML.\n"), argv[1]);

  return GLOSS_CLI_OK;
}
