/*
 * tests/fuzz/fuzz_vmm.c: every VMM mode on random guest code and devices.
 * Owns: the monitor's promises, checked on any guest: resource control (the
 *       VMM's own memory byte for byte as filled: vm_vmm_intact; ASan
 *       watches every other host byte); every run ends in a halt, an idle
 *       wait, a triple fault or the step limit, never past the limit;
 *       equivalence (each mode that claims it under the run's --nonvirt set
 *       ends with the bare machine's registers, pc, psw, special registers,
 *       memory, console, trap history and stop, save where P&G allow it: a
 *       reading of the clock); determinism (a run in random pieces and
 *       single steps ends where one run ends); and another VM beside them
 *       all is never touched.
 * Not:  the bare CPU's own invariants (fuzz_cpu.c).
 *
 * Input: a header (read_setup), console input, how the guest starts
 * (place_program: with the header's bit 7, a paged user start, whose page
 * tables come next, fuzz_page_tables), then the guest program (fuzz_insn),
 * placed at guest-physical 0, in a user window above fuzz_kernel, or in the
 * page mapped at virtual 0. Paged guests, under every monitor, meet shadow
 * paging (trap, hybrid, patch, bt, pv, hw --cpu early: the harness's
 * default processor is the toy, so hw pages nested; see claims below).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dis.h"
#include "equiv.h"
#include "fuzz.h"
#include "vmm.h"

static const char H[] = "fuzz_vmm";

enum { MAX_WORDS = 2048, MAX_OUTPUT = 512, DISK_BYTES = 4 * 512, MAX_MEM = 65536 };

/* How the guest starts: its program at 0 in supervisor mode, or confined
 * to a user window under fuzz_kernel (whose handler may be random too):
 * the way to reach user mode, where the monitors run code natively. */
enum start { START_KERNEL, START_USER, START_USER_WILD_KERNEL };

struct setup {
	struct vm_options opt;
	enum start start;
	bool paged;                  /* a user start on page tables (fuzz_page_tables) */
	uint32_t image[MAX_MEM / 4]; /* guest-physical memory from 0 */
	uint32_t nimage;             /* words of it to load */
	uint8_t disk[DISK_BYTES];
	size_t disk_len;
	uint64_t pieces_seed;
	int pieces_run;              /* which of runs[] is made again in pieces */
};

/* The runs made of every guest: bare, each monitor, and hw on each
 * processor (toy and modern page with nested tables, early with shadows,
 * and they differ in which instructions and traps exit). */
static const struct run {
	enum vmm_mode mode;
	enum vmm_cpu cpu;
} runs[] = {
	{ MODE_BARE, VMM_CPU_TOY }, { MODE_EMULATE, VMM_CPU_TOY }, { MODE_TRAP, VMM_CPU_TOY },
	{ MODE_HYBRID, VMM_CPU_TOY }, { MODE_PATCH, VMM_CPU_TOY }, { MODE_BT, VMM_CPU_TOY },
	{ MODE_HW, VMM_CPU_TOY }, { MODE_HW, VMM_CPU_EARLY }, { MODE_HW, VMM_CPU_MODERN },
	{ MODE_PV, VMM_CPU_TOY },
};
enum { NRUNS = sizeof runs / sizeof runs[0] };

/*
 * P&G's claims, one row per technique (each file's header says what it
 * promises): under which --nonvirt sets a mode behaves as the bare machine.
 * Emulation interprets every instruction with the bare machine's
 * semantics, nonvirt included. Trap-and-emulate needs every sensitive
 * instruction to trap (Theorem 1), so nothing may be taken away; patching
 * repairs that, but its patches are in guest memory for the guest to see.
 * Hybrid and binary translation run user code natively and need only the
 * user-sensitive instructions to trap (Theorem 3): jru (pdp10) may go.
 * Hardware assist claims every set. Paravirtualisation gives equivalence
 * up on purpose, and a guest that never makes a hypercall is run as under
 * trap-and-emulate; bare_hcalls says whether this one made one.
 */
static bool claims_equivalence(enum vmm_mode m, unsigned nonvirt, uint64_t bare_hcalls)
{
	const char *bad;
	unsigned pdp10 = (unsigned)cpu_parse_nonvirt("pdp10", &bad);

	switch (m) {
	case MODE_BARE:
	case MODE_EMULATE:
	case MODE_HW: return true;
	case MODE_HYBRID:
	case MODE_BT: return (nonvirt & ~pdp10) == 0;
	case MODE_PV: return nonvirt == 0 && bare_hcalls == 0;
	default: return nonvirt == 0;
	}
}

/* The program: at 0, or in a user window above the kernel, or paged: at
 * virtual 0 on page tables the guest has in its memory (the user may be
 * let write them: window's bit 0; bits 1 and 2 give the memory a partial
 * last page), which the kernel's boot turns on. */
static void place_program(struct fuzz_in *in, struct setup *s, bool paged)
{
	uint8_t how = fuzz_byte(in), window = fuzz_byte(in), timer = fuzz_byte(in);
	uint32_t at = 0, n = 0, max = MAX_WORDS;

	s->start = how < 0x80 ? START_KERNEL : how < 0xC0 ? START_USER : START_USER_WILD_KERNEL;
	if (s->start != START_KERNEL) {
		uint32_t base = 0x400 + (uint32_t)(window & 7) * 0x100;
		uint32_t limit = 64 + (uint32_t)(window >> 3) * 128; /* may pass the end: clamped */
		uint32_t ptb = 0;
		if (s->opt.mem_size < 4096)
			s->opt.mem_size = 4096;
		if (paged) {
			s->paged = true;
			s->opt.mem_size = FUZZ_PT_MEM + FUZZ_PT_TAIL * ((window >> 1) & 3);
			ptb = fuzz_page_tables(in, (uint8_t *)s->image, window & 1);
			base = FUZZ_PT_CODE;
			max = 1024; /* one page: the program's */
		}
		fuzz_kernel(s->image, base, limit, ptb, timer & 0x80 ? timer & 0x7F : 0, how & 1);
		if (s->start == START_USER_WILD_KERNEL)
			for (uint32_t a = FUZZ_K_TVEC; a < FUZZ_K_END; a += 4)
				s->image[a / 4] = fuzz_insn(in);
		at = base;
	}
	while (in->n && n < max && at + 4 * n < s->opt.mem_size)
		s->image[at / 4 + n++] = fuzz_insn(in);
	s->nimage = at / 4 + n;
	if (s->start != START_KERNEL && s->nimage < FUZZ_K_END / 4)
		s->nimage = FUZZ_K_END / 4;
}

static void read_setup(struct fuzz_in *in, struct setup *s)
{
	static const uint32_t sizes[] = { 256, 1024, 4096, 65536 };
	static const uint64_t limits[] = { 500, 2000, 5000, 10000 };
	uint8_t flags = fuzz_byte(in), nv = fuzz_byte(in), ninput = fuzz_byte(in) % 64;
	const char *bad;
	unsigned x86 = (unsigned)cpu_parse_nonvirt("x86", &bad);
	size_t len;

	memset(s, 0, sizeof *s);
	vm_options_init(&s->opt);
	s->opt.mem_size = sizes[flags & 3];
	s->opt.step_limit = limits[(flags >> 2) & 3];
	s->opt.capture = true;
	s->opt.max_output = MAX_OUTPUT;
	/* Mostly a virtualisable machine: that is where every mode claims most. */
	switch (nv >> 6) {
	case 0: case 1: s->opt.nonvirt = 0; break;
	case 2: s->opt.nonvirt = (unsigned)cpu_parse_nonvirt("pdp10", &bad); break;
	default: s->opt.nonvirt = nv & x86; break;
	}
	s->opt.input = fuzz_bytes(in, ninput, &len);
	s->opt.input_len = len;
	s->disk_len = flags & 0x10 ? (size_t)(1 + ((flags >> 5) & 3)) * 512 : 0;
	for (size_t i = 0; i < s->disk_len; i++)
		s->disk[i] = (uint8_t)(i * 31 + (i >> 9));
	s->pieces_seed = (uint64_t)nv << 8 | flags | 1;
	s->pieces_run = (nv ^ flags) % NRUNS;
	place_program(in, s, flags & 0x80);
}

/* The equivalence diff's loader: the program and the disk. */
static bool load(void *ctx, struct vm *vm, char *err, size_t errlen)
{
	const struct setup *s = ctx;
	if (!vm_load(vm, 0, s->image, s->nimage * 4)) {
		snprintf(err, errlen, "the program does not fit");
		return false;
	}
	if (s->disk_len && !dev_disk_set(vm_devices(vm), s->disk, s->disk_len)) {
		snprintf(err, errlen, "out of host memory for the disk");
		return false;
	}
	return true;
}

static struct vm *make_vm(const struct setup *s, const struct run *r, struct fuzz_seen *w)
{
	struct vm_options o = s->opt;
	struct vm *vm;
	char err[256];

	o.mode = r->mode;
	o.cpu = r->cpu;
	FUZZ_CHECK(H, vm_create(&vm, &o, err, sizeof err), "%s: vm_create: %s",
	           vmm_mode_name(r->mode), err);
	FUZZ_CHECK(H, load((void *)s, vm, err, sizeof err), "%s: %s", vmm_mode_name(r->mode), err);
	fuzz_seen_start(vm, w);
	return vm;
}

/* The run is over: check how it ended, then take what the guest saw. */
static void finish(struct vm *vm, const struct setup *s, enum cpu_stop stop, struct fuzz_seen *w,
                   const char *how)
{
	uint64_t n = vm_retired(vm);
	char mode[48];

	snprintf(mode, sizeof mode, "%s --cpu %s", vmm_mode_name(vm_mode(vm)),
	         vmm_cpu_name(vm_cpu(vm)));
	FUZZ_CHECK(H, stop == STOP_HALT || stop == STOP_IDLE || stop == STOP_FAULT ||
	                      (stop == STOP_LIMIT && vm_at_step_limit(vm)),
	           "%s, %s: the run ended with %s (%d) after %llu instructions", mode, how,
	           vm_stop_name(stop), (int)stop, (unsigned long long)n);
	FUZZ_CHECK(H, n <= s->opt.step_limit, "%s, %s: %llu instructions, step limit %llu", mode,
	           how, (unsigned long long)n, (unsigned long long)s->opt.step_limit);
	FUZZ_CHECK(H, stop != STOP_LIMIT || n == s->opt.step_limit,
	           "%s, %s: at the step limit after %llu of %llu", mode, how, (unsigned long long)n,
	           (unsigned long long)s->opt.step_limit);
	FUZZ_CHECK(H, vm_run(vm, 1000) == stop, "%s, %s: a stopped VM ran again", mode, how);
	FUZZ_CHECK(H, vm_vmm_intact(vm),
	           "%s, %s: resource control: the guest changed the VMM's own memory", mode, how);
	FUZZ_CHECK(H, vm_reg(vm, 0) == 0, "%s, %s: r0 is 0x%x", mode, how, vm_reg(vm, 0));
	fuzz_seen_finish(vm, stop, w);
	FUZZ_CHECK(H, w->o.console_len <= MAX_OUTPUT, "%s, %s: %zu console bytes kept, limit %d",
	           mode, how, w->o.console_len, MAX_OUTPUT);
}

/* Bare and run r ended differently: ask the equivalence diff where they
 * part, forgiving a reading of the clock as P&G do. */
static void explain(const struct setup *s, const struct run *r, const char *what)
{
	struct vmm_equiv_spec spec = { .options = s->opt, .load = load, .load_ctx = (void *)s };
	struct vmm_divergence d;
	char err[256], text[64] = "?";
	const char *m = vmm_mode_name(r->mode), *cpu = vmm_cpu_name(r->cpu);

	spec.options.cpu = r->cpu;
	FUZZ_CHECK(H, vmm_equiv_compare(&spec, MODE_BARE, r->mode, &d, err, sizeof err),
	           "bare and %s --cpu %s: %s differ, and the diff could not run: %s", m, cpu, what,
	           err);
	if (d.equivalent) {
		uint64_t clock = d.npermitted;
		vmm_divergence_free(&d);
		/* Only the clock differed: the permitted exception. With no
		 * reading of it, the whole runs differed where runs of one
		 * instruction at a time do not: the monitor depends on how a
		 * run is cut (a paged one once did, on a VM entry). */
		FUZZ_CHECK(H, clock, "equivalence: bare and %s --cpu %s (nonvirt 0x%x, %u bytes of "
		           "memory%s) end with other %s, but agree step by step", m, cpu,
		           s->opt.nonvirt, s->opt.mem_size, s->paged ? ", paged" : "", what);
		return;
	}
	if (d.have_word)
		dis_word(d.word, d.pc, text, sizeof text);
	fuzz_fail(H, "equivalence: bare and %s --cpu %s (nonvirt 0x%x, %u bytes of memory%s) differ "
	             "in %s after %llu instructions, at pc 0x%08x: 0x%08x %s",
	          m, cpu, s->opt.nonvirt, s->opt.mem_size, s->paged ? ", paged" : "",
	          d.what ? d.what : what, (unsigned long long)d.index, d.pc, d.word, text);
}

static uint32_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return (uint32_t)*x;
}

/* Another VM, beside every guest this process runs: its memory and its
 * monitor's must stay as they were made, byte for byte, whatever the
 * guests do (P&G's resource control between VMs; ASan watches the rest of
 * the host). Made once per process, so a stray write in any run shows:
 * test-only state. */
static void check_bystander(void)
{
	static struct vm *vm;
	static uint64_t hash;
	struct vmm_observation o;
	char err[256];

	if (!vm) {
		struct vm_options opt;
		uint32_t w[1024];
		vm_options_init(&opt);
		opt.mode = MODE_TRAP;
		opt.mem_size = sizeof w;
		FUZZ_CHECK(H, vm_create(&vm, &opt, err, sizeof err), "bystander: %s", err);
		for (uint32_t i = 0; i < 1024; i++)
			w[i] = 0xB7574D00u ^ (i * 0x9E3779B9u);
		FUZZ_CHECK(H, vm_load(vm, 0, w, sizeof w), "bystander: cannot load");
		vmm_observe(vm, &o);
		hash = o.mem_hash;
		vmm_observation_free(&o);
	}
	vmm_observe(vm, &o);
	FUZZ_CHECK(H, o.mem_hash == hash && vm_vmm_intact(vm),
	           "resource control: another VM's memory or monitor changed");
	vmm_observation_free(&o);
}

/* The same guest again in random pieces and single steps. */
static void check_pieces(const struct setup *s, const struct fuzz_seen *whole)
{
	const struct run *run = &runs[s->pieces_run];
	enum vmm_mode m = run->mode;
	uint64_t x = s->pieces_seed;
	struct fuzz_seen w;
	struct vm *vm = make_vm(s, run, &w);
	enum cpu_stop stop = STOP_LIMIT;
	const char *what;

	for (uint64_t n = 0; stop == STOP_LIMIT && !vm_at_step_limit(vm); n++) {
		uint32_t r = xorshift(&x);
		FUZZ_CHECK(H, n < 4 * s->opt.step_limit + 64, "%s: runs in pieces make no progress",
		           vmm_mode_name(m));
		stop = r & 1 ? vm_step(vm) : vm_run(vm, 1 + (r >> 1) % 97);
	}
	finish(vm, s, stop, &w, "in pieces");
	what = fuzz_seen_differs(whole, &w);
	FUZZ_CHECK(H, !what, "%s: a run in pieces ends with other %s than one run",
	           vmm_mode_name(m), what);
	vmm_observation_free(&w.o);
	vm_destroy(vm);
}

int fuzz_vmm(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct setup *s = malloc(sizeof *s);
	struct fuzz_seen w[NRUNS];
	uint64_t ran = 0;

	FUZZ_CHECK(H, s, "out of host memory");
	check_bystander();
	read_setup(&in, s);
	for (int k = 0; k < NRUNS; k++) {
		struct vm *vm = make_vm(s, &runs[k], &w[k]);
		finish(vm, s, vm_run(vm, UINT64_MAX), &w[k], "one run");
		ran += vm_retired(vm);
		vm_destroy(vm);
	}
	for (int k = 1; k < NRUNS; k++) {
		const char *what = fuzz_seen_differs(&w[0], &w[k]);
		if (what && claims_equivalence(runs[k].mode, s->opt.nonvirt, w[0].hcalls))
			explain(s, &runs[k], what);
	}
	check_pieces(s, &w[s->pieces_run]);
	check_bystander();
	for (int k = 0; k < NRUNS; k++)
		vmm_observation_free(&w[k].o);
	free(s);
	fuzz_tally(H, ran);
	return 0;
}

#ifdef TRAPEZE_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_vmm(data, size);
}
#endif
