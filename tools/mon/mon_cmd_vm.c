/*
 * tools/mon/mon_cmd_vm.c: the monitor's commands on the VM as a whole and
 *       on a host's VMs: vm, host, restart, save, restore, migrate.
 * Owns: their arguments and what each prints (a migration's rounds as they
 *       end, then its figures; on a host, the VM selected next).
 * Not:  the work (mon_core.c selects and restarts, mon_snap.c saves,
 *       restores and migrates); the table and help (mon_cmd.c).
 */
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "mon_cmd.h"

/* vm [N|NAME]: the VM the other commands act on. */
enum mon_status mon_cmd_vm(struct call *c)
{
	struct mon *m = c->m;
	char word[64] = "", err[200];
	int i = -1;

	if (!m->host)
		return error(c, "%s", "no host: one VM only (trapeze mon --host CONFIG runs several)");
	if (sscanf(c->args, "%63s", word) != 1) {
		struct host_vm_info vi;
		host_vm_info(m->host, m->cur, &vi);
		fprintf(c->out, "vm %d (%s, %s)\n", m->cur, vi.name, vmm_mode_name(vm_mode(m->vm)));
		return MON_OK;
	}
	for (int k = 0; k < host_nvms(m->host); k++) {
		struct host_vm_info vi;
		host_vm_info(m->host, k, &vi);
		if (!strcmp(vi.name, word))
			i = k;
	}
	if (i < 0) {
		char *end;
		long v = strtol(word, &end, 10);
		if (*end || end == word)
			return error(c, "no VM '%s' (info vms lists them)", word);
		i = (int)v;
	}
	if (!mon_select_vm(m, i, err, sizeof err))
		return error(c, "%s", err);
	mon_cmd_vm(&(struct call){ .m = m, .args = "", .out = c->out });
	mon_show_location(m, c->out);
	return MON_OK;
}

/* host [CYCLES]: every VM by the schedule, for CYCLES of the host's clock
 * (default: an accounting period's worth, three million). */
enum mon_status mon_cmd_host(struct call *c)
{
	struct mon *m = c->m;
	unsigned long long cycles = 3000000;
	struct host_info a, b;
	bool more;

	if (!m->host)
		return error(c, "%s", "no host: one VM only (trapeze mon --host CONFIG runs several)");
	if (*c->args && sscanf(c->args, "%llu", &cycles) != 1)
		return error(c, "host CYCLES: '%s' is not a number", c->args);
	host_info(m->host, &a);
	more = host_run(m->host, cycles);
	host_info(m->host, &b);
	fprintf(c->out, "host: %llu cycles run (busy %llu, idle %llu), host time %llu%s\n",
		(unsigned long long)(b.now - a.now), (unsigned long long)(b.busy - a.busy),
		(unsigned long long)(b.idle - a.idle), (unsigned long long)b.now,
		more ? "" : "; every VM has stopped");
	mon_show_vms(m, c->out);
	return MON_OK;
}

enum mon_status mon_cmd_restart(struct call *c)
{
	char err[512];

	if (!mon_restart(c->m, err, sizeof err))
		return error(c, "%s", err);
	fprintf(c->out, "restarted (%s mode); breakpoints kept\n", vmm_mode_name(vm_mode(c->m->vm)));
	mon_show_location(c->m, c->out);
	return MON_OK;
}

enum mon_status mon_cmd_save(struct call *c)
{
	char err[600];

	if (!*c->args)
		return error(c, "%s", "save FILE: where to save the VM");
	if (!mon_save(c->m, c->args, err, sizeof err))
		return error(c, "%s", err);
	fprintf(c->out, "saved at instruction %llu to %s\n", (unsigned long long)vm_retired(c->m->vm),
		c->args);
	return MON_OK;
}

enum mon_status mon_cmd_restore(struct call *c)
{
	char err[700];

	if (!*c->args)
		return error(c, "%s", "restore FILE: a snapshot (save, or trapeze run --save-at)");
	if (!mon_restore(c->m, c->args, err, sizeof err))
		return error(c, "%s", err);
	fprintf(c->out, "restored %s: instruction %llu (%s mode); breakpoints kept\n", c->args,
		(unsigned long long)vm_retired(c->m->vm), vmm_mode_name(vm_mode(c->m->vm)));
	mon_show_location(c->m, c->out);
	return MON_OK;
}

static void show_round(void *ctx, const struct precopy_result *r, bool stop)
{
	FILE *out = ctx;

	fputs("  ", out);
	mig_round_line(out, r, stop);
	fflush(out);
}

enum mon_status mon_cmd_migrate(struct call *c)
{
	static struct precopy_result res; /* large: off the stack */
	struct precopy_opts po = { .bandwidth = MIG_DEFAULT_BANDWIDTH };
	char err[700];
	int was = c->m->cur;

	if (!*c->args || strchr(c->args, ' '))
		return error(c, "%s", "migrate HOST:PORT: where trapeze migrate --listen waits");
	if (c->m->host)
		fprintf(c->out, "migrating VM %d to %s at instruction %llu; the host runs on\n",
			was, c->args, (unsigned long long)vm_retired(c->m->vm));
	else
		fprintf(c->out, "migrating to %s at instruction %llu\n", c->args,
			(unsigned long long)vm_retired(c->m->vm));
	fflush(c->out);
	if (!mon_migrate(c->m, c->args, &po, show_round, c->out, &res, err, sizeof err)) {
		fprintf(c->out, "error: migration to %s failed: %s; the VM is here, unharmed\n", c->args,
			err);
		return MON_ERROR;
	}
	fprintf(c->out, "migrated at instruction %llu: %u rounds (%s), %llu pages, %llu bytes; total "
		"%.3f ms, downtime %.3f ms (%llu guest instructions)\n",
		(unsigned long long)res.retired_stop, res.rounds, precopy_end_name(res.end),
		(unsigned long long)res.pages, (unsigned long long)res.bytes,
		(double)res.total_cycles / 1e6, (double)res.downtime_cycles / 1e6,
		(unsigned long long)res.downtime_insns);
	if (c->m->host && c->m->cur != was) {
		fprintf(c->out, "VM %d runs at %s now; ", was, c->args);
		mon_cmd_vm(&(struct call){ .m = c->m, .args = "", .out = c->out });
		return MON_OK;
	}
	fprintf(c->out, "the VM runs at %s now: nothing is left to run here\n", c->args);
	return MON_QUIT;
}
