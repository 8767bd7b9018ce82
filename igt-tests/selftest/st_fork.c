// SPDX-License-Identifier: MIT
/*
 * Harness self-test: igt_fork()/igt_waitchildren(), failures in children and
 * threads, crashes and exit handlers.
 *
 * Copyright 2026 The vsvm authors
 */
#include <pthread.h>
#include <signal.h>

#include "igt_core.h"

IGT_TEST_DESCRIPTION("Self-test of forked children, threads and exit handlers.");

int zero;

static void exit_handler(int sig)
{
	/* stdout may be gone at this point: write(2) directly */
	char buf[64];
	int len = snprintf(buf, sizeof(buf), "exit handler ran, sig=%d\n", sig);

	if (write(STDOUT_FILENO, buf, len) < 0)
		return;
}

static void *failing_thread(void *arg)
{
	(void)arg;
	igt_assert_f(zero, "assert in a thread\n");
	return NULL;
}

static void *passing_thread(void *arg)
{
	(void)arg;
	igt_assert(!zero);
	return NULL;
}

igt_main
{
	igt_fixture
		igt_install_exit_handler(exit_handler);

	igt_subtest("fork-pass") {
		igt_fork(child, 4) {
			igt_assert(child >= 0 && child < 4);
			igt_info("child %d running\n", child);
		}
		igt_waitchildren();
	}

	igt_subtest("fork-fail") {
		igt_fork(child, 3) {
			if (child == 1)
				igt_assert_eq(child, 0);
		}
		igt_waitchildren();
		igt_info("not reached\n");
	}

	igt_subtest("fork-signal") {
		igt_fork(child, 1)
			raise(SIGTERM);
		igt_waitchildren();
		igt_info("not reached\n");
	}

	igt_subtest("fork-skip") {
		igt_fork(child, 1)
			igt_skip("skip in a child\n");
		igt_waitchildren();
		igt_info("not reached\n");
	}

	igt_subtest("thread-pass") {
		pthread_t t;

		igt_assert_eq(pthread_create(&t, NULL, passing_thread, NULL), 0);
		pthread_join(t, NULL);
	}

	igt_subtest("thread-fail") {
		pthread_t t;

		igt_assert_eq(pthread_create(&t, NULL, failing_thread, NULL), 0);
		pthread_join(t, NULL);
	}

	igt_subtest("crash") {
		raise(SIGSEGV);
		igt_info("not reached\n");
	}

	igt_subtest("after-crash") {
	}
}
