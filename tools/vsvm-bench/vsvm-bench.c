// SPDX-License-Identifier: MIT
/*
 * vsvm-bench - the figures of vsvm's shared virtual memory beside memcpy and
 * the kernel's test_hmm module, measured in one run so that every figure can
 * be read as a ratio to memcpy on the same machine at the same time.
 *
 * Groups of rows (--only selects groups):
 *   migrate  prefetch RAM->VRAM and VRAM->RAM of one buffer, and a CPU read
 *            of one byte per page of the buffer in VRAM (fault-back), beside
 *            test_hmm's MIGRATE_TO_DEV, MIGRATE_TO_SYS and fault-back;
 *   touch    GPU first touch of a malloc'd buffer: the GPU reads it all and
 *            faults, the driver migrates the faulting windows to VRAM (4 KiB,
 *            64 KiB or 2 MiB granularity) or maps them in place;
 *   fault    random GPU faults: a pointer chase over one node per page in
 *            random order (one fault at a time), beside test_hmm's
 *            HMM_DMIRROR_READ of one page at a time in the same order;
 *   batch    1, 32 and 256 waves faulting at once, 64 pages each (8 with -q);
 *   oversub  two streaming passes over 50, 100, 150 and 200 % of VRAM with
 *            migration to VRAM on fault (evictions beyond 100 %);
 *   attr     SET_ATTR and GET_ATTR of one page among 1k, 10k and 100k
 *            attribute ranges;
 *   meta     the driver's own metadata (mirror ranges and entries, GPU page
 *            tables) per mirrored 4 KiB page.
 * Each row runs once untimed (warm-up) and then N times; the table shows the
 * median, the min and the max, and the ratio to memcpy: for MB/s the share
 * of memcpy's speed, for a time per page or per operation how many 4 KiB
 * memcpys it costs. Every run checks its data. A row that cannot run is
 * "n/a", a failed ioctl or a wrong result is an "error" (exit status 1).
 * --plot CSV draws the figures of a CSV this program wrote with gnuplot.
 *
 * Copyright 2026 The vsvm authors
 */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include "libvsvm.h"

/*
 * The uAPI of the test_hmm module, copied from the kernel's
 * lib/test_hmm_uapi.h (Linux 6.12): the header of a test module, not
 * installed with the kernel headers.
 */
struct hmm_dmirror_cmd {
	__u64 addr;
	__u64 ptr;
	__u64 npages;
	__u64 cpages;
	__u64 faults;
};

#define HMM_DMIRROR_READ		_IOWR('H', 0x00, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_TO_DEV	_IOWR('H', 0x02, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_TO_SYS	_IOWR('H', 0x03, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_SNAPSHOT		_IOWR('H', 0x04, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL	0x20
/* end of the copy; the mask below selects the location bits of a snapshot byte */
#define HMM_PROT_LOCATION_MASK	0xf0

#define HMM_DEVICE "/dev/hmm_dmirror0"
#define THP_ENABLED "/sys/kernel/mm/transparent_hugepage/enabled"
#define MIB (1ULL << 20)
#define PAGE_BYTES 4096ULL
#define PAGE_ELEMS (PAGE_BYTES / sizeof(uint64_t))
#define HUGE_BYTES (2 * MIB)
#define MAX_RUNS 100
#define MAX_RETRIES 3
#define TEXT_LEN 160
/* every dispatch of the benchmark completes well within this, even under emulation */
#define DISPATCH_TIMEOUT_NS (600 * 1000000000LL)
/* work items of a wave of the emulated GPU (the uAPI's dispatch model) */
#define WAVE_ITEMS 1024
/* pages each wave of the batch rows faults on (8 with -q) */
#define BATCH_PAGES 64
#define BATCH_PAGES_QUICK 8
/* SET_ATTR or GET_ATTR calls timed per run of an attr row */
#define ATTR_OPS 1000

enum row_id {
	ROW_MEMCPY,
	ROW_VSVM_TO_VRAM,
	ROW_VSVM_TO_RAM,
	ROW_VSVM_FAULT,
	ROW_HMM_TO_DEV,
	ROW_HMM_TO_SYS,
	ROW_HMM_FAULT,
	ROW_TOUCH_4K,
	ROW_TOUCH_64K,
	ROW_TOUCH_2M,
	ROW_TOUCH_IN_PLACE,
	ROW_RANDOM_FAULT,
	ROW_HMM_READ,
	ROW_BATCH_1,
	ROW_BATCH_32,
	ROW_BATCH_256,
	ROW_OVERSUB_50,
	ROW_OVERSUB_100,
	ROW_OVERSUB_150,
	ROW_OVERSUB_200,
	ROW_SET_1K,
	ROW_SET_10K,
	ROW_SET_100K,
	ROW_GET_1K,
	ROW_GET_10K,
	ROW_GET_100K,
	ROW_META_4K,
	ROW_META_2M,
	NUM_ROWS,
};

enum row_state { ROW_OK, ROW_NA, ROW_ERROR };

/* What a row measures: MB/s (higher is better), microseconds per page or operation, bytes */
enum unit { UNIT_MBS, UNIT_US, UNIT_BYTES };

/**
 * struct row - one measured figure
 * @id: name in the CSV
 * @label: name in the table
 * @group: the --only group it belongs to
 * @unit: what @v holds
 * @state: ROW_OK while it is measured without error, else ROW_NA or
 *	ROW_ERROR with the reason in @msg
 * @v: the figure of each timed run
 * @runs: timed runs done
 * @retries: rounds repeated because pages were left behind
 * @note: what the figure includes or how it was checked
 * @msg: why the row is n/a or failed
 */
struct row {
	const char *id;
	const char *label;
	const char *group;
	enum unit unit;
	enum row_state state;
	double v[MAX_RUNS];
	int runs;
	int retries;
	char note[TEXT_LEN];
	char msg[TEXT_LEN];
};

/**
 * struct bench - options and results
 * @size: bytes of the buffers of the migrate and touch rows
 * @runs: timed runs per row
 * @nohuge: madvise(MADV_NOHUGEPAGE) on the buffers
 * @gpu: index of the vsvm GPU
 * @quick: small sizes, for a smoke test
 * @only: comma-separated groups to run, or NULL for all
 * @csv: CSV output file or NULL
 * @rows: the results
 */
struct bench {
	uint64_t size;
	int runs;
	bool nohuge;
	int gpu;
	bool quick;
	const char *only;
	const char *csv;
	struct row rows[NUM_ROWS];
};

/**
 * struct pass - one round of a benchmark
 * @b: the benchmark
 * @buf: the buffer it works on
 * @size: bytes of @buf
 * @seed: the data pattern of this round
 * @timed: false for the warm-up round
 */
struct pass {
	struct bench *b;
	uint64_t *buf;
	uint64_t size;
	uint64_t seed;
	bool timed;
};

/**
 * struct gpu - the vsvm GPU under test
 * @fd: its render node
 * @q: a queue on it
 * @path: the render node's path
 * @info: QUERY_DEVICE
 * @coherent: VSVM_CAP_VRAM_COHERENT: CPU accesses to VRAM do not fault
 * @out: a word the reductions of the GPU write to (malloc'd, mapped in place)
 */
struct gpu {
	int fd;
	uint32_t q;
	char path[VSVM_PATH_MAX];
	struct drm_vsvm_query_device info;
	bool coherent;
	uint64_t *out;
};

static uint64_t npages(uint64_t size)
{
	return size / PAGE_BYTES;
}

/* Mark @row failed with a message (the first failure is kept) and print it. */
static void __attribute__((format(printf, 2, 3))) row_error(struct row *row, const char *fmt, ...)
{
	va_list ap;

	if (row->state == ROW_ERROR)
		return;
	va_start(ap, fmt);
	vsnprintf(row->msg, sizeof(row->msg), fmt, ap);
	va_end(ap);
	row->state = ROW_ERROR;
	fprintf(stderr, "vsvm-bench: %s: %s\n", row->label, row->msg);
}

/* Mark @row not applicable, unless it already failed. */
static void __attribute__((format(printf, 2, 3))) row_na(struct row *row, const char *fmt, ...)
{
	va_list ap;

	if (row->state != ROW_OK)
		return;
	va_start(ap, fmt);
	vsnprintf(row->msg, sizeof(row->msg), fmt, ap);
	va_end(ap);
	row->state = ROW_NA;
}

/* Set the note of @row. */
static void __attribute__((format(printf, 2, 3))) row_note_set(struct row *row, const char *fmt,
							       ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(row->note, sizeof(row->note), fmt, ap);
	va_end(ap);
}

/*
 * Pages left behind by a best-effort migration: the round fails and is
 * repeated, or after MAX_RETRIES repeats @row fails. Returns false.
 */
static bool __attribute__((format(printf, 2, 3))) left_behind(struct row *row, const char *fmt,
							      ...)
{
	char msg[TEXT_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (row->retries == MAX_RETRIES) {
		row_error(row, "%s, after %d repeated rounds", msg, MAX_RETRIES);
		return false;
	}
	row->retries++;
	fprintf(stderr, "vsvm-bench: %s: %s; round repeated\n", row->label, msg);
	return false;
}

/* Record the figure @v of a timed run of @row (warm-up runs and extra runs are not recorded). */
static void row_add(struct row *row, const struct pass *p, double v)
{
	if (p->timed && row->runs < p->b->runs)
		row->v[row->runs++] = v;
}

/* MB/s (10^6 bytes per second) of moving @bytes in @ns. */
static double mbs(uint64_t bytes, double ns)
{
	return bytes * 1e3 / ns;
}

/* Record a run of @row that moved the pass's buffer in @ns, as MB/s. */
static void row_add_mbs(struct row *row, const struct pass *p, int64_t ns)
{
	row_add(row, p, mbs(p->size, ns));
}

/* Whether @row still needs runs: it lacks some and did not fail. */
static bool row_pending(const struct bench *b, const struct row *row)
{
	return row->state == ROW_OK && row->runs < b->runs;
}

/* Whether rows [@first, @last] need more rounds: some lack runs and none failed. */
static bool group_pending(const struct bench *b, int first, int last)
{
	bool pending = false;
	int i;

	for (i = first; i <= last; i++) {
		if (b->rows[i].state == ROW_ERROR)
			return false;
		pending |= row_pending(b, &b->rows[i]);
	}
	return pending;
}

/* Mark the rows [@first, @last] n/a for @why (those that did not fail). */
static void group_na(struct bench *b, int first, int last, const char *why)
{
	int i;

	for (i = first; i <= last; i++)
		row_na(&b->rows[i], "%s", why);
}

/* Mark the rows [@first, @last] left without all their runs n/a, naming the failed row. */
static void group_finish(struct bench *b, int first, int last)
{
	const char *failed = "an earlier step";
	int i;

	for (i = last; i >= first; i--)
		if (b->rows[i].state == ROW_ERROR)
			failed = b->rows[i].label;
	for (i = first; i <= last; i++)
		if (b->rows[i].runs < b->runs)
			row_na(&b->rows[i], "not run: %s failed", failed);
}

/* Whether the --only option selects the group of @row. */
static bool selected(const struct bench *b, int row)
{
	const char *g = b->rows[row].group, *p = b->only;
	size_t len = strlen(g);

	if (!p)
		return true;
	for (; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, g, len) && (p[len] == ',' || !p[len]))
			return true;
	return false;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median, lowest and highest figure of @row; false when it has none. */
static bool row_stats(const struct row *row, double *med, double *lo, double *hi)
{
	double s[MAX_RUNS];
	int n = row->runs;

	if (row->state != ROW_OK || !n)
		return false;
	memcpy(s, row->v, n * sizeof(s[0]));
	qsort(s, n, sizeof(s[0]), cmp_double);
	*med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
	*lo = s[0];
	*hi = s[n - 1];
	return true;
}

/* The value of word @i of the pattern @seed. */
static uint64_t pattern(uint64_t seed, uint64_t i)
{
	return (seed * 0x9e3779b97f4a7c15ULL) ^ (i * 0x100000001b3ULL);
}

static void fill(uint64_t *buf, uint64_t size, uint64_t seed)
{
	uint64_t i;

	for (i = 0; i < size / sizeof(*buf); i++)
		buf[i] = pattern(seed, i);
}

/* Sum (mod 2^64) of the words of the pattern @seed over @size bytes. */
static uint64_t pattern_sum(uint64_t size, uint64_t seed)
{
	uint64_t i, sum = 0;

	for (i = 0; i < size / sizeof(uint64_t); i++)
		sum += pattern(seed, i);
	return sum;
}

/* Check @buf against the pattern @seed; on a mismatch fail @row and return false. */
static bool verify(const uint64_t *buf, uint64_t size, uint64_t seed, struct row *row,
		   const char *what)
{
	uint64_t i;

	for (i = 0; i < size / sizeof(*buf); i++) {
		if (buf[i] != pattern(seed, i)) {
			row_error(row, "%s: wrong data at offset %#llx: %#llx, expected %#llx",
				  what, (unsigned long long)(i * sizeof(*buf)),
				  (unsigned long long)buf[i], (unsigned long long)pattern(seed, i));
			return false;
		}
	}
	return true;
}

/* A random permutation of [0, @n) (xorshift, seeded), or NULL. */
static uint64_t *permutation(uint64_t n, uint64_t seed)
{
	uint64_t *perm = malloc(n * sizeof(*perm)), x = seed | 1, i, j, t;

	if (!perm)
		return NULL;
	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n - 1; i > 0; i--) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = x % (i + 1);
		t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	return perm;
}

/* Read one byte of every 4 KiB page of @buf. */
static void touch_pages(const void *buf, uint64_t size)
{
	const volatile uint8_t *p = buf;
	uint64_t off;

	for (off = 0; off < size; off += PAGE_BYTES)
		(void)p[off];
}

/* Page faults (minor and major) of this process so far. */
static long cpu_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

/* A 2 MiB-aligned anonymous private buffer of @size bytes, untouched; NULL with errno set. */
static void *buffer_alloc(const struct bench *b, uint64_t size)
{
	uint64_t len = size + HUGE_BYTES;
	uintptr_t start, aligned;
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	start = (uintptr_t)p;
	aligned = (start + HUGE_BYTES - 1) & ~(HUGE_BYTES - 1);
	if (aligned > start)
		munmap(p, aligned - start);
	munmap((void *)(aligned + size), start + len - aligned - size);
	if (b->nohuge && madvise((void *)aligned, size, MADV_NOHUGEPAGE)) {
		munmap((void *)aligned, size);
		return NULL;
	}
	return (void *)aligned;
}

static void buffer_free(void *buf, uint64_t size)
{
	if (buf)
		munmap(buf, size);
}

/* AnonHugePages of the mapping holding @addr, in KiB, or -1. */
static long anon_huge_kib(const void *addr)
{
	unsigned long start, end, a = (uintptr_t)addr;
	bool inside = false;
	char line[256];
	long kib = -1;
	FILE *f;

	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	while (kib < 0 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			inside = start <= a && a < end;
		else if (inside)
			sscanf(line, "AnonHugePages: %ld kB", &kib);
	}
	fclose(f);
	return kib;
}

/* Print the THP mode of the kernel and how much of @buf (touched) is THP-backed. */
static void print_thp(const struct bench *b, const void *buf)
{
	char mode[128] = "unknown", *sel, *sel_end;
	long kib = anon_huge_kib(buf);
	FILE *f = fopen(THP_ENABLED, "r");

	/* the file lists the modes with the selected one in brackets */
	if (f) {
		if (fgets(mode, sizeof(mode), f)) {
			sel = strchr(mode, '[');
			sel_end = sel ? strchr(sel, ']') : NULL;
			if (sel_end) {
				*sel_end = '\0';
				memmove(mode, sel + 1, strlen(sel + 1) + 1);
			}
		}
		fclose(f);
	}
	mode[strcspn(mode, "\n")] = '\0';
	printf("THP: enabled=%s, MADV_NOHUGEPAGE %s, THP-backed after first touch: ", mode,
	       b->nohuge ? "yes" : "no");
	if (kib < 0)
		printf("unknown\n");
	else
		printf("%ld of %llu MiB\n", kib >> 10, (unsigned long long)(b->size / MIB));
}

/* ---- memcpy -------------------------------------------------------------- */

/* Time memcpy between two warm buffers, checking every copy. */
static void bench_memcpy(struct bench *b)
{
	struct row *row = &b->rows[ROW_MEMCPY];
	uint64_t *src = buffer_alloc(b, b->size), *dst = NULL;
	struct pass p = { .b = b, .size = b->size };
	int64_t t;

	if (src) {
		fill(src, b->size, 1);
		print_thp(b, src);
		dst = buffer_alloc(b, b->size);
	}
	if (!dst) {
		row_error(row, "cannot map the buffers: %s", strerror(errno));
		buffer_free(src, b->size);
		return;
	}
	memset(dst, 0, b->size);
	row_note_set(row, "warm buffers");
	for (p.timed = false; row->runs < b->runs; p.timed = true) {
		t = vsvm_now_ns();
		memcpy(dst, src, b->size);
		row_add_mbs(row, &p, vsvm_now_ns() - t);
		if (!verify(dst, b->size, 1, row, "copy"))
			break;
		memset(dst, 0, b->size);
	}
	buffer_free(src, b->size);
	buffer_free(dst, b->size);
}

/* ---- the vsvm GPU -------------------------------------------------------- */

/* Open the @b->gpu-th vsvm GPU, query it and create a queue; 0 or -errno. */
static int gpu_open(const struct bench *b, struct gpu *g)
{
	char paths[VSVM_MAX_DEVICES][VSVM_PATH_MAX];
	int n, ret;

	n = vsvm_enumerate(paths, VSVM_MAX_DEVICES);
	if (n < 0)
		return n;
	if (b->gpu >= n || b->gpu >= VSVM_MAX_DEVICES)
		return -ENODEV;
	snprintf(g->path, sizeof(g->path), "%s", paths[b->gpu]);
	g->fd = vsvm_open_path(g->path);
	if (g->fd < 0)
		return g->fd;
	g->out = calloc(1, sizeof(*g->out));
	ret = g->out ? vsvm_query_device(g->fd, &g->info) : -ENOMEM;
	if (!ret)
		ret = vsvm_queue_create(g->fd, 0, &g->q);
	if (ret) {
		free(g->out);
		vsvm_close(g->fd);
		return ret;
	}
	g->coherent = g->info.capabilities & VSVM_CAP_VRAM_COHERENT;
	return 0;
}

static void gpu_close(struct gpu *g)
{
	vsvm_queue_destroy(g->fd, g->q);
	vsvm_close(g->fd);
	free(g->out);
}

/* This process's SVM counters on @g, or all zero (with @row failed) on an error. */
static struct drm_vsvm_svm_counters gpu_counters(const struct gpu *g, struct row *row)
{
	struct drm_vsvm_svm_counters c;
	int ret = vsvm_svm_counters(g->fd, 0, 0, &c);

	if (ret) {
		row_error(row, "SVM_COUNTERS: %s", strerror(-ret));
		memset(&c, 0, sizeof(c));
	}
	return c;
}

/* Run @kernel over @grid items on @g and wait; false (and @row failed) on an error. */
static bool gpu_run(struct gpu *g, struct row *row, uint32_t kernel, uint64_t grid,
		    const uint64_t args[VSVM_DISPATCH_ARGS])
{
	int ret = vsvm_dispatch_sync(g->fd, g->q, kernel, grid, args, DISPATCH_TIMEOUT_NS);

	if (!ret)
		return true;
	row_error(row, "%s dispatch: %s", vsvm_kernel_name(kernel), strerror(-ret));
	/* a faulted queue refuses further work: start again on a new one */
	vsvm_queue_destroy(g->fd, g->q);
	if (vsvm_queue_create(g->fd, 0, &g->q))
		g->q = 0;
	return false;
}

/* CHECKSUM of @size bytes at @buf on the GPU; false unless it equals @want. */
static bool gpu_checksum(struct gpu *g, struct row *row, const void *buf, uint64_t size,
			 uint64_t want)
{
	*g->out = ~want;
	if (!gpu_run(g, row, VSVM_KERNEL_CHECKSUM, size / sizeof(uint64_t),
		     (uint64_t[VSVM_DISPATCH_ARGS]){ (uintptr_t)buf, (uintptr_t)g->out }))
		return false;
	if (*g->out == want)
		return true;
	row_error(row, "GPU checksum %#llx, expected %#llx", (unsigned long long)*g->out,
		  (unsigned long long)want);
	return false;
}

/* Set @n attributes of @g's SVM over [@buf, @buf + @size); false (and @row failed) on an error. */
static bool gpu_attrs(const struct gpu *g, struct row *row, const void *buf, uint64_t size,
		      const struct drm_vsvm_svm_attr *attrs, unsigned int n)
{
	int ret = vsvm_svm_set_attr(g->fd, buf, size, attrs, n);

	if (ret)
		row_error(row, "SET_ATTR: %s", strerror(-ret));
	return !ret;
}

/*
 * Read the line "@prefix@name: value" of the debugfs file @file of @g's DRM
 * minor (dri/<minor>/@file); false if it is missing.
 */
static bool gpu_debugfs(const struct gpu *g, const char *file, const char *prefix,
			const char *name, uint64_t *value)
{
	char path[96], key[96], line[256];
	const char *node = strrchr(g->path, '/');
	bool found = false;
	size_t klen;
	int minor;
	FILE *f;

	if (!node || sscanf(node, "/renderD%d", &minor) != 1)
		return false;
	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%d/%s", minor, file);
	klen = snprintf(key, sizeof(key), "%s%s:", prefix, name);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, key, klen) && sscanf(line + klen, "%" SCNu64, value) == 1;
	fclose(f);
	return found;
}

/* Whether the vram_pages counter of @g says @want pages; if not, the round is repeated. */
static bool vsvm_check_vram(const struct pass *p, struct gpu *g, struct row *row,
			    uint64_t want, const char *when)
{
	struct drm_vsvm_svm_counters c = gpu_counters(g, row);

	if (row->state == ROW_ERROR)
		return false;
	if (c.vram_pages != want)
		return left_behind(row, "%llu of %llu pages in VRAM %s",
				   (unsigned long long)c.vram_pages,
				   (unsigned long long)npages(p->size), when);
	return true;
}

/* Prefetch the buffer to @location, failing @row on an error; 0 or -errno, @ns its duration. */
static int vsvm_prefetch(const struct pass *p, const struct gpu *g, uint32_t location,
			 struct row *row, int64_t *ns)
{
	int64_t t = vsvm_now_ns();
	int ret;

	ret = vsvm_svm_prefetch(g->fd, p->buf, p->size, location, 0, 0);
	*ns = vsvm_now_ns() - t;
	if (ret)
		row_error(row, "prefetch to %s: %s",
			  location == VSVM_SVM_LOCATION_SYSMEM ? "SYSMEM" : "the GPU",
			  strerror(-ret));
	return ret;
}

/* CPU-written data prefetched to VRAM (checked: every page in VRAM). */
static bool vsvm_to_vram(const struct pass *p, struct gpu *g)
{
	struct row *row = &p->b->rows[ROW_VSVM_TO_VRAM];
	int64_t ns;

	fill(p->buf, p->size, p->seed);
	if (vsvm_prefetch(p, g, g->info.gpu_id, row, &ns) ||
	    !vsvm_check_vram(p, g, row, npages(p->size), "after the prefetch"))
		return false;
	row_add_mbs(row, p, ns);
	return true;
}

/* The data prefetched back to system RAM (checked: none in VRAM, data intact). */
static bool vsvm_to_ram(const struct pass *p, struct gpu *g)
{
	struct row *row = &p->b->rows[ROW_VSVM_TO_RAM];
	int64_t ns;

	if (vsvm_prefetch(p, g, VSVM_SVM_LOCATION_SYSMEM, row, &ns) ||
	    !vsvm_check_vram(p, g, row, 0, "after the prefetch to SYSMEM") ||
	    !verify(p->buf, p->size, p->seed, row, "after the round trip"))
		return false;
	row_add_mbs(row, p, ns);
	return true;
}

/* The data put in VRAM (untimed), then read by the CPU one byte per page. */
static bool vsvm_fault_back(const struct pass *p, struct gpu *g)
{
	struct row *row = &p->b->rows[ROW_VSVM_FAULT];
	int64_t ns;
	long faults;

	if (vsvm_prefetch(p, g, g->info.gpu_id, row, &ns) ||
	    !vsvm_check_vram(p, g, row, npages(p->size), "before the CPU reads"))
		return false;
	faults = cpu_faults();
	ns = vsvm_now_ns();
	touch_pages(p->buf, p->size);
	ns = vsvm_now_ns() - ns;
	row_note_set(row, "%ld CPU faults per run", cpu_faults() - faults);
	if (!vsvm_check_vram(p, g, row, 0, "after the CPU reads") ||
	    !verify(p->buf, p->size, p->seed, row, "after the CPU faults"))
		return false;
	row_add_mbs(row, p, ns);
	return true;
}

/* One round of the vsvm migrate rows; false when a step failed or left pages behind. */
static bool vsvm_migrate_pass(const struct pass *p, struct gpu *g)
{
	return vsvm_to_vram(p, g) && vsvm_to_ram(p, g) && (g->coherent || vsvm_fault_back(p, g));
}

/* The vsvm migrate rows: prefetch both ways and CPU fault-back. */
static void vsvm_migrate(struct bench *b, struct gpu *g)
{
	struct pass p = { .b = b, .size = b->size };

	if (g->info.vram_size < b->size) {
		group_na(b, ROW_VSVM_TO_VRAM, ROW_VSVM_FAULT, "the buffer is larger than VRAM");
		return;
	}
	if (g->coherent)
		row_na(&b->rows[ROW_VSVM_FAULT], "coherent VRAM: the CPU reads it in place");
	p.buf = buffer_alloc(b, p.size);
	if (!p.buf)
		row_error(&b->rows[ROW_VSVM_TO_VRAM], "mmap: %s", strerror(errno));
	while (group_pending(b, ROW_VSVM_TO_VRAM, ROW_VSVM_FAULT)) {
		p.seed++;
		p.timed |= vsvm_migrate_pass(&p, g);
	}
	buffer_free(p.buf, p.size);
}

/*
 * One GPU first touch of a CPU-written buffer: the GPU sums it, faulting
 * on every window; with @gran >= 0 the range prefers the GPU with that
 * granularity (the faults migrate), else nothing is set (mapped in place).
 */
static bool vsvm_touch_pass(struct pass *p, struct gpu *g, struct row *row, int gran)
{
	struct drm_vsvm_svm_attr attrs[] = {
		{ VSVM_SVM_ATTR_PREFERRED_LOC, g->info.gpu_id },
		{ VSVM_SVM_ATTR_GRANULARITY, gran },
	};
	uint64_t want_vram = gran >= 0 ? npages(p->size) : 0;
	struct drm_vsvm_svm_counters c0, c1;
	int64_t ns;
	bool ok;

	p->buf = buffer_alloc(p->b, p->size);
	if (!p->buf) {
		row_error(row, "mmap: %s", strerror(errno));
		return false;
	}
	fill(p->buf, p->size, p->seed);
	ok = gran < 0 || gpu_attrs(g, row, p->buf, p->size, attrs, 2);
	c0 = gpu_counters(g, row);
	ns = vsvm_now_ns();
	ok = ok && gpu_checksum(g, row, p->buf, p->size, pattern_sum(p->size, p->seed));
	ns = vsvm_now_ns() - ns;
	c1 = gpu_counters(g, row);
	if (ok && c1.vram_pages - c0.vram_pages != want_vram)
		ok = left_behind(row, "%llu of %llu pages in VRAM after the first touch",
				 (unsigned long long)(c1.vram_pages - c0.vram_pages),
				 (unsigned long long)want_vram);
	if (ok) {
		row_add_mbs(row, p, ns);
		row_note_set(row, "%llu GPU faults in %llu batches, %llu pages in",
			     (unsigned long long)(c1.faults - c0.faults),
			     (unsigned long long)(c1.batches - c0.batches),
			     (unsigned long long)(c1.pages_in - c0.pages_in));
	}
	buffer_free(p->buf, p->size);
	return ok;
}

/* The touch rows: GPU first touch at 4K, 64K and 2M granularity, and in place. */
static void vsvm_touch(struct bench *b, struct gpu *g)
{
	static const int gran[] = { 0, 4, 9, -1 };
	struct pass p = { .b = b, .size = b->size };
	struct row *row;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		row = &b->rows[ROW_TOUCH_4K + i];
		if (gran[i] >= 0 && g->info.vram_size < b->size) {
			row_na(row, "the buffer is larger than VRAM");
			continue;
		}
		for (p.timed = false; row_pending(b, row); p.seed++)
			p.timed |= vsvm_touch_pass(&p, g, row, gran[i]);
	}
}

/*
 * Nodes { next, value } at the start of each page of @buf, linked in the
 * order of @perm; returns the head and in @sum the sum of the values.
 */
static uint64_t chain_pages(uint64_t *buf, uint64_t n, const uint64_t *perm, uint64_t seed,
			    uint64_t *sum)
{
	uint64_t i, *node;

	*sum = 0;
	for (i = 0; i < n; i++) {
		node = buf + perm[i] * PAGE_ELEMS;
		node[0] = i + 1 < n ? (uintptr_t)(buf + perm[i + 1] * PAGE_ELEMS) : 0;
		node[1] = pattern(seed, i);
		*sum += node[1];
	}
	return (uintptr_t)(buf + perm[0] * PAGE_ELEMS);
}

/* One pointer chase over @n pages in random order, mapped 4 KiB at a time in place. */
static bool vsvm_random_pass(struct pass *p, struct gpu *g, struct row *row, uint64_t n)
{
	struct drm_vsvm_svm_attr gran = { VSVM_SVM_ATTR_GRANULARITY, 0 };
	uint64_t *perm = permutation(n, p->seed), head, sum, faults;
	struct drm_vsvm_svm_counters c0, c1;
	bool ok = false;
	int64_t ns;

	p->size = n * PAGE_BYTES;
	p->buf = buffer_alloc(p->b, p->size);
	if (perm && p->buf && gpu_attrs(g, row, p->buf, p->size, &gran, 1)) {
		head = chain_pages(p->buf, n, perm, p->seed, &sum);
		*g->out = ~sum;
		c0 = gpu_counters(g, row);
		ns = vsvm_now_ns();
		ok = gpu_run(g, row, VSVM_KERNEL_POINTER_CHASE, 1,
			     (uint64_t[VSVM_DISPATCH_ARGS]){ head, n, (uintptr_t)g->out });
		ns = vsvm_now_ns() - ns;
		c1 = gpu_counters(g, row);
		faults = c1.faults - c0.faults;
		if (ok && *g->out != sum) {
			row_error(row, "chase sum %#llx, expected %#llx",
				  (unsigned long long)*g->out, (unsigned long long)sum);
			ok = false;
		}
		if (ok && faults < n) {
			row_error(row, "%llu GPU faults for %llu pages", (unsigned long long)faults,
				  (unsigned long long)n);
			ok = false;
		}
		if (ok) {
			row_add(row, p, ns / 1e3 / faults);
			row_note_set(row, "%llu pages, %llu faults in %llu batches",
				     (unsigned long long)n, (unsigned long long)faults,
				     (unsigned long long)(c1.batches - c0.batches));
		}
	} else if (!perm || !p->buf) {
		row_error(row, "out of memory");
	}
	buffer_free(p->buf, p->size);
	free(perm);
	return ok;
}

/* Pages of the random-fault rows */
static uint64_t random_pages(const struct bench *b)
{
	return b->quick ? 256 : 4096;
}

static void vsvm_random(struct bench *b, struct gpu *g)
{
	struct row *row = &b->rows[ROW_RANDOM_FAULT];
	struct pass p = { .b = b };

	for (p.seed = 1; row_pending(b, row); p.seed++)
		p.timed |= vsvm_random_pass(&p, g, row, random_pages(b));
}

/* Pages each wave of the batch rows faults on */
static uint64_t batch_pages(const struct bench *b)
{
	return b->quick ? BATCH_PAGES_QUICK : BATCH_PAGES;
}

/*
 * GATHER indices of the batch rows: wave w's work items read the pages
 * w * @pages .. + @pages - 1 of the source in order, WAVE_ITEMS / @pages
 * items per page.
 */
static void batch_indices(uint64_t *idx, uint64_t waves, uint64_t pages)
{
	uint64_t i, w, j;

	for (i = 0; i < waves * WAVE_ITEMS; i++) {
		w = i / WAVE_ITEMS;
		j = i % WAVE_ITEMS;
		idx[i] = (w * pages + j / (WAVE_ITEMS / pages)) * PAGE_ELEMS + j % 16;
	}
}

/* Check dst[i] == src[idx[i]] of a GATHER; false (and @row failed) on a mismatch. */
static bool batch_check(struct row *row, const uint64_t *dst, const uint64_t *src,
			const uint64_t *idx, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		if (dst[i] != src[idx[i]]) {
			row_error(row, "gather: dst[%llu] = %#llx, expected %#llx",
				  (unsigned long long)i, (unsigned long long)dst[i],
				  (unsigned long long)src[idx[i]]);
			return false;
		}
	}
	return true;
}

/**
 * struct batch - the buffers of one run of a batch row
 * @src: the pages the waves fault on (mapped 4 KiB at a time, in place)
 * @idx: the GATHER indices (mapped before the timed dispatch)
 * @dst: the GATHER output (mapped before the timed dispatch)
 * @src_size: bytes of @src
 * @n: work items
 */
struct batch {
	uint64_t *src, *idx, *dst;
	uint64_t src_size, n;
};

/* Map @b's index and output arrays on the GPU (untimed), so only @src faults later. */
static bool batch_premap(struct gpu *g, struct row *row, struct batch *bt)
{
	uint64_t i, sum = 0;

	for (i = 0; i < bt->n; i++)
		sum += bt->idx[i];
	return gpu_checksum(g, row, bt->idx, bt->n * sizeof(uint64_t), sum) &&
	       gpu_run(g, row, VSVM_KERNEL_FILL, bt->n,
		       (uint64_t[VSVM_DISPATCH_ARGS]){ (uintptr_t)bt->dst, 0 });
}

/* One run of @waves waves faulting on BATCH_PAGES pages each at once. */
static bool vsvm_batch_pass(struct pass *p, struct gpu *g, struct row *row, uint64_t waves)
{
	struct drm_vsvm_svm_attr gran = { VSVM_SVM_ATTR_GRANULARITY, 0 };
	struct batch bt = { .n = waves * WAVE_ITEMS };
	struct drm_vsvm_svm_counters c0, c1;
	uint64_t faults;
	bool ok = false;
	int64_t ns;

	bt.src_size = waves * batch_pages(p->b) * PAGE_BYTES;
	bt.src = buffer_alloc(p->b, bt.src_size);
	bt.idx = buffer_alloc(p->b, bt.n * sizeof(uint64_t));
	bt.dst = buffer_alloc(p->b, bt.n * sizeof(uint64_t));
	if (!bt.src || !bt.idx || !bt.dst) {
		row_error(row, "mmap: %s", strerror(errno));
		goto out;
	}
	fill(bt.src, bt.src_size, p->seed);
	batch_indices(bt.idx, waves, batch_pages(p->b));
	if (!gpu_attrs(g, row, bt.src, bt.src_size, &gran, 1) || !batch_premap(g, row, &bt))
		goto out;
	c0 = gpu_counters(g, row);
	ns = vsvm_now_ns();
	ok = gpu_run(g, row, VSVM_KERNEL_GATHER, bt.n,
		     (uint64_t[VSVM_DISPATCH_ARGS]){ (uintptr_t)bt.dst, (uintptr_t)bt.src,
						     (uintptr_t)bt.idx });
	ns = vsvm_now_ns() - ns;
	c1 = gpu_counters(g, row);
	faults = c1.faults - c0.faults;
	ok = ok && batch_check(row, bt.dst, bt.src, bt.idx, bt.n);
	if (ok && faults < waves * batch_pages(p->b)) {
		row_error(row, "%llu GPU faults for %llu pages", (unsigned long long)faults,
			  (unsigned long long)(waves * batch_pages(p->b)));
		ok = false;
	}
	if (ok) {
		row_add(row, p, ns / 1e3 / faults);
		row_note_set(row, "%llu faults, %.1f per batch, %u CUs",
			     (unsigned long long)faults,
			     (double)faults / (c1.batches - c0.batches ?: 1),
			     g->info.num_compute_units);
	}
out:
	buffer_free(bt.src, bt.src_size);
	buffer_free(bt.idx, bt.n * sizeof(uint64_t));
	buffer_free(bt.dst, bt.n * sizeof(uint64_t));
	return ok;
}

static void vsvm_batch(struct bench *b, struct gpu *g)
{
	static const uint64_t waves[] = { 1, 32, 256 };
	struct pass p = { .b = b };
	struct row *row;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		row = &b->rows[ROW_BATCH_1 + i];
		for (p.timed = false, p.seed = 1; row_pending(b, row); p.seed++)
			p.timed |= vsvm_batch_pass(&p, g, row, waves[i]);
	}
}

/* Two GPU passes over @p->size bytes preferring VRAM (2 MiB windows), VRAM possibly too small. */
static bool vsvm_oversub_pass(struct pass *p, struct gpu *g, struct row *row)
{
	struct drm_vsvm_svm_attr attrs[] = {
		{ VSVM_SVM_ATTR_PREFERRED_LOC, g->info.gpu_id },
		{ VSVM_SVM_ATTR_GRANULARITY, 9 },
	};
	uint64_t sum = pattern_sum(p->size, p->seed);
	struct drm_vsvm_svm_counters c0, c1;
	bool ok = false;
	int64_t ns;

	p->buf = buffer_alloc(p->b, p->size);
	if (!p->buf) {
		row_error(row, "mmap: %s", strerror(errno));
		return false;
	}
	fill(p->buf, p->size, p->seed);
	if (gpu_attrs(g, row, p->buf, p->size, attrs, 2)) {
		c0 = gpu_counters(g, row);
		ns = vsvm_now_ns();
		ok = gpu_checksum(g, row, p->buf, p->size, sum) &&
		     gpu_checksum(g, row, p->buf, p->size, sum);
		ns = vsvm_now_ns() - ns;
		c1 = gpu_counters(g, row);
	}
	if (ok) {
		row_add(row, p, mbs(2 * p->size, ns));
		row_note_set(row, "%llu MiB x 2 passes: %llu pages in, %llu VRAM evictions",
			     (unsigned long long)(p->size / MIB),
			     (unsigned long long)(c1.pages_in - c0.pages_in),
			     (unsigned long long)(c1.vram_evictions - c0.vram_evictions));
	}
	buffer_free(p->buf, p->size);
	return ok;
}

/* The oversub rows: working sets of 50, 100, 150 and 200 % of VRAM. */
static void vsvm_oversub(struct bench *b, struct gpu *g)
{
	struct pass p = { .b = b };
	struct row *row;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		row = &b->rows[ROW_OVERSUB_50 + i];
		p.size = g->info.vram_size * (i + 1) / 2;
		p.size &= ~(HUGE_BYTES - 1);
		for (p.timed = false; row_pending(b, row); p.seed++)
			p.timed |= vsvm_oversub_pass(&p, g, row);
	}
}

/* Attribute ranges of the attr rows: 1k, 10k and 100k (a hundredth with --quick) */
static uint64_t attr_ranges(const struct bench *b, unsigned int i)
{
	static const uint64_t n[] = { 1000, 10000, 100000 };

	return b->quick ? n[i] / 100 : n[i];
}

/*
 * @n attribute ranges over 2 * @n pages at @buf: every even page prefers
 * system memory, the odd pages have no attributes. False (and @row failed)
 * on an error.
 */
static bool attr_setup(const struct gpu *g, struct row *row, uint8_t *buf, uint64_t n)
{
	struct drm_vsvm_svm_attr sys = { VSVM_SVM_ATTR_PREFERRED_LOC, VSVM_SVM_LOCATION_SYSMEM };
	uint64_t i;

	for (i = 0; i < n; i++)
		if (!gpu_attrs(g, row, buf + 2 * i * PAGE_BYTES, PAGE_BYTES, &sys, 1))
			return false;
	return true;
}

/*
 * ATTR_OPS SET_ATTRs (granularity of a random even page) or GET_ATTRs (of a
 * random page, checked) among the ranges of @buf; the mean time per call.
 */
static bool attr_ops(const struct gpu *g, struct row *row, uint8_t *buf, uint64_t n, bool set,
		     uint64_t seed, double *us)
{
	struct drm_vsvm_svm_attr a;
	uint64_t i, page, x = seed | 1, want;
	int64_t ns = 0, t;
	int ret;

	for (i = 0; i < ATTR_OPS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		page = set ? 2 * (x % n) : x % (2 * n);
		a = set ? (struct drm_vsvm_svm_attr){ VSVM_SVM_ATTR_GRANULARITY, x % 10 } :
			  (struct drm_vsvm_svm_attr){ VSVM_SVM_ATTR_PREFERRED_LOC, 0 };
		t = vsvm_now_ns();
		ret = set ? vsvm_svm_set_attr(g->fd, buf + page * PAGE_BYTES, PAGE_BYTES, &a, 1) :
			    vsvm_svm_get_attr(g->fd, buf + page * PAGE_BYTES, PAGE_BYTES, &a, 1);
		ns += vsvm_now_ns() - t;
		if (ret) {
			row_error(row, "%s_ATTR: %s", set ? "SET" : "GET", strerror(-ret));
			return false;
		}
		want = page % 2 ? VSVM_SVM_LOCATION_UNDEFINED : VSVM_SVM_LOCATION_SYSMEM;
		if (!set && a.value != want) {
			row_error(row, "GET_ATTR of page %llu: preferred location %#llx, expected %#llx",
				  (unsigned long long)page, (unsigned long long)a.value,
				  (unsigned long long)want);
			return false;
		}
	}
	*us = ns / 1e3 / ATTR_OPS;
	return true;
}

/* One round of the SET and GET rows for @n ranges on a fresh mapping. */
static bool vsvm_attr_pass(struct pass *p, struct gpu *g, struct row *set, struct row *get,
			   uint64_t n)
{
	uint64_t size = 2 * n * PAGE_BYTES;
	uint8_t *buf = buffer_alloc(p->b, size);
	double us;
	bool ok;

	if (!buf) {
		row_error(set, "mmap: %s", strerror(errno));
		return false;
	}
	ok = attr_setup(g, set, buf, n);
	if (ok && (ok = attr_ops(g, set, buf, n, true, p->seed, &us)))
		row_add(set, p, us);
	if (ok && (ok = attr_ops(g, get, buf, n, false, p->seed, &us)))
		row_add(get, p, us);
	buffer_free(buf, size);
	return ok;
}

/* The attr rows: SET_ATTR and GET_ATTR among 1k, 10k and 100k ranges. */
static void vsvm_attr(struct bench *b, struct gpu *g)
{
	struct pass p = { .b = b };
	struct row *set, *get;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		set = &b->rows[ROW_SET_1K + i];
		get = &b->rows[ROW_GET_1K + i];
		for (p.timed = false, p.seed = 1; group_pending(b, ROW_SET_1K + i, ROW_SET_1K + i) ||
		     group_pending(b, ROW_GET_1K + i, ROW_GET_1K + i); p.seed++)
			p.timed |= vsvm_attr_pass(&p, g, set, get, attr_ranges(b, i));
		row_note_set(set, "%llu ranges, mean of %d calls",
			     (unsigned long long)attr_ranges(b, i), ATTR_OPS);
		row_note_set(get, "%llu ranges, mean of %d calls",
			     (unsigned long long)attr_ranges(b, i), ATTR_OPS);
	}
}

/* This process's mirror_bytes and pages on @g, and @g's page-table bytes, from debugfs. */
static bool meta_read(const struct gpu *g, uint64_t *bytes, uint64_t *pages, uint64_t *pt)
{
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "%d.", (int)getpid());
	return gpu_debugfs(g, "vsvm_svm", prefix, "mirror_bytes", bytes) &&
	       gpu_debugfs(g, "vsvm_svm", prefix, "pages", pages) &&
	       gpu_debugfs(g, "vsvm_hw", "", "pt_bytes", pt);
}

/* One buffer mapped in place by a GPU pass at granularity @gran; its metadata per page. */
static bool vsvm_meta_pass(struct pass *p, struct gpu *g, struct row *row, int gran)
{
	struct drm_vsvm_svm_attr a = { VSVM_SVM_ATTR_GRANULARITY, gran };
	uint64_t b0, n0, pt0, b1, n1, pt1;
	bool ok = false;

	p->buf = buffer_alloc(p->b, p->size);
	if (!p->buf) {
		row_error(row, "mmap: %s", strerror(errno));
		return false;
	}
	fill(p->buf, p->size, p->seed);
	if (!meta_read(g, &b0, &n0, &pt0)) {
		row_na(row, "no mirror_bytes in debugfs vsvm_svm (debugfs mounted?)");
	} else if (gpu_attrs(g, row, p->buf, p->size, &a, 1) &&
		   gpu_checksum(g, row, p->buf, p->size, pattern_sum(p->size, p->seed))) {
		ok = meta_read(g, &b1, &n1, &pt1) && n1 - n0 >= npages(p->size);
		if (!ok)
			row_error(row, "debugfs shows %llu pages mirrored, expected %llu",
				  (unsigned long long)(n1 - n0), (unsigned long long)npages(p->size));
	}
	if (ok) {
		row_add(row, p, (double)(b1 - b0) / (n1 - n0));
		row_note_set(row, "mirror ranges + entries; GPU page tables add %.1f B/page",
			     (double)(pt1 - pt0) / (n1 - n0));
	}
	buffer_free(p->buf, p->size);
	return ok;
}

/* The meta rows: metadata per page mirrored with 4 KiB and with 2 MiB windows. */
static void vsvm_meta(struct bench *b, struct gpu *g)
{
	static const int gran[] = { 0, 9 };
	struct pass p = { .b = b, .size = b->quick ? 4 * MIB : 64 * MIB };
	struct row *row;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		row = &b->rows[ROW_META_4K + i];
		for (p.timed = false; row_pending(b, row); p.seed++)
			p.timed |= vsvm_meta_pass(&p, g, row, gran[i]);
	}
}

/* Print the GPU; false (the vsvm rows n/a) when it cannot run the benchmark. */
static bool vsvm_usable(struct bench *b, const struct gpu *g)
{
	uint32_t caps = g->info.capabilities;

	printf("vsvm: gpu %d %s, gpu_id %u, VRAM %llu MiB, %u compute units, %s\n", b->gpu,
	       g->path, g->info.gpu_id, (unsigned long long)(g->info.vram_size >> 20),
	       g->info.num_compute_units,
	       !(caps & VSVM_CAP_SVM_VRAM) ? "no SVM VRAM" :
	       g->coherent ? "coherent VRAM" : "device-private VRAM");
	if (!(caps & VSVM_CAP_SVM) || !(caps & VSVM_CAP_RETRY_FAULT))
		return false;
	if (!(caps & VSVM_CAP_SVM_VRAM)) {
		group_na(b, ROW_VSVM_TO_VRAM, ROW_VSVM_FAULT, "the GPU lacks VSVM_CAP_SVM_VRAM");
		group_na(b, ROW_TOUCH_4K, ROW_TOUCH_2M, "the GPU lacks VSVM_CAP_SVM_VRAM");
		group_na(b, ROW_OVERSUB_50, ROW_OVERSUB_200, "the GPU lacks VSVM_CAP_SVM_VRAM");
	}
	return true;
}

/* Mark every vsvm row n/a for @why. */
static void vsvm_rows_na(struct bench *b, const char *why)
{
	group_na(b, ROW_VSVM_TO_VRAM, ROW_VSVM_FAULT, why);
	group_na(b, ROW_TOUCH_4K, ROW_RANDOM_FAULT, why);
	group_na(b, ROW_BATCH_1, ROW_META_2M, why);
}

/* Every vsvm row of the selected groups. */
static void bench_vsvm(struct bench *b)
{
	struct gpu g;
	int ret;

	ret = gpu_open(b, &g);
	if (ret) {
		printf("vsvm: no GPU %d: %s\n", b->gpu, strerror(-ret));
		vsvm_rows_na(b, "no vsvm GPU");
		return;
	}
	if (!vsvm_usable(b, &g)) {
		vsvm_rows_na(b, "the GPU lacks VSVM_CAP_SVM or VSVM_CAP_RETRY_FAULT");
	} else {
		if (selected(b, ROW_VSVM_TO_VRAM))
			vsvm_migrate(b, &g);
		if (selected(b, ROW_TOUCH_4K))
			vsvm_touch(b, &g);
		if (selected(b, ROW_RANDOM_FAULT))
			vsvm_random(b, &g);
		if (selected(b, ROW_BATCH_1))
			vsvm_batch(b, &g);
		if (selected(b, ROW_OVERSUB_50))
			vsvm_oversub(b, &g);
		if (selected(b, ROW_SET_1K))
			vsvm_attr(b, &g);
		if (selected(b, ROW_META_4K))
			vsvm_meta(b, &g);
	}
	gpu_close(&g);
}

/* ---- test_hmm ------------------------------------------------------------ */

/* Issue a test_hmm ioctl on the buffer; 0 or -errno, @cmd holds the answer. */
static int hmm_ioctl(int fd, unsigned long request, const struct pass *p, void *ptr,
		     struct hmm_dmirror_cmd *cmd)
{
	*cmd = (struct hmm_dmirror_cmd){
		.addr = (uintptr_t)p->buf,
		.ptr = (uintptr_t)ptr,
		.npages = npages(p->size),
	};
	return ioctl(fd, request, cmd) ? -errno : 0;
}

/*
 * Check with HMM_DMIRROR_SNAPSHOT (a CPU page-table walk) that @want pages
 * of the buffer are device-private pages of this device.
 */
static bool hmm_check_device(int fd, const struct pass *p, uint8_t *snap, struct row *row,
			     uint64_t want, const char *when)
{
	struct hmm_dmirror_cmd cmd;
	uint64_t i, have = 0;
	int ret;

	ret = hmm_ioctl(fd, HMM_DMIRROR_SNAPSHOT, p, snap, &cmd);
	if (ret) {
		row_error(row, "SNAPSHOT %s: %s", when, strerror(-ret));
		return false;
	}
	for (i = 0; i < npages(p->size); i++)
		have += (snap[i] & HMM_PROT_LOCATION_MASK) == HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL;
	if (have != want)
		return left_behind(row, "%llu of %llu pages on the device %s",
				   (unsigned long long)have, (unsigned long long)npages(p->size),
				   when);
	return true;
}

/*
 * MIGRATE_TO_DEV of the buffer; test_hmm copies the device's view of the
 * data to @readback (-ENOENT when a page did not move); @ns its duration.
 */
static bool hmm_to_dev(int fd, const struct pass *p, void *readback, struct row *row,
		       int64_t *ns)
{
	struct hmm_dmirror_cmd cmd;
	int64_t t = vsvm_now_ns();
	int ret;

	ret = hmm_ioctl(fd, HMM_DMIRROR_MIGRATE_TO_DEV, p, readback, &cmd);
	*ns = vsvm_now_ns() - t;
	if (ret == -ENOENT)
		return left_behind(row, "MIGRATE_TO_DEV left pages behind");
	if (ret) {
		row_error(row, "MIGRATE_TO_DEV: %s", strerror(-ret));
		return false;
	}
	if (cmd.cpages != npages(p->size))
		return left_behind(row, "MIGRATE_TO_DEV moved %llu of %llu pages",
				   (unsigned long long)cmd.cpages,
				   (unsigned long long)npages(p->size));
	return true;
}

/* CPU-written data migrated to the device (checked: device pages, device data). */
static bool hmm_dev(int fd, const struct pass *p, uint64_t *readback, uint8_t *snap)
{
	struct row *row = &p->b->rows[ROW_HMM_TO_DEV];
	int64_t ns;

	fill(p->buf, p->size, p->seed);
	memset(readback, 0, p->size);
	if (!hmm_to_dev(fd, p, readback, row, &ns) ||
	    !hmm_check_device(fd, p, snap, row, npages(p->size), "after MIGRATE_TO_DEV") ||
	    !verify(readback, p->size, p->seed, row, "device copy"))
		return false;
	row_add_mbs(row, p, ns);
	return true;
}

/* The data migrated back (checked: no device pages, data intact). */
static bool hmm_sys(int fd, const struct pass *p, uint8_t *snap)
{
	struct row *row = &p->b->rows[ROW_HMM_TO_SYS];
	struct hmm_dmirror_cmd cmd;
	int64_t ns = vsvm_now_ns();
	int ret;

	ret = hmm_ioctl(fd, HMM_DMIRROR_MIGRATE_TO_SYS, p, NULL, &cmd);
	ns = vsvm_now_ns() - ns;
	if (ret) {
		row_error(row, "MIGRATE_TO_SYS: %s", strerror(-ret));
		return false;
	}
	if (cmd.cpages != npages(p->size))
		return left_behind(row, "MIGRATE_TO_SYS moved %llu of %llu pages",
				   (unsigned long long)cmd.cpages,
				   (unsigned long long)npages(p->size));
	if (!hmm_check_device(fd, p, snap, row, 0, "after MIGRATE_TO_SYS") ||
	    !verify(p->buf, p->size, p->seed, row, "after the round trip"))
		return false;
	row_add_mbs(row, p, ns);
	return true;
}

/* The data migrated to the device (untimed), then read by the CPU one byte per page. */
static bool hmm_fault_back(int fd, const struct pass *p, void *readback, uint8_t *snap)
{
	struct row *row = &p->b->rows[ROW_HMM_FAULT];
	int64_t ns;
	long faults;

	if (!hmm_to_dev(fd, p, readback, row, &ns) ||
	    !hmm_check_device(fd, p, snap, row, npages(p->size), "before the CPU reads"))
		return false;
	faults = cpu_faults();
	ns = vsvm_now_ns();
	touch_pages(p->buf, p->size);
	ns = vsvm_now_ns() - ns;
	row_note_set(row, "%ld CPU faults per run", cpu_faults() - faults);
	if (!hmm_check_device(fd, p, snap, row, 0, "after the CPU reads") ||
	    !verify(p->buf, p->size, p->seed, row, "after the CPU faults"))
		return false;
	row_add_mbs(row, p, ns);
	return true;
}

/* One round of the test_hmm rows; false when a step failed or left pages behind. */
static bool hmm_pass(int fd, const struct pass *p, uint64_t *readback, uint8_t *snap)
{
	return hmm_dev(fd, p, readback, snap) && hmm_sys(fd, p, snap) &&
	       hmm_fault_back(fd, p, readback, snap);
}

/* The test_hmm migrate rows on buffers of their own. */
static void hmm_migrate(struct bench *b, int fd)
{
	struct pass p = { .b = b, .size = b->size };
	uint8_t *snap = malloc(npages(b->size));
	uint64_t *readback = buffer_alloc(b, b->size);

	p.buf = buffer_alloc(b, b->size);
	row_note_set(&b->rows[ROW_HMM_TO_DEV],
		     "includes test_hmm's copy of the device data to user space");
	if (!snap || !p.buf || !readback)
		row_error(&b->rows[ROW_HMM_TO_DEV], "out of memory");
	while (group_pending(b, ROW_HMM_TO_DEV, ROW_HMM_FAULT)) {
		p.seed++;
		p.timed |= hmm_pass(fd, &p, readback, snap);
	}
	group_finish(b, ROW_HMM_TO_DEV, ROW_HMM_FAULT);
	buffer_free(readback, b->size);
	buffer_free(p.buf, b->size);
	free(snap);
}

/* Whether test_hmm's copy of page @page is the pattern; else @row fails. */
static bool hmm_read_check(struct row *row, const uint64_t *data, uint64_t seed, uint64_t page)
{
	uint64_t i;

	for (i = 0; i < PAGE_ELEMS; i++) {
		if (data[i] != pattern(seed, page * PAGE_ELEMS + i)) {
			row_error(row, "HMM_DMIRROR_READ of page %llu: wrong data at word %llu",
				  (unsigned long long)page, (unsigned long long)i);
			return false;
		}
	}
	return true;
}

/*
 * HMM_DMIRROR_READ of one page at a time, in the random order of the
 * random-fault row, of a fresh CPU-written buffer: each read makes test_hmm
 * fault the page into its mirror (hmm_range_fault) and copy it out.
 */
static bool hmm_read_pass(int fd, struct pass *p, struct row *row, uint64_t n)
{
	uint64_t *perm = permutation(n, p->seed), page[PAGE_ELEMS], i;
	struct hmm_dmirror_cmd cmd;
	bool ok = perm != NULL;
	int64_t ns = 0, t;

	p->size = n * PAGE_BYTES;
	p->buf = buffer_alloc(p->b, p->size);
	if (!perm || !p->buf) {
		row_error(row, "out of memory");
		ok = false;
	} else {
		fill(p->buf, p->size, p->seed);
	}
	for (i = 0; ok && i < n; i++) {
		cmd = (struct hmm_dmirror_cmd){
			.addr = (uintptr_t)(p->buf + perm[i] * PAGE_ELEMS),
			.ptr = (uintptr_t)page,
			.npages = 1,
		};
		t = vsvm_now_ns();
		ok = !ioctl(fd, HMM_DMIRROR_READ, &cmd);
		ns += vsvm_now_ns() - t;
		if (!ok)
			row_error(row, "HMM_DMIRROR_READ: %s", strerror(errno));
		ok = ok && hmm_read_check(row, page, p->seed, perm[i]);
	}
	if (ok) {
		row_add(row, p, ns / 1e3 / n);
		row_note_set(row, "%llu pages, one ioctl each", (unsigned long long)n);
	}
	buffer_free(p->buf, p->size);
	free(perm);
	return ok;
}

static void hmm_read(struct bench *b, int fd)
{
	struct row *row = &b->rows[ROW_HMM_READ];
	struct pass p = { .b = b };

	for (p.seed = 1; row_pending(b, row); p.seed++)
		p.timed |= hmm_read_pass(fd, &p, row, random_pages(b));
}

/* The test_hmm rows of the selected groups. */
static void bench_hmm(struct bench *b)
{
	int fd = open(HMM_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("test_hmm: %s: %s (modprobe test_hmm)\n", HMM_DEVICE, strerror(errno));
		group_na(b, ROW_HMM_TO_DEV, ROW_HMM_FAULT, "no test_hmm device");
		group_na(b, ROW_HMM_READ, ROW_HMM_READ, "no test_hmm device");
		return;
	}
	printf("test_hmm: %s (device-private, 64-page migrate batches)\n", HMM_DEVICE);
	if (selected(b, ROW_HMM_TO_DEV))
		hmm_migrate(b, fd);
	if (selected(b, ROW_HMM_READ))
		hmm_read(b, fd);
	close(fd);
}

/* ---- output -------------------------------------------------------------- */

static const char *const unit_names[] = {
	[UNIT_MBS] = "MB/s", [UNIT_US] = "us", [UNIT_BYTES] = "B/page",
};

/*
 * The ratio of a figure @med of @row to memcpy: for MB/s its share of
 * memcpy's speed, for microseconds how many 4 KiB memcpys that time holds;
 * 0 when there is no memcpy figure or no ratio for the unit.
 */
static double memcpy_ratio(const struct bench *b, const struct row *row, double med)
{
	double m, lo, hi;

	if (!row_stats(&b->rows[ROW_MEMCPY], &m, &lo, &hi) || m <= 0)
		return 0;
	switch (row->unit) {
	case UNIT_MBS:
		return med / m;
	case UNIT_US:
		return med / (PAGE_BYTES / m);
	default:
		return 0;
	}
}

/* The note of a measured @row, with its repeated rounds, in @buf. */
static const char *row_note(const struct row *row, char *buf, size_t len)
{
	if (!row->retries)
		return row->note;
	snprintf(buf, len, "%s%s%d rounds repeated (pages left behind)", row->note,
		 row->note[0] ? "; " : "", row->retries);
	return buf;
}

static const char *row_status(const struct row *row)
{
	return row->state == ROW_NA ? "n/a" : row->state == ROW_ERROR ? "error" : "ok";
}

/* Whether @row is printed: it was selected, or it failed or is n/a for a reason. */
static bool row_shown(const struct bench *b, int i)
{
	return selected(b, i) || b->rows[i].runs;
}

static void print_table(const struct bench *b)
{
	char note[2 * TEXT_LEN], ratio[16];
	double med, lo, hi, r;
	const struct row *row;
	int i;

	printf("\n%-36s %-6s %10s %10s %10s %9s  %s\n", "what", "unit", "median", "min", "max",
	       "x memcpy", "note");
	for (i = 0; i < NUM_ROWS; i++) {
		row = &b->rows[i];
		if (!row_shown(b, i))
			continue;
		if (!row_stats(row, &med, &lo, &hi)) {
			printf("%-36s %-6s %10s %10s %10s %9s  %s\n", row->label,
			       unit_names[row->unit], row_status(row), "", "", "", row->msg);
			continue;
		}
		r = memcpy_ratio(b, row, med);
		if (r > 0)
			snprintf(ratio, sizeof(ratio), "%.3f", r);
		else
			snprintf(ratio, sizeof(ratio), "-");
		printf("%-36s %-6s %10.2f %10.2f %10.2f %9s  %s\n", row->label,
		       unit_names[row->unit], med, lo, hi, ratio, row_note(row, note, sizeof(note)));
	}
	printf("x memcpy: for MB/s the share of memcpy's speed; for us (per page or call) how\n"
	       "many 4 KiB memcpys the same time holds.\n");
}

/* Write @s as a CSV field (quoted, inner quotes doubled). */
static void csv_text(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* Write the CSV file; 0 or -errno. */
static int write_csv(const struct bench *b)
{
	char note[2 * TEXT_LEN];
	double med, lo, hi;
	const struct row *row;
	FILE *out;
	int i;

	out = fopen(b->csv, "w");
	if (!out)
		return -errno;
	fprintf(out, "id,what,unit,runs,median,min,max,ratio_memcpy,retries,status,note\n");
	for (i = 0; i < NUM_ROWS; i++) {
		row = &b->rows[i];
		if (!row_shown(b, i))
			continue;
		fprintf(out, "%s,", row->id);
		csv_text(out, row->label);
		fprintf(out, ",%s,%d,", unit_names[row->unit], row->runs);
		if (row_stats(row, &med, &lo, &hi))
			fprintf(out, "%.3f,%.3f,%.3f,%.4f,", med, lo, hi,
				memcpy_ratio(b, row, med));
		else
			fprintf(out, ",,,,");
		fprintf(out, "%d,%s,", row->retries, row_status(row));
		csv_text(out, row->state == ROW_OK ? row_note(row, note, sizeof(note)) : row->msg);
		fputc('\n', out);
	}
	return fclose(out) ? -errno : 0;
}

/* ---- --plot -------------------------------------------------------------- */

/*
 * Read the id and the median of a CSV line written by write_csv() into the
 * row of that id (one run); false for a line that is not a measured row.
 */
static bool plot_parse(struct bench *b, char *line)
{
	char *comma = strchr(line, ','), *p;
	int i, field;

	if (!comma)
		return false;
	*comma = '\0';
	for (i = 0; i < NUM_ROWS && strcmp(b->rows[i].id, line); i++)
		;
	if (i == NUM_ROWS)
		return false;
	/* skip the quoted label, then unit and runs: the median is the 5th field */
	p = comma + 1;
	if (*p++ != '"')
		return false;
	while (*p && !(p[0] == '"' && p[1] != '"'))
		p += p[0] == '"' ? 2 : 1;
	for (field = 2; *p && field < 5; p++)
		field += *p == ',';
	if (!*p || *p == ',' || sscanf(p, "%lf", &b->rows[i].v[0]) != 1)
		return false;
	b->rows[i].runs = 1;
	return true;
}

/* Rows [@first, @last] as gnuplot data block lines "label" value (the ratio if @ratio). */
static void plot_rows(FILE *gp, const struct bench *b, int first, int last, bool ratio)
{
	double med, lo, hi;
	int i;

	for (i = first; i <= last; i++) {
		if (!row_stats(&b->rows[i], &med, &lo, &hi))
			continue;
		fprintf(gp, "\"%s\" %g\n", b->rows[i].label, ratio ? memcpy_ratio(b, &b->rows[i], med) : med);
	}
	fprintf(gp, "EOD\n");
}

/* The median of @row, or NaN for gnuplot when it has none. */
static double plot_value(const struct row *row)
{
	double med, lo, hi;

	return row_stats(row, &med, &lo, &hi) ? med : 0.0 / 0.0;
}

/* The gnuplot script: four panels of the figures in @b, to @png. */
static void plot_script(FILE *gp, const struct bench *b, const char *png)
{
	unsigned int i;

	fprintf(gp, "set terminal pngcairo noenhanced size 1400,1100 font ',9'\n"
		"set output '%s'\n", png);
	fprintf(gp, "$mbs << EOD\n");
	plot_rows(gp, b, ROW_VSVM_TO_VRAM, ROW_TOUCH_IN_PLACE, true);
	fprintf(gp, "$costs << EOD\n");
	plot_rows(gp, b, ROW_RANDOM_FAULT, ROW_BATCH_256, false);
	fprintf(gp, "$oversub << EOD\n");
	for (i = 0; i < 4; i++)
		fprintf(gp, "%u %g\n", 50 * (i + 1), plot_value(&b->rows[ROW_OVERSUB_50 + i]));
	fprintf(gp, "EOD\n$attr << EOD\n");
	for (i = 0; i < 3; i++)
		fprintf(gp, "%llu %g %g\n", (unsigned long long)attr_ranges(b, i),
			plot_value(&b->rows[ROW_SET_1K + i]), plot_value(&b->rows[ROW_GET_1K + i]));
	fprintf(gp, "EOD\n"
		"set multiplot layout 2,2 title 'vsvm-bench (one run; ratios are to memcpy in the same run)'\n"
		"set style fill solid 0.6\nset boxwidth 0.7\nset grid ytics\nset xtics rotate by -30\n"
		"set bmargin 10\n"
		"set title 'Migration throughput, x memcpy'\nset ylabel 'x memcpy'\n"
		"plot $mbs using 0:2:xtic(1) with boxes notitle\n"
		"set title 'Cost per fault or page (us)'\nset ylabel 'us'\nset logscale y\n"
		"plot $costs using 0:2:xtic(1) with boxes notitle\n"
		"unset logscale y\nset xtics norotate\nset bmargin 4\n"
		"set title 'Oversubscription: 2 streaming passes'\nset xlabel 'working set, %% of VRAM'\n"
		"set ylabel 'MB/s'\nset yrange [0:*]\n"
		"plot $oversub using 1:2 with linespoints lw 2 notitle\n"
		"set title 'Attribute calls among N ranges'\nset xlabel 'ranges'\nset ylabel 'us per call'\n"
		"set logscale x\nset xrange [500:200000]\n"
		"plot $attr using 1:2 with linespoints lw 2 title 'SET_ATTR', "
		"$attr using 1:3 with linespoints lw 2 title 'GET_ATTR'\n"
		"unset multiplot\n");
}

/* Draw the figures of the CSV @csv into @png with gnuplot; the exit status. */
static int plot(struct bench *b, const char *csv, const char *png)
{
	char line[1024];
	FILE *in, *gp;
	int rows = 0;

	in = fopen(csv, "r");
	if (!in) {
		fprintf(stderr, "vsvm-bench: %s: %s\n", csv, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), in))
		rows += plot_parse(b, line);
	fclose(in);
	if (!rows) {
		fprintf(stderr, "vsvm-bench: %s: no measured rows\n", csv);
		return 1;
	}
	gp = popen("gnuplot", "w");
	if (!gp) {
		fprintf(stderr, "vsvm-bench: cannot run gnuplot: %s\n", strerror(errno));
		return 1;
	}
	plot_script(gp, b, png);
	if (pclose(gp)) {
		fprintf(stderr, "vsvm-bench: gnuplot failed (is it installed?)\n");
		return 1;
	}
	printf("vsvm-bench: %d figures of %s drawn in %s\n", rows, csv, png);
	return 0;
}

/* ---- main ---------------------------------------------------------------- */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vsvm-bench [-s MIB] [-r RUNS] [-n] [-g GPU] [-q] [--only GROUPS] [-o FILE.csv]\n"
		"       vsvm-bench --plot FILE.csv [--png FILE.png]\n"
		"  vsvm's shared virtual memory beside memcpy and test_hmm (" HMM_DEVICE ").\n"
		"  -s MIB   buffer of the migrate and touch rows in MiB (default 256)\n"
		"  -r RUNS  timed runs per figure, after one warm-up (default 5, at most %d)\n"
		"  -n       madvise(MADV_NOHUGEPAGE) on the buffers\n"
		"  -g GPU   index of the vsvm GPU (default 0)\n"
		"  -q       quick: 8 MiB buffers, small counts (a smoke test, not figures)\n"
		"  --only   comma-separated groups: migrate,touch,fault,batch,oversub,attr,meta\n"
		"  -o FILE  also write the results as CSV\n"
		"  --plot   draw the figures of a CSV written by -o with gnuplot, into --png\n"
		"           (default: the CSV's name with .png)\n"
		"Exit status: 0 when every figure was measured or is n/a, 1 when one failed,\n"
		"2 on a usage error.\n", MAX_RUNS);
}

/**
 * struct args - what the command line asks besides the benchmark options
 * @plot: CSV to draw, or NULL to run the benchmark
 * @png: PNG to draw into, or NULL
 */
struct args {
	const char *plot;
	const char *png;
};

/* Whether @only is a comma-separated list of known groups. */
static bool groups_valid(const char *only)
{
	static const char *const groups[] = {
		"migrate", "touch", "fault", "batch", "oversub", "attr", "meta",
	};
	size_t len, i;

	for (;; only += len + 1) {
		len = strcspn(only, ",");
		for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
			if (strlen(groups[i]) == len && !strncmp(only, groups[i], len))
				break;
		if (i == sizeof(groups) / sizeof(groups[0]))
			return false;
		if (!only[len])
			return true;
	}
}

/* Parse the command line into @b and @a; 0, or the exit status for main (-1: 0 after --help). */
static int parse_args(int argc, char **argv, struct bench *b, struct args *a)
{
	static const struct option longopts[] = {
		{ "only", required_argument, NULL, 'O' },
		{ "plot", required_argument, NULL, 'P' },
		{ "png", required_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long mib = 256;
	int opt;

	while ((opt = getopt_long(argc, argv, "s:r:ng:qo:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			mib = vsvm_parse_num(optarg, 2, 1 << 20);
			break;
		case 'r':
			b->runs = vsvm_parse_num(optarg, 1, MAX_RUNS);
			break;
		case 'n':
			b->nohuge = true;
			break;
		case 'g':
			b->gpu = vsvm_parse_num(optarg, 0, VSVM_MAX_DEVICES - 1);
			break;
		case 'q':
			b->quick = true;
			mib = 8;
			break;
		case 'O':
			b->only = optarg;
			break;
		case 'o':
			b->csv = optarg;
			break;
		case 'P':
			a->plot = optarg;
			break;
		case 'G':
			a->png = optarg;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || mib < 0 || b->runs < 0 || b->gpu < 0 || (a->png && !a->plot) ||
	    (b->only && !groups_valid(b->only))) {
		usage(stderr);
		return 2;
	}
	b->size = (mib & ~1L) * MIB;
	return 0;
}

/**
 * struct row_name - the fixed description of a row
 * @id: CSV name
 * @label: table name
 * @group: --only group
 * @unit: what it measures
 */
struct row_name {
	const char *id, *label, *group;
	enum unit unit;
};

static const struct row_name row_names[NUM_ROWS] = {
	[ROW_MEMCPY] = { "memcpy", "memcpy", "migrate", UNIT_MBS },
	[ROW_VSVM_TO_VRAM] = { "prefetch_to_vram", "vsvm prefetch RAM->VRAM", "migrate", UNIT_MBS },
	[ROW_VSVM_TO_RAM] = { "prefetch_to_ram", "vsvm prefetch VRAM->RAM", "migrate", UNIT_MBS },
	[ROW_VSVM_FAULT] = { "cpu_fault_back", "vsvm CPU fault-back", "migrate", UNIT_MBS },
	[ROW_HMM_TO_DEV] = { "hmm_migrate_to_dev", "test_hmm MIGRATE_TO_DEV", "migrate", UNIT_MBS },
	[ROW_HMM_TO_SYS] = { "hmm_migrate_to_sys", "test_hmm MIGRATE_TO_SYS", "migrate", UNIT_MBS },
	[ROW_HMM_FAULT] = { "hmm_cpu_fault_back", "test_hmm CPU fault-back", "migrate", UNIT_MBS },
	[ROW_TOUCH_4K] = { "first_touch_4k", "GPU first touch, migrate 4K", "touch", UNIT_MBS },
	[ROW_TOUCH_64K] = { "first_touch_64k", "GPU first touch, migrate 64K", "touch", UNIT_MBS },
	[ROW_TOUCH_2M] = { "first_touch_2m", "GPU first touch, migrate 2M", "touch", UNIT_MBS },
	[ROW_TOUCH_IN_PLACE] = { "first_touch_in_place", "GPU first touch, in place 2M", "touch",
				 UNIT_MBS },
	[ROW_RANDOM_FAULT] = { "random_fault", "random 4K GPU fault (per fault)", "fault",
			       UNIT_US },
	[ROW_HMM_READ] = { "hmm_read_page", "test_hmm READ 1 page (per page)", "fault", UNIT_US },
	[ROW_BATCH_1] = { "batch_1", "fault batching, 1 wave (per fault)", "batch", UNIT_US },
	[ROW_BATCH_32] = { "batch_32", "fault batching, 32 waves (per fault)", "batch", UNIT_US },
	[ROW_BATCH_256] = { "batch_256", "fault batching, 256 waves (per fault)", "batch",
			    UNIT_US },
	[ROW_OVERSUB_50] = { "oversub_50", "oversubscription 50% of VRAM", "oversub", UNIT_MBS },
	[ROW_OVERSUB_100] = { "oversub_100", "oversubscription 100% of VRAM", "oversub",
			      UNIT_MBS },
	[ROW_OVERSUB_150] = { "oversub_150", "oversubscription 150% of VRAM", "oversub",
			      UNIT_MBS },
	[ROW_OVERSUB_200] = { "oversub_200", "oversubscription 200% of VRAM", "oversub",
			      UNIT_MBS },
	[ROW_SET_1K] = { "attr_set_1k", "SET_ATTR among 1k ranges (per call)", "attr", UNIT_US },
	[ROW_SET_10K] = { "attr_set_10k", "SET_ATTR among 10k ranges (per call)", "attr",
			  UNIT_US },
	[ROW_SET_100K] = { "attr_set_100k", "SET_ATTR among 100k ranges (per call)", "attr",
			   UNIT_US },
	[ROW_GET_1K] = { "attr_get_1k", "GET_ATTR among 1k ranges (per call)", "attr", UNIT_US },
	[ROW_GET_10K] = { "attr_get_10k", "GET_ATTR among 10k ranges (per call)", "attr",
			  UNIT_US },
	[ROW_GET_100K] = { "attr_get_100k", "GET_ATTR among 100k ranges (per call)", "attr",
			   UNIT_US },
	[ROW_META_4K] = { "metadata_4k", "metadata per mirrored page, 4K", "meta", UNIT_BYTES },
	[ROW_META_2M] = { "metadata_2m", "metadata per mirrored page, 2M", "meta", UNIT_BYTES },
};

/* The PNG name for --plot without --png: the CSV's name with .png; NULL when out of memory. */
static char *png_name(const char *csv)
{
	const char *dot = strrchr(csv, '.');
	size_t len = dot && !strchr(dot, '/') ? (size_t)(dot - csv) : strlen(csv);
	char *png = malloc(len + 5);

	if (png)
		snprintf(png, len + 5, "%.*s.png", (int)len, csv);
	return png;
}

/* Run the selected rows (or --plot), print the table and write the CSV. */
int main(int argc, char **argv)
{
	static struct bench b = { .runs = 5 };
	struct args a = { 0 };
	struct utsname un;
	int i, ret, status = 0;
	char *png;

	ret = parse_args(argc, argv, &b, &a);
	if (ret)
		return ret < 0 ? 0 : ret;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < NUM_ROWS; i++) {
		b.rows[i].id = row_names[i].id;
		b.rows[i].label = row_names[i].label;
		b.rows[i].group = row_names[i].group;
		b.rows[i].unit = row_names[i].unit;
	}
	if (a.plot) {
		png = a.png ? NULL : png_name(a.plot);
		ret = a.png || png ? plot(&b, a.plot, a.png ?: png) : 1;
		free(png);
		return ret;
	}
	uname(&un);
	printf("vsvm-bench: %llu MiB buffers, %d timed runs after 1 warm-up, MB = 10^6 bytes, "
	       "kernel %s\n", (unsigned long long)(b.size / MIB), b.runs, un.release);
	bench_memcpy(&b);
	bench_vsvm(&b);
	bench_hmm(&b);
	print_table(&b);
	if (b.csv) {
		ret = write_csv(&b);
		if (ret) {
			fprintf(stderr, "vsvm-bench: %s: %s\n", b.csv, strerror(-ret));
			status = 1;
		}
	}
	for (i = 0; i < NUM_ROWS; i++)
		if (b.rows[i].state == ROW_ERROR)
			status = 1;
	return status;
}
