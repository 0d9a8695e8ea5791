/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-csv"

#include "config.h"

#include "gloss-interchange.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "gloss-autocleanups.h"
#include "gloss-interchange-private.h"
#include "gloss-project-private.h"

/* CSV for pandas and R: RFC 4180 (fields with a comma, quote, CR or LF are
 * quoted, quotes doubled, records end in CRLF), UTF-8 without BOM, a header
 * row.  Live annotations only (no tombstones).
 *
 * long: one row per annotation × code (an annotation without codes has one
 *       row with empty dimension and code);
 * wide: one row per annotation, one column per dimension holding the codes'
 *       paths below the dimension, joined with "; ". */

#define CANCEL_CHECK_INTERVAL 1024

typedef struct
{
  guint  dimension;   /* index into Csv.dimensions */
  guint  order;       /* tree order over the whole codebook */
  char  *path;        /* "Dimension/Parent/Name" */
  char  *below;       /* "Parent/Name" */
} CsvCode;

static void
csv_code_free (CsvCode *code)
{
  g_free (code->path);
  g_free (code->below);
  g_free (code);
}

typedef struct
{
  GlossProject             *project;
  const GlossExportOptions *options;
  GCancellable             *cancellable;
  FILE                     *file;
  gboolean                  wide;
  GPtrArray                *dimensions;  /* (element-type GlossDimension) */
  GHashTable               *codes;       /* gint64 id → CsvCode */
  const char               *status;
  guint                     n_rows;
} Csv;

static void
put_field (Csv        *self,
           const char *value,
           gboolean    last)
{
  FILE *file = self->file;

  if (value != NULL && value[strcspn (value, ",\"\r\n")] != '\0')
    {
      fputc ('"', file);
      for (const char *p = value; *p != '\0'; p++)
        {
          if (*p == '"')
            fputc ('"', file);
          fputc (*p, file);
        }
      fputc ('"', file);
    }
  else if (value != NULL)
    fputs (value, file);

  fputs (last ? "\r\n" : ",", file);
}

static void
put_int (Csv    *self,
         gint64  value)
{
  fprintf (self->file, "%" G_GINT64_FORMAT ",", value);
}

static gboolean
load_codebook (Csv     *self,
               GError **error)
{
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(GHashTable) dimension_index = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                                 g_free, NULL);

  self->dimensions = gloss_project_list_dimensions (self->project, error);
  if (self->dimensions == NULL)
    return FALSE;
  for (guint i = 0; i < self->dimensions->len; i++)
    {
      GlossDimension *dimension = g_ptr_array_index (self->dimensions, i);

      g_hash_table_insert (dimension_index, g_memdup2 (&dimension->id, sizeof (gint64)),
                           GUINT_TO_POINTER (i + 1));
    }

  codes = gloss_project_list_codes (self->project, error);
  if (codes == NULL)
    return FALSE;

  self->codes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                       (GDestroyNotify) csv_code_free);
  for (guint i = 0; i < codes->len; i++)
    {
      GlossCode *code = g_ptr_array_index (codes, i);
      CsvCode *entry = g_new0 (CsvCode, 1);
      const char *slash = code->path;
      guint index = GPOINTER_TO_UINT (g_hash_table_lookup (dimension_index, &code->dimension));

      if (index == 0)
        {
          csv_code_free (entry);
          continue;
        }

      /* the path below the dimension: after the first unescaped '/' */
      while (*slash != '\0' && *slash != '/')
        slash += (*slash == '\\' && slash[1] != '\0') ? 2 : 1;

      entry->dimension = index - 1;
      entry->order = i;
      entry->path = g_strdup (code->path);
      entry->below = g_strdup (*slash == '/' ? slash + 1 : code->name);
      g_hash_table_insert (self->codes, g_memdup2 (&code->id, sizeof (gint64)), entry);
    }

  return TRUE;
}

static int
compare_codes (gconstpointer a,
               gconstpointer b)
{
  const CsvCode *x = *(const CsvCode **) a;
  const CsvCode *y = *(const CsvCode **) b;

  return (x->order > y->order) - (x->order < y->order);
}

static void
write_header (Csv *self)
{
  put_field (self, "annotation", FALSE);
  put_field (self, "document", FALSE);
  put_field (self, "document_uuid", FALSE);
  put_field (self, "start", FALSE);
  put_field (self, "end", FALSE);
  put_field (self, "quote", FALSE);

  if (self->wide)
    {
      static const char *fixed[] = {
        "annotation", "document", "document_uuid", "start", "end", "quote",
        "annotator", "note", "status", "created", "modified",
      };

      for (guint i = 0; i < self->dimensions->len; i++)
        {
          GlossDimension *dimension = g_ptr_array_index (self->dimensions, i);
          gboolean clash = g_strv_contains (fixed, dimension->name);
          g_autofree char *name = clash ? g_strdup_printf ("%s (dimension)", dimension->name)
                                        : g_strdup (dimension->name);

          put_field (self, name, FALSE);
        }
    }
  else
    {
      put_field (self, "dimension", FALSE);
      put_field (self, "code", FALSE);
    }

  put_field (self, "annotator", FALSE);
  put_field (self, "note", FALSE);
  put_field (self, "status", FALSE);
  put_field (self, "created", FALSE);
  put_field (self, "modified", TRUE);
}

static void
write_row_start (Csv          *self,
                 sqlite3_stmt *stmt,
                 const char   *title,
                 const char   *document_uuid)
{
  put_field (self, (const char *) sqlite3_column_text (stmt, 0), FALSE);
  put_field (self, title, FALSE);
  put_field (self, document_uuid, FALSE);
  put_int (self, sqlite3_column_int64 (stmt, 1));
  put_int (self, sqlite3_column_int64 (stmt, 2));
  put_field (self, (const char *) sqlite3_column_text (stmt, 3), FALSE);
}

static void
write_row_end (Csv          *self,
               sqlite3_stmt *stmt)
{
  for (int column = 4; column <= 8; column++)
    put_field (self, (const char *) sqlite3_column_text (stmt, column), column == 8);
}

static gboolean
write_rows (Csv     *self,
            GArray  *documents,
            GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) document = NULL;
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();
  g_autoptr(GString) cell = g_string_new (NULL);
  sqlite3 *db = _gloss_project_get_db (self->project);
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT a.uuid, a.start, a.\"end\", a.quote, an.name, a.note,"
                          " a.review_status, a.created, a.modified,"
                          " (SELECT group_concat (code) FROM annotation_code"
                          "  WHERE annotation = a.id)"
                          " FROM annotation a JOIN annotator an ON an.id = a.annotator"
                          " WHERE a.document = ?1 AND a.deleted = 0"
                          " AND (?2 IS NULL OR an.name = ?2)"
                          " AND (?3 IS NULL OR a.review_status = ?3)"
                          " ORDER BY a.start, a.\"end\", a.uuid", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT title, uuid FROM document WHERE id = ?", -1,
                          &document, NULL) != SQLITE_OK)
    return _gloss_project_fail (self->project, "export", error);

  for (guint i = 0; i < documents->len; i++)
    {
      g_autofree char *title = NULL;
      g_autofree char *document_uuid = NULL;

      sqlite3_reset (document);
      sqlite3_bind_int64 (document, 1, g_array_index (documents, gint64, i));
      if (sqlite3_step (document) != SQLITE_ROW)
        return _gloss_project_fail (self->project, "export", error);
      title = g_strdup ((const char *) sqlite3_column_text (document, 0));
      document_uuid = g_strdup ((const char *) sqlite3_column_text (document, 1));

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, g_array_index (documents, gint64, i));
      if (self->options->annotator != NULL)
        sqlite3_bind_text (stmt, 2, self->options->annotator, -1, SQLITE_STATIC);
      if (self->status != NULL)
        sqlite3_bind_text (stmt, 3, self->status, -1, SQLITE_STATIC);

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *ids = (const char *) sqlite3_column_text (stmt, 9);

          if (++self->n_rows % CANCEL_CHECK_INTERVAL == 0)
            {
              if (g_cancellable_set_error_if_cancelled (self->cancellable, NULL))
                {
                  g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_CANCELLED,
                               _("Cancelled. Nothing was written."));
                  return FALSE;
                }
              if (ferror (self->file))
                return _gloss_interchange_set_io_error (error, "the export", errno);
            }

          g_ptr_array_set_size (codes, 0);
          for (const char *p = ids; p != NULL && *p != '\0';)
            {
              char *end = NULL;
              gint64 id = g_ascii_strtoll (p, &end, 10);
              CsvCode *code;

              if (end == p)
                break;
              code = g_hash_table_lookup (self->codes, &id);
              if (code != NULL)
                g_ptr_array_add (codes, code);
              p = *end == ',' ? end + 1 : end;
            }
          g_ptr_array_sort (codes, compare_codes);

          if (self->wide)
            {
              write_row_start (self, stmt, title, document_uuid);
              for (guint d = 0; d < self->dimensions->len; d++)
                {
                  g_string_truncate (cell, 0);
                  for (guint c = 0; c < codes->len; c++)
                    {
                      CsvCode *code = g_ptr_array_index (codes, c);

                      if (code->dimension != d)
                        continue;
                      if (cell->len > 0)
                        g_string_append (cell, "; ");
                      g_string_append (cell, code->below);
                    }
                  put_field (self, cell->str, FALSE);
                }
              write_row_end (self, stmt);
            }
          else if (codes->len == 0)
            {
              write_row_start (self, stmt, title, document_uuid);
              put_field (self, NULL, FALSE);
              put_field (self, NULL, FALSE);
              write_row_end (self, stmt);
            }
          else
            for (guint c = 0; c < codes->len; c++)
              {
                CsvCode *code = g_ptr_array_index (codes, c);
                GlossDimension *dimension = g_ptr_array_index (self->dimensions, code->dimension);

                write_row_start (self, stmt, title, document_uuid);
                put_field (self, dimension->name, FALSE);
                put_field (self, code->path, FALSE);
                write_row_end (self, stmt);
              }
        }
      if (rc != SQLITE_DONE)
        return _gloss_project_fail (self->project, "export", error);
    }

  return TRUE;
}

/**
 * gloss_csv_export:
 * @project: the project
 * @path: the file to write; replaced only when the export succeeds
 * @wide: one row per annotation instead of one per annotation × code
 * @options: (nullable): which documents, annotator and status
 *
 * Writes the live annotations as CSV (RFC 4180, UTF-8, CRLF, header row).
 *
 * Returns: %TRUE on success
 */
gboolean
gloss_csv_export (GlossProject              *project,
                  const char                *path,
                  gboolean                   wide,
                  const GlossExportOptions  *options,
                  GCancellable              *cancellable,
                  GError                   **error)
{
  static const GlossExportOptions defaults = GLOSS_EXPORT_OPTIONS_INIT;
  g_autoptr(GlossOutput) output = NULL;
  g_autoptr(GArray) documents = NULL;
  Csv self = { 0 };
  gboolean started = FALSE;
  gboolean ok;

  g_return_val_if_fail (GLOSS_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self.project = project;
  self.options = options != NULL ? options : &defaults;
  self.cancellable = cancellable;
  self.wide = wide;
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

  if (!_gloss_interchange_begin_read (project, &started, error))
    return FALSE;

  documents = _gloss_interchange_select_documents (project, self.options, error);
  ok = documents != NULL && load_codebook (&self, error);
  if (ok)
    {
      output = _gloss_output_new (path, error);
      ok = output != NULL;
    }
  if (ok)
    {
      self.file = _gloss_output_get_file (output);
      write_header (&self);
      ok = write_rows (&self, documents, error);
    }
  _gloss_interchange_end_read (project, started);

  g_clear_pointer (&self.dimensions, g_ptr_array_unref);
  g_clear_pointer (&self.codes, g_hash_table_unref);

  if (!ok)
    return FALSE;

  return _gloss_output_commit (output, error);
}
