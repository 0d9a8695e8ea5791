/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "gloss-types.h"

G_BEGIN_DECLS

/* Turning bytes from outside into a document's text, and finding the
 * interview structure in it.  No database here: pure functions. */

#define GLOSS_TEXT_ERROR (gloss_text_error_quark ())

typedef enum
{
  GLOSS_TEXT_ERROR_INVALID_ENCODING,  /* bad byte sequence: message names line and column */
  GLOSS_TEXT_ERROR_UNKNOWN_ENCODING,  /* --encoding names something iconv does not know */
  GLOSS_TEXT_ERROR_CONTROL_CHARACTER, /* NUL or another C0 control other than tab/newline */
  GLOSS_TEXT_ERROR_EMPTY,             /* nothing left after decoding */
  GLOSS_TEXT_ERROR_TOO_LARGE,         /* over GLOSS_MAX_TEXT_BYTES */
  GLOSS_TEXT_ERROR_UNSUPPORTED,       /* a format Gloss cannot read */
  GLOSS_TEXT_ERROR_ARCHIVE,           /* a .docx/.odt that is damaged or unsafe */
  GLOSS_TEXT_ERROR_IO,                /* the file could not be read */
} GlossTextError;

GQuark gloss_text_error_quark (void);

/**
 * gloss_text_decode:
 * @data: (array length=len): raw bytes
 * @encoding: (nullable): an iconv name, or %NULL for UTF-8 (UTF-16 when a
 *   UTF-16 BOM is present)
 *
 * Decodes and normalises: drops a leading BOM, turns CRLF and CR into LF,
 * refuses invalid input (line and column of the first bad byte), NUL and
 * other C0 controls except tab and newline, empty text and text over the
 * size cap.
 *
 * Returns: (transfer full): valid UTF-8, or %NULL with @error set
 */
char *gloss_text_decode (const char  *data,
                         gsize        len,
                         const char  *encoding,
                         GError     **error);

/**
 * gloss_text_read_file:
 * @path: a .txt (any encoding gloss_text_decode() takes), .docx or .odt file
 *
 * Reads and decodes a file; Word and ODF files give their paragraphs as
 * lines.  A file whose text is only blank lines (white space) is refused
 * as empty (%GLOSS_TEXT_ERROR_EMPTY), like an empty file.  The file is
 * never changed.
 *
 * Returns: (transfer full): normalised UTF-8 text, or %NULL with @error set
 */
char *gloss_text_read_file (const char  *path,
                            const char  *encoding,
                            GError     **error);

/**
 * gloss_text_detect_segments:
 * @text: normalised UTF-8 text
 *
 * Finds the interview structure: numbered-question transcripts (questions,
 * answers, "Read more:" link lines, front matter and closing matter) and
 * "NAME: text" turn transcripts with optional [hh:mm:ss] timestamps.  Plain
 * prose is one segment of kind other.  Offsets are code points.  Segments
 * do not overlap and are sorted; blank lines between them belong to none.
 *
 * Returns: (transfer full) (element-type GlossSegment): the segments
 */
GPtrArray *gloss_text_detect_segments (const char *text);

G_END_DECLS
