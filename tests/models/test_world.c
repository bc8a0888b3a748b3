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

#include "params.h"
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
    p.city_absent_share = 1.0;
    w = build(&p, 9);
    assert_int_equal(w->nhh, 6 * 20);
    for (int64_t h = 0; h < w->nhh; h++) {
        assert_int_equal(w->hh_flags[h], SIM_HH_ELDERLY | SIM_HH_ABSENT);
        assert_true(w->hh_area[h] >= 35 && w->hh_area[h] < 75);
    }
    sim_world_destroy(w);
}

static void assert_same_world(const sim_world *a, const sim_world *b)
{
    assert_int_equal(a->ncomp, b->ncomp);
    assert_int_equal(a->nrc, b->nrc);
    assert_int_equal(a->nhh, b->nhh);
    size_t nc = (size_t)a->ncomp;
    assert_memory_equal(a->comp_hh0, b->comp_hh0, (nc + 1) * sizeof *a->comp_hh0);
    assert_memory_equal(a->comp_old, b->comp_old, nc);
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
    assert_true(memcmp(a->comp_hh0, c->comp_hh0, (size_t)(a->ncomp + 1) * sizeof *a->comp_hh0) != 0);
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
        cmocka_unit_test(test_seed_and_threads),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests_name("world", tests, NULL, NULL);
}
