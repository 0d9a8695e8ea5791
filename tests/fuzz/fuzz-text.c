/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzzing: text import and interview structure.  The first byte picks
 * what the rest is:
 *   0  bytes to decode as UTF-8 (UTF-16 with a BOM)
 *   1  bytes to decode from the encoding the second byte picks
 *   2  a whole .docx file
 *   3  word/document.xml, packed here into a .docx
 *   4  content.xml, packed here into an .odt
 *   5  a .txt file read from disk
 * Every text that comes back is valid UTF-8 without controls, and its
 * segments are sorted, apart and inside it. */
#include "config.h"

#include <string.h>

#include "gloss-text.h"
#include "gloss-zip.h"
#include "fuzz-common.h"
#include "fuzz-check.h"

static const char *encodings[] = {
  "UTF-16", "UTF-16LE", "UTF-16BE", "UTF-32", "ISO-8859-1", "WINDOWS-1252", "SHIFT_JIS",
  "GB18030", "KOI8-R", "UTF-7", "no-such-encoding",
};

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_dir ();
  return 0;
}

static const char *
pack (const char    *name,
      const char    *entry,
      const uint8_t *data,
      size_t         size)
{
  g_autofree char *path = g_build_filename (fuzz_dir (), name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossZipWriter) writer = gloss_zip_writer_new (path, &error);

  FUZZ_REQUIRE (writer != NULL);
  if (g_str_has_suffix (name, ".odt"))
    FUZZ_REQUIRE (gloss_zip_writer_add (writer, "mimetype", "application/vnd.oasis.opendocument.text",
                                        39, &error));
  else
    FUZZ_REQUIRE (gloss_zip_writer_add (writer, "[Content_Types].xml", "<Types/>", 8, &error));
  FUZZ_REQUIRE (gloss_zip_writer_add (writer, entry, data, size, &error));
  FUZZ_REQUIRE (gloss_zip_writer_finish (writer, &error));
  return g_intern_string (path);
}

static void
require_good_text (const char *text)
{
  g_autoptr(GPtrArray) segments = NULL;
  glong length;
  gint64 last_end = 0;

  FUZZ_REQUIRE (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p != '\0'; p++)
    FUZZ_REQUIRE ((guchar) *p >= 0x20 || *p == '\t' || *p == '\n');
  FUZZ_REQUIRE (strchr (text, '\r') == NULL);

  length = g_utf8_strlen (text, -1);
  segments = gloss_text_detect_segments (text);
  FUZZ_REQUIRE (segments != NULL);
  for (guint i = 0; i < segments->len; i++)
    {
      GlossSegment *segment = segments->pdata[i];

      FUZZ_REQUIRE (segment->start >= last_end);
      FUZZ_REQUIRE (segment->start < segment->end);
      FUZZ_REQUIRE (segment->end <= length);
      FUZZ_REQUIRE (segment->speaker == NULL || g_utf8_validate (segment->speaker, -1, NULL));
      last_end = segment->end;
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (size < 2)
    return 0;

  switch (data[0] % 6)
    {
    case 0:
      text = gloss_text_decode ((const char *) data + 1, size - 1, NULL, &error);
      break;
    case 1:
      text = gloss_text_decode ((const char *) data + 2, size - 2,
                                encodings[data[1] % G_N_ELEMENTS (encodings)], &error);
      break;
    case 2:
      text = gloss_text_read_file (fuzz_write ("input.docx", data + 1, size - 1), NULL, &error);
      break;
    case 3:
      text = gloss_text_read_file (pack ("packed.docx", "word/document.xml", data + 1, size - 1),
                                   NULL, &error);
      break;
    case 4:
      text = gloss_text_read_file (pack ("packed.odt", "content.xml", data + 1, size - 1),
                                   NULL, &error);
      break;
    default:
      text = gloss_text_read_file (fuzz_write ("input.txt", data + 1, size - 1), NULL, &error);
      break;
    }

  if (text == NULL)
    {
      fuzz_require_message (error);
      return 0;
    }
  FUZZ_REQUIRE (error == NULL);
  require_good_text (text);
  return 0;
}
