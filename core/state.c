/* core/state.c — see state.h.
 *
 * Entries are kept in registration order, which is also the order of
 * saving and loading: a variable array's count is a scalar registered
 * before it, so it has been loaded when the array is.  Lists are saved by
 * gathering a field of every record of every list into one scratch array
 * (and loaded by scattering it back), so the file holds flat arrays only.
 */
#include "state.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { K_FIXED = 0, K_VAR, K_LIST_N, K_LIST_FIELD };

typedef struct {
    char name[SIM_STATE_NAME];
    int kind;
    sim_vtype type;
    void *data;        /* K_FIXED: the elements; K_VAR: address of the pointer */
    int64_t n;         /* K_FIXED: elements */
    const void *count; /* K_VAR: the length variable */
    sim_vtype count_type;
    sim_state_reserve reserve;
    void *obj;
    int lists;     /* K_LIST_*: index into st->lists */
    size_t offset; /* K_LIST_FIELD: of the field in a record */
    int checked;   /* a range was given (sim_state_range) */
    double lo, hi; /* every element in [lo, hi] */
} entry;

typedef struct {
    sim_state_check_fn fn;
    void *obj;
    char scope[SIM_STATE_NAME]; /* named in the message of a failure */
} on_load;

typedef struct {
    char *base;
    int64_t nlists;
    size_t list_size, off_n, off_cap, off_d, rec_size;
} list_group;

struct sim_state {
    entry *e;
    int n, cap;
    list_group *lists;
    int nlists, lists_cap;
    char scope[SIM_STATE_NAME];
    sim_status status; /* first registration failure */
    char msg[256];
    void *scratch;
    size_t scratch_size;
    on_load *checks;
    int nchecks;
    char (*retired)[SIM_STATE_NAME]; /* names of entries no longer kept */
    int nretired;
};

static const struct {
    size_t size;
    const char *name;
} vtypes[SIM_V_NTYPES] = {
    {1, "int8"},   {1, "uint8"}, {2, "int16"},  {2, "uint16"},  {4, "int32"},
    {4, "uint32"}, {8, "int64"}, {8, "uint64"}, {4, "float32"}, {8, "float64"},
};

size_t sim_vtype_size(sim_vtype t)
{
    return (unsigned)t < SIM_V_NTYPES ? vtypes[t].size : 0;
}

const char *sim_vtype_name(sim_vtype t)
{
    return (unsigned)t < SIM_V_NTYPES ? vtypes[t].name : "?";
}

sim_state *sim_state_create(void)
{
    return calloc(1, sizeof(sim_state));
}

void sim_state_destroy(sim_state *st)
{
    if (!st)
        return;
    free(st->e);
    free(st->lists);
    free(st->scratch);
    free(st->checks);
    free(st->retired);
    free(st);
}

void sim_state_scope(sim_state *st, const char *fmt, ...)
{
    st->scope[0] = '\0';
    if (!fmt)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->scope, sizeof st->scope, fmt, ap);
    va_end(ap);
}

static void fail(sim_state *st, sim_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(sim_state *st, sim_status s, const char *fmt, ...)
{
    if (st->status != SIM_OK)
        return;
    st->status = s;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->msg, sizeof st->msg, fmt, ap);
    va_end(ap);
}

sim_status sim_state_status(const sim_state *st, sim_error *err)
{
    if (st->status == SIM_OK)
        return SIM_OK;
    return SIM_FAIL(err, st->status, NULL, 0, NULL, "state registry: %s", st->msg);
}

int sim_state_count(const sim_state *st)
{
    return st->n;
}

const char *sim_state_name(const sim_state *st, int i)
{
    return i >= 0 && i < st->n ? st->e[i].name : NULL;
}

static int find(const sim_state *st, const char *name)
{
    for (int i = 0; i < st->n; i++)
        if (strcmp(st->e[i].name, name) == 0)
            return i;
    return -1;
}

void sim_state_retired(sim_state *st, const char *name)
{
    if (st->status != SIM_OK)
        return;
    char(*nr)[SIM_STATE_NAME] = realloc(st->retired, sizeof *nr * (size_t)(st->nretired + 1));
    if (!nr) {
        fail(st, SIM_ENOMEM, "out of memory");
        return;
    }
    st->retired = nr;
    char *full = nr[st->nretired];
    int len = snprintf(full, SIM_STATE_NAME, "%s%s%s", st->scope, st->scope[0] ? "." : "", name);
    if (len < 0 || len >= SIM_STATE_NAME) {
        fail(st, SIM_EINTERNAL, "name too long: %s.%s", st->scope, name);
        return;
    }
    st->nretired++;
}

int sim_state_is_retired(const sim_state *st, const char *name)
{
    for (int i = 0; i < st->nretired; i++)
        if (strcmp(st->retired[i], name) == 0)
            return 1;
    return 0;
}

/* A new entry with the scoped name, or NULL (failure recorded). */
static entry *add(sim_state *st, const char *name, int kind, sim_vtype t)
{
    if (st->status != SIM_OK)
        return NULL;
    char full[SIM_STATE_NAME];
    int len = snprintf(full, sizeof full, "%s%s%s", st->scope, st->scope[0] ? "." : "", name);
    if (len < 0 || (size_t)len >= sizeof full) {
        fail(st, SIM_EINTERNAL, "name too long: %s.%s", st->scope, name);
        return NULL;
    }
    if (find(st, full) >= 0) {
        fail(st, SIM_EINTERNAL, "'%s' registered twice", full);
        return NULL;
    }
    if (st->n == st->cap) {
        int cap = st->cap ? 2 * st->cap : 64;
        entry *ne = realloc(st->e, sizeof *ne * (size_t)cap);
        if (!ne) {
            fail(st, SIM_ENOMEM, "out of memory");
            return NULL;
        }
        st->e = ne;
        st->cap = cap;
    }
    entry *e = &st->e[st->n++];
    memset(e, 0, sizeof *e);
    memcpy(e->name, full, (size_t)len + 1);
    e->kind = kind;
    e->type = t;
    return e;
}

void sim_state_add(sim_state *st, const char *name, sim_vtype t, void *data, int64_t n)
{
    entry *e = add(st, name, K_FIXED, t);
    if (!e)
        return;
    e->data = data;
    e->n = n;
}

/* Is `count` the data of a scalar entry registered before? */
static int is_registered_scalar(const sim_state *st, const void *count)
{
    for (int i = 0; i < st->n; i++)
        if (st->e[i].kind == K_FIXED && st->e[i].data == count && st->e[i].n == 1)
            return 1;
    return 0;
}

void sim_state_add_var(sim_state *st, const char *name, sim_vtype t, void *pptr, const void *count,
                       sim_vtype count_type, sim_state_reserve reserve, void *obj)
{
    if (st->status == SIM_OK && count_type != SIM_V_I32 && count_type != SIM_V_I64) {
        fail(st, SIM_EINTERNAL, "the count of %s is not an int32 or int64", name);
        return;
    }
    if (st->status == SIM_OK && !is_registered_scalar(st, count)) {
        fail(st, SIM_EINTERNAL, "the count of %s.%s must be registered before it", st->scope, name);
        return;
    }
    entry *e = add(st, name, K_VAR, t);
    if (!e)
        return;
    e->data = pptr;
    e->count = count;
    e->count_type = count_type;
    e->reserve = reserve;
    e->obj = obj;
}

int sim_state_add_lists(sim_state *st, const char *name, void *lists, int64_t nlists,
                        size_t list_size, size_t off_n, size_t off_cap, size_t off_d,
                        size_t rec_size)
{
    if (st->status != SIM_OK)
        return -1;
    if (st->nlists == st->lists_cap) {
        int cap = st->lists_cap ? 2 * st->lists_cap : 4;
        list_group *nl = realloc(st->lists, sizeof *nl * (size_t)cap);
        if (!nl) {
            fail(st, SIM_ENOMEM, "out of memory");
            return -1;
        }
        st->lists = nl;
        st->lists_cap = cap;
    }
    char cname[SIM_STATE_NAME];
    snprintf(cname, sizeof cname, "%s.n", name);
    entry *e = add(st, cname, K_LIST_N, SIM_V_I32);
    if (!e)
        return -1;
    int h = st->nlists++;
    st->lists[h] = (list_group){lists, nlists, list_size, off_n, off_cap, off_d, rec_size};
    e->lists = h;
    e->n = nlists;
    return h;
}

void sim_state_add_list_field(sim_state *st, int lists, const char *name, sim_vtype t,
                              size_t offset)
{
    if (st->status == SIM_OK && (lists < 0 || lists >= st->nlists)) {
        fail(st, SIM_EINTERNAL, "%s: no such list group", name);
        return;
    }
    entry *e = add(st, name, K_LIST_FIELD, t);
    if (!e)
        return;
    e->lists = lists;
    e->offset = offset;
}

void sim_state_range(sim_state *st, double lo, double hi)
{
    if (st->status != SIM_OK)
        return;
    if (st->n == 0 || !(lo <= hi)) {
        fail(st, SIM_EINTERNAL, "a range [%g, %g] %s", lo, hi,
             st->n ? "that is empty" : "before any entry");
        return;
    }
    entry *e = &st->e[st->n - 1];
    e->checked = 1;
    e->lo = lo;
    e->hi = hi;
}

void sim_state_on_load(sim_state *st, sim_state_check_fn check, void *obj)
{
    if (st->status != SIM_OK)
        return;
    on_load *nc = realloc(st->checks, sizeof *nc * (size_t)(st->nchecks + 1));
    if (!nc) {
        fail(st, SIM_ENOMEM, "out of memory");
        return;
    }
    st->checks = nc;
    on_load *c = &st->checks[st->nchecks++];
    c->fn = check;
    c->obj = obj;
    memcpy(c->scope, st->scope, sizeof c->scope);
}

const char *sim_state_unchecked(const sim_state *st)
{
    for (int i = 0; i < st->n; i++)
        if (!st->e[i].checked)
            return st->e[i].name;
    return NULL;
}

double sim_state_value(sim_vtype t, const void *data, int64_t i)
{
    switch (t) {
    case SIM_V_I8:
        return ((const int8_t *)data)[i];
    case SIM_V_U8:
        return ((const uint8_t *)data)[i];
    case SIM_V_I16:
        return ((const int16_t *)data)[i];
    case SIM_V_U16:
        return ((const uint16_t *)data)[i];
    case SIM_V_I32:
        return ((const int32_t *)data)[i];
    case SIM_V_U32:
        return ((const uint32_t *)data)[i];
    case SIM_V_I64:
        return (double)((const int64_t *)data)[i];
    case SIM_V_U64:
        return (double)((const uint64_t *)data)[i];
    case SIM_V_F32:
        return ((const float *)data)[i];
    case SIM_V_F64:
        return ((const double *)data)[i];
    case SIM_V_NTYPES:
        break;
    }
    return NAN;
}

int sim_state_in_range(sim_vtype t, const void *data, int64_t n, double lo, double hi, int64_t *bad)
{
    for (int64_t i = 0; i < n; i++) {
        double v = sim_state_value(t, data, i);
        if (!(v >= lo && v <= hi)) { /* NaN fails too */
            if (bad)
                *bad = i;
            return 0;
        }
    }
    return 1;
}

void sim_state_range_text(double lo, double hi, char *buf, size_t n)
{
    if (lo == -DBL_MAX && hi == DBL_MAX)
        snprintf(buf, n, "not a finite number");
    else
        snprintf(buf, n, "outside [%.17g, %.17g]", lo, hi);
}

/* SIM_EINPUT unless the n elements at data are in e's range. */
static sim_status check_range(const entry *e, const void *data, int64_t n, sim_error *err)
{
    int64_t bad = 0;
    if (sim_state_in_range(e->type, data, n, e->lo, e->hi, &bad))
        return SIM_OK;
    char range[120];
    sim_state_range_text(e->lo, e->hi, range, sizeof range);
    return SIM_FAIL(err, SIM_EINPUT, NULL, 0, e->name,
                    "element %lld is %.17g, %s (a damaged or edited checkpoint)", (long long)bad,
                    sim_state_value(e->type, data, bad), range);
}

/* ---- list headers -------------------------------------------------------- */

static int32_t *list_n(const list_group *g, int64_t i)
{
    return (int32_t *)(void *)(g->base + (size_t)i * g->list_size + g->off_n);
}

static int32_t *list_cap(const list_group *g, int64_t i)
{
    return (int32_t *)(void *)(g->base + (size_t)i * g->list_size + g->off_cap);
}

static char *list_data(const list_group *g, int64_t i)
{
    char *p;
    memcpy(&p, g->base + (size_t)i * g->list_size + g->off_d, sizeof p);
    return p;
}

static void list_set_data(const list_group *g, int64_t i, char *p)
{
    memcpy(g->base + (size_t)i * g->list_size + g->off_d, &p, sizeof p);
}

static int64_t list_total(const list_group *g)
{
    int64_t t = 0;
    for (int64_t i = 0; i < g->nlists; i++)
        t += *list_n(g, i);
    return t;
}

static void *scratch(sim_state *st, size_t bytes)
{
    if (bytes == 0)
        bytes = 1;
    if (bytes > st->scratch_size) {
        void *p = realloc(st->scratch, bytes);
        if (!p)
            return NULL;
        st->scratch = p;
        st->scratch_size = bytes;
    }
    return st->scratch;
}

static int64_t count_of(const entry *e)
{
    if (e->count_type == SIM_V_I32)
        return *(const int32_t *)e->count;
    return *(const int64_t *)e->count;
}

static void *var_data(const entry *e)
{
    void *p;
    memcpy(&p, e->data, sizeof p);
    return p;
}

/* get() the n elements of e into data, which may be NULL only when n is 0
 * (get with data NULL only asks whether the file has them). */
static sim_status fetch(sim_state *st, sim_state_get get, void *arg, const entry *e, int64_t n,
                        void *data, sim_error *err)
{
    return get(arg, e->name, e->type, n, data ? data : (void *)st, err);
}

/* ---- save and load ---------------------------------------------------------- */

sim_status sim_state_save(sim_state *st, sim_state_put put, void *arg, sim_error *err)
{
    SIM_TRY(err, sim_state_status(st, err));
    for (int i = 0; i < st->n; i++) {
        const entry *e = &st->e[i];
        size_t sz = sim_vtype_size(e->type);
        switch (e->kind) {
        case K_FIXED:
            SIM_TRY(err, put(arg, e->name, e->type, e->n, e->data, err));
            break;
        case K_VAR:
            SIM_TRY(err, put(arg, e->name, e->type, count_of(e), var_data(e), err));
            break;
        case K_LIST_N: {
            const list_group *g = &st->lists[e->lists];
            int32_t *buf = scratch(st, sizeof *buf * (size_t)g->nlists);
            if (!buf)
                return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory saving %s", e->name);
            for (int64_t k = 0; k < g->nlists; k++)
                buf[k] = *list_n(g, k);
            SIM_TRY(err, put(arg, e->name, e->type, g->nlists, buf, err));
            break;
        }
        case K_LIST_FIELD: {
            const list_group *g = &st->lists[e->lists];
            int64_t total = list_total(g);
            char *buf = scratch(st, sz * (size_t)total);
            if (!buf)
                return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory saving %s", e->name);
            size_t at = 0;
            for (int64_t k = 0; k < g->nlists; k++) {
                const char *d = list_data(g, k);
                for (int32_t j = 0; j < *list_n(g, k); j++, at += sz)
                    memcpy(buf + at, d + (size_t)j * g->rec_size + e->offset, sz);
            }
            SIM_TRY(err, put(arg, e->name, e->type, total, buf, err));
            break;
        }
        }
    }
    return SIM_OK;
}

sim_status sim_state_load(sim_state *st, sim_state_get get, void *arg, sim_error *err)
{
    SIM_TRY(err, sim_state_status(st, err));
    for (int i = 0; i < st->n; i++) {
        const entry *e = &st->e[i];
        size_t sz = sim_vtype_size(e->type);
        switch (e->kind) {
        case K_FIXED:
            SIM_TRY(err, fetch(st, get, arg, e, e->n, e->data, err));
            SIM_TRY(err, check_range(e, e->data, e->n, err));
            break;
        case K_VAR: {
            int64_t n = count_of(e);
            if (n < 0)
                return SIM_FAIL(err, SIM_EINPUT, NULL, 0, e->name,
                                "the checkpoint gives %s a negative length (%lld)", e->name,
                                (long long)n);
            /* the file must hold n elements before room is made for them */
            SIM_TRY(err, get(arg, e->name, e->type, n, NULL, err));
            if (e->reserve && e->reserve(e->obj, n) != SIM_OK)
                return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, e->name,
                                "out of memory for %s (%lld elements)", e->name, (long long)n);
            SIM_TRY(err, fetch(st, get, arg, e, n, var_data(e), err));
            SIM_TRY(err, check_range(e, var_data(e), n, err));
            break;
        }
        case K_LIST_N: {
            const list_group *g = &st->lists[e->lists];
            int32_t *buf = scratch(st, sizeof *buf * (size_t)g->nlists);
            if (!buf)
                return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory loading %s",
                                e->name);
            SIM_TRY(err, get(arg, e->name, e->type, g->nlists, buf, err));
            SIM_TRY(err, check_range(e, buf, g->nlists, err));
            int64_t total = 0;
            for (int64_t k = 0; k < g->nlists; k++) {
                if (buf[k] < 0)
                    return SIM_FAIL(err, SIM_EINPUT, NULL, 0, e->name,
                                    "the checkpoint gives list %lld of %s a negative length",
                                    (long long)k, e->name);
                total += buf[k];
            }
            /* the records' fields must be in the file before room is made */
            for (int j = i + 1; j < st->n; j++)
                if (st->e[j].kind == K_LIST_FIELD && st->e[j].lists == e->lists) {
                    SIM_TRY(err, get(arg, st->e[j].name, st->e[j].type, total, NULL, err));
                    break;
                }
            for (int64_t k = 0; k < g->nlists; k++) {
                int32_t n = buf[k];
                if (n > *list_cap(g, k)) {
                    char *d = realloc(list_data(g, k), g->rec_size * (size_t)n);
                    if (!d)
                        return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, e->name,
                                        "out of memory loading %s", e->name);
                    list_set_data(g, k, d);
                    *list_cap(g, k) = n;
                }
                if (n > 0)
                    memset(list_data(g, k), 0, g->rec_size * (size_t)n);
                *list_n(g, k) = n;
            }
            break;
        }
        case K_LIST_FIELD: {
            const list_group *g = &st->lists[e->lists];
            int64_t total = list_total(g);
            char *buf = scratch(st, sz * (size_t)total);
            if (!buf)
                return SIM_FAIL(err, SIM_ENOMEM, NULL, 0, NULL, "out of memory loading %s",
                                e->name);
            SIM_TRY(err, get(arg, e->name, e->type, total, buf, err));
            SIM_TRY(err, check_range(e, buf, total, err));
            size_t at = 0;
            for (int64_t k = 0; k < g->nlists; k++) {
                char *d = list_data(g, k);
                for (int32_t j = 0; j < *list_n(g, k); j++, at += sz)
                    memcpy(d + (size_t)j * g->rec_size + e->offset, buf + at, sz);
            }
            break;
        }
        }
    }
    for (int i = 0; i < st->nchecks; i++) {
        sim_status s = st->checks[i].fn(st->checks[i].obj, err);
        if (s != SIM_OK) {
            if (err && !err->key[0])
                snprintf(err->key, sizeof err->key, "%s", st->checks[i].scope);
            SIM_TRY(err, s);
        }
    }
    return SIM_OK;
}
