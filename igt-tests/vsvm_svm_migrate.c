// SPDX-License-Identifier: MIT
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * TEST: vsvm svm migrate
 * Description: Migration of shared virtual memory between system RAM and a
 *              GPU's VRAM: DRM_IOCTL_VSVM_SVM_PREFETCH (synchronous and
 *              asynchronous), the PREFETCH_LOC attribute, CPU faults that
 *              bring device-private pages back, fork and COW of pages in
 *              VRAM, GUP of pages in VRAM, memory that must not migrate
 *              (shared, file-backed), zero-filled pages, holes, concurrent
 *              prefetches and two GPUs. The scenarios follow the migration
 *              tests of the kernel's hmm-tests
 *              (tools/testing/selftests/mm/hmm-tests.c). Every step checks the
 *              data with the GPU (CHECKSUM / VERIFY) and the CPU, and the
 *              per-process migration counters of debugfs vsvm_svm (pages_in,
 *              pages_out, cpu_faults, bytes_copied, vram_pages,
 *              vram_evictions, faults) by exact deltas. With device-private
 *              VRAM a CPU access migrates the granularity block around it
 *              back to system RAM; with coherent VRAM
 *              (VSVM_CAP_VRAM_COHERENT) the CPU uses the pages in place; each
 *              subtest asserts the behaviour of the mode it runs in. Result
 *              slots of dispatches are buffer objects bound above every CPU
 *              address, so that they cost no SVM fault.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: Memory management
 * Functionality: shared virtual memory migration
 * Feature: svm
 * Test category: uAPI
 * Test requirement: VSVM_CAP_SVM_VRAM (every subtest but prefetch-bad-args),
 *                   debugfs vsvm_svm
 *
 * SUBTEST: migrate
 * Description: A synchronous prefetch of 4 MiB of CPU-written anonymous
 *              memory to GPU 0 counts exactly 1024 pages in, 1024 pages in
 *              VRAM and 4 MiB copied; the GPU then reads it (CHECKSUM equal
 *              to the CPU's, VERIFY) without a single fault, a second
 *              prefetch to the same GPU moves nothing; a CPU read of every
 *              page finds the data and, with device-private VRAM, costs CPU
 *              faults and brings all 1024 pages back (with coherent VRAM no
 *              CPU fault, the pages stay in VRAM).
 *
 * SUBTEST: migrate-fault
 * Description: A CPU read of one element of every page of a VRAM-resident
 *              2 MiB-aligned 4 MiB buffer costs exactly 2 CPU faults with
 *              device-private VRAM (one per 2 MiB block, granularity 9) and
 *              brings all data back (vram_pages back to its start value),
 *              none with coherent VRAM; after another prefetch a GPU COPY
 *              into the buffer moves nothing and the CPU reads the GPU's
 *              data, again at 2 CPU faults; CPU writes into the
 *              VRAM-resident buffer fault the same way and the GPU reads
 *              them. A 2 MiB buffer migrated with granularity 6 costs 8 CPU
 *              faults, also when the granularity is set back to 9 after the
 *              migration.
 *
 * SUBTEST: migrate-release
 * Description: munmap() of 4 MiB of an 8 MiB buffer prefetched to VRAM
 *              frees those pages (vram_pages, vram_used of QUERY_DEVICE drop
 *              within 2 s) without migrating anything back, the other half
 *              keeps its data in VRAM; munmap() of the rest brings vram_pages
 *              and vram_used back to their start values.
 *
 * SUBTEST: migrate-shared
 * Description: A prefetch of MAP_SHARED | MAP_ANONYMOUS memory and of a
 *              MAP_SHARED memfd mapping (shmem) to the GPU or to system
 *              memory returns 0 and moves nothing (pages_in, vram_pages,
 *              bytes_copied unchanged); the GPU and the CPU read the right
 *              data and a GPU write reaches the shared memory.
 *
 * SUBTEST: migrate-mixed
 * Description: A 6 MiB range made of anonymous, MAP_PRIVATE tmpfs-file and
 *              anonymous 2 MiB mappings (MAP_FIXED into one reservation; the
 *              file is written with pwrite() only, never through the
 *              mapping) is prefetched in one call: it returns 0 and counts
 *              exactly the 1024 anonymous pages in and 4 MiB copied; the GPU
 *              checksums of the three parts and the CPU's reads are right,
 *              the file is unchanged, and a prefetch back to system memory
 *              empties the VRAM.
 *
 * SUBTEST: migrate-multiple
 * Description: Ten round trips of a 2 MiB buffer between system memory and
 *              VRAM (prefetch to the gpu_id, then to
 *              VSVM_SVM_LOCATION_SYSMEM) with new CPU data each trip: every
 *              trip counts exactly 512 pages in and 512 out, vram_pages
 *              512 then 0, and the data is checked by the GPU in VRAM and by
 *              the CPU and the GPU in system memory (GPU reads of system
 *              memory never migrate); a prefetch of system memory to system
 *              memory moves nothing.
 *
 * SUBTEST: migrate-zero
 * Description: Never-touched anonymous memory prefetched to VRAM counts its
 *              pages in but copies nothing (zero-filled VRAM): the GPU and
 *              the CPU read zeros; a 4 MiB buffer whose first 2 MiB only
 *              were written copies exactly those 2 MiB, and reads back the
 *              data and the zeros.
 *
 * SUBTEST: cow-in-device
 * Description: hmm_cow_in_device: with 4 MiB of data in VRAM the process
 *              forks; the child writes every page from the CPU and reads its
 *              own data back while the parent keeps its original data (GPU
 *              and CPU). With device-private VRAM the child's CPU faults
 *              (exactly 2) count in the parent's counters and bring the
 *              pages back; with coherent VRAM nothing migrates and the
 *              parent's pages stay in VRAM. The other way round the parent
 *              writes (COW from its side, 2 CPU faults with device-private
 *              VRAM) and the child still reads the original data. VRAM
 *              usage goes back to its start value at the end.
 *
 * SUBTEST: gup-on-device
 * Description: hmm_gup_test: 4 MiB of data in VRAM are read through
 *              get_user_pages() of other code paths: a child reads the first
 *              half with process_vm_readv(), the parent write()s the second
 *              half to a temporary file, both get the right data; with
 *              device-private VRAM each half costs exactly one CPU fault and
 *              comes back to system memory, with coherent VRAM nothing
 *              moves.
 *
 * SUBTEST: prefetch-hole
 * Description: A synchronous prefetch of 6 MiB whose middle 2 MiB are
 *              unmapped fails with EFAULT, moving at most the part before
 *              the hole and never the part after it; prefetches of the
 *              hole alone, of ranges starting in it and of the whole range
 *              to system memory fail with EFAULT too and move nothing;
 *              both parts prefetched separately work; an asynchronous
 *              prefetch over the hole returns 0 and its fence signals
 *              EFAULT. The data stays intact everywhere (GPU and CPU).
 *
 * SUBTEST: prefetch-async
 * Description: An asynchronous prefetch of 8 MiB signals its syncobj with
 *              status 0, counts exactly 2048 pages in and maps the range
 *              (GPU reads without faults); an asynchronous prefetch back to
 *              system memory through the same syncobj (holding a signalled
 *              fence) counts exactly 2048 pages out; two asynchronous
 *              prefetches in a row on one syncobj both complete (the first
 *              fence kept through a sync_file); GPU and CPU reads racing
 *              with an asynchronous prefetch see the right data; a buffer
 *              unmapped while its asynchronous prefetch runs gives a fence
 *              that signals (0 or EFAULT) and no VRAM left in use.
 *
 * SUBTEST: prefetch-bad-args
 * Description: SVM_PREFETCH fails with its exact errno, each field varied
 *              alone, synchronous and asynchronous: zero size, unaligned
 *              start or size, unknown flags, non-zero pad, an unknown
 *              gpu_id, UNDEFINED or the gpu_id of a GPU the process has not
 *              opened as location, a syncobj without ASYNC, ASYNC without a
 *              syncobj (EINVAL); ASYNC with an unknown syncobj (ENOENT); a
 *              range that wraps or passes the user address space
 *              (EOVERFLOW); a hole or a buffer-object CPU mapping (EFAULT,
 *              or a fence with EFAULT when asynchronous); a range over or
 *              partly over a buffer-object binding at CPU addresses
 *              (EADDRINUSE); a forked child using the parent's file (EBADF).
 *              No rejected call moves a page, changes vram_used or installs
 *              a fence; valid prefetches work afterwards.
 *
 * SUBTEST: prefetch-attr
 * Description: SET_ATTR PREFETCH_LOC = gpu_id migrates a CPU-written 4 MiB
 *              buffer (exactly 1024 pages in, 4 MiB copied), GET returns
 *              the gpu_id, and the following GPU reads cost no fault;
 *              PREFETCH_LOC = SYSMEM brings exactly 1024 pages back; the data
 *              is right on the GPU and the CPU after each step.
 *
 * SUBTEST: prefetch-threads
 * Description: Four threads prefetch disjoint and overlapping 2 MiB slices
 *              (at 1 MiB offsets) of one 16 MiB buffer to GPU 0 and to
 *              system memory over and over while another thread reads the
 *              whole buffer with the CPU and checksums and verifies it with
 *              the GPU: every prefetch returns 0, every read sees the data;
 *              afterwards a prefetch to system memory empties the VRAM and a
 *              prefetch to the GPU counts exactly the 4096 pages in.
 *
 * SUBTEST: migrate-two-gpus
 * Description: Data prefetched to GPU 0 is read right by GPU 1 in place
 *              over the peer link (no page moves); after a prefetch to
 *              system memory and one to GPU 1 it has 1024 pages there and
 *              GPU 0 reads them in place likewise; prefetches between the
 *              two VRAMs move every page directly (pages out of the source,
 *              in and bytes copied on the destination only).
 * Test requirement: 2 GPUs with VSVM_CAP_SVM_VRAM
 */

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "igt_core.h"
#include "vsvm_ctx.h"
#include "vsvm_test.h"

IGT_TEST_DESCRIPTION("Migration of shared virtual memory between system RAM and VRAM.");

#define SUBTEST_TIMEOUT 120
#define KIB (1ULL << 10)
#define MIB (1ULL << 20)
#define PAGE VT_PAGE_SIZE
#define HUGE VT_HUGE_SIZE
#define PAGE_ELEMS (PAGE / 8)
/* hmm-tests' HMM_BUFFER_SIZE and NTIMES */
#define BUF_SIZE (4 * MIB)
#define NTIMES 10
#define RW (PROT_READ | PROT_WRITE)
#define LOC_SYSMEM VSVM_SVM_LOCATION_SYSMEM
#define ASYNC VSVM_SVM_PREFETCH_ASYNC
#define NSEC_PER_MSEC 1000000LL
/* how long freed VRAM may take to leave the counters */
#define RELEASE_TIMEOUT_MS 2000
/* the block a CPU fault brings back with the default granularity 9 */
#define BLOCK HUGE
/* a counter change that is not checked */
#define ANY INT64_MIN

/* ---- helpers ----------------------------------------------------------------------------- */

static uint64_t elems(uint64_t bytes)
{
	return bytes / 8;
}

static uint64_t pages(uint64_t bytes)
{
	return bytes / PAGE;
}

/* The CPU reads the first element of every page: seed + i * step for element i */
static void touch_pages(const uint64_t *p, uint64_t size, uint64_t seed, uint64_t step)
{
	const volatile uint64_t *v = p;
	uint64_t i;

	for (i = 0; i < elems(size); i += PAGE_ELEMS)
		igt_assert_f(v[i] == seed + i * step,
			     "element %llu: %#llx, expected %#llx\n", (unsigned long long)i,
			     (unsigned long long)v[i], (unsigned long long)(seed + i * step));
}

static void xwrite(int fd, const void *buf, size_t len)
{
	igt_assert_eq(write(fd, buf, len), (ssize_t)len);
}

static void xread(int fd, void *buf, size_t len)
{
	igt_assert_eq(read(fd, buf, len), (ssize_t)len);
}

/* ---- GPUs -------------------------------------------------------------------------------- */

/* A context on GPU @gpu; skip unless its migration counters (debugfs vsvm_svm) can be read. */
static struct vt_ctx *mig_ctx_open(int gpu)
{
	igt_require_f(vt_svm_debugfs(gpu), "debugfs vsvm_svm of GPU %d not available\n", gpu);
	return vt_ctx_open(gpu);
}

/* ---- prefetch ---------------------------------------------------------------------------- */

static int prefetch_raw(int fd, uint64_t start, uint64_t size, uint32_t location, uint32_t flags,
			uint32_t syncobj, uint32_t pad)
{
	struct drm_vsvm_svm_prefetch a = {
		.start = start,
		.size = size,
		.location = location,
		.flags = flags,
		.out_syncobj = syncobj,
		.pad = pad,
	};

	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &a);
}

static void prefetch_async(struct vt_ctx *c, const void *p, uint64_t size, uint32_t location,
			   uint32_t syncobj)
{
	int ret = vsvm_svm_prefetch(c->fd, p, size, location, ASYNC, syncobj);

	igt_assert_f(ret == 0, "asynchronous prefetch of %p+%#llx to %u: %s\n", p,
		     (unsigned long long)size, location, strerror(-ret));
}

/* The fence of @syncobj signals (within VT_DISPATCH_TIMEOUT_MS) with @status (1: no error) */
static void expect_fence(struct vt_ctx *c, uint32_t syncobj, int status, const char *what)
{
	int got = vt_fence_wait_status(c->fd, syncobj);

	igt_assert_f(got == status, "%s: fence status %d, expected %d\n", what, got, status);
}

/* @syncobj holds no fence */
static void expect_no_fence(struct vt_ctx *c, uint32_t syncobj, const char *what)
{
	int status = 0;

	igt_assert_f(vsvm_syncobj_fence_status(c->fd, syncobj, &status) == -EINVAL,
		     "%s: the syncobj got a fence (status %d)\n", what, status);
}

/* A new binary syncobj holding the fence @syncobj holds now */
static uint32_t syncobj_copy(struct vt_ctx *c, uint32_t syncobj)
{
	uint32_t copy = vt_syncobj(c->fd, 0);
	int sync_file = -1;

	igt_assert_eq(vsvm_syncobj_export_sync_file(c->fd, syncobj, &sync_file), 0);
	igt_assert_eq(vsvm_syncobj_import_sync_file(c->fd, copy, sync_file), 0);
	close(sync_file);
	return copy;
}

/* ---- counters ---------------------------------------------------------------------------- */

enum { M_IN, M_OUT, M_CPU_FAULTS, M_BYTES, M_VRAM, M_FAULTS, M_EVICTIONS, M_NUM };

static const char *const mig_names[M_NUM] = {
	[M_IN] = "pages_in",
	[M_OUT] = "pages_out",
	[M_CPU_FAULTS] = "cpu_faults",
	[M_BYTES] = "bytes_copied",
	[M_VRAM] = "vram_pages",
	[M_FAULTS] = "faults",
	[M_EVICTIONS] = "vram_evictions",
};

/* The migration counters of this process on one GPU */
struct mig {
	uint64_t v[M_NUM];
};

/*
 * Expected changes of the counters: a field left out must not change, ANY
 * is not checked. vram_evictions must never change in these subtests.
 */
struct delta {
	int64_t pages_in;
	int64_t pages_out;
	int64_t cpu_faults;
	int64_t bytes_copied;
	int64_t vram_pages;
	int64_t faults;
};

static void mig_read(const struct vt_ctx *c, struct mig *m)
{
	int i;

	for (i = 0; i < M_NUM; i++)
		m->v[i] = vt_svm_count(vt_paths[c->gpu], mig_names[i]);
}

/* Assert the changes of the counters since *@m, then update *@m. */
static void expect_counters(const struct vt_ctx *c, struct mig *m, const struct delta *d,
			    const char *what)
{
	const int64_t want[M_NUM] = {
		d->pages_in, d->pages_out, d->cpu_faults, d->bytes_copied, d->vram_pages,
		d->faults, 0,
	};
	int64_t got[M_NUM];
	struct mig now;
	int i;

	mig_read(c, &now);
	for (i = 0; i < M_NUM; i++) {
		got[i] = (int64_t)(now.v[i] - m->v[i]);
		igt_debug("%s, GPU %d: %s %llu (%+lld)\n", what, c->gpu, mig_names[i],
			  (unsigned long long)now.v[i], (long long)got[i]);
	}
	for (i = 0; i < M_NUM; i++)
		igt_assert_f(want[i] == ANY || got[i] == want[i],
			     "%s: %s of GPU %d changed by %lld, expected %lld\n", what,
			     mig_names[i], c->gpu, (long long)got[i], (long long)want[i]);
	*m = now;
}

#define EXPECT(c, m, what, ...) expect_counters(c, m, &(const struct delta){ __VA_ARGS__ }, what)

/*
 * The CPU accessed every page of @size bytes of 2 MiB-aligned data in @c's
 * VRAM, migrated with granularity blocks of @block bytes: with
 * device-private VRAM one CPU fault per block brought every page back,
 * with coherent VRAM nothing moved.
 */
static void expect_cpu_access(const struct vt_ctx *c, struct mig *m, uint64_t size, uint64_t block,
			      const char *what)
{
	if (c->coherent)
		EXPECT(c, m, what);
	else
		EXPECT(c, m, what, .pages_out = pages(size), .cpu_faults = size / block,
		       .bytes_copied = size, .vram_pages = -(int64_t)pages(size));
}

/* Poll (up to 2 s) until counter @name of @c is @want; assert it got there. */
static void wait_counter(struct vt_ctx *c, const char *name, uint64_t want)
{
	int64_t end = vt_now_ns() + RELEASE_TIMEOUT_MS * NSEC_PER_MSEC;
	uint64_t v;

	while ((v = vt_svm_count(vt_paths[c->gpu], name)) != want && vt_now_ns() < end)
		usleep(10000);
	igt_assert_f(v == want, "%s of GPU %d is %llu after %d ms, expected %llu\n", name, c->gpu,
		     (unsigned long long)v, RELEASE_TIMEOUT_MS, (unsigned long long)want);
}

/* Poll (up to 2 s) until QUERY_DEVICE reports vram_used == @want; assert it did. */
static void wait_vram_used(struct vt_ctx *c, uint64_t want)
{
	int64_t end = vt_now_ns() + RELEASE_TIMEOUT_MS * NSEC_PER_MSEC;
	uint64_t v;

	while ((v = vt_ctx_vram_used(c)) != want && vt_now_ns() < end)
		usleep(10000);
	igt_assert_f(v == want, "vram_used of GPU %d is %llu after %d ms, expected %llu\n", c->gpu,
		     (unsigned long long)v, RELEASE_TIMEOUT_MS, (unsigned long long)want);
}

/* Poll (up to 2 s) until QUERY_DEVICE reports vram_used below @limit; assert it did. */
static uint64_t wait_vram_below(struct vt_ctx *c, uint64_t limit)
{
	int64_t end = vt_now_ns() + RELEASE_TIMEOUT_MS * NSEC_PER_MSEC;
	uint64_t v;

	while ((v = vt_ctx_vram_used(c)) >= limit && vt_now_ns() < end)
		usleep(10000);
	igt_assert_f(v < limit, "vram_used of GPU %d is %llu after %d ms, expected below %llu\n",
		     c->gpu, (unsigned long long)v, RELEASE_TIMEOUT_MS, (unsigned long long)limit);
	return v;
}

/* ---- migrate ----------------------------------------------------------------------------- */

static void test_migrate(void)
{
	const uint64_t size = BUF_SIZE, n = elems(size), np = pages(size), seed = 0x1000;
	struct vt_ctx *c = mig_ctx_open(0);
	uint64_t *buf;
	struct mig m;

	vt_ctx_require_vram(c);
	buf = vt_map_aligned(size, MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed, 1);

	mig_read(c, &m);
	vt_ctx_prefetch(c, buf, size, c->gpu_id);
	EXPECT(c, &m, "prefetch of 4 MiB to the GPU", .pages_in = np, .bytes_copied = size,
	       .vram_pages = np);
	/* mapped by the prefetch: no fault */
	vt_ctx_check(c, buf, n, seed, 1, "prefetched buffer");
	EXPECT(c, &m, "GPU reads of the prefetched buffer");
	vt_ctx_prefetch(c, buf, size, c->gpu_id);
	EXPECT(c, &m, "second prefetch to the same GPU");

	vt_check_pattern(buf, n, seed, 1, "prefetched buffer read by the CPU");
	expect_cpu_access(c, &m, size, BLOCK, "CPU read of the prefetched buffer");
	vt_ctx_check(c, buf, n, seed, 1, "buffer after the CPU read");
	/* the data is where the CPU read left it: in place */
	EXPECT(c, &m, "GPU reads after the CPU read", .faults = c->coherent ? 0 : ANY);
	vt_unmap(buf, size);
	vt_ctx_close(c);
}

/* ---- migrate-fault ----------------------------------------------------------------------- */

static void test_migrate_fault(void)
{
	const uint64_t size = BUF_SIZE, n = elems(size), np = pages(size);
	const uint64_t small = HUGE, sn = elems(small), fine = 6;
	struct vt_ctx *c = mig_ctx_open(0);
	uint64_t *buf, *src, *b2, vram0;
	struct mig m;

	vt_ctx_require_vram(c);
	buf = vt_map_aligned(size, MAP_PRIVATE);
	src = vt_map_aligned(size, MAP_PRIVATE);
	vt_fill_pattern(buf, n, 0xa000, 1);
	vt_fill_pattern(src, n, 0xb000, 3);

	mig_read(c, &m);
	vram0 = m.v[M_VRAM];
	vt_ctx_prefetch(c, buf, size, c->gpu_id);
	EXPECT(c, &m, "prefetch", .pages_in = np, .bytes_copied = size, .vram_pages = np);
	vt_ctx_check(c, buf, n, 0xa000, 1, "prefetched buffer");
	EXPECT(c, &m, "GPU reads in VRAM");

	/* one element of every page, in order */
	touch_pages(buf, size, 0xa000, 1);
	expect_cpu_access(c, &m, size, BLOCK, "CPU read of every page");
	vt_check_pattern(buf, n, 0xa000, 1, "buffer after the CPU faults");
	EXPECT(c, &m, "CPU read of the whole buffer");
	igt_assert_eq_u64(m.v[M_VRAM], c->coherent ? vram0 + np : vram0);

	/* again, with the GPU writing into its VRAM */
	vt_ctx_prefetch(c, buf, size, c->gpu_id);
	EXPECT(c, &m, "second prefetch", .pages_in = c->coherent ? 0 : np,
	       .bytes_copied = c->coherent ? 0 : size, .vram_pages = c->coherent ? 0 : np);
	vt_ctx_copy(c, buf, src, n);
	EXPECT(c, &m, "GPU COPY into VRAM", .faults = ANY);
	vt_ctx_check(c, buf, n, 0xb000, 3, "buffer the GPU copied into");
	vt_check_pattern(buf, n, 0xb000, 3, "buffer the GPU copied into, read by the CPU");
	expect_cpu_access(c, &m, size, BLOCK, "CPU read of the GPU's data");

	/* CPU writes */
	vt_ctx_prefetch(c, buf, size, c->gpu_id);
	EXPECT(c, &m, "third prefetch", .pages_in = c->coherent ? 0 : np,
	       .bytes_copied = c->coherent ? 0 : size, .vram_pages = c->coherent ? 0 : np);
	vt_fill_pattern(buf, n, 0xc000, 5);
	expect_cpu_access(c, &m, size, BLOCK, "CPU writes of every page");
	vt_ctx_check(c, buf, n, 0xc000, 5, "buffer the CPU wrote");
	vt_check_pattern(buf, n, 0xc000, 5, "buffer the CPU wrote");

	/* migrated with granularity 6: 256 KiB blocks, even once it is 9 again */
	b2 = vt_map_aligned(small, MAP_PRIVATE);
	vt_fill_pattern(b2, sn, 0xd000, 1);
	vt_ctx_set_attr(c, b2, small, VSVM_SVM_ATTR_GRANULARITY, fine);
	mig_read(c, &m);
	vt_ctx_prefetch(c, b2, small, c->gpu_id);
	EXPECT(c, &m, "prefetch with granularity 6", .pages_in = pages(small),
	       .bytes_copied = small, .vram_pages = pages(small));
	vt_ctx_set_attr(c, b2, small, VSVM_SVM_ATTR_GRANULARITY, VSVM_SVM_DEFAULT_GRANULARITY);
	EXPECT(c, &m, "granularity set back to 9");
	touch_pages(b2, small, 0xd000, 1);
	expect_cpu_access(c, &m, small, PAGE << fine, "CPU read of every page, granularity 6");
	vt_check_pattern(b2, sn, 0xd000, 1, "buffer migrated with granularity 6");
	vt_ctx_check(c, b2, sn, 0xd000, 1, "buffer migrated with granularity 6");

	vt_unmap(b2, small);
	vt_unmap(src, size);
	vt_unmap(buf, size);
	vt_ctx_close(c);
}

/* ---- migrate-release --------------------------------------------------------------------- */

static void test_migrate_release(void)
{
	const uint64_t size = 8 * MIB, half = size / 2, n = elems(size), np = pages(size);
	struct vt_ctx *c = mig_ctx_open(0);
	uint64_t used0, vram0, peak, mid, *buf;
	struct mig m;

	vt_ctx_require_vram(c);
	used0 = vt_ctx_vram_used(c);
	buf = vt_map_aligned(size, MAP_PRIVATE);
	vt_fill_pattern(buf, n, 0x7e1, 1);
	mig_read(c, &m);
	vram0 = m.v[M_VRAM];

	vt_ctx_prefetch(c, buf, size, c->gpu_id);
	EXPECT(c, &m, "prefetch of 8 MiB", .pages_in = np, .bytes_copied = size, .vram_pages = np);
	peak = vt_ctx_vram_used(c);
	igt_info("vram_used: %llu before, %llu with 8 MiB prefetched\n",
		 (unsigned long long)used0, (unsigned long long)peak);
	igt_assert_lte_u64(used0 + size, peak);
	vt_ctx_check(c, buf, n, 0x7e1, 1, "prefetched buffer");

	/* half of it */
	vt_unmap(buf, half);
	wait_counter(c, "vram_pages", vram0 + np / 2);
	mid = wait_vram_below(c, peak);
	igt_assert_lte_u64(used0 + half, mid);
	EXPECT(c, &m, "munmap of the first half", .vram_pages = -(int64_t)(np / 2));
	vt_ctx_check(c, buf + elems(half), elems(half), 0x7e1 + elems(half), 1, "second half");
	EXPECT(c, &m, "GPU reads of the second half in VRAM", .faults = ANY);

	/* the rest */
	vt_unmap(buf + elems(half), half);
	wait_counter(c, "vram_pages", vram0);
	wait_vram_used(c, used0);
	EXPECT(c, &m, "munmap of the second half", .vram_pages = -(int64_t)(np / 2));
	vt_ctx_close(c);
}

/* ---- migrate-shared ---------------------------------------------------------------------- */

/* @p is shared memory: prefetches move nothing, the GPU and the CPU use it in place */
static void shared_no_migration(struct vt_ctx *c, uint64_t *p, uint64_t size, uint64_t seed,
				const char *what)
{
	const uint64_t n = elems(size);
	struct mig m;

	vt_fill_pattern(p, n, seed, 1);
	mig_read(c, &m);
	vt_ctx_prefetch(c, p, size, c->gpu_id);
	EXPECT(c, &m, what);
	vt_ctx_check(c, p, n, seed, 1, what);
	EXPECT(c, &m, what, .faults = ANY);
	vt_check_pattern(p, n, seed, 1, what);
	vt_ctx_fill(c, p, n, seed ^ 0xfff);
	vt_check_value(p, n, seed ^ 0xfff, what);
	vt_ctx_prefetch(c, p, size, LOC_SYSMEM);
	EXPECT(c, &m, what, .faults = ANY);
}

static void test_migrate_shared(void)
{
	const uint64_t size = BUF_SIZE;
	struct vt_ctx *c = mig_ctx_open(0);
	uint64_t *shared, *shm;
	int memfd;

	vt_ctx_require_vram(c);
	shared = vt_map_aligned(size, MAP_SHARED);
	shared_no_migration(c, shared, size, 0x5a000, "MAP_SHARED | MAP_ANONYMOUS memory");

	memfd = memfd_create("vsvm_svm_migrate", MFD_CLOEXEC);
	igt_assert_f(memfd >= 0, "memfd_create: %s\n", strerror(errno));
	igt_assert_eq(ftruncate(memfd, size), 0);
	shm = mmap(NULL, size, RW, MAP_SHARED, memfd, 0);
	igt_assert(shm != MAP_FAILED);
	shared_no_migration(c, shm, size, 0x5b000, "MAP_SHARED memfd mapping");
	vt_file_check_pattern(memfd, 0, elems(size), 0x5b000 ^ 0xfff, 0, "memfd the GPU filled");

	vt_unmap(shm, size);
	close(memfd);
	vt_unmap(shared, size);
	vt_ctx_close(c);
}

/* ---- migrate-mixed ----------------------------------------------------------------------- */

static void test_migrate_mixed(void)
{
	const uint64_t part = HUGE, pn = elems(part), size = 3 * part;
	const uint64_t seed[3] = { 0x10000000, 0x20000000, 0x30000000 };
	struct vt_ctx *c = mig_ctx_open(0);
	uint64_t *range, *p[3];
	struct mig m;
	void *file;
	int fd, i;

	vt_ctx_require_vram(c);
	/* anonymous | MAP_PRIVATE tmpfs file | anonymous */
	range = vt_map_aligned(size, MAP_PRIVATE);
	for (i = 0; i < 3; i++)
		p[i] = range + i * pn;
	fd = memfd_create("vsvm_svm_migrate", MFD_CLOEXEC);
	igt_assert_f(fd >= 0, "memfd_create: %s\n", strerror(errno));
	vt_file_write_pattern(fd, 0, pn, seed[1], 1);
	file = mmap(p[1], part, RW, MAP_PRIVATE | MAP_FIXED, fd, 0);
	igt_assert_f(file == p[1], "mmap of the file at %p: %s\n", p[1], strerror(errno));
	vt_fill_pattern(p[0], pn, seed[0], 1);
	vt_fill_pattern(p[2], pn, seed[2], 1);

	mig_read(c, &m);
	vt_ctx_prefetch(c, range, size, c->gpu_id);
	EXPECT(c, &m, "prefetch of anonymous | file | anonymous", .pages_in = 2 * pages(part),
	       .bytes_copied = 2 * part, .vram_pages = 2 * pages(part));
	for (i = 0; i < 3; i++)
		vt_ctx_check(c, p[i], pn, seed[i], 1, "part of the mixed range");
	EXPECT(c, &m, "GPU reads of the mixed range", .faults = ANY);
	for (i = 0; i < 3; i++)
		vt_check_pattern(p[i], pn, seed[i], 1, "part of the mixed range");
	expect_cpu_access(c, &m, 2 * part, BLOCK, "CPU read of the mixed range");
	vt_file_check_pattern(fd, 0, pn, seed[1], 1, "file behind the private mapping");

	vt_ctx_prefetch(c, range, size, LOC_SYSMEM);
	if (c->coherent)
		EXPECT(c, &m, "prefetch of the mixed range to system memory",
		       .pages_out = 2 * pages(part), .bytes_copied = 2 * part,
		       .vram_pages = -2 * (int64_t)pages(part));
	else
		EXPECT(c, &m, "prefetch of the mixed range to system memory");
	for (i = 0; i < 3; i++)
		vt_ctx_check(c, p[i], pn, seed[i], 1, "part of the mixed range in system memory");
	EXPECT(c, &m, "GPU reads of the mixed range in system memory", .faults = ANY);

	vt_unmap(range, size);
	close(fd);
	vt_ctx_close(c);
}

/* ---- migrate-multiple -------------------------------------------------------------------- */

static void test_migrate_multiple(void)
{
	const uint64_t size = HUGE, n = elems(size), np = pages(size);
	struct vt_ctx *c = mig_ctx_open(0);
	uint64_t *buf;
	struct mig m;
	int i;

	vt_ctx_require_vram(c);
	buf = vt_map_aligned(size, MAP_PRIVATE);
	vt_fill_pattern(buf, n, 1, 1);
	mig_read(c, &m);
	vt_ctx_prefetch(c, buf, size, LOC_SYSMEM);
	EXPECT(c, &m, "prefetch of system memory to system memory");

	for (i = 0; i < NTIMES; i++) {
		const uint64_t seed = (uint64_t)(i + 1) << 32, step = i + 1;

		igt_debug("round trip %d\n", i);
		vt_fill_pattern(buf, n, seed, step);
		EXPECT(c, &m, "CPU writes to system memory");
		vt_ctx_prefetch(c, buf, size, c->gpu_id);
		EXPECT(c, &m, "prefetch to the GPU", .pages_in = np, .bytes_copied = size,
		       .vram_pages = np);
		vt_ctx_check(c, buf, n, seed, step, "buffer in VRAM");
		EXPECT(c, &m, "GPU reads in VRAM");
		if (c->coherent) {
			vt_check_pattern(buf, n, seed, step, "buffer in coherent VRAM");
			EXPECT(c, &m, "CPU read of coherent VRAM");
		}
		vt_ctx_prefetch(c, buf, size, LOC_SYSMEM);
		EXPECT(c, &m, "prefetch to system memory", .pages_out = np, .bytes_copied = size,
		       .vram_pages = -(int64_t)np);
		vt_check_pattern(buf, n, seed, step, "buffer back in system memory");
		vt_ctx_check(c, buf, n, seed, step, "buffer back in system memory");
		EXPECT(c, &m, "reads of system memory", .faults = ANY);
	}
	vt_unmap(buf, size);
	vt_ctx_close(c);
}

/* ---- migrate-zero ------------------------------------------------------------------------ */

static void test_migrate_zero(void)
{
	const uint64_t size = BUF_SIZE, n = elems(size), np = pages(size), half = size / 2;
	const uint64_t hn = elems(half), seed = 0x2e40;
	struct vt_ctx *c = mig_ctx_open(0);
	uint64_t *buf, *part;
	struct mig m;

	vt_ctx_require_vram(c);
	buf = vt_map_aligned(size, MAP_PRIVATE);
	mig_read(c, &m);
	vt_ctx_prefetch(c, buf, size, c->gpu_id);
	EXPECT(c, &m, "prefetch of never-touched memory", .pages_in = np, .vram_pages = np);
	vt_ctx_check(c, buf, n, 0, 0, "zero-filled VRAM");
	EXPECT(c, &m, "GPU reads of zero-filled VRAM");
	vt_check_value(buf, n, 0, "zero-filled VRAM read by the CPU");
	expect_cpu_access(c, &m, size, BLOCK, "CPU read of zero-filled VRAM");
	vt_ctx_check(c, buf, n, 0, 0, "zero-filled VRAM after the CPU read");
	EXPECT(c, &m, "GPU reads after the CPU read", .faults = ANY);

	/* 2 MiB written by the CPU, 2 MiB never touched */
	part = vt_map_aligned(size, MAP_PRIVATE);
	vt_fill_pattern(part, hn, seed, 1);
	vt_ctx_prefetch(c, part, size, c->gpu_id);
	EXPECT(c, &m, "prefetch of half-written memory", .pages_in = np, .bytes_copied = half,
	       .vram_pages = np);
	vt_ctx_check(c, part, hn, seed, 1, "written half");
	vt_ctx_check(c, part + hn, hn, 0, 0, "never-touched half");
	EXPECT(c, &m, "GPU reads of the half-written buffer");
	vt_check_pattern(part, hn, seed, 1, "written half");
	vt_check_value(part + hn, hn, 0, "never-touched half");
	expect_cpu_access(c, &m, size, BLOCK, "CPU read of the half-written buffer");

	vt_unmap(part, size);
	vt_unmap(buf, size);
	vt_ctx_close(c);
}

/* ---- cow-in-device ----------------------------------------------------------------------- */

static void test_cow_in_device(void)
{
	const uint64_t size = BUF_SIZE, n = elems(size), np = pages(size);
	const uint64_t orig = 0xc0c0000, childs = 0xc41d0000, later = 0x1a7e0000;
	const uint64_t last = 0x1a57000;
	struct vt_ctx *c = mig_ctx_open(0);
	uint64_t *buf, vram0, used0;
	int up[2], down[2];
	struct mig m;
	char go = 1;

	vt_ctx_require_vram(c);
	igt_assert_eq(pipe(up), 0);
	igt_assert_eq(pipe(down), 0);
	used0 = vt_ctx_vram_used(c);
	buf = vt_map_aligned(size, MAP_PRIVATE);
	vt_fill_pattern(buf, n, orig, 1);
	mig_read(c, &m);
	vram0 = m.v[M_VRAM];
	vt_ctx_prefetch(c, buf, size, c->gpu_id);
	EXPECT(c, &m, "prefetch", .pages_in = np, .bytes_copied = size, .vram_pages = np);
	vt_ctx_check(c, buf, n, orig, 1, "prefetched buffer");

	/* the child writes every page of its copy */
	igt_fork(child, 1) {
		char ch;

		vt_fill_pattern(buf, n, childs, 1);
		vt_check_pattern(buf, n, childs, 1, "the child's copy");
		xwrite(up[1], &go, 1);
		xread(down[0], &ch, 1);
		vt_check_pattern(buf, n, childs, 1, "the child's copy after the parent's writes");
	}
	xread(up[0], &go, 1);
	/* the child's CPU faults count in the counters of the process that migrated */
	expect_cpu_access(c, &m, size, BLOCK, "the child's CPU writes");
	vt_ctx_check(c, buf, n, orig, 1, "the parent's data after the child's writes");
	vt_check_pattern(buf, n, orig, 1, "the parent's data after the child's writes");
	/*
	 * From here on a coherent page of the parent may be copied on write by
	 * the kernel (a GPU read maps writable at once), leaving VRAM.
	 */
	EXPECT(c, &m, "the parent's reads", .vram_pages = c->coherent ? ANY : 0, .faults = ANY);
	vt_fill_pattern(buf, n, later, 1);
	vt_ctx_check(c, buf, n, later, 1, "the parent's new data");
	vt_check_pattern(buf, n, later, 1, "the parent's new data");
	EXPECT(c, &m, "the parent's writes", .vram_pages = c->coherent ? ANY : 0, .faults = ANY);
	xwrite(down[1], &go, 1);
	igt_waitchildren();

	/* the other way round: the parent writes, the child keeps the data of the fork */
	vt_ctx_prefetch(c, buf, size, LOC_SYSMEM);
	mig_read(c, &m);
	igt_assert_eq_u64(m.v[M_VRAM], vram0);
	vt_ctx_prefetch(c, buf, size, c->gpu_id);
	EXPECT(c, &m, "prefetch before the second fork", .pages_in = np, .bytes_copied = size,
	       .vram_pages = np);
	igt_fork(child, 1) {
		char ch;

		xread(down[0], &ch, 1);
		vt_check_pattern(buf, n, later, 1, "the child's copy after the parent's writes");
	}
	vt_fill_pattern(buf, n, last, 1);
	if (c->coherent)
		EXPECT(c, &m, "the parent's writes to coherent VRAM shared with a child",
		       .vram_pages = ANY);
	else
		expect_cpu_access(c, &m, size, BLOCK,
				  "the parent's writes to device-private VRAM shared with a child");
	vt_ctx_check(c, buf, n, last, 1, "the parent's data written after the fork");
	vt_check_pattern(buf, n, last, 1, "the parent's data written after the fork");
	xwrite(down[1], &go, 1);
	igt_waitchildren();

	vt_unmap(buf, size);
	wait_counter(c, "vram_pages", vram0);
	wait_vram_used(c, used0);
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);
	vt_ctx_close(c);
}

/* ---- gup-on-device ----------------------------------------------------------------------- */

static void test_gup_on_device(void)
{
	const uint64_t size = BUF_SIZE, n = elems(size), np = pages(size), half = size / 2;
	const uint64_t hn = elems(half), seed = 0x6e9000;
	struct vt_ctx *c = mig_ctx_open(0);
	int to_child[2], from_child[2], fd;
	uint64_t *buf, *copy, addr;
	struct mig m;
	char done;

	vt_ctx_require_vram(c);
	igt_assert_eq(pipe(to_child), 0);
	igt_assert_eq(pipe(from_child), 0);
	/* under Yama ptrace_scope 1 a child may not read its parent's memory without this */
	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
	/* forked before the buffer exists: it shares none of its pages */
	igt_fork(child, 1) {
		uint64_t *local = malloc(half), remote = 0;
		struct iovec l = { .iov_base = local, .iov_len = half }, r;
		ssize_t got;

		igt_assert(local);
		xread(to_child[0], &remote, sizeof(remote));
		r = (struct iovec){ .iov_base = (void *)(uintptr_t)remote, .iov_len = half };
		got = process_vm_readv(getppid(), &l, 1, &r, 1, 0);
		igt_assert_f(got == (ssize_t)half, "process_vm_readv: %zd (%s)\n", got,
			     strerror(errno));
		vt_check_pattern(local, hn, seed, 1, "first half read by process_vm_readv()");
		free(local);
		xwrite(from_child[1], "", 1);
	}

	buf = vt_map_aligned(size, MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed, 1);
	mig_read(c, &m);
	vt_ctx_prefetch(c, buf, size, c->gpu_id);
	EXPECT(c, &m, "prefetch", .pages_in = np, .bytes_copied = size, .vram_pages = np);
	vt_ctx_check(c, buf, n, seed, 1, "prefetched buffer");
	EXPECT(c, &m, "GPU reads in VRAM");

	addr = vt_va(buf);
	xwrite(to_child[1], &addr, sizeof(addr));
	xread(from_child[0], &done, 1);
	igt_waitchildren();
	prctl(PR_SET_PTRACER, 0, 0, 0, 0);
	expect_cpu_access(c, &m, half, BLOCK, "process_vm_readv() of the first half");

	fd = vt_tmp_file();
	igt_assert_eq(write(fd, buf + hn, half), (ssize_t)half);
	expect_cpu_access(c, &m, half, BLOCK, "write() of the second half");
	copy = malloc(half);
	igt_assert(copy);
	igt_assert_eq(pread(fd, copy, half, 0), (ssize_t)half);
	vt_check_pattern(copy, hn, seed + hn, 1, "second half written to a file");
	free(copy);
	close(fd);

	vt_ctx_check(c, buf, n, seed, 1, "buffer after get_user_pages()");
	vt_check_pattern(buf, n, seed, 1, "buffer after get_user_pages()");
	EXPECT(c, &m, "reads after get_user_pages()", .faults = ANY);
	vt_unmap(buf, size);
	close(to_child[0]);
	close(to_child[1]);
	close(from_child[0]);
	close(from_child[1]);
	vt_ctx_close(c);
}

/* ---- prefetch-hole ----------------------------------------------------------------------- */

/* Pages a failed prefetch over [a | hole | b] moved: none, or the part before the hole */
static uint64_t moved_before_hole(struct vt_ctx *c, struct mig *m, uint64_t part, const char *what)
{
	uint64_t moved = vt_svm_count(vt_paths[c->gpu], "pages_in") - m->v[M_IN];

	igt_info("%s moved %llu pages\n", what, (unsigned long long)moved);
	igt_assert_f(moved == 0 || moved == pages(part),
		     "%s moved %llu pages, expected 0 or the %llu before the hole\n", what,
		     (unsigned long long)moved, (unsigned long long)pages(part));
	EXPECT(c, m, what, .pages_in = moved, .bytes_copied = moved * PAGE, .vram_pages = moved);
	return moved;
}

/*
 * Both parts around the hole have their data, for the GPU and the CPU; the
 * @moved pages in VRAM were those of the part before the hole (a prefetch
 * of it alone to system memory brings them all back).
 */
static void check_around_hole(struct vt_ctx *c, struct mig *m, uint64_t *a, uint64_t *b,
			      uint64_t part, uint64_t moved, uint64_t vram0)
{
	const uint64_t pn = elems(part);

	vt_ctx_check(c, a, pn, 0xa0a0, 1, "part before the hole");
	vt_ctx_check(c, b, pn, 0xb0b0, 1, "part after the hole");
	EXPECT(c, m, "GPU reads around the hole", .faults = ANY);
	vt_ctx_prefetch(c, a, part, LOC_SYSMEM);
	EXPECT(c, m, "prefetch of the part before the hole to system memory",
	       .pages_out = moved, .bytes_copied = moved * PAGE, .vram_pages = -(int64_t)moved);
	igt_assert_eq_u64(m->v[M_VRAM], vram0);
	vt_check_pattern(a, pn, 0xa0a0, 1, "part before the hole");
	vt_check_pattern(b, pn, 0xb0b0, 1, "part after the hole");
	EXPECT(c, m, "CPU reads around the hole");
}

static void test_prefetch_hole(void)
{
	const uint64_t part = HUGE, pn = elems(part), pp = pages(part);
	struct vt_ctx *c = mig_ctx_open(0);
	uint64_t *range, *a, *hole, *b, moved, vram0;
	struct mig m;
	uint32_t h;

	vt_ctx_require_vram(c);
	range = vt_map_aligned(3 * part, MAP_PRIVATE);
	a = range;
	hole = range + pn;
	b = range + 2 * pn;
	vt_fill_pattern(a, pn, 0xa0a0, 1);
	vt_fill_pattern(b, pn, 0xb0b0, 1);
	vt_unmap(hole, part);

	mig_read(c, &m);
	vram0 = m.v[M_VRAM];
	igt_assert_eq(vsvm_svm_prefetch(c->fd, range, 3 * part, c->gpu_id, 0, 0), -EFAULT);
	moved = moved_before_hole(c, &m, part, "a prefetch over a hole");
	check_around_hole(c, &m, a, b, part, moved, vram0);

	/* ranges in, starting in or over the hole move nothing */
	igt_assert_eq(vsvm_svm_prefetch(c->fd, hole, part, c->gpu_id, 0, 0), -EFAULT);
	igt_assert_eq(vsvm_svm_prefetch(c->fd, hole, 2 * part, c->gpu_id, 0, 0), -EFAULT);
	igt_assert_eq(vsvm_svm_prefetch(c->fd, hole + pn / 2, part, c->gpu_id, 0, 0), -EFAULT);
	igt_assert_eq(vsvm_svm_prefetch(c->fd, range, 3 * part, LOC_SYSMEM, 0, 0), -EFAULT);
	EXPECT(c, &m, "prefetches in, from and over the hole");

	/* each part alone */
	vt_ctx_prefetch(c, a, part, c->gpu_id);
	vt_ctx_prefetch(c, b, part, c->gpu_id);
	EXPECT(c, &m, "prefetch of both parts", .pages_in = 2 * pp, .bytes_copied = 2 * part,
	       .vram_pages = 2 * pp);
	vt_ctx_check(c, a, pn, 0xa0a0, 1, "part before the hole in VRAM");
	vt_ctx_check(c, b, pn, 0xb0b0, 1, "part after the hole in VRAM");
	EXPECT(c, &m, "GPU reads of both parts in VRAM");
	vt_ctx_prefetch(c, a, part, LOC_SYSMEM);
	vt_ctx_prefetch(c, b, part, LOC_SYSMEM);
	EXPECT(c, &m, "prefetch of both parts to system memory", .pages_out = 2 * pp,
	       .bytes_copied = 2 * part, .vram_pages = -2 * (int64_t)pp);

	/* asynchronous: the fence carries the error */
	h = vt_syncobj(c->fd, 0);
	igt_assert_eq(vsvm_svm_prefetch(c->fd, range, 3 * part, c->gpu_id, ASYNC, h), 0);
	expect_fence(c, h, -EFAULT, "asynchronous prefetch over a hole");
	moved = moved_before_hole(c, &m, part, "an asynchronous prefetch over a hole");
	check_around_hole(c, &m, a, b, part, moved, vram0);

	vt_syncobj_destroy(c->fd, h);
	vt_unmap(a, part);
	vt_unmap(b, part);
	vt_ctx_close(c);
}

/* ---- prefetch-async ---------------------------------------------------------------------- */

static void test_prefetch_async(void)
{
	const uint64_t size = 8 * MIB, n = elems(size), np = pages(size), half = size / 2;
	const uint64_t seed = 0xa51c000;
	struct vt_ctx *c = mig_ctx_open(0);
	uint64_t *buf, used0, vram0;
	uint32_t h, first;
	struct mig m;
	int status;

	vt_ctx_require_vram(c);
	used0 = vt_ctx_vram_used(c);
	h = vt_syncobj(c->fd, 0);
	buf = vt_map_aligned(size, MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed, 1);
	mig_read(c, &m);
	vram0 = m.v[M_VRAM];

	prefetch_async(c, buf, size, c->gpu_id, h);
	expect_fence(c, h, 1, "asynchronous prefetch to the GPU");
	EXPECT(c, &m, "asynchronous prefetch of 8 MiB to the GPU", .pages_in = np,
	       .bytes_copied = size, .vram_pages = np);
	vt_ctx_check(c, buf, n, seed, 1, "asynchronously prefetched buffer");
	EXPECT(c, &m, "GPU reads after an asynchronous prefetch");

	/* back, through the same syncobj (it holds a signalled fence) */
	prefetch_async(c, buf, size, LOC_SYSMEM, h);
	expect_fence(c, h, 1, "asynchronous prefetch to system memory");
	EXPECT(c, &m, "asynchronous prefetch of 8 MiB to system memory", .pages_out = np,
	       .bytes_copied = size, .vram_pages = -(int64_t)np);
	vt_check_pattern(buf, n, seed, 1, "buffer back in system memory");
	vt_ctx_check(c, buf, n, seed, 1, "buffer back in system memory");
	EXPECT(c, &m, "reads of system memory", .faults = ANY);

	/* two in a row on one syncobj; the first fence is kept in another one */
	prefetch_async(c, buf, half, c->gpu_id, h);
	first = syncobj_copy(c, h);
	prefetch_async(c, buf + elems(half), half, c->gpu_id, h);
	expect_fence(c, h, 1, "second of two asynchronous prefetches");
	expect_fence(c, first, 1, "first of two asynchronous prefetches");
	EXPECT(c, &m, "two asynchronous prefetches of 4 MiB", .pages_in = np,
	       .bytes_copied = size, .vram_pages = np);
	vt_ctx_check(c, buf, n, seed, 1, "buffer prefetched in two halves");
	EXPECT(c, &m, "GPU reads after two asynchronous prefetches");
	vt_check_pattern(buf, n, seed, 1, "buffer prefetched in two halves");
	expect_cpu_access(c, &m, size, BLOCK, "CPU read after two asynchronous prefetches");

	/* GPU and CPU reads racing with asynchronous prefetches */
	vt_ctx_prefetch(c, buf, size, LOC_SYSMEM);
	prefetch_async(c, buf, size, c->gpu_id, h);
	vt_ctx_check(c, buf, n, seed, 1, "buffer read during a prefetch to the GPU");
	vt_check_pattern(buf, n, seed, 1, "buffer read during a prefetch to the GPU");
	expect_fence(c, h, 1, "asynchronous prefetch to the GPU during reads");
	prefetch_async(c, buf, size, LOC_SYSMEM, h);
	vt_check_pattern(buf, n, seed, 1, "buffer read during a prefetch to system memory");
	vt_ctx_check(c, buf, n, seed, 1, "buffer read during a prefetch to system memory");
	expect_fence(c, h, 1, "asynchronous prefetch to system memory during reads");
	vt_ctx_prefetch(c, buf, size, LOC_SYSMEM);
	igt_assert_eq_u64(vt_svm_count(vt_paths[c->gpu], "vram_pages"), vram0);
	vt_ctx_check(c, buf, n, seed, 1, "buffer after the races");
	vt_check_pattern(buf, n, seed, 1, "buffer after the races");
	vt_unmap(buf, size);
	wait_vram_used(c, used0);

	/* a buffer unmapped while its asynchronous prefetch runs */
	buf = vt_map_aligned(size, MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed, 1);
	prefetch_async(c, buf, size, c->gpu_id, h);
	vt_unmap(buf, size);
	status = vt_fence_wait_status(c->fd, h);
	igt_info("asynchronous prefetch of a buffer unmapped at once: fence status %d\n", status);
	igt_assert_f(status == 1 || status == -EFAULT,
		     "asynchronous prefetch of an unmapped buffer: fence status %d\n", status);
	wait_counter(c, "vram_pages", vram0);
	wait_vram_used(c, used0);

	vt_syncobj_destroy(c->fd, first);
	vt_syncobj_destroy(c->fd, h);
	vt_ctx_close(c);
}

/* ---- prefetch-bad-args ------------------------------------------------------------------- */

/* One prefetch with a bad field */
struct bad_case {
	const char *what;
	uint64_t start;
	uint64_t size;
	uint32_t location;
	uint32_t flags;
	uint32_t syncobj;
	uint32_t pad;
	bool async;	/* also with ASYNC and a valid syncobj, which must get no fence */
	int err;
};

static void bad_prefetch(struct vt_ctx *c, uint32_t h, const struct bad_case *b)
{
	int ret = prefetch_raw(c->fd, b->start, b->size, b->location, b->flags, b->syncobj, b->pad);

	igt_assert_f(ret == b->err, "prefetch, %s: %d (%s), expected %d (%s)\n", b->what, ret,
		     strerror(-ret), b->err, strerror(-b->err));
	if (!b->async)
		return;
	ret = prefetch_raw(c->fd, b->start, b->size, b->location, b->flags | ASYNC, h, b->pad);
	igt_assert_f(ret == b->err, "asynchronous prefetch, %s: %d (%s), expected %d (%s)\n",
		     b->what, ret, strerror(-ret), b->err, strerror(-b->err));
	expect_no_fence(c, h, b->what);
}

static void test_prefetch_bad_args(void)
{
	const uint64_t S = HUGE, P = PAGE, n = elems(S);
	struct vt_ctx *c = mig_ctx_open(0);
	uint64_t *buf, *around, *pfn, *holes, used0, T, B;
	uint32_t id = c->gpu_id, bad_id = vt_unknown_gpu_id(), h, gem, h2;
	/* without VSVM_CAP_SVM_VRAM a prefetch only maps */
	const int64_t v = vt_svm_vram(c->fd);
	struct mig m;
	unsigned int i;

	used0 = vt_ctx_vram_used(c);
	h = vt_syncobj(c->fd, 0);
	buf = vt_map_aligned(S, MAP_PRIVATE);
	vt_fill_pattern(buf, n, 0xbad0000, 1);
	T = vt_va(buf);
	/* [unmapped page | page] */
	holes = mmap(NULL, 2 * P, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(holes != MAP_FAILED);
	vt_unmap(holes, P);
	/* a buffer object mapped by the CPU (VM_PFNMAP | VM_IO) */
	gem = vt_gem_create(c->fd, S, VSVM_GEM_DOMAIN_GTT);
	pfn = vt_gem_mmap(c->fd, gem, S);
	/* a buffer object bound at the CPU addresses [around + P, around + P + S) */
	around = vt_map_aligned(S + 2 * P, MAP_PRIVATE);
	B = vt_va(around) + P;
	vt_bind(c->fd, gem, B, 0, S, 0);
	mig_read(c, &m);

	{
		const struct bad_case cases[] = {
			{ "zero size", T, 0, id, 0, 0, 0, true, -EINVAL },
			{ "start + 1", T + 1, P, id, 0, 0, 0, true, -EINVAL },
			{ "start + 2 KiB", T + P / 2, P, id, 0, 0, 0, true, -EINVAL },
			{ "size 4 KiB + 1", T, P + 1, id, 0, 0, 0, true, -EINVAL },
			{ "size 2 KiB", T, P / 2, id, 0, 0, 0, true, -EINVAL },
			{ "size 8", T, 8, id, 0, 0, 0, true, -EINVAL },
			{ "unknown flag 0x2", T, S, id, 0x2, 0, 0, true, -EINVAL },
			{ "flag bit 31", T, S, id, 0x80000000, 0, 0, true, -EINVAL },
			{ "pad 1", T, S, id, 0, 0, 1, true, -EINVAL },
			{ "pad bit 31", T, S, id, 0, 0, 0x80000000, true, -EINVAL },
			{ "unknown gpu_id", T, S, bad_id, 0, 0, 0, true, -EINVAL },
			{ "location UNDEFINED", T, S, VSVM_SVM_LOCATION_UNDEFINED, 0, 0, 0, true,
			  -EINVAL },
			{ "syncobj without ASYNC", T, S, id, 0, h, 0, false, -EINVAL },
			{ "ASYNC without a syncobj", T, S, id, ASYNC, 0, 0, false, -EINVAL },
			{ "ASYNC with an unknown syncobj", T, S, id, ASYNC, 0x7fffffff, 0, false,
			  -ENOENT },
			{ "start + size == 2^64", T, -T, id, 0, 0, 0, true, -EOVERFLOW },
			{ "start + size wraps", T, ~(P - 1), id, 0, 0, 0, true, -EOVERFLOW },
			{ "last page of the 64-bit space", ~(P - 1), P, id, 0, 0, 0, true,
			  -EOVERFLOW },
			{ "range past the user address space", T, 1ULL << 57, id, 0, 0, 0, true,
			  -EOVERFLOW },
			{ "kernel address", 0xffff800000000000ULL, P, id, 0, 0, 0, true,
			  -EOVERFLOW },
			{ "unmapped range", vt_va(holes), P, id, 0, 0, 0, false, -EFAULT },
			{ "range with an unmapped page", vt_va(holes), 2 * P, id, 0, 0, 0, false,
			  -EFAULT },
			{ "range with an unmapped page, to system memory", vt_va(holes), 2 * P,
			  LOC_SYSMEM, 0, 0, 0, false, -EFAULT },
			{ "buffer-object mapping", vt_va(pfn), S, id, 0, 0, 0, false, -EFAULT },
			{ "over a binding", B, S, id, 0, 0, 0, false, -EADDRINUSE },
			{ "over the first page of a binding", vt_va(around), 2 * P, id, 0, 0, 0,
			  false, -EADDRINUSE },
			{ "over the last page of a binding", B + S - P, 2 * P, id, 0, 0, 0, false,
			  -EADDRINUSE },
			{ "inside a binding", B + MIB, P, id, 0, 0, 0, false, -EADDRINUSE },
			{ "around a binding", vt_va(around), S + 2 * P, id, 0, 0, 0, false,
			  -EADDRINUSE },
			{ "over a binding, to system memory", B, S, LOC_SYSMEM, 0, 0, 0, false,
			  -EADDRINUSE },
		};

		for (i = 0; i < ARRAY_SIZE(cases); i++)
			bad_prefetch(c, h, &cases[i]);
	}
	if (vt_num_gpus > 1) {
		const struct bad_case closed = {
			"gpu_id of a GPU the process has not opened", T, S, vt_gpu_ids[1], 0, 0, 0,
			true, -EINVAL,
		};

		bad_prefetch(c, h, &closed);
	} else {
		igt_info("one GPU: the gpu_id of a GPU not opened is not checked\n");
	}
	/* a child using the parent's file */
	igt_fork(child, 1) {
		igt_assert_eq(prefetch_raw(c->fd, T, S, id, 0, 0, 0), -EBADF);
		igt_assert_eq(prefetch_raw(c->fd, T, S, LOC_SYSMEM, 0, 0, 0), -EBADF);
		igt_assert_eq(prefetch_raw(c->fd, T, S, id, ASYNC, h, 0), -EBADF);
	}
	igt_waitchildren();

	/* nothing happened */
	expect_no_fence(c, h, "after the rejected prefetches");
	EXPECT(c, &m, "rejected prefetches");
	igt_assert_eq_u64(vt_ctx_vram_used(c), used0);

	/* asynchronous: holes and PFN mappings are found on the way */
	igt_assert_eq(prefetch_raw(c->fd, vt_va(holes), 2 * P, id, ASYNC, h, 0), 0);
	expect_fence(c, h, -EFAULT, "asynchronous prefetch of a range with an unmapped page");
	igt_assert_eq(prefetch_raw(c->fd, vt_va(pfn), S, id, ASYNC, h, 0), 0);
	expect_fence(c, h, -EFAULT, "asynchronous prefetch of a buffer-object mapping");
	EXPECT(c, &m, "asynchronous prefetches of a hole and a buffer-object mapping");

	/* valid prefetches work: next to the binding, where it was, the buffer */
	vt_ctx_prefetch(c, around, P, id);
	EXPECT(c, &m, "prefetch of a never-touched page next to a binding", .pages_in = v,
	       .vram_pages = v);
	vt_unbind(c->fd, B, S);
	vt_ctx_prefetch(c, (void *)(uintptr_t)B, S, id);
	EXPECT(c, &m, "prefetch where a binding was", .pages_in = v * pages(S),
	       .vram_pages = v * pages(S));
	vt_ctx_prefetch(c, buf, S, id);
	EXPECT(c, &m, "prefetch of the buffer", .pages_in = v * pages(S), .bytes_copied = v * S,
	       .vram_pages = v * pages(S));
	vt_ctx_check(c, buf, n, 0xbad0000, 1, "buffer after the rejected prefetches");
	EXPECT(c, &m, "GPU reads of the buffer in VRAM");
	h2 = vt_syncobj(c->fd, 0);
	igt_assert_eq(prefetch_raw(c->fd, T, S, LOC_SYSMEM, ASYNC, h2, 0), 0);
	expect_fence(c, h2, 1, "asynchronous prefetch to system memory");
	EXPECT(c, &m, "asynchronous prefetch to system memory", .pages_out = v * pages(S),
	       .bytes_copied = v * S, .vram_pages = -v * pages(S));
	vt_check_pattern(buf, n, 0xbad0000, 1, "buffer after the rejected prefetches");

	vt_syncobj_destroy(c->fd, h2);
	vt_syncobj_destroy(c->fd, h);
	vt_unmap(around, S + 2 * P);
	vt_unmap(pfn, S);
	vt_gem_close(c->fd, gem);
	vt_unmap(holes + PAGE_ELEMS, P);
	vt_unmap(buf, S);
	wait_vram_used(c, used0);
	vt_ctx_close(c);
}

/* ---- prefetch-attr ----------------------------------------------------------------------- */

static void test_prefetch_attr(void)
{
	const uint64_t size = BUF_SIZE, n = elems(size), np = pages(size), seed = 0xa77;
	struct vt_ctx *c = mig_ctx_open(0);
	uint64_t *buf;
	struct mig m;

	vt_ctx_require_vram(c);
	buf = vt_map_aligned(size, MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed, 1);
	mig_read(c, &m);

	vt_ctx_set_attr(c, buf, size, VSVM_SVM_ATTR_PREFETCH_LOC, c->gpu_id);
	EXPECT(c, &m, "PREFETCH_LOC to the GPU", .pages_in = np, .bytes_copied = size,
	       .vram_pages = np);
	igt_assert_eq_u32(vt_ctx_get_attr(c, buf, size, VSVM_SVM_ATTR_PREFETCH_LOC), c->gpu_id);
	/* mapped too: no fault */
	vt_ctx_check(c, buf, n, seed, 1, "buffer after PREFETCH_LOC to the GPU");
	EXPECT(c, &m, "GPU reads after PREFETCH_LOC to the GPU");

	vt_ctx_set_attr(c, buf, size, VSVM_SVM_ATTR_PREFETCH_LOC, LOC_SYSMEM);
	EXPECT(c, &m, "PREFETCH_LOC to system memory", .pages_out = np, .bytes_copied = size,
	       .vram_pages = -(int64_t)np);
	igt_assert_eq_u32(vt_ctx_get_attr(c, buf, size, VSVM_SVM_ATTR_PREFETCH_LOC), LOC_SYSMEM);
	vt_check_pattern(buf, n, seed, 1, "buffer after PREFETCH_LOC to system memory");
	EXPECT(c, &m, "CPU read of system memory");
	vt_ctx_check(c, buf, n, seed, 1, "buffer after PREFETCH_LOC to system memory");

	vt_ctx_set_attr(c, buf, size, VSVM_SVM_ATTR_PREFETCH_LOC, c->gpu_id);
	EXPECT(c, &m, "PREFETCH_LOC to the GPU again", .pages_in = np, .bytes_copied = size,
	       .vram_pages = np, .faults = ANY);
	vt_ctx_check(c, buf, n, seed, 1, "buffer after PREFETCH_LOC to the GPU again");
	EXPECT(c, &m, "GPU reads after PREFETCH_LOC to the GPU again");
	vt_check_pattern(buf, n, seed, 1, "buffer after PREFETCH_LOC to the GPU again");
	expect_cpu_access(c, &m, size, BLOCK, "CPU read after PREFETCH_LOC to the GPU");
	vt_unmap(buf, size);
	vt_ctx_close(c);
}

/* ---- prefetch-threads -------------------------------------------------------------------- */

#define PT_SIZE (16 * MIB)
#define PT_SLICE (2 * MIB)
#define PT_THREADS 4
#define PT_ROUNDS 6

/* State shared by the prefetching threads and the checking thread */
struct pt_state {
	struct vt_ctx *c;
	uint64_t *buf;
	uint64_t seed;
	atomic_int error;	/* the first error of a prefetch, 0 if none */
	atomic_bool stop;	/* the prefetching threads are done */
	uint64_t cpu_bad;	/* elements the CPU found wrong, all rounds */
	uint64_t gpu_bad;	/* GPU checks that failed */
	int rounds;		/* checking rounds */
};

/* one prefetching thread */
struct pt_thread {
	struct pt_state *s;
	int idx;
	pthread_t thread;
};

static void *pt_prefetch_fn(void *arg)
{
	struct pt_thread *t = arg;
	struct pt_state *s = t->s;
	int round, k;

	for (round = 0; round < PT_ROUNDS; round++)
		for (k = 0; k < 2; k++) {
			/* its own slice, then one over the next thread's (1 MiB offsets) */
			uint64_t off = k ? ((4 * t->idx + 3) % 14) * MIB : 4 * t->idx * MIB;
			uint32_t loc = (round + k + t->idx) & 1 ? LOC_SYSMEM : s->c->gpu_id;
			int expected = 0, ret;

			ret = vsvm_svm_prefetch(s->c->fd, (char *)s->buf + off, PT_SLICE, loc, 0, 0);
			if (ret)
				atomic_compare_exchange_strong(&s->error, &expected, ret);
		}
	return NULL;
}

static void *pt_check_fn(void *arg)
{
	struct pt_state *s = arg;
	const uint64_t n = elems(PT_SIZE), sum = vt_pattern_sum(s->seed, 1, n);
	uint64_t i;

	do {
		for (i = 0; i < n; i++)
			s->cpu_bad += s->buf[i] != s->seed + i;
		s->gpu_bad += vt_ctx_sum(s->c, s->buf, n) != sum;
		s->gpu_bad += vt_ctx_verify(s->c, s->buf, n, s->seed, 1) != 0;
		s->rounds++;
	} while (!atomic_load(&s->stop) || s->rounds < 2);
	return NULL;
}

static void test_prefetch_threads(void)
{
	const uint64_t n = elems(PT_SIZE), np = pages(PT_SIZE);
	struct vt_ctx *c = mig_ctx_open(0);
	struct pt_thread t[PT_THREADS];
	struct pt_state s = { .c = c, .seed = 0x7410000 };
	pthread_t checker;
	uint64_t vram0;
	struct mig m;
	int i;

	vt_ctx_require_vram(c);
	s.buf = vt_map_aligned(PT_SIZE, MAP_PRIVATE);
	vt_fill_pattern(s.buf, n, s.seed, 1);
	vram0 = vt_svm_count(vt_paths[c->gpu], "vram_pages");

	igt_assert_eq(pthread_create(&checker, NULL, pt_check_fn, &s), 0);
	for (i = 0; i < PT_THREADS; i++) {
		t[i] = (struct pt_thread){ .s = &s, .idx = i };
		igt_assert_eq(pthread_create(&t[i].thread, NULL, pt_prefetch_fn, &t[i]), 0);
	}
	for (i = 0; i < PT_THREADS; i++)
		igt_assert_eq(pthread_join(t[i].thread, NULL), 0);
	atomic_store(&s.stop, true);
	igt_assert_eq(pthread_join(checker, NULL), 0);
	igt_info("%d checking rounds during %d prefetches\n", s.rounds,
		 PT_THREADS * PT_ROUNDS * 2);
	igt_assert_f(atomic_load(&s.error) == 0, "a concurrent prefetch failed: %s\n",
		     strerror(-atomic_load(&s.error)));
	igt_assert_eq_u64(s.cpu_bad, 0);
	igt_assert_eq_u64(s.gpu_bad, 0);

	vt_ctx_prefetch(c, s.buf, PT_SIZE, LOC_SYSMEM);
	igt_assert_eq_u64(vt_svm_count(vt_paths[c->gpu], "vram_pages"), vram0);
	vt_check_pattern(s.buf, n, s.seed, 1, "buffer after the concurrent prefetches");
	vt_ctx_check(c, s.buf, n, s.seed, 1, "buffer after the concurrent prefetches");
	mig_read(c, &m);
	vt_ctx_prefetch(c, s.buf, PT_SIZE, c->gpu_id);
	EXPECT(c, &m, "prefetch of 16 MiB after the concurrent ones", .pages_in = np,
	       .bytes_copied = PT_SIZE, .vram_pages = np);
	vt_ctx_check(c, s.buf, n, s.seed, 1, "buffer in VRAM");
	EXPECT(c, &m, "GPU reads of 16 MiB in VRAM");
	vt_check_pattern(s.buf, n, s.seed, 1, "buffer in VRAM");
	expect_cpu_access(c, &m, PT_SIZE, BLOCK, "CPU read of 16 MiB in VRAM");
	vt_unmap(s.buf, PT_SIZE);
	vt_ctx_close(c);
}

/* ---- migrate-two-gpus -------------------------------------------------------------------- */

static void test_migrate_two_gpus(void)
{
	const uint64_t size = BUF_SIZE, n = elems(size), np = pages(size), seed = 0x2690000;
	struct vt_ctx *a, *b;
	struct mig ma, mb;
	uint64_t *buf;

	igt_require_f(vt_num_gpus >= 2, "%d GPU(s), the test needs 2\n", vt_num_gpus);
	a = mig_ctx_open(0);
	b = mig_ctx_open(1);
	vt_ctx_require_vram(a);
	vt_ctx_require_vram(b);
	buf = vt_map_aligned(size, MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed, 1);
	mig_read(a, &ma);
	mig_read(b, &mb);

	vt_ctx_prefetch(a, buf, size, a->gpu_id);
	EXPECT(a, &ma, "prefetch to GPU 0", .pages_in = np, .bytes_copied = size,
	       .vram_pages = np);
	EXPECT(b, &mb, "prefetch to GPU 0");
	vt_ctx_check(a, buf, n, seed, 1, "buffer in GPU 0's VRAM, read by GPU 0");
	EXPECT(a, &ma, "GPU 0 reads its VRAM");

	/* in place on GPU 1: peer access, nothing moves */
	vt_ctx_check(b, buf, n, seed, 1, "buffer in GPU 0's VRAM, read by GPU 1");
	EXPECT(a, &ma, "GPU 1 reads data in GPU 0's VRAM");
	EXPECT(b, &mb, "GPU 1 reads data in GPU 0's VRAM", .faults = ANY);

	/* back to system memory, then to GPU 1 */
	vt_ctx_prefetch(a, buf, size, VSVM_SVM_LOCATION_SYSMEM);
	EXPECT(a, &ma, "prefetch to system memory", .pages_out = np, .bytes_copied = size,
	       .vram_pages = -(int64_t)np);

	vt_ctx_prefetch(b, buf, size, b->gpu_id);
	EXPECT(b, &mb, "prefetch to GPU 1", .pages_in = np, .bytes_copied = size,
	       .vram_pages = np);
	EXPECT(a, &ma, "prefetch to GPU 1");
	vt_ctx_check(b, buf, n, seed, 1, "buffer in GPU 1's VRAM, read by GPU 1");
	EXPECT(b, &mb, "GPU 1 reads its VRAM");
	vt_ctx_check(a, buf, n, seed, 1, "buffer in GPU 1's VRAM, read by GPU 0");
	EXPECT(b, &mb, "GPU 0 reads data in GPU 1's VRAM");
	EXPECT(a, &ma, "GPU 0 reads data in GPU 1's VRAM", .faults = ANY);

	/* from one VRAM to the other directly: GPU 1's copy engine reads GPU 0's VRAM */
	vt_ctx_prefetch(a, buf, size, a->gpu_id);
	EXPECT(a, &ma, "prefetch from GPU 1's VRAM to GPU 0", .pages_in = np,
	       .bytes_copied = size, .vram_pages = np);
	EXPECT(b, &mb, "prefetch from GPU 1's VRAM to GPU 0", .pages_out = np,
	       .vram_pages = -(int64_t)np);
	vt_ctx_prefetch(b, buf, size, b->gpu_id);
	EXPECT(b, &mb, "prefetch from GPU 0's VRAM to GPU 1", .pages_in = np,
	       .bytes_copied = size, .vram_pages = np);
	EXPECT(a, &ma, "prefetch from GPU 0's VRAM to GPU 1", .pages_out = np,
	       .vram_pages = -(int64_t)np);
	vt_ctx_check(b, buf, n, seed, 1, "buffer moved from GPU 0's VRAM to GPU 1's");
	EXPECT(b, &mb, "GPU 1 reads its VRAM");
	vt_check_pattern(buf, n, seed, 1, "buffer in GPU 1's VRAM, read by the CPU");
	expect_cpu_access(b, &mb, size, BLOCK, "CPU read of GPU 1's VRAM");
	EXPECT(a, &ma, "CPU read of GPU 1's VRAM");

	vt_unmap(buf, size);
	vt_ctx_close(b);
	vt_ctx_close(a);
}

/* ---- main -------------------------------------------------------------------------------- */

#define MIGRATE_SUBTEST(name, fn) \
	igt_subtest(name) { \
		igt_set_timeout(SUBTEST_TIMEOUT, name); \
		vt_ctx_reap(); \
		fn(); \
	}

igt_main
{
	igt_fixture
		vt_svm_gpus_require(1);

	igt_describe("Prefetch to VRAM, GPU and CPU reads, exact counters.");
	MIGRATE_SUBTEST("migrate", test_migrate);

	igt_describe("CPU accesses to VRAM fault once per granularity block.");
	MIGRATE_SUBTEST("migrate-fault", test_migrate_fault);

	igt_describe("munmap() frees SVM VRAM.");
	MIGRATE_SUBTEST("migrate-release", test_migrate_release);

	igt_describe("Shared memory does not migrate.");
	MIGRATE_SUBTEST("migrate-shared", test_migrate_shared);

	igt_describe("Only the anonymous mappings of a mixed range migrate.");
	MIGRATE_SUBTEST("migrate-mixed", test_migrate_mixed);

	igt_describe("Ten round trips between system memory and VRAM.");
	MIGRATE_SUBTEST("migrate-multiple", test_migrate_multiple);

	igt_describe("Never-touched memory becomes zero-filled VRAM without a copy.");
	MIGRATE_SUBTEST("migrate-zero", test_migrate_zero);

	igt_describe("Copy on write of pages in VRAM after fork().");
	MIGRATE_SUBTEST("cow-in-device", test_cow_in_device);

	igt_describe("get_user_pages() of pages in VRAM.");
	MIGRATE_SUBTEST("gup-on-device", test_gup_on_device);

	igt_describe("A prefetch over a hole fails with EFAULT; the data stays intact.");
	MIGRATE_SUBTEST("prefetch-hole", test_prefetch_hole);

	igt_describe("Asynchronous prefetches signal their syncobj.");
	MIGRATE_SUBTEST("prefetch-async", test_prefetch_async);

	igt_describe("Bad prefetch arguments fail with their errno and change nothing.");
	MIGRATE_SUBTEST("prefetch-bad-args", test_prefetch_bad_args);

	igt_describe("PREFETCH_LOC migrates and maps like a prefetch.");
	MIGRATE_SUBTEST("prefetch-attr", test_prefetch_attr);

	igt_describe("Concurrent prefetches of overlapping slices while the data is read.");
	MIGRATE_SUBTEST("prefetch-threads", test_prefetch_threads);

	igt_describe("Data in one GPU's VRAM used and prefetched by another GPU.");
	MIGRATE_SUBTEST("migrate-two-gpus", test_migrate_two_gpus);
}
