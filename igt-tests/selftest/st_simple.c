// SPDX-License-Identifier: MIT
/*
 * Harness self-test: a test without subtests. ST_MODE selects the outcome:
 * pass (default), skip, fail, abort or timeout.
 *
 * Copyright 2026 The vsvm authors
 */
#include "igt_core.h"

IGT_TEST_DESCRIPTION("Self-test of igt_simple_main.");

igt_simple_main
{
	const char *mode = getenv("ST_MODE");

	if (!mode)
		mode = "pass";

	igt_debug("simple test mode %s\n", mode);
	igt_require_f(strcmp(mode, "skip"), "mode is skip\n");
	igt_assert_f(strcmp(mode, "fail"), "mode is fail\n");
	igt_abort_on_f(!strcmp(mode, "abort"), "mode is abort\n");
	if (!strcmp(mode, "timeout")) {
		igt_set_timeout(1, "simple sleep");
		sleep(30);
	}
	igt_info("simple test done\n");
}
