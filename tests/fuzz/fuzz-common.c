/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the fuzzing harnesses share: a scratch folder, a template project. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "fuzz-common.h"

static char *dir;
static char *template_path;
static char *project_path;
static GlossProject *project;
static gboolean dirty = TRUE;

static void
remove_dir (void)
{
  GDir *d;
  const char *name;

  g_clear_object (&project);
  if (dir == NULL || (d = g_dir_open (dir, 0, NULL)) == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_dir_close (d);
  g_rmdir (dir);
}

const char *
fuzz_dir (void)
{
  if (dir == NULL)
    {
      dir = g_dir_make_tmp ("gloss-fuzz-XXXXXX", NULL);
      if (dir == NULL)
        g_error ("fuzz: cannot make a scratch folder");
      atexit (remove_dir);
    }
  return dir;
}

const char *
fuzz_write (const char *name,
            const void *data,
            gsize       size)
{
  static GHashTable *paths;
  char *path;

  if (paths == NULL)
    paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  path = g_hash_table_lookup (paths, name);
  if (path == NULL)
    {
      path = g_build_filename (fuzz_dir (), name, NULL);
      g_hash_table_insert (paths, g_strdup (name), path);
    }
  /* Not g_file_set_contents: no fsync, no rename, for speed. */
  {
    FILE *f = fopen (path, "wb");

    if (f == NULL || (size > 0 && fwrite (data, 1, size, f) != size) || fclose (f) != 0)
      g_error ("fuzz: cannot write %s", path);
  }
  return path;
}

static void
make_template (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossProject) made = NULL;
  gint64 document, codes[2];
  static const char text[] =
    "Q: How do you see Pakistan–Russia ties?\n"
    "A: Cooperation 🤝 is growing, slowly.\n"
    "INTERVIEWER: And China?\n"
    "ANALYST: [00:01:02] Also growing.\n";

  template_path = g_build_filename (fuzz_dir (), "template.gloss", NULL);
  made = gloss_project_create (template_path, "alice", FALSE, &error);
  if (made == NULL)
    g_error ("fuzz: %s", error->message);
  document = gloss_project_add_document (made, "Tiny", text, NULL, NULL, &error);
  codes[0] = gloss_project_resolve_code (made, "Actors/Russia", &error);
  codes[1] = gloss_project_resolve_code (made, "Actors/Pakistan", &error);
  if (document <= 0 || codes[0] <= 0 || codes[1] <= 0 ||
      gloss_project_add_annotation (made, document, 18, 33, codes, 2, "a note", NULL, &error) <= 0)
    g_error ("fuzz: %s", error->message);
}

GlossProject *
fuzz_project (void)
{
  if (template_path == NULL)
    make_template ();
  if (dirty || project == NULL)
    {
      g_autoptr(GFile) from = g_file_new_for_path (template_path);
      g_autoptr(GFile) to = NULL;
      g_autoptr(GError) error = NULL;

      g_clear_object (&project);
      if (project_path == NULL)
        project_path = g_build_filename (fuzz_dir (), "project.gloss", NULL);
      to = g_file_new_for_path (project_path);
      if (!g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
        g_error ("fuzz: %s", error->message);
      project = gloss_project_open (project_path, GLOSS_OPEN_DEFAULT, &error);
      if (project == NULL)
        g_error ("fuzz: %s", error->message);
      dirty = FALSE;
    }
  return project;
}

void
fuzz_project_dirty (void)
{
  dirty = TRUE;
}
