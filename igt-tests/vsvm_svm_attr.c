// SPDX-License-Identifier: MIT
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * TEST: vsvm svm attr
 * Description: The SVM attribute uAPI of vsvm (DRM_IOCTL_VSVM_SVM_SET_ATTR,
 *              SVM_GET_ATTR) and the per-process retry mode
 *              (DRM_IOCTL_VSVM_SVM_RETRY): setting and reading back every
 *              attribute, the defaults of memory without attributes, the
 *              aggregation of GET over several attribute ranges, splitting
 *              of ranges, the lifetime of attributes (unmapping drops them),
 *              every error of the ioctls with its exact errno, the overlap
 *              rule between attribute ranges and buffer-object bindings,
 *              the effect of the attributes on the GPU (NO_ACCESS, GPU_RO,
 *              COHERENT, GPU_READ_MOSTLY, GRANULARITY, GPU_ALWAYS_MAPPED,
 *              PREFETCH_LOC, retry off) checked with dispatches and the
 *              per-process fault counters of debugfs vsvm_svm, and
 *              concurrent use. Memory is the process's own (mmap, malloc,
 *              stack, memfd); result slots of dispatches are buffer objects
 *              bound above every CPU address, so that they cost no SVM
 *              fault.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: Memory management
 * Functionality: shared virtual memory attributes
 * Feature: svm
 * Test category: uAPI
 *
 * SUBTEST: set-get-basic
 * Description: Every attribute set on a 4 MiB anonymous mapping reads back
 *              through GET on every GPU's file: PREFERRED_LOC as each
 *              gpu_id, SYSMEM and UNDEFINED; PREFETCH_LOC SYSMEM; ACCESS,
 *              ACCESS_IN_PLACE and NO_ACCESS per GPU (the ACCESS query
 *              rewrites its type and keeps the gpu_id); SET_FLAGS and
 *              CLR_FLAGS of each of the five flags; GRANULARITY 0 to 17;
 *              several attributes in one call.
 *
 * SUBTEST: defaults
 * Description: Memory without attributes (anonymous mapping, heap, stack,
 *              shared memfd mapping) reads back the defaults: UNDEFINED
 *              locations, SET_FLAGS COHERENT, CLR_FLAGS the four others,
 *              granularity 9, ACCESS_IN_PLACE for every GPU in retry mode
 *              and NO_ACCESS for every GPU with retry off; memory next to an
 *              attribute range too.
 *
 * SUBTEST: unmap-clears
 * Description: Unmapping memory drops its attributes: a page unmapped and
 *              mapped again has the defaults and is ignored by a GET over
 *              its neighbours, a whole range unmapped and mapped again has
 *              the defaults, and a buffer object can then be bound there.
 *
 * SUBTEST: aggregate
 * Description: GET over several attribute ranges: differing locations give
 *              UNDEFINED, equal ones their value; SET_FLAGS is the AND and
 *              CLR_FLAGS the NOR of the ranges' flags; the granularity is
 *              the smallest; access follows the ACCESS / ACCESS_IN_PLACE /
 *              NO_ACCESS rules for every pair; addresses without attributes
 *              inside the query are ignored.
 *
 * SUBTEST: split
 * Description: SET over the middle of an attribute range (at page, not
 *              2 MiB, boundaries) changes only the middle: head, middle and
 *              tail read back separately, to the page, and aggregate over
 *              the whole; further splits inside the middle and across a
 *              boundary too.
 *
 * SUBTEST: many-ranges
 * Description: 1000 different attribute sets on consecutive 4 KiB pages of
 *              a 4 MiB mapping (even pages first, then odd ones): every page
 *              reads back its own, pairs and the whole mapping aggregate
 *              correctly, the pages left out have the defaults.
 *
 * SUBTEST: bad-args
 * Description: SET and GET reject, each with its exact errno: a zero size,
 *              an unaligned start or size, non-zero flags, nattr 0 or above
 *              VSVM_SVM_MAX_ATTRS (EINVAL); a range that wraps or passes the
 *              user address space (EOVERFLOW); an unknown type, unknown
 *              flag bits, granularity 18, an unknown gpu_id in every
 *              attribute that takes one, UNDEFINED as PREFETCH_LOC,
 *              ACCESS_IN_PLACE and NO_ACCESS as GET queries, the gpu_id of
 *              a GPU the process closed (EINVAL). A rejected call changes
 *              no attribute, also when a valid attribute precedes the bad
 *              one, and valid calls keep working after every failure.
 *
 * SUBTEST: bad-ranges
 * Description: SET and GET fail with EFAULT for an attribute array that is
 *              NULL, unmapped or (GET only) read-only, for a range with an
 *              unmapped hole, a range entirely unmapped, and a range that
 *              is or contains a buffer-object mapping (VM_IO / VM_PFNMAP);
 *              the mapped parts around a hole stay usable.
 *
 * SUBTEST: bo-overlap
 * Description: Buffer-object bindings and attribute ranges never overlap:
 *              SET and GET over (or partly over) a binding at CPU addresses
 *              fail with EADDRINUSE on every GPU's file, next to it they
 *              work, and after the unbind SET works there; VM_BIND over (or
 *              partly over) an attribute range fails with EADDRINUSE on
 *              every GPU, next to it it works.
 *
 * SUBTEST: not-owner
 * Description: A forked child using the parent's files gets EBADF from SET
 *              and GET on every GPU; a file the child opens itself has its
 *              own process context with the defaults; the parent's
 *              attributes are untouched.
 *
 * SUBTEST: retry-mode
 * Description: SVM_RETRY queries 1 by default, sets 0 and 1 without queues
 *              and fails with EBUSY while the process has a queue on any
 *              GPU (setting the mode it already has then succeeds); the
 *              mode is per process (same through every GPU's file and a
 *              newly opened one, a forked child has its own); with
 *              retry off new queues do not retry (a dispatch on memory
 *              without access faults), with retry on it works; a bad mode
 *              or non-zero flags fail with EINVAL and change nothing.
 *
 * SUBTEST: no-access-unmaps
 * Description: NO_ACCESS for GPU 0 unmaps a buffer GPU 0 has used: its next
 *              read and write fault (EFAULT, FAULTED at an address of the
 *              buffer, READ / WRITE) leaving the data as it was, while
 *              GPU 1 keeps using it; with ACCESS and ACCESS_IN_PLACE again
 *              GPU 0 works on a new queue.
 * Test requirement: 2 GPUs
 *
 * SUBTEST: gpu-ro
 * Description: With GPU_RO a buffer the GPU had mapped writable is read
 *              correctly (CHECKSUM) but a write faults with WRITE and an
 *              atomic with ATOMIC, leaving the CPU data unchanged; after
 *              CLR_FLAGS GPU_RO writes and atomics work again.
 *
 * SUBTEST: coherent-atomic
 * Description: ATOMIC_ADD on malloc'd counters gives exact totals with the
 *              default COHERENT flag; without COHERENT too, each page
 *              taken for device-exclusive access (the exclusive counter
 *              grows by at least the pages, again after the CPU touched
 *              them), or, without VSVM_CAP_SVM_ATOMIC_EXCLUSIVE, the atomic
 *              faults with ATOMIC and changes nothing; with COHERENT set
 *              again no page is taken.
 *
 * SUBTEST: gpu-exec
 * Description: A PROGRAM whose code sits in malloc'd memory faults with
 *              EXEC (an instruction fetch) and changes no data unless the
 *              code range has GPU_EXEC; with GPU_EXEC every element gets
 *              the program's result; after CLR_FLAGS GPU_EXEC the fetch
 *              faults again. Data in memory without GPU_EXEC is fine.
 *
 * SUBTEST: read-mostly
 * Description: On a fresh CPU-touched 2 MiB-aligned 2 MiB buffer a GPU read
 *              then a GPU write cost exactly 2 faults with GPU_READ_MOSTLY
 *              (read-only mapping, then the write upgrade) and exactly 1
 *              without it (unregistered, or the flag set then cleared).
 * Test requirement: debugfs vsvm_svm
 *
 * SUBTEST: granularity
 * Description: A GPU FILL over a fresh CPU-touched 2 MiB-aligned buffer
 *              costs exactly one fault per granularity window: 1 with the
 *              default, 1 with granularity 9, 32 with 4, 512 with 0, and 1
 *              with 10 over a 4 MiB-aligned 4 MiB buffer.
 * Test requirement: debugfs vsvm_svm
 *
 * SUBTEST: always-mapped
 * Description: GPU_ALWAYS_MAPPED maps a buffer on every GPU when set (a GPU
 *              FILL costs no fault); MADV_DONTNEED on part of it and
 *              mprotect RW -> RO -> RW evict (the evictions counter moves)
 *              and restore it (the restores counter moves); GPU reads then
 *              see the CPU's current data (zeros where pages were dropped,
 *              new CPU writes) without any fault.
 * Test requirement: debugfs vsvm_svm
 *
 * SUBTEST: prefetch-map
 * Description: PREFETCH_LOC set to a GPU's gpu_id on a CPU-written buffer
 *              maps it there: GET returns that gpu_id and the GPU reads the
 *              whole buffer correctly without any fault; for every GPU.
 * Test requirement: debugfs vsvm_svm
 *
 * SUBTEST: no-retry
 * Description: With retry off, memory without attributes gives no GPU
 *              access; ACCESS for GPU 0 makes a buffer work on GPU 0's
 *              queue (FILL, CHECKSUM) without any fault while GPU 1 faults
 *              on it and GPU 0 faults fatally on other malloc'd memory;
 *              MADV_DONTNEED on part of the buffer evicts and restores it
 *              and later dispatches read zeros there and write it without
 *              any fault. Retry mode is restored at the end.
 * Test requirement: debugfs vsvm_svm
 *
 * SUBTEST: concurrent-set-get
 * Description: 4 threads SET and GET attributes 200 times each on their
 *              own pages of one buffer, through every GPU's file, while a
 *              GPU queue runs FILL / VERIFY on another buffer: every GET
 *              and every dispatch result is right, and so is the final
 *              state of every page.
 *
 * SUBTEST: set-during-gpu
 * Description: A thread keeps changing attributes that preserve access
 *              (granularity, flags other than GPU_RO / COHERENT, locations,
 *              ACCESS_IN_PLACE, prefetch to GPU 0, GPU_ALWAYS_MAPPED) on
 *              parts of the buffer a GPU queue is running FILL / VERIFY on:
 *              every SET succeeds and every dispatch result is right.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>

#include "igt_core.h"
#include "vsvm_ctx.h"

IGT_TEST_DESCRIPTION("SVM attributes and the retry mode of the vsvm driver.");

#define SUBTEST_TIMEOUT 120
#define KIB (1ULL << 10)
#define MIB (1ULL << 20)
#define PAGE VT_PAGE_SIZE
#define HUGE VT_HUGE_SIZE
#define MSEC 1000000LL
/* how long an eviction or a restore may take to show in the counters */
#define COUNTER_TIMEOUT_MS 5000
/* a value GET must overwrite */
#define JUNK 0xdeadbeefU
/* the part of a buffer the CPU drops with MADV_DONTNEED */
#define DROP_OFF (256 * KIB)
#define DROP_LEN (128 * KIB)

#define F_COHERENT VSVM_SVM_FLAG_COHERENT
#define F_RO VSVM_SVM_FLAG_GPU_RO
#define F_EXEC VSVM_SVM_FLAG_GPU_EXEC
#define F_RM VSVM_SVM_FLAG_GPU_READ_MOSTLY
#define F_AM VSVM_SVM_FLAG_GPU_ALWAYS_MAPPED
#define F_ALL (F_COHERENT | F_RO | F_EXEC | F_RM | F_AM)

#define A_PREFERRED VSVM_SVM_ATTR_PREFERRED_LOC
#define A_PREFETCH VSVM_SVM_ATTR_PREFETCH_LOC
#define A_ACCESS VSVM_SVM_ATTR_ACCESS
#define A_IN_PLACE VSVM_SVM_ATTR_ACCESS_IN_PLACE
#define A_NO_ACCESS VSVM_SVM_ATTR_NO_ACCESS
#define A_SET_FLAGS VSVM_SVM_ATTR_SET_FLAGS
#define A_CLR_FLAGS VSVM_SVM_ATTR_CLR_FLAGS
#define A_GRAN VSVM_SVM_ATTR_GRANULARITY

#define LOC_SYSMEM VSVM_SVM_LOCATION_SYSMEM
#define LOC_UNDEF VSVM_SVM_LOCATION_UNDEFINED

/* one file per GPU, opened by every subtest (the process context lives while one is open) */
static int fds[VT_MAX_GPUS];

static const uint32_t flag_bits[] = { F_COHERENT, F_RO, F_EXEC, F_RM, F_AM };

/* ---- files and retry mode -------------------------------------------------------------------- */

static int retry_raw(int fd, int32_t mode, uint32_t flags, int32_t *out)
{
	struct drm_vsvm_svm_retry r = { .mode = mode, .flags = flags };
	int ret = vsvm_ioctl(fd, DRM_IOCTL_VSVM_SVM_RETRY, &r);

	if (out)
		*out = r.mode;
	return ret;
}

static int retry_query(int fd)
{
	int mode = -5, ret = vsvm_svm_retry(fd, -1, &mode);

	igt_assert_f(ret == 0, "SVM_RETRY query: %s\n", strerror(-ret));
	return mode;
}

static void retry_set(int fd, int mode)
{
	int out = -5, ret = vsvm_svm_retry(fd, mode, &out);

	igt_assert_f(ret == 0, "SVM_RETRY mode %d: %s\n", mode, strerror(-ret));
	igt_assert_eq(out, mode);
}

static void close_gpus(void)
{
	int g;

	for (g = 0; g < VT_MAX_GPUS; g++) {
		if (fds[g] >= 0)
			vsvm_close(fds[g]);
		fds[g] = -1;
	}
}

/* Open every GPU; files a failed subtest left open are closed first. */
static void open_gpus(void)
{
	int g;

	close_gpus();
	for (g = 0; g < vt_num_gpus; g++)
		fds[g] = vt_open(vt_paths[g]);
	if (retry_query(fds[0]) != 1) {
		igt_warn("retry mode left off by an earlier subtest; setting it back\n");
		retry_set(fds[0], 1);
	}
}

static int gpu_index(uint32_t gpu_id)
{
	int g;

	for (g = 0; g < vt_num_gpus; g++)
		if (vt_gpu_ids[g] == gpu_id)
			return g;
	igt_assert_f(false, "gpu_id %u is not one of ours\n", gpu_id);
	return -1;
}

/* ---- process memory -------------------------------------------------------------------------- */

/* A private anonymous buffer at an aligned address inside a larger mapping. */
struct buf {
	void *map;
	size_t map_len;
	uint64_t *p;
	uint64_t va;
	uint64_t size;
};

static void buf_alloc(struct buf *b, uint64_t size, uint64_t align)
{
	b->map_len = size + (align > PAGE ? align : 0);
	b->map = mmap(NULL, b->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert_f(b->map != MAP_FAILED, "mmap of %zu bytes: %m\n", b->map_len);
	b->va = ((uint64_t)(uintptr_t)b->map + align - 1) & ~(align - 1);
	b->p = (uint64_t *)(uintptr_t)b->va;
	b->size = size;
}

static void buf_free(struct buf *b)
{
	igt_assert_eq(munmap(b->map, b->map_len), 0);
	b->map = NULL;
}

static uint64_t buf_n(const struct buf *b)
{
	return b->size / 8;
}

static const void *ptr(uint64_t va)
{
	return (const void *)(uintptr_t)va;
}

/* ---- SET and GET ----------------------------------------------------------------------------- */

static struct drm_vsvm_svm_attr attr(uint32_t type, uint32_t value)
{
	return (struct drm_vsvm_svm_attr){ .type = type, .value = value };
}

static int set_attrs(int fd, uint64_t start, uint64_t size, const struct drm_vsvm_svm_attr *a,
		     unsigned int n)
{
	return vsvm_svm_set_attr(fd, ptr(start), size, a, n);
}

static void set_ok(int fd, uint64_t start, uint64_t size, const struct drm_vsvm_svm_attr *a,
		   unsigned int n)
{
	int ret = set_attrs(fd, start, size, a, n);

	igt_assert_f(ret == 0,
		     "SET_ATTR [%#llx +%#llx) of %u attributes (first: type %u value %#x): %s\n",
		     (unsigned long long)start, (unsigned long long)size, n, a[0].type, a[0].value,
		     strerror(-ret));
}

static void set1(int fd, uint64_t start, uint64_t size, uint32_t type, uint32_t value)
{
	struct drm_vsvm_svm_attr a = attr(type, value);

	set_ok(fd, start, size, &a, 1);
}

/* One GET query; returns the value (and the type in *@type_out, if not NULL). */
static uint32_t get1(int fd, uint64_t start, uint64_t size, uint32_t type, uint32_t value,
		     uint32_t *type_out)
{
	struct drm_vsvm_svm_attr a = attr(type, value);
	int ret = vsvm_svm_get_attr(fd, ptr(start), size, &a, 1);

	igt_assert_f(ret == 0, "GET_ATTR [%#llx +%#llx) type %u: %s\n", (unsigned long long)start,
		     (unsigned long long)size, type, strerror(-ret));
	if (type_out)
		*type_out = a.type;
	else
		igt_assert_eq_u32(a.type, type);
	return a.value;
}

/* Attributes as GET reports them (the access kind per GPU index). */
struct svm_attrs {
	uint32_t preferred;
	uint32_t prefetch;
	uint32_t set_flags;
	uint32_t clr_flags;
	uint32_t granularity;
	uint32_t access[VT_MAX_GPUS];
};

enum { Q_PREFERRED, Q_PREFETCH, Q_SET_FLAGS, Q_CLR_FLAGS, Q_GRAN, Q_ACCESS };

static void default_attrs(struct svm_attrs *a, bool retry)
{
	int g;

	memset(a, 0, sizeof(*a));
	a->preferred = LOC_UNDEF;
	a->prefetch = LOC_UNDEF;
	a->set_flags = F_COHERENT;
	a->clr_flags = F_ALL & ~F_COHERENT;
	a->granularity = VSVM_SVM_DEFAULT_GRANULARITY;
	for (g = 0; g < vt_num_gpus; g++)
		a->access[g] = retry ? A_IN_PLACE : A_NO_ACCESS;
}

/* What one SET attribute does to the attributes of a range. */
static void model_apply(struct svm_attrs *m, const struct drm_vsvm_svm_attr *a)
{
	switch (a->type) {
	case A_PREFERRED:
		m->preferred = a->value;
		break;
	case A_PREFETCH:
		m->prefetch = a->value;
		break;
	case A_ACCESS:
	case A_IN_PLACE:
	case A_NO_ACCESS:
		m->access[gpu_index(a->value)] = a->type;
		break;
	case A_SET_FLAGS:
		m->set_flags |= a->value;
		m->clr_flags &= ~a->value;
		break;
	case A_CLR_FLAGS:
		m->set_flags &= ~a->value;
		m->clr_flags |= a->value;
		break;
	case A_GRAN:
		m->granularity = a->value;
		break;
	default:
		igt_assert_f(false, "no model for attribute type %u\n", a->type);
	}
}

/* SET through @fd, and the same on the model @m. */
static void set_model(int fd, uint64_t start, uint64_t size, struct svm_attrs *m,
		      const struct drm_vsvm_svm_attr *a, unsigned int n)
{
	unsigned int i;

	set_ok(fd, start, size, a, n);
	for (i = 0; i < n; i++)
		model_apply(m, &a[i]);
}

static uint32_t access_join(uint32_t a, uint32_t b)
{
	if (a == A_NO_ACCESS || b == A_NO_ACCESS)
		return A_NO_ACCESS;
	if (a == A_IN_PLACE || b == A_IN_PLACE)
		return A_IN_PLACE;
	return A_ACCESS;
}

/* What GET over ranges with attributes @a and @b reports (the uAPI's aggregation rules). */
static void aggregate2(const struct svm_attrs *a, const struct svm_attrs *b, struct svm_attrs *out)
{
	struct svm_attrs r = *a;
	int g;

	if (r.preferred != b->preferred)
		r.preferred = LOC_UNDEF;
	if (r.prefetch != b->prefetch)
		r.prefetch = LOC_UNDEF;
	r.set_flags &= b->set_flags;
	r.clr_flags &= b->clr_flags;
	r.granularity = r.granularity < b->granularity ? r.granularity : b->granularity;
	for (g = 0; g < vt_num_gpus; g++)
		r.access[g] = access_join(r.access[g], b->access[g]);
	*out = r;
}

/* GET of every attribute (ACCESS for every GPU) in one call: 0 or -errno. */
static int __get_all(int fd, uint64_t start, uint64_t size, struct svm_attrs *out)
{
	struct drm_vsvm_svm_attr q[Q_ACCESS + VT_MAX_GPUS];
	unsigned int n = Q_ACCESS + vt_num_gpus, i;
	int g, ret;

	q[Q_PREFERRED] = attr(A_PREFERRED, JUNK);
	q[Q_PREFETCH] = attr(A_PREFETCH, JUNK);
	q[Q_SET_FLAGS] = attr(A_SET_FLAGS, JUNK);
	q[Q_CLR_FLAGS] = attr(A_CLR_FLAGS, JUNK);
	q[Q_GRAN] = attr(A_GRAN, JUNK);
	for (g = 0; g < vt_num_gpus; g++)
		q[Q_ACCESS + g] = attr(A_ACCESS, vt_gpu_ids[g]);
	ret = vsvm_svm_get_attr(fd, ptr(start), size, q, n);
	if (ret)
		return ret;

	for (i = 0; i < Q_ACCESS; i++)
		igt_assert_f(q[i].type == (i == Q_PREFERRED ? A_PREFERRED :
					   i == Q_PREFETCH ? A_PREFETCH :
					   i == Q_SET_FLAGS ? A_SET_FLAGS :
					   i == Q_CLR_FLAGS ? A_CLR_FLAGS : A_GRAN),
			     "GET rewrote the type of query %u to %u\n", i, q[i].type);
	out->preferred = q[Q_PREFERRED].value;
	out->prefetch = q[Q_PREFETCH].value;
	out->set_flags = q[Q_SET_FLAGS].value;
	out->clr_flags = q[Q_CLR_FLAGS].value;
	out->granularity = q[Q_GRAN].value;
	for (g = 0; g < vt_num_gpus; g++) {
		igt_assert_f(q[Q_ACCESS + g].value == vt_gpu_ids[g],
			     "the ACCESS query of gpu_id %u came back with value %u\n",
			     vt_gpu_ids[g], q[Q_ACCESS + g].value);
		out->access[g] = q[Q_ACCESS + g].type;
	}
	return 0;
}

static const char *access_name(uint32_t type)
{
	switch (type) {
	case A_ACCESS:
		return "ACCESS";
	case A_IN_PLACE:
		return "ACCESS_IN_PLACE";
	case A_NO_ACCESS:
		return "NO_ACCESS";
	default:
		return "(not an access type)";
	}
}

#define CHECK_FIELD(f) \
	igt_assert_f(got->f == exp->f, \
		     "%s [%#llx +%#llx) through GPU %d: " #f " %#x, expected %#x\n", what, \
		     (unsigned long long)start, (unsigned long long)size, g, got->f, exp->f)

static void check_attrs(const struct svm_attrs *got, const struct svm_attrs *exp, const char *what,
			uint64_t start, uint64_t size, int g)
{
	int i;

	CHECK_FIELD(preferred);
	CHECK_FIELD(prefetch);
	CHECK_FIELD(set_flags);
	CHECK_FIELD(clr_flags);
	CHECK_FIELD(granularity);
	for (i = 0; i < vt_num_gpus; i++)
		igt_assert_f(got->access[i] == exp->access[i],
			     "%s [%#llx +%#llx) via GPU %d: access of GPU %d: %s, expected %s\n",
			     what, (unsigned long long)start, (unsigned long long)size, g, i,
			     access_name(got->access[i]), access_name(exp->access[i]));
}

/* GET over [start, start + size) through the first and the last GPU's file gives @exp. */
static void expect_attrs(uint64_t start, uint64_t size, const struct svm_attrs *exp,
			 const char *what)
{
	struct svm_attrs got;
	int g, ret;

	for (g = 0; g < vt_num_gpus; g += vt_num_gpus > 1 ? vt_num_gpus - 1 : 1) {
		ret = __get_all(fds[g], start, size, &got);
		igt_assert_f(ret == 0, "%s: GET_ATTR [%#llx +%#llx) through GPU %d: %s\n", what,
			     (unsigned long long)start, (unsigned long long)size, g,
			     strerror(-ret));
		check_attrs(&got, exp, what, start, size, g);
	}
}

/* ---- GPU side -------------------------------------------------------------------------------- */

/*
 * A queue on one GPU and a buffer object for dispatch results (no SVM fault),
 * on the subtest's file of the GPU: the GPU VM of the file the subtest sets
 * attributes and the retry mode through (a struct vt_ctx has a file of its own).
 */
struct gpu {
	int g;
	int fd;
	uint32_t q;
	struct vt_bo res;
};

static void gpu_init(struct gpu *c, int g)
{
	c->g = g;
	c->fd = fds[g];
	c->q = vt_queue_create(c->fd, 0);
	vt_bo_create(&c->res, c->fd, PAGE, VSVM_GEM_DOMAIN_GTT, 0);
}

static void gpu_fini(struct gpu *c)
{
	vt_queue_destroy(c->fd, c->q);
	vt_bo_destroy(&c->res);
}

/* A fresh queue, after a fault. */
static void gpu_new_queue(struct gpu *c)
{
	vt_queue_destroy(c->fd, c->q);
	c->q = vt_queue_create(c->fd, 0);
}

static void gpu_fill(struct gpu *c, const struct buf *b, uint64_t value)
{
	vt_run(c->fd, c->q, VSVM_KERNEL_FILL, buf_n(b), (uint64_t[6]){ b->va, value });
}

static uint64_t gpu_checksum(struct gpu *c, const struct buf *b)
{
	return vt_gpu_checksum(c->fd, c->q, b->va, buf_n(b), c->res.va, c->res.map);
}

static uint64_t gpu_verify(struct gpu *c, const struct buf *b, uint64_t seed, uint64_t step)
{
	return vt_gpu_verify(c->fd, c->q, b->va, buf_n(b), seed, step, c->res.va, c->res.map);
}

/* The queue stopped on a fault at an address in [@lo, @hi) with @access (ATOMIC: that bit). */
static void check_faulted(struct gpu *c, uint64_t lo, uint64_t hi, uint32_t access)
{
	struct drm_vsvm_queue_status st;

	igt_debug("checking the fault of queue %u of GPU %d\n", c->q, c->g);
	vt_check_queue_fault(c->fd, c->q, lo, hi, access, &st);
}

/* @kernel on @c's queue faults in @b with @access; the queue is replaced by a new one. */
static void gpu_expect_fault(struct gpu *c, uint32_t kernel, const uint64_t *args,
			     const struct buf *b, uint32_t access)
{
	int ret = __vt_run(c->fd, c->q, kernel, buf_n(b), args);

	igt_assert_f(ret == -EFAULT, "%s over [%#llx +%#llx) on GPU %d: %d (%s), expected EFAULT\n",
		     vsvm_kernel_name(kernel), (unsigned long long)b->va,
		     (unsigned long long)b->size, c->g, ret, strerror(-ret));
	check_faulted(c, b->va, b->va + b->size, access);
	gpu_new_queue(c);
}

/* ---- counters (debugfs vsvm_svm) ------------------------------------------------------------- */

static void require_counters(void)
{
	uint64_t v;

	igt_require_f(vt_svm_counter(vt_paths[0], "faults", &v),
		      "no per-process counters in debugfs vsvm_svm (debugfs not mounted?)\n");
}

static uint64_t counter_all(const char *name)
{
	uint64_t sum = 0;
	int g;

	for (g = 0; g < vt_num_gpus; g++)
		sum += vt_svm_count(vt_paths[g], name);
	return sum;
}

/* Wait until the sum over the GPUs of counter @name is above @old. */
static void wait_counter_above(const char *name, uint64_t old)
{
	int64_t end = vt_now_ns() + COUNTER_TIMEOUT_MS * MSEC;
	uint64_t v;

	while ((v = counter_all(name)) <= old && vt_now_ns() < end)
		usleep(5000);
	igt_assert_f(v > old, "counter %s stayed at %llu for %d ms\n", name,
		     (unsigned long long)v, COUNTER_TIMEOUT_MS);
	igt_debug("%s: %llu -> %llu\n", name, (unsigned long long)old, (unsigned long long)v);
}

/* ---- set-get-basic --------------------------------------------------------------------------- */

static void test_set_get_basic(void)
{
	static const uint32_t access_types[] = { A_NO_ACCESS, A_IN_PLACE, A_ACCESS };
	struct svm_attrs m;
	struct drm_vsvm_svm_attr a[5];
	struct buf b;
	unsigned int i;
	int g, k;

	buf_alloc(&b, 4 * MIB, PAGE);
	default_attrs(&m, true);

	/* PREFERRED_LOC: every gpu_id, then SYSMEM and UNDEFINED */
	for (k = 0; k < vt_num_gpus + 2; k++) {
		uint32_t v = k < vt_num_gpus ? vt_gpu_ids[k] :
			     k == vt_num_gpus ? LOC_SYSMEM : LOC_UNDEF;

		a[0] = attr(A_PREFERRED, v);
		set_model(fds[k % vt_num_gpus], b.va, b.size, &m, a, 1);
		expect_attrs(b.va, b.size, &m, "PREFERRED_LOC");
	}

	a[0] = attr(A_PREFETCH, LOC_SYSMEM);
	set_model(fds[0], b.va, b.size, &m, a, 1);
	expect_attrs(b.va, b.size, &m, "PREFETCH_LOC SYSMEM");

	/* access kinds, per GPU; the other GPUs keep theirs */
	for (g = 0; g < vt_num_gpus; g++)
		for (i = 0; i < ARRAY_SIZE(access_types); i++) {
			a[0] = attr(access_types[i], vt_gpu_ids[g]);
			set_model(fds[(g + i) % vt_num_gpus], b.va, b.size, &m, a, 1);
			expect_attrs(b.va, b.size, &m, access_name(access_types[i]));
		}

	/* each flag cleared and set, then all but COHERENT cleared at once */
	for (i = 0; i < ARRAY_SIZE(flag_bits); i++) {
		a[0] = attr(A_CLR_FLAGS, flag_bits[i]);
		set_model(fds[0], b.va, b.size, &m, a, 1);
		expect_attrs(b.va, b.size, &m, "CLR_FLAGS of one flag");
		a[0] = attr(A_SET_FLAGS, flag_bits[i]);
		set_model(fds[vt_num_gpus - 1], b.va, b.size, &m, a, 1);
		expect_attrs(b.va, b.size, &m, "SET_FLAGS of one flag");
	}
	igt_assert_eq_u32(m.set_flags, F_ALL);
	a[0] = attr(A_CLR_FLAGS, F_ALL & ~F_COHERENT);
	set_model(fds[0], b.va, b.size, &m, a, 1);
	expect_attrs(b.va, b.size, &m, "CLR_FLAGS of four flags");

	for (i = 0; i <= VSVM_SVM_GRANULARITY_MAX; i++) {
		a[0] = attr(A_GRAN, i);
		set_model(fds[i % vt_num_gpus], b.va, b.size, &m, a, 1);
		expect_attrs(b.va, b.size, &m, "GRANULARITY");
	}

	/* several in one call */
	a[0] = attr(A_PREFERRED, vt_gpu_ids[vt_num_gpus - 1]);
	a[1] = attr(A_GRAN, 3);
	a[2] = attr(A_SET_FLAGS, F_EXEC | F_RM);
	a[3] = attr(A_CLR_FLAGS, F_COHERENT);
	a[4] = attr(A_IN_PLACE, vt_gpu_ids[0]);
	set_model(fds[0], b.va, b.size, &m, a, 5);
	expect_attrs(b.va, b.size, &m, "five attributes in one SET");
	/* single queries agree with the combined one */
	igt_assert_eq_u32(get1(fds[0], b.va, b.size, A_GRAN, JUNK, NULL), 3);
	igt_assert_eq_u32(get1(fds[0], b.va, b.size, A_SET_FLAGS, JUNK, NULL), F_EXEC | F_RM);
	buf_free(&b);
}

/* ---- defaults -------------------------------------------------------------------------------- */

static void test_defaults(void)
{
	const uint64_t heap_size = 64 * KIB, file_size = MIB;
	volatile uint64_t local = 0;
	uint64_t stack = vt_va((const void *)&local) & ~(PAGE - 1);
	struct svm_attrs def, reg;
	uint32_t type, v;
	struct buf b;
	void *heap, *file;
	int memfd, g;

	buf_alloc(&b, 4 * MIB, PAGE);
	igt_assert_eq(posix_memalign(&heap, PAGE, heap_size), 0);
	memset(heap, 1, heap_size);
	memfd = memfd_create("vsvm_svm_attr", MFD_CLOEXEC);
	igt_assert_fd(memfd);
	igt_assert_eq(ftruncate(memfd, file_size), 0);
	file = mmap(NULL, file_size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	igt_assert(file != MAP_FAILED);

	default_attrs(&def, true);
	expect_attrs(b.va, b.size, &def, "anonymous mapping");
	expect_attrs(b.va + 5 * PAGE, PAGE, &def, "page of an anonymous mapping");
	expect_attrs(vt_va(heap), heap_size, &def, "heap");
	expect_attrs(stack, PAGE, &def, "stack");
	expect_attrs(vt_va(file), file_size, &def, "shared memfd mapping");

	/* one query at a time */
	igt_assert_eq_u32(get1(fds[0], b.va, b.size, A_PREFERRED, JUNK, NULL), LOC_UNDEF);
	igt_assert_eq_u32(get1(fds[0], b.va, b.size, A_PREFETCH, JUNK, NULL), LOC_UNDEF);
	igt_assert_eq_u32(get1(fds[0], b.va, b.size, A_SET_FLAGS, JUNK, NULL), F_COHERENT);
	igt_assert_eq_u32(get1(fds[0], b.va, b.size, A_CLR_FLAGS, JUNK, NULL),
			  F_RO | F_EXEC | F_RM | F_AM);
	igt_assert_eq_u32(get1(fds[0], b.va, b.size, A_GRAN, JUNK, NULL),
			  VSVM_SVM_DEFAULT_GRANULARITY);
	for (g = 0; g < vt_num_gpus; g++) {
		v = get1(fds[g], b.va, b.size, A_ACCESS, vt_gpu_ids[g], &type);
		igt_assert_eq_u32(v, vt_gpu_ids[g]);
		igt_assert_f(type == A_IN_PLACE, "GPU %d by default: %s\n", g, access_name(type));
	}

	/* with retry off, no GPU has access by default */
	retry_set(fds[0], 0);
	default_attrs(&def, false);
	expect_attrs(b.va, b.size, &def, "anonymous mapping, retry off");
	expect_attrs(vt_va(heap), heap_size, &def, "heap, retry off");
	retry_set(fds[vt_num_gpus - 1], 1);
	default_attrs(&def, true);
	expect_attrs(b.va, b.size, &def, "anonymous mapping, retry on again");

	/* next to an attribute range */
	reg = def;
	reg.granularity = 2;
	set1(fds[0], b.va, MIB, A_GRAN, 2);
	expect_attrs(b.va + MIB, b.size - MIB, &def, "memory after an attribute range");
	expect_attrs(b.va + MIB - PAGE, PAGE, &reg, "last page of the attribute range");

	igt_assert_eq(munmap(file, file_size), 0);
	close(memfd);
	free(heap);
	buf_free(&b);
}

/* ---- unmap-clears ---------------------------------------------------------------------------- */

static void map_fixed(uint64_t va, uint64_t size)
{
	void *p = mmap((void *)(uintptr_t)va, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	igt_assert_f(p == ptr(va), "mmap at %#llx: %p (%m)\n", (unsigned long long)va, p);
}

static void test_unmap_clears(void)
{
	const uint64_t size = 16 * PAGE;
	struct drm_vsvm_svm_attr a[2] = { attr(A_GRAN, 3), attr(A_SET_FLAGS, F_EXEC) };
	struct svm_attrs def, reg, got;
	uint32_t handle;
	struct buf b;

	buf_alloc(&b, size, PAGE);
	default_attrs(&def, true);
	reg = def;
	set_model(fds[0], b.va, size, &reg, a, 2);
	expect_attrs(b.va, size, &reg, "registered range");

	/* one page unmapped and mapped again */
	igt_assert_eq(munmap((void *)(uintptr_t)(b.va + 5 * PAGE), PAGE), 0);
	igt_assert_eq(__get_all(fds[0], b.va, size, &got), -EFAULT);
	map_fixed(b.va + 5 * PAGE, PAGE);
	expect_attrs(b.va + 5 * PAGE, PAGE, &def, "page unmapped and mapped again");
	expect_attrs(b.va + 4 * PAGE, PAGE, &reg, "page before it");
	expect_attrs(b.va + 6 * PAGE, PAGE, &reg, "page after it");
	/* GPU_EXEC is still set in every range the query meets: the page has none */
	expect_attrs(b.va, size, &reg, "range around the page without attributes");

	/* all of it */
	igt_assert_eq(munmap(b.map, b.map_len), 0);
	map_fixed(b.va, size);
	expect_attrs(b.va, size, &def, "range unmapped and mapped again");
	set1(fds[0], b.va, size, A_GRAN, 4);
	igt_assert_eq(munmap(b.map, b.map_len), 0);
	b.map = NULL;

	/* no attribute left to collide with a binding */
	handle = vt_gem_create(fds[0], size, VSVM_GEM_DOMAIN_GTT);
	vt_bind(fds[0], handle, b.va, 0, size, 0);
	vt_unbind(fds[0], b.va, size);
	vt_gem_close(fds[0], handle);
}

/* ---- aggregate ------------------------------------------------------------------------------- */

static void expect_union(uint64_t a_va, const struct svm_attrs *ma, uint64_t b_va,
			 const struct svm_attrs *mb, uint64_t size, const char *what)
{
	struct svm_attrs u;

	expect_attrs(a_va, size, ma, what);
	expect_attrs(b_va, size, mb, what);
	aggregate2(ma, mb, &u);
	expect_attrs(a_va < b_va ? a_va : b_va, 2 * size, &u, what);
}

static void test_aggregate(void)
{
	static const uint32_t kinds[] = { A_ACCESS, A_IN_PLACE, A_NO_ACCESS };
	const uint64_t q = MIB;
	struct svm_attrs ma, mb, mc, def;
	struct drm_vsvm_svm_attr a[4];
	struct buf b, gap;
	uint64_t A, B;
	unsigned int i, j;
	int g;

	buf_alloc(&b, 2 * q, PAGE);
	A = b.va;
	B = b.va + q;
	default_attrs(&ma, true);
	mb = ma;

	/* locations */
	a[0] = attr(A_PREFERRED, vt_gpu_ids[0]);
	set_model(fds[0], A, q, &ma, a, 1);
	set_model(fds[0], B, q, &mb, a, 1);
	expect_union(A, &ma, B, &mb, q, "same preferred location");
	igt_assert_eq_u32(get1(fds[0], A, 2 * q, A_PREFERRED, JUNK, NULL), vt_gpu_ids[0]);
	a[0] = attr(A_PREFERRED, LOC_SYSMEM);
	set_model(fds[0], B, q, &mb, a, 1);
	expect_union(A, &ma, B, &mb, q, "different preferred locations");
	igt_assert_eq_u32(get1(fds[0], A, 2 * q, A_PREFERRED, JUNK, NULL), LOC_UNDEF);
	a[0] = attr(A_PREFETCH, LOC_SYSMEM);
	set_model(fds[0], A, q, &ma, a, 1);
	expect_union(A, &ma, B, &mb, q, "prefetch location in one range");
	set_model(fds[0], B, q, &mb, a, 1);
	expect_union(A, &ma, B, &mb, q, "same prefetch location");

	/* flags and granularity */
	a[0] = attr(A_SET_FLAGS, F_RO | F_EXEC);
	a[1] = attr(A_GRAN, 3);
	set_model(fds[0], A, q, &ma, a, 2);
	a[0] = attr(A_SET_FLAGS, F_RO | F_RM);
	a[1] = attr(A_GRAN, 7);
	set_model(fds[0], B, q, &mb, a, 2);
	expect_union(A, &ma, B, &mb, q, "flags and granularity");
	igt_assert_eq_u32(get1(fds[0], A, 2 * q, A_SET_FLAGS, JUNK, NULL), F_COHERENT | F_RO);
	igt_assert_eq_u32(get1(fds[0], A, 2 * q, A_CLR_FLAGS, JUNK, NULL), F_AM);
	igt_assert_eq_u32(get1(fds[0], A, 2 * q, A_GRAN, JUNK, NULL), 3);

	/* access: every pair of kinds, for every GPU */
	for (g = 0; g < vt_num_gpus; g++)
		for (i = 0; i < ARRAY_SIZE(kinds); i++)
			for (j = 0; j < ARRAY_SIZE(kinds); j++) {
				uint32_t type;

				a[0] = attr(kinds[i], vt_gpu_ids[g]);
				set_model(fds[0], A, q, &ma, a, 1);
				a[0] = attr(kinds[j], vt_gpu_ids[g]);
				set_model(fds[vt_num_gpus - 1], B, q, &mb, a, 1);
				expect_union(A, &ma, B, &mb, q, "access kinds");
				get1(fds[0], A, 2 * q, A_ACCESS, vt_gpu_ids[g], &type);
				igt_assert_f(type == access_join(kinds[i], kinds[j]),
					     "GPU %d: %s and %s give %s\n", g,
					     access_name(kinds[i]), access_name(kinds[j]),
					     access_name(type));
			}
	buf_free(&b);

	/* addresses without attributes inside the query are ignored */
	buf_alloc(&gap, 3 * q, PAGE);
	default_attrs(&def, true);
	mc = def;
	a[0] = attr(A_PREFERRED, vt_gpu_ids[vt_num_gpus - 1]);
	a[1] = attr(A_GRAN, 12);
	a[2] = attr(A_SET_FLAGS, F_EXEC);
	a[3] = attr(A_CLR_FLAGS, F_COHERENT);
	set_model(fds[0], gap.va, q, &mc, a, 4);
	set_ok(fds[0], gap.va + 2 * q, q, a, 4);
	expect_attrs(gap.va + q, q, &def, "the gap");
	expect_attrs(gap.va, 3 * q, &mc, "two equal ranges around a gap");
	expect_attrs(gap.va + q / 2, 2 * q, &mc, "half the gap and a range");
	buf_free(&gap);
}

/* ---- split ----------------------------------------------------------------------------------- */

static void test_split(void)
{
	const uint64_t size = 4 * MIB, ms = MIB + 3 * PAGE, me = 3 * MIB - 5 * PAGE;
	struct drm_vsvm_svm_attr outer_a[4] = {
		attr(A_PREFERRED, vt_gpu_ids[0]), attr(A_GRAN, 6), attr(A_SET_FLAGS, F_EXEC),
		attr(A_IN_PLACE, vt_gpu_ids[vt_num_gpus - 1]),
	};
	struct drm_vsvm_svm_attr mid_a[5] = {
		attr(A_PREFERRED, LOC_SYSMEM), attr(A_GRAN, 2), attr(A_CLR_FLAGS, F_EXEC),
		attr(A_SET_FLAGS, F_RO), attr(A_NO_ACCESS, vt_gpu_ids[0]),
	};
	struct svm_attrs outer, mid, inner, u, w;
	struct buf b;
	uint64_t s, x;

	buf_alloc(&b, size, PAGE);
	s = b.va;
	default_attrs(&outer, true);
	set_model(fds[0], s, size, &outer, outer_a, 4);
	mid = outer;
	set_model(fds[0], s + ms, me - ms, &mid, mid_a, 5);

	expect_attrs(s, ms, &outer, "head");
	expect_attrs(s + ms - PAGE, PAGE, &outer, "last page of the head");
	expect_attrs(s + ms, me - ms, &mid, "middle");
	expect_attrs(s + ms, PAGE, &mid, "first page of the middle");
	expect_attrs(s + me - PAGE, PAGE, &mid, "last page of the middle");
	expect_attrs(s + me, size - me, &outer, "tail");
	expect_attrs(s + me, PAGE, &outer, "first page of the tail");
	aggregate2(&outer, &mid, &u);
	expect_attrs(s, size, &u, "whole range");
	expect_attrs(s + ms - PAGE, 2 * PAGE, &u, "head/middle boundary");
	expect_attrs(s + me - PAGE, 2 * PAGE, &u, "middle/tail boundary");

	/* one page in the middle of the middle */
	x = s + 2 * MIB;
	inner = mid;
	set_model(fds[vt_num_gpus - 1], x, PAGE, &inner,
		  (struct drm_vsvm_svm_attr[]){ attr(A_GRAN, 0) }, 1);
	expect_attrs(x, PAGE, &inner, "page inside the middle");
	expect_attrs(x - PAGE, PAGE, &mid, "page before it");
	expect_attrs(x + PAGE, PAGE, &mid, "page after it");
	expect_attrs(s + ms, me - ms, &inner, "middle around the page");

	/* a SET across the head/middle boundary */
	set1(fds[0], s + ms - 2 * PAGE, 4 * PAGE, A_GRAN, 15);
	w = outer;
	w.granularity = 15;
	expect_attrs(s + ms - 2 * PAGE, 2 * PAGE, &w, "end of the head after a SET across");
	expect_attrs(s + ms - 3 * PAGE, PAGE, &outer, "head before that");
	w = mid;
	w.granularity = 15;
	expect_attrs(s + ms, 2 * PAGE, &w, "start of the middle after a SET across");
	expect_attrs(s + ms + 2 * PAGE, PAGE, &mid, "middle after that");
	buf_free(&b);
}

/* ---- many-ranges ----------------------------------------------------------------------------- */

#define MANY 1000

static unsigned int many_attrs(int i, struct drm_vsvm_svm_attr *a)
{
	a[0] = attr(A_GRAN, i % (VSVM_SVM_GRANULARITY_MAX + 1));
	a[1] = attr(i & 1 ? A_SET_FLAGS : A_CLR_FLAGS, i % 3 ? F_EXEC : F_EXEC | F_RM);
	a[2] = attr(A_PREFERRED, i % 3 == 0 ? LOC_SYSMEM : vt_gpu_ids[i % vt_num_gpus]);
	a[3] = attr(i & 2 ? A_IN_PLACE : A_ACCESS, vt_gpu_ids[(i / 4) % vt_num_gpus]);
	return 4;
}

static void test_many_ranges(void)
{
	struct svm_attrs *m = calloc(MANY, sizeof(*m)), def, u;
	struct drm_vsvm_svm_attr a[4];
	struct buf b;
	char what[64];
	int i, pass;

	igt_assert(m);
	buf_alloc(&b, 4 * MIB, PAGE);
	igt_assert_lte((int)(MANY * PAGE), (int)b.size);
	default_attrs(&def, true);
	for (pass = 0; pass < 2; pass++)
		for (i = pass; i < MANY; i += 2) {
			unsigned int n = many_attrs(i, a);

			m[i] = def;
			set_model(fds[i % vt_num_gpus], b.va + i * PAGE, PAGE, &m[i], a, n);
		}
	for (i = 0; i < MANY; i++) {
		snprintf(what, sizeof(what), "page %d", i);
		expect_attrs(b.va + i * PAGE, PAGE, &m[i], what);
	}
	for (i = 0; i + 1 < MANY; i += 2) {
		snprintf(what, sizeof(what), "pages %d and %d", i, i + 1);
		aggregate2(&m[i], &m[i + 1], &u);
		expect_attrs(b.va + i * PAGE, 2 * PAGE, &u, what);
	}
	u = m[0];
	for (i = 1; i < MANY; i++)
		aggregate2(&u, &m[i], &u);
	/* the pages after the last range have no attributes: ignored */
	expect_attrs(b.va, b.size, &u, "all pages");
	expect_attrs(b.va + MANY * PAGE, b.size - MANY * PAGE, &def, "pages left out");
	buf_free(&b);
	free(m);
}

/* ---- bad-args, bad-ranges, bo-overlap -------------------------------------------------------- */

/* Rejected calls aim at @bad_tgt (granularity 5); @bad_ctl shows the ioctls still work. */
static struct buf bad_tgt, bad_ctl;
static struct svm_attrs bad_exp;
static uint32_t ctl_gran;

static void bad_setup(void)
{
	buf_alloc(&bad_tgt, MIB, PAGE);
	buf_alloc(&bad_ctl, 64 * KIB, PAGE);
	default_attrs(&bad_exp, true);
	set_model(fds[0], bad_tgt.va, bad_tgt.size, &bad_exp,
		  (struct drm_vsvm_svm_attr[]){ attr(A_GRAN, 5) }, 1);
}

static void bad_teardown(void)
{
	buf_free(&bad_tgt);
	buf_free(&bad_ctl);
}

static void after_failure(void)
{
	expect_attrs(bad_tgt.va, bad_tgt.size, &bad_exp, "target of a rejected call");
	ctl_gran = (ctl_gran + 1) % (VSVM_SVM_GRANULARITY_MAX + 1);
	set1(fds[0], bad_ctl.va, bad_ctl.size, A_GRAN, ctl_gran);
	igt_assert_eq_u32(get1(fds[vt_num_gpus - 1], bad_ctl.va, bad_ctl.size, A_GRAN, JUNK, NULL),
			  ctl_gran);
}

static int attr_raw(int fd, unsigned long req, uint64_t start, uint64_t size, uint64_t attrs,
		    uint32_t nattr, uint32_t flags)
{
	struct drm_vsvm_svm_attr_args args = {
		.start = start, .size = size, .attrs = attrs, .nattr = nattr, .flags = flags,
	};

	return vsvm_ioctl(fd, req, &args);
}

static void expect_err(int fd, unsigned long req, uint64_t start, uint64_t size, uint64_t attrs,
		       uint32_t nattr, uint32_t flags, int err, const char *what)
{
	int ret = attr_raw(fd, req, start, size, attrs, nattr, flags);

	igt_assert_f(ret == err, "%s %s: %d (%s), expected %s\n",
		     req == DRM_IOCTL_VSVM_SVM_SET_ATTR ? "SET_ATTR" : "GET_ATTR", what, ret,
		     strerror(-ret), strerror(-err));
	after_failure();
}

/* SET and GET (with @a as the queries, copied) both fail with @err. */
static void bad_both(uint64_t start, uint64_t size, const struct drm_vsvm_svm_attr *a,
		     uint32_t n, int err, const char *what)
{
	struct drm_vsvm_svm_attr copy[VSVM_SVM_MAX_ATTRS + 1];

	expect_err(fds[0], DRM_IOCTL_VSVM_SVM_SET_ATTR, start, size, vt_va(a), n, 0, err, what);
	memcpy(copy, a, n * sizeof(*a));
	expect_err(fds[vt_num_gpus - 1], DRM_IOCTL_VSVM_SVM_GET_ATTR, start, size, vt_va(copy), n,
		   0, err, what);
}

/* SET and GET with the attribute array at @attrs fail with EFAULT. */
static void bad_ptr(uint64_t attrs, uint32_t n, const char *what)
{
	expect_err(fds[0], DRM_IOCTL_VSVM_SVM_SET_ATTR, bad_tgt.va, PAGE, attrs, n, 0, -EFAULT,
		   what);
	expect_err(fds[0], DRM_IOCTL_VSVM_SVM_GET_ATTR, bad_tgt.va, PAGE, attrs, n, 0, -EFAULT,
		   what);
}

static void bad_set(uint64_t start, uint64_t size, const struct drm_vsvm_svm_attr *a, uint32_t n,
		    int err, const char *what)
{
	expect_err(fds[0], DRM_IOCTL_VSVM_SVM_SET_ATTR, start, size, vt_va(a), n, 0, err, what);
}

static void bad_get(uint64_t start, uint64_t size, const struct drm_vsvm_svm_attr *a, uint32_t n,
		    int err, const char *what)
{
	struct drm_vsvm_svm_attr copy[VSVM_SVM_MAX_ATTRS + 1];

	memcpy(copy, a, n * sizeof(*a));
	expect_err(fds[0], DRM_IOCTL_VSVM_SVM_GET_ATTR, start, size, vt_va(copy), n, 0, err, what);
}

/* A closed GPU's gpu_id is unknown to SET and GET; the GPU is opened again afterwards. */
static void check_closed_gpu(void)
{
	const int last = vt_num_gpus - 1;
	const uint32_t id = vt_gpu_ids[last];
	static const uint32_t types[] = { A_ACCESS, A_IN_PLACE, A_NO_ACCESS, A_PREFERRED,
					  A_PREFETCH };
	struct drm_vsvm_svm_attr a;
	unsigned int i;

	vsvm_close(fds[last]);
	fds[last] = -1;
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		a = attr(types[i], id);
		igt_assert_f(set_attrs(fds[0], bad_tgt.va, bad_tgt.size, &a, 1) == -EINVAL,
			     "SET_ATTR type %u with the gpu_id of a closed GPU not rejected\n",
			     types[i]);
	}
	a = attr(A_ACCESS, id);
	igt_assert_eq(vsvm_svm_get_attr(fds[0], ptr(bad_tgt.va), bad_tgt.size, &a, 1), -EINVAL);
	igt_assert_eq(set_attrs(fds[0], bad_ctl.va, bad_ctl.size,
				(struct drm_vsvm_svm_attr[]){ attr(A_GRAN, 8) }, 1), 0);
	igt_assert_eq_u32(get1(fds[0], bad_ctl.va, bad_ctl.size, A_GRAN, JUNK, NULL), 8);

	/* known again once opened */
	fds[last] = vt_open(vt_paths[last]);
	a = attr(A_ACCESS, id);
	igt_assert_eq(vsvm_svm_get_attr(fds[0], ptr(bad_ctl.va), bad_ctl.size, &a, 1), 0);
	set1(fds[last], bad_ctl.va, bad_ctl.size, A_NO_ACCESS, id);
	get1(fds[0], bad_ctl.va, bad_ctl.size, A_ACCESS, id, &a.type);
	igt_assert_eq_u32(a.type, A_NO_ACCESS);
}

static void test_bad_args(void)
{
	const uint32_t bad_id = vt_unknown_gpu_id();
	const struct {
		const char *what;
		uint32_t type, value;
	} bad_values[] = {
		{ "unknown type 8", 8, 0 },
		{ "unknown type ~0", ~0U, 0 },
		{ "SET_FLAGS unknown bit 0x20", A_SET_FLAGS, 0x20 },
		{ "SET_FLAGS bit 31", A_SET_FLAGS, 0x80000000 },
		{ "CLR_FLAGS unknown bit 0x20", A_CLR_FLAGS, 0x20 },
		{ "CLR_FLAGS with unknown bits", A_CLR_FLAGS, ~0U },
		{ "granularity 18", A_GRAN, VSVM_SVM_GRANULARITY_MAX + 1 },
		{ "granularity ~0", A_GRAN, ~0U },
		{ "ACCESS of an unknown gpu_id", A_ACCESS, bad_id },
		{ "ACCESS_IN_PLACE of an unknown gpu_id", A_IN_PLACE, bad_id },
		{ "NO_ACCESS of an unknown gpu_id", A_NO_ACCESS, bad_id },
		{ "ACCESS of gpu_id 0", A_ACCESS, 0 },
		{ "PREFERRED_LOC of an unknown gpu_id", A_PREFERRED, bad_id },
		{ "PREFETCH_LOC of an unknown gpu_id", A_PREFETCH, bad_id },
		{ "PREFETCH_LOC UNDEFINED", A_PREFETCH, LOC_UNDEF },
	};
	const struct {
		const char *what;
		uint32_t type, value;
	} bad_queries[] = {
		{ "ACCESS_IN_PLACE query", A_IN_PLACE, vt_gpu_ids[0] },
		{ "NO_ACCESS query", A_NO_ACCESS, vt_gpu_ids[0] },
		{ "ACCESS query of an unknown gpu_id", A_ACCESS, bad_id },
		{ "unknown query type 8", 8, 0 },
		{ "unknown query type ~0", ~0U, 0 },
	};
	struct drm_vsvm_svm_attr good = attr(A_GRAN, 1), same = attr(A_GRAN, 5), two[2];
	struct drm_vsvm_svm_attr many[VSVM_SVM_MAX_ATTRS + 1];
	uint64_t T, P = PAGE;
	unsigned int i;

	bad_setup();
	T = bad_tgt.va;

	/* sizes, alignment, flags, nattr */
	bad_both(T, 0, &good, 1, -EINVAL, "zero size");
	bad_both(T + 1, P, &good, 1, -EINVAL, "start + 1");
	bad_both(T + P / 2, P, &good, 1, -EINVAL, "start + 2 KiB");
	bad_both(T, P + 1, &good, 1, -EINVAL, "size 4 KiB + 1");
	bad_both(T, P / 2, &good, 1, -EINVAL, "size 2 KiB");
	bad_both(T, 8, &good, 1, -EINVAL, "size 8");
	for (i = 0; i < 2; i++) {
		uint32_t flags = i ? 0x80000000 : 1;
		struct drm_vsvm_svm_attr q = good;

		expect_err(fds[0], DRM_IOCTL_VSVM_SVM_SET_ATTR, T, P, vt_va(&good), 1, flags,
			   -EINVAL, "non-zero flags");
		expect_err(fds[0], DRM_IOCTL_VSVM_SVM_GET_ATTR, T, P, vt_va(&q), 1, flags, -EINVAL,
			   "non-zero flags");
	}
	for (i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = good;
	bad_both(T, P, many, 0, -EINVAL, "nattr 0");
	bad_both(T, P, many, VSVM_SVM_MAX_ATTRS + 1, -EINVAL, "nattr above the maximum");
	for (i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = same;
	set_ok(fds[0], T, bad_tgt.size, many, VSVM_SVM_MAX_ATTRS);
	igt_assert_eq(vsvm_svm_get_attr(fds[0], ptr(T), bad_tgt.size, many, VSVM_SVM_MAX_ATTRS), 0);
	for (i = 0; i < VSVM_SVM_MAX_ATTRS; i++)
		igt_assert_eq_u32(many[i].value, 5);

	/* address overflow */
	bad_both(T, -T, &good, 1, -EOVERFLOW, "start + size == 2^64");
	bad_both(T, ~(P - 1), &good, 1, -EOVERFLOW, "start + size wraps");
	bad_both(~(P - 1), P, &good, 1, -EOVERFLOW, "last page of the 64-bit space");
	bad_both(T, 1ULL << 57, &good, 1, -EOVERFLOW, "range past the user address space");
	bad_both(0xffff800000000000ULL, P, &good, 1, -EOVERFLOW, "kernel address");

	/* attribute values, alone and after a valid one */
	for (i = 0; i < ARRAY_SIZE(bad_values); i++) {
		two[0] = good;
		two[1] = attr(bad_values[i].type, bad_values[i].value);
		bad_set(T, bad_tgt.size, &two[1], 1, -EINVAL, bad_values[i].what);
		bad_set(T, bad_tgt.size, two, 2, -EINVAL, bad_values[i].what);
	}

	/* GET queries */
	for (i = 0; i < ARRAY_SIZE(bad_queries); i++) {
		two[0] = attr(A_GRAN, JUNK);
		two[1] = attr(bad_queries[i].type, bad_queries[i].value);
		bad_get(T, bad_tgt.size, &two[1], 1, -EINVAL, bad_queries[i].what);
		bad_get(T, bad_tgt.size, two, 2, -EINVAL, bad_queries[i].what);
	}

	if (vt_num_gpus > 1)
		check_closed_gpu();
	else
		igt_info("one GPU: the gpu_id of a closed GPU is not checked\n");
	bad_teardown();
}

static void test_bad_ranges(void)
{
	const uint64_t P = PAGE, gem_size = 64 * KIB;
	struct drm_vsvm_svm_attr good = attr(A_GRAN, 1), same = attr(A_GRAN, 5), *ro, *edge;
	uint64_t T, hole, offset;
	uint32_t handle[2];
	uint8_t *two_pages;
	struct buf mixed;
	void *gem;
	int i;

	bad_setup();
	T = bad_tgt.va;

	/* the attribute array */
	bad_ptr(0, 1, "NULL attrs");
	two_pages = mmap(NULL, 2 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(two_pages != MAP_FAILED);
	igt_assert_eq(munmap(two_pages + P, P), 0);
	bad_ptr(vt_va(two_pages + P), 1, "unmapped attrs");
	edge = (struct drm_vsvm_svm_attr *)(two_pages + P) - 1;
	*edge = good;
	bad_ptr(vt_va(edge), 2, "attrs running into an unmapped page");
	ro = (struct drm_vsvm_svm_attr *)two_pages;
	*ro = same;
	igt_assert_eq(mprotect(two_pages, P, PROT_READ), 0);
	/* SET only reads the array, GET writes it */
	set_ok(fds[0], T, bad_tgt.size, ro, 1);
	expect_err(fds[0], DRM_IOCTL_VSVM_SVM_GET_ATTR, T, P, vt_va(ro), 1, 0, -EFAULT,
		   "read-only attrs");
	igt_assert_eq(munmap(two_pages, P), 0);

	/* ranges with no mapping */
	hole = vt_va(mmap(NULL, 3 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	igt_assert(hole != vt_va(MAP_FAILED));
	igt_assert_eq(munmap((void *)(uintptr_t)(hole + P), P), 0);
	bad_both(hole, 3 * P, &good, 1, -EFAULT, "range with an unmapped hole");
	bad_both(hole + P, P, &good, 1, -EFAULT, "unmapped range");
	bad_both(hole + P, 2 * P, &good, 1, -EFAULT, "range starting in a hole");
	bad_both(hole, 2 * P, &good, 1, -EFAULT, "range ending in a hole");
	set1(fds[0], hole, P, A_GRAN, 1);
	set1(fds[0], hole + 2 * P, P, A_GRAN, 1);
	igt_assert_eq_u32(get1(fds[0], hole + 2 * P, P, A_GRAN, JUNK, NULL), 1);
	igt_assert_eq(munmap((void *)(uintptr_t)hole, 3 * P), 0);

	/* I/O and PFN mappings: buffer objects mapped by the CPU */
	for (i = 0; i < 2; i++) {
		handle[i] = vt_gem_create(fds[0], gem_size,
					  i ? VSVM_GEM_DOMAIN_VRAM : VSVM_GEM_DOMAIN_GTT);
		gem = vt_gem_mmap(fds[0], handle[i], gem_size);
		bad_both(vt_va(gem), gem_size, &good, 1, -EFAULT, "buffer-object mapping");
		bad_both(vt_va(gem) + P, P, &good, 1, -EFAULT, "page of a buffer-object mapping");
		igt_assert_eq(munmap(gem, gem_size), 0);
	}
	/* ... in the middle of anonymous memory */
	buf_alloc(&mixed, 3 * P, PAGE);
	igt_assert_eq(vsvm_gem_mmap_offset(fds[0], handle[0], &offset), 0);
	gem = mmap((void *)(uintptr_t)(mixed.va + P), P, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_FIXED, fds[0], offset);
	igt_assert(gem == ptr(mixed.va + P));
	bad_both(mixed.va, 3 * P, &good, 1, -EFAULT, "anonymous memory around a buffer object");
	set1(fds[0], mixed.va, P, A_GRAN, 1);
	set1(fds[0], mixed.va + 2 * P, P, A_GRAN, 1);
	buf_free(&mixed);
	for (i = 0; i < 2; i++)
		vt_gem_close(fds[0], handle[i]);
	bad_teardown();
}

static void expect_bind_err(int fd, uint32_t handle, uint64_t va, uint64_t size, int err,
			    const char *what)
{
	int ret = vsvm_vm_bind(fd, handle, va, 0, size, 0);

	igt_assert_f(ret == err, "VM_BIND %s: %d (%s), expected %s\n", what, ret, strerror(-ret),
		     strerror(-err));
	after_failure();
}

static void test_bo_overlap(void)
{
	const uint64_t P = PAGE, size = 2 * MIB;
	struct drm_vsvm_svm_attr good = attr(A_GRAN, 1);
	uint32_t h[VT_MAX_GPUS];
	struct buf m, r;
	uint64_t B;
	int g;

	bad_setup();
	for (g = 0; g < vt_num_gpus; g++)
		h[g] = vt_gem_create(fds[g], size, VSVM_GEM_DOMAIN_GTT);

	/* a binding at CPU addresses: [m + P, m + P + 2 MiB) */
	buf_alloc(&m, size + 2 * P, PAGE);
	B = m.va + P;
	vt_bind(fds[0], h[0], B, 0, size, 0);
	bad_both(B, size, &good, 1, -EADDRINUSE, "over a binding");
	bad_both(m.va, 2 * P, &good, 1, -EADDRINUSE, "over the first page of a binding");
	bad_both(B + size - P, 2 * P, &good, 1, -EADDRINUSE, "over the last page of a binding");
	bad_both(B + MIB, P, &good, 1, -EADDRINUSE, "inside a binding");
	bad_both(m.va, m.size, &good, 1, -EADDRINUSE, "around a binding");
	for (g = 1; g < vt_num_gpus; g++) {
		struct drm_vsvm_svm_attr q = good;

		expect_err(fds[g], DRM_IOCTL_VSVM_SVM_SET_ATTR, B, P, vt_va(&good), 1, 0,
			   -EADDRINUSE, "over a binding of another GPU");
		expect_err(fds[g], DRM_IOCTL_VSVM_SVM_GET_ATTR, B, P, vt_va(&q), 1, 0,
			   -EADDRINUSE, "over a binding of another GPU");
	}
	/* next to it */
	set1(fds[0], m.va, P, A_GRAN, 1);
	set1(fds[vt_num_gpus - 1], B + size, P, A_GRAN, 1);
	igt_assert_eq_u32(get1(fds[0], B + size, P, A_GRAN, JUNK, NULL), 1);
	/* gone */
	vt_unbind(fds[0], B, size);
	set1(fds[0], B, size, A_GRAN, 2);
	igt_assert_eq_u32(get1(fds[0], B, size, A_GRAN, JUNK, NULL), 2);
	buf_free(&m);

	/* attributes block bindings: [r, r + 2 MiB) has attributes, the 2 pages after it none */
	buf_alloc(&r, size + 2 * P, PAGE);
	set1(fds[0], r.va, size, A_GRAN, 3);
	for (g = 0; g < vt_num_gpus; g++) {
		expect_bind_err(fds[g], h[g], r.va, size, -EADDRINUSE, "over an attribute range");
		expect_bind_err(fds[g], h[g], r.va + size - P, 2 * P, -EADDRINUSE,
				"over the end of an attribute range");
		expect_bind_err(fds[g], h[g], r.va + MIB, P, -EADDRINUSE,
				"inside an attribute range");
		vt_bind(fds[g], h[g], r.va + size, 0, 2 * P, 0);
		vt_unbind(fds[g], r.va + size, 2 * P);
	}
	igt_assert_eq_u32(get1(fds[0], r.va, size, A_GRAN, JUNK, NULL), 3);
	buf_free(&r);
	for (g = 0; g < vt_num_gpus; g++)
		vt_gem_close(fds[g], h[g]);
	bad_teardown();
}

/* ---- not-owner ------------------------------------------------------------------------------- */

static void test_not_owner(void)
{
	struct buf b;

	buf_alloc(&b, MIB, PAGE);
	set1(fds[0], b.va, b.size, A_GRAN, 5);

	igt_fork(child, 1) {
		struct drm_vsvm_svm_attr a = attr(A_GRAN, 7);
		int g, fd;

		for (g = 0; g < vt_num_gpus; g++) {
			igt_assert_eq(set_attrs(fds[g], b.va, b.size, &a, 1), -EBADF);
			igt_assert_eq(vsvm_svm_get_attr(fds[g], ptr(b.va), b.size, &a, 1), -EBADF);
		}
		/* a file of its own: its own context, where the copy of the buffer has none */
		fd = vt_open(vt_paths[0]);
		igt_assert_eq_u32(get1(fd, b.va, b.size, A_GRAN, JUNK, NULL),
				  VSVM_SVM_DEFAULT_GRANULARITY);
		set1(fd, b.va, b.size, A_GRAN, 7);
		igt_assert_eq_u32(get1(fd, b.va, b.size, A_GRAN, JUNK, NULL), 7);
		vsvm_close(fd);
	}
	igt_waitchildren();

	igt_assert_eq_u32(get1(fds[0], b.va, b.size, A_GRAN, JUNK, NULL), 5);
	igt_assert_eq_u32(get1(fds[vt_num_gpus - 1], b.va, b.size, A_GRAN, JUNK, NULL), 5);
	set1(fds[0], b.va, b.size, A_GRAN, 6);
	igt_assert_eq_u32(get1(fds[0], b.va, b.size, A_GRAN, JUNK, NULL), 6);
	buf_free(&b);
}

/* ---- retry-mode ------------------------------------------------------------------------------ */

static void expect_mode_everywhere(int mode)
{
	int g, fd;

	for (g = 0; g < vt_num_gpus; g++)
		igt_assert_f(retry_query(fds[g]) == mode,
			     "GPU %d's file reports retry mode %d, not %d\n", g,
			     retry_query(fds[g]), mode);
	fd = vt_open(vt_paths[0]);
	igt_assert_eq(retry_query(fd), mode);
	vsvm_close(fd);
}

static void test_retry_mode(void)
{
	const int last = vt_num_gpus - 1;
	struct gpu c;
	struct buf b;
	int32_t out;
	int mode;

	buf_alloc(&b, 64 * KIB, PAGE);
	vt_fill_pattern(b.p, buf_n(&b), 1, 1);

	expect_mode_everywhere(1);
	retry_set(fds[0], 0);
	expect_mode_everywhere(0);

	/* a queue anywhere blocks changes */
	gpu_init(&c, last);
	igt_assert_eq(vsvm_svm_retry(fds[0], 1, &mode), -EBUSY);
	igt_assert_eq(vsvm_svm_retry(fds[last], 1, &mode), -EBUSY);
	expect_mode_everywhere(0);
	/* setting the mode it has is no change */
	retry_set(fds[0], 0);
	/* the queue does not retry: memory without attributes is out of reach */
	gpu_expect_fault(&c, VSVM_KERNEL_FILL, (uint64_t[6]){ b.va, 7 }, &b, VSVM_ACCESS_WRITE);
	vt_check_pattern(b.p, buf_n(&b), 1, 1, "memory a no-retry queue faulted on");
	gpu_fini(&c);

	retry_set(fds[last], 1);
	expect_mode_everywhere(1);
	gpu_init(&c, 0);
	gpu_fill(&c, &b, 7);
	vt_check_value(b.p, buf_n(&b), 7, "memory a retry queue filled");
	igt_assert_eq(vsvm_svm_retry(fds[last], 0, &mode), -EBUSY);
	expect_mode_everywhere(1);
	retry_set(fds[last], 1);
	gpu_fini(&c);

	/* bad arguments */
	igt_assert_eq(vsvm_svm_retry(fds[0], 2, &mode), -EINVAL);
	igt_assert_eq(vsvm_svm_retry(fds[0], -2, &mode), -EINVAL);
	igt_assert_eq(vsvm_svm_retry(fds[0], INT32_MIN, &mode), -EINVAL);
	igt_assert_eq(retry_raw(fds[0], -1, 1, &out), -EINVAL);
	igt_assert_eq(retry_raw(fds[0], 0, 1, &out), -EINVAL);
	igt_assert_eq(retry_raw(fds[0], 0, 0x80000000, &out), -EINVAL);
	expect_mode_everywhere(1);

	/* per process: a child has its own */
	retry_set(fds[0], 0);
	igt_fork(child, 1) {
		int fd = vt_open(vt_paths[0]);

		igt_assert_eq(retry_query(fd), 1);
		retry_set(fd, 0);
		igt_assert_eq(retry_query(fd), 0);
		vsvm_close(fd);
	}
	igt_waitchildren();
	expect_mode_everywhere(0);
	retry_set(fds[0], 1);
	expect_mode_everywhere(1);
	buf_free(&b);
}

/* ---- no-access-unmaps ------------------------------------------------------------------------ */

static void test_no_access_unmaps(void)
{
	struct gpu c0, c1;
	struct buf b;
	uint32_t type;

	igt_require_f(vt_num_gpus >= 2, "needs 2 GPUs\n");
	buf_alloc(&b, MIB, PAGE);
	vt_fill_pattern(b.p, buf_n(&b), 3, 5);
	gpu_init(&c0, 0);
	gpu_init(&c1, 1);

	gpu_fill(&c0, &b, 0x11);
	vt_check_value(b.p, buf_n(&b), 0x11, "buffer GPU 0 filled");

	set1(fds[0], b.va, b.size, A_NO_ACCESS, vt_gpu_ids[0]);
	get1(fds[1], b.va, b.size, A_ACCESS, vt_gpu_ids[0], &type);
	igt_assert_eq_u32(type, A_NO_ACCESS);
	gpu_expect_fault(&c0, VSVM_KERNEL_CHECKSUM, (uint64_t[6]){ b.va, c0.res.va }, &b,
			 VSVM_ACCESS_READ);
	gpu_expect_fault(&c0, VSVM_KERNEL_FILL, (uint64_t[6]){ b.va, 0x22 }, &b, VSVM_ACCESS_WRITE);
	vt_check_value(b.p, buf_n(&b), 0x11, "buffer GPU 0 may not access");

	/* GPU 1 still has access */
	igt_assert_eq_u64(gpu_checksum(&c1, &b), 0x11 * buf_n(&b));
	gpu_fill(&c1, &b, 0x33);
	vt_check_value(b.p, buf_n(&b), 0x33, "buffer GPU 1 filled");

	set1(fds[1], b.va, b.size, A_ACCESS, vt_gpu_ids[0]);
	igt_assert_eq_u64(gpu_checksum(&c0, &b), 0x33 * buf_n(&b));
	gpu_fill(&c0, &b, 0x44);
	vt_check_value(b.p, buf_n(&b), 0x44, "buffer GPU 0 filled with access again");

	set1(fds[0], b.va, b.size, A_IN_PLACE, vt_gpu_ids[0]);
	gpu_fill(&c0, &b, 0x55);
	igt_assert_eq_u64(gpu_checksum(&c0, &b), 0x55 * buf_n(&b));
	vt_check_value(b.p, buf_n(&b), 0x55, "buffer GPU 0 filled with in-place access");
	gpu_fini(&c0);
	gpu_fini(&c1);
	buf_free(&b);
}

/* ---- gpu-ro ---------------------------------------------------------------------------------- */

static void test_gpu_ro(void)
{
	struct gpu c;
	struct buf b;
	uint64_t n, i;

	buf_alloc(&b, MIB, PAGE);
	n = buf_n(&b);
	gpu_init(&c, 0);
	/* mapped writable first */
	gpu_fill(&c, &b, 0x5);
	vt_check_value(b.p, n, 0x5, "buffer before GPU_RO");
	vt_fill_rand(b.p, n, 42);

	set1(fds[0], b.va, b.size, A_SET_FLAGS, F_RO);
	igt_assert_eq_u32(get1(fds[0], b.va, b.size, A_SET_FLAGS, JUNK, NULL), F_COHERENT | F_RO);
	igt_assert_eq_u64(gpu_checksum(&c, &b), vt_cpu_sum(b.p, n));
	gpu_expect_fault(&c, VSVM_KERNEL_FILL, (uint64_t[6]){ b.va, 0x6 }, &b, VSVM_ACCESS_WRITE);
	gpu_expect_fault(&c, VSVM_KERNEL_ATOMIC_ADD, (uint64_t[6]){ b.va, 1, n }, &b,
			 VSVM_ACCESS_ATOMIC);
	for (i = 0; i < n; i++)
		igt_assert_f(b.p[i] == vt_rand64(42, i), "GPU_RO buffer changed at element %llu\n",
			     (unsigned long long)i);
	igt_assert_eq_u64(gpu_checksum(&c, &b), vt_cpu_sum(b.p, n));

	set1(fds[0], b.va, b.size, A_CLR_FLAGS, F_RO);
	gpu_fill(&c, &b, 0x7);
	vt_check_value(b.p, n, 0x7, "buffer after CLR_FLAGS GPU_RO");
	vt_run(c.fd, c.q, VSVM_KERNEL_ATOMIC_ADD, n, (uint64_t[6]){ b.va, 2, n });
	vt_check_value(b.p, n, 0x9, "buffer after atomics");
	gpu_fini(&c);
	buf_free(&b);
}

/* ---- coherent-atomic ------------------------------------------------------------------------- */

static void test_coherent_atomic(void)
{
	const uint64_t size = 64 * KIB, n = size / 8, rounds = 4;
	struct buf view;
	uint64_t excl;
	struct gpu c;
	void *mem;

	igt_assert_eq(posix_memalign(&mem, PAGE, size), 0);
	memset(mem, 0, size);
	view = (struct buf){ .p = mem, .va = vt_va(mem), .size = size };
	gpu_init(&c, 0);

	vt_run(c.fd, c.q, VSVM_KERNEL_ATOMIC_ADD, rounds * n, (uint64_t[6]){ view.va, 3, n });
	vt_check_value(view.p, n, 3 * rounds, "counters with COHERENT");

	set1(fds[0], view.va, size, A_CLR_FLAGS, F_COHERENT);
	igt_assert_eq_u32(get1(fds[0], view.va, size, A_CLR_FLAGS, JUNK, NULL),
			  F_ALL);
	if (vt_caps(c.fd) & VSVM_CAP_SVM_ATOMIC_EXCLUSIVE) {
		/* without COHERENT each page is taken for device-exclusive access */
		excl = vt_svm_count(vt_paths[0], "exclusive");
		vt_run(c.fd, c.q, VSVM_KERNEL_ATOMIC_ADD, rounds * n,
		       (uint64_t[6]){ view.va, 3, n });
		vt_check_value(view.p, n, 6 * rounds, "counters without COHERENT");
		igt_assert_lte(excl + size / PAGE, vt_svm_count(vt_paths[0], "exclusive"));
		/* the CPU's reads revoked it: the next atomics take the pages again */
		excl = vt_svm_count(vt_paths[0], "exclusive");
		gpu_fill(&c, &view, 100);
		vt_run(c.fd, c.q, VSVM_KERNEL_ATOMIC_ADD, rounds * n,
		       (uint64_t[6]){ view.va, 3, n });
		vt_check_value(view.p, n, 100 + 3 * rounds, "counters written, then atomics");
		igt_assert_lte(excl + size / PAGE, vt_svm_count(vt_paths[0], "exclusive"));
	} else {
		/* no device-exclusive access on this kernel: the atomic is refused */
		gpu_expect_fault(&c, VSVM_KERNEL_ATOMIC_ADD, (uint64_t[6]){ view.va, 3, n },
				 &view, VSVM_ACCESS_ATOMIC);
		vt_check_value(view.p, n, 3 * rounds, "counters after a refused atomic");
		gpu_fill(&c, &view, 100 + 3 * rounds);
	}

	set1(fds[0], view.va, size, A_SET_FLAGS, F_COHERENT);
	excl = vt_svm_count(vt_paths[0], "exclusive");
	vt_run(c.fd, c.q, VSVM_KERNEL_ATOMIC_ADD, rounds * n, (uint64_t[6]){ view.va, 3, n });
	vt_check_value(view.p, n, 100 + 6 * rounds, "counters with COHERENT again");
	igt_assert_eq_u64(vt_svm_count(vt_paths[0], "exclusive"), excl);
	gpu_fini(&c);
	free(mem);
}

/* ---- GPU_EXEC ---------------------------------------------------------------------------------- */

static void test_gpu_exec(void)
{
	const uint64_t insns[] = {
		(uint64_t)VSVM_OP_MUL << 56 | 3, (uint64_t)VSVM_OP_ADD << 56 | 7,
		(uint64_t)VSVM_OP_XOR << 56 | 0x55,
	};
	const uint64_t n = 4096;
	struct buf code, data;
	struct gpu c;
	uint64_t i, *d;

	buf_alloc(&code, PAGE, PAGE);
	buf_alloc(&data, n * 8, PAGE);
	memcpy(code.p, insns, sizeof(insns));
	d = data.p;
	for (i = 0; i < n; i++)
		d[i] = i;
	gpu_init(&c, 0);

	gpu_expect_fault(&c, VSVM_KERNEL_PROGRAM,
			 (uint64_t[6]){ code.va, data.va, ARRAY_SIZE(insns) }, &code,
			 VSVM_ACCESS_EXEC);
	for (i = 0; i < n; i++)
		igt_assert_eq_u64(d[i], i);

	set1(fds[0], code.va, code.size, A_SET_FLAGS, F_EXEC);
	vt_run(c.fd, c.q, VSVM_KERNEL_PROGRAM, n,
	       (uint64_t[6]){ code.va, data.va, ARRAY_SIZE(insns) });
	for (i = 0; i < n; i++)
		igt_assert_eq_u64(d[i], (i * 3 + 7) ^ 0x55);

	set1(fds[0], code.va, code.size, A_CLR_FLAGS, F_EXEC);
	gpu_expect_fault(&c, VSVM_KERNEL_PROGRAM,
			 (uint64_t[6]){ code.va, data.va, ARRAY_SIZE(insns) }, &code,
			 VSVM_ACCESS_EXEC);
	for (i = 0; i < n; i++)
		igt_assert_eq_u64(d[i], (i * 3 + 7) ^ 0x55);
	gpu_fini(&c);
	buf_free(&data);
	buf_free(&code);
}

/* ---- read-mostly ----------------------------------------------------------------------------- */

/* A fresh, CPU-written, 2 MiB-aligned 2 MiB buffer. */
static void huge_buf(struct buf *b, uint64_t size)
{
	buf_alloc(b, size, size > HUGE ? size : HUGE);
	vt_fill_pattern(b->p, buf_n(b), 1000, 1);
}

/* GPU 0 reads then writes @b: the faults of the read, and of both. */
static void read_then_write(struct gpu *c, struct buf *b, uint64_t *after_read,
			    uint64_t *after_write)
{
	uint64_t f0 = vt_svm_count(vt_paths[0], "faults");

	igt_assert_eq_u64(gpu_checksum(c, b), vt_cpu_sum(b->p, buf_n(b)));
	*after_read = vt_svm_count(vt_paths[0], "faults") - f0;
	gpu_fill(c, b, 0xf00);
	*after_write = vt_svm_count(vt_paths[0], "faults") - f0;
	vt_check_value(b->p, buf_n(b), 0xf00, "buffer read then written");
}

static void test_read_mostly(void)
{
	/* all buffers live to the end: none reuses the addresses of another */
	struct buf b[3];
	uint64_t r, w;
	struct gpu c;
	int k;

	require_counters();
	gpu_init(&c, 0);
	for (k = 0; k < 3; k++) {
		huge_buf(&b[k], HUGE);
		if (k == 0)
			set1(fds[0], b[k].va, b[k].size, A_SET_FLAGS, F_RM);
		if (k == 2) {
			set1(fds[0], b[k].va, b[k].size, A_SET_FLAGS, F_RM);
			set1(fds[0], b[k].va, b[k].size, A_CLR_FLAGS, F_RM);
		}
		read_then_write(&c, &b[k], &r, &w);
		igt_info("%s: read %llu fault(s), read and write %llu\n",
			 k == 0 ? "GPU_READ_MOSTLY" : k == 1 ? "no attributes" : "flag cleared",
			 (unsigned long long)r, (unsigned long long)w);
		igt_assert_eq_u64(r, 1);
		igt_assert_eq_u64(w, k == 0 ? 2 : 1);
	}
	gpu_fini(&c);
	for (k = 0; k < 3; k++)
		buf_free(&b[k]);
}

/* ---- granularity ----------------------------------------------------------------------------- */

static void test_granularity(void)
{
	static const int grans[] = { -1, 9, 4, 0, 10 };
	/* all buffers live to the end: none reuses the addresses of another */
	struct buf bufs[ARRAY_SIZE(grans)];
	struct gpu c;
	unsigned int i;

	require_counters();
	gpu_init(&c, 0);
	for (i = 0; i < ARRAY_SIZE(grans); i++) {
		int gran = grans[i];
		uint64_t size = gran > 9 ? 2 * HUGE : HUGE, windows, f0, faults;
		struct buf *b = &bufs[i];

		huge_buf(b, size);
		if (gran >= 0) {
			set1(fds[0], b->va, b->size, A_GRAN, gran);
			windows = size / (PAGE << gran);
		} else {
			windows = size / HUGE;
		}
		f0 = vt_svm_count(vt_paths[0], "faults");
		gpu_fill(&c, b, 0x6a + i);
		faults = vt_svm_count(vt_paths[0], "faults") - f0;
		igt_info("granularity %d, %llu KiB: %llu faults (%llu duplicates so far)\n", gran,
			 (unsigned long long)(size / KIB), (unsigned long long)faults,
			 (unsigned long long)vt_svm_count(vt_paths[0], "duplicates"));
		igt_assert_eq_u64(faults, windows);
		vt_check_value(b->p, buf_n(b), 0x6a + i, "buffer filled");
	}
	gpu_fini(&c);
	for (i = 0; i < ARRAY_SIZE(grans); i++)
		buf_free(&bufs[i]);
}

/* ---- always-mapped --------------------------------------------------------------------------- */

/* Every GPU reads @b, with no fault, and finds @sum. */
static void read_no_fault(struct gpu *c, const struct buf *b, uint64_t sum, const char *what)
{
	int g;

	for (g = 0; g < vt_num_gpus; g++) {
		uint64_t f0 = vt_svm_count(vt_paths[g], "faults");

		igt_assert_f(gpu_checksum(&c[g], b) == sum, "%s: GPU %d read the wrong data\n",
			     what, g);
		igt_assert_f(vt_svm_count(vt_paths[g], "faults") == f0,
			     "%s: GPU %d faulted %llu times\n", what, g,
			     (unsigned long long)(vt_svm_count(vt_paths[g], "faults") - f0));
	}
}

/* @change() modifies the CPU mapping of @b: the range is evicted and restored. */
static void evict_restore(const struct buf *b, int (*change)(const struct buf *b), const char *what)
{
	uint64_t ev = counter_all("evictions"), re = counter_all("restores");

	igt_assert_f(change(b) == 0, "%s: %m\n", what);
	wait_counter_above("evictions", ev);
	wait_counter_above("restores", re);
}

static int drop_part(const struct buf *b)
{
	return madvise((void *)(uintptr_t)(b->va + DROP_OFF), DROP_LEN, MADV_DONTNEED);
}

static int protect_ro(const struct buf *b)
{
	return mprotect((void *)(uintptr_t)b->va, b->size, PROT_READ);
}

static int protect_rw(const struct buf *b)
{
	return mprotect((void *)(uintptr_t)b->va, b->size, PROT_READ | PROT_WRITE);
}

static void test_always_mapped(void)
{
	const uint64_t dropped = DROP_LEN / 8;
	struct gpu c[VT_MAX_GPUS];
	uint64_t n, value = 0, sum, f0;
	struct buf b;
	int g;

	require_counters();
	huge_buf(&b, HUGE);
	n = buf_n(&b);
	for (g = 0; g < vt_num_gpus; g++)
		gpu_init(&c[g], g);

	set1(fds[0], b.va, b.size, A_SET_FLAGS, F_AM);
	for (g = 0; g < vt_num_gpus; g++) {
		value = 0xa0 + g;
		f0 = vt_svm_count(vt_paths[g], "faults");
		gpu_fill(&c[g], &b, value);
		igt_assert_f(vt_svm_count(vt_paths[g], "faults") == f0,
			     "GPU %d faulted on an always-mapped range\n", g);
		vt_check_value(b.p, n, value, "always-mapped buffer filled");
	}

	evict_restore(&b, drop_part, "MADV_DONTNEED");
	sum = value * (n - dropped);
	igt_assert_eq_u64(vt_cpu_sum(b.p, n), sum);
	read_no_fault(c, &b, sum, "after MADV_DONTNEED");

	evict_restore(&b, protect_ro, "mprotect PROT_READ");
	read_no_fault(c, &b, sum, "read-only");
	igt_assert_eq(protect_rw(&b), 0);
	vt_fill_pattern(b.p, n, 77, 3);
	for (g = 0; g < vt_num_gpus; g++) {
		f0 = vt_svm_count(vt_paths[g], "faults");
		igt_assert_eq_u64(gpu_verify(&c[g], &b, 77, 3), 0);
		igt_assert_eq_u64(vt_svm_count(vt_paths[g], "faults"), f0);
	}

	set1(fds[0], b.va, b.size, A_CLR_FLAGS, F_AM);
	for (g = 0; g < vt_num_gpus; g++)
		gpu_fini(&c[g]);
	buf_free(&b);
}

/* ---- prefetch-map ---------------------------------------------------------------------------- */

static void test_prefetch_map(void)
{
	struct buf b;
	struct gpu c;
	uint64_t f0;
	int g;

	require_counters();
	for (g = 0; g < vt_num_gpus; g++) {
		buf_alloc(&b, MIB, PAGE);
		vt_fill_rand(b.p, buf_n(&b), g);
		gpu_init(&c, g);
		f0 = vt_svm_count(vt_paths[g], "faults");
		set1(fds[g], b.va, b.size, A_PREFETCH, vt_gpu_ids[g]);
		igt_assert_eq_u32(get1(fds[0], b.va, b.size, A_PREFETCH, JUNK, NULL),
				  vt_gpu_ids[g]);
		igt_assert_eq_u64(gpu_checksum(&c, &b), vt_cpu_sum(b.p, buf_n(&b)));
		igt_assert_f(vt_svm_count(vt_paths[g], "faults") == f0,
			     "GPU %d faulted %llu times after a prefetch\n", g,
			     (unsigned long long)(vt_svm_count(vt_paths[g], "faults") - f0));
		gpu_fini(&c);
		buf_free(&b);
	}
}

/* ---- no-retry -------------------------------------------------------------------------------- */

static void test_no_retry(void)
{
	const uint64_t dropped = DROP_LEN / 8;
	uint64_t n, f0, fatal0;
	struct buf a, other;
	struct gpu c, c1;
	uint32_t type;

	require_counters();
	buf_alloc(&a, MIB, PAGE);
	buf_alloc(&other, 64 * KIB, PAGE);
	n = buf_n(&a);
	vt_fill_pattern(a.p, n, 5, 1);
	vt_fill_pattern(other.p, buf_n(&other), 9, 1);

	retry_set(fds[0], 0);
	get1(fds[0], a.va, a.size, A_ACCESS, vt_gpu_ids[0], &type);
	igt_assert_f(type == A_NO_ACCESS, "retry off, no attributes: %s\n", access_name(type));
	set1(fds[0], a.va, a.size, A_ACCESS, vt_gpu_ids[0]);
	get1(fds[0], a.va, a.size, A_ACCESS, vt_gpu_ids[0], &type);
	igt_assert_eq_u32(type, A_ACCESS);

	f0 = vt_svm_count(vt_paths[0], "faults");
	fatal0 = vt_svm_count(vt_paths[0], "fatal");
	gpu_init(&c, 0);
	gpu_fill(&c, &a, 0x77);
	igt_assert_eq_u64(gpu_checksum(&c, &a), 0x77 * n);
	vt_check_value(a.p, n, 0x77, "buffer with access, retry off");
	igt_assert_eq_u64(vt_svm_count(vt_paths[0], "faults"), f0);
	igt_assert_eq_u64(vt_svm_count(vt_paths[0], "fatal"), fatal0);

	gpu_expect_fault(&c, VSVM_KERNEL_FILL, (uint64_t[6]){ other.va, 1 }, &other,
			 VSVM_ACCESS_WRITE);
	vt_check_pattern(other.p, buf_n(&other), 9, 1, "memory without access, retry off");
	igt_assert_lt_u64(fatal0, vt_svm_count(vt_paths[0], "fatal"));

	if (vt_num_gpus > 1) {
		get1(fds[1], a.va, a.size, A_ACCESS, vt_gpu_ids[1], &type);
		igt_assert_f(type == A_NO_ACCESS,
			     "GPU 1 on a range registered with retry off: %s\n", access_name(type));
		gpu_init(&c1, 1);
		gpu_expect_fault(&c1, VSVM_KERNEL_CHECKSUM, (uint64_t[6]){ a.va, c1.res.va }, &a,
				 VSVM_ACCESS_READ);
		gpu_fini(&c1);
	}

	/* the CPU drops pages while no dispatch runs */
	evict_restore(&a, drop_part, "MADV_DONTNEED");
	f0 = vt_svm_count(vt_paths[0], "faults");
	fatal0 = vt_svm_count(vt_paths[0], "fatal");
	igt_assert_eq_u64(gpu_checksum(&c, &a), 0x77 * (n - dropped));
	gpu_fill(&c, &a, 0x88);
	vt_check_value(a.p, n, 0x88, "buffer written after the restore");
	igt_assert_eq_u64(vt_svm_count(vt_paths[0], "faults"), f0);
	igt_assert_eq_u64(vt_svm_count(vt_paths[0], "fatal"), fatal0);
	gpu_fini(&c);

	retry_set(fds[0], 1);
	get1(fds[0], other.va, other.size, A_ACCESS, vt_gpu_ids[0], &type);
	igt_assert_eq_u32(type, A_IN_PLACE);
	buf_free(&a);
	buf_free(&other);
}

/* ---- concurrent-set-get ---------------------------------------------------------------------- */

#define WORKERS 4
#define WORKER_ITERATIONS 200
#define WORKER_PAGES 256

struct setget_worker {
	pthread_t thread;
	int idx;
	uint64_t base;
	bool joined;
};

static unsigned int worker_attrs(int t, int i, struct drm_vsvm_svm_attr *a)
{
	static const uint32_t kinds[] = { A_ACCESS, A_IN_PLACE, A_NO_ACCESS };

	a[0] = attr(A_GRAN, (t * 5 + i) % (VSVM_SVM_GRANULARITY_MAX + 1));
	a[1] = attr(i & 1 ? A_SET_FLAGS : A_CLR_FLAGS, i % 3 ? F_EXEC : F_RM | F_RO);
	a[2] = attr(A_PREFERRED, i % 4 == 0 ? LOC_SYSMEM : vt_gpu_ids[(t + i) % vt_num_gpus]);
	a[3] = attr(kinds[(t + i) % 3], vt_gpu_ids[i % vt_num_gpus]);
	return 4;
}

static void *setget_thread(void *arg)
{
	struct setget_worker *w = arg;
	struct svm_attrs *m = calloc(WORKER_PAGES, sizeof(*m)), def, u = { 0 };
	bool *used = calloc(WORKER_PAGES, sizeof(*used)), any = false;
	struct drm_vsvm_svm_attr a[4];
	int i, p;

	igt_assert(m && used);
	default_attrs(&def, true);
	for (i = 0; i < WORKER_ITERATIONS; i++) {
		unsigned int n = worker_attrs(w->idx, i, a);
		uint64_t va;

		p = (i * 37 + w->idx * 11) % WORKER_PAGES;
		va = w->base + p * PAGE;
		if (!used[p])
			m[p] = def;
		used[p] = true;
		set_model(fds[(w->idx + i) % vt_num_gpus], va, PAGE, &m[p], a, n);
		expect_attrs(va, PAGE, &m[p], "page of a worker");
	}
	for (p = 0; p < WORKER_PAGES; p++) {
		if (!used[p]) {
			expect_attrs(w->base + p * PAGE, PAGE, &def, "page no worker used");
			continue;
		}
		expect_attrs(w->base + p * PAGE, PAGE, &m[p], "final state of a worker's page");
		if (any)
			aggregate2(&u, &m[p], &u);
		else
			u = m[p];
		any = true;
	}
	expect_attrs(w->base, WORKER_PAGES * PAGE, &u, "all pages of a worker");
	free(m);
	free(used);
	return NULL;
}

static void test_concurrent_set_get(void)
{
	struct setget_worker w[WORKERS];
	struct buf attrs_buf, gpu_buf;
	int i, joined = 0, rounds = 0;
	struct gpu c;

	buf_alloc(&attrs_buf, WORKERS * WORKER_PAGES * PAGE, PAGE);
	buf_alloc(&gpu_buf, MIB, PAGE);
	gpu_init(&c, 0);
	for (i = 0; i < WORKERS; i++) {
		w[i].idx = i;
		w[i].base = attrs_buf.va + i * WORKER_PAGES * PAGE;
		w[i].joined = false;
		igt_assert_eq(pthread_create(&w[i].thread, NULL, setget_thread, &w[i]), 0);
	}
	while (joined < WORKERS) {
		uint64_t v = 0x1000 + rounds++;

		gpu_fill(&c, &gpu_buf, v);
		igt_assert_eq_u64(gpu_verify(&c, &gpu_buf, v, 0), 0);
		vt_check_value(gpu_buf.p, buf_n(&gpu_buf), v, "buffer of the GPU queue");
		for (i = 0; i < WORKERS; i++)
			if (!w[i].joined && !pthread_tryjoin_np(w[i].thread, NULL)) {
				w[i].joined = true;
				joined++;
			}
	}
	igt_info("%d GPU rounds while the workers ran\n", rounds);
	gpu_fini(&c);
	buf_free(&attrs_buf);
	buf_free(&gpu_buf);
}

/* ---- set-during-gpu -------------------------------------------------------------------------- */

#define GPU_ROUNDS 20

struct toggler {
	pthread_t thread;
	const struct buf *b;
	atomic_bool stop;
	int sets;
};

/* An attribute change that leaves GPU 0 able to read and write the range. */
static struct drm_vsvm_svm_attr harmless_attr(int i)
{
	switch (i % 7) {
	case 0:
		return attr(A_GRAN, (i / 7) % (VSVM_SVM_GRANULARITY_MAX + 1));
	case 1:
		return attr(i & 8 ? A_SET_FLAGS : A_CLR_FLAGS, F_EXEC);
	case 2:
		return attr(A_PREFERRED, i & 8 ? vt_gpu_ids[0] : LOC_SYSMEM);
	case 3:
		return attr(i & 8 ? A_SET_FLAGS : A_CLR_FLAGS, F_RM);
	case 4:
		return attr(i & 8 ? A_IN_PLACE : A_ACCESS, vt_gpu_ids[0]);
	case 5:
		return attr(A_PREFETCH, vt_gpu_ids[0]);
	default:
		return attr(i & 8 ? A_SET_FLAGS : A_CLR_FLAGS, F_AM);
	}
}

static void *toggler_thread(void *arg)
{
	struct toggler *t = arg;
	const uint64_t pages = t->b->size / PAGE;

	while (!atomic_load(&t->stop)) {
		struct drm_vsvm_svm_attr a = harmless_attr(t->sets);
		uint64_t first = vt_rand64(t->sets, 0) % pages;
		uint64_t len = 1 + vt_rand64(t->sets, 1) % (pages - first);

		set_ok(fds[t->sets % vt_num_gpus], t->b->va + first * PAGE, len * PAGE, &a, 1);
		t->sets++;
		usleep(1000);
	}
	return NULL;
}

static void test_set_during_gpu(void)
{
	struct toggler t = { .sets = 0 };
	struct buf b;
	struct gpu c;
	int round;

	/*
	 * Locations and prefetches make pages migrate between system memory
	 * and VRAM while the GPU works on them: each dispatch may take longer
	 * than the default job timeout in the emulator.
	 */
	vt_set_job_timeout(120000);
	buf_alloc(&b, MIB, PAGE);
	vt_fill_pattern(b.p, buf_n(&b), 0, 1);
	gpu_init(&c, 0);
	t.b = &b;
	atomic_init(&t.stop, false);
	igt_assert_eq(pthread_create(&t.thread, NULL, toggler_thread, &t), 0);
	for (round = 0; round < GPU_ROUNDS; round++) {
		uint64_t v = 0x2000 + round;

		gpu_fill(&c, &b, v);
		igt_assert_eq_u64(gpu_verify(&c, &b, v, 0), 0);
		vt_check_value(b.p, buf_n(&b), v, "buffer whose attributes change");
	}
	atomic_store(&t.stop, true);
	igt_assert_eq(pthread_join(t.thread, NULL), 0);
	igt_info("%d attribute changes during %d GPU rounds\n", t.sets, GPU_ROUNDS);
	igt_assert_lt(0, t.sets);
	gpu_fini(&c);
	buf_free(&b);
	vt_restore_job_timeout();
}

/* ---- main ------------------------------------------------------------------------------------ */

#define SVM_SUBTEST(name, fn) \
	igt_subtest(name) { \
		igt_set_timeout(SUBTEST_TIMEOUT, name); \
		open_gpus(); \
		fn(); \
		close_gpus(); \
	}

igt_main
{
	igt_fixture {
		int g;

		for (g = 0; g < VT_MAX_GPUS; g++)
			fds[g] = -1;
		vt_svm_gpus_require(1);
	}

	igt_describe("Set every attribute and read it back.");
	SVM_SUBTEST("set-get-basic", test_set_get_basic);

	igt_describe("Memory without attributes has the defaults.");
	SVM_SUBTEST("defaults", test_defaults);

	igt_describe("Unmapping memory drops its attributes.");
	SVM_SUBTEST("unmap-clears", test_unmap_clears);

	igt_describe("GET aggregates the attributes of several ranges.");
	SVM_SUBTEST("aggregate", test_aggregate);

	igt_describe("SET over part of a range splits it.");
	SVM_SUBTEST("split", test_split);

	igt_describe("1000 attribute ranges, one per page.");
	SVM_SUBTEST("many-ranges", test_many_ranges);

	igt_describe("Bad sizes, flags, counts, types and values fail with their errno.");
	SVM_SUBTEST("bad-args", test_bad_args);

	igt_describe("Bad attribute arrays and ranges without plain memory fail with EFAULT.");
	SVM_SUBTEST("bad-ranges", test_bad_ranges);

	igt_describe("Code fetches need GPU_EXEC.");
	SVM_SUBTEST("gpu-exec", test_gpu_exec);

	igt_describe("Attribute ranges and buffer-object bindings exclude each other.");
	SVM_SUBTEST("bo-overlap", test_bo_overlap);

	igt_describe("Only the process that opened a file may use its SVM ioctls.");
	SVM_SUBTEST("not-owner", test_not_owner);

	igt_describe("Query and set the per-process retry mode.");
	SVM_SUBTEST("retry-mode", test_retry_mode);

	igt_describe("NO_ACCESS unmaps a buffer from one GPU only.");
	SVM_SUBTEST("no-access-unmaps", test_no_access_unmaps);

	igt_describe("GPU_RO lets the GPU read but not write.");
	SVM_SUBTEST("gpu-ro", test_gpu_ro);

	igt_describe("GPU atomics need COHERENT.");
	SVM_SUBTEST("coherent-atomic", test_coherent_atomic);

	igt_describe("GPU_READ_MOSTLY maps reads read-only.");
	SVM_SUBTEST("read-mostly", test_read_mostly);

	igt_describe("One fault per granularity window.");
	SVM_SUBTEST("granularity", test_granularity);

	igt_describe("GPU_ALWAYS_MAPPED keeps a range mapped across CPU changes.");
	SVM_SUBTEST("always-mapped", test_always_mapped);

	igt_describe("PREFETCH_LOC to a GPU maps the range there.");
	SVM_SUBTEST("prefetch-map", test_prefetch_map);

	igt_describe("With retry off only ranges with access are mapped, and kept mapped.");
	SVM_SUBTEST("no-retry", test_no_retry);

	igt_describe("Threads SET and GET while a GPU queue works.");
	SVM_SUBTEST("concurrent-set-get", test_concurrent_set_get);

	igt_describe("Attributes of a buffer change while the GPU uses it.");
	SVM_SUBTEST("set-during-gpu", test_set_during_gpu);
}
