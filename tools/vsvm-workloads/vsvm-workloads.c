// SPDX-License-Identifier: MIT
/*
 * vsvm-workloads - the small workload set of the GPU unified-memory studies
 * (W1-W9: sequential and random page touches, STREAM triad, GUPS, pointer
 * chase, stencil, BFS, CPU-GPU ping-pong, a read-mostly table) as dispatches
 * of the built-in kernels on ordinary process memory: anonymous mmap() and
 * malloc(), never buffer objects. One GPU runs them all.
 *
 * Each workload runs in three modes, on whole fresh buffers (new mappings
 * written by the CPU, so each run starts from system RAM):
 *   off       PREFERRED_LOC = the GPU, GRANULARITY = 0: fault-driven
 *             migration, each GPU fault moves only its 4 KiB page;
 *   on        PREFERRED_LOC = the GPU, GRANULARITY = 9: fault-driven with the
 *             driver's prefetch, a fault moves the 2 MiB block around it;
 *   explicit  PREFERRED_LOC = the GPU (default granularity) and
 *             DRM_IOCTL_VSVM_SVM_PREFETCH of the footprint to the GPU before
 *             the dispatches (ping-pong and read-mostly: before each GPU
 *             turn, as the CPU took the data back in between).
 * A run's time is the wall clock of its GPU part, explicit prefetches and
 * the CPU turns of ping-pong and read-mostly included, the CPU setup
 * excluded; with it go the deltas of the process's SVM counters on the GPU
 * over that part. After the timed part the footprint is prefetched back to
 * system RAM (untimed) and the CPU checks every result. Each (workload,
 * mode) is run --reps times: the median time with its min and max, and the
 * median of each counter delta.
 *
 * A kernel sweeps its whole arrays in one dispatch, as a GPU program
 * launches it (the pointer chase alone walks its chain in CHASE_STEPS-node
 * dispatches): a dispatch that runs past the driver's job timeout
 * (job_timeout_ms, a parameter of the vsvm module, 10 s by default) fails;
 * fault-driven runs of large footprints need it raised. Reductions
 * (checksum, verify, pointer chase, BFS) write their results to slots in a
 * mapping of their own, outside every footprint and without attributes: the
 * GPU maps it once where it is, in system RAM, so that reading a result
 * costs no fault.
 *
 * Copyright 2026 The vsvm authors
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include "libvsvm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(n) (1U << (n))
#define STR_(x) #x
#define STR(x) STR_(x)
#define MIB (1ULL << 20)
#define PAGE_BYTES 4096ULL
/* Words (u64) per 4 KiB page, also the work items of a compute unit's chunk */
#define PAGE_WORDS (PAGE_BYTES / sizeof(uint64_t))
#define MAX_REPS 99
#define TEXT_LEN 200
/* Default footprint: this share of the GPU's VRAM, in % */
#define DEFAULT_PCT 50
/* Footprint of --quick */
#define QUICK_BYTES (1 * MIB)
/* Result slots of the reductions */
#define NUM_SLOTS 4096
/* What a result slot or a destination word holds before the GPU writes it */
#define UNWRITTEN 0x5a5a5a5a5a5a5a5aULL
/* A dispatch not done by then is reported (the driver resets hung ones sooner) */
#define DISPATCH_TIMEOUT_NS (3600 * 1000000000LL)
#define JOB_TIMEOUT_PARAM "/sys/module/vsvm/parameters/job_timeout_ms"
/* Regions a run's footprint may have */
#define MAX_REGIONS 1024
/* Large host allocations bypass the heap (the BFS lists live there) */
#define HOST_MMAP_THRESHOLD (128 * 1024)

/* W4: passes of random updates; the multiplier of each update */
#define GUPS_PASSES 4
#define GUPS_SCALE 3
/* W2: the triad's scalar */
#define TRIAD_SCALE 3
/* W5: nodes visited per dispatch */
#define CHASE_STEPS 256
/* W6: words per grid row (one page), iterations, weight of the neighbours */
#define STENCIL_COLS PAGE_WORDS
#define STENCIL_ITERS 4
#define STENCIL_SCALE 3
/* W7: mean out-degree (degrees are uniform in [0, 2 * BFS_DEGREE]); most levels */
#define BFS_DEGREE 8
#define BFS_MAX_DEPTHS 1024
/* W8: rounds, the GPU's multiplier, the stride of the CPU's pattern */
#define PINGPONG_ROUNDS 4
#define PINGPONG_SCALE 2
#define PINGPONG_STEP 0x10001ULL
/* W9: GPU turns, each followed by a CPU turn */
#define MOSTLY_ROUNDS 4

enum mode { MODE_OFF, MODE_ON, MODE_EXPLICIT, NUM_MODES };

static const char *const mode_names[NUM_MODES] = { "off", "on", "explicit" };

/* The SVM counters reported, as named in the uAPI (CSV) and in the table */
#define COUNTER(field, head) { #field, head, offsetof(struct drm_vsvm_svm_counters, field) }
static const struct {
	const char *name, *head;
	size_t offset;
} counters[] = {
	COUNTER(faults, "faults"),
	COUNTER(batches, "batches"),
	COUNTER(duplicates, "dups"),
	COUNTER(pages_in, "pages_in"),
	COUNTER(pages_out, "pages_out"),
	COUNTER(cpu_faults, "cpu_flt"),
	COUNTER(vram_evictions, "evict"),
};

#define NUM_COUNTERS ARRAY_SIZE(counters)

/**
 * struct gpu - the GPU the workloads run on
 * @fd: its render node
 * @index: its index among the vsvm GPUs
 * @path: the render node's path
 * @info: DRM_IOCTL_VSVM_QUERY_DEVICE
 * @slots: NUM_SLOTS result words, mapped on the GPU in system RAM
 */
struct gpu {
	int fd;
	int index;
	char path[VSVM_PATH_MAX];
	struct drm_vsvm_query_device info;
	uint64_t *slots;
};

/**
 * struct region - a page-aligned piece of a run's footprint; the mode's
 * attributes and the explicit prefetches apply to each
 * @addr: start
 * @size: bytes
 * @mapped: the run mmap()ed it and unmaps it at the end (else the workload
 *	frees what is in it)
 */
struct region {
	void *addr;
	uint64_t size;
	bool mapped;
};

/**
 * struct touch_state - W1, W3
 * @data: @pages pages, one word of each read
 * @idx: the GATHER's indexes into @data
 * @dst: the GATHER's destination
 * @want: the host's expected @dst
 * @pages: pages of @data, words of @idx, @dst and @want
 */
struct touch_state {
	uint64_t *data, *idx, *dst, *want;
	uint64_t pages;
};

/** struct triad_state - W2: @n words in each of @a, @b, @c */
struct triad_state {
	uint64_t *a, *b, *c;
	uint64_t n;
};

/**
 * struct gups_state - W4
 * @table: @words words updated at random
 * @idx: per pass, @updates distinct word indexes into @table
 * @val: per pass, the @updates values added (times GUPS_SCALE)
 * @tmp: @updates words the gathered values are updated in
 * @words: words of @table
 * @updates: updates per pass, one per page of @table
 */
struct gups_state {
	uint64_t *table, *idx, *val, *tmp;
	uint64_t words, updates;
};

/**
 * struct chase_state - W5
 * @nodes: @pages pages, each holding a node {next, value} at its start
 * @heads: the first node of each dispatch's @segments
 * @sums: the host's sum of the values of each segment
 * @pages: pages of @nodes, one node each
 * @segments: dispatches of at most CHASE_STEPS nodes
 */
struct chase_state {
	uint64_t *nodes, *heads, *sums;
	uint64_t pages, segments;
};

/** struct stencil_state - W6: two grids of @rows x STENCIL_COLS words */
struct stencil_state {
	uint64_t *grid[2];
	uint64_t rows;
};

/**
 * struct bfs_state - W7
 * @adj: @n addresses of adjacency lists (each malloc()ed) or 0
 * @level: @n depths
 * @source: the vertex the search starts from
 * @outs: what each BFS_LEVEL dispatch reported
 * @n: vertices
 * @depths: dispatches run
 */
struct bfs_state {
	uint64_t *adj, *level;
	uint64_t n, source, depths;
	uint64_t outs[BFS_MAX_DEPTHS];
};

/** struct pingpong_state - W8: the shared buffer of @n words */
struct pingpong_state {
	uint64_t *buf;
	uint64_t n;
};

/** struct mostly_state - W9: a @n-word table whose words add up to @sum */
struct mostly_state {
	uint64_t *table;
	uint64_t n, sum;
};

struct run;

/**
 * struct workload - one of W1-W9
 * @id: "W1".."W9"
 * @name: its name (--only, CSV)
 * @what: one line for --help
 * @svm_flags: VSVM_SVM_FLAG_* set in every mode
 * @setup: allocate and fill the buffers on the CPU (untimed)
 * @gpu: the measured part
 * @check: check the results on the CPU (after the counters), or NULL when
 *	@gpu checked everything
 * @teardown: free what is not in a mapped region, or NULL
 *
 * The callbacks return false after run_fail().
 */
struct workload {
	const char *id, *name, *what;
	uint32_t svm_flags;
	bool (*setup)(struct run *r);
	bool (*gpu)(struct run *r);
	bool (*check)(struct run *r);
	void (*teardown)(struct run *r);
};

/**
 * struct run - one run of a workload in a mode
 * @g: the GPU
 * @w: the workload
 * @mode: the mode
 * @footprint: bytes the workload sizes its buffers for
 * @queue: the run's compute queue
 * @regions: the footprint
 * @nregions: entries of @regions
 * @msg: why the run failed
 * @failed: it did
 * @s: the workload's state
 */
struct run {
	struct gpu *g;
	const struct workload *w;
	enum mode mode;
	uint64_t footprint;
	uint32_t queue;
	struct region regions[MAX_REGIONS];
	unsigned int nregions;
	char msg[TEXT_LEN];
	bool failed;
	union {
		struct touch_state touch;
		struct triad_state triad;
		struct gups_state gups;
		struct chase_state chase;
		struct stencil_state stencil;
		struct bfs_state bfs;
		struct pingpong_state pingpong;
		struct mostly_state mostly;
	} s;
};

/**
 * struct result - the runs of one (workload, mode)
 * @ns: time of each run
 * @delta: counter deltas of each run
 * @runs: runs done without error
 * @bytes: footprint of a run
 * @failed: a run failed (@msg says why); no more were made
 * @msg: the failure
 */
struct result {
	int64_t ns[MAX_REPS];
	uint64_t delta[MAX_REPS][NUM_COUNTERS];
	int runs;
	uint64_t bytes;
	bool failed;
	char msg[TEXT_LEN];
};

/**
 * struct opts - the command line
 * @gpu: GPU index
 * @reps: runs per (workload, mode), 0 when not given
 * @pct: footprint in % of VRAM, 0 when not given
 * @mib: footprint in MiB, 0 when not given
 * @quick: --quick
 * @only: bit i selects workload i
 * @modes: bit m selects mode m
 * @csv: CSV file or NULL
 */
struct opts {
	int gpu;
	int reps;
	long pct;
	long mib;
	bool quick;
	unsigned int only;
	unsigned int modes;
	const char *csv;
};

/* ---- helpers ------------------------------------------------------------- */

/* The value of word @i of the data pattern @seed. */
static uint64_t pattern(uint64_t seed, uint64_t i)
{
	return (seed * 0x9e3779b97f4a7c15ULL) ^ (i * 0x100000001b3ULL);
}

/* splitmix64: the next number of the sequence @state. */
static uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, @n) (with a modulo bias under @n / 2^64: none to speak of). */
static uint64_t rng_below(uint64_t *state, uint64_t n)
{
	return rng_next(state) % n;
}

/* Shuffle @v[0..@n) (Fisher-Yates). */
static void shuffle(uint64_t *v, uint64_t n, uint64_t *state)
{
	uint64_t i, j, t;

	for (i = n; i > 1; i--) {
		j = rng_below(state, i);
		t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* A CPU address as the GPU VA of the same memory. */
static uint64_t va(const void *p)
{
	return (uintptr_t)p;
}

/* Mark @r failed (the first reason is kept) and print why; returns false. */
static bool __attribute__((format(printf, 2, 3))) run_fail(struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->failed)
		return false;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	r->failed = true;
	fprintf(stderr, "vsvm-workloads: %s %s, mode %s: %s\n", r->w->id, r->w->name,
		mode_names[r->mode], r->msg);
	return false;
}

/* Add [@addr, @addr + @size) (page aligned) to the footprint of @r. */
static bool run_add_region(struct run *r, void *addr, uint64_t size, bool mapped)
{
	if (r->nregions == MAX_REGIONS)
		return run_fail(r, "more than %d pieces of memory", MAX_REGIONS);
	r->regions[r->nregions++] = (struct region){ .addr = addr, .size = size, .mapped = mapped };
	return true;
}

/* A new anonymous mapping of @words words in the footprint of @r; NULL on failure. */
static uint64_t *run_alloc(struct run *r, uint64_t words, const char *what)
{
	uint64_t size = (words * sizeof(uint64_t) + PAGE_BYTES - 1) & ~(PAGE_BYTES - 1);
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		run_fail(r, "mmap of %s (%llu KiB): %s", what, (unsigned long long)(size >> 10),
			 strerror(errno));
		return NULL;
	}
	if (!run_add_region(r, p, size, true)) {
		munmap(p, size);
		return NULL;
	}
	return p;
}

/* Host memory for the expected results (not in the footprint); NULL on failure. */
static uint64_t *host_alloc(struct run *r, uint64_t words)
{
	uint64_t *p = calloc(words ? words : 1, sizeof(uint64_t));

	if (!p)
		run_fail(r, "out of memory for %llu host words", (unsigned long long)words);
	return p;
}

/* Bytes of the footprint of @r. */
static uint64_t run_bytes(const struct run *r)
{
	uint64_t bytes = 0;
	unsigned int i;

	for (i = 0; i < r->nregions; i++)
		bytes += r->regions[i].size;
	return bytes;
}

/* ---- GPU work ------------------------------------------------------------ */

/* The vsvm module's job timeout in ms, or -1 when it cannot be read. */
static long job_timeout_ms(void)
{
	FILE *f = fopen(JOB_TIMEOUT_PARAM, "r");
	long ms = -1;

	if (f) {
		if (fscanf(f, "%ld", &ms) != 1)
			ms = -1;
		fclose(f);
	}
	return ms;
}

/* One dispatch of @kernel with arguments @a0..@a3 on the queue of @r, waited for. */
static bool gpu_run(struct run *r, uint32_t kernel, uint64_t grid, uint64_t a0, uint64_t a1,
		    uint64_t a2, uint64_t a3)
{
	const uint64_t args[VSVM_DISPATCH_ARGS] = { a0, a1, a2, a3 };
	const char *name = vsvm_kernel_name(kernel);
	struct drm_vsvm_queue_status st;
	int ret;

	ret = vsvm_dispatch_sync(r->g->fd, r->queue, kernel, grid, args, DISPATCH_TIMEOUT_NS);
	if (!ret)
		return true;
	if (ret == -ETIME)
		return run_fail(r, "%s dispatch of %llu items: past the job timeout (%s = %ld)",
				name, (unsigned long long)grid, JOB_TIMEOUT_PARAM,
				job_timeout_ms());
	if (!vsvm_queue_status(r->g->fd, r->queue, &st) && st.state == VSVM_QUEUE_STATE_FAULTED)
		return run_fail(r, "%s dispatch of %llu items: %s (fault at %#llx, access %#x)",
				name, (unsigned long long)grid, strerror(-ret),
				(unsigned long long)st.fault_va, st.fault_access);
	return run_fail(r, "%s dispatch of %llu items: %s", name, (unsigned long long)grid,
			strerror(-ret));
}

/*
 * CHECKSUM, or VERIFY against @seed + i * @step, of the @n words at @src;
 * *@result = the checksum, or the number of words that differ.
 */
static bool gpu_reduce(struct run *r, uint32_t kernel, const uint64_t *src, uint64_t n,
		       uint64_t seed, uint64_t step, uint64_t *result)
{
	uint64_t *slot = &r->g->slots[0];
	bool ok;

	*slot = UNWRITTEN;
	if (kernel == VSVM_KERNEL_VERIFY)
		ok = gpu_run(r, kernel, n, va(src), seed, step, va(slot));
	else
		ok = gpu_run(r, kernel, n, va(src), va(slot), 0, 0);
	if (!ok)
		return false;
	*result = *slot;
	return true;
}

/* Prefetch the footprint of @r to @location. */
static bool run_prefetch(struct run *r, uint32_t location)
{
	const char *to = location == VSVM_SVM_LOCATION_SYSMEM ? "system RAM" : "the GPU";
	const struct region *reg;
	unsigned int i;
	int ret;

	for (i = 0; i < r->nregions; i++) {
		reg = &r->regions[i];
		ret = vsvm_svm_prefetch(r->g->fd, reg->addr, reg->size, location, 0, 0);
		if (ret)
			return run_fail(r, "prefetch of %llu KiB at %p to %s: %s",
					(unsigned long long)(reg->size >> 10), reg->addr, to,
					strerror(-ret));
	}
	return true;
}

/* In explicit mode, prefetch the footprint to the GPU. */
static bool explicit_prefetch(struct run *r)
{
	return r->mode != MODE_EXPLICIT || run_prefetch(r, r->g->info.gpu_id);
}

/* Set the attributes of the mode on the footprint of @r. */
static bool run_advise(struct run *r)
{
	struct drm_vsvm_svm_attr attrs[3] = {
		{ .type = VSVM_SVM_ATTR_PREFERRED_LOC, .value = r->g->info.gpu_id },
	};
	unsigned int i, n = 1;
	int ret;

	if (r->mode != MODE_EXPLICIT)
		attrs[n++] = (struct drm_vsvm_svm_attr){
			.type = VSVM_SVM_ATTR_GRANULARITY,
			.value = r->mode == MODE_ON ? 9 : 0,
		};
	if (r->w->svm_flags)
		attrs[n++] = (struct drm_vsvm_svm_attr){
			.type = VSVM_SVM_ATTR_SET_FLAGS,
			.value = r->w->svm_flags,
		};
	for (i = 0; i < r->nregions; i++) {
		ret = vsvm_svm_set_attr(r->g->fd, r->regions[i].addr, r->regions[i].size, attrs, n);
		if (ret)
			return run_fail(r, "setting the attributes of %llu KiB at %p: %s",
					(unsigned long long)(r->regions[i].size >> 10),
					r->regions[i].addr, strerror(-ret));
	}
	return true;
}

/* ---- W1 seq-touch, W3 random-unique --------------------------------------- */

/*
 * One GATHER reads one word of every page of data: idx[i] is the first word
 * of page i (W1) or of page perm[i] for a random permutation perm (W3), and
 * dst[i] receives it. Every page of data is touched exactly once; idx and
 * dst (1/512 of data each) are read and written sequentially. The CPU
 * writes the word read of each page (which puts the page in system RAM).
 */
static bool touch_setup(struct run *r, bool random)
{
	struct touch_state *t = &r->s.touch;
	uint64_t i, rng = 1;

	t->pages = r->footprint / (PAGE_BYTES + 2 * sizeof(uint64_t)) ?: 1;
	t->data = run_alloc(r, t->pages * PAGE_WORDS, "data");
	t->idx = t->data ? run_alloc(r, t->pages, "indexes") : NULL;
	t->dst = t->idx ? run_alloc(r, t->pages, "destination") : NULL;
	t->want = t->dst ? host_alloc(r, t->pages) : NULL;
	if (!t->want)
		return false;
	for (i = 0; i < t->pages; i++)
		t->idx[i] = i;
	if (random)
		shuffle(t->idx, t->pages, &rng);
	for (i = 0; i < t->pages; i++) {
		t->data[i * PAGE_WORDS] = pattern(1, i);
		t->want[i] = pattern(1, t->idx[i]);
		t->idx[i] *= PAGE_WORDS;
		t->dst[i] = UNWRITTEN;
	}
	return true;
}

static bool seq_setup(struct run *r)
{
	return touch_setup(r, false);
}

static bool random_setup(struct run *r)
{
	return touch_setup(r, true);
}

static bool touch_gpu(struct run *r)
{
	struct touch_state *t = &r->s.touch;

	return gpu_run(r, VSVM_KERNEL_GATHER, t->pages, va(t->dst), va(t->data), va(t->idx), 0);
}

static bool touch_check(struct run *r)
{
	struct touch_state *t = &r->s.touch;
	uint64_t i;

	for (i = 0; i < t->pages; i++)
		if (t->dst[i] != t->want[i])
			return run_fail(r, "dst[%llu] = %#llx, expected %#llx",
					(unsigned long long)i, (unsigned long long)t->dst[i],
					(unsigned long long)t->want[i]);
	return true;
}

static void touch_teardown(struct run *r)
{
	free(r->s.touch.want);
}

/* ---- W2 stream-triad ----------------------------------------------------- */

/* a = b + TRIAD_SCALE * c over three arrays of a third of the footprint each. */
static bool triad_setup(struct run *r)
{
	struct triad_state *t = &r->s.triad;
	uint64_t i;

	t->n = r->footprint / (3 * sizeof(uint64_t)) / PAGE_WORDS * PAGE_WORDS ?: PAGE_WORDS;
	t->a = run_alloc(r, t->n, "a");
	t->b = t->a ? run_alloc(r, t->n, "b") : NULL;
	t->c = t->b ? run_alloc(r, t->n, "c") : NULL;
	if (!t->c)
		return false;
	for (i = 0; i < t->n; i++) {
		t->a[i] = UNWRITTEN;
		t->b[i] = pattern(2, i);
		t->c[i] = pattern(3, i);
	}
	return true;
}

static bool triad_gpu(struct run *r)
{
	struct triad_state *t = &r->s.triad;

	return gpu_run(r, VSVM_KERNEL_TRIAD, t->n, va(t->a), va(t->b), va(t->c), TRIAD_SCALE);
}

static bool triad_check(struct run *r)
{
	struct triad_state *t = &r->s.triad;
	uint64_t i, want;

	for (i = 0; i < t->n; i++) {
		want = pattern(2, i) + TRIAD_SCALE * pattern(3, i);
		if (t->a[i] != want)
			return run_fail(r, "a[%llu] = %#llx, expected %#llx", (unsigned long long)i,
					(unsigned long long)t->a[i], (unsigned long long)want);
	}
	return true;
}

/* ---- W4 random-4k -------------------------------------------------------- */

/*
 * GUPS-like: GUPS_PASSES passes of random read-modify-write updates of a
 * table, as many per pass as the table has pages, at words drawn uniformly
 * (so a page gets 0, 1 or several updates in a pass). A pass is a GATHER of
 * the words into tmp, a TRIAD tmp = tmp + GUPS_SCALE * val and a SCATTER of
 * tmp back: no atomics, so the words of a pass are distinct (drawn again on
 * a repeat) and no update can be lost.
 */
static bool gups_setup(struct run *r)
{
	struct gups_state *t = &r->s.gups;
	uint64_t i, p, w, *bits, rng = 4;

	/* the table, then per pass idx and val, and tmp: 1 + (2P + 1) / 512 table sizes */
	t->words = r->footprint / sizeof(uint64_t) * PAGE_WORDS;
	t->words /= PAGE_WORDS + 2 * GUPS_PASSES + 1;
	t->words = t->words / PAGE_WORDS * PAGE_WORDS ?: PAGE_WORDS;
	t->updates = t->words / PAGE_WORDS;
	t->table = run_alloc(r, t->words, "table");
	t->idx = t->table ? run_alloc(r, GUPS_PASSES * t->updates, "indexes") : NULL;
	t->val = t->idx ? run_alloc(r, GUPS_PASSES * t->updates, "values") : NULL;
	t->tmp = t->val ? run_alloc(r, t->updates, "tmp") : NULL;
	bits = t->tmp ? host_alloc(r, t->words / 64) : NULL;
	if (!bits)
		return false;
	for (w = 0; w < t->words; w++)
		t->table[w] = pattern(4, w);
	for (p = 0; p < GUPS_PASSES; p++) {
		memset(bits, 0, t->words / 8);
		for (i = 0; i < t->updates; i++) {
			do
				w = rng_below(&rng, t->words);
			while (bits[w / 64] & (1ULL << (w % 64)));
			bits[w / 64] |= 1ULL << (w % 64);
			t->idx[p * t->updates + i] = w;
			t->val[p * t->updates + i] = rng_next(&rng);
		}
	}
	memset(t->tmp, 0, t->updates * sizeof(uint64_t));
	free(bits);
	return true;
}

static bool gups_gpu(struct run *r)
{
	struct gups_state *t = &r->s.gups;
	uint64_t p, idx, val;

	for (p = 0; p < GUPS_PASSES; p++) {
		idx = va(t->idx + p * t->updates);
		val = va(t->val + p * t->updates);
		if (!gpu_run(r, VSVM_KERNEL_GATHER, t->updates, va(t->tmp), va(t->table), idx, 0) ||
		    !gpu_run(r, VSVM_KERNEL_TRIAD, t->updates, va(t->tmp), va(t->tmp), val,
			     GUPS_SCALE) ||
		    !gpu_run(r, VSVM_KERNEL_SCATTER, t->updates, va(t->table), va(t->tmp), idx, 0))
			return false;
	}
	return true;
}

/* Undo every update on the CPU: the table must be back to its pattern. */
static bool gups_check(struct run *r)
{
	struct gups_state *t = &r->s.gups;
	uint64_t i, w;

	for (i = 0; i < GUPS_PASSES * t->updates; i++)
		t->table[t->idx[i]] -= GUPS_SCALE * t->val[i];
	for (w = 0; w < t->words; w++)
		if (t->table[w] != pattern(4, w))
			return run_fail(r, "table[%llu] is off by %#llx after undoing the updates",
					(unsigned long long)w,
					(unsigned long long)(t->table[w] - pattern(4, w)));
	return true;
}

/* ---- W5 pointer-chase ---------------------------------------------------- */

/*
 * One node {next, value} at the start of every page, linked in the order of
 * a random permutation of the pages: POINTER_CHASE (one wave, every load
 * depends on the one before) walks the chain, CHASE_STEPS nodes per
 * dispatch, each dispatch starting where the previous one stopped.
 */
static bool chase_setup(struct run *r)
{
	struct chase_state *t = &r->s.chase;
	uint64_t k, *perm, *node, rng = 5;

	t->pages = r->footprint / PAGE_BYTES ?: 1;
	t->segments = (t->pages + CHASE_STEPS - 1) / CHASE_STEPS;
	if (t->segments > NUM_SLOTS)
		return run_fail(r, "%llu nodes are too many", (unsigned long long)t->pages);
	t->nodes = run_alloc(r, t->pages * PAGE_WORDS, "nodes");
	t->heads = t->nodes ? host_alloc(r, t->segments) : NULL;
	t->sums = t->heads ? host_alloc(r, t->segments) : NULL;
	perm = t->sums ? host_alloc(r, t->pages) : NULL;
	if (!perm)
		return false;
	for (k = 0; k < t->pages; k++)
		perm[k] = k;
	shuffle(perm, t->pages, &rng);
	for (k = 0; k < t->pages; k++) {
		node = t->nodes + perm[k] * PAGE_WORDS;
		node[0] = k + 1 < t->pages ? va(t->nodes + perm[k + 1] * PAGE_WORDS) : 0;
		node[1] = pattern(5, k);
		t->sums[k / CHASE_STEPS] += node[1];
		if (k % CHASE_STEPS == 0)
			t->heads[k / CHASE_STEPS] = va(node);
	}
	free(perm);
	return true;
}

static bool chase_gpu(struct run *r)
{
	struct chase_state *t = &r->s.chase;
	uint64_t *slots = r->g->slots, k;

	for (k = 0; k < t->segments; k++) {
		slots[k] = UNWRITTEN;
		if (!gpu_run(r, VSVM_KERNEL_POINTER_CHASE, 1, t->heads[k], CHASE_STEPS,
			     va(&slots[k]), 0))
			return false;
	}
	return true;
}

static bool chase_check(struct run *r)
{
	struct chase_state *t = &r->s.chase;
	uint64_t k;

	for (k = 0; k < t->segments; k++)
		if (r->g->slots[k] != t->sums[k])
			return run_fail(r, "segment %llu: sum %#llx, expected %#llx",
					(unsigned long long)k, (unsigned long long)r->g->slots[k],
					(unsigned long long)t->sums[k]);
	return true;
}

static void chase_teardown(struct run *r)
{
	free(r->s.chase.heads);
	free(r->s.chase.sums);
}

/* ---- W6 stencil ---------------------------------------------------------- */

/*
 * A 5-point stencil on a grid of rows x STENCIL_COLS words (row-major),
 * iterated STENCIL_ITERS times, ping-ponging between two grids. The first
 * and last rows are a fixed boundary; an iteration updates the rows between
 * them as four TRIAD sweeps over views of the grids shifted by a row or a
 * word (L = the inner rows' words, C = STENCIL_COLS):
 *   out[C..] = in[0..] + in[2C..]          (up + down)
 *   out[C..] = out[C..] + in[C-1..]        (+ left)
 *   out[C..] = out[C..] + in[C+1..]        (+ right)
 *   out[C..] = in[C..] + STENCIL_SCALE * out[C..]
 * Being flat views, the left neighbour of a row's first word is the last
 * word of the row above (and the right one of its last word the first of
 * the row below): the access pattern of the 2D stencil on a grid whose
 * sides wrap with a shift of one row. The CPU checks the final grid against
 * the same computation of its own (made once per grid size).
 */
static struct {
	uint64_t rows;
	uint64_t *grid;
} stencil_ref;

/* a[i] = b[i] + s * c[i] for i < @n, as the TRIAD kernel computes it. */
static void host_triad(uint64_t *a, const uint64_t *b, const uint64_t *c, uint64_t s, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		a[i] = b[i] + s * c[i];
}

static void stencil_init(uint64_t *grid, uint64_t rows)
{
	uint64_t i;

	for (i = 0; i < rows * STENCIL_COLS; i++)
		grid[i] = pattern(6, i);
}

/* The grid after STENCIL_ITERS iterations on the CPU, into stencil_ref. */
static bool stencil_reference(struct run *r, uint64_t rows)
{
	uint64_t words = rows * STENCIL_COLS, inner = (rows - 2) * STENCIL_COLS, *in, *out, *t;
	const uint64_t c = STENCIL_COLS;
	int it;

	if (stencil_ref.rows == rows)
		return true;
	free(stencil_ref.grid);
	stencil_ref.rows = 0;
	in = host_alloc(r, words);
	out = in ? host_alloc(r, words) : NULL;
	if (!out) {
		free(in);
		return false;
	}
	stencil_init(in, rows);
	memcpy(out, in, words * sizeof(uint64_t));
	for (it = 0; it < STENCIL_ITERS; it++) {
		host_triad(out + c, in, in + 2 * c, 1, inner);
		host_triad(out + c, out + c, in + c - 1, 1, inner);
		host_triad(out + c, out + c, in + c + 1, 1, inner);
		host_triad(out + c, in + c, out + c, STENCIL_SCALE, inner);
		t = in;
		in = out;
		out = t;
	}
	free(out);
	stencil_ref.rows = rows;
	stencil_ref.grid = in;
	return true;
}

static bool stencil_setup(struct run *r)
{
	struct stencil_state *t = &r->s.stencil;
	uint64_t words;

	t->rows = r->footprint / (2 * STENCIL_COLS * sizeof(uint64_t));
	if (t->rows < 3)
		t->rows = 3;
	words = t->rows * STENCIL_COLS;
	t->grid[0] = run_alloc(r, words, "grid 0");
	t->grid[1] = t->grid[0] ? run_alloc(r, words, "grid 1") : NULL;
	if (!t->grid[1] || !stencil_reference(r, t->rows))
		return false;
	stencil_init(t->grid[0], t->rows);
	memcpy(t->grid[1], t->grid[0], words * sizeof(uint64_t));
	return true;
}

/* out = b + s * c over the inner rows' words. */
static bool stencil_sweep(struct run *r, uint64_t *out, const uint64_t *b, const uint64_t *c,
			  uint64_t s)
{
	uint64_t inner = (r->s.stencil.rows - 2) * STENCIL_COLS;

	return gpu_run(r, VSVM_KERNEL_TRIAD, inner, va(out), va(b), va(c), s);
}

static bool stencil_gpu(struct run *r)
{
	struct stencil_state *t = &r->s.stencil;
	const uint64_t c = STENCIL_COLS;
	uint64_t *in, *out;
	int it;

	for (it = 0; it < STENCIL_ITERS; it++) {
		in = t->grid[it % 2];
		out = t->grid[1 - it % 2];
		if (!stencil_sweep(r, out + c, in, in + 2 * c, 1) ||
		    !stencil_sweep(r, out + c, out + c, in + c - 1, 1) ||
		    !stencil_sweep(r, out + c, out + c, in + c + 1, 1) ||
		    !stencil_sweep(r, out + c, in + c, out + c, STENCIL_SCALE))
			return false;
	}
	return true;
}

static bool stencil_check(struct run *r)
{
	struct stencil_state *t = &r->s.stencil;
	const uint64_t *grid = t->grid[STENCIL_ITERS % 2];
	uint64_t i;

	for (i = 0; i < t->rows * STENCIL_COLS; i++)
		if (grid[i] != stencil_ref.grid[i])
			return run_fail(r, "grid word %llu (row %llu) = %#llx, expected %#llx",
					(unsigned long long)i,
					(unsigned long long)(i / STENCIL_COLS),
					(unsigned long long)grid[i],
					(unsigned long long)stencil_ref.grid[i]);
	return true;
}

/* ---- W7 bfs -------------------------------------------------------------- */

/*
 * Breadth-first search of a random directed graph: vertex v has a degree
 * drawn uniformly from [0, 2 * BFS_DEGREE] and as many neighbours drawn
 * uniformly; its adjacency list {count, dst[count]} is a malloc() of its own
 * (no list for degree 0). The search starts from the first vertex with a
 * list. adj[] holds the lists'
 * addresses; the footprint is adj, level and the heap pages of the lists.
 * One BFS_LEVEL dispatch per depth until one reports no new vertex. The CPU
 * checks every level against its own BFS (made once per graph size: the
 * graph is the same for every run) and each dispatch's count against the
 * vertices found at its depth.
 */
static struct {
	uint64_t n;
	uint64_t *level;
} bfs_ref;

/* The CPU's BFS of the graph in @t, into bfs_ref. */
static bool bfs_reference(struct run *r, const struct bfs_state *t)
{
	uint64_t head = 0, tail = 0, v, e, u, *queue, *level;
	const uint64_t *list;

	if (bfs_ref.n == t->n)
		return true;
	free(bfs_ref.level);
	bfs_ref.n = 0;
	queue = host_alloc(r, t->n);
	level = queue ? host_alloc(r, t->n) : NULL;
	if (!level) {
		free(queue);
		return false;
	}
	for (v = 0; v < t->n; v++)
		level[v] = VSVM_BFS_UNREACHED;
	level[t->source] = 0;
	queue[tail++] = t->source;
	while (head < tail) {
		v = queue[head++];
		list = (const uint64_t *)(uintptr_t)t->adj[v];
		for (e = 0; list && e < list[0]; e++) {
			u = list[1 + e];
			if (level[u] == VSVM_BFS_UNREACHED) {
				level[u] = level[v] + 1;
				queue[tail++] = u;
			}
		}
	}
	free(queue);
	bfs_ref.n = t->n;
	bfs_ref.level = level;
	return true;
}

/*
 * Add the heap pages of the adjacency lists to the footprint: the pages of
 * consecutive lists merge into one region as long as they touch.
 */
static bool bfs_regions(struct run *r)
{
	struct bfs_state *t = &r->s.bfs;
	uintptr_t start = 0, end = 0, a, b;
	const uint64_t *list;
	uint64_t v;

	for (v = 0; v < t->n; v++) {
		list = (const uint64_t *)(uintptr_t)t->adj[v];
		if (!list)
			continue;
		a = (uintptr_t)list & ~(PAGE_BYTES - 1);
		b = ((uintptr_t)(list + 1 + list[0]) + PAGE_BYTES - 1) & ~(PAGE_BYTES - 1);
		if (end && a <= end && b >= start) {
			start = a < start ? a : start;
			end = b > end ? b : end;
			continue;
		}
		if (end && !run_add_region(r, (void *)start, end - start, false))
			return false;
		start = a;
		end = b;
	}
	return !end || run_add_region(r, (void *)start, end - start, false);
}

static bool bfs_setup(struct run *r)
{
	struct bfs_state *t = &r->s.bfs;
	uint64_t v, e, deg, *list, rng = 7;

	/* adj, level, a list of 1 + BFS_DEGREE words and malloc's 16 bytes per vertex */
	t->n = r->footprint / ((3 + BFS_DEGREE) * sizeof(uint64_t) + 16);
	if (t->n < 2)
		t->n = 2;
	t->adj = run_alloc(r, t->n, "adjacency pointers");
	t->level = t->adj ? run_alloc(r, t->n, "levels") : NULL;
	if (!t->level)
		return false;
	for (v = 0; v < t->n; v++) {
		deg = rng_below(&rng, 2 * BFS_DEGREE + 1);
		if (!deg)
			continue;
		list = malloc((1 + deg) * sizeof(uint64_t));
		if (!list)
			return run_fail(r, "out of memory for adjacency list %llu",
					(unsigned long long)v);
		list[0] = deg;
		for (e = 0; e < deg; e++)
			list[1 + e] = rng_below(&rng, t->n);
		t->adj[v] = va(list);
	}
	for (v = t->n; v-- > 0;) {
		t->level[v] = VSVM_BFS_UNREACHED;
		if (t->adj[v])
			t->source = v;
	}
	t->level[t->source] = 0;
	return bfs_regions(r) && bfs_reference(r, t);
}

static bool bfs_gpu(struct run *r)
{
	struct bfs_state *t = &r->s.bfs;
	uint64_t *slot = &r->g->slots[0], depth;

	for (depth = 0; depth < BFS_MAX_DEPTHS; depth++) {
		*slot = UNWRITTEN;
		if (!gpu_run(r, VSVM_KERNEL_BFS_LEVEL, t->n, va(t->adj), va(t->level), depth,
			     va(slot)))
			return false;
		t->outs[depth] = *slot;
		if (!*slot) {
			t->depths = depth + 1;
			return true;
		}
	}
	return run_fail(r, "no end after %d levels", BFS_MAX_DEPTHS);
}

static bool bfs_check(struct run *r)
{
	struct bfs_state *t = &r->s.bfs;
	uint64_t found[BFS_MAX_DEPTHS + 1] = { 0 }, v, d, last = 0;

	for (v = 0; v < t->n; v++) {
		if (t->level[v] != bfs_ref.level[v])
			return run_fail(r, "vertex %llu at depth %lld, expected %lld",
					(unsigned long long)v, (long long)t->level[v],
					(long long)bfs_ref.level[v]);
		if (bfs_ref.level[v] == VSVM_BFS_UNREACHED)
			continue;
		if (bfs_ref.level[v] > BFS_MAX_DEPTHS)
			return run_fail(r, "vertex %llu is deeper than %d", (unsigned long long)v,
					BFS_MAX_DEPTHS);
		found[bfs_ref.level[v]]++;
		if (bfs_ref.level[v] > last)
			last = bfs_ref.level[v];
	}
	if (t->depths != last + 1)
		return run_fail(r, "%llu dispatches, expected %llu (deepest vertex at %llu)",
				(unsigned long long)t->depths, (unsigned long long)(last + 1),
				(unsigned long long)last);
	for (d = 0; d < t->depths; d++)
		if (t->outs[d] < found[d + 1] || (!t->outs[d] != !found[d + 1]))
			return run_fail(r, "depth %llu: %llu levels written, %llu vertices found",
					(unsigned long long)d, (unsigned long long)t->outs[d],
					(unsigned long long)found[d + 1]);
	return true;
}

/* Free the lists and give the heap back to the kernel. */
static void bfs_teardown(struct run *r)
{
	struct bfs_state *t = &r->s.bfs;
	uint64_t v;

	for (v = 0; t->adj && v < t->n; v++)
		free((void *)(uintptr_t)t->adj[v]);
	malloc_trim(0);
}

/* ---- W8 ping-pong -------------------------------------------------------- */

/*
 * The CPU and the GPU take turns on one buffer, PINGPONG_ROUNDS rounds. The
 * CPU writes seed + i * PINGPONG_STEP into word i (its first turn is the
 * setup); the GPU checks that with VERIFY, then multiplies every word by
 * 1 + PINGPONG_SCALE (TRIAD buf = buf + PINGPONG_SCALE * buf); the CPU checks
 * every product and writes the next round's pattern.
 */
static uint64_t pingpong_seed(int round)
{
	return pattern(8, round);
}

static bool pingpong_setup(struct run *r)
{
	struct pingpong_state *t = &r->s.pingpong;
	uint64_t i;

	t->n = r->footprint / sizeof(uint64_t) / PAGE_WORDS * PAGE_WORDS ?: PAGE_WORDS;
	t->buf = run_alloc(r, t->n, "shared buffer");
	if (!t->buf)
		return false;
	for (i = 0; i < t->n; i++)
		t->buf[i] = pingpong_seed(0) + i * PINGPONG_STEP;
	return true;
}

/* The CPU's turn after round @round: check the GPU's products, write the next pattern. */
static bool pingpong_cpu(struct run *r, int round)
{
	struct pingpong_state *t = &r->s.pingpong;
	uint64_t i, want, next = pingpong_seed(round + 1);
	bool last = round + 1 == PINGPONG_ROUNDS;

	for (i = 0; i < t->n; i++) {
		want = (pingpong_seed(round) + i * PINGPONG_STEP) * (1 + PINGPONG_SCALE);
		if (t->buf[i] != want)
			return run_fail(r, "round %d: word %llu is %#llx, expected %#llx", round,
					(unsigned long long)i, (unsigned long long)t->buf[i],
					(unsigned long long)want);
		if (!last)
			t->buf[i] = next + i * PINGPONG_STEP;
	}
	return true;
}

static bool pingpong_gpu(struct run *r)
{
	struct pingpong_state *t = &r->s.pingpong;
	uint64_t bad;
	int round;

	for (round = 0; round < PINGPONG_ROUNDS; round++) {
		if ((round && !explicit_prefetch(r)) ||
		    !gpu_reduce(r, VSVM_KERNEL_VERIFY, t->buf, t->n, pingpong_seed(round),
				PINGPONG_STEP, &bad))
			return false;
		if (bad)
			return run_fail(r, "round %d: the GPU read %llu words not as written",
					round, (unsigned long long)bad);
		if (!gpu_run(r, VSVM_KERNEL_TRIAD, t->n, va(t->buf), va(t->buf), va(t->buf),
			     PINGPONG_SCALE) ||
		    !pingpong_cpu(r, round))
			return false;
	}
	return true;
}

/* ---- W9 read-mostly ------------------------------------------------------ */

/*
 * A table with VSVM_SVM_FLAG_GPU_READ_MOSTLY (in every mode) that the GPU
 * (CHECKSUM) and the CPU (a sum of every word) read in turn, MOSTLY_ROUNDS
 * times; both sums must be the one of the table's pattern.
 */
static bool mostly_setup(struct run *r)
{
	struct mostly_state *t = &r->s.mostly;
	uint64_t i;

	t->n = r->footprint / sizeof(uint64_t) / PAGE_WORDS * PAGE_WORDS ?: PAGE_WORDS;
	t->table = run_alloc(r, t->n, "table");
	if (!t->table)
		return false;
	t->sum = 0;
	for (i = 0; i < t->n; i++) {
		t->table[i] = pattern(9, i);
		t->sum += t->table[i];
	}
	return true;
}

static bool mostly_gpu(struct run *r)
{
	struct mostly_state *t = &r->s.mostly;
	uint64_t sum, i;
	int round;

	for (round = 0; round < MOSTLY_ROUNDS; round++) {
		if ((round && !explicit_prefetch(r)) ||
		    !gpu_reduce(r, VSVM_KERNEL_CHECKSUM, t->table, t->n, 0, 0, &sum))
			return false;
		if (sum != t->sum)
			return run_fail(r, "round %d: GPU checksum %#llx, expected %#llx", round,
					(unsigned long long)sum, (unsigned long long)t->sum);
		for (sum = 0, i = 0; i < t->n; i++)
			sum += t->table[i];
		if (sum != t->sum)
			return run_fail(r, "round %d: CPU sum %#llx, expected %#llx", round,
					(unsigned long long)sum, (unsigned long long)t->sum);
	}
	return true;
}

/* ---- the set ------------------------------------------------------------- */

static const struct workload workloads[] = {
	{ "W1", "seq-touch", "one word of every page, in page order (GATHER)",
	  0, seq_setup, touch_gpu, touch_check, touch_teardown },
	{ "W2", "stream-triad", "a = b + s * c over three arrays (TRIAD)",
	  0, triad_setup, triad_gpu, triad_check, NULL },
	{ "W3", "random-unique", "one word of every page, pages in random order (GATHER)",
	  0, random_setup, touch_gpu, touch_check, touch_teardown },
	{ "W4", "random-4k",
	  "GUPS: " STR(GUPS_PASSES) " passes of random read-modify-writes (GATHER, TRIAD, SCATTER)",
	  0, gups_setup, gups_gpu, gups_check, NULL },
	{ "W5", "pointer-chase", "a chain of one node per page in random order (POINTER_CHASE)",
	  0, chase_setup, chase_gpu, chase_check, chase_teardown },
	{ "W6", "stencil",
	  STR(STENCIL_ITERS) " iterations of a 2D 5-point stencil, two grids (TRIAD sweeps)",
	  0, stencil_setup, stencil_gpu, stencil_check, NULL },
	{ "W7", "bfs", "BFS of a random graph, malloc()ed adjacency lists (BFS_LEVEL)",
	  0, bfs_setup, bfs_gpu, bfs_check, bfs_teardown },
	{ "W8", "ping-pong",
	  "CPU and GPU write a buffer in turn, " STR(PINGPONG_ROUNDS) " rounds (VERIFY, TRIAD)",
	  0, pingpong_setup, pingpong_gpu, NULL, NULL },
	{ "W9", "read-mostly",
	  "GPU and CPU read a GPU_READ_MOSTLY table in turn, " STR(MOSTLY_ROUNDS)
	  " rounds (CHECKSUM)",
	  VSVM_SVM_FLAG_GPU_READ_MOSTLY, mostly_setup, mostly_gpu, NULL, NULL },
};

/* ---- runs ---------------------------------------------------------------- */

/* Free the workload's memory and unmap the run's mappings. */
static void run_teardown(struct run *r)
{
	unsigned int i;

	if (r->w->teardown)
		r->w->teardown(r);
	for (i = 0; i < r->nregions; i++)
		if (r->regions[i].mapped)
			munmap(r->regions[i].addr, r->regions[i].size);
	r->nregions = 0;
}

static bool run_counters(struct run *r, struct drm_vsvm_svm_counters *c)
{
	int ret = vsvm_svm_counters(r->g->fd, 0, 0, c);

	return ret ? run_fail(r, "reading the SVM counters: %s", strerror(-ret)) : true;
}

/*
 * One run: setup, attributes, the timed GPU part between two counter
 * snapshots, the footprint back to system RAM, the check. Fills run @k of
 * @res; false when something failed.
 */
static bool run_once(struct run *r, struct result *res, int k)
{
	struct drm_vsvm_svm_counters before, after;
	bool ok;
	size_t i;
	int64_t t;
	int ret;

	ret = vsvm_queue_create(r->g->fd, 0, &r->queue);
	if (ret)
		return run_fail(r, "creating a queue: %s", strerror(-ret));
	ok = r->w->setup(r) && run_advise(r) && run_counters(r, &before);
	if (ok) {
		res->bytes = run_bytes(r);
		t = vsvm_now_ns();
		ok = explicit_prefetch(r) && r->w->gpu(r);
		res->ns[k] = vsvm_now_ns() - t;
		ok = ok && run_counters(r, &after);
	}
	if (ok) {
		for (i = 0; i < NUM_COUNTERS; i++)
			res->delta[k][i] = *(uint64_t *)((char *)&after + counters[i].offset) -
					   *(uint64_t *)((char *)&before + counters[i].offset);
		ok = run_prefetch(r, VSVM_SVM_LOCATION_SYSMEM) && (!r->w->check || r->w->check(r));
	}
	run_teardown(r);
	vsvm_queue_destroy(r->g->fd, r->queue);
	return ok;
}

/* Run @w in mode @m @reps times into @res. */
static void run_workload(struct gpu *g, const struct workload *w, enum mode m,
			 uint64_t footprint, int reps, struct result *res)
{
	static struct run r;

	for (res->runs = 0; res->runs < reps; res->runs++) {
		memset(&r, 0, sizeof(r));
		r.g = g;
		r.w = w;
		r.mode = m;
		r.footprint = footprint;
		if (!run_once(&r, res, res->runs)) {
			res->failed = true;
			snprintf(res->msg, sizeof(res->msg), "%s", r.msg);
			return;
		}
	}
}

/* ---- output -------------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/**
 * struct figures - what the table and the CSV say about a result
 * @med: median time, ms
 * @lo: shortest, ms
 * @hi: longest, ms
 * @counter: median of each counter delta
 */
struct figures {
	double med, lo, hi;
	uint64_t counter[NUM_COUNTERS];
};

/* The figures of @res; false when it has none (it failed). */
static bool result_figures(const struct result *res, struct figures *f)
{
	int64_t ns[MAX_REPS];
	uint64_t v[MAX_REPS];
	int n = res->runs, k;
	size_t i;

	if (res->failed || !n)
		return false;
	memcpy(ns, res->ns, n * sizeof(ns[0]));
	qsort(ns, n, sizeof(ns[0]), cmp_i64);
	f->med = (n % 2 ? ns[n / 2] : (ns[n / 2 - 1] + ns[n / 2]) / 2.0) / 1e6;
	f->lo = ns[0] / 1e6;
	f->hi = ns[n - 1] / 1e6;
	for (i = 0; i < NUM_COUNTERS; i++) {
		for (k = 0; k < n; k++)
			v[k] = res->delta[k][i];
		qsort(v, n, sizeof(v[0]), cmp_u64);
		f->counter[i] = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	}
	return true;
}

static void print_header(void)
{
	size_t i;

	printf("%-17s %-8s %7s %4s %10s %10s %10s", "workload", "mode", "MiB", "reps", "time_ms",
	       "min_ms", "max_ms");
	for (i = 0; i < NUM_COUNTERS; i++)
		printf(" %9s", counters[i].head);
	printf("  status\n");
}

static void print_row(const struct workload *w, enum mode m, const struct result *res)
{
	char label[32];
	struct figures f;
	size_t i;

	snprintf(label, sizeof(label), "%s %s", w->id, w->name);
	printf("%-17s %-8s %7.1f %4d", label, mode_names[m], (double)res->bytes / MIB, res->runs);
	if (!result_figures(res, &f)) {
		printf("  error: %s\n", res->msg);
		return;
	}
	printf(" %10.2f %10.2f %10.2f", f.med, f.lo, f.hi);
	for (i = 0; i < NUM_COUNTERS; i++)
		printf(" %9llu", (unsigned long long)f.counter[i]);
	printf("  ok\n");
}

/* Write the CSV of the selected results; 0 or -errno. */
static int write_csv(const struct opts *o, struct result res[][NUM_MODES])
{
	struct figures f;
	size_t w, i;
	FILE *out;
	int m;

	out = fopen(o->csv, "w");
	if (!out)
		return -errno;
	fprintf(out, "workload,mode,footprint_mib,reps,time_ms_median,time_ms_min,time_ms_max");
	for (i = 0; i < NUM_COUNTERS; i++)
		fprintf(out, ",%s", counters[i].name);
	fprintf(out, ",status\n");
	for (w = 0; w < ARRAY_SIZE(workloads); w++) {
		for (m = 0; m < NUM_MODES; m++) {
			if (!(o->only & BIT(w)) || !(o->modes & BIT(m)))
				continue;
			fprintf(out, "%s,%s,%.1f,%d,", workloads[w].name, mode_names[m],
				(double)res[w][m].bytes / MIB, res[w][m].runs);
			if (result_figures(&res[w][m], &f)) {
				fprintf(out, "%.3f,%.3f,%.3f", f.med, f.lo, f.hi);
				for (i = 0; i < NUM_COUNTERS; i++)
					fprintf(out, ",%llu", (unsigned long long)f.counter[i]);
				fprintf(out, ",ok\n");
			} else {
				fprintf(out, ",,");
				for (i = 0; i < NUM_COUNTERS; i++)
					fputc(',', out);
				fprintf(out, ",error\n");
			}
		}
	}
	return fclose(out) ? -errno : 0;
}

/* ---- the GPU ------------------------------------------------------------- */

/* Open GPU @index and map the result slots on it; false after saying why not. */
static bool gpu_open(struct gpu *g, int index)
{
	char paths[VSVM_MAX_DEVICES][VSVM_PATH_MAX];
	uint64_t args[VSVM_DISPATCH_ARGS] = { 0 };
	uint32_t queue;
	int n, ret;

	n = vsvm_enumerate(paths, VSVM_MAX_DEVICES);
	if (n < 0) {
		fprintf(stderr, "vsvm-workloads: cannot enumerate DRM devices: %s\n", strerror(-n));
		return false;
	}
	if (index >= n || index >= VSVM_MAX_DEVICES) {
		fprintf(stderr, "vsvm-workloads: no vsvm GPU %d (%d found; is vsvm loaded?)\n",
			index, n);
		return false;
	}
	g->index = index;
	snprintf(g->path, sizeof(g->path), "%s", paths[index]);
	g->fd = vsvm_open_path(g->path);
	if (g->fd < 0) {
		fprintf(stderr, "vsvm-workloads: %s: %s\n", g->path, strerror(-g->fd));
		return false;
	}
	ret = vsvm_query_device(g->fd, &g->info);
	if (ret) {
		fprintf(stderr, "vsvm-workloads: %s: device query: %s\n", g->path, strerror(-ret));
		return false;
	}
	if (!(g->info.capabilities & VSVM_CAP_SVM)) {
		fprintf(stderr, "vsvm-workloads: %s has no shared virtual memory\n", g->path);
		return false;
	}
	g->slots = mmap(NULL, NUM_SLOTS * sizeof(uint64_t), PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->slots == MAP_FAILED) {
		fprintf(stderr, "vsvm-workloads: mmap: %s\n", strerror(errno));
		return false;
	}
	/* map the slots on the GPU now: no run pays for their faults */
	memset(g->slots, 0xff, NUM_SLOTS * sizeof(uint64_t));
	args[0] = va(g->slots);
	ret = vsvm_queue_create(g->fd, 0, &queue);
	if (!ret) {
		ret = vsvm_dispatch_sync(g->fd, queue, VSVM_KERNEL_FILL, NUM_SLOTS, args,
					 DISPATCH_TIMEOUT_NS);
		vsvm_queue_destroy(g->fd, queue);
	}
	if (ret || g->slots[0] || g->slots[NUM_SLOTS - 1]) {
		fprintf(stderr, "vsvm-workloads: %s: the first dispatch failed: %s\n", g->path,
			ret ? strerror(-ret) : "wrong result");
		return false;
	}
	return true;
}

static void gpu_close(struct gpu *g)
{
	if (g->slots && g->slots != MAP_FAILED)
		munmap(g->slots, NUM_SLOTS * sizeof(uint64_t));
	if (g->fd >= 0)
		vsvm_close(g->fd);
}

/* ---- main ---------------------------------------------------------------- */

static void usage(FILE *out)
{
	size_t w;

	fprintf(out,
		"usage: vsvm-workloads [--gpu N] [--footprint PCT | --size MIB] [--reps N]\n"
		"                      [--quick] [--only NAME[,NAME..]] [--mode MODE[,MODE..]]\n"
		"                      [-o FILE.csv]\n"
		"  The workloads of the GPU unified-memory studies as dispatches on malloc()ed\n"
		"  and mmap()ed memory, each with migration on GPU faults without prefetch\n"
		"  (off: GRANULARITY 0, 4 KiB per fault), with the driver's prefetch (on:\n"
		"  GRANULARITY 9, 2 MiB per fault) and with an explicit prefetch of the\n"
		"  footprint to the GPU (explicit), PREFERRED_LOC the GPU in all three. For each\n"
		"  (workload, mode): the median, min and max time of the GPU part and the\n"
		"  medians of the SVM counter deltas; every result is checked on the CPU.\n"
		"  -g, --gpu N          index of the vsvm GPU (default 0)\n"
		"  -f, --footprint PCT  memory of a run, in %% of the GPU's VRAM (default %d)\n"
		"  -s, --size MIB       memory of a run, in MiB\n"
		"  -r, --reps N         runs per workload and mode (default 5, at most %d)\n"
		"  -q, --quick          smoke test: %llu MiB and 1 run (unless given otherwise)\n"
		"  -w, --only LIST      these workloads only (names or W1..W9)\n"
		"  -m, --mode LIST      these modes only: off, on, explicit\n"
		"  -o FILE              also write the results as CSV\n"
		"  -h, --help           this text\n"
		"Workloads:\n", DEFAULT_PCT, MAX_REPS, QUICK_BYTES / MIB);
	for (w = 0; w < ARRAY_SIZE(workloads); w++)
		fprintf(out, "  %-3s %-14s %s\n", workloads[w].id, workloads[w].name,
			workloads[w].what);
	fprintf(out, "Exit status: 0 when every run was correct, 1 when one failed, 2 on a usage\n"
		"error.\n");
}

/*
 * The mask of the workloads (names or ids) or of the modes named in the
 * comma-separated @list; 0 if one is unknown.
 */
static unsigned int parse_list(char *list, bool workload)
{
	unsigned int mask = 0, hit;
	size_t i, n = workload ? ARRAY_SIZE(workloads) : NUM_MODES;
	char *tok;
	bool same;

	/* strsep: an empty name (",bfs", "bfs,,stencil", "bfs,") matches nothing */
	while ((tok = strsep(&list, ","))) {
		hit = 0;
		for (i = 0; i < n; i++) {
			if (workload)
				same = !strcasecmp(tok, workloads[i].name) ||
				       !strcasecmp(tok, workloads[i].id);
			else
				same = !strcmp(tok, mode_names[i]);
			if (same)
				hit = BIT(i);
		}
		if (!hit)
			return 0;
		mask |= hit;
	}
	return mask;
}

/* Parse the command line into @o; 0, -1 after --help, or the exit status 2. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "gpu", required_argument, NULL, 'g' },
		{ "footprint", required_argument, NULL, 'f' },
		{ "size", required_argument, NULL, 's' },
		{ "reps", required_argument, NULL, 'r' },
		{ "quick", no_argument, NULL, 'q' },
		{ "only", required_argument, NULL, 'w' },
		{ "mode", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool bad = false;
	int opt;

	o->only = BIT(ARRAY_SIZE(workloads)) - 1;
	o->modes = BIT(NUM_MODES) - 1;
	while ((opt = getopt_long(argc, argv, "g:f:s:r:qw:m:o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'g':
			o->gpu = vsvm_parse_num(optarg, 0, VSVM_MAX_DEVICES - 1);
			bad |= o->gpu < 0;
			break;
		case 'f':
			o->pct = vsvm_parse_num(optarg, 1, 1000);
			bad |= o->pct < 0;
			break;
		case 's':
			o->mib = vsvm_parse_num(optarg, 1, 1 << 20);
			bad |= o->mib < 0;
			break;
		case 'r':
			o->reps = vsvm_parse_num(optarg, 1, MAX_REPS);
			bad |= o->reps < 0;
			break;
		case 'q':
			o->quick = true;
			break;
		case 'w':
			o->only = parse_list(optarg, true);
			bad |= !o->only;
			break;
		case 'm':
			o->modes = parse_list(optarg, false);
			bad |= !o->modes;
			break;
		case 'o':
			o->csv = optarg;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			bad = true;
		}
	}
	if (bad || optind != argc || (o->pct && o->mib)) {
		usage(stderr);
		return 2;
	}
	if (!o->reps)
		o->reps = o->quick ? 1 : 5;
	return 0;
}

/* The footprint of a run in bytes, from the options and the GPU's VRAM. */
static uint64_t footprint_bytes(const struct opts *o, const struct gpu *g)
{
	if (o->mib)
		return o->mib * MIB;
	if (o->quick && !o->pct)
		return QUICK_BYTES;
	return g->info.vram_size / 100 * (o->pct ? o->pct : DEFAULT_PCT);
}

static void print_intro(const struct opts *o, const struct gpu *g, uint64_t footprint)
{
	uint32_t caps = g->info.capabilities;

	printf("vsvm-workloads: GPU %d %s (gpu_id %u): %llu MiB VRAM, %u compute units, %s\n",
	       g->index, g->path, g->info.gpu_id, (unsigned long long)(g->info.vram_size / MIB),
	       g->info.num_compute_units,
	       !(caps & VSVM_CAP_SVM_VRAM) ? "no SVM VRAM (prefetches only map)" :
	       caps & VSVM_CAP_VRAM_COHERENT ? "coherent VRAM" : "device-private VRAM");
	printf("footprint %.1f MiB per run (%.0f %% of VRAM), %d runs per workload and mode\n",
	       (double)footprint / MIB, 100.0 * footprint / g->info.vram_size, o->reps);
	printf("modes: PREFERRED_LOC the GPU and off: GRANULARITY 0; on: GRANULARITY 9; %s\n",
	       "explicit: prefetch to the GPU (timed)");
	printf("time: GPU part of a run (median, min, max); counters: median deltas per run\n\n");
}

int main(int argc, char **argv)
{
	static struct result res[ARRAY_SIZE(workloads)][NUM_MODES];
	struct gpu g = { .fd = -1 };
	struct opts o = { 0 };
	uint64_t footprint;
	int ret, status = 0, m;
	size_t w;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret < 0 ? 0 : ret;
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* a fixed threshold: large host buffers never land among the BFS lists */
	mallopt(M_MMAP_THRESHOLD, HOST_MMAP_THRESHOLD);
	if (!gpu_open(&g, o.gpu)) {
		gpu_close(&g);
		return 1;
	}
	footprint = footprint_bytes(&o, &g);
	print_intro(&o, &g, footprint);
	print_header();
	for (w = 0; w < ARRAY_SIZE(workloads); w++) {
		for (m = 0; m < NUM_MODES; m++) {
			if (!(o.only & BIT(w)) || !(o.modes & BIT(m)))
				continue;
			run_workload(&g, &workloads[w], m, footprint, o.reps, &res[w][m]);
			print_row(&workloads[w], m, &res[w][m]);
			status |= res[w][m].failed;
		}
	}
	if (o.csv) {
		ret = write_csv(&o, res);
		if (ret) {
			fprintf(stderr, "vsvm-workloads: %s: %s\n", o.csv, strerror(-ret));
			status = 1;
		}
	}
	free(stencil_ref.grid);
	free(bfs_ref.level);
	gpu_close(&g);
	return status;
}
