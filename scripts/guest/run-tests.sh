#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run IGT-style test binaries of /tests, one subtest per execution (as
# igt_runner does), and report each result and the totals.
#
#   run-tests.sh [-b GLOB] [-p PREFIX] [-l] [PATTERN]
#
# PATTERN (a shell pattern, default all) selects the subtests whose name or
# BINARY@SUBTEST matches: 'query*' and 'vsvm_core*' both work. -b GLOB picks
# the binaries (default vsvm_*); -p PREFIX goes before each result name
# ("-p coherent:" reports coherent:igt@vsvm_svm@anon-read); -l only prints the
# igt@BINARY@SUBTEST names that would run. One "@@TEST-RESULT NAME RESULT rc=N"
# line per subtest (RESULT: pass, skip, fail or timeout), "@@TOTALS" last.
# Environment: VSVM_TEST_TIMEOUT (seconds per subtest, default 300),
# VSVM_TEST_DIR (default /tests).
bins='vsvm_*' prefix='' list=0
while getopts b:p:l opt; do
	case $opt in
	b) bins=$OPTARG;;
	p) prefix=$OPTARG;;
	l) list=1;;
	*) echo "usage: run-tests.sh [-b GLOB] [-p PREFIX] [-l] [PATTERN]" >&2; exit 2;;
	esac
done
shift $((OPTIND - 1))
pattern=${1:-*}
dir=${VSVM_TEST_DIR:-/tests}
per_test_timeout=${VSVM_TEST_TIMEOUT:-300}
export IGT_PLAIN_OUTPUT=1
pass=0; fail=0; skip=0

# shellcheck disable=SC2231 # $bins is a glob
for bin in $dir/$bins; do
	[ -x "$bin" ] || continue
	name=${bin##*/}
	for sub in $("$bin" --list-subtests); do
		# shellcheck disable=SC2254 # $pattern is a pattern
		case "$sub" in
		$pattern) ;;
		*) case "$name@$sub" in $pattern) ;; *) continue;; esac;;
		esac
		if [ $list -eq 1 ]; then
			echo "igt@$name@$sub"
			continue
		fi
		echo "@@TEST-BEGIN ${prefix}igt@$name@$sub"
		timeout -s KILL "$per_test_timeout" "$bin" --run-subtest "$sub" 2>&1
		rc=$?
		case $rc in
		0) res=pass; pass=$((pass + 1));;
		77) res=skip; skip=$((skip + 1));;
		137) res=timeout; fail=$((fail + 1));;
		*) res=fail; fail=$((fail + 1));;
		esac
		echo "@@TEST-RESULT ${prefix}igt@$name@$sub $res rc=$rc"
	done
done
[ $list -eq 1 ] || echo "@@TOTALS ${prefix:+$prefix }$pass passed, $fail failed, $skip skipped"
