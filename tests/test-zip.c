/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "gloss-text.h"
#include "gloss-zip.h"

#define PYTHON "/usr/bin/python3"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("gloss-zip-XXXXXX", &error);
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
path_in (Fixture    *fixture,
         const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

static guint
count_files (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Helpers every Python snippet gets: z(name, entries) writes a zip into
 * the fixture's folder; an entry is (name or ZipInfo, data). */
static const char python_prelude[] =
  "import os, struct, sys, zipfile\n"
  "d = sys.argv[1]\n"
  "def z(name, entries, comp=zipfile.ZIP_DEFLATED):\n"
  "    with zipfile.ZipFile(os.path.join(d, name), 'w', comp) as f:\n"
  "        for n, data in entries:\n"
  "            f.writestr(n, data)\n"
  "def info(name, mode):\n"
  "    i = zipfile.ZipInfo(name)\n"
  "    i.create_system = 3\n"
  "    i.external_attr = mode << 16\n"
  "    return i\n"
  "def patch_sizes(name, size):\n"
  "    p = os.path.join(d, name)\n"
  "    b = bytearray(open(p, 'rb').read())\n"
  "    assert b[0:4] == b'PK\\x03\\x04'\n"
  "    struct.pack_into('<I', b, 22, size)\n"
  "    c = b.find(b'PK\\x01\\x02')\n"
  "    struct.pack_into('<I', b, c + 24, size)\n"
  "    open(p, 'wb').write(b)\n";

/* Runs Python with the prelude; returns FALSE (and skips) when Debian's
 * Python is missing. */
static gboolean
run_python (Fixture    *fixture,
            const char *script)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *full = g_strconcat (python_prelude, script, NULL);
  g_autofree char *err = NULL;
  const char *argv[] = { PYTHON, "-W", "ignore", "-c", full, fixture->dir, NULL };
  int status = 0;

  if (!g_file_test (PYTHON, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("needs " PYTHON " to craft zip files");
      return FALSE;
    }

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_test_message ("python: %s", err);
  g_assert_no_error (error);
  return TRUE;
}

static void
assert_open_fails (Fixture              *fixture,
                   const char           *name,
                   const GlossZipLimits *limits,
                   int                   code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = path_in (fixture, name);
  g_autoptr(GlossZip) zip = gloss_zip_open (path, limits, &error);

  g_assert_null (zip);
  g_assert_error (error, GLOSS_ZIP_ERROR, code);
  g_test_message ("%s: %s", name, error->message);
}

/* --- writing and reading back ---------------------------------------------- */

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = path_in (fixture, "out.zip");
  g_autoptr(GlossZipWriter) writer = NULL;
  g_autoptr(GlossZip) zip = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree guint8 *noise = g_malloc (3 << 20);
  const char binary[] = "a\0b\xFF\r\n";
  const char *const *names;
  const char *contents;
  gsize len;

  for (gsize i = 0; i < (3 << 20); i++)
    noise[i] = (guint8) g_rand_int_range (rand, 0, 256);

  writer = gloss_zip_writer_new (path, &error);
  g_assert_no_error (error);
  g_assert_true (gloss_zip_writer_add (writer, "project.qde", "<Project/>", 10, &error));
  g_assert_no_error (error);
  g_assert_true (gloss_zip_writer_add (writer, "sources/b.bin", binary, sizeof binary - 1, &error));
  g_assert_no_error (error);
  g_assert_true (gloss_zip_writer_add (writer, "sources/empty.txt", NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_true (gloss_zip_writer_add (writer, "sources/\xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80.txt", "x", 1, &error));
  g_assert_no_error (error);
  g_assert_true (gloss_zip_writer_add (writer, "noise", noise, 3 << 20, &error));
  g_assert_no_error (error);

  /* nothing at the destination until finished */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (gloss_zip_writer_finish (writer, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&writer, gloss_zip_writer_free);
  /* the temporary file is gone */
  g_assert_cmpuint (count_files (fixture->dir), ==, 1);

  zip = gloss_zip_open (path, NULL, &error);
  g_assert_no_error (error);
  names = gloss_zip_list (zip);
  g_assert_cmpuint (g_strv_length ((char **) names), ==, 5);
  g_assert_cmpstr (names[0], ==, "project.qde");
  g_assert_cmpstr (names[1], ==, "sources/b.bin");
  g_assert_cmpstr (names[2], ==, "sources/empty.txt");
  g_assert_cmpstr (names[3], ==, "sources/\xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80.txt");
  g_assert_cmpstr (names[4], ==, "noise");

  bytes = gloss_zip_get (zip, "sources/b.bin", FALSE, &error);
  g_assert_no_error (error);
  contents = g_bytes_get_data (bytes, &len);
  g_assert_cmpmem (contents, len, binary, sizeof binary - 1);
  g_clear_pointer (&bytes, g_bytes_unref);

  bytes = gloss_zip_get (zip, "noise", FALSE, &error);
  g_assert_no_error (error);
  contents = g_bytes_get_data (bytes, &len);
  g_assert_cmpmem (contents, len, noise, 3 << 20);
  g_clear_pointer (&bytes, g_bytes_unref);

  bytes = gloss_zip_get (zip, "sources/empty.txt", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 0);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* names match exactly, or ignoring ASCII case when asked */
  bytes = gloss_zip_get (zip, "SOURCES/B.bin", FALSE, &error);
  g_assert_null (bytes);
  g_assert_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_MISSING);
  g_clear_error (&error);

  bytes = gloss_zip_get (zip, "SOURCES/B.bin", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, sizeof binary - 1);
  g_clear_pointer (&bytes, g_bytes_unref);

  bytes = gloss_zip_get (zip, "missing", TRUE, &error);
  g_assert_null (bytes);
  g_assert_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_MISSING);
  g_clear_error (&error);

  /* another zip reader agrees, CRCs included */
  run_python (fixture,
              "f = zipfile.ZipFile(os.path.join(d, 'out.zip'))\n"
                  "assert f.testzip() is None\n"
                  "assert f.read('project.qde') == b'<Project/>'\n"
                  "assert len(f.read('noise')) == 3 << 20\n"
              "assert 'sources/\\u00e9t\\u00e9 \\U0001F600.txt' in f.namelist()\n");
}

static void
test_writer_abandoned (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = path_in (fixture, "keep.zip");
  g_autofree char *contents = NULL;
  GlossZipWriter *writer;

  g_file_set_contents (path, "the old file", -1, &error);
  g_assert_no_error (error);

  writer = gloss_zip_writer_new (path, &error);
  g_assert_no_error (error);
  g_assert_true (gloss_zip_writer_add (writer, "a.txt", "new", 3, &error));
  g_assert_no_error (error);
  /* the temporary file sits beside the destination */
  g_assert_cmpuint (count_files (fixture->dir), ==, 2);
  gloss_zip_writer_free (writer);

  g_assert_cmpuint (count_files (fixture->dir), ==, 1);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, "the old file");
}

static void
test_writer_replaces (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = path_in (fixture, "replace.zip");
  g_autoptr(GlossZipWriter) writer = NULL;
  g_autoptr(GlossZip) zip = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_file_set_contents (path, "the old file", -1, &error);
  g_assert_no_error (error);

  writer = gloss_zip_writer_new (path, &error);
  g_assert_no_error (error);
  g_assert_true (gloss_zip_writer_add (writer, "a.txt", "new", 3, &error));
  g_assert_true (gloss_zip_writer_finish (writer, &error));
  g_assert_no_error (error);

  zip = gloss_zip_open (path, NULL, &error);
  g_assert_no_error (error);
  bytes = gloss_zip_get (zip, "a.txt", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "new", 3);
}

static void
test_writer_refuses (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = path_in (fixture, "w.zip");
  g_autofree char *nowhere = g_build_filename (fixture->dir, "no-such-folder", "w.zip", NULL);
  g_autoptr(GlossZipWriter) writer = NULL;
  g_autoptr(GlossZipWriter) missing = NULL;
  const char *unsafe[] = { "../up.txt", "/abs.txt", "a\\b.txt", "C:x.txt", "a/../b",
                           "a//b", "./a", "", "dir/", "tab\there" };

  writer = gloss_zip_writer_new (path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (unsafe); i++)
    {
      g_assert_false (gloss_zip_writer_add (writer, unsafe[i], "x", 1, &error));
      g_assert_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_UNSAFE_PATH);
      g_clear_error (&error);
    }

  g_assert_true (gloss_zip_writer_add (writer, "Sources/a.txt", "x", 1, &error));
  g_assert_no_error (error);
  g_assert_false (gloss_zip_writer_add (writer, "sources/A.txt", "y", 1, &error));
  g_assert_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_DUPLICATE);
  g_clear_error (&error);

  missing = gloss_zip_writer_new (nowhere, &error);
  g_assert_null (missing);
  g_assert_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_IO);
}

/* --- hostile archives -------------------------------------------------------- */

static void
test_not_zip (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = path_in (fixture, "text.zip");
  g_autofree char *empty = path_in (fixture, "empty.zip");
  g_autofree char *missing = path_in (fixture, "missing.zip");
  g_autoptr(GlossZip) zip = NULL;

  g_file_set_contents (text, "This is not an archive.", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (empty, "", 0, &error);
  g_assert_no_error (error);

  assert_open_fails (fixture, "text.zip", NULL, GLOSS_ZIP_ERROR_NOT_ZIP);
  assert_open_fails (fixture, "empty.zip", NULL, GLOSS_ZIP_ERROR_NOT_ZIP);
  assert_open_fails (fixture, "missing.zip", NULL, GLOSS_ZIP_ERROR_IO);

  zip = gloss_zip_open (fixture->dir, NULL, &error);
  g_assert_null (zip);
  g_assert_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_IO);
}

static void
test_empty_archive (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = path_in (fixture, "none.zip");
  g_autoptr(GlossZip) zip = NULL;

  if (!run_python (fixture, "z('none.zip', [])\n"))
    return;

  zip = gloss_zip_open (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (gloss_zip_list (zip)[0]);
}

static void
test_truncated (Fixture       *fixture,
                gconstpointer  data)
{
  if (!run_python (fixture,
                   "z('full.zip', [('a.txt', os.urandom(20000)), ('b.txt', b'b' * 100)])\n"
                   "b = open(os.path.join(d, 'full.zip'), 'rb').read()\n"
                   "open(os.path.join(d, 'cut.zip'), 'wb').write(b[:len(b) // 2])\n"))
    return;

  assert_open_fails (fixture, "cut.zip", NULL, GLOSS_ZIP_ERROR_CORRUPT);
}

static void
test_unsafe_paths (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *names[] = {
    "../up.txt", "/etc/abs.txt", "..\\\\evil.txt", "C:\\\\Windows\\\\evil.txt",
    "C:/evil.txt", "a/../../b.txt", "a//b.txt", "./a.txt", "ok/./c.txt", "bell\\x07.txt",
  };
  g_autoptr(GString) script = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_string_append_printf (script, "z('unsafe%u.zip', [('fine.txt', b'ok'), ('%s', b'x')])\n",
                            i, names[i]);
  if (!run_python (fixture, script->str))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *name = g_strdup_printf ("unsafe%u.zip", i);

      assert_open_fails (fixture, name, NULL, GLOSS_ZIP_ERROR_UNSAFE_PATH);
    }
}

static void
test_links (Fixture       *fixture,
            gconstpointer  data)
{
  if (!run_python (fixture,
                   "z('symlink.zip', [('a.txt', b'a'), (info('link', 0o120777), b'/etc/passwd')])\n"
                   "z('socket.zip', [(info('sock', 0o140644), b'')])\n"
                   "z('device.zip', [(info('dev', 0o020644), b'')])\n"))
    return;

  assert_open_fails (fixture, "symlink.zip", NULL, GLOSS_ZIP_ERROR_SYMLINK);
  assert_open_fails (fixture, "socket.zip", NULL, GLOSS_ZIP_ERROR_SYMLINK);
  assert_open_fails (fixture, "device.zip", NULL, GLOSS_ZIP_ERROR_SYMLINK);
}

static void
test_folders_allowed (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = path_in (fixture, "folders.zip");
  g_autoptr(GlossZip) zip = NULL;
  const char *const *names;

  if (!run_python (fixture,
                   "z('folders.zip', [('sources/', b''), ('sources/a.txt', b'a'),"
                   " (info('Sources2/', 0o040755), b''), ('\\u00e9t\\u00e9.txt', b'e')])\n"))
    return;

  /* folder entries are fine, and left out of the list */
  zip = gloss_zip_open (path, NULL, &error);
  g_assert_no_error (error);
  names = gloss_zip_list (zip);
  g_assert_cmpuint (g_strv_length ((char **) names), ==, 2);
  g_assert_cmpstr (names[0], ==, "sources/a.txt");
  g_assert_cmpstr (names[1], ==, "\xC3\xA9t\xC3\xA9.txt");
}

static void
test_duplicates (Fixture       *fixture,
                 gconstpointer  data)
{
  if (!run_python (fixture,
                   "z('dup.zip', [('a.txt', b'one'), ('b.txt', b'b'), ('a.txt', b'two')])\n"
                   "z('dupcase.zip', [('Sources/a.txt', b'one'), ('sources/A.TXT', b'two')])\n"
                   /* libarchive reads "\" as "/", so these name one file */
                   "z('dupslash.zip', [('a/b.txt', b'one'), ('a\\\\b.txt', b'two')])\n"))
    return;

  assert_open_fails (fixture, "dup.zip", NULL, GLOSS_ZIP_ERROR_DUPLICATE);
  assert_open_fails (fixture, "dupcase.zip", NULL, GLOSS_ZIP_ERROR_DUPLICATE);
  assert_open_fails (fixture, "dupslash.zip", NULL, GLOSS_ZIP_ERROR_DUPLICATE);
}

static void
test_lying_headers (Fixture       *fixture,
                    gconstpointer  data)
{
  if (!run_python (fixture,
                   "for comp, tag in ((zipfile.ZIP_DEFLATED, 'deflate'), (zipfile.ZIP_STORED, 'stored')):\n"
                   "    z('long-' + tag + '.zip', [('a.txt', b'x' * 5000)], comp)\n"
                   "    patch_sizes('long-' + tag + '.zip', 10)\n"
                   "    z('short-' + tag + '.zip', [('a.txt', b'x' * 5000)], comp)\n"
                   "    patch_sizes('short-' + tag + '.zip', 10000)\n"))
    return;

  assert_open_fails (fixture, "long-deflate.zip", NULL, GLOSS_ZIP_ERROR_CORRUPT);
  assert_open_fails (fixture, "short-deflate.zip", NULL, GLOSS_ZIP_ERROR_CORRUPT);
  assert_open_fails (fixture, "long-stored.zip", NULL, GLOSS_ZIP_ERROR_CORRUPT);
  assert_open_fails (fixture, "short-stored.zip", NULL, GLOSS_ZIP_ERROR_CORRUPT);
}

static void
test_bomb (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GlossZipLimits no_ratio = { 64u << 20, 512u << 20, 100000, G_MAXUINT };
  gint64 start;

  /* 1 GiB of zeros in about 1 MB, honest headers; then the same bytes
   * with headers claiming 32 MiB */
  if (!run_python (fixture,
                   "with zipfile.ZipFile(os.path.join(d, 'bomb.zip'), 'w', zipfile.ZIP_DEFLATED) as f:\n"
                   "    with f.open('zeros', 'w') as e:\n"
                   "        chunk = bytes(1 << 20)\n"
                   "        for i in range(1024):\n"
                   "            e.write(chunk)\n"
                   "b = open(os.path.join(d, 'bomb.zip'), 'rb').read()\n"
                   "assert len(b) < 2 << 20\n"
                   "open(os.path.join(d, 'lying-bomb.zip'), 'wb').write(b)\n"
                   "patch_sizes('lying-bomb.zip', 32 << 20)\n"))
    return;

  start = g_get_monotonic_time ();

  /* refused from its header */
  assert_open_fails (fixture, "bomb.zip", NULL, GLOSS_ZIP_ERROR_TOO_LARGE);

  /* refused while reading: the ratio, counted as the bytes come out,
   * gives it away long before the claimed 32 MiB */
  {
    g_autofree char *path = path_in (fixture, "lying-bomb.zip");
    g_autoptr(GlossZip) zip = gloss_zip_open (path, NULL, &error);

    g_assert_null (zip);
    g_assert_error (error, GLOSS_ZIP_ERROR, GLOSS_ZIP_ERROR_TOO_LARGE);
    g_assert_nonnull (strstr (error->message, "times its packed size"));
    g_clear_error (&error);
  }

  /* without a ratio limit, counting still stops it where the header's
   * size runs out, not at 1 GiB */
  assert_open_fails (fixture, "lying-bomb.zip", &no_ratio, GLOSS_ZIP_ERROR_CORRUPT);

  g_test_message ("bombs refused in %.0f ms",
                  (g_get_monotonic_time () - start) / 1000.0);
}

static void
test_limits (Fixture       *fixture,
             gconstpointer  data)
{
  GlossZipLimits entry_cap = { 1000, 1 << 20, 100, 200 };
  GlossZipLimits total_cap = { 1000, 1500, 100, 200 };
  GlossZipLimits few_entries = { 1000, 1 << 20, 3, 200 };
  GlossZipLimits ratio = { 64u << 20, 512u << 20, 100, 200 };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = path_in (fixture, "small.zip");
  g_autoptr(GlossZip) zip = NULL;

  if (!run_python (fixture,
                   "z('big-entry.zip', [('a', os.urandom(1001))])\n"
                   "z('small.zip', [('a', os.urandom(1000))])\n"
                   "z('two.zip', [('a', os.urandom(800)), ('b', os.urandom(800))])\n"
                   "z('four.zip', [('a', b'a'), ('b', b'b'), ('c', b'c'), ('d', b'd')])\n"
                   "z('zeros.zip', [('zeros', bytes(20 << 20))])\n"))
    return;

  zip = gloss_zip_open (path, &entry_cap, &error);
  g_assert_no_error (error);
  g_assert_nonnull (zip);

  assert_open_fails (fixture, "big-entry.zip", &entry_cap, GLOSS_ZIP_ERROR_TOO_LARGE);
  assert_open_fails (fixture, "two.zip", &total_cap, GLOSS_ZIP_ERROR_TOO_LARGE);
  assert_open_fails (fixture, "four.zip", &few_entries, GLOSS_ZIP_ERROR_TOO_LARGE);
  /* 20 MiB of zeros pack about 1000 to 1: under every size cap, over the ratio */
  assert_open_fails (fixture, "zeros.zip", &ratio, GLOSS_ZIP_ERROR_TOO_LARGE);
}

/* --- Word and OpenDocument ----------------------------------------------- */

static void
write_zip (const char *path,
           ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossZipWriter) writer = gloss_zip_writer_new (path, &error);
  const char *name;
  va_list args;

  g_assert_no_error (error);

  va_start (args, path);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *contents = va_arg (args, const char *);

      g_assert_true (gloss_zip_writer_add (writer, name, contents, strlen (contents), &error));
      g_assert_no_error (error);
    }
  va_end (args);

  g_assert_true (gloss_zip_writer_finish (writer, &error));
  g_assert_no_error (error);
}

#define DOCX_CONTENT_TYPES \
  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n" \
  "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"

#define W_DOCUMENT \
  "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"" \
  " xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\"><w:body>"

#define W_OPEN \
  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n" W_DOCUMENT

static const char docx_document[] =
  W_OPEN
  "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>"
  "<w:r><w:t>1. Do you</w:t></w:r><w:r><w:t xml:space=\"preserve\"> think &amp; </w:t></w:r>"
  "<w:r><w:t>so?</w:t></w:r></w:p>\n"
  "<w:p/>\n"
  "<w:p><w:r><w:t>Yes</w:t><w:tab/><w:t>\xE2\x80\x94 and</w:t><w:br/><w:t>no &#x1F600;</w:t></w:r>"
  "<w:del><w:r><w:delText>deleted</w:delText></w:r></w:del>"
  "<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:t>[box]</w:t></mc:Choice>"
  "<mc:Fallback><w:t>[box again]</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>"
  "<w:sectPr/></w:body></w:document>";

static void
test_docx (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = path_in (fixture, "interview.docx");
  g_autofree char *renamed = path_in (fixture, "interview.bin");
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;
  const char *expected = "1. Do you think & so?\n\nYes\t\xE2\x80\x94 and\nno \xF0\x9F\x98\x80[box]";

  write_zip (path,
             "[Content_Types].xml", DOCX_CONTENT_TYPES,
             "word/document.xml", docx_document,
             NULL);

  text = gloss_text_read_file (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, expected);

  /* told by content, not by name */
  g_assert_cmpint (g_rename (path, renamed), ==, 0);
  text2 = gloss_text_read_file (renamed, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text2, ==, expected);
}

static const char odt_content[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
  " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.3\">\n"
  "  <office:body>\n"
  "    <office:text>\n"
  "      <text:sequence-decls/>\n"
  "      <text:h text:outline-level=\"1\">Harbour  interview</text:h>\n"
  "      <text:p>INTERVIEWER: Why<text:s/>the <text:span>fog</text:span>?"
  "<text:note text:note-class=\"footnote\"><text:note-citation>1</text:note-citation>"
  "<text:note-body><text:p>A footnote.</text:p></text:note-body></text:note></text:p>\n"
  "      <text:p><text:s text:c=\"3\"/>Because\n   it\tcomes<text:tab/>fast<text:line-break/>"
  "and <text:s/>goes.  </text:p>\n"
  "      <text:p/>\n"
  "      <office:annotation><text:p>a comment</text:p></office:annotation>\n"
  "      <text:list><text:list-item><text:p>caf\xC3\xA9 &amp; more</text:p></text:list-item></text:list>\n"
  "    </office:text>\n"
  "  </office:body>\n"
  "</office:document-content>\n";

static void
test_odt (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = path_in (fixture, "interview.odt");
  g_autofree char *text = NULL;

  write_zip (path,
             "mimetype", "application/vnd.oasis.opendocument.text",
             "content.xml", odt_content,
             "META-INF/manifest.xml", "<manifest/>",
             NULL);

  text = gloss_text_read_file (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==,
                   "Harbour interview\n"
                   "INTERVIEWER: Why the fog?\n"
                   "   Because it comes\tfast\n"
                   "and  goes.\n"
                   "\n"
                   "caf\xC3\xA9 & more");
}

static void
test_documents_refused (Fixture       *fixture,
                        gconstpointer  data)
{
  const char *doctype =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE w:document [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>\n"
    W_DOCUMENT "<w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>";
  const char *external =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE w:document [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
    W_DOCUMENT "<w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>";
  g_autoptr(GString) laughs = g_string_new ("<?xml version=\"1.0\"?>\n<!DOCTYPE w:document [\n"
                                            "<!ENTITY l0 \"ha\">\n");
  const char *broken = W_OPEN "<w:p><w:r><w:t>unclosed</w:r></w:p></w:body></w:document>";
  const char *empty = W_OPEN "<w:p/></w:body></w:document>";
  const char *control = W_OPEN "<w:p><w:r><w:t>bell&#x1B;</w:t></w:r></w:p></w:body></w:document>";
  const struct
  {
    const char *name;
    const char *entry;
    const char *contents;
    int         code;
    const char *needle;
  } cases[] = {
    { "doctype.docx", "word/document.xml", doctype, GLOSS_TEXT_ERROR_ARCHIVE, "document type declaration" },
    { "external.docx", "word/document.xml", external, GLOSS_TEXT_ERROR_ARCHIVE, "document type declaration" },
    /* libxml2 may stop this one at its first reference, before the reader
     * shows the DOCTYPE: refused either way, and at once */
    { "laughs.docx", "word/document.xml", NULL, GLOSS_TEXT_ERROR_ARCHIVE, "“laughs.docx”" },
    { "broken.docx", "word/document.xml", broken, GLOSS_TEXT_ERROR_ARCHIVE, "not well-formed" },
    { "empty.docx", "word/document.xml", empty, GLOSS_TEXT_ERROR_EMPTY, "holds no text" },
    { "control.docx", "word/document.xml", control, GLOSS_TEXT_ERROR_ARCHIVE, "not well-formed" },
    { "other.zip", "notes/readme.txt", "hello", GLOSS_TEXT_ERROR_UNSUPPORTED, "neither" },
  };

  /* ten levels of ten references: 10^10 "ha" if anything expanded them */
  for (guint i = 1; i <= 10; i++)
    {
      g_string_append_printf (laughs, "<!ENTITY l%u \"", i);
      for (guint j = 0; j < 10; j++)
        g_string_append_printf (laughs, "&l%u;", i - 1);
      g_string_append (laughs, "\">\n");
    }
  g_string_append (laughs, "]>\n" W_DOCUMENT "<w:p><w:r><w:t>&l10;</w:t></w:r></w:p></w:body></w:document>");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = path_in (fixture, cases[i].name);
      g_autofree char *text = NULL;

      write_zip (path, cases[i].entry,
                 cases[i].contents != NULL ? cases[i].contents : laughs->str, NULL);
      text = gloss_text_read_file (path, NULL, &error);
      g_assert_null (text);
      g_assert_error (error, GLOSS_TEXT_ERROR, cases[i].code);
      g_test_message ("%s: %s", cases[i].name, error->message);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
    }
}

static void
test_documents_not_text (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sheet = path_in (fixture, "sheet.ods");
  g_autofree char *unsafe = path_in (fixture, "unsafe.docx");
  g_autofree char *text = NULL;

  write_zip (sheet,
             "mimetype", "application/vnd.oasis.opendocument.spreadsheet",
             "content.xml", odt_content,
             NULL);
  text = gloss_text_read_file (sheet, NULL, &error);
  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* a hostile archive behind a .docx name is an archive error */
  if (!run_python (fixture,
                   "z('unsafe.docx', [('word/document.xml', b'<x/>'), ('../evil', b'x')])\n"))
    return;
  text = gloss_text_read_file (unsafe, NULL, &error);
  g_assert_null (text);
  g_assert_error (error, GLOSS_TEXT_ERROR, GLOSS_TEXT_ERROR_ARCHIVE);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/gloss/zip/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("round-trip", test_round_trip);
  ADD ("writer-abandoned", test_writer_abandoned);
  ADD ("writer-replaces", test_writer_replaces);
  ADD ("writer-refuses", test_writer_refuses);
  ADD ("not-zip", test_not_zip);
  ADD ("empty-archive", test_empty_archive);
  ADD ("truncated", test_truncated);
  ADD ("unsafe-paths", test_unsafe_paths);
  ADD ("links", test_links);
  ADD ("folders-allowed", test_folders_allowed);
  ADD ("duplicates", test_duplicates);
  ADD ("lying-headers", test_lying_headers);
  ADD ("bomb", test_bomb);
  ADD ("limits", test_limits);
  ADD ("docx", test_docx);
  ADD ("odt", test_odt);
  ADD ("documents-refused", test_documents_refused);
  ADD ("documents-not-text", test_documents_not_text);

#undef ADD

  return g_test_run ();
}
