/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "gloss-application.h"
#include "gloss-project.h"
#include "gloss-text-view.h"

G_BEGIN_DECLS

#define GLOSS_TYPE_WINDOW (gloss_window_get_type ())
G_DECLARE_FINAL_TYPE (GlossWindow, gloss_window, GLOSS, WINDOW, AdwApplicationWindow)

GlossWindow   *gloss_window_new                (GlossApplication *application);
gboolean       gloss_window_open               (GlossWindow      *self,
                                                const char       *path);
void           gloss_window_set_project        (GlossWindow      *self,
                                                GlossProject     *project);
GlossProject  *gloss_window_get_project        (GlossWindow      *self);
void           gloss_window_show_error         (GlossWindow      *self,
                                                const char       *heading,
                                                const char       *message);
gint64         gloss_window_get_document       (GlossWindow      *self);
gboolean       gloss_window_select_document    (GlossWindow      *self,
                                                gint64            document);
GlossTextView *gloss_window_get_text_view      (GlossWindow      *self);
guint          gloss_window_get_n_pending      (GlossWindow      *self);
const char    *gloss_window_get_banner_text    (GlossWindow      *self);
const char    *gloss_window_get_last_toast     (GlossWindow      *self);
const char    *gloss_window_get_error_message  (GlossWindow      *self);
gboolean       gloss_window_is_loading         (GlossWindow      *self);

G_END_DECLS
