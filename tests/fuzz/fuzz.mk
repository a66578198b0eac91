# tests/fuzz/fuzz.mk: the fuzz harnesses under libFuzzer (included by the Makefile).
#
#   make fuzz [FUZZ_SECONDS=60]   each harness for FUZZ_SECONDS; finds are kept
#                                 as regression cases in tests/fuzz/regressions/
#   make fuzz-smoke               the same for a few seconds each (CI)
#   make fuzz-corpus              fold what sessions found into the seed corpus
#                                 (libFuzzer -merge: only inputs with new coverage)
#
# libFuzzer comes with clang: every object is built again under build/fuzz
# with clang's coverage instrumentation, ASan and UBSan, from the same
# sources. Without libFuzzer the same harnesses are linked into the test
# binary and `make test` replays their corpora (tests/fuzz_replay_test.c).
#
# tests/fuzz/corpus/H holds a small seed corpus (real programs, images and
# monitor scripts, and a few random inputs); what a session finds stays in
# build/fuzz/corpus/H for the next one. To see one input fail again, with
# its message: build/fuzz/H FILE (or the replay test, under gdb).

FUZZ_CC        ?= clang
FUZZ_SECONDS   ?= 60
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_DIR       := build/fuzz
FUZZ_HARNESSES := fuzz_asm fuzz_image fuzz_cpu fuzz_vmm fuzz_mon fuzz_hostcfg fuzz_host fuzz_snapshot \
                  fuzz_dap fuzz_migrate
FUZZ_SAN       := -fsanitize=address,undefined -fno-sanitize-recover=undefined
# Warnings are shown but not errors here: gcc's -Werror build is the gate,
# and clang's opinions on style must not stop a fuzzing session.
FUZZ_CFLAGS    := -std=c11 -D_DEFAULT_SOURCE -DTRAPEZE_LIBFUZZER $(filter-out -Werror,$(WARN)) -O1 -g \
                  -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN)
FUZZ_LIB_OBJ   := $(LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_BINS      := $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/%)

.PHONY: fuzz fuzz-smoke fuzz-corpus fuzz-deps

$(FUZZ_DIR)/obj/tools/tui/%.o: EXTRA_CFLAGS = $(CURSES_CFLAGS)
$(FUZZ_DIR)/obj/tools/mon/%.o: EXTRA_CFLAGS = $(READLINE_CFLAGS)
$(FUZZ_DIR)/obj/tools/host/%.o: EXTRA_CFLAGS = $(INIH_CFLAGS)
$(FUZZ_DIR)/obj/vmm/snapshot.o: EXTRA_CFLAGS = $(ZLIB_CFLAGS)
$(FUZZ_DIR)/obj/tools/dap/%.o: EXTRA_CFLAGS = $(JANSSON_CFLAGS)

$(FUZZ_DIR)/obj/%.o: %.c | fuzz-deps
	@mkdir -p $(@D)
	$(call say,FUZZCC,$<)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) $(EXTRA_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/libtrapeze.a: $(FUZZ_LIB_OBJ)
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_DIR)/obj/tests/fuzz/fuzz.o \
		$(FUZZ_DIR)/libtrapeze.a
	$(call say,LD,$@)$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(LIBS)

# The harnesses' objects are made by the chain of pattern rules: keep them.
FUZZ_OBJ := $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/obj/tests/fuzz/%.o) $(FUZZ_DIR)/obj/tests/fuzz/fuzz.o
.SECONDARY: $(FUZZ_OBJ)

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d)

fuzz-deps: deps-build
	$(Q)PKG_CONFIG=$(PKG) $(DEPS) fuzz

fuzz: fuzz-deps
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BINS)
	$(Q)scripts/fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

fuzz-smoke: fuzz-deps
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BINS)
	$(Q)scripts/fuzz.sh $(FUZZ_DIR) $(FUZZ_SMOKE_SECONDS) $(FUZZ_HARNESSES)

# The seed corpus is replayed by every make test: merge sparingly.
fuzz-corpus: fuzz-deps
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BINS)
	$(Q)for h in $(FUZZ_HARNESSES); do \
		mkdir -p $(FUZZ_DIR)/corpus/$$h && \
		$(FUZZ_DIR)/$$h -merge=1 tests/fuzz/corpus/$$h $(FUZZ_DIR)/corpus/$$h \
			>$(FUZZ_DIR)/$$h.merge.log 2>&1 && \
		echo "fuzz: $$h: $$(ls tests/fuzz/corpus/$$h | wc -l) inputs in tests/fuzz/corpus/$$h" || \
		{ echo "fuzz: $$h: merge failed (see $(FUZZ_DIR)/$$h.merge.log)"; exit 1; }; \
	done
