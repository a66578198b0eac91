/*
 * vmm/vm.c: a VM's life: creation, the run door, what the guest can observe.
 * Owns: struct vm's allocation and teardown, the real machine's layout (the
 *       VMM's own area, then the VM's region), the virtual devices, the table
 *       of techniques and their names, the accessors and the statistics.
 * Not:  any technique's run loop (emulate.c, trap_emulate.c, hybrid.c,
 *       patch.c, bt.c, hwassist.c, pv.c); the virtual CPU's mechanics (vcpu.c).
 * Implements: P&G's resource control at the allocation level: the VM gets a
 *       region and devices of its own; the monitor's memory, filled with a
 *       known pattern, is proof (vm_vmm_intact) that the guest never touched it.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "history.h"
#include "snapshot.h"
#include "vmm_internal.h"

/* Bare: the guest is the machine; run it with cpu_run, no monitor at all. */
static int round_bare(struct vm *vm, uint64_t end)
{
	enum cpu_stop s = cpu_run(&vm->real, end - vm->real.retired);
	return s == STOP_LIMIT ? VMM_GO_ON : (int)s;
}

/* The techniques: one row each, in enum vmm_mode's order. */
static const struct technique {
	const char *name;
	int (*round)(struct vm *vm, uint64_t end);
	const char *summary;
	/* The technique's own state beside the virtual CPU, if it keeps any. */
	bool (*create)(struct vm *vm, char *err, size_t errlen);
	void (*destroy)(struct vm *vm);
} techniques[MODE_COUNT] = {
	[MODE_BARE] = { "bare", round_bare,
			"no monitor: the guest owns the real machine", NULL, NULL },
	[MODE_EMULATE] = { "emulate", vmm_round_emulate,
			   "full software emulation: every instruction interpreted (efficiency 0%)", NULL, NULL },
	[MODE_TRAP] = { "trap", vmm_round_trap,
			"trap-and-emulate: the deprivileged guest runs natively (P&G Theorem 1)", NULL, NULL },
	[MODE_HYBRID] = { "hybrid", vmm_round_hybrid,
			  "hybrid: guest kernel interpreted, guest user code native (P&G Theorem 3)", NULL, NULL },
	[MODE_PATCH] = { "patch", vmm_round_patch,
			 "code patching: trap-and-emulate, non-trapping kernel code patched (traces)",
			 vmm_patch_create, vmm_patch_destroy },
	[MODE_BT] = { "bt", vmm_round_bt,
		      "binary translation: guest kernel translated, guest user code native",
		      vmm_bt_create, vmm_bt_destroy },
	[MODE_HW] = { "hw", vmm_round_hw,
		      "hardware assist: the guest kernel natively in guest mode, exits to the VMM (VT-x)",
		      vmm_hw_create, vmm_hw_destroy },
	[MODE_PV] = { "pv", vmm_round_pv,
		      "paravirtualisation: a kernel built to ask by hypercall, a PV disk, a balloon (Xen)",
		      vmm_pv_create, vmm_pv_destroy },
};

const char *vmm_mode_name(enum vmm_mode m)
{
	return (unsigned)m < MODE_COUNT ? techniques[m].name : "?";
}

const char *vmm_mode_summary(enum vmm_mode m)
{
	return (unsigned)m < MODE_COUNT ? techniques[m].summary : "?";
}

bool vmm_mode_parse(const char *name, enum vmm_mode *out)
{
	for (int m = 0; m < MODE_COUNT; m++) {
		if (!strcmp(name, techniques[m].name)) {
			*out = (enum vmm_mode)m;
			return true;
		}
	}
	return false;
}

const char *vmm_mode_names(void)
{
	return "bare, emulate, trap, hybrid, patch, bt, hw, pv";
}

const char *vm_action_name(enum vm_action a)
{
	static const char *const names[] = {
		[VM_DELIVERED] = "delivered", [VM_EMULATED] = "emulated",
		[VM_REFLECTED] = "reflected", [VM_INJECTED] = "injected",
		[VM_PENDED] = "pended", [VM_STOPPED] = "stopped",
	};
	return (unsigned)a < sizeof names / sizeof names[0] ? names[a] : "?";
}

const char *vm_exit_name(int reason)
{
	static const char *const hw[] = {
		[VM_EXIT_IO - CAUSE_COUNT] = "IO", [VM_EXIT_WFI - CAUSE_COUNT] = "WFI",
		[VM_EXIT_SETPSW - CAUSE_COUNT] = "SETPSW", [VM_EXIT_INSN - CAUSE_COUNT] = "INSN",
		[VM_EXIT_NET - CAUSE_COUNT] = "NET",
		[VM_EXIT_NPF - CAUSE_COUNT] = "NPF", [VM_EXIT_CR3 - CAUSE_COUNT] = "PTB",
	};
	const char *n;

	if (reason >= CAUSE_COUNT && reason < VM_EXIT_REASONS)
		return hw[reason - CAUSE_COUNT];
	n = reason >= 0 ? isa_cause_name(reason) : NULL;
	return n ? n : "?";
}

void vm_counts_text(const uint64_t *count, int n, char *buf, size_t len)
{
	size_t at = 0;

	snprintf(buf, len, "none");
	for (int c = 1; c < n && at < len; c++) {
		if (count[c]) {
			int k = snprintf(buf + at, len - at, "%s%s %llu", at ? ", " : "",
					 vm_exit_name(c), (unsigned long long)count[c]);
			at += k > 0 ? (size_t)k : 0;
		}
	}
}

const char *vm_stop_name(enum cpu_stop s)
{
	switch (s) {
	case STOP_LIMIT: return "step limit";
	case STOP_HALT: return "halt";
	case STOP_TRAP: return "trap";
	case STOP_IDLE: return "idle";
	case STOP_FAULT: return "triple fault";
	case STOP_VMEXIT: return "vm exit";
	case STOP_WAIT: return "waits for the network";
	}
	return "?";
}

const uint8_t vm_default_mac[NET_MAC_BYTES] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

void vm_options_init(struct vm_options *o)
{
	memset(o, 0, sizeof *o);
	o->mode = MODE_BARE;
	o->mem_size = VM_DEFAULT_MEM;
	memcpy(o->net.mac, vm_default_mac, NET_MAC_BYTES);
}

/* The pattern the VMM's own memory is filled with: word i of the area. */
static uint32_t vmm_area_word(uint32_t i)
{
	return 0x564D4D21u ^ (i * 0x9E3779B9u); /* "VMM!" and a Weyl sequence */
}

void vm_vmm_area_fill(struct mem *m, uint32_t bytes)
{
	for (uint32_t i = 0; i < bytes / 4; i++) {
		uint32_t w = vmm_area_word(i);
		memcpy(m->bytes + 4 * i, &w, 4);
	}
}

/* Only the monitor's own area: on a host, the memory between it and this
 * VM's region holds other VMs and their tables, which are not this check's. */
bool vm_vmm_intact(const struct vm *vm)
{
	for (uint32_t i = 0; i < vm->vmm_area / 4; i++) {
		uint32_t w;
		memcpy(&w, vm->real.mem.bytes + 4 * i, 4);
		if (w != vmm_area_word(i))
			return false;
	}
	return true;
}

/* Queue console input up front, so every mode sees the same bytes at the
 * same instructions. What the console's queue cannot hold waits in a host
 * file that the console reads whenever its queue runs dry: those points are
 * guest instructions (in, wfi), the same in every mode. */
static bool queue_input(struct vm *vm, const void *bytes, size_t len, char *err, size_t errlen)
{
	uint32_t first = len > CON_INBUF ? CON_INBUF : (uint32_t)len;
	uint32_t n = dev_con_feed(&vm->dev, bytes, first);
	FILE *f;

	if (n == len)
		return true;
	f = tmpfile();
	if (!f || fwrite((const char *)bytes + n, 1, len - n, f) != len - n || fflush(f) != 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		snprintf(err, errlen, "cannot keep %zu bytes of console input", len);
		if (f)
			fclose(f);
		return false;
	}
	vm->input_rest = f;
	dev_con_source(&vm->dev, fileno(f));
	return true;
}

/* The virtual CPU at reset: supervisor mode, pc 0, interrupts off, as
 * cpu_init leaves the real machine; its memory is the region. */
static bool reset_vcpu(struct vm *vm)
{
	struct cpu *v = &vm->vcpu;

	memset(v, 0, sizeof *v);
	v->psw = PSW_S;
	v->mem = mem_view(&vm->real.mem, vm->region_base, vm->region_size);
	v->dev = &vm->dev;
	v->nonvirt = vm->opt.nonvirt;
	v->on_trap = vmm_on_cpu_trap;
	v->hook_ctx = vm;
	/* Interpreted, it pages as the real machine does (emulate, hybrid). */
	return cpu_tlb_init(v);
}

/* Modes whose monitor runs the guest on the real CPU, and so keeps page
 * tables of its own for a paged guest: shadows, or (hw, pv) the ways of
 * hwassist.c and pv_paging.c. Emulation pages in its interpreter. */
static bool keeps_tables(enum vmm_mode m)
{
	return m != MODE_BARE && m != MODE_EMULATE;
}

/* Modes that shadow a paged guest's tables. pv does for a guest that is
 * not the paravirtual kernel (it runs as under trap-and-emulate); the
 * paravirtual kernel pages directly (pv_paging.c). */
static bool shadows(const struct vm_options *o)
{
	return o->mode == MODE_TRAP || o->mode == MODE_HYBRID || o->mode == MODE_PATCH ||
	       o->mode == MODE_BT || o->mode == MODE_PV ||
	       (o->mode == MODE_HW && !vmm_cpu_nested_paging(o->cpu));
}

uint32_t vm_monitor_pages(const struct vm_options *o)
{
	return keeps_tables(o->mode) ? vmm_pool_pages(o->mem_size ? o->mem_size : VM_DEFAULT_MEM) : 0;
}

/* The real machine of a VM alone: [the VMM's area | the region | the
 * table pool], its memory its own. */
static bool own_machine(struct vm *vm, uint32_t *pool_base, uint32_t *pool_pages)
{
	bool bare = vm->opt.mode == MODE_BARE;

	vm->region_base = vm->vmm_area = bare ? 0 : VM_VMM_AREA;
	*pool_base = (vm->region_base + vm->region_size + PAGE_SIZE - 1) & PAGE_MASK;
	*pool_pages = vm_monitor_pages(&vm->opt);
	return cpu_init(&vm->real, *pool_pages ? *pool_base + *pool_pages * PAGE_SIZE
					      : vm->region_base + vm->region_size,
			bare ? &vm->dev : NULL);
}

/* A VM a host placed: its real CPU a view of the host's memory, its region
 * and pool where the host put them (checked), the region zeroed (it may
 * have held another VM), the monitor's area the host's to fill. */
static bool hosted_machine(struct vm *vm, uint32_t *pool_base, uint32_t *pool_pages, char *err,
			   size_t errlen)
{
	const struct vm_placement *p = vm->opt.place;
	struct cpu *c = &vm->real;
	uint32_t need = vm_monitor_pages(&vm->opt);

	if (!mem_in_range(p->host_mem, p->region_base, vm->region_size) || p->region_base & 3 ||
	    p->region_base < p->vmm_area || p->pool_pages < need ||
	    (need && (p->pool_base < p->vmm_area || p->pool_base & ~PAGE_MASK ||
		      !mem_in_range(p->host_mem, p->pool_base, p->pool_pages * PAGE_SIZE)))) {
		snprintf(err, errlen, "a region of %u bytes at 0x%08x (and %u table pages) does not "
			 "fit the host's %u bytes", vm->region_size, p->region_base, need,
			 p->host_mem->size);
		return false;
	}
	vm->region_base = p->region_base;
	vm->vmm_area = p->vmm_area;
	*pool_base = p->pool_base;
	*pool_pages = need;
	memset(c, 0, sizeof *c);
	c->mem = mem_view(p->host_mem, 0, p->host_mem->size);
	c->psw = PSW_S;
	memset(c->mem.bytes + vm->region_base, 0, vm->region_size);
	mem_invalidate(&c->mem, vm->region_base, vm->region_size);
	if (!cpu_tlb_init(c)) {
		snprintf(err, errlen, "out of host memory");
		return false;
	}
	return true;
}

static bool setup_machine(struct vm *vm, char *err, size_t errlen)
{
	struct cpu *c = &vm->real;
	bool bare = vm->opt.mode == MODE_BARE;
	uint32_t pool_base, pool_pages = 0;

	vm->region_size = vm->opt.mem_size;
	if (vm->opt.place) {
		if (!hosted_machine(vm, &pool_base, &pool_pages, err, errlen))
			return false;
	} else if (!own_machine(vm, &pool_base, &pool_pages)) {
		snprintf(err, errlen, "out of host memory for %u bytes of guest memory",
			 vm->region_size);
		return false;
	}
	if (!vmm_pool_init(vm, pool_base, pool_pages) ||
	    (shadows(&vm->opt) && !vmm_shadow_create(vm, err, errlen))) {
		snprintf(err, errlen, "out of host memory for %u bytes of guest memory",
			 vm->region_size);
		return false;
	}
	c->nonvirt = vm->opt.nonvirt;
	if (bare) {
		c->on_trap = vmm_on_cpu_trap;
		c->hook_ctx = vm;
		return true;
	}
	/* The monitor handles every trap out of the guest. */
	c->exit_on_trap = true;
	if (!vm->opt.place)
		vm_vmm_area_fill(&c->mem, vm->vmm_area);
	if (!reset_vcpu(vm)) {
		snprintf(err, errlen, "out of host memory");
		return false;
	}
	return true;
}

bool vm_create(struct vm **out, const struct vm_options *opt, char *err, size_t errlen)
{
	struct vm *vm;
	uint32_t size = opt->mem_size ? opt->mem_size : VM_DEFAULT_MEM;
	const char *why = NULL;
	const struct disk_base *base;

	*out = NULL;
	if ((unsigned)opt->mode >= MODE_COUNT) {
		snprintf(err, errlen, "unknown mode %d (valid: %s)", (int)opt->mode, vmm_mode_names());
		return false;
	}
	if (size < 64 || size > VM_MAX_MEM) {
		snprintf(err, errlen, "guest memory of %u bytes: must be 64 to %u", size, VM_MAX_MEM);
		return false;
	}
	if (!vmm_net_check_options(opt, err, errlen))
		return false;
	if (opt->place && opt->mode == MODE_BARE) {
		snprintf(err, errlen, "bare mode cannot be hosted: a bare guest owns the whole machine "
			 "(choose a monitor: %s)", "emulate, trap, hybrid, patch, bt, hw or pv");
		return false;
	}
	vm = calloc(1, sizeof *vm);
	if (!vm) {
		snprintf(err, errlen, "out of host memory");
		return false;
	}
	vm->opt = *opt;
	vm->opt.mem_size = (size + 3) & ~3u;
	vm->opt.input = NULL; /* the bytes are queued below; the pointer is not kept */
	vm->opt.input_len = 0;
	if ((opt->disk_path && !(vm->opt.disk_path = vm->disk_path = strdup(opt->disk_path))) ||
	    (!opt->disk_path && opt->disk_base && opt->disk_name &&
	     !(vm->disk_path = strdup(opt->disk_name)))) {
		snprintf(err, errlen, "out of host memory");
		vm_destroy(vm);
		return false;
	}
	vmm_load_costs(vm);
	dev_init(&vm->dev, opt->console);
	if (opt->capture)
		dev_capture(&vm->dev);
	vm->dev.con.out_limit = opt->max_output;
	/* The disk reads its image and keeps the sectors it writes apart
	 * (copy-on-write): the image is never written, and what the guest
	 * wrote is known, for a snapshot to carry. */
	if (opt->disk_path && !dev_disk_base_load(&vm->disk_own, opt->disk_path, &why)) {
		snprintf(err, errlen, "disk image '%s': %s", opt->disk_path, why);
		vm_destroy(vm);
		return false;
	}
	base = opt->disk_path ? &vm->disk_own : opt->disk_base;
	if (base && !dev_disk_share(&vm->dev, base)) {
		snprintf(err, errlen, "out of host memory for a disk overlay");
		vm_destroy(vm);
		return false;
	}
	if (base)
		vm->disk_crc = snap_crc32(base->bytes, (size_t)base->nsectors * DISK_SECTOR_SIZE);
	if (opt->net.card && !dev_net_attach(&vm->dev, opt->net.mac, opt->net.link)) {
		snprintf(err, errlen, "out of host memory for a network card");
		vm_destroy(vm);
		return false;
	}
	vmm_net_emulated_guard(vm);
	if ((opt->input_len && !queue_input(vm, opt->input, opt->input_len, err, errlen)) ||
	    !setup_machine(vm, err, errlen) ||
	    (techniques[vm->opt.mode].create && !techniques[vm->opt.mode].create(vm, err, errlen))) {
		vm_destroy(vm);
		return false;
	}
	*out = vm;
	return true;
}

void vm_destroy(struct vm *vm)
{
	if (!vm)
		return;
	vmm_history_free(vm);
	if (techniques[vm->opt.mode].destroy)
		techniques[vm->opt.mode].destroy(vm);
	vmm_shadow_destroy(vm);
	vmm_pool_free_all(vm);
	cpu_free(&vm->real);
	cpu_tlb_free(&vm->vcpu);
	dev_free(&vm->dev);
	dev_disk_base_free(&vm->disk_own);
	free(vm->disk_path);
	if (vm->input_rest)
		fclose(vm->input_rest);
	if (vm->mirror) {
		mem_free(vm->mirror);
		free(vm->mirror);
	}
	free(vm);
}

bool vm_create_mirror(struct vm **out, const struct vm_options *opt, uint32_t real_size,
		      uint32_t vmm_area, uint32_t region_base, uint32_t pool_base, char *err,
		      size_t errlen)
{
	struct mem *m = calloc(1, sizeof *m);
	struct vm_options o = *opt;
	struct vm_placement place;

	*out = NULL;
	if (!m || real_size > (1u << 30) /* a host's largest memory */ || vmm_area % 4 || vmm_area > real_size ||
	    !mem_init(m, real_size)) {
		snprintf(err, errlen, "no machine of %u bytes can be made", real_size);
		free(m);
		return false;
	}
	vm_vmm_area_fill(m, vmm_area);
	place = (struct vm_placement){ m, vmm_area, region_base, pool_base, vm_monitor_pages(opt) };
	o.place = &place;
	if (!vm_create(out, &o, err, errlen)) {
		mem_free(m);
		free(m);
		return false;
	}
	(*out)->mirror = m;
	(*out)->mirror_place = place;
	(*out)->opt.place = &(*out)->mirror_place;
	return true;
}

bool vm_load(struct vm *vm, uint32_t gpa, const void *bytes, uint32_t len)
{
	if (!mem_in_range(&vm_guest(vm)->mem, gpa, len))
		return false;
	if (vm->hist)
		vmm_history_input(vm, IN_MEM, gpa, 0, bytes, len);
	mem_write(&vm_guest(vm)->mem, gpa, bytes, len);
	vmm_note_access(vm, VM_ACC_DEBUGGER, gpa, len, true, 0);
	vmm_shadow_written(vm, gpa, len);
	cpu_tlb_flush(&vm->real);
	cpu_tlb_flush(&vm->vcpu);
	return true;
}

bool vm_image_place(const struct vm_image *img, struct mem *m, char *err, size_t errlen)
{
	const char *name = img->name ? img->name : "image";

	/* Check everything before copying anything: a refused image leaves
	 * memory as it was. */
	for (int i = 0; i < img->nsegs; i++) {
		const struct vm_segment *s = &img->segs[i];
		if (s->size && !mem_in_range(m, s->addr, s->size)) {
			snprintf(err, errlen, "%s: error: segment at 0x%08x (%u bytes) lies outside the "
				 "%u-byte memory", name, s->addr, s->size, m->size);
			return false;
		}
	}
	if (!mem_in_range(m, img->entry, 4)) {
		snprintf(err, errlen, "%s: error: entry point 0x%08x lies outside the %u-byte memory",
			 name, img->entry, m->size);
		return false;
	}
	for (int i = 0; i < img->nsegs; i++)
		if (img->segs[i].size)
			mem_write(m, img->segs[i].addr, img->segs[i].data, img->segs[i].size);
	return true;
}

bool vm_load_image(struct vm *vm, const struct vm_image *img, char *err, size_t errlen)
{
	if (!vmm_pv_check_image(vm, img, err, errlen) ||
	    !vm_image_place(img, &vm_guest(vm)->mem, err, errlen))
		return false;
	vm_guest(vm)->pc = img->entry;
	return true;
}

static uint64_t host_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The end of a budget of max more guest instructions: the step limit's or
 * 2^63 at most (cpu_run counts its budget in an int64_t: that is for ever). */
uint64_t vmm_budget_end(const struct vm *vm, uint64_t max)
{
	uint64_t at = vm_guest_c(vm)->retired;

	if (max > (uint64_t)INT64_MAX - at)
		max = (uint64_t)INT64_MAX - at;
	if (vm->opt.step_limit && at + max > vm->opt.step_limit)
		return vm->opt.step_limit > at ? vm->opt.step_limit : at;
	return at + max;
}

/* The end of the next round: end, or sooner the instruction at which the
 * network card's next frame arrives on its loopback cable (what is due now
 * arrives first), so that it arrives at the same instruction in every mode,
 * as the timer fires at the same instruction: the real CPU that runs a
 * guest natively has no card to tell it. */
static uint64_t round_end(struct vm *vm, uint64_t end)
{
	struct cpu *g = vm_guest(vm);
	uint64_t d = dev_tick(&vm->dev, g->retired + g->idle_ticks);

	return d < end - g->retired ? g->retired + d : end;
}

/* One round of the technique, to at most end; then what the card's DMA
 * wrote is told to the shadows of memory. */
static int round_to(struct vm *vm, uint64_t end)
{
	int why = techniques[vm->opt.mode].round(vm, round_end(vm, end));

	vmm_net_after_round(vm);
	return why;
}

/* After a run: remember a stop that lasts, and whether the limit was hit. */
static enum cpu_stop settle(struct vm *vm, int why, uint64_t t0)
{
	enum cpu_stop s = why == VMM_GO_ON ? STOP_LIMIT : (enum cpu_stop)why;
	uint64_t at = vm_guest(vm)->retired;

	if (s == STOP_IDLE && vm->dev.net.waiting)
		s = STOP_WAIT; /* not for ever: a frame may come down the wire */
	vm->stats.host_ns += host_now_ns() - t0;
	vm->at_limit = s == STOP_LIMIT && vm->opt.step_limit && at >= vm->opt.step_limit;
	if (s == STOP_HALT || s == STOP_IDLE || s == STOP_FAULT) {
		/* The machine is off, or stuck for ever: it stays so. */
		vm->stopped = true;
		vm->stop = s;
	}
	return s;
}

enum cpu_stop vm_run(struct vm *vm, uint64_t max)
{
	return vm->hist ? vmm_history_run(vm, max) : vmm_run_plain(vm, max);
}

enum cpu_stop vmm_run_plain(struct vm *vm, uint64_t max)
{
	struct cpu *g = vm_guest(vm);
	uint64_t end = vmm_budget_end(vm, max), t0 = host_now_ns();
	int why = VMM_GO_ON;

	if (vm->stopped)
		return vm->stop;
	vm->dev.net.waiting = false;
	while (why == VMM_GO_ON && g->retired < end)
		why = round_to(vm, end);
	return settle(vm, why, t0);
}

enum cpu_stop vm_run_slice(struct vm *vm, uint64_t max, uint64_t cycles, bool *idled)
{
	struct cpu *g = vm_guest(vm);
	uint64_t end = vmm_budget_end(vm, max), t0 = host_now_ns();
	uint64_t idle0 = g->idle_ticks, c_end = g->cycles + cycles;
	int why = VMM_GO_ON;

	*idled = false;
	if (vm->stopped)
		return vm->stop;
	vm->dev.net.waiting = false;
	if (c_end < g->cycles)
		c_end = UINT64_MAX;
	while (why == VMM_GO_ON && g->retired < end && g->cycles < c_end) {
		/* A round runs to an instruction count: as many as the cycles
		 * left would pay for at the guest's cycles per instruction so far
		 * (its idle time aside), so that a slice ends near its cycles
		 * however dear the guest's instructions are (mul 3, div 12). */
		uint64_t left = c_end - g->cycles, busy = g->cycles - g->idle_ticks * COST_WFI_IDLE;
		uint64_t cpi = g->retired && busy > g->retired ? (busy + g->retired - 1) / g->retired : 1;
		uint64_t n = left / cpi ? left / cpi : 1;
		why = round_to(vm, end - g->retired < n ? end : g->retired + n);
		if (g->idle_ticks != idle0) {
			*idled = true;
			break;
		}
	}
	return settle(vm, why, t0);
}

enum cpu_stop vm_step(struct vm *vm)
{
	return vm->hist ? vmm_history_step(vm) : vmm_step_plain(vm);
}

enum cpu_stop vmm_step_plain(struct vm *vm)
{
	struct cpu *g = vm_guest(vm);
	uint64_t end = vmm_budget_end(vm, 1), t0 = host_now_ns(), retired = g->retired;
	uint64_t delivered = vm->delivered;
	int why = VMM_GO_ON;

	if (vm->stopped)
		return vm->stop;
	vm->dev.net.waiting = false;
	if (vm->opt.mode == MODE_BARE) {
		/* cpu_step is already this: one instruction or one trap entered. */
		if (retired < end) {
			enum cpu_stop s = cpu_step(&vm->real);
			why = s == STOP_LIMIT ? VMM_GO_ON : (int)s;
		}
		return settle(vm, why, t0);
	}
	/* Rounds until the guest sees something happen: an exit the VMM
	 * absorbs (the virtual timer running out) is not a step of the guest. */
	while (why == VMM_GO_ON && retired < end && g->retired == retired &&
	       vm->delivered == delivered)
		why = round_to(vm, end);
	return settle(vm, why, t0);
}

void vm_idle_for(struct vm *vm, uint64_t t)
{
	cpu_idle_for(vm_guest(vm), t);
}

/* The wfi that did not retire runs again on the next run. */
static bool wake(struct vm *vm)
{
	if (!vm->stopped || vm->stop != STOP_IDLE)
		return false;
	vm->stopped = false;
	return true;
}

bool vm_wake(struct vm *vm)
{
	if (!vm->stopped || vm->stop != STOP_IDLE)
		return false;
	if (vm->hist)
		vmm_history_input(vm, IN_WAKE, 0, 0, NULL, 0);
	return wake(vm);
}

size_t vm_feed_console(struct vm *vm, const void *bytes, size_t len)
{
	size_t done = 0;

	while (done < len) {
		uint32_t n = dev_con_feed(&vm->dev, (const char *)bytes + done,
					  len - done > CON_INBUF ? CON_INBUF : (uint32_t)(len - done));
		if (n == 0)
			break; /* the queue is full: the rest is lost, as on a real UART */
		done += n;
	}
	/* Recorded as the bytes the queue took; the wake goes with them (it
	 * is not an input of its own). */
	if (vm->hist)
		vmm_history_input(vm, IN_CONSOLE, 0, 0, bytes, (uint32_t)done);
	wake(vm);
	return done;
}

const struct cpu *vm_real_cpu(const struct vm *vm)
{
	return &vm->real;
}

enum vmm_mode vm_mode(const struct vm *vm) { return vm->opt.mode; }
enum vmm_cpu vm_cpu(const struct vm *vm) { return vm->opt.cpu; }
const struct cpu *vm_vcpu(const struct vm *vm) { return vm_guest_c(vm); }
uint32_t vm_pc(const struct vm *vm) { return vm_guest_c(vm)->pc; }
uint32_t vm_psw(const struct vm *vm) { return vm_guest_c(vm)->psw; }
uint64_t vm_retired(const struct vm *vm) { return vm_guest_c(vm)->retired; }
uint64_t vm_position(const struct vm *vm)
{
	/* In guest mode (hw) the processor counts for the virtual CPU: a trap
	 * it delivers without an exit is told while the guest runs. */
	const struct cpu *g = vm->real.guest_mode ? &vm->real : vm_guest_c(vm);

	return g->retired + vm->delivered;
}
uint64_t vm_events(const struct vm *vm) { return vm->events; }
const struct mem *vm_memory(const struct vm *vm) { return &vm_guest_c(vm)->mem; }
struct devices *vm_devices(struct vm *vm) { return &vm->dev; }
bool vm_at_step_limit(const struct vm *vm) { return vm->at_limit; }

uint32_t vm_reg(const struct vm *vm, unsigned n)
{
	return n < NREGS ? vm_guest_c(vm)->r[n] : 0;
}

uint32_t vm_sreg(const struct vm *vm, unsigned sr)
{
	const struct cpu *g = vm_guest_c(vm);

	switch (sr) {
	case SR_memsize: return g->mem.size;
	case SR_ipend: return cpu_ipend(g);
	default: return sr < SR_COUNT ? g->sr[sr] : 0;
	}
}

void vm_set_reg(struct vm *vm, unsigned n, uint32_t v)
{
	if (n == REG_ZERO || n >= NREGS)
		return;
	if (vm->hist)
		vmm_history_input(vm, IN_REG, n, v, NULL, 0);
	vm_guest(vm)->r[n] = v;
}

void vm_set_pc(struct vm *vm, uint32_t pc)
{
	if (vm->hist)
		vmm_history_input(vm, IN_PC, 0, pc, NULL, 0);
	vm_guest(vm)->pc = pc;
}

void vm_set_psw(struct vm *vm, uint32_t psw)
{
	if (vm->hist)
		vmm_history_input(vm, IN_PSW, 0, psw, NULL, 0);
	vm_guest(vm)->psw = psw & (PSW_PRIVBITS | PSW_FLAGS);
}

bool vm_set_sreg(struct vm *vm, unsigned sr, uint32_t v)
{
	struct cpu *g = vm_guest(vm);

	if (sr >= SR_COUNT || sr == SR_memsize || sr == SR_ipend)
		return false;
	if (vm->hist)
		vmm_history_input(vm, IN_SREG, sr, v, NULL, 0);
	g->sr[sr] = v;
	if (sr == SR_timer)
		g->ipend_timer = 0; /* as mtsr timer: writing it acknowledges it */
	return true;
}

void vm_page_walk(const struct vm *vm, uint32_t va, struct vm_page_walk *w)
{
	const struct cpu *g = vm_guest_c(vm);
	struct mmu_ctx x = { .kind = MMU_1D, .root = g->sr[SR_ptb] & PAGE_MASK };

	memset(w, 0, sizeof *w);
	w->region_base = vm->region_base;
	w->how = "bare";
	if (vm->pvmm && vmm_pv_paging_on(vm)) {
		/* Direct paging: the guest's tables hold machine addresses; the
		 * real processor walks them as they are. */
		x.root = vmm_pv_root((struct vm *)vm, false);
		w->paging = x.root != 0;
		w->how = "direct";
		if (w->paging) {
			cpu_walk_trace(&vm->real, &x, va, false, &w->real);
			w->has_real = true;
			w->guest = w->real;
		}
		return;
	}
	w->paging = (g->sr[SR_ptb] & PTB_P) != 0;
	if (!w->paging)
		return;
	cpu_walk_trace(g, &x, va, false, &w->guest);
	switch (vm->opt.mode) {
	case MODE_BARE:
		w->real = w->guest;
		w->has_real = true;
		return;
	case MODE_EMULATE:
		w->how = "interpreted";
		return;
	default:
		break;
	}
	if (vm->shadow) {
		w->how = "shadow";
		x.root = vmm_shadow_peek(vm);
		if (x.root) {
			cpu_walk_trace(&vm->real, &x, va, false, &w->real);
			w->has_real = true;
		}
		return;
	}
	if (vm->hw) {
		w->how = "nested";
		x = (struct mmu_ctx){ .kind = MMU_2D, .root = g->sr[SR_ptb] & PAGE_MASK,
				      .nroot = vmm_hw_nested(vm), .limit = vm->region_size,
				      .offset = vm->region_base };
		cpu_walk_trace(&vm->real, &x, va, false, &w->real);
		w->has_real = true;
	}
}

bool vm_translate(const struct vm *vm, uint32_t va, uint32_t *gpa)
{
	return cpu_translate(vm_guest_c(vm), va, gpa);
}

const char *vm_console(const struct vm *vm, size_t *len)
{
	*len = vm->dev.con.cap_len;
	return vm->dev.con.capture ? vm->dev.con.capture : "";
}

const char *vm_console2(const struct vm *vm, size_t *len)
{
	*len = vm->dev.con2.cap_len;
	return vm->dev.con2.capture ? vm->dev.con2.capture : "";
}

bool vm_halted(const struct vm *vm, uint32_t *code)
{
	if (code)
		*code = vm->dev.halt_code;
	return vm->dev.halted;
}

void vm_set_event_hook(struct vm *vm, vm_event_hook fn, void *ctx)
{
	vm->on_event = fn;
	vm->event_ctx = ctx;
}

void vm_get_stats(const struct vm *vm, struct vm_stats *s)
{
	const struct cpu *g = vm_guest_c(vm);

	*s = vm->stats;
	s->retired = g->retired;
	if (vm->opt.mode == MODE_BARE)
		s->native = g->retired; /* the guest is the machine */
	memcpy(s->guest_traps, g->traps, sizeof s->guest_traps);
	s->cycles = g->cycles;
	s->guest_cycles = g->cycles - s->vmm_cycles;
	s->idle_ticks = g->idle_ticks;
}

double vm_efficiency(const struct vm_stats *s)
{
	return s->retired ? 100.0 * (double)s->native / (double)s->retired : 100.0;
}
