/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An SQLite VFS for tests, wrapping SQLite's "unix" VFS, that knows which
 * writes have reached the disk and can lose the others, or fail.
 *
 * It follows every named file SQLite opens, deletes or syncs:
 *  - a file's contents are durable as of its last xSync;
 *  - a file's existence (creation, deletion) is durable once its directory
 *    is synced: SQLite's unix VFS syncs the directory at a new journal's
 *    first xSync, and at xDelete when asked to (dirSync, which SQLite asks
 *    for only under PRAGMA synchronous = EXTRA);
 *  - a file that existed before SQLite first touched it counts as durable.
 *
 * A power cut puts every followed file back to its durable image (and
 * brings back deleted files whose deletion was not durable), then refuses
 * every further read, write, sync and delete, as a dead machine would,
 * until faultvfs_power_on().
 *
 * "Mutations" are the calls that change files: xWrite, xTruncate, xSync,
 * xDelete.  A cut or a fault is scheduled at the Nth mutation from now. */

typedef enum
{
  FAULTVFS_EIO,        /* that one call fails: SQLITE_IOERR_WRITE, _FSYNC, _TRUNCATE, _DELETE */
  FAULTVFS_DISK_FULL,  /* that write and every later one fails with SQLITE_FULL */
} FaultvfsFault;

/* Registers the VFS as SQLite's default (once); resets all state. */
void      faultvfs_install         (void);
/* Forgets followed files, counts, scheduled cuts and faults. */
void      faultvfs_reset           (void);
/* Mutations since the last reset. */
guint     faultvfs_get_mutations   (void);
/* Cuts the power instead of performing the @n-th mutation from now (n ≥ 1). */
void      faultvfs_schedule_cut    (guint         n);
void      faultvfs_cut_now         (void);
/* The process dies instead of performing the @n-th mutation from now:
 * nothing more reaches the files, but nothing is lost either (what was
 * written stays, as after SIGKILL).  faultvfs_power_on() ends it. */
void      faultvfs_schedule_crash  (guint         n);
gboolean  faultvfs_is_dead         (void);
/* After a cut: the machine boots again; the files are what the cut left. */
void      faultvfs_power_on        (void);
/* Makes the @n-th mutation from now fail (a write, for DISK_FULL: the
 * n-th mutation that is a write). */
void      faultvfs_schedule_fault  (guint         n,
                                    FaultvfsFault fault);
void      faultvfs_clear_faults    (void);
/* How many calls a fault or a dead machine refused. */
guint     faultvfs_get_refused     (void);

G_END_DECLS
