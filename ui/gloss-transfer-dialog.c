/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-transfer-dialog"

#include "config.h"

#include "gloss-transfer-dialog.h"

#include <string.h>

#include <glib/gi18n.h>

/* Export… and Import…: the options, then the work on a worker thread with
 * a progress bar and Cancel, then a summary or the engine's error.
 *
 * The window's GlossProject is one SQLite connection and belongs to the
 * main thread; the worker opens the file again on its own connection
 * (read-only for an export).  An import commits there in one transaction;
 * the window hears of it through gloss_project_poll_external_changes(). */

#define PULSE_MS 100

struct _GlossTransferDialog
{
  AdwWindow          parent_instance;

  /* Template widgets */
  AdwWindowTitle    *window_title;
  GtkWidget         *close_button;
  GtkWidget         *start_button;
  GtkWidget         *done_button;
  GtkStack          *stack;
  GtkWidget         *format_group;
  AdwComboRow       *format_row;
  GtkWidget         *options_group;
  AdwExpanderRow    *documents_row;
  AdwComboRow       *annotator_row;
  GtkStringList     *annotator_list;
  AdwComboRow       *status_row;
  GtkWidget         *no_text_row;
  GtkSwitch         *no_text_switch;
  GtkWidget         *import_group;
  GtkLabel          *file_label;
  AdwStatusPage     *progress_page;
  GtkProgressBar    *progress_bar;
  GtkWidget         *cancel_button;
  GtkImage          *summary_icon;
  GtkLabel          *summary_title;
  GtkLabel          *summary_description;
  GtkWidget         *counts_group;
  AdwActionRow      *documents_count_row;
  AdwActionRow      *dimensions_count_row;
  AdwActionRow      *codes_count_row;
  AdwActionRow      *annotations_count_row;
  GtkWidget         *skipped_group;
  GtkStringList     *skipped_list;
  AdwStatusPage     *error_page;

  /* Owned */
  GlossProject      *project;
  GFile             *file;
  GCancellable      *cancellable;
  GlossImportReport *report;
  GtkNativeDialog   *chooser;
  GPtrArray         *document_checks;  /* (element-type GtkCheckButton) */
  GArray            *document_ids;     /* (element-type gint64), beside the checks */
  GStrv              annotators;
  char              *message;

  guint              pulse_id;
  gboolean           import;
  gboolean           running;
  gboolean           close_when_done;
  gboolean           disposed;
};

G_DEFINE_FINAL_TYPE (GlossTransferDialog, gloss_transfer_dialog, ADW_TYPE_WINDOW)

enum
{
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  const char *extension;
  const char *suffix;        /* of the suggested name, before the extension */
  gboolean    documents;     /* which options apply */
  gboolean    filters;
  gboolean    no_text;
} FormatInfo;

static const FormatInfo formats[] = {
  [GLOSS_TRANSFER_FORMAT_XML] = { "xml", "", TRUE, TRUE, TRUE },
  [GLOSS_TRANSFER_FORMAT_CSV_LONG] = { "csv", "", TRUE, TRUE, FALSE },
  [GLOSS_TRANSFER_FORMAT_CSV_WIDE] = { "csv", " (wide)", TRUE, TRUE, FALSE },
  [GLOSS_TRANSFER_FORMAT_QDPX] = { "qdpx", "", TRUE, TRUE, FALSE },
  [GLOSS_TRANSFER_FORMAT_QDC] = { "qdc", " (codebook)", FALSE, FALSE, FALSE },
};

static const char *
format_description (GlossTransferFormat format)
{
  switch (format)
    {
    case GLOSS_TRANSFER_FORMAT_XML:
      return _("The whole project, for archives and other Gloss projects");
    case GLOSS_TRANSFER_FORMAT_CSV_LONG:
      return _("One row per annotation and code, for pandas and R");
    case GLOSS_TRANSFER_FORMAT_CSV_WIDE:
      return _("One row per annotation, one column per dimension");
    case GLOSS_TRANSFER_FORMAT_QDPX:
      return _("For ATLAS.ti, NVivo, MAXQDA and QualCoder");
    case GLOSS_TRANSFER_FORMAT_QDC:
      return _("The codebook alone, for other QDA programs");
    default:
      g_assert_not_reached ();
    }
}

/* The work ------------------------------------------------------------------ */

typedef struct
{
  gboolean             import;
  GlossTransferFormat  format;
  char                *project_path;
  char                *path;
  GArray              *documents;     /* (element-type gint64), NULL: all */
  char                *annotator;     /* NULL: everyone */
  int                  status;
  gboolean             no_text;
  GlossImportReport   *report;        /* import: filled by the worker */
  goffset              size;          /* export: the file written */
} Job;

static void
job_free (Job *job)
{
  g_free (job->project_path);
  g_free (job->path);
  g_clear_pointer (&job->documents, g_array_unref);
  g_free (job->annotator);
  g_clear_pointer (&job->report, gloss_import_report_free);
  g_free (job);
}

static gboolean
run_export (Job           *job,
            GlossProject  *project,
            GCancellable  *cancellable,
            GError       **error)
{
  GlossExportOptions options = GLOSS_EXPORT_OPTIONS_INIT;

  if (job->documents != NULL)
    {
      options.documents = (const gint64 *) (gpointer) job->documents->data;
      options.n_documents = job->documents->len;
    }
  options.annotator = job->annotator;
  options.status = job->status;
  options.no_text = job->no_text;

  switch (job->format)
    {
    case GLOSS_TRANSFER_FORMAT_XML:
      return gloss_xml_export (project, job->path, &options, cancellable, error);
    case GLOSS_TRANSFER_FORMAT_CSV_LONG:
      return gloss_csv_export (project, job->path, FALSE, &options, cancellable, error);
    case GLOSS_TRANSFER_FORMAT_CSV_WIDE:
      return gloss_csv_export (project, job->path, TRUE, &options, cancellable, error);
    case GLOSS_TRANSFER_FORMAT_QDPX:
      return gloss_refi_export_qdpx (project, job->path, &options, cancellable, error);
    case GLOSS_TRANSFER_FORMAT_QDC:
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      return gloss_refi_export_qdc (project, job->path, error);
    default:
      g_assert_not_reached ();
    }
}

static void
transfer_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = NULL;

  /* Our own connection: the window's belongs to the main thread. */
  project = gloss_project_open (job->project_path,
                                job->import ? GLOSS_OPEN_DEFAULT : GLOSS_OPEN_READ_ONLY,
                                &error);
  if (project == NULL || g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (job->import)
    {
      if (!gloss_import_any (project, job->path, job->report, cancellable, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  else
    {
      g_autoptr(GFile) file = NULL;
      g_autoptr(GFileInfo) info = NULL;

      if (!run_export (job, project, cancellable, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      file = g_file_new_for_path (job->path);
      info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                                NULL, NULL);
      job->size = info != NULL ? g_file_info_get_size (info) : -1;
    }

  g_task_return_boolean (task, TRUE);
}

/* Pages ---------------------------------------------------------------------- */

static void
update_actions (GlossTransferDialog *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  gboolean options = g_strcmp0 (page, "options") == 0;
  gboolean summary = g_strcmp0 (page, "summary") == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "transfer.start", options && !self->running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "transfer.cancel", self->running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "transfer.back",
                                 !self->running && g_strcmp0 (page, "error") == 0);

  gtk_widget_set_visible (self->start_button, options);
  gtk_widget_set_visible (self->done_button, summary);
  gtk_widget_set_visible (self->close_button, !self->running && !summary);
  gtk_button_set_label (GTK_BUTTON (self->close_button), options ? _("_Cancel") : _("_Close"));
  gtk_window_set_default_widget (GTK_WINDOW (self), options ? self->start_button
                                                            : summary ? self->done_button : NULL);
}

static void
show_page (GlossTransferDialog *self,
           const char          *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
  update_actions (self);

  if (g_str_equal (name, "summary") || g_str_equal (name, "options"))
    gtk_widget_grab_focus (g_str_equal (name, "summary") ? self->done_button
                                                         : GTK_WIDGET (self->format_row));
}

static GlossTransferFormat
current_format (GlossTransferDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->format_row);

  return selected < G_N_ELEMENTS (formats) ? (GlossTransferFormat) selected
                                           : GLOSS_TRANSFER_FORMAT_XML;
}

static void
update_options (GlossTransferDialog *self)
{
  GlossTransferFormat format = current_format (self);
  const FormatInfo *info = &formats[format];

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->format_row), format_description (format));
  gtk_widget_set_sensitive (self->options_group, info->documents);
  gtk_widget_set_sensitive (GTK_WIDGET (self->annotator_row), info->filters);
  gtk_widget_set_sensitive (GTK_WIDGET (self->status_row), info->filters);
  gtk_widget_set_visible (self->no_text_row, info->no_text);
}

static void
on_format_row_selected_cb (GlossTransferDialog *self)
{
  update_options (self);
}

static void
on_documents_row_enabled_cb (GlossTransferDialog *self)
{
  if (adw_expander_row_get_enable_expansion (self->documents_row))
    adw_expander_row_set_subtitle (self->documents_row, _("Only the documents ticked below"));
  else
    adw_expander_row_set_subtitle (self->documents_row,
                                   _("Every document is exported unless you choose"));
}

static void
show_file (GlossTransferDialog *self)
{
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->file_label), self->file != NULL);
  if (self->file == NULL)
    return;

  name = g_file_get_parse_name (self->file);
  text = g_strdup_printf (self->import ? _("From %s") : _("To %s"), name);
  gtk_label_set_text (self->file_label, text);
}

static void
pulse_stop (GlossTransferDialog *self)
{
  g_clear_handle_id (&self->pulse_id, g_source_remove);
}

static gboolean
on_pulse_cb (gpointer user_data)
{
  GlossTransferDialog *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
set_message (GlossTransferDialog *self,
             const char          *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
}

static void
set_status_description (AdwStatusPage *page,
                        const char    *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_status_page_set_description (page, escaped);
}

static void
show_import_summary (GlossTransferDialog *self)
{
  const GlossImportReport *report = self->report;
  g_autofree char *documents = NULL;
  g_autofree char *dimensions = NULL;
  g_autofree char *codes = NULL;
  g_autofree char *annotations = NULL;
  g_autofree char *description = NULL;
  guint n_skipped = report->skipped != NULL ? report->skipped->len : 0;

  /* Translators: e.g. "3 added, 1 already there" */
  documents = g_strdup_printf (_("%u added, %u already there"),
                               report->documents_added, report->documents_matched);
  /* Translators: the number of dimensions an import added */
  dimensions = g_strdup_printf (_("%u added"), report->dimensions_added);
  codes = g_strdup_printf (_("%u added, %u already there"),
                           report->codes_added, report->codes_matched);
  annotations = g_strdup_printf (_("%u added, %u updated, %u already there"),
                                 report->annotations_added, report->annotations_updated,
                                 report->annotations_unchanged);
  adw_action_row_set_subtitle (self->documents_count_row, documents);
  adw_action_row_set_subtitle (self->dimensions_count_row, dimensions);
  adw_action_row_set_subtitle (self->codes_count_row, codes);
  adw_action_row_set_subtitle (self->annotations_count_row, annotations);

  for (guint i = 0; i < n_skipped; i++)
    gtk_string_list_append (self->skipped_list, report->skipped->pdata[i]);

  if (n_skipped == 0)
    description = g_strdup (_("Everything in the file was brought in."));
  else
    description = g_strdup_printf (ngettext ("One item could not be brought in; it is listed below.",
                                             "%u items could not be brought in; they are listed below.",
                                             n_skipped),
                                   n_skipped);

  gtk_image_set_from_icon_name (self->summary_icon, "emblem-ok-symbolic");
  gtk_label_set_text (self->summary_title, _("Import Complete"));
  gtk_label_set_text (self->summary_description, description);
  gtk_widget_set_visible (self->counts_group, TRUE);
  gtk_widget_set_visible (self->skipped_group, n_skipped > 0);
  set_message (self, description);
}

static void
show_export_summary (GlossTransferDialog *self,
                     goffset              size)
{
  g_autofree char *name = g_file_get_basename (self->file);
  g_autoptr(GFile) parent = g_file_get_parent (self->file);
  g_autofree char *folder = parent != NULL ? g_file_get_parse_name (parent) : g_strdup ("");
  g_autofree char *size_text = g_format_size (MAX (size, 0));
  g_autofree char *description = NULL;

  /* Translators: "“Sample.xml”, 12.3 kB, in /home/ana/Documents" */
  description = g_strdup_printf (_("Wrote “%s”, %s, in %s"), name, size_text, folder);
  gtk_image_set_from_icon_name (self->summary_icon, "emblem-ok-symbolic");
  gtk_label_set_text (self->summary_title, _("Export Complete"));
  gtk_label_set_text (self->summary_description, description);
  gtk_widget_set_visible (self->counts_group, FALSE);
  gtk_widget_set_visible (self->skipped_group, FALSE);
  set_message (self, description);
}

static void
show_error (GlossTransferDialog *self,
            const GError        *error)
{
  gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                       || g_error_matches (error, GLOSS_INTERCHANGE_ERROR,
                                           GLOSS_INTERCHANGE_ERROR_CANCELLED);
  g_autofree char *message = NULL;

  if (cancelled)
    {
      adw_status_page_set_icon_name (self->error_page, "process-stop-symbolic");
      adw_status_page_set_title (self->error_page,
                                 self->import ? _("Import Cancelled") : _("Export Cancelled"));
      message = g_strdup (self->import ? _("Nothing was imported: the project is as it was.")
                                       : _("No file was written."));
    }
  else
    {
      adw_status_page_set_icon_name (self->error_page, "dialog-warning-symbolic");
      adw_status_page_set_title (self->error_page,
                                 self->import ? _("Import Failed") : _("Export Failed"));
      if (self->import)
        message = g_strdup_printf ("%s\n\n%s", error->message,
                                   _("Nothing was imported: the project is as it was."));
      else
        message = g_strdup (error->message);
    }

  set_status_description (self->error_page, message);
  set_message (self, message);
}

/* Holds the reference taken in run(), so the dialog is released here on
 * the main thread, never by the worker. */
static void
on_transfer_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GlossTransferDialog) self = user_data;
  GTask *task = G_TASK (result);
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean success = g_task_propagate_boolean (task, &error);

  pulse_stop (self);
  self->running = FALSE;
  g_clear_object (&self->cancellable);

  if (self->disposed)
    {
      /* Destroyed while the worker ran: only tell the window. */
      if (success && job->import)
        gloss_project_poll_external_changes (self->project);
      g_signal_emit (self, signals[FINISHED], 0, success);
      return;
    }

  if (success)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
      if (job->import)
        {
          g_clear_pointer (&self->report, gloss_import_report_free);
          self->report = g_steal_pointer (&job->report);
          show_import_summary (self);
          /* The worker committed on its own connection. */
          gloss_project_poll_external_changes (self->project);
        }
      else
        show_export_summary (self, job->size);
      show_page (self, "summary");
    }
  else
    {
      show_error (self, error);
      show_page (self, "error");
    }

  g_signal_emit (self, signals[FINISHED], 0, success);

  if (self->close_when_done)
    gtk_window_destroy (GTK_WINDOW (self));
}

static GArray *
chosen_documents (GlossTransferDialog *self)
{
  GArray *ids;

  if (!adw_expander_row_get_enable_expansion (self->documents_row))
    return NULL;

  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < self->document_checks->len; i++)
    if (gtk_check_button_get_active (self->document_checks->pdata[i]))
      g_array_append_val (ids, g_array_index (self->document_ids, gint64, i));

  return ids;
}

static void
run (GlossTransferDialog *self)
{
  g_autoptr(GTask) task = NULL;
  Job *job = g_new0 (Job, 1);
  const FormatInfo *info;
  g_autofree char *name = g_file_get_basename (self->file);

  job->import = self->import;
  job->format = current_format (self);
  job->project_path = g_strdup (gloss_project_get_path (self->project));
  job->path = g_file_get_path (self->file);
  job->status = -1;
  info = &formats[job->format];

  if (job->path == NULL)
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                             _("“%s” is not a local file. Choose a file on this computer."),
                                             name);

      job_free (job);
      show_error (self, error);
      show_page (self, "error");
      g_signal_emit (self, signals[FINISHED], 0, FALSE);
      return;
    }

  if (job->import)
    job->report = gloss_import_report_new ();
  else
    {
      guint annotator = adw_combo_row_get_selected (self->annotator_row);
      guint status = adw_combo_row_get_selected (self->status_row);

      if (info->documents)
        job->documents = chosen_documents (self);
      if (info->filters && annotator != GTK_INVALID_LIST_POSITION && annotator > 0
          && self->annotators != NULL && annotator - 1 < g_strv_length (self->annotators))
        job->annotator = g_strdup (self->annotators[annotator - 1]);
      if (info->filters && status != GTK_INVALID_LIST_POSITION && status > 0)
        job->status = (int) status - 1;   /* Any, then the GlossReviewStatus values */
      job->no_text = info->no_text && gtk_switch_get_active (self->no_text_switch);

      if (job->documents != NULL && job->documents->len == 0)
        {
          g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                                         _("No document is ticked. Tick the documents to export, or turn off “Only Some Documents”."));

          job_free (job);
          show_error (self, error);
          show_page (self, "error");
          g_signal_emit (self, signals[FINISHED], 0, FALSE);
          return;
        }
    }

  adw_status_page_set_title (self->progress_page,
                             self->import ? _("Importing…") : _("Exporting…"));
  adw_status_page_set_icon_name (self->progress_page,
                                 self->import ? "document-open-symbolic" : "document-save-symbolic");
  set_status_description (self->progress_page, name);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);

  self->running = TRUE;
  self->cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->cancellable, on_transfer_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, run);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  /* The result decides, not the cancellable: an import that committed
   * just before Cancel was pressed did happen. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, transfer_thread);

  self->pulse_id = g_timeout_add (PULSE_MS, on_pulse_cb, self);
  show_page (self, "progress");
  gtk_widget_grab_focus (self->cancel_button);
}

/* Choosing the file ------------------------------------------------------------- */

static char *
suggested_name (GlossTransferDialog *self)
{
  const FormatInfo *info = &formats[current_format (self)];
  g_autofree char *base = g_path_get_basename (gloss_project_get_path (self->project));

  if (g_str_has_suffix (base, ".gloss"))
    base[strlen (base) - strlen (".gloss")] = '\0';

  return g_strdup_printf ("%s%s.%s", base, info->suffix, info->extension);
}

static GtkFileFilter *
new_filter (const char *name,
            ...)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  const char *suffix;
  va_list args;

  gtk_file_filter_set_name (filter, name);
  va_start (args, name);
  while ((suffix = va_arg (args, const char *)) != NULL)
    gtk_file_filter_add_suffix (filter, suffix);
  va_end (args);
  return filter;
}

static void
on_chooser_response_cb (GtkNativeDialog     *chooser,
                        int                  response,
                        GlossTransferDialog *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);

  if (file != NULL)
    {
      gloss_transfer_dialog_set_file (self, file);
      run (self);
    }
}

/* The one place this dialog asks for a file: a native chooser, filtered by
 * the format, in the project's folder. */
static void
choose_file (GlossTransferDialog *self)
{
  g_autoptr(GFile) folder = NULL;
  g_autofree char *dir = g_path_get_dirname (gloss_project_get_path (self->project));
  GtkFileChooser *chooser;

  if (self->chooser != NULL)
    return;

  if (self->import)
    {
      g_autoptr(GtkFileFilter) known = new_filter (_("Gloss XML and REFI-QDA"), "xml", "qdpx", "qdc", NULL);
      g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

      gtk_file_filter_set_name (all, _("All files"));
      gtk_file_filter_add_pattern (all, "*");
      self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (_("Import"), GTK_WINDOW (self),
                                                                      GTK_FILE_CHOOSER_ACTION_OPEN,
                                                                      _("_Import"), _("_Cancel")));
      chooser = GTK_FILE_CHOOSER (self->chooser);
      gtk_file_chooser_add_filter (chooser, known);
      gtk_file_chooser_add_filter (chooser, all);
    }
  else
    {
      GlossTransferFormat format = current_format (self);
      g_autofree char *name = suggested_name (self);
      g_autoptr(GtkFileFilter) filter = NULL;

      filter = new_filter (g_list_model_get_n_items (adw_combo_row_get_model (self->format_row)) > format
                           ? gtk_string_list_get_string (GTK_STRING_LIST (adw_combo_row_get_model (self->format_row)), format)
                           : "", formats[format].extension, NULL);
      self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (_("Export"), GTK_WINDOW (self),
                                                                      GTK_FILE_CHOOSER_ACTION_SAVE,
                                                                      _("_Export"), _("_Cancel")));
      chooser = GTK_FILE_CHOOSER (self->chooser);
      gtk_file_chooser_add_filter (chooser, filter);
      gtk_file_chooser_set_current_name (chooser, name);
    }

  folder = g_file_new_for_path (dir);
  gtk_file_chooser_set_current_folder (chooser, folder, NULL);
  gtk_native_dialog_set_modal (self->chooser, TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (self->chooser);
}

/* Actions ------------------------------------------------------------------- */

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  GlossTransferDialog *self = GLOSS_TRANSFER_DIALOG (widget);

  if (self->running)
    return;

  if (self->file == NULL)
    choose_file (self);
  else
    run (self);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GlossTransferDialog *self = GLOSS_TRANSFER_DIALOG (widget);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  GlossTransferDialog *self = GLOSS_TRANSFER_DIALOG (widget);

  /* The next attempt asks for a file again: the last one may be the
   * reason it failed. */
  g_clear_object (&self->file);
  show_file (self);
  show_page (self, "options");
}

/* Closing while the work runs cancels it; the window goes once the worker
 * has rolled back. */
static gboolean
gloss_transfer_dialog_close_request (GtkWindow *window)
{
  GlossTransferDialog *self = GLOSS_TRANSFER_DIALOG (window);

  if (self->running)
    {
      self->close_when_done = TRUE;
      g_cancellable_cancel (self->cancellable);
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return TRUE;
    }

  if (GTK_WINDOW_CLASS (gloss_transfer_dialog_parent_class)->close_request != NULL)
    return GTK_WINDOW_CLASS (gloss_transfer_dialog_parent_class)->close_request (window);
  return FALSE;
}

/* GObject ------------------------------------------------------------------- */

static void
gloss_transfer_dialog_dispose (GObject *object)
{
  GlossTransferDialog *self = GLOSS_TRANSFER_DIALOG (object);

  pulse_stop (self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), GLOSS_TYPE_TRANSFER_DIALOG);
  self->disposed = TRUE;

  g_clear_object (&self->file);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (gloss_transfer_dialog_parent_class)->dispose (object);
}

static void
gloss_transfer_dialog_finalize (GObject *object)
{
  GlossTransferDialog *self = GLOSS_TRANSFER_DIALOG (object);

  /* Kept until here: a worker still running after dispose reports to it. */
  g_clear_object (&self->project);
  g_clear_pointer (&self->report, gloss_import_report_free);
  g_clear_pointer (&self->document_checks, g_ptr_array_unref);
  g_clear_pointer (&self->document_ids, g_array_unref);
  g_clear_pointer (&self->annotators, g_strfreev);
  g_free (self->message);

  G_OBJECT_CLASS (gloss_transfer_dialog_parent_class)->finalize (object);
}

static void
gloss_transfer_dialog_class_init (GlossTransferDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = gloss_transfer_dialog_dispose;
  object_class->finalize = gloss_transfer_dialog_finalize;
  window_class->close_request = gloss_transfer_dialog_close_request;

  /**
   * GlossTransferDialog::finished:
   * @success: whether the file was written or imported
   *
   * Emitted when an export or import ends: done, failed or cancelled.
   */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/glossapp/Gloss/gloss-transfer-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, close_button);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, start_button);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, done_button);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, format_group);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, options_group);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, documents_row);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, annotator_row);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, annotator_list);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, status_row);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, no_text_row);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, no_text_switch);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, import_group);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, file_label);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, progress_page);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, summary_icon);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, summary_title);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, summary_description);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, counts_group);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, documents_count_row);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, dimensions_count_row);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, codes_count_row);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, annotations_count_row);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, skipped_group);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, skipped_list);
  gtk_widget_class_bind_template_child (widget_class, GlossTransferDialog, error_page);
  gtk_widget_class_bind_template_callback (widget_class, on_format_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_documents_row_enabled_cb);

  gtk_widget_class_install_action (widget_class, "transfer.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "transfer.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "transfer.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "transfer.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "transfer.close", NULL);
}

static void
gloss_transfer_dialog_init (GlossTransferDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->document_checks = g_ptr_array_new ();
  self->document_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
}

static void
fill_documents (GlossTransferDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) documents = gloss_project_list_documents (self->project, &error);

  if (documents == NULL)
    {
      /* The export itself will report what is wrong with the project. */
      g_debug ("Cannot list the documents: %s", error->message);
      gtk_widget_set_sensitive (GTK_WIDGET (self->documents_row), FALSE);
      return;
    }

  for (guint i = 0; i < documents->len; i++)
    {
      GlossDocument *document = documents->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), document->title);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_expander_row_add_row (self->documents_row, row);

      g_ptr_array_add (self->document_checks, check);
      g_array_append_val (self->document_ids, document->id);
    }

  if (documents->len < 2)
    gtk_widget_set_visible (GTK_WIDGET (self->documents_row), FALSE);
}

static void
fill_annotators (GlossTransferDialog *self)
{
  g_autoptr(GError) error = NULL;

  gtk_string_list_append (self->annotator_list, _("Everyone"));
  self->annotators = gloss_project_list_annotators (self->project, &error);
  if (self->annotators == NULL)
    {
      g_debug ("Cannot list the annotators: %s", error->message);
      return;
    }

  for (guint i = 0; self->annotators[i] != NULL; i++)
    gtk_string_list_append (self->annotator_list, self->annotators[i]);
}

static GlossTransferDialog *
transfer_dialog_new (GtkWindow    *parent,
                     GlossProject *project,
                     gboolean      import)
{
  GlossTransferDialog *self;
  g_autofree char *name = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (GLOSS_IS_PROJECT (project), NULL);

  name = g_path_get_basename (gloss_project_get_path (project));

  self = g_object_new (GLOSS_TYPE_TRANSFER_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->project = g_object_ref (project);
  self->import = import;

  adw_window_title_set_title (self->window_title, import ? _("Import") : _("Export"));
  adw_window_title_set_subtitle (self->window_title, name);
  gtk_window_set_title (GTK_WINDOW (self), import ? _("Import") : _("Export"));
  gtk_button_set_label (GTK_BUTTON (self->start_button),
                        import ? _("_Choose File…") : _("_Export…"));

  gtk_widget_set_visible (self->format_group, !import);
  gtk_widget_set_visible (self->options_group, !import);
  gtk_widget_set_visible (self->import_group, import);

  if (!import)
    {
      fill_documents (self);
      fill_annotators (self);
      adw_combo_row_set_selected (self->annotator_row, 0);
      update_options (self);
    }

  show_page (self, "options");
  return self;
}

/**
 * gloss_transfer_dialog_new_export:
 * @parent: (nullable): the window it belongs to
 * @project: the project to export
 *
 * Returns: (transfer none): a new dialog; present it with gtk_window_present()
 */
GlossTransferDialog *
gloss_transfer_dialog_new_export (GtkWindow    *parent,
                                  GlossProject *project)
{
  return transfer_dialog_new (parent, project, FALSE);
}

/**
 * gloss_transfer_dialog_new_import:
 * @parent: (nullable): the window it belongs to
 * @project: the project to import into
 *
 * Returns: (transfer none): a new dialog; present it with gtk_window_present()
 */
GlossTransferDialog *
gloss_transfer_dialog_new_import (GtkWindow    *parent,
                                  GlossProject *project)
{
  return transfer_dialog_new (parent, project, TRUE);
}

gboolean
gloss_transfer_dialog_is_import (GlossTransferDialog *self)
{
  g_return_val_if_fail (GLOSS_IS_TRANSFER_DIALOG (self), FALSE);

  return self->import;
}

void
gloss_transfer_dialog_set_format (GlossTransferDialog *self,
                                  GlossTransferFormat  format)
{
  g_return_if_fail (GLOSS_IS_TRANSFER_DIALOG (self));
  g_return_if_fail ((guint) format < G_N_ELEMENTS (formats));

  adw_combo_row_set_selected (self->format_row, format);
}

GlossTransferFormat
gloss_transfer_dialog_get_format (GlossTransferDialog *self)
{
  g_return_val_if_fail (GLOSS_IS_TRANSFER_DIALOG (self), GLOSS_TRANSFER_FORMAT_XML);

  return current_format (self);
}

/**
 * gloss_transfer_dialog_set_file:
 * @file: (nullable): where to export, or what to import
 *
 * With a file set, starting skips the file chooser.
 */
void
gloss_transfer_dialog_set_file (GlossTransferDialog *self,
                                GFile               *file)
{
  g_return_if_fail (GLOSS_IS_TRANSFER_DIALOG (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  g_set_object (&self->file, file);
  show_file (self);
}

/**
 * gloss_transfer_dialog_get_file:
 *
 * Returns: (transfer none) (nullable): the file chosen
 */
GFile *
gloss_transfer_dialog_get_file (GlossTransferDialog *self)
{
  g_return_val_if_fail (GLOSS_IS_TRANSFER_DIALOG (self), NULL);

  return self->file;
}

/**
 * gloss_transfer_dialog_set_documents:
 * @documents: (array length=n_documents) (nullable): ids; %NULL for all
 *
 * Exports only these documents (the window can preselect the current one).
 */
void
gloss_transfer_dialog_set_documents (GlossTransferDialog *self,
                                     const gint64        *documents,
                                     guint                n_documents)
{
  g_return_if_fail (GLOSS_IS_TRANSFER_DIALOG (self));

  adw_expander_row_set_enable_expansion (self->documents_row, documents != NULL);
  for (guint i = 0; i < self->document_checks->len; i++)
    {
      gint64 id = g_array_index (self->document_ids, gint64, i);
      gboolean chosen = documents == NULL;

      for (guint k = 0; !chosen && k < n_documents; k++)
        chosen = documents[k] == id;
      gtk_check_button_set_active (self->document_checks->pdata[i], chosen);
    }
}

/**
 * gloss_transfer_dialog_set_annotator:
 * @annotator: (nullable): a name; %NULL for everyone
 */
void
gloss_transfer_dialog_set_annotator (GlossTransferDialog *self,
                                     const char          *annotator)
{
  g_return_if_fail (GLOSS_IS_TRANSFER_DIALOG (self));

  adw_combo_row_set_selected (self->annotator_row, 0);
  for (guint i = 0; annotator != NULL && self->annotators != NULL && self->annotators[i] != NULL; i++)
    if (g_str_equal (self->annotators[i], annotator))
      adw_combo_row_set_selected (self->annotator_row, i + 1);
}

/* @status: -1 for any, else a GlossReviewStatus */
void
gloss_transfer_dialog_set_status (GlossTransferDialog *self,
                                  int                  status)
{
  g_return_if_fail (GLOSS_IS_TRANSFER_DIALOG (self));
  g_return_if_fail (status >= -1 && status <= GLOSS_REVIEW_REJECTED);

  adw_combo_row_set_selected (self->status_row, (guint) (status + 1));
}

void
gloss_transfer_dialog_set_no_text (GlossTransferDialog *self,
                                   gboolean             no_text)
{
  g_return_if_fail (GLOSS_IS_TRANSFER_DIALOG (self));

  gtk_switch_set_active (self->no_text_switch, no_text);
}

/* As the Export…/Choose File… button: asks for a file unless one is set. */
void
gloss_transfer_dialog_start (GlossTransferDialog *self)
{
  g_return_if_fail (GLOSS_IS_TRANSFER_DIALOG (self));

  gtk_widget_activate_action (GTK_WIDGET (self), "transfer.start", NULL);
}

void
gloss_transfer_dialog_cancel (GlossTransferDialog *self)
{
  g_return_if_fail (GLOSS_IS_TRANSFER_DIALOG (self));

  gtk_widget_activate_action (GTK_WIDGET (self), "transfer.cancel", NULL);
}

gboolean
gloss_transfer_dialog_is_running (GlossTransferDialog *self)
{
  g_return_val_if_fail (GLOSS_IS_TRANSFER_DIALOG (self), FALSE);

  return self->running;
}

/* "options", "progress", "summary" or "error" */
const char *
gloss_transfer_dialog_get_page (GlossTransferDialog *self)
{
  g_return_val_if_fail (GLOSS_IS_TRANSFER_DIALOG (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * gloss_transfer_dialog_get_message:
 *
 * Returns: (nullable): the summary or error text shown last
 */
const char *
gloss_transfer_dialog_get_message (GlossTransferDialog *self)
{
  g_return_val_if_fail (GLOSS_IS_TRANSFER_DIALOG (self), NULL);

  return self->message;
}

/**
 * gloss_transfer_dialog_get_report:
 *
 * Returns: (nullable) (transfer none): what the last import brought in
 */
const GlossImportReport *
gloss_transfer_dialog_get_report (GlossTransferDialog *self)
{
  g_return_val_if_fail (GLOSS_IS_TRANSFER_DIALOG (self), NULL);

  return self->report;
}
