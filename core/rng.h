/* core/rng.h — counter-based random streams.
 *
 * Every random number in troika comes from a stream keyed by
 * (seed, purpose, entity, day): the seed is the key of Random123's
 * Philox4x32-10 block cipher, and purpose, entity and day sit in its counter
 * with a draw index.  A stream is a few words on the stack, costs nothing to
 * open and never depends on which thread opened it, so the result of a run is
 * the same for any number of threads or ranks.  Never key a stream by thread
 * id or rank.
 *
 * sim_rng wraps a stream as a gsl_rng (a gsl_rng_type whose state is the
 * stream) so GSL's distributions (gsl_ran_binomial, gsl_ran_poisson, ...)
 * draw from it.  No allocation: open it on the stack.
 *
 * Purposes are listed once, in sim_purpose; a new phase takes a new purpose
 * so that adding draws to one phase never shifts another's numbers.
 *
 * Thread safety: a stream belongs to whoever opened it.
 */
#ifndef TROIKA_SIM_RNG_H
#define TROIKA_SIM_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

typedef enum {
    SIM_RNG_WORLD = 1,  /* building the city: sizes, flags, links */
    SIM_RNG_HH_INIT,    /* initial household state */
    SIM_RNG_DEFECTS,    /* maintenance defects arising */
    SIM_RNG_COMPLAIN,   /* households complaining, channel choice */
    SIM_RNG_REPAIR,     /* the firm repairing defects */
    SIM_RNG_FEES,       /* monthly billing */
    SIM_RNG_PMC,        /* property-firm decisions */
    SIM_RNG_DISPUTES,   /* neighbour disputes arising */
    SIM_RNG_MEDIATION,  /* mediation room service */
    SIM_RNG_VIOLATIONS, /* rule-breaking arising and detection */
    SIM_RNG_ENFORCE,    /* enforcement squad service */
    SIM_RNG_OC,         /* owners' committee conduct */
    SIM_RNG_ELECTION,   /* elections and assemblies */
    SIM_RNG_RC,         /* residents' committee work */
    SIM_RNG_WORKERS,    /* community workers' assessments */
    SIM_RNG_PARTY,      /* party organisation: review, reports */
    SIM_RNG_RC_INIT,    /* residents' committees: fixed draws at creation */
    SIM_RNG_OC_INIT,    /* owners' committees, party: fixed draws at creation */
    SIM_RNG_MED_INIT,   /* mediation: fixed staffing draws per position at creation */
    SIM_RNG_LINKAGE,    /* escalated disputes closing at the three-office linkage */
    SIM_RNG_DETECTION,  /* standing violations found and reported */
    /* analysis (never drawn inside a run of the model) */
    SIM_RNG_ABC_PROPOSE = 900,    /* ABC-SMC: proposal i of generation t */
    SIM_RNG_ABC_SIM,              /* ABC-SMC: the seed of proposal i's simulation */
    SIM_RNG_ABC_CHECK,            /* ABC-SMC: posterior predictive draws */
    SIM_RNG_POSTERIOR_DRAW = 950, /* compare --posterior: the particle of draw m */
    SIM_RNG_TEST = 1000           /* reserved for tests */
} sim_purpose;

typedef struct {
    uint32_t key[2]; /* the seed */
    uint32_t ctr[4]; /* draw index, entity, day, purpose */
    uint32_t out[4]; /* last block */
    int used;        /* words of out already returned (4 = none left) */
} sim_stream;

/* Open the stream (seed, purpose, entity, day) at its first number. */
void sim_stream_open(sim_stream *s, uint64_t seed, uint32_t purpose, uint32_t entity, uint32_t day);

/* The next block of four words (the stream's counter advances by one). */
void sim_stream_refill(sim_stream *s);

/* Next 32 random bits.  Inline: the model draws tens of millions a second,
 * and the call cost a few percent of a run (only the block refill is out of
 * line). */
static inline uint32_t sim_stream_u32(sim_stream *s)
{
    if (s->used >= 4)
        sim_stream_refill(s);
    return s->out[s->used++];
}

/* Uniform on [0, 1), 32 bits of resolution. */
static inline double sim_stream_uniform(sim_stream *s)
{
    return sim_stream_u32(s) * (1.0 / 4294967296.0);
}

/* Uniform on (0, 1): never exactly 0. */
static inline double sim_stream_uniform_pos(sim_stream *s)
{
    return (sim_stream_u32(s) + 0.5) * (1.0 / 4294967296.0);
}

/* Uniform integer in [0, n), n > 0, unbiased. */
uint32_t sim_stream_below(sim_stream *s, uint32_t n);

/* Failures before the next success of independent Bernoulli(p) trials
 * (geometric, support 0, 1, ...), given log1m = log(1 - p) < 0: selects a
 * random subset of a sequence with one draw per selected item instead of
 * one per item.  Returns UINT32_MAX when p is 0 (log1m == 0: never). */
uint32_t sim_stream_skip(sim_stream *s, double log1m);

/* Poisson(mu) by inversion for small means (mu < 16: one exp and about
 * mu + 1 uniforms); GSL's generator above that.  mu <= 0 (and NaN) gives 0;
 * a mean above SIM_POISSON_MAX (far beyond any the model asks for) is
 * clamped to it, so no input makes the generator loop or overflow. */
#define SIM_POISSON_MAX 1e9
uint32_t sim_stream_poisson(sim_stream *s, double mu);

/* A gsl_rng drawing from a stream; lives wherever the caller puts it. */
typedef struct {
    gsl_rng rng;
    sim_stream st;
} sim_rng;

/* Open (seed, purpose, entity, day) and return the gsl_rng view. */
gsl_rng *sim_rng_open(sim_rng *r, uint64_t seed, uint32_t purpose, uint32_t entity, uint32_t day);

/* The GSL generator type (name "philox4x32-10-troika"). */
extern const gsl_rng_type *sim_rng_philox;

/* Position of a stream (for checkpoints): the stream is fully described by
 * its key, counter and the number of words used of the current block. */

#endif
