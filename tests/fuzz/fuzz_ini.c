/* tests/fuzz/fuzz_ini.c — libFuzzer target: scenario files, --set and sweep
 * files (docs/reliability-tools.md).
 *
 * Each input is used three ways:
 *   1. as a scenario file (scn_load, which also follows `extends`), then its
 *      lines as --set arguments (scn_set, until the first refused one), then
 *      scn_finish();
 *   2. its lines as --set arguments on the embedded default, then
 *      scn_finish();
 *   3. as a sweep file (swp_load: its own checks, the base scenario, [set],
 *      the design and the check of every design point).
 * Whatever troika accepts must hold its documented promises, checked here
 * (abort() when not):
 *   - scn_resolved_ini() of a finished scenario, loaded and finished again,
 *     gives the same parameters and the same policy changes (scenario.h);
 *   - an error has a status, and a message;
 *   - a loaded sweep has nruns = npoints x replicates and every design value
 *     inside its factor's range.
 *
 * The files live in a private temporary folder that also holds a copy of
 * the scenarios folder, so `extends = baseline.ini` and `base = ../baseline.ini`
 * (the sweep is written to sweeps/fuzz.ini below it) reach real files.
 *
 * LIMITATION: a sweep file may legitimately ask for up to 10^8 design
 * points, which takes minutes and gigabytes to expand and check; such an
 * input is no bug, so sweeps whose design is estimated above 20 000 points
 * (or 200 000 point x factor values) are not loaded (see too_big()).
 */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sweep.h"
#include "inifile.h"
#include "params.h"
#include "scenario.h"

#include "fuzz_common.h"

#define FUZZ_MAX_INPUT (64 * 1024)
#define MAX_POINTS 20000.0
#define MAX_VALUES 200000.0

static const char *dir;    /* the private folder */
static char scn_path[300]; /* DIR/fuzz.ini */
static char swp_path[300]; /* DIR/sweeps/fuzz.ini */
static char res_path[300]; /* DIR/resolved.ini */

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0)
        fuzz_die("cannot write", path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    dir = fuzz_init("ini");
    snprintf(scn_path, sizeof scn_path, "%s/fuzz.ini", dir);
    snprintf(swp_path, sizeof swp_path, "%s/sweeps/fuzz.ini", dir);
    snprintf(res_path, sizeof res_path, "%s/resolved.ini", dir);
    char sub[300];
    snprintf(sub, sizeof sub, "%s/sweeps", dir);
    if (mkdir(sub, 0700) != 0)
        fuzz_die("mkdir failed", sub);
    /* the real scenarios, for extends and base */
    const char *src = TROIKA_SOURCE_DIR "/scenarios";
    DIR *d = opendir(src);
    if (!d)
        fuzz_die("cannot list", src);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".ini") != 0)
            continue;
        char from[600], to[600];
        snprintf(from, sizeof from, "%s/%s", src, e->d_name);
        snprintf(to, sizeof to, "%s/%s", dir, e->d_name);
        char *text = NULL;
        size_t len = 0;
        if (sim_ini_read_file(from, 1 << 20, &text, &len) != 0)
            fuzz_die("cannot read", from);
        write_file(to, text, len);
        free(text);
    }
    closedir(d);
    return 0;
}

/* ---- checks ------------------------------------------------------------------ */

/* A refusal is bad input (SIM_EINPUT) with a message, never anything else. */
static void check_error(sim_status st, const sim_error *err)
{
    if (st == SIM_OK)
        return;
    if (st != SIM_EINPUT || err->code != st || !err->msg[0]) {
        char buf[1400];
        fprintf(stderr, "fuzz_ini: %s\n", sim_error_format(err, buf, sizeof buf));
        fuzz_die("a refusal that is not bad input with a message", sim_status_name(st));
    }
}

/* The resolved text of a finished scenario gives it back (scenario.h). */
static void check_round_trip(const scn_scenario *s)
{
    char *ini = scn_resolved_ini(s);
    if (!ini)
        fuzz_die("scn_resolved_ini failed", NULL);
    write_file(res_path, ini, strlen(ini));
    scn_scenario r;
    sim_error err;
    sim_error_clear(&err);
    scn_init_default(&r);
    sim_status st = scn_load(&r, res_path, &err);
    if (st == SIM_OK)
        st = scn_finish(&r, &err);
    if (st != SIM_OK) {
        fprintf(stderr, "---- resolved text:\n%s\n----\n", ini);
        fuzz_die("the resolved scenario does not load", err.msg);
    }
    for (int i = 0; i < sim_param_count; i++) {
        double a = sim_param_get(&s->params, i), b = sim_param_get(&r.params, i);
        if (a != b && !(a != a && b != b)) {
            fprintf(stderr, "%s: %.17g resolved to %.17g\n", sim_param_table[i].key, a, b);
            fuzz_die("the resolved scenario has another value", sim_param_table[i].key);
        }
    }
    if (r.nchanges != s->nchanges)
        fuzz_die("the resolved scenario has another number of policy changes", NULL);
    for (int j = 0; j < s->nchanges; j++) {
        const scn_change *x = &s->changes[j], *y = &r.changes[j];
        if (x->day != y->day || x->param != y->param || x->value != y->value ||
            strcmp(x->policy, y->policy) != 0)
            fuzz_die("the resolved scenario has another policy change", x->policy);
    }
    scn_free(&r);
    free(ini);
}

/* Apply each line of text as --set until one is refused; 1 if all were. */
static int apply_sets(scn_scenario *s, const char *text, sim_error *err)
{
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "\n");
        char *line = strndup(p, n);
        if (!line)
            fuzz_die("out of memory", NULL);
        sim_status st = scn_set(s, line, err);
        free(line);
        check_error(st, err);
        if (st != SIM_OK)
            return 0;
        p += n;
        if (*p)
            p++;
    }
    return 1;
}

static void finish_and_check(scn_scenario *s)
{
    sim_error err;
    sim_error_clear(&err);
    sim_status st = scn_finish(s, &err);
    check_error(st, &err);
    if (st == SIM_OK)
        check_round_trip(s);
}

/* ---- the sweep's size, estimated as swp_load would compute it ----------------- */

static int whole_int(const char *t, long long *out)
{
    char *end;
    long long v = strtoll(t, &end, 10);
    if (end == t || *end)
        return 0;
    *out = v;
    return 1;
}

/* 1 when the design is too large to expand in a fuzzing iteration. */
static int too_big(const char *text, size_t len)
{
    sim_ini f;
    sim_error err;
    sim_error_clear(&err);
    sim_ini_init(&f, swp_path, text, len);
    if (sim_ini_parse(&f, &err) != SIM_OK) {
        sim_ini_free(&f);
        return 1;
    }
    long long samples = 1, levels = 3, v;
    int grid = 0, saltelli = 0, k = 0;
    for (int i = 0; i < f.nent; i++) {
        const sim_ini_entry *e = &f.ent[i];
        if (e->section[0])
            continue;
        if (!strcmp(e->key, "samples") && whole_int(e->value, &v))
            samples = v;
        else if (!strcmp(e->key, "levels") && whole_int(e->value, &v))
            levels = v;
        else if (!strcmp(e->key, "design")) {
            grid = !strcmp(e->value, "grid");
            saltelli = !strcmp(e->value, "saltelli");
        }
    }
    double points = 1.0;
    for (int i = 0; i < f.nent; i++) {
        const sim_ini_entry *e = &f.ent[i];
        if (strcmp(e->section, "vary") != 0)
            continue;
        k++;
        const char *dots = strstr(e->value, "..");
        double n;
        if (!dots) {
            n = 1;
            for (const char *c = e->value; *c; c++)
                n += *c == ',';
        } else {
            n = (double)levels;
            const char *lv = strstr(dots, "levels");
            if (lv) {
                lv += 6;
                while (*lv == ' ' || *lv == '\t' || *lv == '=')
                    lv++;
                n = strtod(lv, NULL);
            }
        }
        points *= n > 1 ? n : 1;
    }
    sim_ini_free(&f);
    if (!grid)
        points = (double)samples * (saltelli ? k + 2 : 1);
    return points > MAX_POINTS || points * (k ? k : 1) > MAX_VALUES;
}

static void check_sweep(const swp_sweep *w)
{
    const swp_plan *p = &w->plan;
    if (p->nruns != p->npoints * p->replicates || p->npoints < 1 || p->nfactors < 1)
        fuzz_die("a loaded sweep with inconsistent sizes", p->name);
    for (int64_t q = 0; q < p->npoints; q++)
        for (int j = 0; j < p->nfactors; j++) {
            const swp_factor *f = &p->factors[j];
            double v = p->values[q * p->nfactors + j];
            if (!(v >= f->lo && v <= f->hi))
                fuzz_die("a design value outside its factor's range", f->key);
        }
    scn_scenario view;
    swp_run_scenario(w, 0, &view);
    swp_run_scenario(w, p->nruns - 1, &view);
    (void)swp_seed(p, p->nruns - 1);
}

/* ---- the target ---------------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    write_file(scn_path, data, size);
    write_file(swp_path, data, size);

    /* 1. a scenario file, then its lines as --set */
    scn_scenario s;
    sim_error err;
    sim_error_clear(&err);
    scn_init_default(&s);
    sim_status st = scn_load(&s, scn_path, &err);
    check_error(st, &err);
    if (st == SIM_OK) {
        if (apply_sets(&s, text, &err))
            finish_and_check(&s);
    }
    scn_free(&s);

    /* 2. --set lines on the default (only text without NUL: argv strings) */
    if (strlen(text) == size) {
        sim_error_clear(&err);
        scn_init_default(&s);
        if (apply_sets(&s, text, &err))
            finish_and_check(&s);
        scn_free(&s);
    }

    /* 3. a sweep file */
    if (!too_big(text, size)) {
        swp_sweep *w = NULL;
        sim_error_clear(&err);
        st = swp_load(&w, swp_path, &err);
        check_error(st, &err);
        if (st == SIM_OK)
            check_sweep(w);
        swp_destroy(w);
    }
    free(text);
    return 0;
}
