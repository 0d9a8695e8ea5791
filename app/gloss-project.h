/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "gloss-types.h"

G_BEGIN_DECLS

#define GLOSS_PROJECT_ERROR (gloss_project_error_quark ())

typedef enum
{
  GLOSS_PROJECT_ERROR_NOT_FOUND,        /* no such file */
  GLOSS_PROJECT_ERROR_EXISTS,           /* new: the file is already there */
  GLOSS_PROJECT_ERROR_IS_DIRECTORY,
  GLOSS_PROJECT_ERROR_SYMLINK,
  GLOSS_PROJECT_ERROR_EMPTY_FILE,       /* 0 bytes */
  GLOSS_PROJECT_ERROR_NOT_SQLITE,       /* not an SQLite database at all */
  GLOSS_PROJECT_ERROR_CORRUPT,          /* truncated or damaged */
  GLOSS_PROJECT_ERROR_FOREIGN,          /* another program's SQLite file */
  GLOSS_PROJECT_ERROR_NEWER_SCHEMA,     /* made by a newer Gloss */
  GLOSS_PROJECT_ERROR_SCHEMA_MISMATCH,  /* extra or altered tables, triggers, views, indexes */
  GLOSS_PROJECT_ERROR_INVARIANT,        /* data that breaks Gloss's rules */
  GLOSS_PROJECT_ERROR_PERMISSION,       /* cannot be read */
  GLOSS_PROJECT_ERROR_READ_ONLY,        /* a write to a project opened read-only */
  GLOSS_PROJECT_ERROR_BUSY,             /* locked by another program */
  GLOSS_PROJECT_ERROR_REPLACED,         /* the file was replaced underneath */
  GLOSS_PROJECT_ERROR_INVALID,          /* a bad argument: offsets, names, codes */
  GLOSS_PROJECT_ERROR_NO_SUCH,          /* no such document, code, annotation */
  GLOSS_PROJECT_ERROR_IN_USE,           /* delete refused: still used */
  GLOSS_PROJECT_ERROR_CONFLICT,         /* undo/redo met a later change */
  GLOSS_PROJECT_ERROR_AMBIGUOUS,        /* a title matches several documents */
  GLOSS_PROJECT_ERROR_IO,               /* disk full, I/O error, other storage failure */
} GlossProjectError;

GQuark gloss_project_error_quark (void);

typedef enum
{
  GLOSS_OPEN_DEFAULT   = 0,
  GLOSS_OPEN_READ_ONLY = 1 << 0,  /* never write, not even a migration */
  /* A file that needs the full check opens read-only after the part of
   * it that concerns the small tables; gloss_project_complete_check_async()
   * runs the rest and then makes the project writable. */
  GLOSS_OPEN_DEFER_CHECK = 1 << 1,
} GlossOpenFlags;

#define GLOSS_TYPE_PROJECT (gloss_project_get_type ())
G_DECLARE_FINAL_TYPE (GlossProject, gloss_project, GLOSS, PROJECT, GObject)

/* Opening and creating.  See DESIGN.md "Storage decisions". */
GlossProject *gloss_project_create           (const char      *path,
                                              const char      *annotator,
                                              gboolean         empty,
                                              GError         **error);
/* The default codebook, the bundled interview and example annotations by
 * "Example": what a first run shows. */
GlossProject *gloss_project_create_sample    (const char      *path,
                                              GError         **error);
GlossProject *gloss_project_open             (const char      *path,
                                              GlossOpenFlags   flags,
                                              GError         **error);
GPtrArray    *gloss_project_open_many        (const char * const  *paths,
                                              guint                n_paths,
                                              GlossOpenFlags       flags,
                                              GError             **error);
const char   *gloss_project_get_path         (GlossProject    *self);
const char   *gloss_project_get_uuid         (GlossProject    *self);
gboolean      gloss_project_is_read_only     (GlossProject    *self);
const char   *gloss_project_get_read_only_reason (GlossProject *self);
gboolean      gloss_project_save_copy        (GlossProject    *self,
                                              const char      *path,
                                              GError         **error);
/* TRUE when another process committed since we last looked; emits ::changed */
gboolean      gloss_project_poll_external_changes (GlossProject *self);
void          gloss_project_stamp_checked    (GlossProject *self);
gboolean      gloss_project_is_checking      (GlossProject *self);
void          gloss_project_complete_check_async  (GlossProject        *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean      gloss_project_complete_check_finish (GlossProject  *self,
                                                   GAsyncResult  *result,
                                                   GError       **error);

/* Annotators.  The default annotator is the one new annotations get. */
const char   *gloss_project_get_default_annotator (GlossProject *self);
gboolean      gloss_project_set_default_annotator (GlossProject *self,
                                                   const char   *name,
                                                   GError      **error);
GStrv         gloss_project_list_annotators       (GlossProject *self,
                                                   GError      **error);

/* Documents */
GPtrArray    *gloss_project_list_documents   (GlossProject    *self,
                                              GError         **error);
GlossDocument *gloss_project_get_document    (GlossProject    *self,
                                              gint64           document,
                                              GError         **error);
char         *gloss_project_dup_text         (GlossProject    *self,
                                              gint64           document,
                                              GError         **error);
/* Resolves a document id, else uuid, else SHA-256, else exact title. */
gint64        gloss_project_resolve_document (GlossProject    *self,
                                              const char      *spec,
                                              GError         **error);
gint64        gloss_project_add_document     (GlossProject    *self,
                                              const char      *title,
                                              const char      *text,
                                              const char      *source_name,
                                              gboolean        *existed,
                                              GError         **error);
gint64        gloss_project_import_file      (GlossProject    *self,
                                              const char      *path,
                                              const char      *title,
                                              const char      *encoding,
                                              gboolean        *existed,
                                              GError         **error);
gboolean      gloss_project_rename_document  (GlossProject    *self,
                                              gint64           document,
                                              const char      *title,
                                              GError         **error);
gboolean      gloss_project_set_document_memo (GlossProject   *self,
                                              gint64           document,
                                              const char      *memo,
                                              GError         **error);
gboolean      gloss_project_remove_document  (GlossProject    *self,
                                              gint64           document,
                                              gint64          *n_annotations,
                                              GError         **error);
GPtrArray    *gloss_project_list_attributes  (GlossProject    *self,
                                              gint64           document,
                                              GError         **error);
gboolean      gloss_project_set_attribute    (GlossProject    *self,
                                              gint64           document,
                                              const char      *key,
                                              const char      *value,
                                              GError         **error);
GPtrArray    *gloss_project_list_segments    (GlossProject    *self,
                                              gint64           document,
                                              GError         **error);
gboolean      gloss_project_rename_speaker   (GlossProject    *self,
                                              gint64           document,
                                              const char      *old_name,
                                              const char      *new_name,
                                              GError         **error);

/* Codebook */
GPtrArray    *gloss_project_list_dimensions  (GlossProject    *self,
                                              GError         **error);
/* All codes, dimension by dimension in tree (depth-first) order. */
GPtrArray    *gloss_project_list_codes       (GlossProject    *self,
                                              GError         **error);
GlossDimension *gloss_project_get_dimension  (GlossProject    *self,
                                              gint64           dimension,
                                              GError         **error);
GlossCode    *gloss_project_get_code         (GlossProject    *self,
                                              gint64           code,
                                              GError         **error);
gint64        gloss_project_resolve_dimension (GlossProject   *self,
                                              const char      *name,
                                              GError         **error);
gint64        gloss_project_resolve_code     (GlossProject    *self,
                                              const char      *path,
                                              GError         **error);
gint64        gloss_project_add_dimension    (GlossProject    *self,
                                              const char      *name,
                                              GlossDimensionKind kind,
                                              gboolean         multiple,
                                              GlossLevel       level,
                                              GError         **error);
gboolean      gloss_project_update_dimension (GlossProject    *self,
                                              gint64           dimension,
                                              const char      *name,
                                              GlossDimensionKind kind,
                                              gboolean         multiple,
                                              GlossLevel       level,
                                              const char      *memo,
                                              GError         **error);
gboolean      gloss_project_delete_dimension (GlossProject    *self,
                                              gint64           dimension,
                                              GError         **error);
gint64        gloss_project_add_code         (GlossProject    *self,
                                              gint64           dimension,
                                              gint64           parent,
                                              const char      *name,
                                              const char      *color,
                                              const char      *description,
                                              const char      *shortcut,
                                              GError         **error);
gboolean      gloss_project_update_code      (GlossProject    *self,
                                              gint64           code,
                                              const char      *name,
                                              const char      *color,
                                              const char      *description,
                                              const char      *shortcut,
                                              GError         **error);
/* Moves under @parent (0: top level) at @position among its new siblings. */
gboolean      gloss_project_move_code        (GlossProject    *self,
                                              gint64           code,
                                              gint64           parent,
                                              int              position,
                                              GError         **error);
/* Annotations carrying @from carry @into instead; @from is deleted. */
gboolean      gloss_project_merge_codes      (GlossProject    *self,
                                              gint64           from,
                                              gint64           into,
                                              gint64          *n_annotations,
                                              GError         **error);
/* Refused with IN_USE while annotations carry it (or a descendant) unless
 * @cascade; @n_annotations gets the number affected either way. */
gboolean      gloss_project_delete_code      (GlossProject    *self,
                                              gint64           code,
                                              gboolean         cascade,
                                              gint64          *n_annotations,
                                              GError         **error);

/* Annotations */
typedef struct
{
  gint64             document;      /* 0: all */
  gint64             code;          /* 0: any */
  gint64             dimension;     /* 0: any */
  const char        *annotator;     /* NULL: any */
  int                status;        /* -1: any, else a GlossReviewStatus */
  gint64             range_start;   /* with range_end > range_start: touching [start, end) */
  gint64             range_end;
  gboolean           include_deleted;
} GlossAnnotationFilter;

#define GLOSS_ANNOTATION_FILTER_INIT { 0, 0, 0, NULL, -1, 0, 0, FALSE }

GPtrArray    *gloss_project_list_annotations (GlossProject    *self,
                                              const GlossAnnotationFilter *filter,
                                              GError         **error);
GlossAnnotation *gloss_project_get_annotation (GlossProject   *self,
                                              gint64           annotation,
                                              GError         **error);
gint64        gloss_project_resolve_annotation (GlossProject  *self,
                                              const char      *uuid,
                                              GError         **error);
/* Returns the new annotation's id.  @annotator NULL: the default one. */
gint64        gloss_project_add_annotation   (GlossProject    *self,
                                              gint64           document,
                                              gint64           start,
                                              gint64           end,
                                              const gint64    *codes,
                                              guint            n_codes,
                                              const char      *note,
                                              const char      *annotator,
                                              GError         **error);
typedef struct
{
  gint64        document;
  gint64        start;
  gint64        end;
  const gint64 *codes;
  guint         n_codes;
  const char   *note;
} GlossNewAnnotation;

gboolean      gloss_project_add_annotations  (GlossProject    *self,
                                              const GlossNewAnnotation *items,
                                              guint            n_items,
                                              const char      *annotator,
                                              GArray          *ids,
                                              GError         **error);
gboolean      gloss_project_set_annotation_span  (GlossProject *self,
                                                  gint64        annotation,
                                                  gint64        start,
                                                  gint64        end,
                                                  GError      **error);
gboolean      gloss_project_set_annotation_codes (GlossProject *self,
                                                  gint64        annotation,
                                                  const gint64 *codes,
                                                  guint         n_codes,
                                                  GError      **error);
gboolean      gloss_project_set_annotation_note  (GlossProject *self,
                                                  gint64        annotation,
                                                  const char   *note,
                                                  GError      **error);
gboolean      gloss_project_delete_annotation    (GlossProject *self,
                                                  gint64        annotation,
                                                  GError      **error);
gboolean      gloss_project_review_annotation    (GlossProject *self,
                                                  gint64        annotation,
                                                  GlossReviewStatus status,
                                                  const char   *note,
                                                  const char   *reviewer,
                                                  GError      **error);

/* Undo and redo of this session's changes */
gboolean      gloss_project_can_undo         (GlossProject    *self);
gboolean      gloss_project_can_redo         (GlossProject    *self);
const char   *gloss_project_get_undo_label   (GlossProject    *self);
const char   *gloss_project_get_redo_label   (GlossProject    *self);
gboolean      gloss_project_undo             (GlossProject    *self,
                                              GError         **error);
gboolean      gloss_project_redo             (GlossProject    *self,
                                              GError         **error);

/* Integrity: invariants plus every quote against its span.
 * Returns: (element-type utf8): problems, empty when all is well */
GPtrArray    *gloss_project_check            (GlossProject    *self,
                                              GError         **error);

G_END_DECLS
