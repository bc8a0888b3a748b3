/* models/assembly.c — see assembly.h. */
#include "assembly.h"

#include <math.h>
#include <string.h>

#include "world.h"

int asm_quorate(const asm_count *v)
{
    return 3 * v->voters >= 2 * v->owners && 3 * v->voter_area >= 2 * v->area && v->voters > 0;
}

int asm_approved(const asm_count *v, int kind)
{
    if (v->voters <= 0)
        return 0;
    if (kind == ASM_MAJOR)
        return 4 * v->yes >= 3 * v->voters && 4 * v->yes_area >= 3 * v->voter_area;
    return 2 * v->yes > v->voters && 2 * v->yes_area > v->voter_area;
}

asm_outcome asm_decide(const asm_count *v, int kind)
{
    if (!asm_quorate(v))
        return ASM_NOT_QUORATE;
    return asm_approved(v, kind) ? ASM_PASSED : ASM_REJECTED;
}

int asm_home_type(uint8_t flags)
{
    if (flags & SIM_HH_ABSENT) /* vacant: ELDERLY is the owner's age */
        return (flags & SIM_HH_ELDERLY) ? ASM_AWAY_ELDERLY : ASM_AWAY;
    if (!(flags & SIM_HH_OWNER)) /* rented: ELDERLY is the tenant's */
        return ASM_AWAY;
    return (flags & SIM_HH_ELDERLY) ? ASM_ELDERLY : ASM_RESIDENT;
}

double asm_take_part(const asm_turnout *t, int type)
{
    double p = t->p[type];
    if (p <= 0.0)
        p = 0.0;
    else if (p >= 1.0)
        p = 1.0;
    else if (t->shock != 0.0)
        p = 1.0 / (1.0 + exp(-(log(p / (1.0 - p)) + t->shock)));
    double m = t->mobilisation < 0.0 ? 0.0 : (t->mobilisation > 1.0 ? 1.0 : t->mobilisation);
    return p + (1.0 - p) * m;
}

void asm_hold(asm_count *v, const uint8_t *flags, const uint16_t *area, int64_t h0, int64_t h1,
              const asm_turnout *t, const uint8_t *mark, uint8_t mask, double p_yes_marked,
              double p_yes, sim_stream *st)
{
    double take[ASM_NTYPES];
    for (int k = 0; k < ASM_NTYPES; k++)
        take[k] = asm_take_part(t, k);
    memset(v, 0, sizeof *v);
    for (int64_t h = h0; h < h1; h++) {
        int64_t a = area[h];
        v->owners++;
        v->area += a;
        if (!(sim_stream_uniform(st) < take[asm_home_type(flags[h])]))
            continue;
        v->voters++;
        v->voter_area += a;
        double py = (mark && (mark[h] & mask)) ? p_yes_marked : p_yes;
        if (sim_stream_uniform(st) < py) {
            v->yes++;
            v->yes_area += a;
        }
    }
}
