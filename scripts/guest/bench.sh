# shellcheck shell=sh
# vsvm `make bench` guest script (busybox sh; scripts/bench.sh puts
# bench_args and wl_args first): load vsvm with 1 GPU of 512 MiB VRAM and 256
# compute units, and test_hmm; run vsvm-bench, then vsvm-workloads, printing
# each one's CSV between markers.
set -eu
# shellcheck disable=SC3040 # busybox ash has pipefail
set -o pipefail

modprobe vsvm num_gpus=1 vram_size=512M num_cus=256 job_timeout_ms=600000
modprobe test_hmm
echo "vsvm: vram_size=$(cat /sys/module/vsvm/parameters/vram_size)" \
	"num_cus=$(cat /sys/module/vsvm/parameters/num_cus), render nodes:" /dev/dri/renderD*
echo "test_hmm:" /dev/hmm_dmirror*

rc=0
# shellcheck disable=SC2154,SC2086 # set by scripts/bench.sh; one word per option
eval "/tests/vsvm-bench $bench_args -o /tmp/bench.csv" || rc=$?
if [ -f /tmp/bench.csv ]; then
	echo "@@BENCH-CSV-BEGIN"
	cat /tmp/bench.csv
	echo "@@BENCH-CSV-END"
fi
# shellcheck disable=SC2154 # set by scripts/bench.sh
if [ "$wl_args" != skip ]; then
	echo
	echo "== workloads (vsvm-workloads)"
	eval "/tests/vsvm-workloads $wl_args -o /tmp/workloads.csv" || rc=$?
	if [ -f /tmp/workloads.csv ]; then
		echo "@@WORKLOADS-CSV-BEGIN"
		cat /tmp/workloads.csv
		echo "@@WORKLOADS-CSV-END"
	fi
fi
exit "$rc"
