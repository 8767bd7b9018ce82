#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Light-weight stand-in for IGT's `igt_doc.py --check-testlist`: the
# "SUBTEST:" entries of each test's /** TEST: ... */ block must match the
# test's --list-subtests output, and the mandatory fields must be present.
#
#   doccheck.sh <build dir> <test name>...

set -u
build=${1:?usage: doccheck.sh <build dir> <test>...}
shift
src=$(cd "$(dirname "$0")" && pwd)
errors=0

for t in "$@"; do
	file=$src/$t.c
	# the doc block: from "/**" + " * TEST:" up to the closing " */"
	block=$(awk '/^\/\*\*$/ { inblk = 1; buf = ""; next }
		inblk && /^ \*\/$/ { if (buf ~ /\n \* TEST:/) { print buf; exit } inblk = 0; next }
		inblk { buf = buf "\n" $0 }' "$file")
	if [ -z "$block" ]; then
		echo "ERROR: $t.c has no /** TEST: ... */ block"
		errors=$((errors + 1))
		continue
	fi
	for field in "TEST" "Description" "Category" "Mega feature" "Sub-category" "Functionality"; do
		if ! grep -qE "^ \* $field: ." <<<"$block"; then
			echo "ERROR: $t.c: doc block lacks \"$field:\""
			errors=$((errors + 1))
		fi
	done
	documented=$(sed -nE 's/^ \* SUBTEST: *([^ ]+) *$/\1/p' <<<"$block" | sort)
	listed=$("$build/$t" --list-subtests | sort)
	while read -r s; do
		[ -n "$s" ] || continue
		echo "ERROR: Missing documentation for igt@$t@$s"
		errors=$((errors + 1))
	done < <(comm -13 <(echo "$documented") <(echo "$listed"))
	while read -r s; do
		[ -n "$s" ] || continue
		echo "ERROR: Unneeded documentation for igt@$t@$s"
		errors=$((errors + 1))
	done < <(comm -23 <(echo "$documented") <(echo "$listed"))
	# every SUBTEST needs its own Description
	awk -v t="$t" '/^ \* SUBTEST:/ { if (name != "" && !desc) { print "ERROR: igt@" t "@" name " has no Description"; bad++ } name = $3; desc = 0; next }
		/^ \* Description:/ && name != "" { desc = 1 }
		END { if (name != "" && !desc) { print "ERROR: igt@" t "@" name " has no Description"; bad++ } exit bad > 0 }' <<<"$block" ||
		errors=$((errors + 1))
done

if [ "$errors" -ne 0 ]; then
	echo "doccheck: $errors error(s)"
	exit 1
fi
echo "doccheck: $# test(s) documented consistently"
