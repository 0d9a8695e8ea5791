/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <libxml/xmlwriter.h>

#include "gloss-autocleanups.h"
#include "gloss-interchange.h"
#include "gloss-project.h"

/* Gloss XML and CSV at scale.
 *
 *   bench-interchange [--annotations N] [--factor F] [--keep DIR]
 *
 * Generates a Gloss XML file with N annotations (and one with F × N, F = 10
 * by default) on 20 documents, imports each into a new project in a child process (time
 * and peak RSS), then exports the N project to Gloss XML, CSV (long and
 * wide) and, in the same run, lets the sqlite3 tool write the same rows
 * of the long CSV, for comparison.
 *
 * The default N is 50,000 (500,000 at 10×) so the whole run fits in about
 * two minutes on two shared cores; run with --annotations 1000000 for the
 * full figure (add --factor 1 to skip the ten-million file). */

#define N_DOCUMENTS 20
#define N_ANNOTATORS 3

static gint64 n_annotations = 50000;
static int factor = 10;
static char *keep_dir = NULL;

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static goffset
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (goffset) st.st_size : -1;
}

/* ------------------------------------------------------------------------
 * A synthetic project as Gloss XML
 * ------------------------------------------------------------------------ */

static const char *words[] = {
  "Pakistan", "Russia", "cooperation", "trade", "security", "the", "and", "of", "relations",
  "Moscow", "Islamabad", "energy", "défense", "pipeline", "“talks”", "—", "region", "policy",
  "growing", "strategic", "🤝", "China", "India", "Afghanistan", "stability", "investment",
};

typedef struct
{
  char   *uuid;
  char   *text;
  gsize   len;
  gint64  length;      /* code points */
  gsize  *offsets;     /* byte offset of each code point, and of the end */
  char   *sha256;
} SynthDocument;

static void
synth_document_init (SynthDocument *document,
                     GRand         *rand,
                     gsize          bytes)
{
  GString *text = g_string_sized_new (bytes + 64);
  gint64 i = 0;

  while (text->len < bytes)
    {
      guint n = g_rand_int_range (rand, 5, 20);

      g_string_append (text, "A: ");
      for (guint w = 0; w < n; w++)
        {
          g_string_append (text, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
          g_string_append_c (text, w + 1 < n ? ' ' : '.');
        }
      g_string_append_c (text, '\n');
    }

  document->uuid = g_uuid_string_random ();
  document->len = text->len;
  document->text = g_string_free (text, FALSE);
  document->length = g_utf8_strlen (document->text, document->len);
  document->offsets = g_new (gsize, document->length + 1);
  for (const char *p = document->text; *p != '\0'; p = g_utf8_next_char (p))
    document->offsets[i++] = p - document->text;
  document->offsets[i] = document->len;
  document->sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                  (guchar *) document->text, document->len);
}

static void
synth_document_clear (SynthDocument *document)
{
  g_free (document->uuid);
  g_free (document->text);
  g_free (document->offsets);
  g_free (document->sha256);
}

#define W(call) G_STMT_START { if ((call) < 0) g_error ("xmlTextWriter failed"); } G_STMT_END

static void
write_attr_int (xmlTextWriter *writer,
                const char    *name,
                gint64         value)
{
  char buffer[32];

  g_snprintf (buffer, sizeof buffer, "%" G_GINT64_FORMAT, value);
  W (xmlTextWriterWriteAttribute (writer, BAD_CAST name, BAD_CAST buffer));
}

static void
write_code (xmlTextWriter *writer,
            const char    *uuid,
            const char    *name,
            const char    *stamp)
{
  W (xmlTextWriterStartElement (writer, BAD_CAST "code"));
  W (xmlTextWriterWriteAttribute (writer, BAD_CAST "uuid", BAD_CAST uuid));
  W (xmlTextWriterWriteAttribute (writer, BAD_CAST "name", BAD_CAST name));
  W (xmlTextWriterWriteAttribute (writer, BAD_CAST "color", BAD_CAST "#336699"));
  W (xmlTextWriterWriteAttribute (writer, BAD_CAST "modified", BAD_CAST stamp));
  W (xmlTextWriterWriteAttribute (writer, BAD_CAST "revision", BAD_CAST "1"));
}

/* Writes N annotations over N_DOCUMENTS documents of about @doc_bytes. */
static void
generate (const char *path,
          gint64      n,
          gsize       doc_bytes)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(xmlTextWriter) writer = xmlNewTextWriterFilename (path, 0);
  SynthDocument documents[N_DOCUMENTS];
  char *annotators[N_ANNOTATORS];
  GPtrArray *codes[3];
  static const char *dimension_names[] = { "Actors", "Themes", "Stance" };
  static const guint n_codes[] = { 12, 20, 3 };
  static const char *statuses[] = { "unreviewed", "accepted", "rejected" };
  const char *stamp = "2026-11-28T09:15:02.345Z";
  g_autofree char *chunk = g_malloc (65537);

  g_assert_nonnull (writer);
  for (guint d = 0; d < N_DOCUMENTS; d++)
    synth_document_init (&documents[d], rand, doc_bytes);
  for (guint a = 0; a < N_ANNOTATORS; a++)
    annotators[a] = g_uuid_string_random ();

  W (xmlTextWriterSetIndent (writer, 1));
  W (xmlTextWriterStartDocument (writer, NULL, "UTF-8", NULL));
  W (xmlTextWriterStartElementNS (writer, NULL, BAD_CAST "gloss",
                                  BAD_CAST "urn:glossapp:gloss:1"));
  W (xmlTextWriterWriteAttribute (writer, BAD_CAST "version", BAD_CAST "1"));
  W (xmlTextWriterWriteAttribute (writer, BAD_CAST "project",
                                  BAD_CAST "0f8fad5b-d9cb-469f-a165-70867728950e"));
  W (xmlTextWriterWriteAttribute (writer, BAD_CAST "exported", BAD_CAST stamp));

  W (xmlTextWriterStartElement (writer, BAD_CAST "annotators"));
  for (guint a = 0; a < N_ANNOTATORS; a++)
    {
      g_autofree char *name = g_strdup_printf ("analyst%u", a + 1);

      W (xmlTextWriterStartElement (writer, BAD_CAST "annotator"));
      W (xmlTextWriterWriteAttribute (writer, BAD_CAST "uuid", BAD_CAST annotators[a]));
      W (xmlTextWriterWriteAttribute (writer, BAD_CAST "name", BAD_CAST name));
      W (xmlTextWriterEndElement (writer));
    }
  W (xmlTextWriterEndElement (writer));

  W (xmlTextWriterStartElement (writer, BAD_CAST "dimensions"));
  for (guint m = 0; m < 3; m++)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      codes[m] = g_ptr_array_new_with_free_func (g_free);
      W (xmlTextWriterStartElement (writer, BAD_CAST "dimension"));
      W (xmlTextWriterWriteAttribute (writer, BAD_CAST "uuid", BAD_CAST uuid));
      W (xmlTextWriterWriteAttribute (writer, BAD_CAST "name", BAD_CAST dimension_names[m]));
      W (xmlTextWriterWriteAttribute (writer, BAD_CAST "kind",
                                      BAD_CAST (m == 0 ? "actor" : m == 1 ? "theme" : "stance")));
      W (xmlTextWriterWriteAttribute (writer, BAD_CAST "multiple",
                                      BAD_CAST (m < 2 ? "true" : "false")));
      W (xmlTextWriterWriteAttribute (writer, BAD_CAST "level", BAD_CAST "nominal"));
      W (xmlTextWriterWriteAttribute (writer, BAD_CAST "modified", BAD_CAST stamp));
      W (xmlTextWriterWriteAttribute (writer, BAD_CAST "revision", BAD_CAST "1"));
      for (guint c = 0; c < n_codes[m]; c++)
        {
          g_autofree char *code = g_uuid_string_random ();
          g_autofree char *name = g_strdup_printf ("%s %u", dimension_names[m], c + 1);

          /* every fourth code gets a child */
          write_code (writer, code, name, stamp);
          g_ptr_array_add (codes[m], g_strdup (code));
          if (c % 4 == 0 && m < 2)
            {
              g_autofree char *child = g_uuid_string_random ();
              g_autofree char *child_name = g_strdup_printf ("%s, detail", name);

              write_code (writer, child, child_name, stamp);
              W (xmlTextWriterEndElement (writer));
              g_ptr_array_add (codes[m], g_strdup (child));
            }
          W (xmlTextWriterEndElement (writer));
        }
      W (xmlTextWriterEndElement (writer));
    }
  W (xmlTextWriterEndElement (writer));

  W (xmlTextWriterStartElement (writer, BAD_CAST "documents"));
  for (guint d = 0; d < N_DOCUMENTS; d++)
    {
      SynthDocument *document = &documents[d];
      g_autofree char *title = g_strdup_printf ("Interview %u", d + 1);
      gsize pos = 0;

      W (xmlTextWriterStartElement (writer, BAD_CAST "document"));
      W (xmlTextWriterWriteAttribute (writer, BAD_CAST "uuid", BAD_CAST document->uuid));
      W (xmlTextWriterWriteAttribute (writer, BAD_CAST "title", BAD_CAST title));
      W (xmlTextWriterWriteAttribute (writer, BAD_CAST "sha256", BAD_CAST document->sha256));
      write_attr_int (writer, "length", document->length);
      W (xmlTextWriterWriteAttribute (writer, BAD_CAST "imported", BAD_CAST stamp));
      W (xmlTextWriterWriteAttribute (writer, BAD_CAST "modified", BAD_CAST stamp));
      W (xmlTextWriterWriteAttribute (writer, BAD_CAST "revision", BAD_CAST "1"));
      W (xmlTextWriterStartElement (writer, BAD_CAST "text"));
      while (pos < document->len)
        {
          gsize len = MIN (document->len - pos, 65536);

          while (pos + len < document->len && ((guchar) document->text[pos + len] & 0xC0) == 0x80)
            len--;
          memcpy (chunk, document->text + pos, len);
          chunk[len] = '\0';
          W (xmlTextWriterWriteElement (writer, BAD_CAST "chunk", BAD_CAST chunk));
          pos += len;
        }
      W (xmlTextWriterEndElement (writer));
      W (xmlTextWriterEndElement (writer));
    }
  W (xmlTextWriterEndElement (writer));

  W (xmlTextWriterStartElement (writer, BAD_CAST "annotations"));
  for (guint d = 0; d < N_DOCUMENTS; d++)
    {
      SynthDocument *document = &documents[d];
      gint64 share = n / N_DOCUMENTS + (d < n % N_DOCUMENTS ? 1 : 0);

      for (gint64 i = 0; i < share; i++)
        {
          g_autofree char *uuid = g_uuid_string_random ();
          g_autofree char *quote = NULL;
          gint64 start = g_rand_int_range (rand, 0, document->length - 200);
          gint64 end = start + g_rand_int_range (rand, 1, 150);
          guint status = g_rand_int_range (rand, 0, 10) < 7 ? 0 : g_rand_int_range (rand, 1, 3);
          gsize from = document->offsets[start];
          gsize to = document->offsets[end];

          quote = g_strndup (document->text + from, to - from);
          W (xmlTextWriterStartElement (writer, BAD_CAST "annotation"));
          W (xmlTextWriterWriteAttribute (writer, BAD_CAST "uuid", BAD_CAST uuid));
          W (xmlTextWriterWriteAttribute (writer, BAD_CAST "document", BAD_CAST document->uuid));
          write_attr_int (writer, "start", start);
          write_attr_int (writer, "end", end);
          W (xmlTextWriterWriteAttribute (writer, BAD_CAST "annotator",
                                          BAD_CAST annotators[i % N_ANNOTATORS]));
          W (xmlTextWriterWriteAttribute (writer, BAD_CAST "created", BAD_CAST stamp));
          W (xmlTextWriterWriteAttribute (writer, BAD_CAST "modified", BAD_CAST stamp));
          W (xmlTextWriterWriteAttribute (writer, BAD_CAST "revision", BAD_CAST "1"));
          W (xmlTextWriterWriteAttribute (writer, BAD_CAST "status", BAD_CAST statuses[status]));
          W (xmlTextWriterWriteElement (writer, BAD_CAST "quote", BAD_CAST quote));
          /* one actor, sometimes a theme, often a stance */
          for (guint m = 0; m < 3; m++)
            {
              if (m == 1 && g_rand_int_range (rand, 0, 2) == 0)
                continue;
              if (m == 2 && g_rand_int_range (rand, 0, 3) == 0)
                continue;
              W (xmlTextWriterStartElement (writer, BAD_CAST "code"));
              W (xmlTextWriterWriteAttribute (writer, BAD_CAST "ref",
                                              BAD_CAST codes[m]->pdata[g_rand_int_range (rand, 0, codes[m]->len)]));
              W (xmlTextWriterEndElement (writer));
            }
          if (g_rand_int_range (rand, 0, 5) == 0)
            W (xmlTextWriterWriteElement (writer, BAD_CAST "note",
                                          BAD_CAST "A note, with \"quotes\" & a line\nbreak."));
          W (xmlTextWriterEndElement (writer));
        }
    }
  W (xmlTextWriterEndElement (writer));
  W (xmlTextWriterEndElement (writer));
  W (xmlTextWriterEndDocument (writer));

  for (guint d = 0; d < N_DOCUMENTS; d++)
    synth_document_clear (&documents[d]);
  for (guint a = 0; a < N_ANNOTATORS; a++)
    g_free (annotators[a]);
  for (guint m = 0; m < 3; m++)
    g_ptr_array_unref (codes[m]);
}

#undef W

/* ------------------------------------------------------------------------
 * Import in a child process, for its peak memory
 * ------------------------------------------------------------------------ */

static int
run_child_import (const char *xml,
                  const char *project_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) project = gloss_project_create (project_path, "bench", TRUE, &error);
  g_autoptr(GlossImportReport) report = gloss_import_report_new ();

  if (project == NULL || !gloss_xml_import (project, xml, report, NULL, &error))
    {
      g_printerr ("import failed: %s\n", error->message);
      return 1;
    }
  if (report->annotations_added == 0)
    return 1;

  return 0;
}

typedef struct
{
  double seconds;
  long   max_rss_kib;
} ChildResult;

static ChildResult
import_in_child (const char *self_path,
                 const char *xml,
                 const char *project_path)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { self_path, "--child-import", xml, project_path, NULL };
  ChildResult result = { 0 };
  struct rusage usage;
  GPid pid;
  int status = 0;
  double start = now ();

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                NULL, &pid, &error));
  g_assert_no_error (error);
  g_assert_cmpint (wait4 (pid, &status, 0, &usage), ==, pid);
  result.seconds = now () - start;
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  result.max_rss_kib = usage.ru_maxrss;

  return result;
}

/* ------------------------------------------------------------------------ */

static const char sqlite3_long_csv[] =
  "SELECT a.uuid AS annotation, d.title AS document, d.uuid AS document_uuid, a.start,"
  " a.\"end\", a.quote, m.name AS dimension, m.name || '/' || c.name AS code,"
  " an.name AS annotator, a.note, a.review_status AS status, a.created, a.modified"
  " FROM annotation a JOIN document d ON d.id = a.document"
  " JOIN annotator an ON an.id = a.annotator"
  " JOIN annotation_code ac ON ac.annotation = a.id JOIN code c ON c.id = ac.code"
  " JOIN dimension m ON m.id = c.dimension"
  " WHERE a.deleted = 0 ORDER BY d.position, d.id, a.start, a.\"end\", a.uuid, m.position, c.position";

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("— Gloss XML and CSV at scale");
  g_autofree char *dir = NULL;
  g_autofree char *x1 = NULL, *x10 = NULL, *p1 = NULL, *p10 = NULL;
  g_autofree char *out_xml = NULL, *out_csv = NULL, *out_wide = NULL, *out_sqlite = NULL;
  g_autofree char *self_path = NULL;
  g_autoptr(GlossProject) project = NULL;
  ChildResult r1, r10;
  double t, t_gen, t_xml, t_csv, t_wide, t_sqlite;
  const GOptionEntry entries[] = {
    { "annotations", 'n', 0, G_OPTION_ARG_INT64, &n_annotations,
      "Annotations in the 1x file (default 50000)", "N" },
    { "factor", 0, 0, G_OPTION_ARG_INT, &factor,
      "Size of the larger file, in times N (default 10)", "F" },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep_dir, "Work in DIR and keep the files", "DIR" },
    { NULL }
  };

  /* the hidden child mode: bench-interchange --child-import XML PROJECT */
  if (argc == 4 && g_str_equal (argv[1], "--child-import"))
    return run_child_import (argv[2], argv[3]);

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (n_annotations < N_DOCUMENTS)
    n_annotations = N_DOCUMENTS;
  if (factor < 1)
    factor = 1;

  self_path = g_file_read_link ("/proc/self/exe", NULL);
  if (self_path == NULL)
    self_path = g_strdup (argv[0]);

  if (keep_dir != NULL)
    {
      g_mkdir_with_parents (keep_dir, 0755);
      dir = g_strdup (keep_dir);
    }
  else
    {
      dir = g_dir_make_tmp ("gloss-bench-XXXXXX", &error);
      g_assert_no_error (error);
    }

  x1 = g_build_filename (dir, "x1.xml", NULL);
  x10 = g_build_filename (dir, "x10.xml", NULL);
  p1 = g_build_filename (dir, "p1.gloss", NULL);
  p10 = g_build_filename (dir, "p10.gloss", NULL);
  out_xml = g_build_filename (dir, "export.xml", NULL);
  out_csv = g_build_filename (dir, "export.csv", NULL);
  out_wide = g_build_filename (dir, "export-wide.csv", NULL);
  out_sqlite = g_build_filename (dir, "sqlite3.csv", NULL);
  g_unlink (p1);
  g_unlink (p10);

  g_print ("# Gloss interchange benchmark: %" G_GINT64_FORMAT " annotations (1x), %"
           G_GINT64_FORMAT " (%dx), %d documents\n", n_annotations, n_annotations * factor,
           factor, N_DOCUMENTS);

  t = now ();
  generate (x1, n_annotations, 512 * 1024);
  generate (x10, n_annotations * factor, 512 * 1024);
  t_gen = now () - t;
  g_print ("generated     1x: %8.1f MB   %dx: %8.1f MB   (%.1f s)\n",
           file_size (x1) / 1e6, factor, file_size (x10) / 1e6, t_gen);

  r1 = import_in_child (self_path, x1, p1);
  g_print ("import     1x: %8.2f s   peak RSS %7.1f MiB   (%.0f annotations/s)\n",
           r1.seconds, r1.max_rss_kib / 1024.0, n_annotations / r1.seconds);
  r10 = import_in_child (self_path, x10, p10);
  g_print ("import    %2dx: %8.2f s   peak RSS %7.1f MiB   (%.0f annotations/s)\n",
           factor, r10.seconds, r10.max_rss_kib / 1024.0, n_annotations * factor / r10.seconds);
  g_print ("peak RSS growth from 1x to %dx: %.1f MiB (target < 64 MiB at 10x)\n",
           factor, (r10.max_rss_kib - r1.max_rss_kib) / 1024.0);
  g_unlink (p10);
  g_unlink (x10);

  project = gloss_project_open (p1, GLOSS_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);

  t = now ();
  g_assert_true (gloss_xml_export (project, out_xml, NULL, NULL, &error));
  g_assert_no_error (error);
  t_xml = now () - t;

  t = now ();
  g_assert_true (gloss_csv_export (project, out_csv, FALSE, NULL, NULL, &error));
  g_assert_no_error (error);
  t_csv = now () - t;

  t = now ();
  g_assert_true (gloss_csv_export (project, out_wide, TRUE, NULL, NULL, &error));
  g_assert_no_error (error);
  t_wide = now () - t;

  {
    const char *sh[] = { "/bin/sh", "-c", "exec sqlite3 -readonly -csv -header \"$1\" \"$2\" > \"$3\"",
                         "sh", p1, sqlite3_long_csv, out_sqlite, NULL };
    int status = 0;

    t = now ();
    g_assert_true (g_spawn_sync (NULL, (char **) sh, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                                 NULL, &status, &error));
    g_assert_no_error (error);
    t_sqlite = now () - t;
    if (!g_spawn_check_wait_status (status, &error))
      {
        g_print ("sqlite3 tool: %s\n", error->message);
        g_clear_error (&error);
        t_sqlite = 0;
      }
  }

  g_print ("export Gloss XML:  %8.2f s  %8.1f MB  (%.2f x sqlite3)\n", t_xml,
           file_size (out_xml) / 1e6, t_sqlite > 0 ? t_xml / t_sqlite : 0);
  g_print ("export CSV long:   %8.2f s  %8.1f MB  (%.2f x sqlite3)\n", t_csv,
           file_size (out_csv) / 1e6, t_sqlite > 0 ? t_csv / t_sqlite : 0);
  g_print ("export CSV wide:   %8.2f s  %8.1f MB\n", t_wide, file_size (out_wide) / 1e6);
  g_print ("sqlite3 -csv:      %8.2f s  %8.1f MB  (the same rows as CSV long)\n", t_sqlite,
           file_size (out_sqlite) / 1e6);

  g_clear_object (&project);
  if (keep_dir == NULL)
    {
      const char *files[] = { x1, p1, out_xml, out_csv, out_wide, out_sqlite };

      for (guint i = 0; i < G_N_ELEMENTS (files); i++)
        g_unlink (files[i]);
      g_rmdir (dir);
    }

  return 0;
}
