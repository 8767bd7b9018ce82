#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Self-test of the igt_core harness: runs the st_* binaries and checks their
# exit codes, output lines and kernel-log markers against IGT 2.0 behaviour.
# Needs no GPU and no root.
#
#   selftest/run.sh <directory with the st_* binaries>
#
# Prints "ok - ..." / "FAIL - ..." per check, then "N passed, N failed";
# exits 1 if any check failed.

set -u

bin=${1:?usage: run.sh <selftest build dir>}
bin=$(cd "$bin" && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
out=$tmp/out
err=$tmp/err
kmsg=$tmp/kmsg
rc=0
cmd=

# kernel-log markers go to a file instead of /dev/kmsg
export IGT_KMSG_PATH=$kmsg
unset IGT_LOG_LEVEL IGT_SENTINEL_ON_STDERR IGT_PLAIN_OUTPUT

ok() {
	passed=$((passed + 1))
	echo "ok - $cmd: $1"
}

ko() {
	failed=$((failed + 1))
	echo "FAIL - $cmd: $1"
	echo "   --- stdout"
	sed 's/^/   | /' "$out" | head -n 60
	echo "   --- stderr"
	sed 's/^/   | /' "$err" | head -n 60
}

check() { # check DESCRIPTION command...
	local what=$1
	shift
	if "$@"; then ok "$what"; else ko "$what"; fi
}

# run [VAR=value ...] BINARY [ARGS...]: run one self-test binary
run() {
	local envs=()
	while [[ $1 == *=* ]]; do
		envs+=("$1")
		shift
	done
	local name=$1
	shift
	cmd="${envs[*]}${envs[*]:+ }$name $*"
	: >"$kmsg"
	env "${envs[@]}" "$bin/$name" "$@" >"$out" 2>"$err" </dev/null
	rc=$?
}

expect_rc() {
	if [ "$rc" -eq "$1" ]; then ok "exit code $1"; else ko "exit code $rc, expected $1"; fi
}

# expect_out/expect_err/expect_kmsg EXTENDED-REGEX: some line matches
expect_out() { check "stdout has /$1/" grep -qE -- "$1" "$out"; }
expect_err() { check "stderr has /$1/" grep -qE -- "$1" "$err"; }
expect_kmsg() { check "kmsg has /$1/" grep -qE -- "$1" "$kmsg"; }
not_grep() { ! grep -qE -- "$1" "$2"; }
no_out() { check "stdout lacks /$1/" not_grep "$1" "$out"; }
no_err() { check "stderr lacks /$1/" not_grep "$1" "$err"; }
count_out() { # count_out N REGEX
	local n
	n=$(grep -cE -- "$2" "$out")
	if [ "$n" -eq "$1" ]; then ok "$1 stdout lines match /$2/"; else ko "$n stdout lines match /$2/, expected $1"; fi
}
exact_out() { # exact_out LINE...: stdout is exactly these lines
	printf '%s\n' "$@" >"$tmp/expected"
	check "stdout is exactly: $*" cmp -s "$tmp/expected" "$out"
}
empty_err() { check "stderr is empty" test ! -s "$err"; }
result() { expect_out "^Subtest $1: $2 \([0-9]+\.[0-9]{3}s\)$"; }
not_started() { no_out "^Starting subtest: $1$"; }

# ---------------------------------------------------------------- st_results

RESULTS_LIST=(pass-a pass-b pass-c skip-require skip-require-f skip-on skip-explicit fail-explicit
	fail-assert fail-assert-f fail-eq fail-neq fail-lt fail-lte fail-eq-u32 fail-eq-u64 fail-fd
	fail-fail-on last-pass)

run st_results
expect_rc 98
expect_out '^IGT-Version: [^ ]+ \([^)]+\) \(Linux: [^ ]+ [^ )]+\)$'
expect_out '^Using IGT_SRANDOM=[0-9]+ for randomisation$'
expect_out '^Starting subtest: pass-a$'
expect_out '^info line from pass-a$'
result pass-a SUCCESS
result pass-b SUCCESS
result last-pass SUCCESS
result skip-require SKIP
result skip-explicit SKIP
result fail-explicit FAIL
result fail-eq FAIL
count_out 4 '^Subtest .*: SUCCESS '
count_out 4 '^Subtest .*: SKIP '
count_out 11 '^Subtest .*: FAIL '
count_out 19 '^Starting subtest: '
expect_out '^Test requirement not met in function .*, file .*st_results\.c:[0-9]+:$'
expect_out '^Test requirement: zero$'
expect_out '^custom requirement message 42$'
expect_out '^Test requirement: !\(one\)$'
expect_out '^explicit skip reason$'
no_out 'not reached'
no_out 'DEBUG'
expect_err '^\(st_results:[0-9]+\) WARNING: warning line from pass-a$'
expect_err '^\(st_results:[0-9]+\) CRITICAL: Test assertion failure function .*, file .*st_results\.c:[0-9]+:$'
expect_err '^\(st_results:[0-9]+\) CRITICAL: Failed assertion: zero$'
expect_err '^\(st_results:[0-9]+\) CRITICAL: custom failure message 7$'
expect_err '^\(st_results:[0-9]+\) CRITICAL: Failed assertion: one == two$'
expect_err '^\(st_results:[0-9]+\) CRITICAL: error: 1 != 2$'
expect_err '^\(st_results:[0-9]+\) CRITICAL: error: 1 == 1$'
expect_err '^\(st_results:[0-9]+\) CRITICAL: error: 2 >= 1$'
expect_err '^\(st_results:[0-9]+\) CRITICAL: error: 2 > 1$'
expect_err '^\(st_results:[0-9]+\) CRITICAL: error: 0xdead != 0xbeef$'
expect_err '^\(st_results:[0-9]+\) CRITICAL: error: 0x100000000 != 0x200000000$'
expect_err '^\(st_results:[0-9]+\) CRITICAL: file descriptor minus_one failed$'
expect_err '^\(st_results:[0-9]+\) CRITICAL: Failed assertion: !\(one\)$'
expect_err '^Subtest fail-eq failed\.$'
expect_err '^\*\*\*\* DEBUG \*\*\*\*$'
expect_err '^\(st_results:[0-9]+\) DEBUG: debug line before eq$'
expect_err '^\(st_results:[0-9]+\) DEBUG: debug line before explicit failure$'
expect_err '^\*\*\*\*  END  \*\*\*\*$'
no_err 'debug line from pass-a'
expect_kmsg '^<6>\[IGT\] st_results: executing$'
expect_kmsg '^<6>\[IGT\] st_results: starting subtest pass-a$'
expect_kmsg '^<6>\[IGT\] st_results: finished subtest pass-a, SUCCESS$'
expect_kmsg '^<6>\[IGT\] st_results: finished subtest skip-explicit, SKIP$'
expect_kmsg '^<6>\[IGT\] st_results: finished subtest fail-eq, FAIL$'
expect_kmsg '^<6>\[IGT\] st_results: exiting, ret=98$'

run st_results --list-subtests
expect_rc 0
exact_out "${RESULTS_LIST[@]}"
empty_err
check "listing writes no kmsg" test ! -s "$kmsg"

run st_results --show-testlist
expect_rc 0
exact_out "${RESULTS_LIST[@]/#/igt@st_results@}"

run st_results --run-subtest pass-a
expect_rc 0
result pass-a SUCCESS
count_out 1 '^Subtest '
not_started pass-b

run st_results --run-subtest 'skip-*'
expect_rc 77
count_out 4 '^Subtest .*: SKIP '
count_out 4 '^Subtest '

run st_results --run-subtest 'pass-*,!pass-b'
expect_rc 0
result pass-a SUCCESS
result pass-c SUCCESS
not_started pass-b
count_out 2 '^Subtest '

run st_results --run-subtest 'fail-eq*'
expect_rc 98
result fail-eq FAIL
result fail-eq-u32 FAIL
result fail-eq-u64 FAIL
count_out 3 '^Subtest '

run st_results --run-subtest 'pass-?,last-pass'
expect_rc 0
count_out 4 '^Subtest .*: SUCCESS '
count_out 4 '^Subtest '

run st_results --run-subtest 'pass-[ac]'
expect_rc 0
count_out 2 '^Subtest '
not_started pass-b

run st_results --dynamic-subtest 'x'
expect_rc 79
count_out 0 '^Subtest '

run st_results --device 'sys:/sys/devices/platform/vsvm0'
expect_rc 79
count_out 0 '^Subtest '

run st_results --run-subtest 'skip-on,pass-a'
expect_rc 0
count_out 2 '^Subtest '

run st_results --run-subtest nope
expect_rc 79
expect_err 'CRITICAL: Unknown subtest: nope$'
no_out '^Starting subtest'

run st_results --run-subtest '!pass-a'
expect_rc 79

run st_results --run-subtest 'nope,pass-c'
expect_rc 0
result pass-c SUCCESS

run st_results --list-subtests --run-subtest 'pass-*'
expect_rc 0
exact_out "${RESULTS_LIST[@]}"

run st_results --run-subtest pass-a --debug
expect_rc 0
expect_out '^\(st_results:[0-9]+\) DEBUG: debug line from pass-a$'

run IGT_LOG_LEVEL=debug st_results --run-subtest pass-a
expect_rc 0
expect_out '^\(st_results:[0-9]+\) DEBUG: debug line from pass-a$'

run IGT_LOG_LEVEL=warn st_results --run-subtest pass-a
expect_rc 0
no_out '^info line from pass-a$'
expect_err 'WARNING: warning line from pass-a$'

run IGT_SENTINEL_ON_STDERR=1 st_results --run-subtest pass-a
expect_rc 0
expect_err '^Starting subtest: pass-a$'
expect_err '^Subtest pass-a: SUCCESS \([0-9.]+s\)$'

run st_results --help-description
expect_rc 0
exact_out "Self-test of pass, skip and fail results."

run st_results --describe
expect_rc 0
expect_out '^Self-test of pass, skip and fail results\.$'
expect_out '^SUB pass-a .*st_results\.c:[0-9]+:$'
expect_out '^  A subtest that passes\.$'
expect_out '^SUB pass-c .*st_results\.c:[0-9]+:$'
expect_out '^  NO DOCUMENTATION!$'
count_out 19 '^SUB '

run st_results --describe=pass-b
expect_rc 0
count_out 1 '^SUB '
expect_out '^  Every assert form with a true condition\.$'

run st_results --describe=nope
expect_rc 79

run st_results --help
expect_rc 0
expect_out '^Usage: st_results \[OPTIONS\]$'
expect_out '^  --run-subtest <pattern>$'

run st_results --no-such-option
expect_rc 79
expect_err '^Usage: st_results \[OPTIONS\]$'

# ---------------------------------------------------------------- st_fixture

mkdir -p "$tmp/markers"
rm -f "$tmp/markers"/*
run ST_MARKER_DIR="$tmp/markers" st_fixture
expect_rc 98
result before-groups SUCCESS
result skip-group-a SKIP
result skip-group-b SKIP
result after-skip-group SUCCESS
result fail-group-a FAIL
result fail-group-b FAIL
result after-fail-group SUCCESS
result nested-skip SKIP
result outer-after-nested SUCCESS
not_started skip-group-a
not_started fail-group-a
not_started nested-skip
expect_out '^group requirement missing$'
expect_out '^nested group skip$'
expect_err '^\(st_fixture:[0-9]+\) CRITICAL: group fixture failure$'
expect_err '^Test st_fixture failed\.$'
expect_err '^\(st_fixture:[0-9]+\) DEBUG: debug line in failing fixture$'
for m in fixture-top before-groups after-skip-group after-fail-group outer-after-nested; do
	check "ran: $m" test -e "$tmp/markers/$m"
done
for m in skip-group-a skip-group-b fixture-after-skip fail-group-a fail-group-b fixture-after-fail \
	nested-skip; do
	check "did not run: $m" test ! -e "$tmp/markers/$m"
done
expect_kmsg 'finished subtest after-fail-group, SUCCESS$'
check "no kmsg for subtests skipped by a fixture" not_grep skip-group-a "$kmsg"

rm -f "$tmp/markers"/*
run ST_MARKER_DIR="$tmp/markers" st_fixture --list-subtests
expect_rc 0
exact_out before-groups skip-group-a skip-group-b after-skip-group fail-group-a fail-group-b \
	after-fail-group nested-skip outer-after-nested
check "listing runs no fixture" test ! -e "$tmp/markers/fixture-top"

run st_fixture --run-subtest after-skip-group
expect_rc 98 # the failing group fixture still runs, as in IGT
result after-skip-group SUCCESS
count_out 1 '^Subtest '

run st_fixture --run-subtest 'skip-group-*'
expect_rc 98 # ditto
count_out 2 '^Subtest .*: SKIP '

run st_fixture --describe=skip-group-b
expect_rc 0
expect_out '^  Group whose fixture skips\.$'

run st_fixture --describe=skip-group-a
expect_out '^  Skipped with its group\.$'

# ---------------------------------------------------------------- st_fixture_skip

run ST_MARKER="$tmp/fixture-ran" st_fixture_skip
expect_rc 77
result first SKIP
result second SKIP
result generated-3 SKIP
count_out 3 '^Subtest '
expect_out '^Test requirement not met in function .*, file .*st_fixture_skip\.c:[0-9]+:$'
expect_out '^no such device$'
no_out '^Starting subtest'
no_out 'not reached'

rm -f "$tmp/fixture-ran"
run ST_MARKER="$tmp/fixture-ran" st_fixture_skip --list-subtests
expect_rc 0
exact_out first second generated-3
empty_err
check "listing runs no fixture" test ! -e "$tmp/fixture-ran"

run st_fixture_skip --show-testlist
expect_rc 0
exact_out igt@st_fixture_skip@first igt@st_fixture_skip@second igt@st_fixture_skip@generated-3

run st_fixture_skip --run-subtest second
expect_rc 77
count_out 1 '^Subtest '
result second SKIP

run st_fixture_skip --run-subtest 'generated-*'
expect_rc 77
result generated-3 SKIP

run st_fixture_skip --run-subtest third
expect_rc 79

# ---------------------------------------------------------------- st_fixture_fail

run st_fixture_fail
expect_rc 98
result early-pass SUCCESS
result late-a FAIL
result late-b FAIL
not_started late-a
expect_err '^\(st_fixture_fail:[0-9]+\) CRITICAL: error: 3 != 4$'
expect_err '^Test st_fixture_fail failed\.$'
expect_err '^\*\*\*\* DEBUG \*\*\*\*$'
expect_err 'DEBUG: debug line in fixture$'

run st_fixture_fail --run-subtest early-pass
expect_rc 98
count_out 1 '^Subtest '

run st_fixture_fail --list-subtests
expect_rc 0
exact_out early-pass late-a late-b

# ---------------------------------------------------------------- st_fork

run st_fork
expect_rc 98
result fork-pass SUCCESS
count_out 4 '^child [0-3] running$'
result fork-fail FAIL
expect_out '^child 1 failed with exit status 98$'
result fork-signal FAIL
expect_out '^child 0 died with signal 15, '
result fork-skip FAIL
expect_err 'CRITICAL: skips are not allowed in forks$'
result thread-pass SUCCESS
result thread-fail FAIL
expect_err '^\(st_fork:[0-9]+\) \[thread:[0-9]+\] CRITICAL: Failed assertion: zero$'
result crash CRASH
expect_err '^Received signal SIGSEGV\.$'
result after-crash SUCCESS
count_out 1 '^exit handler ran, sig=0$'
no_out 'not reached'

run st_fork --run-subtest crash
expect_rc 139
count_out 1 '^exit handler ran, sig=0$'

run st_fork --run-subtest fork-pass
expect_rc 0
count_out 1 '^exit handler ran, sig=0$'

run st_fork --list-subtests
expect_rc 0
no_out 'exit handler'

# ---------------------------------------------------------------- st_timeout

start=$(date +%s)
run st_timeout
end=$(date +%s)
expect_rc 98
result timeout FAIL
expect_out '^Timed out: sleeping forever$'
expect_out '^Subtest timeout: FAIL \(1\.[0-9]{3}s\)$'
result timeout-children FAIL
expect_out '^Timed out: waiting for children$'
result waitchildren-timeout FAIL
expect_out '^Timed out waiting for children$'
result until-timeout SUCCESS
result timeout-reset SUCCESS
result timeout-left-armed SUCCESS
result after-left-armed SUCCESS
check "whole run under 20s (took $((end - start))s)" test $((end - start)) -lt 20

run st_timeout --run-subtest 'until-timeout'
expect_rc 0
expect_out '^[0-9]+ loops in 1\.[0-9]{3}s$'

# ---------------------------------------------------------------- st_simple

run st_simple
expect_rc 0
expect_out '^IGT-Version: '
expect_out '^simple test done$'
expect_out '^SUCCESS \([0-9]+\.[0-9]{3}s\)$'
no_out '^Subtest'
expect_kmsg '^<6>\[IGT\] st_simple: executing$'
expect_kmsg '^<6>\[IGT\] st_simple: exiting, ret=0$'

run ST_MODE=skip st_simple
expect_rc 77
expect_out '^Test requirement not met in function '
expect_out '^mode is skip$'
expect_out '^SKIP \([0-9]+\.[0-9]{3}s\)$'

run ST_MODE=fail st_simple
expect_rc 98
expect_err 'CRITICAL: mode is fail$'
expect_err '^Test st_simple failed\.$'
expect_err 'DEBUG: simple test mode fail$'
expect_out '^FAIL \([0-9]+\.[0-9]{3}s\)$'

run ST_MODE=abort st_simple
expect_rc 112
expect_err '^\(st_simple:[0-9]+\) CRITICAL: Test abort in function .*, file .*st_simple\.c:[0-9]+:$'
expect_err 'CRITICAL: abort condition: !strcmp\(mode, "abort"\)$'
expect_err 'CRITICAL: mode is abort$'
expect_kmsg '^<3>\[IGT\] st_simple\[[0-9]+\]: Abort in function '

run ST_MODE=timeout st_simple
expect_rc 98
expect_out '^Timed out: simple sleep$'
expect_out '^FAIL \(1\.[0-9]{3}s\)$'

run st_simple --list-subtests
expect_rc 79

run st_simple --show-testlist
expect_rc 0
exact_out igt@st_simple

run st_simple --run-subtest foo
expect_rc 79

run st_simple --help-description
expect_rc 0
exact_out "Self-test of igt_simple_main."

# ---------------------------------------------------------------- st_invalid_name

run st_invalid_name
expect_rc 98
result valid_name-1 SUCCESS
expect_err 'CRITICAL: Invalid subtest name "invalid name!"\.$'
not_started never-listed

run st_invalid_name --list-subtests
expect_rc 98
exact_out valid_name-1
expect_err 'CRITICAL: Invalid subtest name "invalid name!"\.$'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
