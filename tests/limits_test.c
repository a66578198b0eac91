/*
 * tests/limits_test.c: resource limits, and the bugs that hid behind them.
 * Owns: what the options that bound a guest promise: guest memory (--mem),
 *       the step limit (--max-steps), the console output (--max-output) have
 *       finite defaults that --help states; a guest that prints for ever
 *       fills no disk; and the regression tests of the bugs found while
 *       fuzzing and filling in the bad-input table (each named *_regression).
 * Not:  the bad-input table itself (badinput_test.c); the fuzz corpora
 *       (fuzz_replay_test.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asm.h"
#include "dis.h"
#include "equiv.h"
#include "image.h"
#include "cpu/machine.h"
#include "vmm/vmtest.h"

Test(limits, every_limit_has_a_finite_default_that_help_states)
{
	int status;
	char *out = vt_trapeze("run --help", VT_STDOUT, &status);

	cr_expect_eq(status, 0);
	cr_expect(strstr(out, "--max-steps N       stop after N guest instructions (default "
	                      "10000000000)"), "%s", out);
	cr_expect(strstr(out, "--mem BYTES         guest memory (default 1M"), "%s", out);
	cr_expect(strstr(out, "--max-output BYTES  console bytes kept before output is cut "
	                      "(default 16M;"), "%s", out);
	free(out);
}

/* tests/vmm/flood.s writes 'x' for ever: two instructions a byte. */
static void flood(const char *mode, const char *extra, size_t *bytes, char **said, int *status)
{
	char elf[96], args[256];
	char *out;

	vt_elf("flood", elf);
	snprintf(args, sizeof args, "run --mode %s --max-steps 40000000 %s %s", mode, extra, elf);
	out = vt_trapeze(args, VT_STDOUT, status);
	*bytes = strlen(out);
	free(out);
	*said = vt_trapeze(args, VT_STDERR, status);
	unlink(elf);
}

Test(limits, a_guest_that_prints_for_ever_fills_no_disk)
{
	static const char *const modes[] = { "bare", "trap" };
	size_t bytes;
	char *said;
	int status;

	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		flood(modes[i], "", &bytes, &said, &status);
		cr_expect_eq(bytes, 16u << 20, "%s: %zu bytes written", modes[i], bytes);
		cr_expect(strstr(said, "trapeze: run: step limit (40000000 instructions) reached"),
			  "%s: %s", modes[i], said);
		cr_expect(strstr(said, "trapeze: run: resource control: the guest's console output "
				       "went over --max-output (16777216 bytes) and was cut there\n"),
			  "%s: %s", modes[i], said);
		cr_expect_eq(status, 122, "%s: resource control is the status", modes[i]);
		free(said);
	}
	flood("bare", "--max-output 0", &bytes, &said, &status);
	cr_expect_gt(bytes, 16u << 20, "--max-output 0 is no limit: %zu bytes", bytes);
	cr_expect(!strstr(said, "cut"), "%s", said);
	free(said);
	flood("bare", "--max-output 1K", &bytes, &said, &status);
	cr_expect_eq(bytes, 1024);
	free(said);
}

Test(limits, the_guest_sees_the_memory_it_was_given_in_every_mode)
{
	char src[96], elf[128], args[320];
	int status;

	vt_make_file(src, "\tmfsr r1, memsize\n\tshri r1, r1, 10\n\tout PORT_POWER, r1\n");
	snprintf(elf, sizeof elf, "%s.elf", src);
	snprintf(args, sizeof args, "asm -o %s %s", elf, src);
	free(vt_trapeze(args, VT_BOTH, &status));
	cr_assert_eq(status, 0);
	for (int m = 0; m < MODE_COUNT; m++) {
		const char *name = vmm_mode_name((enum vmm_mode)m);
		snprintf(args, sizeof args, "run --mode %s --mem 96K %s", name, elf);
		free(vt_trapeze(args, VT_BOTH, &status));
		cr_expect_eq(status, 96, "%s: memsize reads %dK, given 96K", name, status);
	}
	unlink(elf);
	unlink(src);
}

Test(limits, the_step_limit_ends_a_guest_that_never_stops_in_every_mode)
{
	char elf[96], args[256], want[128];
	int status;

	vt_elf("spin", elf);
	for (int m = 0; m < MODE_COUNT; m++) {
		const char *name = vmm_mode_name((enum vmm_mode)m);
		char *said;
		snprintf(args, sizeof args, "run --mode %s --max-steps 1000 %s", name, elf);
		said = vt_trapeze(args, VT_STDERR, &status);
		snprintf(want, sizeof want, "trapeze: run: step limit (1000 instructions) reached");
		cr_expect_eq(status, 124, "%s: exit %d", name, status);
		cr_expect(!strncmp(said, want, strlen(want)), "%s: %s", name, said);
		free(said);
	}
	unlink(elf);
}

/* ---- regressions ---------------------------------------------------------- */

/* (A hang is guarded with alarm(), not Criterion's .timeout: two tests with
 * .timeout side by side make libcriterion 2.4's runner leak, which fails
 * make sanitize's LeakSanitizer.) */

Test(equiv, diff_of_a_trap_storm_is_quick_and_small_regression)
{
	/* A nop, then an illegal word, the trap vector at 0: a trap every other
	 * instruction. The diff compared every trap log whole after every
	 * instruction: 300000 instructions would take many minutes. */
	struct prog p = { .n = 0 };
	struct vmm_divergence d;
	struct vm_options o;

	alarm(30);
	prog_emit(&p, isa_enc_r(OP_add, 0, 0, 0));
	prog_emit(&p, 0);
	vm_options_init(&o);
	o.step_limit = 300000;
	cr_assert(vt_equivalent(&o, MODE_BARE, MODE_TRAP, vt_load_prog, &p, &d),
	          "%s at %llu", d.what ? d.what : "?", (unsigned long long)d.index);
	cr_expect_eq(d.before.retired, 300000);
	cr_expect_geq(d.before.ntraps, 299999, "%zu traps", d.before.ntraps);
	vmm_divergence_free(&d);
}

Test(dis, a_symbol_named_like_a_predefined_constant_is_no_label_regression)
{
	/* fuzz_image: an image from elsewhere named a symbol PV_PAGE; the
	 * disassembly defined it again and would not re-assemble. */
	uint8_t text[8] = { 0 };
	struct image_seg seg = { 0, sizeof text, text, ".text" };
	struct image_sym syms[] = { { "PORT_POWER", 4, true }, { "PSW_S", 0x40000, false },
		                    { "ok", 0, false } };
	struct image img = { .segs = &seg, .nsegs = 1, .syms = syms, .nsyms = 3 };
	struct asm_result r;
	char *src = dis_image(&img, "foreign.elf");

	cr_assert(src);
	cr_expect(asm_assemble_text("dis.s", src, &r), "%s", src);
	cr_expect(strstr(src, "ok:"), "%s", src);
	cr_expect(!strstr(src, "PORT_POWER:") && !strstr(src, "PSW_S ="), "%s", src);
	asm_result_free(&r);
	free(src);
}

Test(asm, listing_of_a_program_with_an_empty_section_regression)
{
	/* fuzz_asm: the listing took the address of byte 0 of a section that
	 * had no buffer yet (NULL + 0, undefined behaviour, caught by UBSan). */
	struct asm_input in = { "prog.s", ".data\n; nothing\n\tnop\n", 21 };
	struct asm_options opt = { .listing = true };
	struct asm_result r;

	cr_assert(asm_assemble(&in, 1, &opt, &r));
	cr_expect(r.listing && strstr(r.listing, "nop"), "%s", r.listing);
	asm_result_free(&r);
}

Test(cpu, a_store_after_a_fused_compare_and_branch_regression)
{
	/* fuzz_vmm: a store forgets the word before the one it writes (it may
	 * be a fused compare); here that word is the branch of a fused pair,
	 * and the compare ran fused with a branch no longer decoded (an index
	 * out of bounds, then a branch taken at random: caught by the UBSan of
	 * make sanitize; a plain build read whatever lay before the table). */
	const uint32_t halt = isa_enc_i(OP_out, 0, 2, PORT_POWER);
	const uint32_t prog[] = {
		isa_enc_i(OP_addi, 2, 0, 0),             /* 0x00 */
		isa_enc_i(OP_lui, 4, 0, halt >> 16),
		isa_enc_i(OP_ori, 4, 4, halt & 0xFFFF),
		isa_enc_i(OP_addi, 3, 0, 0x20),
		isa_enc_i(OP_addi, 2, 2, 1),             /* 0x10: loop */
		isa_enc_i(OP_stw, 4, 3, 0),              /* the word after the branch */
		isa_enc_i(OP_cmpi, 0, 2, 3),
		isa_enc_j(OP_blt, -4),                   /* to loop */
		halt,                                    /* 0x20 */
	};
	static const engine_fn engines[] = { cpu_exec_goto, cpu_exec_switch };

	for (size_t e = 0; e < sizeof engines / sizeof engines[0]; e++) {
		struct machine m;
		tm_boot(&m, false, engines[e]);
		m.c.pc = 0;
		cr_assert(mem_write(&m.c.mem, 0, prog, sizeof prog));
		cr_expect_eq(tm_run(&m, 1000), STOP_HALT, "engine %zu", e);
		cr_expect_eq(m.d.halt_code, 3, "engine %zu: the loop ran %u times, not 3", e,
		             m.d.halt_code);
		cr_expect_eq(m.c.retired, 4 + 3 * 4 + 1);
		tm_free(&m);
	}
}

Test(equiv, a_clock_read_first_in_a_trap_handler_is_permitted_regression)
{
	/* fuzz_vmm: a fault (it retires nothing) and the handler's first
	 * instruction, reading the clock, are one step of the diff's lockstep;
	 * it looked for the rdcyc at the faulting pc, found a divu, and called
	 * the clock's permitted difference a divergence. */
	struct prog p = { .n = 0 };
	struct vmm_divergence d;
	struct vm_options o;

	prog_emit(&p, isa_enc_r(OP_rdcyc, 2, 0, 0)); /* 0: the trap vector too */
	prog_emit(&p, isa_enc_r(OP_divu, 0, 0, 0));  /* by zero: DIVZERO */
	vm_options_init(&o);
	o.step_limit = 1000;
	for (int m = MODE_EMULATE; m < MODE_COUNT; m++) {
		cr_expect(vt_equivalent(&o, MODE_BARE, (enum vmm_mode)m, vt_load_prog, &p, &d),
		          "%s: %s after %llu at 0x%x", vmm_mode_name((enum vmm_mode)m),
		          d.what ? d.what : "?", (unsigned long long)d.index, d.pc);
		vmm_divergence_free(&d);
	}
}

/* A kernel block that rewrites its own words ahead of where it runs. */
static void rewrite_ahead(struct prog *p, uint32_t new_word, unsigned at)
{
	prog_li(p, 1, new_word);
	prog_li(p, 2, 0x1000);                        /* a jru target, for the second case */
	prog_emit(p, isa_enc_i(OP_stw, 1, 0, at));    /* no branch: all one block */
	while ((unsigned)p->n * 4 < at)
		prog_emit(p, isa_enc_r(OP_add, 0, 0, 0));
	prog_emit(p, isa_enc_r(OP_getpsw, 3, 0, 0)); /* at: what the block was translated with */
	prog_halt(p, 3);
}

Test(bt, a_block_that_rewrites_itself_runs_the_new_words_regression)
{
	/* fuzz_vmm: a store in a translated kernel block wrote the block's own
	 * later words. The callout then emulated the sensitive word it had
	 * replaced (here a getpsw, now an illegal word); and a jru written
	 * there under --nonvirt=pdp10 ran natively, a plain jump, the guest
	 * left in virtual supervisor mode. Binary translation claims both. */
	const char *bad;
	struct prog p = { .n = 0 };
	struct vmm_divergence d;
	struct vm_options o;

	vm_options_init(&o);
	o.step_limit = 200;
	rewrite_ahead(&p, 0, 0x20);
	cr_expect(vt_equivalent(&o, MODE_BARE, MODE_BT, vt_load_prog, &p, &d),
	          "the callout: %s after %llu at 0x%x", d.what ? d.what : "?",
	          (unsigned long long)d.index, d.pc);
	vmm_divergence_free(&d);
	memset(&p, 0, sizeof p);
	rewrite_ahead(&p, isa_enc_r(OP_jru, 0, 2, 0), 0x20);
	o.nonvirt = (unsigned)cpu_parse_nonvirt("pdp10", &bad);
	cr_expect(vt_equivalent(&o, MODE_BARE, MODE_BT, vt_load_prog, &p, &d),
	          "jru under pdp10: %s after %llu at 0x%x", d.what ? d.what : "?",
	          (unsigned long long)d.index, d.pc);
	vmm_divergence_free(&d);
}
