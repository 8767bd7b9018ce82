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
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

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

bool vt_current_params(struct vt_params *p)
{
	long long num_gpus = vt_param_ll("num_gpus");
	long long vram_size = vt_param_ll("vram_size");
	long long num_cus = vt_param_ll("num_cus");

	p->num_gpus = num_gpus >= 0 ? num_gpus : VT_DEFAULT_NUM_GPUS;
	p->vram_size = vram_size >= 0 ? (uint64_t)vram_size : VT_DEFAULT_VRAM_SIZE;
	p->num_cus = num_cus >= 0 ? num_cus : VT_DEFAULT_NUM_CUS;

	return num_gpus >= 0 && vram_size >= 0 && num_cus >= 0;
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

int vt_module_load(const char *params)
{
	int fd, ret, err = 0;

	fd = open(vt_module_path(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params ? params : "", 0);
	if (ret)
		err = -errno;
	close(fd);
	igt_debug("finit_module(\"%s\") = %d\n", params ? params : "", err);
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

bool vt_module_is_default(void)
{
	return vt_module_loaded() && vt_param_ll("num_gpus") == VT_DEFAULT_NUM_GPUS &&
	       vt_param_ll("vram_size") == (long long)VT_DEFAULT_VRAM_SIZE &&
	       vt_param_ll("num_cus") == VT_DEFAULT_NUM_CUS &&
	       vt_param_ll("inject_load_error") == 0;
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
	const uint32_t known_caps = VSVM_CAP_RETRY_FAULT
#ifdef VSVM_CAP_DEVICE_PRIVATE
				    | VSVM_CAP_DEVICE_PRIVATE
#endif
#ifdef VSVM_CAP_DEVICE_COHERENT
				    | VSVM_CAP_DEVICE_COHERENT
#endif
				    ;
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
	igt_assert_f(!(q->capabilities & ~known_caps),
		     "capabilities %#x has bits the uAPI does not define\n", q->capabilities);
	/* in-only fields come back as they were sent */
	igt_assert_eq_u32(q->flags, 0);
	igt_assert_eq_u32(q->pad, 0);
	igt_assert_eq_u32(q->reserved, 0);
}
