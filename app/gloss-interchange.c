/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-interchange"

#include "config.h"

#include "gloss-interchange.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>

#include "gloss-autocleanups.h"
#include "gloss-interchange-private.h"
#include "gloss-project-private.h"

G_DEFINE_QUARK (gloss-interchange-error-quark, gloss_interchange_error)

/**
 * gloss_import_report_new:
 *
 * Returns: (transfer full): an empty import report
 */
GlossImportReport *
gloss_import_report_new (void)
{
  GlossImportReport *report = g_new0 (GlossImportReport, 1);

  report->skipped = g_ptr_array_new_with_free_func (g_free);

  return report;
}

/**
 * gloss_import_report_free:
 * @report: (nullable): a report
 *
 * Frees @report and the messages it holds.
 */
void
gloss_import_report_free (GlossImportReport *report)
{
  if (report == NULL)
    return;

  g_clear_pointer (&report->skipped, g_ptr_array_unref);
  g_free (report);
}

gboolean
_gloss_interchange_set_io_error (GError     **error,
                                 const char  *path,
                                 int          saved_errno)
{
  g_autofree char *shown = g_filename_display_name (path);

  if (saved_errno == ENOSPC)
    g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO,
                 _("The disk is full while writing “%s”. Free some space and try again."),
                 shown);
  else
    g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO,
                 _("Could not access “%s”: %s. Check the name and that you may use that folder."),
                 shown, g_strerror (saved_errno));
  return FALSE;
}

GArray *
_gloss_interchange_select_documents (GlossProject              *project,
                                     const GlossExportOptions  *options,
                                     GError                   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) documents = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  for (guint i = 0; i < options->n_documents; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GlossDocument) document = gloss_project_get_document (project,
                                                                      options->documents[i],
                                                                      &local_error);

      if (document == NULL)
        {
          g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_MISSING_REFERENCE,
                       _("There is no document %lld in this project. List the documents "
                         "with “gloss-cli documents”."),
                       (long long) options->documents[i]);
          return NULL;
        }
    }

  if (sqlite3_prepare_v2 (_gloss_project_get_db (project),
                          "SELECT id FROM document ORDER BY position, id", -1,
                          &stmt, NULL) != SQLITE_OK)
    {
      _gloss_project_fail (project, "export", error);
      return NULL;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      gboolean chosen = options->n_documents == 0;

      for (guint i = 0; i < options->n_documents && !chosen; i++)
        chosen = options->documents[i] == id;
      if (chosen)
        g_array_append_val (documents, id);
    }
  if (rc != SQLITE_DONE)
    {
      _gloss_project_fail (project, "export", error);
      return NULL;
    }

  return g_steal_pointer (&documents);
}

gboolean
_gloss_interchange_begin_read (GlossProject  *project,
                               gboolean      *started,
                               GError       **error)
{
  sqlite3 *db = _gloss_project_get_db (project);

  *started = FALSE;
  if (!sqlite3_get_autocommit (db))
    return TRUE;

  if (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    return _gloss_project_fail (project, "export", error);
  *started = TRUE;

  return TRUE;
}

void
_gloss_interchange_end_read (GlossProject *project,
                             gboolean      started)
{
  if (started)
    sqlite3_exec (_gloss_project_get_db (project), "COMMIT", NULL, NULL, NULL);
}

/* ------------------------------------------------------------------------
 * Reading XML safely
 * ------------------------------------------------------------------------ */

/* Set while this thread parses a file for Gloss: the entity loader then
 * loads nothing.  Other parsers in the process keep the default loader. */
static GPrivate parsing_for_gloss;
static xmlExternalEntityLoader default_entity_loader;

static xmlParserInputPtr
refusing_entity_loader (const char       *url,
                        const char       *id,
                        xmlParserCtxtPtr  ctxt)
{
  if (g_private_get (&parsing_for_gloss) != NULL)
    return NULL;

  return default_entity_loader (url, id, ctxt);
}

static void
install_entity_loader (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      xmlInitParser ();
      default_entity_loader = xmlGetExternalEntityLoader ();
      xmlSetExternalEntityLoader (refusing_entity_loader);
      g_once_init_leave (&once, 1);
    }
}

struct _GlossXmlReader
{
  xmlTextReader *reader;
  char          *path;
  char          *shown;         /* the path as messages quote it: valid UTF-8 */
  int            fd;
  goffset        offset;
  int            first_code;    /* libxml2 error code of the first error, or 0 */
  int            first_domain;
  char          *first_message;
  int            first_line;
  GPtrArray     *messages;      /* schema validity errors */
};

static int
reader_io_read (void *context,
                char *buffer,
                int   len)
{
  GlossXmlReader *self = context;
  gssize n;

  do
    n = read (self->fd, buffer, len);
  while (n < 0 && errno == EINTR);

  if (n > 0)
    self->offset += n;

  return n < 0 ? -1 : (int) n;
}

static int
reader_io_close (void *context)
{
  GlossXmlReader *self = context;

  if (self->fd >= 0)
    close (self->fd);
  self->fd = -1;

  return 0;
}

static void
reader_error_cb (void        *user_data,
                 xmlErrorPtr  err)
{
  GlossXmlReader *self = user_data;
  g_autofree char *message = g_strstrip (g_strdup (err->message != NULL ? err->message : "?"));

  if (err->domain == XML_FROM_RELAXNGV || err->domain == XML_FROM_RELAXNGP ||
      err->domain == XML_FROM_SCHEMASV)
    {
      if (self->messages->len < 50)
        g_ptr_array_add (self->messages, g_strdup_printf ("line %d: %s", err->line, message));
      return;
    }

  if (err->level < XML_ERR_ERROR)
    return;

  if (self->first_code == 0)
    {
      self->first_code = err->code != 0 ? err->code : -1;
      self->first_domain = err->domain;
      self->first_message = g_steal_pointer (&message);
      self->first_line = err->line;
    }
}

void
_gloss_xml_reader_free (GlossXmlReader *self)
{
  if (self == NULL)
    return;

  /* Frees the input buffer, which closes the file. */
  g_clear_pointer (&self->reader, xmlFreeTextReader);
  reader_io_close (self);
  g_clear_pointer (&self->messages, g_ptr_array_unref);
  g_free (self->first_message);
  g_free (self->path);
  g_free (self->shown);
  g_free (self);
}

GlossXmlReader *
_gloss_xml_reader_new (const char  *path,
                       GError     **error)
{
  g_autoptr(GlossXmlReader) self = g_new0 (GlossXmlReader, 1);
  g_autofree char *uri = NULL;

  install_entity_loader ();

  self->path = g_strdup (path);
  self->shown = g_filename_display_name (path);
  self->messages = g_ptr_array_new_with_free_func (g_free);
  self->fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (self->fd < 0)
    {
      int saved = errno;

      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO,
                   _("Could not read “%s”: %s. Check the name and that you may read it."),
                   self->shown, g_strerror (saved));
      return NULL;
    }

  /* The reader owns the I/O from here: it closes the file when freed, or at
   * once when it cannot be created. */
  uri = g_filename_to_uri (path, NULL, NULL);
  g_private_set (&parsing_for_gloss, GINT_TO_POINTER (1));
  self->reader = xmlReaderForIO (reader_io_read, reader_io_close, self,
                                 uri != NULL ? uri : "gloss-input.xml", NULL,
                                 XML_PARSE_NONET | XML_PARSE_NOCDATA |
                                 XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  g_private_set (&parsing_for_gloss, NULL);
  if (self->reader == NULL)
    {
      self->fd = -1;
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_MALFORMED,
                   _("“%s” could not be read as XML. Choose an XML file."), self->shown);
      return NULL;
    }

  xmlTextReaderSetStructuredErrorHandler (self->reader, reader_error_cb, self);

  return g_steal_pointer (&self);
}

xmlTextReader *
_gloss_xml_reader_get (GlossXmlReader *self)
{
  return self->reader;
}

int
_gloss_xml_reader_line (GlossXmlReader *self)
{
  return xmlTextReaderGetParserLineNumber (self->reader);
}

GPtrArray *
_gloss_xml_reader_get_messages (GlossXmlReader *self)
{
  return self->messages;
}

goffset
_gloss_xml_reader_get_offset (GlossXmlReader *self)
{
  return self->offset;
}

static void
set_parse_error (GlossXmlReader  *self,
                 GError         **error)
{
  /* libxml2 quotes the file's bytes as they are, UTF-8 or not. */
  g_autofree char *message = g_utf8_make_valid (self->first_message != NULL ? self->first_message
                                                                            : "unknown error", -1);

  if (self->first_code == XML_ERR_NO_MEMORY && self->first_message != NULL &&
      strstr (self->first_message, "huge") != NULL)
    g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_TOO_LARGE,
                 _("“%s” holds a text over 10 MB in one piece (line %d), more than Gloss "
                   "reads at once. Gloss XML writes long texts in chunks; export the file "
                   "again with Gloss."), self->shown, self->first_line);
  else if (self->first_message != NULL && strstr (self->first_message, "depth") != NULL)
    g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_MALFORMED,
                 _("“%s” nests elements too deeply (line %d); it is not a Gloss XML file. "
                   "Nothing was changed."), self->shown, self->first_line);
  else if (self->first_code == XML_ERR_ENTITY_LOOP ||
           self->first_code == XML_ERR_UNDECLARED_ENTITY ||
           self->first_code == XML_WAR_UNDECLARED_ENTITY)
    g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_DOCTYPE,
                 _("“%s” uses entities (line %d), which Gloss XML never does. "
                   "Nothing was changed."), self->shown, self->first_line);
  else
    g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_MALFORMED,
                 _("“%s” is not well-formed XML (line %d: %s). It may be damaged or cut "
                   "short; export it again. Nothing was changed."),
                 self->shown, self->first_line, message);
}

int
_gloss_xml_reader_read (GlossXmlReader  *self,
                        GError         **error)
{
  int ret;
  int type;

  g_private_set (&parsing_for_gloss, GINT_TO_POINTER (1));
  ret = xmlTextReaderRead (self->reader);
  g_private_set (&parsing_for_gloss, NULL);

  if (ret < 0 || (self->first_code != 0 && ret >= 0))
    {
      set_parse_error (self, error);
      return -1;
    }
  if (ret == 0)
    return 0;

  type = xmlTextReaderNodeType (self->reader);
  if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY ||
      type == XML_READER_TYPE_ENTITY_REFERENCE || type == XML_READER_TYPE_NOTATION)
    {
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_DOCTYPE,
                   _("“%s” has a document type declaration (<!DOCTYPE …>), which Gloss XML "
                     "never has: Gloss does not read such files, as they can make a reader "
                     "expand entities or fetch other files. Nothing was changed."),
                   self->shown);
      return -1;
    }

  return 1;
}

/* ------------------------------------------------------------------------
 * Writing files into place
 * ------------------------------------------------------------------------ */

struct _GlossOutput
{
  char *path;
  char *tmp_path;
  FILE *file;
};

GlossOutput *
_gloss_output_new (const char  *path,
                   GError     **error)
{
  g_autoptr(GlossOutput) self = g_new0 (GlossOutput, 1);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  int fd;

  self->path = g_strdup (path);
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *shown = g_filename_display_name (path);

      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO,
                   _("“%s” is a folder. Choose a file name to export to."), shown);
      return NULL;
    }

  self->tmp_path = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  fd = g_mkstemp_full (self->tmp_path, O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int saved = errno;

      g_clear_pointer (&self->tmp_path, g_free);
      _gloss_interchange_set_io_error (error, path, saved);
      return NULL;
    }

  self->file = fdopen (fd, "w");
  if (self->file == NULL)
    {
      int saved = errno;

      close (fd);
      _gloss_interchange_set_io_error (error, path, saved);
      return NULL;
    }
  setvbuf (self->file, NULL, _IOFBF, 1 << 16);

  return g_steal_pointer (&self);
}

FILE *
_gloss_output_get_file (GlossOutput *self)
{
  return self->file;
}

gboolean
_gloss_output_commit (GlossOutput  *self,
                      GError      **error)
{
  FILE *file = g_steal_pointer (&self->file);
  int saved = 0;

  if (fflush (file) != 0 || ferror (file) || fsync (fileno (file)) != 0)
    saved = errno != 0 ? errno : EIO;
  if (fclose (file) != 0 && saved == 0)
    saved = errno;
  if (saved == 0 && g_rename (self->tmp_path, self->path) != 0)
    saved = errno;
  if (saved != 0)
    return _gloss_interchange_set_io_error (error, self->path, saved);

  g_clear_pointer (&self->tmp_path, g_free);

  return TRUE;
}

void
_gloss_output_free (GlossOutput *self)
{
  if (self == NULL)
    return;

  if (self->file != NULL)
    fclose (self->file);
  if (self->tmp_path != NULL)
    g_unlink (self->tmp_path);
  g_free (self->tmp_path);
  g_free (self->path);
  g_free (self);
}

gboolean
_gloss_xml_text_is_safe (const char *text,
                         gsize       len,
                         gunichar   *bad)
{
  const guchar *p = (const guchar *) text;
  const guchar *end = p + len;

  for (; p < end; p++)
    {
      if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
        {
          *bad = *p;
          return FALSE;
        }
      /* U+FFFE and U+FFFF: EF BF BE, EF BF BF */
      if (*p == 0xEF && end - p >= 3 && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
        {
          *bad = p[2] == 0xBE ? 0xFFFE : 0xFFFF;
          return FALSE;
        }
    }

  return TRUE;
}

typedef enum
{
  FORMAT_UNKNOWN,
  FORMAT_GLOSS_XML,
  FORMAT_REFI_ZIP,
  FORMAT_REFI_CODEBOOK,
} Format;

/* Reads the first element of an XML file with the same safe settings as the
 * importer (no DOCTYPE, no network, nothing external) and returns its
 * namespace, or NULL with @error set. */
static char *
sniff_root_namespace (const char  *path,
                      GError     **error)
{
  g_autoptr(GlossXmlReader) reader = NULL;
  g_autoptr(GError) local_error = NULL;
  int ret;

  reader = _gloss_xml_reader_new (path, error);
  if (reader == NULL)
    return NULL;

  while ((ret = _gloss_xml_reader_read (reader, &local_error)) == 1)
    {
      xmlTextReader *xml = _gloss_xml_reader_get (reader);

      if (xmlTextReaderNodeType (xml) == XML_READER_TYPE_ELEMENT)
        {
          const char *ns = (const char *) xmlTextReaderConstNamespaceUri (xml);

          return g_strdup (ns != NULL ? ns : "");
        }
    }

  /* Not XML at all (or cut short before its first element): say what Gloss
   * reads rather than how the XML parser failed. */
  if (ret == 0 || g_error_matches (local_error, GLOSS_INTERCHANGE_ERROR,
                                   GLOSS_INTERCHANGE_ERROR_MALFORMED))
    g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_UNKNOWN_FORMAT,
                 _("“%s” is not a file Gloss imports. Choose a Gloss XML export, a "
                   "REFI-QDA project (.qdpx) or a codebook (.qdc)."), reader->shown);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));

  return NULL;
}

static Format
detect_format (const char  *path,
               GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *ns = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *shown = g_filename_display_name (path);
  guchar head[4] = { 0 };
  gsize n_read = 0;

  /* Reading a FIFO would wait for a writer for ever, a device for ever
   * more bytes: only regular files (or links to them) are imported. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                            NULL, NULL);
  if (info != NULL && g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO,
                   _("“%s” is not a regular file. Choose a Gloss XML export, a REFI-QDA "
                     "project (.qdpx) or a codebook (.qdc)."), shown);
      return FORMAT_UNKNOWN;
    }

  stream = g_file_read (file, NULL, &local_error);
  if (stream == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), head, sizeof head,
                                &n_read, NULL, &local_error))
    {
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO,
                   _("Could not read “%s”: %s"), shown, local_error->message);
      return FORMAT_UNKNOWN;
    }

  if (n_read == 4 && memcmp (head, "PK\003\004", 4) == 0)
    return FORMAT_REFI_ZIP;

  ns = sniff_root_namespace (path, error);
  if (ns == NULL)
    return FORMAT_UNKNOWN;

  if (strcmp (ns, GLOSS_XML_NAMESPACE) == 0)
    return FORMAT_GLOSS_XML;
  if (g_str_has_prefix (ns, "urn:QDA-XML:codebook:"))
    return FORMAT_REFI_CODEBOOK;

  g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_UNKNOWN_FORMAT,
               _("“%s” is XML in the namespace “%s”, which Gloss does not import. "
                 "Choose a Gloss XML export, a REFI-QDA project (.qdpx) or a codebook (.qdc)."),
               shown, ns);
  return FORMAT_UNKNOWN;
}

/**
 * gloss_import_any:
 * @project: the project to import into
 * @path: a Gloss XML file, a REFI-QDA project (.qdpx) or codebook (.qdc)
 * @report: (nullable): filled with what was added, matched and skipped
 *
 * Tells the format by content, never by the file name, and imports it.
 * Imports are all-or-nothing.
 *
 * Returns: %TRUE on success
 */
gboolean
gloss_import_any (GlossProject       *project,
                  const char         *path,
                  GlossImportReport  *report,
                  GCancellable       *cancellable,
                  GError            **error)
{
  Format format;

  g_return_val_if_fail (GLOSS_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  format = detect_format (path, error);
  switch (format)
    {
    case FORMAT_GLOSS_XML:
      return gloss_xml_import (project, path, report, cancellable, error);
    case FORMAT_REFI_ZIP:
    case FORMAT_REFI_CODEBOOK:
      return gloss_refi_import (project, path, report, cancellable, error);
    case FORMAT_UNKNOWN:
    default:
      return FALSE;
    }
}
