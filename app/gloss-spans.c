/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-spans"

#include "config.h"

#include "gloss-spans.h"

#include "gloss-autocleanups.h"
#include "gloss-project-private.h"

/* What the window needs to draw a document's annotations, read lean: a
 * long transcript has a hundred thousand annotations, and drawing them
 * needs their ranges and codes only, and the codes' names and colours.
 * Full records are read one at a time with gloss_project_get_annotation()
 * when someone looks at one. */

/**
 * gloss_project_list_spans:
 * @document: a document id
 * @from: the first start wanted
 * @to: the start after the last one wanted; a long document is read in
 *   steps of [@from, @to)
 *
 * Lists the live annotations of @document that start in [@from, @to),
 * one row per code (an annotation without codes gives one row with code
 * 0).  Every annotation falls in exactly one step, so the steps of a
 * document together list each annotation once.
 *
 * Returns: (transfer full) (element-type GlossSpanRow): the rows, by
 *   start, then annotation, then code; %NULL with @error set when the
 *   file could not be read
 */
GArray *
gloss_project_list_spans (GlossProject  *self,
                          gint64         document,
                          gint64         from,
                          gint64         to,
                          GError       **error)
{
  /* The document index orders by start and then by id, so no sort runs. */
  static const char sql[] =
    "SELECT a.id, a.start, a.\"end\", ifnull (ac.code, 0)"
    " FROM annotation a LEFT JOIN annotation_code ac ON ac.annotation = a.id"
    " WHERE a.document = ?1 AND a.start >= ?2 AND a.start < ?3 AND a.deleted = 0"
    " ORDER BY a.start, a.id, ac.code";
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) rows = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (GLOSS_IS_PROJECT (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = _gloss_project_get_db (self);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      _gloss_project_fail (self, "spans", error);
      return NULL;
    }

  sqlite3_bind_int64 (stmt, 1, document);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, to);

  rows = g_array_new (FALSE, FALSE, sizeof (GlossSpanRow));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GlossSpanRow row;

      row.annotation = sqlite3_column_int64 (stmt, 0);
      row.start = sqlite3_column_int64 (stmt, 1);
      row.end = sqlite3_column_int64 (stmt, 2);
      row.code = sqlite3_column_int64 (stmt, 3);
      g_array_append_val (rows, row);
    }
  if (rc != SQLITE_DONE)
    {
      _gloss_project_fail (self, "spans", error);
      return NULL;
    }

  return g_steal_pointer (&rows);
}

/**
 * gloss_project_list_codes_uncounted:
 *
 * The codebook as gloss_project_list_codes() lists it, without counting
 * each code's annotations (n_annotations is -1): counting passes over
 * every annotation, and drawing them needs names and colours only.
 *
 * Returns: (transfer full) (element-type GlossCode): the codes, in tree
 *   order; %NULL with @error set
 */
GPtrArray *
gloss_project_list_codes_uncounted (GlossProject  *self,
                                    GError       **error)
{
  g_return_val_if_fail (GLOSS_IS_PROJECT (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _gloss_project_list_codes_uncounted (self, error);
}
