/* analysis/diff.h — what differs between two resolved scenarios.
 *
 * Both scenarios are compared after `extends`, --set and scn_finish(): for
 * each parameter, the value in effect from the start and after every day on
 * which a policy of either scenario changes it.  A row is emitted when the
 * two values differ from the start, when they come to differ (or differ
 * differently) on a policy day, and when they become equal again, so that
 * the rows read as the timeline of the differences:
 *
 *     pmc.subsidy_old  from the start  60 | 60        (no row: equal)
 *                      from day 30     60 | 90        policy "subsidy" in B
 *
 * Rows own copies of their strings (so a compare file can be read back into
 * them even when the parameter table has changed since); ana_diff_free()
 * releases them.  Not shared between threads.
 */
#ifndef TROIKA_ANALYSIS_DIFF_H
#define TROIKA_ANALYSIS_DIFF_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "ui.h"

typedef struct {
    char *key;   /* "section.name" */
    int64_t day; /* -1: from the start; else from this day (0-based) on */
    char *a, *b; /* the values in effect in A and in B, as text */
    char *unit;
    char *doc_en, *doc_zh;
    char *policy_a; /* the policy of A that sets the value that day, or "" */
    char *policy_b; /* the same for B */
} ana_diff_row;

typedef struct {
    int n, cap;
    ana_diff_row *rows;
} ana_diff;

/* Append a copy of r (NULL strings become ""). */
sim_status ana_diff_add(ana_diff *d, const ana_diff_row *r, sim_error *err);

void ana_diff_free(ana_diff *d);

/* "the start" / "day 30": the row's time in words (plain text). */
void ana_diff_when(ana_sbuf *sb, const ana_diff_row *r, ana_lang lang);

/* The list `troika diff` prints: a header line and an aligned table (from,
 * parameter, A, B, unit, meaning). */
void ana_diff_print(FILE *f, const ana_diff *d, const char *name_a, const char *name_b,
                    ana_lang lang);

#endif
