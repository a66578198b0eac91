#!/bin/sh
# tests/host_tui_test.sh: the TUI's host view, driven in tmux as a person
#       would: `trapeze tui --host CONFIG` on three guest OSes (trap, pv,
#       hw); the host pane lists them; H runs every VM by the schedule; v
#       shows the next VM's virtual CPU beside the real one; s steps the one
#       shown; W saves it and L puts it back; M migrates it to a trapeze
#       migrate --listen target while the host runs on, the host pane then
#       says it migrated and the next VM is shown; q gives the terminal
#       back; the target runs the migrated guest to its end.
# Not:  the one-VM TUI (tests/tui_test.sh); the monitor's info vms and vm N
#       (tests/host_cli_test.c).
# Usage: TRAPEZE=/abs/build/trapeze BUILD=/abs/build sh tests/host_tui_test.sh
set -u
: "${TRAPEZE:?set TRAPEZE to the trapeze command (an absolute path)}"
: "${BUILD:?set BUILD to the build directory (an absolute path)}"

if ! command -v tmux >/dev/null 2>&1; then
	echo "host_tui_test: skipped: tmux is not installed (scripts/deps.sh installs it)"
	exit 0
fi

SOCK="trapeze-host-test-$$"
PANE=hosttui
DIR=$(mktemp -d "${TMPDIR:-/tmp}/trapeze-host-tui.XXXXXX") || exit 1
. "$(dirname "$0")/tmux_lib.sh"
TARGET=
cleanup() {
	tmux_cleanup
	[ -n "$TARGET" ] && kill "$TARGET" 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM HUP

# A migration target on a free loopback port.
listen_target "$DIR/target"
[ -n "$TARGET" ] || { echo "FAIL no port for the target"; exit 1; }

cat > "$DIR/three.conf" <<CONF
[vm web]
kernel = $BUILD/guest/kernel.elf
disk = $BUILD/guest/bench/light.img
console = web.out
[vm db]
kernel = $BUILD/guest/kernel-pv.elf
disk = $BUILD/guest/bench/light.img
mode = pv
weight = 512
[vm mail]
kernel = $BUILD/guest/kernel.elf
disk = $BUILD/guest/bench/light.img
mode = hw
cap = 50
CONF

tm new-session -d -s "$PANE" -x 100 -y 30 "env PS1='host-test\$ ' sh" || {
	echo "host_tui_test: cannot start tmux"
	exit 1
}
wait_for 'host-test$' 50 || { fail "the shell did not start"; exit 1; }
tm send-keys -t "$PANE" "'$TRAPEZE' tui --host '$DIR/three.conf'; echo \"tui exited \$?\"" Enter

check "starts on the host's first VM" "vm 0 web (trap mode)"
check "the host pane lists the VMs" "host: the VMs"
check "the host pane: db, in pv mode" "db       pv"
check "the host pane: mail, in hw mode" "mail     hw"
check "the virtual CPU" "guest: SUPERVISOR (virtual)"
check "beside the real one" "real: SUPERVISOR (the VMM)"

tm send-keys -t "$PANE" H
# Three million cycles, and the world switch that began the last slice
# when it ends the window (200 cycles: HOST_SWITCH_COST).
check_line "H runs every VM by the schedule" "host: 3000(000|200) cycles"
check_line "H: the VMs' shares move" "host 3000(000|200) cycles, utilisation"

tm send-keys -t "$PANE" v
check "v shows the next VM" "vm 1 db (pv mode)"
check "v: the host pane marks it" "* db"

tm send-keys -t "$PANE" s
check "s steps the VM shown" "instructions"

tm send-keys -t "$PANE" V
check "V goes back" "vm 0 web (trap mode)"

tm send-keys -t "$PANE" W
check "W asks where" "save the VM to (file):"
tm send-keys -t "$PANE" "$DIR/web.snap" Enter
check "W saves the VM shown" "saved at instruction"
tm send-keys -t "$PANE" L "$DIR/web.snap" Enter
check "L puts it back" "restored $DIR/web.snap: instruction"

tm send-keys -t "$PANE" M "127.0.0.1:$PORT" Enter
check "M migrates the VM shown, the host runs on" "VM 0 migrated to 127.0.0.1:$PORT"
check "M: the next VM is shown" "vm 1 db (pv mode)"
check "M: the host pane says so" "web      trap  migrated"
tm send-keys -t "$PANE" H
check "H: the others run on to their ends" "pv    stopped"

tm send-keys -t "$PANE" q
check "q quits with status 0" "tui exited 0"

i=0
while [ $i -lt 300 ] && kill -0 "$TARGET" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
if ! kill -0 "$TARGET" 2>/dev/null && wait "$TARGET" && grep -q "resumed at instruction" "$DIR/target.err"; then
	pass "the target ran the migrated guest to its end"
else
	fail "the target: $(cat "$DIR/target.err")"
fi
TARGET=
# web's console (its file, written under the TUI too) and then the target's
# are what web prints alone.
"$TRAPEZE" run --mode trap --disk "$BUILD/guest/bench/light.img" "$BUILD/guest/kernel.elf" \
	>"$DIR/alone.out" 2>/dev/null
cat "$DIR/web.out" "$DIR/target.out" >"$DIR/joined.out"
if grep -q halting "$DIR/alone.out" && cmp -s "$DIR/alone.out" "$DIR/joined.out"; then
	pass "web's output, joined across the host and the target, is its output alone"
else
	fail "web's output joined ($(wc -c <"$DIR/joined.out") bytes) is not its output alone ($(wc -c <"$DIR/alone.out"))"
fi

echo "host_tui_test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
