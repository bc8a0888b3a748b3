/* tests/models/test_params.c — the parameter table (models/params.def), parsing,
 * formatting and the INI text of models/params.c, and the cross-field rules of
 * models/params_check.c.
 *
 * The table tests check every row, so a row added to params.def is checked
 * without touching this file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "params.h"

/* ---- helpers ---------------------------------------------------------------- */

static int param_index(const char *key)
{
    int i = sim_param_find(key);
    if (i < 0)
        fail_msg("no parameter %s in params.def", key);
    return i;
}

static int first_of_type(sim_ptype t)
{
    for (int i = 0; i < sim_param_count; i++)
        if (sim_param_table[i].type == t)
            return i;
    return -1;
}

static void check_err(const sim_error *e, sim_status code, const char *file, int line,
                      const char *key, const char *msg_part)
{
    char buf[2048];
    if (e->code != code || strcmp(e->file, file) || e->line != line || strcmp(e->key, key) ||
        !strstr(e->msg, msg_part))
        print_message("unexpected error record: %s\n", sim_error_format(e, buf, sizeof buf));
    assert_int_equal(e->code, code);
    assert_string_equal(e->file, file);
    assert_int_equal(e->line, line);
    assert_string_equal(e->key, key);
    assert_non_null(strstr(e->msg, msg_part));
}

/* Parsing `text` as parameter `key` fails with a message containing part;
 * the error is located at x.ini:7 and *out is not touched. */
static void parse_fails(const char *key, const char *text, const char *part)
{
    sim_error err;
    sim_error_clear(&err);
    double out = -12345.0;
    assert_int_equal(sim_param_parse(param_index(key), text, &out, "x.ini", 7, &err), SIM_EINPUT);
    check_err(&err, SIM_EINPUT, "x.ini", 7, key, part);
    assert_true(out == -12345.0);
}

static double parse_ok(const char *key, const char *text)
{
    sim_error err;
    char buf[2048];
    sim_error_clear(&err);
    double out = 0.0;
    if (sim_param_parse(param_index(key), text, &out, "x.ini", 1, &err) != SIM_OK)
        fail_msg("parsing '%s' as %s: %s", text, key, sim_error_format(&err, buf, sizeof buf));
    return out;
}

/* ---- the table ---------------------------------------------------------------- */

static int is_integral(double x)
{
    return x == floor(x) && fabs(x) <= 9007199254740992.0;
}

static void test_table_sanity(void **state)
{
    (void)state;
    assert_true(sim_param_count > 0);
    for (int i = 0; i < sim_param_count; i++) {
        const sim_param_desc *d = &sim_param_table[i];
        char key[256];
        snprintf(key, sizeof key, "%s.%s", d->section, d->name);
        assert_string_equal(d->key, key);
        assert_true(strlen(d->key) < sizeof((sim_error *)0)->key); /* fits error records */
        for (int j = 0; j < i; j++)
            if (!strcmp(sim_param_table[j].key, d->key))
                fail_msg("%s is declared twice", d->key);

        /* bounds and default */
        if (!(d->lo <= d->hi) || !(d->def >= d->lo && d->def <= d->hi))
            fail_msg("%s: default %g outside [%g, %g]", d->key, d->def, d->lo, d->hi);
        if (d->type == SIM_P_INT &&
            (!is_integral(d->lo) || !is_integral(d->hi) || !is_integral(d->def)))
            fail_msg("%s: integer parameter with a non-integer bound or default", d->key);
        if (d->type == SIM_P_BOOL && (d->lo != 0 || d->hi != 1 || (d->def != 0 && d->def != 1)))
            fail_msg("%s: a boolean must have bounds 0 and 1 and default 0 or 1", d->key);

        /* documentation: units may be "" only for dimensionless integers
         * (run.seed); a real number always needs its unit */
        assert_non_null(d->unit);
        if (d->type == SIM_P_REAL && !d->unit[0])
            fail_msg("%s: a real parameter needs a unit", d->key);
        if (!d->doc_en || strlen(d->doc_en) < 10)
            fail_msg("%s: English description missing", d->key);
        if (!d->doc_zh || strlen(d->doc_zh) < 3)
            fail_msg("%s: Chinese description missing", d->key);
        if (strchr(d->doc_en, '\n') || strchr(d->doc_zh, '\n'))
            fail_msg("%s: a description must be one line", d->key);

        assert_int_equal(d->flags & ~(SIM_PF_MUTABLE | SIM_PF_UNIMPL), 0);

        /* the field: inside the struct, and no other row's */
        assert_true(d->offset < sizeof(sim_params));
        for (int j = 0; j < i; j++)
            assert_true(sim_param_table[j].offset != d->offset);
    }
    /* rows are grouped by section (the INI text and `troika params` rely on
     * it): once a section ends, it does not come back */
    for (int i = 1; i < sim_param_count; i++) {
        if (!strcmp(sim_param_table[i].section, sim_param_table[i - 1].section))
            continue;
        for (int j = 0; j < i; j++)
            if (!strcmp(sim_param_table[j].section, sim_param_table[i].section))
                fail_msg("section [%s] is split in params.def", sim_param_table[i].section);
    }
}

static void test_defaults_and_fields(void **state)
{
    (void)state;
    sim_params p;
    sim_params_default(&p);
    for (int i = 0; i < sim_param_count; i++)
        assert_true(sim_param_get(&p, i) == sim_param_table[i].def);
    /* each field is its own: setting one to its upper bound moves no other */
    for (int i = 0; i < sim_param_count; i++) {
        sim_params q;
        sim_params_default(&q);
        const sim_param_desc *d = &sim_param_table[i];
        double v = d->def != d->hi ? d->hi : d->lo;
        sim_param_put(&q, i, v);
        assert_true(sim_param_get(&q, i) == v);
        for (int j = 0; j < sim_param_count; j++)
            if (j != i && sim_param_get(&q, j) != sim_param_table[j].def)
                fail_msg("setting %s changed %s", d->key, sim_param_table[j].key);
    }
    /* the struct fields themselves */
    assert_int_equal(p.run_days, 1825);
    assert_true(p.household_complain_rate == 0.08);
}

static void test_find(void **state)
{
    (void)state;
    for (int i = 0; i < sim_param_count; i++) {
        assert_int_equal(sim_param_find(sim_param_table[i].key), i);
        assert_int_equal(sim_param_find2(sim_param_table[i].section, sim_param_table[i].name), i);
    }
    assert_int_equal(sim_param_find("nope"), -1);
    assert_int_equal(sim_param_find(""), -1);
    assert_int_equal(sim_param_find("household"), -1);
    assert_int_equal(sim_param_find("household."), -1);
    assert_int_equal(sim_param_find("complain_rate"), -1);
    assert_int_equal(sim_param_find("household.complain_rate "), -1);
    assert_int_equal(sim_param_find("Household.complain_rate"), -1);
    assert_int_equal(sim_param_find2("household", "nope"), -1);
    assert_int_equal(sim_param_find2("city", "complain_rate"), -1);
}

static void test_suggest(void **state)
{
    (void)state;
    const char *s;
    /* typos, a bare name, a right name in the wrong section */
    assert_non_null(s = sim_param_suggest("household.complain_rat"));
    assert_string_equal(s, "household.complain_rate");
    assert_non_null(s = sim_param_suggest("run.dayz"));
    assert_string_equal(s, "run.days");
    assert_non_null(s = sim_param_suggest("pmc.margn"));
    assert_string_equal(s, "pmc.margin");
    assert_non_null(s = sim_param_suggest("complain_rate"));
    assert_string_equal(s, "household.complain_rate");
    assert_non_null(s = sim_param_suggest("city.complain_rate"));
    assert_string_equal(s, "household.complain_rate");
    /* every key suggests itself */
    for (int i = 0; i < sim_param_count; i++)
        assert_string_equal(sim_param_suggest(sim_param_table[i].key), sim_param_table[i].key);
    /* nonsense is not a typo of anything */
    assert_null(sim_param_suggest("zzzzzzzzzzzzzzzzzzzz"));
    assert_null(sim_param_suggest("totally.unrelated_thing"));
    assert_null(sim_param_suggest("qq"));
    assert_null(sim_param_suggest("xyz.qqq"));
}

/* ---- parsing ---------------------------------------------------------------- */

static void test_parse_valid(void **state)
{
    (void)state;
    assert_true(parse_ok("run.days", "42") == 42.0);
    assert_true(parse_ok("run.days", "  42  ") == 42.0);
    assert_true(parse_ok("run.days", "1") == 1.0); /* inclusive bounds */
    assert_true(parse_ok("run.days", "36500") == 36500.0);
    assert_true(parse_ok("run.seed", "9007199254740992") == 9007199254740992.0);
    assert_true(parse_ok("household.complain_rate", "0.25") == 0.25);
    assert_true(parse_ok("household.complain_rate", "1e-3") == 1e-3);
    assert_true(parse_ok("household.complain_rate", "0") == 0.0);
    assert_true(parse_ok("household.complain_rate", "1") == 1.0);
    assert_true(parse_ok("household.patience", "2.385") == 2.385);
}

static void test_parse_errors(void **state)
{
    (void)state;
    /* wrong type */
    parse_fails("run.days", "abc", "'abc' is not an integer (allowed: an integer from 1 to 36500)");
    parse_fails("run.days", "1.5", "'1.5' is not an integer");
    parse_fails("run.days", "12abc", "'12abc' is not an integer");
    parse_fails("run.days", "true", "'true' is not an integer");
    parse_fails("household.complain_rate", "abc",
                "'abc' is not a number (allowed: a number from 0 to 1)");
    parse_fails("household.complain_rate", "0.1x", "'0.1x' is not a number");
    parse_fails("household.complain_rate", "0.1 0.2", "is not a number");
    /* out of range */
    parse_fails("run.days", "0", "0 is out of range (allowed: an integer from 1 to 36500)");
    parse_fails("run.days", "36501", "36501 is out of range");
    parse_fails("run.days", "-5", "-5 is out of range");
    parse_fails("run.seed", "99999999999999999999", "is out of range");
    parse_fails("run.seed", "9007199254740993", "is out of range");
    parse_fails("household.complain_rate", "1.5",
                "1.5 is out of range (allowed: a number from 0 to 1)");
    parse_fails("household.complain_rate", "-1e-9", "is out of range");
    /* empty */
    parse_fails("run.days", "", "no value given (allowed: an integer from 1 to 36500)");
    parse_fails("household.complain_rate", "   ", "no value given");
    /* not finite */
    parse_fails("household.complain_rate", "nan", "'nan' is not a finite number");
    parse_fails("household.complain_rate", "inf", "'inf' is not a finite number");
    parse_fails("household.complain_rate", "-inf", "is not a finite number");
    parse_fails("household.complain_rate", "1e999", "'1e999' is not a finite number");
    parse_fails("run.days", "nan", "is not an integer");
}

static void test_parse_bool(void **state)
{
    (void)state;
    int i = first_of_type(SIM_P_BOOL);
    if (i < 0)
        skip(); /* params.def declares no boolean parameter today */
    const char *key = sim_param_table[i].key;
    const char *yes[] = {"true", "TRUE", "True", "yes", "on", "1", " true "};
    const char *no[] = {"false", "FALSE", "no", "off", "0"};
    for (size_t k = 0; k < sizeof yes / sizeof *yes; k++)
        assert_true(parse_ok(key, yes[k]) == 1.0);
    for (size_t k = 0; k < sizeof no / sizeof *no; k++)
        assert_true(parse_ok(key, no[k]) == 0.0);
    parse_fails(key, "maybe", "'maybe' is not a boolean (allowed: true or false)");
    parse_fails(key, "2", "'2' is not a boolean");
    parse_fails(key, "truee", "is not a boolean");
    parse_fails(key, "", "no value given (allowed: true or false)");
    char buf[16];
    assert_string_equal(sim_param_format_value(i, 1.0, buf, sizeof buf), "true");
    assert_string_equal(sim_param_format_value(i, 0.0, buf, sizeof buf), "false");
}

/* ---- formatting -------------------------------------------------------------- */

static void test_format_roundtrip(void **state)
{
    (void)state;
    int r = first_of_type(SIM_P_REAL);
    assert_true(r >= 0);
    char buf[64];
    /* shortest text for the usual values */
    assert_string_equal(sim_param_format_value(r, 0.1, buf, sizeof buf), "0.1");
    assert_string_equal(sim_param_format_value(r, 2.385, buf, sizeof buf), "2.385");
    assert_string_equal(sim_param_format_value(r, 1e-300, buf, sizeof buf), "1e-300");
    assert_string_equal(sim_param_format_value(r, 700, buf, sizeof buf), "700");
    /* and exact for any double */
    const double v[] = {0.1,          1e-300,  2.385, 1.0 / 3.0,     2.0 / 3.0,           5e-324,
                        DBL_MAX,      DBL_MIN, 0.0,   123456789.125, 0.30000000000000004, 1e22,
                        6.02214076e23};
    for (size_t k = 0; k < sizeof v / sizeof *v; k++) {
        sim_param_format_value(r, v[k], buf, sizeof buf);
        if (strtod(buf, NULL) != v[k])
            fail_msg("%.17g formats as %s, which reads back differently", v[k], buf);
    }
    /* through a struct and back through the parser */
    sim_params p;
    sim_params_default(&p);
    int cr = param_index("household.complain_rate");
    /* (not subnormals: strtod flags them ERANGE and the parser refuses them) */
    const double in_range[] = {0.1, 1e-300, 1.0 / 3.0, 0.30000000000000004, DBL_MIN};
    for (size_t k = 0; k < sizeof in_range / sizeof *in_range; k++) {
        sim_param_put(&p, cr, in_range[k]);
        assert_true(parse_ok("household.complain_rate",
                             sim_param_format(&p, cr, buf, sizeof buf)) == in_range[k]);
    }
    int pat = param_index("household.patience");
    sim_param_put(&p, pat, 2.385);
    assert_true(parse_ok("household.patience", sim_param_format(&p, pat, buf, sizeof buf)) ==
                2.385);
    /* integers print as integers */
    int seed = param_index("run.seed");
    assert_string_equal(sim_param_format_value(seed, 9007199254740992.0, buf, sizeof buf),
                        "9007199254740992");
    assert_string_equal(sim_param_format_value(seed, 0.0, buf, sizeof buf), "0");
}

static void test_ptype_name(void **state)
{
    (void)state;
    assert_string_equal(sim_ptype_name(SIM_P_INT), "integer");
    assert_string_equal(sim_ptype_name(SIM_P_REAL), "real");
    assert_string_equal(sim_ptype_name(SIM_P_BOOL), "boolean");
}

/* ---- INI text and printed tables ------------------------------------------------- */

/* Parameters off their defaults, each different, all in range. */
static void odd_params(sim_params *p)
{
    sim_params_default(p);
    for (int i = 0; i < sim_param_count; i++) {
        const sim_param_desc *d = &sim_param_table[i];
        double v = d->lo + (d->hi - d->lo) / 3.0;
        if (d->type != SIM_P_REAL)
            v = d->def != d->hi ? d->hi : d->lo;
        sim_param_put(p, i, v);
    }
}

static void test_to_ini(void **state)
{
    (void)state;
    sim_params p;
    odd_params(&p);
    char *ini = sim_params_to_ini(&p);
    assert_non_null(ini);
    int *seen = calloc((size_t)sim_param_count, sizeof *seen);
    assert_non_null(seen);
    char section[128] = "";
    for (char *line = strtok(ini, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '[') {
            char *close = strchr(line, ']');
            assert_non_null(close);
            *close = '\0';
            snprintf(section, sizeof section, "%s", line + 1);
            continue;
        }
        char *eq = strstr(line, " = ");
        if (!eq)
            fail_msg("unexpected line in the INI text: '%s'", line);
        *eq = '\0';
        int i = sim_param_find2(section, line);
        if (i < 0)
            fail_msg("[%s] %s is not a parameter", section, line);
        seen[i]++;
        /* the value reads back exactly */
        assert_true(parse_ok(sim_param_table[i].key, eq + 3) == sim_param_get(&p, i));
    }
    for (int i = 0; i < sim_param_count; i++)
        if (seen[i] != 1)
            fail_msg("%s appears %d times in the INI text", sim_param_table[i].key, seen[i]);
    free(seen);
    free(ini);
}

static char *print_to_string(int markdown, const sim_params *p)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    if (markdown)
        sim_params_print_markdown(f);
    else
        sim_params_print_table(f, p);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

static void test_print(void **state)
{
    (void)state;
    sim_params p;
    sim_params_default(&p);
    char *table = print_to_string(0, &p);
    char *md = print_to_string(1, &p);
    for (int i = 0; i < sim_param_count; i++) {
        char code[160];
        snprintf(code, sizeof code, "`%s`", sim_param_table[i].key);
        if (!strstr(table, sim_param_table[i].key))
            fail_msg("%s missing from troika params", sim_param_table[i].key);
        if (!strstr(md, code) || !strstr(md, sim_param_table[i].doc_zh))
            fail_msg("%s missing from the Markdown table", sim_param_table[i].key);
    }
    free(table);
    free(md);
}

/* ---- provenance: every row a source, an assumption with a range, or a setting ---- */

static void test_provenance(void **state)
{
    (void)state;
    int assumed = 0, sourced = 0;
    for (int i = 0; i < sim_param_count; i++) {
        const sim_param_desc *d = &sim_param_table[i];
        if (d->prov == SIM_PROV_NONE || !d->basis || !d->basis[0])
            fail_msg("%s has neither a source nor an assumption", d->key);
        if (d->prov == SIM_PROV_SOURCE)
            sourced++;
        if (d->prov != SIM_PROV_ASSUME)
            continue;
        assumed++;
        if (!(d->prior_lo <= d->prior_hi))
            fail_msg("%s: assumption range %g..%g is empty", d->key, d->prior_lo, d->prior_hi);
        if (d->prior_lo < d->lo || d->prior_hi > d->hi)
            fail_msg("%s: assumption range %g..%g outside the bounds %g..%g", d->key, d->prior_lo,
                     d->prior_hi, d->lo, d->hi);
        if (d->def < d->prior_lo || d->def > d->prior_hi)
            fail_msg("%s: assumption range %g..%g excludes the default %g", d->key, d->prior_lo,
                     d->prior_hi, d->def);
        /* a reasoned range, not the default scaled mechanically (issue 15) */
        if (strstr(d->basis, "half to one and a half times the default"))
            fail_msg("%s: assumption range without a reason (the default x 0.5-1.5)", d->key);
    }
    assert_true(assumed > 0);
    assert_true(sourced > 0);
    /* the known answer of one sourced row and one assumed row */
    int i = sim_param_find("oc.initial_share");
    assert_true(i >= 0);
    assert_int_equal(sim_param_table[i].prov, SIM_PROV_SOURCE);
    char buf[400];
    assert_non_null(strstr(sim_param_basis_text(i, buf, sizeof buf), "source: "));
    i = sim_param_find("pmc.margin");
    assert_true(i >= 0);
    assert_int_equal(sim_param_table[i].prov, SIM_PROV_ASSUME);
    assert_non_null(strstr(sim_param_basis_text(i, buf, sizeof buf), "assumption "));
    /* --uncertain lists exactly the assumption rows */
    FILE *f = tmpfile();
    assert_non_null(f);
    sim_params_print_uncertain(f);
    rewind(f);
    char line[1024];
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        if (lines++ == 0)
            continue;
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        int k = sim_param_find(line);
        if (k < 0 || sim_param_table[k].prov != SIM_PROV_ASSUME)
            fail_msg("--uncertain lists '%s', not an assumption", line);
    }
    fclose(f);
    assert_int_equal(lines - 1, assumed);
}

/* ---- cross-field rules (models/params_check.c) ---------------------------------- */

static void check_fails(const sim_params *p, const char *key, const char *part)
{
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(mdl_params_check(p, &err), SIM_EINPUT);
    check_err(&err, SIM_EINPUT, "", 0, key, part);
}

static void check_ok(const sim_params *p)
{
    sim_error err;
    char buf[2048];
    sim_error_clear(&err);
    if (mdl_params_check(p, &err) != SIM_OK)
        fail_msg("refused: %s", sim_error_format(&err, buf, sizeof buf));
}

static void test_cross_field_rules(void **state)
{
    (void)state;
    sim_params p;
    sim_params_default(&p);
    check_ok(&p);

    /* the fewest households at most the most */
    p.city_hh_min = 500;
    p.city_hh_max = 300;
    check_fails(&p, "city.hh_min", "(allowed: city.hh_min <= city.hh_max)");
    p.city_hh_min = p.city_hh_max = 500;
    p.city_hh_mean = p.city_hh_old_mean = 500;
    check_ok(&p); /* equal is fine */

    /* a compound for every sub-district */
    sim_params_default(&p);
    p.city_subdistricts = 11;
    p.city_compounds = 10;
    check_fails(&p, "city.subdistricts", "(allowed: city.subdistricts <= city.compounds)");
    p.city_subdistricts = 10;
    check_ok(&p);

    /* a mean size within [hh_min, hh_max], for the kinds that occur */
    sim_params_default(&p);
    p.city_hh_max = 600; /* below hh_mean = 700 */
    check_fails(&p, "city.hh_mean", "city.hh_min <= city.hh_mean <= city.hh_max");
    p.city_old_share = 1.0; /* no new compounds: their mean does not matter */
    check_ok(&p);
    sim_params_default(&p);
    p.city_hh_min = 400; /* above hh_old_mean = 340 */
    check_fails(&p, "city.hh_old_mean", "city.hh_min <= city.hh_old_mean <= city.hh_max");
    p.city_old_share = 0.0; /* no old compounds */
    check_ok(&p);

    /* an owners' committee (5 members at least) needs as many households,
     * unless no compound ever has a committee */
    sim_params_default(&p);
    p.city_hh_min = 4;
    p.city_hh_mean = p.city_hh_old_mean = 40;
    check_fails(&p, "city.hh_min", "(allowed: city.hh_min >= 5, or no committees");
    p.oc_initial_share = 0.0; /* none at the start, but they may form */
    check_fails(&p, "city.hh_min", "fewer than the 5 members");
    p.oc_formation_rate = 0.0;
    check_ok(&p);
    p.city_hh_min = p.city_hh_max = 1;
    p.city_hh_mean = p.city_hh_old_mean = 1;
    check_ok(&p); /* one household a compound, no committee */
    sim_params_default(&p);
    p.city_hh_min = 5;
    p.city_hh_mean = p.city_hh_old_mean = 40;
    check_ok(&p);

    /* not a contradiction: withholding fees above the inadequacy threshold */
    sim_params_default(&p);
    p.household_withhold_below = 0.9;
    p.household_inadequate_below = 0.1;
    check_ok(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_sanity),
        cmocka_unit_test(test_defaults_and_fields),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_bool),
        cmocka_unit_test(test_format_roundtrip),
        cmocka_unit_test(test_ptype_name),
        cmocka_unit_test(test_to_ini),
        cmocka_unit_test(test_print),
        cmocka_unit_test(test_provenance),
        cmocka_unit_test(test_cross_field_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
