# Trapeze: one Makefile, read top to bottom. `make help` lists the targets.
# Every product goes under build/. Warnings are errors; C11.

.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

# The release `trapeze --version` names (and the man page's footer).
VERSION  := 1.0
BUILD    ?= build
CC       ?= cc
PKG      ?= pkg-config
PREFIX   ?= /usr/local
DESTDIR  ?=
# DISPATCH=switch builds the portable switch loop as cpu_run's engine;
# the default is computed goto (a GNU C extension, in gcc and clang).
DISPATCH ?= goto

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
OPT      ?= -O2 -g
CFLAGS   ?=
# Each tool has its folder under tools/ (tools/asm, tools/mon, ...); their
# headers are included by name, so every folder is on the include path.
TOOL_DIRS := $(patsubst %/,%,$(sort $(dir $(wildcard tools/*/*.h))))
CPPFLAGS += -Icpu -Ivmm -Itools $(addprefix -I,$(TOOL_DIRS))
ifeq ($(DISPATCH),switch)
CPPFLAGS += -DTRAPEZE_SWITCH
endif
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE $(WARN) $(OPT) $(CFLAGS) -MMD -MP

V ?= 0
ifeq ($(V),0)
Q := @
say = @printf '  %-7s %s\n' $(1) $(2);
else
Q :=
say :=
endif

# Libraries come from pkg-config, and scripts/deps.sh installs what is
# missing. The order matters on a new machine: every object waits for the
# deps step (an order-only prerequisite, below), and each flag is asked of
# pkg-config only when a recipe first needs it, after that step, and then
# kept. (Asked when make starts, a first `make test` without Criterion
# would install it and then link without -lcriterion.)
DEPS     ?= scripts/deps.sh
# $(call memo,VAR,TEXT): VAR is TEXT's value, worked out on first use.
memo = $(eval $(1) = $$(eval $(1) := $(2))$$($(1)))
pkgflags = $(shell $(PKG) --silence-errors $(1) $(2))
$(call memo,CURSES_CFLAGS,$$(call pkgflags,--cflags,ncursesw))
$(call memo,CURSES_LIBS,$$(call pkgflags,--libs,ncursesw))
$(call memo,READLINE_CFLAGS,$$(call pkgflags,--cflags,readline))
$(call memo,READLINE_LIBS,$$(call pkgflags,--libs,readline))
$(call memo,CRITERION_CFLAGS,$$(call pkgflags,--cflags,criterion))
$(call memo,CRITERION_LIBS,$$(call pkgflags,--libs,criterion))
# inih reads trapeze host's config file (tools/host/host_config.c).
$(call memo,INIH_CFLAGS,$$(call pkgflags,--cflags,inih))
$(call memo,INIH_LIBS,$$(call pkgflags,--libs,inih))
# zlib's crc32 checks snapshots (vmm/snapshot.c).
$(call memo,ZLIB_CFLAGS,$$(call pkgflags,--cflags,zlib))
$(call memo,ZLIB_LIBS,$$(call pkgflags,--libs,zlib))
# jansson reads and writes the Debug Adapter Protocol's JSON (tools/dap/).
$(call memo,JANSSON_CFLAGS,$$(call pkgflags,--cflags,jansson))
$(call memo,JANSSON_LIBS,$$(call pkgflags,--libs,jansson))

LIB_SRC   := $(wildcard cpu/*.c vmm/*.c tools/*/*.c)
TEST_SRC  := $(wildcard tests/*.c tests/*/*.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ  := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)
TRAPEZE   := $(BUILD)/trapeze
TESTBIN   := $(BUILD)/test-trapeze
LIBS       = $(CURSES_LIBS) $(READLINE_LIBS) $(INIH_LIBS) $(ZLIB_LIBS) $(JANSSON_LIBS)

GUEST_S   := $(wildcard guest-os/*.s guest-os/*/*.s)

.PHONY: all help deps deps-build deps-test deps-bench run test sanitize bench install clean \
	vscode-extension \
	check-isa-doc guest
all: $(TRAPEZE) guest

help:
	@echo "make            build build/trapeze and the guest OS images"
	@echo "make run        set up, build, boot the demo (bare and virtualised)"
	@echo "make test       set up, build and run every test"
	@echo "make sanitize   the test suite under ASan and UBSan (build/asan)"
	@echo "make fuzz       each libFuzzer harness for FUZZ_SECONDS (60); finds become regression tests"
	@echo "make fuzz-smoke the same for a few seconds each (CI)"
	@echo "make fuzz-corpus fold the inputs sessions found into tests/fuzz/corpus (new coverage only)"
	@echo "make bench      speed: guest MIPS against native C, per mode; the techniques compared"
	@echo "make vscode-extension  the VS Code extension (editors/vscode), packaged as a .vsix"
	@echo "make install    trapeze, its man page, the guest OS and bench programs under PREFIX (DESTDIR)"
	@echo "make clean      remove build/"
	@echo "make lab-skeleton LAB=N OUT=DIR   a student's tree for lab N (labs/)"
	@echo "make grade LAB=N [SUBMISSION=DIR] grade a lab: score table, results.json, junit.xml"
	@echo "make autograder LAB=N             Gradescope autograder zip for lab N"
	@echo "Options: V=1 shows commands; DISPATCH=switch builds the switch loop."

# The machine's set-up, in order (two apt-get runs at once would fight
# over dpkg's lock): what building needs, then what the tests need, or
# what the benchmark's charts need. PKG is passed on: deps.sh asks the
# same pkg-config the flags come from.
deps: deps-test
deps-build:
	$(Q)PKG_CONFIG=$(PKG) $(DEPS) build
deps-test: deps-build
	$(Q)PKG_CONFIG=$(PKG) $(DEPS) test
deps-bench: deps-build
	$(Q)PKG_CONFIG=$(PKG) $(DEPS) bench

# The dispatch loop: stop GCC merging every handler's dispatch into one
# shared indirect jump (that would undo threading; make bench showed it).
cc_accepts = $(shell $(CC) -Werror $(1) -c -x c /dev/null -o /dev/null 2>/dev/null && echo $(1))
$(call memo,DISPATCH_CFLAGS,$$(call cc_accepts,-fno-gcse) $$(call cc_accepts,-fno-crossjumping))
$(BUILD)/obj/cpu/exec.o $(BUILD)/obj/cpu/exec_switch.o $(BUILD)/obj/cpu/exec_paged.o \
$(BUILD)/obj/cpu/exec_paged_switch.o: EXTRA_CFLAGS = $(DISPATCH_CFLAGS)
$(BUILD)/obj/tools/tui/%.o: EXTRA_CFLAGS = $(CURSES_CFLAGS)
$(BUILD)/obj/tools/mon/%.o: EXTRA_CFLAGS = $(READLINE_CFLAGS)
$(BUILD)/obj/tools/host/%.o: EXTRA_CFLAGS = $(INIH_CFLAGS)
$(BUILD)/obj/vmm/snapshot.o: EXTRA_CFLAGS = $(ZLIB_CFLAGS)
$(BUILD)/obj/tools/dap/%.o: EXTRA_CFLAGS = $(JANSSON_CFLAGS)
$(BUILD)/obj/tools/main.o: EXTRA_CFLAGS = -DTRAPEZE_VERSION='"$(VERSION)"'
$(BUILD)/obj/tools/main.o: Makefile
$(TEST_OBJ): EXTRA_CFLAGS = $(CRITERION_CFLAGS) $(JANSSON_CFLAGS)
$(TEST_OBJ): | deps-test

$(BUILD)/obj/%.o: %.c | deps-build
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(EXTRA_CFLAGS) -c $< -o $@

$(BUILD)/libtrapeze.a: $(LIB_OBJ)
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $^

$(TRAPEZE): $(BUILD)/obj/tools/main.o $(BUILD)/libtrapeze.a
	$(call say,LD,$@)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

$(TESTBIN): $(TEST_OBJ) $(BUILD)/libtrapeze.a
	$(call say,LD,$@)$(CC) $(ALL_CFLAGS) -o $@ $^ $(CRITERION_LIBS) $(LIBS)

-include $(LIB_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(BUILD)/obj/tools/main.d

include guest-os/guest.mk

# The fuzz harnesses under libFuzzer (tests/fuzz/).
include tests/fuzz/fuzz.mk

# The labs: skeletons, grading and their test binaries (labs/INSTRUCTOR.md).
include labs/labs.mk

# The benchmark's guests and their native C twins (tools/bench/workloads/).
BENCH_DIR := $(BUILD)/bench
BENCH_WORK := sieve checksum
# The guests of `trapeze bench --migration`: idle, compute-bound, and one
# that writes memory fast (the guest OS is the fourth).
BENCH_MIG := mig_idle mig_compute mig_dirty
BENCH_FILES := $(foreach w,$(BENCH_WORK),$(BENCH_DIR)/$(w).elf $(BENCH_DIR)/$(w)-native) \
	       $(BENCH_DIR)/sieve-paged.elf $(BENCH_MIG:%=$(BENCH_DIR)/%.elf)
$(BENCH_DIR)/sieve-paged.elf: tools/bench/workloads/sieve.s
$(BENCH_DIR)/%.elf: tools/bench/workloads/%.s $(TRAPEZE)
	@mkdir -p $(@D)
	$(call say,ASM,$<)$(TRAPEZE) asm -o $@ $<
$(BENCH_DIR)/%-native: tools/bench/workloads/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) -std=c11 -O2 -D_POSIX_C_SOURCE=200809L $(WARN) -o $@ $<

run: all
	$(Q)scripts/demo.sh $(BUILD)

test: all $(TESTBIN) $(BENCH_FILES) | deps-test
	$(Q)TRAPEZE=$(abspath $(TRAPEZE)) BUILD=$(abspath $(BUILD)) $(TESTBIN) --jobs 2 $(TESTFLAGS)
	$(Q)TRAPEZE=$(abspath $(TRAPEZE)) BUILD=$(abspath $(BUILD)) scripts/script-tests.sh

# The VS Code extension (editors/vscode): its npm tooling (@vscode/vsce)
# installed under build/vscode, then packaged there. Not part of make test.
VSCODE_DIR := $(BUILD)/vscode
vscode-extension:
	@command -v npm >/dev/null 2>&1 || { echo "vscode-extension: npm is needed (apt-get install npm)"; exit 1; }
	$(Q)rm -rf $(VSCODE_DIR)/ext && mkdir -p $(VSCODE_DIR)/ext && cp -r editors/vscode/. $(VSCODE_DIR)/ext/
	$(Q)cd $(VSCODE_DIR) && [ -x node_modules/.bin/vsce ] || npm install --no-save --no-audit --no-fund @vscode/vsce >npm.log 2>&1 || { echo "vscode-extension: npm install failed (see $(VSCODE_DIR)/npm.log)"; exit 1; }
	$(Q)cd $(VSCODE_DIR)/ext && ../node_modules/.bin/vsce package --allow-missing-repository --skip-license -o ../trapeze-1.0.0.vsix
	@echo "vscode-extension: $(VSCODE_DIR)/trapeze-1.0.0.vsix (code --install-extension it)"

sanitize:
	$(Q)$(MAKE) --no-print-directory BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" test

bench: all $(BENCH_FILES) | deps-bench
	$(Q)$(TRAPEZE) bench --build $(BUILD) --dir $(BENCH_DIR)
	$(Q)$(TRAPEZE) bench --techniques --cpu early --build $(BUILD) --dir $(BENCH_DIR)
	$(Q)$(TRAPEZE) bench --techniques --cpu modern --build $(BUILD) --dir $(BENCH_DIR)
	$(Q)$(TRAPEZE) bench --host --build $(BUILD)
	$(Q)$(TRAPEZE) bench --migration --build $(BUILD) --dir $(BENCH_DIR)
	$(Q)$(TRAPEZE) host --consolidation --chart $(BENCH_DIR)/racks.svg --csv $(BENCH_DIR)/racks.csv \
		$(foreach v,web db mail dns,--vm name=$(v),kernel=$(BUILD)/guest/kernel.elf,disk=$(BUILD)/guest/bench/light.img,console=/dev/null)

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary; its man page;
# the guest OS and the benchmark's programs in PREFIX/share/trapeze, where an
# installed trapeze finds them (bin/../share/trapeze: DESTDIR staging works
# too); the documents; bash completion.
INSTALL_DATA := $(DESTDIR)$(PREFIX)/share/trapeze
INSTALL_DOCS := README.md docs/ASSEMBLY.md isa-spec/ISA.md
install: all $(BENCH_FILES)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(INSTALL_DATA)/guest/bench $(INSTALL_DATA)/guest/net $(INSTALL_DATA)/bench \
		$(DESTDIR)$(PREFIX)/share/doc/trapeze \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 $(TRAPEZE) $(DESTDIR)$(PREFIX)/bin/trapeze
	install -m 644 docs/trapeze.1 $(DESTDIR)$(PREFIX)/share/man/man1/trapeze.1
	install -m 644 $(foreach k,kernel kernel-pv kernel-paged kernel-pv-paged,$(GUEST_OUT)/$(k).elf $(GUEST_OUT)/$(k).lst) \
		$(GUEST_OUT)/disk.img $(GUEST_OUT)/echo.img $(GUEST_OUT)/paged.img \
		$(GUEST_OUT)/netecho.img $(GUEST_OUT)/netclient.img $(INSTALL_DATA)/guest
	install -m 644 $(GUEST_BENCH_IMGS) $(INSTALL_DATA)/guest/bench
	install -m 644 $(GUEST_NET_ELFS) $(INSTALL_DATA)/guest/net
	install -m 644 $(filter %.elf,$(BENCH_FILES)) $(INSTALL_DATA)/bench
	install -m 755 $(filter %-native,$(BENCH_FILES)) $(INSTALL_DATA)/bench
	install -m 644 $(INSTALL_DOCS) $(DESTDIR)$(PREFIX)/share/doc/trapeze
	install -m 644 guest-os/README.md $(DESTDIR)$(PREFIX)/share/doc/trapeze/GUEST-OS.md
	install -m 644 scripts/trapeze.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/trapeze

clean:
	rm -rf build

