#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test loop behind `make check` and `make demo`:
#   check.sh check [SUBTEST-PATTERN]    install, build, boot the debug kernel, run all tests
#   check.sh demo                       same machinery, runs the demo and prints it
# Prints "N passed, N failed, N skipped" last and exits non-zero on any failure
# or kernel splat.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-check}
pattern=${2:-*}
flavour=${VSVM_KERNEL:-debug}
cd "$top"
t0=$(date +%s)

scripts/install-deps.sh
kdir=$(scripts/kernel.sh "$flavour")
release=$(cat "$kdir/release")
ko=$(scripts/build-module.sh "$kdir/build" "build/$flavour")
make -s -C tools >&2
make -s -C igt-tests >&2
echo "check.sh: built in $(( $(date +%s) - t0 ))s" >&2

# Host-side self-tests of the machinery the verdict rests on: the splat
# scanner and the IGT-style harness.
host_pass=0 host_fail=0
if [ "$mode" = check ]; then
	for t in "scripts/selftest/check-splats.sh" "make -s -C igt-tests selftest"; do
		if $t > "build/selftest.log" 2>&1; then
			host_pass=$((host_pass + 1))
			echo "  host@${t##*/} pass"
		else
			host_fail=$((host_fail + 1))
			echo "  host@${t##*/} fail"
			tail -n 20 build/selftest.log
		fi
	done
fi

out=build/$mode
rm -rf "$out"

bins=()
case "$mode" in
check)
	for b in $(make -s -C igt-tests list); do bins+=(--bin "$b"); done
	script=scripts/guest/check.sh
	;;
demo)
	bins+=(--bin tools/vsvm-info/vsvm-info --bin tools/vsvm-demo/vsvm-demo)
	script=scripts/guest/demo.sh
	;;
*) echo "check.sh: unknown mode $mode" >&2; exit 2;;
esac

vmrc=0
scripts/vm-run.sh --image "$kdir/build/arch/x86/boot/bzImage" \
	--modroot "$kdir/modroot" --release "$release" --module "$ko" "${bins[@]}" \
	--script <(echo "export VSVM_TESTS='$pattern'"; cat "$script") --out "$out" \
	--modprobe vsvm --timeout "${VSVM_TIMEOUT:-2400}" || vmrc=$?

if [ "$mode" = demo ]; then
	grep -v '^@@' "$out/results.log"
	exit $vmrc
fi

pass=$(( $(grep -c '^@@TEST-RESULT .* pass ' "$out/results.log" || true) + host_pass ))
fail=$(( $(grep -c '^@@TEST-RESULT .* \(fail\|timeout\) ' "$out/results.log" || true) + host_fail ))
skip=$(grep -c '^@@TEST-RESULT .* skip ' "$out/results.log" || true)
grep '^@@TEST-RESULT' "$out/results.log" | sed 's/^@@TEST-RESULT /  /'
if [ "$fail" -gt 0 ]; then
	echo "Failed subtests (output in $out/results.log):"
	grep '^@@TEST-RESULT .* \(fail\|timeout\) ' "$out/results.log" | sed 's/^@@TEST-RESULT /  /'
fi
# The debug kernel's leak check must have run, or a leak would pass unseen.
if [ "$flavour" = debug ] && ! grep -q '^@@VSVM-KMEMLEAK-BEGIN' "$out/guest.log"; then
	echo "check.sh: the guest did not run its kmemleak scan"
	vmrc=1
fi
if [ $vmrc -ne 0 ]; then
	echo "check.sh: the VM run failed (splat, timeout or guest error): see $out/"
	fail=$((fail + 1))
fi
if [ $((pass + fail)) -eq 0 ]; then
	echo "check.sh: no test ran"
	fail=$((fail + 1))
fi
echo "check.sh: total $(( $(date +%s) - t0 ))s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
