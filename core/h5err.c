/* core/h5err.c — see h5err.h. */
#include "h5err.h"

#include <stdio.h>
#include <string.h>

#include <hdf5.h>

typedef struct {
    char desc[400];
    int found;
} h5_detail;

static herr_t h5_walk_cb(unsigned n, const H5E_error2_t *e, void *data)
{
    h5_detail *d = data;
    if (n != 0 || d->found)
        return 0;
    d->found = 1;
    const char *desc = e->desc ? e->desc : "";
    /* the sec2 driver puts the system's message in quotes: keep only that */
    const char *q = strstr(desc, "error message = '");
    if (q) {
        q += strlen("error message = '");
        const char *end = strchr(q, '\'');
        int len = end ? (int)(end - q) : (int)strlen(q);
        snprintf(d->desc, sizeof d->desc, "%.*s", len, q);
        return 0;
    }
    char minor[160] = "";
    if (H5Eget_msg(e->min_num, NULL, minor, sizeof minor) < 0)
        minor[0] = '\0';
    if (desc[0] && minor[0])
        snprintf(d->desc, sizeof d->desc, "%s (%s)", desc, minor);
    else
        snprintf(d->desc, sizeof d->desc, "%s", desc[0] ? desc : minor);
    return 0;
}

/* The innermost message on HDF5's error stack (then cleared). */
void out_h5_describe(char *buf, size_t n)
{
    h5_detail d;
    memset(&d, 0, sizeof d);
    if (H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, h5_walk_cb, &d) < 0 || !d.found ||
        !d.desc[0])
        snprintf(d.desc, sizeof d.desc, "unknown HDF5 error");
    H5Eclear2(H5E_DEFAULT);
    snprintf(buf, n, "%s", d.desc);
}
