#!/bin/sh
# scripts/demo.sh: what `make run` shows. The guest OS boots on the bare
# machine, then deprivileged under trap-and-emulate; trapeze diff checks the
# two are equivalent; then --nonvirt shows trap-and-emulate break.
set -u
B=${1:-build}
T=$B/trapeze
OS="--disk $B/guest/disk.img $B/guest/kernel.elf"

step() { printf '\n\033[1m== %s\033[0m\n' "$1"; }
[ -n "${NO_COLOR:-}" ] || [ ! -t 1 ] && step() { printf '\n== %s\n' "$1"; }

step "1. The guest OS on the bare machine (trapeze run $OS)"
$T run --stats $OS || exit 1

step "2. The same OS, deprivileged, under trap-and-emulate (--mode trap; console output as above)"
$T run --mode trap --stats $OS >/dev/null || exit 1

step "3. Equivalence: what the guest can observe, compared (trapeze diff)"
$T diff --modes bare,emulate,trap $OS || exit 1

step "4. --nonvirt: five sensitive instructions stop trapping, as on the pre-2005 x86"
$T run --mode trap --nonvirt --max-steps 5000000 $OS 2>&1 | sed -n '1,6p'
$T diff --modes bare,trap --nonvirt $OS | sed -n '1,3p'
$T classify --nonvirt | sed -n '/^Theorem 1/,$p'
printf '\nNext: build/trapeze tui --mode trap %s   (step it yourself)\n' "$OS"
exit 0
