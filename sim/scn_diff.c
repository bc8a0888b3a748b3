/* sim/scn_diff.c — scn_diff_compute (see scn_diff.h): the rows of
 * analysis/diff.h computed from two finished scenarios. */
#include "scn_diff.h"

#include <stdint.h>
#include <string.h>

#include "params.h"

/* The change of parameter i on `day` in s (changes are sorted by day), or
 * NULL.  Two policies never set one parameter on the same day. */
static const scn_change *change_on(const scn_scenario *s, int i, int64_t day)
{
    for (int k = 0; k < s->nchanges; k++) {
        const scn_change *c = &s->changes[k];
        if (c->day > day)
            break;
        if (c->day == day && c->param == i)
            return c;
    }
    return NULL;
}

/* The next day after `after` on which s changes parameter i, or INT64_MAX. */
static int64_t next_change(const scn_scenario *s, int i, int64_t after)
{
    for (int k = 0; k < s->nchanges; k++) {
        const scn_change *c = &s->changes[k];
        if (c->param == i && c->day > after)
            return c->day;
    }
    return INT64_MAX;
}

static sim_status emit(ana_diff *d, int i, int64_t day, double va, double vb, const char *pa,
                       const char *pb, sim_error *err)
{
    const sim_param_desc *p = &sim_param_table[i];
    char a[48], b[48];
    sim_param_format_value(i, va, a, sizeof a);
    sim_param_format_value(i, vb, b, sizeof b);
    ana_diff_row r = {
        (char *)p->key,    day,        a,         b, (char *)p->unit, (char *)p->doc_en,
        (char *)p->doc_zh, (char *)pa, (char *)pb};
    return ana_diff_add(d, &r, err);
}

sim_status scn_diff_compute(const scn_scenario *a, const scn_scenario *b, const char *skip,
                            ana_diff *d, sim_error *err)
{
    memset(d, 0, sizeof *d);
    for (int i = 0; i < sim_param_count; i++) {
        if (skip && strcmp(sim_param_table[i].key, skip) == 0)
            continue;
        double va = sim_param_get(&a->params, i), vb = sim_param_get(&b->params, i);
        int differ = va != vb;
        if (differ) {
            sim_status s = emit(d, i, -1, va, vb, "", "", err);
            if (s != SIM_OK) {
                ana_diff_free(d);
                return s;
            }
        }
        int64_t day = -1;
        for (;;) {
            int64_t na = next_change(a, i, day), nb = next_change(b, i, day);
            day = na < nb ? na : nb;
            if (day == INT64_MAX)
                break;
            const scn_change *ca = change_on(a, i, day), *cb = change_on(b, i, day);
            double pa = va, pb = vb;
            if (ca)
                va = ca->value;
            if (cb)
                vb = cb->value;
            int now = va != vb;
            if ((now && (va != pa || vb != pb)) || (!now && differ)) {
                sim_status s =
                    emit(d, i, day, va, vb, ca ? ca->policy : "", cb ? cb->policy : "", err);
                if (s != SIM_OK) {
                    ana_diff_free(d);
                    return s;
                }
            }
            differ = now;
        }
    }
    return SIM_OK;
}
