/*
 * tools/main.c: the trapeze command: one binary, one subcommand per job.
 * Owns: choosing the subcommand and the top-level usage text.
 * Not:  any subcommand's options (each parses its own); what the exit
 *       statuses mean (exitcode.h).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "exitcode.h"

/* The release, as the Makefile says it (VERSION there). */
#ifndef TRAPEZE_VERSION
#define TRAPEZE_VERSION "unknown"
#endif

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
	{ "asm", cmd_asm, "assemble toy assembly into an ELF32 image" },
	{ "dis", cmd_dis, "disassemble an image (re-assembles to the same bytes)" },
	{ "run", cmd_run, "run an image bare or under a VMM mode" },
	{ "diff", cmd_diff, "run an image under several modes; report equivalence" },
	{ "classify", cmd_classify, "derive each instruction's Popek-Goldberg class by experiment" },
	{ "tui", cmd_tui, "step a run in a terminal user interface" },
	{ "mon", cmd_mon, "a gdb-like monitor; scripts on stdin" },
	{ "dap", cmd_dap, "a Debug Adapter Protocol server (VS Code) on stdin and stdout" },
	{ "bench", cmd_bench, "measure guest MIPS against native C, per mode" },
	{ "host", cmd_host, "several VMs on one machine: scheduled, isolated, accounted" },
	{ "migrate", cmd_migrate, "move a running VM to another trapeze over TCP (live migration)" },
	{ "failover", cmd_failover, "keep a VM on a backup that takes over when it dies (Remus)" },
	{ "isadoc", cmd_isadoc, "print or refresh ISA.md's tables from isa-spec/isa.def" },
};
enum { NSUB = sizeof subcommands / sizeof subcommands[0] };

static void usage(FILE *f)
{
	fprintf(f, "usage: trapeze SUBCOMMAND [OPTIONS] [ARGS]\n\nsubcommands:\n");
	for (int i = 0; i < NSUB; i++)
		fprintf(f, "  %-9s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(f, "\n'trapeze SUBCOMMAND --help' describes each; 'trapeze --version' says which\n"
		   "release this is; 'man trapeze' has it all, exit statuses included.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "trapeze: error: no subcommand given\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("trapeze %s\n", TRAPEZE_VERSION);
		return EXIT_OK;
	}
	for (int i = 0; i < NSUB; i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "trapeze: error: unknown subcommand '%s' (try 'trapeze --help')\n", argv[1]);
	return EXIT_USAGE;
}
