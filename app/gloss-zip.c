/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-zip"

#include "config.h"

#include "gloss-zip.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>

G_DEFINE_QUARK (gloss-zip-error-quark, gloss_zip_error)

/* The compression ratio is judged once an entry has given this much:
 * small files of repeated bytes compress very well and harm nobody. */
#define RATIO_GRACE_BYTES (1024 * 1024)

#define READ_CHUNK (64 * 1024)

struct _GlossZip
{
  GPtrArray  *names;      /* (element-type utf8), NULL-terminated, archive order */
  GPtrArray  *contents;   /* (element-type GBytes), same order */
  GHashTable *by_name;    /* name → index + 1 */
  GHashTable *by_folded;  /* ASCII-lowered name → index + 1 */
};

/* libarchive turns entry names into the current locale's charset.  Gloss
 * wants UTF-8 whatever the user's locale is (and a program that never
 * called setlocale() runs in "C", where any non-ASCII name fails), so
 * libarchive runs in a UTF-8 locale for this thread while it works. */
typedef struct
{
  locale_t utf8;
  locale_t previous;
} LocaleScope;

static void
locale_scope_enter (LocaleScope *scope)
{
  scope->utf8 = newlocale (LC_CTYPE_MASK, "C.UTF-8", (locale_t) 0);
  scope->previous = scope->utf8 != (locale_t) 0 ? uselocale (scope->utf8) : (locale_t) 0;
}

static void
locale_scope_leave (LocaleScope *scope)
{
  if (scope->utf8 != (locale_t) 0)
    {
      uselocale (scope->previous);
      freelocale (scope->utf8);
    }
  scope->utf8 = (locale_t) 0;
}

/*
 * An entry name Gloss accepts, reading or writing: a relative path in
 * UTF-8 with "/" between non-empty components, none of them "." or "..",
 * no backslash, no drive letter, no control character.  A trailing "/"
 * (a folder entry) is allowed.  libarchive already reads "\" in zip names
 * as "/", so "..\x" arrives here as "../x" and is refused as such.
 */
static gboolean
check_entry_name (const char  *archive_name,
                  const char  *name,
                  GError     **error)
{
  const char *why = NULL;
  g_autofree char *shown = NULL;

  if (name == NULL || *name == '\0')
    why = "it has no name";
  else if (!g_utf8_validate (name, -1, NULL))
    why = "its name is not valid UTF-8 text";
  else if (name[0] == '/')
    why = "it is an absolute path";
  else if (strchr (name, '\\') != NULL)
    why = "its name holds a backslash";
  else if (g_ascii_isalpha (name[0]) && name[1] == ':')
    why = "its name starts with a drive letter";
  else
    {
      for (const char *p = name; *p != '\0'; p++)
        if ((guchar) *p < 0x20 || *p == 0x7F)
          {
            why = "its name holds a control character";
            break;
          }
    }

  if (why == NULL)
    {
      g_auto(GStrv) parts = g_strsplit (name, "/", -1);
      guint n = g_strv_length (parts);

      for (guint i = 0; i < n && why == NULL; i++)
        {
          gboolean last = (i + 1 == n);

          if (strcmp (parts[i], "..") == 0)
            why = "its name goes up a folder with “..”";
          else if (strcmp (parts[i], ".") == 0)
            why = "its name holds a “.” component";
          else if (parts[i][0] == '\0' && !(last && i > 0))
            why = "its name holds an empty component (“//”)";
        }
    }

  if (why == NULL)
    return TRUE;

  /* Shown to a person: invalid bytes and controls become U+FFFD */
  shown = name != NULL ? g_utf8_make_valid (name, -1) : g_strdup ("");
  {
    GString *clean = g_string_new (NULL);

    for (const char *p = shown; *p != '\0'; p = g_utf8_next_char (p))
      {
        gunichar c = g_utf8_get_char (p);

        g_string_append_unichar (clean, g_unichar_iscntrl (c) ? 0xFFFD : c);
      }
    g_free (shown);
    shown = g_string_free (clean, FALSE);
  }
  g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_UNSAFE_PATH,
               "“%s” was refused: it holds an entry “%s” whose place is unsafe "
               "(%s). Nothing was read from it; ask for a copy made by the "
               "program that wrote it.", archive_name, shown, why);
  return FALSE;
}

static void
gloss_zip_init_tables (GlossZip *self)
{
  self->names = g_ptr_array_new_with_free_func (g_free);
  self->contents = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->by_folded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

void
gloss_zip_free (GlossZip *zip)
{
  if (zip == NULL)
    return;

  g_clear_pointer (&zip->by_name, g_hash_table_unref);
  g_clear_pointer (&zip->by_folded, g_hash_table_unref);
  g_clear_pointer (&zip->names, g_ptr_array_unref);
  g_clear_pointer (&zip->contents, g_ptr_array_unref);
  g_free (zip);
}

static gboolean
check_magic (const char  *path,
             const char  *archive_name,
             GError     **error)
{
  guchar magic[4] = { 0, };
  gssize n = 0;
  GStatBuf st;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_IO,
                   saved_errno == ENOENT
                     ? "“%s” does not exist (%s). Check the file's name and folder."
                     : "“%s” could not be opened: %s.",
                   archive_name, g_strerror (saved_errno));
      return FALSE;
    }

  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_IO,
                   "“%s” could not be read: %s.", archive_name, g_strerror (saved_errno));
      g_close (fd, NULL);
      return FALSE;
    }

  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_IO,
                   S_ISDIR (st.st_mode) ? "“%s” is a folder, not an archive. Choose the file itself."
                                        : "“%s” is not a regular file. Choose an archive file.",
                   archive_name);
      g_close (fd, NULL);
      return FALSE;
    }

  do
    n = read (fd, magic, sizeof magic);
  while (n < 0 && errno == EINTR);
  g_close (fd, NULL);

  /* A local file header, or the end record of an empty archive */
  if (n == 4 && magic[0] == 'P' && magic[1] == 'K' &&
      ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6)))
    return TRUE;

  g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_NOT_ZIP,
               "“%s” is not a zip archive. Choose the file Gloss asked for "
               "(.qdpx, .docx or .odt).", archive_name);
  return FALSE;
}

static void
set_damaged (GError        **error,
             const char     *archive_name,
             struct archive *archive)
{
  g_autofree char *why = g_strdup (archive_error_string (archive));

  g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_CORRUPT,
               "“%s” is damaged and could not be read (%s). Ask for a new copy "
               "of it.", archive_name, why != NULL ? g_strstrip (why) : "unknown error");
}

static gboolean
read_entry_data (struct archive        *archive,
                 const char            *archive_name,
                 const char            *name,
                 gint64                 declared,
                 const GlossZipLimits  *limits,
                 gsize                  total_before,
                 GBytes               **out_bytes,
                 GError               **error)
{
  g_autoptr(GByteArray) buffer = NULL;
  gint64 packed_start = archive_filter_bytes (archive, -1);
  /* a GByteArray holds at most G_MAXUINT bytes */
  guint64 max_entry = MIN ((guint64) limits->max_entry_size, (guint64) G_MAXUINT);
  gsize count = 0;

  /* Trust the header only for the first allocation */
  buffer = g_byte_array_sized_new (declared >= 0 && (guint64) declared <= max_entry
                                   ? (guint) declared : READ_CHUNK);

  for (;;)
    {
      guint8 chunk[READ_CHUNK];
      la_ssize_t n = archive_read_data (archive, chunk, sizeof chunk);
      gint64 packed;

      if (n == 0)
        break;
      if (n < 0)
        {
          set_damaged (error, archive_name, archive);
          return FALSE;
        }

      count += (gsize) n;

      if (count > max_entry)
        {
          g_autofree char *cap = g_format_size_full (max_entry, G_FORMAT_SIZE_IEC_UNITS);

          g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_TOO_LARGE,
                       "“%s” was refused: its entry “%s” unpacks to more than %s, "
                       "the most Gloss reads from one entry.",
                       archive_name, name, cap);
          return FALSE;
        }

      if (total_before + count > limits->max_total_size)
        {
          g_autofree char *cap = g_format_size_full (limits->max_total_size, G_FORMAT_SIZE_IEC_UNITS);

          g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_TOO_LARGE,
                       "“%s” was refused: its entries unpack to more than %s in all, "
                       "the most Gloss reads from one archive.",
                       archive_name, cap);
          return FALSE;
        }

      /* Counted as the bytes come out, not taken from the header */
      packed = archive_filter_bytes (archive, -1) - packed_start;
      if (count > RATIO_GRACE_BYTES &&
          count / (guint64) MAX (packed, 1) > limits->max_ratio)
        {
          g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_TOO_LARGE,
                       "“%s” was refused: its entry “%s” unpacks to more than %u "
                       "times its packed size, as zip bombs do.",
                       archive_name, name, limits->max_ratio);
          return FALSE;
        }

      if (declared >= 0 && count > (guint64) declared)
        {
          g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_CORRUPT,
                       "“%s” is damaged: its entry “%s” holds more data than its "
                       "header says (%" G_GINT64_FORMAT " bytes). Ask for a new "
                       "copy of it.", archive_name, name, declared);
          return FALSE;
        }

      g_byte_array_append (buffer, chunk, (guint) n);
    }

  if (declared >= 0 && count != (guint64) declared)
    {
      g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_CORRUPT,
                   "“%s” is damaged: its entry “%s” holds %" G_GSIZE_FORMAT " bytes "
                   "but its header says %" G_GINT64_FORMAT ". Ask for a new copy of it.",
                   archive_name, name, count, declared);
      return FALSE;
    }

  *out_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
  return TRUE;
}

static gboolean
read_entries (GlossZip              *self,
              struct archive        *archive,
              const char            *archive_name,
              const GlossZipLimits  *limits,
              GError               **error)
{
  struct archive_entry *entry = NULL;
  gsize total = 0;
  guint n_entries = 0;
  int r;

  while ((r = archive_read_next_header (archive, &entry)) != ARCHIVE_EOF)
    {
      const char *name;
      g_autofree char *folded = NULL;
      g_autoptr(GBytes) bytes = NULL;
      gint64 declared = -1;
      mode_t type;

      if (r < ARCHIVE_WARN)
        {
          set_damaged (error, archive_name, archive);
          return FALSE;
        }

      /* With a warning (a name that could not be converted) the UTF-8
       * name is missing, and the check below refuses the entry */
      name = archive_entry_pathname_utf8 (entry);
      if (!check_entry_name (archive_name, name, error))
        return FALSE;

      if (++n_entries > limits->max_entries)
        {
          g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_TOO_LARGE,
                       "“%s” was refused: it holds more than %u entries, the most "
                       "Gloss reads from one archive.", archive_name, limits->max_entries);
          return FALSE;
        }

      type = archive_entry_filetype (entry);
      if (type == AE_IFDIR)
        {
          /* Folder entries carry nothing; they are not listed */
          archive_read_data_skip (archive);
          continue;
        }

      if (type != AE_IFREG)
        {
          g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_SYMLINK,
                       "“%s” was refused: its entry “%s” is a %s, not a regular "
                       "file. Nothing was read from it.", archive_name, name,
                       type == AE_IFLNK ? "symbolic link" : "special file");
          return FALSE;
        }

      if (archive_entry_is_encrypted (entry))
        {
          g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_CORRUPT,
                       "“%s” could not be read: its entry “%s” is encrypted. Ask "
                       "for a copy without a password.", archive_name, name);
          return FALSE;
        }

      folded = g_ascii_strdown (name, -1);
      if (g_hash_table_contains (self->by_name, name) ||
          g_hash_table_contains (self->by_folded, folded))
        {
          g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_DUPLICATE,
                       "“%s” was refused: it holds “%s” twice (names that differ "
                       "only in capitals count as the same). Ask for a copy "
                       "made by the program that wrote it.", archive_name, name);
          return FALSE;
        }

      if (archive_entry_size_is_set (entry))
        {
          declared = archive_entry_size (entry);

          if (declared > 0 && (guint64) declared > limits->max_entry_size)
            {
              g_autofree char *cap = g_format_size_full (limits->max_entry_size,
                                                         G_FORMAT_SIZE_IEC_UNITS);

              g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_TOO_LARGE,
                           "“%s” was refused: its entry “%s” unpacks to more than "
                           "%s, the most Gloss reads from one entry.",
                           archive_name, name, cap);
              return FALSE;
            }
          if (declared > 0 && total + (guint64) declared > limits->max_total_size)
            {
              g_autofree char *cap = g_format_size_full (limits->max_total_size,
                                                         G_FORMAT_SIZE_IEC_UNITS);

              g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_TOO_LARGE,
                           "“%s” was refused: its entries unpack to more than %s "
                           "in all, the most Gloss reads from one archive.",
                           archive_name, cap);
              return FALSE;
            }
        }

      if (!read_entry_data (archive, archive_name, name, declared, limits, total, &bytes, error))
        return FALSE;

      total += g_bytes_get_size (bytes);

      g_ptr_array_add (self->names, g_strdup (name));
      g_ptr_array_add (self->contents, g_steal_pointer (&bytes));
      g_hash_table_insert (self->by_name, g_ptr_array_index (self->names, self->names->len - 1),
                           GUINT_TO_POINTER (self->names->len));
      g_hash_table_insert (self->by_folded, g_steal_pointer (&folded),
                           GUINT_TO_POINTER (self->names->len));
    }

  return TRUE;
}

/**
 * gloss_zip_open:
 * @path: a zip file
 * @limits: (nullable): the caps to apply; %NULL for %GLOSS_ZIP_LIMITS_DEFAULT
 *
 * Reads every entry into memory, checking names, types, sizes and the
 * compression ratio as the data comes out.
 *
 * Returns: (transfer full): the archive, or %NULL with @error set
 */
GlossZip *
gloss_zip_open (const char            *path,
                const GlossZipLimits  *limits,
                GError               **error)
{
  static const GlossZipLimits default_limits = GLOSS_ZIP_LIMITS_DEFAULT;
  g_autoptr(GlossZip) self = NULL;
  g_autofree char *archive_name = NULL;
  struct archive *archive;
  LocaleScope scope;
  gboolean ok;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (limits == NULL)
    limits = &default_limits;

  archive_name = g_filename_display_basename (path);

  if (!check_magic (path, archive_name, error))
    return NULL;

  self = g_new0 (GlossZip, 1);
  gloss_zip_init_tables (self);

  locale_scope_enter (&scope);

  archive = archive_read_new ();
  archive_read_support_format_zip (archive);

  if (archive_read_open_filename (archive, path, READ_CHUNK) != ARCHIVE_OK)
    {
      g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_IO,
                   "“%s” could not be read: %s.", archive_name,
                   archive_error_string (archive) != NULL
                     ? archive_error_string (archive) : "unknown error");
      ok = FALSE;
    }
  else
    ok = read_entries (self, archive, archive_name, limits, error);

  archive_read_free (archive);
  locale_scope_leave (&scope);

  if (!ok)
    return NULL;

  g_ptr_array_add (self->names, NULL);
  return g_steal_pointer (&self);
}

/**
 * gloss_zip_list:
 *
 * Returns: (transfer none) (array zero-terminated=1): the regular entries'
 *   names in archive order (folder entries are left out)
 */
const char *const *
gloss_zip_list (GlossZip *zip)
{
  g_return_val_if_fail (zip != NULL, NULL);

  return (const char *const *) zip->names->pdata;
}

/**
 * gloss_zip_get:
 *
 * Returns: (transfer full): the entry's bytes, or %NULL with
 *   %GLOSS_ZIP_ERROR_MISSING
 */
GBytes *
gloss_zip_get (GlossZip    *zip,
               const char  *name,
               gboolean     ignore_case,
               GError     **error)
{
  guint index;

  g_return_val_if_fail (zip != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  index = GPOINTER_TO_UINT (g_hash_table_lookup (zip->by_name, name));
  if (index == 0 && ignore_case)
    {
      g_autofree char *folded = g_ascii_strdown (name, -1);

      index = GPOINTER_TO_UINT (g_hash_table_lookup (zip->by_folded, folded));
    }

  if (index == 0)
    {
      g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_MISSING,
                   "The archive has no entry “%s”.", name);
      return NULL;
    }

  return g_bytes_ref (g_ptr_array_index (zip->contents, index - 1));
}

/* --- Writing ---------------------------------------------------------------- */

struct _GlossZipWriter
{
  char           *path;
  char           *tmp_path;   /* NULL once renamed or removed */
  int             fd;
  struct archive *archive;
  GHashTable     *names;      /* ASCII-lowered names written */
  gboolean        failed;
};

static void
set_write_error (GError         **error,
                 GlossZipWriter  *writer,
                 const char      *what)
{
  g_autofree char *shown = g_filename_display_name (writer->path);
  const char *why = writer->archive != NULL ? archive_error_string (writer->archive) : NULL;

  g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_IO,
               "“%s” could not be written (%s: %s). Check that the disk has room "
               "and the folder can be written to, then try again.",
               shown, what, why != NULL ? why : g_strerror (errno));
  writer->failed = TRUE;
}

/**
 * gloss_zip_writer_new:
 * @path: where the archive goes once finished
 *
 * Returns: (transfer full): a writer, or %NULL with @error set
 */
GlossZipWriter *
gloss_zip_writer_new (const char  *path,
                      GError     **error)
{
  g_autoptr(GlossZipWriter) self = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *template = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  template = g_strdup_printf ("%s%s.%s.XXXXXX", dir, G_DIR_SEPARATOR_S, base);

  self = g_new0 (GlossZipWriter, 1);
  self->path = g_strdup (path);
  self->fd = -1;
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* Mode 0666 less the umask, as a file made by open() would be */
  self->fd = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0666);
  if (self->fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *shown = g_filename_display_name (path);

      g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_IO,
                   "“%s” could not be written: %s. Check that the folder exists "
                   "and can be written to.", shown, g_strerror (saved_errno));
      return NULL;
    }
  self->tmp_path = g_steal_pointer (&template);

  self->archive = archive_write_new ();
  if (archive_write_set_format_zip (self->archive) != ARCHIVE_OK ||
      archive_write_set_bytes_in_last_block (self->archive, 1) != ARCHIVE_OK ||
      archive_write_open_fd (self->archive, self->fd) != ARCHIVE_OK)
    {
      set_write_error (error, self, "starting the archive");
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * gloss_zip_writer_add:
 * @name: a safe relative path ("sources/a.txt")
 *
 * Adds one regular entry, deflated.  Names are refused when unsafe or
 * already written (ignoring ASCII case), as gloss_zip_open() would refuse
 * them.
 */
gboolean
gloss_zip_writer_add (GlossZipWriter  *writer,
                      const char      *name,
                      const void      *data,
                      gsize            len,
                      GError         **error)
{
  struct archive_entry *entry;
  g_autofree char *folded = NULL;
  g_autofree char *shown = NULL;
  const guint8 *p = data;
  gsize left = len;
  LocaleScope scope;
  gboolean ok = TRUE;

  g_return_val_if_fail (writer != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (writer->archive != NULL, FALSE);

  shown = g_filename_display_basename (writer->path);

  if (!check_entry_name (shown, name, error))
    return FALSE;

  if (name[strlen (name) - 1] == '/')
    {
      g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_UNSAFE_PATH,
                   "“%s” is a folder name; only files can be added to an archive.", name);
      return FALSE;
    }

  folded = g_ascii_strdown (name, -1);
  if (g_hash_table_contains (writer->names, folded))
    {
      g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_DUPLICATE,
                   "“%s” is already in the archive.", name);
      return FALSE;
    }

  if (writer->failed)
    {
      g_set_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_IO,
                   "“%s” cannot be added: writing the archive failed before.", name);
      return FALSE;
    }

  locale_scope_enter (&scope);

  entry = archive_entry_new ();
  archive_entry_set_pathname_utf8 (entry, name);
  archive_entry_set_filetype (entry, AE_IFREG);
  archive_entry_set_perm (entry, 0644);
  archive_entry_set_size (entry, (la_int64_t) len);
  archive_entry_set_mtime (entry, (time_t) (g_get_real_time () / G_USEC_PER_SEC), 0);

  if (archive_write_header (writer->archive, entry) != ARCHIVE_OK)
    {
      set_write_error (error, writer, "writing an entry header");
      ok = FALSE;
    }

  while (ok && left > 0)
    {
      la_ssize_t n = archive_write_data (writer->archive, p, left);

      if (n <= 0)
        {
          set_write_error (error, writer, "writing an entry");
          ok = FALSE;
          break;
        }
      p += n;
      left -= (gsize) n;
    }

  archive_entry_free (entry);
  locale_scope_leave (&scope);

  if (ok)
    g_hash_table_add (writer->names, g_steal_pointer (&folded));

  return ok;
}

/**
 * gloss_zip_writer_finish:
 *
 * Writes the central directory, flushes the file to disk and renames it
 * over @path.  After a failure the temporary file is removed and @path is
 * as it was.
 */
gboolean
gloss_zip_writer_finish (GlossZipWriter  *writer,
                         GError         **error)
{
  int r;

  g_return_val_if_fail (writer != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (writer->archive != NULL, FALSE);

  if (writer->failed)
    {
      g_set_error_literal (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_IO,
                           "The archive cannot be finished: writing it failed before.");
      return FALSE;
    }

  r = archive_write_close (writer->archive);
  if (r != ARCHIVE_OK)
    {
      set_write_error (error, writer, "finishing the archive");
      return FALSE;
    }
  archive_write_free (writer->archive);
  writer->archive = NULL;

  if (fsync (writer->fd) != 0 || g_close (writer->fd, NULL) == FALSE)
    {
      writer->fd = -1;
      set_write_error (error, writer, "saving to disk");
      return FALSE;
    }
  writer->fd = -1;

  if (g_rename (writer->tmp_path, writer->path) != 0)
    {
      set_write_error (error, writer, "putting it in place");
      return FALSE;
    }

  g_clear_pointer (&writer->tmp_path, g_free);
  return TRUE;
}

void
gloss_zip_writer_free (GlossZipWriter *writer)
{
  if (writer == NULL)
    return;

  if (writer->archive != NULL)
    archive_write_free (writer->archive);
  if (writer->fd >= 0)
    g_close (writer->fd, NULL);
  if (writer->tmp_path != NULL)
    g_unlink (writer->tmp_path);

  g_free (writer->tmp_path);
  g_free (writer->path);
  g_clear_pointer (&writer->names, g_hash_table_unref);
  g_free (writer);
}
