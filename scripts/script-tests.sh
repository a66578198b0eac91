#!/bin/sh
# scripts/script-tests.sh: run every tests/*_test.sh (the tests that drive a
# terminal: the TUI in tmux, the monitor's prompt), each with TRAPEZE and
# BUILD set to absolute paths, from the top of the tree. Exits non-zero if
# any of them failed. make test runs it after the Criterion suite.
set -u
: "${TRAPEZE:?set TRAPEZE to the trapeze command (an absolute path)}"
: "${BUILD:?set BUILD to the build directory (an absolute path)}"
export TRAPEZE BUILD
cd "$(dirname "$0")/.." || exit 1

failed=""
npass=0
nfail=0
for t in tests/*_test.sh; do
	[ -e "$t" ] || continue
	echo "== $t"
	if sh "$t"; then
		npass=$((npass + 1))
	else
		failed="$failed $t"
		nfail=$((nfail + 1))
	fi
done
[ -z "$failed" ] || echo "script tests failed:$failed"
echo "script tests: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
