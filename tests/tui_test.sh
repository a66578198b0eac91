#!/bin/sh
# tests/tui_test.sh: the TUI, driven in tmux as a person would drive it.
# Owns: each step below, asserted on the screen tmux captures: start on the
#       guest OS in trap mode; step; a breakpoint set with g and b, then c
#       runs to it; x runs to the next VM exit and the event log shows it;
#       the screen redrawn at 80x24 (why the real pc differs, the exit log
#       and statistics cut only between words, memory in words) and at a
#       larger size; q and Ctrl-C give
#       the terminal back (the shell prompt, no alternate screen); NO_COLOR;
#       the page-table view (p) of the paged guest OS under shadow paging.
# Not:  what the monitor prints (tests/mon_test.c).
# Every wait polls with a timeout; the tmux server is killed on exit.
# Usage: TRAPEZE=/abs/build/trapeze BUILD=/abs/build sh tests/tui_test.sh
set -u
: "${TRAPEZE:?set TRAPEZE to the trapeze command (an absolute path)}"
: "${BUILD:?set BUILD to the build directory (an absolute path)}"

if ! command -v tmux >/dev/null 2>&1; then
	echo "tui_test: skipped: tmux is not installed (scripts/deps.sh installs it)"
	exit 0
fi

SOCK="trapeze-test-$$"
KERNEL="$BUILD/guest/kernel.elf"
DISK="$BUILD/guest/disk.img"
# Addresses in the kernel move as it grows: read the two the steps below
# meet from its listing (kprintf's first instruction, its out to the console).
LST="$BUILD/guest/kernel.lst"
KPRINTF=$(awk '/^ *kprintf:$/ { getline; print $1; exit }' "$LST")
OUTBYTE=$(awk '/out +PORT_CON_DATA, r1/ { print $1; exit }' "$LST")
PANE=tui
. "$(dirname "$0")/tmux_lib.sh"
trap tmux_cleanup EXIT
trap 'tmux_cleanup; exit 1' INT TERM HUP

# check_line NAME REGEX: a line of the screen matches the extended REGEX.
check_line() {
	i=0
	while [ "$i" -lt 100 ]; do
		if screen | grep -E -q -- "$2"; then
			pass "$1"
			return
		fi
		sleep 0.1
		i=$((i + 1))
	done
	fail "$1: no line matches '$2'"
}

# title_fits NAME WIDTH: the title bar was redrawn at WIDTH columns: its state
# word ends one column short of the right edge (capture-pane drops the
# trailing space). The title is ASCII, so awk's length counts columns.
title_fits() {
	i=0
	while [ "$i" -lt 100 ]; do
		if screen | awk -v w="$2" '
			NR == 1 { ok = length($0) == w - 1 && $0 ~ /(STOPPED|RUNNING|IDLE|HALTED.*)$/ }
			END { exit !ok }'; then
			pass "$1"
			return
		fi
		sleep 0.1
		i=$((i + 1))
	done
	fail "$1: the title bar is not $2 columns wide"
}

# A shell in a 100x30 window, with a prompt the test can see.
start_shell() {
	tm new-session -d -s tui -x "$1" -y "$2" "env PS1='tui-test\$ ' sh" || {
		echo "tui_test: cannot start tmux"
		exit 1
	}
	wait_for 'tui-test$' 50 || { fail "the shell did not start"; exit 1; }
}

launch() {
	tm send-keys -t tui "$1 '$TRAPEZE' tui --mode trap --disk '$DISK' '$KERNEL'; echo \"tui exited \$?\"" Enter
}

# ---- 1. start on the guest OS in trap mode ----------------------------------
start_shell 100 30
launch ""
check "starts: the guest's virtual mode" "guest: SUPERVISOR (virtual)"
check "starts: the real CPU's mode" "real: SUPERVISOR (the VMM)"
check "starts: the pc at the kernel's first instruction" "=>  00000000  ldw r1, booted(r0)"

# ---- 2. step ------------------------------------------------------------------
tm send-keys -t tui s
check "s steps one instruction" "=>  00000004  cmpi r1, 0"
check "s: the title counts it (one instruction, singular)" "kernel.elf  1 instruction "

# ---- 3. a breakpoint, and continue to it -------------------------------------
tm send-keys -t tui g
check "g asks where to go" "go to (address, symbol, \$reg):"
tm send-keys -t tui kprintf Enter
check "g moves the code cursor" "code cursor at $KPRINTF"
tm send-keys -t tui b
check "b sets a breakpoint at the cursor" "breakpoint 1 at $KPRINTF <kprintf>: c runs to it"
tm send-keys -t tui c
check "c runs to the breakpoint (pc line marked B)" "=>B $KPRINTF  addi sp, sp, -4"
check "c: the status line says why it stopped" "breakpoint 1 at $KPRINTF <kprintf>"
check "c: the guest ran natively meanwhile" "real: USER (guest deprivileged)"

# ---- 4. run to the next VM exit -----------------------------------------------
tm send-keys -t tui x
check "x: the event log shows the VM exit" "$(printf '%-6s %5x out PORT_CON_DATA, r1' PRIV "0x$OUTBYTE")"
check "x: the status line says what the VMM did" "'out PORT_CON_DATA, r1' emulated by the VMM"
check_line "x: the console pane shows the guest's first byte" '^T +[|│]'


# ---- 5. resize: 80x24, then larger ---------------------------------------------
tm resize-window -t tui -x 80 -y 24
title_fits "redrawn at 80x24" 80
check "80x24: the key line" "s step n next c cont x exit b bkpt g goto m mem Tab pane r restart ? help q quit"
check "80x24: the CPU pane" "guest: SUPERVISOR (virtual)"
check "80x24: why the real pc is not the guest's" "pc  $OUTBYTE  where the guest exited"
# No line of the exit log or the statistics ends inside a word: each ends
# with a whole word or "...", and the exit log's last line is whole.
check "80x24: the exit log's line, whole" "$(printf '%-6s %5x out PORT_CON_DATA, r1' PRIV "0x$OUTBYTE")"
if screen | awk -F'│|[|]' 'NF > 1 { print $NF }' | grep -E -q 'mtsr timer, r$|PORT_CON_$|emulated o$'; then
	fail "80x24: a word of the exit log is cut"
else
	pass "80x24: no word of the exit log is cut"
fi
check_line "80x24: the statistics line" 'exits [0-9]+: PRIV [0-9]+ *$'
# The memory pane at $sp, in words as the monitor's x shows them: kprintf's
# return address 0x38 reads 00000038, not its bytes 38000000.
check "80x24: memory in words, then the bytes as characters" "0000fffc 00000038 00000000 8......."
tm resize-window -t tui -x 132 -y 43
title_fits "redrawn at 132x43" 132
check "132x43: room for the real CPU's registers" "real registers, as the guest last left them"

# ---- 6. quit: the terminal comes back --------------------------------------------
tm send-keys -t tui '?'
check "? shows the keys" "Press any key to go back."
tm send-keys -t tui Space
check "any key leaves the help screen" "guest: SUPERVISOR (virtual)"
tm send-keys -t tui q
check "q quits with status 0" "tui exited 0"
if [ "$(tm display -p -t tui '#{alternate_on}')" = 0 ] && wait_for 'tui-test$' 20; then
	pass "q: the alternate screen is gone, the shell prompt is back"
else
	fail "q: the terminal was not given back"
fi

# ---- 7. Ctrl-C, and NO_COLOR ----------------------------------------------------
tm send-keys -t tui clear Enter
launch "NO_COLOR=1"
check "NO_COLOR: it starts" "guest: SUPERVISOR (virtual)"
if tm capture-pane -p -e -t tui | grep -q "$(printf '\033')\\[[0-9;]*3[0-7]m"; then
	fail "NO_COLOR: no colour escapes on the screen"
else
	pass "NO_COLOR: no colour escapes on the screen"
fi
tm send-keys -t tui C-c
check "Ctrl-C quits" "tui exited 0"
if [ "$(tm display -p -t tui '#{alternate_on}')" = 0 ]; then
	pass "Ctrl-C: the alternate screen is gone"
else
	fail "Ctrl-C: the alternate screen is still on"
fi

# ---- 8. the page tables of the paged guest OS, under shadow paging ---------------
tm send-keys -t tui clear Enter
tm send-keys -t tui "'$TRAPEZE' tui --mode trap --disk '$BUILD/guest/paged.img' '$BUILD/guest/kernel-paged.elf'; echo \"tui exited \$?\"" Enter
check "paged: it starts" "guest: SUPERVISOR (virtual)"
tm send-keys -t tui p
check "p: the page tables before paging is on" "paging is off: user addresses are relocated"
# Into init's first process: VM exits until its shadow is built.
tm send-keys -t tui "$(printf 'x%.0s' $(seq 1 1500))"
check_line "p: shadow paging, and the TLB's fill" "page tables, shadow; TLB [0-9]+/256"
check_line "p: a page's guest entry beside the shadow's" "^0000[0-9a-f]000  000[0-9a-f]{5} VWUA.   000[0-9a-f]{5} V"
tm send-keys -t tui p
check "p again: the memory pane is back" 'memory: $sp'
tm send-keys -t tui q
check "paged: q quits" "tui exited 0"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
