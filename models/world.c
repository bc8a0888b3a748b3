/* models/world.c — building the city (see world.h).
 *
 * Everything random here draws from streams keyed by (seed, SIM_RNG_WORLD,
 * entity, slot): slot 0 for a compound's own attributes, slot 1 for its
 * households, slot 2 for a sub-district's residents' committees.  So the
 * city depends on the seed and the [city] parameters only, never on the
 * thread count.
 */
#include "world.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "rng.h"

void sim_world_destroy(sim_world *w)
{
    if (!w)
        return;
    free(w->sub_comp0);
    free(w->rc_comp0);
    free(w->rc_sub);
    free(w->comp_sub);
    free(w->comp_rc);
    free(w->comp_firm);
    free(w->comp_old);
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

sim_status sim_world_create(sim_world **out, const sim_params *p, uint64_t seed,
                            sim_error *err)
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

    sim_world *w = calloc(1, sizeof *w);
    if (!w)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory building the city");
    int32_t nsub = (int32_t)p->city_subdistricts, ncomp = (int32_t)p->city_compounds;
    w->nsub = nsub;
    w->ncomp = ncomp;
    w->nfirm = (int32_t)p->city_firms;
    w->sub_comp0 = malloc(sizeof(int32_t) * (size_t)(nsub + 1));
    w->comp_sub = malloc(sizeof(int32_t) * (size_t)ncomp);
    w->comp_rc = malloc(sizeof(int32_t) * (size_t)ncomp);
    w->comp_firm = malloc(sizeof(int32_t) * (size_t)ncomp);
    w->comp_old = malloc((size_t)ncomp);
    w->comp_hh0 = malloc(sizeof(int64_t) * (size_t)(ncomp + 1));
    /* at most one RC per compound */
    w->rc_comp0 = malloc(sizeof(int32_t) * (size_t)(ncomp + 1));
    w->rc_sub = malloc(sizeof(int32_t) * (size_t)ncomp);
    if (!w->sub_comp0 || !w->comp_sub || !w->comp_rc || !w->comp_firm || !w->comp_old ||
        !w->comp_hh0 || !w->rc_comp0 || !w->rc_sub)
        goto nomem;

    /* sub-districts: compounds split as evenly as possible, in order */
    for (int32_t s = 0; s <= nsub; s++)
        w->sub_comp0[s] = (int32_t)(((int64_t)ncomp * s) / nsub);
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
        int old = gsl_rng_uniform(r) < p->city_old_share;
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

    /* households: owner or tenant, elderly member, absent; floor area */
    w->hh_flags = malloc((size_t)(w->nhh ? w->nhh : 1));
    w->hh_area = malloc(sizeof(uint16_t) * (size_t)(w->nhh ? w->nhh : 1));
    if (!w->hh_flags || !w->hh_area)
        goto nomem;
#pragma omp parallel for schedule(dynamic, 16)
    for (int32_t c = 0; c < ncomp; c++) {
        sim_stream st;
        sim_stream_open(&st, seed, SIM_RNG_WORLD, (uint32_t)c, 1);
        int old = w->comp_old[c];
        double eld = old ? p->city_elderly_share_old : p->city_elderly_share;
        double amin = old ? 35.0 : 60.0, aspan = old ? 40.0 : 90.0;
        for (int64_t h = w->comp_hh0[c]; h < w->comp_hh0[c + 1]; h++) {
            uint8_t f = 0;
            if (sim_stream_uniform(&st) < p->city_owner_share)
                f |= SIM_HH_OWNER;
            if (sim_stream_uniform(&st) < eld)
                f |= SIM_HH_ELDERLY;
            if (sim_stream_uniform(&st) < p->city_absent_share)
                f |= SIM_HH_ABSENT;
            w->hh_flags[h] = f;
            w->hh_area[h] = (uint16_t)(amin + aspan * sim_stream_uniform(&st));
        }
    }
    *out = w;
    return SIM_OK;

nomem:
    sim_world_destroy(w);
    return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory building the city");
}
