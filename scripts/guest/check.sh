# vsvm `make check` guest script (runs after `modprobe vsvm`)
echo "vsvm: $(ls /dev/dri/ 2>/dev/null | tr '\n' ' ')"
run-tests.sh "${VSVM_TESTS:-*}"
