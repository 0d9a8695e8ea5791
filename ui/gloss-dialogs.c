/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-dialogs"

#include "config.h"

#include "gloss-dialogs.h"

#include <adwaita.h>
#include <glib/gi18n.h>

typedef struct
{
  gpointer        callback;
  gpointer        user_data;
  GDestroyNotify  destroy;
  GtkWidget      *entry;    /* ask_text only */
} Pending;

static Pending *
pending_new (gpointer       callback,
             gpointer       user_data,
             GDestroyNotify destroy)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->callback = callback;
  pending->user_data = user_data;
  pending->destroy = destroy;
  return pending;
}

static void
pending_free (Pending *pending)
{
  if (pending->destroy != NULL)
    pending->destroy (pending->user_data);
  g_free (pending);
}

/* Files ------------------------------------------------------------------- */

static GtkFileFilter *
project_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Gloss projects"));
  gtk_file_filter_add_mime_type (filter, "application/x-gloss-project");
  gtk_file_filter_add_suffix (filter, "gloss");
  return filter;
}

static void
on_file_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     Pending         *pending)
{
  GlossFileFunc callback = (GlossFileFunc) pending->callback;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          g_autofree char *path = g_file_get_path (file);

          if (path != NULL)
            callback (path, pending->user_data);
        }
    }
  else
    callback (NULL, pending->user_data);

  pending_free (pending);
  g_object_unref (dialog);
}

void
gloss_dialog_choose_file (GtkWindow            *parent,
                          const char           *title,
                          GtkFileChooserAction  action,
                          const char           *accept_label,
                          const char           *suggested_name,
                          GlossFileFunc         callback,
                          gpointer              user_data,
                          GDestroyNotify        destroy)
{
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = project_filter ();

  dialog = gtk_file_chooser_native_new (title, parent, action, accept_label, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  if (suggested_name != NULL && action == GTK_FILE_CHOOSER_ACTION_SAVE)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), suggested_name);

  g_signal_connect (dialog, "response", G_CALLBACK (on_file_response_cb),
                    pending_new (callback, user_data, destroy));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

void
gloss_dialog_choose_text_files (GtkWindow      *parent,
                                GlossFileFunc   callback,
                                gpointer        user_data,
                                GDestroyNotify  destroy)
{
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) texts = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (texts, _("Transcripts (text, Word, OpenDocument)"));
  gtk_file_filter_add_mime_type (texts, "text/plain");
  gtk_file_filter_add_suffix (texts, "txt");
  gtk_file_filter_add_suffix (texts, "docx");
  gtk_file_filter_add_suffix (texts, "odt");
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");

  dialog = gtk_file_chooser_native_new (_("Import Text"), parent, GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), texts);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all);

  g_signal_connect (dialog, "response", G_CALLBACK (on_file_response_cb),
                    pending_new (callback, user_data, destroy));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_files_response_cb (GtkNativeDialog *dialog,
                      int              response,
                      Pending         *pending)
{
  GlossFilesFunc callback = (GlossFilesFunc) pending->callback;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) paths = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          g_autofree char *path = g_file_get_path (file);

          if (path != NULL)
            g_strv_builder_add (builder, path);
        }
      paths = g_strv_builder_end (builder);
    }

  callback (paths != NULL && paths[0] != NULL ? (const char * const *) paths : NULL, pending->user_data);
  pending_free (pending);
  g_object_unref (dialog);
}

/* Several project files at once, all handed to @callback in one call;
 * @folder (nullable) is where the chooser starts. */
void
gloss_dialog_choose_projects (GtkWindow      *parent,
                              const char     *title,
                              const char     *accept_label,
                              const char     *folder,
                              GlossFilesFunc  callback,
                              gpointer        user_data,
                              GDestroyNotify  destroy)
{
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = project_filter ();

  dialog = gtk_file_chooser_native_new (title, parent, GTK_FILE_CHOOSER_ACTION_OPEN, accept_label, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  if (folder != NULL)
    {
      g_autoptr(GFile) start = g_file_new_for_path (folder);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), start, NULL);
    }

  g_signal_connect (dialog, "response", G_CALLBACK (on_files_response_cb),
                    pending_new (callback, user_data, destroy));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Messages ---------------------------------------------------------------- */

static void
on_confirm_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        Pending          *pending)
{
  if (g_strcmp0 (response, "confirm") == 0)
    ((GlossConfirmFunc) pending->callback) (pending->user_data);
}

void
gloss_dialog_confirm (GtkWindow        *parent,
                      const char       *heading,
                      const char       *body,
                      const char       *confirm_label,
                      gboolean          destructive,
                      GlossConfirmFunc  callback,
                      gpointer          user_data,
                      GDestroyNotify    destroy)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "confirm", confirm_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "confirm",
                                              destructive ? ADW_RESPONSE_DESTRUCTIVE
                                                          : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), destructive ? "cancel" : "confirm");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_confirm_response_cb),
                         pending_new (callback, user_data, destroy),
                         (GClosureNotify) (void (*) (void)) pending_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_text_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     Pending          *pending)
{
  if (g_strcmp0 (response, "accept") == 0)
    {
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (pending->entry))));

      ((GlossTextFunc) pending->callback) (text, pending->user_data);
    }
}

static void
on_text_changed_cb (GtkEditable      *entry,
                    AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "accept", text[0] != '\0');
}

static void
on_text_activate_cb (GtkEntry         *entry,
                     AdwMessageDialog *dialog)
{
  if (adw_message_dialog_get_response_enabled (dialog, "accept"))
    adw_message_dialog_response (dialog, "accept");
}

void
gloss_dialog_ask_text (GtkWindow     *parent,
                       const char    *heading,
                       const char    *body,
                       const char    *initial,
                       const char    *accept_label,
                       GlossTextFunc  callback,
                       gpointer       user_data,
                       GDestroyNotify destroy)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);
  GtkWidget *entry = gtk_entry_new ();
  Pending *pending = pending_new (callback, user_data, destroy);

  pending->entry = entry;
  gtk_editable_set_text (GTK_EDITABLE (entry), initial != NULL ? initial : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, heading, -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "accept", accept_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "accept", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "accept");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  on_text_changed_cb (GTK_EDITABLE (entry), ADW_MESSAGE_DIALOG (dialog));

  g_signal_connect (entry, "changed", G_CALLBACK (on_text_changed_cb), dialog);
  g_signal_connect (entry, "activate", G_CALLBACK (on_text_activate_cb), dialog);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_text_response_cb), pending,
                         (GClosureNotify) (void (*) (void)) pending_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

void
gloss_dialog_message (GtkWindow  *parent,
                      const char *heading,
                      const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}
