// SPDX-License-Identifier: MIT
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * TEST: vsvm queue
 * Description: Compute queues of the classic vsvm GPU: QUEUE_CREATE,
 *              QUEUE_DESTROY and QUEUE_STATUS, the per-file queue limit, GPU
 *              faults (unbound VAs, writes to read-only bindings, unbound
 *              ranges; retry and no-retry queues) that stop a queue with its
 *              fault VA and access kind, hung dispatches that time out and
 *              reset their queue, and the teardown of busy queues by
 *              QUEUE_DESTROY and by closing the file.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: Compute
 * Functionality: compute queues
 * Feature: compute
 * Test category: uAPI
 *
 * SUBTEST: create-destroy
 * Description: Queues of both kinds get distinct non-zero ids and start
 *              ACTIVE with nothing completed; a destroyed id is unknown
 *              (ENOENT) to QUEUE_STATUS, QUEUE_DESTROY and DISPATCH.
 *
 * SUBTEST: bad-args
 * Description: QUEUE_CREATE rejects unknown flags, QUEUE_DESTROY a non-zero
 *              pad and QUEUE_STATUS non-zero flags with EINVAL; unknown ids
 *              fail with ENOENT; a rejected call changes nothing.
 *
 * SUBTEST: max-queues
 * Description: A file holds VSVM_MAX_QUEUES queues, all usable at once; one
 *              more fails with ENOSPC until one is destroyed; the limit is
 *              per file.
 *
 * SUBTEST: per-file
 * Description: Queue ids are per file: another file of the GPU does not know
 *              them, and closing one file leaves the other's queues working.
 *
 * SUBTEST: status-completed
 * Description: The completed counter of QUEUE_STATUS counts the dispatches
 *              that completed without error, per queue.
 *
 * SUBTEST: fault-unbound
 * Description: On a default (retry) queue, a write (FILL), a read (COPY
 *              source) and an atomic (ATOMIC_ADD) at an unbound VA fault:
 *              the fence signals EFAULT, QUEUE_STATUS reports FAULTED with
 *              the VA and the access kind and keeps the completed count, and
 *              later dispatches fail with ECANCELED; a larger grid reports a
 *              VA in the unbound range.
 *
 * SUBTEST: fault-unbound-no-retry
 * Description: As fault-unbound, on VSVM_QUEUE_NO_RETRY queues.
 *
 * SUBTEST: fault-read-only
 * Description: On a default queue, a read-only binding is read by CHECKSUM
 *              and COPY, but FILL, COPY into it and ATOMIC_ADD on it fault
 *              with its VA and access WRITE (ATOMIC for the atomic); the
 *              object keeps its content.
 *
 * SUBTEST: fault-read-only-no-retry
 * Description: As fault-read-only, on VSVM_QUEUE_NO_RETRY queues.
 *
 * SUBTEST: fault-after-unbind
 * Description: Once a range is unbound, a dispatch that used it faults at
 *              its VA and leaves the object untouched; binding it again makes
 *              it work on a new queue.
 *
 * SUBTEST: fault-partial
 * Description: A FILL running off the end of a binding faults at a VA in the
 *              unbound part, with access WRITE.
 *
 * SUBTEST: fault-cancels-pending
 * Description: Dispatches queued behind a faulting one never run: each
 *              either fails with ECANCELED at submission or its fence
 *              signals ECANCELED, and its data is untouched.
 *
 * SUBTEST: fault-isolation
 * Description: A fault stops only its queue: another queue of the file and
 *              a queue of another file keep working, before and after.
 *
 * SUBTEST: hang-timeout
 * Description: A POINTER_CHASE around a cycle with 2^40 steps, on a queue
 *              created with job_timeout_ms=1000, times out: its fence signals
 *              ETIME after at least the timeout, the queue is RESET, the
 *              dispatch queued behind it fails, later dispatches fail with
 *              ECANCELED; a queue created before keeps working meanwhile and
 *              afterwards.
 * Test requirement: writable /sys/module/vsvm/parameters/job_timeout_ms
 *
 * SUBTEST: destroy-busy
 * Description: QUEUE_DESTROY of a queue running a hung dispatch with more
 *              queued returns promptly; their fences signal with an error
 *              and a dispatch of another queue that waited on them
 *              completes.
 *
 * SUBTEST: close-busy
 * Description: Closing a file with a hung dispatch, a dispatch queued behind
 *              it, one waiting on its out-fence and one waiting on a pending
 *              sw_sync fence returns within seconds; the out-fences (kept as
 *              sync_files) signal, those that could not run with an error -
 *              the one held by sw_sync once the sw_sync timeline is closed;
 *              the module then unloads and loads again (when it can be
 *              reloaded).
 *
 * SUBTEST: fault-storm
 * Description: With num_cus=256 (the most), a GATHER of 256 waves reads 8
 *              pages of malloc'd memory each, mapped 4 KiB at a time
 *              (GRANULARITY 0), so that every compute unit stalls on a fault
 *              at once, again and again: the dispatch completes with every
 *              element right, the GPU posted a fault entry for at least every
 *              page and its interrupt ring dropped none (debugfs vsvm_hw
 *              ih_overflows). A driver that drains the ring slower than 256
 *              units fill it loses faults and hangs the waves they stall.
 * Test requirement: root, the vsvm module file, VSVM_CAP_SVM, debugfs
 */

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/sync_file.h>

#include "igt_core.h"
#include "vsvm_test.h"

IGT_TEST_DESCRIPTION("Compute queues, faults, timeouts and teardown of the vsvm GPU.");

#define MAX_GPUS VSVM_MAX_DEVICES
#define SUBTEST_TIMEOUT 120
#define KIB (1ULL << 10)
#define MSEC 1000000LL
/* a dispatch that never ends by itself: POINTER_CHASE around a cycle */
#define HANG_STEPS (1ULL << 40)
#define HANG_TIMEOUT_MS 1000
/* teardown of busy queues must not take longer */
#define PROMPT_MS 5000

static int num_gpus;
static char paths[MAX_GPUS][VSVM_PATH_MAX];

/* ---- helpers ---------------------------------------------------------------------------- */

static int64_t elapsed_ms(int64_t t0)
{
	return (vt_now_ns() - t0) / MSEC;
}

static int destroy_raw(int fd, uint32_t id, uint32_t pad)
{
	struct drm_vsvm_queue_destroy d = { .queue_id = id, .pad = pad };

	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_QUEUE_DESTROY, &d);
}

static int status_raw(int fd, uint32_t id, uint32_t flags, struct drm_vsvm_queue_status *st)
{
	memset(st, 0, sizeof(*st));
	st->queue_id = id;
	st->flags = flags;
	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_QUEUE_STATUS, st);
}

/* a small GTT object for dispatches that must work */
static void small_bo(struct vt_bo *bo, int fd)
{
	vt_bo_create(bo, fd, 64 * KIB, VSVM_GEM_DOMAIN_GTT, 0);
}

static void check_works(int fd, uint32_t q, struct vt_bo *bo, uint64_t value)
{
	vt_run(fd, q, VSVM_KERNEL_FILL, vt_bo_elems(bo), (uint64_t[6]){ bo->va, value });
	vt_check_value(bo->map, vt_bo_elems(bo), value, "object of a working queue");
}

static void check_active(int fd, uint32_t q, uint64_t completed)
{
	struct drm_vsvm_queue_status st;

	vt_queue_status(fd, q, &st);
	igt_assert_eq_u32(st.state, VSVM_QUEUE_STATE_ACTIVE);
	igt_assert_eq_u64(st.completed, completed);
}

/*
 * @q is FAULTED at a VA in [@lo, @hi) with @access (for an atomic, the
 * ATOMIC bit must be set), @completed dispatches completed, and refuses new
 * dispatches with ECANCELED without changing its status.
 */
static void check_faulted(int fd, uint32_t q, uint64_t lo, uint64_t hi, uint32_t access,
			  uint64_t completed, struct vt_bo *target)
{
	struct drm_vsvm_queue_status st, again;

	vt_check_queue_fault(fd, q, lo, hi, access, &st);
	igt_assert_eq_u64(st.completed, completed);

	igt_assert_eq(vsvm_dispatch(fd, q, VSVM_KERNEL_FILL, 1, (uint64_t[6]){ target->va, 1 },
				    NULL, 0), -ECANCELED);
	vt_queue_status(fd, q, &again);
	igt_assert(!memcmp(&st, &again, sizeof(st)));
}

/* Run @kernel on a new queue after one good dispatch; it must fault as described. */
static void expect_fault(int fd, uint32_t flags, uint32_t kernel, uint64_t grid,
			 const uint64_t *args, uint64_t lo, uint64_t hi, uint32_t access,
			 struct vt_bo *good)
{
	uint32_t q = vt_queue_create(fd, flags);

	igt_debug("%s grid %llu on a %s queue, expecting a fault in [%#llx, %#llx)\n",
		  vsvm_kernel_name(kernel), (unsigned long long)grid,
		  flags & VSVM_QUEUE_NO_RETRY ? "no-retry" : "retry",
		  (unsigned long long)lo, (unsigned long long)hi);
	check_works(fd, q, good, 0x600d);
	igt_assert_eq(__vt_run(fd, q, kernel, grid, args), -EFAULT);
	check_faulted(fd, q, lo, hi, access, 1, good);
	vt_queue_destroy(fd, q);
}

/* A cycle of two nodes in @bo: a POINTER_CHASE from its start never ends by itself. */
static uint64_t make_cycle(struct vt_bo *bo)
{
	bo->map[0] = vt_bo_va(bo, 2);
	bo->map[1] = 1;
	bo->map[2] = bo->va;
	bo->map[3] = 2;
	bo->map[8] = 0x5e5e; /* result slot */
	return bo->va;
}

static uint32_t dispatch_hang(int fd, uint32_t q, struct vt_bo *cycle)
{
	return vt_dispatch_signal(fd, q, VSVM_KERNEL_POINTER_CHASE, 1,
				  (uint64_t[6]){ make_cycle(cycle), HANG_STEPS,
						 vt_bo_va(cycle, 8) });
}

/* wait for a syncobj's fence up to @ms; returns its status (0 if still pending) */
static int fence_after(int fd, uint32_t h, int ms)
{
	vt_syncobj_wait(fd, h, ms);
	return vt_fence_status(fd, h);
}

/* sync_file status: 1 signalled, 0 pending, < 0 error; waits up to @ms */
static int sync_file_status(int sf, int ms)
{
	struct pollfd p = { .fd = sf, .events = POLLIN };
	struct sync_file_info info;

	poll(&p, 1, ms);
	memset(&info, 0, sizeof(info));
	igt_assert_eq(igt_ioctl(sf, SYNC_IOC_FILE_INFO, &info), 0);
	return info.status;
}

static int export_sf(int fd, uint32_t h)
{
	int sf = -1;

	igt_assert_eq(vsvm_syncobj_export_sync_file(fd, h, &sf), 0);
	igt_assert_fd(sf);
	return sf;
}

/* ---- create-destroy --------------------------------------------------------------------- */

#define NQ 8

static void test_create_destroy(void)
{
	struct drm_vsvm_queue_status st;
	uint32_t ids[NQ];
	int g, i, j;

	for (g = 0; g < num_gpus; g++) {
		int fd = vt_open(paths[g]);
		struct vt_bo bo;

		small_bo(&bo, fd);
		for (i = 0; i < NQ; i++) {
			ids[i] = vt_queue_create(fd, i % 2 ? VSVM_QUEUE_NO_RETRY : 0);
			for (j = 0; j < i; j++)
				igt_assert_neq_u32(ids[i], ids[j]);
			vt_queue_status(fd, ids[i], &st);
			igt_assert_eq_u32(st.state, VSVM_QUEUE_STATE_ACTIVE);
			igt_assert_eq_u64(st.completed, 0);
			igt_assert_eq_u64(st.fault_va, 0);
			igt_assert_eq_u32(st.fault_access, 0);
		}
		check_works(fd, ids[0], &bo, 5);
		check_works(fd, ids[1], &bo, 6);
		for (i = 0; i < NQ; i++) {
			vt_queue_destroy(fd, ids[i]);
			igt_assert_eq(vsvm_queue_status(fd, ids[i], &st), -ENOENT);
			igt_assert_eq(vsvm_queue_destroy(fd, ids[i]), -ENOENT);
			igt_assert_eq(vsvm_dispatch(fd, ids[i], VSVM_KERNEL_FILL, 1,
						    (uint64_t[6]){ bo.va, 7 }, NULL, 0), -ENOENT);
		}
		vt_bo_destroy(&bo);
		vsvm_close(fd);
	}
}

/* ---- bad-args ------------------------------------------------------------------------------ */

static void test_bad_args(void)
{
	static const uint32_t bad_flags[] = { 0x2, 0x4, 0x80000000, ~0U };
	struct drm_vsvm_queue_status st;
	int g;
	unsigned int i;

	for (g = 0; g < num_gpus; g++) {
		int fd = vt_open(paths[g]);
		uint32_t q = vt_queue_create(fd, 0), id;
		struct vt_bo bo;

		small_bo(&bo, fd);
		for (i = 0; i < ARRAY_SIZE(bad_flags); i++) {
			struct drm_vsvm_queue_create c = { .flags = bad_flags[i] };

			igt_assert_f(vsvm_ioctl(fd, DRM_IOCTL_VSVM_QUEUE_CREATE, &c) == -EINVAL,
				     "QUEUE_CREATE flags %#x not rejected with EINVAL\n", bad_flags[i]);
			igt_assert_eq(vsvm_queue_create(fd, bad_flags[i] | VSVM_QUEUE_NO_RETRY, &id),
				      -EINVAL);
		}
		igt_assert_eq(destroy_raw(fd, q, 1), -EINVAL);
		igt_assert_eq(destroy_raw(fd, q, 0x80000000), -EINVAL);
		igt_assert_eq(status_raw(fd, q, 1, &st), -EINVAL);
		igt_assert_eq(status_raw(fd, q, 0x80000000, &st), -EINVAL);

		igt_assert_eq(vsvm_queue_destroy(fd, 0), -ENOENT);
		igt_assert_eq(vsvm_queue_destroy(fd, q + 1000), -ENOENT);
		igt_assert_eq(vsvm_queue_destroy(fd, ~0U), -ENOENT);
		igt_assert_eq(vsvm_queue_status(fd, 0, &st), -ENOENT);
		igt_assert_eq(vsvm_queue_status(fd, q + 1000, &st), -ENOENT);
		igt_assert_eq(vsvm_queue_status(fd, ~0U, &st), -ENOENT);

		/* the queue is still there and works */
		check_active(fd, q, 0);
		check_works(fd, q, &bo, 8);
		check_active(fd, q, 1);
		vt_queue_destroy(fd, q);
		vt_bo_destroy(&bo);
		vsvm_close(fd);
	}
}

/* ---- max-queues ---------------------------------------------------------------------------- */

static void test_max_queues(void)
{
	const uint64_t slot = VT_PAGE_SIZE / 8;
	uint32_t ids[VSVM_MAX_QUEUES], done[VSVM_MAX_QUEUES], id, other_q;
	int fd = vt_open(paths[0]), other;
	struct vt_bo bo;
	int i, j;

	vt_bo_create(&bo, fd, VSVM_MAX_QUEUES * VT_PAGE_SIZE, VSVM_GEM_DOMAIN_VRAM, 0);
	for (i = 0; i < VSVM_MAX_QUEUES; i++) {
		ids[i] = vt_queue_create(fd, i % 2 ? VSVM_QUEUE_NO_RETRY : 0);
		for (j = 0; j < i; j++)
			igt_assert_neq_u32(ids[i], ids[j]);
	}
	igt_assert_eq(vsvm_queue_create(fd, 0, &id), -ENOSPC);
	igt_assert_eq(vsvm_queue_create(fd, VSVM_QUEUE_NO_RETRY, &id), -ENOSPC);

	/* the limit is per file */
	other = vt_open(paths[0]);
	other_q = vt_queue_create(other, 0);

	/* all of them work at once */
	for (i = 0; i < VSVM_MAX_QUEUES; i++)
		done[i] = vt_dispatch_signal(fd, ids[i], VSVM_KERNEL_FILL, slot,
					     (uint64_t[6]){ bo.va + i * VT_PAGE_SIZE, i + 1 });
	for (i = 0; i < VSVM_MAX_QUEUES; i++) {
		igt_assert_eq(vt_fence_wait_status(fd, done[i]), 1);
		vt_syncobj_destroy(fd, done[i]);
		vt_check_value(bo.map + i * slot, slot, i + 1, "slot of a queue");
	}

	/* one destroyed, one more fits, and no more */
	vt_queue_destroy(fd, ids[10]);
	ids[10] = vt_queue_create(fd, 0);
	igt_assert_eq(vsvm_queue_create(fd, 0, &id), -ENOSPC);
	check_active(fd, ids[10], 0);

	for (i = 0; i < VSVM_MAX_QUEUES; i++)
		vt_queue_destroy(fd, ids[i]);
	id = vt_queue_create(fd, 0);
	vt_queue_destroy(fd, id);
	vt_queue_destroy(other, other_q);
	vsvm_close(other);
	vt_bo_destroy(&bo);
	vsvm_close(fd);
}

/* ---- per-file ------------------------------------------------------------------------------- */

static void test_per_file(void)
{
	struct drm_vsvm_queue_status st;
	int g;

	for (g = 0; g < num_gpus; g++) {
		int a = vt_open(paths[g]), b = vt_open(paths[g]);
		uint32_t qa = vt_queue_create(a, 0), qb;
		struct vt_bo boa, bob;

		small_bo(&boa, a);
		small_bo(&bob, b);
		igt_assert_eq(vsvm_queue_status(b, qa, &st), -ENOENT);
		igt_assert_eq(vsvm_queue_destroy(b, qa), -ENOENT);
		igt_assert_eq(vsvm_dispatch(b, qa, VSVM_KERNEL_FILL, 1, (uint64_t[6]){ bob.va, 1 },
					    NULL, 0), -ENOENT);
		qb = vt_queue_create(b, VSVM_QUEUE_NO_RETRY);
		check_works(a, qa, &boa, 0xa);
		check_works(b, qb, &bob, 0xb);
		check_active(a, qa, 1);
		check_active(b, qb, 1);

		vt_bo_destroy(&boa);
		vsvm_close(a);
		check_works(b, qb, &bob, 0xbb);
		check_active(b, qb, 2);
		vt_queue_destroy(b, qb);
		vt_bo_destroy(&bob);
		vsvm_close(b);
	}
}

/* ---- status-completed ---------------------------------------------------------------------- */

static void test_status_completed(void)
{
	int fd = vt_open(paths[0]);
	uint32_t q1 = vt_queue_create(fd, 0), q2 = vt_queue_create(fd, VSVM_QUEUE_NO_RETRY);
	uint32_t last = 0;
	struct vt_bo bo;
	int i;

	small_bo(&bo, fd);
	for (i = 0; i < 10; i++)
		check_works(fd, q1, &bo, i);
	check_active(fd, q1, 10);
	check_active(fd, q2, 0);
	for (i = 0; i < 5; i++) {
		if (last)
			vt_syncobj_destroy(fd, last);
		last = vt_dispatch_signal(fd, q2, VSVM_KERNEL_ATOMIC_ADD, 64,
					  (uint64_t[6]){ bo.va, 1, 4 });
	}
	igt_assert_eq(vt_fence_wait_status(fd, last), 1);
	vt_syncobj_destroy(fd, last);
	vt_wait_completed(fd, q2, 5);
	igt_assert_eq_u64(bo.map[0], 9 + 5 * 16);
	check_active(fd, q1, 10);
	vt_queue_destroy(fd, q1);
	vt_queue_destroy(fd, q2);
	vt_bo_destroy(&bo);
	vsvm_close(fd);
}

/* ---- faults ---------------------------------------------------------------------------------- */

static void test_fault_unbound(uint32_t flags)
{
	const uint64_t P = VT_PAGE_SIZE;
	int fd = vt_open(paths[0]);
	uint64_t u = vt_va_alloc(4 * P); /* never bound */
	struct vt_bo good;

	small_bo(&good, fd);
	expect_fault(fd, flags, VSVM_KERNEL_FILL, 1, (uint64_t[6]){ u, 1 }, u, u + 1,
		     VSVM_ACCESS_WRITE, &good);
	expect_fault(fd, flags, VSVM_KERNEL_COPY, 1, (uint64_t[6]){ good.va, u + P }, u + P,
		     u + P + 1, VSVM_ACCESS_READ, &good);
	expect_fault(fd, flags, VSVM_KERNEL_CHECKSUM, 64, (uint64_t[6]){ u + 2 * P, good.va },
		     u + 2 * P, u + 3 * P, VSVM_ACCESS_READ, &good);
	expect_fault(fd, flags, VSVM_KERNEL_ATOMIC_ADD, 1, (uint64_t[6]){ u + 3 * P, 1, 1 },
		     u + 3 * P, u + 3 * P + 1, VSVM_ACCESS_ATOMIC, &good);
	/* a larger grid: some work item's VA */
	expect_fault(fd, flags, VSVM_KERNEL_FILL, 4 * P / 8, (uint64_t[6]){ u, 2 }, u, u + 4 * P,
		     VSVM_ACCESS_WRITE, &good);
	/* the object the good dispatches used is intact */
	vt_check_value(good.map, vt_bo_elems(&good), 0x600d, "object of the good dispatches");
	vt_bo_destroy(&good);
	vsvm_close(fd);
}

static void test_fault_read_only(uint32_t flags)
{
	const uint64_t P = VT_PAGE_SIZE, n = 4 * P / 8;
	int fd = vt_open(paths[0]);
	uint32_t q = vt_queue_create(fd, flags);
	struct vt_bo ro, good, res;
	uint64_t sum = 0, i;

	vt_bo_create(&ro, fd, 4 * P, VSVM_GEM_DOMAIN_VRAM, VT_BO_READ_ONLY);
	small_bo(&good, fd);
	vt_bo_create(&res, fd, P, VSVM_GEM_DOMAIN_GTT, 0);
	vt_fill_rand(ro.map, n, 99);
	for (i = 0; i < n; i++)
		sum += ro.map[i];

	/* reads work */
	igt_assert_eq_u64(vt_gpu_checksum(fd, q, ro.va, n, res.va, res.map), sum);
	vt_run(fd, q, VSVM_KERNEL_COPY, n, (uint64_t[6]){ good.va, ro.va });
	for (i = 0; i < n; i++)
		igt_assert_eq_u64(good.map[i], vt_rand64(99, i));
	check_active(fd, q, 2);
	vt_queue_destroy(fd, q);

	/* writes and atomics fault */
	expect_fault(fd, flags, VSVM_KERNEL_FILL, 1, (uint64_t[6]){ ro.va + P, 1 }, ro.va + P,
		     ro.va + P + 1, VSVM_ACCESS_WRITE, &good);
	expect_fault(fd, flags, VSVM_KERNEL_COPY, 1, (uint64_t[6]){ ro.va + 2 * P, good.va },
		     ro.va + 2 * P, ro.va + 2 * P + 1, VSVM_ACCESS_WRITE, &good);
	expect_fault(fd, flags, VSVM_KERNEL_ATOMIC_ADD, 1, (uint64_t[6]){ ro.va, 1, 1 }, ro.va,
		     ro.va + 1, VSVM_ACCESS_ATOMIC, &good);
	expect_fault(fd, flags, VSVM_KERNEL_FILL, n, (uint64_t[6]){ ro.va, 3 }, ro.va,
		     ro.va + 4 * P, VSVM_ACCESS_WRITE, &good);

	for (i = 0; i < n; i++)
		igt_assert_f(ro.map[i] == vt_rand64(99, i),
			     "read-only object changed at element %llu\n", (unsigned long long)i);
	vt_bo_destroy(&ro);
	vt_bo_destroy(&good);
	vt_bo_destroy(&res);
	vsvm_close(fd);
}

static void test_fault_after_unbind(void)
{
	const uint64_t size = 64 * KIB, n = size / 8;
	int fd = vt_open(paths[0]);
	uint32_t q = vt_queue_create(fd, 0);
	struct vt_bo x, good;
	uint64_t va;

	small_bo(&good, fd);
	vt_bo_create(&x, fd, size, VSVM_GEM_DOMAIN_VRAM, 0);
	va = x.va;
	vt_run(fd, q, VSVM_KERNEL_FILL, n, (uint64_t[6]){ va, 0x1 });
	vt_unbind(fd, va, size);
	x.va = 0;

	igt_assert_eq(__vt_run(fd, q, VSVM_KERNEL_FILL, n, (uint64_t[6]){ va, 0x2 }), -EFAULT);
	check_faulted(fd, q, va, va + size, VSVM_ACCESS_WRITE, 1, &good);
	vt_check_value(x.map, n, 0x1, "object after a dispatch on its unbound range");
	vt_queue_destroy(fd, q);

	/* the first page, exactly */
	expect_fault(fd, 0, VSVM_KERNEL_FILL, 1, (uint64_t[6]){ va, 3 }, va, va + 1,
		     VSVM_ACCESS_WRITE, &good);

	/* bound again, it works */
	vt_bind(fd, x.handle, va, 0, size, 0);
	x.va = va;
	q = vt_queue_create(fd, 0);
	vt_run(fd, q, VSVM_KERNEL_FILL, n, (uint64_t[6]){ va, 0x4 });
	vt_check_value(x.map, n, 0x4, "object bound again");
	vt_queue_destroy(fd, q);
	vt_bo_destroy(&x);
	vt_bo_destroy(&good);
	vsvm_close(fd);
}

static void test_fault_partial(void)
{
	const uint64_t size = 64 * KIB;
	int fd = vt_open(paths[0]);
	struct vt_bo x, good;

	small_bo(&good, fd);
	vt_bo_create(&x, fd, size, VSVM_GEM_DOMAIN_GTT, 0);
	/* x.va + size .. + 2 MiB is vt_va_alloc()'s unbound guard range */
	expect_fault(fd, 0, VSVM_KERNEL_FILL, 2 * size / 8, (uint64_t[6]){ x.va, 5 }, x.va + size,
		     x.va + 2 * size, VSVM_ACCESS_WRITE, &good);
	/*
	 * dst[i] = src[i] with src 128 bytes ahead of dst: every work item whose
	 * write would leave the binding reads outside it first
	 */
	expect_fault(fd, VSVM_QUEUE_NO_RETRY, VSVM_KERNEL_COPY, 2 * size / 8 - 16,
		     (uint64_t[6]){ x.va, x.va + 128 }, x.va + size, x.va + 2 * size,
		     VSVM_ACCESS_READ, &good);
	vt_bo_destroy(&x);
	vt_bo_destroy(&good);
	vsvm_close(fd);
}

static void test_fault_cancels_pending(void)
{
	const uint64_t n = 64 * KIB / 8;
	int fd = vt_open(paths[0]);
	uint64_t u = vt_va_alloc(VT_PAGE_SIZE);
	struct vt_bo b[4];
	int i, flags;

	for (i = 0; i < 4; i++)
		small_bo(&b[i], fd);
	for (flags = 0; flags <= 1; flags++) {
		uint32_t q = vt_queue_create(fd, flags ? VSVM_QUEUE_NO_RETRY : 0), s[5];
		int ret[5];

		s[0] = vt_dispatch_signal(fd, q, VSVM_KERNEL_FILL, 1, (uint64_t[6]){ u, 1 });
		for (i = 1; i < 5; i++)
			ret[i] = __vt_dispatch_signal(fd, q, VSVM_KERNEL_FILL, n,
						      (uint64_t[6]){ b[i - 1].va, 0x10 + i }, &s[i]);
		igt_assert_eq(vt_fence_wait_status(fd, s[0]), -EFAULT);
		for (i = 1; i < 5; i++) {
			igt_debug("dispatch %d behind the fault: submission %d\n", i, ret[i]);
			if (ret[i]) {
				igt_assert_eq(ret[i], -ECANCELED);
				continue;
			}
			igt_assert_eq(vt_fence_wait_status(fd, s[i]), -ECANCELED);
			vt_syncobj_destroy(fd, s[i]);
		}
		for (i = 0; i < 4; i++)
			vt_check_value(b[i].map, n, 0, "object of a cancelled dispatch");
		check_faulted(fd, q, u, u + 1, VSVM_ACCESS_WRITE, 0, &b[0]);
		vt_syncobj_destroy(fd, s[0]);
		vt_queue_destroy(fd, q);
	}
	for (i = 0; i < 4; i++)
		vt_bo_destroy(&b[i]);
	vsvm_close(fd);
}

static void test_fault_isolation(void)
{
	int fd = vt_open(paths[0]), other = vt_open(paths[0]);
	uint32_t q1 = vt_queue_create(fd, 0), q2 = vt_queue_create(fd, VSVM_QUEUE_NO_RETRY);
	uint32_t q3 = vt_queue_create(other, 0), bad;
	uint64_t u = vt_va_alloc(VT_PAGE_SIZE);
	struct vt_bo b1, b2, b3;

	small_bo(&b1, fd);
	small_bo(&b2, fd);
	small_bo(&b3, other);
	check_works(fd, q1, &b1, 1);
	check_works(fd, q2, &b2, 2);
	check_works(other, q3, &b3, 3);

	for (bad = 0; bad < 2; bad++) {
		uint32_t q = vt_queue_create(fd, bad ? VSVM_QUEUE_NO_RETRY : 0);

		igt_assert_eq(__vt_run(fd, q, VSVM_KERNEL_FILL, 1, (uint64_t[6]){ u, 1 }), -EFAULT);
		check_faulted(fd, q, u, u + 1, VSVM_ACCESS_WRITE, 0, &b1);
		check_works(fd, q1, &b1, 10 + bad);
		check_works(fd, q2, &b2, 20 + bad);
		check_works(other, q3, &b3, 30 + bad);
		vt_queue_destroy(fd, q);
	}
	check_active(fd, q1, 3);
	check_active(fd, q2, 3);
	check_active(other, q3, 3);
	vt_bo_destroy(&b1);
	vt_bo_destroy(&b2);
	vt_bo_destroy(&b3);
	vt_queue_destroy(fd, q1);
	vt_queue_destroy(fd, q2);
	vt_queue_destroy(other, q3);
	vsvm_close(fd);
	vsvm_close(other);
}

/* ---- hang-timeout ---------------------------------------------------------------------------- */

static void test_hang_timeout(void)
{
	int fd = vt_open(paths[0]);
	uint32_t other = vt_queue_create(fd, 0), hung, s_hang, s_behind;
	struct drm_vsvm_queue_status st;
	struct vt_bo cycle, b1, b2;
	int64_t t0, t_other, t_hang;
	long long saved = vt_param_ll(VT_PARAM_JOB_TIMEOUT);
	int status;

	vt_bo_create(&cycle, fd, VT_PAGE_SIZE, VSVM_GEM_DOMAIN_GTT, 0);
	small_bo(&b1, fd);
	small_bo(&b2, fd);

	/* the timeout is taken when the queue is created */
	vt_set_job_timeout(HANG_TIMEOUT_MS);
	hung = vt_queue_create(fd, 0);
	vt_restore_job_timeout();
	igt_assert_eq(vt_param_ll(VT_PARAM_JOB_TIMEOUT), saved);

	t0 = vt_now_ns();
	s_hang = dispatch_hang(fd, hung, &cycle);
	s_behind = vt_dispatch_signal(fd, hung, VSVM_KERNEL_FILL, vt_bo_elems(&b2),
				      (uint64_t[6]){ b2.va, 0xbe });

	/* meanwhile, the other queue works */
	check_works(fd, other, &b1, 1);
	check_works(fd, other, &b1, 2);
	t_other = elapsed_ms(t0);
	status = vt_fence_status(fd, s_hang);
	igt_info("other queue done %lld ms after the hang started; hang fence %d\n",
		 (long long)t_other, status);
	if (t_other < HANG_TIMEOUT_MS * 9 / 10)
		igt_assert_f(status == 0, "the hung dispatch ended (%d) before its timeout\n", status);

	status = fence_after(fd, s_hang, 30000);
	t_hang = elapsed_ms(t0);
	igt_info("hung dispatch ended after %lld ms with %d\n", (long long)t_hang, status);
	igt_assert_eq(status, -ETIME);
	igt_assert_lte(HANG_TIMEOUT_MS * 9 / 10, (int)t_hang);

	vt_queue_status(fd, hung, &st);
	igt_assert_eq_u32(st.state, VSVM_QUEUE_STATE_RESET);
	igt_assert_eq_u64(st.completed, 0);
	status = fence_after(fd, s_behind, 30000);
	igt_info("dispatch queued behind it ended with %d\n", status);
	igt_assert_f(status < 0, "the dispatch behind a timed-out one ended with %d\n", status);
	vt_check_value(b2.map, vt_bo_elems(&b2), 0, "object of the dispatch behind the hang");
	igt_assert_eq(vsvm_dispatch(fd, hung, VSVM_KERNEL_FILL, 1, (uint64_t[6]){ b2.va, 1 }, NULL,
				    0), -ECANCELED);
	vt_queue_status(fd, hung, &st);
	igt_assert_eq_u32(st.state, VSVM_QUEUE_STATE_RESET);

	/* and afterwards */
	check_works(fd, other, &b1, 3);
	check_active(fd, other, 3);
	vt_queue_destroy(fd, hung);

	vt_syncobj_destroy(fd, s_hang);
	vt_syncobj_destroy(fd, s_behind);
	vt_queue_destroy(fd, other);
	vt_bo_destroy(&cycle);
	vt_bo_destroy(&b1);
	vt_bo_destroy(&b2);
	vsvm_close(fd);
}

/* ---- fault-storm ----------------------------------------------------------------------------- */

/* The most compute units, the pages each wave faults on, the work items of a wave */
#define STORM_CUS 256
#define STORM_PAGES 8
#define WAVE_ITEMS 1024

/*
 * GATHER indices: wave w's work items read the pages w * STORM_PAGES .. + 7
 * of the source in order, WAVE_ITEMS / STORM_PAGES items per page.
 */
static void storm_indices(uint64_t *idx, uint64_t n)
{
	const uint64_t per_page = WAVE_ITEMS / STORM_PAGES;
	uint64_t i, w, j;

	for (i = 0; i < n; i++) {
		w = i / WAVE_ITEMS;
		j = i % WAVE_ITEMS;
		idx[i] = (w * STORM_PAGES + j / per_page) * (VT_PAGE_SIZE / 8) + j % per_page;
	}
}

static void test_fault_storm(void)
{
	const uint64_t n = STORM_CUS * WAVE_ITEMS, pages = STORM_CUS * STORM_PAGES;
	const uint64_t src_size = pages * VT_PAGE_SIZE, n_size = n * 8;
	const struct drm_vsvm_svm_attr gran = { .type = VSVM_SVM_ATTR_GRANULARITY, .value = 0 };
	uint64_t *src, *idx, *dst, i, faults, overflows, sum = 0;
	struct drm_vsvm_query_device qd = {};
	struct vt_bo out;
	uint32_t q;
	int fd, ret;

	vt_require_module_reload();
	vt_module_reload("num_cus=256 job_timeout_ms=60000");
	num_gpus = vt_require_gpus(paths, MAX_GPUS, 1);
	fd = vt_open(paths[0]);
	igt_require_f(vt_caps(fd) & VSVM_CAP_SVM, "no VSVM_CAP_SVM\n");
	vt_query(fd, &qd);
	igt_assert_eq_u32(qd.num_compute_units, STORM_CUS);
	igt_require_f(vt_debugfs_value(paths[0], "vsvm_hw", "ih_overflows", &overflows),
		      "debugfs vsvm_hw not available\n");
	q = vt_queue_create(fd, 0);
	vt_bo_create(&out, fd, VT_PAGE_SIZE, VSVM_GEM_DOMAIN_GTT, 0);

	src = vt_map_aligned(src_size, MAP_PRIVATE);
	idx = vt_map_aligned(n_size, MAP_PRIVATE);
	dst = vt_map_aligned(n_size, MAP_PRIVATE);
	vt_fill_rand(src, src_size / 8, 0x570);
	storm_indices(idx, n);
	ret = vsvm_svm_set_attr(fd, src, src_size, &gran, 1);
	igt_assert_f(ret == 0, "SET_ATTR GRANULARITY 0: %s\n", strerror(-ret));
	/* the indices and the output mapped first: only the source faults in the storm */
	for (i = 0; i < n; i++)
		sum += idx[i];
	igt_assert_eq_u64(vt_gpu_checksum(fd, q, vt_va(idx), n, out.va, out.map), sum);
	vt_run(fd, q, VSVM_KERNEL_FILL, n, (uint64_t[6]){ vt_va(dst), 0 });

	faults = vt_hw_counter(paths[0], "faults");
	overflows = vt_hw_counter(paths[0], "ih_overflows");
	vt_run(fd, q, VSVM_KERNEL_GATHER, n, (uint64_t[6]){ vt_va(dst), vt_va(src), vt_va(idx) });
	vt_gpu_barrier();
	faults = vt_hw_counter(paths[0], "faults") - faults;
	overflows = vt_hw_counter(paths[0], "ih_overflows") - overflows;
	igt_info("%llu fault entries for %llu pages, %llu dropped\n", (unsigned long long)faults,
		 (unsigned long long)pages, (unsigned long long)overflows);
	for (i = 0; i < n; i++)
		igt_assert_f(dst[i] == src[idx[i]], "dst[%llu] = %#llx, expected %#llx\n",
			     (unsigned long long)i, (unsigned long long)dst[i],
			     (unsigned long long)src[idx[i]]);
	igt_assert_eq_u64(overflows, 0);
	igt_assert_f(faults >= pages, "%llu fault entries for %llu pages\n",
		     (unsigned long long)faults, (unsigned long long)pages);

	vt_unmap(src, src_size);
	vt_unmap(idx, n_size);
	vt_unmap(dst, n_size);
	vt_bo_destroy(&out);
	vt_queue_destroy(fd, q);
	vsvm_close(fd);
	vt_module_reload_default();
	num_gpus = vt_require_gpus(paths, MAX_GPUS, 1);
}

/* ---- destroy-busy ---------------------------------------------------------------------------- */

static void test_destroy_busy(void)
{
	int fd = vt_open(paths[0]);
	uint32_t q1 = vt_queue_create(fd, 0), q2 = vt_queue_create(fd, 0);
	uint32_t s_hang, s_behind;
	struct drm_vsvm_sync waits[2];
	struct drm_vsvm_queue_status st;
	struct vt_bo cycle, b1, b2;
	int64_t t0;
	int status;

	vt_bo_create(&cycle, fd, VT_PAGE_SIZE, VSVM_GEM_DOMAIN_VRAM, 0);
	small_bo(&b1, fd);
	small_bo(&b2, fd);

	s_hang = dispatch_hang(fd, q1, &cycle);
	s_behind = vt_dispatch_signal(fd, q1, VSVM_KERNEL_FILL, vt_bo_elems(&b1),
				      (uint64_t[6]){ b1.va, 1 });
	waits[0] = (struct drm_vsvm_sync){ .handle = s_hang };
	waits[1] = (struct drm_vsvm_sync){ .handle = vt_syncobj(fd, 0), .flags = VSVM_SYNC_SIGNAL };
	igt_assert_eq(vsvm_dispatch(fd, q2, VSVM_KERNEL_FILL, vt_bo_elems(&b2),
				    (uint64_t[6]){ b2.va, 2 }, waits, 2), 0);
	/* let the chase get going */
	igt_assert_eq(vt_syncobj_wait(fd, s_hang, 200), -ETIME);

	t0 = vt_now_ns();
	vt_queue_destroy(fd, q1);
	igt_info("QUEUE_DESTROY of the busy queue took %lld ms\n", (long long)elapsed_ms(t0));
	igt_assert_lt((int)elapsed_ms(t0), PROMPT_MS);

	status = fence_after(fd, s_hang, PROMPT_MS);
	igt_info("hung dispatch: %d\n", status);
	igt_assert_f(status < 0, "the aborted dispatch's fence: %d\n", status);
	status = fence_after(fd, s_behind, PROMPT_MS);
	igt_info("dispatch behind it: %d\n", status);
	igt_assert_f(status < 0, "the fence of the dispatch behind it: %d\n", status);
	vt_check_value(b1.map, vt_bo_elems(&b1), 0, "object of the aborted dispatch");
	igt_assert_eq(vsvm_queue_status(fd, q1, &st), -ENOENT);
	igt_assert_eq(vsvm_dispatch(fd, q1, VSVM_KERNEL_FILL, 1, (uint64_t[6]){ b1.va, 1 }, NULL, 0),
		      -ENOENT);

	/* the waiter on the other queue is released either way */
	status = fence_after(fd, waits[1].handle, PROMPT_MS);
	igt_info("dispatch of another queue waiting on it: %d\n", status);
	igt_assert_neq(status, 0);
	check_works(fd, q2, &b2, 3);

	vt_syncobj_destroy(fd, s_hang);
	vt_syncobj_destroy(fd, s_behind);
	vt_syncobj_destroy(fd, waits[1].handle);
	vt_queue_destroy(fd, q2);
	vt_bo_destroy(&cycle);
	vt_bo_destroy(&b1);
	vt_bo_destroy(&b2);
	vsvm_close(fd);
}

/* ---- close-busy ------------------------------------------------------------------------------ */

static void test_close_busy(void)
{
	int fd = vt_open(paths[0]), tl = -1, sf[4] = { -1, -1, -1, -1 }, status, i, ret;
	uint32_t q1 = vt_queue_create(fd, 0), q2 = vt_queue_create(fd, 0);
	uint32_t q3 = vt_queue_create(fd, VSVM_QUEUE_NO_RETRY);
	struct drm_vsvm_sync w[2];
	struct vt_bo cycle, b1, b2, b3;
	uint32_t s_hang, s_behind;
	int64_t t0;

	vt_bo_create(&cycle, fd, VT_PAGE_SIZE, VSVM_GEM_DOMAIN_GTT, VT_BO_NO_MAP);
	vt_bo_create(&b1, fd, 64 * KIB, VSVM_GEM_DOMAIN_VRAM, VT_BO_NO_MAP);
	vt_bo_create(&b2, fd, 64 * KIB, VSVM_GEM_DOMAIN_GTT, VT_BO_NO_MAP);
	vt_bo_create(&b3, fd, 64 * KIB, VSVM_GEM_DOMAIN_VRAM, VT_BO_NO_MAP);
	/* the cycle is written through a temporary mapping: no mapping may outlive the file */
	cycle.map = vt_gem_mmap(fd, cycle.handle, VT_PAGE_SIZE);
	make_cycle(&cycle);
	munmap(cycle.map, VT_PAGE_SIZE);
	cycle.map = NULL;

	s_hang = vt_dispatch_signal(fd, q1, VSVM_KERNEL_POINTER_CHASE, 1,
				    (uint64_t[6]){ cycle.va, HANG_STEPS, vt_bo_va(&cycle, 8) });
	s_behind = vt_dispatch_signal(fd, q1, VSVM_KERNEL_FILL, vt_bo_elems(&b1),
				      (uint64_t[6]){ b1.va, 1 });
	w[0] = (struct drm_vsvm_sync){ .handle = s_hang };
	w[1] = (struct drm_vsvm_sync){ .handle = vt_syncobj(fd, 0), .flags = VSVM_SYNC_SIGNAL };
	igt_assert_eq(vsvm_dispatch(fd, q2, VSVM_KERNEL_FILL, vt_bo_elems(&b2),
				    (uint64_t[6]){ b2.va, 2 }, w, 2), 0);
	sf[0] = export_sf(fd, s_hang);
	sf[1] = export_sf(fd, s_behind);
	sf[2] = export_sf(fd, w[1].handle);
	if (vt_has_sw_sync()) {
		tl = vt_sw_sync_timeline();
		w[0] = (struct drm_vsvm_sync){ .handle = vt_syncobj_sw_sync(fd, tl, 1) };
		w[1] = (struct drm_vsvm_sync){ .handle = vt_syncobj(fd, 0),
					       .flags = VSVM_SYNC_SIGNAL };
		igt_assert_eq(vsvm_dispatch(fd, q3, VSVM_KERNEL_FILL, vt_bo_elems(&b3),
					    (uint64_t[6]){ b3.va, 3 }, w, 2), 0);
		sf[3] = export_sf(fd, w[1].handle);
	} else {
		igt_info("no sw_sync: no dispatch waits on a CPU fence\n");
	}
	igt_assert_eq(vt_syncobj_wait(fd, s_hang, 200), -ETIME);

	t0 = vt_now_ns();
	vsvm_close(fd);
	igt_info("close of the busy file took %lld ms\n", (long long)elapsed_ms(t0));
	igt_assert_lt((int)elapsed_ms(t0), PROMPT_MS);

	for (i = 0; i < 3; i++) {
		status = sync_file_status(sf[i], PROMPT_MS);
		igt_info("out-fence %d after the close: %d\n", i, status);
		igt_assert_f(status != 0, "out-fence %d still pending after the close\n", i);
		/* the chase and the one behind it never completed */
		if (i < 2)
			igt_assert_f(status < 0, "out-fence %d signalled without error\n", i);
		close(sf[i]);
	}
	if (tl >= 0) {
		/*
		 * A killed job ends once its dependencies have signalled (drm_sched
		 * entity teardown): closing the sw_sync timeline signals the fence
		 * it waits for (with an error), and it ends with an error.
		 */
		igt_info("out-fence 3 (held by sw_sync) after the close: %d\n",
			 sync_file_status(sf[3], 0));
		close(tl);
		status = sync_file_status(sf[3], PROMPT_MS);
		igt_info("out-fence 3 after the sw_sync timeline was closed: %d\n", status);
		igt_assert_f(status < 0, "out-fence 3: %d\n", status);
		close(sf[3]);
	}

	if (geteuid() != 0 || access(vt_module_path(), R_OK)) {
		igt_info("the module cannot be reloaded here: unload not checked\n");
		return;
	}
	ret = vt_module_unload();
	igt_assert_f(ret == 0, "delete_module(vsvm) after the close: %s\n", strerror(-ret));
	vt_module_reload_default();
	num_gpus = vt_scan_render_nodes(paths, MAX_GPUS);
	igt_assert_lt(0, num_gpus);

	/* the reloaded module works */
	fd = vt_open(paths[0]);
	q1 = vt_queue_create(fd, 0);
	vt_bo_create(&b1, fd, 64 * KIB, VSVM_GEM_DOMAIN_VRAM, 0);
	check_works(fd, q1, &b1, 4);
	vt_bo_destroy(&b1);
	vt_queue_destroy(fd, q1);
	vsvm_close(fd);
}

igt_main
{
	igt_fixture
		num_gpus = vt_require_gpus(paths, MAX_GPUS, 1);

	igt_describe("Create queues of both kinds and destroy them.");
	igt_subtest("create-destroy") {
		igt_set_timeout(SUBTEST_TIMEOUT, "create-destroy");
		test_create_destroy();
	}

	igt_describe("Bad flags, pads and ids of the queue ioctls.");
	igt_subtest("bad-args") {
		igt_set_timeout(SUBTEST_TIMEOUT, "bad-args");
		test_bad_args();
	}

	igt_describe("VSVM_MAX_QUEUES queues per file, then ENOSPC.");
	igt_subtest("max-queues") {
		igt_set_timeout(SUBTEST_TIMEOUT, "max-queues");
		test_max_queues();
	}

	igt_describe("Queue ids are per file.");
	igt_subtest("per-file") {
		igt_set_timeout(SUBTEST_TIMEOUT, "per-file");
		test_per_file();
	}

	igt_describe("The completed counter counts successful dispatches.");
	igt_subtest("status-completed") {
		igt_set_timeout(SUBTEST_TIMEOUT, "status-completed");
		test_status_completed();
	}

	igt_describe("Accesses to unbound VAs fault a retry queue.");
	igt_subtest("fault-unbound") {
		igt_set_timeout(SUBTEST_TIMEOUT, "fault-unbound");
		test_fault_unbound(0);
	}

	igt_describe("Accesses to unbound VAs fault a no-retry queue.");
	igt_subtest("fault-unbound-no-retry") {
		igt_set_timeout(SUBTEST_TIMEOUT, "fault-unbound-no-retry");
		test_fault_unbound(VSVM_QUEUE_NO_RETRY);
	}

	igt_describe("Writes to a read-only binding fault a retry queue, reads work.");
	igt_subtest("fault-read-only") {
		igt_set_timeout(SUBTEST_TIMEOUT, "fault-read-only");
		test_fault_read_only(0);
	}

	igt_describe("Writes to a read-only binding fault a no-retry queue, reads work.");
	igt_subtest("fault-read-only-no-retry") {
		igt_set_timeout(SUBTEST_TIMEOUT, "fault-read-only-no-retry");
		test_fault_read_only(VSVM_QUEUE_NO_RETRY);
	}

	igt_describe("A dispatch on an unbound range faults.");
	igt_subtest("fault-after-unbind") {
		igt_set_timeout(SUBTEST_TIMEOUT, "fault-after-unbind");
		test_fault_after_unbind();
	}

	igt_describe("A dispatch running off the end of a binding faults there.");
	igt_subtest("fault-partial") {
		igt_set_timeout(SUBTEST_TIMEOUT, "fault-partial");
		test_fault_partial();
	}

	igt_describe("Dispatches behind a faulting one are cancelled.");
	igt_subtest("fault-cancels-pending") {
		igt_set_timeout(SUBTEST_TIMEOUT, "fault-cancels-pending");
		test_fault_cancels_pending();
	}

	igt_describe("A fault stops only its own queue.");
	igt_subtest("fault-isolation") {
		igt_set_timeout(SUBTEST_TIMEOUT, "fault-isolation");
		test_fault_isolation();
	}

	igt_describe("A hung dispatch times out and resets its queue only.");
	igt_subtest("hang-timeout") {
		igt_set_timeout(SUBTEST_TIMEOUT, "hang-timeout");
		test_hang_timeout();
	}

	igt_describe("Destroying a busy queue aborts its work promptly.");
	igt_subtest("destroy-busy") {
		igt_set_timeout(SUBTEST_TIMEOUT, "destroy-busy");
		test_destroy_busy();
	}

	igt_describe("Closing a file with busy queues cleans up promptly.");
	igt_subtest("close-busy") {
		igt_set_timeout(SUBTEST_TIMEOUT, "close-busy");
		test_close_busy();
	}

	igt_describe("256 compute units faulting at once lose no fault.");
	igt_subtest("fault-storm") {
		igt_set_timeout(SUBTEST_TIMEOUT, "fault-storm");
		test_fault_storm();
	}
}
