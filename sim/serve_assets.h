/* sim/serve_assets.h — the files of the explorer page (sim/www/), embedded
 * in the program at build time by cmake/embed.cmake (the generated
 * serve_assets.c in the build folder), so `troika serve` reads no file to
 * show its page.  Read-only tables; thread-safe. */
#ifndef TROIKA_SIM_SERVE_ASSETS_H
#define TROIKA_SIM_SERVE_ASSETS_H

#include <stddef.h>

typedef struct {
    const char *path; /* URL path, e.g. "/app.js" */
    const char *type; /* Content-Type */
    const unsigned char *data;
    size_t size;
} srv_asset;

extern const srv_asset srv_assets[];
extern const int srv_nassets;

#endif
