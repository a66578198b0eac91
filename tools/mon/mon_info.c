/*
 * tools/mon/mon_info.c: what the debugger itself keeps, shown; and the
 *       virtual CPU whole.
 * Owns: info watchpoints, info history (reverse execution's checkpoints
 *       and memory), the display expressions after a stop, and info vcpu:
 *       every field of the virtual CPU the VMM keeps for the guest.
 * Not:  the machine's usual displays (mon_show.c); the commands (mon_cmd.c).
 */
#include <string.h>

#include "history.h"
#include "mon.h"

void mon_show_watches(const struct mon *m, FILE *out)
{
	char where[96];

	if (!mon_watch_count(m)) {
		fprintf(out, "no watchpoints\n");
		return;
	}
	fprintf(out, "Num  Kind    Address     Bytes Physical    Hits  Where\n");
	for (int i = 0; i < MON_MAX_WATCHES; i++) {
		const struct mon_watch *w = &m->watch[i];
		if (!w->id)
			continue;
		where[0] = 0;
		if (!w->phys)
			mon_where(m, w->va, where, sizeof where);
		fprintf(out, "%-4u %-7s 0x%08x  %-5u 0x%08x  %-5llu %s%s%s\n", w->id,
			mon_watch_kind_name(w->kind), w->va, w->len, w->gpa, (unsigned long long)w->hits,
			where, w->cond[0] ? (where[0] ? " if " : "if ") : "", w->cond);
	}
}

void mon_show_history(const struct mon *m, FILE *out)
{
	struct vm_history_info i;

	if (!vm_history_on(m->vm)) {
		fprintf(out, "reverse execution is off: %s\n", m->hist_err);
		return;
	}
	vm_history_info(m->vm, &i);
	fprintf(out, "the recorded past: steps %llu to %llu (now at %llu)\n",
		(unsigned long long)i.first, (unsigned long long)i.frontier,
		(unsigned long long)vm_position(m->vm));
	fprintf(out, "  %llu checkpoints, one every %llu steps; %llu traps logged, %llu inputs\n",
		(unsigned long long)i.checkpoints, (unsigned long long)i.interval,
		(unsigned long long)i.traps_logged, (unsigned long long)i.inputs);
	fprintf(out, "  memory %.0f KiB of at most %.1f MiB (--history)\n", i.bytes / 1024.0,
		i.max_bytes / 1048576.0);
	/* Steps, not host time: the monitor's output is the same every run. */
	if (i.restores)
		fprintf(out, "  last going back: %llu steps replayed from a checkpoint\n",
			(unsigned long long)i.last_replayed);
}

void mon_show_displays(const struct mon *m, FILE *out)
{
	for (int i = 0; i < MON_MAX_DISPLAYS; i++) {
		uint32_t v;
		char err[160];
		if (!m->display[i][0])
			continue;
		if (mon_eval_value(m, m->display[i], &v, err, sizeof err))
			fprintf(out, "%d: %s = 0x%08x  %d\n", i + 1, m->display[i], v, (int32_t)v);
		else
			fprintf(out, "%d: %s: %s\n", i + 1, m->display[i], err);
	}
}

void mon_show_vcpu(const struct mon *m, FILE *out)
{
	const struct cpu *v = vm_vcpu(m->vm);
	char where[96];
	int shown = 0;

	mon_where(m, v->pc, where, sizeof where);
	fprintf(out, "virtual CPU (%s mode: %s)\n", vmm_mode_name(vm_mode(m->vm)),
		vm_mode(m->vm) == MODE_BARE ? "bare: the real CPU itself" : "the VMM's copy of the guest's CPU");
	for (int i = 0; i < NREGS; i++)
		fprintf(out, "  r%-2d 0x%08x%s", i, v->r[i], i % 4 == 3 ? "\n" : "");
	fprintf(out, "  pc  0x%08x%s%s\n", v->pc, where[0] ? " " : "", where);
	fprintf(out, "  psw 0x%08x  %s, interrupts %s, flags %c%c%c%c\n", v->psw, mon_guest_mode(m),
		v->psw & PSW_IE ? "on" : "off", v->psw & PSW_N ? 'N' : '-', v->psw & PSW_Z ? 'Z' : '-',
		v->psw & PSW_C ? 'C' : '-', v->psw & PSW_V ? 'V' : '-');
	for (int s = 0; s < SR_COUNT; s++)
		fprintf(out, "  %-7s 0x%08x%s", mon_reg_name(MON_REG_SR0 + s), v->sr[s],
			s % 4 == 3 || s == SR_COUNT - 1 ? "\n" : "");
	fprintf(out, "  timer interrupt pending: %s\n", v->ipend_timer ? "yes" : "no");
	if (v->trap.cause != CAUSE_NONE)
		fprintf(out, "  last trap entered: %s at 0x%08x (epc 0x%08x, detail 0x%08x)\n",
			isa_cause_name((int)v->trap.cause), v->trap.pc, v->trap.epc, v->trap.detail);
	fprintf(out, "  retired %llu  cycles %llu  idle ticks %llu  step %llu\n",
		(unsigned long long)v->retired, (unsigned long long)v->cycles,
		(unsigned long long)v->idle_ticks, (unsigned long long)vm_position(m->vm));
	fprintf(out, "  traps entered by cause:");
	for (int k = 0; k < CAUSE_COUNT; k++)
		if (v->traps[k]) {
			fprintf(out, " %s %llu", isa_cause_name(k), (unsigned long long)v->traps[k]);
			shown++;
		}
	fprintf(out, "%s\n", shown ? "" : " none");
}
