#!/bin/sh
# labs/tools/skeleton.sh: make a student's tree for one lab.
# Owns: copying the tree to OUT, less what only the instructor sees, with
#       the lab's marked regions replaced by their stubs (skeleton.awk), and
#       labs/LAB naming the lab, so that `make grade` there needs no LAB=.
#       Every lab's written answers are stubbed too; the code of the labs
#       listed in ALSO (for instance the later ones) as well, if asked.
# Not:  the markers' grammar (skeleton.awk); grading (grade.sh).
# Usage: labs/tools/skeleton.sh LAB OUT [ALSO...]   (from the top of the tree)
# Exit status: 0 done; 1 a bad marker or a failed copy; 2 a usage error.
set -u
cd "$(dirname "$0")/../.." || exit 1
. labs/tools/lib.sh

usage() {
	echo "usage: make lab-skeleton LAB=N OUT=DIR [ALSO='M ...']   (labs/tools/skeleton.sh N DIR [M...])" >&2
	exit 2
}
[ $# -ge 2 ] || usage
lab=$1 out=$2
shift 2
also="$*"
for n in $lab $also; do
	case "$n" in ''|*[!0-9]*) usage ;; esac
done
if [ ! -f "labs/lab$lab/points.txt" ]; then
	echo "skeleton: error: there is no lab $lab (labs/lab$lab/points.txt)" >&2
	exit 2
fi
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
	echo "skeleton: error: '$out' exists and is not empty: remove it or choose another OUT" >&2
	exit 2
fi
mkdir -p "$out" || exit 1

list=$(mktemp "${TMPDIR:-/tmp}/trapeze-skel.XXXXXX") || exit 1
trap 'rm -f "$list"' EXIT
lab_tree_files | while IFS= read -r f; do
	case "$f" in build/*) continue ;; esac
	lab_is_instructor_only "$f" || printf '%s\n' "$f"
done > "$list"

# Copy everything (tar keeps modes and times), then write the marked files
# over their copies.
tar -cf - -T "$list" | (cd "$out" && tar -xf -) || exit 1
status=0 stubbed="" nregions=0
while IFS= read -r f; do
	grep -Eq "$LAB_ANY_MARKER" "$f" || continue
	if ! awk -v lab="$lab" -v also="$also" -f labs/tools/skeleton.awk "$f" > "$out/$f"; then
		status=1
		continue
	fi
	n=$(grep -Ec "$(lab_begin_pattern "$lab")" "$f")
	if [ "$n" -gt 0 ]; then
		stubbed="$stubbed $f"
		nregions=$((nregions + n))
	fi
done < "$list"
[ $status -eq 0 ] || exit 1
if [ $nregions -eq 0 ]; then
	echo "skeleton: error: lab $lab has no marked regions" >&2
	exit 1
fi
echo "$lab" > "$out/labs/LAB"
echo "lab $lab skeleton in $out: $nregions regions of lab $lab stubbed in$stubbed"
[ -z "$also" ] || echo "(the regions of labs $also are stubbed too)"
echo "(hidden tests, the autograder and the instructor's guide are not in it)"
