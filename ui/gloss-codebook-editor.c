/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-codebook-editor"

#include "config.h"

#include "gloss-codebook-editor.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "gloss-dialogs.h"

/* GlossCodebookEditor edits the dimensions and code trees of a project.
 *
 * On the left, a GtkListView over a GtkTreeListModel: one node per
 * dimension, its codes below it as trees, each with its colour, shortcut
 * and live annotation count.  On the right, the selected node's details.
 * Every change goes through the engine's codebook API; the tree is read
 * again after each change and when the project says it changed.  When
 * only names, colours or counts changed, the nodes are updated in place,
 * so the selection and scroll position stay put. */

#define TEXT_DELAY_MS 800

/* Nodes ------------------------------------------------------------------ */

#define GLOSS_TYPE_CODEBOOK_NODE (gloss_codebook_node_get_type ())
G_DECLARE_FINAL_TYPE (GlossCodebookNode, gloss_codebook_node, GLOSS, CODEBOOK_NODE, GObject)

struct _GlossCodebookNode
{
  GObject     parent_instance;

  gboolean    is_dimension;
  gint64      id;
  gint64      dimension;  /* a code's dimension; a dimension's own id */
  gint64      parent;     /* a code's parent, 0 at the top */
  guint       index;      /* among its siblings */
  char       *name;
  char       *color;      /* nullable */
  char       *shortcut;   /* nullable */
  char       *detail;     /* a dimension's kind, as shown */
  gint64      count;
  GListStore *children;   /* GlossCodebookNode */
};

enum {
  NODE_CHANGED,
  N_NODE_SIGNALS
};

static guint node_signals[N_NODE_SIGNALS];

G_DEFINE_FINAL_TYPE (GlossCodebookNode, gloss_codebook_node, G_TYPE_OBJECT)

static void
gloss_codebook_node_finalize (GObject *object)
{
  GlossCodebookNode *self = GLOSS_CODEBOOK_NODE (object);

  g_free (self->name);
  g_free (self->color);
  g_free (self->shortcut);
  g_free (self->detail);
  g_clear_object (&self->children);

  G_OBJECT_CLASS (gloss_codebook_node_parent_class)->finalize (object);
}

static void
gloss_codebook_node_class_init (GlossCodebookNodeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gloss_codebook_node_finalize;

  node_signals[NODE_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
gloss_codebook_node_init (GlossCodebookNode *self)
{
  self->children = g_list_store_new (GLOSS_TYPE_CODEBOOK_NODE);
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* The editor -------------------------------------------------------------- */

struct _GlossCodebookEditor
{
  GtkWidget            parent_instance;

  /* Template widgets */
  AdwToastOverlay     *toast_overlay;
  GtkListView         *tree_view;
  GtkStack            *detail_stack;
  AdwPreferencesGroup *dimension_group;
  AdwEntryRow         *dimension_name_row;
  AdwComboRow         *kind_row;
  GtkSwitch           *multiple_switch;
  GtkSwitch           *ordinal_switch;
  GtkTextView         *dimension_memo_view;
  AdwPreferencesGroup *code_group;
  AdwEntryRow         *code_name_row;
  GtkLabel            *color_swatch;
  AdwEntryRow         *shortcut_row;
  AdwComboRow         *parent_row;
  GtkLabel            *count_label;
  GtkTextView         *description_view;

  /* Owned */
  GlossProject        *project;
  GListStore          *root;          /* GlossCodebookNode, one per dimension */
  GtkSingleSelection  *selection;
  GHashTable          *code_nodes;    /* gint64 → GlossCodebookNode (borrowed) */
  GHashTable          *dimension_nodes;
  GPtrArray           *dimensions;    /* GlossDimension */
  GPtrArray           *codes;         /* GlossCode, tree order */
  char                *structure;     /* ids and parents the tree was built from */
  char                *message;       /* the last toast */
  GArray              *parent_choices; /* gint64, one per parent_row item */
  guint                reload_id;
  guint                memo_timeout;
  guint                description_timeout;
  gint64               shown_code;     /* what the detail pane shows */
  gint64               shown_dimension;
  gboolean             loading;
  gboolean             stale;
};

G_DEFINE_FINAL_TYPE (GlossCodebookEditor, gloss_codebook_editor, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PROJECT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load_detail     (GlossCodebookEditor *self);
static void flush_texts     (GlossCodebookEditor *self);
static void update_actions  (GlossCodebookEditor *self);

static const char *
kind_label (GlossDimensionKind kind)
{
  switch (kind)
    {
    case GLOSS_DIMENSION_ACTOR:
      return C_("dimension kind", "Actors");
    case GLOSS_DIMENSION_THEME:
      return C_("dimension kind", "Themes");
    case GLOSS_DIMENSION_STANCE:
      return C_("dimension kind", "Stance");
    case GLOSS_DIMENSION_OTHER:
    default:
      return C_("dimension kind", "Other");
    }
}

static GtkWindow *
get_parent_window (GlossCodebookEditor *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_message (GlossCodebookEditor *self,
              const char          *message,
              gboolean             can_undo)
{
  AdwToast *toast = adw_toast_new (message);

  g_free (self->message);
  self->message = g_strdup (message);

  adw_toast_set_timeout (toast, 6);
  if (can_undo)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_action_name (toast, "codebook.undo");
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_error (GlossCodebookEditor *self,
            const GError        *error)
{
  show_message (self, error->message, FALSE);
}

static GlossCodebookNode *
get_selected_node (GlossCodebookEditor *self)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (self->selection);

  return row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
}

static GlossCode *
find_code (GlossCodebookEditor *self,
           gint64               id)
{
  for (guint i = 0; self->codes != NULL && i < self->codes->len; i++)
    if (((GlossCode *) g_ptr_array_index (self->codes, i))->id == id)
      return g_ptr_array_index (self->codes, i);
  return NULL;
}

static GlossDimension *
find_dimension (GlossCodebookEditor *self,
                gint64               id)
{
  for (guint i = 0; self->dimensions != NULL && i < self->dimensions->len; i++)
    if (((GlossDimension *) g_ptr_array_index (self->dimensions, i))->id == id)
      return g_ptr_array_index (self->dimensions, i);
  return NULL;
}

/* Whether @code is @ancestor or lies below it. */
static gboolean
is_within (GlossCodebookEditor *self,
           gint64               code,
           gint64               ancestor)
{
  while (code != 0)
    {
      GlossCode *info;

      if (code == ancestor)
        return TRUE;
      info = find_code (self, code);
      code = info != NULL ? info->parent : 0;
    }
  return FALSE;
}

/* The tree ----------------------------------------------------------------- */

static GListModel *
create_children_cb (gpointer item,
                    gpointer user_data)
{
  GlossCodebookNode *node = item;

  if (g_list_model_get_n_items (G_LIST_MODEL (node->children)) == 0)
    return NULL;
  return g_object_ref (G_LIST_MODEL (node->children));
}

static void
on_tree_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  GlossCodebookEditor      *self)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *dot = gtk_label_new (NULL);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);
  GtkWidget *key = gtk_label_new (NULL);
  GtkWidget *count = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_widget_add_css_class (detail, "caption");
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (key, "gloss-keycap");
  gtk_widget_set_valign (key, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (count, "gloss-count");
  gtk_widget_add_css_class (count, "numeric");
  gtk_widget_set_valign (count, GTK_ALIGN_CENTER);

  gtk_box_append (GTK_BOX (labels), name);
  gtk_box_append (GTK_BOX (labels), detail);
  gtk_box_append (GTK_BOX (box), dot);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_box_append (GTK_BOX (box), key);
  gtk_box_append (GTK_BOX (box), count);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (list_item, expander);
}

static void
refresh_row (GtkWidget *expander)
{
  GtkTreeListRow *row = gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (expander));
  GlossCodebookNode *node = row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
  GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  GtkWidget *dot = gtk_widget_get_first_child (box);
  GtkWidget *labels = gtk_widget_get_next_sibling (dot);
  GtkWidget *key = gtk_widget_get_next_sibling (labels);
  GtkWidget *count = gtk_widget_get_next_sibling (key);
  GtkWidget *name = gtk_widget_get_first_child (labels);
  GtkWidget *detail = gtk_widget_get_next_sibling (name);
  g_autofree char *count_text = NULL;
  g_autofree char *accessible = NULL;

  if (node == NULL)
    return;

  gtk_label_set_label (GTK_LABEL (name), node->name);
  gtk_widget_set_visible (dot, !node->is_dimension);
  gtk_widget_set_visible (detail, node->is_dimension);
  gtk_widget_set_visible (count, !node->is_dimension);
  gtk_widget_set_visible (key, node->shortcut != NULL);
  if (node->is_dimension)
    {
      gtk_widget_add_css_class (name, "heading");
      gtk_label_set_label (GTK_LABEL (detail), node->detail);
      accessible = g_strdup_printf (_("Dimension %s, %s"), node->name, node->detail);
    }
  else
    {
      g_autofree char *markup = g_strdup_printf ("<span foreground=\"%s\" size=\"large\">●</span>",
                                                 node->color != NULL ? node->color : "#888888");

      gtk_widget_remove_css_class (name, "heading");
      gtk_label_set_markup (GTK_LABEL (dot), markup);
      count_text = g_strdup_printf ("%" G_GINT64_FORMAT, node->count);
      gtk_label_set_label (GTK_LABEL (count), count_text);
      gtk_label_set_label (GTK_LABEL (key), node->shortcut);
      accessible = g_strdup_printf (ngettext ("%s, %lld annotation", "%s, %lld annotations",
                                              node->count),
                                    node->name, (long long) node->count);
    }
  gtk_widget_set_tooltip_text (key, node->shortcut != NULL ? _("Shortcut key") : NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (expander), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
on_tree_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 GlossCodebookEditor      *self)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  GlossCodebookNode *node = gtk_tree_list_row_get_item (row);
  gulong handler;

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  refresh_row (expander);
  handler = g_signal_connect_swapped (node, "changed", G_CALLBACK (refresh_row), expander);
  g_object_set_data (G_OBJECT (list_item), "gloss-handler", GSIZE_TO_POINTER (handler));
  g_object_set_data_full (G_OBJECT (list_item), "gloss-node", node, g_object_unref);
}

static void
on_tree_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   GlossCodebookEditor      *self)
{
  GlossCodebookNode *node = g_object_get_data (G_OBJECT (list_item), "gloss-node");
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (list_item), "gloss-handler"));

  if (node != NULL && handler != 0)
    g_signal_handler_disconnect (node, handler);
  g_object_set_data (G_OBJECT (list_item), "gloss-handler", NULL);
  g_object_set_data (G_OBJECT (list_item), "gloss-node", NULL);
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (gtk_list_item_get_child (list_item)), NULL);
}

static char *
make_structure (GPtrArray *dimensions,
                GPtrArray *codes)
{
  GString *structure = g_string_new (NULL);

  for (guint i = 0; i < dimensions->len; i++)
    g_string_append_printf (structure, "d%" G_GINT64_FORMAT " ",
                            ((GlossDimension *) g_ptr_array_index (dimensions, i))->id);
  for (guint i = 0; i < codes->len; i++)
    {
      GlossCode *code = g_ptr_array_index (codes, i);

      g_string_append_printf (structure, "c%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT " ",
                              code->id, code->dimension, code->parent);
    }
  return g_string_free (structure, FALSE);
}

/* "Actors · 14 codes · one per annotation", leaving out the kind when the
 * dimension is named after it. */
static char *
dimension_detail (GlossDimension *dimension,
                  guint           n_codes)
{
  const char *kind = kind_label (dimension->kind);
  GString *detail = g_string_new (NULL);

  if (g_utf8_collate (kind, dimension->name) != 0)
    g_string_append_printf (detail, "%s · ", kind);
  g_string_append_printf (detail, ngettext ("%u code", "%u codes", n_codes), n_codes);
  if (dimension->level == GLOSS_LEVEL_ORDINAL)
    /* Translators: in a dimension's summary: its codes form an ordered scale */
    g_string_append_printf (detail, " · %s", _("ordered"));
  else if (!dimension->multiple)
    /* Translators: in a dimension's summary: an annotation takes one code of it */
    g_string_append_printf (detail, " · %s", _("one per annotation"));
  return g_string_free (detail, FALSE);
}

/* Fills @node from the engine's data; TRUE when something shown changed. */
static gboolean
fill_dimension_node (GlossCodebookNode *node,
                     GlossDimension    *dimension,
                     GPtrArray         *codes)
{
  g_autofree char *detail = NULL;
  guint n_codes = 0;
  gboolean changed = FALSE;

  for (guint i = 0; i < codes->len; i++)
    if (((GlossCode *) g_ptr_array_index (codes, i))->dimension == dimension->id)
      n_codes++;
  detail = dimension_detail (dimension, n_codes);
  node->is_dimension = TRUE;
  node->id = dimension->id;
  node->dimension = dimension->id;
  changed |= set_string (&node->name, dimension->name);
  changed |= set_string (&node->detail, detail);
  return changed;
}

static gboolean
fill_code_node (GlossCodebookNode *node,
                GlossCode         *code)
{
  gboolean changed = FALSE;

  node->id = code->id;
  node->dimension = code->dimension;
  node->parent = code->parent;
  changed |= set_string (&node->name, code->name);
  changed |= set_string (&node->color, code->color);
  changed |= set_string (&node->shortcut, code->shortcut);
  if (node->count != code->n_annotations)
    {
      node->count = code->n_annotations;
      changed = TRUE;
    }
  return changed;
}

static guint
find_row (GlossCodebookEditor *self,
          gboolean             is_dimension,
          gint64               id)
{
  GListModel *model = G_LIST_MODEL (self->selection);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, i);
      GlossCodebookNode *node = gtk_tree_list_row_get_item (row);
      gboolean found = node->is_dimension == is_dimension && node->id == id;

      g_object_unref (node);
      if (found)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static gboolean
select_node (GlossCodebookEditor *self,
             gboolean             is_dimension,
             gint64               id)
{
  guint position = find_row (self, is_dimension, id);

  if (position == GTK_INVALID_LIST_POSITION)
    return FALSE;
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->tree_view), "list.scroll-to-item", "u", position);
  return TRUE;
}

static void
rebuild_tree (GlossCodebookEditor *self)
{
  g_autoptr(GListStore) root = g_list_store_new (GLOSS_TYPE_CODEBOOK_NODE);
  GtkTreeListModel *tree;

  g_hash_table_remove_all (self->code_nodes);
  g_hash_table_remove_all (self->dimension_nodes);

  for (guint i = 0; i < self->dimensions->len; i++)
    {
      GlossDimension *dimension = g_ptr_array_index (self->dimensions, i);
      g_autoptr(GlossCodebookNode) node = g_object_new (GLOSS_TYPE_CODEBOOK_NODE, NULL);

      fill_dimension_node (node, dimension, self->codes);
      node->index = i;
      g_hash_table_insert (self->dimension_nodes, &node->id, node);
      g_list_store_append (root, node);
    }

  /* Codes come in tree order: each parent before its children. */
  for (guint i = 0; i < self->codes->len; i++)
    {
      GlossCode *code = g_ptr_array_index (self->codes, i);
      g_autoptr(GlossCodebookNode) node = g_object_new (GLOSS_TYPE_CODEBOOK_NODE, NULL);
      GlossCodebookNode *parent;

      fill_code_node (node, code);
      parent = code->parent != 0 ? g_hash_table_lookup (self->code_nodes, &code->parent)
                                 : g_hash_table_lookup (self->dimension_nodes, &code->dimension);
      if (parent == NULL)
        continue;
      node->index = g_list_model_get_n_items (G_LIST_MODEL (parent->children));
      g_hash_table_insert (self->code_nodes, &node->id, node);
      g_list_store_append (parent->children, node);
    }

  g_set_object (&self->root, root);
  tree = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (root)), FALSE, TRUE,
                                  create_children_cb, NULL, NULL);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (tree));
  g_object_unref (tree);
}

/**
 * gloss_codebook_editor_reload:
 * @error: return location for a #GError
 *
 * Reads the codebook and its counts again now.
 *
 * Returns: %TRUE on success
 */
gboolean
gloss_codebook_editor_reload (GlossCodebookEditor  *self,
                              GError              **error)
{
  g_autoptr(GPtrArray) dimensions = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autofree char *structure = NULL;
  gint64 code = self->shown_code;
  gint64 dimension = self->shown_dimension;

  g_return_val_if_fail (GLOSS_IS_CODEBOOK_EDITOR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_clear_handle_id (&self->reload_id, g_source_remove);
  self->stale = FALSE;

  if (self->project == NULL)
    {
      dimensions = g_ptr_array_new_with_free_func ((GDestroyNotify) gloss_dimension_free);
      codes = g_ptr_array_new_with_free_func ((GDestroyNotify) gloss_code_free);
    }
  else if ((dimensions = gloss_project_list_dimensions (self->project, error)) == NULL ||
           (codes = gloss_project_list_codes (self->project, error)) == NULL)
    return FALSE;

  g_clear_pointer (&self->dimensions, g_ptr_array_unref);
  g_clear_pointer (&self->codes, g_ptr_array_unref);
  self->dimensions = g_steal_pointer (&dimensions);
  self->codes = g_steal_pointer (&codes);

  structure = make_structure (self->dimensions, self->codes);
  if (g_strcmp0 (structure, self->structure) != 0)
    {
      g_free (self->structure);
      self->structure = g_steal_pointer (&structure);
      rebuild_tree (self);
      if (code != 0)
        select_node (self, FALSE, code);
      else if (dimension != 0)
        select_node (self, TRUE, dimension);
    }
  else
    {
      for (guint i = 0; i < self->dimensions->len; i++)
        {
          GlossDimension *info = g_ptr_array_index (self->dimensions, i);
          GlossCodebookNode *node = g_hash_table_lookup (self->dimension_nodes, &info->id);

          if (node != NULL && fill_dimension_node (node, info, self->codes))
            g_signal_emit (node, node_signals[NODE_CHANGED], 0);
        }
      for (guint i = 0; i < self->codes->len; i++)
        {
          GlossCode *info = g_ptr_array_index (self->codes, i);
          GlossCodebookNode *node = g_hash_table_lookup (self->code_nodes, &info->id);

          if (node != NULL && fill_code_node (node, info))
            g_signal_emit (node, node_signals[NODE_CHANGED], 0);
        }
    }

  load_detail (self);
  return TRUE;
}

static gboolean
reload_cb (gpointer user_data)
{
  GlossCodebookEditor *self = user_data;
  g_autoptr(GError) error = NULL;

  self->reload_id = 0;
  if (!gloss_codebook_editor_reload (self, &error))
    show_error (self, error);
  return G_SOURCE_REMOVE;
}

static void
on_project_changed_cb (GlossCodebookEditor *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  if (self->reload_id == 0)
    self->reload_id = g_idle_add (reload_cb, self);
}

/* After a change made here: show it at once. */
static void
refresh (GlossCodebookEditor *self)
{
  g_autoptr(GError) error = NULL;

  if (!gloss_codebook_editor_reload (self, &error))
    show_error (self, error);
}

/* The detail pane ----------------------------------------------------------- */

static void
set_buffer_text (GtkTextView *view,
                 const char  *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;
  g_autofree char *old = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  old = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (g_strcmp0 (old, text != NULL ? text : "") != 0)
    gtk_text_buffer_set_text (buffer, text != NULL ? text : "", -1);
}

static char *
dup_buffer_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Replaces an entry's text unless the user is typing in it. */
static void
set_entry_text (AdwEntryRow *row,
                const char  *text,
                gboolean     force)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (row));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (!force && focus != NULL && (focus == GTK_WIDGET (row) || gtk_widget_is_ancestor (focus, GTK_WIDGET (row))))
    return;
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), text != NULL ? text : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static char *
display_path (GlossCodebookEditor *self,
              GlossCode           *code)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GlossDimension *dimension = find_dimension (self, code->dimension);
  GString *path = g_string_new (dimension != NULL ? dimension->name : NULL);

  for (GlossCode *at = code; at != NULL; at = at->parent != 0 ? find_code (self, at->parent) : NULL)
    g_ptr_array_insert (names, 0, at->name);
  for (guint i = 0; i < names->len; i++)
    {
      if (path->len > 0)
        g_string_append (path, " › ");
      g_string_append (path, g_ptr_array_index (names, i));
    }
  return g_string_free (path, FALSE);
}

static void
fill_parent_choices (GlossCodebookEditor *self,
                     GlossCode           *code)
{
  g_autoptr(GtkStringList) strings = gtk_string_list_new (NULL);
  GlossDimension *dimension = find_dimension (self, code->dimension);
  g_autofree char *top = g_strdup_printf (_("%s (top level)"), dimension != NULL ? dimension->name : "");
  guint selected = 0;

  g_array_set_size (self->parent_choices, 0);
  g_array_append_val (self->parent_choices, (gint64) { 0 });
  gtk_string_list_append (strings, top);

  for (guint i = 0; i < self->codes->len; i++)
    {
      GlossCode *other = g_ptr_array_index (self->codes, i);
      g_autofree char *label = NULL;

      if (other->dimension != code->dimension || is_within (self, other->id, code->id))
        continue;
      if (other->id == code->parent)
        selected = self->parent_choices->len;
      g_array_append_val (self->parent_choices, other->id);
      label = display_path (self, other);
      gtk_string_list_append (strings, label);
    }

  adw_combo_row_set_model (self->parent_row, G_LIST_MODEL (strings));
  adw_combo_row_set_selected (self->parent_row, selected);
}

static void
load_detail (GlossCodebookEditor *self)
{
  GlossCodebookNode *node = get_selected_node (self);
  gboolean same = FALSE;

  if (node != NULL)
    same = node->is_dimension ? self->shown_dimension == node->id : self->shown_code == node->id;
  if (!same)
    flush_texts (self);

  self->loading = TRUE;

  if (node == NULL)
    {
      self->shown_code = 0;
      self->shown_dimension = 0;
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
    }
  else if (node->is_dimension)
    {
      GlossDimension *dimension = find_dimension (self, node->id);

      self->shown_code = 0;
      self->shown_dimension = node->id;
      if (dimension != NULL)
        {
          adw_preferences_group_set_title (self->dimension_group, dimension->name);
          set_entry_text (self->dimension_name_row, dimension->name, !same);
          adw_combo_row_set_selected (self->kind_row, dimension->kind);
          gtk_switch_set_active (self->multiple_switch, dimension->multiple);
          gtk_switch_set_active (self->ordinal_switch, dimension->level == GLOSS_LEVEL_ORDINAL);
          if (!same || !gtk_widget_has_focus (GTK_WIDGET (self->dimension_memo_view)))
            set_buffer_text (self->dimension_memo_view, dimension->memo);
        }
      gtk_widget_remove_css_class (GTK_WIDGET (self->dimension_name_row), "error");
      gtk_stack_set_visible_child_name (self->detail_stack, "dimension");
    }
  else
    {
      GlossCode *code = find_code (self, node->id);

      self->shown_code = node->id;
      self->shown_dimension = 0;
      if (code != NULL)
        {
          g_autofree char *path = display_path (self, code);
          g_autofree char *swatch = g_strdup_printf ("<span foreground=\"%s\" size=\"xx-large\">●</span>",
                                                     code->color != NULL ? code->color : "#888888");
          g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, code->n_annotations);

          adw_preferences_group_set_title (self->code_group, path);
          set_entry_text (self->code_name_row, code->name, !same);
          set_entry_text (self->shortcut_row, code->shortcut, !same);
          gtk_label_set_markup (self->color_swatch, swatch);
          gtk_label_set_label (self->count_label, count);
          fill_parent_choices (self, code);
          if (!same || !gtk_widget_has_focus (GTK_WIDGET (self->description_view)))
            set_buffer_text (self->description_view, code->description);
        }
      if (!same)
        {
          gtk_widget_remove_css_class (GTK_WIDGET (self->code_name_row), "error");
          gtk_widget_remove_css_class (GTK_WIDGET (self->shortcut_row), "error");
        }
      gtk_stack_set_visible_child_name (self->detail_stack, "code");
    }

  self->loading = FALSE;
  update_actions (self);
}

static void
on_selection_changed_cb (GlossCodebookEditor *self)
{
  load_detail (self);
}

/* Changes ------------------------------------------------------------------ */

typedef enum
{
  FIELD_NAME,
  FIELD_COLOR,
  FIELD_DESCRIPTION,
  FIELD_SHORTCUT,
} CodeField;

/* Changes one field of @code_id, keeping the others as the engine has them. */
static gboolean
update_code (GlossCodebookEditor *self,
             gint64               code_id,
             CodeField            field,
             const char          *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossCode) code = NULL;
  gboolean ok;

  if (self->project == NULL)
    return FALSE;

  code = gloss_project_get_code (self->project, code_id, &error);
  if (code == NULL)
    {
      show_error (self, error);
      return FALSE;
    }

  ok = gloss_project_update_code (self->project, code_id,
                                  field == FIELD_NAME ? value : code->name,
                                  field == FIELD_COLOR ? value : code->color,
                                  field == FIELD_DESCRIPTION ? value : code->description,
                                  field == FIELD_SHORTCUT ? value : code->shortcut,
                                  &error);
  if (!ok)
    show_error (self, error);
  refresh (self);
  return ok;
}

static gboolean
update_dimension (GlossCodebookEditor *self,
                  gint64               dimension_id,
                  const char          *name,
                  int                  kind,
                  int                  multiple,
                  int                  ordinal,
                  const char          *memo)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GlossDimension) dimension = NULL;
  gboolean ok;

  if (self->project == NULL)
    return FALSE;

  dimension = gloss_project_get_dimension (self->project, dimension_id, &error);
  if (dimension == NULL)
    {
      show_error (self, error);
      return FALSE;
    }

  ok = gloss_project_update_dimension (self->project, dimension_id,
                                       name != NULL ? name : dimension->name,
                                       kind >= 0 ? (GlossDimensionKind) kind : dimension->kind,
                                       multiple >= 0 ? multiple : dimension->multiple,
                                       ordinal >= 0 ? (ordinal ? GLOSS_LEVEL_ORDINAL : GLOSS_LEVEL_NOMINAL)
                                                    : dimension->level,
                                       memo != NULL ? memo : dimension->memo,
                                       &error);
  if (!ok)
    show_error (self, error);
  refresh (self);
  return ok;
}

static void
on_code_name_row_apply_cb (GlossCodebookEditor *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->code_name_row))));

  if (self->shown_code == 0)
    return;
  if (update_code (self, self->shown_code, FIELD_NAME, name))
    gtk_widget_remove_css_class (GTK_WIDGET (self->code_name_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->code_name_row), "error");
}

static void
on_shortcut_row_apply_cb (GlossCodebookEditor *self)
{
  g_autofree char *key = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->shortcut_row))));

  if (self->shown_code == 0)
    return;
  if (update_code (self, self->shown_code, FIELD_SHORTCUT, key))
    gtk_widget_remove_css_class (GTK_WIDGET (self->shortcut_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->shortcut_row), "error");
}

static void
on_dimension_name_row_apply_cb (GlossCodebookEditor *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->dimension_name_row))));

  if (self->shown_dimension == 0)
    return;
  if (update_dimension (self, self->shown_dimension, name, -1, -1, -1, NULL))
    gtk_widget_remove_css_class (GTK_WIDGET (self->dimension_name_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->dimension_name_row), "error");
}

static void
on_dimension_changed_cb (GlossCodebookEditor *self)
{
  guint kind = adw_combo_row_get_selected (self->kind_row);

  if (self->loading || self->shown_dimension == 0 || kind == GTK_INVALID_LIST_POSITION)
    return;
  update_dimension (self, self->shown_dimension, NULL, (int) kind,
                    gtk_switch_get_active (self->multiple_switch),
                    gtk_switch_get_active (self->ordinal_switch), NULL);
}

static gboolean
move_code (GlossCodebookEditor *self,
           gint64               code,
           gint64               parent,
           int                  position)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->project == NULL)
    return FALSE;
  ok = gloss_project_move_code (self->project, code, parent, position, &error);
  if (!ok)
    show_error (self, error);
  refresh (self);
  return ok;
}

static void
on_parent_row_selected_cb (GlossCodebookEditor *self)
{
  guint selected = adw_combo_row_get_selected (self->parent_row);
  GlossCode *code;

  if (self->loading || self->shown_code == 0 || selected >= self->parent_choices->len)
    return;
  code = find_code (self, self->shown_code);
  if (code == NULL || code->parent == g_array_index (self->parent_choices, gint64, selected))
    return;
  move_code (self, self->shown_code, g_array_index (self->parent_choices, gint64, selected), G_MAXINT);
}

/* Text fields save a moment after typing stops, and when focus leaves. */

static void
flush_texts (GlossCodebookEditor *self)
{
  if (self->description_timeout != 0 && self->shown_code != 0)
    {
      g_autofree char *text = dup_buffer_text (self->description_view);
      GlossCode *code = find_code (self, self->shown_code);

      g_clear_handle_id (&self->description_timeout, g_source_remove);
      if (code != NULL && g_strcmp0 (text, code->description != NULL ? code->description : "") != 0)
        update_code (self, self->shown_code, FIELD_DESCRIPTION, text);
    }
  if (self->memo_timeout != 0 && self->shown_dimension != 0)
    {
      g_autofree char *text = dup_buffer_text (self->dimension_memo_view);
      GlossDimension *dimension = find_dimension (self, self->shown_dimension);

      g_clear_handle_id (&self->memo_timeout, g_source_remove);
      if (dimension != NULL && g_strcmp0 (text, dimension->memo != NULL ? dimension->memo : "") != 0)
        update_dimension (self, self->shown_dimension, NULL, -1, -1, -1, text);
    }
  g_clear_handle_id (&self->description_timeout, g_source_remove);
  g_clear_handle_id (&self->memo_timeout, g_source_remove);
}

static gboolean
on_text_timeout_cb (gpointer user_data)
{
  GlossCodebookEditor *self = user_data;

  flush_texts (self);
  return G_SOURCE_REMOVE;
}

static void
on_description_changed_cb (GlossCodebookEditor *self)
{
  if (self->loading)
    return;
  g_clear_handle_id (&self->description_timeout, g_source_remove);
  self->description_timeout = g_timeout_add (TEXT_DELAY_MS, on_text_timeout_cb, self);
}

static void
on_memo_changed_cb (GlossCodebookEditor *self)
{
  if (self->loading)
    return;
  g_clear_handle_id (&self->memo_timeout, g_source_remove);
  self->memo_timeout = g_timeout_add (TEXT_DELAY_MS, on_text_timeout_cb, self);
}

/* Actions ------------------------------------------------------------------- */

static void
update_actions (GlossCodebookEditor *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GlossCodebookNode *node = get_selected_node (self);
  gboolean is_code = node != NULL && !node->is_dimension;
  guint n_siblings = 0;

  if (is_code)
    {
      GlossCodebookNode *parent = node->parent != 0 ? g_hash_table_lookup (self->code_nodes, &node->parent)
                                                    : g_hash_table_lookup (self->dimension_nodes, &node->dimension);

      n_siblings = parent != NULL ? g_list_model_get_n_items (G_LIST_MODEL (parent->children)) : 0;
    }

  gtk_widget_action_set_enabled (widget, "codebook.add-code", node != NULL);
  gtk_widget_action_set_enabled (widget, "codebook.add-subcode", is_code);
  gtk_widget_action_set_enabled (widget, "codebook.add-dimension", self->project != NULL);
  gtk_widget_action_set_enabled (widget, "codebook.delete", node != NULL);
  gtk_widget_action_set_enabled (widget, "codebook.recolor", is_code);
  gtk_widget_action_set_enabled (widget, "codebook.merge", is_code);
  gtk_widget_action_set_enabled (widget, "codebook.move-up", is_code && node->index > 0);
  gtk_widget_action_set_enabled (widget, "codebook.move-down", is_code && node->index + 1 < n_siblings);
  gtk_widget_action_set_enabled (widget, "codebook.rename", node != NULL);
  gtk_widget_action_set_enabled (widget, "codebook.set-color", is_code);
  gtk_widget_action_set_enabled (widget, "codebook.set-shortcut", is_code);
  gtk_widget_action_set_enabled (widget, "codebook.set-description", is_code);
  gtk_widget_action_set_enabled (widget, "codebook.move-to", is_code);
  gtk_widget_action_set_enabled (widget, "codebook.merge-into", is_code);
  gtk_widget_action_set_enabled (widget, "codebook.undo",
                                 self->project != NULL && gloss_project_can_undo (self->project));
}

/* A name not yet used among @parent's children in @dimension. */
static char *
unused_name (GlossCodebookEditor *self,
             const char          *base,
             gboolean             dimension_level,
             gint64               dimension,
             gint64               parent)
{
  for (guint n = 1; ; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup (base) : g_strdup_printf ("%s %u", base, n);
      gboolean used = FALSE;

      if (dimension_level)
        for (guint i = 0; i < self->dimensions->len && !used; i++)
          used = g_utf8_collate (((GlossDimension *) g_ptr_array_index (self->dimensions, i))->name, name) == 0;
      else
        for (guint i = 0; i < self->codes->len && !used; i++)
          {
            GlossCode *code = g_ptr_array_index (self->codes, i);

            used = code->dimension == dimension && code->parent == parent &&
                   g_utf8_collate (code->name, name) == 0;
          }
      if (!used)
        return g_steal_pointer (&name);
    }
}

/* A colour of GNOME's palette that no code of @dimension has yet. */
static const char *
unused_color (GlossCodebookEditor *self,
              gint64               dimension)
{
  static const char *palette[] = {
    "#3584e4", "#33d17a", "#f6d32d", "#ff7800", "#e01b24", "#9141ac", "#986a44",
    "#1c71d8", "#26a269", "#e5a50a", "#c64600", "#a51d2d", "#613583", "#63452c",
  };

  for (guint p = 0; p < G_N_ELEMENTS (palette); p++)
    {
      gboolean used = FALSE;

      for (guint i = 0; i < self->codes->len && !used; i++)
        {
          GlossCode *code = g_ptr_array_index (self->codes, i);

          used = code->dimension == dimension && g_ascii_strcasecmp (code->color, palette[p]) == 0;
        }
      if (!used)
        return palette[p];
    }
  return palette[self->codes->len % G_N_ELEMENTS (palette)];
}

static void
add_code (GlossCodebookEditor *self,
          gboolean             as_child)
{
  GlossCodebookNode *node = get_selected_node (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  gint64 dimension, parent, id;

  if (node == NULL || self->project == NULL)
    return;

  dimension = node->dimension;
  if (node->is_dimension)
    parent = 0;
  else
    parent = as_child ? node->id : node->parent;

  name = unused_name (self, _("New code"), FALSE, dimension, parent);
  id = gloss_project_add_code (self->project, dimension, parent, name, unused_color (self, dimension),
                               NULL, NULL, &error);
  if (id <= 0)
    {
      show_error (self, error);
      return;
    }

  refresh (self);
  select_node (self, FALSE, id);
  /* Named at once: the new code's name is selected for typing over. */
  gtk_widget_grab_focus (GTK_WIDGET (self->code_name_row));
}

static void
add_code_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  add_code (GLOSS_CODEBOOK_EDITOR (widget), FALSE);
}

static void
add_subcode_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  add_code (GLOSS_CODEBOOK_EDITOR (widget), TRUE);
}

static void
add_dimension_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  GlossCodebookEditor *self = GLOSS_CODEBOOK_EDITOR (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  gint64 id;

  if (self->project == NULL)
    return;

  name = unused_name (self, _("New dimension"), TRUE, 0, 0);
  id = gloss_project_add_dimension (self->project, name, GLOSS_DIMENSION_OTHER, TRUE, GLOSS_LEVEL_NOMINAL,
                                    &error);
  if (id <= 0)
    {
      show_error (self, error);
      return;
    }

  refresh (self);
  select_node (self, TRUE, id);
  gtk_widget_grab_focus (GTK_WIDGET (self->dimension_name_row));
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GlossCodebookEditor *self = GLOSS_CODEBOOK_EDITOR (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  if (self->shown_code != 0)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->code_name_row), name);
      on_code_name_row_apply_cb (self);
    }
  else if (self->shown_dimension != 0)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->dimension_name_row), name);
      on_dimension_name_row_apply_cb (self);
    }
}

static void
set_color_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  GlossCodebookEditor *self = GLOSS_CODEBOOK_EDITOR (widget);

  if (self->shown_code != 0)
    update_code (self, self->shown_code, FIELD_COLOR, g_variant_get_string (parameter, NULL));
}

static void
set_shortcut_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  GlossCodebookEditor *self = GLOSS_CODEBOOK_EDITOR (widget);

  if (self->shown_code == 0)
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->shortcut_row), g_variant_get_string (parameter, NULL));
  on_shortcut_row_apply_cb (self);
}

static void
set_description_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  GlossCodebookEditor *self = GLOSS_CODEBOOK_EDITOR (widget);

  if (self->shown_code == 0)
    return;
  self->loading = TRUE;
  set_buffer_text (self->description_view, g_variant_get_string (parameter, NULL));
  self->loading = FALSE;
  update_code (self, self->shown_code, FIELD_DESCRIPTION, g_variant_get_string (parameter, NULL));
}

static void
on_color_response_cb (GtkDialog           *dialog,
                      int                  response,
                      GlossCodebookEditor *self)
{
  gint64 code = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "gloss-code"));

  if (response == GTK_RESPONSE_OK)
    {
      GdkRGBA rgba;
      g_autofree char *hex = NULL;

      gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (dialog), &rgba);
      hex = g_strdup_printf ("#%02x%02x%02x",
                             (int) (CLAMP (rgba.red, 0, 1) * 255 + 0.5),
                             (int) (CLAMP (rgba.green, 0, 1) * 255 + 0.5),
                             (int) (CLAMP (rgba.blue, 0, 1) * 255 + 0.5));
      update_code (self, code, FIELD_COLOR, hex);
    }
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
recolor_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  GlossCodebookEditor *self = GLOSS_CODEBOOK_EDITOR (widget);
  GlossCode *code = find_code (self, self->shown_code);
  g_autofree char *title = NULL;
  GtkWidget *dialog;
  GdkRGBA rgba;

  if (code == NULL)
    return;

  /* Translators: the title of the colour chooser, with the code's name */
  title = g_strdup_printf (_("Colour of “%s”"), code->name);
  dialog = gtk_color_chooser_dialog_new (title, get_parent_window (self));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_color_chooser_set_use_alpha (GTK_COLOR_CHOOSER (dialog), FALSE);
  if (code->color != NULL && gdk_rgba_parse (&rgba, code->color))
    gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (dialog), &rgba);
  g_object_set_data (G_OBJECT (dialog), "gloss-code", GSIZE_TO_POINTER (code->id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_color_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
move_by (GlossCodebookEditor *self,
         int                  delta)
{
  GlossCodebookNode *node = get_selected_node (self);

  if (node == NULL || node->is_dimension)
    return;
  if (delta < 0 && node->index == 0)
    return;
  move_code (self, node->id, node->parent, (int) node->index + delta);
  select_node (self, FALSE, node->id);
}

static void
move_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  move_by (GLOSS_CODEBOOK_EDITOR (widget), -1);
}

static void
move_down_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  move_by (GLOSS_CODEBOOK_EDITOR (widget), +1);
}

static void
move_to_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  GlossCodebookEditor *self = GLOSS_CODEBOOK_EDITOR (widget);

  if (self->shown_code != 0)
    move_code (self, self->shown_code, g_variant_get_int64 (parameter), G_MAXINT);
}

static void
merge_into (GlossCodebookEditor *self,
            gint64               from,
            gint64               into)
{
  g_autoptr(GError) error = NULL;
  GlossCode *source = find_code (self, from);
  GlossCode *target = find_code (self, into);
  g_autofree char *from_name = g_strdup (source != NULL ? source->name : "");
  g_autofree char *into_name = g_strdup (target != NULL ? target->name : "");
  g_autofree char *message = NULL;
  gint64 n = 0;

  if (self->project == NULL)
    return;
  if (!gloss_project_merge_codes (self->project, from, into, &n, &error))
    {
      show_error (self, error);
      refresh (self);
      return;
    }

  refresh (self);
  select_node (self, FALSE, into);
  message = g_strdup_printf (ngettext ("“%s” was merged into “%s”: %lld annotation changed",
                                       "“%s” was merged into “%s”: %lld annotations changed", n),
                             from_name, into_name, (long long) n);
  show_message (self, message, TRUE);
}

static void
merge_into_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  GlossCodebookEditor *self = GLOSS_CODEBOOK_EDITOR (widget);

  if (self->shown_code != 0)
    merge_into (self, self->shown_code, g_variant_get_int64 (parameter));
}

static void
on_merge_response_cb (AdwMessageDialog    *dialog,
                      const char          *response,
                      GlossCodebookEditor *self)
{
  GArray *targets = g_object_get_data (G_OBJECT (dialog), "gloss-targets");
  GtkDropDown *dropdown = GTK_DROP_DOWN (adw_message_dialog_get_extra_child (dialog));
  gint64 from = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "gloss-code"));
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (g_strcmp0 (response, "merge") == 0 && selected < targets->len)
    merge_into (self, from, g_array_index (targets, gint64, selected));
}

static void
merge_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  GlossCodebookEditor *self = GLOSS_CODEBOOK_EDITOR (widget);
  GlossCode *code = find_code (self, self->shown_code);
  g_autoptr(GtkStringList) strings = gtk_string_list_new (NULL);
  GArray *targets = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  GtkWidget *dropdown;

  if (code == NULL)
    {
      g_array_unref (targets);
      return;
    }

  for (guint i = 0; i < self->codes->len; i++)
    {
      GlossCode *other = g_ptr_array_index (self->codes, i);
      g_autofree char *label = NULL;

      if (other->dimension != code->dimension || is_within (self, other->id, code->id))
        continue;
      label = display_path (self, other);
      gtk_string_list_append (strings, label);
      g_array_append_val (targets, other->id);
    }

  if (targets->len == 0)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is the only code of its dimension that it can be "
                                                    "merged with. Add another code first."), code->name);

      g_array_unref (targets);
      show_message (self, message, FALSE);
      return;
    }

  /* Translators: the heading of the merge dialog, with the code's name */
  heading = g_strdup_printf (_("Merge “%s” Into…"), code->name);
  body = g_strdup_printf (ngettext ("The %lld annotation with “%s” gets the code chosen below "
                                    "instead, its sub-codes move there, and “%s” is deleted.",
                                    "The %lld annotations with “%s” get the code chosen below "
                                    "instead, its sub-codes move there, and “%s” is deleted.",
                                    code->n_annotations),
                          (long long) code->n_annotations, code->name, code->name);
  dialog = adw_message_dialog_new (get_parent_window (self), heading, body);
  dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (strings)), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("The code to merge into"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), dropdown);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "merge", _("_Merge"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "merge", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "merge");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "gloss-targets", targets, (GDestroyNotify) g_array_unref);
  g_object_set_data (G_OBJECT (dialog), "gloss-code", GSIZE_TO_POINTER (code->id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_merge_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* How many live annotations carry @code or a code below it. */
static gint64
count_affected (GlossCodebookEditor  *self,
                gint64                code,
                GError              **error)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  gint64 total = 0;

  for (guint i = 0; i < self->codes->len; i++)
    {
      GlossCode *other = g_ptr_array_index (self->codes, i);

      if (is_within (self, other->id, code))
        total += other->n_annotations;
    }
  if (total == 0)
    return 0;

  for (guint i = 0; i < self->codes->len; i++)
    {
      GlossCode *other = g_ptr_array_index (self->codes, i);
      GlossAnnotationFilter filter = GLOSS_ANNOTATION_FILTER_INIT;
      g_autoptr(GPtrArray) annotations = NULL;

      if (other->n_annotations == 0 || !is_within (self, other->id, code))
        continue;
      filter.code = other->id;
      annotations = gloss_project_list_annotations (self->project, &filter, error);
      if (annotations == NULL)
        return -1;
      for (guint j = 0; j < annotations->len; j++)
        {
          GlossAnnotation *annotation = g_ptr_array_index (annotations, j);

          g_hash_table_add (ids, g_memdup2 (&annotation->id, sizeof (gint64)));
        }
    }
  return g_hash_table_size (ids);
}

typedef struct
{
  GlossCodebookEditor *self;
  gint64               id;
  gboolean             is_dimension;
  gboolean             cascade;
} PendingDelete;

static void
pending_delete_free (gpointer data)
{
  PendingDelete *pending = data;

  g_object_unref (pending->self);
  g_free (pending);
}

static void
on_delete_confirmed_cb (gpointer user_data)
{
  PendingDelete *pending = user_data;
  GlossCodebookEditor *self = pending->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gint64 n = 0;
  gboolean ok;

  if (self->project == NULL)
    return;

  if (pending->is_dimension)
    {
      GlossDimension *dimension = find_dimension (self, pending->id);
      g_autofree char *name = g_strdup (dimension != NULL ? dimension->name : "");

      ok = gloss_project_delete_dimension (self->project, pending->id, &error);
      if (ok)
        message = g_strdup_printf (_("Dimension “%s” was deleted"), name);
    }
  else
    {
      GlossCode *code = find_code (self, pending->id);
      g_autofree char *name = g_strdup (code != NULL ? code->name : "");

      ok = gloss_project_delete_code (self->project, pending->id, pending->cascade, &n, &error);
      if (ok)
        message = n > 0 ? g_strdup_printf (ngettext ("“%s” was deleted, and removed from %lld "
                                                     "annotation",
                                                     "“%s” was deleted, and removed from %lld "
                                                     "annotations", n), name, (long long) n)
                        : g_strdup_printf (_("“%s” was deleted"), name);
    }

  refresh (self);
  if (!ok)
    show_error (self, error);
  else
    show_message (self, message, TRUE);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GlossCodebookEditor *self = GLOSS_CODEBOOK_EDITOR (widget);
  GlossCodebookNode *node = get_selected_node (self);
  PendingDelete *pending;
  g_autoptr(GError) error = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  const char *confirm;

  if (node == NULL || self->project == NULL)
    return;

  pending = g_new0 (PendingDelete, 1);
  pending->self = g_object_ref (self);
  pending->id = node->id;
  pending->is_dimension = node->is_dimension;

  if (node->is_dimension)
    {
      guint n_codes = 0;

      for (guint i = 0; i < self->codes->len; i++)
        if (((GlossCode *) g_ptr_array_index (self->codes, i))->dimension == node->id)
          n_codes++;
      heading = g_strdup_printf (_("Delete Dimension “%s”?"), node->name);
      body = g_strdup_printf (ngettext ("Its %u code is deleted with it. A dimension whose codes are in use "
                                        "cannot be deleted: delete or merge those codes first.",
                                        "Its %u codes are deleted with it. A dimension whose codes are in use "
                                        "cannot be deleted: delete or merge those codes first.", n_codes),
                              n_codes);
      confirm = _("_Delete");
    }
  else
    {
      gint64 n = count_affected (self, node->id, &error);
      guint n_below = 0;
      g_autofree char *below = NULL;
      g_autofree char *uses = NULL;

      if (n < 0)
        {
          show_error (self, error);
          pending_delete_free (pending);
          return;
        }
      for (guint i = 0; i < self->codes->len; i++)
        {
          GlossCode *other = g_ptr_array_index (self->codes, i);

          if (other->id != node->id && is_within (self, other->id, node->id))
            n_below++;
        }

      heading = g_strdup_printf (_("Delete “%s”?"), node->name);
      if (n_below > 0)
        below = g_strdup_printf (ngettext ("Deleting it also deletes %u sub-code. ",
                                           "Deleting it also deletes %u sub-codes. ", n_below), n_below);
      if (n > 0 && n_below > 0)
        uses = g_strdup_printf (ngettext ("%lld annotation uses these codes: it loses them, "
                                          "and is deleted if that leaves it with no code and no note.",
                                          "%lld annotations use these codes: they lose them, "
                                          "and those left with no code and no note are deleted.", n),
                                (long long) n);
      else if (n > 0)
        uses = g_strdup_printf (ngettext ("%lld annotation uses it: it loses this code, and "
                                          "is deleted if that leaves it with no code and no note.",
                                          "%lld annotations use it: they lose this code, and "
                                          "those left with no code and no note are deleted.", n),
                                (long long) n);
      else
        uses = g_strdup (_("No annotation uses it."));
      body = g_strconcat (below != NULL ? below : "", uses, NULL);
      pending->cascade = n > 0;
      confirm = n > 0 ? _("_Delete with Its Annotations") : _("_Delete");
    }

  gloss_dialog_confirm (get_parent_window (self), heading, body, confirm, TRUE,
                        on_delete_confirmed_cb, pending, pending_delete_free);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  GlossCodebookEditor *self = GLOSS_CODEBOOK_EDITOR (widget);
  g_autoptr(GError) error = NULL;

  if (self->project == NULL)
    return;
  if (!gloss_project_undo (self->project, &error))
    show_error (self, error);
  refresh (self);
}

/* Public API ----------------------------------------------------------------- */

GlossProject *
gloss_codebook_editor_get_project (GlossCodebookEditor *self)
{
  g_return_val_if_fail (GLOSS_IS_CODEBOOK_EDITOR (self), NULL);

  return self->project;
}

/**
 * gloss_codebook_editor_set_project:
 * @project: (nullable): the project whose codebook to edit
 */
void
gloss_codebook_editor_set_project (GlossCodebookEditor *self,
                                   GlossProject        *project)
{
  g_return_if_fail (GLOSS_IS_CODEBOOK_EDITOR (self));
  g_return_if_fail (project == NULL || GLOSS_IS_PROJECT (project));

  if (self->project == project)
    return;

  flush_texts (self);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_func (self->project, on_project_changed_cb, self);
  g_set_object (&self->project, project);
  if (project != NULL)
    g_signal_connect_object (project, "changed", G_CALLBACK (on_project_changed_cb), self,
                             G_CONNECT_SWAPPED);

  self->shown_code = 0;
  self->shown_dimension = 0;
  g_clear_pointer (&self->structure, g_free);
  refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

/**
 * gloss_codebook_editor_select_code:
 * @code: a code's id
 *
 * Returns: %FALSE when there is no such code
 */
gboolean
gloss_codebook_editor_select_code (GlossCodebookEditor *self,
                                   gint64               code)
{
  g_return_val_if_fail (GLOSS_IS_CODEBOOK_EDITOR (self), FALSE);

  return select_node (self, FALSE, code);
}

/**
 * gloss_codebook_editor_select_dimension:
 * @dimension: a dimension's id
 *
 * Returns: %FALSE when there is no such dimension
 */
gboolean
gloss_codebook_editor_select_dimension (GlossCodebookEditor *self,
                                        gint64               dimension)
{
  g_return_val_if_fail (GLOSS_IS_CODEBOOK_EDITOR (self), FALSE);

  return select_node (self, TRUE, dimension);
}

gint64
gloss_codebook_editor_get_selected_code (GlossCodebookEditor *self)
{
  g_return_val_if_fail (GLOSS_IS_CODEBOOK_EDITOR (self), 0);

  return self->shown_code;
}

gint64
gloss_codebook_editor_get_selected_dimension (GlossCodebookEditor *self)
{
  g_return_val_if_fail (GLOSS_IS_CODEBOOK_EDITOR (self), 0);

  return self->shown_dimension;
}

/**
 * gloss_codebook_editor_get_count:
 * @code: a code's id
 *
 * Returns: the annotation count the tree shows for @code, -1 when the tree
 *   has no such code
 */
gint64
gloss_codebook_editor_get_count (GlossCodebookEditor *self,
                                 gint64               code)
{
  GlossCodebookNode *node;

  g_return_val_if_fail (GLOSS_IS_CODEBOOK_EDITOR (self), -1);

  node = g_hash_table_lookup (self->code_nodes, &code);
  return node != NULL ? node->count : -1;
}

/**
 * gloss_codebook_editor_get_message:
 *
 * Returns: (nullable): the last message the editor showed (a toast)
 */
const char *
gloss_codebook_editor_get_message (GlossCodebookEditor *self)
{
  g_return_val_if_fail (GLOSS_IS_CODEBOOK_EDITOR (self), NULL);

  return self->message;
}

/**
 * gloss_codebook_editor_present:
 * @parent: (nullable): the window it belongs to
 * @project: the project whose codebook to edit
 *
 * Shows an editor in a window of its own.
 *
 * Returns: (transfer none): that window
 */
GtkWindow *
gloss_codebook_editor_present (GtkWindow    *parent,
                               GlossProject *project)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *editor = gloss_codebook_editor_new ();

  g_return_val_if_fail (GLOSS_IS_PROJECT (project), NULL);

  gtk_window_set_title (GTK_WINDOW (window), _("Codebook"));
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
  gtk_widget_set_vexpand (editor, TRUE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), editor);
  adw_window_set_content (ADW_WINDOW (window), box);
  gloss_codebook_editor_set_project (GLOSS_CODEBOOK_EDITOR (editor), project);
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

/* GObject -------------------------------------------------------------------- */

static void
gloss_codebook_editor_map (GtkWidget *widget)
{
  GlossCodebookEditor *self = GLOSS_CODEBOOK_EDITOR (widget);

  GTK_WIDGET_CLASS (gloss_codebook_editor_parent_class)->map (widget);

  if (self->stale)
    on_project_changed_cb (self);
}

static void
gloss_codebook_editor_unmap (GtkWidget *widget)
{
  flush_texts (GLOSS_CODEBOOK_EDITOR (widget));

  GTK_WIDGET_CLASS (gloss_codebook_editor_parent_class)->unmap (widget);
}

static void
gloss_codebook_editor_dispose (GObject *object)
{
  GlossCodebookEditor *self = GLOSS_CODEBOOK_EDITOR (object);
  GtkWidget *child;

  flush_texts (self);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_func (self->project, on_project_changed_cb, self);
  g_clear_object (&self->project);

  if (self->tree_view != NULL)
    gtk_list_view_set_model (self->tree_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), GLOSS_TYPE_CODEBOOK_EDITOR);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->selection);
  g_clear_object (&self->root);

  G_OBJECT_CLASS (gloss_codebook_editor_parent_class)->dispose (object);
}

static void
gloss_codebook_editor_finalize (GObject *object)
{
  GlossCodebookEditor *self = GLOSS_CODEBOOK_EDITOR (object);

  g_hash_table_unref (self->code_nodes);
  g_hash_table_unref (self->dimension_nodes);
  g_clear_pointer (&self->dimensions, g_ptr_array_unref);
  g_clear_pointer (&self->codes, g_ptr_array_unref);
  g_array_unref (self->parent_choices);
  g_free (self->structure);
  g_free (self->message);

  G_OBJECT_CLASS (gloss_codebook_editor_parent_class)->finalize (object);
}

static void
gloss_codebook_editor_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  GlossCodebookEditor *self = GLOSS_CODEBOOK_EDITOR (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gloss_codebook_editor_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  GlossCodebookEditor *self = GLOSS_CODEBOOK_EDITOR (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      gloss_codebook_editor_set_project (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gloss_codebook_editor_class_init (GlossCodebookEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gloss_codebook_editor_dispose;
  object_class->finalize = gloss_codebook_editor_finalize;
  object_class->get_property = gloss_codebook_editor_get_property;
  object_class->set_property = gloss_codebook_editor_set_property;
  widget_class->map = gloss_codebook_editor_map;
  widget_class->unmap = gloss_codebook_editor_unmap;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, GLOSS_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/glossapp/Gloss/gloss-codebook-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, GlossCodebookEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, GlossCodebookEditor, tree_view);
  gtk_widget_class_bind_template_child (widget_class, GlossCodebookEditor, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, GlossCodebookEditor, dimension_group);
  gtk_widget_class_bind_template_child (widget_class, GlossCodebookEditor, dimension_name_row);
  gtk_widget_class_bind_template_child (widget_class, GlossCodebookEditor, kind_row);
  gtk_widget_class_bind_template_child (widget_class, GlossCodebookEditor, multiple_switch);
  gtk_widget_class_bind_template_child (widget_class, GlossCodebookEditor, ordinal_switch);
  gtk_widget_class_bind_template_child (widget_class, GlossCodebookEditor, dimension_memo_view);
  gtk_widget_class_bind_template_child (widget_class, GlossCodebookEditor, code_group);
  gtk_widget_class_bind_template_child (widget_class, GlossCodebookEditor, code_name_row);
  gtk_widget_class_bind_template_child (widget_class, GlossCodebookEditor, color_swatch);
  gtk_widget_class_bind_template_child (widget_class, GlossCodebookEditor, shortcut_row);
  gtk_widget_class_bind_template_child (widget_class, GlossCodebookEditor, parent_row);
  gtk_widget_class_bind_template_child (widget_class, GlossCodebookEditor, count_label);
  gtk_widget_class_bind_template_child (widget_class, GlossCodebookEditor, description_view);
  gtk_widget_class_bind_template_callback (widget_class, on_tree_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_tree_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_tree_unbind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_code_name_row_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_shortcut_row_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_dimension_name_row_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_dimension_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_parent_row_selected_cb);

  gtk_widget_class_install_action (widget_class, "codebook.add-code", NULL, add_code_action);
  gtk_widget_class_install_action (widget_class, "codebook.add-subcode", NULL, add_subcode_action);
  gtk_widget_class_install_action (widget_class, "codebook.add-dimension", NULL, add_dimension_action);
  gtk_widget_class_install_action (widget_class, "codebook.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "codebook.recolor", NULL, recolor_action);
  gtk_widget_class_install_action (widget_class, "codebook.merge", NULL, merge_action);
  gtk_widget_class_install_action (widget_class, "codebook.move-up", NULL, move_up_action);
  gtk_widget_class_install_action (widget_class, "codebook.move-down", NULL, move_down_action);
  gtk_widget_class_install_action (widget_class, "codebook.undo", NULL, undo_action);
  /* With a value, for keyboard-free use and tests. */
  gtk_widget_class_install_action (widget_class, "codebook.rename", "s", rename_action);
  gtk_widget_class_install_action (widget_class, "codebook.set-color", "s", set_color_action);
  gtk_widget_class_install_action (widget_class, "codebook.set-shortcut", "s", set_shortcut_action);
  gtk_widget_class_install_action (widget_class, "codebook.set-description", "s", set_description_action);
  gtk_widget_class_install_action (widget_class, "codebook.move-to", "x", move_to_action);
  gtk_widget_class_install_action (widget_class, "codebook.merge-into", "x", merge_into_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "codebook.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "codebook.move-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Insert, 0, "codebook.add-code", NULL);

  gtk_widget_class_set_css_name (widget_class, "glosscodebookeditor");
}

static gboolean
on_tree_key_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GlossCodebookEditor   *self)
{
  /* Delete in the tree only: in an entry it deletes text. */
  if ((keyval == GDK_KEY_Delete || keyval == GDK_KEY_KP_Delete) &&
      (state & gtk_accelerator_get_default_mod_mask ()) == 0)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "codebook.delete", NULL);
      return TRUE;
    }
  return FALSE;
}

static void
gloss_codebook_editor_init (GlossCodebookEditor *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->code_nodes = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->dimension_nodes = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->parent_choices = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->dimensions = g_ptr_array_new_with_free_func ((GDestroyNotify) gloss_dimension_free);
  self->codes = g_ptr_array_new_with_free_func ((GDestroyNotify) gloss_code_free);

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_list_view_set_model (self->tree_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (on_selection_changed_cb), self,
                           G_CONNECT_SWAPPED);

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_tree_key_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->tree_view), keys);

  g_signal_connect_object (gtk_text_view_get_buffer (self->description_view), "changed",
                           G_CALLBACK (on_description_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->dimension_memo_view), "changed",
                           G_CALLBACK (on_memo_changed_cb), self, G_CONNECT_SWAPPED);
  {
    GtkEventController *focus = gtk_event_controller_focus_new ();

    g_signal_connect_swapped (focus, "leave", G_CALLBACK (flush_texts), self);
    gtk_widget_add_controller (GTK_WIDGET (self->description_view), focus);
    focus = gtk_event_controller_focus_new ();
    g_signal_connect_swapped (focus, "leave", G_CALLBACK (flush_texts), self);
    gtk_widget_add_controller (GTK_WIDGET (self->dimension_memo_view), focus);
  }

  rebuild_tree (self);
  load_detail (self);
}

GtkWidget *
gloss_codebook_editor_new (void)
{
  return g_object_new (GLOSS_TYPE_CODEBOOK_EDITOR, NULL);
}
