// SPDX-License-Identifier: MIT
/*
 * Harness self-test: a subtest name outside [A-Za-z0-9_-] is a critical
 * error (exit 98), even when only listing.
 *
 * Copyright 2026 The vsvm authors
 */
#include "igt_core.h"

IGT_TEST_DESCRIPTION("Self-test of subtest name validation.");

igt_main
{
	igt_subtest("valid_name-1") {
	}

	igt_subtest("invalid name!") {
		igt_info("not reached\n");
	}

	igt_subtest("never-listed") {
	}
}
