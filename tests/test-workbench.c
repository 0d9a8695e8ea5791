/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>
#include <time.h>

#include "gloss-annotation-list.h"
#include "gloss-codebook-editor.h"
#include "gloss-application.h"
#include "gloss-document-properties.h"
#include "gloss-find-bar.h"
#include "gloss-preferences.h"
#include "gloss-project.h"
#include "gloss-ui-test.h"

/* The workbench widgets, each on its own in a window, on a real project
 * made from the sample interview in a fresh temporary directory, driven
 * through their API, actions and signals; results are checked against
 * the project file. */

static gboolean have_display;

typedef struct
{
  char         *dir;
  char         *path;
  GlossProject *project;
  gint64        document;
  char         *text;
  GtkWindow    *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) documents = NULL;

  if (!have_display)
    return;

  fixture->dir = g_dir_make_tmp ("gloss-workbench-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "Sample.gloss", NULL);
  fixture->project = gloss_project_create_sample (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->project);

  documents = gloss_project_list_documents (fixture->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (documents->len, ==, 1);
  fixture->document = ((GlossDocument *) g_ptr_array_index (documents, 0))->id;
  fixture->text = gloss_project_dup_text (fixture->project, fixture->document, &error);
  g_assert_no_error (error);

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 1000, 700);
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
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (fixture->window);
  g_clear_object (&fixture->project);
  if (fixture->dir != NULL)
    remove_tree (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
  g_free (fixture->text);
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

static void
show (Fixture   *fixture,
      GtkWidget *child)
{
  gtk_window_set_child (fixture->window, child);
  gtk_window_present (fixture->window);
  gloss_test_wait_frames (GTK_WIDGET (fixture->window), 3);
}

static gint64
resolve_code (Fixture    *fixture,
              const char *path)
{
  g_autoptr(GError) error = NULL;
  gint64 id = gloss_project_resolve_code (fixture->project, path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* The ids the list shows, in order, as a hash set. */
static GHashTable *
shown_ids (GlossAnnotationList *list)
{
  GHashTable *ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  guint n = gloss_annotation_list_get_n_shown (list);

  for (guint i = 0; i < n; i++)
    {
      gint64 id = gloss_annotation_list_get_shown (list, i);

      g_assert_cmpint (id, >, 0);
      g_hash_table_add (ids, g_memdup2 (&id, sizeof id));
    }
  g_assert_cmpuint (g_hash_table_size (ids), ==, n);
  return ids;
}

/* Asserts that the list shows exactly @expected (GlossAnnotation). */
static void
assert_shows (GlossAnnotationList *list,
              GPtrArray           *expected)
{
  g_autoptr(GHashTable) ids = shown_ids (list);

  g_assert_cmpuint (g_hash_table_size (ids), ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      GlossAnnotation *annotation = g_ptr_array_index (expected, i);

      g_assert_true (g_hash_table_contains (ids, &annotation->id));
    }
}

static GPtrArray *
list_annotations (Fixture                     *fixture,
                  const GlossAnnotationFilter *filter)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *annotations = gloss_project_list_annotations (fixture->project, filter, &error);

  g_assert_no_error (error);
  g_assert_nonnull (annotations);
  return annotations;
}

/* Annotation list ----------------------------------------------------------- */

static void
test_list_rows_and_filters (Fixture       *fixture,
                            gconstpointer  data)
{
  GlossAnnotationList *list;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
  gint64 russia, central_asia, uzbekistan, stance;
  g_autoptr(GError) error = NULL;
  g_autofree char *folded = NULL;
  guint n_text = 0;

  if (skip_without_display ())
    return;

  list = GLOSS_ANNOTATION_LIST (gloss_annotation_list_new ());
  show (fixture, GTK_WIDGET (list));
  g_assert_cmpuint (gloss_annotation_list_get_n_annotations (list), ==, 0);
  gloss_annotation_list_set_project (list, fixture->project);

  all = list_annotations (fixture, NULL);
  g_assert_cmpuint (all->len, >, 10);
  g_assert_cmpuint (gloss_annotation_list_get_n_annotations (list), ==, all->len);
  g_assert_cmpuint (gloss_annotation_list_get_n_shown (list), ==, all->len);
  /* Unsorted, the rows keep the engine's reading order. */
  for (guint i = 0; i < all->len; i++)
    g_assert_cmpint (gloss_annotation_list_get_shown (list, i), ==,
                     ((GlossAnnotation *) g_ptr_array_index (all, i))->id);
  g_assert_cmpint (gloss_annotation_list_get_shown (list, all->len), ==, 0);

  /* Dimension: not every annotation has a stance. */
  stance = gloss_project_resolve_dimension (fixture->project, "Stance", &error);
  g_assert_no_error (error);
  gloss_annotation_list_set_dimension_filter (list, stance);
  g_assert_cmpint (gloss_annotation_list_get_dimension_filter (list), ==, stance);
  filter.dimension = stance;
  expected = list_annotations (fixture, &filter);
  g_assert_cmpuint (expected->len, >, 0);
  g_assert_cmpuint (expected->len, <, all->len);
  assert_shows (list, expected);
  g_clear_pointer (&expected, g_ptr_array_unref);

  /* A code of another dimension clears the dimension filter. */
  russia = resolve_code (fixture, "Actors/Russia");
  gloss_annotation_list_set_code_filter (list, russia);
  g_assert_cmpint (gloss_annotation_list_get_code_filter (list), ==, russia);
  g_assert_cmpint (gloss_annotation_list_get_dimension_filter (list), ==, 0);
  filter = (GlossAnnotationFilter) GLOSS_ANNOTATION_FILTER_INIT;
  filter.code = russia;
  expected = list_annotations (fixture, &filter);
  g_assert_cmpuint (expected->len, >, 0);
  assert_shows (list, expected);
  g_clear_pointer (&expected, g_ptr_array_unref);

  /* A parent code takes in its sub-codes' annotations. */
  central_asia = resolve_code (fixture, "Actors/Central Asian republics");
  uzbekistan = resolve_code (fixture, "Actors/Central Asian republics/Uzbekistan");
  gloss_annotation_list_set_code_filter (list, central_asia);
  {
    g_autoptr(GPtrArray) parent = NULL;
    g_autoptr(GPtrArray) child = NULL;
    g_autoptr(GHashTable) union_ids = g_hash_table_new (g_int64_hash, g_int64_equal);
    g_autoptr(GHashTable) ids = shown_ids (list);

    filter.code = central_asia;
    parent = list_annotations (fixture, &filter);
    filter.code = uzbekistan;
    child = list_annotations (fixture, &filter);
    g_assert_cmpuint (child->len, >, 0);
    for (guint i = 0; i < parent->len; i++)
      g_hash_table_add (union_ids, &((GlossAnnotation *) g_ptr_array_index (parent, i))->id);
    for (guint i = 0; i < child->len; i++)
      g_hash_table_add (union_ids, &((GlossAnnotation *) g_ptr_array_index (child, i))->id);
    g_assert_cmpuint (g_hash_table_size (ids), ==, g_hash_table_size (union_ids));
  }

  /* A code within the dimension keeps it. */
  gloss_annotation_list_set_dimension_filter (list, stance);
  gloss_annotation_list_set_code_filter (list, resolve_code (fixture, "Stance/cooperative"));
  g_assert_cmpint (gloss_annotation_list_get_dimension_filter (list), ==, stance);
  gloss_annotation_list_set_code_filter (list, 0);
  gloss_annotation_list_set_dimension_filter (list, 0);

  /* A code that does not exist is no filter at all. */
  gloss_annotation_list_set_code_filter (list, 999999);
  g_assert_cmpint (gloss_annotation_list_get_code_filter (list), ==, 0);
  gloss_annotation_list_set_dimension_filter (list, 999999);
  g_assert_cmpint (gloss_annotation_list_get_dimension_filter (list), ==, 0);
  g_assert_cmpuint (gloss_annotation_list_get_n_shown (list), ==, all->len);

  /* Annotator */
  gloss_annotation_list_set_annotator_filter (list, "Example");
  g_assert_cmpstr (gloss_annotation_list_get_annotator_filter (list), ==, "Example");
  g_assert_cmpuint (gloss_annotation_list_get_n_shown (list), ==, all->len);
  gloss_annotation_list_set_annotator_filter (list, "Nobody");
  g_assert_null (gloss_annotation_list_get_annotator_filter (list));

  /* Status: accept one, and the list follows the project's change. */
  gloss_annotation_list_set_status_filter (list, GLOSS_REVIEW_ACCEPTED);
  g_assert_cmpuint (gloss_annotation_list_get_n_shown (list), ==, 0);
  g_assert_true (gloss_project_review_annotation (fixture->project,
                                                  ((GlossAnnotation *) g_ptr_array_index (all, 3))->id,
                                                  GLOSS_REVIEW_ACCEPTED, NULL, "Reviewer", &error));
  g_assert_no_error (error);
  gloss_test_wait_frames (GTK_WIDGET (list), 2);
  g_assert_cmpuint (gloss_annotation_list_get_n_shown (list), ==, 1);
  g_assert_cmpint (gloss_annotation_list_get_shown (list, 0), ==,
                   ((GlossAnnotation *) g_ptr_array_index (all, 3))->id);
  gloss_annotation_list_set_status_filter (list, GLOSS_REVIEW_UNREVIEWED);
  g_assert_cmpuint (gloss_annotation_list_get_n_shown (list), ==, all->len - 1);
  gloss_annotation_list_set_status_filter (list, -1);

  /* Text, against a brute-force count over quotes and notes. */
  folded = g_utf8_casefold ("RUSSIA", -1);
  for (guint i = 0; i < all->len; i++)
    {
      GlossAnnotation *annotation = g_ptr_array_index (all, i);
      g_autofree char *quote = g_utf8_casefold (annotation->quote, -1);
      g_autofree char *note = g_utf8_casefold (annotation->note != NULL ? annotation->note : "", -1);

      if (strstr (quote, folded) != NULL || strstr (note, folded) != NULL)
        n_text++;
    }
  g_assert_cmpuint (n_text, >, 0);
  gloss_annotation_list_set_text_filter (list, "RUSSIA");
  g_assert_cmpuint (gloss_annotation_list_get_n_shown (list), ==, n_text);
  gloss_annotation_list_set_text_filter (list, "no such words anywhere");
  g_assert_cmpuint (gloss_annotation_list_get_n_shown (list), ==, 0);

  gloss_annotation_list_clear_filters (list);
  g_assert_cmpstr (gloss_annotation_list_get_text_filter (list), ==, "");
  g_assert_cmpint (gloss_annotation_list_get_status_filter (list), ==, -1);
  g_assert_cmpuint (gloss_annotation_list_get_n_shown (list), ==, all->len);
}

static void
on_annotation_activated_cb (GlossAnnotationList *list,
                            gint64               annotation,
                            gint64              *activated)
{
  *activated = annotation;
}

static void
test_list_select_activate_sort (Fixture       *fixture,
                                gconstpointer  data)
{
  GlossAnnotationList *list;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GListModel) columns = NULL;
  GtkColumnView *column_view;
  GlossAnnotation *last;
  gint64 activated = 0;
  g_autoptr(GError) error = NULL;
  gint64 added;
  guint n;

  if (skip_without_display ())
    return;

  list = GLOSS_ANNOTATION_LIST (gloss_annotation_list_new ());
  show (fixture, GTK_WIDGET (list));
  gloss_annotation_list_set_project (list, fixture->project);
  all = list_annotations (fixture, NULL);
  last = g_ptr_array_index (all, all->len - 1);

  /* Selecting scrolls the row into view. */
  g_assert_true (gloss_annotation_list_select (list, last->id));
  g_assert_cmpint (gloss_annotation_list_get_selected (list), ==, last->id);
  gloss_test_wait_frames (GTK_WIDGET (list), 3);
  g_assert_false (gloss_annotation_list_select (list, 987654));
  g_assert_cmpint (gloss_annotation_list_get_selected (list), ==, 0);

  /* A row filtered out cannot be selected. */
  gloss_annotation_list_set_text_filter (list, "no such words anywhere");
  g_assert_false (gloss_annotation_list_select (list, last->id));
  gloss_annotation_list_clear_filters (list);

  column_view = GTK_COLUMN_VIEW (gloss_test_find_widget (GTK_WIDGET (list), GTK_TYPE_COLUMN_VIEW));
  g_assert_nonnull (column_view);
  g_signal_connect (list, "annotation-activated", G_CALLBACK (on_annotation_activated_cb), &activated);
  g_signal_emit_by_name (column_view, "activate", 2);
  g_assert_cmpint (activated, ==, ((GlossAnnotation *) g_ptr_array_index (all, 2))->id);

  /* Sorting by quote orders rows by collation; descending reverses it. */
  columns = g_object_ref (gtk_column_view_get_columns (column_view));
  {
    g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);

    gtk_column_view_sort_by_column (column_view, column, GTK_SORT_ASCENDING);
  }
  n = gloss_annotation_list_get_n_shown (list);
  g_assert_cmpuint (n, ==, all->len);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr(GlossAnnotation) a = gloss_project_get_annotation (fixture->project,
                                                                   gloss_annotation_list_get_shown (list, i - 1),
                                                                   &error);
      g_autoptr(GlossAnnotation) b = gloss_project_get_annotation (fixture->project,
                                                                   gloss_annotation_list_get_shown (list, i),
                                                                   &error);

      g_assert_no_error (error);
      g_assert_cmpint (g_utf8_collate (a->quote, b->quote), <=, 0);
    }

  /* Sorted by creation time, descending: a new annotation comes first. */
  {
    g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 5);

    gtk_column_view_sort_by_column (column_view, column, GTK_SORT_DESCENDING);
  }
  added = gloss_project_add_annotation (fixture->project, fixture->document, 10, 20,
                                        (gint64[]) { resolve_code (fixture, "Actors/Russia") }, 1,
                                        NULL, "Tester", &error);
  g_assert_no_error (error);
  gloss_test_wait_frames (GTK_WIDGET (list), 2);
  g_assert_cmpuint (gloss_annotation_list_get_n_annotations (list), ==, all->len + 1);
  g_assert_cmpint (gloss_annotation_list_get_shown (list, 0), ==, added);

  /* The new annotator shows in the filter at once. */
  gloss_annotation_list_set_annotator_filter (list, "Tester");
  g_assert_cmpstr (gloss_annotation_list_get_annotator_filter (list), ==, "Tester");
  g_assert_cmpuint (gloss_annotation_list_get_n_shown (list), ==, 1);

  /* Deleting it removes its row. */
  g_assert_true (gloss_project_delete_annotation (fixture->project, added, &error));
  g_assert_no_error (error);
  gloss_test_wait_frames (GTK_WIDGET (list), 2);
  g_assert_cmpuint (gloss_annotation_list_get_n_annotations (list), ==, all->len);
}

/* Codebook editor ------------------------------------------------------------ */

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static GlossCode *
get_code (Fixture *fixture,
          gint64   id)
{
  g_autoptr(GError) error = NULL;
  GlossCode *code = gloss_project_get_code (fixture->project, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (code);
  return code;
}

/* The index of @code among its siblings, as the engine orders them. */
static int
sibling_index (Fixture *fixture,
               gint64   id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = gloss_project_list_codes (fixture->project, &error);
  g_autoptr(GlossCode) code = get_code (fixture, id);
  int index = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < codes->len; i++)
    {
      GlossCode *other = g_ptr_array_index (codes, i);

      if (other->id == id)
        return index;
      if (other->dimension == code->dimension && other->parent == code->parent)
        index++;
    }
  g_assert_not_reached ();
}

static void
test_codebook_edit (Fixture       *fixture,
                    gconstpointer  data)
{
  GlossCodebookEditor *editor;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(GlossCode) code = NULL;
  GtkWindow *dialog;
  gint64 russia, pakistan;
  GdkRGBA rgba;

  if (skip_without_display ())
    return;

  editor = GLOSS_CODEBOOK_EDITOR (gloss_codebook_editor_new ());
  show (fixture, GTK_WIDGET (editor));
  gloss_codebook_editor_set_project (editor, fixture->project);
  gloss_test_wait_frames (GTK_WIDGET (editor), 2);

  /* Every code shows the engine's count. */
  codes = gloss_project_list_codes (fixture->project, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < codes->len; i++)
    {
      GlossCode *each = g_ptr_array_index (codes, i);

      g_assert_cmpint (gloss_codebook_editor_get_count (editor, each->id), ==, each->n_annotations);
    }
  g_assert_cmpint (gloss_codebook_editor_get_count (editor, 987654), ==, -1);

  russia = resolve_code (fixture, "Actors/Russia");
  pakistan = resolve_code (fixture, "Actors/Pakistan");
  g_assert_false (gloss_codebook_editor_select_code (editor, 987654));
  g_assert_true (gloss_codebook_editor_select_code (editor, russia));
  g_assert_cmpint (gloss_codebook_editor_get_selected_code (editor), ==, russia);
  g_assert_cmpint (gloss_codebook_editor_get_selected_dimension (editor), ==, 0);

  /* Rename */
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.rename", "s", "Russian Federation");
  code = get_code (fixture, russia);
  g_assert_cmpstr (code->name, ==, "Russian Federation");
  g_clear_pointer (&code, gloss_code_free);
  g_assert_cmpint (resolve_code (fixture, "Actors/Russian Federation"), ==, russia);

  /* A name its sibling has is refused, with the engine's message. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.rename", "s", "Pakistan");
  g_assert_nonnull (gloss_codebook_editor_get_message (editor));
  g_assert_nonnull (strstr (gloss_codebook_editor_get_message (editor), "Pakistan"));
  code = get_code (fixture, russia);
  g_assert_cmpstr (code->name, ==, "Russian Federation");
  g_clear_pointer (&code, gloss_code_free);

  /* Recolour through the colour chooser. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.recolor", NULL);
  dialog = find_toplevel (GTK_TYPE_COLOR_CHOOSER_DIALOG);
  g_assert_nonnull (dialog);
  gdk_rgba_parse (&rgba, "#123456");
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (dialog), &rgba);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
  code = get_code (fixture, russia);
  g_assert_cmpstr (code->color, ==, "#123456");
  g_clear_pointer (&code, gloss_code_free);
  g_assert_null (find_toplevel (GTK_TYPE_COLOR_CHOOSER_DIALOG));

  /* Cancelling the chooser changes nothing. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.recolor", NULL);
  dialog = find_toplevel (GTK_TYPE_COLOR_CHOOSER_DIALOG);
  g_assert_nonnull (dialog);
  gdk_rgba_parse (&rgba, "#ff0000");
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (dialog), &rgba);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  code = get_code (fixture, russia);
  g_assert_cmpstr (code->color, ==, "#123456");
  g_clear_pointer (&code, gloss_code_free);

  /* Shortcuts: Pakistan's key is refused with the engine's message. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.set-shortcut", "s", "p");
  g_assert_nonnull (strstr (gloss_codebook_editor_get_message (editor), "already belongs"));
  code = get_code (fixture, russia);
  g_assert_cmpstr (code->shortcut, ==, "r");
  g_clear_pointer (&code, gloss_code_free);
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.set-shortcut", "s", "ab");
  g_assert_nonnull (strstr (gloss_codebook_editor_get_message (editor), "single letter"));
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.set-shortcut", "s", "z");
  code = get_code (fixture, russia);
  g_assert_cmpstr (code->shortcut, ==, "z");
  g_clear_pointer (&code, gloss_code_free);
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.set-shortcut", "s", "");
  code = get_code (fixture, russia);
  g_assert_null (code->shortcut);
  g_clear_pointer (&code, gloss_code_free);

  /* Describe */
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.set-description", "s", "The Russian state.");
  code = get_code (fixture, russia);
  g_assert_cmpstr (code->description, ==, "The Russian state.");
  g_clear_pointer (&code, gloss_code_free);

  /* Reorder: Russia comes second among the actors, then first, then second. */
  g_assert_cmpint (sibling_index (fixture, russia), ==, 1);
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.move-up", NULL);
  g_assert_cmpint (sibling_index (fixture, russia), ==, 0);
  g_assert_cmpint (sibling_index (fixture, pakistan), ==, 1);
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.move-up", NULL) &&
                  sibling_index (fixture, russia) != 0);
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.move-down", NULL);
  g_assert_cmpint (sibling_index (fixture, russia), ==, 1);
  g_assert_cmpint (gloss_codebook_editor_get_selected_code (editor), ==, russia);

  /* Move under another code and back to the top. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.move-to", "x", pakistan);
  code = get_code (fixture, russia);
  g_assert_cmpint (code->parent, ==, pakistan);
  g_clear_pointer (&code, gloss_code_free);
  g_assert_true (gloss_codebook_editor_select_code (editor, pakistan));
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.move-to", "x", russia);
  g_assert_nonnull (strstr (gloss_codebook_editor_get_message (editor), "inside itself"));
  g_assert_true (gloss_codebook_editor_select_code (editor, russia));
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.move-to", "x", (gint64) 0);
  code = get_code (fixture, russia);
  g_assert_cmpint (code->parent, ==, 0);
  g_clear_pointer (&code, gloss_code_free);

  /* Live counts follow annotations made elsewhere. */
  {
    gint64 before = gloss_codebook_editor_get_count (editor, russia);

    gloss_project_add_annotation (fixture->project, fixture->document, 0, 9, &russia, 1, NULL, "Tester", &error);
    g_assert_no_error (error);
    gloss_test_wait_frames (GTK_WIDGET (editor), 2);
    g_assert_cmpint (gloss_codebook_editor_get_count (editor, russia), ==, before + 1);
  }
}

static AdwMessageDialog *
find_message_dialog (void)
{
  return ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
}

/* Answers @dialog as its button would, and closes it. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  g_assert_true (adw_message_dialog_has_response (dialog, response));
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_codebook_merge_delete_add (Fixture       *fixture,
                                gconstpointer  data)
{
  GlossCodebookEditor *editor;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) affected = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) parent_uses = NULL;
  g_autoptr(GPtrArray) child_uses = NULL;
  g_autoptr(GPtrArray) sco_uses = NULL;
  g_autoptr(GPtrArray) unsc_uses = NULL;
  g_autofree char *count = NULL;
  AdwMessageDialog *dialog;
  GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
  gint64 central_asia, uzbekistan, sco, unsc, themes, stance, id;

  if (skip_without_display ())
    return;

  editor = GLOSS_CODEBOOK_EDITOR (gloss_codebook_editor_new ());
  show (fixture, GTK_WIDGET (editor));
  gloss_codebook_editor_set_project (editor, fixture->project);

  /* Merge SCO into the UN Security Council, through the dialog. */
  sco = resolve_code (fixture, "Actors/SCO");
  unsc = resolve_code (fixture, "Actors/UN Security Council");
  filter.code = sco;
  sco_uses = list_annotations (fixture, &filter);
  g_assert_cmpuint (sco_uses->len, >, 0);
  g_assert_true (gloss_codebook_editor_select_code (editor, sco));
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.merge", NULL);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  {
    GtkDropDown *targets = GTK_DROP_DOWN (adw_message_dialog_get_extra_child (dialog));
    GListModel *names = gtk_drop_down_get_model (targets);
    guint position = GTK_INVALID_LIST_POSITION;

    for (guint i = 0; i < g_list_model_get_n_items (names); i++)
      {
        g_autoptr(GtkStringObject) name = g_list_model_get_item (names, i);

        /* Only codes of its own dimension are offered. */
        g_assert_true (g_str_has_prefix (gtk_string_object_get_string (name), "Actors › "));
        if (g_str_equal (gtk_string_object_get_string (name), "Actors › UN Security Council"))
          position = i;
      }
    g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
    gtk_drop_down_set_selected (targets, position);
  }
  respond (dialog, "merge");
  gloss_project_resolve_code (fixture->project, "Actors/SCO", &error);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH);
  g_clear_error (&error);
  filter.code = unsc;
  unsc_uses = list_annotations (fixture, &filter);
  for (guint i = 0; i < sco_uses->len; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < unsc_uses->len; j++)
        found |= ((GlossAnnotation *) g_ptr_array_index (unsc_uses, j))->id ==
                 ((GlossAnnotation *) g_ptr_array_index (sco_uses, i))->id;
      g_assert_true (found);
    }
  g_assert_cmpint (gloss_codebook_editor_get_selected_code (editor), ==, unsc);

  /* Undo from the toast's button brings SCO back. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.undo", NULL);
  g_assert_cmpint (resolve_code (fixture, "Actors/SCO"), ==, sco);

  /* Delete a code with a sub-code: the dialog states how many annotations
   * are affected, counted once even when they carry both. */
  central_asia = resolve_code (fixture, "Actors/Central Asian republics");
  uzbekistan = resolve_code (fixture, "Actors/Central Asian republics/Uzbekistan");
  filter.code = central_asia;
  parent_uses = list_annotations (fixture, &filter);
  filter.code = uzbekistan;
  child_uses = list_annotations (fixture, &filter);
  for (guint i = 0; i < parent_uses->len; i++)
    g_hash_table_add (affected, &((GlossAnnotation *) g_ptr_array_index (parent_uses, i))->id);
  for (guint i = 0; i < child_uses->len; i++)
    g_hash_table_add (affected, &((GlossAnnotation *) g_ptr_array_index (child_uses, i))->id);
  g_assert_cmpuint (g_hash_table_size (affected), >, 0);

  g_assert_true (gloss_codebook_editor_select_code (editor, central_asia));
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.delete", NULL);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  count = g_strdup_printf ("%u annotation", g_hash_table_size (affected));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), count));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "1 sub-code"));
  g_assert_true (adw_message_dialog_has_response (dialog, "confirm"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "confirm"), ==,
                   "_Delete with Its Annotations");

  /* Cancel first: nothing changes. */
  respond (dialog, "cancel");
  g_assert_cmpint (resolve_code (fixture, "Actors/Central Asian republics"), ==, central_asia);

  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.delete", NULL);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  respond (dialog, "confirm");
  gloss_project_get_code (fixture->project, central_asia, &error);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH);
  g_clear_error (&error);
  gloss_project_get_code (fixture->project, uzbekistan, &error);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH);
  g_clear_error (&error);
  for (guint i = 0; i < parent_uses->len; i++)
    {
      GlossAnnotation *use = g_ptr_array_index (parent_uses, i);
      g_autoptr(GlossAnnotation) now = gloss_project_get_annotation (fixture->project, use->id, &error);

      g_assert_no_error (error);
      for (guint j = 0; j < now->codes->len; j++)
        g_assert_cmpint (g_array_index (now->codes, gint64, j), !=, central_asia);
    }
  g_assert_cmpint (gloss_codebook_editor_get_count (editor, central_asia), ==, -1);

  /* A code nobody uses: a plain delete. */
  id = resolve_code (fixture, "Actors/Soviet Union");
  g_assert_true (gloss_codebook_editor_select_code (editor, id));
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.delete", NULL);
  dialog = find_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "No annotation uses it."));
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "confirm"), ==, "_Delete");
  respond (dialog, "confirm");
  gloss_project_get_code (fixture->project, id, &error);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH);
  g_clear_error (&error);

  /* Add a code to a dimension and a sub-code to it. */
  themes = gloss_project_resolve_dimension (fixture->project, "Themes", &error);
  g_assert_no_error (error);
  g_assert_true (gloss_codebook_editor_select_dimension (editor, themes));
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.add-code", NULL);
  id = gloss_codebook_editor_get_selected_code (editor);
  g_assert_cmpint (id, ==, resolve_code (fixture, "Themes/New code"));
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.add-subcode", NULL);
  g_assert_cmpint (gloss_codebook_editor_get_selected_code (editor), ==,
                   resolve_code (fixture, "Themes/New code/New code"));
  g_assert_true (gloss_codebook_editor_select_code (editor, id));
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.add-code", NULL);
  g_assert_cmpint (gloss_codebook_editor_get_selected_code (editor), ==,
                   resolve_code (fixture, "Themes/New code 2"));

  /* A dimension whose codes are in use cannot be deleted. */
  stance = gloss_project_resolve_dimension (fixture->project, "Stance", &error);
  g_assert_no_error (error);
  g_assert_true (gloss_codebook_editor_select_dimension (editor, stance));
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.rename", "s", "Attitude");
  g_assert_cmpint (gloss_project_resolve_dimension (fixture->project, "Attitude", &error), ==, stance);
  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.delete", NULL);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  respond (dialog, "confirm");
  g_assert_nonnull (strstr (gloss_codebook_editor_get_message (editor), "Nothing was changed"));
  g_assert_cmpint (gloss_project_resolve_dimension (fixture->project, "Attitude", &error), ==, stance);
  g_assert_no_error (error);

  /* A new dimension, unused, can. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.add-dimension", NULL);
  id = gloss_codebook_editor_get_selected_dimension (editor);
  g_assert_cmpint (id, ==, gloss_project_resolve_dimension (fixture->project, "New dimension", &error));
  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (editor), "codebook.delete", NULL);
  dialog = find_message_dialog ();
  respond (dialog, "confirm");
  gloss_project_get_dimension (fixture->project, id, &error);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH);
}

/* Document properties ------------------------------------------------------------ */

static void
collect_entry_rows (GtkWidget  *widget,
                    GHashTable *rows)
{
  if (ADW_IS_ENTRY_ROW (widget))
    g_hash_table_insert (rows, g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget))),
                         widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_entry_rows (child, rows);
}

/* The page's entry rows by title. */
static GHashTable *
entry_rows (GlossDocumentProperties *page)
{
  GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  collect_entry_rows (GTK_WIDGET (page), rows);
  return rows;
}

static const char *
row_text (GHashTable *rows,
          const char *title)
{
  GtkEditable *row = g_hash_table_lookup (rows, title);

  return row != NULL ? gtk_editable_get_text (row) : NULL;
}

static char *
dup_attribute (Fixture    *fixture,
               const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) attributes = gloss_project_list_attributes (fixture->project, fixture->document, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < attributes->len; i++)
    {
      GlossAttribute *attribute = g_ptr_array_index (attributes, i);

      if (g_str_equal (attribute->key, key))
        return g_strdup (attribute->value);
    }
  return NULL;
}

static void
test_document_properties (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) rows = NULL;
  g_autoptr(GlossDocument) document = NULL;
  g_autofree char *value = NULL;
  GlossDocumentProperties *page;
  GtkWindow *window;

  if (skip_without_display ())
    return;

  gtk_window_present (fixture->window);
  window = gloss_document_properties_present (fixture->window, fixture->project, fixture->document);
  gloss_test_wait_frames (GTK_WIDGET (window), 3);
  page = GLOSS_DOCUMENT_PROPERTIES (gloss_test_find_widget (GTK_WIDGET (window), GLOSS_TYPE_DOCUMENT_PROPERTIES));
  g_assert_nonnull (page);
  g_assert_cmpint (gloss_document_properties_get_document (page), ==, fixture->document);

  /* What the sample has: the interviewee in its own row, the
   * interviewer and the source as keys of their own. */
  rows = entry_rows (page);
  g_assert_cmpstr (row_text (rows, "Title"), ==, "Sample interview");
  g_assert_cmpstr (row_text (rows, "Interviewee"), ==, "Andrew Korybko");
  g_assert_cmpstr (row_text (rows, "Date"), ==, "2023-11-26");
  g_assert_cmpstr (row_text (rows, "Place"), ==, "");
  g_assert_cmpstr (row_text (rows, "Interviewer"), ==, "Aman Ullah");
  g_assert_cmpstr (row_text (rows, "Source"), ==, "Global Village Space");
  g_clear_pointer (&rows, g_hash_table_unref);

  /* Title */
  gtk_widget_activate_action (GTK_WIDGET (page), "properties.set-title", "s", "Korybko interview");
  document = gloss_project_get_document (fixture->project, fixture->document, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (document->title, ==, "Korybko interview");
  g_clear_pointer (&document, gloss_document_free);
  gtk_widget_activate_action (GTK_WIDGET (page), "properties.set-title", "s", "   ");
  g_assert_nonnull (gloss_document_properties_get_message (page));
  document = gloss_project_get_document (fixture->project, fixture->document, &error);
  g_assert_cmpstr (document->title, ==, "Korybko interview");
  g_clear_pointer (&document, gloss_document_free);

  /* Attributes: change, add, add a key of one's own, remove one. */
  gtk_widget_activate_action (GTK_WIDGET (page), "properties.set-attribute", "(ss)", "interviewee", "A. Korybko");
  value = dup_attribute (fixture, "interviewee");
  g_assert_cmpstr (value, ==, "A. Korybko");
  g_clear_pointer (&value, g_free);
  gtk_widget_activate_action (GTK_WIDGET (page), "properties.set-attribute", "(ss)", "place", "Islamabad");
  value = dup_attribute (fixture, "place");
  g_assert_cmpstr (value, ==, "Islamabad");
  g_clear_pointer (&value, g_free);
  gtk_widget_activate_action (GTK_WIDGET (page), "properties.set-attribute", "(ss)", "language", "English");
  value = dup_attribute (fixture, "language");
  g_assert_cmpstr (value, ==, "English");
  g_clear_pointer (&value, g_free);
  gtk_widget_activate_action (GTK_WIDGET (page), "properties.set-attribute", "(ss)", "interviewer", "");
  value = dup_attribute (fixture, "interviewer");
  g_assert_null (value);
  rows = entry_rows (page);
  g_assert_cmpstr (row_text (rows, "Language"), ==, "English");
  g_assert_null (row_text (rows, "Interviewer"));

  /* A key typed into the adding row waits for its value. */
  gtk_editable_set_text (GTK_EDITABLE (g_hash_table_lookup (rows, "Add an Attribute: Type Its Name")), "recorder");
  g_signal_emit_by_name (g_hash_table_lookup (rows, "Add an Attribute: Type Its Name"), "apply");
  g_clear_pointer (&rows, g_hash_table_unref);
  rows = entry_rows (page);
  g_assert_cmpstr (row_text (rows, "Recorder"), ==, "");
  value = dup_attribute (fixture, "recorder");
  g_assert_null (value);
  gtk_editable_set_text (GTK_EDITABLE (g_hash_table_lookup (rows, "Recorder")), "Zoom H5");
  g_signal_emit_by_name (g_hash_table_lookup (rows, "Recorder"), "apply");
  value = dup_attribute (fixture, "recorder");
  g_assert_cmpstr (value, ==, "Zoom H5");
  g_clear_pointer (&value, g_free);
  g_clear_pointer (&rows, g_hash_table_unref);

  /* Memo */
  gtk_widget_activate_action (GTK_WIDGET (page), "properties.set-memo", "s", "Checked against the audio.");
  document = gloss_project_get_document (fixture->project, fixture->document, &error);
  g_assert_cmpstr (document->memo, ==, "Checked against the audio.");
  g_clear_pointer (&document, gloss_document_free);
  gtk_widget_activate_action (GTK_WIDGET (page), "properties.set-memo", "s", "");
  document = gloss_project_get_document (fixture->project, fixture->document, &error);
  g_assert_null (document->memo);
  g_clear_pointer (&document, gloss_document_free);

  /* A change made elsewhere shows. */
  g_assert_true (gloss_project_set_attribute (fixture->project, fixture->document, "date", "2023-11-27", &error));
  g_assert_no_error (error);
  gloss_test_wait_frames (GTK_WIDGET (window), 2);
  rows = entry_rows (page);
  g_assert_cmpstr (row_text (rows, "Date"), ==, "2023-11-27");

  gtk_window_destroy (window);
}

/* Preferences, about, shortcuts ---------------------------------------------------- */

static void
collect_rows (GtkWidget  *widget,
              GType       type,
              GHashTable *rows)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_hash_table_insert (rows, g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget))), widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, type, rows);
}

static void
test_preferences (void)
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GHashTable) combos = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *annotator = NULL;
  g_autofree char *nick = NULL;
  GlossPreferences *preferences;
  AdwComboRow *highlight, *style;
  GtkSpinButton *zoom;
  GtkSwitch *snap;
  GtkEditable *name;

  if (skip_without_display ())
    return;

  settings = g_settings_new (APPLICATION_ID);
  g_settings_set_string (settings, "annotator", "Tester");
  g_settings_set_double (settings, "zoom", 1.5);
  g_settings_set_boolean (settings, "snap-to-words", TRUE);
  g_settings_set_string (settings, "highlight-style", "bands");
  g_settings_set_string (settings, "color-scheme", "default");

  preferences = gloss_preferences_new (settings);
  g_assert_true (gloss_preferences_get_settings (preferences) == settings);
  gtk_window_present (GTK_WINDOW (preferences));
  gloss_test_wait_frames (GTK_WIDGET (preferences), 2);

  collect_rows (GTK_WIDGET (preferences), ADW_TYPE_COMBO_ROW, combos);
  collect_rows (GTK_WIDGET (preferences), ADW_TYPE_ENTRY_ROW, entries);
  highlight = g_hash_table_lookup (combos, "Highlights");
  style = g_hash_table_lookup (combos, "Style");
  name = g_hash_table_lookup (entries, "Your Name");
  zoom = GTK_SPIN_BUTTON (gloss_test_find_widget (GTK_WIDGET (preferences), GTK_TYPE_SPIN_BUTTON));
  snap = GTK_SWITCH (gloss_test_find_widget (GTK_WIDGET (preferences), GTK_TYPE_SWITCH));
  g_assert_nonnull (highlight);
  g_assert_nonnull (style);
  g_assert_nonnull (name);
  g_assert_nonnull (zoom);
  g_assert_nonnull (snap);

  /* The settings show... */
  g_assert_cmpstr (gtk_editable_get_text (name), ==, "Tester");
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (zoom), 150.0, 0.001);
  g_assert_true (gtk_switch_get_active (snap));
  g_assert_cmpuint (adw_combo_row_get_selected (highlight), ==, 0);
  g_assert_cmpuint (adw_combo_row_get_selected (style), ==, 0);

  /* ...and follow changes made elsewhere. */
  g_settings_set_string (settings, "highlight-style", "underline");
  g_assert_cmpuint (adw_combo_row_get_selected (highlight), ==, 1);
  g_settings_set_string (settings, "color-scheme", "light");
  g_assert_cmpuint (adw_combo_row_get_selected (style), ==, 1);
  g_settings_set_double (settings, "zoom", 0.5);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (zoom), 50.0, 0.001);
  g_settings_set_string (settings, "annotator", "Someone else");
  g_assert_cmpstr (gtk_editable_get_text (name), ==, "Someone else");

  /* Changes in the window reach the settings. */
  adw_combo_row_set_selected (highlight, 2);
  nick = g_settings_get_string (settings, "highlight-style");
  g_assert_cmpstr (nick, ==, "background");
  g_clear_pointer (&nick, g_free);
  adw_combo_row_set_selected (style, 2);
  nick = g_settings_get_string (settings, "color-scheme");
  g_assert_cmpstr (nick, ==, "dark");
  g_clear_pointer (&nick, g_free);
  gtk_spin_button_set_value (zoom, 200);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "zoom"), 2.0, 0.001);
  gtk_switch_set_active (snap, FALSE);
  g_assert_false (g_settings_get_boolean (settings, "snap-to-words"));

  /* The annotator's name is written when applied, trimmed; an empty one is refused. */
  gtk_editable_set_text (name, "  Maria  ");
  annotator = g_settings_get_string (settings, "annotator");
  g_assert_cmpstr (annotator, ==, "Someone else");
  g_clear_pointer (&annotator, g_free);
  g_signal_emit_by_name (name, "apply");
  annotator = g_settings_get_string (settings, "annotator");
  g_assert_cmpstr (annotator, ==, "Maria");
  g_clear_pointer (&annotator, g_free);
  g_assert_cmpstr (gtk_editable_get_text (name), ==, "Maria");
  gtk_editable_set_text (name, "   ");
  g_signal_emit_by_name (name, "apply");
  annotator = g_settings_get_string (settings, "annotator");
  g_assert_cmpstr (annotator, ==, "Maria");
  g_assert_cmpstr (gtk_editable_get_text (name), ==, "Maria");

  gtk_window_destroy (GTK_WINDOW (preferences));
  g_settings_set_string (settings, "color-scheme", "default");
}

static void
test_about (void)
{
  GtkWindow *parent;
  AdwAboutWindow *about;

  if (skip_without_display ())
    return;

  parent = GTK_WINDOW (gtk_window_new ());
  gtk_window_present (parent);
  gloss_show_about (parent);
  about = ADW_ABOUT_WINDOW (find_toplevel (ADW_TYPE_ABOUT_WINDOW));
  g_assert_nonnull (about);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (about)) == parent);
  g_assert_cmpstr (adw_about_window_get_application_name (about), ==, "Gloss");
  g_assert_cmpstr (adw_about_window_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_application_icon (about), ==, APPLICATION_ID);
  g_assert_cmpint (adw_about_window_get_license_type (about), ==, GTK_LICENSE_GPL_3_0);
  gtk_window_destroy (GTK_WINDOW (about));
  gtk_window_destroy (parent);
}

static void
collect_accelerators (GtkWidget *widget,
                      GPtrArray *found)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *accelerator = NULL;
      g_auto(GStrv) keys = NULL;

      g_object_get (widget, "accelerator", &accelerator, NULL);
      keys = g_strsplit (accelerator != NULL ? accelerator : "", " ", -1);
      for (guint i = 0; keys[i] != NULL; i++)
        {
          guint key = 0;
          GdkModifierType mods = 0;

          if (keys[i][0] == '\0')
            continue;
          g_assert_true (gtk_accelerator_parse (keys[i], &key, &mods));
          g_ptr_array_add (found, gtk_accelerator_name (key, mods));
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_accelerators (child, found);
}

static gboolean
lists_accelerator (GPtrArray  *found,
                   const char *accelerator)
{
  guint key = 0;
  GdkModifierType mods = 0;
  g_autofree char *name = NULL;

  g_assert_true (gtk_accelerator_parse (accelerator, &key, &mods));
  name = gtk_accelerator_name (key, mods);
  for (guint i = 0; i < found->len; i++)
    if (g_str_equal (g_ptr_array_index (found, i), name))
      return TRUE;
  return FALSE;
}

/* Every accelerator the application sets, and the find bar's and the
 * codebook editor's, appear in the shortcuts window. */
static void
test_shortcuts_window (void)
{
  static const char *widget_accels[] = {
    "<Control>f", "<Control>g", "<Shift><Control>g", "<Alt>Up", "<Alt>Down", "Insert", "Delete", "Escape",
  };
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GlossApplication) application = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) actions = NULL;
  GtkWindow *window;

  if (skip_without_display ())
    return;

  builder = gtk_builder_new_from_resource ("/org/glossapp/Gloss/gloss-shortcuts.ui");
  window = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (window));
  collect_accelerators (GTK_WIDGET (window), found);
  g_assert_cmpuint (found->len, >, 20);

  for (guint i = 0; i < G_N_ELEMENTS (widget_accels); i++)
    g_assert_true (lists_accelerator (found, widget_accels[i]));

  /* The application's own, as it sets them at start-up. */
  application = gloss_application_new ();
  g_application_set_flags (G_APPLICATION (application),
                           g_application_get_flags (G_APPLICATION (application)) | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (application), NULL, &error));
  g_assert_no_error (error);
  actions = gtk_application_list_action_descriptions (GTK_APPLICATION (application));
  g_assert_nonnull (actions[0]);
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (application), actions[i]);
      gboolean listed = FALSE;

      /* One of an action's accelerators is enough: the others are variants
       * (keypad keys, Ctrl+= for Ctrl++). */
      for (guint j = 0; accels[j] != NULL && !listed; j++)
        listed = lists_accelerator (found, accels[j]);
      if (!listed)
        g_test_message ("%s (%s) is not in the shortcuts window", actions[i], accels[0]);
      g_assert_true (listed);
    }

  gtk_window_destroy (window);
}

/* Find bar ------------------------------------------------------------------ */

typedef struct
{
  GlossFindBar  *bar;
  GlossTextView *view;
} FindSetup;

static FindSetup
make_find_bar (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) segments = gloss_project_list_segments (fixture->project, fixture->document, &error);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  FindSetup setup;

  g_assert_no_error (error);
  setup.bar = GLOSS_FIND_BAR (gloss_find_bar_new ());
  setup.view = GLOSS_TEXT_VIEW (gloss_text_view_new ());
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (setup.view));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (setup.bar));
  gtk_box_append (GTK_BOX (box), scroller);
  gloss_text_view_set_document (setup.view, fixture->text, segments);
  show (fixture, box);

  gloss_find_bar_set_project (setup.bar, fixture->project);
  gloss_find_bar_set_text_view (setup.bar, setup.view);
  gloss_find_bar_set_document (setup.bar, fixture->document);
  return setup;
}

/* Every occurrence of @needle in @text, in code points, compared one code
 * point at a time: the reference the bar's GRegex search is checked on. */
static GArray *
brute_force_find (const char *text,
                  const char *needle,
                  gboolean    case_sensitive,
                  gboolean    whole_word)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (GlossTextRange));
  glong n_text = 0;
  glong n_needle = 0;
  g_autofree gunichar *haystack = g_utf8_to_ucs4_fast (text, -1, &n_text);
  g_autofree gunichar *pattern = g_utf8_to_ucs4_fast (needle, -1, &n_needle);

  for (glong i = 0; i + n_needle <= n_text; i++)
    {
      gboolean same = TRUE;

      for (glong j = 0; j < n_needle && same; j++)
        same = case_sensitive ? haystack[i + j] == pattern[j]
                              : g_unichar_tolower (haystack[i + j]) == g_unichar_tolower (pattern[j]);
      if (same && whole_word)
        same = (i == 0 || !(g_unichar_isalnum (haystack[i - 1]) || haystack[i - 1] == '_')) &&
               (i + n_needle == n_text ||
                !(g_unichar_isalnum (haystack[i + n_needle]) || haystack[i + n_needle] == '_'));
      if (same)
        {
          GlossTextRange range = { i, i + n_needle };

          g_array_append_val (found, range);
          i += n_needle - 1;
        }
    }
  return found;
}

static void
assert_same_ranges (GArray *actual,
                    GArray *expected)
{
  g_assert_cmpuint (actual->len, ==, expected->len);
  for (guint i = 0; i < actual->len; i++)
    {
      g_assert_cmpint (g_array_index (actual, GlossTextRange, i).start, ==,
                       g_array_index (expected, GlossTextRange, i).start);
      g_assert_cmpint (g_array_index (actual, GlossTextRange, i).end, ==,
                       g_array_index (expected, GlossTextRange, i).end);
    }
}

static gboolean
has_tag_at (GlossTextView *view,
            const char    *tag_name,
            gint64         offset)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), tag_name);
  GtkTextIter iter;

  if (tag == NULL)
    return FALSE;
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, (int) offset);
  return gtk_text_iter_has_tag (&iter, tag);
}

static void
test_find_in_document (Fixture       *fixture,
                       gconstpointer  data)
{
  FindSetup setup;
  g_autoptr(GArray) expected = NULL;
  GArray *matches;
  gint64 start, end;
  gboolean shifted = FALSE;

  if (skip_without_display ())
    return;

  setup = make_find_bar (fixture);
  gloss_find_bar_set_search_mode (setup.bar, TRUE);
  g_assert_true (gloss_find_bar_get_search_mode (setup.bar));

  /* Case-sensitive "Russia": every match where brute force finds it. */
  gloss_find_bar_set_case_sensitive (setup.bar, TRUE);
  gloss_find_bar_set_query (setup.bar, "Russia");
  g_assert_cmpstr (gloss_find_bar_get_query (setup.bar), ==, "Russia");
  g_assert_null (gloss_find_bar_get_error (setup.bar));
  matches = gloss_find_bar_get_matches (setup.bar);
  expected = brute_force_find (fixture->text, "Russia", TRUE, FALSE);
  g_assert_cmpuint (expected->len, >, 10);
  assert_same_ranges (matches, expected);
  for (guint i = 0; i < matches->len; i++)
    {
      const GlossTextRange *range = &g_array_index (matches, GlossTextRange, i);
      const char *at = g_utf8_offset_to_pointer (fixture->text, range->start);

      g_assert_cmpint (range->end - range->start, ==, 6);
      g_assert_true (strncmp (at, "Russia", 6) == 0);
      /* Past the first non-ASCII character, bytes and code points differ. */
      if (at - fixture->text != range->start)
        shifted = TRUE;
    }
  g_assert_true (shifted);
  g_clear_pointer (&expected, g_array_unref);

  /* The first match is selected in the text and painted as current. */
  g_assert_cmpint (gloss_find_bar_get_current (setup.bar), ==, 0);
  g_assert_true (gloss_text_view_get_selection_range (setup.view, &start, &end));
  g_assert_cmpint (start, ==, g_array_index (matches, GlossTextRange, 0).start);
  g_assert_cmpint (end, ==, g_array_index (matches, GlossTextRange, 0).end);
  g_assert_true (has_tag_at (setup.view, "gloss-find-current", start));
  g_assert_true (has_tag_at (setup.view, "gloss-find-match", g_array_index (matches, GlossTextRange, 1).start));

  /* Next, previous, and round the ends. */
  g_assert_true (gloss_find_bar_next (setup.bar));
  g_assert_cmpint (gloss_find_bar_get_current (setup.bar), ==, 1);
  g_assert_true (gloss_text_view_get_selection_range (setup.view, &start, &end));
  g_assert_cmpint (start, ==, g_array_index (matches, GlossTextRange, 1).start);
  g_assert_true (has_tag_at (setup.view, "gloss-find-current", start));
  g_assert_false (has_tag_at (setup.view, "gloss-find-current", g_array_index (matches, GlossTextRange, 0).start));
  gtk_widget_activate_action (GTK_WIDGET (setup.bar), "find.previous", NULL);
  g_assert_cmpint (gloss_find_bar_get_current (setup.bar), ==, 0);
  g_assert_true (gloss_find_bar_previous (setup.bar));
  g_assert_cmpint (gloss_find_bar_get_current (setup.bar), ==, (int) matches->len - 1);
  gtk_widget_activate_action (GTK_WIDGET (setup.bar), "find.next", NULL);
  g_assert_cmpint (gloss_find_bar_get_current (setup.bar), ==, 0);
  gloss_test_wait_frames (GTK_WIDGET (setup.bar), 2);

  /* Case-insensitive finds "russia" in "Russian" too, as brute force does. */
  gloss_find_bar_set_case_sensitive (setup.bar, FALSE);
  expected = brute_force_find (fixture->text, "rUSSIA", FALSE, FALSE);
  gloss_find_bar_set_query (setup.bar, "rUSSIA");
  assert_same_ranges (gloss_find_bar_get_matches (setup.bar), expected);
  g_clear_pointer (&expected, g_array_unref);

  /* A regular expression: whole words only. */
  gloss_find_bar_set_regex (setup.bar, TRUE);
  gloss_find_bar_set_case_sensitive (setup.bar, TRUE);
  gloss_find_bar_set_query (setup.bar, "\\bRussia\\b");
  expected = brute_force_find (fixture->text, "Russia", TRUE, TRUE);
  g_assert_cmpuint (expected->len, >, 0);
  assert_same_ranges (gloss_find_bar_get_matches (setup.bar), expected);
  g_clear_pointer (&expected, g_array_unref);

  /* Punctuation is literal when the query is not a regular expression. */
  gloss_find_bar_set_regex (setup.bar, FALSE);
  gloss_find_bar_set_query (setup.bar, "Ph.D.");
  expected = brute_force_find (fixture->text, "Ph.D.", TRUE, FALSE);
  g_assert_cmpuint (expected->len, ==, 1);
  assert_same_ranges (gloss_find_bar_get_matches (setup.bar), expected);
  g_clear_pointer (&expected, g_array_unref);

  /* An invalid expression is reported, and finds nothing. */
  gloss_find_bar_set_regex (setup.bar, TRUE);
  gloss_find_bar_set_query (setup.bar, "Russia(");
  g_assert_nonnull (gloss_find_bar_get_error (setup.bar));
  g_assert_cmpuint (gloss_find_bar_get_matches (setup.bar)->len, ==, 0);
  g_assert_false (gloss_find_bar_next (setup.bar));
  g_assert_cmpint (gloss_find_bar_get_current (setup.bar), ==, -1);

  /* An expression that matches only empty strings finds nothing. */
  gloss_find_bar_set_query (setup.bar, "x*");
  g_assert_null (gloss_find_bar_get_error (setup.bar));
  expected = brute_force_find (fixture->text, "x", TRUE, FALSE);
  g_assert_cmpuint (gloss_find_bar_get_matches (setup.bar)->len, <=, expected->len);
  g_clear_pointer (&expected, g_array_unref);

  /* Closing the bar removes the paint. */
  gloss_find_bar_set_regex (setup.bar, FALSE);
  gloss_find_bar_set_query (setup.bar, "Russia");
  start = g_array_index (gloss_find_bar_get_matches (setup.bar), GlossTextRange, 0).start;
  g_assert_true (has_tag_at (setup.view, "gloss-find-current", start));
  gloss_find_bar_set_search_mode (setup.bar, FALSE);
  g_assert_false (has_tag_at (setup.view, "gloss-find-current", start));
  g_assert_false (has_tag_at (setup.view, "gloss-find-match", g_array_index (gloss_find_bar_get_matches (setup.bar),
                                                                            GlossTextRange, 1).start));
}

static void
on_match_activated_cb (GlossFindBar *bar,
                       gint64        document,
                       gint64        start,
                       gint64        end,
                       gint64       *out)
{
  out[0] = document;
  out[1] = start;
  out[2] = end;
}

static void
test_find_in_all_documents (Fixture       *fixture,
                            gconstpointer  data)
{
  static const char second_text[] = "Über Moskau: “Russia” — and again, Russia.\nNothing here.\n";
  FindSetup setup;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) in_first = NULL;
  g_autoptr(GArray) in_second = NULL;
  GtkListView *results_view;
  gint64 second, document, start, end;
  gint64 activated[3] = { 0, 0, 0 };
  guint n;

  if (skip_without_display ())
    return;

  second = gloss_project_add_document (fixture->project, "Second interview", second_text, NULL, NULL, &error);
  g_assert_no_error (error);
  setup = make_find_bar (fixture);
  gloss_find_bar_set_search_mode (setup.bar, TRUE);
  gloss_find_bar_set_case_sensitive (setup.bar, TRUE);
  gloss_find_bar_set_query (setup.bar, "Russia");
  g_assert_cmpuint (gloss_find_bar_get_n_results (setup.bar), ==, 0);

  gtk_widget_activate_action (GTK_WIDGET (setup.bar), "find.all-documents", NULL);
  g_assert_true (gloss_find_bar_get_all_documents (setup.bar));
  in_first = brute_force_find (fixture->text, "Russia", TRUE, FALSE);
  in_second = brute_force_find (second_text, "Russia", TRUE, FALSE);
  g_assert_cmpuint (in_second->len, ==, 2);
  n = gloss_find_bar_get_n_results (setup.bar);
  g_assert_cmpuint (n, ==, in_first->len + in_second->len);

  /* The second document's matches, in code points past “ and Ü. */
  for (guint i = 0, k = 0; i < n; i++)
    {
      g_assert_true (gloss_find_bar_get_result (setup.bar, i, &document, &start, &end));
      if (document != second)
        continue;
      g_assert_cmpint (start, ==, g_array_index (in_second, GlossTextRange, k).start);
      g_assert_cmpint (end, ==, g_array_index (in_second, GlossTextRange, k).end);
      k++;
    }
  g_assert_cmpint (g_array_index (in_second, GlossTextRange, 0).start, ==, 14);
  g_assert_false (gloss_find_bar_get_result (setup.bar, n, NULL, NULL, NULL));

  /* Activating a row names the document and range. */
  gloss_test_wait_frames (GTK_WIDGET (setup.bar), 2);
  results_view = GTK_LIST_VIEW (gloss_test_find_widget (GTK_WIDGET (setup.bar), GTK_TYPE_LIST_VIEW));
  g_assert_nonnull (results_view);
  g_signal_connect (setup.bar, "match-activated", G_CALLBACK (on_match_activated_cb), activated);
  g_signal_emit_by_name (results_view, "activate", n - 1);
  g_assert_true (gloss_find_bar_get_result (setup.bar, n - 1, &document, &start, &end));
  g_assert_cmpint (activated[0], ==, second);
  g_assert_cmpint (activated[1], ==, start);
  g_assert_cmpint (activated[2], ==, end);

  /* Shown in the text view, that document is searched from the match on. */
  gloss_text_view_set_document (setup.view, second_text, NULL);
  gloss_text_view_select_range (setup.view, start, end);
  gloss_find_bar_set_document (setup.bar, second);
  g_assert_cmpuint (gloss_find_bar_get_matches (setup.bar)->len, ==, 2);
  g_assert_cmpint (gloss_find_bar_get_current (setup.bar), ==, 1);

  /* Nothing found anywhere. */
  gloss_find_bar_set_query (setup.bar, "Atlantis");
  g_assert_cmpuint (gloss_find_bar_get_n_results (setup.bar), ==, 0);
  gloss_find_bar_set_all_documents (setup.bar, FALSE);
}

/* Screenshots ----------------------------------------------------------------- */

/* Renders @widget's window as it is now to GLOSS_SCREENSHOT_DIR/@name.png. */
static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  GtkWidget *content = gtk_window_get_child (GTK_WINDOW (gtk_widget_get_root (widget)));
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (content);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (content));
  int width = gtk_widget_get_width (content);
  int height = gtk_widget_get_height (content);
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("GLOSS_SCREENSHOT_DIR"), file, NULL);
  GdkRGBA background;

  /* The window paints the background under its child. */
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (content), "window_bg_color", &background))
    gdk_rgba_parse (&background, "white");
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
}

/* Puts @child under a header bar titled @title in the fixture's window. */
static void
show_framed (Fixture    *fixture,
             GtkWidget  *child,
             const char *title,
             int         width,
             int         height)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();

  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new (title, NULL));
  gtk_widget_set_vexpand (child, TRUE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), child);
  gtk_window_set_titlebar (fixture->window, gtk_label_new (NULL));
  gtk_window_set_default_size (fixture->window, width, height);
  show (fixture, box);
}

static void
take_screenshots (Fixture    *fixture,
                  const char *style)
{
  if (g_str_equal (style, "dark"))
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  else
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);

  /* Annotation list */
  {
    GlossAnnotationList *list = GLOSS_ANNOTATION_LIST (gloss_annotation_list_new ());
    g_autofree char *name = g_strconcat ("workbench-annotations-", style, NULL);

    show_framed (fixture, GTK_WIDGET (list), "Annotations", 1100, 560);
    gloss_annotation_list_set_project (list, fixture->project);
    gloss_annotation_list_set_code_filter (list, resolve_code (fixture, "Actors/Russia"));
    gloss_annotation_list_select (list, gloss_annotation_list_get_shown (list, 1));
    gloss_test_wait_frames (GTK_WIDGET (list), 4);
    save_screenshot (GTK_WIDGET (list), name);
  }

  /* Codebook editor */
  {
    GlossCodebookEditor *editor = GLOSS_CODEBOOK_EDITOR (gloss_codebook_editor_new ());
    g_autofree char *name = g_strconcat ("workbench-codebook-", style, NULL);

    show_framed (fixture, GTK_WIDGET (editor), "Codebook", 960, 640);
    gloss_codebook_editor_set_project (editor, fixture->project);
    gloss_codebook_editor_select_code (editor, resolve_code (fixture, "Actors/Russia"));
    gloss_test_wait_frames (GTK_WIDGET (editor), 4);
    save_screenshot (GTK_WIDGET (editor), name);
  }

  /* Document properties, in their own window */
  {
    GtkWindow *window = gloss_document_properties_present (fixture->window, fixture->project,
                                                           fixture->document);
    g_autofree char *name = g_strconcat ("workbench-document-", style, NULL);

    gtk_window_set_default_size (window, 600, 760);
    gloss_test_wait_frames (GTK_WIDGET (window), 4);
    save_screenshot (GTK_WIDGET (window), name);
    gtk_window_destroy (window);
  }

  /* Preferences, the shortcuts window and the about window */
  {
    g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
    GlossPreferences *preferences;
    g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/org/glossapp/Gloss/gloss-shortcuts.ui");
    GtkWindow *shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
    GtkWindow *about;
    g_autofree char *name = g_strconcat ("workbench-preferences-", style, NULL);
    g_autofree char *shortcuts_name = g_strconcat ("workbench-shortcuts-", style, NULL);
    g_autofree char *about_name = g_strconcat ("workbench-about-", style, NULL);

    g_settings_set_string (settings, "annotator", "Aman Ullah");
    preferences = gloss_preferences_new (settings);
    gtk_window_present (GTK_WINDOW (preferences));
    gloss_test_wait_frames (GTK_WIDGET (preferences), 4);
    save_screenshot (GTK_WIDGET (preferences), name);
    gtk_window_destroy (GTK_WINDOW (preferences));

    {
      /* GTK 4.8's shortcut labels warn that the "+" between keys has a
       * negative width under Adwaita; harmless, but fatal in tests. */
      GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

      gtk_window_set_default_size (shortcuts, 1200, 800);
      gtk_window_present (shortcuts);
      gloss_test_wait_frames (GTK_WIDGET (shortcuts), 4);
      save_screenshot (GTK_WIDGET (shortcuts), shortcuts_name);
      gtk_window_destroy (shortcuts);
      g_log_set_always_fatal (fatal);
    }

    gloss_show_about (fixture->window);
    about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
    gloss_test_wait_frames (GTK_WIDGET (about), 4);
    save_screenshot (GTK_WIDGET (about), about_name);
    gtk_window_destroy (about);
  }

  /* Find bar over the text, with the all-documents list */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) segments = gloss_project_list_segments (fixture->project, fixture->document, &error);
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
    GtkWidget *scroller = gtk_scrolled_window_new ();
    GlossFindBar *bar = GLOSS_FIND_BAR (gloss_find_bar_new ());
    GtkWidget *view = gloss_text_view_new ();
    g_autofree char *name = g_strconcat ("workbench-find-", style, NULL);

    gtk_widget_set_vexpand (scroller, TRUE);
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
    gtk_box_append (GTK_BOX (box), GTK_WIDGET (bar));
    gtk_box_append (GTK_BOX (box), scroller);
    gloss_text_view_set_document (GLOSS_TEXT_VIEW (view), fixture->text, segments);
    show_framed (fixture, box, "Sample interview", 1000, 700);
    gloss_find_bar_set_project (bar, fixture->project);
    gloss_find_bar_set_text_view (bar, GLOSS_TEXT_VIEW (view));
    gloss_find_bar_set_document (bar, fixture->document);
    gtk_widget_activate_action (GTK_WIDGET (bar), "find.show", NULL);
    gloss_find_bar_set_query (bar, "Russia");
    gloss_find_bar_set_all_documents (bar, TRUE);
    gloss_find_bar_next (bar);
    gloss_find_bar_next (bar);
    gloss_test_wait_frames (view, 6);
    save_screenshot (view, name);
  }
}

static void
test_screenshots (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (skip_without_display ())
    return;
  if (g_getenv ("GLOSS_SCREENSHOT_DIR") == NULL)
    {
      g_test_skip ("set GLOSS_SCREENSHOT_DIR to take screenshots");
      return;
    }

  /* A second document, so the all-documents list has two. */
  gloss_project_add_document (fixture->project, "Follow-up interview",
                              "Asked again about Russia, the analyst said the ties with Russia had "
                              "deepened since the first interview.\n", NULL, NULL, &error);
  g_assert_no_error (error);
  /* The application's icon, uninstalled. */
  gtk_icon_theme_add_search_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                  SOURCE_DATADIR "/icons");
  take_screenshots (fixture, "light");
  take_screenshots (fixture, "dark");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

/* Wall-clock and CPU milliseconds since @wall / @cpu: the machine may be
 * shared, so both are printed. */
typedef struct
{
  gint64 wall;
  gint64 cpu;
} Stopwatch;

static gint64
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
stopwatch_start (Stopwatch *watch)
{
  watch->wall = g_get_monotonic_time ();
  watch->cpu = cpu_now ();
}

static void
stopwatch_report (Stopwatch  *watch,
                  const char *what)
{
  g_test_message ("%s: %.0f ms (CPU %.0f ms)", what,
                  (g_get_monotonic_time () - watch->wall) / 1000.0,
                  (cpu_now () - watch->cpu) / 1000.0);
}

/* 100,000 annotations on a generated 1,000,000-character transcript. */
static void
test_list_large (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) codes = NULL;
  g_autofree GlossNewAnnotation *items = NULL;
  g_autofree gint64 *item_codes = NULL;
  GlossAnnotationList *list;
  GtkWindow *window;
  gint64 document, russia = 0;
  guint n_russia = 0, n_marked = 0;
  const guint n = 100000;
  Stopwatch watch;

  if (skip_without_display ())
    return;

  dir = g_dir_make_tmp ("gloss-workbench-large-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "Large.gloss", NULL);
  project = gloss_project_create (path, "Generator", FALSE, &error);
  g_assert_no_error (error);

  while (text->len < 1000000)
    g_string_append (text, "The delegation met in Moscow and Islamabad to talk about trade. ");
  document = gloss_project_add_document (project, "Generated", text->str, NULL, NULL, &error);
  g_assert_no_error (error);

  codes = gloss_project_list_codes (project, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < codes->len; i++)
    if (g_str_equal (((GlossCode *) g_ptr_array_index (codes, i))->path, "Actors/Russia"))
      russia = ((GlossCode *) g_ptr_array_index (codes, i))->id;
  g_assert_cmpint (russia, >, 0);

  items = g_new0 (GlossNewAnnotation, n);
  item_codes = g_new0 (gint64, n);
  for (guint i = 0; i < n; i++)
    {
      gint64 start = ((gint64) i * 9) % (text->len - 40);

      item_codes[i] = ((GlossCode *) g_ptr_array_index (codes, i % codes->len))->id;
      if (item_codes[i] == russia)
        n_russia++;
      items[i].document = document;
      items[i].start = start;
      items[i].end = start + 12 + i % 20;
      items[i].codes = &item_codes[i];
      items[i].n_codes = 1;
      items[i].note = i % 1000 == 0 ? "marked for review" : NULL;
      if (items[i].note != NULL)
        n_marked++;
    }
  g_assert_true (gloss_project_add_annotations (project, items, n, NULL, NULL, &error));
  g_assert_no_error (error);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1000, 700);
  list = GLOSS_ANNOTATION_LIST (gloss_annotation_list_new ());
  gtk_window_set_child (window, GTK_WIDGET (list));
  gtk_window_present (window);

  stopwatch_start (&watch);
  {
    g_autoptr(GPtrArray) rows = gloss_project_list_annotations (project, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (rows->len, ==, n);
  }
  stopwatch_report (&watch, "the engine's query alone");

  stopwatch_start (&watch);
  gloss_annotation_list_set_project (list, project);
  stopwatch_report (&watch, "build, 100,000 rows");
  g_assert_cmpuint (gloss_annotation_list_get_n_annotations (list), ==, n);
  g_assert_cmpuint (gloss_annotation_list_get_n_shown (list), ==, n);

  stopwatch_start (&watch);
  gloss_test_wait_frames (GTK_WIDGET (list), 2);
  stopwatch_report (&watch, "first frames");

  stopwatch_start (&watch);
  gloss_annotation_list_set_code_filter (list, russia);
  stopwatch_report (&watch, "code filter");
  g_assert_cmpuint (gloss_annotation_list_get_n_shown (list), ==, n_russia);

  stopwatch_start (&watch);
  gloss_annotation_list_set_text_filter (list, "Marked For");
  stopwatch_report (&watch, "text filter, first (folds every row)");
  g_assert_cmpuint (gloss_annotation_list_get_n_shown (list), <=, n_marked);

  gloss_annotation_list_set_code_filter (list, 0);
  stopwatch_start (&watch);
  gloss_annotation_list_set_text_filter (list, "marked for r");
  stopwatch_report (&watch, "text filter, narrowing");
  g_assert_cmpuint (gloss_annotation_list_get_n_shown (list), ==, n_marked);

  stopwatch_start (&watch);
  gloss_annotation_list_set_text_filter (list, NULL);
  stopwatch_report (&watch, "text filter cleared");
  g_assert_cmpuint (gloss_annotation_list_get_n_shown (list), ==, n);

  /* One more annotation: rows are reused, the rest is one small change. */
  {
    gint64 added;

    stopwatch_start (&watch);
    added = gloss_project_add_annotation (project, document, 5, 15, &russia, 1, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (gloss_annotation_list_reload (list, &error));
    g_assert_no_error (error);
    stopwatch_report (&watch, "add one and reload");
    g_assert_cmpuint (gloss_annotation_list_get_n_annotations (list), ==, n + 1);
    g_assert_true (gloss_annotation_list_select (list, added));
  }

  stopwatch_start (&watch);
  gtk_window_destroy (window);
  stopwatch_report (&watch, "destroy");

  /* The codebook editor reads its live counts on every change. */
  {
    GlossCodebookEditor *editor;

    window = GTK_WINDOW (gtk_window_new ());
    editor = GLOSS_CODEBOOK_EDITOR (gloss_codebook_editor_new ());
    gtk_window_set_child (window, GTK_WIDGET (editor));
    gtk_window_present (window);
    stopwatch_start (&watch);
    gloss_codebook_editor_set_project (editor, project);
    stopwatch_report (&watch, "codebook editor with counts");
    g_assert_cmpint (gloss_codebook_editor_get_count (editor, russia), ==, n_russia + 1);
    stopwatch_start (&watch);
    g_assert_true (gloss_codebook_editor_reload (editor, &error));
    g_assert_no_error (error);
    stopwatch_report (&watch, "codebook editor, counts again");
    gtk_window_destroy (window);
  }
  g_clear_object (&project);
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("gloss-test-workbench-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *cache = g_build_filename (home, "cache", NULL);
  int status;

  /* The user's directories point into a fresh temporary one. */
  g_assert_nonnull (home);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_test_init (&argc, &argv, NULL);
  have_display = gtk_init_check ();
  if (have_display)
    {
      g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

      adw_init ();
      g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
      /* The application's style sheet, as AdwApplication loads it. */
      gtk_css_provider_load_from_resource (css, "/org/glossapp/Gloss/style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    }

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/gloss/workbench/annotation-list/rows-and-filters", test_list_rows_and_filters);
  ADD ("/gloss/workbench/annotation-list/select-activate-sort", test_list_select_activate_sort);
  ADD ("/gloss/workbench/codebook/edit", test_codebook_edit);
  ADD ("/gloss/workbench/codebook/merge-delete-add", test_codebook_merge_delete_add);
  ADD ("/gloss/workbench/document-properties", test_document_properties);
  ADD ("/gloss/workbench/find/in-document", test_find_in_document);
  ADD ("/gloss/workbench/find/in-all-documents", test_find_in_all_documents);
  ADD ("/gloss/workbench/screenshots", test_screenshots);
#undef ADD
  g_test_add_func ("/gloss/workbench/annotation-list/large", test_list_large);
  g_test_add_func ("/gloss/workbench/preferences", test_preferences);
  g_test_add_func ("/gloss/workbench/about", test_about);
  g_test_add_func ("/gloss/workbench/shortcuts-window", test_shortcuts_window);

  status = g_test_run ();
  remove_tree (home);
  return status;
}
