/*
 * cpu/mem.h: physical memory and its pre-decoded shadow.
 * Owns: the bytes of a machine's memory, and one decoded instruction per word,
 *       invalidated whenever that word is written.
 * Not:  relocation and bounds (cpu/exec.c applies them); what a word means.
 */
#ifndef TRAPEZE_MEM_H
#define TRAPEZE_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * A pre-decoded instruction: the fast path reads this, never the word.
 * op is the opcode, or OP_UNDECODED (decode on next fetch) or OP_BAD (no such
 * instruction), or a superinstruction (OP_FUSED_FIRST ... OP_FUSED_LAST): a
 * compare and the conditional branch after it, or an add before those two
 * (the step, test and branch that close a loop), run as one dispatch; the
 * opcode says which shape and which branch (cpu/exec.c). Only the first entry
 * changes: the entries after it still say what they are.
 * A write of rd = r0 is redirected to the sink register r[16], so r0 reads
 * zero without a test on the fast path.
 */
struct insn {
	uint8_t op;
	uint8_t rd, rs, rt;
	int32_t imm;
};
/* Opcodes no isa.def row may use (a test checks). */
enum {
	OP_UNDECODED = 0x00,
	OP_FUSED_FIRST = 0xC0,
	OP_FUSED_LAST = 0xEF,
	OP_BAD = 0xFF,
	REG_SINK = 16
};

struct mem {
	uint8_t *bytes;
	uint32_t size;     /* bytes, a multiple of 4 */
	struct insn *dec;  /* size / 4 entries, with a guard entry before and after */
	bool owner;        /* false for a view into another memory */
};

/* Allocate size bytes (rounded up to a word) of zeroed memory; false if out of host memory. */
bool mem_init(struct mem *m, uint32_t size);
/* Free what mem_init allocated (a view frees nothing). */
void mem_free(struct mem *m);
/* A window [base, base+size) of m, sharing its bytes and decode cache: a VM's
 * guest-physical memory. base and size are multiples of 4 inside m. */
struct mem mem_view(const struct mem *m, uint32_t base, uint32_t size);

/* True when [addr, addr+len) lies inside m. */
static inline bool mem_in_range(const struct mem *m, uint32_t addr, uint32_t len)
{
	return addr <= m->size && len <= m->size - addr;
}

/* Forget the decoded form of every word that [addr, addr+len) touches, and
 * of the word before: it may be a compare fused with the branch written here. */
static inline void mem_invalidate(struct mem *m, uint32_t addr, uint32_t len)
{
	if (len == 0)
		return;
	m->dec[(int64_t)(addr >> 2) - 1].op = OP_UNDECODED;
	for (uint32_t w = addr >> 2; w <= (addr + len - 1) >> 2; w++)
		m->dec[w].op = OP_UNDECODED;
}

/* Copy in and out of memory; false (nothing copied) when out of range. */
bool mem_write(struct mem *m, uint32_t addr, const void *src, uint32_t len);
bool mem_read(const struct mem *m, uint32_t addr, void *dst, uint32_t len);

static inline uint32_t mem_load32(const struct mem *m, uint32_t addr)
{
	uint32_t v;
	memcpy(&v, m->bytes + addr, 4);
	return v;
}

#endif
