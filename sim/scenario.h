/* sim/scenario.h — scenario files: INI, `extends`, policies, --set.
 *
 * A scenario is the initial value of every parameter plus a list of policy
 * changes (a mutable parameter takes a new value from a given day).  Files
 * are INI, parsed with inih:
 *
 *     ; comments start with ';' or '#'
 *     name = Social-worker secretaries        ; optional, top level
 *     description = One line for reports       ; optional, top level
 *     name_zh = 社工秘书                         ; optional: the name and the
 *     description_zh = 一句话说明                ;   description in Chinese reports
 *     extends = baseline.ini                   ; optional, top level
 *
 *     [household]                  ; a parameter section of `troika params`
 *     complain_rate = 0.1
 *
 *     [policy.secretary]           ; a policy (lever): its own name
 *     day = 365                    ; required: the day it takes effect
 *     oc.secretary_share = 0.5     ; section.name = value, mutable params only
 *
 * `extends` names one or more files (separated by commas or spaces),
 * relative to the extending file's folder; they are applied first, in order,
 * and this file then states what differs.  Chains are allowed, cycles are
 * refused.  A later value of the same key wins; the same key twice in one
 * file (or one section) is an error.
 *
 * `name`, `description`, `name_zh` and `description_zh` belong to the file given to scn_load() and are
 * not inherited through `extends`.  A [policy.NAME] section in a file
 * replaces, as a whole, any policy of that NAME from the files it extends
 * (so a child can re-time or change a policy).
 *
 * Every error is SIM_EINPUT with file, line and key in the error record and
 * a message that says what is allowed; an unknown key suggests the nearest
 * known one.  Errors that come from --set have file "" and line 0, and their
 * message starts with "--set ASSIGNMENT: ".  The scenario owns its memory:
 * scn_free() releases it.
 *
 * Use: scn_init_default(), then scn_load() (at most once) and any number of
 * scn_set(), then scn_finish() once before running.  After a failure the
 * scenario is only fit for scn_free().
 */
#ifndef TROIKA_SIM_SCENARIO_H
#define TROIKA_SIM_SCENARIO_H

#include "err.h"
#include "params.h"

#define SCN_NAME_MAX 128

/* Where a value or a policy's day was stated, for messages. */
enum { SCN_FROM_DEFAULT = 0, SCN_FROM_FILE = 1, SCN_FROM_SET = 2 };
typedef struct {
    int from;       /* SCN_FROM_*: a file, --set, or nowhere */
    char file[512]; /* the file (SCN_FROM_FILE), else "" */
    int line;       /* its line, else 0 */
} scn_loc;

typedef struct {
    char policy[SCN_NAME_MAX]; /* the [policy.NAME] it came from */
    int64_t day;               /* applied at the start of this day (0-based) */
    int param;                 /* index in sim_param_table (a mutable one) */
    double value;              /* validated */
    int order;                 /* declaration order, to break ties; after
                                  scn_finish() the index in `changes` */
    scn_loc at;                /* where the value was set */
} scn_change;

/* One [policy.NAME]: its day; its values are the changes of that name. */
typedef struct {
    char name[SCN_NAME_MAX];
    int64_t day;    /* -1 until given */
    scn_loc decl;   /* its (first) section header, or --set */
    scn_loc day_at; /* where the day was set */
} scn_policy;

typedef struct {
    char name[SCN_NAME_MAX]; /* `name =`, else the file's stem, else "default" */
    char description[512];
    char name_zh[SCN_NAME_MAX]; /* `name_zh =`: the name in Chinese reports, or "" */
    char description_zh[512];   /* `description_zh =`, or "" */
    char path[4096];            /* the file loaded, "" for the embedded default */
    sim_params params;          /* initial values */
    scn_change *changes;        /* sorted by (day, order) after scn_finish() */
    int nchanges;
    int cap;
    char *sources;        /* text of every file read, in order, each
                                  preceded by "; ---- file: PATH" (provenance) */
    scn_policy *policies; /* every policy, in declaration order */
    int npolicies;
    int policy_cap;
    scn_loc *origin; /* [sim_param_count]: where each initial value
                                  was last set (messages); NULL: none set */
} scn_scenario;

/* The embedded default: every parameter at its default, no policy. */
void scn_init_default(scn_scenario *s);

/* Load a scenario file (and what it extends) on top of the defaults. */
sim_status scn_load(scn_scenario *s, const char *path, sim_error *err);

/* Load scenario text that names no other file (no `extends`; e.g. the
 * resolved INI kept in a checkpoint) on top of the current values, as
 * scn_load() does for a file; `label` stands for the file in messages.  The
 * text is not added to s->sources (the caller knows where it came from). */
sim_status scn_load_text(scn_scenario *s, const char *label, const char *text, sim_error *err);

/* Apply one --set argument "section.name=value" (initial value) or
 * "policy.NAME.day=D" / "policy.NAME.section.name=value" (a policy; a new
 * NAME needs its day, given before or after).  Errors have file "" and line
 * 0, and a message starting "--set ASSIGNMENT: "; the key is "--set" for a
 * malformed assignment or an unknown key, else the key concerned
 * ("run.days", "policy.NAME.day", "policy.NAME.section.name"). */
sim_status scn_set(scn_scenario *s, const char *assignment, sim_error *err);

/* After loading and every --set: sort the policy changes and run the
 * semantic checks (cross-field rules, a policy without a day, ...).
 * Changes are sorted by day, then policy (a policy's changes stay together,
 * in the order its first change was declared), then declaration order; two
 * policies may not set the same parameter on the same day, so this order
 * never decides a value.  The cross-field rules (mdl_params_check) are run on
 * the initial values and again after each day that has changes. */
sim_status scn_finish(scn_scenario *s, sim_error *err);

/* 1 when policy k starts on or after run.days (it never takes effect: not an
 * error, a short run of a reform scenario is legitimate), with the located
 * note in *note; else 0. */
int scn_late_policy(const scn_scenario *s, int k, sim_error *note);

/* The fully resolved scenario as INI text (name, every parameter, every
 * policy, policies in the order of their day): loading it and calling
 * scn_finish() gives the same params and changes.  Caller frees; NULL on
 * allocation failure. */
char *scn_resolved_ini(const scn_scenario *s);

/* Release everything; s is left as an empty scenario.  Fine on a scenario
 * from scn_init_default() or one zeroed with memset. */
void scn_free(scn_scenario *s);

#endif
