/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Shared value types of the Gloss engine.  Plain structs with free
 * functions and autoptr cleanups; the window wraps them as it needs. */

#define GLOSS_SCHEMA_VERSION 1
#define GLOSS_APPLICATION_ID 1198288755 /* 0x476C6F73, "Glos" */
#define GLOSS_MAX_TEXT_BYTES (32 * 1024 * 1024)

typedef enum
{
  GLOSS_DIMENSION_ACTOR,
  GLOSS_DIMENSION_THEME,
  GLOSS_DIMENSION_STANCE,
  GLOSS_DIMENSION_OTHER,
} GlossDimensionKind;

typedef enum
{
  GLOSS_LEVEL_NOMINAL,
  GLOSS_LEVEL_ORDINAL,
} GlossLevel;

typedef enum
{
  GLOSS_REVIEW_UNREVIEWED,
  GLOSS_REVIEW_ACCEPTED,
  GLOSS_REVIEW_REJECTED,
} GlossReviewStatus;

typedef enum
{
  GLOSS_SEGMENT_QUESTION,
  GLOSS_SEGMENT_ANSWER,
  GLOSS_SEGMENT_HEADING,
  GLOSS_SEGMENT_LINK,
  GLOSS_SEGMENT_OTHER,
} GlossSegmentKind;

const char *gloss_dimension_kind_to_string (GlossDimensionKind kind);
gboolean    gloss_dimension_kind_from_string (const char         *str,
                                              GlossDimensionKind *kind);
const char *gloss_level_to_string            (GlossLevel level);
gboolean    gloss_level_from_string          (const char *str,
                                              GlossLevel *level);
const char *gloss_review_status_to_string    (GlossReviewStatus status);
gboolean    gloss_review_status_from_string  (const char        *str,
                                              GlossReviewStatus *status);
const char *gloss_segment_kind_to_string     (GlossSegmentKind kind);
gboolean    gloss_segment_kind_from_string   (const char       *str,
                                              GlossSegmentKind *kind);

typedef struct
{
  gint64  id;
  char   *uuid;
  char   *title;
  char   *sha256;
  gint64  length;          /* in code points */
  char   *source_name;     /* nullable */
  char   *imported_at;
  char   *memo;            /* nullable */
  gint64  n_annotations;   /* live annotations */
} GlossDocument;

typedef struct
{
  gint64            start;   /* code points, end exclusive */
  gint64            end;
  GlossSegmentKind  kind;
  char             *speaker; /* nullable */
} GlossSegment;

typedef struct
{
  char *key;
  char *value;
} GlossAttribute;

typedef struct
{
  gint64              id;
  char               *uuid;
  char               *name;
  GlossDimensionKind  kind;
  gboolean            multiple;
  GlossLevel          level;
  int                 position;
  char               *memo;    /* nullable */
} GlossDimension;

typedef struct
{
  gint64  id;
  char   *uuid;
  gint64  dimension;
  gint64  parent;          /* 0 for a top-level code */
  char   *name;
  char   *path;            /* "Dimension/Parent/Name", escaped */
  char   *color;           /* "#rrggbb" */
  char   *description;     /* nullable */
  char   *shortcut;        /* nullable */
  int     position;        /* among its siblings */
  int     depth;           /* 0 for top level */
  gint64  n_annotations;   /* live annotations carrying it */
} GlossCode;

typedef struct
{
  gint64             id;
  char              *uuid;
  gint64             document;
  gint64             start;       /* code points, end exclusive */
  gint64             end;
  char              *quote;
  char              *note;        /* nullable */
  char              *annotator;   /* name */
  char              *annotator_uuid;
  char              *created;     /* ISO 8601 UTC with milliseconds */
  char              *modified;
  gint64             revision;
  gboolean           deleted;
  GlossReviewStatus  status;
  char              *reviewer;    /* nullable */
  char              *review_note; /* nullable */
  char              *reviewed;    /* nullable */
  GArray            *codes;       /* (element-type gint64): code ids, sorted */
} GlossAnnotation;

void gloss_document_free   (GlossDocument   *document);
void gloss_segment_free    (GlossSegment    *segment);
void gloss_attribute_free  (GlossAttribute  *attribute);
void gloss_dimension_free  (GlossDimension  *dimension);
void gloss_code_free       (GlossCode       *code);
void gloss_annotation_free (GlossAnnotation *annotation);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlossDocument, gloss_document_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlossSegment, gloss_segment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlossAttribute, gloss_attribute_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlossDimension, gloss_dimension_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlossCode, gloss_code_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlossAnnotation, gloss_annotation_free)

/* Timestamps: ISO 8601 UTC with milliseconds, e.g. 2026-11-28T09:15:02.345Z */
char *gloss_timestamp_now (void);

/* Code paths: "Dimension/Parent/Name"; '/' and '\' inside a name are
 * written "\/" and "\\". */
char  *gloss_path_escape_name (const char *name);
char **gloss_path_split       (const char *path);

G_END_DECLS
