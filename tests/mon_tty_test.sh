#!/bin/sh
# tests/mon_tty_test.sh: the monitor at a terminal, driven in tmux.
# Owns: what only a terminal shows: the prompt, Tab completion of commands,
#       symbols and registers (only settable ones after set reg), the
#       history file (and no failure without a usable HOME), Ctrl-C
#       interrupting a run without ending the session, and Ctrl-C at the
#       prompt dropping the line typed so far.
# Not:  the commands' output (tests/mon_test.c, against golden transcripts).
# Every wait polls with a timeout; the tmux server is killed on exit.
# Usage: TRAPEZE=/abs/build/trapeze BUILD=/abs/build sh tests/mon_tty_test.sh
set -u
: "${TRAPEZE:?set TRAPEZE to the trapeze command (an absolute path)}"
: "${BUILD:?set BUILD to the build directory (an absolute path)}"

if ! command -v tmux >/dev/null 2>&1; then
	echo "mon_tty_test: skipped: tmux is not installed (scripts/deps.sh installs it)"
	exit 0
fi

SOCK="trapeze-test-$$"
KERNEL="$BUILD/guest/kernel.elf"
# kprintf moves as the kernel grows: its address from the kernel's listing.
KPRINTF=$(awk '/^ *kprintf:$/ { getline; print $1; exit }' "$BUILD/guest/kernel.lst")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/trapeze-mon-tty.XXXXXX") || exit 1
PANE=mon
. "$(dirname "$0")/tmux_lib.sh"
cleanup() {
	tmux_cleanup
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM HUP

keys() { tm send-keys -t mon "$@"; }

# A guest that never stops, for Ctrl-C.
printf '_start:\n        addi r1, r1, 1\n        b _start\n' >"$WORK/spin.s"
"$TRAPEZE" asm -o "$WORK/spin.elf" "$WORK/spin.s" || { echo "mon_tty_test: cannot assemble"; exit 1; }

tm new-session -d -s mon -x 100 -y 30 "env PS1='mon-test\$ ' sh" || { echo "mon_tty_test: cannot start tmux"; exit 1; }
wait_for 'mon-test$' 50 || { fail "the shell did not start"; exit 1; }

# ---- with a HOME it can write: the history is kept --------------------------
mkdir "$WORK/home"
keys "HOME='$WORK/home' '$TRAPEZE' mon --mode trap '$KERNEL'; echo \"mon exited \$?\"" Enter
check "a banner names the image and mode" "in trap mode. 'help' lists the commands."
check "the prompt" "(trapeze)"
keys stepi Enter
check "stepi" "=> 0x00000004 <boot+4>:  cmpi r1, 0"
keys disas Tab
check "Tab completes a command" "(trapeze) disassemble"
keys kpri Tab
check "Tab completes a symbol" "(trapeze) disassemble kprintf"
keys Enter
check "the completed command runs" "   0x$KPRINTF <kprintf>:  addi sp, sp, -4"
keys "info r" Tab Enter
check "Tab completes a subcommand" "real CPU: USER (guest deprivileged)"
keys "bogus" Enter
check "a bad command says so" "error: unknown command 'bogus'"
keys "x/2xw \$s" Tab Tab
check "Tab offers registers" "\$sp"
keys C-u "info registers ti" Tab
check "Tab completes a register after info registers" "(trapeze) info registers timer"
keys C-u C-l "set reg ti" Tab
check "Tab completes a settable register after set reg" "(trapeze) set reg timer"
# Only settable ones: memsize and ipend (read only) are never offered.
keys C-u C-l "set reg mem" Tab Tab
sleep 0.5
if screen | grep -q "memsize"; then
	fail "Tab after 'set reg mem' offered memsize (read only)"
else
	pass "Tab after set reg offers no read-only register (memsize)"
fi
# Ctrl-C at the prompt drops the line being typed, as bash and gdb do.
keys C-u "print 1 +" C-c
keys "print 6 * 7" Enter
check "Ctrl-C at the prompt drops the line; the next one runs alone" "0x0000002a  unsigned 42  signed 42"
if screen | grep -q "unexpected\|expected a value"; then
	fail "Ctrl-C at the prompt: the dropped text ran"
else
	pass "Ctrl-C at the prompt: the dropped text never ran"
fi
keys C-u quit Enter
check "quit ends the session" "mon exited 0"
if grep -q '^stepi$' "$WORK/home/.trapeze_history" 2>/dev/null; then
	pass "the history is kept in ~/.trapeze_history"
else
	fail "the history is kept in ~/.trapeze_history"
fi

# ---- no HOME, then a HOME it cannot write: never a failure ------------------
keys clear Enter
keys "env -u HOME '$TRAPEZE' mon '$KERNEL'; echo \"mon exited \$?\"" Enter
check "no HOME: it starts" "(trapeze)"
keys stepi Enter quit Enter
check "no HOME: it works and quits cleanly" "mon exited 0"
keys clear Enter
keys "HOME=/nonexistent/trapeze '$TRAPEZE' mon '$KERNEL'; echo \"mon exited \$?\"" Enter
check "unwritable HOME: it starts" "(trapeze)"
keys stepi Enter C-d
check "unwritable HOME: Ctrl-D quits cleanly" "mon exited 0"

# ---- Ctrl-C stops a run, not the monitor ------------------------------------
keys clear Enter
keys "HOME='$WORK/home' '$TRAPEZE' mon --mode trap '$WORK/spin.elf'; echo \"mon exited \$?\"" Enter
check "a guest that never stops" "(trapeze)"
keys continue Enter
sleep 0.3
keys C-c
check "Ctrl-C interrupts the run" "interrupted after"
keys "info registers pc" Enter
check "the session goes on after Ctrl-C" "pc       0x0000000"
keys quit Enter
check "and quits" "mon exited 0"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
