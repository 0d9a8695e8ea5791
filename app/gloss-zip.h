/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Safe reading and writing of zip containers (.qdpx, .docx, .odt) through
 * libarchive.  Reading is eager and bounded: every entry is checked and read
 * into memory at open, so a file that lies is refused before anything uses it. */

#define GLOSS_ZIP_ERROR (gloss_zip_error_quark ())

typedef enum
{
  GLOSS_ZIP_ERROR_NOT_ZIP,      /* not a zip archive at all */
  GLOSS_ZIP_ERROR_CORRUPT,      /* damaged, or a header lies about a size */
  GLOSS_ZIP_ERROR_UNSAFE_PATH,  /* absolute path, "..", backslash tricks */
  GLOSS_ZIP_ERROR_SYMLINK,      /* a link or other non-regular entry */
  GLOSS_ZIP_ERROR_DUPLICATE,    /* two entries with the same name */
  GLOSS_ZIP_ERROR_TOO_LARGE,    /* over the per-entry or total cap, or a bomb */
  GLOSS_ZIP_ERROR_MISSING,      /* gloss_zip_get(): no such entry */
  GLOSS_ZIP_ERROR_IO,
} GlossZipError;

GQuark gloss_zip_error_quark (void);

typedef struct
{
  gsize max_entry_size;   /* uncompressed bytes in one entry */
  gsize max_total_size;   /* uncompressed bytes in all entries */
  guint max_entries;
  guint max_ratio;        /* uncompressed / compressed, per entry */
} GlossZipLimits;

/* 64 MiB per entry, 512 MiB in all, 100,000 entries, ratio 200 */
#define GLOSS_ZIP_LIMITS_DEFAULT { 64u << 20, 512u << 20, 100000, 200 }

typedef struct _GlossZip GlossZip;

GlossZip    *gloss_zip_open   (const char           *path,
                               const GlossZipLimits *limits,
                               GError              **error);
void         gloss_zip_free   (GlossZip             *zip);
/* Entry names in archive order. (transfer none) */
const char *const *gloss_zip_list (GlossZip         *zip);
/* (transfer full) the entry's bytes; name matched exactly, or ignoring
 * ASCII case with @ignore_case */
GBytes      *gloss_zip_get    (GlossZip             *zip,
                               const char           *name,
                               gboolean              ignore_case,
                               GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlossZip, gloss_zip_free)

typedef struct _GlossZipWriter GlossZipWriter;

/* Writes to a temporary file beside @path; finish renames it into place. */
GlossZipWriter *gloss_zip_writer_new    (const char     *path,
                                         GError        **error);
gboolean        gloss_zip_writer_add    (GlossZipWriter *writer,
                                         const char     *name,
                                         const void     *data,
                                         gsize           len,
                                         GError        **error);
gboolean        gloss_zip_writer_finish (GlossZipWriter *writer,
                                         GError        **error);
/* Frees; without finish the temporary file is removed and @path untouched. */
void            gloss_zip_writer_free   (GlossZipWriter *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlossZipWriter, gloss_zip_writer_free)

G_END_DECLS
