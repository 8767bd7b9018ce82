// SPDX-License-Identifier: MIT
/*
 * vsvm-demo - shared virtual memory on two vsvm GPUs, told in plain words.
 *
 * Everything the GPUs touch comes from malloc: no buffer objects, no copies
 * made by the program. Four steps, each checked on the CPU and shown through
 * the process's SVM counters (changes per GPU) and a few decoded records of
 * the SVM event stream:
 *  1. the CPU builds a linked list in the heap and GPU 0 walks it in place;
 *  2. a buffer moves to GPU 0's VRAM when GPU 0 uses it, and back to system
 *     RAM when the CPU reads it;
 *  3. advice (preferred and prefetch location) moves it to GPU 1, where
 *     GPU 0 reads it over the peer link, then back to system RAM;
 *  4. a buffer larger than GPU 0's VRAM streams through GPU 0: older parts
 *     are evicted to make room, and every value stays right.
 * A sampler thread records every 10 ms each GPU's VRAM use and faults;
 * --timeline prints it as CSV for scripts/plot/demo-timeline.gp.
 *
 * Copyright 2026 The vsvm authors
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libvsvm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KIB (1ULL << 10)
#define MIB (1ULL << 20)
#define PAGE_BYTES 4096ULL
#define BLOCK_BYTES (2 * MIB)
#define NSEC_PER_MSEC 1000000LL
#define NSEC_PER_SEC 1000000000LL
/* Every dispatch of the demo ends well within this, even under emulation */
#define DISPATCH_TIMEOUT_NS (60 * NSEC_PER_SEC)
/* The demo uses the first two GPUs */
#define DEMO_GPUS 2
#define NUM_STEPS 4
#define SAMPLE_PERIOD_NS (10 * NSEC_PER_MSEC)
/* Timeline samples kept at most (hours at SAMPLE_PERIOD_NS) */
#define MAX_SAMPLES (1U << 20)
/* Event records read at once, and decoded lines printed per part of a step */
#define EVENT_BATCH 256
#define EVENT_LINES 4
/* Data patterns: value i of a buffer is PATTERN_SEED + i * PATTERN_STEP */
#define PATTERN_SEED 0x5eed000000ULL
#define PATTERN_STEP 7ULL
/* The streaming step dispatches this much of its buffer at a time */
#define STREAM_CHUNK (4 * MIB)

/**
 * struct sizes - how big the demo's data is
 * @nodes: nodes of the linked list of step 1
 * @buffer: bytes of the buffer of steps 2 and 3
 * @overcommit_pct: size of the buffer of step 4, in percent of GPU 0's VRAM
 */
struct sizes {
	unsigned int nodes;
	uint64_t buffer;
	unsigned int overcommit_pct;
};

static const struct sizes full_sizes = { 4096, 16 * MIB, 150 };
static const struct sizes quick_sizes = { 512, 4 * MIB, 125 };

/**
 * struct gpu - one vsvm GPU of the demo
 * @fd: its render node
 * @path: the render node's path
 * @info: what DRM_IOCTL_VSVM_QUERY_DEVICE says
 * @queue: the compute queue the demo dispatches on
 */
struct gpu {
	int fd;
	char path[VSVM_PATH_MAX];
	struct drm_vsvm_query_device info;
	uint32_t queue;
};

/**
 * struct sample - one point of the timeline
 * @t_ns: CLOCK_MONOTONIC time
 * @step: the step running (0 before the first)
 * @vram_pages: pages of the demo's process in each GPU's VRAM
 * @faults: GPU faults serviced on each GPU since the demo started
 * @label: the name of the step that starts here, NULL for a periodic sample
 */
struct sample {
	int64_t t_ns;
	int step;
	uint64_t vram_pages[DEMO_GPUS];
	uint64_t faults[DEMO_GPUS];
	const char *label;
};

/**
 * struct timeline - the samples of the sampler thread and of step starts
 * @thread: the sampler thread
 * @lock: guards every field below
 * @samples: @n samples in time order, room for @cap
 * @n: samples taken
 * @cap: room in @samples
 * @step: the step running, copied into each sample
 * @stop: tells the sampler thread to end
 * @error: a sample was lost (counters ioctl failed or no memory)
 */
struct timeline {
	pthread_t thread;
	pthread_mutex_t lock;
	struct sample *samples;
	size_t n, cap;
	int step;
	bool stop;
	bool error;
};

/**
 * struct event_stats - what a run of the event stream contained
 * @kinds: records per VSVM_EVENT_* kind
 * @fault_migrated: FAULT_END records with result VSVM_FAULT_MIGRATED
 * @peer_moves: MIGRATE_END records from one GPU's VRAM to another's
 * @dropped: records the ring had no room for
 */
struct event_stats {
	uint64_t kinds[VSVM_EVENT_KIND_MAX + 1];
	uint64_t fault_migrated;
	uint64_t peer_moves;
	uint64_t dropped;
};

/**
 * struct demo - the state of the whole demo
 * @gpu: the GPUs used, @ngpu of them
 * @ngpu: 1 or 2
 * @sizes: the data sizes (--quick or not)
 * @timeline_out: print the timeline CSV at the end (--timeline)
 * @efd: the events descriptor (every GPU, this process)
 * @t0: when the demo started
 * @base: the counters when the demo started
 * @step_base: the counters when the current step started
 * @step_t0: when the current step started
 * @step_ms: how long each step took
 * @tl: the timeline
 * @failed: a check failed or an operation went wrong
 */
struct demo {
	struct gpu gpu[DEMO_GPUS];
	int ngpu;
	struct sizes sizes;
	bool timeline_out;
	int efd;
	int64_t t0;
	struct drm_vsvm_svm_counters base[DEMO_GPUS];
	struct drm_vsvm_svm_counters step_base[DEMO_GPUS];
	int64_t step_t0;
	double step_ms[NUM_STEPS + 1];
	struct timeline tl;
	bool failed;
};

/* ---- small helpers --------------------------------------------------------- */

static double mib(uint64_t bytes)
{
	return (double)bytes / MIB;
}

static double pages_mib(uint64_t pages)
{
	return mib(pages * PAGE_BYTES);
}

/* A reproducible pseudo-random number (xorshift64). */
static uint64_t next_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* Print a checked fact, or a failed one and remember the failure. */
__attribute__((format(printf, 3, 4)))
static void check(struct demo *d, bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("  %s ", ok ? "[ok]" : "[FAILED]");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		d->failed = true;
}

/* Report an operation that went wrong (-errno @err) and remember the failure. */
static void failure(struct demo *d, const char *what, int err)
{
	printf("  [FAILED] %s: %s\n", what, strerror(-err));
	d->failed = true;
}

/* Page-aligned memory from the C library's allocator; NULL after saying why not. */
static uint64_t *alloc_buffer(struct demo *d, uint64_t size)
{
	void *p;
	int ret = posix_memalign(&p, BLOCK_BYTES, size);

	if (ret) {
		failure(d, "posix_memalign", -ret);
		return NULL;
	}
	return p;
}

/* buf[i] = PATTERN_SEED + i * PATTERN_STEP for @n values. */
static void fill_pattern(uint64_t *buf, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		buf[i] = PATTERN_SEED + i * PATTERN_STEP;
}

/* Index of the first of @n values that is not fill_pattern()'s times @factor, or @n. */
static uint64_t check_pattern(const uint64_t *buf, uint64_t n, uint64_t factor)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		if (buf[i] != (PATTERN_SEED + i * PATTERN_STEP) * factor)
			break;
	return i;
}

/* Report the CPU's check of @n values of @buf: the first wrong one is at @bad, or none (@n). */
static void report_values(struct demo *d, const uint64_t *buf, uint64_t n, uint64_t bad)
{
	if (bad == n)
		check(d, true, "the CPU sees all %llu values tripled", (unsigned long long)n);
	else
		check(d, false, "the CPU sees value %llu as %#llx, not %#llx",
		      (unsigned long long)bad, (unsigned long long)buf[bad],
		      (unsigned long long)((PATTERN_SEED + bad * PATTERN_STEP) * 3));
}

/* "GPU n" of a gpu_id, or "RAM" for system memory. */
static const char *location_name(const struct demo *d, uint32_t loc, char *buf, size_t len)
{
	int i;

	if (loc == VSVM_SVM_LOCATION_SYSMEM)
		return "RAM";
	for (i = 0; i < d->ngpu; i++)
		if (d->gpu[i].info.gpu_id == loc)
			break;
	if (i < d->ngpu)
		snprintf(buf, len, "GPU %d", i);
	else
		snprintf(buf, len, "gpu_id %u", loc);
	return buf;
}

/* ---- counters -------------------------------------------------------------- */

/* The process's counters on every GPU into @c; false after saying why not. */
static bool counters_read(struct demo *d, struct drm_vsvm_svm_counters *c)
{
	int i, ret;

	for (i = 0; i < d->ngpu; i++) {
		ret = vsvm_svm_counters(d->gpu[i].fd, 0, 0, &c[i]);
		if (ret) {
			failure(d, "reading the SVM counters", ret);
			return false;
		}
	}
	return true;
}

/* The counters a step shows, in the uAPI's words and in plain ones. */
#define COUNTER(field, text) { #field, offsetof(struct drm_vsvm_svm_counters, field), text }
static const struct {
	const char *name;
	size_t offset;
	const char *text;
} shown_counters[] = {
	COUNTER(faults, "GPU page faults the driver serviced"),
	COUNTER(pages_in, "pages migrated into this GPU's VRAM"),
	COUNTER(pages_out, "pages migrated out of its VRAM"),
	COUNTER(cpu_faults, "CPU faults that pulled pages out of it"),
	COUNTER(vram_evictions, "VRAM blocks evicted to make room"),
	COUNTER(bytes_copied, "MiB its copy engine moved"),
	COUNTER(vram_pages, "pages in its VRAM now (not a change)"),
};

static uint64_t counter(const struct drm_vsvm_svm_counters *c, size_t i)
{
	return *(const uint64_t *)((const char *)c + shown_counters[i].offset);
}

/* A counter's change between @a and @b, as the table shows it. */
static void format_change(size_t i, const struct drm_vsvm_svm_counters *a,
			  const struct drm_vsvm_svm_counters *b, char *buf, size_t len)
{
	uint64_t v = counter(b, i) - counter(a, i);

	if (shown_counters[i].offset == offsetof(struct drm_vsvm_svm_counters, vram_pages))
		snprintf(buf, len, "%llu", (unsigned long long)counter(b, i));
	else if (shown_counters[i].offset == offsetof(struct drm_vsvm_svm_counters, bytes_copied))
		snprintf(buf, len, "+%.1f", mib(v));
	else
		snprintf(buf, len, "+%llu", (unsigned long long)v);
}

/* The table of the counters' changes from @a to @b on every GPU. */
static void print_counters(const struct demo *d, const char *title,
			   const struct drm_vsvm_svm_counters *a,
			   const struct drm_vsvm_svm_counters *b)
{
	char val[32];
	size_t i;
	int g;

	printf("  %s:\n    %-15s", title, "counter");
	for (g = 0; g < d->ngpu; g++)
		printf("   GPU %d", g);
	printf("\n");
	for (i = 0; i < ARRAY_SIZE(shown_counters); i++) {
		printf("    %-15s", shown_counters[i].name);
		for (g = 0; g < d->ngpu; g++) {
			format_change(i, &a[g], &b[g], val, sizeof(val));
			printf(" %7s", val);
		}
		printf("   %s\n", shown_counters[i].text);
	}
}

/* Change of counter @field on GPU @g from @a to @b. */
#define DELTA(a, b, g, field) ((b)[g].field - (a)[g].field)

/* ---- timeline -------------------------------------------------------------- */

/* Append a sample of the counters now; @label marks the start of a step. */
static void timeline_record(struct demo *d, const char *label)
{
	struct timeline *tl = &d->tl;
	struct drm_vsvm_svm_counters c;
	struct sample s = { .label = label };
	struct sample *grown;
	bool ok = true;
	int g;

	for (g = 0; g < d->ngpu; g++) {
		if (vsvm_svm_counters(d->gpu[g].fd, 0, 0, &c)) {
			ok = false;
			break;
		}
		s.vram_pages[g] = c.vram_pages;
		s.faults[g] = c.faults - d->base[g].faults;
	}
	pthread_mutex_lock(&tl->lock);
	s.t_ns = vsvm_now_ns();
	if (ok && tl->n == tl->cap && tl->cap < MAX_SAMPLES) {
		grown = realloc(tl->samples, 2 * tl->cap * sizeof(*grown));
		if (grown) {
			tl->samples = grown;
			tl->cap *= 2;
		}
	}
	if (!ok || tl->n == tl->cap) {
		tl->error = true;
	} else {
		s.step = tl->step;
		tl->samples[tl->n++] = s;
	}
	pthread_mutex_unlock(&tl->lock);
}

/* The sampler thread: a sample every SAMPLE_PERIOD_NS until told to stop. */
static void *timeline_thread(void *arg)
{
	struct demo *d = arg;
	struct timespec next;
	bool stop;

	clock_gettime(CLOCK_MONOTONIC, &next);
	do {
		timeline_record(d, NULL);
		next.tv_nsec += SAMPLE_PERIOD_NS;
		if (next.tv_nsec >= NSEC_PER_SEC) {
			next.tv_nsec -= NSEC_PER_SEC;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		pthread_mutex_lock(&d->tl.lock);
		stop = d->tl.stop;
		pthread_mutex_unlock(&d->tl.lock);
	} while (!stop);
	return NULL;
}

/* Start the sampler thread; 0 or -errno. */
static int timeline_start(struct demo *d)
{
	struct timeline *tl = &d->tl;
	int ret;

	pthread_mutex_init(&tl->lock, NULL);
	tl->cap = 1024;
	tl->samples = malloc(tl->cap * sizeof(*tl->samples));
	if (!tl->samples)
		return -ENOMEM;
	ret = pthread_create(&tl->thread, NULL, timeline_thread, d);
	if (ret) {
		free(tl->samples);
		tl->samples = NULL;
		return -ret;
	}
	return 0;
}

static void timeline_stop(struct demo *d)
{
	pthread_mutex_lock(&d->tl.lock);
	d->tl.stop = true;
	pthread_mutex_unlock(&d->tl.lock);
	pthread_join(d->tl.thread, NULL);
}

/* Mark the start of step @step (0 for the end of the demo) with @label (or none). */
static void timeline_mark(struct demo *d, int step, const char *label)
{
	pthread_mutex_lock(&d->tl.lock);
	d->tl.step = step;
	pthread_mutex_unlock(&d->tl.lock);
	timeline_record(d, label);
}

/* The most pages of GPU @g's VRAM a sample of step @step saw in use. */
static uint64_t timeline_peak(struct demo *d, int step, int g)
{
	uint64_t peak = 0;
	size_t i;

	pthread_mutex_lock(&d->tl.lock);
	for (i = 0; i < d->tl.n; i++)
		if (d->tl.samples[i].step == step && d->tl.samples[i].vram_pages[g] > peak)
			peak = d->tl.samples[i].vram_pages[g];
	pthread_mutex_unlock(&d->tl.lock);
	return peak;
}

/* The timeline as CSV between marker lines (the sampler thread has ended). */
static void timeline_print(const struct demo *d)
{
	const struct timeline *tl = &d->tl;
	const struct sample *s;
	size_t i;
	int g;

	printf("@@DEMO-TIMELINE-BEGIN\n");
	printf("# vsvm-demo timeline: one sample every %lld ms and one at each step start\n",
	       SAMPLE_PERIOD_NS / NSEC_PER_MSEC);
	printf("t_s,step,gpu0_vram_mib,gpu1_vram_mib,vram_size_mib,gpu0_faults,gpu1_faults,label\n");
	for (i = 0; i < tl->n; i++) {
		s = &tl->samples[i];
		printf("%.3f,%d", (s->t_ns - d->t0) / 1e9, s->step);
		for (g = 0; g < DEMO_GPUS; g++)
			printf(",%.2f", pages_mib(s->vram_pages[g]));
		printf(",%.0f", mib(d->gpu[0].info.vram_size));
		for (g = 0; g < DEMO_GPUS; g++)
			printf(",%llu", (unsigned long long)s->faults[g]);
		printf(",%s\n", s->label ? s->label : "-");
	}
	printf("@@DEMO-TIMELINE-END\n");
}

/* ---- events ---------------------------------------------------------------- */

/* One decoded event record; @since_ns: the start of the part of the step. */
static void print_event(const struct demo *d, const struct drm_vsvm_event *ev, int64_t since_ns)
{
	const char *kind = vsvm_event_kind_name(ev->kind);
	const char *trigger = vsvm_event_trigger_name(ev->kind, ev->trigger);
	const char *result = vsvm_fault_result_name(ev->result);
	char gpu[24], from[24], to[24], acc[32];

	printf("      %+8.1f ms  %-12s %-6s", ((int64_t)ev->timestamp_ns - since_ns) / 1e6,
	       kind ? kind : "?", location_name(d, ev->gpu_id, gpu, sizeof(gpu)));
	switch (ev->kind) {
	case VSVM_EVENT_FAULT_START:
	case VSVM_EVENT_FAULT_END:
		printf(" %s at 0x%llx", vsvm_access_string(ev->access, acc, sizeof(acc)),
		       (unsigned long long)ev->addr);
		if (ev->kind == VSVM_EVENT_FAULT_END)
			printf(" -> %s", result ? result : "?");
		break;
	case VSVM_EVENT_MIGRATE_START:
	case VSVM_EVENT_MIGRATE_END:
		printf(" %s -> %s, %llu pages", location_name(d, ev->from, from, sizeof(from)),
		       location_name(d, ev->to, to, sizeof(to)), (unsigned long long)ev->count);
		/* an eviction knows the pages by their VRAM, not by address */
		if (ev->addr)
			printf(" at 0x%llx", (unsigned long long)ev->addr);
		printf(" (%s)", trigger ? trigger : "?");
		break;
	case VSVM_EVENT_EVICTION:
		printf(" a VRAM block of %llu pages", (unsigned long long)ev->count);
		break;
	case VSVM_EVENT_GPU_UNMAP:
		printf(" %llu KiB at 0x%llx (%s)", (unsigned long long)(ev->size / KIB),
		       (unsigned long long)ev->addr, trigger ? trigger : "?");
		break;
	default:
		printf(" (%s)", trigger ? trigger : "-");
		break;
	}
	printf("\n");
}

/*
 * Keep @ev in @seen (room for EVENT_LINES) if it is the first record of its
 * kind of thing (same kind, GPU, trigger, result and direction); START
 * records are only counted, their END records tell more.
 */
static void keep_if_new(const struct drm_vsvm_event *ev, struct drm_vsvm_event *seen,
			 unsigned int *nseen)
{
	unsigned int i;

	if (ev->kind == VSVM_EVENT_FAULT_START || ev->kind == VSVM_EVENT_MIGRATE_START ||
	    *nseen == EVENT_LINES)
		return;
	for (i = 0; i < *nseen; i++)
		if (seen[i].kind == ev->kind && seen[i].gpu_id == ev->gpu_id &&
		    seen[i].trigger == ev->trigger && seen[i].result == ev->result &&
		    seen[i].from == ev->from && seen[i].to == ev->to)
			return;
	seen[(*nseen)++] = *ev;
}

/* Count one record into @st. */
static void event_count(const struct drm_vsvm_event *ev, struct event_stats *st)
{
	if (ev->kind <= VSVM_EVENT_KIND_MAX)
		st->kinds[ev->kind]++;
	if (ev->kind == VSVM_EVENT_DROPPED)
		st->dropped += ev->count;
	if (ev->kind == VSVM_EVENT_FAULT_END && ev->result == VSVM_FAULT_MIGRATED)
		st->fault_migrated++;
	if (ev->kind == VSVM_EVENT_MIGRATE_END && ev->from != VSVM_SVM_LOCATION_SYSMEM &&
	    ev->to != VSVM_SVM_LOCATION_SYSMEM)
		st->peer_moves++;
}

/* "N kind, N kind, ..." of the kinds in @st, wrapped before 80 columns. */
static void print_event_counts(const struct event_stats *st)
{
	const char *name;
	int col, len;
	bool any = false;
	uint32_t k;

	col = printf("    events:");
	for (k = 1; k <= VSVM_EVENT_KIND_MAX; k++) {
		if (!st->kinds[k])
			continue;
		name = vsvm_event_kind_name(k);
		len = snprintf(NULL, 0, " %llu %s,", (unsigned long long)st->kinds[k],
			       name ? name : "?");
		if (any && col + len > 78) {
			printf(",\n           ");
			col = 11;
		} else if (any) {
			col += printf(",");
		}
		col += printf(" %llu %s", (unsigned long long)st->kinds[k], name ? name : "?");
		any = true;
	}
	printf("%s\n", any ? "" : " none");
}

/**
 * struct event_batch - the event records read at once
 * @st: their numbers
 * @seen: the first record of each sort (keep_if_new()), @nseen of them
 * @nseen: records in @seen
 */
struct event_batch {
	struct event_stats st;
	struct drm_vsvm_event seen[EVENT_LINES];
	unsigned int nseen;
};

/* Read every record queued since the last read into @b. */
static void events_read(struct demo *d, struct event_batch *b)
{
	struct drm_vsvm_event ev[EVENT_BATCH];
	int n, i;

	memset(b, 0, sizeof(*b));
	while ((n = vsvm_events_read(d->efd, ev, EVENT_BATCH, 0)) > 0) {
		for (i = 0; i < n; i++) {
			event_count(&ev[i], &b->st);
			keep_if_new(&ev[i], b->seen, &b->nseen);
		}
	}
	if (n < 0)
		failure(d, "reading the SVM events", n);
}

/* Print the numbers of @b and its first records (times since @since_ns). */
static void events_print(const struct demo *d, const struct event_batch *b, int64_t since_ns)
{
	unsigned int k;

	print_event_counts(&b->st);
	for (k = 0; k < b->nseen; k++)
		print_event(d, &b->seen[k], since_ns);
	if (b->st.dropped)
		printf("    (%llu records did not fit in the events ring and were dropped)\n",
		       (unsigned long long)b->st.dropped);
}

/*
 * Read, print (times since @since_ns) and add into @st every record queued
 * since the last read.
 */
static void events_show(struct demo *d, int64_t since_ns, struct event_stats *st)
{
	struct event_batch b;
	unsigned int k;

	events_read(d, &b);
	events_print(d, &b, since_ns);
	for (k = 0; k <= VSVM_EVENT_KIND_MAX; k++)
		st->kinds[k] += b.st.kinds[k];
	st->fault_migrated += b.st.fault_migrated;
	st->peer_moves += b.st.peer_moves;
	st->dropped += b.st.dropped;
}

/* ---- GPU work -------------------------------------------------------------- */

/*
 * Run @kernel over @grid work items with the arguments @a0..@a3 (the others
 * 0) on GPU @g and wait for it; 0 or -errno after saying why.
 */
static int run(struct demo *d, int g, uint32_t kernel, uint64_t grid, uint64_t a0, uint64_t a1,
	       uint64_t a2, uint64_t a3)
{
	const uint64_t args[VSVM_DISPATCH_ARGS] = { a0, a1, a2, a3 };
	int ret = vsvm_dispatch_sync(d->gpu[g].fd, d->gpu[g].queue, kernel, grid, args,
				     DISPATCH_TIMEOUT_NS);
	char what[64];

	if (ret) {
		snprintf(what, sizeof(what), "the %s dispatch on GPU %d", vsvm_kernel_name(kernel),
			 g);
		failure(d, what, ret);
	}
	return ret;
}

/* The CPU freed @what, which a GPU used, since @since_ns: show what the driver did. */
static void show_release(struct demo *d, int64_t since_ns, const char *what)
{
	struct event_batch b;

	events_read(d, &b);
	if (!b.st.kinds[VSVM_EVENT_GPU_UNMAP]) {
		printf("  The CPU freed %s; no GPU had any of it mapped any more.\n", what);
		return;
	}
	printf("  The CPU freed %s.\n"
	       "  What the allocator gave back to the kernel was unmapped from the GPUs too:\n",
	       what);
	events_print(d, &b, since_ns);
}

/* Set PREFERRED_LOC @pref and, unless it is UNDEFINED, PREFETCH_LOC @prefetch; 0 or -errno. */
static int advise(struct demo *d, void *buf, uint64_t size, uint32_t pref, uint32_t prefetch)
{
	struct drm_vsvm_svm_attr attrs[] = {
		{ VSVM_SVM_ATTR_PREFERRED_LOC, pref },
		{ VSVM_SVM_ATTR_PREFETCH_LOC, prefetch },
	};
	int ret = vsvm_svm_set_attr(d->gpu[0].fd, buf, size, attrs,
				    prefetch == VSVM_SVM_LOCATION_UNDEFINED ? 1 : 2);

	if (ret)
		failure(d, "setting SVM attributes", ret);
	return ret;
}

/* Where the pages of the demo are now, from the counters; @np: pages of the buffer. */
static void print_where(struct demo *d, uint64_t np)
{
	struct drm_vsvm_svm_counters c[DEMO_GPUS];
	uint64_t in_vram = 0;
	int g;

	if (!counters_read(d, c))
		return;
	printf("    where the buffer is now:");
	for (g = 0; g < d->ngpu; g++) {
		printf(" GPU %d VRAM %.1f MiB,", g, pages_mib(c[g].vram_pages));
		in_vram += c[g].vram_pages;
	}
	printf(" system RAM %.1f MiB\n", in_vram < np ? pages_mib(np - in_vram) : 0.0);
}

/* ---- the steps ------------------------------------------------------------- */

/* Print the title of step @step, mark it in the timeline, note the counters and the time. */
static void step_begin(struct demo *d, int step, const char *label, const char *title)
{
	printf("\nStep %d of %d: %s\n", step, NUM_STEPS, title);
	timeline_mark(d, step, label);
	counters_read(d, d->step_base);
	d->step_t0 = vsvm_now_ns();
}

/* Print the counters' changes over step @step (read into @now) and its duration. */
static void step_end(struct demo *d, int step, struct drm_vsvm_svm_counters *now)
{
	d->step_ms[step] = (vsvm_now_ns() - d->step_t0) / 1e6;
	if (counters_read(d, now))
		print_counters(d, "counters, change during this step", d->step_base, now);
	printf("  (step %d took %.0f ms)\n", step, d->step_ms[step]);
}

/**
 * struct node - an element of step 1's linked list, as POINTER_CHASE reads it
 * @next: address of the next node, 0 at the end
 * @value: what the walk sums
 */
struct node {
	uint64_t next;
	uint64_t value;
};

/*
 * Build step 1's list: @n nodes malloc'd one by one with other allocations
 * of random sizes in between, linked in a random order. Returns the head (NULL
 * when out of memory), the sum of the values in *@sum and the bytes from the
 * lowest node to the end of the highest in *@span; the allocations go into
 * @nodes and @filler (@n entries each).
 */
static struct node *build_list(unsigned int n, struct node **nodes, void **filler,
			       uint64_t *sum, uint64_t *span)
{
	uint64_t rnd = 0x9e3779b97f4a7c15ULL, lo = UINT64_MAX, hi = 0, addr;
	unsigned int *order = malloc(n * sizeof(*order));
	unsigned int i, j, t;

	if (!order)
		return NULL;
	for (i = 0; i < n; i++) {
		nodes[i] = malloc(sizeof(struct node));
		filler[i] = malloc(16 + next_random(&rnd) % 2032);
		if (!nodes[i] || !filler[i]) {
			free(order);
			return NULL;
		}
		addr = (uintptr_t)nodes[i];
		lo = addr < lo ? addr : lo;
		hi = addr > hi ? addr : hi;
		order[i] = i;
	}
	for (i = n - 1; i > 0; i--) {
		j = next_random(&rnd) % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	*sum = 0;
	for (i = 0; i < n; i++) {
		nodes[order[i]]->next = i + 1 < n ? (uintptr_t)nodes[order[i + 1]] : 0;
		nodes[order[i]]->value = next_random(&rnd) >> 32;
		*sum += nodes[order[i]]->value;
	}
	*span = hi - lo + sizeof(struct node);
	i = order[0];
	free(order);
	return nodes[i];
}

/* Step 1: GPU 0 follows pointers the CPU wrote, in place. */
static void step_pointer_chase(struct demo *d)
{
	const unsigned int n = d->sizes.nodes;
	struct node **nodes = calloc(n, sizeof(*nodes)), *head = NULL;
	void **filler = calloc(n, sizeof(*filler));
	struct drm_vsvm_svm_counters now[DEMO_GPUS];
	struct event_stats ev = { 0 };
	uint64_t sum = 0, span = 0, *out = malloc(sizeof(*out));
	unsigned int i;
	int64_t t;
	int g;

	step_begin(d, 1, "1 pointer chase", "the GPU follows the CPU's pointers");
	if (nodes && filler && out)
		head = build_list(n, nodes, filler, &sum, &span);
	if (!head) {
		failure(d, "building the list", -ENOMEM);
		goto out;
	}
	printf("  The CPU built a linked list of %u nodes {next, value}, each one malloc'd\n"
	       "  on its own between other heap allocations and linked in a random order:\n"
	       "  the nodes lie scattered over %.1f MiB of the heap.\n", n, mib(span));
	*out = 0;
	t = vsvm_now_ns();
	if (run(d, 0, VSVM_KERNEL_POINTER_CHASE, 1, (uintptr_t)head, n, (uintptr_t)out, 0))
		goto out;
	printf("  GPU 0 walked it from the head pointer (pointer-chase kernel) in %.1f ms.\n"
	       "  Nothing was registered or copied: the GPU faulted on the heap, and for each\n"
	       "  fault the driver mapped the 2 MiB around it (the default granularity) where\n"
	       "  the pages are, in system RAM.\n", (vsvm_now_ns() - t) / 1e6);
	events_show(d, t, &ev);
	check(d, *out == sum, "the GPU's sum is %llu, the CPU's is %llu",
	      (unsigned long long)*out, (unsigned long long)sum);
	if (!counters_read(d, now))
		goto out;
	check(d, DELTA(d->step_base, now, 0, faults) > 0, "GPU 0 serviced %llu faults",
	      (unsigned long long)DELTA(d->step_base, now, 0, faults));
	for (g = 0; g < d->ngpu; g++)
		check(d, !DELTA(d->step_base, now, g, pages_in) &&
		      !DELTA(d->step_base, now, g, bytes_copied),
		      "no page moved to GPU %d (pages_in +%llu)", g,
		      (unsigned long long)DELTA(d->step_base, now, g, pages_in));
	check(d, !ev.kinds[VSVM_EVENT_MIGRATE_END] && !ev.fault_migrated &&
	      ev.kinds[VSVM_EVENT_FAULT_END],
	      "every fault was mapped in place (%llu fault-end, %llu migrations)",
	      (unsigned long long)ev.kinds[VSVM_EVENT_FAULT_END],
	      (unsigned long long)ev.kinds[VSVM_EVENT_MIGRATE_END]);
out:
	t = vsvm_now_ns();
	for (i = 0; nodes && filler && i < n; i++) {
		free(nodes[i]);
		free(filler[i]);
	}
	free(nodes);
	free(filler);
	free(out);
	if (head)
		show_release(d, t, "the list and the allocations between its nodes");
	step_end(d, 1, now);
}

/* Step 2: a buffer moves to GPU 0's VRAM on GPU use and back on CPU use. */
static void step_migrate(struct demo *d, uint64_t *buf)
{
	const uint64_t size = d->sizes.buffer, n = size / 8, np = size / PAGE_BYTES;
	const bool coherent = d->gpu[0].info.capabilities & VSVM_CAP_VRAM_COHERENT;
	struct drm_vsvm_svm_counters mid[DEMO_GPUS], now[DEMO_GPUS];
	struct event_stats ev = { 0 };
	uint64_t bad;
	int64_t t;

	step_begin(d, 2, "2 migration", "data moves to the GPU that uses it, and back");
	fill_pattern(buf, n);
	printf("  The CPU wrote a %.0f MiB buffer (from the allocator, value i = %#llx + 7i)\n"
	       "  and advised that it prefers GPU 0 (PREFERRED_LOC = GPU 0).\n", mib(size),
	       PATTERN_SEED);
	if (advise(d, buf, size, d->gpu[0].info.gpu_id, VSVM_SVM_LOCATION_UNDEFINED))
		goto out;
	t = vsvm_now_ns();
	if (run(d, 0, VSVM_KERNEL_TRIAD, n, (uintptr_t)buf, (uintptr_t)buf, (uintptr_t)buf, 2))
		goto out;
	printf("  GPU 0 tripled every value (triad kernel: a = a + 2a) in %.1f ms. Its first\n"
	       "  touches faulted, and the driver moved the pages to GPU 0's VRAM first.\n",
	       (vsvm_now_ns() - t) / 1e6);
	events_show(d, t, &ev);
	print_where(d, np);
	if (!counters_read(d, mid))
		goto out;
	check(d, DELTA(d->step_base, mid, 0, pages_in) == np &&
	      DELTA(d->step_base, mid, 0, vram_pages) == np,
	      "all %llu pages moved into GPU 0's VRAM (pages_in +%llu)", (unsigned long long)np,
	      (unsigned long long)DELTA(d->step_base, mid, 0, pages_in));

	t = vsvm_now_ns();
	bad = check_pattern(buf, n, 3);
	printf("  The CPU read the whole buffer in %.1f ms.%s\n", (vsvm_now_ns() - t) / 1e6,
	       coherent ? " This VRAM is device-coherent: the CPU read it in place." :
	       " Its first touch of each\n  2 MiB block faulted, and the driver brought the "
	       "block back to system RAM.");
	events_show(d, t, &ev);
	print_where(d, np);
	report_values(d, buf, n, bad);
	if (!counters_read(d, now))
		goto out;
	if (coherent)
		check(d, !DELTA(mid, now, 0, pages_out) && !DELTA(mid, now, 0, cpu_faults),
		      "nothing moved for the CPU's reads (pages_out +%llu)",
		      (unsigned long long)DELTA(mid, now, 0, pages_out));
	else
		check(d, DELTA(mid, now, 0, cpu_faults) > 0 && DELTA(mid, now, 0, pages_out) == np &&
		      now[0].vram_pages == d->step_base[0].vram_pages,
		      "%llu CPU faults moved all %llu pages back to system RAM",
		      (unsigned long long)DELTA(mid, now, 0, cpu_faults),
		      (unsigned long long)DELTA(mid, now, 0, pages_out));
out:
	step_end(d, 2, now);
}

/*
 * Step 3: show and check that the @np pages of the buffer are all in GPU
 * @to_gpu's VRAM (-1: system RAM); the demo has no other data in VRAM.
 */
static bool check_placement(struct demo *d, uint64_t np, int to_gpu)
{
	struct drm_vsvm_svm_counters now[DEMO_GPUS];
	bool ok = true;
	int g;

	print_where(d, np);
	if (!counters_read(d, now))
		return false;
	for (g = 0; g < d->ngpu; g++)
		ok &= now[g].vram_pages == d->base[g].vram_pages + (g == to_gpu ? np : 0);
	if (to_gpu < 0)
		check(d, ok, "every page is in system RAM");
	else
		check(d, ok, "every page is in GPU %d's VRAM", to_gpu);
	return ok;
}

/*
 * Step 3, one move by advice to GPU @to_gpu (-1: system RAM): set the
 * attributes, show the events (counted into @ev) and check where the pages
 * went.
 */
static bool advice_move(struct demo *d, uint64_t *buf, int to_gpu, const char *text,
			struct event_stats *ev)
{
	uint32_t loc = to_gpu < 0 ? VSVM_SVM_LOCATION_SYSMEM : d->gpu[to_gpu].info.gpu_id;
	int64_t t = vsvm_now_ns();

	printf("  %s\n", text);
	if (advise(d, buf, d->sizes.buffer, loc, loc))
		return false;
	printf("    done in %.1f ms\n", (vsvm_now_ns() - t) / 1e6);
	events_show(d, t, ev);
	return check_placement(d, d->sizes.buffer / PAGE_BYTES, to_gpu);
}

/* Step 3: advice moves the buffer between GPU 0, GPU 1 and system RAM. */
static void step_advice(struct demo *d, uint64_t *buf)
{
	const uint64_t size = d->sizes.buffer, n = size / 8, np = size / PAGE_BYTES;
	struct drm_vsvm_svm_counters mid[DEMO_GPUS], now[DEMO_GPUS];
	struct event_stats ev = { 0 };
	uint64_t sum = 0, bad, *out = malloc(sizeof(*out)), i;
	int64_t t;
	int ret;

	step_begin(d, 3, "3 advice", "advice decides where data lives");
	if (!out) {
		failure(d, "malloc", -ENOMEM);
		goto out;
	}
	for (i = 0; i < n; i++)
		sum += buf[i];
	printf("  The CPU summed the buffer of step 2 (sum %#llx).\n"
	       "  An explicit prefetch (DRM_IOCTL_VSVM_SVM_PREFETCH) moves it to GPU 0:\n",
	       (unsigned long long)sum);
	t = vsvm_now_ns();
	ret = vsvm_svm_prefetch(d->gpu[0].fd, buf, size, d->gpu[0].info.gpu_id, 0, 0);
	if (ret) {
		failure(d, "prefetch to GPU 0", ret);
		goto out;
	}
	printf("    done in %.1f ms\n", (vsvm_now_ns() - t) / 1e6);
	events_show(d, t, &ev);
	if (!check_placement(d, np, 0) ||
	    !advice_move(d, buf, 1, "Advice: PREFERRED_LOC = PREFETCH_LOC = GPU 1. The pages go "
			 "from GPU 0's\n  VRAM straight to GPU 1's, VRAM to VRAM over the peer link:",
			 &ev))
		goto out;
	check(d, ev.peer_moves > 0, "%llu migrations went from VRAM to VRAM",
	      (unsigned long long)ev.peer_moves);

	if (!counters_read(d, mid))
		goto out;
	*out = 0;
	t = vsvm_now_ns();
	if (run(d, 0, VSVM_KERNEL_CHECKSUM, n, (uintptr_t)buf, (uintptr_t)out, 0, 0))
		goto out;
	printf("  GPU 0 summed the buffer in %.1f ms where it is, in GPU 1's VRAM (a GPU\n"
	       "  maps another GPU's VRAM over the peer link unless advice moves the data):\n",
	       (vsvm_now_ns() - t) / 1e6);
	events_show(d, t, &ev);
	if (!counters_read(d, now))
		goto out;
	check(d, *out == sum, "GPU 0's sum is %#llx, as the CPU's", (unsigned long long)*out);
	check(d, !DELTA(mid, now, 0, pages_in) && !DELTA(mid, now, 1, pages_out),
	      "nothing moved for GPU 0's reads (GPU 0 pages_in +%llu, GPU 1 pages_out +%llu)",
	      (unsigned long long)DELTA(mid, now, 0, pages_in),
	      (unsigned long long)DELTA(mid, now, 1, pages_out));

	if (!advice_move(d, buf, -1, "Advice: PREFERRED_LOC = PREFETCH_LOC = system RAM:", &ev) ||
	    !counters_read(d, mid))
		goto out;
	bad = check_pattern(buf, n, 3);
	if (!counters_read(d, now))
		goto out;
	report_values(d, buf, n, bad);
	check(d, !DELTA(mid, now, 0, cpu_faults) && !DELTA(mid, now, 1, cpu_faults),
	      "and it read them without a fault on VRAM (cpu_faults +%llu)",
	      (unsigned long long)(DELTA(mid, now, 0, cpu_faults) +
				   DELTA(mid, now, 1, cpu_faults)));
out:
	free(out);
	step_end(d, 3, now);
}

/*
 * One pass of step 4 over @buf (@n values) on GPU 0, STREAM_CHUNK at a
 * time: triple every value from the start to the end (@verify false), or
 * count the values that are not tripled into *@wrong from the end back to
 * the start (@verify true: what the first pass left in VRAM comes first).
 * 0 or -errno.
 */
static int stream_pass(struct demo *d, uint64_t *buf, uint64_t n, bool verify, uint64_t *wrong)
{
	const uint64_t chunk = STREAM_CHUNK / 8, chunks = (n + chunk - 1) / chunk;
	uint64_t c, i, len, *out = malloc(sizeof(*out));
	int ret = 0;

	if (!out)
		return -ENOMEM;
	*wrong = 0;
	for (c = 0; c < chunks && !ret; c++) {
		i = (verify ? chunks - 1 - c : c) * chunk;
		len = n - i < chunk ? n - i : chunk;
		if (!verify) {
			ret = run(d, 0, VSVM_KERNEL_TRIAD, len, (uintptr_t)(buf + i),
				  (uintptr_t)(buf + i), (uintptr_t)(buf + i), 2);
			continue;
		}
		*out = ~0ULL;
		ret = run(d, 0, VSVM_KERNEL_VERIFY, len, (uintptr_t)(buf + i),
			  3 * (PATTERN_SEED + i * PATTERN_STEP), 3 * PATTERN_STEP, (uintptr_t)out);
		*wrong += ret ? 0 : *out;
	}
	free(out);
	return ret;
}

/* Step 4, one streaming pass with its story; false if it failed. */
static bool stream_step(struct demo *d, uint64_t *buf, uint64_t size, bool verify)
{
	struct drm_vsvm_svm_counters a[DEMO_GPUS], b[DEMO_GPUS];
	struct event_stats ev = { 0 };
	uint64_t wrong = 0;
	int64_t t = vsvm_now_ns();
	int ret;

	if (!counters_read(d, a))
		return false;
	ret = stream_pass(d, buf, size / 8, verify, &wrong);
	if (ret == -ENOMEM)
		failure(d, "malloc", ret);
	if (ret || !counters_read(d, b))
		return false;
	printf("  Pass %d: GPU 0 %s every value, %s, %.0f MiB per dispatch, in %.1f s:\n"
	       "  %llu pages in, %llu out, %llu VRAM blocks evicted%s\n", verify ? 2 : 1,
	       verify ? "checked" : "tripled", verify ? "end to start" : "start to end",
	       mib(STREAM_CHUNK), (vsvm_now_ns() - t) / 1e9,
	       (unsigned long long)DELTA(a, b, 0, pages_in),
	       (unsigned long long)DELTA(a, b, 0, pages_out),
	       (unsigned long long)DELTA(a, b, 0, vram_evictions),
	       verify ? " (what was still in VRAM\n  is read in place; what was evicted comes back "
	       "and pushes other blocks out)." : ".");
	events_show(d, t, &ev);
	if (verify)
		check(d, !wrong, "the GPU finds %llu wrong values", (unsigned long long)wrong);
	else
		check(d, DELTA(a, b, 0, vram_evictions) > 0 && ev.kinds[VSVM_EVENT_EVICTION] > 0,
		      "VRAM ran full and older blocks were evicted (%llu eviction events)",
		      (unsigned long long)ev.kinds[VSVM_EVENT_EVICTION]);
	return true;
}

/* Step 4: stream a buffer larger than GPU 0's VRAM through GPU 0. */
static void step_overcommit(struct demo *d)
{
	struct drm_vsvm_svm_counters now[DEMO_GPUS];
	uint64_t vram, size, n, bad, peak, *buf = NULL;
	struct event_stats ev = { 0 };
	int64_t t;
	int ret;

	step_begin(d, 4, "4 overcommit", "more data than VRAM");
	ret = vsvm_query_device(d->gpu[0].fd, &d->gpu[0].info);
	if (ret) {
		failure(d, "querying GPU 0", ret);
		goto out;
	}
	vram = d->gpu[0].info.vram_size;
	size = (vram * d->sizes.overcommit_pct / 100 + BLOCK_BYTES - 1) / BLOCK_BYTES * BLOCK_BYTES;
	n = size / 8;
	buf = alloc_buffer(d, size);
	if (!buf)
		goto out;
	fill_pattern(buf, n);
	printf("  GPU 0 has %.0f MiB of VRAM. The CPU wrote a %.0f MiB buffer (%u%% of it),\n"
	       "  preferring GPU 0, and GPU 0 streams through it twice. When its VRAM is full,\n"
	       "  the driver evicts 2 MiB blocks of it back to system RAM to make room.\n",
	       mib(vram), mib(size), d->sizes.overcommit_pct);
	if (advise(d, buf, size, d->gpu[0].info.gpu_id, VSVM_SVM_LOCATION_UNDEFINED) ||
	    !stream_step(d, buf, size, false) || !stream_step(d, buf, size, true))
		goto out;
	peak = timeline_peak(d, 4, 0);
	check(d, peak * PAGE_BYTES <= vram, "GPU 0's VRAM use peaked at %.1f of %.0f MiB",
	      pages_mib(peak), mib(vram));
	t = vsvm_now_ns();
	bad = check_pattern(buf, n, 3);
	printf("  The CPU read the buffer in %.1f ms%s.\n", (vsvm_now_ns() - t) / 1e6,
	       d->gpu[0].info.capabilities & VSVM_CAP_VRAM_COHERENT ?
	       ", the part in VRAM in place (device-coherent VRAM)" :
	       ";\n  the blocks still in VRAM came back to system RAM");
	events_show(d, t, &ev);
	report_values(d, buf, n, bad);
out:
	if (buf) {
		t = vsvm_now_ns();
		free(buf);
		show_release(d, t, "the buffer");
	}
	step_end(d, 4, now);
}

/* ---- the whole demo -------------------------------------------------------- */

/* Open the first two vsvm GPUs and a queue on each; false after saying why not. */
static bool open_gpus(struct demo *d)
{
	char paths[VSVM_MAX_DEVICES][VSVM_PATH_MAX];
	char caps[128];
	int n, g, ret;

	n = vsvm_enumerate(paths, VSVM_MAX_DEVICES);
	if (n <= 0) {
		fprintf(stderr, "vsvm-demo: no vsvm GPU found (is the vsvm module loaded?)\n");
		return false;
	}
	d->ngpu = n < DEMO_GPUS ? n : DEMO_GPUS;
	for (g = 0; g < d->ngpu; g++) {
		struct gpu *gpu = &d->gpu[g];

		snprintf(gpu->path, sizeof(gpu->path), "%s", paths[g]);
		gpu->fd = vsvm_open_path(paths[g]);
		ret = gpu->fd < 0 ? gpu->fd : vsvm_query_device(gpu->fd, &gpu->info);
		if (!ret)
			ret = vsvm_queue_create(gpu->fd, 0, &gpu->queue);
		if (ret) {
			fprintf(stderr, "vsvm-demo: %s: %s\n", paths[g], strerror(-ret));
			return false;
		}
		printf("GPU %d is %s: gpu_id %u, %.0f MiB of VRAM, %u compute units (%s)\n", g,
		       gpu->path, gpu->info.gpu_id, mib(gpu->info.vram_size),
		       gpu->info.num_compute_units,
		       vsvm_caps_string(gpu->info.capabilities, " ", caps, sizeof(caps)));
		if (!(gpu->info.capabilities & VSVM_CAP_SVM)) {
			fprintf(stderr, "vsvm-demo: GPU %d has no shared virtual memory\n", g);
			return false;
		}
	}
	return true;
}

/* The counters over the whole demo and the verdict; the exit status. */
static int summary(struct demo *d)
{
	struct drm_vsvm_svm_counters now[DEMO_GPUS];
	int s;

	printf("\nSummary\n");
	for (s = 1; s <= NUM_STEPS; s++)
		if (d->step_ms[s] > 0)
			printf("  step %d took %.0f ms\n", s, d->step_ms[s]);
	if (counters_read(d, now))
		print_counters(d, "counters, change over the whole demo", d->base, now);
	if (d->tl.error)
		printf("  (some timeline samples were lost)\n");
	printf("vsvm-demo: %s\n", d->failed ? "SOME CHECKS FAILED" : "every check passed");
	return d->failed ? 1 : 0;
}

/* Run the four steps; the exit status. */
static int demo(struct demo *d)
{
	const bool vram = d->gpu[0].info.capabilities & VSVM_CAP_SVM_VRAM;
	uint64_t *buf;
	int64_t t;
	int ret;

	ret = vsvm_events_open(d->gpu[0].fd, VSVM_EVENT_MASK_ALL, 0, VSVM_EVENTS_CLOEXEC,
			       VSVM_EVENTS_MAX_CAPACITY, &d->efd);
	if (ret) {
		fprintf(stderr, "vsvm-demo: cannot open the SVM events: %s\n", strerror(-ret));
		return 1;
	}
	if (!counters_read(d, d->base))
		return 1;
	d->t0 = vsvm_now_ns();
	ret = timeline_start(d);
	if (ret) {
		fprintf(stderr, "vsvm-demo: cannot start the sampler thread: %s\n", strerror(-ret));
		return 1;
	}
	printf("\nEvery byte the GPUs touch below comes from malloc: the GPUs share the\n"
	       "process's address space (shared virtual memory, SVM). Each step shows the\n"
	       "process's SVM counters on both GPUs and the SVM events of each action: how\n"
	       "many of each kind, then the first of each sort, timed from the action's\n"
	       "start, with the GPU concerned (for a migration, the GPU whose copy engine\n"
	       "moved the data).\n");

	step_pointer_chase(d);
	buf = vram ? alloc_buffer(d, d->sizes.buffer) : NULL;
	if (!vram)
		printf("\nSteps 2-4 skipped: GPU 0 keeps SVM memory in system RAM (no svm-vram).\n");
	if (buf) {
		step_migrate(d, buf);
		if (d->ngpu > 1)
			step_advice(d, buf);
		else
			printf("\nStep 3 skipped: it needs two GPUs.\n");
		t = vsvm_now_ns();
		free(buf);
		printf("\n");
		show_release(d, t, "the buffer of steps 2 and 3");
		step_overcommit(d);
	}
	timeline_mark(d, 0, NULL);
	timeline_stop(d);
	ret = summary(d);
	if (d->timeline_out)
		timeline_print(d);
	free(d->tl.samples);
	return ret;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vsvm-demo [--quick] [--timeline]\n"
		"  Show shared virtual memory on the first two vsvm GPUs, in four checked\n"
		"  steps on memory from malloc: a GPU walks a linked list the CPU built;\n"
		"  a buffer moves to VRAM when GPU 0 uses it and back when the CPU does;\n"
		"  advice moves it to GPU 1 and back to RAM; a buffer larger than VRAM\n"
		"  streams through GPU 0 (evictions). Each step shows the SVM counters\n"
		"  and a few decoded SVM events.\n"
		"  -q, --quick     smaller data (a smoke test): %u nodes, %llu MiB buffer,\n"
		"                  step 4 at %u%% of VRAM (default %u nodes, %llu MiB, %u%%)\n"
		"  -t, --timeline  print, at the end, between @@DEMO-TIMELINE-BEGIN and\n"
		"                  @@DEMO-TIMELINE-END, CSV samples taken every %lld ms: time,\n"
		"                  step, VRAM use per GPU (MiB), VRAM size, faults per GPU\n"
		"                  since the start, step label\n"
		"  -h, --help      this text\n"
		"Exit status: 0 when every check passed, 1 otherwise, 2 on a usage error.\n",
		quick_sizes.nodes, (unsigned long long)(quick_sizes.buffer / MIB),
		quick_sizes.overcommit_pct, full_sizes.nodes,
		(unsigned long long)(full_sizes.buffer / MIB), full_sizes.overcommit_pct,
		SAMPLE_PERIOD_NS / NSEC_PER_MSEC);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "timeline", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct demo d = { .efd = -1 };
	int opt, g, ret;

	d.sizes = full_sizes;
	while ((opt = getopt_long(argc, argv, "qth", longopts, NULL)) != -1) {
		switch (opt) {
		case 'q':
			d.sizes = quick_sizes;
			break;
		case 't':
			d.timeline_out = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (g = 0; g < DEMO_GPUS; g++)
		d.gpu[g].fd = -1;
	ret = open_gpus(&d) ? demo(&d) : 1;
	if (d.efd >= 0)
		close(d.efd);
	for (g = 0; g < DEMO_GPUS; g++)
		if (d.gpu[g].fd >= 0)
			vsvm_close(d.gpu[g].fd);
	return ret;
}
