/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-agreement"

#include "config.h"

#include "gloss-agreement.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "gloss-agreement-math.h"
#include "gloss-autocleanups.h"
#include "gloss-project-private.h"

G_DEFINE_QUARK (gloss-agreement-error-quark, gloss_agreement_error)

#define NONE G_MAXUINT

/* ------------------------------------------------------------------------
 * What the files hold, matched across files
 * ------------------------------------------------------------------------ */

typedef struct
{
  char       *uuid;
  char       *name;
  gboolean    multiple;
  GlossLevel  level;
  GArray     *codes;        /* (element-type guint): global code indices, in rank order */
} Dim;

typedef struct
{
  char  *uuid;
  char  *path;
  guint  dim;
  guint  rank;              /* place among its dimension's codes */
} Code;

typedef struct
{
  char   *uuid;
  char   *title;
  char   *sha256;
  gint64  length;
} Doc;

typedef struct
{
  char   *uuid;
  char   *annotator;
  GArray *files;            /* (element-type guint): files it annotated in */
  gboolean live;            /* has a live annotation */
} Rater;

typedef struct
{
  guint        doc;
  guint        rater;
  gint64       start;
  gint64       end;
  guint        codes_first; /* into Compare.record_codes */
  guint        n_codes;
  gint64       revision;
  const char  *modified;    /* in one of Compare.strings */
  gboolean     deleted;
} Record;

typedef struct
{
  GPtrArray    *dims;
  GPtrArray    *codes;
  GPtrArray    *docs;
  GPtrArray    *raters;
  GHashTable   *dim_by_uuid;
  GHashTable   *dim_by_name;
  GHashTable   *code_by_uuid;
  GHashTable   *code_by_key;
  GHashTable   *doc_by_uuid;
  GHashTable   *doc_by_sha;     /* sha256 → GArray of doc indices */
  GHashTable   *rater_by_uuid;
  GHashTable   *record_by_uuid;
  GArray       *records;
  GArray       *record_codes;   /* (element-type guint) */
  GPtrArray    *strings;        /* GStringChunk: the files' uuids and times */
  GPtrArray    *file_docs;      /* per file: GArray of doc indices */
  GPtrArray    *notes;
} Compare;

static void
dim_free (Dim *dim)
{
  g_free (dim->uuid);
  g_free (dim->name);
  g_array_unref (dim->codes);
  g_free (dim);
}

static void
code_free (Code *code)
{
  g_free (code->uuid);
  g_free (code->path);
  g_free (code);
}

static void
doc_free (Doc *doc)
{
  g_free (doc->uuid);
  g_free (doc->title);
  g_free (doc->sha256);
  g_free (doc);
}

static void
rater_free (Rater *rater)
{
  g_free (rater->uuid);
  g_free (rater->annotator);
  g_array_unref (rater->files);
  g_free (rater);
}

static Compare *
compare_new (void)
{
  Compare *cmp = g_new0 (Compare, 1);

  cmp->dims = g_ptr_array_new_with_free_func ((GDestroyNotify) dim_free);
  cmp->codes = g_ptr_array_new_with_free_func ((GDestroyNotify) code_free);
  cmp->docs = g_ptr_array_new_with_free_func ((GDestroyNotify) doc_free);
  cmp->raters = g_ptr_array_new_with_free_func ((GDestroyNotify) rater_free);
  cmp->dim_by_uuid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  cmp->dim_by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  cmp->code_by_uuid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  cmp->code_by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  cmp->doc_by_uuid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  cmp->doc_by_sha = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) g_array_unref);
  cmp->rater_by_uuid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  cmp->record_by_uuid = g_hash_table_new (g_str_hash, g_str_equal);
  cmp->records = g_array_new (FALSE, FALSE, sizeof (Record));
  cmp->record_codes = g_array_new (FALSE, FALSE, sizeof (guint));
  cmp->strings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_string_chunk_free);
  cmp->file_docs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  cmp->notes = g_ptr_array_new_with_free_func (g_free);

  return cmp;
}

static void
compare_free (Compare *cmp)
{
  g_ptr_array_unref (cmp->dims);
  g_ptr_array_unref (cmp->codes);
  g_ptr_array_unref (cmp->docs);
  g_ptr_array_unref (cmp->raters);
  g_hash_table_unref (cmp->dim_by_uuid);
  g_hash_table_unref (cmp->dim_by_name);
  g_hash_table_unref (cmp->code_by_uuid);
  g_hash_table_unref (cmp->code_by_key);
  g_hash_table_unref (cmp->doc_by_uuid);
  g_hash_table_unref (cmp->doc_by_sha);
  g_hash_table_unref (cmp->rater_by_uuid);
  g_hash_table_unref (cmp->record_by_uuid);
  g_array_unref (cmp->records);
  g_array_unref (cmp->record_codes);
  g_ptr_array_unref (cmp->strings);
  g_ptr_array_unref (cmp->file_docs);
  g_ptr_array_unref (cmp->notes);
  g_free (cmp);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Compare, compare_free)

/* Indices are stored plus one, so that NULL means "absent". */
static guint
lookup (GHashTable *table,
        const char *key)
{
  gpointer value;

  if (key == NULL)
    return NONE;
  value = g_hash_table_lookup (table, key);
  return value == NULL ? NONE : GPOINTER_TO_UINT (value) - 1;
}

static void
remember (GHashTable *table,
          const char *key,
          guint       index)
{
  if (key != NULL && !g_hash_table_contains (table, key))
    g_hash_table_insert (table, g_strdup (key), GUINT_TO_POINTER (index + 1));
}

static guint
id_lookup (GHashTable *map,
           gint64      id)
{
  gpointer value = g_hash_table_lookup (map, &id);

  return value == NULL ? NONE : GPOINTER_TO_UINT (value) - 1;
}

static void
id_remember (GHashTable *map,
             gint64      id,
             guint       index)
{
  g_hash_table_insert (map, g_memdup2 (&id, sizeof id), GUINT_TO_POINTER (index + 1));
}

/* The code path below the dimension: "Actors/Russia" → "Russia". */
static const char *
path_below_dimension (const char *path)
{
  for (const char *p = path; *p != '\0'; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        p++;
      else if (*p == '/')
        return p + 1;
    }

  return path;
}

/* One annotation as the comparison needs it: no quote, note or review. */
typedef struct
{
  const char *uuid;
  const char *annotator_uuid;
  const char *annotator;
  const char *modified;
  gint64      document;
  gint64      start;
  gint64      end;
  gint64      revision;
  gboolean    deleted;
  guint       codes_first;   /* into Fetch.codes_of */
  guint       n_codes;
} Row;

/* What one file holds, read on a worker thread. */
typedef struct
{
  GlossProject *project;
  GPtrArray    *dimensions;
  GPtrArray    *codes;
  GPtrArray    *documents;
  GArray       *rows;        /* Row, by annotation id */
  GArray       *codes_of;    /* gint64 code ids, runs per Row */
  GStringChunk *strings;
  GError       *error;
  gboolean      done;
} Fetch;

/* Every annotation, tombstones too, in two ordered scans: the annotations
 * by id and their codes by annotation id, walked side by side.  Listing
 * them through the store would build a full record, quote and note
 * included, for each. */
static gboolean
fetch_rows (Fetch   *fetch,
            GError **error)
{
  sqlite3 *db = _gloss_project_get_db (fetch->project);
  g_autoptr(sqlite3_stmt) rows = NULL;
  g_autoptr(sqlite3_stmt) codes = NULL;
  gboolean have_code = FALSE;
  gint64 code_annotation = 0;
  gint64 last_id = 0;
  int rc, code_rc = SQLITE_OK;

  /* Room for every row at once (ids are dense unless many were purged):
   * growing by doubling would copy them all again.  Memory reserved but
   * not written costs nothing. */
  if (sqlite3_prepare_v2 (db, "SELECT max (id) FROM annotation", -1, &rows, NULL) == SQLITE_OK &&
      sqlite3_step (rows) == SQLITE_ROW)
    last_id = CLAMP (sqlite3_column_int64 (rows, 0), 0, 4 << 20);
  g_clear_pointer (&rows, sqlite3_finalize);
  fetch->rows = g_array_sized_new (FALSE, FALSE, sizeof (Row), (guint) last_id);
  fetch->codes_of = g_array_sized_new (FALSE, FALSE, sizeof (gint64), (guint) last_id * 2);
  fetch->strings = g_string_chunk_new (1 << 20);

  rc = sqlite3_prepare_v2 (db, "SELECT a.id, a.uuid, n.uuid, n.name, a.modified, a.document, "
                               "a.start, a.\"end\", a.revision, a.deleted FROM annotation a "
                               "JOIN annotator n ON n.id = a.annotator ORDER BY a.id",
                           -1, &rows, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "SELECT annotation, code FROM annotation_code "
                                 "ORDER BY annotation, code", -1, &codes, NULL);
  if (rc != SQLITE_OK)
    goto failed;

  code_rc = sqlite3_step (codes);
  have_code = code_rc == SQLITE_ROW;
  if (have_code)
    code_annotation = sqlite3_column_int64 (codes, 0);

  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (rows, 0);
      Row row = { 0 };

      row.uuid = g_string_chunk_insert (fetch->strings, (const char *) sqlite3_column_text (rows, 1));
      row.annotator_uuid = g_string_chunk_insert_const (fetch->strings,
                                                        (const char *) sqlite3_column_text (rows, 2));
      row.annotator = g_string_chunk_insert_const (fetch->strings,
                                                   (const char *) sqlite3_column_text (rows, 3));
      row.modified = g_string_chunk_insert (fetch->strings, (const char *) sqlite3_column_text (rows, 4));
      row.document = sqlite3_column_int64 (rows, 5);
      row.start = sqlite3_column_int64 (rows, 6);
      row.end = sqlite3_column_int64 (rows, 7);
      row.revision = sqlite3_column_int64 (rows, 8);
      row.deleted = sqlite3_column_int (rows, 9) != 0;
      row.codes_first = fetch->codes_of->len;

      /* Codes of annotations that do not exist cannot be: the foreign
       * keys were checked when the file was opened. */
      while (have_code && code_annotation < id)
        {
          code_rc = sqlite3_step (codes);
          have_code = code_rc == SQLITE_ROW;
          if (have_code)
            code_annotation = sqlite3_column_int64 (codes, 0);
        }
      while (have_code && code_annotation == id)
        {
          gint64 code = sqlite3_column_int64 (codes, 1);

          g_array_append_val (fetch->codes_of, code);
          code_rc = sqlite3_step (codes);
          have_code = code_rc == SQLITE_ROW;
          if (have_code)
            code_annotation = sqlite3_column_int64 (codes, 0);
        }
      row.n_codes = fetch->codes_of->len - row.codes_first;
      g_array_append_val (fetch->rows, row);
    }
  if (rc != SQLITE_DONE || (code_rc != SQLITE_DONE && code_rc != SQLITE_ROW))
    goto failed;

  return TRUE;

failed:
  {
    g_autofree char *message = g_utf8_make_valid (sqlite3_errmsg (db), -1);

    g_set_error (error, GLOSS_AGREEMENT_ERROR, GLOSS_AGREEMENT_ERROR_INVALID,
                 _("The annotations could not be read (%s). Check the file with "
                   "“gloss-cli check”."), message);
    return FALSE;
  }
}

static void
fetch_run (Fetch *fetch)
{
  sqlite3 *db = _gloss_project_get_db (fetch->project);
  /* Each page is read once, in order: a small cache reuses its buffers
   * instead of growing the heap by the size of the file. */
  gint64 cache_size = _gloss_db_swap_cache_size (db, -2048);

  /* (the documents' annotation counts are not needed: the rows are read) */
  if ((fetch->dimensions = gloss_project_list_dimensions (fetch->project, &fetch->error)) != NULL
      && (fetch->codes = _gloss_project_list_codes_uncounted (fetch->project, &fetch->error)) != NULL
      && (fetch->documents = _gloss_project_list_documents_uncounted (fetch->project,
                                                                      &fetch->error)) != NULL)
    /* Tombstones too: across files, the latest version of an annotation
     * decides whether it still counts. */
    fetch_rows (fetch, &fetch->error);

  _gloss_db_swap_cache_size (db, cache_size);
}

static void
fetch_clear (Fetch *fetch)
{
  g_clear_pointer (&fetch->dimensions, g_ptr_array_unref);
  g_clear_pointer (&fetch->codes, g_ptr_array_unref);
  g_clear_pointer (&fetch->documents, g_ptr_array_unref);
  g_clear_pointer (&fetch->rows, g_array_unref);
  g_clear_pointer (&fetch->codes_of, g_array_unref);
  if (fetch->strings != NULL)
    g_string_chunk_free (g_steal_pointer (&fetch->strings));
  g_clear_error (&fetch->error);
}

static void
load_codebook (Compare    *cmp,
               Fetch      *fetch,
               GHashTable *code_map)
{
  GPtrArray *dimensions = fetch->dimensions;
  GPtrArray *codes = fetch->codes;
  g_autoptr(GHashTable) dim_map = NULL;

  dim_map = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < dimensions->len; i++)
    {
      GlossDimension *d = dimensions->pdata[i];
      guint index = lookup (cmp->dim_by_uuid, d->uuid);

      if (index == NONE)
        index = lookup (cmp->dim_by_name, d->name);

      if (index == NONE)
        {
          Dim *dim = g_new0 (Dim, 1);

          dim->uuid = g_strdup (d->uuid);
          dim->name = g_strdup (d->name);
          dim->multiple = d->multiple;
          dim->level = d->level;
          dim->codes = g_array_new (FALSE, FALSE, sizeof (guint));
          index = cmp->dims->len;
          g_ptr_array_add (cmp->dims, dim);
        }

      remember (cmp->dim_by_uuid, d->uuid, index);
      remember (cmp->dim_by_name, d->name, index);
      id_remember (dim_map, d->id, index);
    }

  for (guint i = 0; i < codes->len; i++)
    {
      GlossCode *c = codes->pdata[i];
      guint dim = id_lookup (dim_map, c->dimension);
      g_autofree char *key = NULL;
      guint index;

      if (dim == NONE)
        continue;

      key = g_strdup_printf ("%u/%s", dim, path_below_dimension (c->path));
      index = lookup (cmp->code_by_uuid, c->uuid);
      if (index == NONE)
        index = lookup (cmp->code_by_key, key);

      if (index == NONE)
        {
          Dim *d = cmp->dims->pdata[dim];
          Code *code = g_new0 (Code, 1);

          code->uuid = g_strdup (c->uuid);
          code->path = g_strdup (c->path);
          code->dim = dim;
          code->rank = d->codes->len;
          index = cmp->codes->len;
          g_ptr_array_add (cmp->codes, code);
          g_array_append_val (d->codes, index);
        }

      remember (cmp->code_by_uuid, c->uuid, index);
      remember (cmp->code_by_key, key, index);
      id_remember (code_map, c->id, index);
    }
}

static gboolean
array_has (GArray *array,
           guint   value)
{
  for (guint i = 0; i < array->len; i++)
    if (g_array_index (array, guint, i) == value)
      return TRUE;

  return FALSE;
}

static void
load_documents (Compare    *cmp,
                Fetch      *fetch,
                GHashTable *doc_map,
                GArray     *file_docs)
{
  GPtrArray *documents = fetch->documents;

  for (guint i = 0; i < documents->len; i++)
    {
      GlossDocument *d = documents->pdata[i];
      guint index = lookup (cmp->doc_by_uuid, d->uuid);
      GArray *same_text;

      if (index != NONE && g_strcmp0 (((Doc *) cmp->docs->pdata[index])->sha256, d->sha256) != 0)
        {
          g_ptr_array_add (cmp->notes,
                           g_strdup_printf (_("Document “%s” (%s) has a different text in %s; "
                                              "it is compared as a separate document."),
                                            d->title, d->uuid,
                                            gloss_project_get_path (fetch->project)));
          index = NONE;
        }
      else if (index == NONE)
        {
          /* Same text, another UUID: the first such document this file has
           * not matched yet. */
          same_text = g_hash_table_lookup (cmp->doc_by_sha, d->sha256);
          for (guint k = 0; same_text != NULL && k < same_text->len; k++)
            {
              guint candidate = g_array_index (same_text, guint, k);

              if (!array_has (file_docs, candidate))
                {
                  index = candidate;
                  break;
                }
            }
        }

      if (index == NONE)
        {
          Doc *doc = g_new0 (Doc, 1);

          doc->uuid = g_strdup (d->uuid);
          doc->title = g_strdup (d->title);
          doc->sha256 = g_strdup (d->sha256);
          doc->length = d->length;
          index = cmp->docs->len;
          g_ptr_array_add (cmp->docs, doc);

          same_text = g_hash_table_lookup (cmp->doc_by_sha, d->sha256);
          if (same_text == NULL)
            {
              same_text = g_array_new (FALSE, FALSE, sizeof (guint));
              g_hash_table_insert (cmp->doc_by_sha, g_strdup (d->sha256), same_text);
            }
          g_array_append_val (same_text, index);
        }

      remember (cmp->doc_by_uuid, d->uuid, index);
      id_remember (doc_map, d->id, index);
      if (!array_has (file_docs, index))
        g_array_append_val (file_docs, index);
    }
}

typedef struct
{
  const char *uuid;
  const char *name;
} NewRater;

static int
compare_new_raters (gconstpointer pa,
                    gconstpointer pb)
{
  const NewRater *a = pa;
  const NewRater *b = pb;
  int cmp = strcmp (a->name, b->name);   /* the same order in every locale */

  return cmp != 0 ? cmp : strcmp (a->uuid, b->uuid);
}

/* (modified, revision) of @a later than of @b */
static gboolean
is_later (const char *a_modified,
          gint64      a_revision,
          const char *b_modified,
          gint64      b_revision)
{
  int cmp = g_strcmp0 (a_modified, b_modified);

  return cmp > 0 || (cmp == 0 && a_revision > b_revision);
}

static void
load_annotations (Compare    *cmp,
                  Fetch      *fetch,
                  guint       file,
                  GHashTable *doc_map,
                  GHashTable *code_map)
{
  GArray *rows = fetch->rows;
  g_autoptr(GArray) fresh = g_array_new (FALSE, FALSE, sizeof (NewRater));
  g_autoptr(GHashTable) fresh_seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *last_uuid = NULL;
  guint last_rater = NONE;
  gint64 last_document = 0;
  guint last_doc = NONE;

  /* New annotators of this file join the raters sorted by name. */
  for (guint i = 0; i < rows->len; i++)
    {
      Row *a = &g_array_index (rows, Row, i);

      if (a->annotator_uuid == NULL || g_strcmp0 (a->annotator_uuid, last_uuid) == 0)
        continue;
      last_uuid = a->annotator_uuid;

      if (lookup (cmp->rater_by_uuid, a->annotator_uuid) != NONE
          || g_hash_table_contains (fresh_seen, a->annotator_uuid))
        continue;

      g_hash_table_add (fresh_seen, (gpointer) a->annotator_uuid);
      g_array_append_val (fresh, ((NewRater) { a->annotator_uuid, a->annotator }));
    }

  g_array_sort (fresh, compare_new_raters);
  for (guint i = 0; i < fresh->len; i++)
    {
      NewRater *n = &g_array_index (fresh, NewRater, i);
      Rater *rater = g_new0 (Rater, 1);

      rater->uuid = g_strdup (n->uuid);
      rater->annotator = g_strdup (n->name);
      rater->files = g_array_new (FALSE, FALSE, sizeof (guint));
      remember (cmp->rater_by_uuid, n->uuid, cmp->raters->len);
      g_ptr_array_add (cmp->raters, rater);
    }

  last_uuid = NULL;
  for (guint i = 0; i < rows->len; i++)
    {
      Row *a = &g_array_index (rows, Row, i);
      Rater *r;
      Record record = { 0 };
      gpointer existing;

      /* Neighbours mostly share the annotator and the document. */
      if (last_uuid == NULL || g_strcmp0 (a->annotator_uuid, last_uuid) != 0)
        {
          last_uuid = a->annotator_uuid;
          last_rater = lookup (cmp->rater_by_uuid, a->annotator_uuid);
        }
      if (last_doc == NONE || a->document != last_document)
        {
          last_document = a->document;
          last_doc = id_lookup (doc_map, a->document);
        }

      if (last_rater == NONE || last_doc == NONE)
        continue;

      r = cmp->raters->pdata[last_rater];
      if (r->files->len == 0 || g_array_index (r->files, guint, r->files->len - 1) != file)
        g_array_append_val (r->files, file);

      existing = g_hash_table_lookup (cmp->record_by_uuid, a->uuid);
      if (existing != NULL)
        {
          Record *old = &g_array_index (cmp->records, Record, GPOINTER_TO_UINT (existing) - 1);

          if (!is_later (a->modified, a->revision, old->modified, old->revision))
            continue;
        }

      record.doc = last_doc;
      record.rater = last_rater;
      record.start = a->start;
      record.end = a->end;
      record.revision = a->revision;
      record.modified = a->modified;
      record.deleted = a->deleted;
      record.codes_first = cmp->record_codes->len;

      for (guint k = 0; k < a->n_codes; k++)
        {
          guint code = id_lookup (code_map, g_array_index (fetch->codes_of, gint64,
                                                           a->codes_first + k));

          if (code != NONE)
            g_array_append_val (cmp->record_codes, code);
        }
      record.n_codes = cmp->record_codes->len - record.codes_first;

      if (existing != NULL)
        g_array_index (cmp->records, Record, GPOINTER_TO_UINT (existing) - 1) = record;
      else
        {
          g_array_append_val (cmp->records, record);
          g_hash_table_insert (cmp->record_by_uuid, (gpointer) a->uuid,
                               GUINT_TO_POINTER (cmp->records->len));
        }
    }
}

/* ------------------------------------------------------------------------
 * One dimension
 * ------------------------------------------------------------------------ */

typedef struct
{
  guint  doc;       /* report document index */
  guint  rater;     /* report rater index */
  gint64 start;
  gint64 end;
  guint  code;      /* rank within the dimension */
} Mark;

static int
compare_by_position (gconstpointer pa,
                     gconstpointer pb)
{
  const Mark *a = pa;
  const Mark *b = pb;

  if (a->doc != b->doc)
    return a->doc < b->doc ? -1 : 1;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  if (a->end != b->end)
    return a->end < b->end ? -1 : 1;
  if (a->rater != b->rater)
    return a->rater < b->rater ? -1 : 1;
  if (a->code != b->code)
    return a->code < b->code ? -1 : 1;
  return 0;
}

static int
compare_by_code_doc (gconstpointer pa,
                     gconstpointer pb)
{
  const Mark *a = pa;
  const Mark *b = pb;

  if (a->code != b->code)
    return a->code < b->code ? -1 : 1;
  if (a->doc != b->doc)
    return a->doc < b->doc ? -1 : 1;
  if (a->rater != b->rater)
    return a->rater < b->rater ? -1 : 1;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  return a->end < b->end ? -1 : a->end > b->end;
}

static int
compare_by_code_rater (gconstpointer pa,
                       gconstpointer pb)
{
  const Mark *a = pa;
  const Mark *b = pb;

  if (a->code != b->code)
    return a->code < b->code ? -1 : 1;
  if (a->rater != b->rater)
    return a->rater < b->rater ? -1 : 1;
  if (a->doc != b->doc)
    return a->doc < b->doc ? -1 : 1;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  return a->end < b->end ? -1 : a->end > b->end;
}

/* A merge sort of marks with the comparison inlined: qsort() copies
 * each 32-byte mark through memcpy() and calls the comparison through a
 * pointer, which made sorting the largest part of a comparison. */
#define DEFINE_MARK_SORT(name, compare)                                         \
  static void                                                                   \
  name (Mark  *marks,                                                           \
        gsize  n)                                                               \
  {                                                                             \
    g_autofree Mark *buffer = NULL;                                             \
    Mark *from = marks, *to;                                                    \
                                                                                \
    /* Runs of 16 by insertion, then merged pairwise. */                       \
    for (gsize lo = 0; lo < n; lo += 16)                                        \
      {                                                                         \
        gsize hi = MIN (lo + 16, n);                                            \
                                                                                \
        for (gsize i = lo + 1; i < hi; i++)                                     \
          {                                                                     \
            Mark key = marks[i];                                                \
            gsize j = i;                                                        \
                                                                                \
            while (j > lo && compare (&marks[j - 1], &key) > 0)                 \
              {                                                                 \
                marks[j] = marks[j - 1];                                        \
                j--;                                                            \
              }                                                                 \
            marks[j] = key;                                                     \
          }                                                                     \
      }                                                                         \
    if (n <= 16)                                                                \
      return;                                                                   \
                                                                                \
    buffer = g_new (Mark, n);                                                   \
    to = buffer;                                                                \
    for (gsize width = 16; width < n; width *= 2)                               \
      {                                                                         \
        for (gsize lo = 0; lo < n; lo += 2 * width)                             \
          {                                                                     \
            gsize mid = MIN (lo + width, n), hi = MIN (lo + 2 * width, n);      \
            gsize a = lo, b = mid, k = lo;                                      \
                                                                                \
            while (a < mid && b < hi)                                           \
              to[k++] = compare (&from[b], &from[a]) < 0 ? from[b++] : from[a++]; \
            while (a < mid)                                                     \
              to[k++] = from[a++];                                              \
            while (b < hi)                                                      \
              to[k++] = from[b++];                                              \
          }                                                                     \
        {                                                                       \
          Mark *swap = from;                                                    \
                                                                                \
          from = to;                                                            \
          to = swap;                                                            \
        }                                                                       \
      }                                                                         \
    if (from != marks)                                                          \
      memcpy (marks, from, n * sizeof (Mark));                                  \
  }

DEFINE_MARK_SORT (sort_by_position, compare_by_position)
DEFINE_MARK_SORT (sort_by_code_doc, compare_by_code_doc)
DEFINE_MARK_SORT (sort_by_code_rater, compare_by_code_rater)

/* The distinct code sets raters gave, as values of the coding table. */
typedef struct
{
  GPtrArray  *sets;     /* (element-type GArray of gint64) */
  GHashTable *by_key;
  GString    *key;
  int        *single;   /* code → value of the set holding it alone, or −1 */
} ValueTable;

static double
masi_delta (int      a,
            int      b,
            gpointer user_data)
{
  ValueTable *values = user_data;
  GArray *x = values->sets->pdata[a];
  GArray *y = values->sets->pdata[b];

  return gloss_agreement_masi_distance ((const gint64 *) x->data, x->len,
                                        (const gint64 *) y->data, y->len);
}

static int
intern_set (ValueTable *values,
            GArray     *set)
{
  gpointer found;
  int value;

  /* Most positions carry one code: no key to build. */
  if (set->len == 1 && values->single[g_array_index (set, gint64, 0)] >= 0)
    return values->single[g_array_index (set, gint64, 0)];

  g_string_truncate (values->key, 0);
  for (guint i = 0; i < set->len; i++)
    g_string_append_printf (values->key, "%" G_GINT64_FORMAT ",", g_array_index (set, gint64, i));

  found = g_hash_table_lookup (values->by_key, values->key->str);
  if (found != NULL)
    return GPOINTER_TO_INT (found) - 1;

  g_ptr_array_add (values->sets, g_array_copy (set));
  g_hash_table_insert (values->by_key, g_strdup (values->key->str),
                       GINT_TO_POINTER ((int) values->sets->len));
  value = (int) values->sets->len - 1;
  if (set->len == 1)
    values->single[g_array_index (set, gint64, 0)] = value;

  return value;
}

static GlossFigure
figure (double value,
        gint64 units)
{
  return (GlossFigure) { value, units };
}

static void
code_figures_free (GlossAgreementCodeFigures *figures)
{
  g_free (figures->path);
  g_free (figures->uuid);
  g_free (figures);
}

static void
dimension_free (GlossAgreementDimension *dimension)
{
  g_free (dimension->name);
  g_free (dimension->uuid);
  g_clear_pointer (&dimension->codes, g_ptr_array_unref);
  g_clear_pointer (&dimension->pairs, g_array_unref);
  g_clear_pointer (&dimension->documents, g_array_unref);
  g_free (dimension);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlossAgreementDimension, dimension_free)

typedef struct
{
  Compare              *cmp;
  GlossAgreementReport *report;
  const guint          *doc_index;      /* global document → report document */
  const guint          *rater_index;    /* global rater → report rater */
  const guint8         *has_doc;        /* report rater × report document */
  const guint          *local_rater;    /* report document × rater → rater among the document's */
} Context;

/* Positions: distinct (document, start, end), one row of values each. */
static void
dimension_positions (GlossAgreementDimension *out,
                     Mark                    *marks,
                     gsize                    n_marks,
                     guint                    n_raters,
                     guint                    n_codes,
                     guint                    n_docs)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) row_doc = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) set = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) binary = NULL;
  g_autoptr(GArray) ranks = NULL;
  g_autofree gsize *doc_first = g_new0 (gsize, n_docs + 1);
  ValueTable table = {
    g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    g_string_new (NULL),
    g_new (int, MAX (n_codes, 1)),
  };
  gsize n_rows = 0;
  gsize used = 0;
  gsize i = 0;
  double sum;
  gsize n_sum;

  for (guint c = 0; c < n_codes; c++)
    table.single[c] = -1;

  if (n_marks > 0)
    sort_by_position (marks, n_marks);

  while (i < n_marks)
    {
      gsize j = i;
      gsize k = i;
      int *row;

      while (j < n_marks && marks[j].doc == marks[i].doc && marks[j].start == marks[i].start
             && marks[j].end == marks[i].end)
        j++;

      g_array_set_size (values, (n_rows + 1) * n_raters);
      row = &g_array_index (values, int, n_rows * n_raters);
      for (guint r = 0; r < n_raters; r++)
        row[r] = GLOSS_AGREEMENT_MISSING;

      while (k < j)
        {
          guint rater = marks[k].rater;

          g_array_set_size (set, 0);
          for (; k < j && marks[k].rater == rater; k++)
            {
              gint64 code = marks[k].code;

              if (set->len == 0 || g_array_index (set, gint64, set->len - 1) != code)
                g_array_append_val (set, code);
            }
          row[rater] = intern_set (&table, set);
        }

      g_array_append_val (row_doc, marks[i].doc);
      doc_first[marks[i].doc + 1]++;
      n_rows++;
      i = j;
    }

  for (guint d = 0; d < n_docs; d++)
    doc_first[d + 1] += doc_first[d];

  out->positions = (gint64) n_rows;

  /* Percent agreement: identical values (code sets) at complete positions. */
  out->percent_agreement.value = gloss_agreement_percent ((int *) values->data, n_rows,
                                                          n_raters, &used);
  out->percent_agreement.units = (gint64) used;
  out->complete_positions = n_raters >= 2 ? (gint64) used : 0;

  /* Krippendorff's alpha: nominal, with MASI between code sets. */
  out->krippendorff_alpha.value =
    gloss_agreement_krippendorff_alpha ((int *) values->data, n_rows, n_raters,
                                        table.sets->len,
                                        out->multiple ? GLOSS_ALPHA_CUSTOM : GLOSS_ALPHA_NOMINAL,
                                        masi_delta, &table, &used);
  out->krippendorff_alpha.units = (gint64) used;

  /* Ordinal: the code's rank; a rater's two codes at one position of a
   * single-valued dimension have no rank and count as missing. */
  out->krippendorff_alpha_ordinal = figure (NAN, 0);
  if (out->level == GLOSS_LEVEL_ORDINAL && !out->multiple)
    {
      ranks = g_array_sized_new (FALSE, FALSE, sizeof (int), values->len);
      g_array_set_size (ranks, values->len);
      for (guint v = 0; v < values->len; v++)
        {
          int value = g_array_index (values, int, v);
          GArray *s = value == GLOSS_AGREEMENT_MISSING ? NULL : table.sets->pdata[value];

          g_array_index (ranks, int, v) = (s != NULL && s->len == 1)
                                          ? (int) g_array_index (s, gint64, 0)
                                          : GLOSS_AGREEMENT_MISSING;
        }
      out->krippendorff_alpha_ordinal.value =
        gloss_agreement_krippendorff_alpha ((int *) ranks->data, n_rows, n_raters, n_codes,
                                            GLOSS_ALPHA_ORDINAL, NULL, NULL, &used);
      out->krippendorff_alpha_ordinal.units = (gint64) used;
    }

  /* Per document. */
  for (guint d = 0; d < n_docs; d++)
    {
      GlossAgreementDocumentFigures *figures =
        &g_array_index (out->documents, GlossAgreementDocumentFigures, d);
      gsize first = doc_first[d];
      gsize count = doc_first[d + 1] - first;

      figures->positions = (gint64) count;
      figures->krippendorff_alpha.value =
        gloss_agreement_krippendorff_alpha ((int *) values->data + first * n_raters, count,
                                            n_raters, table.sets->len,
                                            out->multiple ? GLOSS_ALPHA_CUSTOM : GLOSS_ALPHA_NOMINAL,
                                            masi_delta, &table, &used);
      figures->krippendorff_alpha.units = (gint64) used;

      figures->krippendorff_alpha_ordinal = figure (NAN, 0);
      if (ranks != NULL)
        {
          figures->krippendorff_alpha_ordinal.value =
            gloss_agreement_krippendorff_alpha ((int *) ranks->data + first * n_raters, count,
                                                n_raters, n_codes, GLOSS_ALPHA_ORDINAL,
                                                NULL, NULL, &used);
          figures->krippendorff_alpha_ordinal.units = (gint64) used;
        }
    }

  /* Kappas on the code sets as categories (single-valued dimension) and,
   * for every code, on present / absent. */
  out->cohen_kappa = figure (NAN, out->complete_positions);
  out->fleiss_kappa = figure (NAN, out->complete_positions);
  if (!out->multiple && n_raters >= 2)
    {
      if (n_raters == 2)
        out->cohen_kappa.value = gloss_agreement_cohen_kappa ((int *) values->data, n_rows,
                                                              table.sets->len, NULL);
      out->fleiss_kappa.value = gloss_agreement_fleiss_kappa ((int *) values->data, n_rows,
                                                              n_raters, table.sets->len, NULL);
    }

  binary = g_array_sized_new (FALSE, FALSE, sizeof (int), values->len);
  g_array_set_size (binary, values->len);
  for (guint c = 0; c < n_codes; c++)
    {
      GlossAgreementCodeFigures *code = out->codes->pdata[c];

      for (guint v = 0; v < values->len; v++)
        {
          int value = g_array_index (values, int, v);
          int present = GLOSS_AGREEMENT_MISSING;

          if (value != GLOSS_AGREEMENT_MISSING)
            {
              GArray *s = table.sets->pdata[value];

              present = 0;
              for (guint k = 0; k < s->len; k++)
                if (g_array_index (s, gint64, k) == c)
                  present = 1;
            }
          g_array_index (binary, int, v) = present;
        }

      code->cohen_kappa = figure (NAN, out->complete_positions);
      code->fleiss_kappa = figure (NAN, out->complete_positions);
      if (n_raters == 2)
        code->cohen_kappa.value = gloss_agreement_cohen_kappa ((int *) binary->data, n_rows, 2, NULL);
      if (n_raters >= 2)
        code->fleiss_kappa.value = gloss_agreement_fleiss_kappa ((int *) binary->data, n_rows,
                                                                 n_raters, 2, NULL);
    }

  /* A multiple-valued dimension's kappas: the mean over its codes. */
  if (out->multiple)
    {
      sum = 0;
      n_sum = 0;
      for (guint c = 0; c < n_codes; c++)
        {
          GlossAgreementCodeFigures *code = out->codes->pdata[c];

          if (!isnan (code->cohen_kappa.value))
            {
              sum += code->cohen_kappa.value;
              n_sum++;
            }
        }
      out->cohen_kappa.value = n_sum > 0 ? sum / (double) n_sum : NAN;

      sum = 0;
      n_sum = 0;
      for (guint c = 0; c < n_codes; c++)
        {
          GlossAgreementCodeFigures *code = out->codes->pdata[c];

          if (!isnan (code->fleiss_kappa.value))
            {
              sum += code->fleiss_kappa.value;
              n_sum++;
            }
        }
      out->fleiss_kappa.value = n_sum > 0 ? sum / (double) n_sum : NAN;
    }

  g_ptr_array_unref (table.sets);
  g_hash_table_unref (table.by_key);
  g_string_free (table.key, TRUE);
  g_free (table.single);
}

/* Krippendorff's alpha_U per code and document, pooled as
 * 1 − mean(D_o) / mean(D_e) over the (code, document) cells. */
static gboolean
dimension_unitizing (const Context            *ctx,
                     GlossAgreementDimension  *out,
                     Mark                     *marks,
                     gsize                     n_marks,
                     guint                     n_raters,
                     guint                     n_codes,
                     GError                  **error)
{
  guint n_docs = ctx->report->documents->len;
  g_autofree double *code_observed = g_new0 (double, MAX (n_codes, 1));
  g_autofree double *code_expected = g_new0 (double, MAX (n_codes, 1));
  g_autofree gint64 *code_units = g_new0 (gint64, MAX (n_codes, 1));
  g_autofree double *doc_observed = g_new0 (double, MAX (n_docs, 1));
  g_autofree double *doc_expected = g_new0 (double, MAX (n_docs, 1));
  g_autofree gint64 *doc_units = g_new0 (gint64, MAX (n_docs, 1));
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (GlossAgreementSpan));
  double observed = 0;
  double expected = 0;
  gint64 units = 0;
  gsize i = 0;

  if (n_marks > 0)
    sort_by_code_doc (marks, n_marks);

  while (i < n_marks)
    {
      guint code = marks[i].code;
      guint doc = marks[i].doc;
      GlossAgreementDocument *document = ctx->report->documents->pdata[doc];
      GlossUnitizing result;
      gsize j = i;

      g_array_set_size (spans, 0);
      for (; j < n_marks && marks[j].code == code && marks[j].doc == doc; j++)
        {
          GlossAgreementSpan span = {
            marks[j].start, marks[j].end, ctx->local_rater[(gsize) doc * n_raters + marks[j].rater]
          };

          g_array_append_val (spans, span);
        }
      i = j;

      if (document->n_raters < 2)
        continue;

      if (!gloss_agreement_unitizing (document->length, document->n_raters,
                                      (GlossAgreementSpan *) spans->data, spans->len, &result))
        {
          g_set_error (error, GLOSS_AGREEMENT_ERROR, GLOSS_AGREEMENT_ERROR_INVALID,
                       _("An annotation in “%s” lies outside the document; "
                         "run `gloss-cli check` on the files."), document->title);
          return FALSE;
        }

      code_observed[code] += result.observed;
      code_expected[code] += result.expected;
      code_units[code] += (gint64) result.n_units;
      doc_observed[doc] += result.observed;
      doc_expected[doc] += result.expected;
      doc_units[doc] += (gint64) result.n_units;
      observed += result.observed;
      expected += result.expected;
      units += (gint64) result.n_units;
    }

  for (guint c = 0; c < n_codes; c++)
    {
      GlossAgreementCodeFigures *figures = out->codes->pdata[c];

      figures->alpha_u = figure (gloss_agreement_unitizing_alpha (code_observed[c],
                                                                  code_expected[c]),
                                 code_units[c]);
    }

  for (guint d = 0; d < n_docs; d++)
    {
      GlossAgreementDocumentFigures *figures =
        &g_array_index (out->documents, GlossAgreementDocumentFigures, d);

      figures->alpha_u_pooled = figure (gloss_agreement_unitizing_alpha (doc_observed[d],
                                                                         doc_expected[d]),
                                        doc_units[d]);
    }

  out->alpha_u_pooled = figure (gloss_agreement_unitizing_alpha (observed, expected), units);

  return TRUE;
}

/* Span precision / recall / F1 between every pair of raters, over the
 * documents both have. */
static void
dimension_pairs (const Context           *ctx,
                 GlossAgreementDimension *out,
                 Mark                    *marks,
                 gsize                    n_marks,
                 guint                    n_raters,
                 guint                    n_codes)
{
  guint n_docs = ctx->report->documents->len;
  g_autofree gsize *slice = g_new0 (gsize, (gsize) n_codes * n_raters + 1);
  g_autofree double *exact_sum = g_new0 (double, MAX (n_codes, 1));
  g_autofree double *overlap_sum = g_new0 (double, MAX (n_codes, 1));
  g_autofree guint *defined = g_new0 (guint, MAX (n_codes, 1));
  g_autofree gint64 *code_spans = g_new0 (gint64, MAX (n_codes, 1));
  g_autoptr(GArray) a = g_array_new (FALSE, FALSE, sizeof (GlossAgreementMark));
  g_autoptr(GArray) b = g_array_new (FALSE, FALSE, sizeof (GlossAgreementMark));
  double pair_exact_sum = 0;
  double pair_overlap_sum = 0;
  guint pairs_defined = 0;
  gint64 spans = 0;

  if (n_marks > 0)
    sort_by_code_rater (marks, n_marks);

  /* slice[c · R + r] … slice[c · R + r + 1]: rater r's marks of code c */
  for (gsize i = 0; i < n_marks; i++)
    slice[(gsize) marks[i].code * n_raters + marks[i].rater + 1]++;
  for (gsize s = 0; s < (gsize) n_codes * n_raters; s++)
    slice[s + 1] += slice[s];

  for (guint ra = 0; ra < n_raters; ra++)
    for (guint rb = ra + 1; rb < n_raters; rb++)
      {
        GlossAgreementPair pair = { ra, rb };
        const guint8 *docs_a = ctx->has_doc + (gsize) ra * n_docs;
        const guint8 *docs_b = ctx->has_doc + (gsize) rb * n_docs;

        for (guint c = 0; c < n_codes; c++)
          {
            gsize s_a = (gsize) c * n_raters + ra;
            gsize s_b = (gsize) c * n_raters + rb;
            gsize n_a;
            gsize n_b;
            gsize exact;
            gsize overlap;

            g_array_set_size (a, 0);
            g_array_set_size (b, 0);
            for (gsize i = slice[s_a]; i < slice[s_a + 1]; i++)
              if (docs_b[marks[i].doc])
                g_array_append_val (a, ((GlossAgreementMark) { marks[i].doc, marks[i].start, marks[i].end }));
            for (gsize i = slice[s_b]; i < slice[s_b + 1]; i++)
              if (docs_a[marks[i].doc])
                g_array_append_val (b, ((GlossAgreementMark) { marks[i].doc, marks[i].start, marks[i].end }));

            n_a = a->len;
            n_b = b->len;
            exact = gloss_agreement_match_exact ((GlossAgreementMark *) a->data, &n_a,
                                                 (GlossAgreementMark *) b->data, &n_b);
            overlap = gloss_agreement_match_overlap ((GlossAgreementMark *) a->data, &n_a,
                                                     (GlossAgreementMark *) b->data, &n_b);

            pair.spans_a += (gint64) n_a;
            pair.spans_b += (gint64) n_b;
            pair.matched_exact += (gint64) exact;
            pair.matched_overlap += (gint64) overlap;

            if (n_a + n_b > 0)
              {
                exact_sum[c] += gloss_agreement_f1 (exact, n_a, n_b);
                overlap_sum[c] += gloss_agreement_f1 (overlap, n_a, n_b);
                defined[c]++;
                code_spans[c] += (gint64) (n_a + n_b);
              }
          }

        pair.f1_exact = figure (gloss_agreement_f1 ((gsize) pair.matched_exact,
                                                    (gsize) pair.spans_a, (gsize) pair.spans_b),
                                pair.spans_a + pair.spans_b);
        pair.f1_overlap = figure (gloss_agreement_f1 ((gsize) pair.matched_overlap,
                                                      (gsize) pair.spans_a, (gsize) pair.spans_b),
                                  pair.spans_a + pair.spans_b);
        g_array_append_val (out->pairs, pair);

        if (!isnan (pair.f1_exact.value))
          {
            pair_exact_sum += pair.f1_exact.value;
            pair_overlap_sum += pair.f1_overlap.value;
            pairs_defined++;
          }
        spans += pair.spans_a + pair.spans_b;
      }

  for (guint c = 0; c < n_codes; c++)
    {
      GlossAgreementCodeFigures *figures = out->codes->pdata[c];

      figures->f1_exact = figure (defined[c] > 0 ? exact_sum[c] / defined[c] : NAN, code_spans[c]);
      figures->f1_overlap = figure (defined[c] > 0 ? overlap_sum[c] / defined[c] : NAN, code_spans[c]);
    }

  out->f1_exact = figure (pairs_defined > 0 ? pair_exact_sum / pairs_defined : NAN, spans);
  out->f1_overlap = figure (pairs_defined > 0 ? pair_overlap_sum / pairs_defined : NAN, spans);
}

static GlossAgreementDimension *
compare_dimension (const Context  *ctx,
                   guint           index,
                   GError        **error)
{
  Compare *cmp = ctx->cmp;
  Dim *dim = cmp->dims->pdata[index];
  guint n_raters = ctx->report->raters->len;
  guint n_docs = ctx->report->documents->len;
  guint n_codes = dim->codes->len;
  g_autoptr(GlossAgreementDimension) out = g_new0 (GlossAgreementDimension, 1);
  g_autoptr(GArray) marks = g_array_new (FALSE, FALSE, sizeof (Mark));

  out->name = g_strdup (dim->name);
  out->uuid = g_strdup (dim->uuid);
  out->multiple = dim->multiple;
  out->level = dim->level;
  out->codes = g_ptr_array_new_with_free_func ((GDestroyNotify) code_figures_free);
  out->pairs = g_array_new (FALSE, TRUE, sizeof (GlossAgreementPair));
  out->documents = g_array_new (FALSE, TRUE, sizeof (GlossAgreementDocumentFigures));
  g_array_set_size (out->documents, n_docs);
  for (guint d = 0; d < n_docs; d++)
    g_array_index (out->documents, GlossAgreementDocumentFigures, d).document = d;

  for (guint c = 0; c < n_codes; c++)
    {
      Code *code = cmp->codes->pdata[g_array_index (dim->codes, guint, c)];
      GlossAgreementCodeFigures *figures = g_new0 (GlossAgreementCodeFigures, 1);

      figures->path = g_strdup (code->path);
      figures->uuid = g_strdup (code->uuid);
      g_ptr_array_add (out->codes, figures);
    }

  /* Every (document, rater, span, code) of this dimension, live only. */
  for (guint i = 0; i < cmp->records->len; i++)
    {
      const Record *record = &g_array_index (cmp->records, Record, i);
      guint doc = ctx->doc_index[record->doc];
      guint rater = ctx->rater_index[record->rater];

      if (record->deleted || doc == NONE || rater == NONE)
        continue;

      for (guint k = 0; k < record->n_codes; k++)
        {
          Code *code = cmp->codes->pdata[g_array_index (cmp->record_codes, guint,
                                                        record->codes_first + k)];
          Mark mark = { doc, rater, record->start, record->end, code->rank };

          if (code->dim == index)
            g_array_append_val (marks, mark);
        }
    }

  dimension_positions (out, (Mark *) marks->data, marks->len, n_raters, n_codes, n_docs);
  if (!dimension_unitizing (ctx, out, (Mark *) marks->data, marks->len, n_raters, n_codes, error))
    return NULL;
  dimension_pairs (ctx, out, (Mark *) marks->data, marks->len, n_raters, n_codes);

  return g_steal_pointer (&out);
}

/* ------------------------------------------------------------------------
 * The comparison
 * ------------------------------------------------------------------------ */

static void
rater_out_free (GlossAgreementRater *rater)
{
  g_free (rater->name);
  g_free (rater->annotator);
  g_free (rater->uuid);
  g_free (rater);
}

static void
document_out_free (GlossAgreementDocument *document)
{
  g_free (document->uuid);
  g_free (document->title);
  g_free (document->sha256);
  g_free (document);
}

void
gloss_agreement_report_free (GlossAgreementReport *report)
{
  if (report == NULL)
    return;

  g_clear_pointer (&report->raters, g_ptr_array_unref);
  g_clear_pointer (&report->documents, g_ptr_array_unref);
  g_clear_pointer (&report->dimensions, g_ptr_array_unref);
  g_clear_pointer (&report->clashes, g_ptr_array_unref);
  g_clear_pointer (&report->notes, g_ptr_array_unref);
  g_free (report);
}

/* --document: a uuid, else a SHA-256, else an exact title. */
static guint
find_document (Compare     *cmp,
               const char  *spec,
               GError     **error)
{
  g_autoptr(GString) titles = NULL;
  guint found = NONE;
  guint n_found = 0;

  for (guint i = 0; i < cmp->docs->len; i++)
    if (g_strcmp0 (((Doc *) cmp->docs->pdata[i])->uuid, spec) == 0)
      return i;

  for (guint i = 0; i < cmp->docs->len; i++)
    if (g_ascii_strcasecmp (((Doc *) cmp->docs->pdata[i])->sha256, spec) == 0)
      return i;

  titles = g_string_new (NULL);
  for (guint i = 0; i < cmp->docs->len; i++)
    {
      Doc *doc = cmp->docs->pdata[i];

      if (g_strcmp0 (doc->title, spec) != 0)
        continue;
      found = i;
      n_found++;
      g_string_append_printf (titles, "\n  %s  %s", doc->uuid, doc->title);
    }

  if (n_found == 1)
    return found;

  if (n_found > 1)
    g_set_error (error, GLOSS_AGREEMENT_ERROR, GLOSS_AGREEMENT_ERROR_AMBIGUOUS,
                 _("Several documents are titled “%s”; name one by its uuid:%s"),
                 spec, titles->str);
  else
    g_set_error (error, GLOSS_AGREEMENT_ERROR, GLOSS_AGREEMENT_ERROR_NO_SUCH,
                 _("None of the files has a document “%s” (by uuid, SHA-256 or title). "
                   "`gloss-cli documents FILE` lists them."), spec);

  return NONE;
}

/* Unique names for the raters; a name shared by annotators with different
 * UUIDs is reported and kept apart as "alice", "alice (2)". */
static void
name_raters (Compare              *cmp,
             GlossAgreementReport *report,
             const guint          *rater_index)
{
  g_autoptr(GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) by_name = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; i < cmp->raters->len; i++)
    {
      Rater *rater = cmp->raters->pdata[i];

      if (rater_index[i] != NONE)
        g_hash_table_add (taken, rater->annotator);
    }

  for (guint i = 0; i < cmp->raters->len; i++)
    {
      Rater *rater = cmp->raters->pdata[i];
      GlossAgreementRater *out;
      GPtrArray *same;

      if (rater_index[i] == NONE)
        continue;

      out = g_new0 (GlossAgreementRater, 1);
      out->annotator = g_strdup (rater->annotator);
      out->uuid = g_strdup (rater->uuid);

      same = g_hash_table_lookup (by_name, rater->annotator);
      if (same == NULL)
        {
          same = g_ptr_array_new ();
          g_hash_table_insert (by_name, rater->annotator, same);
          out->name = g_strdup (rater->annotator);
        }
      else
        {
          for (guint n = same->len + 1; out->name == NULL; n++)
            {
              g_autofree char *candidate = g_strdup_printf ("%s (%u)", rater->annotator, n);

              if (!g_hash_table_contains (taken, candidate))
                out->name = g_steal_pointer (&candidate);
            }
        }
      g_hash_table_add (taken, out->name);
      g_ptr_array_add (same, out);
      g_ptr_array_add (report->raters, out);
    }

  for (guint i = 0; i < report->raters->len; i++)
    {
      GlossAgreementRater *rater = report->raters->pdata[i];
      GPtrArray *same = g_hash_table_lookup (by_name, rater->annotator);
      g_autoptr(GString) names = NULL;

      if (same == NULL || same->len < 2 || same->pdata[0] != rater)
        continue;

      names = g_string_new (NULL);
      for (guint k = 0; k < same->len; k++)
        {
          GlossAgreementRater *other = same->pdata[k];

          g_string_append_printf (names, "%s“%s” (%s)", k == 0 ? "" : ", ",
                                  other->name, other->uuid);
        }

      g_ptr_array_add (report->clashes, g_strdup (rater->annotator));
      g_ptr_array_add (report->notes,
                       g_strdup_printf (_("%u different annotators are called “%s”; they are "
                                          "kept apart as %s."),
                                        same->len, rater->annotator, names->str));
    }
}

static GMutex fetch_lock;
static GCond fetch_cond;

static void
fetch_worker (gpointer data,
              gpointer user_data)
{
  Fetch *fetch = data;

  fetch_run (fetch);

  g_mutex_lock (&fetch_lock);
  fetch->done = TRUE;
  g_cond_broadcast (&fetch_cond);
  g_mutex_unlock (&fetch_lock);
}

/* Reads the files on worker threads, each project used by one thread
 * only, and merges them in order here as they arrive: reading dominates,
 * and two files read at once take half the time on two cores. */
static gboolean
load_projects (Compare       *cmp,
               GlossProject **projects,
               guint          n_projects,
               GError       **error)
{
  g_autofree Fetch *fetches = g_new0 (Fetch, n_projects);
  GThreadPool *pool = NULL;
  gboolean ok = TRUE;

  gboolean distinct = TRUE;

  for (guint f = 0; f < n_projects; f++)
    {
      fetches[f].project = projects[f];
      /* The same project twice would be read by two threads at once
       * through one connection: read it here instead. */
      for (guint g = 0; g < f; g++)
        distinct = distinct && projects[g] != projects[f];
    }

  if (n_projects > 1 && distinct)
    pool = g_thread_pool_new (fetch_worker, NULL,
                              (int) MIN (n_projects, MAX (g_get_num_processors (), 1)),
                              FALSE, NULL);

  for (guint f = 0; f < n_projects; f++)
    {
      if (pool == NULL || !g_thread_pool_push (pool, &fetches[f], NULL))
        {
          fetch_run (&fetches[f]);
          fetches[f].done = TRUE;
        }
    }

  for (guint f = 0; f < n_projects; f++)
    {
      g_autoptr(GHashTable) code_map = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                              g_free, NULL);
      g_autoptr(GHashTable) doc_map = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                             g_free, NULL);
      GArray *file_docs = g_array_new (FALSE, FALSE, sizeof (guint));

      g_ptr_array_add (cmp->file_docs, file_docs);

      g_mutex_lock (&fetch_lock);
      while (!fetches[f].done)
        g_cond_wait (&fetch_cond, &fetch_lock);
      g_mutex_unlock (&fetch_lock);

      if (ok && fetches[f].error != NULL)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&fetches[f].error), "%s: ",
                                      gloss_project_get_path (projects[f]));
          ok = FALSE;
        }

      if (ok)
        {
          load_codebook (cmp, &fetches[f], code_map);
          load_documents (cmp, &fetches[f], doc_map, file_docs);
          load_annotations (cmp, &fetches[f], f, doc_map, code_map);
          /* the records point into the file's strings: keep them */
          g_ptr_array_add (cmp->strings, g_steal_pointer (&fetches[f].strings));
        }

      fetch_clear (&fetches[f]);
    }

  if (pool != NULL)
    g_thread_pool_free (pool, FALSE, TRUE);

  return ok;
}

/* One dimension's figures, worked out on a thread of a pool. */
typedef struct
{
  const Context           *ctx;
  guint                    index;
  GlossAgreementDimension *out;
  GError                  *error;
} DimensionJob;

static void
dimension_job_run (gpointer data,
                   gpointer user_data)
{
  DimensionJob *job = data;

  job->out = compare_dimension (job->ctx, job->index, &job->error);
}

/* The dimensions, one per core at a time: each reads the records and
 * writes only its own figures.  Added to the report in codebook order. */
static gboolean
compare_dimensions (const Context  *ctx,
                    guint           only_dimension,
                    GError        **error)
{
  Compare *cmp = ctx->cmp;
  g_autofree DimensionJob *jobs = g_new0 (DimensionJob, MAX (cmp->dims->len, 1));
  GThreadPool *pool = NULL;
  guint n_jobs = 0;
  gboolean ok = TRUE;

  for (guint d = 0; d < cmp->dims->len; d++)
    if (only_dimension == NONE || d == only_dimension)
      jobs[n_jobs++] = (DimensionJob) { ctx, d, NULL, NULL };

  if (n_jobs > 1 && g_get_num_processors () > 1)
    pool = g_thread_pool_new (dimension_job_run, NULL,
                              (int) MIN (n_jobs, (guint) g_get_num_processors ()), FALSE, NULL);
  for (guint j = 0; j < n_jobs; j++)
    if (pool == NULL || !g_thread_pool_push (pool, &jobs[j], NULL))
      dimension_job_run (&jobs[j], NULL);
  if (pool != NULL)
    g_thread_pool_free (pool, FALSE, TRUE);

  for (guint j = 0; j < n_jobs; j++)
    {
      if (ok && jobs[j].out == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&jobs[j].error));
          ok = FALSE;
        }
      g_clear_error (&jobs[j].error);
      if (ok)
        g_ptr_array_add (ctx->report->dimensions, g_steal_pointer (&jobs[j].out));
      else
        g_clear_pointer (&jobs[j].out, dimension_free);
    }

  return ok;
}

/**
 * gloss_agreement_compare:
 * @projects: (array length=n_projects): open projects, read-only is enough
 * @dimension: (nullable): only this dimension, by name
 * @document: (nullable): only this document: uuid, SHA-256 or title
 *
 * Compares the annotators of @projects (DESIGN.md, "Agreement, defined").
 * A rater is an annotator with a live annotation; the documents a rater has
 * are those of the files they annotated in, and a rater without a document
 * gives no value there (rather than "nothing found").
 *
 * Returns: (transfer full): the figures, or %NULL with @error set
 */
GlossAgreementReport *
gloss_agreement_compare (GlossProject **projects,
                         guint          n_projects,
                         const char    *dimension,
                         const char    *document,
                         GError       **error)
{
  g_autoptr(Compare) cmp = compare_new ();
  g_autoptr(GlossAgreementReport) report = g_new0 (GlossAgreementReport, 1);
  g_autofree guint *doc_index = NULL;
  g_autofree guint *rater_index = NULL;
  g_autofree guint8 *has_doc = NULL;
  g_autofree guint *local_rater = NULL;
  guint only_dimension = NONE;
  guint only_document = NONE;
  guint n_raters = 0;
  guint n_docs;
  Context ctx;

  g_return_val_if_fail (projects != NULL || n_projects == 0, NULL);

  if (n_projects == 0)
    {
      g_set_error (error, GLOSS_AGREEMENT_ERROR, GLOSS_AGREEMENT_ERROR_INVALID,
                   _("Agreement needs at least one project file."));
      return NULL;
    }

  report->raters = g_ptr_array_new_with_free_func ((GDestroyNotify) rater_out_free);
  report->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) document_out_free);
  report->dimensions = g_ptr_array_new_with_free_func ((GDestroyNotify) dimension_free);
  report->clashes = g_ptr_array_new_with_free_func (g_free);
  report->notes = g_ptr_array_new_with_free_func (g_free);

  if (!load_projects (cmp, projects, n_projects, error))
    return NULL;

  if (dimension != NULL)
    {
      only_dimension = lookup (cmp->dim_by_name, dimension);
      if (only_dimension == NONE)
        {
          g_set_error (error, GLOSS_AGREEMENT_ERROR, GLOSS_AGREEMENT_ERROR_NO_SUCH,
                       _("None of the files has a dimension “%s”. "
                         "`gloss-cli codes FILE` lists them."), dimension);
          return NULL;
        }
    }

  if (document != NULL)
    {
      only_document = find_document (cmp, document, error);
      if (only_document == NONE)
        return NULL;
    }

  /* Raters: annotators with at least one live annotation. */
  for (guint i = 0; i < cmp->records->len; i++)
    {
      const Record *record = &g_array_index (cmp->records, Record, i);

      if (!record->deleted)
        ((Rater *) cmp->raters->pdata[record->rater])->live = TRUE;
    }

  rater_index = g_new (guint, MAX (cmp->raters->len, 1));
  for (guint i = 0; i < cmp->raters->len; i++)
    rater_index[i] = ((Rater *) cmp->raters->pdata[i])->live ? n_raters++ : NONE;

  name_raters (cmp, report, rater_index);

  /* The documents compared. */
  doc_index = g_new (guint, MAX (cmp->docs->len, 1));
  for (guint i = 0; i < cmp->docs->len; i++)
    {
      Doc *doc = cmp->docs->pdata[i];
      GlossAgreementDocument *out;

      doc_index[i] = NONE;
      if (only_document != NONE && i != only_document)
        continue;

      out = g_new0 (GlossAgreementDocument, 1);
      out->uuid = g_strdup (doc->uuid);
      out->title = g_strdup (doc->title);
      out->sha256 = g_strdup (doc->sha256);
      out->length = doc->length;
      doc_index[i] = report->documents->len;
      g_ptr_array_add (report->documents, out);
    }
  n_docs = report->documents->len;

  /* Which rater has which document: those of the files they annotated in. */
  has_doc = g_new0 (guint8, MAX ((gsize) n_raters * n_docs, 1));
  for (guint i = 0; i < cmp->raters->len; i++)
    {
      Rater *rater = cmp->raters->pdata[i];

      if (rater_index[i] == NONE)
        continue;

      for (guint k = 0; k < rater->files->len; k++)
        {
          GArray *file_docs = cmp->file_docs->pdata[g_array_index (rater->files, guint, k)];

          for (guint d = 0; d < file_docs->len; d++)
            {
              guint doc = doc_index[g_array_index (file_docs, guint, d)];

              if (doc != NONE)
                has_doc[(gsize) rater_index[i] * n_docs + doc] = 1;
            }
        }
    }

  local_rater = g_new (guint, MAX ((gsize) n_docs * n_raters, 1));
  for (guint d = 0; d < n_docs; d++)
    {
      GlossAgreementDocument *out = report->documents->pdata[d];

      for (guint r = 0; r < n_raters; r++)
        local_rater[(gsize) d * n_raters + r] = has_doc[(gsize) r * n_docs + d]
                                                ? out->n_raters++ : NONE;
    }

  if (n_raters < 2)
    g_ptr_array_add (report->notes,
                     g_strdup (n_raters == 0
                               ? _("No annotator has annotations in these files; "
                                   "agreement needs two.")
                               : _("Only one annotator has annotations in these files; "
                                   "agreement needs two.")));

  ctx = (Context) { cmp, report, doc_index, rater_index, has_doc, local_rater };

  if (!compare_dimensions (&ctx, only_dimension, error))
    return NULL;

  g_ptr_array_extend_and_steal (report->notes, g_steal_pointer (&cmp->notes));
  cmp->notes = g_ptr_array_new ();

  return g_steal_pointer (&report);
}

/* ------------------------------------------------------------------------
 * JSON
 * ------------------------------------------------------------------------ */

static void
add_number (JsonBuilder *builder,
            const char  *key,
            double       value)
{
  json_builder_set_member_name (builder, key);
  if (isnan (value) || isinf (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *key,
         gint64       value)
{
  json_builder_set_member_name (builder, key);
  json_builder_add_int_value (builder, value);
}

static void
add_string (JsonBuilder *builder,
            const char  *key,
            const char  *value)
{
  json_builder_set_member_name (builder, key);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_strings (JsonBuilder *builder,
             const char  *key,
             GPtrArray   *strings)
{
  json_builder_set_member_name (builder, key);
  json_builder_begin_array (builder);
  for (guint i = 0; i < strings->len; i++)
    json_builder_add_string_value (builder, strings->pdata[i]);
  json_builder_end_array (builder);
}

static const char *
rater_name (const GlossAgreementReport *report,
            guint                       index)
{
  return ((GlossAgreementRater *) report->raters->pdata[index])->name;
}

static void
add_dimension (JsonBuilder                   *builder,
               const GlossAgreementReport    *report,
               const GlossAgreementDimension *dim)
{
  json_builder_begin_object (builder);
  add_string (builder, "dimension", dim->name);
  add_string (builder, "uuid", dim->uuid);
  json_builder_set_member_name (builder, "multiple");
  json_builder_add_boolean_value (builder, dim->multiple);
  add_string (builder, "level", gloss_level_to_string (dim->level));
  add_int (builder, "positions", dim->positions);
  add_int (builder, "complete_positions", dim->complete_positions);
  add_int (builder, "pairable_positions", dim->krippendorff_alpha.units);
  add_number (builder, "percent_agreement", dim->percent_agreement.value);
  add_number (builder, "cohen_kappa", dim->cohen_kappa.value);
  add_number (builder, "fleiss_kappa", dim->fleiss_kappa.value);
  add_number (builder, "krippendorff_alpha", dim->krippendorff_alpha.value);
  add_number (builder, "krippendorff_alpha_ordinal", dim->krippendorff_alpha_ordinal.value);

  json_builder_set_member_name (builder, "alpha_u");
  json_builder_begin_object (builder);
  add_number (builder, "pooled", dim->alpha_u_pooled.value);
  add_int (builder, "units", dim->alpha_u_pooled.units);
  json_builder_set_member_name (builder, "codes");
  json_builder_begin_object (builder);
  for (guint c = 0; c < dim->codes->len; c++)
    {
      GlossAgreementCodeFigures *code = dim->codes->pdata[c];

      add_number (builder, code->path, code->alpha_u.value);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  add_number (builder, "f1_exact", dim->f1_exact.value);
  add_number (builder, "f1_overlap", dim->f1_overlap.value);

  /* What each figure rests on. */
  json_builder_set_member_name (builder, "units");
  json_builder_begin_object (builder);
  add_int (builder, "percent_agreement", dim->percent_agreement.units);
  add_int (builder, "cohen_kappa", dim->cohen_kappa.units);
  add_int (builder, "fleiss_kappa", dim->fleiss_kappa.units);
  add_int (builder, "krippendorff_alpha", dim->krippendorff_alpha.units);
  add_int (builder, "krippendorff_alpha_ordinal", dim->krippendorff_alpha_ordinal.units);
  add_int (builder, "alpha_u", dim->alpha_u_pooled.units);
  add_int (builder, "f1", dim->f1_exact.units);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "pairs");
  json_builder_begin_array (builder);
  for (guint p = 0; p < dim->pairs->len; p++)
    {
      const GlossAgreementPair *pair = &g_array_index (dim->pairs, GlossAgreementPair, p);

      json_builder_begin_object (builder);
      add_string (builder, "a", rater_name (report, pair->a));
      add_string (builder, "b", rater_name (report, pair->b));
      add_number (builder, "f1_exact", pair->f1_exact.value);
      add_number (builder, "f1_overlap", pair->f1_overlap.value);
      add_int (builder, "spans_a", pair->spans_a);
      add_int (builder, "spans_b", pair->spans_b);
      add_int (builder, "matched_exact", pair->matched_exact);
      add_int (builder, "matched_overlap", pair->matched_overlap);
      add_number (builder, "precision_exact",
                  pair->spans_a > 0 ? (double) pair->matched_exact / pair->spans_a : NAN);
      add_number (builder, "recall_exact",
                  pair->spans_b > 0 ? (double) pair->matched_exact / pair->spans_b : NAN);
      add_number (builder, "precision_overlap",
                  pair->spans_a > 0 ? (double) pair->matched_overlap / pair->spans_a : NAN);
      add_number (builder, "recall_overlap",
                  pair->spans_b > 0 ? (double) pair->matched_overlap / pair->spans_b : NAN);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "per_code");
  json_builder_begin_array (builder);
  for (guint c = 0; c < dim->codes->len; c++)
    {
      GlossAgreementCodeFigures *code = dim->codes->pdata[c];

      json_builder_begin_object (builder);
      add_string (builder, "code", code->path);
      add_string (builder, "uuid", code->uuid);
      add_number (builder, "cohen_kappa", code->cohen_kappa.value);
      add_number (builder, "fleiss_kappa", code->fleiss_kappa.value);
      add_number (builder, "alpha_u", code->alpha_u.value);
      add_int (builder, "alpha_u_units", code->alpha_u.units);
      add_number (builder, "f1_exact", code->f1_exact.value);
      add_number (builder, "f1_overlap", code->f1_overlap.value);
      add_int (builder, "spans", code->f1_exact.units);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "per_document");
  json_builder_begin_array (builder);
  for (guint d = 0; d < dim->documents->len; d++)
    {
      const GlossAgreementDocumentFigures *figures =
        &g_array_index (dim->documents, GlossAgreementDocumentFigures, d);
      const GlossAgreementDocument *doc = report->documents->pdata[figures->document];

      json_builder_begin_object (builder);
      add_string (builder, "document", doc->uuid);
      add_string (builder, "title", doc->title);
      add_int (builder, "positions", figures->positions);
      add_number (builder, "krippendorff_alpha", figures->krippendorff_alpha.value);
      add_int (builder, "krippendorff_alpha_units", figures->krippendorff_alpha.units);
      add_number (builder, "krippendorff_alpha_ordinal", figures->krippendorff_alpha_ordinal.value);
      add_number (builder, "alpha_u_pooled", figures->alpha_u_pooled.value);
      add_int (builder, "alpha_u_units", figures->alpha_u_pooled.units);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);
}

/**
 * gloss_agreement_report_to_json:
 *
 * Returns: (transfer full): the report as the object `gloss-cli agree --json`
 *   prints; undefined figures are null
 */
JsonNode *
gloss_agreement_report_to_json (const GlossAgreementReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (report != NULL, NULL);

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "annotators");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->raters->len; i++)
    json_builder_add_string_value (builder, rater_name (report, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "raters");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->raters->len; i++)
    {
      GlossAgreementRater *rater = report->raters->pdata[i];

      json_builder_begin_object (builder);
      add_string (builder, "name", rater->name);
      add_string (builder, "annotator", rater->annotator);
      add_string (builder, "uuid", rater->uuid);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  add_strings (builder, "annotator_clashes", report->clashes);
  add_int (builder, "documents", report->documents->len);

  json_builder_set_member_name (builder, "compared_documents");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->documents->len; i++)
    {
      GlossAgreementDocument *doc = report->documents->pdata[i];

      json_builder_begin_object (builder);
      add_string (builder, "uuid", doc->uuid);
      add_string (builder, "title", doc->title);
      add_string (builder, "sha256", doc->sha256);
      add_int (builder, "length", doc->length);
      add_int (builder, "raters", doc->n_raters);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "dimensions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->dimensions->len; i++)
    add_dimension (builder, report, report->dimensions->pdata[i]);
  json_builder_end_array (builder);

  add_strings (builder, "notes", report->notes);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
