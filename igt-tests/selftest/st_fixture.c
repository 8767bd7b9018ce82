// SPDX-License-Identifier: MIT
/*
 * Harness self-test: fixture skips and failures, scoped by subtest groups.
 *
 * Copyright 2026 The vsvm authors
 */
#include <fcntl.h>

#include "igt_core.h"

IGT_TEST_DESCRIPTION("Self-test of fixture skip/fail propagation.");

static void marker(const char *what)
{
	const char *dir = getenv("ST_MARKER_DIR");
	char path[512];
	int fd;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, what);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0)
		close(fd);
}

igt_main
{
	igt_fixture
		marker("fixture-top");

	igt_subtest("before-groups")
		marker("before-groups");

	igt_describe("Group whose fixture skips.");
	igt_subtest_group {
		igt_fixture
			igt_require_f(0, "group requirement missing\n");

		igt_describe("Skipped with its group.");
		igt_subtest("skip-group-a")
			marker("skip-group-a");
		igt_subtest("skip-group-b")
			marker("skip-group-b");
		igt_fixture
			marker("fixture-after-skip");
	}

	igt_subtest("after-skip-group")
		marker("after-skip-group");

	igt_subtest_group {
		igt_fixture {
			igt_debug("debug line in failing fixture\n");
			igt_assert_f(0, "group fixture failure\n");
		}

		igt_subtest("fail-group-a")
			marker("fail-group-a");
		igt_subtest("fail-group-b")
			marker("fail-group-b");
		igt_fixture
			marker("fixture-after-fail");
	}

	igt_subtest("after-fail-group")
		marker("after-fail-group");

	igt_subtest_group {
		igt_subtest_group {
			igt_fixture
				igt_skip("nested group skip\n");
			igt_subtest("nested-skip")
				marker("nested-skip");
		}
		igt_subtest("outer-after-nested")
			marker("outer-after-nested");
	}
}
