/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A test VFS that simulates power cuts and I/O faults: see faultvfs.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "faultvfs.h"

typedef struct
{
  char     *path;
  char     *dir;
  gboolean  exists;          /* now */
  gboolean  durable_exists;  /* after a power cut */
  GBytes   *durable;         /* contents after a power cut; NULL: empty */
} Tracked;

typedef struct
{
  sqlite3_file  base;
  sqlite3_file *real;        /* the unix VFS's file, allocated right after this struct */
  Tracked      *tracked;     /* NULL for temporary files */
  gboolean      dirsync;     /* the first sync also syncs the directory */
} FaultFile;

/* Keeps the real file, placed after FaultFile, aligned. */
#define FAULT_FILE_SIZE ((sizeof (FaultFile) + 15) & ~(gsize) 15)

static struct
{
  sqlite3_vfs    vfs;
  sqlite3_vfs   *real;
  GMutex         lock;
  GHashTable    *files;      /* path → Tracked */
  guint          mutations;
  guint          cut_at;     /* absolute mutation number; 0: none */
  gboolean       crash;      /* at cut_at, die without losing anything */
  guint          fault_at;
  FaultvfsFault  fault;
  gboolean       disk_full;
  gboolean       dead;
  guint          refused;
} fv;

static void
tracked_free (Tracked *t)
{
  g_free (t->path);
  g_free (t->dir);
  g_clear_pointer (&t->durable, g_bytes_unref);
  g_free (t);
}

static GBytes *
read_now (const char *path)
{
  char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return NULL;
  return g_bytes_new_take (contents, len);
}

/* Called with the lock held. */
static Tracked *
track (const char *path)
{
  Tracked *t = g_hash_table_lookup (fv.files, path);

  if (t == NULL)
    {
      t = g_new0 (Tracked, 1);
      t->path = g_strdup (path);
      t->dir = g_path_get_dirname (path);
      t->exists = g_file_test (path, G_FILE_TEST_EXISTS);
      /* What was there before SQLite touched it counts as on the disk. */
      t->durable_exists = t->exists;
      t->durable = t->exists ? read_now (path) : NULL;
      g_hash_table_insert (fv.files, t->path, t);
    }
  return t;
}

/* A directory sync: the existence of every file in @dir is now durable. */
static void
sync_directory (const char *dir)
{
  GHashTableIter iter;
  Tracked *t;

  g_hash_table_iter_init (&iter, fv.files);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &t))
    if (g_str_equal (t->dir, dir))
      {
        t->durable_exists = t->exists;
        if (!t->exists)
          g_clear_pointer (&t->durable, g_bytes_unref);
      }
}

static void
write_image (const char *path,
             GBytes     *image)
{
  gsize len = 0;
  const guint8 *data = image != NULL ? g_bytes_get_data (image, &len) : NULL;
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  gsize done = 0;

  if (fd < 0)
    g_error ("faultvfs: cannot restore %s: %s", path, g_strerror (errno));
  while (done < len)
    {
      gssize n = write (fd, data + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        g_error ("faultvfs: cannot restore %s: %s", path, g_strerror (errno));
      done += n;
    }
  close (fd);
}

/* Called with the lock held: every file back to its durable image. */
static void
cut_locked (void)
{
  GHashTableIter iter;
  Tracked *t;

  g_hash_table_iter_init (&iter, fv.files);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &t))
    {
      if (t->durable_exists)
        write_image (t->path, t->durable);
      else if (g_file_test (t->path, G_FILE_TEST_EXISTS))
        g_unlink (t->path);
      t->exists = t->durable_exists;
    }
  fv.dead = TRUE;
  fv.cut_at = 0;
}

/* Before a call that changes a file: SQLITE_OK to go ahead, else the code
 * to fail with (@ioerr for this kind of call). */
static int
before_mutation (int      ioerr,
                 gboolean is_write)
{
  int rc = SQLITE_OK;

  g_mutex_lock (&fv.lock);
  if (fv.dead)
    rc = ioerr;
  else
    {
      fv.mutations++;
      if (fv.cut_at != 0 && fv.mutations >= fv.cut_at)
        {
          if (fv.crash)
            {
              fv.dead = TRUE;
              fv.cut_at = 0;
            }
          else
            cut_locked ();
          rc = ioerr;
        }
      else if (fv.fault_at != 0 && fv.mutations >= fv.fault_at)
        {
          if (fv.fault == FAULTVFS_EIO)
            {
              fv.fault_at = 0;
              rc = ioerr;
            }
          else if (is_write)
            {
              fv.fault_at = 0;
              fv.disk_full = TRUE;
            }
        }
      if (rc == SQLITE_OK && fv.disk_full && is_write)
        rc = SQLITE_FULL;
    }
  if (rc != SQLITE_OK)
    fv.refused++;
  g_mutex_unlock (&fv.lock);

  /* As the unix VFS leaves it: SQLite reports it (sqlite3_system_errno). */
  if (rc == SQLITE_FULL)
    errno = ENOSPC;
  else if (rc != SQLITE_OK)
    errno = EIO;

  return rc;
}

static gboolean
is_dead (void)
{
  gboolean dead;

  g_mutex_lock (&fv.lock);
  dead = fv.dead;
  if (dead)
    fv.refused++;
  g_mutex_unlock (&fv.lock);
  if (dead)
    errno = EIO;
  return dead;
}

/* ------------------------------------------------------------------------
 * sqlite3_io_methods
 * ------------------------------------------------------------------------ */

static int
fv_close (sqlite3_file *file)
{
  FaultFile *f = (FaultFile *) file;

  return f->real->pMethods->xClose (f->real);
}

static int
fv_read (sqlite3_file   *file,
         void           *buffer,
         int             amount,
         sqlite3_int64   offset)
{
  FaultFile *f = (FaultFile *) file;

  if (is_dead ())
    return SQLITE_IOERR_READ;
  return f->real->pMethods->xRead (f->real, buffer, amount, offset);
}

static int
fv_write (sqlite3_file   *file,
          const void     *buffer,
          int             amount,
          sqlite3_int64   offset)
{
  FaultFile *f = (FaultFile *) file;
  int rc = before_mutation (SQLITE_IOERR_WRITE, TRUE);

  if (rc != SQLITE_OK)
    return rc;
  return f->real->pMethods->xWrite (f->real, buffer, amount, offset);
}

static int
fv_truncate (sqlite3_file  *file,
             sqlite3_int64  size)
{
  FaultFile *f = (FaultFile *) file;
  int rc = before_mutation (SQLITE_IOERR_TRUNCATE, FALSE);

  if (rc != SQLITE_OK)
    return rc;
  return f->real->pMethods->xTruncate (f->real, size);
}

static int
fv_sync (sqlite3_file *file,
         int           flags)
{
  FaultFile *f = (FaultFile *) file;
  int rc = before_mutation (SQLITE_IOERR_FSYNC, FALSE);

  if (rc != SQLITE_OK)
    return rc;
  rc = f->real->pMethods->xSync (f->real, flags);
  if (rc == SQLITE_OK && f->tracked != NULL)
    {
      g_autoptr(GBytes) image = read_now (f->tracked->path);

      g_mutex_lock (&fv.lock);
      g_clear_pointer (&f->tracked->durable, g_bytes_unref);
      f->tracked->durable = g_steal_pointer (&image);
      if (f->dirsync)
        {
          sync_directory (f->tracked->dir);
          f->dirsync = FALSE;
        }
      g_mutex_unlock (&fv.lock);
    }
  return rc;
}

static int
fv_file_size (sqlite3_file  *file,
              sqlite3_int64 *size)
{
  FaultFile *f = (FaultFile *) file;

  return f->real->pMethods->xFileSize (f->real, size);
}

static int
fv_lock (sqlite3_file *file,
         int           level)
{
  FaultFile *f = (FaultFile *) file;

  return f->real->pMethods->xLock (f->real, level);
}

static int
fv_unlock (sqlite3_file *file,
           int           level)
{
  FaultFile *f = (FaultFile *) file;

  return f->real->pMethods->xUnlock (f->real, level);
}

static int
fv_check_reserved_lock (sqlite3_file *file,
                        int          *out)
{
  FaultFile *f = (FaultFile *) file;

  return f->real->pMethods->xCheckReservedLock (f->real, out);
}

static int
fv_file_control (sqlite3_file *file,
                 int           op,
                 void         *arg)
{
  FaultFile *f = (FaultFile *) file;

  return f->real->pMethods->xFileControl (f->real, op, arg);
}

static int
fv_sector_size (sqlite3_file *file)
{
  FaultFile *f = (FaultFile *) file;

  return f->real->pMethods->xSectorSize (f->real);
}

static int
fv_device_characteristics (sqlite3_file *file)
{
  FaultFile *f = (FaultFile *) file;

  return f->real->pMethods->xDeviceCharacteristics (f->real);
}

/* Version 1: no shared memory (Gloss uses journal_mode=DELETE), no mmap,
 * so every read and write passes through here. */
static const sqlite3_io_methods fv_io_methods = {
  1,
  fv_close,
  fv_read,
  fv_write,
  fv_truncate,
  fv_sync,
  fv_file_size,
  fv_lock,
  fv_unlock,
  fv_check_reserved_lock,
  fv_file_control,
  fv_sector_size,
  fv_device_characteristics,
  NULL, NULL, NULL, NULL, NULL, NULL,
};

/* ------------------------------------------------------------------------
 * sqlite3_vfs
 * ------------------------------------------------------------------------ */

static int
fv_open (sqlite3_vfs      *vfs,
         sqlite3_filename  name,
         sqlite3_file     *file,
         int               flags,
         int              *out_flags)
{
  FaultFile *f = (FaultFile *) file;
  int rc;

  memset (f, 0, sizeof *f);
  f->real = (sqlite3_file *) ((char *) file + FAULT_FILE_SIZE);

  if (is_dead ())
    return SQLITE_IOERR;

  if (name != NULL && !(flags & SQLITE_OPEN_DELETEONCLOSE))
    {
      g_mutex_lock (&fv.lock);
      f->tracked = track (name);
      g_mutex_unlock (&fv.lock);
    }

  rc = fv.real->xOpen (fv.real, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK)
    {
      f->real->pMethods = NULL;
      return rc;
    }

  if (f->tracked != NULL)
    {
      g_mutex_lock (&fv.lock);
      f->tracked->exists = TRUE;
      g_mutex_unlock (&fv.lock);
    }
  /* As the unix VFS does: a journal it creates gets its directory synced
   * at its first sync. */
  f->dirsync = (flags & SQLITE_OPEN_CREATE) &&
               (flags & (SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_SUPER_JOURNAL | SQLITE_OPEN_WAL));
  f->base.pMethods = &fv_io_methods;
  return SQLITE_OK;
}

static int
fv_delete (sqlite3_vfs *vfs,
           const char  *name,
           int          dir_sync)
{
  Tracked *t;
  int rc = before_mutation (SQLITE_IOERR_DELETE, FALSE);

  if (rc != SQLITE_OK)
    return rc;

  g_mutex_lock (&fv.lock);
  t = track (name);
  g_mutex_unlock (&fv.lock);

  rc = fv.real->xDelete (fv.real, name, dir_sync);
  if (rc == SQLITE_OK)
    {
      g_mutex_lock (&fv.lock);
      t->exists = FALSE;
      if (dir_sync)
        sync_directory (t->dir);
      g_mutex_unlock (&fv.lock);
    }
  return rc;
}

static int
fv_access (sqlite3_vfs *vfs,
           const char  *name,
           int          flags,
           int         *out)
{
  return fv.real->xAccess (fv.real, name, flags, out);
}

static int
fv_full_pathname (sqlite3_vfs *vfs,
                  const char  *name,
                  int          n_out,
                  char        *out)
{
  return fv.real->xFullPathname (fv.real, name, n_out, out);
}

static int
fv_randomness (sqlite3_vfs *vfs,
               int          n,
               char        *out)
{
  return fv.real->xRandomness (fv.real, n, out);
}

static int
fv_sleep (sqlite3_vfs *vfs,
          int          microseconds)
{
  return fv.real->xSleep (fv.real, microseconds);
}

static int
fv_current_time (sqlite3_vfs *vfs,
                 double      *out)
{
  return fv.real->xCurrentTime (fv.real, out);
}

static int
fv_get_last_error (sqlite3_vfs *vfs,
                   int          n,
                   char        *out)
{
  return fv.real->xGetLastError (fv.real, n, out);
}

static int
fv_current_time_int64 (sqlite3_vfs   *vfs,
                       sqlite3_int64 *out)
{
  return fv.real->xCurrentTimeInt64 (fv.real, out);
}

/* ------------------------------------------------------------------------
 * Control
 * ------------------------------------------------------------------------ */

void
faultvfs_install (void)
{
  if (fv.real == NULL)
    {
      fv.real = sqlite3_vfs_find ("unix");
      if (fv.real == NULL)
        g_error ("faultvfs: SQLite has no \"unix\" VFS");
      fv.files = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify) tracked_free);
      fv.vfs.iVersion = 2;
      fv.vfs.szOsFile = (int) (FAULT_FILE_SIZE + fv.real->szOsFile);
      fv.vfs.mxPathname = fv.real->mxPathname;
      fv.vfs.zName = "faultvfs";
      fv.vfs.xOpen = fv_open;
      fv.vfs.xDelete = fv_delete;
      fv.vfs.xAccess = fv_access;
      fv.vfs.xFullPathname = fv_full_pathname;
      fv.vfs.xDlOpen = NULL;
      fv.vfs.xDlError = NULL;
      fv.vfs.xDlSym = NULL;
      fv.vfs.xDlClose = NULL;
      fv.vfs.xRandomness = fv_randomness;
      fv.vfs.xSleep = fv_sleep;
      fv.vfs.xCurrentTime = fv_current_time;
      fv.vfs.xGetLastError = fv_get_last_error;
      fv.vfs.xCurrentTimeInt64 = fv_current_time_int64;
      if (sqlite3_vfs_register (&fv.vfs, 1) != SQLITE_OK)
        g_error ("faultvfs: cannot register the VFS");
    }
  faultvfs_reset ();
}

void
faultvfs_reset (void)
{
  g_mutex_lock (&fv.lock);
  g_hash_table_remove_all (fv.files);
  fv.mutations = 0;
  fv.cut_at = 0;
  fv.crash = FALSE;
  fv.fault_at = 0;
  fv.disk_full = FALSE;
  fv.dead = FALSE;
  fv.refused = 0;
  g_mutex_unlock (&fv.lock);
}

guint
faultvfs_get_mutations (void)
{
  guint n;

  g_mutex_lock (&fv.lock);
  n = fv.mutations;
  g_mutex_unlock (&fv.lock);
  return n;
}

void
faultvfs_schedule_cut (guint n)
{
  g_return_if_fail (n >= 1);

  g_mutex_lock (&fv.lock);
  fv.cut_at = fv.mutations + n;
  fv.crash = FALSE;
  g_mutex_unlock (&fv.lock);
}

void
faultvfs_schedule_crash (guint n)
{
  g_return_if_fail (n >= 1);

  g_mutex_lock (&fv.lock);
  fv.cut_at = fv.mutations + n;
  fv.crash = TRUE;
  g_mutex_unlock (&fv.lock);
}

void
faultvfs_cut_now (void)
{
  g_mutex_lock (&fv.lock);
  if (!fv.dead)
    cut_locked ();
  g_mutex_unlock (&fv.lock);
}

gboolean
faultvfs_is_dead (void)
{
  gboolean dead;

  g_mutex_lock (&fv.lock);
  dead = fv.dead;
  g_mutex_unlock (&fv.lock);
  return dead;
}

void
faultvfs_power_on (void)
{
  g_mutex_lock (&fv.lock);
  /* After the reboot what is on the disk is all there is. */
  g_hash_table_remove_all (fv.files);
  fv.dead = FALSE;
  fv.cut_at = 0;
  fv.fault_at = 0;
  fv.disk_full = FALSE;
  g_mutex_unlock (&fv.lock);
}

void
faultvfs_schedule_fault (guint         n,
                         FaultvfsFault fault)
{
  g_return_if_fail (n >= 1);

  g_mutex_lock (&fv.lock);
  fv.fault_at = fv.mutations + n;
  fv.fault = fault;
  g_mutex_unlock (&fv.lock);
}

void
faultvfs_clear_faults (void)
{
  g_mutex_lock (&fv.lock);
  fv.fault_at = 0;
  fv.disk_full = FALSE;
  g_mutex_unlock (&fv.lock);
}

guint
faultvfs_get_refused (void)
{
  guint n;

  g_mutex_lock (&fv.lock);
  n = fv.refused;
  g_mutex_unlock (&fv.lock);
  return n;
}
