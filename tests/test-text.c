/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "gloss-text.h"

/* --- helpers -------------------------------------------------------------- */

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("gloss-text-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
    }
  g_remove (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static char *
decode (const char  *data,
        gsize        len,
        const char  *encoding,
        GError     **error)
{
  return gloss_text_decode (data, len, encoding, error);
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *data,
            gssize      len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  return path;
}

/* @path: (transfer full) */
static char *
load_text (char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *owned = path;
  char *contents = NULL;

  g_file_get_contents (owned, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* The text of a segment, cut by code points */
static char *
segment_text (const char         *text,
              const GlossSegment *segment)
{
  const char *start = g_utf8_offset_to_pointer (text, segment->start);
  const char *end = g_utf8_offset_to_pointer (text, segment->end);

  return g_strndup (start, end - start);
}

static void
assert_segment (GPtrArray        *segments,
                guint             index,
                gint64            start,
                gint64            end,
                GlossSegmentKind  kind,
                const char       *speaker)
{
  GlossSegment *segment;

  g_assert_cmpuint (index, <, segments->len);
  segment = g_ptr_array_index (segments, index);
  g_assert_cmpint (segment->start, ==, start);
  g_assert_cmpint (segment->end, ==, end);
  g_assert_cmpint (segment->kind, ==, kind);
  g_assert_cmpstr (segment->speaker, ==, speaker);
}

/* Sorted, not overlapping, within the text, never empty */
static void
assert_segments_well_formed (const char *text,
                             GPtrArray  *segments)
{
  gint64 length = g_utf8_strlen (text, -1);
  gint64 previous_end = 0;

  for (guint i = 0; i < segments->len; i++)
    {
      GlossSegment *segment = g_ptr_array_index (segments, i);

      g_assert_cmpint (segment->start, >=, previous_end);
      g_assert_cmpint (segment->start, <, segment->end);
      g_assert_cmpint (segment->end, <=, length);
      previous_end = segment->end;
    }
}

/* --- decoding ------------------------------------------------------------- */

static void
test_decode_utf8_plain (void)
{
  g_autoptr(GError) error = NULL;
  /* no trimming, no normalisation: "e" + combining acute stays two code points */
  const char input[] = "  caf\xC3\xA9 e\xCC\x81 \t\n\n";
  g_autofree char *text = decode (input, strlen (input), NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, input);
}

static void
test_decode_utf8_bom (void)
{
  g_autoptr(GError) error = NULL;
  const char input[] = "\xEF\xBB\xBFhello\xEF\xBB\xBF";
  g_autofree char *text = decode (input, strlen (input), NULL, &error);

  g_assert_no_error (error);
  /* only the leading BOM goes; a later U+FEFF is text */
  g_assert_cmpstr (text, ==, "hello\xEF\xBB\xBF");
}

static void
test_decode_crlf (void)
{
  g_autoptr(GError) error = NULL;
  const char input[] = "one\r\ntwo\r\n\r\nthree\r\n";
  g_autofree char *text = decode (input, strlen (input), NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "one\ntwo\n\nthree\n");
}

static void
test_decode_cr (void)
{
  g_autoptr(GError) error = NULL;
  const char input[] = "one\rtwo\r\rthree\r\r\nfour\r";
  g_autofree char *text = decode (input, strlen (input), NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "one\ntwo\n\nthree\n\nfour\n");
}

static void
test_decode_utf16le (void)
{
  g_autoptr(GError) error = NULL;
  /* BOM, "Hi", CRLF, U+00E9, U+1F600 as a surrogate pair */
  const char input[] = "\xFF\xFE" "H\0i\0\r\0\n\0\xE9\0" "\x3D\xD8\x00\xDE";
  g_autofree char *text = decode (input, sizeof input - 1, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "Hi\n\xC3\xA9\xF0\x9F\x98\x80");
}

static void
test_decode_utf16be (void)
{
  g_autoptr(GError) error = NULL;
  const char input[] = "\xFE\xFF" "\0H\0i\0\r\0\n\0\xE9" "\xD8\x3D\xDE\x00";
  g_autofree char *text = decode (input, sizeof input - 1, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "Hi\n\xC3\xA9\xF0\x9F\x98\x80");
}

static void
test_decode_latin1 (void)
{
  g_autoptr(GError) error = NULL;
  const char input[] = "caf\xE9\r\nna\xEFve\r";
  g_autofree char *text = decode (input, strlen (input), "ISO-8859-1", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "caf\xC3\xA9\nna\xC3\xAFve\n");
}

static void
test_decode_explicit_utf16_bom (void)
{
  g_autoptr(GError) error = NULL;
  /* an explicit byte order keeps the BOM as U+FEFF: it is still dropped */
  const char input[] = "\xFF\xFE" "a\0b\0";
  g_autofree char *text = decode (input, sizeof input - 1, "UTF-16LE", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "ab");
}

static void
test_decode_invalid_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  /* line 3 (CRLF counts once), after two euro signs: column 3 in characters */
  const char input[] = "abc\ndef\r\n\xE2\x82\xAC\xE2\x82\xAC\xE9t\xC3\xA9";
  g_autofree char *text = decode (input, strlen (input), NULL, &error);

  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_INVALID_ENCODING);
  g_assert_cmpstr (error->message, ==,
                   "Line 3, column 3: the byte 0xE9 is not valid UTF-8. Choose the "
                   "file's encoding (for example --encoding ISO-8859-1) and import again.");
}

static void
test_decode_invalid_utf8_first_byte (void)
{
  g_autoptr(GError) error = NULL;
  const char input[] = "\xFF rest";
  g_autofree char *text = decode (input, strlen (input), "utf-8", &error);

  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_INVALID_ENCODING);
  g_assert_true (g_str_has_prefix (error->message, "Line 1, column 1: the byte 0xFF "));
}

static void
test_decode_truncated_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  /* the first two bytes of a three-byte character at the end */
  const char input[] = "ok\n\xE2\x82";
  g_autofree char *text = decode (input, strlen (input), NULL, &error);

  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_INVALID_ENCODING);
  g_assert_true (g_str_has_prefix (error->message, "Line 2, column 1: the byte 0xE2 "));
}

static void
test_decode_invalid_utf16 (void)
{
  g_autoptr(GError) error = NULL;
  /* a lone high surrogate after "a" */
  const char input[] = "\xFF\xFE" "a\0" "\x00\xD8" "b\0";
  g_autofree char *text = decode (input, sizeof input - 1, NULL, &error);

  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_INVALID_ENCODING);
  g_assert_true (g_str_has_prefix (error->message, "Line 1, column 2: "));
}

static void
test_decode_odd_utf16 (void)
{
  g_autoptr(GError) error = NULL;
  const char input[] = "\xFF\xFE" "a\0\n\0b";
  g_autofree char *text = decode (input, sizeof input - 1, NULL, &error);

  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_INVALID_ENCODING);
  g_assert_true (g_str_has_prefix (error->message, "Line 2, column 1: the file ends in the middle"));
}

static void
test_decode_nul (void)
{
  g_autoptr(GError) error = NULL;
  const char input[] = "ab\ncd\0ef";
  g_autofree char *text = decode (input, sizeof input - 1, NULL, &error);

  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_CONTROL_CHARACTER);
  g_assert_true (g_str_has_prefix (error->message, "Line 2, column 3: "));
  g_assert_nonnull (strstr (error->message, "U+0000"));
}

static void
test_decode_nul_utf16 (void)
{
  g_autoptr(GError) error = NULL;
  const char input[] = "\xFF\xFE" "a\0\0\0";
  g_autofree char *text = decode (input, sizeof input - 1, NULL, &error);

  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_CONTROL_CHARACTER);
  g_assert_true (g_str_has_prefix (error->message, "Line 1, column 2: "));
}

static void
test_decode_bell (void)
{
  g_autoptr(GError) error = NULL;
  const char input[] = "first\n\t\xC3\xA9\x07 rest";
  g_autofree char *text = decode (input, strlen (input), NULL, &error);

  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_CONTROL_CHARACTER);
  g_assert_cmpstr (error->message, ==,
                   "Line 2, column 3: the text holds the control character U+0007, "
                   "which is not allowed in a document. Remove it (or choose the "
                   "file's real encoding) and import again.");
}

static void
test_decode_escape_latin1 (void)
{
  g_autoptr(GError) error = NULL;
  /* refused after conversion too */
  const char input[] = "x\x1B[0m";
  g_autofree char *text = decode (input, strlen (input), "ISO-8859-1", &error);

  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_CONTROL_CHARACTER);
  g_assert_nonnull (strstr (error->message, "U+001B"));
}

static void
test_decode_del_and_c1 (void)
{
  g_autoptr(GError) error = NULL;
  /* DEL and U+0085 are kept (see gloss-text.c) */
  const char input[] = "a\x7F" "b\xC2\x85" "c";
  g_autofree char *text = decode (input, strlen (input), NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, input);
}

static void
test_decode_empty (void)
{
  const struct
  {
    const char *data;
    gsize       len;
    const char *encoding;
  } cases[] = {
    { "", 0, NULL },
    { "\xEF\xBB\xBF", 3, NULL },
    { "\xFF\xFE", 2, NULL },
    { "\xFE\xFF", 2, NULL },
    { "", 0, "ISO-8859-1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = decode (cases[i].data, cases[i].len, cases[i].encoding, &error);

      g_assert_null (text);
      g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_EMPTY);
    }
}

static void
test_decode_unknown_encoding (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = decode ("abc", 3, "NOT-AN-ENCODING-9", &error);

  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_UNKNOWN_ENCODING);
  g_assert_nonnull (strstr (error->message, "NOT-AN-ENCODING-9"));
}

static void
test_decode_size_cap (void)
{
  g_autoptr(GError) error = NULL;
  gsize cap = GLOSS_MAX_TEXT_BYTES;
  g_autofree char *big = g_malloc (2 * cap + 8);
  g_autofree char *text = NULL;
  gint64 start;

  memset (big, 'a', 2 * cap + 8);

  /* exactly the cap, behind a BOM: accepted */
  memcpy (big, "\xEF\xBB\xBF", 3);
  text = decode (big, cap + 3, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (text), ==, cap);
  g_clear_pointer (&text, g_free);

  /* one byte over */
  text = decode (big, cap + 4, NULL, &error);
  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* 64 MiB is refused before anything is copied: even the invalid
   * byte at its start is never reached */
  big[0] = (char) 0xFF;
  start = g_get_monotonic_time ();
  text = decode (big, 2 * cap, NULL, &error);
  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_test_message ("64 MiB of UTF-8 refused in %.1f ms",
                  (g_get_monotonic_time () - start) / 1000.0);

  /* CRLF pairs shrink: twice the cap of CRLF gives exactly the cap */
  for (gsize i = 0; i < 2 * cap; i += 2)
    memcpy (big + i, "\r\n", 2);
  text = decode (big, 2 * cap, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (text), ==, cap);
  g_clear_pointer (&text, g_free);

  /* converted text is cut off as soon as it passes the cap */
  memset (big, 'a', cap + 8);
  text = decode (big, cap + 1, "ISO-8859-1", &error);
  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_TOO_LARGE);
  g_clear_error (&error);

  text = decode (big, cap, "ISO-8859-1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (text), ==, cap);
}

static void
test_decode_size_cap_utf16 (void)
{
  g_autoptr(GError) error = NULL;
  gsize cap = GLOSS_MAX_TEXT_BYTES;
  gsize len = 2 + 2 * (cap + 1);
  g_autofree char *big = g_malloc0 (len);
  g_autofree char *text = NULL;

  big[0] = (char) 0xFF;
  big[1] = (char) 0xFE;
  for (gsize i = 2; i < len; i += 2)
    big[i] = 'a';

  text = decode (big, len, NULL, &error);
  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_TOO_LARGE);
}

/* --- files ---------------------------------------------------------------- */

static void
test_read_file_text (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_file (fixture, "a.txt", "\xEF\xBB\xBFone\r\ntwo", -1);
  g_autofree char *latin = write_file (fixture, "b.txt", "caf\xE9", -1);
  g_autofree char *text = gloss_text_read_file (path, NULL, &error);
  g_autofree char *text2 = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "one\ntwo");

  text2 = gloss_text_read_file (latin, NULL, &error);
  g_assert_null (text2);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_INVALID_ENCODING);
  g_clear_error (&error);

  text2 = gloss_text_read_file (latin, "ISO-8859-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text2, ==, "caf\xC3\xA9");
}

static void
test_read_file_missing (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "nothing.txt", NULL);
  g_autofree char *text = gloss_text_read_file (path, NULL, &error);

  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "“nothing.txt” does not exist"));
}

static void
test_read_file_directory (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gloss_text_read_file (fixture->dir, NULL, &error);

  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "is a folder"));
}

static void
test_read_file_empty (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_file (fixture, "empty.txt", "", 0);
  g_autofree char *text = gloss_text_read_file (path, NULL, &error);

  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_EMPTY);
}

static void
test_read_file_too_large (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "huge.txt", NULL);
  g_autofree char *text = NULL;
  gint64 start;
  int fd;

  /* a sparse file: refused from its size, nothing read */
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) GLOSS_MAX_TEXT_BYTES * 4 + 1), ==, 0);
  g_close (fd, NULL);

  start = g_get_monotonic_time ();
  text = gloss_text_read_file (path, NULL, &error);
  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_TOO_LARGE);
  /* well under the time it takes to read 128 MiB */
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
}

static void
test_read_file_unsupported (Fixture       *fixture,
                            gconstpointer  data)
{
  const struct
  {
    const char     *name;
    const char     *data;
    gsize           len;
    int             code;
  } cases[] = {
    { "old.doc", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 rest", 13, GLOSS_TEXT_ERROR_UNSUPPORTED },
    { "paper.pdf", "%PDF-1.7\n%stuff", 15, GLOSS_TEXT_ERROR_UNSUPPORTED },
    { "fake.docx", "plain text pretending", 21, GLOSS_TEXT_ERROR_ARCHIVE },
    { "fake.odt", "plain text pretending", 21, GLOSS_TEXT_ERROR_ARCHIVE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = write_file (fixture, cases[i].name, cases[i].data, cases[i].len);
      g_autofree char *text = gloss_text_read_file (path, NULL, &error);

      g_assert_null (text);
      g_assert_error (error, GLOSS_TEXT_ERROR, cases[i].code);
    }
}

/* --- structure ------------------------------------------------------------ */

static guint
count_kind (GPtrArray        *segments,
            GlossSegmentKind  kind)
{
  guint n = 0;

  for (guint i = 0; i < segments->len; i++)
    if (((GlossSegment *) g_ptr_array_index (segments, i))->kind == kind)
      n++;
  return n;
}

static void
test_segments_sample (void)
{
  g_autofree char *text = load_text (g_test_build_filename (G_TEST_DIST, "..", "data", "sample",
                                                                "pakistan-russia-interview.txt", NULL));
  g_autofree char *copy = g_strdup (text);
  g_autoptr(GPtrArray) segments = gloss_text_detect_segments (text);
  g_auto(GStrv) lines = NULL;
  guint n_read_more = 0;
  gboolean found_russia = FALSE;

  g_assert_cmpstr (text, ==, copy);
  g_assert_cmpint (g_utf8_strlen (text, -1), ==, 15713);
  assert_segments_well_formed (text, segments);

  /* 5 front matter + 12 questions + 35 answer paragraphs + 12 links + 1 closing */
  g_assert_cmpuint (segments->len, ==, 65);
  g_assert_cmpuint (count_kind (segments, GLOSS_SEGMENT_QUESTION), ==, 12);
  g_assert_cmpuint (count_kind (segments, GLOSS_SEGMENT_ANSWER), ==, 35);
  g_assert_cmpuint (count_kind (segments, GLOSS_SEGMENT_LINK), ==, 12);
  g_assert_cmpuint (count_kind (segments, GLOSS_SEGMENT_HEADING), ==, 3);
  g_assert_cmpuint (count_kind (segments, GLOSS_SEGMENT_OTHER), ==, 3);

  /* front matter: banner, date, title, two intro paragraphs */
  assert_segment (segments, 0, 0, 33, GLOSS_SEGMENT_HEADING, NULL);
  assert_segment (segments, 1, 35, 60, GLOSS_SEGMENT_HEADING, NULL);
  assert_segment (segments, 2, 62, 112, GLOSS_SEGMENT_HEADING, NULL);
  assert_segment (segments, 3, 114, 372, GLOSS_SEGMENT_OTHER, NULL);
  assert_segment (segments, 4, 374, 541, GLOSS_SEGMENT_OTHER, NULL);

  /* question 1 */
  assert_segment (segments, 5, 543, 720, GLOSS_SEGMENT_QUESTION, "Interviewer");
  assert_segment (segments, 6, 722, 1045, GLOSS_SEGMENT_ANSWER, "Interviewee");

  /* question 5: its line starts with a no-break space, which is not part of it */
  for (guint i = 0; i < segments->len; i++)
    {
      GlossSegment *segment = g_ptr_array_index (segments, i);
      g_autofree char *s = segment_text (text, segment);

      if (g_str_has_prefix (s, "5. "))
        {
          g_assert_cmpint (segment->start, ==, 7869);
          g_assert_cmpint (segment->end, ==, 7912);
          g_assert_cmpint (segment->kind, ==, GLOSS_SEGMENT_QUESTION);
          g_assert_cmpstr (s, ==, "5. What is the relevance of Russia in CPEC?");
          g_assert_cmpuint (g_utf8_get_char (g_utf8_offset_to_pointer (text, 7868)), ==, 0x00A0);
        }

      /* the first "Russia’s", [3916, 3924), opens an answer to question 3 */
      if (segment->start <= 3916 && 3924 <= segment->end)
        {
          g_autofree char *quote = g_strndup (g_utf8_offset_to_pointer (text, 3916),
                                              g_utf8_offset_to_pointer (text, 3924) -
                                              g_utf8_offset_to_pointer (text, 3916));

          g_assert_cmpstr (quote, ==, "Russia\u2019s");
          g_assert_false (found_russia);
          found_russia = TRUE;
          g_assert_cmpint (segment->start, ==, 3916);
          g_assert_cmpint (segment->end, ==, 4291);
          g_assert_cmpint (segment->kind, ==, GLOSS_SEGMENT_ANSWER);
          g_assert_cmpstr (segment->speaker, ==, "Interviewee");
        }

      if (segment->kind == GLOSS_SEGMENT_QUESTION)
        g_assert_cmpstr (segment->speaker, ==, "Interviewer");
      else if (segment->kind == GLOSS_SEGMENT_ANSWER)
        g_assert_cmpstr (segment->speaker, ==, "Interviewee");
      else
        g_assert_null (segment->speaker);

      g_assert_cmpint (g_str_has_prefix (s, "Read more:"), ==,
                       segment->kind == GLOSS_SEGMENT_LINK);
    }
  g_assert_true (found_russia);

  /* every "Read more:" line of the file is one link segment */
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "Read more:"))
      n_read_more++;
  g_assert_cmpuint (n_read_more, ==, 12);

  /* the questions are numbered 1 to 12 in order */
  for (guint i = 0, n = 1; i < segments->len; i++)
    {
      GlossSegment *segment = g_ptr_array_index (segments, i);
      g_autofree char *s = NULL;
      g_autofree char *prefix = NULL;

      if (segment->kind != GLOSS_SEGMENT_QUESTION)
        continue;
      s = segment_text (text, segment);
      prefix = g_strdup_printf ("%u. ", n++);
      g_assert_true (g_str_has_prefix (s, prefix));
    }

  /* the author's biography and the disclaimer close the text */
  assert_segment (segments, 64, 15387, 15713, GLOSS_SEGMENT_OTHER, NULL);
  assert_segment (segments, 63, 15316, 15385, GLOSS_SEGMENT_LINK, NULL);
  assert_segment (segments, 62, 14886, 15314, GLOSS_SEGMENT_ANSWER, "Interviewee");
}

static void
test_segments_turns (void)
{
  g_autofree char *text = load_text (g_test_build_filename (G_TEST_DIST, "data", "text", "turns.txt", NULL));
  g_autofree char *copy = g_strdup (text);
  g_autoptr(GPtrArray) segments = gloss_text_detect_segments (text);
  g_autofree char *first = NULL;

  g_assert_cmpstr (text, ==, copy);
  g_assert_cmpint (g_utf8_strlen (text, -1), ==, 500);
  assert_segments_well_formed (text, segments);
  g_assert_cmpuint (segments->len, ==, 9);

  assert_segment (segments, 0, 0, 30, GLOSS_SEGMENT_HEADING, NULL);
  assert_segment (segments, 1, 31, 63, GLOSS_SEGMENT_HEADING, NULL);
  /* a turn covers its wrapped lines; the timestamp stays in it */
  assert_segment (segments, 2, 65, 156, GLOSS_SEGMENT_QUESTION, "INTERVIEWER");
  assert_segment (segments, 3, 158, 265, GLOSS_SEGMENT_ANSWER, "MAREK NOWAK");
  /* a timestamp after the name */
  assert_segment (segments, 4, 267, 312, GLOSS_SEGMENT_QUESTION, "INTERVIEWER");
  assert_segment (segments, 5, 314, 358, GLOSS_SEGMENT_ANSWER, "MAREK NOWAK");
  /* a later paragraph of the same turn keeps its speaker */
  assert_segment (segments, 6, 360, 415, GLOSS_SEGMENT_ANSWER, "MAREK NOWAK");
  assert_segment (segments, 7, 417, 463, GLOSS_SEGMENT_QUESTION, "INTERVIEWER");
  assert_segment (segments, 8, 465, 499, GLOSS_SEGMENT_ANSWER, "MAREK NOWAK");

  first = segment_text (text, g_ptr_array_index (segments, 2));
  g_assert_cmpstr (first, ==,
                   "[00:00:04] INTERVIEWER: Thank you for making the time. How long have you\n"
                   "worked as a pilot?");
}

static void
test_segments_prose (void)
{
  g_autofree char *text = load_text (g_test_build_filename (G_TEST_DIST, "data", "text", "prose.txt", NULL));
  g_autoptr(GPtrArray) segments = gloss_text_detect_segments (text);

  /* one segment, from the first to the last non-blank character: the
   * trailing newline is outside it */
  g_assert_cmpint (g_utf8_strlen (text, -1), ==, 484);
  g_assert_cmpuint (segments->len, ==, 1);
  assert_segment (segments, 0, 0, 483, GLOSS_SEGMENT_OTHER, NULL);
}

static void
test_segments_emoji (void)
{
  g_autofree char *text = load_text (g_test_build_filename (G_TEST_DIST, "data", "text", "emoji.txt", NULL));
  g_autoptr(GPtrArray) segments = gloss_text_detect_segments (text);
  g_autofree char *last = NULL;

  /* code points, not bytes (86) nor UTF-16 units (76) */
  g_assert_cmpuint (strlen (text), ==, 86);
  g_assert_cmpint (g_utf8_strlen (text, -1), ==, 71);
  assert_segments_well_formed (text, segments);
  g_assert_cmpuint (segments->len, ==, 3);
  assert_segment (segments, 0, 0, 32, GLOSS_SEGMENT_ANSWER, "ANA");
  assert_segment (segments, 1, 33, 54, GLOSS_SEGMENT_ANSWER, "BEN");
  assert_segment (segments, 2, 56, 70, GLOSS_SEGMENT_ANSWER, "ANA");

  last = segment_text (text, g_ptr_array_index (segments, 2));
  g_assert_cmpstr (last, ==, "ANA: \xF0\x9F\x98\x80\xF0\x9F\x98\x80 great.");
}

static void
test_segments_edge_cases (void)
{
  g_autoptr(GPtrArray) blank = gloss_text_detect_segments (" \n\t\n");
  g_autoptr(GPtrArray) one = gloss_text_detect_segments ("\n  A single line.  \n");
  /* one speaker alone is not a transcript */
  g_autoptr(GPtrArray) monologue = gloss_text_detect_segments ("Note: one.\n\nNote: two.\n");
  /* numbered items that ask nothing are a list, not questions */
  g_autoptr(GPtrArray) list = gloss_text_detect_segments ("Steps\n\n1. Open.\n2. Close.\nDone\n");

  g_assert_cmpuint (blank->len, ==, 0);
  g_assert_cmpuint (one->len, ==, 1);
  assert_segment (one, 0, 3, 17, GLOSS_SEGMENT_OTHER, NULL);
  g_assert_cmpuint (monologue->len, ==, 1);
  assert_segment (monologue, 0, 0, 22, GLOSS_SEGMENT_OTHER, NULL);
  g_assert_cmpuint (list->len, ==, 1);
  assert_segment (list, 0, 0, 30, GLOSS_SEGMENT_OTHER, NULL);
}

static void
test_segments_numbered_no_links (void)
{
  const char *text =
    "Title\n"
    "\n"
    "1. Why?\n"
    "Because.\n"
    "2) How \xF0\x9F\x98\x80?\n"
    "\n"
    "Slowly.\n";
  g_autoptr(GPtrArray) segments = gloss_text_detect_segments (text);

  assert_segments_well_formed (text, segments);
  g_assert_cmpuint (segments->len, ==, 5);
  assert_segment (segments, 0, 0, 5, GLOSS_SEGMENT_HEADING, NULL);
  assert_segment (segments, 1, 7, 14, GLOSS_SEGMENT_QUESTION, "Interviewer");
  assert_segment (segments, 2, 15, 23, GLOSS_SEGMENT_ANSWER, "Interviewee");
  assert_segment (segments, 3, 24, 33, GLOSS_SEGMENT_QUESTION, "Interviewer");
  /* without a closing "Read more" line, everything after is answer */
  assert_segment (segments, 4, 35, 42, GLOSS_SEGMENT_ANSWER, "Interviewee");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gloss/text/decode/utf8", test_decode_utf8_plain);
  g_test_add_func ("/gloss/text/decode/utf8-bom", test_decode_utf8_bom);
  g_test_add_func ("/gloss/text/decode/crlf", test_decode_crlf);
  g_test_add_func ("/gloss/text/decode/cr", test_decode_cr);
  g_test_add_func ("/gloss/text/decode/utf16le", test_decode_utf16le);
  g_test_add_func ("/gloss/text/decode/utf16be", test_decode_utf16be);
  g_test_add_func ("/gloss/text/decode/iso-8859-1", test_decode_latin1);
  g_test_add_func ("/gloss/text/decode/explicit-utf16-bom", test_decode_explicit_utf16_bom);
  g_test_add_func ("/gloss/text/decode/invalid-utf8", test_decode_invalid_utf8);
  g_test_add_func ("/gloss/text/decode/invalid-utf8-first-byte", test_decode_invalid_utf8_first_byte);
  g_test_add_func ("/gloss/text/decode/truncated-utf8", test_decode_truncated_utf8);
  g_test_add_func ("/gloss/text/decode/invalid-utf16", test_decode_invalid_utf16);
  g_test_add_func ("/gloss/text/decode/odd-utf16", test_decode_odd_utf16);
  g_test_add_func ("/gloss/text/decode/nul", test_decode_nul);
  g_test_add_func ("/gloss/text/decode/nul-utf16", test_decode_nul_utf16);
  g_test_add_func ("/gloss/text/decode/bell", test_decode_bell);
  g_test_add_func ("/gloss/text/decode/escape-latin1", test_decode_escape_latin1);
  g_test_add_func ("/gloss/text/decode/del-and-c1", test_decode_del_and_c1);
  g_test_add_func ("/gloss/text/decode/empty", test_decode_empty);
  g_test_add_func ("/gloss/text/decode/unknown-encoding", test_decode_unknown_encoding);
  g_test_add_func ("/gloss/text/decode/size-cap", test_decode_size_cap);
  g_test_add_func ("/gloss/text/decode/size-cap-utf16", test_decode_size_cap_utf16);

  g_test_add ("/gloss/text/read-file/text", Fixture, NULL,
              fixture_set_up, test_read_file_text, fixture_tear_down);
  g_test_add ("/gloss/text/read-file/missing", Fixture, NULL,
              fixture_set_up, test_read_file_missing, fixture_tear_down);
  g_test_add ("/gloss/text/read-file/directory", Fixture, NULL,
              fixture_set_up, test_read_file_directory, fixture_tear_down);
  g_test_add ("/gloss/text/read-file/empty", Fixture, NULL,
              fixture_set_up, test_read_file_empty, fixture_tear_down);
  g_test_add ("/gloss/text/read-file/too-large", Fixture, NULL,
              fixture_set_up, test_read_file_too_large, fixture_tear_down);
  g_test_add ("/gloss/text/read-file/unsupported", Fixture, NULL,
              fixture_set_up, test_read_file_unsupported, fixture_tear_down);

  g_test_add_func ("/gloss/text/segments/sample", test_segments_sample);
  g_test_add_func ("/gloss/text/segments/turns", test_segments_turns);
  g_test_add_func ("/gloss/text/segments/prose", test_segments_prose);
  g_test_add_func ("/gloss/text/segments/emoji", test_segments_emoji);
  g_test_add_func ("/gloss/text/segments/edge-cases", test_segments_edge_cases);
  g_test_add_func ("/gloss/text/segments/numbered", test_segments_numbered_no_links);

  return g_test_run ();
}
