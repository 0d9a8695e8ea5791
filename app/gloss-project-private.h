/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "gloss-project.h"

G_BEGIN_DECLS

/* For the engine's own importers, exporters and merge: raw access inside a
 * tracked write.  _gloss_project_begin() starts a write transaction (BEGIN
 * IMMEDIATE) with a session recording every change for undo and the change
 * log; _gloss_project_commit() records it under @action and commits;
 * _gloss_project_rollback() undoes everything since begin.  Between them
 * use _gloss_project_get_db() with prepared statements and bound values
 * only.  Readers may use the db at any time outside a write. */
sqlite3  *_gloss_project_get_db    (GlossProject  *self);
gboolean  _gloss_project_begin     (GlossProject  *self,
                                    GError       **error);
gboolean  _gloss_project_commit    (GlossProject  *self,
                                    const char    *action,
                                    GError       **error);
void      _gloss_project_rollback  (GlossProject  *self);
/* A write that records no changeset: for bulk imports whose changeset would
 * not fit in memory.  It is logged, cannot be undone, and ends the undo
 * history; callers make a backup copy first. */
gboolean  _gloss_project_begin_untracked (GlossProject  *self,
                                          GError       **error);
/* Sets @error from the connection's last SQLite error, with @what as context. */
gboolean  _gloss_project_fail      (GlossProject  *self,
                                    const char    *what,
                                    GError       **error);
/* Inside a write: the annotator row for @name, created when missing. */
gint64    _gloss_project_ensure_annotator (GlossProject *self,
                                           const char   *name,
                                           const char   *uuid,
                                           GError      **error);
/* The codebook with n_annotations -1 (counting reads every annotation). */
GPtrArray *_gloss_project_list_codes_uncounted (GlossProject  *self,
                                                GError       **error);
/* The documents with n_annotations -1. */
GPtrArray *_gloss_project_list_documents_uncounted (GlossProject  *self,
                                                   GError       **error);
/* Sets a connection's PRAGMA cache_size, returning the one it had. */
gint64    _gloss_db_swap_cache_size (sqlite3 *db,
                                     gint64   cache_size);
/* Whether the open trusted the file's check stamp instead of checking it. */
gboolean  _gloss_project_opened_on_stamp (GlossProject *self);
/* Inside a write: keep the span index in step after writing annotation rows. */
gboolean  _gloss_project_sync_span (GlossProject  *self,
                                    gint64         annotation,
                                    GError       **error);

G_END_DECLS
