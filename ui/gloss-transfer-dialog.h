/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "gloss-interchange.h"
#include "gloss-project.h"

G_BEGIN_DECLS

typedef enum
{
  GLOSS_TRANSFER_FORMAT_XML,
  GLOSS_TRANSFER_FORMAT_CSV_LONG,
  GLOSS_TRANSFER_FORMAT_CSV_WIDE,
  GLOSS_TRANSFER_FORMAT_QDPX,
  GLOSS_TRANSFER_FORMAT_QDC,
} GlossTransferFormat;

#define GLOSS_TYPE_TRANSFER_DIALOG (gloss_transfer_dialog_get_type ())
G_DECLARE_FINAL_TYPE (GlossTransferDialog, gloss_transfer_dialog, GLOSS, TRANSFER_DIALOG, AdwWindow)

GlossTransferDialog     *gloss_transfer_dialog_new_export     (GtkWindow           *parent,
                                                               GlossProject        *project);
GlossTransferDialog     *gloss_transfer_dialog_new_import     (GtkWindow           *parent,
                                                               GlossProject        *project);
gboolean                 gloss_transfer_dialog_is_import      (GlossTransferDialog *self);
void                     gloss_transfer_dialog_set_format     (GlossTransferDialog *self,
                                                               GlossTransferFormat  format);
GlossTransferFormat      gloss_transfer_dialog_get_format     (GlossTransferDialog *self);
void                     gloss_transfer_dialog_set_file       (GlossTransferDialog *self,
                                                               GFile               *file);
GFile                   *gloss_transfer_dialog_get_file       (GlossTransferDialog *self);
void                     gloss_transfer_dialog_set_documents  (GlossTransferDialog *self,
                                                               const gint64        *documents,
                                                               guint                n_documents);
void                     gloss_transfer_dialog_set_annotator  (GlossTransferDialog *self,
                                                               const char          *annotator);
void                     gloss_transfer_dialog_set_status     (GlossTransferDialog *self,
                                                               int                  status);
void                     gloss_transfer_dialog_set_no_text    (GlossTransferDialog *self,
                                                               gboolean             no_text);
void                     gloss_transfer_dialog_start          (GlossTransferDialog *self);
void                     gloss_transfer_dialog_cancel         (GlossTransferDialog *self);
gboolean                 gloss_transfer_dialog_is_running     (GlossTransferDialog *self);
const char              *gloss_transfer_dialog_get_page       (GlossTransferDialog *self);
const char              *gloss_transfer_dialog_get_message    (GlossTransferDialog *self);
const GlossImportReport *gloss_transfer_dialog_get_report     (GlossTransferDialog *self);

G_END_DECLS
