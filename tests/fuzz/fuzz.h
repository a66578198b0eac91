/*
 * tests/fuzz/fuzz.h: what the fuzz harnesses share.
 * Owns: one entry point per harness (each is also libFuzzer's
 *       LLVMFuzzerTestOneInput when built by `make fuzz`); reading a fuzzer's
 *       bytes as a stream of choices; turning bytes into guest instructions
 *       that are mostly valid; reporting a broken invariant; the tally of
 *       what a fuzzing session ran.
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

/* The harnesses: return 0, or abort on a broken invariant. */
int fuzz_asm(const uint8_t *data, size_t size);
int fuzz_image(const uint8_t *data, size_t size);
int fuzz_cpu(const uint8_t *data, size_t size);
int fuzz_vmm(const uint8_t *data, size_t size);
int fuzz_mon(const uint8_t *data, size_t size);
int fuzz_hostcfg(const uint8_t *data, size_t size);
int fuzz_host(const uint8_t *data, size_t size);
int fuzz_snapshot(const uint8_t *data, size_t size);
int fuzz_migrate(const uint8_t *data, size_t size);

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
 * (base, limit) and the timer, and enters user mode at virtual 0 (rfe, with
 * interrupts on when ie). At FUZZ_K_TVEC, a handler that counts each trap
 * in the word at FUZZ_K_COUNT, skips the instruction that trapped, returns,
 * and after FUZZ_K_MAX_TRAPS halts with the count. r1 is saved in scratch. */
enum { FUZZ_K_TVEC = 0x40, FUZZ_K_COUNT = 0x80, FUZZ_K_MAX_TRAPS = 64, FUZZ_K_END = 0x100 };
void fuzz_kernel(uint32_t w[FUZZ_K_END / 4], uint32_t base, uint32_t limit, uint16_t timer,
                 bool ie);

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
