#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: vsvm's figures beside memcpy and test_hmm, in one boot of the
# perf kernel (no lock debugging, no KASAN) under QEMU. The guest loads vsvm
# (1 GPU, 512 MiB of VRAM, 256 compute units) and test_hmm, runs
# tools/vsvm-bench (migration, GPU faults, batching, oversubscription,
# attributes, metadata) and then tools/vsvm-workloads (the workload set, each
# with prefetch off / on / explicit).
#
#   bench.sh [--plot] [vsvm-bench options, e.g. -r 7 --only migrate,touch]
#
# Prints both tables. Writes build/bench/bench.csv and workloads.csv, with
# --plot also build/bench/bench.png (gnuplot); the VM's logs are in
# build/bench/. Environment: VSVM_WORKLOADS_ARGS (options of vsvm-workloads,
# default "--size 16": 16 MiB per run, 5 runs; "skip" leaves the workloads out), VSVM_BENCH_MEM (guest RAM, default 4G),
# VSVM_TIMEOUT (s, default 3600). Exit status: 1 when a figure failed, a
# result was wrong or the VM failed (splat, timeout).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

plot=0
bench_args=()
for a in "$@"; do
	if [ "$a" = --plot ]; then plot=1; else bench_args+=("$a"); fi
done

scripts/install-deps.sh
kdir=$(scripts/kernel.sh perf)
release=$(cat "$kdir/release")
ko=$(scripts/build-module.sh "$kdir/build" build/perf)
make -s -C tools >&2
if ! find "$kdir/modroot/lib/modules/$release" -name 'test_hmm.ko*' | grep -q .; then
	echo "bench.sh: no test_hmm.ko in $kdir/modroot (CONFIG_TEST_HMM=m)" >&2
	exit 1
fi

# The programs' arguments, quoted for the guest's shell.
quote() {
	local q="" a
	for a in "$@"; do q+=" $(printf '%q' "$a")"; done
	echo "${q# }"
}
read -r -a wl_words <<< "${VSVM_WORKLOADS_ARGS:---size 16}"

out=build/bench
rm -rf "$out"
vmrc=0
scripts/vm-run.sh --image "$kdir/build/arch/x86/boot/bzImage" \
	--modroot "$kdir/modroot" --release "$release" --module "$ko" \
	--bin tools/vsvm-bench/vsvm-bench --bin tools/vsvm-workloads/vsvm-workloads \
	--script <(echo "bench_args=\"$(quote "${bench_args[@]}")\""
		   echo "wl_args=\"$(quote "${wl_words[@]}")\""
		   cat scripts/guest/bench.sh) \
	--out "$out" --mem "${VSVM_BENCH_MEM:-4G}" --timeout "${VSVM_TIMEOUT:-3600}" || vmrc=$?

# csv NAME: the CSV the guest printed between @@NAME-CSV-BEGIN and -END.
csv() {
	sed -n "/^@@$1-CSV-BEGIN/,/^@@$1-CSV-END/p" "$out/results.log" | sed '1d;$d'
}
sed '/^@@[A-Z]*-CSV-BEGIN/,/^@@[A-Z]*-CSV-END/d; /^@@/d' "$out/results.log"
csv BENCH > "$out/bench.csv"
csv WORKLOADS > "$out/workloads.csv"
echo "bench.sh: CSV in $out/bench.csv and $out/workloads.csv, VM logs in $out/"
if [ $plot -eq 1 ]; then
	tools/vsvm-bench/vsvm-bench --plot "$out/bench.csv" --png "$out/bench.png" || vmrc=1
fi
exit $vmrc
