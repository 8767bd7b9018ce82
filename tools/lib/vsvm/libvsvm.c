// SPDX-License-Identifier: MIT
/*
 * libvsvm - a thin C library over libdrm for the vsvm driver.
 *
 * Copyright 2026 The vsvm authors
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "libvsvm.h"

#define NSEC_PER_SEC 1000000000LL

/* A growable set of vsvm render-node paths. */
struct node_list {
	char (*paths)[VSVM_PATH_MAX];
	int count;
	int cap;
	/* -EACCES once a render node could not be opened for lack of permission */
	int open_err;
};

/* Normalise a libdrm return value (-1 or -errno on failure, errno set) to 0 or -errno. */
static int drm_ret(int ret)
{
	return ret < 0 ? -errno : 0;
}

/* Add @path to @list if it is a vsvm render node not listed yet; 0 or -ENOMEM. */
static int list_add_vsvm(struct node_list *list, const char *path)
{
	size_t len = strlen(path);
	int fd, i;

	if (len >= VSVM_PATH_MAX)
		return 0;
	for (i = 0; i < list->count; i++)
		if (!strcmp(list->paths[i], path))
			return 0;

	fd = vsvm_open_path(path);
	if (fd == -EACCES || fd == -EPERM)
		list->open_err = -EACCES;
	if (fd < 0)
		return 0;
	vsvm_close(fd);

	if (list->count == list->cap) {
		int cap = list->cap ? 2 * list->cap : VSVM_MAX_DEVICES;
		void *paths = realloc(list->paths, cap * sizeof(*list->paths));

		if (!paths)
			return -ENOMEM;
		list->paths = paths;
		list->cap = cap;
	}
	memcpy(list->paths[list->count++], path, len + 1);
	return 0;
}

/*
 * Add the vsvm render nodes drmGetDevices2() reports. *@complete is false when
 * it reported none, so that the caller falls back to scanning /dev/dri (a
 * libdrm that cannot parse a platform device skips it). 0 or -errno.
 */
static int list_drm_devices(struct node_list *list, bool *complete)
{
	bool found = false;
	drmDevicePtr *devs;
	int n, i, ret = 0;

	*complete = false;
	n = drmGetDevices2(0, NULL, 0);
	if (n <= 0)
		return n == -ENOENT ? 0 : n;

	devs = calloc(n, sizeof(*devs));
	if (!devs)
		return -ENOMEM;
	n = drmGetDevices2(0, devs, n);
	if (n < 0) {
		free(devs);
		return n == -ENOENT ? 0 : n;
	}

	for (i = 0; i < n && !ret; i++) {
		int before = list->count;

		if (!(devs[i]->available_nodes & (1 << DRM_NODE_RENDER)))
			continue;
		ret = list_add_vsvm(list, devs[i]->nodes[DRM_NODE_RENDER]);
		found |= list->count > before;
	}
	*complete = found;

	drmFreeDevices(devs, n);
	free(devs);
	return ret;
}

/* Add every vsvm node among /dev/dri/renderD*; 0 or -errno. */
static int scan_render_nodes(struct node_list *list)
{
	const size_t prefix_len = strlen(DRM_RENDER_MINOR_NAME);
	char path[VSVM_PATH_MAX];
	struct dirent *ent;
	DIR *dir;
	int ret = 0;

	dir = opendir(DRM_DIR_NAME);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;

	while (!ret && (ent = readdir(dir))) {
		if (strncmp(ent->d_name, DRM_RENDER_MINOR_NAME, prefix_len))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", DRM_DIR_NAME, ent->d_name) >=
		    (int)sizeof(path))
			continue;
		ret = list_add_vsvm(list, path);
	}

	closedir(dir);
	return ret;
}

/* qsort() comparator: natural order, so renderD129 sorts before renderD1000. */
static int cmp_path(const void *a, const void *b)
{
	return strverscmp(a, b);
}

/* List the vsvm render nodes; see libvsvm.h. */
int vsvm_enumerate(char paths[][VSVM_PATH_MAX], int max)
{
	struct node_list list = { 0 };
	bool complete;
	int ret, i;

	ret = list_drm_devices(&list, &complete);
	if (!ret && !complete)
		ret = scan_render_nodes(&list);
	if (!ret && !list.count) {
		ret = list.open_err;
	} else if (!ret) {
		qsort(list.paths, list.count, sizeof(*list.paths), cmp_path);
		for (i = 0; i < list.count && i < max; i++)
			memcpy(paths[i], list.paths[i], VSVM_PATH_MAX);
		ret = list.count;
	}

	free(list.paths);
	return ret;
}

/* Open @path and keep it only if its DRM driver is vsvm; see libvsvm.h. */
int vsvm_open_path(const char *path)
{
	drmVersionPtr ver;
	bool is_vsvm;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	ver = drmGetVersion(fd);
	is_vsvm = ver && !strcmp(ver->name, VSVM_DRIVER_NAME);
	drmFreeVersion(ver);
	if (!is_vsvm) {
		close(fd);
		return -ENODEV;
	}
	return fd;
}

/* Open the @index-th vsvm GPU in vsvm_enumerate() order. */
int vsvm_open(int index)
{
	char paths[VSVM_MAX_DEVICES][VSVM_PATH_MAX];
	int n;

	n = vsvm_enumerate(paths, VSVM_MAX_DEVICES);
	if (n < 0)
		return n;
	if (index < 0 || index >= n || index >= VSVM_MAX_DEVICES)
		return -ENODEV;
	return vsvm_open_path(paths[index]);
}

/* Close a descriptor from vsvm_open*(); negative descriptors are ignored. */
void vsvm_close(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* drmIoctl() with the result as 0 or -errno. */
int vsvm_ioctl(int fd, unsigned long request, void *arg)
{
	return drm_ret(drmIoctl(fd, request, arg));
}

/* Describe the GPU behind @fd. */
int vsvm_query_device(int fd, struct drm_vsvm_query_device *info)
{
	memset(info, 0, sizeof(*info));
	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_QUERY_DEVICE, info);
}

/* Create a syncobj (DRM_SYNCOBJ_CREATE_* @flags). */
int vsvm_syncobj_create(int fd, uint32_t flags, uint32_t *handle)
{
	return drm_ret(drmSyncobjCreate(fd, flags, handle));
}

/* Destroy a syncobj. */
int vsvm_syncobj_destroy(int fd, uint32_t handle)
{
	return drm_ret(drmSyncobjDestroy(fd, handle));
}

/* Wait for binary syncobjs until the absolute CLOCK_MONOTONIC @timeout_ns. */
int vsvm_syncobj_wait(int fd, uint32_t *handles, unsigned int count, int64_t timeout_ns,
		      uint32_t flags)
{
	return drm_ret(drmSyncobjWait(fd, handles, count, timeout_ns, flags, NULL));
}

/* Signal binary syncobjs. */
int vsvm_syncobj_signal(int fd, const uint32_t *handles, unsigned int count)
{
	return drm_ret(drmSyncobjSignal(fd, handles, count));
}

/* Reset binary syncobjs to unsignalled. */
int vsvm_syncobj_reset(int fd, const uint32_t *handles, unsigned int count)
{
	return drm_ret(drmSyncobjReset(fd, handles, count));
}

/* Signal timeline syncobjs at @points. */
int vsvm_syncobj_timeline_signal(int fd, const uint32_t *handles, uint64_t *points,
				 unsigned int count)
{
	return drm_ret(drmSyncobjTimelineSignal(fd, handles, points, count));
}

/* Wait for timeline points until the absolute CLOCK_MONOTONIC @timeout_ns. */
int vsvm_syncobj_timeline_wait(int fd, uint32_t *handles, uint64_t *points, unsigned int count,
			       int64_t timeout_ns, uint32_t flags)
{
	return drm_ret(drmSyncobjTimelineWait(fd, handles, points, count, timeout_ns, flags,
					      NULL));
}

/* Read the last signalled point of each timeline syncobj into @points. */
int vsvm_syncobj_query(int fd, uint32_t *handles, uint64_t *points, unsigned int count)
{
	return drm_ret(drmSyncobjQuery(fd, handles, points, count));
}

/* Export the fence of a syncobj as a new sync_file descriptor. */
int vsvm_syncobj_export_sync_file(int fd, uint32_t handle, int *sync_file_fd)
{
	return drm_ret(drmSyncobjExportSyncFile(fd, handle, sync_file_fd));
}

/* Replace the fence of a syncobj with the one of a sync_file. */
int vsvm_syncobj_import_sync_file(int fd, uint32_t handle, int sync_file_fd)
{
	return drm_ret(drmSyncobjImportSyncFile(fd, handle, sync_file_fd));
}

/* CLOCK_MONOTONIC now + @rel_ns, saturating at INT64_MAX. */
int64_t vsvm_abs_timeout_ns(int64_t rel_ns)
{
	struct timespec ts;
	int64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	return rel_ns > INT64_MAX - now ? INT64_MAX : now + rel_ns;
}
