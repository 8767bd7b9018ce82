// SPDX-License-Identifier: MIT
/*
 * Harness self-test: a subtest passes, then a top-level fixture fails, so
 * every later subtest reports FAIL and the binary exits 98.
 *
 * Copyright 2026 The vsvm authors
 */
#include "igt_core.h"

IGT_TEST_DESCRIPTION("Self-test of a fixture that fails every later subtest.");

int bad_value = 3;

igt_main
{
	igt_subtest("early-pass") {
	}

	igt_fixture {
		igt_debug("debug line in fixture\n");
		igt_assert_eq(bad_value, 4);
	}

	igt_subtest("late-a")
		igt_info("not reached\n");
	igt_subtest("late-b")
		igt_info("not reached\n");
}
