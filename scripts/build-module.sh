#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build vsvm.ko out of tree against a kernel build directory, in a private copy
# of the sources so that builds against several kernels do not mix objects.
#
#   build-module.sh KBUILD_DIR OUT_DIR [extra kbuild arguments, e.g. C=2]
# Prints the path of vsvm.ko.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kbuild=${1:?usage: build-module.sh KBUILD_DIR OUT_DIR [args]}
out=${2:?usage: build-module.sh KBUILD_DIR OUT_DIR [args]}
shift 2

mkdir -p "$out/src"
out=$(cd "$out" && pwd)
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '*.cmd' --exclude '*.mod*' \
	--exclude '.*' --include 'Kbuild' \
	"$top/drivers" "$top/include" "$top/Kbuild" "$out/src/"
quiet=-s
[ -z "${VSVM_KBUILD_VERBOSE:-}" ] || quiet=""
make $quiet -C "$kbuild" M="$out/src" CONFIG_DRM_VSVM=m W=1 "$@" modules >&2
echo "$out/src/drivers/gpu/drm/vsvm/vsvm.ko"
