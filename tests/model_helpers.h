/* tests/model_helpers.h — helpers the model test suites share
 * (test_enforce, test_mediation, test_rc): parameters and whole runs from
 * "key=value" assignments as --set gives them, sums and means of a city
 * series, the check that levers change nothing before their day, and a
 * model built by hand (world and model, no runner) for suites that drive
 * their own phases.  A failure ends the current cmocka test with its message.
 */
#ifndef TROIKA_TESTS_MODEL_HELPERS_H
#define TROIKA_TESTS_MODEL_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "metrics.h"
#include "params.h"
#include "runner.h"
#include "world.h"

/* The default parameters, then sets[0..nsets) applied in order. */
void params_with(sim_params *p, const char **sets, int nsets);

/* A run of the default scenario with sets applied, on `threads` threads;
 * the caller frees it with sim_result_destroy(). */
sim_result *run(int threads, uint64_t seed, int64_t days, const char **sets, int nsets);

/* Sum and mean of city metric m over days [d0, d1). */
/* Two results are the same bit for bit: city series, sample days, both panels. */
void assert_same_results(const sim_result *a, const sim_result *b);

double sum_of(const sim_result *r, int m, int64_t d0, int64_t d1);
double mean_of(const sim_result *r, int m, int64_t d0, int64_t d1);

/* Each lever levers[k] = {"policy.x.day=D", "policy.x.KEY=VALUE"} leaves
 * the first D days bit for bit as without it, and changes the next D
 * (seed 9, 2 threads, 2 x D days). */
void assert_levers_start_on_day(const char *const (*levers)[2], size_t nlevers, int64_t day);

/* A world and model built from the defaults with sets applied; the suite
 * steps its own phases and reduces the tally into city. */
typedef struct {
    sim_world *w;
    mdl_model *m;
    double city[SIM_MET_N]; /* the latest day's city values */
} fixture;

void fx_open(fixture *f, uint64_t seed, const char **sets, int nsets);
void fx_close(fixture *f);
/* Apply a policy change to parameter `key` on `day`, as the runner would. */
void fx_set(fixture *f, const char *key, double value, int64_t day);

#endif
