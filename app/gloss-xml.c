/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-xml"

#include "config.h"

#include "gloss-interchange.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libxml/relaxng.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlwriter.h>

#include "gloss-autocleanups.h"
#include "gloss-interchange-private.h"
#include "gloss-project-private.h"
#include "gloss-xml-resources.h"

/* Gloss XML: a whole project as standoff annotation, see data/gloss.rng.
 *
 * Export streams through xmlTextWriter into a temporary file that is renamed
 * into place.  Import streams through xmlTextReader (no tree is ever built),
 * checks everything itself and writes inside one tracked transaction, so a
 * failure or Cancel leaves the project exactly as it was. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlRelaxNG, xmlRelaxNGFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlRelaxNGParserCtxt, xmlRelaxNGFreeParserCtxt)

#define CANCEL_CHECK_INTERVAL 1024

/* Imports of files up to this size are one step of undo. */
#define UNDOABLE_IMPORT_MAX (16 << 20)

static gboolean
set_cancelled (GError **error)
{
  g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_CANCELLED,
               _("Cancelled. Nothing was changed."));
  return FALSE;
}

static sqlite3_stmt *
prepare (GlossProject  *project,
         const char    *sql,
         GError       **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (_gloss_project_get_db (project), sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      _gloss_project_fail (project, "prepare", error);
      sqlite3_finalize (stmt);
      return NULL;
    }

  return stmt;
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

/* ========================================================================
 * Export
 * ======================================================================== */

typedef struct
{
  gint64  id;
  gint64  parent;
  char   *uuid;
  char   *name;
  char   *color;
  char   *description;
  char   *shortcut;
  char   *memo;
  char   *modified;
  gint64  revision;
} ExportCode;

static void
export_code_free (ExportCode *code)
{
  g_free (code->uuid);
  g_free (code->name);
  g_free (code->color);
  g_free (code->description);
  g_free (code->shortcut);
  g_free (code->memo);
  g_free (code->modified);
  g_free (code);
}

typedef struct
{
  GlossProject             *project;
  const GlossExportOptions *options;
  GCancellable             *cancellable;
  FILE                     *file;
  xmlTextWriter            *writer;
  int                       write_errno;
  GHashTable               *code_uuids;   /* gint64 id → borrowed uuid */
  GPtrArray                *codes;        /* (element-type ExportCode) */
  GArray                   *documents;    /* (element-type gint64): exported, in order */
  const char               *status;       /* nullable */
  guint                     n_rows;
} Export;

static void
export_clear (Export *self)
{
  g_clear_pointer (&self->writer, xmlFreeTextWriter);
  g_clear_pointer (&self->code_uuids, g_hash_table_unref);
  g_clear_pointer (&self->codes, g_ptr_array_unref);
  g_clear_pointer (&self->documents, g_array_unref);
}

static int
output_write_cb (void       *context,
                 const char *buffer,
                 int         len)
{
  Export *self = context;

  if (fwrite (buffer, 1, len, self->file) != (size_t) len)
    {
      self->write_errno = errno != 0 ? errno : EIO;
      return -1;
    }

  return len;
}

static int
output_close_cb (void *context)
{
  return 0;
}

static gboolean
writer_failed (Export      *self,
               GError     **error)
{
  if (self->write_errno != 0)
    return _gloss_interchange_set_io_error (error, "the export", self->write_errno);

  g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO,
               _("The XML writer failed. Try again; if it keeps failing, export to another folder."));
  return FALSE;
}

#define W(call) G_STMT_START { if ((call) < 0) return writer_failed (self, error); } G_STMT_END

static gboolean
check_xml_safe (const char  *what,
                const char  *text,
                gsize        len,
                GError     **error)
{
  gunichar bad = 0;

  if (_gloss_xml_text_is_safe (text, len, &bad))
    return TRUE;

  g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_INVALID,
               _("%s holds the control character U+%04X, which XML cannot carry. "
                 "Remove it and export again."), what, bad);
  return FALSE;
}

static gboolean
write_attribute (Export      *self,
                 const char  *name,
                 const char  *value,
                 GError     **error)
{
  if (value == NULL)
    return TRUE;

  if (!check_xml_safe (name, value, strlen (value), error))
    return FALSE;

  W (xmlTextWriterWriteAttribute (self->writer, BAD_CAST name, BAD_CAST value));

  return TRUE;
}

static gboolean
write_attribute_int (Export      *self,
                     const char  *name,
                     gint64       value,
                     GError     **error)
{
  char buffer[32];

  g_snprintf (buffer, sizeof buffer, "%" G_GINT64_FORMAT, value);
  W (xmlTextWriterWriteAttribute (self->writer, BAD_CAST name, BAD_CAST buffer));

  return TRUE;
}

/* <name>value</name>, left out when @value is NULL */
static gboolean
write_text_element (Export      *self,
                    const char  *name,
                    const char  *value,
                    GError     **error)
{
  if (value == NULL)
    return TRUE;

  if (!check_xml_safe (name, value, strlen (value), error))
    return FALSE;

  W (xmlTextWriterWriteElement (self->writer, BAD_CAST name, BAD_CAST value));

  return TRUE;
}

static gboolean
write_changed (Export        *self,
               sqlite3_stmt  *stmt,
               int            modified_column,
               GError       **error)
{
  return write_attribute (self, "modified", column_text (stmt, modified_column), error) &&
         write_attribute_int (self, "revision", sqlite3_column_int64 (stmt, modified_column + 1),
                              error);
}

static gboolean
step_failed (Export  *self,
             int      rc,
             GError **error)
{
  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;

  return _gloss_project_fail (self->project, "export", error);
}

/* The annotation filter every query below shares: ?1 document, ?2 annotator
 * name or NULL, ?3 status or NULL (a status filter leaves tombstones out). */
#define ANNOTATION_FILTER \
  " a.document = ?1" \
  " AND (?2 IS NULL OR a.annotator IN (SELECT id FROM annotator WHERE name = ?2))" \
  " AND (?3 IS NULL OR (a.review_status = ?3 AND a.deleted = 0))"

static void
bind_filter (Export       *self,
             sqlite3_stmt *stmt,
             gint64        document)
{
  sqlite3_bind_int64 (stmt, 1, document);
  if (self->options->annotator != NULL)
    sqlite3_bind_text (stmt, 2, self->options->annotator, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 2);
  if (self->status != NULL)
    sqlite3_bind_text (stmt, 3, self->status, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 3);
}

static gboolean
export_annotators (Export  *self,
                   GError **error)
{
  g_autoptr(sqlite3_stmt) used = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  int rc;

  /* Only the annotators the exported annotations name (as annotator or
   * reviewer): an annotator without annotations carries no data, and the
   * one a new project starts with would otherwise pile up at each import. */
  used = prepare (self->project,
                  "SELECT DISTINCT a.annotator, a.reviewer FROM annotation a WHERE"
                  ANNOTATION_FILTER, error);
  if (used == NULL)
    return FALSE;

  for (guint i = 0; i < self->documents->len; i++)
    {
      sqlite3_reset (used);
      bind_filter (self, used, g_array_index (self->documents, gint64, i));
      while ((rc = sqlite3_step (used)) == SQLITE_ROW)
        for (int column = 0; column < 2; column++)
          if (sqlite3_column_type (used, column) != SQLITE_NULL)
            {
              gint64 id = sqlite3_column_int64 (used, column);

              g_hash_table_add (ids, g_memdup2 (&id, sizeof id));
            }
      if (!step_failed (self, rc, error))
        return FALSE;
    }

  stmt = prepare (self->project, "SELECT id, uuid, name FROM annotator ORDER BY name, uuid", error);
  if (stmt == NULL)
    return FALSE;

  W (xmlTextWriterStartElement (self->writer, BAD_CAST "annotators"));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (!g_hash_table_contains (ids, &id))
        continue;

      W (xmlTextWriterStartElement (self->writer, BAD_CAST "annotator"));
      if (!write_attribute (self, "uuid", column_text (stmt, 1), error) ||
          !write_attribute (self, "name", column_text (stmt, 2), error))
        return FALSE;
      W (xmlTextWriterEndElement (self->writer));
    }
  if (!step_failed (self, rc, error))
    return FALSE;
  W (xmlTextWriterEndElement (self->writer));

  return TRUE;
}

static gboolean
export_code_tree (Export      *self,
                  GHashTable  *children,
                  gint64       key,
                  GError     **error)
{
  GPtrArray *list = g_hash_table_lookup (children, &key);

  if (list == NULL)
    return TRUE;

  for (guint i = 0; i < list->len; i++)
    {
      ExportCode *code = g_ptr_array_index (list, i);

      W (xmlTextWriterStartElement (self->writer, BAD_CAST "code"));
      if (!write_attribute (self, "uuid", code->uuid, error) ||
          !write_attribute (self, "name", code->name, error) ||
          !write_attribute (self, "color", code->color, error) ||
          !write_attribute (self, "shortcut", code->shortcut, error) ||
          !write_attribute (self, "modified", code->modified, error) ||
          !write_attribute_int (self, "revision", code->revision, error) ||
          !write_text_element (self, "description", code->description, error) ||
          !write_text_element (self, "memo", code->memo, error) ||
          !export_code_tree (self, children, code->id, error))
        return FALSE;
      W (xmlTextWriterEndElement (self->writer));
    }

  return TRUE;
}

static gboolean
export_dimensions (Export  *self,
                   GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) children = NULL;
  int rc;

  /* The codebook is small: load it, then write each dimension's tree.
   * Keys of @children: a code's id, or minus its dimension's id for the
   * top level. */
  stmt = prepare (self->project,
                  "SELECT id, uuid, dimension, parent, name, color, description, shortcut,"
                  " memo, modified, revision FROM code ORDER BY position, id", error);
  if (stmt == NULL)
    return FALSE;

  self->codes = g_ptr_array_new_with_free_func ((GDestroyNotify) export_code_free);
  self->code_uuids = g_hash_table_new (g_int64_hash, g_int64_equal);
  children = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                    (GDestroyNotify) g_ptr_array_unref);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ExportCode *code = g_new0 (ExportCode, 1);
      gint64 key;
      GPtrArray *list;

      code->id = sqlite3_column_int64 (stmt, 0);
      code->uuid = g_strdup (column_text (stmt, 1));
      code->parent = sqlite3_column_int64 (stmt, 3);
      code->name = g_strdup (column_text (stmt, 4));
      code->color = g_strdup (column_text (stmt, 5));
      code->description = g_strdup (column_text (stmt, 6));
      code->shortcut = g_strdup (column_text (stmt, 7));
      code->memo = g_strdup (column_text (stmt, 8));
      code->modified = g_strdup (column_text (stmt, 9));
      code->revision = sqlite3_column_int64 (stmt, 10);
      g_ptr_array_add (self->codes, code);
      g_hash_table_insert (self->code_uuids, &code->id, code->uuid);

      key = code->parent != 0 ? code->parent : -sqlite3_column_int64 (stmt, 2);
      list = g_hash_table_lookup (children, &key);
      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (children, g_memdup2 (&key, sizeof key), list);
        }
      g_ptr_array_add (list, code);
    }
  if (!step_failed (self, rc, error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = prepare (self->project,
                  "SELECT id, uuid, name, kind, multiple, level, memo, modified, revision"
                  " FROM dimension ORDER BY position, id", error);
  if (stmt == NULL)
    return FALSE;

  W (xmlTextWriterStartElement (self->writer, BAD_CAST "dimensions"));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      W (xmlTextWriterStartElement (self->writer, BAD_CAST "dimension"));
      if (!write_attribute (self, "uuid", column_text (stmt, 1), error) ||
          !write_attribute (self, "name", column_text (stmt, 2), error) ||
          !write_attribute (self, "kind", column_text (stmt, 3), error) ||
          !write_attribute (self, "multiple",
                            sqlite3_column_int (stmt, 4) ? "true" : "false", error) ||
          !write_attribute (self, "level", column_text (stmt, 5), error) ||
          !write_changed (self, stmt, 7, error) ||
          !write_text_element (self, "memo", column_text (stmt, 6), error) ||
          !export_code_tree (self, children, -sqlite3_column_int64 (stmt, 0), error))
        return FALSE;
      W (xmlTextWriterEndElement (self->writer));
    }
  if (!step_failed (self, rc, error))
    return FALSE;
  W (xmlTextWriterEndElement (self->writer));

  return TRUE;
}

/* The text in <chunk>s of at most GLOSS_XML_CHUNK_BYTES, cut between
 * characters, so no text node comes near libxml2's 10 MB limit. */
static gboolean
export_text (Export      *self,
             const char  *text,
             gsize        len,
             GError     **error)
{
  g_autofree char *buffer = g_malloc (GLOSS_XML_CHUNK_BYTES + 1);
  gsize pos = 0;

  if (!check_xml_safe ("A document’s text", text, len, error))
    return FALSE;

  W (xmlTextWriterStartElement (self->writer, BAD_CAST "text"));
  while (pos < len)
    {
      gsize n = MIN (len - pos, GLOSS_XML_CHUNK_BYTES);

      /* back off to the start of a character */
      while (pos + n < len && n > 0 && ((guchar) text[pos + n] & 0xC0) == 0x80)
        n--;

      memcpy (buffer, text + pos, n);
      buffer[n] = '\0';
      W (xmlTextWriterStartElement (self->writer, BAD_CAST "chunk"));
      W (xmlTextWriterWriteString (self->writer, BAD_CAST buffer));
      W (xmlTextWriterEndElement (self->writer));
      pos += n;
    }
  W (xmlTextWriterEndElement (self->writer));

  return TRUE;
}

static gboolean
export_documents (Export  *self,
                  GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) attributes = NULL;
  g_autoptr(sqlite3_stmt) segments = NULL;
  int rc;

  stmt = prepare (self->project,
                  "SELECT uuid, title, sha256, length, imported_at, source_name, memo,"
                  " modified, revision, text FROM document WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  attributes = prepare (self->project,
                        "SELECT key, value FROM document_attribute WHERE document = ?"
                        " ORDER BY key", error);
  if (attributes == NULL)
    return FALSE;
  segments = prepare (self->project,
                      "SELECT start, \"end\", kind, speaker FROM segment WHERE document = ?"
                      " ORDER BY start, \"end\", id", error);
  if (segments == NULL)
    return FALSE;

  W (xmlTextWriterStartElement (self->writer, BAD_CAST "documents"));
  for (guint i = 0; i < self->documents->len; i++)
    {
      gint64 id = g_array_index (self->documents, gint64, i);

      if (g_cancellable_is_cancelled (self->cancellable))
        return set_cancelled (error);

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, id);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW)
        return _gloss_project_fail (self->project, "export", error);

      W (xmlTextWriterStartElement (self->writer, BAD_CAST "document"));
      if (!write_attribute (self, "uuid", column_text (stmt, 0), error) ||
          !write_attribute (self, "title", column_text (stmt, 1), error) ||
          !write_attribute (self, "sha256", column_text (stmt, 2), error) ||
          !write_attribute_int (self, "length", sqlite3_column_int64 (stmt, 3), error) ||
          !write_attribute (self, "imported", column_text (stmt, 4), error) ||
          !write_attribute (self, "source", column_text (stmt, 5), error) ||
          !write_changed (self, stmt, 7, error) ||
          !write_text_element (self, "memo", column_text (stmt, 6), error))
        return FALSE;

      sqlite3_reset (attributes);
      sqlite3_bind_int64 (attributes, 1, id);
      while ((rc = sqlite3_step (attributes)) == SQLITE_ROW)
        {
          const char *value = column_text (attributes, 1);

          W (xmlTextWriterStartElement (self->writer, BAD_CAST "attribute"));
          if (!write_attribute (self, "key", column_text (attributes, 0), error) ||
              !check_xml_safe ("An attribute", value, strlen (value), error))
            return FALSE;
          W (xmlTextWriterWriteString (self->writer, BAD_CAST value));
          W (xmlTextWriterEndElement (self->writer));
        }
      if (!step_failed (self, rc, error))
        return FALSE;

      sqlite3_reset (segments);
      sqlite3_bind_int64 (segments, 1, id);
      while ((rc = sqlite3_step (segments)) == SQLITE_ROW)
        {
          W (xmlTextWriterStartElement (self->writer, BAD_CAST "segment"));
          if (!write_attribute_int (self, "start", sqlite3_column_int64 (segments, 0), error) ||
              !write_attribute_int (self, "end", sqlite3_column_int64 (segments, 1), error) ||
              !write_attribute (self, "kind", column_text (segments, 2), error) ||
              !write_attribute (self, "speaker", column_text (segments, 3), error))
            return FALSE;
          W (xmlTextWriterEndElement (self->writer));
        }
      if (!step_failed (self, rc, error))
        return FALSE;

      if (!self->options->no_text &&
          !export_text (self, column_text (stmt, 9), sqlite3_column_bytes (stmt, 9), error))
        return FALSE;

      W (xmlTextWriterEndElement (self->writer));
    }
  W (xmlTextWriterEndElement (self->writer));

  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static gboolean
export_annotations (Export  *self,
                    GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) document = NULL;
  g_autoptr(GPtrArray) code_uuids = g_ptr_array_new ();
  int rc;

  stmt = prepare (self->project,
                  "SELECT a.uuid, a.start, a.\"end\", an.uuid, a.created, a.modified,"
                  " a.revision, a.review_status, a.deleted, rv.uuid, a.reviewed, a.quote,"
                  " (SELECT group_concat (code) FROM annotation_code WHERE annotation = a.id),"
                  " a.note, a.review_note"
                  " FROM annotation a JOIN annotator an ON an.id = a.annotator"
                  " LEFT JOIN annotator rv ON rv.id = a.reviewer WHERE" ANNOTATION_FILTER
                  " ORDER BY a.start, a.\"end\", a.uuid", error);
  if (stmt == NULL)
    return FALSE;
  document = prepare (self->project, "SELECT uuid FROM document WHERE id = ?", error);
  if (document == NULL)
    return FALSE;

  W (xmlTextWriterStartElement (self->writer, BAD_CAST "annotations"));
  for (guint i = 0; i < self->documents->len; i++)
    {
      gint64 id = g_array_index (self->documents, gint64, i);
      g_autofree char *document_uuid = NULL;

      sqlite3_reset (document);
      sqlite3_bind_int64 (document, 1, id);
      if (sqlite3_step (document) != SQLITE_ROW)
        return _gloss_project_fail (self->project, "export", error);
      document_uuid = g_strdup (column_text (document, 0));

      sqlite3_reset (stmt);
      bind_filter (self, stmt, id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *codes = column_text (stmt, 12);

          if (++self->n_rows % CANCEL_CHECK_INTERVAL == 0 &&
              g_cancellable_is_cancelled (self->cancellable))
            return set_cancelled (error);

          W (xmlTextWriterStartElement (self->writer, BAD_CAST "annotation"));
          if (!write_attribute (self, "uuid", column_text (stmt, 0), error) ||
              !write_attribute (self, "document", document_uuid, error) ||
              !write_attribute_int (self, "start", sqlite3_column_int64 (stmt, 1), error) ||
              !write_attribute_int (self, "end", sqlite3_column_int64 (stmt, 2), error) ||
              !write_attribute (self, "annotator", column_text (stmt, 3), error) ||
              !write_attribute (self, "created", column_text (stmt, 4), error) ||
              !write_changed (self, stmt, 5, error) ||
              !write_attribute (self, "status", column_text (stmt, 7), error) ||
              !write_attribute (self, "deleted",
                                sqlite3_column_int (stmt, 8) ? "true" : NULL, error) ||
              !write_attribute (self, "reviewer", column_text (stmt, 9), error) ||
              !write_attribute (self, "reviewed", column_text (stmt, 10), error) ||
              !write_text_element (self, "quote", column_text (stmt, 11), error))
            return FALSE;

          /* codes by uuid, sorted so the output does not depend on row ids */
          g_ptr_array_set_size (code_uuids, 0);
          for (const char *p = codes; p != NULL && *p != '\0';)
            {
              char *end = NULL;
              gint64 code = g_ascii_strtoll (p, &end, 10);
              const char *uuid;

              if (end == p)
                break;
              uuid = g_hash_table_lookup (self->code_uuids, &code);
              if (uuid != NULL)
                g_ptr_array_add (code_uuids, (gpointer) uuid);
              p = *end == ',' ? end + 1 : end;
            }
          g_ptr_array_sort (code_uuids, compare_strings);
          for (guint j = 0; j < code_uuids->len; j++)
            {
              W (xmlTextWriterStartElement (self->writer, BAD_CAST "code"));
              W (xmlTextWriterWriteAttribute (self->writer, BAD_CAST "ref",
                                              g_ptr_array_index (code_uuids, j)));
              W (xmlTextWriterEndElement (self->writer));
            }

          if (!write_text_element (self, "note", column_text (stmt, 13), error) ||
              !write_text_element (self, "review-note", column_text (stmt, 14), error))
            return FALSE;
          W (xmlTextWriterEndElement (self->writer));
        }
      if (!step_failed (self, rc, error))
        return FALSE;
    }
  W (xmlTextWriterEndElement (self->writer));

  return TRUE;
}

static gboolean
export_all (Export  *self,
            GError **error)
{
  const GlossExportOptions *options = self->options;
  g_autofree char *now = gloss_timestamp_now ();
  gboolean partial = options->n_documents > 0 || options->annotator != NULL ||
                     options->status >= 0 || options->no_text;

  self->documents = _gloss_interchange_select_documents (self->project, options, error);
  if (self->documents == NULL)
    return FALSE;

  W (xmlTextWriterSetIndent (self->writer, 1));
  W (xmlTextWriterSetIndentString (self->writer, BAD_CAST "  "));
  W (xmlTextWriterStartDocument (self->writer, NULL, "UTF-8", NULL));
  W (xmlTextWriterStartElementNS (self->writer, NULL, BAD_CAST "gloss",
                                  BAD_CAST GLOSS_XML_NAMESPACE));
  if (!write_attribute_int (self, "version", GLOSS_XML_VERSION, error) ||
      !write_attribute (self, "project", gloss_project_get_uuid (self->project), error) ||
      !write_attribute (self, "exported", now, error) ||
      !write_attribute (self, "partial", partial ? "true" : NULL, error))
    return FALSE;

  if (!export_annotators (self, error) ||
      !export_dimensions (self, error) ||
      !export_documents (self, error) ||
      !export_annotations (self, error))
    return FALSE;

  W (xmlTextWriterEndElement (self->writer));
  W (xmlTextWriterEndDocument (self->writer));
  W (xmlTextWriterFlush (self->writer));

  return TRUE;
}

#undef W

/**
 * gloss_xml_export:
 * @project: the project
 * @path: the file to write; replaced only when the export succeeds
 * @options: (nullable): which documents, annotator and status; with or without text
 *
 * Writes the project (or the part @options choose) as Gloss XML.
 *
 * Returns: %TRUE on success
 */
gboolean
gloss_xml_export (GlossProject              *project,
                  const char                *path,
                  const GlossExportOptions  *options,
                  GCancellable              *cancellable,
                  GError                   **error)
{
  static const GlossExportOptions defaults = GLOSS_EXPORT_OPTIONS_INIT;
  g_autoptr(GlossOutput) output = NULL;
  Export self = { 0 };
  xmlOutputBuffer *buffer;
  gboolean started = FALSE;
  gboolean ok;

  g_return_val_if_fail (GLOSS_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self.project = project;
  self.options = options != NULL ? options : &defaults;
  self.cancellable = cancellable;
  if (self.options->status >= 0)
    {
      self.status = gloss_review_status_to_string (self.options->status);
      if (self.status == NULL)
        {
          g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_STRUCTURE,
                       _("Unknown review status %d."), self.options->status);
          return FALSE;
        }
    }

  output = _gloss_output_new (path, error);
  if (output == NULL)
    return FALSE;
  self.file = _gloss_output_get_file (output);

  buffer = xmlOutputBufferCreateIO (output_write_cb, output_close_cb, &self, NULL);
  if (buffer != NULL)
    self.writer = xmlNewTextWriter (buffer);
  if (self.writer == NULL)
    {
      g_autofree char *shown = g_filename_display_name (path);

      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO,
                   _("Could not start writing “%s”."), shown);
      return FALSE;
    }

  if (!_gloss_interchange_begin_read (project, &started, error))
    {
      export_clear (&self);
      return FALSE;
    }
  ok = export_all (&self, error);
  _gloss_interchange_end_read (project, started);

  /* Freeing the writer flushes and closes its buffer. */
  export_clear (&self);
  if (ok && self.write_errno != 0)
    ok = _gloss_interchange_set_io_error (error, path, self.write_errno);
  if (!ok)
    {
      g_autofree char *shown = g_filename_display_name (path);

      g_prefix_error (error, "Could not export to “%s”: ", shown);
      return FALSE;
    }

  return _gloss_output_commit (output, error);
}

/* ========================================================================
 * Validation against the RELAX NG schema
 * ======================================================================== */

/**
 * gloss_xml_validate:
 * @path: a Gloss XML file
 *
 * Validates @path against the RELAX NG schema of Gloss XML (compiled into
 * Gloss, the same as data/gloss.rng).  DOCTYPEs are refused as on import.
 *
 * Returns: %TRUE when the file is valid
 */
gboolean
gloss_xml_validate (const char  *path,
                    GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(xmlRelaxNGParserCtxt) parser = NULL;
  g_autoptr(xmlRelaxNG) schema = NULL;
  g_autoptr(GlossXmlReader) reader = NULL;
  GPtrArray *messages;
  gsize size = 0;
  const char *data;
  int ret;

  g_return_val_if_fail (path != NULL, FALSE);

  bytes = g_resources_lookup_data ("/org/glossapp/Gloss/xml/gloss.rng",
                                   G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    {
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO,
                   _("The schema of Gloss XML is missing from this build of Gloss."));
      return FALSE;
    }

  data = g_bytes_get_data (bytes, &size);
  parser = xmlRelaxNGNewMemParserCtxt (data, (int) size);
  if (parser != NULL)
    schema = xmlRelaxNGParse (parser);
  if (schema == NULL)
    {
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO,
                   _("The schema of Gloss XML in this build of Gloss does not compile."));
      return FALSE;
    }

  reader = _gloss_xml_reader_new (path, error);
  if (reader == NULL)
    return FALSE;

  if (xmlTextReaderRelaxNGSetSchema (_gloss_xml_reader_get (reader), schema) != 0)
    {
      g_autofree char *shown = g_filename_display_name (path);

      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO,
                   _("Could not start validating “%s”."), shown);
      return FALSE;
    }

  while ((ret = _gloss_xml_reader_read (reader, error)) == 1)
    ;
  if (ret < 0)
    return FALSE;

  messages = _gloss_xml_reader_get_messages (reader);
  if (messages->len > 0 || xmlTextReaderIsValid (_gloss_xml_reader_get (reader)) != 1)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autofree char *shown = g_filename_display_name (path);

      for (guint i = 0; i < messages->len && i < 10; i++)
        g_string_append_printf (text, "\n  %s", (const char *) messages->pdata[i]);
      if (messages->len > 10)
        g_string_append_printf (text, "\n  … and %u more", messages->len - 10);
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_INVALID,
                   _("“%s” is not valid Gloss XML:%s"), shown,
                   text->len > 0 ? text->str : " it does not match the schema.");
      return FALSE;
    }

  return TRUE;
}

/* ========================================================================
 * Import
 * ======================================================================== */

typedef struct
{
  gint64   id;
  gboolean multiple;
} DimensionInfo;

typedef struct
{
  gint64   id;
  gint64   dimension;
  gboolean multiple;
} CodeInfo;

typedef struct
{
  gint64 id;
  gint64 length;
} DocumentInfo;

enum
{
  ST_ANNOTATOR_BY_UUID,
  ST_DIMENSION_BY_UUID,
  ST_DIMENSION_BY_NAME,
  ST_DIMENSION_INSERT,
  ST_CODE_BY_UUID,
  ST_CODE_BY_NAME,
  ST_SHORTCUT_TAKEN,
  ST_CODE_INSERT,
  ST_DOCUMENT_BY_UUID,
  ST_DOCUMENT_BY_SHA256,
  ST_DOCUMENT_INSERT,
  ST_ATTRIBUTE_INSERT,
  ST_SEGMENT_INSERT,
  ST_TEXT,
  ST_ANNOTATION_BY_UUID,
  ST_ANNOTATION_INSERT,
  ST_ANNOTATION_UPDATE,
  ST_ANNOTATION_CODES_DELETE,
  ST_ANNOTATION_CODE_INSERT,
  N_STATEMENTS
};

static const char *import_sql[N_STATEMENTS] = {
  [ST_ANNOTATOR_BY_UUID] = "SELECT id FROM annotator WHERE uuid = ?",
  [ST_DIMENSION_BY_UUID] = "SELECT id, multiple FROM dimension WHERE uuid = ?",
  [ST_DIMENSION_BY_NAME] = "SELECT id, multiple FROM dimension WHERE name = ?",
  [ST_DIMENSION_INSERT] =
    "INSERT INTO dimension (uuid, name, kind, multiple, level, position, memo, modified, revision)"
    " VALUES (?1, ?2, ?3, ?4, ?5, (SELECT ifnull (max (position) + 1, 0) FROM dimension),"
    " ?6, ?7, ?8)",
  [ST_CODE_BY_UUID] =
    "SELECT c.id, c.dimension, d.multiple FROM code c JOIN dimension d ON d.id = c.dimension"
    " WHERE c.uuid = ?",
  [ST_CODE_BY_NAME] =
    "SELECT id FROM code WHERE dimension = ?1 AND ifnull (parent, 0) = ?2 AND name = ?3",
  [ST_SHORTCUT_TAKEN] = "SELECT 1 FROM code WHERE shortcut = ?",
  [ST_CODE_INSERT] =
    "INSERT INTO code (uuid, dimension, parent, name, color, description, shortcut, position,"
    " memo, modified, revision) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
    " (SELECT ifnull (max (position) + 1, 0) FROM code WHERE dimension = ?2"
    "  AND ifnull (parent, 0) = ifnull (?3, 0)), ?8, ?9, ?10)",
  [ST_DOCUMENT_BY_UUID] = "SELECT id, sha256, length FROM document WHERE uuid = ?",
  [ST_DOCUMENT_BY_SHA256] = "SELECT id, length FROM document WHERE sha256 = ? ORDER BY id LIMIT 1",
  [ST_DOCUMENT_INSERT] =
    "INSERT INTO document (uuid, title, text, sha256, length, source_name, imported_at, memo,"
    " position, modified, revision) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
    " (SELECT ifnull (max (position) + 1, 0) FROM document), ?9, ?10)",
  [ST_ATTRIBUTE_INSERT] = "INSERT INTO document_attribute (document, key, value) VALUES (?, ?, ?)",
  [ST_SEGMENT_INSERT] =
    "INSERT INTO segment (document, start, \"end\", kind, speaker) VALUES (?, ?, ?, ?, ?)",
  [ST_TEXT] = "SELECT text FROM document WHERE id = ?",
  [ST_ANNOTATION_BY_UUID] = "SELECT id, modified, revision FROM annotation WHERE uuid = ?",
  [ST_ANNOTATION_INSERT] =
    "INSERT INTO annotation (uuid, document, start, \"end\", quote, note, annotator, created,"
    " modified, revision, deleted, review_status, reviewer, review_note, reviewed)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
  [ST_ANNOTATION_UPDATE] =
    "UPDATE annotation SET document = ?2, start = ?3, \"end\" = ?4, quote = ?5, note = ?6,"
    " annotator = ?7, created = ?8, modified = ?9, revision = ?10, deleted = ?11,"
    " review_status = ?12, reviewer = ?13, review_note = ?14, reviewed = ?15 WHERE uuid = ?1",
  [ST_ANNOTATION_CODES_DELETE] = "DELETE FROM annotation_code WHERE annotation = ?",
  [ST_ANNOTATION_CODE_INSERT] =
    "INSERT OR IGNORE INTO annotation_code (annotation, code) VALUES (?, ?)",
};

/* Byte offset of every TEXT_STRIDE-th code point, so quotes far into a long
 * text are cut without walking it from the start. */
#define TEXT_STRIDE 512

typedef struct
{
  GlossProject      *project;
  sqlite3           *db;
  const char        *path;
  GlossXmlReader    *reader;
  xmlTextReader     *xml;
  GlossImportReport *report;
  GCancellable      *cancellable;
  guint              n_nodes;

  GHashTable        *annotators;  /* file uuid → gint64 * (project id) */
  GHashTable        *dimensions;  /* file uuid → DimensionInfo */
  GHashTable        *codes;       /* file uuid → CodeInfo */
  GHashTable        *documents;   /* file uuid → DocumentInfo */

  gint64             text_document;
  char              *text;
  gsize              text_len;
  GArray            *checkpoints; /* (element-type gsize) */

  gint64             max_before;  /* the largest annotation id before the import */
  guint8            *matched;     /* a bit per annotation id up to max_before */

  sqlite3_stmt      *statements[N_STATEMENTS];
} Import;

static void
import_finalize_statements (Import *self)
{
  for (guint i = 0; i < N_STATEMENTS; i++)
    g_clear_pointer (&self->statements[i], sqlite3_finalize);
}

static void
import_clear (Import *self)
{
  import_finalize_statements (self);
  g_clear_pointer (&self->annotators, g_hash_table_unref);
  g_clear_pointer (&self->dimensions, g_hash_table_unref);
  g_clear_pointer (&self->codes, g_hash_table_unref);
  g_clear_pointer (&self->documents, g_hash_table_unref);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->checkpoints, g_array_unref);
  g_clear_pointer (&self->matched, g_free);
}

static gboolean import_fail (Import      *self,
                             int          code,
                             GError     **error,
                             const char  *format,
                             ...) G_GNUC_PRINTF (4, 5);

/* An error about the file, with where in it, and the promise that holds. */
static gboolean
import_fail (Import      *self,
             int          code,
             GError     **error,
             const char  *format,
             ...)
{
  g_autofree char *message = NULL;
  g_autofree char *shown = g_filename_display_name (self->path);
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, GLOSS_INTERCHANGE_ERROR, code,
               _("“%s”, line %d: %s. Nothing was imported."),
               shown, _gloss_xml_reader_line (self->reader), message);
  return FALSE;
}

/* A prepared statement, reset and unbound, ready for new values. */
static sqlite3_stmt *
statement (Import  *self,
           int      which,
           GError **error)
{
  sqlite3_stmt *stmt = self->statements[which];

  if (stmt == NULL)
    {
      if (sqlite3_prepare_v3 (self->db, import_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
                              &stmt, NULL) != SQLITE_OK)
        {
          _gloss_project_fail (self->project, "import", error);
          return NULL;
        }
      self->statements[which] = stmt;
    }
  else
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }

  return stmt;
}

/* Steps @stmt once: TRUE with *@row telling whether a row came. */
static gboolean
step (Import       *self,
      sqlite3_stmt *stmt,
      gboolean     *row,
      GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    {
      if (row != NULL)
        *row = rc == SQLITE_ROW;
      if (rc == SQLITE_DONE)
        sqlite3_reset (stmt);
      return TRUE;
    }

  sqlite3_reset (stmt);
  return _gloss_project_fail (self->project, "import", error);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* ------------------------------------------------------------------------
 * Walking the file
 * ------------------------------------------------------------------------ */

static gboolean
read_node (Import  *self,
           GError **error)
{
  int ret = _gloss_xml_reader_read (self->reader, error);

  if (ret < 0)
    return FALSE;
  if (ret == 0)
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_MALFORMED, error,
                        _("the file ends early; it may have been cut short"));
  if (++self->n_nodes % CANCEL_CHECK_INTERVAL == 0 &&
      g_cancellable_is_cancelled (self->cancellable))
    return set_cancelled (error);

  return TRUE;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;

  return TRUE;
}

static const char *
local_name (Import *self)
{
  return (const char *) xmlTextReaderConstLocalName (self->xml);
}

static gboolean
name_is (Import     *self,
         const char *name)
{
  return g_strcmp0 (local_name (self), name) == 0;
}

static gboolean
unexpected_element (Import      *self,
                    const char  *parent,
                    GError     **error)
{
  return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                      _("<%s> does not belong in <%s>"), local_name (self), parent);
}

/* Moves to the next child element of the current element.  *@found is
 * FALSE when the parent's end tag came instead. */
static gboolean
next_child (Import    *self,
            gboolean  *found,
            GError   **error)
{
  for (;;)
    {
      if (!read_node (self, error))
        return FALSE;

      switch (xmlTextReaderNodeType (self->xml))
        {
        case XML_READER_TYPE_ELEMENT:
          if (g_strcmp0 ((const char *) xmlTextReaderConstNamespaceUri (self->xml),
                         GLOSS_XML_NAMESPACE) != 0)
            return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                                _("<%s> is not in the Gloss XML namespace"),
                                (const char *) xmlTextReaderConstName (self->xml));
          *found = TRUE;
          return TRUE;

        case XML_READER_TYPE_END_ELEMENT:
          *found = FALSE;
          return TRUE;

        case XML_READER_TYPE_TEXT:
        case XML_READER_TYPE_CDATA:
          if (!is_blank ((const char *) xmlTextReaderConstValue (self->xml)))
            return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                                _("text where only elements belong"));
          break;

        default:
          break;
        }
    }
}

/* The text content of the current element, appended to @out; at most
 * @max_bytes in all, else TOO_LARGE. */
static gboolean
read_text_into (Import      *self,
                GString     *out,
                gsize        max_bytes,
                GError     **error)
{
  g_autofree char *element = g_strdup (local_name (self));

  if (xmlTextReaderIsEmptyElement (self->xml))
    return TRUE;

  for (;;)
    {
      if (!read_node (self, error))
        return FALSE;

      switch (xmlTextReaderNodeType (self->xml))
        {
        case XML_READER_TYPE_TEXT:
        case XML_READER_TYPE_CDATA:
        case XML_READER_TYPE_WHITESPACE:
        case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
          {
            const char *value = (const char *) xmlTextReaderConstValue (self->xml);
            gsize len = value != NULL ? strlen (value) : 0;

            if (out->len + len > max_bytes)
              return import_fail (self, GLOSS_INTERCHANGE_ERROR_TOO_LARGE, error,
                                  _("<%s> holds more than %lu bytes, more than Gloss accepts"),
                                  element, (unsigned long) max_bytes);
            g_string_append_len (out, value, len);
          }
          break;

        case XML_READER_TYPE_END_ELEMENT:
          return TRUE;

        case XML_READER_TYPE_ELEMENT:
          return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                              _("<%s> may hold only text, not <%s>"), element, local_name (self));

        default:
          break;
        }
    }
}

static char *
read_text (Import  *self,
           GError **error)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (!read_text_into (self, text, GLOSS_MAX_TEXT_BYTES, error))
    return NULL;

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Elements that must be empty, such as <annotator/>. */
static gboolean
expect_empty (Import  *self,
              GError **error)
{
  g_autofree char *element = g_strdup (local_name (self));
  gboolean found = FALSE;

  if (xmlTextReaderIsEmptyElement (self->xml))
    return TRUE;

  if (!next_child (self, &found, error))
    return FALSE;
  if (found)
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                        _("<%s> does not belong in <%s>"), local_name (self), element);

  return TRUE;
}

static char *
get_attribute (Import     *self,
               const char *name)
{
  xmlChar *value = xmlTextReaderGetAttribute (self->xml, BAD_CAST name);
  char *copy;

  if (value == NULL)
    return NULL;

  copy = g_strdup ((const char *) value);
  xmlFree (value);

  return copy;
}

static char *
require_attribute (Import      *self,
                   const char  *name,
                   GError     **error)
{
  char *value = get_attribute (self, name);

  if (value == NULL || *value == '\0')
    {
      import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                   _("<%s> lacks its %s"), local_name (self), name);
      g_free (value);
      return NULL;
    }

  return value;
}

static char *
require_uuid (Import      *self,
              const char  *name,
              GError     **error)
{
  g_autofree char *value = require_attribute (self, name, error);

  if (value == NULL)
    return NULL;

  if (!g_uuid_string_is_valid (value))
    {
      import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                   _("the %s of <%s> is not a UUID: “%s”"), name, local_name (self), value);
      return NULL;
    }

  return g_steal_pointer (&value);
}

static gboolean
require_int (Import      *self,
             const char  *name,
             gint64       min,
             gint64      *value,
             GError     **error)
{
  g_autofree char *text = require_attribute (self, name, error);
  guint64 parsed = 0;

  if (text == NULL)
    return FALSE;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &parsed, NULL) ||
      (gint64) parsed < min)
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                        _("the %s of <%s> is not a whole number of at least %lld: “%s”"),
                        name, local_name (self), (long long) min, text);

  *value = (gint64) parsed;
  return TRUE;
}

static gboolean
is_timestamp (const char *text)
{
  g_autoptr(GDateTime) parsed = NULL;
  gsize len = strlen (text);

  if (len < 20 || text[len - 1] != 'Z' || text[10] != 'T')
    return FALSE;

  parsed = g_date_time_new_from_iso8601 (text, NULL);

  return parsed != NULL;
}

/* A timestamp attribute into *@value (left NULL when @optional and absent). */
static gboolean
require_timestamp (Import      *self,
                   const char  *name,
                   gboolean     optional,
                   char       **value,
                   GError     **error)
{
  g_autofree char *text = get_attribute (self, name);

  if (text == NULL && optional)
    return TRUE;

  if (text == NULL || !is_timestamp (text))
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                        _("the %s of <%s> is not a time such as 2026-11-28T09:15:02.345Z: “%s”"),
                        name, local_name (self), text != NULL ? text : "");

  *value = g_steal_pointer (&text);
  return TRUE;
}

static gboolean
parse_boolean (const char *text,
               gboolean   *value)
{
  if (g_strcmp0 (text, "true") == 0 || g_strcmp0 (text, "1") == 0)
    *value = TRUE;
  else if (g_strcmp0 (text, "false") == 0 || g_strcmp0 (text, "0") == 0)
    *value = FALSE;
  else
    return FALSE;

  return TRUE;
}

static gboolean
duplicate (Import      *self,
           const char  *what,
           const char  *uuid,
           GError     **error)
{
  return import_fail (self, GLOSS_INTERCHANGE_ERROR_DUPLICATE_UUID, error,
                      _("the %s %s appears twice"), what, uuid);
}

/* ------------------------------------------------------------------------
 * Annotators
 * ------------------------------------------------------------------------ */

static gboolean
import_annotators (Import  *self,
                   GError **error)
{
  gboolean found = FALSE;

  if (xmlTextReaderIsEmptyElement (self->xml))
    return TRUE;

  while (next_child (self, &found, error))
    {
      g_autofree char *uuid = NULL;
      g_autofree char *name = NULL;
      gint64 id;

      if (!found)
        return TRUE;
      if (!name_is (self, "annotator"))
        return unexpected_element (self, "annotators", error);

      uuid = require_uuid (self, "uuid", error);
      if (uuid == NULL)
        return FALSE;
      name = require_attribute (self, "name", error);
      if (name == NULL)
        return FALSE;
      if (g_hash_table_contains (self->annotators, uuid))
        return duplicate (self, "annotator", uuid, error);
      if (!expect_empty (self, error))
        return FALSE;

      /* Matched by uuid; the same name under another uuid is another person
       * (or the same one in another file) and is kept apart. */
      id = _gloss_project_ensure_annotator (self->project, name, uuid, error);
      if (id == 0)
        return FALSE;
      g_hash_table_insert (self->annotators, g_steal_pointer (&uuid),
                           g_memdup2 (&id, sizeof id));
    }

  return FALSE;
}

/* An annotator named by an annotation: from the file, else from the project. */
static gboolean
lookup_annotator (Import      *self,
                  const char  *uuid,
                  gint64      *id,
                  GError     **error)
{
  gint64 *known = g_hash_table_lookup (self->annotators, uuid);
  sqlite3_stmt *stmt;
  gboolean row = FALSE;

  if (known != NULL)
    {
      *id = *known;
      return TRUE;
    }

  stmt = statement (self, ST_ANNOTATOR_BY_UUID, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  if (!step (self, stmt, &row, error))
    return FALSE;
  if (!row)
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_MISSING_REFERENCE, error,
                        _("the annotator %s is neither in the file nor in the project"), uuid);

  *id = sqlite3_column_int64 (stmt, 0);
  g_hash_table_insert (self->annotators, g_strdup (uuid), g_memdup2 (id, sizeof *id));

  return TRUE;
}

/* ------------------------------------------------------------------------
 * Dimensions and codes
 * ------------------------------------------------------------------------ */

typedef struct
{
  char               *uuid;
  char               *name;
  GlossDimensionKind  kind;
  gboolean            multiple;
  GlossLevel          level;
  char               *memo;
  char               *modified;
  gint64              revision;
  gboolean            stored;
  DimensionInfo      *info;     /* owned by Import.dimensions */
} PendingDimension;

static void
pending_dimension_clear (PendingDimension *self)
{
  g_free (self->uuid);
  g_free (self->name);
  g_free (self->memo);
  g_free (self->modified);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PendingDimension, pending_dimension_clear)

static gboolean
store_dimension (Import            *self,
                 PendingDimension  *dimension,
                 GError           **error)
{
  sqlite3_stmt *stmt;
  gboolean row = FALSE;

  if (dimension->stored)
    return TRUE;
  dimension->stored = TRUE;

  /* by uuid, then by name */
  for (int which = ST_DIMENSION_BY_UUID; which <= ST_DIMENSION_BY_NAME; which++)
    {
      stmt = statement (self, which, error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, which == ST_DIMENSION_BY_UUID ? dimension->uuid : dimension->name);
      if (!step (self, stmt, &row, error))
        return FALSE;
      if (row)
        {
          dimension->info->id = sqlite3_column_int64 (stmt, 0);
          dimension->info->multiple = sqlite3_column_int (stmt, 1) != 0;
          return TRUE;
        }
    }

  stmt = statement (self, ST_DIMENSION_INSERT, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, dimension->uuid);
  bind_text (stmt, 2, dimension->name);
  bind_text (stmt, 3, gloss_dimension_kind_to_string (dimension->kind));
  sqlite3_bind_int (stmt, 4, dimension->multiple ? 1 : 0);
  bind_text (stmt, 5, gloss_level_to_string (dimension->level));
  bind_text (stmt, 6, dimension->memo);
  bind_text (stmt, 7, dimension->modified);
  sqlite3_bind_int64 (stmt, 8, dimension->revision);
  if (!step (self, stmt, NULL, error))
    return FALSE;

  dimension->info->id = sqlite3_last_insert_rowid (self->db);
  dimension->info->multiple = dimension->multiple;
  self->report->dimensions_added++;

  return TRUE;
}

typedef struct
{
  char     *uuid;
  char     *name;
  char     *color;
  char     *shortcut;
  char     *description;
  char     *memo;
  char     *modified;
  gint64    revision;
  gboolean  stored;
  CodeInfo *info;      /* owned by Import.codes */
} PendingCode;

static void
pending_code_clear (PendingCode *self)
{
  g_free (self->uuid);
  g_free (self->name);
  g_free (self->color);
  g_free (self->shortcut);
  g_free (self->description);
  g_free (self->memo);
  g_free (self->modified);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PendingCode, pending_code_clear)

static gboolean
is_color (const char *text)
{
  if (strlen (text) != 7 || text[0] != '#')
    return FALSE;
  for (int i = 1; i < 7; i++)
    if (!g_ascii_isxdigit (text[i]))
      return FALSE;

  return TRUE;
}

static gboolean
store_code (Import               *self,
            const DimensionInfo  *dimension,
            gint64                parent,
            PendingCode          *code,
            GError              **error)
{
  sqlite3_stmt *stmt;
  gboolean row = FALSE;
  const char *shortcut = code->shortcut;

  if (code->stored)
    return TRUE;
  code->stored = TRUE;

  /* by uuid, then by its place in the tree */
  stmt = statement (self, ST_CODE_BY_UUID, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, code->uuid);
  if (!step (self, stmt, &row, error))
    return FALSE;
  if (row)
    {
      code->info->id = sqlite3_column_int64 (stmt, 0);
      code->info->dimension = sqlite3_column_int64 (stmt, 1);
      code->info->multiple = sqlite3_column_int (stmt, 2) != 0;
      self->report->codes_matched++;
      return TRUE;
    }

  code->info->dimension = dimension->id;
  code->info->multiple = dimension->multiple;

  stmt = statement (self, ST_CODE_BY_NAME, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, dimension->id);
  sqlite3_bind_int64 (stmt, 2, parent);
  bind_text (stmt, 3, code->name);
  if (!step (self, stmt, &row, error))
    return FALSE;
  if (row)
    {
      code->info->id = sqlite3_column_int64 (stmt, 0);
      self->report->codes_matched++;
      return TRUE;
    }

  if (shortcut != NULL)
    {
      stmt = statement (self, ST_SHORTCUT_TAKEN, error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, shortcut);
      if (!step (self, stmt, &row, error))
        return FALSE;
      if (row)
        {
          g_ptr_array_add (self->report->skipped,
                           g_strdup_printf (_("The code “%s” came without its shortcut “%s”, "
                                              "which another code of this project has."),
                                            code->name, shortcut));
          shortcut = NULL;
        }
    }

  stmt = statement (self, ST_CODE_INSERT, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, code->uuid);
  sqlite3_bind_int64 (stmt, 2, dimension->id);
  if (parent != 0)
    sqlite3_bind_int64 (stmt, 3, parent);
  else
    sqlite3_bind_null (stmt, 3);
  bind_text (stmt, 4, code->name);
  bind_text (stmt, 5, code->color);
  bind_text (stmt, 6, code->description);
  bind_text (stmt, 7, shortcut);
  bind_text (stmt, 8, code->memo);
  bind_text (stmt, 9, code->modified);
  sqlite3_bind_int64 (stmt, 10, code->revision);
  if (!step (self, stmt, NULL, error))
    return FALSE;

  code->info->id = sqlite3_last_insert_rowid (self->db);
  self->report->codes_added++;

  return TRUE;
}

static gboolean
import_code (Import               *self,
             const DimensionInfo  *dimension,
             gint64                parent,
             GError              **error)
{
  g_auto(PendingCode) code = { 0 };
  gboolean found = FALSE;

  code.uuid = require_uuid (self, "uuid", error);
  if (code.uuid == NULL)
    return FALSE;
  if (g_hash_table_contains (self->codes, code.uuid))
    return duplicate (self, "code", code.uuid, error);
  /* claimed at once, so a descendant with the same uuid is caught */
  code.info = g_new0 (CodeInfo, 1);
  g_hash_table_insert (self->codes, g_strdup (code.uuid), code.info);

  code.name = require_attribute (self, "name", error);
  if (code.name == NULL)
    return FALSE;
  code.color = require_attribute (self, "color", error);
  if (code.color == NULL)
    return FALSE;
  if (!is_color (code.color))
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                        _("the colour of the code “%s” is not #rrggbb: “%s”"),
                        code.name, code.color);
  code.shortcut = get_attribute (self, "shortcut");
  if (code.shortcut != NULL && *code.shortcut == '\0')
    g_clear_pointer (&code.shortcut, g_free);
  if (!require_timestamp (self, "modified", FALSE, &code.modified, error))
    return FALSE;
  if (!require_int (self, "revision", 0, &code.revision, error))
    return FALSE;

  if (!xmlTextReaderIsEmptyElement (self->xml))
    for (;;)
      {
        if (!next_child (self, &found, error))
          return FALSE;
        if (!found)
          break;

        if (name_is (self, "description") && code.description == NULL)
          {
            code.description = read_text (self, error);
            if (code.description == NULL)
              return FALSE;
          }
        else if (name_is (self, "memo") && code.memo == NULL)
          {
            code.memo = read_text (self, error);
            if (code.memo == NULL)
              return FALSE;
          }
        else if (name_is (self, "code"))
          {
            DimensionInfo own;

            if (!store_code (self, dimension, parent, &code, error))
              return FALSE;
            /* children live in the dimension their parent lives in */
            own.id = code.info->dimension;
            own.multiple = code.info->multiple;
            if (!import_code (self, &own, code.info->id, error))
              return FALSE;
          }
        else
          return unexpected_element (self, "code", error);
      }

  return store_code (self, dimension, parent, &code, error);
}

static gboolean
import_dimension (Import  *self,
                  GError **error)
{
  g_auto(PendingDimension) dimension = { 0 };
  g_autofree char *kind = NULL;
  g_autofree char *multiple = NULL;
  g_autofree char *level = NULL;
  gboolean found = FALSE;

  dimension.uuid = require_uuid (self, "uuid", error);
  if (dimension.uuid == NULL)
    return FALSE;
  if (g_hash_table_contains (self->dimensions, dimension.uuid))
    return duplicate (self, "dimension", dimension.uuid, error);
  dimension.info = g_new0 (DimensionInfo, 1);
  g_hash_table_insert (self->dimensions, g_strdup (dimension.uuid), dimension.info);

  dimension.name = require_attribute (self, "name", error);
  if (dimension.name == NULL)
    return FALSE;
  kind = require_attribute (self, "kind", error);
  if (kind == NULL)
    return FALSE;
  if (!gloss_dimension_kind_from_string (kind, &dimension.kind))
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                        _("the dimension “%s” has an unknown kind “%s”"), dimension.name, kind);
  multiple = require_attribute (self, "multiple", error);
  if (multiple == NULL)
    return FALSE;
  if (!parse_boolean (multiple, &dimension.multiple))
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                        _("“multiple” of the dimension “%s” is neither true nor false"),
                        dimension.name);
  level = require_attribute (self, "level", error);
  if (level == NULL)
    return FALSE;
  if (!gloss_level_from_string (level, &dimension.level))
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                        _("the dimension “%s” has an unknown level “%s”"), dimension.name, level);
  if (!require_timestamp (self, "modified", FALSE, &dimension.modified, error))
    return FALSE;
  if (!require_int (self, "revision", 0, &dimension.revision, error))
    return FALSE;

  if (!xmlTextReaderIsEmptyElement (self->xml))
    for (;;)
      {
        if (!next_child (self, &found, error))
          return FALSE;
        if (!found)
          break;

        if (name_is (self, "memo") && dimension.memo == NULL && !dimension.stored)
          {
            dimension.memo = read_text (self, error);
            if (dimension.memo == NULL)
              return FALSE;
          }
        else if (name_is (self, "code"))
          {
            if (!store_dimension (self, &dimension, error) ||
                !import_code (self, dimension.info, 0, error))
              return FALSE;
          }
        else
          return unexpected_element (self, "dimension", error);
      }

  return store_dimension (self, &dimension, error);
}

static gboolean
import_dimensions (Import  *self,
                   GError **error)
{
  gboolean found = FALSE;

  if (xmlTextReaderIsEmptyElement (self->xml))
    return TRUE;

  for (;;)
    {
      if (!next_child (self, &found, error))
        return FALSE;
      if (!found)
        return TRUE;
      if (!name_is (self, "dimension"))
        return unexpected_element (self, "dimensions", error);
      if (!import_dimension (self, error))
        return FALSE;
    }
}

/* ------------------------------------------------------------------------
 * Documents
 * ------------------------------------------------------------------------ */

typedef struct
{
  gint64            start;
  gint64            end;
  GlossSegmentKind  kind;
  char             *speaker;
} PendingSegment;

static void
pending_segment_clear (gpointer data)
{
  PendingSegment *segment = data;

  g_free (segment->speaker);
}

/* Gloss's rules for a text (DESIGN.md "Offsets"): no carriage returns and
 * no C0 control characters other than tab and newline. */
static gboolean
text_is_normal (const char *text,
                gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      guchar c = text[i];

      if (c < 0x20 && c != '\t' && c != '\n')
        return FALSE;
    }

  return TRUE;
}

static gboolean
import_document (Import  *self,
                 GError **error)
{
  g_autofree char *uuid = NULL;
  g_autofree char *title = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *imported = NULL;
  g_autofree char *source = NULL;
  g_autofree char *memo = NULL;
  g_autofree char *modified = NULL;
  g_autoptr(GString) text = NULL;
  g_autoptr(GArray) segments = g_array_new (FALSE, TRUE, sizeof (PendingSegment));
  g_autoptr(GPtrArray) attributes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  DocumentInfo *info;
  sqlite3_stmt *stmt;
  gint64 length = 0;
  gint64 revision = 0;
  gboolean found = FALSE;
  gboolean row = FALSE;
  int line;

  g_array_set_clear_func (segments, pending_segment_clear);

  line = _gloss_xml_reader_line (self->reader);
  uuid = require_uuid (self, "uuid", error);
  if (uuid == NULL)
    return FALSE;
  if (g_hash_table_contains (self->documents, uuid))
    return duplicate (self, "document", uuid, error);
  info = g_new0 (DocumentInfo, 1);
  g_hash_table_insert (self->documents, g_strdup (uuid), info);

  title = require_attribute (self, "title", error);
  if (title == NULL)
    return FALSE;
  sha256 = require_attribute (self, "sha256", error);
  if (sha256 == NULL)
    return FALSE;
  if (strlen (sha256) != 64 || strspn (sha256, "0123456789abcdef") != 64)
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                        _("the SHA-256 of the document “%s” is not 64 lower-case hex digits"),
                        title);
  if (!require_int (self, "length", 1, &length, error))
    return FALSE;
  if (!require_timestamp (self, "imported", FALSE, &imported, error))
    return FALSE;
  if (!require_timestamp (self, "modified", FALSE, &modified, error))
    return FALSE;
  if (!require_int (self, "revision", 0, &revision, error))
    return FALSE;
  source = get_attribute (self, "source");

  if (!xmlTextReaderIsEmptyElement (self->xml))
    for (;;)
      {
        if (!next_child (self, &found, error))
          return FALSE;
        if (!found)
          break;

        if (text != NULL)
          return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                              _("<%s> comes after the text of the document “%s”; the text "
                                "comes last"), local_name (self), title);

        if (name_is (self, "memo") && memo == NULL)
          {
            memo = read_text (self, error);
            if (memo == NULL)
              return FALSE;
          }
        else if (name_is (self, "attribute"))
          {
            g_autofree char *key = require_attribute (self, "key", error);
            char *value;

            if (key == NULL)
              return FALSE;
            if (g_hash_table_contains (keys, key))
              return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                                  _("the document “%s” has the attribute “%s” twice"), title, key);
            value = read_text (self, error);
            if (value == NULL)
              return FALSE;
            g_hash_table_add (keys, key);
            g_ptr_array_add (attributes, g_steal_pointer (&key));
            g_ptr_array_add (attributes, value);
          }
        else if (name_is (self, "segment"))
          {
            PendingSegment segment = { 0 };
            g_autofree char *kind = NULL;

            if (!require_int (self, "start", 0, &segment.start, error) ||
                !require_int (self, "end", 1, &segment.end, error))
              return FALSE;
            kind = require_attribute (self, "kind", error);
            if (kind == NULL)
              return FALSE;
            if (!gloss_segment_kind_from_string (kind, &segment.kind))
              return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                                  _("a segment has an unknown kind “%s”"), kind);
            if (segment.start >= segment.end || segment.end > length)
              return import_fail (self, GLOSS_INTERCHANGE_ERROR_OUT_OF_RANGE, error,
                                  _("the segment %lld–%lld lies outside the document “%s” "
                                    "(%lld characters)"),
                                  (long long) segment.start, (long long) segment.end, title,
                                  (long long) length);
            segment.speaker = get_attribute (self, "speaker");
            g_array_append_val (segments, segment);
            if (!expect_empty (self, error))
              return FALSE;
          }
        else if (name_is (self, "text"))
          {
            g_autoptr(GError) local_error = NULL;
            gboolean chunk = FALSE;

            text = g_string_new (NULL);
            if (!xmlTextReaderIsEmptyElement (self->xml))
              for (;;)
                {
                  if (!next_child (self, &chunk, error))
                    return FALSE;
                  if (!chunk)
                    break;
                  if (!name_is (self, "chunk"))
                    return unexpected_element (self, "text", error);
                  if (!read_text_into (self, text, GLOSS_MAX_TEXT_BYTES, &local_error))
                    {
                      if (g_error_matches (local_error, GLOSS_INTERCHANGE_ERROR,
                                           GLOSS_INTERCHANGE_ERROR_TOO_LARGE))
                        return import_fail (self, GLOSS_INTERCHANGE_ERROR_TOO_LARGE, error,
                                            _("the text of the document “%s” is over %d MiB, "
                                              "more than Gloss holds in one document"),
                                            title, GLOSS_MAX_TEXT_BYTES / (1024 * 1024));
                      g_propagate_error (error, g_steal_pointer (&local_error));
                      return FALSE;
                    }
                }
          }
        else
          return unexpected_element (self, "document", error);
      }

  if (text != NULL)
    {
      g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                          (const guchar *) text->str,
                                                          text->len);

      if (!text_is_normal (text->str, text->len))
        return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                            _("the text of the document “%s” holds a carriage return or a "
                              "control character, which Gloss texts never do"), title);
      if (g_utf8_strlen (text->str, text->len) != length)
        return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                            _("the text of the document “%s” is not %lld characters long, as the "
                              "file says"), title, (long long) length);
      if (strcmp (sum, sha256) != 0)
        return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                            _("the text of the document “%s” does not match its SHA-256; "
                              "the file was changed or damaged"), title);
    }

  /* Matched by uuid, then by the SHA-256 of the text. */
  stmt = statement (self, ST_DOCUMENT_BY_UUID, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  if (!step (self, stmt, &row, error))
    return FALSE;
  if (row)
    {
      if (g_strcmp0 (column_text (stmt, 1), sha256) != 0)
        return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                            _("the document “%s” (line %d) has the identity of a document of "
                              "this project but another text"), title, line);
      info->id = sqlite3_column_int64 (stmt, 0);
      info->length = sqlite3_column_int64 (stmt, 2);
      self->report->documents_matched++;
      return TRUE;
    }

  stmt = statement (self, ST_DOCUMENT_BY_SHA256, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, sha256);
  if (!step (self, stmt, &row, error))
    return FALSE;
  if (row)
    {
      info->id = sqlite3_column_int64 (stmt, 0);
      info->length = sqlite3_column_int64 (stmt, 1);
      self->report->documents_matched++;
      return TRUE;
    }

  if (text == NULL)
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_MISSING_REFERENCE, error,
                        _("the document “%s” (line %d) was exported without its text and this "
                          "project does not have it; import the document first, or export "
                          "again with the text"), title, line);

  stmt = statement (self, ST_DOCUMENT_INSERT, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  bind_text (stmt, 2, title);
  sqlite3_bind_text (stmt, 3, text->str, text->len, SQLITE_STATIC);
  bind_text (stmt, 4, sha256);
  sqlite3_bind_int64 (stmt, 5, length);
  bind_text (stmt, 6, source);
  bind_text (stmt, 7, imported);
  bind_text (stmt, 8, memo);
  bind_text (stmt, 9, modified);
  sqlite3_bind_int64 (stmt, 10, revision);
  if (!step (self, stmt, NULL, error))
    return FALSE;
  info->id = sqlite3_last_insert_rowid (self->db);
  info->length = length;
  sqlite3_reset (stmt);
  self->report->documents_added++;

  for (guint i = 0; i + 1 < attributes->len; i += 2)
    {
      stmt = statement (self, ST_ATTRIBUTE_INSERT, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, info->id);
      bind_text (stmt, 2, attributes->pdata[i]);
      bind_text (stmt, 3, attributes->pdata[i + 1]);
      if (!step (self, stmt, NULL, error))
        return FALSE;
    }

  for (guint i = 0; i < segments->len; i++)
    {
      PendingSegment *segment = &g_array_index (segments, PendingSegment, i);

      stmt = statement (self, ST_SEGMENT_INSERT, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, info->id);
      sqlite3_bind_int64 (stmt, 2, segment->start);
      sqlite3_bind_int64 (stmt, 3, segment->end);
      bind_text (stmt, 4, gloss_segment_kind_to_string (segment->kind));
      bind_text (stmt, 5, segment->speaker);
      if (!step (self, stmt, NULL, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
import_documents (Import  *self,
                  GError **error)
{
  gboolean found = FALSE;

  if (xmlTextReaderIsEmptyElement (self->xml))
    return TRUE;

  for (;;)
    {
      if (!next_child (self, &found, error))
        return FALSE;
      if (!found)
        return TRUE;
      if (!name_is (self, "document"))
        return unexpected_element (self, "documents", error);
      if (!import_document (self, error))
        return FALSE;
    }
}

static gboolean
lookup_document (Import        *self,
                 const char    *uuid,
                 DocumentInfo  *info,
                 GError       **error)
{
  DocumentInfo *known = g_hash_table_lookup (self->documents, uuid);
  sqlite3_stmt *stmt;
  gboolean row = FALSE;

  if (known != NULL)
    {
      *info = *known;
      return TRUE;
    }

  stmt = statement (self, ST_DOCUMENT_BY_UUID, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  if (!step (self, stmt, &row, error))
    return FALSE;
  if (!row)
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_MISSING_REFERENCE, error,
                        _("the document %s is neither in the file nor in the project"), uuid);

  info->id = sqlite3_column_int64 (stmt, 0);
  info->length = sqlite3_column_int64 (stmt, 2);
  g_hash_table_insert (self->documents, g_strdup (uuid), g_memdup2 (info, sizeof *info));

  return TRUE;
}

static gboolean
lookup_code (Import      *self,
             const char  *uuid,
             CodeInfo    *info,
             GError     **error)
{
  CodeInfo *known = g_hash_table_lookup (self->codes, uuid);
  sqlite3_stmt *stmt;
  gboolean row = FALSE;

  if (known != NULL)
    {
      *info = *known;
      return TRUE;
    }

  stmt = statement (self, ST_CODE_BY_UUID, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  if (!step (self, stmt, &row, error))
    return FALSE;
  if (!row)
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_MISSING_REFERENCE, error,
                        _("the code %s is neither in the file nor in the project"), uuid);

  info->id = sqlite3_column_int64 (stmt, 0);
  info->dimension = sqlite3_column_int64 (stmt, 1);
  info->multiple = sqlite3_column_int (stmt, 2) != 0;
  g_hash_table_insert (self->codes, g_strdup (uuid), g_memdup2 (info, sizeof *info));

  return TRUE;
}

/* ------------------------------------------------------------------------
 * Annotations
 * ------------------------------------------------------------------------ */

static gboolean
load_text (Import  *self,
           gint64   document,
           GError **error)
{
  sqlite3_stmt *stmt;
  gboolean row = FALSE;
  gsize offset = 0;
  gint64 n = 0;

  if (self->text_document == document)
    return TRUE;

  self->text_document = 0;
  g_clear_pointer (&self->text, g_free);
  g_array_set_size (self->checkpoints, 0);

  stmt = statement (self, ST_TEXT, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, document);
  if (!step (self, stmt, &row, error))
    return FALSE;
  if (!row)
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_MISSING_REFERENCE, error,
                        _("a document vanished during the import"));

  self->text_len = sqlite3_column_bytes (stmt, 0);
  self->text = g_strndup (column_text (stmt, 0), self->text_len);
  sqlite3_reset (stmt);

  for (const char *p = self->text; ; p = g_utf8_next_char (p), n++)
    {
      if (n % TEXT_STRIDE == 0)
        {
          offset = p - self->text;
          g_array_append_val (self->checkpoints, offset);
        }
      if (*p == '\0')
        break;
    }
  self->text_document = document;

  return TRUE;
}

/* The byte at code point @offset; the caller has checked the range. */
static const char *
text_at (Import *self,
         gint64  offset)
{
  gsize base = g_array_index (self->checkpoints, gsize, offset / TEXT_STRIDE);

  return g_utf8_offset_to_pointer (self->text + base, offset % TEXT_STRIDE);
}

typedef struct
{
  char     *uuid;
  char     *created;
  char     *modified;
  char     *status;
  char     *reviewed;
  char     *quote;
  char     *note;
  char     *review_note;
  gint64    start;
  gint64    end;
  gint64    revision;
  gint64    annotator;
  gint64    reviewer;
  gboolean  deleted;
  DocumentInfo document;
  GArray   *codes;   /* (element-type CodeInfo) */
} PendingAnnotation;

static void
pending_annotation_clear (PendingAnnotation *self)
{
  g_free (self->uuid);
  g_free (self->created);
  g_free (self->modified);
  g_free (self->status);
  g_free (self->reviewed);
  g_free (self->quote);
  g_free (self->note);
  g_free (self->review_note);
  g_clear_pointer (&self->codes, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PendingAnnotation, pending_annotation_clear)

static gboolean
read_annotation (Import             *self,
                 PendingAnnotation  *annotation,
                 GError            **error)
{
  g_autofree char *document = NULL;
  g_autofree char *annotator = NULL;
  g_autofree char *reviewer = NULL;
  g_autofree char *deleted = NULL;
  GlossReviewStatus status;
  gboolean found = FALSE;

  annotation->uuid = require_uuid (self, "uuid", error);
  if (annotation->uuid == NULL)
    return FALSE;
  document = require_uuid (self, "document", error);
  if (document == NULL || !lookup_document (self, document, &annotation->document, error))
    return FALSE;
  if (!require_int (self, "start", 0, &annotation->start, error) ||
      !require_int (self, "end", 0, &annotation->end, error))
    return FALSE;
  if (annotation->start >= annotation->end ||
      annotation->end > annotation->document.length)
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_OUT_OF_RANGE, error,
                        _("the annotation %s spans %lld–%lld, outside its document of %lld "
                          "characters"),
                        annotation->uuid, (long long) annotation->start,
                        (long long) annotation->end, (long long) annotation->document.length);
  annotator = require_uuid (self, "annotator", error);
  if (annotator == NULL || !lookup_annotator (self, annotator, &annotation->annotator, error))
    return FALSE;
  if (!require_timestamp (self, "created", FALSE, &annotation->created, error))
    return FALSE;
  if (!require_timestamp (self, "modified", FALSE, &annotation->modified, error))
    return FALSE;
  if (!require_int (self, "revision", 0, &annotation->revision, error))
    return FALSE;
  annotation->status = require_attribute (self, "status", error);
  if (annotation->status == NULL)
    return FALSE;
  if (!gloss_review_status_from_string (annotation->status, &status))
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                        _("the annotation %s has an unknown review status “%s”"),
                        annotation->uuid, annotation->status);
  deleted = get_attribute (self, "deleted");
  if (deleted != NULL && !parse_boolean (deleted, &annotation->deleted))
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                        _("“deleted” of the annotation %s is neither true nor false"),
                        annotation->uuid);
  reviewer = get_attribute (self, "reviewer");
  if (reviewer != NULL && !lookup_annotator (self, reviewer, &annotation->reviewer, error))
    return FALSE;
  if (!require_timestamp (self, "reviewed", TRUE, &annotation->reviewed, error))
    return FALSE;

  annotation->codes = g_array_new (FALSE, FALSE, sizeof (CodeInfo));
  if (!xmlTextReaderIsEmptyElement (self->xml))
    for (;;)
      {
        if (!next_child (self, &found, error))
          return FALSE;
        if (!found)
          break;

        if (name_is (self, "quote") && annotation->quote == NULL)
          {
            annotation->quote = read_text (self, error);
            if (annotation->quote == NULL)
              return FALSE;
          }
        else if (name_is (self, "code"))
          {
            g_autofree char *ref = require_uuid (self, "ref", error);
            CodeInfo code;

            if (ref == NULL || !lookup_code (self, ref, &code, error) ||
                !expect_empty (self, error))
              return FALSE;
            g_array_append_val (annotation->codes, code);
          }
        else if (name_is (self, "note") && annotation->note == NULL)
          {
            annotation->note = read_text (self, error);
            if (annotation->note == NULL)
              return FALSE;
          }
        else if (name_is (self, "review-note") && annotation->review_note == NULL)
          {
            annotation->review_note = read_text (self, error);
            if (annotation->review_note == NULL)
              return FALSE;
          }
        else
          return unexpected_element (self, "annotation", error);
      }

  if (annotation->quote == NULL)
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                        _("the annotation %s has no <quote>"), annotation->uuid);

  return TRUE;
}

static gboolean
check_annotation (Import             *self,
                  PendingAnnotation  *annotation,
                  GError            **error)
{
  const char *start;
  const char *end;

  if (!load_text (self, annotation->document.id, error))
    return FALSE;

  start = text_at (self, annotation->start);
  end = text_at (self, annotation->end);
  if ((gsize) (end - start) != strlen (annotation->quote) ||
      memcmp (start, annotation->quote, end - start) != 0)
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_QUOTE_MISMATCH, error,
                        _("the quote of the annotation %s is not the text it spans (%lld–%lld)"),
                        annotation->uuid, (long long) annotation->start,
                        (long long) annotation->end);

  /* a single-valued dimension carries at most one code per annotation */
  for (guint i = 0; i < annotation->codes->len; i++)
    {
      CodeInfo *a = &g_array_index (annotation->codes, CodeInfo, i);

      if (a->multiple)
        continue;
      for (guint j = i + 1; j < annotation->codes->len; j++)
        {
          CodeInfo *b = &g_array_index (annotation->codes, CodeInfo, j);

          if (b->dimension == a->dimension && b->id != a->id)
            return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                                _("the annotation %s carries several codes of a dimension "
                                  "that takes one"), annotation->uuid);
        }
    }

  return TRUE;
}

static gboolean
write_annotation (Import             *self,
                  PendingAnnotation  *annotation,
                  GError            **error)
{
  sqlite3_stmt *stmt;
  gboolean row = FALSE;
  gboolean exists;
  gint64 id = 0;

  stmt = statement (self, ST_ANNOTATION_BY_UUID, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, annotation->uuid);
  if (!step (self, stmt, &row, error))
    return FALSE;
  exists = row;
  if (exists)
    {
      /* the later modification wins: (modified, revision) */
      int order = g_strcmp0 (annotation->modified, column_text (stmt, 1));

      id = sqlite3_column_int64 (stmt, 0);

      /* No uuid twice in one file: a row this import wrote, or one from
       * before that it already matched, is a second occurrence. */
      if (id > self->max_before || (self->matched[id / 8] & (1 << (id % 8))) != 0)
        {
          sqlite3_reset (stmt);
          return duplicate (self, "annotation", annotation->uuid, error);
        }
      self->matched[id / 8] |= 1 << (id % 8);

      if (order < 0 || (order == 0 && annotation->revision <= sqlite3_column_int64 (stmt, 2)))
        {
          sqlite3_reset (stmt);
          self->report->annotations_unchanged++;
          return TRUE;
        }
      sqlite3_reset (stmt);
    }

  stmt = statement (self, exists ? ST_ANNOTATION_UPDATE : ST_ANNOTATION_INSERT, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, annotation->uuid);
  sqlite3_bind_int64 (stmt, 2, annotation->document.id);
  sqlite3_bind_int64 (stmt, 3, annotation->start);
  sqlite3_bind_int64 (stmt, 4, annotation->end);
  bind_text (stmt, 5, annotation->quote);
  bind_text (stmt, 6, annotation->note);
  sqlite3_bind_int64 (stmt, 7, annotation->annotator);
  bind_text (stmt, 8, annotation->created);
  bind_text (stmt, 9, annotation->modified);
  sqlite3_bind_int64 (stmt, 10, annotation->revision);
  sqlite3_bind_int (stmt, 11, annotation->deleted ? 1 : 0);
  bind_text (stmt, 12, annotation->status);
  if (annotation->reviewer != 0)
    sqlite3_bind_int64 (stmt, 13, annotation->reviewer);
  else
    sqlite3_bind_null (stmt, 13);
  bind_text (stmt, 14, annotation->review_note);
  bind_text (stmt, 15, annotation->reviewed);
  if (!step (self, stmt, NULL, error))
    return FALSE;

  if (exists)
    {
      stmt = statement (self, ST_ANNOTATION_CODES_DELETE, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!step (self, stmt, NULL, error))
        return FALSE;
      self->report->annotations_updated++;
    }
  else
    {
      id = sqlite3_last_insert_rowid (self->db);
      self->report->annotations_added++;
    }

  for (guint i = 0; i < annotation->codes->len; i++)
    {
      stmt = statement (self, ST_ANNOTATION_CODE_INSERT, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int64 (stmt, 2, g_array_index (annotation->codes, CodeInfo, i).id);
      if (!step (self, stmt, NULL, error))
        return FALSE;
    }

  return _gloss_project_sync_span (self->project, id, error);
}

static gboolean
import_annotations (Import  *self,
                    GError **error)
{
  gboolean found = FALSE;

  if (xmlTextReaderIsEmptyElement (self->xml))
    return TRUE;

  for (;;)
    {
      g_auto(PendingAnnotation) annotation = { 0 };

      if (!next_child (self, &found, error))
        return FALSE;
      if (!found)
        return TRUE;
      if (!name_is (self, "annotation"))
        return unexpected_element (self, "annotations", error);
      if (!read_annotation (self, &annotation, error) ||
          !check_annotation (self, &annotation, error) ||
          !write_annotation (self, &annotation, error))
        return FALSE;
    }
}

/* ------------------------------------------------------------------------
 * The whole file
 * ------------------------------------------------------------------------ */

static gboolean
import_root (Import  *self,
             GError **error)
{
  g_autofree char *version = NULL;
  const char *ns;
  guint64 number = 0;

  /* the first element */
  do
    {
      if (!read_node (self, error))
        return FALSE;
    }
  while (xmlTextReaderNodeType (self->xml) != XML_READER_TYPE_ELEMENT);

  ns = (const char *) xmlTextReaderConstNamespaceUri (self->xml);
  if (g_strcmp0 (ns, GLOSS_XML_NAMESPACE) != 0)
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_WRONG_NAMESPACE, error,
                        _("this is not Gloss XML: its namespace is “%s”, not “%s”"),
                        ns != NULL ? ns : "", GLOSS_XML_NAMESPACE);
  if (!name_is (self, "gloss"))
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                        _("a Gloss XML file starts with <gloss>, not <%s>"), local_name (self));

  version = require_attribute (self, "version", error);
  if (version == NULL)
    return FALSE;
  if (!g_ascii_string_to_unsigned (version, 10, 1, G_MAXUINT32, &number, NULL))
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                        _("the version “%s” is not a version number"), version);
  if (number > GLOSS_XML_VERSION)
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_NEWER_VERSION, error,
                        _("it was written by a newer version of Gloss (Gloss XML version %s); "
                          "this version reads up to version %d. Update Gloss to import it"),
                        version, GLOSS_XML_VERSION);

  return TRUE;
}

static gboolean
import_sections (Import  *self,
                 GError **error)
{
  static const char *sections[] = { "annotators", "dimensions", "documents", "annotations" };
  gboolean (*handlers[]) (Import *, GError **) = {
    import_annotators, import_dimensions, import_documents, import_annotations
  };
  gboolean found = FALSE;
  int ret;

  if (xmlTextReaderIsEmptyElement (self->xml))
    return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                        _("<gloss> is empty"));

  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      if (!next_child (self, &found, error))
        return FALSE;
      if (!found || !name_is (self, sections[i]))
        return import_fail (self, GLOSS_INTERCHANGE_ERROR_STRUCTURE, error,
                            _("<%s> is missing or out of order (the order is annotators, "
                              "dimensions, documents, annotations)"), sections[i]);
      if (!handlers[i] (self, error))
        return FALSE;
    }

  if (!next_child (self, &found, error))
    return FALSE;
  if (found)
    return unexpected_element (self, "gloss", error);

  /* nothing but comments and white space may follow */
  while ((ret = _gloss_xml_reader_read (self->reader, error)) == 1)
    ;

  return ret == 0;
}

static gboolean
import_all (Import  *self,
            GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_autofree char *action = NULL;
  struct stat st;

  if (!import_root (self, error))
    return FALSE;

  /* A large import is not recorded for undo: its changeset would hold every
   * imported row in memory and double the file.  A backup copy stands in. */
  if (g_stat (self->path, &st) == 0 && st.st_size > UNDOABLE_IMPORT_MAX)
    {
      g_autofree char *stamp = gloss_timestamp_now ();
      g_autofree char *backup = NULL;
      g_autofree char *shown = NULL;

      g_strdelimit (stamp, ":.", '-');
      backup = g_strdup_printf ("%s.before-import-%s.bak",
                                gloss_project_get_path (self->project), stamp);
      if (!gloss_project_save_copy (self->project, backup, error))
        return FALSE;
      /* The history shows the action: in UTF-8, whatever the file's name. */
      shown = g_filename_display_name (backup);
      action = g_strdup_printf ("Import Gloss XML (not undoable; backup copy %s)", shown);
      if (!_gloss_project_begin_untracked (self->project, error))
        return FALSE;
    }
  else
    {
      action = g_strdup ("Import Gloss XML");
      if (!_gloss_project_begin (self->project, error))
        return FALSE;
    }

  /* Annotations this import may match are those there before it: one bit
   * each marks the ones already matched, so a uuid twice in the file is
   * caught in memory that does not grow with the file. */
  if (sqlite3_prepare_v2 (self->db, "SELECT ifnull (max (id), 0) FROM annotation", -1,
                          &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    {
      _gloss_project_fail (self->project, "import", error);
      _gloss_project_rollback (self->project);
      return FALSE;
    }
  self->max_before = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);
  self->matched = g_malloc0 (self->max_before / 8 + 1);

  if (!import_sections (self, error))
    {
      import_finalize_statements (self);
      _gloss_project_rollback (self->project);
      return FALSE;
    }

  import_finalize_statements (self);

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      _gloss_project_rollback (self->project);
      return set_cancelled (error);
    }

  return _gloss_project_commit (self->project, action, error);
}

/**
 * gloss_xml_import:
 * @project: the project to import into
 * @path: a Gloss XML file
 * @report: (nullable): filled with what was added, matched and skipped
 *
 * Imports a Gloss XML file: annotators, dimensions and codes, documents
 * and annotations, matched by uuid (documents also by the SHA-256 of their
 * text, codes also by their path).  Annotations already in the project are
 * kept unless the file's are later (modified, revision).  Everything is
 * checked first; on any error nothing is changed.
 *
 * Returns: %TRUE on success
 */
gboolean
gloss_xml_import (GlossProject       *project,
                  const char         *path,
                  GlossImportReport  *report,
                  GCancellable       *cancellable,
                  GError            **error)
{
  g_autoptr(GlossImportReport) counts = gloss_import_report_new ();
  g_autoptr(GlossXmlReader) reader = NULL;
  Import self = { 0 };
  gboolean ok;

  g_return_val_if_fail (GLOSS_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  reader = _gloss_xml_reader_new (path, error);
  if (reader == NULL)
    return FALSE;

  self.project = project;
  self.db = _gloss_project_get_db (project);
  self.path = path;
  self.reader = reader;
  self.xml = _gloss_xml_reader_get (reader);
  self.report = counts;
  self.cancellable = cancellable;
  self.annotators = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self.dimensions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self.codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self.documents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self.checkpoints = g_array_new (FALSE, FALSE, sizeof (gsize));

  ok = import_all (&self, error);
  import_clear (&self);

  if (ok && report != NULL)
    {
      GPtrArray *skipped = report->skipped;

      report->documents_added += counts->documents_added;
      report->documents_matched += counts->documents_matched;
      report->dimensions_added += counts->dimensions_added;
      report->codes_added += counts->codes_added;
      report->codes_matched += counts->codes_matched;
      report->annotations_added += counts->annotations_added;
      report->annotations_unchanged += counts->annotations_unchanged;
      report->annotations_updated += counts->annotations_updated;
      for (guint i = 0; i < counts->skipped->len; i++)
        g_ptr_array_add (skipped, g_strdup (counts->skipped->pdata[i]));
    }

  return ok;
}
