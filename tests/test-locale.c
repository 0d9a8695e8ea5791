/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "gloss-project.h"
#include "gloss-ui-test.h"
#include "gloss-window.h"

/* The window in German.  The test runs as Gloss does with LANGUAGE=de in
 * the C.UTF-8 locale (a system may have no de_DE locale at all), with the
 * build's compiled catalogue (GLOSS_BUILD_LOCALEDIR, as GLOSS_LOCALEDIR
 * does for the application), and reads back every label, button, tooltip,
 * placeholder and menu item: each must be German, and none may be an
 * English message the catalogue translates. */

static gboolean have_display;

static void
use_locale (const char *locale)
{
  g_assert_nonnull (setlocale (LC_ALL, locale));
}

/* Every user-visible string of @widget and its descendants, popovers
 * included (they are children of the widget they point at). */
static void
collect_strings (GtkWidget *widget,
                 GPtrArray *strings)
{
  const char *text = NULL;
  const char *tooltip = gtk_widget_get_tooltip_text (widget);

  if (tooltip != NULL && *tooltip != '\0')
    g_ptr_array_add (strings, g_strdup (tooltip));

  if (GTK_IS_LABEL (widget))
    text = gtk_label_get_label (GTK_LABEL (widget));
  else if (GTK_IS_BUTTON (widget))
    text = gtk_button_get_label (GTK_BUTTON (widget));
  else if (GTK_IS_ENTRY (widget))
    text = gtk_entry_get_placeholder_text (GTK_ENTRY (widget));
  else if (GTK_IS_TEXT (widget))
    text = gtk_text_get_placeholder_text (GTK_TEXT (widget));
  else if (ADW_IS_STATUS_PAGE (widget))
    {
      const char *description = adw_status_page_get_description (ADW_STATUS_PAGE (widget));

      if (description != NULL && *description != '\0')
        g_ptr_array_add (strings, g_strdup (description));
      text = adw_status_page_get_title (ADW_STATUS_PAGE (widget));
    }
  else if (ADW_IS_WINDOW_TITLE (widget))
    text = adw_window_title_get_subtitle (ADW_WINDOW_TITLE (widget));

  if (text != NULL && *text != '\0')
    g_ptr_array_add (strings, g_strdup (text));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_strings (child, strings);
}

static void
collect_menu_labels (GMenuModel *model,
                     GPtrArray  *labels)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autoptr(GMenuLinkIter) links = NULL;
      char *label = NULL;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &label)
          && *label != '\0')
        g_ptr_array_add (labels, label);
      else
        g_free (label);

      links = g_menu_model_iterate_item_links (model, i);
      while (g_menu_link_iter_next (links))
        {
          g_autoptr(GMenuModel) link = g_menu_link_iter_get_value (links);

          collect_menu_labels (link, labels);
        }
    }
}

static GtkWidget *
find_primary_menu_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (widget)))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_primary_menu_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* An English message shown as is although the catalogue translates it. */
static gboolean
is_untranslated (const char *text)
{
  const char *translated = gettext (text);

  return translated != text && strcmp (translated, text) != 0;
}

static gboolean
contains (GPtrArray  *strings,
          const char *text)
{
  for (guint i = 0; i < strings->len; i++)
    if (g_strcmp0 (g_ptr_array_index (strings, i), text) == 0)
      return TRUE;
  return FALSE;
}

static void
assert_all_translated (GPtrArray  *strings,
                       const char *where)
{
  guint n_english = 0;

  for (guint i = 0; i < strings->len; i++)
    {
      const char *text = g_ptr_array_index (strings, i);

      if (is_untranslated (text))
        {
          g_test_message ("%s shows “%s”, which is “%s” in German", where, text, gettext (text));
          n_english++;
        }
    }

  g_assert_cmpuint (n_english, ==, 0);
}

static void
test_catalogue (void)
{
  /* LANGUAGE picks the catalogue in C.UTF-8 ... */
  g_assert_cmpstr (_("Undo (Ctrl+Z)"), ==, "Rückgängig (Strg+Z)");
  g_assert_cmpstr (_("_Tag…"), ==, "_Codieren…");
  g_assert_cmpstr (ngettext ("Merge %u file", "Merge %u files", 1), ==, "%u Datei zusammenführen");
  g_assert_cmpstr (ngettext ("Merge %u file", "Merge %u files", 2), ==, "%u Dateien zusammenführen");

  /* ... but GNU gettext ignores it in the plain C locale, the reason the
   * tests use C.UTF-8. */
  use_locale ("C");
  g_assert_cmpstr (_("Undo (Ctrl+Z)"), ==, "Undo (Ctrl+Z)");
  use_locale ("");
  g_assert_cmpstr (_("Undo (Ctrl+Z)"), ==, "Rückgängig (Strg+Z)");

  /* A message the catalogue does not know passes through unchanged. */
  g_assert_cmpstr (_("No such message in Gloss"), ==, "No such message in Gloss");
}

typedef struct
{
  char         *dir;
  char         *path;
  GlossWindow  *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) created = NULL;

  if (!have_display)
    return;

  fixture->dir = g_dir_make_tmp ("gloss-locale-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "Beispiel.gloss", NULL);
  created = gloss_project_create_sample (fixture->path, &error);
  g_assert_no_error (error);
  g_clear_object (&created);

  fixture->window = gloss_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 800);
  g_assert_true (gloss_window_open (fixture->window, fixture->path));
  gtk_window_present (GTK_WINDOW (fixture->window));
  gloss_test_wait_frames (GTK_WIDGET (fixture->window), 3);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  if (fixture->path != NULL)
    {
      g_unlink (fixture->path);
      g_rmdir (fixture->dir);
    }
  g_free (fixture->path);
  g_free (fixture->dir);
}

static void
test_window (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);

  if (!have_display)
    {
      g_test_skip ("no display: run under xvfb-run");
      return;
    }

  collect_strings (GTK_WIDGET (fixture->window), strings);
  g_test_message ("%u strings in the window", strings->len);
  g_assert_cmpuint (strings->len, >=, 20);

  assert_all_translated (strings, "The window");

  /* The header bar, the sidebar and the inspector, in German. */
  g_assert_true (contains (strings, "_Codieren…"));
  g_assert_true (contains (strings, "Rückgängig (Strg+Z)"));
  g_assert_true (contains (strings, "Wiederholen (Umschalt+Strg+Z)"));
  g_assert_true (contains (strings, "Hauptmenü"));
  g_assert_true (contains (strings, "Annotationsdetails"));
  g_assert_true (contains (strings, "Dokumente"));
  g_assert_false (contains (strings, "_Tag…"));
  g_assert_false (contains (strings, "Main Menu"));
}

static void
test_primary_menu (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *button;
  GMenuModel *model;

  if (!have_display)
    {
      g_test_skip ("no display: run under xvfb-run");
      return;
    }

  button = find_primary_menu_button (GTK_WIDGET (fixture->window));
  g_assert_nonnull (button);
  model = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  g_assert_nonnull (model);
  collect_menu_labels (model, labels);
  g_assert_cmpuint (labels->len, >=, 8);

  assert_all_translated (labels, "The main menu");
  g_assert_true (contains (labels, "_Neues Projekt…"));
  g_assert_false (contains (labels, "_New Project…"));
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

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("gloss-test-locale-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *cache = g_build_filename (home, "cache", NULL);
  g_autofree char *mo = NULL;
  int status;

  g_assert_nonnull (home);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);

  /* As `LANGUAGE=de LC_ALL=C.UTF-8 GLOSS_LOCALEDIR=<build>/po gloss`. */
  g_setenv ("LANGUAGE", "de", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  use_locale ("");
  bindtextdomain (GETTEXT_PACKAGE, GLOSS_BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);

  mo = g_build_filename (GLOSS_BUILD_LOCALEDIR, "de", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  if (!g_file_test (mo, G_FILE_TEST_IS_REGULAR))
    g_error ("%s is missing: build the translations (ninja -C <build>) first", mo);

  have_display = gtk_init_check ();
  if (have_display)
    {
      adw_init ();
      g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
    }

  g_test_add_func ("/gloss/locale/catalogue", test_catalogue);
  g_test_add ("/gloss/locale/window", Fixture, NULL, fixture_set_up, test_window, fixture_tear_down);
  g_test_add ("/gloss/locale/primary-menu", Fixture, NULL, fixture_set_up, test_primary_menu, fixture_tear_down);

  status = g_test_run ();
  remove_tree (home);
  return status;
}
