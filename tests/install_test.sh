#!/bin/sh
# tests/install_test.sh: make install gives a working tool, outside the tree.
# Owns: installing into a temporary DESTDIR with a PREFIX of its own, then,
#       from another directory, the installed binary: --version, its man
#       page, booting the installed guest OS, `bench --techniques` finding
#       its workloads beside the binary (and drawing a well-formed chart),
#       `bench` finding its programs; bash completion of subcommands, modes
#       and options.
# Not:  what bench measures (tests/bench_test.c).
# Usage: BUILD=/abs/build sh tests/install_test.sh   (make test runs it)
set -u
: "${BUILD:?set BUILD to the build directory (an absolute path)}"
cd "$(dirname "$0")/.." || exit 1
MAKE=${MAKE:-make}
NAME=install
. tests/script_lib.sh
PREFIX=/opt/trapeze-test
ROOT=$WORK/stage$PREFIX

if $MAKE --no-print-directory BUILD="$BUILD" DESTDIR="$WORK/stage" PREFIX="$PREFIX" install \
	> "$WORK/install.log" 2>&1; then
	ok "make install DESTDIR=... PREFIX=$PREFIX"
else
	bad "make install failed:"
	tail -10 "$WORK/install.log" | sed 's/^/      | /'
	exit 1
fi
T=$ROOT/bin/trapeze
for f in bin/trapeze share/man/man1/trapeze.1 share/trapeze/guest/kernel.elf \
	 share/trapeze/guest/kernel-pv.elf share/trapeze/guest/disk.img \
	 share/trapeze/guest/bench/io.img share/trapeze/bench/sieve.elf \
	 share/trapeze/bench/sieve-native share/doc/trapeze/ASSEMBLY.md \
	 share/bash-completion/completions/trapeze; do
	[ -f "$ROOT/$f" ] || bad "not installed: PREFIX/$f"
done
[ -x "$T" ] && ok "the files are in place"
# Nothing of the source tree may be needed from here on.
mkdir -p "$WORK/elsewhere" && cd "$WORK/elsewhere" || exit 1

v=$("$T" --version) && [ "$v" = "trapeze $(sed -n 's/^VERSION *:= *//p' "$OLDPWD/Makefile")" ] &&
	ok "the installed binary says $v" || bad "--version says '$v'"
if man -l "$ROOT/share/man/man1/trapeze.1" 2>/dev/null | grep -q "EXIT STATUS"; then
	ok "its man page reads (man -l)"
else
	bad "its man page does not read"
fi
out=$("$T" run --disk "$ROOT/share/trapeze/guest/disk.img" "$ROOT/share/trapeze/guest/kernel.elf" 2>&1)
st=$?
if [ $st -eq 0 ] && echo "$out" | grep -q "hello, world"; then
	ok "the installed guest OS boots (exit 0)"
else
	bad "the installed guest OS: exit $st: $(echo "$out" | tail -2)"
fi
if "$T" bench --techniques --modes trap,pv --dir "$WORK/charts" > "$WORK/bench.log" 2>&1; then
	ok "bench --techniques finds the installed workloads"
else
	bad "bench --techniques, installed:"
	tail -5 "$WORK/bench.log" | sed 's/^/      | /'
fi
if [ -f "$WORK/charts/techniques-early.svg" ] &&
   xmllint --noout "$WORK/charts/techniques-early.svg" 2>/dev/null; then
	ok "... and draws a well-formed chart"
else
	bad "no well-formed chart: $(grep chart "$WORK/bench.log")"
fi
if "$T" bench --runs 1 --modes bare --dir "$WORK/speed" > "$WORK/speed.log" 2>&1 &&
   grep -q "sieve     native" "$WORK/speed.log"; then
	ok "bench finds the installed programs and their native twins"
else
	bad "bench, installed:"
	tail -5 "$WORK/speed.log" | sed 's/^/      | /'
fi

complete() { # the words typed; prints what Tab offers for the last one
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _trapeze;
		 echo "${COMPREPLY[*]}"' _ "$ROOT/share/bash-completion/completions/trapeze" "$@"
}
[ "$(complete "$T" cl)" = "classify" ] && ok "Tab completes a subcommand" ||
	bad "Tab after 'cl': '$(complete "$T" cl)'"
[ "$(complete "$T" run --mode p)" = "patch pv" ] && ok "Tab completes a mode" ||
	bad "Tab after '--mode p': '$(complete "$T" run --mode p)'"
[ "$(complete "$T" diff --tim)" = "--timeout" ] && ok "Tab completes an option" ||
	bad "Tab after 'diff --tim': '$(complete "$T" diff --tim)'"
tally
