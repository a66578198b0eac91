/*
 * tools/run/runopts.h: the options every command that runs a guest shares.
 * Owns: parsing --max-steps, --nonvirt, --mem, --disk, --input,
 *       --max-output, --tc-size, --cpu, --passthrough and --balloon into VM
 *       options; reading the image and the console
 *       input; the help text for them.
 * Not:  any one command's own options (--mode, --modes, --trace, --stats).
 */
#ifndef TRAPEZE_RUNOPTS_H
#define TRAPEZE_RUNOPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
};

/* Defaults: the VM's defaults, RUNOPT_DEFAULT_STEPS and RUNOPT_DEFAULT_OUTPUT. */
void runopt_init(struct runopts *o, const char *cmd);
/* If argv[*i] is one of the shared options, take it (and its value, moving
 * *i on) and return 1; 0 if it is not one; -1 after printing an error for a
 * bad value; -2 for a missing value (a usage error). */
int runopt_parse(struct runopts *o, int argc, char **argv, int *i);
/* The rest of a command's argument loop, once its own options have not
 * taken argv[*i]: a shared option (runopt_parse), an unknown option, or the
 * one IMAGE (into *image). 0 when taken; otherwise what the loop returns: 2
 * after a usage message, -1 after an error. */
int runopt_rest(struct runopts *o, int argc, char **argv, int *i, const char **image);
/* The value of a --name VALUE or --name=VALUE option at argv[*i], or NULL
 * when arg is not that option. *missing is set when the value is absent. */
const char *runopt_value(const char *name, int argc, char **argv, int *i, bool *missing);
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
/* Print "trapeze: CMD: error: ..." to stderr. */
void runopt_error(const struct runopts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The help lines for the shared options. */
extern const char runopt_help[];
void runopt_free(struct runopts *o);

#endif
