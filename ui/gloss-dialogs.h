/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Every dialog Gloss shows goes through these helpers, so moving to newer
 * dialog API (GtkFileDialog, AdwAlertDialog) touches this file only. */

typedef void (*GlossFileFunc)    (const char *path,       /* NULL when cancelled */
                                  gpointer    user_data);
typedef void (*GlossConfirmFunc) (gpointer    user_data);
typedef void (*GlossTextFunc)    (const char *text,
                                  gpointer    user_data);
typedef void (*GlossFilesFunc)   (const char * const *paths, /* NULL when cancelled */
                                  gpointer            user_data);

void gloss_dialog_choose_file (GtkWindow            *parent,
                               const char           *title,
                               GtkFileChooserAction  action,
                               const char           *accept_label,
                               const char           *suggested_name,
                               GlossFileFunc         callback,
                               gpointer              user_data,
                               GDestroyNotify        destroy);
void gloss_dialog_choose_text_files (GtkWindow      *parent,
                                     GlossFileFunc   callback,
                                     gpointer        user_data,
                                     GDestroyNotify  destroy);
void gloss_dialog_choose_projects (GtkWindow      *parent,
                                   const char     *title,
                                   const char     *accept_label,
                                   const char     *folder,
                                   GlossFilesFunc  callback,
                                   gpointer        user_data,
                                   GDestroyNotify  destroy);
void gloss_dialog_confirm     (GtkWindow            *parent,
                               const char           *heading,
                               const char           *body,
                               const char           *confirm_label,
                               gboolean              destructive,
                               GlossConfirmFunc      callback,
                               gpointer              user_data,
                               GDestroyNotify        destroy);
void gloss_dialog_ask_text    (GtkWindow            *parent,
                               const char           *heading,
                               const char           *body,
                               const char           *initial,
                               const char           *accept_label,
                               GlossTextFunc         callback,
                               gpointer              user_data,
                               GDestroyNotify        destroy);
void gloss_dialog_message     (GtkWindow            *parent,
                               const char           *heading,
                               const char           *body);

G_END_DECLS
