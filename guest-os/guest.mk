# guest-os/guest.mk: the guest OS: its kernel, its user programs, its disks.
# Included by the top-level Makefile after TRAPEZE and BUILD are defined;
# every product goes under $(BUILD)/guest.
#
#   $(BUILD)/guest/kernel.elf   the kernel (boot it with trapeze run)
#   $(BUILD)/guest/kernel-pv.elf the same sources assembled with -D PV=1: the
#                               paravirtualised kernel (trapeze run --mode pv)
#   $(BUILD)/guest/kernel-paged.elf    the same sources with -D PAGING=1: page
#                               tables per process, fork, wait, exec
#   $(BUILD)/guest/kernel-pv-paged.elf with -D PV=1 -D PAGING=1: the PV kernel
#                               with direct paging (needs the monitor's side)
#   $(BUILD)/guest/PROG.elf     each user program, linked at virtual 0
#   $(BUILD)/guest/disk.img     the default boot: init and the programs it starts
#   $(BUILD)/guest/echo.img     a disk whose init is echo (console input)
#   $(BUILD)/guest/netecho.img, netclient.img  disks whose init is the network's echo
#                               server or its client (user/netecho.s, netclient.s):
#                               two guest OSes on one host (trapeze host, net = switch)
#   $(BUILD)/guest/paged.img    the paged boot: init is pinit (fork, exec,
#                               wait), the default boot's programs and the
#                               paged ones (boot it with kernel-paged.elf)
#   $(BUILD)/guest/badcalls.img a disk whose init is badcalls: the paged
#                               kernel's calls asked wrongly
#   $(BUILD)/guest/bench/W.img  the workloads of trapeze bench --techniques: a disk
#                               whose init is guest-os/bench/W.s, and a 16 KiB file
#                               (forkwait, pgfault and ptemod need kernel-paged.elf,
#                               and null.img on it is their null)
#   $(BUILD)/guest/net/P.elf    guest-os/net/P.s: kernels of their own that drive the
#                               network card through its ports (echo, client, bulk,
#                               rogue), and P-pv.elf the same with -D PV=1, through
#                               the paravirtual ring (trapeze run --net, trapeze host)
#   $(BUILD)/guest/mkdisk       the tool that packs a disk (guest-os/tools/mkdisk.c)
#   $(BUILD)/guest/*.lst        assembler listings, for reading along

GUEST_OUT   := $(BUILD)/guest
GUEST_INC   := -I guest-os/include -I guest-os/lib -I guest-os/kernel -I guest-os/user
GUEST_DEPS  := $(wildcard guest-os/include/*.inc guest-os/lib/*.s)
GUEST_KSRC  := $(wildcard guest-os/kernel/*.s)
# The default boot: init spawns the others (see guest-os/user/init.s).
GUEST_BOOT  := init hello ping pong primes syscalls diskread redpill selfcheck crash
# The paged boot (paged.img): its init, the default boot's programs, and
# the programs that need the paged kernel.
GUEST_PAGED := forkwait cow pgfault ptemod
GUEST_PROGS := $(GUEST_BOOT) echo pinit $(GUEST_PAGED) badcalls netecho netclient
GUEST_ELFS  := $(GUEST_PROGS:%=$(GUEST_OUT)/%.elf)
GUEST_DATA  := guest-os/data/notes.txt
MKDISK      := $(GUEST_OUT)/mkdisk

# The workloads of `trapeze bench --techniques` (tools/bench/bench_techniques.c).
GUEST_BENCH := null compute syscall privop io irq forkwait pgfault ptemod light
GUEST_BENCH_IMGS := $(GUEST_BENCH:%=$(GUEST_OUT)/bench/%.img)

# The network card's programs (guest-os/net/), each also built for the pv ring.
GUEST_NET   := echo client bulk rogue
GUEST_NET_ELFS := $(GUEST_NET:%=$(GUEST_OUT)/net/%.elf) $(GUEST_NET:%=$(GUEST_OUT)/net/%-pv.elf)
GUEST_NET_DEPS := $(wildcard guest-os/net/*.inc)

guest: $(GUEST_NET_ELFS)
guest: $(GUEST_OUT)/kernel.elf $(GUEST_OUT)/kernel-pv.elf $(GUEST_OUT)/disk.img $(GUEST_OUT)/echo.img \
       $(GUEST_OUT)/kernel-paged.elf $(GUEST_OUT)/kernel-pv-paged.elf $(GUEST_OUT)/paged.img \
       $(GUEST_OUT)/badcalls.img $(GUEST_OUT)/netecho.img $(GUEST_OUT)/netclient.img \
       $(GUEST_BENCH_IMGS)

$(GUEST_OUT)/kernel.elf: $(GUEST_KSRC) $(GUEST_DEPS) $(TRAPEZE)
	@mkdir -p $(@D)
	$(call say,ASM,$@)$(TRAPEZE) asm $(GUEST_INC) -o $@ -l $(@:.elf=.lst) guest-os/kernel/kernel.s

# The paravirtual build: the same sources, the lines under `.ifdef PV`.
$(GUEST_OUT)/kernel-pv.elf: $(GUEST_KSRC) $(GUEST_DEPS) $(TRAPEZE) isa-spec/hypercalls.def
	@mkdir -p $(@D)
	$(call say,ASM,$@)$(TRAPEZE) asm $(GUEST_INC) -D PV=1 -o $@ -l $(@:.elf=.lst) guest-os/kernel/kernel.s

# The paged builds: the lines under `.ifdef PAGING` (and PV's too).
$(GUEST_OUT)/kernel-paged.elf: $(GUEST_KSRC) $(GUEST_DEPS) $(TRAPEZE)
	@mkdir -p $(@D)
	$(call say,ASM,$@)$(TRAPEZE) asm $(GUEST_INC) -D PAGING=1 -o $@ -l $(@:.elf=.lst) guest-os/kernel/kernel.s

$(GUEST_OUT)/kernel-pv-paged.elf: $(GUEST_KSRC) $(GUEST_DEPS) $(TRAPEZE) isa-spec/hypercalls.def
	@mkdir -p $(@D)
	$(call say,ASM,$@)$(TRAPEZE) asm $(GUEST_INC) -D PV=1 -D PAGING=1 -o $@ -l $(@:.elf=.lst) guest-os/kernel/kernel.s

$(GUEST_OUT)/net/%.elf: guest-os/net/%.s $(GUEST_NET_DEPS) $(TRAPEZE)
	@mkdir -p $(@D)
	$(call say,ASM,$@)$(TRAPEZE) asm -I guest-os/net -o $@ $<

$(GUEST_OUT)/net/%-pv.elf: guest-os/net/%.s $(GUEST_NET_DEPS) $(TRAPEZE) isa-spec/hypercalls.def
	@mkdir -p $(@D)
	$(call say,ASM,$@)$(TRAPEZE) asm -I guest-os/net -D PV=1 -o $@ $<

# ping and pong include pingpong.s.
$(GUEST_OUT)/ping.elf $(GUEST_OUT)/pong.elf: guest-os/user/pingpong.s

$(GUEST_OUT)/%.elf: guest-os/user/%.s $(GUEST_DEPS) $(TRAPEZE)
	@mkdir -p $(@D)
	$(call say,ASM,$@)$(TRAPEZE) asm $(GUEST_INC) -o $@ -l $(@:.elf=.lst) $<

# mkdisk reads ELF files with the project's own reader, tools/image/.
$(MKDISK): guest-os/tools/mkdisk.c $(BUILD)/libtrapeze.a
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libtrapeze.a

$(GUEST_OUT)/disk.img: $(MKDISK) $(GUEST_BOOT:%=$(GUEST_OUT)/%.elf) $(GUEST_DATA)
	$(call say,MKDISK,$@)$(MKDISK) -o $@ $(GUEST_BOOT:%=$(GUEST_OUT)/%.elf) $(GUEST_DATA)

# The network's two ends: each disk's init is the program.
$(GUEST_OUT)/netecho.img $(GUEST_OUT)/netclient.img: $(GUEST_OUT)/%.img: $(MKDISK) $(GUEST_OUT)/%.elf
	$(call say,MKDISK,$@)$(MKDISK) -o $@ init=$(GUEST_OUT)/$*.elf

$(GUEST_OUT)/echo.img: $(MKDISK) $(GUEST_OUT)/echo.elf
	$(call say,MKDISK,$@)$(MKDISK) -o $@ init=$(GUEST_OUT)/echo.elf

# pinit is the paged disk's init; the rest keep their names.
GUEST_PAGED_DISK := $(filter-out init,$(GUEST_BOOT)) $(GUEST_PAGED)
$(GUEST_OUT)/paged.img: $(MKDISK) $(GUEST_OUT)/pinit.elf $(GUEST_PAGED_DISK:%=$(GUEST_OUT)/%.elf) $(GUEST_DATA)
	$(call say,MKDISK,$@)$(MKDISK) -o $@ init=$(GUEST_OUT)/pinit.elf $(GUEST_PAGED_DISK:%=$(GUEST_OUT)/%.elf) $(GUEST_DATA)

# The paged kernel's calls asked wrongly, and children that harm themselves.
$(GUEST_OUT)/badcalls.img: $(MKDISK) $(GUEST_OUT)/badcalls.elf $(GUEST_DATA)
	$(call say,MKDISK,$@)$(MKDISK) -o $@ init=$(GUEST_OUT)/badcalls.elf $(GUEST_DATA)

# The paged workloads are their user programs with larger counts.
$(GUEST_OUT)/bench/forkwait.elf: guest-os/user/forkwait.s
$(GUEST_OUT)/bench/pgfault.elf: guest-os/user/pgfault.s
$(GUEST_OUT)/bench/ptemod.elf: guest-os/user/ptemod.s

$(GUEST_OUT)/bench/%.elf: guest-os/bench/%.s $(GUEST_DEPS) $(TRAPEZE)
	@mkdir -p $(@D)
	$(call say,ASM,$@)$(TRAPEZE) asm $(GUEST_INC) -o $@ -l $(@:.elf=.lst) $<

# The file the io workload reads: 16 KiB of text, the same on every build.
$(GUEST_OUT)/bench/big.txt:
	@mkdir -p $(@D)
	$(call say,GEN,$@)yes 'the io workload reads this file, sector after sector.' | head -c 16384 >$@

# Every workload's disk holds the same two files, so that their boots list
# the same directory and cancel out against null's.
$(GUEST_OUT)/bench/%.img: $(MKDISK) $(GUEST_OUT)/bench/%.elf $(GUEST_OUT)/bench/big.txt
	$(call say,MKDISK,$@)$(MKDISK) -o $@ init=$(GUEST_OUT)/bench/$*.elf big=$(GUEST_OUT)/bench/big.txt

-include $(MKDISK).d

# The workloads' images are kept: bench and the tests read their listings.
.SECONDARY: $(GUEST_BENCH:%=$(GUEST_OUT)/bench/%.elf)
