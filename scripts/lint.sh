#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make lint: checkpatch --strict over the driver and the uAPI header, kernel-doc
# warnings (plus scripts/check-kerneldoc.py: every non-static function and
# struct documented, a DOC: overview per file), and a W=1 + sparse (C=2) build with warnings as errors, against the
# debug test kernel. Every one must report zero.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kdir=$(scripts/kernel.sh debug)
src=$kdir/src
files=(drivers/gpu/drm/vsvm/*.[ch] include/uapi/drm/vsvm_drm.h)
fail=0

echo "== checkpatch --strict"
if ! "$src/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	--ignore FILE_PATH_CHANGES -f "${files[@]}" > build/checkpatch.log 2>&1; then
	fail=1
fi
grep -E 'ERROR|WARNING|CHECK' build/checkpatch.log || echo "  clean"

echo "== kernel-doc"
"$src/scripts/kernel-doc" -none -Wall "${files[@]}" > build/kerneldoc.log 2>&1 || true
scripts/check-kerneldoc.py "${files[@]}" >> build/kerneldoc.log 2>&1 || true
if [ -s build/kerneldoc.log ]; then cat build/kerneldoc.log; fail=1; else echo "  clean"; fi

echo "== W=1 and sparse (C=2)"
rm -rf build/lint
if ! scripts/build-module.sh "$kdir/build" build/lint C=2 KCFLAGS=-Werror \
	> /dev/null 2> build/sparse.log; then
	fail=1
fi
if grep -E 'warning:|error:' build/sparse.log; then fail=1; else echo "  clean"; fi

if [ $fail -ne 0 ]; then
	echo "lint: FAILED"
	exit 1
fi
echo "lint: clean"
