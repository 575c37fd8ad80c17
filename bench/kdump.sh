#!/bin/sh
# bench/kdump.sh [VMCORE [RUNS]]: filtered, compressed dumps of a
# multi-GiB vmcore, makedumpfile against `dumpbox zfcpdump --format kdump`
# (and cp), on the same vmcore in the same run. The vmcore is in the page
# cache (read once before every round), each command writes a file in
# $BENCH_TMP (default: /dev/shm when memory allows, else /tmp); RUNS
# rounds (default 5), the commands interleaved; per command the median wall time, user and sys CPU, output size and the
# peak RSS (`/usr/bin/time -f '%e %U %S %M'`, max over the runs), and
# ratios against `makedumpfile -l` at the same dump level (< 1: faster or
# smaller). The table (markdown) goes to build/bench/kdump-results.md and
# to standard output.
#
# Default VMCORE: bench/mkvmcore-big's (a 3 GiB guest with page cache,
# anonymous memory and stale free pages; made once, ~2 min, cached).
# A dumpbox without `zfcpdump --format` (no kdump writer built in) gets
# "n/a" rows; the others still run.
#
# Environment: DUMPBOX (the binary; default: built from this tree with
# `make O=${O:-build/bench/obj}`), BENCH_TMP (where outputs go),
# BENCH_RUNS (default 5), BENCH_ROWS (the rows to run, names as
# in `rows` below; default all), BENCH_RESULTS (the table's file).
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${2:-${BENCH_RUNS:-5}}
# Outputs go to memory when there is room: the tools are compared, not
# this machine's disk (shared, with writeback from earlier runs).
TMPBASE=${BENCH_TMP:-}
RESULTS=${BENCH_RESULTS:-$SRC/build/bench/kdump-results.md}

skip() { echo "kdump.sh: skipped: $*"; exit 0; }

for t in makedumpfile /usr/bin/time cp awk; do
	command -v "$t" >/dev/null || skip "no $t"
done

if [ $# -ge 1 ]; then
	V=$1
else
	V=$("$SRC/bench/mkvmcore-big") || skip "bench/mkvmcore-big failed"
fi
[ -s "$V" ] || { echo "kdump.sh: no $V" >&2; exit 1; }

vsize=$(stat -c %s "$V")
vused=$(($(stat -c %b "$V") * $(stat -c %B "$V")))
# One output at a time: the largest is cp's (the allocated part).
need=$(((vused >> 20) + 512))
free_mib() { echo $(($(df -P -k "$1" | awk 'NR == 2 { print $4 }') >> 10)); }
if [ -z "$TMPBASE" ]; then
	TMPBASE=/tmp
	if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] &&
	   [ "$(free_mib /dev/shm)" -ge "$need" ] &&
	   [ $(($(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo) >> 10)) -ge $((need + (vused >> 20) + 2048)) ]; then
		TMPBASE=/dev/shm
	fi
fi
mkdir -p "$TMPBASE" "$SRC/build/bench"
free=$(free_mib "$TMPBASE")
[ "$free" -ge "$need" ] || skip "$TMPBASE has $free MiB free, needs $need"
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# The dumpbox binary: given, or built out of tree from this source.
dbnote=
if [ -n "${DUMPBOX:-}" ]; then
	DB=$DUMPBOX
else
	B=${O:-$SRC/build/bench/obj}
	mkdir -p "$B"
	if make -s -C "$SRC" O="$B" >"$B/make.log" 2>&1; then
		DB=$B/dumpbox
	else
		DB=
		dbnote="build failed (see $B/make.log)"
	fi
fi
ours=n
if [ -n "$DB" ]; then
	[ -x "$DB" ] || { echo "kdump.sh: no $DB" >&2; exit 1; }
	if "$DB" zfcpdump --help 2>&1 | grep -q -- --format; then
		ours=y
	else
		dbnote="not built"
	fi
fi

T=$(mktemp -d "$TMPBASE/bench-kdump.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

# name level codec threads: ours need all four; the others name and level.
rows="cp -
mdf_c1 1
mdf_l1 1
mdf_l1t2 1
mdf_c31 31
mdf_l31 31
mdf_E31 31
db_zstd1 1 zstd 2
db_zstd31 31 zstd 2
db_lzo1 1 lzo 2
db_lzo31 31 lzo 2
db_zlib1 1 zlib 2
db_zlib31 31 zlib 2
db_zstd1t1 1 zstd 1
db_zstd31t1 31 zstd 1
db_lzo1t1 1 lzo 1
db_lzo31t1 31 lzo 1
db_zlib1t1 1 zlib 1
db_zlib31t1 31 zlib 1
db_zstdm7_1t1 1 zstd:-7 1
db_zstdm7_31t1 31 zstd:-7 1
db_zstdm3_1t1 1 zstd:-3 1
db_zstdm3_31t1 31 zstd:-3 1
db_zstdm1_1t1 1 zstd:-1 1
db_zstdm1_31t1 31 zstd:-1 1
db_zstd1_1t1 1 zstd:1 1
db_zstd1_31t1 31 zstd:1 1
db_zstd3_1t1 1 zstd:3 1
db_zstd3_31t1 31 zstd:3 1"
if [ -n "${BENCH_ROWS:-}" ]; then
	rows=$(printf '%s\n' "$rows" | awk -v want=" $BENCH_ROWS " 'index(want, " " $1 " ")')
fi

# Each row's command line, as the table shows it.
label() {
	case $1 in
	cp) echo 'cp' ;;
	mdf_c1) echo 'makedumpfile -c -d 1' ;;
	mdf_l1) echo 'makedumpfile -l -d 1' ;;
	mdf_l1t2) echo 'makedumpfile -l -d 1 --num-threads 2' ;;
	mdf_c31) echo 'makedumpfile -c -d 31' ;;
	mdf_l31) echo 'makedumpfile -l -d 31' ;;
	mdf_E31) echo 'makedumpfile -E -d 31' ;;
	db_*) echo "dumpbox zfcpdump --format kdump --compress $3 --threads $4 -d $2" ;;
	esac
}

# run NAME LEVEL [CODEC THREADS]: one timed run, writing $T/out;
# "wall user sys rssKiB" in $T/time.
tm() { /usr/bin/time -f '%e %U %S %M' -o "$T/time" "$@"; }
run() {
	case $1 in
	cp) tm cp "$V" "$T/out" ;;
	mdf_c*) tm makedumpfile -c -d "$2" "$V" "$T/out" ;;
	mdf_l1t2) tm makedumpfile -l -d 1 --num-threads 2 "$V" "$T/out" ;;
	mdf_l*) tm makedumpfile -l -d "$2" "$V" "$T/out" ;;
	mdf_E*) tm makedumpfile -E -d "$2" "$V" "$T/out" ;;
	db_*) tm "$DB" zfcpdump --quiet --source "$V" --output "$T/out" \
		--format kdump --compress "$3" --threads "$4" -d "$2" ;;
	esac
}

# One run of each row per round, in turn; the vmcore is read into the
# page cache again first (the outputs compete with it for memory).
i=1
while [ "$i" -le "$RUNS" ]; do
	cat "$V" >/dev/null
	printf '%s\n' "$rows" | while read -r name level codec threads; do
		case $name in db_*) [ $ours = y ] || continue ;; esac
		rm -f "$T/out"
		if ! run "$name" "$level" "$codec" "$threads" >"$T/log" 2>&1; then
			echo "kdump.sh: $(label "$name" "$level" "$codec" "$threads") failed (round $i):" >&2
			tail -n 5 "$T/log" >&2
			echo "failed" >>"$T/$name"
			continue
		fi
		# A fast output that is not a dump must not win: ours must at
		# least be kdump-compressed files.
		case $name in db_*)
			if [ "$(head -c 8 "$T/out")" != "KDUMP   " ]; then
				echo "kdump.sh: $(label "$name" "$level" "$codec" "$threads"): output is not a kdump-compressed file" >&2
				echo "failed" >>"$T/$name"
				continue
			fi
		esac
		echo "$(tail -n 1 "$T/time") $(stat -c '%s %b %B' "$T/out")" >>"$T/$name"
		rm -f "$T/out"
		# The next run must not pay for writing this one back.
		sync
	done
	i=$((i + 1))
done

# The makeup of the vmcore, from makedumpfile's own counters (untimed).
rm -f "$T/out"
makedumpfile -l -d 31 --message-level 31 "$V" "$T/out" >"$T/makeup" 2>&1 || true
rm -f "$T/out"

# Summary line per row: name level wall cpu user sys sizeB rssKiB
# allocatedB, or
# name level n/a REASON.
printf '%s\n' "$rows" | while read -r name level codec threads; do
	if [ ! -s "$T/$name" ]; then
		echo "$name $level n/a ${dbnote:-not run}"
	elif grep -q failed "$T/$name"; then
		echo "$name $level n/a failed"
	else
		awk -v name="$name" -v level="$level" '
		function median(a, n,   i, j, t) {
			for (i = 2; i <= n; i++)
				for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		{ w[NR] = $1; c[NR] = $2 + $3; u[NR] = $2; s[NR] = $3; z[NR] = $5; a[NR] = $6 * $7
		  if ($4 > rss) rss = $4 }
		END { printf "%s %s %.2f %.2f %.2f %.2f %.0f %.0f %.0f\n", name, level,
			median(w, NR), median(c, NR), median(u, NR), median(s, NR), median(z, NR), rss, median(a, NR) }
		' "$T/$name"
	fi
done >"$T/summary"

mib() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1048576 }'; }
{
	echo "# kdump-compressed dumps: makedumpfile vs dumpbox"
	echo
	echo "vmcore: \`$V\`, $(mib "$vsize") MiB ($(mib "$vused") MiB allocated)."
	echo "Its pages by makedumpfile's classes (\`makedumpfile -d 31 --message-level 31\`):"
	echo
	awk '
	function hex(s,   i, c, v) { v = 0; s = tolower(s); sub(/^0x/, "", s)
		for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
		return v }
	/Original pages/ { k = "all pages (RAM in the vmcore)" }
	/Pages filled with zero/ { k = "zero (1)" }
	/Non-private cache pages/ { k = "non-private cache (2)" }
	/^ *Private cache pages/ { k = "private cache (4)" }
	/User process data pages/ { k = "user data (8)" }
	/Free pages/ { k = "free (16)" }
	/Remaining pages/ { k = "kept at -d 31" }
	k != "" { n = hex($NF); printf "| %s | %d | %.0f MiB |\n", k, n, n / 256; k = "" }
	BEGIN { print "| class | pages | size |"; print "|---|---:|---:|" }
	' "$T/makeup"
	echo
	echo "(A page counts in the first class that excludes it: user pages full"
	echo "of zeros are \"user data\".)"
	echo
	echo "$(uname -r) on $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)),"
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(makedumpfile -v 2>&1 | head -n 1);"
	if [ $ours = y ]; then
		echo "dumpbox: \`$DB\` ($(git -C "$SRC" describe --always --dirty 2>/dev/null || echo '?'))."
	else
		echo "dumpbox: n/a (${dbnote})."
	fi
	echo "vmcore in the page cache, outputs to $TMPBASE ($(df -P -T "$TMPBASE" | awk 'NR == 2 { print $2 }'));"
	echo "median of $RUNS runs, commands interleaved; RSS: the largest of the runs;"
	echo "load average before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg)."
	echo "Ratios: to \`makedumpfile -l\` at the same dump level (< 1: faster, smaller),"
	echo "and the size to \`makedumpfile -c\`'s; \"both\": at most -l's wall time and"
	echo "at most -c's size."
	echo
	echo "| command | wall s | CPU s | user s | sys s | size MiB | peak RSS MiB | wall / -l | CPU / -l | size / -l | size / -c | both |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	awk '
	NR == FNR { if ($3 != "n/a") { if ($1 == "mdf_l1") { lw[1] = $3; lc[1] = $4; ls[1] = $7 }
		if ($1 == "mdf_l31") { lw[31] = $3; lc[31] = $4; ls[31] = $7 }
		if ($1 == "mdf_c1") cs[1] = $7
		if ($1 == "mdf_c31") cs[31] = $7 }
		line[NR] = $0; n = NR; next }
	{ lab[FNR] = $0 }
	function r(a, b) { return (b > 0) ? sprintf("%.2f", a / b) : "" }
	END {
		for (i = 1; i <= n; i++) {
			split(line[i], f, " ")
			if (f[3] == "n/a") {
				reason = line[i]; sub(/^[^ ]* [^ ]* n\/a /, "", reason)
				printf "| `%s` | n/a (%s) | | | | | | | | | | |\n", lab[i], reason
				continue
			}
			L = f[2]
			both = (L != "-" && lw[L] > 0 && cs[L] > 0) ? ((f[3] <= lw[L] && f[7] <= cs[L]) ? "yes" : "no") : ""
			printf "| `%s` | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f | %s | %s | %s | %s | %s |\n", lab[i],
				f[3], f[4], f[5], f[6], f[7] / 1048576, f[8] / 1024,
				L == "-" ? "" : r(f[3], lw[L]), L == "-" ? "" : r(f[4], lc[L]), L == "-" ? "" : r(f[7], ls[L]),
				L == "-" ? "" : r(f[7], cs[L]), both
		}
	}' "$T/summary" - <<EOF
$(printf '%s\n' "$rows" | while read -r name level codec threads; do label "$name" "$level" "$codec" "$threads"; done)
EOF
	echo
	awk '$1 == "cp" && $3 != "n/a" { printf "cp copies the allocated part only (the vmcore is sparse: zero blocks are\nholes): %.0f MiB of the %.0f MiB it writes are allocated.\n", $9 / 1048576, $7 / 1048576 }' "$T/summary"
} >"$RESULTS"
cat "$RESULTS"
