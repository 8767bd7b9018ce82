# shellcheck shell=sh
# vsvm `make check` guest script (runs after `modprobe vsvm`; scripts/check.sh
# sets the variables):
#   VSVM_TESTS            subtest pattern for run-tests.sh (default all)
#   VSVM_COHERENT_PARAMS  e.g. "vram_phys=0x60000000": after the device-private
#                         pass over every test, reload vsvm with these and run
#                         the vsvm_svm* tests again (results "coherent:igt@..."),
#                         with VSVM_MODULE_PARAMS set so that the tests' own
#                         reloads keep the mode. Unset: no coherent pass.
#   VSVM_COHERENT_RANGE   the memmap= reservation as the kernel's e820 table
#                         prints it ("0x0000000060000000-0x000000008fffffff")
# Setup failures of the coherent pass are results too (coherent:setup@...),
# and when the module cannot be loaded in that mode every coherent subtest
# is reported as failed (rc=setup), so the totals stay the same.
pattern=${VSVM_TESTS:-*}
coherent_bins='vsvm_svm*'
coherent_params=${VSVM_COHERENT_PARAMS:-}

# The boot messages may have left the kernel log by the end of the first pass.
reserved=0
if [ -n "$coherent_params" ] &&
	dmesg | grep -F "user: [mem ${VSVM_COHERENT_RANGE:-?}] reserved"; then
	reserved=1
fi

echo "@@PASS device-private"
echo "vsvm: $(cd /dev/dri 2>/dev/null && echo *)"
run-tests.sh "$pattern"

[ -n "$coherent_params" ] || exit 0
echo "@@PASS coherent $coherent_params"
subtests=$(run-tests.sh -l -b "$coherent_bins" "$pattern")
if [ -z "$subtests" ]; then
	echo "coherent pass: no $coherent_bins subtest matches '$pattern'"
	exit 0
fi

setup() { # setup NAME pass|fail
	if [ "$2" = pass ]; then
		echo "@@TEST-RESULT coherent:setup@$1 pass rc=0"
	else
		echo "@@TEST-RESULT coherent:setup@$1 fail rc=1"
	fi
}

# A parameter value as a number when it is one (decimal or 0x hex).
num() {
	case "$1" in
	''|*[!0-9a-fA-Fx]*) echo "$1";;
	*) echo "$(($1))";;
	esac
}

# vsvm loaded with every parameter of $coherent_params, as sysfs shows them
# (the kernel ignores unknown module parameters with a warning).
params_in_effect() {
	for kv in $coherent_params; do
		name=${kv%%=*} want=${kv#*=}
		if ! have=$(cat "/sys/module/vsvm/parameters/$name" 2>/dev/null); then
			echo "coherent pass: vsvm has no readable parameter $name"
			return 1
		fi
		if [ "$have" != "$want" ] && [ "$(num "$have")" != "$(num "$want")" ]; then
			echo "coherent pass: parameter $name is $have, wanted $want"
			return 1
		fi
	done
}

load_coherent() {
	i=0
	while [ -d /sys/module/vsvm ] && ! rmmod vsvm; do
		i=$((i + 1))
		if [ $i -ge 5 ]; then
			echo "coherent pass: cannot unload vsvm"
			return 1
		fi
		sleep 1
	done
	# shellcheck disable=SC2086 # one word per parameter
	if ! timeout 120 modprobe vsvm $coherent_params; then
		echo "coherent pass: modprobe vsvm $coherent_params failed; the kernel log says:"
		dmesg | tail -n 15 | sed 's/^/coherent pass:   /'
		return 1
	fi
	if ! params_in_effect; then
		echo "coherent pass: the kernel log says:"
		dmesg | grep vsvm | tail -n 5 | sed 's/^/coherent pass:   /'
		return 1
	fi
}

ok=0
if [ $reserved -eq 0 ]; then
	echo "coherent pass: the kernel log has no \"user: [mem ${VSVM_COHERENT_RANGE:-?}] reserved\"" \
		"(kernel command line: $(cat /proc/cmdline))"
	setup memmap-reserved fail
else
	setup memmap-reserved pass
	if load_coherent; then
		setup load pass
		ok=1
	else
		setup load fail
	fi
fi
if [ $ok -eq 0 ]; then
	echo "coherent pass: not run; every selected coherent subtest counts as failed"
	for t in $subtests; do
		echo "@@TEST-RESULT coherent:$t fail rc=setup"
	done
	exit 0
fi

export VSVM_MODULE_PARAMS="$coherent_params"
echo "vsvm ($coherent_params): $(cd /dev/dri 2>/dev/null && echo *)"
run-tests.sh -b "$coherent_bins" -p coherent: "$pattern"
