#!/usr/bin/env bash
# tests/fuzz/seeds.sh: make again the seed corpora of fuzz_snapshot and
# fuzz_migrate, from the test guests, with the trapeze of the build
# directory. Run it from the top of the tree when the snapshot format
# changes (the old seeds are then refused at their first section, and the
# fuzzers would start from nothing):
#   tests/fuzz/seeds.sh [BUILD]
# fuzz_snapshot: `trapeze run --save-at K` of a 64 KiB guest in each mode,
# one byte of how in front (fuzz_snapshot.c). fuzz_migrate: what a source
# (pre-copy) and a primary (three checkpoints) send, recorded on its way to
# a real target or backup by a small relay on 127.0.0.1 (python3). The
# guests have no disk: a shared disk names an image the harnesses do not
# open, and they would refuse every seed. tests/fuzz_seeds_test.c checks
# that every seed is accepted.
set -euo pipefail

BUILD=${1:-build}
T=$BUILD/trapeze
SNAP=tests/fuzz/corpus/fuzz_snapshot
MIG=tests/fuzz/corpus/fuzz_migrate
WORK=$(mktemp -d /tmp/trapeze-seeds-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

for g in everything paging pvpaging smc; do
	"$T" asm -o "$WORK/$g.elf" "tests/vmm/$g.s"
done
printf ok >"$WORK/input"

# how (one byte), then the snapshot of guest in mode saved at k.
snapshot_seed() { # NAME HOW GUEST K RUN-OPTIONS...
	local name=$1 how=$2 guest=$3 k=$4
	shift 4
	rm -f "$WORK/s"
	"$T" run --mem 64K --max-steps $((k * 4)) --input "$WORK/input" \
		--save-at "$k" "$WORK/s" "$@" "$WORK/$guest.elf" >/dev/null 2>&1 || true
	[ -s "$WORK/s" ] || { echo "seeds.sh: $name: nothing saved" >&2; exit 1; }
	{ printf "\\x$how"; cat "$WORK/s"; } >"$SNAP/$name"
}

rm -f "$SNAP"/everything-* "$SNAP"/paging-* "$SNAP"/pvpaging-* "$SNAP"/smc-*
snapshot_seed everything-bare-3000 01 everything 3000 --mode bare
snapshot_seed everything-emulate-3997 01 everything 3997 --mode emulate
snapshot_seed everything-trap-4994 01 everything 4994 --mode trap
snapshot_seed everything-hybrid-5991 01 everything 5991 --mode hybrid --nonvirt=pdp10
snapshot_seed everything-patch-6988 01 everything 6988 --mode patch --nonvirt
snapshot_seed everything-bt-7985 01 everything 7985 --mode bt --nonvirt
snapshot_seed everything-hw-8982 01 everything 8982 --mode hw
snapshot_seed everything-pv-9979 01 everything 9979 --mode pv
snapshot_seed paging-trap-5462-into 03 paging 5462 --mode trap
snapshot_seed paging-hw-10386 01 paging 10386 --mode hw
snapshot_seed pvpaging-pv-150 01 pvpaging 150 --mode pv
snapshot_seed smc-bt-20 01 smc 20 --mode bt --nonvirt

# VM 0 of a host (everything.s, 64 KiB) beside an 8 KiB neighbour under
# trap, saved from the monitor (mon --host): how 05 restores it into VM 0
# of such a host (fuzz_snapshot_into_host), 01 alone.
"$T" asm -o "$WORK/spin.elf" tests/vmm/spin.s
hosted_seed() { # NAME HOW MODE CYCLES [NONVIRT]
	local name=$1 how=$2 mode=$3 cycles=$4 nv=${5:-}
	{
		printf '[vm a]\nkernel = %s\nmode = %s\nmem = 64K\nmax-steps = 40000\n' \
			"$WORK/everything.elf" "$mode"
		[ -n "$nv" ] && printf 'nonvirt = %s\n' "$nv"
		printf '[vm b]\nkernel = %s\nmode = trap\nmem = 8K\nmax-steps = 40000\n' "$WORK/spin.elf"
	} >"$WORK/host.ini"
	rm -f "$WORK/s"
	printf 'host %s\nvm a\nsave %s\nquit\n' "$cycles" "$WORK/s" |
		"$T" mon --host "$WORK/host.ini" >/dev/null 2>&1 || true
	[ -s "$WORK/s" ] || { echo "seeds.sh: $name: nothing saved" >&2; exit 1; }
	{ printf "\\x$how"; cat "$WORK/s"; } >"$SNAP/$name"
}
rm -f "$SNAP"/hosted-*
hosted_seed hosted-trap-into 05 trap 20000
hosted_seed hosted-bt-into 05 bt 30000 x86
hosted_seed hosted-hw-into 05 hw 25000
hosted_seed hosted-pv-into 05 pv 35000
hosted_seed hosted-patch 01 patch 20000 x86

# A relay: listens on the port it prints, connects to the real peer,
# passes bytes both ways, and keeps what the sender sent in a file.
cat >"$WORK/relay.py" <<'EOF'
import socket, sys, threading
out, peer = sys.argv[1], int(sys.argv[2])
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(1)
print(l.getsockname()[1], flush=True)
a, _ = l.accept()
b = socket.create_connection(("127.0.0.1", peer))
kept = open(out, "wb")
def pump(src, dst, keep):
    while True:
        d = src.recv(65536)
        if not d:
            break
        if keep:
            kept.write(d)
        dst.sendall(d)
    try:
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass
t = threading.Thread(target=pump, args=(b, a, False))
t.start()
pump(a, b, True)
t.join()
kept.close()
EOF

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The bytes a sender sent its receiver, both real, with how in front.
stream_seed() { # NAME HOW COMMAND SENDER-OPTIONS...
	local name=$1 how=$2 cmd=$3 port rport
	shift 3
	port=$(free_port)
	"$T" "$cmd" --listen "127.0.0.1:$port" --wait 20 >/dev/null 2>"$WORK/recv.err" &
	local recv=$!
	rm -f "$WORK/stream"
	for _ in $(seq 100); do grep -q listen "$WORK/recv.err" && break; sleep 0.1; done
	coproc RELAY { python3 "$WORK/relay.py" "$WORK/stream" "$port"; }
	read -r rport <&"${RELAY[0]}"
	"$T" "$cmd" --to "127.0.0.1:$rport" --mem 64K --input "$WORK/input" \
		"$@" >/dev/null 2>&1 || true
	wait "$RELAY_PID" || true
	wait "$recv" || true
	[ -s "$WORK/stream" ] || { echo "seeds.sh: $name: nothing sent" >&2; exit 1; }
	{ printf "\\x$how"; cat "$WORK/stream"; } >"$MIG/$name"
}

rm -f "$MIG"/precopy-* "$MIG"/checkpoints-*
for m in trap bt hw pv; do
	opt=; [ $m = bt ] && opt=--nonvirt
	stream_seed "precopy-$m" 02 migrate --mode $m $opt --at 3000 --bandwidth 20 --stop-pages 2 \
		"$WORK/everything.elf"
	stream_seed "checkpoints-$m" 03 failover --mode $m $opt --epoch 3000 --max-steps 9000 \
		"$WORK/everything.elf"
done
ls -l "$SNAP" "$MIG"
