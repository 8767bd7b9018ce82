/* SPDX-License-Identifier: MIT */
/*
 * igt_core - a small stand-alone test harness with the conventions of IGT 2.0
 * (igt-gpu-tools lib/igt_core.h): the same block macros, asserts, logging,
 * command line, output lines, kernel-log markers and exit codes, so that
 * IGT's igt_runner can drive the binaries. Plain C, no libigt, no glib.
 *
 * Copyright 2026 The vsvm authors
 *
 * Deviations from IGT (see igt-tests/README.md):
 *  - an invalid subtest name is a critical error that exits with 98
 *    (IGT_EXIT_FAILURE) in every mode, listing included (IGT aborts or, when
 *    listing, exits 0);
 *  - a timeout set with igt_set_timeout() is cancelled when the subtest (or
 *    fixture) it was set in ends;
 *  - no dynamic subtests, no --hook, --device is accepted and ignored, the
 *    optional domain of --debug is ignored, results go to stdout/stderr only
 *    (IGT_RUNNER_SOCKET_FD is ignored; igt_runner then parses the output);
 *  - IGT_KMSG_PATH may name a file that replaces /dev/kmsg (self-test aid).
 */
#ifndef IGT_CORE_H
#define IGT_CORE_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef IGT_LOG_DOMAIN
#define IGT_LOG_DOMAIN (NULL)
#endif

#ifndef __noreturn
#define __noreturn __attribute__((noreturn))
#endif

/* Exit codes (identical to IGT). */
#define IGT_EXIT_SUCCESS 0
#define IGT_EXIT_SKIP 77
#define IGT_EXIT_INVALID 79
#define IGT_EXIT_FAILURE 98
#define IGT_EXIT_ABORT 112

extern const char *__igt_test_description __attribute__((weak));

/**
 * IGT_TEST_DESCRIPTION - one-line description of the binary, printed by
 * --help-description and at the top of --describe.
 */
#define IGT_TEST_DESCRIPTION(str) const char *__igt_test_description = str

/* ---- internal plumbing used by the block macros ------------------------ */

extern sigjmp_buf igt_subtest_jmpbuf;

#define __igt_tokencat2(x, y) x##y
#define igt_tokencat(x, y) __igt_tokencat2(x, y)
#define igt_unique(prefix) igt_tokencat(igt_tokencat(__igt_unique__, prefix), __LINE__)

int igt_subtest_init_parse_opts(int *argc, char **argv);
void igt_simple_init_parse_opts(int *argc, char **argv);
bool __igt_fixture(void);
void __igt_fixture_complete(void);
__noreturn void __igt_fixture_end(void);
bool __igt_run_subtest(const char *subtest_name, const char *file, int line);
void __igt_subtest_group_save(volatile int *save, volatile int *desc);
void __igt_subtest_group_restore(int save, int desc);
__noreturn void igt_exit(void);

/* ---- test structure ----------------------------------------------------- */

/**
 * igt_main - replaces main() of a test with subtests:
 *	igt_main { igt_fixture {...} igt_subtest("x") {...} }
 */
#define igt_main \
	static void igt_unique(__real_main)(void); \
	int main(int argc, char **argv) \
	{ \
		igt_subtest_init_parse_opts(&argc, argv); \
		igt_unique(__real_main)(); \
		igt_exit(); \
	} \
	static void igt_unique(__real_main)(void)

/** igt_simple_main - replaces main() of a test without subtests. */
#define igt_simple_main \
	static void igt_unique(__real_main)(void); \
	int main(int argc, char **argv) \
	{ \
		igt_simple_init_parse_opts(&argc, argv); \
		igt_unique(__real_main)(); \
		igt_exit(); \
	} \
	static void igt_unique(__real_main)(void)

/**
 * igt_fixture - set-up/tear-down code outside subtests. Not run when only
 * listing, nor after an earlier fixture (of the same or an enclosing group)
 * skipped or failed. A skip in it makes the later subtests SKIP, a failure
 * makes them FAIL. Variables it writes must be globals or volatile.
 */
#define igt_fixture \
	for (volatile int igt_unique(__tmpint) = 0; \
	     igt_unique(__tmpint) < 1 && __igt_fixture() && \
	     (sigsetjmp(igt_subtest_jmpbuf, 1) == 0); \
	     igt_unique(__tmpint)++, __igt_fixture_complete())

/** igt_subtest - a named subtest; the name may only use [A-Za-z0-9_-]. */
#define igt_subtest(name) \
	for (; __igt_run_subtest((name), __FILE__, __LINE__) && \
	       (sigsetjmp(igt_subtest_jmpbuf, 1) == 0); \
	     igt_success())

#define __igt_subtest_f(tmp, ...) \
	for (char tmp[256]; \
	     snprintf(tmp, sizeof(tmp), __VA_ARGS__), \
	     __igt_run_subtest(tmp, __FILE__, __LINE__) && \
	     (sigsetjmp(igt_subtest_jmpbuf, 1) == 0); \
	     igt_success())

/** igt_subtest_f - like igt_subtest() with a printf-formatted name. */
#define igt_subtest_f(...) __igt_subtest_f(igt_unique(__tmpchar), __VA_ARGS__)

/**
 * igt_subtest_group - scope for fixtures and subtests: a skip or failure of a
 * fixture inside the group only affects the subtests of the group.
 */
#define igt_subtest_group \
	for (volatile int igt_unique(__tmpint) = 0, igt_unique(__save) = 0, \
		 igt_unique(__desc) = 0; \
	     igt_unique(__tmpint) < 1 && \
	     (__igt_subtest_group_save(&igt_unique(__save), &igt_unique(__desc)), true); \
	     igt_unique(__tmpint)++, \
	     __igt_subtest_group_restore(igt_unique(__save), igt_unique(__desc)))

__attribute__((format(printf, 1, 2)))
void igt_describe_f(const char *fmt, ...);
/** igt_describe - document the following subtest or group (--describe). */
#define igt_describe(dsc) igt_describe_f("%s", dsc)

const char *igt_test_name(void);
const char *igt_subtest_name(void);
bool igt_only_list_subtests(void);
bool igt_can_fail(void);

/* ---- results ------------------------------------------------------------ */

void igt_success(void);
__noreturn void igt_fail(int exitcode);
__attribute__((format(printf, 1, 2))) __noreturn
void igt_skip(const char *f, ...);
__attribute__((format(printf, 5, 6))) __noreturn
void __igt_skip_check(const char *file, int line, const char *func,
		      const char *check, const char *f, ...);
__attribute__((format(printf, 6, 7))) __noreturn
void __igt_fail_assert(const char *domain, const char *file, int line,
		       const char *func, const char *assertion, const char *f, ...);
__attribute__((format(printf, 6, 7))) __noreturn
void __igt_abort(const char *domain, const char *file, int line,
		 const char *func, const char *expression, const char *f, ...);

#define igt_skip_check(E, F...) \
	__igt_skip_check(__FILE__, __LINE__, __func__, E, F)

/* ---- asserts (fail the subtest) ------------------------------------------ */

#define igt_assert(expr) \
	do { \
		if (!(expr)) \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, \
					  #expr, NULL); \
	} while (0)

#define igt_assert_f(expr, f...) \
	do { \
		if (!(expr)) \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, \
					  #expr, f); \
	} while (0)

#define igt_fail_on(expr) igt_assert(!(expr))
#define igt_fail_on_f(expr, f...) igt_assert_f(!(expr), f)

#define igt_assert_cmpint(n1, cmp, ncmp, n2) \
	do { \
		int __n1 = (n1), __n2 = (n2); \
		if (__n1 cmp __n2) ; else \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, \
					  #n1 " " #cmp " " #n2, \
					  "error: %d " #ncmp " %d\n", __n1, __n2); \
	} while (0)

#define igt_assert_cmpuint(n1, cmp, ncmp, n2) \
	do { \
		uint32_t __n1 = (n1), __n2 = (n2); \
		if (__n1 cmp __n2) ; else \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, \
					  #n1 " " #cmp " " #n2, \
					  "error: %#x " #ncmp " %#x\n", __n1, __n2); \
	} while (0)

#define igt_assert_cmps64(n1, cmp, ncmp, n2) \
	do { \
		int64_t __n1 = (n1), __n2 = (n2); \
		if (__n1 cmp __n2) ; else \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, \
					  #n1 " " #cmp " " #n2, \
					  "error: %lld " #ncmp " %lld\n", \
					  (long long)__n1, (long long)__n2); \
	} while (0)

#define igt_assert_cmpu64(n1, cmp, ncmp, n2) \
	do { \
		uint64_t __n1 = (n1), __n2 = (n2); \
		if (__n1 cmp __n2) ; else \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, \
					  #n1 " " #cmp " " #n2, \
					  "error: %#llx " #ncmp " %#llx\n", \
					  (unsigned long long)__n1, \
					  (unsigned long long)__n2); \
	} while (0)

#define igt_assert_eq(n1, n2) igt_assert_cmpint(n1, ==, !=, n2)
#define igt_assert_neq(n1, n2) igt_assert_cmpint(n1, !=, ==, n2)
#define igt_assert_lt(n1, n2) igt_assert_cmpint(n1, <, >=, n2)
#define igt_assert_lte(n1, n2) igt_assert_cmpint(n1, <=, >, n2)
#define igt_assert_eq_u32(n1, n2) igt_assert_cmpuint(n1, ==, !=, n2)
#define igt_assert_neq_u32(n1, n2) igt_assert_cmpuint(n1, !=, ==, n2)
#define igt_assert_lt_u32(n1, n2) igt_assert_cmpuint(n1, <, >=, n2)
#define igt_assert_lte_u32(n1, n2) igt_assert_cmpuint(n1, <=, >, n2)
#define igt_assert_eq_s64(n1, n2) igt_assert_cmps64(n1, ==, !=, n2)
#define igt_assert_lt_s64(n1, n2) igt_assert_cmps64(n1, <, >=, n2)
#define igt_assert_lte_s64(n1, n2) igt_assert_cmps64(n1, <=, >, n2)
#define igt_assert_eq_u64(n1, n2) igt_assert_cmpu64(n1, ==, !=, n2)
#define igt_assert_neq_u64(n1, n2) igt_assert_cmpu64(n1, !=, ==, n2)
#define igt_assert_lt_u64(n1, n2) igt_assert_cmpu64(n1, <, >=, n2)
#define igt_assert_lte_u64(n1, n2) igt_assert_cmpu64(n1, <=, >, n2)

#define igt_assert_fd(fd) \
	igt_assert_f((fd) >= 0, "file descriptor " #fd " failed\n")

/* ---- requirements (skip the subtest) ------------------------------------- */

#define igt_require(expr) \
	do { \
		if (!(expr)) \
			igt_skip_check(#expr, NULL); \
		else \
			igt_debug("Test requirement passed: %s\n", #expr); \
	} while (0)

#define igt_require_f(expr, f...) \
	do { \
		if (!(expr)) \
			igt_skip_check(#expr, f); \
		else \
			igt_debug("Test requirement passed: %s\n", #expr); \
	} while (0)

#define igt_skip_on(expr) \
	do { \
		if ((expr)) \
			igt_skip_check("!(" #expr ")", NULL); \
		else \
			igt_debug("Test requirement passed: !(%s)\n", #expr); \
	} while (0)

#define igt_skip_on_f(expr, f...) \
	do { \
		if ((expr)) \
			igt_skip_check("!(" #expr ")", f); \
		else \
			igt_debug("Test requirement passed: !(%s)\n", #expr); \
	} while (0)

#define igt_require_fd(fd) \
	igt_require_f((fd) >= 0, "file descriptor " #fd " failed\n")

/** igt_abort_on_f - stop the whole run (exit 112) if @expr holds. */
#define igt_abort_on_f(expr, f...) \
	do { \
		if ((expr)) \
			__igt_abort(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, \
				    #expr, f); \
	} while (0)

/* ---- logging ---------------------------------------------------------------- */

enum igt_log_level {
	IGT_LOG_DEBUG,
	IGT_LOG_INFO,
	IGT_LOG_WARN,
	IGT_LOG_CRITICAL,
	IGT_LOG_NONE,
};

extern enum igt_log_level igt_log_level;

__attribute__((format(printf, 3, 4)))
void igt_log(const char *domain, enum igt_log_level level, const char *format, ...);
__attribute__((format(printf, 3, 0)))
void igt_vlog(const char *domain, enum igt_log_level level, const char *format,
	      va_list args);

#define igt_debug(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_DEBUG, f)
#define igt_info(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_INFO, f)
#define igt_warn(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_WARN, f)
#define igt_critical(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_CRITICAL, f)

#define igt_warn_on(cond) \
	({ \
		bool __c = (cond); \
		if (__c) \
			igt_warn("Warning on condition %s in function %s, file %s:%i\n", \
				 #cond, __func__, __FILE__, __LINE__); \
		__c; \
	})

#define igt_warn_on_f(cond, f...) \
	({ \
		bool __c = (cond); \
		if (__c) { \
			igt_warn("Warning on condition %s in function %s, file %s:%i\n", \
				 #cond, __func__, __FILE__, __LINE__); \
			igt_warn(f); \
		} \
		__c; \
	})

/** igt_kmsg - write a line to the kernel log (/dev/kmsg), errors ignored. */
__attribute__((format(printf, 1, 2)))
void igt_kmsg(const char *format, ...);
#define KMSG_EMER "<0>[IGT] "
#define KMSG_ALERT "<1>[IGT] "
#define KMSG_CRIT "<2>[IGT] "
#define KMSG_ERR "<3>[IGT] "
#define KMSG_WARNING "<4>[IGT] "
#define KMSG_NOTICE "<5>[IGT] "
#define KMSG_INFO "<6>[IGT] "
#define KMSG_DEBUG "<7>[IGT] "

/* ---- processes ---------------------------------------------------------------- */

bool __igt_fork(void);
__noreturn void __igt_child_exit(void);
/**
 * igt_fork - run the block in @num_children child processes (fork); @child
 * is the child's index. Join with igt_waitchildren(). A child failing an
 * assert exits with 98, which fails the subtest in igt_waitchildren(). Skips
 * are not allowed in children (they count as failures).
 */
#define igt_fork(child, num_children) \
	for (int child = 0; child < (num_children); child++) \
		for (; __igt_fork(); __igt_child_exit())
int __igt_waitchildren(void);
void igt_waitchildren(void);
void igt_waitchildren_timeout(int seconds, const char *reason);
void igt_kill_children(int signal);

typedef void (*igt_exit_handler_t)(int sig);
/**
 * igt_install_exit_handler - run @fn (at most once) when the process exits
 * or dies from SIGINT/SIGHUP/SIGPIPE/SIGTERM/SIGQUIT/SIGABRT/SIGSEGV/SIGBUS/
 * SIGFPE/SIGILL; @sig is the signal or 0. Handlers run in reverse order of
 * installation; children started with igt_fork() start with none.
 */
void igt_install_exit_handler(igt_exit_handler_t fn);

/* ---- time ------------------------------------------------------------------------ */

/**
 * igt_set_timeout - fail the current subtest (or fixture, or simple test) with
 * "Timed out: @op" after @seconds; 0 cancels. Cancelled automatically when the
 * subtest ends.
 */
void igt_set_timeout(unsigned int seconds, const char *op);
void igt_reset_timeout(void);

int igt_gettime(struct timespec *ts);
double igt_time_elapsed(struct timespec *then, struct timespec *now);
/* Both set *@start to now (and return 0) when it is zero. */
uint64_t igt_nsec_elapsed(struct timespec *start);
unsigned int igt_seconds_elapsed(struct timespec *start);

/** igt_until_timeout - loop until @timeout seconds have passed. */
#define igt_until_timeout(timeout) \
	for (struct timespec t__ = {}; igt_seconds_elapsed(&t__) < (timeout);)

/* ---- ioctl helpers --------------------------------------------------------------- */

/** igt_ioctl - ioctl() restarted on EINTR/EAGAIN, like drmIoctl(). */
int igt_ioctl(int fd, unsigned long request, void *arg);

#define do_ioctl(fd, ioc, ioc_data) \
	do { \
		igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), 0); \
		errno = 0; \
	} while (0)

#define do_ioctl_err(fd, ioc, ioc_data, err) \
	do { \
		igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), -1); \
		igt_assert_eq(errno, err); \
		errno = 0; \
	} while (0)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))
#endif

#ifdef __cplusplus
}
#endif

#endif /* IGT_CORE_H */
