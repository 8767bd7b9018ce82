// SPDX-License-Identifier: MIT
/*
 * igt_core - stand-alone implementation of the IGT 2.0 test conventions.
 * See igt_core.h for the interface and the few deliberate deviations.
 *
 * Copyright 2026 The vsvm authors
 */
#include <ctype.h>
#include <execinfo.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "igt_core.h"

#ifndef IGT_CORE_VERSION
#define IGT_CORE_VERSION "2.0-vsvm"
#endif

#define NSEC_PER_SEC 1000000000ULL
#define LOG_BUFFER_SIZE 256
#define MAX_EXIT_HANDLERS 10
#define MAX_GROUP_DEPTH 16
#define DESCRIPTION_SIZE 4096

sigjmp_buf igt_subtest_jmpbuf;
enum igt_log_level igt_log_level = IGT_LOG_INFO;

enum { CONT = 0, SKIP, FAIL };

static const char *command_str = "igt";
static bool test_with_subtests;
static bool in_fixture;
static const char *in_subtest;
static char subtest_name_buf[256];
static int skip_subtests_henceforth;

static bool list_subtests;
static bool show_testlist;
static bool describe_subtests;
static char *run_single_subtest;
static bool run_single_subtest_found;

static bool skipped_one, succeeded_one, failed_one;
static int igt_exitcode = IGT_EXIT_SUCCESS;

static struct timespec subtest_time;
static bool plain_output;
static bool stderr_needs_sentinel;

static char current_description[DESCRIPTION_SIZE];
static char *group_descriptions[MAX_GROUP_DEPTH];
static int group_description_count;

/* fork support */
static bool test_child;
static pid_t *test_children;
static int num_test_children, test_children_sz;

/* a failure (assert, skip) in a thread other than the main one */
static volatile sig_atomic_t thread_failed;

/* exit handlers */
static igt_exit_handler_t exit_handler_fn[MAX_EXIT_HANDLERS];
static int exit_handler_count;
static bool in_atexit_handler;

/* timeouts */
static const char *timeout_op;

/* output and the ring buffer of the last log lines, both under print_mutex */
static pthread_mutex_t print_mutex;
static char *log_entries[LOG_BUFFER_SIZE];
static unsigned int log_start, log_end;
static __thread bool log_continuation;

static void print_backtrace(void);
static void call_exit_handlers(int sig);

/* ---- small helpers ---------------------------------------------------------- */

static void init_print_mutex(void)
{
	pthread_mutexattr_t attr;

	pthread_mutexattr_init(&attr);
	/* recursive: the SIGALRM handler may log while the main thread is printing */
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&print_mutex, &attr);
	pthread_mutexattr_destroy(&attr);
}

static bool is_main_thread(void)
{
	return gettid() == getpid();
}

__attribute__((format(printf, 2, 3)))
static void internal_assert(bool cond, const char *format, ...)
{
	va_list ap;

	if (cond)
		return;

	va_start(ap, format);
	vfprintf(stderr, format, ap);
	va_end(ap);
	fprintf(stderr, "please refer to igt-tests/lib/igt_core.h\n");
	abort();
}

static void write_stderr(const char *str)
{
	ssize_t ret = write(STDERR_FILENO, str, strlen(str));

	(void)ret;
}

const char *igt_test_name(void)
{
	return command_str;
}

const char *igt_subtest_name(void)
{
	return in_subtest;
}

bool igt_only_list_subtests(void)
{
	return list_subtests || show_testlist;
}

bool igt_can_fail(void)
{
	return !test_with_subtests || in_fixture || in_subtest;
}

int igt_ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));

	return ret;
}

/* ---- time ------------------------------------------------------------------------ */

int igt_gettime(struct timespec *ts)
{
	memset(ts, 0, sizeof(*ts));
	if (clock_gettime(CLOCK_MONOTONIC, ts))
		return -errno;
	return 0;
}

double igt_time_elapsed(struct timespec *then, struct timespec *now)
{
	if (!(then->tv_sec || then->tv_nsec) || !(now->tv_sec || now->tv_nsec))
		return -1.0;

	return (now->tv_sec - then->tv_sec) + (now->tv_nsec - then->tv_nsec) * 1e-9;
}

uint64_t igt_nsec_elapsed(struct timespec *start)
{
	struct timespec now;

	igt_gettime(&now);
	if (!(start->tv_sec || start->tv_nsec)) {
		*start = now;
		return 0;
	}

	return (uint64_t)(now.tv_sec - start->tv_sec) * NSEC_PER_SEC +
	       (now.tv_nsec - start->tv_nsec);
}

unsigned int igt_seconds_elapsed(struct timespec *start)
{
	return igt_nsec_elapsed(start) / NSEC_PER_SEC;
}

/* ---- kernel log -------------------------------------------------------------------- */

void igt_kmsg(const char *format, ...)
{
	const char *path = getenv("IGT_KMSG_PATH");
	va_list ap;
	char *str;
	ssize_t ret;
	int fd, len;

	if (!path || !*path)
		path = "/dev/kmsg";

	/* no O_CREAT: never create a regular file in place of /dev/kmsg */
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return;

	va_start(ap, format);
	len = vasprintf(&str, format, ap);
	va_end(ap);

	if (len >= 0) {
		ret = write(fd, str, len); /* one record per write() for /dev/kmsg */
		(void)ret;
		free(str);
	}
	close(fd);
}

/* ---- logging --------------------------------------------------------------------------- */

static void log_buffer_append(char *line)
{
	unsigned int end = log_end % LOG_BUFFER_SIZE;

	free(log_entries[end]);
	log_entries[end] = line;
	log_end = (log_end + 1) % LOG_BUFFER_SIZE;
	if (log_end == log_start)
		log_start = (log_start + 1) % LOG_BUFFER_SIZE;
}

static void log_buffer_reset(void)
{
	pthread_mutex_lock(&print_mutex);
	log_start = log_end = 0;
	pthread_mutex_unlock(&print_mutex);
}

/* Dump the buffered log lines (all levels, debug included) to stderr. */
static void log_buffer_dump(void)
{
	unsigned int i;

	pthread_mutex_lock(&print_mutex);

	if (in_subtest)
		fprintf(stderr, "Subtest %s failed.\n", in_subtest);
	else
		fprintf(stderr, "Test %s failed.\n", command_str);

	if (log_start == log_end) {
		fprintf(stderr, "No log.\n");
	} else {
		fprintf(stderr, "**** DEBUG ****\n");
		i = log_start;
		do {
			fprintf(stderr, "%s", log_entries[i]);
			i = (i + 1) % LOG_BUFFER_SIZE;
		} while (i != log_start && i != log_end);
		fprintf(stderr, "****  END  ****\n");
		log_start = log_end = 0;
	}
	fflush(stderr);

	pthread_mutex_unlock(&print_mutex);
}

void igt_vlog(const char *domain, enum igt_log_level level, const char *format, va_list args)
{
	static const char *const level_str[] = {
		"DEBUG", "INFO", "WARNING", "CRITICAL", "NONE"
	};
	char thread_id[32] = "";
	char *line, *formatted;
	FILE *file;
	size_t len;

	if (level < IGT_LOG_DEBUG || level > IGT_LOG_NONE)
		level = IGT_LOG_CRITICAL;

	/* listing must print nothing but the subtest names */
	if (igt_only_list_subtests() && level <= IGT_LOG_WARN)
		return;

	if (vasprintf(&line, format, args) < 0)
		return;

	if (!is_main_thread())
		snprintf(thread_id, sizeof(thread_id), "[thread:%d] ", gettid());

	if (log_continuation) {
		formatted = strdup(line);
	} else if (asprintf(&formatted, "(%s:%d) %s%s%s%s: %s", program_invocation_short_name,
			    getpid(), thread_id, domain ? domain : "", domain ? "-" : "",
			    level_str[level], line) < 0) {
		formatted = NULL;
	}
	if (!formatted) {
		free(line);
		return;
	}

	len = strlen(line);
	log_continuation = len && line[len - 1] != '\n';

	pthread_mutex_lock(&print_mutex);

	log_buffer_append(formatted);

	if (level != IGT_LOG_NONE && igt_log_level <= level) {
		file = level >= IGT_LOG_WARN ? stderr : stdout;
		if (level == IGT_LOG_INFO)
			fprintf(file, "%s%s", thread_id, line);
		else
			fprintf(file, "%s", formatted);
		fflush(file);
	}

	pthread_mutex_unlock(&print_mutex);
	free(line);
}

void igt_log(const char *domain, enum igt_log_level level, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	igt_vlog(domain, level, format, args);
	va_end(args);
}

static void print_backtrace(void)
{
	void *frames[32];
	char **symbols;
	int n, i;

	n = backtrace(frames, ARRAY_SIZE(frames));
	symbols = backtrace_symbols(frames, n);
	igt_info("Stack trace:\n");
	/* skip print_backtrace() and the harness function that called it */
	for (i = 2; i < n; i++)
		igt_info("  #%d %s\n", i - 2, symbols ? symbols[i] : "[unknown]");
	free(symbols);
}

/* ---- output lines ----------------------------------------------------------------------- */

static void subtest_result_message(const char *name, const char *result, double elapsed)
{
	pthread_mutex_lock(&print_mutex);
	printf("%sSubtest %s: %s (%.3fs)%s\n", plain_output ? "" : "\x1b[1m", name, result,
	       elapsed, plain_output ? "" : "\x1b[0m");
	fflush(stdout);
	if (stderr_needs_sentinel) {
		fprintf(stderr, "Subtest %s: %s (%.3fs)\n", name, result, elapsed);
		fflush(stderr);
	}
	pthread_mutex_unlock(&print_mutex);
}

static void subtest_starting_message(const char *name)
{
	igt_info("Starting subtest: %s\n", name);
	if (stderr_needs_sentinel) {
		fprintf(stderr, "Starting subtest: %s\n", name);
		fflush(stderr);
	}
}

static void print_version(void)
{
	struct utsname uts;

	if (igt_only_list_subtests())
		return;

	uname(&uts);
	igt_info("IGT-Version: %s (%s) (%s: %s %s)\n", IGT_CORE_VERSION, uts.machine,
		 uts.sysname, uts.release, uts.machine);
}

/* Print @text wrapped at 80 columns, each line starting with @indent. */
static void print_line_wrapping(const char *indent, const char *text)
{
	const int width = 80 - (int)strlen(indent);
	const char *p = text;
	int col = 0;

	printf("%s", indent);
	while (*p) {
		const char *word_end;
		int wlen;

		if (*p == ' ') {
			p++;
			continue;
		}
		if (*p == '\n') {
			printf("\n%s", indent);
			col = 0;
			p++;
			continue;
		}
		word_end = p;
		while (*word_end && *word_end != ' ' && *word_end != '\n')
			word_end++;
		wlen = word_end - p;
		if (col && col + 1 + wlen > width) {
			printf("\n%s", indent);
			col = 0;
		}
		printf("%s%.*s", col ? " " : "", wlen, p);
		col += (col ? 1 : 0) + wlen;
		p = word_end;
	}
	printf("\n");
}

static void print_test_description(void)
{
	if (&__igt_test_description && __igt_test_description) {
		print_line_wrapping("", __igt_test_description);
		if (describe_subtests)
			printf("\n");
	}
}

static void print_subtest_description(const char *name, const char *file, int line)
{
	const char indent[] = "  ";
	bool has_doc = false;
	int i;

	printf("SUB %s %s:%d:\n", name, file, line);
	for (i = 0; i < group_description_count; i++) {
		if (!group_descriptions[i])
			continue;
		print_line_wrapping(indent, group_descriptions[i]);
		printf("\n");
		has_doc = true;
	}
	if (current_description[0]) {
		print_line_wrapping(indent, current_description);
		printf("\n");
		has_doc = true;
	}
	if (!has_doc)
		printf("%sNO DOCUMENTATION!\n\n", indent);
}

static void print_usage(bool on_stderr)
{
	FILE *f = on_stderr ? stderr : stdout;

	fprintf(f, "Usage: %s [OPTIONS]\n", command_str);
	fprintf(f, "  --list-subtests\n"
		   "  --show-testlist\n"
		   "  --run-subtest <pattern>\n"
		   "  --dynamic-subtest <pattern>\n"
		   "  --debug[=log-domain]\n"
		   "  --interactive-debug[=domain]\n"
		   "  --skip-crc-compare\n"
		   "  --trace-on-oops\n"
		   "  --help-description\n"
		   "  --describe\n"
		   "  --device filters\n"
		   "  --version\n"
		   "  --help|-h\n");
}

/* ---- subtest selection -------------------------------------------------------------- */

/*
 * uwildmat as IGT uses it: a comma-separated list of shell wildcard
 * patterns, each optionally negated with a leading '!'; the last pattern
 * that matches decides, and a name that matches none is not selected.
 */
static bool uwildmat(const char *text, const char *pattern)
{
	char *pats = strdup(pattern), *save = NULL, *tok;
	bool matched = false;

	if (!pats)
		return false;

	for (tok = strtok_r(pats, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		bool neg = tok[0] == '!';

		if (fnmatch(neg ? tok + 1 : tok, text, 0) == 0)
			matched = !neg;
	}

	free(pats);
	return matched;
}

static bool valid_name_for_subtest(const char *name)
{
	int i;

	if (!name[0])
		return false;
	for (i = 0; name[i]; i++)
		if (name[i] != '_' && name[i] != '-' && !isalnum((unsigned char)name[i]))
			return false;
	return true;
}

/* ---- signals and exit handlers ----------------------------------------------------- */

static const struct {
	int sig;
	const char *name; /* NULL: terminate silently */
	bool crash;
} handled_signals[] = {
	{ SIGINT, NULL, false },
	{ SIGHUP, NULL, false },
	{ SIGPIPE, NULL, false },
	{ SIGTERM, NULL, false },
	{ SIGQUIT, "SIGQUIT", false }, /* igt_runner's external timeout */
	{ SIGABRT, "SIGABRT", false },
	{ SIGSEGV, "SIGSEGV", true },
	{ SIGBUS, "SIGBUS", true },
	{ SIGFPE, "SIGFPE", true },
	{ SIGILL, "SIGILL", true },
};

static void restore_all_sig_handlers(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(handled_signals); i++)
		signal(handled_signals[i].sig, SIG_DFL);
}

static __noreturn void exit_subtest(const char *result);

static void fatal_sig_handler(int sig)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(handled_signals); i++) {
		if (handled_signals[i].sig != sig)
			continue;

		if (handled_signals[i].name) {
			void *frames[32];
			int n;

			write_stderr("Received signal ");
			write_stderr(handled_signals[i].name);
			write_stderr(".\n");
			write_stderr("Stack trace:\n");
			n = backtrace(frames, ARRAY_SIZE(frames));
			backtrace_symbols_fd(frames, n, STDERR_FILENO);
		}

		if (handled_signals[i].crash && !test_child && is_main_thread()) {
			if (!failed_one)
				igt_exitcode = 128 + sig;
			failed_one = true;
			if (in_subtest)
				exit_subtest("CRASH");
		}
		break;
	}

	restore_all_sig_handlers();
	call_exit_handlers(sig);
	/* delivered with the default action once this handler returns */
	syscall(SYS_tgkill, getpid(), gettid(), sig);
}

static void install_sig_handlers(void)
{
	struct sigaction sa;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fatal_sig_handler;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(handled_signals); i++)
		sigaction(handled_signals[i].sig, &sa, NULL);
}

static void call_exit_handlers(int sig)
{
	int i, count = exit_handler_count;

	/* each handler runs at most once, even if it raises another signal */
	exit_handler_count = 0;
	for (i = count - 1; i >= 0; i--)
		exit_handler_fn[i](sig);
}

static void igt_atexit_handler(void)
{
	in_atexit_handler = true;
	restore_all_sig_handlers();
	call_exit_handlers(0);
}

void igt_install_exit_handler(igt_exit_handler_t fn)
{
	int i;

	for (i = 0; i < exit_handler_count; i++)
		if (exit_handler_fn[i] == fn)
			return;

	igt_assert_f(exit_handler_count < MAX_EXIT_HANDLERS, "too many exit handlers\n");
	exit_handler_fn[exit_handler_count++] = fn;
}

/* ---- timeouts --------------------------------------------------------------------------- */

static void igt_alarm_handler(int sig)
{
	if (!is_main_thread()) {
		/* the test flow lives in the main thread: redirect */
		syscall(SYS_tgkill, getpid(), getpid(), sig);
		return;
	}

	if (timeout_op)
		igt_info("Timed out: %s\n", timeout_op);
	else
		igt_info("Timed out\n");

	igt_fail(IGT_EXIT_FAILURE);
}

void igt_set_timeout(unsigned int seconds, const char *op)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = igt_alarm_handler;
	sigemptyset(&sa.sa_mask);

	timeout_op = op;
	if (seconds)
		sigaction(SIGALRM, &sa, NULL);
	alarm(seconds);
}

void igt_reset_timeout(void)
{
	igt_set_timeout(0, NULL);
}

/* ---- init ----------------------------------------------------------------------------------- */

enum {
	OPT_LIST_SUBTESTS = 500,
	OPT_SHOW_TESTLIST,
	OPT_DESCRIBE_SUBTESTS,
	OPT_RUN_SUBTEST,
	OPT_RUN_DYNAMIC_SUBTEST,
	OPT_DESCRIPTION,
	OPT_DEBUG,
	OPT_INTERACTIVE_DEBUG,
	OPT_SKIP_CRC,
	OPT_TRACE_OOPS,
	OPT_DEVICE,
	OPT_VERSION,
	OPT_HELP = 'h',
};

static void common_init_env(void)
{
	const char *env;

	if (!isatty(STDOUT_FILENO) || getenv("IGT_PLAIN_OUTPUT"))
		plain_output = true;
	errno = 0; /* isatty() may have set it */

	env = getenv("IGT_LOG_LEVEL");
	if (env) {
		if (!strcmp(env, "debug"))
			igt_log_level = IGT_LOG_DEBUG;
		else if (!strcmp(env, "info"))
			igt_log_level = IGT_LOG_INFO;
		else if (!strcmp(env, "warn"))
			igt_log_level = IGT_LOG_WARN;
		else if (!strcmp(env, "critical"))
			igt_log_level = IGT_LOG_CRITICAL;
		else if (!strcmp(env, "none"))
			igt_log_level = IGT_LOG_NONE;
	}

	stderr_needs_sentinel = getenv("IGT_SENTINEL_ON_STDERR") != NULL;
}

static void igt_srandom(void)
{
	const char *env = getenv("IGT_SRANDOM");
	unsigned int seed = env ? strtoul(env, NULL, 0) : (unsigned int)time(NULL);

	srandom(seed);
	igt_info("Using IGT_SRANDOM=%u for randomisation\n", seed);
}

static void common_init(int *argc, char **argv)
{
	static const struct option long_options[] = {
		{ "list-subtests", no_argument, NULL, OPT_LIST_SUBTESTS },
		{ "show-testlist", no_argument, NULL, OPT_SHOW_TESTLIST },
		{ "describe", optional_argument, NULL, OPT_DESCRIBE_SUBTESTS },
		{ "run-subtest", required_argument, NULL, OPT_RUN_SUBTEST },
		{ "dynamic-subtest", required_argument, NULL, OPT_RUN_DYNAMIC_SUBTEST },
		{ "help-description", no_argument, NULL, OPT_DESCRIPTION },
		{ "debug", optional_argument, NULL, OPT_DEBUG },
		{ "interactive-debug", optional_argument, NULL, OPT_INTERACTIVE_DEBUG },
		{ "skip-crc-compare", no_argument, NULL, OPT_SKIP_CRC },
		{ "trace-on-oops", no_argument, NULL, OPT_TRACE_OOPS },
		{ "device", required_argument, NULL, OPT_DEVICE },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, OPT_HELP },
		{ 0, 0, 0, 0 }
	};
	const char *slash;
	int c, i, ret = 0;

	init_print_mutex();
	common_init_env();

	slash = strrchr(argv[0], '/');
	command_str = slash ? slash + 1 : argv[0];

	while ((c = getopt_long(*argc, argv, "h", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_DEBUG:
			igt_log_level = IGT_LOG_DEBUG; /* the domain filter is ignored */
			break;
		case OPT_LIST_SUBTESTS:
			if (!run_single_subtest)
				list_subtests = true;
			break;
		case OPT_SHOW_TESTLIST:
			show_testlist = true;
			break;
		case OPT_DESCRIBE_SUBTESTS:
			if (optarg)
				run_single_subtest = strdup(optarg);
			list_subtests = true;
			describe_subtests = true;
			print_test_description();
			break;
		case OPT_RUN_SUBTEST:
			if (!igt_only_list_subtests())
				run_single_subtest = strdup(optarg);
			break;
		case OPT_DESCRIPTION:
			print_test_description();
			ret = -1;
			goto out;
		case OPT_VERSION:
			print_version();
			ret = -1;
			goto out;
		case OPT_HELP:
			print_usage(false);
			ret = -1;
			goto out;
		case OPT_RUN_DYNAMIC_SUBTEST:
		case OPT_DEVICE:
			/* a filter that is ignored would run what was not asked for */
			igt_warn("--%s is not supported by this harness\n",
				 c == OPT_DEVICE ? "device" : "dynamic-subtest");
			ret = -2;
			goto out;
		case OPT_INTERACTIVE_DEBUG:
		case OPT_SKIP_CRC:
		case OPT_TRACE_OOPS:
			break; /* hints that change nothing here: accepted, no effect */
		default:
			print_usage(true);
			ret = -2;
			goto out;
		}
	}

out:
	if (!test_with_subtests) {
		if (run_single_subtest) {
			igt_warn("Unknown subtest: %s\n", run_single_subtest);
			exit(IGT_EXIT_INVALID);
		}
		if (show_testlist) {
			printf("igt@%s\n", command_str);
			exit(IGT_EXIT_SUCCESS);
		}
		if (list_subtests)
			exit(IGT_EXIT_INVALID);
	}

	if (ret < 0)
		exit(ret == -1 ? IGT_EXIT_SUCCESS : IGT_EXIT_INVALID);

	if (!igt_only_list_subtests()) {
		igt_kmsg(KMSG_INFO "%s: executing\n", command_str);
		print_version();
		igt_srandom();
	}

	install_sig_handlers();
	atexit(igt_atexit_handler);

	if (!test_with_subtests)
		igt_gettime(&subtest_time);

	/* leave the non-option arguments to the test, like IGT */
	for (i = 0; optind + i < *argc; i++)
		argv[i + 1] = argv[optind + i];
	*argc = *argc - optind + 1;
}

int igt_subtest_init_parse_opts(int *argc, char **argv)
{
	test_with_subtests = true;
	common_init(argc, argv);
	return 0;
}

void igt_simple_init_parse_opts(int *argc, char **argv)
{
	common_init(argc, argv);
}

/* ---- blocks ----------------------------------------------------------------------------- */

bool __igt_fixture(void)
{
	internal_assert(!in_fixture, "nesting multiple igt_fixtures is invalid\n");
	internal_assert(!in_subtest, "nesting igt_fixture in igt_subtest is invalid\n");
	internal_assert(test_with_subtests, "igt_fixture in igt_simple_main is invalid\n");

	if (igt_only_list_subtests())
		return false;
	if (skip_subtests_henceforth)
		return false;

	in_fixture = true;
	return true;
}

void __igt_fixture_complete(void)
{
	in_fixture = false;
	igt_reset_timeout();
}

void __igt_fixture_end(void)
{
	in_fixture = false;
	igt_reset_timeout();
	siglongjmp(igt_subtest_jmpbuf, 1);
}

void igt_describe_f(const char *fmt, ...)
{
	va_list args;

	if (!describe_subtests)
		return;

	va_start(args, fmt);
	vsnprintf(current_description, sizeof(current_description), fmt, args);
	va_end(args);
}

void __igt_subtest_group_save(volatile int *save, volatile int *desc)
{
	internal_assert(test_with_subtests, "igt_subtest_group is not allowed in igt_simple_main\n");
	internal_assert(group_description_count < MAX_GROUP_DEPTH,
			"igt_subtest_group nested too deeply\n");

	/* the description before a group documents every subtest in it */
	group_descriptions[group_description_count++] =
		current_description[0] ? strdup(current_description) : NULL;
	current_description[0] = '\0';
	*desc = 1;
	*save = skip_subtests_henceforth;
}

void __igt_subtest_group_restore(int save, int desc)
{
	if (desc && group_description_count > 0) {
		group_description_count--;
		free(group_descriptions[group_description_count]);
		group_descriptions[group_description_count] = NULL;
	}
	skip_subtests_henceforth = save;
}

bool __igt_run_subtest(const char *subtest_name, const char *file, int line)
{
	internal_assert(!igt_can_fail(),
			"igt_subtest can be nested only in igt_main or igt_subtest_group\n");

	if (!valid_name_for_subtest(subtest_name)) {
		/* IGT aborts (or exits 0 when listing); we exit 98 in every mode */
		igt_critical("Invalid subtest name \"%s\".\n", subtest_name);
		exit(IGT_EXIT_FAILURE);
	}

	if (run_single_subtest) {
		if (!uwildmat(subtest_name, run_single_subtest)) {
			current_description[0] = '\0';
			return false;
		}
		run_single_subtest_found = true;
	}

	if (describe_subtests) {
		print_subtest_description(subtest_name, file, line);
		current_description[0] = '\0';
		return false;
	} else if (show_testlist) {
		printf("igt@%s@%s\n", command_str, subtest_name);
		return false;
	} else if (list_subtests) {
		printf("%s\n", subtest_name);
		return false;
	}

	if (skip_subtests_henceforth) {
		subtest_result_message(subtest_name,
				       skip_subtests_henceforth == SKIP ? "SKIP" : "FAIL", 0.0);
		return false;
	}

	igt_kmsg(KMSG_INFO "%s: starting subtest %s\n", command_str, subtest_name);
	subtest_starting_message(subtest_name);

	log_buffer_reset();
	thread_failed = 0;
	igt_gettime(&subtest_time);

	snprintf(subtest_name_buf, sizeof(subtest_name_buf), "%s", subtest_name);
	in_subtest = subtest_name_buf;
	return true;
}

static void kill_and_reap_children(void)
{
	int c;

	for (c = 0; c < num_test_children; c++) {
		if (test_children[c] > 0) {
			kill(test_children[c], SIGKILL);
			waitpid(test_children[c], NULL, 0);
		}
	}
	num_test_children = 0;
}

static __noreturn void exit_subtest(const char *result)
{
	struct timespec now;

	igt_gettime(&now);
	igt_reset_timeout();

	subtest_result_message(in_subtest, result, igt_time_elapsed(&subtest_time, &now));
	igt_kmsg(KMSG_INFO "%s: finished subtest %s, %s\n", command_str, in_subtest, result);

	/* a subtest that bailed out may have left children behind */
	kill_and_reap_children();

	in_subtest = NULL;
	siglongjmp(igt_subtest_jmpbuf, 1);
}

/* ---- results --------------------------------------------------------------------------- */

void igt_success(void)
{
	if (thread_failed && is_main_thread()) {
		thread_failed = 0;
		igt_critical("A thread of the test failed\n");
		igt_fail(IGT_EXIT_FAILURE);
	}

	succeeded_one = true;
	if (in_subtest)
		exit_subtest("SUCCESS");
}

void igt_fail(int exitcode)
{
	if (exitcode == IGT_EXIT_SUCCESS || exitcode == IGT_EXIT_SKIP)
		exitcode = IGT_EXIT_FAILURE;

	if (!is_main_thread()) {
		thread_failed = 1;
		pthread_exit(NULL);
	}

	/* an assert failing in an exit handler */
	if (in_atexit_handler)
		_exit(IGT_EXIT_FAILURE);

	if (!failed_one)
		igt_exitcode = exitcode;
	failed_one = true;

	log_buffer_dump();

	if (test_child)
		exit(exitcode);

	if (in_subtest)
		exit_subtest("FAIL");

	internal_assert(igt_can_fail(),
			"failing test is only allowed in fixtures, subtests and igt_simple_main\n");

	if (in_fixture) {
		skip_subtests_henceforth = FAIL;
		__igt_fixture_end();
	}

	igt_exit();
}

void igt_skip(const char *f, ...)
{
	va_list args;

	if (!is_main_thread()) {
		igt_critical("igt_skip/igt_require are only allowed in the main thread\n");
		thread_failed = 1;
		pthread_exit(NULL);
	}
	if (test_child) {
		igt_critical("skips are not allowed in forks\n");
		exit(IGT_EXIT_FAILURE);
	}

	skipped_one = true;

	if (!igt_only_list_subtests()) {
		pthread_mutex_lock(&print_mutex);
		va_start(args, f);
		vprintf(f, args);
		va_end(args);
		fflush(stdout);
		pthread_mutex_unlock(&print_mutex);
	}

	if (in_subtest) {
		exit_subtest("SKIP");
	} else if (test_with_subtests) {
		internal_assert(in_fixture,
				"skipping is allowed only in fixtures, subtests or igt_simple_main\n");
		skip_subtests_henceforth = SKIP;
		__igt_fixture_end();
	} else {
		igt_exitcode = IGT_EXIT_SKIP;
		igt_exit();
	}
}

void __igt_skip_check(const char *file, int line, const char *func, const char *check,
		      const char *f, ...)
{
	int err = errno;
	char err_str[160] = "";
	char *buf = NULL;
	va_list args;

	if (err)
		snprintf(err_str, sizeof(err_str), "Last errno: %i, %s\n", err, strerror(err));

	if (f) {
		va_start(args, f);
		if (vasprintf(&buf, f, args) < 0)
			buf = NULL;
		va_end(args);
	}

	igt_skip("Test requirement not met in function %s, file %s:%i:\n"
		 "Test requirement: %s\n%s%s",
		 func, file, line, check, buf ? buf : "", err_str);
}

/* The errno and the caller's message that follow an assertion or abort line. */
static void log_failure_details(const char *domain, int err, const char *f, va_list args)
{
	if (err)
		igt_log(domain, IGT_LOG_CRITICAL, "Last errno: %i, %s\n", err, strerror(err));
	if (f)
		igt_vlog(domain, IGT_LOG_CRITICAL, f, args);
}

void __igt_fail_assert(const char *domain, const char *file, int line, const char *func,
		       const char *assertion, const char *f, ...)
{
	int err = errno;
	va_list args;

	igt_log(domain, IGT_LOG_CRITICAL, "Test assertion failure function %s, file %s:%i:\n",
		func, file, line);
	igt_log(domain, IGT_LOG_CRITICAL, "Failed assertion: %s\n", assertion);
	va_start(args, f);
	log_failure_details(domain, err, f, args);
	va_end(args);

	print_backtrace();
	igt_fail(IGT_EXIT_FAILURE);
}

void igt_kill_children(int signal)
{
	int c;

	for (c = 0; c < num_test_children; c++)
		if (test_children[c] > 0)
			kill(test_children[c], signal);
}

void __igt_abort(const char *domain, const char *file, int line, const char *func,
		 const char *expression, const char *f, ...)
{
	int err = errno;
	va_list args;

	igt_kmsg(KMSG_ERR "%s[%d]: Abort in function %s, file %s:%i, %s\n", command_str,
		 getpid(), func, file, line, expression);

	igt_log(domain, IGT_LOG_CRITICAL, "Test abort in function %s, file %s:%i:\n", func,
		file, line);
	igt_log(domain, IGT_LOG_CRITICAL, "abort condition: %s\n", expression);
	va_start(args, f);
	log_failure_details(domain, err, f, args);
	va_end(args);

	igt_kill_children(SIGKILL);
	print_backtrace();
	log_buffer_dump();

	exit(IGT_EXIT_ABORT);
}

void igt_exit(void)
{
	const char *result;
	struct timespec now;

	if (run_single_subtest && !run_single_subtest_found) {
		igt_critical("Unknown subtest: %s\n", run_single_subtest);
		exit(IGT_EXIT_INVALID);
	}

	if (igt_only_list_subtests())
		exit(IGT_EXIT_SUCCESS);

	if (thread_failed && !failed_one) {
		igt_critical("A thread of the test failed\n");
		igt_exitcode = IGT_EXIT_FAILURE;
		failed_one = true;
	}

	if (test_with_subtests && !failed_one)
		igt_exitcode = succeeded_one ? IGT_EXIT_SUCCESS : IGT_EXIT_SKIP;

	igt_kmsg(KMSG_INFO "%s: exiting, ret=%d\n", command_str, igt_exitcode);
	igt_debug("Exiting with status code %d\n", igt_exitcode);

	kill_and_reap_children();

	if (!test_with_subtests) {
		switch (igt_exitcode) {
		case IGT_EXIT_SUCCESS:
			result = "SUCCESS";
			break;
		case IGT_EXIT_SKIP:
			result = "SKIP";
			break;
		default:
			result = "FAIL";
		}
		igt_gettime(&now);
		printf("%s (%.3fs)\n", result, igt_time_elapsed(&subtest_time, &now));
	}

	fflush(NULL);
	exit(igt_exitcode);
}

/* ---- fork --------------------------------------------------------------------------------- */

bool __igt_fork(void)
{
	pid_t pid;

	internal_assert(!test_with_subtests || in_subtest,
			"forking is only allowed in subtests or igt_simple_main\n");
	internal_assert(!test_child, "forking is not allowed from already forked children\n");

	if (num_test_children >= test_children_sz) {
		int sz = test_children_sz ? 2 * test_children_sz : 4;
		pid_t *children = realloc(test_children, sz * sizeof(*children));

		igt_assert(children);
		test_children = children;
		test_children_sz = sz;
	}

	fflush(NULL); /* don't duplicate buffered output */

	pid = fork();
	igt_assert_f(pid >= 0, "fork failed\n");
	if (pid == 0) {
		test_child = true;
		init_print_mutex();
		exit_handler_count = 0;
		num_test_children = 0;
		thread_failed = 0;
		timeout_op = NULL;
		alarm(0);
		return true;
	}

	test_children[num_test_children++] = pid;
	return false;
}

void __igt_child_exit(void)
{
	if (thread_failed) {
		igt_critical("A thread of the test child failed\n");
		exit(IGT_EXIT_FAILURE);
	}
	exit(IGT_EXIT_SUCCESS);
}

int __igt_waitchildren(void)
{
	int err = 0, count = 0;

	internal_assert(!test_child, "igt_waitchildren is not allowed in children\n");

	while (count < num_test_children) {
		int status = -1, c;
		pid_t pid;

		pid = wait(&status);
		if (pid == -1) {
			if (errno == EINTR)
				continue;
			printf("wait(num_children:%d) failed with %m\n", num_test_children - count);
			num_test_children = 0;
			return IGT_EXIT_FAILURE;
		}

		for (c = 0; c < num_test_children; c++)
			if (pid == test_children[c])
				break;
		if (c == num_test_children)
			continue;
		test_children[c] = -1;

		if (err == 0 && status != 0) {
			if (WIFEXITED(status)) {
				printf("child %i failed with exit status %i\n", c,
				       WEXITSTATUS(status));
				err = WEXITSTATUS(status);
			} else if (WIFSIGNALED(status)) {
				printf("child %i died with signal %i, %s\n", c, WTERMSIG(status),
				       strsignal(WTERMSIG(status)));
				err = 128 + WTERMSIG(status);
			} else {
				printf("Unhandled failure [%d] in child %i\n", status, c);
				err = 256;
			}
			fflush(stdout);
			igt_kill_children(SIGKILL);
		}

		count++;
	}

	num_test_children = 0;
	return err;
}

void igt_waitchildren(void)
{
	int err = __igt_waitchildren();

	if (err)
		igt_fail(err);
}

static void igt_alarm_killchildren(int sig)
{
	(void)sig;
	igt_info("Timed out waiting for children\n");
	igt_kill_children(SIGKILL);
}

void igt_waitchildren_timeout(int seconds, const char *reason)
{
	struct sigaction sa;
	int ret;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = igt_alarm_killchildren;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	timeout_op = reason;
	alarm(seconds);

	ret = __igt_waitchildren();

	igt_reset_timeout();
	if (ret)
		igt_fail(ret);
}
