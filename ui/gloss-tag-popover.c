/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gloss-tag-popover"

#include "config.h"

#include "gloss-tag-popover.h"

#include <glib/gi18n.h>
#include <string.h>

#include "gloss-types.h"

/* The popover that tags a selection: every code, grouped by dimension,
 * filtered as one types.  Codes of multiple-valued dimensions are check
 * boxes, those of single-valued ones radio buttons, so actors, themes and
 * a stance can all be picked before confirming.  Enter in the search
 * entry picks the first match and clears the filter; Enter with an empty
 * filter, or Ctrl+Enter anywhere, confirms. */

struct _GlossTagPopover
{
  GtkPopover      parent_instance;

  GtkSearchEntry *search_entry;
  GtkListBox     *code_list;
  GtkLabel       *empty_label;
  GtkLabel       *summary_label;
  GtkButton      *confirm_button;

  GPtrArray      *dimensions;  /* GlossDimension, borrowed from the window's copy */
  GPtrArray      *codes;       /* GlossCode, same order as the rows */
  GPtrArray      *checks;      /* GtkCheckButton per row */
  char           *filter;      /* casefolded */
  gboolean        editing;
};

enum {
  CONFIRMED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (GlossTagPopover, gloss_tag_popover, GTK_TYPE_POPOVER)

static const GlossDimension *
find_dimension (GlossTagPopover *self,
                gint64           id)
{
  for (guint i = 0; self->dimensions != NULL && i < self->dimensions->len; i++)
    {
      const GlossDimension *dimension = g_ptr_array_index (self->dimensions, i);

      if (dimension->id == id)
        return dimension;
    }
  return NULL;
}

static void
update_summary (GlossTagPopover *self)
{
  g_autoptr(GString) names = g_string_new (NULL);
  guint n = 0;

  for (guint i = 0; i < self->checks->len; i++)
    {
      if (!gtk_check_button_get_active (g_ptr_array_index (self->checks, i)))
        continue;
      if (n++ > 0)
        g_string_append (names, ", ");
      g_string_append (names, ((GlossCode *) g_ptr_array_index (self->codes, i))->name);
    }

  gtk_label_set_text (self->summary_label, n == 0 ? _("Nothing chosen yet") : names->str);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), n > 0 || self->editing);
}

static gboolean
row_matches (GlossTagPopover *self,
             guint            index)
{
  const GlossCode *code = g_ptr_array_index (self->codes, index);
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  if (self->filter == NULL || self->filter[0] == '\0')
    return TRUE;

  name = g_utf8_casefold (code->name, -1);
  path = g_utf8_casefold (code->path != NULL ? code->path : code->name, -1);
  return strstr (name, self->filter) != NULL || strstr (path, self->filter) != NULL
         || (code->shortcut != NULL && g_strcmp0 (code->shortcut, self->filter) == 0);
}

static gboolean
filter_func (GtkListBoxRow *row,
             gpointer       user_data)
{
  GlossTagPopover *self = user_data;
  int index = gtk_list_box_row_get_index (row);

  return self->codes != NULL && index >= 0 && (guint) index < self->codes->len && row_matches (self, index);
}

static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  GlossTagPopover *self = user_data;
  int index = gtk_list_box_row_get_index (row);
  int before_index = before != NULL ? gtk_list_box_row_get_index (before) : -1;
  const GlossCode *code;
  const GlossCode *prev;
  const GlossDimension *dimension;
  GtkWidget *header;

  if (self->codes == NULL || index < 0 || (guint) index >= self->codes->len
      || (guint) before_index >= self->codes->len)
    return;

  code = g_ptr_array_index (self->codes, index);
  prev = before_index >= 0 ? g_ptr_array_index (self->codes, before_index) : NULL;

  if (prev != NULL && prev->dimension == code->dimension)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  dimension = find_dimension (self, code->dimension);
  header = gtk_label_new (dimension != NULL ? dimension->name : "");
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "gloss-dimension-header");
  if (dimension != NULL && !dimension->multiple)
    {
      g_autofree char *text = g_strdup_printf ("%s  <span weight=\"normal\" size=\"small\" fgalpha=\"60%%\">%s</span>",
                                               dimension->name, _("pick one"));
      gtk_label_set_markup (GTK_LABEL (header), text);
    }
  gtk_list_box_row_set_header (row, header);
}

static void
on_check_toggled_cb (GlossTagPopover *self)
{
  update_summary (self);
}

static GtkWidget *
make_row (GlossTagPopover  *self,
          const GlossCode  *code,
          GtkCheckButton  **group)
{
  const GlossDimension *dimension = find_dimension (self, code->dimension);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *dot = gtk_label_new (NULL);
  GtkWidget *name = gtk_label_new (code->name);
  g_autofree char *dot_markup = g_strdup_printf ("<span foreground=\"%s\">●</span>",
                                                 code->color != NULL ? code->color : "#888888");

  if (dimension != NULL && !dimension->multiple)
    {
      if (*group == NULL)
        *group = GTK_CHECK_BUTTON (check);
      else
        gtk_check_button_set_group (GTK_CHECK_BUTTON (check), *group);
    }

  gtk_widget_set_margin_start (box, 4 + code->depth * 16);
  gtk_widget_set_can_focus (check, FALSE);
  gtk_label_set_markup (GTK_LABEL (dot), dot_markup);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  if (code->description != NULL)
    gtk_widget_set_tooltip_text (row, code->description);

  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), dot);
  gtk_box_append (GTK_BOX (box), name);
  if (code->shortcut != NULL && code->shortcut[0] != '\0')
    {
      GtkWidget *key = gtk_label_new (code->shortcut);

      gtk_widget_add_css_class (key, "gloss-keycap");
      gtk_widget_set_tooltip_text (key, _("Press this key with text selected to tag it at once"));
      gtk_box_append (GTK_BOX (box), key);
    }

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, code->path, -1);
  g_ptr_array_add (self->checks, check);
  g_signal_connect_swapped (check, "toggled", G_CALLBACK (on_check_toggled_cb), self);
  return row;
}

static void
toggle_row (GlossTagPopover *self,
            guint            index)
{
  GtkCheckButton *check = g_ptr_array_index (self->checks, index);

  gtk_check_button_set_active (check, !gtk_check_button_get_active (check));
}

static void
on_code_list_row_activated_cb (GtkListBox      *list,
                               GtkListBoxRow   *row,
                               GlossTagPopover *self)
{
  toggle_row (self, gtk_list_box_row_get_index (row));
}

static void
apply_filter (GlossTagPopover *self)
{
  gboolean any = FALSE;

  gtk_list_box_invalidate_filter (self->code_list);
  gtk_list_box_invalidate_headers (self->code_list);
  for (guint i = 0; i < self->codes->len && !any; i++)
    any = row_matches (self, i);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), !any);
}

static void
on_search_entry_search_changed_cb (GtkSearchEntry  *entry,
                                   GlossTagPopover *self)
{
  g_free (self->filter);
  self->filter = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (entry)), -1);
  g_strstrip (self->filter);
  apply_filter (self);
}

static void
on_search_entry_activate_cb (GtkSearchEntry  *entry,
                             GlossTagPopover *self)
{
  if (self->filter != NULL && self->filter[0] != '\0')
    {
      gloss_tag_popover_pick_first (self);
      return;
    }

  if (gtk_widget_get_sensitive (GTK_WIDGET (self->confirm_button)))
    gloss_tag_popover_confirm (self);
}

static void
on_search_entry_stop_search_cb (GtkSearchEntry  *entry,
                                GlossTagPopover *self)
{
  if (gtk_editable_get_text (GTK_EDITABLE (entry))[0] != '\0')
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
  else
    gtk_popover_popdown (GTK_POPOVER (self));
}

static gboolean
on_entry_key_pressed_cb (GtkEventControllerKey *controller,
                         guint                  keyval,
                         guint                  keycode,
                         GdkModifierType        state,
                         GlossTagPopover       *self)
{
  if (keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down)
    {
      for (guint i = 0; i < self->codes->len; i++)
        {
          if (row_matches (self, i))
            {
              gtk_widget_grab_focus (GTK_WIDGET (gtk_list_box_get_row_at_index (self->code_list, i)));
              return GDK_EVENT_STOP;
            }
        }
    }
  return GDK_EVENT_PROPAGATE;
}

static gboolean
confirm_shortcut_cb (GtkWidget *widget,
                     GVariant  *args,
                     gpointer   user_data)
{
  GlossTagPopover *self = GLOSS_TAG_POPOVER (widget);

  if (gtk_widget_get_sensitive (GTK_WIDGET (self->confirm_button)))
    gloss_tag_popover_confirm (self);
  return TRUE;
}

static void
on_confirm_button_clicked_cb (GlossTagPopover *self)
{
  gloss_tag_popover_confirm (self);
}

static void
gloss_tag_popover_show (GtkWidget *widget)
{
  GlossTagPopover *self = GLOSS_TAG_POPOVER (widget);

  GTK_WIDGET_CLASS (gloss_tag_popover_parent_class)->show (widget);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
gloss_tag_popover_dispose (GObject *object)
{
  GlossTagPopover *self = GLOSS_TAG_POPOVER (object);

  if (self->code_list != NULL)
    {
      gtk_list_box_set_filter_func (self->code_list, NULL, NULL, NULL);
      gtk_list_box_set_header_func (self->code_list, NULL, NULL, NULL);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), GLOSS_TYPE_TAG_POPOVER);
  g_clear_pointer (&self->dimensions, g_ptr_array_unref);
  g_clear_pointer (&self->codes, g_ptr_array_unref);
  g_clear_pointer (&self->checks, g_ptr_array_unref);

  G_OBJECT_CLASS (gloss_tag_popover_parent_class)->dispose (object);
}

static void
gloss_tag_popover_finalize (GObject *object)
{
  GlossTagPopover *self = GLOSS_TAG_POPOVER (object);

  g_free (self->filter);

  G_OBJECT_CLASS (gloss_tag_popover_parent_class)->finalize (object);
}

static void
gloss_tag_popover_class_init (GlossTagPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gloss_tag_popover_dispose;
  object_class->finalize = gloss_tag_popover_finalize;
  widget_class->show = gloss_tag_popover_show;

  /**
   * GlossTagPopover::confirmed:
   * @codes: (type GVariant): the chosen code ids, as "ax"
   */
  signals[CONFIRMED] =
    g_signal_new ("confirmed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_VARIANT);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/glossapp/Gloss/gloss-tag-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, GlossTagPopover, search_entry);
  gtk_widget_class_bind_template_child (widget_class, GlossTagPopover, code_list);
  gtk_widget_class_bind_template_child (widget_class, GlossTagPopover, empty_label);
  gtk_widget_class_bind_template_child (widget_class, GlossTagPopover, summary_label);
  gtk_widget_class_bind_template_child (widget_class, GlossTagPopover, confirm_button);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_code_list_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_confirm_button_clicked_cb);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, confirm_shortcut_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, confirm_shortcut_cb, NULL);
}

static void
gloss_tag_popover_init (GlossTagPopover *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->codes = g_ptr_array_new ();
  self->checks = g_ptr_array_new ();
  gtk_list_box_set_filter_func (self->code_list, filter_func, self, NULL);
  gtk_list_box_set_header_func (self->code_list, header_func, self, NULL);

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_entry_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
  update_summary (self);
}

GtkWidget *
gloss_tag_popover_new (void)
{
  return g_object_new (GLOSS_TYPE_TAG_POPOVER, NULL);
}

/**
 * gloss_tag_popover_set_codebook:
 * @dimensions: (element-type GlossDimension): kept alive by the popover
 * @codes: (element-type GlossCode): in tree order, dimension by dimension
 */
void
gloss_tag_popover_set_codebook (GlossTagPopover *self,
                                GPtrArray       *dimensions,
                                GPtrArray       *codes)
{
  GtkWidget *child;
  GtkCheckButton *group = NULL;
  gint64 group_dimension = 0;

  g_return_if_fail (GLOSS_IS_TAG_POPOVER (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->code_list))) != NULL)
    gtk_list_box_remove (self->code_list, child);
  g_ptr_array_set_size (self->checks, 0);

  g_clear_pointer (&self->dimensions, g_ptr_array_unref);
  g_clear_pointer (&self->codes, g_ptr_array_unref);
  self->dimensions = dimensions != NULL ? g_ptr_array_ref (dimensions) : NULL;
  self->codes = codes != NULL ? g_ptr_array_ref (codes) : g_ptr_array_new ();

  for (guint i = 0; i < self->codes->len; i++)
    {
      const GlossCode *code = g_ptr_array_index (self->codes, i);

      if (code->dimension != group_dimension)
        {
          group = NULL;
          group_dimension = code->dimension;
        }
      gtk_list_box_append (self->code_list, make_row (self, code, &group));
    }

  apply_filter (self);
  update_summary (self);
}

void
gloss_tag_popover_set_chosen (GlossTagPopover *self,
                              const gint64    *codes,
                              guint            n_codes)
{
  g_return_if_fail (GLOSS_IS_TAG_POPOVER (self));

  for (guint i = 0; i < self->checks->len; i++)
    {
      const GlossCode *code = g_ptr_array_index (self->codes, i);
      gboolean chosen = FALSE;

      for (guint j = 0; j < n_codes && !chosen; j++)
        chosen = codes[j] == code->id;
      gtk_check_button_set_active (g_ptr_array_index (self->checks, i), chosen);
    }

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  update_summary (self);
}

/**
 * gloss_tag_popover_get_chosen:
 *
 * Returns: (transfer full) (element-type gint64): the chosen code ids
 */
GArray *
gloss_tag_popover_get_chosen (GlossTagPopover *self)
{
  GArray *chosen = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (GLOSS_IS_TAG_POPOVER (self), chosen);

  for (guint i = 0; i < self->checks->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (self->checks, i)))
      g_array_append_val (chosen, ((GlossCode *) g_ptr_array_index (self->codes, i))->id);

  return chosen;
}

void
gloss_tag_popover_set_editing (GlossTagPopover *self,
                               gboolean         editing)
{
  g_return_if_fail (GLOSS_IS_TAG_POPOVER (self));

  self->editing = !!editing;
  gtk_button_set_label (self->confirm_button, editing ? _("_Save") : _("_Tag"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->confirm_button),
                               editing ? _("Save the codes (Ctrl+Enter)") : _("Tag the selection (Ctrl+Enter)"));
  update_summary (self);
}

void
gloss_tag_popover_set_filter (GlossTagPopover *self,
                              const char      *text)
{
  g_return_if_fail (GLOSS_IS_TAG_POPOVER (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  /* Apply now rather than after the entry's delay. */
  on_search_entry_search_changed_cb (self->search_entry, self);
}

/**
 * gloss_tag_popover_pick_first:
 *
 * Toggles the first code the filter shows and clears the filter.
 *
 * Returns: %FALSE when no code matches
 */
gboolean
gloss_tag_popover_pick_first (GlossTagPopover *self)
{
  g_return_val_if_fail (GLOSS_IS_TAG_POPOVER (self), FALSE);

  for (guint i = 0; i < self->codes->len; i++)
    {
      if (row_matches (self, i))
        {
          toggle_row (self, i);
          gloss_tag_popover_set_filter (self, "");
          return TRUE;
        }
    }

  gtk_widget_error_bell (GTK_WIDGET (self));
  return FALSE;
}

void
gloss_tag_popover_confirm (GlossTagPopover *self)
{
  g_autoptr(GArray) chosen = NULL;
  GVariant *codes;

  g_return_if_fail (GLOSS_IS_TAG_POPOVER (self));

  chosen = gloss_tag_popover_get_chosen (self);
  codes = g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, chosen->data, chosen->len, sizeof (gint64));
  g_variant_ref_sink (codes);
  gtk_popover_popdown (GTK_POPOVER (self));
  g_signal_emit (self, signals[CONFIRMED], 0, codes);
  g_variant_unref (codes);
}
