# tests/tmux_lib.sh: what the tests that drive a terminal in tmux share.
# Sourced, not run (scripts/script-tests.sh runs only tests/*_test.sh). The
# sourcing script sets SOCK (its own tmux server) and PANE (the session it
# drives), and kills the server on exit with tmux_cleanup.

passed=0
failed=0

tm() { tmux -L "$SOCK" "$@"; }
tmux_cleanup() { tm kill-server >/dev/null 2>&1; }

screen() { tm capture-pane -p -t "$PANE" 2>/dev/null; }

# wait_for TEXT [TENTHS]: poll the screen until TEXT is on it (default 10 s).
wait_for() {
	i=0
	while [ "$i" -lt "${2:-100}" ]; do
		if screen | grep -F -q -- "$1"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

pass() {
	passed=$((passed + 1))
	echo "ok   $1"
}

fail() {
	failed=$((failed + 1))
	echo "FAIL $1"
	screen | sed 's/^/     | /'
}

# check_line NAME REGEX: the step passes when a line of the screen matches
# the extended regular expression.
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

# check NAME TEXT: the step passes when TEXT shows up on the screen.
check() {
	if wait_for "$2"; then pass "$1"; else fail "$1: '$2' never appeared"; fi
}

# listen_target FILE-PREFIX: a trapeze migrate --listen target on a free
# loopback port (tried until one is free), its stdout and stderr in
# PREFIX.out and PREFIX.err; sets PORT and TARGET (its pid; empty when no
# port could be had).
listen_target() {
	TARGET=
	for try in 1 2 3 4 5 6 7 8; do
		PORT=$((20000 + ($$ * 7 + try * 131) % 40000))
		"$TRAPEZE" migrate --listen "127.0.0.1:$PORT" --wait 60 >"$1.out" 2>"$1.err" &
		TARGET=$!
		i=0
		while [ $i -lt 50 ] && ! grep -q -e listening -e error "$1.err"; do sleep 0.1; i=$((i + 1)); done
		grep -q listening "$1.err" && return 0
		wait "$TARGET" 2>/dev/null
		TARGET=
	done
	return 1
}
