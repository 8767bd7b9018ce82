// SPDX-License-Identifier: MIT
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * TEST: vsvm svm events
 * Description: The SVM event stream (DRM_IOCTL_VSVM_EVENTS_OPEN: fault,
 *              migration, eviction and GPU-unmap records read from a file
 *              descriptor), the per-process counters
 *              (DRM_IOCTL_VSVM_SVM_COUNTERS), the vsvm tracepoints and the
 *              vsvm-smi tool. Scripted sequences of prefetches, GPU faults,
 *              CPU faults, munmap() and evictions are checked record by
 *              record where the driver's behaviour is exact (kinds, order,
 *              addresses, sizes, page counts, locations, triggers) and by
 *              their invariants where it is not (the number of GPU faults a
 *              dispatch raises depends on the compute units). Every record
 *              read is checked to be well formed: a kind of the reader's
 *              mask (or DROPPED), the reader's process, a known GPU, zero in
 *              the fields its kind does not use, a timestamp not below the
 *              one before it and inside the step that caused it. Every
 *              subtest runs with device-private and with device-coherent
 *              VRAM (the coherent pass of make check); cpu-fault needs
 *              device-private VRAM.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: Memory management
 * Functionality: shared virtual memory events and counters
 * Feature: svm
 * Test category: uAPI
 * Test requirement: uAPI 1.4, VSVM_CAP_SVM_VRAM (all but open-bad-args),
 *                   root (permission, counters, eviction, tracepoints, smi)
 *
 * SUBTEST: open-bad-args
 * Description: EVENTS_OPEN fails with EINVAL for a zero mask, mask bit 0
 *              (alone or with valid bits), mask bits above
 *              VSVM_EVENT_KIND_MAX, unknown flags and a capacity above
 *              VSVM_EVENTS_MAX_CAPACITY, and with ESRCH for process ids that
 *              do not exist; no failed call leaves a file descriptor behind
 *              (/proc/self/fd counted). The limits work: capacity 1 and
 *              VSVM_EVENTS_MAX_CAPACITY, mask VSVM_EVENT_MASK_ALL and DROPPED
 *              alone; the fd field is output only; VSVM_EVENTS_NONBLOCK and
 *              VSVM_EVENTS_CLOEXEC set O_NONBLOCK and FD_CLOEXEC, nothing
 *              sets them otherwise.
 *
 * SUBTEST: permission
 * Description: As root, streams of process 1, of every process and of the
 *              caller's own process id open. A child that opened its own
 *              render node and dropped to uid/gid 65534 (no capabilities)
 *              gets EPERM for its parent, process 1 and
 *              VSVM_EVENTS_ALL_PROCESSES (no descriptor leaked) and opens its
 *              own stream (pid 0 and its pid). The parent and the child each
 *              prefetch 2 MiB: each process's own stream holds exactly its
 *              own two migration records, never the other's; the parent's
 *              stream of every process holds both, in order, with each
 *              process's pid.
 *
 * SUBTEST: sequence
 * Description: One stream of every kind and one of migrations only, on a
 *              scripted sequence over 4 MiB 2 MiB-aligned buffers A, B, C:
 *              prefetch of A to GPU 0 (exactly MIGRATE_START/END sysmem to
 *              GPU 0, trigger PREFETCH, 512 pages, for A then A + 2 MiB); the
 *              same prefetch again (nothing: in place); a GPU CHECKSUM of B
 *              (FAULT_START/FAULT_END pairs with the same address and read
 *              access, results MAPPED or RETRY, a MAPPED one in each 2 MiB
 *              block, no migration; the faults counter grows by the number
 *              of serviced faults); prefetch of A to system memory (per
 *              block GPU_UNMAP of GPU 0 with trigger MIGRATION, then the
 *              MIGRATE pair back); CPU read of A (nothing); munmap() of B
 *              (GPU_UNMAP trigger CPU_UNMAP of B per 512 MiB granule);
 *              SET_ATTR ACCESS for GPU 0 on C (nothing) and a GPU CHECKSUM
 *              of C (each 2 MiB block migrated exactly once, trigger
 *              GPU_FAULT, inside the FAULT_START/FAULT_END of a fault in
 *              that block, which ends MIGRATED or RETRY; the other faults
 *              end MAPPED or RETRY). pages_in and pages_out match. The
 *              migration-only stream holds exactly the migration records of
 *              the other, with the same timestamps.
 *
 * SUBTEST: cpu-fault
 * Description: Device-private VRAM only: CPU reads of 4 MiB in GPU 0's VRAM
 *              give, per 2 MiB block touched first, exactly GPU_UNMAP
 *              (GPU 0, the block, trigger MIGRATION) and MIGRATE_START/END
 *              from GPU 0 to system memory with trigger CPU_FAULT and 512
 *              pages, in the order of the touches; reading everything again
 *              and a GPU read of the data (now in system memory) give
 *              nothing; cpu_faults grows by 2, pages_out by 1024.
 *
 * SUBTEST: eviction
 * Description: With the module reloaded with vram_size=16M: a prefetch of
 *              8 MiB to GPU 0 evicts nothing; a VRAM buffer object as large
 *              as the VRAM that was free before (16 MiB less what the GPU
 *              used, 2 MiB aligned) then evicts the four 2 MiB SVM objects:
 *              exactly four groups of EVICTION (GPU 0, 512 pages) followed
 *              by MIGRATE_START/END pairs with trigger EVICTION, address 0,
 *              2 MiB, GPU 0 to system memory, whose moved pages add up to
 *              512; vram_evictions grows by 4 and pages_out by 2048, and the
 *              CPU reads the data without a CPU fault. The module is loaded
 *              with its defaults again at the end.
 *
 * SUBTEST: dropped
 * Description: A stream of capacity 16 (migrations only) and 13 one-page
 *              prefetches read after the fact: the 16 records of the first 8
 *              pages, then one DROPPED record (count 10) before the records
 *              of a later prefetch; fdinfo shows "dropped: 10".
 *
 * SUBTEST: poll-nonblock
 * Description: A NONBLOCK stream with nothing queued: read() fails with
 *              EAGAIN, a buffer smaller than a record with EINVAL; poll()
 *              times out on an empty blocking stream and reports POLLIN
 *              after a prefetch; a 100-byte read returns one whole record;
 *              O_NONBLOCK set with fcntl() makes the blocking stream return
 *              EAGAIN; a blocking read() in one thread is woken by a
 *              prefetch in another.
 *
 * SUBTEST: multi-reader
 * Description: Four threads each prefetch their own 2 MiB slice to GPU 0
 *              and back three times, while one thread reads a stream of
 *              migrations and GPU unmaps and another stream (MIGRATE_END
 *              only) is read afterwards: every record is well formed, each
 *              slice's records are exactly its three rounds (in,
 *              GPU_UNMAP, out) in order, and the second stream is exactly
 *              the MIGRATE_END records of the first.
 *
 * SUBTEST: counters
 * Description: SVM_COUNTERS fails with EINVAL for unknown flags and a
 *              non-zero pad; pid 0 gives the caller's pid and the GPU's id.
 *              A prefetch of 768 pages to GPU 0 and back counts exactly
 *              768 pages in and out, 2 * 768 pages copied and vram_pages
 *              back; a GPU read faults as many times as the stream has
 *              serviced faults, in at least one batch; every counter equals
 *              its debugfs vsvm_svm value. VSVM_COUNTERS_NEXT lists
 *              increasing pids, ours included. A child without an SVM
 *              context gives ESRCH, after opening a GPU it is listed; once
 *              it dropped root it reads its own counters but gets EPERM for
 *              its parent and for VSVM_COUNTERS_NEXT. A process id that
 *              does not exist gives ESRCH.
 *
 * SUBTEST: tracepoints
 * Description: With tracefs events/vsvm enabled, a prefetch of 4 MiB to
 *              GPU 0 leaves vsvm_migrate_start and vsvm_migrate_end lines
 *              naming the process and each 2 MiB piece's address in the
 *              trace; the events are disabled, tracing_on and
 *              options/record-cmd (off while the events are on) are put
 *              back and the trace is cleared after.
 * Test requirement: tracefs with the vsvm events
 *
 * SUBTEST: smi
 * Description: vsvm-smi (from $VSVM_SMI or beside the test binary, skipped
 *              if missing) lists every GPU with its node, gpu_id, VRAM size
 *              and compute units; --counters --pid shows this process's
 *              pages_in, --counters lists it; --watch --pid --mask --count
 *              prints the four records of a prefetch of 4 MiB (kind, pid,
 *              address, locations, pages, trigger) and the count of records
 *              and drops; --watch with --timeout-ms stops with no record;
 *              a bad option exits with 2.
 * Test requirement: the vsvm-smi binary
 */

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "igt_core.h"
#include "vsvm_ctx.h"
#include "vsvm_test.h"

IGT_TEST_DESCRIPTION("SVM events, counters, tracepoints and vsvm-smi.");

#define MAX_EFDS 8
#define SUBTEST_TIMEOUT 120
#define MIB (1ULL << 20)
#define PAGE VT_PAGE_SIZE
#define HUGE VT_HUGE_SIZE
#define BLOCK_PAGES (HUGE / PAGE)
/* The notifier granule: a GPU_UNMAP record never crosses one */
#define GRANULE (512 * MIB)
#define BUF_SIZE (4 * MIB)
#define RW (PROT_READ | PROT_WRITE)
#define SYSMEM VSVM_SVM_LOCATION_SYSMEM
#define NOBODY 65534
#define NSEC_PER_MSEC 1000000LL
/* How long a step waits for its first record; later ones are read at once */
#define SETTLE_MS 50
#define EV_MAX 1024
#define EV_SIZE ((int)sizeof(struct drm_vsvm_event))
#define ALIGN_UP(x, a) (((x) + (a) - 1) / (a) * (a))

#define KIND(k) VSVM_EVENT_MASK(VSVM_EVENT_##k)
#define MIGRATE_MASK (KIND(MIGRATE_START) | KIND(MIGRATE_END))
#define FAULT_MASK (KIND(FAULT_START) | KIND(FAULT_END))

/* Expected records (timestamp and pid are checked by check_record()) */
#define MIG(k, gpu, a, sz, cnt, f, t, trig) \
	((struct drm_vsvm_event){ .kind = VSVM_EVENT_MIGRATE_##k, .gpu_id = (gpu), \
				  .addr = (a), .size = (sz), .count = (cnt), .from = (f), \
				  .to = (t), .trigger = VSVM_MIGRATE_TRIGGER_##trig })
#define UNMAP(gpu, a, sz, trig) \
	((struct drm_vsvm_event){ .kind = VSVM_EVENT_GPU_UNMAP, .gpu_id = (gpu), .addr = (a), \
				  .size = (sz), .trigger = VSVM_UNMAP_TRIGGER_##trig })
#define EXPECT(b, first, what, ...) \
	expect_records(b, first, (const struct drm_vsvm_event[]){ __VA_ARGS__ }, \
		       sizeof((const struct drm_vsvm_event[]){ __VA_ARGS__ }) / EV_SIZE, what)
#define EXPECT_NONE(b, first, what) expect_records(b, first, NULL, 0, what)

/* ---- helpers ----------------------------------------------------------------------------- */

/* vt_map_aligned() private memory filled with seed + i */
static uint64_t *map_filled(uint64_t size, uint64_t seed)
{
	uint64_t *p = vt_map_aligned(size, MAP_PRIVATE);

	vt_fill_pattern(p, size / 8, seed, 1);
	return p;
}

/* Open descriptors of this process, from /proc/self/fd */
static int count_fds(void)
{
	struct dirent *ent;
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	igt_assert_f(dir, "/proc/self/fd: %s\n", strerror(errno));
	while ((ent = readdir(dir)))
		n += ent->d_name[0] != '.';
	closedir(dir);
	return n - 1;	/* the directory's own descriptor */
}

/* A process id that exists no more: a child that exited and was reaped */
static pid_t dead_pid(void)
{
	pid_t pid = fork();
	int status;

	igt_assert(pid >= 0);
	if (!pid)
		_exit(0);
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert_f(kill(pid, 0) == -1 && errno == ESRCH, "pid %d reused already\n", pid);
	return pid;
}

/* The effective capabilities of this thread (capget(), both 32-bit words) */
static uint64_t cap_eff(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	igt_assert_eq(syscall(SYS_capget, &hdr, data), 0);
	return (uint64_t)data[1].effective << 32 | data[0].effective;
}

/* Become uid/gid 65534 without any capability (descriptors stay open) */
static void drop_root(void)
{
	igt_assert_eq(setgroups(0, NULL), 0);
	igt_assert_eq(setresgid(NOBODY, NOBODY, NOBODY), 0);
	igt_assert_eq(setresuid(NOBODY, NOBODY, NOBODY), 0);
	/* keep /proc/self readable (fdinfo) */
	igt_assert_eq(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), 0);
	igt_assert_eq_u64(cap_eff(), 0);
}

static void write_pipe(int fd, const void *buf, size_t len)
{
	igt_assert_eq(write(fd, buf, len), (ssize_t)len);
}

static void read_pipe(int fd, void *buf, size_t len)
{
	igt_assert_eq(read(fd, buf, len), (ssize_t)len);
}

/* ---- GPUs -------------------------------------------------------------------------------- */

/*
 * GPU CHECKSUM of @n elements at @p, asserted equal to the pattern seed + i:
 * one dispatch (the VERIFY of vt_ctx_check() would add faults of its own to
 * the records a step expects)
 */
static void gpu_read(struct vt_ctx *c, const void *p, uint64_t n, uint64_t seed)
{
	igt_assert_eq_u64(vt_ctx_sum(c, p, n), vt_pattern_sum(seed, 1, n));
}

/* ---- events descriptors ------------------------------------------------------------------ */

/* Events descriptors open, -1 for free slots */
static int efds[MAX_EFDS];

static void efd_reap(void)
{
	int i;

	for (i = 0; i < MAX_EFDS; i++) {
		if (efds[i] >= 0)
			close(efds[i]);
		efds[i] = -1;
	}
}

/* Exit handler: no events descriptor may keep the module busy (reloads) */
static void efd_exit_handler(int sig)
{
	(void)sig;
	efd_reap();
}

/* EVENTS_OPEN with every field given: 0 or -errno, *@efd set on success */
static int events_open_raw(int fd, uint64_t mask, uint32_t pid, uint32_t flags,
			   uint32_t capacity, int32_t fd_in, int *efd)
{
	struct drm_vsvm_events_open a = {
		.mask = mask, .pid = pid, .flags = flags, .capacity = capacity, .fd = fd_in,
	};
	int ret = vsvm_ioctl(fd, DRM_IOCTL_VSVM_EVENTS_OPEN, &a);

	if (!ret)
		*efd = a.fd;
	return ret;
}

/* Keep @efd in the pool, closed by the next subtest if this one fails */
static int efd_track(int efd)
{
	int i;

	igt_assert_fd(efd);
	for (i = 0; i < MAX_EFDS; i++)
		if (efds[i] < 0) {
			efds[i] = efd;
			return efd;
		}
	igt_assert_f(false, "too many events descriptors\n");
	return -1;
}

/* An events descriptor (asserting success) */
static int efd_open(struct vt_ctx *c, uint64_t mask, uint32_t pid, uint32_t flags,
		    uint32_t capacity)
{
	int efd = -1, ret = vsvm_events_open(c->fd, mask, pid, flags, capacity, &efd);

	igt_assert_f(ret == 0, "EVENTS_OPEN mask %#llx pid %u flags %#x capacity %u: %s\n",
		     (unsigned long long)mask, pid, flags, capacity, strerror(-ret));
	return efd_track(efd);
}

static void efd_close(int efd)
{
	int i;

	for (i = 0; i < MAX_EFDS; i++)
		if (efds[i] == efd)
			efds[i] = -1;
	igt_assert_eq(close(efd), 0);
}

/* EVENTS_OPEN fails with @err and leaves no descriptor */
static void events_open_fails(int fd, uint64_t mask, uint32_t pid, uint32_t flags,
			      uint32_t capacity, int err, const char *what)
{
	int before = count_fds(), efd = -1, ret;

	ret = events_open_raw(fd, mask, pid, flags, capacity, -1, &efd);
	if (!ret)
		close(efd);
	igt_assert_f(ret == err, "%s: EVENTS_OPEN returned %d (%s), expected %d (%s)\n", what, ret,
		     strerror(-ret), err, strerror(-err));
	igt_assert_f(count_fds() == before, "%s: a descriptor was left behind\n", what);
}

/* The "dropped:" value of the fdinfo of @efd */
static uint64_t fdinfo_dropped(int efd)
{
	char path[64], line[256];
	unsigned long long v;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", efd);
	f = fopen(path, "re");
	igt_assert_f(f, "%s: %s\n", path, strerror(errno));
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "dropped: %llu", &v) == 1;
	fclose(f);
	igt_assert_f(found, "%s has no \"dropped:\" line\n", path);
	return v;
}

/* ---- records ----------------------------------------------------------------------------- */

/* Records read from one descriptor */
struct evbuf {
	int n;
	struct drm_vsvm_event ev[EV_MAX];
};

static struct evbuf evbufs[3];

static struct evbuf *evbuf_get(int i)
{
	evbufs[i].n = 0;
	return &evbufs[i];
}

/* What a reader asked for, and the last timestamp it saw */
#define STREAM(n, m, p) { .name = (n), .mask = (m), .pid = (p) }
struct stream {
	const char *name;
	uint64_t mask;
	uint32_t pid;	/* the process of every record (not DROPPED) */
	uint64_t last_ts;
};

static const char *loc_str(uint32_t loc, char *buf, size_t len)
{
	if (loc == SYSMEM)
		return "sysmem";
	snprintf(buf, len, "gpu%u", loc);
	return buf;
}

static const char *or_num(const char *name, uint32_t v, char *buf, size_t len)
{
	if (name)
		return name;
	snprintf(buf, len, "%u", v);
	return buf;
}

static void ev_format(const struct drm_vsvm_event *e, char *buf, size_t len)
{
	char k[16], t[16], r[16], f[16], to[16];

	snprintf(buf, len, "%llu %s pid %u gpu %u addr %#llx size %#llx count %llu %s->%s "
		 "trigger %s access %#x result %s", (unsigned long long)e->timestamp_ns,
		 or_num(vsvm_event_kind_name(e->kind), e->kind, k, sizeof(k)), e->pid, e->gpu_id,
		 (unsigned long long)e->addr, (unsigned long long)e->size,
		 (unsigned long long)e->count, loc_str(e->from, f, sizeof(f)),
		 loc_str(e->to, to, sizeof(to)),
		 or_num(vsvm_event_trigger_name(e->kind, e->trigger), e->trigger, t, sizeof(t)),
		 e->access, or_num(vsvm_fault_result_name(e->result), e->result, r, sizeof(r)));
}

/* Log records [@first, b->n) (shown with a failure) */
static void ev_dump(const struct evbuf *b, int first, const char *what)
{
	char line[256];
	int i;

	igt_info("%s: %d records\n", what, b->n - first);
	for (i = first; i < b->n; i++) {
		ev_format(&b->ev[i], line, sizeof(line));
		igt_info("  [%d] %s\n", i, line);
	}
}

static bool is_gpu(uint32_t id)
{
	int g;

	for (g = 0; g < vt_num_gpus; g++)
		if (vt_gpu_ids[g] == id)
			return true;
	return false;
}

static bool is_location(uint32_t loc)
{
	return loc == SYSMEM || is_gpu(loc);
}

#define REC_ASSERT(cond, e, what) \
	do { \
		if (!(cond)) { \
			char __l[256]; \
			ev_format(e, __l, sizeof(__l)); \
			igt_assert_f(cond, "%s: malformed record %s\n", what, __l); \
		} \
	} while (0)

/* The fields of each kind the uAPI leaves unused are zero */
static void check_unused(const struct drm_vsvm_event *e, const char *what)
{
	switch (e->kind) {
	case VSVM_EVENT_FAULT_START:
		REC_ASSERT(!e->result, e, what);
		/* fall through */
	case VSVM_EVENT_FAULT_END:
		REC_ASSERT(!e->size && !e->count && !e->from && !e->to && !e->trigger, e, what);
		break;
	case VSVM_EVENT_MIGRATE_START:
	case VSVM_EVENT_MIGRATE_END:
		REC_ASSERT(!e->access && !e->result, e, what);
		break;
	case VSVM_EVENT_EVICTION:
		REC_ASSERT(!e->addr && !e->size && !e->from && !e->to && !e->trigger &&
			   !e->access && !e->result, e, what);
		break;
	case VSVM_EVENT_GPU_UNMAP:
		REC_ASSERT(!e->count && !e->from && !e->to && !e->access && !e->result, e, what);
		break;
	case VSVM_EVENT_QUEUE_SUSPEND:
	case VSVM_EVENT_QUEUE_RESUME:
		REC_ASSERT(!e->addr && !e->size && !e->count && !e->from && !e->to && !e->access &&
			   !e->result, e, what);
		break;
	default:	/* DROPPED */
		REC_ASSERT(!e->addr && !e->size && !e->from && !e->to && !e->trigger &&
			   !e->access && !e->result, e, what);
		break;
	}
}

/* The fields each kind uses hold values the uAPI allows */
static void check_used(const struct drm_vsvm_event *e, const char *what)
{
	switch (e->kind) {
	case VSVM_EVENT_FAULT_END:
		REC_ASSERT(vsvm_fault_result_name(e->result), e, what);
		/* fall through */
	case VSVM_EVENT_FAULT_START:
		REC_ASSERT(e->access && !(e->access & ~0xfU), e, what);
		break;
	case VSVM_EVENT_MIGRATE_START:
	case VSVM_EVENT_MIGRATE_END:
		REC_ASSERT(is_location(e->from) && is_location(e->to) && e->from != e->to, e, what);
		REC_ASSERT(e->gpu_id == (e->to != SYSMEM ? e->to : e->from), e, what);
		REC_ASSERT(vsvm_event_trigger_name(e->kind, e->trigger), e, what);
		REC_ASSERT(e->size && e->size <= HUGE && !(e->size % PAGE), e, what);
		REC_ASSERT(e->count <= e->size / PAGE, e, what);
		/* an eviction knows pages, not addresses */
		if (e->trigger == VSVM_MIGRATE_TRIGGER_EVICTION)
			REC_ASSERT(!e->addr, e, what);
		else
			REC_ASSERT(e->addr && !(e->addr % PAGE) &&
				   e->addr / HUGE == (e->addr + e->size - 1) / HUGE, e, what);
		break;
	case VSVM_EVENT_EVICTION:
		REC_ASSERT(e->count, e, what);
		break;
	case VSVM_EVENT_GPU_UNMAP:
		REC_ASSERT(vsvm_event_trigger_name(e->kind, e->trigger), e, what);
		REC_ASSERT(e->size && e->addr / GRANULE == (e->addr + e->size - 1) / GRANULE, e,
			   what);
		break;
	case VSVM_EVENT_QUEUE_SUSPEND:
	case VSVM_EVENT_QUEUE_RESUME:
		REC_ASSERT(e->trigger == VSVM_QUEUE_TRIGGER_INVALIDATION, e, what);
		break;
	default:	/* DROPPED */
		REC_ASSERT(e->count, e, what);
		break;
	}
}

/*
 * A record read from @s is well formed: a kind of its mask or DROPPED, its
 * process, a known GPU, unused fields zero, a timestamp not below the last
 * one and within [@t0, @t1] when @t0 is not 0.
 */
static void check_record(struct stream *s, const struct drm_vsvm_event *e, int64_t t0, int64_t t1)
{
	REC_ASSERT(e->kind >= 1 && e->kind <= VSVM_EVENT_KIND_MAX, e, s->name);
	REC_ASSERT(e->kind == VSVM_EVENT_DROPPED || (s->mask & VSVM_EVENT_MASK(e->kind)), e,
		   s->name);
	REC_ASSERT(e->timestamp_ns >= s->last_ts, e, s->name);
	if (t0)
		REC_ASSERT((int64_t)e->timestamp_ns >= t0 && (int64_t)e->timestamp_ns <= t1, e,
			   s->name);
	s->last_ts = e->timestamp_ns;
	if (e->kind != VSVM_EVENT_DROPPED) {
		REC_ASSERT(e->pid && (!s->pid || e->pid == s->pid), e, s->name);
		REC_ASSERT(is_gpu(e->gpu_id), e, s->name);
	}
	check_unused(e, s->name);
	check_used(e, s->name);
}

/*
 * Read what @efd has queued into @b, waiting up to @wait_ms for the first
 * record; each is checked with check_record() (window [@t0, now] when @t0
 * is not 0). Returns the number of records read.
 */
static int drain(int efd, struct stream *s, struct evbuf *b, int wait_ms, int64_t t0)
{
	int n, i, total = 0;

	do {
		igt_assert_f(b->n < EV_MAX, "%s: more than %d records\n", s->name, EV_MAX);
		n = vsvm_events_read(efd, b->ev + b->n, EV_MAX - b->n, total ? 0 : wait_ms);
		igt_assert_f(n >= 0, "%s: reading events: %s\n", s->name, strerror(-n));
		for (i = 0; i < n; i++)
			check_record(s, &b->ev[b->n + i], t0, vt_now_ns());
		b->n += n;
		total += n;
	} while (n > 0);
	return total;
}

/* Equal but for timestamp and pid */
static bool ev_match(const struct drm_vsvm_event *a, const struct drm_vsvm_event *b)
{
	return a->kind == b->kind && a->gpu_id == b->gpu_id && a->access == b->access &&
	       a->addr == b->addr && a->size == b->size && a->count == b->count &&
	       a->from == b->from && a->to == b->to && a->trigger == b->trigger &&
	       a->result == b->result;
}

/*
 * Records [@first, @first + @n) are @want[0 .. @n) (timestamp and pid
 * aside) and, with @last, no record follows them.
 */
static void __expect_records(const struct evbuf *b, int first, const struct drm_vsvm_event *want,
			     int n, bool last, const char *what)
{
	char line[256];
	int i;

	for (i = 0; i < n && first + i < b->n && ev_match(&b->ev[first + i], &want[i]); i++)
		;
	if (i == n && (last ? b->n - first == n : b->n - first >= n))
		return;
	ev_dump(b, first, what);
	for (i = 0; i < n; i++) {
		ev_format(&want[i], line, sizeof(line));
		igt_info("  expected [%d] %s\n", first + i, line);
	}
	igt_assert_f(false, "%s: %d records, expected %d (first difference logged above)\n", what,
		     b->n - first, n);
}

/* Records [@first, b->n) are exactly @want[0 .. @n) (timestamp and pid aside) */
static void expect_records(const struct evbuf *b, int first, const struct drm_vsvm_event *want,
			   int n, const char *what)
{
	__expect_records(b, first, want, n, true, what);
}

/* The GPU_UNMAP records of an invalidation of [@start, @start + @size): one per granule */
static int unmap_records(struct drm_vsvm_event *out, uint32_t gpu_id, uint64_t start,
			 uint64_t size, uint32_t trigger)
{
	uint64_t s, e, end = start + size;
	int n = 0;

	for (s = start; s < end; s = e) {
		e = (s / GRANULE + 1) * GRANULE;
		if (e > end)
			e = end;
		out[n++] = (struct drm_vsvm_event){ .kind = VSVM_EVENT_GPU_UNMAP, .gpu_id = gpu_id,
						    .addr = s, .size = e - s, .trigger = trigger };
	}
	return n;
}

/* A fault whose FAULT_END has not been read yet */
struct open_fault {
	uint64_t addr;
	bool migrated;
};

#define MAX_OPEN_FAULTS 64
#define MAX_BLOCKS 8

/* The faults of check_faults() */
struct fault_walk {
	const char *what;
	uint32_t gpu_id;
	uint64_t lo, hi;
	bool migrate;			/* faults migrate (ACCESS) rather than map in place */
	struct open_fault open[MAX_OPEN_FAULTS];
	int nopen;
	const struct drm_vsvm_event *mig; /* MIGRATE_START without its END yet */
	int served[MAX_BLOCKS];		/* faults ended MAPPED or MIGRATED per block */
	int migrations[MAX_BLOCKS];	/* MIGRATE pairs per block */
	int serviced;			/* faults ended but FATAL */
};

static int fw_find(struct fault_walk *w, uint64_t lo, uint64_t hi)
{
	int i;

	for (i = 0; i < w->nopen; i++)
		if (w->open[i].addr >= lo && w->open[i].addr < hi)
			return i;
	return -1;
}

static void fw_migrate_start(struct fault_walk *w, const struct drm_vsvm_event *e)
{
	uint64_t block = e->addr & ~(HUGE - 1);
	int f = fw_find(w, e->addr, e->addr + e->size);

	REC_ASSERT(w->migrate && !w->mig && f >= 0, e, w->what);
	REC_ASSERT(ev_match(e, &MIG(START, w->gpu_id, block, HUGE, BLOCK_PAGES, SYSMEM,
				    w->gpu_id, GPU_FAULT)), e, w->what);
	w->open[f].migrated = true;
	w->migrations[(block - w->lo) / HUGE]++;
	w->mig = e;
}

static void fw_migrate_end(struct fault_walk *w, const struct drm_vsvm_event *e)
{
	struct drm_vsvm_event want;

	REC_ASSERT(w->mig, e, w->what);
	want = *w->mig;
	want.kind = VSVM_EVENT_MIGRATE_END;
	REC_ASSERT(ev_match(e, &want), e, w->what);
	w->mig = NULL;
}

static void fw_fault_end(struct fault_walk *w, const struct drm_vsvm_event *e)
{
	int f = fw_find(w, e->addr, e->addr + 1);
	bool ok;

	REC_ASSERT(f >= 0 && !w->mig && e->gpu_id == w->gpu_id &&
		   e->access == VSVM_ACCESS_READ, e, w->what);
	/* RETRY: not mapped (yet), whether pages moved or not */
	if (e->result == VSVM_FAULT_RETRY)
		ok = true;
	else if (w->open[f].migrated)
		ok = e->result == VSVM_FAULT_MIGRATED;
	else
		ok = e->result == VSVM_FAULT_MAPPED;
	REC_ASSERT(ok, e, w->what);
	if (e->result != VSVM_FAULT_RETRY)
		w->served[(e->addr - w->lo) / HUGE]++;
	w->serviced++;
	w->open[f] = w->open[--w->nopen];
}

/*
 * Records [@first, b->n) are the faults of GPU reads of [@lo, @lo + @size)
 * (2 MiB aligned): FAULT_START / FAULT_END pairs of the same address and
 * read access, and nothing else but, with @migrate, exactly one migration of
 * each 2 MiB block (sysmem to the GPU, trigger GPU_FAULT, 512 pages) inside
 * the pair of a fault in that block, which ends MIGRATED (or RETRY); the
 * other faults end MAPPED or RETRY. Every block has a fault that ended
 * MAPPED or MIGRATED. Returns the number of faults (none ended FATAL).
 */
static int check_faults(const struct evbuf *b, int first, uint32_t gpu_id, const void *lo,
			uint64_t size, bool migrate, const char *what)
{
	struct fault_walk w = {
		.what = what, .gpu_id = gpu_id, .lo = vt_va(lo), .hi = vt_va(lo) + size,
		.migrate = migrate,
	};
	const struct drm_vsvm_event *e;
	uint64_t blk;
	int i;

	igt_assert(size / HUGE <= MAX_BLOCKS);
	for (i = first; i < b->n; i++) {
		e = &b->ev[i];
		switch (e->kind) {
		case VSVM_EVENT_FAULT_START:
			REC_ASSERT(e->gpu_id == gpu_id && e->addr >= w.lo && e->addr < w.hi &&
				   e->access == VSVM_ACCESS_READ && w.nopen < MAX_OPEN_FAULTS, e,
				   what);
			w.open[w.nopen++] = (struct open_fault){ .addr = e->addr };
			break;
		case VSVM_EVENT_MIGRATE_START:
			fw_migrate_start(&w, e);
			break;
		case VSVM_EVENT_MIGRATE_END:
			fw_migrate_end(&w, e);
			break;
		case VSVM_EVENT_FAULT_END:
			fw_fault_end(&w, e);
			break;
		default:
			ev_dump(b, first, what);
			REC_ASSERT(false, e, what);
		}
	}
	if (w.nopen || w.mig)
		ev_dump(b, first, what);
	igt_assert_f(!w.nopen, "%s: %d FAULT_START without FAULT_END\n", what, w.nopen);
	igt_assert_f(!w.mig, "%s: MIGRATE_START without MIGRATE_END\n", what);
	for (blk = 0; blk < size / HUGE; blk++) {
		igt_assert_f(w.served[blk], "%s: no fault mapped block %llu\n", what,
			     (unsigned long long)blk);
		igt_assert_f(w.migrations[blk] == migrate, "%s: block %llu migrated %d times\n",
			     what, (unsigned long long)blk, w.migrations[blk]);
	}
	igt_info("%s: %d faults\n", what, w.serviced);
	return w.serviced;
}

/* The records of @b of the kinds in @mask, in order, into @out */
static void ev_filter(const struct evbuf *b, uint64_t mask, struct evbuf *out)
{
	int i;

	out->n = 0;
	for (i = 0; i < b->n; i++)
		if (mask & VSVM_EVENT_MASK(b->ev[i].kind))
			out->ev[out->n++] = b->ev[i];
}

/* @got is exactly @want, timestamps and pids included */
static void expect_same(const struct evbuf *got, const struct evbuf *want, const char *what)
{
	int i;

	for (i = 0; i < got->n && i < want->n; i++)
		if (!ev_match(&got->ev[i], &want->ev[i]) ||
		    got->ev[i].timestamp_ns != want->ev[i].timestamp_ns ||
		    got->ev[i].pid != want->ev[i].pid)
			break;
	if (i == got->n && i == want->n)
		return;
	ev_dump(got, 0, what);
	ev_dump(want, 0, "expected");
	igt_assert_f(false, "%s: differs from record %d on\n", what, i);
}

/* ---- open-bad-args ------------------------------------------------------------------------ */

static void test_open_bad_args(void)
{
	const uint64_t all = VSVM_EVENT_MASK_ALL;
	struct vt_ctx *c = vt_ctx_open(0);
	int before = count_fds(), efd = -1, fl;
	pid_t gone = dead_pid();

	events_open_fails(c->fd, 0, 0, 0, 0, -EINVAL, "zero mask");
	events_open_fails(c->fd, 1, 0, 0, 0, -EINVAL, "mask bit 0");
	events_open_fails(c->fd, all | 1, 0, 0, 0, -EINVAL, "mask bit 0 with every kind");
	events_open_fails(c->fd, VSVM_EVENT_MASK(VSVM_EVENT_KIND_MAX + 1), 0, 0, 0, -EINVAL,
			  "mask bit KIND_MAX + 1");
	events_open_fails(c->fd, all | VSVM_EVENT_MASK(VSVM_EVENT_KIND_MAX + 1), 0, 0, 0, -EINVAL,
			  "every kind and bit KIND_MAX + 1");
	events_open_fails(c->fd, all | 1ULL << 63, 0, 0, 0, -EINVAL, "mask bit 63");
	events_open_fails(c->fd, all, 0, 0x4, 0, -EINVAL, "flag 0x4");
	events_open_fails(c->fd, all, 0, 0x80000000U, 0, -EINVAL, "flag bit 31");
	events_open_fails(c->fd, all, 0, ~0U, 0, -EINVAL, "every flag bit");
	events_open_fails(c->fd, all, 0, 0, VSVM_EVENTS_MAX_CAPACITY + 1, -EINVAL,
			  "capacity MAX + 1");
	events_open_fails(c->fd, all, 0, 0, ~0U, -EINVAL, "capacity 2^32 - 1");
	events_open_fails(c->fd, all, gone, 0, 0, -ESRCH, "a process that exited");
	events_open_fails(c->fd, all, 0x7fffffff, 0, 0, -ESRCH, "pid 2^31 - 1");

	/* the limits */
	igt_assert_eq(events_open_raw(c->fd, all, 0, 0, 1, -1, &efd), 0);
	efd_close(efd_track(efd));
	igt_assert_eq(events_open_raw(c->fd, all, 0, 0, VSVM_EVENTS_MAX_CAPACITY, -1, &efd), 0);
	efd_close(efd_track(efd));
	igt_assert_eq(events_open_raw(c->fd, KIND(DROPPED), 0, 0, 0, -1, &efd), 0);
	efd_close(efd_track(efd));
	igt_assert_eq(events_open_raw(c->fd, KIND(FAULT_START), getpid(), 0, 0, -1, &efd), 0);
	efd_close(efd_track(efd));
	/* fd is output only */
	igt_assert_eq(events_open_raw(c->fd, all, 0, 0, 0, 12345, &efd), 0);
	efd_track(efd);
	igt_assert_neq(efd, 12345);
	fl = fcntl(efd, F_GETFL);
	igt_assert(fl >= 0 && !(fl & O_NONBLOCK));
	igt_assert_eq(fcntl(efd, F_GETFD) & FD_CLOEXEC, 0);
	efd_close(efd);
	igt_assert_eq(events_open_raw(c->fd, all, 0, VSVM_EVENTS_NONBLOCK | VSVM_EVENTS_CLOEXEC, 0,
				      -1, &efd), 0);
	efd_track(efd);
	igt_assert(fcntl(efd, F_GETFL) & O_NONBLOCK);
	igt_assert(fcntl(efd, F_GETFD) & FD_CLOEXEC);
	efd_close(efd);
	igt_assert_eq(count_fds(), before);
	vt_ctx_close(c);
}

/* ---- permission -------------------------------------------------------------------------- */

/* The child of test_permission(): its own stream sees its own records only */
static void permission_child(int up, int down)
{
	const uint64_t all = VSVM_EVENT_MASK_ALL;
	const uint32_t g = vt_gpu_ids[0];
	struct stream s = STREAM("the child's own stream", all, getpid());
	struct evbuf *b = evbuf_get(0);
	int fd, efd = -1, other = -1;
	uint64_t *buf;
	pid_t me = getpid();
	char go;

	vt_ctx_reap();
	efd_reap();
	fd = vt_open(vt_paths[0]);
	drop_root();
	events_open_fails(fd, all, getppid(), 0, 0, -EPERM, "the parent, without CAP_SYS_ADMIN");
	events_open_fails(fd, all, 1, 0, 0, -EPERM, "process 1, without CAP_SYS_ADMIN");
	events_open_fails(fd, all, VSVM_EVENTS_ALL_PROCESSES, 0, 0, -EPERM,
			  "every process, without CAP_SYS_ADMIN");
	igt_assert_eq(vsvm_events_open(fd, all, me, 0, 0, &other), 0);
	close(other);
	igt_assert_eq(vsvm_events_open(fd, all, 0, 0, 0, &efd), 0);

	buf = map_filled(HUGE, 0xc41d);
	write_pipe(up, &me, sizeof(me));
	read_pipe(down, &go, 1);	/* the parent prefetched */
	igt_assert_eq(vsvm_svm_prefetch(fd, buf, HUGE, g, 0, 0), 0);
	drain(efd, &s, b, SETTLE_MS, 0);
	EXPECT(b, 0, "the child's own stream",
	       MIG(START, g, vt_va(buf), HUGE, BLOCK_PAGES, SYSMEM, g, PREFETCH),
	       MIG(END, g, vt_va(buf), HUGE, BLOCK_PAGES, SYSMEM, g, PREFETCH));
	close(efd);
	vsvm_close(fd);
}

static void test_permission(void)
{
	const uint64_t all = VSVM_EVENT_MASK_ALL;
	struct stream s_own = STREAM("the parent's own stream", all, getpid());
	struct stream s_all = STREAM("every process's stream", MIGRATE_MASK, 0);
	struct evbuf *own = evbuf_get(0), *every = evbuf_get(1), *ours = evbuf_get(2);
	int up[2], down[2], r_own, r_all, i;
	struct vt_ctx *c;
	pid_t child = 0;
	uint64_t *buf;

	igt_require_f(geteuid() == 0, "needs root\n");
	c = vt_ctx_open(0);
	vt_ctx_require_vram(c);
	efd_close(efd_open(c, all, 1, 0, 0));
	efd_close(efd_open(c, all, getpid(), 0, 0));
	r_own = efd_open(c, all, 0, 0, 0);
	r_all = efd_open(c, MIGRATE_MASK, VSVM_EVENTS_ALL_PROCESSES, 0, 0);
	buf = map_filled(HUGE, 0xa2e47);

	igt_assert_eq(pipe(up), 0);
	igt_assert_eq(pipe(down), 0);
	igt_fork(child_idx, 1) {
		close(up[0]);
		close(down[1]);
		permission_child(up[1], down[0]);
	}
	close(up[1]);
	close(down[0]);
	read_pipe(up[0], &child, sizeof(child));
	vt_ctx_prefetch(c, buf, HUGE, c->gpu_id);
	write_pipe(down[1], "g", 1);
	igt_waitchildren();
	close(up[0]);
	close(down[1]);

	drain(r_own, &s_own, own, SETTLE_MS, 0);
	EXPECT(own, 0, "the parent's own stream",
	       MIG(START, c->gpu_id, vt_va(buf), HUGE, BLOCK_PAGES, SYSMEM, c->gpu_id, PREFETCH),
	       MIG(END, c->gpu_id, vt_va(buf), HUGE, BLOCK_PAGES, SYSMEM, c->gpu_id, PREFETCH));

	/* every process: the parent's, then the child's (other processes left out) */
	drain(r_all, &s_all, every, SETTLE_MS, 0);
	for (i = 0; i < every->n; i++)
		if (every->ev[i].pid == (uint32_t)getpid() || every->ev[i].pid == (uint32_t)child)
			ours->ev[ours->n++] = every->ev[i];
	igt_assert_eq(ours->n, 4);
	igt_assert_eq(ours->ev[0].pid, getpid());
	igt_assert_eq(ours->ev[1].pid, getpid());
	igt_assert_eq(ours->ev[2].pid, child);
	igt_assert_eq(ours->ev[3].pid, child);
	for (i = 0; i < 2; i++)
		igt_assert_f(ev_match(&ours->ev[i], &own->ev[i]) &&
			     ours->ev[i].timestamp_ns == own->ev[i].timestamp_ns,
			     "record %d of the parent differs between its two streams\n", i);
	igt_assert_eq_u32(ours->ev[2].kind, VSVM_EVENT_MIGRATE_START);
	igt_assert_eq_u32(ours->ev[3].kind, VSVM_EVENT_MIGRATE_END);
	igt_assert_eq_u64(ours->ev[2].count, BLOCK_PAGES);

	efd_close(r_all);
	efd_close(r_own);
	vt_unmap(buf, HUGE);
	vt_ctx_close(c);
}

/* ---- sequence ---------------------------------------------------------------------------- */

/* State of test_sequence(): its GPU, its two streams and their records */
struct seq {
	struct vt_ctx *c;
	int r_all, r_mig;
	struct stream s_all, s_mig;
	struct evbuf *all;
	int first;	/* first record of the step */
	int64_t t0;	/* CLOCK_MONOTONIC at the start of the step */
};

static void step_begin(struct seq *q)
{
	q->first = q->all->n;
	q->t0 = vt_now_ns();
}

/* Read the step's records from the stream of every kind */
static void step_end(struct seq *q)
{
	drain(q->r_all, &q->s_all, q->all, SETTLE_MS, q->t0);
}

/* (a): prefetch of A to GPU 0, twice */
static void seq_prefetch_in(struct seq *q, uint64_t *a)
{
	const uint32_t g = q->c->gpu_id;
	const uint64_t p = vt_va(a);

	step_begin(q);
	vt_ctx_prefetch(q->c, a, BUF_SIZE, g);
	step_end(q);
	EXPECT(q->all, q->first, "prefetch of 4 MiB to GPU 0",
	       MIG(START, g, p, HUGE, BLOCK_PAGES, SYSMEM, g, PREFETCH),
	       MIG(END, g, p, HUGE, BLOCK_PAGES, SYSMEM, g, PREFETCH),
	       MIG(START, g, p + HUGE, HUGE, BLOCK_PAGES, SYSMEM, g, PREFETCH),
	       MIG(END, g, p + HUGE, HUGE, BLOCK_PAGES, SYSMEM, g, PREFETCH));

	step_begin(q);
	vt_ctx_prefetch(q->c, a, BUF_SIZE, g);
	step_end(q);
	EXPECT_NONE(q->all, q->first, "second prefetch to GPU 0 (in place)");
}

/* (b) and (e): GPU reads of @buf fault (in place, or migrating with @migrate) */
static void seq_gpu_read(struct seq *q, uint64_t *buf, uint64_t seed, bool migrate,
			 const char *what)
{
	struct drm_vsvm_svm_counters k0, k1;
	int faults;

	vt_ctx_counters(q->c, &k0);
	step_begin(q);
	gpu_read(q->c, buf, BUF_SIZE / 8, seed);
	step_end(q);
	faults = check_faults(q->all, q->first, q->c->gpu_id, buf, BUF_SIZE, migrate, what);
	vt_ctx_counters(q->c, &k1);
	igt_assert_eq_u64(k1.faults - k0.faults, faults);
	igt_assert_eq_u64(k1.fatal - k0.fatal, 0);
	igt_assert_lt_u64(k0.batches, k1.batches);
	igt_assert_eq_u64(k1.pages_in - k0.pages_in, migrate ? BUF_SIZE / PAGE : 0);
	igt_assert_eq_u64(k1.pages_out - k0.pages_out, 0);
}

/* (c): A back to system memory, then read by the CPU */
static void seq_prefetch_out(struct seq *q, uint64_t *a, uint64_t seed)
{
	const uint32_t g = q->c->gpu_id;
	const uint64_t p = vt_va(a);
	struct drm_vsvm_svm_counters k0, k1;

	vt_ctx_counters(q->c, &k0);
	step_begin(q);
	vt_ctx_prefetch(q->c, a, BUF_SIZE, SYSMEM);
	step_end(q);
	EXPECT(q->all, q->first, "prefetch of 4 MiB back to system memory",
	       UNMAP(g, p, HUGE, MIGRATION),
	       MIG(START, g, p, HUGE, BLOCK_PAGES, g, SYSMEM, PREFETCH),
	       MIG(END, g, p, HUGE, BLOCK_PAGES, g, SYSMEM, PREFETCH),
	       UNMAP(g, p + HUGE, HUGE, MIGRATION),
	       MIG(START, g, p + HUGE, HUGE, BLOCK_PAGES, g, SYSMEM, PREFETCH),
	       MIG(END, g, p + HUGE, HUGE, BLOCK_PAGES, g, SYSMEM, PREFETCH));
	vt_ctx_counters(q->c, &k1);
	igt_assert_eq_u64(k1.pages_out - k0.pages_out, BUF_SIZE / PAGE);

	step_begin(q);
	vt_check_pattern(a, BUF_SIZE / 8, seed, 1, "A back in system memory");
	step_end(q);
	EXPECT_NONE(q->all, q->first, "CPU read of data in system memory");
}

/* (d): munmap() of B, which GPU 0 mapped */
static void seq_munmap(struct seq *q, uint64_t *b)
{
	struct drm_vsvm_event want[4];
	int n = unmap_records(want, q->c->gpu_id, vt_va(b), BUF_SIZE, VSVM_UNMAP_TRIGGER_CPU_UNMAP);

	step_begin(q);
	vt_unmap(b, BUF_SIZE);
	step_end(q);
	expect_records(q->all, q->first, want, n, "munmap() of memory GPU 0 mapped");
}

static void test_sequence(void)
{
	const uint64_t sa = 0x5e0a0000, sb = 0x5e0b0000, sc = 0x5e0c0000;
	struct evbuf *mig = evbuf_get(1), *want = evbuf_get(2);
	struct seq q = {
		.s_all = STREAM("stream of every kind", VSVM_EVENT_MASK_ALL, getpid()),
		.s_mig = STREAM("stream of migrations", MIGRATE_MASK, getpid()),
		.all = evbuf_get(0),
	};
	uint64_t *a, *b, *c;

	q.c = vt_ctx_open(0);
	vt_ctx_require_vram(q.c);
	a = map_filled(BUF_SIZE, sa);
	b = map_filled(BUF_SIZE, sb);
	c = map_filled(BUF_SIZE, sc);
	q.r_all = efd_open(q.c, VSVM_EVENT_MASK_ALL, 0, 0, 0);
	q.r_mig = efd_open(q.c, MIGRATE_MASK, 0, 0, 0);

	seq_prefetch_in(&q, a);
	seq_gpu_read(&q, b, sb, false, "GPU reads of system memory (in place)");
	seq_prefetch_out(&q, a, sa);
	seq_munmap(&q, b);

	step_begin(&q);
	vt_ctx_set_attr(q.c, c, BUF_SIZE, VSVM_SVM_ATTR_ACCESS, q.c->gpu_id);
	step_end(&q);
	EXPECT_NONE(q.all, q.first, "SET_ATTR ACCESS of memory no GPU mapped");
	seq_gpu_read(&q, c, sc, true, "GPU reads of memory with ACCESS (migrating)");

	/* the mask: exactly the migration records, with the same timestamps */
	drain(q.r_mig, &q.s_mig, mig, 0, 0);
	ev_filter(q.all, MIGRATE_MASK, want);
	igt_assert_eq(want->n, 4 + 4 + 2 * 2);
	expect_same(mig, want, "stream of migrations");

	efd_close(q.r_mig);
	efd_close(q.r_all);
	vt_unmap(c, BUF_SIZE);
	vt_unmap(a, BUF_SIZE);
	vt_ctx_close(q.c);
}

/* ---- cpu-fault --------------------------------------------------------------------------- */

/* The CPU reads element @i of @buf (seed + i) */
static void cpu_touch(const uint64_t *buf, uint64_t i, uint64_t seed)
{
	igt_assert_eq_u64(((const volatile uint64_t *)buf)[i], seed + i);
}

static void test_cpu_fault(void)
{
	const uint64_t seed = 0xc9f0000, n = BUF_SIZE / 8;
	struct stream s = STREAM("stream of migrations and unmaps",
				 MIGRATE_MASK | KIND(GPU_UNMAP), getpid());
	struct drm_vsvm_svm_counters k0, k1;
	struct evbuf *b = evbuf_get(0);
	struct vt_ctx *c = vt_ctx_open(0);
	uint32_t g = c->gpu_id;
	uint64_t *buf, p;
	int efd, first;
	int64_t t0;

	vt_ctx_require_vram(c);
	igt_require_f(!c->coherent, "coherent VRAM: the CPU uses it in place\n");
	buf = map_filled(BUF_SIZE, seed);
	p = vt_va(buf);
	vt_ctx_prefetch(c, buf, BUF_SIZE, g);
	efd = efd_open(c, s.mask, 0, 0, 0);
	vt_ctx_counters(c, &k0);

	/* the second block first */
	t0 = vt_now_ns();
	cpu_touch(buf, (3 * MIB) / 8 + 5, seed);
	drain(efd, &s, b, SETTLE_MS, t0);
	EXPECT(b, 0, "CPU read in the second 2 MiB block",
	       UNMAP(g, p + HUGE, HUGE, MIGRATION),
	       MIG(START, g, p + HUGE, HUGE, BLOCK_PAGES, g, SYSMEM, CPU_FAULT),
	       MIG(END, g, p + HUGE, HUGE, BLOCK_PAGES, g, SYSMEM, CPU_FAULT));

	first = b->n;
	t0 = vt_now_ns();
	vt_check_pattern(buf, n, seed, 1, "buffer read by the CPU");
	drain(efd, &s, b, SETTLE_MS, t0);
	EXPECT(b, first, "CPU read of the whole buffer",
	       UNMAP(g, p, HUGE, MIGRATION),
	       MIG(START, g, p, HUGE, BLOCK_PAGES, g, SYSMEM, CPU_FAULT),
	       MIG(END, g, p, HUGE, BLOCK_PAGES, g, SYSMEM, CPU_FAULT));

	first = b->n;
	vt_check_pattern(buf, n, seed, 1, "buffer read by the CPU again");
	gpu_read(c, buf, n, seed);
	drain(efd, &s, b, SETTLE_MS, 0);
	EXPECT_NONE(b, first, "CPU and GPU reads of data in system memory");
	vt_ctx_counters(c, &k1);
	igt_assert_eq_u64(k1.cpu_faults - k0.cpu_faults, 2);
	igt_assert_eq_u64(k1.pages_out - k0.pages_out, BUF_SIZE / PAGE);

	efd_close(efd);
	vt_unmap(buf, BUF_SIZE);
	vt_ctx_close(c);
}

/* ---- eviction ---------------------------------------------------------------------------- */

#define EV_VRAM (16 * MIB)
#define EV_SVM (8 * MIB)

static void check_svm_gpus(void);

/*
 * Records [@first, b->n) are @objects groups of EVICTION (GPU @g, 512 pages)
 * each followed by MIGRATE_START / _END pairs (trigger EVICTION, address 0,
 * 2 MiB, GPU @g to system memory) whose moved pages add up to 512.
 */
static void check_evictions(const struct evbuf *b, int first, uint32_t g, int objects)
{
	const struct drm_vsvm_event *e;
	int i = first, groups = 0;
	uint64_t moved;

	while (i < b->n) {
		e = &b->ev[i++];
		REC_ASSERT(e->kind == VSVM_EVENT_EVICTION && e->gpu_id == g &&
			   e->count == BLOCK_PAGES, e, "eviction");
		groups++;
		moved = 0;
		while (i + 1 < b->n && b->ev[i].kind == VSVM_EVENT_MIGRATE_START) {
			REC_ASSERT(ev_match(&b->ev[i], &MIG(START, g, 0, HUGE, b->ev[i].count, g,
							    SYSMEM, EVICTION)), &b->ev[i],
				   "eviction");
			REC_ASSERT(ev_match(&b->ev[i + 1], &MIG(END, g, 0, HUGE, b->ev[i + 1].count,
								g, SYSMEM, EVICTION)) &&
				   b->ev[i + 1].count <= b->ev[i].count, &b->ev[i + 1], "eviction");
			moved += b->ev[i + 1].count;
			i += 2;
		}
		igt_assert_f(moved == BLOCK_PAGES, "eviction %d moved %llu pages, expected %llu\n",
			     groups, (unsigned long long)moved, (unsigned long long)BLOCK_PAGES);
	}
	igt_assert_f(groups == objects, "%d evictions, expected %d\n", groups, objects);
}

static void test_eviction(void)
{
	const uint64_t seed = 0xe1c7000, p_in = EV_SVM / PAGE;
	struct stream s = STREAM("stream of evictions and migrations",
				 KIND(EVICTION) | MIGRATE_MASK, getpid());
	struct drm_vsvm_svm_counters k0, k1;
	struct evbuf *b = evbuf_get(0);
	struct drm_vsvm_query_device qd;
	uint32_t gem, g;
	uint64_t *buf;
	struct vt_ctx *c;
	int efd, first, i;

	vt_require_module_reload();
	vt_ctx_reap();
	efd_reap();
	vt_module_reload("vram_size=16M");
	igt_install_exit_handler(efd_exit_handler);
	check_svm_gpus();
	c = vt_ctx_open(0);
	g = c->gpu_id;
	vt_query(c->fd, &qd);
	igt_assert_eq_u64(qd.vram_size, EV_VRAM);
	if (!vt_svm_vram(c->fd)) {
		vt_ctx_close(c);
		vt_module_reload_default();
		check_svm_gpus();
		igt_skip("no VSVM_CAP_SVM_VRAM after the reload with vram_size=16M\n");
	}
	buf = map_filled(EV_SVM, seed);
	efd = efd_open(c, s.mask, 0, 0, 0);

	vt_ctx_prefetch(c, buf, EV_SVM, g);
	drain(efd, &s, b, SETTLE_MS, 0);
	igt_assert_f(b->n == 2 * (int)(EV_SVM / HUGE),
		     "prefetch of 8 MiB into 16 MiB: %d records\n", b->n);
	for (i = 0; i < b->n; i++)
		REC_ASSERT(b->ev[i].trigger == VSVM_MIGRATE_TRIGGER_PREFETCH &&
			   b->ev[i].count == BLOCK_PAGES, &b->ev[i], "prefetch of 8 MiB");

	/*
	 * A buffer object as large as the VRAM not in use before the prefetch
	 * (2 MiB aligned) leaves no room for any of the four SVM objects.
	 */
	vt_ctx_counters(c, &k0);
	first = b->n;
	gem = vt_gem_create(c->fd, EV_VRAM - ALIGN_UP(qd.vram_used, HUGE), VSVM_GEM_DOMAIN_VRAM);
	drain(efd, &s, b, SETTLE_MS, 0);
	ev_dump(b, first, "a buffer object of the whole VRAM");
	check_evictions(b, first, g, EV_SVM / HUGE);
	vt_ctx_counters(c, &k1);
	igt_assert_eq_u64(k1.vram_evictions - k0.vram_evictions, EV_SVM / HUGE);
	igt_assert_eq_u64(k1.pages_out - k0.pages_out, p_in);
	igt_assert_eq_u64(k1.vram_pages, k0.vram_pages - p_in);

	first = b->n;
	vt_check_pattern(buf, EV_SVM / 8, seed, 1, "evicted SVM data");
	drain(efd, &s, b, SETTLE_MS, 0);
	EXPECT_NONE(b, first, "CPU read of evicted data");

	vt_gem_close(c->fd, gem);
	efd_close(efd);
	vt_unmap(buf, EV_SVM);
	vt_ctx_close(c);
	vt_module_reload_default();
	check_svm_gpus();
}

/* ---- dropped ----------------------------------------------------------------------------- */

#define DROP_CAPACITY 16
#define DROP_PAGES 13

static void test_dropped(void)
{
	const uint64_t lost = 2 * DROP_PAGES - DROP_CAPACITY;
	struct stream s = STREAM("stream of capacity 16", MIGRATE_MASK, getpid());
	struct evbuf *b = evbuf_get(0);
	struct vt_ctx *c = vt_ctx_open(0);
	uint32_t g = c->gpu_id;
	uint64_t *buf, p, i;
	int efd, k, n;

	vt_ctx_require_vram(c);
	buf = vt_map_aligned(HUGE, MAP_PRIVATE);
	/* no THP: a one-page migration out of a huge page would split it first */
	vt_madvise(buf, HUGE, MADV_NOHUGEPAGE);
	vt_fill_pattern(buf, HUGE / 8, 0xd209, 1);
	p = vt_va(buf);
	efd = efd_open(c, MIGRATE_MASK, 0, 0, DROP_CAPACITY);

	for (i = 0; i < DROP_PAGES; i++)
		vt_ctx_prefetch(c, (char *)buf + i * PAGE, PAGE, g);
	igt_assert_eq_u64(fdinfo_dropped(efd), lost);
	n = drain(efd, &s, b, SETTLE_MS, 0);
	/* the DROPPED record may come now or before the next record */
	igt_assert_f(n == DROP_CAPACITY || n == DROP_CAPACITY + 1, "%d records\n", n);
	vt_ctx_prefetch(c, (char *)buf + DROP_PAGES * PAGE, PAGE, g);
	drain(efd, &s, b, SETTLE_MS, 0);
	igt_assert_eq(b->n, DROP_CAPACITY + 3);
	for (k = 0; k < DROP_CAPACITY; k += 2) {
		uint64_t a = p + (k / 2) * PAGE;

		__expect_records(b, k, (const struct drm_vsvm_event[]){
				 MIG(START, g, a, PAGE, 1, SYSMEM, g, PREFETCH),
				 MIG(END, g, a, PAGE, 1, SYSMEM, g, PREFETCH) }, 2, false,
				 "records of the first 8 pages");
	}
	REC_ASSERT(b->ev[DROP_CAPACITY].kind == VSVM_EVENT_DROPPED &&
		   b->ev[DROP_CAPACITY].count == lost, &b->ev[DROP_CAPACITY], "dropped records");
	EXPECT(b, DROP_CAPACITY + 1, "prefetch after the drop",
	       MIG(START, g, p + DROP_PAGES * PAGE, PAGE, 1, SYSMEM, g, PREFETCH),
	       MIG(END, g, p + DROP_PAGES * PAGE, PAGE, 1, SYSMEM, g, PREFETCH));
	igt_assert_eq_u64(fdinfo_dropped(efd), lost);

	efd_close(efd);
	vt_unmap(buf, HUGE);
	vt_ctx_close(c);
}

/* ---- poll-nonblock ----------------------------------------------------------------------- */

/* A read() that blocks in its own thread */
struct blocked_read {
	int efd;
	pthread_t thread;
	atomic_bool done;
	ssize_t ret;
	int err;
	struct drm_vsvm_event ev[4];
};

static void *blocked_read_fn(void *arg)
{
	struct blocked_read *r = arg;

	r->ret = read(r->efd, r->ev, sizeof(r->ev));
	r->err = errno;
	atomic_store(&r->done, true);
	return NULL;
}

/* A prefetch in its own thread */
struct prefetch_job {
	struct vt_ctx *c;
	const void *p;
	uint64_t size;
	uint32_t location;
	pthread_t thread;
	int ret;
};

static void *prefetch_fn(void *arg)
{
	struct prefetch_job *j = arg;

	j->ret = vsvm_svm_prefetch(j->c->fd, j->p, j->size, j->location, 0, 0);
	return NULL;
}

static void expect_read_err(int efd, size_t len, int err, const char *what)
{
	char buf[4 * EV_SIZE];
	ssize_t ret = read(efd, buf, len);

	igt_assert_f(ret == -1 && errno == err, "%s: read() of %zu bytes returned %zd (%s), "
		     "expected %s\n", what, len, ret, ret < 0 ? strerror(errno) : "",
		     strerror(err));
}

static void test_poll_nonblock(void)
{
	struct stream s_nb = STREAM("non-blocking stream", MIGRATE_MASK, getpid());
	struct stream s_bl = STREAM("blocking stream", MIGRATE_MASK, getpid());
	struct evbuf *nbb = evbuf_get(0), *blb = evbuf_get(1);
	struct vt_ctx *c = vt_ctx_open(0);
	struct blocked_read r = { 0 };
	struct prefetch_job j;
	struct pollfd pfd[2];
	char odd[100];
	uint32_t g = c->gpu_id;
	uint64_t *buf;
	int nb, bl, fl, i;

	vt_ctx_require_vram(c);
	buf = map_filled(HUGE, 0x9011);
	nb = efd_open(c, MIGRATE_MASK, 0, VSVM_EVENTS_NONBLOCK, 0);
	bl = efd_open(c, MIGRATE_MASK, 0, 0, 0);

	/* nothing queued */
	expect_read_err(nb, EV_SIZE, EAGAIN, "empty non-blocking stream");
	expect_read_err(nb, 4 * EV_SIZE, EAGAIN, "empty non-blocking stream");
	expect_read_err(nb, EV_SIZE - 1, EINVAL, "empty stream, buffer of 63 bytes");
	expect_read_err(bl, 1, EINVAL, "empty blocking stream, buffer of 1 byte");
	igt_assert_eq(vsvm_events_read(nb, nbb->ev, EV_MAX, 0), 0);
	pfd[0] = (struct pollfd){ .fd = bl, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = nb, .events = POLLIN };
	igt_assert_eq(poll(pfd, 2, 100), 0);

	vt_ctx_prefetch(c, buf, HUGE, g);
	igt_assert_eq(poll(pfd, 2, 0), 2);
	igt_assert(pfd[0].revents & POLLIN);
	igt_assert(pfd[1].revents & POLLIN);
	/* whole records only */
	igt_assert_eq(read(bl, odd, sizeof(odd)), EV_SIZE);
	memcpy(&blb->ev[blb->n++], odd, EV_SIZE);
	expect_read_err(bl, EV_SIZE - 1, EINVAL, "a record queued, buffer of 63 bytes");
	igt_assert_eq(read(bl, &blb->ev[blb->n++], EV_SIZE), EV_SIZE);
	check_record(&s_bl, &blb->ev[0], 0, 0);
	check_record(&s_bl, &blb->ev[1], 0, 0);
	EXPECT(blb, 0, "blocking stream after a prefetch",
	       MIG(START, g, vt_va(buf), HUGE, BLOCK_PAGES, SYSMEM, g, PREFETCH),
	       MIG(END, g, vt_va(buf), HUGE, BLOCK_PAGES, SYSMEM, g, PREFETCH));
	pfd[0].revents = 0;
	igt_assert_eq(poll(pfd, 1, 0), 0);
	drain(nb, &s_nb, nbb, 0, 0);
	expect_same(nbb, blb, "non-blocking stream");
	expect_read_err(nb, EV_SIZE, EAGAIN, "drained non-blocking stream");

	/* O_NONBLOCK set with fcntl() */
	fl = fcntl(bl, F_GETFL);
	igt_assert_eq(fcntl(bl, F_SETFL, fl | O_NONBLOCK), 0);
	expect_read_err(bl, EV_SIZE, EAGAIN, "blocking stream made non-blocking with fcntl()");
	igt_assert_eq(fcntl(bl, F_SETFL, fl), 0);

	/* a blocked reader is woken by another thread's prefetch */
	r.efd = bl;
	igt_assert_eq(pthread_create(&r.thread, NULL, blocked_read_fn, &r), 0);
	usleep(200000);
	igt_assert_f(!atomic_load(&r.done), "read() of an empty blocking stream returned %zd\n",
		     r.ret);
	j = (struct prefetch_job){ .c = c, .p = buf, .size = HUGE, .location = SYSMEM };
	igt_assert_eq(pthread_create(&j.thread, NULL, prefetch_fn, &j), 0);
	igt_assert_eq(pthread_join(j.thread, NULL), 0);
	igt_assert_eq(j.ret, 0);
	igt_assert_eq(pthread_join(r.thread, NULL), 0);
	igt_assert_f(r.ret > 0 && r.ret % EV_SIZE == 0, "woken read() returned %zd (%s)\n", r.ret,
		     r.ret < 0 ? strerror(r.err) : "");
	memcpy(blb->ev, r.ev, r.ret);
	blb->n = r.ret / EV_SIZE;
	for (i = 0; i < blb->n; i++)
		check_record(&s_bl, &blb->ev[i], 0, 0);
	drain(bl, &s_bl, blb, SETTLE_MS, 0);
	EXPECT(blb, 0, "blocking stream woken by a prefetch",
	       MIG(START, g, vt_va(buf), HUGE, BLOCK_PAGES, g, SYSMEM, PREFETCH),
	       MIG(END, g, vt_va(buf), HUGE, BLOCK_PAGES, g, SYSMEM, PREFETCH));

	efd_close(bl);
	efd_close(nb);
	vt_unmap(buf, HUGE);
	vt_ctx_close(c);
}

/* ---- multi-reader ------------------------------------------------------------------------ */

#define MR_THREADS 4
#define MR_ROUNDS 3
/* records per slice and round: in (START, END), GPU_UNMAP, out (START, END) */
#define MR_PER_ROUND 5
#define MR_TIMEOUT_MS 60000

/* A prefetching thread: its slice to GPU 0 and back, MR_ROUNDS times */
struct mr_worker {
	struct vt_ctx *c;
	const void *slice;
	pthread_t thread;
	int ret;	/* the first error, or 0 */
};

static void *mr_worker_fn(void *arg)
{
	struct mr_worker *w = arg;
	int r, ret = 0;

	for (r = 0; r < MR_ROUNDS && !ret; r++) {
		ret = vsvm_svm_prefetch(w->c->fd, w->slice, HUGE, w->c->gpu_id, 0, 0);
		if (!ret)
			ret = vsvm_svm_prefetch(w->c->fd, w->slice, HUGE, SYSMEM, 0, 0);
	}
	w->ret = ret;
	return NULL;
}

/* A thread reading a stream until it has @want records or MR_TIMEOUT_MS passed */
struct mr_reader {
	int efd;
	struct evbuf *b;
	int want;
	pthread_t thread;
	int err;
};

static void *mr_reader_fn(void *arg)
{
	struct mr_reader *r = arg;
	int64_t end = vt_now_ns() + MR_TIMEOUT_MS * NSEC_PER_MSEC;
	int n;

	while (r->b->n < r->want && vt_now_ns() < end) {
		n = vsvm_events_read(r->efd, r->b->ev + r->b->n, EV_MAX - r->b->n, 100);
		if (n < 0) {
			r->err = n;
			break;
		}
		r->b->n += n;
	}
	return NULL;
}

static void test_multi_reader(void)
{
	const uint64_t mask_a = MIGRATE_MASK | KIND(GPU_UNMAP);
	struct stream s_a = STREAM("stream of migrations and unmaps", mask_a, getpid());
	struct stream s_b = STREAM("stream of MIGRATE_END", KIND(MIGRATE_END), getpid());
	struct evbuf *a = evbuf_get(0), *bb = evbuf_get(1), *tmp = evbuf_get(2);
	struct vt_ctx *c = vt_ctx_open(0);
	struct mr_worker w[MR_THREADS];
	struct mr_reader r;
	uint32_t g = c->gpu_id;
	uint64_t *buf, slice;
	int64_t t0, t1;
	int i, k, rb;

	vt_ctx_require_vram(c);
	buf = map_filled(MR_THREADS * HUGE, 0x3a1);
	r = (struct mr_reader){ .efd = efd_open(c, mask_a, 0, 0, 0), .b = a,
				.want = MR_THREADS * MR_ROUNDS * MR_PER_ROUND };
	rb = efd_open(c, KIND(MIGRATE_END), 0, 0, 0);

	t0 = vt_now_ns();
	igt_assert_eq(pthread_create(&r.thread, NULL, mr_reader_fn, &r), 0);
	for (i = 0; i < MR_THREADS; i++) {
		w[i] = (struct mr_worker){ .c = c, .slice = (char *)buf + i * HUGE };
		igt_assert_eq(pthread_create(&w[i].thread, NULL, mr_worker_fn, &w[i]), 0);
	}
	for (i = 0; i < MR_THREADS; i++) {
		igt_assert_eq(pthread_join(w[i].thread, NULL), 0);
		igt_assert_f(w[i].ret == 0, "prefetch of slice %d: %s\n", i, strerror(-w[i].ret));
	}
	igt_assert_eq(pthread_join(r.thread, NULL), 0);
	t1 = vt_now_ns();
	igt_assert_f(r.err == 0, "reading events: %s\n", strerror(-r.err));
	for (i = 0; i < a->n; i++)
		check_record(&s_a, &a->ev[i], t0, t1);
	/* nothing more than the rounds */
	drain(r.efd, &s_a, a, SETTLE_MS, t0);
	if (a->n != r.want)
		ev_dump(a, 0, s_a.name);
	igt_assert_eq(a->n, r.want);

	for (i = 0; i < MR_THREADS; i++) {
		slice = vt_va(buf) + i * HUGE;
		tmp->n = 0;
		for (k = 0; k < a->n; k++)
			if (a->ev[k].addr == slice)
				tmp->ev[tmp->n++] = a->ev[k];
		igt_assert_f(tmp->n == MR_ROUNDS * MR_PER_ROUND, "slice %d: %d records\n", i,
			     tmp->n);
		for (k = 0; k < MR_ROUNDS; k++)
			__expect_records(tmp, k * MR_PER_ROUND, (const struct drm_vsvm_event[]){
				MIG(START, g, slice, HUGE, BLOCK_PAGES, SYSMEM, g, PREFETCH),
				MIG(END, g, slice, HUGE, BLOCK_PAGES, SYSMEM, g, PREFETCH),
				UNMAP(g, slice, HUGE, MIGRATION),
				MIG(START, g, slice, HUGE, BLOCK_PAGES, g, SYSMEM, PREFETCH),
				MIG(END, g, slice, HUGE, BLOCK_PAGES, g, SYSMEM, PREFETCH) },
				MR_PER_ROUND, false, "one round of a slice");
	}

	drain(rb, &s_b, bb, SETTLE_MS, t0);
	ev_filter(a, KIND(MIGRATE_END), tmp);
	expect_same(bb, tmp, s_b.name);
	vt_check_pattern(buf, MR_THREADS * HUGE / 8, 0x3a1, 1, "slices after the prefetches");

	efd_close(rb);
	efd_close(r.efd);
	vt_unmap(buf, MR_THREADS * HUGE);
	vt_ctx_close(c);
}

/* ---- counters ---------------------------------------------------------------------------- */

#define DBG(name, field) { name, offsetof(struct drm_vsvm_svm_counters, field) }
/* Each counter of the ioctl and its key in debugfs vsvm_svm */
static const struct {
	const char *name;
	size_t offset;
} dbg_counters[] = {
	DBG("faults", faults),
	DBG("batches", batches),
	DBG("duplicates", duplicates),
	DBG("fatal", fatal),
	DBG("pages_mapped", pages_mapped),
	DBG("pages_unmapped", pages_unmapped),
	DBG("invalidations", invalidations),
	DBG("evictions", queue_evictions),
	DBG("restores", restores),
	DBG("pages_in", pages_in),
	DBG("pages_out", pages_out),
	DBG("cpu_faults", cpu_faults),
	DBG("vram_evictions", vram_evictions),
	DBG("bytes_copied", bytes_copied),
	DBG("vram_pages", vram_pages),
	DBG("exclusive", exclusive),
};

static uint64_t counter_at(const struct drm_vsvm_svm_counters *k, size_t offset)
{
	uint64_t v;

	memcpy(&v, (const char *)k + offset, sizeof(v));
	return v;
}

/* Every counter of @k equals its debugfs value (read now) */
static void expect_debugfs(struct vt_ctx *c, const struct drm_vsvm_svm_counters *k)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dbg_counters); i++) {
		if (!vt_svm_counter(vt_paths[c->gpu], dbg_counters[i].name, &v)) {
			igt_assert_f(!strcmp(dbg_counters[i].name, "exclusive"),
				     "debugfs vsvm_svm has no %s\n", dbg_counters[i].name);
			igt_debug("debugfs vsvm_svm has no %s\n", dbg_counters[i].name);
			continue;
		}
		igt_assert_f(v == counter_at(k, dbg_counters[i].offset),
			     "%s: %llu in debugfs, %llu from the ioctl\n", dbg_counters[i].name,
			     (unsigned long long)v,
			     (unsigned long long)counter_at(k, dbg_counters[i].offset));
	}
}

/* SVM_COUNTERS with every field given: 0 or -errno */
static int counters_raw(int fd, uint32_t pid, uint32_t flags, uint32_t pad,
			struct drm_vsvm_svm_counters *k)
{
	memset(k, 0, sizeof(*k));
	k->pid = pid;
	k->flags = flags;
	k->pad = pad;
	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_SVM_COUNTERS, k);
}

/* Whether VSVM_COUNTERS_NEXT lists @pid; the list is increasing, on the GPU of @c */
static bool next_lists(struct vt_ctx *c, pid_t pid)
{
	struct drm_vsvm_svm_counters k;
	uint32_t last = 0;
	bool found = false;
	int ret;

	while (!(ret = vsvm_svm_counters(c->fd, last, VSVM_COUNTERS_NEXT, &k))) {
		igt_assert_f(k.pid > last, "VSVM_COUNTERS_NEXT after %u gave %u\n", last, k.pid);
		igt_assert_eq_u32(k.gpu_id, c->gpu_id);
		found |= k.pid == (uint32_t)pid;
		last = k.pid;
	}
	igt_assert_f(ret == -ESRCH, "VSVM_COUNTERS_NEXT after %u: %s\n", last, strerror(-ret));
	return found;
}

/* The child of test_counters(): no context, then one, then no root */
static void counters_child(int up, int down)
{
	struct drm_vsvm_svm_counters k;
	pid_t me = getpid();
	int fd;
	char go;

	vt_ctx_reap();
	efd_reap();
	write_pipe(up, &me, sizeof(me));
	read_pipe(down, &go, 1);
	fd = vt_open(vt_paths[0]);
	write_pipe(up, "o", 1);
	read_pipe(down, &go, 1);
	drop_root();
	igt_assert_eq(vsvm_svm_counters(fd, 0, 0, &k), 0);
	igt_assert_eq(k.pid, me);
	igt_assert_eq(vsvm_svm_counters(fd, me, 0, &k), 0);
	igt_assert_eq(k.pid, me);
	igt_assert_eq(vsvm_svm_counters(fd, getppid(), 0, &k), -EPERM);
	igt_assert_eq(vsvm_svm_counters(fd, 0, VSVM_COUNTERS_NEXT, &k), -EPERM);
	igt_assert_eq(vsvm_svm_counters(fd, me, VSVM_COUNTERS_NEXT, &k), -EPERM);
	vsvm_close(fd);
}

/* The counters of another process: none, then those of a fresh context, then EPERM */
static void counters_other_process(struct vt_ctx *c)
{
	struct drm_vsvm_svm_counters k;
	int up[2], down[2];
	pid_t child;
	char ok;

	igt_assert_eq(pipe(up), 0);
	igt_assert_eq(pipe(down), 0);
	igt_fork(child_idx, 1) {
		close(up[0]);
		close(down[1]);
		counters_child(up[1], down[0]);
	}
	close(up[1]);
	close(down[0]);
	read_pipe(up[0], &child, sizeof(child));
	igt_assert_eq(vsvm_svm_counters(c->fd, child, 0, &k), -ESRCH);
	igt_assert(!next_lists(c, child));
	write_pipe(down[1], "o", 1);
	read_pipe(up[0], &ok, 1);
	igt_assert_eq(vsvm_svm_counters(c->fd, child, 0, &k), 0);
	igt_assert_eq(k.pid, child);
	igt_assert_eq_u32(k.gpu_id, c->gpu_id);
	igt_assert_eq_u64(k.faults + k.pages_in + k.pages_out + k.bytes_copied + k.vram_pages, 0);
	igt_assert(next_lists(c, child));
	write_pipe(down[1], "d", 1);
	igt_waitchildren();
	close(up[0]);
	close(down[1]);
}

static void test_counters(void)
{
	const uint64_t np = 3 * MIB / PAGE, seed = 0xc0c0;
	struct stream s = STREAM("stream of faults", FAULT_MASK, getpid());
	struct drm_vsvm_svm_counters k0, k1, k2;
	struct evbuf *b = evbuf_get(0);
	struct vt_ctx *c;
	uint64_t *buf, *buf2;
	uint32_t g;
	int efd, faults;

	igt_require_f(geteuid() == 0, "needs root\n");
	c = vt_ctx_open(0);
	g = c->gpu_id;
	vt_ctx_require_vram(c);
	igt_require_f(vt_svm_debugfs(0), "no debugfs vsvm_svm\n");

	igt_assert_eq(counters_raw(c->fd, 0, 0x2, 0, &k0), -EINVAL);
	igt_assert_eq(counters_raw(c->fd, 0, 0x80000000U, 0, &k0), -EINVAL);
	igt_assert_eq(counters_raw(c->fd, 0, ~0U, 0, &k0), -EINVAL);
	igt_assert_eq(counters_raw(c->fd, 0, 0, 1, &k0), -EINVAL);
	igt_assert_eq(counters_raw(c->fd, 0, VSVM_COUNTERS_NEXT, 0x80000000U, &k0), -EINVAL);
	igt_assert_eq(counters_raw(c->fd, dead_pid(), 0, 0, &k0), -ESRCH);
	igt_assert_eq(counters_raw(c->fd, getpid(), 0, 0, &k0), 0);
	igt_assert_eq(k0.pid, getpid());
	vt_ctx_counters(c, &k0);
	expect_debugfs(c, &k0);

	/* 768 pages to GPU 0 and back */
	buf = map_filled(BUF_SIZE, seed);
	vt_ctx_prefetch(c, buf, 3 * MIB, g);
	vt_ctx_counters(c, &k1);
	igt_assert_eq_u64(k1.pages_in - k0.pages_in, np);
	igt_assert_eq_u64(k1.pages_out - k0.pages_out, 0);
	igt_assert_eq_u64(k1.bytes_copied - k0.bytes_copied, np * PAGE);
	igt_assert_eq_u64(k1.vram_pages - k0.vram_pages, np);
	expect_debugfs(c, &k1);
	vt_ctx_prefetch(c, buf, BUF_SIZE, SYSMEM);
	vt_ctx_counters(c, &k2);
	igt_assert_eq_u64(k2.pages_in - k0.pages_in, np);
	igt_assert_eq_u64(k2.pages_out - k0.pages_out, np);
	igt_assert_eq_u64(k2.bytes_copied - k0.bytes_copied, 2 * np * PAGE);
	igt_assert_eq_u64(k2.vram_pages, k0.vram_pages);
	igt_assert_eq_u64(k2.cpu_faults, k0.cpu_faults);
	expect_debugfs(c, &k2);

	/* GPU faults: as many as the stream shows */
	buf2 = map_filled(BUF_SIZE, seed + 1);
	efd = efd_open(c, FAULT_MASK, 0, 0, 0);
	gpu_read(c, buf2, BUF_SIZE / 8, seed + 1);
	drain(efd, &s, b, SETTLE_MS, 0);
	faults = check_faults(b, 0, g, buf2, BUF_SIZE, false, "GPU reads for the counters");
	vt_ctx_counters(c, &k1);
	igt_assert_eq_u64(k1.faults - k2.faults, faults);
	igt_assert_lt_u64(k2.batches, k1.batches);
	igt_assert_lte_u64(k1.batches - k2.batches,
			   (k1.faults - k2.faults) + (k1.duplicates - k2.duplicates));
	igt_assert_lte_u64(BUF_SIZE / PAGE, k1.pages_mapped - k2.pages_mapped);
	igt_assert_eq_u64(k1.fatal, k2.fatal);
	expect_debugfs(c, &k1);

	igt_assert(next_lists(c, getpid()));
	counters_other_process(c);

	efd_close(efd);
	vt_unmap(buf2, BUF_SIZE);
	vt_unmap(buf, BUF_SIZE);
	vt_ctx_close(c);
}

/* ---- tracepoints ------------------------------------------------------------------------- */

static char tracing[64];	/* the tracefs directory, "" until found */
static bool tracing_on_changed;
static bool record_cmd_changed;

/* Write @value to @file of tracefs; with @value NULL, truncate it (clear "trace") */
static bool tracefs_write(const char *file, const char *value)
{
	char path[128];
	ssize_t len = value ? (ssize_t)strlen(value) : 0;
	int fd;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", tracing, file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = !value || write(fd, value, len) == len;
	close(fd);
	return ok;
}

/*
 * The vsvm events off, then tracing_on and options/record-cmd as they were
 * (record-cmd after the events: with no event on, turning it on patches
 * nothing), the trace cleared.
 */
static void tracing_restore(void)
{
	if (!tracing[0])
		return;
	tracefs_write("events/vsvm/enable", "0");
	if (tracing_on_changed)
		tracefs_write("tracing_on", "0");
	if (record_cmd_changed)
		tracefs_write("options/record-cmd", "1");
	tracing_on_changed = false;
	record_cmd_changed = false;
	tracefs_write("trace", NULL);
}

static void tracing_exit_handler(int sig)
{
	(void)sig;
	tracing_restore();
}

/* Find (mounting it if needed) a tracefs with the vsvm events */
static bool find_tracefs(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[128];
	size_t i;

	if (access("/sys/kernel/tracing/events", F_OK))
		mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL);
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/events/vsvm", dirs[i]);
		if (!access(path, F_OK)) {
			snprintf(tracing, sizeof(tracing), "%s", dirs[i]);
			return true;
		}
	}
	return false;
}

/*
 * Set tracefs option file @file ("tracing_on", "options/record-cmd") to "1" or
 * "0", and say whether it was changed (so that tracing_restore() puts it back).
 */
static bool tracefs_set(const char *file, const char *value)
{
	char path[128], was[8] = "";

	snprintf(path, sizeof(path), "%s/%s", tracing, file);
	igt_assert_f(vt_read_file(path, was, sizeof(was)), "%s unreadable\n", path);
	if (!strcmp(was, value))
		return false;
	igt_assert_f(tracefs_write(file, value), "cannot write %s to %s\n", value, path);
	return true;
}

/* The whole "trace" file (malloc'd, NUL-terminated) */
static char *read_trace(void)
{
	size_t len = 0, cap = 1 << 16;
	char path[128], *buf = malloc(cap);
	ssize_t n;
	int fd;

	igt_assert(buf);
	snprintf(path, sizeof(path), "%s/trace", tracing);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	igt_assert_f(fd >= 0, "%s: %s\n", path, strerror(errno));
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len - 1 == 0) {
			cap *= 2;
			buf = realloc(buf, cap);
			igt_assert(buf);
		}
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* @line names process @pid: "-PID " (the task column) or "pid=PID" */
static bool line_has_pid(const char *line, pid_t pid)
{
	char num[16];
	const char *p = line;
	size_t n = snprintf(num, sizeof(num), "%d", pid);

	while ((p = strstr(p, num))) {
		if (p > line && strchr("-= ", p[-1]) && (p[n] < '0' || p[n] > '9'))
			return true;
		p += n;
	}
	return false;
}

/* @trace has a line of tracepoint @name with our pid and @addr in hex */
static bool trace_has(char *trace, const char *name, uint64_t addr)
{
	char event[64], hex[32], *line, *save = NULL, *copy = strdup(trace);
	bool found = false;

	igt_assert(copy);
	snprintf(event, sizeof(event), " %s:", name);
	snprintf(hex, sizeof(hex), "%llx", (unsigned long long)addr);
	for (line = strtok_r(copy, "\n", &save); line && !found; line = strtok_r(NULL, "\n", &save))
		found = strstr(line, event) && strcasestr(line, hex) &&
			line_has_pid(line, getpid());
	free(copy);
	return found;
}

static void test_tracepoints(void)
{
	const uint64_t seed = 0x7ace;
	char *trace;
	struct vt_ctx *c;
	uint64_t *buf, piece;

	igt_require_f(geteuid() == 0, "needs root\n");
	igt_require_f(find_tracefs(), "no tracefs with events/vsvm\n");
	c = vt_ctx_open(0);
	vt_ctx_require_vram(c);
	buf = map_filled(BUF_SIZE, seed);

	igt_install_exit_handler(tracing_exit_handler);
	tracing_on_changed = tracefs_set("tracing_on", "1");
	/*
	 * With record-cmd on, the first enabled event also hooks sched_switch
	 * to record task names, which live-patches __schedule() (int3-based
	 * text poking) while the other CPU runs it. Under QEMU's TCG a vCPU
	 * has been seen to trap on that int3 after the patch was complete
	 * ("Oops: int3" in __schedule, a panic, about once in 60 runs). The
	 * vsvm events carry the pid themselves: record-cmd stays off.
	 */
	record_cmd_changed = tracefs_set("options/record-cmd", "0");
	igt_assert(tracefs_write("trace", NULL));
	igt_assert(tracefs_write("events/vsvm/enable", "1"));
	vt_ctx_prefetch(c, buf, BUF_SIZE, c->gpu_id);
	igt_assert(tracefs_write("events/vsvm/enable", "0"));
	trace = read_trace();
	for (piece = vt_va(buf); piece < vt_va(buf) + BUF_SIZE; piece += HUGE) {
		if (!trace_has(trace, "vsvm_migrate_start", piece) ||
		    !trace_has(trace, "vsvm_migrate_end", piece))
			igt_info("trace:\n%s\n", trace);
		igt_assert_f(trace_has(trace, "vsvm_migrate_start", piece),
			     "no vsvm_migrate_start of pid %d at %#llx\n", getpid(),
			     (unsigned long long)piece);
		igt_assert_f(trace_has(trace, "vsvm_migrate_end", piece),
			     "no vsvm_migrate_end of pid %d at %#llx\n", getpid(),
			     (unsigned long long)piece);
	}
	free(trace);
	tracing_restore();

	vt_unmap(buf, BUF_SIZE);
	vt_ctx_close(c);
}

/* ---- smi --------------------------------------------------------------------------------- */

#define SMI_OUT_MAX 65536
#define SMI_TIMEOUT_MS 60000

/* A running vsvm-smi: stdout and stderr go to @out */
struct smi {
	pid_t pid;
	int out;
	size_t len;
	char buf[SMI_OUT_MAX];
};

static char smi_path[PATH_MAX];
static struct smi smi_run;

/* $VSVM_SMI, or vsvm-smi beside the test binary or in the repository (tools/vsvm-smi) */
static bool find_smi(void)
{
	const char *env = getenv("VSVM_SMI");

	if (env && *env) {
		snprintf(smi_path, sizeof(smi_path), "%s", env);
		return access(smi_path, X_OK) == 0;
	}
	return vt_find_tool("vsvm-smi", smi_path, sizeof(smi_path));
}

/* Start vsvm-smi with the NULL-terminated arguments @args */
static void smi_start(struct smi *s, const char *const *args)
{
	s->len = 0;
	s->buf[0] = '\0';
	s->pid = vt_spawn(smi_path, args, &s->out);
}

/* Read output until it contains @needle (NULL: until EOF); false on EOF or timeout first */
static bool smi_read_until(struct smi *s, const char *needle)
{
	int64_t end = vt_now_ns() + SMI_TIMEOUT_MS * NSEC_PER_MSEC;
	struct pollfd pfd = { .fd = s->out, .events = POLLIN };
	ssize_t n;

	while (!needle || !strstr(s->buf, needle)) {
		if (vt_now_ns() > end || poll(&pfd, 1, 100) < 0)
			return false;
		if (!pfd.revents)
			continue;
		igt_assert(s->len + 1 < sizeof(s->buf));
		n = read(s->out, s->buf + s->len, sizeof(s->buf) - s->len - 1);
		if (n <= 0)
			return !needle && n == 0;
		s->len += n;
		s->buf[s->len] = '\0';
	}
	return true;
}

/* Read the rest of the output and reap vsvm-smi; its exit status */
static int smi_finish(struct smi *s)
{
	int status;

	igt_assert_f(smi_read_until(s, NULL), "vsvm-smi did not finish; output:\n%s\n", s->buf);
	close(s->out);
	igt_assert_eq(waitpid(s->pid, &status, 0), s->pid);
	igt_debug("vsvm-smi output:\n%s", s->buf);
	igt_assert_f(WIFEXITED(status), "vsvm-smi died (status %#x)\n", status);
	return WEXITSTATUS(status);
}

/* Run vsvm-smi to its end; asserts exit status @rc */
static void smi_expect(struct smi *s, const char *const *args, int rc)
{
	int got;

	smi_start(s, args);
	got = smi_finish(s);
	igt_assert_f(got == rc, "vsvm-smi %s...: exit status %d, expected %d; output:\n%s\n",
		     args[0] ? args[0] : "", got, rc, s->buf);
}

/* The GPU list has a line for every GPU with its node, gpu_id, VRAM and compute units */
static void smi_check_list(const char *out)
{
	struct drm_vsvm_query_device q;
	char line[256], node[VSVM_PATH_MAX];
	unsigned long long used, total;
	unsigned int id, cus;
	const char *p;
	int g, idx, fd;
	bool found;

	for (g = 0; g < vt_num_gpus; g++) {
		fd = vt_open(vt_paths[g]);
		vt_query(fd, &q);
		vsvm_close(fd);
		found = false;
		for (p = out; p && *p && !found; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
			snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
			found = sscanf(line, "%d %63s %u %llu %llu %u", &idx, node, &id, &used,
				       &total, &cus) == 6 && idx == g &&
				!strcmp(node, vt_paths[g]) && id == q.gpu_id &&
				total == q.vram_size / MIB &&
				cus == q.num_compute_units && strstr(line, "svm");
		}
		igt_assert_f(found, "no line for GPU %d (%s, gpu_id %u) in:\n%s\n", g, vt_paths[g],
			     q.gpu_id, out);
	}
}

/* The value in column @col of the --counters row of GPU 0 and process @pid; false if none */
static bool smi_counter(const char *out, pid_t pid, const char *col, unsigned long long *v)
{
	char line[1024], *tok, *save;
	int want = -1, i, gpu = -1;
	const char *p;
	bool row;

	for (p = out; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
		save = NULL;
		row = false;
		for (i = 0, tok = strtok_r(line, " ", &save); tok;
		     i++, tok = strtok_r(NULL, " ", &save)) {
			if (!strcmp(tok, col))
				want = i;
			else if (i == 0)
				gpu = atoi(tok);
			else if (i == 1)
				row = gpu == 0 && atoi(tok) == pid;
			if (row && i == want) {
				*v = strtoull(tok, NULL, 10);
				return true;
			}
		}
	}
	return false;
}

static void test_smi(void)
{
	char pid[16], line[128];
	const uint64_t seed = 0x5111;
	struct drm_vsvm_svm_counters k;
	struct smi *s = &smi_run;
	unsigned long long v;
	struct vt_ctx *c;
	uint64_t *buf, piece;

	igt_require_f(geteuid() == 0, "needs root\n");
	igt_require_f(find_smi(), "vsvm-smi not found (set VSVM_SMI, or copy it beside %s)\n",
		      igt_test_name());
	igt_info("using %s\n", smi_path);
	c = vt_ctx_open(0);
	vt_ctx_require_vram(c);
	snprintf(pid, sizeof(pid), "%d", getpid());

	smi_expect(s, (const char *const[]){ NULL }, 0);
	smi_check_list(s->buf);
	smi_expect(s, (const char *const[]){ "--bogus", NULL }, 2);
	smi_expect(s, (const char *const[]){ "--counters", "--count", "1", NULL }, 2);

	/* counters: ours after a prefetch */
	buf = map_filled(BUF_SIZE, seed);
	vt_ctx_prefetch(c, buf, BUF_SIZE, c->gpu_id);
	vt_ctx_counters(c, &k);
	smi_expect(s, (const char *const[]){ "--counters", "--pid", pid, NULL }, 0);
	igt_assert_f(smi_counter(s->buf, getpid(), "pages_in", &v), "no row of pid %s in:\n%s\n",
		     pid, s->buf);
	igt_assert_eq_u64(v, k.pages_in);
	smi_expect(s, (const char *const[]){ "--counters", NULL }, 0);
	igt_assert_f(smi_counter(s->buf, getpid(), "vram_pages", &v), "no row of pid %s in:\n%s\n",
		     pid, s->buf);
	igt_assert_eq_u64(v, k.vram_pages);

	/* watch: the four records of a prefetch back to system memory */
	smi_start(s, (const char *const[]){ "--watch", "--pid", pid, "--mask",
					    "migrate-start,migrate-end", "--count", "4",
					    "--timeout-ms", "60000", NULL });
	igt_assert_f(smi_read_until(s, "# watching"), "vsvm-smi --watch did not start:\n%s\n",
		     s->buf);
	vt_ctx_prefetch(c, buf, BUF_SIZE, SYSMEM);
	igt_assert_eq(smi_finish(s), 0);
	for (piece = vt_va(buf); piece < vt_va(buf) + BUF_SIZE; piece += HUGE) {
		snprintf(line, sizeof(line), "pid %-7s gpu %-3u addr 0x%llx size 2048 KiB "
			 "gpu%u->sysmem pages 512 trigger prefetch", pid, c->gpu_id,
			 (unsigned long long)piece, c->gpu_id);
		igt_assert_f(strstr(s->buf, line), "no \"%s\" in:\n%s\n", line, s->buf);
	}
	igt_assert_f(strstr(s->buf, "migrate-start") && strstr(s->buf, "migrate-end"),
		     "no migrate-start or migrate-end in:\n%s\n", s->buf);
	igt_assert_f(strstr(s->buf, "# 4 records, 0 dropped (fdinfo dropped: 0)"),
		     "no summary in:\n%s\n", s->buf);

	/* nothing to watch: the timeout ends it */
	smi_expect(s, (const char *const[]){ "--watch", "--pid", pid, "--mask", "eviction",
					     "--timeout-ms", "200", NULL }, 0);
	igt_assert_f(strstr(s->buf, "# 0 records, 0 dropped"), "no summary in:\n%s\n", s->buf);

	vt_unmap(buf, BUF_SIZE);
	vt_ctx_close(c);
}

/* ---- main -------------------------------------------------------------------------------- */

/* The SVM GPUs (vt_svm_gpus_require()), each with the events of uAPI 1.4 */
static void check_svm_gpus(void)
{
	struct drm_vsvm_query_device q;
	int g, fd;

	vt_svm_gpus_require(1);
	for (g = 0; g < vt_num_gpus; g++) {
		fd = vt_open(vt_paths[g]);
		vt_query(fd, &q);
		vsvm_close(fd);
		igt_require_f(q.uapi_version >= (1U << 16 | 4), "uAPI %u.%u has no events (1.4)\n",
			      q.uapi_version >> 16, q.uapi_version & 0xffff);
	}
}

static void efd_init(void)
{
	int i;

	for (i = 0; i < MAX_EFDS; i++)
		efds[i] = -1;
}

#define EVENTS_SUBTEST(name, fn) \
	igt_subtest(name) { \
		igt_set_timeout(SUBTEST_TIMEOUT, name); \
		efd_reap(); \
		vt_ctx_reap(); \
		fn(); \
	}

igt_main
{
	igt_fixture {
		efd_init();
		check_svm_gpus();
	}

	igt_describe("Bad EVENTS_OPEN arguments fail with their errno and leak nothing.");
	EVENTS_SUBTEST("open-bad-args", test_open_bad_args);

	igt_describe("Other processes' streams need CAP_SYS_ADMIN; own streams stay own.");
	EVENTS_SUBTEST("permission", test_permission);

	igt_describe("Prefetches, GPU faults, munmap() and migrating faults, record by record.");
	EVENTS_SUBTEST("sequence", test_sequence);

	igt_describe("CPU faults on device-private VRAM report their migrations.");
	EVENTS_SUBTEST("cpu-fault", test_cpu_fault);

	igt_describe("TTM evictions of SVM VRAM report EVICTION and their migrations.");
	EVENTS_SUBTEST("eviction", test_eviction);

	igt_describe("A full ring drops records and says how many.");
	EVENTS_SUBTEST("dropped", test_dropped);

	igt_describe("Non-blocking reads, poll() and blocking reads woken by events.");
	EVENTS_SUBTEST("poll-nonblock", test_poll_nonblock);

	igt_describe("Two streams of concurrent prefetches.");
	EVENTS_SUBTEST("multi-reader", test_multi_reader);

	igt_describe("SVM_COUNTERS matches the work, debugfs and the permissions.");
	EVENTS_SUBTEST("counters", test_counters);

	igt_describe("The vsvm tracepoints name the process and the addresses.");
	EVENTS_SUBTEST("tracepoints", test_tracepoints);

	igt_describe("vsvm-smi lists GPUs, counters and events.");
	EVENTS_SUBTEST("smi", test_smi);
}
