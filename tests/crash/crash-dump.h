/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* A logical dump of a project: every row of every table, leaving out only
 * what differs between two runs of the same operations (random uuids,
 * clock times, change-log blobs).  Two files with equal dumps hold the same
 * work.  Returns the SHA-256 of the dump; with @dump, the dump itself. */
char     *crash_dump_digest      (sqlite3     *db,
                                  GString     *dump,
                                  GError     **error);
/* The same for a file, opened read-only behind Gloss's back (the caller
 * opens it through Gloss first, so a hot journal is already rolled back). */
char     *crash_dump_file_digest (const char  *path,
                                  GString     *dump,
                                  GError     **error);
/* PRAGMA integrity_check on a file: TRUE when it answers "ok". */
gboolean  crash_integrity_ok     (const char  *path,
                                  char       **answer);
char     *crash_file_sha256      (const char  *path);
/* A -journal SQLite ignores: empty, or with its magic and record count
 * still zero (under synchronous=FULL or EXTRA they are written only once
 * the records are synced, before the database itself is touched).  A
 * crash can leave one; the next write transaction overwrites it. */
gboolean  crash_journal_is_stale (const char  *path);

G_END_DECLS
