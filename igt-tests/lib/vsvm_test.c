// SPDX-License-Identifier: MIT
/*
 * Helpers shared by the vsvm IGT-style tests (see vsvm_test.h).
 *
 * Copyright 2026 The vsvm authors
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt_core.h"
#include "vsvm_test.h"

/* ---- render nodes ---------------------------------------------------------- */

static int cmp_path(const void *a, const void *b)
{
	return strverscmp(a, b);
}

int vt_scan_render_nodes(char paths[][VSVM_PATH_MAX], int max)
{
	char found[64][VSVM_PATH_MAX];
	struct dirent *ent;
	int n = 0, i;
	DIR *dir;

	dir = opendir("/dev/dri");
	if (!dir)
		return 0;

	while ((ent = readdir(dir)) && n < (int)ARRAY_SIZE(found)) {
		char path[VSVM_PATH_MAX];
		int fd;

		if (strncmp(ent->d_name, "renderD", 7))
			continue;
		if (snprintf(path, sizeof(path), "/dev/dri/%s", ent->d_name) >= (int)sizeof(path))
			continue;
		fd = vsvm_open_path(path);
		if (fd < 0)
			continue;
		vsvm_close(fd);
		memcpy(found[n++], path, VSVM_PATH_MAX);
	}
	closedir(dir);

	qsort(found, n, VSVM_PATH_MAX, cmp_path);
	for (i = 0; i < n && i < max; i++)
		memcpy(paths[i], found[i], VSVM_PATH_MAX);

	return n;
}

int vt_wait_render_count(int expected, int timeout_ms)
{
	struct timespec start = {};
	int count;

	igt_nsec_elapsed(&start);
	for (;;) {
		count = vt_scan_render_nodes(NULL, 0);
		if (count == expected || igt_nsec_elapsed(&start) / 1000000 >= (uint64_t)timeout_ms)
			return count;
		usleep(10000);
	}
}

/* ---- parameters ---------------------------------------------------------------- */

bool vt_read_file(const char *path, char *buf, int len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return true;
}

bool vt_read_param(const char *name, char *buf, int len)
{
	char path[256];

	snprintf(path, sizeof(path), VT_PARAM_DIR "/%s", name);
	return vt_read_file(path, buf, len);
}

long long vt_param_ll(const char *name)
{
	char buf[64], *end;
	long long v;

	if (!vt_read_param(name, buf, sizeof(buf)))
		return -1;
	errno = 0;
	v = strtoll(buf, &end, 0);
	if (errno || end == buf || *end)
		return -1;
	return v;
}

/*
 * The parameters of every load, from $VSVM_MODULE_PARAMS ("name=value ..."):
 * next_env_param() copies the token at @p into @name and @value and returns
 * where the next one starts, or NULL after the last one.
 */
static const char *next_env_param(const char *p, char *name, int nlen, char *value, int vlen)
{
	const char *ws = " \t\n";
	int len, eq;

	p += strspn(p, ws);
	if (!*p)
		return NULL;
	len = strcspn(p, ws);
	eq = strcspn(p, "=");
	if (eq > len)
		eq = len;
	snprintf(name, nlen, "%.*s", eq, p);
	snprintf(value, vlen, "%.*s", eq < len ? len - eq - 1 : 0, eq < len ? p + eq + 1 : "");
	return p + len;
}

/* The value of parameter @name in $VSVM_MODULE_PARAMS (the last one, as the kernel does). */
static bool env_param(const char *name, char *value, int vlen)
{
	const char *p = vt_module_env_params();
	char n[64], v[128];
	bool found = false;

	while ((p = next_env_param(p, n, sizeof(n), v, sizeof(v)))) {
		if (!strcmp(n, name)) {
			snprintf(value, vlen, "%s", v);
			found = true;
		}
	}
	return found;
}

/* A parameter value as a number: decimal or 0x hex with an optional K/M/G suffix, or Y/N. */
static bool param_number(const char *s, unsigned long long *v)
{
	static const char suffixes[] = "KMG";
	const char *suffix;
	char *end;

	if (!strcmp(s, "Y") || !strcmp(s, "N")) {
		*v = s[0] == 'Y';
		return true;
	}
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	suffix = *end ? strchr(suffixes, *end & ~0x20) : NULL;
	if (suffix) {
		*v <<= 10 * (suffix - suffixes + 1);
		end++;
	}
	return !*end;
}

/* Whether two parameter values are the same: equal strings or equal numbers. */
static bool param_equal(const char *a, const char *b)
{
	unsigned long long x, y;

	return !strcmp(a, b) || (param_number(a, &x) && param_number(b, &y) && x == y);
}

/*
 * The current value of parameter @name, else its $VSVM_MODULE_PARAMS value,
 * else @def; clears *@ok when the parameter is unreadable.
 */
static long long param_or_default(const char *name, long long def, bool *ok)
{
	long long v = vt_param_ll(name);
	unsigned long long env;
	char buf[128];

	if (v >= 0)
		return v;
	*ok = false;
	if (env_param(name, buf, sizeof(buf)) && param_number(buf, &env))
		return env;
	return def;
}

bool vt_current_params(struct vt_params *p)
{
	bool ok = true;

	p->num_gpus = param_or_default("num_gpus", VT_DEFAULT_NUM_GPUS, &ok);
	p->vram_size = param_or_default("vram_size", VT_DEFAULT_VRAM_SIZE, &ok);
	p->num_cus = param_or_default("num_cus", VT_DEFAULT_NUM_CUS, &ok);

	return ok;
}

/* ---- module ------------------------------------------------------------------------ */

const char *vt_module_path(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("VSVM_MODULE");
	struct utsname uts;

	if (env && *env)
		return env;
	if (!path[0]) {
		uname(&uts);
		snprintf(path, sizeof(path), "/lib/modules/%s/extra/vsvm.ko", uts.release);
	}
	return path;
}

const char *vt_module_env_params(void)
{
	const char *env = getenv("VSVM_MODULE_PARAMS");

	return env ? env : "";
}

int vt_module_load(const char *params)
{
	const char *env = vt_module_env_params();
	int fd, ret, err = 0;
	char all[1024];

	if (!params)
		params = "";
	/* the test's own parameters last: they win over the environment's */
	if (snprintf(all, sizeof(all), "%s%s%s", env, *env && *params ? " " : "", params) >=
	    (int)sizeof(all))
		return -E2BIG;
	fd = open(vt_module_path(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, all, 0);
	if (ret)
		err = -errno;
	close(fd);
	igt_debug("finit_module(\"%s\") = %d\n", all, err);
	return err;
}

int __vt_module_unload(void)
{
	return syscall(SYS_delete_module, VT_MODULE_NAME, 0) ? -errno : 0;
}

int vt_module_unload(void)
{
	int ret = 0, i;

	for (i = 0; i < 100; i++) {
		ret = __vt_module_unload();
		if (ret != -EAGAIN && ret != -EBUSY)
			break;
		usleep(50000);
	}
	igt_debug("delete_module(vsvm) = %d after %d tries\n", ret, i + 1);
	return ret;
}

bool vt_module_loaded(void)
{
	char line[512];
	bool found = false;
	FILE *f;

	f = fopen("/proc/modules", "re");
	if (!f)
		return access("/sys/module/" VT_MODULE_NAME "/initstate", F_OK) == 0;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, VT_MODULE_NAME " ", strlen(VT_MODULE_NAME) + 1);
	fclose(f);
	return found;
}

/**
 * struct default_param - a parameter vt_module_is_default() checks
 * @name: the parameter
 * @value: the driver's default (unless $VSVM_MODULE_PARAMS sets the parameter)
 * @optional: a driver without the parameter counts as default
 */
static const struct default_param {
	const char *name;
	unsigned long long value;
	bool optional;
} default_params[] = {
	{ "num_gpus", VT_DEFAULT_NUM_GPUS, false },
	{ "vram_size", VT_DEFAULT_VRAM_SIZE, false },
	{ "num_cus", VT_DEFAULT_NUM_CUS, false },
	{ "inject_load_error", 0, false },
	/* device-private VRAM; drivers from before the coherent mode lack it */
	{ "vram_phys", 0, true },
};

bool vt_module_is_default(void)
{
	const char *p = vt_module_env_params();
	char name[64], want[128], have[128];
	unsigned int i;

	if (!vt_module_loaded())
		return false;
	for (i = 0; i < ARRAY_SIZE(default_params); i++) {
		const struct default_param *d = &default_params[i];

		if (env_param(d->name, want, sizeof(want)))
			continue; /* checked against the environment below */
		if (!vt_read_param(d->name, have, sizeof(have))) {
			if (d->optional)
				continue;
			return false;
		}
		snprintf(want, sizeof(want), "%llu", d->value);
		if (!param_equal(have, want))
			return false;
	}
	while ((p = next_env_param(p, name, sizeof(name), want, sizeof(want)))) {
		if (!vt_read_param(name, have, sizeof(have)) || !param_equal(have, want))
			return false;
	}
	return true;
}

int vt_module_restore_default(void)
{
	int ret;

	if (vt_module_is_default())
		return 0;
	if (vt_module_loaded()) {
		ret = vt_module_unload();
		if (ret)
			return ret;
	}
	return vt_module_load("");
}

/* ---- snapshots -------------------------------------------------------------------- */

static const char *const snapshot_dirs[] = {
	"/sys/class/drm",
	"/sys/bus/platform/devices",
	"/sys/bus/platform/drivers",
	"/dev/dri",
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void vt_snapshot_take(struct vt_snapshot *s)
{
	int cap = 0;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < ARRAY_SIZE(snapshot_dirs); i++) {
		struct dirent *ent;
		DIR *dir = opendir(snapshot_dirs[i]);

		if (!dir)
			continue;
		while ((ent = readdir(dir))) {
			char *name;

			if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, "..") ||
			    !strcmp(ent->d_name, "by-path")) /* udev's, not the driver's */
				continue;
			if (s->count == cap) {
				cap = cap ? 2 * cap : 256;
				s->names = realloc(s->names, cap * sizeof(*s->names));
				igt_assert(s->names);
			}
			igt_assert(asprintf(&name, "%s/%s", snapshot_dirs[i], ent->d_name) > 0);
			s->names[s->count++] = name;
		}
		closedir(dir);
	}
	qsort(s->names, s->count, sizeof(*s->names), cmp_str);
}

bool vt_snapshot_equal(const struct vt_snapshot *a, const struct vt_snapshot *b, bool log)
{
	int i = 0, j = 0;
	bool equal = true;

	while (i < a->count || j < b->count) {
		int c;

		if (i == a->count)
			c = 1;
		else if (j == b->count)
			c = -1;
		else
			c = strcmp(a->names[i], b->names[j]);

		if (c) {
			equal = false;
			if (log)
				igt_info("  %s %s\n", c < 0 ? "missing:" : "extra:  ",
					 c < 0 ? a->names[i] : b->names[j]);
		}
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	return equal;
}

void vt_snapshot_free(struct vt_snapshot *s)
{
	int i;

	for (i = 0; i < s->count; i++)
		free(s->names[i]);
	free(s->names);
	memset(s, 0, sizeof(*s));
}

/* ---- query checks ----------------------------------------------------------------- */

void vt_check_query(const struct drm_vsvm_query_device *q, const struct vt_params *p, int idx)
{
	/* every capability bit the uAPI header defines (it may grow) */
	const uint32_t known_caps = VSVM_CAP_RETRY_FAULT | VSVM_CAP_SVM | VSVM_CAP_SVM_VRAM |
				    VSVM_CAP_VRAM_COHERENT | VSVM_CAP_SVM_ATOMIC_EXCLUSIVE;
	const uint64_t known_sizes = VSVM_PAGE_SIZE_4K | VSVM_PAGE_SIZE_2M;

	igt_debug("GPU %d: uapi %#x gpu_id %u cus %u caps %#x page_sizes %#llx vram %llu va_bits %u\n",
		  idx, q->uapi_version, q->gpu_id, q->num_compute_units, q->capabilities,
		  (unsigned long long)q->page_sizes, (unsigned long long)q->vram_size, q->va_bits);

	igt_assert_eq_u32(q->uapi_version,
			  (VSVM_UAPI_VERSION_MAJOR << 16) | VSVM_UAPI_VERSION_MINOR);
	igt_assert_neq_u32(q->gpu_id, 0);
	igt_assert_eq_u32(q->num_compute_units, p->num_cus);
	igt_assert_eq_u64(q->vram_size, p->vram_size);
	igt_assert_eq_u64(q->page_sizes & known_sizes, known_sizes);
	igt_assert_f(!(q->page_sizes & ~known_sizes),
		     "page_sizes %#llx has bits the uAPI does not define\n",
		     (unsigned long long)q->page_sizes);
	igt_assert_eq_u32(q->va_bits, 48);
	igt_assert_f(q->capabilities & VSVM_CAP_RETRY_FAULT,
		     "capabilities %#x lack VSVM_CAP_RETRY_FAULT\n", q->capabilities);
	igt_assert_f(q->capabilities & VSVM_CAP_SVM,
		     "capabilities %#x lack VSVM_CAP_SVM\n", q->capabilities);
	/* coherent VRAM always holds SVM pages */
	igt_assert_f(!(q->capabilities & VSVM_CAP_VRAM_COHERENT) ||
		     (q->capabilities & VSVM_CAP_SVM_VRAM),
		     "capabilities %#x: coherent VRAM without SVM VRAM\n", q->capabilities);
	igt_assert_f(!(q->capabilities & ~known_caps),
		     "capabilities %#x has bits the uAPI does not define\n", q->capabilities);
	/* in-only fields come back as they were sent */
	igt_assert_eq_u32(q->flags, 0);
	igt_assert_eq_u32(q->pad, 0);
	igt_assert_eq_u32(q->reserved, 0);
}

/* ==== classic GPU ==================================================================== */

#define MSEC_NS 1000000LL

int64_t vt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- GPUs ------------------------------------------------------------------------- */

int vt_require_gpus(char paths[][VSVM_PATH_MAX], int max, int min)
{
	int n = vt_scan_render_nodes(paths, max);

	igt_require_f(n > 0, "no vsvm render node (is the vsvm module loaded?)\n");
	igt_require_f(n >= min, "%d vsvm GPUs, the test needs %d\n", n, min);
	return n < max ? n : max;
}

int vt_open(const char *path)
{
	int fd = vsvm_open_path(path);

	igt_assert_f(fd >= 0, "open %s: %s\n", path, strerror(-fd));
	return fd;
}

/* ---- GPU VAs and buffer objects ---------------------------------------------------- */

static atomic_ullong va_next = VT_VA_BASE;

uint64_t vt_va_alloc(uint64_t size)
{
	uint64_t span = (size + VT_HUGE_SIZE - 1) / VT_HUGE_SIZE * VT_HUGE_SIZE;
	uint64_t va;

	/* one unused 2 MiB guard range after each allocation */
	va = atomic_fetch_add(&va_next, span + VT_HUGE_SIZE);
	igt_assert_f(va + span <= VT_VA_END, "test GPU VA space exhausted\n");
	return va;
}

uint32_t vt_gem_create(int fd, uint64_t size, uint32_t domain)
{
	uint32_t handle = 0;
	int ret = vsvm_gem_create(fd, size, domain, &handle);

	igt_assert_f(ret == 0, "GEM_CREATE of %llu bytes in %s: %s\n", (unsigned long long)size,
		     vt_domain_name(domain), strerror(-ret));
	igt_assert_neq_u32(handle, 0);
	return handle;
}

void vt_gem_close(int fd, uint32_t handle)
{
	int ret = vsvm_gem_close(fd, handle);

	igt_assert_f(ret == 0, "GEM_CLOSE of handle %u: %s\n", handle, strerror(-ret));
}

void *vt_gem_mmap(int fd, uint32_t handle, uint64_t size)
{
	void *p = vsvm_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);

	igt_assert_f(p, "mmap of %llu bytes of handle %u: %m\n", (unsigned long long)size, handle);
	return p;
}

void vt_bind(int fd, uint32_t handle, uint64_t va, uint64_t bo_offset, uint64_t size,
	     uint32_t flags)
{
	int ret = vsvm_vm_bind(fd, handle, va, bo_offset, size, flags);

	igt_assert_f(ret == 0, "VM_BIND of handle %u [%#llx +%#llx) at %#llx flags %#x: %s\n",
		     handle, (unsigned long long)bo_offset, (unsigned long long)size,
		     (unsigned long long)va, flags, strerror(-ret));
}

void vt_unbind(int fd, uint64_t va, uint64_t size)
{
	int ret = vsvm_vm_unbind(fd, va, size);

	igt_assert_f(ret == 0, "VM_UNBIND of [%#llx +%#llx): %s\n", (unsigned long long)va,
		     (unsigned long long)size, strerror(-ret));
}

void vt_bo_create(struct vt_bo *bo, int fd, uint64_t size, uint32_t domain, unsigned int flags)
{
	memset(bo, 0, sizeof(*bo));
	bo->fd = fd;
	bo->size = size;
	bo->domain = domain;
	bo->handle = vt_gem_create(fd, size, domain);
	if (!(flags & VT_BO_NO_MAP))
		bo->map = vt_gem_mmap(fd, bo->handle, size);
	if (!(flags & VT_BO_NO_BIND)) {
		bo->va = vt_va_alloc(size);
		vt_bind(fd, bo->handle, bo->va, 0, size,
			flags & VT_BO_READ_ONLY ? VSVM_BIND_READ_ONLY : 0);
	}
}

void vt_bo_destroy(struct vt_bo *bo)
{
	if (bo->map)
		igt_assert_eq(munmap(bo->map, bo->size), 0);
	if (bo->va)
		vt_unbind(bo->fd, bo->va, bo->size);
	if (bo->handle)
		vt_gem_close(bo->fd, bo->handle);
	bo->map = NULL;
	bo->va = 0;
	bo->handle = 0;
}

const char *vt_domain_name(uint32_t domain)
{
	switch (domain) {
	case VSVM_GEM_DOMAIN_VRAM:
		return "vram";
	case VSVM_GEM_DOMAIN_GTT:
		return "gtt";
	default:
		return "invalid-domain";
	}
}

/* ---- data ------------------------------------------------------------------------- */

uint64_t vt_rand64(uint64_t seed, uint64_t i)
{
	/* splitmix64 of (seed, i) */
	uint64_t z = seed * 0x9e3779b97f4a7c15ULL + (i + 1) * 0xbf58476d1ce4e5b9ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void vt_fill_rand(uint64_t *p, uint64_t n, uint64_t seed)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		p[i] = vt_rand64(seed, i);
}

void vt_fill_pattern(uint64_t *p, uint64_t n, uint64_t seed, uint64_t step)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		p[i] = seed + i * step;
}

void vt_check_pattern(const uint64_t *p, uint64_t n, uint64_t seed, uint64_t step,
		      const char *what)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		igt_assert_f(p[i] == seed + i * step, "%s[%llu] = %#llx, expected %#llx\n", what,
			     (unsigned long long)i, (unsigned long long)p[i],
			     (unsigned long long)(seed + i * step));
}

void vt_check_value(const uint64_t *p, uint64_t n, uint64_t value, const char *what)
{
	vt_check_pattern(p, n, value, 0, what);
}

/* ---- queues ------------------------------------------------------------------------ */

uint32_t vt_queue_create(int fd, uint32_t flags)
{
	uint32_t id = 0;
	int ret = vsvm_queue_create(fd, flags, &id);

	igt_assert_f(ret == 0, "QUEUE_CREATE flags %#x: %s\n", flags, strerror(-ret));
	igt_assert_neq_u32(id, 0);
	return id;
}

void vt_queue_destroy(int fd, uint32_t queue_id)
{
	int ret = vsvm_queue_destroy(fd, queue_id);

	igt_assert_f(ret == 0, "QUEUE_DESTROY of queue %u: %s\n", queue_id, strerror(-ret));
}

void vt_queue_status(int fd, uint32_t queue_id, struct drm_vsvm_queue_status *st)
{
	int ret = vsvm_queue_status(fd, queue_id, st);

	igt_assert_f(ret == 0, "QUEUE_STATUS of queue %u: %s\n", queue_id, strerror(-ret));
	igt_debug("queue %u: state %u completed %llu fault_va %#llx access %#x\n", queue_id,
		  st->state, (unsigned long long)st->completed,
		  (unsigned long long)st->fault_va, st->fault_access);
	igt_assert_eq_u32(st->queue_id, queue_id);
	igt_assert_eq_u32(st->flags, 0);
}

void vt_check_queue_fault(int fd, uint32_t queue_id, uint64_t lo, uint64_t hi, uint32_t access,
			  struct drm_vsvm_queue_status *st)
{
	vt_queue_status(fd, queue_id, st);
	igt_assert_f(st->state == VSVM_QUEUE_STATE_FAULTED,
		     "queue %u state %u, expected FAULTED\n", queue_id, st->state);
	igt_assert_f(st->fault_va >= lo && st->fault_va < hi,
		     "fault_va %#llx outside [%#llx, %#llx)\n", (unsigned long long)st->fault_va,
		     (unsigned long long)lo, (unsigned long long)hi);
	if (access == VSVM_ACCESS_ATOMIC)
		igt_assert_f(st->fault_access & VSVM_ACCESS_ATOMIC,
			     "fault_access %#x lacks ATOMIC\n", st->fault_access);
	else
		igt_assert_eq_u32(st->fault_access, access);
}

void vt_wait_completed(int fd, uint32_t queue_id, uint64_t n)
{
	struct drm_vsvm_queue_status st;
	int64_t end = vt_now_ns() + 2000 * MSEC_NS;

	for (;;) {
		vt_queue_status(fd, queue_id, &st);
		if (st.completed >= n || vt_now_ns() > end)
			break;
		usleep(1000);
	}
	igt_assert_eq_u64(st.completed, n);
}

/* ---- syncobjs and dispatches ------------------------------------------------------------ */

uint32_t vt_syncobj(int fd, uint32_t flags)
{
	uint32_t h = 0;
	int ret = vsvm_syncobj_create(fd, flags, &h);

	igt_assert_f(ret == 0, "syncobj create: %s\n", strerror(-ret));
	igt_assert_neq_u32(h, 0);
	return h;
}

void vt_syncobj_destroy(int fd, uint32_t handle)
{
	igt_assert_eq(vsvm_syncobj_destroy(fd, handle), 0);
}

int vt_syncobj_wait(int fd, uint32_t handle, int timeout_ms)
{
	int ret = vsvm_syncobj_wait(fd, &handle, 1, vsvm_abs_timeout_ns(timeout_ms * MSEC_NS), 0);

	igt_assert_f(ret == 0 || ret == -ETIME, "wait on syncobj %u: %s\n", handle,
		     strerror(-ret));
	return ret;
}

int vt_fence_status(int fd, uint32_t handle)
{
	int status = 0, ret;

	ret = vsvm_syncobj_fence_status(fd, handle, &status);
	igt_assert_f(ret == 0, "fence status of syncobj %u: %s\n", handle, strerror(-ret));
	return status;
}

int vt_fence_wait_status(int fd, uint32_t handle)
{
	int ret = vt_syncobj_wait(fd, handle, VT_DISPATCH_TIMEOUT_MS);

	igt_assert_f(ret == 0, "dispatch did not complete within %d ms\n", VT_DISPATCH_TIMEOUT_MS);
	return vt_fence_status(fd, handle);
}

int __vt_dispatch_signal(int fd, uint32_t queue_id, uint32_t kernel, uint64_t grid,
			 const uint64_t *args, uint32_t *out)
{
	struct drm_vsvm_sync sync = { .handle = vt_syncobj(fd, 0), .flags = VSVM_SYNC_SIGNAL };
	int ret;

	ret = vsvm_dispatch(fd, queue_id, kernel, grid, args, &sync, 1);
	if (ret) {
		vt_syncobj_destroy(fd, sync.handle);
		return ret;
	}
	*out = sync.handle;
	return 0;
}

uint32_t vt_dispatch_signal(int fd, uint32_t queue_id, uint32_t kernel, uint64_t grid,
			    const uint64_t *args)
{
	uint32_t h = 0;
	int ret = __vt_dispatch_signal(fd, queue_id, kernel, grid, args, &h);

	igt_assert_f(ret == 0, "dispatch of %s (grid %llu) on queue %u: %s\n",
		     vsvm_kernel_name(kernel), (unsigned long long)grid, queue_id, strerror(-ret));
	return h;
}

int __vt_run(int fd, uint32_t queue_id, uint32_t kernel, uint64_t grid, const uint64_t *args)
{
	uint32_t h = vt_dispatch_signal(fd, queue_id, kernel, grid, args);
	int status = vt_fence_wait_status(fd, h);

	vt_syncobj_destroy(fd, h);
	igt_assert_f(status != 0, "a completed dispatch has a pending fence\n");
	return status < 0 ? status : 0;
}

void vt_run(int fd, uint32_t queue_id, uint32_t kernel, uint64_t grid, const uint64_t *args)
{
	int ret = __vt_run(fd, queue_id, kernel, grid, args);

	igt_assert_f(ret == 0, "%s (grid %llu) on queue %u failed on the GPU: %s\n",
		     vsvm_kernel_name(kernel), (unsigned long long)grid, queue_id, strerror(-ret));
}

uint64_t vt_gpu_checksum(int fd, uint32_t queue_id, uint64_t src, uint64_t n, uint64_t out_va,
			 volatile uint64_t *out)
{
	*out = 0xbad0bad0bad0bad0ULL;
	vt_run(fd, queue_id, VSVM_KERNEL_CHECKSUM, n, (uint64_t[6]){ src, out_va });
	return *out;
}

uint64_t vt_gpu_verify(int fd, uint32_t queue_id, uint64_t src, uint64_t n, uint64_t seed,
		       uint64_t step, uint64_t out_va, volatile uint64_t *out)
{
	*out = 0xbad0bad0bad0bad0ULL;
	vt_run(fd, queue_id, VSVM_KERNEL_VERIFY, n, (uint64_t[6]){ src, seed, step, out_va });
	return *out;
}

/* ---- query and debugfs ---------------------------------------------------------------- */

void vt_query(int fd, struct drm_vsvm_query_device *q)
{
	int ret = vsvm_query_device(fd, q);

	igt_assert_f(ret == 0, "QUERY_DEVICE: %s\n", strerror(-ret));
	igt_debug("vram_used %llu gtt_used %llu evictions %llu\n",
		  (unsigned long long)q->vram_used, (unsigned long long)q->gtt_used,
		  (unsigned long long)q->evictions);
}

bool vt_wait_usage(int fd, uint64_t vram, uint64_t gtt, int timeout_ms,
		   struct drm_vsvm_query_device *q)
{
	int64_t end = vt_now_ns() + timeout_ms * MSEC_NS;

	for (;;) {
		vt_query(fd, q);
		if (q->vram_used == vram && q->gtt_used == gtt)
			return true;
		if (vt_now_ns() > end)
			return false;
		usleep(5000);
	}
}

bool vt_debugfs_mem(const char *path, const char *key, uint64_t *value)
{
	return vt_debugfs_value(path, "vsvm_mem", key, value);
}

bool vt_debugfs_value(const char *path, const char *name, const char *key, uint64_t *value)
{
	const char *node = strrchr(path, '/');
	char file[128], buf[16384], *p;
	size_t klen = strlen(key);
	int minor;

	if (!node || sscanf(node, "/renderD%d", &minor) != 1)
		return false;
	snprintf(file, sizeof(file), "/sys/kernel/debug/dri/%d/%s", minor, name);
	if (!vt_read_file(file, buf, sizeof(buf)))
		return false;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char *end;

		if (strncmp(p, key, klen) || p[klen] != ':')
			continue;
		errno = 0;
		*value = strtoull(p + klen + 1, &end, 0);
		return !errno && end != p + klen + 1;
	}
	return false;
}

uint64_t vt_hw_counter(const char *path, const char *key)
{
	uint64_t v = 0;

	igt_assert_f(vt_debugfs_value(path, "vsvm_hw", key, &v),
		     "debugfs vsvm_hw of %s has no %s\n", path, key);
	return v;
}

bool vt_svm_counter(const char *path, const char *name, uint64_t *value)
{
	char key[96];

	snprintf(key, sizeof(key), "%d.%s", (int)getpid(), name);
	return vt_debugfs_value(path, "vsvm_svm", key, value);
}

uint64_t vt_svm_count(const char *path, const char *name)
{
	uint64_t v = 0;

	igt_assert_f(vt_svm_counter(path, name, &v), "no SVM counter %s for %s\n", name, path);
	return v;
}

uint32_t vt_caps(int fd)
{
	struct drm_vsvm_query_device q = {};

	vt_query(fd, &q);
	return q.capabilities;
}

uint32_t vt_gpu_id(int fd)
{
	struct drm_vsvm_query_device q = {};

	vt_query(fd, &q);
	return q.gpu_id;
}

bool vt_svm_vram(int fd)
{
	return vt_caps(fd) & VSVM_CAP_SVM_VRAM;
}

bool vt_vram_coherent(int fd)
{
	return vt_caps(fd) & VSVM_CAP_VRAM_COHERENT;
}

void vt_require_svm_vram(int fd)
{
	igt_require_f(vt_svm_vram(fd), "the GPU cannot hold SVM pages in VRAM\n");
}

void vt_prefetch(int fd, const void *start, uint64_t size, uint32_t location)
{
	int ret = vsvm_svm_prefetch(fd, start, size, location, 0, 0);

	igt_assert_f(ret == 0, "prefetch of %p+%#llx to %u: %s\n", start,
		     (unsigned long long)size, location, strerror(-ret));
}

/* ---- files ----------------------------------------------------------------------------------- */

void vt_unmap(void *p, uint64_t size)
{
	igt_assert_f(munmap(p, size) == 0, "munmap(%p, %#llx): %s\n", p,
		     (unsigned long long)size, strerror(errno));
}

void *vt_map_at(uint64_t size, uint64_t align, uint64_t offset, int flags)
{
	const uint64_t len = size + align;
	uintptr_t p, a;
	void *m;

	m = mmap(NULL, len, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
	igt_assert_f(m != MAP_FAILED, "mmap of %llu bytes: %s\n", (unsigned long long)len,
		     strerror(errno));
	p = (uintptr_t)m;
	a = ((p + align - 1) & ~(uintptr_t)(align - 1)) + offset;
	if (a >= p + align)
		a -= align;
	if (a > p)
		vt_unmap(m, a - p);
	if (p + len > a + size)
		vt_unmap((void *)(a + size), p + len - a - size);
	return (void *)a;
}

void *vt_map_aligned(uint64_t size, int flags)
{
	return vt_map_at(size, VT_HUGE_SIZE, 0, flags);
}

void vt_madvise(void *p, uint64_t size, int advice)
{
	igt_assert_f(madvise(p, size, advice) == 0, "madvise(%p, %#llx, %d): %s\n", p,
		     (unsigned long long)size, advice, strerror(errno));
}

void vt_mprotect(void *p, uint64_t size, int prot)
{
	igt_assert_f(mprotect(p, size, prot) == 0, "mprotect(%p, %#llx, %d): %s\n", p,
		     (unsigned long long)size, prot, strerror(errno));
}

uint64_t vt_pattern_sum(uint64_t seed, uint64_t step, uint64_t n)
{
	/* n * (n - 1) / 2 without losing the bit the division needs */
	uint64_t tri = n % 2 ? n * ((n - 1) / 2) : (n / 2) * (n - 1);

	return n * seed + step * tri;
}

uint64_t vt_cpu_sum(const uint64_t *p, uint64_t n)
{
	uint64_t s = 0, i;

	for (i = 0; i < n; i++)
		s += p[i];
	return s;
}

int vt_tmp_file(void)
{
	char name[] = "/tmp/vsvm_test.XXXXXX";
	int fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd >= 0)
		return fd;
	fd = mkstemp(name);
	igt_assert_f(fd >= 0, "mkstemp: %s\n", strerror(errno));
	unlink(name);
	return fd;
}

#define VT_FILE_CHUNK_ELEMS 8192

void vt_file_write_pattern(int fd, uint64_t first, uint64_t n, uint64_t seed, uint64_t step)
{
	static uint64_t chunk[VT_FILE_CHUNK_ELEMS];
	uint64_t done, k;

	for (done = 0; done < n; done += k) {
		k = n - done < VT_FILE_CHUNK_ELEMS ? n - done : VT_FILE_CHUNK_ELEMS;
		vt_fill_pattern(chunk, k, seed + (first + done) * step, step);
		igt_assert_eq(pwrite(fd, chunk, k * 8, (first + done) * 8), (ssize_t)(k * 8));
	}
}

void vt_file_check_pattern(int fd, uint64_t first, uint64_t n, uint64_t seed, uint64_t step,
			   const char *what)
{
	static uint64_t chunk[VT_FILE_CHUNK_ELEMS];
	uint64_t done, k;

	for (done = 0; done < n; done += k) {
		k = n - done < VT_FILE_CHUNK_ELEMS ? n - done : VT_FILE_CHUNK_ELEMS;
		igt_assert_eq(pread(fd, chunk, k * 8, (first + done) * 8), (ssize_t)(k * 8));
		vt_check_pattern(chunk, k, seed + (first + done) * step, step, what);
	}
}

/* ---- module parameters and reloads ------------------------------------------------------- */

bool vt_write_file(const char *path, const char *value)
{
	ssize_t len = strlen(value), ret;
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	ret = write(fd, value, len);
	close(fd);
	return ret == len;
}

bool vt_write_param(const char *name, const char *value)
{
	char path[256];

	snprintf(path, sizeof(path), VT_PARAM_DIR "/%s", name);
	return vt_write_file(path, value);
}

static char saved_job_timeout[32];

void vt_restore_job_timeout(void)
{
	if (!saved_job_timeout[0])
		return;
	if (!vt_write_param(VT_PARAM_JOB_TIMEOUT, saved_job_timeout))
		igt_warn("could not restore " VT_PARAM_JOB_TIMEOUT " to %s\n", saved_job_timeout);
	saved_job_timeout[0] = '\0';
}

static void job_timeout_exit_handler(int sig)
{
	(void)sig;
	vt_restore_job_timeout();
}

void vt_set_job_timeout(unsigned int ms)
{
	char buf[32];

	igt_require_f(access(VT_PARAM_DIR "/" VT_PARAM_JOB_TIMEOUT, W_OK) == 0,
		      VT_PARAM_DIR "/" VT_PARAM_JOB_TIMEOUT " is not writable\n");
	if (!saved_job_timeout[0]) {
		igt_assert(vt_read_param(VT_PARAM_JOB_TIMEOUT, saved_job_timeout,
					 sizeof(saved_job_timeout)));
		igt_install_exit_handler(job_timeout_exit_handler);
	}
	snprintf(buf, sizeof(buf), "%u", ms);
	igt_assert_f(vt_write_param(VT_PARAM_JOB_TIMEOUT, buf), "writing %s to "
		     VT_PARAM_JOB_TIMEOUT ": %m\n", buf);
	igt_assert_eq(vt_param_ll(VT_PARAM_JOB_TIMEOUT), (long long)ms);
}

void vt_require_module_reload(void)
{
	igt_require_f(geteuid() == 0, "reloading the module needs root\n");
	igt_require_f(access(vt_module_path(), R_OK) == 0,
		      "vsvm module not found at %s (set VSVM_MODULE)\n", vt_module_path());
	igt_require_f(vt_module_loaded(), "vsvm is not loaded\n");
}

/*
 * Unmap this process's mappings of DRM files and close its DRM files,
 * sync_files and syncobj fds, which would keep the module (or fences of its
 * code) alive; only from the exit handler.
 */
static void close_gpu_fds(void)
{
	char link[64], target[256], line[512];
	struct dirent *ent;
	DIR *dir;
	FILE *maps;

	maps = fopen("/proc/self/maps", "re");
	while (maps && fgets(line, sizeof(line), maps)) {
		unsigned long long start, end;
		char *path = strchr(line, '/');

		if (path && !strncmp(path, "/dev/dri/", 9) &&
		    sscanf(line, "%llx-%llx", &start, &end) == 2)
			munmap((void *)(uintptr_t)start, end - start);
	}
	if (maps)
		fclose(maps);

	dir = opendir("/proc/self/fd");
	if (!dir)
		return;
	while ((ent = readdir(dir))) {
		int fd = atoi(ent->d_name);
		ssize_t n;

		if (fd <= 2 || fd == dirfd(dir))
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (!strncmp(target, "/dev/dri/", 9) || strstr(target, "sync_file") ||
		    strstr(target, "syncobj"))
			close(fd);
	}
	closedir(dir);
}

static void module_exit_handler(int sig)
{
	int ret;

	(void)sig;
	if (vt_module_is_default())
		return;
	close_gpu_fds();
	ret = vt_module_restore_default();
	if (ret)
		igt_warn("could not reload vsvm with default parameters: %s\n", strerror(-ret));
}

static void reload_checked(const char *params)
{
	long long num_gpus;
	int ret;

	if (vt_module_loaded()) {
		ret = vt_module_unload();
		igt_assert_f(ret == 0, "delete_module(vsvm): %s\n", strerror(-ret));
	}
	ret = vt_module_load(params);
	igt_assert_f(ret == 0, "finit_module(\"%s\") (after VSVM_MODULE_PARAMS \"%s\"): %s\n",
		     params, vt_module_env_params(), strerror(-ret));
	num_gpus = vt_param_ll("num_gpus");
	igt_assert_lt(0, num_gpus);
	igt_assert_eq(vt_wait_render_count(num_gpus, 3000), num_gpus);
}

void vt_module_reload(const char *params)
{
	igt_install_exit_handler(module_exit_handler);
	igt_info("reloading vsvm with \"%s\"%s%s\n", params,
		 *vt_module_env_params() ? " after VSVM_MODULE_PARAMS " : "", vt_module_env_params());
	reload_checked(params);
}

void vt_module_reload_default(void)
{
	reload_checked("");
	igt_assert(vt_module_is_default());
}

/* ---- sw_sync ------------------------------------------------------------------------------ */

/* From drivers/dma-buf/sw_sync.c (not a uAPI header). */
struct vt_sw_sync_create_fence_data {
	__u32 value;
	char name[32];
	__s32 fence;
};

#define VT_SW_SYNC_IOC_CREATE_FENCE _IOWR('W', 0, struct vt_sw_sync_create_fence_data)
#define VT_SW_SYNC_IOC_INC _IOW('W', 1, __u32)

bool vt_has_sw_sync(void)
{
	return access(VT_SW_SYNC_PATH, F_OK) == 0;
}

void vt_require_sw_sync(void)
{
	igt_require_f(vt_has_sw_sync(),
		      VT_SW_SYNC_PATH " not found (CONFIG_SW_SYNC, debugfs mounted?)\n");
}

int vt_sw_sync_timeline(void)
{
	int fd = open(VT_SW_SYNC_PATH, O_RDWR | O_CLOEXEC);

	igt_assert_f(fd >= 0, "open " VT_SW_SYNC_PATH ": %m\n");
	return fd;
}

int vt_sw_sync_fence(int timeline, uint32_t value)
{
	struct vt_sw_sync_create_fence_data data = { .value = value, .fence = -1 };

	snprintf(data.name, sizeof(data.name), "vsvm-test-%u", value);
	igt_assert_eq(igt_ioctl(timeline, VT_SW_SYNC_IOC_CREATE_FENCE, &data), 0);
	igt_assert_fd(data.fence);
	return data.fence;
}

void vt_sw_sync_inc(int timeline, uint32_t count)
{
	igt_assert_eq(igt_ioctl(timeline, VT_SW_SYNC_IOC_INC, &count), 0);
}

uint32_t vt_syncobj_sw_sync(int fd, int timeline, uint32_t value)
{
	uint32_t h = vt_syncobj(fd, 0);
	int fence = vt_sw_sync_fence(timeline, value);

	igt_assert_eq(vsvm_syncobj_import_sync_file(fd, h, fence), 0);
	close(fence);
	return h;
}

pid_t vt_spawn(const char *path, const char *const *args, int *out)
{
	char *argv[16];
	int p[2], i;
	pid_t pid;

	argv[0] = (char *)path;
	for (i = 0; args[i]; i++) {
		igt_assert(i + 2 < (int)ARRAY_SIZE(argv));
		argv[i + 1] = (char *)args[i];
	}
	argv[i + 1] = NULL;
	igt_assert_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	igt_assert(pid >= 0);
	if (!pid) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		execv(path, argv);
		_exit(127);
	}
	close(p[1]);
	*out = p[0];
	return pid;
}

bool vt_find_tool(const char *name, char *path, size_t size)
{
	char exe[PATH_MAX], *slash;
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return false;
	*slash = '\0';
	if (snprintf(path, size, "%s/%s", exe, name) < (int)size && !access(path, X_OK))
		return true;
	return snprintf(path, size, "%s/../../tools/%s/%s", exe, name, name) < (int)size &&
	       !access(path, X_OK);
}
