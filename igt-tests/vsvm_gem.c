// SPDX-License-Identifier: MIT
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * TEST: vsvm gem
 * Description: Buffer objects of the classic vsvm GPU and their GPU VM
 *              bindings: DRM_IOCTL_VSVM_GEM_CREATE, GEM_MMAP_OFFSET and CPU
 *              mappings, VM_BIND and VM_UNBIND, the memory counters of the
 *              device query (vram_used, gtt_used, evictions), VRAM
 *              overcommit with eviction to GTT, object lifetime (handles,
 *              bindings, mappings, files) and concurrent use. GPU VAs are
 *              taken from the upper half of the 48-bit space, above every
 *              CPU address.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: Memory management
 * Functionality: buffer objects and GPU VM bindings
 * Feature: gem
 * Test category: uAPI
 *
 * SUBTEST: create-close
 * Description: Objects of 4 KiB to 4 MiB in VRAM and GTT on every GPU get
 *              distinct non-zero handles and start zeroed, also when they
 *              reuse the memory of a closed object that held data; a closed
 *              handle cannot be closed again (EINVAL).
 *
 * SUBTEST: create-bad-args
 * Description: GEM_CREATE rejects a zero or unaligned size, a domain other
 *              than exactly one of VRAM and GTT, unknown flags and a non-zero
 *              pad with EINVAL, on every GPU.
 *
 * SUBTEST: vram-too-large
 * Description: A VRAM object larger than the GPU's VRAM cannot be placed even
 *              by evicting everything and fails with ENOMEM; the memory
 *              counters do not move.
 *
 * SUBTEST: mmap
 * Description: CPU mappings of VRAM and GTT objects: zeroed at first, data
 *              persists across munmap and a new mapping, two mappings of one
 *              object see each other's writes, a mapping of the first page
 *              only works, and the mmap offset of a handle is stable and
 *              distinct per object.
 *
 * SUBTEST: mmap-bad
 * Description: GEM_MMAP_OFFSET fails with ENOENT for handle 0 and unknown or
 *              closed handles and with EINVAL for unknown flags; mmap() fails
 *              with EINVAL for a length past the object or an offset inside
 *              it, and with EACCES through a file that has no handle of the
 *              object (another file, or after GEM_CLOSE while a binding keeps
 *              the object alive).
 *
 * SUBTEST: bind-unbind
 * Description: Whole and partial bindings (a bo_offset in the middle, the
 *              last page alone, a 2 MiB aligned 2 MiB range) of VRAM and GTT
 *              objects: GPU writes through each binding land at the right
 *              offset of the object as seen through its CPU mapping, and the
 *              range can be bound again after an unbind.
 *
 * SUBTEST: bind-alias
 * Description: One object bound at two GPU VAs, read-write and read-only:
 *              writes through one alias are read (checksum, verify) through
 *              the other and seen by the CPU.
 *
 * SUBTEST: bind-bad-args
 * Description: VM_BIND fails with EINVAL for unknown flags, an unaligned va,
 *              bo_offset or size, a zero size, a range past the object
 *              (including overflowing offset + size) or past the 48-bit VA
 *              space, and with ENOENT for handle 0 or an unknown handle; none
 *              of the failures leaves a binding behind.
 *
 * SUBTEST: bind-overlap
 * Description: A binding over any part of an existing binding (same range,
 *              either edge, inside, around, read-only or not) fails with
 *              EEXIST; adjacent ranges bind; after the unbind the range binds
 *              again.
 *
 * SUBTEST: unbind-bad-args
 * Description: VM_UNBIND fails with EINVAL for unknown flags and a non-zero
 *              pad, and with ENOENT unless the range is exactly one binding
 *              (nothing bound, part of a binding, more than a binding, two
 *              adjacent bindings, an unaligned or zero-sized range, a second
 *              unbind); the binding survives the failed attempts.
 *
 * SUBTEST: bind-va-limits
 * Description: The last page below 2^48 binds and works for the GPU; ranges
 *              that start at or cross 2^48, or wrap around 2^64, fail with
 *              EINVAL.
 *
 * SUBTEST: per-file
 * Description: Each file has its own GPU VM and handles: two files of one GPU
 *              bind different objects at the same VA and their dispatches
 *              write their own object; a handle of one file is unknown
 *              (ENOENT) to the other's GEM_MMAP_OFFSET and VM_BIND.
 *
 * SUBTEST: usage-counters
 * Description: The query's vram_used and gtt_used grow by the size of a new
 *              VRAM or GTT object on its GPU only, do not move for binding,
 *              mapping and GPU use, and come back when the objects are
 *              closed; /sys/kernel/debug/dri/<minor>/vsvm_mem agrees when it
 *              exists.
 *
 * SUBTEST: close-while-bound
 * Description: An object whose handle is closed while it is bound lives on
 *              (counted, usable by dispatches through the binding) until it
 *              is unbound, then its memory is released.
 *
 * SUBTEST: mmap-outlives-handle
 * Description: A CPU mapping keeps its object alive and usable after
 *              GEM_CLOSE; the memory is released by munmap.
 *
 * SUBTEST: close-file
 * Description: Closing a file releases its objects and bindings; a CPU
 *              mapping made through it keeps its object (and the file)
 *              alive and usable until munmap.
 *
 * SUBTEST: overcommit
 * Description: With the module reloaded with vram_size=32M, 64 MiB of VRAM
 *              objects, filled with distinct data by the GPU and by the CPU,
 *              all read back intact by GPU verify and through their CPU
 *              mappings; at least 8 evictions are counted, vram_used never
 *              exceeds the VRAM size, and an object of the whole VRAM size
 *              still fits by evicting the others.
 * Test requirement: root, the vsvm module file
 *
 * SUBTEST: evicted-mmap
 * Description: With vram_size=32M, a mapped VRAM object is evicted by 32 MiB
 *              of new VRAM objects: its old CPU mapping still reads the data,
 *              CPU writes while it is evicted reach the GPU through its
 *              binding, and GPU writes reach the old mapping.
 * Test requirement: root, the vsvm module file
 *
 * SUBTEST: evict-busy
 * Description: A VRAM object moves between VRAM and GTT again and again
 *              (evicted by new objects, brought back by binding it again)
 *              while a thread keeps copying into it and verifying it through
 *              its first binding: queues are suspended across each move and
 *              their page-table entries follow the object, so every dispatch
 *              succeeds and every verify finds the data intact.
 * Test requirement: root, the vsvm module file
 *
 * SUBTEST: page-table-trim
 * Description: Bindings scattered over the VA space make the GPU allocate
 *              page tables (the hardware's pt_bytes in debugfs grows by at
 *              least a table per binding); unbinding them all frees every
 *              one of them again, and a later binding at the same place
 *              gets new tables and works.
 * Test requirement: debugfs
 *
 * SUBTEST: huge-pages
 * Description: A VRAM object bound at a 2 MiB-aligned VA is mapped with
 *              2 MiB page-table entries: a GPU fill over it walks the page
 *              table a few times per compute unit, while the same object
 *              bound 4 KiB off alignment needs a walk per 4 KiB page (counted
 *              by the hardware's TLB-miss counter); both fills land right.
 * Test requirement: debugfs
 *
 * SUBTEST: concurrent
 * Description: Threads sharing one file create, map, bind, dispatch on,
 *              unbind and close objects of both domains while others create
 *              and destroy queues, query the device and race binds and
 *              unbinds of one range; every ioctl gives the expected result
 *              and every GPU result is right.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>

#include "igt_core.h"
#include "vsvm_test.h"

IGT_TEST_DESCRIPTION("Buffer objects, CPU mappings and GPU VM bindings of vsvm.");

#define MAX_GPUS VSVM_MAX_DEVICES
#define SUBTEST_TIMEOUT 120
#define MIB (1ULL << 20)
#define KIB (1ULL << 10)
#define GIB (1ULL << 30)
/* how long freed memory may take to leave the counters (TTM may free later) */
#define USAGE_WAIT_MS 2000

static const uint32_t domains[] = { VSVM_GEM_DOMAIN_VRAM, VSVM_GEM_DOMAIN_GTT };

static int num_gpus;
static char paths[MAX_GPUS][VSVM_PATH_MAX];

/* ---- helpers ------------------------------------------------------------------------ */

/* Raw GEM_CREATE: 0 or -errno. */
static int gem_create_raw(int fd, struct drm_vsvm_gem_create *c)
{
	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_GEM_CREATE, c);
}

static int bind_raw(int fd, uint32_t handle, uint32_t flags, uint64_t va, uint64_t off,
		    uint64_t size)
{
	struct drm_vsvm_vm_bind b = {
		.handle = handle, .flags = flags, .va = va, .bo_offset = off, .size = size,
	};

	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_VM_BIND, &b);
}

static int unbind_raw(int fd, uint64_t va, uint64_t size, uint32_t flags, uint32_t pad)
{
	struct drm_vsvm_vm_unbind u = { .va = va, .size = size, .flags = flags, .pad = pad };

	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_VM_UNBIND, &u);
}

/* mmap() of @fd at @offset: 0 (and unmapped again) or -errno */
static int try_mmap(int fd, uint64_t offset, uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)offset);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, size);
	return 0;
}

static uint64_t mmap_offset(int fd, uint32_t handle)
{
	uint64_t offset = 0;

	igt_assert_eq(vsvm_gem_mmap_offset(fd, handle, &offset), 0);
	igt_assert_neq_u64(offset, 0);
	return offset;
}

/* A GTT object for 8-byte dispatch results, bound and mapped. */
static void result_bo(struct vt_bo *bo, int fd)
{
	vt_bo_create(bo, fd, VT_PAGE_SIZE, VSVM_GEM_DOMAIN_GTT, 0);
}

static void wait_usage(int fd, uint64_t vram, uint64_t gtt, const char *when)
{
	struct drm_vsvm_query_device q;

	igt_assert_f(vt_wait_usage(fd, vram, gtt, USAGE_WAIT_MS, &q),
		     "%s: vram_used %llu gtt_used %llu, expected %llu and %llu\n", when,
		     (unsigned long long)q.vram_used, (unsigned long long)q.gtt_used,
		     (unsigned long long)vram, (unsigned long long)gtt);
}

/* Usage now, as the baseline of a check. */
static void usage(int fd, uint64_t *vram, uint64_t *gtt)
{
	struct drm_vsvm_query_device q;

	vt_query(fd, &q);
	*vram = q.vram_used;
	*gtt = q.gtt_used;
}

static uint64_t domain_delta(uint32_t domain, uint32_t which, uint64_t size)
{
	return domain == which ? size : 0;
}

/* ---- create-close ------------------------------------------------------------------ */

#define MANY_OBJECTS 64

static void test_create_close(void)
{
	static const uint64_t sizes[] = { 4 * KIB, 64 * KIB, MIB + 4 * KIB, 4 * MIB };
	uint32_t handles[MANY_OBJECTS];
	int g, i, j;
	unsigned int d, s;

	for (g = 0; g < num_gpus; g++) {
		int fd = vt_open(paths[g]);

		for (d = 0; d < ARRAY_SIZE(domains); d++) {
			for (s = 0; s < ARRAY_SIZE(sizes); s++) {
				uint32_t h = vt_gem_create(fd, sizes[s], domains[d]);
				uint64_t *p = vt_gem_mmap(fd, h, sizes[s]);

				vt_check_value(p, sizes[s] / 8, 0, "new object");
				/* dirty it: the next object may reuse its memory */
				memset(p, 0xa5, sizes[s]);
				munmap(p, sizes[s]);
				vt_gem_close(fd, h);
				igt_assert_eq(vsvm_gem_close(fd, h), -EINVAL);

				h = vt_gem_create(fd, sizes[s], domains[d]);
				p = vt_gem_mmap(fd, h, sizes[s]);
				vt_check_value(p, sizes[s] / 8, 0, "object reusing memory");
				munmap(p, sizes[s]);
				vt_gem_close(fd, h);
			}

			for (i = 0; i < MANY_OBJECTS; i++) {
				handles[i] = vt_gem_create(fd, 4 * KIB, domains[d]);
				for (j = 0; j < i; j++)
					igt_assert_neq_u32(handles[i], handles[j]);
			}
			for (i = 0; i < MANY_OBJECTS; i++)
				vt_gem_close(fd, handles[i]);
		}
		igt_assert_eq(vsvm_gem_close(fd, 0), -EINVAL);
		vsvm_close(fd);
	}
}

/* ---- create-bad-args ---------------------------------------------------------------- */

static void test_create_bad_args(void)
{
	static const uint64_t bad_sizes[] = { 0, 1, 8, 4095, 4097, 8191, MIB + 1 };
	static const uint32_t bad_domains[] = {
		0, VSVM_GEM_DOMAIN_VRAM | VSVM_GEM_DOMAIN_GTT, 0x4, 0x8, 0x80000000, ~0U,
	};
	static const uint32_t bad_flags[] = { 0x1, 0x2, 0x80000000, ~0U };
	struct drm_vsvm_gem_create c;
	uint64_t vram, gtt;
	unsigned int i, d;
	int g;

	for (g = 0; g < num_gpus; g++) {
		int fd = vt_open(paths[g]);

		usage(fd, &vram, &gtt);
		for (d = 0; d < ARRAY_SIZE(domains); d++) {
			for (i = 0; i < ARRAY_SIZE(bad_sizes); i++) {
				c = (struct drm_vsvm_gem_create){ .size = bad_sizes[i],
								  .domain = domains[d] };
				igt_assert_f(gem_create_raw(fd, &c) == -EINVAL,
					     "size %llu in %s not rejected with EINVAL\n",
					     (unsigned long long)bad_sizes[i],
					     vt_domain_name(domains[d]));
			}
			for (i = 0; i < ARRAY_SIZE(bad_flags); i++) {
				c = (struct drm_vsvm_gem_create){ .size = 4 * KIB,
								  .domain = domains[d],
								  .flags = bad_flags[i] };
				igt_assert_eq(gem_create_raw(fd, &c), -EINVAL);
			}
			c = (struct drm_vsvm_gem_create){ .size = 4 * KIB, .domain = domains[d],
							  .pad = 1 };
			igt_assert_eq(gem_create_raw(fd, &c), -EINVAL);
		}
		for (i = 0; i < ARRAY_SIZE(bad_domains); i++) {
			c = (struct drm_vsvm_gem_create){ .size = 4 * KIB, .domain = bad_domains[i] };
			igt_assert_f(gem_create_raw(fd, &c) == -EINVAL,
				     "domain %#x not rejected with EINVAL\n", bad_domains[i]);
		}
		/* the valid form of the same arguments works */
		c = (struct drm_vsvm_gem_create){ .size = 4 * KIB, .domain = VSVM_GEM_DOMAIN_GTT };
		igt_assert_eq(gem_create_raw(fd, &c), 0);
		igt_assert_neq_u32(c.handle, 0);
		igt_assert_eq_u32(c.flags, 0);
		igt_assert_eq_u32(c.pad, 0);
		vt_gem_close(fd, c.handle);
		wait_usage(fd, vram, gtt, "after the rejected creates");
		vsvm_close(fd);
	}
}

/* ---- vram-too-large ----------------------------------------------------------------- */

static void test_vram_too_large(void)
{
	struct drm_vsvm_query_device q;
	uint64_t vram, gtt;
	uint32_t h;
	int g;

	for (g = 0; g < num_gpus; g++) {
		int fd = vt_open(paths[g]);

		vt_query(fd, &q);
		usage(fd, &vram, &gtt);
		h = 0;
		igt_assert_eq(vsvm_gem_create(fd, q.vram_size + 4 * KIB, VSVM_GEM_DOMAIN_VRAM, &h),
			      -ENOMEM);
		igt_assert_eq(vsvm_gem_create(fd, 2 * q.vram_size, VSVM_GEM_DOMAIN_VRAM, &h),
			      -ENOMEM);
		wait_usage(fd, vram, gtt, "after the failed creates");
		vsvm_close(fd);
	}
}

/* ---- mmap --------------------------------------------------------------------------- */

static void test_mmap(void)
{
	const uint64_t size = 2 * MIB + 8 * KIB, n = size / 8;
	unsigned int d;
	int g;

	for (g = 0; g < num_gpus; g++) {
		int fd = vt_open(paths[g]);

		for (d = 0; d < ARRAY_SIZE(domains); d++) {
			uint32_t h = vt_gem_create(fd, size, domains[d]);
			uint32_t h2 = vt_gem_create(fd, size, domains[d]);
			uint64_t *a, *b, *first;

			igt_debug("GPU %d %s\n", g, vt_domain_name(domains[d]));
			igt_assert_eq_u64(mmap_offset(fd, h), mmap_offset(fd, h));
			igt_assert_neq_u64(mmap_offset(fd, h), mmap_offset(fd, h2));

			a = vt_gem_mmap(fd, h, size);
			vt_check_value(a, n, 0, "new object");
			vt_fill_pattern(a, n, 0x1000 + d, 3);
			igt_assert_eq(munmap(a, size), 0);

			/* the data outlives the mapping */
			a = vt_gem_mmap(fd, h, size);
			vt_check_pattern(a, n, 0x1000 + d, 3, "remapped object");

			/* two mappings of one object are one memory */
			b = vt_gem_mmap(fd, h, size);
			b[0] = 42;
			b[n - 1] = 43;
			igt_assert_eq_u64(a[0], 42);
			igt_assert_eq_u64(a[n - 1], 43);
			a[n / 2] = 44;
			igt_assert_eq_u64(b[n / 2], 44);

			/* a mapping of the first page only */
			first = vt_gem_mmap(fd, h, VT_PAGE_SIZE);
			igt_assert_eq_u64(first[0], 42);
			igt_assert_eq_u64(first[1], a[1]);

			/* the other object is untouched */
			{
				uint64_t *c = vt_gem_mmap(fd, h2, size);

				vt_check_value(c, n, 0, "other object");
				munmap(c, size);
			}
			munmap(first, VT_PAGE_SIZE);
			munmap(a, size);
			munmap(b, size);
			vt_gem_close(fd, h);
			vt_gem_close(fd, h2);
		}
		vsvm_close(fd);
	}
}

/* ---- mmap-bad ------------------------------------------------------------------------ */

static void test_mmap_bad(void)
{
	struct drm_vsvm_gem_mmap_offset mo;
	uint64_t offset, other_offset, va;
	int g, other;
	uint32_t h;

	for (g = 0; g < num_gpus; g++) {
		int fd = vt_open(paths[g]);

		h = vt_gem_create(fd, 64 * KIB, VSVM_GEM_DOMAIN_GTT);
		igt_assert_eq(vsvm_gem_mmap_offset(fd, 0, &offset), -ENOENT);
		igt_assert_eq(vsvm_gem_mmap_offset(fd, h + 1000, &offset), -ENOENT);
		igt_assert_eq(vsvm_gem_mmap_offset(fd, ~0U, &offset), -ENOENT);
		mo = (struct drm_vsvm_gem_mmap_offset){ .handle = h, .flags = 1 };
		igt_assert_eq(vsvm_ioctl(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &mo), -EINVAL);
		mo = (struct drm_vsvm_gem_mmap_offset){ .handle = h, .flags = 0x80000000 };
		igt_assert_eq(vsvm_ioctl(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &mo), -EINVAL);

		offset = mmap_offset(fd, h);
		igt_assert_eq(try_mmap(fd, offset, 64 * KIB), 0);
		igt_assert_eq(try_mmap(fd, offset, 64 * KIB + VT_PAGE_SIZE), -EINVAL);
		igt_assert_eq(try_mmap(fd, offset + VT_PAGE_SIZE, VT_PAGE_SIZE), -EINVAL);

		/* another file of the GPU has no handle of the object */
		other = vt_open(paths[g]);
		igt_assert_eq(try_mmap(other, offset, 64 * KIB), -EACCES);
		vsvm_close(other);

		/* a binding keeps the object, but the closed handle no longer maps it */
		va = vt_va_alloc(64 * KIB);
		vt_bind(fd, h, va, 0, 64 * KIB, 0);
		vt_gem_close(fd, h);
		igt_assert_eq(vsvm_gem_mmap_offset(fd, h, &other_offset), -ENOENT);
		igt_assert_eq(try_mmap(fd, offset, 64 * KIB), -EACCES);
		vt_unbind(fd, va, 64 * KIB);
		vsvm_close(fd);
	}
}

/* ---- bind-unbind --------------------------------------------------------------------- */

static void test_bind_unbind(void)
{
	const uint64_t size = 4 * MIB, n = size / 8;
	struct vt_bo res;
	unsigned int d;
	int fd = vt_open(paths[0]);
	uint32_t q = vt_queue_create(fd, 0);

	result_bo(&res, fd);
	for (d = 0; d < ARRAY_SIZE(domains); d++) {
		uint64_t va = vt_va_alloc(size), va2 = vt_va_alloc(size), i;
		uint32_t h = vt_gem_create(fd, size, domains[d]);
		uint64_t *p = vt_gem_mmap(fd, h, size);

		igt_debug("%s\n", vt_domain_name(domains[d]));

		/* the whole object */
		vt_bind(fd, h, va, 0, size, 0);
		vt_run(fd, q, VSVM_KERNEL_FILL, n, (uint64_t[6]){ va, 0x1111 });
		vt_check_value(p, n, 0x1111, "whole binding");
		vt_unbind(fd, va, size);

		/* a partial binding from the middle, at another VA */
		vt_bind(fd, h, va2, MIB, MIB, 0);
		vt_run(fd, q, VSVM_KERNEL_FILL, MIB / 8, (uint64_t[6]){ va2, 0x2222 });
		vt_check_value(p, MIB / 8, 0x1111, "before the partial binding");
		vt_check_value(p + MIB / 8, MIB / 8, 0x2222, "partial binding");
		vt_check_value(p + 2 * MIB / 8, 2 * MIB / 8, 0x1111, "after the partial binding");
		igt_assert_eq_u64(vt_gpu_checksum(fd, q, va2, MIB / 8, res.va, res.map),
				  0x2222 * (MIB / 8));
		vt_unbind(fd, va2, MIB);

		/* the last page alone */
		vt_bind(fd, h, va, size - VT_PAGE_SIZE, VT_PAGE_SIZE, 0);
		vt_run(fd, q, VSVM_KERNEL_FILL, VT_PAGE_SIZE / 8, (uint64_t[6]){ va, 0x3333 });
		vt_check_value(p + n - VT_PAGE_SIZE / 8, VT_PAGE_SIZE / 8, 0x3333, "last page");
		vt_check_value(p + 3 * MIB / 8, MIB / 8 - VT_PAGE_SIZE / 8, 0x1111,
			       "before the last page");
		vt_unbind(fd, va, VT_PAGE_SIZE);

		/* a 2 MiB range at a 2 MiB aligned VA and object offset */
		vt_bind(fd, h, va, 2 * MIB, 2 * MIB, 0);
		vt_fill_pattern(p + 2 * MIB / 8, 2 * MIB / 8, 77, 5);
		igt_assert_eq_u64(vt_gpu_verify(fd, q, va, 2 * MIB / 8, 77, 5, res.va, res.map), 0);
		vt_run(fd, q, VSVM_KERNEL_FILL, 2 * MIB / 8, (uint64_t[6]){ va, 0x4444 });
		vt_check_value(p + 2 * MIB / 8, 2 * MIB / 8, 0x4444, "2 MiB binding");
		vt_unbind(fd, va, 2 * MIB);

		/* the same range again, whole */
		vt_bind(fd, h, va, 0, size, 0);
		for (i = 0; i < n; i += 4096)
			p[i] = i;
		vt_run(fd, q, VSVM_KERNEL_COPY, MIB / 8, (uint64_t[6]){ va + MIB, va });
		for (i = 0; i < MIB / 8; i += 4096)
			igt_assert_eq_u64(p[MIB / 8 + i], i);
		vt_unbind(fd, va, size);

		munmap(p, size);
		vt_gem_close(fd, h);
	}
	vt_bo_destroy(&res);
	vt_queue_destroy(fd, q);
	vsvm_close(fd);
}

/* ---- bind-alias ---------------------------------------------------------------------- */

static void test_bind_alias(void)
{
	const uint64_t size = MIB, n = size / 8;
	struct vt_bo res;
	unsigned int d;
	int fd = vt_open(paths[0]);
	uint32_t q = vt_queue_create(fd, 0);

	result_bo(&res, fd);
	for (d = 0; d < ARRAY_SIZE(domains); d++) {
		uint64_t rw = vt_va_alloc(size), ro = vt_va_alloc(size), sum = 0, i;
		uint32_t h = vt_gem_create(fd, size, domains[d]);
		uint64_t *p = vt_gem_mmap(fd, h, size);

		vt_bind(fd, h, rw, 0, size, 0);
		vt_bind(fd, h, ro, 0, size, VSVM_BIND_READ_ONLY);

		vt_run(fd, q, VSVM_KERNEL_FILL, n, (uint64_t[6]){ rw, 9 });
		igt_assert_eq_u64(vt_gpu_checksum(fd, q, ro, n, res.va, res.map), 9 * n);
		vt_check_value(p, n, 9, "after fill through the read-write alias");

		vt_fill_rand(p, n, 1234 + d);
		for (i = 0; i < n; i++)
			sum += p[i];
		igt_assert_eq_u64(vt_gpu_checksum(fd, q, ro, n, res.va, res.map), sum);
		igt_assert_eq_u64(vt_gpu_checksum(fd, q, rw, n, res.va, res.map), sum);

		/* copy the second half over the first through the other alias */
		vt_run(fd, q, VSVM_KERNEL_COPY, n / 2, (uint64_t[6]){ rw, ro + size / 2 });
		for (i = 0; i < n / 2; i++)
			igt_assert_eq_u64(p[i], vt_rand64(1234 + d, n / 2 + i));

		vt_unbind(fd, rw, size);
		vt_unbind(fd, ro, size);
		munmap(p, size);
		vt_gem_close(fd, h);
	}
	vt_bo_destroy(&res);
	vt_queue_destroy(fd, q);
	vsvm_close(fd);
}

/* ---- bind-bad-args ------------------------------------------------------------------- */

static void test_bind_bad_args(void)
{
	const uint64_t size = 64 * KIB;
	static const uint32_t bad_flags[] = { 0x2, 0x4, 0x80000000, ~0U };
	unsigned int i;
	int g;

	for (g = 0; g < num_gpus; g++) {
		int fd = vt_open(paths[g]);
		uint32_t h = vt_gem_create(fd, size, VSVM_GEM_DOMAIN_GTT);
		uint64_t va = vt_va_alloc(size);
		const struct {
			const char *what;
			uint32_t handle, flags;
			uint64_t va, off, size;
			int err;
		} cases[] = {
			{ "va + 8", h, 0, va + 8, 0, VT_PAGE_SIZE, -EINVAL },
			{ "va + 2048", h, 0, va + 2048, 0, VT_PAGE_SIZE, -EINVAL },
			{ "bo_offset 8", h, 0, va, 8, VT_PAGE_SIZE, -EINVAL },
			{ "bo_offset 2048", h, 0, va, 2048, VT_PAGE_SIZE, -EINVAL },
			{ "size 0", h, 0, va, 0, 0, -EINVAL },
			{ "size 8", h, 0, va, 0, 8, -EINVAL },
			{ "size 4097", h, 0, va, 0, VT_PAGE_SIZE + 1, -EINVAL },
			{ "size past the object", h, 0, va, 0, size + VT_PAGE_SIZE, -EINVAL },
			{ "offset + size past the object", h, 0, va, VT_PAGE_SIZE, size, -EINVAL },
			{ "offset at the end", h, 0, va, size, VT_PAGE_SIZE, -EINVAL },
			{ "offset past the end", h, 0, va, 2 * size, VT_PAGE_SIZE, -EINVAL },
			{ "offset + size wraps", h, 0, va, ~0ULL - VT_PAGE_SIZE + 1,
			  2 * VT_PAGE_SIZE, -EINVAL },
			{ "huge size", h, 0, va, 0, 1ULL << 40, -EINVAL },
			{ "va at 2^48", h, 0, VT_VA_END, 0, VT_PAGE_SIZE, -EINVAL },
			{ "va crossing 2^48", h, 0, VT_VA_END - VT_PAGE_SIZE, 0, 2 * VT_PAGE_SIZE,
			  -EINVAL },
			{ "va at 2^63", h, 0, 1ULL << 63, 0, VT_PAGE_SIZE, -EINVAL },
			{ "va + size wraps", h, 0, ~0ULL - VT_PAGE_SIZE + 1, 0, 2 * VT_PAGE_SIZE,
			  -EINVAL },
			{ "handle 0", 0, 0, va, 0, VT_PAGE_SIZE, -ENOENT },
			{ "unknown handle", h + 1000, 0, va, 0, VT_PAGE_SIZE, -ENOENT },
			{ "handle ~0", ~0U, 0, va, 0, VT_PAGE_SIZE, -ENOENT },
		};

		for (i = 0; i < ARRAY_SIZE(cases); i++) {
			int ret = bind_raw(fd, cases[i].handle, cases[i].flags, cases[i].va,
					   cases[i].off, cases[i].size);

			igt_assert_f(ret == cases[i].err, "GPU %d: bind with %s returned %d (%s), expected %d\n",
				     g, cases[i].what, ret, strerror(-ret), cases[i].err);
		}
		for (i = 0; i < ARRAY_SIZE(bad_flags); i++)
			igt_assert_eq(bind_raw(fd, h, bad_flags[i], va, 0, size), -EINVAL);

		/* nothing was bound: the whole range binds now, once */
		igt_assert_eq(bind_raw(fd, h, 0, va, 0, size), 0);
		igt_assert_eq(unbind_raw(fd, va, size, 0, 0), 0);
		igt_assert_eq(unbind_raw(fd, va, size, 0, 0), -ENOENT);
		vt_gem_close(fd, h);
		vsvm_close(fd);
	}
}

/* ---- bind-overlap -------------------------------------------------------------------- */

static void test_bind_overlap(void)
{
	const uint64_t size = 64 * KIB, P = VT_PAGE_SIZE;
	int fd = vt_open(paths[0]);
	uint32_t h = vt_gem_create(fd, 4 * size, VSVM_GEM_DOMAIN_GTT);
	uint32_t h2 = vt_gem_create(fd, 4 * size, VSVM_GEM_DOMAIN_VRAM);
	uint64_t base = vt_va_alloc(4 * size), va = base + size;
	const struct {
		const char *what;
		uint64_t va, size;
	} overlaps[] = {
		{ "same range", va, size },
		{ "first page", va, P },
		{ "last page", va + size - P, P },
		{ "inside", va + 2 * P, 3 * P },
		{ "across the start", va - P, 2 * P },
		{ "across the end", va + size - P, 2 * P },
		{ "around", va - P, size + 2 * P },
		{ "from far below", base, 2 * size },
	};
	unsigned int i, flags;

	for (flags = 0; flags <= VSVM_BIND_READ_ONLY; flags += VSVM_BIND_READ_ONLY) {
		vt_bind(fd, h, va, 0, size, flags);
		for (i = 0; i < ARRAY_SIZE(overlaps); i++) {
			igt_assert_f(bind_raw(fd, h, 0, overlaps[i].va, 0, overlaps[i].size) == -EEXIST,
				     "overlap %s (flags %#x) not rejected with EEXIST\n",
				     overlaps[i].what, flags);
			igt_assert_f(bind_raw(fd, h2, VSVM_BIND_READ_ONLY, overlaps[i].va, size,
					      overlaps[i].size) == -EEXIST,
				     "read-only overlap %s of another object not rejected\n",
				     overlaps[i].what);
		}
		/* adjacent ranges are fine */
		vt_bind(fd, h2, va - P, 0, P, 0);
		vt_bind(fd, h2, va + size, P, P, 0);
		vt_unbind(fd, va - P, P);
		vt_unbind(fd, va + size, P);
		vt_unbind(fd, va, size);
	}
	/* the whole range is free again */
	vt_bind(fd, h, base, 0, 4 * size, 0);
	vt_unbind(fd, base, 4 * size);
	vt_gem_close(fd, h);
	vt_gem_close(fd, h2);
	vsvm_close(fd);
}

/* ---- unbind-bad-args ----------------------------------------------------------------- */

static void test_unbind_bad_args(void)
{
	const uint64_t size = 64 * KIB, P = VT_PAGE_SIZE;
	int g;

	for (g = 0; g < num_gpus; g++) {
		int fd = vt_open(paths[g]);
		uint32_t h = vt_gem_create(fd, 2 * size, VSVM_GEM_DOMAIN_GTT);
		uint64_t va = vt_va_alloc(2 * size);
		const struct {
			const char *what;
			uint64_t va, size;
		} cases[] = {
			{ "first page", va, P },
			{ "the rest", va + P, size - P },
			{ "inside", va + P, P },
			{ "more than the binding", va, size + P },
			{ "from below", va - P, size + P },
			{ "two bindings", va, 2 * size },
			{ "unaligned va", va + 8, size },
			{ "unaligned size", va, size - 8 },
			{ "zero size", va, 0 },
			{ "unbound range", va + 4 * size, size },
			{ "va 0", 0, size },
		};
		unsigned int i;

		vt_bind(fd, h, va, 0, size, 0);
		vt_bind(fd, h, va + size, size, size, 0);

		igt_assert_eq(unbind_raw(fd, va, size, 1, 0), -EINVAL);
		igt_assert_eq(unbind_raw(fd, va, size, 0x80000000, 0), -EINVAL);
		igt_assert_eq(unbind_raw(fd, va, size, 0, 1), -EINVAL);
		for (i = 0; i < ARRAY_SIZE(cases); i++) {
			int ret = unbind_raw(fd, cases[i].va, cases[i].size, 0, 0);

			igt_assert_f(ret == -ENOENT, "unbind of %s returned %d (%s), expected ENOENT\n",
				     cases[i].what, ret, strerror(-ret));
		}

		/* both bindings survived: each still overlaps, each unbinds once */
		igt_assert_eq(bind_raw(fd, h, 0, va, 0, P), -EEXIST);
		igt_assert_eq(bind_raw(fd, h, 0, va + size, 0, P), -EEXIST);
		vt_unbind(fd, va, size);
		igt_assert_eq(unbind_raw(fd, va, size, 0, 0), -ENOENT);
		vt_unbind(fd, va + size, size);
		igt_assert_eq(unbind_raw(fd, va + size, size, 0, 0), -ENOENT);
		vt_gem_close(fd, h);
		vsvm_close(fd);
	}
}

/* ---- bind-va-limits ------------------------------------------------------------------ */

static void test_bind_va_limits(void)
{
	const uint64_t P = VT_PAGE_SIZE, top = VT_VA_END - P;
	struct drm_vsvm_query_device info;
	int fd = vt_open(paths[0]);
	uint32_t q = vt_queue_create(fd, 0);
	uint32_t h = vt_gem_create(fd, 2 * P, VSVM_GEM_DOMAIN_VRAM);
	uint64_t *p = vt_gem_mmap(fd, h, 2 * P);

	vt_query(fd, &info);
	igt_assert_eq_u32(info.va_bits, 48);

	vt_bind(fd, h, top, P, P, 0);
	vt_run(fd, q, VSVM_KERNEL_FILL, P / 8, (uint64_t[6]){ top, 0x70b });
	vt_check_value(p, P / 8, 0, "first page (unbound)");
	vt_check_value(p + P / 8, P / 8, 0x70b, "page bound at the top of the VA space");

	igt_assert_eq(bind_raw(fd, h, 0, top, 0, 2 * P), -EINVAL);
	igt_assert_eq(bind_raw(fd, h, 0, VT_VA_END, 0, P), -EINVAL);
	igt_assert_eq(bind_raw(fd, h, 0, VT_VA_END + P, 0, P), -EINVAL);
	igt_assert_eq(bind_raw(fd, h, 0, 1ULL << 62, 0, P), -EINVAL);
	igt_assert_eq(bind_raw(fd, h, 0, ~0ULL - P + 1, 0, P), -EINVAL);
	igt_assert_eq(bind_raw(fd, h, 0, ~0ULL - P + 1, 0, 2 * P), -EINVAL);
	vt_unbind(fd, top, P);

	munmap(p, 2 * P);
	vt_gem_close(fd, h);
	vt_queue_destroy(fd, q);
	vsvm_close(fd);
}

/* ---- per-file ------------------------------------------------------------------------ */

static void test_per_file(void)
{
	const uint64_t size = 64 * KIB, n = size / 8;
	uint64_t va = vt_va_alloc(size), offset;
	int g;

	for (g = 0; g < num_gpus; g++) {
		int a = vt_open(paths[g]), b = vt_open(paths[g]);
		uint32_t qa = vt_queue_create(a, 0), qb = vt_queue_create(b, 0);
		uint32_t ha[3], hb;
		uint64_t *pa, *pb;
		int i;

		for (i = 0; i < 3; i++)
			ha[i] = vt_gem_create(a, size, VSVM_GEM_DOMAIN_VRAM);
		hb = vt_gem_create(b, size, VSVM_GEM_DOMAIN_GTT);
		pa = vt_gem_mmap(a, ha[2], size);
		pb = vt_gem_mmap(b, hb, size);

		/* the same VA in both VMs */
		vt_bind(a, ha[2], va, 0, size, 0);
		vt_bind(b, hb, va, 0, size, 0);
		vt_run(a, qa, VSVM_KERNEL_FILL, n, (uint64_t[6]){ va, 0xaaaa });
		vt_run(b, qb, VSVM_KERNEL_FILL, n, (uint64_t[6]){ va, 0xbbbb });
		vt_check_value(pa, n, 0xaaaa, "file A's object");
		vt_check_value(pb, n, 0xbbbb, "file B's object");

		/* A's handles that B does not have */
		for (i = 0; i < 3; i++) {
			if (ha[i] == hb)
				continue;
			igt_assert_eq(vsvm_gem_mmap_offset(b, ha[i], &offset), -ENOENT);
			igt_assert_eq(bind_raw(b, ha[i], 0, vt_va_alloc(size), 0, size), -ENOENT);
		}
		/* B's unbind removes B's binding only */
		igt_assert_eq(unbind_raw(b, va, size, 0, 0), 0);
		igt_assert_eq(unbind_raw(b, va, size, 0, 0), -ENOENT);
		vt_run(a, qa, VSVM_KERNEL_FILL, n, (uint64_t[6]){ va, 0xcccc });
		vt_check_value(pa, n, 0xcccc, "file A's object after B's unbind");
		vt_unbind(a, va, size);

		munmap(pa, size);
		munmap(pb, size);
		for (i = 0; i < 3; i++)
			vt_gem_close(a, ha[i]);
		vt_gem_close(b, hb);
		vt_queue_destroy(a, qa);
		vt_queue_destroy(b, qb);
		vsvm_close(a);
		vsvm_close(b);
	}
}

/* ---- usage-counters ------------------------------------------------------------------ */

/* debugfs agrees with the query, when the file exists */
static void check_debugfs(int g, int fd)
{
	struct drm_vsvm_query_device q;
	uint64_t vram, gtt, size;

	if (!vt_debugfs_mem(paths[g], "vram_used", &vram) ||
	    !vt_debugfs_mem(paths[g], "gtt_used", &gtt)) {
		igt_info("GPU %d: no vram_used/gtt_used in debugfs vsvm_mem, not checked\n", g);
		return;
	}
	vt_query(fd, &q);
	igt_assert_eq_u64(vram, q.vram_used);
	igt_assert_eq_u64(gtt, q.gtt_used);
	if (vt_debugfs_mem(paths[g], "vram_size", &size))
		igt_assert_eq_u64(size, q.vram_size);
}

static void test_usage_counters(void)
{
	const uint64_t vsize = MIB + 4 * KIB, gsize = 2 * MIB + 8 * KIB;
	uint64_t vram[MAX_GPUS], gtt[MAX_GPUS];
	int fds[MAX_GPUS], g, o;

	for (g = 0; g < num_gpus; g++) {
		fds[g] = vt_open(paths[g]);
		usage(fds[g], &vram[g], &gtt[g]);
		check_debugfs(g, fds[g]);
	}

	for (g = 0; g < num_gpus; g++) {
		int fd = fds[g];
		uint32_t q = vt_queue_create(fd, 0);
		struct vt_bo v, t;

		igt_debug("GPU %d: baseline vram %llu gtt %llu\n", g, (unsigned long long)vram[g],
			  (unsigned long long)gtt[g]);
		v.handle = vt_gem_create(fd, vsize, VSVM_GEM_DOMAIN_VRAM);
		wait_usage(fd, vram[g] + vsize, gtt[g], "after a VRAM create");
		check_debugfs(g, fd);
		t.handle = vt_gem_create(fd, gsize, VSVM_GEM_DOMAIN_GTT);
		wait_usage(fd, vram[g] + vsize, gtt[g] + gsize, "after a GTT create");
		check_debugfs(g, fd);

		/* the other GPUs did not see it */
		for (o = 0; o < num_gpus; o++)
			if (o != g)
				wait_usage(fds[o], vram[o], gtt[o], "on another GPU");

		/* binding, mapping and using them changes nothing */
		v.va = vt_va_alloc(vsize);
		t.va = vt_va_alloc(gsize);
		vt_bind(fd, v.handle, v.va, 0, vsize, 0);
		vt_bind(fd, t.handle, t.va, 0, gsize, 0);
		v.map = vt_gem_mmap(fd, v.handle, vsize);
		t.map = vt_gem_mmap(fd, t.handle, gsize);
		memset(v.map, 1, vsize);
		memset(t.map, 2, gsize);
		vt_run(fd, q, VSVM_KERNEL_COPY, vsize / 8, (uint64_t[6]){ t.va, v.va });
		igt_assert_eq_u64(t.map[0], 0x0101010101010101ULL);
		wait_usage(fd, vram[g] + vsize, gtt[g] + gsize, "after bind, mmap and a dispatch");

		munmap(v.map, vsize);
		munmap(t.map, gsize);
		vt_unbind(fd, v.va, vsize);
		vt_unbind(fd, t.va, gsize);
		vt_gem_close(fd, v.handle);
		wait_usage(fd, vram[g], gtt[g] + gsize, "after closing the VRAM object");
		vt_gem_close(fd, t.handle);
		wait_usage(fd, vram[g], gtt[g], "after closing both objects");
		check_debugfs(g, fd);
		vt_queue_destroy(fd, q);
	}
	for (g = 0; g < num_gpus; g++)
		vsvm_close(fds[g]);
}

/* ---- close-while-bound ---------------------------------------------------------------- */

static void test_close_while_bound(void)
{
	const uint64_t size = MIB, n = size / 8;
	int fd = vt_open(paths[0]);
	uint32_t q = vt_queue_create(fd, 0);
	struct vt_bo res;
	uint64_t vram, gtt;
	unsigned int d;

	result_bo(&res, fd);
	usage(fd, &vram, &gtt);
	for (d = 0; d < ARRAY_SIZE(domains); d++) {
		uint64_t va = vt_va_alloc(size);
		uint32_t h = vt_gem_create(fd, size, domains[d]);
		uint64_t dv = domain_delta(domains[d], VSVM_GEM_DOMAIN_VRAM, size);
		uint64_t dg = domain_delta(domains[d], VSVM_GEM_DOMAIN_GTT, size);
		uint64_t *p = vt_gem_mmap(fd, h, size);

		vt_bind(fd, h, va, 0, size, 0);
		vt_fill_pattern(p, n, 500, 7);
		munmap(p, size);
		vt_gem_close(fd, h);
		igt_assert_eq(vsvm_gem_close(fd, h), -EINVAL);

		/* the binding keeps the object and its content */
		wait_usage(fd, vram + dv, gtt + dg, "after closing a bound object");
		igt_assert_eq_u64(vt_gpu_verify(fd, q, va, n, 500, 7, res.va, res.map), 0);
		vt_run(fd, q, VSVM_KERNEL_FILL, n, (uint64_t[6]){ va, 3 });
		igt_assert_eq_u64(vt_gpu_checksum(fd, q, va, n, res.va, res.map), 3 * n);

		/* the unbind drops the last reference */
		vt_unbind(fd, va, size);
		wait_usage(fd, vram, gtt, "after unbinding a closed object");
	}
	vt_bo_destroy(&res);
	vt_queue_destroy(fd, q);
	vsvm_close(fd);
}

/* ---- mmap-outlives-handle ------------------------------------------------------------ */

static void test_mmap_outlives_handle(void)
{
	const uint64_t size = MIB, n = size / 8;
	int fd = vt_open(paths[0]);
	uint64_t vram, gtt;
	unsigned int d;

	usage(fd, &vram, &gtt);
	for (d = 0; d < ARRAY_SIZE(domains); d++) {
		uint32_t h = vt_gem_create(fd, size, domains[d]);
		uint64_t *p = vt_gem_mmap(fd, h, size);
		uint64_t dv = domain_delta(domains[d], VSVM_GEM_DOMAIN_VRAM, size);
		uint64_t dg = domain_delta(domains[d], VSVM_GEM_DOMAIN_GTT, size);

		vt_fill_pattern(p, n, 9, 9);
		vt_gem_close(fd, h);
		wait_usage(fd, vram + dv, gtt + dg, "after closing a mapped object");
		vt_check_pattern(p, n, 9, 9, "mapping after GEM_CLOSE");
		vt_fill_pattern(p, n, 10, 10);
		vt_check_pattern(p, n, 10, 10, "mapping after GEM_CLOSE, rewritten");
		igt_assert_eq(munmap(p, size), 0);
		wait_usage(fd, vram, gtt, "after munmap of a closed object");
	}
	vsvm_close(fd);
}

/* ---- close-file ---------------------------------------------------------------------- */

static void test_close_file(void)
{
	const uint64_t size = MIB, n = size / 8;
	int fd = vt_open(paths[0]), other;
	uint64_t vram, gtt;
	struct vt_bo bos[4];
	uint64_t *keep;
	uint32_t q;
	int i;

	usage(fd, &vram, &gtt);

	/* objects, bindings, a queue and its finished work go with the file */
	other = vt_open(paths[0]);
	q = vt_queue_create(other, 0);
	for (i = 0; i < 4; i++) {
		vt_bo_create(&bos[i], other, size, domains[i % 2], VT_BO_NO_MAP);
		vt_run(other, q, VSVM_KERNEL_FILL, n, (uint64_t[6]){ bos[i].va, i });
	}
	wait_usage(fd, vram + 2 * size, gtt + 2 * size, "with the other file's objects");
	vsvm_close(other);
	wait_usage(fd, vram, gtt, "after closing the other file");

	/* a mapping keeps its object (and the file) */
	other = vt_open(paths[0]);
	vt_bo_create(&bos[0], other, size, VSVM_GEM_DOMAIN_VRAM, 0);
	vt_bo_create(&bos[1], other, size, VSVM_GEM_DOMAIN_GTT, VT_BO_NO_MAP);
	keep = bos[0].map;
	vt_fill_pattern(keep, n, 1, 1);
	vsvm_close(other);
	/* the mapping holds the file: neither object is released yet */
	wait_usage(fd, vram + size, gtt + size, "after closing a file with a mapped object");
	vt_check_pattern(keep, n, 1, 1, "mapping after its file was closed");
	keep[0] = 7;
	igt_assert_eq_u64(keep[0], 7);
	igt_assert_eq(munmap(keep, size), 0);
	wait_usage(fd, vram, gtt, "after the last munmap");
	vsvm_close(fd);
}

/* ---- overcommit and evicted-mmap ------------------------------------------------------- */

#define SMALL_VRAM (32ULL << 20)
#define OC_OBJ_SIZE (4ULL << 20)
#define OC_OBJECTS 16

static void reload_small_vram(void)
{
	vt_require_module_reload();
	vt_module_reload("vram_size=32M");
	num_gpus = vt_scan_render_nodes(paths, MAX_GPUS);
	igt_assert_lt(0, num_gpus);
}

static void restore_module(void)
{
	vt_module_reload_default();
	num_gpus = vt_scan_render_nodes(paths, MAX_GPUS);
}

static void check_vram_bound(int fd, const char *when)
{
	struct drm_vsvm_query_device q;

	vt_query(fd, &q);
	igt_assert_f(q.vram_used <= q.vram_size, "%s: vram_used %llu > vram_size %llu\n", when,
		     (unsigned long long)q.vram_used, (unsigned long long)q.vram_size);
}

/* object @i of the overcommit: odd ones hold seed + i * step (CPU), even ones a value (GPU) */
static uint64_t oc_seed(int i)
{
	return i % 2 ? 1000ULL * i : 0x5000ULL + i;
}

static uint64_t oc_step(int i)
{
	return i % 2 ? (uint64_t)i + 1 : 0;
}

static void test_overcommit(void)
{
	const uint64_t n = OC_OBJ_SIZE / 8;
	struct drm_vsvm_query_device q0, q;
	struct vt_bo bos[OC_OBJECTS], res, all;
	uint32_t queue;
	int fd, i;

	reload_small_vram();
	fd = vt_open(paths[0]);
	vt_query(fd, &q0);
	igt_assert_eq_u64(q0.vram_size, SMALL_VRAM);
	queue = vt_queue_create(fd, 0);
	result_bo(&res, fd);

	/* twice the VRAM in VRAM objects, each with its own data */
	for (i = 0; i < OC_OBJECTS; i++) {
		vt_bo_create(&bos[i], fd, OC_OBJ_SIZE, VSVM_GEM_DOMAIN_VRAM, 0);
		if (i % 2)
			vt_fill_pattern(bos[i].map, n, oc_seed(i), oc_step(i));
		else
			vt_run(fd, queue, VSVM_KERNEL_FILL, n, (uint64_t[6]){ bos[i].va, oc_seed(i) });
		check_vram_bound(fd, "while filling");
	}
	vt_query(fd, &q);
	igt_info("%d VRAM objects of %llu MiB in %llu MiB VRAM: vram_used %llu MiB, "
		 "gtt_used %llu MiB, %llu evictions\n", OC_OBJECTS, (unsigned long long)(OC_OBJ_SIZE >> 20),
		 (unsigned long long)(q.vram_size >> 20), (unsigned long long)(q.vram_used >> 20),
		 (unsigned long long)(q.gtt_used >> 20),
		 (unsigned long long)(q.evictions - q0.evictions));
	igt_assert_lte_u64(q.vram_used, q.vram_size);
	igt_assert_lte_u64(q0.vram_used + q0.gtt_used + OC_OBJECTS * OC_OBJ_SIZE,
			   q.vram_used + q.gtt_used);
	/* each object was placed in VRAM: at least half of them were evicted since */
	igt_assert_lte_u64(q0.evictions + (OC_OBJECTS * OC_OBJ_SIZE - SMALL_VRAM) / OC_OBJ_SIZE,
			   q.evictions);

	/* use them all again, GPU first, then the CPU, twice */
	for (int pass = 0; pass < 2; pass++) {
		for (i = 0; i < OC_OBJECTS; i++) {
			uint64_t bad = vt_gpu_verify(fd, queue, bos[i].va, n, oc_seed(i), oc_step(i),
						     res.va, res.map);

			igt_assert_f(bad == 0, "pass %d: object %d has %llu wrong elements (GPU)\n",
				     pass, i, (unsigned long long)bad);
			check_vram_bound(fd, "while verifying");
		}
		for (i = 0; i < OC_OBJECTS; i++)
			vt_check_pattern(bos[i].map, n, oc_seed(i), oc_step(i), "object (CPU)");
	}

	/* an object of the whole VRAM size fits by evicting all the others */
	vt_bo_create(&all, fd, SMALL_VRAM, VSVM_GEM_DOMAIN_VRAM, 0);
	vt_run(fd, queue, VSVM_KERNEL_FILL, SMALL_VRAM / 8, (uint64_t[6]){ all.va, 0xa11 });
	vt_check_value(all.map, SMALL_VRAM / 8, 0xa11, "VRAM-sized object");
	check_vram_bound(fd, "with a VRAM-sized object");
	for (i = 0; i < OC_OBJECTS; i++)
		igt_assert_eq_u64(vt_gpu_verify(fd, queue, bos[i].va, n, oc_seed(i), oc_step(i),
						res.va, res.map), 0);
	vt_bo_destroy(&all);

	for (i = 0; i < OC_OBJECTS; i++)
		vt_bo_destroy(&bos[i]);
	vt_bo_destroy(&res);
	igt_assert(vt_wait_usage(fd, q0.vram_used, q0.gtt_used, USAGE_WAIT_MS, &q));
	vt_queue_destroy(fd, queue);
	vsvm_close(fd);
	restore_module();
}

static void test_evicted_mmap(void)
{
	const uint64_t n = OC_OBJ_SIZE / 8;
	struct drm_vsvm_query_device q0, q;
	struct vt_bo a, res, pressure[SMALL_VRAM / OC_OBJ_SIZE];
	uint64_t *second;
	uint32_t queue;
	unsigned int i;
	int fd;

	reload_small_vram();
	fd = vt_open(paths[0]);
	queue = vt_queue_create(fd, 0);
	result_bo(&res, fd);

	vt_bo_create(&a, fd, OC_OBJ_SIZE, VSVM_GEM_DOMAIN_VRAM, 0);
	vt_fill_pattern(a.map, n, 31, 17);
	vt_query(fd, &q0);

	/* a whole VRAM of new objects: each is placed in VRAM, so A must leave */
	for (i = 0; i < ARRAY_SIZE(pressure); i++) {
		vt_bo_create(&pressure[i], fd, OC_OBJ_SIZE, VSVM_GEM_DOMAIN_VRAM, VT_BO_NO_MAP);
		vt_run(fd, queue, VSVM_KERNEL_FILL, n, (uint64_t[6]){ pressure[i].va, i });
	}
	vt_query(fd, &q);
	igt_assert_lt_u64(q0.evictions, q.evictions);
	igt_assert_lte_u64(q.vram_used, q.vram_size);

	/* the old mapping follows the object */
	vt_check_pattern(a.map, n, 31, 17, "evicted object through its old mapping");
	second = vt_gem_mmap(fd, a.handle, OC_OBJ_SIZE);
	vt_check_pattern(second, n, 31, 17, "evicted object through a new mapping");

	/* CPU writes while evicted reach the GPU, GPU writes reach the CPU */
	vt_fill_pattern(a.map, n, 77, 3);
	igt_assert_eq_u64(vt_gpu_verify(fd, queue, a.va, n, 77, 3, res.va, res.map), 0);
	vt_run(fd, queue, VSVM_KERNEL_FILL, n / 2, (uint64_t[6]){ a.va, 0xfeed });
	vt_check_value(a.map, n / 2, 0xfeed, "old mapping after a GPU fill");
	vt_check_pattern(second + n / 2, n / 2, 77 + 3 * (n / 2), 3, "new mapping, second half");

	/* and once the pressure is gone */
	for (i = 0; i < ARRAY_SIZE(pressure); i++)
		vt_bo_destroy(&pressure[i]);
	vt_run(fd, queue, VSVM_KERNEL_FILL, n, (uint64_t[6]){ a.va, 0xbeef });
	vt_check_value(a.map, n, 0xbeef, "old mapping at the end");
	vt_check_value(second, n, 0xbeef, "new mapping at the end");

	munmap(second, OC_OBJ_SIZE);
	vt_bo_destroy(&a);
	vt_bo_destroy(&res);
	vt_queue_destroy(fd, queue);
	vsvm_close(fd);
	restore_module();
}

/* ---- concurrent ------------------------------------------------------------------------ */

#define CC_WORKERS 4
#define CC_SECONDS 3

struct cc_thread {
	pthread_t thread;
	int fd;
	int index;
	int64_t end_ns;
	unsigned long loops;
};

static atomic_ulong cc_errors;

#define cc_check(cond, fmt, ...) \
	do { \
		if (!(cond) && atomic_fetch_add(&cc_errors, 1) < 10) \
			igt_warn("thread %d: " fmt "\n", t->index, ##__VA_ARGS__); \
	} while (0)

/* create, map, bind, dispatch, check, unbind, close - over and over */
static void *cc_worker(void *arg)
{
	struct cc_thread *t = arg;
	uint32_t q = 0;
	struct vt_bo res, bo;
	int ret;

	ret = vsvm_queue_create(t->fd, t->index % 2 ? VSVM_QUEUE_NO_RETRY : 0, &q);
	cc_check(ret == 0, "queue create: %s", strerror(-ret));
	result_bo(&res, t->fd);
	while (vt_now_ns() < t->end_ns && q) {
		uint64_t size = (1 + vt_rand64(t->index, t->loops) % 16) * VT_PAGE_SIZE;
		uint64_t n = size / 8, sum = 0, value = t->index * 1000000 + t->loops, i;
		uint32_t domain = domains[(t->index + t->loops) % 2];

		vt_bo_create(&bo, t->fd, size, domain, 0);
		vt_fill_rand(bo.map, n, value);
		for (i = 0; i < n; i++)
			sum += bo.map[i];
		res.map[0] = 0;
		ret = vsvm_dispatch_sync(t->fd, q, VSVM_KERNEL_CHECKSUM, n,
					 (uint64_t[6]){ bo.va, res.va }, VT_DISPATCH_TIMEOUT_MS * 1000000LL);
		cc_check(ret == 0, "checksum dispatch: %s", strerror(-ret));
		cc_check(res.map[0] == sum, "checksum %#llx, expected %#llx",
			 (unsigned long long)res.map[0], (unsigned long long)sum);
		ret = vsvm_dispatch_sync(t->fd, q, VSVM_KERNEL_FILL, n, (uint64_t[6]){ bo.va, value },
					 VT_DISPATCH_TIMEOUT_MS * 1000000LL);
		cc_check(ret == 0, "fill dispatch: %s", strerror(-ret));
		for (i = 0; i < n; i++)
			if (bo.map[i] != value)
				break;
		cc_check(i == n, "fill: element %llu wrong", (unsigned long long)i);
		/* a second bind of the same range must fail */
		ret = vsvm_vm_bind(t->fd, bo.handle, bo.va, 0, size, 0);
		cc_check(ret == -EEXIST, "double bind: %d", ret);
		vt_bo_destroy(&bo);
		t->loops++;
	}
	vt_bo_destroy(&res);
	if (q)
		vsvm_queue_destroy(t->fd, q);
	return NULL;
}

/* queue churn and device queries */
static void *cc_queues(void *arg)
{
	struct cc_thread *t = arg;
	struct drm_vsvm_query_device info;
	struct drm_vsvm_queue_status st;
	uint32_t ids[4];
	int i, ret;

	while (vt_now_ns() < t->end_ns) {
		for (i = 0; i < 4; i++) {
			ret = vsvm_queue_create(t->fd, i % 2, &ids[i]);
			cc_check(ret == 0, "queue create: %s", strerror(-ret));
			if (ret)
				ids[i] = 0;
		}
		for (i = 0; i < 4; i++) {
			if (!ids[i])
				continue;
			ret = vsvm_queue_status(t->fd, ids[i], &st);
			cc_check(ret == 0 && st.state == VSVM_QUEUE_STATE_ACTIVE,
				 "queue status: %d state %u", ret, st.state);
			ret = vsvm_queue_destroy(t->fd, ids[i]);
			cc_check(ret == 0, "queue destroy: %s", strerror(-ret));
		}
		ret = vsvm_query_device(t->fd, &info);
		cc_check(ret == 0 && info.vram_used <= info.vram_size, "query: %d", ret);
		t->loops++;
		usleep(1000); /* leave the (emulated) GPU some CPU time */
	}
	return NULL;
}

/* binds and unbinds racing on one range of one shared object */
static struct {
	uint32_t handle;
	uint64_t va;
	atomic_int bound;
} cc_shared;

static void *cc_racer(void *arg)
{
	struct cc_thread *t = arg;
	int ret;

	while (vt_now_ns() < t->end_ns) {
		ret = vsvm_vm_bind(t->fd, cc_shared.handle, cc_shared.va, 0, 64 * KIB,
				   t->loops % 3 ? 0 : VSVM_BIND_READ_ONLY);
		if (ret == 0) {
			cc_check(atomic_fetch_add(&cc_shared.bound, 1) == 0, "two binds of one range");
			atomic_fetch_sub(&cc_shared.bound, 1);
			ret = vsvm_vm_unbind(t->fd, cc_shared.va, 64 * KIB);
			cc_check(ret == 0, "unbind of my binding: %s", strerror(-ret));
		} else {
			cc_check(ret == -EEXIST, "bind: %s", strerror(-ret));
			ret = vsvm_vm_unbind(t->fd, cc_shared.va + 64 * KIB, 64 * KIB);
			cc_check(ret == -ENOENT, "unbind of nothing: %d", ret);
		}
		t->loops++;
		usleep(100);
	}
	return NULL;
}

/* evict-busy: the dispatching thread */
#define EB_SIZE (8ULL << 20)
#define EB_MOVES 6
#define EB_STEP 3

struct eb_worker {
	int fd;
	uint32_t queue;
	struct vt_bo *src, *dst, *res;
	atomic_bool stop;
	uint64_t rounds;
	int error;
	uint64_t bad;
};

/* Copy a fresh pattern into the object and verify it there, until stopped. */
static void *eb_worker_main(void *arg)
{
	const int64_t timeout = 120 * 1000000000LL;
	struct eb_worker *w = arg;
	const uint64_t n = EB_SIZE / 8;

	while (!atomic_load(&w->stop)) {
		vt_fill_pattern(w->src->map, n, w->rounds, EB_STEP);
		w->error = vsvm_dispatch_sync(w->fd, w->queue, VSVM_KERNEL_COPY, n,
					      (uint64_t[6]){ w->dst->va, w->src->va }, timeout);
		if (w->error)
			break;
		w->res->map[0] = ~0ULL;
		w->error = vsvm_dispatch_sync(w->fd, w->queue, VSVM_KERNEL_VERIFY, n,
					      (uint64_t[6]){ w->dst->va, w->rounds, EB_STEP,
							     w->res->va }, timeout);
		w->bad = w->res->map[0];
		if (w->error || w->bad)
			break;
		w->rounds++;
	}
	return NULL;
}

static void test_evict_busy(void)
{
	struct vt_bo obj, src, res, pressure[SMALL_VRAM / EB_SIZE];
	struct drm_vsvm_query_device q0, q;
	struct eb_worker w = { 0 };
	uint64_t again_va;
	pthread_t thread;
	int fd, i, j;

	reload_small_vram();
	fd = vt_open(paths[0]);
	vt_query(fd, &q0);
	vt_bo_create(&obj, fd, EB_SIZE, VSVM_GEM_DOMAIN_VRAM, 0);
	vt_bo_create(&src, fd, EB_SIZE, VSVM_GEM_DOMAIN_GTT, 0);
	result_bo(&res, fd);
	again_va = vt_va_alloc(EB_SIZE);

	w.fd = fd;
	w.queue = vt_queue_create(fd, 0);
	w.src = &src;
	w.dst = &obj;
	w.res = &res;
	igt_assert_eq(pthread_create(&thread, NULL, eb_worker_main, &w), 0);

	for (i = 0; i < EB_MOVES; i++) {
		/* VRAM-sized pressure evicts the object (least recently placed) */
		for (j = 0; j < (int)ARRAY_SIZE(pressure); j++)
			vt_bo_create(&pressure[j], fd, EB_SIZE, VSVM_GEM_DOMAIN_VRAM, 0);
		/* binding it again validates it: back to VRAM, evicting pressure */
		vt_bind(fd, obj.handle, again_va, 0, EB_SIZE, 0);
		vt_unbind(fd, again_va, EB_SIZE);
		for (j = 0; j < (int)ARRAY_SIZE(pressure); j++)
			vt_bo_destroy(&pressure[j]);
	}
	atomic_store(&w.stop, true);
	igt_assert_eq(pthread_join(thread, NULL), 0);

	vt_query(fd, &q);
	igt_info("%d rounds of move pressure: %llu evictions, %llu copy+verify rounds\n",
		 EB_MOVES, (unsigned long long)(q.evictions - q0.evictions),
		 (unsigned long long)w.rounds);
	igt_assert_f(w.error == 0, "round %llu: a dispatch failed: %s\n",
		     (unsigned long long)w.rounds, strerror(-w.error));
	igt_assert_f(w.bad == 0, "round %llu: %llu wrong elements after a copy\n",
		     (unsigned long long)w.rounds, (unsigned long long)w.bad);
	igt_assert_lte_u64(1, w.rounds);
	igt_assert_lte_u64(q0.evictions + EB_MOVES, q.evictions);
	vt_check_pattern(obj.map, EB_SIZE / 8, w.rounds - 1, EB_STEP, "object after the moves");

	vt_queue_destroy(fd, w.queue);
	vt_bo_destroy(&res);
	vt_bo_destroy(&src);
	vt_bo_destroy(&obj);
	vsvm_close(fd);
	restore_module();
}

#define PT_BINDINGS 64

static uint64_t pt_bytes(void)
{
	uint64_t v;

	igt_require_f(vt_debugfs_value(paths[0], "vsvm_hw", "pt_bytes", &v),
		      "debugfs vsvm_hw has no pt_bytes\n");
	return v;
}

static void test_page_table_trim(void)
{
	int fd = vt_open(paths[0]);
	uint64_t base = vt_va_alloc(PT_BINDINGS * GIB), p0, p1;
	uint32_t handle = vt_gem_create(fd, 4 * KIB, VSVM_GEM_DOMAIN_GTT), q;
	uint64_t *map = vt_gem_mmap(fd, handle, 4 * KIB);
	int i;

	p0 = pt_bytes();
	for (i = 0; i < PT_BINDINGS; i++)
		vt_bind(fd, handle, base + i * GIB, 0, 4 * KIB, 0);
	p1 = pt_bytes();
	igt_info("page tables: %llu bytes before, %llu with %d scattered bindings\n",
		 (unsigned long long)p0, (unsigned long long)p1, PT_BINDINGS);
	/* each binding needs its own level-0 and level-1 table at least */
	igt_assert_lte_u64(p0 + PT_BINDINGS * 12 * KIB, p1);

	for (i = 0; i < PT_BINDINGS; i++)
		vt_unbind(fd, base + i * GIB, 4 * KIB);
	igt_assert_eq_u64(pt_bytes(), p0);

	/* the tables come back when needed */
	vt_bind(fd, handle, base + GIB, 0, 4 * KIB, 0);
	q = vt_queue_create(fd, 0);
	vt_run(fd, q, VSVM_KERNEL_FILL, 512, (uint64_t[6]){ base + GIB, 0x7ab1e });
	vt_check_value(map, 512, 0x7ab1e, "fill after the tables were freed");
	vt_queue_destroy(fd, q);
	vt_unbind(fd, base + GIB, 4 * KIB);
	igt_assert_eq_u64(pt_bytes(), p0);

	munmap(map, 4 * KIB);
	vt_gem_close(fd, handle);
	close(fd);
}

/* TLB misses of a 4 MiB fill through the binding at @va */
static uint64_t hp_fill_misses(int fd, uint32_t q, uint64_t va, uint64_t size, uint64_t value)
{
	uint64_t args[VSVM_DISPATCH_ARGS] = { va, value };
	uint64_t before, after;

	igt_require_f(vt_debugfs_value(paths[0], "vsvm_hw", "tlb_misses", &before),
		      "debugfs vsvm_hw is not available\n");
	vt_run(fd, q, VSVM_KERNEL_FILL, size / 8, args);
	after = vt_hw_counter(paths[0], "tlb_misses");
	return after - before;
}

static void test_huge_pages(void)
{
	const uint64_t size = 4 * MIB;
	int fd = vt_open(paths[0]);
	struct drm_vsvm_query_device info;
	uint64_t huge_va, small_va, m_huge, m_small;
	uint32_t handle, q;
	uint64_t *map;

	vt_query(fd, &info);
	handle = vt_gem_create(fd, size, VSVM_GEM_DOMAIN_VRAM);
	map = vt_gem_mmap(fd, handle, size);
	huge_va = vt_va_alloc(size);
	small_va = vt_va_alloc(size + 2 * MIB) + 4 * KIB;
	vt_bind(fd, handle, huge_va, 0, size, 0);
	vt_bind(fd, handle, small_va, 0, size, 0);
	q = vt_queue_create(fd, 0);

	m_huge = hp_fill_misses(fd, q, huge_va, size, 0x1111);
	vt_check_value(map, size / 8, 0x1111, "fill through the 2 MiB-aligned binding");
	m_small = hp_fill_misses(fd, q, small_va, size, 0x2222);
	vt_check_value(map, size / 8, 0x2222, "fill through the unaligned binding");
	igt_info("TLB misses of a 4 MiB fill: %llu with 2 MiB entries, %llu with 4 KiB entries\n",
		 (unsigned long long)m_huge, (unsigned long long)m_small);

	/* every 4 KiB page is walked at least once without huge entries */
	igt_assert_lte_u64(size / (4 * KIB), m_small);
	/* two 2 MiB entries, each walked at most a few times per compute unit */
	igt_assert_lte_u64(m_huge, 2 * 4 * (uint64_t)info.num_compute_units);

	vt_queue_destroy(fd, q);
	vt_unbind(fd, small_va, size);
	vt_unbind(fd, huge_va, size);
	munmap(map, size);
	vt_gem_close(fd, handle);
	close(fd);
}

static void test_concurrent(void)
{
	struct cc_thread t[CC_WORKERS + 3];
	int fd = vt_open(paths[0]);
	int64_t end = vt_now_ns() + CC_SECONDS * 1000000000LL;
	uint64_t vram, gtt;
	int i;

	usage(fd, &vram, &gtt);
	atomic_store(&cc_errors, 0);
	cc_shared.handle = vt_gem_create(fd, 64 * KIB, VSVM_GEM_DOMAIN_VRAM);
	cc_shared.va = vt_va_alloc(128 * KIB);
	atomic_store(&cc_shared.bound, 0);

	for (i = 0; i < CC_WORKERS + 3; i++) {
		void *(*fn)(void *) = i < CC_WORKERS ? cc_worker : i == CC_WORKERS ? cc_queues : cc_racer;

		memset(&t[i], 0, sizeof(t[i]));
		t[i].fd = fd;
		t[i].index = i;
		t[i].end_ns = end;
		igt_assert_eq(pthread_create(&t[i].thread, NULL, fn, &t[i]), 0);
	}
	for (i = 0; i < CC_WORKERS + 3; i++)
		igt_assert_eq(pthread_join(t[i].thread, NULL), 0);
	for (i = 0; i < CC_WORKERS + 3; i++) {
		igt_info("thread %d: %lu loops\n", i, t[i].loops);
		igt_assert_lt(0, (int)t[i].loops);
	}
	igt_assert_f(atomic_load(&cc_errors) == 0, "%lu errors\n", atomic_load(&cc_errors));

	vt_gem_close(fd, cc_shared.handle);
	wait_usage(fd, vram, gtt, "after the concurrent threads");
	vsvm_close(fd);
}

igt_main
{
	igt_fixture
		num_gpus = vt_require_gpus(paths, MAX_GPUS, 1);

	igt_describe("Create and close objects in both domains; new objects are zeroed.");
	igt_subtest("create-close") {
		igt_set_timeout(SUBTEST_TIMEOUT, "create-close");
		test_create_close();
	}

	igt_describe("GEM_CREATE rejects bad sizes, domains, flags and pad with EINVAL.");
	igt_subtest("create-bad-args") {
		igt_set_timeout(SUBTEST_TIMEOUT, "create-bad-args");
		test_create_bad_args();
	}

	igt_describe("A VRAM object larger than VRAM fails with ENOMEM.");
	igt_subtest("vram-too-large") {
		igt_set_timeout(SUBTEST_TIMEOUT, "vram-too-large");
		test_vram_too_large();
	}

	igt_describe("CPU mappings of VRAM and GTT objects.");
	igt_subtest("mmap") {
		igt_set_timeout(SUBTEST_TIMEOUT, "mmap");
		test_mmap();
	}

	igt_describe("Bad GEM_MMAP_OFFSET arguments and bad mmap() calls.");
	igt_subtest("mmap-bad") {
		igt_set_timeout(SUBTEST_TIMEOUT, "mmap-bad");
		test_mmap_bad();
	}

	igt_describe("Whole and partial bindings, used by the GPU and checked by the CPU.");
	igt_subtest("bind-unbind") {
		igt_set_timeout(SUBTEST_TIMEOUT, "bind-unbind");
		test_bind_unbind();
	}

	igt_describe("One object at two VAs, read-write and read-only.");
	igt_subtest("bind-alias") {
		igt_set_timeout(SUBTEST_TIMEOUT, "bind-alias");
		test_bind_alias();
	}

	igt_describe("VM_BIND rejects each bad field with its errno.");
	igt_subtest("bind-bad-args") {
		igt_set_timeout(SUBTEST_TIMEOUT, "bind-bad-args");
		test_bind_bad_args();
	}

	igt_describe("Overlapping bindings fail with EEXIST.");
	igt_subtest("bind-overlap") {
		igt_set_timeout(SUBTEST_TIMEOUT, "bind-overlap");
		test_bind_overlap();
	}

	igt_describe("VM_UNBIND of anything but exactly one binding fails.");
	igt_subtest("unbind-bad-args") {
		igt_set_timeout(SUBTEST_TIMEOUT, "unbind-bad-args");
		test_unbind_bad_args();
	}

	igt_describe("The top of the 48-bit VA space binds; beyond it fails.");
	igt_subtest("bind-va-limits") {
		igt_set_timeout(SUBTEST_TIMEOUT, "bind-va-limits");
		test_bind_va_limits();
	}

	igt_describe("GPU VMs and GEM handles are per file.");
	igt_subtest("per-file") {
		igt_set_timeout(SUBTEST_TIMEOUT, "per-file");
		test_per_file();
	}

	igt_describe("vram_used and gtt_used follow creates and closes.");
	igt_subtest("usage-counters") {
		igt_set_timeout(SUBTEST_TIMEOUT, "usage-counters");
		test_usage_counters();
	}

	igt_describe("A binding keeps a closed object alive until the unbind.");
	igt_subtest("close-while-bound") {
		igt_set_timeout(SUBTEST_TIMEOUT, "close-while-bound");
		test_close_while_bound();
	}

	igt_describe("A CPU mapping keeps a closed object alive until munmap.");
	igt_subtest("mmap-outlives-handle") {
		igt_set_timeout(SUBTEST_TIMEOUT, "mmap-outlives-handle");
		test_mmap_outlives_handle();
	}

	igt_describe("Closing a file releases its objects, except mapped ones.");
	igt_subtest("close-file") {
		igt_set_timeout(SUBTEST_TIMEOUT, "close-file");
		test_close_file();
	}

	igt_describe("Twice the VRAM in VRAM objects: eviction keeps every byte.");
	igt_subtest("overcommit") {
		igt_set_timeout(2 * SUBTEST_TIMEOUT, "overcommit");
		test_overcommit();
	}

	igt_describe("A CPU mapping of an evicted VRAM object reads and writes right.");
	igt_subtest("evicted-mmap") {
		igt_set_timeout(SUBTEST_TIMEOUT, "evicted-mmap");
		test_evicted_mmap();
	}

	igt_describe("A busy VRAM object moves between VRAM and GTT with its data intact.");
	igt_subtest("evict-busy") {
		igt_set_timeout(2 * SUBTEST_TIMEOUT, "evict-busy");
		test_evict_busy();
	}

	igt_describe("Page tables of unbound ranges are freed.");
	igt_subtest("page-table-trim") {
		igt_set_timeout(SUBTEST_TIMEOUT, "page-table-trim");
		test_page_table_trim();
	}

	igt_describe("2 MiB-aligned VRAM bindings use 2 MiB page-table entries.");
	igt_subtest("huge-pages") {
		igt_set_timeout(SUBTEST_TIMEOUT, "huge-pages");
		test_huge_pages();
	}

	igt_describe("Threads create, bind, dispatch, unbind and close on one file.");
	igt_subtest("concurrent") {
		igt_set_timeout(SUBTEST_TIMEOUT, "concurrent");
		test_concurrent();
	}
}
