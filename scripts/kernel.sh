#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) a vsvm test kernel from Debian's linux-source-6.12.
#
#   scripts/kernel.sh debug|perf      prints the build directory on stdout
#
# The build is cached outside the clone, keyed by the source package version and
# a hash of everything that decides the kernel (fragments, the driver's Kconfig,
# scripts/kernel-patches, this script), so only the first run of a given
# configuration pays for it; older builds of the same flavour are removed.
# Cache root: $VSVM_CACHE, else /var/cache/vsvm when writable, else ~/.cache/vsvm.
set -euo pipefail

flavour=${1:?usage: kernel.sh debug|perf}
case "$flavour" in debug|perf) ;; *) echo "kernel.sh: unknown flavour $flavour" >&2; exit 2;; esac

top=$(cd "$(dirname "$0")/.." && pwd)
frag=$top/scripts/kconfig
tarball=/usr/src/linux-source-6.12.tar.xz
[ -f "$tarball" ] || { echo "kernel.sh: $tarball missing (scripts/install-deps.sh)" >&2; exit 1; }

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
patches=("$top"/scripts/kernel-patches/*.patch)
key=$(cat "$frag/common.config" "$frag/$flavour.config" "$top/drivers/gpu/drm/vsvm/Kconfig" \
	"${patches[@]}" "$0" | sha256sum | cut -c1-12)

if [ -n "${VSVM_CACHE:-}" ]; then
	cache=$VSVM_CACHE
elif mkdir -p /var/cache/vsvm 2>/dev/null && [ -w /var/cache/vsvm ]; then
	cache=/var/cache/vsvm
else
	cache=$HOME/.cache/vsvm
fi
dir=$cache/kernel-$srcver-$flavour-$key
mkdir -p "$cache"

exec 9>"$cache/.lock-$flavour"
flock 9

if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi

log=$cache/kernel-$srcver-$flavour-$key.log
echo "kernel.sh: building $flavour kernel in $dir (log: $log)" >&2
start=$(date +%s)
rm -rf "$dir"
mkdir -p "$dir"
{
	tar -C "$dir" -xf "$tarball"
	mv "$dir/linux-source-6.12" "$dir/src"
	src=$dir/src

	# Fixes for core-kernel bugs the tests run into (each patch says which).
	for p in "${patches[@]}"; do
		patch -d "$src" -p1 --no-backup-if-mismatch < "$p"
	done

	# In-tree integration of the driver's Kconfig, so that DRM_VSVM=m selects the
	# DRM helpers (TTM, buddy, scheduler, exec) that have no prompt of their own.
	# The module itself is built out of tree against this kernel.
	mkdir -p "$src/drivers/gpu/drm/vsvm"
	cp "$top/drivers/gpu/drm/vsvm/Kconfig" "$src/drivers/gpu/drm/vsvm/Kconfig"
	echo '# vsvm is built out of tree against this kernel' > "$src/drivers/gpu/drm/vsvm/Makefile"
	echo 'source "drivers/gpu/drm/vsvm/Kconfig"' >> "$src/drivers/gpu/drm/Kconfig"

	b=$dir/build
	make -C "$src" O="$b" -s defconfig
	make -C "$src" O="$b" -s kvm_guest.config
	"$src/scripts/kconfig/merge_config.sh" -m -O "$b" "$b/.config" \
		"$frag/common.config" "$frag/$flavour.config" >/dev/null
	make -C "$src" O="$b" -s olddefconfig
} >>"$log" 2>&1

# The final .config must hold every option the fragments ask for.
bad=0
while read -r line; do
	case "$line" in
	CONFIG_*=*)	grep -qx "$line" "$dir/build/.config" || { echo "kernel.sh: wanted $line" >&2; bad=1; } ;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }; sym=${sym%% *}
		grep -q "^$sym=" "$dir/build/.config" && { echo "kernel.sh: wanted $sym off" >&2; bad=1; } ;;
	esac
done < <(cat "$frag/common.config" "$frag/$flavour.config")
for sym in DRM_TTM DRM_BUDDY DRM_SCHED DRM_EXEC; do
	grep -Eq "^CONFIG_$sym=(y|m)" "$dir/build/.config" || { echo "kernel.sh: CONFIG_$sym not enabled" >&2; bad=1; }
done
[ $bad -eq 0 ] || { echo "kernel.sh: config check failed" >&2; exit 1; }

{
	make -C "$dir/src" O="$dir/build" -j"$(nproc)" bzImage modules
	make -C "$dir/src" O="$dir/build" -s INSTALL_MOD_PATH="$dir/modroot" INSTALL_MOD_STRIP=1 modules_install
	make -C "$dir/src" O="$dir/build" -s INSTALL_HDR_PATH="$dir/headers" headers_install
} >>"$log" 2>&1 || { echo "kernel.sh: build failed, see $log" >&2; tail -n 30 "$log" >&2; exit 1; }

make -C "$dir/src" O="$dir/build" -s kernelrelease > "$dir/release" 2>>"$log"
echo "kernel.sh: $flavour kernel $(cat "$dir/release") built in $(( $(date +%s) - start ))s" >&2
touch "$dir/.done"
for old in "$cache"/kernel-*-"$flavour"-*; do
	case "$old" in "$dir"|"$dir.log") ;; *) rm -rf "$old";; esac
done
echo "$dir"
