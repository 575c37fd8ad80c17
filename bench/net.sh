#!/bin/sh
# net.sh: the dump over the network against the dump to a local disk,
# from the capture kernel of one kind of real crash (tests/qemu/crash-e2e,
# TCG, one CPU), one run after the other:
#   disk   kdump-compressed zlib, -d 31, into /var/crash of ext4 on the
#          guest's virtio-scsi disk (crash-e2e's menu-timeout)
#   ssh    the same dump as a flattened stream through Dropbear's client
#          to the host's OpenSSH sshd (tests/net/sshd) over QEMU's
#          user-mode network
#   nfs    the same dump into an NFSv4 export of nfs-ganesha
#          (tests/net/nfsd), the kernel's client
# Reported: the dump's time ("Dump successful (N MiB in T s)"), the MiB/s
# of /proc/vmcore it read, the bytes it wrote, and for ssh the CPU the
# client used (its cipher is the dump's cost on one CPU). All servers are
# on 127.0.0.1; as root (sshd). BENCH_NET_MEM: the guest's MiB (1024).
# Reproduce one run: tests/slow/net.test's run() with --mem.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
DUMPBOX=${DUMPBOX:-$SRC/dumpbox}
mem=${BENCH_NET_MEM:-1024}
command -v qemu-system-x86_64 >/dev/null || { echo "net: no qemu-system-x86_64: skipped"; exit 0; }
[ "$(id -u)" = 0 ] || { echo "net: sshd runs as root: skipped"; exit 0; }
[ -x "$DUMPBOX" ] || { echo "net: no $DUMPBOX: run make first"; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/bench-net.XXXXXX")
SSHD=$SRC/tests/net/sshd NFSD=$SRC/tests/net/nfsd
trap '"$SSHD" stop "$W/sshd" >/dev/null 2>&1; "$NFSD" stop "$W/nfsd" >/dev/null 2>&1; rm -rf "$W"' EXIT
eval "$("$SRC/scripts/fetch-kernel" x86_64)"
ssh-keygen -q -t ed25519 -N '' -f "$W/key"
"$SSHD" start "$W/sshd" "$W/key.pub" >"$W/sshd.env" || { echo "net: sshd did not start"; exit 1; }
port=$(sed -n 's/^PORT=//p' "$W/sshd.env")
echo "[10.0.2.2]:$port $(cut -d' ' -f1,2 "$W/sshd/ssh_host_ed25519_key.pub")" >"$W/known_hosts"
"$SRC/scripts/mkinitramfs" --dumpbox "$DUMPBOX" --selftest "$KERNEL" --ssh-key "$W/key" \
	--ssh-known-hosts "$W/known_hosts" -o "$W/initrd" >/dev/null 2>&1 ||
	{ echo "net: mkinitramfs failed"; exit 1; }
out="dumpbox.format=kdump dumpbox.compress=zlib dumpbox.level=31"

e2e() {	# e2e NAME SCENARIO [APPEND]
	DUMPBOX_FRESH=1 "$SRC/tests/qemu/crash-e2e" --dumpbox "$DUMPBOX" --initrd "$W/initrd" \
		--mem "$mem" --timeout 600 ${3:+--append "$3"} "$2" "$W/$1" >"$W/$1.out" 2>&1 ||
		{ echo "net: $1 failed:"; tail -n 20 "$W/$1.out"; return 1; }
}
row() {	# row NAME BYTES: from NAME's console log
	log=$(sed 's/^\[ *[0-9.]*\] //' "$W/$1"/*.serial.log)
	vm=$(printf '%s\n' "$log" | sed -n 's/.*\/proc\/vmcore: \([0-9]*\) MiB to dump.*/\1/p' | tail -n 1)
	secs=$(printf '%s\n' "$log" | sed -n 's/^Dump successful ([0-9]* MiB in \([0-9.]*\) s).*/\1/p')
	cpu=$(printf '%s\n' "$log" | sed -n 's/.*the SSH client used \([0-9.]*\) s of CPU (\([^)]*\)).*/\1 s (\2)/p')
	printf '%-6s %6s MiB %8s %8s %12s  %s\n' "$1" "${vm:-?}" "${secs:-?}" \
		"$(awk -v m="$vm" -v t="$secs" 'BEGIN { if (t > 0) printf "%.0f", m / t }')" "${2:-?}" "${cpu:--}"
}
printf '%-6s %10s %8s %8s %12s  %s\n' target vmcore seconds "MiB/s" bytes "SSH client CPU"

if e2e disk menu-timeout; then
	(cd "$W/disk" && debugfs -R "rdump /var/crash ." menu-timeout.disk.img >/dev/null 2>&1)
	row disk "$(jq -r .written "$W"/disk/crash/dump-*/info.json 2>/dev/null)"
fi
mkdir -p "$W/ssh.srv"
if e2e ssh net "dumpbox.target=ssh:root@10.0.2.2:$port dumpbox.path=$W/ssh.srv $out"; then
	row ssh "$(stat -c %s "$W"/ssh.srv/dump-*/vmcore.flat 2>/dev/null)"
fi
if "$NFSD" start "$W/nfsd" "$W/export" >"$W/nfsd.env" 2>"$W/nfsd.err"; then
	nport=$(sed -n 's/^PORT=//p' "$W/nfsd.env")
	if e2e nfs net "dumpbox.target=nfs:10.0.2.2:/dump,port=$nport $out"; then
		row nfs "$(jq -r .written "$W"/export/var/crash/dump-*/info.json 2>/dev/null)"
	fi
else
	echo "net: nfs-ganesha did not start: $(tail -n 1 "$W/nfsd.err")"
fi
echo "(guest ${mem} MiB, crashkernel=128M, TCG, one CPU; $(nproc) host cores; bytes: the file"
echo " as written: ssh's is the flattened stream, a little larger than the file it rebuilds)"
