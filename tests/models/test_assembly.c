/* tests/models/test_assembly.c — owners' assemblies (models/assembly.c): the rule of
 * Civil Code art. 278 exactly at its thresholds, and the participation loop
 * against its expected values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "assembly.h"
#include "rng.h"
#include "world.h"

/* A count with equal areas: n homes of area a, k voters, y yes. */
static asm_count equal(int64_t n, int64_t k, int64_t y, int64_t a)
{
    asm_count v = {n, n * a, k, k * a, y, y * a};
    return v;
}

/* Quorum: >= 2/3 of headcount AND area ("以上" includes the bound). */
static void test_quorum_headcount(void **state)
{
    (void)state;
    assert_true(asm_quorate(&(asm_count){9, 900, 6, 600, 0, 0}));  /* 6 of 9: exactly 2/3 */
    assert_false(asm_quorate(&(asm_count){9, 900, 5, 500, 0, 0})); /* 5 of 9 */
    assert_true(asm_quorate(&(asm_count){3, 300, 2, 200, 0, 0}));
    assert_false(asm_quorate(&(asm_count){10, 1000, 6, 600, 0, 0})); /* 60% */
    assert_true(asm_quorate(&(asm_count){10, 1000, 7, 700, 0, 0}));
    /* large, exactly at the bound and one below */
    assert_true(asm_quorate(&(asm_count){3000, 300000, 2000, 200000, 0, 0}));
    assert_false(asm_quorate(&(asm_count){3000, 300000, 1999, 200000, 0, 0}));
    assert_false(asm_quorate(&(asm_count){3000, 300000, 2000, 199999, 0, 0}));
    /* nobody: never quorate, even with no homes */
    assert_false(asm_quorate(&(asm_count){0, 0, 0, 0, 0, 0}));
}

/* Area and headcount are both needed: a majority of heads with too little
 * area (small flats) fails, and the other way round. */
static void test_quorum_area_and_heads(void **state)
{
    (void)state;
    /* 9 homes, 3 of 200 m2, 6 of 50 m2: total 900 m2 */
    asm_count small_flats = {9, 900, 6, 300, 0, 0}; /* 6/9 heads, 300/900 area */
    assert_false(asm_quorate(&small_flats));
    asm_count big_flats = {9, 900, 3, 600, 0, 0}; /* 600/900 area, 3/9 heads */
    assert_false(asm_quorate(&big_flats));
    asm_count both = {9, 900, 6, 600, 0, 0};
    assert_true(asm_quorate(&both));
    asm_count area_short = {9, 901, 6, 600, 0, 0}; /* 600/901 < 2/3 */
    assert_false(asm_quorate(&area_short));
}

/* Ordinary: strictly more than half of participating heads AND area. */
static void test_ordinary_majority(void **state)
{
    (void)state;
    asm_count v = equal(9, 6, 3, 100); /* 3 of 6: exactly half, not more */
    assert_false(asm_approved(&v, ASM_ORDINARY));
    v = equal(9, 6, 4, 100);
    assert_true(asm_approved(&v, ASM_ORDINARY));
    v = equal(12, 9, 5, 80); /* 5 of 9 */
    assert_true(asm_approved(&v, ASM_ORDINARY));
    /* heads yes, area exactly half: fails */
    asm_count w = {12, 1200, 8, 800, 5, 400};
    assert_false(asm_approved(&w, ASM_ORDINARY));
    w.yes_area = 401;
    assert_true(asm_approved(&w, ASM_ORDINARY));
    /* area yes, heads exactly half: fails */
    asm_count z = {12, 1200, 8, 800, 4, 700};
    assert_false(asm_approved(&z, ASM_ORDINARY));
}

/* Major: at least three quarters of participating heads AND area. */
static void test_major_majority(void **state)
{
    (void)state;
    asm_count v = equal(10, 8, 6, 100); /* 6 of 8 = 3/4 exactly */
    assert_true(asm_approved(&v, ASM_MAJOR));
    v = equal(10, 8, 5, 100);
    assert_false(asm_approved(&v, ASM_MAJOR));
    v = equal(9, 9, 6, 90); /* 2/3 < 3/4 */
    assert_false(asm_approved(&v, ASM_MAJOR));
    v = equal(9, 9, 7, 90); /* 7/9 > 3/4 */
    assert_true(asm_approved(&v, ASM_MAJOR));
    asm_count w = {100, 10000, 80, 8000, 60, 5999}; /* heads 3/4, area just under */
    assert_false(asm_approved(&w, ASM_MAJOR));
    w.yes_area = 6000;
    assert_true(asm_approved(&w, ASM_MAJOR));
    /* what passes as ordinary may fail as major */
    v = equal(10, 8, 5, 100);
    assert_true(asm_approved(&v, ASM_ORDINARY));
    assert_false(asm_approved(&v, ASM_MAJOR));
}

/* The outcome combines quorum and majority. */
static void test_decide(void **state)
{
    (void)state;
    asm_count v = equal(9, 5, 5, 100); /* unanimous but not quorate */
    assert_int_equal(asm_decide(&v, ASM_ORDINARY), ASM_NOT_QUORATE);
    v = equal(9, 6, 3, 100);
    assert_int_equal(asm_decide(&v, ASM_ORDINARY), ASM_REJECTED);
    v = equal(9, 6, 4, 100);
    assert_int_equal(asm_decide(&v, ASM_ORDINARY), ASM_PASSED);
    assert_int_equal(asm_decide(&v, ASM_MAJOR), ASM_REJECTED);
    v = equal(9, 8, 6, 100);
    assert_int_equal(asm_decide(&v, ASM_MAJOR), ASM_PASSED);
}

static void test_home_type(void **state)
{
    (void)state;
    assert_int_equal(asm_home_type(SIM_HH_OWNER), ASM_RESIDENT);
    assert_int_equal(asm_home_type(SIM_HH_OWNER | SIM_HH_ELDERLY), ASM_ELDERLY);
    assert_int_equal(asm_home_type(SIM_HH_OWNER | SIM_HH_ABSENT), ASM_AWAY);
    assert_int_equal(asm_home_type(0), ASM_AWAY); /* rented: the owner lives elsewhere */
    assert_int_equal(asm_home_type(SIM_HH_ELDERLY), ASM_AWAY); /* an elderly tenant */
    /* vacant, elderly owner living elsewhere */
    assert_int_equal(asm_home_type(SIM_HH_OWNER | SIM_HH_ABSENT | SIM_HH_ELDERLY),
                     ASM_AWAY_ELDERLY);
}

/* Participation: bounds, shock direction, mobilisation formula. */
static void test_take_part(void **state)
{
    (void)state;
    asm_turnout t = {{0.6, 0.8, 0.2, 0.2}, 0.0, 0.0};
    assert_true(fabs(asm_take_part(&t, ASM_RESIDENT) - 0.6) < 1e-15);
    t.mobilisation = 0.25;
    assert_true(fabs(asm_take_part(&t, ASM_AWAY) - (0.2 + 0.8 * 0.25)) < 1e-15);
    t.mobilisation = 0.0;
    t.shock = 0.5;
    assert_true(asm_take_part(&t, ASM_RESIDENT) > 0.6);
    t.shock = -0.5;
    assert_true(asm_take_part(&t, ASM_RESIDENT) < 0.6);
    /* a shock of +x then -x on the logit scale is symmetric around 0.5 */
    asm_turnout h = {{0.5, 0.5, 0.5, 0.5}, 1.234, 0.0};
    double up = asm_take_part(&h, ASM_RESIDENT);
    h.shock = -1.234;
    assert_true(fabs(up + asm_take_part(&h, ASM_RESIDENT) - 1.0) < 1e-12);
    /* certain and impossible stay so whatever the shock */
    asm_turnout e = {{1.0, 0.0, 0.3, 0.3}, 3.0, 0.0};
    assert_true(asm_take_part(&e, ASM_RESIDENT) == 1.0);
    assert_true(asm_take_part(&e, ASM_ELDERLY) == 0.0);
    e.mobilisation = 1.0;
    assert_true(asm_take_part(&e, ASM_ELDERLY) == 1.0);
}

/* The loop: totals, certain participation, marked votes, and the turnout
 * frequency against its expectation over many homes. */
static void test_hold(void **state)
{
    (void)state;
    enum { N = 20000 };
    static uint8_t flags[N], mark[N];
    static uint16_t area[N];
    int64_t total_area = 0, away = 0;
    for (int h = 0; h < N; h++) {
        flags[h] = (h % 4 == 0)   ? SIM_HH_ABSENT | SIM_HH_OWNER
                   : (h % 4 == 1) ? SIM_HH_OWNER | SIM_HH_ELDERLY
                                  : SIM_HH_OWNER;
        away += h % 4 == 0;
        area[h] = (uint16_t)(40 + h % 97);
        total_area += area[h];
        mark[h] = (uint8_t)(h % 2);
    }
    sim_stream st;
    asm_count v;

    /* everybody takes part and votes yes */
    asm_turnout all = {{1.0, 1.0, 1.0, 1.0}, 0.0, 0.0};
    sim_stream_open(&st, 42, SIM_RNG_TEST, 1, 0);
    asm_hold(&v, flags, area, 0, N, &all, NULL, 0, 0.0, 1.0, &st);
    assert_int_equal(v.owners, N);
    assert_int_equal(v.area, total_area);
    assert_int_equal(v.voters, N);
    assert_int_equal(v.voter_area, total_area);
    assert_int_equal(v.yes, N);
    assert_int_equal(asm_decide(&v, ASM_MAJOR), ASM_PASSED);

    /* only marked homes vote yes: exactly the odd ones */
    sim_stream_open(&st, 42, SIM_RNG_TEST, 2, 0);
    asm_hold(&v, flags, area, 0, N, &all, mark, 1, 1.0, 0.0, &st);
    assert_int_equal(v.yes, N / 2);

    /* nobody away takes part: voters are exactly the resident homes */
    asm_turnout home = {{1.0, 1.0, 0.0, 0.0}, 0.0, 0.0};
    sim_stream_open(&st, 42, SIM_RNG_TEST, 3, 0);
    asm_hold(&v, flags, area, 0, N, &home, NULL, 0, 0.0, 0.5, &st);
    assert_int_equal(v.voters, N - away);

    /* frequencies: expected turnout 0.5*0.65 + 0.25*0.8 + 0.25*0.2 = 0.575 */
    asm_turnout t = {{0.65, 0.8, 0.2, 0.2}, 0.0, 0.0};
    sim_stream_open(&st, 42, SIM_RNG_TEST, 4, 0);
    asm_hold(&v, flags, area, 0, N, &t, NULL, 0, 0.0, 0.3, &st);
    double turnout = (double)v.voters / N, sd = sqrt(0.575 * 0.425 / N);
    assert_true(fabs(turnout - 0.575) < 4 * sd);
    assert_false(asm_quorate(&v)); /* 57.5% < 2/3 */
    double yes = (double)v.yes / (double)v.voters;
    assert_true(fabs(yes - 0.3) < 4 * sqrt(0.3 * 0.7 / (double)v.voters));

    /* same stream, same assembly */
    asm_count a, b;
    sim_stream_open(&st, 7, SIM_RNG_TEST, 5, 3);
    asm_hold(&a, flags, area, 100, 900, &t, NULL, 0, 0.0, 0.6, &st);
    sim_stream_open(&st, 7, SIM_RNG_TEST, 5, 3);
    asm_hold(&b, flags, area, 100, 900, &t, NULL, 0, 0.0, 0.6, &st);
    assert_memory_equal(&a, &b, sizeof a);
    assert_int_equal(a.owners, 800);
}

/* Mobilisation turns a failing assembly into a quorate one. */
static void test_mobilisation_reaches_quorum(void **state)
{
    (void)state;
    enum { N = 3000 };
    static uint8_t flags[N];
    static uint16_t area[N];
    for (int h = 0; h < N; h++) {
        flags[h] = h % 5 == 0 ? SIM_HH_ABSENT | SIM_HH_OWNER : SIM_HH_OWNER;
        area[h] = (uint16_t)(60 + (h * 37) % 90);
    }
    int ok_plain = 0, ok_mob = 0;
    for (uint32_t r = 0; r < 50; r++) {
        sim_stream st;
        asm_count v;
        asm_turnout t = {{0.7, 0.8, 0.2, 0.2}, 0.0, 0.0}; /* expected 0.6 */
        sim_stream_open(&st, 11, SIM_RNG_TEST, r, 0);
        asm_hold(&v, flags, area, 0, N, &t, NULL, 0, 0.0, 0.9, &st);
        ok_plain += asm_quorate(&v);
        t.mobilisation = 0.3; /* expected 0.6 + 0.4 * 0.3 = 0.72 */
        sim_stream_open(&st, 11, SIM_RNG_TEST, r, 0);
        asm_hold(&v, flags, area, 0, N, &t, NULL, 0, 0.0, 0.9, &st);
        ok_mob += asm_quorate(&v);
    }
    assert_int_equal(ok_plain, 0);
    assert_int_equal(ok_mob, 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quorum_headcount),
        cmocka_unit_test(test_quorum_area_and_heads),
        cmocka_unit_test(test_ordinary_majority),
        cmocka_unit_test(test_major_majority),
        cmocka_unit_test(test_decide),
        cmocka_unit_test(test_home_type),
        cmocka_unit_test(test_take_part),
        cmocka_unit_test(test_hold),
        cmocka_unit_test(test_mobilisation_reaches_quorum),
    };
    return cmocka_run_group_tests_name("assembly", tests, NULL, NULL);
}
