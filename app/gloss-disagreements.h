/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "gloss-project.h"

G_BEGIN_DECLS

/* Where analysts disagree, passage by passage, across project files.
 *
 * Files are matched as gloss_agreement_compare() matches them: raters are
 * annotators with a live annotation, by UUID; documents by UUID, then by
 * the SHA-256 of their text; dimensions by UUID, then by name; codes by
 * UUID, then by dimension and code path.  When several files hold the same
 * annotation, its latest modification decides, tombstones included.
 *
 * Per dimension and document, a rater's *mark* is a distinct span they
 * gave codes of the dimension, with the set of those codes.  Marks that
 * overlap, directly or through a chain, form a passage.  A passage is a
 * disagreement unless every rater who has the document made exactly the
 * same marks there; it is then, in this order:
 *
 * - DIFFERENT_CODES: every mark has the same span, but the code sets differ;
 * - MISSING: every mark has the same span and codes (or one rater made
 *   them all), and some raters who have the document marked nothing there;
 * - OVERLAPPING: the marks' spans differ.
 *
 * Documents only one rater has give no disagreements. */

typedef enum
{
  GLOSS_DISAGREEMENT_MISSING,
  GLOSS_DISAGREEMENT_DIFFERENT_CODES,
  GLOSS_DISAGREEMENT_OVERLAPPING,
} GlossDisagreementKind;

typedef struct
{
  char *uuid;
  char *annotator;          /* the name in the files */
} GlossDisagreementRater;

typedef struct
{
  char   *uuid;
  char   *title;
  char   *sha256;
  gint64  length;
  gint64 *ids;              /* per project given: its id there, 0 when absent */
  guint   n_raters;         /* raters who have it */
} GlossDisagreementDocument;

typedef struct
{
  guint   dimension;        /* index into the set's dimensions */
  guint   document;         /* index into the set's documents */
  guint   rater;            /* index into the set's raters */
  gint64  start;            /* code points, end exclusive */
  gint64  end;
  char   *codes;            /* code paths below the dimension, joined with "; " */
} GlossMark;

typedef struct
{
  GlossDisagreementKind kind;
  guint                 dimension;
  guint                 document;
  gint64                start;       /* the extent of the passage */
  gint64                end;
  guint                 first_mark;  /* its marks: marks[first_mark … + n_marks) */
  guint                 n_marks;
} GlossDisagreement;

typedef struct
{
  GPtrArray *raters;        /* (element-type GlossDisagreementRater) */
  GPtrArray *documents;     /* (element-type GlossDisagreementDocument) */
  GPtrArray *dimensions;    /* (element-type utf8): names */
  GArray    *marks;         /* (element-type GlossMark): by dimension, document, start, end, rater */
  GArray    *items;         /* (element-type GlossDisagreement): in the order of their marks */
  guint      n_projects;
} GlossDisagreementSet;

GlossDisagreementSet *gloss_disagreements_find     (GlossProject              **projects,
                                                    guint                       n_projects,
                                                    GError                    **error);
void                  gloss_disagreement_set_free  (GlossDisagreementSet       *set);
/* The marks of one dimension in one document: marks[*first … + *n). */
void                  gloss_disagreement_set_get_marks (const GlossDisagreementSet *set,
                                                        guint                       dimension,
                                                        guint                       document,
                                                        guint                      *first,
                                                        guint                      *n);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlossDisagreementSet, gloss_disagreement_set_free)

G_END_DECLS
