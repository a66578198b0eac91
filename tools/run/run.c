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
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "cost.h"
#include "dis.h"
#include "runopts.h"
#include "snapshot.h"

static const char usage_line[] =
	"usage: trapeze run [--mode MODE] [--max-steps N] [--timeout SECONDS] [--trace] [--stats]\n"
	"                   [--exit-status guest|tool] [--nonvirt[=LIST]] [--mem BYTES] [--disk FILE]\n"
	"                   [--input FILE] [--max-output BYTES] [--cpu NAME] [--tc-size BYTES]\n"
	"                   [--passthrough con2|net] [--balloon PAGES] [--net CABLE] [--mac ADDRESS]\n"
	"                   [--save-at N FILE] IMAGE\n"
	"       trapeze run --restore FILE [--save-at N FILE] [--trace] [--stats] [--disk FILE]\n"
	"                   [--max-steps N] [--max-output BYTES] [--timeout SECONDS] [IMAGE]\n";

static void help(const struct runopts *o)
{
	fputs(usage_line, stdout);
	fputs("\nRun the ELF image IMAGE from its entry point in supervisor mode, bare or under\n"
	      "a virtual machine monitor. The guest's console is standard output.\n\n", stdout);
	runopt_print_mode_help(stdout);
	fputs("  --trace             one line per guest instruction on standard error: its\n"
	      "                      index, pc, disassembly and the registers it changed; and\n"
	      "                      each trap, interrupt and VM exit with what the VMM did\n"
	      "  --stats             statistics on standard error at the end: instructions,\n"
	      "                      cycles, host MIPS, traps; under a VMM also native and\n"
	      "                      emulated instructions, efficiency, VM exits, VMM cycles\n"
	      "  --exit-status WHAT  guest (the default): a halted guest's code is the exit\n"
	      "                      status; tool: a halted guest gives 0 (its code is printed on\n"
	      "                      standard error), so that every other status is the tool's\n"
	      "  --save-at N FILE    run to guest instruction N, save the whole VM to FILE (a\n"
	      "                      snapshot: docs/SNAPSHOT.md) and stop there, exit 0; a\n"
	      "                      guest that stops first ends as ever, nothing saved\n"
	      "  --restore FILE      resume the VM saved in FILE where it stopped: its mode,\n"
	      "                      memory and options are the snapshot's (any given must\n"
	      "                      match), its disk the image the snapshot names (--disk:\n"
	      "                      another path to the same image), its console input what\n"
	      "                      was left of it; IMAGE, if given, names symbols for --trace.\n"
	      "                      A resumed run prints exactly what the uninterrupted run\n"
	      "                      would have printed from there, and ends in its state\n",
	      stdout);
	runopt_print_help(o, stdout);
	fputs("  --help              show this help\n\n"
	      "Exit status: the guest's halt code (the value written to the power port, low\n"
	      "8 bits) when it halts; otherwise the tool's own (the same for every trapeze\n"
	      "command): 1 an input error (an unreadable or wrong image); 2 a usage error;\n"
	      "120 a host failure; 122 the guest's console output went over --max-output\n"
	      "(cut there); 123 --timeout ran out; 124 --max-steps ran out; 125 the guest\n"
	      "waits (wfi) for an interrupt that can never come; 126 its trap vector faulted\n"
	      "three times in a row (triple fault). A guest that halts with 1, 2 or 120-126\n"
	      "looks like the tool: use --exit-status tool to tell them apart.\n",
	      stdout);
}

struct run_args {
	struct runopts o;
	const char *image;
	bool trace, stats, tool_status;
	const char *save_file, *restore;
	uint64_t save_at;
	bool given_limits;
};

/* 0 ok, 1 --help, 2 usage error (printed). */
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
		} else if ((v = runopt_value("--exit-status", argc, argv, &i, &missing))) {
			if (strcmp(v, "guest") && strcmp(v, "tool"))
				return runopt_usage(&a->o, "--exit-status: '%s' is neither guest nor tool",
						    v);
			a->tool_status = !strcmp(v, "tool");
		} else if (!strcmp(arg, "--save-at")) {
			if (i + 2 >= argc)
				return runopt_usage(&a->o, "--save-at needs an instruction count and a FILE");
			if (runopt_count(argv[i + 1], UINT64_MAX >> 1, &a->save_at) != NUM_OK ||
			    !a->save_at)
				return runopt_usage(&a->o, "--save-at: '%s' is no instruction count",
						    argv[i + 1]);
			a->save_file = argv[i + 2];
			i += 2;
		} else if ((v = runopt_value("--restore", argc, argv, &i, &missing))) {
			a->restore = v;
		} else if (missing) {
			return runopt_usage(&a->o, "option '%s' needs a value", arg);
		} else if ((r = runopt_parse_mode(&a->o, argc, argv, &i)) != 0) {
			if (r != 1)
				return r;
		} else if ((r = runopt_rest(&a->o, argc, argv, &i, &a->image)) != 0) {
			return r;
		}
	}
	if (!a->image && !a->restore)
		return runopt_usage(&a->o, "no IMAGE given");
	if (a->restore)
		return 0; /* the machine is the snapshot's: checked against it once read */
	return runopt_check_modes(&a->o, 1u << a->o.vm.mode);
}

/* ---- the trace --------------------------------------------------------- */

enum { TRACE_EVENTS = 16 };

/* The events of one step, kept until its instruction line is printed, each
 * with the guest's state just after it (a trap's own changes). */
struct tracer {
	struct vm_event ev[TRACE_EVENTS];
	struct cpu at[TRACE_EVENTS];
	int n, dropped;
	const struct image *img;
};

static void collect(void *ctx, const struct vm *vm, const struct vm_event *e)
{
	struct tracer *t = ctx;
	if (t->n < TRACE_EVENTS) {
		t->at[t->n] = *vm_vcpu(vm);
		t->ev[t->n++] = *e;
	} else {
		t->dropped++;
	}
}

static const char *cause_name(enum trap_cause c)
{
	const char *n = isa_cause_name((int)c);
	return n ? n : "?";
}

/* What changed from state a to state b that the guest can see: registers,
 * psw, special registers (not the clocks: timer, ipend, memsize). */
static void print_changes(const struct cpu *a, const struct cpu *b)
{
	for (unsigned i = 1; i < NREGS; i++)
		if (b->r[i] != a->r[i])
			fprintf(stderr, " r%u=0x%08x", i, b->r[i]);
	if (b->psw != a->psw)
		fprintf(stderr, " psw=0x%08x", b->psw);
	for (unsigned i = 0; i < SR_COUNT; i++)
		if (i != SR_memsize && i != SR_ipend && i != SR_timer && b->sr[i] != a->sr[i])
			fprintf(stderr, " %s=0x%08x", isa_sreg_name((int)i), b->sr[i]);
}

/* A trap's or an interrupt's own line: what happened, then what its entry
 * changed (from prev, the state before it). */
static bool enters_a_handler(const struct vm_event *e)
{
	return e->action == VM_DELIVERED || e->action == VM_REFLECTED || e->action == VM_INJECTED;
}

static void print_event(const struct vm_event *e, const struct cpu *prev, const struct cpu *at)
{
	switch (e->action) {
	case VM_EMULATED: {
		char text[64];
		dis_word(e->word, e->pc, text, sizeof text);
		fprintf(stderr, "           %s%s at 0x%08x: '%s' emulated by the VMM", e->exit ? "vm exit " :
			"callout", e->exit ? vm_exit_name(e->reason) : "", e->pc, text);
		break;
	}
	case VM_PENDED:
		fprintf(stderr, "           vm exit TIMER at 0x%08x: the virtual timer's interrupt "
			"is now pending", e->epc);
		break;
	case VM_STOPPED:
		fprintf(stderr, "           trap %s detail 0x%08x epc 0x%08x: third in a row, "
			"triple fault", cause_name(e->cause), e->detail, e->epc);
		break;
	default:
		fprintf(stderr, "           %s%s %s detail 0x%08x epc 0x%08x -> 0x%08x (%s):",
			e->exit ? "vm exit, " : "",
			e->cause == CAUSE_TIMER || e->cause == CAUSE_DEVICE ? "interrupt" : "trap",
			cause_name(e->cause), e->detail, e->epc, e->vector, vm_action_name(e->action));
		print_changes(prev, at);
		break;
	}
	fputc('\n', stderr);
}

/* Traps that come after their instruction retired: sys, brk, hcall. */
static bool after_retire(const struct vm_event *e)
{
	return enters_a_handler(e) &&
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

/* The state just before a trap that came after its instruction (sys, brk,
 * hcall), from the state just after it: those instructions change no
 * register, so only what the trap's entry wrote is put back (its psw was
 * saved in epsw; epc, epsw, cause and detail were as before). */
static struct cpu before_entry(const struct cpu *after, const struct cpu *prev)
{
	struct cpu c = *after;

	c.psw = after->sr[SR_epsw];
	c.pc = after->sr[SR_epc];
	c.sr[SR_epc] = prev->sr[SR_epc];
	c.sr[SR_epsw] = prev->sr[SR_epsw];
	c.sr[SR_cause] = prev->sr[SR_cause];
	c.sr[SR_detail] = prev->sr[SR_detail];
	return c;
}

/*
 * One guest instruction (and the traps around it), then its trace line.
 * One rule for every trap: its line says what its entry changed (psw, epc,
 * epsw, cause, detail), and an instruction's line what the instruction
 * changed. A fault or an interrupt comes before the instruction that then
 * retires (the handler's first); sys, brk and hcall after their own.
 */
static enum cpu_stop trace_step(struct vm *vm, struct tracer *t)
{
	struct cpu before = *vm_vcpu(vm), prev = before, end;
	uint32_t pc = before.pc, word = 0;
	bool have = fetch(vm, pc, false, &word);
	enum cpu_stop s;
	char text[80];
	int i;

	t->n = t->dropped = 0;
	s = vm_run(vm, 1);
	for (i = 0; i < t->n && !after_retire(&t->ev[i]); i++) {
		print_event(&t->ev[i], &prev, &t->at[i]);
		if (enters_a_handler(&t->ev[i])) {
			/* The instruction that then retired is the handler's first,
			 * at the vector (supervisor mode). */
			prev = t->at[i];
			pc = t->ev[i].vector;
			have = fetch(vm, pc, true, &word);
		}
	}
	end = i < t->n ? before_entry(&t->at[i], &prev) : *vm_vcpu(vm);
	if (vm_retired(vm) > before.retired) {
		if (have)
			dis_insn(word, pc, t->img, text, sizeof text);
		else
			snprintf(text, sizeof text, "(no instruction here)");
		fprintf(stderr, "%10llu 0x%08x  %-28s", (unsigned long long)(vm_retired(vm) - 1), pc,
			text);
		print_changes(&prev, &end);
		/* The source line, where the pc is an image address (unrelocated). */
		if (have && ((prev.psw & PSW_S) || prev.sr[SR_base] == 0) &&
		    *image_line_text(t->img, pc, text, sizeof text))
			fprintf(stderr, "  ; %s", text);
		fputc('\n', stderr);
	}
	prev = end;
	for (; i < t->n; i++) {
		print_event(&t->ev[i], &prev, &t->at[i]);
		if (enters_a_handler(&t->ev[i]))
			prev = t->at[i];
	}
	if (t->dropped)
		fprintf(stderr, "           (%d more events)\n", t->dropped);
	return s;
}

/* ---- statistics -------------------------------------------------------- */

/* Counts by trap cause (n = CAUSE_COUNT) or by exit reason (n =
 * VM_EXIT_REASONS, whose first names are the causes'). */
/* ---- the command ------------------------------------------------------- */

/* The exit status of a run that ended as s (exitcode.h). */
static int finish(const struct run_args *a, struct vm *vm, enum cpu_stop s)
{
	fflush(stdout);
	if (a->stats)
		runopt_print_stats(&a->o, vm);
	return runopt_exit_status(&a->o, vm, s, a->tool_status);
}

/* --restore: the options that make a machine, where given, must be the
 * snapshot's; false after the one-line error. */
static bool machine_options_fit(const struct run_args *a, int argc, char **argv,
				const struct snap_machine *m)
{
	const struct vm_options *o = &a->o.vm;
	const char *what = NULL;

	if (runopt_given(argc, argv, "--mode") && o->mode != m->mode)
		what = "--mode";
	else if (runopt_given(argc, argv, "--mem") && ((o->mem_size + 3) & ~3u) != m->mem_size)
		what = "--mem";
	else if (runopt_given(argc, argv, "--nonvirt") && o->nonvirt != m->nonvirt)
		what = "--nonvirt";
	else if (runopt_given(argc, argv, "--cpu") && o->cpu != m->cpu)
		what = "--cpu";
	else if (runopt_given(argc, argv, "--tc-size") &&
		 (o->tc_size > VM_MIN_TC ? o->tc_size : VM_MIN_TC) != m->tc_size)
		what = "--tc-size";
	else if (runopt_given(argc, argv, "--passthrough") && o->passthrough != m->passthrough)
		what = "--passthrough";
	else if (runopt_given(argc, argv, "--balloon") && o->balloon != m->balloon)
		what = "--balloon";
	else if (runopt_given(argc, argv, "--input"))
		what = "--input (its console input is the snapshot's)";
	if (what) {
		char was[400];
		snap_machine_describe(m, was, sizeof was);
		runopt_error(&a->o, "%s: %s does not fit the machine it was taken of (%s)", a->restore,
			     what, was);
		return false;
	}
	return true;
}

/* The VM saved in a->restore, made afresh: false after the one-line error. */
static bool restore(struct run_args *a, int argc, char **argv, struct vm **vm)
{
	struct snap_env env = { .console = stdout };
	struct snap_machine m;
	uint8_t *data;
	size_t len;
	char err[700];
	bool ok;

	if (!snap_read_file(a->restore, &data, &len, err, sizeof err)) {
		runopt_error(&a->o, "%s", err);
		return false;
	}
	env.disk_path = a->o.vm.disk_path;
	env.keep_limits = runopt_given(argc, argv, "--max-steps") || runopt_given(argc, argv, "--max-output");
	env.step_limit = runopt_given(argc, argv, "--max-steps") ? a->o.vm.step_limit : 0;
	env.max_output = runopt_given(argc, argv, "--max-output") ? a->o.vm.max_output : 0;
	ok = snap_peek_machine(data, len, &m, err, sizeof err);
	if (ok && env.keep_limits) {
		/* The one given replaces the snapshot's; the other stays. */
		if (!runopt_given(argc, argv, "--max-steps"))
			env.step_limit = m.step_limit;
		if (!runopt_given(argc, argv, "--max-output"))
			env.max_output = m.max_output;
	}
	if (ok && !machine_options_fit(a, argc, argv, &m)) {
		free(data);
		return false;
	}
	ok = ok && vm_snapshot_restore_new(vm, data, len, &env, err, sizeof err);
	if (!ok)
		runopt_error(&a->o, "%s: %s", a->restore, err);
	free(data);
	return ok;
}

/* The VM as --save-at asked for, when the run got there. */
static int save(const struct run_args *a, struct vm *vm)
{
	char err[700];

	fflush(stdout);
	if (!vm_snapshot_save_file(vm, a->save_file, 0, err, sizeof err)) {
		runopt_error(&a->o, "%s", err);
		return EXIT_HOST;
	}
	fprintf(stderr, "trapeze: run: saved at instruction %llu (pc 0x%08x) to %s\n",
		(unsigned long long)vm_retired(vm), vm_pc(vm), a->save_file);
	return EXIT_OK;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = { 0 };
	struct image img = { 0 };
	struct vm *vm = NULL;
	struct tracer t = { .img = &img };
	char err[512];
	enum cpu_stop s;
	uint64_t budget = UINT64_MAX;
	int status = EXIT_INPUT;

	runopt_init(&a.o, "run");
	switch (parse(argc, argv, &a)) {
	case 1: help(&a.o); return EXIT_OK;
	case 2: return runopt_usage_exit(&a.o);
	default: break;
	}
	if (a.image && !runopt_read_image(&a.o, a.image, &img))
		goto out;
	if (a.restore) {
		if (!restore(&a, argc, argv, &vm))
			goto out;
	} else {
		if (!runopt_read_input(&a.o))
			goto out;
		a.o.vm.console = stdout;
		errno = 0;
		if (!vm_create(&vm, &a.o.vm, err, sizeof err) || !image_load(vm, &img, err, sizeof err)) {
			runopt_error(&a.o, "%s", err);
			if (errno == ENOMEM)
				status = EXIT_HOST;
			goto out;
		}
	}
	if (a.save_file) {
		if (a.save_at <= vm_retired(vm)) {
			runopt_error(&a.o, "--save-at %llu: the VM is at instruction %llu already",
				     (unsigned long long)a.save_at, (unsigned long long)vm_retired(vm));
			status = EXIT_USAGE;
			goto out;
		}
		budget = a.save_at - vm_retired(vm);
	}
	runopt_attach_terminal(&a.o, vm);
	runopt_start_timeout(&a.o);
	if (a.trace) {
		/* The console and the trace interleave line by line. */
		setvbuf(stdout, NULL, _IONBF, 0);
		vm_set_event_hook(vm, collect, &t);
		do
			s = trace_step(vm, &t);
		while (s == STOP_LIMIT && !vm_at_step_limit(vm) && !runopt_timed_out() &&
		       (!a.save_file || vm_retired(vm) < a.save_at));
	} else {
		s = runopt_run(&a.o, vm, budget);
	}
	if (a.save_file && s == STOP_LIMIT && vm_retired(vm) == a.save_at && !runopt_timed_out()) {
		status = save(&a, vm);
		goto out;
	}
	if (a.save_file)
		fprintf(stderr, "trapeze: run: note: the guest stopped at instruction %llu, before %llu: "
			"nothing saved\n", (unsigned long long)vm_retired(vm),
			(unsigned long long)a.save_at);
	status = finish(&a, vm, s);
out:
	vm_destroy(vm);
	image_free(&img);
	runopt_free(&a.o);
	return status;
}
