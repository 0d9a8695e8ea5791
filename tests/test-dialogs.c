/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "gloss-agreement.h"
#include "gloss-compare-view.h"
#include "gloss-disagreements.h"
#include "gloss-interchange.h"
#include "gloss-project.h"
#include "gloss-transfer-dialog.h"
#include "gloss-ui-test.h"

/* The Export/Import dialog and the Compare panel, driven through their
 * API and actions (never a native file chooser); the files written and
 * the projects read back are checked through the engine. */

static gboolean have_display;

typedef struct
{
  char         *dir;
  char         *path;      /* the sample project */
  GlossProject *project;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (!have_display)
    return;

  fixture->dir = g_dir_make_tmp ("gloss-dialogs-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "Sample.gloss", NULL);
  fixture->project = gloss_project_create_sample (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->project);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->project);
  if (fixture->dir != NULL)
    remove_tree (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static gboolean
skip_without_display (void)
{
  if (!have_display)
    {
      g_test_skip ("no display: run under xvfb-run");
      return TRUE;
    }
  return FALSE;
}

static char *
path_in (Fixture    *fixture,
         const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

static char *
file_sha256 (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static goffset
file_size (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return -1;
  return st.st_size;
}

static guint
count_annotations (GlossProject *project)
{
  g_autoptr(GError) error = NULL;
  GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
  g_autoptr(GPtrArray) annotations = gloss_project_list_annotations (project, &filter, &error);

  g_assert_no_error (error);
  return annotations->len;
}

static guint
count_codes (GlossProject *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = gloss_project_list_codes (project, &error);

  g_assert_no_error (error);
  return codes->len;
}

static guint
count_documents (GlossProject *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) documents = gloss_project_list_documents (project, &error);

  g_assert_no_error (error);
  return documents->len;
}

/* Waiting for GlossTransferDialog::finished ----------------------------------- */

typedef struct
{
  gboolean done;
  gboolean success;
  guint    n_emissions;
} Finished;

static void
on_finished_cb (GlossTransferDialog *dialog,
                gboolean             success,
                Finished            *finished)
{
  finished->done = TRUE;
  finished->success = success;
  finished->n_emissions++;
}

static gboolean
wait_finished (Finished *finished)
{
  gboolean timed_out = FALSE;
  guint timeout = g_timeout_add_seconds (60, gloss_test_timeout_cb, &timed_out);

  while (!finished->done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout);
  g_assert_false (timed_out);
  return finished->success;
}

static GlossTransferDialog *
export_dialog (GlossProject        *project,
               GlossTransferFormat  format,
               const char          *path,
               Finished            *finished)
{
  GlossTransferDialog *dialog = gloss_transfer_dialog_new_export (NULL, project);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_assert_false (gloss_transfer_dialog_is_import (dialog));
  gloss_transfer_dialog_set_format (dialog, format);
  g_assert_cmpint (gloss_transfer_dialog_get_format (dialog), ==, format);
  gloss_transfer_dialog_set_file (dialog, file);
  g_signal_connect (dialog, "finished", G_CALLBACK (on_finished_cb), finished);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_cmpstr (gloss_transfer_dialog_get_page (dialog), ==, "options");
  return dialog;
}

/* Runs an export through the dialog and returns whether it succeeded. */
static gboolean
run_export (GlossProject        *project,
            GlossTransferFormat  format,
            const char          *path)
{
  Finished finished = { 0 };
  GlossTransferDialog *dialog = export_dialog (project, format, path, &finished);
  gboolean success;

  gloss_transfer_dialog_start (dialog);
  g_assert_true (gloss_transfer_dialog_is_running (dialog));
  g_assert_cmpstr (gloss_transfer_dialog_get_page (dialog), ==, "progress");
  success = wait_finished (&finished);
  g_assert_false (gloss_transfer_dialog_is_running (dialog));
  g_assert_cmpuint (finished.n_emissions, ==, 1);
  if (success)
    {
      g_autofree char *name = g_path_get_basename (path);

      g_assert_cmpstr (gloss_transfer_dialog_get_page (dialog), ==, "summary");
      g_assert_nonnull (strstr (gloss_transfer_dialog_get_message (dialog), name));
    }
  else
    g_assert_cmpstr (gloss_transfer_dialog_get_page (dialog), ==, "error");

  gtk_window_destroy (GTK_WINDOW (dialog));
  return success;
}

static void
test_export_each_format (Fixture       *fixture,
                         gconstpointer  data)
{
  static const struct
  {
    GlossTransferFormat format;
    const char         *name;
  } cases[] = {
    { GLOSS_TRANSFER_FORMAT_XML, "out.xml" },
    { GLOSS_TRANSFER_FORMAT_CSV_LONG, "long.csv" },
    { GLOSS_TRANSFER_FORMAT_CSV_WIDE, "wide.csv" },
    { GLOSS_TRANSFER_FORMAT_QDPX, "out.qdpx" },
    { GLOSS_TRANSFER_FORMAT_QDC, "out.qdc" },
  };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  if (skip_without_display ())
    return;

  before = file_sha256 (fixture->path);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = path_in (fixture, cases[i].name);

      g_test_message ("exporting %s", cases[i].name);
      g_assert_true (run_export (fixture->project, cases[i].format, path));
      g_assert_cmpint (file_size (path), >, 0);
    }

  /* What was written is what the engine itself accepts. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = path_in (fixture, "out.xml");
    g_autofree char *csv = path_in (fixture, "long.csv");
    g_autofree char *contents = NULL;
    g_auto(GStrv) lines = NULL;

    g_assert_true (gloss_xml_validate (xml, &error));
    g_assert_no_error (error);

    /* CSV long: a header and one row per annotation × code. */
    g_file_get_contents (csv, &contents, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (contents, "annotation,document,document_uuid,start,end,quote,"));
    lines = g_strsplit (contents, "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), >, count_annotations (fixture->project));
  }

  /* An export never changes the project. */
  after = file_sha256 (fixture->path);
  g_assert_cmpstr (before, ==, after);
}

/* The options reach the engine: a review status nobody has leaves only the
 * header; without text, the XML is smaller than with it. */
static void
test_export_options (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *accepted = path_in (fixture, "accepted.csv");
  g_autofree char *example = path_in (fixture, "example.csv");
  g_autofree char *full = path_in (fixture, "full.xml");
  g_autofree char *bare = path_in (fixture, "bare.xml");
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  Finished finished = { 0 };
  GlossTransferDialog *dialog;

  if (skip_without_display ())
    return;

  dialog = export_dialog (fixture->project, GLOSS_TRANSFER_FORMAT_CSV_LONG, accepted, &finished);
  gloss_transfer_dialog_set_status (dialog, GLOSS_REVIEW_ACCEPTED);
  gloss_transfer_dialog_start (dialog);
  g_assert_true (wait_finished (&finished));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_file_get_contents (accepted, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (g_strchomp (contents), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_clear_pointer (&contents, g_free);
  g_clear_pointer (&lines, g_strfreev);

  memset (&finished, 0, sizeof finished);
  dialog = export_dialog (fixture->project, GLOSS_TRANSFER_FORMAT_CSV_LONG, example, &finished);
  gloss_transfer_dialog_set_annotator (dialog, "Example");
  gloss_transfer_dialog_set_status (dialog, GLOSS_REVIEW_UNREVIEWED);
  gloss_transfer_dialog_start (dialog);
  g_assert_true (wait_finished (&finished));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_file_get_contents (example, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (g_strchomp (contents), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >, 1);

  g_assert_true (run_export (fixture->project, GLOSS_TRANSFER_FORMAT_XML, full));
  memset (&finished, 0, sizeof finished);
  dialog = export_dialog (fixture->project, GLOSS_TRANSFER_FORMAT_XML, bare, &finished);
  gloss_transfer_dialog_set_no_text (dialog, TRUE);
  gloss_transfer_dialog_start (dialog);
  g_assert_true (wait_finished (&finished));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpint (file_size (bare), >, 0);
  g_assert_cmpint (file_size (bare) + 10000, <, file_size (full));
}

/* Unticking every document is refused with a message, before any work. */
static void
test_export_no_documents (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *path = path_in (fixture, "none.xml");
  Finished finished = { 0 };
  GlossTransferDialog *dialog;

  if (skip_without_display ())
    return;

  dialog = export_dialog (fixture->project, GLOSS_TRANSFER_FORMAT_XML, path, &finished);
  gloss_transfer_dialog_set_documents (dialog, (gint64[]) { -1 }, 1);
  gloss_transfer_dialog_start (dialog);
  g_assert_true (finished.done);
  g_assert_false (finished.success);
  g_assert_cmpstr (gloss_transfer_dialog_get_page (dialog), ==, "error");
  g_assert_nonnull (strstr (gloss_transfer_dialog_get_message (dialog), "No document is ticked"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Back to the options: the file must be chosen again. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "transfer.back", NULL);
  g_assert_cmpstr (gloss_transfer_dialog_get_page (dialog), ==, "options");
  g_assert_null (gloss_transfer_dialog_get_file (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

typedef struct
{
  GlossTransferDialog *dialog;
  Finished             finished;
  guint                n_changed;
} Import;

static void
on_project_changed_cb (GlossProject *project,
                       guint        *n_changed)
{
  (*n_changed)++;
}

static GlossTransferDialog *
import_dialog (GlossProject *project,
               const char   *path,
               Finished     *finished)
{
  GlossTransferDialog *dialog = gloss_transfer_dialog_new_import (NULL, project);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_assert_true (gloss_transfer_dialog_is_import (dialog));
  gloss_transfer_dialog_set_file (dialog, file);
  g_signal_connect (dialog, "finished", G_CALLBACK (on_finished_cb), finished);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
test_import_xml (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = path_in (fixture, "sample.xml");
  g_autofree char *empty_path = path_in (fixture, "empty.gloss");
  g_autoptr(GlossProject) empty = NULL;
  const GlossImportReport *report;
  GlossTransferDialog *dialog;
  Finished finished = { 0 };
  guint n_changed = 0;
  guint n_annotations = count_annotations (fixture->project);
  guint n_codes = count_codes (fixture->project);

  if (skip_without_display ())
    return;

  g_assert_cmpuint (n_annotations, >, 0);
  g_assert_true (run_export (fixture->project, GLOSS_TRANSFER_FORMAT_XML, xml));

  empty = gloss_project_create (empty_path, "Tester", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_documents (empty), ==, 0);
  g_signal_connect (empty, "changed", G_CALLBACK (on_project_changed_cb), &n_changed);

  dialog = import_dialog (empty, xml, &finished);
  gloss_transfer_dialog_start (dialog);
  g_assert_cmpstr (gloss_transfer_dialog_get_page (dialog), ==, "progress");
  g_assert_true (wait_finished (&finished));
  g_assert_cmpstr (gloss_transfer_dialog_get_page (dialog), ==, "summary");

  report = gloss_transfer_dialog_get_report (dialog);
  g_assert_nonnull (report);
  g_assert_cmpuint (report->documents_added, ==, 1);
  g_assert_cmpuint (report->documents_matched, ==, 0);
  g_assert_cmpuint (report->codes_added, ==, n_codes);
  g_assert_cmpuint (report->annotations_added, ==, n_annotations);
  g_assert_cmpuint (report->skipped->len, ==, 0);
  g_assert_cmpstr (gloss_transfer_dialog_get_message (dialog), ==,
                   "Everything in the file was brought in.");

  /* The window's own connection heard of the commit. */
  g_assert_cmpuint (n_changed, >=, 1);
  g_assert_cmpuint (count_documents (empty), ==, 1);
  g_assert_cmpuint (count_codes (empty), ==, n_codes);
  g_assert_cmpuint (count_annotations (empty), ==, n_annotations);
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Twice: everything is matched, nothing added. */
  memset (&finished, 0, sizeof finished);
  dialog = import_dialog (empty, xml, &finished);
  gloss_transfer_dialog_start (dialog);
  g_assert_true (wait_finished (&finished));
  report = gloss_transfer_dialog_get_report (dialog);
  g_assert_cmpuint (report->documents_added, ==, 0);
  g_assert_cmpuint (report->documents_matched, ==, 1);
  g_assert_cmpuint (report->codes_added, ==, 0);
  g_assert_cmpuint (report->annotations_added, ==, 0);
  g_assert_cmpuint (count_annotations (empty), ==, n_annotations);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* A file that is none of the formats: the engine's message is shown and
 * the project is left exactly as it was. */
static void
test_import_bad_file (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bad = path_in (fixture, "notes.xml");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GlossTransferDialog *dialog;
  Finished finished = { 0 };

  if (skip_without_display ())
    return;

  g_file_set_contents (bad, "<notes><note>not Gloss</note></notes>", -1, &error);
  g_assert_no_error (error);
  before = file_sha256 (fixture->path);

  dialog = import_dialog (fixture->project, bad, &finished);
  gloss_transfer_dialog_start (dialog);
  g_assert_false (wait_finished (&finished));
  g_assert_cmpstr (gloss_transfer_dialog_get_page (dialog), ==, "error");
  g_assert_null (gloss_transfer_dialog_get_report (dialog));
  g_assert_nonnull (strstr (gloss_transfer_dialog_get_message (dialog),
                            "Nothing was imported: the project is as it was."));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (dialog)));

  after = file_sha256 (fixture->path);
  g_assert_cmpstr (before, ==, after);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* A copy of the sample with many more annotations, so that exporting or
 * importing it takes long enough to be cancelled half-way. */
static GlossProject *
make_big_project (Fixture *fixture,
                  guint    n_annotations)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *big_path = path_in (fixture, "big.gloss");
  g_autoptr(GlossProject) big = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autofree GlossNewAnnotation *items = g_new0 (GlossNewAnnotation, n_annotations);
  GlossDocument *document;
  gint64 code = 0;

  g_assert_true (gloss_project_save_copy (fixture->project, big_path, &error));
  g_assert_no_error (error);
  big = gloss_project_open (big_path, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  documents = gloss_project_list_documents (big, &error);
  g_assert_no_error (error);
  document = documents->pdata[0];
  codes = gloss_project_list_codes (big, &error);
  g_assert_no_error (error);
  code = ((GlossCode *) codes->pdata[0])->id;

  for (guint i = 0; i < n_annotations; i++)
    {
      items[i].document = document->id;
      items[i].start = i % (document->length - 20);
      items[i].end = items[i].start + 1 + i % 17;
      items[i].codes = &code;
      items[i].n_codes = 1;
    }
  g_assert_true (gloss_project_add_annotations (big, items, n_annotations, "Bulk", NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&big);
}

static char *
write_big_xml (Fixture *fixture,
               guint    n_annotations)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) big = make_big_project (fixture, n_annotations);
  GlossExportOptions options = GLOSS_EXPORT_OPTIONS_INIT;
  char *xml = path_in (fixture, "big.xml");

  g_assert_true (gloss_xml_export (big, xml, &options, NULL, &error));
  g_assert_no_error (error);
  return xml;
}

static void
test_import_cancel (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *target = path_in (fixture, "target.gloss");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GlossProject) project = NULL;
  GlossTransferDialog *dialog;
  Finished finished = { 0 };
  gint64 started;
  guint n_annotations;

  if (skip_without_display ())
    return;

  xml = write_big_xml (fixture, 40000);
  project = gloss_project_create (target, "Tester", FALSE, &error);
  g_assert_no_error (error);
  n_annotations = count_annotations (project);
  before = file_sha256 (target);

  dialog = import_dialog (project, xml, &finished);
  started = g_get_monotonic_time ();
  gloss_transfer_dialog_start (dialog);
  /* The window stays responsive while the worker reads: frames go by.
   * The whole import takes seconds; cancel it well inside. */
  gloss_test_wait_frames (GTK_WIDGET (dialog), 3);
  gloss_test_wait_ms (300);
  g_assert_true (gloss_transfer_dialog_is_running (dialog));
  g_assert_cmpstr (gloss_transfer_dialog_get_page (dialog), ==, "progress");
  gloss_transfer_dialog_cancel (dialog);
  g_assert_false (wait_finished (&finished));
  g_test_message ("cancelled after %.0f ms",
                  (g_get_monotonic_time () - started) / 1000.0);

  g_assert_cmpstr (gloss_transfer_dialog_get_page (dialog), ==, "error");
  g_assert_cmpstr (gloss_transfer_dialog_get_message (dialog), ==,
                   "Nothing was imported: the project is as it was.");
  gtk_window_destroy (GTK_WINDOW (dialog));

  after = file_sha256 (target);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (count_annotations (project), ==, n_annotations);
}

/* Cancelling an export leaves no file behind. */
static void
test_export_cancel (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = path_in (fixture, "cancelled.xml");
  g_autoptr(GlossProject) big = NULL;
  GlossTransferDialog *dialog;
  Finished finished = { 0 };

  if (skip_without_display ())
    return;

  big = make_big_project (fixture, 40000);
  dialog = export_dialog (big, GLOSS_TRANSFER_FORMAT_XML, path, &finished);
  gloss_transfer_dialog_start (dialog);
  gloss_test_wait_frames (GTK_WIDGET (dialog), 2);
  gloss_transfer_dialog_cancel (dialog);
  g_assert_false (wait_finished (&finished));
  g_assert_cmpstr (gloss_transfer_dialog_get_page (dialog), ==, "error");
  g_assert_cmpstr (gloss_transfer_dialog_get_message (dialog), ==, "No file was written.");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Closing the window while the work runs cancels it; the window goes once
 * the worker is done. */
static void
test_close_while_running (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *path = path_in (fixture, "closed.xml");
  g_autoptr(GlossProject) big = NULL;
  GlossTransferDialog *dialog;
  Finished finished = { 0 };

  if (skip_without_display ())
    return;

  big = make_big_project (fixture, 40000);
  dialog = export_dialog (big, GLOSS_TRANSFER_FORMAT_XML, path, &finished);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gloss_transfer_dialog_start (dialog);
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_nonnull (dialog);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_false (wait_finished (&finished));
  /* The worker's reference goes when its callback returns. */
  while (dialog != NULL && g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (dialog);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* Compare ------------------------------------------------------------------------ */

typedef struct
{
  char *a;   /* alice's copy of the sample: the current project */
  char *b;   /* bob's copy */
} Pair;

static void
pair_clear (Pair *pair)
{
  g_free (pair->a);
  g_free (pair->b);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Pair, pair_clear)

static void
annotate_path (GlossProject *project,
               gint64        document,
               gint64        start,
               gint64        end,
               const char   *code_path,
               const char   *annotator)
{
  g_autoptr(GError) error = NULL;
  gint64 code = gloss_project_resolve_code (project, code_path, &error);
  gint64 id;

  g_assert_no_error (error);
  id = gloss_project_add_annotation (project, document, start, end, &code, 1, NULL, annotator,
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
}

/* Two copies of the sample; alice annotates one and bob the other, partly
 * alike.  With @without_example, the sample's own annotations are deleted
 * first, so alice and bob are the only analysts. */
static void
make_pair (Fixture  *fixture,
           gboolean  without_example,
           Pair     *pair)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) a = NULL;
  g_autoptr(GlossProject) b = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  gint64 doc;

  if (without_example)
    {
      GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
      g_autoptr(GPtrArray) annotations = gloss_project_list_annotations (fixture->project, &filter,
                                                                         &error);

      g_assert_no_error (error);
      for (guint i = 0; i < annotations->len; i++)
        {
          gloss_project_delete_annotation (fixture->project,
                                           ((GlossAnnotation *) annotations->pdata[i])->id, &error);
          g_assert_no_error (error);
        }
    }

  pair->a = path_in (fixture, "alice.gloss");
  pair->b = path_in (fixture, "bob.gloss");
  g_assert_true (gloss_project_save_copy (fixture->project, pair->a, &error));
  g_assert_no_error (error);
  g_assert_true (gloss_project_save_copy (fixture->project, pair->b, &error));
  g_assert_no_error (error);

  a = gloss_project_open (pair->a, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  b = gloss_project_open (pair->b, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  documents = gloss_project_list_documents (a, &error);
  g_assert_no_error (error);
  doc = ((GlossDocument *) documents->pdata[0])->id;

  /* Stance: agreement on three spans, different codes on two. */
  for (guint i = 0; i < 5; i++)
    {
      gint64 start = 100 + 200 * i;

      annotate_path (a, doc, start, start + 40, i % 2 ? "Stance/cooperative" : "Stance/neutral",
                     "alice");
      annotate_path (b, doc, start, start + 40,
                     i < 3 ? (i % 2 ? "Stance/cooperative" : "Stance/neutral") : "Stance/strained",
                     "bob");
    }
  /* Actors: one span alice alone marks, one overlapping pair. */
  annotate_path (a, doc, 1500, 1530, "Actors/Russia", "alice");
  annotate_path (a, doc, 1700, 1760, "Actors/China", "alice");
  annotate_path (b, doc, 1720, 1790, "Actors/China", "bob");
  annotate_path (b, doc, 1900, 1940, "Actors/India", "bob");
  annotate_path (a, doc, 1900, 1940, "Actors/India", "alice");
}

typedef struct
{
  gboolean done;
  gboolean success;
} CompareDone;

static void
on_compare_finished_cb (GlossCompareView *view,
                        gboolean          success,
                        CompareDone      *done)
{
  done->done = TRUE;
  done->success = success;
}

static gboolean
wait_compare (GlossCompareView *view)
{
  CompareDone done = { 0 };
  gboolean timed_out = FALSE;
  gulong handler = g_signal_connect (view, "finished", G_CALLBACK (on_compare_finished_cb), &done);
  guint timeout = g_timeout_add_seconds (60, gloss_test_timeout_cb, &timed_out);

  while (!done.done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout);
  g_signal_handler_disconnect (view, handler);
  g_assert_false (timed_out);
  return done.success;
}

static GlossAgreementReport *
engine_report (const char *a,
               const char *b)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) pa = gloss_project_open (a, GLOSS_OPEN_READ_ONLY, &error);
  g_autoptr(GlossProject) pb = NULL;
  GlossAgreementReport *report;

  g_assert_no_error (error);
  pb = gloss_project_open (b, GLOSS_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  report = gloss_agreement_compare ((GlossProject *[]) { pa, pb }, 2, NULL, NULL, &error);
  g_assert_no_error (error);
  return report;
}

static GlossDisagreementSet *
engine_disagreements (const char *a,
                      const char *b)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) pa = gloss_project_open (a, GLOSS_OPEN_READ_ONLY, &error);
  g_autoptr(GlossProject) pb = NULL;
  GlossDisagreementSet *set;

  g_assert_no_error (error);
  pb = gloss_project_open (b, GLOSS_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  set = gloss_disagreements_find ((GlossProject *[]) { pa, pb }, 2, &error);
  g_assert_no_error (error);
  return set;
}

/* The text the panel should show for @figure. */
static char *
expected_text (GlossFigure figure,
               gboolean    percent)
{
  if (isnan (figure.value))
    return g_strdup ("undefined");
  if (percent)
    return g_strdup_printf ("%.1f %%", figure.value * 100.0);
  return g_strdup_printf ("%.3f", figure.value);
}

static void
check_figure (GlossCompareView *view,
              const char       *key,
              GlossFigure       figure,
              gboolean          percent,
              guint            *n_undefined)
{
  g_autofree char *expected = expected_text (figure, percent);
  g_autofree char *units = g_strdup_printf ("%" G_GINT64_FORMAT, figure.units);
  const char *shown = gloss_compare_view_get_figure_text (view, key);

  g_test_message ("%s: %s = %s", gloss_compare_view_get_dimension (view), key, shown);
  g_assert_cmpstr (shown, ==, expected);
  if (isnan (figure.value))
    (*n_undefined)++;
  /* Never 0 or 1 in place of an undefined figure. */
  if (isnan (figure.value))
    {
      g_assert_cmpstr (shown, !=, "0.000");
      g_assert_cmpstr (shown, !=, "1.000");
    }
}

/* Every dimension's figures as the engine computes them, "undefined" where
 * it says undefined, and each with its unit count. */
static guint
check_all_figures (GlossCompareView     *view,
                   GlossAgreementReport *report)
{
  guint n_undefined = 0;

  for (guint i = 0; i < report->dimensions->len; i++)
    {
      GlossAgreementDimension *dim = report->dimensions->pdata[i];
      g_autofree char *units = g_strdup_printf ("%" G_GINT64_FORMAT, dim->krippendorff_alpha.units);

      g_assert_true (gloss_compare_view_set_dimension (view, dim->name));
      g_assert_cmpstr (gloss_compare_view_get_dimension (view), ==, dim->name);

      check_figure (view, "percent_agreement", dim->percent_agreement, TRUE, &n_undefined);
      check_figure (view, "cohen_kappa", dim->cohen_kappa, FALSE, &n_undefined);
      check_figure (view, "fleiss_kappa", dim->fleiss_kappa, FALSE, &n_undefined);
      check_figure (view, "krippendorff_alpha", dim->krippendorff_alpha, FALSE, &n_undefined);
      check_figure (view, "alpha_u", dim->alpha_u_pooled, FALSE, &n_undefined);
      check_figure (view, "f1_exact", dim->f1_exact, FALSE, &n_undefined);
      check_figure (view, "f1_overlap", dim->f1_overlap, FALSE, &n_undefined);
      if (dim->level == GLOSS_LEVEL_ORDINAL)
        check_figure (view, "krippendorff_alpha_ordinal", dim->krippendorff_alpha_ordinal, FALSE,
                      &n_undefined);
      else
        g_assert_null (gloss_compare_view_get_figure_text (view, "krippendorff_alpha_ordinal"));

      /* The unit count is stated beside the figure. */
      g_assert_nonnull (strstr (gloss_compare_view_get_figure_units (view, "krippendorff_alpha"),
                                units));
    }

  return n_undefined;
}

static GlossCompareView *
compare_view (const char *current,
              GtkWindow **window)
{
  GlossCompareView *view = gloss_compare_view_new (current);

  *window = gloss_compare_view_present_window (view, NULL);
  gtk_window_set_default_size (*window, 760, 900);
  g_assert_cmpstr (gloss_compare_view_get_page (view), ==, "empty");
  return view;
}

static void
test_compare_three_analysts (Fixture       *fixture,
                             gconstpointer  data)
{
  g_auto(Pair) pair = { 0 };
  g_autoptr(GlossAgreementReport) report = NULL;
  GlossCompareView *view;
  GtkWindow *window = NULL;
  guint n_undefined;

  if (skip_without_display ())
    return;

  make_pair (fixture, FALSE, &pair);
  view = compare_view (pair.a, &window);
  gloss_compare_view_compare (view, (const char *[]) { pair.b, NULL });
  g_assert_true (gloss_compare_view_is_running (view));
  g_assert_cmpstr (gloss_compare_view_get_page (view), ==, "running");
  g_assert_true (wait_compare (view));
  g_assert_cmpstr (gloss_compare_view_get_page (view), ==, "results");

  report = engine_report (pair.a, pair.b);
  /* Example (the sample's annotations, in both files), alice and bob. */
  g_assert_cmpuint (report->raters->len, ==, 3);
  g_assert_cmpuint (gloss_compare_view_get_n_analysts (view), ==, 3);
  for (guint i = 0; i < report->raters->len; i++)
    g_assert_cmpstr (gloss_compare_view_get_analyst_name (view, i), ==,
                     ((GlossAgreementRater *) report->raters->pdata[i])->name);

  n_undefined = check_all_figures (view, report);
  /* Cohen's kappa needs exactly two analysts: undefined in every dimension. */
  g_assert_cmpuint (n_undefined, >=, report->dimensions->len);
  for (guint i = 0; i < report->dimensions->len; i++)
    g_assert_true (isnan (((GlossAgreementDimension *) report->dimensions->pdata[i])->cohen_kappa.value));
  g_assert_true (gloss_compare_view_set_dimension (view, "Stance"));
  g_assert_cmpstr (gloss_compare_view_get_figure_text (view, "cohen_kappa"), ==, "undefined");
  g_assert_nonnull (strstr (gloss_compare_view_get_figure_units (view, "cohen_kappa"),
                            "exactly two analysts"));
  g_assert_false (gloss_compare_view_set_dimension (view, "No such dimension"));

  gtk_window_destroy (window);
}

static void
test_compare_two_analysts (Fixture       *fixture,
                           gconstpointer  data)
{
  g_auto(Pair) pair = { 0 };
  g_autoptr(GlossAgreementReport) report = NULL;
  GlossAgreementDimension *stance = NULL;
  GlossCompareView *view;
  GtkWindow *window = NULL;

  if (skip_without_display ())
    return;

  make_pair (fixture, TRUE, &pair);
  view = compare_view (pair.a, &window);
  gloss_compare_view_compare (view, (const char *[]) { pair.b, NULL });
  g_assert_true (wait_compare (view));

  report = engine_report (pair.a, pair.b);
  g_assert_cmpuint (report->raters->len, ==, 2);
  g_assert_cmpuint (gloss_compare_view_get_n_analysts (view), ==, 2);
  check_all_figures (view, report);

  /* Stance: alice and bob agree on three of the five spans. */
  for (guint i = 0; i < report->dimensions->len; i++)
    if (g_str_equal (((GlossAgreementDimension *) report->dimensions->pdata[i])->name, "Stance"))
      stance = report->dimensions->pdata[i];
  g_assert_nonnull (stance);
  g_assert_false (isnan (stance->cohen_kappa.value));
  g_assert_cmpint (stance->percent_agreement.units, ==, 5);
  g_assert_cmpfloat_with_epsilon (stance->percent_agreement.value, 0.6, 1e-9);
  g_assert_true (gloss_compare_view_set_dimension (view, "Stance"));
  g_assert_cmpstr (gloss_compare_view_get_figure_text (view, "percent_agreement"), ==, "60.0 %");
  g_assert_nonnull (strstr (gloss_compare_view_get_figure_units (view, "percent_agreement"), "5 "));

  gtk_window_destroy (window);
}

typedef struct
{
  gint64 document;
  gint64 start;
  gint64 end;
  guint  n_emissions;
} Activated;

static void
on_disagreement_activated_cb (GlossCompareView *view,
                              gint64            document,
                              gint64            start,
                              gint64            end,
                              Activated        *activated)
{
  activated->document = document;
  activated->start = start;
  activated->end = end;
  activated->n_emissions++;
}

static void
on_spans_changed_cb (GlossCompareView *view,
                     guint            *n_changed)
{
  (*n_changed)++;
}

static void
test_compare_disagreements (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(Pair) pair = { 0 };
  g_autoptr(GlossDisagreementSet) set = NULL;
  g_autoptr(GlossProject) a = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GArray) spans = NULL;
  GlossCompareView *view;
  GtkWindow *window = NULL;
  GListModel *model;
  Activated activated = { 0 };
  guint n_changed = 0;
  guint n_stance = 0, n_actors = 0;
  gint64 doc;
  guint actors = G_MAXUINT, stance = G_MAXUINT;
  GdkRGBA color;

  if (skip_without_display ())
    return;

  make_pair (fixture, TRUE, &pair);
  a = gloss_project_open (pair.a, GLOSS_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  documents = gloss_project_list_documents (a, &error);
  g_assert_no_error (error);
  doc = ((GlossDocument *) documents->pdata[0])->id;

  view = compare_view (pair.a, &window);
  g_signal_connect (view, "disagreement-activated", G_CALLBACK (on_disagreement_activated_cb),
                    &activated);
  g_signal_connect (view, "spans-changed", G_CALLBACK (on_spans_changed_cb), &n_changed);
  gloss_compare_view_compare (view, (const char *[]) { pair.b, NULL });
  g_assert_true (wait_compare (view));
  g_assert_cmpuint (n_changed, >=, 1);

  set = engine_disagreements (pair.a, pair.b);
  for (guint i = 0; i < set->dimensions->len; i++)
    {
      if (g_str_equal (set->dimensions->pdata[i], "Actors"))
        actors = i;
      if (g_str_equal (set->dimensions->pdata[i], "Stance"))
        stance = i;
    }
  for (guint i = 0; i < set->items->len; i++)
    {
      const GlossDisagreement *d = &g_array_index (set->items, GlossDisagreement, i);

      n_stance += d->dimension == stance;
      n_actors += d->dimension == actors;
    }
  /* Two spans with different stances; alice's Russia alone and the
   * overlapping China spans. */
  g_assert_cmpuint (n_stance, ==, 2);
  g_assert_cmpuint (n_actors, ==, 2);

  n_changed = 0;
  g_assert_true (gloss_compare_view_set_dimension (view, "Stance"));
  model = gloss_compare_view_get_disagreements (view);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_stance);
  g_assert_cmpuint (n_changed, ==, 1);

  /* The analysts' spans, side by side: alice's and bob's five each. */
  spans = gloss_compare_view_dup_spans (view, doc);
  g_assert_cmpuint (spans->len, ==, 10);
  for (guint i = 0; i < spans->len; i++)
    {
      GlossCompareSpan *span = &g_array_index (spans, GlossCompareSpan, i);

      g_assert_cmpuint (span->analyst, <, 2);
      gloss_compare_view_get_analyst_color (view, span->analyst, &color);
      g_assert_true (gdk_rgba_equal (&color, &span->color));
      if (i > 0)
        g_assert_cmpint (span->start, >=, g_array_index (spans, GlossCompareSpan, i - 1).start);
    }
  g_clear_pointer (&spans, g_array_unref);
  /* Two analysts, two colours. */
  {
    GdkRGBA first, second;

    gloss_compare_view_get_analyst_color (view, 0, &first);
    gloss_compare_view_get_analyst_color (view, 1, &second);
    g_assert_false (gdk_rgba_equal (&first, &second));
  }
  spans = gloss_compare_view_dup_spans (view, doc + 1000);
  g_assert_cmpuint (spans->len, ==, 0);
  g_clear_pointer (&spans, g_array_unref);

  /* Activating the first row: the window is asked to show it. */
  gloss_compare_view_activate_disagreement (view, 0);
  g_assert_cmpuint (activated.n_emissions, ==, 1);
  g_assert_cmpint (activated.document, ==, doc);
  g_assert_cmpint (activated.start, ==, 700);
  g_assert_cmpint (activated.end, ==, 740);
  /* Out of range: nothing. */
  gloss_compare_view_activate_disagreement (view, 99);
  g_assert_cmpuint (activated.n_emissions, ==, 1);

  g_assert_true (gloss_compare_view_set_dimension (view, "Actors"));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_actors);
  gloss_compare_view_activate_disagreement (view, 1);
  g_assert_cmpint (activated.start, ==, 1700);
  g_assert_cmpint (activated.end, ==, 1790);
  spans = gloss_compare_view_dup_spans (view, doc);
  g_assert_cmpuint (spans->len, ==, 5);

  gtk_window_destroy (window);
}

/* The same annotator name with different identities: reported, kept apart. */
static void
test_compare_name_clash (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a_path = path_in (fixture, "one.gloss");
  g_autofree char *b_path = path_in (fixture, "two.gloss");
  g_autoptr(GlossProject) b = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autofree char *text = NULL;
  GlossCompareView *view;
  GtkWindow *window = NULL;
  gboolean existed = TRUE;
  gint64 doc_b;

  if (skip_without_display ())
    return;

  g_assert_true (gloss_project_save_copy (fixture->project, a_path, &error));
  g_assert_no_error (error);
  documents = gloss_project_list_documents (fixture->project, &error);
  g_assert_no_error (error);
  text = gloss_project_dup_text (fixture->project, ((GlossDocument *) documents->pdata[0])->id,
                                 &error);
  g_assert_no_error (error);

  /* A separate project by another "Example": the same text and codebook
   * paths, other UUIDs. */
  b = gloss_project_create (b_path, "Example", FALSE, &error);
  g_assert_no_error (error);
  doc_b = gloss_project_add_document (b, "Interview", text, NULL, &existed, &error);
  g_assert_no_error (error);
  annotate_path (b, doc_b, 10, 50, "Stance/neutral", "Example");
  g_clear_object (&b);

  view = compare_view (a_path, &window);
  gloss_compare_view_compare (view, (const char *[]) { b_path, NULL });
  g_assert_true (wait_compare (view));
  g_assert_cmpuint (gloss_compare_view_get_n_analysts (view), ==, 2);
  g_assert_cmpstr (gloss_compare_view_get_analyst_name (view, 0), !=,
                   gloss_compare_view_get_analyst_name (view, 1));
  g_assert_nonnull (gloss_compare_view_get_notes_text (view));
  g_assert_nonnull (strstr (gloss_compare_view_get_notes_text (view), "“Example”"));

  gtk_window_destroy (window);
}

static void
count_finished_cb (GlossCompareView *view,
                   gboolean          success,
                   guint            *n_finished)
{
  (*n_finished)++;
}

/* A second comparison started before the first ends replaces it: one
 * result, the second's; another project clears everything. */
static void
test_compare_replaced (Fixture       *fixture,
                       gconstpointer  data)
{
  g_auto(Pair) pair = { 0 };
  GlossCompareView *view;
  GtkWindow *window = NULL;
  guint n_finished = 0;

  if (skip_without_display ())
    return;

  make_pair (fixture, TRUE, &pair);
  view = compare_view (pair.a, &window);
  g_signal_connect (view, "finished", G_CALLBACK (count_finished_cb), &n_finished);
  gloss_compare_view_compare (view, (const char *[]) { fixture->path, NULL });
  gloss_compare_view_compare (view, (const char *[]) { pair.b, NULL });
  g_assert_true (wait_compare (view));
  /* Let the first worker end too: it must not report. */
  gloss_test_wait_ms (500);
  g_assert_cmpuint (n_finished, ==, 1);
  g_assert_cmpstr (gloss_compare_view_get_page (view), ==, "results");
  g_assert_nonnull (strstr (gtk_window_get_title (window), "Agreement"));
  g_assert_cmpuint (gloss_compare_view_get_n_analysts (view), ==, 2);

  gloss_compare_view_set_project_path (view, pair.b);
  g_assert_cmpstr (gloss_compare_view_get_project_path (view), ==, pair.b);
  g_assert_cmpstr (gloss_compare_view_get_page (view), ==, "empty");
  g_assert_null (gloss_compare_view_get_report (view));
  g_assert_null (gloss_compare_view_get_dimension (view));
  g_assert_cmpuint (g_list_model_get_n_items (gloss_compare_view_get_disagreements (view)), ==, 0);

  gtk_window_destroy (window);
}

/* A file that is not a project: the engine's message, nothing else. */
static void
test_compare_bad_file (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bad = path_in (fixture, "notes.gloss");
  GlossCompareView *view;
  GtkWindow *window = NULL;

  if (skip_without_display ())
    return;

  g_file_set_contents (bad, "just some notes", -1, &error);
  g_assert_no_error (error);

  view = compare_view (fixture->path, &window);
  gloss_compare_view_compare (view, (const char *[]) { bad, NULL });
  g_assert_false (wait_compare (view));
  g_assert_cmpstr (gloss_compare_view_get_page (view), ==, "error");
  g_assert_nonnull (gloss_compare_view_get_error_message (view));
  g_assert_nonnull (strstr (gloss_compare_view_get_error_message (view), "notes.gloss"));
  g_assert_null (gloss_compare_view_get_report (view));

  /* Cancelled at once: back where it was, no results. */
  gloss_compare_view_compare (view, (const char *[]) { fixture->path, NULL });
  gloss_compare_view_cancel (view);
  g_assert_false (wait_compare (view));
  g_assert_cmpstr (gloss_compare_view_get_page (view), ==, "empty");
  g_assert_null (gloss_compare_view_get_report (view));

  gtk_window_destroy (window);
}

/* Screenshots ---------------------------------------------------------------------- */

/* The two analysts of the screenshots: alice redoes the sample's example
 * annotations; bob does too, with some other codes and spans. */
static void
make_screenshot_pair (Fixture *fixture,
                      Pair    *pair)
{
  g_autoptr(GError) error = NULL;
  GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
  g_autoptr(GPtrArray) examples = gloss_project_list_annotations (fixture->project, &filter, &error);
  g_autoptr(GlossProject) a = NULL;
  g_autoptr(GlossProject) b = NULL;
  gint64 neutral, strained;

  g_assert_no_error (error);
  for (guint i = 0; i < examples->len; i++)
    {
      gloss_project_delete_annotation (fixture->project,
                                       ((GlossAnnotation *) examples->pdata[i])->id, &error);
      g_assert_no_error (error);
    }

  pair->a = path_in (fixture, "Sample (alice).gloss");
  pair->b = path_in (fixture, "Sample (bob).gloss");
  g_assert_true (gloss_project_save_copy (fixture->project, pair->a, &error));
  g_assert_no_error (error);
  g_assert_true (gloss_project_save_copy (fixture->project, pair->b, &error));
  g_assert_no_error (error);
  a = gloss_project_open (pair->a, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  b = gloss_project_open (pair->b, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  neutral = gloss_project_resolve_code (b, "Stance/neutral", &error);
  g_assert_no_error (error);
  strained = gloss_project_resolve_code (b, "Stance/strained", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < examples->len; i++)
    {
      GlossAnnotation *example = examples->pdata[i];
      g_autoptr(GArray) bob_codes = g_array_copy (example->codes);
      gint64 start = example->start;
      gint64 end = example->end;

      gloss_project_add_annotation (a, example->document, start, end,
                                    (const gint64 *) (gpointer) example->codes->data,
                                    example->codes->len, NULL, "alice", &error);
      g_assert_no_error (error);

      /* bob: another stance now and then, a shorter span, one left out. */
      if (i == 4)
        continue;
      if (i % 3 == 1)
        for (guint k = 0; k < bob_codes->len; k++)
          {
            gint64 *code = &g_array_index (bob_codes, gint64, k);

            if (*code == neutral || *code == strained)
              continue;
            {
              g_autoptr(GlossCode) c = gloss_project_get_code (b, *code, &error);

              g_assert_no_error (error);
              if (g_str_has_prefix (c->path, "Stance/"))
                *code = i % 2 ? neutral : strained;
            }
          }
      if (i % 5 == 2 && end - start > 20)
        end -= 12;
      gloss_project_add_annotation (b, example->document, start, end,
                                    (const gint64 *) (gpointer) bob_codes->data, bob_codes->len,
                                    NULL, "bob", &error);
      g_assert_no_error (error);
    }
}

static double
luminance_at (GlossTestPixels *pixels,
              int              x,
              int              y)
{
  int rgb[3];

  gloss_test_pixel (pixels, x, y, rgb);
  return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
}

/* Renders @window in the light and the dark style; the dark one must be
 * darker where the window's background shows at (@x, @y).  With
 * GLOSS_SCREENSHOT_DIR set, keeps both as PNG files. */
static void
shoot (GtkWindow  *window,
       const char *name,
       int         x,
       int         y)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  const char *dir = g_getenv ("GLOSS_SCREENSHOT_DIR");
  double light = 0, dark = 0;

  for (guint pass = 0; pass < 2; pass++)
    {
      g_autoptr(GlossTestPixels) pixels = NULL;

      adw_style_manager_set_color_scheme (style, pass == 0 ? ADW_COLOR_SCHEME_FORCE_LIGHT
                                                           : ADW_COLOR_SCHEME_FORCE_DARK);
      gloss_test_wait_frames (GTK_WIDGET (window), 4);
      gloss_test_wait_ms (200);
      pixels = gloss_test_render (GTK_WIDGET (window));
      g_assert_cmpint (pixels->width, >, 300);
      g_assert_cmpint (pixels->height, >, 300);
      if (pass == 0)
        light = luminance_at (pixels, x, y);
      else
        dark = luminance_at (pixels, x, y);

      if (dir != NULL)
        {
          g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
          g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
          g_autoptr(GskRenderNode) node = NULL;
          g_autoptr(GdkTexture) texture = NULL;
          GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
          int width = gtk_widget_get_width (GTK_WIDGET (window));
          int height = gtk_widget_get_height (GTK_WIDGET (window));
          g_autofree char *file = g_strdup_printf ("%s-%s.png", name, pass == 0 ? "light" : "dark");
          g_autofree char *path = g_build_filename (dir, file, NULL);

          gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
          node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
          texture = gsk_renderer_render_texture (renderer, node,
                                                 &GRAPHENE_RECT_INIT (0, 0, width, height));
          g_assert_true (gdk_texture_save_to_png (texture, path));
        }
    }

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  g_test_message ("%s: background luminance %.0f light, %.0f dark", name, light, dark);
  g_assert_cmpfloat (light, >, 150);
  g_assert_cmpfloat (dark, <, 100);
}

static void
test_screenshots (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(Pair) pair = { 0 };
  g_autoptr(GlossProject) target = NULL;
  g_autofree char *target_path = path_in (fixture, "Workshop.gloss");
  g_autofree char *xml = path_in (fixture, "Sample interview.xml");
  g_autofree char *qdpx = NULL;
  GlossTransferDialog *dialog;
  GlossCompareView *view;
  GtkWindow *window = NULL;
  Finished finished = { 0 };
  gboolean existed;

  if (skip_without_display ())
    return;

  /* Export: the options, on a project with two documents. */
  gloss_project_add_document (fixture->project, "Follow-up interview",
                              "A second conversation, a month later.", NULL, &existed, &error);
  g_assert_no_error (error);
  dialog = gloss_transfer_dialog_new_export (NULL, fixture->project);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 560, 600);
  gtk_window_present (GTK_WINDOW (dialog));
  shoot (GTK_WINDOW (dialog), "transfer-export", 8, 200);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (run_export (fixture->project, GLOSS_TRANSFER_FORMAT_XML, xml));

  /* Import: the summary of a REFI-QDA project with items left out. */
  target = gloss_project_create (target_path, "ana", FALSE, &error);
  g_assert_no_error (error);
  if (g_getenv ("GLOSS_SHARED_DIR") != NULL)
    qdpx = g_build_filename (g_getenv ("GLOSS_SHARED_DIR"), "refi", "samples", "nvivo",
                             "nvivo_project.qdpx", NULL);
  dialog = import_dialog (target, qdpx != NULL && g_file_test (qdpx, G_FILE_TEST_EXISTS) ? qdpx : xml,
                          &finished);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 560, 720);
  gloss_transfer_dialog_start (dialog);
  g_assert_true (wait_finished (&finished));
  shoot (GTK_WINDOW (dialog), "transfer-import", 8, 200);
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Agreement: two analysts on the sample interview. */
  make_screenshot_pair (fixture, &pair);
  view = gloss_compare_view_new (pair.a);
  window = gloss_compare_view_present_window (view, NULL);
  gtk_window_set_default_size (window, 760, 880);
  gloss_compare_view_compare (view, (const char *[]) { pair.b, NULL });
  g_assert_true (wait_compare (view));
  g_assert_true (gloss_compare_view_set_dimension (view, "Stance"));
  shoot (window, "agreement", 8, 300);
  g_assert_true (gloss_compare_view_set_dimension (view, "Actors"));
  gloss_compare_view_set_section (view, "disagreements");
  shoot (window, "agreement-disagreements", 8, 300);
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("gloss-test-dialogs-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *cache = g_build_filename (home, "cache", NULL);
  int status;

  g_assert_nonnull (home);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_test_init (&argc, &argv, NULL);
  have_display = gtk_init_check ();
  if (have_display)
    {
      adw_init ();
      g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
    }

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/gloss/dialogs/export-each-format", test_export_each_format);
  ADD ("/gloss/dialogs/export-options", test_export_options);
  ADD ("/gloss/dialogs/export-no-documents", test_export_no_documents);
  ADD ("/gloss/dialogs/export-cancel", test_export_cancel);
  ADD ("/gloss/dialogs/close-while-running", test_close_while_running);
  ADD ("/gloss/dialogs/import-xml", test_import_xml);
  ADD ("/gloss/dialogs/import-bad-file", test_import_bad_file);
  ADD ("/gloss/dialogs/import-cancel", test_import_cancel);
  ADD ("/gloss/dialogs/compare-three-analysts", test_compare_three_analysts);
  ADD ("/gloss/dialogs/compare-two-analysts", test_compare_two_analysts);
  ADD ("/gloss/dialogs/compare-disagreements", test_compare_disagreements);
  ADD ("/gloss/dialogs/compare-name-clash", test_compare_name_clash);
  ADD ("/gloss/dialogs/compare-bad-file", test_compare_bad_file);
  ADD ("/gloss/dialogs/compare-replaced", test_compare_replaced);
  ADD ("/gloss/dialogs/screenshots", test_screenshots);
#undef ADD

  status = g_test_run ();
  remove_tree (home);
  return status;
}
