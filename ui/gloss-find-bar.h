/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "gloss-project.h"
#include "gloss-text-view.h"

G_BEGIN_DECLS

#define GLOSS_TYPE_FIND_BAR (gloss_find_bar_get_type ())
G_DECLARE_FINAL_TYPE (GlossFindBar, gloss_find_bar, GLOSS, FIND_BAR, GtkWidget)

GtkWidget     *gloss_find_bar_new               (void);
void           gloss_find_bar_set_project       (GlossFindBar  *self,
                                                 GlossProject  *project);
GlossProject  *gloss_find_bar_get_project       (GlossFindBar  *self);
void           gloss_find_bar_set_text_view     (GlossFindBar  *self,
                                                 GlossTextView *text_view);
GlossTextView *gloss_find_bar_get_text_view     (GlossFindBar  *self);
void           gloss_find_bar_set_document      (GlossFindBar  *self,
                                                 gint64         document);
gint64         gloss_find_bar_get_document      (GlossFindBar  *self);
gboolean       gloss_find_bar_get_search_mode   (GlossFindBar  *self);
void           gloss_find_bar_set_search_mode   (GlossFindBar  *self,
                                                 gboolean       search_mode);
const char    *gloss_find_bar_get_query         (GlossFindBar  *self);
void           gloss_find_bar_set_query         (GlossFindBar  *self,
                                                 const char    *query);
gboolean       gloss_find_bar_get_case_sensitive (GlossFindBar *self);
void           gloss_find_bar_set_case_sensitive (GlossFindBar *self,
                                                 gboolean       case_sensitive);
gboolean       gloss_find_bar_get_regex         (GlossFindBar  *self);
void           gloss_find_bar_set_regex         (GlossFindBar  *self,
                                                 gboolean       regex);
gboolean       gloss_find_bar_get_all_documents (GlossFindBar  *self);
void           gloss_find_bar_set_all_documents (GlossFindBar  *self,
                                                 gboolean       all_documents);
const char    *gloss_find_bar_get_error         (GlossFindBar  *self);
GArray        *gloss_find_bar_get_matches       (GlossFindBar  *self);
int            gloss_find_bar_get_current       (GlossFindBar  *self);
gboolean       gloss_find_bar_next              (GlossFindBar  *self);
gboolean       gloss_find_bar_previous          (GlossFindBar  *self);
guint          gloss_find_bar_get_n_results     (GlossFindBar  *self);
gboolean       gloss_find_bar_get_result        (GlossFindBar  *self,
                                                 guint          position,
                                                 gint64        *document,
                                                 gint64        *start,
                                                 gint64        *end);

G_END_DECLS
