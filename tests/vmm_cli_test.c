/*
 * tests/vmm_cli_test.c: the run command: options, errors, exit statuses.
 * Owns: what `trapeze run` promises in its --help: the guest's halt code,
 *       124/125/126 for the step limit, idling for ever and a triple fault,
 *       1 for input errors and 2 for usage (bad values too); --stats and
 *       --trace on stderr. (tests/exitcode_test.c: every row of exitcode.h.)
 * Not:  the diff and classify commands (their own tests).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/vmtest.h"

Test(run_cmd, help_lists_every_mode_and_exit_status)
{
	int status;
	char *out = vt_trapeze("run --help", VT_STDOUT, &status);
	cr_expect_eq(status, 0);
	for (int m = 0; m < MODE_COUNT; m++)
		cr_expect(strstr(out, vmm_mode_name((enum vmm_mode)m)), "%s", out);
	cr_expect(strstr(out, "124") && strstr(out, "125") && strstr(out, "126"));
	free(out);
}

Test(run_cmd, errors_and_usage)
{
	int status;
	char *out;

	out = vt_trapeze("run --mode warp /dev/null", VT_BOTH, &status);
	cr_expect_eq(status, 2);
	cr_expect(!strcmp(out, "trapeze: run: error: unknown mode 'warp' (valid: bare, emulate, trap, "
			       "hybrid, patch, bt, hw, pv)\nusage: trapeze run [OPTION]... IMAGE   "
			       "('trapeze run --help' lists them)\n"), "%s", out);
	free(out);
	out = vt_trapeze("run /nonexistent.elf", VT_BOTH, &status);
	cr_expect_eq(status, 1);
	cr_expect(!strncmp(out, "trapeze: run: error: /nonexistent.elf: ", 39), "%s", out);
	cr_expect(!strchr(out, '\n') || strchr(out, '\n')[1] == 0, "one line: %s", out);
	free(out);
	out = vt_trapeze("run --mem 12 x.elf", VT_BOTH, &status);
	cr_expect_eq(status, 2, "%s", out);
	free(out);
	out = vt_trapeze("run --nonvirt=popf x.elf", VT_BOTH, &status);
	cr_expect_eq(status, 2);
	cr_expect(strstr(out, "'popf'"), "%s", out);
	free(out);
	out = vt_trapeze("run", VT_BOTH, &status);
	cr_expect_eq(status, 2);
	/* What is wrong first, then the usage (tests/badinput_test.c has more). */
	cr_expect(!strncmp(out, "trapeze: run: error: no IMAGE given\nusage: trapeze run", 54),
		  "%s", out);
	free(out);
	out = vt_trapeze("run --frob x.elf", VT_BOTH, &status);
	cr_expect_eq(status, 2);
	free(out);
}

Test(run_cmd, exit_status_says_how_the_guest_stopped)
{
	char elf[96], args[256];
	int status;
	char *out;

	vt_elf("spin", elf);
	snprintf(args, sizeof args, "run --mode trap --max-steps 5000 %s", elf);
	out = vt_trapeze(args, VT_BOTH, &status);
	cr_expect_eq(status, 124);
	cr_expect(strstr(out, "trapeze: run: step limit (5000 instructions) reached at pc 0x"), "%s", out);
	free(out);
	unlink(elf);

	vt_elf("triple", elf);
	snprintf(args, sizeof args, "run --mode hybrid %s", elf);
	free(vt_trapeze(args, VT_BOTH, &status));
	cr_expect_eq(status, 126);
	unlink(elf);

	vt_elf("echo", elf); /* no input: halts 0 at once */
	snprintf(args, sizeof args, "run --mode emulate %s", elf);
	free(vt_trapeze(args, VT_BOTH, &status));
	cr_expect_eq(status, 0);
	unlink(elf);
}

Test(run_cmd, idling_for_ever_is_reported)
{
	struct prog p = { .n = 0 };
	char path[64];
	struct image img = { 0 };
	struct image_seg seg = { 0, 0, NULL, (char *)".text" };
	char err[256], args[256];
	int status;
	char *out;

	prog_emit(&p, isa_enc_j(OP_wfi, 0));
	seg.size = (uint32_t)p.n * 4;
	seg.data = (uint8_t *)p.w;
	img.segs = &seg;
	img.nsegs = 1;
	vt_make_file(path, "");
	cr_assert(image_write(path, &img, err, sizeof err), "%s", err);
	snprintf(args, sizeof args, "run --mode trap %s", path);
	out = vt_trapeze(args, VT_BOTH, &status);
	cr_expect_eq(status, 125, "%s", out);
	cr_expect(strstr(out, "idle"), "%s", out);
	free(out);
	unlink(path);
}

Test(run_cmd, stats_and_trace_go_to_stderr)
{
	char elf[96], input[64], args[256];
	int status;
	char *out, *err;

	vt_elf("echo", elf);
	vt_make_file(input, "hey");
	snprintf(args, sizeof args, "run --mode trap --stats --input %s %s", input, elf);
	out = vt_trapeze(args, VT_STDOUT, &status);
	cr_expect_eq(status, 0);
	cr_expect_str_eq(out, "hey");
	free(out);
	err = vt_trapeze(args, VT_STDERR, &status);
	cr_expect(strstr(err, "efficiency") && strstr(err, "VM exits by reason") &&
		  strstr(err, "PRIV") && strstr(err, "MIPS"), "%s", err);
	free(err);

	snprintf(args, sizeof args, "run --mode trap --trace --input %s %s", input, elf);
	err = vt_trapeze(args, VT_STDERR, &status);
	cr_expect(strstr(err, "         0 0x00000000  in r1, PORT_CON_DATA"), "%s", err);
	cr_expect(strstr(err, "emulated by the VMM"), "%s", err);
	cr_expect(strstr(err, "r1=0x00000068"), "the register it changed: %s", err);
	free(err);
	unlink(elf);
	unlink(input);
}

/* One rule for every trap (issue 13): its own line says what its entry
 * changed; an instruction's line only what the instruction did. A PRIV
 * fault comes before the handler's first instruction, sys after itself:
 * both have epc, cause and detail on the trap's line, none on an
 * instruction's. (The PRIV fault's changes were on the handler's line,
 * sys's on the sys line.) */
Test(run_cmd, trace_shows_a_traps_changes_on_its_own_line_for_faults_and_sys)
{
	char src[64], elf[96], args[256];
	int status;

	vt_make_file(src, "_start:\n\tla r2, handler\n\tmtsr tvec, r2\n\tli r3, 0x1000\n"
			  "\tmtsr limit, r3\n\tli r1, 0\n\tsetpsw r1\n\tmtsr epc, r1\n"
			  "handler:\n\tsys 1\n");
	snprintf(elf, sizeof elf, "%s.elf", src);
	snprintf(args, sizeof args, "asm -o %s %s", elf, src);
	free(vt_trapeze(args, VT_BOTH, &status));
	cr_assert_eq(status, 0);
	for (int m = 0; m < 3; m++) {
		static const char *const modes[] = { "bare", "trap", "emulate" };
		char *err, *line, *save = NULL;
		int faults = 0, calls = 0;

		snprintf(args, sizeof args, "run --trace --mode %s --max-steps 10 %s", modes[m], elf);
		err = vt_trapeze(args, VT_STDERR, &status);
		for (line = strtok_r(err, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			bool trap_line = strstr(line, "trap PRIV") || strstr(line, "trap SYSCALL");
			if (trap_line && strstr(line, "trap PRIV"))
				faults += strstr(line, "epc=0x0000001c cause=0x00000002") != NULL;
			if (trap_line && strstr(line, "trap SYSCALL") && !calls)
				calls += strstr(line, "epc=0x00000024 epsw=0x00000001 cause=0x00000001 "
						      "detail=0x00000001") != NULL;
			if (!trap_line)
				cr_expect(!strstr(line, "epc=") && !strstr(line, "cause="),
					  "%s: an instruction's line with a trap's changes: %s", modes[m],
					  line);
		}
		cr_expect_eq(faults, 1, "%s: the PRIV fault's line has its changes", modes[m]);
		cr_expect_eq(calls, 1, "%s: the first sys trap's line has its changes", modes[m]);
		free(err);
	}
	unlink(elf);
	unlink(src);
}
