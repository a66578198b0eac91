#!/bin/sh
# scripts/fuzz.sh: run each libFuzzer harness for a bounded time; report.
# Usage: scripts/fuzz.sh FUZZDIR SECONDS HARNESS...   (make fuzz, make fuzz-smoke)
#
# Each harness FUZZDIR/H runs for SECONDS on its seed corpus
# tests/fuzz/corpus/H (read only) and its working corpus FUZZDIR/corpus/H
# (new finds go there and stay for the next session). Every input that
# crashes it or breaks one of its invariants is written to
# FUZZDIR/artifacts/H/ and copied into tests/fuzz/regressions/H/, where
# `make test` replays it from then on. Prints, per harness, the executions
# and guest instructions run and what was found; exits 1 if anything was.
set -u
dir=$1
secs=$2
shift 2

found=0
summary=""
for h in "$@"; do
	corpus="$dir/corpus/$h"
	art="$dir/artifacts/$h"
	log="$dir/$h.log"
	mkdir -p "$corpus" "$art" "tests/fuzz/regressions/$h"
	echo "fuzz: $h for ${secs}s (log: $log)"
	# -timeout: a run that takes 10 s is a hang; -rss_limit_mb: a leak or a
	# guest that makes the host allocate without end. A snapshot of even a
	# small guest is larger than a program: its harness takes longer inputs.
	maxlen=4096
	case $h in fuzz_snapshot|fuzz_migrate) maxlen=65536 ;; esac
	"$dir/$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len="$maxlen" \
		-print_final_stats=1 -artifact_prefix="$art/" "$corpus" "tests/fuzz/corpus/$h" \
		>"$log" 2>&1
	status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	guest=$(sed -n "s/^fuzz: $h: [0-9]* executions, \([0-9]*\) guest instructions$/\1/p" "$log" |
		tail -n 1)
	new=0
	for f in "$art"/*; do
		[ -e "$f" ] || continue
		base=$(basename "$f")
		if [ ! -e "tests/fuzz/regressions/$h/$base" ]; then
			cp "$f" "tests/fuzz/regressions/$h/$base"
			echo "fuzz: $h: kept $base as a regression case (tests/fuzz/regressions/$h/)"
			new=$((new + 1))
		fi
	done
	if [ "$status" -ne 0 ] || [ "$new" -ne 0 ]; then
		found=1
		grep -m 5 -e 'invariant broken' -e 'ERROR: ' -e 'SUMMARY: ' "$log" | sed "s/^/fuzz: $h: /"
	fi
	summary="$summary$(printf '  %-11s %12s executions %16s guest instructions  %s' "$h" \
		"${execs:-?}" "${guest:-0}" "$([ "$status" -eq 0 ] && echo ok || echo "FAILED ($status)")")
"
done
echo "fuzz: ${secs}s per harness:"
printf '%s' "$summary"
exit $found
