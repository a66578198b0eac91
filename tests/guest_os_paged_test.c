/*
 * tests/guest_os_paged_test.c: the paged guest OS (kernel-paged.elf, the
 *       kernel's sources assembled with -D PAGING=1), booted whole through
 *       the trapeze command.
 * Owns: the golden transcript of the paged boot (tests/golden/guest_os_paged.txt);
 *       its equivalence under the interpreter, which pages as the bare
 *       machine does; what forkwait, cow, pgfault and ptemod print; a crash
 *       killed while the rest go on; every frame given back, with memory to
 *       spare and without; the new calls asked wrongly (badcalls); the bench workloads of the paged kernel and their
 *       null; the unpaged kernel answering the new calls with E_NOSYS; the
 *       default disk on the paged kernel; the PV paged kernel asking the
 *       monitor for every change of its tables (read from its code: the
 *       monitor's side is not written yet).
 * Not:  the unpaged guest OS (tests/guest_os_test.c); the paging MMU itself
 *       (tests/cpu/paging_test.c). The other modes do not page yet.
 *
 * TRAPEZE and BUILD are absolute paths from the environment (make test sets
 * them); the Makefile builds build/guest first. Runs are deterministic, so
 * every expectation is exact.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isa.h"
#include "vmm/vmtest.h"

#define GOLDEN "tests/golden/guest_os_paged.txt"

/* The hypercall numbers, from the one table (isa-spec/hypercalls.def). */
enum {
#define HCALL(name, num, args, result, replaces, doc) HCALL_##name = num,
#include "../isa-spec/hypercalls.def"
#undef HCALL
};

static const char *build(void)
{
	const char *b = getenv("BUILD");
	cr_assert(b && *b, "BUILD must name an absolute path (make test sets it)");
	return b;
}

/* `trapeze SUBCOMMAND OPTIONS --disk BUILD/guest/DISK BUILD/guest/KERNEL`. */
static char *guest(const char *subcommand, const char *options, const char *disk,
		   const char *kernel, enum vt_streams which, int *status)
{
	char args[2048];

	snprintf(args, sizeof args, "%s %s --disk '%s/guest/%s' '%s/guest/%s'", subcommand, options,
		 build(), disk, build(), kernel);
	return vt_trapeze(args, which, status);
}

/* The paged boot: paged.img on kernel-paged.elf, its console. */
static char *paged_boot(const char *options, int *status)
{
	return guest("run", options, "paged.img", "kernel-paged.elf", VT_STDOUT, status);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0, cap = 0, got;

	cr_assert(f, "cannot open %s", path);
	do {
		if (len + 4096 + 1 > cap) {
			cap = cap ? 2 * cap : 16384;
			text = realloc(text, cap);
			cr_assert(text);
		}
		got = fread(text + len, 1, 4096, f);
		len += got;
	} while (got);
	fclose(f);
	text[len] = 0;
	return text;
}

static void lacks(const char *out, const char *what)
{
	cr_expect(!strstr(out, what), "did not expect \"%s\" in:\n%s", what, out);
}

/* The frames free at boot and at shutdown, from the kernel's own lines. */
static void frames(const char *out, unsigned *at_boot, unsigned *at_end, unsigned *said_boot)
{
	const char *b = strstr(out, "; kernel below 0x00010000; frame table at 0x00010000; ");
	const char *e = strstr(out, "\nkernel: ");

	cr_assert(b, "no memory line at boot in:\n%s", out);
	cr_assert(sscanf(b, "; kernel below 0x00010000; frame table at 0x00010000; %u free frames",
			 at_boot) == 1);
	for (e = out; (e = strstr(e, "\nkernel: ")) != NULL; e++)
		if (sscanf(e, "\nkernel: %u frames free, %u at boot", at_end, said_boot) == 2)
			return;
	cr_assert_fail("no frames line at shutdown in:\n%s", out);
}

Test(paged_os, bare_boot_matches_golden_and_halts_zero)
{
	int status;
	char *out = paged_boot("", &status);
	char *want = read_file(GOLDEN);

	cr_expect_eq(status, 0, "the kernel halts with 0 when every process has exited");
	cr_expect_str_eq(out, want, "the paged boot differs from " GOLDEN);
	free(want);
	free(out);
}

/* The interpreter pages as the machine does (ISA.md 12: a change holds at
 * once, in every mode): the whole boot, instruction by instruction, the same. */
Test(paged_os, emulate_is_equivalent_to_bare)
{
	alarm(120); /* a hang fails the test (alarm, not .timeout: see tests/limits_test.c) */
	int status;
	char *out = guest("diff", "--modes bare,emulate", "paged.img", "kernel-paged.elf", VT_BOTH,
			  &status);

	cr_expect_eq(status, 0, "diff found a difference:\n%s", out);
	vt_has(out, "equivalent: bare = emulate");
	free(out);

	char *bare = paged_boot("", &status), *emul = paged_boot("--mode emulate", &status);
	cr_expect_eq(status, 0);
	cr_expect_str_eq(emul, bare, "the console differs under emulate");
	free(bare);
	free(emul);
}

Test(paged_os, the_paged_programs_print_their_results)
{
	int status;
	char *out = paged_boot("", &status);

	vt_has(out, "forkwait: 20 fork/wait pairs, checksum 0xdb270e2e: OK\n");
	vt_has(out, "cow: parent and child each saw their own copy, the kernel's store for the child too: OK\n");
	vt_has(out, "pgfault: 4 rounds of 6 fresh pages, checksum 0x0c361854: OK\n");
	vt_has(out, "ptemod: 20 protect calls changed 120 page-table entries; "
		    "a store to a read-only page faulted at 0x00001008; 6 pages: OK\n");
	/* exec and wait: init forked and exec'd each program, and each one's
	 * status came back to it. */
	vt_has(out, "init: started primes as pid 5\n");
	vt_has(out, "init: primes (pid 5) ended with status 0\n");
	vt_has(out, "primes: 1229 primes below 10000; the largest is 9973\n");
	lacks(out, "WRONG");
	lacks(out, "FAILED");
	lacks(out, "cannot");
	free(out);
}

/* crash reads the first address past its space: there is no entry for it.
 * Only it dies; the others, before and after it, go on. */
Test(paged_os, a_crash_is_killed_and_the_others_go_on)
{
	int status;
	char *out = paged_boot("", &status);
	const char *kill = strstr(out, "kernel: pid 10 (crash) killed: page fault at pc 0x0000001c, detail 0x00008000\n");

	cr_assert(kill, "crash was not killed at 0x8000:\n%s", out);
	vt_has(kill, "init: crash (pid 10) ended with status -1\n");
	vt_has(kill, "pgfault: ");
	vt_has(kill, "syscalls: 2000 getpid and ticks calls");
	vt_has(kill, "primes: 1229 primes");
	lacks(out, "crash: read it");
	vt_has(out, "   10  crash              2  killed: page fault\n");
	cr_expect_eq(status, 0);
	free(out);
}

/* exit gives back every page, table and directory: the free frames at
 * shutdown are those at boot. Under memory pressure too, where forks and
 * execs fail with E_NOMEM and processes die of faults they cannot be given
 * a frame for. */
Test(paged_os, every_exit_gives_back_every_frame)
{
	static const struct {
		const char *options;
		unsigned boot;
		bool pressed;
	} runs[] = {
		{ "", 239, false },
		{ "--mem 160K", 23, true },
		{ "--mem 2M", 495, false },
	};

	for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		int status;
		unsigned boot = 0, end = 0, said = 0;
		char *out = paged_boot(runs[i].options, &status);

		frames(out, &boot, &end, &said);
		cr_expect_eq(status, 0, "%s: halts 0:\n%s", runs[i].options, out);
		cr_expect_eq(boot, runs[i].boot, "%s: frames at boot", runs[i].options);
		cr_expect_eq(said, boot, "%s", runs[i].options);
		cr_expect_eq(end, boot, "%s: %u frames free at the end, %u at boot:\n%s",
			     runs[i].options, end, boot, out);
		if (runs[i].pressed)
			vt_has(out, "error -8\n"); /* E_NOMEM: the memory did run out */
		else
			lacks(out, "error -8");
		lacks(out, "kernel panic");
		free(out);
	}
}

/* A hostile program (user/badcalls.s): the new calls with bad arguments
 * get their errors, and its children that unmap their own code, store to a
 * read-only stack, past the end or at the top of memory, or jump where
 * nothing is mapped, are killed one by one; a fork bomb stops at E_AGAIN.
 * The kernel goes on, every frame comes back, and emulate agrees. */
Test(paged_os, bad_calls_get_errors_and_self_harm_kills_only_the_child)
{
	alarm(60); /* a hang fails the test */
	unsigned boot, end, said;
	int status;
	char *out = guest("run", "", "badcalls.img", "kernel-paged.elf", VT_STDOUT, &status);

	cr_expect_eq(status, 0, "%s", out);
	vt_has(out, "badcalls: 39 checks: OK\n");
	vt_has(out, "kernel: pid 2 (init) killed: illegal instruction at pc 0x000002e4, detail 0x00000000\n");
	vt_has(out, "kernel: pid 3 (init) killed: page fault at pc 0x00000300, detail 0x00007ffc\n");
	vt_has(out, "kernel: pid 4 (init) killed: page fault at pc 0x00000314, detail 0x00008000\n");
	vt_has(out, "kernel: pid 5 (init) killed: page fault at pc 0x00000324, detail 0xfffffffc\n");
	vt_has(out, "kernel: pid 6 (init) killed: page fault at pc 0x00400000, detail 0x00400000\n");
	frames(out, &boot, &end, &said);
	cr_expect_eq(end, boot);
	lacks(out, "kernel panic");
	free(out);
	out = guest("diff", "--modes bare,emulate", "badcalls.img", "kernel-paged.elf", VT_BOTH, &status);
	cr_expect_eq(status, 0, "diff found a difference:\n%s", out);
	free(out);
}

/* The workloads of bench --techniques that need paging, on the paged
 * kernel; their null is bench/null.img on the same kernel. */
Test(paged_os, the_paged_bench_workloads_run_and_cost_more_than_null)
{
	static const struct {
		const char *disk, *line;
	} works[] = {
		{ "bench/forkwait.img", "forkwait: 1000 fork/wait pairs, checksum 0xba26636c: OK\n" },
		{ "bench/pgfault.img", "pgfault: 500 rounds of 6 fresh pages, checksum 0x818c4904: OK\n" },
		{ "bench/ptemod.img", "ptemod: 4000 protect calls changed 24000 page-table entries; "
				      "a store to a read-only page faulted at 0x00001008; 6 pages: OK\n" },
	};
	unsigned long long null_insns = 0, insns;
	int status;
	char *out = guest("run", "--stats", "bench/null.img", "kernel-paged.elf", VT_BOTH, &status);
	const char *s = strstr(out, "guest instructions");

	cr_assert_eq(status, 0, "%s", out);
	cr_assert(s && sscanf(s, "guest instructions %llu", &null_insns) == 1, "%s", out);
	free(out);
	for (size_t i = 0; i < sizeof works / sizeof works[0]; i++) {
		out = guest("run", "--stats", works[i].disk, "kernel-paged.elf", VT_BOTH, &status);
		s = strstr(out, "guest instructions");
		cr_expect_eq(status, 0, "%s: %s", works[i].disk, out);
		vt_has(out, works[i].line);
		cr_assert(s && sscanf(s, "guest instructions %llu", &insns) == 1, "%s", out);
		cr_expect_gt(insns, null_insns + 1000000, "%s: a workload of a million instructions and more",
			     works[i].disk);
		free(out);
	}
}

/* The unpaged kernel (P&G's relocation machine) has no fork: E_NOSYS. */
Test(paged_os, the_unpaged_kernel_answers_the_new_calls_with_enosys)
{
	int status;
	char *out = guest("run", "", "bench/forkwait.img", "kernel.elf", VT_STDOUT, &status);

	vt_has(out, "forkwait: fork failed: error -7\n");
	cr_expect_eq(status, 0);
	free(out);
	out = guest("run", "", "paged.img", "kernel.elf", VT_STDOUT, &status);
	vt_has(out, "init: cannot fork for hello: error -7\n");
	free(out);
}

/* The default disk (spawn, no fork) runs on the paged kernel: each of its
 * programs prints what it prints on the unpaged one, crash aside, which a
 * page fault stops instead of the relocation bound. */
Test(paged_os, the_default_disk_boots_paged)
{
	static const char *const lines[] = {
		"hello, world: pid 2, in user mode at virtual address 0\n",
		"redpill: physical\n",
		"selfcheck: the kernel text is as it was at boot: OK\n",
		"diskread: 8 reads of notes, 1991 bytes each, checksum 0x5afb399f every time\n",
		"syscalls: 2000 getpid and ticks calls, 10 yields, a sleep of 3 ticks: OK\n",
		"primes: 1229 primes below 10000; the largest is 9973\n",
		"ping 6\n", "pong 6\n",
		"kernel: pid 10 (crash) killed: page fault at pc 0x0000001c, detail 0x00008000\n",
		"kernel: 10 processes, ",
	};
	int status;
	char *out = guest("run", "", "disk.img", "kernel-paged.elf", VT_STDOUT, &status);
	char *unpaged = read_file("tests/golden/guest_os_bare.txt");

	cr_expect_eq(status, 0);
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		vt_has(out, lines[i]);
		if (!strstr(lines[i], "crash"))
			vt_has(unpaged, lines[i]); /* the same line as unpaged */
	}
	free(unpaged);
	free(out);
}

/* Typed input reaches a reader through its page tables (uaccess.s). */
Test(paged_os, console_input_reaches_a_paged_reader)
{
	char args[1024], input[128];
	int status;

	vt_make_file(input, "hi there\nquit\n");
	snprintf(args, sizeof args, "run --input '%s' --disk '%s/guest/echo.img' '%s/guest/kernel-paged.elf'",
		 input, build(), build());
	char *out = vt_trapeze(args, VT_STDOUT, &status);
	unlink(input);
	vt_has(out, "echo: hi there\necho: quit\n");
	cr_expect_eq(status, 0);
	free(out);
}

/* The words of an image's .text, with the number of them. */
static const uint32_t *text_of(const struct image *img, size_t *n)
{
	for (int i = 0; i < img->nsegs; i++)
		if (!strcmp(img->segs[i].name, ".text")) {
			*n = img->segs[i].size / 4;
			return (const uint32_t *)(const void *)img->segs[i].data;
		}
	cr_assert_fail("no .text in %s", img->path);
	return NULL;
}

/* Direct paging: the PV paged kernel never runs a privileged instruction
 * (no mtsr ptb: HC_SET_PTB) and asks for each change of its tables with
 * the hypercalls of isa-spec/hypercalls.def. Read from its code, since the
 * monitor's side of them (vmm/pv.c) is not written yet. */
Test(paged_os, the_pv_paged_kernel_asks_the_monitor_for_every_table_change)
{
	static const uint32_t wanted[] = { HCALL_MMU_UPDATE, HCALL_PIN, HCALL_UNPIN, HCALL_SET_PTB };
	bool seen[4] = { false };
	bool ptb_written = false;
	char path[1024], err[256];
	struct image pv, native;
	size_t n;
	const uint32_t *w;

	snprintf(path, sizeof path, "%s/guest/kernel-pv-paged.elf", build());
	cr_assert(image_read(path, &pv, err, sizeof err), "%s", err);
	w = text_of(&pv, &n);
	for (size_t i = 0; i < n; i++) {
		const struct isa_insn *in = isa_decode_row(w[i]);
		if (!in)
			continue;
		cr_expect(!(in->cls & ISA_PRIV), "the PV paged kernel runs %s at 0x%zx", in->name, 4 * i);
		for (int k = 0; k < 4; k++)
			seen[k] |= in->opcode == OP_hcall && isa_code24(w[i]) == wanted[k];
	}
	for (int k = 0; k < 4; k++)
		cr_expect(seen[k], "no hcall %u in the PV paged kernel", wanted[k]);
	image_free(&pv);

	/* The native paged kernel writes ptb itself. */
	snprintf(path, sizeof path, "%s/guest/kernel-paged.elf", build());
	cr_assert(image_read(path, &native, err, sizeof err), "%s", err);
	w = text_of(&native, &n);
	for (size_t i = 0; i < n; i++)
		ptb_written |= isa_op(w[i]) == OP_mtsr && isa_uimm16(w[i]) == SR_ptb;
	cr_expect(ptb_written, "kernel-paged.elf has no mtsr ptb");
	image_free(&native);
}
