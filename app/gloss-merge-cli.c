/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-merge-cli"

#include "config.h"

#include "gloss-merge.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "gloss-cli-private.h"

/* `gloss-cli merge TARGET SOURCE… [--dry-run] [--json]`, as in CLI.md. */

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

static void
add_uint (JsonBuilder *builder,
          const char  *key,
          guint        value)
{
  json_builder_set_member_name (builder, key);
  json_builder_add_int_value (builder, value);
}

static const char *
match_name (GlossMergeMatch match)
{
  switch (match)
    {
    case GLOSS_MERGE_MATCHED_BY_UUID:
      return "uuid";
    case GLOSS_MERGE_MATCHED_BY_PATH:
      return "path";
    case GLOSS_MERGE_ADDED:
    default:
      return "added";
    }
}

static void
print_json (const GlossMergeReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_uint (builder, "added", report->added);
  add_uint (builder, "unchanged", report->unchanged);
  add_uint (builder, "updated", report->updated);

  json_builder_set_member_name (builder, "conflicts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->conflicts->len; i++)
    {
      const GlossMergeConflict *conflict = report->conflicts->pdata[i];

      json_builder_begin_object (builder);
      add_string_or_null (builder, "uuid", conflict->uuid);
      add_string_or_null (builder, "kept", conflict->kept);
      add_string_or_null (builder, "other", conflict->other);
      add_string_or_null (builder, "kept_source", conflict->kept_source);
      add_string_or_null (builder, "other_source", conflict->other_source);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  add_uint (builder, "codes_mapped", report->codes_mapped);
  add_uint (builder, "codes_added", report->codes_added);
  add_uint (builder, "documents_added", report->documents_added);

  json_builder_set_member_name (builder, "skipped");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->skipped->len; i++)
    {
      const GlossMergeSkipped *skipped = report->skipped->pdata[i];

      json_builder_begin_object (builder);
      add_string_or_null (builder, "what", skipped->what);
      add_string_or_null (builder, "uuid", skipped->uuid);
      add_string_or_null (builder, "source", skipped->source);
      add_string_or_null (builder, "reason", skipped->reason);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  /* Beyond the contract's keys */
  json_builder_set_member_name (builder, "dry_run");
  json_builder_add_boolean_value (builder, report->dry_run);
  add_string_or_null (builder, "backup", report->backup);
  add_uint (builder, "deleted", report->deleted);
  add_uint (builder, "tombstones_added", report->tombstones_added);
  add_uint (builder, "annotations_skipped", report->annotations_skipped);
  add_uint (builder, "dimensions_added", report->dimensions_added);
  add_uint (builder, "documents_matched", report->documents_matched);
  add_uint (builder, "annotators_added", report->annotators_added);

  json_builder_set_member_name (builder, "codebook");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->codebook->len; i++)
    {
      const GlossMergeMapping *mapping = report->codebook->pdata[i];

      json_builder_begin_object (builder);
      add_string_or_null (builder, "kind", mapping->is_dimension ? "dimension" : "code");
      add_string_or_null (builder, "path", mapping->path);
      add_string_or_null (builder, "match", match_name (mapping->match));
      add_string_or_null (builder, "source_uuid", mapping->source_uuid);
      add_string_or_null (builder, "target_uuid", mapping->target_uuid);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "mismatches");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->mismatches->len; i++)
    json_builder_add_string_value (builder, report->mismatches->pdata[i]);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "annotators_kept_apart");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->namesakes->len; i++)
    {
      const GlossMergeNamesake *namesake = report->namesakes->pdata[i];

      json_builder_begin_object (builder);
      add_string_or_null (builder, "name", namesake->name);
      add_string_or_null (builder, "uuid", namesake->uuid);
      add_string_or_null (builder, "other_uuid", namesake->other_uuid);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);
  gloss_cli_print_json (builder);
}

static void
print_summary (const GlossMergeReport *report,
               const char             *target)
{
  guint by_path = 0;

  for (guint i = 0; i < report->codebook->len; i++)
    {
      const GlossMergeMapping *mapping = report->codebook->pdata[i];

      if (!mapping->is_dimension && mapping->match == GLOSS_MERGE_MATCHED_BY_PATH)
        by_path++;
    }

  if (report->dry_run)
    g_print (_("Dry run: nothing was written to %s.\n"), target);
  else
    g_print (_("Merged into %s (the file as it was: %s).\n"), target, report->backup);

  g_print (_("Annotations: %u added, %u unchanged, %u updated (%u deleted), %u conflicts, "
             "%u left out.\n"),
           report->added, report->unchanged, report->updated, report->deleted,
           report->conflicts->len, report->annotations_skipped);
  if (report->tombstones_added > 0)
    g_print (_("Deleted annotations recorded: %u.\n"), report->tombstones_added);
  g_print (_("Codebook: %u codes mapped (%u by path), %u codes added, %u dimensions added.\n"),
           report->codes_mapped, by_path, report->codes_added, report->dimensions_added);
  g_print (_("Documents: %u added, %u matched by their text.\n"),
           report->documents_added, report->documents_matched);

  for (guint i = 0; i < report->codebook->len; i++)
    {
      const GlossMergeMapping *mapping = report->codebook->pdata[i];

      if (mapping->match == GLOSS_MERGE_MATCHED_BY_PATH)
        g_print (_("  mapped by path: %s\n"), mapping->path);
      else if (mapping->match == GLOSS_MERGE_ADDED)
        g_print (_("  added: %s\n"), mapping->path);
    }
  for (guint i = 0; i < report->mismatches->len; i++)
    g_print (_("  codebook difference: %s\n"), (const char *) report->mismatches->pdata[i]);
  for (guint i = 0; i < report->namesakes->len; i++)
    {
      const GlossMergeNamesake *namesake = report->namesakes->pdata[i];

      g_print (_("  two annotators are named “%s” (%s and %s); they were kept apart\n"),
               namesake->name, namesake->other_uuid, namesake->uuid);
    }
  if (report->conflicts->len > 0)
    g_print (_("Conflicts, resolved by the later modification (the other version is in the "
               "change log):\n"));
  for (guint i = 0; i < report->conflicts->len; i++)
    {
      const GlossMergeConflict *conflict = report->conflicts->pdata[i];

      g_print (_("  %s: kept %s over %s\n"), conflict->uuid, conflict->kept, conflict->other);
    }
}

int
gloss_cli_merge (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("TARGET SOURCE… — merge other analysts' project files into TARGET"));
  gboolean dry_run = FALSE;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Report what would be merged, write nothing"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_auto(GlossMergeReport) report = { 0, };
  g_autoptr(GlossProject) target = NULL;
  g_autoptr(GError) error = NULL;
  int status = GLOSS_CLI_OK;

  g_option_context_set_summary (context,
                                _("Annotations, codes and documents are matched by identity; a "
                                  "backup copy of TARGET is made first. Exit status 4: some "
                                  "items were left out (listed on stderr)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!gloss_cli_parse (context, &argc, &argv, 2, -1, &status))
    return status;

  target = gloss_cli_open (argv[1], FALSE, &status);
  if (target == NULL)
    return status;

  if (!gloss_merge (target, (const char *const *) argv + 2, dry_run, &report, NULL, &error))
    return gloss_cli_fail (error);

  if (json)
    print_json (&report);
  else
    print_summary (&report, argv[1]);

  for (guint i = 0; i < report.skipped->len; i++)
    {
      const GlossMergeSkipped *skipped = report.skipped->pdata[i];

      if (skipped->uuid != NULL)
        g_printerr (_("gloss-cli: left out %s %s from %s: %s\n"), skipped->what, skipped->uuid,
                    skipped->source, skipped->reason);
      else
        g_printerr (_("gloss-cli: left out a %s from %s: %s\n"), skipped->what,
                    skipped->source, skipped->reason);
    }

  return report.skipped->len > 0 ? GLOSS_CLI_PARTIAL : GLOSS_CLI_OK;
}
