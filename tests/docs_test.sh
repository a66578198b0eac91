#!/bin/sh
# tests/docs_test.sh: the documents a person reads say what the tool does.
# Owns: every ```asm example of docs/ASSEMBLY.md assembles as shown (with
#       the guest OS's include directory, as its text says); the README
#       links it; the man page renders without a warning and names every
#       subcommand the binary has.
# Not:  the exit-status tables (tests/exitcode_test.c).
# Usage: TRAPEZE=/abs/trapeze sh tests/docs_test.sh   (make test runs it)
set -u
: "${TRAPEZE:?set TRAPEZE to the trapeze command (an absolute path)}"
cd "$(dirname "$0")/.." || exit 1
NAME=docs
. tests/script_lib.sh

# Each example into its own file, named by the line it starts on.
awk -v dir="$WORK" '
	/^```asm$/ { n = NR; file = dir "/example-" NR ".s"; next }
	/^```$/ && file { close(file); file = ""; next }
	file { print > file }' docs/ASSEMBLY.md
count=0
for f in "$WORK"/example-*.s; do
	[ -e "$f" ] || continue
	count=$((count + 1))
	line=${f##*/example-}
	line=${line%.s}
	if "$TRAPEZE" asm -I guest-os/include -o "$f.elf" "$f" > "$WORK/out" 2>&1; then
		ok "ASSEMBLY.md: the example at line $line assembles"
	else
		bad "ASSEMBLY.md: the example at line $line does not assemble:"
		sed 's/^/      | /' "$WORK/out"
	fi
done
[ "$count" -ge 8 ] && ok "ASSEMBLY.md has $count examples" || bad "ASSEMBLY.md has $count examples"

if grep -q '(docs/ASSEMBLY.md)' README.md; then
	ok "the README links docs/ASSEMBLY.md"
else
	bad "the README does not link docs/ASSEMBLY.md"
fi

if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww docs/trapeze.1 > "$WORK/man.txt" 2> "$WORK/man.err"
	if [ ! -s "$WORK/man.err" ]; then
		ok "trapeze.1 renders without a warning"
	else
		bad "trapeze.1 renders with warnings:"
		sed 's/^/      | /' "$WORK/man.err"
	fi
else
	bad "groff is not installed (scripts/deps.sh installs it for the tests)"
fi
for sub in $("$TRAPEZE" --help | awk '/^subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }'); do
	if grep -q "^\.B trapeze $sub\$" docs/trapeze.1; then
		ok "trapeze.1 has the synopsis of $sub"
	else
		bad "trapeze.1 has no synopsis of $sub"
	fi
done
tally
