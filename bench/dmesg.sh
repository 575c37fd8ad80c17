#!/bin/sh
# bench/dmesg.sh [VMCORE [RUNS]]: time `vmcore-inspect dmesg` against
# `makedumpfile --dump-dmesg` on the same vmcore (default: the real crash
# dump of tests/qemu/make-vmcore in build/cores/), with a warm page cache
# (RUNS runs each, default 50) and a cold one (5 runs each, caches dropped
# before every run; needs root, skipped otherwise), and their peak RSS.
# Prints a table with makedumpfile / dumpbox ratios (> 1: we are faster).
# With hyperfine installed, its warm-cache comparison follows.
#
# Environment: DUMPBOX (default ./dumpbox of this tree).
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
V=${1:-$SRC/build/cores/vmcore-x86_64}
RUNS=${2:-50}
DB=${DUMPBOX:-$SRC/dumpbox}

if [ ! -s "$V" ]; then
	mkdir -p "$SRC/build/cores"
	"$SRC/tests/qemu/make-vmcore" "$SRC/build/cores" >/dev/null
fi
[ -x "$DB" ] || { echo "dmesg.sh: no $DB: run make" >&2; exit 1; }
command -v makedumpfile >/dev/null || { echo "dmesg.sh: no makedumpfile" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

ours() { "$DB" vmcore-inspect dmesg "$V" > "$T/ours"; }
# makedumpfile will not overwrite its output file.
theirs() { rm -f "$T/mdf"; makedumpfile --dump-dmesg "$V" "$T/mdf" >/dev/null 2>&1; }

now() { date +%s%N; }

# mean_ms FUNC N [cold]: mean wall time of N runs, in milliseconds.
mean_ms() {
	total=0
	i=0
	while [ $i -lt "$2" ]; do
		if [ -n "${3:-}" ]; then
			sync
			echo 3 > /proc/sys/vm/drop_caches
		fi
		t0=$(now)
		"$1"
		t1=$(now)
		total=$((total + t1 - t0))
		i=$((i + 1))
	done
	echo "$total $2" | awk '{ printf "%.3f", $1 / $2 / 1e6 }'
}

ratio() { echo "$1 $2" | awk '{ printf "%.2fx", $2 / $1 }'; }

ours
theirs
lines=$(wc -l < "$T/ours")
size=$(du -m --apparent-size "$V" | cut -f1)
echo "dmesg of $V ($size MB, $lines lines of log)"
printf '%-26s %14s %14s %8s\n' "" "dumpbox" "makedumpfile" "ratio"

o=$(mean_ms ours 3)
o=$(mean_ms ours "$RUNS")
m=$(mean_ms theirs 3)
m=$(mean_ms theirs "$RUNS")
printf '%-26s %11s ms %11s ms %8s\n' "warm cache, mean of $RUNS" "$o" "$m" "$(ratio "$o" "$m")"

if [ -w /proc/sys/vm/drop_caches ]; then
	o=$(mean_ms ours 5 cold)
	m=$(mean_ms theirs 5 cold)
	printf '%-26s %11s ms %11s ms %8s\n' "cold cache, mean of 5" "$o" "$m" "$(ratio "$o" "$m")"
else
	echo "cold cache: skipped (dropping caches needs root)"
fi

if [ -x /usr/bin/time ]; then
	/usr/bin/time -f %M -o "$T/rss-ours" "$DB" vmcore-inspect dmesg "$V" >/dev/null
	rm -f "$T/mdf"
	/usr/bin/time -f %M -o "$T/rss-theirs" makedumpfile --dump-dmesg "$V" "$T/mdf" >/dev/null 2>&1
	o=$(tail -n 1 "$T/rss-ours")
	m=$(tail -n 1 "$T/rss-theirs")
	printf '%-26s %10s KiB %10s KiB %8s\n' "peak RSS" "$o" "$m" "$(ratio "$o" "$m")"
fi

if command -v hyperfine >/dev/null; then
	hyperfine -N --warmup 3 --runs "$RUNS" \
		"$DB vmcore-inspect dmesg $V" \
		--prepare "rm -f $T/mdf" "makedumpfile --dump-dmesg $V $T/mdf"
fi
