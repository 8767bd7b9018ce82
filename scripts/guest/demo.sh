# shellcheck shell=sh
# vsvm `make demo` guest script (runs after `modprobe vsvm`; scripts/check.sh
# sets VSVM_DEMO_VRAM): reloads vsvm with vram_size=$VSVM_DEMO_VRAM (default
# 32M), so that the demo's last step (a buffer larger than VRAM) stays short,
# lists the GPUs and runs vsvm-demo, whose timeline (CSV between
# @@DEMO-TIMELINE-BEGIN and @@DEMO-TIMELINE-END) scripts/check.sh plots.
demo_params="vram_size=${VSVM_DEMO_VRAM:-32M}"

i=0
while [ -d /sys/module/vsvm ] && ! rmmod vsvm; do
	i=$((i + 1))
	if [ $i -ge 5 ]; then
		echo "cannot unload vsvm to reload it with $demo_params"
		exit 1
	fi
	sleep 1
done
# shellcheck disable=SC2086 # one word per parameter
if ! modprobe vsvm $demo_params; then
	echo "modprobe vsvm $demo_params failed; the kernel log says:"
	dmesg | tail -n 10
	exit 1
fi

echo "== vsvm loaded with $demo_params; its module parameters:"
for p in /sys/module/vsvm/parameters/*; do echo "  ${p##*/} = $(cat "$p")"; done
echo "== the vsvm GPUs (vsvm-info)"
/tests/vsvm-info
echo "== shared virtual memory on two GPUs (vsvm-demo)"
if [ ! -x /tests/vsvm-demo ]; then
	echo "vsvm-demo is not in /tests (scripts/check.sh demo must pass it with --bin)"
	exit 1
fi
/tests/vsvm-demo --timeline
rc=$?
echo "vsvm-demo exited with $rc"
exit $rc
