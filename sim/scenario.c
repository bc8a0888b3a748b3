/* sim/scenario.c — scenario files, --set and policies (see scenario.h).
 *
 * Design.  Each file goes through two phases.
 *
 *  1. Read and check the file on its own.  The whole text is read into
 *     memory (it also goes into s->sources) and parsed by core/inifile.c into
 *     entries (section, key, value, line), which notes syntax problems and
 *     a key given twice; here we add unknown sections and keys.  Of all the
 *     problems found, the one on the earliest line is reported.
 *
 *  2. Apply.  The files named by `extends` are loaded first, recursively;
 *     a stack of realpath()s refuses cycles.  Then this file's entries are
 *     applied in order: values through sim_param_parse (type, range), each
 *     [policy.NAME] replacing any earlier policy of that name.
 *
 * scn_set() applies one command-line assignment with the same rules.
 * scn_finish() runs what needs the whole scenario: every policy has a day
 * before the end of the run, no two policies fight over a parameter on one
 * day, and the cross-field rules (mdl_params_check) hold at the start and
 * after every day that has changes.
 *
 * No globals: all state is in the scenario or on the stack.
 */
#define _XOPEN_SOURCE 700 /* realpath, strdup */

#include "scenario.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inifile.h"
#include "model.h"

#define SCN_MAX_DEPTH 32             /* files in one extends chain */
#define SCN_MAX_FILE (1024L * 1024L) /* a scenario is a short text */
#define NOMEM_MSG "out of memory reading the scenario"

static const char set_forms[] =
    "expected section.name=value, policy.NAME.day=DAY or policy.NAME.section.name=value";

/* ---- small helpers ------------------------------------------------------ */

static void loc_file(scn_loc *l, const char *file, int line)
{
    l->from = SCN_FROM_FILE;
    snprintf(l->file, sizeof l->file, "%s", file);
    l->line = line;
}

static void loc_set(scn_loc *l)
{
    l->from = SCN_FROM_SET;
    l->file[0] = '\0';
    l->line = 0;
}

/* Raise SIM_EINPUT located at l; a --set location says so. */
static sim_status fail_at(sim_error *err, const scn_loc *l, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static sim_status fail_at(sim_error *err, const scn_loc *l, const char *key, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int file = l->from == SCN_FROM_FILE;
    return SIM_FAIL(err, SIM_EINPUT, file ? l->file : "", file ? l->line : 0, key, "%s%s", msg,
                    l->from == SCN_FROM_SET ? " (given with --set)" : "");
}

/* An error raised by a helper becomes an error of `--set assignment`. */
static sim_status as_set_error(sim_error *err, const char *assignment, const char *key)
{
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%s", err->msg);
    snprintf(err->msg, sizeof err->msg, "--set %.200s: %.800s", assignment, msg);
    err->file[0] = '\0';
    err->line = 0;
    if (key)
        snprintf(err->key, sizeof err->key, "%.127s", key);
    return err->code;
}

static int is_param_section(const char *name)
{
    for (int i = 0; i < sim_param_count; i++)
        if (strcmp(sim_param_table[i].section, name) == 0)
            return 1;
    return 0;
}

/* NAME of a "policy.NAME" section, else NULL. */
static const char *policy_of(const char *section)
{
    return strncmp(section, "policy.", 7) == 0 ? section + 7 : NULL;
}

static int valid_policy_name(const char *n)
{
    if (!*n || strlen(n) >= SCN_NAME_MAX)
        return 0;
    for (; *n; n++)
        if (!isalnum((unsigned char)*n) && *n != '_' && *n != '-')
            return 0;
    return 1;
}

/* Why a policy name is refused, or NULL when it is fine. */
static const char *policy_name_problem(const char *n)
{
    if (!*n)
        return "a policy needs a name: [policy.NAME]";
    if (strlen(n) >= SCN_NAME_MAX)
        return "the policy name is too long (at most 127 characters)";
    if (!valid_policy_name(n))
        return "a policy name may only hold letters, digits, '_' and '-'";
    return NULL;
}

/* "[run], [city], ... or [policy.NAME]" */
static void sections_text(char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < sim_param_count && k < n; i++)
        if (i == 0 || strcmp(sim_param_table[i].section, sim_param_table[i - 1].section) != 0)
            k += (size_t)snprintf(buf + k, n - k, "%s[%s]", k ? ", " : "",
                                  sim_param_table[i].section);
    if (k < n)
        snprintf(buf + k, n - k, " or [policy.NAME]");
}

/* The keys of one section ("a, b, c"), or the policy parameters when
 * section is NULL. */
static void keys_text(const char *section, char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < sim_param_count && k < n; i++) {
        const sim_param_desc *d = &sim_param_table[i];
        if (section ? strcmp(d->section, section) != 0 : !(d->flags & SIM_PF_MUTABLE))
            continue;
        k += (size_t)snprintf(buf + k, n - k, "%s%s", k ? ", " : "", section ? d->name : d->key);
    }
}

/* A day: an integer >= 0. */
static int parse_day(const char *text, int64_t *out)
{
    while (isspace((unsigned char)*text))
        text++;
    if (!isdigit((unsigned char)*text))
        return 0;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (*end || errno == ERANGE)
        return 0;
    *out = v;
    return 1;
}

/* A parameter whose mechanism is not built accepts only its default. */
static sim_status check_unimpl(int i, double v, const char *file, int line, const char *key,
                               sim_error *err)
{
    const sim_param_desc *d = &sim_param_table[i];
    if (!(d->flags & SIM_PF_UNIMPL) || v == d->def)
        return SIM_OK;
    const sim_gap_desc *g = sim_gap_find(d->key);
    if (g)
        return SIM_FAIL(err, SIM_EINPUT, file, line, key, "not modelled: %s (%s)", g->what, g->why);
    char def[48];
    return SIM_FAIL(err, SIM_EINPUT, file, line, key,
                    "the mechanism for this parameter is not built yet; only the default %s is "
                    "accepted",
                    sim_param_format_value(i, d->def, def, sizeof def));
}

static sim_status check_mutable(int i, const char *file, int line, const char *key, sim_error *err)
{
    if (sim_param_table[i].flags & SIM_PF_MUTABLE)
        return SIM_OK;
    return SIM_FAIL(err, SIM_EINPUT, file, line, key,
                    "'%s' is fixed at the start of a run; a policy may only change policy "
                    "parameters (see troika params)",
                    sim_param_table[i].key);
}

/* ---- scenario state: origins, policies, changes ------------------------- */

static sim_status set_initial(scn_scenario *s, int i, double v, const scn_loc *at, sim_error *err)
{
    if (!s->origin) {
        s->origin = calloc((size_t)sim_param_count, sizeof *s->origin);
        if (!s->origin)
            return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, NOMEM_MSG);
    }
    sim_param_put(&s->params, i, v);
    s->origin[i] = *at;
    return SIM_OK;
}

static scn_policy *policy_find(scn_scenario *s, const char *name)
{
    for (int k = 0; k < s->npolicies; k++)
        if (strcmp(s->policies[k].name, name) == 0)
            return &s->policies[k];
    return NULL;
}

/* Forget the policy `name` and all its changes (nothing if unknown). */
static void policy_remove(scn_scenario *s, const char *name)
{
    int k = 0;
    for (int j = 0; j < s->npolicies; j++)
        if (strcmp(s->policies[j].name, name) != 0)
            s->policies[k++] = s->policies[j];
    s->npolicies = k;
    k = 0;
    for (int j = 0; j < s->nchanges; j++)
        if (strcmp(s->changes[j].policy, name) != 0)
            s->changes[k++] = s->changes[j];
    s->nchanges = k;
}

static scn_policy *policy_add(scn_scenario *s, const char *name, const scn_loc *decl,
                              sim_error *err)
{
    scn_policy *t = sim_grow(s->policies, &s->policy_cap, s->npolicies + 1, sizeof *t);
    if (!t) {
        SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, NOMEM_MSG);
        return NULL;
    }
    s->policies = t;
    scn_policy *p = &s->policies[s->npolicies++];
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    p->day = -1;
    p->decl = *decl;
    return p;
}

static void policy_set_day(scn_scenario *s, scn_policy *p, int64_t day, const scn_loc *at)
{
    p->day = day;
    p->day_at = *at;
    for (int j = 0; j < s->nchanges; j++)
        if (strcmp(s->changes[j].policy, p->name) == 0)
            s->changes[j].day = day;
}

/* Policy p sets parameter i to v: replaces its earlier value, if any. */
static sim_status policy_set_value(scn_scenario *s, const scn_policy *p, int i, double v,
                                   const scn_loc *at, sim_error *err)
{
    int next = 0;
    for (int j = 0; j < s->nchanges; j++) {
        scn_change *c = &s->changes[j];
        if (c->order >= next)
            next = c->order + 1;
        if (c->param == i && strcmp(c->policy, p->name) == 0) {
            c->value = v;
            c->at = *at;
            return SIM_OK;
        }
    }
    scn_change *t = sim_grow(s->changes, &s->cap, s->nchanges + 1, sizeof *t);
    if (!t)
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, NOMEM_MSG);
    s->changes = t;
    scn_change *c = &s->changes[s->nchanges++];
    memset(c, 0, sizeof *c);
    snprintf(c->policy, sizeof c->policy, "%s", p->name);
    c->day = p->day;
    c->param = i;
    c->value = v;
    c->order = next;
    c->at = *at;
    return SIM_OK;
}

/* ---- phase 1: read a file into entries and check it on its own ---------- */

/* "section.key" as one writes it in --set ("name" at the top level). */
static void qualified(const sim_ini_entry *e, char *buf, size_t n)
{
    if (e->section[0])
        snprintf(buf, n, "%s.%s", e->section, e->key);
    else
        snprintf(buf, n, "%s", e->key);
}

/* Is the section of header h (or of an entry) one we know?  Notes why not. */
static int check_section(sim_ini *f, const char *name, int line)
{
    char key[300];
    snprintf(key, sizeof key, "[%s]", name);
    const char *pol = policy_of(name);
    if (is_param_section(name))
        return 1;
    if (pol) {
        const char *why = policy_name_problem(pol);
        if (!why)
            return 1;
        sim_ini_note(f, line, key, "%s%s%s%s", why, *pol ? " (not '" : "", pol, *pol ? "')" : "");
        return 0;
    }
    if (strcmp(name, "policy") == 0) {
        sim_ini_note(f, line, key, "a policy needs a name: [policy.NAME]");
        return 0;
    }
    char allowed[400];
    sections_text(allowed, sizeof allowed);
    sim_ini_note(f, line, key, "unknown section [%s] (allowed: %s)", name, allowed);
    return 0;
}

static void check_entry(sim_ini *f, int k)
{
    const sim_ini_entry *e = &f->ent[k];
    char qkey[300], list[700];
    qualified(e, qkey, sizeof qkey);
    if (!e->key[0])
        return; /* sim_ini_parse() notes it */
    const char *pol = policy_of(e->section);
    if (!e->section[0]) {
        if (!strcmp(e->key, "name") || !strcmp(e->key, "description") ||
            !strcmp(e->key, "name_zh") || !strcmp(e->key, "description_zh") ||
            !strcmp(e->key, "extends"))
            return;
        const char *sug = sim_param_suggest(e->key);
        if (sug) {
            int i = sim_param_find(sug);
            sim_ini_note(f, e->line, qkey,
                         "unknown top-level key '%s' (allowed: name, description, name_zh, "
                         "description_zh, extends; did you mean "
                         "%s = ... under [%s]?)",
                         e->key, sim_param_table[i].name, sim_param_table[i].section);
        } else {
            sim_ini_note(f, e->line, qkey,
                         "unknown top-level key '%s' (allowed: name, description, name_zh, "
                         "description_zh, extends; parameters "
                         "go under their [section])",
                         e->key);
        }
    } else if (pol) {
        if (!valid_policy_name(pol) || !strcmp(e->key, "day") || sim_param_find(e->key) >= 0)
            return; /* a bad name is reported at its header */
        const char *sug = sim_param_suggest(e->key);
        if (sug) {
            sim_ini_note(f, e->line, qkey, "unknown key '%s' in [%s] (did you mean %s?)", e->key,
                         e->section, sug);
        } else {
            keys_text(NULL, list, sizeof list);
            sim_ini_note(f, e->line, qkey,
                         "unknown key '%s' in [%s] (allowed: day and section.name of a policy "
                         "parameter: %s)",
                         e->key, e->section, list[0] ? list : "none yet");
        }
    } else if (is_param_section(e->section)) {
        if (sim_param_find2(e->section, e->key) >= 0)
            return;
        const char *sug = sim_param_suggest(qkey);
        if (sug) {
            sim_ini_note(f, e->line, qkey, "unknown key '%s' in [%s] (did you mean %s?)", e->key,
                         e->section, sug);
        } else {
            keys_text(e->section, list, sizeof list);
            sim_ini_note(f, e->line, qkey, "unknown key '%s' in [%s] (allowed: %s)", e->key,
                         e->section, list);
        }
    }
    /* an unknown section is reported at its header */
}

/* Phase 1: parse f->text into entries and check them.  The problem on the
 * earliest line becomes the error. */
static sim_status parse_file(sim_ini *f, sim_error *err)
{
    SIM_TRY(err, sim_ini_parse(f, err));
    for (int k = 0; k < f->nhdr; k++)
        check_section(f, f->hdr[k].name, f->hdr[k].line);
    for (int k = 0; k < f->nent; k++)
        check_entry(f, k);
    return sim_ini_check(f, err);
}

/* ---- phase 2: extends, then apply ---------------------------------------- */

/* The files being loaded, outermost first (cycle detection). */
typedef struct {
    char *real[SCN_MAX_DEPTH];          /* realpath() */
    const char *written[SCN_MAX_DEPTH]; /* as given: to scn_load or in extends */
    int n;
} chain;

static sim_status read_text(const char *path, const char *written, const scn_loc *from, char **out,
                            size_t *outlen, sim_error *err)
{
    int e = sim_ini_read_file(path, (size_t)SCN_MAX_FILE, out, outlen);
    if (e == 0)
        return SIM_OK;
    if (e == ENOMEM)
        return SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, NOMEM_MSG);
    if (e == EFBIG) {
        if (from)
            return fail_at(err, from, "extends",
                           "'%s' is larger than 1 MiB; a scenario is a short text file", written);
        return SIM_FAIL(err, SIM_EINPUT, path, 0, "",
                        "the file is larger than 1 MiB; a scenario is a short text file");
    }
    if (from) {
        if (strcmp(written, path) == 0)
            return fail_at(err, from, "extends", "cannot read '%s': %s", written,
                           sim_file_strerror(e));
        return fail_at(err, from, "extends", "cannot read '%s' (%s): %s", written, path,
                       sim_file_strerror(e));
    }
    return SIM_FAIL(err, SIM_EINPUT, path, 0, "", "cannot read the scenario file: %s",
                    sim_file_strerror(e));
}

static sim_status add_source(scn_scenario *s, const char *path, const char *text, size_t len,
                             sim_error *err)
{
    static const char head[] = "; ---- file: ";
    size_t old = s->sources ? strlen(s->sources) : 0;
    size_t need = old + sizeof head + strlen(path) + 1 + len + 2;
    char *t = realloc(s->sources, need);
    if (!t)
        return SIM_FAIL(err, SIM_ENOMEM, path, 0, NULL, NOMEM_MSG);
    s->sources = t;
    size_t k = old + (size_t)snprintf(t + old, need - old, "%s%s\n", head, path);
    memcpy(t + k, text, len);
    k += len;
    if (len > 0 && text[len - 1] != '\n')
        t[k++] = '\n';
    t[k] = '\0';
    return SIM_OK;
}

/* The path of `rel` as named from a file at `base`: relative to its folder. */
static char *join_path(const char *base, const char *rel)
{
    const char *slash = strrchr(base, '/');
    if (rel[0] == '/' || !slash)
        return strdup(rel);
    size_t dn = (size_t)(slash - base) + 1;
    char *r = malloc(dn + strlen(rel) + 1);
    if (!r)
        return NULL;
    memcpy(r, base, dn);
    strcpy(r + dn, rel);
    return r;
}

static sim_status load_file(scn_scenario *s, chain *ch, const char *path, const char *written,
                            const scn_loc *from, sim_error *err);

/* Load, in order, the files named by this file's `extends` entry. */
static sim_status apply_extends(scn_scenario *s, chain *ch, const sim_ini *f, sim_error *err)
{
    const sim_ini_entry *ext = NULL;
    for (int k = 0; k < f->nent; k++)
        if (!f->ent[k].section[0] && !strcmp(f->ent[k].key, "extends"))
            ext = &f->ent[k];
    if (!ext)
        return SIM_OK;
    scn_loc at;
    loc_file(&at, f->path, ext->line);
    const char *p = ext->value;
    int count = 0;
    for (;;) {
        p += strspn(p, ", \t");
        if (!*p)
            break;
        size_t n = strcspn(p, ", \t");
        char *rel = sim_dup_n(p, n);
        char *path = rel ? join_path(f->path, rel) : NULL;
        if (!path) {
            free(rel);
            return SIM_FAIL(err, SIM_ENOMEM, f->path, ext->line, NULL, NOMEM_MSG);
        }
        sim_status st = load_file(s, ch, path, rel, &at, err);
        free(path);
        free(rel);
        if (st != SIM_OK)
            return st;
        p += n;
        count++;
    }
    if (count == 0)
        return fail_at(err, &at, "extends",
                       "extends names no file (allowed: file names, separated by commas or "
                       "spaces)");
    return SIM_OK;
}

/* After a value error: a '#' in the value was probably meant as a comment. */
static sim_status hint_comment(const char *value, sim_error *err)
{
    size_t n = strlen(err->msg);
    if (strchr(value, '#'))
        snprintf(err->msg + n, sizeof err->msg - n,
                 "; comments after a value start with ' ;', not '#'");
    return err->code;
}

/* Apply one value entry of a parameter section. */
static sim_status apply_param(scn_scenario *s, const sim_ini *f, const sim_ini_entry *e,
                              sim_error *err)
{
    int i = sim_param_find2(e->section, e->key);
    double v;
    if (sim_param_parse(i, e->value, &v, f->path, e->line, err) != SIM_OK)
        return hint_comment(e->value, err);
    SIM_TRY(err, check_unimpl(i, v, f->path, e->line, sim_param_table[i].key, err));
    scn_loc at;
    loc_file(&at, f->path, e->line);
    return set_initial(s, i, v, &at, err);
}

/* Apply one entry of a [policy.NAME] section. */
static sim_status apply_policy_entry(scn_scenario *s, const sim_ini *f, const sim_ini_entry *e,
                                     sim_error *err)
{
    char qkey[300];
    qualified(e, qkey, sizeof qkey);
    scn_policy *p = policy_find(s, policy_of(e->section));
    scn_loc at;
    loc_file(&at, f->path, e->line);
    if (!strcmp(e->key, "day")) {
        int64_t day;
        if (!parse_day(e->value, &day))
            return SIM_FAIL(err, SIM_EINPUT, f->path, e->line, qkey,
                            "'%s' is not a day (allowed: an integer from 0, the first day, "
                            "to run.days - 1)",
                            e->value);
        policy_set_day(s, p, day, &at);
        return SIM_OK;
    }
    int i = sim_param_find(e->key);
    double v;
    SIM_TRY(err, check_mutable(i, f->path, e->line, qkey, err));
    if (sim_param_parse(i, e->value, &v, f->path, e->line, err) != SIM_OK) {
        snprintf(err->key, sizeof err->key, "%.127s", qkey);
        return hint_comment(e->value, err);
    }
    SIM_TRY(err, check_unimpl(i, v, f->path, e->line, qkey, err));
    return policy_set_value(s, p, i, v, &at, err);
}

/* Phase 2 for one file, after what it extends. */
static sim_status apply_entries(scn_scenario *s, const sim_ini *f, int top, sim_error *err)
{
    /* each policy named in this file replaces any earlier one of its name */
    for (int k = 0; k < f->nhdr; k++) {
        const char *pol = policy_of(f->hdr[k].name);
        int again = 0;
        for (int j = 0; j < k && pol; j++)
            again |= !strcmp(f->hdr[j].name, f->hdr[k].name);
        if (!pol || again)
            continue;
        scn_loc decl;
        loc_file(&decl, f->path, f->hdr[k].line);
        policy_remove(s, pol);
        if (!policy_add(s, pol, &decl, err))
            return err->code;
    }
    for (int k = 0; k < f->nent; k++) {
        const sim_ini_entry *e = &f->ent[k];
        if (!e->section[0]) {
            if (!top || !strcmp(e->key, "extends"))
                continue; /* name and description are the loaded file's own */
            size_t n = strlen(e->value);
            int is_name = !strcmp(e->key, "name");
            /* the slot of this key: name, description, name_zh, description_zh */
            char *slot = is_name                             ? s->name
                         : !strcmp(e->key, "name_zh")        ? s->name_zh
                         : !strcmp(e->key, "description_zh") ? s->description_zh
                                                             : s->description;
            size_t cap = is_name                     ? sizeof s->name
                         : slot == s->name_zh        ? sizeof s->name_zh
                         : slot == s->description_zh ? sizeof s->description_zh
                                                     : sizeof s->description;
            if (is_name && n == 0)
                return SIM_FAIL(err, SIM_EINPUT, f->path, e->line, "name",
                                "the name is empty (allowed: a short name, or no name line "
                                "for the file's name)");
            if (n >= cap)
                return SIM_FAIL(err, SIM_EINPUT, f->path, e->line, e->key,
                                "too long (allowed: at most %zu characters)", cap - 1);
            memcpy(slot, e->value, n + 1);
        } else if (policy_of(e->section)) {
            SIM_TRY(err, apply_policy_entry(s, f, e, err));
        } else {
            SIM_TRY(err, apply_param(s, f, e, err));
        }
    }
    for (int k = 0; k < f->nhdr; k++) {
        const char *pol = policy_of(f->hdr[k].name);
        const scn_policy *p = pol ? policy_find(s, pol) : NULL;
        if (p && p->day < 0) {
            char qkey[SCN_NAME_MAX + 16];
            snprintf(qkey, sizeof qkey, "policy.%s.day", pol);
            return SIM_FAIL(err, SIM_EINPUT, f->path, f->hdr[k].line, qkey,
                            "policy '%s' has no day (allowed: day = N under [policy.%s], the "
                            "day it takes effect, from 0)",
                            pol, pol);
        }
    }
    return SIM_OK;
}

/* Read, check, extend and apply one file.  `from` is the extends line that
 * names it (NULL for the file given to scn_load). */
static sim_status load_file(scn_scenario *s, chain *ch, const char *path, const char *written,
                            const scn_loc *from, sim_error *err)
{
    char *real = realpath(path, NULL);
    if (!real) {
        int e = errno;
        if (!from)
            return SIM_FAIL(err, SIM_EINPUT, path, 0, "", "cannot read the scenario file: %s",
                            strerror(e));
        if (strcmp(written, path) == 0)
            return fail_at(err, from, "extends", "cannot read '%s': %s", written, strerror(e));
        return fail_at(err, from, "extends", "cannot read '%s' (%s): %s", written, path,
                       strerror(e));
    }
    for (int k = 0; k < ch->n; k++) {
        if (strcmp(ch->real[k], real) != 0)
            continue;
        char cyc[700];
        size_t m = 0;
        for (int j = k; j < ch->n && m < sizeof cyc; j++)
            m += (size_t)snprintf(cyc + m, sizeof cyc - m, "%s -> ", ch->written[j]);
        if (m < sizeof cyc)
            snprintf(cyc + m, sizeof cyc - m, "%s", written);
        free(real);
        return fail_at(err, from, "extends", "extends cycle: %s", cyc);
    }
    if (ch->n >= SCN_MAX_DEPTH) {
        free(real);
        return fail_at(err, from, "extends", "extends chain deeper than %d files", SCN_MAX_DEPTH);
    }
    char *text = NULL;
    size_t len = 0;
    sim_status st = read_text(path, written, from, &text, &len, err);
    sim_ini f;
    sim_ini_init(&f, path, text, len);
    if (st == SIM_OK)
        st = parse_file(&f, err);
    if (st == SIM_OK)
        st = add_source(s, path, text, len, err);
    if (st == SIM_OK) {
        ch->real[ch->n] = real;
        ch->written[ch->n] = written;
        ch->n++;
        st = apply_extends(s, ch, &f, err);
        if (st == SIM_OK)
            st = apply_entries(s, &f, ch->n == 1, err);
        ch->n--;
    }
    sim_ini_free(&f);
    free(text);
    free(real);
    return st;
}

/* ---- the public functions ------------------------------------------------ */

void scn_init_default(scn_scenario *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "default");
    sim_params_default(&s->params);
}

void scn_free(scn_scenario *s)
{
    if (!s)
        return;
    free(s->changes);
    free(s->sources);
    free(s->policies);
    free(s->origin);
    s->changes = NULL;
    s->sources = NULL;
    s->policies = NULL;
    s->origin = NULL;
    s->nchanges = s->cap = s->npolicies = s->policy_cap = 0;
}

sim_status scn_load(scn_scenario *s, const char *path, sim_error *err)
{
    if (!path || !path[0])
        return SIM_FAIL(err, SIM_EINPUT, "", 0, "", "no scenario file given (the path is empty)");
    if (strlen(path) >= sizeof s->path)
        return SIM_FAIL(err, SIM_EINPUT, "", 0, "", "the scenario path is too long");
    snprintf(s->path, sizeof s->path, "%s", path);
    /* the name defaults to the file's stem */
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".ini") == 0)
        n -= 4;
    if (n >= sizeof s->name)
        n = sizeof s->name - 1;
    if (n > 0) {
        memcpy(s->name, base, n);
        s->name[n] = '\0';
    }
    chain ch;
    memset(&ch, 0, sizeof ch);
    return load_file(s, &ch, path, path, NULL, err);
}

sim_status scn_load_text(scn_scenario *s, const char *label, const char *text, sim_error *err)
{
    sim_ini f;
    sim_ini_init(&f, label, text, strlen(text));
    sim_status st = parse_file(&f, err);
    for (int k = 0; st == SIM_OK && k < f.nent; k++)
        if (!f.ent[k].section[0] && !strcmp(f.ent[k].key, "extends"))
            st = SIM_FAIL(err, SIM_EINPUT, label, f.ent[k].line, "extends",
                          "scenario text from %s may not extend other files", label);
    if (st == SIM_OK)
        st = apply_entries(s, &f, 1, err);
    sim_ini_free(&f);
    return st;
}

sim_status scn_set(scn_scenario *s, const char *assignment, sim_error *err)
{
    if (!assignment)
        assignment = "";
    const char *eq = strchr(assignment, '=');
    char key[256], val[512];
    if (!eq)
        return SIM_FAIL(err, SIM_EINPUT, "", 0, "--set", "--set %s: no '=' (%s)", assignment,
                        set_forms);
    if (!sim_copy_trimmed(key, sizeof key, assignment, (size_t)(eq - assignment)) ||
        !sim_copy_trimmed(val, sizeof val, eq + 1, strlen(eq + 1)))
        return SIM_FAIL(err, SIM_EINPUT, "", 0, "--set", "--set %s: too long (%s)", assignment,
                        set_forms);
    if (!key[0])
        return SIM_FAIL(err, SIM_EINPUT, "", 0, "--set",
                        "--set %s: the key before '=' is empty (%s)", assignment, set_forms);
    scn_loc at;
    loc_set(&at);

    if (strncmp(key, "policy.", 7) != 0) { /* an initial value */
        int i = sim_param_find(key);
        if (i < 0) {
            const char *sug = sim_param_suggest(key);
            if (sug)
                return SIM_FAIL(err, SIM_EINPUT, "", 0, "--set",
                                "--set %s: unknown key '%s' (did you mean %s?)", assignment, key,
                                sug);
            char sec[128], list[700];
            size_t sn = strcspn(key, ".");
            if (key[sn] && sn < sizeof sec) {
                memcpy(sec, key, sn);
                sec[sn] = '\0';
                if (is_param_section(sec)) {
                    keys_text(sec, list, sizeof list);
                    return SIM_FAIL(err, SIM_EINPUT, "", 0, "--set",
                                    "--set %s: unknown key '%s' (allowed in [%s]: %s)", assignment,
                                    key, sec, list);
                }
            }
            return SIM_FAIL(err, SIM_EINPUT, "", 0, "--set",
                            "--set %s: unknown key '%s' (%s; see troika params for the keys)",
                            assignment, key, set_forms);
        }
        double v;
        if (sim_param_parse(i, val, &v, "", 0, err) != SIM_OK ||
            check_unimpl(i, v, "", 0, key, err) != SIM_OK)
            return as_set_error(err, assignment, NULL);
        return set_initial(s, i, v, &at, err);
    }

    /* policy.NAME.day or policy.NAME.section.name */
    const char *name = key + 7;
    char *dot = strchr(name, '.');
    if (!dot || !dot[1])
        return SIM_FAIL(err, SIM_EINPUT, "", 0, "--set", "--set %s: %s", assignment, set_forms);
    *dot = '\0';
    const char *what = dot + 1;
    const char *why = policy_name_problem(name);
    if (why)
        return SIM_FAIL(err, SIM_EINPUT, "", 0, "--set", "--set %s: %s%s%s%s", assignment, why,
                        *name ? " (not '" : "", name, *name ? "')" : "");
    char qkey[300];
    snprintf(qkey, sizeof qkey, "policy.%s.%s", name, what);
    scn_policy *p = policy_find(s, name);
    if (!strcmp(what, "day")) {
        int64_t day;
        if (!parse_day(val, &day))
            return SIM_FAIL(err, SIM_EINPUT, "", 0, qkey,
                            "--set %s: '%s' is not a day (allowed: an integer from 0, the "
                            "first day, to run.days - 1)",
                            assignment, val);
        if (!p && !(p = policy_add(s, name, &at, err)))
            return err->code;
        policy_set_day(s, p, day, &at);
        return SIM_OK;
    }
    int i = sim_param_find(what);
    if (i < 0) {
        const char *sug = sim_param_suggest(what);
        if (sug)
            return SIM_FAIL(err, SIM_EINPUT, "", 0, "--set",
                            "--set %s: unknown key '%s' (did you mean policy.%s.%s?)", assignment,
                            what, name, sug);
        return SIM_FAIL(err, SIM_EINPUT, "", 0, "--set",
                        "--set %s: unknown key '%s' (%s; see troika params for the keys)",
                        assignment, what, set_forms);
    }
    double v;
    if (check_mutable(i, "", 0, qkey, err) != SIM_OK ||
        sim_param_parse(i, val, &v, "", 0, err) != SIM_OK ||
        check_unimpl(i, v, "", 0, qkey, err) != SIM_OK)
        return as_set_error(err, assignment, qkey);
    if (!p && !(p = policy_add(s, name, &at, err)))
        return err->code;
    return policy_set_value(s, p, i, v, &at, err);
}

/* ---- scn_finish ------------------------------------------------------------ */

typedef struct {
    int64_t day;
    int rank; /* first declaration order among its policy's changes */
    int order;
    int idx;
} sort_key;

static int cmp_key(const void *a, const void *b)
{
    const sort_key *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Smallest order among the changes of policy `name` (INT_MAX-ish if none). */
static int policy_rank(const scn_scenario *s, const char *name)
{
    int r = -1;
    for (int j = 0; j < s->nchanges; j++)
        if (!strcmp(s->changes[j].policy, name) && (r < 0 || s->changes[j].order < r))
            r = s->changes[j].order;
    return r < 0 ? 1 << 30 : r;
}

static sim_status sort_changes(scn_scenario *s, sim_error *err)
{
    if (s->nchanges == 0)
        return SIM_OK;
    sort_key *k = malloc((size_t)s->nchanges * sizeof *k);
    scn_change *out = malloc((size_t)s->nchanges * sizeof *out);
    if (!k || !out) {
        free(k);
        free(out);
        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, NOMEM_MSG);
    }
    for (int j = 0; j < s->nchanges; j++) {
        k[j].day = s->changes[j].day;
        k[j].rank = policy_rank(s, s->changes[j].policy);
        k[j].order = s->changes[j].order;
        k[j].idx = j;
    }
    qsort(k, (size_t)s->nchanges, sizeof *k, cmp_key);
    for (int j = 0; j < s->nchanges; j++) {
        out[j] = s->changes[k[j].idx];
        out[j].order = j;
    }
    free(s->changes);
    free(k);
    s->changes = out;
    s->cap = s->nchanges;
    return SIM_OK;
}

/* A cross-field error without a place gets the place of its key's value. */
static void locate_initial(const scn_scenario *s, sim_error *err)
{
    int i = sim_param_find(err->key);
    if (err->file[0] || i < 0 || !s->origin)
        return;
    const scn_loc *o = &s->origin[i];
    if (o->from == SCN_FROM_FILE) {
        snprintf(err->file, sizeof err->file, "%s", o->file);
        err->line = o->line;
    } else if (o->from == SCN_FROM_SET) {
        size_t n = strlen(err->msg);
        snprintf(err->msg + n, sizeof err->msg - n, " (%s given with --set)", err->key);
    }
}

int scn_late_policy(const scn_scenario *s, int k, sim_error *note)
{
    const scn_policy *p = &s->policies[k];
    int64_t days = s->params.run_days;
    if (p->day < days)
        return 0;
    char qkey[SCN_NAME_MAX + 16];
    snprintf(qkey, sizeof qkey, "policy.%s.day", p->name);
    fail_at(note, &p->day_at, qkey,
            "policy '%s' starts on day %lld, after the run ends (run.days = %lld): it never "
            "takes effect",
            p->name, (long long)p->day, (long long)days);
    return 1;
}

sim_status scn_finish(scn_scenario *s, sim_error *err)
{
    for (int k = 0; k < s->npolicies; k++) {
        scn_policy *p = &s->policies[k];
        char qkey[SCN_NAME_MAX + 16];
        snprintf(qkey, sizeof qkey, "policy.%s.day", p->name);
        if (p->day < 0)
            return fail_at(err, &p->decl, qkey,
                           "policy '%s' has no day (allowed: day = N under [policy.%s], or "
                           "--set policy.%s.day=N)",
                           p->name, p->name, p->name);
        int n = 0;
        for (int j = 0; j < s->nchanges; j++)
            n += !strcmp(s->changes[j].policy, p->name);
        if (n == 0)
            return fail_at(err, &p->day_at, qkey,
                           "policy '%s' changes nothing (allowed: section.name = value lines "
                           "of policy parameters under [policy.%s])",
                           p->name, p->name);
        policy_set_day(s, p, p->day, &p->day_at); /* keep the changes in step */
    }
    SIM_TRY(err, sort_changes(s, err));

    /* two policies may not set one parameter on one day */
    for (int b = 0; b < s->nchanges; b++)
        for (int a = 0; a < b; a++) {
            const scn_change *x = &s->changes[a], *y = &s->changes[b];
            if (x->day != y->day || x->param != y->param || !strcmp(x->policy, y->policy))
                continue;
            char qkey[SCN_NAME_MAX + 80];
            snprintf(qkey, sizeof qkey, "policy.%s.%s", y->policy, sim_param_table[y->param].key);
            return fail_at(err, &y->at, qkey,
                           "policies '%s' and '%s' both set %s on day %lld (allowed: one "
                           "policy per parameter and day)",
                           x->policy, y->policy, sim_param_table[y->param].key, (long long)y->day);
        }

    /* cross-field rules: at the start ... */
    if (mdl_params_check(&s->params, err) != SIM_OK) {
        locate_initial(s, err);
        return err->code;
    }
    /* ... and after each day that has changes */
    sim_params p = s->params;
    for (int j = 0; j < s->nchanges;) {
        int j0 = j;
        for (; j < s->nchanges && s->changes[j].day == s->changes[j0].day; j++)
            sim_param_put(&p, s->changes[j].param, s->changes[j].value);
        sim_error e2;
        sim_error_clear(&e2);
        if (mdl_params_check(&p, &e2) == SIM_OK)
            continue;
        const scn_change *c = &s->changes[j0];
        for (int m = j0; m < j; m++)
            if (!strcmp(sim_param_table[s->changes[m].param].key, e2.key))
                c = &s->changes[m];
        return fail_at(err, &c->at, e2.key,
                       "from day %lld, with policy '%s', the parameters contradict each "
                       "other: %s",
                       (long long)c->day, c->policy, e2.msg);
    }
    return SIM_OK;
}

/* ---- scn_resolved_ini ------------------------------------------------------ */

typedef struct {
    char *s;
    size_t len, cap;
    int nomem;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    if (b->nomem)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->nomem = 1;
            return;
        }
        if (b->s && b->len + (size_t)k < b->cap) {
            b->len += (size_t)k;
            return;
        }
        size_t nc = b->cap ? b->cap : 4096;
        while (nc <= b->len + (size_t)k)
            nc *= 2;
        char *t = realloc(b->s, nc);
        if (!t) {
            b->nomem = 1;
            return;
        }
        b->s = t;
        b->cap = nc;
    }
}

char *scn_resolved_ini(const scn_scenario *s)
{
    sbuf b = {NULL, 0, 0, 0};
    sb_printf(&b, "name = %s\n", s->name);
    if (s->description[0])
        sb_printf(&b, "description = %s\n", s->description);
    if (s->name_zh[0])
        sb_printf(&b, "name_zh = %s\n", s->name_zh);
    if (s->description_zh[0])
        sb_printf(&b, "description_zh = %s\n", s->description_zh);
    sb_printf(&b, "\n");
    char *params = sim_params_to_ini(&s->params);
    if (!params) {
        free(b.s);
        return NULL;
    }
    sb_printf(&b, "%s", params);
    free(params);

    /* policies by (day, rank); each one's changes in declaration order */
    int np = s->npolicies;
    sort_key *pk = malloc((size_t)(np > 0 ? np : 1) * sizeof *pk);
    int *ck = malloc((size_t)(s->nchanges > 0 ? s->nchanges : 1) * sizeof *ck);
    if (!pk || !ck) {
        free(pk);
        free(ck);
        free(b.s);
        return NULL;
    }
    for (int k = 0; k < np; k++) {
        pk[k].day = s->policies[k].day;
        pk[k].rank = policy_rank(s, s->policies[k].name);
        pk[k].order = k;
        pk[k].idx = k;
    }
    qsort(pk, (size_t)np, sizeof *pk, cmp_key);
    for (int k = 0; k < np; k++) {
        const scn_policy *p = &s->policies[pk[k].idx];
        sb_printf(&b, "\n[policy.%s]\nday = %lld\n", p->name, (long long)p->day);
        int n = 0;
        for (int j = 0; j < s->nchanges; j++) {
            if (strcmp(s->changes[j].policy, p->name) != 0)
                continue;
            int m = n++; /* insertion by order */
            while (m > 0 && s->changes[ck[m - 1]].order > s->changes[j].order) {
                ck[m] = ck[m - 1];
                m--;
            }
            ck[m] = j;
        }
        for (int m = 0; m < n; m++) {
            const scn_change *c = &s->changes[ck[m]];
            char val[48];
            sb_printf(&b, "%s = %s\n", sim_param_table[c->param].key,
                      sim_param_format_value(c->param, c->value, val, sizeof val));
        }
    }
    free(pk);
    free(ck);
    if (b.nomem) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
