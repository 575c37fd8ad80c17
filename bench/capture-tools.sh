#!/bin/sh
# capture-tools.sh: our dump against Debian's makedumpfile where the dump
# really runs: in the capture kernel of one real crash (QEMU, TCG, one CPU:
# kdump-load's nr_cpus=1), reading /proc/vmcore, writing to the same
# virtual disk (ext4), one after the other, with the page cache dropped
# before each and the final sync inside the timing:
#   ours: raw ELF; kdump -d 31 and -d 1 with zstd (the default, level 2),
#   lzo, zlib, zstd:-1 and zstd:1; -d 31 zstd through read() instead of
#   mmap() (DUMPBOX_MMAP=0)
#   makedumpfile 1.7.2 (its binary and libraries put into the capture
#   initramfs with mkinitramfs --extra): -l and -c at -d 31 and -d 1
# Prints wall seconds, MiB/s of /proc/vmcore and bytes per row, then our
# -d 31 and -d 1 against makedumpfile -l's time and -c's size.
#
# BENCH_CAPTURE_MEM: guest MiB (default 1024); BENCH_CRASHKERNEL (default
# 128M). Reproduce by hand: the files are kept in $BENCH_KEEP when set.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
DUMPBOX=${DUMPBOX:-$SRC/dumpbox}
mem=${BENCH_CAPTURE_MEM:-1024}
ck=${BENCH_CRASHKERNEL:-128M}
MDF=$(command -v makedumpfile || true)
command -v qemu-system-x86_64 >/dev/null || { echo "capture-tools: no qemu-system-x86_64: skipped"; exit 0; }
[ -n "$MDF" ] || { echo "capture-tools: no makedumpfile: skipped"; exit 0; }
[ -x "$DUMPBOX" ] || { echo "capture-tools: no $DUMPBOX: run make first"; exit 1; }
W=${BENCH_KEEP:-$(mktemp -d "${TMPDIR:-/tmp}/bench-capture-tools.XXXXXX")}
mkdir -p "$W"
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$W"' EXIT

# makedumpfile and what it links, as the host has them.
{
	echo "dir /lib64 0755 0 0"
	echo "dir /lib/x86_64-linux-gnu 0755 0 0"
	echo "file /bin/makedumpfile $MDF 0755 0 0"
	ldd "$MDF" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
	while read -r lib; do
		case $lib in
		/lib64/*) dest=$lib ;;
		*) dest=/lib/x86_64-linux-gnu/$(basename "$lib") ;;
		esac
		echo "file $dest $(readlink -f "$lib") 0755 0 0"
	done
	echo "file /bin/bench-run $W/bench-run 0755 0 0"
} > "$W/extra.spec"
cat > "$W/bench-run" <<'EOF'
#!/bin/sh
# In the capture kernel: each dump of /proc/vmcore to /mnt/out in turn.
mkdir -p /mnt
mount -t ext4 /dev/sda /mnt || { echo "BENCH-FAIL mount"; echo BENCH-DONE; exit 0; }
now() { read -r up _ < /proc/uptime; echo "$up"; }
run() {
	name=$1
	shift
	rm -f /mnt/out
	sync
	echo 3 > /proc/sys/vm/drop_caches
	t0=$(now)
	if ! "$@" > /mnt/log 2>&1; then
		echo "BENCH-FAIL $name: $(tail -n 1 /mnt/log)"
		return
	fi
	sync
	t1=$(now)
	echo "BENCH $name $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') $(stat -c %s /mnt/out)"
}
z="zfcpdump --quiet --source /proc/vmcore --output /mnt/out"
run ours-raw $z
for d in 31 1; do
	for c in zstd lzo zlib zstd:-1 zstd:1; do
		run "ours-$c-d$d" $z --format kdump --compress $c -d $d
	done
	run "makedumpfile-l-d$d" makedumpfile -l -d $d /proc/vmcore /mnt/out
	run "makedumpfile-c-d$d" makedumpfile -c -d $d /proc/vmcore /mnt/out
done
DUMPBOX_MMAP=0 run ours-zstd-d31-read $z --format kdump --compress zstd -d 31
echo "BENCH-VMCORE $(stat -c %s /proc/vmcore)"
rm -f /mnt/out /mnt/log
umount /mnt
echo BENCH-DONE
EOF
eval "$("$SRC/scripts/fetch-kernel" x86_64)"
"$SRC/scripts/mkinitramfs" --dumpbox "$DUMPBOX" --extra "$W/extra.spec" --selftest "$KERNEL" \
	-o "$W/initrd" >/dev/null 2>&1 || { echo "capture-tools: mkinitramfs failed"; exit 1; }
DUMPBOX_FRESH=1 "$SRC/tests/qemu/crash-e2e" --dumpbox "$DUMPBOX" --initrd "$W/initrd" \
	--mem "$mem" --crashkernel "$ck" --timeout 1800 bench "$W" >"$W/e2e.out" 2>&1 ||
	{ echo "capture-tools: the QEMU run failed:"; tail -n 20 "$W/e2e.out"; exit 1; }
log=$W/bench.serial.log
grep -a 'BENCH-FAIL' "$log" | sed 's/^\[[^]]*\] //' || true
vm=$(sed -n 's/.*BENCH-VMCORE \([0-9]*\).*/\1/p' "$log" | head -n 1)
printf '%-22s %8s %8s %12s\n' dump seconds MiB/s bytes
sed -n 's/.*BENCH \([^ ]*\) \([0-9.]*\) \([0-9]*\).*/\1 \2 \3/p' "$log" | tr -d '\r' > "$W/rows"
while read -r n s b; do
	printf '%-22s %8s %8s %12s\n' "$n" "$s" "$(awk -v v="$vm" -v t="$s" 'BEGIN { if (t > 0) printf "%.0f", v / 1048576 / t }')" "$b"
done < "$W/rows"
row() { awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$W/rows"; }
for d in 31 1; do
	echo "-d $d: ours zstd $(row "ours-zstd-d$d" 2) s vs makedumpfile -l $(row "makedumpfile-l-d$d" 2) s;" \
		"$(row "ours-zstd-d$d" 3) bytes vs makedumpfile -c $(row "makedumpfile-c-d$d" 3) bytes"
done
echo "(guest $mem MiB, crashkernel=$ck, /proc/vmcore $((vm >> 20)) MiB; TCG, capture kernel nr_cpus=1)"
