#!/bin/sh
# tests/host_tui_test.sh: the TUI's host view, driven in tmux as a person
#       would: `trapeze tui --host CONFIG` on three guest OSes (trap, pv,
#       hw); the host pane lists them; H runs every VM by the schedule; v
#       shows the next VM's virtual CPU beside the real one; s steps the one
#       shown; q gives the terminal back.
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
trap 'tmux_cleanup; rm -rf "$DIR"' EXIT
trap 'tmux_cleanup; rm -rf "$DIR"; exit 1' INT TERM HUP

cat > "$DIR/three.conf" <<CONF
[vm web]
kernel = $BUILD/guest/kernel.elf
disk = $BUILD/guest/bench/light.img
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

tm send-keys -t "$PANE" q
check "q quits with status 0" "tui exited 0"

echo "host_tui_test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
