/*
 * tests/fuzz/fuzz_host.c: a host of random guests, in random modes.
 * Owns: the host's promises on any guests: the monitor's area byte for
 *       byte as filled, and every byte of host memory that is no VM's
 *       region and no pool's still zero (no guest, and no monitor acting
 *       for one, wrote outside what it was given: ASan watches the rest);
 *       every VM ends (its step limit is small); and each VM ends exactly
 *       where it ends alone in the same mode (registers, pc, psw,
 *       instructions, console, how it stopped), whatever its neighbours did
 *       and however the scheduler cut its run.
 * Not:  one VM's invariants against the bare machine (fuzz_vmm.c).
 *
 * Input: the number of VMs and the host's slice; per VM its mode, memory,
 * weight, cap and start (as fuzz_vmm: at 0 in supervisor mode, or in a
 * user window under fuzz_kernel); then the programs, fuzz_insn's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "host.h"

static const char H[] = "fuzz_host";

enum { MAX_VMS = 4, MEM = 8192, STEPS = 3000, OUT = 256 };

struct guest {
	uint32_t words[MEM / 4];
	struct vm_segment seg;
	struct vm_image img;
	struct host_vm_options o;
};

static void make_guest(struct fuzz_in *in, struct guest *g, int i)
{
	static const enum vmm_mode modes[] = { MODE_EMULATE, MODE_TRAP, MODE_HYBRID, MODE_PATCH,
					       MODE_BT, MODE_HW, MODE_PV };
	uint8_t how = fuzz_byte(in), mode = fuzz_byte(in), w = fuzz_byte(in), cap = fuzz_byte(in);
	uint32_t at = 0, n = 0;

	memset(g, 0, sizeof *g);
	snprintf(g->o.name, sizeof g->o.name, "g%d", i);
	vm_options_init(&g->o.vm);
	g->o.vm.mode = modes[mode % (sizeof modes / sizeof modes[0])];
	g->o.vm.mem_size = MEM;
	g->o.vm.step_limit = STEPS;
	g->o.vm.capture = true;
	g->o.vm.max_output = OUT;
	g->o.weight = 1 + w;
	g->o.cap = cap < 0xC0 ? 0 : cap % 101;
	if (how & 0x80) {
		uint32_t base = 0x400 + (uint32_t)(how & 7) * 0x100;
		fuzz_kernel(g->words, base, 64 + (uint32_t)((how >> 3) & 7) * 128, 0,
			    how & 0x40 ? 50 : 0, how & 1);
		at = base;
	}
	while (in->n && n < 64 && at + 4 * n < MEM) {
		g->words[at / 4 + n++] = fuzz_insn(in);
		if (fuzz_byte(in) == 0xFF)
			break; /* the next guest's program starts */
	}
	g->seg = (struct vm_segment){ 0, MEM, (const uint8_t *)g->words };
	g->img = (struct vm_image){ .entry = 0, .segs = &g->seg, .nsegs = 1, .name = g->o.name };
	g->o.image = &g->img;
}

/* The observation compared: what the guest can see of itself. */
static void compare(const struct vm *a, const struct vm *b, const char *name)
{
	size_t la, lb;
	const char *ca = vm_console(a, &la), *cb = vm_console(b, &lb);

	for (unsigned r = 1; r < NREGS; r++)
		FUZZ_CHECK(H, vm_reg(a, r) == vm_reg(b, r), "%s: r%u 0x%08x on the host, 0x%08x alone", name,
			   r, vm_reg(a, r), vm_reg(b, r));
	FUZZ_CHECK(H, vm_pc(a) == vm_pc(b), "%s: pc 0x%08x on the host, 0x%08x alone", name, vm_pc(a),
		   vm_pc(b));
	FUZZ_CHECK(H, vm_psw(a) == vm_psw(b), "%s: psw differs", name);
	FUZZ_CHECK(H, vm_retired(a) == vm_retired(b), "%s: %llu instructions on the host, %llu alone",
		   name, (unsigned long long)vm_retired(a), (unsigned long long)vm_retired(b));
	FUZZ_CHECK(H, la == lb && !memcmp(ca, cb, la), "%s: its console differs", name);
}

int fuzz_host(const uint8_t *data, size_t size)
{
	static struct guest g[MAX_VMS];
	static struct host_vm_options o[MAX_VMS];
	struct fuzz_in in = { data, size };
	struct host_options ho = { 0 };
	struct host *h;
	struct host_info hi;
	char err[512];
	int n = 2 + fuzz_byte(&in) % (MAX_VMS - 1), culprit;
	uint64_t ran = 0;

	ho.slice = 1000 + (uint64_t)fuzz_byte(&in) * 97;
	ho.period = 1 + fuzz_byte(&in) % 4;
	for (int i = 0; i < n; i++) {
		make_guest(&in, &g[i], i);
		o[i] = g[i].o;
	}
	FUZZ_CHECK(H, host_create(&h, &ho, o, n, err, sizeof err, &culprit), "refused: %s", err);
	FUZZ_CHECK(H, !host_run(h, 100000000), "a VM did not end");
	host_info(h, &hi);
	FUZZ_CHECK(H, hi.vmm_intact, "the monitor's area was written");
	{
		/* Every byte that no region and no pool holds: still zero. */
		const struct mem *m = &vm_real_cpu(host_vm(h, 0))->mem;
		for (uint32_t a = hi.vmm_area; a < m->size; a++) {
			bool held = false;
			for (int i = 0; i < n && !held; i++) {
				struct host_vm_info vi;
				host_vm_info(h, i, &vi);
				held = (a >= vi.region_base && a - vi.region_base < vi.mem_size) ||
				       (a >= vi.pool_base && a - vi.pool_base < vi.pool_pages * 4096u);
			}
			FUZZ_CHECK(H, held || !m->bytes[a], "host byte 0x%08x, no VM's, was written", a);
		}
	}
	for (int i = 0; i < n; i++) {
		struct vm_options alone = g[i].o.vm;
		struct vm *vm;
		alone.place = NULL;
		FUZZ_CHECK(H, vm_create(&vm, &alone, err, sizeof err) && vm_load_image(vm, &g[i].img, err,
										       sizeof err),
			   "alone: %s", err);
		vm_run(vm, UINT64_MAX);
		compare(host_vm_c(h, i), vm, g[i].o.name);
		ran += vm_retired(vm);
		vm_destroy(vm);
	}
	host_destroy(h);
	fuzz_tally(H, ran);
	return 0;
}

#ifdef TRAPEZE_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_host(data, size);
}
#endif
