/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-merge"

#include "config.h"

#include "gloss-merge.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "gloss-autocleanups.h"
#include "gloss-project-private.h"

/* Merge: other analysts' project files into this one, by identity.
 *
 * Sources are opened through the project's hardened open, read-only.  The
 * whole merge is one write on the target: a backup copy of the file is made
 * once the write lock is held, then annotators, codebook, documents and
 * annotations are brought over, then it commits (or, for a dry run, rolls
 * back).
 *
 * Versions.  Each annotation carries (modified, revision).  Whether two
 * versions of one annotation descend from each other is read from the files'
 * change logs: every write's session changeset holds the (modified,
 * revision) it replaced.  A source version the target has seen before is old
 * news; a target version the source has seen before is replaced; otherwise
 * both changed since they parted: a conflict, resolved by the later
 * (modified, revision), ties broken by the versions' content, never left
 * open.  The losing version goes into the change log as a row whose action
 * says "Merge conflict…" and whose changeset column holds the version as
 * JSON text (not a changeset blob); later merges read those rows too, so a
 * resolved conflict is not reported again.
 *
 * Speed.  A source's annotations are paired with the target's by walking
 * both files' uuid indexes side by side, once; then both are read in id
 * order (the target through one cursor that seeks only where the orders
 * differ, or from a copy in memory where they differ throughout: see
 * copy_target_if_scattered()), and new annotations are inserted many to a
 * statement.  A merge too large to keep a changeset for runs without
 * foreign key enforcement, and when it brings more annotations than the
 * target holds, without the target's secondary indexes, built again before
 * it commits, and with its span index built whole (see rebuild_spans()).
 * Into a target without annotations, such a merge inserts in uuid order
 * (see hold_annotation()) through a small page cache. */

G_DEFINE_QUARK (gloss-merge-error-quark, gloss_merge_error)

#define TEXT_STRIDE 64
#define CANCEL_EVERY 4096

/* Merges of up to this many source annotations are one step of undo. */
#define UNDOABLE_MERGE_MAX 20000

/* ------------------------------------------------------------------------
 * The report
 * ------------------------------------------------------------------------ */

static void
mapping_free (GlossMergeMapping *mapping)
{
  g_free (mapping->path);
  g_free (mapping->source_uuid);
  g_free (mapping->target_uuid);
  g_free (mapping);
}

static void
conflict_free (GlossMergeConflict *conflict)
{
  g_free (conflict->uuid);
  g_free (conflict->kept);
  g_free (conflict->other);
  g_free (conflict->kept_source);
  g_free (conflict->other_source);
  g_free (conflict);
}

static void
skipped_free (GlossMergeSkipped *skipped)
{
  g_free (skipped->what);
  g_free (skipped->uuid);
  g_free (skipped->source);
  g_free (skipped->reason);
  g_free (skipped);
}

static void
namesake_free (GlossMergeNamesake *namesake)
{
  g_free (namesake->name);
  g_free (namesake->uuid);
  g_free (namesake->other_uuid);
  g_free (namesake);
}

/**
 * gloss_merge_report_clear:
 * @report: a report, zero-filled or filled by gloss_merge()
 *
 * Frees what @report holds and zero-fills it.
 */
void
gloss_merge_report_clear (GlossMergeReport *report)
{
  g_clear_pointer (&report->backup, g_free);
  g_clear_pointer (&report->conflicts, g_ptr_array_unref);
  g_clear_pointer (&report->codebook, g_ptr_array_unref);
  g_clear_pointer (&report->mismatches, g_ptr_array_unref);
  g_clear_pointer (&report->namesakes, g_ptr_array_unref);
  g_clear_pointer (&report->skipped, g_ptr_array_unref);
  memset (report, 0, sizeof *report);
}

static void
report_init (GlossMergeReport *report,
             gboolean          dry_run)
{
  gloss_merge_report_clear (report);
  report->dry_run = dry_run;
  report->conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) conflict_free);
  report->codebook = g_ptr_array_new_with_free_func ((GDestroyNotify) mapping_free);
  report->mismatches = g_ptr_array_new_with_free_func (g_free);
  report->namesakes = g_ptr_array_new_with_free_func ((GDestroyNotify) namesake_free);
  report->skipped = g_ptr_array_new_with_free_func ((GDestroyNotify) skipped_free);
}

static GlossMergeSkipped *
add_skipped (GlossMergeReport *report,
             const char       *what,
             const char       *uuid,
             const char       *source,
             char             *reason)
{
  GlossMergeSkipped *skipped = g_new0 (GlossMergeSkipped, 1);

  skipped->what = g_strdup (what);
  skipped->uuid = g_strdup (uuid);
  skipped->source = g_strdup (source);
  skipped->reason = reason;
  g_ptr_array_add (report->skipped, skipped);

  return skipped;
}

/* ------------------------------------------------------------------------
 * Statements: cached per connection, reset when they go out of scope
 * ------------------------------------------------------------------------ */

typedef sqlite3_stmt MergeStmt;

static void
merge_stmt_release (MergeStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MergeStmt, merge_stmt_release)

typedef struct
{
  sqlite3    *db;
  const char *path;
  GHashTable *cache;   /* static SQL → sqlite3_stmt */
} Conn;

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
conn_init (Conn       *conn,
           sqlite3    *db,
           const char *path)
{
  conn->db = db;
  conn->path = path;
  conn->cache = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                       finalize_statement);
}

static void
conn_clear (Conn *conn)
{
  g_clear_pointer (&conn->cache, g_hash_table_unref);
}

static gboolean
conn_fail (Conn        *conn,
           int          rc,
           GError     **error)
{
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_BUSY,
                 _("“%s” is busy: another program is writing to it. Try again in a moment. "
                   "Nothing was merged."), conn->path);
  else if ((rc & 0xff) == SQLITE_FULL)
    g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_IO,
                 _("The disk is full. Free some space and try again. Nothing was merged."));
  else
    g_set_error (error, GLOSS_PROJECT_ERROR,
                 (rc & 0xff) == SQLITE_CORRUPT ? GLOSS_PROJECT_ERROR_CORRUPT
                                               : GLOSS_PROJECT_ERROR_IO,
                 _("Merging failed while reading or writing “%s” (%s). Nothing was merged."),
                 conn->path, sqlite3_errmsg (conn->db));
  return FALSE;
}

static MergeStmt *
conn_prepare (Conn        *conn,
              const char  *sql,
              GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (conn->cache, sql);

  if (stmt == NULL)
    {
      int rc = sqlite3_prepare_v3 (conn->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);

      if (rc != SQLITE_OK)
        {
          conn_fail (conn, rc, error);
          return NULL;
        }
      g_hash_table_insert (conn->cache, (gpointer) sql, stmt);
    }

  return stmt;
}

/* For the length of a merge, a large page cache on the target, so inserts
 * and look-ups by uuid all over a big file do not go to the file one page at
 * a time.  A connection setting only: nothing is written to the file.
 *
 * Where a large merge reads in order, or writes only at the ends of the
 * tables, a small cache serves as well: its pages are reused, where a large
 * one is filled with fresh memory, which costs more than the reads.  Pages
 * written beyond it go to the file before the commit (SQLite's cache
 * spill, after the rollback journal is synced), and from then on the file
 * is locked against readers until the merge ends.
 *
 * A large merge also runs with SQLite's foreign key enforcement off: with
 * it on, SQLite keeps a journal for each statement of many rows, to undo
 * that statement alone on a violation, and writing takes a third longer.
 * Every id such a merge writes comes from its own maps of the target's
 * rows, and check_new_references() proves every row they refer to exists
 * before it commits. */
#define MERGE_CACHE_KIB 262144
#define SMALL_CACHE_KIB 2048

typedef struct
{
  gboolean saved;
  gint64   cache_size;
  gint64   foreign_keys;
} ConnSettings;

static gboolean
conn_query_int (Conn        *conn,
                const char  *sql,
                gint64      *value,
                GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc = sqlite3_prepare_v2 (conn->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return conn_fail (conn, rc, error);

  *value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
conn_exec (Conn        *conn,
           const char  *sql,
           GError     **error)
{
  int rc = sqlite3_exec (conn->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return conn_fail (conn, rc, error);

  return TRUE;
}

/* Outside a transaction (SQLite ignores foreign_keys inside one). */
static gboolean
conn_tune (Conn          *conn,
           ConnSettings  *saved,
           gboolean       large,
           GError       **error)
{
  g_autofree char *cache = g_strdup_printf ("PRAGMA cache_size = -%d", MERGE_CACHE_KIB);

  if (!conn_query_int (conn, "PRAGMA cache_size", &saved->cache_size, error) ||
      !conn_query_int (conn, "PRAGMA foreign_keys", &saved->foreign_keys, error))
    return FALSE;
  saved->saved = TRUE;

  return conn_exec (conn, cache, error) &&
         (!large || conn_exec (conn, "PRAGMA foreign_keys = OFF", error));
}

/* After the transaction has ended. */
static void
conn_restore (Conn               *conn,
              const ConnSettings *saved)
{
  g_autofree char *cache = g_strdup_printf ("PRAGMA cache_size = %" G_GINT64_FORMAT,
                                            saved->cache_size);
  gint64 foreign_keys = -1;

  if (!saved->saved)
    return;

  /* Only speed depends on the cache; a failure changes nothing else. */
  sqlite3_exec (conn->db, cache, NULL, NULL, NULL);
  sqlite3_exec (conn->db, saved->foreign_keys ? "PRAGMA foreign_keys = ON"
                                              : "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
  if (!conn_query_int (conn, "PRAGMA foreign_keys", &foreign_keys, NULL) ||
      foreign_keys != saved->foreign_keys)
    g_critical ("Could not set foreign key enforcement on “%s” back after merging",
                conn->path);
}

/* Steps a statement returning no rows, or one row the caller ignores. */
static gboolean
conn_step_done (Conn          *conn,
                sqlite3_stmt  *stmt,
                GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return conn_fail (conn, rc, error);

  return TRUE;
}

/* Steps a query: TRUE with a row, FALSE without (error set on failure). */
static gboolean
conn_step_row (Conn          *conn,
               sqlite3_stmt  *stmt,
               GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    conn_fail (conn, rc, error);

  return FALSE;
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_id_or_null (sqlite3_stmt *stmt,
                 int           index,
                 gint64        id)
{
  if (id != 0)
    sqlite3_bind_int64 (stmt, index, id);
  else
    sqlite3_bind_null (stmt, index);
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

/* ------------------------------------------------------------------------
 * Id maps: gint64 → gint64
 * ------------------------------------------------------------------------ */

static GHashTable *
id_map_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

static void
id_map_set (GHashTable *map,
            gint64      key,
            gint64      value)
{
  g_hash_table_insert (map, g_memdup2 (&key, sizeof key), g_memdup2 (&value, sizeof value));
}

/* FALSE when @key is not in @map. */
static gboolean
id_map_get (GHashTable *map,
            gint64      key,
            gint64     *value)
{
  gint64 *found = g_hash_table_lookup (map, &key);

  if (found == NULL)
    return FALSE;
  *value = *found;
  return TRUE;
}

/* ------------------------------------------------------------------------
 * History: the (modified, revision) versions a file has held
 * ------------------------------------------------------------------------ */

/* Columns of the annotation table, as changesets number them. */
enum {
  ANNOTATION_COL_ID = 0,
  ANNOTATION_COL_MODIFIED = 9,
  ANNOTATION_COL_REVISION = 10,
  ANNOTATION_N_COLUMNS = 16,
};

typedef struct
{
  Conn       *conn;      /* borrowed */
  gboolean    loaded;
  GHashTable *by_id;     /* "id\x1fmodified\x1frevision" from changesets */
  GHashTable *by_uuid;   /* "uuid\x1fmodified\x1frevision" set aside by earlier merges */
} History;

static void
history_free (History *history)
{
  g_clear_pointer (&history->by_id, g_hash_table_unref);
  g_clear_pointer (&history->by_uuid, g_hash_table_unref);
  g_free (history);
}

static History *
history_new (Conn *conn)
{
  History *history = g_new0 (History, 1);

  history->conn = conn;
  return history;
}

static char *
version_key_id (gint64      id,
                const char *modified,
                gint64      revision)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "\x1f%s\x1f%" G_GINT64_FORMAT, id, modified, revision);
}

static char *
version_key_uuid (const char *uuid,
                  const char *modified,
                  gint64      revision)
{
  return g_strdup_printf ("%s\x1f%s\x1f%" G_GINT64_FORMAT, uuid, modified, revision);
}

static void
history_add_values (History       *history,
                    sqlite3_value *id,
                    sqlite3_value *modified,
                    sqlite3_value *revision)
{
  if (id == NULL || modified == NULL || revision == NULL ||
      sqlite3_value_type (modified) != SQLITE_TEXT)
    return;

  g_hash_table_add (history->by_id,
                    version_key_id (sqlite3_value_int64 (id),
                                    (const char *) sqlite3_value_text (modified),
                                    sqlite3_value_int64 (revision)));
}

static void
history_add_changeset (History    *history,
                       const void *data,
                       int         size)
{
  sqlite3_changeset_iter *iter = NULL;

  if (sqlite3changeset_start (&iter, size, (void *) data) != SQLITE_OK)
    return;

  while (sqlite3changeset_next (iter) == SQLITE_ROW)
    {
      const char *table = NULL;
      int n_columns = 0, op = 0, indirect = 0;
      sqlite3_value *id = NULL, *modified = NULL, *revision = NULL;

      if (sqlite3changeset_op (iter, &table, &n_columns, &op, &indirect) != SQLITE_OK ||
          g_strcmp0 (table, "annotation") != 0 || n_columns != ANNOTATION_N_COLUMNS)
        continue;

      if (op == SQLITE_INSERT || op == SQLITE_UPDATE)
        {
          sqlite3_value *new_modified = NULL, *new_revision = NULL;

          if (op == SQLITE_INSERT)
            sqlite3changeset_new (iter, ANNOTATION_COL_ID, &id);
          else
            sqlite3changeset_old (iter, ANNOTATION_COL_ID, &id);
          sqlite3changeset_new (iter, ANNOTATION_COL_MODIFIED, &new_modified);
          sqlite3changeset_new (iter, ANNOTATION_COL_REVISION, &new_revision);
          history_add_values (history, id, new_modified, new_revision);
        }
      if (op == SQLITE_UPDATE || op == SQLITE_DELETE)
        {
          sqlite3changeset_old (iter, ANNOTATION_COL_ID, &id);
          sqlite3changeset_old (iter, ANNOTATION_COL_MODIFIED, &modified);
          sqlite3changeset_old (iter, ANNOTATION_COL_REVISION, &revision);
          history_add_values (history, id, modified, revision);
        }
    }
  /* A damaged changeset ends the walk; what was read so far still counts. */
  sqlite3changeset_finalize (iter);
}

static void
history_add_set_aside (History    *history,
                       const char *json,
                       gsize       len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  const char *uuid, *modified;

  if (!json_parser_load_from_data (parser, json, len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;

  object = json_node_get_object (json_parser_get_root (parser));
  uuid = json_object_get_string_member_with_default (object, "uuid", NULL);
  modified = json_object_get_string_member_with_default (object, "modified", NULL);
  if (uuid == NULL || modified == NULL || !json_object_has_member (object, "revision"))
    return;

  g_hash_table_add (history->by_uuid,
                    version_key_uuid (uuid, modified,
                                      json_object_get_int_member (object, "revision")));
}

static gboolean
history_load (History  *history,
              GError  **error)
{
  static const char sql[] =
    "SELECT changeset, typeof (changeset) FROM change ORDER BY seq";
  g_autoptr(MergeStmt) stmt = NULL;
  int rc;

  if (history->loaded)
    return TRUE;

  history->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  history->by_uuid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  stmt = conn_prepare (history->conn, sql, error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *type = column_text (stmt, 1);

      if (g_strcmp0 (type, "blob") == 0)
        history_add_changeset (history, sqlite3_column_blob (stmt, 0),
                               sqlite3_column_bytes (stmt, 0));
      else if (g_strcmp0 (type, "text") == 0)
        history_add_set_aside (history, column_text (stmt, 0), sqlite3_column_bytes (stmt, 0));
    }
  if (rc != SQLITE_DONE)
    return conn_fail (history->conn, rc, error);

  history->loaded = TRUE;
  return TRUE;
}

/* Has the file behind @history held this version of annotation @uuid (whose
 * id there is @id, or 0 to look it up)? */
static gboolean
history_has (History     *history,
             const char  *uuid,
             gint64       id,
             const char  *modified,
             gint64       revision,
             gboolean    *has,
             GError     **error)
{
  g_autofree char *by_uuid = NULL;

  *has = FALSE;
  if (!history_load (history, error))
    return FALSE;

  by_uuid = version_key_uuid (uuid, modified, revision);
  if (g_hash_table_contains (history->by_uuid, by_uuid))
    {
      *has = TRUE;
      return TRUE;
    }

  if (id == 0)
    {
      static const char sql[] = "SELECT id FROM annotation WHERE uuid = ?";
      g_autoptr(MergeStmt) stmt = conn_prepare (history->conn, sql, error);
      g_autoptr(GError) local_error = NULL;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
      if (conn_step_row (history->conn, stmt, &local_error))
        id = sqlite3_column_int64 (stmt, 0);
      else if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  if (id != 0)
    {
      g_autofree char *by_id = version_key_id (id, modified, revision);

      *has = g_hash_table_contains (history->by_id, by_id);
    }

  return TRUE;
}

/* ------------------------------------------------------------------------
 * Target texts, for checking quotes
 * ------------------------------------------------------------------------ */

typedef struct
{
  char   *text;
  gsize   bytes;
  gint64  length;
  GArray *marks;    /* (element-type gsize): byte offset of code point i * TEXT_STRIDE */
} DocText;

static void
doc_text_free (DocText *doc)
{
  g_free (doc->text);
  g_clear_pointer (&doc->marks, g_array_unref);
  g_free (doc);
}

/* Where code point @offset (0 ≤ @offset ≤ length) starts. */
static const char *
doc_text_at (const DocText *doc,
             gint64         offset)
{
  const char *p;

  if (offset >= doc->length)
    return doc->text + doc->bytes;

  p = doc->text + g_array_index (doc->marks, gsize, offset / TEXT_STRIDE);
  for (gint64 i = 0; i < offset % TEXT_STRIDE; i++)
    p = g_utf8_next_char (p);

  return p;
}

/* The quote is exactly the text's bytes from @start to @end. */
static gboolean
doc_text_quote_matches (const DocText *doc,
                        gint64         start,
                        gint64         end,
                        const char    *quote,
                        gsize          quote_bytes)
{
  const char *p, *q;

  if (quote == NULL || start < 0 || end <= start || end > doc->length)
    return FALSE;

  p = doc_text_at (doc, start);
  q = doc_text_at (doc, end);

  return (gsize) (q - p) == quote_bytes && memcmp (p, quote, quote_bytes) == 0;
}

/* ------------------------------------------------------------------------
 * The merge
 * ------------------------------------------------------------------------ */

/* The codes of annotations read in increasing id order, through one walk
 * over annotation_code (ordered by annotation, code) instead of a query per
 * annotation.  Every code row of the annotations from..annotation - 1 has
 * been passed; an id in that range has no codes. */
typedef struct
{
  Conn     *conn;
  gboolean  on_row;
  gint64    from;
  gint64    annotation;
  gint64    code;
} CodeCursor;

typedef struct
{
  char         *path;
  GlossProject *project;
  Conn          conn;
  History      *history;
  GHashTable   *dimensions;    /* source dimension id → target dimension id */
  GHashTable   *codes;         /* source code id → target code id */
  GHashTable   *documents;     /* source document id → target document id, 0: left out */
  GHashTable   *annotators;    /* source annotator id → target annotator id */
  GHashTable   *left_out;      /* source document id → DocumentLeftOut */
  /* Each source annotation's match in the target (pair_identities()):
   * by = source id - first, when ids are dense enough; else sorted pairs. */
  GArray       *matches;       /* (element-type gint64): target id, 0: none, -1: unknown */
  gint64        first;
  GArray       *pairs;         /* (element-type Pair): by source id */
  guint         n_new;         /* source annotations the target lacks */
  gint64        n_annotations; /* when the merge began */
  gboolean      all_new;       /* the target had no annotations to pair with */
  CodeCursor    annotation_codes;
} Source;

/* A source annotation and the target's annotation of the same uuid. */
typedef struct
{
  gint64 source;
  gint64 target;               /* 0: the target has none */
} Pair;

typedef struct
{
  GlossMergeSkipped *skipped;  /* owned by the report */
  char              *why;
  guint              n_annotations;
} DocumentLeftOut;

static void
document_left_out_free (DocumentLeftOut *left_out)
{
  g_free (left_out->why);
  g_free (left_out);
}

static void
source_free (Source *source)
{
  g_clear_pointer (&source->history, history_free);
  conn_clear (&source->conn);
  g_clear_object (&source->project);
  g_clear_pointer (&source->dimensions, g_hash_table_unref);
  g_clear_pointer (&source->codes, g_hash_table_unref);
  g_clear_pointer (&source->documents, g_hash_table_unref);
  g_clear_pointer (&source->annotators, g_hash_table_unref);
  g_clear_pointer (&source->left_out, g_hash_table_unref);
  g_clear_pointer (&source->pairs, g_array_unref);
  g_clear_pointer (&source->matches, g_array_unref);
  g_free (source->path);
  g_free (source);
}

typedef struct
{
  gint64   dimension;
  gboolean multiple;
  char    *dimension_name;
} CodeInfo;

static void
code_info_free (CodeInfo *info)
{
  g_free (info->dimension_name);
  g_free (info);
}

/* An annotation's entry in the span index (see rebuild_spans()). */
typedef struct
{
  gint64  id;
  gint32  document;
  gint32  start;
  gint32  end;
  guint32 order;      /* its place in id order */
} SpanEntry;

/* New annotations kept back to be inserted in uuid order (see
 * hold_annotation()), copied into large blocks of memory. */
typedef struct
{
  gint64      id;         /* in its own file */
  const char *uuid;
  const char *quote;      /* quote_bytes long, perhaps with no NUL after */
  const char *note;
  const char *created;
  const char *modified;
  const char *status;
  const char *review_note;
  const char *reviewed;
  const gint64 *codes;
  gint64      document;
  gint64      start;
  gint64      end;
  gint64      annotator;
  gint64      revision;
  gint64      reviewer;
  int         quote_bytes;
  guint       n_codes;
  gboolean    deleted;
} HeldRow;

typedef struct
{
  gboolean   on;          /* new annotations are held back, not queued */
  GPtrArray *rows;        /* (element-type HeldRow) in the blocks */
  GPtrArray *blocks;      /* free()d */
  guint8    *free_at;     /* in the last block */
  gsize      free_bytes;
} Held;

static void held_clear (Held *held);

/* The target's annotations copied into memory, by id. */
typedef struct
{
  Held     held;
  gint64   first;
  gint64   n;
  HeldRow *rows[];         /* by id - first; NULL: none */
} TargetRows;

static void
target_rows_free (TargetRows *rows)
{
  held_clear (&rows->held);
  g_free (rows);
}

/* Inserts go out many rows to a statement: each statement has a cost of
 * its own besides its rows' (a third more time, one row a statement). */
#define BATCH_ROWS 64
#define BATCH_CODE_SIZES 4     /* statements of 64, 16, 4 and 1 code rows */

/* A queued annotation; strings are offsets into Batch.text, -1 for NULL. */
typedef struct
{
  gint64   id;
  gssize   uuid;
  gint64   document;
  gint64   start;
  gint64   end;
  gssize   quote;
  int      quote_bytes;
  gssize   note;
  gint64   annotator;
  gssize   created;
  gssize   modified;
  gint64   revision;
  gboolean deleted;
  gssize   status;
  gint64   reviewer;
  gssize   review_note;
  gssize   reviewed;
} PendingRow;

typedef struct
{
  PendingRow  rows[BATCH_ROWS];
  guint       n_rows;
  GByteArray *text;
  GArray     *codes;      /* (element-type gint64): annotation, code, annotation, … */
  gint64      next_id;
  char       *rows_sql;   /* BATCH_ROWS rows */
  char       *codes_sql[BATCH_CODE_SIZES];
} Batch;

typedef struct
{
  GlossProject     *target;
  Conn              conn;
  GlossMergeReport *report;
  GCancellable     *cancellable;
  GPtrArray        *sources;      /* (element-type Source) */
  guint             current;      /* the source being merged */
  History          *history;      /* the target's */
  GHashTable       *written;      /* "uuid\x1fmodified\x1frevision" met in this merge */
  GHashTable       *texts;        /* target document id → DocText */
  GHashTable       *code_info;    /* target code id → CodeInfo */
  GHashTable       *code_paths;   /* target code id → path, built when needed */
  gint64            last_id;      /* the target's highest annotation id before the merge */
  gint64            cursor_id;    /* the row the target cursor is on, 0: none */
  CodeCursor        target_codes;
  gboolean          bulk;         /* secondary indexes dropped, rebuilt before commit */
  gboolean          large;        /* untracked, foreign keys not enforced */
  gint64            existing;     /* annotations in the target, about */
  Batch             batch;        /* annotations waiting to be inserted */
  gint64            phase_start;  /* monotonic µs, for merge_phase() */
  gint64            phase_cpu;    /* the process's CPU µs, for merge_phase() */
  Held              held;         /* new annotations kept back, see hold_annotation() */
  TargetRows       *target_rows;  /* the target's annotations, see copy_target_if_scattered() */
  /* (element-type SpanEntry): the spans of the live held annotations once
   * inserted, in id order, while the table holds nothing else. */
  GArray           *held_spans;
  /* Every document, annotator and code id the queued inserts wrote, as
   * keys; proven to exist before a large merge commits. */
  GHashTable       *referenced[3];
  gint64            last_referenced[3];
} Merge;

enum {
  REFERENCE_DOCUMENT,
  REFERENCE_ANNOTATOR,
  REFERENCE_CODE,
};

static void batch_clear (Batch *batch);

static void
merge_clear (Merge *m)
{
  g_clear_pointer (&m->history, history_free);
  g_clear_pointer (&m->sources, g_ptr_array_unref);
  conn_clear (&m->conn);
  g_clear_pointer (&m->written, g_hash_table_unref);
  g_clear_pointer (&m->texts, g_hash_table_unref);
  g_clear_pointer (&m->code_info, g_hash_table_unref);
  g_clear_pointer (&m->code_paths, g_hash_table_unref);
  batch_clear (&m->batch);
  for (guint i = 0; i < G_N_ELEMENTS (m->referenced); i++)
    g_clear_pointer (&m->referenced[i], g_hash_table_unref);
  held_clear (&m->held);
  g_clear_pointer (&m->target_rows, target_rows_free);
  g_clear_pointer (&m->held_spans, g_array_unref);
}

/* Where a merge's time goes: G_MESSAGES_DEBUG=gloss-merge prints each
 * phase's wall time and the process's CPU time in it. */
static void
merge_phase (Merge      *m,
             const char *done)
{
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = 0;
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) == 0)
    cpu = usage.ru_utime.tv_sec * G_USEC_PER_SEC + usage.ru_utime.tv_usec +
          usage.ru_stime.tv_sec * G_USEC_PER_SEC + usage.ru_stime.tv_usec;
  if (m->phase_start != 0)
    g_debug ("%-22s %7.3f s (CPU %.3f s)", done, (now - m->phase_start) / 1e6,
             (cpu - m->phase_cpu) / 1e6);
  m->phase_start = now;
  m->phase_cpu = cpu;
}

static gboolean
check_cancelled (Merge   *m,
                 GError **error)
{
  return !g_cancellable_set_error_if_cancelled (m->cancellable, error);
}

/* ---- annotators ---- */

static gint64
map_annotator (Merge    *m,
               Source   *src,
               gint64    source_id,
               GError  **error)
{
  static const char source_sql[] = "SELECT uuid, name FROM annotator WHERE id = ?";
  static const char by_uuid_sql[] = "SELECT id FROM annotator WHERE uuid = ?";
  static const char by_name_sql[] =
    "SELECT uuid FROM annotator WHERE name = ? AND uuid != ? ORDER BY id LIMIT 1";
  g_autoptr(MergeStmt) src_stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *name = NULL;
  gint64 id = 0;

  if (source_id == 0)
    return 0;
  if (id_map_get (src->annotators, source_id, &id))
    return id;

  src_stmt = conn_prepare (&src->conn, source_sql, error);
  if (src_stmt == NULL)
    return -1;
  sqlite3_bind_int64 (src_stmt, 1, source_id);
  if (!conn_step_row (&src->conn, src_stmt, &local_error))
    {
      if (local_error == NULL)
        g_set_error (&local_error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVARIANT,
                     _("“%s” refers to a missing annotator. Nothing was merged."), src->path);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return -1;
    }
  uuid = g_strdup (column_text (src_stmt, 0));
  name = g_strdup (column_text (src_stmt, 1));

  {
    g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, by_uuid_sql, error);

    if (stmt == NULL)
      return -1;
    sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
    if (conn_step_row (&m->conn, stmt, &local_error))
      id = sqlite3_column_int64 (stmt, 0);
    else if (local_error != NULL)
      {
        g_propagate_error (error, g_steal_pointer (&local_error));
        return -1;
      }
  }

  if (id == 0)
    {
      g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, by_name_sql, error);

      if (stmt == NULL)
        return -1;
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, uuid, -1, SQLITE_TRANSIENT);
      if (conn_step_row (&m->conn, stmt, &local_error))
        {
          GlossMergeNamesake *namesake = g_new0 (GlossMergeNamesake, 1);

          namesake->name = g_strdup (name);
          namesake->uuid = g_strdup (uuid);
          namesake->other_uuid = g_strdup (column_text (stmt, 0));
          g_ptr_array_add (m->report->namesakes, namesake);
        }
      else if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return -1;
        }

      id = _gloss_project_ensure_annotator (m->target, name, uuid, error);
      if (id == 0)
        return -1;
      m->report->annotators_added++;
    }

  id_map_set (src->annotators, source_id, id);
  return id;
}

/* ---- codebook ---- */

static void
add_mapping (Merge           *m,
             const char      *path,
             const char      *source_uuid,
             const char      *target_uuid,
             GlossMergeMatch  match,
             gboolean         is_dimension)
{
  GlossMergeMapping *mapping = g_new0 (GlossMergeMapping, 1);

  mapping->path = g_strdup (path);
  mapping->source_uuid = g_strdup (source_uuid);
  mapping->target_uuid = g_strdup (target_uuid);
  mapping->match = match;
  mapping->is_dimension = is_dimension;
  g_ptr_array_add (m->report->codebook, mapping);
}

static gboolean
merge_dimensions (Merge    *m,
                  Source   *src,
                  GError  **error)
{
  static const char source_sql[] =
    "SELECT id, uuid, name, kind, multiple, level, memo, modified, revision "
    "FROM dimension ORDER BY position, id";
  static const char by_uuid_sql[] = "SELECT id, name, multiple, uuid FROM dimension WHERE uuid = ?";
  static const char by_name_sql[] = "SELECT id, name, multiple, uuid FROM dimension WHERE name = ?";
  static const char insert_sql[] =
    "INSERT INTO dimension (uuid, name, kind, multiple, level, position, memo, modified, revision) "
    "VALUES (?, ?, ?, ?, ?, (SELECT ifnull (max (position), 0) + 1 FROM dimension), ?, ?, ?)";
  g_autoptr(MergeStmt) dims = conn_prepare (&src->conn, source_sql, error);
  int rc;

  if (dims == NULL)
    return FALSE;

  while ((rc = sqlite3_step (dims)) == SQLITE_ROW)
    {
      gint64 source_id = sqlite3_column_int64 (dims, 0);
      const char *uuid = column_text (dims, 1);
      const char *name = column_text (dims, 2);
      gboolean multiple = sqlite3_column_int (dims, 4) != 0;
      const char *lookups[] = { by_uuid_sql, by_name_sql };
      const char *keys[] = { uuid, name };
      gint64 target_id = 0;

      for (guint i = 0; i < G_N_ELEMENTS (lookups) && target_id == 0; i++)
        {
          g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, lookups[i], error);
          g_autoptr(GError) local_error = NULL;

          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_text (stmt, 1, keys[i], -1, SQLITE_TRANSIENT);
          if (conn_step_row (&m->conn, stmt, &local_error))
            {
              target_id = sqlite3_column_int64 (stmt, 0);
              add_mapping (m, name, uuid, column_text (stmt, 3),
                           i == 0 ? GLOSS_MERGE_MATCHED_BY_UUID : GLOSS_MERGE_MATCHED_BY_PATH,
                           TRUE);
              if ((sqlite3_column_int (stmt, 2) != 0) != multiple)
                g_ptr_array_add (m->report->mismatches,
                                 multiple
                                 ? g_strdup_printf (_("“%s” allows several codes per annotation "
                                                      "in %s but only one in the target; "
                                                      "annotations with several were left out"),
                                                    name, src->path)
                                 : g_strdup_printf (_("“%s” allows one code per annotation in "
                                                      "%s but several in the target"),
                                                    name, src->path));
            }
          else if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
        }

      if (target_id == 0)
        {
          g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, insert_sql, error);

          if (stmt == NULL)
            return FALSE;
          for (int c = 1; c <= 5; c++)
            sqlite3_bind_value (stmt, c, sqlite3_column_value (dims, c));
          for (int c = 6; c <= 8; c++)
            sqlite3_bind_value (stmt, c, sqlite3_column_value (dims, c));
          if (!conn_step_done (&m->conn, stmt, error))
            return FALSE;
          target_id = sqlite3_last_insert_rowid (m->conn.db);
          add_mapping (m, name, uuid, uuid, GLOSS_MERGE_ADDED, TRUE);
          m->report->dimensions_added++;
        }

      id_map_set (src->dimensions, source_id, target_id);
    }
  if (rc != SQLITE_DONE)
    return conn_fail (&src->conn, rc, error);

  return TRUE;
}

static gboolean
merge_codes (Merge    *m,
             Source   *src,
             GError  **error)
{
  static const char extra_sql[] = "SELECT memo, modified, revision FROM code WHERE id = ?";
  static const char by_uuid_sql[] = "SELECT id, uuid FROM code WHERE uuid = ?";
  static const char by_place_sql[] =
    "SELECT id, uuid FROM code WHERE dimension = ? AND ifnull (parent, 0) = ? AND name = ?";
  static const char shortcut_sql[] = "SELECT 1 FROM code WHERE shortcut = ?";
  static const char insert_sql[] =
    "INSERT INTO code (uuid, dimension, parent, name, color, description, shortcut, position, "
    "memo, modified, revision) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, (SELECT ifnull (max "
    "(position), 0) + 1 FROM code WHERE dimension = ?2 AND ifnull (parent, 0) = ifnull (?3, 0)), "
    "?8, ?9, ?10)";
  g_autoptr(GPtrArray) codes = _gloss_project_list_codes_uncounted (src->project, error);

  if (codes == NULL)
    return FALSE;

  /* Tree order: every parent comes before its children. */
  for (guint i = 0; i < codes->len; i++)
    {
      GlossCode *code = codes->pdata[i];
      g_autoptr(GError) local_error = NULL;
      gint64 dimension = 0, parent = 0, target_id = 0;

      if (!id_map_get (src->dimensions, code->dimension, &dimension) ||
          (code->parent != 0 && !id_map_get (src->codes, code->parent, &parent)))
        {
          g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVARIANT,
                       _("The code “%s” in “%s” has no place in its codebook. Nothing was "
                         "merged."), code->path, src->path);
          return FALSE;
        }

      {
        g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, by_uuid_sql, error);

        if (stmt == NULL)
          return FALSE;
        sqlite3_bind_text (stmt, 1, code->uuid, -1, SQLITE_TRANSIENT);
        if (conn_step_row (&m->conn, stmt, &local_error))
          {
            target_id = sqlite3_column_int64 (stmt, 0);
            add_mapping (m, code->path, code->uuid, code->uuid, GLOSS_MERGE_MATCHED_BY_UUID, FALSE);
          }
        else if (local_error != NULL)
          {
            g_propagate_error (error, g_steal_pointer (&local_error));
            return FALSE;
          }
      }

      if (target_id == 0)
        {
          g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, by_place_sql, error);

          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, dimension);
          sqlite3_bind_int64 (stmt, 2, parent);
          sqlite3_bind_text (stmt, 3, code->name, -1, SQLITE_TRANSIENT);
          if (conn_step_row (&m->conn, stmt, &local_error))
            {
              target_id = sqlite3_column_int64 (stmt, 0);
              add_mapping (m, code->path, code->uuid, column_text (stmt, 1),
                           GLOSS_MERGE_MATCHED_BY_PATH, FALSE);
            }
          else if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
        }

      if (target_id != 0)
        {
          m->report->codes_mapped++;
        }
      else
        {
          g_autoptr(MergeStmt) extra = conn_prepare (&src->conn, extra_sql, error);
          g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, insert_sql, error);
          const char *shortcut = code->shortcut;

          if (extra == NULL || stmt == NULL)
            return FALSE;

          if (shortcut != NULL)
            {
              g_autoptr(MergeStmt) taken = conn_prepare (&m->conn, shortcut_sql, error);

              if (taken == NULL)
                return FALSE;
              sqlite3_bind_text (taken, 1, shortcut, -1, SQLITE_TRANSIENT);
              if (conn_step_row (&m->conn, taken, &local_error))
                {
                  add_skipped (m->report, "shortcut", code->uuid, src->path,
                               g_strdup_printf (_("the shortcut “%s” of “%s” is taken in the "
                                                  "target; the code was added without one"),
                                                shortcut, code->path));
                  shortcut = NULL;
                }
              else if (local_error != NULL)
                {
                  g_propagate_error (error, g_steal_pointer (&local_error));
                  return FALSE;
                }
            }

          sqlite3_bind_int64 (extra, 1, code->id);
          if (!conn_step_row (&src->conn, extra, &local_error))
            {
              if (local_error == NULL)
                g_set_error (&local_error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVARIANT,
                             _("A code of “%s” vanished while merging. Nothing was merged."),
                             src->path);
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }

          sqlite3_bind_text (stmt, 1, code->uuid, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (stmt, 2, dimension);
          bind_id_or_null (stmt, 3, parent);
          sqlite3_bind_text (stmt, 4, code->name, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (stmt, 5, code->color, -1, SQLITE_TRANSIENT);
          bind_text_or_null (stmt, 6, code->description);
          bind_text_or_null (stmt, 7, shortcut);
          sqlite3_bind_value (stmt, 8, sqlite3_column_value (extra, 0));
          sqlite3_bind_value (stmt, 9, sqlite3_column_value (extra, 1));
          sqlite3_bind_value (stmt, 10, sqlite3_column_value (extra, 2));
          if (!conn_step_done (&m->conn, stmt, error))
            return FALSE;
          target_id = sqlite3_last_insert_rowid (m->conn.db);
          add_mapping (m, code->path, code->uuid, code->uuid, GLOSS_MERGE_ADDED, FALSE);
          m->report->codes_added++;
        }

      id_map_set (src->codes, code->id, target_id);
    }

  return TRUE;
}

/* What the target's codes belong to, for single-valued dimensions. */
static gboolean
load_code_info (Merge    *m,
                GError  **error)
{
  static const char sql[] =
    "SELECT c.id, c.dimension, m.multiple, m.name FROM code c JOIN dimension m "
    "ON m.id = c.dimension";
  g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  g_clear_pointer (&m->code_info, g_hash_table_unref);
  g_clear_pointer (&m->code_paths, g_hash_table_unref);
  m->code_info = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                        (GDestroyNotify) code_info_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      CodeInfo *info = g_new0 (CodeInfo, 1);

      info->dimension = sqlite3_column_int64 (stmt, 1);
      info->multiple = sqlite3_column_int (stmt, 2) != 0;
      info->dimension_name = g_strdup (column_text (stmt, 3));
      g_hash_table_insert (m->code_info, g_memdup2 (&id, sizeof id), info);
    }
  if (rc != SQLITE_DONE)
    return conn_fail (&m->conn, rc, error);

  return TRUE;
}

static const char *
code_path (Merge  *m,
           gint64  code)
{
  if (m->code_paths == NULL)
    {
      g_autoptr(GPtrArray) codes = _gloss_project_list_codes_uncounted (m->target, NULL);

      m->code_paths = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
      for (guint i = 0; codes != NULL && i < codes->len; i++)
        {
          GlossCode *c = codes->pdata[i];

          g_hash_table_insert (m->code_paths, g_memdup2 (&c->id, sizeof c->id),
                               g_strdup (c->path));
        }
    }

  return g_hash_table_lookup (m->code_paths, &code);
}

/* ---- documents ---- */

static gboolean
copy_document_parts (Merge    *m,
                     Source   *src,
                     gint64    source_id,
                     gint64    target_id,
                     GError  **error)
{
  static const char segments_sql[] =
    "SELECT start, \"end\", kind, speaker FROM segment WHERE document = ? ORDER BY start, id";
  static const char insert_segment_sql[] =
    "INSERT INTO segment (document, start, \"end\", kind, speaker) VALUES (?, ?, ?, ?, ?)";
  g_autoptr(MergeStmt) segments = conn_prepare (&src->conn, segments_sql, error);
  int rc;

  if (segments == NULL)
    return FALSE;

  sqlite3_bind_int64 (segments, 1, source_id);
  while ((rc = sqlite3_step (segments)) == SQLITE_ROW)
    {
      g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, insert_segment_sql, error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, target_id);
      for (int c = 0; c < 4; c++)
        sqlite3_bind_value (stmt, c + 2, sqlite3_column_value (segments, c));
      if (!conn_step_done (&m->conn, stmt, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    return conn_fail (&src->conn, rc, error);

  return TRUE;
}

/* Attributes the target lacks are added; a differing value keeps the
 * target's and is reported. */
static gboolean
merge_attributes (Merge       *m,
                  Source      *src,
                  gint64       source_id,
                  gint64       target_id,
                  const char  *title,
                  GError     **error)
{
  static const char source_sql[] =
    "SELECT key, value FROM document_attribute WHERE document = ? ORDER BY key";
  static const char target_sql[] =
    "SELECT value FROM document_attribute WHERE document = ? AND key = ?";
  static const char insert_sql[] =
    "INSERT INTO document_attribute (document, key, value) VALUES (?, ?, ?)";
  g_autoptr(MergeStmt) attributes = conn_prepare (&src->conn, source_sql, error);
  int rc;

  if (attributes == NULL)
    return FALSE;

  sqlite3_bind_int64 (attributes, 1, source_id);
  while ((rc = sqlite3_step (attributes)) == SQLITE_ROW)
    {
      const char *key = column_text (attributes, 0);
      const char *value = column_text (attributes, 1);
      g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, target_sql, error);
      g_autoptr(GError) local_error = NULL;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, target_id);
      sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
      if (conn_step_row (&m->conn, stmt, &local_error))
        {
          if (g_strcmp0 (column_text (stmt, 0), value) != 0)
            add_skipped (m->report, "attribute", NULL, src->path,
                         g_strdup_printf (_("“%s” of “%s” is “%s” there but “%s” in the "
                                            "target; the target's value was kept"),
                                          key, title, value, column_text (stmt, 0)));
          continue;
        }
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      {
        g_autoptr(MergeStmt) insert = conn_prepare (&m->conn, insert_sql, error);

        if (insert == NULL)
          return FALSE;
        sqlite3_bind_int64 (insert, 1, target_id);
        sqlite3_bind_text (insert, 2, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text (insert, 3, value, -1, SQLITE_TRANSIENT);
        if (!conn_step_done (&m->conn, insert, error))
          return FALSE;
      }
    }
  if (rc != SQLITE_DONE)
    return conn_fail (&src->conn, rc, error);

  return TRUE;
}

static void
leave_document_out (Merge      *m,
                    Source     *src,
                    gint64      source_id,
                    const char *uuid,
                    char       *why)
{
  DocumentLeftOut *left_out = g_new0 (DocumentLeftOut, 1);

  left_out->skipped = add_skipped (m->report, "document", uuid, src->path, NULL);
  left_out->why = why;
  g_hash_table_insert (src->left_out, g_memdup2 (&source_id, sizeof source_id), left_out);
  id_map_set (src->documents, source_id, 0);
}

static gboolean
add_document (Merge       *m,
              Source      *src,
              sqlite3_stmt *docs,
              gint64      *target_id,
              GError     **error)
{
  static const char text_sql[] = "SELECT text FROM document WHERE id = ?";
  static const char insert_sql[] =
    "INSERT INTO document (uuid, title, text, sha256, length, source_name, imported_at, memo, "
    "position, modified, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
    "(SELECT ifnull (max (position), 0) + 1 FROM document), ?, ?)";
  g_autoptr(MergeStmt) text_stmt = conn_prepare (&src->conn, text_sql, error);
  g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, insert_sql, error);
  gint64 source_id = sqlite3_column_int64 (docs, 0);
  const char *uuid = column_text (docs, 1);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *sha256 = NULL;
  const char *text;
  int bytes;

  *target_id = 0;
  if (text_stmt == NULL || stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (text_stmt, 1, source_id);
  if (!conn_step_row (&src->conn, text_stmt, &local_error))
    {
      if (local_error == NULL)
        g_set_error (&local_error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVARIANT,
                     _("A document of “%s” vanished while merging. Nothing was merged."),
                     src->path);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  text = column_text (text_stmt, 0);
  bytes = sqlite3_column_bytes (text_stmt, 0);
  if (text != NULL)
    sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, bytes);

  /* The hardened open checked this; a file changed since is caught here. */
  if (text == NULL || !g_utf8_validate (text, bytes, NULL) ||
      g_strcmp0 (sha256, column_text (docs, 3)) != 0 ||
      g_utf8_strlen (text, bytes) != sqlite3_column_int64 (docs, 4))
    {
      leave_document_out (m, src, source_id, uuid,
                          g_strdup_printf (_("the text of “%s” does not match its SHA-256 or "
                                             "length"), column_text (docs, 2)));
      return TRUE;
    }

  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_value (stmt, 2, sqlite3_column_value (docs, 2));
  sqlite3_bind_text (stmt, 3, text, bytes, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_value (stmt, 5, sqlite3_column_value (docs, 4));
  for (int c = 6; c <= 10; c++)
    sqlite3_bind_value (stmt, c, sqlite3_column_value (docs, c - 1));
  if (!conn_step_done (&m->conn, stmt, error))
    return FALSE;
  *target_id = sqlite3_last_insert_rowid (m->conn.db);

  m->report->documents_added++;

  return copy_document_parts (m, src, source_id, *target_id, error);
}

static gboolean
merge_documents (Merge    *m,
                 Source   *src,
                 GError  **error)
{
  static const char source_sql[] =
    "SELECT id, uuid, title, sha256, length, source_name, imported_at, memo, modified, revision "
    "FROM document ORDER BY position, id";
  static const char by_uuid_sql[] = "SELECT id, sha256 FROM document WHERE uuid = ?";
  static const char by_sha_sql[] = "SELECT id FROM document WHERE sha256 = ? ORDER BY id LIMIT 1";
  g_autoptr(MergeStmt) docs = conn_prepare (&src->conn, source_sql, error);
  int rc;

  if (docs == NULL)
    return FALSE;

  while ((rc = sqlite3_step (docs)) == SQLITE_ROW)
    {
      gint64 source_id = sqlite3_column_int64 (docs, 0);
      const char *uuid = column_text (docs, 1);
      const char *title = column_text (docs, 2);
      const char *sha256 = column_text (docs, 3);
      g_autoptr(GError) local_error = NULL;
      gint64 target_id = 0;

      if (!check_cancelled (m, error))
        return FALSE;

      {
        g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, by_uuid_sql, error);

        if (stmt == NULL)
          return FALSE;
        sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
        if (conn_step_row (&m->conn, stmt, &local_error))
          {
            if (g_strcmp0 (column_text (stmt, 1), sha256) != 0)
              {
                leave_document_out (m, src, source_id, uuid,
                                    g_strdup_printf (_("“%s” has the same uuid as a document "
                                                       "of the target but another text"),
                                                     title));
                continue;
              }
            target_id = sqlite3_column_int64 (stmt, 0);
          }
        else if (local_error != NULL)
          {
            g_propagate_error (error, g_steal_pointer (&local_error));
            return FALSE;
          }
      }

      if (target_id == 0)
        {
          g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, by_sha_sql, error);

          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
          if (conn_step_row (&m->conn, stmt, &local_error))
            {
              target_id = sqlite3_column_int64 (stmt, 0);
              m->report->documents_matched++;
            }
          else if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
        }

      if (target_id == 0)
        {
          if (!add_document (m, src, docs, &target_id, error))
            return FALSE;
          if (target_id == 0)
            continue; /* left out, reported */
        }
      if (!merge_attributes (m, src, source_id, target_id, title, error))
        return FALSE;

      id_map_set (src->documents, source_id, target_id);
    }
  if (rc != SQLITE_DONE)
    return conn_fail (&src->conn, rc, error);

  return TRUE;
}

static const DocText *
target_text (Merge    *m,
             gint64    document,
             GError  **error)
{
  static const char sql[] = "SELECT text FROM document WHERE id = ?";
  g_autoptr(MergeStmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  DocText *doc = g_hash_table_lookup (m->texts, &document);
  const char *p;
  gint64 i = 0;

  if (doc != NULL)
    return doc;

  stmt = conn_prepare (&m->conn, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, document);
  if (!conn_step_row (&m->conn, stmt, &local_error))
    {
      if (local_error == NULL)
        g_set_error (&local_error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH,
                     _("A document of the target vanished while merging. Nothing was merged."));
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  doc = g_new0 (DocText, 1);
  doc->text = g_strndup (column_text (stmt, 0), sqlite3_column_bytes (stmt, 0));
  doc->marks = g_array_new (FALSE, FALSE, sizeof (gsize));
  for (p = doc->text; *p != '\0'; p = g_utf8_next_char (p), i++)
    if (i % TEXT_STRIDE == 0)
      {
        gsize offset = p - doc->text;

        g_array_append_val (doc->marks, offset);
      }
  /* As counted, not as the row says: no offset can point past the text. */
  doc->bytes = p - doc->text;
  doc->length = i;
  g_hash_table_insert (m->texts, g_memdup2 (&document, sizeof document), doc);

  return doc;
}

/* ---- annotations ---- */

/* One version of an annotation, in the target's ids.  Strings are borrowed
 * from the statement that read it. */
typedef struct
{
  gint64      id;           /* in its own file */
  const char *uuid;
  gint64      document;
  gint64      start;
  gint64      end;
  const char *quote;
  int         quote_bytes;
  const char *note;
  gint64      annotator;
  const char *created;
  const char *modified;
  gint64      revision;
  gboolean    deleted;
  const char *status;
  gint64      reviewer;     /* 0: none */
  const char *review_note;
  const char *reviewed;
  GArray     *codes;        /* (element-type gint64): sorted, unique */
  const char *file;
  const char *quote_in_text;  /* the quote's bytes in the target's text (no NUL after), or NULL */
} Version;

static gint
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Parses a group_concat of ids; with @map, translates each (FALSE when one
 * has no translation). */
static gboolean
parse_codes (const char *list,
             GHashTable *map,
             GArray     *codes)
{
  g_array_set_size (codes, 0);

  while (list != NULL && *list != '\0')
    {
      char *end = NULL;
      gint64 code = g_ascii_strtoll (list, &end, 10);

      if (end == list)
        return FALSE;
      if (map != NULL && !id_map_get (map, code, &code))
        return FALSE;
      g_array_append_val (codes, code);
      list = *end == ',' ? end + 1 : end;
    }

  g_array_sort (codes, compare_ids);
  for (guint i = 1; i < codes->len; )
    if (g_array_index (codes, gint64, i) == g_array_index (codes, gint64, i - 1))
      g_array_remove_index (codes, i);
    else
      i++;

  return TRUE;
}

/* Translates @codes through @map, sorted and without repeats (two codes
 * of a source may map to one of the target); FALSE when one has no
 * translation. */
static gboolean
map_codes (GArray     *codes,
           GHashTable *map)
{
  for (guint i = 0; i < codes->len; i++)
    if (!id_map_get (map, g_array_index (codes, gint64, i), &g_array_index (codes, gint64, i)))
      return FALSE;

  g_array_sort (codes, compare_ids);
  for (guint i = 1; i < codes->len; )
    if (g_array_index (codes, gint64, i) == g_array_index (codes, gint64, i - 1))
      g_array_remove_index (codes, i);
    else
      i++;

  return TRUE;
}

/* ---- reading annotations' codes in id order ---- */

static const char codes_from_sql[] =
  "SELECT annotation, code FROM annotation_code WHERE annotation >= ? ORDER BY annotation, code";

/* How many rows a cursor steps over before it seeks instead. */
#define CURSOR_SKIP 8

static gboolean
code_cursor_step (CodeCursor    *c,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  int rc = sqlite3_step (stmt);

  c->on_row = rc == SQLITE_ROW;
  if (c->on_row)
    {
      c->annotation = sqlite3_column_int64 (stmt, 0);
      c->code = sqlite3_column_int64 (stmt, 1);
    }
  else if (rc != SQLITE_DONE)
    return conn_fail (c->conn, rc, error);

  return TRUE;
}

/* The codes of annotation @id, ascending, into @codes. */
static gboolean
code_cursor_read (CodeCursor  *c,
                  gint64       id,
                  GArray      *codes,
                  GError     **error)
{
  sqlite3_stmt *stmt = conn_prepare (c->conn, codes_from_sql, error);

  g_array_set_size (codes, 0);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < CURSOR_SKIP && c->on_row && c->from <= id && c->annotation < id; i++)
    if (!code_cursor_step (c, stmt, error))
      return FALSE;

  if (!c->on_row || id < c->from || c->annotation < id)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, id);
      c->from = id;
      if (!code_cursor_step (c, stmt, error))
        return FALSE;
    }

  while (c->on_row && c->annotation == id)
    {
      g_array_append_val (codes, c->code);
      if (!code_cursor_step (c, stmt, error))
        return FALSE;
    }

  return TRUE;
}

static void
code_cursor_reset (CodeCursor *c)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (c->conn->cache, codes_from_sql);

  if (stmt != NULL)
    merge_stmt_release (stmt);
  c->on_row = FALSE;
}

static gboolean
same_codes (GArray *a,
            GArray *b)
{
  return a->len == b->len &&
         (a->len == 0 || memcmp (a->data, b->data, a->len * sizeof (gint64)) == 0);
}

static gboolean
same_content (const Version *a,
              const Version *b)
{
  return a->document == b->document && a->start == b->start && a->end == b->end &&
         g_strcmp0 (a->quote, b->quote) == 0 && g_strcmp0 (a->note, b->note) == 0 &&
         a->annotator == b->annotator && g_strcmp0 (a->created, b->created) == 0 &&
         a->deleted == b->deleted && g_strcmp0 (a->status, b->status) == 0 &&
         a->reviewer == b->reviewer && g_strcmp0 (a->review_note, b->review_note) == 0 &&
         g_strcmp0 (a->reviewed, b->reviewed) == 0 && same_codes (a->codes, b->codes);
}

static void
add_annotator_member (Merge       *m,
                      JsonBuilder *builder,
                      const char  *name_key,
                      const char  *uuid_key,
                      gint64       annotator)
{
  static const char sql[] = "SELECT name, uuid FROM annotator WHERE id = ?";
  g_autoptr(MergeStmt) stmt = annotator != 0 ? conn_prepare (&m->conn, sql, NULL) : NULL;
  gboolean found = FALSE;

  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, annotator);
      found = sqlite3_step (stmt) == SQLITE_ROW;
    }

  json_builder_set_member_name (builder, name_key);
  if (found)
    json_builder_add_string_value (builder, column_text (stmt, 0));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, uuid_key);
  if (found)
    json_builder_add_string_value (builder, column_text (stmt, 1));
  else
    json_builder_add_null_value (builder);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *key,
                   const char  *value)
{
  json_builder_set_member_name (builder, key);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* The version as JSON, in uuids and paths, so it reads without the file. */
static char *
version_to_json (Merge         *m,
                 const Version *v)
{
  static const char doc_sql[] = "SELECT uuid FROM document WHERE id = ?";
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(MergeStmt) doc = conn_prepare (&m->conn, doc_sql, NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "uuid", v->uuid);
  add_string_member (builder, "source", v->file);
  if (doc != NULL)
    {
      sqlite3_bind_int64 (doc, 1, v->document);
      add_string_member (builder, "document",
                         sqlite3_step (doc) == SQLITE_ROW ? column_text (doc, 0) : NULL);
    }
  json_builder_set_member_name (builder, "start");
  json_builder_add_int_value (builder, v->start);
  json_builder_set_member_name (builder, "end");
  json_builder_add_int_value (builder, v->end);
  add_string_member (builder, "quote", v->quote);
  add_string_member (builder, "note", v->note);
  json_builder_set_member_name (builder, "codes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < v->codes->len; i++)
    {
      const char *path = code_path (m, g_array_index (v->codes, gint64, i));

      if (path != NULL)
        json_builder_add_string_value (builder, path);
    }
  json_builder_end_array (builder);
  add_annotator_member (m, builder, "annotator", "annotator_uuid", v->annotator);
  add_string_member (builder, "created", v->created);
  add_string_member (builder, "modified", v->modified);
  json_builder_set_member_name (builder, "revision");
  json_builder_add_int_value (builder, v->revision);
  json_builder_set_member_name (builder, "deleted");
  json_builder_add_boolean_value (builder, v->deleted);
  add_string_member (builder, "status", v->status);
  add_annotator_member (m, builder, "reviewer", "reviewer_uuid", v->reviewer);
  add_string_member (builder, "review_note", v->review_note);
  add_string_member (builder, "reviewed", v->reviewed);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* > 0 when @a is the later modification: (modified, revision), then the
 * content, so two different versions never tie. */
static int
compare_versions (Merge         *m,
                  const Version *a,
                  const Version *b)
{
  int c = g_strcmp0 (a->modified, b->modified);

  if (c != 0)
    return c;
  if (a->revision != b->revision)
    return a->revision > b->revision ? 1 : -1;

  /* A tie: the content decides, the same whichever file is the target
   * (without the "source" member, which names the file). */
  {
    const Version *versions[] = { a, b };
    char *texts[2];

    for (guint i = 0; i < 2; i++)
      {
        Version copy = *versions[i];

        copy.file = NULL;
        texts[i] = version_to_json (m, &copy);
      }
    c = g_strcmp0 (texts[0], texts[1]);
    g_free (texts[0]);
    g_free (texts[1]);
  }

  return c;
}

static char *
describe_version (const Version *v)
{
  g_autofree char *base = g_path_get_basename (v->file);

  return g_strdup_printf (v->deleted ? _("deleted %s, revision %lld, in %s")
                                     : _("modified %s, revision %lld, in %s"),
                          v->modified, (long long) v->revision, base);
}

static void
remember_version (Merge         *m,
                  const Version *v)
{
  /* Only a later source of this merge can meet it again. */
  if (m->current + 1 >= m->sources->len)
    return;
  g_hash_table_add (m->written, version_key_uuid (v->uuid, v->modified, v->revision));
}

/* Has the target, or a source merged before the current one, held @v? */
static gboolean
target_knows (Merge          *m,
              const Version  *v,
              gint64          target_id,
              gboolean       *knows,
              GError        **error)
{
  g_autofree char *key = version_key_uuid (v->uuid, v->modified, v->revision);

  *knows = g_hash_table_contains (m->written, key);
  if (*knows)
    return TRUE;

  if (!history_has (m->history, v->uuid, target_id, v->modified, v->revision, knows, error))
    return FALSE;

  for (guint i = 0; !*knows && i < m->current; i++)
    {
      Source *earlier = m->sources->pdata[i];

      if (!history_has (earlier->history, v->uuid, 0, v->modified, v->revision, knows, error))
        return FALSE;
    }

  return TRUE;
}

/* ---- writing ---- */

/* OR FAIL: a failing row fails the merge, which is then rolled back whole,
 * so no statement needs to undo its own earlier rows (which would make
 * SQLite keep a journal for each statement). */
#define ANNOTATION_INSERT \
  "INSERT OR FAIL INTO annotation (id, uuid, document, start, \"end\", quote, note, annotator, " \
  "created, modified, revision, deleted, review_status, reviewer, review_note, reviewed) VALUES "
#define ANNOTATION_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define ANNOTATION_PARAMS 16
#define CODE_INSERT "INSERT OR FAIL INTO annotation_code (annotation, code) VALUES "
#define CODE_ROW "(?, ?)"

static const char insert_one_sql[] = ANNOTATION_INSERT ANNOTATION_ROW;
static const char insert_code_sql[] = CODE_INSERT CODE_ROW;

/* A statement of @n rows: the same text each time, none from the data. */
static char *
batch_sql (const char *head,
           const char *row,
           guint       n)
{
  GString *sql = g_string_new (head);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (sql, ", ");
      g_string_append (sql, row);
    }

  return g_string_free (sql, FALSE);
}

static guint
batch_code_size (guint i)
{
  return 1u << (2 * (BATCH_CODE_SIZES - 1 - i));
}

static void
batch_init (Batch *batch)
{
  batch->text = g_byte_array_new ();
  batch->codes = g_array_new (FALSE, FALSE, sizeof (gint64));
  batch->rows_sql = batch_sql (ANNOTATION_INSERT, ANNOTATION_ROW, BATCH_ROWS);
  for (guint i = 0; i < BATCH_CODE_SIZES; i++)
    batch->codes_sql[i] = batch_sql (CODE_INSERT, CODE_ROW, batch_code_size (i));
}

static void
batch_clear (Batch *batch)
{
  g_clear_pointer (&batch->text, g_byte_array_unref);
  g_clear_pointer (&batch->codes, g_array_unref);
  g_clear_pointer (&batch->rows_sql, g_free);
  for (guint i = 0; i < BATCH_CODE_SIZES; i++)
    g_clear_pointer (&batch->codes_sql[i], g_free);
}

/* Copies @text (NULL: none) into the batch; returns where it is, or -1. */
static gssize
batch_text (Batch      *batch,
            const char *text,
            gssize      bytes)
{
  gssize offset = batch->text->len;

  if (text == NULL)
    return -1;
  if (bytes < 0)
    bytes = strlen (text);
  g_byte_array_append (batch->text, (const guint8 *) text, bytes);
  g_byte_array_append (batch->text, (const guint8 *) "", 1);

  return offset;
}

static const char *
batch_string (const Batch *batch,
              gssize       offset)
{
  return offset < 0 ? NULL : (const char *) batch->text->data + offset;
}

static void
bind_pending (sqlite3_stmt      *stmt,
              int                base,
              const Batch       *batch,
              const PendingRow  *row)
{
  sqlite3_bind_int64 (stmt, base + 1, row->id);
  sqlite3_bind_text (stmt, base + 2, batch_string (batch, row->uuid), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, base + 3, row->document);
  sqlite3_bind_int64 (stmt, base + 4, row->start);
  sqlite3_bind_int64 (stmt, base + 5, row->end);
  sqlite3_bind_text (stmt, base + 6, batch_string (batch, row->quote), row->quote_bytes,
                     SQLITE_STATIC);
  bind_text_or_null (stmt, base + 7, batch_string (batch, row->note));
  sqlite3_bind_int64 (stmt, base + 8, row->annotator);
  sqlite3_bind_text (stmt, base + 9, batch_string (batch, row->created), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, base + 10, batch_string (batch, row->modified), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, base + 11, row->revision);
  sqlite3_bind_int (stmt, base + 12, row->deleted ? 1 : 0);
  sqlite3_bind_text (stmt, base + 13, batch_string (batch, row->status), -1, SQLITE_STATIC);
  bind_id_or_null (stmt, base + 14, row->reviewer);
  bind_text_or_null (stmt, base + 15, batch_string (batch, row->review_note));
  bind_text_or_null (stmt, base + 16, batch_string (batch, row->reviewed));
}

/* Writes the queued annotations, then their codes. */
static gboolean
batch_flush (Merge    *m,
             GError  **error)
{
  Batch *batch = &m->batch;
  const gint64 *codes = (const gint64 *) (gpointer) batch->codes->data;
  guint n_codes = batch->codes->len / 2;
  guint done = 0;

  if (batch->n_rows == BATCH_ROWS)
    {
      g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, batch->rows_sql, error);

      if (stmt == NULL)
        return FALSE;
      for (guint i = 0; i < BATCH_ROWS; i++)
        bind_pending (stmt, i * ANNOTATION_PARAMS, batch, &batch->rows[i]);
      if (!conn_step_done (&m->conn, stmt, error))
        return FALSE;
      done = BATCH_ROWS;
    }
  for (; done < batch->n_rows; done++)
    {
      g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, insert_one_sql, error);

      if (stmt == NULL)
        return FALSE;
      bind_pending (stmt, 0, batch, &batch->rows[done]);
      if (!conn_step_done (&m->conn, stmt, error))
        return FALSE;
    }

  for (done = 0; done < n_codes; )
    {
      guint size = 0;
      guint n;
      g_autoptr(MergeStmt) stmt = NULL;

      while (batch_code_size (size) > n_codes - done)
        size++;
      n = batch_code_size (size);
      stmt = conn_prepare (&m->conn, batch->codes_sql[size], error);
      if (stmt == NULL)
        return FALSE;
      for (guint i = 0; i < n; i++)
        {
          sqlite3_bind_int64 (stmt, 2 * i + 1, codes[2 * (done + i)]);
          sqlite3_bind_int64 (stmt, 2 * i + 2, codes[2 * (done + i) + 1]);
        }
      if (!conn_step_done (&m->conn, stmt, error))
        return FALSE;
      done += n;
    }

  batch->n_rows = 0;
  g_byte_array_set_size (batch->text, 0);
  g_array_set_size (batch->codes, 0);
  return TRUE;
}

/* Remembers that a new row refers to @id of table @kind. */
static void
note_reference (Merge  *m,
                guint   kind,
                gint64  id)
{
  if (m->referenced[kind] != NULL && m->last_referenced[kind] == id)
    return;
  m->last_referenced[kind] = id;
  if (m->referenced[kind] == NULL)
    m->referenced[kind] = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  if (!g_hash_table_contains (m->referenced[kind], &id))
    g_hash_table_add (m->referenced[kind], g_memdup2 (&id, sizeof id));
}

/* With foreign keys not enforced (a large merge): proves that every
 * document, annotator and code the inserted annotations and their codes
 * refer to exists.  Each such id was noted as it was bound
 * (note_reference()); there are few of them, however many rows refer to
 * them, so this is a look-up each rather than a pass over the new rows.
 * An inserted code row's annotation is the row inserted just before it in
 * the same batch (batch_flush()), which failed the merge if it failed. */
static gboolean
check_new_references (Merge    *m,
                      GError  **error)
{
  static const char *const exists_sql[] = {
    [REFERENCE_DOCUMENT] = "SELECT count (*) FROM document WHERE id = ?",
    [REFERENCE_ANNOTATOR] = "SELECT count (*) FROM annotator WHERE id = ?",
    [REFERENCE_CODE] = "SELECT count (*) FROM code WHERE id = ?",
  };

  for (guint kind = 0; kind < G_N_ELEMENTS (exists_sql); kind++)
    {
      GHashTableIter iter;
      gpointer key;

      if (m->referenced[kind] == NULL)
        continue;
      g_hash_table_iter_init (&iter, m->referenced[kind]);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, exists_sql[kind], error);

          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, *(const gint64 *) key);
          if (!conn_step_done (&m->conn, stmt, error))
            return FALSE;
          if (sqlite3_column_int64 (stmt, 0) != 1)
            {
              g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVARIANT,
                           _("Merging into “%s” would leave annotations referring to rows "
                             "that do not exist. Nothing was merged; please report this."),
                           m->conn.path);
              return FALSE;
            }
        }
    }

  return TRUE;
}

/* ---- holding new annotations back, to insert them in uuid order ----
 *
 * A large merge into a target without annotations holds every new
 * annotation back, then inserts them sorted by uuid, giving them ids in that
 * order.  Each insert then goes at the end of both the table and its uuid
 * index, instead of at a random place in the index: the rows go in in about
 * half the time, and the index's pages are written full.  The held copies
 * live in large blocks that ask the kernel for huge pages where it gives
 * them on request (filling fresh memory a page at a time costs more than
 * copying into it). */

#define HELD_BLOCK_BYTES ((gsize) 32 << 20)
#define HELD_BLOCK_ALIGN ((gsize) 2 << 20)

static void
held_clear (Held *held)
{
  g_clear_pointer (&held->rows, g_ptr_array_unref);
  g_clear_pointer (&held->blocks, g_ptr_array_unref);
  held->free_at = NULL;
  held->free_bytes = 0;
  held->on = FALSE;
}

static void
held_start (Held  *held,
            guint  n_rows)
{
  held_clear (held);
  held->rows = g_ptr_array_sized_new (n_rows);
  held->blocks = g_ptr_array_new_with_free_func (free);
  held->on = TRUE;
}

static gpointer
held_alloc (Held  *held,
            gsize  bytes)
{
  gpointer p;

  bytes = (bytes + 7) & ~(gsize) 7;
  if (bytes > held->free_bytes)
    {
      gsize size = MAX (HELD_BLOCK_BYTES, (bytes + HELD_BLOCK_ALIGN - 1) & ~(HELD_BLOCK_ALIGN - 1));
      void *block = NULL;

      if (posix_memalign (&block, HELD_BLOCK_ALIGN, size) != 0)
        g_error ("Out of memory: %" G_GSIZE_FORMAT " bytes", size);
#ifdef MADV_HUGEPAGE
      /* Only a hint: without huge pages the block works the same. */
      madvise (block, size, MADV_HUGEPAGE);
#endif
      g_ptr_array_add (held->blocks, block);
      held->free_at = block;
      held->free_bytes = size;
    }
  p = held->free_at;
  held->free_at += bytes;
  held->free_bytes -= bytes;

  return p;
}

static const char *
held_text (Held       *held,
           const char *text,
           gssize      bytes)
{
  char *copy;

  if (text == NULL)
    return NULL;
  if (bytes < 0)
    bytes = strlen (text);
  copy = held_alloc (held, bytes + 1);
  memcpy (copy, text, bytes);
  copy[bytes] = '\0';

  return copy;
}

static HeldRow *
hold_annotation (Held          *held,
                 const Version *v)
{
  HeldRow *row = held_alloc (held, sizeof (HeldRow));
  gint64 *codes = v->codes->len > 0 ? held_alloc (held, v->codes->len * sizeof (gint64)) : NULL;

  if (codes != NULL)
    memcpy (codes, v->codes->data, v->codes->len * sizeof (gint64));
  row->id = v->id;
  row->uuid = held_text (held, v->uuid, -1);
  /* The target's texts stay for the whole merge. */
  row->quote = v->quote_in_text != NULL ? v->quote_in_text
                                        : held_text (held, v->quote, v->quote_bytes);
  row->note = held_text (held, v->note, -1);
  row->created = held_text (held, v->created, -1);
  row->modified = held_text (held, v->modified, -1);
  row->status = held_text (held, v->status, -1);
  row->review_note = held_text (held, v->review_note, -1);
  row->reviewed = held_text (held, v->reviewed, -1);
  row->codes = codes;
  row->n_codes = v->codes->len;
  row->document = v->document;
  row->start = v->start;
  row->end = v->end;
  row->annotator = v->annotator;
  row->revision = v->revision;
  row->reviewer = v->reviewer;
  row->quote_bytes = v->quote_bytes;
  row->deleted = v->deleted;
  g_ptr_array_add (held->rows, row);

  return row;
}

/* @v borrows @row's strings; @codes gets its codes. */
static void
held_to_version (const HeldRow *row,
                 Version       *v,
                 GArray        *codes)
{
  g_array_set_size (codes, row->n_codes);
  if (row->n_codes > 0)
    memcpy (codes->data, row->codes, row->n_codes * sizeof (gint64));
  memset (v, 0, sizeof *v);
  v->id = row->id;
  v->uuid = row->uuid;
  v->document = row->document;
  v->start = row->start;
  v->end = row->end;
  v->quote = row->quote;
  v->quote_bytes = row->quote_bytes;
  v->note = row->note;
  v->annotator = row->annotator;
  v->created = row->created;
  v->modified = row->modified;
  v->revision = row->revision;
  v->deleted = row->deleted;
  v->status = row->status;
  v->reviewer = row->reviewer;
  v->review_note = row->review_note;
  v->reviewed = row->reviewed;
  v->codes = codes;
}

/* A held row and the first bytes of its uuid, big-endian: most rows are
 * ordered by the number alone, without reaching for the row. */
typedef struct
{
  guint64        prefix;
  const HeldRow *row;
} HeldKey;

/* In the order of the uuid index: its text's bytes (uuid has the BINARY
 * collation). */
static int
compare_held (const void *a,
              const void *b)
{
  const HeldKey *x = a;
  const HeldKey *y = b;

  if (x->prefix != y->prefix)
    return x->prefix < y->prefix ? -1 : 1;
  return strcmp (x->row->uuid, y->row->uuid);
}

static guint64
uuid_prefix (const char *uuid)
{
  guint64 prefix = 0;
  gboolean ended = FALSE;

  /* Bytes after the end count as zero: "ab" sorts before "ab\x01…", as in
   * strcmp(). */
  for (guint i = 0; i < 8; i++)
    {
      guint8 c = ended ? 0 : (guint8) uuid[i];

      ended = ended || c == 0;
      prefix = (prefix << 8) | c;
    }

  return prefix;
}

static gboolean queue_annotation (Merge          *m,
                                  const Version  *v,
                                  GError        **error);

/* Inserts the held annotations, sorted by uuid. */
static gboolean
insert_held (Merge    *m,
             GError  **error)
{
  Held *held = &m->held;
  g_autoptr(GArray) codes = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree HeldKey *keys = NULL;

  if (!held->on)
    return TRUE;
  held->on = FALSE;

  keys = g_new (HeldKey, MAX (held->rows->len, 1));
  for (guint i = 0; i < held->rows->len; i++)
    {
      keys[i].row = held->rows->pdata[i];
      keys[i].prefix = uuid_prefix (keys[i].row->uuid);
    }
  qsort (keys, held->rows->len, sizeof (HeldKey), compare_held);
  /* The target had no annotations (held_start()): these are all it will
   * hold, unless more are written later in this merge. */
  g_clear_pointer (&m->held_spans, g_array_unref);
  m->held_spans = g_array_sized_new (FALSE, FALSE, sizeof (SpanEntry), held->rows->len);
  for (guint i = 0; i < held->rows->len; i++)
    {
      const HeldRow *row = keys[i].row;
      Version v = { 0, };

      if (i % CANCEL_EVERY == CANCEL_EVERY - 1 && !check_cancelled (m, error))
        return FALSE;

      held_to_version (row, &v, codes);
      if (!queue_annotation (m, &v, error))
        return FALSE;
      if (!row->deleted)
        {
          SpanEntry entry = { m->batch.next_id - 1, (gint32) row->document, (gint32) row->start,
                              (gint32) row->end, m->held_spans->len };

          g_array_append_val (m->held_spans, entry);
        }
    }

  held_clear (held);
  return batch_flush (m, error);
}

/* Adds @v as a new annotation of the target.  It is queued: written with
 * others in one statement, at the latest when the source is done; or held
 * back, to go in in uuid order (insert_held()). */
static gboolean
insert_annotation (Merge          *m,
                   const Version  *v,
                   GError        **error)
{
  if (m->held.on)
    {
      hold_annotation (&m->held, v);
      return TRUE;
    }

  g_clear_pointer (&m->held_spans, g_array_unref);
  return queue_annotation (m, v, error);
}

static gboolean
queue_annotation (Merge          *m,
                  const Version  *v,
                  GError        **error)
{
  Batch *batch = &m->batch;
  PendingRow *row = &batch->rows[batch->n_rows];

  /* The ids SQLite itself would give, one past the highest. */
  if (batch->next_id == G_MAXINT64)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVARIANT,
                   _("“%s” has no room for more annotations. Nothing was merged."),
                   m->conn.path);
      return FALSE;
    }
  row->id = batch->next_id++;
  row->uuid = batch_text (batch, v->uuid, -1);
  row->document = v->document;
  row->start = v->start;
  row->end = v->end;
  row->quote = batch_text (batch, v->quote, v->quote_bytes);
  row->quote_bytes = v->quote_bytes;
  row->note = batch_text (batch, v->note, -1);
  row->annotator = v->annotator;
  row->created = batch_text (batch, v->created, -1);
  row->modified = batch_text (batch, v->modified, -1);
  row->revision = v->revision;
  row->deleted = v->deleted;
  row->status = batch_text (batch, v->status, -1);
  row->reviewer = v->reviewer;
  row->review_note = batch_text (batch, v->review_note, -1);
  row->reviewed = batch_text (batch, v->reviewed, -1);
  for (guint i = 0; i < v->codes->len; i++)
    {
      gint64 pair[2] = { row->id, g_array_index (v->codes, gint64, i) };

      g_array_append_vals (batch->codes, pair, 2);
      note_reference (m, REFERENCE_CODE, pair[1]);
    }
  note_reference (m, REFERENCE_DOCUMENT, row->document);
  note_reference (m, REFERENCE_ANNOTATOR, row->annotator);
  if (row->reviewer != 0)
    note_reference (m, REFERENCE_ANNOTATOR, row->reviewer);

  if (++batch->n_rows == BATCH_ROWS)
    return batch_flush (m, error);

  return TRUE;
}

/* With foreign keys not enforced (a large merge): proves that the
 * annotations @first…@last and their codes refer to rows that exist. */
static gboolean
check_references (Merge    *m,
                  gint64    first,
                  gint64    last,
                  GError  **error)
{
  static const char annotations_sql[] =
    "SELECT count (*) FROM annotation a WHERE a.id BETWEEN ?1 AND ?2 AND ("
    "NOT EXISTS (SELECT 1 FROM document WHERE id = a.document) OR "
    "NOT EXISTS (SELECT 1 FROM annotator WHERE id = a.annotator) OR "
    "(a.reviewer IS NOT NULL AND NOT EXISTS (SELECT 1 FROM annotator WHERE id = a.reviewer)))";
  static const char codes_sql[] =
    "SELECT count (*) FROM annotation_code c WHERE c.annotation BETWEEN ?1 AND ?2 AND ("
    "NOT EXISTS (SELECT 1 FROM code WHERE id = c.code) OR "
    "NOT EXISTS (SELECT 1 FROM annotation WHERE id = c.annotation))";
  const char *queries[] = { annotations_sql, codes_sql };

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, queries[i], error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, first);
      sqlite3_bind_int64 (stmt, 2, last);
      if (!conn_step_done (&m->conn, stmt, error))
        return FALSE;
      if (sqlite3_column_int64 (stmt, 0) != 0)
        {
          g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVARIANT,
                       _("Merging into “%s” would leave annotations referring to rows that do "
                         "not exist. Nothing was merged; please report this."), m->conn.path);
          return FALSE;
        }
    }

  return TRUE;
}

/* Replaces the target's annotation @target_id by @v. */
static gboolean
update_annotation (Merge          *m,
                   const Version  *v,
                   gint64          target_id,
                   GError        **error)
{
  static const char update_sql[] =
    "UPDATE annotation SET document = ?2, start = ?3, \"end\" = ?4, quote = ?5, note = ?6, "
    "annotator = ?7, created = ?8, modified = ?9, revision = ?10, deleted = ?11, "
    "review_status = ?12, reviewer = ?13, review_note = ?14, reviewed = ?15 WHERE id = ?16";
  static const char clear_codes_sql[] = "DELETE FROM annotation_code WHERE annotation = ?";
  g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, update_sql, error);

  g_clear_pointer (&m->held_spans, g_array_unref);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 2, v->document);
  sqlite3_bind_int64 (stmt, 3, v->start);
  sqlite3_bind_int64 (stmt, 4, v->end);
  sqlite3_bind_text (stmt, 5, v->quote, v->quote_bytes, SQLITE_STATIC);
  bind_text_or_null (stmt, 6, v->note);
  sqlite3_bind_int64 (stmt, 7, v->annotator);
  sqlite3_bind_text (stmt, 8, v->created, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, v->modified, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 10, v->revision);
  sqlite3_bind_int (stmt, 11, v->deleted ? 1 : 0);
  sqlite3_bind_text (stmt, 12, v->status, -1, SQLITE_STATIC);
  bind_id_or_null (stmt, 13, v->reviewer);
  bind_text_or_null (stmt, 14, v->review_note);
  bind_text_or_null (stmt, 15, v->reviewed);
  sqlite3_bind_int64 (stmt, 16, target_id);
  if (!conn_step_done (&m->conn, stmt, error))
    return FALSE;

  {
    g_autoptr(MergeStmt) clear = conn_prepare (&m->conn, clear_codes_sql, error);

    if (clear == NULL)
      return FALSE;
    sqlite3_bind_int64 (clear, 1, target_id);
    if (!conn_step_done (&m->conn, clear, error))
      return FALSE;
  }

  for (guint i = 0; i < v->codes->len; i++)
    {
      g_autoptr(MergeStmt) add = conn_prepare (&m->conn, insert_code_sql, error);

      if (add == NULL)
        return FALSE;
      sqlite3_bind_int64 (add, 1, target_id);
      sqlite3_bind_int64 (add, 2, g_array_index (v->codes, gint64, i));
      if (!conn_step_done (&m->conn, add, error))
        return FALSE;
    }

  if (m->large && !check_references (m, target_id, target_id, error))
    return FALSE;

  /* Rows new to the target get their spans in one statement at the end
   * (add_new_spans()); a row that was there before is kept in step now. */
  if (target_id <= m->last_id)
    return _gloss_project_sync_span (m->target, target_id, error);

  return TRUE;
}

static gboolean
log_conflict (Merge          *m,
              const Version  *kept,
              const Version  *other,
              GError        **error)
{
  static const char sql[] =
    "INSERT INTO change (at, annotator, action, changeset) VALUES (?, ?, ?, ?)";
  g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, sql, error);
  g_autofree char *now = gloss_timestamp_now ();
  g_autofree char *json = NULL;
  g_autofree char *action = NULL;
  GlossMergeConflict *conflict = g_new0 (GlossMergeConflict, 1);

  conflict->uuid = g_strdup (kept->uuid);
  conflict->kept = describe_version (kept);
  conflict->other = describe_version (other);
  conflict->kept_source = g_strdup (kept->file);
  conflict->other_source = g_strdup (other->file);
  g_ptr_array_add (m->report->conflicts, conflict);
  remember_version (m, other);

  if (stmt == NULL)
    return FALSE;

  json = version_to_json (m, other);
  action = g_strdup_printf (_("Merge conflict on annotation %s: kept the version %s over the "
                              "version %s"), kept->uuid, conflict->kept, conflict->other);
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 2, gloss_project_get_default_annotator (m->target));
  sqlite3_bind_text (stmt, 3, action, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, json, -1, SQLITE_TRANSIENT);

  return conn_step_done (&m->conn, stmt, error);
}

/* Annotations, in the column order read_version() expects. */
#define ANNOTATION_COLUMNS \
  "SELECT a.id, a.uuid, a.document, a.start, a.\"end\", a.quote, a.note, a.annotator, " \
  "a.created, a.modified, a.revision, a.deleted, a.review_status, a.reviewer, a.review_note, " \
  "a.reviewed"

static const char target_by_uuid_sql[] =
  ANNOTATION_COLUMNS ", (SELECT group_concat (code) FROM annotation_code WHERE annotation = a.id) "
  "FROM annotation a WHERE a.uuid = ?";
static const char target_from_id_sql[] =
  ANNOTATION_COLUMNS " FROM annotation a WHERE a.id >= ? ORDER BY a.id";

/* Reads the columns of ANNOTATION_COLUMNS, and the codes when the query
 * has them (a group_concat, as the 17th column). */
static void
read_version (Merge        *m,
              sqlite3_stmt *stmt,
              Version      *v)
{
  v->id = sqlite3_column_int64 (stmt, 0);
  v->uuid = column_text (stmt, 1);
  v->document = sqlite3_column_int64 (stmt, 2);
  v->start = sqlite3_column_int64 (stmt, 3);
  v->end = sqlite3_column_int64 (stmt, 4);
  v->quote = column_text (stmt, 5);
  v->quote_bytes = sqlite3_column_bytes (stmt, 5);
  v->note = column_text (stmt, 6);
  v->annotator = sqlite3_column_int64 (stmt, 7);
  v->created = column_text (stmt, 8);
  v->modified = column_text (stmt, 9);
  v->revision = sqlite3_column_int64 (stmt, 10);
  v->deleted = sqlite3_column_int (stmt, 11) != 0;
  v->status = column_text (stmt, 12);
  v->reviewer = sqlite3_column_int64 (stmt, 13);
  v->review_note = column_text (stmt, 14);
  v->reviewed = column_text (stmt, 15);
  if (sqlite3_column_count (stmt) > 16)
    parse_codes (column_text (stmt, 16), NULL, v->codes);
  v->file = gloss_project_get_path (m->target);
}

/* Steps the target cursor; FALSE on error only. */
static gboolean
target_cursor_step (Merge         *m,
                    sqlite3_stmt  *stmt,
                    GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    m->cursor_id = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    m->cursor_id = 0;
  else
    {
      m->cursor_id = 0;
      return conn_fail (&m->conn, rc, error);
    }

  return TRUE;
}

/* Reads the target's annotation @id into @v (its strings valid until the
 * next read).  The target is read through one cursor in id order, so
 * sources whose annotations come in the target's order (a file merged
 * before, a copy of the target) read it front to back, without a look-up
 * per row.  *@found is FALSE when there is no such row. */
static gboolean
target_fetch (Merge     *m,
              gint64     id,
              Version   *v,
              gboolean  *found,
              GError   **error)
{
  sqlite3_stmt *stmt = NULL;

  *found = FALSE;
  if (m->target_rows != NULL)
    {
      const HeldRow *row = id >= m->target_rows->first && id - m->target_rows->first < m->target_rows->n
                           ? m->target_rows->rows[id - m->target_rows->first] : NULL;

      if (row != NULL)
        {
          held_to_version (row, v, v->codes);
          v->file = gloss_project_get_path (m->target);
          *found = TRUE;
        }
      return TRUE;
    }

  stmt = conn_prepare (&m->conn, target_from_id_sql, error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < CURSOR_SKIP && m->cursor_id != 0 && m->cursor_id < id; i++)
    if (!target_cursor_step (m, stmt, error))
      return FALSE;

  if (m->cursor_id != id)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, id);
      if (!target_cursor_step (m, stmt, error))
        return FALSE;
    }

  if (m->cursor_id != id)
    return TRUE;

  read_version (m, stmt, v);
  *found = TRUE;
  return code_cursor_read (&m->target_codes, id, v->codes, error);
}

/* Done with the target cursor: before the schema changes, and at the end. */
static void
target_cursor_reset (Merge *m)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (m->conn.cache, target_from_id_sql);

  if (stmt != NULL)
    merge_stmt_release (stmt);
  m->cursor_id = 0;
  code_cursor_reset (&m->target_codes);
}

/* @target_id: the target's annotation of the same uuid, as matched before
 * (0: none), or -1 to look it up here. */
static gboolean
merge_one_annotation (Merge    *m,
                      Source   *src,
                      Version  *s,
                      gint64    target_id,
                      GArray   *target_codes,
                      GError  **error)
{
  g_autoptr(MergeStmt) stmt = NULL;
  Version t = { 0, };
  gboolean found = FALSE;
  gboolean knows = FALSE;

  t.codes = target_codes;
  if (target_id > 0)
    {
      if (!target_fetch (m, target_id, &t, &found, error))
        return FALSE;
      /* The pairing no longer holds (it always should): look again. */
      if (!found || g_strcmp0 (t.uuid, s->uuid) != 0)
        {
          found = FALSE;
          target_id = -1;
        }
    }
  if (target_id < 0)
    {
      g_autoptr(GError) local_error = NULL;

      stmt = conn_prepare (&m->conn, target_by_uuid_sql, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, s->uuid, -1, SQLITE_STATIC);
      found = conn_step_row (&m->conn, stmt, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (found)
        read_version (m, stmt, &t);
    }

  if (!found)
    {
      if (!insert_annotation (m, s, error))
        return FALSE;
      if (s->deleted)
        m->report->tombstones_added++;
      else
        m->report->added++;
      remember_version (m, s);
      return TRUE;
    }

  if (same_content (s, &t))
    {
      gboolean same_version = g_strcmp0 (s->modified, t.modified) == 0 &&
                              s->revision == t.revision;

      if (!same_version && compare_versions (m, s, &t) > 0)
        {
          if (!update_annotation (m, s, t.id, error))
            return FALSE;
          m->report->updated++;
        }
      else
        m->report->unchanged++;
      remember_version (m, s);
      return TRUE;
    }

  /* The target has moved on from the source's version. */
  if (!target_knows (m, s, t.id, &knows, error))
    return FALSE;
  if (knows)
    {
      m->report->unchanged++;
      return TRUE;
    }

  /* The source has moved on from the target's version. */
  if (!history_has (src->history, t.uuid, s->id, t.modified, t.revision, &knows, error))
    return FALSE;
  if (knows || compare_versions (m, s, &t) > 0)
    {
      if (!knows)
        {
          if (!log_conflict (m, s, &t, error))
            return FALSE;
        }
      else
        {
          m->report->updated++;
          if (s->deleted && !t.deleted)
            m->report->deleted++;
        }
      remember_version (m, &t);
      remember_version (m, s);
      return update_annotation (m, s, t.id, error);
    }

  /* Both changed since they parted, and the target's is the later. */
  remember_version (m, s);
  return log_conflict (m, &t, s, error);
}

/* ------------------------------------------------------------------------
 * Large merges: indexes rebuilt once, spans added in one statement
 * ------------------------------------------------------------------------ */

/* The secondary indexes a large merge drops while it inserts and builds
 * again before it commits, inside its transaction, so the file is never
 * without them.  Each must read exactly as in the schema
 * (app/gloss-project.c), or none is dropped. */
static const struct
{
  const char *name;
  const char *create;
  const char *drop;
} bulk_indexes[] = {
  { "annotation_document", "CREATE INDEX annotation_document ON annotation (document, start)",
    "DROP INDEX annotation_document" },
  { "annotation_live", "CREATE INDEX annotation_live ON annotation (document, deleted)",
    "DROP INDEX annotation_live" },
  { "annotation_annotator", "CREATE INDEX annotation_annotator ON annotation (annotator)",
    "DROP INDEX annotation_annotator" },
  { "annotation_code_code", "CREATE INDEX annotation_code_code ON annotation_code (code)",
    "DROP INDEX annotation_code_code" },
};

/* A merge bringing at least as many annotations as the target holds
 * inserts faster into a table without its secondary indexes, and sorting
 * once to build each again costs less than keeping it in step row by
 * row. */
#define BULK_MERGE_MIN UNDOABLE_MERGE_MAX

static gboolean
drop_indexes (Merge    *m,
              GError  **error)
{
  static const char sql[] = "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?";

  for (guint i = 0; i < G_N_ELEMENTS (bulk_indexes); i++)
    {
      g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, sql, error);
      g_autoptr(GError) local_error = NULL;
      gboolean same;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, bulk_indexes[i].name, -1, SQLITE_STATIC);
      same = conn_step_row (&m->conn, stmt, &local_error) &&
             g_strcmp0 (column_text (stmt, 0), bulk_indexes[i].create) == 0;
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (!same)
        {
          g_warning ("The index %s differs from what a large merge rebuilds; merging "
                     "without dropping it", bulk_indexes[i].name);
          return TRUE;
        }
    }

  /* Statements held open would keep the tables locked. */
  g_hash_table_remove_all (m->conn.cache);
  for (guint i = 0; i < G_N_ELEMENTS (bulk_indexes); i++)
    if (!conn_exec (&m->conn, bulk_indexes[i].drop, error))
      return FALSE;

  m->bulk = TRUE;
  return TRUE;
}

static gboolean
restore_indexes (Merge    *m,
                 GError  **error)
{
  if (!m->bulk)
    return TRUE;

  g_hash_table_remove_all (m->conn.cache);
  for (guint i = 0; i < G_N_ELEMENTS (bulk_indexes); i++)
    if (!conn_exec (&m->conn, bulk_indexes[i].create, error))
      return FALSE;

  m->bulk = FALSE;
  return TRUE;
}

/* The span index, built whole.
 *
 * Inserting into SQLite's R*Tree costs about 7 µs a row however the rows
 * come (each insert rewrites the nodes on its path), the largest part of a
 * large merge.  After a merge that added more annotations than the target
 * held, the tree is built again from every live annotation instead, the
 * way bulk loading is done: spans sorted by (document, start) and packed
 * into nodes level by level, written straight into the tree's own tables
 * in SQLite's R*Tree format (a node is a 2-byte depth, used in the root
 * only, a 2-byte cell count, then cells of a 64-bit id and 32-bit
 * coordinates, all big-endian; see ext/rtree/rtree.c).  Nodes are filled to
 * about four fifths, leaving room for the annotations analysts add after.
 *
 * Those tables are read-only while SQLITE_DBCONFIG_DEFENSIVE is on; it is
 * turned off on the target's connection for the few statements that write
 * them and back on straight after.  The tree is derived data: the hardened
 * open compares it with the annotations, and `SELECT rtreecheck
 * ('annotation_span')` checks it (the tests do). */

typedef struct
{
  gint64 node;
  gint32 box[4];      /* document0, document1, start0, end0 */
} SpanNode;

#define SPAN_CELL_BYTES (8 + 4 * 4)

static const char span_schema[][2][120] = {
  { "annotation_span",
    "CREATE VIRTUAL TABLE annotation_span USING rtree_i32 (id, document0, document1, start0, end0)" },
  { "annotation_span_node",
    "CREATE TABLE \"annotation_span_node\"(nodeno INTEGER PRIMARY KEY,data)" },
  { "annotation_span_rowid",
    "CREATE TABLE \"annotation_span_rowid\"(rowid INTEGER PRIMARY KEY,nodeno)" },
  { "annotation_span_parent",
    "CREATE TABLE \"annotation_span_parent\"(nodeno INTEGER PRIMARY KEY,parentnode)" },
};

static int
compare_span_entries (const void *a,
                      const void *b)
{
  const SpanEntry *x = a, *y = b;

  if (x->document != y->document)
    return x->document < y->document ? -1 : 1;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

static void
put_be (guint8  *p,
        guint64  value,
        guint    bytes)
{
  for (guint i = 0; i < bytes; i++)
    p[i] = (guint8) (value >> (8 * (bytes - 1 - i)));
}

/* Group @i of @n items dealt evenly into @k groups: [*from, *to). */
static void
span_group (gsize  n,
            gsize  k,
            gsize  i,
            gsize *from,
            gsize *to)
{
  *from = i * n / k;
  *to = (i + 1) * n / k;
}

/* The tree is as SQLite made it: the schema Gloss creates, nodes of a size
 * this code can fill.  Otherwise the spans go in through the R*Tree. */
static gboolean
span_tree_buildable (Merge    *m,
                     gsize    *node_bytes,
                     GError  **error)
{
  static const char schema_sql[] = "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?";
  static const char root_sql[] = "SELECT length (data) FROM annotation_span_node WHERE nodeno = 1";

  for (guint i = 0; i < G_N_ELEMENTS (span_schema); i++)
    {
      g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, schema_sql, error);
      g_autoptr(GError) local_error = NULL;
      gboolean same;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, span_schema[i][0], -1, SQLITE_STATIC);
      same = conn_step_row (&m->conn, stmt, &local_error) &&
             g_strcmp0 (column_text (stmt, 0), span_schema[i][1]) == 0;
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (!same)
        return TRUE;
    }

  {
    g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, root_sql, error);
    g_autoptr(GError) local_error = NULL;

    if (stmt == NULL)
      return FALSE;
    if (conn_step_row (&m->conn, stmt, &local_error))
      *node_bytes = sqlite3_column_int64 (stmt, 0);
    if (local_error != NULL)
      {
        g_propagate_error (error, g_steal_pointer (&local_error));
        return FALSE;
      }
  }

  return TRUE;
}

typedef struct
{
  Merge        *m;
  gsize         node_bytes;
  guint8       *buffer;
  sqlite3_stmt *node;
  sqlite3_stmt *parent;
} SpanWriter;

static gboolean
span_write_node (SpanWriter  *w,
                 gint64       node,
                 guint        depth,
                 guint        n_cells,
                 GError     **error)
{
  memset (w->buffer + 4 + n_cells * SPAN_CELL_BYTES, 0,
          w->node_bytes - 4 - n_cells * SPAN_CELL_BYTES);
  put_be (w->buffer, node == 1 ? depth : 0, 2);
  put_be (w->buffer + 2, n_cells, 2);

  sqlite3_bind_int64 (w->node, 1, node);
  sqlite3_bind_blob (w->node, 2, w->buffer, w->node_bytes, SQLITE_STATIC);
  if (!conn_step_done (&w->m->conn, w->node, error))
    return FALSE;
  sqlite3_reset (w->node);

  return TRUE;
}

static void
span_put_cell (SpanWriter   *w,
               guint         i,
               gint64        id,
               const gint32  box[4])
{
  guint8 *cell = w->buffer + 4 + i * SPAN_CELL_BYTES;

  put_be (cell, (guint64) id, 8);
  for (guint c = 0; c < 4; c++)
    put_be (cell + 8 + 4 * c, (guint32) box[c], 4);
}

static void
span_widen (gint32       box[4],
            const gint32 other[4],
            gboolean     first)
{
  if (first)
    {
      memcpy (box, other, 4 * sizeof (gint32));
      return;
    }
  box[0] = MIN (box[0], other[0]);
  box[1] = MAX (box[1], other[1]);
  box[2] = MIN (box[2], other[2]);
  box[3] = MAX (box[3], other[3]);
}

/* Writes the leaves and the levels above; the nodes are numbered from 2,
 * the root (the one node at the top) is 1.  leaf_of[entry->order] gets
 * each entry's leaf. */
static gboolean
span_write_tree (SpanWriter       *w,
                 const SpanEntry  *entries,
                 gsize             n,
                 gint64           *leaf_of,
                 GError          **error)
{
  gsize max_cells = (w->node_bytes - 4) / SPAN_CELL_BYTES;
  gsize fill = MAX (max_cells * 4 / 5, 2);
  g_autoptr(GArray) level = g_array_new (FALSE, FALSE, sizeof (SpanNode));
  g_autoptr(GArray) above = g_array_new (FALSE, FALSE, sizeof (SpanNode));
  gint64 next = 2;
  guint depth = 0;
  gsize k = n <= max_cells ? 1 : (n + fill - 1) / fill;

  /* The leaves. */
  for (gsize g = 0; g < k; g++)
    {
      SpanNode node = { k == 1 ? 1 : next++, { 0, } };
      gsize from, to;

      span_group (n, k, g, &from, &to);
      for (gsize i = from; i < to; i++)
        {
          gint32 box[4] = { entries[i].document, entries[i].document, entries[i].start,
                            entries[i].end };

          span_put_cell (w, i - from, entries[i].id, box);
          span_widen (node.box, box, i == from);
          leaf_of[entries[i].order] = node.node;
        }
      if (!span_write_node (w, node.node, 0, to - from, error))
        return FALSE;
      g_array_append_val (level, node);
    }

  /* The levels above, until one node holds them all. */
  while (level->len > 1)
    {
      GArray *swap;

      depth++;
      k = level->len <= max_cells ? 1 : (level->len + fill - 1) / fill;
      g_array_set_size (above, 0);
      for (gsize g = 0; g < k; g++)
        {
          SpanNode node = { k == 1 ? 1 : next++, { 0, } };
          gsize from, to;

          span_group (level->len, k, g, &from, &to);
          for (gsize i = from; i < to; i++)
            {
              const SpanNode *child = &g_array_index (level, SpanNode, i);

              span_put_cell (w, i - from, child->node, child->box);
              span_widen (node.box, child->box, i == from);
              sqlite3_bind_int64 (w->parent, 1, child->node);
              sqlite3_bind_int64 (w->parent, 2, node.node);
              if (!conn_step_done (&w->m->conn, w->parent, error))
                return FALSE;
              sqlite3_reset (w->parent);
            }
          if (!span_write_node (w, node.node, depth, to - from, error))
            return FALSE;
          g_array_append_val (above, node);
        }
      swap = level;
      level = above;
      above = swap;
    }

  /* The root, at depth 0, when the tree is one leaf. */
  return TRUE;
}

static gboolean
span_write_rowids (Merge          *m,
                   const SpanEntry *by_id,
                   const gint64   *leaf_of,
                   gsize           n,
                   GError        **error)
{
  static const char one_sql[] =
    "INSERT INTO annotation_span_rowid (rowid, nodeno) VALUES (?, ?)";
  g_autofree char *many_sql = batch_sql ("INSERT INTO annotation_span_rowid (rowid, nodeno) VALUES ",
                                         "(?, ?)", BATCH_ROWS);
  g_autoptr(sqlite3_stmt) many = NULL;
  g_autoptr(sqlite3_stmt) one = NULL;
  int rc = sqlite3_prepare_v2 (m->conn.db, many_sql, -1, &many, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (m->conn.db, one_sql, -1, &one, NULL);
  if (rc != SQLITE_OK)
    return conn_fail (&m->conn, rc, error);

  for (gsize i = 0; i < n; )
    {
      sqlite3_stmt *stmt = n - i >= BATCH_ROWS ? many : one;
      gsize rows = stmt == many ? BATCH_ROWS : 1;

      for (gsize r = 0; r < rows; r++)
        {
          sqlite3_bind_int64 (stmt, 2 * r + 1, by_id[i + r].id);
          sqlite3_bind_int64 (stmt, 2 * r + 2, leaf_of[i + r]);
        }
      if (!conn_step_done (&m->conn, stmt, error))
        return FALSE;
      sqlite3_reset (stmt);
      i += rows;
    }

  return TRUE;
}

/* The statements that write the tree's tables, prepared while they may. */
static gboolean
span_write_all (SpanWriter  *w,
                GArray      *entries,
                GError     **error)
{
  static const char *const clear_sql[] = {
    "DELETE FROM annotation_span_node",
    "DELETE FROM annotation_span_rowid",
    "DELETE FROM annotation_span_parent",
  };
  g_autofree gint64 *leaf_of = g_new (gint64, MAX (entries->len, 1));
  g_autoptr(GArray) by_id = NULL;
  int rc;

  for (guint i = 0; i < G_N_ELEMENTS (clear_sql); i++)
    if (!conn_exec (&w->m->conn, clear_sql[i], error))
      return FALSE;

  rc = sqlite3_prepare_v2 (w->m->conn.db,
                           "INSERT INTO annotation_span_node (nodeno, data) VALUES (?, ?)", -1,
                           &w->node, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (w->m->conn.db,
                             "INSERT INTO annotation_span_parent (nodeno, parentnode) "
                             "VALUES (?, ?)", -1, &w->parent, NULL);
  if (rc != SQLITE_OK)
    return conn_fail (&w->m->conn, rc, error);

  /* Kept in id order for the rowid table, sorted for the tree. */
  by_id = g_array_copy (entries);
  qsort (entries->data, entries->len, sizeof (SpanEntry), compare_span_entries);

  return span_write_tree (w, (const SpanEntry *) (gpointer) entries->data, entries->len,
                          leaf_of, error) &&
         span_write_rowids (w->m, (const SpanEntry *) (gpointer) by_id->data, leaf_of,
                            by_id->len, error);
}

/* Builds the span index again from every live annotation.  *@built is
 * FALSE (and nothing changed) when the tree is not as this expects. */
static gboolean
rebuild_spans (Merge     *m,
               gboolean  *built,
               GError   **error)
{
  static const char sql[] =
    "SELECT id, document, start, \"end\" FROM annotation WHERE deleted = 0 ORDER BY id";
  g_autoptr(GArray) entries = NULL;
  g_autofree guint8 *buffer = NULL;
  SpanWriter w = { m, 0, NULL, NULL, NULL };
  int defensive = 1;
  gboolean ok;

  *built = FALSE;
  if (!span_tree_buildable (m, &w.node_bytes, error))
    return FALSE;
  if (w.node_bytes < 4 + 2 * SPAN_CELL_BYTES || w.node_bytes > 65536)
    return TRUE;

  /* Known without reading the table when it holds only the rows held back
   * and inserted in uuid order. */
  entries = g_steal_pointer (&m->held_spans);
  if (entries == NULL)
    {
      g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, sql, error);
      int rc;

      entries = g_array_new (FALSE, FALSE, sizeof (SpanEntry));
      if (stmt == NULL)
        return FALSE;
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          SpanEntry entry = { sqlite3_column_int64 (stmt, 0),
                              (gint32) sqlite3_column_int64 (stmt, 1),
                              (gint32) sqlite3_column_int64 (stmt, 2),
                              (gint32) sqlite3_column_int64 (stmt, 3), entries->len };

          g_array_append_val (entries, entry);
        }
      if (rc != SQLITE_DONE)
        return conn_fail (&m->conn, rc, error);
    }

  buffer = g_malloc0 (w.node_bytes);
  w.buffer = buffer;

  /* No statement of ours may be open on the tree while its tables change. */
  g_hash_table_remove_all (m->conn.cache);
  sqlite3_db_config (m->conn.db, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive);
  sqlite3_db_config (m->conn.db, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);
  ok = span_write_all (&w, entries, error);
  /* Finalized before defensive is back: they could not be prepared again. */
  g_clear_pointer (&w.node, sqlite3_finalize);
  g_clear_pointer (&w.parent, sqlite3_finalize);
  sqlite3_db_config (m->conn.db, SQLITE_DBCONFIG_DEFENSIVE, defensive, NULL);

  *built = ok;
  return ok;
}

/* The spans of the annotations this merge added, in one statement; rows
 * that were there before were kept in step as they changed. */
static gboolean
add_new_spans (Merge    *m,
               GError  **error)
{
  static const char sql[] =
    "INSERT INTO annotation_span (id, document0, document1, start0, end0) "
    "SELECT id, document, document, start, \"end\" FROM annotation "
    "WHERE id > ? AND deleted = 0 ORDER BY id";
  g_autoptr(MergeStmt) stmt = conn_prepare (&m->conn, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, m->last_id);

  return conn_step_done (&m->conn, stmt, error);
}

/* After a merge that added many annotations to few, the whole tree is
 * built again; otherwise the new spans are added to it. */
static gboolean
add_spans (Merge    *m,
           GError  **error)
{
  gboolean built = FALSE;

  if (m->bulk && !rebuild_spans (m, &built, error))
    return FALSE;

  return built || add_new_spans (m, error);
}

static int
compare_text (const char *a,
              int         a_bytes,
              const char *b,
              int         b_bytes)
{
  int c = memcmp (a, b, MIN (a_bytes, b_bytes));

  if (c != 0)
    return c;
  return (a_bytes > b_bytes) - (a_bytes < b_bytes);
}

static int
compare_pairs (const void *a,
               const void *b)
{
  return compare_ids (&((const Pair *) a)->source, &((const Pair *) b)->source);
}

/* Pairs each source annotation with the target's of the same uuid, by
 * walking both files' uuid indexes side by side: one pass over each
 * instead of a look-up per annotation. */
static gboolean
pair_identities (Merge    *m,
                 Source   *src,
                 GError  **error)
{
  static const char sql[] = "SELECT uuid, id FROM annotation ORDER BY uuid";
  g_autoptr(MergeStmt) theirs = conn_prepare (&src->conn, sql, error);
  g_autoptr(MergeStmt) ours = theirs != NULL ? conn_prepare (&m->conn, sql, error) : NULL;
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (Pair));
  gint64 first = G_MAXINT64, last = G_MININT64;
  int rc_theirs, rc_ours;

  if (ours == NULL)
    return FALSE;

  src->n_new = 0;
  rc_theirs = sqlite3_step (theirs);
  rc_ours = sqlite3_step (ours);
  while (rc_theirs == SQLITE_ROW && (rc_ours == SQLITE_ROW || rc_ours == SQLITE_DONE))
    {
      Pair pair = { sqlite3_column_int64 (theirs, 1), 0 };
      int c = -1;

      if (rc_ours == SQLITE_ROW)
        c = compare_text (column_text (theirs, 0), sqlite3_column_bytes (theirs, 0),
                          column_text (ours, 0), sqlite3_column_bytes (ours, 0));
      if (c > 0)
        {
          rc_ours = sqlite3_step (ours);
          continue;
        }
      if (c == 0)
        {
          pair.target = sqlite3_column_int64 (ours, 1);
          rc_ours = sqlite3_step (ours);
        }
      else
        src->n_new++;
      first = MIN (first, pair.source);
      last = MAX (last, pair.source);
      g_array_append_val (pairs, pair);
      rc_theirs = sqlite3_step (theirs);
    }
  if (rc_theirs != SQLITE_DONE && rc_theirs != SQLITE_ROW)
    return conn_fail (&src->conn, rc_theirs, error);
  if (rc_ours != SQLITE_DONE && rc_ours != SQLITE_ROW)
    return conn_fail (&m->conn, rc_ours, error);

  g_clear_pointer (&src->matches, g_array_unref);
  g_clear_pointer (&src->pairs, g_array_unref);
  if (pairs->len > 0 && (guint64) (last - first) < 4 * (guint64) pairs->len + 1024)
    {
      gint64 *matches;

      src->first = first;
      src->matches = g_array_sized_new (FALSE, FALSE, sizeof (gint64), last - first + 1);
      g_array_set_size (src->matches, last - first + 1);
      matches = (gint64 *) (gpointer) src->matches->data;
      for (gint64 i = 0; i <= last - first; i++)
        matches[i] = -1;
      for (guint i = 0; i < pairs->len; i++)
        {
          const Pair *pair = &g_array_index (pairs, Pair, i);

          matches[pair->source - first] = pair->target;
        }
    }
  else
    {
      qsort (pairs->data, pairs->len, sizeof (Pair), compare_pairs);
      src->pairs = g_steal_pointer (&pairs);
    }

  return TRUE;
}

/* The target's annotation paired with source annotation @id, 0 for none,
 * -1 when not paired.  Asked in increasing @id; *@next is the walk through
 * sorted pairs. */
static gint64
matched_target (const Source *src,
                gint64        id,
                guint        *next)
{
  if (src->all_new)
    return 0;
  if (src->matches != NULL)
    return id >= src->first && id - src->first < (gint64) src->matches->len
           ? g_array_index (src->matches, gint64, id - src->first) : -1;

  while (*next < src->pairs->len && g_array_index (src->pairs, Pair, *next).source < id)
    (*next)++;
  if (*next < src->pairs->len && g_array_index (src->pairs, Pair, *next).source == id)
    return g_array_index (src->pairs, Pair, *next).target;

  return -1;
}

/* When the target's annotations paired with this source's come in an
 * order far from the source's (a target whose ids were given in uuid order
 * by an earlier merge), fetching each as the source's comes costs a seek
 * and fills the page cache with the whole table; instead they are read
 * once, in id order, into memory (some 400 bytes each, so up to
 * COPY_TARGET_MAX of them). */
#define COPY_TARGET_MAX 1000000

static gboolean
copy_target_if_scattered (Merge    *m,
                          Source   *src,
                          GError  **error)
{
  static const char sql[] = ANNOTATION_COLUMNS " FROM annotation a WHERE a.id BETWEEN ? AND ? "
                            "ORDER BY a.id";
  g_autoptr(MergeStmt) stmt = NULL;
  g_autoptr(GArray) codes = NULL;
  TargetRows *rows;
  guint n = src->matches != NULL ? src->matches->len : src->pairs != NULL ? src->pairs->len : 0;
  guint paired = 0, back = 0, read = 0;
  gint64 previous = 0, first = G_MAXINT64, last = G_MININT64;
  int rc;

  if (!m->large || src->all_new)
    return TRUE;

  for (guint i = 0; i < n; i++)
    {
      gint64 target = src->matches != NULL ? g_array_index (src->matches, gint64, i)
                                           : g_array_index (src->pairs, Pair, i).target;

      if (target <= 0)
        continue;
      paired++;
      back += target < previous;
      previous = target;
      first = MIN (first, target);
      last = MAX (last, target);
    }
  if (paired < BULK_MERGE_MIN || back < paired / 4 ||
      (guint64) (last - first) >= 4 * (guint64) paired + 1024 ||
      last - first >= COPY_TARGET_MAX)
    return TRUE;

  stmt = conn_prepare (&m->conn, sql, error);
  if (stmt == NULL)
    return FALSE;
  rows = g_malloc0 (sizeof (TargetRows) + (last - first + 1) * sizeof (HeldRow *));
  rows->first = first;
  rows->n = last - first + 1;
  held_start (&rows->held, paired);
  codes = g_array_new (FALSE, FALSE, sizeof (gint64));

  sqlite3_bind_int64 (stmt, 1, first);
  sqlite3_bind_int64 (stmt, 2, last);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Version v = { 0, };

      if (++read % CANCEL_EVERY == 0 && !check_cancelled (m, error))
        break;
      read_version (m, stmt, &v);
      if (!code_cursor_read (&m->target_codes, v.id, codes, error))
        break;
      v.codes = codes;
      rows->rows[v.id - first] = hold_annotation (&rows->held, &v);
    }
  code_cursor_reset (&m->target_codes);
  if (rc == SQLITE_ROW)
    {
      target_rows_free (rows);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      target_rows_free (rows);
      return conn_fail (&m->conn, rc, error);
    }

  g_debug ("copied %u annotations of the target, paired out of order", read);
  m->target_rows = rows;
  return TRUE;
}

static gboolean
merge_annotation_rows (Merge    *m,
                       Source   *src,
                       GError  **error)
{
  static const char source_sql[] =
    "SELECT a.id, a.uuid, a.document, a.start, a.\"end\", a.quote, a.note, a.annotator, "
    "a.created, a.modified, a.revision, a.deleted, a.review_status, a.reviewer, a.review_note, "
    "a.reviewed FROM annotation a ORDER BY a.id";
  g_autoptr(MergeStmt) rows = NULL;
  g_autoptr(GArray) codes = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) target_codes = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint n = 0, next = 0;
  int rc;

  rows = conn_prepare (&src->conn, source_sql, error);
  if (rows == NULL)
    return FALSE;

  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      Version s = { 0, };
      gint64 source_document = sqlite3_column_int64 (rows, 2);
      gint64 target_id;
      DocumentLeftOut *left_out;
      const DocText *text;
      const char *single = NULL;

      if (++n % CANCEL_EVERY == 0 && !check_cancelled (m, error))
        return FALSE;

      s.id = sqlite3_column_int64 (rows, 0);
      s.uuid = column_text (rows, 1);
      s.file = src->path;

      target_id = matched_target (src, s.id, &next);

      left_out = g_hash_table_lookup (src->left_out, &source_document);
      if (left_out != NULL)
        {
          left_out->n_annotations++;
          m->report->annotations_skipped++;
          continue;
        }
      if (!id_map_get (src->documents, source_document, &s.document))
        {
          g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVARIANT,
                       _("An annotation of “%s” refers to a missing document. Nothing was "
                         "merged."), src->path);
          return FALSE;
        }

      s.start = sqlite3_column_int64 (rows, 3);
      s.end = sqlite3_column_int64 (rows, 4);
      s.quote = column_text (rows, 5);
      s.quote_bytes = sqlite3_column_bytes (rows, 5);
      s.note = column_text (rows, 6);
      s.created = column_text (rows, 8);
      s.modified = column_text (rows, 9);
      s.revision = sqlite3_column_int64 (rows, 10);
      s.deleted = sqlite3_column_int (rows, 11) != 0;
      s.status = column_text (rows, 12);
      s.review_note = column_text (rows, 14);
      s.reviewed = column_text (rows, 15);
      s.codes = codes;

      s.annotator = map_annotator (m, src, sqlite3_column_int64 (rows, 7), error);
      if (s.annotator < 0)
        return FALSE;
      s.reviewer = map_annotator (m, src, sqlite3_column_int64 (rows, 13), error);
      if (s.reviewer < 0)
        return FALSE;

      if (!code_cursor_read (&src->annotation_codes, s.id, codes, error))
        return FALSE;
      if (!map_codes (codes, src->codes))
        {
          add_skipped (m->report, "annotation", s.uuid, src->path,
                       g_strdup (_("it carries a code that has no place in the target's "
                                   "codebook")));
          m->report->annotations_skipped++;
          continue;
        }
      for (guint i = 0; i < codes->len && single == NULL; i++)
        {
          gint64 code = g_array_index (codes, gint64, i);
          const CodeInfo *info = g_hash_table_lookup (m->code_info, &code);

          if (info == NULL || info->multiple)
            continue;
          for (guint j = i + 1; j < codes->len; j++)
            {
              const CodeInfo *other = g_hash_table_lookup (m->code_info,
                                                           &g_array_index (codes, gint64, j));

              if (other != NULL && other->dimension == info->dimension)
                single = info->dimension_name;
            }
        }
      if (single != NULL && !s.deleted)
        {
          add_skipped (m->report, "annotation", s.uuid, src->path,
                       g_strdup_printf (_("it carries several codes of “%s”, which allows one "
                                          "per annotation in the target"), single));
          m->report->annotations_skipped++;
          continue;
        }

      /* Quotes are re-checked against the target's text. */
      text = target_text (m, s.document, error);
      if (text == NULL)
        return FALSE;
      if (!doc_text_quote_matches (text, s.start, s.end, s.quote, s.quote_bytes))
        {
          add_skipped (m->report, "annotation", s.uuid, src->path,
                       g_strdup_printf (_("its quote “%.40s” does not match the text at "
                                          "[%lld, %lld)"),
                                        s.quote != NULL ? s.quote : "", (long long) s.start,
                                        (long long) s.end));
          m->report->annotations_skipped++;
          continue;
        }

      s.quote_in_text = doc_text_at (text, s.start);
      if (!merge_one_annotation (m, src, &s, target_id, target_codes, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    return conn_fail (&src->conn, rc, error);

  return TRUE;
}

static gboolean
set_cache (Merge    *m,
           gint64    kib,
           GError  **error)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA cache_size = -%" G_GINT64_FORMAT, kib);

  return conn_exec (&m->conn, sql, error);
}

static gboolean
merge_annotations (Merge    *m,
                   Source   *src,
                   GError  **error)
{
  gint64 first_new;
  gboolean ok;

  /* Pairing walks both uuid indexes in order: a small cache whose pages
   * are reused costs less than filling a large one with fresh memory. */
  ok = !m->large || set_cache (m, SMALL_CACHE_KIB, error);

  /* A large merge into a target without annotations has nothing to pair
   * with (the count is only a size: the merge does not rely on it). */
  src->all_new = m->large && m->existing == 0;
  if (!ok)
    ;
  else if (src->all_new)
    {
      g_clear_pointer (&src->matches, g_array_unref);
      g_clear_pointer (&src->pairs, g_array_unref);
      src->n_new = CLAMP (src->n_annotations, 0, G_MAXUINT);
    }
  else
    ok = pair_identities (m, src, error) && copy_target_if_scattered (m, src, error);
  merge_phase (m, "pairing");

  /* Adding many rows to few: build the secondary indexes once at the end. */
  if (ok && m->large && !m->bulk && src->n_new >= BULK_MERGE_MIN &&
      src->n_new >= m->existing)
    ok = drop_indexes (m, error);

  /* Into a target without annotations: in uuid order. */
  if (ok && m->bulk && m->existing == 0)
    held_start (&m->held, src->n_new);

  /* Inserting all over the target's uuid index needs it in the cache; rows
   * written only at the ends of the tables, or the target read in order or
   * through its copy, do not. */
  if (ok && m->large && !m->held.on && src->n_new > 0 && m->target_rows == NULL)
    ok = set_cache (m, MERGE_CACHE_KIB, error);

  merge_phase (m, "drop indexes");
  first_new = m->batch.next_id;
  ok = ok && merge_annotation_rows (m, src, error);
  merge_phase (m, "rows read");
  ok = ok && insert_held (m, error) && batch_flush (m, error);
  merge_phase (m, "rows");
  /* Paired or not, every row this source added. */
  m->existing += src->all_new ? m->batch.next_id - first_new : src->n_new;

  target_cursor_reset (m);
  code_cursor_reset (&src->annotation_codes);
  g_clear_pointer (&m->target_rows, target_rows_free);
  return ok;
}

static void
finish_left_out (Source *src)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, src->left_out);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      DocumentLeftOut *left_out = value;

      g_free (left_out->skipped->reason);
      left_out->skipped->reason =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%s; its %u annotation was not merged",
                                      "%s; its %u annotations were not merged",
                                      left_out->n_annotations),
                         left_out->why, left_out->n_annotations);
    }
}

static gboolean
merge_source (Merge    *m,
              Source   *src,
              GError  **error)
{
  gboolean ok;

  /* One read transaction: the source cannot change half-way through. */
  if (!conn_exec (&src->conn, "BEGIN", error))
    return FALSE;

  ok = merge_dimensions (m, src, error) &&
       merge_codes (m, src, error) &&
       load_code_info (m, error) &&
       merge_documents (m, src, error);
  merge_phase (m, "codebook, documents");
  ok = ok && merge_annotations (m, src, error);

  /* Reading only: ending it cannot lose anything. */
  sqlite3_exec (src->conn.db, "ROLLBACK", NULL, NULL, NULL);
  return ok;
}

/* ------------------------------------------------------------------------
 * Opening the sources, the backup, the transaction
 * ------------------------------------------------------------------------ */

static gboolean
open_sources (Merge              *m,
              const char *const  *paths,
              GError            **error)
{
  const char *target_path = gloss_project_get_path (m->target);
  GStatBuf target_st;

  if (g_stat (target_path, &target_st) != 0)
    {
      g_autofree char *shown = g_filename_display_name (target_path);

      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_REPLACED,
                   _("“%s” was moved or deleted since Gloss opened it. Nothing was merged; "
                     "open the file again."), shown);
      return FALSE;
    }

  for (guint i = 0; paths[i] != NULL; i++)
    {
      Source *src = g_new0 (Source, 1);
      g_autoptr(GError) local_error = NULL;
      GStatBuf st;

      g_ptr_array_add (m->sources, src);
      /* Messages and the report quote it: UTF-8 whatever its bytes. */
      src->path = g_filename_display_name (paths[i]);

      if (g_stat (paths[i], &st) == 0 && st.st_dev == target_st.st_dev &&
          st.st_ino == target_st.st_ino)
        {
          g_set_error (error, GLOSS_MERGE_ERROR, GLOSS_MERGE_ERROR_SAME_FILE,
                       _("“%s” is the project being merged into. Name the other analysts' "
                         "files. Nothing was merged."), src->path);
          return FALSE;
        }

      src->project = gloss_project_open (paths[i], GLOSS_OPEN_READ_ONLY, &local_error);
      if (src->project == NULL)
        {
          if (strstr (local_error->message, src->path) != NULL)
            g_prefix_error (&local_error, _("Nothing was merged. "));
          else
            g_prefix_error (&local_error, _("Nothing was merged. “%s”: "), src->path);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      conn_init (&src->conn, _gloss_project_get_db (src->project), src->path);
      src->annotation_codes.conn = &src->conn;
      src->history = history_new (&src->conn);
      src->dimensions = id_map_new ();
      src->codes = id_map_new ();
      src->documents = id_map_new ();
      src->annotators = id_map_new ();
      src->left_out = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                             (GDestroyNotify) document_left_out_free);
    }

  return TRUE;
}

/* A copy of the target as it was, beside it.  Made under the write lock,
 * so it is exactly what the merge starts from. */
static char *
make_backup (Merge    *m,
             GError  **error)
{
  const char *path = gloss_project_get_path (m->target);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autoptr(GFile) file = g_file_new_for_path (path);

  for (guint i = 1; i < 1000; i++)
    {
      g_autofree char *name = i == 1
        ? g_strdup_printf ("%s.before-merge-%s.bak", path, stamp)
        : g_strdup_printf ("%s.before-merge-%s-%u.bak", path, stamp, i);
      g_autoptr(GFile) backup = g_file_new_for_path (name);
      g_autoptr(GError) local_error = NULL;

      if (g_file_copy (file, backup, G_FILE_COPY_NOFOLLOW_SYMLINKS, m->cancellable,
                       NULL, NULL, &local_error))
        return g_steal_pointer (&name);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          g_file_delete (backup, NULL, NULL);
          g_set_error (error, GLOSS_MERGE_ERROR, GLOSS_MERGE_ERROR_BACKUP,
                       _("Could not make a backup copy of “%s” before merging (%s). Free some "
                         "space or check the folder's permissions. Nothing was merged."),
                       path, local_error->message);
          return NULL;
        }
    }

  g_set_error (error, GLOSS_MERGE_ERROR, GLOSS_MERGE_ERROR_BACKUP,
               _("Too many backup copies of “%s” already exist. Move some away. Nothing "
                 "was merged."), path);
  return NULL;
}

static gint64
count_source_annotations (Merge *m)
{
  gint64 total = 0;

  for (guint i = 0; i < m->sources->len; i++)
    {
      Source *src = m->sources->pdata[i];
      sqlite3 *db = _gloss_project_get_db (src->project);
      sqlite3_stmt *stmt = NULL;

      if (sqlite3_prepare_v2 (db, "SELECT count (*) FROM annotation", -1, &stmt, NULL) == SQLITE_OK &&
          sqlite3_step (stmt) == SQLITE_ROW)
        {
          src->n_annotations = sqlite3_column_int64 (stmt, 0);
          total += src->n_annotations;
        }
      else
        total = G_MAXINT64 / 2;
      sqlite3_finalize (stmt);
    }

  return total;
}

/**
 * gloss_merge:
 * @target: the project to merge into, writable
 * @sources: (array zero-terminated=1): the project files to merge from
 * @dry_run: compute the report, write nothing
 * @report: (out caller-allocates): what was done; zero-filled or cleared
 *   by gloss_merge_report_clear() beforehand
 * @cancellable: (nullable): cancels before the commit, changing nothing
 *
 * Merges @sources into @target, all or nothing, in one transaction after a
 * backup copy of @target (none for a dry run).  A source that is not a
 * sound Gloss project refuses the whole merge.  Anything not brought over
 * is listed in @report's skipped, with the reason.
 *
 * Returns: %TRUE on success; %FALSE with @error set, @target unchanged and
 *   @report cleared
 */
gboolean
gloss_merge (GlossProject       *target,
             const char *const  *sources,
             gboolean            dry_run,
             GlossMergeReport   *report,
             GCancellable       *cancellable,
             GError            **error)
{
  Merge m = { 0, };
  ConnSettings saved = { 0, };
  g_autofree char *backup = NULL;
  g_autofree char *action = NULL;
  gint64 incoming;
  gboolean tracked, ok;

  g_return_val_if_fail (GLOSS_IS_PROJECT (target), FALSE);
  g_return_val_if_fail (sources != NULL, FALSE);
  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  report_init (report, dry_run);

  if (sources[0] == NULL)
    {
      g_set_error (error, GLOSS_MERGE_ERROR, GLOSS_MERGE_ERROR_NO_SOURCES,
                   _("Name at least one project file to merge."));
      return FALSE;
    }

  m.target = target;
  m.report = report;
  m.cancellable = cancellable;
  m.sources = g_ptr_array_new_with_free_func ((GDestroyNotify) source_free);
  conn_init (&m.conn, _gloss_project_get_db (target), gloss_project_get_path (target));
  m.target_codes.conn = &m.conn;
  m.history = history_new (&m.conn);
  m.written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  m.texts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                   (GDestroyNotify) doc_text_free);
  batch_init (&m.batch);
  merge_phase (&m, NULL);

  if (!open_sources (&m, sources, error) || !check_cancelled (&m, error))
    {
      merge_clear (&m);
      gloss_merge_report_clear (report);
      return FALSE;
    }
  /* A large merge records no changeset for undo: it would hold every
   * merged row in memory.  The backup copy made below stands in for undo
   * (a dry run commits nothing to undo). */
  merge_phase (&m, "open sources");
  incoming = count_source_annotations (&m);
  tracked = incoming <= UNDOABLE_MERGE_MAX;
  if (!conn_tune (&m.conn, &saved, !tracked, error) ||
      (tracked ? !_gloss_project_begin (target, error)
               : !_gloss_project_begin_untracked (target, error)))
    {
      conn_restore (&m.conn, &saved);
      merge_clear (&m);
      gloss_merge_report_clear (report);
      return FALSE;
    }

  ok = conn_query_int (&m.conn, "SELECT ifnull (max (id), 0) FROM annotation", &m.last_id,
                       error);
  m.batch.next_id = m.last_id + 1;
  if (ok && !tracked)
    ok = conn_query_int (&m.conn, "SELECT count (*) FROM annotation", &m.existing, error);
  m.large = !tracked;
  merge_phase (&m, "begin");
  if (ok && !dry_run)
    {
      backup = make_backup (&m, error);
      ok = backup != NULL;
    }
  merge_phase (&m, "backup");

  for (m.current = 0; ok && m.current < m.sources->len; m.current++)
    {
      Source *src = m.sources->pdata[m.current];

      ok = merge_source (&m, src, error);
      if (ok)
        finish_left_out (src);
    }
  ok = ok && check_cancelled (&m, error);
  /* A dry run is rolled back: what only the file needs is left out. */
  if (!dry_run)
    {
      ok = ok && (!m.large || check_new_references (&m, error));
      merge_phase (&m, "references");
      ok = ok && add_spans (&m, error);
      merge_phase (&m, "spans");
      ok = ok && restore_indexes (&m, error) && check_cancelled (&m, error);
      merge_phase (&m, "indexes");
    }

  if (m.sources->len == 1)
    {
      g_autofree char *base = g_path_get_basename (sources[0]);

      action = g_strdup_printf (_("Merge “%s”"), base);
    }
  else
    action = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Merge %u file", "Merge %u files",
                                           m.sources->len), m.sources->len);

  /* The statements must be done with before the transaction ends; the
   * cache stays large until it has. */
  merge_clear (&m);

  if (!ok || dry_run)
    {
      _gloss_project_rollback (target);
      conn_restore (&m.conn, &saved);
      if (backup != NULL)
        g_unlink (backup);
      if (!ok)
        gloss_merge_report_clear (report);
      return ok;
    }

  merge_phase (&m, "clear");
  ok = _gloss_project_commit (target, action, error);
  merge_phase (&m, "commit");
  conn_restore (&m.conn, &saved);
  if (!ok)
    {
      g_unlink (backup);
      gloss_merge_report_clear (report);
      return FALSE;
    }

  report->backup = g_steal_pointer (&backup);
  return TRUE;
}
