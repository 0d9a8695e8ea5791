/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "gloss-annotation-list.h"
#include "gloss-compare-view.h"
#include "gloss-find-bar.h"
#include "gloss-inspector.h"
#include "gloss-tag-popover.h"
#include "gloss-window.h"

G_BEGIN_DECLS

/* What the window knows about one code, ready for painting. */
typedef struct
{
  GlossCode  *code;     /* borrowed from GlossWindow.codes */
  GdkRGBA     color;
  guint       band;     /* the dimension's position among the dimensions */
  const char *label;    /* interned name */
  gboolean    single;   /* its dimension takes one code per annotation */
} GlossCodeInfo;

/* One change waiting to be written, kept when the file cannot be written
 * and retried until it can. */
typedef enum
{
  GLOSS_OP_ADD_ANNOTATION,
  GLOSS_OP_SET_CODES,
  GLOSS_OP_SET_NOTE,
  GLOSS_OP_SET_SPAN,
  GLOSS_OP_DELETE_ANNOTATION,
  GLOSS_OP_RENAME_DOCUMENT,
  GLOSS_OP_REMOVE_DOCUMENT,
  GLOSS_OP_IMPORT_FILE,
} GlossOpKind;

typedef struct
{
  GlossOpKind  kind;
  gint64       document;
  gint64       annotation;
  gint64       start;
  gint64       end;
  GArray      *codes;      /* gint64 */
  char        *text;       /* note, title or path */
  char        *annotator;
  char        *label;      /* what the user did, for messages */
} GlossOp;

void     gloss_op_free (GlossOp *op);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlossOp, gloss_op_free)

struct _GlossWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkWidget            *undo_button;
  GtkWidget            *redo_button;
  GtkWidget            *tag_button;
  GtkWidget            *sidebar_button;
  GtkWidget            *inspector_button;
  GtkRevealer          *banner_revealer;
  GtkLabel             *banner_label;
  GtkWidget            *banner_button;
  GtkStack             *main_stack;
  AdwStatusPage        *error_page;
  AdwFlap              *flap;
  GtkWidget            *sidebar;
  GtkListBox           *documents_list;
  GtkStack             *content_stack;
  GtkScrolledWindow    *text_scroller;
  GlossTextView        *text_view;
  GtkRevealer          *inspector_revealer;
  GlossInspector       *inspector;
  GMenu                *recent_section;
  GMenuModel           *document_menu;

  /* Owned */
  GSettings            *settings;
  GlossProject         *project;
  GlossTagPopover      *tag_popover;
  GtkWidget            *document_popover;
  GPtrArray            *dimensions;    /* GlossDimension, by position */
  GPtrArray            *codes;         /* GlossCode, tree order */
  GHashTable           *code_info;     /* gint64 id → GlossCodeInfo */
  GHashTable           *dimension_by_id; /* gint64 id → GlossDimension (borrowed) */
  GHashTable           *shortcuts;     /* gunichar → GlossCodeInfo (borrowed) */
  GPtrArray            *documents;     /* GlossDocument */
  gint64                document;
  GQueue                pending;       /* GlossOp */
  GError               *pending_error;
  char                 *banner_text;
  char                 *last_toast;
  guint                 retry_id;
  guint                 poll_id;
  guint                 load_id;       /* annotations still loading in chunks */
  GCancellable         *check_cancellable; /* the project's check is finishing */
  guint                 check_banner_id;
  gboolean              check_banner;  /* the banner says the check is running */
  gint64                defer_check_bytes;
  gint64                load_offset;
  gint64                load_length;
  guint                 own_change;    /* > 0 while the window itself writes */
  gboolean              popover_editing;
  gint64                popover_annotation;
  GHashTable           *count_labels;  /* gint64 document id → GtkLabel (borrowed) */
  GArray               *held_codes;    /* a tag held back until the annotator is named */
  guint                 n_shown;       /* how often the inspector was brought in step */
  gboolean              held_replace;

  /* The workbench around the text (gloss-window-workbench.c) */
  AdwViewStack         *view_stack;
  GlossAnnotationList  *annotation_list;
  GlossFindBar         *find_bar;
  GtkLevelBar          *review_level;
  GtkLabel             *review_progress_label;
  GtkEntry             *review_note_entry;
  GtkWindow            *codebook_window;   /* weak */
  GlossCompareView     *compare_view;      /* weak */
  GCancellable         *merge_cancellable; /* a merge is running */
  guint                 review_count_id;
  guint                 own_change_id;
  gboolean              review_stale;
  guint                 n_reviewed;
  guint                 n_live;
  gboolean              syncing_selection;
  gboolean              reviewing;        /* the window is writing a review */
  gint64                jump_offset;      /* where the text is scrolled to once laid out */
  guint                 jump_frames;
  guint                 jump_tick_id;
};

/* gloss-window.c */
void          _gloss_window_toast              (GlossWindow           *self,
                                                const char            *message);
void          _gloss_window_update_actions     (GlossWindow           *self);
void          _gloss_window_reload             (GlossWindow           *self);
void          _gloss_window_replace_project    (GlossWindow           *self,
                                                GlossProject          *project);
void          _gloss_window_reload_documents   (GlossWindow           *self);
void          _gloss_window_set_defer_check_bytes (GlossWindow        *self,
                                                   gint64              bytes);
void          _gloss_window_refresh_annotation (GlossWindow           *self,
                                                gint64                 annotation);
void          _gloss_window_adjust_count       (GlossWindow           *self,
                                                gint64                 document,
                                                gint64                 delta);
void          _gloss_window_show_selected      (GlossWindow           *self);
const char   *_gloss_window_get_annotator      (GlossWindow           *self);
GlossCodeInfo *_gloss_window_lookup_code       (GlossWindow           *self,
                                                gint64                 code);
GlossAnnotation *_gloss_window_dup_annotation  (GlossWindow           *self,
                                                gint64                 id);

/* gloss-window-actions.c */
void          _gloss_window_install_actions    (GlossWindow           *self);
void          _gloss_window_submit             (GlossWindow           *self,
                                                GlossOp               *op);
void          _gloss_window_tag_selection      (GlossWindow           *self,
                                                const gint64          *codes,
                                                guint                  n_codes,
                                                gboolean               replace);
void          _gloss_window_open_tag_popover   (GlossWindow           *self);
gboolean      _gloss_window_handle_key         (GlossWindow           *self,
                                                guint                  keyval,
                                                GdkModifierType        state);
void          _gloss_window_import_paths       (GlossWindow           *self,
                                                const char * const    *paths);
void          _gloss_window_stop_retrying      (GlossWindow           *self);

/* gloss-window-workbench.c */
void          _gloss_window_class_init_workbench (GtkWidgetClass      *widget_class);
void          _gloss_window_init_workbench     (GlossWindow           *self);
void          _gloss_window_dispose_workbench  (GlossWindow           *self);
void          _gloss_window_workbench_set_project (GlossWindow        *self);
void          _gloss_window_workbench_document_shown (GlossWindow     *self);
void          _gloss_window_update_workbench_actions (GlossWindow     *self);
gboolean      _gloss_window_show_annotation    (GlossWindow           *self,
                                                gint64                 annotation);

G_END_DECLS
