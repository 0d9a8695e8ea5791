/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-project"

#include "config.h"

#include "gloss-project.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "gloss-autocleanups.h"
#include "gloss-engine-resources.h"
#include "gloss-project-private.h"
#include "gloss-text.h"

G_DEFINE_QUARK (gloss-project-error-quark, gloss_project_error)

#define BUSY_TIMEOUT_MS 250

/* ------------------------------------------------------------------------
 * Schema.  Each migration takes the file from version i to i + 1; a new
 * project is an empty database taken through all of them.  The schema a file
 * must have is the one these statements produce in a fresh database.
 * ------------------------------------------------------------------------ */

static const char migration_1[] =
  "CREATE TABLE project (key TEXT PRIMARY KEY NOT NULL, value TEXT);"
  "CREATE TABLE annotator ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL);"
  "CREATE TABLE document ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  title TEXT NOT NULL,"
  "  text TEXT NOT NULL,"
  "  sha256 TEXT NOT NULL,"
  "  length INTEGER NOT NULL,"
  "  source_name TEXT,"
  "  imported_at TEXT NOT NULL,"
  "  memo TEXT,"
  "  position INTEGER NOT NULL DEFAULT 0,"
  "  modified TEXT NOT NULL,"
  "  revision INTEGER NOT NULL DEFAULT 1);"
  "CREATE INDEX document_sha256 ON document (sha256);"
  "CREATE TABLE document_attribute ("
  "  document INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,"
  "  key TEXT NOT NULL,"
  "  value TEXT NOT NULL,"
  "  PRIMARY KEY (document, key)) WITHOUT ROWID;"
  "CREATE TABLE segment ("
  "  id INTEGER PRIMARY KEY,"
  "  document INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,"
  "  start INTEGER NOT NULL,"
  "  \"end\" INTEGER NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('question', 'answer', 'heading', 'link', 'other')),"
  "  speaker TEXT);"
  "CREATE INDEX segment_document ON segment (document, start);"
  "CREATE TABLE dimension ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL UNIQUE,"
  "  kind TEXT NOT NULL CHECK (kind IN ('actor', 'theme', 'stance', 'other')),"
  "  multiple INTEGER NOT NULL CHECK (multiple IN (0, 1)),"
  "  level TEXT NOT NULL CHECK (level IN ('nominal', 'ordinal')),"
  "  position INTEGER NOT NULL,"
  "  memo TEXT,"
  "  modified TEXT NOT NULL,"
  "  revision INTEGER NOT NULL DEFAULT 1);"
  "CREATE TABLE code ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  dimension INTEGER NOT NULL REFERENCES dimension (id),"
  "  parent INTEGER REFERENCES code (id),"
  "  name TEXT NOT NULL,"
  "  color TEXT NOT NULL,"
  "  description TEXT,"
  "  shortcut TEXT UNIQUE,"
  "  position INTEGER NOT NULL,"
  "  memo TEXT,"
  "  modified TEXT NOT NULL,"
  "  revision INTEGER NOT NULL DEFAULT 1);"
  "CREATE UNIQUE INDEX code_name ON code (dimension, ifnull (parent, 0), name);"
  "CREATE INDEX code_parent ON code (parent);"
  "CREATE TABLE annotation ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  document INTEGER NOT NULL REFERENCES document (id) ON DELETE CASCADE,"
  "  start INTEGER NOT NULL,"
  "  \"end\" INTEGER NOT NULL,"
  "  quote TEXT NOT NULL,"
  "  note TEXT,"
  "  annotator INTEGER NOT NULL REFERENCES annotator (id),"
  "  created TEXT NOT NULL,"
  "  modified TEXT NOT NULL,"
  "  revision INTEGER NOT NULL DEFAULT 1,"
  "  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
  "  review_status TEXT NOT NULL DEFAULT 'unreviewed'"
  "    CHECK (review_status IN ('unreviewed', 'accepted', 'rejected')),"
  "  reviewer INTEGER REFERENCES annotator (id),"
  "  review_note TEXT,"
  "  reviewed TEXT);"
  "CREATE INDEX annotation_document ON annotation (document, start);"
  "CREATE INDEX annotation_live ON annotation (document, deleted);"
  "CREATE INDEX annotation_annotator ON annotation (annotator);"
  "CREATE TABLE annotation_code ("
  "  annotation INTEGER NOT NULL REFERENCES annotation (id) ON DELETE CASCADE,"
  "  code INTEGER NOT NULL REFERENCES code (id),"
  "  PRIMARY KEY (annotation, code)) WITHOUT ROWID;"
  "CREATE INDEX annotation_code_code ON annotation_code (code);"
  "CREATE VIRTUAL TABLE annotation_span USING rtree_i32 (id, document0, document1, start0, end0);"
  "CREATE TABLE change ("
  "  seq INTEGER PRIMARY KEY,"
  "  at TEXT NOT NULL,"
  "  annotator TEXT,"
  "  action TEXT NOT NULL,"
  "  changeset BLOB);";

static const char *migrations[] = {
  migration_1,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == GLOSS_SCHEMA_VERSION);

/* ------------------------------------------------------------------------ */

typedef struct
{
  char   *label;
  GBytes *changeset;
} UndoEntry;

static void
undo_entry_free (UndoEntry *entry)
{
  g_free (entry->label);
  g_bytes_unref (entry->changeset);
  g_free (entry);
}

/* The text of one document with a code point → byte table, so quotes of
 * spans far into a long document are cut without walking it from the start. */
#define CHECKPOINT_STRIDE 512

typedef struct
{
  gint64  document;
  char   *text;
  gint64  length;
  GArray *checkpoints; /* (element-type gsize): byte offset of code point i * STRIDE */
} TextCache;

struct _GlossProject
{
  GObject          parent_instance;

  char            *path;
  char            *uuid;
  sqlite3         *db;
  gboolean         read_only;
  char            *read_only_reason;
  char            *default_annotator;
  dev_t            dev;
  ino_t            ino;
  gint64           data_version;
  struct stat      own_stat;    /* the file as it was opened or as this object last wrote it */
  gboolean         vouched;     /* checked (or stamped) at open, every change since ours */
  gboolean         wrote;
  gboolean         trusted;     /* opened on its check stamp, without the full check */
  gboolean         checking;    /* opened before the full check, which is still to pass */
  GlossOpenFlags   open_flags;

  sqlite3_session *session;
  gboolean         in_write;
  gboolean         untracked;   /* this write records no changeset */
  GPtrArray       *undo_stack; /* (element-type UndoEntry) */
  GPtrArray       *redo_stack;
  GHashTable      *statements; /* const char *sql → sqlite3_stmt * */
  TextCache        text_cache;
};

G_DEFINE_FINAL_TYPE (GlossProject, gloss_project, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load_default_annotator (GlossProject *self);
static gboolean same_stat (const struct stat *a,
                           const struct stat *b);
static void stamp_write (const struct stat *st);
static void stamp_if_own (GlossProject *self);

/* A cached statement, reset and unbound when it goes out of scope. */
typedef sqlite3_stmt GlossStmt;

static void
gloss_stmt_release (GlossStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlossStmt, gloss_stmt_release)

static void
text_cache_clear (TextCache *cache)
{
  cache->document = 0;
  g_clear_pointer (&cache->text, g_free);
  g_clear_pointer (&cache->checkpoints, g_array_unref);
  cache->length = 0;
}

static void
gloss_project_finalize (GObject *object)
{
  GlossProject *self = GLOSS_PROJECT (object);

  g_clear_pointer (&self->session, sqlite3session_delete);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  text_cache_clear (&self->text_cache);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  stamp_if_own (self);
  g_clear_pointer (&self->undo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->redo_stack, g_ptr_array_unref);
  g_free (self->path);
  g_free (self->uuid);
  g_free (self->read_only_reason);
  g_free (self->default_annotator);

  G_OBJECT_CLASS (gloss_project_parent_class)->finalize (object);
}

static void
gloss_project_class_init (GlossProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gloss_project_finalize;

  /**
   * GlossProject::changed:
   *
   * Emitted after every committed change, undo and redo, and when another
   * process changed the file (see gloss_project_poll_external_changes()).
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
gloss_project_init (GlossProject *self)
{
  self->undo_stack = g_ptr_array_new_with_free_func ((GDestroyNotify) undo_entry_free);
  self->redo_stack = g_ptr_array_new_with_free_func ((GDestroyNotify) undo_entry_free);
  self->statements = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                            finalize_statement);
}

/* ------------------------------------------------------------------------
 * SQLite helpers
 * ------------------------------------------------------------------------ */

static GlossProjectError
error_code_for_sqlite (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return GLOSS_PROJECT_ERROR_BUSY;
    case SQLITE_READONLY:
      return GLOSS_PROJECT_ERROR_READ_ONLY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return GLOSS_PROJECT_ERROR_CORRUPT;
    case SQLITE_CONSTRAINT:
      return GLOSS_PROJECT_ERROR_INVALID;
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return GLOSS_PROJECT_ERROR_PERMISSION;
    default:
      return GLOSS_PROJECT_ERROR_IO;
    }
}

static gboolean
set_db_error (sqlite3     *db,
              int          rc,
              const char  *what,
              GError     **error)
{
  GlossProjectError code = error_code_for_sqlite (rc);

  if (code == GLOSS_PROJECT_ERROR_BUSY)
    g_set_error (error, GLOSS_PROJECT_ERROR, code,
                 _("The project is busy: another program is writing to it. "
                   "Try again in a moment. Nothing was changed."));
  else if ((rc & 0xff) == SQLITE_FULL)
    g_set_error (error, GLOSS_PROJECT_ERROR, code,
                 _("The disk is full, so the change could not be written. Free some space "
                   "and try again. Nothing was changed."));
  else if ((rc & 0xff) == SQLITE_IOERR)
    g_set_error (error, GLOSS_PROJECT_ERROR, code,
                 _("The disk reported an error while the project was read or written. Check "
                   "the disk or its connection and try again; whatever was saved before is "
                   "kept."));
  else
    {
      /* SQLite's messages may quote names from the file, in any bytes. */
      g_autofree char *message = g_utf8_make_valid (db != NULL ? sqlite3_errmsg (db)
                                                               : sqlite3_errstr (rc), -1);

      g_set_error (error, GLOSS_PROJECT_ERROR, code, "%s: %s", what, message);
    }

  return FALSE;
}

gboolean
_gloss_project_fail (GlossProject  *self,
                     const char    *what,
                     GError       **error)
{
  return set_db_error (self->db, sqlite3_extended_errcode (self->db), what, error);
}

static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          GError     **error)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    {
      if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED ||
          (rc & 0xff) == SQLITE_FULL || (rc & 0xff) == SQLITE_IOERR)
        set_db_error (db, rc, sql, error);
      else
        g_set_error (error, GLOSS_PROJECT_ERROR, error_code_for_sqlite (rc),
                     "%s", message != NULL ? message : sqlite3_errstr (rc));
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

/* A cached, prepared statement for a static SQL string. */
static GlossStmt *
prepare (GlossProject  *self,
         const char    *sql,
         GError       **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt == NULL)
    {
      int rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);

      if (rc != SQLITE_OK)
        {
          set_db_error (self->db, rc, "prepare", error);
          return NULL;
        }
      g_hash_table_insert (self->statements, (gpointer) sql, stmt);
    }

  return stmt;
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

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Steps a statement that returns no rows. */
static gboolean
step_done (GlossProject  *self,
           sqlite3_stmt  *stmt,
           const char    *what,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return set_db_error (self->db, rc, what, error);

  return TRUE;
}

/* Steps a statement returning one integer; FALSE with error on failure,
 * and FALSE without error (and *value untouched) when there is no row. */
static gboolean
step_int64 (GlossProject  *self,
            sqlite3_stmt  *stmt,
            gint64        *value,
            GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    {
      *value = sqlite3_column_int64 (stmt, 0);
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    set_db_error (self->db, rc, "query", error);

  return FALSE;
}

static char *
sha256_of (const char *text,
           gsize       len)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, len);
}

/* ------------------------------------------------------------------------
 * Opening: a check before a change
 * ------------------------------------------------------------------------ */

/* A file name as messages quote it: UTF-8 whatever bytes it is made of.
 * Interned, so messages may quote it freely; a session names few files. */
static const char *
shown (const char *path)
{
  g_autofree char *name = g_filename_display_name (path);

  return g_intern_string (name);
}

static gboolean
configure_connection (sqlite3  *db,
                      GError  **error)
{
  int rc = SQLITE_OK;

  sqlite3_extended_result_codes (db, 1);
  if (rc == SQLITE_OK)
    rc = sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  /* 32 MiB of page cache: a project of 100,000 annotations is read once,
   * not page by page on every listing.  (No mmap: a file truncated by
   * another program would turn reads into SIGBUS.)  This pragma reads the
   * schema, so on a file with a hot journal (read-only connection) or a
   * damaged header it fails: that is left to the checks that follow, which
   * roll the journal back or explain the damage. */
  if (rc == SQLITE_OK)
    sqlite3_exec (db, "PRAGMA cache_size = -32768", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return set_db_error (db, rc, "configure", error);

  return TRUE;
}

static sqlite3 *
open_connection (const char  *path,
                 int          flags,
                 GError     **error)
{
  sqlite3 *db = NULL;
  /* (each connection is used by one thread at a time: no mutex) */
  int rc = sqlite3_open_v2 (path, &db, flags | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE |
                            SQLITE_OPEN_NOMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      if ((rc & 0xff) == SQLITE_CANTOPEN)
        g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_PERMISSION,
                     _("“%s” could not be opened. Check that you may read it."), shown (path));
      else
        set_db_error (db, rc, path, error);
      sqlite3_close_v2 (db);
      return NULL;
    }

  if (!configure_connection (db, error))
    {
      sqlite3_close_v2 (db);
      return NULL;
    }

  return db;
}

static gboolean
run_migrations (sqlite3  *db,
                int       from,
                GError  **error)
{
  for (int i = from; i < (int) G_N_ELEMENTS (migrations); i++)
    {
      if (!exec_sql (db, migrations[i], error))
        {
          g_prefix_error (error, "Migration to schema %d: ", i + 1);
          return FALSE;
        }
    }

  return TRUE;
}

/* Rows of sqlite_schema, without root pages, in a stable order. */
static GPtrArray *
read_schema (sqlite3  *db,
             GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  int rc;

  rc = sqlite3_prepare_v2 (db,
                           "SELECT type, name, tbl_name, sql FROM sqlite_schema "
                           "ORDER BY type, name", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_db_error (db, rc, "schema", error);
      return NULL;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, g_strdup_printf ("%s %s on %s: %s",
                                            sqlite3_column_text (stmt, 0),
                                            sqlite3_column_text (stmt, 1),
                                            sqlite3_column_text (stmt, 2),
                                            sqlite3_column_text (stmt, 3)));
  if (rc != SQLITE_DONE)
    {
      set_db_error (db, rc, "schema", error);
      return NULL;
    }

  return g_steal_pointer (&rows);
}

static GPtrArray *
expected_schema (int       version,
                 GError  **error)
{
  sqlite3 *mem = NULL;
  GPtrArray *rows = NULL;

  if (sqlite3_open_v2 (":memory:", &mem, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      set_db_error (mem, SQLITE_NOMEM, "memory", error);
      sqlite3_close_v2 (mem);
      return NULL;
    }

  if (exec_sql (mem, "PRAGMA encoding = 'UTF-8'", error))
    {
      for (int i = 0; i < version; i++)
        if (!exec_sql (mem, migrations[i], error))
          goto out;
      rows = read_schema (mem, error);
    }

out:
  sqlite3_close_v2 (mem);
  return rows;
}

static gboolean
check_schema (sqlite3     *db,
              int          version,
              const char  *path,
              GError     **error)
{
  g_autoptr(GPtrArray) want = expected_schema (version, error);
  g_autoptr(GPtrArray) have = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint i;

  if (want == NULL)
    return FALSE;

  have = read_schema (db, error);
  if (have == NULL)
    return FALSE;

  for (i = 0; i < have->len; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < want->len && !found; j++)
        found = g_str_equal (have->pdata[i], want->pdata[j]);

      if (!found)
        {
          /* The file's own SQL text: any bytes at all. */
          g_autofree char *sql = g_utf8_make_valid (have->pdata[i], -1);

          g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_SCHEMA_MISMATCH,
                       _("“%s” holds something a Gloss project never has (%s). It may have "
                         "been altered by another program; Gloss does not open it. "
                         "Nothing was changed."),
                       shown (path), sql);
          return FALSE;
        }
    }

  if (have->len != want->len)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_SCHEMA_MISMATCH,
                   _("“%s” lacks parts of a Gloss project (%u of %u schema entries). "
                     "Gloss does not open it. Nothing was changed."),
                   shown (path), have->len, want->len);
      return FALSE;
    }

  if (sqlite3_prepare_v2 (db, "PRAGMA encoding", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW ||
      g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "UTF-8") != 0)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_SCHEMA_MISMATCH,
                   _("“%s” is not stored as UTF-8, as every Gloss project is. "
                     "Nothing was changed."), shown (path));
      return FALSE;
    }

  return TRUE;
}

static gboolean
query_single_int (sqlite3     *db,
                  const char  *sql,
                  gint64      *value,
                  GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *value = sqlite3_column_int64 (stmt, 0);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    {
      *value = 0;
      return TRUE;
    }

  return set_db_error (db, rc, sql, error);
}

/* Sets @db's page cache size (a PRAGMA cache_size value: negative in
 * KiB) and returns the one it had, to be set back the same way. */
gint64
_gloss_db_swap_cache_size (sqlite3 *db,
                           gint64   cache_size)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA cache_size = %" G_GINT64_FORMAT, cache_size);
  gint64 before = -2000;   /* SQLite's default */

  /* (a pragma takes no bound parameter: the number is printed) */
  query_single_int (db, "PRAGMA cache_size", &before, NULL);
  sqlite3_exec (db, sql, NULL, NULL, NULL);

  return before;
}

/* SQLite's quick_check of the whole file, on a connection of its own so
 * that it can run on a second core while the invariants are checked. */
typedef struct
{
  char      *path;
  GPtrArray *problems;   /* "damaged: …" lines */
  GPtrArray *references; /* rows that refer to missing rows */
  int        rc;
  char      *message;    /* SQLite's message when rc is an error */
} QuickCheck;

/* quick_check does not compare indexes with their tables; for the small
 * tables, whose indexes every listing uses, integrity_check does. */
static const char *const small_index_checks[] = {
  "PRAGMA integrity_check (project)",
  "PRAGMA integrity_check (annotator)",
  "PRAGMA integrity_check (document)",
  "PRAGMA integrity_check (document_attribute)",
  "PRAGMA integrity_check (segment)",
  "PRAGMA integrity_check (dimension)",
  "PRAGMA integrity_check (code)",
};

/* Every table with foreign keys but annotation and annotation_code. */
static const char *const small_reference_checks[] = {
  "PRAGMA foreign_key_check (document_attribute)",
  "PRAGMA foreign_key_check (segment)",
  "PRAGMA foreign_key_check (code)",
};

/* A reference to a missing row, worded as foreign_key_check would. */
static void
add_reference (GPtrArray  *problems,
               gint64      row,
               const char *table,
               const char *parent)
{
  if (problems->len < 20)
    g_ptr_array_add (problems, g_strdup_printf ("row %lld of %s refers to a missing row of %s",
                                                (long long) row, table, parent));
}

/* integrity_check of the small tables: their indexes against their rows.
 * Returns SQLite's code: SQLITE_DONE when each ran to its end. */
static int
check_small_indexes (sqlite3   *db,
                     GPtrArray *problems)
{
  int rc = SQLITE_DONE;

  for (guint t = 0; t < G_N_ELEMENTS (small_index_checks) && rc == SQLITE_DONE &&
                    problems->len == 0; t++)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;

      rc = sqlite3_prepare_v2 (db, small_index_checks[t], -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
          {
            const char *row = (const char *) sqlite3_column_text (stmt, 0);

            if (g_strcmp0 (row, "ok") != 0 && problems->len < 20)
              g_ptr_array_add (problems, g_strdup_printf ("damaged: %s", row));
          }
    }

  return rc;
}

/* foreign_key_check of the tables with foreign keys other than the
 * annotations' (which the invariant scans follow): test-project's
 * foreign-keys case keeps this list whole.  Returns SQLite's code. */
static int
check_small_references (sqlite3   *db,
                        GPtrArray *references)
{
  int rc = SQLITE_DONE;

  for (guint t = 0; t < G_N_ELEMENTS (small_reference_checks) && rc == SQLITE_DONE; t++)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;

      rc = sqlite3_prepare_v2 (db, small_reference_checks[t], -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
          add_reference (references, sqlite3_column_int64 (stmt, 1),
                         (const char *) sqlite3_column_text (stmt, 0),
                         (const char *) sqlite3_column_text (stmt, 2));
    }

  return rc;
}

static gpointer
quick_check_run (gpointer data)
{
  QuickCheck *qc = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  sqlite3 *db = NULL;

  qc->rc = sqlite3_open_v2 (qc->path, &db,
                            SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE |
                            SQLITE_OPEN_NOMUTEX, NULL);
  if (qc->rc == SQLITE_OK)
    {
      sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
      sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
      sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
      sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
      sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
      qc->rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL);
    }
  if (qc->rc == SQLITE_OK)
    while ((qc->rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        const char *row = (const char *) sqlite3_column_text (stmt, 0);

        if (g_strcmp0 (row, "ok") != 0)
          g_ptr_array_add (qc->problems, g_strdup_printf ("damaged: %s", row));
      }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (qc->rc == SQLITE_DONE && qc->problems->len == 0)
    qc->rc = check_small_indexes (db, qc->problems);
  if (qc->rc == SQLITE_DONE && qc->problems->len == 0)
    qc->rc = check_small_references (db, qc->references);
  if (qc->rc != SQLITE_DONE)
    qc->message = g_strdup (db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (qc->rc));
  sqlite3_close_v2 (db);

  return NULL;
}

typedef struct
{
  gint64 id;
  gint64 document;
  gint64 start;
  gint64 end;
} SpanRow;

static int
span_row_cmp (gconstpointer a,
              gconstpointer b)
{
  gint64 x = ((const SpanRow *) a)->id, y = ((const SpanRow *) b)->id;

  return (x > y) - (x < y);
}

static gboolean
is_live (GArray *live,
         gint64  id)
{
  SpanRow key = { id, 0, 0, 0 };

  /* (bsearch may not be given the NULL data of an empty array) */
  return live->len > 0 &&
         bsearch (&key, live->data, live->len, sizeof (SpanRow), span_row_cmp) != NULL;
}

static gboolean
is_integer (sqlite3_stmt *stmt,
            int           column)
{
  return sqlite3_column_type (stmt, column) == SQLITE_INTEGER;
}


/* One pass over annotation_code in its key order: each row names an
 * annotation (@ids: all of them, ascending) and a code that exist, and
 * every single-valued dimension holds at most one code of a live
 * annotation (@live: their rows, by id). */
static gboolean
check_annotation_codes (sqlite3    *db,
                        GArray     *ids,
                        GArray     *live,
                        GPtrArray  *references,
                        GPtrArray  *problems,
                        GError    **error)
{
  g_autoptr(GHashTable) code_dims = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                          NULL);
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint next = 0;   /* into @ids */
  gint64 current = -1;
  gboolean reported = FALSE;
  int rc;

  /* code id → its dimension when that is single-valued, else 0 */
  rc = sqlite3_prepare_v2 (db, "SELECT c.id, CASE WHEN m.multiple = 0 THEN c.dimension ELSE 0 END "
                               "FROM code c LEFT JOIN dimension m ON m.id = c.dimension",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 *pair = g_new (gint64, 2);

        pair[0] = sqlite3_column_int64 (stmt, 0);
        pair[1] = sqlite3_column_int64 (stmt, 1);
        g_hash_table_insert (code_dims, pair, &pair[1]);
      }
  if (rc != SQLITE_DONE)
    return set_db_error (db, rc, "check", error);
  g_clear_pointer (&stmt, sqlite3_finalize);

  rc = sqlite3_prepare_v2 (db, "SELECT annotation, code FROM annotation_code "
                               "ORDER BY annotation", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gboolean whole = is_integer (stmt, 0) && is_integer (stmt, 1);
        gint64 annotation = sqlite3_column_int64 (stmt, 0);
        gint64 code = sqlite3_column_int64 (stmt, 1);
        const gint64 *dimension = whole ? g_hash_table_lookup (code_dims, &code) : NULL;

        /* (a WITHOUT ROWID table: foreign_key_check names no row) */
        while (next < ids->len && g_array_index (ids, gint64, next) < annotation)
          next++;
        if (!whole || next == ids->len || g_array_index (ids, gint64, next) != annotation)
          add_reference (references, 0, "annotation_code", "annotation");
        if (dimension == NULL)
          add_reference (references, 0, "annotation_code", "code");

        if (annotation != current)
          {
            current = annotation;
            reported = FALSE;
            g_array_set_size (seen, 0);
          }
        if (dimension == NULL || *dimension == 0 || reported || problems->len >= 20)
          continue;
        for (guint i = 0; i < seen->len && !reported; i++)
          if (g_array_index (seen, gint64, i) == *dimension && is_live (live, annotation))
            {
              g_autoptr(sqlite3_stmt) q = NULL;

              reported = TRUE;
              if (sqlite3_prepare_v2 (db, "SELECT uuid FROM annotation WHERE id = ?", -1, &q,
                                      NULL) == SQLITE_OK &&
                  sqlite3_bind_int64 (q, 1, annotation) == SQLITE_OK &&
                  sqlite3_step (q) == SQLITE_ROW)
                g_ptr_array_add (problems,
                                 g_strdup_printf ("annotation %s carries several codes of a "
                                                  "single-valued dimension",
                                                  sqlite3_column_text (q, 0)));
            }
        g_array_append_val (seen, *dimension);
      }
  if (rc != SQLITE_DONE)
    return set_db_error (db, rc, "check", error);

  return TRUE;
}

/* Every name, title, note and time Gloss shows or writes out is UTF-8
 * (SQLite stores whatever bytes it is given).  Quotes are compared with
 * their texts by gloss_project_check(). */
static gboolean
check_text_columns (sqlite3     *db,
                    GPtrArray   *problems,
                    GError     **error)
{
  static const struct { const char *sql; const char *what; } tables[] = {
    { "SELECT key, key, value FROM project", "project setting" },
    { "SELECT uuid, uuid, name FROM annotator", "annotator" },
    { "SELECT uuid, uuid, title, source_name, memo, imported_at, modified FROM document",
      "document" },
    { "SELECT document, key, value FROM document_attribute", "attribute of document" },
    { "SELECT id, speaker FROM segment", "segment" },
    { "SELECT uuid, uuid, name, memo, modified FROM dimension", "dimension" },
    { "SELECT uuid, uuid, name, color, description, shortcut, memo, modified FROM code",
      "code" },
    /* (the annotations' are checked in scan_annotations()) */
  };

  for (guint t = 0; t < G_N_ELEMENTS (tables) && problems->len < 20; t++)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;
      int rc = sqlite3_prepare_v2 (db, tables[t].sql, -1, &stmt, NULL);
      int n = rc == SQLITE_OK ? sqlite3_column_count (stmt) : 0;

      if (rc == SQLITE_OK)
        while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && problems->len < 20)
          for (int c = 1; c < n; c++)
            {
              const char *value = (const char *) sqlite3_column_text (stmt, c);
              int length = sqlite3_column_bytes (stmt, c);

              if (value != NULL && !g_utf8_validate (value, length, NULL))
                {
                  g_autofree char *key = g_utf8_make_valid ((const char *) sqlite3_column_text (stmt, 0), -1);

                  g_ptr_array_add (problems,
                                   g_strdup_printf ("%s %s: its %s is not valid UTF-8",
                                                    tables[t].what, key,
                                                    sqlite3_column_name (stmt, c)));
                  break;
                }
            }
      if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return set_db_error (db, rc, "check", error);
    }

  return TRUE;
}

static gboolean
read_span_rows (sqlite3     *db,
                const char  *sql,
                GArray      *rows,
                GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        SpanRow row = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
                        sqlite3_column_int64 (stmt, 2), sqlite3_column_int64 (stmt, 3) };

        g_array_append_val (rows, row);
      }
  if (rc != SQLITE_DONE)
    return set_db_error (db, rc, "check", error);

  return TRUE;
}

/* What one pass over the annotations found, kept apart so that problems
 * are listed by kind. */
typedef struct
{
  GArray    *ids;       /* gint64: every annotation's id, ascending */
  GArray    *live;      /* SpanRow of each live annotation, by id */
  GPtrArray *references; /* rows that refer to missing rows */
  GPtrArray *outside;   /* spans outside their documents */
  GPtrArray *unknown;   /* deletion marks or review statuses Gloss does not know */
  GPtrArray *not_utf8;  /* texts that are not UTF-8 */
} AnnotationScan;

static void
annotation_scan_clear (AnnotationScan *scan)
{
  g_clear_pointer (&scan->ids, g_array_unref);
  g_clear_pointer (&scan->live, g_array_unref);
  g_clear_pointer (&scan->references, g_ptr_array_unref);
  g_clear_pointer (&scan->outside, g_ptr_array_unref);
  g_clear_pointer (&scan->unknown, g_ptr_array_unref);
  g_clear_pointer (&scan->not_utf8, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AnnotationScan, annotation_scan_clear)

/* The annotations, read once in id order: each span lies in its document
 * (0 ≤ start < end ≤ length, all integers), its deletion mark and review
 * status are ones Gloss knows, its texts are UTF-8; the live ones are
 * kept for the span-index and single-valued checks. */
static gboolean
scan_annotations (sqlite3         *db,
                  AnnotationScan  *scan,
                  GError         **error)
{
  static const char *const text_columns[] = {
    "uuid", "note", "review_note", "created", "modified", "reviewed"
  };
  g_autoptr(GHashTable) lengths = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                         g_free, NULL);
  g_autoptr(GHashTable) annotators = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                            g_free, NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 last_id = 0;
  int rc;

  /* Room for every row at once: ids are dense unless many were purged. */
  if (query_single_int (db, "SELECT max (id) FROM annotation", &last_id, NULL))
    last_id = CLAMP (last_id, 0, 4 << 20);
  scan->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), (guint) last_id);
  scan->live = g_array_sized_new (FALSE, FALSE, sizeof (SpanRow), (guint) last_id);
  scan->references = g_ptr_array_new_with_free_func (g_free);
  scan->outside = g_ptr_array_new_with_free_func (g_free);
  scan->unknown = g_ptr_array_new_with_free_func (g_free);
  scan->not_utf8 = g_ptr_array_new_with_free_func (g_free);

  /* document id → its length (-1 when that is no whole number) */
  rc = sqlite3_prepare_v2 (db, "SELECT id, length FROM document", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 *id = g_new (gint64, 2);

        id[1] = is_integer (stmt, 1) ? sqlite3_column_int64 (stmt, 1) : -1;
        id[0] = sqlite3_column_int64 (stmt, 0);
        g_hash_table_insert (lengths, id, &id[1]);
      }
  if (rc != SQLITE_DONE)
    return set_db_error (db, rc, "check", error);
  g_clear_pointer (&stmt, sqlite3_finalize);

  rc = sqlite3_prepare_v2 (db, "SELECT id FROM annotator", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_hash_table_add (annotators, g_memdup2 (&(gint64) { sqlite3_column_int64 (stmt, 0) },
                                               sizeof (gint64)));
  if (rc != SQLITE_DONE)
    return set_db_error (db, rc, "check", error);
  g_clear_pointer (&stmt, sqlite3_finalize);

  rc = sqlite3_prepare_v2 (db, "SELECT id, document, start, \"end\", deleted, review_status, "
                               "uuid, note, review_note, created, modified, reviewed, "
                               "annotator, reviewer FROM annotation ORDER BY id", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        /* (types first: reading a value as another type converts it) */
        gboolean whole = is_integer (stmt, 2) && is_integer (stmt, 3);
        gboolean known_mark = is_integer (stmt, 4);
        gboolean status_is_text = sqlite3_column_type (stmt, 5) == SQLITE_TEXT;
        gboolean document_is_id = is_integer (stmt, 1);
        gboolean annotator_is_id = is_integer (stmt, 12);
        int reviewer_type = sqlite3_column_type (stmt, 13);
        gint64 annotator = sqlite3_column_int64 (stmt, 12);
        gint64 reviewer = sqlite3_column_int64 (stmt, 13);
        SpanRow row = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
                        sqlite3_column_int64 (stmt, 2), sqlite3_column_int64 (stmt, 3) };
        const gint64 *length = g_hash_table_lookup (lengths, &row.document);
        gint64 deleted = sqlite3_column_int64 (stmt, 4);
        const char *status = (const char *) sqlite3_column_text (stmt, 5);
        const char *uuid = (const char *) sqlite3_column_text (stmt, 6);

        known_mark = known_mark && (deleted == 0 || deleted == 1);
        g_array_append_val (scan->ids, row.id);
        /* the references foreign_key_check would follow */
        if (!document_is_id || length == NULL)
          add_reference (scan->references, row.id, "annotation", "document");
        if (!annotator_is_id || !g_hash_table_contains (annotators, &annotator))
          add_reference (scan->references, row.id, "annotation", "annotator");
        if (reviewer_type != SQLITE_NULL &&
            (reviewer_type != SQLITE_INTEGER || !g_hash_table_contains (annotators, &reviewer)))
          add_reference (scan->references, row.id, "annotation", "annotator");
        /* (a document whose length is no whole number is reported as such) */
        if (length != NULL && *length >= 0 && scan->outside->len < 20 &&
            !(whole && row.start >= 0 && row.start < row.end && row.end <= *length))
          g_ptr_array_add (scan->outside,
                           g_strdup_printf ("annotation %s lies outside its document", uuid));
        if (scan->unknown->len < 20 &&
            (!known_mark || !status_is_text ||
             !(g_str_equal (status, "unreviewed") || g_str_equal (status, "accepted") ||
               g_str_equal (status, "rejected"))))
          g_ptr_array_add (scan->unknown,
                           g_strdup_printf ("annotation %s has a deletion mark or review "
                                            "status Gloss does not know", uuid));
        for (guint c = 0; c < G_N_ELEMENTS (text_columns) && scan->not_utf8->len < 20; c++)
          {
            const char *value = (const char *) sqlite3_column_text (stmt, 6 + c);
            int bytes = sqlite3_column_bytes (stmt, 6 + c);

            if (value != NULL && !g_utf8_validate (value, bytes, NULL))
              {
                g_autofree char *key = g_utf8_make_valid (uuid != NULL ? uuid : "", -1);

                g_ptr_array_add (scan->not_utf8,
                                 g_strdup_printf ("annotation %s: its %s is not valid UTF-8",
                                                  key, text_columns[c]));
                break;
              }
          }
        if (known_mark && deleted == 0)
          g_array_append_val (scan->live, row);
      }
  if (rc != SQLITE_DONE)
    return set_db_error (db, rc, "check", error);

  return TRUE;
}

static void
take_problems (GPtrArray *problems,
               GPtrArray *found)
{
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (problems, g_strdup (found->pdata[i]));
}

/* The span index holds exactly the live annotations with their spans:
 * both read once, sorted, and walked side by side. */
static gboolean
check_span_index (sqlite3     *db,
                  GArray      *live,
                  GPtrArray   *problems,
                  GError     **error)
{
  g_autoptr(GArray) indexed = g_array_new (FALSE, FALSE, sizeof (SpanRow));
  g_autoptr(GHashTable) uuids = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint i = 0, j = 0;
  int rc;

  /* Each indexed row (ids are unique in the index) found live and in
   * place, as many as live: the two hold the same.  Only otherwise are
   * the rows kept, sorted and walked to name what differs. */
  {
    guint n_matched = 0;
    gboolean differ = FALSE;

    rc = sqlite3_prepare_v2 (db, "SELECT id, document0, start0, end0 FROM annotation_span", -1,
                             &stmt, NULL);
    if (rc == SQLITE_OK)
      while (!differ && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          SpanRow s = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
                        sqlite3_column_int64 (stmt, 2), sqlite3_column_int64 (stmt, 3) };
          const SpanRow *a = live->len == 0 ? NULL
                             : bsearch (&s, live->data, live->len, sizeof (SpanRow), span_row_cmp);

          differ = a == NULL || a->document != s.document || a->start != s.start || a->end != s.end;
          n_matched++;
        }
    if (!differ && rc != SQLITE_DONE)
      return set_db_error (db, rc, "check", error);
    g_clear_pointer (&stmt, sqlite3_finalize);
    if (!differ && n_matched == live->len)
      return TRUE;
  }
  if (!read_span_rows (db, "SELECT id, document0, start0, end0 FROM annotation_span",
                       indexed, error))
    return FALSE;
  g_array_sort (indexed, span_row_cmp);

  /* Walk both in id order; report by uuid where the annotation exists. */
  while ((i < live->len || j < indexed->len) && problems->len < 20)
    {
      SpanRow *a = i < live->len ? &g_array_index (live, SpanRow, i) : NULL;
      SpanRow *s = j < indexed->len ? &g_array_index (indexed, SpanRow, j) : NULL;
      gint64 wrong = 0;

      if (a != NULL && s != NULL && a->id == s->id)
        {
          if (a->document != s->document || a->start != s->start || a->end != s->end)
            wrong = a->id;
          i++, j++;
        }
      else if (s == NULL || (a != NULL && a->id < s->id))
        wrong = a->id, i++;
      else
        {
          wrong = -s->id;   /* indexed, but no live annotation has this id */
          j++;
        }

      if (wrong != 0)
        {
          g_autoptr(sqlite3_stmt) q = NULL;

          /* Live and missing, live and misplaced, or a tombstone in the
           * index: the annotation is named.  An id no annotation has is
           * not. */
          rc = sqlite3_prepare_v2 (db, "SELECT uuid FROM annotation WHERE id = ?", -1, &q, NULL);
          if (rc == SQLITE_OK)
            rc = sqlite3_bind_int64 (q, 1, ABS (wrong));
          if (rc == SQLITE_OK && sqlite3_step (q) == SQLITE_ROW)
            g_ptr_array_add (problems, g_strdup_printf ("annotation %s is missing from the span "
                                                        "index", sqlite3_column_text (q, 0)));
          else
            g_ptr_array_add (problems, g_strdup_printf ("the span index holds an unknown "
                                                        "annotation %" G_GINT64_FORMAT,
                                                        ABS (wrong)));
        }
    }

  return TRUE;
}

static gboolean check_invariants (sqlite3    *db,
                                  GPtrArray  *problems,
                                  GError    **error);
static gboolean check_document_texts (sqlite3    *db,
                                      GPtrArray  *problems,
                                      GError    **error);

/* integrity (quick_check), foreign keys and the data's own invariants */
static gboolean
check_contents (sqlite3     *db,
                const char  *path,
                GPtrArray   *problems,
                GError     **error)
{
  g_autoptr(GPtrArray) damage = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) references = g_ptr_array_new_with_free_func (g_free);
  QuickCheck qc = { (char *) path, damage, references, SQLITE_OK, NULL };
  GThread *thread;
  gboolean ok;
  gint64 cache_size;

  /* Each page is read once: a small cache that is reused costs less than
   * filling a large one with fresh memory. */
  cache_size = _gloss_db_swap_cache_size (db, -2048);
  thread = g_thread_new ("gloss-quick-check", quick_check_run, &qc);
  ok = check_invariants (db, problems, error);
  g_thread_join (thread);
  _gloss_db_swap_cache_size (db, cache_size);

  if (qc.rc != SQLITE_DONE)
    {
      g_autofree char *message = qc.message;

      if ((qc.rc & 0xff) == SQLITE_CORRUPT || (qc.rc & 0xff) == SQLITE_NOTADB)
        {
          g_clear_error (error);
          g_ptr_array_set_size (problems, 0);
          g_ptr_array_add (problems, g_steal_pointer (&message));
          return TRUE;
        }
      if (ok)
        {
          g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_IO,
                       _("“%s” could not be read to the end (%s). Check the disk and try "
                         "again."), shown (path), message ? message : sqlite3_errstr (qc.rc));
          return FALSE;
        }
      return FALSE;
    }
  if (damage->len > 0)
    {
      /* The file's own structure comes first: the invariants of a damaged
       * file say little. */
      g_clear_error (error);
      g_ptr_array_set_size (problems, 0);
      for (guint i = 0; i < damage->len; i++)
        g_ptr_array_add (problems, g_strdup (damage->pdata[i]));
      return TRUE;
    }
  /* broken references first, as a reader would look for them */
  for (guint i = 0; ok && i < references->len; i++)
    g_ptr_array_insert (problems, (int) i, g_strdup (references->pdata[i]));

  return ok;
}

typedef struct
{
  const char *sql;
  const char *what;   /* the problem, with the first column for %s */
} InvariantCheck;

/* The small tables' invariants, before and after the annotations' review
 * statuses in the list of problems. */
static const InvariantCheck small_invariants[] = {
  { "SELECT s.id FROM segment s JOIN document d ON d.id = s.document "
    "WHERE NOT (s.start >= 0 AND s.start < s.\"end\" AND s.\"end\" <= d.length) LIMIT 20",
    "segment %s lies outside its document" },
  { "SELECT uuid FROM document WHERE typeof (text) != 'text' OR length (text) != length "
    "OR length < 1 LIMIT 20",
    "document %s: its length does not match its text" },
  { "SELECT c.uuid FROM code c JOIN code p ON p.id = c.parent "
    "WHERE p.dimension != c.dimension LIMIT 20",
    "code %s has a parent in another dimension" },
  /* The schema's CHECK constraints: quick_check skips them on a
   * read-only connection, which is how every file is first opened. */
  { "SELECT uuid FROM dimension WHERE kind NOT IN ('actor', 'theme', 'stance', 'other') "
    "OR multiple NOT IN (0, 1) OR level NOT IN ('nominal', 'ordinal') LIMIT 20",
    "dimension %s has a kind, multiplicity or level Gloss does not know" },
};

static const InvariantCheck small_invariants_after[] = {
  { "SELECT id FROM segment WHERE kind NOT IN ('question', 'answer', 'heading', 'link', "
    "'other') LIMIT 20",
    "segment %s has a kind Gloss does not know" },
};

static gboolean
run_invariant_checks (sqlite3               *db,
                      const InvariantCheck  *checks,
                      guint                  n_checks,
                      GPtrArray             *problems,
                      GError               **error)
{
  for (guint i = 0; i < n_checks; i++)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;
      int rc = sqlite3_prepare_v2 (db, checks[i].sql, -1, &stmt, NULL);

      if (rc == SQLITE_OK)
        while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
          g_ptr_array_add (problems, g_strdup_printf (checks[i].what,
                                                      sqlite3_column_text (stmt, 0)));
      if (rc != SQLITE_DONE)
        return set_db_error (db, rc, "check", error);
    }

  return TRUE;
}

/* Cycles in the code tree would make every tree walk loop. */
static gboolean
check_code_cycles (sqlite3     *db,
                   GPtrArray   *problems,
                   GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db,
                           "WITH RECURSIVE up (id, anc, depth) AS ("
                           " SELECT id, parent, 1 FROM code WHERE parent IS NOT NULL"
                           " UNION ALL SELECT up.id, c.parent, up.depth + 1 FROM up"
                           " JOIN code c ON c.id = up.anc WHERE c.parent IS NOT NULL"
                           " AND up.depth < 1000)"
                           " SELECT DISTINCT c.uuid FROM up JOIN code c ON c.id = up.id"
                           " WHERE up.anc = up.id OR up.depth >= 1000 LIMIT 20",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_ptr_array_add (problems, g_strdup_printf ("code %s is its own ancestor",
                                                  sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    return set_db_error (db, rc, "check", error);

  return TRUE;
}

/* The part of the check that what a window shows first rests on: the
 * small tables' indexes, references, invariants and texts, and the
 * documents' texts.  A file opened with GLOSS_OPEN_DEFER_CHECK is shown
 * after this part; gloss_project_complete_check_async() runs the whole
 * check before anything may change the file. */
static gboolean
check_small_tables (sqlite3     *db,
                    GPtrArray   *problems,
                    GError     **error)
{
  g_autoptr(GPtrArray) damage = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) references = g_ptr_array_new_with_free_func (g_free);
  int rc;

  rc = check_small_indexes (db, damage);
  if (rc == SQLITE_DONE && damage->len == 0)
    rc = check_small_references (db, references);
  if (rc != SQLITE_DONE)
    {
      if ((rc & 0xff) != SQLITE_CORRUPT && (rc & 0xff) != SQLITE_NOTADB)
        return set_db_error (db, rc, "check", error);
      g_ptr_array_add (problems, g_strdup (sqlite3_errmsg (db)));
      return TRUE;
    }
  if (damage->len > 0)
    {
      take_problems (problems, damage);
      return TRUE;
    }

  if (!run_invariant_checks (db, small_invariants, G_N_ELEMENTS (small_invariants), problems,
                             error) ||
      !run_invariant_checks (db, small_invariants_after, G_N_ELEMENTS (small_invariants_after),
                             problems, error) ||
      !check_text_columns (db, problems, error) ||
      !check_code_cycles (db, problems, error) ||
      !check_document_texts (db, problems, error))
    return FALSE;
  /* broken references first, as a reader would look for them */
  for (guint i = 0; i < references->len; i++)
    g_ptr_array_insert (problems, (int) i, g_strdup (references->pdata[i]));

  return TRUE;
}

static gboolean
check_invariants (sqlite3     *db,
                  GPtrArray   *problems,
                  GError     **error)
{
  g_auto(AnnotationScan) scan = { NULL, };

  /* (the references of the smaller tables are checked beside quick_check) */
  if (!scan_annotations (db, &scan, error))
    return FALSE;
  take_problems (problems, scan.outside);
  if (!run_invariant_checks (db, small_invariants, G_N_ELEMENTS (small_invariants), problems,
                             error))
    return FALSE;
  take_problems (problems, scan.unknown);
  if (!run_invariant_checks (db, small_invariants_after, G_N_ELEMENTS (small_invariants_after),
                             problems, error))
    return FALSE;

  if (!check_annotation_codes (db, scan.ids, scan.live, scan.references, problems, error)
      || !check_span_index (db, scan.live, problems, error)
      || !check_text_columns (db, problems, error))
    return FALSE;
  take_problems (problems, scan.not_utf8);
  /* broken references first, as a reader would look for them */
  for (guint i = 0; i < scan.references->len; i++)
    g_ptr_array_insert (problems, (int) i, g_strdup (scan.references->pdata[i]));

  return check_code_cycles (db, problems, error) && check_document_texts (db, problems, error);
}

/* Each document's text is UTF-8 and matches its SHA-256. */
static gboolean
check_document_texts (sqlite3     *db,
                      GPtrArray   *problems,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT uuid, text, sha256 FROM document", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, 1);
      int len = sqlite3_column_bytes (stmt, 1);
      g_autofree char *sum = NULL;

      if (text == NULL || !g_utf8_validate (text, len, NULL))
        {
          g_ptr_array_add (problems, g_strdup_printf ("document %s: its text is not valid UTF-8",
                                                      sqlite3_column_text (stmt, 0)));
          continue;
        }
      sum = sha256_of (text, len);
      if (g_strcmp0 (sum, (const char *) sqlite3_column_text (stmt, 2)) != 0)
        g_ptr_array_add (problems, g_strdup_printf ("document %s: its text does not match its SHA-256",
                                                    sqlite3_column_text (stmt, 0)));
    }
  if (rc != SQLITE_DONE)
    return set_db_error (db, rc, "check", error);

  return TRUE;
}


/* ------------------------------------------------------------------------
 * Check stamps
 *
 * Checking a project in full reads all of it: 0.3 s of CPU for a file of
 * 60 MB.  A file this user's Gloss checked in full, or whose every change
 * since such a check was written by Gloss itself, gets a stamp in the
 * user's cache folder naming its device, inode, size and modification and
 * status-change times.  While all of these stay the same nothing has
 * written to the file, so the next open skips the full check (the schema is
 * still compared).  The status-change time cannot be set by any program;
 * a stamp is written only when that time is older than the file system's
 * timestamp granularity, so that a later write within the same tick cannot
 * hide.  A file from someone else is a new inode: checked in full.
 * `gloss-cli check` always checks in full.
 * ------------------------------------------------------------------------ */

#define CHECK_STAMP_VERSION 4   /* raise whenever the open checks change */

static char *
stamp_path (dev_t dev,
            ino_t ino)
{
  g_autofree char *name = g_strdup_printf ("%llx-%llx", (unsigned long long) dev,
                                           (unsigned long long) ino);

  return g_build_filename (g_get_user_cache_dir (), "gloss", "checked", name, NULL);
}

static char *
stamp_text (const struct stat *st)
{
  return g_strdup_printf ("gloss-check %d %d %lld %lld.%09ld %lld.%09ld\n",
                          CHECK_STAMP_VERSION, GLOSS_SCHEMA_VERSION, (long long) st->st_size,
                          (long long) st->st_mtim.tv_sec, (long) st->st_mtim.tv_nsec,
                          (long long) st->st_ctim.tv_sec, (long) st->st_ctim.tv_nsec);
}

static gboolean
same_stat (const struct stat *a,
           const struct stat *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
         a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Whether a write now could still leave the times as they are: within
 * 50 ms on file systems with fine timestamps (the kernel's clock tick is at
 * most 10 ms), within 2.5 s on those that keep whole (or even) seconds. */
static gboolean
stamp_racy (const struct stat *st)
{
  gint64 changed = (gint64) st->st_ctim.tv_sec * G_USEC_PER_SEC + st->st_ctim.tv_nsec / 1000;
  gboolean coarse = st->st_ctim.tv_nsec == 0 && st->st_mtim.tv_nsec == 0;

  return g_get_real_time () - changed < (coarse ? 2500000 : 50000);
}

static gboolean
stamp_matches (const struct stat *st)
{
  g_autofree char *path = stamp_path (st->st_dev, st->st_ino);
  g_autofree char *expected = stamp_text (st);
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (g_getenv ("GLOSS_CHECK_ALWAYS") != NULL)
    return FALSE;

  return g_file_get_contents (path, &contents, &length, NULL) &&
         length == strlen (expected) && memcmp (contents, expected, length) == 0;
}

static void
stamp_write (const struct stat *st)
{
  g_autofree char *path = stamp_path (st->st_dev, st->st_ino);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *text = stamp_text (st);

  /* A cache: when it cannot be written, the next open checks in full. */
  if (stamp_racy (st) || g_mkdir_with_parents (dir, 0700) != 0)
    return;
  g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL);
}

/* Stamps the file when every change since it was checked was this
 * object's own. */
static void
stamp_if_own (GlossProject *self)
{
  struct stat st;

  if (self->vouched && self->wrote && self->path != NULL &&
      g_lstat (self->path, &st) == 0 && same_stat (&st, &self->own_stat))
    stamp_write (&st);
}

/**
 * gloss_project_stamp_checked:
 *
 * Records that the file needs no full check at its next open, when every
 * change since this project checked it was its own (and the last was not
 * within the file system's timestamp granularity).  Done when the project
 * is finalized too; a window calls it when it lets go of its project,
 * which other parts of the program may hold until the process ends.
 */
void
gloss_project_stamp_checked (GlossProject *self)
{
  g_return_if_fail (GLOSS_IS_PROJECT (self));

  stamp_if_own (self);
}

/* Whether a -journal lies beside the file: then it is checked in full. */
static gboolean
has_journal (const char *path)
{
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  return g_file_test (journal, G_FILE_TEST_EXISTS);
}

static gboolean
read_header (const char  *path,
             guint8       header[100],
             goffset      size,
             GError     **error)
{
  static const char magic[16] = "SQLite format 3";
  int fd;
  gssize n = 0;

  fd = g_open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, GLOSS_PROJECT_ERROR,
                   saved == EACCES || saved == EPERM ? GLOSS_PROJECT_ERROR_PERMISSION
                                                     : GLOSS_PROJECT_ERROR_NOT_FOUND,
                   _("“%s” could not be read: %s. Check that the file is there and that "
                     "you may read it."), shown (path), g_strerror (saved));
      return FALSE;
    }

  while (n < 100)
    {
      gssize r = read (fd, header + n, 100 - n);

      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        break;
      n += r;
    }
  close (fd);

  if (n < 16 || memcmp (header, magic, 16) != 0)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NOT_SQLITE,
                   _("“%s” is not a Gloss project (it is not a database file at all). "
                     "Nothing was changed."), shown (path));
      return FALSE;
    }

  if (n < 100)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_CORRUPT,
                   _("“%s” is cut short (%lld bytes): it may have been "
                     "copied incompletely. Copy it again. Nothing was changed."), shown (path),
                   (long long) size);
      return FALSE;
    }

  {
    guint32 app_id = GUINT32_FROM_BE (*(guint32 *) (header + 68));
    guint32 page_size = (header[16] << 8) | header[17];
    guint32 change_counter = GUINT32_FROM_BE (*(guint32 *) (header + 24));
    guint32 n_pages = GUINT32_FROM_BE (*(guint32 *) (header + 28));
    guint32 valid_for = GUINT32_FROM_BE (*(guint32 *) (header + 92));

    if (page_size == 1)
      page_size = 65536;

    if (app_id != GLOSS_APPLICATION_ID)
      {
        g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_FOREIGN,
                     _("“%s” is a database of another program, not a Gloss project. "
                       "Nothing was changed."), shown (path));
        return FALSE;
      }

    /* A crash in the middle of a commit leaves the new header (page 1 is
     * written first) on a file not yet grown, beside the journal that
     * undoes it: that is for the journal's rollback to mend, not a short
     * copy.  After the rollback this check runs again. */
    g_autofree char *journal = g_strconcat (path, "-journal", NULL);
    struct stat journal_st;
    gboolean journal_pending = g_lstat (journal, &journal_st) == 0 && journal_st.st_size > 0;

    if (change_counter == valid_for && n_pages > 0 &&
        (goffset) n_pages * page_size > size && !journal_pending)
      {
        g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_CORRUPT,
                     _("“%s” is cut short: it should hold %lld bytes but "
                       "holds %lld. It may have been copied incompletely. "
                       "Copy it again. Nothing was changed."),
                     shown (path), (long long) n_pages * page_size, (long long) size);
        return FALSE;
      }
  }

  return TRUE;
}

static gboolean
check_file (const char   *path,
            struct stat  *st,
            GError      **error)
{
  if (g_lstat (path, st) != 0)
    {
      int saved = errno;

      if (saved == ENOENT || saved == ENOTDIR)
        g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NOT_FOUND,
                     _("There is no file “%s”. Check the name; to start a new project, "
                       "create one."), shown (path));
      else
        g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_PERMISSION,
                     _("“%s” could not be read: %s."), shown (path), g_strerror (saved));
      return FALSE;
    }

  if (S_ISLNK (st->st_mode))
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_SYMLINK,
                   _("“%s” is a symbolic link. Open the file it points to instead."), shown (path));
      return FALSE;
    }

  if (S_ISDIR (st->st_mode))
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_IS_DIRECTORY,
                   _("“%s” is a folder, not a Gloss project."), shown (path));
      return FALSE;
    }

  if (!S_ISREG (st->st_mode))
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NOT_SQLITE,
                   _("“%s” is not a regular file, so it cannot be a Gloss project."), shown (path));
      return FALSE;
    }

  if (st->st_size == 0)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_EMPTY_FILE,
                   _("“%s” is empty (0 bytes), not a Gloss project. If it should hold your "
                     "work, restore it from a backup."), shown (path));
      return FALSE;
    }

  return TRUE;
}

static gboolean
backup_before_migration (const char  *path,
                         int          version,
                         GError     **error)
{
  g_autofree char *backup = g_strdup_printf ("%s.schema-%d.bak", path, version);
  g_autoptr(GFile) source = g_file_new_for_path (path);
  g_autoptr(GFile) target = g_file_new_for_path (backup);

  if (!g_file_copy (source, target, G_FILE_COPY_OVERWRITE | G_FILE_COPY_NOFOLLOW_SYMLINKS,
                    NULL, NULL, NULL, error))
    {
      g_prefix_error (error, _("Could not make a backup copy before upgrading the project: "));
      return FALSE;
    }

  return TRUE;
}

static gboolean
load_project_row (GlossProject  *self,
                  GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, "SELECT value FROM project WHERE key = 'uuid'", -1,
                          &stmt, NULL) != SQLITE_OK)
    return _gloss_project_fail (self, "project", error);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    self->uuid = column_dup (stmt, 0);
  else if (rc != SQLITE_DONE)
    return set_db_error (self->db, rc, self->path, error);

  if (self->uuid == NULL)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVARIANT,
                   _("“%s” has no project identity. Nothing was changed."), shown (self->path));
      return FALSE;
    }

  return TRUE;
}

/* The problems a check found, as the error that refuses the file. */
static void
set_problems_error (const char  *path,
                    GPtrArray   *problems,
                    GError     **error)
{
  gboolean damaged = g_str_has_prefix (problems->pdata[0], "damaged") ||
                     strstr (problems->pdata[0], "malformed") != NULL;
  g_autofree char *list = NULL;

  g_ptr_array_add (problems, NULL);
  list = g_strjoinv ("; ", (char **) problems->pdata);
  g_ptr_array_set_size (problems, problems->len - 1);
  if (!g_utf8_validate (list, -1, NULL))
    {
      /* Problems quote uuids, names and SQLite's messages from the file. */
      char *valid = g_utf8_make_valid (list, -1);

      g_free (list);
      list = valid;
    }
  g_set_error (error, GLOSS_PROJECT_ERROR,
               damaged ? GLOSS_PROJECT_ERROR_CORRUPT : GLOSS_PROJECT_ERROR_INVARIANT,
               _("“%s” is damaged and Gloss does not open it: %s. Restore it from a "
                 "backup. Nothing was changed."),
               shown (path), list);
}

/* The connection a checked project works on: read-write with Gloss's
 * settings (an older schema migrated first), or read-only when the user
 * may not write the file or its folder (self->read_only says which). */
static sqlite3 *
open_for_use (GlossProject     *self,
              GlossOpenFlags    flags,
              gint64            version,
              GError          **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  const char *path = self->path;
  sqlite3 *db;

  g_clear_pointer (&self->read_only_reason, g_free);
  self->read_only = access (path, W_OK) != 0 || access (dir, W_OK) != 0;
  if (self->read_only)
    self->read_only_reason = g_strdup (_("You may not change this file or its folder, so "
                                         "the project is open read-only. Save a copy "
                                         "elsewhere to work on it."));
  db = open_connection (path, self->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE,
                        error);
  if (db == NULL)
    return NULL;

  /* EXTRA, not FULL: in DELETE mode a commit is the journal's unlink,
   * and only EXTRA syncs the directory after it.  Under FULL a power
   * cut soon after a commit can bring the journal back and roll the
   * commit back (tests/test-powerloss.c shows it). */
  if (!self->read_only &&
      !exec_sql (db,
                 "PRAGMA journal_mode = DELETE;"
                 "PRAGMA synchronous = EXTRA;"
                 "PRAGMA foreign_keys = ON;", error))
    goto fail;

  if (!self->read_only && version < GLOSS_SCHEMA_VERSION)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d",
                                              GLOSS_SCHEMA_VERSION);

      if (!backup_before_migration (path, (int) version, error))
        goto fail;
      if (!exec_sql (db, "BEGIN IMMEDIATE", error))
        goto fail;
      if (!run_migrations (db, (int) version, error) ||
          !exec_sql (db, sql, error) ||
          !check_schema (db, GLOSS_SCHEMA_VERSION, path, error))
        {
          exec_sql (db, "ROLLBACK", NULL);
          goto fail;
        }
      if (version == 0)
        {
          g_autofree char *uuid = g_uuid_string_random ();
          g_autoptr(sqlite3_stmt) stmt = NULL;

          sqlite3_prepare_v2 (db, "INSERT OR IGNORE INTO project (key, value) "
                              "VALUES ('uuid', ?)", -1, &stmt, NULL);
          sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
          if (sqlite3_step (stmt) != SQLITE_DONE)
            {
              set_db_error (db, sqlite3_extended_errcode (db), "migration", error);
              g_clear_pointer (&stmt, sqlite3_finalize);
              exec_sql (db, "ROLLBACK", NULL);
              goto fail;
            }
        }
      if (!exec_sql (db, "COMMIT", error))
        {
          exec_sql (db, "ROLLBACK", NULL);
          goto fail;
        }
    }
  else if (version < GLOSS_SCHEMA_VERSION)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_READ_ONLY,
                   _("This project was made by an older version of Gloss and must be "
                     "upgraded, but it cannot be written. Copy it somewhere you may write "
                     "and open the copy."));
      goto fail;
    }

  return db;

fail:
  sqlite3_close_v2 (db);
  return NULL;
}

static GlossProject *
open_checked (const char      *path,
              GlossOpenFlags   flags,
              gboolean         allow_rollback,
              gboolean         allow_stamp,
              GError         **error)
{
  g_autoptr(GlossProject) self = NULL;
  gboolean trusted = FALSE;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  struct stat st;
  guint8 header[100];
  sqlite3 *db;
  gint64 version = 0;
  gboolean defer;
  int rc;

  if (!check_file (path, &st, error))
    return NULL;

  if (!read_header (path, header, st.st_size, error))
    return NULL;

  version = GUINT32_FROM_BE (*(guint32 *) (header + 60));
  if (version > GLOSS_SCHEMA_VERSION)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NEWER_SCHEMA,
                   _("This project was made by a newer version of Gloss (schema %d); this "
                     "version reads up to schema %d. Update Gloss to open it. Nothing was "
                     "changed."), (int) version, GLOSS_SCHEMA_VERSION);
      return NULL;
    }

  db = open_connection (path, SQLITE_OPEN_READONLY, error);
  if (db == NULL)
    return NULL;

  /* A hot journal left by a crash: let SQLite roll it back once, then check. */
  rc = sqlite3_exec (db, "SELECT count (*) FROM sqlite_schema", NULL, NULL, NULL);
  if (rc == SQLITE_READONLY_ROLLBACK && allow_rollback && !(flags & GLOSS_OPEN_READ_ONLY))
    {
      sqlite3 *rw;

      sqlite3_close_v2 (db);
      rw = open_connection (path, SQLITE_OPEN_READWRITE, error);
      if (rw == NULL)
        return NULL;
      rc = sqlite3_exec (rw, "SELECT count (*) FROM sqlite_schema", NULL, NULL, NULL);
      sqlite3_close_v2 (rw);
      if (rc != SQLITE_OK)
        {
          set_db_error (NULL, rc, path, error);
          return NULL;
        }
      return open_checked (path, flags, FALSE, allow_stamp, error);
    }
  else if (rc != SQLITE_OK)
    {
      if (rc == SQLITE_READONLY_ROLLBACK && (flags & GLOSS_OPEN_READ_ONLY))
        g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_READ_ONLY,
                     _("“%s” was left unfinished by a crash and needs repair before it can "
                       "be read. Open it in Gloss once (or run “gloss-cli check” on it), "
                       "then try again. Nothing was changed."), shown (path));
      else if ((rc & 0xff) == SQLITE_READONLY)
        g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_READ_ONLY,
                     _("“%s” was left unfinished by a crash and needs repair, but it cannot "
                       "be written. Copy it somewhere you may write and open the copy."),
                     shown (path));
      else if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
        {
          g_autofree char *message = g_utf8_make_valid (sqlite3_errmsg (db), -1);

          g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_CORRUPT,
                       _("“%s” is damaged (%s). Restore it from a backup. Nothing was "
                         "changed."), shown (path), message);
        }
      else
        set_db_error (db, rc, path, error);
      sqlite3_close_v2 (db);
      return NULL;
    }

  trusted = allow_stamp && version == GLOSS_SCHEMA_VERSION && !has_journal (path) &&
            stamp_matches (&st);
  defer = (flags & GLOSS_OPEN_DEFER_CHECK) && !(flags & GLOSS_OPEN_READ_ONLY) &&
          version == GLOSS_SCHEMA_VERSION && !trusted;
  if (version == 0 || version == GLOSS_SCHEMA_VERSION)
    {
      /* Older schemas are checked for identity only; their data is checked
       * again once migrated, at the next open. */
      if (!check_schema (db, (int) version, path, error) ||
          (version == GLOSS_SCHEMA_VERSION && !trusted &&
           !(defer ? check_small_tables (db, problems, error)
                   : check_contents (db, path, problems, error))))
        {
          sqlite3_close_v2 (db);
          return NULL;
        }
    }

  if (problems->len > 0)
    {
      set_problems_error (path, problems, error);
      sqlite3_close_v2 (db);
      return NULL;
    }

  /* A stamp vouches for the file as it was stat'ed: if it changed since,
   * check it in full after all.  A file checked in full gets a stamp when
   * it did not change while it was checked. */
  {
    struct stat after;
    gboolean unchanged = g_lstat (path, &after) == 0 && same_stat (&st, &after);

    if (trusted && !unchanged)
      {
        sqlite3_close_v2 (db);
        return open_checked (path, flags, allow_rollback, FALSE, error);
      }
    if (!trusted && !defer && unchanged && version == GLOSS_SCHEMA_VERSION)
      stamp_write (&st);
  }

  self = g_object_new (GLOSS_TYPE_PROJECT, NULL);
  self->path = g_strdup (path);
  self->dev = st.st_dev;
  self->ino = st.st_ino;
  self->own_stat = st;
  self->vouched = version == GLOSS_SCHEMA_VERSION && !defer;
  self->trusted = trusted;

  if (defer)
    {
      /* Read, never written, until the rest of the check has passed. */
      self->db = db;
      self->read_only = TRUE;
      self->checking = TRUE;
      self->open_flags = flags;
      self->read_only_reason = g_strdup (_("Gloss is still checking this project. It can be "
                                           "changed once the check is done."));
    }
  else if (flags & GLOSS_OPEN_READ_ONLY)
    {
      self->db = db;
      self->read_only = TRUE;
      self->read_only_reason = g_strdup (_("The project was opened read-only."));
    }
  else
    {
      sqlite3_close_v2 (db);
      self->db = open_for_use (self, flags, version, error);
      if (self->db == NULL)
        return NULL;
    }

  if (version < GLOSS_SCHEMA_VERSION && (flags & GLOSS_OPEN_READ_ONLY))
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_READ_ONLY,
                   _("This project was made by an older version of Gloss and must be upgraded "
                     "before it can be read. Open it for writing once."));
      return NULL;
    }

  if (!load_project_row (self, error))
    return NULL;
  load_default_annotator (self);

  if (!query_single_int (self->db, "PRAGMA data_version", &self->data_version, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * gloss_project_open:
 * @path: the project file
 * @flags: #GlossOpenFlags
 *
 * Opens a project file after checking it read-only: header, application id,
 * schema version, integrity, schema identity and the data's invariants.
 * Never creates a file.  A file the user cannot write opens read-only (see
 * gloss_project_get_read_only_reason()).
 *
 * Returns: (transfer full): the project, or %NULL with @error set
 */
GlossProject *
gloss_project_open (const char      *path,
                    GlossOpenFlags   flags,
                    GError         **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return open_checked (path, flags, TRUE, TRUE, error);
}

typedef struct
{
  const char     *path;
  GlossOpenFlags  flags;
  GlossProject   *project;
  GError         *error;
} OpenJob;

static void
open_job_run (gpointer data,
              gpointer user_data)
{
  OpenJob *job = data;

  job->project = open_checked (job->path, job->flags, TRUE, TRUE, &job->error);
}

/**
 * gloss_project_open_many:
 * @paths: (array length=n_paths): the files
 *
 * Opens several projects as gloss_project_open() does, checking them on
 * as many cores as there are: comparing two files takes the time of one.
 * A path named twice is opened twice.
 *
 * Returns: (transfer full) (element-type GlossProject): the projects in
 *   the order of @paths, or %NULL with @error set for the first (in that
 *   order) that could not be opened
 */
GPtrArray *
gloss_project_open_many (const char * const  *paths,
                         guint                n_paths,
                         GlossOpenFlags       flags,
                         GError             **error)
{
  g_autofree OpenJob *jobs = g_new0 (OpenJob, n_paths);
  g_autoptr(GPtrArray) projects = g_ptr_array_new_with_free_func (g_object_unref);
  GThreadPool *pool = NULL;
  guint failed = n_paths;

  g_return_val_if_fail (paths != NULL || n_paths == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (n_paths > 1)
    pool = g_thread_pool_new (open_job_run, NULL,
                              (int) MIN (n_paths, (guint) MAX (g_get_num_processors (), 1)),
                              FALSE, NULL);
  for (guint i = 0; i < n_paths; i++)
    {
      jobs[i].path = paths[i];
      jobs[i].flags = flags;
      if (pool == NULL || !g_thread_pool_push (pool, &jobs[i], NULL))
        open_job_run (&jobs[i], NULL);
    }
  if (pool != NULL)
    g_thread_pool_free (pool, FALSE, TRUE);

  for (guint i = 0; i < n_paths; i++)
    {
      if (jobs[i].project == NULL && failed == n_paths)
        failed = i;
      if (jobs[i].project != NULL)
        g_ptr_array_add (projects, jobs[i].project);
      if (i != failed)
        g_clear_error (&jobs[i].error);
    }
  if (failed < n_paths)
    {
      g_propagate_error (error, jobs[failed].error);
      return NULL;
    }

  return g_steal_pointer (&projects);
}

/* The rest of a deferred check, on a thread with connections of its own. */
typedef struct
{
  char        *path;
  struct stat  st;         /* the file as the project opened it */
  GPtrArray   *problems;
} DeferredCheck;

static void
deferred_check_free (gpointer data)
{
  DeferredCheck *check = data;

  g_free (check->path);
  g_ptr_array_unref (check->problems);
  g_free (check);
}

static void
deferred_check_run (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  DeferredCheck *check = task_data;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = open_connection (check->path, SQLITE_OPEN_READONLY, &error);
  struct stat now;
  gboolean ok = db != NULL;

  /* The file the project reads, not another put in its place since. */
  if (ok && (g_lstat (check->path, &now) != 0 || now.st_dev != check->st.st_dev ||
             now.st_ino != check->st.st_ino))
    {
      g_set_error (&error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_REPLACED,
                   _("“%s” was moved, deleted or replaced by another program while Gloss "
                     "checked it. Open the file again."), shown (check->path));
      ok = FALSE;
    }
  ok = ok && check_schema (db, GLOSS_SCHEMA_VERSION, check->path, &error) &&
       check_contents (db, check->path, check->problems, &error);
  g_clear_pointer (&db, sqlite3_close_v2);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * gloss_project_is_checking:
 *
 * Returns: whether the project was opened with %GLOSS_OPEN_DEFER_CHECK and
 *   the rest of its check has not passed yet (it is read-only until then)
 */
gboolean
gloss_project_is_checking (GlossProject *self)
{
  g_return_val_if_fail (GLOSS_IS_PROJECT (self), FALSE);
  return self->checking;
}

/**
 * gloss_project_complete_check_async:
 *
 * Runs the part of the full check that %GLOSS_OPEN_DEFER_CHECK put off
 * (quick_check, the annotations, their codes and the span index) on
 * threads of its own.  Completes at once when nothing is left to check.
 */
void
gloss_project_complete_check_async (GlossProject        *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  DeferredCheck *check;

  g_return_if_fail (GLOSS_IS_PROJECT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gloss_project_complete_check_async);
  if (!self->checking)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  check = g_new0 (DeferredCheck, 1);
  check->path = g_strdup (self->path);
  check->st = self->own_stat;
  check->problems = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, check, deferred_check_free);
  g_task_run_in_thread (task, deferred_check_run);
}

/* A deferred check that did not pass: the project stays read-only, for
 * good, and says why. */
static void
refuse (GlossProject *self,
        const GError *error)
{
  self->checking = FALSE;
  self->read_only = TRUE;
  g_free (self->read_only_reason);
  self->read_only_reason = g_strdup (error->message);
}

/**
 * gloss_project_complete_check_finish:
 *
 * When the check passed, the project is now as gloss_project_open() would
 * have opened it: writable (unless the user may not write the file) and
 * stamped.  Otherwise @error says what is wrong, as gloss_project_open()
 * would have, and the project stays read-only: let go of it.
 *
 * Returns: whether the file passed the whole check
 */
gboolean
gloss_project_complete_check_finish (GlossProject  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  DeferredCheck *check;
  g_autoptr(GError) local_error = NULL;
  struct stat after;
  sqlite3 *db;

  g_return_val_if_fail (GLOSS_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  check = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), &local_error))
    {
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        refuse (self, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (check == NULL || !self->checking)
    return TRUE;   /* nothing was left to check */

  if (check->problems->len > 0)
    {
      set_problems_error (self->path, check->problems, &local_error);
      refuse (self, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (g_lstat (self->path, &after) == 0 && same_stat (&check->st, &after))
    stamp_write (&after);

  /* Whatever another program wrote meanwhile is shown before the
   * reading connection goes. */
  gloss_project_poll_external_changes (self);

  db = open_for_use (self, self->open_flags, GLOSS_SCHEMA_VERSION, &local_error);
  if (db == NULL)
    {
      refuse (self, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_hash_table_remove_all (self->statements);   /* prepared on the reading connection */
  sqlite3_close_v2 (self->db);
  self->db = db;
  self->checking = FALSE;
  self->vouched = TRUE;
  if (!query_single_int (self->db, "PRAGMA data_version", &self->data_version, error))
    return FALSE;

  return TRUE;
}

gboolean
_gloss_project_opened_on_stamp (GlossProject *self)
{
  return self->trusted;
}

const char *
gloss_project_get_path (GlossProject *self)
{
  g_return_val_if_fail (GLOSS_IS_PROJECT (self), NULL);
  return self->path;
}

const char *
gloss_project_get_uuid (GlossProject *self)
{
  g_return_val_if_fail (GLOSS_IS_PROJECT (self), NULL);
  return self->uuid;
}

gboolean
gloss_project_is_read_only (GlossProject *self)
{
  g_return_val_if_fail (GLOSS_IS_PROJECT (self), TRUE);
  return self->read_only;
}

/**
 * gloss_project_get_read_only_reason:
 *
 * Returns: (nullable): why the project is read-only, for the user
 */
const char *
gloss_project_get_read_only_reason (GlossProject *self)
{
  g_return_val_if_fail (GLOSS_IS_PROJECT (self), NULL);
  return self->read_only_reason;
}

/* ------------------------------------------------------------------------
 * Writes: one transaction per operation, recorded as a session changeset
 * ------------------------------------------------------------------------ */

static int
session_table_filter (void       *user_data,
                      const char *table)
{
  /* The span index is derived and kept in step by hand; the change log
   * records changesets and is not itself undone. */
  return !g_str_has_prefix (table, "annotation_span") &&
         !g_str_equal (table, "change") &&
         !g_str_equal (table, "project");
}

static gboolean
check_writable (GlossProject  *self,
                GError       **error)
{
  struct stat st;

  if (self->read_only)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_READ_ONLY,
                   "%s", self->read_only_reason != NULL ? self->read_only_reason
                                                        : _("The project is read-only."));
      return FALSE;
    }

  if (g_stat (self->path, &st) != 0 || st.st_dev != self->dev || st.st_ino != self->ino)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_REPLACED,
                   _("“%s” was moved, deleted or replaced by another program since Gloss "
                     "opened it. Your change was not written; open the file again."),
                   shown (self->path));
      return FALSE;
    }
  if (!same_stat (&st, &self->own_stat))
    self->vouched = FALSE;   /* written by someone else since */

  return TRUE;
}

gboolean
_gloss_project_begin (GlossProject  *self,
                      GError       **error)
{
  g_return_val_if_fail (!self->in_write, FALSE);

  if (!check_writable (self, error))
    return FALSE;

  if (!exec_sql (self->db, "BEGIN IMMEDIATE", error))
    return FALSE;
  self->in_write = TRUE;

  if (sqlite3session_create (self->db, "main", &self->session) != SQLITE_OK)
    {
      _gloss_project_fail (self, "session", error);
      exec_sql (self->db, "ROLLBACK", NULL);
      return FALSE;
    }
  sqlite3session_table_filter (self->session, session_table_filter, NULL);
  if (sqlite3session_attach (self->session, NULL) != SQLITE_OK)
    {
      _gloss_project_fail (self, "session", error);
      _gloss_project_rollback (self);
      return FALSE;
    }

  return TRUE;
}

gboolean
_gloss_project_begin_untracked (GlossProject  *self,
                                GError       **error)
{
  g_return_val_if_fail (!self->in_write, FALSE);

  if (!check_writable (self, error))
    return FALSE;
  if (!exec_sql (self->db, "BEGIN IMMEDIATE", error))
    return FALSE;

  self->in_write = TRUE;
  self->untracked = TRUE;
  return TRUE;
}

void
_gloss_project_rollback (GlossProject *self)
{
  self->in_write = FALSE;
  self->untracked = FALSE;
  g_clear_pointer (&self->session, sqlite3session_delete);
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  text_cache_clear (&self->text_cache);
}

static gboolean
log_change (GlossProject  *self,
            const char    *action,
            const void    *changeset,
            int            n_changeset,
            GError       **error)
{
  static const char sql[] =
    "INSERT INTO change (at, annotator, action, changeset) VALUES (?, ?, ?, ?)";
  g_autoptr(GlossStmt) stmt = prepare (self, sql, error);
  g_autofree char *now = gloss_timestamp_now ();

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 2, gloss_project_get_default_annotator (self));
  sqlite3_bind_text (stmt, 3, action, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob (stmt, 4, changeset, n_changeset, SQLITE_TRANSIENT);

  return step_done (self, stmt, "change log", error);
}

static void
after_commit (GlossProject *self)
{
  gint64 version = 0;
  struct stat st;

  /* data_version moves only when another connection commits. */
  if (query_single_int (self->db, "PRAGMA data_version", &version, NULL))
    {
      if (version != self->data_version)
        self->vouched = FALSE;
      self->data_version = version;
    }
  else
    self->vouched = FALSE;
  if (g_stat (self->path, &st) == 0)
    self->own_stat = st;
  else
    self->vouched = FALSE;
  self->wrote = TRUE;
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
_gloss_project_commit (GlossProject  *self,
                       const char    *action,
                       GError       **error)
{
  void *changeset = NULL;
  int n_changeset = 0;
  int rc;

  g_return_val_if_fail (self->in_write, FALSE);

  if (self->untracked)
    {
      /* Logged without a changeset; the undo history ends here, since
       * older changesets may not apply across what this wrote. */
      if (!log_change (self, action, NULL, 0, error) ||
          !exec_sql (self->db, "COMMIT", error))
        {
          _gloss_project_rollback (self);
          return FALSE;
        }
      self->in_write = FALSE;
      self->untracked = FALSE;
      g_ptr_array_set_size (self->undo_stack, 0);
      g_ptr_array_set_size (self->redo_stack, 0);
      after_commit (self);
      return TRUE;
    }

  rc = sqlite3session_changeset (self->session, &n_changeset, &changeset);
  g_clear_pointer (&self->session, sqlite3session_delete);
  if (rc != SQLITE_OK)
    {
      set_db_error (self->db, rc, "changeset", error);
      _gloss_project_rollback (self);
      return FALSE;
    }

  if (n_changeset > 0 && !log_change (self, action, changeset, n_changeset, error))
    {
      sqlite3_free (changeset);
      _gloss_project_rollback (self);
      return FALSE;
    }

  if (!exec_sql (self->db, "COMMIT", error))
    {
      sqlite3_free (changeset);
      _gloss_project_rollback (self);
      return FALSE;
    }
  self->in_write = FALSE;

  if (n_changeset > 0)
    {
      UndoEntry *entry = g_new0 (UndoEntry, 1);

      entry->label = g_strdup (action);
      entry->changeset = g_bytes_new (changeset, n_changeset);
      g_ptr_array_add (self->undo_stack, entry);
      g_ptr_array_set_size (self->redo_stack, 0);
    }
  sqlite3_free (changeset);

  after_commit (self);
  return TRUE;
}

/* Finishes a write: commits when @ok, else rolls back.  Returns @ok. */
static gboolean
finish_write (GlossProject  *self,
              gboolean       ok,
              const char    *action,
              GError       **error)
{
  if (!ok)
    {
      _gloss_project_rollback (self);
      return FALSE;
    }

  return _gloss_project_commit (self, action, error);
}

sqlite3 *
_gloss_project_get_db (GlossProject *self)
{
  return self->db;
}

/* Plain transaction for settings that are not undoable (default annotator). */
static gboolean
set_project_value (GlossProject  *self,
                   const char    *key,
                   const char    *value,
                   GError       **error)
{
  static const char sql[] = "INSERT OR REPLACE INTO project (key, value) VALUES (?, ?)";
  g_autoptr(GlossStmt) stmt = prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 2, value);

  return step_done (self, stmt, key, error);
}

/* ------------------------------------------------------------------------
 * Annotators
 * ------------------------------------------------------------------------ */

gint64
_gloss_project_ensure_annotator (GlossProject  *self,
                                 const char    *name,
                                 const char    *uuid,
                                 GError       **error)
{
  gint64 id = 0;

  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("An annotator needs a name."));
      return 0;
    }

  if (uuid != NULL)
    {
      static const char sql[] = "SELECT id FROM annotator WHERE uuid = ?";
      g_autoptr(GlossStmt) stmt = prepare (self, sql, error);
      g_autoptr(GError) local_error = NULL;

      if (stmt == NULL)
        return 0;
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
      if (step_int64 (self, stmt, &id, &local_error))
        return id;
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return 0;
        }
    }
  else
    {
      static const char sql[] = "SELECT id FROM annotator WHERE name = ? ORDER BY id LIMIT 1";
      g_autoptr(GlossStmt) stmt = prepare (self, sql, error);
      g_autoptr(GError) local_error = NULL;

      if (stmt == NULL)
        return 0;
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
      if (step_int64 (self, stmt, &id, &local_error))
        return id;
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return 0;
        }
    }

  {
    static const char sql[] = "INSERT INTO annotator (uuid, name) VALUES (?, ?)";
    g_autoptr(GlossStmt) stmt = prepare (self, sql, error);
    g_autofree char *new_uuid = uuid != NULL ? g_strdup (uuid) : g_uuid_string_random ();

    if (stmt == NULL)
      return 0;
    sqlite3_bind_text (stmt, 1, new_uuid, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
    if (!step_done (self, stmt, "annotator", error))
      return 0;
  }

  return sqlite3_last_insert_rowid (self->db);
}

/**
 * gloss_project_get_default_annotator:
 *
 * Returns: (nullable): the name new annotations are made under
 */
const char *
gloss_project_get_default_annotator (GlossProject *self)
{
  g_return_val_if_fail (GLOSS_IS_PROJECT (self), NULL);

  return self->default_annotator;
}

/* Reads the default annotator's name into the cache. */
static void
load_default_annotator (GlossProject *self)
{
  static const char sql[] =
    "SELECT a.name FROM project p JOIN annotator a ON a.uuid = p.value "
    "WHERE p.key = 'default_annotator'";
  g_autoptr(GlossStmt) stmt = prepare (self, sql, NULL);

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_free (self->default_annotator);
      self->default_annotator = column_dup (stmt, 0);
    }
}

gboolean
gloss_project_set_default_annotator (GlossProject  *self,
                                     const char    *name,
                                     GError       **error)
{
  gint64 id;
  gboolean ok;

  g_return_val_if_fail (GLOSS_IS_PROJECT (self), FALSE);

  if (!check_writable (self, error))
    return FALSE;
  if (!exec_sql (self->db, "BEGIN IMMEDIATE", error))
    return FALSE;

  id = _gloss_project_ensure_annotator (self, name, NULL, error);
  ok = id != 0;
  if (ok)
    {
      static const char sql[] = "SELECT uuid FROM annotator WHERE id = ?";
      g_autoptr(GlossStmt) stmt = prepare (self, sql, error);

      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, id);
          ok = sqlite3_step (stmt) == SQLITE_ROW;
          if (ok)
            {
              g_autofree char *uuid = column_dup (stmt, 0);

              sqlite3_reset (stmt);
              ok = set_project_value (self, "default_annotator", uuid, error);
            }
          else
            _gloss_project_fail (self, "annotator", error);
        }
    }

  if (!ok || !exec_sql (self->db, "COMMIT", error))
    {
      exec_sql (self->db, "ROLLBACK", NULL);
      return FALSE;
    }

  load_default_annotator (self);
  after_commit (self);
  return TRUE;
}

/**
 * gloss_project_list_annotators:
 *
 * Returns: (transfer full): the annotators' names, in the order they came
 */
GStrv
gloss_project_list_annotators (GlossProject  *self,
                               GError       **error)
{
  static const char sql[] = "SELECT name FROM annotator ORDER BY id";
  g_autoptr(GlossStmt) stmt = prepare (self, sql, error);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  int rc;

  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      set_db_error (self->db, rc, "annotators", error);
      return NULL;
    }

  return g_strv_builder_end (builder);
}

gboolean
gloss_project_poll_external_changes (GlossProject *self)
{
  gint64 version = 0;

  g_return_val_if_fail (GLOSS_IS_PROJECT (self), FALSE);

  if (self->in_write)
    return FALSE;
  if (!query_single_int (self->db, "PRAGMA data_version", &version, NULL))
    return FALSE;
  if (version == self->data_version)
    return FALSE;

  self->data_version = version;
  self->vouched = FALSE;
  text_cache_clear (&self->text_cache);
  load_default_annotator (self);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

gboolean
gloss_project_save_copy (GlossProject  *self,
                         const char    *path,
                         GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (GLOSS_IS_PROJECT (self), FALSE);

  if (g_file_test (path, G_FILE_TEST_EXISTS) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_EXISTS,
                   _("“%s” already exists. Choose another name."), shown (path));
      return FALSE;
    }

  rc = sqlite3_prepare_v2 (self->db, "VACUUM INTO ?", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, path, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
    }
  if (rc != SQLITE_DONE && rc != SQLITE_OK)
    {
      set_db_error (self->db, rc, path, error);
      g_unlink (path);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------------
 * Documents
 * ------------------------------------------------------------------------ */

#define DOCUMENT_COLUMNS_BUT_COUNT \
  "d.id, d.uuid, d.title, d.sha256, d.length, d.source_name, d.imported_at, d.memo, "
#define DOCUMENT_COLUMNS DOCUMENT_COLUMNS_BUT_COUNT \
  "(SELECT count (*) FROM annotation a WHERE a.document = d.id AND a.deleted = 0)"

static GlossDocument *
document_from_row (sqlite3_stmt *stmt)
{
  GlossDocument *document = g_new0 (GlossDocument, 1);

  document->id = sqlite3_column_int64 (stmt, 0);
  document->uuid = column_dup (stmt, 1);
  document->title = column_dup (stmt, 2);
  document->sha256 = column_dup (stmt, 3);
  document->length = sqlite3_column_int64 (stmt, 4);
  document->source_name = column_dup (stmt, 5);
  document->imported_at = column_dup (stmt, 6);
  document->memo = column_dup (stmt, 7);
  document->n_annotations = sqlite3_column_int64 (stmt, 8);

  return document;
}

static GPtrArray *
list_documents (GlossProject  *self,
                const char    *sql,
                GError       **error)
{
  g_autoptr(GlossStmt) stmt = prepare (self, sql, error);
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func ((GDestroyNotify) gloss_document_free);
  int rc;

  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (documents, document_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      set_db_error (self->db, rc, "documents", error);
      return NULL;
    }

  return g_steal_pointer (&documents);
}

/**
 * gloss_project_list_documents:
 *
 * Returns: (transfer full) (element-type GlossDocument): the documents
 */
GPtrArray *
gloss_project_list_documents (GlossProject  *self,
                              GError       **error)
{
  static const char sql[] = "SELECT " DOCUMENT_COLUMNS " FROM document d ORDER BY d.position, d.id";

  return list_documents (self, sql, error);
}

static gboolean
no_such (GError     **error,
         const char  *what,
         gint64       id)
{
  g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH,
               _("There is no %s %lld in this project."), what, (long long) id);
  return FALSE;
}

/* The documents without their annotation counts (-1), which cost a pass
 * over the annotations' index: for readers that count for themselves. */
GPtrArray *
_gloss_project_list_documents_uncounted (GlossProject  *self,
                                         GError       **error)
{
  static const char sql[] = "SELECT " DOCUMENT_COLUMNS_BUT_COUNT "-1 FROM document d "
                            "ORDER BY d.position, d.id";

  return list_documents (self, sql, error);
}

GlossDocument *
gloss_project_get_document (GlossProject  *self,
                            gint64         document,
                            GError       **error)
{
  static const char sql[] = "SELECT " DOCUMENT_COLUMNS " FROM document d WHERE d.id = ?";
  g_autoptr(GlossStmt) stmt = prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, document);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return document_from_row (stmt);
  if (rc == SQLITE_DONE)
    no_such (error, _("document"), document);
  else
    set_db_error (self->db, rc, "document", error);

  return NULL;
}

static const TextCache *
load_text (GlossProject  *self,
           gint64         document,
           GError       **error)
{
  static const char sql[] = "SELECT text, length FROM document WHERE id = ?";
  TextCache *cache = &self->text_cache;
  g_autoptr(GlossStmt) stmt = NULL;
  const char *p;
  gint64 i;
  int rc;

  if (cache->document == document && cache->text != NULL)
    return cache;

  text_cache_clear (cache);
  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, document);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        no_such (error, _("document"), document);
      else
        set_db_error (self->db, rc, "document", error);
      return NULL;
    }

  cache->text = column_dup (stmt, 0);
  cache->length = sqlite3_column_int64 (stmt, 1);
  cache->document = document;
  cache->checkpoints = g_array_new (FALSE, FALSE, sizeof (gsize));

  for (p = cache->text, i = 0; *p != '\0'; p = g_utf8_next_char (p), i++)
    if (i % CHECKPOINT_STRIDE == 0)
      {
        gsize offset = p - cache->text;
        g_array_append_val (cache->checkpoints, offset);
      }

  return cache;
}

static const char *
text_at (const TextCache *cache,
         gint64           offset)
{
  const char *p = cache->text + g_array_index (cache->checkpoints, gsize, offset / CHECKPOINT_STRIDE);

  for (gint64 i = 0; i < offset % CHECKPOINT_STRIDE; i++)
    p = g_utf8_next_char (p);

  return p;
}

/* The quote of [start, end) in @document, or NULL with error for a bad span. */
static char *
cut_quote (GlossProject  *self,
           gint64         document,
           gint64         start,
           gint64         end,
           GError       **error)
{
  const TextCache *cache = load_text (self, document, error);
  const char *from;
  const char *to;

  if (cache == NULL)
    return NULL;

  if (start < 0 || end <= start || end > cache->length)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("The span [%lld, %lld) does not fit the "
                     "document, which is %lld characters long: a span needs "
                     "0 ≤ start < end ≤ length."),
                   (long long) start, (long long) end, (long long) cache->length);
      return NULL;
    }

  from = text_at (cache, start);
  to = end == cache->length ? cache->text + strlen (cache->text) : text_at (cache, end);

  return g_strndup (from, to - from);
}

char *
gloss_project_dup_text (GlossProject  *self,
                        gint64         document,
                        GError       **error)
{
  const TextCache *cache = load_text (self, document, error);

  return cache != NULL ? g_strdup (cache->text) : NULL;
}

static gboolean
is_all_digits (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

gint64
gloss_project_resolve_document (GlossProject  *self,
                                const char    *spec,
                                GError       **error)
{
  static const char by_id[] = "SELECT id FROM document WHERE id = ?";
  static const char by_uuid[] = "SELECT id FROM document WHERE uuid = ? OR sha256 = ? ORDER BY id";
  static const char by_title[] = "SELECT id, uuid FROM document WHERE title = ? ORDER BY id";
  g_autoptr(GError) local_error = NULL;
  gint64 id = 0;

  if (is_all_digits (spec))
    {
      g_autoptr(GlossStmt) stmt = prepare (self, by_id, error);

      if (stmt == NULL)
        return 0;
      sqlite3_bind_int64 (stmt, 1, g_ascii_strtoll (spec, NULL, 10));
      if (step_int64 (self, stmt, &id, &local_error))
        return id;
    }

  if (local_error == NULL)
    {
      g_autoptr(GlossStmt) stmt = prepare (self, by_uuid, error);

      if (stmt == NULL)
        return 0;
      sqlite3_bind_text (stmt, 1, spec, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, spec, -1, SQLITE_TRANSIENT);
      if (step_int64 (self, stmt, &id, &local_error))
        return id;
    }

  if (local_error == NULL)
    {
      g_autoptr(GlossStmt) stmt = prepare (self, by_title, error);
      g_autoptr(GString) matches = g_string_new (NULL);
      guint n = 0;
      int rc;

      if (stmt == NULL)
        return 0;
      sqlite3_bind_text (stmt, 1, spec, -1, SQLITE_TRANSIENT);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          id = sqlite3_column_int64 (stmt, 0);
          g_string_append_printf (matches, "\n  %" G_GINT64_FORMAT "  %s", id,
                                  sqlite3_column_text (stmt, 1));
          n++;
        }
      if (rc != SQLITE_DONE)
        {
          set_db_error (self->db, rc, "document", error);
          return 0;
        }
      if (n == 1)
        return id;
      if (n > 1)
        {
          g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_AMBIGUOUS,
                       _("%u documents are titled “%s”; name one by its id or uuid:%s"),
                       n, spec, matches->str);
          return 0;
        }
    }

  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH,
                 _("No document has the id, uuid or title “%s”. "
                   "`gloss-cli documents` lists them."), spec);
  return 0;
}

/* The engine's own check of a text handed to it (importers normalise first). */
static gboolean
validate_text (const char  *text,
               GError     **error)
{
  gsize len = strlen (text);
  const char *end;

  if (len == 0)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("The text is empty: there is nothing to annotate."));
      return FALSE;
    }
  if (len > GLOSS_MAX_TEXT_BYTES)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("The text is %lu MiB; a document holds at most %d MiB. "
                     "Split it into several documents."),
                   (unsigned long) (len >> 20), GLOSS_MAX_TEXT_BYTES >> 20);
      return FALSE;
    }
  if (!g_utf8_validate (text, len, &end))
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("The text is not valid UTF-8 (at byte %lu)."),
                   (unsigned long) (end - text));
      return FALSE;
    }
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 && *p != '\t' && *p != '\n')
      {
        g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                     _("The text holds the control character U+%04X (at byte %lu); import it "
                       "through Gloss's text import, which explains what to do."),
                     (guint) (guchar) *p, (unsigned long) (p - text));
        return FALSE;
      }

  return TRUE;
}

static gboolean
insert_segments (GlossProject  *self,
                 gint64         document,
                 const char    *text,
                 GError       **error)
{
  static const char sql[] =
    "INSERT INTO segment (document, start, \"end\", kind, speaker) VALUES (?, ?, ?, ?, ?)";
  g_autoptr(GPtrArray) segments = gloss_text_detect_segments (text);

  for (guint i = 0; i < segments->len; i++)
    {
      const GlossSegment *segment = segments->pdata[i];
      g_autoptr(GlossStmt) stmt = prepare (self, sql, error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, document);
      sqlite3_bind_int64 (stmt, 2, segment->start);
      sqlite3_bind_int64 (stmt, 3, segment->end);
      sqlite3_bind_text (stmt, 4, gloss_segment_kind_to_string (segment->kind), -1, SQLITE_STATIC);
      bind_text_or_null (stmt, 5, segment->speaker);
      if (!step_done (self, stmt, "segment", error))
        return FALSE;
    }

  return TRUE;
}

static gint64
find_document_by_sha256 (GlossProject  *self,
                         const char    *sha256,
                         GError       **error)
{
  static const char sql[] = "SELECT id FROM document WHERE sha256 = ? ORDER BY id LIMIT 1";
  g_autoptr(GlossStmt) stmt = prepare (self, sql, error);
  gint64 id = 0;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_TRANSIENT);
  if (!step_int64 (self, stmt, &id, error))
    return (error != NULL && *error != NULL) ? -1 : 0;

  return id;
}

/**
 * gloss_project_add_document:
 * @title: the title
 * @text: normalised UTF-8 (see gloss_text_decode())
 * @source_name: (nullable): the file it came from
 * @existed: (out) (optional): set when a document with identical text was
 *   already there; its id is returned and nothing is written
 *
 * Adds a document and its detected interview structure.
 *
 * Returns: the document's id, or 0 with @error set
 */
gint64
gloss_project_add_document (GlossProject  *self,
                            const char    *title,
                            const char    *text,
                            const char    *source_name,
                            gboolean      *existed,
                            GError       **error)
{
  static const char sql[] =
    "INSERT INTO document (uuid, title, text, sha256, length, source_name, imported_at, "
    "position, modified) VALUES (?, ?, ?, ?, ?, ?, ?, "
    "(SELECT ifnull (max (position), 0) + 1 FROM document), ?)";
  g_autofree char *sha256 = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *now = gloss_timestamp_now ();
  g_autofree char *action = NULL;
  gint64 id;
  gboolean ok;

  g_return_val_if_fail (GLOSS_IS_PROJECT (self), 0);

  if (existed != NULL)
    *existed = FALSE;

  if (title == NULL || *title == '\0' || !g_utf8_validate (title, -1, NULL))
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("A document needs a title."));
      return 0;
    }
  if (!validate_text (text, error))
    return 0;

  sha256 = sha256_of (text, strlen (text));
  id = find_document_by_sha256 (self, sha256, error);
  if (id < 0)
    return 0;
  if (id > 0)
    {
      if (existed != NULL)
        *existed = TRUE;
      return id;
    }

  if (!_gloss_project_begin (self, error))
    return 0;

  {
    g_autoptr(GlossStmt) stmt = prepare (self, sql, error);

    ok = stmt != NULL;
    if (ok)
      {
        sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text (stmt, 2, title, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text (stmt, 3, text, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 4, sha256, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64 (stmt, 5, g_utf8_strlen (text, -1));
        bind_text_or_null (stmt, 6, source_name);
        sqlite3_bind_text (stmt, 7, now, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text (stmt, 8, now, -1, SQLITE_TRANSIENT);
        ok = step_done (self, stmt, "document", error);
      }
  }
  id = sqlite3_last_insert_rowid (self->db);
  ok = ok && insert_segments (self, id, text, error);

  action = g_strdup_printf (_("Import “%s”"), title);
  if (!finish_write (self, ok, action, error))
    return 0;

  return id;
}

gint64
gloss_project_import_file (GlossProject  *self,
                           const char    *path,
                           const char    *title,
                           const char    *encoding,
                           gboolean      *existed,
                           GError       **error)
{
  g_autofree char *text = gloss_text_read_file (path, encoding, error);
  g_autofree char *basename = NULL;
  g_autofree char *derived = NULL;

  if (text == NULL)
    return 0;

  basename = g_path_get_basename (path);
  if (title == NULL)
    {
      char *dot;

      derived = g_filename_display_name (basename);
      dot = strrchr (derived, '.');
      if (dot != NULL && dot != derived)
        *dot = '\0';
      title = derived;
    }

  {
    g_autofree char *display = g_filename_display_name (basename);
    return gloss_project_add_document (self, title, text, display, existed, error);
  }
}

static gboolean
document_exists (GlossProject  *self,
                 gint64         document,
                 GError       **error)
{
  static const char sql[] = "SELECT id FROM document WHERE id = ?";
  g_autoptr(GlossStmt) stmt = prepare (self, sql, error);
  gint64 id;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, document);
  if (step_int64 (self, stmt, &id, error))
    return TRUE;
  if (error == NULL || *error == NULL)
    no_such (error, _("document"), document);
  return FALSE;
}

/* Runs one statement with bound values as a whole undoable operation. */
static gboolean
write_simple (GlossProject  *self,
              const char    *sql,
              const char    *action,
              GError       **error,
              const char    *types,
              ...)
{
  g_autoptr(GlossStmt) stmt = NULL;
  va_list args;
  gboolean ok;

  if (!_gloss_project_begin (self, error))
    return FALSE;

  stmt = prepare (self, sql, error);
  ok = stmt != NULL;
  if (ok)
    {
      va_start (args, types);
      for (int i = 0; types[i] != '\0'; i++)
        {
          if (types[i] == 'i')
            sqlite3_bind_int64 (stmt, i + 1, va_arg (args, gint64));
          else
            bind_text_or_null (stmt, i + 1, va_arg (args, const char *));
        }
      va_end (args);
      ok = step_done (self, stmt, action, error);
      if (ok && sqlite3_changes (self->db) == 0)
        {
          g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH,
                       _("“%s” found nothing to change."), action);
          ok = FALSE;
        }
    }
  g_clear_pointer (&stmt, gloss_stmt_release);

  return finish_write (self, ok, action, error);
}

gboolean
gloss_project_rename_document (GlossProject  *self,
                               gint64         document,
                               const char    *title,
                               GError       **error)
{
  static const char sql[] =
    "UPDATE document SET title = ?, modified = ?, revision = revision + 1 WHERE id = ?";
  g_autofree char *now = gloss_timestamp_now ();
  g_autofree char *action = NULL;

  if (title == NULL || *title == '\0' || !g_utf8_validate (title, -1, NULL))
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("A document needs a title."));
      return FALSE;
    }
  if (!document_exists (self, document, error))
    return FALSE;

  action = g_strdup_printf (_("Rename document to “%s”"), title);
  return write_simple (self, sql, action, error, "ssi", title, now, document);
}

gboolean
gloss_project_set_document_memo (GlossProject  *self,
                                 gint64         document,
                                 const char    *memo,
                                 GError       **error)
{
  static const char sql[] =
    "UPDATE document SET memo = ?, modified = ?, revision = revision + 1 WHERE id = ?";
  g_autofree char *now = gloss_timestamp_now ();

  if (!document_exists (self, document, error))
    return FALSE;

  return write_simple (self, sql, _("Edit document memo"), error, "ssi",
                       memo != NULL && *memo != '\0' ? memo : NULL, now, document);
}

gboolean
gloss_project_remove_document (GlossProject  *self,
                               gint64         document,
                               gint64        *n_annotations,
                               GError       **error)
{
  static const char count_sql[] =
    "SELECT count (*) FROM annotation WHERE document = ? AND deleted = 0";
  static const char unspan_sql[] =
    "DELETE FROM annotation_span WHERE id IN (SELECT id FROM annotation WHERE document = ?)";
  static const char delete_sql[] = "DELETE FROM document WHERE id = ?";
  g_autoptr(GlossDocument) doc = gloss_project_get_document (self, document, error);
  g_autofree char *action = NULL;
  gint64 count = 0;
  gboolean ok;

  if (doc == NULL)
    return FALSE;
  if (!_gloss_project_begin (self, error))
    return FALSE;

  {
    g_autoptr(GlossStmt) stmt = prepare (self, count_sql, error);

    ok = stmt != NULL;
    if (ok)
      {
        sqlite3_bind_int64 (stmt, 1, document);
        ok = step_int64 (self, stmt, &count, error);
      }
  }
  if (ok)
    {
      g_autoptr(GlossStmt) stmt = prepare (self, unspan_sql, error);

      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, document);
          ok = step_done (self, stmt, "span index", error);
        }
    }
  if (ok)
    {
      g_autoptr(GlossStmt) stmt = prepare (self, delete_sql, error);

      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, document);
          ok = step_done (self, stmt, "document", error);
        }
    }

  if (n_annotations != NULL)
    *n_annotations = count;

  action = g_strdup_printf (_("Remove “%s”"), doc->title);
  return finish_write (self, ok, action, error);
}

GPtrArray *
gloss_project_list_attributes (GlossProject  *self,
                               gint64         document,
                               GError       **error)
{
  static const char sql[] =
    "SELECT key, value FROM document_attribute WHERE document = ? ORDER BY key";
  g_autoptr(GlossStmt) stmt = prepare (self, sql, error);
  g_autoptr(GPtrArray) attributes =
    g_ptr_array_new_with_free_func ((GDestroyNotify) gloss_attribute_free);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, document);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GlossAttribute *attribute = g_new0 (GlossAttribute, 1);

      attribute->key = column_dup (stmt, 0);
      attribute->value = column_dup (stmt, 1);
      g_ptr_array_add (attributes, attribute);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self->db, rc, "attributes", error);
      return NULL;
    }

  return g_steal_pointer (&attributes);
}

/**
 * gloss_project_set_attribute:
 * @value: (nullable): the new value; %NULL or "" removes the attribute
 */
gboolean
gloss_project_set_attribute (GlossProject  *self,
                             gint64         document,
                             const char    *key,
                             const char    *value,
                             GError       **error)
{
  static const char set_sql[] =
    "INSERT OR REPLACE INTO document_attribute (document, key, value) VALUES (?, ?, ?)";
  static const char unset_sql[] = "DELETE FROM document_attribute WHERE document = ? AND key = ?";
  g_autoptr(GlossStmt) stmt = NULL;
  g_autofree char *action = NULL;
  gboolean ok;

  if (key == NULL || *key == '\0' || !g_utf8_validate (key, -1, NULL) ||
      (value != NULL && !g_utf8_validate (value, -1, NULL)))
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("An attribute needs a name, and both name and value must be text."));
      return FALSE;
    }
  if (!document_exists (self, document, error))
    return FALSE;
  if (!_gloss_project_begin (self, error))
    return FALSE;

  stmt = prepare (self, value != NULL && *value != '\0' ? set_sql : unset_sql, error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, document);
      sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
      if (value != NULL && *value != '\0')
        sqlite3_bind_text (stmt, 3, value, -1, SQLITE_TRANSIENT);
      ok = step_done (self, stmt, "attribute", error);
    }
  g_clear_pointer (&stmt, gloss_stmt_release);

  action = g_strdup_printf (_("Set “%s”"), key);
  return finish_write (self, ok, action, error);
}

GPtrArray *
gloss_project_list_segments (GlossProject  *self,
                             gint64         document,
                             GError       **error)
{
  static const char sql[] =
    "SELECT start, \"end\", kind, speaker FROM segment WHERE document = ? ORDER BY start";
  g_autoptr(GlossStmt) stmt = prepare (self, sql, error);
  g_autoptr(GPtrArray) segments =
    g_ptr_array_new_with_free_func ((GDestroyNotify) gloss_segment_free);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, document);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GlossSegment *segment = g_new0 (GlossSegment, 1);

      segment->start = sqlite3_column_int64 (stmt, 0);
      segment->end = sqlite3_column_int64 (stmt, 1);
      if (!gloss_segment_kind_from_string ((const char *) sqlite3_column_text (stmt, 2),
                                           &segment->kind))
        segment->kind = GLOSS_SEGMENT_OTHER;
      segment->speaker = column_dup (stmt, 3);
      g_ptr_array_add (segments, segment);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self->db, rc, "segments", error);
      return NULL;
    }

  return g_steal_pointer (&segments);
}

gboolean
gloss_project_rename_speaker (GlossProject  *self,
                              gint64         document,
                              const char    *old_name,
                              const char    *new_name,
                              GError       **error)
{
  static const char sql[] = "UPDATE segment SET speaker = ? WHERE document = ? AND speaker = ?";
  g_autofree char *action = NULL;

  if (old_name == NULL || new_name == NULL || *new_name == '\0' ||
      !g_utf8_validate (new_name, -1, NULL))
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("A speaker needs a name."));
      return FALSE;
    }

  action = g_strdup_printf (_("Rename speaker “%s” to “%s”"), old_name, new_name);
  return write_simple (self, sql, action, error, "sis", new_name, document, old_name);
}

/* ------------------------------------------------------------------------
 * Codebook
 * ------------------------------------------------------------------------ */

static GlossDimension *
dimension_from_row (sqlite3_stmt *stmt)
{
  GlossDimension *dimension = g_new0 (GlossDimension, 1);

  dimension->id = sqlite3_column_int64 (stmt, 0);
  dimension->uuid = column_dup (stmt, 1);
  dimension->name = column_dup (stmt, 2);
  if (!gloss_dimension_kind_from_string ((const char *) sqlite3_column_text (stmt, 3),
                                         &dimension->kind))
    dimension->kind = GLOSS_DIMENSION_OTHER;
  dimension->multiple = sqlite3_column_int (stmt, 4) != 0;
  if (!gloss_level_from_string ((const char *) sqlite3_column_text (stmt, 5), &dimension->level))
    dimension->level = GLOSS_LEVEL_NOMINAL;
  dimension->position = sqlite3_column_int (stmt, 6);
  dimension->memo = column_dup (stmt, 7);

  return dimension;
}

#define DIMENSION_COLUMNS "id, uuid, name, kind, multiple, level, position, memo"

GPtrArray *
gloss_project_list_dimensions (GlossProject  *self,
                               GError       **error)
{
  static const char sql[] = "SELECT " DIMENSION_COLUMNS " FROM dimension ORDER BY position, id";
  g_autoptr(GlossStmt) stmt = prepare (self, sql, error);
  g_autoptr(GPtrArray) dimensions =
    g_ptr_array_new_with_free_func ((GDestroyNotify) gloss_dimension_free);
  int rc;

  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (dimensions, dimension_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      set_db_error (self->db, rc, "dimensions", error);
      return NULL;
    }

  return g_steal_pointer (&dimensions);
}

GlossDimension *
gloss_project_get_dimension (GlossProject  *self,
                             gint64         dimension,
                             GError       **error)
{
  static const char sql[] = "SELECT " DIMENSION_COLUMNS " FROM dimension WHERE id = ?";
  g_autoptr(GlossStmt) stmt = prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, dimension);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return dimension_from_row (stmt);
  if (rc == SQLITE_DONE)
    no_such (error, _("dimension"), dimension);
  else
    set_db_error (self->db, rc, "dimension", error);

  return NULL;
}

/* Every code in tree order with its path, depth and live-annotation count. */
#define CODES_TREE_SQL \
  "WITH RECURSIVE tree (id, path, depth, sort) AS (" \
  "  SELECT c.id, replace (replace (m.name, '\\', '\\\\'), '/', '\\/') || '/' ||" \
  "         replace (replace (c.name, '\\', '\\\\'), '/', '\\/'), 0," \
  "         printf ('%08d.%08d', m.position, c.position)" \
  "  FROM code c JOIN dimension m ON m.id = c.dimension WHERE c.parent IS NULL" \
  "  UNION ALL" \
  "  SELECT c.id, tree.path || '/' || replace (replace (c.name, '\\', '\\\\'), '/', '\\/')," \
  "         tree.depth + 1, tree.sort || printf ('.%08d', c.position)" \
  "  FROM code c JOIN tree ON c.parent = tree.id WHERE tree.depth < 64)" \
  " SELECT c.id, c.uuid, c.dimension, ifnull (c.parent, 0), c.name, tree.path, c.color," \
  "        c.description, c.shortcut, c.position, tree.depth,"

static const char codes_sql[] =
  CODES_TREE_SQL
  "        (SELECT count (*) FROM annotation_code ac JOIN annotation a ON a.id = ac.annotation"
  "         WHERE ac.code = c.id AND a.deleted = 0)"
  " FROM tree JOIN code c ON c.id = tree.id ORDER BY tree.sort";

/* The same without counting each code's annotations (n_annotations is -1). */
static const char codes_uncounted_sql[] =
  CODES_TREE_SQL
  "        -1"
  " FROM tree JOIN code c ON c.id = tree.id ORDER BY tree.sort";

static GlossCode *
code_from_row (sqlite3_stmt *stmt)
{
  GlossCode *code = g_new0 (GlossCode, 1);

  code->id = sqlite3_column_int64 (stmt, 0);
  code->uuid = column_dup (stmt, 1);
  code->dimension = sqlite3_column_int64 (stmt, 2);
  code->parent = sqlite3_column_int64 (stmt, 3);
  code->name = column_dup (stmt, 4);
  code->path = column_dup (stmt, 5);
  code->color = column_dup (stmt, 6);
  code->description = column_dup (stmt, 7);
  code->shortcut = column_dup (stmt, 8);
  code->position = sqlite3_column_int (stmt, 9);
  code->depth = sqlite3_column_int (stmt, 10);
  code->n_annotations = sqlite3_column_int64 (stmt, 11);

  return code;
}

static GPtrArray *
list_codes (GlossProject  *self,
            const char    *sql,
            GError       **error)
{
  g_autoptr(GlossStmt) stmt = NULL;
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func ((GDestroyNotify) gloss_code_free);
  int rc;

  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (codes, code_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      set_db_error (self->db, rc, "codes", error);
      return NULL;
    }

  return g_steal_pointer (&codes);
}

GPtrArray *
gloss_project_list_codes (GlossProject  *self,
                          GError       **error)
{
  return list_codes (self, codes_sql, error);
}

/* The codebook as gloss_project_list_codes() gives it, but with
 * n_annotations -1: counting costs a pass over every annotation. */
GPtrArray *
_gloss_project_list_codes_uncounted (GlossProject  *self,
                                     GError       **error)
{
  return list_codes (self, codes_uncounted_sql, error);
}

/**
 * gloss_project_get_code:
 *
 * One code with its path and live count, without listing the codebook.
 *
 * Returns: (transfer full): the code, or %NULL with @error set
 */
GlossCode *
gloss_project_get_code (GlossProject  *self,
                        gint64         code,
                        GError       **error)
{
  static const char row_sql[] =
    "SELECT c.id, c.uuid, c.dimension, ifnull (c.parent, 0), c.name, m.name, c.color, "
    "c.description, c.shortcut, c.position FROM code c JOIN dimension m ON m.id = c.dimension "
    "WHERE c.id = ?";
  static const char up_sql[] = "SELECT ifnull (parent, 0), name FROM code WHERE id = ?";
  static const char count_sql[] =
    "SELECT count (*) FROM annotation_code ac JOIN annotation a ON a.id = ac.annotation "
    "WHERE ac.code = ? AND a.deleted = 0";
  g_autoptr(GlossCode) result = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) path = g_string_new (NULL);
  gint64 parent;
  int rc;

  {
    g_autoptr(GlossStmt) stmt = prepare (self, row_sql, error);

    if (stmt == NULL)
      return NULL;
    sqlite3_bind_int64 (stmt, 1, code);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_DONE)
      {
        no_such (error, _("code"), code);
        return NULL;
      }
    if (rc != SQLITE_ROW)
      {
        set_db_error (self->db, rc, "code", error);
        return NULL;
      }

    result = g_new0 (GlossCode, 1);
    result->id = sqlite3_column_int64 (stmt, 0);
    result->uuid = column_dup (stmt, 1);
    result->dimension = sqlite3_column_int64 (stmt, 2);
    result->parent = sqlite3_column_int64 (stmt, 3);
    result->name = column_dup (stmt, 4);
    g_ptr_array_add (names, column_dup (stmt, 4));
    g_ptr_array_add (names, column_dup (stmt, 5));
    result->color = column_dup (stmt, 6);
    result->description = column_dup (stmt, 7);
    result->shortcut = column_dup (stmt, 8);
    result->position = sqlite3_column_int (stmt, 9);
  }

  /* Up the tree for the path; the depth bound guards against a cycle. */
  for (parent = result->parent; parent != 0 && result->depth < 64; result->depth++)
    {
      g_autoptr(GlossStmt) stmt = prepare (self, up_sql, error);

      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, parent);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW)
        {
          if (rc == SQLITE_DONE)
            no_such (error, _("code"), parent);
          else
            set_db_error (self->db, rc, "code", error);
          return NULL;
        }
      parent = sqlite3_column_int64 (stmt, 0);
      g_ptr_array_insert (names, (int) names->len - 1, column_dup (stmt, 1));
    }

  /* names: code, parent, …, top, dimension */
  for (guint i = names->len; i > 0; i--)
    {
      g_autofree char *escaped = gloss_path_escape_name (names->pdata[i - 1]);

      if (path->len > 0)
        g_string_append_c (path, '/');
      g_string_append (path, escaped);
    }
  result->path = g_string_free (g_steal_pointer (&path), FALSE);

  {
    g_autoptr(GlossStmt) stmt = prepare (self, count_sql, error);

    if (stmt == NULL)
      return NULL;
    sqlite3_bind_int64 (stmt, 1, code);
    if (!step_int64 (self, stmt, &result->n_annotations, error))
      return NULL;
  }

  return g_steal_pointer (&result);
}

gint64
gloss_project_resolve_dimension (GlossProject  *self,
                                 const char    *name,
                                 GError       **error)
{
  static const char sql[] = "SELECT id FROM dimension WHERE name = ? OR uuid = ?";
  g_autoptr(GlossStmt) stmt = prepare (self, sql, error);
  gint64 id = 0;

  if (stmt == NULL)
    return 0;

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  if (step_int64 (self, stmt, &id, error))
    return id;
  if (error == NULL || *error == NULL)
    g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH,
                 _("There is no dimension “%s”. `gloss-cli codes` lists them."), name);
  return 0;
}

gint64
gloss_project_resolve_code (GlossProject  *self,
                            const char    *path,
                            GError       **error)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autofree char *canonical = NULL;

  if (path == NULL || !g_utf8_validate (path, -1, NULL))
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("A code is named by its path, Dimension/Parent/Name."));
      return 0;
    }

  /* Re-escape the parts, so "A/B\\/C" and equivalent spellings agree. */
  parts = gloss_path_split (path);
  {
    g_autoptr(GString) s = g_string_new (NULL);

    for (guint i = 0; parts[i] != NULL; i++)
      {
        g_autofree char *escaped = gloss_path_escape_name (parts[i]);

        if (i > 0)
          g_string_append_c (s, '/');
        g_string_append (s, escaped);
      }
    canonical = g_string_free (g_steal_pointer (&s), FALSE);
  }

  codes = gloss_project_list_codes (self, error);
  if (codes == NULL)
    return 0;

  for (guint i = 0; i < codes->len; i++)
    {
      GlossCode *code = codes->pdata[i];

      if (g_str_equal (code->path, canonical) || g_str_equal (code->uuid, path))
        return code->id;
    }

  g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH,
               _("There is no code “%s”. Codes are named Dimension/Parent/Name; "
                 "`gloss-cli codes` lists them."), shown (path));
  return 0;
}

static gboolean
validate_name (const char  *name,
               const char  *what,
               GError     **error)
{
  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL) ||
      strchr (name, '\n') != NULL)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("A %s needs a name of one line."), what);
      return FALSE;
    }

  return TRUE;
}

static gboolean
validate_color (const char  *color,
                GError     **error)
{
  if (color == NULL || strlen (color) != 7 || color[0] != '#')
    goto bad;
  for (int i = 1; i < 7; i++)
    if (!g_ascii_isxdigit (color[i]))
      goto bad;
  return TRUE;

bad:
  g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
               _("“%s” is not a colour; write it as #RRGGBB, for example #3465a4."),
               color != NULL ? color : "");
  return FALSE;
}

static gboolean
validate_shortcut (GlossProject  *self,
                   const char    *shortcut,
                   gint64         code,
                   GError       **error)
{
  static const char sql[] = "SELECT id FROM code WHERE shortcut = ? AND id != ?";
  g_autoptr(GlossStmt) stmt = NULL;
  gint64 other = 0;

  if (shortcut == NULL || *shortcut == '\0')
    return TRUE;

  if (g_utf8_strlen (shortcut, -1) != 1 || !g_unichar_isgraph (g_utf8_get_char (shortcut)) ||
      !g_utf8_validate (shortcut, -1, NULL))
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("“%s” cannot be a shortcut: use a single letter or digit."), shortcut);
      return FALSE;
    }

  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, shortcut, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, code);
  if (step_int64 (self, stmt, &other, error))
    {
      g_autoptr(GlossCode) holder = NULL;

      g_clear_pointer (&stmt, gloss_stmt_release);
      holder = gloss_project_get_code (self, other, NULL);
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("The shortcut “%s” already belongs to “%s”. Choose another."),
                   shortcut, holder != NULL ? holder->path : "?");
      return FALSE;
    }

  return error == NULL || *error == NULL;
}

gint64
gloss_project_add_dimension (GlossProject        *self,
                             const char          *name,
                             GlossDimensionKind   kind,
                             gboolean             multiple,
                             GlossLevel           level,
                             GError             **error)
{
  static const char sql[] =
    "INSERT INTO dimension (uuid, name, kind, multiple, level, position, modified) VALUES "
    "(?, ?, ?, ?, ?, (SELECT ifnull (max (position), 0) + 1 FROM dimension), ?)";
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *now = gloss_timestamp_now ();
  g_autofree char *action = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 id = 0;
  gboolean ok;

  if (!validate_name (name, _("dimension"), error))
    return 0;
  if (gloss_project_resolve_dimension (self, name, &local_error) != 0)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("There is already a dimension “%s”."), name);
      return 0;
    }
  if (!_gloss_project_begin (self, error))
    return 0;

  {
    g_autoptr(GlossStmt) stmt = prepare (self, sql, error);

    ok = stmt != NULL;
    if (ok)
      {
        sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text (stmt, 3, gloss_dimension_kind_to_string (kind), -1, SQLITE_STATIC);
        sqlite3_bind_int (stmt, 4, multiple ? 1 : 0);
        sqlite3_bind_text (stmt, 5, gloss_level_to_string (level), -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 6, now, -1, SQLITE_TRANSIENT);
        ok = step_done (self, stmt, "dimension", error);
        id = sqlite3_last_insert_rowid (self->db);
      }
  }

  action = g_strdup_printf (_("Add dimension “%s”"), name);
  if (!finish_write (self, ok, action, error))
    return 0;

  return id;
}

/* Inside a write: does some live annotation carry two codes of @dimension? */
static gboolean
check_single_valued (GlossProject  *self,
                     gint64         dimension,
                     GError       **error)
{
  static const char sql[] =
    "SELECT count (*) FROM (SELECT ac.annotation FROM annotation_code ac "
    "JOIN code c ON c.id = ac.code JOIN annotation a ON a.id = ac.annotation "
    "WHERE c.dimension = ? AND a.deleted = 0 GROUP BY ac.annotation HAVING count (*) > 1)";
  g_autoptr(GlossStmt) stmt = prepare (self, sql, error);
  gint64 n = 0;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, dimension);
  if (!step_int64 (self, stmt, &n, error))
    return FALSE;
  if (n > 0)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("%lld annotations would carry more than one code of a "
                     "dimension that allows only one. Nothing was changed."), (long long) n);
      return FALSE;
    }

  return TRUE;
}

gboolean
gloss_project_update_dimension (GlossProject        *self,
                                gint64               dimension,
                                const char          *name,
                                GlossDimensionKind   kind,
                                gboolean             multiple,
                                GlossLevel           level,
                                const char          *memo,
                                GError             **error)
{
  static const char sql[] =
    "UPDATE dimension SET name = ?, kind = ?, multiple = ?, level = ?, memo = ?, "
    "modified = ?, revision = revision + 1 WHERE id = ?";
  g_autoptr(GlossDimension) old = gloss_project_get_dimension (self, dimension, error);
  g_autofree char *now = gloss_timestamp_now ();
  g_autofree char *action = NULL;
  gboolean ok;

  if (old == NULL || !validate_name (name, _("dimension"), error))
    return FALSE;
  if (!_gloss_project_begin (self, error))
    return FALSE;

  {
    g_autoptr(GlossStmt) stmt = prepare (self, sql, error);

    ok = stmt != NULL;
    if (ok)
      {
        sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text (stmt, 2, gloss_dimension_kind_to_string (kind), -1, SQLITE_STATIC);
        sqlite3_bind_int (stmt, 3, multiple ? 1 : 0);
        sqlite3_bind_text (stmt, 4, gloss_level_to_string (level), -1, SQLITE_STATIC);
        bind_text_or_null (stmt, 5, memo != NULL && *memo != '\0' ? memo : NULL);
        sqlite3_bind_text (stmt, 6, now, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64 (stmt, 7, dimension);
        ok = step_done (self, stmt, "dimension", error);
        if (!ok && error != NULL && *error != NULL && (*error)->code == GLOSS_PROJECT_ERROR_INVALID)
          {
            g_clear_error (error);
            g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                         _("There is already a dimension “%s”."), name);
          }
      }
  }
  if (ok && !multiple)
    ok = check_single_valued (self, dimension, error);

  action = g_strdup_printf (_("Edit dimension “%s”"), name);
  return finish_write (self, ok, action, error);
}

static gboolean
count_code_uses (GlossProject  *self,
                 gint64         code,
                 gint64        *n,
                 GError       **error)
{
  static const char sql[] =
    "WITH RECURSIVE sub (id) AS (SELECT ? UNION SELECT c.id FROM code c JOIN sub ON c.parent = sub.id)"
    " SELECT count (DISTINCT ac.annotation) FROM annotation_code ac"
    " JOIN annotation a ON a.id = ac.annotation WHERE a.deleted = 0 AND ac.code IN sub";
  g_autoptr(GlossStmt) stmt = prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, code);
  return step_int64 (self, stmt, n, error);
}

gboolean
gloss_project_delete_dimension (GlossProject  *self,
                                gint64         dimension,
                                GError       **error)
{
  static const char uses_sql[] =
    "SELECT count (DISTINCT ac.annotation) FROM annotation_code ac JOIN code c ON c.id = ac.code "
    "JOIN annotation a ON a.id = ac.annotation WHERE a.deleted = 0 AND c.dimension = ?";
  static const char *steps[] = {
    "DELETE FROM annotation_code WHERE code IN (SELECT id FROM code WHERE dimension = ?)",
    "UPDATE code SET parent = NULL WHERE dimension = ?",
    "DELETE FROM code WHERE dimension = ?",
    "DELETE FROM dimension WHERE id = ?",
  };
  g_autoptr(GlossDimension) old = gloss_project_get_dimension (self, dimension, error);
  g_autofree char *action = NULL;
  gint64 n = 0;
  gboolean ok;

  if (old == NULL)
    return FALSE;
  if (!_gloss_project_begin (self, error))
    return FALSE;

  {
    g_autoptr(GlossStmt) stmt = prepare (self, uses_sql, error);

    ok = stmt != NULL;
    if (ok)
      {
        sqlite3_bind_int64 (stmt, 1, dimension);
        ok = step_int64 (self, stmt, &n, error);
      }
  }
  if (ok && n > 0)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_IN_USE,
                   _("%lld annotations use codes of “%s”. Remove those codes "
                     "first. Nothing was changed."), (long long) n, old->name);
      ok = FALSE;
    }
  for (guint i = 0; ok && i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(GlossStmt) stmt = prepare (self, steps[i], error);

      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, dimension);
          ok = step_done (self, stmt, "dimension", error);
        }
    }

  action = g_strdup_printf (_("Delete dimension “%s”"), old->name);
  return finish_write (self, ok, action, error);
}

static gboolean
check_code_parent (GlossProject  *self,
                   gint64         dimension,
                   gint64         parent,
                   GError       **error)
{
  g_autoptr(GlossCode) p = NULL;

  if (parent == 0)
    return TRUE;

  p = gloss_project_get_code (self, parent, error);
  if (p == NULL)
    return FALSE;
  if (p->dimension != dimension)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("“%s” belongs to another dimension; a code and its parent share one."),
                   p->path);
      return FALSE;
    }

  return TRUE;
}

static void
name_clash_error (GError     **error,
                  const char  *name)
{
  g_clear_error (error);
  g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
               _("There is already a code “%s” there. Choose another name."), name);
}

gint64
gloss_project_add_code (GlossProject  *self,
                        gint64         dimension,
                        gint64         parent,
                        const char    *name,
                        const char    *color,
                        const char    *description,
                        const char    *shortcut,
                        GError       **error)
{
  static const char sql[] =
    "INSERT INTO code (uuid, dimension, parent, name, color, description, shortcut, position, "
    "modified) VALUES (?, ?, ?, ?, lower (?), ?, ?, (SELECT ifnull (max (position), 0) + 1 "
    "FROM code WHERE dimension = ?2 AND ifnull (parent, 0) = ifnull (?3, 0)), ?)";
  g_autoptr(GlossDimension) dim = gloss_project_get_dimension (self, dimension, error);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *now = gloss_timestamp_now ();
  g_autofree char *action = NULL;
  gint64 id = 0;
  gboolean ok;

  if (dim == NULL || !validate_name (name, _("code"), error) ||
      !validate_color (color, error) ||
      !check_code_parent (self, dimension, parent, error) ||
      !validate_shortcut (self, shortcut, 0, error))
    return 0;
  if (!_gloss_project_begin (self, error))
    return 0;

  {
    g_autoptr(GlossStmt) stmt = prepare (self, sql, error);

    ok = stmt != NULL;
    if (ok)
      {
        sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64 (stmt, 2, dimension);
        if (parent != 0)
          sqlite3_bind_int64 (stmt, 3, parent);
        else
          sqlite3_bind_null (stmt, 3);
        sqlite3_bind_text (stmt, 4, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text (stmt, 5, color, -1, SQLITE_TRANSIENT);
        bind_text_or_null (stmt, 6, description != NULL && *description != '\0' ? description : NULL);
        bind_text_or_null (stmt, 7, shortcut != NULL && *shortcut != '\0' ? shortcut : NULL);
        sqlite3_bind_text (stmt, 8, now, -1, SQLITE_TRANSIENT);
        ok = step_done (self, stmt, "code", error);
        if (!ok && sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_UNIQUE)
          name_clash_error (error, name);
        id = sqlite3_last_insert_rowid (self->db);
      }
  }

  action = g_strdup_printf (_("Add code “%s”"), name);
  if (!finish_write (self, ok, action, error))
    return 0;

  return id;
}

gboolean
gloss_project_update_code (GlossProject  *self,
                           gint64         code,
                           const char    *name,
                           const char    *color,
                           const char    *description,
                           const char    *shortcut,
                           GError       **error)
{
  static const char sql[] =
    "UPDATE code SET name = ?, color = lower (?), description = ?, shortcut = ?, modified = ?, "
    "revision = revision + 1 WHERE id = ?";
  g_autoptr(GlossCode) old = gloss_project_get_code (self, code, error);
  g_autofree char *now = gloss_timestamp_now ();
  g_autofree char *action = NULL;
  gboolean ok;

  if (old == NULL || !validate_name (name, _("code"), error) ||
      !validate_color (color, error) || !validate_shortcut (self, shortcut, code, error))
    return FALSE;
  if (!_gloss_project_begin (self, error))
    return FALSE;

  {
    g_autoptr(GlossStmt) stmt = prepare (self, sql, error);

    ok = stmt != NULL;
    if (ok)
      {
        sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text (stmt, 2, color, -1, SQLITE_TRANSIENT);
        bind_text_or_null (stmt, 3, description != NULL && *description != '\0' ? description : NULL);
        bind_text_or_null (stmt, 4, shortcut != NULL && *shortcut != '\0' ? shortcut : NULL);
        sqlite3_bind_text (stmt, 5, now, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64 (stmt, 6, code);
        ok = step_done (self, stmt, "code", error);
        if (!ok && sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_UNIQUE)
          name_clash_error (error, name);
      }
  }

  if (g_strcmp0 (old->name, name) != 0)
    action = g_strdup_printf (_("Rename code “%s” to “%s”"), old->name, name);
  else
    action = g_strdup_printf (_("Edit code “%s”"), name);
  return finish_write (self, ok, action, error);
}

/* Renumbers the children of @parent in @dimension 1, 2, …, placing @code at
 * @position (clamped); @code must already have @parent. */
static gboolean
renumber_siblings (GlossProject  *self,
                   gint64         dimension,
                   gint64         parent,
                   gint64         code,
                   int            position,
                   GError       **error)
{
  static const char list_sql[] =
    "SELECT id FROM code WHERE dimension = ? AND ifnull (parent, 0) = ? AND id != ? "
    "ORDER BY position, id";
  static const char set_sql[] = "UPDATE code SET position = ? WHERE id = ? AND position != ?1";
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  {
    g_autoptr(GlossStmt) stmt = prepare (self, list_sql, error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, dimension);
    sqlite3_bind_int64 (stmt, 2, parent);
    sqlite3_bind_int64 (stmt, 3, code);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);
        g_array_append_val (ids, id);
      }
    if (rc != SQLITE_DONE)
      return set_db_error (self->db, rc, "codes", error);
  }

  if (code != 0)
    g_array_insert_val (ids, CLAMP (position, 0, (int) ids->len), code);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GlossStmt) stmt = prepare (self, set_sql, error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int (stmt, 1, (int) i + 1);
      sqlite3_bind_int64 (stmt, 2, g_array_index (ids, gint64, i));
      if (!step_done (self, stmt, "code", error))
        return FALSE;
    }

  return TRUE;
}

gboolean
gloss_project_move_code (GlossProject  *self,
                         gint64         code,
                         gint64         parent,
                         int            position,
                         GError       **error)
{
  static const char cycle_sql[] =
    "WITH RECURSIVE sub (id) AS (SELECT ? UNION SELECT c.id FROM code c JOIN sub ON c.parent = sub.id)"
    " SELECT count (*) FROM sub WHERE id = ?";
  static const char move_sql[] =
    "UPDATE code SET parent = ?, modified = ?, revision = revision + 1 WHERE id = ?";
  g_autoptr(GlossCode) old = gloss_project_get_code (self, code, error);
  g_autofree char *now = gloss_timestamp_now ();
  g_autofree char *action = NULL;
  gint64 inside = 0;
  gboolean ok;

  if (old == NULL || !check_code_parent (self, old->dimension, parent, error))
    return FALSE;
  if (!_gloss_project_begin (self, error))
    return FALSE;

  {
    g_autoptr(GlossStmt) stmt = prepare (self, cycle_sql, error);

    ok = stmt != NULL;
    if (ok)
      {
        sqlite3_bind_int64 (stmt, 1, code);
        sqlite3_bind_int64 (stmt, 2, parent);
        ok = step_int64 (self, stmt, &inside, error);
      }
  }
  if (ok && inside > 0)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("“%s” cannot move inside itself."), old->path);
      ok = FALSE;
    }
  if (ok)
    {
      g_autoptr(GlossStmt) stmt = prepare (self, move_sql, error);

      ok = stmt != NULL;
      if (ok)
        {
          if (parent != 0)
            sqlite3_bind_int64 (stmt, 1, parent);
          else
            sqlite3_bind_null (stmt, 1);
          sqlite3_bind_text (stmt, 2, now, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (stmt, 3, code);
          ok = step_done (self, stmt, "code", error);
          if (!ok && sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_UNIQUE)
            name_clash_error (error, old->name);
        }
    }
  ok = ok && renumber_siblings (self, old->dimension, parent, code, position, error);
  if (ok && parent != old->parent)
    ok = renumber_siblings (self, old->dimension, old->parent, 0, 0, error);

  action = g_strdup_printf (_("Move code “%s”"), old->name);
  return finish_write (self, ok, action, error);
}

gboolean
gloss_project_merge_codes (GlossProject  *self,
                           gint64         from,
                           gint64         into,
                           gint64        *n_annotations,
                           GError       **error)
{
  static const char count_sql[] =
    "SELECT count (*) FROM annotation_code ac JOIN annotation a ON a.id = ac.annotation "
    "WHERE ac.code = ? AND a.deleted = 0";
  static const char *steps[] = {
    "INSERT OR IGNORE INTO annotation_code (annotation, code) "
    "SELECT annotation, ?2 FROM annotation_code WHERE code = ?1",
    "DELETE FROM annotation_code WHERE code = ?1",
    "UPDATE code SET parent = ?2 WHERE parent = ?1",
    "DELETE FROM code WHERE id = ?1",
  };
  g_autoptr(GlossCode) a = gloss_project_get_code (self, from, error);
  g_autoptr(GlossCode) b = NULL;
  g_autoptr(GlossDimension) dim = NULL;
  g_autofree char *action = NULL;
  gint64 n = 0;
  gboolean ok;

  if (a == NULL)
    return FALSE;
  b = gloss_project_get_code (self, into, error);
  if (b == NULL)
    return FALSE;
  if (from == into)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("A code cannot be merged into itself."));
      return FALSE;
    }
  if (a->dimension != b->dimension)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("“%s” and “%s” are in different dimensions; only codes of one dimension "
                     "can be merged."), a->path, b->path);
      return FALSE;
    }
  if (g_str_has_prefix (b->path, a->path) && b->path[strlen (a->path)] == '/')
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("“%s” lies inside “%s”; merge it the other way round."), b->path, a->path);
      return FALSE;
    }
  dim = gloss_project_get_dimension (self, a->dimension, error);
  if (dim == NULL || !_gloss_project_begin (self, error))
    return FALSE;

  {
    g_autoptr(GlossStmt) stmt = prepare (self, count_sql, error);

    ok = stmt != NULL;
    if (ok)
      {
        sqlite3_bind_int64 (stmt, 1, from);
        ok = step_int64 (self, stmt, &n, error);
      }
  }
  for (guint i = 0; ok && i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(GlossStmt) stmt = prepare (self, steps[i], error);

      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, from);
          sqlite3_bind_int64 (stmt, 2, into);
          ok = step_done (self, stmt, "merge", error);
          if (!ok && sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_UNIQUE)
            {
              g_clear_error (error);
              g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                           _("“%s” and “%s” have children of the same name; rename one "
                             "first."), a->path, b->path);
            }
        }
    }
  ok = ok && renumber_siblings (self, b->dimension, into, 0, 0, error);

  if (n_annotations != NULL)
    *n_annotations = n;

  action = g_strdup_printf (_("Merge “%s” into “%s”"), a->name, b->name);
  return finish_write (self, ok, action, error);
}

gboolean
gloss_project_delete_code (GlossProject  *self,
                           gint64         code,
                           gboolean       cascade,
                           gint64        *n_annotations,
                           GError       **error)
{
  static const char *steps[] = {
    /* Annotations left with neither a code nor a note become tombstones. */
    "WITH RECURSIVE sub (id) AS (SELECT ?1 UNION SELECT c.id FROM code c JOIN sub ON c.parent = sub.id)"
    " UPDATE annotation SET deleted = 1, modified = ?2, revision = revision + 1"
    " WHERE deleted = 0 AND ifnull (note, '') = '' AND id IN (SELECT annotation FROM annotation_code"
    "  WHERE code IN sub) AND NOT EXISTS (SELECT 1 FROM annotation_code ac WHERE"
    "  ac.annotation = annotation.id AND ac.code NOT IN sub)",
    "DELETE FROM annotation_span WHERE id IN (SELECT id FROM annotation WHERE deleted = 1)",
    "WITH RECURSIVE sub (id) AS (SELECT ?1 UNION SELECT c.id FROM code c JOIN sub ON c.parent = sub.id)"
    " UPDATE annotation SET modified = ?2, revision = revision + 1 WHERE deleted = 0 AND id IN"
    " (SELECT annotation FROM annotation_code WHERE code IN sub)",
    "WITH RECURSIVE sub (id) AS (SELECT ?1 UNION SELECT c.id FROM code c JOIN sub ON c.parent = sub.id)"
    " DELETE FROM annotation_code WHERE code IN sub",
  };
  g_autoptr(GlossCode) old = gloss_project_get_code (self, code, error);
  g_autofree char *now = gloss_timestamp_now ();
  g_autofree char *action = NULL;
  gint64 n = 0;
  gboolean ok;

  if (old == NULL)
    return FALSE;
  if (!_gloss_project_begin (self, error))
    return FALSE;

  ok = count_code_uses (self, code, &n, error);
  if (n_annotations != NULL)
    *n_annotations = n;
  if (ok && n > 0 && !cascade)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_IN_USE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "“%s” is used by %lld annotation. Delete it "
                                "with its uses, or merge it into another code. Nothing was changed.",
                                "“%s” is used by %lld annotations. Delete it "
                                "with its uses, or merge it into another code. Nothing was changed.",
                                n),
                   old->path, (long long) n);
      ok = FALSE;
    }
  /* Self-referencing deletes need the children gone first: clear parents. */
  if (ok)
    {
      static const char detach_sql[] =
        "WITH RECURSIVE sub (id) AS (SELECT ?1 UNION SELECT c.id FROM code c JOIN sub ON c.parent = sub.id)"
        " UPDATE code SET parent = NULL WHERE id IN sub AND id != ?1";
      g_autoptr(GlossStmt) stmt = NULL;

      for (guint i = 0; ok && i < G_N_ELEMENTS (steps); i++)
        {
          g_autoptr(GlossStmt) step = prepare (self, steps[i], error);

          ok = step != NULL;
          if (ok)
            {
              if (sqlite3_bind_parameter_count (step) >= 1)
                sqlite3_bind_int64 (step, 1, code);
              if (sqlite3_bind_parameter_count (step) >= 2)
                sqlite3_bind_text (step, 2, now, -1, SQLITE_TRANSIENT);
              ok = step_done (self, step, "delete code", error);
            }
        }
      if (ok)
        {
          /* Collect the subtree before detaching it. */
          static const char sub_sql[] =
            "WITH RECURSIVE sub (id) AS (SELECT ?1 UNION SELECT c.id FROM code c JOIN sub ON c.parent = sub.id)"
            " SELECT id FROM sub";
          static const char del_sql[] = "DELETE FROM code WHERE id = ?";
          g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
          int rc;

          {
            g_autoptr(GlossStmt) s = prepare (self, sub_sql, error);

            ok = s != NULL;
            if (ok)
              {
                sqlite3_bind_int64 (s, 1, code);
                while ((rc = sqlite3_step (s)) == SQLITE_ROW)
                  {
                    gint64 id = sqlite3_column_int64 (s, 0);
                    g_array_append_val (ids, id);
                  }
                if (rc != SQLITE_DONE)
                  ok = set_db_error (self->db, rc, "codes", error);
              }
          }
          if (ok)
            {
              stmt = prepare (self, detach_sql, error);
              ok = stmt != NULL;
              if (ok)
                {
                  sqlite3_bind_int64 (stmt, 1, code);
                  ok = step_done (self, stmt, "delete code", error);
                }
            }
          for (guint i = 0; ok && i < ids->len; i++)
            {
              g_autoptr(GlossStmt) d = prepare (self, del_sql, error);

              ok = d != NULL;
              if (ok)
                {
                  sqlite3_bind_int64 (d, 1, g_array_index (ids, gint64, i));
                  ok = step_done (self, d, "delete code", error);
                }
            }
        }
    }
  ok = ok && renumber_siblings (self, old->dimension, old->parent, 0, 0, error);

  action = g_strdup_printf (_("Delete code “%s”"), old->name);
  return finish_write (self, ok, action, error);
}

/* ------------------------------------------------------------------------
 * Annotations
 * ------------------------------------------------------------------------ */

#define ANNOTATION_COLUMNS \
  "a.id, a.uuid, a.document, a.start, a.\"end\", a.quote, a.note, w.name, w.uuid, a.created, " \
  "a.modified, a.revision, a.deleted, a.review_status, r.name, a.review_note, a.reviewed, " \
  "(SELECT group_concat (code) FROM (SELECT code FROM annotation_code " \
  " WHERE annotation = a.id ORDER BY code))"

#define ANNOTATION_FROM \
  " FROM annotation a JOIN annotator w ON w.id = a.annotator " \
  "LEFT JOIN annotator r ON r.id = a.reviewer "

static GlossAnnotation *
annotation_from_row (sqlite3_stmt *stmt)
{
  GlossAnnotation *annotation = g_new0 (GlossAnnotation, 1);
  const char *codes;

  annotation->id = sqlite3_column_int64 (stmt, 0);
  annotation->uuid = column_dup (stmt, 1);
  annotation->document = sqlite3_column_int64 (stmt, 2);
  annotation->start = sqlite3_column_int64 (stmt, 3);
  annotation->end = sqlite3_column_int64 (stmt, 4);
  annotation->quote = column_dup (stmt, 5);
  annotation->note = column_dup (stmt, 6);
  annotation->annotator = column_dup (stmt, 7);
  annotation->annotator_uuid = column_dup (stmt, 8);
  annotation->created = column_dup (stmt, 9);
  annotation->modified = column_dup (stmt, 10);
  annotation->revision = sqlite3_column_int64 (stmt, 11);
  annotation->deleted = sqlite3_column_int (stmt, 12) != 0;
  if (!gloss_review_status_from_string ((const char *) sqlite3_column_text (stmt, 13),
                                        &annotation->status))
    annotation->status = GLOSS_REVIEW_UNREVIEWED;
  annotation->reviewer = column_dup (stmt, 14);
  annotation->review_note = column_dup (stmt, 15);
  annotation->reviewed = column_dup (stmt, 16);
  annotation->codes = g_array_new (FALSE, FALSE, sizeof (gint64));

  codes = (const char *) sqlite3_column_text (stmt, 17);
  while (codes != NULL && *codes != '\0')
    {
      char *end = NULL;
      gint64 code = g_ascii_strtoll (codes, &end, 10);

      g_array_append_val (annotation->codes, code);
      codes = (*end == ',') ? end + 1 : end;
      if (end == codes && *end != '\0')
        break;
    }

  return annotation;
}

/**
 * gloss_project_list_annotations:
 * @filter: (nullable): what to list; %NULL lists every live annotation
 *
 * Returns: (transfer full) (element-type GlossAnnotation): the annotations,
 *   by document and start
 */
GPtrArray *
gloss_project_list_annotations (GlossProject                 *self,
                                const GlossAnnotationFilter  *filter,
                                GError                      **error)
{
  static const GlossAnnotationFilter all = GLOSS_ANNOTATION_FILTER_INIT;
  g_autoptr(GString) sql = g_string_new ("SELECT " ANNOTATION_COLUMNS ANNOTATION_FROM);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) annotations =
    g_ptr_array_new_with_free_func ((GDestroyNotify) gloss_annotation_free);
  gboolean ranged;
  int rc;

  if (filter == NULL)
    filter = &all;
  ranged = filter->document != 0 && filter->range_end > filter->range_start;

  /* Fixed fragments only; every value is bound below. */
  g_string_append (sql, "WHERE 1");
  /* The span index drives a range query: the subquery runs first, then
   * each hit is looked up by rowid. */
  if (ranged)
    g_string_append (sql, " AND a.id IN (SELECT id FROM annotation_span WHERE document0 <= ?1 "
                          "AND document1 >= ?1 AND start0 < ?6 AND end0 > ?5)");
  /* With a range, "+" keeps the planner off the document index, which would
   * visit every annotation of the document. */
  if (filter->document != 0)
    g_string_append (sql, ranged ? " AND +a.document = ?1" : " AND a.document = ?1");
  if (filter->code != 0)
    g_string_append (sql, " AND a.id IN (SELECT annotation FROM annotation_code WHERE code = ?2)");
  if (filter->dimension != 0)
    g_string_append (sql, " AND a.id IN (SELECT ac.annotation FROM annotation_code ac "
                          "JOIN code c ON c.id = ac.code WHERE c.dimension = ?3)");
  if (filter->annotator != NULL)
    g_string_append (sql, " AND w.name = ?4");
  if (filter->status >= 0)
    g_string_append (sql, " AND a.review_status = ?7");
  if (!filter->include_deleted)
    g_string_append (sql, " AND a.deleted = 0");
  g_string_append (sql, " ORDER BY a.document, a.start, a.\"end\", a.id");

  rc = sqlite3_prepare_v2 (self->db, sql->str, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_db_error (self->db, rc, "annotations", error);
      return NULL;
    }

  if (filter->document != 0)
    sqlite3_bind_int64 (stmt, 1, filter->document);
  if (filter->code != 0)
    sqlite3_bind_int64 (stmt, 2, filter->code);
  if (filter->dimension != 0)
    sqlite3_bind_int64 (stmt, 3, filter->dimension);
  if (filter->annotator != NULL)
    sqlite3_bind_text (stmt, 4, filter->annotator, -1, SQLITE_TRANSIENT);
  if (ranged)
    {
      sqlite3_bind_int64 (stmt, 5, filter->range_start);
      sqlite3_bind_int64 (stmt, 6, filter->range_end);
    }
  if (filter->status >= 0)
    sqlite3_bind_text (stmt, 7, gloss_review_status_to_string (filter->status), -1, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (annotations, annotation_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      set_db_error (self->db, rc, "annotations", error);
      return NULL;
    }

  return g_steal_pointer (&annotations);
}

GlossAnnotation *
gloss_project_get_annotation (GlossProject  *self,
                              gint64         annotation,
                              GError       **error)
{
  static const char sql[] = "SELECT " ANNOTATION_COLUMNS ANNOTATION_FROM "WHERE a.id = ?";
  g_autoptr(GlossStmt) stmt = prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, annotation);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return annotation_from_row (stmt);
  if (rc == SQLITE_DONE)
    no_such (error, _("annotation"), annotation);
  else
    set_db_error (self->db, rc, "annotation", error);

  return NULL;
}

gint64
gloss_project_resolve_annotation (GlossProject  *self,
                                  const char    *uuid,
                                  GError       **error)
{
  static const char sql[] = "SELECT id FROM annotation WHERE uuid = ?";
  g_autoptr(GlossStmt) stmt = prepare (self, sql, error);
  gint64 id = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  if (step_int64 (self, stmt, &id, error))
    return id;
  if (error == NULL || *error == NULL)
    g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH,
                 _("There is no annotation “%s”. `gloss-cli annotations` lists them."), uuid);
  return 0;
}

gboolean
_gloss_project_sync_span (GlossProject  *self,
                          gint64         annotation,
                          GError       **error)
{
  static const char get_sql[] =
    "SELECT document, start, \"end\" FROM annotation WHERE id = ? AND deleted = 0";
  static const char put_sql[] =
    "INSERT OR REPLACE INTO annotation_span (id, document0, document1, start0, end0) "
    "VALUES (?, ?2, ?2, ?, ?)";
  static const char drop_sql[] = "DELETE FROM annotation_span WHERE id = ?";
  g_autoptr(GlossStmt) get = prepare (self, get_sql, error);
  int rc;

  if (get == NULL)
    return FALSE;

  sqlite3_bind_int64 (get, 1, annotation);
  rc = sqlite3_step (get);
  if (rc == SQLITE_ROW)
    {
      g_autoptr(GlossStmt) put = prepare (self, put_sql, error);

      if (put == NULL)
        return FALSE;
      sqlite3_bind_int64 (put, 1, annotation);
      sqlite3_bind_int64 (put, 2, sqlite3_column_int64 (get, 0));
      sqlite3_bind_int64 (put, 3, sqlite3_column_int64 (get, 1));
      sqlite3_bind_int64 (put, 4, sqlite3_column_int64 (get, 2));
      return step_done (self, put, "span index", error);
    }
  if (rc == SQLITE_DONE)
    {
      g_autoptr(GlossStmt) drop = prepare (self, drop_sql, error);

      if (drop == NULL)
        return FALSE;
      sqlite3_bind_int64 (drop, 1, annotation);
      return step_done (self, drop, "span index", error);
    }

  return set_db_error (self->db, rc, "span index", error);
}

/* Inside a write: checks @codes exist and respect single-valued dimensions,
 * then replaces the annotation's codes with them. */
static gboolean
write_codes (GlossProject  *self,
             gint64         annotation,
             const gint64  *codes,
             guint          n_codes,
             gboolean       replace,
             GError       **error)
{
  static const char info_sql[] =
    "SELECT c.dimension, m.multiple, m.name FROM code c JOIN dimension m ON m.id = c.dimension "
    "WHERE c.id = ?";
  static const char clear_sql[] = "DELETE FROM annotation_code WHERE annotation = ?";
  static const char add_sql[] =
    "INSERT OR IGNORE INTO annotation_code (annotation, code) VALUES (?, ?)";
  g_autoptr(GHashTable) single = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) dims = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_array_set_size (dims, n_codes);
  for (guint i = 0; i < n_codes; i++)
    {
      g_autoptr(GlossStmt) stmt = prepare (self, info_sql, error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, codes[i]);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_DONE)
        return no_such (error, _("code"), codes[i]);
      if (rc != SQLITE_ROW)
        return set_db_error (self->db, rc, "code", error);

      g_array_index (dims, gint64, i) = sqlite3_column_int64 (stmt, 0);
      if (sqlite3_column_int (stmt, 1) == 0)
        {
          gint64 *dim = &g_array_index (dims, gint64, i);

          for (guint j = 0; j < i; j++)
            if (g_array_index (dims, gint64, j) == *dim && codes[j] != codes[i])
              {
                g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                             _("“%s” allows one code per annotation; choose one of them."),
                             sqlite3_column_text (stmt, 2));
                return FALSE;
              }
          g_hash_table_add (single, dim);
        }
    }

  if (replace)
    {
      g_autoptr(GlossStmt) stmt = prepare (self, clear_sql, error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, annotation);
      if (!step_done (self, stmt, "codes", error))
        return FALSE;
    }

  for (guint i = 0; i < n_codes; i++)
    {
      g_autoptr(GlossStmt) stmt = prepare (self, add_sql, error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, annotation);
      sqlite3_bind_int64 (stmt, 2, codes[i]);
      if (!step_done (self, stmt, "codes", error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
check_codes_or_note (guint        n_codes,
                     const char  *note,
                     GError     **error)
{
  if (n_codes == 0 && (note == NULL || *note == '\0'))
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("An annotation needs at least one code (or a note)."));
      return FALSE;
    }
  if (note != NULL && !g_utf8_validate (note, -1, NULL))
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("The note is not valid text."));
      return FALSE;
    }

  return TRUE;
}

static char *
describe_codes (GlossProject *self,
                const gint64 *codes,
                guint         n_codes)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < n_codes && i < 3; i++)
    {
      static const char sql[] = "SELECT name FROM code WHERE id = ?";
      g_autoptr(GlossStmt) stmt = prepare (self, sql, NULL);

      if (stmt == NULL)
        continue;
      sqlite3_bind_int64 (stmt, 1, codes[i]);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        continue;
      if (s->len > 0)
        g_string_append (s, ", ");
      g_string_append (s, (const char *) sqlite3_column_text (stmt, 0));
    }
  if (n_codes > 3)
    g_string_append (s, ", …");

  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Inside a write: inserts one annotation and its codes, indexes its span. */
static gint64
insert_annotation (GlossProject  *self,
                   gint64         document,
                   gint64         start,
                   gint64         end,
                   const gint64  *codes,
                   guint          n_codes,
                   const char    *note,
                   gint64         annotator,
                   const char    *now,
                   GError       **error)
{
  static const char sql[] =
    "INSERT INTO annotation (uuid, document, start, \"end\", quote, note, annotator, created, "
    "modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?8)";
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *quote = NULL;
  gint64 id;

  if (!check_codes_or_note (n_codes, note, error))
    return 0;
  quote = cut_quote (self, document, start, end, error);
  if (quote == NULL)
    return 0;

  {
    g_autoptr(GlossStmt) stmt = prepare (self, sql, error);

    if (stmt == NULL)
      return 0;
    sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, 2, document);
    sqlite3_bind_int64 (stmt, 3, start);
    sqlite3_bind_int64 (stmt, 4, end);
    sqlite3_bind_text (stmt, 5, quote, -1, SQLITE_TRANSIENT);
    bind_text_or_null (stmt, 6, note != NULL && *note != '\0' ? note : NULL);
    sqlite3_bind_int64 (stmt, 7, annotator);
    sqlite3_bind_text (stmt, 8, now, -1, SQLITE_TRANSIENT);
    if (!step_done (self, stmt, "annotation", error))
      return 0;
    id = sqlite3_last_insert_rowid (self->db);
  }

  if (!write_codes (self, id, codes, n_codes, FALSE, error))
    return 0;

  {
    static const char span_sql[] =
      "INSERT INTO annotation_span (id, document0, document1, start0, end0) "
      "VALUES (?, ?2, ?2, ?, ?)";
    g_autoptr(GlossStmt) stmt = prepare (self, span_sql, error);

    if (stmt == NULL)
      return 0;
    sqlite3_bind_int64 (stmt, 1, id);
    sqlite3_bind_int64 (stmt, 2, document);
    sqlite3_bind_int64 (stmt, 3, start);
    sqlite3_bind_int64 (stmt, 4, end);
    if (!step_done (self, stmt, "span index", error))
      return 0;
  }

  return id;
}

static const char *
annotator_or_default (GlossProject  *self,
                      const char    *annotator,
                      GError       **error)
{
  if (annotator == NULL)
    annotator = gloss_project_get_default_annotator (self);
  if (annotator == NULL)
    g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                 _("Name the annotator: this project has no default annotator."));

  return annotator;
}

/**
 * gloss_project_add_annotation:
 * @codes: (array length=n_codes): code ids, at least one unless @note is given
 * @annotator: (nullable): who annotates; %NULL: the default annotator
 *
 * Returns: the new annotation's id, or 0 with @error set
 */
gint64
gloss_project_add_annotation (GlossProject  *self,
                              gint64         document,
                              gint64         start,
                              gint64         end,
                              const gint64  *codes,
                              guint          n_codes,
                              const char    *note,
                              const char    *annotator,
                              GError       **error)
{
  g_autofree char *now = gloss_timestamp_now ();
  g_autofree char *action = NULL;
  g_autofree char *names = NULL;
  gint64 annotator_id;
  gint64 id = 0;

  g_return_val_if_fail (GLOSS_IS_PROJECT (self), 0);

  annotator = annotator_or_default (self, annotator, error);
  if (annotator == NULL || !check_codes_or_note (n_codes, note, error))
    return 0;
  names = describe_codes (self, codes, n_codes);

  if (!_gloss_project_begin (self, error))
    return 0;

  annotator_id = _gloss_project_ensure_annotator (self, annotator, NULL, error);
  if (annotator_id != 0)
    id = insert_annotation (self, document, start, end, codes, n_codes, note, annotator_id,
                            now, error);

  action = g_strdup_printf (_("Tag “%s”"), names);
  if (!finish_write (self, id != 0, action, error))
    return 0;

  return id;
}

/**
 * gloss_project_add_annotations:
 * @items: (array length=n_items): the annotations
 * @annotator: (nullable): who annotates; %NULL: the default annotator
 * @ids: (nullable) (element-type gint64): receives the new ids
 *
 * Adds many annotations in one transaction, undone as one step.  All or
 * nothing: one bad item refuses the whole batch.
 */
gboolean
gloss_project_add_annotations (GlossProject              *self,
                               const GlossNewAnnotation  *items,
                               guint                      n_items,
                               const char                *annotator,
                               GArray                    *ids,
                               GError                   **error)
{
  g_autofree char *now = gloss_timestamp_now ();
  g_autofree char *action = NULL;
  gint64 annotator_id;
  gboolean ok;

  g_return_val_if_fail (GLOSS_IS_PROJECT (self), FALSE);

  annotator = annotator_or_default (self, annotator, error);
  if (annotator == NULL || !_gloss_project_begin (self, error))
    return FALSE;

  annotator_id = _gloss_project_ensure_annotator (self, annotator, NULL, error);
  ok = annotator_id != 0;
  for (guint i = 0; ok && i < n_items; i++)
    {
      gint64 id = insert_annotation (self, items[i].document, items[i].start, items[i].end,
                                     items[i].codes, items[i].n_codes, items[i].note,
                                     annotator_id, now, error);

      ok = id != 0;
      if (!ok)
        g_prefix_error (error, _("Annotation %u of %u: "), i + 1, n_items);
      else if (ids != NULL)
        g_array_append_val (ids, id);
    }

  if (!ok && ids != NULL)
    g_array_set_size (ids, 0);

  action = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Add %u annotation",
                                         "Add %u annotations", n_items), n_items);
  return finish_write (self, ok, action, error);
}

/* Bumps modified and revision, inside a write. */
static gboolean
touch_annotation (GlossProject  *self,
                  gint64         annotation,
                  GError       **error)
{
  static const char sql[] =
    "UPDATE annotation SET modified = ?, revision = revision + 1 WHERE id = ? AND deleted = 0";
  g_autoptr(GlossStmt) stmt = prepare (self, sql, error);
  g_autofree char *now = gloss_timestamp_now ();

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, annotation);
  if (!step_done (self, stmt, "annotation", error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return no_such (error, _("annotation"), annotation);

  return TRUE;
}

static GlossAnnotation *
get_live_annotation (GlossProject  *self,
                     gint64         annotation,
                     GError       **error)
{
  g_autoptr(GlossAnnotation) a = gloss_project_get_annotation (self, annotation, error);

  if (a != NULL && a->deleted)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH,
                   _("The annotation %s was deleted."), a->uuid);
      return NULL;
    }

  return g_steal_pointer (&a);
}

gboolean
gloss_project_set_annotation_span (GlossProject  *self,
                                   gint64         annotation,
                                   gint64         start,
                                   gint64         end,
                                   GError       **error)
{
  static const char sql[] =
    "UPDATE annotation SET start = ?, \"end\" = ?, quote = ? WHERE id = ?";
  g_autoptr(GlossAnnotation) a = get_live_annotation (self, annotation, error);
  g_autofree char *quote = NULL;
  gboolean ok;

  if (a == NULL)
    return FALSE;
  quote = cut_quote (self, a->document, start, end, error);
  if (quote == NULL || !_gloss_project_begin (self, error))
    return FALSE;

  {
    g_autoptr(GlossStmt) stmt = prepare (self, sql, error);

    ok = stmt != NULL;
    if (ok)
      {
        sqlite3_bind_int64 (stmt, 1, start);
        sqlite3_bind_int64 (stmt, 2, end);
        sqlite3_bind_text (stmt, 3, quote, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64 (stmt, 4, annotation);
        ok = step_done (self, stmt, "annotation", error);
      }
  }
  ok = ok && touch_annotation (self, annotation, error);
  ok = ok && _gloss_project_sync_span (self, annotation, error);

  return finish_write (self, ok, _("Change span"), error);
}

gboolean
gloss_project_set_annotation_codes (GlossProject  *self,
                                    gint64         annotation,
                                    const gint64  *codes,
                                    guint          n_codes,
                                    GError       **error)
{
  g_autoptr(GlossAnnotation) a = get_live_annotation (self, annotation, error);
  g_autofree char *names = NULL;
  g_autofree char *action = NULL;
  gboolean ok;

  if (a == NULL || !check_codes_or_note (n_codes, a->note, error))
    return FALSE;
  names = describe_codes (self, codes, n_codes);
  if (!_gloss_project_begin (self, error))
    return FALSE;

  ok = write_codes (self, annotation, codes, n_codes, TRUE, error);
  ok = ok && touch_annotation (self, annotation, error);

  action = g_strdup_printf (_("Change codes to “%s”"), names);
  return finish_write (self, ok, action, error);
}

gboolean
gloss_project_set_annotation_note (GlossProject  *self,
                                   gint64         annotation,
                                   const char    *note,
                                   GError       **error)
{
  static const char sql[] = "UPDATE annotation SET note = ? WHERE id = ?";
  g_autoptr(GlossAnnotation) a = get_live_annotation (self, annotation, error);
  gboolean ok;

  if (a == NULL || !check_codes_or_note (a->codes->len, note, error))
    return FALSE;
  if (!_gloss_project_begin (self, error))
    return FALSE;

  {
    g_autoptr(GlossStmt) stmt = prepare (self, sql, error);

    ok = stmt != NULL;
    if (ok)
      {
        bind_text_or_null (stmt, 1, note != NULL && *note != '\0' ? note : NULL);
        sqlite3_bind_int64 (stmt, 2, annotation);
        ok = step_done (self, stmt, "annotation", error);
      }
  }
  ok = ok && touch_annotation (self, annotation, error);

  return finish_write (self, ok, _("Edit note"), error);
}

gboolean
gloss_project_delete_annotation (GlossProject  *self,
                                 gint64         annotation,
                                 GError       **error)
{
  static const char sql[] =
    "UPDATE annotation SET deleted = 1, modified = ?, revision = revision + 1 WHERE id = ?";
  g_autoptr(GlossAnnotation) a = get_live_annotation (self, annotation, error);
  g_autofree char *now = gloss_timestamp_now ();
  g_autofree char *action = NULL;
  gboolean ok;

  if (a == NULL || !_gloss_project_begin (self, error))
    return FALSE;

  {
    g_autoptr(GlossStmt) stmt = prepare (self, sql, error);

    ok = stmt != NULL;
    if (ok)
      {
        sqlite3_bind_text (stmt, 1, now, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64 (stmt, 2, annotation);
        ok = step_done (self, stmt, "annotation", error);
      }
  }
  ok = ok && _gloss_project_sync_span (self, annotation, error);

  action = g_strdup_printf (_("Delete annotation “%.40s”"), a->quote);
  return finish_write (self, ok, action, error);
}

gboolean
gloss_project_review_annotation (GlossProject       *self,
                                 gint64              annotation,
                                 GlossReviewStatus   status,
                                 const char         *note,
                                 const char         *reviewer,
                                 GError            **error)
{
  static const char sql[] =
    "UPDATE annotation SET review_status = ?, reviewer = ?, review_note = ?, reviewed = ?, "
    "modified = ?4, revision = revision + 1 WHERE id = ?";
  g_autoptr(GlossAnnotation) a = get_live_annotation (self, annotation, error);
  g_autofree char *now = gloss_timestamp_now ();
  gint64 reviewer_id;
  gboolean ok;

  if (a == NULL)
    return FALSE;
  if (note != NULL && !g_utf8_validate (note, -1, NULL))
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("The review note is not valid text."));
      return FALSE;
    }
  if (reviewer == NULL)
    reviewer = gloss_project_get_default_annotator (self);
  if (reviewer == NULL)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("Name the reviewer: this project has no default annotator."));
      return FALSE;
    }
  if (!_gloss_project_begin (self, error))
    return FALSE;

  reviewer_id = _gloss_project_ensure_annotator (self, reviewer, NULL, error);
  ok = reviewer_id != 0;
  if (ok)
    {
      g_autoptr(GlossStmt) stmt = prepare (self, sql, error);

      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_text (stmt, 1, gloss_review_status_to_string (status), -1, SQLITE_STATIC);
          if (status == GLOSS_REVIEW_UNREVIEWED)
            {
              sqlite3_bind_null (stmt, 2);
              sqlite3_bind_null (stmt, 3);
              sqlite3_bind_text (stmt, 4, now, -1, SQLITE_TRANSIENT);
            }
          else
            {
              sqlite3_bind_int64 (stmt, 2, reviewer_id);
              bind_text_or_null (stmt, 3, note != NULL && *note != '\0' ? note : NULL);
              sqlite3_bind_text (stmt, 4, now, -1, SQLITE_TRANSIENT);
            }
          sqlite3_bind_int64 (stmt, 5, annotation);
          ok = step_done (self, stmt, "review", error);
        }
    }

  return finish_write (self, ok,
                       status == GLOSS_REVIEW_ACCEPTED ? _("Accept annotation") :
                       status == GLOSS_REVIEW_REJECTED ? _("Reject annotation") :
                                                         _("Clear review"),
                       error);
}

/* ------------------------------------------------------------------------
 * Undo and redo: the inverse changeset, applied in a new transaction
 * ------------------------------------------------------------------------ */

static int
abort_on_conflict (void                *user_data,
                   int                  conflict,
                   sqlite3_changeset_iter *iter)
{
  return SQLITE_CHANGESET_ABORT;
}

/* The annotation ids a changeset touches, to keep the span index in step. */
static GArray *
changed_annotations (GBytes *changeset)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_changeset_iter *iter = NULL;
  gsize size;
  const void *data = g_bytes_get_data (changeset, &size);

  if (sqlite3changeset_start (&iter, (int) size, (void *) data) != SQLITE_OK)
    return g_steal_pointer (&ids);

  while (sqlite3changeset_next (iter) == SQLITE_ROW)
    {
      const char *table;
      int n_columns, op, indirect;
      sqlite3_value *value = NULL;

      sqlite3changeset_op (iter, &table, &n_columns, &op, &indirect);
      if (!g_str_equal (table, "annotation"))
        continue;
      if (op == SQLITE_INSERT)
        sqlite3changeset_new (iter, 0, &value);
      else
        sqlite3changeset_old (iter, 0, &value);
      if (value != NULL)
        {
          gint64 id = sqlite3_value_int64 (value);
          g_array_append_val (ids, id);
        }
    }
  sqlite3changeset_finalize (iter);

  return g_steal_pointer (&ids);
}

/* Applies a changeset (an undo's inverse, or a redo) in one transaction.
 * Foreign-key actions are off while it applies: the changeset already holds
 * every row a cascade touched, and a cascade would delete rows the changeset
 * then expects to find.  References are checked before committing. */
static gboolean
apply_changeset (GlossProject  *self,
                 GBytes        *changeset,
                 const char    *action,
                 GError       **error)
{
  g_autoptr(GArray) ids = changed_annotations (changeset);
  gsize size;
  const void *data = g_bytes_get_data (changeset, &size);
  gint64 dangling = 0;
  gboolean ok;
  int rc;

  if (!check_writable (self, error))
    return FALSE;
  if (!exec_sql (self->db, "PRAGMA foreign_keys = OFF", error))
    return FALSE;
  if (!exec_sql (self->db, "BEGIN IMMEDIATE", error))
    {
      exec_sql (self->db, "PRAGMA foreign_keys = ON", NULL);
      return FALSE;
    }

  rc = sqlite3changeset_apply (self->db, (int) size, (void *) data, NULL,
                               abort_on_conflict, NULL);
  ok = rc == SQLITE_OK;
  if (ok)
    ok = query_single_int (self->db, "SELECT count (*) FROM pragma_foreign_key_check",
                           &dangling, error);
  if (ok && dangling > 0)
    rc = SQLITE_CONSTRAINT;
  if (rc != SQLITE_OK)
    {
      if ((rc & 0xff) == SQLITE_ABORT || (rc & 0xff) == SQLITE_CONSTRAINT)
        g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_CONFLICT,
                     _("“%s” cannot be done: what it changes was changed again since (perhaps "
                       "by another program). Nothing was changed."), action);
      else
        set_db_error (self->db, rc, action, error);
      ok = FALSE;
    }

  for (guint i = 0; ok && i < ids->len; i++)
    ok = _gloss_project_sync_span (self, g_array_index (ids, gint64, i), error);

  ok = ok && log_change (self, action, data, (int) size, error);
  ok = ok && exec_sql (self->db, "COMMIT", error);
  if (!ok)
    exec_sql (self->db, "ROLLBACK", NULL);
  exec_sql (self->db, "PRAGMA foreign_keys = ON", NULL);
  if (!ok)
    return FALSE;

  text_cache_clear (&self->text_cache);
  after_commit (self);
  return TRUE;
}

gboolean
gloss_project_can_undo (GlossProject *self)
{
  return self->undo_stack->len > 0 && !self->read_only;
}

gboolean
gloss_project_can_redo (GlossProject *self)
{
  return self->redo_stack->len > 0 && !self->read_only;
}

/**
 * gloss_project_get_undo_label:
 *
 * Returns: (nullable): what undo would undo, e.g. "Tag “Russia”"
 */
const char *
gloss_project_get_undo_label (GlossProject *self)
{
  if (self->undo_stack->len == 0)
    return NULL;
  return ((UndoEntry *) g_ptr_array_index (self->undo_stack, self->undo_stack->len - 1))->label;
}

const char *
gloss_project_get_redo_label (GlossProject *self)
{
  if (self->redo_stack->len == 0)
    return NULL;
  return ((UndoEntry *) g_ptr_array_index (self->redo_stack, self->redo_stack->len - 1))->label;
}

gboolean
gloss_project_undo (GlossProject  *self,
                    GError       **error)
{
  UndoEntry *entry;
  g_autoptr(GBytes) inverse = NULL;
  g_autofree char *action = NULL;
  void *out = NULL;
  int n_out = 0;
  gsize size;
  const void *data;

  if (self->undo_stack->len == 0)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH,
                   _("There is nothing to undo."));
      return FALSE;
    }

  entry = g_ptr_array_index (self->undo_stack, self->undo_stack->len - 1);
  data = g_bytes_get_data (entry->changeset, &size);
  if (sqlite3changeset_invert ((int) size, data, &n_out, &out) != SQLITE_OK)
    return set_db_error (self->db, SQLITE_NOMEM, "undo", error);
  inverse = g_bytes_new_with_free_func (out, n_out, sqlite3_free, out);

  action = g_strdup_printf (_("Undo: %s"), entry->label);
  if (!apply_changeset (self, inverse, action, error))
    return FALSE;

  g_ptr_array_add (self->redo_stack, g_ptr_array_steal_index (self->undo_stack,
                                                              self->undo_stack->len - 1));
  return TRUE;
}

gboolean
gloss_project_redo (GlossProject  *self,
                    GError       **error)
{
  UndoEntry *entry;
  g_autofree char *action = NULL;

  if (self->redo_stack->len == 0)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_NO_SUCH,
                   _("There is nothing to redo."));
      return FALSE;
    }

  entry = g_ptr_array_index (self->redo_stack, self->redo_stack->len - 1);
  action = g_strdup_printf (_("Redo: %s"), entry->label);
  if (!apply_changeset (self, entry->changeset, action, error))
    return FALSE;

  g_ptr_array_add (self->undo_stack, g_ptr_array_steal_index (self->redo_stack,
                                                              self->redo_stack->len - 1));
  return TRUE;
}

/* ------------------------------------------------------------------------
 * Check
 * ------------------------------------------------------------------------ */

static gint
compare_by_start (gconstpointer a,
                  gconstpointer b)
{
  const GlossAnnotation *x = *(GlossAnnotation **) a;
  const GlossAnnotation *y = *(GlossAnnotation **) b;

  return (x->start > y->start) - (x->start < y->start);
}

/**
 * gloss_project_check:
 *
 * Runs the checks of opening again, and checks every annotation's quote
 * against its span.
 *
 * Returns: (transfer full) (element-type utf8): the problems found
 */
GPtrArray *
gloss_project_check (GlossProject  *self,
                     GError       **error)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GPtrArray) schema_problem = NULL;
  g_autoptr(GError) schema_error = NULL;

  if (!check_schema (self->db, GLOSS_SCHEMA_VERSION, self->path, &schema_error))
    g_ptr_array_add (problems, g_strdup (schema_error->message));

  if (!check_contents (self->db, self->path, problems, error))
    return NULL;

  documents = gloss_project_list_documents (self, error);
  if (documents == NULL)
    return NULL;

  for (guint d = 0; d < documents->len; d++)
    {
      GlossDocument *document = documents->pdata[d];
      GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
      g_autoptr(GPtrArray) annotations = NULL;
      const TextCache *cache;

      filter.document = document->id;
      filter.include_deleted = TRUE;
      annotations = gloss_project_list_annotations (self, &filter, error);
      if (annotations == NULL)
        return NULL;
      g_ptr_array_sort (annotations, compare_by_start);

      cache = load_text (self, document->id, error);
      if (cache == NULL)
        return NULL;

      for (guint i = 0; i < annotations->len; i++)
        {
          GlossAnnotation *a = annotations->pdata[i];
          const char *from, *to;

          if (a->start < 0 || a->end <= a->start || a->end > cache->length)
            continue; /* reported by check_contents */

          from = text_at (cache, a->start);
          to = a->end == cache->length ? cache->text + strlen (cache->text) : text_at (cache, a->end);
          if (strlen (a->quote) != (gsize) (to - from) || memcmp (a->quote, from, to - from) != 0)
            g_ptr_array_add (problems,
                             g_strdup_printf (_("annotation %s in “%s”: its quote “%.40s” does "
                                                "not match the text at [%lld, %lld)"),
                                              a->uuid, document->title, a->quote,
                                              (long long) a->start, (long long) a->end));
        }
    }

  /* Problems quote uuids, names, quotes and SQLite's messages from the
   * file, in any bytes: the window shows them. */
  for (guint i = 0; i < problems->len; i++)
    if (!g_utf8_validate (problems->pdata[i], -1, NULL))
      {
        char *valid = g_utf8_make_valid (problems->pdata[i], -1);

        g_free (problems->pdata[i]);
        problems->pdata[i] = valid;
      }

  return g_steal_pointer (&problems);
}

/* ------------------------------------------------------------------------
 * Creating
 * ------------------------------------------------------------------------ */

static GBytes *
engine_resource (const char  *name,
                 GError     **error)
{
  g_autofree char *path = g_strconcat ("/org/glossapp/Gloss/engine/", name, NULL);

  return g_resource_lookup_data (gloss_engine_get_resource (), path,
                                 G_RESOURCE_LOOKUP_FLAGS_NONE, error);
}

static gboolean
add_codes_from_json (GlossProject  *self,
                     gint64         dimension,
                     gint64         parent,
                     JsonArray     *codes,
                     GError       **error)
{
  for (guint i = 0; codes != NULL && i < json_array_get_length (codes); i++)
    {
      JsonObject *c = json_array_get_object_element (codes, i);
      gint64 id;

      if (c == NULL)
        continue;
      id = gloss_project_add_code (self, dimension, parent,
                                   json_object_get_string_member_with_default (c, "name", NULL),
                                   json_object_get_string_member_with_default (c, "color", "#888888"),
                                   json_object_get_string_member_with_default (c, "description", NULL),
                                   json_object_get_string_member_with_default (c, "shortcut", NULL),
                                   error);
      if (id == 0)
        return FALSE;
      if (json_object_has_member (c, "children") &&
          !add_codes_from_json (self, dimension, id,
                                json_object_get_array_member (c, "children"), error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
add_default_codebook (GlossProject  *self,
                      GError       **error)
{
  g_autoptr(GBytes) bytes = engine_resource ("codebook.json", error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *dimensions;

  if (bytes == NULL)
    return FALSE;
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), error))
    return FALSE;

  root = json_node_get_object (json_parser_get_root (parser));
  dimensions = json_object_get_array_member (root, "dimensions");
  for (guint i = 0; i < json_array_get_length (dimensions); i++)
    {
      JsonObject *d = json_array_get_object_element (dimensions, i);
      GlossDimensionKind kind = GLOSS_DIMENSION_OTHER;
      GlossLevel level = GLOSS_LEVEL_NOMINAL;
      gint64 id;

      gloss_dimension_kind_from_string (json_object_get_string_member_with_default (d, "kind", "other"), &kind);
      gloss_level_from_string (json_object_get_string_member_with_default (d, "level", "nominal"), &level);
      id = gloss_project_add_dimension (self, json_object_get_string_member (d, "name"), kind,
                                        json_object_get_boolean_member_with_default (d, "multiple", TRUE),
                                        level, error);
      if (id == 0)
        return FALSE;
      if (json_object_has_member (d, "memo"))
        {
          g_autoptr(GlossDimension) dim = gloss_project_get_dimension (self, id, error);

          if (dim == NULL ||
              !gloss_project_update_dimension (self, id, dim->name, dim->kind, dim->multiple,
                                               dim->level, json_object_get_string_member (d, "memo"),
                                               error))
            return FALSE;
        }
      if (!add_codes_from_json (self, id, 0, json_object_get_array_member (d, "codes"), error))
        return FALSE;
    }

  return TRUE;
}

/**
 * gloss_project_create:
 * @path: where the new project goes; must not exist
 * @annotator: (nullable): the default annotator; %NULL: the user's name
 * @empty: %TRUE for no codebook
 *
 * Creates a project file (atomically: it appears complete or not at all)
 * with the default codebook unless @empty, and opens it.
 *
 * Returns: (transfer full): the project, or %NULL with @error set
 */
GlossProject *
gloss_project_create (const char  *path,
                      const char  *annotator,
                      gboolean     empty,
                      GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmp = g_build_filename (dir, ".gloss-new-XXXXXX", NULL);
  g_autofree char *journal = NULL;
  g_autoptr(GlossProject) self = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *now = gloss_timestamp_now ();
  g_autofree char *pragma = NULL;
  sqlite3 *db;
  struct stat st;
  int fd;
  gboolean ok;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_lstat (path, &st) == 0)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_EXISTS,
                   _("“%s” already exists. Choose another name; Gloss never overwrites a file "
                     "when creating a project."), shown (path));
      return NULL;
    }

  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_PERMISSION,
                   _("Could not create a file in “%s”: %s."), dir, g_strerror (saved));
      return NULL;
    }
  close (fd);
  journal = g_strconcat (tmp, "-journal", NULL);

  db = open_connection (tmp, SQLITE_OPEN_READWRITE, error);
  ok = db != NULL;
  pragma = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d;",
                            GLOSS_APPLICATION_ID, GLOSS_SCHEMA_VERSION);
  ok = ok && exec_sql (db, "PRAGMA encoding = 'UTF-8'; PRAGMA journal_mode = DELETE; "
                           "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;", error);
  ok = ok && exec_sql (db, "BEGIN IMMEDIATE", error);
  ok = ok && run_migrations (db, 0, error);
  ok = ok && exec_sql (db, pragma, error);
  if (ok)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;

      ok = sqlite3_prepare_v2 (db, "INSERT INTO project (key, value) VALUES ('uuid', ?), "
                                   "('created', ?)", -1, &stmt, NULL) == SQLITE_OK;
      if (ok)
        {
          sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (stmt, 2, now, -1, SQLITE_TRANSIENT);
          ok = sqlite3_step (stmt) == SQLITE_DONE;
        }
      if (!ok)
        set_db_error (db, sqlite3_errcode (db), "create", error);
    }
  ok = ok && exec_sql (db, "COMMIT", error);
  if (db != NULL)
    sqlite3_close_v2 (db);

  /* Appear under the final name only when complete, and never clobber. */
  if (ok && link (tmp, path) != 0)
    {
      int saved = errno;

      if (saved == EEXIST)
        g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_EXISTS,
                     _("“%s” already exists. Choose another name."), shown (path));
      else if (saved == EPERM || saved == EOPNOTSUPP)
        {
          /* File systems without hard links: rename is still atomic. */
          if (g_rename (tmp, path) == 0)
            goto renamed;
          g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_IO,
                       _("Could not create “%s”: %s."), shown (path), g_strerror (errno));
        }
      else
        g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_IO,
                     _("Could not create “%s”: %s."), shown (path), g_strerror (saved));
      ok = FALSE;
    }
renamed:
  g_unlink (tmp);
  g_unlink (journal);
  if (!ok)
    return NULL;

  self = gloss_project_open (path, GLOSS_OPEN_DEFAULT, error);
  if (self == NULL)
    return NULL;

  if (!gloss_project_set_default_annotator (self, annotator != NULL && *annotator != '\0'
                                                  ? annotator : g_get_user_name (), error))
    return NULL;

  if (!empty && !add_default_codebook (self, error))
    {
      g_prefix_error (error, _("The default codebook could not be added: "));
      g_clear_object (&self);
      g_unlink (path);
      return NULL;
    }

  /* Creating is not something to undo. */
  g_ptr_array_set_size (self->undo_stack, 0);

  return g_steal_pointer (&self);
}

static gboolean
add_sample_annotations (GlossProject  *self,
                        gint64         document,
                        GError       **error)
{
  g_autoptr(GBytes) bytes = engine_resource ("sample-annotations.json", error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  JsonObject *root;
  JsonArray *annotations;
  const char *annotator;

  if (bytes == NULL)
    return FALSE;
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), error))
    return FALSE;

  text = gloss_project_dup_text (self, document, error);
  if (text == NULL)
    return FALSE;

  root = json_node_get_object (json_parser_get_root (parser));
  annotator = json_object_get_string_member_with_default (root, "annotator", "Example");
  annotations = json_object_get_array_member (root, "annotations");

  for (guint i = 0; i < json_array_get_length (annotations); i++)
    {
      JsonObject *a = json_array_get_object_element (annotations, i);
      const char *quote = json_object_get_string_member (a, "quote");
      gint64 occurrence = json_object_get_int_member_with_default (a, "occurrence", 1);
      JsonArray *paths = json_object_get_array_member (a, "codes");
      g_autoptr(GArray) codes = g_array_new (FALSE, FALSE, sizeof (gint64));
      const char *at = text;
      gint64 start;

      for (gint64 n = 0; n < occurrence && at != NULL; n++)
        {
          at = strstr (n == 0 ? at : at + 1, quote);
        }
      if (at == NULL)
        {
          g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                       "sample annotation %u: “%s” is not in the interview", i, quote);
          return FALSE;
        }

      for (guint j = 0; paths != NULL && j < json_array_get_length (paths); j++)
        {
          gint64 code = gloss_project_resolve_code (self, json_array_get_string_element (paths, j),
                                                    error);
          if (code == 0)
            return FALSE;
          g_array_append_val (codes, code);
        }

      start = g_utf8_pointer_to_offset (text, at);
      if (gloss_project_add_annotation (self, document, start,
                                        start + g_utf8_strlen (quote, -1),
                                        (gint64 *) codes->data, codes->len,
                                        json_object_get_string_member_with_default (a, "note", NULL),
                                        annotator, error) == 0)
        return FALSE;
    }

  return TRUE;
}

/**
 * gloss_project_create_sample:
 * @path: where the sample project goes; must not exist
 *
 * Creates the sample project: the default codebook, the bundled interview
 * and a handful of example annotations by the annotator "Example".
 *
 * Returns: (transfer full): the project, or %NULL with @error set
 */
GlossProject *
gloss_project_create_sample (const char  *path,
                             GError     **error)
{
  g_autoptr(GlossProject) self = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;
  gint64 document;

  self = gloss_project_create (path, "Example", FALSE, error);
  if (self == NULL)
    return NULL;

  bytes = engine_resource ("sample.txt", error);
  if (bytes == NULL)
    return NULL;
  text = gloss_text_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL, error);
  if (text == NULL)
    return NULL;

  document = gloss_project_add_document (self, "Sample interview", text,
                                         "pakistan-russia-interview.txt", NULL, error);
  if (document == 0 ||
      !gloss_project_set_attribute (self, document, "interviewee", "Andrew Korybko", error) ||
      !gloss_project_set_attribute (self, document, "interviewer", "Aman Ullah", error) ||
      !gloss_project_set_attribute (self, document, "date", "2023-11-26", error) ||
      !gloss_project_set_attribute (self, document, "source", "Global Village Space", error) ||
      !add_sample_annotations (self, document, error))
    {
      g_autoptr(GlossProject) doomed = g_steal_pointer (&self);

      g_clear_object (&doomed);
      g_unlink (path);
      return NULL;
    }

  g_ptr_array_set_size (self->undo_stack, 0);

  return g_steal_pointer (&self);
}
