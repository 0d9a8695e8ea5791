/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define GLOSS_TYPE_TAG_POPOVER (gloss_tag_popover_get_type ())
G_DECLARE_FINAL_TYPE (GlossTagPopover, gloss_tag_popover, GLOSS, TAG_POPOVER, GtkPopover)

GtkWidget *gloss_tag_popover_new            (void);
void       gloss_tag_popover_set_codebook   (GlossTagPopover *self,
                                             GPtrArray       *dimensions,
                                             GPtrArray       *codes);
void       gloss_tag_popover_set_chosen     (GlossTagPopover *self,
                                             const gint64    *codes,
                                             guint            n_codes);
GArray    *gloss_tag_popover_get_chosen     (GlossTagPopover *self);
void       gloss_tag_popover_set_editing    (GlossTagPopover *self,
                                             gboolean         editing);
void       gloss_tag_popover_set_filter     (GlossTagPopover *self,
                                             const char      *text);
gboolean   gloss_tag_popover_pick_first     (GlossTagPopover *self);
void       gloss_tag_popover_confirm        (GlossTagPopover *self);

G_END_DECLS
