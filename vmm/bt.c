/*
 * vmm/bt.c: binary translation of the guest kernel; its user code runs directly.
 * Owns: the bt mode's run loop: translating guest supervisor code a basic
 *       block at a time into the translation cache on first execution,
 *       running translated blocks, callouts into the VMM for sensitive
 *       instructions, chaining blocks to each other, and dropping a
 *       translation whose guest code has been written since.
 * Not:  the cache's memory and look-up (bt_cache.c); emulating a sensitive
 *       instruction (trap_emulate.c); running on the real CPU (native.c);
 *       what a word does to the flow of control (flow.c).
 * Implements: the lecture's "binary translation is better, but still incurs
 *       overhead". Under --nonvirt the guest kernel's sensitive instructions
 *       do not all trap (P&G's Theorem 1 fails), so the kernel is never run
 *       as it stands: each of its blocks is translated before it first runs,
 *       innocuous instructions copied unchanged and every sensitive one,
 *       trapping or not, replaced by a callout, so nothing the real CPU runs
 *       can see through the monitor. Guest memory is left as the guest wrote
 *       it: a guest reading its own code sees its own bytes (no traces, unlike
 *       patch.c). P&G's efficiency is kept for user code, which runs
 *       directly; kernel code runs as translated code with the monitor at
 *       every block boundary (chaining makes that a jump). Imitates VMware
 *       Workstation's translator (Adams and Agesen, ASPLOS 2006): IDENT
 *       translation of innocuous instructions, callouts, chaining, a
 *       translation cache flushed when full.
 *
 * What stays observable, exactly as with VMware: user code runs directly,
 * so a user-mode instruction that is sensitive and does not trap reads the
 * real machine. Under --nonvirt (x86) that is getbase, the real relocation
 * base (the Red Pill read x86's SIDT the same way, in 2004): the guest OS's
 * redpill program tells this monitor from the bare machine; under
 * --nonvirt=pdp10, where Theorem 3 holds, nothing does.
 *
 * A translated block is the guest's words copied unchanged (VMware's IDENT
 * translations) up to and including the first jump or trap, or up to and
 * not including the first sensitive instruction, which becomes a callout.
 * Its copies run on the real CPU, deprivileged as in trap mode, at full
 * speed. They run at the guest addresses they were copied from: this
 * machine's one relocation register cannot map the cache into the guest's
 * window without letting the guest reach it (VMware needed x86 segment
 * truncation for that), and the block is only entered after checking that
 * guest memory still holds exactly its copies, so what the real CPU fetches
 * there is the translation. That check, at every block entry, is how a
 * write to translated code invalidates it (Valgrind's --smc-check=all;
 * VMware write-protected the pages instead): the translation is dropped and
 * the new code translated. A block's own store may write its words still to
 * come, so its copies run only up to each store, and the check is made
 * again before the rest of the block runs. Branch targets are rewritten into the block's
 * exits, and an exit, once followed, is chained to the translation of its
 * target: the next block is entered without looking anything up.
 *
 * Between rounds the monitor remembers where the guest stands in the cache
 * (inside a block, or at a block's exit), so that a run split into many
 * short budgets translates, chains and charges exactly as one long run.
 */
#include <stdlib.h>
#include <string.h>

#include "bt_cache.h"
#include "snapshot.h"
#include "vmm_internal.h"

/* The longest block: a bound on translation latency, as VMware's 12. */
enum { BT_MAX_BLOCK = 32 };
/* An exit that matches no pc: guest pcs are multiples of 4. */
static const uint32_t NO_EXIT = 1;

struct bt {
	struct bt_cache tc;
	/* Adaptive translation (Adams and Agesen, ASPLOS 2006, section 4.2):
	 * a bit per guest word: a store there faulted writing a page table, so
	 * it is translated as a callout from now on, never run as it is. */
	uint32_t *adaptive;
	uint32_t nwords;
	/* Where the guest stood after the last round: in cur (at_exit: just
	 * left it), as long as nothing has moved it since. */
	struct bt_block *cur;
	bool at_exit;
	uint32_t cur_pc;
	uint64_t cur_retired, cur_delivered;
};

bool vmm_bt_create(struct vm *vm, char *err, size_t errlen)
{
	size_t size = vm->opt.tc_size ? vm->opt.tc_size : VM_DEFAULT_TC;

	if (size < VM_MIN_TC)
		size = VM_MIN_TC; /* it must hold the longest block */
	vm->bt = calloc(1, sizeof *vm->bt);
	if (vm->bt) {
		vm->bt->nwords = vm->region_size / 4;
		vm->bt->adaptive = calloc(vm->bt->nwords / 32 + 1, sizeof *vm->bt->adaptive);
	}
	if (!vm->bt || !vm->bt->adaptive || !bt_cache_init(&vm->bt->tc, size)) {
		snprintf(err, errlen, "out of host memory for a translation cache of %zu bytes", size);
		return false;
	}
	vm->stats.bt.cache_size = size;
	return true;
}

void vmm_bt_destroy(struct vm *vm)
{
	if (!vm->bt)
		return;
	bt_cache_free(&vm->bt->tc);
	free(vm->bt->adaptive);
	free(vm->bt);
	vm->bt = NULL;
}

/* How the translator treats word: false when the block must end before it
 * (a callout); *end says how the block ends if it ends at this word. */
static bool copies(uint32_t word, uint32_t pc, enum bt_end *end, uint32_t *target)
{
	const struct isa_insn *in = isa_decode_row(word);

	/* LAB 4 BEGIN: a sensitive word ends the block before it (a callout); a jump or trap after it */
	*end = BT_END_FALL;
	if (in && in->cls != ISA_INNOCUOUS) {
		/* Privileged or sensitive: trapping or not, never run as it is. */
		*end = BT_END_CALLOUT;
		return false;
	}
	switch (vmm_flow_of(word, pc, target)) {
	case FLOW_NEXT: break;
	case FLOW_INDIRECT: *end = BT_END_INDIRECT; break;
	case FLOW_TRAP: *end = BT_END_TRAP; break;
	default: *end = BT_END_BRANCH; break;
	}
	return true;
	/* LAB 4 STUB: (void)in; */
	/* LAB 4 STUB: (void)pc; */
	/* LAB 4 STUB: (void)target; */
	/* LAB 4 STUB: *end = BT_END_CALLOUT; */
	/* LAB 4 STUB: return false; */
	/* LAB 4 END */
}

static bool is_adaptive(const struct bt *t, uint32_t gpa)
{
	return gpa / 4 < t->nwords && (t->adaptive[gpa / 128] >> (gpa / 4 % 32) & 1);
}

/* Room for a block of n words: when the cache is full, flush it all. */
static struct bt_block *make_room(struct vm *vm, struct bt *t, uint32_t pc, uint32_t n)
{
	struct bt_block *b = bt_cache_alloc(&t->tc, pc, n);

	if (!b) {
		bt_cache_flush(&t->tc);
		t->cur = NULL;
		vm->stats.bt.flushes++;
		vmm_charge(vm, vmm_cost(vm, VMM_C_FLUSH));
		b = bt_cache_alloc(&t->tc, pc, n); /* VM_MIN_TC holds any block */
	}
	return b;
}

/* Translate the basic block at guest-physical pc, or NULL when no
 * instruction can start there (misaligned, or outside memory: the real
 * CPU's fetch will fault). */
static struct bt_block *translate(struct vm *vm, struct bt *t, uint32_t pc)
{
	const struct mem *m = &vm->vcpu.mem;
	uint32_t n = 0, nrun = 0, target = 0, last = 0;
	enum bt_end end = BT_END_FALL;
	struct bt_block *b;

	if ((pc & 3) || pc >= m->size)
		return NULL;
	while (n < BT_MAX_BLOCK && pc + 4 * n < m->size) {
		last = pc + 4 * n;
		n++;
		if (is_adaptive(t, last)) {
			end = BT_END_CALLOUT; /* a store to a page table: a callout */
			break;
		}
		if (!copies(mem_load32(m, last), last, &end, &target))
			break;
		nrun = n;
		if (end != BT_END_FALL)
			break;
	}
	b = make_room(vm, t, pc, n);
	b->nrun = (uint16_t)nrun;
	b->end = (uint8_t)end;
	b->valid = true;
	for (uint32_t i = 0; i < n; i++)
		b->words[i] = mem_load32(m, pc + 4 * i);
	/* The branch rewritten: its targets become the block's exits. */
	b->exit[0].pc = b->exit[1].pc = NO_EXIT;
	if (end == BT_END_BRANCH) {
		b->exit[0].pc = target;
		if (isa_op(b->words[n - 1]) != OP_jmp && isa_op(b->words[n - 1]) != OP_jal)
			b->exit[1].pc = last + 4;
	} else if (end == BT_END_CALLOUT || end == BT_END_FALL) {
		b->exit[0].pc = pc + 4 * n; /* after the callout, or where it was cut */
	}
	vm->stats.bt.blocks++;
	vm->stats.bt.words += n;
	vmm_charge(vm, (uint64_t)vmm_cost(vm, VMM_C_TRANSLATE) * n);
	return b;
}

/* Guest memory still holds exactly the words b was translated from. */
static bool is_fresh(const struct vm *vm, const struct bt_block *b)
{
	/* LAB 4 BEGIN: does guest memory still hold the words b was translated from? */
	return !memcmp(b->words, vm->vcpu.mem.bytes + b->pc, 4 * (size_t)b->nwords);
	/* LAB 4 STUB: (void)vm; */
	/* LAB 4 STUB: (void)b; */
	/* LAB 4 STUB: return true; */
	/* LAB 4 END */
}

/*
 * Enter the block that starts at the guest's pc: by the chained exit `via`
 * of the block just left, if it has one, else by looking it up; translated
 * now if there is none, or if the guest has written its code since.
 */
static struct bt_block *enter(struct vm *vm, struct bt *t, struct bt_exit *via)
{
	uint32_t pc = vm->vcpu.pc;
	uint64_t flushes = t->tc.flushes;
	struct bt_block *b = via && via->to && via->to->valid ? via->to : NULL;
	bool chained = b != NULL;

	/* LAB 4 BEGIN: find the block (chained, or looked up), drop it if stale, else translate; chain via */
	vm->stats.bt.entries++;
	if (chained) {
		vmm_charge(vm, vmm_cost(vm, VMM_C_CHAIN));
	} else {
		b = bt_cache_find(&t->tc, pc);
		vmm_charge(vm, vmm_cost(vm, VMM_C_DISPATCH));
	}
	if (b && !is_fresh(vm, b)) {
		bt_cache_drop(&t->tc, b);
		vm->stats.bt.invalidated++;
		b = NULL;
	}
	if (b) {
		vm->stats.bt.hits++;
		vm->stats.bt.chained += chained;
	} else {
		b = translate(vm, t, pc);
	}
	if (via && t->tc.flushes == flushes)
		via->to = b; /* chain: next time, straight there */
	/* LAB 4 STUB: (void)flushes; */
	/* LAB 4 STUB: (void)chained; */
	/* LAB 4 STUB: (void)via; */
	/* LAB 4 STUB: (void)is_fresh; */
	/* LAB 4 STUB: b = translate(vm, t, pc); */
	/* LAB 4 END */
	return b;
}

/* The block to run now, and where the guest stands in it. */
static struct bt_block *locate(struct vm *vm, struct bt *t)
{
	const struct cpu *v = &vm->vcpu;
	struct bt_block *cur = t->cur;

	if (!cur || v->pc != t->cur_pc || v->retired != t->cur_retired ||
	    vm->delivered != t->cur_delivered)
		return enter(vm, t, NULL); /* a trap, an interrupt, a debugger: look it up */
	if (!t->at_exit && v->pc >= cur->pc &&
	    ((v->pc - cur->pc) / 4 < cur->nrun ||
	     ((v->pc - cur->pc) / 4 == cur->nrun && cur->end == BT_END_CALLOUT))) {
		/* A budget ran out inside it, the timer, or a store (run_copies):
		 * carry on, unless the guest has written the block's words since
		 * (fuzz_vmm found both: a callout emulating the word it replaced,
		 * a jru written ahead run natively as a plain jump; see bt,
		 * a_block_that_rewrites_itself_runs_the_new_words_regression). */
		if (is_fresh(vm, cur))
			return cur;
		bt_cache_drop(&t->tc, cur);
		vm->stats.bt.invalidated++;
		t->cur = NULL;
		return enter(vm, t, NULL);
	}
	for (int i = 0; i < 2; i++)
		if (cur->exit[i].pc == v->pc)
			return enter(vm, t, &cur->exit[i]);
	return enter(vm, t, NULL); /* an indirect jump, rfe, jru: no fixed target */
}

static void remember(struct vm *vm, struct bt *t, struct bt_block *b, bool at_exit)
{
	t->cur = b;
	t->at_exit = at_exit;
	t->cur_pc = vm->vcpu.pc;
	t->cur_retired = vm->vcpu.retired;
	t->cur_delivered = vm->delivered;
}

static bool is_store(uint32_t word)
{
	unsigned op = isa_op(word);
	return op == OP_stw || op == OP_sth || op == OP_stb;
}

/* Run the copies of b from word off on the real CPU, within the budget. */
static int run_copies(struct vm *vm, struct bt *t, struct bt_block *b, uint32_t off, uint64_t end)
{
	struct cpu *v = &vm->vcpu;
	uint64_t before = v->retired, n = b->nrun - off;
	enum cpu_stop s;

	if (n > end - before)
		n = end - before;
	/* Stop after a store: it may have written the block's own words still
	 * to come, which must not then run as they are; locate checks the
	 * block before the rest runs. (A native run is charged per exit, not
	 * per call: splitting it costs the guest's clock nothing.) */
	for (uint64_t i = 0; i < n; i++)
		if (is_store(b->words[off + i])) {
			n = i + 1;
			break;
		}
	s = vmm_run_native(vm, n);
	/* They ran on the real CPU, but as the monitor's translation. */
	vm->stats.native -= v->retired - before;
	vm->stats.translated += v->retired - before;
	if (s == STOP_TRAP && vm->real.trap.cause == CAUSE_PAGEFAULT && (vm->real.trap.info & PF_W) &&
	    vmm_shadow_active(vm) && is_store(mem_load32(&v->mem, v->pc)) && v->pc / 4 < t->nwords) {
		/* A store of kernel code wrote a page table (the only writes of
		 * the unmapped kernel that fault): this one exits and is traced;
		 * the block is translated again with the store as a callout. */
		t->adaptive[v->pc / 128] |= 1u << (v->pc / 4 % 32);
		bt_cache_drop(&t->tc, b);
		t->cur = NULL;
		vm->stats.bt.adaptive++;
		return vmm_trap_exit(vm);
	}
	/* Every copy ran: the guest left the block by its exit, and the next
	 * round follows it (the timer may run out on the last copy: native.c
	 * then takes its exit right there, after the block). */
	remember(vm, t, b, v->retired - before == b->nrun - off && b->end != BT_END_CALLOUT);
	/* The real timer, a fault, or the trap the block ends with: the guest
	 * is still in the block, unless the exit delivers a trap or moves it
	 * on (which the next round sees: locate). */
	return s == STOP_TRAP ? vmm_trap_exit(vm) : VMM_GO_ON;
}

/* The sensitive instruction that ends b: a call into the VMM, which
 * emulates the copy exactly as trap mode emulates a trapped one. */
static int callout(struct vm *vm, struct bt *t, struct bt_block *b)
{
	int why;

	vm->stats.bt.callouts++;
	vmm_charge(vm, vmm_cost(vm, VMM_C_CALLOUT));
	if (is_store(b->words[b->nrun])) {
		/* Adaptive translation's callout: the monitor makes the store. */
		why = vmm_shadow_store(vm, b->words[b->nrun]);
		remember(vm, t, b, true);
		return why;
	}
	/* LAB 4 BEGIN: the callout: emulate the sensitive word after the block's copies, as trap mode would */
	vm->callout = true;
	why = vmm_emulate_privileged(vm, b->words[b->nrun]);
	vm->callout = false;
	/* LAB 4 STUB: why = STOP_FAULT; */
	/* LAB 4 END */
	remember(vm, t, b, true);
	return why;
}

int vmm_round_bt(struct vm *vm, uint64_t end)
{
	struct bt *t = vm->bt;
	struct cpu *v = &vm->vcpu;
	uint64_t delivered = vm->delivered;
	struct bt_block *b;
	uint32_t off;
	int why;

	/* cpu/exec.c's resync takes interrupts before the next instruction. */
	why = vmm_inject_interrupt(vm);
	if (why != VMM_GO_ON || vm->delivered != delivered)
		return why;
	if (!cpu_in_supervisor(v)) {
		/* Guest user code runs directly, exactly as in trap mode. */
		if (vmm_run_native(vm, end - v->retired) == STOP_LIMIT)
			return VMM_GO_ON;
		return vmm_trap_exit(vm);
	}
	b = locate(vm, t);
	if (!b) {
		/* No instruction at pc: let the real CPU's fetch fault. */
		if (vmm_run_native(vm, 1) == STOP_LIMIT)
			return VMM_GO_ON;
		return vmm_trap_exit(vm);
	}
	vm->stats.bt.cache_bytes = t->tc.used;
	vm->stats.bt.cache_peak = t->tc.peak;
	off = (v->pc - b->pc) / 4;
	if (off < b->nrun)
		return run_copies(vm, t, b, off, end);
	return callout(vm, t, b);
}

/* ---- snapshots: the cache with its chains, the adaptive map, where the
 * guest stands in the cache (so that a resumed run enters, chains and
 * charges exactly as the run it resumes). */

void vmm_bt_save(const struct vm *vm, struct snap_buf *b)
{
	const struct bt *t = vm->bt;

	bt_cache_save(&t->tc, b, t->cur);
	snap_put_u32(b, t->nwords);
	snap_put_u32s(b, t->adaptive, t->nwords / 32 + 1);
	snap_put_u8(b, t->at_exit);
	snap_put_u32(b, t->cur_pc);
	snap_put_u64(b, t->cur_retired);
	snap_put_u64(b, t->cur_delivered);
}

bool vmm_bt_load(struct vm *vm, struct snap_rd *r, char *err, size_t errlen)
{
	struct bt *t = vm->bt;

	if (!bt_cache_load(&t->tc, r, vm->region_size, &t->cur)) {
		snprintf(err, errlen, "the translation cache's blocks or chains are not ones a "
			 "translator makes");
		return false;
	}
	if (snap_get_u32(r) != t->nwords) {
		snprintf(err, errlen, "a translator of another memory size");
		return false;
	}
	snap_get_u32s(r, t->adaptive, t->nwords / 32 + 1);
	t->at_exit = snap_get_bool(r);
	t->cur_pc = snap_get_u32(r);
	t->cur_retired = snap_get_u64(r);
	t->cur_delivered = snap_get_u64(r);
	return !r->bad;
}
