/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "gloss-types.h"

G_BEGIN_DECLS

#define GLOSS_TYPE_INSPECTOR (gloss_inspector_get_type ())
G_DECLARE_FINAL_TYPE (GlossInspector, gloss_inspector, GLOSS, INSPECTOR, AdwBin)

GtkWidget  *gloss_inspector_new             (void);
void        gloss_inspector_show_annotation (GlossInspector        *self,
                                             const GlossAnnotation *annotation,
                                             GPtrArray             *codes,
                                             GHashTable            *dimensions,
                                             guint                  position,
                                             guint                  n_here,
                                             gboolean               editable);
void        gloss_inspector_clear           (GlossInspector        *self);
gint64      gloss_inspector_get_annotation  (GlossInspector        *self);
char       *gloss_inspector_dup_note        (GlossInspector        *self);
void        gloss_inspector_flush_note      (GlossInspector        *self);
void        gloss_inspector_set_review_progress (GlossInspector *self,
                                                 guint           reviewed,
                                                 guint           total);
char       *gloss_inspector_dup_review_note (GlossInspector        *self);

G_END_DECLS
