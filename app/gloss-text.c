/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-text"

#include "config.h"

#include "gloss-text.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libxml/xmlreader.h>

#include "gloss-autocleanups.h"
#include "gloss-zip.h"

G_DEFINE_QUARK (gloss-text-error-quark, gloss_text_error)

/* What the decoder accepts, beyond valid Unicode:
 *
 * - Tab and newline are the only C0 controls kept; CR and CRLF become LF.
 *   NUL and every other C0 control (U+0001–U+001F) are refused: they are
 *   never part of an interview and usually mean the wrong encoding.
 * - DEL (U+007F) and the C1 controls (U+0080–U+009F) are kept.  They are
 *   valid characters, one code point each, and they turn up in real text
 *   decoded from legacy encodings (Windows-1252 read as ISO-8859-1); the
 *   text view shows them as boxes, so the analyst can see and fix them,
 *   and refusing them would make such files impossible to import.
 * - Nothing else is changed: no trimming, no Unicode normalisation. */

/* A file larger than this cannot decode to GLOSS_MAX_TEXT_BYTES of UTF-8
 * in any encoding Gloss is likely to meet: UTF-32 text and UTF-16 text
 * made only of CRLF pairs shrink by four, everything else by less. */
#define MAX_FILE_BYTES ((goffset) GLOSS_MAX_TEXT_BYTES * 4)

/* Entries in a .docx or .odt: the XML of a 32 MiB text is larger than
 * the text, images may sit beside it. */
#define DOCUMENT_ZIP_LIMITS { (gsize) GLOSS_MAX_TEXT_BYTES * 4, 512u << 20, 100000, 200 }

#define CONVERT_CHUNK (64 * 1024)

static void
set_too_large (GError **error)
{
  g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_TOO_LARGE,
               "This text is larger than %d MiB, the most Gloss keeps in one "
               "document. Split it into smaller files and import them one by one.",
               GLOSS_MAX_TEXT_BYTES >> 20);
}

/* Normalising valid UTF-8 into the output, piece by piece.  It knows
 * where the next character lands (line, and the byte where its line
 * starts), so errors can name a line and a column in characters. */
typedef struct
{
  GString  *out;
  gsize     line_start;   /* byte offset in out of the current line */
  guint     line;         /* 1-based */
  gboolean  started;      /* a character (or the BOM) has been seen */
  gboolean  after_cr;     /* the last input byte was CR */
} Normaliser;

static guint
normaliser_column (Normaliser *self)
{
  return (guint) g_utf8_strlen (self->out->str + self->line_start,
                                self->out->len - self->line_start) + 1;
}

/* Appends @len bytes of valid UTF-8 without NUL. */
static gboolean
normaliser_push_valid (Normaliser  *self,
                       const char  *data,
                       gsize        len,
                       GError     **error)
{
  const char *p = data;
  const char *end = data + len;
  const char *run = data;

  if (!self->started && len > 0)
    {
      self->started = TRUE;
      if (len >= 3 && memcmp (p, "\xEF\xBB\xBF", 3) == 0)
        p = run = p + 3;
    }

  for (; p < end; p++)
    {
      guchar c = (guchar) *p;

      if (c >= 0x20)
        {
          self->after_cr = FALSE;
          continue;
        }

      g_string_append_len (self->out, run, p - run);
      run = p + 1;

      if (c == '\n' && self->after_cr)
        {
          /* the LF of a CRLF pair: the CR already gave the newline */
          self->after_cr = FALSE;
          continue;
        }

      self->after_cr = (c == '\r');

      if (c == '\n' || c == '\r')
        {
          g_string_append_c (self->out, '\n');
          self->line++;
          self->line_start = self->out->len;
        }
      else if (c == '\t')
        {
          g_string_append_c (self->out, '\t');
        }
      else
        {
          g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_CONTROL_CHARACTER,
                       "Line %u, column %u: the text holds the control character "
                       "U+%04X, which is not allowed in a document. Remove it "
                       "(or choose the file's real encoding) and import again.",
                       self->line, normaliser_column (self), c);
          return FALSE;
        }
    }

  g_string_append_len (self->out, run, p - run);

  if (self->out->len > GLOSS_MAX_TEXT_BYTES)
    {
      set_too_large (error);
      return FALSE;
    }

  return TRUE;
}

/* Appends @len bytes that should be UTF-8.  On a bad byte, returns FALSE
 * without setting @error and stores its position in @bad. */
static gboolean
normaliser_push (Normaliser  *self,
                 const char  *data,
                 gsize        len,
                 const char **bad,
                 GError     **error)
{
  *bad = NULL;

  while (len > 0)
    {
      const char *valid_end = NULL;
      gboolean valid = g_utf8_validate_len (data, len, &valid_end);

      if (!normaliser_push_valid (self, data, valid_end - data, error))
        return FALSE;

      if (valid)
        return TRUE;

      if (*valid_end == '\0')
        {
          self->started = TRUE;
          g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_CONTROL_CHARACTER,
                       "Line %u, column %u: the text holds a NUL character "
                       "(U+0000), which is not allowed in a document. This "
                       "usually means the file is not plain text, or is in "
                       "another encoding: choose the file's encoding and "
                       "import again.",
                       self->line, normaliser_column (self));
          return FALSE;
        }

      *bad = valid_end;
      return FALSE;
    }

  return TRUE;
}

static char *
normaliser_finish (Normaliser  *self,
                   GError     **error)
{
  if (self->out->len == 0)
    {
      g_set_error_literal (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_EMPTY,
                           "The file holds no text. Choose a file with the "
                           "interview's text in it.");
      return NULL;
    }

  return g_string_free (g_steal_pointer (&self->out), FALSE);
}

static void
normaliser_clear (Normaliser *self)
{
  if (self->out != NULL)
    g_string_free (self->out, TRUE);
  self->out = NULL;
}

/* Exact size of the normalised UTF-8 text, without building it. */
static gsize
utf8_output_size (const char *data,
                  gsize       len)
{
  gsize size = len;
  const char *p = data;
  const char *end = data + len;

  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    size -= 3;

  while (p < end && (p = memchr (p, '\r', end - p)) != NULL)
    {
      if (p + 1 < end && p[1] == '\n')
        size--;
      p++;
    }

  return size;
}

static char *
decode_utf8 (const char  *data,
             gsize        len,
             GError     **error)
{
  Normaliser n = { NULL, 0, 1, FALSE, FALSE };
  const char *bad = NULL;
  gsize size;
  char *result;

  size = utf8_output_size (data, len);
  if (size > GLOSS_MAX_TEXT_BYTES)
    {
      set_too_large (error);
      return NULL;
    }

  n.out = g_string_sized_new (size + 1);

  if (!normaliser_push (&n, data, len, &bad, error))
    {
      if (bad != NULL)
        g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_INVALID_ENCODING,
                     "Line %u, column %u: the byte 0x%02X is not valid UTF-8. "
                     "Choose the file's encoding (for example --encoding "
                     "ISO-8859-1) and import again.",
                     n.line, normaliser_column (&n), (guchar) *bad);
      normaliser_clear (&n);
      return NULL;
    }

  result = normaliser_finish (&n, error);
  normaliser_clear (&n);
  return result;
}

static gboolean
is_utf8_name (const char *encoding)
{
  return g_ascii_strcasecmp (encoding, "UTF-8") == 0 ||
         g_ascii_strcasecmp (encoding, "UTF8") == 0;
}

/* Converts through iconv in chunks, so a huge input is refused as soon as
 * its output passes the cap, never after building the whole of it. */
static char *
decode_iconv (const char  *data,
              gsize        len,
              const char  *encoding,
              GError     **error)
{
  Normaliser n = { NULL, 0, 1, FALSE, FALSE };
  GIConv cd;
  char chunk[CONVERT_CHUNK];
  char *in = (char *) data;
  gsize in_left = len;
  gboolean ok = TRUE;
  gboolean flushed = FALSE;
  char *result = NULL;

  cd = g_iconv_open ("UTF-8", encoding);
  if (cd == (GIConv) -1)
    {
      g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_UNKNOWN_ENCODING,
                   "Gloss does not know the encoding “%s”. Use a name such as "
                   "UTF-8, UTF-16, ISO-8859-1 or WINDOWS-1252.", encoding);
      return NULL;
    }

  n.out = g_string_sized_new (MIN (len, (gsize) GLOSS_MAX_TEXT_BYTES) + 1);

  while (ok && !flushed)
    {
      char *out = chunk;
      gsize out_left = sizeof chunk;
      gsize ret;
      int saved_errno;
      const char *bad = NULL;

      if (in_left > 0)
        ret = g_iconv (cd, &in, &in_left, &out, &out_left);
      else
        {
          /* Reset: writes what a stateful encoding still holds */
          ret = g_iconv (cd, NULL, NULL, &out, &out_left);
          flushed = TRUE;
        }
      saved_errno = errno;

      if (!normaliser_push (&n, chunk, out - chunk, &bad, error))
        {
          if (bad != NULL)
            g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_INVALID_ENCODING,
                         "Line %u, column %u: the text decoded from %s is not "
                         "valid Unicode. Check the file's encoding and import again.",
                         n.line, normaliser_column (&n), encoding);
          ok = FALSE;
          break;
        }

      if (ret != (gsize) -1)
        continue;

      if (saved_errno == E2BIG)
        {
          flushed = FALSE;
          continue;
        }

      if (saved_errno == EILSEQ)
        g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_INVALID_ENCODING,
                     "Line %u, column %u: the byte 0x%02X is not valid %s. "
                     "Choose the file's encoding (for example --encoding "
                     "ISO-8859-1) and import again.",
                     n.line, normaliser_column (&n), (guchar) *in, encoding);
      else if (saved_errno == EINVAL)
        g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_INVALID_ENCODING,
                     "Line %u, column %u: the file ends in the middle of a "
                     "character, so it is not valid %s. Check the file's "
                     "encoding, or whether it was cut short, and import again.",
                     n.line, normaliser_column (&n), encoding);
      else
        g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_INVALID_ENCODING,
                     "The text could not be converted from %s: %s.",
                     encoding, g_strerror (saved_errno));
      ok = FALSE;
    }

  g_iconv_close (cd);

  if (ok)
    result = normaliser_finish (&n, error);
  normaliser_clear (&n);
  return result;
}

char *
gloss_text_decode (const char  *data,
                   gsize        len,
                   const char  *encoding,
                   GError     **error)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len == 0)
    {
      g_set_error_literal (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_EMPTY,
                           "The file is empty. Choose a file with the "
                           "interview's text in it.");
      return NULL;
    }

  if (encoding == NULL || *encoding == '\0')
    {
      const guchar *b = (const guchar *) data;

      if (len >= 2 && b[0] == 0xFF && b[1] == 0xFE)
        encoding = "UTF-16LE";
      else if (len >= 2 && b[0] == 0xFE && b[1] == 0xFF)
        encoding = "UTF-16BE";
      else
        return decode_utf8 (data, len, error);

      /* Every UTF-16 unit gives at least one byte of UTF-8 except the
       * LF of a CRLF pair, so the output is at least a quarter of the
       * input: refuse what cannot fit before converting anything. */
      if ((len - 2) / 4 > GLOSS_MAX_TEXT_BYTES)
        {
          set_too_large (error);
          return NULL;
        }

      /* The BOM tells the byte order; it is not part of the text */
      return decode_iconv (data + 2, len - 2, encoding, error);
    }

  if (is_utf8_name (encoding))
    return decode_utf8 (data, len, error);

  return decode_iconv (data, len, encoding, error);
}

/* --- Word and OpenDocument ------------------------------------------------ */

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define MC_NS "http://schemas.openxmlformats.org/markup-compatibility/2006"
#define TEXT_NS "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define OFFICE_NS "urn:oasis:names:tc:opendocument:xmlns:office:1.0"

typedef enum
{
  FORMAT_DOCX,
  FORMAT_ODT,
} DocumentFormat;

typedef struct
{
  DocumentFormat  format;
  GString        *text;
  guint           n_paragraphs;
  int             paragraph_depth;  /* paragraphs open */
  int             run_depth;        /* docx: w:r open */
  int             t_depth;          /* docx: w:t open */
  gboolean        pending_space;    /* odt: collapsed white space waiting */
  gboolean        paragraph_empty;  /* odt: nothing written in this paragraph yet */
  char           *first_error;
} Extractor;

static void
on_xml_error (void            *user_data,
              const xmlError  *xml_error)
{
  Extractor *self = user_data;

  if (self->first_error == NULL && xml_error != NULL && xml_error->message != NULL)
    self->first_error = g_strchomp (g_strdup_printf ("line %d: %s",
                                                     xml_error->line,
                                                     xml_error->message));
}

static gboolean
is_element (const xmlChar *ns,
            const xmlChar *local,
            const char    *want_ns,
            const char    *want_local)
{
  return ns != NULL && local != NULL &&
         strcmp ((const char *) ns, want_ns) == 0 &&
         strcmp ((const char *) local, want_local) == 0;
}

static void
begin_paragraph (Extractor *self)
{
  if (self->n_paragraphs > 0)
    g_string_append_c (self->text, '\n');
  self->n_paragraphs++;
  self->paragraph_depth++;
  self->pending_space = FALSE;
  self->paragraph_empty = TRUE;
}

static void
end_paragraph (Extractor *self)
{
  if (self->paragraph_depth > 0)
    self->paragraph_depth--;
  /* ODF: white space at the end of a paragraph is dropped */
  self->pending_space = FALSE;
}

/* ODF text: what is written explicitly (characters, text:s, text:tab,
 * text:line-break) flushes a collapsed space waiting before it. */
static void
odt_emit (Extractor  *self,
          const char *str,
          gssize      len)
{
  if (self->pending_space && !self->paragraph_empty)
    g_string_append_c (self->text, ' ');
  self->pending_space = FALSE;
  g_string_append_len (self->text, str, len);
  self->paragraph_empty = FALSE;
}

/* ODF 1.2, 6.1.2: in paragraph content, each run of white space
 * characters (space, tab, CR, LF) counts as one space, and white space
 * at the start or end of a paragraph is ignored. */
static void
odt_characters (Extractor     *self,
                const xmlChar *value)
{
  const char *p = (const char *) value;

  while (*p != '\0')
    {
      const char *q = p;

      if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        {
          if (!self->paragraph_empty)
            self->pending_space = TRUE;
          p++;
          continue;
        }

      while (*q != '\0' && *q != ' ' && *q != '\t' && *q != '\n' && *q != '\r')
        q++;
      odt_emit (self, p, q - p);
      p = q;
    }
}

static void
docx_node (Extractor        *self,
           xmlTextReaderPtr  reader,
           gboolean         *skip)
{
  int type = xmlTextReaderNodeType (reader);
  const xmlChar *ns = xmlTextReaderConstNamespaceUri (reader);
  const xmlChar *local = xmlTextReaderConstLocalName (reader);

  if (type == XML_READER_TYPE_ELEMENT)
    {
      gboolean empty = xmlTextReaderIsEmptyElement (reader);

      /* The fallback repeats what the chosen alternative already holds */
      if (is_element (ns, local, MC_NS, "Fallback") && !empty)
        *skip = TRUE;
      else if (is_element (ns, local, W_NS, "p"))
        {
          begin_paragraph (self);
          if (empty)
            end_paragraph (self);
        }
      else if (is_element (ns, local, W_NS, "r"))
        self->run_depth += empty ? 0 : 1;
      else if (is_element (ns, local, W_NS, "t"))
        self->t_depth += empty ? 0 : 1;
      else if (self->run_depth > 0 && is_element (ns, local, W_NS, "tab"))
        g_string_append_c (self->text, '\t');
      else if (self->run_depth > 0 &&
               (is_element (ns, local, W_NS, "br") || is_element (ns, local, W_NS, "cr")))
        g_string_append_c (self->text, '\n');
    }
  else if (type == XML_READER_TYPE_END_ELEMENT)
    {
      if (is_element (ns, local, W_NS, "p"))
        end_paragraph (self);
      else if (is_element (ns, local, W_NS, "r") && self->run_depth > 0)
        self->run_depth--;
      else if (is_element (ns, local, W_NS, "t") && self->t_depth > 0)
        self->t_depth--;
    }
  else if (type == XML_READER_TYPE_TEXT ||
           type == XML_READER_TYPE_CDATA ||
           type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
           type == XML_READER_TYPE_WHITESPACE)
    {
      if (self->t_depth > 0)
        g_string_append (self->text, (const char *) xmlTextReaderConstValue (reader));
    }
}

static void
odt_node (Extractor        *self,
          xmlTextReaderPtr  reader,
          gboolean         *skip)
{
  int type = xmlTextReaderNodeType (reader);
  const xmlChar *ns = xmlTextReaderConstNamespaceUri (reader);
  const xmlChar *local = xmlTextReaderConstLocalName (reader);

  if (type == XML_READER_TYPE_ELEMENT)
    {
      gboolean empty = xmlTextReaderIsEmptyElement (reader);

      /* Footnotes, comments and the record of deleted text are not part
       * of the running text */
      if (!empty &&
          (is_element (ns, local, TEXT_NS, "note") ||
           is_element (ns, local, TEXT_NS, "tracked-changes") ||
           is_element (ns, local, OFFICE_NS, "annotation")))
        *skip = TRUE;
      else if (is_element (ns, local, TEXT_NS, "p") || is_element (ns, local, TEXT_NS, "h"))
        {
          begin_paragraph (self);
          if (empty)
            end_paragraph (self);
        }
      else if (self->paragraph_depth > 0 && is_element (ns, local, TEXT_NS, "s"))
        {
          g_autofree xmlChar *count = xmlTextReaderGetAttributeNs (reader,
                                                                   (const xmlChar *) "c",
                                                                   (const xmlChar *) TEXT_NS);
          guint64 c = 1;

          if (count != NULL &&
              !g_ascii_string_to_unsigned ((const char *) count, 10, 1, 10000, &c, NULL))
            c = 1;
          for (guint64 i = 0; i < c; i++)
            odt_emit (self, " ", 1);
        }
      else if (self->paragraph_depth > 0 && is_element (ns, local, TEXT_NS, "tab"))
        odt_emit (self, "\t", 1);
      else if (self->paragraph_depth > 0 && is_element (ns, local, TEXT_NS, "line-break"))
        {
          odt_emit (self, "\n", 1);
          /* white space after a line break is at a line start */
          self->paragraph_empty = TRUE;
        }
    }
  else if (type == XML_READER_TYPE_END_ELEMENT)
    {
      if (is_element (ns, local, TEXT_NS, "p") || is_element (ns, local, TEXT_NS, "h"))
        end_paragraph (self);
    }
  else if (type == XML_READER_TYPE_TEXT ||
           type == XML_READER_TYPE_CDATA ||
           type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
           type == XML_READER_TYPE_WHITESPACE)
    {
      if (self->paragraph_depth > 0)
        odt_characters (self, xmlTextReaderConstValue (reader));
    }
}

/* Streams the XML part with libxml2's reader: no network, no DTD, no
 * entity substitution, and any DOCTYPE refused before its content is
 * used. */
static char *
extract_document_text (GBytes          *xml,
                       DocumentFormat   format,
                       const char      *display_name,
                       GError         **error)
{
  g_autoptr(xmlTextReader) reader = NULL;
  Extractor self = { format, NULL, 0, 0, 0, 0, FALSE, TRUE, NULL };
  g_autofree char *first_error = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (xml, &size);
  int ret;

  if (size > G_MAXINT)
    {
      set_too_large (error);
      return NULL;
    }

  reader = xmlReaderForMemory (data, (int) size,
                               format == FORMAT_DOCX ? "word/document.xml" : "content.xml",
                               NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (reader == NULL)
    {
      g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_ARCHIVE,
                   "“%s” could not be read: its text part is not XML.", display_name);
      return NULL;
    }

  xmlTextReaderSetStructuredErrorHandler (reader, (xmlStructuredErrorFunc) on_xml_error, &self);
  self.text = g_string_new (NULL);

  ret = xmlTextReaderRead (reader);
  while (ret == 1)
    {
      int type = xmlTextReaderNodeType (reader);
      gboolean skip = FALSE;

      if (type == XML_READER_TYPE_DOCUMENT_TYPE ||
          type == XML_READER_TYPE_ENTITY_REFERENCE ||
          type == XML_READER_TYPE_ENTITY)
        {
          g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_ARCHIVE,
                       "“%s” was refused: its text part has a document type "
                       "declaration, which Word and OpenDocument files never "
                       "have. Save it again from a word processor and import again.",
                       display_name);
          break;
        }

      if (format == FORMAT_DOCX)
        docx_node (&self, reader, &skip);
      else
        odt_node (&self, reader, &skip);

      if (self.text->len > GLOSS_MAX_TEXT_BYTES)
        {
          set_too_large (error);
          break;
        }

      ret = skip ? xmlTextReaderNext (reader) : xmlTextReaderRead (reader);
    }

  first_error = g_steal_pointer (&self.first_error);

  if (ret == 1)
    {
      /* left the loop with an error set */
      g_string_free (self.text, TRUE);
      return NULL;
    }

  if (ret < 0)
    {
      /* libxml2 quotes the file's bytes as they are, UTF-8 or not. */
      g_autofree char *shown = g_utf8_make_valid (first_error != NULL ? first_error
                                                                      : "unknown error", -1);

      g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_ARCHIVE,
                   "“%s” is damaged: its text part is not well-formed XML (%s). "
                   "Open it in a word processor, save it again and import again.",
                   display_name, shown);
      g_string_free (self.text, TRUE);
      return NULL;
    }

  return g_string_free (self.text, FALSE);
}

static char *
read_zip_document (const char  *path,
                   const char  *display_name,
                   GError     **error)
{
  GlossZipLimits limits = DOCUMENT_ZIP_LIMITS;
  g_autoptr(GlossZip) zip = NULL;
  g_autoptr(GBytes) part = NULL;
  g_autoptr(GBytes) mimetype = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;
  DocumentFormat format;

  zip = gloss_zip_open (path, &limits, &local_error);
  if (zip == NULL)
    {
      g_set_error (error, GLOSS_TEXT_ERROR,
                   g_error_matches (local_error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_IO)
                     ? GLOSS_TEXT_ERROR_IO : GLOSS_TEXT_ERROR_ARCHIVE,
                   "%s", local_error->message);
      return NULL;
    }

  part = gloss_zip_get (zip, "word/document.xml", TRUE, NULL);
  if (part != NULL)
    format = FORMAT_DOCX;
  else
    {
      part = gloss_zip_get (zip, "content.xml", FALSE, NULL);
      mimetype = gloss_zip_get (zip, "mimetype", FALSE, NULL);
      format = FORMAT_ODT;

      if (part != NULL && mimetype != NULL)
        {
          gsize len = 0;
          const char *type = g_bytes_get_data (mimetype, &len);
          const char *odt = "application/vnd.oasis.opendocument.text";

          /* .odt and its template .ott; not spreadsheets or slides */
          if (len < strlen (odt) || strncmp (type, odt, strlen (odt)) != 0)
            {
              g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_UNSUPPORTED,
                           "“%s” is an OpenDocument file but not a text document. "
                           "Gloss reads text documents (.odt); export the text from "
                           "it and import that.", display_name);
              return NULL;
            }
        }
    }

  if (part == NULL)
    {
      g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_UNSUPPORTED,
                   "“%s” is a zip archive, but neither a Word document (.docx) "
                   "nor an OpenDocument text (.odt). Save the interview as .txt, "
                   ".docx or .odt and import that.", display_name);
      return NULL;
    }

  text = extract_document_text (part, format, display_name, error);
  if (text == NULL)
    return NULL;

  if (*text == '\0')
    {
      g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_EMPTY,
                   "“%s” holds no text. Choose a document with the interview's "
                   "text in it.", display_name);
      return NULL;
    }

  return gloss_text_decode (text, strlen (text), "UTF-8", error);
}

static gboolean
has_suffix_ci (const char *name,
               const char *suffix)
{
  gsize n = strlen (name);
  gsize s = strlen (suffix);

  return n >= s && g_ascii_strcasecmp (name + n - s, suffix) == 0;
}

/* Told by content: the extension only sharpens the message.  Word and
 * OpenDocument XML declares its own encoding, so @encoding is for text
 * files only. */
static char *
decode_file (const char  *path,
             const char  *display_name,
             const char  *data,
             gsize        len,
             const char  *encoding,
             GError     **error)
{
  if (len >= 4 && memcmp (data, "PK\x03\x04", 4) == 0)
    return read_zip_document (path, display_name, error);

  if (has_suffix_ci (path, ".docx") || has_suffix_ci (path, ".odt"))
    {
      g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_ARCHIVE,
                   "“%s” is named like a Word or OpenDocument file but is not one "
                   "(it is not a zip archive). Open it in a word processor, save "
                   "it again and import again.", display_name);
      return NULL;
    }

  if (len >= 4 && memcmp (data, "\xD0\xCF\x11\xE0", 4) == 0)
    {
      g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_UNSUPPORTED,
                   "“%s” is an old Microsoft Office file (.doc), which Gloss cannot "
                   "read. Save it as .docx or .txt and import that.", display_name);
      return NULL;
    }

  if (len >= 5 && memcmp (data, "%PDF-", 5) == 0)
    {
      g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_UNSUPPORTED,
                   "“%s” is a PDF file, which Gloss cannot read. Copy its text "
                   "into a .txt file and import that.", display_name);
      return NULL;
    }

  return gloss_text_decode (data, len, encoding, error);
}

/* Only white space: spaces, tabs, line breaks (U+FEFF and U+200B, which
 * show as nothing, count as white space here). */
static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c) && c != 0xFEFF && c != 0x200B)
        return FALSE;
    }

  return TRUE;
}

char *
gloss_text_read_file (const char  *path,
                      const char  *encoding,
                      GError     **error)
{
  g_autofree char *display_name = NULL;
  g_autofree char *data = NULL;
  g_autofree char *text = NULL;
  GStatBuf st;
  gsize len = 0;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display_name = g_filename_display_basename (path);

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_IO,
                   saved_errno == ENOENT
                     ? "“%s” does not exist (%s). Check the file's name and folder."
                     : "“%s” could not be opened: %s.",
                   display_name, g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_IO,
                   "“%s” could not be read: %s.", display_name, g_strerror (saved_errno));
      g_close (fd, NULL);
      return NULL;
    }

  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_IO,
                   "“%s” is a folder. Choose the text file itself.", display_name);
      g_close (fd, NULL);
      return NULL;
    }

  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_IO,
                   "“%s” is not a regular file. Choose a text, Word or "
                   "OpenDocument file.", display_name);
      g_close (fd, NULL);
      return NULL;
    }

  if (st.st_size > MAX_FILE_BYTES)
    {
      set_too_large (error);
      g_close (fd, NULL);
      return NULL;
    }

  /* Read what stat promised plus one byte, to notice a file that grew */
  data = g_malloc ((gsize) st.st_size + 1);
  while (len < (gsize) st.st_size + 1)
    {
      gssize n = read (fd, data + len, (gsize) st.st_size + 1 - len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_IO,
                       "“%s” could not be read: %s.", display_name,
                       g_strerror (saved_errno));
          g_close (fd, NULL);
          return NULL;
        }
      if (n == 0)
        break;
      len += n;
    }
  g_close (fd, NULL);

  if (len > (gsize) st.st_size)
    {
      g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_IO,
                   "“%s” changed while it was being read. Wait until the program "
                   "writing it has finished, then import again.", display_name);
      return NULL;
    }

  text = decode_file (path, display_name, data, len, encoding, error);
  if (text == NULL)
    return NULL;

  /* Blank lines alone are no more an interview than an empty file is,
   * and a document without a character to tag is of no use. */
  if (is_blank (text))
    {
      g_set_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_EMPTY,
                   "“%s” holds only blank lines, no text. Choose a file with the "
                   "interview's text in it.", display_name);
      return NULL;
    }

  return g_steal_pointer (&text);
}

/* --- Interview structure -------------------------------------------------- */

typedef struct
{
  gsize   byte_start;  /* the line, without its newline */
  gsize   byte_len;
  gint64  start;       /* code points of the trimmed line */
  gint64  end;
  gsize   trim_byte;   /* byte offset of the trimmed line's start */
  gsize   trim_len;    /* its length in bytes */
  int     question;    /* its number when it is a numbered question line, else 0 */
  gboolean blank;
  gboolean link;
  char    *speaker;    /* a "NAME:" turn line: the name */
} Line;

static void
line_clear (gpointer data)
{
  Line *line = data;

  g_clear_pointer (&line->speaker, g_free);
}

static GArray *
split_lines (const char *text)
{
  GArray *lines = g_array_new (FALSE, TRUE, sizeof (Line));
  const char *p = text;
  gint64 offset = 0;

  g_array_set_clear_func (lines, line_clear);

  for (;;)
    {
      const char *nl = strchr (p, '\n');
      gsize len = nl != NULL ? (gsize) (nl - p) : strlen (p);
      const char *a = p;
      const char *b = p + len;
      gint64 lead = 0;
      Line line = { 0, };

      while (a < b && g_unichar_isspace (g_utf8_get_char (a)))
        {
          a = g_utf8_next_char (a);
          lead++;
        }
      while (b > a)
        {
          const char *prev = g_utf8_prev_char (b);

          if (!g_unichar_isspace (g_utf8_get_char (prev)))
            break;
          b = prev;
        }

      line.byte_start = p - text;
      line.byte_len = len;
      line.trim_byte = a - text;
      line.trim_len = b - a;
      line.blank = (a == b);
      line.start = offset + lead;
      line.end = line.start + g_utf8_strlen (a, b - a);
      g_array_append_val (lines, line);

      offset += g_utf8_strlen (p, len);
      if (nl == NULL)
        break;
      offset++;
      p = nl + 1;
    }

  return lines;
}

static GRegex *
question_regex (void)
{
  static GRegex *regex;

  if (g_once_init_enter (&regex))
    {
      GRegex *r = g_regex_new ("^([0-9]{1,3})[.)]\\s+\\S", G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&regex, r);
    }
  return regex;
}

static GRegex *
turn_regex (void)
{
  static GRegex *regex;

  if (g_once_init_enter (&regex))
    {
      /* optional [hh:mm:ss] or [mm:ss], then NAME, a colon, then space
       * or the end of the line */
      GRegex *r = g_regex_new ("^(?:\\[[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:[.,][0-9]{1,3})?\\]\\s*)?"
                               "([^\\s:\\[\\]][^:\\[\\]]{0,39}?)\\s*:(?:\\s|$)",
                               G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&regex, r);
    }
  return regex;
}

static gboolean
is_link_line (const char *trimmed,
              gsize       len)
{
  static const char prefix[] = "Read more:";

  return len >= sizeof prefix - 1 &&
         g_ascii_strncasecmp (trimmed, prefix, sizeof prefix - 1) == 0;
}

/* A speaker's name: up to four words of letters, digits and . ' ’ - _;
 * the first word starts with a capital letter, the others with a capital
 * or a digit ("Interviewer", "Dr. Ana Silva", "Speaker 2", "Q").  A
 * sentence before a colon ("The answer was simple:") is not a name. */
static gboolean
is_speaker_name (const char *name)
{
  guint words = 1;
  gboolean word_start = TRUE;

  if (!g_unichar_isupper (g_utf8_get_char (name)) &&
      !g_unichar_istitle (g_utf8_get_char (name)))
    return FALSE;

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (word_start && !g_unichar_isupper (c) && !g_unichar_istitle (c) &&
          !g_unichar_isdigit (c))
        return FALSE;
      word_start = FALSE;

      if (c == ' ')
        {
          if (++words > 4)
            return FALSE;
          word_start = TRUE;
        }
      else if (!g_unichar_isalnum (c) && c != '.' && c != '\'' &&
               c != 0x2019 && c != '-' && c != '_')
        return FALSE;
    }

  return g_ascii_strcasecmp (name, "Read more") != 0;
}

static void
classify_lines (const char *text,
                GArray     *lines)
{
  for (guint i = 0; i < lines->len; i++)
    {
      Line *line = &g_array_index (lines, Line, i);
      g_autofree char *trimmed = NULL;
      g_autoptr(GMatchInfo) match = NULL;

      if (line->blank)
        continue;

      trimmed = g_strndup (text + line->trim_byte, line->trim_len);

      if (is_link_line (trimmed, line->trim_len))
        {
          line->link = TRUE;
          continue;
        }

      if (g_regex_match (question_regex (), trimmed, 0, &match))
        {
          g_autofree char *number = g_match_info_fetch (match, 1);

          line->question = (int) g_ascii_strtoull (number, NULL, 10);
        }
      g_clear_pointer (&match, g_match_info_free);

      if (g_regex_match (turn_regex (), trimmed, 0, &match))
        {
          g_autofree char *name = g_match_info_fetch (match, 1);

          g_strchomp (name);
          if (is_speaker_name (name))
            line->speaker = g_steal_pointer (&name);
        }
    }
}

static void
add_segment (GPtrArray        *segments,
             gint64            start,
             gint64            end,
             GlossSegmentKind  kind,
             const char       *speaker)
{
  GlossSegment *segment = g_new0 (GlossSegment, 1);

  segment->start = start;
  segment->end = end;
  segment->kind = kind;
  segment->speaker = g_strdup (speaker);
  g_ptr_array_add (segments, segment);
}

/* Front matter: short lines without closing punctuation (a banner, a
 * date, a title) are headings; sentences and paragraphs are other. */
static GlossSegmentKind
front_matter_kind (const char *text,
                   const Line *line)
{
  const char *last;
  gunichar c;

  if (line->end - line->start > 100)
    return GLOSS_SEGMENT_OTHER;

  last = g_utf8_prev_char (text + line->trim_byte + line->trim_len);
  c = g_utf8_get_char (last);
  if (c == '.' || c == '!' || c == '?' || c == ';' || c == ':' || c == ',' || c == 0x2026)
    return GLOSS_SEGMENT_OTHER;

  return GLOSS_SEGMENT_HEADING;
}

/* Numbered questions 1, 2, 3… in order; returns how many, and marks the
 * lines that are questions (others keep question = 0). */
static guint
find_numbered_questions (const char *text,
                         GArray     *lines)
{
  guint expected = 1;
  guint with_question_mark = 0;
  gboolean answered = FALSE;

  for (guint i = 0; i < lines->len; i++)
    {
      Line *line = &g_array_index (lines, Line, i);

      if (line->question == (int) expected)
        {
          if (memchr (text + line->trim_byte, '?', line->trim_len) != NULL)
            with_question_mark++;
          expected++;
        }
      else
        {
          if (expected > 1 && !line->blank && !line->link)
            answered = TRUE;
          line->question = 0;
        }
    }

  /* An interview, not a numbered list: most items ask something and
   * something follows them */
  if (expected - 1 < 2 || with_question_mark * 2 < expected - 1 || !answered)
    return 0;

  return expected - 1;
}

static void
segments_from_questions (const char *text,
                         GArray     *lines,
                         GPtrArray  *segments)
{
  gboolean seen_question = FALSE;
  guint last_question = 0;
  guint closing_from = lines->len;

  for (guint i = 0; i < lines->len; i++)
    if (g_array_index (lines, Line, i).question > 0)
      last_question = i;

  /* After the last answer, a "Read more" line usually closes the
   * interview: what follows it is the author's biography, a disclaimer… */
  {
    gboolean answer_seen = FALSE;

    for (guint i = last_question + 1; i < lines->len; i++)
      {
        Line *line = &g_array_index (lines, Line, i);

        if (line->blank)
          continue;
        if (line->link && answer_seen)
          closing_from = i + 1;
        else if (!line->link)
          answer_seen = TRUE;
      }
  }

  for (guint i = 0; i < lines->len; i++)
    {
      Line *line = &g_array_index (lines, Line, i);

      if (line->blank)
        continue;

      if (line->question > 0)
        {
          seen_question = TRUE;
          add_segment (segments, line->start, line->end, GLOSS_SEGMENT_QUESTION, "Interviewer");
        }
      else if (line->link)
        add_segment (segments, line->start, line->end, GLOSS_SEGMENT_LINK, NULL);
      else if (!seen_question)
        add_segment (segments, line->start, line->end, front_matter_kind (text, line), NULL);
      else if (i >= closing_from)
        add_segment (segments, line->start, line->end, GLOSS_SEGMENT_OTHER, NULL);
      else
        add_segment (segments, line->start, line->end, GLOSS_SEGMENT_ANSWER, "Interviewee");
    }
}

static gboolean
is_interviewer_name (const char *name)
{
  static const char *names[] = { "interviewer", "int", "i", "q", "question" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i]) == 0)
      return TRUE;
  return FALSE;
}

/* "NAME: text" turns: at least two speakers, and turns start at least
 * half of the paragraphs from the first turn on. */
static gboolean
is_turn_transcript (GArray *lines)
{
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  guint turns = 0;
  guint paragraphs = 0;
  gboolean previous_blank = TRUE;

  for (guint i = 0; i < lines->len; i++)
    {
      Line *line = &g_array_index (lines, Line, i);

      if (line->speaker != NULL)
        {
          turns++;
          paragraphs++;
          g_hash_table_add (names, line->speaker);
        }
      else if (!line->blank && previous_blank && turns > 0)
        paragraphs++;
      previous_blank = line->blank;
    }

  return turns >= 2 && g_hash_table_size (names) >= 2 && turns * 2 >= paragraphs;
}

static void
segments_from_turns (const char *text,
                     GArray     *lines,
                     GPtrArray  *segments)
{
  GlossSegment *current = NULL;  /* the segment a continuation line extends */
  const char *speaker = NULL;    /* who speaks, from the first turn on */

  for (guint i = 0; i < lines->len; i++)
    {
      Line *line = &g_array_index (lines, Line, i);

      if (line->blank)
        {
          current = NULL;
          continue;
        }

      if (line->link)
        {
          add_segment (segments, line->start, line->end, GLOSS_SEGMENT_LINK, NULL);
          current = NULL;
          continue;
        }

      if (line->speaker != NULL)
        speaker = line->speaker;
      else if (current != NULL)
        {
          /* a wrapped line of the same paragraph */
          current->end = line->end;
          continue;
        }

      if (speaker == NULL)
        {
          add_segment (segments, line->start, line->end, front_matter_kind (text, line), NULL);
          current = NULL;
          continue;
        }

      add_segment (segments, line->start, line->end,
                   is_interviewer_name (speaker) ? GLOSS_SEGMENT_QUESTION : GLOSS_SEGMENT_ANSWER,
                   speaker);
      current = g_ptr_array_index (segments, segments->len - 1);
    }
}

/* Detection reads the text and never changes it.  Segments are trimmed of
 * white space at both ends (a question's leading no-break space is not
 * part of it), so blank lines and indentation belong to no segment.  In
 * numbered interviews every non-blank line is its own segment; in turn
 * transcripts a turn runs over its wrapped lines to the next blank line
 * or turn, and later paragraphs keep its speaker.  Plain prose gives one
 * segment of kind other from the first to the last non-blank character
 * (so a trailing newline is outside it); white space alone gives none. */
GPtrArray *
gloss_text_detect_segments (const char *text)
{
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func ((GDestroyNotify) gloss_segment_free);
  g_autoptr(GArray) lines = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  lines = split_lines (text);
  classify_lines (text, lines);

  if (find_numbered_questions (text, lines) > 0)
    segments_from_questions (text, lines, segments);
  else if (is_turn_transcript (lines))
    segments_from_turns (text, lines, segments);
  else
    {
      gint64 start = -1;
      gint64 end = -1;

      for (guint i = 0; i < lines->len; i++)
        {
          Line *line = &g_array_index (lines, Line, i);

          if (line->blank)
            continue;
          if (start < 0)
            start = line->start;
          end = line->end;
        }

      if (start >= 0)
        add_segment (segments, start, end, GLOSS_SEGMENT_OTHER, NULL);
    }

  return g_steal_pointer (&segments);
}
