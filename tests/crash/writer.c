/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The writer the kill harness (test-kill.c) shoots at.
 *
 *   crash-writer ops FILE SEED N
 *
 * opens FILE through the engine and performs N operations (0: until
 * killed) chosen from SEED: annotation adds (one and several at once),
 * note, span and code edits, deletions, reviews, codebook changes, code
 * merges and cascading deletions, dimension and document changes, undo and
 * redo.  Before each operation it prints "begin I KIND"; after the engine
 * call returns it prints "done I DIGEST RESULT" and flushes, where DIGEST is
 * the logical dump (crash-dump.c) of the file as the writer now reads it.
 * A line "done" therefore means: that operation is committed (or refused
 * and changed nothing) and the file holds exactly DIGEST.
 *
 *   crash-writer merge TARGET SOURCE
 *
 * merges SOURCE into TARGET with gloss_merge().
 *
 * Every choice depends only on SEED and the file's contents, so the same
 * SEED on a copy of the same file replays the same operations: the harness
 * uses that to learn the state after an operation whose "done" line a kill
 * cut off.
 *
 * GLOSS_TEST_SPLIT_TRANSACTIONS=1 (read by this test program only) makes
 * the writer perform an annotation add as two engine calls, each its own
 * transaction: the add, then the note.  The harness must catch the state in
 * between; test-kill.c asserts that it does. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "gloss-merge.h"
#include "gloss-project.h"
#include "gloss-project-private.h"
#include "crash-dump.h"

typedef enum
{
  OP_ADD,
  OP_ADD_BULK,
  OP_NOTE,
  OP_SPAN,
  OP_CODES,
  OP_DELETE,
  OP_REVIEW,
  OP_ADD_CODE,
  OP_UPDATE_CODE,
  OP_MOVE_CODE,
  OP_DELETE_CODE,
  OP_MERGE_CODES,
  OP_ADD_DIMENSION,
  OP_DOCUMENT,
  OP_UNDO,
  OP_REDO,
  N_OPS
} OpKind;

static const struct
{
  const char *name;
  guint       weight;
} ops[N_OPS] = {
  [OP_ADD] = { "add", 30 },
  [OP_ADD_BULK] = { "add-bulk", 5 },
  [OP_NOTE] = { "note", 8 },
  [OP_SPAN] = { "span", 8 },
  [OP_CODES] = { "codes", 8 },
  [OP_DELETE] = { "delete", 8 },
  [OP_REVIEW] = { "review", 4 },
  [OP_ADD_CODE] = { "add-code", 5 },
  [OP_UPDATE_CODE] = { "update-code", 3 },
  [OP_MOVE_CODE] = { "move-code", 2 },
  [OP_DELETE_CODE] = { "delete-code", 2 },
  [OP_MERGE_CODES] = { "merge-codes", 2 },
  [OP_ADD_DIMENSION] = { "add-dimension", 1 },
  [OP_DOCUMENT] = { "document", 2 },
  [OP_UNDO] = { "undo", 10 },
  [OP_REDO] = { "redo", 3 },
};

typedef struct
{
  GlossProject *project;
  GRand        *rand;
  gboolean      split;
  guint         op;
} Writer;

static G_NORETURN void
die (const char   *what,
     const GError *error)
{
  g_printerr ("crash-writer: %s: %s\n", what, error != NULL ? error->message : "failed");
  exit (2);
}

static GArray *
query_ids (Writer     *w,
           const char *sql)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (_gloss_project_get_db (w->project), sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_printerr ("crash-writer: %s: %s\n", sql,
                  sqlite3_errmsg (_gloss_project_get_db (w->project)));
      exit (2);
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);
  return ids;
}

/* A random element of @ids, 0 when there is none. */
static gint64
pick (Writer *w,
      GArray *ids)
{
  if (ids->len == 0)
    return 0;
  return g_array_index (ids, gint64, g_rand_int_range (w->rand, 0, ids->len));
}

static gint64
pick_document (Writer *w,
               gint64 *length)
{
  g_autoptr(GArray) ids = query_ids (w, "SELECT id FROM document ORDER BY id");
  gint64 id = pick (w, ids);
  g_autoptr(GlossDocument) document = NULL;
  g_autoptr(GError) error = NULL;

  if (id == 0)
    die ("no document", NULL);
  document = gloss_project_get_document (w->project, id, &error);
  if (document == NULL)
    die ("document", error);
  *length = document->length;
  return id;
}

static void
pick_span (Writer *w,
           gint64  length,
           gint64 *start,
           gint64 *end)
{
  *start = g_rand_int_range (w->rand, 0, (gint32) length);
  *end = *start + g_rand_int_range (w->rand, 1, 300);
  if (*end > length)
    *end = length;
}

/* One to three codes, at most one from each single-valued dimension. */
static GArray *
pick_codes (Writer *w)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = gloss_project_list_codes (w->project, &error);
  g_autoptr(GPtrArray) dimensions = gloss_project_list_dimensions (w->project, &error);
  GArray *chosen = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) single_used = g_hash_table_new (g_int64_hash, g_int64_equal);
  int n = g_rand_int_range (w->rand, 1, 4);

  if (codes == NULL || dimensions == NULL)
    die ("codebook", error);
  if (codes->len == 0)
    return chosen;

  for (int i = 0; i < n; i++)
    {
      GlossCode *code = codes->pdata[g_rand_int_range (w->rand, 0, codes->len)];
      gboolean multiple = TRUE, seen = FALSE;

      for (guint d = 0; d < dimensions->len; d++)
        {
          GlossDimension *dimension = dimensions->pdata[d];

          if (dimension->id == code->dimension)
            multiple = dimension->multiple;
        }
      for (guint c = 0; c < chosen->len; c++)
        if (g_array_index (chosen, gint64, c) == code->id)
          seen = TRUE;
      if (seen || (!multiple && g_hash_table_contains (single_used, &code->dimension)))
        continue;
      if (!multiple)
        g_hash_table_add (single_used, &code->dimension);
      g_array_append_val (chosen, code->id);
    }

  return chosen;
}

static char *
random_color (Writer *w)
{
  return g_strdup_printf ("#%06x", g_rand_int_range (w->rand, 0, 0x1000000));
}

static gboolean
do_add (Writer  *w,
        GError **error)
{
  gint64 length, start, end;
  gint64 document = pick_document (w, &length);
  g_autoptr(GArray) codes = NULL;
  g_autofree char *note = g_strdup_printf ("op-%u", w->op);
  gint64 id;

  pick_span (w, length, &start, &end);
  codes = pick_codes (w);

  if (!w->split || codes->len == 0)
    return gloss_project_add_annotation (w->project, document, start, end,
                                         (gint64 *) codes->data, codes->len, note, NULL,
                                         error) > 0;

  /* The negative control: one user action as two transactions. */
  id = gloss_project_add_annotation (w->project, document, start, end,
                                     (gint64 *) codes->data, codes->len, NULL, NULL, error);
  if (id <= 0)
    return FALSE;
  return gloss_project_set_annotation_note (w->project, id, note, error);
}

static gboolean
do_add_bulk (Writer  *w,
             GError **error)
{
  GlossNewAnnotation items[5];
  GArray *codes[5];
  char *notes[5];
  gboolean ok;

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      gint64 length;

      items[i].document = pick_document (w, &length);
      pick_span (w, length, &items[i].start, &items[i].end);
      codes[i] = pick_codes (w);
      notes[i] = g_strdup_printf ("op-%u.%u", w->op, i);
      items[i].codes = (gint64 *) codes[i]->data;
      items[i].n_codes = codes[i]->len;
      items[i].note = notes[i];
    }

  if (!w->split)
    ok = gloss_project_add_annotations (w->project, items, G_N_ELEMENTS (items), NULL, NULL,
                                        error);
  else
    ok = gloss_project_add_annotations (w->project, items, 2, NULL, NULL, error) &&
         gloss_project_add_annotations (w->project, items + 2, 3, NULL, NULL, error);

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_array_unref (codes[i]);
      g_free (notes[i]);
    }
  return ok;
}

static gint64
live_annotation (Writer *w)
{
  g_autoptr(GArray) ids = query_ids (w, "SELECT id FROM annotation WHERE deleted = 0 ORDER BY id");

  return pick (w, ids);
}

static gboolean
do_annotation_edit (Writer  *w,
                    OpKind   kind,
                    GError **error)
{
  gint64 id = live_annotation (w);
  g_autofree char *note = g_strdup_printf ("op-%u", w->op);

  if (id == 0)
    return TRUE;

  switch (kind)
    {
    case OP_NOTE:
      return gloss_project_set_annotation_note (w->project, id, note, error);
    case OP_SPAN:
      {
        g_autoptr(GlossAnnotation) annotation = gloss_project_get_annotation (w->project, id, error);
        g_autoptr(GlossDocument) document = NULL;
        gint64 start, end;

        if (annotation == NULL)
          return FALSE;
        document = gloss_project_get_document (w->project, annotation->document, error);
        if (document == NULL)
          return FALSE;
        pick_span (w, document->length, &start, &end);
        return gloss_project_set_annotation_span (w->project, id, start, end, error);
      }
    case OP_CODES:
      {
        g_autoptr(GArray) codes = pick_codes (w);

        return gloss_project_set_annotation_codes (w->project, id, (gint64 *) codes->data,
                                                   codes->len, error);
      }
    case OP_DELETE:
      return gloss_project_delete_annotation (w->project, id, error);
    case OP_REVIEW:
      return gloss_project_review_annotation (w->project, id,
                                              g_rand_boolean (w->rand) ? GLOSS_REVIEW_ACCEPTED
                                                                       : GLOSS_REVIEW_REJECTED,
                                              note, "reviewer", error);
    default:
      g_assert_not_reached ();
    }
}

static gboolean
do_codebook (Writer  *w,
             OpKind   kind,
             GError **error)
{
  g_autoptr(GArray) codes = query_ids (w, "SELECT id FROM code ORDER BY id");
  g_autoptr(GArray) dimensions = query_ids (w, "SELECT id FROM dimension ORDER BY id");
  g_autofree char *name = g_strdup_printf ("c-%u", w->op);
  g_autofree char *color = random_color (w);
  gint64 code = pick (w, codes);

  switch (kind)
    {
    case OP_ADD_CODE:
      {
        gint64 dimension = pick (w, dimensions);
        gint64 parent = 0;
        g_autoptr(GlossCode) other = NULL;

        if (dimension == 0)
          return TRUE;
        /* Half the time under an existing code of that dimension. */
        if (code != 0 && g_rand_boolean (w->rand))
          {
            other = gloss_project_get_code (w->project, code, error);
            if (other == NULL)
              return FALSE;
            dimension = other->dimension;
            parent = other->id;
          }
        return gloss_project_add_code (w->project, dimension, parent, name, color, name, NULL,
                                       error) > 0;
      }
    case OP_UPDATE_CODE:
      if (code == 0)
        return TRUE;
      return gloss_project_update_code (w->project, code, name, color, name, NULL, error);
    case OP_MOVE_CODE:
      {
        gint64 parent = pick (w, codes);
        g_autoptr(GlossCode) moved = NULL;
        g_autoptr(GlossCode) target = NULL;

        if (code == 0 || parent == 0)
          return TRUE;
        moved = gloss_project_get_code (w->project, code, error);
        target = moved != NULL ? gloss_project_get_code (w->project, parent, error) : NULL;
        if (target == NULL)
          return FALSE;
        /* Top level when the other code is in another dimension. */
        if (target->dimension != moved->dimension)
          parent = 0;
        return gloss_project_move_code (w->project, code, parent,
                                        g_rand_int_range (w->rand, 0, 3), error);
      }
    case OP_DELETE_CODE:
      if (code == 0)
        return TRUE;
      return gloss_project_delete_code (w->project, code, TRUE, NULL, error);
    case OP_MERGE_CODES:
      {
        gint64 into = pick (w, codes);

        if (code == 0 || into == 0)
          return TRUE;
        return gloss_project_merge_codes (w->project, code, into, NULL, error);
      }
    case OP_ADD_DIMENSION:
      return gloss_project_add_dimension (w->project, name, GLOSS_DIMENSION_OTHER,
                                          g_rand_boolean (w->rand), GLOSS_LEVEL_NOMINAL,
                                          error) > 0;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
do_document (Writer  *w,
             GError **error)
{
  gint64 length;
  gint64 document = pick_document (w, &length);
  g_autofree char *value = g_strdup_printf ("op-%u", w->op);

  if (g_rand_boolean (w->rand))
    return gloss_project_rename_document (w->project, document, value, error);
  return gloss_project_set_attribute (w->project, document, "marker", value, error);
}

static OpKind
pick_kind (Writer *w)
{
  guint total = 0, r;

  for (guint i = 0; i < N_OPS; i++)
    total += ops[i].weight;
  r = g_rand_int_range (w->rand, 0, total);
  for (guint i = 0; i < N_OPS; i++)
    {
      if (r < ops[i].weight)
        return i;
      r -= ops[i].weight;
    }
  g_assert_not_reached ();
}

static gboolean
perform (Writer  *w,
         OpKind   kind,
         GError **error)
{
  switch (kind)
    {
    case OP_ADD:
      return do_add (w, error);
    case OP_ADD_BULK:
      return do_add_bulk (w, error);
    case OP_NOTE:
    case OP_SPAN:
    case OP_CODES:
    case OP_DELETE:
    case OP_REVIEW:
      return do_annotation_edit (w, kind, error);
    case OP_ADD_CODE:
    case OP_UPDATE_CODE:
    case OP_MOVE_CODE:
    case OP_DELETE_CODE:
    case OP_MERGE_CODES:
    case OP_ADD_DIMENSION:
      return do_codebook (w, kind, error);
    case OP_DOCUMENT:
      return do_document (w, error);
    case OP_UNDO:
      return !gloss_project_can_undo (w->project) || gloss_project_undo (w->project, error);
    case OP_REDO:
      return !gloss_project_can_redo (w->project) || gloss_project_redo (w->project, error);
    case N_OPS:
    default:
      g_assert_not_reached ();
    }
}

static int
run_ops (const char *path,
         guint32     seed,
         guint       n)
{
  g_autoptr(GError) error = NULL;
  Writer w = { 0 };
  const char *split = g_getenv ("GLOSS_TEST_SPLIT_TRANSACTIONS");

  w.split = split != NULL && g_str_equal (split, "1");
  w.rand = g_rand_new_with_seed (seed);
  w.project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &error);
  if (w.project == NULL)
    die ("open", error);

  for (w.op = 1; n == 0 || w.op <= n; w.op++)
    {
      OpKind kind = pick_kind (&w);
      g_autoptr(GError) op_error = NULL;
      g_autofree char *digest = NULL;
      g_autofree char *result = NULL;

      printf ("begin %u %s\n", w.op, ops[kind].name);
      fflush (stdout);

      if (perform (&w, kind, &op_error))
        result = g_strdup ("ok");
      else if (op_error == NULL)
        die (ops[kind].name, NULL);
      else if (op_error->domain == GLOSS_PROJECT_ERROR &&
               (op_error->code == GLOSS_PROJECT_ERROR_INVALID ||
                op_error->code == GLOSS_PROJECT_ERROR_CONFLICT ||
                op_error->code == GLOSS_PROJECT_ERROR_IN_USE))
        /* Refused by the rules (a clash of names, a move into a descendant,
         * an undo that met a later change): nothing was changed. */
        result = g_strdup_printf ("refused:%d", op_error->code);
      else
        die (ops[kind].name, op_error);

      digest = crash_dump_digest (_gloss_project_get_db (w.project), NULL, &error);
      if (digest == NULL)
        die ("dump", error);
      printf ("done %u %s %s\n", w.op, digest, result);
      fflush (stdout);
    }

  g_object_unref (w.project);
  g_rand_free (w.rand);
  return 0;
}

/* A merge through the engine, for the harness to kill. */
static int
run_merge (const char *target,
           const char *source)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = gloss_project_open (target, GLOSS_OPEN_DEFAULT, &error);
  g_auto(GlossMergeReport) report = { 0 };
  const char *sources[] = { source, NULL };

  if (project == NULL)
    die ("open", error);
  if (!gloss_merge (project, sources, FALSE, &report, NULL, &error))
    die ("merge", error);
  printf ("merged %u added, %u updated\n", report.added, report.updated);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  if (argc == 5 && g_str_equal (argv[1], "ops"))
    return run_ops (argv[2], (guint32) g_ascii_strtoull (argv[3], NULL, 10),
                    (guint) g_ascii_strtoull (argv[4], NULL, 10));
  if (argc == 4 && g_str_equal (argv[1], "merge"))
    return run_merge (argv[2], argv[3]);

  g_printerr ("usage: crash-writer ops FILE SEED N\n"
              "       crash-writer merge TARGET SOURCE\n");
  return 1;
}
