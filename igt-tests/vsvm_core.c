// SPDX-License-Identifier: MIT
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * TEST: vsvm core
 * Description: Tests of the vsvm render nodes: enumeration, DRM_IOCTL_VERSION
 *              and DRM_IOCTL_VSVM_QUERY_DEVICE with valid and invalid arguments.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: uAPI
 * Functionality: device query
 * Feature: core
 * Test category: uAPI
 *
 * SUBTEST: enumerate
 * Description: There is one vsvm render node per GPU (num_gpus), vsvm_enumerate()
 *              finds exactly the nodes a scan of /dev/dri finds, and vsvm_open()
 *              opens each of them and fails with -ENODEV past the last.
 *
 * SUBTEST: version
 * Description: drmGetVersion() on every GPU reports the driver name "vsvm"
 *              and a non-empty description and date.
 *
 * SUBTEST: query
 * Description: DRM_IOCTL_VSVM_QUERY_DEVICE on every GPU reports the uAPI
 *              version, the num_cus and vram_size module parameters, 4K and 2M
 *              pages, 48 VA bits and retry-fault support.
 *
 * SUBTEST: query-all-gpus-unique-ids
 * Description: Every GPU reports a different non-zero gpu_id that stays the
 *              same across opens, and the same device-independent fields.
 *
 * SUBTEST: bad-ioctl-nr
 * Description: A driver ioctl number vsvm does not define fails with EINVAL
 *              and a non-DRM ioctl with ENOTTY; the file keeps working.
 *
 * SUBTEST: query-bad-flags
 * Description: The device query rejects any non-zero flags with EINVAL.
 *
 * SUBTEST: query-bad-pad
 * Description: The device query rejects a non-zero pad with EINVAL.
 *
 * SUBTEST: query-bad-reserved
 * Description: The device query rejects a non-zero reserved field with EINVAL.
 *
 * SUBTEST: query-null-arg
 * Description: The device query fails with EFAULT for a NULL, an unmapped and
 *              a read-only argument.
 *
 * SUBTEST: query-short-arg
 * Description: A device query with a shorter argument size succeeds, returns
 *              the prefix of the full answer and writes nothing past it.
 *
 * SUBTEST: query-oversized-arg
 * Description: A device query with a larger argument size succeeds and
 *              returns the bytes past the structure unchanged.
 *
 * SUBTEST: concurrent-query
 * Description: Processes and threads query every GPU concurrently, through
 *              shared and freshly opened files, and always get the same answer.
 *
 * SUBTEST: features
 * Description: The DRM core features of every GPU: DRM_IOCTL_GET_CAP reports
 *              DRM_CAP_SYNCOBJ and DRM_CAP_SYNCOBJ_TIMELINE as 1 and a KMS-only
 *              capability as unsupported (EOPNOTSUPP, no DRIVER_MODESET);
 *              DRM_IOCTL_GEM_CLOSE of a handle that does not exist fails with
 *              EINVAL (DRIVER_GEM is on: EOPNOTSUPP otherwise); the render node
 *              refuses primary-node ioctls (SET_MASTER, DROP_MASTER, GET_MAGIC,
 *              SET_CLIENT_CAP, GEM_FLINK, MODE_GETRESOURCES) with EACCES.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <xf86drm.h>

#include "igt_core.h"
#include "vsvm_test.h"

IGT_TEST_DESCRIPTION("Enumeration, version and device-query tests of the vsvm render nodes.");

#define MAX_GPUS VSVM_MAX_DEVICES
#define QUERY_NR (DRM_COMMAND_BASE + DRM_VSVM_QUERY_DEVICE)
#define QUERY_IOC(size) _IOC(_IOC_READ | _IOC_WRITE, DRM_IOCTL_BASE, QUERY_NR, (size))
#define CONCURRENT_SECONDS 3
#define CONCURRENT_CHILDREN 4

static int num_gpus;
static char paths[MAX_GPUS][VSVM_PATH_MAX];
static int fds[MAX_GPUS];
static struct drm_vsvm_query_device ref[MAX_GPUS];
static struct vt_params params;

/* raw ioctl: 0 or -errno, no restart */
static int raw_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg) ? -errno : 0;
}

static void open_all(void)
{
	int i;

	num_gpus = vt_scan_render_nodes(paths, MAX_GPUS);
	igt_require_f(num_gpus > 0, "no vsvm render node (is the vsvm module loaded?)\n");
	igt_assert_lte(num_gpus, MAX_GPUS);

	if (!vt_current_params(&params))
		igt_info("module parameters not readable in " VT_PARAM_DIR
			 ", assuming the defaults\n");

	for (i = 0; i < num_gpus; i++) {
		fds[i] = vsvm_open_path(paths[i]);
		igt_assert_f(fds[i] >= 0, "open %s: %s\n", paths[i], strerror(-fds[i]));
		igt_assert_eq(vsvm_query_device(fds[i], &ref[i]), 0);
		igt_info("GPU %d: %s gpu_id %u\n", i, paths[i], ref[i].gpu_id);
	}
}

static void close_all(void)
{
	int i;

	for (i = 0; i < num_gpus; i++)
		vsvm_close(fds[i]);
}

static void test_enumerate(void)
{
	char lib_paths[MAX_GPUS][VSVM_PATH_MAX];
	long long param = vt_param_ll("num_gpus");
	struct drm_vsvm_query_device q;
	int n, i, fd;

	if (param >= 0)
		igt_assert_eq(num_gpus, param);
	else
		igt_info("num_gpus not readable, %d GPUs found\n", num_gpus);

	for (i = 0; i < num_gpus; i++) {
		struct stat st;

		igt_assert_eq(stat(paths[i], &st), 0);
		igt_assert(S_ISCHR(st.st_mode));
		igt_assert_eq(major(st.st_rdev), 226); /* DRM_MAJOR */
	}

	n = vsvm_enumerate(lib_paths, MAX_GPUS);
	igt_assert_eq(n, num_gpus);
	for (i = 0; i < n; i++)
		igt_assert_f(!strcmp(lib_paths[i], paths[i]),
			     "vsvm_enumerate()[%d] = %s, scan found %s\n", i, lib_paths[i],
			     paths[i]);

	for (i = 0; i < n; i++) {
		fd = vsvm_open(i);
		igt_assert_f(fd >= 0, "vsvm_open(%d): %s\n", i, strerror(-fd));
		igt_assert_eq(vsvm_query_device(fd, &q), 0);
		igt_assert_eq_u32(q.gpu_id, ref[i].gpu_id);
		vsvm_close(fd);
	}
	igt_assert_eq(vsvm_open(n), -ENODEV);
}

static void test_version(void)
{
	drmVersionPtr first = NULL;
	int i;

	for (i = 0; i < num_gpus; i++) {
		drmVersionPtr v = drmGetVersion(fds[i]);

		igt_assert_f(v, "drmGetVersion(%s) failed\n", paths[i]);
		igt_info("%s: %s %d.%d.%d \"%s\" %s\n", paths[i], v->name, v->version_major,
			 v->version_minor, v->version_patchlevel, v->desc, v->date);
		igt_assert(v->name && !strcmp(v->name, "vsvm"));
		igt_assert_eq(v->name_len, 4);
		igt_assert(v->desc && v->desc_len > 0 && strlen(v->desc) > 0);
		igt_assert(v->date && v->date_len > 0 && strlen(v->date) > 0);
		igt_assert_lte(0, v->version_major);
		igt_assert_lte(0, v->version_minor);
		igt_assert_lte(0, v->version_patchlevel);

		if (!first) {
			first = v;
			continue;
		}
		/* one driver behind every node */
		igt_assert_eq(v->version_major, first->version_major);
		igt_assert_eq(v->version_minor, first->version_minor);
		igt_assert(!strcmp(v->desc, first->desc));
		igt_assert(!strcmp(v->date, first->date));
		drmFreeVersion(v);
	}
	drmFreeVersion(first);
}

static void test_query(void)
{
	struct drm_vsvm_query_device q;
	int i;

	for (i = 0; i < num_gpus; i++) {
		igt_assert_eq(vsvm_query_device(fds[i], &q), 0);
		vt_check_query(&q, &params, i);
		igt_assert(!memcmp(&q, &ref[i], sizeof(q)));
	}
}

static void test_unique_ids(void)
{
	struct drm_vsvm_query_device q;
	int i, j, fd;

	for (i = 0; i < num_gpus; i++) {
		igt_assert_neq_u32(ref[i].gpu_id, 0);
		for (j = 0; j < i; j++)
			igt_assert_f(ref[i].gpu_id != ref[j].gpu_id,
				     "GPUs %d and %d share gpu_id %u\n", j, i, ref[i].gpu_id);

		/* device-independent fields agree */
		igt_assert_eq_u32(ref[i].uapi_version, ref[0].uapi_version);
		igt_assert_eq_u32(ref[i].va_bits, ref[0].va_bits);
		igt_assert_eq_u32(ref[i].num_compute_units, ref[0].num_compute_units);
		igt_assert_eq_u64(ref[i].vram_size, ref[0].vram_size);
		igt_assert_eq_u64(ref[i].page_sizes, ref[0].page_sizes);
		igt_assert_eq_u32(ref[i].capabilities, ref[0].capabilities);

		/* stable for the module's lifetime: a new file sees the same id */
		fd = vsvm_open_path(paths[i]);
		igt_assert_fd(fd);
		igt_assert_eq(vsvm_query_device(fd, &q), 0);
		igt_assert_eq_u32(q.gpu_id, ref[i].gpu_id);
		vsvm_close(fd);
	}
}

static void check_still_works(int fd, int idx)
{
	struct drm_vsvm_query_device q;

	igt_assert_eq(vsvm_query_device(fd, &q), 0);
	igt_assert(!memcmp(&q, &ref[idx], sizeof(q)));
}

static void test_bad_ioctl_nr(void)
{
	const unsigned int nr = DRM_COMMAND_BASE + 0x3f;
	struct drm_vsvm_query_device q;
	int i;

	for (i = 0; i < num_gpus; i++) {
		memset(&q, 0, sizeof(q));
		igt_assert_eq(raw_ioctl(fds[i], DRM_IOWR(nr, struct drm_vsvm_query_device), &q),
			      -EINVAL);
		igt_assert_eq(raw_ioctl(fds[i], DRM_IO(nr), NULL), -EINVAL);
		igt_assert_eq(raw_ioctl(fds[i], DRM_IOR(nr, uint64_t), &q), -EINVAL);
		/* not a DRM ioctl at all */
		igt_assert_eq(raw_ioctl(fds[i], _IOWR('V', DRM_VSVM_QUERY_DEVICE,
						      struct drm_vsvm_query_device), &q),
			      -ENOTTY);
		check_still_works(fds[i], i);
	}
}

/* Each value must be rejected with EINVAL when placed in the field at @offset. */
static void test_bad_field(size_t offset, const char *field)
{
	static const uint32_t bad[] = { 1, 2, 0x80000000u, 0xffffffffu };
	struct drm_vsvm_query_device q;
	unsigned int v;
	int i;

	for (i = 0; i < num_gpus; i++) {
		for (v = 0; v < ARRAY_SIZE(bad); v++) {
			memset(&q, 0, sizeof(q));
			memcpy((char *)&q + offset, &bad[v], sizeof(uint32_t));
			igt_assert_f(vsvm_ioctl(fds[i], DRM_IOCTL_VSVM_QUERY_DEVICE, &q) == -EINVAL,
				     "%s=%#x on GPU %d not rejected with EINVAL\n", field, bad[v], i);
		}
		check_still_works(fds[i], i);
	}
}

static void test_null_arg(void)
{
	long page = sysconf(_SC_PAGESIZE);
	void *none, *ro;
	int i;

	none = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(none != MAP_FAILED);
	ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(ro != MAP_FAILED);

	for (i = 0; i < num_gpus; i++) {
		igt_assert_eq(raw_ioctl(fds[i], DRM_IOCTL_VSVM_QUERY_DEVICE, NULL), -EFAULT);
		igt_assert_eq(raw_ioctl(fds[i], DRM_IOCTL_VSVM_QUERY_DEVICE, none), -EFAULT);
		/* readable (all zero, a valid query) but the answer cannot be written */
		igt_assert_eq(raw_ioctl(fds[i], DRM_IOCTL_VSVM_QUERY_DEVICE, ro), -EFAULT);
		check_still_works(fds[i], i);
	}

	munmap(none, page);
	munmap(ro, page);
}

static void test_short_arg(void)
{
	const size_t full = sizeof(struct drm_vsvm_query_device);
	unsigned char buf[sizeof(struct drm_vsvm_query_device) + 64];
	size_t size, j;
	uint32_t flags;
	int i, ret;

	for (i = 0; i < num_gpus; i++) {
		for (size = 0; size < full; size += 4) {
			memset(buf, 0xa5, sizeof(buf));
			memset(buf, 0, size);
			ret = raw_ioctl(fds[i], QUERY_IOC(size), buf);
			igt_assert_f(ret == 0, "query with size %zu failed: %s\n", size,
				     strerror(-ret));
			igt_assert_f(!memcmp(buf, &ref[i], size),
				     "size %zu: returned prefix differs from the full query\n", size);
			for (j = size; j < sizeof(buf); j++)
				igt_assert_f(buf[j] == 0xa5,
					     "size %zu: byte %zu past the argument written (%#x)\n",
					     size, j, buf[j]);
		}

		/* the prefix is still validated */
		memset(buf, 0xa5, sizeof(buf));
		flags = 1;
		memcpy(buf, &flags, sizeof(flags));
		igt_assert_eq(raw_ioctl(fds[i], QUERY_IOC(4), buf), -EINVAL);
		for (j = 4; j < sizeof(buf); j++)
			igt_assert_eq(buf[j], 0xa5);

		check_still_works(fds[i], i);
	}
}

static void test_oversized_arg(void)
{
	static const size_t extra[] = { 64, 4096 };
	const size_t full = sizeof(struct drm_vsvm_query_device);
	unsigned int e;
	size_t j;
	int i, ret;

	for (e = 0; e < ARRAY_SIZE(extra); e++) {
		unsigned char *buf = malloc(full + extra[e]);

		igt_assert(buf);
		for (i = 0; i < num_gpus; i++) {
			memset(buf, 0, full);
			for (j = 0; j < extra[e]; j++)
				buf[full + j] = (j * 7 + 3) & 0xff;

			ret = raw_ioctl(fds[i], QUERY_IOC(full + extra[e]), buf);
			igt_assert_f(ret == 0, "query with %zu extra bytes failed: %s\n",
				     extra[e], strerror(-ret));
			igt_assert_f(!memcmp(buf, &ref[i], full),
				     "%zu extra bytes: answer differs from the normal query\n",
				     extra[e]);
			for (j = 0; j < extra[e]; j++)
				igt_assert_f(buf[full + j] == ((j * 7 + 3) & 0xff),
					     "%zu extra bytes: byte %zu changed\n", extra[e], j);
		}
		free(buf);
	}
}

/* concurrent-query: threads of a child hammer one shared file per GPU */
static atomic_bool stop_threads;
static atomic_ulong thread_errors, thread_queries;

static void *query_thread(void *arg)
{
	int idx = (int)(intptr_t)arg;
	struct drm_vsvm_query_device q;

	while (!atomic_load(&stop_threads)) {
		if (vsvm_query_device(fds[idx], &q) || memcmp(&q, &ref[idx], sizeof(q)))
			atomic_fetch_add(&thread_errors, 1);
		atomic_fetch_add(&thread_queries, 1);
	}
	return NULL;
}

static void concurrent_child(int child)
{
	pthread_t threads[MAX_GPUS];
	struct drm_vsvm_query_device q;
	unsigned long opens = 0;
	int i, fd, ret;

	atomic_store(&stop_threads, false);
	for (i = 0; i < num_gpus; i++)
		igt_assert_eq(pthread_create(&threads[i], NULL, query_thread,
					     (void *)(intptr_t)i), 0);

	igt_until_timeout(CONCURRENT_SECONDS) {
		for (i = 0; i < num_gpus; i++) {
			fd = vsvm_open_path(paths[(i + child) % num_gpus]);
			igt_assert_f(fd >= 0, "open: %s\n", strerror(-fd));
			ret = vsvm_query_device(fd, &q);
			vsvm_close(fd);
			igt_assert_eq(ret, 0);
			igt_assert(!memcmp(&q, &ref[(i + child) % num_gpus], sizeof(q)));
			opens++;
		}
	}

	atomic_store(&stop_threads, true);
	for (i = 0; i < num_gpus; i++)
		pthread_join(threads[i], NULL);

	igt_info("child %d: %lu open/query/close, %lu shared-file queries\n", child, opens,
		 atomic_load(&thread_queries));
	igt_assert_eq(atomic_load(&thread_errors), 0);
	igt_assert_lt(0, opens);
}

static void test_concurrent_query(void)
{
	int i;

	igt_fork(child, CONCURRENT_CHILDREN)
		concurrent_child(child);
	igt_waitchildren();

	for (i = 0; i < num_gpus; i++)
		check_still_works(fds[i], i);
}

static void test_features(void)
{
	static const struct {
		uint64_t cap;
		const char *name;
	} caps[] = {
		{ DRM_CAP_SYNCOBJ, "DRM_CAP_SYNCOBJ" },
		{ DRM_CAP_SYNCOBJ_TIMELINE, "DRM_CAP_SYNCOBJ_TIMELINE" },
	};
	static const uint32_t gem_handles[] = { 0, 1, 2, 0x7fffffff, 0xffffffff };
	struct drm_mode_card_res res;
	struct drm_set_client_cap client_cap;
	struct drm_gem_flink flink;
	struct drm_gem_close gem_close;
	struct drm_get_cap get_cap;
	struct drm_auth auth;
	unsigned int c;
	int i, ret;

	for (i = 0; i < num_gpus; i++) {
		/* drm_getcap(): answered for every driver */
		for (c = 0; c < ARRAY_SIZE(caps); c++) {
			memset(&get_cap, 0, sizeof(get_cap));
			get_cap.capability = caps[c].cap;
			get_cap.value = 0xdead;
			ret = raw_ioctl(fds[i], DRM_IOCTL_GET_CAP, &get_cap);
			igt_assert_f(ret == 0, "GPU %d: GET_CAP %s: %s\n", i, caps[c].name,
				     strerror(-ret));
			igt_assert_f(get_cap.value == 1, "GPU %d: %s = %llu\n", i, caps[c].name,
				     (unsigned long long)get_cap.value);
		}
		/* drm_getcap(): other caps need DRIVER_MODESET */
		memset(&get_cap, 0, sizeof(get_cap));
		get_cap.capability = DRM_CAP_DUMB_BUFFER;
		igt_assert_eq(raw_ioctl(fds[i], DRM_IOCTL_GET_CAP, &get_cap), -EOPNOTSUPP);

		/* drm_gem_close_ioctl() -> drm_gem_handle_delete(): no such object */
		for (c = 0; c < ARRAY_SIZE(gem_handles); c++) {
			memset(&gem_close, 0, sizeof(gem_close));
			gem_close.handle = gem_handles[c];
			igt_assert_f(raw_ioctl(fds[i], DRM_IOCTL_GEM_CLOSE, &gem_close) == -EINVAL,
				     "GPU %d: GEM_CLOSE of handle %#x not rejected with EINVAL\n",
				     i, gem_handles[c]);
		}

		/* drm_ioctl_permit(): no DRM_RENDER_ALLOW on a render node */
		igt_assert_eq(raw_ioctl(fds[i], DRM_IOCTL_SET_MASTER, NULL), -EACCES);
		igt_assert_eq(raw_ioctl(fds[i], DRM_IOCTL_DROP_MASTER, NULL), -EACCES);
		memset(&auth, 0, sizeof(auth));
		igt_assert_eq(raw_ioctl(fds[i], DRM_IOCTL_GET_MAGIC, &auth), -EACCES);
		memset(&client_cap, 0, sizeof(client_cap));
		client_cap.capability = DRM_CLIENT_CAP_UNIVERSAL_PLANES;
		client_cap.value = 1;
		igt_assert_eq(raw_ioctl(fds[i], DRM_IOCTL_SET_CLIENT_CAP, &client_cap), -EACCES);
		memset(&flink, 0, sizeof(flink));
		flink.handle = 1;
		igt_assert_eq(raw_ioctl(fds[i], DRM_IOCTL_GEM_FLINK, &flink), -EACCES);
		memset(&res, 0, sizeof(res));
		igt_assert_eq(raw_ioctl(fds[i], DRM_IOCTL_MODE_GETRESOURCES, &res), -EACCES);

		check_still_works(fds[i], i);
	}
}

igt_main
{
	igt_fixture
		open_all();

	igt_describe("One render node per GPU; vsvm_enumerate() and vsvm_open() agree with a scan.");
	igt_subtest("enumerate")
		test_enumerate();

	igt_describe("drmGetVersion() reports vsvm with a description and a date.");
	igt_subtest("version")
		test_version();

	igt_describe("The device query reports the uAPI version and the module parameters.");
	igt_subtest("query")
		test_query();

	igt_describe("Every GPU has a distinct, stable, non-zero gpu_id.");
	igt_subtest("query-all-gpus-unique-ids")
		test_unique_ids();

	igt_describe("Undefined driver ioctl numbers fail with EINVAL.");
	igt_subtest("bad-ioctl-nr")
		test_bad_ioctl_nr();

	igt_describe("Non-zero flags are rejected with EINVAL.");
	igt_subtest("query-bad-flags")
		test_bad_field(offsetof(struct drm_vsvm_query_device, flags), "flags");

	igt_describe("A non-zero pad is rejected with EINVAL.");
	igt_subtest("query-bad-pad")
		test_bad_field(offsetof(struct drm_vsvm_query_device, pad), "pad");

	igt_describe("A non-zero reserved field is rejected with EINVAL.");
	igt_subtest("query-bad-reserved")
		test_bad_field(offsetof(struct drm_vsvm_query_device, reserved), "reserved");

	igt_describe("Bad argument pointers fail with EFAULT.");
	igt_subtest("query-null-arg")
		test_null_arg();

	igt_describe("Short arguments are zero-extended in and truncated out.");
	igt_subtest("query-short-arg")
		test_short_arg();

	igt_describe("Bytes past the structure in a larger argument come back unchanged.");
	igt_subtest("query-oversized-arg")
		test_oversized_arg();

	igt_describe("Concurrent queries from processes and threads stay consistent.");
	igt_subtest("concurrent-query")
		test_concurrent_query();

	igt_describe("Syncobj and GEM are on, KMS is off, primary-node ioctls are refused.");
	igt_subtest("features")
		test_features();

	igt_fixture
		close_all();
}
