/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "gloss-agreement.h"
#include "gloss-disagreements.h"
#include "gloss-project.h"

/* Disagreements between analysts' files, built through the engine API. */

#define TEXT "Alice spoke first. Then Bob answered at length. Carol closed the meeting."

typedef struct
{
  char         *dir;
  GlossProject *a;         /* alice's file */
  GlossProject *b;         /* bob's copy of it */
  gint64        doc_a;
  gint64        doc_b;
  gint64        actors_a;  /* the dimension "Actors" in a */
  gint64        russia_a;
  gint64        china_a;
  gint64        russia_b;
  gint64        china_b;
} Fixture;

static gint64
add_code (GlossProject *project,
          gint64        dimension,
          const char   *name)
{
  g_autoptr(GError) error = NULL;
  gint64 id = gloss_project_add_code (project, dimension, 0, name, "#3465a4", NULL, NULL, &error);

  g_assert_no_error (error);
  return id;
}

static gint64
annotate (GlossProject *project,
          gint64        document,
          gint64        start,
          gint64        end,
          gint64        code,
          const char   *annotator)
{
  g_autoptr(GError) error = NULL;
  gint64 id = gloss_project_add_annotation (project, document, start, end, &code, 1, NULL,
                                            annotator, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gint64
resolve_code (GlossProject *project,
              const char   *path)
{
  g_autoptr(GError) error = NULL;
  gint64 id = gloss_project_resolve_code (project, path, &error);

  g_assert_no_error (error);
  return id;
}

static gint64
only_document (GlossProject *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) documents = gloss_project_list_documents (project, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (documents->len, ==, 1);
  return ((GlossDocument *) documents->pdata[0])->id;
}

/* a: alice's project with one document and a multiple-valued dimension
 * "Actors" (Russia, China); b: a copy of it, the same UUIDs, where bob annotates. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path_a = NULL;
  g_autofree char *path_b = NULL;
  gboolean existed = TRUE;

  fixture->dir = g_dir_make_tmp ("gloss-disagreements-XXXXXX", &error);
  g_assert_no_error (error);
  path_a = g_build_filename (fixture->dir, "alice.gloss", NULL);
  path_b = g_build_filename (fixture->dir, "bob.gloss", NULL);

  fixture->a = gloss_project_create (path_a, "alice", TRUE, &error);
  g_assert_no_error (error);
  fixture->doc_a = gloss_project_add_document (fixture->a, "Meeting", TEXT, NULL, &existed, &error);
  g_assert_no_error (error);
  fixture->actors_a = gloss_project_add_dimension (fixture->a, "Actors", GLOSS_DIMENSION_ACTOR,
                                                   TRUE, GLOSS_LEVEL_NOMINAL, &error);
  g_assert_no_error (error);
  fixture->russia_a = add_code (fixture->a, fixture->actors_a, "Russia");
  fixture->china_a = add_code (fixture->a, fixture->actors_a, "China");

  g_assert_true (gloss_project_save_copy (fixture->a, path_b, &error));
  g_assert_no_error (error);
  fixture->b = gloss_project_open (path_b, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  fixture->doc_b = only_document (fixture->b);
  fixture->russia_b = resolve_code (fixture->b, "Actors/Russia");
  fixture->china_b = resolve_code (fixture->b, "Actors/China");
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->a);
  g_clear_object (&fixture->b);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static GlossDisagreementSet *
find (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GlossProject *projects[] = { fixture->a, fixture->b };
  GlossDisagreementSet *set = gloss_disagreements_find (projects, 2, &error);

  g_assert_no_error (error);
  g_assert_nonnull (set);
  return set;
}

static const GlossDisagreement *
item (GlossDisagreementSet *set,
      guint                 index)
{
  g_assert_cmpuint (index, <, set->items->len);
  return &g_array_index (set->items, GlossDisagreement, index);
}

static const GlossMark *
mark (GlossDisagreementSet *set,
      guint                 index)
{
  g_assert_cmpuint (index, <, set->marks->len);
  return &g_array_index (set->marks, GlossMark, index);
}

static const char *
rater_name (GlossDisagreementSet *set,
            guint                 rater)
{
  g_assert_cmpuint (rater, <, set->raters->len);
  return ((GlossDisagreementRater *) set->raters->pdata[rater])->annotator;
}

static void
test_agreeing (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GlossDisagreementSet) set = NULL;
  GlossDisagreementDocument *doc;

  annotate (fixture->a, fixture->doc_a, 0, 5, fixture->russia_a, "alice");
  annotate (fixture->b, fixture->doc_b, 0, 5, fixture->russia_b, "bob");
  annotate (fixture->a, fixture->doc_a, 24, 27, fixture->china_a, "alice");
  annotate (fixture->b, fixture->doc_b, 24, 27, fixture->china_b, "bob");

  set = find (fixture);
  g_assert_cmpuint (set->raters->len, ==, 2);
  g_assert_cmpuint (set->documents->len, ==, 1);
  g_assert_cmpuint (set->dimensions->len, ==, 1);
  g_assert_cmpstr (set->dimensions->pdata[0], ==, "Actors");
  g_assert_cmpuint (set->marks->len, ==, 4);
  g_assert_cmpuint (set->items->len, ==, 0);

  doc = set->documents->pdata[0];
  g_assert_cmpint (doc->ids[0], ==, fixture->doc_a);
  g_assert_cmpint (doc->ids[1], ==, fixture->doc_b);
  g_assert_cmpuint (doc->n_raters, ==, 2);
}

static void
test_kinds (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GlossDisagreementSet) set = NULL;
  const GlossDisagreement *d;

  /* Same span, different codes. */
  annotate (fixture->a, fixture->doc_a, 0, 5, fixture->russia_a, "alice");
  annotate (fixture->b, fixture->doc_b, 0, 5, fixture->china_b, "bob");
  /* Only bob. */
  annotate (fixture->b, fixture->doc_b, 19, 23, fixture->russia_b, "bob");
  /* Overlapping spans, one code: 24–30 and 28–40. */
  annotate (fixture->a, fixture->doc_a, 24, 30, fixture->china_a, "alice");
  annotate (fixture->b, fixture->doc_b, 28, 40, fixture->china_b, "bob");

  set = find (fixture);
  g_assert_cmpuint (set->items->len, ==, 3);

  d = item (set, 0);
  g_assert_cmpint (d->kind, ==, GLOSS_DISAGREEMENT_DIFFERENT_CODES);
  g_assert_cmpint (d->start, ==, 0);
  g_assert_cmpint (d->end, ==, 5);
  g_assert_cmpuint (d->n_marks, ==, 2);
  g_assert_cmpstr (rater_name (set, mark (set, d->first_mark)->rater), ==, "alice");
  g_assert_cmpstr (mark (set, d->first_mark)->codes, ==, "Russia");
  g_assert_cmpstr (rater_name (set, mark (set, d->first_mark + 1)->rater), ==, "bob");
  g_assert_cmpstr (mark (set, d->first_mark + 1)->codes, ==, "China");

  d = item (set, 1);
  g_assert_cmpint (d->kind, ==, GLOSS_DISAGREEMENT_MISSING);
  g_assert_cmpint (d->start, ==, 19);
  g_assert_cmpint (d->end, ==, 23);
  g_assert_cmpuint (d->n_marks, ==, 1);
  g_assert_cmpstr (rater_name (set, mark (set, d->first_mark)->rater), ==, "bob");

  d = item (set, 2);
  g_assert_cmpint (d->kind, ==, GLOSS_DISAGREEMENT_OVERLAPPING);
  g_assert_cmpint (d->start, ==, 24);
  g_assert_cmpint (d->end, ==, 40);
  g_assert_cmpuint (d->n_marks, ==, 2);
  g_assert_cmpuint (d->dimension, ==, 0);
  g_assert_cmpuint (d->document, ==, 0);
}

/* A chain of overlaps is one passage; touching spans are not. */
static void
test_chain (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GlossDisagreementSet) set = NULL;

  annotate (fixture->a, fixture->doc_a, 0, 10, fixture->russia_a, "alice");
  annotate (fixture->b, fixture->doc_b, 8, 20, fixture->russia_b, "bob");
  annotate (fixture->a, fixture->doc_a, 18, 30, fixture->russia_a, "alice");
  annotate (fixture->b, fixture->doc_b, 30, 35, fixture->russia_b, "bob");

  set = find (fixture);
  g_assert_cmpuint (set->items->len, ==, 2);
  g_assert_cmpint (item (set, 0)->kind, ==, GLOSS_DISAGREEMENT_OVERLAPPING);
  g_assert_cmpint (item (set, 0)->start, ==, 0);
  g_assert_cmpint (item (set, 0)->end, ==, 30);
  g_assert_cmpuint (item (set, 0)->n_marks, ==, 3);
  g_assert_cmpint (item (set, 1)->kind, ==, GLOSS_DISAGREEMENT_MISSING);
  g_assert_cmpint (item (set, 1)->start, ==, 30);
  g_assert_cmpint (item (set, 1)->end, ==, 35);
}

/* One rater's two annotations on one span make one mark with both codes;
 * a code set equal to the other rater's is agreement. */
static void
test_code_sets (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossDisagreementSet) set = NULL;
  gint64 both[2];
  gint64 id;

  annotate (fixture->a, fixture->doc_a, 0, 5, fixture->russia_a, "alice");
  annotate (fixture->a, fixture->doc_a, 0, 5, fixture->china_a, "alice");
  both[0] = fixture->russia_b;
  both[1] = fixture->china_b;
  id = gloss_project_add_annotation (fixture->b, fixture->doc_b, 0, 5, both, 2, NULL, "bob",
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  set = find (fixture);
  g_assert_cmpuint (set->marks->len, ==, 2);
  g_assert_cmpstr (mark (set, 0)->codes, ==, "Russia; China");
  g_assert_cmpstr (mark (set, 1)->codes, ==, "Russia; China");
  g_assert_cmpuint (set->items->len, ==, 0);
}

/* An annotation both files hold counts once, in its latest version: bob's
 * copy deleted alice's annotation, so it no longer counts. */
static void
test_latest_version (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossDisagreementSet) set = NULL;
  g_autofree char *path_c = g_build_filename (fixture->dir, "carol.gloss", NULL);
  g_autoptr(GlossProject) c = NULL;
  gint64 annotation;
  gint64 copied;
  const GlossAnnotation *found;
  g_autoptr(GlossAnnotation) got = NULL;

  annotation = annotate (fixture->a, fixture->doc_a, 0, 5, fixture->russia_a, "alice");
  g_assert_true (gloss_project_save_copy (fixture->a, path_c, &error));
  g_assert_no_error (error);
  c = gloss_project_open (path_c, GLOSS_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  got = gloss_project_get_annotation (fixture->a, annotation, &error);
  g_assert_no_error (error);
  found = got;
  copied = gloss_project_resolve_annotation (c, found->uuid, &error);
  g_assert_no_error (error);
  g_assert_true (gloss_project_delete_annotation (c, copied, &error));
  g_assert_no_error (error);
  annotate (c, only_document (c), 10, 15, resolve_code (c, "Actors/Russia"), "carol");

  {
    GlossProject *projects[] = { fixture->a, c };

    set = gloss_disagreements_find (projects, 2, &error);
    g_assert_no_error (error);
  }

  /* alice has no live annotation left: carol is the only rater. */
  g_assert_cmpuint (set->raters->len, ==, 1);
  g_assert_cmpstr (rater_name (set, 0), ==, "carol");
  g_assert_cmpuint (set->marks->len, ==, 1);
  g_assert_cmpint (mark (set, 0)->start, ==, 10);
  /* One rater has the document: nothing to disagree with. */
  g_assert_cmpuint (set->items->len, ==, 0);
}

/* Separately made files: documents matched by SHA-256, codes by path. */
static void
test_match_by_content (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossDisagreementSet) set = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "dan.gloss", NULL);
  g_autoptr(GlossProject) d = gloss_project_create (path, "dan", TRUE, &error);
  gboolean existed = TRUE;
  gint64 doc, other, dim, russia;
  GlossDisagreementDocument *matched;

  g_assert_no_error (error);
  /* An unrelated document first, so ids differ between the files. */
  other = gloss_project_add_document (d, "Other", "Something else entirely.", NULL, &existed, &error);
  g_assert_no_error (error);
  doc = gloss_project_add_document (d, "Another title", TEXT, NULL, &existed, &error);
  g_assert_no_error (error);
  g_assert_cmpint (doc, !=, other);
  dim = gloss_project_add_dimension (d, "Actors", GLOSS_DIMENSION_ACTOR, FALSE,
                                     GLOSS_LEVEL_NOMINAL, &error);
  g_assert_no_error (error);
  add_code (d, dim, "China");
  russia = add_code (d, dim, "Russia");
  annotate (d, doc, 0, 5, russia, "dan");
  annotate (d, other, 0, 5, russia, "dan");
  annotate (fixture->a, fixture->doc_a, 0, 5, fixture->russia_a, "alice");

  {
    GlossProject *projects[] = { fixture->a, d };

    set = gloss_disagreements_find (projects, 2, &error);
    g_assert_no_error (error);
  }

  g_assert_cmpuint (set->documents->len, ==, 2);
  g_assert_cmpuint (set->dimensions->len, ==, 1);
  matched = set->documents->pdata[0];
  g_assert_cmpstr (matched->title, ==, "Meeting");
  g_assert_cmpint (matched->ids[0], ==, fixture->doc_a);
  g_assert_cmpint (matched->ids[1], ==, doc);
  g_assert_cmpuint (matched->n_raters, ==, 2);
  /* "Other" is only in dan's file. */
  g_assert_cmpint (((GlossDisagreementDocument *) set->documents->pdata[1])->ids[0], ==, 0);
  g_assert_cmpuint (((GlossDisagreementDocument *) set->documents->pdata[1])->n_raters, ==, 1);
  /* Russia is Russia in both: they agree on the shared document, and the
   * other document has one rater. */
  g_assert_cmpuint (set->items->len, ==, 0);
}

/* Raters come in the agreement report's order, so indices line up. */
static void
test_rater_order (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossDisagreementSet) set = NULL;
  g_autoptr(GlossAgreementReport) report = NULL;
  GlossProject *projects[] = { fixture->a, fixture->b };

  annotate (fixture->a, fixture->doc_a, 0, 5, fixture->russia_a, "zoe");
  annotate (fixture->a, fixture->doc_a, 0, 5, fixture->china_a, "alice");
  annotate (fixture->b, fixture->doc_b, 6, 9, fixture->russia_b, "bob");
  annotate (fixture->b, fixture->doc_b, 6, 9, fixture->china_b, "adam");

  set = find (fixture);
  report = gloss_agreement_compare (projects, 2, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (set->raters->len, ==, 4);
  g_assert_cmpuint (report->raters->len, ==, set->raters->len);
  for (guint i = 0; i < set->raters->len; i++)
    g_assert_cmpstr (((GlossDisagreementRater *) set->raters->pdata[i])->uuid, ==,
                     ((GlossAgreementRater *) report->raters->pdata[i])->uuid);
  g_assert_cmpstr (rater_name (set, 0), ==, "alice");
  g_assert_cmpstr (rater_name (set, 1), ==, "zoe");
}

static void
test_get_marks (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossDisagreementSet) set = NULL;
  gint64 stance, pro;
  guint first = 99, n = 99;

  stance = gloss_project_add_dimension (fixture->a, "Stance", GLOSS_DIMENSION_STANCE, FALSE,
                                        GLOSS_LEVEL_ORDINAL, &error);
  g_assert_no_error (error);
  pro = add_code (fixture->a, stance, "Pro");
  annotate (fixture->a, fixture->doc_a, 0, 5, fixture->russia_a, "alice");
  annotate (fixture->a, fixture->doc_a, 6, 9, fixture->russia_a, "alice");
  annotate (fixture->a, fixture->doc_a, 0, 5, pro, "alice");
  annotate (fixture->b, fixture->doc_b, 0, 5, fixture->russia_b, "bob");

  set = find (fixture);
  g_assert_cmpuint (set->dimensions->len, ==, 2);
  g_assert_cmpstr (set->dimensions->pdata[1], ==, "Stance");

  gloss_disagreement_set_get_marks (set, 0, 0, &first, &n);
  g_assert_cmpuint (first, ==, 0);
  g_assert_cmpuint (n, ==, 3);
  gloss_disagreement_set_get_marks (set, 1, 0, &first, &n);
  g_assert_cmpuint (first, ==, 3);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (mark (set, first)->codes, ==, "Pro");
  gloss_disagreement_set_get_marks (set, 7, 0, &first, &n);
  g_assert_cmpuint (n, ==, 0);

  /* Stance: alice alone ("Pro" is only in her file's codebook, bob's file
   * has the document): one analyst only. */
  g_assert_cmpuint (set->items->len, ==, 2);
  g_assert_cmpint (item (set, 0)->kind, ==, GLOSS_DISAGREEMENT_MISSING);
  g_assert_cmpint (item (set, 0)->start, ==, 6);
  g_assert_cmpint (item (set, 1)->kind, ==, GLOSS_DISAGREEMENT_MISSING);
  g_assert_cmpuint (item (set, 1)->dimension, ==, 1);
}

static void
test_no_files (void)
{
  g_autoptr(GError) error = NULL;
  GlossDisagreementSet *set = gloss_disagreements_find (NULL, 0, &error);

  g_assert_null (set);
  g_assert_error (error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_INVALID);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/gloss/disagreements/agreeing", Fixture, NULL, fixture_set_up, test_agreeing,
              fixture_tear_down);
  g_test_add ("/gloss/disagreements/kinds", Fixture, NULL, fixture_set_up, test_kinds,
              fixture_tear_down);
  g_test_add ("/gloss/disagreements/chain", Fixture, NULL, fixture_set_up, test_chain,
              fixture_tear_down);
  g_test_add ("/gloss/disagreements/code-sets", Fixture, NULL, fixture_set_up, test_code_sets,
              fixture_tear_down);
  g_test_add ("/gloss/disagreements/latest-version", Fixture, NULL, fixture_set_up,
              test_latest_version, fixture_tear_down);
  g_test_add ("/gloss/disagreements/match-by-content", Fixture, NULL, fixture_set_up,
              test_match_by_content, fixture_tear_down);
  g_test_add ("/gloss/disagreements/rater-order", Fixture, NULL, fixture_set_up,
              test_rater_order, fixture_tear_down);
  g_test_add ("/gloss/disagreements/get-marks", Fixture, NULL, fixture_set_up, test_get_marks,
              fixture_tear_down);
  g_test_add_func ("/gloss/disagreements/no-files", test_no_files);

  return g_test_run ();
}
