// SPDX-License-Identifier: MIT
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * TEST: vsvm svm vram
 * Description: Shared virtual memory in VRAM: SVM pages migrated to a GPU's
 *              VRAM by SET_ATTR PREFETCH_LOC, DRM_IOCTL_VSVM_SVM_PREFETCH
 *              and the placement policy of GPU faults, and back to system
 *              memory by prefetches to SYSMEM, CPU faults (device-private
 *              VRAM) and eviction. The subtests follow amdkfd's kfdtest SVM
 *              scenarios (KFDSVMRangeTest, KFDSVMEvictTest) and add eviction
 *              by and of buffer objects, fork and process exit. After every
 *              migration the data is checked by the GPU (VERIFY, CHECKSUM on
 *              the CPU pointers) and by the CPU, and the per-process
 *              migration counters of debugfs vsvm_svm (pages_in, pages_out,
 *              cpu_faults, vram_evictions, bytes_copied, vram_pages) are
 *              checked exactly where the behaviour is exact. With
 *              device-coherent VRAM (VSVM_CAP_VRAM_COHERENT) the CPU reaches
 *              VRAM in place: CPU accesses count no CPU fault and move no
 *              page, which every subtest asserts in that mode. Every
 *              subtest ends by checking that vram_used is back at its start
 *              value once its memory is unmapped. Dispatch results go to a
 *              GTT buffer object bound above every CPU address, so that they
 *              cost no SVM fault.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: Memory management
 * Functionality: shared virtual memory migration
 * Feature: svm
 * Test category: uAPI
 * Test requirement: VSVM_CAP_SVM_VRAM, debugfs
 *
 * SUBTEST: basic-vram
 * Description: 4 MiB of CPU-filled memory prefetched to GPU 0 with SET_ATTR
 *              PREFETCH_LOC: exactly 1024 pages in, vram_pages 1024, 4 MiB
 *              copied, vram_used grows by at least 4 MiB; the GPU reads and
 *              fills it without a fault and nothing moves; the CPU reads
 *              the GPU's data (device-private: 2 CPU faults move the 1024
 *              pages back; coherent: nothing moves); vram_used returns to
 *              its start value after munmap.
 *
 * SUBTEST: split-vram-range
 * Description: 8 MiB in VRAM; GRANULARITY 0 set on the middle 2 MiB splits
 *              the attribute range and moves nothing; munmap of another
 *              1 MiB drops vram_pages by exactly 256 pages without a
 *              migration; fresh memory mapped into the hole reads as
 *              zeros; the rest reads right on the GPU (in VRAM) and the CPU
 *              (device-private: one CPU fault per 2 MiB block of the
 *              granularity the data was migrated with, clipped to the VMA:
 *              4 faults, 1792 pages out).
 *
 * SUBTEST: prefetch-sysmem
 * Description: Data prefetched to GPU 0 and rewritten there by the GPU is
 *              prefetched to SYSMEM: exactly 1024 pages out, vram_pages back
 *              to its start value, the GPU and the CPU (no CPU fault) see
 *              the GPU's data; a second prefetch to SYSMEM moves nothing;
 *              half of the range prefetched to the GPU and the whole to
 *              SYSMEM moves exactly that half each way.
 *
 * SUBTEST: migrate-cpu-readback
 * Description: kfdtest MigrateTest: two 4 MiB buffers, three rounds each of
 *              prefetch to GPU 0, GPU FILL and COPY into the VRAM-resident
 *              buffer, GPU verify and CPU read-back. Device-private: each
 *              round moves 1024 pages in and the CPU read moves them out
 *              (2 CPU faults); coherent: the data stays in VRAM, later
 *              prefetches move nothing.
 *
 * SUBTEST: access-in-place
 * Description: With ACCESS_IN_PLACE for GPU 0, GPU read and write faults
 *              map system memory in place (no page moves); with ACCESS the
 *              first GPU read fault migrates its 2 MiB window (exactly 512
 *              pages in); malloc()ed memory without attributes reads back
 *              ACCESS_IN_PLACE from GET_ATTR and GPU faults on it move
 *              nothing. Data checked by the GPU and the CPU each time.
 *
 * SUBTEST: granularity
 * Description: kfdtest MigrateGranularityTest: a 2 MiB-aligned 2 MiB
 *              buffer with GRANULARITY 9, 4 and 0 set before the prefetch to
 *              GPU 0; the CPU reading every page takes exactly 1, 32 and
 *              512 CPU faults (device-private) moving all 512 pages out, or
 *              none and moves nothing (coherent); data right on both sides.
 *
 * SUBTEST: large-buffer
 * Description: kfdtest MigrateLargeBufTest: 64 MiB prefetched to GPU 0
 *              (16384 pages in, no eviction in the default 256 MiB VRAM),
 *              GPU checksum and verify, CPU checksum (device-private: 32
 *              CPU faults, 16384 pages out).
 *
 * SUBTEST: policy
 * Description: The placement policy of GPU faults: PREFERRED_LOC GPU 0
 *              makes a GPU 0 read fault migrate 512 pages in; PREFERRED_LOC
 *              SYSMEM makes a GPU fault on VRAM-resident data (unmapped from
 *              the GPU with NO_ACCESS, then given ACCESS) move its 512 pages
 *              out; with GPU_READ_MOSTLY and ACCESS a GPU read fault moves
 *              nothing and the write fault after it migrates 512 pages in.
 *              With 2 GPUs: data in GPU 1's VRAM with PREFERRED_LOC GPU 1
 *              and ACCESS for GPU 0 stays there on a GPU 0 fault (mapped
 *              over the peer link: no page moves); without a preferred
 *              location the GPU 0 fault moves its 512 pages directly from
 *              GPU 1's VRAM to GPU 0's.
 *
 * SUBTEST: migrate-races
 * Description: kfdtest MultiThreadMigrationTest: for 2 s, two CPU threads
 *              rewrite and check their own 2 MiB slices of an 8 MiB buffer,
 *              two GPU threads fill, copy into and verify two other slices,
 *              and a thread prefetches the whole buffer or one half to
 *              GPU 0 and to SYSMEM in turn (every prefetch returns 0). At the
 *              end, after a prefetch to SYSMEM, vram_pages is back to its
 *              start value, pages_in equals pages_out, no CPU fault was
 *              counted with coherent VRAM, and every slice holds exactly
 *              its last data for the GPU and the CPU.
 *
 * SUBTEST: file-backed
 * Description: kfdtest MigrateFileBackedRangeTest: MAP_SHARED and
 *              MAP_PRIVATE mappings of a tmpfs file (memfd) and of a file in
 *              /tmp with ACCESS and PREFERRED_LOC GPU 0: GPU read and write
 *              faults and a prefetch to GPU 0 (returning 0) leave every page
 *              in system memory (no counter moves), the GPU and the CPU see
 *              the data, the file takes the GPU's writes through MAP_SHARED
 *              and keeps its content under MAP_PRIVATE (also after CPU
 *              copy-on-write).
 *
 * SUBTEST: prefault-partial
 * Description: kfdtest PrefaultPartialRangeTest: a 4 MiB range with ACCESS
 *              for GPU 0 whose first and last 64 KiB were never touched;
 *              the first half is prefetched (512 pages in, the 16
 *              untouched ones zero-filled, not copied), then a GPU VERIFY
 *              over the whole faults the second half in (512 more pages in,
 *              16 zero-filled): the untouched pages read as zeros, the rest
 *              as the CPU wrote it; GPU writes to the zeroed pages reach the
 *              CPU.
 *
 * SUBTEST: exit-frees-vram
 * Description: A forked child opens GPU 0, prefetches 16 MiB to VRAM
 *              (its own counters: 4096 pages in, vram_pages 4096; vram_used
 *              grows by at least 16 MiB) and exits without munmap or close:
 *              vram_used returns to its start value within 2 s.
 *
 * SUBTEST: fork-child-fault
 * Description: 4 MiB in VRAM, then fork(): the child, which never opened a
 *              GPU, reads the data right with the CPU and writes its own
 *              copy. Device-private: the CPU faults and the 1024 pages moved
 *              out count in the parent's counters (2 faults); coherent:
 *              nothing moves. The parent's data is intact for its CPU and
 *              GPU.
 *
 * SUBTEST: overcommit-ranges
 * Description: kfdtest VramOvercommitTest with the module reloaded with
 *              vram_size=32M: 48 separate 1 MiB buffers prefetched to GPU 0
 *              in turn all succeed (12288 pages in), older ones are evicted
 *              (vram_evictions and pages_out grow, vram_pages stays within
 *              VRAM and equals pages in minus pages out), vram_used never
 *              exceeds vram_size, and every buffer reads right on the GPU
 *              and the CPU afterwards.
 * Test requirement: root, the vsvm module file
 *
 * SUBTEST: overcommit-giant
 * Description: kfdtest VramOvercommitGiantRangeTest with vram_size=32M: one
 *              64 MiB range prefetched to GPU 0 succeeds: every page moves
 *              in once, earlier 2 MiB pieces are evicted by later ones (512
 *              pages out per eviction), vram_used never exceeds vram_size
 *              (sampled during the prefetch), the data is right on the GPU
 *              and the CPU.
 * Test requirement: root, the vsvm module file
 *
 * SUBTEST: overcommit-many-waves
 * Description: With vram_size=16M num_cus=64: a GATHER of 64 waves, wave w
 *              reading 1024 words spread over 2 MiB window w % 24 of a
 *              48 MiB range preferring GPU 0, so one fault batch wants up to
 *              24 windows where the VRAM holds 8. The dispatch completes
 *              with every word right (a batch keeps the VRAM it filled until
 *              its replay and maps the rest in place, instead of evicting
 *              its own windows over and over: 32256 pages in for 12288
 *              without that), pages moved in but none twice, VRAM use stays
 *              within VRAM, and the CPU reads the data right.
 * Test requirement: root, the vsvm module file
 *
 * SUBTEST: svm-gem-evict
 * Description: With vram_size=32M: 8 MiB of SVM data in VRAM is evicted by
 *              32 MiB of VRAM buffer objects (vram_evictions grows, 512 pages
 *              out per eviction) and stays right for the GPU and the CPU;
 *              prefetching it again evicts buffer objects (QUERY_DEVICE
 *              evictions grows) and moves it in, and every buffer object
 *              still reads right through its CPU mapping and on the GPU.
 * Test requirement: root, the vsvm module file
 */

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt_core.h"
#include "vsvm_ctx.h"

IGT_TEST_DESCRIPTION("Shared virtual memory in VRAM: prefetch, migration policy and eviction.");

#define SUBTEST_TIMEOUT 120
#define KIB (1ULL << 10)
#define MIB (1ULL << 20)
#define PAGE VT_PAGE_SIZE
#define HUGE VT_HUGE_SIZE
/* pages of a 2 MiB granularity block, of a VRAM piece of a migration */
#define BLOCK_PAGES (HUGE / PAGE)
#define RW (PROT_READ | PROT_WRITE)
#define NSEC_PER_MSEC 1000000LL
/* how long freeing VRAM (munmap, exit) may take to show */
#define WAIT_MS 2000
#define SMALL_VRAM (32ULL << 20)
#define SYSMEM VSVM_SVM_LOCATION_SYSMEM

/* ---- helpers ----------------------------------------------------------------------------- */

static uint64_t elems(uint64_t bytes)
{
	return bytes / 8;
}

/* The element at byte offset @off of @p */
static uint64_t *at(uint64_t *p, uint64_t off)
{
	return p + elems(off);
}

/* ---- VRAM usage ---------------------------------------------------------------------------- */

/* QUERY_DEVICE without vt_query()'s debug line: polled often, it would flood the log */
static void query(int fd, struct drm_vsvm_query_device *q)
{
	int ret = vsvm_query_device(fd, q);

	igt_assert_f(ret == 0, "QUERY_DEVICE: %s\n", strerror(-ret));
}

static uint64_t vram_used(int fd)
{
	struct drm_vsvm_query_device q;

	query(fd, &q);
	return q.vram_used;
}

/* vram_used once it stopped changing (earlier asynchronous frees done), within 2 s */
static uint64_t vram_settled(int fd)
{
	int64_t end = vt_now_ns() + WAIT_MS * NSEC_PER_MSEC;
	uint64_t last = vram_used(fd), v;
	int same = 0;

	while (same < 5 && vt_now_ns() < end) {
		usleep(10000);
		v = vram_used(fd);
		same = v == last ? same + 1 : 0;
		last = v;
	}
	return last;
}

/* Wait (up to 2 s) for vram_used to come back to @want. */
static void wait_vram_used(int fd, uint64_t want, const char *what)
{
	int64_t end = vt_now_ns() + WAIT_MS * NSEC_PER_MSEC;
	uint64_t used;

	while ((used = vram_used(fd)) != want && vt_now_ns() < end)
		usleep(5000);
	igt_assert_f(used == want, "%s: vram_used %llu after %d ms, expected %llu\n", what,
		     (unsigned long long)used, WAIT_MS, (unsigned long long)want);
}

static void check_vram_bound(int fd, const char *when)
{
	struct drm_vsvm_query_device q;

	query(fd, &q);
	igt_assert_f(q.vram_used <= q.vram_size, "%s: vram_used %llu > vram_size %llu\n", when,
		     (unsigned long long)q.vram_used, (unsigned long long)q.vram_size);
}

/* ---- one GPU: a struct vt_ctx ------------------------------------------------------------ */

/* vram_used of each GPU when gpu_open() opened it */
static uint64_t used_at_open[VT_MAX_GPUS];

/*
 * Open GPU @g for a subtest (skipping unless it can hold SVM pages in VRAM);
 * gpu_close() checks that vram_used is back to its value now (the subtest
 * unmapped everything it put in VRAM).
 */
static struct vt_ctx *gpu_open(int g)
{
	struct vt_ctx *c = vt_ctx_open(g);

	vt_ctx_require_vram(c);
	used_at_open[g] = vram_settled(c->fd);
	return c;
}

static void gpu_close(struct vt_ctx *c)
{
	wait_vram_used(c->fd, used_at_open[c->gpu], "VRAM once everything is unmapped");
	vt_ctx_close(c);
}

/* The GPU finds seed + i * step in all @n elements of @src. */
static void gpu_check(struct vt_ctx *c, const void *src, uint64_t n, uint64_t seed, uint64_t step,
		      const char *what)
{
	uint64_t bad = vt_ctx_verify(c, src, n, seed, step);

	igt_assert_f(bad == 0, "%s: GPU %d finds %llu of %llu elements wrong\n", what, c->gpu,
		     (unsigned long long)bad, (unsigned long long)n);
}

/* ---- attributes -------------------------------------------------------------------------- */

static struct drm_vsvm_svm_attr attr(uint32_t type, uint32_t value)
{
	return (struct drm_vsvm_svm_attr){ .type = type, .value = value };
}

static void set_attrs(struct vt_ctx *c, const void *p, uint64_t size,
		      const struct drm_vsvm_svm_attr *a, unsigned int n)
{
	int ret = vsvm_svm_set_attr(c->fd, p, size, a, n);

	igt_assert_f(ret == 0, "SET_ATTR [%p +%#llx) of %u attributes (first %u = %#x): %s\n", p,
		     (unsigned long long)size, n, a[0].type, a[0].value, strerror(-ret));
}

/* One GET query: the value, and the type it was rewritten to in *@type_out */
static uint32_t get_attr(struct vt_ctx *c, const void *p, uint64_t size, uint32_t type,
			 uint32_t value, uint32_t *type_out)
{
	struct drm_vsvm_svm_attr a = attr(type, value);
	int ret = vsvm_svm_get_attr(c->fd, p, size, &a, 1);

	igt_assert_f(ret == 0, "GET_ATTR [%p +%#llx) type %u: %s\n", p, (unsigned long long)size,
		     type, strerror(-ret));
	*type_out = a.type;
	return a.value;
}

/* ---- migration counters (debugfs vsvm_svm) ------------------------------------------------ */

enum ctr { C_IN, C_OUT, C_CPU, C_EVICT, C_BYTES, C_VRAM, C_FAULTS, NUM_CTRS };

static const char *const ctr_names[NUM_CTRS] = {
	[C_IN] = "pages_in",
	[C_OUT] = "pages_out",
	[C_CPU] = "cpu_faults",
	[C_EVICT] = "vram_evictions",
	[C_BYTES] = "bytes_copied",
	[C_VRAM] = "vram_pages",
	[C_FAULTS] = "faults",
};

/* The counters of this process on one GPU at one moment */
struct snap {
	int g;
	uint64_t v[NUM_CTRS];
};

static uint64_t ctr(int g, enum ctr k)
{
	return vt_svm_count(vt_paths[g], ctr_names[k]);
}

static void snap_take(struct snap *s, int g)
{
	int k;

	s->g = g;
	for (k = 0; k < NUM_CTRS; k++)
		s->v[k] = ctr(g, k);
}

static uint64_t delta(const struct snap *then, const struct snap *now, enum ctr k)
{
	return now->v[k] - then->v[k];
}

/*
 * What moved since a snapshot: pages in and out, CPU faults, VRAM pieces
 * evicted, pages that were never populated (zero-filled in VRAM, not copied),
 * VRAM pages freed by munmap (gone without a migration) and pages out that
 * another GPU's copy engine moved (VRAM to VRAM: not copied here).
 */
struct moves {
	uint64_t in;
	uint64_t out;
	uint64_t cpu;
	uint64_t evictions;
	uint64_t zeroed;
	uint64_t freed;
	uint64_t peer_out;
};

static void check_delta(const char *what, int g, const char *name, uint64_t got, uint64_t want)
{
	igt_assert_f(got == want, "%s: %s of GPU %d changed by %lld, expected %lld\n", what, name,
		     g, (long long)got, (long long)want);
}

/* Exactly @m moved since @s on its GPU (bytes_copied and vram_pages follow from it). */
static void expect_moves(const struct snap *s, struct moves m, const char *what)
{
	struct snap now;

	snap_take(&now, s->g);
	igt_debug("%s: GPU %d pages_in +%llu pages_out +%llu cpu_faults +%llu vram_evictions +%llu "
		  "bytes_copied +%llu vram_pages %llu -> %llu\n", what, s->g,
		  (unsigned long long)delta(s, &now, C_IN),
		  (unsigned long long)delta(s, &now, C_OUT),
		  (unsigned long long)delta(s, &now, C_CPU),
		  (unsigned long long)delta(s, &now, C_EVICT),
		  (unsigned long long)delta(s, &now, C_BYTES), (unsigned long long)s->v[C_VRAM],
		  (unsigned long long)now.v[C_VRAM]);
	check_delta(what, s->g, "pages_in", delta(s, &now, C_IN), m.in);
	check_delta(what, s->g, "pages_out", delta(s, &now, C_OUT), m.out);
	check_delta(what, s->g, "cpu_faults", delta(s, &now, C_CPU), m.cpu);
	check_delta(what, s->g, "vram_evictions", delta(s, &now, C_EVICT), m.evictions);
	check_delta(what, s->g, "bytes_copied", delta(s, &now, C_BYTES),
		    PAGE * (m.in + m.out - m.zeroed - m.peer_out));
	check_delta(what, s->g, "vram_pages", delta(s, &now, C_VRAM), m.in - m.out - m.freed);
}

/*
 * What CPU accesses since @s moved: with device-private VRAM, @blocks CPU
 * faults moved @pages pages out of VRAM; coherent VRAM is used in place.
 */
static void expect_cpu_moves(const struct vt_ctx *c, const struct snap *s, uint64_t blocks,
			     uint64_t pages, const char *what)
{
	if (c->coherent)
		expect_moves(s, (struct moves){ 0 }, what);
	else
		expect_moves(s, (struct moves){ .out = pages, .cpu = blocks }, what);
}

/* The CPU finds seed + i * step in @n elements; the CPU side moved as expect_cpu_moves() says. */
static void cpu_check(const struct vt_ctx *c, const uint64_t *p, uint64_t n, uint64_t seed,
		      uint64_t step, uint64_t blocks, uint64_t pages, const char *what)
{
	struct snap s;

	snap_take(&s, c->gpu);
	vt_check_pattern(p, n, seed, step, what);
	expect_cpu_moves(c, &s, blocks, pages, what);
}

/* Wait (up to 2 s) for counter @k of GPU @g to be @want. */
static void wait_ctr(int g, enum ctr k, uint64_t want, const char *what)
{
	int64_t end = vt_now_ns() + WAIT_MS * NSEC_PER_MSEC;
	uint64_t v;

	while ((v = ctr(g, k)) != want && vt_now_ns() < end)
		usleep(5000);
	igt_assert_f(v == want, "%s: %s of GPU %d is %llu after %d ms, expected %llu\n", what,
		     ctr_names[k], g, (unsigned long long)v, WAIT_MS, (unsigned long long)want);
}

/* A counter of process @pid on GPU 0; false when it has no entry. */
static bool pid_counter(int pid, const char *name, uint64_t *v)
{
	char key[64];

	snprintf(key, sizeof(key), "%d.%s", pid, name);
	return vt_debugfs_value(vt_paths[0], "vsvm_svm", key, v);
}

/* ---- VRAM monitor ------------------------------------------------------------------------ */

/* A thread sampling vram_used while the main thread works */
struct vram_monitor {
	int fd;
	uint64_t size;
	atomic_bool stop;
	uint64_t max;
	unsigned long samples;
	pthread_t thread;
};

static void *vram_monitor_thread(void *arg)
{
	struct vram_monitor *m = arg;
	struct drm_vsvm_query_device q;

	while (!atomic_load(&m->stop)) {
		query(m->fd, &q);
		if (q.vram_used > m->max)
			m->max = q.vram_used;
		m->samples++;
		usleep(1000);
	}
	return NULL;
}

static void vram_monitor_start(struct vram_monitor *m, int fd)
{
	struct drm_vsvm_query_device q;

	query(fd, &q);
	m->fd = fd;
	m->size = q.vram_size;
	m->max = q.vram_used;
	m->samples = 0;
	atomic_store(&m->stop, false);
	igt_assert_eq(pthread_create(&m->thread, NULL, vram_monitor_thread, m), 0);
}

/* Stop the sampling; vram_used never exceeded vram_size. */
static void vram_monitor_stop(struct vram_monitor *m, const char *what)
{
	atomic_store(&m->stop, true);
	igt_assert_eq(pthread_join(m->thread, NULL), 0);
	igt_info("%s: vram_used at most %llu KiB of %llu KiB (%lu samples)\n", what,
		 (unsigned long long)(m->max / KIB), (unsigned long long)(m->size / KIB),
		 m->samples);
	igt_assert_f(m->max <= m->size, "%s: vram_used reached %llu > vram_size %llu\n", what,
		     (unsigned long long)m->max, (unsigned long long)m->size);
}

/* ---- module reloads with a small VRAM ------------------------------------------------------ */

static void small_vram_end(void)
{
	vt_module_reload_default();
	vt_num_gpus = vt_scan_render_nodes(vt_paths, VT_MAX_GPUS);
}

/* Reload vsvm with vram_size=32M (restored by small_vram_end() or the exit handler). */
static void small_vram_begin(void)
{
	struct drm_vsvm_query_device q;
	int fd;

	vt_require_module_reload();
	vt_module_reload("vram_size=32M");
	vt_num_gpus = vt_scan_render_nodes(vt_paths, VT_MAX_GPUS);
	igt_assert_lt(0, vt_num_gpus);
	fd = vt_open(vt_paths[0]);
	vt_query(fd, &q);
	vsvm_close(fd);
	igt_assert_eq_u64(q.vram_size, SMALL_VRAM);
	if (!(q.capabilities & VSVM_CAP_SVM_VRAM)) {
		small_vram_end();
		igt_skip("no VSVM_CAP_SVM_VRAM after the reload with vram_size=32M\n");
	}
}

/* ---- basic-vram ------------------------------------------------------------------------------ */

static void test_basic_vram(void)
{
	const uint64_t size = 4 * MIB, n = elems(size), np = size / PAGE;
	const uint64_t seed = 0xba5e000000ULL, value = 0xba5ef111ULL;
	uint64_t *buf, used;
	struct snap s;
	struct vt_ctx *c;

	c = gpu_open(0);
	buf = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed, 1);

	snap_take(&s, 0);
	vt_ctx_set_attr(c, buf, size, VSVM_SVM_ATTR_PREFETCH_LOC, c->gpu_id);
	expect_moves(&s, (struct moves){ .in = np }, "SET_ATTR PREFETCH_LOC of 4 MiB");
	used = vram_used(c->fd);
	igt_info("vram_used %llu KiB -> %llu KiB\n",
		 (unsigned long long)(used_at_open[c->gpu] / KIB),
		 (unsigned long long)(used / KIB));
	igt_assert_lte_u64(used_at_open[c->gpu] + size, used);

	/* mapped by the prefetch: the GPU reads and writes VRAM without a fault */
	gpu_check(c, buf, n, seed, 1, "data prefetched to VRAM");
	igt_assert_eq_u64(vt_ctx_sum(c, buf, n), vt_pattern_sum(seed, 1, n));
	vt_ctx_fill(c, buf, n, value);
	gpu_check(c, buf, n, value, 0, "VRAM the GPU filled");
	expect_moves(&s, (struct moves){ .in = np }, "GPU use of prefetched data");
	igt_assert_eq_u64(ctr(0, C_FAULTS), s.v[C_FAULTS]);

	cpu_check(c, buf, n, value, 0, size / HUGE, np, "VRAM the GPU filled, read by the CPU");
	gpu_check(c, buf, n, value, 0, "the GPU's data after the CPU read it");
	vt_unmap(buf, size);
	gpu_close(c);
}

/* ---- split-vram-range ------------------------------------------------------------------------ */

static void test_split_vram_range(void)
{
	const uint64_t size = 8 * MIB, n = elems(size), np = size / PAGE, seed = 0x5b1100000ULL;
	/* the attribute split [3 MiB, 5 MiB) and the hole [6 MiB, 7 MiB) */
	const uint64_t mid = 3 * MIB, mid_size = 2 * MIB, hole = 6 * MIB, hole_size = MIB;
	const uint64_t tail = hole + hole_size, hole_pages = hole_size / PAGE;
	uint64_t *buf, *fresh;
	uint32_t type;
	struct snap s;
	struct vt_ctx *c;

	c = gpu_open(0);
	buf = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed, 1);
	snap_take(&s, 0);
	vt_ctx_set_attr(c, buf, size, VSVM_SVM_ATTR_PREFETCH_LOC, c->gpu_id);
	expect_moves(&s, (struct moves){ .in = np }, "prefetch of 8 MiB");
	gpu_check(c, buf, n, seed, 1, "8 MiB in VRAM");

	/* a different granularity in the middle: the attribute range splits, nothing moves */
	vt_ctx_set_attr(c, at(buf, mid), mid_size, VSVM_SVM_ATTR_GRANULARITY, 0);
	igt_assert_eq_u32(get_attr(c, at(buf, mid), mid_size, VSVM_SVM_ATTR_GRANULARITY, 0,
				   &type), 0);
	igt_assert_eq_u32(get_attr(c, buf, mid, VSVM_SVM_ATTR_GRANULARITY, 0, &type),
			  VSVM_SVM_DEFAULT_GRANULARITY);
	gpu_check(c, buf, n, seed, 1, "8 MiB after the attribute split");
	expect_moves(&s, (struct moves){ .in = np }, "attribute split");

	/* munmap of a slice frees its VRAM pages without a migration */
	vt_unmap(at(buf, hole), hole_size);
	wait_ctr(0, C_VRAM, s.v[C_VRAM] + np - hole_pages, "munmap of 1 MiB in VRAM");
	expect_moves(&s, (struct moves){ .in = np, .freed = hole_pages }, "munmap of 1 MiB");

	/* new memory in the hole: zeros, no stale VRAM */
	fresh = mmap(at(buf, hole), hole_size, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	igt_assert(fresh == at(buf, hole));
	gpu_check(c, fresh, elems(hole_size), 0, 0, "fresh memory in the hole");

	gpu_check(c, buf, elems(hole), seed, 1, "VRAM before the hole");
	gpu_check(c, at(buf, tail), elems(size - tail), seed + elems(tail), 1,
		  "VRAM after the hole");
	expect_moves(&s, (struct moves){ .in = np, .freed = hole_pages }, "GPU reads after munmap");
	/* migrated with granularity 9: 2 MiB blocks, the last one clipped to the VMA */
	cpu_check(c, buf, elems(hole), seed, 1, hole / HUGE, hole / PAGE,
		  "VRAM before the hole, read by the CPU");
	cpu_check(c, at(buf, tail), elems(size - tail), seed + elems(tail), 1, 1,
		  (size - tail) / PAGE, "VRAM after the hole, read by the CPU");
	gpu_check(c, buf, elems(hole), seed, 1, "data before the hole after the CPU read");
	gpu_check(c, at(buf, tail), elems(size - tail), seed + elems(tail), 1,
		  "data after the hole after the CPU read");
	vt_unmap(buf, size);
	gpu_close(c);
}

/* ---- prefetch-sysmem ------------------------------------------------------------------------- */

static void test_prefetch_sysmem(void)
{
	const uint64_t size = 4 * MIB, n = elems(size), np = size / PAGE;
	const uint64_t seed = 0x5a5000000ULL, value = 0x5a5f111ULL;
	struct snap s, s2;
	uint64_t *buf;
	struct vt_ctx *c;

	c = gpu_open(0);
	buf = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed, 1);
	snap_take(&s, 0);
	vt_ctx_prefetch(c, buf, size, c->gpu_id);
	expect_moves(&s, (struct moves){ .in = np }, "prefetch of 4 MiB to GPU 0");
	gpu_check(c, buf, n, seed, 1, "data prefetched to VRAM");
	vt_ctx_fill(c, buf, n, value);
	gpu_check(c, buf, n, value, 0, "VRAM the GPU filled");

	snap_take(&s2, 0);
	vt_ctx_prefetch(c, buf, size, SYSMEM);
	expect_moves(&s2, (struct moves){ .out = np }, "prefetch of 4 MiB to SYSMEM");
	igt_assert_eq_u64(ctr(0, C_VRAM), s.v[C_VRAM]);
	gpu_check(c, buf, n, value, 0, "data prefetched to SYSMEM");
	cpu_check(c, buf, n, value, 0, 0, 0, "data prefetched to SYSMEM, read by the CPU");

	/* already there: nothing moves */
	snap_take(&s2, 0);
	vt_ctx_prefetch(c, buf, size, SYSMEM);
	expect_moves(&s2, (struct moves){ 0 }, "second prefetch to SYSMEM");

	/* half to the GPU, the whole to SYSMEM: that half moves each way */
	vt_ctx_prefetch(c, at(buf, size / 2), size / 2, c->gpu_id);
	expect_moves(&s2, (struct moves){ .in = np / 2 }, "prefetch of the second half to GPU 0");
	gpu_check(c, buf, n, value, 0, "half in VRAM, half in system memory");
	vt_ctx_prefetch(c, buf, size, SYSMEM);
	expect_moves(&s2, (struct moves){ .in = np / 2, .out = np / 2 },
		     "prefetch of the whole to SYSMEM");
	gpu_check(c, buf, n, value, 0, "data back in system memory");
	cpu_check(c, buf, n, value, 0, 0, 0, "data back in system memory, read by the CPU");
	vt_unmap(buf, size);
	gpu_close(c);
}

/* ---- migrate-cpu-readback -------------------------------------------------------------------- */

#define MCR_BUFS 2
#define MCR_ROUNDS 3

static void test_migrate_cpu_readback(void)
{
	const uint64_t size = 4 * MIB, n = elems(size), np = size / PAGE, half = n / 2;
	uint64_t *bufs[MCR_BUFS], *src;
	struct snap s;
	struct vt_ctx *c;
	int r, b;

	c = gpu_open(0);
	src = vt_map_at(size / 2, HUGE, 0, MAP_PRIVATE);
	for (b = 0; b < MCR_BUFS; b++) {
		bufs[b] = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
		vt_fill_pattern(bufs[b], n, 0x10000000ULL * (b + 1), 1);
	}
	for (r = 0; r < MCR_ROUNDS; r++) {
		for (b = 0; b < MCR_BUFS; b++) {
			uint64_t value = 0xfeed0000ULL + r * MCR_BUFS + b;
			uint64_t seed = 0xc0de000000ULL + ((uint64_t)(r * MCR_BUFS + b) << 24);
			/* device-private: the CPU read of the last round took the data back */
			uint64_t in = c->coherent && r > 0 ? 0 : np;
			uint64_t *buf = bufs[b];

			vt_fill_pattern(src, half, seed, 3);
			snap_take(&s, 0);
			vt_ctx_prefetch(c, buf, size, c->gpu_id);
			expect_moves(&s, (struct moves){ .in = in }, "prefetch to GPU 0");
			vt_ctx_fill(c, buf, half, value);
			vt_ctx_copy(c, buf + half, src, half);
			expect_moves(&s, (struct moves){ .in = in }, "GPU writes to VRAM");
			gpu_check(c, buf, half, value, 0, "VRAM the GPU filled");
			gpu_check(c, buf + half, half, seed, 3, "VRAM the GPU copied into");
			cpu_check(c, buf, half, value, 0, 1, np / 2,
				  "VRAM the GPU filled, read by the CPU");
			cpu_check(c, buf + half, half, seed, 3, 1, np / 2,
				  "VRAM the GPU copied into, read by the CPU");
		}
	}
	for (b = 0; b < MCR_BUFS; b++) {
		r = MCR_ROUNDS - 1;
		gpu_check(c, bufs[b], half, 0xfeed0000ULL + r * MCR_BUFS + b, 0,
			  "data after the last CPU read");
		vt_unmap(bufs[b], size);
	}
	vt_unmap(src, size / 2);
	gpu_close(c);
}

/* ---- access-in-place ------------------------------------------------------------------------- */

/* GPU read and write faults on @p (@n elements of seed + i): nothing moves. */
static void faults_in_place(struct vt_ctx *c, uint64_t *p, uint64_t n, uint64_t seed,
			    uint64_t value, const char *what)
{
	struct snap s;

	snap_take(&s, 0);
	gpu_check(c, p, n, seed, 1, what);
	vt_ctx_fill(c, p, n, value);
	gpu_check(c, p, n, value, 0, what);
	expect_moves(&s, (struct moves){ 0 }, what);
	igt_assert_f(ctr(0, C_FAULTS) > s.v[C_FAULTS], "%s: the GPU did not fault\n", what);
	cpu_check(c, p, n, value, 0, 0, 0, what);
}

static void test_access_in_place(void)
{
	const uint64_t size = HUGE, n = elems(size), np = size / PAGE, msize = 4 * MIB;
	uint64_t *a, *b, *m;
	uintptr_t lo, hi;
	uint32_t type;
	struct snap s;
	struct vt_ctx *c;

	c = gpu_open(0);

	/* ACCESS_IN_PLACE: faults map system memory */
	a = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	vt_fill_pattern(a, n, 0xa1000000ULL, 1);
	vt_ctx_set_attr(c, a, size, VSVM_SVM_ATTR_ACCESS_IN_PLACE, c->gpu_id);
	get_attr(c, a, size, VSVM_SVM_ATTR_ACCESS, c->gpu_id, &type);
	igt_assert_eq_u32(type, VSVM_SVM_ATTR_ACCESS_IN_PLACE);
	faults_in_place(c, a, n, 0xa1000000ULL, 0xa1a1, "ACCESS_IN_PLACE range");

	/* ACCESS: the first fault migrates its 2 MiB window */
	b = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	vt_fill_pattern(b, n, 0xa2000000ULL, 1);
	vt_ctx_set_attr(c, b, size, VSVM_SVM_ATTR_ACCESS, c->gpu_id);
	snap_take(&s, 0);
	gpu_check(c, b, n, 0xa2000000ULL, 1, "ACCESS range read by the GPU");
	expect_moves(&s, (struct moves){ .in = np }, "GPU read fault on an ACCESS range");
	vt_ctx_fill(c, b, n, 0xa2a2);
	gpu_check(c, b, n, 0xa2a2, 0, "ACCESS range written by the GPU");
	expect_moves(&s, (struct moves){ .in = np }, "GPU write to an ACCESS range in VRAM");
	cpu_check(c, b, n, 0xa2a2, 0, 1, np, "ACCESS range in VRAM read by the CPU");

	/* no attributes (malloc): in place */
	m = malloc(msize);
	igt_assert(m);
	vt_fill_pattern(m, elems(msize), 0xa3000000ULL, 1);
	lo = (vt_va(m) + PAGE - 1) & ~(PAGE - 1);
	hi = (vt_va(m) + msize) & ~(PAGE - 1);
	get_attr(c, (void *)lo, hi - lo, VSVM_SVM_ATTR_ACCESS, c->gpu_id, &type);
	igt_assert_f(type == VSVM_SVM_ATTR_ACCESS_IN_PLACE,
		     "GET_ATTR ACCESS of malloc()ed memory: type %u, expected ACCESS_IN_PLACE\n",
		     type);
	faults_in_place(c, m, elems(msize), 0xa3000000ULL, 0xa3a3, "malloc()ed memory");

	free(m);
	vt_unmap(a, size);
	vt_unmap(b, size);
	gpu_close(c);
}

/* ---- granularity ----------------------------------------------------------------------------- */

static void test_granularity(void)
{
	static const uint32_t grans[] = { 9, 4, 0 };
	const uint64_t n = elems(HUGE);
	/* all buffers live to the end: none reuses the addresses of another */
	uint64_t *bufs[ARRAY_SIZE(grans)];
	struct snap s;
	struct vt_ctx *c;
	unsigned int i;

	c = gpu_open(0);
	for (i = 0; i < ARRAY_SIZE(grans); i++) {
		uint64_t seed = 0x6a000000ULL * (i + 1), blocks = BLOCK_PAGES >> grans[i];
		char what[96];

		bufs[i] = vt_map_at(HUGE, HUGE, 0, MAP_PRIVATE);
		vt_fill_pattern(bufs[i], n, seed, 1);
		vt_ctx_set_attr(c, bufs[i], HUGE, VSVM_SVM_ATTR_GRANULARITY, grans[i]);
		snap_take(&s, 0);
		vt_ctx_prefetch(c, bufs[i], HUGE, c->gpu_id);
		snprintf(what, sizeof(what), "granularity %u: prefetch to GPU 0", grans[i]);
		expect_moves(&s, (struct moves){ .in = BLOCK_PAGES }, what);
		gpu_check(c, bufs[i], n, seed, 1, what);

		snap_take(&s, 0);
		snprintf(what, sizeof(what), "granularity %u: CPU read of every page", grans[i]);
		vt_check_pattern(bufs[i], n, seed, 1, what);
		igt_info("granularity %u: %llu CPU faults, %llu pages out\n", grans[i],
			 (unsigned long long)(ctr(0, C_CPU) - s.v[C_CPU]),
			 (unsigned long long)(ctr(0, C_OUT) - s.v[C_OUT]));
		expect_cpu_moves(c, &s, blocks, BLOCK_PAGES, what);
		gpu_check(c, bufs[i], n, seed, 1, what);
	}
	for (i = 0; i < ARRAY_SIZE(grans); i++)
		vt_unmap(bufs[i], HUGE);
	gpu_close(c);
}

/* ---- large-buffer ---------------------------------------------------------------------------- */

static void test_large_buffer(void)
{
	const uint64_t size = 64 * MIB, n = elems(size), np = size / PAGE, seed = 0x1a46e000000ULL;
	const uint64_t sum = vt_pattern_sum(seed, 7, n);
	uint64_t *buf;
	struct snap s;
	struct vt_ctx *c;

	c = gpu_open(0);
	buf = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed, 7);
	snap_take(&s, 0);
	vt_ctx_prefetch(c, buf, size, c->gpu_id);
	expect_moves(&s, (struct moves){ .in = np }, "prefetch of 64 MiB");
	igt_assert_lte_u64(used_at_open[c->gpu] + size, vram_used(c->fd));
	check_vram_bound(c->fd, "64 MiB in VRAM");

	igt_assert_eq_u64(vt_ctx_sum(c, buf, n), sum);
	gpu_check(c, buf, n, seed, 7, "64 MiB in VRAM");
	expect_moves(&s, (struct moves){ .in = np }, "GPU reads of 64 MiB in VRAM");

	snap_take(&s, 0);
	igt_assert_eq_u64(vt_cpu_sum(buf, n), sum);
	expect_cpu_moves(c, &s, size / HUGE, np, "CPU checksum of 64 MiB in VRAM");
	vt_unmap(buf, size);
	gpu_close(c);
}

/* ---- policy ---------------------------------------------------------------------------------- */

/* Data in GPU 1's VRAM, preferred there, with ACCESS for GPU 0: a GPU 0 fault maps it in place. */
static void policy_other_gpu(struct vt_ctx *c)
{
	const uint64_t n = elems(HUGE), seed = 0x9d000000ULL;
	struct snap s0, s1;
	uint64_t *buf;
	struct vt_ctx *c1;

	c1 = gpu_open(1);
	buf = vt_map_at(HUGE, HUGE, 0, MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed, 1);
	set_attrs(c, buf, HUGE,
		  (struct drm_vsvm_svm_attr[]){ attr(VSVM_SVM_ATTR_PREFERRED_LOC, c1->gpu_id),
						attr(VSVM_SVM_ATTR_ACCESS, c->gpu_id) }, 2);
	snap_take(&s0, 0);
	snap_take(&s1, 1);
	vt_ctx_prefetch(c1, buf, HUGE, c1->gpu_id);
	expect_moves(&s1, (struct moves){ .in = BLOCK_PAGES }, "prefetch to GPU 1");
	gpu_check(c1, buf, n, seed, 1, "data in GPU 1's VRAM");

	/* GPU 0 maps it over the peer link: it stays at its preferred location */
	gpu_check(c, buf, n, seed, 1, "GPU 1's data read by GPU 0");
	expect_moves(&s1, (struct moves){ .in = BLOCK_PAGES },
		     "GPU 0 fault on data in GPU 1's VRAM (GPU 1)");
	expect_moves(&s0, (struct moves){ 0 }, "GPU 0 fault on data in GPU 1's VRAM (GPU 0)");
	/*
	 * Without a preferred location GPU 0's ACCESS moves it straight from GPU 1
	 * (setting ACCESS again unmaps the range: the next access faults)
	 */
	set_attrs(c, buf, HUGE,
		  (struct drm_vsvm_svm_attr[]){ attr(VSVM_SVM_ATTR_PREFERRED_LOC,
						     VSVM_SVM_LOCATION_UNDEFINED),
						attr(VSVM_SVM_ATTR_ACCESS, c->gpu_id) }, 2);
	gpu_check(c, buf, n, seed, 1, "GPU 1's data read by GPU 0, no preferred location");
	expect_moves(&s1, (struct moves){ .in = BLOCK_PAGES, .out = BLOCK_PAGES,
					  .peer_out = BLOCK_PAGES },
		     "GPU 0 fault without a preferred location (GPU 1)");
	expect_moves(&s0, (struct moves){ .in = BLOCK_PAGES },
		     "GPU 0 fault without a preferred location (GPU 0)");
	cpu_check(c, buf, n, seed, 1, 1, BLOCK_PAGES, "data moved to GPU 0, read by the CPU");
	vt_unmap(buf, HUGE);
	gpu_close(c1);
}

static void test_policy(void)
{
	const uint64_t n = elems(HUGE), np = BLOCK_PAGES;
	uint64_t *pref, *sys, *rm, f0;
	struct snap s;
	struct vt_ctx *c;

	c = gpu_open(0);

	/* PREFERRED_LOC GPU 0: a GPU 0 read fault migrates */
	pref = vt_map_at(HUGE, HUGE, 0, MAP_PRIVATE);
	vt_fill_pattern(pref, n, 0x9a000000ULL, 1);
	vt_ctx_set_attr(c, pref, HUGE, VSVM_SVM_ATTR_PREFERRED_LOC, c->gpu_id);
	snap_take(&s, 0);
	gpu_check(c, pref, n, 0x9a000000ULL, 1, "range preferred on GPU 0");
	expect_moves(&s, (struct moves){ .in = np }, "GPU read fault, PREFERRED_LOC GPU 0");
	vt_ctx_fill(c, pref, n, 0x9a9a);
	gpu_check(c, pref, n, 0x9a9a, 0, "range preferred on GPU 0, written by the GPU");
	expect_moves(&s, (struct moves){ .in = np }, "GPU write, PREFERRED_LOC GPU 0");
	cpu_check(c, pref, n, 0x9a9a, 0, 1, np, "range preferred on GPU 0, read by the CPU");

	/* PREFERRED_LOC SYSMEM: a GPU fault on data in VRAM moves it back */
	sys = vt_map_at(HUGE, HUGE, 0, MAP_PRIVATE);
	vt_fill_pattern(sys, n, 0x9b000000ULL, 1);
	snap_take(&s, 0);
	vt_ctx_prefetch(c, sys, HUGE, c->gpu_id);
	gpu_check(c, sys, n, 0x9b000000ULL, 1, "data prefetched to VRAM");
	vt_ctx_set_attr(c, sys, HUGE, VSVM_SVM_ATTR_PREFERRED_LOC, SYSMEM);
	/* NO_ACCESS unmaps it from GPU 0 (the pages stay), ACCESS gives it back */
	vt_ctx_set_attr(c, sys, HUGE, VSVM_SVM_ATTR_NO_ACCESS, c->gpu_id);
	vt_ctx_set_attr(c, sys, HUGE, VSVM_SVM_ATTR_ACCESS, c->gpu_id);
	expect_moves(&s, (struct moves){ .in = np }, "prefetch, PREFERRED_LOC SYSMEM, NO_ACCESS");
	f0 = ctr(0, C_FAULTS);
	gpu_check(c, sys, n, 0x9b000000ULL, 1, "VRAM data preferred in SYSMEM");
	igt_assert_lt_u64(f0, ctr(0, C_FAULTS));
	expect_moves(&s, (struct moves){ .in = np, .out = np },
		     "GPU fault on VRAM data, PREFERRED_LOC SYSMEM");
	cpu_check(c, sys, n, 0x9b000000ULL, 1, 0, 0, "data moved back, read by the CPU");

	/* GPU_READ_MOSTLY with ACCESS: reads map in place, a write fault migrates */
	rm = vt_map_at(HUGE, HUGE, 0, MAP_PRIVATE);
	vt_fill_pattern(rm, n, 0x9c000000ULL, 1);
	set_attrs(c, rm, HUGE,
		  (struct drm_vsvm_svm_attr[]){ attr(VSVM_SVM_ATTR_SET_FLAGS,
						     VSVM_SVM_FLAG_GPU_READ_MOSTLY),
						attr(VSVM_SVM_ATTR_ACCESS, c->gpu_id) }, 2);
	snap_take(&s, 0);
	gpu_check(c, rm, n, 0x9c000000ULL, 1, "GPU_READ_MOSTLY range read by the GPU");
	expect_moves(&s, (struct moves){ 0 }, "GPU read fault, GPU_READ_MOSTLY and ACCESS");
	vt_ctx_fill(c, rm, n, 0x9c9c);
	expect_moves(&s, (struct moves){ .in = np }, "GPU write fault, GPU_READ_MOSTLY and ACCESS");
	gpu_check(c, rm, n, 0x9c9c, 0, "GPU_READ_MOSTLY range written by the GPU");
	cpu_check(c, rm, n, 0x9c9c, 0, 1, np, "GPU_READ_MOSTLY range read by the CPU");

	if (vt_num_gpus >= 2)
		policy_other_gpu(c);
	else
		igt_info("1 GPU: data in another GPU's VRAM not tested\n");

	vt_unmap(pref, HUGE);
	vt_unmap(sys, HUGE);
	vt_unmap(rm, HUGE);
	gpu_close(c);
}

/* ---- migrate-races --------------------------------------------------------------------------- */

#define RACE_SLICES 4
#define RACE_SLICE_ELEMS (HUGE / 8)
#define RACE_MS 2000
#define RACE_SRC_SEED 0x5c0000000ULL
#define RACE_SRC_STEP 11

struct race {
	struct vt_ctx *c; /* GPU 0 */
	uint64_t *buf; /* RACE_SLICES slices */
	uint64_t *src; /* COPY source in system memory */
	atomic_bool stop;
};

/* One thread: a CPU writer or a GPU writer of one slice, or the prefetcher */
struct racer {
	struct race *r;
	int slice;
	struct vt_ctx g; /* GPU writers: racer_gpu_open() */
	unsigned long loops;
	uint64_t seed, step; /* what the slice holds: seed + i * step */
	pthread_t thread;
};

/*
 * A GPU writer's own queue and result slot on @c's file (so in the same GPU
 * VM): a struct vt_ctx outside the pool, for racer_gpu_close() to undo.
 */
static void racer_gpu_open(struct vt_ctx *g, const struct vt_ctx *c)
{
	*g = (struct vt_ctx){ .gpu = c->gpu, .fd = c->fd, .gpu_id = c->gpu_id,
			      .coherent = c->coherent };
	g->q = vt_queue_create(c->fd, 0);
	vt_bo_create(&g->out, c->fd, PAGE, VSVM_GEM_DOMAIN_GTT, 0);
}

static void racer_gpu_close(struct vt_ctx *g)
{
	vt_queue_destroy(g->fd, g->q);
	vt_bo_destroy(&g->out);
}

static uint64_t *race_slice(const struct racer *t)
{
	return t->r->buf + t->slice * RACE_SLICE_ELEMS;
}

static void *race_cpu_writer(void *arg)
{
	struct racer *t = arg;
	uint64_t *p = race_slice(t);

	while (!atomic_load(&t->r->stop)) {
		uint64_t seed = ((uint64_t)(t->slice + 1) << 48) + ((uint64_t)(t->loops + 1) << 24);

		vt_fill_pattern(p, RACE_SLICE_ELEMS, seed, 1);
		vt_check_pattern(p, RACE_SLICE_ELEMS, seed, 1, "slice written by a CPU thread");
		t->seed = seed;
		t->step = 1;
		t->loops++;
	}
	return NULL;
}

static void *race_gpu_writer(void *arg)
{
	struct racer *t = arg;
	uint64_t *p = race_slice(t);

	while (!atomic_load(&t->r->stop)) {
		if (t->slice % 2 && t->loops % 2) {
			vt_ctx_copy(&t->g, p, t->r->src, RACE_SLICE_ELEMS);
			t->seed = RACE_SRC_SEED;
			t->step = RACE_SRC_STEP;
		} else {
			t->seed = ((uint64_t)(t->slice + 1) << 40) + t->loops + 1;
			t->step = 0;
			vt_ctx_fill(&t->g, p, RACE_SLICE_ELEMS, t->seed);
		}
		gpu_check(&t->g, p, RACE_SLICE_ELEMS, t->seed, t->step,
			  "slice written by a GPU thread");
		t->loops++;
	}
	return NULL;
}

static void *race_prefetcher(void *arg)
{
	const uint64_t size = RACE_SLICES * HUGE;
	struct racer *t = arg;
	struct race *r = t->r;

	while (!atomic_load(&r->stop)) {
		uint32_t loc = t->loops % 2 ? SYSMEM : r->c->gpu_id;
		/* the whole buffer, its first half, its second half in turn */
		unsigned int part = (t->loops / 2) % 3;
		uint64_t start = part == 2 ? size / 2 : 0, len = part ? size / 2 : size;
		int ret = vsvm_svm_prefetch(r->c->fd, at(r->buf, start), len, loc, 0, 0);

		igt_assert_f(ret == 0, "prefetch of [+%#llx, +%#llx) to %u: %s\n",
			     (unsigned long long)start, (unsigned long long)(start + len), loc,
			     strerror(-ret));
		t->loops++;
	}
	return NULL;
}

static void test_migrate_races(void)
{
	const uint64_t size = RACE_SLICES * HUGE;
	static void *(*const fns[RACE_SLICES + 1])(void *) = {
		race_cpu_writer, race_cpu_writer, race_gpu_writer, race_gpu_writer, race_prefetcher,
	};
	struct racer t[RACE_SLICES + 1];
	struct race r = {};
	struct snap s, now;
	struct vt_ctx *c;
	int i;

	c = gpu_open(0);
	r.c = c;
	r.buf = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	r.src = vt_map_at(HUGE, HUGE, 0, MAP_PRIVATE);
	vt_fill_pattern(r.src, RACE_SLICE_ELEMS, RACE_SRC_SEED, RACE_SRC_STEP);
	for (i = 0; i <= RACE_SLICES; i++) {
		t[i] = (struct racer){ .r = &r, .slice = i, .seed = 0x7ace000000ULL * (i + 1),
				       .step = 1 };
		if (i < RACE_SLICES)
			vt_fill_pattern(race_slice(&t[i]), RACE_SLICE_ELEMS, t[i].seed, 1);
		if (fns[i] == race_gpu_writer)
			racer_gpu_open(&t[i].g, c);
	}

	snap_take(&s, 0);
	for (i = 0; i <= RACE_SLICES; i++)
		igt_assert_eq(pthread_create(&t[i].thread, NULL, fns[i], &t[i]), 0);
	usleep(RACE_MS * 1000);
	atomic_store(&r.stop, true);
	for (i = 0; i <= RACE_SLICES; i++)
		igt_assert_eq(pthread_join(t[i].thread, NULL), 0);
	for (i = 0; i <= RACE_SLICES; i++) {
		igt_info("%s %d: %lu loops\n", i == RACE_SLICES ? "prefetcher" : "slice", i,
			 t[i].loops);
		igt_assert_lt(0, (int)t[i].loops);
	}

	/* everything back to system memory: in and out balance */
	vt_ctx_prefetch(c, r.buf, size, SYSMEM);
	snap_take(&now, 0);
	igt_info("races: %llu pages in, %llu out, %llu CPU faults, %llu KiB copied\n",
		 (unsigned long long)delta(&s, &now, C_IN),
		 (unsigned long long)delta(&s, &now, C_OUT),
		 (unsigned long long)delta(&s, &now, C_CPU),
		 (unsigned long long)(delta(&s, &now, C_BYTES) / KIB));
	igt_assert_eq_u64(now.v[C_VRAM], s.v[C_VRAM]);
	igt_assert_lt_u64(0, delta(&s, &now, C_IN));
	igt_assert_eq_u64(delta(&s, &now, C_IN), delta(&s, &now, C_OUT));
	igt_assert_eq_u64(delta(&s, &now, C_EVICT), 0);
	if (c->coherent)
		igt_assert_eq_u64(delta(&s, &now, C_CPU), 0);

	for (i = 0; i < RACE_SLICES; i++) {
		gpu_check(c, race_slice(&t[i]), RACE_SLICE_ELEMS, t[i].seed, t[i].step,
			  "final data of a slice");
		cpu_check(c, race_slice(&t[i]), RACE_SLICE_ELEMS, t[i].seed, t[i].step, 0, 0,
			  "final data of a slice, read by the CPU");
		if (fns[i] == race_gpu_writer)
			racer_gpu_close(&t[i].g);
	}
	vt_unmap(r.buf, size);
	vt_unmap(r.src, HUGE);
	gpu_close(c);
}

/* ---- file-backed ----------------------------------------------------------------------------- */

static int tmpfs_file(void)
{
	int fd = memfd_create("vsvm_svm_vram", MFD_CLOEXEC);

	igt_assert_f(fd >= 0, "memfd_create: %s\n", strerror(errno));
	return fd;
}

/*
 * A @flags (MAP_SHARED or MAP_PRIVATE) mapping of the file @fd with ACCESS
 * and PREFERRED_LOC GPU 0: GPU faults and a prefetch leave it in system
 * memory.
 */
static void file_mapping(struct vt_ctx *c, int fd, int flags, const char *name)
{
	const uint64_t size = 2 * MIB, n = elems(size), half = n / 2;
	const uint64_t seed = 0xf11e000000ULL, value = 0xf11ef11eULL, cow = 0xc0c0000000ULL;
	bool shared = flags == MAP_SHARED;
	char what[128];
	uint64_t *map;
	struct snap s;

	snprintf(what, sizeof(what), "%s %s mapping", name, shared ? "MAP_SHARED" : "MAP_PRIVATE");
	igt_assert_eq(ftruncate(fd, size), 0);
	vt_file_write_pattern(fd, 0, n, seed, 1);
	map = mmap(NULL, size, RW, flags, fd, 0);
	igt_assert_f(map != MAP_FAILED, "mmap of the %s: %s\n", what, strerror(errno));
	set_attrs(c, map, size,
		  (struct drm_vsvm_svm_attr[]){ attr(VSVM_SVM_ATTR_ACCESS, c->gpu_id),
						attr(VSVM_SVM_ATTR_PREFERRED_LOC, c->gpu_id) }, 2);

	snap_take(&s, 0);
	gpu_check(c, map, n, seed, 1, what);
	vt_ctx_fill(c, map, half, value);
	vt_ctx_prefetch(c, map, size, c->gpu_id);
	gpu_check(c, map, half, value, 0, what);
	gpu_check(c, map + half, half, seed + half, 1, what);
	vt_check_value(map, half, value, what);
	vt_check_pattern(map + half, half, seed + half, 1, what);
	expect_moves(&s, (struct moves){ 0 }, what);

	if (shared) {
		vt_file_check_pattern(fd, 0, half, value, 0, "file written by the GPU");
		vt_file_check_pattern(fd, half, half, seed, 1, "file written by the GPU");
	} else {
		/* copy-on-write by the CPU: anonymous pages of a file mapping stay too */
		vt_fill_pattern(map + half, half, cow, 1);
		vt_ctx_prefetch(c, map, size, c->gpu_id);
		gpu_check(c, map + half, half, cow, 1, what);
		vt_check_pattern(map + half, half, cow, 1, what);
		expect_moves(&s, (struct moves){ 0 }, what);
		vt_file_check_pattern(fd, 0, n, seed, 1, "file under a MAP_PRIVATE mapping");
	}
	vt_unmap(map, size);
	if (shared)
		vt_file_check_pattern(fd, 0, half, value, 0, "file after munmap");
}

static void test_file_backed(void)
{
	struct vt_ctx *c;
	int fd;

	c = gpu_open(0);
	fd = tmpfs_file();
	file_mapping(c, fd, MAP_SHARED, "tmpfs file");
	file_mapping(c, fd, MAP_PRIVATE, "tmpfs file");
	close(fd);
	fd = vt_tmp_file();
	file_mapping(c, fd, MAP_SHARED, "/tmp file");
	file_mapping(c, fd, MAP_PRIVATE, "/tmp file");
	close(fd);
	gpu_close(c);
}

/* ---- prefault-partial ------------------------------------------------------------------------ */

static void test_prefault_partial(void)
{
	const uint64_t size = 4 * MIB, n = elems(size), np = size / PAGE;
	const uint64_t hole = 64 * KIB, hn = elems(hole), hp = hole / PAGE;
	const uint64_t seed = 0x9a417000000ULL, value = 0x9a41f111ULL;
	uint64_t *buf, bad;
	struct snap s;
	struct vt_ctx *c;

	c = gpu_open(0);
	buf = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	/* 4 KiB pages: the first and last 64 KiB stay unpopulated */
	vt_madvise(buf, size, MADV_NOHUGEPAGE);
	vt_fill_pattern(buf + hn, n - 2 * hn, seed + hn, 1);
	vt_ctx_set_attr(c, buf, size, VSVM_SVM_ATTR_ACCESS, c->gpu_id);

	snap_take(&s, 0);
	vt_ctx_prefetch(c, buf, size / 2, c->gpu_id);
	expect_moves(&s, (struct moves){ .in = np / 2, .zeroed = hp },
		     "prefetch of the first half");
	bad = vt_ctx_verify(c, buf, n / 2, seed, 1);
	igt_assert_f(bad == hn,
		     "first half in VRAM: %llu elements differ, expected %llu (never touched)\n",
		     (unsigned long long)bad, (unsigned long long)hn);

	/* GPU faults over the whole: the second half migrates on its fault (ACCESS) */
	bad = vt_ctx_verify(c, buf, n, seed, 1);
	igt_assert_f(bad == 2 * hn, "whole range: %llu elements differ, expected %llu\n",
		     (unsigned long long)bad, (unsigned long long)(2 * hn));
	expect_moves(&s, (struct moves){ .in = np, .zeroed = 2 * hp },
		     "GPU faults over the whole range");
	gpu_check(c, buf, hn, 0, 0, "never-touched pages of the first half");
	gpu_check(c, buf + n - hn, hn, 0, 0, "never-touched pages of the second half");
	gpu_check(c, buf + hn, n - 2 * hn, seed + hn, 1, "CPU-written pages");

	/* GPU writes to the zero-filled pages */
	vt_ctx_fill(c, buf, hn, value);
	vt_ctx_fill(c, buf + n - hn, hn, value);
	gpu_check(c, buf, hn, value, 0, "GPU-written pages of the first half");
	gpu_check(c, buf + n - hn, hn, value, 0, "GPU-written pages of the second half");
	expect_moves(&s, (struct moves){ .in = np, .zeroed = 2 * hp }, "GPU writes in VRAM");

	snap_take(&s, 0);
	vt_check_value(buf, hn, value, "GPU-written pages of the first half (CPU)");
	vt_check_pattern(buf + hn, n - 2 * hn, seed + hn, 1, "CPU-written pages (CPU)");
	vt_check_value(buf + n - hn, hn, value, "GPU-written pages of the second half (CPU)");
	expect_cpu_moves(c, &s, size / HUGE, np, "CPU read of the whole range");
	vt_unmap(buf, size);
	gpu_close(c);
}

/* ---- exit-frees-vram ------------------------------------------------------------------------- */

static void test_exit_frees_vram(void)
{
	const uint64_t size = 16 * MIB, n = elems(size), np = size / PAGE, seed = 0xe1170000000ULL;
	uint64_t used0, used, in = 0, now = 0;
	bool have_in, have_now;
	int up[2], down[2], fd;
	pid_t pid = 0;
	char go = 1;

	fd = vt_open(vt_paths[0]);
	vt_require_svm_vram(fd);
	used0 = vram_settled(fd);
	igt_assert_eq(pipe(up), 0);
	igt_assert_eq(pipe(down), 0);
	igt_fork(child, 1) {
		uint64_t *buf = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
		pid_t me = getpid();
		struct vt_ctx *cc;
		char b;

		cc = gpu_open(0);
		vt_fill_pattern(buf, n, seed, 1);
		vt_ctx_prefetch(cc, buf, size, cc->gpu_id);
		gpu_check(cc, buf, n, seed, 1, "the child's data in VRAM");
		igt_assert_eq(write(up[1], &me, sizeof(me)), (ssize_t)sizeof(me));
		igt_assert_eq(read(down[0], &b, 1), 1);
		/* no munmap, no close */
		_exit(0);
	}
	/* a child that dies early closes its ends: the read below returns at once */
	close(up[1]);
	close(down[0]);
	igt_assert_eq(read(up[0], &pid, sizeof(pid)), (ssize_t)sizeof(pid));
	have_in = pid_counter(pid, "pages_in", &in);
	have_now = pid_counter(pid, "vram_pages", &now);
	used = vram_used(fd);
	igt_assert_eq(write(down[1], &go, 1), 1);
	igt_waitchildren();

	igt_info("child %d: %llu pages in, %llu in VRAM; vram_used %llu KiB -> %llu KiB\n", pid,
		 (unsigned long long)in, (unsigned long long)now, (unsigned long long)(used0 / KIB),
		 (unsigned long long)(used / KIB));
	igt_assert_f(have_in && have_now, "no counters of the child %d in vsvm_svm\n", pid);
	igt_assert_eq_u64(in, np);
	igt_assert_eq_u64(now, np);
	igt_assert_lte_u64(used0 + size, used);
	wait_vram_used(fd, used0, "after the child's exit");
	close(up[0]);
	close(down[1]);
	vsvm_close(fd);
}

/* ---- fork-child-fault ------------------------------------------------------------------------ */

static void test_fork_child_fault(void)
{
	const uint64_t size = 4 * MIB, n = elems(size), np = size / PAGE;
	const uint64_t seed = 0xf0f0000000ULL, child_seed = 0xc41d000000ULL;
	uint64_t *buf;
	struct snap s;
	struct vt_ctx *c;

	c = gpu_open(0);
	buf = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed, 1);
	snap_take(&s, 0);
	vt_ctx_prefetch(c, buf, size, c->gpu_id);
	expect_moves(&s, (struct moves){ .in = np }, "prefetch of 4 MiB");
	gpu_check(c, buf, n, seed, 1, "data in VRAM before the fork");

	snap_take(&s, 0);
	igt_fork(child, 1) {
		/* an mm that never opened a GPU */
		vt_check_pattern(buf, n, seed, 1, "the parent's VRAM data read by the child");
		vt_fill_pattern(buf, n, child_seed, 3);
		vt_check_pattern(buf, n, child_seed, 3, "the child's own copy");
	}
	igt_waitchildren();
	igt_info("child's CPU accesses: parent's cpu_faults +%llu, pages_out +%llu\n",
		 (unsigned long long)(ctr(0, C_CPU) - s.v[C_CPU]),
		 (unsigned long long)(ctr(0, C_OUT) - s.v[C_OUT]));
	expect_cpu_moves(c, &s, size / HUGE, np, "the child's CPU accesses (parent's counters)");

	snap_take(&s, 0);
	vt_check_pattern(buf, n, seed, 1, "the parent's data after the child's writes");
	gpu_check(c, buf, n, seed, 1, "the parent's data after the child's writes");
	expect_moves(&s, (struct moves){ 0 }, "the parent's accesses after the fork");
	vt_unmap(buf, size);
	gpu_close(c);
}

/* ---- overcommit-ranges ----------------------------------------------------------------------- */

#define OC_BUFS 48

static uint64_t oc_seed(int i)
{
	return 0x0c000000000ULL + ((uint64_t)i << 28);
}

static void test_overcommit_ranges(void)
{
	const uint64_t n = elems(MIB), np = MIB / PAGE;
	uint64_t *bufs[OC_BUFS], in, out, ev, resident;
	struct vram_monitor mon;
	struct snap s, now;
	struct vt_ctx *c;
	int i;

	small_vram_begin();
	c = gpu_open(0);
	snap_take(&s, 0);
	vram_monitor_start(&mon, c->fd);
	for (i = 0; i < OC_BUFS; i++) {
		bufs[i] = vt_map_at(MIB, MIB, 0, MAP_PRIVATE);
		vt_fill_pattern(bufs[i], n, oc_seed(i), i + 1);
		vt_ctx_prefetch(c, bufs[i], MIB, c->gpu_id);
		gpu_check(c, bufs[i], n, oc_seed(i), i + 1, "buffer just prefetched");
	}
	vram_monitor_stop(&mon, "48 MiB prefetched into 32 MiB of VRAM");
	check_vram_bound(c->fd, "48 MiB prefetched");

	snap_take(&now, 0);
	in = delta(&s, &now, C_IN);
	out = delta(&s, &now, C_OUT);
	ev = delta(&s, &now, C_EVICT);
	resident = now.v[C_VRAM] - s.v[C_VRAM];
	igt_info("%llu pages in, %llu out, %llu evictions, %llu pages in VRAM\n",
		 (unsigned long long)in, (unsigned long long)out, (unsigned long long)ev,
		 (unsigned long long)resident);
	igt_assert_eq_u64(in, OC_BUFS * np);
	igt_assert_lt_u64(0, ev);
	igt_assert_lt_u64(0, out);
	igt_assert_eq_u64(in - out, resident);
	igt_assert_lte_u64(resident * PAGE, SMALL_VRAM);
	igt_assert_eq_u64(delta(&s, &now, C_CPU), 0);
	igt_assert_eq_u64(delta(&s, &now, C_BYTES), PAGE * (in + out));

	/* every buffer, evicted or not: GPU first (nothing moves), then the CPU */
	for (i = 0; i < OC_BUFS; i++)
		gpu_check(c, bufs[i], n, oc_seed(i), i + 1, "buffer after the overcommit");
	expect_moves(&now, (struct moves){ 0 }, "GPU reads after the overcommit");
	for (i = 0; i < OC_BUFS; i++)
		vt_check_pattern(bufs[i], n, oc_seed(i), i + 1,
				 "buffer after the overcommit (CPU)");
	snap_take(&s, 0);
	if (c->coherent) {
		expect_moves(&now, (struct moves){ 0 }, "CPU reads after the overcommit");
	} else {
		check_delta("CPU reads after the overcommit", 0, "pages_out",
			    delta(&now, &s, C_OUT), resident);
		igt_assert_eq_u64(s.v[C_VRAM], now.v[C_VRAM] - resident);
		igt_assert_lt_u64(0, delta(&now, &s, C_CPU));
	}

	for (i = 0; i < OC_BUFS; i++)
		vt_unmap(bufs[i], MIB);
	gpu_close(c);
	small_vram_end();
}

/* ---- overcommit-giant ------------------------------------------------------------------------ */

static void test_overcommit_giant(void)
{
	const uint64_t size = 64 * MIB, n = elems(size), np = size / PAGE, seed = 0x61a47000000ULL;
	uint64_t *buf, out, ev, resident;
	struct vram_monitor mon;
	struct snap s, now;
	struct vt_ctx *c;

	small_vram_begin();
	c = gpu_open(0);
	buf = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed, 5);

	snap_take(&s, 0);
	vram_monitor_start(&mon, c->fd);
	vt_ctx_prefetch(c, buf, size, c->gpu_id);
	snap_take(&now, 0);
	out = delta(&s, &now, C_OUT);
	ev = delta(&s, &now, C_EVICT);
	resident = now.v[C_VRAM] - s.v[C_VRAM];
	igt_info("64 MiB in 32 MiB of VRAM: %llu pages in, %llu out, %llu evictions, "
		 "%llu pages in VRAM\n", (unsigned long long)delta(&s, &now, C_IN),
		 (unsigned long long)out, (unsigned long long)ev, (unsigned long long)resident);
	/* each page moved in once; earlier 2 MiB pieces were evicted whole */
	igt_assert_eq_u64(delta(&s, &now, C_IN), np);
	igt_assert_lt_u64(0, ev);
	igt_assert_eq_u64(out, ev * BLOCK_PAGES);
	igt_assert_eq_u64(np - out, resident);
	igt_assert_lt_u64(0, resident);
	igt_assert_lte_u64(resident * PAGE, SMALL_VRAM);
	igt_assert_eq_u64(delta(&s, &now, C_CPU), 0);
	igt_assert_eq_u64(delta(&s, &now, C_BYTES), PAGE * (np + out));

	gpu_check(c, buf, n, seed, 5, "64 MiB range after the prefetch");
	igt_assert_eq_u64(vt_ctx_sum(c, buf, n), vt_pattern_sum(seed, 5, n));
	vram_monitor_stop(&mon, "64 MiB prefetched into 32 MiB of VRAM");
	expect_moves(&now, (struct moves){ 0 }, "GPU reads of the 64 MiB range");

	snap_take(&s, 0);
	vt_check_pattern(buf, n, seed, 5, "64 MiB range read by the CPU");
	expect_cpu_moves(c, &s, resident / BLOCK_PAGES, resident, "CPU read of the 64 MiB range");
	vt_unmap(buf, size);
	gpu_close(c);
	small_vram_end();
}

/* ---- overcommit-many-waves ----------------------------------------------------------------- */

#define MW_VRAM (16 * MIB)
/* work items of a wave of the emulated GPU, and the 64 waves of the test */
#define MW_WAVE 1024
#define MW_ITEMS (64 * MW_WAVE)

static void test_overcommit_many_waves(void)
{
	const uint64_t size = 48 * MIB, n = elems(size), seed = 0x3a7e5000000ULL;
	const uint64_t windows = size / HUGE;
	struct drm_vsvm_query_device q;
	uint64_t *buf, *idx, *dst, i;
	struct snap s, now;
	struct vt_ctx *c;
	int fd;

	vt_require_module_reload();
	vt_module_reload("vram_size=16M num_cus=64 job_timeout_ms=120000");
	vt_num_gpus = vt_scan_render_nodes(vt_paths, VT_MAX_GPUS);
	igt_assert_lt(0, vt_num_gpus);
	fd = vt_open(vt_paths[0]);
	vt_query(fd, &q);
	vsvm_close(fd);
	igt_assert_eq_u64(q.vram_size, MW_VRAM);
	igt_assert_eq_u32(q.num_compute_units, 64);
	if (!(q.capabilities & VSVM_CAP_SVM_VRAM)) {
		small_vram_end();
		igt_skip("no VSVM_CAP_SVM_VRAM after the reload\n");
	}

	c = gpu_open(0);
	buf = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	idx = vt_map_at(MW_ITEMS * sizeof(*idx), PAGE, 0, MAP_PRIVATE);
	dst = vt_map_at(MW_ITEMS * sizeof(*dst), PAGE, 0, MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed, 3);
	for (i = 0; i < MW_ITEMS; i++)
		idx[i] = (i / MW_WAVE) % windows * elems(HUGE) + i % MW_WAVE * (elems(HUGE) / MW_WAVE);
	vt_ctx_set_attr(c, buf, size, VSVM_SVM_ATTR_PREFERRED_LOC, c->gpu_id);
	snap_take(&s, 0);
	vt_ctx_run(c, VSVM_KERNEL_GATHER, MW_ITEMS,
		   (uint64_t[6]){ vt_va(dst), vt_va(buf), vt_va(idx) });
	snap_take(&now, 0);
	igt_info("64 waves over 24 windows, 8 fit in VRAM: %llu faults, %llu pages in, "
		 "%llu evictions\n", (unsigned long long)delta(&s, &now, C_FAULTS),
		 (unsigned long long)delta(&s, &now, C_IN),
		 (unsigned long long)delta(&s, &now, C_EVICT));
	for (i = 0; i < MW_ITEMS; i++)
		igt_assert_f(dst[i] == seed + 3 * idx[i], "word %llu: %#llx, expected %#llx\n",
			     (unsigned long long)i, (unsigned long long)dst[i],
			     (unsigned long long)(seed + 3 * idx[i]));
	/* no page moved in twice: the batch did not evict the windows it filled */
	igt_assert_lt_u64(0, delta(&s, &now, C_IN));
	igt_assert_lte_u64(delta(&s, &now, C_IN), n / elems(PAGE));
	igt_assert_lte_u64((now.v[C_VRAM] - s.v[C_VRAM]) * PAGE, MW_VRAM);
	vt_check_pattern(buf, n, seed, 3, "48 MiB range read by the CPU");
	vt_unmap(idx, MW_ITEMS * sizeof(*idx));
	vt_unmap(dst, MW_ITEMS * sizeof(*dst));
	vt_unmap(buf, size);
	gpu_close(c);
	small_vram_end();
}

/* ---- svm-gem-evict --------------------------------------------------------------------------- */

#define GE_OBJS 8
#define GE_OBJ_SIZE (4 * MIB)

/* object @i: odd ones hold a CPU-written pattern, even ones a GPU FILL value */
static uint64_t ge_seed(int i)
{
	return i % 2 ? 0x6e0000000ULL * i : 0x6e6e0000ULL + i;
}

static uint64_t ge_step(int i)
{
	return i % 2 ? (uint64_t)i : 0;
}

static void test_svm_gem_evict(void)
{
	const uint64_t size = 8 * MIB, n = elems(size), np = size / PAGE, seed = 0x5e6e000000ULL;
	const uint64_t on = elems(GE_OBJ_SIZE);
	struct drm_vsvm_query_device q1, q2;
	struct vt_bo bos[GE_OBJS];
	uint64_t *svm, out, ev, resident, again;
	struct snap s, now;
	struct vt_ctx *c;
	int i;

	small_vram_begin();
	c = gpu_open(0);
	svm = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	vt_fill_pattern(svm, n, seed, 1);
	snap_take(&s, 0);
	vt_ctx_prefetch(c, svm, size, c->gpu_id);
	expect_moves(&s, (struct moves){ .in = np }, "prefetch of 8 MiB");
	gpu_check(c, svm, n, seed, 1, "SVM data in VRAM");

	/* a whole VRAM of buffer objects: the SVM pieces are evicted */
	snap_take(&s, 0);
	for (i = 0; i < GE_OBJS; i++) {
		vt_bo_create(&bos[i], c->fd, GE_OBJ_SIZE, VSVM_GEM_DOMAIN_VRAM, 0);
		if (i % 2)
			vt_fill_pattern(bos[i].map, on, ge_seed(i), ge_step(i));
		else
			vt_ctx_run(c, VSVM_KERNEL_FILL, on,
				   (uint64_t[6]){ bos[i].va, ge_seed(i) });
		check_vram_bound(c->fd, "creating VRAM objects");
	}
	snap_take(&now, 0);
	out = delta(&s, &now, C_OUT);
	ev = delta(&s, &now, C_EVICT);
	resident = now.v[C_VRAM] - (s.v[C_VRAM] - np);
	igt_info("32 MiB of VRAM objects: %llu SVM evictions, %llu pages out, %llu SVM pages "
		 "left in VRAM\n", (unsigned long long)ev, (unsigned long long)out,
		 (unsigned long long)resident);
	igt_assert_lt_u64(0, ev);
	expect_moves(&s, (struct moves){ .out = out, .evictions = ev }, "eviction by VRAM objects");
	igt_assert_eq_u64(out, ev * BLOCK_PAGES);

	gpu_check(c, svm, n, seed, 1, "SVM data after its eviction");
	expect_moves(&now, (struct moves){ 0 }, "GPU read of evicted SVM data");
	cpu_check(c, svm, n, seed, 1, resident / BLOCK_PAGES, resident,
		  "SVM data after its eviction, read by the CPU");

	/* SVM data back to VRAM: buffer objects are evicted */
	again = c->coherent ? np - resident : np;
	vt_query(c->fd, &q1);
	snap_take(&s, 0);
	vt_ctx_prefetch(c, svm, size, c->gpu_id);
	vt_query(c->fd, &q2);
	igt_info("prefetch again: %llu buffer-object evictions\n",
		 (unsigned long long)(q2.evictions - q1.evictions));
	expect_moves(&s, (struct moves){ .in = again }, "prefetch back into a full VRAM");
	igt_assert_lt_u64(q1.evictions, q2.evictions);
	igt_assert_lte_u64(q2.vram_used, q2.vram_size);
	gpu_check(c, svm, n, seed, 1, "SVM data back in VRAM");
	cpu_check(c, svm, n, seed, 1, size / HUGE, np, "SVM data back in VRAM, read by the CPU");

	for (i = 0; i < GE_OBJS; i++) {
		uint64_t bad;

		vt_check_pattern(bos[i].map, on, ge_seed(i), ge_step(i), "VRAM object (CPU)");
		bad = vt_gpu_verify(c->fd, c->q, bos[i].va, on, ge_seed(i), ge_step(i), c->out.va,
				    c->out.map);
		igt_assert_f(bad == 0, "VRAM object %d: %llu elements wrong (GPU)\n", i,
			     (unsigned long long)bad);
		vt_bo_destroy(&bos[i]);
	}
	vt_unmap(svm, size);
	gpu_close(c);
	small_vram_end();
}

igt_main
{
	igt_fixture {
		uint64_t v;
		int fd;

		vt_svm_gpus_require(1);
		fd = vt_open(vt_paths[0]);
		vt_require_svm_vram(fd);
		igt_require_f(vt_svm_counter(vt_paths[0], "faults", &v),
			      "no per-process counters in debugfs vsvm_svm\n");
		igt_info("GPU 0: %s VRAM\n",
			 vt_vram_coherent(fd) ? "device-coherent" : "device-private");
		vsvm_close(fd);
	}

	igt_describe("SET_ATTR PREFETCH_LOC moves data to VRAM; GPU and CPU use it.");
	igt_subtest("basic-vram") {
		igt_set_timeout(SUBTEST_TIMEOUT, "basic-vram");
		vt_ctx_reap();
		test_basic_vram();
	}

	igt_describe("Attribute splits and munmap of a VRAM range keep the rest right.");
	igt_subtest("split-vram-range") {
		igt_set_timeout(SUBTEST_TIMEOUT, "split-vram-range");
		vt_ctx_reap();
		test_split_vram_range();
	}

	igt_describe("Prefetch to SYSMEM moves VRAM data back, exactly.");
	igt_subtest("prefetch-sysmem") {
		igt_set_timeout(SUBTEST_TIMEOUT, "prefetch-sysmem");
		vt_ctx_reap();
		test_prefetch_sysmem();
	}

	igt_describe("The CPU reads back what the GPU wrote into VRAM.");
	igt_subtest("migrate-cpu-readback") {
		igt_set_timeout(SUBTEST_TIMEOUT, "migrate-cpu-readback");
		vt_ctx_reap();
		test_migrate_cpu_readback();
	}

	igt_describe("ACCESS_IN_PLACE and defaults map in place; ACCESS migrates.");
	igt_subtest("access-in-place") {
		igt_set_timeout(SUBTEST_TIMEOUT, "access-in-place");
		vt_ctx_reap();
		test_access_in_place();
	}

	igt_describe("CPU faults on VRAM data move granularity-sized blocks.");
	igt_subtest("granularity") {
		igt_set_timeout(SUBTEST_TIMEOUT, "granularity");
		vt_ctx_reap();
		test_granularity();
	}

	igt_describe("A 64 MiB buffer migrates to VRAM and back intact.");
	igt_subtest("large-buffer") {
		igt_set_timeout(SUBTEST_TIMEOUT, "large-buffer");
		vt_ctx_reap();
		test_large_buffer();
	}

	igt_describe("GPU faults follow PREFERRED_LOC, ACCESS and GPU_READ_MOSTLY.");
	igt_subtest("policy") {
		igt_set_timeout(SUBTEST_TIMEOUT, "policy");
		vt_ctx_reap();
		test_policy();
	}

	igt_describe("CPU, GPU and prefetch threads race on one buffer: no data lost.");
	igt_subtest("migrate-races") {
		igt_set_timeout(SUBTEST_TIMEOUT, "migrate-races");
		vt_ctx_reap();
		test_migrate_races();
	}

	igt_describe("File-backed mappings stay in system memory.");
	igt_subtest("file-backed") {
		igt_set_timeout(SUBTEST_TIMEOUT, "file-backed");
		vt_ctx_reap();
		test_file_backed();
	}

	igt_describe("Half prefetched, half faulted in; untouched pages are zeroed.");
	igt_subtest("prefault-partial") {
		igt_set_timeout(SUBTEST_TIMEOUT, "prefault-partial");
		vt_ctx_reap();
		test_prefault_partial();
	}

	igt_describe("A process exiting with SVM data in VRAM frees the VRAM.");
	igt_subtest("exit-frees-vram") {
		igt_set_timeout(SUBTEST_TIMEOUT, "exit-frees-vram");
		vt_ctx_reap();
		test_exit_frees_vram();
	}

	igt_describe("A forked child reads VRAM data; the faults count for the parent.");
	igt_subtest("fork-child-fault") {
		igt_set_timeout(SUBTEST_TIMEOUT, "fork-child-fault");
		vt_ctx_reap();
		test_fork_child_fault();
	}

	igt_describe("48 MiB of 1 MiB ranges prefetched into 32 MiB of VRAM.");
	igt_subtest("overcommit-ranges") {
		igt_set_timeout(SUBTEST_TIMEOUT, "overcommit-ranges");
		vt_ctx_reap();
		test_overcommit_ranges();
	}

	igt_describe("One 64 MiB range prefetched into 32 MiB of VRAM.");
	igt_subtest("overcommit-giant") {
		igt_set_timeout(SUBTEST_TIMEOUT, "overcommit-giant");
		vt_ctx_reap();
		test_overcommit_giant();
	}

	igt_describe("64 waves faulting at once over three times the VRAM.");
	igt_subtest("overcommit-many-waves") {
		igt_set_timeout(SUBTEST_TIMEOUT, "overcommit-many-waves");
		vt_ctx_reap();
		test_overcommit_many_waves();
	}

	igt_describe("SVM pieces and VRAM buffer objects evict each other intact.");
	igt_subtest("svm-gem-evict") {
		igt_set_timeout(SUBTEST_TIMEOUT, "svm-gem-evict");
		vt_ctx_reap();
		test_svm_gem_evict();
	}
}
