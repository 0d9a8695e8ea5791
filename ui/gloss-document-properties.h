/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "gloss-project.h"

G_BEGIN_DECLS

#define GLOSS_TYPE_DOCUMENT_PROPERTIES (gloss_document_properties_get_type ())
G_DECLARE_FINAL_TYPE (GlossDocumentProperties, gloss_document_properties, GLOSS, DOCUMENT_PROPERTIES,
                      AdwPreferencesPage)

GtkWidget    *gloss_document_properties_new          (void);
GtkWindow    *gloss_document_properties_present      (GtkWindow               *parent,
                                                      GlossProject            *project,
                                                      gint64                   document);
GlossProject *gloss_document_properties_get_project  (GlossDocumentProperties *self);
gint64        gloss_document_properties_get_document (GlossDocumentProperties *self);
void          gloss_document_properties_set_document (GlossDocumentProperties *self,
                                                      GlossProject            *project,
                                                      gint64                   document);
gboolean      gloss_document_properties_reload       (GlossDocumentProperties *self,
                                                      GError                 **error);
void          gloss_document_properties_flush        (GlossDocumentProperties *self);
const char   *gloss_document_properties_get_message  (GlossDocumentProperties *self);

G_END_DECLS
