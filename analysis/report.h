/* analysis/report.h — the comparison report: one self-contained HTML page.
 *
 * Built from a compare file alone (analysis/h5compare.h), in English or
 * Chinese: a plain-language summary generated from the table, the table
 * itself, one inline SVG chart per key metric (a line per scenario over
 * time with its 95% band across replicates), what each scenario changes
 * relative to the baseline (the parameter table's descriptions) and the
 * provenance.  No script, no external font, image or style sheet: a
 * Content-Security-Policy forbids every fetch, so the page shows the same
 * offline, in any browser and on paper (a print style sheet is included).
 *
 * The summary lists, per scenario, each clear effect (95% CI of the paired
 * difference excludes zero) as a sentence, largest relative to the
 * baseline first; clear effects under ANA_REPORT_SMALL of the baseline in
 * one line; then the metrics with no clear effect.
 *
 * Every text from the file is HTML-escaped.  Charts with many days are
 * drawn from bins of whole days (at most ANA_REPORT_POINTS points a line):
 * each replicate's mean over the bin, then mean and t interval across
 * replicates.  Table cells carry their stored value in data-* attributes
 * (full precision) so that a test can check the page against the file.
 */
#ifndef TROIKA_ANALYSIS_REPORT_H
#define TROIKA_ANALYSIS_REPORT_H

#include "h5compare.h"
#include "err.h"
#include "ui.h"

#define ANA_REPORT_POINTS 300
/* In the summary, clear effects smaller than this fraction of the
 * baseline's value are listed together as small, after the others. */
#define ANA_REPORT_SMALL 0.01

/* The page as a string (caller frees). */
sim_status ana_report_html(const ana_cmpfile *f, ana_lang lang, char **html, sim_error *err);

/* Build the page and write it to path atomically (a temporary file renamed
 * into place; an existing file only with force; key names the option for
 * path errors, e.g. "--report" or "-o"). */
sim_status ana_report_write(const ana_cmpfile *f, const char *path, int force, const char *key,
                            ana_lang lang, sim_error *err);

/* The report of one run (`troika report run.h5`): the key metrics' means
 * over the first and the last year, their course over time (monthly
 * means), and the compounds on the panel's last day (old, other, all:
 * percentiles and the household-weighted mean).  Same style, same
 * self-contained page, same normalisation as the comparison report.  The
 * key metrics are looked up in the model's metric table mt[0..nmt) (handed
 * over by sim/). */
sim_status ana_report_run_html(const ana_runfile *f, const sim_metric_desc *mt, int nmt,
                               ana_lang lang, char **html, sim_error *err);
sim_status ana_report_run_write(const ana_runfile *f, const sim_metric_desc *mt, int nmt,
                                const char *path, int force, const char *key, ana_lang lang,
                                sim_error *err);

#endif
