#!/bin/sh
# tests/tui_migrate_test.sh: the TUI saving, restoring and live-migrating
#       the guest OS, driven in tmux as a person would.
# Owns: W saves (writes) the VM, L restores it; M to a port where nothing listens
#       says so and the VM stays; M to a trapeze migrate --listen target:
#       the title says MIGRATING while the rounds go by (seen in what tmux
#       was sent: the screen it drew meanwhile), then MIGRATED with the
#       rounds and the downtime; the run keys are refused after; the
#       target runs the guest on to its end.
# Not:  the monitor's commands (tests/mon_snap_test.c); migration itself
#       (tests/migrate_cli_test.c).
# Every wait polls with a timeout; the tmux server and the target are
# ended on exit.
# Usage: TRAPEZE=/abs/build/trapeze BUILD=/abs/build sh tests/tui_migrate_test.sh
set -u
: "${TRAPEZE:?set TRAPEZE to the trapeze command (an absolute path)}"
: "${BUILD:?set BUILD to the build directory (an absolute path)}"

if ! command -v tmux >/dev/null 2>&1; then
	echo "tui_migrate_test: skipped: tmux is not installed (scripts/deps.sh installs it)"
	exit 0
fi

SOCK="trapeze-migtest-$$"
PANE=tui
WORK=$(mktemp -d /tmp/trapeze-tuimig-XXXXXX)
TARGET=
. "$(dirname "$0")/tmux_lib.sh"
cleanup() {
	tmux_cleanup
	[ -n "$TARGET" ] && kill "$TARGET" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM HUP

# A migration target on a free loopback port.
listen_target "$WORK/target"
[ -n "$TARGET" ] || { echo "FAIL no port for the target"; exit 1; }
NOBODY=$((PORT + 1))

tm new-session -d -s tui -x 120 -y 32 "env PS1='tui-test\$ ' sh" || { echo "cannot start tmux"; exit 1; }
wait_for 'tui-test$' 50 || { fail "the shell did not start"; exit 1; }
tm pipe-pane -o -t tui "cat >> '$WORK/drawn'"
tm send-keys -t tui "'$TRAPEZE' tui --mode trap --disk '$BUILD/guest/disk.img' '$BUILD/guest/kernel.elf'; echo \"tui exited \$?\"" Enter
check "starts" "guest: SUPERVISOR (virtual)"
tm send-keys -t tui "$(printf 'x%.0s' $(seq 1 40))"
check "runs to an exit" "emulated by the VMM"

# ---- save and restore --------------------------------------------------------
tm send-keys -t tui W
check "W asks where" "save the VM to (file):"
tm send-keys -t tui "$WORK/vm.snap" Enter
check "W saves" "saved at instruction"
tm send-keys -t tui "$(printf 'x%.0s' $(seq 1 20))"
tm send-keys -t tui L
check "L asks where from" "restore the VM from (file):"
tm send-keys -t tui "/etc/passwd" Enter
check "L: a file that is no snapshot, one line" "not a Trapeze snapshot"
tm send-keys -t tui L "$WORK/vm.snap" Enter
check "L restores" "restored $WORK/vm.snap: instruction"

# ---- migrate -------------------------------------------------------------------
tm send-keys -t tui M
check "M asks where to" "migrate to HOST:PORT:"
tm send-keys -t tui "127.0.0.1:$NOBODY" Enter
check "M: nothing listening, the VM stays" "nothing listens on 127.0.0.1:$NOBODY; the VM is here, unharmed"
tm send-keys -t tui M "127.0.0.1:$PORT" Enter
check "M: migrated, the rounds and the downtime" "migrated to 127.0.0.1:$PORT: "
check "M: the status line's downtime" "downtime"
check "M: the title says MIGRATED" "MIGRATED"
# (curses writes only what changed: the words, not the whole line)
if grep -a -q MIGRATING "$WORK/drawn" && grep -a -q "migrating to 127.0.0.1:$PORT: connecting" "$WORK/drawn" &&
	grep -a -q "round 1, [0-9]* pages" "$WORK/drawn" && grep -a -q "stop-and-copy, [0-9]* pages" "$WORK/drawn"; then
	pass "M: MIGRATING and round 1 were on the screen while it went on"
else
	fail "M: the migration in progress was never drawn"
fi
tm send-keys -t tui s
check "after: the run keys are refused" "the VM was migrated: it runs at the target now"
tm send-keys -t tui q
check "q quits" "tui exited 0"

# ---- the target ran the guest on -------------------------------------------------
i=0
while [ $i -lt 300 ] && kill -0 "$TARGET" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
if ! kill -0 "$TARGET" 2>/dev/null && wait "$TARGET" && grep -q "resumed at instruction" "$WORK/target.err" &&
	[ -s "$WORK/target.out" ]; then
	pass "the target ran the guest on to its end"
else
	fail "the target: $(cat "$WORK/target.err")"
fi
TARGET=

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
