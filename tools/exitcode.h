/*
 * tools/exitcode.h: the exit statuses of every trapeze subcommand, once.
 * Owns: the contract a grading script relies on (README's "Exit statuses"
 *       and trapeze.1 print the same table): what each status means, the
 *       same for every subcommand.
 * Not:  deciding which applies (each command does).
 *
 * `run` exits with the guest's halt code (the low 8 bits of what it wrote
 * to the power port) when the guest halts. The tool's own statuses are 1,
 * 2 and 120 to 126: a guest that halts with one of those cannot be told
 * from the tool by the status alone (the tool also says why on standard
 * error). `run --exit-status=tool` removes the doubt: a halted guest then
 * gives 0 whatever its code (printed on standard error), so every other
 * status is the tool's. As timeout(1) does with 124 to 127, the reserved
 * values sit high, where programs' own codes rarely go.
 */
#ifndef TRAPEZE_EXITCODE_H
#define TRAPEZE_EXITCODE_H

enum exit_status {
	EXIT_OK = 0,        /* success: the job done; run: the guest halted with 0;
	                     * diff: equivalent; classify: agrees with the table */
	EXIT_INPUT = 1,     /* input error: a file cannot be read, is not an image
	                     * of this machine (or not one this mode runs), does
	                     * not assemble; a monitor script's command failed */
	EXIT_USAGE = 2,     /* usage error: an unknown option, a bad or too large
	                     * value, an option the mode does not take, no IMAGE */
	EXIT_HOST = 120,    /* host failure: out of memory, an output file that
	                     * cannot be written, a helper program that failed */
	EXIT_DIFFERS = 121, /* diff: the modes diverge (or leave traces);
	                     * classify: the experiment disagrees with the table */
	EXIT_RESOURCE = 122, /* resource control: the guest went over a limit the
	                     * VMM enforces (console output over --max-output:
	                     * the VMM cut it off there) */
	EXIT_TIMEOUT = 123, /* --timeout: the wall-clock time ran out */
	EXIT_STEPS = 124,   /* --max-steps: the guest used up its instructions */
	EXIT_IDLE = 125,    /* the guest waits (wfi) for an interrupt that can
	                     * never come: idle for ever */
	EXIT_FAULT = 126,   /* triple fault: the trap vector faulted three times */
};

#endif
