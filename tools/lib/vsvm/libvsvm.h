/* SPDX-License-Identifier: MIT */
/*
 * libvsvm - a thin C library over libdrm for the vsvm driver.
 *
 * Every function that can fail returns 0 (or a non-negative value) on success
 * and a negative errno on failure; errno is left as the kernel set it.
 */
#ifndef LIBVSVM_H
#define LIBVSVM_H

#include <stddef.h>
#include <stdint.h>
#include <drm/vsvm_drm.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Suggested @max for vsvm_enumerate(); vsvm_open() reaches this many GPUs at most. */
#define VSVM_MAX_DEVICES 16

/** Name the vsvm driver reports through DRM_IOCTL_VERSION. */
#define VSVM_DRIVER_NAME "vsvm"

/** Size of one vsvm_enumerate() path entry, terminating NUL included. */
#define VSVM_PATH_MAX 64

/**
 * vsvm_enumerate() - find the render nodes of every vsvm GPU
 * @paths: filled with up to @max render-node paths, sorted by node number
 * @max: capacity of @paths (may be 0, @paths then unused)
 *
 * Uses drmGetDevices2() and keeps the devices whose driver name is "vsvm"
 * (each vsvm GPU is a platform device with a modalias of its own, which
 * libdrm needs to tell them apart). A libdrm that cannot parse platform
 * devices lists none: when drmGetDevices2() reports no vsvm node,
 * /dev/dri/renderD* is scanned instead.
 * Return: number of vsvm devices found (may exceed @max), or -errno
 * (-EACCES when none was found but some render node could not be opened
 * for lack of permission).
 */
int vsvm_enumerate(char paths[][64], int max);

/**
 * vsvm_open() - open the render node of the @index-th vsvm GPU
 * Return: file descriptor, or -errno (-ENODEV when there is no such GPU).
 */
int vsvm_open(int index);

/**
 * vsvm_open_path() - open a render node and check that it is a vsvm device
 * Return: file descriptor, or -errno (-ENODEV when the driver is not vsvm).
 */
int vsvm_open_path(const char *path);

/** vsvm_close() - close a descriptor returned by vsvm_open*() */
void vsvm_close(int fd);

/**
 * vsvm_ioctl() - issue an ioctl through drmIoctl (restarts on EINTR/EAGAIN)
 * Return: 0 or -errno.
 */
int vsvm_ioctl(int fd, unsigned long request, void *arg);

/**
 * vsvm_query_device() - DRM_IOCTL_VSVM_QUERY_DEVICE
 * @info: zeroed and filled in
 * Return: 0 or -errno.
 */
int vsvm_query_device(int fd, struct drm_vsvm_query_device *info);

/* Syncobj helpers (binary and timeline), thin wrappers over libdrm. */
int vsvm_syncobj_create(int fd, uint32_t flags, uint32_t *handle);
int vsvm_syncobj_destroy(int fd, uint32_t handle);
/** vsvm_syncobj_wait() - wait for all (or any, per @flags) of @handles; @timeout_ns absolute */
int vsvm_syncobj_wait(int fd, uint32_t *handles, unsigned int count, int64_t timeout_ns,
		      uint32_t flags);
int vsvm_syncobj_signal(int fd, const uint32_t *handles, unsigned int count);
int vsvm_syncobj_reset(int fd, const uint32_t *handles, unsigned int count);
int vsvm_syncobj_timeline_signal(int fd, const uint32_t *handles, uint64_t *points,
				 unsigned int count);
int vsvm_syncobj_timeline_wait(int fd, uint32_t *handles, uint64_t *points, unsigned int count,
			       int64_t timeout_ns, uint32_t flags);
int vsvm_syncobj_query(int fd, uint32_t *handles, uint64_t *points, unsigned int count);
int vsvm_syncobj_export_sync_file(int fd, uint32_t handle, int *sync_file_fd);
int vsvm_syncobj_import_sync_file(int fd, uint32_t handle, int sync_file_fd);

/** vsvm_abs_timeout_ns() - CLOCK_MONOTONIC now + @rel_ns, for the wait helpers */
int64_t vsvm_abs_timeout_ns(int64_t rel_ns);

#ifdef __cplusplus
}
#endif

#endif /* LIBVSVM_H */
