#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make migbench: a rough migration-throughput run in the perf kernel under QEMU.
# tools/vsvm-migbench measures memcpy, vsvm prefetch RAM->VRAM and VRAM->RAM,
# vsvm CPU fault-back and test_hmm's MIGRATE_TO_DEV / MIGRATE_TO_SYS / CPU
# fault-back in one boot (vsvm loaded with vram_size=512M, test_hmm from the
# kernel's modules).
#
#   migbench.sh [vsvm-migbench options, e.g. -s 128 -r 3 -n]
#
# Prints the table; the CSV is build/migbench/migbench.csv, the VM's logs are in
# build/migbench/. Exit status: the benchmark's (1 when a figure failed), or 1
# on a VM failure (splat, timeout). VSVM_MIGBENCH_MEM sets the guest's RAM
# (default 4G: 2 GPUs x 512M of VRAM plus the buffers), VSVM_TIMEOUT (s) bounds
# the VM run.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

scripts/install-deps.sh
kdir=$(scripts/kernel.sh perf)
release=$(cat "$kdir/release")
ko=$(scripts/build-module.sh "$kdir/build" build/perf)
make -s -C tools >&2
if ! find "$kdir/modroot/lib/modules/$release" -name 'test_hmm.ko*' | grep -q .; then
	echo "migbench.sh: no test_hmm.ko in $kdir/modroot (CONFIG_TEST_HMM=m)" >&2
	exit 1
fi

# The benchmark's arguments, quoted for the guest's shell.
args="set --"
for a in "$@"; do
	args+=" $(printf '%q' "$a")"
done

out=build/migbench
rm -rf "$out"
vmrc=0
scripts/vm-run.sh --image "$kdir/build/arch/x86/boot/bzImage" \
	--modroot "$kdir/modroot" --release "$release" --module "$ko" \
	--bin tools/vsvm-migbench/vsvm-migbench \
	--script <(echo "$args"; cat scripts/guest/migbench.sh) --out "$out" \
	--mem "${VSVM_MIGBENCH_MEM:-4G}" --timeout "${VSVM_TIMEOUT:-1800}" || vmrc=$?

sed '/^@@MIGBENCH-CSV-BEGIN/,/^@@MIGBENCH-CSV-END/d; /^@@/d' "$out/results.log"
sed -n '/^@@MIGBENCH-CSV-BEGIN/,/^@@MIGBENCH-CSV-END/p' "$out/results.log" | sed '1d;$d' \
	> "$out/migbench.csv"
echo "migbench.sh: CSV in $out/migbench.csv, VM logs in $out/"
exit $vmrc
