/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "gloss-project.h"

G_BEGIN_DECLS

#define GLOSS_MERGE_ERROR (gloss_merge_error_quark ())

typedef enum
{
  GLOSS_MERGE_ERROR_NO_SOURCES,  /* nothing to merge */
  GLOSS_MERGE_ERROR_SAME_FILE,   /* a source is the target itself */
  GLOSS_MERGE_ERROR_BACKUP,      /* the backup copy could not be made */
} GlossMergeError;

GQuark gloss_merge_error_quark (void);

/* How a source's dimension or code found its place in the target. */
typedef enum
{
  GLOSS_MERGE_MATCHED_BY_UUID,
  GLOSS_MERGE_MATCHED_BY_PATH,   /* same dimension name and code path, another uuid */
  GLOSS_MERGE_ADDED,
} GlossMergeMatch;

typedef struct
{
  char            *path;         /* "Dimension" or "Dimension/Parent/Name" as in the source */
  char            *source_uuid;
  char            *target_uuid;
  GlossMergeMatch  match;
  gboolean         is_dimension;
} GlossMergeMapping;

typedef struct
{
  char *uuid;                    /* the annotation */
  char *kept;                    /* "modified …, revision …, in FILE" */
  char *other;
  char *kept_source;             /* the file each version came from */
  char *other_source;
} GlossMergeConflict;

typedef struct
{
  char *what;                    /* "annotation", "document", "attribute", "shortcut" */
  char *uuid;                    /* nullable */
  char *source;                  /* the file it came from */
  char *reason;                  /* for the user */
} GlossMergeSkipped;

typedef struct
{
  char *name;
  char *uuid;                    /* the source's annotator */
  char *other_uuid;              /* the target's annotator of the same name */
} GlossMergeNamesake;

/* What a merge did, or would do (dry run).  Every source annotation is
 * counted once: added + tombstones_added + unchanged + updated +
 * conflicts->len + annotations_skipped. */
typedef struct
{
  gboolean   dry_run;
  char      *backup;             /* the copy made first; NULL in a dry run */

  guint      added;              /* live annotations new to the target */
  guint      tombstones_added;   /* deleted annotations the target never had */
  guint      unchanged;          /* the target had it, or a later version of it */
  guint      updated;            /* the source's later version replaced the target's */
  guint      deleted;            /* of those updated, deleted by the source */
  GPtrArray *conflicts;          /* (element-type GlossMergeConflict) */
  guint      annotations_skipped;/* left out: see skipped for why */

  guint      dimensions_added;
  guint      codes_mapped;       /* source codes matched to a target code */
  guint      codes_added;
  GPtrArray *codebook;           /* (element-type GlossMergeMapping) */
  GPtrArray *mismatches;         /* (element-type utf8): codebook differences */

  guint      documents_added;
  guint      documents_matched;  /* matched by text SHA-256, not uuid */
  guint      annotators_added;
  GPtrArray *namesakes;          /* (element-type GlossMergeNamesake) */

  GPtrArray *skipped;            /* (element-type GlossMergeSkipped) */
} GlossMergeReport;

void     gloss_merge_report_clear (GlossMergeReport *report);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GlossMergeReport, gloss_merge_report_clear)

gboolean gloss_merge              (GlossProject       *target,
                                   const char *const  *sources,
                                   gboolean            dry_run,
                                   GlossMergeReport   *report,
                                   GCancellable       *cancellable,
                                   GError            **error);

/* `gloss-cli merge`; argv[0] is "merge". */
int      gloss_cli_merge          (int                 argc,
                                   char              **argv);

G_END_DECLS
