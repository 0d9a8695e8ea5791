/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "gloss-project.h"

G_BEGIN_DECLS

/* Inter-annotator agreement between project files (DESIGN.md, "Agreement,
 * defined").  Raters are annotators, matched across files by UUID;
 * documents by UUID, then by the SHA-256 of their text; dimensions by UUID,
 * then by name; codes by UUID, then by dimension and code path.  Only live
 * annotations count: when several files hold the same annotation, its
 * latest modification decides, tombstones included.
 *
 * A rater is an annotator with at least one live annotation; the documents
 * a rater has are those of the files they annotated in.  Per dimension:
 *
 * - A position is a distinct (document, start, end) any rater marked with
 *   a code of the dimension; a rater's value there is the set of codes they
 *   gave it, or missing.  Percent agreement: identical values at complete
 *   positions (every rater has a value).
 * - Cohen's kappa (exactly two raters) and Fleiss' kappa use complete
 *   positions.  Single-valued dimension: the values are the categories.
 *   Multiple-valued: kappa per code (present / absent), and the
 *   dimension's figure is the mean over the codes where it is defined.
 * - Krippendorff's alpha keeps missing values: nominal for a single-valued
 *   dimension, MASI between code sets for a multiple-valued one.  The
 *   ordinal alpha (ordinal, single-valued dimensions only) ranks codes in
 *   codebook order; a rater's two codes at one position have no rank and
 *   count as missing.
 * - Unitizing alpha per code and document, on the document's characters
 *   with the raters that have the document; per code, per document and
 *   for the dimension pooled as 1 − mean(D_o) / mean(D_e) over the
 *   (code, document) cells concerned, so documents without units of the
 *   code, wherever they sit, change nothing.
 * - Span F1 per pair of raters over the documents both have, exact and
 *   overlap (one-to-one), pooled over codes; the dimension's and each
 *   code's figure is the mean over the pairs where it is defined. */

#define GLOSS_AGREEMENT_ERROR (gloss_agreement_error_quark ())

typedef enum
{
  GLOSS_AGREEMENT_ERROR_NO_SUCH,     /* no such dimension or document */
  GLOSS_AGREEMENT_ERROR_AMBIGUOUS,   /* a title names several documents */
  GLOSS_AGREEMENT_ERROR_INVALID,     /* bad arguments */
} GlossAgreementError;

GQuark gloss_agreement_error_quark (void);

/* A figure and the number of units it rests on; @value is NAN when the
 * figure is undefined (no units, one category only, nothing expected). */
typedef struct
{
  double value;
  gint64 units;
} GlossFigure;

typedef struct
{
  char *name;        /* unique among the raters: "alice (2)" for a second alice */
  char *annotator;   /* the name in the files */
  char *uuid;
} GlossAgreementRater;

typedef struct
{
  char   *uuid;
  char   *title;
  char   *sha256;
  gint64  length;
  guint   n_raters;  /* raters whose files hold it */
} GlossAgreementDocument;

typedef struct
{
  char        *path;
  char        *uuid;
  GlossFigure  cohen_kappa;    /* present / absent, complete positions */
  GlossFigure  fleiss_kappa;
  GlossFigure  alpha_u;        /* pooled over documents */
  GlossFigure  f1_exact;       /* mean over pairs */
  GlossFigure  f1_overlap;
} GlossAgreementCodeFigures;

typedef struct
{
  guint       a;               /* indices into the report's raters */
  guint       b;
  gint64      spans_a;         /* distinct marks in shared documents */
  gint64      spans_b;
  gint64      matched_exact;
  gint64      matched_overlap;
  GlossFigure f1_exact;
  GlossFigure f1_overlap;
} GlossAgreementPair;

typedef struct
{
  guint       document;        /* index into the report's documents */
  gint64      positions;
  GlossFigure krippendorff_alpha;
  GlossFigure krippendorff_alpha_ordinal;
  GlossFigure alpha_u_pooled;
} GlossAgreementDocumentFigures;

typedef struct
{
  char        *name;
  char        *uuid;
  gboolean     multiple;
  GlossLevel   level;
  gint64       positions;
  gint64       complete_positions;
  GlossFigure  percent_agreement;
  GlossFigure  cohen_kappa;                 /* NAN unless exactly two raters */
  GlossFigure  fleiss_kappa;
  GlossFigure  krippendorff_alpha;          /* nominal; MASI for code sets */
  GlossFigure  krippendorff_alpha_ordinal;  /* NAN unless ordinal and single-valued */
  GlossFigure  alpha_u_pooled;
  GlossFigure  f1_exact;                    /* mean over pairs */
  GlossFigure  f1_overlap;
  GPtrArray   *codes;       /* (element-type GlossAgreementCodeFigures) */
  GArray      *pairs;       /* (element-type GlossAgreementPair) */
  GArray      *documents;   /* (element-type GlossAgreementDocumentFigures) */
} GlossAgreementDimension;

typedef struct
{
  GPtrArray *raters;      /* (element-type GlossAgreementRater) */
  GPtrArray *documents;   /* (element-type GlossAgreementDocument): those compared */
  GPtrArray *dimensions;  /* (element-type GlossAgreementDimension) */
  GPtrArray *clashes;     /* (element-type utf8): annotator names held by several UUIDs */
  GPtrArray *notes;       /* (element-type utf8): what the comparison had to decide */
} GlossAgreementReport;

void gloss_agreement_report_free (GlossAgreementReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlossAgreementReport, gloss_agreement_report_free)

GlossAgreementReport *gloss_agreement_compare (GlossProject **projects,
                                               guint          n_projects,
                                               const char    *dimension,
                                               const char    *document,
                                               GError       **error);

/* The `gloss-cli agree --json` object (CLI.md). */
JsonNode *gloss_agreement_report_to_json (const GlossAgreementReport *report);

/* `gloss-cli agree FILE… [--dimension NAME] [--document DOC] [--json]`;
 * argv[0] is "agree".  Returns the exit status. */
int gloss_cli_agree (int    argc,
                     char **argv);

G_END_DECLS
