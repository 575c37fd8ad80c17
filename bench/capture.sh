#!/bin/sh
# capture.sh: the automatic dump where it really runs, in the capture
# kernel of a real crash (tests/qemu/crash-e2e: Debian's kernel crashed
# with sysrq in QEMU, TCG, one CPU, our initramfs), one run after the
# other so that nothing else shares the host's cores:
#   auto          raw ELF to a prepared dump disk (dumpbox.format=elf)
#   menu-timeout  kdump-compressed zlib, -d 31, into /var/crash of ext4
#   fs-xfs        the same into xfs
# Reported: the dump's own time and size ("Dump successful (N MiB in T
# s)" on the console), the MiB/s of /proc/vmcore it read, and the bytes
# the dump file holds (the dump disk's header, or info.json).
#
# BENCH_CAPTURE_MEM: the guest's memory in MiB (default 1024);
# BENCH_CRASHKERNEL (default 128M, what Debian's kdump-tools reserves).
# Reproduce one run: make; scripts/mkinitramfs --selftest KERNEL -o I;
# DUMPBOX_FRESH=1 tests/qemu/crash-e2e --initrd I --mem 1024 auto DIR
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
DUMPBOX=${DUMPBOX:-$SRC/dumpbox}
mem=${BENCH_CAPTURE_MEM:-1024}
ck=${BENCH_CRASHKERNEL:-128M}
command -v qemu-system-x86_64 >/dev/null || { echo "capture: no qemu-system-x86_64: skipped"; exit 0; }
[ -x "$DUMPBOX" ] || { echo "capture: no $DUMPBOX: run make first"; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/bench-capture.XXXXXX")
trap 'rm -rf "$W"' EXIT
eval "$("$SRC/scripts/fetch-kernel" x86_64)"
"$SRC/scripts/mkinitramfs" --dumpbox "$DUMPBOX" --selftest "$KERNEL" -o "$W/initrd" >/dev/null 2>&1 ||
	{ echo "capture: mkinitramfs failed"; exit 1; }

printf '%-14s %-37s %8s %9s %8s %12s\n' scenario dump "vmcore" "seconds" "MiB/s" "bytes"
for s in auto menu-timeout fs-xfs; do
	DUMPBOX_FRESH=1 "$SRC/tests/qemu/crash-e2e" --dumpbox "$DUMPBOX" --initrd "$W/initrd" \
		--mem "$mem" --crashkernel "$ck" --timeout 600 "$s" "$W" >"$W/$s.out" 2>&1 ||
		{ echo "capture: $s failed:"; tail -n 20 "$W/$s.out"; continue; }
	log=$(sed 's/^\[ *[0-9.]*\] //' "$W/$s.serial.log")
	what=$(printf '%s\n' "$log" | sed -n 's/^Dump format: *//p' | head -n 1)
	vm=$(printf '%s\n' "$log" | sed -n 's/.*\/proc\/vmcore: \([0-9]*\) MiB to dump.*/\1/p' | tail -n 1)
	secs=$(printf '%s\n' "$log" | sed -n 's/^Dump successful ([0-9]* MiB in \([0-9.]*\) s).*/\1/p')
	case $s in
	auto) bytes=$("$DUMPBOX" diskprep info --json "$W/$s.disk.img" 2>/dev/null | jq -r .dump_bytes) ;;
	menu-timeout)
		(cd "$W" && debugfs -R "rdump /var/crash ." "$s.disk.img" >/dev/null 2>&1)
		bytes=$(jq -r .written "$W"/crash/dump-*/info.json 2>/dev/null) ;;
	*) bytes=$(printf '%s\n' "$log" | sed -n 's/^Dump successful (\([0-9]*\) MiB.*/\1 MiB/p') ;;
	esac
	printf '%-14s %-37s %5s MiB %9s %8s %12s\n' "$s" "$what" "$vm" "$secs" \
		"$(awk -v m="$vm" -v t="$secs" 'BEGIN { if (t > 0) printf "%.0f", m / t }')" "${bytes:-?}"
done
echo "(guest ${mem} MiB, crashkernel=$ck, TCG, one CPU; $(nproc) host cores)"
