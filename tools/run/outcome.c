/*
 * tools/run/outcome.c: how a run ends, as every command that runs a guest
 *       reports it (run, migrate, failover).
 * Owns: the --stats report, and the exit status of a run that stopped (the
 *       guest's halt code, or the tool's reason: tools/exitcode.h) with the
 *       line that says why.
 * Not:  running (vmm/vmm.h); the options (runopts.c).
 */
#include <stdio.h>

#include "cost.h"
#include "runopts.h"

static void print_counts(const char *title, const uint64_t *count, int n)
{
	char text[512];

	vm_counts_text(count, n, text, sizeof text);
	fprintf(stderr, "  %-22s %s\n", title, text);
}

static double share(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* Binary translation's and code patching's own counters, when they ran. */
static void print_translation(const struct vm_stats *s)
{
	const struct vm_bt_stats *b = &s->bt;
	const struct vm_patch_stats *p = &s->patch;

	if (b->entries) {
		fprintf(stderr, "  %-22s %llu (%.1f%%): guest kernel code, run from the translation "
			"cache\n", "translated", (unsigned long long)s->translated,
			share(s->translated, s->retired));
		fprintf(stderr, "  %-22s %llu blocks of %llu instructions translated; %llu "
			"invalidated by writes\n", "translation", (unsigned long long)b->blocks,
			(unsigned long long)b->words, (unsigned long long)b->invalidated);
		fprintf(stderr, "  %-22s %llu of %llu bytes in use (at most %llu); %llu flush%s\n",
			"translation cache", (unsigned long long)b->cache_bytes,
			(unsigned long long)b->cache_size, (unsigned long long)b->cache_peak,
			(unsigned long long)b->flushes, b->flushes == 1 ? "" : "es");
		fprintf(stderr, "  %-22s %llu; hit rate %.2f%%; %llu by chained jumps (%.1f%%)\n",
			"block entries", (unsigned long long)b->entries, share(b->hits, b->entries),
			(unsigned long long)b->chained, share(b->chained, b->entries));
		fprintf(stderr, "  %-22s %llu: sensitive instructions emulated without a trap\n",
			"callouts", (unsigned long long)b->callouts);
	}
	if (p->scanned)
		fprintf(stderr, "  %-22s %llu kernel words scanned; %llu sensitive and %llu indirect "
			"jumps patched; %llu patched words run (ILLEGAL exits); %llu rewritten by "
			"the guest\n", "code patching", (unsigned long long)p->scanned,
			(unsigned long long)p->patched, (unsigned long long)p->watched,
			(unsigned long long)p->hits, (unsigned long long)p->rewritten);
}

/* Memory virtualisation (vmm/shadow.c, hwassist.c, pv_paging.c): the page
 * faults by kind, and the monitor's tables. */
static void print_paging(const struct vm_stats *s)
{
	const struct vm_mmu_stats *m = &s->mmu;

	if (m->hidden || m->true_faults || m->tracing)
		fprintf(stderr, "  %-22s %llu hidden (the shadow lacked it), %llu true (the guest's "
			"own), %llu tracing (writes to its page tables)\n", "page faults",
			(unsigned long long)m->hidden, (unsigned long long)m->true_faults,
			(unsigned long long)m->tracing);
	if (m->spaces)
		fprintf(stderr, "  %-22s %llu address spaces shadowed, %llu switches, %llu entries "
			"resynced, %llu evicted; pool %llu of %llu pages (at most %llu)\n", "shadow tables",
			(unsigned long long)m->spaces, (unsigned long long)m->switches,
			(unsigned long long)m->resyncs, (unsigned long long)m->evictions,
			(unsigned long long)m->pool_pages, (unsigned long long)m->pool_size,
			(unsigned long long)m->pool_peak);
	if (m->nested_refs)
		fprintf(stderr, "  %-22s %llu references to the nested table in TLB misses' walks\n",
			"nested paging", (unsigned long long)m->nested_refs);
	if (m->updates || m->refused)
		fprintf(stderr, "  %-22s %llu page-table updates checked and made, %llu refused\n",
			"direct paging", (unsigned long long)m->updates, (unsigned long long)m->refused);
	if (s->bt.adaptive)
		fprintf(stderr, "  %-22s %llu stores retranslated as callouts (they wrote page "
			"tables)\n", "adaptive translation", (unsigned long long)s->bt.adaptive);
}

void runopt_print_stats(const struct runopts *o, const struct vm *vm)
{
	struct vm_stats s;
	double secs;

	vm_get_stats(vm, &s);
	secs = (double)s.host_ns / 1e9;
	fprintf(stderr, "trapeze: %s: stats (mode %s)\n", o->cmd, vmm_mode_name(vm_mode(vm)));
	fprintf(stderr, "  %-22s %llu\n", "guest instructions", (unsigned long long)s.retired);
	fprintf(stderr, "  %-22s %llu (guest %llu, VMM %llu)\n", "cycles",
		(unsigned long long)s.cycles, (unsigned long long)s.guest_cycles,
		(unsigned long long)s.vmm_cycles);
	if (s.idle_ticks)
		fprintf(stderr, "  %-22s %llu\n", "idle (wfi) ticks", (unsigned long long)s.idle_ticks);
	fprintf(stderr, "  %-22s %.3f s, %.2f MIPS (host time: for display only)\n", "host time", secs,
		secs > 0 ? (double)s.retired / secs / 1e6 : 0.0);
	print_counts("traps seen by guest", s.guest_traps, CAUSE_COUNT);
	if (vm_mode(vm) == MODE_BARE)
		return;
	fprintf(stderr, "  %-22s %llu native, %llu emulated, %llu interpreted\n", "of which",
		(unsigned long long)s.native, (unsigned long long)s.emulated,
		(unsigned long long)s.interpreted);
	fprintf(stderr, "  %-22s %.1f%% of guest instructions ran natively\n", "efficiency",
		vm_efficiency(&s));
	print_translation(&s);
	print_paging(&s);
	fprintf(stderr, "  %-22s %llu (reflected %llu, injected %llu)\n", "VM exits",
		(unsigned long long)s.exits, (unsigned long long)s.reflected,
		(unsigned long long)s.injected);
	print_counts("VM exits by reason", s.exits_by_reason, VM_EXIT_REASONS);
	if (s.io_exits || s.direct_io)
		fprintf(stderr, "  %-22s %llu exits, %llu straight to assigned devices\n", "port I/O",
			(unsigned long long)s.io_exits, (unsigned long long)s.direct_io);
	if (s.pv.hypercalls)
		fprintf(stderr, "  %-22s %llu; block ring: %llu requests in %llu notifications; "
			"balloon: %llu pages given back\n", "hypercalls",
			(unsigned long long)s.pv.hypercalls, (unsigned long long)s.pv.requests,
			(unsigned long long)s.pv.notifies, (unsigned long long)s.pv.balloon);
	fprintf(stderr, "  %-22s", "VMM costs (cycles)");
	for (int r = 0; r < VMM_NCOSTS; r++)
		fprintf(stderr, " %s %u", vmm_cost_name((enum vmm_cost_row)r),
			vmm_cpu_cost(vm_cpu(vm), (enum vmm_cost_row)r));
	fprintf(stderr, " (--cpu %s)\n", vmm_cpu_name(vm_cpu(vm)));
}


int runopt_exit_status(const struct runopts *o, struct vm *vm, enum cpu_stop s, bool tool_status)
{
	uint32_t code = 0;
	const struct devices *d = vm_devices(vm);
	const char *cmd = o->cmd;
	int status;

	if (s == STOP_LIMIT && !vm_at_step_limit(vm) && runopt_timed_out())
		return runopt_timeout_exit(o, NULL);
	switch (s) {
	case STOP_HALT:
		vm_halted(vm, &code);
		status = tool_status ? EXIT_OK : (int)(code & 0xFF);
		if (tool_status)
			fprintf(stderr, "trapeze: %s: the guest halted with code %u\n", cmd, code & 0xFF);
		break;
	case STOP_IDLE:
		fprintf(stderr, "trapeze: %s: idle: waiting for an interrupt that can never come, "
			"at pc 0x%08x after %llu instruction%s\n", cmd, vm_pc(vm),
			(unsigned long long)vm_retired(vm), vm_retired(vm) == 1 ? "" : "s");
		status = EXIT_IDLE;
		break;
	case STOP_FAULT:
		fprintf(stderr, "trapeze: %s: triple fault: the trap vector 0x%08x faulted three "
			"times in a row, at pc 0x%08x\n", cmd, vm_sreg(vm, SR_tvec), vm_pc(vm));
		status = EXIT_FAULT;
		break;
	default:
		fprintf(stderr, "trapeze: %s: step limit (%llu instruction%s) reached at pc 0x%08x\n", cmd,
			(unsigned long long)vm_retired(vm), vm_retired(vm) == 1 ? "" : "s", vm_pc(vm));
		status = EXIT_STEPS;
		break;
	}
	/* Resource control: the transcript is incomplete, whatever came after. */
	if (d->con.out_truncated) {
		fprintf(stderr, "trapeze: %s: resource control: the guest's console output went over "
			"--max-output (%llu bytes) and was cut there\n", cmd,
			(unsigned long long)d->con.out_limit);
		status = EXIT_RESOURCE;
	}
	return status;
}
