/*
 * tools/run/runopts.h: the options every command that runs a guest shares.
 * Owns: parsing --mode, --max-steps, --nonvirt, --mem, --disk, --input,
 *       --max-output, --tc-size, --cpu, --passthrough, --balloon, --net,
 *       --mac and --timeout into VM options; refusing an option the chosen modes do
 *       not take; counts and sizes with their K and M suffixes (overflow
 *       refused); reading the image and the console input; the help text
 *       for them; the wall clock of --timeout (timeout.c).
 * Not:  any one command's own options (--modes, --trace, --stats).
 * Every bad value is a usage error (exit 2, exitcode.h): a one-line message
 * "trapeze: CMD: error: ..." first, then one usage line (runopt_usage_exit).
 */
#ifndef TRAPEZE_RUNOPTS_H
#define TRAPEZE_RUNOPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "exitcode.h"
#include "image.h"
#include "vmm.h"

/* The step limit when --max-steps is not given: generous, but an end. */
#define RUNOPT_DEFAULT_STEPS 10000000000ull
/* Console bytes kept when --max-output is not given: a guest that prints
 * for ever must not fill the disk (or, captured by diff, the memory). */
#define RUNOPT_DEFAULT_OUTPUT (16ull << 20)
/* Console input read up front at most: stdin may be a pipe that never ends. */
#define RUNOPT_MAX_INPUT (64 << 20)

struct runopts {
	const char *cmd;          /* "run", "diff": for messages */
	struct vm_options vm;     /* mode, memory, nonvirt, disk, limits */
	const char *input_path;   /* --input FILE */
	uint8_t *input;           /* what runopt_read_input read */
	size_t input_len;
	bool input_terminal;      /* no --input and stdin is a terminal */
	double timeout;           /* --timeout SECONDS; 0 = none */
	bool interactive;         /* tui: a person at the keys, no --timeout */
	/* The options that apply to one mode only, as given (for
	 * runopt_check_modes): their spelling, or NULL. */
	const char *tc_size_given, *passthrough_given, *balloon_given;
	const char *mac_given;    /* --mac: only with a card (--net) */
};

/* How a number given on a command line (or to the monitor) reads. */
enum runopt_number { NUM_OK, NUM_BAD, NUM_TOO_LARGE };
/* A count or size: decimal or 0x hex, with an optional K or M suffix
 * (x1024, x1048576), at most max. NUM_TOO_LARGE when it is a number but
 * more than max (or than 64 bits hold); NUM_BAD when it is not one. */
enum runopt_number runopt_count(const char *s, uint64_t max, uint64_t *out);

/* Defaults: the VM's defaults, RUNOPT_DEFAULT_STEPS and RUNOPT_DEFAULT_OUTPUT. */
void runopt_init(struct runopts *o, const char *cmd);
/* If argv[*i] is one of the shared options (not --mode), take it (and its
 * value, moving *i on) and return 1; 0 if it is not one; 2 after printing
 * an error for a missing or bad value (a usage error). */
int runopt_parse(struct runopts *o, int argc, char **argv, int *i);
/* --mode MODE at argv[*i]: 1 taken, 0 not it, 2 after a usage error. */
int runopt_parse_mode(struct runopts *o, int argc, char **argv, int *i);
/* The rest of a command's argument loop, once its own options have not
 * taken argv[*i]: a shared option (runopt_parse), an unknown option, or the
 * one IMAGE (into *image). 0 when taken; 2 after a usage error. */
int runopt_rest(struct runopts *o, int argc, char **argv, int *i, const char **image);
/* Options that apply to one mode only (--tc-size: bt; --passthrough: hw;
 * --balloon: pv) are refused when none of the modes in mask (bit 1 << mode)
 * is that mode: 0 when all is well, 2 after the one-line error. */
int runopt_check_modes(const struct runopts *o, unsigned mask);
/* The value of a --name VALUE or --name=VALUE option at argv[*i], or NULL
 * when arg is not that option. *missing is set when the value is absent. */
const char *runopt_value(const char *name, int argc, char **argv, int *i, bool *missing);
/* Was option name given on the command line (NAME VALUE, NAME=VALUE, or
 * bare)? For options whose default cannot tell. */
bool runopt_given(int argc, char **argv, const char *name);
/* Read the console input: --input FILE, else all of stdin when it is not a
 * terminal (so runs are deterministic). False after printing an error. */
bool runopt_read_input(struct runopts *o);
/* Read an ELF image; false after printing an error. */
bool runopt_read_image(const struct runopts *o, const char *path, struct image *img);
/* A guest's console input, attached to a VM that has none queued: the
 * terminal, read as the guest asks (not deterministic: interactive use). */
void runopt_attach_terminal(const struct runopts *o, struct vm *vm);
/* A usage error: print "trapeze: CMD: error: ..." (what is wrong, on the
 * first line, before the command prints its usage) and return 2. */
int runopt_usage(const struct runopts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* After a usage error: the one usage line, naming --help; EXIT_USAGE. */
int runopt_usage_exit(const struct runopts *o);
/* Print "trapeze: CMD: error: ..." to stderr. */
void runopt_error(const struct runopts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The help lines for the shared options, with this command's defaults
 * (runopt_init's, as the command changed them). */
void runopt_print_help(const struct runopts *o, FILE *f);
/* The help line of --mode: every mode, one per line, and the default. */
void runopt_print_mode_help(FILE *f);
void runopt_free(struct runopts *o);

/* ---- how a run ends (outcome.c) ------------------------------------------ */

/* --stats: "trapeze: CMD: stats (mode M)" and the statistics, on stderr. */
void runopt_print_stats(const struct runopts *o, const struct vm *vm);
/* The exit status of a run that stopped as s (the guest's halt code, or
 * tool_status: 0 for any halt; otherwise exitcode.h's), after the line on
 * stderr that says why. */
int runopt_exit_status(const struct runopts *o, struct vm *vm, enum cpu_stop s, bool tool_status);

/* ---- --timeout (timeout.c) ---------------------------------------------- */

/* --timeout VALUE, checked into o->timeout: 1, or 2 after a one-line
 * usage error (commands with options of their own, like host, use it). */
int runopt_timeout_value(struct runopts *o, const char *v);
/* Start the wall clock of o->timeout, if one was given: from now on
 * runopt_timed_out turns true once it has run out. */
void runopt_start_timeout(const struct runopts *o);
/* The time of --timeout has run out. */
bool runopt_timed_out(void);
/* vm_run, in slices when o has a timeout, so that the clock is looked at
 * between them (a slice ends where one long run would pass: runs are
 * deterministic). Returns as vm_run; STOP_LIMIT, not at the step limit,
 * when the time ran out. */
enum cpu_stop runopt_run(const struct runopts *o, struct vm *vm, uint64_t max);
/* Say that the time ran out ("trapeze: CMD: timeout: ..."), and return
 * EXIT_TIMEOUT. */
int runopt_timeout_exit(const struct runopts *o, const char *where);

#endif
