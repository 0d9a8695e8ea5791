/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-application"

#include "config.h"

#include "gloss-application.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>

#include "gloss-dialogs.h"
#include "gloss-preferences.h"
#include "gloss-project.h"
#include "gloss-window.h"

struct _GlossApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (GlossApplication, gloss_application, ADW_TYPE_APPLICATION)

/**
 * gloss_application_dup_sample_path:
 *
 * Returns: (transfer full): where a first run keeps the sample project
 */
char *
gloss_application_dup_sample_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "gloss", "Sample interview.gloss", NULL);
}

GSettings *
gloss_application_get_settings (GlossApplication *self)
{
  g_return_val_if_fail (GLOSS_IS_APPLICATION (self), NULL);

  return self->settings;
}

static GlossWindow *
find_window_for (GlossApplication *self,
                 const char       *path)
{
  g_autoptr(GFile) wanted = g_file_new_for_path (path);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      GlossProject *project;
      g_autoptr(GFile) shown = NULL;

      if (!GLOSS_IS_WINDOW (l->data))
        continue;
      project = gloss_window_get_project (l->data);
      if (project == NULL)
        continue;
      shown = g_file_new_for_path (gloss_project_get_path (project));
      if (g_file_equal (wanted, shown))
        return l->data;
    }

  return NULL;
}

/* A window that shows nothing worth keeping: reuse it. */
static GlossWindow *
find_idle_window (GlossApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (GLOSS_IS_WINDOW (active) && gloss_window_get_project (GLOSS_WINDOW (active)) == NULL)
    return GLOSS_WINDOW (active);
  return NULL;
}

/**
 * gloss_application_open_path:
 * @path: a project file
 *
 * Shows @path: presents the window that has it open, or opens it in an
 * idle window or a new one.  Errors appear in that window.
 */
void
gloss_application_open_path (GlossApplication *self,
                             const char       *path)
{
  GlossWindow *window;

  g_return_if_fail (GLOSS_IS_APPLICATION (self));
  g_return_if_fail (path != NULL);

  window = find_window_for (self, path);
  if (window == NULL)
    {
      window = find_idle_window (self);
      if (window == NULL)
        window = gloss_window_new (self);
      gloss_window_open (window, path);
    }

  gtk_window_present (GTK_WINDOW (window));
}

static void
open_first_run (GlossApplication *self,
                GlossWindow      *window)
{
  g_autofree char *last = g_settings_get_string (self->settings, "last-project");
  g_autofree char *sample = gloss_application_dup_sample_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = NULL;
  g_autofree char *dir = NULL;

  if (last[0] != '\0' && g_file_test (last, G_FILE_TEST_EXISTS))
    {
      gloss_window_open (window, last);
      return;
    }

  if (g_file_test (sample, G_FILE_TEST_EXISTS))
    {
      gloss_window_open (window, sample);
      return;
    }

  dir = g_path_get_dirname (sample);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_autofree char *message = g_strdup_printf (_("Gloss could not create the folder “%s” for its "
                                                    "sample project: %s. Open a project of your own "
                                                    "instead."),
                                                  dir, g_strerror (saved));

      gloss_window_show_error (window, _("The Sample Project Could Not Be Created"), message);
      return;
    }

  project = gloss_project_create_sample (sample, &error);
  if (project == NULL)
    {
      gloss_window_show_error (window, _("The Sample Project Could Not Be Created"), error->message);
      return;
    }

  gloss_window_set_project (window, project);
}

static void
gloss_application_activate (GApplication *app)
{
  GlossApplication *self = GLOSS_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (gloss_window_new (self));
      open_first_run (self, GLOSS_WINDOW (window));
    }

  gtk_window_present (window);
}

static void
gloss_application_open (GApplication  *app,
                        GFile        **files,
                        int            n_files,
                        const char    *hint)
{
  GlossApplication *self = GLOSS_APPLICATION (app);

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);

      if (path == NULL)
        {
          g_autofree char *uri = g_file_get_uri (files[i]);
          g_autofree char *message = g_strdup_printf (_("“%s” is not a local file. Copy it to this "
                                                        "computer first, then open the copy."), uri);
          GlossWindow *window = find_idle_window (self);

          if (window == NULL)
            window = gloss_window_new (self);
          gloss_window_show_error (window, _("Cannot Open This Project"), message);
          gtk_window_present (GTK_WINDOW (window));
          continue;
        }

      gloss_application_open_path (self, path);
    }
}

/* Actions ----------------------------------------------------------------- */

static void
on_new_chosen (const char *path,
               gpointer    user_data)
{
  GlossApplication *self = user_data;
  g_autofree char *annotator = g_settings_get_string (self->settings, "annotator");
  g_autofree char *full = NULL;
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GError) error = NULL;
  GlossWindow *window;

  if (path == NULL)
    return;

  full = g_str_has_suffix (path, ".gloss") ? g_strdup (path) : g_strconcat (path, ".gloss", NULL);
  window = find_idle_window (self);
  if (window == NULL)
    window = gloss_window_new (self);

  project = gloss_project_create (full, annotator[0] != '\0' ? annotator : NULL, FALSE, &error);
  if (project == NULL)
    gloss_window_show_error (window, _("The Project Could Not Be Created"), error->message);
  else
    gloss_window_set_project (window, project);
  gtk_window_present (GTK_WINDOW (window));
}

static void
new_action (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  GlossApplication *self = user_data;

  gloss_dialog_choose_file (gtk_application_get_active_window (GTK_APPLICATION (self)),
                            _("New Project"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Create"),
                            _("Untitled project.gloss"),
                            on_new_chosen, g_object_ref (self), g_object_unref);
}

static void
on_open_chosen (const char *path,
                gpointer    user_data)
{
  if (path != NULL)
    gloss_application_open_path (GLOSS_APPLICATION (user_data), path);
}

static void
open_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GlossApplication *self = user_data;

  gloss_dialog_choose_file (gtk_application_get_active_window (GTK_APPLICATION (self)),
                            _("Open Project"), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), NULL,
                            on_open_chosen, g_object_ref (self), g_object_unref);
}

static void
open_path_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  gloss_application_open_path (GLOSS_APPLICATION (user_data), g_variant_get_string (parameter, NULL));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  gloss_show_about (gtk_application_get_active_window (GTK_APPLICATION (user_data)));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GlossApplication *self = user_data;
  GlossPreferences *preferences = gloss_preferences_new (self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (preferences),
                                gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GlossApplication *self = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* Closing each window lets it remember its size and flush its work. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

static const GActionEntry app_actions[] = {
  { "new", new_action },
  { "open", open_action },
  { "open-path", open_path_action, "s" },
  { "about", about_action },
  { "preferences", preferences_action },
  { "quit", quit_action },
};

static void
apply_color_scheme (GlossApplication *self)
{
  static const AdwColorScheme schemes[] = {
    ADW_COLOR_SCHEME_DEFAULT, ADW_COLOR_SCHEME_FORCE_LIGHT, ADW_COLOR_SCHEME_FORCE_DARK,
  };
  int scheme = g_settings_get_enum (self->settings, "color-scheme");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      schemes[CLAMP (scheme, 0, (int) G_N_ELEMENTS (schemes) - 1)]);
}

static void
gloss_application_startup (GApplication *app)
{
  GlossApplication *self = GLOSS_APPLICATION (app);
  g_autoptr(GAction) color_scheme = NULL;
  g_autoptr(GAction) snap = NULL;
  static const struct { const char *action; const char *accels[4]; } accels[] = {
    { "app.new", { "<Control>n", NULL } },
    { "app.open", { "<Control>o", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "win.close", { "<Control>w", NULL } },
    { "win.undo", { "<Control>z", NULL } },
    { "win.redo", { "<Shift><Control>z", "<Control>y", NULL } },
    { "win.zoom-in", { "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL } },
    { "win.zoom-out", { "<Control>minus", "<Control>KP_Subtract", NULL } },
    { "win.zoom-reset", { "<Control>0", "<Control>KP_0", NULL } },
    { "win.import", { "<Control>i", NULL } },
    { "win.save-copy", { "<Shift><Control>s", NULL } },
    { "win.show-sidebar", { "F9", NULL } },
    { "win.grow-start", { "<Alt>Left", NULL } },
    { "win.shrink-start", { "<Alt>Right", NULL } },
    { "win.shrink-end", { "<Shift><Alt>Left", NULL } },
    { "win.grow-end", { "<Shift><Alt>Right", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.view::text", { "<Alt>1", NULL } },
    { "win.view::annotations", { "<Alt>2", NULL } },
    { "win.codebook", { "<Shift><Control>k", NULL } },
    { "win.document-properties", { "<Alt>Return", NULL } },
    { "win.import-data", { "<Shift><Control>i", NULL } },
    { "win.export", { "<Control>e", NULL } },
    { "win.review-accept", { "<Alt>a", NULL } },
    { "win.review-reject", { "<Alt>r", NULL } },
    { "win.next-unreviewed", { "<Alt>n", NULL } },
  };

  G_APPLICATION_CLASS (gloss_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  color_scheme = g_settings_create_action (self->settings, "color-scheme");
  g_action_map_add_action (G_ACTION_MAP (self), color_scheme);
  snap = g_settings_create_action (self->settings, "snap-to-words");
  g_action_map_add_action (G_ACTION_MAP (self), snap);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);

  apply_color_scheme (self);
  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (apply_color_scheme), self, G_CONNECT_SWAPPED);
}

static void
gloss_application_dispose (GObject *object)
{
  GlossApplication *self = GLOSS_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (gloss_application_parent_class)->dispose (object);
}

static void
gloss_application_class_init (GlossApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = gloss_application_dispose;

  app_class->activate = gloss_application_activate;
  app_class->open = gloss_application_open;
  app_class->startup = gloss_application_startup;
}

static void
gloss_application_init (GlossApplication *self)
{
  self->settings = g_settings_new (APPLICATION_ID);
}

GlossApplication *
gloss_application_new (void)
{
  return g_object_new (GLOSS_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/org/glossapp/Gloss",
                       NULL);
}
