# shellcheck shell=sh
# vsvm `make demo` guest script (runs after `modprobe vsvm`)
echo "== vsvm module parameters"
for p in /sys/module/vsvm/parameters/*; do echo "  ${p##*/} = $(cat "$p")"; done
echo "== vsvm GPUs"
/tests/vsvm-info
echo "== a classic GPU workload (vsvm-demo)"
if [ -x /tests/vsvm-demo ]; then
	/tests/vsvm-demo
	rc=$?
	echo "vsvm-demo exited with $rc"
	exit $rc
fi
echo "vsvm-demo is not in /tests (scripts/check.sh demo must pass it with --bin)"
exit 1
