/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-disagreements"

#include "config.h"

#include "gloss-disagreements.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#define NONE G_MAXUINT

/* ------------------------------------------------------------------------
 * What the files hold, matched across files
 * ------------------------------------------------------------------------ */

typedef struct
{
  char    *uuid;
  char    *annotator;
  GArray  *files;        /* (element-type guint): files it annotated in */
  gboolean live;
} Rater;

typedef struct
{
  guint        doc;
  guint        rater;
  gint64       start;
  gint64       end;
  guint        codes_first;   /* into Finder.record_codes */
  guint        n_codes;
  gint64       revision;
  const char  *modified;      /* in Finder.strings */
  gboolean     deleted;
} Record;

typedef struct
{
  guint n_projects;
  GPtrArray    *raters;        /* (element-type Rater) */
  GPtrArray    *docs;          /* (element-type GlossDisagreementDocument) */
  GPtrArray    *dims;          /* (element-type utf8) */
  GPtrArray    *code_paths;    /* (element-type utf8): below the dimension */
  GArray       *code_dims;     /* (element-type guint) */
  GHashTable   *dim_by_uuid;
  GHashTable   *dim_by_name;
  GHashTable   *code_by_uuid;
  GHashTable   *code_by_key;
  GHashTable   *doc_by_uuid;
  GHashTable   *doc_by_sha;    /* sha256 → GArray of doc indices */
  GHashTable   *rater_by_uuid;
  GHashTable   *record_by_uuid;
  GArray       *records;
  GArray       *record_codes;  /* (element-type guint) */
  GStringChunk *strings;
  GPtrArray    *file_docs;     /* per file: GArray of doc indices */
} Finder;

static void
rater_free (Rater *rater)
{
  g_free (rater->uuid);
  g_free (rater->annotator);
  g_array_unref (rater->files);
  g_free (rater);
}

static void
rater_out_free (GlossDisagreementRater *rater)
{
  g_free (rater->uuid);
  g_free (rater->annotator);
  g_free (rater);
}

static void
document_free (GlossDisagreementDocument *doc)
{
  g_free (doc->uuid);
  g_free (doc->title);
  g_free (doc->sha256);
  g_free (doc->ids);
  g_free (doc);
}

static void
mark_clear (GlossMark *mark)
{
  g_free (mark->codes);
}

static Finder *
finder_new (guint n_projects)
{
  Finder *finder = g_new0 (Finder, 1);

  finder->n_projects = n_projects;
  finder->raters = g_ptr_array_new_with_free_func ((GDestroyNotify) rater_free);
  finder->docs = g_ptr_array_new_with_free_func ((GDestroyNotify) document_free);
  finder->dims = g_ptr_array_new_with_free_func (g_free);
  finder->code_paths = g_ptr_array_new_with_free_func (g_free);
  finder->code_dims = g_array_new (FALSE, FALSE, sizeof (guint));
  finder->dim_by_uuid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  finder->dim_by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  finder->code_by_uuid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  finder->code_by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  finder->doc_by_uuid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  finder->doc_by_sha = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_array_unref);
  finder->rater_by_uuid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  finder->record_by_uuid = g_hash_table_new (g_str_hash, g_str_equal);
  finder->records = g_array_new (FALSE, FALSE, sizeof (Record));
  finder->record_codes = g_array_new (FALSE, FALSE, sizeof (guint));
  finder->strings = g_string_chunk_new (64 * 1024);
  finder->file_docs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  return finder;
}

static void
finder_free (Finder *finder)
{
  g_ptr_array_unref (finder->raters);
  g_ptr_array_unref (finder->docs);
  g_ptr_array_unref (finder->dims);
  g_ptr_array_unref (finder->code_paths);
  g_array_unref (finder->code_dims);
  g_hash_table_unref (finder->dim_by_uuid);
  g_hash_table_unref (finder->dim_by_name);
  g_hash_table_unref (finder->code_by_uuid);
  g_hash_table_unref (finder->code_by_key);
  g_hash_table_unref (finder->doc_by_uuid);
  g_hash_table_unref (finder->doc_by_sha);
  g_hash_table_unref (finder->rater_by_uuid);
  g_hash_table_unref (finder->record_by_uuid);
  g_array_unref (finder->records);
  g_array_unref (finder->record_codes);
  g_string_chunk_free (finder->strings);
  g_ptr_array_unref (finder->file_docs);
  g_free (finder);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Finder, finder_free)

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

static gboolean
array_has (GArray *array,
           guint   value)
{
  for (guint i = 0; i < array->len; i++)
    if (g_array_index (array, guint, i) == value)
      return TRUE;

  return FALSE;
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

static gboolean
load_codebook (Finder       *finder,
               GlossProject *project,
               GHashTable   *code_map,
               GError      **error)
{
  g_autoptr(GPtrArray) dimensions = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(GHashTable) dim_map = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                         g_free, NULL);

  if ((dimensions = gloss_project_list_dimensions (project, error)) == NULL
      || (codes = gloss_project_list_codes (project, error)) == NULL)
    return FALSE;

  for (guint i = 0; i < dimensions->len; i++)
    {
      GlossDimension *d = dimensions->pdata[i];
      guint index = lookup (finder->dim_by_uuid, d->uuid);

      if (index == NONE)
        index = lookup (finder->dim_by_name, d->name);
      if (index == NONE)
        {
          index = finder->dims->len;
          g_ptr_array_add (finder->dims, g_strdup (d->name));
        }

      remember (finder->dim_by_uuid, d->uuid, index);
      remember (finder->dim_by_name, d->name, index);
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
      index = lookup (finder->code_by_uuid, c->uuid);
      if (index == NONE)
        index = lookup (finder->code_by_key, key);
      if (index == NONE)
        {
          index = finder->code_paths->len;
          g_ptr_array_add (finder->code_paths, g_strdup (path_below_dimension (c->path)));
          g_array_append_val (finder->code_dims, dim);
        }

      remember (finder->code_by_uuid, c->uuid, index);
      remember (finder->code_by_key, key, index);
      id_remember (code_map, c->id, index);
    }

  return TRUE;
}

static gboolean
load_documents (Finder       *finder,
                GlossProject *project,
                guint         file,
                GHashTable   *doc_map,
                GArray       *file_docs,
                GError      **error)
{
  g_autoptr(GPtrArray) documents = gloss_project_list_documents (project, error);

  if (documents == NULL)
    return FALSE;

  for (guint i = 0; i < documents->len; i++)
    {
      GlossDocument *d = documents->pdata[i];
      guint index = lookup (finder->doc_by_uuid, d->uuid);
      GArray *same_text;

      if (index != NONE
          && g_strcmp0 (((GlossDisagreementDocument *) finder->docs->pdata[index])->sha256,
                        d->sha256) != 0)
        index = NONE;   /* another text under the same UUID: a separate document */
      else if (index == NONE)
        {
          /* Same text, another UUID: the first such document this file has
           * not matched yet. */
          same_text = g_hash_table_lookup (finder->doc_by_sha, d->sha256);
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
          GlossDisagreementDocument *doc = g_new0 (GlossDisagreementDocument, 1);

          doc->uuid = g_strdup (d->uuid);
          doc->title = g_strdup (d->title);
          doc->sha256 = g_strdup (d->sha256);
          doc->length = d->length;
          doc->ids = g_new0 (gint64, finder->n_projects);
          index = finder->docs->len;
          g_ptr_array_add (finder->docs, doc);

          same_text = g_hash_table_lookup (finder->doc_by_sha, d->sha256);
          if (same_text == NULL)
            {
              same_text = g_array_new (FALSE, FALSE, sizeof (guint));
              g_hash_table_insert (finder->doc_by_sha, g_strdup (d->sha256), same_text);
            }
          g_array_append_val (same_text, index);
        }

      {
        GlossDisagreementDocument *doc = finder->docs->pdata[index];

        if (doc->ids[file] == 0)
          doc->ids[file] = d->id;
      }

      remember (finder->doc_by_uuid, d->uuid, index);
      id_remember (doc_map, d->id, index);
      if (!array_has (file_docs, index))
        g_array_append_val (file_docs, index);
    }

  return TRUE;
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

static gboolean
is_later (const char *a_modified,
          gint64      a_revision,
          const char *b_modified,
          gint64      b_revision)
{
  int cmp = g_strcmp0 (a_modified, b_modified);

  return cmp > 0 || (cmp == 0 && a_revision > b_revision);
}

static gboolean
load_annotations (Finder       *finder,
                  GlossProject *project,
                  guint         file,
                  GHashTable   *doc_map,
                  GHashTable   *code_map,
                  GError      **error)
{
  GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
  g_autoptr(GPtrArray) annotations = NULL;
  g_autoptr(GArray) fresh = g_array_new (FALSE, FALSE, sizeof (NewRater));
  g_autoptr(GHashTable) fresh_seen = g_hash_table_new (g_str_hash, g_str_equal);

  /* Tombstones too: the latest version of an annotation decides. */
  filter.include_deleted = TRUE;
  annotations = gloss_project_list_annotations (project, &filter, error);
  if (annotations == NULL)
    return FALSE;

  /* New annotators of this file join the raters sorted by name, as the
   * agreement report orders them. */
  for (guint i = 0; i < annotations->len; i++)
    {
      GlossAnnotation *a = annotations->pdata[i];

      if (a->annotator_uuid == NULL
          || lookup (finder->rater_by_uuid, a->annotator_uuid) != NONE
          || g_hash_table_contains (fresh_seen, a->annotator_uuid))
        continue;

      g_hash_table_add (fresh_seen, a->annotator_uuid);
      g_array_append_val (fresh, ((NewRater) { a->annotator_uuid,
                                               a->annotator != NULL ? a->annotator : "" }));
    }

  g_array_sort (fresh, compare_new_raters);
  for (guint i = 0; i < fresh->len; i++)
    {
      NewRater *n = &g_array_index (fresh, NewRater, i);
      Rater *rater = g_new0 (Rater, 1);

      rater->uuid = g_strdup (n->uuid);
      rater->annotator = g_strdup (n->name);
      rater->files = g_array_new (FALSE, FALSE, sizeof (guint));
      remember (finder->rater_by_uuid, n->uuid, finder->raters->len);
      g_ptr_array_add (finder->raters, rater);
    }

  for (guint i = 0; i < annotations->len; i++)
    {
      GlossAnnotation *a = annotations->pdata[i];
      guint rater_index = lookup (finder->rater_by_uuid, a->annotator_uuid);
      guint doc = id_lookup (doc_map, a->document);
      Record record = { 0 };
      gpointer existing;
      Rater *rater;

      if (rater_index == NONE || doc == NONE)
        continue;

      rater = finder->raters->pdata[rater_index];
      if (!array_has (rater->files, file))
        g_array_append_val (rater->files, file);

      existing = g_hash_table_lookup (finder->record_by_uuid, a->uuid);
      if (existing != NULL)
        {
          Record *old = &g_array_index (finder->records, Record, GPOINTER_TO_UINT (existing) - 1);

          if (!is_later (a->modified, a->revision, old->modified, old->revision))
            continue;
        }

      record.doc = doc;
      record.rater = rater_index;
      record.start = a->start;
      record.end = a->end;
      record.revision = a->revision;
      record.modified = g_string_chunk_insert (finder->strings, a->modified ? a->modified : "");
      record.deleted = a->deleted;
      record.codes_first = finder->record_codes->len;
      for (guint k = 0; k < a->codes->len; k++)
        {
          guint code = id_lookup (code_map, g_array_index (a->codes, gint64, k));

          if (code != NONE)
            g_array_append_val (finder->record_codes, code);
        }
      record.n_codes = finder->record_codes->len - record.codes_first;

      if (existing != NULL)
        g_array_index (finder->records, Record, GPOINTER_TO_UINT (existing) - 1) = record;
      else
        {
          g_array_append_val (finder->records, record);
          g_hash_table_insert (finder->record_by_uuid,
                               g_string_chunk_insert (finder->strings, a->uuid),
                               GUINT_TO_POINTER (finder->records->len));
        }
    }

  return TRUE;
}

/* ------------------------------------------------------------------------
 * Marks and passages
 * ------------------------------------------------------------------------ */

typedef struct
{
  guint  dim;
  guint  doc;
  gint64 start;
  gint64 end;
  guint  rater;
  guint  code;
} Entry;

static int
compare_entries (gconstpointer pa,
                 gconstpointer pb)
{
  const Entry *a = pa;
  const Entry *b = pb;

  if (a->dim != b->dim)
    return a->dim < b->dim ? -1 : 1;
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

static gboolean
same_span (const GlossMark *a,
           const GlossMark *b)
{
  return a->start == b->start && a->end == b->end;
}

/* Classifies the passage marks[first … first + n); FALSE when every rater
 * who has the document made exactly the same marks there. */
static gboolean
classify (const GlossMark       *marks,
          guint                  n,
          guint                  n_have,
          gboolean              *present,
          guint                  n_raters,
          GlossDisagreementKind *kind)
{
  guint n_present = 0;
  gboolean one_span = TRUE;
  gboolean one_code_set = TRUE;
  gboolean identical;

  memset (present, 0, n_raters * sizeof (gboolean));
  for (guint i = 0; i < n; i++)
    {
      if (!present[marks[i].rater])
        {
          present[marks[i].rater] = TRUE;
          n_present++;
        }
      if (!same_span (&marks[i], &marks[0]))
        one_span = FALSE;
      if (g_strcmp0 (marks[i].codes, marks[0].codes) != 0)
        one_code_set = FALSE;
    }

  /* Every rater marks every span in the passage with the same codes: the
   * marks come in runs of one span, one mark per rater. */
  identical = n_present == n_have;
  for (guint i = 0; identical && i < n; )
    {
      guint k = i;

      while (k < n && same_span (&marks[k], &marks[i]))
        {
          if (g_strcmp0 (marks[k].codes, marks[i].codes) != 0)
            identical = FALSE;
          k++;
        }
      if (k - i != n_have)
        identical = FALSE;
      i = k;
    }

  if (identical)
    return FALSE;

  if (one_span)
    *kind = one_code_set ? GLOSS_DISAGREEMENT_MISSING : GLOSS_DISAGREEMENT_DIFFERENT_CODES;
  else if (n_present == 1)
    *kind = GLOSS_DISAGREEMENT_MISSING;
  else
    *kind = GLOSS_DISAGREEMENT_OVERLAPPING;

  return TRUE;
}

static GlossDisagreementSet *
build_set (Finder *finder)
{
  g_autoptr(GlossDisagreementSet) set = g_new0 (GlossDisagreementSet, 1);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_autofree guint *rater_index = g_new (guint, MAX (finder->raters->len, 1));
  g_autofree gboolean *have = NULL;
  g_autofree gboolean *present = NULL;
  g_autoptr(GString) codes = g_string_new (NULL);
  guint n_raters = 0;
  guint n_docs = finder->docs->len;

  set->n_projects = finder->n_projects;
  set->raters = g_ptr_array_new_with_free_func ((GDestroyNotify) rater_out_free);
  set->dimensions = g_ptr_array_ref (finder->dims);
  set->documents = g_ptr_array_ref (finder->docs);
  set->marks = g_array_new (FALSE, FALSE, sizeof (GlossMark));
  g_array_set_clear_func (set->marks, (GDestroyNotify) mark_clear);
  set->items = g_array_new (FALSE, FALSE, sizeof (GlossDisagreement));

  /* Raters: annotators with at least one live annotation. */
  for (guint i = 0; i < finder->records->len; i++)
    {
      const Record *record = &g_array_index (finder->records, Record, i);

      if (!record->deleted)
        ((Rater *) finder->raters->pdata[record->rater])->live = TRUE;
    }

  for (guint i = 0; i < finder->raters->len; i++)
    {
      Rater *rater = finder->raters->pdata[i];
      GlossDisagreementRater *out;

      rater_index[i] = NONE;
      if (!rater->live)
        continue;

      rater_index[i] = n_raters++;
      out = g_new0 (GlossDisagreementRater, 1);
      out->uuid = g_strdup (rater->uuid);
      out->annotator = g_strdup (rater->annotator);
      g_ptr_array_add (set->raters, out);
    }

  /* have[doc * n_raters + rater]: the rater's files hold the document. */
  have = g_new0 (gboolean, (gsize) MAX (n_docs, 1) * MAX (n_raters, 1));
  for (guint i = 0; i < finder->raters->len; i++)
    {
      Rater *rater = finder->raters->pdata[i];

      if (rater_index[i] == NONE)
        continue;

      for (guint f = 0; f < rater->files->len; f++)
        {
          GArray *docs = finder->file_docs->pdata[g_array_index (rater->files, guint, f)];

          for (guint d = 0; d < docs->len; d++)
            have[(gsize) g_array_index (docs, guint, d) * n_raters + rater_index[i]] = TRUE;
        }
    }

  for (guint d = 0; d < n_docs; d++)
    {
      GlossDisagreementDocument *doc = finder->docs->pdata[d];

      for (guint r = 0; r < n_raters; r++)
        doc->n_raters += have[(gsize) d * n_raters + r] ? 1 : 0;
    }

  /* One entry per live (annotation, code); marks are their distinct
   * (dimension, document, span, rater) with the set of codes. */
  for (guint i = 0; i < finder->records->len; i++)
    {
      const Record *record = &g_array_index (finder->records, Record, i);

      if (record->deleted)
        continue;

      for (guint k = 0; k < record->n_codes; k++)
        {
          guint code = g_array_index (finder->record_codes, guint, record->codes_first + k);
          Entry entry = {
            g_array_index (finder->code_dims, guint, code), record->doc,
            record->start, record->end, rater_index[record->rater], code
          };

          g_array_append_val (entries, entry);
        }
    }

  g_array_sort (entries, compare_entries);

  for (guint i = 0; i < entries->len; )
    {
      const Entry *first = &g_array_index (entries, Entry, i);
      GlossMark mark = { first->dim, first->doc, first->rater, first->start, first->end, NULL };
      guint last_code = NONE;

      g_string_truncate (codes, 0);
      for (; i < entries->len; i++)
        {
          const Entry *e = &g_array_index (entries, Entry, i);

          if (e->dim != mark.dimension || e->doc != mark.document || e->rater != mark.rater
              || e->start != mark.start || e->end != mark.end)
            break;
          if (e->code == last_code)
            continue;   /* two annotations of one rater with one span */

          if (codes->len > 0)
            g_string_append (codes, "; ");
          g_string_append (codes, finder->code_paths->pdata[e->code]);
          last_code = e->code;
        }

      mark.codes = g_strdup (codes->str);
      g_array_append_val (set->marks, mark);
    }

  /* Passages: marks of one dimension and document chained by overlaps. */
  present = g_new0 (gboolean, MAX (n_raters, 1));
  for (guint i = 0; i < set->marks->len; )
    {
      const GlossMark *first = &g_array_index (set->marks, GlossMark, i);
      guint n_have = finder->docs->len > 0
                     ? ((GlossDisagreementDocument *) finder->docs->pdata[first->document])->n_raters
                     : 0;
      gint64 extent_end = first->end;
      GlossDisagreement item = { 0 };
      guint k = i + 1;

      while (k < set->marks->len)
        {
          const GlossMark *next = &g_array_index (set->marks, GlossMark, k);

          if (next->dimension != first->dimension || next->document != first->document
              || next->start >= extent_end)
            break;
          extent_end = MAX (extent_end, next->end);
          k++;
        }

      item.dimension = first->dimension;
      item.document = first->document;
      item.start = first->start;
      item.end = extent_end;
      item.first_mark = i;
      item.n_marks = k - i;

      if (n_have >= 2
          && classify (first, k - i, n_have, present, n_raters, &item.kind))
        g_array_append_val (set->items, item);

      i = k;
    }

  return g_steal_pointer (&set);
}

/**
 * gloss_disagreements_find:
 * @projects: (array length=n_projects): open projects, read-only is enough
 *
 * Lists where the raters of @projects disagree (see the header).  The
 * projects are read one after the other on the calling thread.
 *
 * Returns: (transfer full): the disagreements, or %NULL with @error set
 */
GlossDisagreementSet *
gloss_disagreements_find (GlossProject **projects,
                          guint          n_projects,
                          GError       **error)
{
  g_autoptr(Finder) finder = NULL;

  g_return_val_if_fail (projects != NULL || n_projects == 0, NULL);

  if (n_projects == 0)
    {
      g_set_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID,
                   _("Comparing needs at least one project file."));
      return NULL;
    }

  finder = finder_new (n_projects);
  for (guint f = 0; f < n_projects; f++)
    {
      g_autoptr(GHashTable) code_map = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                              g_free, NULL);
      g_autoptr(GHashTable) doc_map = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                             g_free, NULL);
      GArray *file_docs = g_array_new (FALSE, FALSE, sizeof (guint));

      g_ptr_array_add (finder->file_docs, file_docs);

      if (!load_codebook (finder, projects[f], code_map, error)
          || !load_documents (finder, projects[f], f, doc_map, file_docs, error)
          || !load_annotations (finder, projects[f], f, doc_map, code_map, error))
        {
          g_prefix_error (error, "%s: ", gloss_project_get_path (projects[f]));
          return NULL;
        }
    }

  return build_set (finder);
}

void
gloss_disagreement_set_free (GlossDisagreementSet *set)
{
  if (set == NULL)
    return;

  g_clear_pointer (&set->raters, g_ptr_array_unref);
  g_clear_pointer (&set->documents, g_ptr_array_unref);
  g_clear_pointer (&set->dimensions, g_ptr_array_unref);
  g_clear_pointer (&set->marks, g_array_unref);
  g_clear_pointer (&set->items, g_array_unref);
  g_free (set);
}

void
gloss_disagreement_set_get_marks (const GlossDisagreementSet *set,
                                  guint                       dimension,
                                  guint                       document,
                                  guint                      *first,
                                  guint                      *n)
{
  guint lo = 0;
  guint hi;

  g_return_if_fail (set != NULL);
  g_return_if_fail (first != NULL && n != NULL);

  /* The first mark at or after (dimension, document), then its run. */
  hi = set->marks->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const GlossMark *m = &g_array_index (set->marks, GlossMark, mid);

      if (m->dimension < dimension || (m->dimension == dimension && m->document < document))
        lo = mid + 1;
      else
        hi = mid;
    }

  *first = lo;
  for (hi = lo; hi < set->marks->len; hi++)
    {
      const GlossMark *m = &g_array_index (set->marks, GlossMark, hi);

      if (m->dimension != dimension || m->document != document)
        break;
    }
  *n = hi - lo;
}
