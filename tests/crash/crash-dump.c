/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Logical dumps of project files, for the crash and power-loss tests. */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "crash-dump.h"

/* Every table of schema 1, with every column except random uuids, clock
 * times and changeset blobs.  A table added to the schema must be added
 * here: crash_dump_digest() refuses a schema it does not fully cover. */
static const struct
{
  const char *table;
  const char *sql;
} dump_queries[] = {
  { "project", "SELECT key, value FROM project WHERE key <> 'uuid' ORDER BY key" },
  { "annotator", "SELECT id, name FROM annotator ORDER BY id" },
  { "document", "SELECT id, title, text, sha256, length, source_name, memo, position, revision "
                "FROM document ORDER BY id" },
  { "document_attribute", "SELECT document, key, value FROM document_attribute "
                          "ORDER BY document, key" },
  { "segment", "SELECT id, document, start, \"end\", kind, speaker FROM segment ORDER BY id" },
  { "dimension", "SELECT id, name, kind, multiple, level, position, memo, revision "
                 "FROM dimension ORDER BY id" },
  { "code", "SELECT id, dimension, parent, name, color, description, shortcut, position, "
            "memo, revision FROM code ORDER BY id" },
  { "annotation", "SELECT id, document, start, \"end\", quote, note, annotator, revision, "
                  "deleted, review_status, reviewer, review_note FROM annotation ORDER BY id" },
  { "annotation_code", "SELECT annotation, code FROM annotation_code ORDER BY annotation, code" },
  { "annotation_span", "SELECT id, document0, document1, start0, end0 FROM annotation_span "
                       "ORDER BY id" },
  { "change", "SELECT seq, annotator, action, changeset IS NULL FROM change ORDER BY seq" },
};

/* The tables an R*Tree keeps behind its virtual table. */
static gboolean
is_covered (const char *table)
{
  if (g_str_has_prefix (table, "annotation_span_") || g_str_has_prefix (table, "sqlite_"))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (dump_queries); i++)
    if (g_str_equal (dump_queries[i].table, table))
      return TRUE;
  return FALSE;
}

char *
crash_dump_digest (sqlite3     *db,
                   GString     *dump,
                   GError     **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "schema: %s", sqlite3_errmsg (db));
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (stmt, 0);

      if (!is_covered (table))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "table %s is not covered by the crash dump", table);
          sqlite3_finalize (stmt);
          return NULL;
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "schema: %s", sqlite3_errmsg (db));
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (dump_queries); i++)
    {
      if (sqlite3_prepare_v2 (db, dump_queries[i].sql, -1, &stmt, NULL) != SQLITE_OK)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", dump_queries[i].table,
                       sqlite3_errmsg (db));
          return NULL;
        }
      g_checksum_update (checksum, (const guchar *) dump_queries[i].table, -1);
      g_checksum_update (checksum, (const guchar *) "\x1e", 1);
      if (dump != NULL)
        g_string_append_printf (dump, "[%s]\n", dump_queries[i].table);

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          int n = sqlite3_column_count (stmt);

          for (int c = 0; c < n; c++)
            {
              const char *value = (const char *) sqlite3_column_text (stmt, c);
              int len = sqlite3_column_bytes (stmt, c);
              const char *tag = sqlite3_column_type (stmt, c) == SQLITE_NULL ? "N" : "V";

              g_checksum_update (checksum, (const guchar *) tag, 1);
              if (value != NULL)
                g_checksum_update (checksum, (const guchar *) value, len);
              g_checksum_update (checksum, (const guchar *) "\x1f", 1);
              if (dump != NULL)
                {
                  if (value == NULL)
                    g_string_append (dump, "NULL");
                  else if (len > 60)
                    g_string_append_printf (dump, "<%d bytes>", len);
                  else
                    g_string_append (dump, value);
                  g_string_append_c (dump, c + 1 < n ? '|' : '\n');
                }
            }
          g_checksum_update (checksum, (const guchar *) "\x1e", 1);
        }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", dump_queries[i].table,
                       sqlite3_errstr (rc));
          return NULL;
        }
    }

  return g_strdup (g_checksum_get_string (checksum));
}

char *
crash_dump_file_digest (const char  *path,
                        GString     *dump,
                        GError     **error)
{
  sqlite3 *db = NULL;
  char *digest;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", path,
                   db != NULL ? sqlite3_errmsg (db) : "out of memory");
      sqlite3_close (db);
      return NULL;
    }
  digest = crash_dump_digest (db, dump, error);
  sqlite3_close (db);
  return digest;
}

gboolean
crash_integrity_ok (const char  *path,
                    char       **answer)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) result = g_string_new (NULL);

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL) != SQLITE_OK)
    g_string_append (result, db != NULL ? sqlite3_errmsg (db) : "out of memory");
  else
    {
      int rc;

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          if (result->len > 0)
            g_string_append (result, "; ");
          g_string_append (result, (const char *) sqlite3_column_text (stmt, 0));
        }
      if (rc != SQLITE_DONE)
        g_string_append_printf (result, "%s(step: %s)", result->len > 0 ? "; " : "",
                                sqlite3_errstr (rc));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  if (answer != NULL)
    *answer = g_strdup (result->str);
  return g_str_equal (result->str, "ok");
}

char *
crash_file_sha256 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

gboolean
crash_journal_is_stale (const char *path)
{
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (journal, &contents, &len, NULL))
    return FALSE;
  for (gsize i = 0; i < MIN (len, 12); i++)
    if (contents[i] != 0)
      return FALSE;
  return TRUE;
}
