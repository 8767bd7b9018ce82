#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build vsvm in tree: integrate the driver into a (hard-linked) copy of the
# cached kernel source the way a kernel tree would carry it, check that
# DRM_VSVM=m selects its helpers in the resulting .config, and compile the
# driver with the kernel's own build (W=1).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kdir=$(scripts/kernel.sh debug)
w=$top/build/intree
rm -rf "$w"
mkdir -p "$w/build"
cp -al "$kdir/src" "$w/src"

# Integrate: the driver directory, the uAPI header, the Kconfig source line
# (already in the cached tree, added by kernel.sh) and the Makefile line.
# Files are replaced, never edited in place: they are hard links to the cache.
rm -rf "$w/src/drivers/gpu/drm/vsvm"
cp -r drivers/gpu/drm/vsvm "$w/src/drivers/gpu/drm/vsvm"
cp include/uapi/drm/vsvm_drm.h "$w/src/include/uapi/drm/vsvm_drm.h"
grep -q 'drm/vsvm/Kconfig' "$w/src/drivers/gpu/drm/Kconfig"
mk=$w/src/drivers/gpu/drm/Makefile
{ cat "$mk"; echo 'obj-$(CONFIG_DRM_VSVM) += vsvm/'; } > "$mk.new"
mv "$mk.new" "$mk"

# Configure from the debug kernel's .config minus the helpers vsvm selects,
# so the check proves the selects rather than inheriting them.
grep -Ev '^CONFIG_DRM_(TTM|TTM_HELPER|BUDDY|SCHED|EXEC)=' "$kdir/build/.config" > "$w/build/.config"
make -C "$w/src" O="$w/build" -s olddefconfig
for sym in DRM_VSVM DRM_TTM DRM_TTM_HELPER DRM_BUDDY DRM_SCHED DRM_EXEC; do
	grep -Eq "^CONFIG_$sym=(y|m)" "$w/build/.config" ||
		{ echo "intree-check: CONFIG_$sym not enabled by DRM_VSVM" >&2; exit 1; }
done

make -C "$w/src" O="$w/build" -s -j"$(nproc)" modules_prepare
make -C "$w/src" O="$w/build" -j"$(nproc)" W=1 drivers/gpu/drm/vsvm/ 2>&1 | tee "$w/build.log"
if grep -E 'warning:|error:' "$w/build.log"; then
	echo "intree-check: FAILED" >&2
	exit 1
fi
ls "$w/build/drivers/gpu/drm/vsvm/vsvm.o" >/dev/null
echo "intree-check: vsvm builds in tree"
