#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel in QEMU with a busybox initramfs, run a guest script, copy the
# results and the full kernel log back, and fail on any kernel splat.
#
#   vm-run.sh --image BZIMAGE --modroot DIR --release REL --script GUEST.sh --out DIR
#             [--module FILE.ko]... [--bin FILE]... [--timeout S] [--mem SIZE]
#             [--append "kernel args"] [--modprobe "mod mod"]
#
# --modroot holds lib/modules/REL; --module files go to lib/modules/REL/extra;
# --bin files go to /tests with the shared libraries they need; --modprobe names
# modules loaded before the script runs; --append adds kernel arguments (e.g.
# `make check`'s memmap=768M$0x60000000 with --mem 3G: a reservation must lie
# inside guest RAM, which with up to 3.5G is all below 4G, and clear of the top
# of it, where QEMU loads the initramfs). Output in --out: console.log (serial
# console), results.log (what the guest script printed), dmesg.log (the full
# kernel log), kmemleak.log, splats.log. Exit status: the guest script's, or 1
# on a splat, a timeout or a guest that never finished.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
image="" modroot="" release="" script="" out="" timeout=1800 mem=2G append="" modprobe=""
modules=() bins=()
while [ $# -gt 0 ]; do
	case "$1" in
	--image) image=$2; shift;;
	--modroot) modroot=$2; shift;;
	--release) release=$2; shift;;
	--script) script=$2; shift;;
	--out) out=$2; shift;;
	--module) modules+=("$2"); shift;;
	--bin) bins+=("$2"); shift;;
	--timeout) timeout=$2; shift;;
	--mem) mem=$2; shift;;
	--append) append=$2; shift;;
	--modprobe) modprobe=$2; shift;;
	*) echo "vm-run.sh: unknown argument $1" >&2; exit 2;;
	esac
	shift
done
for v in image modroot release script out; do
	[ -n "${!v}" ] || { echo "vm-run.sh: --$v is required" >&2; exit 2; }
done

mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# The initramfs root: a real system's / is world-searchable (tests drop to nobody)
chmod 0755 "$stage"

# --- initramfs -----------------------------------------------------------------
mkdir -p "$stage"/{bin,sbin,etc,proc,sys,dev,tmp,tests,lib,lib64}
cp /bin/busybox "$stage/bin/busybox"
cp "$top/scripts/guest/init" "$stage/init"
cp "$top/scripts/guest/run-tests.sh" "$stage/bin/run-tests.sh"
{
	echo "set -u"
	[ -n "$modprobe" ] && for m in $modprobe; do echo "modprobe $m || echo 'modprobe $m failed'"; done
	cat "$script"
} > "$stage/guest.sh"

mkdir -p "$stage/lib/modules"
cp -a "$modroot/lib/modules/$release" "$stage/lib/modules/"
rm -f "$stage/lib/modules/$release/build" "$stage/lib/modules/$release/source"
mkdir -p "$stage/lib/modules/$release/extra"
for m in "${modules[@]}"; do
	cp "$m" "$stage/lib/modules/$release/extra/"
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	touch "$stage/lib/modules/$release/$f"
done
depmod -b "$stage" "$release"

copy_libs() {
	local f=$1 lib
	{ ldd "$f" 2>/dev/null || true; } | { grep -oE '/[^ ]+' || true; } | while read -r lib; do
		[ -e "$lib" ] || continue
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}
for b in "${bins[@]}"; do
	cp "$b" "$stage/tests/"
	copy_libs "$b"
done

(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) > "$out/initramfs.gz"

# --- accelerator ---------------------------------------------------------------
# Nested KVM hangs on these machines: use it only where a probe boot proves it works.
accel=tcg
if [ -n "${VSVM_ACCEL:-}" ]; then
	accel=$VSVM_ACCEL
elif [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	probe_cache=${VSVM_CACHE:-/var/cache/vsvm}/kvm-probe-$(uname -r)
	if [ ! -f "$probe_cache" ]; then
		res=tcg
		if timeout 45 qemu-system-x86_64 -accel kvm -m 512M -display none -no-reboot \
			-monitor none -serial stdio -kernel "$image" -initrd "$out/initramfs.gz" \
			-append "console=ttyS0 panic=-1 rdinit=/bin/busybox -- poweroff -f" \
			2>/dev/null | grep -q "Linux version"; then
			res=kvm
		fi
		echo "$res" > "$probe_cache" 2>/dev/null || true
	fi
	accel=$(cat "$probe_cache" 2>/dev/null || echo tcg)
fi

# --- boot ----------------------------------------------------------------------
rm -f "$out/console.log" "$out/results.raw"
cmdline="console=ttyS0,115200 panic=-1 rdinit=/init"
# no5lvl: with -cpu max the guest would use 5-level paging, and 6.12's
# identify_cpu() briefly clears the LA57 flag that KASAN uses to tell a
# direct-map address from a wild one, so an interrupt landing in that window
# is reported as a wild-memory-access (seen at boot, before any module).
cmdline="$cmdline kasan.fault=report no5lvl $append"
echo "vm-run.sh: booting $release ($accel, $mem, timeout ${timeout}s)${append:+ with $append}" >&2
start=$(date +%s)
set +e
timeout -k 10 "$timeout" qemu-system-x86_64 -accel "$accel" -m "$mem" -smp 2 \
	-cpu max -display none -no-reboot -monitor none \
	-serial "file:$out/console.log" -serial "file:$out/results.raw" \
	-kernel "$image" -initrd "$out/initramfs.gz" -append "$cmdline"
qrc=$?
set -e
echo "vm-run.sh: guest ran $(( $(date +%s) - start ))s" >&2

# --- results -------------------------------------------------------------------
tr -d '\r' < "$out/results.raw" > "$out/guest.log" || true
sed -n '/^@@VSVM-GUEST-START/,/^@@VSVM-GUEST-EXIT/p' "$out/guest.log" > "$out/results.log"
sed -n '/^@@VSVM-DMESG-BEGIN/,/^@@VSVM-DMESG-END/p' "$out/guest.log" | sed '1d;$d' > "$out/dmesg.log"
sed -n '/^@@VSVM-KMEMLEAK-BEGIN/,/^@@VSVM-KMEMLEAK-END/p' "$out/guest.log" | sed '1d;$d' \
	> "$out/kmemleak.log"

status=0
if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
	echo "vm-run.sh: FAIL: guest timed out after ${timeout}s" >&2
	status=1
elif ! grep -q '^@@VSVM-GUEST-DONE' "$out/guest.log"; then
	echo "vm-run.sh: FAIL: guest did not finish (qemu exit $qrc); see $out/console.log" >&2
	status=1
fi

# The serial console sees a splat even when the guest died before dumping dmesg.
cat "$out/dmesg.log" "$out/console.log" | "$top/scripts/check-splats.sh" > "$out/splats.log" || true
if [ -s "$out/kmemleak.log" ]; then
	echo "kmemleak: $(grep -c 'unreferenced object' "$out/kmemleak.log") unreferenced objects" \
		>> "$out/splats.log"
	cat "$out/kmemleak.log" >> "$out/splats.log"
fi
if [ -s "$out/splats.log" ]; then
	echo "vm-run.sh: FAIL: kernel splat (see $out/splats.log):" >&2
	head -n 40 "$out/splats.log" >&2
	status=1
fi

gexit=$(sed -n 's/^@@VSVM-GUEST-EXIT \([0-9]*\).*/\1/p' "$out/guest.log" | tail -n 1)
if [ $status -eq 0 ] && [ "${gexit:-1}" != 0 ]; then
	status=1
fi
exit $status
