/* analysis/window.c — see window.h. */
#include "window.h"

#include <stdio.h>
#include <string.h>

/* One side: empty (0 returned in *has), or an optionally signed integer. */
static int parse_side(const char *s, size_t len, int *has, int64_t *out)
{
    *has = len > 0;
    *out = 0;
    if (len == 0)
        return 1;
    size_t k = 0;
    int neg = 0;
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        k = 1;
    }
    if (k == len || len - k > 15)
        return 0;
    int64_t v = 0;
    for (; k < len; k++) {
        if (s[k] < '0' || s[k] > '9')
            return 0;
        v = 10 * v + (s[k] - '0');
    }
    *out = neg ? -v : v;
    return 1;
}

sim_status ana_window_parse(const char *text, ana_window *w, const char *key, sim_error *err)
{
    memset(w, 0, sizeof *w);
    const char *colon = strchr(text, ':');
    if (!colon || strchr(colon + 1, ':') ||
        !parse_side(text, (size_t)(colon - text), &w->has_from, &w->from) ||
        !parse_side(colon + 1, strlen(colon + 1), &w->has_to, &w->to))
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, key,
                        "'%s' is not a window (allowed: FROM:TO, days counted from 0, TO "
                        "excluded, negative counting from the end, either side may be left "
                        "out; e.g. 1460:1825 or -365:)",
                        text);
    w->given = 1;
    snprintf(w->text, sizeof w->text, "%s", text);
    return SIM_OK;
}

sim_status ana_window_resolve(const ana_window *w, int64_t days, int64_t dflt, int64_t *from,
                              int64_t *to, const char *key, sim_error *err)
{
    int64_t a, b;
    if (!w || !w->given) {
        a = dflt > 0 && days > dflt ? days - dflt : 0;
        b = days;
    } else {
        a = !w->has_from ? 0 : w->from < 0 ? days + w->from : w->from;
        b = !w->has_to ? days : w->to < 0 ? days + w->to : w->to;
    }
    if (a < 0 || b > days || a >= b)
        return SIM_FAIL(err, SIM_EINPUT, NULL, 0, key,
                        "'%s' is not a window of the run of %lld days (it is days "
                        "%lld:%lld; allowed: FROM:TO with 0 <= FROM < TO <= %lld, or counted "
                        "from the end, e.g. -365:)",
                        w && w->given ? w->text : "", (long long)days, (long long)a, (long long)b,
                        (long long)days);
    *from = a;
    *to = b;
    return SIM_OK;
}
