/*
 * tests/host_net_test.c: guests on one host talking through its switch
 *       (vmm/vswitch.c), as a user runs `trapeze host`.
 * Owns: an echo server and a client exchanging numbered messages in every
 *       way a card is given (emulated under trap and hw, the pv ring,
 *       passthrough under hw) and mixed; the switch's refusals (a spoofed
 *       source, an unknown address, a flood: dropped and counted, never
 *       another's traffic read); a card passed through twice, and other
 *       bad card options, refused before anything runs; the same run
 *       twice, the same bytes.
 * Not:  the card and the three ways alone (vmm_net_test.c); the programs
 *       (guest-os/net/).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/vmtest.h"

/* The programs of guest-os/net, as the build made them (BUILD/guest/net). */
enum { ECHO, CLIENT, ECHO_PV, CLIENT_PV, ROGUE, NFIX };
static const char *const program[NFIX] = { "echo", "client", "echo-pv", "client-pv", "rogue" };
static char elf[NFIX][1024];

static void find_programs(void)
{
	const char *b = getenv("BUILD");

	cr_assert(b && *b, "BUILD must name an absolute path (make test sets it)");
	for (int i = 0; i < NFIX; i++) {
		snprintf(elf[i], sizeof elf[i], "%s/guest/net/%s.elf", b, program[i]);
		cr_assert(access(elf[i], R_OK) == 0, "no %s: make builds it", elf[i]);
	}
}

/* `trapeze host --report` with the VMs given; its output and status. */
static char *host(const char *vms, int *status)
{
	char args[5000];

	snprintf(args, sizeof args, "host --report %s", vms);
	return vt_trapeze(args, VT_BOTH, status);
}

/* A --vm for fixture f named name, the rest of its keys in rest. */
static void vm_arg(char *buf, size_t len, const char *name, int f, const char *rest)
{
	snprintf(buf, len, "--vm name=%s,kernel=%s,%s", name, elf[f], rest);
}

Test(host_net, two_guests_exchange_messages_in_every_way)
{
	static const struct {
		const char *what;
		int srv, cli;
		const char *srv_keys, *cli_keys, *srv_way, *cli_way;
	} ways[] = {
		{ "emulated (trap)", ECHO, CLIENT, "mode=trap,net=switch", "mode=trap,net=switch",
		  "emulated", "emulated" },
		{ "emulated (hw, I/O exits)", ECHO, CLIENT, "mode=hw,net=switch", "mode=hw,net=switch",
		  "emulated", "emulated" },
		{ "paravirtual", ECHO_PV, CLIENT_PV, "mode=pv,net=switch", "mode=pv,net=switch",
		  "paravirtual", "paravirtual" },
		{ "passthrough", ECHO, CLIENT, "mode=hw,passthrough=net0", "mode=hw,passthrough=net1",
		  "passthrough", "passthrough" },
		{ "mixed", ECHO_PV, CLIENT, "mode=pv,net=switch", "mode=hw,passthrough=net3",
		  "paravirtual", "passthrough" },
		{ "mixed", ECHO, CLIENT_PV, "mode=bt,net=switch", "mode=pv,net=switch", "emulated",
		  "paravirtual" },
	};
	char a[1200], b[1200], both[2500], line[128];

	find_programs();
	for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
		int status;
		char *out;

		vm_arg(a, sizeof a, "srv", ways[i].srv, ways[i].srv_keys);
		vm_arg(b, sizeof b, "cli", ways[i].cli, ways[i].cli_keys);
		snprintf(both, sizeof both, "%s %s", a, b);
		out = host(both, &status);
		cr_expect_eq(status, 0, "%s: %s", ways[i].what, out);
		cr_expect(strstr(out, "cli| client: 20 of 20 replies ok\n"), "%s: %s", ways[i].what, out);
		cr_expect(strstr(out, "srv| echo: 20 frames\n"), "%s: %s", ways[i].what, out);
		/* The switch saw each message and each reply, dropped nothing. */
		snprintf(line, sizeof line, "srv        02:00:00:00:00:01 %-11s       20       21        0"
			 "        0        0", ways[i].srv_way);
		cr_expect(strstr(out, line), "%s: no line '%s' in %s", ways[i].what, line, out);
		snprintf(line, sizeof line, "cli        02:00:00:00:00:02 %-11s       21       20        0"
			 "        0        0", ways[i].cli_way);
		cr_expect(strstr(out, line), "%s: no line '%s' in %s", ways[i].what, line, out);
		cr_expect(strstr(out, "the monitor's area intact"), "%s", ways[i].what);
		free(out);
	}
}

Test(host_net, a_hostile_guest_neither_spoofs_nor_reads_others_traffic)
{
	static const char *const rogue_keys[] = {
		"mode=emulate,net=switch", "mode=trap,net=switch", "mode=hybrid,net=switch",
		"mode=patch,net=switch", "mode=bt,net=switch", "mode=hw,net=switch",
		"mode=hw,passthrough=net2", "mode=pv,net=switch",
	};
	char a[1200], b[1200], c[1200], all[3700];

	find_programs();
	for (size_t i = 0; i < sizeof rogue_keys / sizeof rogue_keys[0]; i++) {
		int status;
		char *out, *again;

		vm_arg(a, sizeof a, "srv", ECHO_PV, "mode=pv,net=switch");
		vm_arg(b, sizeof b, "cli", CLIENT, "mode=trap,net=switch");
		vm_arg(c, sizeof c, "rogue", ROGUE, rogue_keys[i]);
		snprintf(all, sizeof all, "%s %s %s", a, b, c);
		out = host(all, &status);
		cr_expect_eq(status, 0, "%s: %s", rogue_keys[i], out);
		cr_expect(strstr(out, "cli| client: 20 of 20 replies ok\n"), "%s: %s", rogue_keys[i], out);
		cr_expect(strstr(out, "rogue| rogue: 0 frames not mine\n"), "%s: %s", rogue_keys[i], out);
		/* Five spoofed, three to no one: dropped and counted; the flood's
		 * 400 broadcast frames forwarded, what did not fit dropped. */
		cr_expect(strstr(out, "     400        0        5        3        0\n"), "%s: %s",
			  rogue_keys[i], out);
		cr_expect(strstr(out, "the monitor's area intact"), "%s", rogue_keys[i]);
		/* Deterministic: the same run, the same bytes. */
		again = host(all, &status);
		cr_expect_str_eq(again, out, "%s: a second run differs", rogue_keys[i]);
		free(again);
		free(out);
	}
}

Test(host_net, bad_cards_are_refused_before_anything_runs)
{
	static const struct {
		const char *keys_a, *keys_b, *says;
	} bad[] = {
		{ "mode=hw,passthrough=net0", "mode=hw,passthrough=net0",
		  "--vm 2: error: VM 'cli': card net0 is passed through to VM 'srv' already: a card "
		  "passed through serves one VM" },
		{ "mode=trap,passthrough=net1", "mode=trap,net=switch",
		  "VM 'srv': a card is passed through under hw only (mode hw)" },
		{ "mode=trap,net=switch,mac=02:00:00:00:00:09", "mode=pv,mac=02:00:00:00:00:09",
		  "VM 'cli': MAC 02:00:00:00:00:09 is VM 'srv''s already" },
		{ "mode=hw,passthrough=net4", "mode=trap",
		  "passthrough 'net4': one of the host's cards, net0 to net3" },
		{ "mode=trap,mac=01:00:00:00:00:01", "mode=trap",
		  "mac '01:00:00:00:00:01' is not a card's address" },
		{ "mode=trap,net=wifi", "mode=trap", "net 'wifi': switch (a card on the host's switch) or none" },
	};
	char a[1200], b[1200], both[2500];

	find_programs();
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int status;
		char *out;

		vm_arg(a, sizeof a, "srv", ECHO, bad[i].keys_a);
		vm_arg(b, sizeof b, "cli", CLIENT, bad[i].keys_b);
		snprintf(both, sizeof both, "%s %s", a, b);
		out = host(both, &status);
		cr_expect_eq(status, 2, "%s: %s", bad[i].keys_a, out);
		cr_expect(!strstr(out, "echo:"), "nothing ran: %s", out);
		/* The error is the first line, whole (a usage line may follow). */
		*strchr(out, '\n') = 0;
		cr_expect(!strncmp(out, "trapeze: host: ", 15) && strstr(out, bad[i].says), "%s: %s",
			  bad[i].keys_a, out);
		free(out);
	}
}

Test(host_net, guests_waiting_for_frames_that_never_come_idle)
{
	char a[1200], b[1200], both[2500];
	int status;
	char *out;

	/* Two echo servers: each waits for a frame the other never sends. */
	find_programs();
	vm_arg(a, sizeof a, "srv", ECHO, "mode=trap,net=switch");
	vm_arg(b, sizeof b, "srv2", ECHO_PV, "mode=pv,net=switch");
	snprintf(both, sizeof both, "%s %s", a, b);
	out = host(both, &status);
	cr_expect_eq(status, 0, "%s", out);
	cr_expect(strstr(out, "srv        trap       256    - idle "), "%s", out);
	cr_expect(strstr(out, "srv2       pv         256    - idle "), "%s", out);
	free(out);
}

/* The guest OS on both ends: its kernel's driver (ports, or the pv ring in
 * kernel-pv.elf) and its system calls, the echo server and the client as
 * user programs (guest-os/user/netecho.s, netclient.s). */
Test(host_net, two_guest_oses_exchange_messages_in_every_way)
{
	static const struct {
		const char *srv, *cli, *way;
	} ways[] = {
		{ "mode=trap,kernel=%s/guest/kernel.elf,net=switch",
		  "mode=trap,kernel=%s/guest/kernel.elf,net=switch", "emulated   " },
		{ "mode=hw,kernel=%s/guest/kernel.elf,net=switch",
		  "mode=hw,kernel=%s/guest/kernel.elf,net=switch", "emulated   " },
		{ "mode=pv,kernel=%s/guest/kernel-pv.elf,net=switch",
		  "mode=pv,kernel=%s/guest/kernel-pv.elf,net=switch", "paravirtual" },
		{ "mode=hw,kernel=%s/guest/kernel.elf,passthrough=net0",
		  "mode=hw,kernel=%s/guest/kernel.elf,passthrough=net1", "passthrough" },
		{ "mode=pv,kernel=%s/guest/kernel-pv.elf,net=switch",
		  "mode=hw,kernel=%s/guest/kernel.elf,passthrough=net2", NULL },
	};
	const char *b = getenv("BUILD");
	char srv[1200], cli[1200], keys[600], both[2500];

	cr_assert(b && *b);
	for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
		int status;
		char *out;

		snprintf(keys, sizeof keys, ways[i].srv, b);
		snprintf(srv, sizeof srv, "--vm name=srv,disk=%s/guest/netecho.img,%s", b, keys);
		snprintf(keys, sizeof keys, ways[i].cli, b);
		snprintf(cli, sizeof cli, "--vm name=cli,disk=%s/guest/netclient.img,%s", b, keys);
		snprintf(both, sizeof both, "%s %s", srv, cli);
		out = host(both, &status);
		cr_expect_eq(status, 0, "%s: %s", ways[i].srv, out);
		cr_expect(strstr(out, "cli| netclient: 20 of 20 replies ok\n"), "%s: %s", ways[i].srv, out);
		cr_expect(strstr(out, "srv| netecho: 20 frames echoed\n"), "%s: %s", ways[i].srv, out);
		if (ways[i].way) {
			char line[128];
			snprintf(line, sizeof line, "srv        02:00:00:00:00:01 %s       20       21", ways[i].way);
			cr_expect(strstr(out, line), "%s: no '%s' in %s", ways[i].srv, line, out);
		}
		free(out);
	}
}

Test(host_net, the_guest_os_without_a_card_says_so)
{
	const char *b = getenv("BUILD");
	char args[1200];
	int status;
	char *out;

	cr_assert(b && *b);
	snprintf(args, sizeof args, "run --mode trap --disk %s/guest/netclient.img %s/guest/kernel.elf", b, b);
	out = vt_trapeze(args, VT_BOTH, &status);
	cr_expect(strstr(out, "netclient: no network card\n"), "%s", out);
	free(out);
	snprintf(args, sizeof args, "run --mode pv --disk %s/guest/netecho.img %s/guest/kernel-pv.elf", b, b);
	out = vt_trapeze(args, VT_BOTH, &status);
	cr_expect(strstr(out, "netecho: no network card\n"), "%s", out);
	free(out);
}
