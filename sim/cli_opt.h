/* sim/cli_opt.h — a `troika` subcommand as a table of options.
 *
 * Each subcommand declares one clo_spec: its usage lines, a paragraph of
 * what it does, one clo_opt row per option (long name, short name, the
 * argument's name, kind, allowed values, help text) and a closing text.
 * That one table drives everything a user meets:
 *
 *   clo_parse()       argv -> the values of each option and the positionals,
 *                     with the same messages for every command ("unknown
 *                     option", "needs a value", "not allowed (allowed: ...)")
 *   clo_print_help()  `troika CMD --help` (the option column laid out and
 *                     the help text wrapped from the rows); in Chinese
 *                     (`--lang zh`) from the one table of Chinese texts,
 *                     sim/cli_help_zh.def, keyed by command and option
 *   clo_print_man()   the command's section of the man page troika.1
 *   clo_print_completion_words()  what bash completion offers
 *
 * Rows are written with an X-macro so that the option's index is an enum
 * constant next to its row:
 *
 *   #define RUN_OPTS(X) \
 *       X(RUN_OUTPUT, "--output", "-o", "FILE", CLO_VALUE, NULL, "HDF5 file ...") \
 *       X(RUN_FORCE, "--force", NULL, NULL, CLO_FLAG, NULL, "overwrite FILE")
 *   enum { RUN_OPTS(CLO_ENUM) RUN_NOPTS };
 *   static const clo_opt run_opts[] = {RUN_OPTS(CLO_ROW)};
 *
 * Every command also accepts -h/--help (clo_parse returns CLO_HELP after
 * printing the help).  A value is `--name VALUE`, `--name=VALUE` or
 * `-n VALUE`; anything not starting with '-' (and a lone "-") is a
 * positional.  Nothing here exits; clo_args borrows argv's strings and owns
 * only its arrays (clo_args_free()).
 */
#ifndef TROIKA_SIM_CLI_OPT_H
#define TROIKA_SIM_CLI_OPT_H

#include <stdio.h>

#include "err.h"
#include "ui.h"

typedef enum {
    CLO_FLAG,  /* no value; counted */
    CLO_VALUE, /* one value; given again, the last one counts */
    CLO_LIST   /* a value, repeatable: every one is kept in order */
} clo_kind;

typedef struct {
    const char *name; /* "--output" */
    const char *shrt; /* "-o" or NULL */
    const char *arg;  /* the value's name in help ("FILE"), NULL for a flag */
    clo_kind kind;
    const char *allowed; /* "en|zh": the only values accepted (and completed), or NULL */
    const char *help;    /* one paragraph of English, wrapped when printed */
} clo_opt;

#define CLO_ENUM(id, name, shrt, arg, kind, allowed, help) id,
#define CLO_ROW(id, name, shrt, arg, kind, allowed, help) {name, shrt, arg, kind, allowed, help},

typedef struct {
    const char *name;  /* "run" */
    const char *usage; /* lines after "Usage: " ("troika run [SCENARIO.ini] ..."), '\n'-separated */
    const char *about; /* what the command does: text printed as is */
    const clo_opt *opts;
    int nopts;
    const char *after;    /* printed after the options (sections, exit status, examples) */
    int maxpos;           /* positionals allowed; -1: any number */
    const char *too_many; /* message for one positional too many, with %s for it */
    const char *posarg;   /* completion of positionals: a glob such as "*.ini", or NULL */
} clo_spec;

typedef struct {
    const clo_spec *spec;
    int *count;         /* per option: how often given */
    const char **value; /* per option: the last value */
    const char **list;  /* every value of every option, in order */
    int *list_opt;      /* the option of list[k] */
    int nlist;
    const char **pos; /* the positionals */
    int npos;
} clo_args;

enum { CLO_OK = 0, CLO_HELP = -1, CLO_USAGE = 2 };

/* Parse argv (argv[0] is the command's name).  Returns CLO_OK, CLO_HELP
 * (help printed on stdout: exit 0), or an exit status having printed the
 * error (2 for usage errors, 1 without memory).  On CLO_OK, a holds the
 * values; clo_args_free() in every case. */
int clo_parse(const clo_spec *spec, int argc, char **argv, clo_args *a);
void clo_args_free(clo_args *a);

/* The last value of option i, or NULL when not given. */
const char *clo_get(const clo_args *a, int i);
/* How often option i was given. */
int clo_has(const clo_args *a, int i);
/* The values of a CLO_LIST option, in order, into out (room for a->nlist);
 * returns how many. */
int clo_all(const clo_args *a, int i, const char **out);

/* `troika CMD --help` (in English). */
void clo_print_help(FILE *f, const clo_spec *spec);
/* `troika CMD --help --lang zh`: the usage lines, the command's summary and
 * its options in `lang`; an option with no Chinese text keeps its English
 * one.  Chinese lines are wrapped by display width (a CJK character is two
 * columns; a line breaks between characters, never before closing
 * punctuation). */
void clo_print_help_lang(FILE *f, const clo_spec *spec, ana_lang lang);

/* The language of a command line: the last `--lang VALUE` or `--lang=VALUE`
 * of argv[1..argc-1] (read as ana_lang_parse() does; English when there is
 * none or it is not a language). */
ana_lang clo_lang_of(int argc, char **argv);

/* A Chinese text of sim/cli_help_zh.def: the help of option `opt` of
 * command `cmd`, or with opt NULL the command's one-line summary (cmd "*":
 * the headings).  NULL when the table has no such row. */
const char *clo_zh(const char *cmd, const char *opt);

/* For the test of the table: call fn for every row (opt NULL for a
 * command's summary). */
void clo_zh_rows(void (*fn)(void *user, const char *cmd, const char *opt, const char *text),
                 void *user);
/* The command's part of the man page (roff). */
void clo_print_man(FILE *f, const clo_spec *spec, const char *summary);
/* Space-separated option names, for completion. */
void clo_print_words(FILE *f, const clo_spec *spec);

#endif
