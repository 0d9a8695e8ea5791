/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libxml/parser.h>

#include "gloss-agreement.h"
#include "gloss-cli-private.h"
#include "gloss-interchange-cli.h"
#include "gloss-merge.h"
#include "gloss-project.h"
#include "gloss-text.h"

/* gloss-cli: the scripting contract of ../shared/CLI.md.  Exit status 0 done,
 * 1 usage, 2 refused, 3 busy, 4 done with items left out. */

int
gloss_cli_usage_error (GOptionContext *context,
                       const char     *message)
{
  g_printerr ("gloss-cli: %s\n", message);
  if (context != NULL)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      g_printerr ("%s", help);
    }
  return GLOSS_CLI_USAGE;
}

int
gloss_cli_fail (const GError *error)
{
  /* Messages quote file names, which may be in any bytes. */
  g_autofree char *message = g_utf8_make_valid (error->message, -1);

  g_printerr ("gloss-cli: %s\n", message);

  if ((error->domain == GLOSS_PROJECT_ERROR && error->code == GLOSS_PROJECT_ERROR_BUSY))
    return GLOSS_CLI_BUSY;

  return GLOSS_CLI_REFUSED;
}

/* Parses options; FALSE with the exit status in *status on error or help. */
gboolean
gloss_cli_parse (GOptionContext  *context,
                 int             *argc,
                 char          ***argv,
                 int              min_args,
                 int              max_args,
                 int             *status)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = gloss_cli_usage_error (context, error->message);
      return FALSE;
    }

  /* (*argv)[0] is the command itself */
  if (*argc - 1 < min_args || (max_args >= 0 && *argc - 1 > max_args))
    {
      *status = gloss_cli_usage_error (context, _("wrong number of arguments"));
      return FALSE;
    }

  return TRUE;
}

GlossProject *
gloss_cli_open (const char *path,
                gboolean    read_only,
                int        *status)
{
  g_autoptr(GError) error = NULL;
  GlossProject *project = gloss_project_open (path, read_only ? GLOSS_OPEN_READ_ONLY
                                                              : GLOSS_OPEN_DEFAULT, &error);

  if (project == NULL)
    *status = gloss_cli_fail (error);

  return project;
}

void
gloss_cli_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *key,
                    const char  *value)
{
  json_builder_set_member_name (builder, key);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* ------------------------------------------------------------------------ */

static int
cmd_new (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE — create a project"));
  g_autofree char *annotator = NULL;
  gboolean empty = FALSE;
  GOptionEntry entries[] = {
    { "annotator", 0, 0, G_OPTION_ARG_STRING, &annotator, N_("The default annotator"), N_("NAME") },
    { "empty", 0, 0, G_OPTION_ARG_NONE, &empty, N_("Leave out the default codebook"), NULL },
    { NULL }
  };
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!gloss_cli_parse (context, &argc, &argv, 1, 1, &status))
    return status;

  project = gloss_project_create (argv[1], annotator, empty, &error);
  if (project == NULL)
    return gloss_cli_fail (error);

  return GLOSS_CLI_OK;
}

static int
cmd_import_text (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE TEXT… — import text files"));
  g_autofree char *title = NULL;
  g_autofree char *encoding = NULL;
  GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("The title (one file only)"), N_("T") },
    { "encoding", 0, 0, G_OPTION_ARG_STRING, &encoding, N_("The files' encoding"), N_("E") },
    { NULL }
  };
  g_autoptr(GlossProject) project = NULL;
  int status = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!gloss_cli_parse (context, &argc, &argv, 2, -1, &status))
    return status;
  if (title != NULL && argc > 3)
    return gloss_cli_usage_error (context, _("--title names one file; import the files one by one"));

  project = gloss_cli_open (argv[1], FALSE, &status);
  if (project == NULL)
    return status;

  for (int i = 2; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean existed = FALSE;
      gint64 id = gloss_project_import_file (project, argv[i], title, encoding, &existed, &error);

      if (id == 0)
        {
          g_prefix_error (&error, "%s: ", argv[i]);
          return gloss_cli_fail (error);
        }
      if (existed)
        {
          g_autoptr(GlossDocument) doc = gloss_project_get_document (project, id, NULL);

          g_printerr (_("gloss-cli: %s has the same text as document %lld (“%s”), so "
                        "nothing was imported.\n"),
                      argv[i], (long long) id, doc != NULL ? doc->title : "");
        }
      g_print ("%" G_GINT64_FORMAT "\n", id);
    }

  return GLOSS_CLI_OK;
}

static int
cmd_documents (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE — list the documents"));
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!gloss_cli_parse (context, &argc, &argv, 1, 1, &status))
    return status;
  project = gloss_cli_open (argv[1], TRUE, &status);
  if (project == NULL)
    return status;

  documents = gloss_project_list_documents (project, &error);
  if (documents == NULL)
    return gloss_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "documents");
      json_builder_begin_array (builder);
      for (guint i = 0; i < documents->len; i++)
        {
          GlossDocument *d = documents->pdata[i];

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_int_value (builder, d->id);
          add_string_or_null (builder, "uuid", d->uuid);
          add_string_or_null (builder, "title", d->title);
          json_builder_set_member_name (builder, "length");
          json_builder_add_int_value (builder, d->length);
          add_string_or_null (builder, "sha256", d->sha256);
          json_builder_set_member_name (builder, "annotations");
          json_builder_add_int_value (builder, d->n_annotations);
          add_string_or_null (builder, "source_name", d->source_name);
          add_string_or_null (builder, "imported_at", d->imported_at);
          add_string_or_null (builder, "memo", d->memo);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      gloss_cli_print_json (builder);
    }
  else
    {
      g_print ("%4s  %-40s %10s %12s\n", _("id"), _("title"), _("characters"), _("annotations"));
      for (guint i = 0; i < documents->len; i++)
        {
          GlossDocument *d = documents->pdata[i];

          g_print ("%4" G_GINT64_FORMAT "  %-40s %10" G_GINT64_FORMAT " %12" G_GINT64_FORMAT "\n",
                   d->id, d->title, d->length, d->n_annotations);
        }
    }

  return GLOSS_CLI_OK;
}

static int
cmd_add_dimension (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE NAME — add a dimension"));
  g_autofree char *kind_name = NULL;
  gboolean single = FALSE, multiple = FALSE, ordinal = FALSE;
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind_name, N_("actor, theme, stance or other"), N_("KIND") },
    { "single", 0, 0, G_OPTION_ARG_NONE, &single, N_("One code per annotation"), NULL },
    { "multiple", 0, 0, G_OPTION_ARG_NONE, &multiple, N_("Several codes per annotation (default)"), NULL },
    { "ordinal", 0, 0, G_OPTION_ARG_NONE, &ordinal, N_("The codes are ordered"), NULL },
    { NULL }
  };
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GlossDimension) dimension = NULL;
  g_autoptr(GError) error = NULL;
  GlossDimensionKind kind = GLOSS_DIMENSION_OTHER;
  gint64 id;
  int status = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!gloss_cli_parse (context, &argc, &argv, 2, 2, &status))
    return status;
  if (single && multiple)
    return gloss_cli_usage_error (context, _("choose --single or --multiple, not both"));
  if (kind_name != NULL && !gloss_dimension_kind_from_string (kind_name, &kind))
    return gloss_cli_usage_error (context, _("--kind is actor, theme, stance or other"));

  project = gloss_cli_open (argv[1], FALSE, &status);
  if (project == NULL)
    return status;

  id = gloss_project_add_dimension (project, argv[2], kind, !single,
                                    ordinal ? GLOSS_LEVEL_ORDINAL : GLOSS_LEVEL_NOMINAL, &error);
  if (id == 0)
    return gloss_cli_fail (error);

  dimension = gloss_project_get_dimension (project, id, &error);
  if (dimension == NULL)
    return gloss_cli_fail (error);
  g_print ("%s\n", dimension->uuid);

  return GLOSS_CLI_OK;
}

static int
cmd_add_code (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE DIMENSION NAME — add a code"));
  g_autofree char *parent_path = NULL, *color = NULL, *description = NULL, *shortcut = NULL;
  GOptionEntry entries[] = {
    { "parent", 0, 0, G_OPTION_ARG_STRING, &parent_path, N_("The parent code's path"), N_("PATH") },
    { "color", 0, 0, G_OPTION_ARG_STRING, &color, N_("Colour as #RRGGBB"), N_("COLOR") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, N_("A one-line description"), N_("T") },
    { "shortcut", 0, 0, G_OPTION_ARG_STRING, &shortcut, N_("A key that tags with it"), N_("K") },
    { NULL }
  };
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GlossCode) code = NULL;
  g_autoptr(GError) error = NULL;
  gint64 dimension, parent = 0, id;
  int status = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!gloss_cli_parse (context, &argc, &argv, 3, 3, &status))
    return status;

  project = gloss_cli_open (argv[1], FALSE, &status);
  if (project == NULL)
    return status;

  dimension = gloss_project_resolve_dimension (project, argv[2], &error);
  if (dimension == 0)
    return gloss_cli_fail (error);
  if (parent_path != NULL)
    {
      parent = gloss_project_resolve_code (project, parent_path, &error);
      if (parent == 0)
        return gloss_cli_fail (error);
    }

  if (color == NULL)
    {
      /* A distinct default from a fixed palette that reads on light and dark. */
      static const char *palette[] = { "#3584e4", "#e66100", "#2ec27e", "#c061cb", "#e5a50a",
                                       "#1c9aa0", "#e01b24", "#986a44", "#8ff0a4", "#f66151" };
      g_autoptr(GPtrArray) codes = gloss_project_list_codes (project, NULL);

      color = g_strdup (palette[(codes != NULL ? codes->len : 0) % G_N_ELEMENTS (palette)]);
    }

  id = gloss_project_add_code (project, dimension, parent, argv[3], color, description, shortcut,
                               &error);
  if (id == 0)
    return gloss_cli_fail (error);

  code = gloss_project_get_code (project, id, &error);
  if (code == NULL)
    return gloss_cli_fail (error);
  g_print ("%s\n", code->uuid);

  return GLOSS_CLI_OK;
}

static void
build_code_tree (JsonBuilder *builder,
                 GPtrArray   *codes,
                 guint       *index,
                 int          depth)
{
  json_builder_begin_array (builder);
  while (*index < codes->len)
    {
      GlossCode *c = codes->pdata[*index];

      if (c->depth < depth)
        break;

      json_builder_begin_object (builder);
      add_string_or_null (builder, "uuid", c->uuid);
      add_string_or_null (builder, "name", c->name);
      add_string_or_null (builder, "path", c->path);
      add_string_or_null (builder, "color", c->color);
      add_string_or_null (builder, "description", c->description);
      add_string_or_null (builder, "shortcut", c->shortcut);
      json_builder_set_member_name (builder, "annotations");
      json_builder_add_int_value (builder, c->n_annotations);
      json_builder_set_member_name (builder, "children");
      (*index)++;
      build_code_tree (builder, codes, index, depth + 1);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static int
cmd_codes (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE — list the codebook"));
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GPtrArray) dimensions = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  int status = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!gloss_cli_parse (context, &argc, &argv, 1, 1, &status))
    return status;
  project = gloss_cli_open (argv[1], TRUE, &status);
  if (project == NULL)
    return status;

  dimensions = gloss_project_list_dimensions (project, &error);
  if (dimensions != NULL)
    codes = gloss_project_list_codes (project, &error);
  if (codes == NULL)
    return gloss_cli_fail (error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "dimensions");
  json_builder_begin_array (builder);
  for (guint d = 0; d < dimensions->len; d++)
    {
      GlossDimension *dim = dimensions->pdata[d];
      g_autoptr(GPtrArray) mine = g_ptr_array_new ();
      guint index = 0;

      for (guint i = 0; i < codes->len; i++)
        if (((GlossCode *) codes->pdata[i])->dimension == dim->id)
          g_ptr_array_add (mine, codes->pdata[i]);

      if (!json)
        {
          g_print ("%s (%s, %s, %s)\n", dim->name, gloss_dimension_kind_to_string (dim->kind),
                   dim->multiple ? _("multiple") : _("single"), gloss_level_to_string (dim->level));
          for (guint i = 0; i < mine->len; i++)
            {
              GlossCode *c = mine->pdata[i];

              g_print ("  %*s%-30s %s  %-3s %5" G_GINT64_FORMAT "  %s\n", c->depth * 2, "",
                       c->name, c->color, c->shortcut != NULL ? c->shortcut : "",
                       c->n_annotations, c->path);
            }
          continue;
        }

      json_builder_begin_object (builder);
      add_string_or_null (builder, "uuid", dim->uuid);
      add_string_or_null (builder, "name", dim->name);
      add_string_or_null (builder, "kind", gloss_dimension_kind_to_string (dim->kind));
      json_builder_set_member_name (builder, "multiple");
      json_builder_add_boolean_value (builder, dim->multiple);
      add_string_or_null (builder, "level", gloss_level_to_string (dim->level));
      add_string_or_null (builder, "memo", dim->memo);
      json_builder_set_member_name (builder, "codes");
      build_code_tree (builder, mine, &index, 0);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  if (json)
    gloss_cli_print_json (builder);

  return GLOSS_CLI_OK;
}

static int
cmd_annotate (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE — annotate a span"));
  g_autofree char *document = NULL, *note = NULL, *annotator = NULL;
  g_auto(GStrv) paths = NULL;
  gint64 start = -1, end = -1;
  GOptionEntry entries[] = {
    { "document", 0, 0, G_OPTION_ARG_STRING, &document, N_("Id, uuid or title"), N_("DOC") },
    { "start", 0, 0, G_OPTION_ARG_INT64, &start, N_("First character (code points from 0)"), N_("N") },
    { "end", 0, 0, G_OPTION_ARG_INT64, &end, N_("End, exclusive"), N_("N") },
    { "code", 0, 0, G_OPTION_ARG_STRING_ARRAY, &paths, N_("A code path (repeatable)"), N_("PATH") },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("A note"), N_("T") },
    { "annotator", 0, 0, G_OPTION_ARG_STRING, &annotator, N_("Who annotates"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GlossAnnotation) annotation = NULL;
  g_autoptr(GArray) codes = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  gint64 doc, id;
  int status = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!gloss_cli_parse (context, &argc, &argv, 1, 1, &status))
    return status;
  if (document == NULL || start < 0 || end < 0 || paths == NULL)
    return gloss_cli_usage_error (context, _("--document, --start, --end and --code are required"));

  project = gloss_cli_open (argv[1], FALSE, &status);
  if (project == NULL)
    return status;

  doc = gloss_project_resolve_document (project, document, &error);
  if (doc == 0)
    return gloss_cli_fail (error);
  for (guint i = 0; paths[i] != NULL; i++)
    {
      gint64 code = gloss_project_resolve_code (project, paths[i], &error);

      if (code == 0)
        return gloss_cli_fail (error);
      g_array_append_val (codes, code);
    }

  id = gloss_project_add_annotation (project, doc, start, end, (gint64 *) codes->data, codes->len,
                                     note, annotator, &error);
  if (id == 0)
    return gloss_cli_fail (error);

  annotation = gloss_project_get_annotation (project, id, &error);
  if (annotation == NULL)
    return gloss_cli_fail (error);
  g_print ("%s\n", annotation->uuid);

  return GLOSS_CLI_OK;
}

static int
cmd_annotations (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE — list live annotations"));
  g_autofree char *document = NULL, *status_name = NULL, *annotator = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "document", 0, 0, G_OPTION_ARG_STRING, &document, N_("Id, uuid or title"), N_("DOC") },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status_name, N_("unreviewed, accepted or rejected"), N_("S") },
    { "annotator", 0, 0, G_OPTION_ARG_STRING, &annotator, N_("Only this annotator's"), N_("NAME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GPtrArray) annotations = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(GHashTable) paths = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GlossReviewStatus review;
  int status = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!gloss_cli_parse (context, &argc, &argv, 1, 1, &status))
    return status;
  if (status_name != NULL)
    {
      if (!gloss_review_status_from_string (status_name, &review))
        return gloss_cli_usage_error (context, _("--status is unreviewed, accepted or rejected"));
      filter.status = review;
    }

  project = gloss_cli_open (argv[1], TRUE, &status);
  if (project == NULL)
    return status;

  if (document != NULL)
    {
      filter.document = gloss_project_resolve_document (project, document, &error);
      if (filter.document == 0)
        return gloss_cli_fail (error);
    }
  filter.annotator = annotator;

  codes = gloss_project_list_codes (project, &error);
  if (codes != NULL)
    annotations = gloss_project_list_annotations (project, &filter, &error);
  if (annotations == NULL)
    return gloss_cli_fail (error);
  for (guint i = 0; i < codes->len; i++)
    {
      GlossCode *c = codes->pdata[i];
      g_hash_table_insert (paths, &c->id, c->path);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "annotations");
  json_builder_begin_array (builder);
  for (guint i = 0; i < annotations->len; i++)
    {
      GlossAnnotation *a = annotations->pdata[i];

      if (!json)
        {
          g_autoptr(GString) names = g_string_new (NULL);

          for (guint j = 0; j < a->codes->len; j++)
            g_string_append_printf (names, "%s%s", j > 0 ? "; " : "",
                                    (char *) g_hash_table_lookup (paths, &g_array_index (a->codes, gint64, j)));
          g_print ("%s  %" G_GINT64_FORMAT " [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")  %s  %s  “%.50s”\n",
                   a->uuid, a->document, a->start, a->end, a->annotator, names->str, a->quote);
          continue;
        }

      json_builder_begin_object (builder);
      add_string_or_null (builder, "uuid", a->uuid);
      json_builder_set_member_name (builder, "document");
      json_builder_add_int_value (builder, a->document);
      json_builder_set_member_name (builder, "start");
      json_builder_add_int_value (builder, a->start);
      json_builder_set_member_name (builder, "end");
      json_builder_add_int_value (builder, a->end);
      add_string_or_null (builder, "quote", a->quote);
      json_builder_set_member_name (builder, "codes");
      json_builder_begin_array (builder);
      for (guint j = 0; j < a->codes->len; j++)
        json_builder_add_string_value (builder, g_hash_table_lookup (paths, &g_array_index (a->codes, gint64, j)));
      json_builder_end_array (builder);
      add_string_or_null (builder, "note", a->note);
      add_string_or_null (builder, "annotator", a->annotator);
      add_string_or_null (builder, "status", gloss_review_status_to_string (a->status));
      add_string_or_null (builder, "created", a->created);
      add_string_or_null (builder, "modified", a->modified);
      add_string_or_null (builder, "reviewer", a->reviewer);
      add_string_or_null (builder, "review_note", a->review_note);
      add_string_or_null (builder, "reviewed", a->reviewed);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  if (json)
    gloss_cli_print_json (builder);

  return GLOSS_CLI_OK;
}

static int
cmd_delete_annotation (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE UUID — delete an annotation"));
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;
  int status = 0;

  if (!gloss_cli_parse (context, &argc, &argv, 2, 2, &status))
    return status;
  project = gloss_cli_open (argv[1], FALSE, &status);
  if (project == NULL)
    return status;

  id = gloss_project_resolve_annotation (project, argv[2], &error);
  if (id == 0 || !gloss_project_delete_annotation (project, id, &error))
    return gloss_cli_fail (error);

  return GLOSS_CLI_OK;
}

static int
cmd_review (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE UUID — accept or reject an annotation"));
  gboolean accept = FALSE, reject = FALSE, clear = FALSE;
  g_autofree char *note = NULL, *annotator = NULL;
  GOptionEntry entries[] = {
    { "accept", 0, 0, G_OPTION_ARG_NONE, &accept, N_("Accept it"), NULL },
    { "reject", 0, 0, G_OPTION_ARG_NONE, &reject, N_("Reject it"), NULL },
    { "clear", 0, 0, G_OPTION_ARG_NONE, &clear, N_("Make it unreviewed again"), NULL },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("Why"), N_("T") },
    { "annotator", 0, 0, G_OPTION_ARG_STRING, &annotator, N_("The reviewer"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;
  int status = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!gloss_cli_parse (context, &argc, &argv, 2, 2, &status))
    return status;
  if (accept + reject + clear != 1)
    return gloss_cli_usage_error (context, _("give exactly one of --accept, --reject, --clear"));

  project = gloss_cli_open (argv[1], FALSE, &status);
  if (project == NULL)
    return status;

  id = gloss_project_resolve_annotation (project, argv[2], &error);
  if (id == 0 ||
      !gloss_project_review_annotation (project, id,
                                        accept ? GLOSS_REVIEW_ACCEPTED :
                                        reject ? GLOSS_REVIEW_REJECTED : GLOSS_REVIEW_UNREVIEWED,
                                        note, annotator, &error))
    return gloss_cli_fail (error);

  return GLOSS_CLI_OK;
}

/* A -journal beside @path that SQLite would roll back: a crash left a
 * change half-written, with what undoes it.  As SQLite tells it: a
 * regular file whose first byte is not zero (a zeroed header marks a
 * journal that is done with). */
static gboolean
has_hot_journal (const char *path)
{
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  GStatBuf st;
  FILE *file;
  int first;

  if (g_lstat (journal, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size == 0)
    return FALSE;
  file = g_fopen (journal, "rb");
  if (file == NULL)
    return FALSE;
  first = fgetc (file);
  fclose (file);

  return first != EOF && first != 0;
}

/* Opens @path read-only for the check.  A file a crash left unfinished
 * (a hot journal) cannot be read before the half-written change is
 * undone: that is the repair every opening for writing makes first, and
 * the check then looks at the last committed state, as Gloss will. */
static GlossProject *
open_for_check (const char  *path,
                gboolean    *repaired,
                GError     **error)
{
  g_autoptr(GError) read_only_error = NULL;
  g_autoptr(GError) repair_error = NULL;
  GlossProject *project;

  *repaired = FALSE;
  project = gloss_project_open (path, GLOSS_OPEN_READ_ONLY, &read_only_error);
  if (project != NULL)
    return project;
  if (!g_error_matches (read_only_error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_READ_ONLY) ||
      !has_hot_journal (path))
    {
      g_propagate_error (error, g_steal_pointer (&read_only_error));
      return NULL;
    }

  project = gloss_project_open (path, GLOSS_OPEN_DEFAULT, &repair_error);
  if (project == NULL)
    {
      /* A file that truly cannot be written: the first answer says so. */
      if (g_error_matches (repair_error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_READ_ONLY) ||
          g_error_matches (repair_error, GLOSS_PROJECT_ERROR, GLOSS_PROJECT_ERROR_PERMISSION))
        g_propagate_error (error, g_steal_pointer (&read_only_error));
      else
        g_propagate_error (error, g_steal_pointer (&repair_error));
      return NULL;
    }
  g_object_unref (project);
  *repaired = TRUE;

  return gloss_project_open (path, GLOSS_OPEN_READ_ONLY, error);
}

static int
cmd_check (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE — check integrity and every quote"));
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GlossProject) project = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shown = NULL;
  gboolean repaired = FALSE;
  int status = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!gloss_cli_parse (context, &argc, &argv, 1, 1, &status))
    return status;
  shown = g_filename_display_name (argv[1]);

  project = open_for_check (argv[1], &repaired, &error);
  if (repaired)
    g_printerr (_("gloss-cli: “%s” was left unfinished by a crash: the change being saved at "
                  "that moment was undone, as opening it in Gloss does. Everything saved "
                  "before it is kept.\n"), shown);
  if (project != NULL)
    problems = gloss_project_check (project, &error);

  if (problems == NULL)
    {
      /* A file that cannot be opened fails the check, with the reason. */
      if (json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();
          g_autofree char *message = g_utf8_make_valid (error->message, -1);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "ok");
          json_builder_add_boolean_value (builder, FALSE);
          json_builder_set_member_name (builder, "problems");
          json_builder_begin_array (builder);
          json_builder_add_string_value (builder, message);
          json_builder_end_array (builder);
          json_builder_end_object (builder);
          gloss_cli_print_json (builder);
        }
      return gloss_cli_fail (error);
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, problems->len == 0);
      json_builder_set_member_name (builder, "problems");
      json_builder_begin_array (builder);
      for (guint i = 0; i < problems->len; i++)
        json_builder_add_string_value (builder, problems->pdata[i]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      gloss_cli_print_json (builder);
    }
  else if (problems->len == 0)
    g_print (_("ok\n"));
  else
    for (guint i = 0; i < problems->len; i++)
      g_print ("%s\n", (char *) problems->pdata[i]);

  if (problems->len > 0)
    {
      g_printerr (_("gloss-cli: %u problems found in %s.\n"), problems->len, shown);
      return GLOSS_CLI_REFUSED;
    }

  return GLOSS_CLI_OK;
}

/* ------------------------------------------------------------------------ */

typedef struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "new", cmd_new, N_("Create a project") },
  { "import-text", cmd_import_text, N_("Import text, Word or ODF files as documents") },
  { "documents", cmd_documents, N_("List the documents") },
  { "add-dimension", cmd_add_dimension, N_("Add a dimension to the codebook") },
  { "add-code", cmd_add_code, N_("Add a code") },
  { "codes", cmd_codes, N_("List the codebook") },
  { "annotate", cmd_annotate, N_("Annotate a span") },
  { "annotations", cmd_annotations, N_("List annotations") },
  { "delete-annotation", cmd_delete_annotation, N_("Delete an annotation") },
  { "review", cmd_review, N_("Accept or reject an annotation") },
  { "check", cmd_check, N_("Check integrity and every quote") },
  { "export", gloss_cli_export, N_("Export as Gloss XML, CSV or REFI-QDA") },
  { "import", gloss_cli_import, N_("Import Gloss XML or REFI-QDA (.qdpx, .qdc)") },
  { "validate", gloss_cli_validate, N_("Validate Gloss XML against its schema") },
  { "agree", gloss_cli_agree, N_("Measure agreement between annotators") },
  { "merge", gloss_cli_merge, N_("Merge other project files into a project") },
};

static void
print_help (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: gloss-cli COMMAND FILE [OPTIONS…]"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-18s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Run gloss-cli COMMAND --help for a command's options."));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  xmlInitParser ();

  if (argc < 2)
    {
      print_help (stderr);
      return GLOSS_CLI_USAGE;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_help (stdout);
      return GLOSS_CLI_OK;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("gloss-cli %s\n", PACKAGE_VERSION);
      return GLOSS_CLI_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  g_printerr (_("gloss-cli: there is no command “%s”.\n\n"), argv[1]);
  print_help (stderr);
  return GLOSS_CLI_USAGE;
}
