// SPDX-License-Identifier: MIT
/*
 * Harness self-test: SUCCESS, SKIP and FAIL results, every assert form,
 * debug logging, descriptions and subtest selection.
 *
 * Copyright 2026 The vsvm authors
 */
#include "igt_core.h"

IGT_TEST_DESCRIPTION("Self-test of pass, skip and fail results.");

/* globals so the compiler cannot fold the failing comparisons */
int zero = 0, one = 1, two = 2, minus_one = -1;
uint32_t u32_a = 0xdead, u32_b = 0xbeef;
uint64_t u64_a = 0x100000000ULL, u64_b = 0x200000000ULL;

static const char *const fail_forms[] = {
	"assert", "assert-f", "eq", "neq", "lt", "lte", "eq-u32", "eq-u64", "fd", "fail-on",
};

igt_main
{
	igt_describe("A subtest that passes.");
	igt_subtest("pass-a") {
		igt_info("info line from pass-a\n");
		igt_debug("debug line from pass-a\n");
		igt_warn("warning line from pass-a\n");
		igt_assert(one);
	}

	igt_describe("Every assert form with a true condition.");
	igt_subtest("pass-b") {
		igt_assert(one == 1);
		igt_assert_f(two == 2, "never printed %d\n", two);
		igt_assert_eq(one, 1);
		igt_assert_neq(one, two);
		igt_assert_lt(one, two);
		igt_assert_lte(one, one);
		igt_assert_lte(one, two);
		igt_assert_eq_u32(u32_a, 0xdead);
		igt_assert_eq_u64(u64_a, 0x100000000ULL);
		igt_assert_neq_u64(u64_a, u64_b);
		igt_assert_lt_u64(u64_a, u64_b);
		igt_assert_fd(zero);
		igt_fail_on(zero);
		igt_require(one);
		igt_require_f(one, "never printed\n");
		igt_skip_on(zero);
		igt_skip_on_f(zero, "never printed\n");
		igt_abort_on_f(zero, "never printed\n");
	}

	igt_subtest("pass-c") {
	}

	igt_subtest("skip-require") {
		igt_require(zero);
		igt_info("not reached\n");
	}

	igt_subtest("skip-require-f") {
		igt_require_f(zero, "custom requirement message %d\n", 42);
	}

	igt_subtest("skip-on") {
		igt_skip_on_f(one, "skip-on message\n");
	}

	igt_subtest("skip-explicit") {
		igt_skip("explicit skip reason\n");
	}

	igt_subtest("fail-explicit") {
		igt_debug("debug line before explicit failure\n");
		igt_fail(IGT_EXIT_FAILURE);
	}

	/* volatile: read again after the longjmp that ends each subtest */
	for (volatile unsigned int i = 0; i < ARRAY_SIZE(fail_forms); i++) {
		igt_subtest_f("fail-%s", fail_forms[i]) {
			igt_debug("debug line before %s\n", fail_forms[i]);
			errno = 0;
			switch (i) {
			case 0: igt_assert(zero); break;
			case 1: igt_assert_f(zero, "custom failure message %d\n", 7); break;
			case 2: igt_assert_eq(one, two); break;
			case 3: igt_assert_neq(one, one); break;
			case 4: igt_assert_lt(two, one); break;
			case 5: igt_assert_lte(two, one); break;
			case 6: igt_assert_eq_u32(u32_a, u32_b); break;
			case 7: igt_assert_eq_u64(u64_a, u64_b); break;
			case 8: igt_assert_fd(minus_one); break;
			case 9: igt_fail_on(one); break;
			}
			igt_info("not reached\n");
		}
	}

	igt_subtest("last-pass") {
	}
}
