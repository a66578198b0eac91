/*
 * vmm/access.c: who touches guest memory besides the guest itself.
 * Owns: telling a debugger (vm_set_access_hook) of each access the monitor
 *       or a device makes to guest memory in the guest's place: the disk's
 *       DMA, a hypercall's answers, page-table bits, stores the monitor
 *       caught and made, patched code, a debugger's own writes; their names.
 * Not:  watchpoints themselves (tools/mon/mon_watch.c), nor the guest's own
 *       loads and stores, which a debugger sees by stepping them.
 * Implements: what makes a watchpoint honest under a VMM: the guest's
 *       memory changes for reasons no guest instruction shows, and a
 *       student looking for the culprit must be told it was the monitor.
 *
 * Nothing here is on a fast path: the calls sit where the monitor already
 * does slow work (an exit, a hypercall, a fault), and cost one test of a
 * pointer when no one listens.
 */
#include "vmm_internal.h"

const char *vm_accessor_name(enum vm_accessor w)
{
	static const char *const names[VM_ACCESSORS] = {
		[VM_ACC_DMA] = "the disk's DMA",
		[VM_ACC_HYPERCALL] = "the VMM, serving a hypercall",
		[VM_ACC_PV_MMU] = "the VMM, updating a page table for a hypercall",
		[VM_ACC_BALLOON] = "the VMM, moving a balloon's page",
		[VM_ACC_SHADOW_AD] = "the VMM, setting accessed/dirty bits (shadow paging)",
		[VM_ACC_TRACED] = "the VMM, making a store it caught (traced or emulated)",
		[VM_ACC_PATCH] = "the VMM, patching kernel code",
		[VM_ACC_DEBUGGER] = "the debugger",
	};
	return (unsigned)w < VM_ACCESSORS ? names[w] : "?";
}

void vmm_note_access(struct vm *vm, enum vm_accessor who, uint32_t gpa, uint32_t len, bool write,
		     uint32_t detail)
{
	struct vm_access a = { who, gpa, len, write, detail };

	if (vm->on_access)
		vm->on_access(vm->access_ctx, vm, &a);
}

/* The devices' bus observer: the disk moved a sector. */
static void on_dma(void *ctx, uint32_t addr, uint32_t len, bool to_memory, uint32_t sector)
{
	vmm_note_access(ctx, VM_ACC_DMA, addr, len, to_memory, sector);
}

void vm_set_access_hook(struct vm *vm, vm_access_hook fn, void *ctx)
{
	vm->on_access = fn;
	vm->access_ctx = ctx;
	/* The disk's transfers are the devices' to tell: only while someone listens. */
	vm->dev.on_dma = fn ? on_dma : NULL;
	vm->dev.dma_ctx = fn ? vm : NULL;
}
