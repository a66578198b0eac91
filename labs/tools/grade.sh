#!/bin/sh
# labs/tools/grade.sh: grade one submission of one lab.
# Owns: the grading sandbox (a copy of this tree with the submission's
#       hand-in files laid over it), building it, running each test of the
#       lab's points table on its own with a time limit, and the reasons a
#       test earns nothing. Not: the report's formats (report.awk); the
#       tests (labs/labN/tests, labs/labN/hidden).
#
# Usage: labs/tools/grade.sh LAB SUBMISSION OUT      (`make grade` runs it)
#   SUBMISSION  a directory: a whole student tree, or just the hand-in files
#               (found by their path in the tree, else by their file name)
#   OUT         where the sandbox (OUT/tree), the logs, results.json
#               (Gradescope), junit.xml, classroom.json and score.txt go
# Environment: GRADE_BUILD (this tree's build directory, whose products are
#   reused so that only what the submission changed is compiled again;
#   default build), GRADE_MAKEVARS (variables for the sandbox's make: OPT,
#   WARN, DISPATCH, CC), GRADE_JOBS (tests run at once; default 2),
#   GRADE_BUILD_TIMEOUT and GRADE_TEST_TIMEOUT (seconds; a backstop: each
#   test has its own Criterion .timeout), MAKE.
#
# Exit status: 0 when the results were written, whatever the score; 2 for a
# usage error (no such lab, no submission directory).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd -P) || exit 2
cd "$root" || exit 2
. labs/tools/lib.sh

usage() {
	echo "usage: make grade LAB=N [SUBMISSION=DIR] [GRADE_OUT=DIR]" >&2
	exit 2
}
[ $# -eq 3 ] || usage
lab=$1 sub=$2 out=$3
case "$lab" in ''|*[!0-9]*) usage ;; esac
points="labs/lab$lab/points.txt"
if [ ! -f "$points" ]; then
	echo "grade: error: there is no lab $lab ($points)" >&2
	exit 2
fi
if ! pkg-config --exists criterion 2>/dev/null; then
	echo "grade: error: the tests need Criterion: sudo apt-get install -y pkg-config libcriterion-dev" >&2
	exit 2
fi
if ! sub=$(cd "$sub" 2>/dev/null && pwd -P); then
	echo "grade: error: the submission '$2' is not a directory" >&2
	exit 2
fi
mkdir -p "$out" && out=$(cd "$out" && pwd -P) || exit 2

MAKE=${MAKE:-make}
# The sandbox's make gets its variables explicitly, not from an enclosing make.
unset MAKEFLAGS MFLAGS MAKELEVEL
jobs=${GRADE_JOBS:-2}
build_timeout=${GRADE_BUILD_TIMEOUT:-900}
test_timeout=${GRADE_TEST_TIMEOUT:-120}
gb=${GRADE_BUILD:-build}
case "$gb" in "$root"/*) gb=${gb#"$root"/} ;; esac

# `timeout` when there is one (coreutils); otherwise only Criterion's own.
limit() {
	t=$1
	shift
	if command -v timeout >/dev/null 2>&1; then
		timeout -k 5 "$t" "$@"
	else
		"$@"
	fi
}

tree=$out/tree
rm -rf "$tree" "$out/logs"
rm -f "$out/results.json" "$out/junit.xml" "$out/classroom.json" "$out/score.txt" \
	"$out/results.tsv" "$out/notes.txt" "$out/build.log" "$out/handin.txt" "$out/handin.txt.tmp"
mkdir -p "$tree" "$out/logs" || exit 2
notes=$out/notes.txt
: > "$notes"

# 1. The sandbox: this tree's sources, and its build products with their
#    times, so that make compiles only what the submission changes.
list=$out/files.txt
lab_tree_files | grep -v '^build/' > "$list"
tar -cf - -T "$list" | (cd "$tree" && tar -xf -) || exit 2
rm -f "$list"
case "$gb" in
/*)	gb=build ;; # outside this tree: build the sandbox from scratch
*)	if [ -f "$gb/libtrapeze.a" ]; then
		mkdir -p "$tree/$gb"
		for p in obj libtrapeze.a trapeze guest labs; do
			[ -e "$gb/$p" ] && cp -pR "$gb/$p" "$tree/$gb/"
		done
	fi ;;
esac

# 2. The submission's hand-in files over the reference's (carriage returns
#    dropped); a file it lacks is graded as the untouched skeleton's.
handin=$(lab_handin_files "$lab")
for f in $handin; do
	src=""
	if [ -f "$sub/$f" ]; then
		src=$sub/$f
	elif [ -f "$sub/$(basename "$f")" ]; then
		src=$sub/$(basename "$f")
	else
		# An upload may have put the file in a folder: take it if only one
		# file of that name is anywhere in the submission.
		found=$(find "$sub" -name build -prune -o -type f -name "$(basename "$f")" -print 2>/dev/null)
		[ -n "$found" ] && [ "$(printf '%s\n' "$found" | wc -l)" -eq 1 ] && src=$found
	fi
	if [ -n "$src" ]; then
		tr -d '\r' < "$src" > "$tree/$f"
		echo "handed in: $f" >> "$out/handin.txt.tmp"
	else
		awk -v lab="$lab" -f labs/tools/skeleton.awk "$f" > "$tree/$f"
		echo "$f: not in the submission: graded as the skeleton's stub" >> "$notes"
	fi
done
mv -f "$out/handin.txt.tmp" "$out/handin.txt" 2>/dev/null || : > "$out/handin.txt"

# 3. Build the lab's tests and what they run. Warnings do not fail a
#    submission here (they are counted); the tree's own build still has -Werror.
echo "building lab $lab's tests against the submission..."
build_ok=1
if ! (cd "$tree" && eval "limit $build_timeout $MAKE -j$jobs --no-print-directory \
	BUILD=\"$gb\" ${GRADE_MAKEVARS:-} lab-build LAB=$lab") > "$out/build.log" 2>&1; then
	build_ok=0
fi
bin=$tree/$gb/labs/test-lab$lab
[ -x "$bin" ] || build_ok=0
nwarn=$(grep -c 'warning:' "$out/build.log")
if [ $build_ok -eq 1 ]; then
	[ "$nwarn" -eq 0 ] || echo "the build gave $nwarn warning$([ "$nwarn" -eq 1 ] || echo s) (see build.log): fix them" >> "$notes"
else
	echo "the submission does not build, so every test earns 0:" >> "$notes"
	grep -E 'error|Error|Stop\.|Terminated|Killed' "$out/build.log" | head -20 >> "$notes"
fi

# 4. Each test of the points table, on its own, at most $jobs at once. Rows
#    that are not visible are skipped when this tree has no hidden tests
#    (a student's tree): the autograder runs them.
nskip=0
i=0
pids=""
run_test() {
	(cd "$tree" && TRAPEZE="$tree/$gb/trapeze" BUILD="$tree/$gb" \
		limit "$test_timeout" "$bin" --filter "$2" --color=never -S) \
		> "$out/logs/$1.log" 2>&1 < /dev/null
	echo $? > "$out/logs/$1.rc"
}
grep -v '^[[:space:]]*#' "$points" | grep -v '^[[:space:]]*$' > "$out/points.tmp"
while read -r name pts vis rest; do
	if [ "$vis" != visible ] && [ ! -d "labs/lab$lab/hidden" ]; then
		nskip=$((nskip + 1))
		continue
	fi
	i=$((i + 1))
	printf '%s\t%s\t%s\t%s\n' "$i" "$name" "$pts" "$vis" >> "$out/results.tsv"
	[ $build_ok -eq 1 ] || continue
	run_test "$i" "$name" &
	pids="$pids $!"
	if [ $((i % jobs)) -eq 0 ]; then
		wait $pids
		pids=""
	fi
done < "$out/points.tmp"
wait $pids
rm -f "$out/points.tmp"
[ $nskip -eq 0 ] || echo "$nskip hidden tests are not in this tree: the autograder runs them" >> "$notes"
for n in labs/lab$lab/answers.md; do
	[ -f "$n" ] && echo "written answers ($n) are not graded here: your instructor reads them" >> "$notes"
done
[ -f "$out/results.tsv" ] || : > "$out/results.tsv"

# 5. The report: score table, results.json, junit.xml, classroom.json.
title=$(sed -n '1s/^# *//p' "labs/lab$lab/README.md" 2>/dev/null)
LC_ALL=C awk -v out="$out" -v lab="$lab" -v title="${title:-Lab $lab}" -v built=$build_ok \
	-v submission="$sub" -f labs/tools/report.awk "$out/results.tsv"
exit 0
