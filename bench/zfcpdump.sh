#!/bin/sh
# bench/zfcpdump.sh [VMCORE [RUNS]]: time `zfcpdump` writing a multi-GiB
# vmcore to a prepared dump disk (a loop device over a file) against
# `dd ... conv=fsync` to the same loop device, `cp` to a file + `sync`, and
# `makedumpfile -E -d 0` to a file + `sync`. Every run starts with a cold
# page cache and ends with the data on disk (fsync/sync included); RUNS
# rounds (default 5), the tools interleaved, median of each. Also the peak
# RSS of zfcpdump and how far the page cache (Cached + Buffers, Dirty in
# /proc/meminfo, sampled every 50 ms) grows during each tool's runs.
#
# Default VMCORE: a real one, tests/qemu/make-vmcore of a bigger guest
# (BENCH_VMCORE_MEM MiB, default 4096; crashkernel=256M), in
# build/cores/big-MEM/ (the QEMU run is cached like the tests' one).
#
# Needs root (losetup, drop_caches); skipped with a message otherwise, or
# when the disk has less than 3x the vmcore's size free.
# Environment: DUMPBOX (default ./dumpbox of this tree), BENCH_TMP (where
# the loop device's file and the copies go, default /tmp).
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${2:-5}
DB=${DUMPBOX:-$SRC/dumpbox}
MEM=${BENCH_VMCORE_MEM:-4096}
TMPBASE=${BENCH_TMP:-/tmp}

skip() { echo "zfcpdump.sh: skipped: $*"; exit 0; }

[ "$(id -u)" = 0 ] || skip "needs root (losetup, drop_caches)"
[ -w /proc/sys/vm/drop_caches ] || skip "cannot drop caches"
for t in losetup makedumpfile python3 /usr/bin/time; do
	command -v "$t" >/dev/null || skip "no $t"
done
[ -x "$DB" ] || { echo "zfcpdump.sh: no $DB: run make" >&2; exit 1; }

if [ $# -ge 1 ]; then
	V=$1
else
	V=$SRC/build/cores/big-$MEM/vmcore-x86_64
	if [ ! -s "$V" ]; then
		DUMPBOX_VMCORE_MEM=$MEM DUMPBOX_CRASHKERNEL=${DUMPBOX_CRASHKERNEL:-256M} \
		DUMPBOX_TIMEOUT=${DUMPBOX_TIMEOUT:-900} \
			"$SRC/tests/qemu/make-vmcore" "$SRC/build/cores/big-$MEM" >/dev/null ||
			skip "make-vmcore failed"
	fi
fi
[ -s "$V" ] || { echo "zfcpdump.sh: no $V" >&2; exit 1; }

vsize=$(stat -c %s "$V")
vmib=$((vsize >> 20))
vused=$(($(stat -c %b "$V") * $(stat -c %B "$V") >> 20))
mkdir -p "$TMPBASE"
free=$(($(df -P -k "$TMPBASE" | awk 'NR == 2 { print $4 }') >> 10))
need=$((3 * vmib + 256))
[ "$free" -ge "$need" ] || skip "$TMPBASE has $free MiB free, needs $need (3x the vmcore)"

T=$(mktemp -d "$TMPBASE/bench-zfcpdump.XXXXXX")
LOOP=
cleanup() {
	[ -z "$LOOP" ] || losetup -d "$LOOP"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The dump area must hold the vmcore plus the partition table, the two
# superblocks and the log area.
# Written out in full first: the first tool to write it must not pay for
# the filesystem's block allocation. Direct I/O to the file, so the loop
# device caches like a disk does, once (not again in the file's cache).
dd if=/dev/zero of="$T/disk.img" bs=1M count=$((vmib + 64)) conv=fsync status=none
LOOP=$(losetup -f --show --direct-io=on "$T/disk.img")
prep() { "$DB" diskprep prep --meminfo /dev/null "$LOOP" --force >/dev/null; }

# The commands, run by sh -c under /usr/bin/time (the variables come
# from the environment); each must leave its data on stable storage.
export DB V LOOP T
cmd() {
	case $1 in
	zfcpdump) echo '"$DB" zfcpdump --quiet --force --source "$V" --target "$LOOP" 2>"$T/err"' ;;
	dd) echo 'dd if="$V" of="$LOOP" bs=1M conv=fsync status=none' ;;
	cp) echo 'cp "$V" "$T/cp.out" && sync' ;;
	makedumpfile) echo 'makedumpfile -E -d 0 "$V" "$T/mdf.out" >/dev/null 2>"$T/err" && sync' ;;
	esac
}
tools="zfcpdump dd cp makedumpfile"

# Max Dirty and max growth of Cached (KiB) while a command runs.
sampler() {
	exec python3 -c '
import os, sys, time
def rd():
    m = {}
    for l in open("/proc/meminfo"):
        k, v = l.split(":")
        m[k] = int(v.split()[0])
    return m["Cached"] + m["Buffers"], m["Dirty"]
c0, _ = rd()
mc = md = 0
out = sys.argv[1]
while True:
    c, d = rd()
    mc, md = max(mc, c - c0), max(md, d)
    with open(out + ".tmp", "w") as f:
        f.write("%d %d\n" % (mc, md))
    os.rename(out + ".tmp", out)
    time.sleep(0.05)
' "$1"
}

# One cold run of tool $1, round $2: appends "wall user sys rssKiB
# cachedKiB dirtyKiB" to $T/$1.
measure() {
	case $1 in
	zfcpdump) prep ;;
	cp) rm -f "$T/cp.out" ;;
	makedumpfile) rm -f "$T/mdf.out" ;;
	esac
	sync
	echo 3 > /proc/sys/vm/drop_caches
	rm -f "$T/mem"
	sampler "$T/mem" &
	spid=$!
	while [ ! -s "$T/mem" ]; do sleep 0.01; done
	if ! /usr/bin/time -f "%e %U %S %M" -o "$T/time" sh -c "$(cmd "$1")"; then
		kill "$spid"
		echo "zfcpdump.sh: $1 failed (round $2)" >&2
		cat "$T/time" "$T/err" >&2 2>/dev/null
		exit 1
	fi
	sleep 0.1
	kill "$spid"
	wait "$spid" 2>/dev/null || true
	# What of the source is still cached: in a capture kernel the
	# source is /proc/vmcore, which the page cache does not hold.
	src=$(fincore -b -n -o RES "$V" 2>/dev/null || echo 0)
	echo "$(tail -n 1 "$T/time") $(cat "$T/mem") $((src >> 10))" >> "$T/$1"
}

i=1
while [ "$i" -le "$RUNS" ]; do
	for t in $tools; do
		measure "$t" "$i"
	done
	i=$((i + 1))
done

# Medians (wall, cpu = user + sys), max RSS, max cache growth, max Dirty.
summary() {
	awk -v tool="$1" -v vmib="$vmib" '
	{ w[NR] = $1; c[NR] = $2 + $3; if ($4 > rss) rss = $4
	  if ($5 > cg) cg = $5; if ($6 > dt) dt = $6; if ($7 > sc) sc = $7 }
	function median(a, n,   i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	END { printf "%s %.2f %.2f %d %d %d %d\n", tool, median(w, NR), median(c, NR), rss, cg / 1024, dt / 1024, sc / 1024 }
	' "$T/$1"
}
for t in $tools; do summary "$t"; done > "$T/summary"

echo "zfcpdump of $V: $vmib MiB ($vused MiB allocated, the rest holes),"
echo "to $LOOP over $T/disk.img; cold cache, data synced, median of $RUNS"
printf '%-13s %7s %7s %7s %8s %8s %8s %8s\n' tool "wall s" "cpu s" "MiB/s" "RSS KiB" "Cached+" "Dirty" "src"
awk -v vmib="$vmib" '{ printf "%-13s %7.2f %7.2f %7.0f %8d %8d %8d %8d\n", $1, $2, $3, vmib / $2, $4, $5, $6, $7 }' "$T/summary"
awk '
	$1 == "zfcpdump" { zw = $2; zc = $3; next }
	best == "" || $2 < bw { best = $1; bw = $2; bc = $3 }
	$1 == "dd" { dw = $2; dc = $3 }
	END { printf "zfcpdump / fastest other (%s): wall %.2fx, cpu %.2fx\n", best, zw / bw, bc ? zc / bc : 0
	      printf "zfcpdump / dd (the same target): wall %.2fx, cpu %.2fx\n", zw / dw, dc ? zc / dc : 0 }
' "$T/summary"
echo "(cp skips the source's holes: it writes only the allocated part)"
echo "(RSS: peak; Cached+: peak growth of Cached + Buffers in a run, MiB; Dirty: peak, MiB;"
echo " src: MiB of the source file cached after a run, part of Cached+)"
if [ -n "${BENCH_RAW:-}" ]; then
	for t in $tools; do sed "s/^/$t /" "$T/$t"; done
fi
