/*
 * tools/bench/bench_net.c: the network table of `trapeze bench
 *       --techniques`: one bulk transfer under each way of giving a guest
 *       the network card (see bench.h).
 * Owns: the ways compared (bare's own card; emulated under trap and under
 *       hw's I/O exits; the paravirtual ring; passthrough under hw), each
 *       run of guest-os/net/bulk.s on the loopback cable, and what is
 *       measured: VM exits per KiB the card moved (all exits, and those
 *       named NET), simulated cycles against bare's, host time.
 * Not:  printing (bench_report.c); what each exit costs (vmm/costs.c: the
 *       EXIT, ENTRY, EMULATE, HW_* and NET_* rows and the papers they are
 *       priced after); the card and the three ways (cpu/net.c, vmm/net_*.c).
 * Implements: the comparison Sugerman et al. (USENIX ATC 2001) made for an
 *       emulated card and Menon et al. (VEE 2005) for Xen's split driver,
 *       on deterministic counts: exits per KiB are a fact of the run, so
 *       the ordering passthrough < paravirtual < emulated is asserted by a
 *       test (tests/bench_test.c); host time is shown only.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "image.h"

static const struct {
	const char *name;
	enum vmm_mode mode;
	bool passthrough, pv;
} ways[BENCH_NET_WAYS] = {
	[NET_WAY_BARE] = { "bare", MODE_BARE, false, false },
	[NET_WAY_EMULATED] = { "emulated (trap)", MODE_TRAP, false, false },
	[NET_WAY_EMULATED_HW] = { "emulated (hw)", MODE_HW, false, false },
	[NET_WAY_PV] = { "paravirtual", MODE_PV, false, true },
	[NET_WAY_PASSTHROUGH] = { "passthrough", MODE_HW, true, false },
};

const char *bench_net_way_name(enum bench_net_way w)
{
	return (unsigned)w < BENCH_NET_WAYS ? ways[w].name : "?";
}

static bool run_way(const struct image *img, enum bench_net_way w, enum vmm_cpu cpu,
		    struct bench_net_row *r, char *err, size_t errlen)
{
	struct vm_options o;
	struct vm_net_info ni;
	struct vm_stats st;
	struct vm *vm;
	uint32_t code = 0;
	enum cpu_stop s;

	vm_options_init(&o);
	o.mode = ways[w].mode;
	o.cpu = cpu;
	o.capture = true;
	o.step_limit = 100000000;
	o.net.card = true;
	o.net.link = NET_LINK_LOOPBACK;
	o.passthrough = ways[w].passthrough ? VM_PASS_NET : 0;
	if (!vm_create(&vm, &o, err, errlen) || !image_load(vm, img, err, errlen)) {
		vm_destroy(vm);
		return false;
	}
	s = vm_run(vm, UINT64_MAX);
	vm_get_stats(vm, &st);
	vm_net_info(vm, &ni);
	if (s != STOP_HALT || !vm_halted(vm, &code) || code != BENCH_NET_FRAMES) {
		snprintf(err, errlen, "the bulk transfer (%s) did not end with its %d frames back: %s "
			 "(code %u)", ways[w].name, BENCH_NET_FRAMES, vm_stop_name(s), code);
		vm_destroy(vm);
		return false;
	}
	memset(r, 0, sizeof *r);
	r->way = w;
	r->kib = (double)(ni.card->st.tx_bytes + ni.card->st.rx_bytes) / 1024.0;
	r->exits = st.exits;
	r->net_exits = st.exits_by_reason[VM_EXIT_NET];
	r->cycles = st.cycles;
	r->vmm_cycles = st.vmm_cycles;
	r->exits_per_kib = (double)r->exits / r->kib;
	r->net_exits_per_kib = (double)r->net_exits / r->kib;
	r->host_s = (double)st.host_ns / 1e9;
	vm_destroy(vm);
	return true;
}

bool bench_net(const char *build_dir, enum vmm_cpu cpu, struct bench_net_row *rows, char *err,
	       size_t errlen)
{
	struct image port, pv;
	char path[1024];
	bool ok = true;

	snprintf(path, sizeof path, "%s/guest/net/bulk.elf", build_dir);
	if (!image_read(path, &port, err, errlen))
		return false;
	snprintf(path, sizeof path, "%s/guest/net/bulk-pv.elf", build_dir);
	if (!image_read(path, &pv, err, errlen)) {
		image_free(&port);
		return false;
	}
	for (int w = 0; w < BENCH_NET_WAYS && ok; w++)
		ok = run_way(ways[w].pv ? &pv : &port, (enum bench_net_way)w, cpu, &rows[w], err, errlen);
	for (int w = 0; w < BENCH_NET_WAYS && ok; w++)
		rows[w].vs_bare = (double)rows[w].cycles / (double)rows[NET_WAY_BARE].cycles;
	image_free(&port);
	image_free(&pv);
	return ok;
}
