// SPDX-License-Identifier: MIT
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * TEST: vsvm syncobj
 * Description: Tests of the DRM sync objects of the vsvm render nodes (the
 *              driver advertises DRIVER_SYNCOBJ and DRIVER_SYNCOBJ_TIMELINE)
 *              through libvsvm's syncobj helpers and libdrm: binary and
 *              timeline syncobjs signalled from user space, sync_file and
 *              syncobj fd export/import, invalid arguments, per-file handles,
 *              sharing between GPUs and concurrent use. The errnos asserted
 *              are those of the DRM core (drivers/gpu/drm/drm_syncobj.c).
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: Synchronization
 * Functionality: syncobj
 * Feature: synchronization
 * Test category: uAPI
 *
 * SUBTEST: create-destroy
 * Description: Many syncobjs are created on every GPU, with distinct non-zero
 *              handles and the requested initial state; destroying one twice
 *              fails with EINVAL and a destroyed handle is unknown (ENOENT);
 *              syncobjs left at close are released with the file.
 *
 * SUBTEST: signal-wait
 * Description: A syncobj created signalled satisfies a wait at once; one
 *              without a fence fails a plain wait with EINVAL and times out
 *              (ETIME) with WAIT_FOR_SUBMIT; signal makes it signalled, reset
 *              unsignalled again; WAIT_ALL and first_signaled on arrays.
 *
 * SUBTEST: wait-for-submit
 * Description: A WAIT_FOR_SUBMIT wait on unsignalled syncobjs blocks until
 *              another thread signals them (one, all of two, any of two).
 *
 * SUBTEST: timeline
 * Description: Timeline points 1..N signalled one by one are reported by the
 *              query; waits on signalled points return at once, a wait on a
 *              point not signalled yet fails with EINVAL, or ETIME with
 *              WAIT_FOR_SUBMIT/WAIT_AVAILABLE, until another thread signals
 *              that point (or a later one).
 *
 * SUBTEST: timeline-sw-sync
 * Description: A pending sw_sync fence transferred to a timeline point is
 *              submitted but not signalled: the query reports the previous
 *              point (the last submitted with LAST_SUBMITTED), WAIT_AVAILABLE
 *              returns, a wait times out until the sw_sync timeline advances.
 *              Skips without /sys/kernel/debug/sync/sw_sync.
 *
 * SUBTEST: sync-file
 * Description: A signalled syncobj exports a signalled sync_file that makes
 *              another syncobj signalled when imported, also after the source
 *              is reset; a syncobj without a fence cannot be exported
 *              (EINVAL); a timeline syncobj exports its last point.
 *
 * SUBTEST: sync-file-sw-sync
 * Description: An imported, unsignalled sw_sync fence makes syncobj waits time
 *              out (ETIME) and its export unsignalled, until SW_SYNC_IOC_INC
 *              signals it (also releasing a blocked wait); closing the sw_sync
 *              timeline signals a pending fence. Skips without
 *              /sys/kernel/debug/sync/sw_sync.
 *
 * SUBTEST: syncobj-fd
 * Description: A syncobj exported as a syncobj fd and imported again (same
 *              and other file of the GPU) is the same object under another
 *              handle: signal, reset and destroy through one handle are seen
 *              through the other.
 *
 * SUBTEST: bad-handles
 * Description: Handle 0, never-created and destroyed handles, bad file
 *              descriptors, zero counts, unknown flags, non-zero pads and bad
 *              pointers are rejected with the DRM core's errno (ENOENT,
 *              EINVAL, EFAULT); a wait on no handle succeeds.
 *
 * SUBTEST: per-file
 * Description: Syncobj handles are per file: a handle of one file of a GPU
 *              is unknown on another file of the same GPU, and the same
 *              number there names another object.
 *
 * SUBTEST: cross-gpu
 * Description: For every pair of GPUs: a handle of one GPU's file is unknown
 *              on the other's; a syncobj fd imported on the other GPU shares
 *              the syncobj (a signal on one releases a wait on the other);
 *              a signalled sync_file exported on one imports on the other.
 *
 * SUBTEST: cross-gpu-sync-file
 * Description: For every pair of GPUs: a pending sw_sync fence imported on
 *              one GPU, exported as a sync_file and imported on the other
 *              carries the signal: both waits time out until the fence
 *              signals, then both succeed. Skips without
 *              /sys/kernel/debug/sync/sw_sync.
 *
 * SUBTEST: concurrent
 * Description: Threads waiting on one binary and one timeline syncobj (on the
 *              shared file and on their own files through syncobj fds) are
 *              all released, none early, by another thread's signals; threads
 *              create, signal, wait and destroy syncobjs concurrently on
 *              every GPU without duplicate live handles.
 *
 * SUBTEST: close-with-waiters
 * Description: A wait keeps its file and syncobj alive: a forked child's wait
 *              survives the parent closing its descriptor of the shared file,
 *              a thread's wait survives another thread closing the file or
 *              destroying the handle, and each is released by a signal
 *              through a syncobj fd imported on another file.
 */

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <xf86drm.h>

#include "igt_core.h"
#include "vsvm_test.h"

IGT_TEST_DESCRIPTION("DRM syncobj tests of the vsvm render nodes.");

#define MAX_GPUS VSVM_MAX_DEVICES
#define MSEC 1000000LL

/* waits that a signal must release: long, so that a slow VM does not fail them */
#define LONG_WAIT_MS 10000
/* waits that must time out */
#define SHORT_WAIT_MS 100
/* how long a helper thread sleeps before it signals */
#define SIGNAL_DELAY_MS 100
/* igt_set_timeout() of every subtest, under the guest runner's 300 s */
#define SUBTEST_TIMEOUT 120

#define SW_SYNC_PATH "/sys/kernel/debug/sync/sw_sync"

/* From drivers/dma-buf/sw_sync.c (not a uAPI header). */
struct sw_sync_create_fence_data {
	__u32 value;
	char name[32];
	__s32 fence; /* fd of new fence */
};

#define SW_SYNC_IOC_MAGIC 'W'
#define SW_SYNC_IOC_CREATE_FENCE _IOWR(SW_SYNC_IOC_MAGIC, 0, struct sw_sync_create_fence_data)
#define SW_SYNC_IOC_INC _IOW(SW_SYNC_IOC_MAGIC, 1, __u32)

#define WAIT_ALL DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL
#define WAIT_FOR_SUBMIT DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT
#define WAIT_AVAILABLE DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE
#define SIGNALED DRM_SYNCOBJ_CREATE_SIGNALED

static int num_gpus;
static char paths[MAX_GPUS][VSVM_PATH_MAX];
static int fds[MAX_GPUS];

/* ---- helpers ---------------------------------------------------------------- */

/* ioctl (restarted on EINTR/EAGAIN): 0 or -errno */
static int xioctl(int fd, unsigned long request, void *arg)
{
	return igt_ioctl(fd, request, arg) ? -errno : 0;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* absolute CLOCK_MONOTONIC timeout @ms from now */
static int64_t deadline_ms(int64_t ms)
{
	return vsvm_abs_timeout_ns(ms * MSEC);
}

static int open_gpu(int idx)
{
	int fd = vsvm_open_path(paths[idx]);

	igt_assert_f(fd >= 0, "open %s: %s\n", paths[idx], strerror(-fd));
	return fd;
}

static void open_all(void)
{
	int i;

	num_gpus = vt_scan_render_nodes(paths, MAX_GPUS);
	igt_require_f(num_gpus > 0, "no vsvm render node (is the vsvm module loaded?)\n");
	igt_assert_lte(num_gpus, MAX_GPUS);
	for (i = 0; i < num_gpus; i++)
		fds[i] = open_gpu(i);
}

static void close_all(void)
{
	int i;

	for (i = 0; i < num_gpus; i++)
		vsvm_close(fds[i]);
}

static uint32_t create(int fd, uint32_t flags)
{
	uint32_t h = 0;
	int ret = vsvm_syncobj_create(fd, flags, &h);

	igt_assert_f(ret == 0, "syncobj create (flags %#x): %s\n", flags, strerror(-ret));
	igt_assert_neq_u32(h, 0);
	return h;
}

static void destroy(int fd, uint32_t h)
{
	igt_assert_eq(vsvm_syncobj_destroy(fd, h), 0);
}

static int wait1(int fd, uint32_t h, int64_t abs_ns, uint32_t flags)
{
	return vsvm_syncobj_wait(fd, &h, 1, abs_ns, flags);
}

static int twait1(int fd, uint32_t h, uint64_t point, int64_t abs_ns, uint32_t flags)
{
	return vsvm_syncobj_timeline_wait(fd, &h, &point, 1, abs_ns, flags);
}

static int signal1(int fd, uint32_t h)
{
	return vsvm_syncobj_signal(fd, &h, 1);
}

static int reset1(int fd, uint32_t h)
{
	return vsvm_syncobj_reset(fd, &h, 1);
}

static int tsignal1(int fd, uint32_t h, uint64_t point)
{
	return vsvm_syncobj_timeline_signal(fd, &h, &point, 1);
}

static int query1(int fd, uint32_t h, uint64_t *point)
{
	return vsvm_syncobj_query(fd, &h, point, 1);
}

static uint64_t query_point(int fd, uint32_t h, uint32_t flags)
{
	uint64_t point = ~0ull;

	igt_assert_eq(drmSyncobjQuery2(fd, &h, &point, 1, flags) < 0 ? -errno : 0, 0);
	return point;
}

/* drmSyncobjWait() with first_signaled: 0 or -errno */
static int wait_first(int fd, uint32_t *h, unsigned int count, int64_t abs_ns, uint32_t flags,
		      uint32_t *first)
{
	return drmSyncobjWait(fd, h, count, abs_ns, flags, first) < 0 ? -errno : 0;
}

/*
 * Whether @h has a signalled fence: a zero-timeout WAIT_FOR_SUBMIT wait
 * returns 0 or fails with ETIME (not signalled, or no fence).
 */
static bool is_signalled(int fd, uint32_t h)
{
	int ret = wait1(fd, h, 0, WAIT_FOR_SUBMIT);

	igt_assert_f(ret == 0 || ret == -ETIME, "poll of syncobj %u: %s\n", h, strerror(-ret));
	return ret == 0;
}

static int export_sync_file(int fd, uint32_t h)
{
	int sf = -1;

	igt_assert_eq(vsvm_syncobj_export_sync_file(fd, h, &sf), 0);
	igt_assert_fd(sf);
	return sf;
}

static void import_sync_file(int fd, uint32_t h, int sf)
{
	igt_assert_eq(vsvm_syncobj_import_sync_file(fd, h, sf), 0);
}

/* the syncobj itself as a file (DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD without flags) */
static int export_syncobj_fd(int fd, uint32_t h)
{
	int objfd = -1;

	igt_assert_eq(drmSyncobjHandleToFD(fd, h, &objfd) < 0 ? -errno : 0, 0);
	igt_assert_fd(objfd);
	return objfd;
}

static uint32_t import_syncobj_fd(int fd, int objfd)
{
	uint32_t h = 0;

	igt_assert_eq(drmSyncobjFDToHandle(fd, objfd, &h) < 0 ? -errno : 0, 0);
	igt_assert_neq_u32(h, 0);
	return h;
}

static bool fence_fd_signalled(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int ret = poll(&p, 1, 0);

	igt_assert_f(ret >= 0, "poll: %s\n", strerror(errno));
	return ret == 1 && (p.revents & POLLIN);
}

static bool has_cloexec(int fd)
{
	int flags = fcntl(fd, F_GETFD);

	igt_assert_lte(0, flags);
	return flags & FD_CLOEXEC;
}

/* ---- sw_sync ---------------------------------------------------------------- */

static void require_sw_sync(void)
{
	igt_require_f(access(SW_SYNC_PATH, F_OK) == 0,
		      SW_SYNC_PATH " not found (CONFIG_SW_SYNC, debugfs mounted?)\n");
}

static int sw_sync_timeline(void)
{
	int fd = open(SW_SYNC_PATH, O_RDWR | O_CLOEXEC);

	igt_assert_f(fd >= 0, "open " SW_SYNC_PATH ": %s\n", strerror(errno));
	return fd;
}

/* a sync_file fd of a fence that signals when the timeline reaches @value */
static int sw_sync_fence(int timeline, uint32_t value)
{
	struct sw_sync_create_fence_data data = { .value = value, .fence = -1 };

	snprintf(data.name, sizeof(data.name), "vsvm-%u", value);
	igt_assert_eq(xioctl(timeline, SW_SYNC_IOC_CREATE_FENCE, &data), 0);
	igt_assert_fd(data.fence);
	return data.fence;
}

static int sw_sync_inc(int timeline, uint32_t count)
{
	return xioctl(timeline, SW_SYNC_IOC_INC, &count);
}

/* ---- a helper thread that acts after a delay ------------------------------- */

enum delayed_action {
	DELAYED_SIGNAL,		/* DRM_IOCTL_SYNCOBJ_SIGNAL of handle */
	DELAYED_TIMELINE_SIGNAL,	/* DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL of handle at point */
	DELAYED_SW_SYNC_INC,	/* SW_SYNC_IOC_INC by 1 on the timeline fd */
};

struct delayed {
	pthread_t thread;
	enum delayed_action action;
	int fd;
	uint32_t handle;
	uint64_t point;
	int delay_ms;
	int ret;
};

static void *delayed_fn(void *arg)
{
	struct delayed *d = arg;

	usleep(d->delay_ms * 1000);
	switch (d->action) {
	case DELAYED_SIGNAL:
		d->ret = signal1(d->fd, d->handle);
		break;
	case DELAYED_TIMELINE_SIGNAL:
		d->ret = tsignal1(d->fd, d->handle, d->point);
		break;
	case DELAYED_SW_SYNC_INC:
		d->ret = sw_sync_inc(d->fd, 1);
		break;
	}
	return NULL;
}

static void delayed_start(struct delayed *d, enum delayed_action action, int fd, uint32_t handle,
			  uint64_t point, int delay_ms)
{
	d->action = action;
	d->fd = fd;
	d->handle = handle;
	d->point = point;
	d->delay_ms = delay_ms;
	d->ret = -EINPROGRESS;
	igt_assert_eq(pthread_create(&d->thread, NULL, delayed_fn, d), 0);
}

static void delayed_join(struct delayed *d)
{
	igt_assert_eq(pthread_join(d->thread, NULL), 0);
	igt_assert_f(d->ret == 0, "delayed action %d failed: %s\n", d->action, strerror(-d->ret));
}

/* @elapsed_ns of a wait released by a delayed action of @delay_ms */
static void check_released(int64_t elapsed_ns, int delay_ms)
{
	igt_debug("released after %.3f ms\n", elapsed_ns / 1e6);
	igt_assert_f(elapsed_ns >= delay_ms * MSEC,
		     "wait returned after %.3f ms, before the signal at %d ms\n",
		     elapsed_ns / 1e6, delay_ms);
	igt_assert_f(elapsed_ns < LONG_WAIT_MS * MSEC, "wait took %.3f ms\n", elapsed_ns / 1e6);
}

/* @elapsed_ns of a wait that timed out after @timeout_ms (one jiffy of slack and more) */
static void check_timed_out(int64_t elapsed_ns, int timeout_ms)
{
	igt_debug("timed out after %.3f ms\n", elapsed_ns / 1e6);
	igt_assert_f(elapsed_ns >= timeout_ms * MSEC / 2,
		     "wait timed out after %.3f ms, timeout %d ms\n", elapsed_ns / 1e6, timeout_ms);
}

/*
 * Best effort: wait until task @tid sleeps (state S in /proc/<tid>/stat), so
 * that it is probably blocked in its syncobj wait. The checks do not depend
 * on it.
 */
static void wait_task_sleeping(pid_t tid)
{
	char path[64], buf[512];
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	for (i = 0; i < 200; i++) {
		char *p;

		if (!vt_read_file(path, buf, sizeof(buf)))
			break;
		p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'S')
			break;
		usleep(10000);
	}
	snprintf(path, sizeof(path), "/proc/%d/wchan", tid);
	if (vt_read_file(path, buf, sizeof(buf)))
		igt_debug("task %d sleeps in %s\n", tid, buf);
	usleep(20000);
}

/* @h names no syncobj on @fd: every syncobj ioctl rejects it */
static void check_no_handle(int fd, uint32_t h)
{
	uint64_t point;
	int sf = -1, objfd = -1;

	/* drm_syncobj_array_find(): -ENOENT */
	igt_assert_eq(wait1(fd, h, 0, 0), -ENOENT);
	igt_assert_eq(wait1(fd, h, 0, WAIT_FOR_SUBMIT), -ENOENT);
	igt_assert_eq(twait1(fd, h, 1, 0, WAIT_FOR_SUBMIT), -ENOENT);
	igt_assert_eq(signal1(fd, h), -ENOENT);
	igt_assert_eq(reset1(fd, h), -ENOENT);
	igt_assert_eq(tsignal1(fd, h, 1), -ENOENT);
	igt_assert_eq(query1(fd, h, &point), -ENOENT);
	/* drm_syncobj_export_sync_file() -> drm_syncobj_find_fence(): -ENOENT */
	igt_assert_eq(vsvm_syncobj_export_sync_file(fd, h, &sf), -ENOENT);
	/* drm_syncobj_handle_to_fd(): -EINVAL */
	igt_assert_eq(drmSyncobjHandleToFD(fd, h, &objfd) < 0 ? -errno : 0, -EINVAL);
	/* drm_syncobj_destroy(): -EINVAL */
	igt_assert_eq(vsvm_syncobj_destroy(fd, h), -EINVAL);
}

/* ---- create-destroy ----------------------------------------------------------- */

#define NUM_OBJS 256
#define CREATE_CYCLES 2000

static void test_create_destroy(void)
{
	uint32_t h[NUM_OBJS];
	int i, n, m, c, fd;

	for (i = 0; i < num_gpus; i++) {
		fd = fds[i];

		for (n = 0; n < NUM_OBJS; n++) {
			h[n] = create(fd, n & 1 ? SIGNALED : 0);
			for (m = 0; m < n; m++)
				igt_assert_f(h[m] != h[n], "GPU %d: handle %u returned twice\n", i,
					     h[n]);
		}
		for (n = 0; n < NUM_OBJS; n++)
			igt_assert_eq(is_signalled(fd, h[n]), n & 1);

		for (n = 0; n < NUM_OBJS; n++)
			destroy(fd, h[n]);
		for (n = 0; n < NUM_OBJS; n++) {
			/* drm_syncobj_destroy(): idr_remove() finds nothing */
			igt_assert_eq(vsvm_syncobj_destroy(fd, h[n]), -EINVAL);
			/* drm_syncobj_array_find() */
			igt_assert_eq(wait1(fd, h[n], 0, 0), -ENOENT);
		}

		for (c = 0; c < CREATE_CYCLES; c++) {
			uint32_t x = create(fd, c & 1 ? SIGNALED : 0);

			igt_assert_eq(is_signalled(fd, x), c & 1);
			destroy(fd, x);
			igt_assert_eq(vsvm_syncobj_destroy(fd, x), -EINVAL);
		}

		/* syncobjs still alive at close are released with the file */
		fd = open_gpu(i);
		for (n = 0; n < 64; n++)
			h[n] = create(fd, n & 1 ? SIGNALED : 0);
		vsvm_close(fd);
		/* a new file starts without any */
		fd = open_gpu(i);
		for (n = 0; n < 64; n++)
			igt_assert_eq(wait1(fd, h[n], 0, 0), -ENOENT);
		vsvm_close(fd);
	}
}

/* ---- signal-wait ---------------------------------------------------------------- */

static void test_signal_wait(void)
{
	uint32_t a[2], first;
	int64_t t0;
	int i, fd;

	for (i = 0; i < num_gpus; i++) {
		uint32_t s, u;

		fd = fds[i];

		/* created signalled: a poll, a past and a distant timeout all return 0 at once */
		s = create(fd, SIGNALED);
		igt_assert_eq(wait1(fd, s, 0, 0), 0);
		igt_assert_eq(wait1(fd, s, 1, 0), 0);
		t0 = now_ns();
		igt_assert_eq(wait1(fd, s, deadline_ms(LONG_WAIT_MS), 0), 0);
		igt_assert_lt_s64(now_ns() - t0, LONG_WAIT_MS * MSEC / 2);
		igt_assert_eq(wait1(fd, s, 0, WAIT_ALL | WAIT_FOR_SUBMIT), 0);

		/*
		 * created unsignalled: no fence, which a plain wait rejects with
		 * EINVAL and WAIT_FOR_SUBMIT waits for until the timeout (ETIME)
		 */
		u = create(fd, 0);
		igt_assert_eq(wait1(fd, u, 0, 0), -EINVAL);
		igt_assert_eq(wait1(fd, u, deadline_ms(SHORT_WAIT_MS), 0), -EINVAL);
		igt_assert_eq(wait1(fd, u, 0, WAIT_FOR_SUBMIT), -ETIME);
		igt_assert_eq(wait1(fd, u, 1, WAIT_FOR_SUBMIT), -ETIME);
		t0 = now_ns();
		igt_assert_eq(wait1(fd, u, deadline_ms(SHORT_WAIT_MS), WAIT_FOR_SUBMIT), -ETIME);
		check_timed_out(now_ns() - t0, SHORT_WAIT_MS);

		/* signal */
		igt_assert_eq(signal1(fd, u), 0);
		igt_assert_eq(wait1(fd, u, 0, 0), 0);
		igt_assert_eq(wait1(fd, u, deadline_ms(SHORT_WAIT_MS), WAIT_FOR_SUBMIT), 0);
		/* signalling again is fine */
		igt_assert_eq(signal1(fd, u), 0);
		igt_assert(is_signalled(fd, u));

		/* reset: unsignalled again, also twice, also the one created signalled */
		igt_assert_eq(reset1(fd, u), 0);
		igt_assert_eq(wait1(fd, u, 0, 0), -EINVAL);
		igt_assert(!is_signalled(fd, u));
		igt_assert_eq(reset1(fd, u), 0);
		igt_assert(!is_signalled(fd, u));
		igt_assert_eq(reset1(fd, s), 0);
		igt_assert(!is_signalled(fd, s));
		igt_assert_eq(signal1(fd, s), 0);
		igt_assert(is_signalled(fd, s));

		/* arrays: s signalled, u not */
		a[0] = s;
		a[1] = u;
		igt_assert_eq(vsvm_syncobj_wait(fd, a, 2, 0, 0), -EINVAL); /* u has no fence */
		first = ~0u;
		igt_assert_eq(wait_first(fd, a, 2, 0, WAIT_FOR_SUBMIT, &first), 0);
		igt_assert_eq_u32(first, 0);
		a[0] = u;
		a[1] = s;
		first = ~0u;
		igt_assert_eq(wait_first(fd, a, 2, deadline_ms(SHORT_WAIT_MS), WAIT_FOR_SUBMIT, &first),
			      0);
		igt_assert_eq_u32(first, 1);
		igt_assert_eq(vsvm_syncobj_wait(fd, a, 2, 0, WAIT_ALL | WAIT_FOR_SUBMIT), -ETIME);
		igt_assert_eq(vsvm_syncobj_signal(fd, a, 2), 0);
		igt_assert_eq(vsvm_syncobj_wait(fd, a, 2, 0, WAIT_ALL), 0);
		igt_assert_eq(vsvm_syncobj_reset(fd, a, 2), 0);
		igt_assert(!is_signalled(fd, s));
		igt_assert(!is_signalled(fd, u));
		igt_assert_eq(vsvm_syncobj_wait(fd, a, 2, 0, WAIT_FOR_SUBMIT), -ETIME);

		destroy(fd, s);
		destroy(fd, u);
	}
}

/* ---- wait-for-submit ---------------------------------------------------------- */

static void test_wait_for_submit(void)
{
	struct delayed d, d2;
	uint32_t a[2], first;
	int64_t t0;
	int i, fd, ret;

	for (i = 0; i < num_gpus; i++) {
		uint32_t h;

		fd = fds[i];

		/* one syncobj, signalled twice (with a reset in between) */
		h = create(fd, 0);
		for (int round = 0; round < 2; round++) {
			t0 = now_ns();
			delayed_start(&d, DELAYED_SIGNAL, fd, h, 0, SIGNAL_DELAY_MS);
			ret = wait1(fd, h, deadline_ms(LONG_WAIT_MS), WAIT_FOR_SUBMIT);
			delayed_join(&d);
			igt_assert_eq(ret, 0);
			check_released(now_ns() - t0, SIGNAL_DELAY_MS);
			igt_assert(is_signalled(fd, h));
			igt_assert_eq(reset1(fd, h), 0);
		}
		destroy(fd, h);

		/* WAIT_ALL: released by the later of two signals */
		a[0] = create(fd, 0);
		a[1] = create(fd, 0);
		t0 = now_ns();
		delayed_start(&d, DELAYED_SIGNAL, fd, a[0], 0, SIGNAL_DELAY_MS / 2);
		delayed_start(&d2, DELAYED_SIGNAL, fd, a[1], 0, SIGNAL_DELAY_MS * 3 / 2);
		ret = vsvm_syncobj_wait(fd, a, 2, deadline_ms(LONG_WAIT_MS),
					WAIT_ALL | WAIT_FOR_SUBMIT);
		delayed_join(&d);
		delayed_join(&d2);
		igt_assert_eq(ret, 0);
		check_released(now_ns() - t0, SIGNAL_DELAY_MS * 3 / 2);

		/* any: released by the one signalled, which first_signaled names */
		igt_assert_eq(vsvm_syncobj_reset(fd, a, 2), 0);
		first = ~0u;
		t0 = now_ns();
		delayed_start(&d, DELAYED_SIGNAL, fd, a[1], 0, SIGNAL_DELAY_MS);
		ret = wait_first(fd, a, 2, deadline_ms(LONG_WAIT_MS), WAIT_FOR_SUBMIT, &first);
		delayed_join(&d);
		igt_assert_eq(ret, 0);
		check_released(now_ns() - t0, SIGNAL_DELAY_MS);
		igt_assert_eq_u32(first, 1);
		igt_assert(!is_signalled(fd, a[0]));

		destroy(fd, a[0]);
		destroy(fd, a[1]);
	}
}

/* ---- timeline ------------------------------------------------------------------ */

#define TL_POINTS 16

static void test_timeline(void)
{
	uint32_t handles[TL_POINTS], pair[2];
	uint64_t points[TL_POINTS], pair_points[2];
	struct delayed d;
	int64_t t0;
	int i, fd, ret;
	uint64_t p;

	for (i = 0; i < num_gpus; i++) {
		uint32_t t, t2;

		fd = fds[i];
		t = create(fd, 0);

		/* nothing signalled: point 0, and no fence to wait on */
		igt_assert_eq_u64(query_point(fd, t, 0), 0);
		igt_assert_eq_u64(query_point(fd, t, DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED), 0);
		igt_assert_eq(twait1(fd, t, 1, 0, 0), -EINVAL);

		for (p = 1; p <= TL_POINTS; p++) {
			igt_assert_eq(tsignal1(fd, t, p), 0);
			igt_assert_eq(query1(fd, t, &points[0]), 0);
			igt_assert_eq_u64(points[0], p);
			igt_assert_eq_u64(query_point(fd, t,
						      DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED), p);
		}

		/* every signalled point, alone and all at once */
		for (p = 1; p <= TL_POINTS; p++) {
			igt_assert_eq(twait1(fd, t, p, 0, 0), 0);
			igt_assert_eq(twait1(fd, t, p, 0, WAIT_AVAILABLE), 0);
			handles[p - 1] = t;
			points[p - 1] = p;
		}
		igt_assert_eq(vsvm_syncobj_timeline_wait(fd, handles, points, TL_POINTS, 0,
							 WAIT_ALL),
			      0);
		/* a binary wait (point 0) sees the last point */
		igt_assert_eq(wait1(fd, t, 0, 0), 0);

		/* the next point is not signalled (not even submitted) yet */
		p = TL_POINTS + 1;
		igt_assert_eq(twait1(fd, t, p, 0, 0), -EINVAL);
		igt_assert_eq(twait1(fd, t, p, 0, WAIT_FOR_SUBMIT), -ETIME);
		igt_assert_eq(twait1(fd, t, p, 0, WAIT_AVAILABLE), -ETIME);
		t0 = now_ns();
		igt_assert_eq(twait1(fd, t, p, deadline_ms(SHORT_WAIT_MS), WAIT_FOR_SUBMIT), -ETIME);
		check_timed_out(now_ns() - t0, SHORT_WAIT_MS);
		/* and waiting all with a signalled point does not change that */
		handles[0] = handles[1] = t;
		points[0] = 1;
		points[1] = p;
		igt_assert_eq(vsvm_syncobj_timeline_wait(fd, handles, points, 2, 0,
							 WAIT_ALL | WAIT_FOR_SUBMIT),
			      -ETIME);

		/* until another thread signals it */
		t0 = now_ns();
		delayed_start(&d, DELAYED_TIMELINE_SIGNAL, fd, t, p, SIGNAL_DELAY_MS);
		ret = twait1(fd, t, p, deadline_ms(LONG_WAIT_MS), WAIT_FOR_SUBMIT);
		delayed_join(&d);
		igt_assert_eq(ret, 0);
		check_released(now_ns() - t0, SIGNAL_DELAY_MS);
		igt_assert_eq(query1(fd, t, &points[0]), 0);
		igt_assert_eq_u64(points[0], p);

		/* a later point releases a wait on an earlier one */
		t0 = now_ns();
		delayed_start(&d, DELAYED_TIMELINE_SIGNAL, fd, t, p + 3, SIGNAL_DELAY_MS);
		ret = twait1(fd, t, p + 2, deadline_ms(LONG_WAIT_MS), WAIT_FOR_SUBMIT);
		delayed_join(&d);
		igt_assert_eq(ret, 0);
		check_released(now_ns() - t0, SIGNAL_DELAY_MS);
		igt_assert_eq(twait1(fd, t, p + 1, 0, 0), 0);
		igt_assert_eq(twait1(fd, t, p + 3, 0, 0), 0);
		igt_assert_eq(twait1(fd, t, p + 4, 0, 0), -EINVAL);
		igt_assert_eq_u64(query_point(fd, t, 0), p + 3);

		/* one call signals two timelines at their own points */
		t2 = create(fd, 0);
		pair[0] = t;
		pair[1] = t2;
		pair_points[0] = p + 4;
		pair_points[1] = 7;
		igt_assert_eq(vsvm_syncobj_timeline_signal(fd, pair, pair_points, 2), 0);
		pair_points[0] = pair_points[1] = 0;
		igt_assert_eq(vsvm_syncobj_query(fd, pair, pair_points, 2), 0);
		igt_assert_eq_u64(pair_points[0], p + 4);
		igt_assert_eq_u64(pair_points[1], 7);
		igt_assert_eq(twait1(fd, t2, 7, 0, 0), 0);
		igt_assert_eq(twait1(fd, t2, 8, 0, 0), -EINVAL);

		destroy(fd, t);
		destroy(fd, t2);
	}
}

/* ---- timeline-sw-sync ------------------------------------------------------------ */

#define TL_SW_POINTS 4

static void test_timeline_sw_sync(void)
{
	const uint64_t pend = TL_SW_POINTS + 1;
	struct delayed d;
	int64_t t0;
	int i, fd, ret;
	uint64_t p;

	require_sw_sync();

	for (i = 0; i < num_gpus; i++) {
		int tl = sw_sync_timeline(), fence;
		uint32_t t, b;

		fd = fds[i];
		t = create(fd, 0);
		for (p = 1; p <= TL_SW_POINTS; p++)
			igt_assert_eq(tsignal1(fd, t, p), 0);

		/* a pending fence becomes point pend of the timeline */
		fence = sw_sync_fence(tl, 1);
		b = create(fd, 0);
		import_sync_file(fd, b, fence);
		close(fence);
		igt_assert_eq(drmSyncobjTransfer(fd, t, pend, b, 0, 0) < 0 ? -errno : 0, 0);

		igt_assert_eq_u64(query_point(fd, t, 0), TL_SW_POINTS);
		igt_assert_eq_u64(query_point(fd, t, DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED), pend);
		/* submitted, not signalled */
		igt_assert_eq(twait1(fd, t, pend, 0, WAIT_AVAILABLE), 0);
		igt_assert_eq(twait1(fd, t, pend, 0, 0), -ETIME);
		igt_assert_eq(twait1(fd, t, pend, 0, WAIT_FOR_SUBMIT), -ETIME);
		igt_assert_eq(twait1(fd, t, pend + 1, 0, WAIT_AVAILABLE), -ETIME);
		t0 = now_ns();
		igt_assert_eq(twait1(fd, t, pend, deadline_ms(SHORT_WAIT_MS), 0), -ETIME);
		check_timed_out(now_ns() - t0, SHORT_WAIT_MS);
		/* the earlier points stay signalled; the binary wait sees the last point */
		for (p = 1; p <= TL_SW_POINTS; p++)
			igt_assert_eq(twait1(fd, t, p, 0, 0), 0);
		igt_assert_eq(wait1(fd, t, 0, 0), -ETIME);

		/* the sw_sync timeline advances: the point signals */
		t0 = now_ns();
		delayed_start(&d, DELAYED_SW_SYNC_INC, tl, 0, 0, SIGNAL_DELAY_MS);
		ret = twait1(fd, t, pend, deadline_ms(LONG_WAIT_MS), 0);
		delayed_join(&d);
		igt_assert_eq(ret, 0);
		check_released(now_ns() - t0, SIGNAL_DELAY_MS);
		igt_assert_eq_u64(query_point(fd, t, 0), pend);
		igt_assert_eq(wait1(fd, t, 0, 0), 0);
		igt_assert(is_signalled(fd, b));

		destroy(fd, t);
		destroy(fd, b);
		close(tl);
	}
}

/* ---- sync-file ------------------------------------------------------------------- */

static void test_sync_file(void)
{
	int i, fd, sf, sf2;

	for (i = 0; i < num_gpus; i++) {
		uint32_t s, u, t, u2;

		fd = fds[i];
		s = create(fd, SIGNALED);
		u = create(fd, 0);

		sf = export_sync_file(fd, s);
		igt_assert(has_cloexec(sf));
		igt_assert(fence_fd_signalled(sf));
		import_sync_file(fd, u, sf);
		igt_assert_eq(wait1(fd, u, 0, 0), 0);

		/* the sync_file holds the fence, not the syncobj: a reset does not reach it */
		igt_assert_eq(reset1(fd, s), 0);
		igt_assert_eq(reset1(fd, u), 0);
		igt_assert(fence_fd_signalled(sf));
		import_sync_file(fd, u, sf);
		igt_assert_eq(wait1(fd, u, 0, 0), 0);
		/* the same sync_file imports again */
		import_sync_file(fd, s, sf);
		igt_assert_eq(wait1(fd, s, 0, 0), 0);
		close(sf);

		/* drm_syncobj_find_fence(): no fence and no WAIT_FOR_SUBMIT is EINVAL */
		igt_assert_eq(reset1(fd, s), 0);
		igt_assert_eq(vsvm_syncobj_export_sync_file(fd, s, &sf), -EINVAL);

		/* a timeline exports its last point */
		t = create(fd, 0);
		igt_assert_eq(tsignal1(fd, t, 5), 0);
		sf2 = export_sync_file(fd, t);
		igt_assert(fence_fd_signalled(sf2));
		u2 = create(fd, 0);
		import_sync_file(fd, u2, sf2);
		igt_assert_eq(wait1(fd, u2, 0, 0), 0);
		close(sf2);

		destroy(fd, s);
		destroy(fd, u);
		destroy(fd, t);
		destroy(fd, u2);
	}
}

/* ---- sync-file-sw-sync ------------------------------------------------------------ */

static void test_sync_file_sw_sync(void)
{
	struct delayed d;
	int64_t t0;
	int i, fd, ret;

	require_sw_sync();

	for (i = 0; i < num_gpus; i++) {
		int tl = sw_sync_timeline();
		int f1 = sw_sync_fence(tl, 1), f2 = sw_sync_fence(tl, 2), f3 = sw_sync_fence(tl, 3);
		int sf;
		uint32_t h;

		fd = fds[i];
		igt_assert(!fence_fd_signalled(f1));

		/* an unsignalled fence: a wait times out, with or without WAIT_FOR_SUBMIT */
		h = create(fd, 0);
		import_sync_file(fd, h, f1);
		igt_assert_eq(wait1(fd, h, 0, 0), -ETIME);
		igt_assert_eq(wait1(fd, h, 0, WAIT_FOR_SUBMIT), -ETIME);
		t0 = now_ns();
		igt_assert_eq(wait1(fd, h, deadline_ms(SHORT_WAIT_MS), 0), -ETIME);
		check_timed_out(now_ns() - t0, SHORT_WAIT_MS);
		sf = export_sync_file(fd, h);
		igt_assert(!fence_fd_signalled(sf));

		/* the timeline reaches 1: fence 1 signals, fence 2 does not */
		igt_assert_eq(sw_sync_inc(tl, 1), 0);
		igt_assert_eq(wait1(fd, h, 0, 0), 0);
		igt_assert(fence_fd_signalled(sf));
		igt_assert(fence_fd_signalled(f1));
		igt_assert(!fence_fd_signalled(f2));
		close(sf);

		/* a blocked wait is released when the fence signals */
		import_sync_file(fd, h, f2);
		igt_assert_eq(wait1(fd, h, 0, 0), -ETIME);
		t0 = now_ns();
		delayed_start(&d, DELAYED_SW_SYNC_INC, tl, 0, 0, SIGNAL_DELAY_MS);
		ret = wait1(fd, h, deadline_ms(LONG_WAIT_MS), 0);
		delayed_join(&d);
		igt_assert_eq(ret, 0);
		check_released(now_ns() - t0, SIGNAL_DELAY_MS);

		/* a reset drops the pending fence; the fence itself stays pending */
		import_sync_file(fd, h, f3);
		igt_assert_eq(wait1(fd, h, 0, 0), -ETIME);
		igt_assert_eq(reset1(fd, h), 0);
		igt_assert_eq(wait1(fd, h, 0, 0), -EINVAL);
		igt_assert(!fence_fd_signalled(f3));

		/* closing the sw_sync timeline signals (with an error) its pending fences */
		import_sync_file(fd, h, f3);
		igt_assert_eq(wait1(fd, h, 0, 0), -ETIME);
		close(tl);
		igt_assert_eq(wait1(fd, h, deadline_ms(LONG_WAIT_MS), 0), 0);
		igt_assert(fence_fd_signalled(f3));

		destroy(fd, h);
		close(f1);
		close(f2);
		close(f3);
	}
}

/* ---- syncobj-fd ------------------------------------------------------------------- */

static void test_syncobj_fd(void)
{
	int i, fd, other, objfd, objfd2;

	for (i = 0; i < num_gpus; i++) {
		uint32_t h, h2, h3, ho;

		fd = fds[i];
		h = create(fd, 0);
		objfd = export_syncobj_fd(fd, h);
		igt_assert(has_cloexec(objfd));
		h2 = import_syncobj_fd(fd, objfd);
		igt_assert_neq_u32(h2, h);

		igt_assert(!is_signalled(fd, h2));
		igt_assert_eq(signal1(fd, h), 0);
		igt_assert(is_signalled(fd, h2));
		igt_assert_eq(reset1(fd, h2), 0);
		igt_assert(!is_signalled(fd, h));

		/* exported twice, imported on another file of the GPU */
		objfd2 = export_syncobj_fd(fd, h2);
		other = open_gpu(i);
		ho = import_syncobj_fd(other, objfd2);
		close(objfd2);
		h3 = import_syncobj_fd(fd, objfd);
		close(objfd);

		/* the first handle goes, the object stays */
		destroy(fd, h);
		igt_assert_eq(wait1(fd, h, 0, 0), -ENOENT);
		igt_assert_eq(signal1(other, ho), 0);
		igt_assert(is_signalled(fd, h2));
		igt_assert(is_signalled(fd, h3));
		igt_assert_eq(reset1(fd, h3), 0);
		igt_assert(!is_signalled(other, ho));

		vsvm_close(other);
		igt_assert(!is_signalled(fd, h2));
		destroy(fd, h2);
		destroy(fd, h3);
	}
}

/* ---- bad-handles ----------------------------------------------------------------- */

static void check_bad_fds(int fd, uint32_t v, int sf, int objfd)
{
	uint32_t h = 0;

	/* DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE: sync_file_get_fence() finds no fence */
	igt_assert_eq(vsvm_syncobj_import_sync_file(fd, v, -1), -EINVAL);
	igt_assert_eq(vsvm_syncobj_import_sync_file(fd, v, fd), -EINVAL);
	igt_assert_eq(vsvm_syncobj_import_sync_file(fd, v, objfd), -EINVAL);
	/* plain FD_TO_HANDLE: drm_syncobj_fd_to_handle(), no file or not a syncobj */
	igt_assert_eq(drmSyncobjFDToHandle(fd, -1, &h) < 0 ? -errno : 0, -EINVAL);
	igt_assert_eq(drmSyncobjFDToHandle(fd, fd, &h) < 0 ? -errno : 0, -EINVAL);
	igt_assert_eq(drmSyncobjFDToHandle(fd, sf, &h) < 0 ? -errno : 0, -EINVAL);
}

static void test_bad_handles(void)
{
	const long page = sysconf(_SC_PAGESIZE);
	uint32_t bad[4], arr[2], h = 0;
	uint64_t point, points[2];
	int i, j, fd, sf, objfd;
	void *none;

	none = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(none != MAP_FAILED);

	for (i = 0; i < num_gpus; i++) {
		struct drm_syncobj_create cr;
		struct drm_syncobj_destroy de;
		struct drm_syncobj_array ar;
		struct drm_syncobj_timeline_array ta;
		struct drm_syncobj_handle ha;
		struct drm_syncobj_wait wa;
		struct drm_syncobj_timeline_wait tw;
		struct drm_syncobj_transfer tr;
		uint32_t v, t, dead;

		fd = open_gpu(i);
		v = create(fd, SIGNALED);
		t = create(fd, 0);
		dead = create(fd, 0);
		destroy(fd, dead);
		bad[0] = 0;
		bad[1] = dead;
		bad[2] = 0x7fffffff;
		bad[3] = 0xffffffff;
		sf = export_sync_file(fd, v);
		objfd = export_syncobj_fd(fd, v);

		/* handles */
		for (j = 0; j < (int)ARRAY_SIZE(bad); j++) {
			igt_debug("bad handle %#x\n", bad[j]);
			check_no_handle(fd, bad[j]);
			/* drm_syncobj_import_sync_file_fence(): the fence is fine, the handle not */
			igt_assert_eq(vsvm_syncobj_import_sync_file(fd, bad[j], sf), -ENOENT);
			/* transfer: drm_syncobj_find() of dst, drm_syncobj_find_fence() of src */
			igt_assert_eq(drmSyncobjTransfer(fd, bad[j], 1, v, 0, 0) < 0 ? -errno : 0,
				      -ENOENT);
			igt_assert_eq(drmSyncobjTransfer(fd, t, 1, bad[j], 0, 0) < 0 ? -errno : 0,
				      -ENOENT);
			igt_assert_eq(drmSyncobjTransfer(fd, bad[j], 0, v, 0, 0) < 0 ? -errno : 0,
				      -ENOENT);

			/* a bad handle in an array fails the whole call, nothing is done */
			arr[0] = t;
			arr[1] = bad[j];
			igt_assert_eq(vsvm_syncobj_wait(fd, arr, 2, 0, WAIT_FOR_SUBMIT), -ENOENT);
			igt_assert_eq(vsvm_syncobj_signal(fd, arr, 2), -ENOENT);
			igt_assert(!is_signalled(fd, t));
			arr[0] = v;
			igt_assert_eq(vsvm_syncobj_reset(fd, arr, 2), -ENOENT);
			igt_assert(is_signalled(fd, v));
		}

		/* file descriptors */
		check_bad_fds(fd, v, sf, objfd);

		/* counts of zero: the waits have nothing to wait for, the others reject it */
		arr[0] = v;
		points[0] = 1;
		igt_assert_eq(vsvm_syncobj_wait(fd, arr, 0, 0, 0), 0);
		igt_assert_eq(vsvm_syncobj_wait(fd, arr, 0, 0, WAIT_ALL | WAIT_FOR_SUBMIT), 0);
		igt_assert_eq(vsvm_syncobj_timeline_wait(fd, arr, points, 0, 0, 0), 0);
		igt_assert_eq(vsvm_syncobj_signal(fd, arr, 0), -EINVAL);
		igt_assert_eq(vsvm_syncobj_reset(fd, arr, 0), -EINVAL);
		igt_assert_eq(vsvm_syncobj_timeline_signal(fd, arr, points, 0), -EINVAL);
		igt_assert_eq(vsvm_syncobj_query(fd, arr, points, 0), -EINVAL);
		igt_assert(is_signalled(fd, v));

		/* unknown flags */
		igt_assert_eq(vsvm_syncobj_create(fd, 1u << 1, &h), -EINVAL);
		igt_assert_eq(vsvm_syncobj_create(fd, 1u << 31, &h), -EINVAL);
		/* WAIT_AVAILABLE is only for timeline waits; 1 << 3 (WAIT_DEADLINE) is valid */
		igt_assert_eq(wait1(fd, v, 0, WAIT_AVAILABLE), -EINVAL);
		igt_assert_eq(wait1(fd, v, 0, 1u << 4), -EINVAL);
		igt_assert_eq(wait1(fd, v, 0, 1u << 31), -EINVAL);
		igt_assert_eq(vsvm_syncobj_wait(fd, arr, 0, 0, 1u << 4), -EINVAL); /* before count */
		igt_assert_eq(wait1(fd, bad[0], 0, 1u << 4), -EINVAL);		/* before handles */
		igt_assert_eq(twait1(fd, v, 0, 0, 1u << 4), -EINVAL);
		igt_assert_eq(twait1(fd, v, 0, 0, 1u << 31), -EINVAL);
		igt_assert_eq(drmSyncobjQuery2(fd, &v, &point, 1, 1u << 1) < 0 ? -errno : 0,
			      -EINVAL);
		memset(&ta, 0, sizeof(ta));
		ta.handles = (uintptr_t)&t;
		ta.points = (uintptr_t)points;
		ta.count_handles = 1;
		ta.flags = 1;
		igt_assert_eq(xioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &ta), -EINVAL);
		igt_assert(!is_signalled(fd, t));
		memset(&ha, 0, sizeof(ha));
		ha.handle = v;
		ha.flags = 1u << 1;
		igt_assert_eq(xioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &ha), -EINVAL);
		memset(&ha, 0, sizeof(ha));
		ha.fd = objfd;
		ha.flags = 1u << 1;
		igt_assert_eq(xioctl(fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &ha), -EINVAL);
		/* transfer: flags go to drm_syncobj_find_fence(), which knows WAIT_FOR_SUBMIT only */
		igt_assert_eq(drmSyncobjTransfer(fd, t, 0, v, 0, WAIT_ALL) < 0 ? -errno : 0,
			      -EINVAL);
		igt_assert(!is_signalled(fd, t));

		/* non-zero pads */
		memset(&de, 0, sizeof(de));
		de.handle = v;
		de.pad = 1;
		igt_assert_eq(xioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &de), -EINVAL);
		memset(&ar, 0, sizeof(ar));
		ar.handles = (uintptr_t)&t;
		ar.count_handles = 1;
		ar.pad = 1;
		igt_assert_eq(xioctl(fd, DRM_IOCTL_SYNCOBJ_SIGNAL, &ar), -EINVAL);
		igt_assert(!is_signalled(fd, t));
		ar.handles = (uintptr_t)&v;
		igt_assert_eq(xioctl(fd, DRM_IOCTL_SYNCOBJ_RESET, &ar), -EINVAL);
		igt_assert(is_signalled(fd, v));
		memset(&ha, 0, sizeof(ha));
		ha.handle = v;
		ha.pad = 1;
		igt_assert_eq(xioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &ha), -EINVAL);
		memset(&ha, 0, sizeof(ha));
		ha.fd = objfd;
		ha.pad = 1;
		igt_assert_eq(xioctl(fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &ha), -EINVAL);
		memset(&tr, 0, sizeof(tr));
		tr.src_handle = v;
		tr.dst_handle = t;
		tr.pad = 1;
		igt_assert_eq(xioctl(fd, DRM_IOCTL_SYNCOBJ_TRANSFER, &tr), -EINVAL);
		igt_assert(!is_signalled(fd, t));

		/* bad pointers: drm_syncobj_array_find() and the points copies */
		memset(&wa, 0, sizeof(wa));
		wa.handles = (uintptr_t)none;
		wa.count_handles = 1;
		igt_assert_eq(xioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &wa), -EFAULT);
		memset(&ar, 0, sizeof(ar));
		ar.handles = (uintptr_t)none;
		ar.count_handles = 1;
		igt_assert_eq(xioctl(fd, DRM_IOCTL_SYNCOBJ_SIGNAL, &ar), -EFAULT);
		memset(&tw, 0, sizeof(tw));
		tw.handles = (uintptr_t)&v;
		tw.points = (uintptr_t)none;
		tw.count_handles = 1;
		igt_assert_eq(xioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &tw), -EFAULT);
		memset(&ta, 0, sizeof(ta));
		ta.handles = (uintptr_t)&t;
		ta.points = (uintptr_t)none;
		ta.count_handles = 1;
		igt_assert_eq(xioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &ta), -EFAULT);
		igt_assert_eq(xioctl(fd, DRM_IOCTL_SYNCOBJ_QUERY, &ta), -EFAULT);
		igt_assert(!is_signalled(fd, t));

		/* a create with an in-range flag still works, and so does the file */
		memset(&cr, 0, sizeof(cr));
		cr.flags = SIGNALED;
		igt_assert_eq(xioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &cr), 0);
		igt_assert_neq_u32(cr.handle, 0);
		igt_assert(is_signalled(fd, cr.handle));
		destroy(fd, cr.handle);
		igt_assert_eq(signal1(fd, t), 0);
		igt_assert(is_signalled(fd, t));

		close(sf);
		close(objfd);
		destroy(fd, v);
		destroy(fd, t);
		vsvm_close(fd);
	}

	munmap(none, page);
}

/* ---- per-file ------------------------------------------------------------------------ */

static void test_per_file(void)
{
	int i, a, b;

	for (i = 0; i < num_gpus; i++) {
		uint32_t ha, hb;

		a = open_gpu(i);
		b = open_gpu(i);

		ha = create(a, 0);
		check_no_handle(b, ha);
		igt_assert(!is_signalled(a, ha)); /* the checks on b did not touch it */

		hb = create(b, 0);
		igt_debug("GPU %d: handle %u on one file, %u on the other\n", i, ha, hb);
		igt_assert_eq(signal1(a, ha), 0);
		igt_assert(!is_signalled(b, hb));
		igt_assert_eq(signal1(b, hb), 0);
		igt_assert_eq(reset1(a, ha), 0);
		igt_assert(is_signalled(b, hb));

		/* closing one file leaves the other's syncobjs alone */
		vsvm_close(a);
		igt_assert(is_signalled(b, hb));
		destroy(b, hb);
		vsvm_close(b);
	}
}

/* ---- cross-gpu ------------------------------------------------------------------------- */

static void require_two_gpus(void)
{
	igt_require_f(num_gpus >= 2, "needs 2 GPUs, found %d\n", num_gpus);
}

static void test_cross_gpu(void)
{
	struct delayed d;
	int64_t t0;
	int i, j, a, b, objfd, sf, ret;

	require_two_gpus();

	for (i = 0; i < num_gpus; i++) {
		for (j = 0; j < num_gpus; j++) {
			uint32_t ha, hb;

			if (i == j)
				continue;
			igt_debug("GPU %d -> GPU %d\n", i, j);
			a = open_gpu(i);
			b = open_gpu(j);

			/* a handle of GPU i's file means nothing on GPU j's */
			ha = create(a, 0);
			check_no_handle(b, ha);
			hb = create(b, 0);
			igt_assert_eq(signal1(a, ha), 0);
			igt_assert(!is_signalled(b, hb));
			destroy(a, ha);
			destroy(b, hb);

			/* a syncobj fd shares the syncobj itself */
			ha = create(a, 0);
			objfd = export_syncobj_fd(a, ha);
			hb = import_syncobj_fd(b, objfd);
			close(objfd);
			t0 = now_ns();
			delayed_start(&d, DELAYED_SIGNAL, a, ha, 0, SIGNAL_DELAY_MS);
			ret = wait1(b, hb, deadline_ms(LONG_WAIT_MS), WAIT_FOR_SUBMIT);
			delayed_join(&d);
			igt_assert_eq(ret, 0);
			check_released(now_ns() - t0, SIGNAL_DELAY_MS);
			igt_assert_eq(reset1(b, hb), 0);
			igt_assert_eq(wait1(a, ha, 0, 0), -EINVAL); /* no fence after the reset */
			destroy(a, ha);
			igt_assert_eq(signal1(b, hb), 0);
			igt_assert(is_signalled(b, hb));
			destroy(b, hb);

			/* a sync_file carries the (signalled) fence */
			ha = create(a, SIGNALED);
			sf = export_sync_file(a, ha);
			hb = create(b, 0);
			import_sync_file(b, hb, sf);
			close(sf);
			igt_assert_eq(wait1(b, hb, 0, 0), 0);
			igt_assert_eq(reset1(a, ha), 0);
			igt_assert_eq(wait1(b, hb, 0, 0), 0);
			destroy(a, ha);
			destroy(b, hb);

			vsvm_close(a);
			vsvm_close(b);
		}
	}
}

static void test_cross_gpu_sync_file(void)
{
	struct delayed d;
	int64_t t0;
	int i, j, a, b, tl, fence, sf, ret;

	require_two_gpus();
	require_sw_sync();

	for (i = 0; i < num_gpus; i++) {
		for (j = 0; j < num_gpus; j++) {
			uint32_t ha, hb;

			if (i == j)
				continue;
			igt_debug("GPU %d -> GPU %d\n", i, j);
			a = open_gpu(i);
			b = open_gpu(j);
			tl = sw_sync_timeline();
			fence = sw_sync_fence(tl, 1);

			ha = create(a, 0);
			import_sync_file(a, ha, fence);
			close(fence);
			sf = export_sync_file(a, ha);
			igt_assert(!fence_fd_signalled(sf));
			hb = create(b, 0);
			import_sync_file(b, hb, sf);
			close(sf);

			igt_assert_eq(wait1(a, ha, 0, 0), -ETIME);
			t0 = now_ns();
			igt_assert_eq(wait1(b, hb, deadline_ms(SHORT_WAIT_MS), 0), -ETIME);
			check_timed_out(now_ns() - t0, SHORT_WAIT_MS);

			t0 = now_ns();
			delayed_start(&d, DELAYED_SW_SYNC_INC, tl, 0, 0, SIGNAL_DELAY_MS);
			ret = wait1(b, hb, deadline_ms(LONG_WAIT_MS), 0);
			delayed_join(&d);
			igt_assert_eq(ret, 0);
			check_released(now_ns() - t0, SIGNAL_DELAY_MS);
			igt_assert_eq(wait1(a, ha, 0, 0), 0);

			destroy(a, ha);
			destroy(b, hb);
			close(tl);
			vsvm_close(a);
			vsvm_close(b);
		}
	}
}

/* ---- concurrent ------------------------------------------------------------------------ */

#define WAITERS 8
#define TL_END 3
#define CD_THREADS 4
#define CD_BATCH 16
#define CD_SECONDS 2
#define CD_TRACK 4096

struct waiter {
	pthread_t thread;
	int fd;
	uint32_t handle;
	uint64_t point; /* 0: binary wait */
	atomic_bool *released; /* set just before the signal that may release this wait */
	pid_t tid;
	int ret;
	bool early;
};

static atomic_int waiters_ready;

static void *waiter_fn(void *arg)
{
	struct waiter *w = arg;

	w->tid = gettid();
	atomic_fetch_add(&waiters_ready, 1);
	if (w->point)
		w->ret = twait1(w->fd, w->handle, w->point, deadline_ms(LONG_WAIT_MS),
				WAIT_FOR_SUBMIT);
	else
		w->ret = wait1(w->fd, w->handle, deadline_ms(LONG_WAIT_MS), WAIT_FOR_SUBMIT);
	w->early = w->released && !atomic_load(w->released);
	return NULL;
}

/* Start one binary waiter on @handle of @fd and return once it is asleep in the wait. */
static void start_waiter(struct waiter *w, int fd, uint32_t handle)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->handle = handle;
	atomic_store(&waiters_ready, 0);
	igt_assert_eq(pthread_create(&w->thread, NULL, waiter_fn, w), 0);
	while (atomic_load(&waiters_ready) < 1)
		usleep(1000);
	wait_task_sleeping(w->tid);
}

struct signaller {
	pthread_t thread;
	int fd;
	uint32_t binary, timeline;
	atomic_bool *released; /* [0]: binary, [p]: timeline point p */
	int ret;
};

static void *signaller_fn(void *arg)
{
	struct signaller *s = arg;
	uint64_t p;

	usleep(SIGNAL_DELAY_MS * 1000);
	atomic_store(&s->released[0], true);
	s->ret = signal1(s->fd, s->binary);
	for (p = 1; p <= TL_END && !s->ret; p++) {
		usleep(10000);
		atomic_store(&s->released[p], true);
		s->ret = tsignal1(s->fd, s->timeline, p);
	}
	return NULL;
}

static void concurrent_waiters(int gpu)
{
	struct waiter w[WAITERS];
	struct signaller s;
	atomic_bool released[TL_END + 1];
	int own[WAITERS];
	int fd = fds[gpu], bin_fd, tl_fd, n;
	uint32_t bin, tl;
	uint64_t point;

	for (n = 0; n <= TL_END; n++)
		atomic_init(&released[n], false);
	bin = create(fd, 0);
	tl = create(fd, 0);
	bin_fd = export_syncobj_fd(fd, bin);
	tl_fd = export_syncobj_fd(fd, tl);

	atomic_store(&waiters_ready, 0);
	for (n = 0; n < WAITERS; n++) {
		bool timeline = n & 2;

		memset(&w[n], 0, sizeof(w[n]));
		own[n] = -1;
		/* odd waiters use a file of their own */
		if (n & 1) {
			own[n] = open_gpu(gpu);
			w[n].fd = own[n];
			w[n].handle = import_syncobj_fd(own[n], timeline ? tl_fd : bin_fd);
		} else {
			w[n].fd = fd;
			w[n].handle = timeline ? tl : bin;
		}
		w[n].point = timeline ? 1 + (n / 4) % TL_END : 0;
		if (n == WAITERS - 1)
			w[n].point = TL_END;
		w[n].released = &released[w[n].point];
	}
	for (n = 0; n < WAITERS; n++)
		igt_assert_eq(pthread_create(&w[n].thread, NULL, waiter_fn, &w[n]), 0);
	while (atomic_load(&waiters_ready) < WAITERS)
		usleep(1000);

	s.fd = fd;
	s.binary = bin;
	s.timeline = tl;
	s.released = released;
	s.ret = -EINPROGRESS;
	igt_assert_eq(pthread_create(&s.thread, NULL, signaller_fn, &s), 0);

	for (n = 0; n < WAITERS; n++)
		igt_assert_eq(pthread_join(w[n].thread, NULL), 0);
	igt_assert_eq(pthread_join(s.thread, NULL), 0);
	igt_assert_f(s.ret == 0, "signaller: %s\n", strerror(-s.ret));

	for (n = 0; n < WAITERS; n++) {
		igt_assert_f(w[n].ret == 0, "GPU %d waiter %d (point %llu): %s\n", gpu, n,
			     (unsigned long long)w[n].point, strerror(-w[n].ret));
		igt_assert_f(!w[n].early, "GPU %d waiter %d (point %llu) released before the signal\n",
			     gpu, n, (unsigned long long)w[n].point);
		if (own[n] >= 0)
			vsvm_close(own[n]);
	}
	igt_assert_eq(query1(fd, tl, &point), 0);
	igt_assert_eq_u64(point, TL_END);
	close(bin_fd);
	close(tl_fd);
	destroy(fd, bin);
	destroy(fd, tl);
}

static atomic_uchar owned[MAX_GPUS][CD_TRACK];

struct cd_thread {
	pthread_t thread;
	int gpu;
	int fd;
	int64_t end_ns;
	unsigned long cycles;
	unsigned long errors;
};

static void cd_error(struct cd_thread *c, const char *what, uint32_t h, int ret)
{
	if (c->errors++ < 5)
		igt_warn("GPU %d: %s of handle %u: %s\n", c->gpu, what, h, strerror(-ret));
}

static void *cd_fn(void *arg)
{
	struct cd_thread *c = arg;
	uint32_t h[CD_BATCH];
	int n, ret;

	while (now_ns() < c->end_ns) {
		for (n = 0; n < CD_BATCH; n++) {
			h[n] = 0;
			ret = vsvm_syncobj_create(c->fd, n & 1 ? SIGNALED : 0, &h[n]);
			if (ret || !h[n]) {
				cd_error(c, "create", h[n], ret);
				h[n] = 0;
				continue;
			}
			if (h[n] < CD_TRACK && atomic_exchange(&owned[c->gpu][h[n]], 1))
				cd_error(c, "create (handle already live)", h[n], -EEXIST);
			ret = wait1(c->fd, h[n], 0, WAIT_FOR_SUBMIT);
			if (ret != (n & 1 ? 0 : -ETIME))
				cd_error(c, "initial state", h[n], ret);
		}
		for (n = 0; n < CD_BATCH; n++) {
			if (!h[n])
				continue;
			ret = signal1(c->fd, h[n]);
			if (!ret)
				ret = wait1(c->fd, h[n], 0, 0);
			if (ret)
				cd_error(c, "signal/wait", h[n], ret);
		}
		for (n = 0; n < CD_BATCH; n++) {
			if (!h[n])
				continue;
			/* free the slot first: the handle may be reused at once */
			if (h[n] < CD_TRACK)
				atomic_store(&owned[c->gpu][h[n]], 0);
			ret = vsvm_syncobj_destroy(c->fd, h[n]);
			if (ret)
				cd_error(c, "destroy", h[n], ret);
		}
		c->cycles++;
	}
	return NULL;
}

/* opens a file of the GPU, leaves syncobjs in it and closes it, repeatedly */
static void *open_close_fn(void *arg)
{
	struct cd_thread *c = arg;
	uint32_t h;
	int fd, n, ret;

	while (now_ns() < c->end_ns) {
		fd = vsvm_open_path(paths[c->gpu]);
		if (fd < 0) {
			cd_error(c, "open", 0, fd);
			continue;
		}
		for (n = 0; n < CD_BATCH; n++) {
			ret = vsvm_syncobj_create(fd, n & 1 ? SIGNALED : 0, &h);
			if (ret)
				cd_error(c, "create", 0, ret);
		}
		vsvm_close(fd);
		c->cycles++;
	}
	return NULL;
}

static void concurrent_create_destroy(void)
{
	static struct cd_thread cd[MAX_GPUS][CD_THREADS + 1];
	int cd_fds[MAX_GPUS];
	int64_t end = now_ns() + CD_SECONDS * 1000000000LL;
	int i, n;

	memset(owned, 0, sizeof(owned));
	for (i = 0; i < num_gpus; i++) {
		cd_fds[i] = open_gpu(i);
		for (n = 0; n <= CD_THREADS; n++) {
			struct cd_thread *c = &cd[i][n];

			memset(c, 0, sizeof(*c));
			c->gpu = i;
			c->fd = cd_fds[i];
			c->end_ns = end;
			igt_assert_eq(pthread_create(&c->thread, NULL,
						     n < CD_THREADS ? cd_fn : open_close_fn, c), 0);
		}
	}
	for (i = 0; i < num_gpus; i++) {
		unsigned long cycles = 0, opens;

		for (n = 0; n <= CD_THREADS; n++)
			igt_assert_eq(pthread_join(cd[i][n].thread, NULL), 0);
		for (n = 0; n < CD_THREADS; n++)
			cycles += cd[i][n].cycles;
		opens = cd[i][CD_THREADS].cycles;
		igt_info("GPU %d: %lu create/destroy batches of %d, %lu open/close\n", i, cycles,
			 CD_BATCH, opens);
		for (n = 0; n <= CD_THREADS; n++)
			igt_assert_f(cd[i][n].errors == 0, "GPU %d thread %d: %lu errors\n", i, n,
				     cd[i][n].errors);
		igt_assert_lt(0, cycles);
		igt_assert_lt(0, opens);
		for (n = 0; n < CD_TRACK; n++)
			igt_assert_f(!atomic_load(&owned[i][n]), "GPU %d: handle %d still live\n", i, n);
		vsvm_close(cd_fds[i]);
	}
}

static void test_concurrent(void)
{
	int i;

	for (i = 0; i < num_gpus; i++)
		concurrent_waiters(i);
	concurrent_create_destroy();
}

/* ---- close-with-waiters ------------------------------------------------------------------ */

static void test_close_with_waiters(void)
{
	int i, f, g, objfd, pipefd[2];
	uint32_t h, hg;
	pid_t pid;

	for (i = 0; i < num_gpus; i++) {
		struct waiter w;

		/* a forked child waits on the file the parent then closes */
		f = open_gpu(i);
		h = create(f, 0);
		objfd = export_syncobj_fd(f, h);
		igt_assert_eq(pipe(pipefd), 0);
		igt_fork(child, 1) {
			pid_t me = getpid();

			close(pipefd[0]);
			igt_assert_eq(write(pipefd[1], &me, sizeof(me)), sizeof(me));
			igt_assert_eq(wait1(f, h, deadline_ms(2 * LONG_WAIT_MS), WAIT_FOR_SUBMIT), 0);
			/* the child's file and handle still work */
			igt_assert_eq(wait1(f, h, 0, 0), 0);
			igt_assert_eq(signal1(f, h), 0);
		}
		close(pipefd[1]);
		igt_assert_eq(read(pipefd[0], &pid, sizeof(pid)), sizeof(pid));
		close(pipefd[0]);
		wait_task_sleeping(pid);
		vsvm_close(f); /* the child's descriptor keeps the file open */
		g = open_gpu(i);
		hg = import_syncobj_fd(g, objfd);
		igt_assert_eq(signal1(g, hg), 0);
		igt_waitchildren(); /* the child's wait ends by itself after 2 * LONG_WAIT_MS */
		/* the syncobj outlives the child's file too */
		igt_assert(is_signalled(g, hg));
		destroy(g, hg);
		hg = import_syncobj_fd(g, objfd);
		igt_assert(is_signalled(g, hg));
		destroy(g, hg);
		close(objfd);

		/* a thread waits on a file another thread closes */
		f = open_gpu(i);
		h = create(f, 0);
		objfd = export_syncobj_fd(f, h);
		start_waiter(&w, f, h);
		vsvm_close(f); /* the ioctl in progress holds the file */
		hg = import_syncobj_fd(g, objfd);
		igt_assert_eq(signal1(g, hg), 0);
		igt_assert_eq(pthread_join(w.thread, NULL), 0);
		igt_assert_eq(w.ret, 0);
		igt_assert(is_signalled(g, hg));
		destroy(g, hg);
		close(objfd);

		/* a thread waits on a handle another thread destroys */
		f = open_gpu(i);
		h = create(f, 0);
		objfd = export_syncobj_fd(f, h);
		start_waiter(&w, f, h);
		destroy(f, h); /* the wait holds a reference to the syncobj */
		igt_assert_eq(wait1(f, h, 0, 0), -ENOENT);
		hg = import_syncobj_fd(f, objfd);
		igt_assert_eq(signal1(f, hg), 0);
		igt_assert_eq(pthread_join(w.thread, NULL), 0);
		igt_assert_eq(w.ret, 0);
		destroy(f, hg);
		close(objfd);
		vsvm_close(f);
		vsvm_close(g);
	}
}

igt_main
{
	igt_fixture
		open_all();

	/* each subtest has a timeout: a wait never released fails it, not the runner's kill */

	igt_describe("Create and destroy many syncobjs; double destroy fails with EINVAL.");
	igt_subtest("create-destroy") {
		igt_set_timeout(SUBTEST_TIMEOUT, "create-destroy");
		test_create_destroy();
	}

	igt_describe("Signal, reset and wait on binary syncobjs.");
	igt_subtest("signal-wait") {
		igt_set_timeout(SUBTEST_TIMEOUT, "signal-wait");
		test_signal_wait();
	}

	igt_describe("WAIT_FOR_SUBMIT waits are released by a signal from another thread.");
	igt_subtest("wait-for-submit") {
		igt_set_timeout(SUBTEST_TIMEOUT, "wait-for-submit");
		test_wait_for_submit();
	}

	igt_describe("Timeline points: signal, query, wait, release from another thread.");
	igt_subtest("timeline") {
		igt_set_timeout(SUBTEST_TIMEOUT, "timeline");
		test_timeline();
	}

	igt_describe("A pending sw_sync fence as a submitted, unsignalled timeline point.");
	igt_subtest("timeline-sw-sync") {
		igt_set_timeout(SUBTEST_TIMEOUT, "timeline-sw-sync");
		test_timeline_sw_sync();
	}

	igt_describe("Export and import of signalled sync_files.");
	igt_subtest("sync-file") {
		igt_set_timeout(SUBTEST_TIMEOUT, "sync-file");
		test_sync_file();
	}

	igt_describe("Import of pending sw_sync fences, signalled by SW_SYNC_IOC_INC.");
	igt_subtest("sync-file-sw-sync") {
		igt_set_timeout(SUBTEST_TIMEOUT, "sync-file-sw-sync");
		test_sync_file_sw_sync();
	}

	igt_describe("Export and import of syncobj fds: one object, several handles.");
	igt_subtest("syncobj-fd") {
		igt_set_timeout(SUBTEST_TIMEOUT, "syncobj-fd");
		test_syncobj_fd();
	}

	igt_describe("Invalid handles, fds, counts, flags, pads and pointers fail as in the DRM core.");
	igt_subtest("bad-handles") {
		igt_set_timeout(SUBTEST_TIMEOUT, "bad-handles");
		test_bad_handles();
	}

	igt_describe("Syncobj handles are per file.");
	igt_subtest("per-file") {
		igt_set_timeout(SUBTEST_TIMEOUT, "per-file");
		test_per_file();
	}

	igt_describe("Handles do not cross GPUs; syncobj fds and sync_files do.");
	igt_subtest("cross-gpu") {
		igt_set_timeout(SUBTEST_TIMEOUT, "cross-gpu");
		test_cross_gpu();
	}

	igt_describe("A pending fence carried by a sync_file from one GPU to another.");
	igt_subtest("cross-gpu-sync-file") {
		igt_set_timeout(SUBTEST_TIMEOUT, "cross-gpu-sync-file");
		test_cross_gpu_sync_file();
	}

	igt_describe("Concurrent waiters and signallers; concurrent create/destroy on every GPU.");
	igt_subtest("concurrent") {
		igt_set_timeout(SUBTEST_TIMEOUT, "concurrent");
		test_concurrent();
	}

	igt_describe("Waits outlive the closing of their file and the destroying of their handle.");
	igt_subtest("close-with-waiters") {
		igt_set_timeout(SUBTEST_TIMEOUT, "close-with-waiters");
		test_close_with_waiters();
	}

	igt_fixture
		close_all();
}
