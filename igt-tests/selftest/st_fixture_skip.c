// SPDX-License-Identifier: MIT
/*
 * Harness self-test: a top-level fixture that skips, as a test does on a
 * machine without the hardware. Every subtest after it reports SKIP, the
 * binary exits 77, and listing never runs the fixture.
 *
 * Copyright 2026 The vsvm authors
 */
#include <fcntl.h>

#include "igt_core.h"

IGT_TEST_DESCRIPTION("Self-test of a fixture that skips every subtest.");

igt_main
{
	igt_fixture {
		const char *m = getenv("ST_MARKER");

		if (m)
			close(open(m, O_WRONLY | O_CREAT | O_TRUNC, 0644));
		igt_require_f(access("/nonexistent/device", F_OK) == 0, "no such device\n");
	}

	igt_subtest("first")
		igt_info("not reached\n");
	igt_subtest("second")
		igt_info("not reached\n");
	igt_subtest_f("generated-%d", 3)
		igt_info("not reached\n");

	igt_fixture
		igt_info("not reached\n");
}
