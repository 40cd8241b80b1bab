/* report.html: a self-contained page (plots embedded as PNG data URIs, no network) showing every
 * stage of a run, written into the run's folder with each plot also saved as PNG and SVG in
 * DIR/plots/.
 *
 * The results come from the files the run has just written (summary.json, punctures.csv,
 * delivery.csv, delivery_profiles.csv, timeline.csv, fields/): those files are the contract
 * every stage already honours, so the report needs no change when a stage's internals do, it
 * can be regenerated from any finished output folder, and a stage that did not run simply has
 * no file (its section says "not simulated in this run"). Only what the files do not carry
 * comes from the run's structures: the scenario as validated and the skin column's layer
 * boundaries (both optional). */
#ifndef MN_IO_REPORT_H
#define MN_IO_REPORT_H

#include "anatomy/anatomy.h"
#include "model/model.h"
#include "mnsim/status.h"

/* Writes dir/report.html and dir/plots/. model and column may be NULL (the scenario section
 * then shows summary.json's scenario block, the depth histograms no layer boundaries). */
mn_status mn_report_write(const char *dir, const mn_model *model, const mn_column *column);

#endif
