# shellcheck shell=sh
# vsvm `make migbench` guest script (busybox sh; scripts/migbench.sh puts the
# vsvm-migbench arguments in "$@" first): load vsvm with 512 MiB of VRAM per GPU
# and test_hmm, run the benchmark, print its CSV between markers.
set -eu
# shellcheck disable=SC3040 # busybox ash has pipefail
set -o pipefail

modprobe vsvm vram_size=512M
modprobe test_hmm
echo "vsvm: vram_size=$(cat /sys/module/vsvm/parameters/vram_size), render nodes:" /dev/dri/renderD*
echo "test_hmm:" /dev/hmm_dmirror*

rc=0
/tests/vsvm-migbench "$@" -o /tmp/migbench.csv || rc=$?
if [ -f /tmp/migbench.csv ]; then
	echo "@@MIGBENCH-CSV-BEGIN"
	cat /tmp/migbench.csv
	echo "@@MIGBENCH-CSV-END"
fi
exit "$rc"
