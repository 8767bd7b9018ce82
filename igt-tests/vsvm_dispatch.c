// SPDX-License-Identifier: MIT
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * TEST: vsvm dispatch
 * Description: Dispatches of the nine built-in kernels of the classic vsvm
 *              GPU (DRM_IOCTL_VSVM_DISPATCH) on buffer objects in VRAM and in
 *              GTT, with known data checked on the CPU through mmap; in-order
 *              execution on a queue; in-fences and out-fences through binary
 *              and timeline syncobjs, sync_files, sw_sync fences and across
 *              files and GPUs; many queues, files and GPUs at once; and the
 *              argument checks of the ioctl.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: Compute
 * Functionality: kernel dispatch
 * Feature: compute
 * Test category: uAPI
 *
 * SUBTEST: fill-vram
 * Description: FILL of a VRAM object, from an element offset, stops at the
 *              grid: the CPU sees the value in exactly the grid's elements.
 *
 * SUBTEST: fill-gtt
 * Description: FILL of a GTT object, from an element offset, stops at the
 *              grid: the CPU sees the value in exactly the grid's elements.
 *
 * SUBTEST: copy-vram
 * Description: COPY between VRAM objects and within one, with an element
 *              offset; the elements past the grid are untouched.
 *
 * SUBTEST: copy-gtt
 * Description: COPY between GTT objects and within one, with an element
 *              offset; the elements past the grid are untouched.
 *
 * SUBTEST: checksum-vram
 * Description: CHECKSUM of random data in VRAM over the whole object, one
 *              element and an offset range, into a VRAM result, equals the
 *              CPU's sum modulo 2^64.
 *
 * SUBTEST: checksum-gtt
 * Description: CHECKSUM of random data in GTT over the whole object, one
 *              element and an offset range, into a GTT result, equals the
 *              CPU's sum modulo 2^64.
 *
 * SUBTEST: verify-vram
 * Description: VERIFY of a seed + i * step pattern in VRAM counts 0
 *              mismatches, exactly the corrupted elements after the CPU
 *              corrupts some, and n - 1 for another step.
 *
 * SUBTEST: verify-gtt
 * Description: VERIFY of a seed + i * step pattern in GTT counts 0
 *              mismatches, exactly the corrupted elements after the CPU
 *              corrupts some, and n - 1 for another step.
 *
 * SUBTEST: atomic-add-vram
 * Description: ATOMIC_ADD on VRAM counters: work item i adds to counter
 *              i % n (n = 16, and n = 0 meaning 1), with wrap-around.
 *
 * SUBTEST: atomic-add-gtt
 * Description: ATOMIC_ADD on GTT counters: work item i adds to counter
 *              i % n (n = 16, and n = 0 meaning 1), with wrap-around.
 *
 * SUBTEST: pointer-chase-vram
 * Description: POINTER_CHASE over a shuffled linked list in VRAM sums the
 *              values of the first steps nodes, or of all nodes up to the one
 *              whose next is 0.
 *
 * SUBTEST: pointer-chase-gtt
 * Description: POINTER_CHASE over a shuffled linked list in GTT sums the
 *              values of the first steps nodes, or of all nodes up to the one
 *              whose next is 0.
 *
 * SUBTEST: gather-vram
 * Description: GATHER through random indices in VRAM: dst[i] = src[idx[i]].
 *
 * SUBTEST: gather-gtt
 * Description: GATHER through random indices in GTT: dst[i] = src[idx[i]].
 *
 * SUBTEST: scatter-vram
 * Description: SCATTER through distinct random indices in VRAM:
 *              dst[idx[i]] = src[i], the other elements untouched.
 *
 * SUBTEST: scatter-gtt
 * Description: SCATTER through distinct random indices in GTT:
 *              dst[idx[i]] = src[i], the other elements untouched.
 *
 * SUBTEST: triad-vram
 * Description: TRIAD in VRAM: a[i] = b[i] + s * c[i] modulo 2^64.
 *
 * SUBTEST: triad-gtt
 * Description: TRIAD in GTT: a[i] = b[i] + s * c[i] modulo 2^64.
 *
 * SUBTEST: program-vram
 * Description: PROGRAM with code and data in VRAM: every element gets the
 *              result of the program's add, multiply and xor instructions
 *              (unknown ops do nothing), one past the end untouched;
 *              programs of 1 and of VSVM_PROGRAM_MAX_INSNS instructions.
 *
 * SUBTEST: program-gtt
 * Description: PROGRAM with code and data in GTT, as program-vram.
 *
 * SUBTEST: bfs-level-vram
 * Description: BFS_LEVEL steps over a random graph of 3000 vertices (three
 *              waves at once) whose adjacency lists sit in shuffled places of
 *              a VRAM object: the levels equal a CPU breadth-first search, a
 *              vertex without a list and neighbours past the grid are
 *              skipped, each step's count covers the vertices it reached and
 *              the last step counts 0.
 *
 * SUBTEST: bfs-level-gtt
 * Description: BFS_LEVEL with the graph in GTT, as bfs-level-vram.
 *
 * SUBTEST: mixed-domains
 * Description: Kernels whose buffers are in both domains: COPY VRAM to GTT
 *              and back, TRIAD, GATHER and SCATTER across domains, and a
 *              POINTER_CHASE over a list whose nodes are spread over a VRAM
 *              and a GTT object.
 *
 * SUBTEST: in-order
 * Description: Dispatches queued on one queue without fences between them
 *              run in submission order (fill, copy, fill, copy, ... and only
 *              the last one waited for).
 *
 * SUBTEST: out-fence
 * Description: A dispatch signals every signal syncobj it is given (binary
 *              ones and a timeline point), each with a fence that signals
 *              without error; the queue's completed counter follows.
 *
 * SUBTEST: fence-chain
 * Description: A dispatch that waits on another queue's out-fence sees that
 *              dispatch's data (fill on one queue, copy on another), in both
 *              directions; a dispatch on another file of the GPU that waits
 *              on it through a sync_file completes only after it.
 *
 * SUBTEST: fence-cross-gpu
 * Description: For every pair of GPUs, a dispatch on one GPU waits on the
 *              out-fence of a dispatch on the other, through a sync_file;
 *              it completes only after it. Skips with one GPU.
 *
 * SUBTEST: in-fence-sw-sync
 * Description: A dispatch waiting on a syncobj that holds a pending sw_sync
 *              fence does not run, nor does the dispatch queued behind it,
 *              while another queue keeps running; both run once the CPU
 *              signals the fence. Skips without sw_sync.
 *
 * SUBTEST: timeline
 * Description: Dispatches on two queues chained through points 1, 2, 3 of
 *              one timeline syncobj copy data along in order; a point held by
 *              a pending sw_sync fence (moved in with a syncobj transfer)
 *              holds its waiter back until the CPU signals it; a point the
 *              CPU signalled does not. Skips without sw_sync.
 *
 * SUBTEST: signalled-in-fence
 * Description: Wait syncobjs that are already signalled (created signalled,
 *              signalled by the CPU, the same one twice) let the dispatch
 *              run at once.
 *
 * SUBTEST: wait-no-fence
 * Description: A wait on a binary syncobj without a fence, or on a timeline
 *              point not submitted yet, is rejected with EINVAL (as
 *              drm_syncobj_find_fence() does) and nothing runs.
 *
 * SUBTEST: many-syncs
 * Description: A dispatch with VSVM_MAX_SYNCS syncs (waits on signalled
 *              syncobjs, signals of binary syncobjs and timeline points)
 *              runs and signals all of them.
 *
 * SUBTEST: multi-queue
 * Description: Threads on one file, each with its own queue and its own
 *              VRAM and GTT data, queue chains of copy, verify, triad and
 *              checksum dispatches concurrently; every result is right.
 *
 * SUBTEST: all-gpus
 * Description: Forked children on every GPU, two files per GPU and two
 *              queues per file, run the chains of multi-queue concurrently;
 *              every result is right.
 *
 * SUBTEST: grid-limits
 * Description: Grids of 1 and VSVM_MAX_GRID are accepted (the largest one
 *              runs on an unbound VA of a no-retry queue and so faults at
 *              once); 0 and VSVM_MAX_GRID + 1 are rejected with EINVAL.
 *
 * SUBTEST: bad-args
 * Description: DISPATCH fails with ENOENT for an unknown or destroyed queue
 *              and unknown wait or signal syncobjs, with EINVAL for an unknown
 *              kernel, a zero or too large grid, POINTER_CHASE with a grid
 *              other than 1, each unaligned address argument of each kernel,
 *              unknown dispatch or sync flags and more than VSVM_MAX_SYNCS
 *              syncs, and with EFAULT for an unreadable sync array; a
 *              rejected dispatch runs nothing and signals nothing.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <xf86drm.h>

#include "igt_core.h"
#include "vsvm_test.h"

IGT_TEST_DESCRIPTION("Kernel dispatches, ordering and fences of the vsvm GPU.");

#define MAX_GPUS VSVM_MAX_DEVICES
#define SUBTEST_TIMEOUT 120
#define KIB (1ULL << 10)
#define MIB (1ULL << 20)
/* default buffer of the kernel subtests */
#define BUF_SIZE MIB
#define BUF_N (BUF_SIZE / 8)
#define SENTINEL 0x5e5e5e5e5e5e5e5eULL
/* long enough that a dependent dispatch would overtake it without the fence */
#define BIG_SIZE (8 * MIB)
/* how long a held-back dispatch is watched */
#define HOLD_MS 300

static const uint32_t domains[] = { VSVM_GEM_DOMAIN_VRAM, VSVM_GEM_DOMAIN_GTT };

static int num_gpus;
static char paths[MAX_GPUS][VSVM_PATH_MAX];

/* ---- per-kernel subtests ------------------------------------------------------------- */

/* State of one kernel subtest: a file, a queue, the domain. */
struct kctx {
	int fd;
	uint32_t q;
	uint32_t domain;
};

static void kctx_init(struct kctx *k, uint32_t domain)
{
	k->fd = vt_open(paths[0]);
	k->q = vt_queue_create(k->fd, 0);
	k->domain = domain;
}

static void kctx_fini(struct kctx *k)
{
	struct drm_vsvm_queue_status st;

	vt_queue_status(k->fd, k->q, &st);
	igt_assert_eq_u32(st.state, VSVM_QUEUE_STATE_ACTIVE);
	vt_queue_destroy(k->fd, k->q);
	vsvm_close(k->fd);
}

static void bo(struct kctx *k, struct vt_bo *b, uint64_t size)
{
	vt_bo_create(b, k->fd, size, k->domain, 0);
}

static void sentinel(struct vt_bo *b)
{
	vt_fill_pattern(b->map, vt_bo_elems(b), SENTINEL, 0);
}

static void test_fill(struct kctx *k)
{
	const uint64_t value = 0x0123456789abcdefULL ^ k->domain;
	struct vt_bo dst;

	bo(k, &dst, BUF_SIZE);
	sentinel(&dst);
	vt_run(k->fd, k->q, VSVM_KERNEL_FILL, BUF_N - 2, (uint64_t[6]){ vt_bo_va(&dst, 1), value });
	igt_assert_eq_u64(dst.map[0], SENTINEL);
	vt_check_value(dst.map + 1, BUF_N - 2, value, "filled");
	igt_assert_eq_u64(dst.map[BUF_N - 1], SENTINEL);

	vt_run(k->fd, k->q, VSVM_KERNEL_FILL, BUF_N, (uint64_t[6]){ dst.va, 0 });
	vt_check_value(dst.map, BUF_N, 0, "filled with 0");
	vt_run(k->fd, k->q, VSVM_KERNEL_FILL, 1, (uint64_t[6]){ vt_bo_va(&dst, 7), ~0ULL });
	igt_assert_eq_u64(dst.map[6], 0);
	igt_assert_eq_u64(dst.map[7], ~0ULL);
	igt_assert_eq_u64(dst.map[8], 0);
	vt_bo_destroy(&dst);
}

static void test_copy(struct kctx *k)
{
	struct vt_bo src, dst;
	uint64_t i;

	bo(k, &src, BUF_SIZE);
	bo(k, &dst, BUF_SIZE);
	vt_fill_rand(src.map, BUF_N, 11);
	sentinel(&dst);
	/* dst[i] = src[i + 1] for i < n - 1 */
	vt_run(k->fd, k->q, VSVM_KERNEL_COPY, BUF_N - 1,
	       (uint64_t[6]){ dst.va, vt_bo_va(&src, 1) });
	for (i = 0; i < BUF_N - 1; i++)
		igt_assert_f(dst.map[i] == vt_rand64(11, i + 1), "dst[%llu] = %#llx\n",
			     (unsigned long long)i, (unsigned long long)dst.map[i]);
	igt_assert_eq_u64(dst.map[BUF_N - 1], SENTINEL);
	for (i = 0; i < BUF_N; i++)
		igt_assert_eq_u64(src.map[i], vt_rand64(11, i));

	/* within one object: second half over the first */
	vt_run(k->fd, k->q, VSVM_KERNEL_COPY, BUF_N / 2,
	       (uint64_t[6]){ src.va, vt_bo_va(&src, BUF_N / 2) });
	for (i = 0; i < BUF_N / 2; i++)
		igt_assert_eq_u64(src.map[i], vt_rand64(11, BUF_N / 2 + i));
	vt_bo_destroy(&src);
	vt_bo_destroy(&dst);
}

static void test_checksum(struct kctx *k)
{
	struct vt_bo src, out;
	uint64_t sum = 0, part = 0, i;

	bo(k, &src, BUF_SIZE);
	bo(k, &out, VT_PAGE_SIZE);
	vt_fill_rand(src.map, BUF_N, 22);
	for (i = 0; i < BUF_N; i++) {
		sum += src.map[i];
		if (i >= 3)
			part += src.map[i];
	}
	igt_assert_eq_u64(vt_gpu_checksum(k->fd, k->q, src.va, BUF_N, out.va, out.map), sum);
	igt_assert_eq_u64(vt_gpu_checksum(k->fd, k->q, src.va, 1, out.va, out.map), src.map[0]);
	igt_assert_eq_u64(vt_gpu_checksum(k->fd, k->q, vt_bo_va(&src, 3), BUF_N - 3,
					  vt_bo_va(&out, 5), out.map + 5), part);
	/* only the result slot was written */
	igt_assert_eq_u64(out.map[4], 0);
	igt_assert_eq_u64(out.map[6], 0);
	vt_bo_destroy(&src);
	vt_bo_destroy(&out);
}

static void test_verify(struct kctx *k)
{
	const uint64_t seed = 0xfedcba9876543210ULL, step = 0x10001;
	struct vt_bo src, out;

	bo(k, &src, BUF_SIZE);
	bo(k, &out, VT_PAGE_SIZE);
	vt_fill_pattern(src.map, BUF_N, seed, step);
	igt_assert_eq_u64(vt_gpu_verify(k->fd, k->q, src.va, BUF_N, seed, step, out.va, out.map), 0);
	igt_assert_eq_u64(vt_gpu_verify(k->fd, k->q, src.va, BUF_N, seed, step + 1, out.va,
					out.map), BUF_N - 1);
	src.map[0] ^= 1;
	src.map[BUF_N / 3] = 0;
	src.map[BUF_N - 1] += 1;
	igt_assert_eq_u64(vt_gpu_verify(k->fd, k->q, src.va, BUF_N, seed, step, out.va, out.map), 3);
	/* the last element is past a shorter grid */
	igt_assert_eq_u64(vt_gpu_verify(k->fd, k->q, src.va, BUF_N - 1, seed, step, out.va,
					out.map), 2);
	/* an offset start: seed of element 1 */
	igt_assert_eq_u64(vt_gpu_verify(k->fd, k->q, vt_bo_va(&src, 1), BUF_N / 3 - 1,
					seed + step, step, out.va, out.map), 0);
	vt_bo_destroy(&src);
	vt_bo_destroy(&out);
}

static void test_atomic_add(struct kctx *k)
{
	const uint64_t grid = 4096, counters = 16;
	struct vt_bo c;
	uint64_t i;

	bo(k, &c, VT_PAGE_SIZE);
	for (i = 0; i < counters; i++)
		c.map[i] = i * 1000;
	c.map[counters] = SENTINEL;
	vt_run(k->fd, k->q, VSVM_KERNEL_ATOMIC_ADD, grid, (uint64_t[6]){ c.va, 3, counters });
	for (i = 0; i < counters; i++)
		igt_assert_eq_u64(c.map[i], i * 1000 + 3 * grid / counters);
	igt_assert_eq_u64(c.map[counters], SENTINEL);

	/* n = 0 means one counter */
	vt_run(k->fd, k->q, VSVM_KERNEL_ATOMIC_ADD, grid, (uint64_t[6]){ c.va, 5, 0 });
	igt_assert_eq_u64(c.map[0], 3 * grid / counters + 5 * grid);
	igt_assert_eq_u64(c.map[1], 1000 + 3 * grid / counters);

	/* adding ~0 subtracts 1, with wrap-around below 0 */
	c.map[2] = 0;
	vt_run(k->fd, k->q, VSVM_KERNEL_ATOMIC_ADD, 3, (uint64_t[6]){ vt_bo_va(&c, 1), ~0ULL, 3 });
	igt_assert_eq_u64(c.map[1], 1000 + 3 * grid / counters - 1);
	igt_assert_eq_u64(c.map[2], ~0ULL);
	igt_assert_eq_u64(c.map[3], 3000 + 3 * grid / counters - 1);
	igt_assert_eq_u64(c.map[4], 4000 + 3 * grid / counters);
	vt_bo_destroy(&c);
}

/*
 * Build a list of @len nodes ({next, value}, 16 bytes) in shuffled slots of
 * @bos (of one size; consecutive nodes usually in different objects); returns
 * the head's VA and in @sums the prefix sums of the values (sums[i] = sum of
 * the first i nodes).
 */
static uint64_t build_list(struct vt_bo **bos, int nbos, uint64_t len, uint64_t seed,
			   uint64_t *sums)
{
	uint64_t slots = vt_bo_elems(bos[0]) / 2, *perm, i, head = 0;
	uint64_t *prev = NULL;

	igt_assert_lte_u64(len, slots * nbos);
	perm = calloc(slots * nbos, sizeof(*perm));
	igt_assert(perm);
	for (i = 0; i < slots * nbos; i++)
		perm[i] = i;
	for (i = slots * nbos - 1; i > 0; i--) {
		uint64_t j = vt_rand64(seed, i) % (i + 1), t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	sums[0] = 0;
	for (i = 0; i < len; i++) {
		struct vt_bo *b = bos[perm[i] % nbos];
		uint64_t slot = perm[i] / nbos;
		uint64_t *node = b->map + 2 * slot, va = vt_bo_va(b, 2 * slot);

		node[0] = 0;
		node[1] = vt_rand64(seed + 1, i);
		sums[i + 1] = sums[i] + node[1];
		if (prev)
			prev[0] = va;
		else
			head = va;
		prev = node;
	}
	free(perm);
	return head;
}

static uint64_t chase(int fd, uint32_t q, uint64_t head, uint64_t steps, struct vt_bo *out)
{
	out->map[0] = SENTINEL;
	vt_run(fd, q, VSVM_KERNEL_POINTER_CHASE, 1, (uint64_t[6]){ head, steps, out->va });
	return out->map[0];
}

static void check_chase(int fd, uint32_t q, struct vt_bo **bos, int nbos, struct vt_bo *out)
{
	const uint64_t len = 1000;
	uint64_t *sums = calloc(len + 1, sizeof(*sums));
	uint64_t head;

	igt_assert(sums);
	head = build_list(bos, nbos, len, 33, sums);
	igt_assert_eq_u64(chase(fd, q, head, len + 10, out), sums[len]);
	igt_assert_eq_u64(chase(fd, q, head, len, out), sums[len]);
	igt_assert_eq_u64(chase(fd, q, head, 10, out), sums[10]);
	igt_assert_eq_u64(chase(fd, q, head, 1, out), sums[1]);
	igt_assert_eq_u64(chase(fd, q, head, 1ULL << 40, out), sums[len]);
	free(sums);
}

static void test_pointer_chase(struct kctx *k)
{
	struct vt_bo nodes, out, *bos[] = { &nodes };

	bo(k, &nodes, 64 * KIB);
	bo(k, &out, VT_PAGE_SIZE);
	check_chase(k->fd, k->q, bos, 1, &out);
	vt_bo_destroy(&nodes);
	vt_bo_destroy(&out);
}

static void check_gather(int fd, uint32_t q, struct vt_bo *dst, struct vt_bo *src,
			 struct vt_bo *idx, uint64_t seed)
{
	uint64_t n = vt_bo_elems(dst) - 1, m = vt_bo_elems(src), i;

	vt_fill_rand(src->map, m, seed);
	for (i = 0; i < n; i++)
		idx->map[i] = vt_rand64(seed + 1, i) % m;
	idx->map[0] = m - 1;
	idx->map[1] = 0;
	vt_fill_pattern(dst->map, n + 1, SENTINEL, 0);
	vt_run(fd, q, VSVM_KERNEL_GATHER, n, (uint64_t[6]){ dst->va, src->va, idx->va });
	for (i = 0; i < n; i++)
		igt_assert_f(dst->map[i] == src->map[idx->map[i]], "dst[%llu] = %#llx, src[%llu] = %#llx\n",
			     (unsigned long long)i, (unsigned long long)dst->map[i],
			     (unsigned long long)idx->map[i],
			     (unsigned long long)src->map[idx->map[i]]);
	igt_assert_eq_u64(dst->map[n], SENTINEL);
}

static void test_gather(struct kctx *k)
{
	struct vt_bo dst, src, idx;

	bo(k, &dst, BUF_SIZE);
	bo(k, &src, BUF_SIZE / 2);
	bo(k, &idx, BUF_SIZE);
	check_gather(k->fd, k->q, &dst, &src, &idx, 44);
	vt_bo_destroy(&dst);
	vt_bo_destroy(&src);
	vt_bo_destroy(&idx);
}

/* scatter the n elements of @src to distinct random places of @dst (2n elements) */
static void check_scatter(int fd, uint32_t q, struct vt_bo *dst, struct vt_bo *src,
			  struct vt_bo *idx, uint64_t seed)
{
	uint64_t n = vt_bo_elems(src), m = vt_bo_elems(dst), i, hit = 0;
	uint64_t *perm = calloc(m, sizeof(*perm));

	igt_assert(perm);
	igt_assert_lte_u64(n, m);
	for (i = 0; i < m; i++)
		perm[i] = i;
	for (i = m - 1; i > 0; i--) {
		uint64_t j = vt_rand64(seed, i) % (i + 1), t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (i = 0; i < n; i++)
		idx->map[i] = perm[i];
	vt_fill_rand(src->map, n, seed + 1);
	vt_fill_pattern(dst->map, m, SENTINEL, 0);
	vt_run(fd, q, VSVM_KERNEL_SCATTER, n, (uint64_t[6]){ dst->va, src->va, idx->va });
	for (i = 0; i < n; i++)
		igt_assert_f(dst->map[idx->map[i]] == src->map[i], "dst[%llu] = %#llx, src[%llu] = %#llx\n",
			     (unsigned long long)idx->map[i],
			     (unsigned long long)dst->map[idx->map[i]], (unsigned long long)i,
			     (unsigned long long)src->map[i]);
	for (i = 0; i < m; i++)
		hit += dst->map[i] != SENTINEL;
	igt_assert_eq_u64(hit, n);
	free(perm);
}

static void test_scatter(struct kctx *k)
{
	struct vt_bo dst, src, idx;

	bo(k, &dst, BUF_SIZE);
	bo(k, &src, BUF_SIZE / 2);
	bo(k, &idx, BUF_SIZE / 2);
	check_scatter(k->fd, k->q, &dst, &src, &idx, 55);
	vt_bo_destroy(&dst);
	vt_bo_destroy(&src);
	vt_bo_destroy(&idx);
}

static void check_triad(int fd, uint32_t q, struct vt_bo *a, struct vt_bo *b, struct vt_bo *c,
			uint64_t s, uint64_t seed)
{
	uint64_t n = vt_bo_elems(a) - 1, i;

	vt_fill_rand(b->map, n, seed);
	vt_fill_rand(c->map, n, seed + 1);
	vt_fill_pattern(a->map, n + 1, SENTINEL, 0);
	vt_run(fd, q, VSVM_KERNEL_TRIAD, n, (uint64_t[6]){ a->va, b->va, c->va, s });
	for (i = 0; i < n; i++)
		igt_assert_f(a->map[i] == b->map[i] + s * c->map[i], "a[%llu] = %#llx\n",
			     (unsigned long long)i, (unsigned long long)a->map[i]);
	igt_assert_eq_u64(a->map[n], SENTINEL);
}

static void test_triad(struct kctx *k)
{
	struct vt_bo a, b, c;

	bo(k, &a, BUF_SIZE);
	bo(k, &b, BUF_SIZE);
	bo(k, &c, BUF_SIZE);
	check_triad(k->fd, k->q, &a, &b, &c, 3, 66);
	check_triad(k->fd, k->q, &a, &b, &c, ~0ULL, 67); /* s = -1 */
	vt_bo_destroy(&a);
	vt_bo_destroy(&b);
	vt_bo_destroy(&c);
}

/* What a PROGRAM of @n instructions at @code does to @x */
static uint64_t program_result(const uint64_t *code, unsigned int n, uint64_t x)
{
	uint64_t imm;
	unsigned int k;

	for (k = 0; k < n; k++) {
		imm = code[k] & ((1ULL << 56) - 1);
		switch (code[k] >> 56) {
		case VSVM_OP_ADD:
			x += imm;
			break;
		case VSVM_OP_MUL:
			x *= imm;
			break;
		case VSVM_OP_XOR:
			x ^= imm;
			break;
		}
	}
	return x;
}

static void check_program(struct kctx *k, struct vt_bo *code, struct vt_bo *data,
			  unsigned int ninsn, uint64_t seed)
{
	uint64_t n = vt_bo_elems(data) - 1, i, *want = malloc(n * sizeof(*want));
	unsigned int j;

	igt_assert(want);
	for (j = 0; j < ninsn; j++)
		code->map[j] = (vt_rand64(seed, j) % 4) << 56 | (vt_rand64(seed + 1, j) >> 8);
	vt_fill_rand(data->map, n, seed + 2);
	data->map[n] = SENTINEL;
	for (i = 0; i < n; i++)
		want[i] = program_result(code->map, ninsn, data->map[i]);
	vt_run(k->fd, k->q, VSVM_KERNEL_PROGRAM, n, (uint64_t[6]){ code->va, data->va, ninsn });
	for (i = 0; i < n; i++)
		igt_assert_f(data->map[i] == want[i], "data[%llu] = %#llx, expected %#llx\n",
			     (unsigned long long)i, (unsigned long long)data->map[i],
			     (unsigned long long)want[i]);
	igt_assert_eq_u64(data->map[n], SENTINEL);
	free(want);
}

static void test_program(struct kctx *k)
{
	struct vt_bo code, data;

	bo(k, &code, VSVM_PROGRAM_MAX_INSNS * sizeof(uint64_t));
	bo(k, &data, BUF_SIZE);
	check_program(k, &code, &data, 1, 90);
	check_program(k, &code, &data, 5, 91);
	check_program(k, &code, &data, VSVM_PROGRAM_MAX_INSNS, 92);
	vt_bo_destroy(&code);
	vt_bo_destroy(&data);
}

#define BFS_VERTICES 3000
#define BFS_MAX_DEGREE 9

/*
 * Write a random graph of @n vertices into @adj (one list address per
 * vertex) and @lists (each list { count, dst[count] } in a shuffled slot of
 * BFS_MAX_DEGREE + 1 elements); vertex 7 has no list and some neighbours are
 * past @n.
 */
static void build_graph(struct vt_bo *adj, struct vt_bo *lists, uint64_t n, uint64_t seed)
{
	const uint64_t slot = BFS_MAX_DEGREE + 1;
	uint64_t v, j, *perm = calloc(n, sizeof(*perm));

	igt_assert(perm);
	igt_assert_lte_u64(n * slot, vt_bo_elems(lists));
	for (v = 0; v < n; v++)
		perm[v] = v;
	for (v = n - 1; v > 0; v--) {
		uint64_t k = vt_rand64(seed, v) % (v + 1), t = perm[v];

		perm[v] = perm[k];
		perm[k] = t;
	}
	for (v = 0; v < n; v++) {
		uint64_t *list = lists->map + perm[v] * slot;

		list[0] = vt_rand64(seed + 1, v) % slot;
		for (j = 1; j <= list[0]; j++)
			list[j] = vt_rand64(seed + 2, v * slot + j) % (n + n / 50);
		adj->map[v] = v == 7 ? 0 : vt_bo_va(lists, perm[v] * slot);
	}
	free(perm);
}

/* The levels a breadth-first search from vertex 0 gives, by the CPU */
static void bfs_cpu(const struct vt_bo *adj, const struct vt_bo *lists, uint64_t n, uint64_t *level)
{
	uint64_t *fifo = calloc(n, sizeof(*fifo)), head = 0, tail = 0, v, j;

	igt_assert(fifo);
	for (v = 0; v < n; v++)
		level[v] = VSVM_BFS_UNREACHED;
	level[0] = 0;
	fifo[tail++] = 0;
	while (head < tail) {
		const uint64_t *list;

		v = fifo[head++];
		if (!adj->map[v])
			continue;
		list = lists->map + (adj->map[v] - lists->va) / sizeof(uint64_t);
		for (j = 1; j <= list[0]; j++)
			if (list[j] < n && level[list[j]] == VSVM_BFS_UNREACHED) {
				level[list[j]] = level[v] + 1;
				fifo[tail++] = list[j];
			}
	}
	free(fifo);
}

static uint64_t bfs_reached(const uint64_t *level, uint64_t n, uint64_t depth)
{
	uint64_t v, hits = 0;

	for (v = 0; v < n; v++)
		hits += level[v] == depth;
	return hits;
}

/* Bytes of an object of @elems elements, whole pages */
static uint64_t bfs_bytes(uint64_t elems)
{
	return (elems * sizeof(uint64_t) + VT_PAGE_SIZE - 1) / VT_PAGE_SIZE * VT_PAGE_SIZE;
}

static void test_bfs_level(struct kctx *k)
{
	const uint64_t n = BFS_VERTICES;
	uint64_t *want = calloc(n, sizeof(*want)), depth, v, count;
	struct vt_bo adj, lists, level, out;

	igt_assert(want);
	bo(k, &adj, bfs_bytes(n));
	bo(k, &lists, bfs_bytes(n * (BFS_MAX_DEGREE + 1)));
	bo(k, &level, bfs_bytes(n + 1));
	bo(k, &out, VT_PAGE_SIZE);
	build_graph(&adj, &lists, n, 61);
	bfs_cpu(&adj, &lists, n, want);
	vt_fill_pattern(level.map, n, VSVM_BFS_UNREACHED, 0);
	level.map[0] = 0;
	level.map[n] = SENTINEL;
	for (depth = 0; depth < n; depth++) {
		out.map[0] = SENTINEL;
		vt_run(k->fd, k->q, VSVM_KERNEL_BFS_LEVEL, n,
		       (uint64_t[6]){ adj.va, level.va, depth, out.va });
		count = out.map[0];
		igt_assert_lte_u64(bfs_reached(level.map, n, depth + 1), count);
		if (!count)
			break;
	}
	igt_assert_f(depth > 3, "the search ended after %llu steps\n", (unsigned long long)depth);
	igt_assert_eq_u64(bfs_reached(want, n, depth + 1), 0);
	for (v = 0; v < n; v++)
		igt_assert_f(level.map[v] == want[v], "level[%llu] = %#llx, want %#llx\n",
			     (unsigned long long)v, (unsigned long long)level.map[v],
			     (unsigned long long)want[v]);
	igt_assert_eq_u64(level.map[n], SENTINEL);
	free(want);
	vt_bo_destroy(&adj);
	vt_bo_destroy(&lists);
	vt_bo_destroy(&level);
	vt_bo_destroy(&out);
}

static const struct {
	const char *name;
	void (*fn)(struct kctx *k);
} kernel_tests[] = {
	{ "fill", test_fill },
	{ "copy", test_copy },
	{ "checksum", test_checksum },
	{ "verify", test_verify },
	{ "atomic-add", test_atomic_add },
	{ "pointer-chase", test_pointer_chase },
	{ "gather", test_gather },
	{ "scatter", test_scatter },
	{ "triad", test_triad },
	{ "program", test_program },
	{ "bfs-level", test_bfs_level },
};

/* ---- mixed-domains ------------------------------------------------------------------------ */

static void test_mixed_domains(void)
{
	struct kctx k;
	struct vt_bo v, g, v2, g2, out, *bos[2];
	uint64_t i;

	kctx_init(&k, VSVM_GEM_DOMAIN_VRAM);
	vt_bo_create(&v, k.fd, BUF_SIZE, VSVM_GEM_DOMAIN_VRAM, 0);
	vt_bo_create(&g, k.fd, BUF_SIZE, VSVM_GEM_DOMAIN_GTT, 0);
	vt_bo_create(&v2, k.fd, BUF_SIZE, VSVM_GEM_DOMAIN_VRAM, 0);
	vt_bo_create(&g2, k.fd, BUF_SIZE, VSVM_GEM_DOMAIN_GTT, 0);
	vt_bo_create(&out, k.fd, VT_PAGE_SIZE, VSVM_GEM_DOMAIN_GTT, 0);

	/* VRAM -> GTT -> VRAM */
	vt_fill_rand(v.map, BUF_N, 77);
	vt_run(k.fd, k.q, VSVM_KERNEL_COPY, BUF_N, (uint64_t[6]){ g.va, v.va });
	vt_run(k.fd, k.q, VSVM_KERNEL_COPY, BUF_N, (uint64_t[6]){ v2.va, g.va });
	for (i = 0; i < BUF_N; i++) {
		igt_assert_eq_u64(g.map[i], vt_rand64(77, i));
		igt_assert_eq_u64(v2.map[i], vt_rand64(77, i));
	}

	/* TRIAD: a in VRAM, b in GTT, c in VRAM; then a in GTT */
	check_triad(k.fd, k.q, &v, &g, &v2, 7, 78);
	check_triad(k.fd, k.q, &g2, &v, &g, 9, 79);

	/* GATHER from GTT through VRAM indices into GTT, SCATTER the other way */
	check_gather(k.fd, k.q, &g2, &g, &v, 80);
	check_scatter(k.fd, k.q, &v, &g, &g2, 81);

	/* a list whose nodes alternate between a VRAM and a GTT object */
	bos[0] = &v2;
	bos[1] = &g;
	check_chase(k.fd, k.q, bos, 2, &out);

	vt_bo_destroy(&v);
	vt_bo_destroy(&g);
	vt_bo_destroy(&v2);
	vt_bo_destroy(&g2);
	vt_bo_destroy(&out);
	kctx_fini(&k);
}

/* ---- in-order ---------------------------------------------------------------------------- */

#define ORDER_STEPS 16
#define ORDER_SIZE (64 * KIB)

static void test_in_order(void)
{
	struct kctx k;
	struct vt_bo x, y;
	uint32_t last;
	int i;

	kctx_init(&k, VSVM_GEM_DOMAIN_VRAM);
	vt_bo_create(&x, k.fd, ORDER_SIZE, VSVM_GEM_DOMAIN_VRAM, 0);
	vt_bo_create(&y, k.fd, ORDER_SIZE * ORDER_STEPS, VSVM_GEM_DOMAIN_GTT, 0);
	for (i = 0; i < ORDER_STEPS; i++) {
		igt_assert_eq(vsvm_dispatch(k.fd, k.q, VSVM_KERNEL_FILL, ORDER_SIZE / 8,
					    (uint64_t[6]){ x.va, 100 + i }, NULL, 0), 0);
		igt_assert_eq(vsvm_dispatch(k.fd, k.q, VSVM_KERNEL_COPY, ORDER_SIZE / 8,
					    (uint64_t[6]){ y.va + i * ORDER_SIZE, x.va }, NULL, 0),
			      0);
	}
	last = vt_dispatch_signal(k.fd, k.q, VSVM_KERNEL_FILL, ORDER_SIZE / 8,
				  (uint64_t[6]){ x.va, 1 });
	igt_assert_eq(vt_fence_wait_status(k.fd, last), 1);
	for (i = 0; i < ORDER_STEPS; i++)
		vt_check_value(y.map + i * ORDER_SIZE / 8, ORDER_SIZE / 8, 100 + i, "copy of step");
	vt_check_value(x.map, ORDER_SIZE / 8, 1, "last fill");
	vt_wait_completed(k.fd, k.q, 2 * ORDER_STEPS + 1);
	vt_syncobj_destroy(k.fd, last);
	vt_bo_destroy(&x);
	vt_bo_destroy(&y);
	kctx_fini(&k);
}

/* ---- out-fence ---------------------------------------------------------------------------- */

static void test_out_fence(void)
{
	struct kctx k;
	struct vt_bo x;
	struct drm_vsvm_sync syncs[3];
	uint64_t point = 5;
	uint32_t tl;
	int i;

	kctx_init(&k, VSVM_GEM_DOMAIN_GTT);
	vt_bo_create(&x, k.fd, BUF_SIZE, VSVM_GEM_DOMAIN_GTT, 0);
	tl = vt_syncobj(k.fd, 0);
	syncs[0] = (struct drm_vsvm_sync){ .handle = vt_syncobj(k.fd, 0), .flags = VSVM_SYNC_SIGNAL };
	syncs[1] = (struct drm_vsvm_sync){ .handle = vt_syncobj(k.fd, DRM_SYNCOBJ_CREATE_SIGNALED),
					   .flags = VSVM_SYNC_SIGNAL };
	syncs[2] = (struct drm_vsvm_sync){ .handle = tl, .flags = VSVM_SYNC_SIGNAL, .point = point };

	igt_assert_eq(vsvm_dispatch(k.fd, k.q, VSVM_KERNEL_FILL, BUF_N, (uint64_t[6]){ x.va, 8 },
				    syncs, 3), 0);
	/* every one, the signalled one included, now holds the dispatch's fence */
	for (i = 0; i < 2; i++)
		igt_assert_eq(vt_fence_wait_status(k.fd, syncs[i].handle), 1);
	igt_assert_eq(vsvm_syncobj_timeline_wait(k.fd, &tl, &point, 1,
						 vsvm_abs_timeout_ns(VT_DISPATCH_TIMEOUT_MS * 1000000LL),
						 0), 0);
	{
		uint64_t last = 0;

		igt_assert_eq(vsvm_syncobj_query(k.fd, &tl, &last, 1), 0);
		igt_assert_eq_u64(last, point);
	}
	vt_check_value(x.map, BUF_N, 8, "filled");
	vt_wait_completed(k.fd, k.q, 1);

	for (i = 0; i < 2; i++)
		vt_syncobj_destroy(k.fd, syncs[i].handle);
	vt_syncobj_destroy(k.fd, tl);
	vt_bo_destroy(&x);
	kctx_fini(&k);
}

/* ---- fence-chain ---------------------------------------------------------------------------- */

static void test_fence_chain(void)
{
	const uint64_t n = BIG_SIZE / 8;
	int fd = vt_open(paths[0]), fd2 = vt_open(paths[0]);
	uint32_t q[2] = { vt_queue_create(fd, 0), vt_queue_create(fd, 0) };
	uint32_t q2 = vt_queue_create(fd2, 0);
	struct vt_bo x, y, z;
	int round;

	vt_bo_create(&x, fd, BIG_SIZE, VSVM_GEM_DOMAIN_VRAM, 0);
	vt_bo_create(&y, fd, BIG_SIZE, VSVM_GEM_DOMAIN_GTT, 0);
	vt_bo_create(&z, fd2, 64 * KIB, VSVM_GEM_DOMAIN_GTT, 0);

	for (round = 0; round < 4; round++) {
		uint32_t qa = q[round % 2], qb = q[(round + 1) % 2];
		uint64_t value = 0x1000 + round;
		struct drm_vsvm_sync sb[2];
		uint32_t sa, other;
		int sf;

		igt_debug("round %d: fill on queue %u, copy on queue %u\n", round, qa, qb);
		sa = vt_dispatch_signal(fd, qa, VSVM_KERNEL_FILL, n, (uint64_t[6]){ x.va, value });
		sb[0] = (struct drm_vsvm_sync){ .handle = sa };
		sb[1] = (struct drm_vsvm_sync){ .handle = vt_syncobj(fd, 0), .flags = VSVM_SYNC_SIGNAL };
		igt_assert_eq(vsvm_dispatch(fd, qb, VSVM_KERNEL_COPY, n,
					    (uint64_t[6]){ y.va, x.va }, sb, 2), 0);

		/* the other file waits through a sync_file */
		igt_assert_eq(vsvm_syncobj_export_sync_file(fd, sa, &sf), 0);
		other = vt_syncobj(fd2, 0);
		igt_assert_eq(vsvm_syncobj_import_sync_file(fd2, other, sf), 0);
		close(sf);
		{
			struct drm_vsvm_sync so[2] = {
				{ .handle = other },
				{ .handle = vt_syncobj(fd2, 0), .flags = VSVM_SYNC_SIGNAL },
			};

			igt_assert_eq(vsvm_dispatch(fd2, q2, VSVM_KERNEL_FILL, 64 * KIB / 8,
						    (uint64_t[6]){ z.va, value }, so, 2), 0);
			igt_assert_eq(vt_fence_wait_status(fd2, so[1].handle), 1);
			/* it completed, so the fill it waited for had completed */
			igt_assert_eq(vt_fence_status(fd, sa), 1);
			vt_check_value(z.map, 64 * KIB / 8, value, "other file's object");
			vt_syncobj_destroy(fd2, so[1].handle);
		}

		igt_assert_eq(vt_fence_wait_status(fd, sb[1].handle), 1);
		vt_check_value(y.map, n, value, "copy made after the fill");
		vt_syncobj_destroy(fd, sa);
		vt_syncobj_destroy(fd, sb[1].handle);
		vt_syncobj_destroy(fd2, other);
	}
	vt_bo_destroy(&x);
	vt_bo_destroy(&y);
	vt_bo_destroy(&z);
	vt_queue_destroy(fd, q[0]);
	vt_queue_destroy(fd, q[1]);
	vt_queue_destroy(fd2, q2);
	vsvm_close(fd);
	vsvm_close(fd2);
}

/* ---- fence-cross-gpu ------------------------------------------------------------------------- */

static void test_fence_cross_gpu(void)
{
	const uint64_t n = BIG_SIZE / 8;
	int a, b, i, j, sf;

	igt_require_f(num_gpus >= 2, "needs two GPUs\n");
	for (i = 0; i < num_gpus; i++) {
		for (j = 0; j < num_gpus; j++) {
			struct vt_bo x, y;
			uint32_t qa, qb, sa, hb;
			struct drm_vsvm_sync sync[2];

			if (i == j)
				continue;
			a = vt_open(paths[i]);
			b = vt_open(paths[j]);
			qa = vt_queue_create(a, 0);
			qb = vt_queue_create(b, 0);
			vt_bo_create(&x, a, BIG_SIZE, VSVM_GEM_DOMAIN_VRAM, 0);
			vt_bo_create(&y, b, 64 * KIB, VSVM_GEM_DOMAIN_VRAM, 0);

			sa = vt_dispatch_signal(a, qa, VSVM_KERNEL_FILL, n, (uint64_t[6]){ x.va, i });
			igt_assert_eq(vsvm_syncobj_export_sync_file(a, sa, &sf), 0);
			hb = vt_syncobj(b, 0);
			igt_assert_eq(vsvm_syncobj_import_sync_file(b, hb, sf), 0);
			close(sf);
			sync[0] = (struct drm_vsvm_sync){ .handle = hb };
			sync[1] = (struct drm_vsvm_sync){ .handle = vt_syncobj(b, 0),
							  .flags = VSVM_SYNC_SIGNAL };
			igt_assert_eq(vsvm_dispatch(b, qb, VSVM_KERNEL_FILL, 64 * KIB / 8,
						    (uint64_t[6]){ y.va, j }, sync, 2), 0);
			igt_assert_eq(vt_fence_wait_status(b, sync[1].handle), 1);
			igt_assert_eq(vt_fence_status(a, sa), 1);
			vt_check_value(y.map, 64 * KIB / 8, j, "waiting GPU's object");
			igt_assert_eq(vt_fence_wait_status(a, sa), 1);
			vt_check_value(x.map, n, i, "signalling GPU's object");

			vt_syncobj_destroy(a, sa);
			vt_syncobj_destroy(b, hb);
			vt_syncobj_destroy(b, sync[1].handle);
			vt_bo_destroy(&x);
			vt_bo_destroy(&y);
			vt_queue_destroy(a, qa);
			vt_queue_destroy(b, qb);
			vsvm_close(a);
			vsvm_close(b);
		}
	}
}

/* ---- in-fence-sw-sync ----------------------------------------------------------------------- */

static void test_in_fence_sw_sync(void)
{
	const uint64_t n = 64 * KIB / 8;
	int fd, tl;
	uint32_t q, q2, gate, s1, s2;
	struct drm_vsvm_sync sync[2];
	struct vt_bo x, y, z;

	vt_require_sw_sync();
	fd = vt_open(paths[0]);
	q = vt_queue_create(fd, 0);
	q2 = vt_queue_create(fd, 0);
	vt_bo_create(&x, fd, 64 * KIB, VSVM_GEM_DOMAIN_VRAM, 0);
	vt_bo_create(&y, fd, 64 * KIB, VSVM_GEM_DOMAIN_GTT, 0);
	vt_bo_create(&z, fd, 64 * KIB, VSVM_GEM_DOMAIN_GTT, 0);
	tl = vt_sw_sync_timeline();
	gate = vt_syncobj_sw_sync(fd, tl, 1);

	sync[0] = (struct drm_vsvm_sync){ .handle = gate };
	sync[1] = (struct drm_vsvm_sync){ .handle = vt_syncobj(fd, 0), .flags = VSVM_SYNC_SIGNAL };
	s1 = sync[1].handle;
	igt_assert_eq(vsvm_dispatch(fd, q, VSVM_KERNEL_FILL, n, (uint64_t[6]){ x.va, 0xaa }, sync, 2),
		      0);
	/* queued behind it on the same queue, without a wait of its own */
	s2 = vt_dispatch_signal(fd, q, VSVM_KERNEL_FILL, n, (uint64_t[6]){ y.va, 0xbb });

	/* another queue runs meanwhile */
	vt_run(fd, q2, VSVM_KERNEL_FILL, n, (uint64_t[6]){ z.va, 0xcc });
	vt_check_value(z.map, n, 0xcc, "other queue's object");

	igt_assert_eq(vt_syncobj_wait(fd, s1, HOLD_MS), -ETIME);
	igt_assert_eq(vt_fence_status(fd, s1), 0);
	igt_assert_eq(vt_fence_status(fd, s2), 0);
	vt_check_value(x.map, n, 0, "object of the held dispatch");
	vt_check_value(y.map, n, 0, "object of the dispatch behind it");
	vt_wait_completed(fd, q, 0);

	vt_sw_sync_inc(tl, 1);
	igt_assert_eq(vt_fence_wait_status(fd, s1), 1);
	igt_assert_eq(vt_fence_wait_status(fd, s2), 1);
	vt_check_value(x.map, n, 0xaa, "object of the released dispatch");
	vt_check_value(y.map, n, 0xbb, "object of the dispatch behind it");
	vt_wait_completed(fd, q, 2);

	close(tl);
	vt_syncobj_destroy(fd, gate);
	vt_syncobj_destroy(fd, s1);
	vt_syncobj_destroy(fd, s2);
	vt_bo_destroy(&x);
	vt_bo_destroy(&y);
	vt_bo_destroy(&z);
	vt_queue_destroy(fd, q);
	vt_queue_destroy(fd, q2);
	vsvm_close(fd);
}

/* ---- timeline ------------------------------------------------------------------------------- */

static void dispatch_tl(int fd, uint32_t q, uint32_t kernel, uint64_t grid, const uint64_t *args,
			uint32_t tl, uint64_t wait_point, uint64_t signal_point)
{
	struct drm_vsvm_sync s[2];
	unsigned int n = 0;

	if (wait_point)
		s[n++] = (struct drm_vsvm_sync){ .handle = tl, .point = wait_point };
	s[n++] = (struct drm_vsvm_sync){ .handle = tl, .flags = VSVM_SYNC_SIGNAL,
					 .point = signal_point };
	igt_assert_eq(vsvm_dispatch(fd, q, kernel, grid, args, s, n), 0);
}

static int tl_wait(int fd, uint32_t tl, uint64_t point, int timeout_ms)
{
	return vsvm_syncobj_timeline_wait(fd, &tl, &point, 1,
					  vsvm_abs_timeout_ns(timeout_ms * 1000000LL), 0);
}

static void test_timeline(void)
{
	const uint64_t n = BIG_SIZE / 8;
	uint32_t q[2], tl, bin;
	struct vt_bo x, y, z;
	uint64_t point, p5 = 5;
	int fd, swtl, fence;

	vt_require_sw_sync();
	fd = vt_open(paths[0]);
	q[0] = vt_queue_create(fd, 0);
	q[1] = vt_queue_create(fd, 0);
	vt_bo_create(&x, fd, BIG_SIZE, VSVM_GEM_DOMAIN_VRAM, 0);
	vt_bo_create(&y, fd, BIG_SIZE, VSVM_GEM_DOMAIN_GTT, 0);
	vt_bo_create(&z, fd, BIG_SIZE, VSVM_GEM_DOMAIN_VRAM, 0);
	tl = vt_syncobj(fd, 0);

	/* 1: fill x on queue 0; 2: copy x to y on queue 1; 3: copy y to z on queue 0 */
	dispatch_tl(fd, q[0], VSVM_KERNEL_FILL, n, (uint64_t[6]){ x.va, 0x7111 }, tl, 0, 1);
	dispatch_tl(fd, q[1], VSVM_KERNEL_COPY, n, (uint64_t[6]){ y.va, x.va }, tl, 1, 2);
	dispatch_tl(fd, q[0], VSVM_KERNEL_COPY, n, (uint64_t[6]){ z.va, y.va }, tl, 2, 3);
	igt_assert_eq(tl_wait(fd, tl, 3, VT_DISPATCH_TIMEOUT_MS), 0);
	vt_check_value(z.map, n, 0x7111, "end of the timeline chain");
	vt_check_value(y.map, n, 0x7111, "middle of the timeline chain");
	igt_assert_eq(vsvm_syncobj_query(fd, &tl, &point, 1), 0);
	igt_assert_eq_u64(point, 3);

	/* 4: a pending sw_sync fence moved into the timeline */
	swtl = vt_sw_sync_timeline();
	bin = vt_syncobj(fd, 0);
	fence = vt_sw_sync_fence(swtl, 1);
	igt_assert_eq(vsvm_syncobj_import_sync_file(fd, bin, fence), 0);
	close(fence);
	igt_assert_eq(drmSyncobjTransfer(fd, tl, 4, bin, 0, 0), 0);
	/* 5: waits on 4 */
	dispatch_tl(fd, q[1], VSVM_KERNEL_FILL, 64 * KIB / 8, (uint64_t[6]){ x.va, 0x7222 }, tl, 4, 5);
	igt_assert_eq(tl_wait(fd, tl, 5, HOLD_MS), -ETIME);
	igt_assert_eq_u64(x.map[0], 0x7111);
	vt_sw_sync_inc(swtl, 1);
	igt_assert_eq(tl_wait(fd, tl, 5, VT_DISPATCH_TIMEOUT_MS), 0);
	vt_check_value(x.map, 64 * KIB / 8, 0x7222, "fill released by the CPU");

	/* 6 signalled by the CPU: a wait on it does not hold the dispatch */
	point = 6;
	igt_assert_eq(vsvm_syncobj_timeline_signal(fd, &tl, &point, 1), 0);
	dispatch_tl(fd, q[0], VSVM_KERNEL_FILL, 64 * KIB / 8, (uint64_t[6]){ x.va, 0x7333 }, tl, 6, 7);
	igt_assert_eq(tl_wait(fd, tl, 7, VT_DISPATCH_TIMEOUT_MS), 0);
	vt_check_value(x.map, 64 * KIB / 8, 0x7333, "fill after a CPU-signalled point");
	/* an earlier, signalled point does not hold either */
	dispatch_tl(fd, q[1], VSVM_KERNEL_FILL, 64 * KIB / 8, (uint64_t[6]){ x.va, 0x7444 }, tl, 2, 8);
	igt_assert_eq(tl_wait(fd, tl, 8, VT_DISPATCH_TIMEOUT_MS), 0);
	vt_check_value(x.map, 64 * KIB / 8, 0x7444, "fill after an old point");
	igt_assert_eq(vsvm_syncobj_timeline_wait(fd, &tl, &p5, 1, 0, 0), 0);
	vt_wait_completed(fd, q[0], 3);
	vt_wait_completed(fd, q[1], 3);

	close(swtl);
	vt_syncobj_destroy(fd, bin);
	vt_syncobj_destroy(fd, tl);
	vt_bo_destroy(&x);
	vt_bo_destroy(&y);
	vt_bo_destroy(&z);
	vt_queue_destroy(fd, q[0]);
	vt_queue_destroy(fd, q[1]);
	vsvm_close(fd);
}

/* ---- signalled-in-fence ---------------------------------------------------------------------- */

static void test_signalled_in_fence(void)
{
	struct kctx k;
	struct vt_bo x;
	struct drm_vsvm_sync s[4];
	uint32_t cpu;

	kctx_init(&k, VSVM_GEM_DOMAIN_VRAM);
	vt_bo_create(&x, k.fd, 64 * KIB, VSVM_GEM_DOMAIN_VRAM, 0);
	cpu = vt_syncobj(k.fd, 0);
	igt_assert_eq(vsvm_syncobj_signal(k.fd, &cpu, 1), 0);
	s[0] = (struct drm_vsvm_sync){ .handle = vt_syncobj(k.fd, DRM_SYNCOBJ_CREATE_SIGNALED) };
	s[1] = (struct drm_vsvm_sync){ .handle = cpu };
	s[2] = (struct drm_vsvm_sync){ .handle = cpu };
	s[3] = (struct drm_vsvm_sync){ .handle = vt_syncobj(k.fd, 0), .flags = VSVM_SYNC_SIGNAL };
	igt_assert_eq(vsvm_dispatch(k.fd, k.q, VSVM_KERNEL_FILL, 64 * KIB / 8,
				    (uint64_t[6]){ x.va, 4 }, s, 4), 0);
	igt_assert_eq(vt_fence_wait_status(k.fd, s[3].handle), 1);
	vt_check_value(x.map, 64 * KIB / 8, 4, "filled");
	vt_syncobj_destroy(k.fd, s[0].handle);
	vt_syncobj_destroy(k.fd, cpu);
	vt_syncobj_destroy(k.fd, s[3].handle);
	vt_bo_destroy(&x);
	kctx_fini(&k);
}

/* ---- wait-no-fence --------------------------------------------------------------------------- */

static void test_wait_no_fence(void)
{
	struct kctx k;
	struct vt_bo x;
	struct drm_vsvm_sync s[2];
	uint32_t empty, tl, out;
	uint64_t point = 1;

	kctx_init(&k, VSVM_GEM_DOMAIN_GTT);
	vt_bo_create(&x, k.fd, 64 * KIB, VSVM_GEM_DOMAIN_GTT, 0);
	empty = vt_syncobj(k.fd, 0);
	tl = vt_syncobj(k.fd, 0);
	igt_assert_eq(vsvm_syncobj_timeline_signal(k.fd, &tl, &point, 1), 0);
	out = vt_syncobj(k.fd, 0);

	s[0] = (struct drm_vsvm_sync){ .handle = empty };
	s[1] = (struct drm_vsvm_sync){ .handle = out, .flags = VSVM_SYNC_SIGNAL };
	igt_assert_eq(vsvm_dispatch(k.fd, k.q, VSVM_KERNEL_FILL, 64 * KIB / 8,
				    (uint64_t[6]){ x.va, 1 }, s, 2), -EINVAL);
	s[0] = (struct drm_vsvm_sync){ .handle = tl, .point = 2 };
	igt_assert_eq(vsvm_dispatch(k.fd, k.q, VSVM_KERNEL_FILL, 64 * KIB / 8,
				    (uint64_t[6]){ x.va, 1 }, s, 2), -EINVAL);

	/* nothing ran, nothing was signalled, and the queue works */
	igt_assert_eq(vsvm_syncobj_wait(k.fd, &out, 1, 0, 0), -EINVAL);
	vt_check_value(x.map, 64 * KIB / 8, 0, "object of the rejected dispatches");
	vt_wait_completed(k.fd, k.q, 0);
	s[0] = (struct drm_vsvm_sync){ .handle = tl, .point = 1 };
	igt_assert_eq(vsvm_dispatch(k.fd, k.q, VSVM_KERNEL_FILL, 64 * KIB / 8,
				    (uint64_t[6]){ x.va, 2 }, s, 2), 0);
	igt_assert_eq(vt_fence_wait_status(k.fd, out), 1);
	vt_check_value(x.map, 64 * KIB / 8, 2, "object of the accepted dispatch");

	vt_syncobj_destroy(k.fd, empty);
	vt_syncobj_destroy(k.fd, tl);
	vt_syncobj_destroy(k.fd, out);
	vt_bo_destroy(&x);
	kctx_fini(&k);
}

/* ---- many-syncs ----------------------------------------------------------------------------- */

static void test_many_syncs(void)
{
	struct drm_vsvm_sync s[VSVM_MAX_SYNCS];
	uint32_t tl;
	struct kctx k;
	struct vt_bo x;
	int i;

	kctx_init(&k, VSVM_GEM_DOMAIN_VRAM);
	vt_bo_create(&x, k.fd, 64 * KIB, VSVM_GEM_DOMAIN_VRAM, 0);
	tl = vt_syncobj(k.fd, 0);
	for (i = 0; i < VSVM_MAX_SYNCS; i++) {
		if (i < VSVM_MAX_SYNCS / 4)
			s[i] = (struct drm_vsvm_sync){
				.handle = vt_syncobj(k.fd, DRM_SYNCOBJ_CREATE_SIGNALED) };
		else if (i < VSVM_MAX_SYNCS - 8)
			s[i] = (struct drm_vsvm_sync){ .handle = vt_syncobj(k.fd, 0),
						       .flags = VSVM_SYNC_SIGNAL };
		else
			s[i] = (struct drm_vsvm_sync){ .handle = tl, .flags = VSVM_SYNC_SIGNAL,
						       .point = 10 + i };
	}
	igt_assert_eq(vsvm_dispatch(k.fd, k.q, VSVM_KERNEL_FILL, 64 * KIB / 8,
				    (uint64_t[6]){ x.va, 64 }, s, VSVM_MAX_SYNCS), 0);
	for (i = VSVM_MAX_SYNCS / 4; i < VSVM_MAX_SYNCS - 8; i++)
		igt_assert_eq(vt_fence_wait_status(k.fd, s[i].handle), 1);
	igt_assert_eq(tl_wait(k.fd, tl, 10 + VSVM_MAX_SYNCS - 1, VT_DISPATCH_TIMEOUT_MS), 0);
	vt_check_value(x.map, 64 * KIB / 8, 64, "filled");
	for (i = 0; i < VSVM_MAX_SYNCS - 8; i++)
		vt_syncobj_destroy(k.fd, s[i].handle);
	vt_syncobj_destroy(k.fd, tl);
	vt_bo_destroy(&x);
	kctx_fini(&k);
}

/* ---- multi-queue and all-gpus ---------------------------------------------------------------- */

#define CHAIN_SIZE (256 * KIB)
#define CHAIN_N (CHAIN_SIZE / 8)
#define CHAIN_ROUNDS 4

struct chain_worker {
	pthread_t thread;
	int fd;
	uint64_t seed;
};

/*
 * One queue, its own data: per round the CPU writes a pattern to a GTT
 * object; then without waiting: copy to VRAM, verify it there, triad into
 * another VRAM object, checksum that; one wait at the end; all checked.
 */
static void chain_run(int fd, uint64_t seed)
{
	uint32_t q = vt_queue_create(fd, (seed & 1) ? VSVM_QUEUE_NO_RETRY : 0);
	struct vt_bo g, v, a, res;
	int round;

	vt_bo_create(&g, fd, CHAIN_SIZE, VSVM_GEM_DOMAIN_GTT, 0);
	vt_bo_create(&v, fd, CHAIN_SIZE, VSVM_GEM_DOMAIN_VRAM, 0);
	vt_bo_create(&a, fd, CHAIN_SIZE, VSVM_GEM_DOMAIN_VRAM, 0);
	vt_bo_create(&res, fd, VT_PAGE_SIZE, VSVM_GEM_DOMAIN_GTT, 0);

	for (round = 0; round < CHAIN_ROUNDS; round++) {
		uint64_t s = seed * 1000 + round, step = seed | 1, sum = 0, i;
		uint32_t done;

		vt_fill_pattern(g.map, CHAIN_N, s, step);
		res.map[0] = res.map[1] = SENTINEL;
		igt_assert_eq(vsvm_dispatch(fd, q, VSVM_KERNEL_COPY, CHAIN_N,
					    (uint64_t[6]){ v.va, g.va }, NULL, 0), 0);
		igt_assert_eq(vsvm_dispatch(fd, q, VSVM_KERNEL_VERIFY, CHAIN_N,
					    (uint64_t[6]){ v.va, s, step, vt_bo_va(&res, 0) }, NULL, 0),
			      0);
		igt_assert_eq(vsvm_dispatch(fd, q, VSVM_KERNEL_TRIAD, CHAIN_N,
					    (uint64_t[6]){ a.va, v.va, g.va, 3 }, NULL, 0), 0);
		done = vt_dispatch_signal(fd, q, VSVM_KERNEL_CHECKSUM, CHAIN_N,
					  (uint64_t[6]){ a.va, vt_bo_va(&res, 1) });
		igt_assert_eq(vt_fence_wait_status(fd, done), 1);
		vt_syncobj_destroy(fd, done);

		for (i = 0; i < CHAIN_N; i++) {
			uint64_t x = s + i * step;

			igt_assert_eq_u64(a.map[i], x + 3 * x);
			sum += 4 * x;
		}
		vt_check_pattern(v.map, CHAIN_N, s, step, "copy in VRAM");
		igt_assert_eq_u64(res.map[0], 0);
		igt_assert_eq_u64(res.map[1], sum);
	}
	vt_wait_completed(fd, q, 4 * CHAIN_ROUNDS);
	vt_bo_destroy(&g);
	vt_bo_destroy(&v);
	vt_bo_destroy(&a);
	vt_bo_destroy(&res);
	vt_queue_destroy(fd, q);
}

static void *chain_thread(void *arg)
{
	struct chain_worker *w = arg;

	chain_run(w->fd, w->seed);
	return NULL;
}

static void run_chain_threads(int fd, int nthreads, uint64_t seed)
{
	struct chain_worker w[8];
	int i;

	igt_assert_lte(nthreads, (int)ARRAY_SIZE(w));
	for (i = 0; i < nthreads; i++) {
		w[i].fd = fd;
		w[i].seed = seed + i;
		igt_assert_eq(pthread_create(&w[i].thread, NULL, chain_thread, &w[i]), 0);
	}
	for (i = 0; i < nthreads; i++)
		igt_assert_eq(pthread_join(w[i].thread, NULL), 0);
}

static void test_multi_queue(void)
{
	int fd = vt_open(paths[0]);

	run_chain_threads(fd, 4, 100);
	vsvm_close(fd);
}

static void test_all_gpus(void)
{
	igt_fork(child, 2 * num_gpus) {
		int fd = vt_open(paths[child / 2]);

		run_chain_threads(fd, 2, 1000 + 10 * child);
		vsvm_close(fd);
	}
	igt_waitchildren();
}

/* ---- grid-limits ----------------------------------------------------------------------------- */

static void test_grid_limits(void)
{
	struct kctx k;
	struct vt_bo x;
	struct drm_vsvm_queue_status st;
	uint64_t unbound = vt_va_alloc(VT_HUGE_SIZE);
	uint32_t nr, s;

	kctx_init(&k, VSVM_GEM_DOMAIN_VRAM);
	vt_bo_create(&x, k.fd, VT_PAGE_SIZE, VSVM_GEM_DOMAIN_VRAM, 0);
	vt_run(k.fd, k.q, VSVM_KERNEL_FILL, 1, (uint64_t[6]){ x.va, 1 });
	igt_assert_eq_u64(x.map[0], 1);
	igt_assert_eq_u64(x.map[1], 0);
	igt_assert_eq(vsvm_dispatch(k.fd, k.q, VSVM_KERNEL_FILL, 0, (uint64_t[6]){ x.va, 1 }, NULL, 0),
		      -EINVAL);
	igt_assert_eq(vsvm_dispatch(k.fd, k.q, VSVM_KERNEL_FILL, VSVM_MAX_GRID + 1,
				    (uint64_t[6]){ x.va, 1 }, NULL, 0), -EINVAL);

	/* the largest grid is accepted; at an unbound VA it faults at once */
	nr = vt_queue_create(k.fd, VSVM_QUEUE_NO_RETRY);
	s = vt_dispatch_signal(k.fd, nr, VSVM_KERNEL_FILL, VSVM_MAX_GRID,
			       (uint64_t[6]){ unbound, 1 });
	igt_assert_eq(vt_fence_wait_status(k.fd, s), -EFAULT);
	vt_queue_status(k.fd, nr, &st);
	igt_assert_eq_u32(st.state, VSVM_QUEUE_STATE_FAULTED);
	igt_assert_eq_u64(st.completed, 0);
	vt_syncobj_destroy(k.fd, s);
	vt_queue_destroy(k.fd, nr);

	vt_bo_destroy(&x);
	kctx_fini(&k);
}

/* ---- bad-args -------------------------------------------------------------------------------- */

/* which args of each kernel are addresses */
static const uint8_t address_args[][4] = {
	[VSVM_KERNEL_FILL] = { 0, 0xff },
	[VSVM_KERNEL_COPY] = { 0, 1, 0xff },
	[VSVM_KERNEL_CHECKSUM] = { 0, 1, 0xff },
	[VSVM_KERNEL_VERIFY] = { 0, 3, 0xff },
	[VSVM_KERNEL_ATOMIC_ADD] = { 0, 0xff },
	[VSVM_KERNEL_POINTER_CHASE] = { 0, 2, 0xff },
	[VSVM_KERNEL_GATHER] = { 0, 1, 2, 0xff },
	[VSVM_KERNEL_SCATTER] = { 0, 1, 2, 0xff },
	[VSVM_KERNEL_TRIAD] = { 0, 1, 2, 0xff },
	[VSVM_KERNEL_PROGRAM] = { 0, 1, 0xff },
	[VSVM_KERNEL_BFS_LEVEL] = { 0, 1, 3, 0xff },
};

static int dispatch_raw(int fd, struct drm_vsvm_dispatch *d)
{
	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_DISPATCH, d);
}

static void test_bad_args(void)
{
	int g;

	for (g = 0; g < num_gpus; g++) {
		int fd = vt_open(paths[g]);
		uint32_t q = vt_queue_create(fd, 0), dead = vt_queue_create(fd, 0);
		uint32_t out = vt_syncobj(fd, 0), sig = vt_syncobj(fd, DRM_SYNCOBJ_CREATE_SIGNALED);
		struct drm_vsvm_sync syncs[VSVM_MAX_SYNCS + 1], bad;
		struct drm_vsvm_dispatch d, good;
		struct vt_bo x;
		uint32_t kernel;
		unsigned int i;

		vt_bo_create(&x, fd, 64 * KIB, VSVM_GEM_DOMAIN_GTT, 0);
		vt_queue_destroy(fd, dead);
		/* a valid FILL of x with 1 that signals @out */
		bad = (struct drm_vsvm_sync){ .handle = out, .flags = VSVM_SYNC_SIGNAL };
		good = (struct drm_vsvm_dispatch){
			.queue_id = q, .kernel = VSVM_KERNEL_FILL, .grid = 16,
			.args = { x.va, 1 }, .syncs = (uintptr_t)&bad, .num_syncs = 1,
		};

		d = good; d.queue_id = 0;
		igt_assert_eq(dispatch_raw(fd, &d), -ENOENT);
		d = good; d.queue_id = q + 1000;
		igt_assert_eq(dispatch_raw(fd, &d), -ENOENT);
		d = good; d.queue_id = dead;
		igt_assert_eq(dispatch_raw(fd, &d), -ENOENT);
		d = good; d.kernel = VSVM_KERNEL_BFS_LEVEL + 1;
		igt_assert_eq(dispatch_raw(fd, &d), -EINVAL);
		d = good; d.kernel = ~0U;
		igt_assert_eq(dispatch_raw(fd, &d), -EINVAL);
		d = good; d.grid = 0;
		igt_assert_eq(dispatch_raw(fd, &d), -EINVAL);
		d = good; d.grid = VSVM_MAX_GRID + 1;
		igt_assert_eq(dispatch_raw(fd, &d), -EINVAL);
		d = good; d.grid = ~0ULL;
		igt_assert_eq(dispatch_raw(fd, &d), -EINVAL);
		d = good; d.flags = 1;
		igt_assert_eq(dispatch_raw(fd, &d), -EINVAL);
		d = good; d.flags = 0x80000000;
		igt_assert_eq(dispatch_raw(fd, &d), -EINVAL);

		/* POINTER_CHASE runs one work item */
		d = good;
		d.kernel = VSVM_KERNEL_POINTER_CHASE;
		d.args[0] = x.va;
		d.args[1] = 1;
		d.args[2] = x.va + 8;
		d.grid = 2;
		igt_assert_eq(dispatch_raw(fd, &d), -EINVAL);
		d.grid = VSVM_MAX_GRID;
		igt_assert_eq(dispatch_raw(fd, &d), -EINVAL);

		/* each address argument of each kernel, 4 and 1 bytes off */
		for (kernel = 0; kernel < ARRAY_SIZE(address_args); kernel++) {
			for (i = 0; address_args[kernel][i] != 0xff; i++) {
				int a = address_args[kernel][i], off;

				for (off = 1; off <= 4; off += 3) {
					int j;

					d = good;
					d.kernel = kernel;
					d.grid = 1;
					for (j = 0; j < VSVM_DISPATCH_ARGS; j++)
						d.args[j] = 2;
					for (j = 0; address_args[kernel][j] != 0xff; j++)
						d.args[address_args[kernel][j]] = x.va + 64 * j;
					d.args[a] += off;
					igt_assert_f(dispatch_raw(fd, &d) == -EINVAL,
						     "%s with args[%d] %d bytes off not rejected with EINVAL\n",
						     vsvm_kernel_name(kernel), a, off);
				}
			}
		}

		/* syncs */
		for (i = 0; i <= VSVM_MAX_SYNCS; i++)
			syncs[i] = (struct drm_vsvm_sync){ .handle = i % 2 ? sig : out,
							   .flags = i % 2 ? 0 : VSVM_SYNC_SIGNAL };
		d = good; d.syncs = (uintptr_t)syncs; d.num_syncs = VSVM_MAX_SYNCS + 1;
		igt_assert_eq(dispatch_raw(fd, &d), -EINVAL);
		d.num_syncs = ~0U;
		igt_assert_eq(dispatch_raw(fd, &d), -EINVAL);
		d = good; d.syncs = 0;
		igt_assert_eq(dispatch_raw(fd, &d), -EFAULT);
		d = good; d.syncs = (uintptr_t)MAP_FAILED & ~7ULL;
		igt_assert_eq(dispatch_raw(fd, &d), -EFAULT);
		{
			static const uint32_t bad_flags[] = { 0x2, 0x80000000, ~0U };

			for (i = 0; i < ARRAY_SIZE(bad_flags); i++) {
				syncs[0] = (struct drm_vsvm_sync){ .handle = out,
								   .flags = bad_flags[i] };
				d = good; d.syncs = (uintptr_t)syncs; d.num_syncs = 1;
				igt_assert_eq(dispatch_raw(fd, &d), -EINVAL);
			}
		}
		/* unknown syncobjs, to wait on or to signal, next to a valid signal */
		syncs[0] = (struct drm_vsvm_sync){ .handle = out, .flags = VSVM_SYNC_SIGNAL };
		for (i = 0; i < 4; i++) {
			uint32_t h = i < 2 ? 0 : out + sig + 100;

			syncs[1] = (struct drm_vsvm_sync){ .handle = h,
							   .flags = i % 2 ? VSVM_SYNC_SIGNAL : 0 };
			d = good; d.syncs = (uintptr_t)syncs; d.num_syncs = 2;
			igt_assert_f(dispatch_raw(fd, &d) == -ENOENT,
				     "%s of syncobj %u not rejected with ENOENT\n",
				     i % 2 ? "signal" : "wait", h);
		}

		/* nothing ran, nothing was signalled */
		vt_check_value(x.map, vt_bo_elems(&x), 0, "object of the rejected dispatches");
		igt_assert_eq(vsvm_syncobj_wait(fd, &out, 1, 0, 0), -EINVAL);
		vt_wait_completed(fd, q, 0);

		/* the valid dispatch works */
		d = good;
		igt_assert_eq(dispatch_raw(fd, &d), 0);
		igt_assert_eq(vt_fence_wait_status(fd, out), 1);
		vt_check_value(x.map, 16, 1, "object of the valid dispatch");
		igt_assert_eq_u64(x.map[16], 0);

		vt_bo_destroy(&x);
		vt_syncobj_destroy(fd, out);
		vt_syncobj_destroy(fd, sig);
		vt_queue_destroy(fd, q);
		vsvm_close(fd);
	}
}

igt_main
{
	static unsigned int t, d;

	igt_fixture
		num_gpus = vt_require_gpus(paths, MAX_GPUS, 1);

	for (t = 0; t < ARRAY_SIZE(kernel_tests); t++) {
		for (d = 0; d < ARRAY_SIZE(domains); d++) {
			igt_describe_f("The %s kernel on %s objects, checked by the CPU.",
				       kernel_tests[t].name, vt_domain_name(domains[d]));
			igt_subtest_f("%s-%s", kernel_tests[t].name, vt_domain_name(domains[d])) {
				struct kctx k;

				igt_set_timeout(SUBTEST_TIMEOUT, "kernel");
				kctx_init(&k, domains[d]);
				kernel_tests[t].fn(&k);
				kctx_fini(&k);
			}
		}
	}

	igt_describe("Kernels with buffers in VRAM and GTT at once.");
	igt_subtest("mixed-domains") {
		igt_set_timeout(SUBTEST_TIMEOUT, "mixed-domains");
		test_mixed_domains();
	}

	igt_describe("Dispatches on one queue run in order.");
	igt_subtest("in-order") {
		igt_set_timeout(SUBTEST_TIMEOUT, "in-order");
		test_in_order();
	}

	igt_describe("A dispatch signals all its signal syncobjs.");
	igt_subtest("out-fence") {
		igt_set_timeout(SUBTEST_TIMEOUT, "out-fence");
		test_out_fence();
	}

	igt_describe("A dispatch waiting on another's out-fence sees its data.");
	igt_subtest("fence-chain") {
		igt_set_timeout(SUBTEST_TIMEOUT, "fence-chain");
		test_fence_chain();
	}

	igt_describe("Out-fences of one GPU hold dispatches of another.");
	igt_subtest("fence-cross-gpu") {
		igt_set_timeout(SUBTEST_TIMEOUT, "fence-cross-gpu");
		test_fence_cross_gpu();
	}

	igt_describe("A pending sw_sync in-fence holds a dispatch until the CPU signals it.");
	igt_subtest("in-fence-sw-sync") {
		igt_set_timeout(SUBTEST_TIMEOUT, "in-fence-sw-sync");
		test_in_fence_sw_sync();
	}

	igt_describe("Dispatches chained through timeline points.");
	igt_subtest("timeline") {
		igt_set_timeout(SUBTEST_TIMEOUT, "timeline");
		test_timeline();
	}

	igt_describe("Signalled in-fences do not hold a dispatch.");
	igt_subtest("signalled-in-fence") {
		igt_set_timeout(SUBTEST_TIMEOUT, "signalled-in-fence");
		test_signalled_in_fence();
	}

	igt_describe("Waits on syncobjs without a fence are rejected with EINVAL.");
	igt_subtest("wait-no-fence") {
		igt_set_timeout(SUBTEST_TIMEOUT, "wait-no-fence");
		test_wait_no_fence();
	}

	igt_describe("A dispatch with VSVM_MAX_SYNCS syncs.");
	igt_subtest("many-syncs") {
		igt_set_timeout(SUBTEST_TIMEOUT, "many-syncs");
		test_many_syncs();
	}

	igt_describe("Concurrent queues of one file, each with its own data.");
	igt_subtest("multi-queue") {
		igt_set_timeout(SUBTEST_TIMEOUT, "multi-queue");
		test_multi_queue();
	}

	igt_describe("Concurrent queues and files on every GPU.");
	igt_subtest("all-gpus") {
		igt_set_timeout(2 * SUBTEST_TIMEOUT, "all-gpus");
		test_all_gpus();
	}

	igt_describe("The smallest and largest grids are accepted, 0 and larger ones not.");
	igt_subtest("grid-limits") {
		igt_set_timeout(SUBTEST_TIMEOUT, "grid-limits");
		test_grid_limits();
	}

	igt_describe("DISPATCH rejects each bad field with its errno and runs nothing.");
	igt_subtest("bad-args") {
		igt_set_timeout(SUBTEST_TIMEOUT, "bad-args");
		test_bad_args();
	}
}
