/*
 * tests/vmm_net_test.c: the network card (cpu/net.c) and the three ways a
 *       monitor gives it to a guest (vmm/net_emulated.c, net_pv.c,
 *       net_passthrough.c).
 * Owns: the card on its loopback cable bare and under every monitor (the
 *       same frames at the same instruction, refusals counted alike); the
 *       exits each way costs; the pv ring's batches and its hostile
 *       descriptors; a machine with no card as before; the card's options
 *       refused with a one-line error.
 * Not:  the switch between VMs (tests of trapeze host).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "vmm/vmtest.h"

static const enum vmm_mode every_mode[] = {
	MODE_BARE, MODE_EMULATE, MODE_TRAP, MODE_HYBRID, MODE_PATCH, MODE_BT, MODE_HW, MODE_PV,
};
enum { NMODES = sizeof every_mode / sizeof every_mode[0] };

static void card_options(struct vm_options *o, unsigned passthrough)
{
	vm_options_init(o);
	o->net.card = true;
	o->net.link = NET_LINK_LOOPBACK;
	o->passthrough = passthrough;
	o->step_limit = 1000000;
}

/* netloop.s in mode m (passthrough under hw when asked): its console, halt
 * code, instruction count and stats. */
struct loop_run {
	char out[64];
	uint32_t code;
	uint64_t retired;
	struct vm_stats s;
	struct net_stats card;
};

static void run_netloop(enum vmm_mode m, unsigned passthrough, struct loop_run *r)
{
	struct vm_options o;
	struct vm_net_info info;
	struct image img;
	struct vm *vm;
	size_t len;

	vt_assemble("netloop", &img);
	card_options(&o, passthrough);
	vm = vt_vm_image(&o, m, &img);
	cr_assert_eq(vm_run(vm, 1000000), STOP_HALT, "%s", vmm_mode_name(m));
	cr_assert(vm_halted(vm, &r->code));
	snprintf(r->out, sizeof r->out, "%s", vm_console(vm, &len));
	vm_get_stats(vm, &r->s);
	r->retired = r->s.retired;
	vm_net_info(vm, &info);
	cr_assert(info.card);
	r->card = info.card->st;
	vm_destroy(vm);
	image_free(&img);
}

Test(net, loopback_frames_arrive_alike_in_every_mode)
{
	struct loop_run bare, r;

	run_netloop(MODE_BARE, 0, &bare);
	/* Five frames back whole; the status after each refusal says refused
	 * (bit 2) with the link up and room (bits 3, 1); the frame lost on its
	 * way in leaves 10: status 10 and a receive length of 0. */
	cr_expect_str_eq(bare.out, "netloop: 5 14 14 14 10 \n");
	cr_expect_eq(bare.code, 5);
	cr_expect_eq(bare.card.tx_frames, 6);
	cr_expect_eq(bare.card.rx_frames, 5);
	cr_expect_eq(bare.card.bad_length, 2, "too long and too short: refused, counted");
	cr_expect_eq(bare.card.bad_dma, 2, "sent from, and received to, outside memory");
	for (int i = 1; i < NMODES; i++) {
		run_netloop(every_mode[i], 0, &r);
		cr_expect_str_eq(r.out, bare.out, "%s", vmm_mode_name(every_mode[i]));
		cr_expect_eq(r.code, bare.code, "%s", vmm_mode_name(every_mode[i]));
		cr_expect_eq(r.retired, bare.retired, "%s: arrivals at the same instructions",
			     vmm_mode_name(every_mode[i]));
		cr_expect(!memcmp(&r.card, &bare.card, sizeof r.card), "%s: the card counts alike",
			  vmm_mode_name(every_mode[i]));
	}
	run_netloop(MODE_HW, VM_PASS_NET, &r);
	cr_expect_str_eq(r.out, bare.out, "passthrough");
	cr_expect_eq(r.retired, bare.retired, "passthrough");
	cr_expect(!memcmp(&r.card, &bare.card, sizeof r.card), "passthrough: the card counts alike");
}

Test(net, every_mode_is_equivalent_to_bare_step_by_step)
{
	struct image img;
	struct vm_options o;
	struct vmm_divergence d;

	vt_assemble("netloop", &img);
	for (int pass = 0; pass < 2; pass++) {
		card_options(&o, pass ? VM_PASS_NET : 0);
		for (int i = 1; i < NMODES; i++) {
			if (pass && every_mode[i] != MODE_HW)
				continue;
			cr_expect(vt_equivalent(&o, MODE_BARE, every_mode[i], vt_load_image, &img, &d),
				  "%s%s differs after %llu (%s)", vmm_mode_name(every_mode[i]),
				  pass ? " passthrough" : "", (unsigned long long)d.index,
				  d.what ? d.what : "?");
			vmm_divergence_free(&d);
		}
	}
	image_free(&img);
}

Test(net, emulated_exits_on_every_port_access_passthrough_on_none)
{
	struct loop_run trap, hw, pass;

	run_netloop(MODE_TRAP, 0, &trap);
	run_netloop(MODE_HW, 0, &hw);
	run_netloop(MODE_HW, VM_PASS_NET, &pass);
	/* netloop's kernel makes this many accesses to the card's ports. */
	cr_expect_gt(trap.s.net.port_exits, 100);
	cr_expect_eq(trap.s.exits_by_reason[VM_EXIT_NET], trap.s.net.port_exits);
	cr_expect_eq(hw.s.exits_by_reason[VM_EXIT_NET], trap.s.net.port_exits,
		     "hw, not assigned: an I/O exit on each, as trap's");
	cr_expect_eq(trap.s.net.copies, trap.card.tx_frames + trap.card.rx_frames,
		     "the monitor copied every frame the card moved");
	cr_expect_eq(pass.s.exits_by_reason[VM_EXIT_NET], 0, "assigned: no exit at all");
	cr_expect_eq(pass.s.net.port_exits, 0);
	cr_expect_eq(pass.s.net.copies, 0, "the card's own DMA: no copy by the monitor");
	cr_expect_geq(pass.s.direct_io, trap.s.net.port_exits, "the accesses went to the card");
	cr_expect_lt(pass.s.vmm_cycles, hw.s.vmm_cycles);
}

Test(net, pv_ring_sends_a_batch_with_one_notification)
{
	struct vm_options o;
	struct vm_net_info info;
	struct image img;
	struct vm_stats s;
	struct vm *vm;
	uint32_t code;

	vt_assemble("netring", &img);
	card_options(&o, 0);
	vm = vt_vm_image(&o, MODE_PV, &img);
	cr_assert_eq(vm_run(vm, 1000000), STOP_HALT);
	cr_assert(vm_halted(vm, &code));
	cr_expect_eq(code, 8 * 16 + 1, "eight frames back whole, the impossible index refused");
	vm_get_stats(vm, &s);
	cr_expect_eq(s.net.notifies, 4, "a batch of eight, the two hostile, one, the index");
	cr_expect_eq(s.net.ring_sent, 9);
	cr_expect_eq(s.net.ring_received, 8);
	cr_expect_eq(s.net.ring_errors, 4, "outside memory, too long, too small, the index");
	cr_expect_eq(s.exits_by_reason[VM_EXIT_NET], 5, "setup and four notifications");
	cr_expect_eq(s.net.port_exits, 0);
	vm_net_info(vm, &info);
	cr_expect_eq(info.way, VM_NET_PARAVIRTUAL);
	cr_expect(info.ring);
	cr_expect_eq(info.rx_cons, 9);
	cr_expect_eq(info.card->st.bad_dma, 2, "the transmit outside memory, the small buffer");
	cr_expect_eq(info.card->st.bad_length, 1);
	cr_expect(vm_vmm_intact(vm));
	vm_destroy(vm);
	image_free(&img);
}

Test(net, a_machine_without_a_card_reads_all_ones)
{
	static const enum vmm_mode modes[] = VT_ALL_MODES;
	struct vm_options o;
	struct prog p = { .n = 0 };
	uint32_t code;

	prog_emit(&p, isa_enc_i(OP_in, 1, 0, PORT_NET_STATUS));
	prog_emit(&p, isa_enc_i(OP_in, 2, 0, PORT_NET_RX_LEN));
	prog_emit(&p, isa_enc_r(OP_and, 1, 1, 2));
	prog_li(&p, 3, 0x1234);
	prog_emit(&p, isa_enc_i(OP_out, 0, 3, PORT_NET_TX_LEN)); /* to nothing: lost */
	prog_halt(&p, 1);
	vm_options_init(&o);
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		struct vm *vm = vt_vm_prog(&o, modes[i], &p);
		cr_assert_eq(vm_run(vm, 1000), STOP_HALT);
		cr_assert(vm_halted(vm, &code));
		cr_expect_eq(code, 0xFFFFFFFFu, "%s", vmm_mode_name(modes[i]));
		vm_destroy(vm);
	}
}

Test(net, card_options_refused_with_one_line)
{
	struct vm_options o;
	struct vm *vm;
	char err[256];
	int status;
	char *out;

	vm_options_init(&o);
	o.mode = MODE_HW;
	o.passthrough = VM_PASS_NET;
	cr_expect(!vm_create(&vm, &o, err, sizeof err));
	cr_expect(strstr(err, "no network card to pass through"), "%s", err);
	card_options(&o, 0);
	o.net.mac[0] = 0x01;
	cr_expect(!vm_create(&vm, &o, err, sizeof err));
	cr_expect(strstr(err, "group address"), "%s", err);

	out = vt_trapeze("run --mode hw --passthrough net x.elf", VT_BOTH, &status);
	cr_expect_eq(status, 2);
	cr_expect(strstr(out, "--passthrough net needs a network card"), "%s", out);
	free(out);
	out = vt_trapeze("run --net loopback --mac 03:00:00:00:00:01 x.elf", VT_BOTH, &status);
	cr_expect_eq(status, 2);
	cr_expect(strstr(out, "--mac: '03:00:00:00:00:01' is not a card's MAC"), "%s", out);
	free(out);
	out = vt_trapeze("run --net fibre x.elf", VT_BOTH, &status);
	cr_expect_eq(status, 2);
	cr_expect(strstr(out, "--net: unknown cable 'fibre'"), "%s", out);
	free(out);
}
