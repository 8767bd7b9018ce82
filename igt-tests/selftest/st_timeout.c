// SPDX-License-Identifier: MIT
/*
 * Harness self-test: igt_set_timeout(), igt_until_timeout() and
 * igt_waitchildren_timeout().
 *
 * Copyright 2026 The vsvm authors
 */
#include "igt_core.h"

IGT_TEST_DESCRIPTION("Self-test of timeouts.");

igt_main
{
	igt_subtest("timeout") {
		igt_set_timeout(1, "sleeping forever");
		for (;;)
			sleep(10);
	}

	igt_subtest("timeout-children") {
		igt_set_timeout(1, "waiting for children");
		igt_fork(child, 2)
			sleep(60);
		igt_waitchildren();
	}

	igt_subtest("waitchildren-timeout") {
		igt_fork(child, 2)
			sleep(60);
		igt_waitchildren_timeout(1, "children sleeping");
	}

	igt_subtest("until-timeout") {
		struct timespec start = {};
		unsigned int loops = 0;
		uint64_t ns;

		igt_nsec_elapsed(&start);
		igt_until_timeout(1) {
			usleep(10000);
			loops++;
		}
		ns = igt_nsec_elapsed(&start);
		igt_info("%u loops in %.3fs\n", loops, ns * 1e-9);
		igt_assert_lte(10, loops);
		igt_assert_lte_u64(1000000000ULL, ns);
		igt_assert_lt_u64(ns, 3000000000ULL);
	}

	igt_subtest("timeout-reset") {
		igt_set_timeout(1, "must not fire");
		igt_reset_timeout();
		usleep(1500000);
	}

	igt_subtest("timeout-left-armed")
		igt_set_timeout(1, "left armed");

	igt_subtest("after-left-armed")
		usleep(1500000);
}
