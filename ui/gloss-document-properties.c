/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-document-properties"

#include "config.h"

#include "gloss-document-properties.h"

#include <glib/gi18n.h>

/* GlossDocumentProperties edits what a project knows about one document:
 * its title, its attributes (interviewee, date, place and keys of the
 * user's own) and its memo.  It is a preferences page, shown in a
 * preferences window by gloss_document_properties_present() or added to
 * one of the caller's.  Each field is saved when applied (the entry's
 * button or Enter); the memo a moment after typing stops.  Everything goes
 * through the engine, and is read back after each change. */

#define MEMO_DELAY_MS 800

static const char * const fixed_keys[] = { "interviewee", "date", "place" };

struct _GlossDocumentProperties
{
  AdwPreferencesPage    parent_instance;

  /* Template widgets */
  AdwEntryRow          *title_row;
  AdwActionRow         *source_row;
  AdwActionRow         *size_row;
  AdwPreferencesGroup  *attributes_group;
  AdwEntryRow          *interviewee_row;
  AdwEntryRow          *date_row;
  AdwEntryRow          *place_row;
  AdwEntryRow          *new_key_row;
  GtkTextView          *memo_view;

  /* Owned */
  GlossProject         *project;
  GHashTable           *key_rows;      /* key → AdwEntryRow (borrowed), the user's own keys */
  GHashTable           *pending_keys;  /* keys added here, not yet given a value */
  char                 *saved_memo;
  char                 *message;
  gint64                document;
  guint                 memo_timeout;
  guint                 reload_id;
  gboolean              loading;
  gboolean              stale;
};

G_DEFINE_FINAL_TYPE (GlossDocumentProperties, gloss_document_properties, ADW_TYPE_PREFERENCES_PAGE)

static void on_attribute_row_apply_cb (GlossDocumentProperties *self,
                                       AdwEntryRow             *row);

static gboolean
is_fixed_key (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (fixed_keys); i++)
    if (g_str_equal (key, fixed_keys[i]))
      return TRUE;
  return FALSE;
}

static AdwEntryRow *
fixed_row (GlossDocumentProperties *self,
           const char              *key)
{
  AdwEntryRow *rows[] = { self->interviewee_row, self->date_row, self->place_row };

  G_STATIC_ASSERT (G_N_ELEMENTS (rows) == G_N_ELEMENTS (fixed_keys));
  for (guint i = 0; i < G_N_ELEMENTS (fixed_keys); i++)
    if (g_str_equal (key, fixed_keys[i]))
      return rows[i];
  return NULL;
}

static gboolean
has_focus_within (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* Sets @row's text unless the user is typing in it. */
static void
set_row_text (AdwEntryRow *row,
              const char  *text,
              gboolean     force)
{
  if (!force && has_focus_within (GTK_WIDGET (row)))
    return;
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), text != NULL ? text : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static void
show_message (GlossDocumentProperties *self,
              const char              *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  g_free (self->message);
  self->message = g_strdup (message);
  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (message));
}

/* Attribute rows of the user's own keys --------------------------------------- */

static void
on_remove_clicked_cb (GtkButton               *button,
                      GlossDocumentProperties *self)
{
  AdwEntryRow *row = g_object_get_data (G_OBJECT (button), "gloss-row");

  gtk_editable_set_text (GTK_EDITABLE (row), "");
  on_attribute_row_apply_cb (self, row);
}

/* A row for @key, placed before the row that adds keys. */
static AdwEntryRow *
add_key_row (GlossDocumentProperties *self,
             const char              *key)
{
  AdwEntryRow *row = ADW_ENTRY_ROW (adw_entry_row_new ());
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *tooltip = g_strdup_printf (_("Remove “%s”"), key);
  g_autofree char *title = NULL;
  char first[8] = { 0 };

  /* Shown with a capital, like the rows above; stored as typed. */
  g_unichar_to_utf8 (g_unichar_totitle (g_utf8_get_char (key)), first);
  title = g_strconcat (first, g_utf8_next_char (key), NULL);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_show_apply_button (row, TRUE);
  g_object_set_data_full (G_OBJECT (row), "gloss-key", g_strdup (key), g_free);
  g_signal_connect_object (row, "apply", G_CALLBACK (on_attribute_row_apply_cb), self, G_CONNECT_SWAPPED);

  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  g_object_set_data (G_OBJECT (remove), "gloss-row", row);
  g_signal_connect_object (remove, "clicked", G_CALLBACK (on_remove_clicked_cb), self, 0);
  adw_entry_row_add_suffix (row, remove);

  g_object_ref (self->new_key_row);
  adw_preferences_group_remove (self->attributes_group, GTK_WIDGET (self->new_key_row));
  adw_preferences_group_add (self->attributes_group, GTK_WIDGET (row));
  adw_preferences_group_add (self->attributes_group, GTK_WIDGET (self->new_key_row));
  g_object_unref (self->new_key_row);

  g_hash_table_insert (self->key_rows, g_strdup (key), row);
  return row;
}

static void
remove_key_row (GlossDocumentProperties *self,
                const char              *key)
{
  AdwEntryRow *row = g_hash_table_lookup (self->key_rows, key);

  if (row == NULL)
    return;
  adw_preferences_group_remove (self->attributes_group, GTK_WIDGET (row));
  g_hash_table_remove (self->key_rows, key);
}

/* Reading ---------------------------------------------------------------------- */

static char *
format_imported (GlossDocument *document)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (document->imported_at, NULL);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;
  /* Translators: the date a document was imported, see g_date_time_format() */
  g_autofree char *when = local != NULL ? g_date_time_format (local, _("%e %B %Y")) : g_strdup ("");

  g_strstrip (when);
  if (document->source_name != NULL)
    /* Translators: "From “interview.txt”, 28 November 2026" */
    return g_strdup_printf (_("From “%s”, %s"), document->source_name, when);
  return g_strdup (when);
}

/**
 * gloss_document_properties_reload:
 * @error: return location for a #GError
 *
 * Reads the document's title, attributes and memo again.  Fields being
 * edited keep what was typed.
 *
 * Returns: %TRUE on success
 */
gboolean
gloss_document_properties_reload (GlossDocumentProperties  *self,
                                  GError                  **error)
{
  g_autoptr(GlossDocument) document = NULL;
  g_autoptr(GPtrArray) attributes = NULL;
  g_autoptr(GHashTable) values = NULL;
  g_autoptr(GPtrArray) stale_keys = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *imported = NULL;
  g_autofree char *length = NULL;
  g_autofree char *annotations = NULL;
  g_autofree char *size = NULL;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (GLOSS_IS_DOCUMENT_PROPERTIES (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_clear_handle_id (&self->reload_id, g_source_remove);
  self->stale = FALSE;
  if (self->project == NULL || self->document == 0)
    return TRUE;

  document = gloss_project_get_document (self->project, self->document, error);
  if (document == NULL)
    return FALSE;
  attributes = gloss_project_list_attributes (self->project, self->document, error);
  if (attributes == NULL)
    return FALSE;

  self->loading = TRUE;

  set_row_text (self->title_row, document->title, FALSE);
  imported = format_imported (document);
  adw_action_row_set_subtitle (self->source_row, imported);
  length = g_strdup_printf (ngettext ("%'lld character", "%'lld characters", document->length),
                            (long long) document->length);
  annotations = g_strdup_printf (ngettext ("%'lld annotation", "%'lld annotations",
                                           document->n_annotations),
                                 (long long) document->n_annotations);
  /* Translators: "15,830 characters · 15 annotations" */
  size = g_strdup_printf (C_("document size", "%s · %s"), length, annotations);
  adw_action_row_set_subtitle (self->size_row, size);

  values = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < attributes->len; i++)
    {
      GlossAttribute *attribute = g_ptr_array_index (attributes, i);

      g_hash_table_insert (values, attribute->key, attribute->value);
    }

  for (guint i = 0; i < G_N_ELEMENTS (fixed_keys); i++)
    set_row_text (fixed_row (self, fixed_keys[i]), g_hash_table_lookup (values, fixed_keys[i]), FALSE);

  /* The user's own keys: rows for those the document has or that were
   * just added here, in the engine's order. */
  g_hash_table_iter_init (&iter, self->key_rows);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (values, key) && !g_hash_table_contains (self->pending_keys, key))
      g_ptr_array_add (stale_keys, g_strdup (key));
  for (guint i = 0; i < stale_keys->len; i++)
    remove_key_row (self, g_ptr_array_index (stale_keys, i));

  for (guint i = 0; i < attributes->len; i++)
    {
      GlossAttribute *attribute = g_ptr_array_index (attributes, i);
      AdwEntryRow *row;

      if (is_fixed_key (attribute->key))
        continue;
      g_hash_table_remove (self->pending_keys, attribute->key);
      row = g_hash_table_lookup (self->key_rows, attribute->key);
      if (row == NULL)
        row = add_key_row (self, attribute->key);
      set_row_text (row, attribute->value, FALSE);
    }

  if (self->memo_timeout == 0 && !gtk_widget_has_focus (GTK_WIDGET (self->memo_view)))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->memo_view);

      gtk_text_buffer_set_text (buffer, document->memo != NULL ? document->memo : "", -1);
      g_free (self->saved_memo);
      self->saved_memo = g_strdup (document->memo != NULL ? document->memo : "");
    }

  self->loading = FALSE;
  return TRUE;
}

static void
refresh (GlossDocumentProperties *self)
{
  g_autoptr(GError) error = NULL;

  if (!gloss_document_properties_reload (self, &error))
    show_message (self, error->message);
}

static gboolean
reload_cb (gpointer user_data)
{
  GlossDocumentProperties *self = user_data;

  self->reload_id = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

static void
on_project_changed_cb (GlossDocumentProperties *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  if (self->reload_id == 0)
    self->reload_id = g_idle_add (reload_cb, self);
}

/* Writing ----------------------------------------------------------------------- */

static void
mark (AdwEntryRow *row,
      gboolean     ok)
{
  if (ok)
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
}

static void
on_title_row_apply_cb (GlossDocumentProperties *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row))));
  gboolean ok;

  if (self->project == NULL || self->document == 0)
    return;
  ok = gloss_project_rename_document (self->project, self->document, title, &error);
  mark (self->title_row, ok);
  if (!ok)
    show_message (self, error->message);
  refresh (self);
}

static void
on_attribute_row_apply_cb (GlossDocumentProperties *self,
                           AdwEntryRow             *row)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = g_strdup (g_object_get_data (G_OBJECT (row), "gloss-key"));
  g_autofree char *value = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  gboolean ok;

  if (self->project == NULL || self->document == 0 || key == NULL)
    return;

  ok = gloss_project_set_attribute (self->project, self->document, key, value[0] != '\0' ? value : NULL,
                                    &error);
  mark (row, ok);
  if (!ok)
    show_message (self, error->message);
  else if (value[0] == '\0')
    g_hash_table_remove (self->pending_keys, key);
  refresh (self);
}

static void
on_new_key_row_apply_cb (GlossDocumentProperties *self)
{
  g_autofree char *key = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_key_row))));
  AdwEntryRow *row;

  if (key[0] == '\0')
    return;

  row = fixed_row (self, key);
  if (row == NULL)
    row = g_hash_table_lookup (self->key_rows, key);
  if (row == NULL)
    {
      g_hash_table_add (self->pending_keys, g_strdup (key));
      row = add_key_row (self, key);
    }

  gtk_editable_set_text (GTK_EDITABLE (self->new_key_row), "");
  /* The value comes next. */
  gtk_widget_grab_focus (GTK_WIDGET (row));
}

/**
 * gloss_document_properties_flush:
 *
 * Saves the memo now if it was edited, rather than a moment later.
 */
void
gloss_document_properties_flush (GlossDocumentProperties *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *memo = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_if_fail (GLOSS_IS_DOCUMENT_PROPERTIES (self));

  g_clear_handle_id (&self->memo_timeout, g_source_remove);
  if (self->project == NULL || self->document == 0)
    return;

  buffer = gtk_text_view_get_buffer (self->memo_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  memo = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (g_strcmp0 (memo, self->saved_memo) == 0)
    return;

  g_free (self->saved_memo);
  self->saved_memo = g_strdup (memo);
  if (!gloss_project_set_document_memo (self->project, self->document, memo[0] != '\0' ? memo : NULL, &error))
    show_message (self, error->message);
}

static gboolean
on_memo_timeout_cb (gpointer user_data)
{
  GlossDocumentProperties *self = user_data;

  self->memo_timeout = 0;
  gloss_document_properties_flush (self);
  return G_SOURCE_REMOVE;
}

static void
on_memo_changed_cb (GlossDocumentProperties *self)
{
  if (self->loading)
    return;
  g_clear_handle_id (&self->memo_timeout, g_source_remove);
  self->memo_timeout = g_timeout_add (MEMO_DELAY_MS, on_memo_timeout_cb, self);
}

/* Actions, for keyboard-free use and tests ------------------------------------- */

static void
set_title_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  GlossDocumentProperties *self = GLOSS_DOCUMENT_PROPERTIES (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->title_row), g_variant_get_string (parameter, NULL));
  on_title_row_apply_cb (self);
}

static void
set_attribute_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  GlossDocumentProperties *self = GLOSS_DOCUMENT_PROPERTIES (widget);
  const char *key, *value;
  AdwEntryRow *row;

  g_variant_get (parameter, "(&s&s)", &key, &value);
  row = fixed_row (self, key);
  if (row == NULL)
    row = g_hash_table_lookup (self->key_rows, key);
  if (row == NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->new_key_row), key);
      on_new_key_row_apply_cb (self);
      row = g_hash_table_lookup (self->key_rows, key);
    }
  if (row == NULL)
    return;
  gtk_editable_set_text (GTK_EDITABLE (row), value);
  on_attribute_row_apply_cb (self, row);
}

static void
set_memo_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  GlossDocumentProperties *self = GLOSS_DOCUMENT_PROPERTIES (widget);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->memo_view), g_variant_get_string (parameter, NULL), -1);
  gloss_document_properties_flush (self);
}

/* Public API --------------------------------------------------------------------- */

GlossProject *
gloss_document_properties_get_project (GlossDocumentProperties *self)
{
  g_return_val_if_fail (GLOSS_IS_DOCUMENT_PROPERTIES (self), NULL);

  return self->project;
}

gint64
gloss_document_properties_get_document (GlossDocumentProperties *self)
{
  g_return_val_if_fail (GLOSS_IS_DOCUMENT_PROPERTIES (self), 0);

  return self->document;
}

/**
 * gloss_document_properties_set_document:
 * @project: (nullable): the project
 * @document: the document to edit, 0 for none
 *
 * Shows @document.  An edited memo of the previous document is saved
 * first.  Errors reading the document show as the page's message.
 */
void
gloss_document_properties_set_document (GlossDocumentProperties *self,
                                        GlossProject            *project,
                                        gint64                   document)
{
  GHashTableIter iter;
  gpointer key;
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);

  g_return_if_fail (GLOSS_IS_DOCUMENT_PROPERTIES (self));
  g_return_if_fail (project == NULL || GLOSS_IS_PROJECT (project));

  gloss_document_properties_flush (self);

  if (self->project != project)
    {
      if (self->project != NULL)
        g_signal_handlers_disconnect_by_func (self->project, on_project_changed_cb, self);
      g_set_object (&self->project, project);
      if (project != NULL)
        g_signal_connect_object (project, "changed", G_CALLBACK (on_project_changed_cb), self,
                                 G_CONNECT_SWAPPED);
    }

  self->document = document;
  g_hash_table_remove_all (self->pending_keys);
  g_hash_table_iter_init (&iter, self->key_rows);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, g_strdup (key));
  for (guint i = 0; i < keys->len; i++)
    remove_key_row (self, g_ptr_array_index (keys, i));

  /* Another document: what was typed for the last one goes. */
  g_clear_pointer (&self->saved_memo, g_free);
  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->title_row), "");
  for (guint i = 0; i < G_N_ELEMENTS (fixed_keys); i++)
    gtk_editable_set_text (GTK_EDITABLE (fixed_row (self, fixed_keys[i])), "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->memo_view), "", -1);
  self->loading = FALSE;

  refresh (self);
}

/**
 * gloss_document_properties_get_message:
 *
 * Returns: (nullable): the last error the page showed
 */
const char *
gloss_document_properties_get_message (GlossDocumentProperties *self)
{
  g_return_val_if_fail (GLOSS_IS_DOCUMENT_PROPERTIES (self), NULL);

  return self->message;
}

/**
 * gloss_document_properties_present:
 * @parent: (nullable): the window it belongs to
 * @project: the project
 * @document: the document to edit
 *
 * Shows the document's properties in a preferences window.
 *
 * Returns: (transfer none): that window
 */
GtkWindow *
gloss_document_properties_present (GtkWindow    *parent,
                                   GlossProject *project,
                                   gint64        document)
{
  GtkWidget *window = adw_preferences_window_new ();
  GtkWidget *page = gloss_document_properties_new ();

  g_return_val_if_fail (GLOSS_IS_PROJECT (project), NULL);

  gtk_window_set_title (GTK_WINDOW (window), _("Document Properties"));
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 720);
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_modal (GTK_WINDOW (window), parent != NULL);
  adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (window), FALSE);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  gloss_document_properties_set_document (GLOSS_DOCUMENT_PROPERTIES (page), project, document);
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

/* GObject ------------------------------------------------------------------------ */

static void
gloss_document_properties_map (GtkWidget *widget)
{
  GlossDocumentProperties *self = GLOSS_DOCUMENT_PROPERTIES (widget);

  GTK_WIDGET_CLASS (gloss_document_properties_parent_class)->map (widget);

  if (self->stale)
    on_project_changed_cb (self);
}

static void
gloss_document_properties_unmap (GtkWidget *widget)
{
  gloss_document_properties_flush (GLOSS_DOCUMENT_PROPERTIES (widget));

  GTK_WIDGET_CLASS (gloss_document_properties_parent_class)->unmap (widget);
}

static void
gloss_document_properties_dispose (GObject *object)
{
  GlossDocumentProperties *self = GLOSS_DOCUMENT_PROPERTIES (object);

  if (self->memo_view != NULL)
    gloss_document_properties_flush (self);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_func (self->project, on_project_changed_cb, self);
  g_clear_object (&self->project);
  g_hash_table_remove_all (self->key_rows);

  gtk_widget_dispose_template (GTK_WIDGET (self), GLOSS_TYPE_DOCUMENT_PROPERTIES);

  G_OBJECT_CLASS (gloss_document_properties_parent_class)->dispose (object);
}

static void
gloss_document_properties_finalize (GObject *object)
{
  GlossDocumentProperties *self = GLOSS_DOCUMENT_PROPERTIES (object);

  g_hash_table_unref (self->key_rows);
  g_hash_table_unref (self->pending_keys);
  g_free (self->saved_memo);
  g_free (self->message);

  G_OBJECT_CLASS (gloss_document_properties_parent_class)->finalize (object);
}

static void
gloss_document_properties_class_init (GlossDocumentPropertiesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gloss_document_properties_dispose;
  object_class->finalize = gloss_document_properties_finalize;
  widget_class->map = gloss_document_properties_map;
  widget_class->unmap = gloss_document_properties_unmap;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/glossapp/Gloss/gloss-document-properties.ui");
  gtk_widget_class_bind_template_child (widget_class, GlossDocumentProperties, title_row);
  gtk_widget_class_bind_template_child (widget_class, GlossDocumentProperties, source_row);
  gtk_widget_class_bind_template_child (widget_class, GlossDocumentProperties, size_row);
  gtk_widget_class_bind_template_child (widget_class, GlossDocumentProperties, attributes_group);
  gtk_widget_class_bind_template_child (widget_class, GlossDocumentProperties, interviewee_row);
  gtk_widget_class_bind_template_child (widget_class, GlossDocumentProperties, date_row);
  gtk_widget_class_bind_template_child (widget_class, GlossDocumentProperties, place_row);
  gtk_widget_class_bind_template_child (widget_class, GlossDocumentProperties, new_key_row);
  gtk_widget_class_bind_template_child (widget_class, GlossDocumentProperties, memo_view);
  gtk_widget_class_bind_template_callback (widget_class, on_title_row_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_new_key_row_apply_cb);

  gtk_widget_class_install_action (widget_class, "properties.set-title", "s", set_title_action);
  gtk_widget_class_install_action (widget_class, "properties.set-attribute", "(ss)", set_attribute_action);
  gtk_widget_class_install_action (widget_class, "properties.set-memo", "s", set_memo_action);
}

static void
gloss_document_properties_init (GlossDocumentProperties *self)
{
  GtkEventController *focus;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->key_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (fixed_keys); i++)
    {
      AdwEntryRow *row = fixed_row (self, fixed_keys[i]);

      g_object_set_data (G_OBJECT (row), "gloss-key", (gpointer) fixed_keys[i]);
      g_signal_connect_object (row, "apply", G_CALLBACK (on_attribute_row_apply_cb), self, G_CONNECT_SWAPPED);
    }

  g_signal_connect_object (gtk_text_view_get_buffer (self->memo_view), "changed",
                           G_CALLBACK (on_memo_changed_cb), self, G_CONNECT_SWAPPED);
  focus = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (gloss_document_properties_flush), self);
  gtk_widget_add_controller (GTK_WIDGET (self->memo_view), focus);
}

GtkWidget *
gloss_document_properties_new (void)
{
  return g_object_new (GLOSS_TYPE_DOCUMENT_PROPERTIES, NULL);
}
