/*
 * tools/host/host_report.c: the host's accounting and the racks figure
 * (see host_report.h).
 */
#include <stdlib.h>
#include <string.h>

#include "host_report.h"
#include "vswitch.h"

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static const char *cause_name(int c)
{
	const char *n = isa_cause_name(c);
	return n ? n : "?";
}

/* What the scheduler promises each VM when all of them want the processor
 * at once: weight / sum of weights, caps respected (water-filled). */
static double promised(const struct host *h, int i)
{
	struct sched_vm sv[HOST_MAX_VMS];
	struct sched s;
	int n = host_nvms(h);

	memset(sv, 0, sizeof sv);
	for (int k = 0; k < n; k++) {
		struct host_vm_info vi;
		host_vm_info(h, k, &vi);
		sv[k].weight = vi.weight;
		sv[k].cap = vi.cap;
		sv[k].live = true;
	}
	sched_init(&s, sv, n, 1, 1);
	return sched_promised(&s, i);
}

/* How VM i ended, or what it is doing. */
static void state_text(const struct host *h, int i, char *buf, size_t len)
{
	struct host_vm_info vi;
	const struct vm *vm = host_vm_c(h, i);
	uint32_t code = 0;

	host_vm_info(h, i, &vi);
	if (vi.migrated) {
		snprintf(buf, len, "migrated to %s", vi.moved_to);
		return;
	}
	if (vi.state != HOST_STOPPED || !vm) {
		snprintf(buf, len, "%s", host_vm_state_name(vi.state));
		return;
	}
	if (vi.stop == STOP_HALT && vm_halted(vm, &code))
		snprintf(buf, len, "halted (%u)", code);
	else
		snprintf(buf, len, "%s", vm_stop_name(vi.stop));
}

/* The switch, one line per VM with a card: what it forwarded and dropped,
 * and how the VM's monitor gave it the card. */
static void net_report(FILE *f, const struct host *h)
{
	bool header = false;

	for (int i = 0; i < host_nvms(h); i++) {
		struct vswitch_port_stats st;
		struct vm_net_info ni;
		struct host_vm_info vi;
		char mac[NET_MAC_TEXT];

		if (!host_net_port(h, i, &st) || !host_vm_c(h, i))
			continue;
		if (!header)
			fprintf(f, "  network switch (frames):\n    %-10s %-17s %-11s %8s %8s %8s %8s %8s\n",
				"vm", "mac", "card", "sent", "received", "spoofed", "unknown", "overflow");
		header = true;
		host_vm_info(h, i, &vi);
		vm_net_info(host_vm_c(h, i), &ni);
		net_mac_text(ni.card->mac, mac);
		fprintf(f, "    %-10s %-17s %-11s %8llu %8llu %8llu %8llu %8llu\n", vi.name, mac,
			vm_net_way_name(ni.way), (unsigned long long)st.sent,
			(unsigned long long)st.received, (unsigned long long)st.spoofed,
			(unsigned long long)st.unknown, (unsigned long long)st.overflow);
	}
}

void host_report(FILE *f, const struct host *h)
{
	struct host_info hi;
	int n = host_nvms(h), ns;
	const struct host_mem_sample *samples = host_mem_samples(h, &ns);

	host_info(h, &hi);
	fprintf(f, "trapeze: host: report\n");
	fprintf(f, "  host: %d VMs in %u bytes of memory (the monitor's %u, page-table pools %u, "
		"free now %u); the monitor's area %s\n", n, hi.mem_size, hi.vmm_area,
		hi.pools_end - hi.vmm_area, hi.free_bytes, hi.vmm_intact ? "intact" : "WRITTEN");
	fprintf(f, "  host time %llu cycles: busy %llu (utilisation %.1f%%), idle %llu, %llu world "
		"switches (%llu cycles, %.2f%%)\n", (unsigned long long)hi.now,
		(unsigned long long)hi.busy, pct(hi.busy + hi.overhead, hi.now),
		(unsigned long long)hi.idle, (unsigned long long)hi.switches,
		(unsigned long long)hi.overhead, pct(hi.overhead, hi.now));
	fprintf(f, "  %-10s %-7s %6s %4s %-14s %14s %14s %7s %8s %14s %12s %9s %9s\n", "vm", "mode",
		"weight", "cap", "state", "instructions", "busy cycles", "share", "promised",
		"guest cycles", "VMM cycles", "exits", "memory");
	for (int i = 0; i < n; i++) {
		struct host_vm_info vi;
		struct vm_stats s;
		const struct vm *vm = host_vm_c(h, i);
		char state[32], cap[16];

		host_vm_info(h, i, &vi);
		state_text(h, i, state, sizeof state);
		memset(&s, 0, sizeof s);
		if (vm)
			vm_get_stats(vm, &s);
		snprintf(cap, sizeof cap, vi.cap ? "%u%%" : "-", vi.cap);
		fprintf(f, "  %-10s %-7s %6u %4s %-14s %14llu %14llu %6.1f%% %7.1f%% %14llu %12llu %9llu %9u\n",
			vi.name, vm ? vmm_mode_name(vm_mode(vm)) : "-", vi.weight, cap, state,
			(unsigned long long)s.retired, (unsigned long long)vi.busy, 100.0 * vi.share,
			100.0 * promised(h, i), (unsigned long long)s.guest_cycles,
			(unsigned long long)s.vmm_cycles, (unsigned long long)s.exits, vi.mem_size);
	}
	fprintf(f, "  (share: busy cycles / host time while the VM was live; promised: its weight "
		"against all the VMs', caps respected, when every VM wants the processor)\n");
	fprintf(f, "  VM exits by cause:\n");
	for (int i = 0; i < n; i++) {
		struct vm_stats s;
		const struct vm *vm = host_vm_c(h, i);
		bool any = false;
		struct host_vm_info vi;

		host_vm_info(h, i, &vi);
		if (!vm)
			continue;
		vm_get_stats(vm, &s);
		fprintf(f, "    %-10s", vi.name);
		for (int c = 1; c < CAUSE_COUNT; c++)
			if (s.exits_by_cause[c]) {
				fprintf(f, "%s %s %llu", any ? "," : "", cause_name(c),
					(unsigned long long)s.exits_by_cause[c]);
				any = true;
			}
		fprintf(f, "%s\n", any ? "" : " none");
	}
	net_report(f, h);
	fprintf(f, "  memory over time (host cycle: VM region bytes):\n");
	for (int k = 0; k < ns; k++) {
		struct host_vm_info vi;
		host_vm_info(h, samples[k].vm, &vi);
		fprintf(f, "    %14llu: %-10s %u\n", (unsigned long long)samples[k].at, vi.name,
			samples[k].bytes);
	}
}

/* ---- alone ---------------------------------------------------------------- */

bool host_run_alone(const struct host_guest *g, int n, const struct host *h, struct host_alone *alone,
		    char *err, size_t errlen)
{
	for (int i = 0; i < n; i++) {
		struct vm_options o = g[i].o->vm;
		struct host_alone *a = &alone[i];
		struct vm_stats s;
		struct vm *vm;
		char why[600];
		const struct vm *on_host = host_vm_c(h, i);

		memset(a, 0, sizeof *a);
		/* The rack's machine: the guest on bare hardware; the paravirtual
		 * kernel cannot run without its monitor, so it runs under pv. */
		o.mode = a->mode = g[i].image->is_pv_kernel ? MODE_PV : MODE_BARE;
		o.place = NULL;
		o.disk_base = NULL;
		o.console = NULL;
		o.capture = true;
		o.input = g[i].input;
		o.input_len = g[i].input_len;
		if (!vm_create(&vm, &o, why, sizeof why) || !vm_load_image(vm, g[i].image, why, sizeof why)) {
			snprintf(err, errlen, "VM '%s' alone: %s", g[i].o->name, why);
			vm_destroy(vm);
			return false;
		}
		a->stop = vm_run(vm, UINT64_MAX);
		vm_get_stats(vm, &s);
		a->ran = true;
		a->retired = s.retired;
		a->elapsed = s.cycles;
		a->busy = s.cycles - s.idle_ticks * COST_WFI_IDLE;
		if (on_host) {
			size_t la, lb;
			const char *ca = vm_console(vm, &la), *cb = vm_console(on_host, &lb);
			a->same_output = la == lb && !memcmp(ca, cb, la);
		}
		vm_destroy(vm);
	}
	return true;
}

/* Summing up the racks: the mean utilisation alone, the alone busy time. */
static void racks_sums(const struct host *h, const struct host_alone *alone, double *mean,
		       uint64_t *busy)
{
	int n = host_nvms(h), m = 0;

	*mean = 0;
	*busy = 0;
	for (int i = 0; i < n; i++) {
		if (!alone[i].ran)
			continue;
		*mean += pct(alone[i].busy, alone[i].elapsed);
		*busy += alone[i].busy;
		m++;
	}
	if (m)
		*mean /= m;
}

void host_racks_table(FILE *f, const struct host *h, const struct host_alone *alone)
{
	struct host_info hi;
	int n = host_nvms(h);
	double mean;
	uint64_t alone_busy, overhead;

	host_info(h, &hi);
	racks_sums(h, alone, &mean, &alone_busy);
	fprintf(f, "trapeze: host: consolidation: %d guests, each alone on a machine of its own, "
		"against all of them on one host\n", n);
	fprintf(f, "  %-10s %-5s %14s %14s %8s | %14s %14s %9s | %s\n", "guest", "alone", "busy cycles",
		"elapsed", "util", "host busy", "completion", "slowdown", "output as alone");
	for (int i = 0; i < n; i++) {
		struct host_vm_info vi;
		const struct host_alone *a = &alone[i];
		uint64_t done;

		host_vm_info(h, i, &vi);
		done = vi.state == HOST_STOPPED ? vi.end - vi.start : 0;
		fprintf(f, "  %-10s %-5s %14llu %14llu %7.1f%% | %14llu %14llu %8.2fx | %s\n", vi.name,
			vmm_mode_name(a->mode), (unsigned long long)a->busy, (unsigned long long)a->elapsed,
			pct(a->busy, a->elapsed), (unsigned long long)vi.busy, (unsigned long long)done,
			a->elapsed && done ? (double)done / (double)a->elapsed : 0.0,
			a->same_output ? "same" : "DIFFERENT");
	}
	overhead = hi.busy + hi.overhead > alone_busy ? hi.busy + hi.overhead - alone_busy : 0;
	fprintf(f, "  %d machines alone: mean utilisation %.1f%%; one host: utilisation %.1f%% "
		"(busy %llu of %llu cycles)\n", n, mean, pct(hi.busy + hi.overhead, hi.now),
		(unsigned long long)(hi.busy + hi.overhead), (unsigned long long)hi.now);
	fprintf(f, "  the VMM's overhead: %llu cycles, %.1f%% of the host's busy time (the monitor's "
		"work for each guest, and %llu world switches)\n", (unsigned long long)overhead,
		pct(overhead, hi.busy + hi.overhead), (unsigned long long)hi.switches);
	fprintf(f, "  (completion: host cycles from the VM's start to its end; slowdown: that "
		"against its time alone, on its own clock)\n");
}

bool host_write_csv(const char *path, const struct host *h, const struct host_alone *alone)
{
	FILE *f = fopen(path, "w");
	struct host_info hi;
	int n = host_nvms(h);
	double mean = 0;
	uint64_t alone_busy = 0;

	if (!f)
		return false;
	host_info(h, &hi);
	fprintf(f, "vm,mode,weight,cap,state,instructions,busy_cycles,share,promised,guest_cycles,"
		"vmm_cycles,exits,memory,alone_mode,alone_busy,alone_elapsed,alone_utilisation,"
		"host_completion,slowdown,same_output\n");
	for (int i = 0; i < n; i++) {
		struct host_vm_info vi;
		struct vm_stats s;
		const struct vm *vm = host_vm_c(h, i);
		char state[32];

		host_vm_info(h, i, &vi);
		state_text(h, i, state, sizeof state);
		memset(&s, 0, sizeof s);
		if (vm)
			vm_get_stats(vm, &s);
		fprintf(f, "%s,%s,%u,%u,%s,%llu,%llu,%.4f,%.4f,%llu,%llu,%llu,%u,", vi.name,
			vm ? vmm_mode_name(vm_mode(vm)) : "", vi.weight, vi.cap, state,
			(unsigned long long)s.retired, (unsigned long long)vi.busy, vi.share, promised(h, i),
			(unsigned long long)s.guest_cycles, (unsigned long long)s.vmm_cycles,
			(unsigned long long)s.exits, vi.mem_size);
		if (alone && alone[i].ran) {
			uint64_t done = vi.state == HOST_STOPPED ? vi.end - vi.start : 0;
			fprintf(f, "%s,%llu,%llu,%.4f,%llu,%.4f,%s\n", vmm_mode_name(alone[i].mode),
				(unsigned long long)alone[i].busy, (unsigned long long)alone[i].elapsed,
				pct(alone[i].busy, alone[i].elapsed) / 100.0, (unsigned long long)done,
				alone[i].elapsed ? (double)done / (double)alone[i].elapsed : 0.0,
				alone[i].same_output ? "yes" : "no");
		} else {
			fprintf(f, ",,,,,,\n");
		}
	}
	if (alone)
		racks_sums(h, alone, &mean, &alone_busy);
	/* The host's row: its busy time, utilisation and memory; the racks' mean. */
	fprintf(f, "host,,,,,,%llu,%.4f,,,,,%u,", (unsigned long long)(hi.busy + hi.overhead),
		pct(hi.busy + hi.overhead, hi.now) / 100.0, hi.mem_size);
	if (alone)
		fprintf(f, ",%llu,,%.4f,%llu,,\n", (unsigned long long)alone_busy, mean / 100.0,
			(unsigned long long)hi.now);
	else
		fprintf(f, ",,,,%llu,,\n", (unsigned long long)hi.now);
	return fclose(f) == 0;
}

bool host_chart(const char *svg, const struct host *h, const struct host_alone *alone, char *err,
		size_t errlen)
{
	char dat[1100], cmd[4096];
	struct host_info hi;
	int n = host_nvms(h);
	FILE *f;
	double mean;
	uint64_t busy;

	if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
		snprintf(err, errlen, "gnuplot is not installed (the table and the CSV have it all)");
		return false;
	}
	snprintf(dat, sizeof dat, "%s.dat", svg);
	f = fopen(dat, "w");
	if (!f) {
		snprintf(err, errlen, "cannot write %s", dat);
		return false;
	}
	host_info(h, &hi);
	racks_sums(h, alone, &mean, &busy);
	fprintf(f, "machine alone host\n");
	for (int i = 0; i < n; i++) {
		struct host_vm_info vi;
		host_vm_info(h, i, &vi);
		fprintf(f, "\"%s alone\" %.2f 0\n", vi.name, pct(alone[i].busy, alone[i].elapsed));
	}
	fprintf(f, "\"one host (%d VMs)\" 0 %.2f\n", n, pct(hi.busy + hi.overhead, hi.now));
	if (fclose(f) != 0) {
		snprintf(err, errlen, "cannot write %s", dat);
		return false;
	}
	snprintf(cmd, sizeof cmd,
		 "gnuplot -e \"set terminal svg size 900,450 dynamic; set output '%s';"
		 " set title 'Consolidation: %d machines alone (mean utilisation %.1f%%) against one host (%.1f%%)';"
		 " set style data histograms; set style histogram rowstacked;"
		 " set style fill solid border -1; set boxwidth 0.7; set yrange [0:100];"
		 " set ylabel 'utilisation (busy / elapsed, %%)'; set xtics rotate by -30;"
		 " set key top left;"
		 " plot '%s' using 2:xtic(1) title 'a machine of its own', '' using 3 title 'the host'\""
		 " 2>/dev/null", svg, n, mean, pct(hi.busy + hi.overhead, hi.now), dat);
	if (system(cmd) != 0) {
		snprintf(err, errlen, "gnuplot failed (the table and the CSV have it all)");
		return false;
	}
	remove(dat);
	return true;
}
