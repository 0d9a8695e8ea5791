/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdio.h>

#include <gio/gio.h>
#include <libxml/xmlreader.h>

#include "gloss-interchange.h"

G_BEGIN_DECLS

/* Shared by the Gloss XML, CSV and REFI readers and writers. */

#define GLOSS_XML_NAMESPACE "urn:glossapp:gloss:1"
#define GLOSS_XML_VERSION   1

/* Bytes of UTF-8 in one <chunk> of document text. */
#define GLOSS_XML_CHUNK_BYTES 65536

/* A streaming XML reader over @path that can never reach outside the file:
 * its own I/O (no gzip, no network, no URI schemes), XML_PARSE_NONET,
 * no entity substitution or DTD loading, and an external-entity loader that
 * loads nothing while it parses.  _gloss_xml_reader_read() refuses DOCTYPE
 * and entity nodes and turns libxml2's errors into GError. */
typedef struct _GlossXmlReader GlossXmlReader;

GlossXmlReader *_gloss_xml_reader_new   (const char      *path,
                                         GError         **error);
void            _gloss_xml_reader_free  (GlossXmlReader  *reader);
xmlTextReader  *_gloss_xml_reader_get   (GlossXmlReader  *reader);
/* Returns 1 for a node, 0 at the end, -1 with @error set (MALFORMED,
 * DOCTYPE, TOO_LARGE, or INVALID for schema validity errors). */
int             _gloss_xml_reader_read  (GlossXmlReader  *reader,
                                         GError         **error);
/* The line the reader is at, for messages. */
int             _gloss_xml_reader_line  (GlossXmlReader  *reader);
/* Schema validity errors seen so far (RELAX NG validation). */
GPtrArray      *_gloss_xml_reader_get_messages (GlossXmlReader *reader);
/* Bytes of the file consumed so far, for progress. */
goffset         _gloss_xml_reader_get_offset (GlossXmlReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlossXmlReader, _gloss_xml_reader_free)

/* An output file written beside its destination and renamed into place
 * only by _gloss_output_commit(); freeing it without a commit removes the
 * temporary file and leaves the destination untouched. */
typedef struct _GlossOutput GlossOutput;

GlossOutput *_gloss_output_new    (const char   *path,
                                   GError      **error);
FILE        *_gloss_output_get_file (GlossOutput *output);
gboolean     _gloss_output_commit (GlossOutput  *output,
                                   GError      **error);
void         _gloss_output_free   (GlossOutput  *output);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlossOutput, _gloss_output_free)

/* TRUE when @text (valid UTF-8) holds only characters XML 1.0 can carry;
 * else FALSE with *@bad set to the first one that it cannot. */
gboolean _gloss_xml_text_is_safe (const char *text,
                                  gsize       len,
                                  gunichar   *bad);

/* The documents an export covers, in project order: the chosen ones
 * (each checked to exist) or all.
 * Returns: (element-type gint64): ids, or NULL with @error set */
GArray  *_gloss_interchange_select_documents (GlossProject              *project,
                                              const GlossExportOptions  *options,
                                              GError                   **error);
/* A read transaction, so an export sees one state of the project even when
 * another program writes meanwhile.  *@started says whether to end one. */
gboolean _gloss_interchange_begin_read (GlossProject  *project,
                                        gboolean      *started,
                                        GError       **error);
void     _gloss_interchange_end_read   (GlossProject  *project,
                                        gboolean       started);

gboolean _gloss_interchange_set_io_error (GError     **error,
                                          const char  *path,
                                          int          saved_errno);

G_END_DECLS
