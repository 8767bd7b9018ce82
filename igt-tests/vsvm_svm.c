// SPDX-License-Identifier: MIT
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * TEST: vsvm svm
 * Description: Shared virtual memory: the GPU uses the process's own memory
 *              (malloc, anonymous and file mappings, the stack, huge pages,
 *              mixed mappings) at the CPU's addresses, faulting it in on
 *              first use in retry mode. The subtests mirror the kernel's
 *              hmm-tests (tools/testing/selftests/mm/hmm-tests.c) and add
 *              CPU page-table changes (mprotect, munmap, mremap, madvise,
 *              fork, exit) racing with or following GPU use, two GPUs on one
 *              range, pointer-based data structures and the per-process
 *              counters in debugfs vsvm_svm.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: Memory management
 * Functionality: shared virtual memory
 * Feature: svm
 * Test category: uAPI
 *
 * SUBTEST: anon-read
 * Description: The GPU reads (VERIFY, CHECKSUM) anonymous memory from mmap()
 *              and malloc() filled by the CPU, made read-only with mprotect()
 *              before the GPU's first access, including a never-touched page
 *              and a page only read by the CPU (both read as zeros); a 4 MiB
 *              buffer costs between 1 and 3 faults (2 MiB windows) and maps
 *              at least its 1024 pages.
 *
 * SUBTEST: anon-read-prot
 * Description: A GPU read of PROT_NONE memory (populated or not) faults
 *              fatally: the dispatch fails with EFAULT, the queue is FAULTED
 *              at an address of the buffer with access READ, the reduction
 *              result and the destination of a COPY are untouched; once
 *              readable again the memory reads right on a new queue.
 *
 * SUBTEST: anon-write
 * Description: GPU FILL and COPY into never-touched mmap()ed and into
 *              malloc()ed memory: the CPU sees exactly the GPU's data; a
 *              4 MiB buffer costs between 1 and 3 faults.
 *
 * SUBTEST: anon-write-prot
 * Description: PROT_READ memory reads as zeros on the GPU, a GPU write to it
 *              faults with access WRITE and leaves it zeroed; after
 *              mprotect(PROT_READ | PROT_WRITE) the write works on a new
 *              queue.
 *
 * SUBTEST: anon-write-child
 * Description: After fork() the child opens the GPU itself and writes with it
 *              into a MAP_PRIVATE buffer the parent had mirrored: the child
 *              sees its data, the parent keeps its own (copy on write), as
 *              seen by the CPU and by the parent's GPU mirror.
 *
 * SUBTEST: anon-write-child-shared
 * Description: As anon-write-child with a MAP_SHARED | MAP_ANONYMOUS buffer:
 *              the parent sees the child's GPU write, also through its own
 *              GPU mirror.
 *
 * SUBTEST: anon-write-huge
 * Description: A 2 MiB-aligned MADV_HUGEPAGE region of 4 MiB, faulted in by a
 *              GPU FILL, is backed by transparent huge pages and mirrored
 *              with 2 MiB GPU entries: a VERIFY pass over it in a second GPU
 *              VM of the process takes fewer than 64 TLB misses, while the
 *              same on MADV_NOHUGEPAGE memory takes at least one per 4 KiB
 *              page.
 * Test requirement: transparent huge pages, debugfs
 *
 * SUBTEST: anon-write-hugetlbfs
 * Description: A MAP_HUGETLB buffer (huge pages reserved through
 *              /proc/sys/vm/nr_hugepages) is written and read by the GPU with
 *              the right data, and mirrored with 2 MiB GPU entries (fewer
 *              than 64 TLB misses for a VERIFY pass over 4 MiB).
 * Test requirement: 2 MiB hugetlb pages, debugfs
 *
 * SUBTEST: file-read
 * Description: A read-only MAP_SHARED mapping of a temporary file written
 *              with write(): the GPU reads the data, a GPU write faults with
 *              access WRITE and leaves the file unchanged, and data written
 *              later with pwrite() is what the GPU reads next.
 *
 * SUBTEST: file-write
 * Description: GPU FILL and COPY into a MAP_SHARED mapping of a sparse
 *              temporary file: the data is seen through the mapping and by
 *              pread(), also after munmap().
 *
 * SUBTEST: mixed-map
 * Description: VM_MIXEDMAP mappings of kernel pages filled by the CPU are read
 *              right by the GPU: an AF_PACKET TPACKET_V2 receive ring mapped
 *              from its socket and the submission-queue entries of an
 *              io_uring (each when the kernel has it); a CPU mapping of a
 *              vsvm buffer object (VM_PFNMAP | VM_IO) passed as an SVM
 *              pointer faults fatally for reads and writes and keeps its
 *              content.
 * Test requirement: AF_PACKET sockets or io_uring
 *
 * SUBTEST: anon-teardown
 * Description: A thread munmaps the second half of a buffer while the GPU
 *              reads it again and again, ten times with fresh buffers: each
 *              read either completes with the right checksum (never one
 *              submitted after the munmap returned) or faults with access
 *              READ at an address of the unmapped half.
 *
 * SUBTEST: anon-read-multiple
 * Description: Ten fresh buffers in a row, each filled with its own data,
 *              are read right by the GPU (no stale mirror of an earlier
 *              buffer at the same address).
 *
 * SUBTEST: double-map
 * Description: Two GPUs read the same read-only memory (data and zero pages)
 *              right; once writable, what one GPU writes the other reads.
 * Test requirement: 2 GPUs
 *
 * SUBTEST: mprotect-after-map
 * Description: Memory the GPU mapped writable becomes read-only: the next GPU
 *              write faults with access WRITE and changes nothing, GPU reads
 *              on a new queue still see the data.
 *
 * SUBTEST: linked-list
 * Description: POINTER_CHASE walks a malloc()ed list of 10000 nodes linked
 *              in random order: the sums of the whole list and of its first
 *              half are the CPU's.
 *
 * SUBTEST: tree
 * Description: POINTER_CHASE walks the nodes of a malloc()ed binary search
 *              tree of random keys threaded in order through their first
 *              field: the sum of all keys and of the smallest third match
 *              the CPU's.
 *
 * SUBTEST: stack
 * Description: The GPU fills a 64 KiB array on the test's stack and sums and
 *              verifies another one the CPU filled.
 *
 * SUBTEST: partial-munmap
 * Description: The middle 1 MiB of a mirrored 4 MiB buffer is unmapped: GPU
 *              writes and reads of the hole fault at an address in it, the
 *              head and the tail keep their data and take new writes on a
 *              new queue.
 *
 * SUBTEST: mremap
 * Description: A mirrored buffer moved by mremap(MREMAP_MAYMOVE |
 *              MREMAP_FIXED) over memory the GPU had read reads right at its
 *              new address and takes writes there; a read at the old address
 *              faults.
 *
 * SUBTEST: madvise-dontneed
 * Description: After MADV_DONTNEED over memory the GPU filled, GPU reads see
 *              zeros (all of it, or only the part dropped) and GPU writes
 *              land again.
 *
 * SUBTEST: cpu-write-after-map
 * Description: CPU writes to memory the GPU has mirrored (data pages and
 *              pages the GPU read as zeros) are what the GPU reads next, down
 *              to a single changed element.
 *
 * SUBTEST: concurrent-cpu-mutation
 * Description: Two threads each rewrite their half of a 2 MiB buffer with a
 *              new generation of data twenty times, with MADV_DONTNEED or
 *              mprotect() churn, while the GPU verifies the half already
 *              published: every VERIFY sees exactly the published
 *              generation.
 *
 * SUBTEST: two-gpus-same-range
 * Description: Two GPUs fill the two halves of one buffer at the same time
 *              (two files, two queues, two threads, a 2 MiB window shared),
 *              then each verifies the other's half; the CPU sees both.
 * Test requirement: 2 GPUs
 *
 * SUBTEST: munmap-while-queued
 * Description: A buffer unmapped between two dispatches of a queue makes the
 *              second fault at an address of the buffer; the queue refuses
 *              more work and a new queue works. With sw_sync, a dispatch
 *              queued behind a pending fence also faults when its buffer
 *              is unmapped before it runs.
 *
 * SUBTEST: counters
 * Description: A FILL of 8 MiB of fresh memory counts at least 4 faults,
 *              2048 mapped pages and one batch (no more batches than faults)
 *              and no fatal fault in debugfs vsvm_svm; a grid-1 write to
 *              PROT_NONE memory counts exactly one fatal fault; munmap of the
 *              buffer counts invalidations and at least 2048 unmapped pages,
 *              and the pages mirrored now fall back.
 * Test requirement: debugfs
 *
 * SUBTEST: exit-teardown
 * Description: A child opens the GPU, faults 8 MiB in, leaves a dispatch
 *              running and exits without closing anything: its entry in
 *              debugfs vsvm_svm, present while it lives, is gone within 2 s.
 * Test requirement: debugfs
 *
 * SUBTEST: fork-inherited-fd
 * Description: A child dispatches through the file it inherited: the GPU
 *              works in the address space of the process that opened the
 *              file, so the parent sees the data in its MAP_SHARED and in its
 *              MAP_PRIVATE buffers, and the child's private copy keeps the
 *              old data.
 */

#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/io_uring.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "igt_core.h"
#include "vsvm_ctx.h"

IGT_TEST_DESCRIPTION("Shared virtual memory: the GPU uses process memory at the CPU's addresses.");

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
#define SENTINEL 0x5e5e5e5e5e5e5e5eULL
#define OUT_MARK 0x0badc0deULL
/* a VERIFY pass over 4 MiB mapped with 2 MiB entries: a few walks per compute unit */
#define HUGE_MAX_MISSES 64
#define NSEC_PER_MSEC 1000000LL

/* ---- helpers ----------------------------------------------------------------------------- */

static uint64_t elems(uint64_t bytes)
{
	return bytes / 8;
}

/*
 * One GPU as used by a test: a file (its own GPU VM), a queue and a result
 * slot. Not a struct vt_ctx, whose result slot is a buffer object: here it is
 * an SVM page of the process, mirrored like the memory under test.
 */
struct ctx {
	int gpu;
	int fd;
	uint32_t q;
	uint64_t *out; /* a page of process memory; out[0] takes reduction results */
};

static void ctx_open(struct ctx *c, int gpu)
{
	c->gpu = gpu;
	c->fd = vt_open(vt_paths[gpu]);
	c->q = vt_queue_create(c->fd, 0);
	c->out = vt_map_at(PAGE, PAGE, 0, MAP_PRIVATE);
	/* the result page is mirrored now: later faults and counters are the buffers' */
	vt_run(c->fd, c->q, VSVM_KERNEL_FILL, PAGE_ELEMS, (uint64_t[6]){ vt_va(c->out), OUT_MARK });
	vt_gpu_barrier();
	vt_check_value(c->out, PAGE_ELEMS, OUT_MARK, "result page");
}

static void ctx_requeue(struct ctx *c)
{
	vt_queue_destroy(c->fd, c->q);
	c->q = vt_queue_create(c->fd, 0);
}

static void ctx_close(struct ctx *c)
{
	vt_queue_destroy(c->fd, c->q);
	vt_unmap(c->out, PAGE);
	vsvm_close(c->fd);
	c->fd = -1;
}

static void gpu_fill(struct ctx *c, void *dst, uint64_t n, uint64_t value)
{
	vt_run(c->fd, c->q, VSVM_KERNEL_FILL, n, (uint64_t[6]){ vt_va(dst), value });
	vt_gpu_barrier();
}

static void gpu_copy(struct ctx *c, void *dst, const void *src, uint64_t n)
{
	vt_run(c->fd, c->q, VSVM_KERNEL_COPY, n, (uint64_t[6]){ vt_va(dst), vt_va(src) });
	vt_gpu_barrier();
}

static uint64_t gpu_sum(struct ctx *c, const void *src, uint64_t n)
{
	return vt_gpu_checksum(c->fd, c->q, vt_va(src), n, vt_va(c->out), c->out);
}

static uint64_t gpu_verify(struct ctx *c, const void *src, uint64_t n, uint64_t seed,
			   uint64_t step)
{
	return vt_gpu_verify(c->fd, c->q, vt_va(src), n, seed, step, vt_va(c->out), c->out);
}

static uint64_t gpu_chase(struct ctx *c, const void *head, uint64_t steps)
{
	c->out[0] = SENTINEL;
	vt_run(c->fd, c->q, VSVM_KERNEL_POINTER_CHASE, 1,
	       (uint64_t[6]){ vt_va(head), steps, vt_va(c->out) });
	vt_gpu_barrier();
	return c->out[0];
}

/*
 * The last dispatch of @c's queue faulted: the queue is FAULTED at a VA in
 * [@lo, @hi) with exactly @access, no reduction result was written, it
 * refuses new work; it is replaced by a new queue.
 */
static void check_faulted(struct ctx *c, uint64_t lo, uint64_t hi, uint32_t access)
{
	struct drm_vsvm_queue_status st;

	vt_check_queue_fault(c->fd, c->q, lo, hi, access, &st);
	igt_assert_eq_u64(c->out[0], SENTINEL);
	igt_assert_eq(vsvm_dispatch(c->fd, c->q, VSVM_KERNEL_FILL, 1,
				    (uint64_t[6]){ vt_va(c->out), 1 }, NULL, 0), -ECANCELED);
	ctx_requeue(c);
}

/* Run @kernel; it must fault fatally as check_faulted() describes. */
static void expect_fault(struct ctx *c, uint32_t kernel, uint64_t grid, const uint64_t *args,
			 uint64_t lo, uint64_t hi, uint32_t access)
{
	igt_debug("%s grid %llu, expecting a fault in [%#llx, %#llx) access %#x\n",
		  vsvm_kernel_name(kernel), (unsigned long long)grid, (unsigned long long)lo,
		  (unsigned long long)hi, access);
	c->out[0] = SENTINEL;
	igt_assert_eq(__vt_run(c->fd, c->q, kernel, grid, args), -EFAULT);
	check_faulted(c, lo, hi, access);
}

/* ---- debugfs ----------------------------------------------------------------------------- */

static void debugfs_file(int gpu, const char *name, char *buf, size_t len)
{
	const char *node = strrchr(vt_paths[gpu], '/');
	int minor = -1;

	igt_assert(node && sscanf(node, "/renderD%d", &minor) == 1);
	snprintf(buf, len, "/sys/kernel/debug/dri/%d/%s", minor, name);
}

static bool has_debugfs(int gpu, const char *name)
{
	char file[128];

	debugfs_file(gpu, name, file, sizeof(file));
	return access(file, R_OK) == 0;
}

static void require_debugfs(int gpu, const char *name)
{
	igt_require_f(has_debugfs(gpu, name), "debugfs file %s of GPU %d not available\n", name,
		      gpu);
}

/* A counter of process @pid on @gpu from vsvm_svm; false when it has no entry. */
static bool pid_counter(int gpu, int pid, const char *name, uint64_t *v)
{
	char key[64];

	snprintf(key, sizeof(key), "%d.%s", pid, name);
	return vt_debugfs_value(vt_paths[gpu], "vsvm_svm", key, v);
}

/* TLB misses of a VERIFY pass (which must find no mismatch) through @c's VM */
static uint64_t verify_misses(struct ctx *c, const void *buf, uint64_t n, uint64_t seed,
			      uint64_t step)
{
	uint64_t before = vt_hw_counter(vt_paths[c->gpu], "tlb_misses");

	igt_assert_eq_u64(gpu_verify(c, buf, n, seed, step), 0);
	return vt_hw_counter(vt_paths[c->gpu], "tlb_misses") - before;
}

/* ---- anon-read --------------------------------------------------------------------------- */

static void test_anon_read(void)
{
	const uint64_t n = elems(BUF_SIZE), seed = 0x100000;
	/* element indices of a never-touched page and of a page the CPU only read */
	const uint64_t untouched = 3 * PAGE_ELEMS, zero = 4 * PAGE_ELEMS, rest = zero + PAGE_ELEMS;
	const uint64_t mn = elems(3 * MIB), sn = 1000;
	bool counters = has_debugfs(0, "vsvm_svm");
	uint64_t *buf, *m, *s, f0 = 0, p0 = 0, f, p;
	struct ctx c;

	ctx_open(&c, 0);
	buf = vt_map_at(BUF_SIZE, PAGE, 0, MAP_PRIVATE);
	/* 4 KiB pages, so that the two special pages stay what they are */
	vt_madvise(buf, BUF_SIZE, MADV_NOHUGEPAGE);
	vt_fill_pattern(buf, untouched, seed, 1);
	igt_assert_eq_u64(*(volatile uint64_t *)&buf[zero], 0);
	vt_fill_pattern(buf + rest, n - rest, seed + rest, 1);
	vt_mprotect(buf, BUF_SIZE, PROT_READ);

	if (counters) {
		f0 = vt_svm_count(vt_paths[0], "faults");
		p0 = vt_svm_count(vt_paths[0], "pages_mapped");
	} else {
		igt_info("no debugfs vsvm_svm: fault counts not checked\n");
	}
	/* everything matches but the 2 pages of zeros */
	igt_assert_eq_u64(gpu_verify(&c, buf, n, seed, 1), 2 * PAGE_ELEMS);
	if (counters) {
		f = vt_svm_count(vt_paths[0], "faults") - f0;
		p = vt_svm_count(vt_paths[0], "pages_mapped") - p0;
		igt_info("first GPU read of 4 MiB: %llu faults, %llu pages mapped\n",
			 (unsigned long long)f, (unsigned long long)p);
		igt_assert_lt_u64(0, f);
		igt_assert_lte_u64(f, 3);
		igt_assert_lte_u64(BUF_SIZE / PAGE, p);
	}
	igt_assert_eq_u64(gpu_verify(&c, buf + untouched, 2 * PAGE_ELEMS, 0, 0), 0);
	igt_assert_eq_u64(gpu_sum(&c, buf, n), vt_cpu_sum(buf, n));
	vt_check_value(buf + untouched, 2 * PAGE_ELEMS, 0, "pages of zeros");
	vt_unmap(buf, BUF_SIZE);

	/* malloc(): a large block (its own mapping) and a small one (the heap) */
	m = malloc(mn * 8);
	s = malloc(sn * 8);
	igt_assert(m && s);
	vt_fill_pattern(m, mn, 0xabc0000, 3);
	vt_fill_rand(s, sn, 0x51);
	igt_assert_eq_u64(gpu_verify(&c, m, mn, 0xabc0000, 3), 0);
	igt_assert_eq_u64(gpu_sum(&c, m, mn), vt_pattern_sum(0xabc0000, 3, mn));
	igt_assert_eq_u64(gpu_sum(&c, s, sn), vt_cpu_sum(s, sn));
	free(m);
	free(s);
	ctx_close(&c);
}

/* ---- anon-read-prot ---------------------------------------------------------------------- */

static void test_anon_read_prot(void)
{
	const uint64_t n = elems(BUF_SIZE), seed = 0x2000;
	const uint64_t x = 5 * PAGE_ELEMS;
	uint64_t *buf, *dst, *none;
	struct ctx c;

	ctx_open(&c, 0);
	buf = vt_map_at(BUF_SIZE, PAGE, 0, MAP_PRIVATE);
	dst = vt_map_at(BUF_SIZE, PAGE, 0, MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed, 1);
	vt_fill_pattern(dst, n, SENTINEL, 0);
	vt_mprotect(buf, BUF_SIZE, PROT_NONE);

	expect_fault(&c, VSVM_KERNEL_CHECKSUM, n, (uint64_t[6]){ vt_va(buf), vt_va(c.out) },
		     vt_va(buf), vt_va(buf) + BUF_SIZE, VSVM_ACCESS_READ);
	expect_fault(&c, VSVM_KERNEL_COPY, n, (uint64_t[6]){ vt_va(dst), vt_va(buf) }, vt_va(buf),
		     vt_va(buf) + BUF_SIZE, VSVM_ACCESS_READ);
	vt_check_value(dst, n, SENTINEL, "destination of a copy from PROT_NONE memory");
	expect_fault(&c, VSVM_KERNEL_VERIFY, 1,
		     (uint64_t[6]){ vt_va(buf + x), seed, 1, vt_va(c.out) }, vt_va(buf + x),
		     vt_va(buf + x) + 1, VSVM_ACCESS_READ);

	/* PROT_NONE memory that was never populated */
	none = mmap(NULL, 64 * KIB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(none != MAP_FAILED);
	expect_fault(&c, VSVM_KERNEL_CHECKSUM, 1, (uint64_t[6]){ vt_va(none), vt_va(c.out) },
		     vt_va(none), vt_va(none) + 1, VSVM_ACCESS_READ);
	vt_unmap(none, 64 * KIB);

	/* readable again: the data is intact */
	vt_mprotect(buf, BUF_SIZE, PROT_READ);
	igt_assert_eq_u64(gpu_verify(&c, buf, n, seed, 1), 0);
	vt_unmap(buf, BUF_SIZE);
	vt_unmap(dst, BUF_SIZE);
	ctx_close(&c);
}

/* ---- anon-write -------------------------------------------------------------------------- */

static void test_anon_write(void)
{
	const uint64_t n = elems(BUF_SIZE), mn = elems(MIB);
	bool counters = has_debugfs(0, "vsvm_svm");
	uint64_t *buf, *m, *src, f0 = 0, f;
	struct ctx c;

	ctx_open(&c, 0);
	buf = vt_map_at(BUF_SIZE, PAGE, 0, MAP_PRIVATE);
	if (counters)
		f0 = vt_svm_count(vt_paths[0], "faults");
	gpu_fill(&c, buf, n, 0xf111);
	if (counters) {
		f = vt_svm_count(vt_paths[0], "faults") - f0;
		igt_info("first GPU write of 4 MiB: %llu faults\n", (unsigned long long)f);
		igt_assert_lt_u64(0, f);
		igt_assert_lte_u64(f, 3);
	}
	vt_check_value(buf, n, 0xf111, "anonymous memory the GPU filled");

	/* malloc()ed memory the CPU wrote first, overwritten by the GPU */
	m = malloc(mn * 8);
	igt_assert(m);
	vt_fill_pattern(m, mn, SENTINEL, 0);
	gpu_fill(&c, m, mn, 0xf222);
	vt_check_value(m, mn, 0xf222, "malloc()ed memory the GPU filled");

	/* a copy between two anonymous buffers */
	src = vt_map_at(MIB, PAGE, 0, MAP_PRIVATE);
	vt_fill_pattern(src, mn, 0x3000, 7);
	gpu_copy(&c, m, src, mn);
	vt_check_pattern(m, mn, 0x3000, 7, "malloc()ed copy destination");
	gpu_copy(&c, buf + PAGE_ELEMS, m, mn);
	vt_check_value(buf, PAGE_ELEMS, 0xf111, "head before the copy");
	vt_check_pattern(buf + PAGE_ELEMS, mn, 0x3000, 7, "anonymous copy destination");
	vt_check_value(buf + PAGE_ELEMS + mn, n - PAGE_ELEMS - mn, 0xf111, "tail after the copy");

	vt_unmap(src, MIB);
	free(m);
	vt_unmap(buf, BUF_SIZE);
	ctx_close(&c);
}

/* ---- anon-write-prot --------------------------------------------------------------------- */

static void test_anon_write_prot(void)
{
	const uint64_t n = elems(BUF_SIZE), x = 7 * PAGE_ELEMS;
	uint64_t *buf;
	struct ctx c;

	ctx_open(&c, 0);
	buf = vt_map_at(BUF_SIZE, PAGE, 0, MAP_PRIVATE);
	vt_mprotect(buf, BUF_SIZE, PROT_READ);

	igt_assert_eq_u64(gpu_sum(&c, buf, n), 0);
	expect_fault(&c, VSVM_KERNEL_FILL, n, (uint64_t[6]){ vt_va(buf), 0x77 }, vt_va(buf),
		     vt_va(buf) + BUF_SIZE, VSVM_ACCESS_WRITE);
	expect_fault(&c, VSVM_KERNEL_FILL, 1, (uint64_t[6]){ vt_va(buf + x), 0x77 }, vt_va(buf + x),
		     vt_va(buf + x) + 1, VSVM_ACCESS_WRITE);
	vt_check_value(buf, n, 0, "read-only memory after faulted GPU writes");

	vt_mprotect(buf, BUF_SIZE, RW);
	gpu_fill(&c, buf, n, 0x77);
	vt_check_value(buf, n, 0x77, "memory written after mprotect(RW)");
	igt_assert_eq_u64(gpu_verify(&c, buf, n, 0x77, 0), 0);
	vt_unmap(buf, BUF_SIZE);
	ctx_close(&c);
}

/* ---- anon-write-child -------------------------------------------------------------------- */

static void test_anon_write_child(bool shared)
{
	const uint64_t size = 2 * MIB, n = elems(size), seed = 0xc0c0000, child_value = 0xc41d;
	uint64_t *buf;
	struct ctx c;

	ctx_open(&c, 0);
	buf = vt_map_at(size, HUGE, 0, shared ? MAP_SHARED : MAP_PRIVATE);
	vt_fill_pattern(buf, n, seed, 1);
	/* the parent's GPU mirrors the buffer before the fork */
	igt_assert_eq_u64(gpu_verify(&c, buf, n, seed, 1), 0);

	igt_fork(child, 1) {
		struct ctx cc;

		ctx_open(&cc, 0);
		vt_check_pattern(buf, n, seed, 1, "the parent's data in the child");
		igt_assert_eq_u64(gpu_verify(&cc, buf, n, seed, 1), 0);
		gpu_fill(&cc, buf, n, child_value);
		vt_check_value(buf, n, child_value, "the child's buffer after its GPU write");
		igt_assert_eq_u64(gpu_verify(&cc, buf, n, child_value, 0), 0);
		ctx_close(&cc);
	}
	igt_waitchildren();

	if (shared) {
		vt_check_value(buf, n, child_value, "shared buffer in the parent");
		igt_assert_eq_u64(gpu_verify(&c, buf, n, child_value, 0), 0);
	} else {
		vt_check_pattern(buf, n, seed, 1, "private buffer in the parent");
		igt_assert_eq_u64(gpu_verify(&c, buf, n, seed, 1), 0);
	}
	vt_unmap(buf, size);
	ctx_close(&c);
}

/* ---- huge pages -------------------------------------------------------------------------- */

static bool thp_enabled(void)
{
	char buf[128];

	if (!vt_read_file("/sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof(buf)))
		return false;
	return !strstr(buf, "[never]");
}

/*
 * The value of the "@key:" line of the mapping containing @addr in
 * /proc/self/smaps, leading blanks skipped, newline dropped; false if none.
 */
static bool smaps_value(const void *addr, const char *key, char *out, size_t len)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	size_t klen = strlen(key);
	unsigned long long lo, hi;
	bool inside = false, found = false;
	char line[512];

	igt_assert(f);
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx ", &lo, &hi) == 2) {
			inside = lo <= vt_va(addr) && vt_va(addr) < hi;
			continue;
		}
		if (inside && !strncmp(line, key, klen) && line[klen] == ':') {
			snprintf(out, len, "%s", line + klen + 1 + strspn(line + klen + 1, " \t"));
			out[strcspn(out, "\n")] = '\0';
			found = true;
		}
	}
	fclose(f);
	return found;
}

/* AnonHugePages (kB) of the mapping containing @addr */
static uint64_t anon_huge_kb(const void *addr)
{
	char v[64];

	return smaps_value(addr, "AnonHugePages", v, sizeof(v)) ? strtoull(v, NULL, 10) : 0;
}

static void test_anon_write_huge(void)
{
	const uint64_t size = 4 * MIB, n = elems(size);
	uint64_t *huge, *small, m_huge, m_small, kb;
	struct ctx a, b;

	igt_require_f(thp_enabled(), "transparent huge pages are disabled\n");
	require_debugfs(0, "vsvm_hw");
	ctx_open(&a, 0);
	/* a second GPU VM of the process: its TLB entries are all cold */
	ctx_open(&b, 0);
	huge = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	small = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	vt_madvise(huge, size, MADV_HUGEPAGE);
	vt_madvise(small, size, MADV_NOHUGEPAGE);

	gpu_fill(&a, huge, n, 0x4e4e);
	gpu_fill(&a, small, n, 0x5e5e);
	vt_check_value(huge, n, 0x4e4e, "MADV_HUGEPAGE memory the GPU filled");
	vt_check_value(small, n, 0x5e5e, "MADV_NOHUGEPAGE memory the GPU filled");
	kb = anon_huge_kb(huge);
	igt_info("AnonHugePages of the MADV_HUGEPAGE region: %llu kB\n", (unsigned long long)kb);
	if (kb < size / KIB) {
		vt_unmap(huge, size);
		vt_unmap(small, size);
		ctx_close(&b);
		ctx_close(&a);
		igt_skip("the kernel did not back the region with huge pages\n");
	}

	m_huge = verify_misses(&b, huge, n, 0x4e4e, 0);
	m_small = verify_misses(&b, small, n, 0x5e5e, 0);
	igt_info("TLB misses of a 4 MiB VERIFY: %llu on THP memory, %llu on 4 KiB pages\n",
		 (unsigned long long)m_huge, (unsigned long long)m_small);
	igt_assert_lt_u64(m_huge, HUGE_MAX_MISSES);
	igt_assert_lte_u64(size / PAGE, m_small);

	vt_unmap(huge, size);
	vt_unmap(small, size);
	ctx_close(&b);
	ctx_close(&a);
}

#define NR_HUGEPAGES "/proc/sys/vm/nr_hugepages"

static char saved_nr_hugepages[32];

static void restore_nr_hugepages(int sig)
{
	(void)sig;
	if (!saved_nr_hugepages[0])
		return;
	if (!vt_write_file(NR_HUGEPAGES, saved_nr_hugepages))
		igt_warn("could not restore " NR_HUGEPAGES " to %s\n", saved_nr_hugepages);
	saved_nr_hugepages[0] = '\0';
}

/* A number from /proc/meminfo ("HugePages_Free", "Hugepagesize"), -1 if missing */
static long long meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	size_t klen = strlen(key);
	long long v = -1;
	char line[256];

	igt_assert(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = atoll(line + klen + 1);
			break;
		}
	fclose(f);
	return v;
}

/* Make @want free 2 MiB hugetlb pages available (restored at exit), or skip */
static void reserve_hugepages(long long want)
{
	static bool handler;
	char old[32], val[32];
	bool ok;

	igt_require_f(meminfo("Hugepagesize") == 2048, "the default huge page is not 2 MiB\n");
	if (meminfo("HugePages_Free") >= want)
		return;
	igt_require_f(vt_read_file(NR_HUGEPAGES, old, sizeof(old)), NR_HUGEPAGES " unreadable\n");
	snprintf(saved_nr_hugepages, sizeof(saved_nr_hugepages), "%s", old);
	if (!handler) {
		igt_install_exit_handler(restore_nr_hugepages);
		handler = true;
	}
	snprintf(val, sizeof(val), "%lld", atoll(old) + want);
	ok = vt_write_file(NR_HUGEPAGES, val) && meminfo("HugePages_Free") >= want;
	if (!ok)
		restore_nr_hugepages(0);
	igt_require_f(ok, "could not reserve %lld huge pages through " NR_HUGEPAGES "\n", want);
}

static void test_anon_write_hugetlbfs(void)
{
	const uint64_t size = 4 * MIB, n = elems(size);
	uint64_t *buf, misses;
	struct ctx a, b;

	require_debugfs(0, "vsvm_hw");
	reserve_hugepages(size / HUGE);
	buf = mmap(NULL, size, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (buf == MAP_FAILED) {
		int err = errno;

		restore_nr_hugepages(0);
		igt_skip("MAP_HUGETLB mmap: %s\n", strerror(err));
	}
	ctx_open(&a, 0);
	ctx_open(&b, 0);

	gpu_fill(&a, buf, n, 0x7e7e);
	vt_check_value(buf, n, 0x7e7e, "hugetlb memory the GPU filled");
	misses = verify_misses(&b, buf, n, 0x7e7e, 0);
	igt_info("TLB misses of a 4 MiB VERIFY of hugetlb memory: %llu\n",
		 (unsigned long long)misses);
	igt_assert_lt_u64(misses, HUGE_MAX_MISSES);

	vt_fill_pattern(buf, n, 0x4000, 3);
	igt_assert_eq_u64(gpu_verify(&a, buf, n, 0x4000, 3), 0);
	igt_assert_eq_u64(gpu_sum(&b, buf, n), vt_pattern_sum(0x4000, 3, n));

	vt_unmap(buf, size);
	ctx_close(&b);
	ctx_close(&a);
	restore_nr_hugepages(0);
}

/* ---- files ------------------------------------------------------------------------------- */

static void test_file_read(void)
{
	const uint64_t size = 2 * MIB, n = elems(size), x = 9 * PAGE_ELEMS;
	int fd = vt_tmp_file();
	uint64_t *map;
	struct ctx c;

	ctx_open(&c, 0);
	vt_file_write_pattern(fd, 0, n, 0xf00, 1);
	map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	igt_assert(map != MAP_FAILED);

	igt_assert_eq_u64(gpu_verify(&c, map, n, 0xf00, 1), 0);
	igt_assert_eq_u64(gpu_sum(&c, map, n), vt_pattern_sum(0xf00, 1, n));
	expect_fault(&c, VSVM_KERNEL_FILL, 1, (uint64_t[6]){ vt_va(map + x), 1 }, vt_va(map + x),
		     vt_va(map + x) + 1, VSVM_ACCESS_WRITE);
	expect_fault(&c, VSVM_KERNEL_FILL, n, (uint64_t[6]){ vt_va(map), 1 }, vt_va(map),
		     vt_va(map) + size, VSVM_ACCESS_WRITE);
	vt_file_check_pattern(fd, 0, n, 0xf00, 1, "file after faulted GPU writes");

	/* written through the page cache: the GPU reads the new data */
	vt_file_write_pattern(fd, 0, n, 0x5ec0d, 7);
	igt_assert_eq_u64(gpu_verify(&c, map, n, 0x5ec0d, 7), 0);

	vt_unmap(map, size);
	close(fd);
	ctx_close(&c);
}

static void test_file_write(void)
{
	const uint64_t size = 2 * MIB, n = elems(size), half = n / 2;
	int fd = vt_tmp_file();
	uint64_t *map, *src;
	struct ctx c;

	ctx_open(&c, 0);
	igt_assert_eq(ftruncate(fd, size), 0);
	map = mmap(NULL, size, RW, MAP_SHARED, fd, 0);
	igt_assert(map != MAP_FAILED);

	gpu_fill(&c, map, n, 0xf17e);
	vt_check_value(map, n, 0xf17e, "file mapping the GPU filled");
	vt_file_check_pattern(fd, 0, n, 0xf17e, 0, "file the GPU filled");

	src = vt_map_at(half * 8, PAGE, 0, MAP_PRIVATE);
	vt_fill_pattern(src, half, 0x600d, 5);
	gpu_copy(&c, map + half, src, half);
	vt_check_pattern(map + half, half, 0x600d, 5, "file mapping the GPU copied into");
	vt_file_check_pattern(fd, 0, half, 0xf17e, 0, "first half of the file");
	vt_file_check_pattern(fd, half, half, 0x600d - half * 5, 5, "second half of the file");

	vt_unmap(map, size);
	vt_file_check_pattern(fd, half, half, 0x600d - half * 5, 5, "file after munmap");
	vt_unmap(src, half * 8);
	close(fd);
	ctx_close(&c);
}

/* ---- mixed-map --------------------------------------------------------------------------- */

#define RING_BLOCK (16 * KIB)
#define RING_BLOCKS 16
#define RING_FRAME 2048
#define RING_SIZE (RING_BLOCK * RING_BLOCKS)
#define URING_ENTRIES 4096

static void gem_mmap_faults(struct ctx *c, uint32_t domain)
{
	const uint64_t size = 64 * KIB, n = elems(size);
	uint32_t h = vt_gem_create(c->fd, size, domain);
	uint64_t *map = vt_gem_mmap(c->fd, h, size);

	vt_fill_pattern(map, n, 0x6e6, 1);
	expect_fault(c, VSVM_KERNEL_CHECKSUM, n, (uint64_t[6]){ vt_va(map), vt_va(c->out) },
		     vt_va(map), vt_va(map) + size, VSVM_ACCESS_READ);
	expect_fault(c, VSVM_KERNEL_FILL, 1, (uint64_t[6]){ vt_va(map), 1 }, vt_va(map),
		     vt_va(map) + 1, VSVM_ACCESS_WRITE);
	vt_check_pattern(map, n, 0x6e6, 1, "buffer object mapping after faulted GPU accesses");
	vt_unmap(map, size);
	vt_gem_close(c->fd, h);
}

/* The GPU reads a VM_MIXEDMAP mapping of kernel pages right */
static void mixed_map_read(struct ctx *c, uint64_t *map, uint64_t size, uint64_t seed,
			   const char *what)
{
	const uint64_t n = elems(size);
	char flags[256];

	igt_assert(smaps_value(map, "VmFlags", flags, sizeof(flags)));
	igt_info("%s: %llu KiB, VmFlags %s\n", what, (unsigned long long)(size / KIB), flags);
	igt_assert_f(strstr(flags, " mm") || !strncmp(flags, "mm", 2),
		     "%s is not a VM_MIXEDMAP mapping\n", what);
	vt_fill_pattern(map, n, seed, 5);
	igt_assert_eq_u64(gpu_verify(c, map, n, seed, 5), 0);
	igt_assert_eq_u64(gpu_sum(c, map, n), vt_pattern_sum(seed, 5, n));
}

/*
 * An AF_PACKET TPACKET_V2 receive ring (vm_insert_page() of the ring's
 * pages); false when the kernel has no AF_PACKET.
 */
static bool packet_ring_read(struct ctx *c)
{
	struct tpacket_req req = {
		.tp_block_size = RING_BLOCK,
		.tp_block_nr = RING_BLOCKS,
		.tp_frame_size = RING_FRAME,
		.tp_frame_nr = RING_SIZE / RING_FRAME,
	};
	int s, version = TPACKET_V2;
	uint64_t *ring;

	/* protocol 0: the socket receives nothing, the ring keeps what the CPU writes */
	s = socket(AF_PACKET, SOCK_RAW, 0);
	if (s < 0) {
		igt_info("no AF_PACKET socket: %s\n", strerror(errno));
		return false;
	}
	igt_assert_eq(setsockopt(s, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)), 0);
	igt_assert_f(setsockopt(s, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) == 0,
		     "PACKET_RX_RING: %s\n", strerror(errno));
	ring = mmap(NULL, RING_SIZE, RW, MAP_SHARED, s, 0);
	igt_assert_f(ring != MAP_FAILED, "mmap of the packet ring: %s\n", strerror(errno));
	mixed_map_read(c, ring, RING_SIZE, 0x9a11e7, "AF_PACKET ring");
	vt_unmap(ring, RING_SIZE);
	close(s);
	return true;
}

/*
 * The submission-queue entries of an io_uring (vm_insert_pages() of its
 * pages), never submitted; false when the kernel has no io_uring.
 */
static bool uring_sqes_read(struct ctx *c)
{
	struct io_uring_params p;
	uint64_t *sqes, size;
	int fd;

	memset(&p, 0, sizeof(p));
	fd = syscall(__NR_io_uring_setup, URING_ENTRIES, &p);
	if (fd < 0) {
		igt_info("no io_uring: %s\n", strerror(errno));
		return false;
	}
	size = (uint64_t)p.sq_entries * sizeof(struct io_uring_sqe);
	sqes = mmap(NULL, size, RW, MAP_SHARED, fd, IORING_OFF_SQES);
	igt_assert_f(sqes != MAP_FAILED, "mmap of the io_uring SQEs: %s\n", strerror(errno));
	mixed_map_read(c, sqes, size, 0x50e5, "io_uring SQE array");
	vt_unmap(sqes, size);
	close(fd);
	return true;
}

static void test_mixed_map(void)
{
	struct ctx c;
	int tested;

	ctx_open(&c, 0);
	gem_mmap_faults(&c, VSVM_GEM_DOMAIN_GTT);
	gem_mmap_faults(&c, VSVM_GEM_DOMAIN_VRAM);
	tested = packet_ring_read(&c);
	tested += uring_sqes_read(&c);
	ctx_close(&c);
	igt_require_f(tested, "no AF_PACKET and no io_uring: no VM_MIXEDMAP mapping to read\n");
}

/* ---- anon-teardown ----------------------------------------------------------------------- */

/* a thread that munmaps [addr, addr + len) after delay_us */
struct teardown {
	void *addr;
	uint64_t len;
	unsigned int delay_us;
	atomic_bool done;
	pthread_t thread;
};

static void *teardown_thread(void *arg)
{
	struct teardown *t = arg;

	usleep(t->delay_us);
	vt_unmap(t->addr, t->len);
	atomic_store(&t->done, true);
	return NULL;
}

static void test_anon_teardown(void)
{
	const uint64_t n = elems(BUF_SIZE);
	struct ctx c;
	int iter;

	ctx_open(&c, 0);
	for (iter = 0; iter < NTIMES; iter++) {
		uint64_t *buf = vt_map_at(BUF_SIZE, PAGE, 0, MAP_PRIVATE), sum;
		struct teardown t = {
			.addr = buf + n / 2,
			.len = BUF_SIZE / 2,
			.delay_us = iter * 4000,
		};
		int reads, ret;

		vt_fill_pattern(buf, n, (uint64_t)iter << 32, 1);
		sum = vt_cpu_sum(buf, n);
		igt_assert_eq(pthread_create(&t.thread, NULL, teardown_thread, &t), 0);
		for (reads = 0;; reads++) {
			bool gone = atomic_load(&t.done);

			c.out[0] = SENTINEL;
			ret = __vt_run(c.fd, c.q, VSVM_KERNEL_CHECKSUM, n,
				       (uint64_t[6]){ vt_va(buf), vt_va(c.out) });
			if (ret) {
				igt_assert_eq(ret, -EFAULT);
				check_faulted(&c, vt_va(t.addr), vt_va(buf) + BUF_SIZE,
					      VSVM_ACCESS_READ);
				break;
			}
			igt_assert_f(!gone, "a GPU read of unmapped memory succeeded\n");
			igt_assert_eq_u64(c.out[0], sum);
		}
		igt_assert_eq(pthread_join(t.thread, NULL), 0);
		igt_debug("round %d: %d complete reads before the fault\n", iter, reads);
		vt_unmap(buf, BUF_SIZE / 2);
	}
	ctx_close(&c);
}

/* ---- anon-read-multiple ------------------------------------------------------------------ */

static void test_anon_read_multiple(void)
{
	const uint64_t n = elems(BUF_SIZE);
	struct ctx c;
	int i;

	ctx_open(&c, 0);
	for (i = 0; i < NTIMES; i++) {
		uint64_t *buf = vt_map_at(BUF_SIZE, PAGE, 0, MAP_PRIVATE);
		uint64_t seed = 0x1000000ULL * (i + 1);

		vt_fill_pattern(buf, n, seed, i + 1);
		igt_assert_eq_u64(gpu_verify(&c, buf, n, seed, i + 1), 0);
		igt_assert_eq_u64(gpu_sum(&c, buf, n), vt_cpu_sum(buf, n));
		vt_unmap(buf, BUF_SIZE);
	}
	ctx_close(&c);
}

/* ---- double-map -------------------------------------------------------------------------- */

static void test_double_map(void)
{
	const uint64_t n = elems(BUF_SIZE), data = elems(3 * MIB), seed = 0xd0b1e;
	uint64_t *buf, sum = vt_pattern_sum(seed, 1, data);
	struct ctx g[2];
	int i;

	igt_require_f(vt_num_gpus >= 2, "%d GPU(s), the test needs 2\n", vt_num_gpus);
	ctx_open(&g[0], 0);
	ctx_open(&g[1], 1);
	buf = vt_map_at(BUF_SIZE, PAGE, 0, MAP_PRIVATE);
	/* 3 MiB of data, the last MiB never touched */
	vt_fill_pattern(buf, data, seed, 1);
	vt_mprotect(buf, BUF_SIZE, PROT_READ);

	for (i = 0; i < 2; i++) {
		igt_assert_eq_u64(gpu_verify(&g[i], buf, data, seed, 1), 0);
		igt_assert_eq_u64(gpu_verify(&g[i], buf + data, n - data, 0, 0), 0);
		igt_assert_eq_u64(gpu_sum(&g[i], buf, n), sum);
	}

	vt_mprotect(buf, BUF_SIZE, RW);
	for (i = 0; i < 2; i++) {
		uint64_t value = 0xd00 + i;

		gpu_fill(&g[i], buf, n, value);
		igt_assert_eq_u64(gpu_verify(&g[!i], buf, n, value, 0), 0);
		vt_check_value(buf, n, value, "memory written by one GPU");
	}
	vt_unmap(buf, BUF_SIZE);
	ctx_close(&g[1]);
	ctx_close(&g[0]);
}

/* ---- mprotect-after-map ------------------------------------------------------------------ */

static void test_mprotect_after_map(void)
{
	const uint64_t size = 2 * MIB, n = elems(size);
	uint64_t *buf;
	struct ctx c;

	ctx_open(&c, 0);
	buf = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	gpu_fill(&c, buf, n, 0xa1);
	vt_check_value(buf, n, 0xa1, "memory the GPU filled");

	vt_mprotect(buf, size, PROT_READ);
	expect_fault(&c, VSVM_KERNEL_FILL, n, (uint64_t[6]){ vt_va(buf), 0xa2 }, vt_va(buf),
		     vt_va(buf) + size, VSVM_ACCESS_WRITE);
	vt_check_value(buf, n, 0xa1, "read-only memory after a faulted GPU write");
	igt_assert_eq_u64(gpu_verify(&c, buf, n, 0xa1, 0), 0);
	igt_assert_eq_u64(gpu_sum(&c, buf, n), 0xa1 * n);
	vt_check_value(buf, n, 0xa1, "read-only memory after GPU reads");
	vt_unmap(buf, size);
	ctx_close(&c);
}

/* ---- linked-list, tree ------------------------------------------------------------------- */

#define CHASE_NODES 10000

/* a POINTER_CHASE node */
struct list_node {
	uint64_t next;
	uint64_t value;
};

static void test_linked_list(void)
{
	struct list_node **nodes = calloc(CHASE_NODES, sizeof(*nodes));
	uint64_t total = 0, half = 0;
	struct ctx c;
	int i;

	igt_assert(nodes);
	for (i = 0; i < CHASE_NODES; i++) {
		nodes[i] = malloc(sizeof(struct list_node));
		igt_assert(nodes[i]);
	}
	/* link the allocations in a random order (Fisher-Yates) */
	for (i = CHASE_NODES - 1; i > 0; i--) {
		int j = vt_rand64(0x11, i) % (i + 1);
		struct list_node *tmp = nodes[i];

		nodes[i] = nodes[j];
		nodes[j] = tmp;
	}
	for (i = 0; i < CHASE_NODES; i++) {
		nodes[i]->next = i + 1 < CHASE_NODES ? vt_va(nodes[i + 1]) : 0;
		nodes[i]->value = vt_rand64(0x12, i);
		total += nodes[i]->value;
		if (i < CHASE_NODES / 2)
			half += nodes[i]->value;
	}

	ctx_open(&c, 0);
	igt_assert_eq_u64(gpu_chase(&c, nodes[0], CHASE_NODES), total);
	igt_assert_eq_u64(gpu_chase(&c, nodes[0], 2 * CHASE_NODES), total);
	igt_assert_eq_u64(gpu_chase(&c, nodes[0], CHASE_NODES / 2), half);
	ctx_close(&c);

	for (i = 0; i < CHASE_NODES; i++)
		free(nodes[i]);
	free(nodes);
}

/* a binary search tree node, threaded in order through @next (POINTER_CHASE's layout) */
struct tree_node {
	uint64_t next;
	uint64_t value;
	struct tree_node *left, *right;
};

/* Insert @key; false if it is there already */
static bool tree_insert(struct tree_node **root, uint64_t key)
{
	struct tree_node **link = root, *node;

	while (*link) {
		if (key == (*link)->value)
			return false;
		link = key < (*link)->value ? &(*link)->left : &(*link)->right;
	}
	node = calloc(1, sizeof(*node));
	igt_assert(node);
	node->value = key;
	*link = node;
	return true;
}

/*
 * Thread the nodes in order through their next fields (iteratively, with an
 * explicit stack of @count entries) and store them in @order; returns the first.
 */
static struct tree_node *tree_thread(struct tree_node *root, struct tree_node **order, int count)
{
	struct tree_node **stack = malloc(count * sizeof(*stack)), *cur = root, *prev = NULL;
	int depth = 0, k = 0;

	igt_assert(stack);
	while (cur || depth) {
		while (cur) {
			stack[depth++] = cur;
			cur = cur->left;
		}
		cur = stack[--depth];
		if (prev)
			prev->next = vt_va(cur);
		order[k++] = cur;
		prev = cur;
		cur = cur->right;
	}
	prev->next = 0;
	igt_assert_eq(k, count);
	free(stack);
	return order[0];
}

static void test_tree(void)
{
	struct tree_node **order = calloc(CHASE_NODES, sizeof(*order)), *root = NULL, *head;
	uint64_t total = 0, smallest = 0;
	int count = 0, i, third;
	struct ctx c;

	igt_assert(order);
	for (i = 0; count < CHASE_NODES; i++)
		count += tree_insert(&root, vt_rand64(0x7ee, i) >> 16);
	head = tree_thread(root, order, count);
	third = count / 3;
	for (i = 0; i < count; i++) {
		if (i)
			igt_assert_lt_u64(order[i - 1]->value, order[i]->value);
		total += order[i]->value;
		if (i < third)
			smallest += order[i]->value;
	}

	ctx_open(&c, 0);
	igt_assert_eq_u64(gpu_chase(&c, head, count), total);
	igt_assert_eq_u64(gpu_chase(&c, head, third), smallest);
	igt_assert_eq_u64(gpu_chase(&c, root, 1), root->value);
	ctx_close(&c);

	for (i = 0; i < count; i++)
		free(order[i]);
	free(order);
}

/* ---- stack ------------------------------------------------------------------------------- */

#define STACK_ELEMS (64 * KIB / 8)

static void __attribute__((noinline)) test_stack(void)
{
	uint64_t dst[STACK_ELEMS], src[STACK_ELEMS];
	struct ctx c;

	ctx_open(&c, 0);
	vt_fill_pattern(dst, STACK_ELEMS, SENTINEL, 0);
	vt_fill_pattern(src, STACK_ELEMS, 0x57ac, 9);
	gpu_fill(&c, dst, STACK_ELEMS, 0x57ac4);
	vt_check_value(dst, STACK_ELEMS, 0x57ac4, "stack array the GPU filled");
	igt_assert_eq_u64(gpu_sum(&c, src, STACK_ELEMS), vt_cpu_sum(src, STACK_ELEMS));
	igt_assert_eq_u64(gpu_verify(&c, src, STACK_ELEMS, 0x57ac, 9), 0);
	gpu_copy(&c, dst, src, STACK_ELEMS);
	vt_check_pattern(dst, STACK_ELEMS, 0x57ac, 9, "stack array the GPU copied into");
	ctx_close(&c);
}

/* ---- partial-munmap ---------------------------------------------------------------------- */

static void test_partial_munmap(void)
{
	const uint64_t size = 4 * MIB, n = elems(size);
	const uint64_t head = elems(MIB + MIB / 2), hole = elems(MIB), tail = n - head - hole;
	uint64_t *buf, *h;
	struct ctx c;

	ctx_open(&c, 0);
	buf = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	h = buf + head;
	gpu_fill(&c, buf, n, 0xab);
	vt_unmap(h, hole * 8);

	expect_fault(&c, VSVM_KERNEL_FILL, 1, (uint64_t[6]){ vt_va(h), 1 }, vt_va(h), vt_va(h) + 1,
		     VSVM_ACCESS_WRITE);
	expect_fault(&c, VSVM_KERNEL_CHECKSUM, n, (uint64_t[6]){ vt_va(buf), vt_va(c.out) },
		     vt_va(h), vt_va(h) + hole * 8, VSVM_ACCESS_READ);
	expect_fault(&c, VSVM_KERNEL_FILL, hole, (uint64_t[6]){ vt_va(h), 2 }, vt_va(h),
		     vt_va(h) + hole * 8, VSVM_ACCESS_WRITE);

	igt_assert_eq_u64(gpu_verify(&c, buf, head, 0xab, 0), 0);
	igt_assert_eq_u64(gpu_verify(&c, h + hole, tail, 0xab, 0), 0);
	gpu_fill(&c, buf, head, 0xcd);
	gpu_fill(&c, h + hole, tail, 0xef);
	vt_check_value(buf, head, 0xcd, "head of the buffer");
	vt_check_value(h + hole, tail, 0xef, "tail of the buffer");
	vt_unmap(buf, head * 8);
	vt_unmap(h + hole, tail * 8);
	ctx_close(&c);
}

/* ---- mremap ------------------------------------------------------------------------------ */

static void test_mremap(void)
{
	const uint64_t size = 2 * MIB, n = elems(size);
	uint64_t *old, *dst, *moved;
	struct ctx c;

	ctx_open(&c, 0);
	old = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	dst = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	vt_fill_pattern(old, n, 0x3e3a9, 1);
	igt_assert_eq_u64(gpu_verify(&c, old, n, 0x3e3a9, 1), 0);
	/* the GPU mirrors the destination's zeros before the move replaces them */
	igt_assert_eq_u64(gpu_sum(&c, dst, n), 0);

	moved = mremap(old, size, size, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	igt_assert_f(moved == dst, "mremap: %s\n", strerror(errno));
	igt_assert_eq_u64(gpu_verify(&c, moved, n, 0x3e3a9, 1), 0);
	igt_assert_eq_u64(gpu_sum(&c, moved, n), vt_pattern_sum(0x3e3a9, 1, n));
	expect_fault(&c, VSVM_KERNEL_CHECKSUM, n, (uint64_t[6]){ vt_va(old), vt_va(c.out) },
		     vt_va(old), vt_va(old) + size, VSVM_ACCESS_READ);

	gpu_fill(&c, moved, n, 0x3e3);
	vt_check_value(moved, n, 0x3e3, "moved buffer the GPU filled");
	vt_unmap(moved, size);
	ctx_close(&c);
}

/* ---- madvise-dontneed -------------------------------------------------------------------- */

static void test_madvise_dontneed(void)
{
	const uint64_t size = 2 * MIB, n = elems(size), half = n / 2;
	uint64_t *buf;
	struct ctx c;

	ctx_open(&c, 0);
	buf = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	gpu_fill(&c, buf, n, 0xd0);
	vt_check_value(buf, n, 0xd0, "memory the GPU filled");

	vt_madvise(buf, size, MADV_DONTNEED);
	igt_assert_eq_u64(gpu_sum(&c, buf, n), 0);
	vt_check_value(buf, n, 0, "memory after MADV_DONTNEED");

	gpu_fill(&c, buf, n, 0xd1);
	vt_check_value(buf, n, 0xd1, "memory the GPU filled again");
	vt_madvise(buf, half * 8, MADV_DONTNEED);
	igt_assert_eq_u64(gpu_sum(&c, buf, n), 0xd1 * (n - half));
	igt_assert_eq_u64(gpu_verify(&c, buf, half, 0, 0), 0);
	igt_assert_eq_u64(gpu_verify(&c, buf + half, n - half, 0xd1, 0), 0);
	vt_unmap(buf, size);
	ctx_close(&c);
}

/* ---- cpu-write-after-map ----------------------------------------------------------------- */

static void test_cpu_write_after_map(void)
{
	const uint64_t n = elems(BUF_SIZE), data = elems(3 * MIB), x = 12345;
	uint64_t *buf;
	struct ctx c;

	ctx_open(&c, 0);
	buf = vt_map_at(BUF_SIZE, PAGE, 0, MAP_PRIVATE);
	vt_fill_pattern(buf, data, 0xa000, 1);
	igt_assert_eq_u64(gpu_verify(&c, buf, data, 0xa000, 1), 0);
	igt_assert_eq_u64(gpu_verify(&c, buf + data, n - data, 0, 0), 0);

	vt_fill_pattern(buf, n, 0xb000, 3);
	igt_assert_eq_u64(gpu_verify(&c, buf, n, 0xb000, 3), 0);
	buf[x] = ~buf[x];
	buf[n - 1] = 0;
	igt_assert_eq_u64(gpu_verify(&c, buf, n, 0xb000, 3), 2);
	igt_assert_eq_u64(gpu_sum(&c, buf, n), vt_cpu_sum(buf, n));
	vt_unmap(buf, BUF_SIZE);
	ctx_close(&c);
}

/* ---- concurrent-cpu-mutation ------------------------------------------------------------- */

#define CM_ROUNDS 20

/* State shared by the main thread and the two mutating threads */
struct cm_state {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t *buf;
	uint64_t half;		/* elements per half */
	int go;			/* the round the threads may run */
	int published[2];	/* the last round each half has finished */
};

/* one mutating thread */
struct cm_thread {
	struct cm_state *s;
	int idx;
	pthread_t thread;
};

static uint64_t cm_seed(int round)
{
	return ((uint64_t)round << 32) + 0x5eed;
}

static void cm_wait(struct cm_state *s, const int *value, int at_least)
{
	pthread_mutex_lock(&s->lock);
	while (*value < at_least)
		pthread_cond_wait(&s->cond, &s->lock);
	pthread_mutex_unlock(&s->lock);
}

static void cm_set(struct cm_state *s, int *value, int v)
{
	pthread_mutex_lock(&s->lock);
	*value = v;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/* Write @round's data over half @idx: seed + i for the buffer's element i */
static void cm_write(struct cm_state *s, int idx, int round)
{
	uint64_t first = idx * s->half;

	vt_fill_pattern(s->buf + first, s->half, cm_seed(round) + first, 1);
}

static void *cm_thread_fn(void *arg)
{
	struct cm_thread *t = arg;
	struct cm_state *s = t->s;
	uint64_t *p = s->buf + t->idx * s->half, bytes = s->half * 8;
	int round;

	for (round = 1; round <= CM_ROUNDS; round++) {
		cm_wait(s, &s->go, round);
		cm_write(s, t->idx, round);
		switch ((round + t->idx) % 3) {
		case 0:
			/* the pages go away, come back zeroed and are written again */
			vt_madvise(p, bytes, MADV_DONTNEED);
			cm_write(s, t->idx, round);
			break;
		case 1:
			vt_mprotect(p, bytes, PROT_READ);
			vt_mprotect(p, bytes, RW);
			break;
		default:
			vt_mprotect(p, bytes, PROT_NONE);
			vt_mprotect(p, bytes, RW);
			cm_write(s, t->idx, round);
			break;
		}
		cm_set(s, &s->published[t->idx], round);
	}
	return NULL;
}

static void test_concurrent_cpu_mutation(void)
{
	const uint64_t size = 2 * MIB;
	struct cm_state s = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
		.half = elems(size) / 2,
	};
	struct cm_thread t[2];
	struct ctx c;
	int round, i;

	ctx_open(&c, 0);
	/* both halves in one 2 MiB window */
	s.buf = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	for (i = 0; i < 2; i++) {
		t[i] = (struct cm_thread){ .s = &s, .idx = i };
		igt_assert_eq(pthread_create(&t[i].thread, NULL, cm_thread_fn, &t[i]), 0);
	}
	for (round = 1; round <= CM_ROUNDS; round++) {
		cm_set(&s, &s.go, round);
		for (i = 0; i < 2; i++) {
			int h = (round + i) % 2;
			uint64_t first = h * s.half, bad;

			cm_wait(&s, &s.published[h], round);
			/* the other half may still be changing */
			bad = gpu_verify(&c, s.buf + first, s.half, cm_seed(round) + first, 1);
			igt_assert_f(bad == 0, "round %d half %d: %llu stale elements\n", round, h,
				     (unsigned long long)bad);
		}
		igt_assert_eq_u64(gpu_verify(&c, s.buf, 2 * s.half, cm_seed(round), 1), 0);
	}
	for (i = 0; i < 2; i++)
		igt_assert_eq(pthread_join(t[i].thread, NULL), 0);
	vt_unmap(s.buf, size);
	ctx_close(&c);
}

/* ---- two-gpus-same-range ----------------------------------------------------------------- */

/* one GPU filling its half of the buffer from its own thread */
struct half_fill {
	struct ctx *c;
	uint64_t *dst;
	uint64_t n;
	uint64_t value;
	pthread_barrier_t *start;
	pthread_t thread;
};

static void *half_fill_thread(void *arg)
{
	struct half_fill *f = arg;

	pthread_barrier_wait(f->start);
	gpu_fill(f->c, f->dst, f->n, f->value);
	return NULL;
}

static void test_two_gpus_same_range(void)
{
	const uint64_t size = 4 * MIB, n = elems(size), half = n / 2;
	pthread_barrier_t start;
	struct half_fill f[2];
	struct ctx g[2];
	uint64_t *buf;
	int round, i;

	igt_require_f(vt_num_gpus >= 2, "%d GPU(s), the test needs 2\n", vt_num_gpus);
	ctx_open(&g[0], 0);
	ctx_open(&g[1], 1);
	/* 1 MiB past a 2 MiB boundary: the middle 2 MiB window holds both halves */
	buf = vt_map_at(size, HUGE, MIB, MAP_PRIVATE);
	igt_assert_eq(pthread_barrier_init(&start, NULL, 2), 0);

	for (round = 0; round < 4; round++) {
		for (i = 0; i < 2; i++) {
			/* GPU i fills half i, then the other one in odd rounds */
			int h = i ^ (round & 1);

			f[i] = (struct half_fill){
				.c = &g[i],
				.dst = buf + h * half,
				.n = half,
				.value = 0x2000 + round * 2 + i,
				.start = &start,
			};
			igt_assert_eq(pthread_create(&f[i].thread, NULL, half_fill_thread, &f[i]),
				      0);
		}
		for (i = 0; i < 2; i++)
			igt_assert_eq(pthread_join(f[i].thread, NULL), 0);
		for (i = 0; i < 2; i++) {
			igt_assert_eq_u64(gpu_verify(&g[i], f[!i].dst, half, f[!i].value, 0), 0);
			vt_check_value(f[i].dst, half, f[i].value, "half a GPU filled");
		}
	}
	pthread_barrier_destroy(&start);
	vt_unmap(buf, size);
	ctx_close(&g[1]);
	ctx_close(&g[0]);
}

/* ---- munmap-while-queued ----------------------------------------------------------------- */

static void test_munmap_while_queued(void)
{
	const uint64_t size = MIB, n = elems(size);
	struct drm_vsvm_sync syncs[2];
	uint64_t *buf, *next;
	struct ctx c;
	int tl;

	ctx_open(&c, 0);
	buf = vt_map_at(size, PAGE, 0, MAP_PRIVATE);
	gpu_fill(&c, buf, n, 0x9e);
	vt_check_value(buf, n, 0x9e, "memory the GPU filled");
	vt_unmap(buf, size);
	expect_fault(&c, VSVM_KERNEL_CHECKSUM, n, (uint64_t[6]){ vt_va(buf), vt_va(c.out) },
		     vt_va(buf), vt_va(buf) + size, VSVM_ACCESS_READ);

	/* the new queue works */
	next = vt_map_at(size, PAGE, 0, MAP_PRIVATE);
	gpu_fill(&c, next, n, 0x9f);
	vt_check_value(next, n, 0x9f, "memory filled on the new queue");

	if (!vt_has_sw_sync()) {
		igt_info("no sw_sync: the dispatch held behind a fence is not tested\n");
		vt_unmap(next, size);
		ctx_close(&c);
		return;
	}
	/* a dispatch waiting for a fence while its memory goes away */
	tl = vt_sw_sync_timeline();
	syncs[0] = (struct drm_vsvm_sync){ .handle = vt_syncobj_sw_sync(c.fd, tl, 1) };
	syncs[1] = (struct drm_vsvm_sync){ .handle = vt_syncobj(c.fd, 0),
					   .flags = VSVM_SYNC_SIGNAL };
	c.out[0] = SENTINEL;
	igt_assert_eq(vsvm_dispatch(c.fd, c.q, VSVM_KERNEL_CHECKSUM, n,
				    (uint64_t[6]){ vt_va(next), vt_va(c.out) }, syncs, 2), 0);
	vt_unmap(next, size);
	vt_sw_sync_inc(tl, 1);
	igt_assert_eq(vt_fence_wait_status(c.fd, syncs[1].handle), -EFAULT);
	check_faulted(&c, vt_va(next), vt_va(next) + size, VSVM_ACCESS_READ);
	vt_syncobj_destroy(c.fd, syncs[0].handle);
	vt_syncobj_destroy(c.fd, syncs[1].handle);
	close(tl);

	buf = vt_map_at(size, PAGE, 0, MAP_PRIVATE);
	gpu_fill(&c, buf, n, 0xa0);
	vt_check_value(buf, n, 0xa0, "memory filled on the last queue");
	vt_unmap(buf, size);
	ctx_close(&c);
}

/* ---- counters ---------------------------------------------------------------------------- */

static void test_counters(void)
{
	const uint64_t size = 8 * MIB, n = elems(size), npages = size / PAGE;
	uint64_t f0, b0, p0, fatal0, now0, i0, u0, f, b, p, pages, *buf, *none;
	int64_t end;
	struct ctx c;

	require_debugfs(0, "vsvm_svm");
	ctx_open(&c, 0);
	buf = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	f0 = vt_svm_count(vt_paths[0], "faults");
	b0 = vt_svm_count(vt_paths[0], "batches");
	p0 = vt_svm_count(vt_paths[0], "pages_mapped");
	fatal0 = vt_svm_count(vt_paths[0], "fatal");
	now0 = vt_svm_count(vt_paths[0], "pages");

	gpu_fill(&c, buf, n, 0xc0);
	f = vt_svm_count(vt_paths[0], "faults") - f0;
	b = vt_svm_count(vt_paths[0], "batches") - b0;
	p = vt_svm_count(vt_paths[0], "pages_mapped") - p0;
	pages = vt_svm_count(vt_paths[0], "pages");
	igt_info("FILL of 8 MiB: %llu faults, %llu batches, %llu pages mapped, %llu mirrored\n",
		 (unsigned long long)f, (unsigned long long)b, (unsigned long long)p,
		 (unsigned long long)pages);
	igt_assert_lte_u64(size / HUGE, f);
	igt_assert_lte_u64(1, b);
	igt_assert_lte_u64(b, f);
	igt_assert_lte_u64(npages, p);
	igt_assert_lte_u64(now0 + npages, pages);
	igt_assert_eq_u64(vt_svm_count(vt_paths[0], "fatal"), fatal0);
	vt_check_value(buf, n, 0xc0, "memory the GPU filled");

	/* one fatal fault */
	none = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(none != MAP_FAILED);
	expect_fault(&c, VSVM_KERNEL_FILL, 1, (uint64_t[6]){ vt_va(none), 1 }, vt_va(none),
		     vt_va(none) + 1, VSVM_ACCESS_WRITE);
	igt_assert_eq_u64(vt_svm_count(vt_paths[0], "fatal"), fatal0 + 1);
	vt_unmap(none, PAGE);

	i0 = vt_svm_count(vt_paths[0], "invalidations");
	u0 = vt_svm_count(vt_paths[0], "pages_unmapped");
	vt_unmap(buf, size);
	igt_info("munmap: %llu invalidations, %llu pages unmapped\n",
		 (unsigned long long)(vt_svm_count(vt_paths[0], "invalidations") - i0),
		 (unsigned long long)(vt_svm_count(vt_paths[0], "pages_unmapped") - u0));
	igt_assert_lt_u64(i0, vt_svm_count(vt_paths[0], "invalidations"));
	igt_assert_lte_u64(u0 + npages, vt_svm_count(vt_paths[0], "pages_unmapped"));
	/* the mirror lets go of the buffer (the garbage collector may take a moment) */
	end = vt_now_ns() + 2000 * NSEC_PER_MSEC;
	while ((pages = vt_svm_count(vt_paths[0], "pages")) > now0 && vt_now_ns() < end)
		usleep(10000);
	igt_assert_lte_u64(pages, now0);
	ctx_close(&c);
}

/* ---- exit-teardown ----------------------------------------------------------------------- */

static void test_exit_teardown(void)
{
	const uint64_t size = 8 * MIB, n = elems(size);
	int up[2], down[2];
	uint64_t v, faults;
	pid_t pid = 0;
	int64_t t0;
	char go = 1;

	require_debugfs(0, "vsvm_svm");
	igt_assert_eq(pipe(up), 0);
	igt_assert_eq(pipe(down), 0);
	igt_fork(child, 1) {
		uint64_t *buf = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
		pid_t me = getpid();
		struct ctx c;
		char b;

		ctx_open(&c, 0);
		gpu_fill(&c, buf, n, 0xe1);
		vt_check_value(buf, n, 0xe1, "memory the child's GPU filled");
		/* left running (or queued) at the exit */
		vt_dispatch_signal(c.fd, c.q, VSVM_KERNEL_FILL, n,
				   (uint64_t[6]){ vt_va(buf), 0xe2 });
		igt_assert_eq(write(up[1], &me, sizeof(me)), (ssize_t)sizeof(me));
		igt_assert_eq(read(down[0], &b, 1), 1);
		_exit(0);
	}
	igt_assert_eq(read(up[0], &pid, sizeof(pid)), (ssize_t)sizeof(pid));
	igt_assert_f(pid_counter(0, pid, "faults", &faults),
		     "no entry of the child %d in vsvm_svm while it runs\n", pid);
	igt_info("child %d: %llu faults\n", pid, (unsigned long long)faults);
	igt_assert_lte_u64(size / HUGE, faults);
	igt_assert(pid_counter(0, pid, "pages", &v));
	igt_assert_lte_u64(size / PAGE, v);

	igt_assert_eq(write(down[1], &go, 1), 1);
	igt_waitchildren();
	t0 = vt_now_ns();
	while (pid_counter(0, pid, "faults", &v)) {
		igt_assert_f(vt_now_ns() - t0 < 2000 * NSEC_PER_MSEC,
			     "the entry of the exited child %d is still in vsvm_svm after 2 s\n",
			     pid);
		usleep(10000);
	}
	igt_info("the child's entry left vsvm_svm %lld ms after its exit\n",
		 (long long)((vt_now_ns() - t0) / NSEC_PER_MSEC));
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);
}

/* ---- fork-inherited-fd ------------------------------------------------------------------- */

static void test_fork_inherited_fd(void)
{
	const uint64_t size = 2 * MIB, n = elems(size);
	uint64_t *shared, *private;
	struct ctx c;

	ctx_open(&c, 0);
	shared = vt_map_at(size, HUGE, 0, MAP_SHARED);
	private = vt_map_at(size, HUGE, 0, MAP_PRIVATE);
	vt_fill_pattern(shared, n, 0x5a000, 1);
	vt_fill_pattern(private, n, 0x9a000, 1);
	igt_assert_eq_u64(gpu_verify(&c, shared, n, 0x5a000, 1), 0);
	igt_assert_eq_u64(gpu_verify(&c, private, n, 0x9a000, 1), 0);

	igt_fork(child, 1) {
		uint32_t q = vt_queue_create(c.fd, 0);

		vt_run(c.fd, q, VSVM_KERNEL_FILL, n, (uint64_t[6]){ vt_va(shared), 0x5a5a });
		vt_run(c.fd, q, VSVM_KERNEL_FILL, n, (uint64_t[6]){ vt_va(private), 0x9a9a });
		vt_queue_destroy(c.fd, q);
		vt_gpu_barrier();
		vt_check_value(shared, n, 0x5a5a, "shared buffer in the child");
		/* the GPU wrote the parent's copy */
		vt_check_pattern(private, n, 0x9a000, 1, "the child's private copy");
	}
	igt_waitchildren();

	vt_check_value(shared, n, 0x5a5a, "shared buffer in the parent");
	vt_check_value(private, n, 0x9a9a, "private buffer in the parent");
	igt_assert_eq_u64(gpu_verify(&c, shared, n, 0x5a5a, 0), 0);
	igt_assert_eq_u64(gpu_verify(&c, private, n, 0x9a9a, 0), 0);
	vt_unmap(shared, size);
	vt_unmap(private, size);
	ctx_close(&c);
}

igt_main
{
	igt_fixture
		vt_svm_gpus_require(1);

	igt_describe("The GPU reads CPU-filled anonymous and malloc()ed memory.");
	igt_subtest("anon-read") {
		igt_set_timeout(SUBTEST_TIMEOUT, "anon-read");
		test_anon_read();
	}

	igt_describe("GPU reads of PROT_NONE memory fault fatally.");
	igt_subtest("anon-read-prot") {
		igt_set_timeout(SUBTEST_TIMEOUT, "anon-read-prot");
		test_anon_read_prot();
	}

	igt_describe("GPU writes into anonymous and malloc()ed memory reach the CPU.");
	igt_subtest("anon-write") {
		igt_set_timeout(SUBTEST_TIMEOUT, "anon-write");
		test_anon_write();
	}

	igt_describe("GPU writes to read-only memory fault; after mprotect(RW) they work.");
	igt_subtest("anon-write-prot") {
		igt_set_timeout(SUBTEST_TIMEOUT, "anon-write-prot");
		test_anon_write_prot();
	}

	igt_describe("A forked child's GPU write to private memory stays the child's.");
	igt_subtest("anon-write-child") {
		igt_set_timeout(SUBTEST_TIMEOUT, "anon-write-child");
		test_anon_write_child(false);
	}

	igt_describe("A forked child's GPU write to shared memory reaches the parent.");
	igt_subtest("anon-write-child-shared") {
		igt_set_timeout(SUBTEST_TIMEOUT, "anon-write-child-shared");
		test_anon_write_child(true);
	}

	igt_describe("Transparent huge pages are mirrored with 2 MiB GPU entries.");
	igt_subtest("anon-write-huge") {
		igt_set_timeout(SUBTEST_TIMEOUT, "anon-write-huge");
		test_anon_write_huge();
	}

	igt_describe("hugetlb pages are used by the GPU and mirrored with 2 MiB entries.");
	igt_subtest("anon-write-hugetlbfs") {
		igt_set_timeout(SUBTEST_TIMEOUT, "anon-write-hugetlbfs");
		test_anon_write_hugetlbfs();
	}

	igt_describe("The GPU reads a shared file mapping; writes to it fault.");
	igt_subtest("file-read") {
		igt_set_timeout(SUBTEST_TIMEOUT, "file-read");
		test_file_read();
	}

	igt_describe("GPU writes to a shared file mapping reach the file.");
	igt_subtest("file-write") {
		igt_set_timeout(SUBTEST_TIMEOUT, "file-write");
		test_file_write();
	}

	igt_describe("VM_MIXEDMAP mappings are readable; PFN mappings fault.");
	igt_subtest("mixed-map") {
		igt_set_timeout(SUBTEST_TIMEOUT, "mixed-map");
		test_mixed_map();
	}

	igt_describe("munmap() racing with GPU reads: right data or a fault in the hole.");
	igt_subtest("anon-teardown") {
		igt_set_timeout(SUBTEST_TIMEOUT, "anon-teardown");
		test_anon_teardown();
	}

	igt_describe("Ten fresh buffers in a row are read right.");
	igt_subtest("anon-read-multiple") {
		igt_set_timeout(SUBTEST_TIMEOUT, "anon-read-multiple");
		test_anon_read_multiple();
	}

	igt_describe("Two GPUs mirror the same memory.");
	igt_subtest("double-map") {
		igt_set_timeout(SUBTEST_TIMEOUT, "double-map");
		test_double_map();
	}

	igt_describe("mprotect(PROT_READ) after a GPU write revokes the GPU's write access.");
	igt_subtest("mprotect-after-map") {
		igt_set_timeout(SUBTEST_TIMEOUT, "mprotect-after-map");
		test_mprotect_after_map();
	}

	igt_describe("POINTER_CHASE walks a malloc()ed linked list.");
	igt_subtest("linked-list") {
		igt_set_timeout(SUBTEST_TIMEOUT, "linked-list");
		test_linked_list();
	}

	igt_describe("POINTER_CHASE walks a malloc()ed tree in order.");
	igt_subtest("tree") {
		igt_set_timeout(SUBTEST_TIMEOUT, "tree");
		test_tree();
	}

	igt_describe("The GPU uses arrays on the stack.");
	igt_subtest("stack") {
		igt_set_timeout(SUBTEST_TIMEOUT, "stack");
		test_stack();
	}

	igt_describe("A hole punched into a mirrored buffer faults; the rest works.");
	igt_subtest("partial-munmap") {
		igt_set_timeout(SUBTEST_TIMEOUT, "partial-munmap");
		test_partial_munmap();
	}

	igt_describe("A moved buffer works at its new address and faults at the old one.");
	igt_subtest("mremap") {
		igt_set_timeout(SUBTEST_TIMEOUT, "mremap");
		test_mremap();
	}

	igt_describe("MADV_DONTNEED drops GPU-written data: the GPU reads zeros.");
	igt_subtest("madvise-dontneed") {
		igt_set_timeout(SUBTEST_TIMEOUT, "madvise-dontneed");
		test_madvise_dontneed();
	}

	igt_describe("CPU writes after the GPU mirrored memory are seen by the GPU.");
	igt_subtest("cpu-write-after-map") {
		igt_set_timeout(SUBTEST_TIMEOUT, "cpu-write-after-map");
		test_cpu_write_after_map();
	}

	igt_describe("CPU threads change memory between GPU reads: no stale data.");
	igt_subtest("concurrent-cpu-mutation") {
		igt_set_timeout(SUBTEST_TIMEOUT, "concurrent-cpu-mutation");
		test_concurrent_cpu_mutation();
	}

	igt_describe("Two GPUs write halves of one range at the same time.");
	igt_subtest("two-gpus-same-range") {
		igt_set_timeout(SUBTEST_TIMEOUT, "two-gpus-same-range");
		test_two_gpus_same_range();
	}

	igt_describe("A buffer unmapped between dispatches makes the later one fault.");
	igt_subtest("munmap-while-queued") {
		igt_set_timeout(SUBTEST_TIMEOUT, "munmap-while-queued");
		test_munmap_while_queued();
	}

	igt_describe("The per-process SVM counters in debugfs follow faults and unmaps.");
	igt_subtest("counters") {
		igt_set_timeout(SUBTEST_TIMEOUT, "counters");
		test_counters();
	}

	igt_describe("A process exiting with GPU-mirrored memory leaves nothing behind.");
	igt_subtest("exit-teardown") {
		igt_set_timeout(SUBTEST_TIMEOUT, "exit-teardown");
		test_exit_teardown();
	}

	igt_describe("An inherited file dispatches in the opener's address space.");
	igt_subtest("fork-inherited-fd") {
		igt_set_timeout(SUBTEST_TIMEOUT, "fork-inherited-fd");
		test_fork_inherited_fd();
	}
}
