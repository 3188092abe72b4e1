/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The job overview's chart: for each annotator of a list of QuorumStatsItem,
 * a bar of their mean agreement with the others and one of their mean
 * agreement with the ground truth, on a scale of 0 to 1, drawn with cairo. */

#define QUORUM_TYPE_AGREEMENT_CHART (quorum_agreement_chart_get_type ())
G_DECLARE_FINAL_TYPE (QuorumAgreementChart, quorum_agreement_chart, QUORUM, AGREEMENT_CHART, GtkDrawingArea)

GtkWidget *quorum_agreement_chart_new       (void);
/* Of QuorumStatsItem (annotators), drawn in the model's order. */
void       quorum_agreement_chart_set_model (QuorumAgreementChart *self,
                                             GListModel           *model);

G_END_DECLS
