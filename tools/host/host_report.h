/*
 * tools/host/host_report.h: what `trapeze host` says about a run: the
 *       accounting, the lecture's racks figure, its CSV and its chart.
 * Owns: the per-VM report (instructions, share of the processor against
 *       its weight and cap, exits by cause, cycles in the guest and in the
 *       monitor, memory and memory over time) and the host's (utilisation);
 *       running each guest alone on a machine of its own for the
 *       consolidation table; the CSV and the SVG chart (gnuplot).
 * Not:  running the host (vmm/host.h); the command's options (host_cmd.c).
 */
#ifndef TRAPEZE_HOST_REPORT_H
#define TRAPEZE_HOST_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "host.h"

/* A guest alone on a machine of its own: the rack the lecture starts from. */
struct host_alone {
	bool ran;
	enum vmm_mode mode;       /* bare, or pv for the paravirtual kernel (it needs its monitor) */
	enum cpu_stop stop;
	uint64_t retired;
	uint64_t busy;            /* cycles it computed */
	uint64_t elapsed;         /* cycles until it stopped: busy + idle */
	bool same_output;         /* its console byte for byte as on the host */
};

/* Run each of the host's VMs alone: its image, memory, disk, input and
 * limits, bare (pv for the paravirtual kernel), its console kept and
 * compared with what it printed on the host (the host's VMs must capture).
 * False with a message when one cannot be made. */
struct host_guest {
	const struct vm_image *image;
	const struct host_vm_options *o;
	const void *input;
	size_t input_len;
};
bool host_run_alone(const struct host_guest *g, int n, const struct host *h, struct host_alone *alone,
		    char *err, size_t errlen);

/* The report: the host, then a line per VM, exits by cause, memory over time. */
void host_report(FILE *f, const struct host *h);
/* The consolidation table. */
void host_racks_table(FILE *f, const struct host *h, const struct host_alone *alone);
/* Both as CSV (alone may be NULL: its columns are left empty). */
bool host_write_csv(const char *path, const struct host *h, const struct host_alone *alone);
/* The racks chart: each machine's utilisation alone, and the host's. False
 * with why in err (gnuplot missing, or it failed). */
bool host_chart(const char *svg, const struct host *h, const struct host_alone *alone, char *err,
		size_t errlen);

#endif
