/* core/mtable.h — the machinery of a metric table, knowing no table.
 *
 * A metric table is an array of sim_metric_desc rows (name, unit, kind,
 * per-compound panel name, English and Chinese descriptions).  The model
 * declares its one table (models/metrics.def, turned into the enum
 * SIM_MET_<name> and sim_metric_table by models/metrics.h); finding a
 * metric by name and printing a table live here.  No state; thread safe.
 */
#ifndef TROIKA_CORE_MTABLE_H
#define TROIKA_CORE_MTABLE_H

#include <stdio.h>

typedef enum { SIM_M_COUNT, SIM_M_RATIO } sim_mkind;

typedef struct {
    const char *name;
    const char *unit;
    sim_mkind kind;
    const char *panel; /* "" when not in the per-compound panel */
    const char *doc_en;
    const char *doc_zh;
} sim_metric_desc;

/* Index of the metric called `name` in t[0..n), or -1. */
int mtab_find(const sim_metric_desc *t, int n, const char *name);

/* The table as Markdown (docs/OUTPUT.md): name, unit, kind, panel, where
 * the sub-district panel's value comes from (subphase[m]: the sub-district
 * phases fill it), description. */
void mtab_print_markdown(FILE *f, const sim_metric_desc *t, int n, const unsigned char *subphase);

/* The table as plain text: name, unit, kind, description. */
void mtab_print_table(FILE *f, const sim_metric_desc *t, int n);

#endif
