#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build vsvm against Debian's stock linux-headers for 6.12 (no DEVICE_PRIVATE),
# boot the matching stock Debian kernel in QEMU and run the basic tests there.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/install-deps.sh

hdr=$(ls -d /usr/src/linux-headers-6.12.*-amd64 | sort -V | tail -n 1)
release=${hdr#/usr/src/linux-headers-}
if grep -q '^CONFIG_DEVICE_PRIVATE=y' "$hdr/.config"; then
	echo "stock-check: note: $release has DEVICE_PRIVATE" >&2
fi

cache=${VSVM_CACHE:-/var/cache/vsvm}
mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ] || cache=$HOME/.cache/vsvm
stock=$cache/stock-$release
if [ ! -f "$stock/.done" ]; then
	rm -rf "$stock"
	mkdir -p "$stock/deb"
	(cd "$stock/deb" && apt-get download -q "linux-image-$release" >/dev/null 2>&1 ||
		apt-get download -q "linux-image-$release-unsigned" >/dev/null)
	dpkg-deb -x "$stock"/deb/*.deb "$stock/root"
	depmod -b "$stock/root" "$release"
	touch "$stock/.done"
fi
for moddir in "$stock"/root/{usr/,}lib/modules/"$release"; do
	[ -d "$moddir" ] && break
done

ko=$(scripts/build-module.sh "$hdr" build/stock)
make -s -C tools >&2
make -s -C igt-tests >&2

# Module root for the guest: the closure of what vsvm.ko depends on, decompressed.
mods=$(mktemp -d)
trap 'rm -rf "$mods"' EXIT
mkdir -p "$mods/lib/modules/$release"
cp "$moddir"/modules.{order,builtin,builtin.modinfo} "$mods/lib/modules/$release/" 2>/dev/null || true
need=$(modinfo -F depends "$ko" | tr ',' ' ')
seen=""
while [ -n "$need" ]; do
	set -- $need
	m=$1; shift; need="$*"
	case " $seen " in *" $m "*) continue;; esac
	seen="$seen $m"
	line=$(grep -E "(^|/)${m//_/[_-]}\.ko(\.xz|\.zst)?:" "$moddir/modules.dep" | head -n 1) || continue
	f=${line%%:*}
	mkdir -p "$mods/lib/modules/$release/$(dirname "$f")"
	case "$f" in
	*.xz) xz -dc "$moddir/$f" > "$mods/lib/modules/$release/${f%.xz}";;
	*.zst) zstd -qdc "$moddir/$f" > "$mods/lib/modules/$release/${f%.zst}";;
	*) cp "$moddir/$f" "$mods/lib/modules/$release/$f";;
	esac
	for d in ${line#*:}; do
		d=${d##*/}; d=${d%%.ko*}
		need="$need $d"
	done
done

bins=()
for b in $(make -s -C igt-tests list); do bins+=(--bin "$b"); done
vmlinuz=$(ls "$stock"/root/boot/vmlinuz-"$release")
rc=0
scripts/vm-run.sh --image "$vmlinuz" --modroot "$mods" --release "$release" --module "$ko" \
	"${bins[@]}" --bin tools/vsvm-info/vsvm-info --script <(printf '/tests/vsvm-info\nrun-tests.sh\n') \
	--out build/stock-check --modprobe vsvm --timeout 1200 || rc=$?
out=build/stock-check
sed -n '2,/^@@TEST-BEGIN/p' "$out/results.log" | grep -v '^@@' || true
grep '^@@TEST-RESULT' "$out/results.log" | sed 's/^@@TEST-RESULT /  /' || true
pass=$(grep -c '^@@TEST-RESULT .* pass ' "$out/results.log" || true)
fail=$(grep -c '^@@TEST-RESULT .* \(fail\|timeout\) ' "$out/results.log" || true)
skip=$(grep -c '^@@TEST-RESULT .* skip ' "$out/results.log" || true)
[ $rc -eq 0 ] || fail=$((fail + 1))
[ $((pass + fail)) -gt 0 ] || fail=$((fail + 1))
echo "stock kernel $release:"
echo "stock: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
