#!/bin/sh
# triage.sh [VMCORE]: how long `vmcore-inspect triage` takes and how much
# memory, on a real multi-GiB vmcore with a cold page cache (it should
# read only the log's and the symbol table's pages, not the dump): the
# median of 5 runs, wall seconds and peak RSS.
#
# Default VMCORE: build/cores/big-4096/vmcore-x86_64, as zfcpdump.sh
# makes it (tests/qemu/make-vmcore of a 4 GiB guest).
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
DB=${DUMPBOX:-$SRC/dumpbox}
MEM=${BENCH_VMCORE_MEM:-4096}
skip() { echo "triage.sh: skipped: $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root (drop_caches)"
command -v /usr/bin/time >/dev/null || skip "no /usr/bin/time"
[ -x "$DB" ] || { echo "triage.sh: no $DB: run make" >&2; exit 1; }
V=${1:-$SRC/build/cores/big-$MEM/vmcore-x86_64}
if [ ! -s "$V" ]; then
	DUMPBOX_VMCORE_MEM=$MEM DUMPBOX_CRASHKERNEL=${DUMPBOX_CRASHKERNEL:-256M} \
	DUMPBOX_TIMEOUT=${DUMPBOX_TIMEOUT:-900} \
		"$SRC/tests/qemu/make-vmcore" "$SRC/build/cores/big-$MEM" >/dev/null ||
		skip "make-vmcore failed"
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
for i in 1 2 3 4 5; do
	sync
	echo 3 > /proc/sys/vm/drop_caches
	/usr/bin/time -f '%e %M' -o "$W/time" "$DB" vmcore-inspect triage "$V" > /dev/null
	cat "$W/time" >> "$W/all"
done
sort -n "$W/all" | sed -n 3p | {
	read -r secs rss
	printf 'triage of %s (%s MiB): median %s s wall, peak RSS %s KiB, cold cache\n' \
		"$V" "$(( $(stat -c %s "$V") >> 20 ))" "$secs" "$rss"
}
