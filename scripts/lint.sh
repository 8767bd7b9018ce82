#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make lint: checkpatch --strict over the driver and the uAPI header, kernel-doc
# warnings (plus scripts/check-kerneldoc.py: every non-static function and
# struct documented, a DOC: overview per file), a W=1 + sparse (C=2) build
# with warnings as errors against the debug test kernel, and the IGT doc
# blocks of the tests against their subtests. Every one must report zero.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kdir=$(scripts/kernel.sh debug)
mkdir -p build
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
# Without the caller's make flags: "make -s lint" would silence kbuild's CHECK lines.
if ! env -u MAKEFLAGS -u MFLAGS VSVM_KBUILD_VERBOSE=1 scripts/build-module.sh "$kdir/build" build/lint C=2 KCFLAGS=-Werror \
	> /dev/null 2> build/sparse.log; then
	fail=1
fi
nc=$(ls drivers/gpu/drm/vsvm/*.c | wc -l)
if [ "$(grep -c '^  CHECK' build/sparse.log)" -ne "$nc" ]; then
	echo "  sparse did not check all $nc files"; fail=1
elif grep -E 'warning:|error:' build/sparse.log; then
	fail=1
else
	echo "  clean"
fi

echo "== IGT doc blocks vs --list-subtests"
if make -s -C tools >/dev/null && make -s -C igt-tests doccheck > build/doccheck.log 2>&1; then
	echo "  clean"
else
	cat build/doccheck.log
	fail=1
fi

if [ $fail -ne 0 ]; then
	echo "lint: FAILED"
	exit 1
fi
echo "lint: clean"
