/*
 * tests/vmm_paging_hostile_test.c: hostile paged guests, in every mode.
 * Owns: guests whose page tables attack the monitor (tests/vmm/pt_*.s, on
 *       the kernel of tests/vmm/ptkern.inc): tables reaching past guest
 *       memory, loops of tables, tables written while in use, more address
 *       spaces than the shadow cache holds, paging turned on and off, tables
 *       in a last partial page, one space with more directory slots than a
 *       monitor's pool holds, code and data sharing a TLB entry; and a
 *       kernel that changes its tables at random (shadow coherence under
 *       random page-table changes). Each runs
 *       under every monitor (hw under each processor preset, so both shadow
 *       and nested paging) and must show the guest exactly what the bare
 *       machine shows it, one whole run and step by step (the equivalence
 *       diff), leaving the monitor's own memory and another VM untouched.
 * Not:  the well-behaved paged guest (vmm_paging_test.c); hostile guests
 *       without paging (vmm_hostile_test.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz/fuzz.h"
#include "vmm/vmtest.h"

/* Every monitor, and hw on each processor: toy and modern page with nested
 * tables, early with shadows, as the other modes do. */
static const struct monitor {
	enum vmm_mode mode;
	enum vmm_cpu cpu;
} monitors[] = {
	{ MODE_EMULATE, VMM_CPU_TOY }, { MODE_TRAP, VMM_CPU_TOY },  { MODE_HYBRID, VMM_CPU_TOY },
	{ MODE_PATCH, VMM_CPU_TOY },   { MODE_BT, VMM_CPU_TOY },    { MODE_HW, VMM_CPU_TOY },
	{ MODE_HW, VMM_CPU_EARLY },    { MODE_HW, VMM_CPU_MODERN }, { MODE_PV, VMM_CPU_TOY },
};
enum { NMONITORS = sizeof monitors / sizeof monitors[0] };

/* A guest to run: how to load it, and with which options. */
struct guest {
	const char *name;
	struct vm_options opt;
	bool (*load)(void *ctx, struct vm *vm, char *err, size_t errlen);
	void *ctx;
};

static struct vm *make(const struct guest *g, enum vmm_mode m, enum vmm_cpu cpu)
{
	struct vm_options o = g->opt;
	struct vm *vm;
	char err[256];

	o.mode = m;
	o.cpu = cpu;
	o.capture = true;
	cr_assert(vm_create(&vm, &o, err, sizeof err), "%s: vm_create (%s): %s", g->name,
		  vmm_mode_name(m), err);
	cr_assert(g->load(g->ctx, vm, err, sizeof err), "%s: %s", g->name, err);
	return vm;
}

/* One whole run: as fast as the monitor goes (native runs, long TLB
 * lifetimes), where the diff's lockstep runs an instruction at a time. */
static void run_whole(const struct guest *g, enum vmm_mode m, enum vmm_cpu cpu,
		      struct fuzz_seen *w, struct vm_stats *stats)
{
	struct vm *vm = make(g, m, cpu);

	fuzz_seen_start(vm, w);
	fuzz_seen_finish(vm, vm_run(vm, UINT64_MAX), w);
	cr_expect(vm_vmm_intact(vm), "%s: %s --cpu %s: the guest changed the monitor's own memory",
		  g->name, vmm_mode_name(m), vmm_cpu_name(cpu));
	if (stats)
		vm_get_stats(vm, stats);
	vm_destroy(vm);
}

/* Another VM, made before the guest runs and looked at after: its memory
 * and its monitor's stay as they were made (resource control between VMs). */
static struct vm *bystander(uint64_t *hash)
{
	struct vm_options o;
	struct vmm_observation ob;
	struct vm *vm;
	char err[256];
	uint32_t w[1024];

	vm_options_init(&o);
	o.mode = MODE_TRAP;
	o.mem_size = sizeof w;
	cr_assert(vm_create(&vm, &o, err, sizeof err), "%s", err);
	for (uint32_t i = 0; i < 1024; i++)
		w[i] = 0xB7574D00u ^ (i * 0x9E3779B9u);
	cr_assert(vm_load(vm, 0, w, sizeof w));
	vmm_observe(vm, &ob);
	*hash = ob.mem_hash;
	vmm_observation_free(&ob);
	return vm;
}

static void bystander_check(struct vm *vm, uint64_t hash, const char *name)
{
	struct vmm_observation ob;

	vmm_observe(vm, &ob);
	cr_expect(ob.mem_hash == hash && vm_vmm_intact(vm), "%s: another VM was touched", name);
	vmm_observation_free(&ob);
	vm_destroy(vm);
}

/*
 * The guest under bare and every monitor: each whole run ends as bare's
 * does, the monitor's memory intact, another VM untouched; with lockstep,
 * the equivalence diff also finds no instruction after which the guest
 * could tell. Returns bare's console (the caller frees it), which must end
 * in a halt.
 */
static char *check_every_monitor(const struct guest *g, bool lockstep)
{
	struct fuzz_seen bare, w;
	char *console;
	uint64_t hash;
	struct vm *other = bystander(&hash);

	run_whole(g, MODE_BARE, VMM_CPU_TOY, &bare, NULL);
	cr_assert_eq(bare.stop, STOP_HALT, "%s: bare ends with %s after %llu instructions:\n%s",
		     g->name, vm_stop_name(bare.stop), (unsigned long long)bare.o.retired,
		     bare.o.console);
	for (int k = 0; k < NMONITORS; k++) {
		const struct monitor *m = &monitors[k];
		const char *what;

		run_whole(g, m->mode, m->cpu, &w, NULL);
		what = fuzz_seen_differs(&bare, &w);
		cr_expect(!what, "%s: %s --cpu %s ends with other %s than bare\nbare:\n%s\n%s:\n%s",
			  g->name, vmm_mode_name(m->mode), vmm_cpu_name(m->cpu), what, bare.o.console,
			  vmm_mode_name(m->mode), w.o.console);
		vmm_observation_free(&w.o);
		if (lockstep) {
			struct vm_options o = g->opt;
			struct vmm_divergence d;
			o.cpu = m->cpu;
			bool same = vt_equivalent(&o, MODE_BARE, m->mode, g->load, g->ctx, &d);
			cr_expect(same, "%s: %s --cpu %s differs from bare after %llu instructions (%s) at "
				  "pc 0x%x, word 0x%08x", g->name, vmm_mode_name(m->mode),
				  vmm_cpu_name(m->cpu), (unsigned long long)d.index, d.what ? d.what : "?",
				  d.pc, d.word);
			vmm_divergence_free(&d);
		}
	}
	bystander_check(other, hash, g->name);
	console = strdup(bare.o.console);
	vmm_observation_free(&bare.o);
	return console;
}

/* A fixture of tests/vmm/, with the default options and a step limit. */
static void fixture(struct guest *g, struct image *img, const char *name)
{
	vt_assemble(name, img);
	memset(g, 0, sizeof *g);
	g->name = name;
	vm_options_init(&g->opt);
	g->opt.step_limit = 2000000;
	g->load = vt_load_image;
	g->ctx = img;
}

/* The page faults the kernel printed ("pf VA PFINFO EPC") with this pfinfo. */
static int faults(const char *console, uint32_t pfinfo)
{
	int n = 0;
	for (const char *p = console; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		unsigned va, info, epc;
		if (sscanf(p, "pf %x %x %x", &va, &info, &epc) == 3 && info == pfinfo)
			n++;
	}
	return n;
}

/* The lines of console that begin with prefix. */
static int count_lines(const char *console, const char *prefix)
{
	int n = 0;
	for (const char *p = console; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += !strncmp(p, prefix, strlen(prefix));
	return n;
}

/*
 * Frames at the end of memory, far past it, and where region base + frame
 * wraps round to the monitor's own area or lands in its table pool; the
 * same for directory entries and for ptb. Bare faults each access (pfinfo
 * B: outside memory; with W for the store, X for the fetch); so must they.
 */
Test(paging_hostile, tables_reaching_past_memory_fault_as_bare_in_every_mode)
{
	struct image img;
	struct guest g;
	char *bare;

	fixture(&g, &img, "pt_escape");
	bare = check_every_monitor(&g, true);
	/* 5 frames and 4 directory entries outside, each probed four ways:
	 * load, store, load, fetch; and 3 ptbs outside, fetched from. */
	cr_expect_eq(faults(bare, PF_B), 2 * 9, "%s", bare);
	cr_expect_eq(faults(bare, PF_B | PF_W), 9);
	cr_expect_eq(faults(bare, PF_B | PF_X), 9 + 3);
	vt_has(bare, "pf 00000000 00000002 00000000");     /* a ptb in memory, empty */
	vt_has(bare, "pf 00c00000 00000009 00000004");     /* a directory entry wrapping to 0 */
	vt_has(bare, "trap 00000004 ffff0000 ");           /* the kernel: BOUNDS */
	vt_has(bare, "trap 00000004 00101000 ");
	vt_has(bare, "end 00000000 00000000 5a5a0000 ");   /* the control: a store went through */
	vt_has(bare, "end 0000000f 50000000 ");            /* the last word of memory is the guest's */
	free(bare);
	image_free(&img);
}

/*
 * Loops: a directory that is its own table, a data page made a table by a
 * user store and rewritten in use, a table mapping itself writable through
 * which the user remaps the page it runs on, the code page unmapped under
 * the user's feet, two tables mapping each other. Each change takes effect
 * at the next access, accessed and dirty bits as bare sets them.
 */
Test(paging_hostile, loops_of_tables_changed_through_themselves_in_every_mode)
{
	struct image img;
	struct guest g;
	char *bare;

	alarm(300); /* a hang fails the test (see tests/limits_test.c on .timeout) */
	fixture(&g, &img, "pt_loops");
	bare = check_every_monitor(&g, true);
	/* The directory as table: PD[1] walked (A); DATA2's entry walked (A,
	 * 0x150e2 = 0xd3 + DATA1|VUWA); PD[0] walked and written (A, D). */
	vt_has(bare, "end 00000000 0000800d 000000d2 000150e2 000100f0 ");
	/* The remap of the running page: UCODE2's instruction ran (0x222). */
	vt_has(bare, "end 00000001 0000800d 0001500f 00000222 0000900d ");
	vt_has(bare, "pf 00001008 00000005 00000094 "); /* the table read-only to itself */
	vt_has(bare, "pf 00000090 00000002 00000090 "); /* the code page pulled away */
	vt_has(bare, "end 00000003 000000d1 0001500f 000000d3 0000800d ");
	free(bare);
	image_free(&img);
}

/*
 * The TLB is direct-mapped: VA 0 (the code) and VA 0x100000 and 0x400000
 * (the data) share entry 0. A load that missed used to be run again from
 * the loop's resync, whose walk of the code page evicted the load's entry
 * again: the machine, bare or under any monitor that runs user code on
 * it, hung without retiring an instruction (fixed in cpu/mmu.c).
 */
Test(paging_hostile, a_load_sharing_the_code_pages_tlb_entry_completes_regression)
{
	struct image img;
	struct guest g;
	char *bare;

	alarm(120);
	fixture(&g, &img, "pt_alias");
	bare = check_every_monitor(&g, true);
	vt_has(bare, "end 00000000 0000012c 000001f4 0000012c 000001f4 ");
	free(bare);
	image_free(&img);
}

/*
 * Tables written while in use: at every timer tick the kernel changes an
 * entry the user is using (its frame, W, A and D, V, a directory entry,
 * the user's write access to its own table, the frame of the code page it
 * runs in), and the user remaps a page through its own table each turn of
 * its loop. The sums it prints say exactly when each change took effect.
 */
Test(paging_hostile, tables_written_while_in_use_in_every_mode)
{
	struct image img;
	struct guest g;
	char *bare;

	alarm(600);
	fixture(&g, &img, "pt_live");
	bare = check_every_monitor(&g, true);
	vt_has(bare, "end 00000000 0000f375 00013e06 0001b486 015ddec3 ");
	vt_has(bare, "end 00000001 0002de35 0003bb3e 0005236e 015e1ec3 ");
	cr_expect_eq(faults(bare, PF_P | PF_W), 100, "the tick's read-only entries fault stores");
	cr_expect_eq(faults(bare, 0), 50, "and its unmapped ones the next access");
	free(bare);
	image_free(&img);
}

/*
 * Twelve address spaces of sixteen directory slots each, switched at every
 * tick and at the user's asking, three tables shared by all of them (and,
 * in the second phase, rewritten at every tick): more than a shadowing
 * monitor's cache of spaces and its pool of table pages hold, so shadows
 * are evicted and rebuilt throughout. The counters come out as bare's.
 */
Test(paging_hostile, more_address_spaces_than_the_shadow_cache_holds_in_every_mode)
{
	struct image img;
	struct guest g;
	struct fuzz_seen w;
	struct vm_stats s;
	char *bare;

	alarm(600);
	fixture(&g, &img, "pt_switch");
	bare = check_every_monitor(&g, true);
	vt_has(bare, "end 00000000 00040c50 00000078 00000318 ");
	vt_has(bare, "end 00000001 00099a8d 00000078 000008d0 ");
	vt_has(bare, "trap 00000002 60b0000b 0000005c "); /* mfsr in user mode: PRIV */
	/* The test does what it says: trap-and-emulate's shadows were evicted
	 * for want of room in the cache and in the pool, and rebuilt. */
	run_whole(&g, MODE_TRAP, VMM_CPU_TOY, &w, &s);
	cr_expect_gt(s.mmu.evictions, 100, "evictions: %llu", (unsigned long long)s.mmu.evictions);
	cr_expect_gt(s.mmu.spaces, 100, "shadow spaces built: %llu", (unsigned long long)s.mmu.spaces);
	cr_expect_eq(s.mmu.pool_peak, s.mmu.pool_size, "the pool ran full: %llu of %llu", (unsigned long long)s.mmu.pool_peak, (unsigned long long)s.mmu.pool_size);
	cr_expect_gt(s.mmu.resyncs, 0, "writes to the shared tables dropped shadow entries");
	vmm_observation_free(&w.o);
	free(bare);
	image_free(&img);
}

/*
 * Paging on and off, round after round: the same routine runs paged and
 * relocated, writing its page table through its mapping (traced, paged) or
 * through the relocation window (untraced, unpaged); the kernel changes
 * the table while paging is off, flips the paging bit several times
 * without entering user mode, and swaps between two directories sharing
 * the table. Each round sees what the bare machine's walk would.
 */
Test(paging_hostile, paging_turned_on_and_off_repeatedly_in_every_mode)
{
	struct image img;
	struct guest g;
	char *bare;

	alarm(600);
	fixture(&g, &img, "pt_onoff");
	bare = check_every_monitor(&g, true);
	vt_has(bare, "end 00000000 000001a8 00378510 0000018e 0000017c ");
	vt_has(bare, "end 00000001 000004c8 00378510 0000049e 000004a4 ");
	cr_expect_eq(faults(bare, 0), 52, "VA 0x3000, paged while its entry is clear");
	cr_expect_eq(count_lines(bare, "trap 00000004 00003000 "), 24, "VA 0x3000 relocated: BOUNDS");
	free(bare);
	image_free(&img);
}

/*
 * A memory whose size is not a multiple of 4 KiB: the directory, then a
 * table, in its last (partial) page, changed at every tick while in use;
 * the partial page mapped to the user (a page partly outside memory:
 * pfinfo B), entries read from past the end of memory (B), another table
 * rewritten in use through the partial page's table, the kernel's last
 * word and the one after it. A monitor's physical map leaves that
 * page out and emulates every access to it. Found under nested paging: the
 * user reached the page whole (and the bytes past the region) when the
 * guest turned paging on after its VM entry (fixed in cpu/mmu.c); a store
 * interpreted after an NPF left the TLB stale (fixed in vmm/hwassist.c).
 */
Test(paging_hostile, tables_in_a_last_partial_page_in_every_mode)
{
	static const uint32_t sizes[] = { (1u << 20) + 2048, (1u << 20) + 1028, (1u << 20) + 4092 };
	struct image img;
	struct guest g;

	alarm(600);
	fixture(&g, &img, "pt_partial");
	for (unsigned k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		uint32_t partial = sizes[k] & 0xFFF, past = 0x400000 + (partial / 4) * 0x1000;
		char line[64];
		char *bare;

		g.opt.mem_size = sizes[k];
		bare = check_every_monitor(&g, true);
		cr_expect_eq(faults(bare, PF_B), 2 + 2, "%u bytes: %s", sizes[k], bare);
		cr_expect_eq(faults(bare, PF_B | PF_W), 2);
		snprintf(line, sizeof line, "pf %08x 00000008 ", (partial / 4) << 22);
		vt_has(bare, line); /* a directory entry past memory */
		snprintf(line, sizeof line, "pf %08x 00000008 ", past);
		vt_has(bare, line); /* a table entry past memory */
		snprintf(line, sizeof line, "trap 00000004 %08x ", sizes[k]);
		cr_expect_eq(count_lines(bare, line), 2, "the kernel's load and store past the end");
		vt_has(bare, "end 00000000 00000726 00001572 000023be 000023be ");
		vt_has(bare, "end 00000001 00001536 00003fa2 00006a0e 000031ab ");
		/* Through the last page's table, the user rewrote a table in use. */
		vt_has(bare, "end 00000002 000039d0 0030c4d8 000039bc ");
		free(bare);
	}
	image_free(&img);
}

/* pt_random's seed, written where its kernel reads it. */
struct seeded {
	const struct image *img;
	uint32_t seed;
};

static bool load_seeded(void *ctx, struct vm *vm, char *err, size_t errlen)
{
	const struct seeded *s = ctx;
	enum { SEED_AT = 0x7f00 }; /* tests/vmm/pt_random.s */

	if (!image_load(vm, s->img, err, errlen))
		return false;
	if (!vm_load(vm, SEED_AT, &s->seed, 4)) {
		snprintf(err, errlen, "no room for the seed");
		return false;
	}
	return true;
}

/*
 * Shadow coherence under random page-table changes: a kernel that builds
 * its tables from a seeded generator and changes them at random (remaps,
 * protections, A and D cleared, directory entries, address spaces, paging
 * off for a tick) under a user program of random loads and stores, which
 * rewrites tables too where they are mapped. Ten seeds, every monitor,
 * whole runs; the first also step by step (the diff's lockstep).
 */
Test(paging_hostile, random_page_table_changes_in_every_mode)
{
	struct image img;
	char name[32];

	alarm(900);
	vt_assemble("pt_random", &img);
	for (uint32_t seed = 1; seed <= 10; seed++) {
		struct seeded sd = { &img, seed * 0x9E3779B1u };
		struct guest g = { name, { 0 }, load_seeded, &sd };
		char *bare;

		snprintf(name, sizeof name, "pt_random seed %u", seed);
		vm_options_init(&g.opt);
		g.opt.step_limit = 3000000;
		bare = check_every_monitor(&g, seed == 1);
		/* The guest did what it is for: every phase ran its 400
		 * operations, and met faults of each kind on the way. */
		cr_expect_eq(count_lines(bare, "end "), 8, "%s:\n%s", name, bare);
		cr_expect_gt(faults(bare, 0) + faults(bare, PF_W), 0, "%s: not present", name);
		cr_expect_gt(faults(bare, PF_P | PF_W), 0, "%s: protection", name);
		free(bare);
	}
	image_free(&img);
}

/*
 * One address space using 200 directory slots (all naming one table): more
 * shadow tables than a shadowing monitor's pool holds. Evicting the other
 * spaces found no room, and the access faulted, hidden, for ever: trap,
 * hybrid, patch, bt, pv and early hw hung the host (fixed in vmm/shadow.c:
 * the space gives up one of its own tables).
 */
Test(paging_hostile, more_directory_slots_than_the_pool_holds_regression)
{
	struct image img;
	struct guest g;
	char *bare;

	alarm(300);
	struct fuzz_seen w;
	struct vm_stats s;

	fixture(&g, &img, "pt_slots");
	bare = check_every_monitor(&g, true);
	vt_has(bare, "end 00000000 000142a8 ");
	run_whole(&g, MODE_TRAP, VMM_CPU_TOY, &w, &s);
	cr_expect_eq(s.mmu.spaces, 1, "one address space");
	cr_expect_gt(s.mmu.evictions, 100, "its own shadow tables went: %llu",
		     (unsigned long long)s.mmu.evictions);
	vmm_observation_free(&w.o);
	free(bare);
	image_free(&img);
}
