/* tests/models/test_world.c — building the city (models/world.h): the
 * split of compounds over sub-districts, committees of 1 to 3 compounds,
 * household counts and flags in the degenerate cases whose answer is
 * known, the offset invariants, the same city for the same seed whatever
 * the threads, and the refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <omp.h>
#include <string.h>

#include <math.h>

#include "compound.h"
#include "params.h"
#include "rng.h"
#include "world.h"

static sim_params small_city(int64_t ncomp, int64_t nsub)
{
    sim_params p;
    sim_params_default(&p);
    p.city_compounds = ncomp;
    p.city_subdistricts = nsub;
    return p;
}

static sim_world *build(const sim_params *p, uint64_t seed)
{
    sim_world *w = NULL;
    sim_error err;
    assert_int_equal(sim_world_create(&w, p, seed, &err), SIM_OK);
    assert_non_null(w);
    return w;
}

/* The invariants of world.h, for any parameters. */
static void check_invariants(const sim_world *w)
{
    assert_int_equal(w->sub_comp0[0], 0);
    assert_int_equal(w->sub_comp0[w->nsub], w->ncomp);
    for (int32_t s = 0; s < w->nsub; s++)
        for (int32_t c = w->sub_comp0[s]; c < w->sub_comp0[s + 1]; c++)
            assert_int_equal(w->comp_sub[c], s);
    assert_int_equal(w->rc_comp0[0], 0);
    assert_int_equal(w->rc_comp0[w->nrc], w->ncomp);
    for (int32_t r = 0; r < w->nrc; r++) {
        int32_t size = w->rc_comp0[r + 1] - w->rc_comp0[r];
        assert_true(size >= 1 && size <= 3);
        for (int32_t c = w->rc_comp0[r]; c < w->rc_comp0[r + 1]; c++) {
            assert_int_equal(w->comp_rc[c], r);
            assert_int_equal(w->comp_sub[c], w->rc_sub[r]); /* one sub-district */
        }
    }
    assert_int_equal(w->comp_hh0[0], 0);
    assert_int_equal(w->comp_hh0[w->ncomp], w->nhh);
    for (int32_t c = 0; c < w->ncomp; c++) {
        assert_true(sim_world_comp_hh(w, c) >= 1);
        assert_true(w->comp_firm[c] >= 0 && w->comp_firm[c] < w->nfirm);
    }
}

/* 10 compounds over 4 sub-districts: floor(10 s / 4) = 0, 2, 5, 7, 10. */
static void test_subdistricts(void **state)
{
    (void)state;
    sim_params p = small_city(10, 4);
    sim_world *w = build(&p, 1);
    const int32_t first[] = {0, 2, 5, 7, 10};
    assert_int_equal(w->nsub, 4);
    assert_int_equal(w->ncomp, 10);
    for (int s = 0; s <= 4; s++)
        assert_int_equal(w->sub_comp0[s], first[s]);
    check_invariants(w);
    sim_world_destroy(w);
    sim_world_destroy(NULL);
}

/* rc_compounds 1: one committee per compound; 3: committees of three,
 * the last of a sub-district taking what is left (5 = 3 + 2). */
static void test_committees(void **state)
{
    (void)state;
    sim_params p = small_city(10, 2);
    p.city_rc_compounds = 1.0;
    sim_world *w = build(&p, 3);
    assert_int_equal(w->nrc, 10);
    for (int32_t c = 0; c < 10; c++)
        assert_int_equal(w->comp_rc[c], c);
    check_invariants(w);
    sim_world_destroy(w);

    p.city_rc_compounds = 3.0;
    w = build(&p, 3);
    const int32_t first[] = {0, 3, 5, 8, 10};
    assert_int_equal(w->nrc, 4);
    for (int r = 0; r <= 4; r++)
        assert_int_equal(w->rc_comp0[r], first[r]);
    assert_int_equal(w->rc_sub[1], 0);
    assert_int_equal(w->rc_sub[2], 1);
    check_invariants(w);
    sim_world_destroy(w);
}

/* No spread: every compound has exactly the mean of its kind; shares of 0
 * and 1 give known flags; the floor area is in its kind's range. */
static void test_households(void **state)
{
    (void)state;
    sim_params p = small_city(6, 1);
    p.city_hh_sigma = 0.0;
    p.city_old_share = 0.0;
    p.city_hh_mean = 700;
    p.city_owner_share = 1.0;
    p.city_elderly_share = 0.0;
    p.city_absent_share = 0.0;
    p.city_resettled_share_new = 0.0; /* commodity housing only */
    sim_world *w = build(&p, 9);
    assert_int_equal(w->nhh, 6 * 700);
    for (int32_t c = 0; c < 6; c++) {
        assert_int_equal(w->comp_old[c], 0);
        assert_int_equal(sim_world_comp_hh(w, c), 700);
    }
    for (int64_t h = 0; h < w->nhh; h++) {
        assert_int_equal(w->hh_flags[h], SIM_HH_OWNER);
        assert_true(w->hh_area[h] >= 60 && w->hh_area[h] < 150);
    }
    check_invariants(w);
    sim_world_destroy(w);

    /* all old, mean below the minimum: clipped to hh_min */
    p.city_old_share = 1.0;
    p.city_hh_old_mean = 10;
    p.city_hh_min = 20;
    p.city_owner_share = 0.0;
    p.city_elderly_share_old = 1.0;
    p.city_absent_share_public = 1.0;
    p.city_resettled_share_old = 0.0; /* old public housing only */
    w = build(&p, 9);
    assert_int_equal(w->nhh, 6 * 20);
    for (int32_t c = 0; c < 6; c++) {
        assert_int_equal(w->comp_type[c], CMP_PUBLIC);
        assert_int_equal(w->comp_elderly[c], 0); /* every home vacant */
    }
    for (int64_t h = 0; h < w->nhh; h++) {
        /* vacant homes are their (elderly) owners' */
        assert_int_equal(w->hh_flags[h], SIM_HH_OWNER | SIM_HH_ELDERLY | SIM_HH_ABSENT);
        assert_true(w->hh_area[h] >= 35 && w->hh_area[h] < 75);
    }
    sim_world_destroy(w);
}

/* Compound types' household mixes: without spread every compound has its
 * type's means (shares near them over its homes); with spread the
 * compounds' shares scatter with the Beta variance m (1 - m) / (k + 1);
 * comp_elderly counts the occupied homes with an elderly member. */
static void test_type_mix(void **state)
{
    (void)state;
    sim_params p = small_city(400, 4);
    p.city_hh_sigma = 0.0;
    p.city_hh_mean = p.city_hh_old_mean = 500;
    p.city_old_share = 0.5;
    p.city_mix_concentration = 0.0;
    sim_world *w = build(&p, 11);
    double vac[CMP_NTYPES] = {0}, ten[CMP_NTYPES] = {0}, occ[CMP_NTYPES] = {0},
           eld[CMP_NTYPES] = {0};
    int n[CMP_NTYPES] = {0};
    for (int32_t c = 0; c < w->ncomp; c++) {
        int t = w->comp_type[c];
        assert_int_equal(t, cmp_type(&p, 11, c, w->comp_old[c]));
        n[t]++;
        int32_t e = 0;
        for (int64_t h = w->comp_hh0[c]; h < w->comp_hh0[c + 1]; h++) {
            uint8_t f = w->hh_flags[h];
            if (f & SIM_HH_ABSENT) {
                vac[t]++;
                assert_true(f & SIM_HH_OWNER);
                continue;
            }
            occ[t]++;
            ten[t] += !(f & SIM_HH_OWNER);
            eld[t] += (f & SIM_HH_ELDERLY) != 0;
            e += (f & SIM_HH_ELDERLY) != 0;
        }
        assert_int_equal(w->comp_elderly[c], e);
    }
    for (int t = 0; t < CMP_NTYPES; t++) {
        assert_true(n[t] > 20);
        cmp_mix_t m = cmp_mix_mean(&p, t);
        double homes = vac[t] + occ[t];
        assert_true(fabs(vac[t] / homes - m.vacant) < 0.01);
        assert_true(fabs(ten[t] / occ[t] - m.tenant) < 0.01);
        assert_true(fabs(eld[t] / occ[t] - m.elderly) < 0.01);
    }
    /* old public housing has more tenants and elderly, fewer vacant homes,
     * than commodity housing (the defaults' direction) */
    assert_true(ten[CMP_PUBLIC] / occ[CMP_PUBLIC] > ten[CMP_COMMODITY] / occ[CMP_COMMODITY]);
    assert_true(eld[CMP_PUBLIC] / occ[CMP_PUBLIC] > eld[CMP_COMMODITY] / occ[CMP_COMMODITY]);
    assert_true(vac[CMP_PUBLIC] / (vac[CMP_PUBLIC] + occ[CMP_PUBLIC]) <
                vac[CMP_COMMODITY] / (vac[CMP_COMMODITY] + occ[CMP_COMMODITY]));
    sim_world_destroy(w);

    /* the draw itself: k = 0 gives the mean; k = 20 the Beta moments */
    sim_params_default(&p);
    sim_rng sr;
    gsl_rng *r = sim_rng_open(&sr, 7, SIM_RNG_TEST, 0, 0);
    p.city_mix_concentration = 0.0;
    cmp_mix_t x = cmp_mix_draw(&p, CMP_PUBLIC, r);
    assert_true(x.tenant == p.city_tenant_share_public && x.vacant == p.city_absent_share_public);
    p.city_mix_concentration = 20.0;
    double sum = 0.0, sq = 0.0;
    const int draws = 20000;
    for (int i = 0; i < draws; i++) {
        x = cmp_mix_draw(&p, CMP_PUBLIC, r);
        sum += x.tenant;
        sq += x.tenant * x.tenant;
    }
    const double mean = sum / draws, var = sq / draws - mean * mean, m = p.city_tenant_share_public;
    assert_true(fabs(mean - m) < 0.005);
    assert_true(fabs(var - m * (1.0 - m) / 21.0) < 0.1 * m * (1.0 - m) / 21.0);
}

/* sim_world_split: 10 over weights 1, 1, 2: 1 each, then 7 by weight
 * (1.75, 1.75, 3.5: floors 1, 1, 3, the two remainders to the largest
 * fractions) = 3, 3, 4; zero weights: equal shares. */
static void test_split(void **state)
{
    (void)state;
    const double wt[] = {1.0, 1.0, 2.0}, zero[] = {0.0, 0.0, 0.0};
    int64_t out[3];
    sim_world_split(10, 3, wt, out);
    assert_int_equal(out[0], 3);
    assert_int_equal(out[1], 3);
    assert_int_equal(out[2], 4);
    sim_world_split(3, 3, wt, out); /* one each */
    assert_int_equal(out[0] + out[1] + out[2], 3);
    assert_int_equal(out[2], 1);
    sim_world_split(8, 3, zero, out);
    assert_int_equal(out[0], 3);
    assert_int_equal(out[1], 3);
    assert_int_equal(out[2], 2);
}

/* The Shanghai layout: 216 sub-districts give each district its own count
 * (Pudong 36, Huangpu 10, Hongkou 8); compounds follow population (Pudong
 * has the most); old compounds are concentrated in the 7 central districts
 * (ratio city.old_central_ratio) while the city-wide share stays near
 * city.old_share; without the layout one district. */
static void test_shanghai_districts(void **state)
{
    (void)state;
    sim_params p = small_city(4000, 216);
    p.city_shanghai_districts = 1;
    sim_world *w = build(&p, 5);
    check_invariants(w);
    assert_int_equal(w->ndist, 16);
    assert_int_equal(w->dist_sub0[0], 0);
    assert_int_equal(w->dist_sub0[16], 216);
    assert_int_equal(w->dist_sub0[1] - w->dist_sub0[0], 10);   /* Huangpu */
    assert_int_equal(w->dist_sub0[6] - w->dist_sub0[5], 8);    /* Hongkou */
    assert_int_equal(w->dist_sub0[11] - w->dist_sub0[10], 36); /* Pudong */
    assert_string_equal(sim_world_district_name(w, 10), "Pudong 浦东");
    for (int32_t d = 0; d < 16; d++)
        for (int32_t s = w->dist_sub0[d]; s < w->dist_sub0[d + 1]; s++)
            assert_int_equal(w->sub_dist[s], d);
    int64_t comps[16] = {0}, old[16] = {0};
    for (int32_t c = 0; c < w->ncomp; c++) {
        int32_t d = w->sub_dist[w->comp_sub[c]];
        comps[d]++;
        old[d] += w->comp_old[c];
    }
    for (int32_t d = 0; d < 16; d++)
        assert_true(comps[d] <= comps[10]); /* Pudong has the most */
    int64_t oc = 0, cc = 0, on = 0, cn = 0;
    for (int32_t d = 0; d < 16; d++) {
        if (d < 7) {
            oc += old[d];
            cc += comps[d];
        } else {
            on += old[d];
            cn += comps[d];
        }
    }
    const double central = (double)oc / cc, other = (double)on / cn;
    assert_true(fabs(central / other - p.city_old_central_ratio) < 0.4);
    assert_true(fabs((double)(oc + on) / w->ncomp - p.city_old_share) < 0.03);
    sim_world_destroy(w);

    p.city_shanghai_districts = 0;
    w = build(&p, 5);
    assert_int_equal(w->ndist, 1);
    assert_string_equal(sim_world_district_name(w, 0), "district");
    for (int32_t s = 0; s < w->nsub; s++)
        assert_int_equal(w->sub_dist[s], 0);
    sim_world_destroy(w);

    /* too few sub-districts for 16 districts */
    p = small_city(100, 10);
    p.city_shanghai_districts = 1;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_world_create(&w, &p, 1, &err), SIM_EINPUT);
    assert_null(w);
    assert_string_equal(err.key, "city.shanghai_districts");
}

static void assert_same_world(const sim_world *a, const sim_world *b)
{
    assert_int_equal(a->ncomp, b->ncomp);
    assert_int_equal(a->nrc, b->nrc);
    assert_int_equal(a->nhh, b->nhh);
    size_t nc = (size_t)a->ncomp;
    assert_memory_equal(a->comp_hh0, b->comp_hh0, (nc + 1) * sizeof *a->comp_hh0);
    assert_memory_equal(a->comp_old, b->comp_old, nc);
    assert_memory_equal(a->comp_type, b->comp_type, nc);
    assert_memory_equal(a->comp_elderly, b->comp_elderly, nc * sizeof *a->comp_elderly);
    assert_memory_equal(a->comp_firm, b->comp_firm, nc * sizeof *a->comp_firm);
    assert_memory_equal(a->comp_rc, b->comp_rc, nc * sizeof *a->comp_rc);
    assert_memory_equal(a->hh_flags, b->hh_flags, (size_t)a->nhh);
    assert_memory_equal(a->hh_area, b->hh_area, (size_t)a->nhh * sizeof *a->hh_area);
}

/* The city depends on the seed and [city] only: not on the threads. */
static void test_seed_and_threads(void **state)
{
    (void)state;
    sim_params p = small_city(200, 5);
    int before = omp_get_max_threads();
    omp_set_num_threads(1);
    sim_world *a = build(&p, 42);
    omp_set_num_threads(3);
    sim_world *b = build(&p, 42);
    omp_set_num_threads(before);
    assert_same_world(a, b);
    check_invariants(a);
    sim_world *c = build(&p, 43);
    assert_true(memcmp(a->comp_hh0, c->comp_hh0, (size_t)(a->ncomp + 1) * sizeof *a->comp_hh0) !=
                0);
    sim_world_destroy(a);
    sim_world_destroy(b);
    sim_world_destroy(c);
}

static void test_refusals(void **state)
{
    (void)state;
    sim_params p = small_city(3, 4);
    sim_world *w = (sim_world *)&p; /* must be reset */
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_world_create(&w, &p, 1, &err), SIM_EINPUT);
    assert_null(w);
    assert_string_equal(err.key, "city.subdistricts");
    assert_string_equal(err.msg,
                        "4 sub-districts for 3 compounds: each sub-district needs a compound");
    p = small_city(0, 1);
    assert_int_equal(sim_world_create(&w, &p, 1, &err), SIM_EINPUT);
    assert_string_equal(err.key, "city.compounds");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subdistricts),
        cmocka_unit_test(test_committees),
        cmocka_unit_test(test_households),
        cmocka_unit_test(test_type_mix),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_shanghai_districts),
        cmocka_unit_test(test_seed_and_threads),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests_name("world", tests, NULL, NULL);
}
