#!/bin/sh
# labs/tools/check.sh: are the lab markers of the whole tree well formed?
# Owns: every file's markers checked (skeleton.awk, check mode); none in a
#       README or this guide; every lab has regions; within a lab, no two
#       hand-in files share a file name (the grader finds a flat
#       submission's files by their names).
# Usage: labs/tools/check.sh      (from anywhere; make lab-check runs it)
# Exit status: 0 when all is well, 1 otherwise (the problems on stderr).
set -u
cd "$(dirname "$0")/../.." || exit 1
. labs/tools/lib.sh

status=0
for f in $(lab_tree_files | grep -v '^build/'); do
	grep -Eq "$LAB_ANY_MARKER" "$f" 2>/dev/null || continue
	case "$f" in
	*README.md|*INSTRUCTOR.md)
		# A handout's example would make it a hand-in file.
		echo "$f: error: a marker line in documentation: write examples with N, not a number" >&2
		status=1
		continue ;;
	esac
	awk -v check=1 -f labs/tools/skeleton.awk "$f" || status=1
done
for p in labs/lab*/points.txt; do
	lab=${p#labs/lab}
	lab=${lab%/points.txt}
	files=$(lab_handin_files "$lab")
	if [ -z "$files" ]; then
		echo "labs/lab$lab: error: no file holds a region of lab $lab" >&2
		status=1
	fi
	dups=$(for f in $files; do basename "$f"; done | sort | uniq -d)
	if [ -n "$dups" ]; then
		echo "labs/lab$lab: error: hand-in files share a name: $dups" >&2
		status=1
	fi
done
exit $status
