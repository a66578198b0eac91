# labs/tools/lib.sh: what the lab scripts share (sourced, not run).
# Owns: the list of the tree's files, the marker pattern, and which files
#       hold a lab's marked regions (the files a student hands in).
# Not:  the markers' grammar (skeleton.awk); copying or grading (skeleton.sh,
#       grade.sh).

# A BEGIN marker of lab $1, as a grep -E pattern (see skeleton.awk).
lab_begin_pattern() {
	printf '^[[:space:]]*(/\\*|;|#|<!--)[[:space:]]*LAB %s BEGIN:' "$1"
}

# Every marker of any lab.
LAB_ANY_MARKER='^[[:space:]]*(/\*|;|#|<!--)[[:space:]]*LAB [0-9]+ (BEGIN|STUB|END)'

# The tree's files, one per line, relative to the current directory (the top
# of a tree): what git knows of, tracked or not (less what it ignores), or,
# outside a git checkout, every file but build products.
lab_tree_files() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
	   [ "$(git rev-parse --show-toplevel)" = "$(pwd -P)" ]; then
		git ls-files --cached --others --exclude-standard | while IFS= read -r f; do
			[ -f "$f" ] && printf '%s\n' "$f"
		done
	else
		find . -type f ! -path './build/*' ! -path './.git/*' | sed 's|^\./||' | sort
	fi
}

# The files holding lab $1's regions: the files its students hand in.
lab_handin_files() {
	lab_tree_files | while IFS= read -r f; do
		case "$f" in build/*) continue ;; esac
		if grep -Eq "$(lab_begin_pattern "$1")" "$f" 2>/dev/null; then
			printf '%s\n' "$f"
		fi
	done
}

# Files a student's tree never gets: hidden tests, the autograder, the
# instructor's guide, and the marker of a skeleton tree.
lab_is_instructor_only() {
	case "$1" in
	labs/*/hidden/*|labs/autograder/*|labs/INSTRUCTOR.md|labs/LAB) return 0 ;;
	*) return 1 ;;
	esac
}
