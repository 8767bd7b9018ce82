// SPDX-License-Identifier: MIT
/*
 * vsvm-migbench - rough page-migration throughput of vsvm beside memcpy and
 * the kernel's test_hmm module, on one anonymous buffer size in one boot.
 *
 * Rows: memcpy (warm); vsvm prefetch RAM->VRAM, VRAM->RAM and CPU fault-back
 * (one byte read per 4 KiB page of a buffer in VRAM); test_hmm
 * MIGRATE_TO_DEV, MIGRATE_TO_SYS and CPU fault-back. Each row is run once
 * untimed (warm-up) and then timed N times; the data is checked after every
 * migration, so each figure is for correct work. Migration is best effort: a
 * round that leaves pages behind (busy pages, a THP that could not be split)
 * is repeated, at most MAX_RETRIES times per row. A row that cannot run is
 * "n/a", a failed ioctl or a wrong result is an "error" (exit status 1); the
 * other rows go on.
 *
 * Copyright 2026 The vsvm authors
 */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
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
#define HUGE_BYTES (2 * MIB)
#define MAX_RUNS 100
#define MAX_RETRIES 3
#define TEXT_LEN 160

enum row_id {
	ROW_MEMCPY,
	ROW_VSVM_TO_VRAM,
	ROW_VSVM_TO_RAM,
	ROW_VSVM_FAULT,
	ROW_HMM_TO_DEV,
	ROW_HMM_TO_SYS,
	ROW_HMM_FAULT,
	NUM_ROWS,
};

enum row_state { ROW_OK, ROW_NA, ROW_ERROR };

/**
 * struct row - one measured figure
 * @id: name in the CSV
 * @label: name in the table
 * @state: ROW_OK while it is measured without error, else ROW_NA or
 *	ROW_ERROR with the reason in @msg
 * @ns: duration of each timed run
 * @runs: timed runs done
 * @retries: rounds repeated because pages were left behind
 * @note: what the figure includes or how it was checked
 * @msg: why the row is n/a or failed
 */
struct row {
	const char *id;
	const char *label;
	enum row_state state;
	int64_t ns[MAX_RUNS];
	int runs;
	int retries;
	char note[TEXT_LEN];
	char msg[TEXT_LEN];
};

/**
 * struct bench - options and results
 * @size: bytes of each buffer
 * @runs: timed runs per row
 * @nohuge: madvise(MADV_NOHUGEPAGE) on the buffers
 * @gpu: index of the vsvm GPU
 * @csv: CSV output file or NULL
 * @rows: the results
 */
struct bench {
	uint64_t size;
	int runs;
	bool nohuge;
	int gpu;
	const char *csv;
	struct row rows[NUM_ROWS];
};

/**
 * struct pass - one round of a migration benchmark
 * @b: the benchmark
 * @buf: the buffer migrated
 * @seed: the data pattern of this round
 * @timed: false for the warm-up round
 */
struct pass {
	struct bench *b;
	uint64_t *buf;
	uint64_t seed;
	bool timed;
};

/**
 * struct gpu - the vsvm GPU under test
 * @fd: its render node
 * @path: the render node's path
 * @info: QUERY_DEVICE
 * @coherent: VSVM_CAP_VRAM_COHERENT: CPU accesses to VRAM do not fault
 * @unchecked: the vram_pages counter was missing, VRAM residency not checked
 */
struct gpu {
	int fd;
	char path[VSVM_PATH_MAX];
	struct drm_vsvm_query_device info;
	bool coherent;
	bool unchecked;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static uint64_t npages(const struct bench *b)
{
	return b->size / PAGE_BYTES;
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
	fprintf(stderr, "vsvm-migbench: %s: %s\n", row->label, row->msg);
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
	fprintf(stderr, "vsvm-migbench: %s: %s; round repeated\n", row->label, msg);
	return false;
}

/* Record a timed run of @row (warm-up runs and runs beyond the target are not recorded). */
static void row_add(struct row *row, const struct pass *p, int64_t ns)
{
	if (p->timed && row->runs < p->b->runs)
		row->ns[row->runs++] = ns;
}

/* Whether rows [@first, @last] need more rounds: some lack runs and none failed. */
static bool group_pending(const struct bench *b, int first, int last)
{
	bool pending = false;
	int i;

	for (i = first; i <= last; i++) {
		if (b->rows[i].state == ROW_ERROR)
			return false;
		pending |= b->rows[i].state == ROW_OK && b->rows[i].runs < b->runs;
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

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Median, shortest and longest run of @row; false when it has no runs. */
static bool row_stats(const struct row *row, double *med, int64_t *lo, int64_t *hi)
{
	int64_t s[MAX_RUNS];
	int n = row->runs;

	if (row->state != ROW_OK || !n)
		return false;
	memcpy(s, row->ns, n * sizeof(s[0]));
	qsort(s, n, sizeof(s[0]), cmp_i64);
	*med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
	*lo = s[0];
	*hi = s[n - 1];
	return true;
}

/* MB/s (10^6 bytes per second) of moving @bytes in @ns. */
static double mbs(uint64_t bytes, double ns)
{
	return bytes * 1e3 / ns;
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

/* A 2 MiB-aligned anonymous private buffer, untouched; NULL with errno set. */
static void *buffer_alloc(const struct bench *b)
{
	uint64_t len = b->size + HUGE_BYTES;
	uintptr_t start, aligned;
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	start = (uintptr_t)p;
	aligned = (start + HUGE_BYTES - 1) & ~(HUGE_BYTES - 1);
	if (aligned > start)
		munmap(p, aligned - start);
	munmap((void *)(aligned + b->size), start + len - aligned - b->size);
	if (b->nohuge && madvise((void *)aligned, b->size, MADV_NOHUGEPAGE)) {
		munmap((void *)aligned, b->size);
		return NULL;
	}
	return (void *)aligned;
}

static void buffer_free(const struct bench *b, void *buf)
{
	if (buf)
		munmap(buf, b->size);
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
	uint64_t *src = buffer_alloc(b), *dst = NULL;
	struct pass p = { .b = b };
	int64_t t;

	if (src) {
		fill(src, b->size, 1);
		print_thp(b, src);
		dst = buffer_alloc(b);
	}
	if (!dst) {
		row_error(row, "cannot map the buffers: %s", strerror(errno));
		buffer_free(b, src);
		return;
	}
	memset(dst, 0, b->size);
	snprintf(row->note, sizeof(row->note), "warm buffers");
	for (p.timed = false; row->runs < b->runs; p.timed = true) {
		t = now_ns();
		memcpy(dst, src, b->size);
		row_add(row, &p, now_ns() - t);
		if (!verify(dst, b->size, 1, row, "copy"))
			break;
		memset(dst, 0, b->size);
	}
	buffer_free(b, src);
	buffer_free(b, dst);
}

/* ---- vsvm ---------------------------------------------------------------- */

/* Open the @b->gpu-th vsvm GPU and query it; 0 or -errno. */
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
	ret = vsvm_query_device(g->fd, &g->info);
	if (ret) {
		vsvm_close(g->fd);
		return ret;
	}
	g->coherent = g->info.capabilities & VSVM_CAP_VRAM_COHERENT;
	return 0;
}

/*
 * Read the SVM counter @name of this process on @g from debugfs
 * (dri/<minor>/vsvm_svm, "PID.name: value" lines); false if it is missing.
 */
static bool gpu_counter(const struct gpu *g, const char *name, uint64_t *value)
{
	char file[96], key[96], line[256];
	const char *node = strrchr(g->path, '/');
	bool found = false;
	size_t klen;
	int minor;
	FILE *f;

	if (!node || sscanf(node, "/renderD%d", &minor) != 1)
		return false;
	snprintf(file, sizeof(file), "/sys/kernel/debug/dri/%d/vsvm_svm", minor);
	klen = snprintf(key, sizeof(key), "%d.%s:", (int)getpid(), name);
	f = fopen(file, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, key, klen) && sscanf(line + klen, "%" SCNu64, value) == 1;
	fclose(f);
	return found;
}

/*
 * Check with the vram_pages counter that @want pages of the buffer are in
 * VRAM; a missing counter is remembered in @g and passes.
 */
static bool vsvm_check_vram(const struct pass *p, struct gpu *g, struct row *row,
			    uint64_t want, const char *when)
{
	uint64_t have;

	if (!gpu_counter(g, "vram_pages", &have)) {
		g->unchecked = true;
		return true;
	}
	if (have != want)
		return left_behind(row, "%llu of %llu pages in VRAM %s", (unsigned long long)have,
				   (unsigned long long)npages(p->b), when);
	return true;
}

/* Prefetch the buffer to @location, failing @row on an error; 0 or -errno, @ns its duration. */
static int vsvm_prefetch(const struct pass *p, const struct gpu *g, uint32_t location,
			 struct row *row, int64_t *ns)
{
	int64_t t = now_ns();
	int ret;

	ret = vsvm_svm_prefetch(g->fd, p->buf, p->b->size, location, 0, 0);
	*ns = now_ns() - t;
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

	fill(p->buf, p->b->size, p->seed);
	if (vsvm_prefetch(p, g, g->info.gpu_id, row, &ns) ||
	    !vsvm_check_vram(p, g, row, npages(p->b), "after the prefetch"))
		return false;
	row_add(row, p, ns);
	return true;
}

/* The data prefetched back to system RAM (checked: none in VRAM, data intact). */
static bool vsvm_to_ram(const struct pass *p, struct gpu *g)
{
	struct row *row = &p->b->rows[ROW_VSVM_TO_RAM];
	int64_t ns;

	if (vsvm_prefetch(p, g, VSVM_SVM_LOCATION_SYSMEM, row, &ns) ||
	    !vsvm_check_vram(p, g, row, 0, "after the prefetch to SYSMEM") ||
	    !verify(p->buf, p->b->size, p->seed, row, "after the round trip"))
		return false;
	row_add(row, p, ns);
	return true;
}

/* The data put in VRAM (untimed), then read by the CPU one byte per page. */
static bool vsvm_fault_back(const struct pass *p, struct gpu *g)
{
	struct row *row = &p->b->rows[ROW_VSVM_FAULT];
	int64_t ns;
	long faults;

	if (vsvm_prefetch(p, g, g->info.gpu_id, row, &ns) ||
	    !vsvm_check_vram(p, g, row, npages(p->b), "before the CPU reads"))
		return false;
	faults = cpu_faults();
	ns = now_ns();
	touch_pages(p->buf, p->b->size);
	ns = now_ns() - ns;
	snprintf(row->note, sizeof(row->note), "%ld CPU faults per run", cpu_faults() - faults);
	if (!vsvm_check_vram(p, g, row, 0, "after the CPU reads") ||
	    !verify(p->buf, p->b->size, p->seed, row, "after the CPU faults"))
		return false;
	row_add(row, p, ns);
	return true;
}

/* One round of the vsvm rows; false when a step failed or left pages behind. */
static bool vsvm_pass(const struct pass *p, struct gpu *g)
{
	return vsvm_to_vram(p, g) && vsvm_to_ram(p, g) && (g->coherent || vsvm_fault_back(p, g));
}

/* Print the GPU; false (rows n/a or failed) when it cannot run the benchmark. */
static bool vsvm_usable(struct bench *b, const struct gpu *g)
{
	uint32_t caps = g->info.capabilities;

	printf("vsvm: gpu %d %s, gpu_id %u, VRAM %llu MiB, capabilities %#x, %s\n", b->gpu,
	       g->path, g->info.gpu_id, (unsigned long long)(g->info.vram_size >> 20), caps,
	       !(caps & VSVM_CAP_SVM_VRAM) ? "no SVM VRAM" :
	       g->coherent ? "coherent VRAM" : "device-private VRAM");
	if (!(caps & VSVM_CAP_SVM) || !(caps & VSVM_CAP_SVM_VRAM)) {
		group_na(b, ROW_VSVM_TO_VRAM, ROW_VSVM_FAULT, "the GPU lacks VSVM_CAP_SVM_VRAM");
		return false;
	}
	if (g->info.vram_size < b->size) {
		row_error(&b->rows[ROW_VSVM_TO_VRAM], "the buffer is larger than VRAM");
		return false;
	}
	if (g->coherent)
		row_na(&b->rows[ROW_VSVM_FAULT], "coherent VRAM: the CPU reads it in place");
	return true;
}

/* The vsvm rows: prefetch both ways and CPU fault-back. */
static void bench_vsvm(struct bench *b)
{
	struct pass p = { .b = b };
	struct gpu g;
	int ret;

	ret = gpu_open(b, &g);
	if (ret) {
		printf("vsvm: no GPU %d: %s\n", b->gpu, strerror(-ret));
		group_na(b, ROW_VSVM_TO_VRAM, ROW_VSVM_FAULT, "no vsvm GPU");
		return;
	}
	if (vsvm_usable(b, &g)) {
		p.buf = buffer_alloc(b);
		if (!p.buf)
			row_error(&b->rows[ROW_VSVM_TO_VRAM], "mmap: %s", strerror(errno));
		while (group_pending(b, ROW_VSVM_TO_VRAM, ROW_VSVM_FAULT)) {
			p.seed++;
			p.timed |= vsvm_pass(&p, &g);
		}
		buffer_free(b, p.buf);
	}
	group_finish(b, ROW_VSVM_TO_VRAM, ROW_VSVM_FAULT);
	if (g.unchecked)
		printf("vsvm: VRAM residency not checked (no vram_pages counter in debugfs)\n");
	vsvm_close(g.fd);
}

/* ---- test_hmm ------------------------------------------------------------ */

/* Issue a test_hmm ioctl on the buffer; 0 or -errno, @cmd holds the answer. */
static int hmm_ioctl(int fd, unsigned long request, const struct pass *p, void *ptr,
		     struct hmm_dmirror_cmd *cmd)
{
	*cmd = (struct hmm_dmirror_cmd){
		.addr = (uintptr_t)p->buf,
		.ptr = (uintptr_t)ptr,
		.npages = npages(p->b),
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
	for (i = 0; i < npages(p->b); i++)
		have += (snap[i] & HMM_PROT_LOCATION_MASK) == HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL;
	if (have != want)
		return left_behind(row, "%llu of %llu pages on the device %s",
				   (unsigned long long)have, (unsigned long long)npages(p->b),
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
	int64_t t = now_ns();
	int ret;

	ret = hmm_ioctl(fd, HMM_DMIRROR_MIGRATE_TO_DEV, p, readback, &cmd);
	*ns = now_ns() - t;
	if (ret == -ENOENT)
		return left_behind(row, "MIGRATE_TO_DEV left pages behind");
	if (ret) {
		row_error(row, "MIGRATE_TO_DEV: %s", strerror(-ret));
		return false;
	}
	if (cmd.cpages != npages(p->b))
		return left_behind(row, "MIGRATE_TO_DEV moved %llu of %llu pages",
				   (unsigned long long)cmd.cpages,
				   (unsigned long long)npages(p->b));
	return true;
}

/* CPU-written data migrated to the device (checked: device pages, device data). */
static bool hmm_dev(int fd, const struct pass *p, uint64_t *readback, uint8_t *snap)
{
	struct row *row = &p->b->rows[ROW_HMM_TO_DEV];
	int64_t ns;

	fill(p->buf, p->b->size, p->seed);
	memset(readback, 0, p->b->size);
	if (!hmm_to_dev(fd, p, readback, row, &ns) ||
	    !hmm_check_device(fd, p, snap, row, npages(p->b), "after MIGRATE_TO_DEV") ||
	    !verify(readback, p->b->size, p->seed, row, "device copy"))
		return false;
	row_add(row, p, ns);
	return true;
}

/* The data migrated back (checked: no device pages, data intact). */
static bool hmm_sys(int fd, const struct pass *p, uint8_t *snap)
{
	struct row *row = &p->b->rows[ROW_HMM_TO_SYS];
	struct hmm_dmirror_cmd cmd;
	int64_t ns = now_ns();
	int ret;

	ret = hmm_ioctl(fd, HMM_DMIRROR_MIGRATE_TO_SYS, p, NULL, &cmd);
	ns = now_ns() - ns;
	if (ret) {
		row_error(row, "MIGRATE_TO_SYS: %s", strerror(-ret));
		return false;
	}
	if (cmd.cpages != npages(p->b))
		return left_behind(row, "MIGRATE_TO_SYS moved %llu of %llu pages",
				   (unsigned long long)cmd.cpages,
				   (unsigned long long)npages(p->b));
	if (!hmm_check_device(fd, p, snap, row, 0, "after MIGRATE_TO_SYS") ||
	    !verify(p->buf, p->b->size, p->seed, row, "after the round trip"))
		return false;
	row_add(row, p, ns);
	return true;
}

/* The data migrated to the device (untimed), then read by the CPU one byte per page. */
static bool hmm_fault_back(int fd, const struct pass *p, void *readback, uint8_t *snap)
{
	struct row *row = &p->b->rows[ROW_HMM_FAULT];
	int64_t ns;
	long faults;

	if (!hmm_to_dev(fd, p, readback, row, &ns) ||
	    !hmm_check_device(fd, p, snap, row, npages(p->b), "before the CPU reads"))
		return false;
	faults = cpu_faults();
	ns = now_ns();
	touch_pages(p->buf, p->b->size);
	ns = now_ns() - ns;
	snprintf(row->note, sizeof(row->note), "%ld CPU faults per run", cpu_faults() - faults);
	if (!hmm_check_device(fd, p, snap, row, 0, "after the CPU reads") ||
	    !verify(p->buf, p->b->size, p->seed, row, "after the CPU faults"))
		return false;
	row_add(row, p, ns);
	return true;
}

/* One round of the test_hmm rows; false when a step failed or left pages behind. */
static bool hmm_pass(int fd, const struct pass *p, uint64_t *readback, uint8_t *snap)
{
	return hmm_dev(fd, p, readback, snap) && hmm_sys(fd, p, snap) &&
	       hmm_fault_back(fd, p, readback, snap);
}

/* The test_hmm rows on buffers of their own. */
static void bench_hmm(struct bench *b)
{
	uint8_t *snap = malloc(npages(b));
	struct pass p = { .b = b, .buf = buffer_alloc(b) };
	uint64_t *readback = buffer_alloc(b);
	int fd = open(HMM_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("test_hmm: %s: %s (modprobe test_hmm)\n", HMM_DEVICE, strerror(errno));
		group_na(b, ROW_HMM_TO_DEV, ROW_HMM_FAULT, "no test_hmm device");
	} else {
		printf("test_hmm: %s (device-private, 64-page migrate batches, %llu pages)\n",
		       HMM_DEVICE, (unsigned long long)npages(b));
		snprintf(b->rows[ROW_HMM_TO_DEV].note, TEXT_LEN,
			 "includes test_hmm's copy of the device data to user space");
		if (!snap || !p.buf || !readback)
			row_error(&b->rows[ROW_HMM_TO_DEV], "out of memory");
		while (group_pending(b, ROW_HMM_TO_DEV, ROW_HMM_FAULT)) {
			p.seed++;
			p.timed |= hmm_pass(fd, &p, readback, snap);
		}
		group_finish(b, ROW_HMM_TO_DEV, ROW_HMM_FAULT);
		close(fd);
	}
	buffer_free(b, readback);
	buffer_free(b, p.buf);
	free(snap);
}

/* ---- output -------------------------------------------------------------- */

/**
 * struct figures - what the table and the CSV say about a row
 * @med: median MB/s
 * @lo: lowest MB/s
 * @hi: highest MB/s
 * @ratio: @med / memcpy's median MB/s (0 without memcpy figures)
 * @us_page: median microseconds per 4 KiB page
 */
struct figures {
	double med, lo, hi, ratio, us_page;
};

/* The figures of @row; false when it has none. */
static bool row_figures(const struct bench *b, const struct row *row, struct figures *f)
{
	double med, memcpy_med;
	int64_t lo, hi;

	if (!row_stats(row, &med, &lo, &hi))
		return false;
	f->med = mbs(b->size, med);
	f->lo = mbs(b->size, hi);
	f->hi = mbs(b->size, lo);
	f->us_page = med / 1e3 / npages(b);
	f->ratio = 0;
	if (row_stats(&b->rows[ROW_MEMCPY], &memcpy_med, &lo, &hi))
		f->ratio = memcpy_med / med;
	return true;
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

static void print_table(const struct bench *b)
{
	char note[2 * TEXT_LEN];
	const struct row *row;
	struct figures f;
	int i;

	printf("\n%-26s %9s %9s %9s %9s %8s  %s\n", "what", "MB/s med", "min", "max",
	       "x memcpy", "us/page", "note");
	for (i = 0; i < NUM_ROWS; i++) {
		row = &b->rows[i];
		if (row_figures(b, row, &f))
			printf("%-26s %9.1f %9.1f %9.1f %9.3f %8.2f  %s\n", row->label, f.med,
			       f.lo, f.hi, f.ratio, f.us_page, row_note(row, note, sizeof(note)));
		else
			printf("%-26s %9s %9s %9s %9s %8s  %s\n", row->label, row_status(row), "",
			       "", "", "", row->msg);
	}
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
	const struct row *row;
	struct figures f;
	FILE *out;
	int i;

	out = fopen(b->csv, "w");
	if (!out)
		return -errno;
	fprintf(out, "id,what,size_bytes,runs,median_mbs,min_mbs,max_mbs,ratio_memcpy,"
		"median_us_per_page,retries,status,note\n");
	for (i = 0; i < NUM_ROWS; i++) {
		row = &b->rows[i];
		fprintf(out, "%s,", row->id);
		csv_text(out, row->label);
		fprintf(out, ",%llu,%d,", (unsigned long long)b->size, row->runs);
		if (row_figures(b, row, &f))
			fprintf(out, "%.1f,%.1f,%.1f,%.4f,%.3f,", f.med, f.lo, f.hi, f.ratio,
				f.us_page);
		else
			fprintf(out, ",,,,,");
		fprintf(out, "%d,%s,", row->retries, row_status(row));
		csv_text(out, row->state == ROW_OK ? row_note(row, note, sizeof(note)) : row->msg);
		fputc('\n', out);
	}
	return fclose(out) ? -errno : 0;
}

/* ---- main ---------------------------------------------------------------- */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vsvm-migbench [-s MIB] [-r RUNS] [-n] [-g GPU] [-o FILE.csv]\n"
		"  Migration throughput of vsvm (prefetch both ways, CPU fault-back) beside\n"
		"  memcpy and test_hmm (" HMM_DEVICE ") on anonymous memory.\n"
		"  -s MIB   buffer size in MiB (default 256)\n"
		"  -r RUNS  timed runs per figure, after one warm-up (default 5, at most %d)\n"
		"  -n       madvise(MADV_NOHUGEPAGE) on the buffers\n"
		"  -g GPU   index of the vsvm GPU (default 0)\n"
		"  -o FILE  also write the results as CSV\n"
		"Exit status: 0 when every figure was measured or is n/a, 1 when one failed,\n"
		"2 on a usage error.\n", MAX_RUNS);
}

/* Parse a decimal option value in [@min, @max]; -1 if invalid. */
static long parse_num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	return v;
}

/* Parse the command line into @b; 0, or the exit status for main. */
static int parse_args(int argc, char **argv, struct bench *b)
{
	long mib = 256;
	int opt;

	while ((opt = getopt(argc, argv, "s:r:ng:o:h")) != -1) {
		switch (opt) {
		case 's':
			mib = parse_num(optarg, 1, 1 << 20);
			break;
		case 'r':
			b->runs = parse_num(optarg, 1, MAX_RUNS);
			break;
		case 'n':
			b->nohuge = true;
			break;
		case 'g':
			b->gpu = parse_num(optarg, 0, VSVM_MAX_DEVICES - 1);
			break;
		case 'o':
			b->csv = optarg;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || mib < 0 || b->runs < 0 || b->gpu < 0) {
		usage(stderr);
		return 2;
	}
	b->size = mib * MIB;
	return 0;
}

static const struct {
	const char *id, *label;
} row_names[NUM_ROWS] = {
	[ROW_MEMCPY] = { "memcpy", "memcpy" },
	[ROW_VSVM_TO_VRAM] = { "vsvm_prefetch_to_vram", "vsvm prefetch RAM->VRAM" },
	[ROW_VSVM_TO_RAM] = { "vsvm_prefetch_to_ram", "vsvm prefetch VRAM->RAM" },
	[ROW_VSVM_FAULT] = { "vsvm_cpu_fault_back", "vsvm CPU fault-back" },
	[ROW_HMM_TO_DEV] = { "hmm_migrate_to_dev", "test_hmm MIGRATE_TO_DEV" },
	[ROW_HMM_TO_SYS] = { "hmm_migrate_to_sys", "test_hmm MIGRATE_TO_SYS" },
	[ROW_HMM_FAULT] = { "hmm_cpu_fault_back", "test_hmm CPU fault-back" },
};

/* Run every row, print the table and write the CSV. */
int main(int argc, char **argv)
{
	static struct bench b = { .runs = 5 };
	struct utsname un;
	int i, ret, status = 0;

	ret = parse_args(argc, argv, &b);
	if (ret)
		return ret < 0 ? 0 : ret;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < NUM_ROWS; i++) {
		b.rows[i].id = row_names[i].id;
		b.rows[i].label = row_names[i].label;
	}
	uname(&un);
	printf("vsvm-migbench: %llu MiB anonymous buffers, %d timed runs after 1 warm-up, "
	       "MB = 10^6 bytes, kernel %s\n", (unsigned long long)(b.size / MIB), b.runs,
	       un.release);
	bench_memcpy(&b);
	bench_vsvm(&b);
	bench_hmm(&b);
	print_table(&b);
	if (b.csv) {
		ret = write_csv(&b);
		if (ret) {
			fprintf(stderr, "vsvm-migbench: %s: %s\n", b.csv, strerror(-ret));
			status = 1;
		}
	}
	for (i = 0; i < NUM_ROWS; i++)
		if (b.rows[i].state == ROW_ERROR)
			status = 1;
	return status;
}
