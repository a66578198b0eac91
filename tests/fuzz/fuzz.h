/*
 * tests/fuzz/fuzz.h: what the fuzz harnesses share.
 * Owns: one entry point per harness (each is also libFuzzer's
 *       LLVMFuzzerTestOneInput when built by `make fuzz`); reading a fuzzer's
 *       bytes as a stream of choices; turning bytes into guest instructions
 *       that are mostly valid; a small kernel and random page tables for a
 *       confined user program; what a guest saw in a run, to compare
 *       modes; reporting a broken invariant; the tally of what a fuzzing
 *       session ran.
 * Not:  the invariants themselves (each harness states its own); replaying
 *       the corpora under `make test` (tests/fuzz_replay_test.c).
 *
 * A harness checks invariants, not just crashes: when one breaks it says
 * which, on standard error, and aborts, so that libFuzzer keeps the input
 * as a crash and the replay test fails on it.
 */
#ifndef TRAPEZE_TEST_FUZZ_H
#define TRAPEZE_TEST_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "equiv.h"

/* The harnesses: return 0, or abort on a broken invariant. */
int fuzz_asm(const uint8_t *data, size_t size);
int fuzz_image(const uint8_t *data, size_t size);
int fuzz_cpu(const uint8_t *data, size_t size);
int fuzz_vmm(const uint8_t *data, size_t size);
int fuzz_mon(const uint8_t *data, size_t size);
int fuzz_hostcfg(const uint8_t *data, size_t size);
int fuzz_host(const uint8_t *data, size_t size);
int fuzz_snapshot(const uint8_t *data, size_t size);
int fuzz_dap(const uint8_t *data, size_t size);
int fuzz_migrate(const uint8_t *data, size_t size);
/* fuzz_snapshot's restore into VM 0 of a host made for machine m (the
 * snapshot's): true when the snapshot was accepted there. */
struct snap_machine;
bool fuzz_snapshot_into_host(const uint8_t *p, size_t n, const struct snap_machine *m);

/* The fuzzer's bytes, read front to back; past the end every read is 0. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};
uint8_t fuzz_byte(struct fuzz_in *in);
uint32_t fuzz_u32(struct fuzz_in *in);
/* Take up to n bytes: *len says how many there were. */
const uint8_t *fuzz_bytes(struct fuzz_in *in, size_t n, size_t *len);

/* One guest instruction from the next bytes. Most are a valid row of the
 * ISA with fields in useful ranges (small offsets, real ports, real special
 * registers); some are any word at all. rdcyc is only ever a raw word: its
 * result differs between modes by design (P&G's temporal exception). */
uint32_t fuzz_insn(struct fuzz_in *in);

/* The trusted kernel of a confined run: words for physical 0 up to
 * FUZZ_K_END. At 0, boot code that sets the trap vector, the relocation
 * (base, limit) or, when ptb is not 0, the page-table base instead, and the
 * timer, and enters user mode at virtual 0 (rfe, with interrupts on when
 * ie). At FUZZ_K_TVEC, a handler that counts each trap in the word at
 * FUZZ_K_COUNT, skips the instruction that trapped, returns, and after
 * FUZZ_K_MAX_TRAPS halts with the count. r1 is saved in scratch. */
enum { FUZZ_K_TVEC = 0x40, FUZZ_K_COUNT = 0x80, FUZZ_K_MAX_TRAPS = 64, FUZZ_K_END = 0x100 };
void fuzz_kernel(uint32_t w[FUZZ_K_END / 4], uint32_t base, uint32_t limit, uint32_t ptb,
                 uint16_t timer, bool ie);

/*
 * Page tables for a paged user program, from the next bytes, in a memory
 * of at least FUZZ_PT_MEM bytes: the kernel's page 0, the directory at
 * FUZZ_PT_DIR, two tables after it (directory slots 0 and 1), the
 * program's page at FUZZ_PT_CODE, mapped at virtual 0 (valid, user), and
 * user pages up to FUZZ_PT_MEM. Each of the other 31 pages of slots 0 and
 * 1 gets a frame of the sixteen or one at or past FUZZ_PT_MEM (a memory a
 * little larger ends in a partial page there), and V W U A D and ignored
 * bits at random; slot 1's table may lie there too. Unless exposed, no
 * entry lets user mode write
 * pages 0..3 (the kernel and the tables) and slot 1 names the second table
 * or nothing: the user cannot change a translation, only A and D change.
 * Exposed, the user may write the tables and slot 1 may name any page.
 * Returns the ptb value (the directory, paging on).
 */
enum {
	FUZZ_PT_MEM = 65536, FUZZ_PT_DIR = 0x1000, FUZZ_PT_TABLE = 0x2000, FUZZ_PT_CODE = 0x4000,
	FUZZ_PT_USER = 0x4000, /* pages from here up are the user's own */
	FUZZ_PT_TAIL = 0x400,  /* a paged memory is FUZZ_PT_MEM and 0..3 of these */
};
uint32_t fuzz_page_tables(struct fuzz_in *in, uint8_t *mem, bool exposed);
/* With tables fuzz_page_tables built unexposed, as they are in mem before
 * a run: may[pa] = the bits of the byte at physical pa that user mode may
 * change: all of a page it may write, an entry's A and D bits, or none.
 * (Past FUZZ_PT_MEM, in a partial page, it may change none: such a page
 * faults.) */
void fuzz_user_may_change(const uint8_t *mem, uint8_t may[FUZZ_PT_MEM]);

/* What a guest saw in one run: its final state, how the run stopped, a
 * digest of every trap it was delivered (cause, detail, epc and when) and
 * the hypercalls among them. Compared between modes by fuzz_vmm and by the
 * hostile paged guests' tests (tests/vmm_paging_hostile_test.c). */
struct fuzz_seen {
	struct vmm_observation o;
	enum cpu_stop stop;
	uint64_t ntraps, trap_hash;
	uint64_t hcalls;
};
/* Record into w (emptied) every trap vm's guest is delivered from now on. */
void fuzz_seen_start(struct vm *vm, struct fuzz_seen *w);
/* The run is over, stopped with stop: take what the guest sees. Free w->o
 * with vmm_observation_free. */
void fuzz_seen_finish(struct vm *vm, enum cpu_stop stop, struct fuzz_seen *w);
/* The first thing two runs showed their guests differently, or NULL. */
const char *fuzz_seen_differs(const struct fuzz_seen *a, const struct fuzz_seen *b);

/* A broken invariant: print "fuzz: HARNESS: invariant broken: ..." and abort. */
void fuzz_fail(const char *harness, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
#define FUZZ_CHECK(harness, cond, ...)                  \
	do {                                            \
		if (!(cond))                            \
			fuzz_fail(harness, __VA_ARGS__); \
	} while (0)

/* What a session ran: executions and guest instructions, per harness. The
 * libFuzzer build prints it at exit (the figures `make fuzz` reports). */
void fuzz_tally(const char *harness, uint64_t guest_instructions);

#endif
