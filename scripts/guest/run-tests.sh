#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every IGT-style test binary in /tests, one subtest per execution (as
# igt_runner does), and report each result and the totals.
# Usage: run-tests.sh [PATTERN]   (PATTERN as for --run-subtest, default all)
pattern=${1:-*}
per_test_timeout=${VSVM_TEST_TIMEOUT:-300}
export IGT_PLAIN_OUTPUT=1
pass=0; fail=0; skip=0

for bin in /tests/vsvm_*; do
	[ -x "$bin" ] || continue
	name=${bin##*/}
	for sub in $("$bin" --list-subtests); do
		case "$sub" in $pattern) ;; *) continue;; esac
		echo "@@TEST-BEGIN igt@$name@$sub"
		timeout -s KILL "$per_test_timeout" "$bin" --run-subtest "$sub" 2>&1
		rc=$?
		case $rc in
		0) res=pass; pass=$((pass + 1));;
		77) res=skip; skip=$((skip + 1));;
		137) res=timeout; fail=$((fail + 1));;
		*) res=fail; fail=$((fail + 1));;
		esac
		echo "@@TEST-RESULT igt@$name@$sub $res rc=$rc"
	done
done
echo "@@TOTALS $pass passed, $fail failed, $skip skipped"
