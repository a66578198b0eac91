/*
 * vmm/emulate.c: full software emulation: the guest never runs natively.
 * Owns: the emulate mode's run loop: the virtual CPU interpreted one
 *       instruction (or one trap entry) at a time.
 * Not:  the interpreter itself: it is cpu_step on the virtual CPU, the same
 *       code as the real machine's, so the semantics cannot drift apart.
 * Implements: the lecture's "full software emulation": equivalence and
 *       resource control hold for any instruction set, nonvirt or not, but
 *       P&G's efficiency property is given up entirely: no guest instruction
 *       runs on the real processor (efficiency 0%). Imitates Bochs and QEMU's
 *       TCI; cross-architecture virtualisation has to work this way (or
 *       translate, see bt.c).
 */
#include "vmm_internal.h"

int vmm_round_emulate(struct vm *vm, uint64_t end)
{
	enum cpu_stop s = vmm_interpret_one(vm);

	(void)end; /* a round is one instruction: never past the end */
	return s == STOP_LIMIT ? VMM_GO_ON : (int)s;
}
