/*
 * vmm/patch.c: code patching: trap-and-emulate, with the guest kernel's
 *       non-trapping instructions rewritten in place before they first run.
 * Owns: the patch mode's run loop; the scanner, which examines guest kernel
 *       code before it first runs; the patches (which words were rewritten,
 *       and the originals they replaced); what a patched word does when it
 *       traps; finding the guest's own writes to code already scanned.
 * Not:  emulating the original (trap_emulate.c, vcpu.c); running the guest
 *       (native.c); what a word does to the flow of control (flow.c).
 * Implements: the lecture's "code patching leaves traces of virtualisation
 *       (violates equivalence)". Under --nonvirt some sensitive instructions
 *       do not trap, so P&G's Theorem 1 fails and trap-and-emulate breaks.
 *       This monitor keeps trap-and-emulate's efficiency and repairs its
 *       equivalence by rewriting each such instruction, in the guest's own
 *       memory, into a word that does trap, and emulating the original when
 *       it does. The guest then behaves as on the bare machine, except that
 *       its code is no longer what it wrote: a guest that reads its own code
 *       (the guest OS's selfcheck, any checksum of the kernel) sees the
 *       patches. P&G's equivalence is given up where it can be observed;
 *       resource control is kept (the patches are guest words, in the
 *       guest's region). Imitates VirtualBox's raw mode: its CSAM scanned
 *       guest ring-0 code before it first ran and its PATM patched it.
 *
 * The scanner follows the code the way control will (CSAM's recursive
 * descent): from an entry point through every fall-through and direct
 * branch target. It cannot follow an indirect jump (jr, jalr), so it patches
 * those too and looks where each one goes when it traps. Every other way
 * into kernel code passes through the monitor already: the trap vector (the
 * monitor delivers traps), rfe and jru (privileged, or patched). So no
 * kernel code runs before it has been scanned: at the start, from the entry
 * point ("before the guest kernel runs"), and later from each place control
 * first reaches ("on first execution of newly written code").
 *
 * A patched word is PATCH_SENSITIVE or PATCH_INDIRECT: opcode 0xFF, which
 * is never assigned (ISA.md, Encoding), so it traps ILLEGAL before anything
 * retires, as the int3 that PATM sometimes wrote did. With an empty nonvirt
 * set every sensitive instruction traps: nothing is scanned or patched and
 * this is trap mode exactly.
 *
 * Limitation, on purpose: VirtualBox write-protected the pages it had
 * scanned, so a guest write to them trapped at once. This machine has no
 * pages to protect; the monitor compares the code it scanned with guest
 * memory after each VM exit instead, so code the guest overwrites and then
 * runs before the next exit runs unscanned. A comparison cannot see a store
 * of the very bytes already there: for a patched word the monitor also
 * marks its decoded form, which every store to it wipes (see
 * guest_wrote_patch), so that a guest that writes the patch word itself
 * gets what it wrote, an illegal instruction, as on the bare machine.
 */
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"
#include "vmm_internal.h"

static const uint32_t PATCH_SENSITIVE = 0xFF000001u; /* a nonvirt-flagged instruction */
static const uint32_t PATCH_INDIRECT = 0xFF000002u;  /* jr or jalr: watched, not fixed */
/* A patched word's decoded form, as the monitor leaves it: OP_BAD, as the
 * decoder makes it of 0xFF..., but with fields the decoder never fills
 * (it zeroes them). A store to the word, or to the one after it, wipes it
 * (cpu/mem.h, mem_invalidate); executing the word does not. */
static const struct insn PATCH_MARK = { OP_BAD, 0xEE, 0xEE, 0xEE, 0x70A7C4ED };

/* Code pages: only for finding writes quickly; the guest has no pages. */
enum { CODE_PAGE_SHIFT = 10, PAGE_WORDS = 1 << (CODE_PAGE_SHIFT - 2) };

struct patcher {
	bool active;          /* the nonvirt set is not empty: there is work */
	uint32_t nwords;      /* guest-physical words */
	uint32_t *seen;       /* bitmap: word scanned */
	uint32_t *patched;    /* bitmap: word rewritten by the monitor */
	uint32_t *orig;       /* per word scanned: the guest's own word */
	uint32_t *expect;     /* per word of a code page: what memory held at the
	                       * last look, patches included */
	uint8_t *code_page;   /* per 1 KiB of guest memory: holds a scanned word */
	uint32_t *todo;       /* the scanner's work list of entry points */
	uint32_t ntodo;
	uint32_t *plist;      /* every word ever patched (its bit says if it still is) */
	uint32_t nplist;
	uint32_t *listed;     /* bitmap: the word is in plist (each is listed once) */
	uint32_t *marks;      /* a snapshot's marks, until its memory is all in (or NULL) */
	bool check;           /* an exit was taken: look for rewritten code */
};

static bool bit(const uint32_t *map, uint32_t w) { return map[w / 32] >> (w % 32) & 1; }
static void set_bit(uint32_t *map, uint32_t w) { map[w / 32] |= 1u << (w % 32); }
static void clear_bit(uint32_t *map, uint32_t w) { map[w / 32] &= ~(1u << (w % 32)); }

bool vmm_patch_create(struct vm *vm, char *err, size_t errlen)
{
	struct patcher *p = calloc(1, sizeof *p);
	uint32_t nwords = vm->region_size / 4, nmap = nwords / 32 + 1;

	vm->patcher = p;
	if (p) {
		p->active = vm->opt.nonvirt != 0;
		p->nwords = nwords;
		p->seen = calloc(nmap, sizeof *p->seen);
		p->patched = calloc(nmap, sizeof *p->patched);
		p->orig = calloc(nwords + 1, sizeof *p->orig);
		p->expect = calloc(nwords + PAGE_WORDS, sizeof *p->expect);
		p->code_page = calloc((vm->region_size >> CODE_PAGE_SHIFT) + 1, 1);
		/* Each word is queued at most once (queue marks it): never more. */
		p->todo = calloc(nwords + 1, sizeof *p->todo);
		p->plist = calloc(nwords + 1, sizeof *p->plist);
		p->listed = calloc(nmap, sizeof *p->listed);
	}
	if (!p || !p->seen || !p->patched || !p->orig || !p->expect || !p->code_page || !p->todo ||
	    !p->plist || !p->listed) {
		snprintf(err, errlen, "out of host memory for the patch tables");
		return false;
	}
	return true;
}

void vmm_patch_destroy(struct vm *vm)
{
	struct patcher *p = vm->patcher;

	if (!p)
		return;
	free(p->seen);
	free(p->patched);
	free(p->orig);
	free(p->expect);
	free(p->code_page);
	free(p->todo);
	free(p->plist);
	free(p->listed);
	free(p->marks);
	free(p);
	vm->patcher = NULL;
}

/* The words of a page, clipped to memory. */
static uint32_t page_words(const struct patcher *p, uint32_t pg)
{
	uint32_t first = pg * PAGE_WORDS;
	return p->nwords - first < PAGE_WORDS ? p->nwords - first : PAGE_WORDS;
}


bool vm_patched_word(const struct vm *vm, uint32_t gpa, uint32_t *original)
{
	const struct patcher *p = vm->patcher;
	uint32_t w = gpa / 4;

	if (vm->opt.mode != MODE_PATCH || !p || (gpa & 3) || w >= p->nwords || !bit(p->patched, w) ||
	    mem_load32(&vm->vcpu.mem, gpa) != p->expect[w])
		return false;
	*original = p->orig[w];
	return true;
}

/* True when the nonvirt flag takes this word's trap away in user mode:
 * run deprivileged, it would not come to the monitor. */
static bool is_flagged(const struct vm *vm, uint32_t word)
{
	const struct isa_insn *in = isa_decode_row(word);
	return in && in->nonvirt != NV_NONE && (vm->opt.nonvirt & (1u << in->nonvirt));
}

/* A page that holds code, remembered as it is now, to see writes to it. */
static void watch_page(struct vm *vm, struct patcher *p, uint32_t pg)
{
	if (p->code_page[pg] || pg * PAGE_WORDS >= p->nwords)
		return;
	memcpy(&p->expect[pg * PAGE_WORDS], vm->vcpu.mem.bytes + pg * PAGE_WORDS * 4,
	       4 * (size_t)page_words(p, pg));
	p->code_page[pg] = 1;
}

/* The monitor's own write at word w wiped the marks of w and w - 1: put
 * back those of patched words. */
static void mark(struct vm *vm, const struct patcher *p, uint32_t w)
{
	struct insn *dec = vm->vcpu.mem.dec;

	if (bit(p->patched, w))
		dec[w] = PATCH_MARK;
	if (w > 0 && bit(p->patched, w - 1))
		dec[w - 1] = PATCH_MARK;
}

static bool is_marked(const struct vm *vm, uint32_t w)
{
	return !memcmp(&vm->vcpu.mem.dec[w], &PATCH_MARK, sizeof PATCH_MARK);
}

/*
 * Has the guest written over patched word w since the monitor patched it,
 * even with the very bytes the monitor wrote? Then the word is the guest's
 * own, whatever it holds. A store wipes the mark of the word it writes and
 * of the word before it: a lost mark with w + 1 unchanged was a store to w.
 * (A store to w + 1 of the bytes it held already, with w untouched, is taken
 * for a store to w: the machine cannot tell them apart.)
 */
static bool guest_wrote_patch(const struct vm *vm, const struct patcher *p, uint32_t w)
{
	const struct mem *m = &vm->vcpu.mem;

	if (mem_load32(m, w * 4) != p->expect[w])
		return true;
	if (is_marked(vm, w))
		return false;
	return w + 1 >= p->nwords || mem_load32(m, (w + 1) * 4) == p->expect[w + 1];
}

/* Rewrite the scanned word at w to trap. */
static void patch_word(struct vm *vm, struct patcher *p, uint32_t w)
{
	uint32_t word;

	set_bit(p->patched, w);
	/* Listed once: a word the guest rewrites and the scanner patches again,
	 * over and over, must not run the list past its nwords + 1 places. */
	if (!bit(p->listed, w)) {
		set_bit(p->listed, w);
		p->plist[p->nplist++] = w;
	}
	word = isa_op(p->orig[w]) == OP_jr || isa_op(p->orig[w]) == OP_jalr ? PATCH_INDIRECT
									   : PATCH_SENSITIVE;
	mem_write(&vm->vcpu.mem, w * 4, &word, 4);
	vmm_note_access(vm, VM_ACC_PATCH, w * 4, 4, true, word);
	watch_page(vm, p, (w + 1) / PAGE_WORDS); /* the word after tells a store to w */
	mark(vm, p, w);
	p->expect[w] = word;
	if (word == PATCH_INDIRECT)
		vm->stats.patch.watched++;
	else
		vm->stats.patch.patched++;
	vmm_charge(vm, vmm_cost(vm, VMM_C_PATCH));
}

/* Queue gpa as a place control may reach, unless it is scanned or queued. */
static void queue(struct patcher *p, uint32_t gpa)
{
	uint32_t w = gpa / 4;

	if ((gpa & 3) || w >= p->nwords || bit(p->seen, w))
		return;
	set_bit(p->seen, w); /* queued: scanned before anything runs it */
	p->todo[p->ntodo++] = w;
}

/* Examine one word; true when control may go on to the next one. */
static bool scan_word(struct vm *vm, struct patcher *p, uint32_t w)
{
	uint32_t word = mem_load32(&vm->vcpu.mem, w * 4), target;
	enum vmm_flow flow = vmm_flow_of(word, w * 4, &target);

	p->orig[w] = word;
	watch_page(vm, p, w / PAGE_WORDS);
	p->expect[w] = word;
	vm->stats.patch.scanned++;
	vmm_charge(vm, vmm_cost(vm, VMM_C_SCAN));
	if (is_flagged(vm, word) || flow == FLOW_INDIRECT)
		patch_word(vm, p, w);
	switch (flow) {
	case FLOW_NEXT:
		return true;
	case FLOW_BRANCH:
	case FLOW_CALL: /* the call returns to the next word: scan it too */
		queue(p, target);
		return true;
	case FLOW_JUMP:
		queue(p, target);
		return false;
	default:
		/* Indirect (now watched), a trap (the monitor delivers it), rfe or
		 * jru (privileged, or patched): the monitor sees where it goes. */
		return false;
	}
}

/* CSAM's recursive descent from what is queued: every word control can
 * reach from there without passing through the monitor is scanned. */
static void scan_queued(struct vm *vm, struct patcher *p)
{
	while (p->ntodo) {
		uint32_t w = p->todo[--p->ntodo];
		while (scan_word(vm, p, w)) {
			w++;
			if (w >= p->nwords || bit(p->seen, w))
				break; /* off the end (the fetch will fault), or known code */
			set_bit(p->seen, w);
		}
	}
}

/*
 * After an exit: has the guest (a store, or the disk's DMA) written over
 * code the monitor scanned? Such a word is the guest's new code: it is
 * forgotten (with its patch, which the guest's write has replaced) and
 * scanned again from there, as new code is on first execution.
 */
static void forget(struct vm *vm, struct patcher *p, uint32_t w)
{
	clear_bit(p->seen, w);
	clear_bit(p->patched, w);
	vm->stats.patch.rewritten++;
	queue(p, w * 4);
}

static void find_rewrites(struct vm *vm, struct patcher *p)
{
	const struct mem *m = &vm->vcpu.mem;

	/* The patched words a store wrote with the very bytes they held. */
	for (uint32_t i = 0; i < p->nplist; i++) {
		uint32_t w = p->plist[i];
		if (!bit(p->patched, w) || mem_load32(m, w * 4) != p->expect[w])
			continue; /* not patched now; or a new word, which the loop below finds */
		if (guest_wrote_patch(vm, p, w))
			forget(vm, p, w);
		else
			mark(vm, p, w); /* a store to the next word wiped it */
	}

	for (uint32_t pg = 0; pg <= (p->nwords - 1) / PAGE_WORDS; pg++) {
		uint32_t first = pg * PAGE_WORDS, n = page_words(p, pg);
		if (!p->code_page[pg] || !memcmp(m->bytes + first * 4, &p->expect[first], 4 * (size_t)n))
			continue;
		for (uint32_t w = first; w < first + n; w++) {
			uint32_t now = mem_load32(m, w * 4);
			if (now == p->expect[w])
				continue;
			p->expect[w] = now;
			if (!bit(p->seen, w))
				continue; /* data beside the code */
			forget(vm, p, w);
		}
	}
	scan_queued(vm, p);
}

/*
 * A patched word trapped ILLEGAL. A sensitive instruction from virtual
 * supervisor mode is emulated exactly as trap mode emulates it. Anything
 * else (a watched indirect jump; a patched word some user program shares)
 * is run by putting the original back for one interpreted instruction: the
 * real CPU's own semantics, faults and all. The monitor then knows where
 * control went, and scans it on the next round if it is new.
 */
static int patch_hit(struct vm *vm, struct patcher *p, uint32_t gpa)
{
	struct cpu *v = &vm->vcpu;
	uint32_t w = gpa / 4, word = p->expect[w];
	enum cpu_stop s;

	vm->stats.patch.hits++;
	if (word == PATCH_SENSITIVE && cpu_in_supervisor(v))
		return vmm_emulate_privileged(vm, p->orig[w]);
	mem_write(&v->mem, gpa, &p->orig[w], 4);
	s = vmm_interpret_one(vm);
	mem_write(&v->mem, gpa, &word, 4);
	mark(vm, p, w);
	return s == STOP_LIMIT ? VMM_GO_ON : (int)s;
}

/* The exit was one of our patched words trapping; *gpa is where. Not when
 * the guest stored that very word there itself: then it is the guest's own
 * illegal instruction, as on the bare machine (found by a differential
 * campaign; see patch, a_guest_storing_the_patch_word_gets_an_illegal_
 * instruction_regression). */
static bool is_patch_hit(const struct vm *vm, const struct patcher *p, uint32_t *gpa)
{
	const struct cpu_trap *t = &vm->real.trap;

	return t->cause == CAUSE_ILLEGAL && cpu_translate(&vm->vcpu, t->pc, gpa) &&
	       !(*gpa & 3) && *gpa / 4 < p->nwords && bit(p->patched, *gpa / 4) &&
	       t->detail == p->expect[*gpa / 4] && !guest_wrote_patch(vm, p, *gpa / 4);
}

int vmm_round_patch(struct vm *vm, uint64_t end)
{
	struct patcher *p = vm->patcher;
	struct cpu *v = &vm->vcpu;
	uint64_t delivered = vm->delivered;
	uint32_t gpa;
	int why;

	why = vmm_inject_interrupt(vm);
	if (why != VMM_GO_ON || vm->delivered != delivered)
		return why;
	if (p->active) {
		if (p->check)
			find_rewrites(vm, p);
		p->check = false;
		/* Guest kernel code about to run for the first time: scan it. */
		if (cpu_in_supervisor(v)) {
			queue(p, v->pc);
			scan_queued(vm, p);
		}
	}
	if (vmm_run_native(vm, end - v->retired) == STOP_LIMIT)
		return VMM_GO_ON;
	p->check = p->active;
	if (p->active && is_patch_hit(vm, p, &gpa))
		return patch_hit(vm, p, gpa);
	return vmm_trap_exit(vm);
}

/* ---- snapshots: the scanned and patched words with their originals, and
 * memory as the monitor last looked at each code page. A word's original
 * matters only once it is scanned, a page's last look only once it holds
 * code: only those travel. */

static uint32_t code_pages(const struct patcher *p)
{
	return ((p->nwords * 4) >> CODE_PAGE_SHIFT) + 1;
}

void vmm_patch_save(const struct vm *vm, struct snap_buf *b)
{
	const struct patcher *p = vm->patcher;
	uint32_t nmap = p->nwords / 32 + 1, nseen = 0;

	snap_put_u32(b, p->nwords);
	snap_put_u8(b, p->active);
	snap_put_u8(b, p->check);
	snap_put_u32(b, p->ntodo);
	snap_put_u32s(b, p->todo, p->ntodo);
	snap_put_u32s(b, p->seen, nmap);
	snap_put_u32s(b, p->patched, nmap);
	snap_put_bytes(b, p->code_page, code_pages(p));
	for (uint32_t w = 0; w < p->nwords; w++)
		nseen += bit(p->seen, w);
	snap_put_u32(b, nseen);
	for (uint32_t w = 0; w < p->nwords; w++)
		if (bit(p->seen, w))
			snap_put_u32(b, p->orig[w]);
	for (uint32_t pg = 0; pg < code_pages(p) && pg * PAGE_WORDS < p->nwords; pg++)
		if (p->code_page[pg])
			snap_put_u32s(b, &p->expect[pg * PAGE_WORDS], page_words(p, pg));
	/* The words ever patched, and which patched words keep their mark (a
	 * store since wiped it): the decode cache is rebuilt, the marks not. */
	snap_put_u32(b, p->nplist);
	snap_put_u32s(b, p->plist, p->nplist);
	for (uint32_t i = 0; i < nmap; i++) {
		uint32_t m = 0;
		for (uint32_t k = 0; k < 32 && i * 32 + k < p->nwords; k++)
			if (bit(p->patched, i * 32 + k) && is_marked(vm, i * 32 + k))
				m |= 1u << k;
		snap_put_u32(b, m);
	}
}

bool vmm_patch_load(struct vm *vm, struct snap_rd *r, char *err, size_t errlen)
{
	struct patcher *p = vm->patcher;
	uint32_t nmap = p->nwords / 32 + 1, nseen = 0, n;

	if (snap_get_u32(r) != p->nwords || snap_get_bool(r) != p->active) {
		snprintf(err, errlen, "a patcher of another memory size or nonvirt set");
		return false;
	}
	p->check = snap_get_bool(r);
	p->ntodo = snap_get_count(r, p->nwords, 4);
	snap_get_u32s(r, p->todo, p->ntodo);
	snap_get_u32s(r, p->seen, nmap);
	snap_get_u32s(r, p->patched, nmap);
	snap_get_bytes(r, p->code_page, code_pages(p));
	for (uint32_t i = 0; i < p->ntodo; i++)
		if (p->todo[i] >= p->nwords)
			r->bad = true;
	for (uint32_t w = 0; w < p->nwords; w++) {
		nseen += bit(p->seen, w);
		if (bit(p->patched, w) && !bit(p->seen, w))
			r->bad = true; /* only a scanned word is ever patched */
	}
	n = snap_get_count(r, nseen, 4);
	if (r->bad || n != nseen) {
		snprintf(err, errlen, "the patch tables do not hold together");
		return false;
	}
	memset(p->orig, 0, (p->nwords + 1) * sizeof *p->orig);
	memset(p->expect, 0, (p->nwords + PAGE_WORDS) * sizeof *p->expect);
	for (uint32_t w = 0; w < p->nwords; w++)
		if (bit(p->seen, w))
			p->orig[w] = snap_get_u32(r);
	for (uint32_t pg = 0; pg < code_pages(p) && pg * PAGE_WORDS < p->nwords; pg++) {
		if (p->code_page[pg] > 1)
			r->bad = true;
		if (p->code_page[pg])
			snap_get_u32s(r, &p->expect[pg * PAGE_WORDS], page_words(p, pg));
	}
	memset(p->listed, 0, nmap * sizeof *p->listed);
	p->nplist = snap_get_count(r, p->nwords, 4);
	snap_get_u32s(r, p->plist, p->nplist);
	for (uint32_t i = 0; i < p->nplist && !r->bad; i++) {
		if (p->plist[i] >= p->nwords || bit(p->listed, p->plist[i]))
			r->bad = true; /* each word once, inside memory */
		else
			set_bit(p->listed, p->plist[i]);
	}
	if (!p->marks && !(p->marks = malloc(nmap * sizeof *p->marks))) {
		snprintf(err, errlen, "out of host memory");
		return false;
	}
	snap_get_u32s(r, p->marks, nmap);
	return !r->bad;
}

void vmm_patch_after_load(struct vm *vm)
{
	struct patcher *p = vm->patcher;

	if (!p || !p->marks)
		return;
	/* Memory is all in (loading a page forgets its decoded words): each
	 * patched word's decoded form is its mark, or forgotten, as saved. */
	for (uint32_t w = 0; w < p->nwords; w++)
		if (bit(p->patched, w))
			vm->vcpu.mem.dec[w] = bit(p->marks, w) ? PATCH_MARK : (struct insn){ OP_UNDECODED, 0, 0, 0, 0 };
	free(p->marks);
	p->marks = NULL;
}
