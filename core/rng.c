/* core/rng.c — see rng.h. */
#include "rng.h"

#include <math.h>
#include <string.h>

#include <Random123/philox.h>
#include <gsl/gsl_randist.h>

void sim_stream_refill(sim_stream *s)
{
    philox4x32_ctr_t c = {{s->ctr[0], s->ctr[1], s->ctr[2], s->ctr[3]}};
    philox4x32_key_t k = {{s->key[0], s->key[1]}};
    philox4x32_ctr_t r = philox4x32(c, k);
    memcpy(s->out, r.v, sizeof s->out);
    s->ctr[0]++;
    s->used = 0;
}

void sim_stream_open(sim_stream *s, uint64_t seed, uint32_t purpose, uint32_t entity, uint32_t day)
{
    s->key[0] = (uint32_t)seed;
    s->key[1] = (uint32_t)(seed >> 32);
    s->ctr[0] = 0;
    s->ctr[1] = entity;
    s->ctr[2] = day;
    s->ctr[3] = purpose;
    s->used = 4;
}

uint32_t sim_stream_below(sim_stream *s, uint32_t n)
{
    /* Lemire's multiply-shift with rejection of the biased low zone. */
    uint64_t m = (uint64_t)sim_stream_u32(s) * n;
    uint32_t low = (uint32_t)m;
    if (low < n) {
        uint32_t t = (uint32_t)(-n) % n;
        while (low < t) {
            m = (uint64_t)sim_stream_u32(s) * n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

uint32_t sim_stream_skip(sim_stream *s, double log1m)
{
    if (!(log1m < 0.0))
        return UINT32_MAX;
    double k = floor(log(sim_stream_uniform_pos(s)) / log1m);
    return k >= (double)UINT32_MAX ? UINT32_MAX : (uint32_t)k;
}

/* ---- GSL adapter ---- */

static const gsl_rng_type philox_type;

uint32_t sim_stream_poisson(sim_stream *s, double mu)
{
    if (!(mu > 0.0))
        return 0;
    if (mu > SIM_POISSON_MAX) /* also +inf: GSL's generator would not return */
        mu = SIM_POISSON_MAX;
    if (mu >= 16.0) {
        gsl_rng g = {&philox_type, s};
        return gsl_ran_poisson(&g, mu);
    }
    double p = exp(-mu), f = p, u = sim_stream_uniform(s);
    uint32_t k = 0;
    while (u >= f && k < 1000) {
        k++;
        p *= mu / k;
        f += p;
    }
    return k;
}

static void gsl_set(void *state, unsigned long seed)
{
    sim_stream_open(state, seed, 0, 0, 0);
}

static unsigned long gsl_get(void *state)
{
    return sim_stream_u32(state);
}

static double gsl_get_double(void *state)
{
    return sim_stream_uniform(state);
}

static const gsl_rng_type philox_type = {
    "philox4x32-10-troika", 0xffffffffUL, 0, sizeof(sim_stream), gsl_set, gsl_get, gsl_get_double};

const gsl_rng_type *sim_rng_philox = &philox_type;

gsl_rng *sim_rng_open(sim_rng *r, uint64_t seed, uint32_t purpose, uint32_t entity, uint32_t day)
{
    sim_stream_open(&r->st, seed, purpose, entity, day);
    r->rng.type = &philox_type;
    r->rng.state = &r->st;
    return &r->rng;
}
