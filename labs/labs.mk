# labs/labs.mk: the lab module's targets. Included by the top-level Makefile
# after the build rules; see labs/INSTRUCTOR.md.
#
#   make lab-skeleton LAB=N OUT=DIR [ALSO="M ..."]
#                                    a student's tree for lab N: regions
#                                    marked in the sources become TODO stubs
#                                    (and those of labs M too)
#   make grade LAB=N [SUBMISSION=DIR] [GRADE_OUT=DIR]
#                                    grade DIR (default: this tree) with lab
#                                    N's tests; results in $(BUILD)/grade/labN
#   make lab-build LAB=N             lab N's test binary and what its tests run
#   make autograder LAB=N            Gradescope's autograder zip for lab N
#
# In a skeleton tree labs/LAB names its lab, so LAB= may be left out there.

LABS        := $(sort $(patsubst labs/lab%/points.txt,%,$(wildcard labs/lab*/points.txt)))
LAB         ?= $(shell cat labs/LAB 2>/dev/null)
SUBMISSION  ?= .
GRADE_OUT   ?= $(BUILD)/grade/lab$(LAB)
LAB_COMMON  := $(wildcard labs/common/*.c)

# What each lab's tests run besides their own binary.
LAB_NEEDS_0 := $(TRAPEZE)
LAB_NEEDS_1 := $(TRAPEZE) guest
LAB_NEEDS_2 := $(TRAPEZE) guest
LAB_NEEDS_3 := $(TRAPEZE) guest
LAB_NEEDS_4 := $(TRAPEZE) guest
LAB_NEEDS_5 := $(TRAPEZE) guest
LAB_NEEDS_6 := $(TRAPEZE) guest
LAB_NEEDS_7 := $(TRAPEZE) guest
LAB_NEEDS_8 := $(TRAPEZE) guest

# Lab N's test binary: its visible and hidden tests, the shared helpers,
# linked against the library like the project's own tests.
define lab_rules
LAB_SRC_$(1) := $$(wildcard labs/lab$(1)/tests/*.c labs/lab$(1)/hidden/*.c) $$(LAB_COMMON)
LAB_OBJ_$(1) := $$(LAB_SRC_$(1):%.c=$$(BUILD)/obj/%.o)
$$(LAB_OBJ_$(1)): EXTRA_CFLAGS = $$(CRITERION_CFLAGS) -Ilabs/common
$$(LAB_OBJ_$(1)): | deps-test
$$(BUILD)/labs/test-lab$(1): $$(LAB_OBJ_$(1)) $$(BUILD)/libtrapeze.a
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)$$(CC) $$(ALL_CFLAGS) -o $$@ $$^ $$(CRITERION_LIBS) $$(LIBS)
-include $$(LAB_OBJ_$(1):.o=.d)
endef
$(foreach n,$(LABS),$(eval $(call lab_rules,$(n))))

.PHONY: lab-skeleton lab-build grade lab-check autograder
lab-check-arg = $(if $(filter $(LAB),$(LABS)),,$(error LAB=N names a lab: one of $(LABS)))

lab-skeleton:
	$(lab-check-arg)
	$(if $(OUT),,$(error make lab-skeleton LAB=N OUT=DIR))
	$(Q)labs/tools/skeleton.sh $(LAB) $(OUT) $(ALSO)

lab-build:
	$(lab-check-arg)
	$(Q)$(MAKE) --no-print-directory $(BUILD)/labs/test-lab$(LAB) $(LAB_NEEDS_$(LAB))

# The grader builds a sandbox of its own; building this tree first (errors
# ignored: they are the submission's to report) lets every sandbox reuse it.
grade:
	$(lab-check-arg)
	@echo "make grade: building this tree first, for the grader's sandbox to reuse"
	-$(Q)$(MAKE) --no-print-directory -k lab-build LAB=$(LAB) >/dev/null 2>&1
	$(Q)GRADE_BUILD=$(BUILD) \
	  GRADE_MAKEVARS="OPT='$(OPT)' WARN='$(filter-out -Werror,$(WARN))' DISPATCH='$(DISPATCH)' CC='$(CC)'" \
	  labs/tools/grade.sh $(LAB) $(SUBMISSION) $(GRADE_OUT)

# Every lab's markers well formed (make test runs it too).
lab-check:
	$(Q)labs/tools/check.sh

autograder:
	$(lab-check-arg)
	$(Q)labs/autograder/gradescope/make-zip.sh $(LAB) $(BUILD)/autograder
