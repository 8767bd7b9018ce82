// SPDX-License-Identifier: MIT
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * TEST: vsvm svm multi
 * Description: Shared virtual memory on several GPUs and GPU atomics on
 *              system memory. All vsvm GPUs are peers: data moves from one
 *              GPU's VRAM to another's directly (the destination's copy
 *              engine copies: the source counts pages_out, the destination
 *              pages_in and bytes_copied, nothing goes through system
 *              memory), a GPU with in-place access maps another GPU's VRAM
 *              pages where they are, and the placement policy of GPU faults
 *              follows PREFERRED_LOC and ACCESS. Without the COHERENT flag a
 *              GPU atomic on a system page takes device-exclusive access to
 *              the page, which the CPU's next touch revokes (counter
 *              exclusive); atomics on VRAM pages need nothing. Every step
 *              checks the data with the GPU (VERIFY, CHECKSUM on the CPU
 *              pointers) and the CPU, and the per-process counters of every
 *              GPU the subtest opened (DRM_IOCTL_VSVM_SVM_COUNTERS: pages_in,
 *              pages_out, bytes_copied, vram_pages, cpu_faults, faults,
 *              pages_mapped, exclusive, fatal, vram_evictions) by deltas:
 *              a counter a step does not mention must not change, on any
 *              GPU. With device-private VRAM a CPU access to VRAM data
 *              migrates its 2 MiB block back; with coherent VRAM
 *              (VSVM_CAP_VRAM_COHERENT) nothing moves; each subtest asserts
 *              the behaviour of the mode it runs in; munmap() of data left
 *              in VRAM frees it (vram_pages back within 2 s) without moving
 *              it. Subtests that need more GPUs than the module has reload
 *              it with num_gpus=4 vram_size=64M (3 or 4 GPUs) or
 *              num_gpus=8 vram_size=32M, and job_timeout_ms=60000 (after
 *              $VSVM_MODULE_PARAMS, so the VRAM mode stays) and the test
 *              loads the defaults again at the end.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: Memory management
 * Functionality: shared virtual memory on several GPUs
 * Feature: svm
 * Test category: uAPI
 * Test requirement: VSVM_CAP_SVM_VRAM, 2 GPUs; root and the vsvm module
 *                   file for the subtests with 3 to 8 GPUs
 *
 * SUBTEST: peer-access
 * Description: 2 MiB prefetched to GPU A's VRAM, GPU B with in-place access
 *              (once without attributes, once with ACCESS_IN_PLACE set): B's
 *              reads fault and map A's pages in place (pages_mapped grows,
 *              no page moves: A's pages_out, B's pages_in and bytes_copied
 *              unchanged); B's COPY into the buffer writes A's VRAM in place;
 *              A reads B's data without a fault; the CPU reads it
 *              (device-private: 1 CPU fault brings the 512 pages back from
 *              A; coherent: nothing moves) and B reads it again (faulting
 *              again in system memory with device-private VRAM, without a
 *              fault with coherent VRAM).
 *
 * SUBTEST: atomics-sysmem-thp
 * Description: Without COHERENT on a page of counters inside a transparent
 *              huge page (2 MiB aligned, MADV_HUGEPAGE; skipped when no THP
 *              backs it): two GPUs run ATOMIC_ADD dispatches on 8 counters
 *              while two CPU threads __atomic_fetch_add() to the same
 *              counters; every counter ends at the exact total, each GPU's
 *              exclusive counter grew (debugfs vsvm_svm agrees with the
 *              ioctl), nothing migrated, the rest of the huge page kept its
 *              data and the GPU's checksum of the counters is right.
 *
 * SUBTEST: atomics-sysmem-4k
 * Description: atomics-sysmem-thp with 4 KiB pages (MADV_NOHUGEPAGE).
 *
 * SUBTEST: atomics-sysmem-coherent
 * Description: atomics-sysmem-4k with COHERENT (memory without
 *              attributes): the exact total, and no GPU takes exclusive
 *              access (exclusive unchanged).
 *
 * SUBTEST: atomics-cpu-touch
 * Description: A counter without COHERENT: each GPU atomic dispatch after a
 *              CPU touch faults and takes exclusive access, a second
 *              dispatch right after it neither faults nor takes it again;
 *              then long dispatches on the one counter run while the CPU
 *              reads it and adds to it every millisecond: the total is
 *              exact, and faults and exclusive grew by more than the number
 *              of dispatches (the GPU faulted again after CPU touches); a
 *              GPU read takes no exclusive access.
 *
 * SUBTEST: atomics-vram
 * Description: 8 counters without COHERENT prefetched to GPU A's VRAM:
 *              A's atomics need no fault and no exclusive access, GPU B's
 *              atomics reach A's VRAM in place (peer, nothing moves, no
 *              exclusive access), then both GPUs add concurrently; the
 *              totals are exact for A's VERIFY/CHECKSUM and the CPU.
 *
 * SUBTEST: bad-input
 * Description: PREFETCH to the gpu_id of a GPU the process has not opened
 *              or to an unknown gpu_id, and ACCESS, ACCESS_IN_PLACE,
 *              PREFERRED_LOC and PREFETCH_LOC for them fail with EINVAL and
 *              move nothing; once the process opened the GPU the prefetch
 *              works. Atomics stay fatal (EFAULT, queue FAULTED with
 *              VSVM_ACCESS_ATOMIC at an address of the range, fatal + 1, no
 *              exclusive access, data unchanged) on a GPU_RO range with and
 *              without COHERENT and on a read-only CPU mapping without
 *              COHERENT.
 *
 * SUBTEST: vram-to-vram-pairs
 * Description: With 4 GPUs, for every ordered pair (A, B): 2 MiB prefetched
 *              to A, then to B through A's file (A 512 pages out and no
 *              bytes copied, B 512 pages in and 2 MiB copied, vram_pages
 *              follow, no other GPU changes), back to A through B's file,
 *              then with ACCESS for B a GPU fault of B moves it to B the
 *              same way; each GPU reads it right where it landed and the
 *              CPU reads it at the end.
 *
 * SUBTEST: preferred-location
 * Description: With 3 GPUs, 4 MiB with PREFERRED_LOC = A and ACCESS for B
 *              and C: B's faults move the data to A (A 1024 pages in, B and
 *              C none, the bytes copied add up to 4 MiB), C's faults map it
 *              remotely, repeated reads fault no more; PREFERRED_LOC = B
 *              and B's next faults move it from A to B directly, C maps it
 *              remotely; PREFERRED_LOC = SYSMEM and C's next faults bring it
 *              back to system memory (B 1024 pages out), B maps it there; the
 *              data is right on every GPU and the CPU (no CPU fault).
 *
 * SUBTEST: mixed-placement
 * Description: With 3 GPUs with ACCESS_IN_PLACE, a 4 MiB range with 1 MiB
 *              in GPU A's VRAM, 1 MiB in GPU B's and the rest in system
 *              memory: each GPU reads the whole range right (VERIFY,
 *              CHECKSUM: every page mapped where it is) and writes its own
 *              pattern over a part that crosses placements; no page moves;
 *              every GPU and the CPU read the four parts right; with
 *              device-private VRAM the CPU reads bring exactly A's 256 and
 *              B's 256 pages back.
 *
 * SUBTEST: concurrent-prefetch
 * Description: With 3 GPUs, four threads prefetch 4 MiB (whole or 2 MiB
 *              slices) to GPU 0, GPU 1, GPU 2 and system memory over and
 *              over while GPU 0 and GPU 1 VERIFY and CHECKSUM it and the CPU
 *              reads it: every prefetch and dispatch returns 0 and every
 *              read is right; after a prefetch to system memory every GPU's
 *              vram_pages is back and pages_in equals pages_out on each GPU
 *              (no CPU fault with coherent VRAM); then prefetches from
 *              system memory to GPU 2 and from GPU 2 to GPU 0 count exactly.
 *
 * SUBTEST: vram-to-vram-ring
 * Description: With 8 GPUs, 4 MiB goes around the ring GPU 0 -> 1 -> ... ->
 *              7 -> 0 by prefetches (the ioctl through the source's file and
 *              SET_ATTR PREFETCH_LOC through the destination's in turn) and,
 *              with ACCESS for every GPU, by GPU faults of the next GPU: each
 *              hop counts exactly 1024 pages out of the source, 1024 pages
 *              in and 4 MiB copied on the destination and nothing elsewhere;
 *              every holder reads the data right and the CPU at the end.
 */

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt_core.h"
#include "vsvm_ctx.h"
#include "vsvm_test.h"

IGT_TEST_DESCRIPTION("Shared virtual memory on several GPUs and GPU atomics on system memory.");

#define MAX_GPUS 8
#define SUBTEST_TIMEOUT 120
#define KIB (1ULL << 10)
#define MIB (1ULL << 20)
#define PAGE VT_PAGE_SIZE
#define HUGE VT_HUGE_SIZE
#define RW (PROT_READ | PROT_WRITE)
#define LOC_SYSMEM VSVM_SVM_LOCATION_SYSMEM
#define NSEC_PER_MSEC 1000000LL
#define DISPATCH_TIMEOUT_NS (VT_DISPATCH_TIMEOUT_MS * NSEC_PER_MSEC)
#define JUNK 0xdeadbeefU
#define JUNK64 0xbad0bad0bad0bad0ULL
/* how long freed VRAM may take to leave the counters */
#define RELEASE_TIMEOUT_MS 2000
/*
 * Reloads for more GPUs: 4 x 64 MiB and 8 x 32 MiB of VRAM fit the 768 MiB
 * reservation of the coherent pass (GPU i at vram_phys + i * vram_size) and
 * the guest's memory; the subtests use at most 8 MiB per GPU. The job
 * timeout is the host's wait (VT_DISPATCH_TIMEOUT_MS): under TCG, with four
 * threads moving the same pages between GPUs, a dispatch that keeps faulting
 * took up to 6.8 s on a host building a kernel, and once more than the
 * default 10 s with three VMs on its two cores; no subtest here wants a hang.
 */
#define PARAMS_4_GPUS "num_gpus=4 vram_size=64M job_timeout_ms=60000"
#define PARAMS_8_GPUS "num_gpus=8 vram_size=32M job_timeout_ms=60000"

/* vram-to-vram-ring has a context open on each of MAX_GPUS GPUs */
_Static_assert(MAX_GPUS <= VT_MAX_CTX, "more GPUs than contexts");

/* the module was reloaded with other parameters: load the defaults at the end */
static bool reloaded;

/* ---- helpers ----------------------------------------------------------------------------- */

static uint64_t elems(uint64_t bytes)
{
	return bytes / 8;
}

static uint64_t pages(uint64_t bytes)
{
	return bytes / PAGE;
}

/* 2 MiB fault windows (granularity 9) of a 2 MiB-aligned buffer of @bytes */
static uint64_t windows(uint64_t bytes)
{
	return (bytes + HUGE - 1) / HUGE;
}

/* AnonHugePages (kB) of the mapping that holds @p, from /proc/self/smaps */
static uint64_t anon_huge_kb(const void *p)
{
	unsigned long long kb = 0;
	unsigned long lo, hi;
	bool inside = false;
	char line[512];
	FILE *f;

	f = fopen("/proc/self/smaps", "re");
	igt_assert_f(f, "/proc/self/smaps: %s\n", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			if (inside)
				break;
			inside = (uintptr_t)p >= lo && (uintptr_t)p < hi;
		} else if (inside && sscanf(line, "AnonHugePages: %llu kB", &kb) == 1) {
			break;
		}
	}
	fclose(f);
	return kb;
}

/* ---- GPUs -------------------------------------------------------------------------------- */

/*
 * The GPUs a subtest opened: gpus[g] is GPU g, with its context (NULL while
 * closed), its counters as the last check saw them and its vram_pages when
 * it was opened.
 */
static struct gpu {
	struct vt_ctx *c;
	struct drm_vsvm_svm_counters m;
	uint64_t vram0;
} gpus[MAX_GPUS];

/* Close the contexts a failed subtest left open (vt_ctx_reap()) and forget them. */
static void gpus_reap(void)
{
	vt_ctx_reap();
	memset(gpus, 0, sizeof(gpus));
}

/* Open GPU @gpu (skipping unless it can hold SVM pages in VRAM) and remember its counters. */
static struct vt_ctx *gpu_open(int gpu)
{
	struct vt_ctx *c;

	igt_assert(gpu < MAX_GPUS && !gpus[gpu].c);
	c = vt_ctx_open(gpu);
	gpus[gpu].c = c;
	vt_ctx_require_vram(c);
	vt_ctx_counters(c, &gpus[gpu].m);
	gpus[gpu].vram0 = gpus[gpu].m.vram_pages;
	return c;
}

/* Open GPUs 0 .. @n - 1 into @g */
static void open_gpus(int n, struct vt_ctx **g)
{
	int i;

	for (i = 0; i < n; i++)
		g[i] = gpu_open(i);
}

static void close_gpus(void)
{
	int i;

	for (i = 0; i < MAX_GPUS; i++) {
		if (!gpus[i].c)
			continue;
		vt_ctx_close(gpus[i].c);
		gpus[i].c = NULL;
	}
}

static void gpu_atomic(struct vt_ctx *c, uint64_t *counters, uint64_t value, uint64_t ncnt,
		       uint64_t grid)
{
	vt_ctx_run(c, VSVM_KERNEL_ATOMIC_ADD, grid, (uint64_t[6]){ vt_va(counters), value, ncnt });
}

/* A dispatch that does not assert (for threads): 0 or the error; the result slot in *@out */
static int gpu_try(struct vt_ctx *c, uint32_t kernel, uint64_t grid, const uint64_t *args,
		   uint64_t *out)
{
	volatile uint64_t *slot = c->out.map;
	int ret;

	*slot = JUNK64;
	ret = vsvm_dispatch_sync(c->fd, c->q, kernel, grid, args, DISPATCH_TIMEOUT_NS);
	vt_gpu_barrier();
	*out = *slot;
	return ret;
}

/* SET_ATTR of several attributes at once (vt_ctx_set_attr() sets one) */
static void set_attrs(struct vt_ctx *c, const void *p, uint64_t size,
		      const struct drm_vsvm_svm_attr *attrs, unsigned int nattr)
{
	int ret = vsvm_svm_set_attr(c->fd, p, size, attrs, nattr);

	igt_assert_f(ret == 0, "SET_ATTR (%u attributes, first type %u value %#x) on %p+%#llx: %s\n",
		     nattr, attrs[0].type, attrs[0].value, p, (unsigned long long)size,
		     strerror(-ret));
}

/* ---- counters ---------------------------------------------------------------------------- */

/* Expected change of a counter: lo <= change <= hi */
struct range {
	int64_t lo;
	int64_t hi;
};

#define EQ(x) { (int64_t)(x), (int64_t)(x) }
#define AT_LEAST(x) { (int64_t)(x), INT64_MAX }
#define ANY { INT64_MIN, INT64_MAX }

/*
 * Expected changes of the counters of one GPU. A field left out must not
 * change; vram_evictions must never change in these subtests.
 */
struct delta {
	struct range faults;
	struct range pages_mapped;
	struct range pages_in;
	struct range pages_out;
	struct range cpu_faults;
	struct range bytes_copied;
	struct range vram_pages;
	struct range exclusive;
	struct range fatal;
};

static void check_range(const struct vt_ctx *c, const char *what, const char *name, int64_t got,
			struct range want)
{
	char exp[64];

	if (want.lo == want.hi)
		snprintf(exp, sizeof(exp), "%lld", (long long)want.lo);
	else
		snprintf(exp, sizeof(exp), "at least %lld", (long long)want.lo);
	igt_assert_f(got >= want.lo && got <= want.hi,
		     "%s: %s of GPU %d changed by %lld, expected %s\n", what, name, c->gpu,
		     (long long)got, exp);
}

/* Assert the changes of @c's counters since the last check, then remember them. */
static void expect_counters(struct vt_ctx *c, const struct delta *d, const char *what)
{
	struct drm_vsvm_svm_counters now, *m = &gpus[c->gpu].m;

	vt_ctx_counters(c, &now);
#define DIFF(f) ((int64_t)(now.f - m->f))
	igt_debug("%s, GPU %d: faults %+lld pages_mapped %+lld pages_in %+lld pages_out %+lld cpu_faults %+lld bytes_copied %+lld vram_pages %+lld exclusive %+lld fatal %+lld\n",
		  what, c->gpu, (long long)DIFF(faults), (long long)DIFF(pages_mapped),
		  (long long)DIFF(pages_in), (long long)DIFF(pages_out),
		  (long long)DIFF(cpu_faults), (long long)DIFF(bytes_copied),
		  (long long)DIFF(vram_pages), (long long)DIFF(exclusive), (long long)DIFF(fatal));
#define CHECK(f, want) check_range(c, what, #f, DIFF(f), want)
	CHECK(pages_in, d->pages_in);
	CHECK(pages_out, d->pages_out);
	CHECK(bytes_copied, d->bytes_copied);
	CHECK(vram_pages, d->vram_pages);
	CHECK(cpu_faults, d->cpu_faults);
	CHECK(exclusive, d->exclusive);
	CHECK(fatal, d->fatal);
	CHECK(faults, d->faults);
	CHECK(pages_mapped, d->pages_mapped);
	CHECK(vram_evictions, (struct range)EQ(0));
#undef CHECK
#undef DIFF
	*m = now;
}

#define EXPECT(c, what, ...) expect_counters(c, &(const struct delta){ __VA_ARGS__ }, what)

/* Nothing changed on the open GPUs other than @x and @y (either may be NULL). */
static void expect_quiet(const char *what, const struct vt_ctx *x, const struct vt_ctx *y)
{
	int i;

	for (i = 0; i < MAX_GPUS; i++)
		if (gpus[i].c && gpus[i].c != x && gpus[i].c != y)
			EXPECT(gpus[i].c, what);
}

/* Remember the counters of every open GPU as they are now. */
static void mark_all(void)
{
	int i;

	for (i = 0; i < MAX_GPUS; i++)
		if (gpus[i].c)
			vt_ctx_counters(gpus[i].c, &gpus[i].m);
}

/* Sum over the open GPUs of the counter at @offset in the remembered counters */
static uint64_t counter_sum(size_t offset)
{
	uint64_t s = 0;
	int i;

	for (i = 0; i < MAX_GPUS; i++)
		if (gpus[i].c)
			s += *(const uint64_t *)((const char *)&gpus[i].m + offset);
	return s;
}

#define SUM(field) counter_sum(offsetof(struct drm_vsvm_svm_counters, field))

/*
 * The CPU accessed every page of @size bytes of 2 MiB-aligned data in @c's
 * VRAM: with device-private VRAM one CPU fault per 2 MiB block brought every
 * page back (@c's copy engine copies), with coherent VRAM nothing moved.
 */
static void expect_cpu_read(struct vt_ctx *c, uint64_t size, const char *what)
{
	const int64_t np = pages(size);

	if (c->coherent)
		EXPECT(c, what);
	else
		EXPECT(c, what, .pages_out = EQ(np), .cpu_faults = EQ(windows(size)),
		       .bytes_copied = EQ(size), .vram_pages = EQ(-np));
	expect_quiet(what, c, NULL);
}

/*
 * @size bytes moved from @from's VRAM to @to's directly, by a prefetch or
 * (@fault) by GPU faults of @to on every 2 MiB window: @to's copy engine
 * copied, nothing went through system memory, no other GPU changed.
 */
static void expect_vram_move(struct vt_ctx *from, struct vt_ctx *to, uint64_t size, bool fault,
			     const char *what)
{
	const int64_t np = pages(size);

	EXPECT(from, what, .pages_out = EQ(np), .vram_pages = EQ(-np));
	if (fault)
		EXPECT(to, what, .faults = AT_LEAST(windows(size)), .pages_mapped = AT_LEAST(np),
		       .pages_in = EQ(np), .bytes_copied = EQ(size), .vram_pages = EQ(np));
	else
		EXPECT(to, what, .pages_mapped = ANY, .pages_in = EQ(np), .bytes_copied = EQ(size),
		       .vram_pages = EQ(np));
	expect_quiet(what, from, to);
}

/* @size bytes of system memory prefetched to @c (mapped there) */
static void expect_prefetch_in(struct vt_ctx *c, uint64_t size, const char *what)
{
	const int64_t np = pages(size);

	EXPECT(c, what, .pages_mapped = ANY, .pages_in = EQ(np), .bytes_copied = EQ(size),
	       .vram_pages = EQ(np));
	expect_quiet(what, c, NULL);
}

/*
 * munmap() @size bytes at @p, the last memory of the subtest in VRAM, and
 * wait (up to 2 s) until every open GPU's vram_pages is back at its value
 * when the GPU was opened; nothing else changes (no page moves back).
 */
static void unmap_release(void *p, uint64_t size, const char *what)
{
	struct drm_vsvm_svm_counters now;
	int64_t end;
	int i;

	vt_unmap(p, size);
	for (i = 0; i < MAX_GPUS; i++) {
		struct vt_ctx *c = gpus[i].c;

		if (!c)
			continue;
		end = vt_now_ns() + RELEASE_TIMEOUT_MS * NSEC_PER_MSEC;
		for (;;) {
			vt_ctx_counters(c, &now);
			if (now.vram_pages == gpus[i].vram0 || vt_now_ns() > end)
				break;
			usleep(10000);
		}
		EXPECT(c, what, .vram_pages = EQ(gpus[i].vram0 - gpus[i].m.vram_pages));
	}
}

/* debugfs vsvm_svm shows the same exclusive count as the ioctl (when debugfs is there) */
static void check_debugfs_exclusive(const struct vt_ctx *c)
{
	if (!vt_svm_debugfs(c->gpu)) {
		igt_info("GPU %d: debugfs vsvm_svm not readable, exclusive not compared with it\n",
			 c->gpu);
		return;
	}
	igt_assert_eq_u64(vt_svm_count(vt_paths[c->gpu], "exclusive"), gpus[c->gpu].m.exclusive);
}

/* ---- module ------------------------------------------------------------------------------ */

/* Close every GPU and make at least @n available, reloading the module with more if needed. */
static void need_gpus(int n)
{
	gpus_reap();
	if (vt_num_gpus < n) {
		vt_require_module_reload();
		vt_module_reload(n <= 4 ? PARAMS_4_GPUS : PARAMS_8_GPUS);
		reloaded = true;
		vt_svm_gpus_require(1);
	}
	igt_require_f(vt_num_gpus >= n, "%d GPUs, the subtest needs %d\n", vt_num_gpus, n);
}

/* ---- vram-to-vram-pairs ------------------------------------------------------------------ */

#define PAIR_GPUS 4
#define PAIR_SIZE HUGE

static void vram_pair(struct vt_ctx *a, struct vt_ctx *b)
{
	const uint64_t size = PAIR_SIZE, n = elems(size);
	const uint64_t seed = (uint64_t)(a->gpu * MAX_GPUS + b->gpu + 1) << 32;
	uint64_t *buf = vt_map_aligned(size, MAP_PRIVATE);
	char what[128];

	igt_debug("pair: GPU %d -> GPU %d\n", a->gpu, b->gpu);
	vt_fill_pattern(buf, n, seed, 1);
	mark_all();
	vt_ctx_prefetch(a, buf, size, a->gpu_id);
	expect_prefetch_in(a, size, "prefetch from system memory to A");
	vt_ctx_check(a, buf, n, seed, 1, "data in A's VRAM, read by A");
	EXPECT(a, "A reads its VRAM");

	snprintf(what, sizeof(what), "prefetch from GPU %d's VRAM to GPU %d (A's file)", a->gpu,
		 b->gpu);
	vt_ctx_prefetch(a, buf, size, b->gpu_id);
	expect_vram_move(a, b, size, false, what);
	vt_ctx_check(b, buf, n, seed, 1, what);
	EXPECT(b, "B reads its VRAM after the prefetch");

	snprintf(what, sizeof(what), "prefetch from GPU %d's VRAM to GPU %d (B's file)", b->gpu,
		 a->gpu);
	vt_ctx_prefetch(b, buf, size, a->gpu_id);
	expect_vram_move(b, a, size, false, what);
	vt_ctx_check(a, buf, n, seed, 1, what);
	EXPECT(a, "A reads its VRAM after the prefetch back");

	/* ACCESS for B, no preferred location: B's fault moves the data to B */
	vt_ctx_set_attr(b, buf, size, VSVM_SVM_ATTR_ACCESS, b->gpu_id);
	expect_quiet("ACCESS for B", NULL, NULL);
	snprintf(what, sizeof(what), "GPU fault of GPU %d on data in GPU %d's VRAM", b->gpu,
		 a->gpu);
	vt_ctx_check(b, buf, n, seed, 1, what);
	expect_vram_move(a, b, size, true, what);

	vt_check_pattern(buf, n, seed, 1, "data moved to B's VRAM, read by the CPU");
	expect_cpu_read(b, size, "CPU read of B's VRAM");
	unmap_release(buf, size, "munmap of the pair's buffer");
}

static void test_vram_pairs(void)
{
	struct vt_ctx *g[PAIR_GPUS];
	int i, j;

	need_gpus(PAIR_GPUS);
	open_gpus(PAIR_GPUS, g);
	for (i = 0; i < PAIR_GPUS; i++)
		for (j = 0; j < PAIR_GPUS; j++)
			if (i != j)
				vram_pair(g[i], g[j]);
	close_gpus();
}

/* ---- vram-to-vram-ring ------------------------------------------------------------------- */

#define RING_SIZE (4 * MIB)

static void test_vram_ring(void)
{
	const uint64_t size = RING_SIZE, n = elems(size), seed = 0x7140000, seed2 = 0x7150000;
	struct drm_vsvm_svm_attr access[MAX_GPUS];
	struct vt_ctx *g[MAX_GPUS];
	char what[128];
	uint64_t *buf;
	int i;

	need_gpus(MAX_GPUS);
	open_gpus(MAX_GPUS, g);

	/* a lap of prefetches */
	buf = vt_map_aligned(size, MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed, 1);
	mark_all();
	vt_ctx_prefetch(g[0], buf, size, g[0]->gpu_id);
	expect_prefetch_in(g[0], size, "prefetch from system memory to GPU 0");
	for (i = 0; i < MAX_GPUS; i++) {
		struct vt_ctx *from = g[i], *to = g[(i + 1) % MAX_GPUS];

		if (i & 1) {
			snprintf(what, sizeof(what), "PREFETCH_LOC from GPU %d to GPU %d", from->gpu,
				 to->gpu);
			vt_ctx_set_attr(to, buf, size, VSVM_SVM_ATTR_PREFETCH_LOC, to->gpu_id);
		} else {
			snprintf(what, sizeof(what), "prefetch from GPU %d to GPU %d", from->gpu,
				 to->gpu);
			vt_ctx_prefetch(from, buf, size, to->gpu_id);
		}
		expect_vram_move(from, to, size, false, what);
		vt_ctx_check(to, buf, n, seed, 1, what);
		EXPECT(to, what);
	}
	vt_check_pattern(buf, n, seed, 1, "data back on GPU 0 after the ring, read by the CPU");
	expect_cpu_read(g[0], size, "CPU read of GPU 0's VRAM");
	unmap_release(buf, size, "munmap of the first buffer");

	/* a lap of GPU faults, ACCESS for every GPU */
	buf = vt_map_aligned(size, MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed2, 1);
	for (i = 0; i < MAX_GPUS; i++)
		access[i] = (struct drm_vsvm_svm_attr){ VSVM_SVM_ATTR_ACCESS, g[i]->gpu_id };
	set_attrs(g[0], buf, size, access, MAX_GPUS);
	mark_all();
	vt_ctx_prefetch(g[0], buf, size, g[0]->gpu_id);
	expect_prefetch_in(g[0], size, "prefetch of the second buffer to GPU 0");
	for (i = 1; i <= MAX_GPUS; i++) {
		struct vt_ctx *from = g[i - 1], *to = g[i % MAX_GPUS];

		snprintf(what, sizeof(what), "GPU %d faults on data in GPU %d's VRAM", to->gpu,
			 from->gpu);
		vt_ctx_check(to, buf, n, seed2, 1, what);
		expect_vram_move(from, to, size, true, what);
	}
	vt_check_pattern(buf, n, seed2, 1, "data moved by GPU faults, read by the CPU");
	expect_cpu_read(g[0], size, "CPU read of GPU 0's VRAM");
	vt_unmap(buf, size);
	close_gpus();
}

/* ---- peer-access ------------------------------------------------------------------------- */

static void peer_access(struct vt_ctx *a, struct vt_ctx *b, bool in_place_attr)
{
	const uint64_t size = HUGE, n = elems(size), np = pages(size);
	const uint64_t seed = 0x9ee0000, seed2 = 0x9ef0000;
	uint64_t *buf = vt_map_aligned(size, MAP_PRIVATE), *src = vt_map_aligned(size, MAP_PRIVATE);

	igt_debug("peer access, %s\n", in_place_attr ? "ACCESS_IN_PLACE" : "no attributes");
	vt_fill_pattern(buf, n, seed, 1);
	vt_fill_pattern(src, n, seed2, 3);
	if (in_place_attr)
		vt_ctx_set_attr(a, buf, size, VSVM_SVM_ATTR_ACCESS_IN_PLACE, b->gpu_id);
	mark_all();
	vt_ctx_prefetch(a, buf, size, a->gpu_id);
	expect_prefetch_in(a, size, "prefetch to A");

	vt_ctx_check(b, buf, n, seed, 1, "data in A's VRAM, read by B in place");
	EXPECT(b, "B reads A's VRAM in place", .faults = AT_LEAST(1), .pages_mapped = AT_LEAST(np));
	expect_quiet("B reads A's VRAM in place", b, NULL);

	vt_ctx_copy(b, buf, src, n);
	EXPECT(b, "B writes A's VRAM in place", .faults = AT_LEAST(1), .pages_mapped = AT_LEAST(np));
	expect_quiet("B writes A's VRAM in place", b, NULL);
	vt_ctx_check(a, buf, n, seed2, 3, "B's data in A's VRAM, read by A");
	vt_ctx_check(b, buf, n, seed2, 3, "B's data in A's VRAM, read by B");
	/* both still mapped: no fault */
	expect_quiet("A and B read B's data in A's VRAM", NULL, NULL);

	vt_check_pattern(buf, n, seed2, 3, "B's data in A's VRAM, read by the CPU");
	expect_cpu_read(a, size, "CPU read of A's VRAM");
	vt_ctx_check(b, buf, n, seed2, 3, "B's data after the CPU read, read by B");
	if (a->coherent)
		EXPECT(b, "B reads coherent VRAM it still maps");
	else
		EXPECT(b, "B reads the data back in system memory", .faults = AT_LEAST(1),
		       .pages_mapped = AT_LEAST(np));
	expect_quiet("B reads after the CPU read", b, NULL);
	vt_unmap(src, size);
	unmap_release(buf, size, "munmap of the buffer");
}

static void test_peer_access(void)
{
	struct vt_ctx *g[2];

	need_gpus(2);
	open_gpus(2, g);
	peer_access(g[0], g[1], false);
	peer_access(g[1], g[0], true);
	close_gpus();
}

/* ---- preferred-location ------------------------------------------------------------------ */

#define PL_SIZE (4 * MIB)

/* Drop @c's mappings of the range: NO_ACCESS, then ACCESS again */
static void remap(struct vt_ctx *c, const void *p, uint64_t size)
{
	vt_ctx_set_attr(c, p, size, VSVM_SVM_ATTR_NO_ACCESS, c->gpu_id);
	vt_ctx_set_attr(c, p, size, VSVM_SVM_ATTR_ACCESS, c->gpu_id);
}

/* @c faulted on every window and mapped the range remotely or in place: nothing moved */
static void expect_remote_map(struct vt_ctx *c, uint64_t size, const char *what)
{
	EXPECT(c, what, .faults = AT_LEAST(windows(size)), .pages_mapped = AT_LEAST(pages(size)));
	expect_quiet(what, c, NULL);
}

static void test_preferred_location(void)
{
	const uint64_t size = PL_SIZE, n = elems(size), np = pages(size), seed = 0x9e7000;
	struct vt_ctx *g[3], *a, *b, *c;
	uint64_t *buf, bytes0;
	int i;

	need_gpus(3);
	open_gpus(3, g);
	a = g[0];
	b = g[1];
	c = g[2];
	buf = vt_map_aligned(size, MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed, 1);
	set_attrs(a, buf, size, (const struct drm_vsvm_svm_attr[]){
		{ VSVM_SVM_ATTR_PREFERRED_LOC, a->gpu_id },
		{ VSVM_SVM_ATTR_ACCESS, b->gpu_id },
		{ VSVM_SVM_ATTR_ACCESS, c->gpu_id } }, 3);
	mark_all();

	/* B's faults move the data to A, the preferred location */
	bytes0 = SUM(bytes_copied);
	vt_ctx_check(b, buf, n, seed, 1, "B reads with PREFERRED_LOC A");
	EXPECT(a, "B's faults with PREFERRED_LOC A", .pages_in = EQ(np), .vram_pages = EQ(np),
	       .bytes_copied = ANY, .pages_mapped = ANY);
	EXPECT(b, "B's faults with PREFERRED_LOC A", .faults = AT_LEAST(windows(size)),
	       .pages_mapped = AT_LEAST(np), .bytes_copied = ANY);
	expect_quiet("B's faults with PREFERRED_LOC A", a, b);
	igt_assert_eq_u64(SUM(bytes_copied) - bytes0, size);

	vt_ctx_check(c, buf, n, seed, 1, "C reads with PREFERRED_LOC A");
	expect_remote_map(c, size, "C maps A's VRAM remotely");
	for (i = 0; i < 2; i++) {
		vt_ctx_check(b, buf, n, seed, 1, "B reads again");
		vt_ctx_check(c, buf, n, seed, 1, "C reads again");
	}
	expect_quiet("repeated reads of B and C", NULL, NULL);
	vt_ctx_check(a, buf, n, seed, 1, "A reads its VRAM");
	EXPECT(a, "A reads its VRAM", .faults = ANY, .pages_mapped = ANY);
	expect_quiet("A reads its VRAM", a, NULL);

	/* preferred location B: B's next faults move the data from A to B */
	vt_ctx_set_attr(a, buf, size, VSVM_SVM_ATTR_PREFERRED_LOC, b->gpu_id);
	remap(b, buf, size);
	expect_quiet("PREFERRED_LOC B", NULL, NULL);
	vt_ctx_check(b, buf, n, seed, 1, "B reads with PREFERRED_LOC B");
	expect_vram_move(a, b, size, true, "B's faults with PREFERRED_LOC B");
	vt_ctx_check(c, buf, n, seed, 1, "C reads with PREFERRED_LOC B");
	expect_remote_map(c, size, "C maps B's VRAM remotely");
	vt_ctx_check(b, buf, n, seed, 1, "B reads again");
	vt_ctx_check(c, buf, n, seed, 1, "C reads again");
	expect_quiet("repeated reads of B and C", NULL, NULL);

	/* preferred location system memory: C's next faults bring the data back */
	vt_ctx_set_attr(a, buf, size, VSVM_SVM_ATTR_PREFERRED_LOC, LOC_SYSMEM);
	remap(c, buf, size);
	expect_quiet("PREFERRED_LOC SYSMEM", NULL, NULL);
	bytes0 = SUM(bytes_copied);
	vt_ctx_check(c, buf, n, seed, 1, "C reads with PREFERRED_LOC SYSMEM");
	EXPECT(b, "C's faults with PREFERRED_LOC SYSMEM", .pages_out = EQ(np),
	       .vram_pages = EQ(-(int64_t)np), .bytes_copied = ANY);
	EXPECT(c, "C's faults with PREFERRED_LOC SYSMEM", .faults = AT_LEAST(windows(size)),
	       .pages_mapped = AT_LEAST(np), .bytes_copied = ANY);
	expect_quiet("C's faults with PREFERRED_LOC SYSMEM", b, c);
	igt_assert_eq_u64(SUM(bytes_copied) - bytes0, size);
	vt_ctx_check(b, buf, n, seed, 1, "B reads system memory");
	expect_remote_map(b, size, "B maps system memory");
	vt_check_pattern(buf, n, seed, 1, "data back in system memory, read by the CPU");
	expect_quiet("CPU read of system memory", NULL, NULL);
	vt_unmap(buf, size);
	close_gpus();
}

/* ---- mixed-placement --------------------------------------------------------------------- */

#define MP_SIZE (4 * MIB)

/* A part of the mixed range and the pattern it holds */
struct part {
	uint64_t off;	/* bytes */
	uint64_t len;	/* bytes */
	uint64_t seed;
	uint64_t step;
};

static void test_mixed_placement(void)
{
	const uint64_t size = MP_SIZE, n = elems(size);
	/* [0] keeps the first pattern, [1 + i] is written by GPU i */
	const struct part parts[4] = {
		{ 0, 512 * KIB, 0x3170000, 1 },
		{ 512 * KIB, MIB, 0x10000000, 5 },		/* A's VRAM and B's */
		{ 1536 * KIB, MIB, 0x20000000, 5 },		/* B's VRAM and system memory */
		{ 2560 * KIB, 1536 * KIB, 0x30000000, 5 },	/* system memory */
	};
	struct vt_ctx *g[3];
	uint64_t *buf, *src[3], bytes0, cpu_faults0;
	char what[128];
	int i, j;

	need_gpus(3);
	open_gpus(3, g);
	buf = vt_map_aligned(size, MAP_PRIVATE);
	vt_fill_pattern(buf, n, parts[0].seed, 1);
	for (i = 0; i < 3; i++) {
		src[i] = vt_map_aligned(parts[i + 1].len, MAP_PRIVATE);
		vt_fill_pattern(src[i], elems(parts[i + 1].len), parts[i + 1].seed, parts[i + 1].step);
	}
	set_attrs(g[0], buf, size, (const struct drm_vsvm_svm_attr[]){
		{ VSVM_SVM_ATTR_ACCESS_IN_PLACE, g[0]->gpu_id },
		{ VSVM_SVM_ATTR_ACCESS_IN_PLACE, g[1]->gpu_id },
		{ VSVM_SVM_ATTR_ACCESS_IN_PLACE, g[2]->gpu_id } }, 3);
	mark_all();
	vt_ctx_prefetch(g[0], buf, MIB, g[0]->gpu_id);
	expect_prefetch_in(g[0], MIB, "prefetch of the first MiB to A");
	vt_ctx_prefetch(g[1], buf + elems(MIB), MIB, g[1]->gpu_id);
	expect_prefetch_in(g[1], MIB, "prefetch of the second MiB to B");

	/* everyone reads everything where it is: two windows to fault at least */
	for (i = 0; i < 3; i++) {
		snprintf(what, sizeof(what), "GPU %d reads the mixed range", i);
		vt_ctx_check(g[i], buf, n, parts[0].seed, 1, what);
		EXPECT(g[i], what, .faults = AT_LEAST(windows(size)), .pages_mapped = ANY);
		expect_quiet(what, g[i], NULL);
	}
	/* everyone writes its part */
	for (i = 0; i < 3; i++) {
		const struct part *p = &parts[i + 1];

		snprintf(what, sizeof(what), "GPU %d writes [%#llx, %#llx)", i,
			 (unsigned long long)p->off, (unsigned long long)(p->off + p->len));
		vt_ctx_copy(g[i], buf + elems(p->off), src[i], elems(p->len));
		EXPECT(g[i], what, .faults = AT_LEAST(1), .pages_mapped = ANY);
		expect_quiet(what, g[i], NULL);
	}
	for (j = 0; j < 3; j++)
		for (i = 0; i < 4; i++) {
			snprintf(what, sizeof(what), "part %d read by GPU %d", i, j);
			vt_ctx_check(g[j], buf + elems(parts[i].off), elems(parts[i].len),
				     parts[i].seed, parts[i].step, what);
		}
	for (j = 0; j < 3; j++)
		EXPECT(g[j], "GPU reads of the written parts", .faults = ANY, .pages_mapped = ANY);

	bytes0 = SUM(bytes_copied);
	cpu_faults0 = SUM(cpu_faults);
	for (i = 0; i < 4; i++) {
		snprintf(what, sizeof(what), "part %d read by the CPU", i);
		vt_check_pattern(buf + elems(parts[i].off), elems(parts[i].len), parts[i].seed,
				 parts[i].step, what);
	}
	if (g[0]->coherent) {
		expect_quiet("CPU reads of coherent VRAM", NULL, NULL);
	} else {
		/* every VRAM page came back; which engine copied is not fixed */
		for (i = 0; i < 2; i++)
			EXPECT(g[i], "CPU reads of the mixed range", .pages_out = EQ(pages(MIB)),
			       .vram_pages = EQ(-(int64_t)pages(MIB)), .cpu_faults = ANY,
			       .bytes_copied = ANY);
		expect_quiet("CPU reads of the mixed range", g[0], g[1]);
		igt_assert_eq_u64(SUM(bytes_copied) - bytes0, 2 * MIB);
		igt_assert_lt_u64(cpu_faults0, SUM(cpu_faults));
	}
	for (i = 0; i < 3; i++)
		vt_unmap(src[i], parts[i + 1].len);
	vt_unmap(buf, size);
	close_gpus();
}

/* ---- GPU and CPU adders ------------------------------------------------------------------ */

#define MAX_COUNTERS 8
/* pause of a CPU adder between two adds, so that the emulated GPUs progress */
#define CPU_PACE_US 500

/* A thread running @dispatches ATOMIC_ADD dispatches on one GPU */
struct gpu_adder {
	struct vt_ctx *c;
	uint64_t *counters;
	uint64_t ncnt;
	uint64_t value;
	uint64_t grid;
	int dispatches;
	int err;	/* the first failure, 0 if none */
	pthread_t thread;
};

static void *gpu_adder_fn(void *arg)
{
	struct gpu_adder *g = arg;
	const uint64_t args[6] = { vt_va(g->counters), g->value, g->ncnt };
	int i;

	for (i = 0; i < g->dispatches && !g->err; i++)
		g->err = vsvm_dispatch_sync(g->c->fd, g->c->q, VSVM_KERNEL_ATOMIC_ADD, g->grid, args,
					    DISPATCH_TIMEOUT_NS);
	return NULL;
}

/* A CPU thread adding @value to the counters in turn until told to stop */
struct cpu_adder {
	uint64_t *counters;
	uint64_t ncnt;
	uint64_t value;
	uint64_t max_adds;
	atomic_bool *stop;
	uint64_t adds;
	uint64_t tally[MAX_COUNTERS];	/* adds per counter */
	pthread_t thread;
};

static void *cpu_adder_fn(void *arg)
{
	struct cpu_adder *a = arg;

	do {
		uint64_t k = a->adds % a->ncnt;

		__atomic_fetch_add(&a->counters[k], a->value, __ATOMIC_SEQ_CST);
		a->tally[k]++;
		a->adds++;
		usleep(CPU_PACE_US);
	} while (!atomic_load(a->stop) && a->adds < a->max_adds);
	return NULL;
}

/* ---- atomics-sysmem ---------------------------------------------------------------------- */

#define AS_GRID (1ULL << 16)
#define AS_DISPATCHES 8
/* per counter below 4096, so that each adder's part can be told apart */
#define AS_CPU_MAX_ADDS 4000

/* Atomics without COHERENT work through device-exclusive access (not on every kernel) */
static void require_exclusive(const struct vt_ctx *c)
{
	igt_require_f(vt_caps(c->fd) & VSVM_CAP_SVM_ATOMIC_EXCLUSIVE,
		      "no VSVM_CAP_SVM_ATOMIC_EXCLUSIVE (a kernel without DEVICE_PRIVATE)\n");
}

enum as_mode { AS_THP, AS_4K, AS_COHERENT };

/* what each adder adds: its own bits of the counters */
static const uint64_t as_gpu_value[2] = { 1, 1ULL << 20 };
static const uint64_t as_cpu_value[2] = { 1ULL << 40, 1ULL << 52 };

static void test_atomics_sysmem(enum as_mode mode)
{
	const uint64_t size = HUGE, n = elems(size), seed = 0xa7000000;
	/* the counters: a page in the middle of the (huge) page */
	const uint64_t first = elems(MIB + 3 * PAGE), ncnt = MAX_COUNTERS;
	const uint64_t per_dispatch = AS_GRID / ncnt;
	struct gpu_adder ga[2];
	struct cpu_adder ca[2];
	atomic_bool stop = false;
	uint64_t *buf, *cnt, want, total = 0;
	struct vt_ctx *g[2];
	int i;
	uint64_t k;

	need_gpus(2);
	open_gpus(2, g);
	if (mode != AS_COHERENT)
		require_exclusive(g[0]);
	buf = vt_map_aligned(size, MAP_PRIVATE);
	vt_madvise(buf, size, mode == AS_THP ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	vt_fill_pattern(buf, n, seed, 1);
	if (mode == AS_THP) {
		uint64_t kb = anon_huge_kb(buf);

		igt_info("AnonHugePages of the buffer: %llu kB\n", (unsigned long long)kb);
		igt_require_f(kb >= HUGE / KIB, "no transparent huge page behind the buffer\n");
	}
	cnt = buf + first;
	memset(cnt, 0, ncnt * 8);
	if (mode != AS_COHERENT)
		vt_ctx_set_attr(g[0], cnt, PAGE, VSVM_SVM_ATTR_CLR_FLAGS, VSVM_SVM_FLAG_COHERENT);
	mark_all();

	for (i = 0; i < 2; i++) {
		ca[i] = (struct cpu_adder){ .counters = cnt, .ncnt = ncnt,
					    .value = as_cpu_value[i],
					    .max_adds = AS_CPU_MAX_ADDS, .stop = &stop };
		igt_assert_eq(pthread_create(&ca[i].thread, NULL, cpu_adder_fn, &ca[i]), 0);
	}
	for (i = 0; i < 2; i++) {
		ga[i] = (struct gpu_adder){ .c = g[i], .counters = cnt, .ncnt = ncnt,
					    .value = as_gpu_value[i], .grid = AS_GRID,
					    .dispatches = AS_DISPATCHES };
		igt_assert_eq(pthread_create(&ga[i].thread, NULL, gpu_adder_fn, &ga[i]), 0);
	}
	for (i = 0; i < 2; i++)
		igt_assert_eq(pthread_join(ga[i].thread, NULL), 0);
	atomic_store(&stop, true);
	for (i = 0; i < 2; i++)
		igt_assert_eq(pthread_join(ca[i].thread, NULL), 0);
	igt_info("CPU adds: %llu and %llu during %d dispatches per GPU\n",
		 (unsigned long long)ca[0].adds, (unsigned long long)ca[1].adds, AS_DISPATCHES);
	for (i = 0; i < 2; i++)
		igt_assert_f(ga[i].err == 0, "ATOMIC_ADD on GPU %d failed: %s\n", i,
			     strerror(-ga[i].err));

	for (k = 0; k < ncnt; k++) {
		const volatile uint64_t *v = &cnt[k];
		uint64_t got = *v;

		want = AS_DISPATCHES * per_dispatch * (as_gpu_value[0] + as_gpu_value[1]) +
		       ca[0].tally[k] * as_cpu_value[0] + ca[1].tally[k] * as_cpu_value[1];
		igt_assert_f(got == want,
			     "counter %llu: %#llx, expected %#llx (GPU 0 part %llu of %llu, GPU 1 part %llu of %llu, CPU parts %llu of %llu and %llu of %llu)\n",
			     (unsigned long long)k, (unsigned long long)got, (unsigned long long)want,
			     (unsigned long long)(got & 0xfffff),
			     (unsigned long long)(AS_DISPATCHES * per_dispatch),
			     (unsigned long long)((got >> 20) & 0xfffff),
			     (unsigned long long)(AS_DISPATCHES * per_dispatch),
			     (unsigned long long)((got >> 40) & 0xfff),
			     (unsigned long long)ca[0].tally[k],
			     (unsigned long long)(got >> 52), (unsigned long long)ca[1].tally[k]);
		total += want;
	}
	for (i = 0; i < 2; i++) {
		if (mode == AS_COHERENT)
			EXPECT(g[i], "atomics with COHERENT", .faults = AT_LEAST(1),
			       .pages_mapped = ANY);
		else
			EXPECT(g[i], "atomics without COHERENT", .faults = AT_LEAST(1),
			       .pages_mapped = ANY, .exclusive = AT_LEAST(1));
		check_debugfs_exclusive(g[i]);
	}
	/* the rest of the (split) huge page kept its data */
	vt_check_pattern(buf, first, seed, 1, "memory before the counters");
	vt_check_pattern(cnt + ncnt, n - first - ncnt, seed + first + ncnt, 1,
			 "memory after the counters");
	igt_assert_eq_u64(vt_ctx_sum(g[1], cnt, ncnt), total);
	EXPECT(g[1], "GPU checksum of the counters", .faults = ANY, .pages_mapped = ANY);
	expect_quiet("GPU checksum of the counters", g[1], NULL);
	if (mode == AS_THP)
		igt_info("AnonHugePages of the buffer afterwards: %llu kB\n",
			 (unsigned long long)anon_huge_kb(buf));
	vt_unmap(buf, size);
	close_gpus();
}

/* ---- atomics-cpu-touch ------------------------------------------------------------------- */

#define CT_SEQ_ROUNDS 3
#define CT_SEQ_GRID 4096ULL
#define CT_GRID (1ULL << 20)
#define CT_MAX_DISPATCHES 8
/* dispatches that must each overlap CT_MIN_TOUCHES CPU touches */
#define CT_OVERLAPPED 3
#define CT_MIN_TOUCHES 3
#define CT_TOUCH_US 1000
#define CT_CPU_VALUE (1ULL << 40)

/* The CPU reads the counter (@expected unless 0) and adds CT_CPU_VALUE */
static void cpu_touch(uint64_t *cnt, uint64_t expected)
{
	const volatile uint64_t *v = cnt;
	uint64_t got = *v;

	if (expected)
		igt_assert_f(got == expected, "counter %#llx, expected %#llx\n",
			     (unsigned long long)got, (unsigned long long)expected);
	__atomic_fetch_add(cnt, CT_CPU_VALUE, __ATOMIC_SEQ_CST);
}

static void test_atomics_cpu_touch(void)
{
	const uint64_t size = HUGE, n = elems(size), seed = 0xc7000000;
	uint64_t *buf, *cnt, expected = 0, grid = CT_GRID;
	int i, nd = 0, overlapped = 0;
	struct vt_ctx *a;

	need_gpus(1);
	a = gpu_open(0);
	require_exclusive(a);
	buf = vt_map_aligned(size, MAP_PRIVATE);
	vt_madvise(buf, size, MADV_NOHUGEPAGE);
	vt_fill_pattern(buf, n, seed, 1);
	cnt = buf;
	*cnt = 0;
	vt_ctx_set_attr(a, buf, PAGE, VSVM_SVM_ATTR_CLR_FLAGS, VSVM_SVM_FLAG_COHERENT);
	mark_all();

	/* one after the other: each CPU touch costs the GPU a fault */
	for (i = 0; i < CT_SEQ_ROUNDS; i++) {
		gpu_atomic(a, cnt, 1, 1, CT_SEQ_GRID);
		expected += CT_SEQ_GRID;
		EXPECT(a, "GPU atomics after a CPU touch", .faults = AT_LEAST(1),
		       .exclusive = AT_LEAST(1), .pages_mapped = ANY);
		gpu_atomic(a, cnt, 1, 1, CT_SEQ_GRID);
		expected += CT_SEQ_GRID;
		EXPECT(a, "GPU atomics while the GPU holds the page");
		cpu_touch(cnt, expected);
		expected += CT_CPU_VALUE;
		EXPECT(a, "CPU touch of the GPU's exclusive page");
	}

	/* long dispatches with CPU touches every millisecond */
	while (nd < CT_MAX_DISPATCHES && overlapped < CT_OVERLAPPED) {
		uint32_t h = vt_dispatch_signal(a->fd, a->q, VSVM_KERNEL_ATOMIC_ADD, grid,
						(uint64_t[6]){ vt_va(cnt), 1, 1 });
		int status, touches = 0;

		while ((status = vt_fence_status(a->fd, h)) == 0) {
			usleep(CT_TOUCH_US);
			cpu_touch(cnt, 0);
			touches++;
		}
		igt_assert_f(status == 1, "ATOMIC_ADD with CPU touches: %s\n", strerror(-status));
		vt_syncobj_destroy(a->fd, h);
		expected += grid + touches * CT_CPU_VALUE;
		nd++;
		/* the next dispatch starts without the page */
		cpu_touch(cnt, expected);
		expected += CT_CPU_VALUE;
		igt_debug("dispatch %d of grid %llu: %d CPU touches during it\n", nd,
			  (unsigned long long)grid, touches);
		if (touches >= CT_MIN_TOUCHES)
			overlapped++;
		else if (grid < VSVM_MAX_GRID / 4)
			grid *= 4;
	}
	igt_info("%d dispatches, %d of them overlapping CPU touches\n", nd, overlapped);
	igt_assert_f(overlapped > 0, "no dispatch lasted %d CPU touches\n", CT_MIN_TOUCHES);
	EXPECT(a, "GPU atomics with CPU touches", .faults = AT_LEAST(nd + 1),
	       .exclusive = AT_LEAST(nd + 1), .pages_mapped = ANY);

	/* a GPU read takes no exclusive access */
	igt_assert_eq_u64(vt_ctx_sum(a, cnt, 1), expected);
	EXPECT(a, "GPU read of the counter", .faults = ANY, .pages_mapped = ANY);
	check_debugfs_exclusive(a);
	vt_check_pattern(buf + 1, n - 1, seed + 1, 1, "memory after the counter");
	vt_unmap(buf, size);
	close_gpus();
}

/* ---- atomics-vram ------------------------------------------------------------------------ */

#define AV_GRID (1ULL << 16)
#define AV_ROUNDS 4

static void test_atomics_vram(void)
{
	const uint64_t size = HUGE, n = elems(size), np = pages(size), seed = 0xa7e0000;
	const uint64_t ncnt = MAX_COUNTERS, va_value = 1, vb_value = 1ULL << 20;
	const uint64_t per = AV_GRID / ncnt;
	uint32_t ha[AV_ROUNDS], hb[AV_ROUNDS];
	uint64_t *buf, want;
	struct vt_ctx *g[2], *a, *b;
	int i;

	need_gpus(2);
	open_gpus(2, g);
	a = g[0];
	b = g[1];
	buf = vt_map_aligned(size, MAP_PRIVATE);
	vt_madvise(buf, size, MADV_NOHUGEPAGE);
	vt_fill_pattern(buf, n, seed, 1);
	memset(buf, 0, ncnt * 8);
	set_attrs(a, buf, size, (const struct drm_vsvm_svm_attr[]){
		{ VSVM_SVM_ATTR_CLR_FLAGS, VSVM_SVM_FLAG_COHERENT },
		{ VSVM_SVM_ATTR_ACCESS_IN_PLACE, b->gpu_id } }, 2);
	mark_all();
	vt_ctx_prefetch(a, buf, size, a->gpu_id);
	expect_prefetch_in(a, size, "prefetch of the counters to A");

	gpu_atomic(a, buf, va_value, ncnt, AV_GRID);
	EXPECT(a, "A's atomics on its VRAM");
	expect_quiet("A's atomics on its VRAM", a, NULL);
	gpu_atomic(b, buf, vb_value, ncnt, AV_GRID);
	EXPECT(b, "B's atomics on A's VRAM", .faults = AT_LEAST(1), .pages_mapped = AT_LEAST(1));
	expect_quiet("B's atomics on A's VRAM", b, NULL);

	for (i = 0; i < AV_ROUNDS; i++) {
		ha[i] = vt_dispatch_signal(a->fd, a->q, VSVM_KERNEL_ATOMIC_ADD, AV_GRID,
					   (uint64_t[6]){ vt_va(buf), va_value, ncnt });
		hb[i] = vt_dispatch_signal(b->fd, b->q, VSVM_KERNEL_ATOMIC_ADD, AV_GRID,
					   (uint64_t[6]){ vt_va(buf), vb_value, ncnt });
	}
	for (i = 0; i < AV_ROUNDS; i++) {
		igt_assert_eq(vt_fence_wait_status(a->fd, ha[i]), 1);
		igt_assert_eq(vt_fence_wait_status(b->fd, hb[i]), 1);
		vt_syncobj_destroy(a->fd, ha[i]);
		vt_syncobj_destroy(b->fd, hb[i]);
	}
	vt_gpu_barrier();
	expect_quiet("concurrent atomics of A and B on A's VRAM", NULL, NULL);

	want = (AV_ROUNDS + 1) * per * (va_value + vb_value);
	vt_ctx_check(a, buf, ncnt, want, 0, "counters in A's VRAM");
	vt_ctx_check(a, buf + ncnt, n - ncnt, seed + ncnt, 1, "memory after the counters");
	EXPECT(a, "A reads its VRAM");
	vt_check_value(buf, ncnt, want, "counters read by the CPU");
	vt_check_pattern(buf + ncnt, n - ncnt, seed + ncnt, 1, "memory after the counters");
	igt_debug("%llu pages of counters and data\n", (unsigned long long)np);
	expect_cpu_read(a, size, "CPU read of the counters in A's VRAM");
	vt_unmap(buf, size);
	close_gpus();
}

/* ---- bad-input --------------------------------------------------------------------------- */

#define BI_SIZE (64 * KIB)

/* An ATOMIC_ADD on @p stops the queue; nothing else happens. */
static void expect_fatal_atomic(struct vt_ctx *c, uint64_t *p, uint64_t size, uint64_t seed,
				const char *what)
{
	struct drm_vsvm_queue_status st;
	int ret;

	ret = __vt_run(c->fd, c->q, VSVM_KERNEL_ATOMIC_ADD, 64, (uint64_t[6]){ vt_va(p), 1, 64 });
	igt_assert_f(ret == -EFAULT, "%s: the atomic dispatch returned %d (%s), expected EFAULT\n",
		     what, ret, strerror(-ret));
	vt_check_queue_fault(c->fd, c->q, vt_va(p), vt_va(p) + size, VSVM_ACCESS_ATOMIC, &st);
	EXPECT(c, what, .fatal = EQ(1), .faults = ANY, .pages_mapped = ANY);
	expect_quiet(what, c, NULL);
	vt_check_pattern(p, elems(size), seed, 1, what);
	vt_ctx_requeue(c);
}

static void test_bad_input(void)
{
	const uint64_t size = HUGE, n = elems(size), seed = 0xbad1000;
	struct vt_ctx *a, *b;
	uint64_t *buf, *ro, *ro2, *rdonly;
	uint32_t other;
	unsigned int i;

	need_gpus(2);
	a = gpu_open(0);
	other = vt_gpu_ids[1];
	buf = vt_map_aligned(size, MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed, 1);
	mark_all();

	/* GPU 1 exists but the process has not opened it */
	igt_assert_eq(vsvm_svm_prefetch(a->fd, buf, size, other, 0, 0), -EINVAL);
	igt_assert_eq(vsvm_svm_prefetch(a->fd, buf, size, JUNK, 0, 0), -EINVAL);
	{
		const struct drm_vsvm_svm_attr bad[] = {
			{ VSVM_SVM_ATTR_ACCESS, other },
			{ VSVM_SVM_ATTR_ACCESS, JUNK },
			{ VSVM_SVM_ATTR_ACCESS_IN_PLACE, other },
			{ VSVM_SVM_ATTR_PREFERRED_LOC, other },
			{ VSVM_SVM_ATTR_PREFETCH_LOC, other },
		};

		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			int ret = vsvm_svm_set_attr(a->fd, buf, size, &bad[i], 1);

			igt_assert_f(ret == -EINVAL, "SET_ATTR type %u value %#x: %d (%s), expected EINVAL\n",
				     bad[i].type, bad[i].value, ret, strerror(-ret));
		}
	}
	EXPECT(a, "rejected prefetches and attributes");
	vt_check_pattern(buf, n, seed, 1, "buffer after the rejected calls");

	/* opened: the same prefetch works */
	b = gpu_open(1);
	vt_ctx_prefetch(a, buf, size, other);
	expect_prefetch_in(b, size, "prefetch to GPU 1 once opened");
	vt_ctx_check(b, buf, n, seed, 1, "buffer prefetched to GPU 1");

	/* atomics that stay fatal */
	ro = vt_map_aligned(BI_SIZE, MAP_PRIVATE);
	vt_fill_pattern(ro, elems(BI_SIZE), seed, 1);
	vt_ctx_set_attr(a, ro, BI_SIZE, VSVM_SVM_ATTR_SET_FLAGS, VSVM_SVM_FLAG_GPU_RO);
	mark_all();
	expect_fatal_atomic(a, ro, BI_SIZE, seed, "atomic on a GPU_RO range with COHERENT");

	ro2 = vt_map_aligned(BI_SIZE, MAP_PRIVATE);
	vt_fill_pattern(ro2, elems(BI_SIZE), seed, 1);
	set_attrs(a, ro2, BI_SIZE, (const struct drm_vsvm_svm_attr[]){
		{ VSVM_SVM_ATTR_SET_FLAGS, VSVM_SVM_FLAG_GPU_RO },
		{ VSVM_SVM_ATTR_CLR_FLAGS, VSVM_SVM_FLAG_COHERENT } }, 2);
	expect_fatal_atomic(a, ro2, BI_SIZE, seed, "atomic on a GPU_RO range without COHERENT");

	rdonly = vt_map_aligned(BI_SIZE, MAP_PRIVATE);
	vt_fill_pattern(rdonly, elems(BI_SIZE), seed, 1);
	vt_mprotect(rdonly, BI_SIZE, PROT_READ);
	vt_ctx_set_attr(a, rdonly, BI_SIZE, VSVM_SVM_ATTR_CLR_FLAGS, VSVM_SVM_FLAG_COHERENT);
	expect_fatal_atomic(a, rdonly, BI_SIZE, seed,
			    "atomic on a read-only mapping without COHERENT");

	vt_unmap(rdonly, BI_SIZE);
	vt_unmap(ro2, BI_SIZE);
	vt_unmap(ro, BI_SIZE);
	vt_unmap(buf, size);
	close_gpus();
}

/* ---- concurrent-prefetch ----------------------------------------------------------------- */

#define CP_SIZE (4 * MIB)
#define CP_ROUNDS 6
#define CP_PREFETCHERS 4	/* to GPU 0, 1, 2 and system memory */
#define CP_GPU_READERS 2	/* GPU 0 and GPU 1 */

/* State shared by the threads of concurrent-prefetch */
struct cp_state {
	struct vt_ctx *g[3];
	uint64_t *buf;
	uint64_t seed;
	atomic_int error;	/* the first failed prefetch or dispatch, 0 if none */
	atomic_bool stop;	/* the prefetching threads are done */
	atomic_ullong bad;	/* wrong elements and checksums seen */
};

/* One thread of concurrent-prefetch; @max_ns: its longest prefetch or dispatch */
struct cp_thread {
	struct cp_state *s;
	int idx;
	int rounds;
	int64_t max_ns;
	pthread_t thread;
};

/* Record how long a call that began at @start took in @t->max_ns */
static void cp_timed(struct cp_thread *t, int64_t start)
{
	int64_t ns = vt_now_ns() - start;

	if (ns > t->max_ns)
		t->max_ns = ns;
}

static void cp_error(struct cp_state *s, int ret)
{
	int zero = 0;

	if (ret)
		atomic_compare_exchange_strong(&s->error, &zero, ret);
}

static void *cp_prefetch_fn(void *arg)
{
	struct cp_thread *t = arg;
	struct cp_state *s = t->s;
	uint32_t loc = t->idx < 3 ? s->g[t->idx]->gpu_id : LOC_SYSMEM;
	/* through another GPU's file */
	struct vt_ctx *c = s->g[(t->idx + 1) % 3];
	int r;

	for (r = 0; r < CP_ROUNDS; r++) {
		uint64_t off = r % 3 ? (uint64_t)((r + t->idx) % 3) * MIB : 0;
		uint64_t len = r % 3 ? 2 * MIB : CP_SIZE;

		int64_t start = vt_now_ns();

		cp_error(s, vsvm_svm_prefetch(c->fd, (char *)s->buf + off, len, loc, 0, 0));
		cp_timed(t, start);
		t->rounds++;
	}
	return NULL;
}

static void *cp_gpu_reader_fn(void *arg)
{
	struct cp_thread *t = arg;
	struct cp_state *s = t->s;
	struct vt_ctx *c = s->g[t->idx];
	const uint64_t n = elems(CP_SIZE), sum = vt_pattern_sum(s->seed, 1, n);
	int64_t start;
	uint64_t out;
	int ret;

	do {
		start = vt_now_ns();
		ret = gpu_try(c, VSVM_KERNEL_VERIFY, n,
			      (uint64_t[6]){ vt_va(s->buf), s->seed, 1, c->out.va }, &out);
		cp_timed(t, start);
		if (ret)
			break;
		s->bad += out;
		start = vt_now_ns();
		ret = gpu_try(c, VSVM_KERNEL_CHECKSUM, n, (uint64_t[6]){ vt_va(s->buf), c->out.va },
			      &out);
		cp_timed(t, start);
		if (ret)
			break;
		s->bad += out != sum;
		t->rounds++;
	} while (!atomic_load(&s->stop) || t->rounds < 2);
	cp_error(s, ret);
	return NULL;
}

static void *cp_cpu_reader_fn(void *arg)
{
	struct cp_thread *t = arg;
	struct cp_state *s = t->s;
	const volatile uint64_t *v = s->buf;
	uint64_t i, bad;

	do {
		bad = 0;
		for (i = 0; i < elems(CP_SIZE); i++)
			bad += v[i] != s->seed + i;
		s->bad += bad;
		t->rounds++;
	} while (!atomic_load(&s->stop) || t->rounds < 2);
	return NULL;
}

static void test_concurrent_prefetch(void)
{
	const uint64_t size = CP_SIZE, n = elems(size);
	struct cp_thread pf[CP_PREFETCHERS], rd[CP_GPU_READERS], cpu;
	struct cp_state s = { .seed = 0xc0c0000 };
	struct drm_vsvm_svm_counters now;
	int64_t start, pf_ns = 0;
	int i;

	need_gpus(3);
	open_gpus(3, s.g);
	s.buf = vt_map_aligned(size, MAP_PRIVATE);
	vt_fill_pattern(s.buf, n, s.seed, 1);
	mark_all();

	cpu = (struct cp_thread){ .s = &s };
	igt_assert_eq(pthread_create(&cpu.thread, NULL, cp_cpu_reader_fn, &cpu), 0);
	for (i = 0; i < CP_GPU_READERS; i++) {
		rd[i] = (struct cp_thread){ .s = &s, .idx = i };
		igt_assert_eq(pthread_create(&rd[i].thread, NULL, cp_gpu_reader_fn, &rd[i]), 0);
	}
	start = vt_now_ns();
	for (i = 0; i < CP_PREFETCHERS; i++) {
		pf[i] = (struct cp_thread){ .s = &s, .idx = i };
		igt_assert_eq(pthread_create(&pf[i].thread, NULL, cp_prefetch_fn, &pf[i]), 0);
	}
	for (i = 0; i < CP_PREFETCHERS; i++) {
		igt_assert_eq(pthread_join(pf[i].thread, NULL), 0);
		pf_ns = pf[i].max_ns > pf_ns ? pf[i].max_ns : pf_ns;
	}
	atomic_store(&s.stop, true);
	igt_info("prefetches done after %lld ms, the longest %lld ms\n",
		 (long long)((vt_now_ns() - start) / NSEC_PER_MSEC), (long long)(pf_ns / NSEC_PER_MSEC));
	for (i = 0; i < CP_GPU_READERS; i++)
		igt_assert_eq(pthread_join(rd[i].thread, NULL), 0);
	igt_assert_eq(pthread_join(cpu.thread, NULL), 0);
	igt_info("%d prefetches; GPU reader rounds %d and %d (longest dispatch %lld and %lld ms), "
		 "CPU reader rounds %d\n",
		 CP_PREFETCHERS * CP_ROUNDS, rd[0].rounds, rd[1].rounds,
		 (long long)(rd[0].max_ns / NSEC_PER_MSEC), (long long)(rd[1].max_ns / NSEC_PER_MSEC),
		 cpu.rounds);
	igt_assert_f(atomic_load(&s.error) == 0, "a concurrent prefetch or dispatch failed: %s\n",
		     strerror(-atomic_load(&s.error)));
	igt_assert_eq_u64(atomic_load(&s.bad), 0);

	/* everything back in system memory: the moves of each GPU balance */
	vt_ctx_prefetch(s.g[0], s.buf, size, LOC_SYSMEM);
	for (i = 0; i < 3; i++) {
		struct vt_ctx *c = s.g[i];
		struct drm_vsvm_svm_counters *m = &gpus[c->gpu].m;

		vt_ctx_counters(c, &now);
		igt_info("GPU %d: pages_in %+lld pages_out %+lld cpu_faults %+lld\n", i,
			 (long long)(now.pages_in - m->pages_in),
			 (long long)(now.pages_out - m->pages_out),
			 (long long)(now.cpu_faults - m->cpu_faults));
		igt_assert_eq_u64(now.vram_pages, m->vram_pages);
		igt_assert_eq_u64(now.pages_in - m->pages_in, now.pages_out - m->pages_out);
		igt_assert_eq_u64(now.fatal, m->fatal);
		igt_assert_eq_u64(now.vram_evictions, m->vram_evictions);
		if (c->coherent)
			igt_assert_eq_u64(now.cpu_faults, m->cpu_faults);
		*m = now;
	}
	vt_check_pattern(s.buf, n, s.seed, 1, "buffer after the concurrent prefetches");
	vt_ctx_check(s.g[2], s.buf, n, s.seed, 1, "buffer after the concurrent prefetches");
	EXPECT(s.g[2], "GPU 2 reads system memory", .faults = ANY, .pages_mapped = ANY);
	expect_quiet("GPU 2 reads system memory", s.g[2], NULL);

	/* exact again */
	vt_ctx_prefetch(s.g[1], s.buf, size, s.g[2]->gpu_id);
	expect_prefetch_in(s.g[2], size, "prefetch to GPU 2 after the concurrent ones");
	vt_ctx_prefetch(s.g[1], s.buf, size, s.g[0]->gpu_id);
	expect_vram_move(s.g[2], s.g[0], size, false, "prefetch from GPU 2 to GPU 0");
	vt_ctx_check(s.g[0], s.buf, n, s.seed, 1, "buffer in GPU 0's VRAM");
	EXPECT(s.g[0], "GPU 0 reads its VRAM");
	vt_check_pattern(s.buf, n, s.seed, 1, "buffer in GPU 0's VRAM, read by the CPU");
	expect_cpu_read(s.g[0], size, "CPU read of GPU 0's VRAM");
	vt_unmap(s.buf, size);
	close_gpus();
}

/* ---- main -------------------------------------------------------------------------------- */

/* Load the default module again if a subtest reloaded it. */
static void teardown(void)
{
	gpus_reap();
	if (reloaded)
		vt_module_reload_default();
}

#define MULTI_SUBTEST(name, call) \
	igt_subtest(name) { \
		igt_set_timeout(SUBTEST_TIMEOUT, name); \
		gpus_reap(); \
		call; \
	}

igt_main
{
	igt_fixture
		vt_svm_gpus_require(1);

	igt_describe("A GPU maps another GPU's VRAM in place; nothing moves.");
	MULTI_SUBTEST("peer-access", test_peer_access());

	igt_describe("Two GPUs and two CPU threads add to counters in a huge page without COHERENT.");
	MULTI_SUBTEST("atomics-sysmem-thp", test_atomics_sysmem(AS_THP));

	igt_describe("Two GPUs and two CPU threads add to counters in 4 KiB pages without COHERENT.");
	MULTI_SUBTEST("atomics-sysmem-4k", test_atomics_sysmem(AS_4K));

	igt_describe("Two GPUs and two CPU threads add to counters with COHERENT: no exclusive access.");
	MULTI_SUBTEST("atomics-sysmem-coherent", test_atomics_sysmem(AS_COHERENT));

	igt_describe("CPU touches revoke the GPU's exclusive access; the GPU faults again.");
	MULTI_SUBTEST("atomics-cpu-touch", test_atomics_cpu_touch());

	igt_describe("Atomics on VRAM, own and peer, need no exclusive access.");
	MULTI_SUBTEST("atomics-vram", test_atomics_vram());

	igt_describe("GPUs the process has not opened are refused; GPU_RO atomics stay fatal.");
	MULTI_SUBTEST("bad-input", test_bad_input());

	igt_describe("VRAM to VRAM moves between every ordered pair of 4 GPUs.");
	MULTI_SUBTEST("vram-to-vram-pairs", test_vram_pairs());

	igt_describe("PREFERRED_LOC on one of 3 GPUs keeps the data there.");
	MULTI_SUBTEST("preferred-location", test_preferred_location());

	igt_describe("A range spread over two GPUs and system memory, used by 3 GPUs.");
	MULTI_SUBTEST("mixed-placement", test_mixed_placement());

	igt_describe("Concurrent prefetches to 3 GPUs and system memory while the data is read.");
	MULTI_SUBTEST("concurrent-prefetch", test_concurrent_prefetch());

	igt_describe("Data goes around a ring of 8 GPUs by prefetches and by GPU faults.");
	MULTI_SUBTEST("vram-to-vram-ring", test_vram_ring());

	igt_fixture
		teardown();
}
