# tests/script_lib.sh: what the script tests that are not terminals share.
# Sourced, not run (scripts/script-tests.sh runs only tests/*_test.sh), after
# the sourcing script has set NAME: a scratch directory $WORK removed on
# exit, the ok and bad lines with their counts, and the closing tally.
# (The terminal tests share tests/tmux_lib.sh instead.)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/trapeze-$NAME.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok    $*"; }
bad() { failed=$((failed + 1)); echo "FAIL  $*"; }

# The last line of a script test: its tally, and its exit status.
tally() {
	echo "$NAME: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
