// SPDX-License-Identifier: MIT
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * TEST: vsvm tools
 * Description: The user-space programs behind make bench and make demo run
 *              end to end on a small VRAM: vsvm-bench, vsvm-workloads and
 *              vsvm-demo check every result they report themselves and exit
 *              with 1 on a wrong one, so a run that exits with 0 and reports
 *              every figure is a working tool on a working driver. Each
 *              subtest reloads vsvm with vram_size=32M (so the tools'
 *              oversubscription steps overcommit quickly) and
 *              job_timeout_ms=60000 (a dispatch that faults on every 4 KiB
 *              page takes seconds under KASAN), and restores the default
 *              parameters after. The tools come from beside the test
 *              binary or the repository; a missing one skips its subtests.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: Tools
 * Functionality: benchmark, workload and demo programs
 * Feature: svm
 * Test category: functionality
 * Test requirement: root (module reload)
 *
 * SUBTEST: bench-quick
 * Description: vsvm-bench -q -s 4 runs every group (migrate, touch, fault,
 *              batch, oversub, attr, meta) once and exits with 0; its CSV has a row
 *              for every figure, each ok (test_hmm's rows may be n/a without
 *              the test_hmm module, the CPU fault-back with coherent VRAM)
 *              with a positive median.
 *
 * SUBTEST: bench-bad-args
 * Description: vsvm-bench exits with 2 for zero runs, an unknown group, an
 *              unknown option and --png without --plot, and with 1 for
 *              --plot of a file that does not exist or holds no figures.
 *
 * SUBTEST: workloads-quick
 * Description: vsvm-workloads --quick runs the nine workloads in the three
 *              prefetch modes and exits with 0; its CSV has the 27 runs, each
 *              ok.
 *
 * SUBTEST: demo-quick
 * Description: vsvm-demo --quick tells its story on two GPUs and exits with
 *              0.
 *
 * SUBTEST: workloads-bad-args
 * Description: vsvm-workloads exits with 2 for zero repetitions, a zero
 *              size, both --footprint and --size, a GPU index out of range,
 *              an unknown or empty workload or mode name, an unknown option
 *              and a stray argument, and with 1 and a message for GPU 15,
 *              a valid index that the module (at most 8 GPUs) never has.
 *
 * SUBTEST: demo-bad-args
 * Description: vsvm-demo exits with 2 for an unknown option and a stray
 *              argument.
 *
 * SUBTEST: concurrent
 * Description: vsvm-bench -q (touch and attr groups) and vsvm-workloads
 *              --quick (bfs, pointer-chase, stream-triad) run at the same
 *              time in two processes sharing the GPU and both exit with 0.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "igt_core.h"
#include "vsvm_test.h"

IGT_TEST_DESCRIPTION("vsvm-bench, vsvm-workloads and vsvm-demo end to end.");

#define TOOL_OUT_MAX (512 * 1024)
#define TOOL_TIMEOUT 600
#define SMALL_VRAM "vram_size=32M job_timeout_ms=60000"

/**
 * struct tool - a tool run: its path, process and output
 * @path: the binary
 * @pid: the process while it runs
 * @out: read end of its stdout and stderr
 * @len: bytes in @buf
 * @buf: its output (truncated to TOOL_OUT_MAX - 1 bytes)
 */
struct tool {
	char path[PATH_MAX];
	pid_t pid;
	int out;
	size_t len;
	char buf[TOOL_OUT_MAX];
};

static struct tool bench, workloads, demo;

/* Find the tool @name beside the test binary or in the repository; false if missing. */
static bool tool_find(struct tool *t, const char *name)
{
	return vt_find_tool(name, t->path, sizeof(t->path));
}

/* Start the tool with the NULL-terminated arguments @args, its output to a pipe. */
static void tool_start(struct tool *t, const char *const *args)
{
	t->len = 0;
	t->buf[0] = '\0';
	t->pid = vt_spawn(t->path, args, &t->out);
}

/* Read the tool's output until EOF (the part beyond the buffer is dropped). */
static void tool_read(struct tool *t)
{
	char sink[4096];
	ssize_t n;

	do {
		if (t->len + 1 < sizeof(t->buf))
			n = read(t->out, t->buf + t->len, sizeof(t->buf) - t->len - 1);
		else
			n = read(t->out, sink, sizeof(sink));
		if (n > 0 && t->len + 1 < sizeof(t->buf))
			t->len += n;
	} while (n > 0 || (n < 0 && errno == EINTR));
	t->buf[t->len] = '\0';
}

/* Wait for the tool; its exit status (asserts it exited). */
static int tool_wait(struct tool *t)
{
	int status;

	tool_read(t);
	close(t->out);
	igt_assert_eq(waitpid(t->pid, &status, 0), t->pid);
	igt_debug("%s output:\n%s", t->path, t->buf);
	igt_assert_f(WIFEXITED(status), "%s died (status %#x); output:\n%s\n", t->path, status,
		     t->buf);
	return WEXITSTATUS(status);
}

/* Run the tool to its end and assert exit status @rc. */
static void tool_expect(struct tool *t, const char *const *args, int rc)
{
	int got;

	tool_start(t, args);
	got = tool_wait(t);
	igt_assert_f(got == rc, "%s %s ...: exit status %d, expected %d; output:\n%s\n", t->path,
		     args[0] ? args[0] : "", got, rc, t->buf);
}

/* Reload vsvm with a small VRAM; the subtests restore the defaults at their end. */
static void small_vram(void)
{
	igt_assert_eq(vt_module_unload(), 0);
	igt_assert_eq(vt_module_load(SMALL_VRAM), 0);
}

static void restore_default(void)
{
	igt_assert_eq(vt_module_restore_default(), 0);
}

/*
 * Field @idx (from 0) of the CSV line @line, quotes removed, into @buf;
 * false if the line has fewer fields.
 */
static bool csv_field(const char *line, int idx, char *buf, size_t size)
{
	size_t n = 0;
	bool quoted = false;
	int field = 0;

	for (; *line && *line != '\n'; line++) {
		if (*line == '"' && (!quoted || line[1] != '"')) {
			quoted = !quoted;
			continue;
		}
		if (*line == '"')
			line++;
		if (*line == ',' && !quoted) {
			field++;
			continue;
		}
		if (field == idx && n + 1 < size)
			buf[n++] = *line;
	}
	buf[n] = '\0';
	return field >= idx;
}

/* The line of the CSV text @csv whose first field is @id, or NULL. */
static const char *csv_row(const char *csv, const char *id)
{
	size_t len = strlen(id);
	const char *p;

	for (p = csv; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, id, len) && p[len] == ',')
			return p;
	return NULL;
}

/* Read the file @path (at most TOOL_OUT_MAX bytes) into a new string. */
static char *slurp(const char *path)
{
	char *buf = calloc(1, TOOL_OUT_MAX);
	FILE *f = fopen(path, "r");
	size_t n;

	igt_assert_f(f, "%s: %m\n", path);
	igt_assert(buf);
	n = fread(buf, 1, TOOL_OUT_MAX - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Rows of vsvm-bench's CSV, and whether they may be n/a */
static const struct {
	const char *id;
	bool may_be_na;
} bench_rows[] = {
	{ "memcpy", false }, { "prefetch_to_vram", false }, { "prefetch_to_ram", false },
	{ "cpu_fault_back", true }, { "hmm_migrate_to_dev", true },
	{ "hmm_migrate_to_sys", true }, { "hmm_cpu_fault_back", true },
	{ "first_touch_4k", false }, { "first_touch_64k", false }, { "first_touch_2m", false },
	{ "first_touch_in_place", false }, { "random_fault", false }, { "hmm_read_page", true },
	{ "batch_1", false }, { "batch_32", false }, { "batch_256", false }, { "oversub_50", false }, { "oversub_100", false },
	{ "oversub_150", false }, { "oversub_200", false }, { "attr_set_1k", false }, { "attr_set_10k", false },
	{ "attr_set_100k", false }, { "attr_get_1k", false }, { "attr_get_10k", false }, { "attr_get_100k", false },
	{ "metadata_4k", false }, { "metadata_2m", false },
};

/* Column indices of vsvm-bench's CSV */
#define BENCH_MEDIAN 4
#define BENCH_STATUS 9

static void check_bench_csv(const char *path)
{
	char *csv = slurp(path), status[16], median[32];
	const char *line;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bench_rows); i++) {
		line = csv_row(csv, bench_rows[i].id);
		igt_assert_f(line, "no row %s in:\n%s\n", bench_rows[i].id, csv);
		igt_assert(csv_field(line, BENCH_STATUS, status, sizeof(status)));
		if (bench_rows[i].may_be_na && !strcmp(status, "n/a"))
			continue;
		igt_assert_f(!strcmp(status, "ok"), "row %s: status %s\n", bench_rows[i].id,
			     status);
		igt_assert(csv_field(line, BENCH_MEDIAN, median, sizeof(median)));
		igt_assert_f(strtod(median, NULL) > 0, "row %s: median %s\n", bench_rows[i].id,
			     median);
	}
	free(csv);
}

static void test_bench_quick(void)
{
	small_vram();
	tool_expect(&bench, (const char *const[]){ "-q", "-r", "1", "-s", "4", "-o",
						   "/tmp/vt-bench.csv", NULL }, 0);
	igt_assert_f(strstr(bench.buf, "x memcpy"), "no table in:\n%s\n", bench.buf);
	check_bench_csv("/tmp/vt-bench.csv");
	unlink("/tmp/vt-bench.csv");
	restore_default();
}

static void test_bench_bad_args(void)
{
	FILE *f;

	tool_expect(&bench, (const char *const[]){ "-r", "0", NULL }, 2);
	tool_expect(&bench, (const char *const[]){ "--only", "nonsense", NULL }, 2);
	tool_expect(&bench, (const char *const[]){ "--only", "touch,", NULL }, 2);
	tool_expect(&bench, (const char *const[]){ "--bogus", NULL }, 2);
	tool_expect(&bench, (const char *const[]){ "--png", "/tmp/x.png", NULL }, 2);
	tool_expect(&bench, (const char *const[]){ "--plot", "/nonexistent/b.csv", NULL }, 1);
	f = fopen("/tmp/vt-empty.csv", "w");
	igt_assert(f);
	fputs("id,what\n", f);
	fclose(f);
	tool_expect(&bench, (const char *const[]){ "--plot", "/tmp/vt-empty.csv", NULL }, 1);
	unlink("/tmp/vt-empty.csv");
}

/* Column of the status in vsvm-workloads' CSV */
#define WL_STATUS 14
#define WL_RUNS 27

static void test_workloads_quick(void)
{
	char *csv, status[16], mode[16];
	const char *line;
	int rows = 0;

	small_vram();
	tool_expect(&workloads, (const char *const[]){ "--quick", "-o", "/tmp/vt-wl.csv", NULL },
		    0);
	csv = slurp("/tmp/vt-wl.csv");
	for (line = strchr(csv, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		igt_assert(csv_field(line + 1, WL_STATUS, status, sizeof(status)));
		igt_assert(csv_field(line + 1, 1, mode, sizeof(mode)));
		igt_assert_f(!strcmp(status, "ok"), "run %.*s: status %s\n",
			     (int)strcspn(line + 1, "\n"), line + 1, status);
		igt_assert_f(!strcmp(mode, "off") || !strcmp(mode, "on") ||
			     !strcmp(mode, "explicit"), "unknown mode %s\n", mode);
		rows++;
	}
	igt_assert_eq(rows, WL_RUNS);
	free(csv);
	unlink("/tmp/vt-wl.csv");
	restore_default();
}

static void test_demo_quick(void)
{
	small_vram();
	tool_expect(&demo, (const char *const[]){ "--quick", NULL }, 0);
	restore_default();
}

static void test_workloads_bad_args(void)
{
	const char *const *const bad[] = {
		(const char *const[]){ "-r", "0", NULL },
		(const char *const[]){ "--size", "0", NULL },
		(const char *const[]){ "--footprint", "10", "--size", "4", NULL },
		(const char *const[]){ "--gpu", "99", NULL },
		(const char *const[]){ "--only", "nonsense", NULL },
		(const char *const[]){ "--only", "bfs,", NULL },
		(const char *const[]){ "--only", ",bfs", NULL },
		(const char *const[]){ "--mode", "on,,off", NULL },
		(const char *const[]){ "--mode", "sometimes", NULL },
		(const char *const[]){ "--bogus", NULL },
		(const char *const[]){ "stray", NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		tool_expect(&workloads, bad[i], 2);
	/* a valid index (up to VSVM_MAX_DEVICES - 1 = 15) that no module has: at most 8 GPUs */
	tool_expect(&workloads, (const char *const[]){ "--quick", "--gpu", "15", NULL }, 1);
	igt_assert_f(strstr(workloads.buf, "no vsvm GPU 15"), "no message in:\n%s\n",
		     workloads.buf);
}

static void test_demo_bad_args(void)
{
	tool_expect(&demo, (const char *const[]){ "--bogus", NULL }, 2);
	tool_expect(&demo, (const char *const[]){ "stray", NULL }, 2);
}

static void test_concurrent(void)
{
	int rb, rw;

	small_vram();
	tool_start(&bench, (const char *const[]){ "-q", "-r", "1", "-s", "4", "--only", "touch,attr",
						  NULL });
	tool_start(&workloads, (const char *const[]){ "--quick", "--only",
						      "bfs,pointer-chase,stream-triad", NULL });
	rw = tool_wait(&workloads);
	rb = tool_wait(&bench);
	igt_assert_f(rb == 0, "vsvm-bench exited with %d:\n%s\n", rb, bench.buf);
	igt_assert_f(rw == 0, "vsvm-workloads exited with %d:\n%s\n", rw, workloads.buf);
	restore_default();
}

igt_main
{
	igt_describe("vsvm-bench runs every group and reports every figure.");
	igt_subtest("bench-quick") {
		igt_require_f(tool_find(&bench, "vsvm-bench"), "no vsvm-bench\n");
		igt_set_timeout(TOOL_TIMEOUT, "vsvm-bench");
		test_bench_quick();
	}

	igt_describe("vsvm-bench rejects bad options.");
	igt_subtest("bench-bad-args") {
		igt_require_f(tool_find(&bench, "vsvm-bench"), "no vsvm-bench\n");
		igt_set_timeout(TOOL_TIMEOUT, "vsvm-bench");
		test_bench_bad_args();
	}

	igt_describe("vsvm-workloads runs the workload set in every mode.");
	igt_subtest("workloads-quick") {
		igt_require_f(tool_find(&workloads, "vsvm-workloads"), "no vsvm-workloads\n");
		igt_set_timeout(TOOL_TIMEOUT, "vsvm-workloads");
		test_workloads_quick();
	}

	igt_describe("vsvm-demo tells its story.");
	igt_subtest("demo-quick") {
		igt_require_f(tool_find(&demo, "vsvm-demo"), "no vsvm-demo\n");
		igt_set_timeout(TOOL_TIMEOUT, "vsvm-demo");
		test_demo_quick();
	}

	igt_describe("vsvm-workloads rejects bad options and a missing GPU.");
	igt_subtest("workloads-bad-args") {
		igt_require_f(tool_find(&workloads, "vsvm-workloads"), "no vsvm-workloads\n");
		igt_set_timeout(TOOL_TIMEOUT, "vsvm-workloads");
		test_workloads_bad_args();
	}

	igt_describe("vsvm-demo rejects bad options.");
	igt_subtest("demo-bad-args") {
		igt_require_f(tool_find(&demo, "vsvm-demo"), "no vsvm-demo\n");
		igt_set_timeout(TOOL_TIMEOUT, "vsvm-demo");
		test_demo_bad_args();
	}

	igt_describe("vsvm-bench and vsvm-workloads share the GPU.");
	igt_subtest("concurrent") {
		igt_require_f(tool_find(&bench, "vsvm-bench") &&
			      tool_find(&workloads, "vsvm-workloads"), "no vsvm-bench or vsvm-workloads\n");
		igt_set_timeout(TOOL_TIMEOUT, "tools");
		test_concurrent();
	}

	igt_fixture
		vt_module_restore_default();
}
