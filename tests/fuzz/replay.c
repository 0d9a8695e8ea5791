/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs a fuzzing harness over files, without libFuzzer: the regression
 * test for every input kept in the corpus, built by any compiler.
 *
 *   fuzz-TARGET-replay [--mode N] FILE-OR-FOLDER…
 *
 * Folders are read (not recursively) in name order.  With --mode N every
 * input gets the byte N in front (the harnesses whose first byte picks
 * what the rest is). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"

static guint n_inputs;

static void
run_file (const char *path,
          int         mode)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (path, &contents, &len, &error))
    g_error ("%s", error->message);
  if (mode >= 0)
    {
      g_autofree char *framed = g_malloc (len + 1);

      framed[0] = (char) mode;
      memcpy (framed + 1, contents, len);
      LLVMFuzzerTestOneInput ((const uint8_t *) framed, len + 1);
    }
  else
    LLVMFuzzerTestOneInput ((const uint8_t *) contents, len);
  n_inputs++;
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char **) a, *(char **) b);
}

int
main (int    argc,
      char **argv)
{
  int mode = -1;

  LLVMFuzzerInitialize (&argc, &argv);
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--mode") && i + 1 < argc)
        {
          mode = atoi (argv[++i]);
          continue;
        }
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
          g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
          const char *name;

          while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
            g_ptr_array_add (names, g_build_filename (argv[i], name, NULL));
          g_ptr_array_sort (names, compare_names);
          for (guint n = 0; n < names->len; n++)
            if (g_file_test (names->pdata[n], G_FILE_TEST_IS_REGULAR))
              run_file (names->pdata[n], mode);
        }
      else
        run_file (argv[i], mode);
    }

  printf ("%u inputs ran without a broken promise\n", n_inputs);
  return n_inputs > 0 ? 0 : 1;
}
