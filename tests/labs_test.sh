#!/bin/sh
# tests/labs_test.sh: the lab module, end to end, for every lab.
# Owns: the lab markers are well formed; each lab's points table names
#       exactly the tests its binary has; grading this tree (the reference)
#       gives full marks; grading the untouched skeleton gives at most 10%,
#       and the skeleton compiles without a warning, fails its tests
#       without crashing, and never lets a guest into the monitor's memory
#       (no test of it reports "resource control:").
# Not:  what each lab's tests check (labs/labN/tests, labs/labN/hidden).
# Usage: BUILD=/abs/build sh tests/labs_test.sh   (make test runs it)
set -u
: "${BUILD:?set BUILD to the build directory (an absolute path)}"
cd "$(dirname "$0")/.." || exit 1
MAKE=${MAKE:-make}

if [ -f labs/LAB ]; then
	echo "labs_test: skipped: this is lab $(cat labs/LAB)'s student tree (run make grade)"
	exit 0
fi
NAME=labs
. tests/script_lib.sh

if labs/tools/check.sh; then ok "lab markers are well formed"; else bad "lab markers"; fi

# The tests a Criterion binary has, as suite/name lines, sorted.
list_tests() {
	"$1" --list 2>/dev/null | awk '
		/^[^ \t│├└].*: [0-9]+ tests?$/ { suite = $1; sub(/:$/, "", suite); next }
		/── / { name = $0; sub(/^.*── /, "", name); print suite "/" name }' | sort
}

score_of() { # OUT: prints "earned total percent"
	cat "$1/score.txt" 2>/dev/null || echo "? ? 999"
}

for p in labs/lab*/points.txt; do
	lab=${p#labs/lab}
	lab=${lab%/points.txt}
	start=$(date +%s)
	if ! $MAKE --no-print-directory BUILD="$BUILD" lab-build LAB="$lab" > "$WORK/build$lab.log" 2>&1; then
		bad "lab $lab: the reference does not build (see below)"
		tail -20 "$WORK/build$lab.log"
		continue
	fi
	list_tests "$BUILD/labs/test-lab$lab" > "$WORK/have"
	grep -v '^[[:space:]]*#' "$p" | awk 'NF { print $1 }' | sort > "$WORK/want"
	if cmp -s "$WORK/have" "$WORK/want"; then
		ok "lab $lab: points.txt names exactly the $(wc -l < "$WORK/want" | tr -d ' ') tests"
	else
		bad "lab $lab: points.txt and the tests differ (< tests, > points.txt):"
		diff "$WORK/have" "$WORK/want" | grep '^[<>]'
	fi

	$MAKE --no-print-directory BUILD="$BUILD" grade LAB="$lab" GRADE_OUT="$WORK/ref$lab" \
		> "$WORK/ref$lab.log" 2>&1
	set -- $(score_of "$WORK/ref$lab")
	if [ "$1" = "$2" ] && [ "$2" != 0 ]; then
		ok "lab $lab: the reference scores $1/$2"
	else
		bad "lab $lab: the reference scores $1/$2, not full marks:"
		tail -40 "$WORK/ref$lab.log"
	fi

	if ! labs/tools/skeleton.sh "$lab" "$WORK/skel$lab" > "$WORK/skel$lab.log" 2>&1; then
		bad "lab $lab: no skeleton:"
		cat "$WORK/skel$lab.log"
		continue
	fi
	$MAKE --no-print-directory BUILD="$BUILD" grade LAB="$lab" SUBMISSION="$WORK/skel$lab" \
		GRADE_OUT="$WORK/sk$lab" > "$WORK/sk$lab.log" 2>&1
	set -- $(score_of "$WORK/sk$lab")
	if awk -v p="$3" 'BEGIN { exit !(p <= 10) }'; then
		ok "lab $lab: the untouched skeleton scores $1/$2 ($3%)"
	else
		bad "lab $lab: the untouched skeleton scores $1/$2 ($3%), more than 10%:"
		grep -E ' pass$' "$WORK/sk$lab.log"
	fi
	# A stub may give wrong results, never crash the monitor or let the
	# guest out of its region (the tests' resource-control messages).
	crashed=$(grep -l 'CRASH' "$WORK/sk$lab"/logs/*.log 2>/dev/null)
	escaped=$(grep -h 'resource control:' "$WORK/sk$lab"/logs/*.log 2>/dev/null)
	if [ -n "$crashed" ] || [ -n "$escaped" ]; then
		bad "lab $lab: the untouched skeleton is not safe to run:"
		[ -z "$crashed" ] || sed -n 's/.*\(CRASH.*\)/  \1/p' $crashed | head -5
		[ -z "$escaped" ] || printf '%s\n' "$escaped" | head -5
	else
		ok "lab $lab: the untouched skeleton neither crashes nor lets a guest out"
	fi
	if grep -q 'warning:' "$WORK/sk$lab/build.log" 2>/dev/null; then
		bad "lab $lab: the skeleton compiles with warnings:"
		grep 'warning:' "$WORK/sk$lab/build.log"
	elif grep -q 'error:' "$WORK/sk$lab/build.log" 2>/dev/null; then
		bad "lab $lab: the skeleton does not build:"
		grep 'error:' "$WORK/sk$lab/build.log" | head
	else
		ok "lab $lab: the skeleton builds without a warning"
	fi
	echo "      (lab $lab: $(($(date +%s) - start)) s)"
done
# The Gradescope glue, end to end, as Gradescope would run it: the zip
# unpacked as /autograder/source, a flat upload of lab 2's reference files.
if command -v zip >/dev/null 2>&1 && command -v unzip >/dev/null 2>&1 && [ -f labs/lab2/points.txt ]; then
	ag=$WORK/autograder
	mkdir -p "$ag/source" "$ag/submission"
	if labs/autograder/gradescope/make-zip.sh 2 "$WORK/zip" > "$WORK/zip.log" 2>&1 &&
	   (cd "$ag/source" && unzip -q "$WORK/zip/lab2.zip"); then
		for f in $(. labs/tools/lib.sh && lab_handin_files 2); do cp "$f" "$ag/submission/"; done
		AUTOGRADER_ROOT=$ag sh "$ag/source/run_autograder" > "$WORK/ag.log" 2>&1
		score=$(sed -n 's/^ *"score": \([0-9.]*\),$/\1/p' "$ag/results/results.json" 2>/dev/null)
		if [ "$score" = 100 ]; then
			ok "Gradescope: the autograder zip grades a flat upload of lab 2's reference at 100"
		else
			bad "Gradescope: the autograder zip gave '${score:-no results.json}':"
			tail -20 "$WORK/ag.log"
		fi
	else
		bad "Gradescope: no autograder zip:"
		cat "$WORK/zip.log"
	fi
else
	echo "      (Gradescope zip not tried: no zip and unzip)"
fi

tally
