#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test loop behind `make check` and `make demo`:
#   check.sh check [SUBTEST-PATTERN]    install, build, boot the debug kernel, run all tests
#   check.sh demo                       same machinery, runs the demo and prints it
# check prints "N passed, N failed, N skipped" last and exits non-zero on any
# failure or kernel splat.
#
# demo reloads vsvm in the guest with vram_size=$VSVM_DEMO_VRAM (default 32M,
# so that its last step, a buffer larger than VRAM, stays short), runs
# vsvm-demo --timeline (scripts/guest/demo.sh) and prints its story; the
# timeline goes to build/demo/timeline.csv and, when gnuplot is installed, is
# drawn into build/demo/timeline.png (scripts/plot/demo-timeline.gp). It exits
# non-zero when a check of the demo fails, on a kernel splat, a missing
# timeline or a failed plot.
#
# check runs two passes in one boot (scripts/guest/check.sh): every test with
# vsvm's device-private VRAM, then the vsvm_svm* tests again with
# device-coherent VRAM: the guest (3G) boots with memmap=768M$0x60000000, which
# the kernel keeps out of System RAM, and vsvm is reloaded with
# vram_phys=0x60000000 (room for 2 GPUs x 256M, 8 x 16M, ...). Those results
# are named coherent:igt@BINARY@SUBTEST. SUBTEST-PATTERN applies to both passes
# and matches a subtest name or BINARY@SUBTEST. VSVM_COHERENT=0 skips the
# coherent pass; VSVM_KERNEL=perf uses the perf kernel; VSVM_TIMEOUT (s) bounds
# the VM run.
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

# Device-coherent VRAM for the coherent pass: guest RAM is 0-3G (below the PCI
# hole); the reservation sits in its middle, away from the initramfs QEMU puts
# at the top of that RAM.
coherent_base=0x60000000 coherent_size_mb=768 coherent_mem=3G

bins=() vmargs=() guestenv=("VSVM_TESTS=$pattern")
case "$mode" in
check)
	for b in $(make -s -C igt-tests list); do bins+=(--bin "$b"); done
	bins+=(--bin tools/vsvm-smi/vsvm-smi --bin tools/vsvm-bench/vsvm-bench
		--bin tools/vsvm-workloads/vsvm-workloads --bin tools/vsvm-demo/vsvm-demo)
	script=scripts/guest/check.sh
	if [ "${VSVM_COHERENT:-1}" != 0 ]; then
		vmargs+=(--mem "$coherent_mem" --append "memmap=${coherent_size_mb}M\$$coherent_base")
		guestenv+=("VSVM_COHERENT_PARAMS=vram_phys=$coherent_base"
			"VSVM_COHERENT_RANGE=$(printf '0x%016x-0x%016x' "$((coherent_base))" \
				"$((coherent_base + (coherent_size_mb << 20) - 1))")")
	fi
	;;
demo)
	bins+=(--bin tools/vsvm-info/vsvm-info --bin tools/vsvm-demo/vsvm-demo)
	script=scripts/guest/demo.sh
	guestenv+=("VSVM_DEMO_VRAM=${VSVM_DEMO_VRAM:-32M}")
	;;
*) echo "check.sh: unknown mode $mode" >&2; exit 2;;
esac

vmrc=0
scripts/vm-run.sh --image "$kdir/build/arch/x86/boot/bzImage" \
	--modroot "$kdir/modroot" --release "$release" --module "$ko" "${bins[@]}" "${vmargs[@]}" \
	--script <(printf "export %q\n" "${guestenv[@]}"; cat "$script") --out "$out" \
	--modprobe vsvm --timeout "${VSVM_TIMEOUT:-2400}" || vmrc=$?

# diagnose: what a log reader (CI keeps only the tail of the output) needs to
# know about a failed VM run: the subtest that started and never reported, the
# first lines of any splat and, when the guest did not finish, the last lines
# of its serial console.
diagnose() {
	local last
	last=$(sed -n 's/^@@TEST-BEGIN //p; s/^@@TEST-RESULT .*/-/p' "$out/results.log" | tail -n 1)
	if [ -n "$last" ] && [ "$last" != - ]; then
		echo "check.sh: $last started and never reported a result"
	fi
	if [ -s "$out/splats.log" ]; then
		echo "check.sh: the splat begins:"
		head -n 5 "$out/splats.log" | sed 's/^/check.sh:   /'
	fi
	if ! grep -q '^@@VSVM-GUEST-DONE' "$out/guest.log" 2>/dev/null; then
		echo "check.sh: the guest did not finish; its console ends:"
		tail -n 4 "$out/console.log" 2>/dev/null | tr -d '\r' | sed 's/^/check.sh:   /'
	fi
}

if [ "$mode" = demo ]; then
	sed '/^@@DEMO-TIMELINE-BEGIN/,/^@@DEMO-TIMELINE-END/d; /^@@/d' "$out/results.log"
	sed -n '/^@@DEMO-TIMELINE-BEGIN/,/^@@DEMO-TIMELINE-END/p' "$out/results.log" | sed '1d;$d' \
		> "$out/timeline.csv"
	if [ ! -s "$out/timeline.csv" ]; then
		echo "check.sh: the demo printed no timeline"
		vmrc=1
	elif ! command -v gnuplot > /dev/null; then
		echo "check.sh: gnuplot is not installed: no picture of the timeline" \
			"(its data is in $out/timeline.csv)"
	elif gnuplot -e "datafile='$out/timeline.csv'; pngfile='$out/timeline.png'" \
		scripts/plot/demo-timeline.gp; then
		echo "check.sh: the demo's timeline (VRAM use and faults over time): $out/timeline.png"
	else
		echo "check.sh: gnuplot failed to draw $out/timeline.csv"
		vmrc=1
	fi
	if [ $vmrc -ne 0 ]; then
		echo "check.sh: the demo failed (a failed check, splat, timeout or guest error): see $out/"
		diagnose
	fi
	echo "check.sh: total $(( $(date +%s) - t0 ))s"
	exit $vmrc
fi

# count NAME-PREFIX RESULTS: result lines of the subtests named NAME-PREFIX*
# whose result is one of RESULTS (a basic regex alternative: 'fail\|timeout').
count() {
	grep -c "^@@TEST-RESULT $1[^ ]* \($2\) " "$out/results.log" || true
}
summary() {
	echo "$(count "$1" pass) passed, $(count "$1" 'fail\|timeout') failed, $(count "$1" skip) skipped"
}
pass=$(( $(count '' pass) + host_pass ))
fail=$(( $(count '' 'fail\|timeout') + host_fail ))
skip=$(count '' skip)
sed -n 's/^@@PASS \(.*\)/== \1 pass/p; s/^@@TEST-RESULT /  /p; /^coherent pass: /p' "$out/results.log"
if [ "$fail" -gt 0 ]; then
	echo "Failed subtests (output in $out/results.log):"
	grep '^@@TEST-RESULT .* \(fail\|timeout\) ' "$out/results.log" | sed 's/^@@TEST-RESULT /  /'
fi
echo "device-private pass: $(summary igt@)"
if grep -q '^@@PASS coherent' "$out/results.log"; then
	echo "coherent pass: $(summary coherent:)"
fi
# The debug kernel's leak check must have run, or a leak would pass unseen.
if [ "$flavour" = debug ] && ! grep -q '^@@VSVM-KMEMLEAK-BEGIN' "$out/guest.log"; then
	echo "check.sh: the guest did not run its kmemleak scan"
	vmrc=1
fi
if [ $vmrc -ne 0 ]; then
	echo "check.sh: the VM run failed (splat, timeout or guest error): see $out/"
	diagnose
	fail=$((fail + 1))
fi
if [ "$(count '' 'pass\|fail\|timeout')" -eq 0 ]; then
	echo "check.sh: no test ran in the VM"
	fail=$((fail + 1))
fi
echo "check.sh: total $(( $(date +%s) - t0 ))s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
