#!/bin/sh
# bench/codecs.sh [VMCORE [RUNS]]: which codec and level, on one CPU,
# gives a dump no larger than `makedumpfile -c` in no more wall time than
# `makedumpfile -l`? bench/kdump.sh's rows on one thread (lzo, zlib, zstd
# at levels -7, -3, -1, 1, 2 (ours by default) and 3) at dump levels 1
# and 31, the whole run pinned to CPU 0 (taskset), as a capture kernel
# with nr_cpus=1 runs them. The table goes to build/bench/codecs-results.md
# and standard output; its "both" column answers the question per row.
#
# Default VMCORE: tests/qemu/make-vmcore's (the test suite's real vmcore,
# a 512 MiB guest's; made when missing, ~1 min). RUNS default 3. DUMPBOX
# as for bench/kdump.sh.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
command -v taskset >/dev/null || { echo "codecs.sh: skipped: no taskset"; exit 0; }
if [ $# -ge 1 ]; then
	V=$1
else
	V=$SRC/build/cores/vmcore-x86_64
	[ -s "$V" ] || "$SRC/tests/qemu/make-vmcore" "$SRC/build/cores" >/dev/null 2>&1 ||
		{ echo "codecs.sh: skipped: tests/qemu/make-vmcore failed"; exit 0; }
fi
rows="mdf_c1 mdf_l1 mdf_c31 mdf_l31"
for l in 1 31; do
	for c in lzo zlib zstdm7_ zstdm3_ zstdm1_ zstd1_ zstd zstd3_; do
		rows="$rows db_$c${l}t1"
	done
done
BENCH_ROWS=$rows BENCH_RESULTS=$SRC/build/bench/codecs-results.md \
	exec taskset -c 0 sh "$SRC/bench/kdump.sh" "$V" "${2:-3}"
