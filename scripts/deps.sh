#!/bin/sh
# scripts/deps.sh: make sure the Debian packages Trapeze needs are installed.
# Usage: scripts/deps.sh [build|test|bench|fuzz]   (build: a compiler, make,
# pkg-config, ncurses and readline; test also needs Criterion, tmux and the
# tools the tests run; bench needs gnuplot for its charts; fuzz needs clang
# and its libFuzzer runtime)
# Installs what is missing when it can (root, or sudo without a password);
# otherwise stops and prints the one command that installs it. The Makefile
# runs it before it compiles anything (see "deps" there). PKG_CONFIG names
# the pkg-config to ask (the Makefile's PKG), pkg-config by default.
set -u
need=${1:-test}
pc=${PKG_CONFIG:-pkg-config}

missing=""
have_pc() { $pc --exists "$1" 2>/dev/null; }
command -v cc >/dev/null 2>&1 || missing="$missing gcc"
command -v make >/dev/null 2>&1 || missing="$missing make"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
have_pc ncursesw || missing="$missing libncurses-dev"
have_pc readline || missing="$missing libreadline-dev"
have_pc inih || missing="$missing libinih-dev"   # trapeze host's config files
have_pc zlib || missing="$missing zlib1g-dev"     # crc32 for snapshots
have_pc jansson || missing="$missing libjansson-dev" # the Debug Adapter Protocol's JSON
if [ "$need" = test ]; then
	have_pc criterion || missing="$missing libcriterion-dev"
	command -v tmux >/dev/null 2>&1 || missing="$missing tmux"
	command -v readelf >/dev/null 2>&1 || missing="$missing binutils"
	command -v zip >/dev/null 2>&1 || missing="$missing zip"     # the labs' Gradescope zip
	command -v unzip >/dev/null 2>&1 || missing="$missing unzip"
	command -v gnuplot >/dev/null 2>&1 || missing="$missing gnuplot-nox"  # the charts, checked
	command -v xmllint >/dev/null 2>&1 || missing="$missing libxml2-utils" # SVG well formed
	command -v groff >/dev/null 2>&1 || missing="$missing groff-base"      # the man page
	command -v man >/dev/null 2>&1 || missing="$missing man-db"            # ... read as a person would
fi
if [ "$need" = bench ]; then
	command -v gnuplot >/dev/null 2>&1 || missing="$missing gnuplot-nox"  # its SVG charts
fi
if [ "$need" = fuzz ]; then
	# libFuzzer ships in clang's runtime package, versioned like clang itself.
	if ! command -v clang >/dev/null 2>&1; then
		missing="$missing clang"
	elif ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
		clang -fsanitize=fuzzer -x c - -o /dev/null >/dev/null 2>&1; then
		v=$(clang -dumpversion | cut -d. -f1)
		missing="$missing libclang-rt-$v-dev"
	fi
fi
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo="sudo -n"
else
	echo "trapeze: missing packages:$missing" >&2
	echo "trapeze: install them with: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "trapeze: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y -q $missing >/dev/null 2>&1; then
	$sudo apt-get update -q >/dev/null 2>&1
	if ! $sudo apt-get install -y -q $missing >&2; then
		echo "trapeze: could not install:$missing (try: sudo apt-get update && sudo apt-get install -y$missing)" >&2
		exit 1
	fi
fi
exit 0
