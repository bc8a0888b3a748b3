/* models/assembly.h — owners' assemblies (业主大会): who takes part, how
 * homes vote, and the rule that decides (PRC Civil Code art. 278).
 *
 * One vote per home: the home's owner votes (a rented, vacant or absentee
 * home's owner lives elsewhere and takes part with a lower probability).
 * Art. 278 para. 2, with "以上" read as including the bound and "过半数" as
 * strictly more than half:
 *
 *   quorate   participants hold >= 2/3 of the exclusive floor area AND are
 *             >= 2/3 of the owners by headcount;
 *   ordinary  passes with > 1/2 of the participating area AND > 1/2 of the
 *             participating headcount (items 1-5 and 9 of para. 1: rules,
 *             electing the OC, hiring or dismissing the firm, USING the
 *             repair fund, ...);
 *   major     passes with >= 3/4 of the participating area AND >= 3/4 of
 *             the participating headcount (items 6-8: RAISING the repair
 *             fund, rebuilding, changing the use of common parts).
 *
 * All comparisons are exact integer arithmetic (3 * part >= 2 * total, ...);
 * floor areas are whole square metres (sim_world.hh_area).
 *
 * Participation: a home takes part with a probability set by its type
 * (resident owner, resident owner with an elderly member, away: rented out,
 * vacant or absentee owner, and away with an elderly owner, who votes
 * online less), shifted on the logit scale by an assembly-wide
 * shock (some matters and some campaigns engage owners more), then raised
 * by mobilisation m (0..1): p -> p + (1 - p) m.  A participant votes yes with
 * a probability that may differ for homes carrying a mark bit (e.g. homes
 * that rate the firm inadequate, when the assembly is about replacing it).
 *
 * Pure functions and a loop over one compound's homes; no allocation, no
 * state: thread-safe for different compounds.
 */
#ifndef TROIKA_MODELS_ASSEMBLY_H
#define TROIKA_MODELS_ASSEMBLY_H

#include <stdint.h>

#include "rng.h"

/* Kinds of matter, by the majority art. 278 asks for. */
enum { ASM_ORDINARY = 0, ASM_MAJOR = 1 };

/* Outcome of an assembly. */
typedef enum { ASM_NOT_QUORATE = 0, ASM_REJECTED = 1, ASM_PASSED = 2 } asm_outcome;

/* Home types for participation. */
enum { ASM_RESIDENT = 0, ASM_ELDERLY = 1, ASM_AWAY = 2, ASM_AWAY_ELDERLY = 3, ASM_NTYPES = 4 };

/* Votes of one assembly: every home (owners), participants, yes votes. */
typedef struct {
    int64_t owners, area;       /* all homes: headcount, floor area (m2) */
    int64_t voters, voter_area; /* homes that took part */
    int64_t yes, yes_area;      /* participants that voted yes */
} asm_count;

/* Participation of one assembly. */
typedef struct {
    double p[ASM_NTYPES]; /* base probability of taking part, per home type */
    double shock;         /* assembly-wide shift on the logit scale */
    double mobilisation;  /* 0..1: p -> p + (1 - p) * mobilisation */
} asm_turnout;

/* Quorum of art. 278: participants >= 2/3 of area and of headcount. */
int asm_quorate(const asm_count *v);

/* Approval among participants: kind ASM_ORDINARY (> 1/2 of both) or
 * ASM_MAJOR (>= 3/4 of both).  Does not look at the quorum. */
int asm_approved(const asm_count *v, int kind);

/* The outcome: not quorate, rejected or passed. */
asm_outcome asm_decide(const asm_count *v, int kind);

/* Type of a home from its sim_world flags (SIM_HH_*). */
int asm_home_type(uint8_t flags);

/* Probability that a home of type `type` takes part (shock and
 * mobilisation applied). */
double asm_take_part(const asm_turnout *t, int type);

/* Hold an assembly over homes [h0, h1) of the world arrays `flags` and
 * `area`: fills *v.  A participant votes yes with probability
 * p_yes_marked if mark != NULL and (mark[h] & mask), else p_yes.  Draws one
 * uniform per home, and a second for each participant, from `st`. */
void asm_hold(asm_count *v, const uint8_t *flags, const uint16_t *area, int64_t h0, int64_t h1,
              const asm_turnout *t, const uint8_t *mark, uint8_t mask, double p_yes_marked,
              double p_yes, sim_stream *st);

#endif
