/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-refi"

#include "config.h"

#include "gloss-interchange.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "gloss-autocleanups.h"
#include "gloss-project-private.h"
#include "gloss-text.h"
#include "gloss-zip.h"

/* REFI-QDA (.qdpx projects and .qdc codebooks), both ways.
 *
 * Reading builds a small model of the file first (users, code tree,
 * sources with their decoded text and selections), checks it, and only
 * then writes everything in one tracked transaction, so a failure leaves
 * the project as it was.  Facts about real files that the standard does
 * not tell are in ../shared/refi/README.md; the important ones:
 *
 *  - positions count the code points of the .txt without its BOM, with
 *    CRLF counted as two; NVivo counts UTF-16 code units instead;
 *  - the sources folder may be "Sources/"; a path without a scheme is an
 *    entry of the archive; namespaces drift, so only local names matter.
 *
 * Mapping: a top-level code that is not codable becomes a dimension and its
 * descendants that dimension's codes; codable top-level codes and their
 * descendants go into one multiple-valued dimension "Codes".  Writing maps
 * back the same way. */

#define CODES_DIMENSION "Codes"
#define QDA_NS_PREFIX "urn:QDA-XML:"
#define PROJECT_NS "urn:QDA-XML:project:1.0"
#define CODEBOOK_NS "urn:QDA-XML:codebook:1.0"
#define MAX_QDC_BYTES (64u << 20)

/* Colours for codes that come without one: GNOME's palette. */
static const char *palette[] = {
  "#3584e4", "#33d17a", "#f6d32d", "#ff7800", "#e01b24",
  "#9141ac", "#986a44", "#26a269", "#1a5fb4", "#c64600",
};

/* ---------------------------------------------------------------------
 * The model of a file being read
 * ------------------------------------------------------------------ */

typedef struct _RefiCode RefiCode;

struct _RefiCode
{
  char      *guid;          /* lower case */
  char      *name;
  char      *color;         /* "#rrggbb" or NULL */
  char      *description;   /* nullable */
  gboolean   codable;
  RefiCode  *parent;        /* borrowed */
  GPtrArray *children;      /* (element-type RefiCode) owned */

  /* Where it went */
  gint64     dimension;     /* a top-level non-codable code: its dimension */
  gint64     code;          /* 0 for a dimension */
};

typedef struct
{
  char      *guid;
  char      *name;
  gint64     start;         /* as in the file: code points or UTF-16 units */
  gint64     end;
  gint64     cp_start;      /* converted; -1 when outside the text */
  gint64     cp_end;
  char      *user;          /* GUID of who coded it, nullable */
  char      *created;       /* Gloss timestamps, nullable */
  char      *modified;
  char      *note;          /* Description and notes, nullable */
  GPtrArray *code_refs;     /* (element-type utf8) lower-case GUIDs, unique */
  guint      n_codings;
} RefiSelection;

typedef struct
{
  char      *guid;
  char      *name;          /* title in Gloss */
  char      *plain_path;    /* nullable */
  char      *rich_path;     /* nullable */
  char      *content;       /* PlainTextContent, nullable */
  char      *memo;          /* Description and notes, nullable */
  char      *created;       /* nullable */
  GPtrArray *selections;    /* (element-type RefiSelection) */
  GPtrArray *attributes;    /* (element-type utf8) key, value, key, value… */

  char      *text;          /* normalised text; NULL when it could not be read */
  char      *source_name;   /* file name the text came from */
} RefiSource;

typedef struct
{
  char *guid;
  char *name;
} RefiUser;

typedef struct
{
  gboolean    is_codebook;
  gboolean    utf16;          /* NVivo: positions in UTF-16 code units */
  char       *origin;         /* nullable */
  GPtrArray  *users;          /* (element-type RefiUser) */
  GPtrArray  *top_codes;      /* (element-type RefiCode) */
  GHashTable *codes;          /* guid → RefiCode (borrowed) */
  GPtrArray  *sources;        /* (element-type RefiSource) */
  GHashTable *notes;          /* guid → text */
  GHashTable *used_notes;     /* guids of notes attached somewhere */
  GHashTable *variables;      /* guid → name */
  GPtrArray  *skipped;        /* (element-type utf8) */
} RefiModel;

static void
refi_code_free (RefiCode *code)
{
  g_free (code->guid);
  g_free (code->name);
  g_free (code->color);
  g_free (code->description);
  g_clear_pointer (&code->children, g_ptr_array_unref);
  g_free (code);
}

static void
refi_selection_free (RefiSelection *sel)
{
  g_free (sel->guid);
  g_free (sel->name);
  g_free (sel->user);
  g_free (sel->created);
  g_free (sel->modified);
  g_free (sel->note);
  g_clear_pointer (&sel->code_refs, g_ptr_array_unref);
  g_free (sel);
}

static void
refi_source_free (RefiSource *source)
{
  g_free (source->guid);
  g_free (source->name);
  g_free (source->plain_path);
  g_free (source->rich_path);
  g_free (source->content);
  g_free (source->memo);
  g_free (source->created);
  g_clear_pointer (&source->selections, g_ptr_array_unref);
  g_clear_pointer (&source->attributes, g_ptr_array_unref);
  g_free (source->text);
  g_free (source->source_name);
  g_free (source);
}

static void
refi_user_free (RefiUser *user)
{
  g_free (user->guid);
  g_free (user->name);
  g_free (user);
}

static RefiModel *
refi_model_new (void)
{
  RefiModel *model = g_new0 (RefiModel, 1);

  model->users = g_ptr_array_new_with_free_func ((GDestroyNotify) refi_user_free);
  model->top_codes = g_ptr_array_new_with_free_func ((GDestroyNotify) refi_code_free);
  model->codes = g_hash_table_new (g_str_hash, g_str_equal);
  model->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) refi_source_free);
  model->notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  model->used_notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  model->variables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  model->skipped = g_ptr_array_new_with_free_func (g_free);

  return model;
}

static void
refi_model_free (RefiModel *model)
{
  g_free (model->origin);
  g_clear_pointer (&model->users, g_ptr_array_unref);
  g_clear_pointer (&model->codes, g_hash_table_unref);
  g_clear_pointer (&model->top_codes, g_ptr_array_unref);
  g_clear_pointer (&model->sources, g_ptr_array_unref);
  g_clear_pointer (&model->notes, g_hash_table_unref);
  g_clear_pointer (&model->used_notes, g_hash_table_unref);
  g_clear_pointer (&model->variables, g_hash_table_unref);
  g_clear_pointer (&model->skipped, g_ptr_array_unref);
  g_free (model);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RefiModel, refi_model_free)

static void
skip (RefiModel  *model,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
skip (RefiModel  *model,
      const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (model->skipped, g_strdup_vprintf (format, args));
  va_end (args);
}

/* ---------------------------------------------------------------------
 * Safe XML parsing
 * ------------------------------------------------------------------ */

typedef struct
{
  gboolean saw_doctype;
} ParseState;

static void
on_internal_subset (void          *ctx,
                    const xmlChar *name,
                    const xmlChar *external_id,
                    const xmlChar *system_id)
{
  xmlParserCtxtPtr ctxt = ctx;
  ParseState *state = ctxt->_private;

  state->saw_doctype = TRUE;
  xmlStopParser (ctxt);
}

/* Parses @data into a tree.  Refuses any DOCTYPE before its content is
 * looked at (so no entity is ever declared, let alone expanded); no network,
 * no DTD loading, no entity substitution, libxml2's default limits on depth
 * and text size. */
static xmlDoc *
parse_xml (const char  *data,
           gsize        len,
           const char  *what,
           GError     **error)
{
  g_autoptr(xmlDoc) doc = NULL;
  ParseState state = { FALSE };
  xmlParserCtxtPtr ctxt;

  if (len > G_MAXINT)
    {
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_TOO_LARGE,
                   "%s is too large to read.", what);
      return NULL;
    }

  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    {
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO,
                   "Could not start reading %s: out of memory.", what);
      return NULL;
    }

  ctxt->_private = &state;
  ctxt->sax->internalSubset = on_internal_subset;
  doc = xmlCtxtReadMemory (ctxt, data, (int) len, NULL, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

  if (state.saw_doctype)
    {
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_DOCTYPE,
                   "%s contains a document type declaration (DOCTYPE), which "
                   "REFI-QDA files never have; it was not read. Nothing was imported.",
                   what);
      xmlFreeParserCtxt (ctxt);
      return NULL;
    }

  if (doc == NULL || !ctxt->wellFormed)
    {
      const xmlError *err = xmlCtxtGetLastError (ctxt);
      g_autofree char *detail = NULL;

      if (err != NULL && err->message != NULL && strstr (err->message, "depth") != NULL)
        detail = g_strdup_printf ("line %d: elements are nested more deeply than %u levels",
                                  err->line, xmlParserMaxDepth);
      else if (err != NULL && err->message != NULL)
        {
          /* libxml2 quotes the file's bytes as they are, UTF-8 or not. */
          g_autofree char *shown = g_utf8_make_valid (err->message, -1);

          detail = g_strchomp (g_strdup_printf ("line %d: %s", err->line, shown));
        }
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_MALFORMED,
                   "%s is not well-formed XML (%s). Nothing was imported.",
                   what, detail != NULL ? detail : "unknown error");
      xmlFreeParserCtxt (ctxt);
      return NULL;
    }

  xmlFreeParserCtxt (ctxt);
  return g_steal_pointer (&doc);
}

/* ---------------------------------------------------------------------
 * Reading the tree
 * ------------------------------------------------------------------ */

static gboolean
is_qda (xmlNode    *node,
        const char *name)
{
  return node != NULL
         && node->type == XML_ELEMENT_NODE
         && node->ns != NULL
         && node->ns->href != NULL
         && g_str_has_prefix ((const char *) node->ns->href, QDA_NS_PREFIX)
         && (name == NULL || strcmp ((const char *) node->name, name) == 0);
}

static xmlNode *
first_child (xmlNode    *parent,
             const char *name)
{
  for (xmlNode *n = parent->children; n != NULL; n = n->next)
    if (is_qda (n, name))
      return n;
  return NULL;
}

static char *
get_attr (xmlNode    *node,
          const char *name)
{
  xmlChar *value = xmlGetNoNsProp (node, (const xmlChar *) name);
  char *copy;

  if (value == NULL)
    return NULL;
  copy = g_strdup ((const char *) value);
  xmlFree (value);
  return copy;
}

/* Text content, NULL when absent or only white space. */
static char *
get_text (xmlNode *node)
{
  xmlChar *value;
  g_autofree char *copy = NULL;

  if (node == NULL)
    return NULL;
  value = xmlNodeGetContent (node);
  if (value == NULL)
    return NULL;
  copy = g_strdup ((const char *) value);
  xmlFree (value);

  for (const char *p = copy; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return g_steal_pointer (&copy);

  return NULL;
}

/* A GUID as Gloss stores it: lower case, without braces; NULL if malformed. */
static char *
normalise_guid (const char *guid)
{
  g_autofree char *copy = NULL;
  gsize len;

  if (guid == NULL)
    return NULL;
  copy = g_strstrip (g_strdup (guid));
  len = strlen (copy);
  if (len == 38 && copy[0] == '{' && copy[37] == '}')
    {
      memmove (copy, copy + 1, 36);
      copy[36] = '\0';
    }
  if (!g_uuid_string_is_valid (copy))
    return NULL;

  return g_ascii_strdown (copy, -1);
}

/* xsd:dateTime → "YYYY-MM-DDTHH:MM:SS.mmmZ"; NULL when absent or unreadable. */
static char *
timestamp_from_xsd (const char *value)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autofree char *seconds = NULL;

  if (value == NULL)
    return NULL;
  tz = g_time_zone_new_utc ();
  dt = g_date_time_new_from_iso8601 (value, tz);
  if (dt == NULL)
    return NULL;
  utc = g_date_time_to_utc (dt);
  seconds = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (utc) / 1000);
}

/* "#RGB" or "#RRGGBB" → "#rrggbb"; NULL otherwise. */
static char *
normalise_color (const char *value)
{
  g_autofree char *copy = NULL;
  gsize len;

  if (value == NULL)
    return NULL;
  copy = g_strstrip (g_strdup (value));
  len = strlen (copy);
  if (copy[0] != '#' || (len != 4 && len != 7))
    return NULL;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isxdigit (copy[i]))
      return NULL;
  if (len == 4)
    return g_ascii_strdown ((char[]) { '#', copy[1], copy[1], copy[2], copy[2],
                                       copy[3], copy[3], '\0' }, -1);

  return g_ascii_strdown (copy, -1);
}

static void
append_paragraph (char       **target,
                  const char  *text)
{
  char *joined;

  if (text == NULL)
    return;
  if (*target == NULL)
    {
      *target = g_strdup (text);
      return;
    }
  joined = g_strconcat (*target, "\n\n", text, NULL);
  g_free (*target);
  *target = joined;
}

/* Appends the text of every NoteRef under @node to @target. */
static void
append_note_refs (RefiModel  *model,
                  xmlNode    *node,
                  char      **target)
{
  for (xmlNode *n = node->children; n != NULL; n = n->next)
    {
      g_autofree char *raw = NULL;
      g_autofree char *guid = NULL;
      const char *text;

      if (!is_qda (n, "NoteRef"))
        continue;
      raw = get_attr (n, "targetGUID");
      guid = normalise_guid (raw);
      text = guid != NULL ? g_hash_table_lookup (model->notes, guid) : NULL;
      append_paragraph (target, text);
      if (text != NULL)
        g_hash_table_add (model->used_notes, g_steal_pointer (&guid));
    }
}

static gboolean
read_codes (RefiModel  *model,
            xmlNode    *parent_node,
            RefiCode   *parent,
            GPtrArray  *into,
            GError    **error)
{
  for (xmlNode *n = parent_node->children; n != NULL; n = n->next)
    {
      g_autofree char *raw_guid = NULL;
      g_autofree char *raw_color = NULL;
      g_autofree char *codable = NULL;
      RefiCode *code;

      if (!is_qda (n, "Code"))
        continue;

      raw_guid = get_attr (n, "guid");
      code = g_new0 (RefiCode, 1);
      code->guid = normalise_guid (raw_guid);
      code->name = get_attr (n, "name");
      code->children = g_ptr_array_new_with_free_func ((GDestroyNotify) refi_code_free);
      code->parent = parent;
      g_ptr_array_add (into, code);

      if (code->guid == NULL)
        {
          g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_STRUCTURE,
                       "The code “%s” has no valid GUID (line %ld). Nothing was imported.",
                       code->name != NULL ? code->name : "", xmlGetLineNo (n));
          return FALSE;
        }
      if (g_hash_table_contains (model->codes, code->guid))
        {
          g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_DUPLICATE_UUID,
                       "Two codes have the same GUID %s (line %ld). Nothing was imported.",
                       code->guid, xmlGetLineNo (n));
          return FALSE;
        }
      g_hash_table_insert (model->codes, code->guid, code);

      if (code->name != NULL)
        g_strdelimit (code->name, "\r\n\t", ' ');
      if (code->name == NULL || *g_strstrip (code->name) == '\0')
        {
          g_free (code->name);
          code->name = g_strdup_printf ("Code %s", code->guid);
          skip (model, "A code without a name (GUID %s) was named “%s”.",
                code->guid, code->name);
        }

      codable = get_attr (n, "isCodable");
      code->codable = codable == NULL || g_strcmp0 (g_strstrip (codable), "false") != 0;
      if (codable != NULL && strcmp (codable, "0") == 0)
        code->codable = FALSE;

      raw_color = get_attr (n, "color");
      code->color = normalise_color (raw_color);
      if (raw_color != NULL && code->color == NULL)
        skip (model, "The colour “%s” of code “%s” is not a colour Gloss reads; "
              "the code got a colour of its own.", raw_color, code->name);

      code->description = get_text (first_child (n, "Description"));
      append_note_refs (model, n, &code->description);

      if (!read_codes (model, n, code, code->children, error))
        return FALSE;
    }

  return TRUE;
}

static void
read_notes (RefiModel *model,
            xmlNode   *notes)
{
  for (xmlNode *n = notes->children; n != NULL; n = n->next)
    {
      g_autofree char *raw = NULL;
      g_autofree char *guid = NULL;
      char *text;

      if (!is_qda (n, "Note"))
        continue;
      raw = get_attr (n, "guid");
      guid = normalise_guid (raw);
      text = get_text (first_child (n, "PlainTextContent"));
      if (guid == NULL || text == NULL)
        {
          g_autofree char *name = get_attr (n, "name");

          skip (model, "The note “%s” has no text inside the file (only notes with "
                "their text in the project file are read).", name != NULL ? name : "");
          g_free (text);
          continue;
        }
      g_hash_table_replace (model->notes, g_steal_pointer (&guid), text);
    }
}

static void
read_variables (RefiModel *model,
                xmlNode   *variables)
{
  for (xmlNode *n = variables->children; n != NULL; n = n->next)
    {
      g_autofree char *raw = NULL;
      char *guid;
      char *name;

      if (!is_qda (n, "Variable"))
        continue;
      raw = get_attr (n, "guid");
      guid = normalise_guid (raw);
      name = get_attr (n, "name");
      if (guid == NULL || name == NULL)
        {
          g_free (guid);
          g_free (name);
          continue;
        }
      g_hash_table_replace (model->variables, guid, name);
    }
}

static gboolean
parse_position (xmlNode    *node,
                const char *name,
                gint64     *out)
{
  g_autofree char *value = get_attr (node, name);
  guint64 v;

  if (value == NULL || !g_ascii_string_to_unsigned (g_strstrip (value), 10, 0,
                                                    G_MAXINT64 / 4, &v, NULL))
    return FALSE;
  *out = (gint64) v;
  return TRUE;
}

static RefiSelection *
read_selection (RefiModel  *model,
                RefiSource *source,
                xmlNode    *node)
{
  g_autofree char *raw_guid = get_attr (node, "guid");
  g_autofree char *user = NULL;
  g_autofree char *created = NULL;
  g_autofree char *modified = NULL;
  RefiSelection *sel = g_new0 (RefiSelection, 1);

  sel->guid = normalise_guid (raw_guid);
  sel->name = get_attr (node, "name");
  sel->code_refs = g_ptr_array_new_with_free_func (g_free);
  sel->cp_start = sel->cp_end = -1;

  if (!parse_position (node, "startPosition", &sel->start)
      || !parse_position (node, "endPosition", &sel->end))
    sel->start = sel->end = -1;

  user = get_attr (node, "creatingUser");
  sel->user = normalise_guid (user);
  created = get_attr (node, "creationDateTime");
  sel->created = timestamp_from_xsd (created);
  modified = get_attr (node, "modifiedDateTime");
  sel->modified = timestamp_from_xsd (modified);

  sel->note = get_text (first_child (node, "Description"));
  append_note_refs (model, node, &sel->note);

  for (xmlNode *n = node->children; n != NULL; n = n->next)
    {
      xmlNode *ref;
      g_autofree char *raw_target = NULL;
      g_autofree char *target = NULL;

      if (!is_qda (n, "Coding"))
        continue;

      sel->n_codings++;
      /* Who applied the codes is the annotator, more than who drew the span. */
      if (sel->n_codings == 1)
        {
          g_autofree char *coder_raw = get_attr (n, "creatingUser");
          g_autofree char *coder = normalise_guid (coder_raw);
          g_autofree char *coded_raw = get_attr (n, "creationDateTime");
          g_autofree char *coded = timestamp_from_xsd (coded_raw);

          if (coder != NULL)
            {
              g_free (sel->user);
              sel->user = g_steal_pointer (&coder);
            }
          if (sel->created == NULL)
            sel->created = g_steal_pointer (&coded);
        }
      append_note_refs (model, n, &sel->note);

      ref = first_child (n, "CodeRef");
      if (ref != NULL)
        raw_target = get_attr (ref, "targetGUID");
      target = normalise_guid (raw_target);
      if (target == NULL)
        continue;
      if (!g_ptr_array_find_with_equal_func (sel->code_refs, target, g_str_equal, NULL))
        g_ptr_array_add (sel->code_refs, g_steal_pointer (&target));
    }

  return sel;
}

static char *
file_title (const char *path)
{
  const char *slash = strrchr (path, '/');
  const char *base = slash != NULL ? slash + 1 : path;
  const char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    return g_strndup (base, dot - base);
  return g_strdup (base);
}

static gboolean
read_sources (RefiModel  *model,
              xmlNode    *sources,
              GHashTable *seen,
              GError    **error)
{
  for (xmlNode *n = sources->children; n != NULL; n = n->next)
    {
      g_autofree char *raw_guid = NULL;
      g_autofree char *created = NULL;
      RefiSource *source;

      if (n->type != XML_ELEMENT_NODE)
        continue;

      if (!is_qda (n, "TextSource"))
        {
          g_autofree char *name = get_attr (n, "name");

          skip (model, "The %s “%s” was left out: Gloss reads text sources only.",
                (const char *) n->name, name != NULL ? name : "");
          continue;
        }

      raw_guid = get_attr (n, "guid");
      source = g_new0 (RefiSource, 1);
      source->guid = normalise_guid (raw_guid);
      source->selections = g_ptr_array_new_with_free_func ((GDestroyNotify) refi_selection_free);
      source->attributes = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (model->sources, source);

      if (source->guid == NULL)
        {
          g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_STRUCTURE,
                       "A text source has no valid GUID (line %ld). Nothing was imported.",
                       xmlGetLineNo (n));
          return FALSE;
        }
      if (!g_hash_table_add (seen, g_strdup (source->guid)))
        {
          g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_DUPLICATE_UUID,
                       "Two sources have the same GUID %s (line %ld). Nothing was imported.",
                       source->guid, xmlGetLineNo (n));
          return FALSE;
        }

      source->name = get_attr (n, "name");
      source->plain_path = get_attr (n, "plainTextPath");
      source->rich_path = get_attr (n, "richTextPath");
      created = get_attr (n, "creationDateTime");
      source->created = timestamp_from_xsd (created);
      source->memo = get_text (first_child (n, "Description"));
      append_note_refs (model, n, &source->memo);

      if (source->name != NULL)
        g_strdelimit (source->name, "\r\n\t", ' ');
      if (source->name == NULL || *g_strstrip (source->name) == '\0')
        {
          g_free (source->name);
          if (source->plain_path != NULL)
            source->name = file_title (source->plain_path);
          else if (source->rich_path != NULL)
            source->name = file_title (source->rich_path);
          else
            source->name = g_strdup_printf ("Source %s", source->guid);
        }

      for (xmlNode *c = n->children; c != NULL; c = c->next)
        {
          if (is_qda (c, "PlainTextContent"))
            {
              xmlChar *content = xmlNodeGetContent (c);

              g_free (source->content);
              source->content = g_strdup ((const char *) content);
              xmlFree (content);
            }
          else if (is_qda (c, "PlainTextSelection"))
            {
              RefiSelection *sel = read_selection (model, source, c);

              if (sel->guid == NULL)
                {
                  g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_STRUCTURE,
                               "A selection in “%s” has no valid GUID (line %ld). "
                               "Nothing was imported.", source->name, xmlGetLineNo (c));
                  refi_selection_free (sel);
                  return FALSE;
                }
              if (!g_hash_table_add (seen, g_strdup (sel->guid)))
                {
                  g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_DUPLICATE_UUID,
                               "Two selections have the same GUID %s (line %ld). "
                               "Nothing was imported.", sel->guid, xmlGetLineNo (c));
                  refi_selection_free (sel);
                  return FALSE;
                }
              g_ptr_array_add (source->selections, sel);
            }
          else if (is_qda (c, "Coding"))
            {
              skip (model, "A code applied to the whole source “%s” was left out: "
                    "Gloss codes spans of text.", source->name);
            }
          else if (is_qda (c, "VariableValue"))
            {
              xmlNode *ref = first_child (c, "VariableRef");
              g_autofree char *raw = ref != NULL ? get_attr (ref, "targetGUID") : NULL;
              g_autofree char *guid = normalise_guid (raw);
              const char *key = guid != NULL ? g_hash_table_lookup (model->variables, guid) : NULL;
              char *value = NULL;

              for (xmlNode *v = c->children; v != NULL && value == NULL; v = v->next)
                if (is_qda (v, NULL) && g_str_has_suffix ((const char *) v->name, "Value"))
                  value = get_text (v);
              if (key != NULL && value != NULL)
                {
                  g_ptr_array_add (source->attributes, g_strdup (key));
                  g_ptr_array_add (source->attributes, value);
                }
              else
                g_free (value);
            }
        }
    }

  return TRUE;
}

static void
report_unread (RefiModel  *model,
               xmlNode    *root)
{
  static const char *known[] = { "Users", "CodeBook", "Codes", "Variables", "Sources",
                                 "Notes", "Description", "NoteRef" };
  g_autofree char *description = NULL;
  guint unused_notes = 0;
  GHashTableIter iter;
  gpointer guid;

  for (xmlNode *n = root->children; n != NULL; n = n->next)
    {
      gboolean is_known = FALSE;
      guint count = 0;

      if (!is_qda (n, NULL))
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (known); i++)
        is_known |= strcmp ((const char *) n->name, known[i]) == 0;
      if (is_known)
        continue;

      for (xmlNode *c = n->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
          count++;

      if (strcmp ((const char *) n->name, "Sets") == 0)
        skip (model, "%u set%s of codes or sources left out: Gloss has no sets.",
              count, count == 1 ? "" : "s");
      else if (strcmp ((const char *) n->name, "Cases") == 0)
        skip (model, "%u case%s left out: Gloss has no cases.", count, count == 1 ? "" : "s");
      else if (strcmp ((const char *) n->name, "Links") == 0)
        skip (model, "%u link%s left out: Gloss has no links.", count, count == 1 ? "" : "s");
      else if (strcmp ((const char *) n->name, "Graphs") == 0)
        skip (model, "%u graph%s left out: Gloss has no graphs.", count, count == 1 ? "" : "s");
      else
        skip (model, "The part <%s> was left out: Gloss does not read it.",
              (const char *) n->name);
    }

  description = get_text (first_child (root, "Description"));
  if (description != NULL)
    skip (model, "The description of the project as a whole was left out: Gloss keeps "
          "notes on documents, codes and annotations only.");

  g_hash_table_iter_init (&iter, model->notes);
  while (g_hash_table_iter_next (&iter, &guid, NULL))
    if (!g_hash_table_contains (model->used_notes, guid))
      unused_notes++;
  if (unused_notes > 0)
    skip (model, "%u note%s not attached to a source, selection or code %s left out.",
          unused_notes, unused_notes == 1 ? "" : "s", unused_notes == 1 ? "was" : "were");
}

static gboolean
read_model (RefiModel  *model,
            xmlDoc     *doc,
            gboolean    in_archive,
            GError    **error)
{
  xmlNode *root = xmlDocGetRootElement (doc);
  const char *href;
  xmlNode *node;

  if (root == NULL || root->ns == NULL || root->ns->href == NULL)
    {
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_WRONG_NAMESPACE,
                   "This is not a REFI-QDA file: its root element has no REFI-QDA namespace.");
      return FALSE;
    }
  href = (const char *) root->ns->href;

  if (strcmp ((const char *) root->name, "Project") == 0
      && g_str_has_prefix (href, QDA_NS_PREFIX "project:"))
    model->is_codebook = FALSE;
  else if (strcmp ((const char *) root->name, "CodeBook") == 0
           && g_str_has_prefix (href, QDA_NS_PREFIX "codebook:"))
    model->is_codebook = TRUE;
  else if (strcmp ((const char *) root->name, "Project") == 0
           || strcmp ((const char *) root->name, "CodeBook") == 0)
    {
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_WRONG_NAMESPACE,
                   "The namespace “%s” is not a REFI-QDA namespace. Nothing was imported.",
                   href);
      return FALSE;
    }
  else
    {
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_UNKNOWN_FORMAT,
                   "This is not a REFI-QDA project or codebook (its root element is <%s>).",
                   (const char *) root->name);
      return FALSE;
    }

  if (in_archive && model->is_codebook)
    {
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_STRUCTURE,
                   "The project.qde inside this archive is a codebook, not a project. "
                   "Nothing was imported.");
      return FALSE;
    }

  model->origin = get_attr (root, "origin");
  /* NVivo counts UTF-16 code units (Windows and Mac alike). */
  if (model->origin != NULL)
    {
      g_autofree char *lower = g_ascii_strdown (model->origin, -1);

      model->utf16 = strstr (lower, "nvivo") != NULL;
    }

  if (model->is_codebook)
    {
      node = first_child (root, "Codes");
      if (node != NULL && !read_codes (model, node, NULL, model->top_codes, error))
        return FALSE;
      report_unread (model, root);
      return TRUE;
    }

  /* Notes and variables first: codes, sources and selections refer to them. */
  node = first_child (root, "Notes");
  if (node != NULL)
    read_notes (model, node);
  node = first_child (root, "Variables");
  if (node != NULL)
    read_variables (model, node);

  node = first_child (root, "Users");
  if (node != NULL)
    {
      for (xmlNode *n = node->children; n != NULL; n = n->next)
        {
          g_autofree char *raw = NULL;
          RefiUser *user;

          if (!is_qda (n, "User"))
            continue;
          raw = get_attr (n, "guid");
          user = g_new0 (RefiUser, 1);
          user->guid = normalise_guid (raw);
          user->name = get_attr (n, "name");
          if (user->name == NULL || *g_strstrip (user->name) == '\0')
            {
              g_free (user->name);
              user->name = get_attr (n, "id");
            }
          if (user->guid == NULL)
            {
              skip (model, "A user without a valid GUID (“%s”) was left out.",
                    user->name != NULL ? user->name : "");
              refi_user_free (user);
              continue;
            }
          if (user->name != NULL)
            g_strdelimit (user->name, "\r\n\t", ' ');
          if (user->name == NULL || *g_strstrip (user->name) == '\0')
            {
              g_free (user->name);
              user->name = g_strdup_printf ("User %.8s", user->guid);
            }
          g_ptr_array_add (model->users, user);
        }
    }

  node = first_child (root, "CodeBook");
  if (node != NULL)
    node = first_child (node, "Codes");
  if (node != NULL && !read_codes (model, node, NULL, model->top_codes, error))
    return FALSE;

  node = first_child (root, "Sources");
  if (node != NULL)
    {
      g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      if (!read_sources (model, node, seen, error))
        return FALSE;
    }

  report_unread (model, root);

  return TRUE;
}

/* ---------------------------------------------------------------------
 * Source texts and positions
 * ------------------------------------------------------------------ */

typedef struct
{
  gint64   unit;
  gint64  *out;
  gboolean is_end;
} PositionRequest;

static int
compare_requests (gconstpointer a,
                  gconstpointer b)
{
  const PositionRequest *ra = a;
  const PositionRequest *rb = b;

  return (ra->unit > rb->unit) - (ra->unit < rb->unit);
}

/* Converts positions counted in @raw (valid UTF-8 without BOM, before line
 * ends are normalised) into code-point offsets of the normalised text, in
 * one pass.  @utf16: positions count UTF-16 code units.  A CRLF is two
 * units in the file and one character in Gloss; a position between its
 * two halves, or inside a surrogate pair, is moved outwards (a start to
 * the character's beginning, an end past it).  Positions beyond the text
 * become -1.  Returns the number of characters of the normalised text. */
static gint64
convert_positions (const char *raw,
                   gsize       len,
                   gboolean    utf16,
                   GArray     *requests)
{
  PositionRequest *req = (PositionRequest *) requests->data;
  const char *p = raw;
  const char *end = raw + len;
  gint64 unit = 0;
  gint64 offset = 0;
  guint r = 0;

  g_array_sort (requests, compare_requests);

  while (r < requests->len && req[r].unit < 0)
    *req[r++].out = -1;

  while (p < end)
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);
      gint64 width = (utf16 && c > 0xFFFF) ? 2 : 1;

      if (c == '\r' && next < end && *next == '\n')
        {
          next++;
          width = 2;
        }

      for (; r < requests->len && req[r].unit == unit; r++)
        *req[r].out = offset;
      for (; r < requests->len && req[r].unit < unit + width; r++)
        *req[r].out = req[r].is_end ? offset + 1 : offset;

      unit += width;
      offset++;
      p = next;
    }

  for (; r < requests->len && req[r].unit == unit; r++)
    *req[r].out = offset;
  for (; r < requests->len; r++)
    *req[r].out = -1;

  return offset;
}

static gboolean
cancelled (GCancellable  *cancellable,
           GError       **error)
{
  if (!g_cancellable_is_cancelled (cancellable))
    return FALSE;

  g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_CANCELLED,
               "The import was cancelled. Nothing was changed.");
  return TRUE;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

/* The archive entry a path names, or NULL with the reason in @why. */
static GBytes *
find_entry (GlossZip    *zip,
            const char  *path,
            char       **entry_name,
            char       **why)
{
  const char *rest = path;
  const char *scheme_end = strstr (path, "://");
  g_autofree char *in_sources = NULL;
  GBytes *bytes;

  if (scheme_end != NULL)
    {
      if (g_ascii_strncasecmp (path, "internal://", strlen ("internal://")) != 0)
        {
          *why = g_strdup_printf ("its text is outside the archive (%s); Gloss reads only "
                                  "texts inside the .qdpx file", path);
          return NULL;
        }
      rest = scheme_end + 3;
    }
  while (*rest == '/')
    rest++;

  if (zip == NULL)
    {
      *why = g_strdup_printf ("its text is in a separate file (%s) and only the project "
                              "file was given; import the .qdpx archive instead", path);
      return NULL;
    }

  in_sources = g_strconcat ("sources/", rest, NULL);
  bytes = gloss_zip_get (zip, in_sources, TRUE, NULL);
  if (bytes != NULL)
    {
      *entry_name = g_steal_pointer (&in_sources);
      return bytes;
    }
  bytes = gloss_zip_get (zip, rest, TRUE, NULL);
  if (bytes != NULL)
    {
      *entry_name = g_strdup (rest);
      return bytes;
    }

  *why = g_strdup_printf ("its text file %s is missing from the archive", path);
  return NULL;
}

/* Reads every source's text and converts its selections' positions.  A
 * source whose text cannot be read is reported and left out with its
 * selections; nothing here fails the whole import except cancellation. */
static gboolean
load_texts (RefiModel     *model,
            GlossZip      *zip,
            GCancellable  *cancellable,
            GError       **error)
{
  for (guint i = 0; i < model->sources->len; i++)
    {
      RefiSource *source = g_ptr_array_index (model->sources, i);
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *why = NULL;
      g_autofree char *entry = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GArray) requests = NULL;
      const char *raw;
      gsize len;

      if (cancelled (cancellable, error))
        return FALSE;

      if (source->plain_path != NULL && *source->plain_path != '\0')
        {
          bytes = find_entry (zip, source->plain_path, &entry, &why);
          if (bytes != NULL)
            {
              const char *slash = strrchr (entry, '/');

              source->source_name = g_strdup (slash != NULL ? slash + 1 : entry);
            }
        }
      else if (source->content != NULL)
        bytes = g_bytes_new (source->content, strlen (source->content));
      else if (source->rich_path != NULL)
        why = g_strdup_printf ("it has only rich text (%s) and no plain text", source->rich_path);
      else
        why = g_strdup ("it has no text");

      if (bytes == NULL)
        {
          skip (model, "The source “%s” and its %u selection%s were left out: %s.",
                source->name, source->selections->len,
                source->selections->len == 1 ? "" : "s", why);
          continue;
        }

      raw = g_bytes_get_data (bytes, &len);
      if (raw == NULL)
        raw = "";
      if (len >= 3 && memcmp (raw, "\xEF\xBB\xBF", 3) == 0)
        {
          raw += 3;
          len -= 3;
        }

      if (!g_utf8_validate_len (raw, len, NULL))
        {
          skip (model, "The source “%s” and its %u selection%s were left out: its text "
                "is not valid UTF-8, which REFI-QDA requires.", source->name,
                source->selections->len, source->selections->len == 1 ? "" : "s");
          continue;
        }

      source->text = gloss_text_decode (raw, len, NULL, &local_error);
      if (source->text == NULL)
        {
          skip (model, "The source “%s” and its %u selection%s were left out: %s",
                source->name, source->selections->len,
                source->selections->len == 1 ? "" : "s", local_error->message);
          continue;
        }

      if (source->rich_path != NULL && is_blank (source->text))
        skip (model, "The plain text of source “%s” is empty (white space only); its text "
              "is only in the rich-text file (%s), which Gloss does not read from REFI-QDA "
              "projects. It was imported with the empty text.", source->name,
              source->rich_path);

      requests = g_array_sized_new (FALSE, FALSE, sizeof (PositionRequest),
                                    source->selections->len * 2);
      for (guint j = 0; j < source->selections->len; j++)
        {
          RefiSelection *sel = g_ptr_array_index (source->selections, j);
          PositionRequest start = { sel->start, &sel->cp_start, FALSE };
          PositionRequest stop = { sel->end, &sel->cp_end, TRUE };

          g_array_append_val (requests, start);
          g_array_append_val (requests, stop);
        }
      /* The conversion walks the file's text; the stored text must be the
       * same text with only its line ends changed, or the offsets would lie. */
      if (convert_positions (raw, len, model->utf16, requests)
          != (gint64) g_utf8_strlen (source->text, -1))
        {
          skip (model, "The %u selection%s in “%s” were left out: the text changed "
                "when it was read, so their positions cannot be trusted.",
                source->selections->len, source->selections->len == 1 ? "" : "s",
                source->name);
          g_ptr_array_set_size (source->selections, 0);
        }
    }

  return TRUE;
}

/* ---------------------------------------------------------------------
 * Writing the model into the project (inside one tracked transaction)
 * ------------------------------------------------------------------ */

typedef struct
{
  GlossProject      *project;       /* borrowed */
  sqlite3           *db;            /* borrowed */
  RefiModel         *model;         /* borrowed */
  GlossImportReport *report;        /* borrowed */
  GCancellable      *cancellable;   /* borrowed */
  GHashTable        *stmts;         /* SQL text → sqlite3_stmt */
  GHashTable        *users;         /* guid → annotator id (gint64 *) */
  GHashTable        *claimed;       /* code ids some code of the file went to */
  GHashTable        *single_dims;   /* dimension ids that are single-valued */
  gint64             default_annotator;
  gint64             codes_dimension;
  guint              n_colors;
  char              *now;
} Writer;

static void
writer_clear (Writer *w)
{
  g_clear_pointer (&w->stmts, g_hash_table_unref);
  g_clear_pointer (&w->users, g_hash_table_unref);
  g_clear_pointer (&w->claimed, g_hash_table_unref);
  g_clear_pointer (&w->single_dims, g_hash_table_unref);
  g_clear_pointer (&w->now, g_free);
}

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

/* A cached statement for @sql (a string literal), reset and unbound. */
static sqlite3_stmt *
writer_stmt (Writer      *w,
             const char  *sql,
             GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (w->stmts, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v2 (w->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      _gloss_project_fail (w->project, "prepare", error);
      return NULL;
    }
  g_hash_table_insert (w->stmts, (gpointer) sql, stmt);

  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *value)
{
  if (value != NULL)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* Steps a statement that returns nothing. */
static gboolean
writer_done (Writer        *w,
             sqlite3_stmt  *stmt,
             const char    *what,
             GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _gloss_project_fail (w->project, what, error);

  return TRUE;
}

/* Steps a query for one integer: TRUE with *@value set when a row came,
 * FALSE without error when none did, FALSE with error on failure. */
static gboolean
writer_int (Writer        *w,
            sqlite3_stmt  *stmt,
            gint64        *value,
            GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    {
      *value = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      return TRUE;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    _gloss_project_fail (w->project, "query", error);

  return FALSE;
}

#define FAILED(error) ((error) != NULL && *(error) != NULL)

static gboolean
import_users (Writer  *w,
              GError **error)
{
  static const char default_sql[] =
    "SELECT a.id FROM annotator a JOIN project p ON p.key = 'default_annotator' "
    "AND p.value = a.uuid";
  static const char same_name_sql[] =
    "SELECT id FROM annotator WHERE name = ? AND uuid != ? LIMIT 1";
  sqlite3_stmt *stmt;

  for (guint i = 0; i < w->model->users->len; i++)
    {
      RefiUser *user = g_ptr_array_index (w->model->users, i);
      gint64 other = 0;
      gint64 id;

      stmt = writer_stmt (w, same_name_sql, error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, user->name);
      bind_text (stmt, 2, user->guid);
      if (writer_int (w, stmt, &other, error))
        skip (w->model, "The user “%s” in the file is not the annotator “%s” of this "
              "project (their identifiers differ); they were kept apart.",
              user->name, user->name);
      else if (FAILED (error))
        return FALSE;

      id = _gloss_project_ensure_annotator (w->project, user->name, user->guid, error);
      if (id == 0)
        return FALSE;
      g_hash_table_insert (w->users, g_strdup (user->guid), g_memdup2 (&id, sizeof id));
    }

  stmt = writer_stmt (w, default_sql, error);
  if (stmt == NULL)
    return FALSE;
  if (!writer_int (w, stmt, &w->default_annotator, error))
    {
      if (FAILED (error))
        return FALSE;
      w->default_annotator = _gloss_project_ensure_annotator (w->project, "Imported", NULL, error);
      if (w->default_annotator == 0)
        return FALSE;
    }

  return TRUE;
}

/* The annotator for a selection made by @guid (nullable). */
static gint64
annotator_for (Writer      *w,
               const char  *guid,
               GError     **error)
{
  gint64 *known;
  g_autofree char *name = NULL;
  gint64 id;

  if (guid == NULL)
    return w->default_annotator;
  known = g_hash_table_lookup (w->users, guid);
  if (known != NULL)
    return *known;

  /* Named in a selection but missing from <Users>: an annotator of its own. */
  name = g_strdup_printf ("User %.8s", guid);
  id = _gloss_project_ensure_annotator (w->project, name, guid, error);
  if (id == 0)
    return 0;
  skip (w->model, "The user %s who made some selections is not listed in the file; "
        "their annotations were made under the name “%s”.", guid, name);
  g_hash_table_insert (w->users, g_strdup (guid), g_memdup2 (&id, sizeof id));

  return id;
}

static RefiCode *
top_of (RefiCode *code)
{
  while (code->parent != NULL)
    code = code->parent;
  return code;
}

static GlossDimensionKind
kind_for_name (const char *name)
{
  g_autofree char *lower = g_utf8_strdown (name, -1);

  if (g_str_equal (lower, "actors") || g_str_equal (lower, "actor"))
    return GLOSS_DIMENSION_ACTOR;
  if (g_str_equal (lower, "themes") || g_str_equal (lower, "theme"))
    return GLOSS_DIMENSION_THEME;
  if (g_str_equal (lower, "stance") || g_str_equal (lower, "stances"))
    return GLOSS_DIMENSION_STANCE;

  return GLOSS_DIMENSION_OTHER;
}

/* The most codes of @top's tree that any one selection carries. */
static guint
max_codes_per_selection (RefiModel *model,
                         RefiCode  *top)
{
  guint most = 0;

  for (guint i = 0; i < model->sources->len; i++)
    {
      RefiSource *source = g_ptr_array_index (model->sources, i);

      for (guint j = 0; j < source->selections->len; j++)
        {
          RefiSelection *sel = g_ptr_array_index (source->selections, j);
          guint n = 0;

          for (guint k = 0; k < sel->code_refs->len; k++)
            {
              RefiCode *code = g_hash_table_lookup (model->codes,
                                                    g_ptr_array_index (sel->code_refs, k));
              if (code != NULL && code != top && top_of (code) == top)
                n++;
            }
          most = MAX (most, n);
        }
    }

  return most;
}

/* Finds the dimension @name or @uuid, or creates it.  Returns its id. */
static gint64
ensure_dimension (Writer      *w,
                  const char  *uuid,
                  const char  *name,
                  const char  *memo,
                  gboolean     multiple,
                  GError     **error)
{
  static const char by_uuid_sql[] = "SELECT id FROM dimension WHERE uuid = ?";
  static const char by_name_sql[] = "SELECT id FROM dimension WHERE name = ?";
  static const char multiple_sql[] = "SELECT multiple FROM dimension WHERE id = ?";
  static const char insert_sql[] =
    "INSERT INTO dimension (uuid, name, kind, multiple, level, position, memo, modified, revision) "
    "VALUES (?, ?, ?, ?, 'nominal', (SELECT ifnull (max (position), 0) + 1 FROM dimension), "
    "?, ?, 1)";
  g_autofree char *fresh_uuid = NULL;
  sqlite3_stmt *stmt;
  gint64 id = 0;
  gint64 is_multiple = 1;

  if (uuid != NULL)
    {
      stmt = writer_stmt (w, by_uuid_sql, error);
      if (stmt == NULL)
        return 0;
      bind_text (stmt, 1, uuid);
      if (!writer_int (w, stmt, &id, error) && FAILED (error))
        return 0;
    }
  if (id == 0)
    {
      stmt = writer_stmt (w, by_name_sql, error);
      if (stmt == NULL)
        return 0;
      bind_text (stmt, 1, name);
      if (!writer_int (w, stmt, &id, error) && FAILED (error))
        return 0;
    }

  if (id != 0)
    {
      stmt = writer_stmt (w, multiple_sql, error);
      if (stmt == NULL)
        return 0;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!writer_int (w, stmt, &is_multiple, error) && FAILED (error))
        return 0;
      if (!is_multiple)
        g_hash_table_add (w->single_dims, g_memdup2 (&id, sizeof id));
      return id;
    }

  if (uuid == NULL)
    uuid = fresh_uuid = g_uuid_string_random ();

  stmt = writer_stmt (w, insert_sql, error);
  if (stmt == NULL)
    return 0;
  bind_text (stmt, 1, uuid);
  bind_text (stmt, 2, name);
  bind_text (stmt, 3, gloss_dimension_kind_to_string (kind_for_name (name)));
  sqlite3_bind_int (stmt, 4, multiple ? 1 : 0);
  bind_text (stmt, 5, memo);
  bind_text (stmt, 6, w->now);
  if (!writer_done (w, stmt, "dimension", error))
    return 0;

  id = sqlite3_last_insert_rowid (w->db);
  if (!multiple)
    g_hash_table_add (w->single_dims, g_memdup2 (&id, sizeof id));
  w->report->dimensions_added++;

  return id;
}

static gboolean
import_code (Writer    *w,
             RefiCode  *code,
             gint64     dimension,
             gint64     parent,
             GError   **error)
{
  static const char by_uuid_sql[] = "SELECT id FROM code WHERE uuid = ?";
  static const char by_name_sql[] =
    "SELECT id FROM code WHERE dimension = ? AND ifnull (parent, 0) = ? AND name = ?";
  static const char insert_sql[] =
    "INSERT INTO code (uuid, dimension, parent, name, color, description, shortcut, "
    "position, memo, modified, revision) VALUES (?, ?, ?, ?, ?, ?, NULL, "
    "(SELECT ifnull (max (position), 0) + 1 FROM code WHERE dimension = ?2 "
    "AND ifnull (parent, 0) = ifnull (?3, 0)), NULL, ?7, 1)";
  g_autofree char *name = g_strdup (code->name);
  sqlite3_stmt *stmt;
  gint64 id = 0;

  stmt = writer_stmt (w, by_uuid_sql, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, code->guid);
  if (!writer_int (w, stmt, &id, error) && FAILED (error))
    return FALSE;

  /* Then by name among its siblings; two siblings of the same name in the
   * file itself stay two codes. */
  for (guint n = 2; id == 0; n++)
    {
      gint64 found = 0;

      stmt = writer_stmt (w, by_name_sql, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, dimension);
      sqlite3_bind_int64 (stmt, 2, parent);
      bind_text (stmt, 3, name);
      if (!writer_int (w, stmt, &found, error))
        {
          if (FAILED (error))
            return FALSE;
          break;
        }
      if (!g_hash_table_contains (w->claimed, &found))
        {
          id = found;
          break;
        }
      g_free (name);
      name = g_strdup_printf ("%s (%u)", code->name, n);
    }

  if (id != 0)
    {
      w->report->codes_matched++;
    }
  else
    {
      if (g_strcmp0 (name, code->name) != 0)
        skip (w->model, "Two codes under the same parent are both called “%s”; the "
              "second was named “%s”.", code->name, name);

      stmt = writer_stmt (w, insert_sql, error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, code->guid);
      sqlite3_bind_int64 (stmt, 2, dimension);
      if (parent != 0)
        sqlite3_bind_int64 (stmt, 3, parent);
      else
        sqlite3_bind_null (stmt, 3);
      bind_text (stmt, 4, name);
      bind_text (stmt, 5, code->color != NULL
                          ? code->color
                          : palette[w->n_colors++ % G_N_ELEMENTS (palette)]);
      bind_text (stmt, 6, code->description);
      bind_text (stmt, 7, w->now);
      if (!writer_done (w, stmt, "code", error))
        return FALSE;
      id = sqlite3_last_insert_rowid (w->db);
      w->report->codes_added++;
    }

  g_hash_table_add (w->claimed, g_memdup2 (&id, sizeof id));
  code->dimension = dimension;
  code->code = id;

  for (guint i = 0; i < code->children->len; i++)
    if (!import_code (w, g_ptr_array_index (code->children, i), dimension, id, error))
      return FALSE;

  return TRUE;
}

static gboolean
import_codebook (Writer  *w,
                 GError **error)
{
  for (guint i = 0; i < w->model->top_codes->len; i++)
    {
      RefiCode *top = g_ptr_array_index (w->model->top_codes, i);

      if (cancelled (w->cancellable, error))
        return FALSE;

      if (!top->codable)
        {
          GlossDimensionKind kind = kind_for_name (top->name);
          gboolean multiple = kind != GLOSS_DIMENSION_STANCE
                              || max_codes_per_selection (w->model, top) > 1;

          top->dimension = ensure_dimension (w, top->guid, top->name, top->description,
                                             multiple, error);
          if (top->dimension == 0)
            return FALSE;
          if (top->color != NULL)
            skip (w->model, "The colour of “%s” was left out: it became a dimension, "
                  "and dimensions have no colour.", top->name);
          for (guint j = 0; j < top->children->len; j++)
            if (!import_code (w, g_ptr_array_index (top->children, j), top->dimension, 0, error))
              return FALSE;
        }
      else
        {
          if (w->codes_dimension == 0)
            {
              w->codes_dimension = ensure_dimension (w, NULL, CODES_DIMENSION, NULL, TRUE, error);
              if (w->codes_dimension == 0)
                return FALSE;
            }
          if (!import_code (w, top, w->codes_dimension, 0, error))
            return FALSE;
        }
    }

  return TRUE;
}

static char *
sha256_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

static gint64
import_document (Writer      *w,
                 RefiSource  *source,
                 GError     **error)
{
  static const char by_uuid_sql[] = "SELECT id, sha256 FROM document WHERE uuid = ?";
  static const char insert_sql[] =
    "INSERT INTO document (uuid, title, text, sha256, length, source_name, imported_at, "
    "memo, position, modified, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
    "(SELECT ifnull (max (position), 0) + 1 FROM document), ?7, 1)";
  static const char segment_sql[] =
    "INSERT INTO segment (document, start, \"end\", kind, speaker) VALUES (?, ?, ?, ?, ?)";
  static const char attribute_sql[] =
    "INSERT OR IGNORE INTO document_attribute (document, key, value) VALUES (?, ?, ?)";
  g_autofree char *sum = sha256_hex (source->text);
  g_autofree char *fresh_uuid = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  const char *uuid = source->guid;
  sqlite3_stmt *stmt;
  gint64 id = 0;

  stmt = writer_stmt (w, by_uuid_sql, error);
  if (stmt == NULL)
    return 0;
  bind_text (stmt, 1, source->guid);
  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      id = sqlite3_column_int64 (stmt, 0);
      if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), sum) != 0)
        {
          skip (w->model, "The source “%s” has the identifier of a document already in "
                "this project but another text; it was added as a new document.",
                source->name);
          id = 0;
          uuid = fresh_uuid = g_uuid_string_random ();
        }
      break;
    case SQLITE_DONE:
      break;
    default:
      sqlite3_reset (stmt);
      _gloss_project_fail (w->project, "document", error);
      return 0;
    }
  sqlite3_reset (stmt);

  if (id != 0)
    {
      w->report->documents_matched++;
    }
  else
    {
      stmt = writer_stmt (w, insert_sql, error);
      if (stmt == NULL)
        return 0;
      bind_text (stmt, 1, uuid);
      bind_text (stmt, 2, source->name);
      sqlite3_bind_text (stmt, 3, source->text, -1, SQLITE_STATIC);
      bind_text (stmt, 4, sum);
      sqlite3_bind_int64 (stmt, 5, g_utf8_strlen (source->text, -1));
      bind_text (stmt, 6, source->source_name);
      bind_text (stmt, 7, w->now);
      bind_text (stmt, 8, source->memo);
      if (!writer_done (w, stmt, "document", error))
        return 0;
      id = sqlite3_last_insert_rowid (w->db);
      w->report->documents_added++;

      segments = gloss_text_detect_segments (source->text);
      for (guint i = 0; segments != NULL && i < segments->len; i++)
        {
          GlossSegment *seg = g_ptr_array_index (segments, i);

          stmt = writer_stmt (w, segment_sql, error);
          if (stmt == NULL)
            return 0;
          sqlite3_bind_int64 (stmt, 1, id);
          sqlite3_bind_int64 (stmt, 2, seg->start);
          sqlite3_bind_int64 (stmt, 3, seg->end);
          bind_text (stmt, 4, gloss_segment_kind_to_string (seg->kind));
          bind_text (stmt, 5, seg->speaker);
          if (!writer_done (w, stmt, "segment", error))
            return 0;
        }
    }

  for (guint i = 0; i + 1 < source->attributes->len; i += 2)
    {
      stmt = writer_stmt (w, attribute_sql, error);
      if (stmt == NULL)
        return 0;
      sqlite3_bind_int64 (stmt, 1, id);
      bind_text (stmt, 2, g_ptr_array_index (source->attributes, i));
      bind_text (stmt, 3, g_ptr_array_index (source->attributes, i + 1));
      if (!writer_done (w, stmt, "document attribute", error))
        return 0;
    }

  return id;
}

/* Byte positions of every 1024th character, so quotes are cut quickly. */
typedef struct
{
  const char *text;
  GArray     *marks;   /* (element-type gsize) */
} TextIndex;

static void
text_index_init (TextIndex  *index,
                 const char *text)
{
  gsize n = 0;

  index->text = text;
  index->marks = g_array_new (FALSE, FALSE, sizeof (gsize));
  for (const char *p = text; ; p = g_utf8_next_char (p), n++)
    {
      if (n % 1024 == 0)
        {
          gsize at = p - text;

          g_array_append_val (index->marks, at);
        }
      if (*p == '\0')
        break;
    }
}

static const char *
text_index_at (TextIndex *index,
               gint64     offset)
{
  gsize at = g_array_index (index->marks, gsize, offset / 1024);

  return g_utf8_offset_to_pointer (index->text + at, offset % 1024);
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* The code ids a selection carries in Gloss; reports what cannot be carried. */
static GArray *
codes_for_selection (Writer        *w,
                     RefiSource    *source,
                     RefiSelection *sel)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) used_dims = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                           g_free, NULL);

  for (guint k = 0; k < sel->code_refs->len; k++)
    {
      const char *guid = g_ptr_array_index (sel->code_refs, k);
      RefiCode *code = g_hash_table_lookup (w->model->codes, guid);
      gboolean dup = FALSE;

      if (code == NULL)
        {
          skip (w->model, "A coding of the selection %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT
                " in “%s” refers to a code that is not in the file (%s); it was left out.",
                sel->cp_start, sel->cp_end, source->name, guid);
          continue;
        }
      if (code->code == 0)
        {
          skip (w->model, "A coding of the selection %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT
                " in “%s” with “%s” was left out: that code groups others and became a "
                "dimension.", sel->cp_start, sel->cp_end, source->name, code->name);
          continue;
        }
      if (g_hash_table_contains (w->single_dims, &code->dimension))
        {
          if (g_hash_table_contains (used_dims, &code->dimension))
            {
              skip (w->model, "The selection %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT
                    " in “%s” carries several codes of a dimension that takes one; “%s” "
                    "was left out.", sel->cp_start, sel->cp_end, source->name, code->name);
              continue;
            }
          g_hash_table_add (used_dims, g_memdup2 (&code->dimension, sizeof (gint64)));
        }

      for (guint i = 0; i < ids->len; i++)
        dup |= g_array_index (ids, gint64, i) == code->code;
      if (!dup)
        g_array_append_val (ids, code->code);
    }

  g_array_sort (ids, compare_ids);
  return ids;
}

typedef enum
{
  EXISTING_NONE,
  EXISTING_SAME,
  EXISTING_UPDATED,
  EXISTING_CONFLICT,
} Existing;

/* An annotation with this selection's GUID already in the project: the same
 * span is brought up to date with the file's codes and note; another span
 * is a conflict, reported and left as it is. */
static Existing
update_existing (Writer         *w,
                 RefiSelection  *sel,
                 gint64          document,
                 GArray         *codes,
                 GError        **error)
{
  static const char find_sql[] =
    "SELECT id, document, start, \"end\", note FROM annotation WHERE uuid = ?";
  static const char codes_sql[] =
    "SELECT code FROM annotation_code WHERE annotation = ? ORDER BY code";
  static const char delete_codes_sql[] = "DELETE FROM annotation_code WHERE annotation = ?";
  static const char add_code_sql[] =
    "INSERT INTO annotation_code (annotation, code) VALUES (?, ?)";
  static const char update_sql[] =
    "UPDATE annotation SET note = ?, modified = ?, revision = revision + 1 "
    "WHERE id = ?";
  g_autoptr(GArray) have = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *note = NULL;
  sqlite3_stmt *stmt;
  gint64 id;
  gboolean same;
  int rc;

  stmt = writer_stmt (w, find_sql, error);
  if (stmt == NULL)
    return EXISTING_CONFLICT;
  bind_text (stmt, 1, sel->guid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return EXISTING_NONE;
    }
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      _gloss_project_fail (w->project, "annotation", error);
      return EXISTING_CONFLICT;
    }
  id = sqlite3_column_int64 (stmt, 0);
  if (sqlite3_column_int64 (stmt, 1) != document
      || sqlite3_column_int64 (stmt, 2) != sel->cp_start
      || sqlite3_column_int64 (stmt, 3) != sel->cp_end)
    {
      sqlite3_reset (stmt);
      skip (w->model, "The selection %s is already in this project on another span; "
            "the project's version was kept.", sel->guid);
      return EXISTING_CONFLICT;
    }
  note = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  sqlite3_reset (stmt);

  stmt = writer_stmt (w, codes_sql, error);
  if (stmt == NULL)
    return EXISTING_CONFLICT;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 code = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (have, code);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gloss_project_fail (w->project, "annotation codes", error);
      return EXISTING_CONFLICT;
    }

  same = have->len == codes->len && g_strcmp0 (note, sel->note) == 0;
  for (guint i = 0; same && i < have->len; i++)
    same = g_array_index (have, gint64, i) == g_array_index (codes, gint64, i);
  if (same)
    return EXISTING_SAME;

  stmt = writer_stmt (w, delete_codes_sql, error);
  if (stmt == NULL)
    return EXISTING_CONFLICT;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!writer_done (w, stmt, "annotation codes", error))
    return EXISTING_CONFLICT;
  for (guint i = 0; i < codes->len; i++)
    {
      stmt = writer_stmt (w, add_code_sql, error);
      if (stmt == NULL)
        return EXISTING_CONFLICT;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int64 (stmt, 2, g_array_index (codes, gint64, i));
      if (!writer_done (w, stmt, "annotation code", error))
        return EXISTING_CONFLICT;
    }
  stmt = writer_stmt (w, update_sql, error);
  if (stmt == NULL)
    return EXISTING_CONFLICT;
  bind_text (stmt, 1, sel->note);
  bind_text (stmt, 2, w->now);
  sqlite3_bind_int64 (stmt, 3, id);
  if (!writer_done (w, stmt, "annotation", error))
    return EXISTING_CONFLICT;
  if (!_gloss_project_sync_span (w->project, id, error))
    return EXISTING_CONFLICT;

  return EXISTING_UPDATED;
}

static gboolean
import_selections (Writer      *w,
                   RefiSource  *source,
                   gint64       document,
                   GError     **error)
{
  static const char insert_sql[] =
    "INSERT INTO annotation (uuid, document, start, \"end\", quote, note, annotator, "
    "created, modified, revision, deleted, review_status) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, 'unreviewed')";
  static const char add_code_sql[] =
    "INSERT INTO annotation_code (annotation, code) VALUES (?, ?)";
  gint64 length = g_utf8_strlen (source->text, -1);
  TextIndex index;
  guint n_uncoded = 0;
  gboolean ok = FALSE;

  text_index_init (&index, source->text);

  for (guint j = 0; j < source->selections->len; j++)
    {
      RefiSelection *sel = g_ptr_array_index (source->selections, j);
      g_autoptr(GArray) codes = NULL;
      g_autofree char *quote = NULL;
      const char *from;
      const char *to;
      sqlite3_stmt *stmt;
      gint64 annotator;
      gint64 id;

      if (j % 256 == 0 && cancelled (w->cancellable, error))
        goto out;

      if (sel->start < 0 || sel->end < 0)
        {
          skip (w->model, "A selection in “%s” (%s) was left out: it has no valid start "
                "and end positions.", source->name, sel->guid);
          continue;
        }
      if (sel->cp_start < 0 || sel->cp_end < 0)
        {
          skip (w->model, "The selection %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT " in “%s” "
                "was left out: it lies outside the text, which has %" G_GINT64_FORMAT
                " characters.", sel->start, sel->end, source->name, length);
          continue;
        }
      if (sel->cp_start > sel->cp_end)
        {
          skip (w->model, "The selection %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT " in “%s” "
                "was left out: it ends before it starts.", sel->start, sel->end, source->name);
          continue;
        }
      if (sel->cp_start == sel->cp_end)
        {
          skip (w->model, "The empty selection at %" G_GINT64_FORMAT " in “%s” was left out: "
                "it marks no text.", sel->start, source->name);
          continue;
        }

      /* Gloss keeps an annotation only with a code or a note. */
      codes = codes_for_selection (w, source, sel);
      if (codes->len == 0 && sel->note == NULL)
        {
          if (sel->n_codings > 0)
            skip (w->model, "The selection %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT " in “%s” "
                  "was left out: none of its codes could be brought in.",
                  sel->cp_start, sel->cp_end, source->name);
          else
            skip (w->model, "The selection %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT " in “%s” "
                  "was left out: it has neither codes nor a note.",
                  sel->cp_start, sel->cp_end, source->name);
          continue;
        }
      if (codes->len == 0)
        n_uncoded++;

      switch (update_existing (w, sel, document, codes, error))
        {
        case EXISTING_NONE:
          break;
        case EXISTING_SAME:
          w->report->annotations_unchanged++;
          continue;
        case EXISTING_UPDATED:
          w->report->annotations_updated++;
          continue;
        case EXISTING_CONFLICT:
        default:
          if (FAILED (error))
            goto out;
          continue;
        }

      annotator = annotator_for (w, sel->user, error);
      if (annotator == 0)
        goto out;

      from = text_index_at (&index, sel->cp_start);
      to = g_utf8_offset_to_pointer (from, sel->cp_end - sel->cp_start);
      quote = g_strndup (from, to - from);

      stmt = writer_stmt (w, insert_sql, error);
      if (stmt == NULL)
        goto out;
      bind_text (stmt, 1, sel->guid);
      sqlite3_bind_int64 (stmt, 2, document);
      sqlite3_bind_int64 (stmt, 3, sel->cp_start);
      sqlite3_bind_int64 (stmt, 4, sel->cp_end);
      bind_text (stmt, 5, quote);
      bind_text (stmt, 6, sel->note);
      sqlite3_bind_int64 (stmt, 7, annotator);
      bind_text (stmt, 8, sel->created != NULL ? sel->created : w->now);
      bind_text (stmt, 9, sel->modified != NULL ? sel->modified
                          : sel->created != NULL ? sel->created : w->now);
      if (!writer_done (w, stmt, "annotation", error))
        goto out;
      id = sqlite3_last_insert_rowid (w->db);

      for (guint i = 0; i < codes->len; i++)
        {
          stmt = writer_stmt (w, add_code_sql, error);
          if (stmt == NULL)
            goto out;
          sqlite3_bind_int64 (stmt, 1, id);
          sqlite3_bind_int64 (stmt, 2, g_array_index (codes, gint64, i));
          if (!writer_done (w, stmt, "annotation code", error))
            goto out;
        }

      if (!_gloss_project_sync_span (w->project, id, error))
        goto out;
      w->report->annotations_added++;
    }

  if (n_uncoded > 0)
    skip (w->model, "%u selection%s in “%s” had no codes; %s imported as note%s "
          "(annotation%s without codes).", n_uncoded, n_uncoded == 1 ? "" : "s",
          source->name, n_uncoded == 1 ? "it was" : "they were", n_uncoded == 1 ? "" : "s",
          n_uncoded == 1 ? "" : "s");
  ok = TRUE;

out:
  g_array_unref (index.marks);
  return ok;
}

static gboolean
write_model (Writer  *w,
             GError **error)
{
  if (!import_users (w, error))
    return FALSE;
  if (!import_codebook (w, error))
    return FALSE;

  for (guint i = 0; i < w->model->sources->len; i++)
    {
      RefiSource *source = g_ptr_array_index (w->model->sources, i);
      gint64 document;

      if (cancelled (w->cancellable, error))
        return FALSE;
      if (source->text == NULL)
        continue;

      document = import_document (w, source, error);
      if (document == 0)
        return FALSE;
      if (!import_selections (w, source, document, error))
        return FALSE;
    }

  return TRUE;
}

/* ---------------------------------------------------------------------
 * Import
 * ------------------------------------------------------------------ */

static gboolean
starts_like_zip (const char  *path,
                 gboolean    *is_zip,
                 GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GError) local_error = NULL;
  guchar magic[4] = { 0 };
  gsize n = 0;

  in = g_file_read (file, NULL, &local_error);
  if (in == NULL
      || !g_input_stream_read_all (G_INPUT_STREAM (in), magic, sizeof magic, &n, NULL,
                                   &local_error))
    {
      g_autofree char *shown = g_filename_display_name (path);

      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO,
                   "Could not read “%s”: %s", shown, local_error->message);
      return FALSE;
    }

  *is_zip = n == 4 && magic[0] == 'P' && magic[1] == 'K'
            && ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6));
  return TRUE;
}

static gboolean
read_plain_file (const char  *path,
                 char       **contents,
                 gsize       *len,
                 GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *shown = g_filename_display_name (path);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                            NULL, &local_error);
  if (info == NULL)
    {
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO,
                   "Could not read “%s”: %s", shown, local_error->message);
      return FALSE;
    }
  if (g_file_info_get_size (info) > MAX_QDC_BYTES)
    {
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_TOO_LARGE,
                   "“%s” is larger than %u MiB, more than any codebook or project file "
                   "Gloss reads. Nothing was imported.", shown, MAX_QDC_BYTES >> 20);
      return FALSE;
    }
  if (!g_file_get_contents (path, contents, len, &local_error))
    {
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO,
                   "Could not read “%s”: %s", shown, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* Reads the whole file into a model, without touching the project. */
static RefiModel *
read_file (const char    *path,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(RefiModel) model = refi_model_new ();
  g_autoptr(GlossZip) zip = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  g_autofree char *plain = NULL;
  g_autoptr(GBytes) qde = NULL;
  g_autofree char *shown = g_filename_display_name (path);
  const char *data;
  gsize len = 0;
  gboolean is_zip = FALSE;

  if (!starts_like_zip (path, &is_zip, error))
    return NULL;

  if (is_zip)
    {
      const GlossZipLimits limits = GLOSS_ZIP_LIMITS_DEFAULT;
      g_autoptr(GError) local_error = NULL;

      zip = gloss_zip_open (path, &limits, error);
      if (zip == NULL)
        {
          g_prefix_error (error, "“%s” cannot be imported: ", shown);
          return NULL;
        }
      qde = gloss_zip_get (zip, "project.qde", TRUE, &local_error);
      if (qde == NULL)
        {
          g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_UNKNOWN_FORMAT,
                       "“%s” is a zip archive but not a REFI-QDA project: it holds no "
                       "project.qde. Nothing was imported.", shown);
          return NULL;
        }
      data = g_bytes_get_data (qde, &len);
    }
  else
    {
      if (!read_plain_file (path, &plain, &len, error))
        return NULL;
      data = plain;
    }

  doc = parse_xml (data != NULL ? data : "", len, is_zip ? "The project.qde in the archive"
                                                         : "The file", error);
  if (doc == NULL)
    return NULL;
  if (!read_model (model, doc, is_zip, error))
    return NULL;

  /* The tree is no longer needed; free it before the texts are read. */
  g_clear_pointer (&doc, xmlFreeDoc);
  g_clear_pointer (&qde, g_bytes_unref);
  g_clear_pointer (&plain, g_free);

  if (!load_texts (model, zip, cancellable, error))
    return NULL;

  return g_steal_pointer (&model);
}

/**
 * gloss_refi_import:
 * @project: the project to import into
 * @path: a REFI-QDA project (.qdpx) or codebook (.qdc), told by content
 * @report: (nullable): filled with what was added, matched and skipped
 * @cancellable: (nullable): cancels the import; nothing is changed then
 *
 * Brings a REFI-QDA file into @project in one transaction: users become
 * annotators, the code tree becomes dimensions and codes, text sources
 * become documents and each selection one annotation.  What Gloss cannot
 * carry is listed in @report's skipped items.  On failure the project is
 * unchanged.
 *
 * Returns: %TRUE on success
 */
gboolean
gloss_refi_import (GlossProject       *project,
                   const char         *path,
                   GlossImportReport  *report,
                   GCancellable       *cancellable,
                   GError            **error)
{
  g_autoptr(GlossImportReport) own_report = NULL;
  g_autoptr(RefiModel) model = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *action = NULL;
  g_autoptr(GError) local_error = NULL;
  GlossImportReport counts = { 0 };
  Writer w = { 0 };
  gboolean ok;

  g_return_val_if_fail (GLOSS_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (report == NULL)
    report = own_report = gloss_import_report_new ();

  model = read_file (path, cancellable, error);
  if (model == NULL)
    return FALSE;

  if (cancelled (cancellable, error))
    return FALSE;

  w.project = project;
  w.db = _gloss_project_get_db (project);
  w.model = model;
  w.report = &counts;
  w.cancellable = cancellable;
  w.stmts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, finalize_stmt);
  w.users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  w.claimed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  w.single_dims = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  w.now = gloss_timestamp_now ();

  if (!_gloss_project_begin (project, error))
    {
      writer_clear (&w);
      return FALSE;
    }

  /* The writer tells "no row" from "failed" by the error it was given, so
   * it always gets one. */
  ok = write_model (&w, &local_error);
  /* Statements are finalised before the transaction ends. */
  g_clear_pointer (&w.stmts, g_hash_table_unref);

  if (!ok)
    {
      _gloss_project_rollback (project);
      writer_clear (&w);
      if (local_error == NULL)
        g_set_error (&local_error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO,
                     "The import failed. Nothing was changed.");
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* The history shows the action: in UTF-8, whatever the file's name. */
  basename = g_filename_display_basename (path);
  action = g_strdup_printf ("Import “%s”", basename);
  ok = _gloss_project_commit (project, action, error);
  writer_clear (&w);
  if (!ok)
    return FALSE;

  report->documents_added += counts.documents_added;
  report->documents_matched += counts.documents_matched;
  report->dimensions_added += counts.dimensions_added;
  report->codes_added += counts.codes_added;
  report->codes_matched += counts.codes_matched;
  report->annotations_added += counts.annotations_added;
  report->annotations_unchanged += counts.annotations_unchanged;
  report->annotations_updated += counts.annotations_updated;
  for (guint i = 0; i < model->skipped->len; i++)
    g_ptr_array_add (report->skipped, g_strdup (g_ptr_array_index (model->skipped, i)));

  return TRUE;
}

/* ---------------------------------------------------------------------
 * Export
 * ------------------------------------------------------------------ */

typedef struct
{
  GlossProject      *project;     /* borrowed */
  xmlTextWriter     *xml;         /* borrowed */
  GPtrArray         *dimensions;  /* (element-type GlossDimension) */
  GPtrArray         *codes;       /* (element-type GlossCode) */
  GHashTable        *children;    /* parent code id (0: top) per dimension → GPtrArray of GlossCode */
  GHashTable        *guids;       /* code id → GUID written for it */
} Exporter;

static void
exporter_clear (Exporter *e)
{
  g_clear_pointer (&e->dimensions, g_ptr_array_unref);
  g_clear_pointer (&e->codes, g_ptr_array_unref);
  g_clear_pointer (&e->children, g_hash_table_unref);
  g_clear_pointer (&e->guids, g_hash_table_unref);
}

static gboolean
xml_failed (int      rc,
            GError **error)
{
  if (rc >= 0)
    return FALSE;

  g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO,
               "Could not write the REFI-QDA XML (out of memory?). Nothing was written.");
  return TRUE;
}

/* @text without the characters XML 1.0 cannot carry (C0 controls other than
 * tab, newline and carriage return; U+FFFE, U+FFFF). */
static char *
xml_safe (const char *text)
{
  GString *out;

  if (text == NULL)
    return NULL;
  out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xFFFE || c == 0xFFFF)
        continue;
      g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }

  return g_string_free (out, FALSE);
}

static gboolean
write_attr (xmlTextWriter  *xml,
            const char     *name,
            const char     *value,
            GError        **error)
{
  g_autofree char *safe = NULL;

  if (value == NULL)
    return TRUE;
  safe = xml_safe (value);

  return !xml_failed (xmlTextWriterWriteAttribute (xml, BAD_CAST name, BAD_CAST safe), error);
}

static gboolean
write_element (xmlTextWriter  *xml,
               const char     *name,
               const char     *value,
               GError        **error)
{
  g_autofree char *safe = NULL;

  if (value == NULL || *value == '\0')
    return TRUE;
  safe = xml_safe (value);

  return !xml_failed (xmlTextWriterWriteElement (xml, BAD_CAST name, BAD_CAST safe), error);
}

static gboolean
write_int_attr (xmlTextWriter  *xml,
                const char     *name,
                gint64          value,
                GError        **error)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  return write_attr (xml, name, buf, error);
}

/* A Gloss timestamp as xsd:dateTime in whole seconds, as every REFI-QDA
 * program writes them; NULL when it is not a timestamp. */
static char *
xsd_datetime (const char *timestamp)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GTimeZone) tz = NULL;

  if (timestamp == NULL)
    return NULL;
  tz = g_time_zone_new_utc ();
  dt = g_date_time_new_from_iso8601 (timestamp, tz);
  if (dt == NULL)
    return NULL;
  utc = g_date_time_to_utc (dt);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* The GUID written for a Gloss uuid: lower case, a fresh one if malformed. */
static char *
guid_for (const char *uuid)
{
  char *guid = normalise_guid (uuid);

  return guid != NULL ? guid : g_uuid_string_random ();
}

static const char *
code_guid (Exporter *e,
           gint64    code)
{
  return g_hash_table_lookup (e->guids, &code);
}

static GPtrArray *
children_of (Exporter *e,
             gint64    dimension,
             gint64    parent)
{
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
                                          dimension, parent);

  return g_hash_table_lookup (e->children, key);
}

static gboolean
exporter_load_codebook (Exporter  *e,
                        GError   **error)
{
  e->dimensions = gloss_project_list_dimensions (e->project, error);
  if (e->dimensions == NULL)
    return FALSE;
  e->codes = gloss_project_list_codes (e->project, error);
  if (e->codes == NULL)
    return FALSE;

  e->children = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_ptr_array_unref);
  e->guids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  for (guint i = 0; i < e->codes->len; i++)
    {
      GlossCode *code = g_ptr_array_index (e->codes, i);
      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
                                              code->dimension, code->parent);
      GPtrArray *list = g_hash_table_lookup (e->children, key);

      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (e->children, g_steal_pointer (&key), list);
        }
      g_ptr_array_add (list, code);
      g_hash_table_insert (e->guids, g_memdup2 (&code->id, sizeof code->id),
                           guid_for (code->uuid));
    }

  return TRUE;
}

static gboolean
write_code (Exporter   *e,
            GlossCode  *code,
            GError    **error)
{
  g_autofree char *color = normalise_color (code->color);
  GPtrArray *kids = children_of (e, code->dimension, code->id);

  if (xml_failed (xmlTextWriterStartElement (e->xml, BAD_CAST "Code"), error)
      || !write_attr (e->xml, "guid", code_guid (e, code->id), error)
      || !write_attr (e->xml, "name", code->name, error)
      || !write_attr (e->xml, "isCodable", "true", error)
      || !write_attr (e->xml, "color", color, error)
      || !write_element (e->xml, "Description", code->description, error))
    return FALSE;

  for (guint i = 0; kids != NULL && i < kids->len; i++)
    if (!write_code (e, g_ptr_array_index (kids, i), error))
      return FALSE;

  return !xml_failed (xmlTextWriterEndElement (e->xml), error);
}

/* Writes <Codes>: each dimension as a grouping code, except "Codes", whose
 * codes are written at the top.  Returns FALSE with @error unset when there
 * is nothing to write. */
static gboolean
write_codes (Exporter  *e,
             GError   **error)
{
  if (e->dimensions->len == 0)
    return FALSE;

  if (xml_failed (xmlTextWriterStartElement (e->xml, BAD_CAST "Codes"), error))
    return FALSE;

  for (guint i = 0; i < e->dimensions->len; i++)
    {
      GlossDimension *dim = g_ptr_array_index (e->dimensions, i);
      GPtrArray *tops = children_of (e, dim->id, 0);

      if (g_str_equal (dim->name, CODES_DIMENSION))
        {
          for (guint j = 0; tops != NULL && j < tops->len; j++)
            if (!write_code (e, g_ptr_array_index (tops, j), error))
              return FALSE;
          continue;
        }

      {
        g_autofree char *guid = guid_for (dim->uuid);

        if (xml_failed (xmlTextWriterStartElement (e->xml, BAD_CAST "Code"), error)
            || !write_attr (e->xml, "guid", guid, error)
            || !write_attr (e->xml, "name", dim->name, error)
            || !write_attr (e->xml, "isCodable", "false", error)
            || !write_element (e->xml, "Description", dim->memo, error))
          return FALSE;
      }
      for (guint j = 0; tops != NULL && j < tops->len; j++)
        if (!write_code (e, g_ptr_array_index (tops, j), error))
          return FALSE;
      if (xml_failed (xmlTextWriterEndElement (e->xml), error))
        return FALSE;
    }

  return !xml_failed (xmlTextWriterEndElement (e->xml), error);
}

/* Only a "Codes" dimension without codes leaves <Codes> empty, which the
 * schema forbids. */
static gboolean
has_codes_to_write (Exporter *e)
{
  for (guint i = 0; i < e->dimensions->len; i++)
    {
      GlossDimension *dim = g_ptr_array_index (e->dimensions, i);

      if (!g_str_equal (dim->name, CODES_DIMENSION) || children_of (e, dim->id, 0) != NULL)
        return TRUE;
    }
  return FALSE;
}

static xmlTextWriter *
new_writer (xmlBuffer  *buffer,
            GError    **error)
{
  xmlTextWriter *xml = xmlNewTextWriterMemory (buffer, 0);

  if (xml == NULL)
    {
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_IO,
                   "Could not start writing XML (out of memory?). Nothing was written.");
      return NULL;
    }
  if (xml_failed (xmlTextWriterSetIndent (xml, 1), error)
      || xml_failed (xmlTextWriterSetIndentString (xml, BAD_CAST "  "), error)
      || xml_failed (xmlTextWriterStartDocument (xml, "1.0", "UTF-8", NULL), error))
    {
      xmlFreeTextWriter (xml);
      return NULL;
    }

  return xml;
}

static char *
origin_string (void)
{
  return g_strdup_printf ("Gloss %s", PACKAGE_VERSION);
}

static char *
now_xsd (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

/**
 * gloss_refi_export_qdc:
 * @project: the project whose codebook is written
 * @path: the .qdc file to write; replaced atomically
 *
 * Writes the codebook as a REFI-QDA codebook: each dimension a grouping
 * code (isCodable="false") holding its codes, the codes of a dimension
 * called "Codes" at the top.
 *
 * Returns: %TRUE on success
 */
gboolean
gloss_refi_export_qdc (GlossProject  *project,
                       const char    *path,
                       GError       **error)
{
  g_autoptr(xmlBuffer) buffer = xmlBufferCreate ();
  g_autoptr(xmlTextWriter) xml = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *origin = origin_string ();
  Exporter e = { 0 };
  gboolean ok;

  g_return_val_if_fail (GLOSS_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  e.project = project;
  if (!exporter_load_codebook (&e, error))
    {
      exporter_clear (&e);
      return FALSE;
    }
  if (!has_codes_to_write (&e))
    {
      exporter_clear (&e);
      g_set_error (error, GLOSS_INTERCHANGE_ERROR, GLOSS_INTERCHANGE_ERROR_INVALID,
                   "This project has no codes, and a REFI-QDA codebook needs at least "
                   "one. Add a dimension or a code first.");
      return FALSE;
    }

  xml = new_writer (buffer, error);
  e.xml = xml;
  ok = xml != NULL
       && !xml_failed (xmlTextWriterStartElementNS (xml, NULL, BAD_CAST "CodeBook",
                                                   BAD_CAST CODEBOOK_NS), error)
       && write_attr (xml, "origin", origin, error)
       && (write_codes (&e, error) || !FAILED (error))
       && !xml_failed (xmlTextWriterEndDocument (xml), error);
  exporter_clear (&e);
  if (!ok)
    return FALSE;
  g_clear_pointer (&xml, xmlFreeTextWriter);

  file = g_file_new_for_path (path);
  if (!g_file_replace_contents (file, (const char *) xmlBufferContent (buffer),
                                xmlBufferLength (buffer), NULL, FALSE,
                                G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error))
    {
      g_autofree char *shown = g_filename_display_name (path);

      g_prefix_error (error, "Could not write “%s”: ", shown);
      if (error != NULL && *error != NULL)
        {
          (*error)->domain = GLOSS_INTERCHANGE_ERROR;
          (*error)->code = GLOSS_INTERCHANGE_ERROR_IO;
        }
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  GlossDocument *document;      /* borrowed */
  char          *guid;
  GPtrArray     *annotations;   /* (element-type GlossAnnotation) */
  GPtrArray     *attributes;    /* (element-type GlossAttribute) */
} ExportSource;

static void
export_source_free (ExportSource *source)
{
  g_free (source->guid);
  g_clear_pointer (&source->annotations, g_ptr_array_unref);
  g_clear_pointer (&source->attributes, g_ptr_array_unref);
  g_free (source);
}

static gboolean
wanted_document (const GlossExportOptions *options,
                 gint64                    id)
{
  if (options == NULL || options->documents == NULL || options->n_documents == 0)
    return TRUE;
  for (guint i = 0; i < options->n_documents; i++)
    if (options->documents[i] == id)
      return TRUE;
  return FALSE;
}

/* The annotators as GUID → name; @order gets GUID, name, GUID, name… in
 * the order they came; @default_guid the default annotator's GUID. */
static GHashTable *
load_users (GlossProject  *project,
            char         **default_guid,
            GPtrArray    **order,
            GError       **error)
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new ();
  g_autoptr(GHashTable) users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  sqlite3 *db = _gloss_project_get_db (project);
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT uuid, name FROM annotator ORDER BY id", -1, &stmt,
                          NULL) != SQLITE_OK)
    {
      _gloss_project_fail (project, "annotators", error);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      char *guid = guid_for ((const char *) sqlite3_column_text (stmt, 0));
      char *name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));

      if (g_hash_table_contains (users, guid))
        {
          g_free (guid);
          g_free (name);
          continue;
        }
      g_hash_table_insert (users, guid, name);
      g_ptr_array_add (pairs, guid);
      g_ptr_array_add (pairs, name);
    }
  if (rc != SQLITE_DONE)
    {
      _gloss_project_fail (project, "annotators", error);
      return NULL;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (sqlite3_prepare_v2 (db, "SELECT value FROM project WHERE key = 'default_annotator'",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      _gloss_project_fail (project, "default annotator", error);
      return NULL;
    }
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    *default_guid = normalise_guid ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    {
      _gloss_project_fail (project, "default annotator", error);
      return NULL;
    }

  *order = g_steal_pointer (&pairs);
  return g_steal_pointer (&users);
}

static gboolean
write_selection (Exporter         *e,
                 GlossAnnotation  *annotation,
                 GError          **error)
{
  xmlTextWriter *xml = e->xml;
  g_autofree char *guid = guid_for (annotation->uuid);
  g_autofree char *user = normalise_guid (annotation->annotator_uuid);
  g_autofree char *created = xsd_datetime (annotation->created);
  g_autofree char *modified = xsd_datetime (annotation->modified);

  if (xml_failed (xmlTextWriterStartElement (xml, BAD_CAST "PlainTextSelection"), error)
      || !write_attr (xml, "guid", guid, error)
      || !write_int_attr (xml, "startPosition", annotation->start, error)
      || !write_int_attr (xml, "endPosition", annotation->end, error)
      || !write_attr (xml, "creatingUser", user, error)
      || !write_attr (xml, "creationDateTime", created, error)
      || !write_attr (xml, "modifyingUser", user, error)
      || !write_attr (xml, "modifiedDateTime", modified, error)
      || !write_element (xml, "Description", annotation->note, error))
    return FALSE;

  for (guint i = 0; annotation->codes != NULL && i < annotation->codes->len; i++)
    {
      gint64 code = g_array_index (annotation->codes, gint64, i);
      g_autofree char *coding = g_uuid_string_random ();
      const char *target = code_guid (e, code);

      if (target == NULL)
        continue;
      if (xml_failed (xmlTextWriterStartElement (xml, BAD_CAST "Coding"), error)
          || !write_attr (xml, "guid", coding, error)
          || !write_attr (xml, "creatingUser", user, error)
          || !write_attr (xml, "creationDateTime", created, error)
          || xml_failed (xmlTextWriterStartElement (xml, BAD_CAST "CodeRef"), error)
          || !write_attr (xml, "targetGUID", target, error)
          || xml_failed (xmlTextWriterEndElement (xml), error)
          || xml_failed (xmlTextWriterEndElement (xml), error))
        return FALSE;
    }

  return !xml_failed (xmlTextWriterEndElement (xml), error);
}

static gboolean
write_source (Exporter      *e,
              ExportSource  *source,
              GHashTable    *variables,
              GError       **error)
{
  xmlTextWriter *xml = e->xml;
  GlossDocument *doc = source->document;
  g_autofree char *path = g_strdup_printf ("internal://%s.txt", source->guid);
  g_autofree char *created = xsd_datetime (doc->imported_at);

  if (xml_failed (xmlTextWriterStartElement (xml, BAD_CAST "TextSource"), error)
      || !write_attr (xml, "guid", source->guid, error)
      || !write_attr (xml, "name", doc->title, error)
      || !write_attr (xml, "plainTextPath", path, error)
      || !write_attr (xml, "creationDateTime", created, error)
      || !write_element (xml, "Description", doc->memo, error))
    return FALSE;

  for (guint i = 0; i < source->annotations->len; i++)
    if (!write_selection (e, g_ptr_array_index (source->annotations, i), error))
      return FALSE;

  for (guint i = 0; i < source->attributes->len; i++)
    {
      GlossAttribute *attr = g_ptr_array_index (source->attributes, i);

      if (xml_failed (xmlTextWriterStartElement (xml, BAD_CAST "VariableValue"), error)
          || xml_failed (xmlTextWriterStartElement (xml, BAD_CAST "VariableRef"), error)
          || !write_attr (xml, "targetGUID", g_hash_table_lookup (variables, attr->key), error)
          || xml_failed (xmlTextWriterEndElement (xml), error)
          || xml_failed (xmlTextWriterStartElement (xml, BAD_CAST "TextValue"), error)
          || !(attr->value == NULL || *attr->value == '\0'
               || !xml_failed (xmlTextWriterWriteString (xml, BAD_CAST attr->value), error))
          || xml_failed (xmlTextWriterEndElement (xml), error)
          || xml_failed (xmlTextWriterEndElement (xml), error))
        return FALSE;
    }

  return !xml_failed (xmlTextWriterEndElement (xml), error);
}

static char *
project_name (GlossProject *project)
{
  /* Written into the XML, which must be UTF-8 whatever the file's name. */
  g_autofree char *base = g_filename_display_basename (gloss_project_get_path (project));

  if (g_str_has_suffix (base, ".gloss") && strlen (base) > strlen (".gloss"))
    base[strlen (base) - strlen (".gloss")] = '\0';
  return g_steal_pointer (&base);
}

static gboolean
zip_failed (gboolean  ok,
            GError  **error)
{
  if (ok)
    return FALSE;
  if (error != NULL && *error != NULL && (*error)->domain != GLOSS_INTERCHANGE_ERROR)
    {
      g_prefix_error (error, "Could not write the REFI-QDA archive: ");
      (*error)->domain = GLOSS_INTERCHANGE_ERROR;
      (*error)->code = GLOSS_INTERCHANGE_ERROR_IO;
    }
  return TRUE;
}

/**
 * gloss_refi_export_qdpx:
 * @project: the project to export
 * @path: the .qdpx file to write; replaced only when complete
 * @options: (nullable): which documents, annotator and review status
 * @cancellable: (nullable): stops the export; @path is then untouched
 *
 * Writes a REFI-QDA project: project.qde (users, codebook mapped as in
 * gloss_refi_export_qdc(), one text source per document with one
 * PlainTextSelection per annotation) and sources/<GUID>.txt in UTF-8 with
 * LF line ends and no BOM.  Positions are code points.
 *
 * Returns: %TRUE on success
 */
gboolean
gloss_refi_export_qdpx (GlossProject              *project,
                        const char                *path,
                        const GlossExportOptions  *options,
                        GCancellable              *cancellable,
                        GError                   **error)
{
  g_autoptr(xmlBuffer) buffer = xmlBufferCreate ();
  g_autoptr(xmlTextWriter) xml = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) export_source_free);
  g_autoptr(GHashTable) users = NULL;
  g_autoptr(GPtrArray) user_order = NULL;
  g_autoptr(GHashTable) used_users = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) variables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) variable_keys = g_ptr_array_new ();
  g_autoptr(GlossZipWriter) zip = NULL;
  g_autofree char *default_guid = NULL;
  g_autofree char *name = NULL;
  g_autofree char *origin = origin_string ();
  g_autofree char *now = now_xsd ();
  const char *creator;
  Exporter e = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (GLOSS_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  e.project = project;
  if (!exporter_load_codebook (&e, error))
    goto out;

  users = load_users (project, &default_guid, &user_order, error);
  if (users == NULL)
    goto out;

  documents = gloss_project_list_documents (project, error);
  if (documents == NULL)
    goto out;

  for (guint i = 0; i < documents->len; i++)
    {
      GlossDocument *doc = g_ptr_array_index (documents, i);
      GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
      ExportSource *source;

      if (!wanted_document (options, doc->id))
        continue;
      if (cancelled (cancellable, error))
        goto out;

      filter.document = doc->id;
      filter.annotator = options != NULL ? options->annotator : NULL;
      filter.status = options != NULL ? options->status : -1;

      source = g_new0 (ExportSource, 1);
      source->document = doc;
      source->guid = guid_for (doc->uuid);
      g_ptr_array_add (sources, source);

      source->annotations = gloss_project_list_annotations (project, &filter, error);
      if (source->annotations == NULL)
        goto out;
      source->attributes = gloss_project_list_attributes (project, doc->id, error);
      if (source->attributes == NULL)
        goto out;

      for (guint j = 0; j < source->annotations->len; j++)
        {
          GlossAnnotation *a = g_ptr_array_index (source->annotations, j);
          g_autofree char *guid = normalise_guid (a->annotator_uuid);

          if (guid != NULL && !g_hash_table_contains (used_users, guid))
            {
              gpointer key = NULL;

              if (g_hash_table_lookup_extended (users, guid, &key, NULL))
                g_hash_table_add (used_users, key);
            }
        }
      for (guint j = 0; j < source->attributes->len; j++)
        {
          GlossAttribute *attr = g_ptr_array_index (source->attributes, j);

          if (!g_hash_table_contains (variables, attr->key))
            {
              g_hash_table_insert (variables, g_strdup (attr->key), g_uuid_string_random ());
              g_ptr_array_add (variable_keys, attr->key);
            }
        }
    }
  if (default_guid != NULL && g_hash_table_contains (users, default_guid))
    {
      gpointer key = NULL;

      g_hash_table_lookup_extended (users, default_guid, &key, NULL);
      g_hash_table_add (used_users, key);
    }

  xml = new_writer (buffer, error);
  if (xml == NULL)
    goto out;
  e.xml = xml;
  name = project_name (project);
  creator = default_guid != NULL && g_hash_table_contains (used_users, default_guid)
            ? default_guid : NULL;

  if (xml_failed (xmlTextWriterStartElementNS (xml, NULL, BAD_CAST "Project",
                                               BAD_CAST PROJECT_NS), error)
      || !write_attr (xml, "name", name, error)
      || !write_attr (xml, "origin", origin, error)
      || !write_attr (xml, "creatingUserGUID", creator, error)
      || !write_attr (xml, "creationDateTime", now, error))
    goto out;

  if (g_hash_table_size (used_users) > 0)
    {
      if (xml_failed (xmlTextWriterStartElement (xml, BAD_CAST "Users"), error))
        goto out;
      for (guint i = 0; i + 1 < user_order->len; i += 2)
        {
          const char *key = g_ptr_array_index (user_order, i);
          const char *value = g_ptr_array_index (user_order, i + 1);

          if (!g_hash_table_contains (used_users, key))
            continue;
          if (xml_failed (xmlTextWriterStartElement (xml, BAD_CAST "User"), error)
              || !write_attr (xml, "guid", key, error)
              || !write_attr (xml, "name", value, error)
              || xml_failed (xmlTextWriterEndElement (xml), error))
            goto out;
        }
      if (xml_failed (xmlTextWriterEndElement (xml), error))
        goto out;
    }

  if (has_codes_to_write (&e))
    {
      if (xml_failed (xmlTextWriterStartElement (xml, BAD_CAST "CodeBook"), error)
          || !write_codes (&e, error)
          || xml_failed (xmlTextWriterEndElement (xml), error))
        goto out;
    }

  if (variable_keys->len > 0)
    {
      if (xml_failed (xmlTextWriterStartElement (xml, BAD_CAST "Variables"), error))
        goto out;
      for (guint i = 0; i < variable_keys->len; i++)
        {
          const char *key = g_ptr_array_index (variable_keys, i);

          if (xml_failed (xmlTextWriterStartElement (xml, BAD_CAST "Variable"), error)
              || !write_attr (xml, "guid", g_hash_table_lookup (variables, key), error)
              || !write_attr (xml, "name", key, error)
              || !write_attr (xml, "typeOfVariable", "Text", error)
              || xml_failed (xmlTextWriterEndElement (xml), error))
            goto out;
        }
      if (xml_failed (xmlTextWriterEndElement (xml), error))
        goto out;
    }

  if (sources->len > 0)
    {
      if (xml_failed (xmlTextWriterStartElement (xml, BAD_CAST "Sources"), error))
        goto out;
      for (guint i = 0; i < sources->len; i++)
        if (!write_source (&e, g_ptr_array_index (sources, i), variables, error))
          goto out;
      if (xml_failed (xmlTextWriterEndElement (xml), error))
        goto out;
    }

  if (xml_failed (xmlTextWriterEndDocument (xml), error))
    goto out;
  g_clear_pointer (&xml, xmlFreeTextWriter);

  zip = gloss_zip_writer_new (path, error);
  if (zip_failed (zip != NULL, error))
    goto out;
  if (zip_failed (gloss_zip_writer_add (zip, "project.qde", xmlBufferContent (buffer),
                                        xmlBufferLength (buffer), error), error))
    goto out;

  for (guint i = 0; i < sources->len; i++)
    {
      ExportSource *source = g_ptr_array_index (sources, i);
      g_autofree char *text = NULL;
      g_autofree char *entry = NULL;

      if (cancelled (cancellable, error))
        goto out;
      text = gloss_project_dup_text (project, source->document->id, error);
      if (text == NULL)
        goto out;
      entry = g_strdup_printf ("sources/%s.txt", source->guid);
      if (zip_failed (gloss_zip_writer_add (zip, entry, text, strlen (text), error), error))
        goto out;
    }

  ok = !zip_failed (gloss_zip_writer_finish (zip, error), error);

out:
  exporter_clear (&e);
  return ok;
}
