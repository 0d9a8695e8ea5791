/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "gloss-agreement.h"
#include "gloss-disagreements.h"

G_BEGIN_DECLS

/* One analyst's span in a document, for drawing the analysts side by side. */
typedef struct
{
  gint64  start;     /* code points, end exclusive */
  gint64  end;
  guint   analyst;   /* index into the report's raters */
  GdkRGBA color;     /* the analyst's colour */
} GlossCompareSpan;

#define GLOSS_TYPE_COMPARE_VIEW (gloss_compare_view_get_type ())
G_DECLARE_FINAL_TYPE (GlossCompareView, gloss_compare_view, GLOSS, COMPARE_VIEW, AdwBin)

GlossCompareView           *gloss_compare_view_new                 (const char        *project_path);
GtkWindow                  *gloss_compare_view_present_window      (GlossCompareView  *self,
                                                                    GtkWindow         *parent);
const char                 *gloss_compare_view_get_project_path    (GlossCompareView  *self);
void                        gloss_compare_view_set_project_path    (GlossCompareView  *self,
                                                                    const char        *project_path);
void                        gloss_compare_view_choose_files        (GlossCompareView  *self);
void                        gloss_compare_view_compare             (GlossCompareView  *self,
                                                                    const char *const *others);
void                        gloss_compare_view_cancel              (GlossCompareView  *self);
gboolean                    gloss_compare_view_is_running          (GlossCompareView  *self);
const char                 *gloss_compare_view_get_page            (GlossCompareView  *self);
const char                 *gloss_compare_view_get_error_message   (GlossCompareView  *self);
const GlossAgreementReport *gloss_compare_view_get_report          (GlossCompareView  *self);
const char                 *gloss_compare_view_get_dimension       (GlossCompareView  *self);
gboolean                    gloss_compare_view_set_dimension       (GlossCompareView  *self,
                                                                    const char        *name);
guint                       gloss_compare_view_get_n_analysts      (GlossCompareView  *self);
const char                 *gloss_compare_view_get_analyst_name    (GlossCompareView  *self,
                                                                    guint              analyst);
void                        gloss_compare_view_get_analyst_color   (GlossCompareView  *self,
                                                                    guint              analyst,
                                                                    GdkRGBA           *color);
GArray                     *gloss_compare_view_dup_spans           (GlossCompareView  *self,
                                                                    gint64             document);
const char                 *gloss_compare_view_get_figure_text     (GlossCompareView  *self,
                                                                    const char        *figure);
const char                 *gloss_compare_view_get_figure_units    (GlossCompareView  *self,
                                                                    const char        *figure);
GListModel                 *gloss_compare_view_get_disagreements   (GlossCompareView  *self);
void                        gloss_compare_view_activate_disagreement (GlossCompareView *self,
                                                                      guint             position);
const char                 *gloss_compare_view_get_notes_text      (GlossCompareView  *self);
void                        gloss_compare_view_set_section         (GlossCompareView  *self,
                                                                    const char        *section);

G_END_DECLS
