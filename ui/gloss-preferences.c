/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-preferences"

#include "config.h"

#include "gloss-preferences.h"

#include <glib/gi18n.h>

/* GlossPreferences shows Gloss's settings, each bound to its GSettings
 * key: whoever else reads the key (the window, the application's colour
 * scheme) follows at once.  The annotator's name is written only when
 * applied, so a half-typed name never reaches a project. */

struct _GlossPreferences
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  AdwEntryRow          *annotator_row;
  GtkAdjustment        *zoom_adjustment;
  AdwComboRow          *highlight_row;
  GtkSwitch            *snap_switch;
  AdwComboRow          *style_row;

  /* Owned */
  GSettings            *settings;
};

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (GlossPreferences, gloss_preferences, ADW_TYPE_PREFERENCES_WINDOW)

/* The nicks of the schema's enums, in the order the rows list them. */
static const char * const highlight_styles[] = { "bands", "underline", "background", NULL };
static const char * const color_schemes[] = { "default", "light", "dark", NULL };

static gboolean
get_enum_position (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  const char * const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; nicks[i] != NULL; i++)
    if (g_str_equal (nicks[i], nick))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
set_enum_position (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  const char * const *nicks = user_data;
  guint position = g_value_get_uint (value);

  if (position >= g_strv_length ((char **) nicks))
    return NULL;
  return g_variant_new_string (nicks[position]);
}

static gboolean
get_percent (GValue   *value,
             GVariant *variant,
             gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_double (variant) * 100.0);
  return TRUE;
}

static GVariant *
set_percent (const GValue       *value,
             const GVariantType *expected_type,
             gpointer            user_data)
{
  return g_variant_new_double (CLAMP (g_value_get_double (value) / 100.0, 0.5, 3.0));
}

static void
on_annotator_changed_cb (GlossPreferences *self)
{
  g_autofree char *name = g_settings_get_string (self->settings, "annotator");

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->annotator_row)), name) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->annotator_row), name);
}

static void
on_annotator_row_apply_cb (GlossPreferences *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->annotator_row))));

  if (name[0] == '\0')
    {
      /* Keep the old name rather than leave annotations without one. */
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("An annotator needs a name: the previous one is kept.")));
      on_annotator_changed_cb (self);
      return;
    }
  g_settings_set_string (self->settings, "annotator", name);
  /* Shows the name as stored, without the spaces around it. */
  on_annotator_changed_cb (self);
}

GSettings *
gloss_preferences_get_settings (GlossPreferences *self)
{
  g_return_val_if_fail (GLOSS_IS_PREFERENCES (self), NULL);

  return self->settings;
}

static void
gloss_preferences_constructed (GObject *object)
{
  GlossPreferences *self = GLOSS_PREFERENCES (object);

  G_OBJECT_CLASS (gloss_preferences_parent_class)->constructed (object);

  g_return_if_fail (G_IS_SETTINGS (self->settings));

  g_settings_bind_with_mapping (self->settings, "zoom", self->zoom_adjustment, "value",
                                G_SETTINGS_BIND_DEFAULT, get_percent, set_percent, NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "highlight-style", self->highlight_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, get_enum_position, set_enum_position,
                                (gpointer) highlight_styles, NULL);
  g_settings_bind_with_mapping (self->settings, "color-scheme", self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, get_enum_position, set_enum_position,
                                (gpointer) color_schemes, NULL);
  g_settings_bind (self->settings, "snap-to-words", self->snap_switch, "active", G_SETTINGS_BIND_DEFAULT);

  g_signal_connect_object (self->settings, "changed::annotator", G_CALLBACK (on_annotator_changed_cb), self,
                           G_CONNECT_SWAPPED);
  on_annotator_changed_cb (self);
}

static void
gloss_preferences_dispose (GObject *object)
{
  GlossPreferences *self = GLOSS_PREFERENCES (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), GLOSS_TYPE_PREFERENCES);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (gloss_preferences_parent_class)->dispose (object);
}

static void
gloss_preferences_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  GlossPreferences *self = GLOSS_PREFERENCES (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gloss_preferences_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  GlossPreferences *self = GLOSS_PREFERENCES (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gloss_preferences_class_init (GlossPreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = gloss_preferences_constructed;
  object_class->dispose = gloss_preferences_dispose;
  object_class->get_property = gloss_preferences_get_property;
  object_class->set_property = gloss_preferences_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/glossapp/Gloss/gloss-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, GlossPreferences, annotator_row);
  gtk_widget_class_bind_template_child (widget_class, GlossPreferences, zoom_adjustment);
  gtk_widget_class_bind_template_child (widget_class, GlossPreferences, highlight_row);
  gtk_widget_class_bind_template_child (widget_class, GlossPreferences, snap_switch);
  gtk_widget_class_bind_template_child (widget_class, GlossPreferences, style_row);
  gtk_widget_class_bind_template_callback (widget_class, on_annotator_row_apply_cb);
}

static void
gloss_preferences_init (GlossPreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * gloss_preferences_new:
 * @settings: Gloss's settings (schema org.glossapp.Gloss)
 *
 * Returns: (transfer full): a preferences window bound to @settings
 */
GlossPreferences *
gloss_preferences_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (GLOSS_TYPE_PREFERENCES, "settings", settings, NULL);
}

/**
 * gloss_show_about:
 * @parent: (nullable): the window the about window belongs to
 *
 * Shows who made Gloss, its version and licence.
 */
void
gloss_show_about (GtkWindow *parent)
{
  static const char *developers[] = { "The Gloss developers", NULL };
  AdwAboutWindow *about = ADW_ABOUT_WINDOW (adw_about_window_new ());

  adw_about_window_set_application_name (about, _("Gloss"));
  adw_about_window_set_application_icon (about, APPLICATION_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_comments (about, _("Annotate interview transcripts with actors, themes and stances, "
                                          "and compare your coding with your colleagues’."));
  adw_about_window_set_developer_name (about, _("The Gloss developers"));
  adw_about_window_set_developers (about, developers);
  adw_about_window_set_website (about, "https://glossapp.org/");
  adw_about_window_set_issue_url (about, "https://glossapp.org/issues");
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_set_copyright (about, "© 2026 The Gloss developers");
  /* Translators: your names, one per line, as you want them credited */
  adw_about_window_set_translator_credits (about, _("translator-credits"));
  adw_about_window_set_release_notes_version (about, PACKAGE_VERSION);
  adw_about_window_set_release_notes (about, _("<p>First release.</p>"));
  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  gtk_window_set_modal (GTK_WINDOW (about), parent != NULL);
  gtk_window_present (GTK_WINDOW (about));
}
