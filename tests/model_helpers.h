/* tests/model_helpers.h — helpers the model test suites share
 * (test_enforce, test_mediation, test_rc): parameters and whole runs from
 * "key=value" assignments as --set gives them, and sums and means of a city
 * series.  A failure ends the current cmocka test with the located message.
 */
#ifndef TROIKA_TESTS_MODEL_HELPERS_H
#define TROIKA_TESTS_MODEL_HELPERS_H

#include <stdint.h>

#include "sim/params.h"
#include "sim/runner.h"

/* The default parameters, then sets[0..nsets) applied in order. */
void params_with(sim_params *p, const char **sets, int nsets);

/* A run of the default scenario with sets applied, on `threads` threads;
 * the caller frees it with sim_result_destroy(). */
sim_result *run(int threads, uint64_t seed, int64_t days, const char **sets, int nsets);

/* Sum and mean of city metric m over days [d0, d1). */
double sum_of(const sim_result *r, int m, int64_t d0, int64_t d1);
double mean_of(const sim_result *r, int m, int64_t d0, int64_t d1);

#endif
