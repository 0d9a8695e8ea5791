/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "gloss-project.h"

G_BEGIN_DECLS

#define GLOSS_TYPE_CODEBOOK_EDITOR (gloss_codebook_editor_get_type ())
G_DECLARE_FINAL_TYPE (GlossCodebookEditor, gloss_codebook_editor, GLOSS, CODEBOOK_EDITOR, GtkWidget)

GtkWidget    *gloss_codebook_editor_new                  (void);
GtkWindow    *gloss_codebook_editor_present              (GtkWindow           *parent,
                                                          GlossProject        *project);
GlossProject *gloss_codebook_editor_get_project          (GlossCodebookEditor *self);
void          gloss_codebook_editor_set_project          (GlossCodebookEditor *self,
                                                          GlossProject        *project);
gboolean      gloss_codebook_editor_reload               (GlossCodebookEditor *self,
                                                          GError             **error);
gboolean      gloss_codebook_editor_select_code          (GlossCodebookEditor *self,
                                                          gint64               code);
gboolean      gloss_codebook_editor_select_dimension     (GlossCodebookEditor *self,
                                                          gint64               dimension);
gint64        gloss_codebook_editor_get_selected_code    (GlossCodebookEditor *self);
gint64        gloss_codebook_editor_get_selected_dimension (GlossCodebookEditor *self);
gint64        gloss_codebook_editor_get_count            (GlossCodebookEditor *self,
                                                          gint64               code);
const char   *gloss_codebook_editor_get_message          (GlossCodebookEditor *self);

G_END_DECLS
