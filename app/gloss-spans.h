/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "gloss-project.h"

G_BEGIN_DECLS

/**
 * GlossSpanRow:
 * @annotation: the annotation's id
 * @start: its first code point
 * @end: the code point after its last one
 * @code: one of its codes, 0 when it has none
 *
 * One code of one live annotation: what drawing a highlight needs, and
 * nothing else (no quote, note, annotator or times).
 */
typedef struct
{
  gint64 annotation;
  gint64 start;
  gint64 end;
  gint64 code;
} GlossSpanRow;

GArray *gloss_project_list_spans (GlossProject  *self,
                                  gint64         document,
                                  gint64         from,
                                  gint64         to,
                                  GError       **error);
GPtrArray *gloss_project_list_codes_uncounted (GlossProject  *self,
                                               GError       **error);

G_END_DECLS
