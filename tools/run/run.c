/*
 * tools/run/run.c: "trapeze run": run an image bare or under a VMM.
 * Owns: the run command's options, the instruction trace, the --stats
 *       report and the exit status (the guest's halt code, or a code for
 *       why it did not halt).
 * Not:  running anything (vmm/vmm.h does, for every mode); the shared
 *       options (runopts.c); disassembly (dis.h).
 * The console is standard output; everything the command itself says
 * (trace, statistics, why it stopped) goes to standard error, so the two
 * never mix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "cost.h"
#include "dis.h"
#include "runopts.h"

/* Exit statuses besides the guest's halt code. */
enum {
	EXIT_ERROR = 1,
	EXIT_USAGE = 2,
	EXIT_LIMIT = 124, /* the step limit was reached (as timeout(1) says 124) */
	EXIT_IDLE = 125,  /* waiting for an interrupt that can never come */
	EXIT_FAULT = 126, /* the trap vector faulted three times: triple fault */
};

static const char usage_line[] =
	"usage: trapeze run [--mode MODE] [--max-steps N] [--trace] [--stats] [--nonvirt[=LIST]]\n"
	"                   [--mem BYTES] [--disk FILE] [--input FILE] [--max-output BYTES] IMAGE\n";

static void help(void)
{
	fputs(usage_line, stdout);
	fputs("\nRun the ELF image IMAGE from its entry point in supervisor mode, bare or under\n"
	      "a virtual machine monitor. The guest's console is standard output.\n\n"
	      "  --mode MODE         how to run it:\n", stdout);
	for (int m = 0; m < MODE_COUNT; m++)
		printf("                        %-8s %s\n", vmm_mode_name((enum vmm_mode)m),
		       vmm_mode_summary((enum vmm_mode)m));
	fputs("                      (default bare)\n"
	      "  --trace             one line per guest instruction on standard error: its\n"
	      "                      index, pc, disassembly and the registers it changed; and\n"
	      "                      each trap, interrupt and VM exit with what the VMM did\n"
	      "  --stats             statistics on standard error at the end: instructions,\n"
	      "                      cycles, host MIPS, traps; under a VMM also native and\n"
	      "                      emulated instructions, efficiency, VM exits, VMM cycles\n",
	      stdout);
	fputs(runopt_help, stdout);
	fputs("  --help              show this help\n\n"
	      "Exit status: the guest's halt code (the value written to the power port, low\n"
	      "8 bits); 1 for an error; 2 for a usage error; 124 when the step limit was\n"
	      "reached; 125 when the guest waits (wfi) for an interrupt that can never come;\n"
	      "126 when its trap vector faulted three times in a row (triple fault).\n",
	      stdout);
}

struct run_args {
	struct runopts o;
	const char *image;
	bool trace, stats;
};

/* 0 ok, 1 --help, 2 usage error, -1 error already printed. */
static int parse(int argc, char **argv, struct run_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		bool missing;
		int r;

		if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
			return 1;
		if (!strcmp(arg, "--trace")) {
			a->trace = true;
		} else if (!strcmp(arg, "--stats")) {
			a->stats = true;
		} else if ((v = runopt_value("--mode", argc, argv, &i, &missing))) {
			if (!vmm_mode_parse(v, &a->o.vm.mode)) {
				runopt_error(&a->o, "unknown mode '%s' (valid: %s)", v, vmm_mode_names());
				return -1;
			}
		} else if (missing) {
			return runopt_usage(&a->o, "option '%s' needs a value", arg);
		} else if ((r = runopt_rest(&a->o, argc, argv, &i, &a->image)) != 0) {
			return r;
		}
	}
	return a->image ? 0 : runopt_usage(&a->o, "no IMAGE given");
}

/* ---- the trace --------------------------------------------------------- */

enum { TRACE_EVENTS = 16 };

/* The events of one step, kept until its instruction line is printed. */
struct tracer {
	struct vm_event ev[TRACE_EVENTS];
	int n, dropped;
	const struct image *img;
};

static void collect(void *ctx, const struct vm *vm, const struct vm_event *e)
{
	struct tracer *t = ctx;
	(void)vm;
	if (t->n < TRACE_EVENTS)
		t->ev[t->n++] = *e;
	else
		t->dropped++;
}

static const char *cause_name(enum trap_cause c)
{
	const char *n = isa_cause_name((int)c);
	return n ? n : "?";
}

static void print_event(const struct vm_event *e)
{
	switch (e->action) {
	case VM_EMULATED: {
		char text[64];
		dis_word(e->word, e->pc, text, sizeof text);
		fprintf(stderr, "           %s%s at 0x%08x: '%s' emulated by the VMM\n",
			e->exit ? "vm exit " : "callout", e->exit ? cause_name(e->cause) : "", e->pc, text);
		break;
	}
	case VM_PENDED:
		fprintf(stderr, "           vm exit TIMER at 0x%08x: the virtual timer's interrupt "
			"is now pending\n", e->epc);
		break;
	case VM_STOPPED:
		fprintf(stderr, "           trap %s detail 0x%08x epc 0x%08x: third in a row, "
			"triple fault\n", cause_name(e->cause), e->detail, e->epc);
		break;
	default:
		fprintf(stderr, "           %s%s %s detail 0x%08x epc 0x%08x -> 0x%08x (%s)\n",
			e->exit ? "vm exit, " : "",
			e->cause == CAUSE_TIMER || e->cause == CAUSE_DEVICE ? "interrupt" : "trap",
			cause_name(e->cause), e->detail, e->epc, e->vector, vm_action_name(e->action));
		break;
	}
}

/* Traps that come after their instruction retired: sys, brk, hcall. */
static bool after_retire(const struct vm_event *e)
{
	return e->action != VM_EMULATED && e->action != VM_PENDED &&
	       (e->cause == CAUSE_SYSCALL || e->cause == CAUSE_BREAKPOINT || e->cause == CAUSE_HYPERCALL);
}

static bool fetch(const struct vm *vm, uint32_t pc, bool physical, uint32_t *word)
{
	uint32_t gpa = pc;
	const struct mem *m = vm_memory(vm);
	if ((!physical && !vm_translate(vm, pc, &gpa)) || (gpa & 3) || gpa >= m->size)
		return false;
	*word = mem_load32(m, gpa);
	return true;
}

static void print_changes(const struct cpu *before, const struct vm *vm)
{
	for (unsigned i = 1; i < NREGS; i++)
		if (vm_reg(vm, i) != before->r[i])
			fprintf(stderr, " r%u=0x%08x", i, vm_reg(vm, i));
	if (vm_psw(vm) != before->psw)
		fprintf(stderr, " psw=0x%08x", vm_psw(vm));
	for (unsigned i = 0; i < SR_COUNT; i++)
		if (i != SR_memsize && i != SR_ipend && i != SR_timer && vm_sreg(vm, i) != before->sr[i])
			fprintf(stderr, " %s=0x%08x", isa_sreg_name((int)i), vm_sreg(vm, i));
}

/* One guest instruction (and the traps around it), then its trace line. */
static enum cpu_stop trace_step(struct vm *vm, struct tracer *t)
{
	struct cpu before = *vm_vcpu(vm);
	uint32_t pc = before.pc, word = 0;
	bool have = fetch(vm, pc, false, &word);
	enum cpu_stop s;
	char text[80];
	int i;

	t->n = t->dropped = 0;
	s = vm_run(vm, 1);
	for (i = 0; i < t->n && !after_retire(&t->ev[i]); i++) {
		print_event(&t->ev[i]);
		/* A fault or interrupt delivered first: the instruction that then
		 * retired is the handler's first, at the vector (supervisor mode). */
		if (t->ev[i].action == VM_DELIVERED || t->ev[i].action == VM_REFLECTED ||
		    t->ev[i].action == VM_INJECTED) {
			pc = t->ev[i].vector;
			have = fetch(vm, pc, true, &word);
		}
	}
	if (vm_retired(vm) > before.retired) {
		if (have)
			dis_insn(word, pc, t->img, text, sizeof text);
		else
			snprintf(text, sizeof text, "(no instruction here)");
		fprintf(stderr, "%10llu 0x%08x  %-28s", (unsigned long long)before.retired, pc, text);
		print_changes(&before, vm);
		fputc('\n', stderr);
	}
	for (; i < t->n; i++)
		print_event(&t->ev[i]);
	if (t->dropped)
		fprintf(stderr, "           (%d more events)\n", t->dropped);
	return s;
}

/* ---- statistics -------------------------------------------------------- */

static void print_counts(const char *title, const uint64_t *by_cause)
{
	bool any = false;
	fprintf(stderr, "  %-22s", title);
	for (int c = 1; c < CAUSE_COUNT; c++) {
		if (by_cause[c]) {
			fprintf(stderr, "%s %s %llu", any ? "," : "", cause_name((enum trap_cause)c),
				(unsigned long long)by_cause[c]);
			any = true;
		}
	}
	fprintf(stderr, "%s\n", any ? "" : " none");
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

static void print_stats(const struct vm *vm)
{
	struct vm_stats s;
	double secs;

	vm_get_stats(vm, &s);
	secs = (double)s.host_ns / 1e9;
	fprintf(stderr, "trapeze: run: stats (mode %s)\n", vmm_mode_name(vm_mode(vm)));
	fprintf(stderr, "  %-22s %llu\n", "guest instructions", (unsigned long long)s.retired);
	fprintf(stderr, "  %-22s %llu (guest %llu, VMM %llu)\n", "cycles",
		(unsigned long long)s.cycles, (unsigned long long)s.guest_cycles,
		(unsigned long long)s.vmm_cycles);
	if (s.idle_ticks)
		fprintf(stderr, "  %-22s %llu\n", "idle (wfi) ticks", (unsigned long long)s.idle_ticks);
	fprintf(stderr, "  %-22s %.3f s, %.2f MIPS (host time: for display only)\n", "host time", secs,
		secs > 0 ? (double)s.retired / secs / 1e6 : 0.0);
	print_counts("traps seen by guest", s.guest_traps);
	if (vm_mode(vm) == MODE_BARE)
		return;
	fprintf(stderr, "  %-22s %llu native, %llu emulated, %llu interpreted\n", "of which",
		(unsigned long long)s.native, (unsigned long long)s.emulated,
		(unsigned long long)s.interpreted);
	fprintf(stderr, "  %-22s %.1f%% of guest instructions ran natively\n", "efficiency",
		vm_efficiency(&s));
	print_translation(&s);
	fprintf(stderr, "  %-22s %llu (reflected %llu, injected %llu)\n", "VM exits",
		(unsigned long long)s.exits, (unsigned long long)s.reflected,
		(unsigned long long)s.injected);
	print_counts("VM exits by cause", s.exits_by_cause);
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

/* ---- the command ------------------------------------------------------- */

static int finish(const struct run_args *a, struct vm *vm, enum cpu_stop s)
{
	uint32_t code = 0;
	const struct devices *d = vm_devices(vm);

	fflush(stdout);
	if (d->con.out_truncated)
		fprintf(stderr, "trapeze: run: note: console output cut at %llu bytes (--max-output)\n",
			(unsigned long long)d->con.out_limit);
	if (a->stats)
		print_stats(vm);
	switch (s) {
	case STOP_HALT:
		vm_halted(vm, &code);
		return (int)(code & 0xFF);
	case STOP_IDLE:
		fprintf(stderr, "trapeze: run: idle: waiting for an interrupt that can never come, "
			"at pc 0x%08x after %llu instructions\n", vm_pc(vm),
			(unsigned long long)vm_retired(vm));
		return EXIT_IDLE;
	case STOP_FAULT:
		fprintf(stderr, "trapeze: run: triple fault: the trap vector 0x%08x faulted three "
			"times in a row, at pc 0x%08x\n", vm_sreg(vm, SR_tvec), vm_pc(vm));
		return EXIT_FAULT;
	default:
		fprintf(stderr, "trapeze: run: step limit (%llu instructions) reached at pc 0x%08x\n",
			(unsigned long long)vm_retired(vm), vm_pc(vm));
		return EXIT_LIMIT;
	}
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = { 0 };
	struct image img = { 0 };
	struct vm *vm = NULL;
	struct tracer t = { .img = &img };
	char err[512];
	enum cpu_stop s;
	int status = EXIT_ERROR;

	runopt_init(&a.o, "run");
	switch (parse(argc, argv, &a)) {
	case 1: help(); return 0;
	case 2: fputs(usage_line, stderr); return EXIT_USAGE;
	case -1: return EXIT_ERROR;
	default: break;
	}
	if (!runopt_read_image(&a.o, a.image, &img) || !runopt_read_input(&a.o))
		goto out;
	a.o.vm.console = stdout;
	if (!vm_create(&vm, &a.o.vm, err, sizeof err) || !image_load(vm, &img, err, sizeof err)) {
		runopt_error(&a.o, "%s", err);
		goto out;
	}
	runopt_attach_terminal(&a.o, vm);
	if (a.trace) {
		/* The console and the trace interleave line by line. */
		setvbuf(stdout, NULL, _IONBF, 0);
		vm_set_event_hook(vm, collect, &t);
		do
			s = trace_step(vm, &t);
		while (s == STOP_LIMIT && !vm_at_step_limit(vm));
	} else {
		s = vm_run(vm, UINT64_MAX);
	}
	status = finish(&a, vm, s);
out:
	vm_destroy(vm);
	image_free(&img);
	runopt_free(&a.o);
	return status;
}
