/* core/mtable.c — see mtable.h. */
#include "mtable.h"

#include <string.h>

static const char *kind_word(sim_mkind k)
{
    return k == SIM_M_COUNT ? "count" : "ratio";
}

void mtab_print_markdown(FILE *f, const sim_metric_desc *t, int n, const unsigned char *subphase)
{
    fputs("| name | unit | kind | panel | sub-district panel | description |\n"
          "|---|---|---|---|---|---|\n",
          f);
    for (int m = 0; m < n; m++) {
        const sim_metric_desc *d = &t[m];
        fprintf(f, "| `%s` | %s | %s | ", d->name, d->unit, kind_word(d->kind));
        if (d->panel[0])
            fprintf(f, "`%s`", d->panel);
        else
            fputs("–", f);
        /* sub-district panel (/subdistricts/panel/<name>): where its value
         * comes from, as the dataset's "source" attribute says */
        fprintf(f, " | %s", d->panel[0] ? "compounds" : subphase[m] ? "subdistrict" : "–");
        fprintf(f, " | %s |\n", d->doc_en);
    }
}

void mtab_print_table(FILE *f, const sim_metric_desc *t, int n)
{
    for (int m = 0; m < n; m++) {
        const sim_metric_desc *d = &t[m];
        fprintf(f, "%-36s %-12s %-6s %s\n", d->name, d->unit, kind_word(d->kind), d->doc_en);
    }
}

int mtab_find(const sim_metric_desc *t, int n, const char *name)
{
    for (int m = 0; m < n; m++)
        if (strcmp(t[m].name, name) == 0)
            return m;
    return -1;
}
