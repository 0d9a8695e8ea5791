/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-types"

#include "config.h"

#include "gloss-types.h"

#include <string.h>

static const char *dimension_kinds[] = { "actor", "theme", "stance", "other" };
static const char *levels[] = { "nominal", "ordinal" };
static const char *review_statuses[] = { "unreviewed", "accepted", "rejected" };
static const char *segment_kinds[] = { "question", "answer", "heading", "link", "other" };

static gboolean
lookup (const char  *str,
        const char **names,
        guint        n_names,
        int         *value)
{
  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < n_names; i++)
    {
      if (strcmp (str, names[i]) == 0)
        {
          *value = (int) i;
          return TRUE;
        }
    }

  return FALSE;
}

#define DEFINE_ENUM_STRINGS(Type, prefix, table)                              \
  const char *                                                                \
  prefix##_to_string (Type value)                                             \
  {                                                                           \
    g_return_val_if_fail ((guint) value < G_N_ELEMENTS (table), NULL);        \
    return table[value];                                                      \
  }                                                                           \
                                                                              \
  gboolean                                                                    \
  prefix##_from_string (const char *str,                                      \
                        Type       *value)                                    \
  {                                                                           \
    int v;                                                                    \
                                                                              \
    if (!lookup (str, table, G_N_ELEMENTS (table), &v))                       \
      return FALSE;                                                           \
    *value = (Type) v;                                                        \
    return TRUE;                                                              \
  }

DEFINE_ENUM_STRINGS (GlossDimensionKind, gloss_dimension_kind, dimension_kinds)
DEFINE_ENUM_STRINGS (GlossLevel, gloss_level, levels)
DEFINE_ENUM_STRINGS (GlossReviewStatus, gloss_review_status, review_statuses)
DEFINE_ENUM_STRINGS (GlossSegmentKind, gloss_segment_kind, segment_kinds)

void
gloss_document_free (GlossDocument *document)
{
  if (document == NULL)
    return;

  g_free (document->uuid);
  g_free (document->title);
  g_free (document->sha256);
  g_free (document->source_name);
  g_free (document->imported_at);
  g_free (document->memo);
  g_free (document);
}

void
gloss_segment_free (GlossSegment *segment)
{
  if (segment == NULL)
    return;

  g_free (segment->speaker);
  g_free (segment);
}

void
gloss_attribute_free (GlossAttribute *attribute)
{
  if (attribute == NULL)
    return;

  g_free (attribute->key);
  g_free (attribute->value);
  g_free (attribute);
}

void
gloss_dimension_free (GlossDimension *dimension)
{
  if (dimension == NULL)
    return;

  g_free (dimension->uuid);
  g_free (dimension->name);
  g_free (dimension->memo);
  g_free (dimension);
}

void
gloss_code_free (GlossCode *code)
{
  if (code == NULL)
    return;

  g_free (code->uuid);
  g_free (code->name);
  g_free (code->path);
  g_free (code->color);
  g_free (code->description);
  g_free (code->shortcut);
  g_free (code);
}

void
gloss_annotation_free (GlossAnnotation *annotation)
{
  if (annotation == NULL)
    return;

  g_free (annotation->uuid);
  g_free (annotation->quote);
  g_free (annotation->note);
  g_free (annotation->annotator);
  g_free (annotation->annotator_uuid);
  g_free (annotation->created);
  g_free (annotation->modified);
  g_free (annotation->reviewer);
  g_free (annotation->review_note);
  g_free (annotation->reviewed);
  g_clear_pointer (&annotation->codes, g_array_unref);
  g_free (annotation);
}

char *
gloss_timestamp_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *seconds = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (now) / 1000);
}

char *
gloss_path_escape_name (const char *name)
{
  GString *out = g_string_sized_new (strlen (name) + 4);

  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '/' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

char **
gloss_path_split (const char *path)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) part = g_string_new (NULL);

  for (const char *p = path; *p != '\0'; p++)
    {
      if (*p == '\\' && (p[1] == '/' || p[1] == '\\'))
        {
          g_string_append_c (part, p[1]);
          p++;
        }
      else if (*p == '/')
        {
          g_ptr_array_add (parts, g_strdup (part->str));
          g_string_truncate (part, 0);
        }
      else
        g_string_append_c (part, *p);
    }

  g_ptr_array_add (parts, g_strdup (part->str));
  g_ptr_array_add (parts, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&parts), FALSE);
}
