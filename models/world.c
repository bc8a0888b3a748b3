/* models/world.c — building the city (see world.h).
 *
 * Everything random here draws from streams keyed by (seed, SIM_RNG_WORLD,
 * entity, slot): slot 0 for a compound's own attributes, slot 1 for its
 * households, slot 2 for a sub-district's residents' committees, slot 3
 * for a compound's household mix (its own shares of vacant, rented and
 * elderly homes around its type's means, models/compound.h).  So the
 * city depends on the seed and the [city] parameters only, never on the
 * thread count.
 */
#include "world.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "compound.h"
#include "rng.h"

/* Shanghai's 16 districts (docs/ODD.md, "The city over 16 districts"):
 * sub-districts = jiedao + towns (+ xiang), about 2020; population in
 * thousands, 2020 census; central = the seven districts of the old city.
 * The counts sum to 216 (108 + 106 + 2, early 2025) with one jiedao our
 * reading of the ~2020 figures misses given to Songjiang. */
static const struct {
    const char *name;
    int32_t subdistricts;
    double population;
    int central;
} shanghai[] = {
    {"Huangpu 黄浦", 10, 662, 1},    {"Xuhui 徐汇", 13, 1113, 1},   {"Changning 长宁", 10, 693, 1},
    {"Jing'an 静安", 14, 976, 1},    {"Putuo 普陀", 10, 1239, 1},   {"Hongkou 虹口", 8, 757, 1},
    {"Yangpu 杨浦", 12, 1242, 1},    {"Minhang 闵行", 13, 2653, 0}, {"Baoshan 宝山", 12, 2235, 0},
    {"Jiading 嘉定", 10, 1834, 0},   {"Pudong 浦东", 36, 5682, 0},  {"Jinshan 金山", 10, 823, 0},
    {"Songjiang 松江", 18, 1910, 0}, {"Qingpu 青浦", 11, 1271, 0},  {"Fengxian 奉贤", 11, 1141, 0},
    {"Chongming 崇明", 18, 637, 0},
};
enum { NSHANGHAI = (int)(sizeof shanghai / sizeof shanghai[0]) };

const char *sim_world_district_name(const sim_world *w, int32_t d)
{
    if (w->ndist == NSHANGHAI && d >= 0 && d < NSHANGHAI)
        return shanghai[d].name;
    return "district";
}

void sim_world_split(int64_t n, int32_t k, const double *weight, int64_t *out)
{
    double total = 0.0;
    for (int32_t i = 0; i < k; i++)
        total += weight[i] > 0.0 ? weight[i] : 0.0;
    const int64_t rest = n - k;
    int64_t given = 0;
    for (int32_t i = 0; i < k; i++) {
        double share = total > 0.0 ? (weight[i] > 0.0 ? weight[i] : 0.0) / total : 1.0 / k;
        out[i] = (int64_t)floor(share * (double)rest);
        given += out[i];
    }
    /* the remainder, one each, to the largest fractional parts */
    while (given < rest) {
        int32_t best = 0;
        double bestf = -1.0;
        for (int32_t i = 0; i < k; i++) {
            double share = total > 0.0 ? (weight[i] > 0.0 ? weight[i] : 0.0) / total : 1.0 / k;
            double f = share * (double)rest - (double)out[i];
            if (f > bestf) {
                bestf = f;
                best = i;
            }
        }
        out[best]++;
        given++;
    }
    for (int32_t i = 0; i < k; i++)
        out[i] += 1;
}

/* The districts: dist_sub0, sub_dist and sub_comp0, and each district's
 * probability that a compound is old (old_p[ndist]). */
static int lay_out(sim_world *w, const sim_params *p, double *old_p)
{
    const int32_t nd = w->ndist, nsub = w->nsub, ncomp = w->ncomp;
    double ws[NSHANGHAI] = {0}, wc[NSHANGHAI] = {0};
    int64_t subs[NSHANGHAI] = {0}, comps[NSHANGHAI] = {0};
    if (nd == 1) {
        subs[0] = nsub;
        comps[0] = ncomp;
        old_p[0] = p->city_old_share;
    } else {
        double norm = 0.0, pop = 0.0;
        for (int32_t d = 0; d < nd; d++) {
            ws[d] = shanghai[d].subdistricts - 1; /* exact for the table's total */
            wc[d] = shanghai[d].population;
            pop += wc[d];
        }
        sim_world_split(nsub, nd, ws, subs);
        /* compounds: at least one per sub-district, the rest by population */
        int64_t extra[NSHANGHAI];
        sim_world_split(ncomp - nsub + nd, nd, wc, extra);
        for (int32_t d = 0; d < nd; d++) {
            comps[d] = subs[d] + extra[d] - 1;
            norm += (shanghai[d].central ? p->city_old_central_ratio : 1.0) * wc[d] / pop;
        }
        for (int32_t d = 0; d < nd; d++) {
            double x =
                p->city_old_share * (shanghai[d].central ? p->city_old_central_ratio : 1.0) / norm;
            old_p[d] = x > 1.0 ? 1.0 : x;
        }
    }
    int32_t s = 0, c = 0;
    for (int32_t d = 0; d < nd; d++) {
        w->dist_sub0[d] = s;
        /* the district's compounds as evenly as possible over its sub-districts */
        for (int64_t k = 0; k < subs[d]; k++, s++) {
            w->sub_dist[s] = d;
            w->sub_comp0[s] = c + (int32_t)((comps[d] * k) / subs[d]);
        }
        c += (int32_t)comps[d];
    }
    w->dist_sub0[nd] = nsub;
    w->sub_comp0[nsub] = ncomp;
    return s == nsub && c == ncomp;
}

void sim_world_destroy(sim_world *w)
{
    if (!w)
        return;
    free(w->dist_sub0);
    free(w->sub_dist);
    free(w->sub_comp0);
    free(w->rc_comp0);
    free(w->rc_sub);
    free(w->comp_sub);
    free(w->comp_rc);
    free(w->comp_firm);
    free(w->comp_old);
    free(w->comp_type);
    free(w->comp_elderly);
    free(w->comp_hh0);
    free(w->hh_flags);
    free(w->hh_area);
    free(w);
}

/* Households of compound c: log-normal with the mean of its kind, clipped. */
static int32_t draw_households(const sim_params *p, int old, gsl_rng *r)
{
    double mean = old ? p->city_hh_old_mean : p->city_hh_mean;
    double s = p->city_hh_sigma;
    double mu = log(mean) - 0.5 * s * s;
    double x = s > 0 ? gsl_ran_lognormal(r, mu, s) : mean;
    double n = floor(x + 0.5);
    if (n < (double)p->city_hh_min)
        n = (double)p->city_hh_min;
    if (n > (double)p->city_hh_max)
        n = (double)p->city_hh_max;
    return (int32_t)n;
}

sim_status sim_world_create(sim_world **out, const sim_params *p, uint64_t seed, sim_error *err)
{
    *out = NULL;
    if (p->city_compounds < 1 || p->city_subdistricts < 1)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "city.compounds",
                        "an empty city: at least one compound and one sub-district are needed");
    if (p->city_subdistricts > p->city_compounds)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "city.subdistricts",
                        "%lld sub-districts for %lld compounds: each sub-district needs a compound",
                        (long long)p->city_subdistricts, (long long)p->city_compounds);
    if (p->city_compounds > INT32_MAX / 2)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "city.compounds", "too many compounds");
    if (p->city_shanghai_districts && p->city_subdistricts < NSHANGHAI)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, "city.shanghai_districts",
                        "Shanghai's %d districts need at least %d sub-districts, not %lld",
                        NSHANGHAI, NSHANGHAI, (long long)p->city_subdistricts);

    sim_world *w = calloc(1, sizeof *w);
    if (!w)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory building the city");
    int32_t nsub = (int32_t)p->city_subdistricts, ncomp = (int32_t)p->city_compounds;
    w->ndist = p->city_shanghai_districts ? NSHANGHAI : 1;
    w->nsub = nsub;
    w->ncomp = ncomp;
    w->dist_sub0 = malloc(sizeof(int32_t) * (size_t)(w->ndist + 1));
    w->sub_dist = malloc(sizeof(int32_t) * (size_t)nsub);
    w->nfirm = (int32_t)p->city_firms;
    w->sub_comp0 = malloc(sizeof(int32_t) * (size_t)(nsub + 1));
    w->comp_sub = malloc(sizeof(int32_t) * (size_t)ncomp);
    w->comp_rc = malloc(sizeof(int32_t) * (size_t)ncomp);
    w->comp_firm = malloc(sizeof(int32_t) * (size_t)ncomp);
    w->comp_old = malloc((size_t)ncomp);
    w->comp_type = malloc((size_t)ncomp);
    w->comp_elderly = malloc(sizeof(int32_t) * (size_t)ncomp);
    w->comp_hh0 = malloc(sizeof(int64_t) * (size_t)(ncomp + 1));
    /* at most one RC per compound */
    w->rc_comp0 = malloc(sizeof(int32_t) * (size_t)(ncomp + 1));
    w->rc_sub = malloc(sizeof(int32_t) * (size_t)ncomp);
    if (!w->dist_sub0 || !w->sub_dist || !w->sub_comp0 || !w->comp_sub || !w->comp_rc ||
        !w->comp_firm || !w->comp_old || !w->comp_type || !w->comp_elderly || !w->comp_hh0 ||
        !w->rc_comp0 || !w->rc_sub)
        goto nomem;

    /* districts and sub-districts: compounds split over the districts, then
     * as evenly as possible over each district's sub-districts, in order */
    double old_p[NSHANGHAI];
    if (!lay_out(w, p, old_p)) {
        sim_world_destroy(w);
        return SIM_FAIL(err, SIM_EINTERNAL, NULL, 0, NULL, "the districts' layout does not add up");
    }
    for (int32_t s = 0; s < nsub; s++)
        for (int32_t c = w->sub_comp0[s]; c < w->sub_comp0[s + 1]; c++)
            w->comp_sub[c] = s;

    /* compounds: old or not, size, firm */
    int32_t *hh = malloc(sizeof(int32_t) * (size_t)ncomp);
    if (!hh)
        goto nomem;
#pragma omp parallel for schedule(static)
    for (int32_t c = 0; c < ncomp; c++) {
        sim_rng sr;
        gsl_rng *r = sim_rng_open(&sr, seed, SIM_RNG_WORLD, (uint32_t)c, 0);
        int old = gsl_rng_uniform(r) < old_p[w->sub_dist[w->comp_sub[c]]];
        w->comp_old[c] = (uint8_t)old;
        hh[c] = draw_households(p, old, r);
        w->comp_firm[c] = (int32_t)sim_stream_below(&sr.st, (uint32_t)w->nfirm);
    }
    w->comp_hh0[0] = 0;
    for (int32_t c = 0; c < ncomp; c++)
        w->comp_hh0[c + 1] = w->comp_hh0[c] + hh[c];
    free(hh);
    w->nhh = w->comp_hh0[ncomp];

    /* residents' committees: consecutive compounds of one sub-district,
     * 1 to 3 each, with the mean city.rc_compounds */
    int32_t nrc = 0;
    double mean = p->city_rc_compounds;
    int base = mean >= 2.0 ? 2 : 1;
    double extra = mean - base; /* probability of one more compound */
    for (int32_t s = 0; s < nsub; s++) {
        sim_stream st;
        sim_stream_open(&st, seed, SIM_RNG_WORLD, (uint32_t)s, 2);
        int32_t c = w->sub_comp0[s], end = w->sub_comp0[s + 1];
        while (c < end) {
            int size = base + (sim_stream_uniform(&st) < extra ? 1 : 0);
            if (size > 3)
                size = 3;
            if (c + size > end)
                size = end - c;
            w->rc_comp0[nrc] = c;
            w->rc_sub[nrc] = s;
            for (int k = 0; k < size; k++)
                w->comp_rc[c + k] = nrc;
            nrc++;
            c += size;
        }
    }
    w->rc_comp0[nrc] = ncomp;
    w->nrc = nrc;

    /* households: vacant (absent owner) or occupied, owner-occupied or
     * rented, elderly member; floor area.  Shares from the compound's own
     * mix around its type's means. */
    w->hh_flags = malloc((size_t)(w->nhh ? w->nhh : 1));
    w->hh_area = malloc(sizeof(uint16_t) * (size_t)(w->nhh ? w->nhh : 1));
    if (!w->hh_flags || !w->hh_area)
        goto nomem;
#pragma omp parallel for schedule(dynamic, 16)
    for (int32_t c = 0; c < ncomp; c++) {
        int old = w->comp_old[c];
        int type = cmp_type(p, seed, c, old);
        sim_rng sr;
        cmp_mix_t mix =
            cmp_mix_draw(p, type, sim_rng_open(&sr, seed, SIM_RNG_WORLD, (uint32_t)c, 3));
        sim_stream st;
        sim_stream_open(&st, seed, SIM_RNG_WORLD, (uint32_t)c, 1);
        double amin = old ? 35.0 : 60.0, aspan = old ? 40.0 : 90.0;
        int32_t elderly = 0;
        for (int64_t h = w->comp_hh0[c]; h < w->comp_hh0[c + 1]; h++) {
            uint8_t f = 0;
            const int absent = sim_stream_uniform(&st) < mix.vacant;
            if (absent)
                f |= SIM_HH_ABSENT | SIM_HH_OWNER;
            else if (!(sim_stream_uniform(&st) < mix.tenant))
                f |= SIM_HH_OWNER;
            if (sim_stream_uniform(&st) < mix.elderly)
                f |= SIM_HH_ELDERLY;
            elderly += !absent && (f & SIM_HH_ELDERLY);
            w->hh_flags[h] = f;
            w->hh_area[h] = (uint16_t)(amin + aspan * sim_stream_uniform(&st));
        }
        w->comp_type[c] = (uint8_t)type;
        w->comp_elderly[c] = elderly;
    }
    *out = w;
    return SIM_OK;

nomem:
    sim_world_destroy(w);
    return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory building the city");
}
