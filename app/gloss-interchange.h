/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "gloss-project.h"

G_BEGIN_DECLS

/* Datasets and interchange: Gloss XML, CSV, REFI-QDA.  Exports stream into a
 * temporary file renamed into place; imports are all-or-nothing (a failed or
 * cancelled import leaves the project exactly as it was). */

#define GLOSS_INTERCHANGE_ERROR (gloss_interchange_error_quark ())

typedef enum
{
  GLOSS_INTERCHANGE_ERROR_DOCTYPE,           /* any DOCTYPE / entity declaration */
  GLOSS_INTERCHANGE_ERROR_MALFORMED,         /* not well-formed XML, or too deep */
  GLOSS_INTERCHANGE_ERROR_WRONG_NAMESPACE,
  GLOSS_INTERCHANGE_ERROR_NEWER_VERSION,
  GLOSS_INTERCHANGE_ERROR_STRUCTURE,         /* unexpected element, missing attribute */
  GLOSS_INTERCHANGE_ERROR_OUT_OF_RANGE,      /* offsets outside the text */
  GLOSS_INTERCHANGE_ERROR_QUOTE_MISMATCH,
  GLOSS_INTERCHANGE_ERROR_MISSING_REFERENCE, /* a code, document or annotator that is not there */
  GLOSS_INTERCHANGE_ERROR_DUPLICATE_UUID,
  GLOSS_INTERCHANGE_ERROR_TOO_LARGE,
  GLOSS_INTERCHANGE_ERROR_INVALID,           /* schema validation failed */
  GLOSS_INTERCHANGE_ERROR_UNKNOWN_FORMAT,
  GLOSS_INTERCHANGE_ERROR_IO,
  GLOSS_INTERCHANGE_ERROR_CANCELLED,
} GlossInterchangeError;

GQuark gloss_interchange_error_quark (void);

typedef struct
{
  const gint64 *documents;   /* NULL / n_documents 0: every document */
  guint         n_documents;
  const char   *annotator;   /* NULL: every annotator */
  int           status;      /* -1: any, else a GlossReviewStatus */
  gboolean      no_text;     /* XML only: leave the document text out */
} GlossExportOptions;

#define GLOSS_EXPORT_OPTIONS_INIT { NULL, 0, NULL, -1, FALSE }

typedef struct
{
  guint      documents_added;
  guint      documents_matched;
  guint      dimensions_added;
  guint      codes_added;
  guint      codes_matched;
  guint      annotations_added;
  guint      annotations_unchanged;
  guint      annotations_updated;
  GPtrArray *skipped;        /* (element-type utf8): what could not be brought in, and why */
} GlossImportReport;

GlossImportReport *gloss_import_report_new  (void);
void               gloss_import_report_free (GlossImportReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlossImportReport, gloss_import_report_free)

/* Progress: called from the working thread with a fraction in [0, 1]. */
typedef void (*GlossProgressFunc) (double fraction, gpointer user_data);

gboolean gloss_xml_export       (GlossProject             *project,
                                 const char               *path,
                                 const GlossExportOptions *options,
                                 GCancellable             *cancellable,
                                 GError                  **error);
gboolean gloss_xml_import       (GlossProject             *project,
                                 const char               *path,
                                 GlossImportReport        *report,
                                 GCancellable             *cancellable,
                                 GError                  **error);
/* Validates against data/gloss.rng (the RELAX NG schema). */
gboolean gloss_xml_validate     (const char               *path,
                                 GError                  **error);
gboolean gloss_csv_export       (GlossProject             *project,
                                 const char               *path,
                                 gboolean                  wide,
                                 const GlossExportOptions *options,
                                 GCancellable             *cancellable,
                                 GError                  **error);
gboolean gloss_refi_export_qdpx (GlossProject             *project,
                                 const char               *path,
                                 const GlossExportOptions *options,
                                 GCancellable             *cancellable,
                                 GError                  **error);
gboolean gloss_refi_export_qdc  (GlossProject             *project,
                                 const char               *path,
                                 GError                  **error);
/* .qdpx or .qdc, told by content. */
gboolean gloss_refi_import      (GlossProject             *project,
                                 const char               *path,
                                 GlossImportReport        *report,
                                 GCancellable             *cancellable,
                                 GError                  **error);
/* Gloss XML, .qdpx or .qdc, told by content (not by the file name). */
gboolean gloss_import_any       (GlossProject             *project,
                                 const char               *path,
                                 GlossImportReport        *report,
                                 GCancellable             *cancellable,
                                 GError                  **error);

G_END_DECLS
