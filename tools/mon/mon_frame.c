/*
 * tools/mon/mon_frame.c: the guest's call frames, from its calling convention.
 * Owns: backtrace: each frame's function, its sp and where it returns to,
 *       found by reading the function's prologue.
 * Not:  finish's run to the return (mon_core.c); the convention itself
 *       (docs/ASSEMBLY.md, "The calling convention of the guest OS").
 * Implements: a frame walk for code with no frame pointer, the way a
 *       debugger reads a prologue when there is no unwind table. The guest
 *       OS's convention: `call` leaves the return address in lr; a function
 *       that calls another first saves lr with `push lr` (addi sp, sp, -4;
 *       stw lr, 0(sp)), and saves callee-saved registers the same way; it
 *       restores sp before `ret`. So, in a function entered at F with the
 *       pc at P: the sp adjustments of the prologue between F and P say how
 *       far the caller's sp lies above, and the slot lr was stored in says
 *       where the return address is. A function that has not stored lr (a
 *       leaf, or before its push) still has it in lr: only the innermost
 *       frame can be such.
 *
 * The function around an address is the nearest symbol at or below it
 * that is not a local label (no '.'); a frame outside every function (a
 * user program loaded from disk, which the image has no symbols of) ends
 * the walk. So does a trap vector: a handler was entered by a trap, not
 * a call (its caller is the interrupted code, at epc).
 */
#include <string.h>

#include "mon.h"

/* The first instruction of the function around gpa, or 0. */
static uint32_t function_of(const struct image *img, uint32_t gpa)
{
	uint32_t best = 0;
	bool found = false;

	if (!img)
		return 0;
	for (int i = 0; i < img->nsyms; i++) {
		const struct image_sym *s = &img->syms[i];
		if (s->addr <= gpa && (!found || s->addr > best) && !strchr(s->name, '.') &&
		    !(s->name[0] >= '0' && s->name[0] <= '9')) {
			best = s->addr;
			found = true;
		}
	}
	return found ? best : 0;
}

static bool is_sp_adjust(uint32_t w, int32_t *by)
{
	const struct isa_insn *in = isa_decode_row(w);

	if (!in || in->opcode != OP_addi || isa_rd(w) != REG_SP || isa_rs(w) != REG_SP)
		return false;
	*by = isa_imm(in, w);
	return true;
}

static bool is_save_to_sp(uint32_t w, unsigned *reg, int32_t *off)
{
	const struct isa_insn *in = isa_decode_row(w);

	if (!in || in->opcode != OP_stw || isa_rs(w) != REG_SP)
		return false;
	*reg = isa_rd(w);
	*off = isa_imm(in, w);
	return true;
}

/* Read the prologue of the function at func up to pc (virtual addresses,
 * read in the current mode): *delta the sp adjustment made (negative: the
 * stack grew), *lr_off where lr was stored relative to the sp at pc (-1:
 * not stored yet). */
static void read_prologue(const struct mon *m, uint32_t func, uint32_t pc, int32_t *delta,
			  int32_t *lr_off)
{
	int32_t d = 0, at = -1;

	for (uint32_t a = func; a < pc; a += 4) {
		uint32_t w;
		int32_t by, off;
		unsigned reg;
		if (!mon_read_word(m, a, &w))
			break;
		if (is_sp_adjust(w, &by)) {
			d += by;
			if (at >= 0)
				at -= by; /* the slot moves away from the new sp */
		} else if (is_save_to_sp(w, &reg, &off)) {
			if (reg == REG_LR)
				at = off;
		} else {
			break; /* the prologue ends at the first other instruction */
		}
	}
	*delta = d;
	*lr_off = at;
}

int mon_backtrace(const struct mon *m, struct mon_frame *f, int max)
{
	const struct vm *vm = m->vm;
	uint32_t pc = vm_pc(vm), sp = mon_reg_read(m, REG_SP), tvec = vm_sreg(vm, SR_tvec);
	int n = 0;

	while (n < max) {
		const struct image *img = mon_symbols_at(m, pc);
		uint32_t gpa, func, w, ret = 0;
		int32_t delta, lr_off;
		struct mon_frame *fr = &f[n];

		if (!vm_translate(vm, pc, &gpa) || !(func = function_of(img, gpa)))
			break;
		/* The symbol is physical; the function's virtual start is as far
		 * below the pc as its physical one is below gpa. */
		func = pc - (gpa - func);
		*fr = (struct mon_frame){ .pc = pc, .sp = sp, .func = func };
		n++;
		if (func == tvec)
			break; /* a trap handler: entered by a trap, not a call */
		if (n == 1 && mon_read_word(m, pc, &w) && isa_op(w) == OP_jr && isa_rs(w) == REG_LR) {
			/* At ret: the epilogue has restored sp and lr. */
			fr->ret = mon_reg_read(m, REG_LR);
			fr->lr_in_reg = true;
			delta = 0;
		} else {
			read_prologue(m, func, pc, &delta, &lr_off);
			if (lr_off < 0) {
				if (n > 1)
					break; /* an outer frame must have saved lr to call */
				fr->ret = mon_reg_read(m, REG_LR);
				fr->lr_in_reg = true;
			} else if (mon_read_word(m, sp + (uint32_t)lr_off, &ret)) {
				fr->ret = ret;
			}
		}
		fr->caller_sp = sp - (uint32_t)delta;
		if (!fr->ret || (fr->ret & 3))
			break;
		pc = fr->ret - 4; /* the call */
		sp = fr->caller_sp;
		if (!mon_read_word(m, pc, &w) || (isa_op(w) != OP_jal && isa_op(w) != OP_jalr))
			break; /* lr is no return address: nothing called from there */
	}
	return n;
}
