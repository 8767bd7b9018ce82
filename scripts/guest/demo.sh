# vsvm `make demo` guest script (runs after `modprobe vsvm`)
echo "== vsvm module parameters"
for p in /sys/module/vsvm/parameters/*; do echo "  ${p##*/} = $(cat "$p")"; done
echo "== vsvm GPUs"
/tests/vsvm-info
