/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "gloss-codebook-editor.h"
#include "gloss-compare-view.h"
#include "gloss-document-properties.h"
#include "gloss-project.h"
#include "gloss-ui-test.h"
#include "gloss-window-private.h"
#include "gloss-window.h"

/* The workbench wired into the window: the entry points a user finds in
 * the main menu, the header and the inspector, driven through the
 * window's actions (and, where a file must be chosen, through the file
 * chooser itself), with the project file and the pixels checked after. */

/* Lane geometry, as gloss-text-view.c draws it. */
#define BAND_TOP       2
#define BAND_HEIGHT    3
#define BAND_GAP       1
#define COMPARE_TOP    4
#define COMPARE_HEIGHT 3

static gboolean have_display;

typedef struct
{
  char         *dir;
  char         *path;
  GlossWindow  *window;
  GlossProject *project;   /* a second handle on the file, for checking rows */
  gint64        document;
  guint         n_annotations;
} Fixture;

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
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  if (dir != NULL)
    g_dir_close (dir);
  g_rmdir (path);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) created = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GPtrArray) annotations = NULL;

  if (!have_display)
    return;

  fixture->dir = g_dir_make_tmp ("gloss-integration-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "Sample.gloss", NULL);
  created = gloss_project_create_sample (fixture->path, &error);
  g_assert_no_error (error);
  g_clear_object (&created);

  settings = g_settings_new (APPLICATION_ID);
  g_settings_set_string (settings, "annotator", "Tester");
  g_settings_set_double (settings, "zoom", 1.0);

  fixture->window = gloss_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 800);
  g_assert_true (gloss_window_open (fixture->window, fixture->path));
  gtk_window_present (GTK_WINDOW (fixture->window));

  fixture->project = gloss_project_open (fixture->path, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  documents = gloss_project_list_documents (fixture->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (documents->len, ==, 1);
  fixture->document = ((GlossDocument *) g_ptr_array_index (documents, 0))->id;
  annotations = gloss_project_list_annotations (fixture->project, &filter, &error);
  g_assert_no_error (error);
  fixture->n_annotations = annotations->len;

  gloss_test_wait_frames (GTK_WIDGET (fixture->window), 3);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  GListModel *toplevels;

  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  /* Dialogs a test left open. */
  toplevels = gtk_window_get_toplevels ();
  while (have_display && g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (window);
    }
  g_clear_object (&fixture->project);
  if (fixture->dir != NULL)
    remove_tree (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static void
activate (Fixture    *fixture,
          const char *action,
          GVariant   *parameter)
{
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (fixture->window), action));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), action));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), action, parameter);
  gloss_test_wait_frames (GTK_WIDGET (fixture->window), 2);
}

static gpointer
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static guint
count_toplevels_holding (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);
      GtkWidget *child = window;

      /* Depth first through the window's widgets. */
      while (child != NULL)
        {
          if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
            {
              n++;
              break;
            }
          if (gtk_widget_get_first_child (child) != NULL)
            child = gtk_widget_get_first_child (child);
          else
            {
              while (child != window && gtk_widget_get_next_sibling (child) == NULL)
                child = gtk_widget_get_parent (child);
              child = child != window ? gtk_widget_get_next_sibling (child) : NULL;
            }
        }
    }
  return n;
}

/* Answers the open file chooser (the fallback dialog a native chooser
 * shows without a portal) with @path, as a user picking it would. */
static void
choose_in_file_chooser (const char *path,
                        gboolean    save)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_path_get_basename (path);
  GtkWidget *dialog = NULL;

  for (guint i = 0; i < 50 && dialog == NULL; i++)
    {
      dialog = find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG);
      if (dialog == NULL)
        gloss_test_wait_ms (20);
    }
  g_assert_nonnull (dialog);

  if (save)
    {
      g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), folder, &error));
      g_assert_no_error (error);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
    }
  else
    {
      g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (dialog), file, &error));
      g_assert_no_error (error);
    }
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  /* The chooser checks the name before it answers: wait until it has. */
  for (guint i = 0; i < 250 && find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG) == dialog; i++)
    gloss_test_wait_ms (20);
  gloss_test_wait_ms (50);
}

/* The text selected in @view, as it is in the buffer (not snapped to words). */
static gboolean
buffer_selection (GlossTextView *view,
                  gint64        *start,
                  gint64        *end)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter a, b;

  if (!gtk_text_buffer_get_selection_bounds (buffer, &a, &b))
    return FALSE;
  *start = gtk_text_iter_get_offset (&a);
  *end = gtk_text_iter_get_offset (&b);
  return TRUE;
}

static GlossAnnotation *
row (Fixture *fixture,
     gint64   id)
{
  g_autoptr(GError) error = NULL;
  GlossAnnotation *annotation = gloss_project_get_annotation (fixture->project, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (annotation);
  return annotation;
}

static const char *
view_name (Fixture *fixture)
{
  return adw_view_stack_get_visible_child_name (fixture->window->view_stack);
}

/* The main menu --------------------------------------------------------------- */

static GtkMenuButton *
find_primary_menu_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (widget)))
    return GTK_MENU_BUTTON (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkMenuButton *found = find_primary_menu_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
collect_menu_actions (GMenuModel *model,
                      GPtrArray  *actions)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *action = NULL;
      g_autoptr(GMenuLinkIter) links = NULL;
      GMenuModel *link;
      const char *name;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &action))
        g_ptr_array_add (actions, g_steal_pointer (&action));

      links = g_menu_model_iterate_item_links (model, i);
      while (g_menu_link_iter_get_next (links, &name, &link))
        {
          collect_menu_actions (link, actions);
          g_object_unref (link);
        }
    }
}

/* Every entry of the main menu names an action the window has, and with a
 * project open each workbench entry can be used. */
static void
test_menu_entries (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char *expected[] = {
    "win.import-data", "win.export", "win.save-copy", "win.codebook", "win.compare", "win.merge",
    "app.preferences", "win.show-help-overlay", "app.about",
  };
  g_autoptr(GPtrArray) actions = g_ptr_array_new_with_free_func (g_free);
  GtkMenuButton *button;

  if (skip_without_display ())
    return;

  button = find_primary_menu_button (GTK_WIDGET (fixture->window));
  g_assert_nonnull (button);
  collect_menu_actions (gtk_menu_button_get_menu_model (button), actions);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      gboolean listed = FALSE;

      for (guint j = 0; j < actions->len; j++)
        listed |= g_str_equal (g_ptr_array_index (actions, j), expected[i]);
      if (!listed)
        g_test_message ("%s is not in the main menu", expected[i]);
      g_assert_true (listed);
    }

  for (guint i = 0; i < actions->len; i++)
    {
      const char *action = g_ptr_array_index (actions, i);

      /* A window without an application has no app actions, nor the help overlay. */
      if (!g_str_has_prefix (action, "win.") || g_str_equal (action, "win.show-help-overlay") ||
          g_str_equal (action, "win.nothing"))
        continue;
      g_assert_true (g_action_group_has_action (G_ACTION_GROUP (fixture->window), action + 4));
      g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), action + 4));
    }
}

/* Annotation list ------------------------------------------------------------------ */

static void
test_annotation_list (Fixture       *fixture,
                      gconstpointer  data)
{
  GlossAnnotationList *list;
  GlossTextView *view;
  g_autoptr(GlossAnnotation) third = NULL;
  g_autoptr(GlossAnnotation) fifth = NULL;
  gint64 id;

  if (skip_without_display ())
    return;

  list = fixture->window->annotation_list;
  view = gloss_window_get_text_view (fixture->window);
  g_assert_cmpstr (view_name (fixture), ==, "text");

  activate (fixture, "view", g_variant_new_string ("annotations"));
  g_assert_cmpstr (view_name (fixture), ==, "annotations");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (list)));
  g_assert_cmpuint (fixture->n_annotations, ==, 15);
  g_assert_cmpuint (gloss_annotation_list_get_n_annotations (list), ==, 15);
  g_assert_cmpuint (gloss_annotation_list_get_n_shown (list), ==, 15);

  /* Show in Text: the document, the span selected, the inspector open. */
  id = gloss_annotation_list_get_shown (list, 2);
  third = row (fixture, id);
  g_assert_true (gloss_annotation_list_select (list, id));
  activate (fixture, "show-in-text", NULL);
  g_assert_cmpstr (view_name (fixture), ==, "text");
  g_assert_cmpint (gloss_window_get_document (fixture->window), ==, third->document);
  g_assert_cmpint (gloss_text_view_get_selected_annotation (view), ==, id);
  g_assert_true (gtk_revealer_get_reveal_child (fixture->window->inspector_revealer));
  g_assert_cmpint (gloss_inspector_get_annotation (fixture->window->inspector), ==, id);
  /* Scrolled to the upper part of the text, with what follows in view. */
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
    GdkRectangle visible, location;
    GtkTextIter iter;

    gloss_test_wait_ms (300);
    gloss_test_wait_frames (GTK_WIDGET (fixture->window), 45);
    gtk_text_buffer_get_iter_at_offset (buffer, &iter, (int) third->start);
    gtk_text_view_get_visible_rect (GTK_TEXT_VIEW (view), &visible);
    gtk_text_view_get_iter_location (GTK_TEXT_VIEW (view), &iter, &location);
    g_test_message ("annotation at %d in %d–%d", location.y, visible.y, visible.y + visible.height);
    g_assert_cmpint (location.y, >=, visible.y);
    g_assert_cmpint (location.y, <=, visible.y + visible.height / 2);
  }

  /* Activating a row (a double click selects it first) does the same. */
  activate (fixture, "view", g_variant_new_string ("annotations"));
  id = gloss_annotation_list_get_shown (list, 4);
  fifth = row (fixture, id);
  g_assert_true (gloss_annotation_list_select (list, id));
  g_signal_emit_by_name (list, "annotation-activated", id);
  gloss_test_wait_frames (GTK_WIDGET (fixture->window), 2);
  g_assert_cmpstr (view_name (fixture), ==, "text");
  g_assert_cmpint (gloss_text_view_get_selected_annotation (view), ==, id);

  /* Enter on the row the keyboard focus stayed on, after the selection
   * moved without it: the selected row is what opens. */
  activate (fixture, "view", g_variant_new_string ("annotations"));
  id = gloss_annotation_list_get_shown (list, 6);
  g_assert_true (gloss_annotation_list_select (list, id));
  g_signal_emit_by_name (list, "annotation-activated", gloss_annotation_list_get_shown (list, 4));
  gloss_test_wait_frames (GTK_WIDGET (fixture->window), 2);
  g_assert_cmpint (gloss_text_view_get_selected_annotation (view), ==, id);

  /* Selecting in the text selects the row. */
  id = gloss_annotation_list_get_shown (list, 7);
  gloss_text_view_set_selected_annotation (view, id);
  activate (fixture, "view", g_variant_new_string ("annotations"));
  g_assert_cmpint (gloss_annotation_list_get_selected (list), ==, id);
  id = gloss_annotation_list_get_shown (list, 9);
  gloss_text_view_set_selected_annotation (view, id);
  g_assert_cmpint (gloss_annotation_list_get_selected (list), ==, id);

  /* And a row of the shown document selects its highlight. */
  id = gloss_annotation_list_get_shown (list, 11);
  g_assert_true (gloss_annotation_list_select (list, id));
  g_assert_cmpint (gloss_text_view_get_selected_annotation (view), ==, id);

  /* A new annotation shows up in the list. */
  {
    g_autoptr(GError) error = NULL;
    gint64 russia = gloss_project_resolve_code (fixture->project, "Actors/Russia", &error);
    gint64 added;

    g_assert_no_error (error);
    added = gloss_project_add_annotation (fixture->project, fixture->document, 10, 20, &russia, 1, NULL,
                                          "Someone", &error);
    g_assert_no_error (error);
    g_assert_true (gloss_project_poll_external_changes (gloss_window_get_project (fixture->window)));
    /* the list takes it on its next refresh: wait up to 5 s */
    for (int i = 0; i < 100 && gloss_annotation_list_get_n_annotations (list) != 16; i++)
      gloss_test_wait_ms (50);
    g_assert_cmpuint (gloss_annotation_list_get_n_annotations (list), ==, 16);
    g_assert_true (gloss_annotation_list_select (list, added));
  }
}

/* Save a copy -------------------------------------------------------------------------- */

static void
test_save_copy (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *copy = g_build_filename (fixture->dir, "Copy for Ana.gloss", NULL);
  g_autoptr(GlossProject) opened = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  GStatBuf before, after;

  if (skip_without_display ())
    return;

  activate (fixture, "save-copy", NULL);
  choose_in_file_chooser (copy, TRUE);
  g_assert_true (g_file_test (copy, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (strstr (gloss_window_get_last_toast (fixture->window), "Copy for Ana"));

  opened = gloss_project_open (copy, GLOSS_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  documents = gloss_project_list_documents (opened, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (documents->len, ==, 1);
  g_assert_cmpint (((GlossDocument *) documents->pdata[0])->n_annotations, ==, fixture->n_annotations);
  g_clear_object (&opened);

  /* The same name again: refused with the engine's message, the copy kept. */
  g_assert_cmpint (g_stat (copy, &before), ==, 0);
  activate (fixture, "save-copy", NULL);
  choose_in_file_chooser (copy, TRUE);
  /* The chooser may ask first whether to replace the file: yes. */
  {
    GtkWidget *ask = find_toplevel (GTK_TYPE_MESSAGE_DIALOG);

    if (ask != NULL)
      {
        gtk_dialog_response (GTK_DIALOG (ask), GTK_RESPONSE_ACCEPT);
        gloss_test_wait_ms (100);
      }
  }
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "already exists"));
  g_assert_cmpint (g_stat (copy, &after), ==, 0);
  g_assert_cmpint (before.st_mtime, ==, after.st_mtime);
  g_assert_cmpint (before.st_size, ==, after.st_size);
}

/* Review ------------------------------------------------------------------------------- */

static void
wait_recount (Fixture *fixture)
{
  /* The count follows a change after a short delay. */
  gloss_test_wait_ms (500);
  gloss_test_wait_frames (GTK_WIDGET (fixture->window), 1);
}

static char *
progress_text (guint reviewed,
               guint total)
{
  return g_strdup_printf ("%u of %u reviewed", reviewed, total);
}

static void
test_review (Fixture       *fixture,
             gconstpointer  data)
{
  GlossWindow *window;
  GlossTextView *view;
  GlossAnnotationList *list;
  g_autoptr(GlossAnnotation) accepted = NULL;
  g_autoptr(GlossAnnotation) rejected = NULL;
  g_autoptr(GlossAnnotation) next = NULL;
  g_autofree char *expected = NULL;
  gint64 first, second, id;

  if (skip_without_display ())
    return;

  window = fixture->window;
  view = gloss_window_get_text_view (window);
  list = window->annotation_list;

  /* Nothing selected: nothing to review, and next unreviewed starts at
   * the top of the list. */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "review-accept"));
  activate (fixture, "view", g_variant_new_string ("annotations"));
  g_assert_cmpint (gloss_annotation_list_get_selected (list), ==, 0);
  activate (fixture, "next-unreviewed", NULL);
  g_assert_cmpint (gloss_annotation_list_get_selected (list), ==, gloss_annotation_list_get_shown (list, 0));
  gloss_annotation_list_select (list, 0);
  activate (fixture, "view", g_variant_new_string ("text"));

  /* In the text, with the inspector. */
  first = gloss_annotation_list_get_shown (list, 0);
  activate (fixture, "select-annotation", g_variant_new_int64 (first));
  wait_recount (fixture);
  expected = progress_text (0, fixture->n_annotations);
  g_assert_cmpstr (gtk_label_get_text (window->review_progress_label), ==, expected);
  g_clear_pointer (&expected, g_free);

  activate (fixture, "review-accept", NULL);
  accepted = row (fixture, first);
  g_assert_cmpint (accepted->status, ==, GLOSS_REVIEW_ACCEPTED);
  g_assert_cmpstr (accepted->reviewer, ==, "Tester");
  g_assert_nonnull (accepted->reviewed);
  expected = progress_text (1, fixture->n_annotations);
  g_assert_cmpstr (gtk_label_get_text (window->review_progress_label), ==, expected);
  g_clear_pointer (&expected, g_free);
  /* The other annotations are untouched. */
  for (guint i = 1; i < fixture->n_annotations; i++)
    {
      g_autoptr(GlossAnnotation) other = row (fixture, gloss_annotation_list_get_shown (list, i));

      g_assert_cmpint (other->status, ==, GLOSS_REVIEW_UNREVIEWED);
    }

  /* In the list, with a note. */
  activate (fixture, "view", g_variant_new_string ("annotations"));
  second = gloss_annotation_list_get_shown (list, 1);
  g_assert_true (gloss_annotation_list_select (list, second));
  gtk_editable_set_text (GTK_EDITABLE (window->review_note_entry), "  Too broad: only the first clause  ");
  activate (fixture, "review-reject", NULL);
  rejected = row (fixture, second);
  g_assert_cmpint (rejected->status, ==, GLOSS_REVIEW_REJECTED);
  g_assert_cmpstr (rejected->review_note, ==, "Too broad: only the first clause");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (window->review_note_entry)), ==, "");
  expected = progress_text (2, fixture->n_annotations);
  g_assert_cmpstr (gtk_label_get_text (window->review_progress_label), ==, expected);
  g_clear_pointer (&expected, g_free);

  /* Next unreviewed, in the list's order: the third row. */
  activate (fixture, "next-unreviewed", NULL);
  id = gloss_annotation_list_get_selected (list);
  g_assert_cmpint (id, ==, gloss_annotation_list_get_shown (list, 2));
  next = row (fixture, id);
  g_assert_cmpint (next->status, ==, GLOSS_REVIEW_UNREVIEWED);
  g_clear_pointer (&next, gloss_annotation_free);

  /* In the text: from the accepted one on, the next not yet reviewed. */
  activate (fixture, "select-annotation", g_variant_new_int64 (first));
  activate (fixture, "view", g_variant_new_string ("text"));
  g_assert_cmpint (gloss_text_view_get_selected_annotation (view), ==, first);
  activate (fixture, "next-unreviewed", NULL);
  id = gloss_text_view_get_selected_annotation (view);
  g_assert_cmpint (id, !=, first);
  g_assert_cmpint (id, !=, second);
  next = row (fixture, id);
  g_assert_cmpint (next->status, ==, GLOSS_REVIEW_UNREVIEWED);
  g_assert_true (next->start > accepted->start ||
                 (next->start == accepted->start && (next->end > accepted->end || next->id > accepted->id)));

  /* Undo takes the rejection back, and the count follows. */
  activate (fixture, "undo", NULL);
  g_clear_pointer (&rejected, gloss_annotation_free);
  rejected = row (fixture, second);
  g_assert_cmpint (rejected->status, ==, GLOSS_REVIEW_UNREVIEWED);
  wait_recount (fixture);
  expected = progress_text (1, fixture->n_annotations);
  g_assert_cmpstr (gtk_label_get_text (window->review_progress_label), ==, expected);
  g_clear_pointer (&expected, g_free);

  /* Alone, every other one reviewed elsewhere: next says so. */
  {
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < fixture->n_annotations; i++)
      {
        gloss_project_review_annotation (fixture->project, gloss_annotation_list_get_shown (list, i),
                                         GLOSS_REVIEW_ACCEPTED, NULL, "Lead", &error);
        g_assert_no_error (error);
      }
    g_assert_true (gloss_project_poll_external_changes (gloss_window_get_project (window)));
    wait_recount (fixture);
    expected = progress_text (fixture->n_annotations, fixture->n_annotations);
    g_assert_cmpstr (gtk_label_get_text (window->review_progress_label), ==, expected);
    g_clear_pointer (&expected, g_free);
    activate (fixture, "next-unreviewed", NULL);
    g_assert_cmpstr (gloss_window_get_last_toast (window), ==, "Every annotation is reviewed");
  }
}

/* The progress follows the window's own tagging without counting again,
 * and a deleted reviewed annotation leaves the count. */
static void
test_review_progress_follows_tagging (Fixture       *fixture,
                                      gconstpointer  data)
{
  GlossWindow *window;
  GlossTextView *view;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GlossAnnotation) made = NULL;
  gint64 russia, start, id;
  const char *at;

  if (skip_without_display ())
    return;

  window = fixture->window;
  view = gloss_window_get_text_view (window);
  russia = gloss_project_resolve_code (fixture->project, "Actors/Russia", &error);
  g_assert_no_error (error);
  text = gloss_project_dup_text (fixture->project, fixture->document, &error);
  g_assert_no_error (error);
  at = strstr (text, "Moscow");
  if (at == NULL)
    at = strstr (text, "Russia");
  g_assert_nonnull (at);
  start = g_utf8_pointer_to_offset (text, at);

  activate (fixture, "view", g_variant_new_string ("annotations"));
  wait_recount (fixture);
  expected = progress_text (0, fixture->n_annotations);
  g_assert_cmpstr (gtk_label_get_text (window->review_progress_label), ==, expected);
  g_clear_pointer (&expected, g_free);
  activate (fixture, "view", g_variant_new_string ("text"));

  /* Tag: one more annotation, none more reviewed. */
  gloss_text_view_select_range (view, start, start + 6);
  activate (fixture, "tag-codes", g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, &russia, 1, sizeof (gint64)));
  gloss_test_wait_frames (GTK_WIDGET (window), 2);
  id = gloss_text_view_get_selected_annotation (view);
  g_assert_cmpint (id, >, 0);
  made = row (fixture, id);
  g_assert_cmpstr (made->annotator, ==, "Tester");
  expected = progress_text (0, fixture->n_annotations + 1);
  g_assert_cmpstr (gtk_label_get_text (window->review_progress_label), ==, expected);
  g_clear_pointer (&expected, g_free);

  activate (fixture, "review-accept", NULL);
  expected = progress_text (1, fixture->n_annotations + 1);
  g_assert_cmpstr (gtk_label_get_text (window->review_progress_label), ==, expected);
  g_clear_pointer (&expected, g_free);

  /* Deleting it takes it out of both counts, once the progress shows. */
  activate (fixture, "delete-annotation", NULL);
  activate (fixture, "view", g_variant_new_string ("annotations"));
  wait_recount (fixture);
  expected = progress_text (0, fixture->n_annotations);
  g_assert_cmpstr (gtk_label_get_text (window->review_progress_label), ==, expected);
}

/* Find bar and documents --------------------------------------------------------------- */

static void
test_find_and_documents (Fixture       *fixture,
                         gconstpointer  data)
{
  GlossWindow *window;
  GlossTextView *view;
  g_autoptr(GError) error = NULL;
  gint64 second;
  gint64 start = 0, end = 0;

  if (skip_without_display ())
    return;

  window = fixture->window;
  view = gloss_window_get_text_view (window);
  g_assert_cmpint (gloss_find_bar_get_document (window->find_bar), ==, fixture->document);
  g_assert_true (gloss_find_bar_get_text_view (window->find_bar) == view);

  second = gloss_project_add_document (fixture->project, "Second interview",
                                       "Q: Who chairs the council?\nA: The mayor chairs it.\n", NULL, NULL,
                                       &error);
  g_assert_no_error (error);
  g_assert_true (gloss_project_poll_external_changes (gloss_window_get_project (window)));
  gloss_test_wait_frames (GTK_WIDGET (window), 2);

  activate (fixture, "select-document", g_variant_new_int64 (second));
  g_assert_cmpint (gloss_window_get_document (window), ==, second);
  g_assert_cmpint (gloss_find_bar_get_document (window->find_bar), ==, second);

  /* A result in another document: shown there, selected, ready to tag. */
  g_signal_emit_by_name (window->find_bar, "match-activated", fixture->document, (gint64) 40, (gint64) 52);
  gloss_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_cmpint (gloss_window_get_document (window), ==, fixture->document);
  g_assert_cmpint (gloss_find_bar_get_document (window->find_bar), ==, fixture->document);
  g_assert_true (buffer_selection (view, &start, &end));
  g_assert_cmpint (start, ==, 40);
  g_assert_cmpint (end, ==, 52);

  /* Searching paints the matches in the text. */
  gloss_find_bar_set_search_mode (window->find_bar, TRUE);
  gloss_find_bar_set_query (window->find_bar, "the");
  gloss_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_cmpuint (gloss_find_bar_get_matches (window->find_bar)->len, >, 0);

  /* Picking a document in the sidebar while the list is shown shows the text. */
  activate (fixture, "view", g_variant_new_string ("annotations"));
  activate (fixture, "select-document", g_variant_new_int64 (second));
  g_assert_cmpstr (view_name (fixture), ==, "text");

  /* Properties of the shown document; the codebook, once. */
  activate (fixture, "document-properties", NULL);
  g_assert_cmpuint (count_toplevels_holding (GLOSS_TYPE_DOCUMENT_PROPERTIES), ==, 1);
  gtk_window_destroy (find_toplevel (ADW_TYPE_PREFERENCES_WINDOW));
  activate (fixture, "codebook", NULL);
  activate (fixture, "codebook", NULL);
  g_assert_cmpuint (count_toplevels_holding (GLOSS_TYPE_CODEBOOK_EDITOR), ==, 1);
}

/* Compare ------------------------------------------------------------------------------ */

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

typedef struct
{
  gint64 document;
  gint64 start;
  gint64 end;
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
}

static void
annotate (GlossProject *project,
          gint64        document,
          gint64        start,
          gint64        end,
          const char   *code,
          const char   *annotator)
{
  g_autoptr(GError) error = NULL;
  gint64 id = gloss_project_resolve_code (project, code, &error);

  g_assert_no_error (error);
  gloss_project_add_annotation (project, document, start, end, &id, 1, NULL, annotator, &error);
  g_assert_no_error (error);
}

static void
test_compare (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *other = g_build_filename (fixture->dir, "Bob.gloss", NULL);
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) expected = NULL;
  g_autoptr(GlossTestPixels) pixels = NULL;
  GlossWindow *window;
  GlossTextView *view;
  GlossCompareView *compare;
  GArray *drawn;
  CompareDone done = { 0 };
  Activated activated = { 0 };
  gboolean timed_out = FALSE;
  guint timeout;
  GtkWindow *compare_window;
  gint64 start, end;

  if (skip_without_display ())
    return;

  window = fixture->window;
  view = gloss_window_get_text_view (window);
  g_assert_null (gloss_text_view_get_comparison (view));

  /* Bob's copy: the same interview, his own stances. */
  g_assert_true (gloss_project_save_copy (fixture->project, other, &error));
  g_assert_no_error (error);
  annotate (fixture->project, fixture->document, 100, 140, "Stance/neutral", "Alice");
  annotate (fixture->project, fixture->document, 300, 340, "Stance/cooperative", "Alice");
  bob = gloss_project_open (other, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  annotate (bob, fixture->document, 100, 140, "Stance/neutral", "Bob");
  annotate (bob, fixture->document, 300, 340, "Stance/strained", "Bob");
  g_clear_object (&bob);
  gloss_project_poll_external_changes (gloss_window_get_project (window));

  /* Compare With…: the panel opens and asks for the files. */
  activate (fixture, "compare", NULL);
  compare = window->compare_view;
  g_assert_nonnull (compare);
  g_signal_connect (compare, "finished", G_CALLBACK (on_compare_finished_cb), &done);
  choose_in_file_chooser (other, FALSE);
  timeout = g_timeout_add_seconds (60, gloss_test_timeout_cb, &timed_out);
  while (!done.done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout);
  g_assert_true (done.success);
  g_assert_true (gloss_compare_view_set_dimension (compare, "Stance"));
  gloss_test_wait_frames (GTK_WIDGET (window), 2);

  /* The analysts' spans are what the text draws. */
  g_assert_cmpuint (gloss_compare_view_get_n_analysts (compare), >=, 2);
  expected = gloss_compare_view_dup_spans (compare, fixture->document);
  g_assert_cmpuint (expected->len, >=, 4);
  drawn = gloss_text_view_get_comparison (view);
  g_assert_nonnull (drawn);
  g_assert_cmpuint (drawn->len, ==, expected->len);
  for (guint i = 0; i < drawn->len; i++)
    {
      const GlossTextComparison *d = &g_array_index (drawn, GlossTextComparison, i);
      const GlossCompareSpan *e = &g_array_index (expected, GlossCompareSpan, i);

      g_assert_cmpint (d->start, ==, e->start);
      g_assert_cmpint (d->end, ==, e->end);
      g_assert_cmpuint (d->lane, ==, e->analyst);
      g_assert_true (gdk_rgba_equal (&d->color, &e->color));
    }

  /* A disagreement: its document and span shown and selected. */
  g_assert_cmpuint (g_list_model_get_n_items (gloss_compare_view_get_disagreements (compare)), >, 0);
  g_signal_connect (compare, "disagreement-activated", G_CALLBACK (on_disagreement_activated_cb), &activated);
  gloss_compare_view_activate_disagreement (compare, 0);
  gloss_test_wait_ms (400);
  gloss_test_wait_frames (GTK_WIDGET (window), 3);
  g_assert_cmpint (activated.document, ==, fixture->document);
  g_assert_cmpint (gloss_window_get_document (window), ==, fixture->document);
  g_assert_true (buffer_selection (view, &start, &end));
  g_assert_cmpint (start, ==, activated.start);
  g_assert_cmpint (end, ==, activated.end);

  /* Drawn: each analyst's bar in its lane below the line, in its colour. */
  {
    GdkRectangle rect;
    guint n_bands = gloss_text_view_get_n_bands (view);

    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
    GtkTextIter iter;
    guint n_checked = 0;

    /* Without the selection's tint over the lanes. */
    gtk_text_buffer_get_start_iter (buffer, &iter);
    gtk_text_buffer_place_cursor (buffer, &iter);
    gloss_test_wait_frames (GTK_WIDGET (window), 2);
    /* On a busy display the window may take a while to be drawn again. */
    for (guint i = 0; i < 100 && !gtk_widget_is_drawable (GTK_WIDGET (view)); i++)
      gloss_test_wait_ms (20);
    g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (view)));
    drawn = gloss_text_view_get_comparison (view);
    g_assert_nonnull (drawn);
    g_assert_true (gloss_text_view_get_range_rect (view, activated.start, activated.start + 2, &rect));
    pixels = gloss_test_render (GTK_WIDGET (view));
    for (guint i = 0; i < drawn->len; i++)
      {
        const GlossTextComparison *d = &g_array_index (drawn, GlossTextComparison, i);
        int y = rect.y + rect.height + BAND_TOP + (int) n_bands * (BAND_HEIGHT + BAND_GAP) + COMPARE_TOP
                + (int) d->lane * (COMPARE_HEIGHT + BAND_GAP) + 1;
        int rgb[3];

        g_test_message ("analyst %u: %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT, d->lane, d->start, d->end);
        if (d->start != activated.start)
          continue;
        gloss_test_pixel (pixels, rect.x + 1, y, rgb);
        g_test_message ("lane %u at y %d: %d,%d,%d", d->lane, y, rgb[0], rgb[1], rgb[2]);
        g_assert_true (gloss_test_color_near (rgb, &d->color, 8));
        n_checked++;
      }
    g_assert_cmpuint (n_checked, >=, 1);
  }

  /* Closing the panel ends the comparison in the text. */
  compare_window = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (compare)));
  /* Let the frames after the off-screen rendering go by first. */
  gloss_test_wait_frames (GTK_WIDGET (window), 2);
  gtk_window_close (compare_window);
  gloss_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_null (window->compare_view);
  g_assert_null (gloss_text_view_get_comparison (view));
}

/* Merge ------------------------------------------------------------------------------- */

static void
test_merge (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *other = g_build_filename (fixture->dir, "Bob.gloss", NULL);
  g_autoptr(GlossProject) bob = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
  AdwMessageDialog *dialog = NULL;
  const char *body;

  if (skip_without_display ())
    return;

  g_assert_true (gloss_project_save_copy (fixture->project, other, &error));
  g_assert_no_error (error);
  bob = gloss_project_open (other, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  annotate (bob, fixture->document, 100, 140, "Stance/neutral", "Bob");
  annotate (bob, fixture->document, 300, 340, "Stance/strained", "Bob");
  g_clear_object (&bob);

  activate (fixture, "merge", NULL);
  choose_in_file_chooser (other, FALSE);

  for (guint i = 0; i < 600 && dialog == NULL; i++)
    {
      gloss_test_wait_ms (50);
      dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
    }
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Merge Complete");
  body = adw_message_dialog_get_body (dialog);
  g_test_message ("%s", body);
  g_assert_nonnull (strstr (body, "Added: 2\n"));
  g_assert_nonnull (strstr (body, "Conflicts: 0\n"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "merge"));

  /* In the file, and in the window. */
  filter.annotator = "Bob";
  rows = gloss_project_list_annotations (fixture->project, &filter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  gloss_test_wait_frames (GTK_WIDGET (fixture->window), 2);
  for (guint i = 0; i < rows->len; i++)
    g_assert_true (gloss_text_view_has_annotation (gloss_window_get_text_view (fixture->window),
                                                   ((GlossAnnotation *) g_ptr_array_index (rows, i))->id));

  /* A source that is the project itself is refused, and says why. */
  gtk_window_destroy (GTK_WINDOW (dialog));
  activate (fixture, "merge", NULL);
  choose_in_file_chooser (fixture->path, FALSE);
  dialog = NULL;
  for (guint i = 0; i < 600 && dialog == NULL; i++)
    {
      gloss_test_wait_ms (50);
      dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
    }
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "The Files Could Not Be Merged");
  g_test_message ("%s", adw_message_dialog_get_body (dialog));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("gloss-test-integration-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *cache = g_build_filename (home, "cache", NULL);
  int status;

  /* The user's own directories point into a fresh temporary one (recent
   * files, the file chooser's bookmarks). */
  g_assert_nonnull (home);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  /* File choosers are GTK's own dialog, which the tests can answer. */
  g_unsetenv ("GTK_USE_PORTAL");
  g_test_init (&argc, &argv, NULL);
  have_display = gtk_init_check ();
  if (have_display)
    {
      adw_init ();
      g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
    }

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/gloss/integration/menu-entries", test_menu_entries);
  ADD ("/gloss/integration/annotation-list", test_annotation_list);
  ADD ("/gloss/integration/save-copy", test_save_copy);
  ADD ("/gloss/integration/review", test_review);
  ADD ("/gloss/integration/review-progress-follows-tagging", test_review_progress_follows_tagging);
  ADD ("/gloss/integration/find-and-documents", test_find_and_documents);
  ADD ("/gloss/integration/compare", test_compare);
  ADD ("/gloss/integration/merge", test_merge);
#undef ADD

  status = g_test_run ();
  remove_tree (home);
  return status;
}
