/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "gloss-project.h"

G_BEGIN_DECLS

#define GLOSS_TYPE_ANNOTATION_LIST (gloss_annotation_list_get_type ())
G_DECLARE_FINAL_TYPE (GlossAnnotationList, gloss_annotation_list, GLOSS, ANNOTATION_LIST, GtkWidget)

GtkWidget    *gloss_annotation_list_new                  (void);
GlossProject *gloss_annotation_list_get_project          (GlossAnnotationList *self);
void          gloss_annotation_list_set_project          (GlossAnnotationList *self,
                                                          GlossProject        *project);
gboolean      gloss_annotation_list_reload               (GlossAnnotationList *self,
                                                          GError             **error);
gboolean      gloss_annotation_list_select               (GlossAnnotationList *self,
                                                          gint64               annotation);
gint64        gloss_annotation_list_get_selected         (GlossAnnotationList *self);
guint         gloss_annotation_list_get_n_annotations    (GlossAnnotationList *self);
guint         gloss_annotation_list_get_n_shown          (GlossAnnotationList *self);
gint64        gloss_annotation_list_get_shown            (GlossAnnotationList *self,
                                                          guint                position);

void          gloss_annotation_list_set_dimension_filter (GlossAnnotationList *self,
                                                          gint64               dimension);
gint64        gloss_annotation_list_get_dimension_filter (GlossAnnotationList *self);
void          gloss_annotation_list_set_code_filter      (GlossAnnotationList *self,
                                                          gint64               code);
gint64        gloss_annotation_list_get_code_filter      (GlossAnnotationList *self);
void          gloss_annotation_list_set_annotator_filter (GlossAnnotationList *self,
                                                          const char          *annotator);
const char   *gloss_annotation_list_get_annotator_filter (GlossAnnotationList *self);
void          gloss_annotation_list_set_status_filter    (GlossAnnotationList *self,
                                                          int                  status);
int           gloss_annotation_list_get_status_filter    (GlossAnnotationList *self);
void          gloss_annotation_list_set_text_filter      (GlossAnnotationList *self,
                                                          const char          *text);
const char   *gloss_annotation_list_get_text_filter      (GlossAnnotationList *self);
void          gloss_annotation_list_clear_filters        (GlossAnnotationList *self);

G_END_DECLS
