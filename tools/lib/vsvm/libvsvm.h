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

/**
 * vsvm_syncobj_fence_status() - state of the fence a syncobj holds now
 * @handle: binary syncobj (a timeline syncobj reports its last point's
 *	fence chain, which does not carry errors)
 * @status: set to 1 when the fence signalled without error, 0 while it is
 *	pending, or the fence's error (negative, e.g. -EFAULT, -ETIME,
 *	-ECANCELED) once it signalled with one
 *
 * A syncobj wait does not report fence errors; this exports the fence as a
 * sync_file and reads its status with SYNC_IOC_FILE_INFO.
 * Return: 0, or -errno of the export (-EINVAL when the syncobj holds no
 * fence, -ENOENT for an unknown handle) or of the sync_file ioctl.
 */
int vsvm_syncobj_fence_status(int fd, uint32_t handle, int *status);

/** vsvm_abs_timeout_ns() - CLOCK_MONOTONIC now + @rel_ns, for the wait helpers */
int64_t vsvm_abs_timeout_ns(int64_t rel_ns);

/** vsvm_now_ns() - CLOCK_MONOTONIC now, in nanoseconds */
int64_t vsvm_now_ns(void);

/**
 * vsvm_parse_num() - a decimal command-line value
 * @s: the text
 * @min: smallest value accepted
 * @max: largest value accepted
 * Return: the value, or -1 when @s is not a decimal number in [@min, @max].
 */
long vsvm_parse_num(const char *s, long min, long max);

/* ---- buffer objects ---------------------------------------------------- */

/**
 * vsvm_gem_create() - create a buffer object (DRM_IOCTL_VSVM_GEM_CREATE)
 * @size: bytes, a non-zero multiple of 4 KiB
 * @domain: VSVM_GEM_DOMAIN_VRAM or VSVM_GEM_DOMAIN_GTT
 * @handle: set to the new GEM handle
 *
 * The content starts zeroed.
 * Return: 0 or -errno (-EINVAL for a bad size or domain, -ENOMEM when a
 * VRAM object cannot be placed even after evicting everything evictable).
 */
int vsvm_gem_create(int fd, uint64_t size, uint32_t domain, uint32_t *handle);

/**
 * vsvm_gem_close() - close a GEM handle (DRM_IOCTL_GEM_CLOSE)
 *
 * The object lives on while a GPU binding or a CPU mapping uses it.
 * Return: 0 or -errno (-EINVAL for an unknown handle).
 */
int vsvm_gem_close(int fd, uint32_t handle);

/**
 * vsvm_gem_mmap_offset() - fake mmap offset of an object
 * (DRM_IOCTL_VSVM_GEM_MMAP_OFFSET)
 * @offset: set to the offset to pass to mmap() of @fd
 * Return: 0 or -errno (-ENOENT for an unknown handle).
 */
int vsvm_gem_mmap_offset(int fd, uint32_t handle, uint64_t *offset);

/**
 * vsvm_gem_mmap() - map an object into the CPU address space
 * @size: bytes to map from the start of the object (at most its size)
 * @prot: PROT_* of mmap()
 *
 * vsvm_gem_mmap_offset() then a MAP_SHARED mmap() of @fd. The mapping keeps
 * the object alive until munmap(), also after its handle is closed; it stays
 * valid while the object moves between VRAM and GTT.
 * Return: the address, or NULL with errno set.
 */
void *vsvm_gem_mmap(int fd, uint32_t handle, uint64_t size, int prot);

/* ---- GPU virtual memory ------------------------------------------------ */

/**
 * vsvm_vm_bind() - map [@bo_offset, @bo_offset + @size) of an object at
 * [@va, @va + @size) of the file's GPU VM (DRM_IOCTL_VSVM_VM_BIND)
 * @flags: VSVM_BIND_* (VSVM_BIND_READ_ONLY)
 *
 * The binding holds a reference on the object.
 * Return: 0 or -errno (-EINVAL for unaligned or out-of-range values,
 * -ENOENT for an unknown handle, -EEXIST for an overlap with a binding).
 */
int vsvm_vm_bind(int fd, uint32_t handle, uint64_t va, uint64_t bo_offset, uint64_t size,
		 uint32_t flags);

/**
 * vsvm_vm_unbind() - remove the binding [@va, @va + @size)
 * (DRM_IOCTL_VSVM_VM_UNBIND)
 * Return: 0 or -errno (-ENOENT unless the range is exactly one binding).
 */
int vsvm_vm_unbind(int fd, uint64_t va, uint64_t size);

/* ---- queues and dispatches --------------------------------------------- */

/** Number of kernel arguments of a dispatch (drm_vsvm_dispatch.args). */
#define VSVM_DISPATCH_ARGS 6

/**
 * vsvm_queue_create() - create a compute queue (DRM_IOCTL_VSVM_QUEUE_CREATE)
 * @flags: VSVM_QUEUE_* (VSVM_QUEUE_NO_RETRY)
 * @queue_id: set to the new queue's non-zero id
 * Return: 0 or -errno (-ENOSPC when the file has VSVM_MAX_QUEUES queues).
 */
int vsvm_queue_create(int fd, uint32_t flags, uint32_t *queue_id);

/**
 * vsvm_queue_destroy() - destroy a queue, aborting its unfinished work
 * (DRM_IOCTL_VSVM_QUEUE_DESTROY)
 * Return: 0 or -errno (-ENOENT for an unknown id).
 */
int vsvm_queue_destroy(int fd, uint32_t queue_id);

/**
 * vsvm_dispatch() - run a built-in kernel on a queue (DRM_IOCTL_VSVM_DISPATCH)
 * @kernel: VSVM_KERNEL_*
 * @grid: number of work items
 * @args: VSVM_DISPATCH_ARGS kernel arguments, or NULL for all zero
 * @syncs: @num_syncs syncobjs to wait on or (VSVM_SYNC_SIGNAL) to signal
 *
 * Returns once the dispatch is queued; completion is seen through a signal
 * syncobj.
 * Return: 0 or -errno (-ENOENT unknown queue or syncobj, -ECANCELED queue in
 * error, -EINVAL bad kernel, grid, address or sync count).
 */
int vsvm_dispatch(int fd, uint32_t queue_id, uint32_t kernel, uint64_t grid,
		  const uint64_t args[VSVM_DISPATCH_ARGS], const struct drm_vsvm_sync *syncs,
		  unsigned int num_syncs);

/**
 * vsvm_dispatch_sync() - run a dispatch and wait for it
 * @timeout_ns: how long to wait (relative), negative for no limit
 *
 * Dispatches with a temporary binary syncobj to signal, waits for it and
 * reads the fence's status (vsvm_syncobj_fence_status()).
 * Return: 0 when the dispatch completed without error; the fence error
 * (-EFAULT faulted, -ETIME timed out, -ECANCELED cancelled, ...) when it
 * failed on the GPU; -ETIMEDOUT when it did not complete within
 * @timeout_ns; otherwise the -errno of the submission or of a syncobj ioctl.
 */
int vsvm_dispatch_sync(int fd, uint32_t queue_id, uint32_t kernel, uint64_t grid,
		       const uint64_t args[VSVM_DISPATCH_ARGS], int64_t timeout_ns);

/**
 * vsvm_queue_status() - state of a queue (DRM_IOCTL_VSVM_QUEUE_STATUS)
 * @status: zeroed and filled in
 * Return: 0 or -errno (-ENOENT for an unknown id).
 */
int vsvm_queue_status(int fd, uint32_t queue_id, struct drm_vsvm_queue_status *status);

/**
 * vsvm_svm_set_attr() - set SVM attributes (DRM_IOCTL_VSVM_SVM_SET_ATTR)
 * @start: CPU address, page aligned
 * @size: bytes, page aligned
 * @attrs: @nattr (type, value) pairs
 * Return: 0 or -errno (see the uAPI header's shared-virtual-memory section).
 */
int vsvm_svm_set_attr(int fd, const void *start, uint64_t size,
		      const struct drm_vsvm_svm_attr *attrs, unsigned int nattr);

/**
 * vsvm_svm_get_attr() - read aggregated SVM attributes (DRM_IOCTL_VSVM_SVM_GET_ATTR)
 * @attrs: @nattr queries; values (and for ACCESS the type) are written back
 * Return: 0 or -errno.
 */
int vsvm_svm_get_attr(int fd, const void *start, uint64_t size,
		      struct drm_vsvm_svm_attr *attrs, unsigned int nattr);

/**
 * vsvm_svm_retry() - query or set the process's retry mode (DRM_IOCTL_VSVM_SVM_RETRY)
 * @mode: -1 to query, 0 for no-retry, 1 for retry
 * @out: if not NULL, the mode now
 * Return: 0 or -errno (-EBUSY when changing it while the process has queues).
 */
int vsvm_svm_retry(int fd, int mode, int *out);

/**
 * vsvm_svm_prefetch() - migrate a range now (DRM_IOCTL_VSVM_SVM_PREFETCH)
 * @fd: render node
 * @start: page-aligned CPU address
 * @size: page-aligned size
 * @location: gpu_id or VSVM_SVM_LOCATION_SYSMEM
 * @flags: VSVM_SVM_PREFETCH_*
 * @out_syncobj: with VSVM_SVM_PREFETCH_ASYNC the syncobj to signal, else 0
 *
 * Returns 0 or -errno.
 */
int vsvm_svm_prefetch(int fd, const void *start, uint64_t size, uint32_t location,
		      uint32_t flags, uint32_t out_syncobj);

/* ---- SVM events and counters ------------------------------------------- */

/**
 * vsvm_events_open() - open a stream of SVM events (DRM_IOCTL_VSVM_EVENTS_OPEN)
 * @fd: render node of any vsvm GPU (the stream covers every GPU)
 * @mask: VSVM_EVENT_MASK() bits of the kinds to receive (VSVM_EVENT_MASK_ALL
 *	for all); DROPPED records come whatever the mask
 * @pid: 0 for the caller's process, a process id, or VSVM_EVENTS_ALL_PROCESSES
 *	(another process, or all, needs CAP_SYS_ADMIN)
 * @flags: VSVM_EVENTS_NONBLOCK, VSVM_EVENTS_CLOEXEC
 * @capacity: records the descriptor's ring holds, 0 for the default
 *	(VSVM_EVENTS_DEFAULT_CAPACITY)
 * @events_fd: set to the new descriptor; close() it when done
 *
 * read() of the descriptor returns whole &struct drm_vsvm_event records
 * (vsvm_events_read() polls and reads), poll() reports POLLIN while some are
 * queued; its fdinfo shows the records dropped so far ("dropped:").
 * Return: 0 or -errno (-EINVAL for a zero or unknown mask, unknown flags or
 * a capacity above VSVM_EVENTS_MAX_CAPACITY, -EPERM for another process
 * without CAP_SYS_ADMIN, -ESRCH for a process id that does not exist).
 */
int vsvm_events_open(int fd, uint64_t mask, uint32_t pid, uint32_t flags, uint32_t capacity,
		     int *events_fd);

/**
 * vsvm_events_read() - wait for SVM event records and read them
 * @events_fd: descriptor from vsvm_events_open()
 * @ev: filled with up to @max records, oldest first
 * @max: capacity of @ev, at least 1
 * @timeout_ms: how long to wait for the first record: negative for no limit,
 *	0 not at all
 *
 * poll() then one read() of at most @max records: returns what is queued
 * without waiting for @max records. A record of kind VSVM_EVENT_DROPPED says
 * how many records the ring had no room for before the next one.
 * Return: the number of records read (0 when none came within @timeout_ms),
 * or -errno (-EINTR when a signal interrupted the wait, -EINVAL for a zero
 * @max, -EBADF for a bad descriptor, -EIO when poll() reports an error or a
 * hang-up instead of records).
 */
int vsvm_events_read(int events_fd, struct drm_vsvm_event *ev, unsigned int max, int timeout_ms);

/**
 * vsvm_svm_counters() - per-process SVM counters on one GPU
 * (DRM_IOCTL_VSVM_SVM_COUNTERS)
 * @fd: render node of the GPU
 * @pid: 0 for the caller's process, or a process id; with
 *	VSVM_COUNTERS_NEXT, the process id to start after (0 for the first)
 * @flags: VSVM_COUNTERS_* (VSVM_COUNTERS_NEXT lists every SVM process)
 * @c: zeroed and filled in; @c->pid is the process id the counters are of,
 *	@c->gpu_id the GPU's
 * Return: 0 or -errno (-EINVAL for unknown flags, -EPERM for another process
 * or VSVM_COUNTERS_NEXT without CAP_SYS_ADMIN, -ESRCH when the process, or
 * with VSVM_COUNTERS_NEXT any further one, has no SVM context).
 */
int vsvm_svm_counters(int fd, uint32_t pid, uint32_t flags, struct drm_vsvm_svm_counters *c);

/**
 * vsvm_event_kind_name() - name of a VSVM_EVENT_* kind ("fault-start",
 * "migrate-end", "gpu-unmap", "dropped", ...)
 * Return: the name, or NULL for an unknown kind.
 */
const char *vsvm_event_kind_name(uint32_t kind);

/**
 * vsvm_event_trigger_name() - name of the @trigger of an event of @kind:
 * VSVM_MIGRATE_TRIGGER_* for MIGRATE_START/_END ("prefetch", "gpu-fault",
 * "cpu-fault", "eviction"), VSVM_UNMAP_TRIGGER_* for GPU_UNMAP ("cpu-unmap",
 * "migration", "cpu-change", "advice"), VSVM_QUEUE_TRIGGER_* for
 * QUEUE_SUSPEND/_RESUME ("invalidation")
 * Return: the name, or NULL when @kind has no triggers or @trigger is unknown.
 */
const char *vsvm_event_trigger_name(uint32_t kind, uint32_t trigger);

/**
 * vsvm_access_string() - VSVM_ACCESS_* bits as "read", "write,atomic"...
 * @access: the bits
 * @buf: where the text goes
 * @size: bytes of @buf
 * Return: @buf; unknown bits (or none) are added as a hexadecimal number.
 */
const char *vsvm_access_string(uint32_t access, char *buf, size_t size);

/**
 * vsvm_fault_result_name() - name of a VSVM_FAULT_* result of FAULT_END
 * ("mapped", "migrated", "retry", "fatal")
 * Return: the name, or NULL for an unknown result.
 */
const char *vsvm_fault_result_name(uint32_t result);

/**
 * vsvm_caps_string() - VSVM_CAP_* bits as words ("retry-fault svm ...")
 * @caps: drm_vsvm_query_device.capabilities
 * @sep: what goes between two words
 * @buf: where the text goes (truncated to @size bytes)
 * @size: bytes of @buf
 * Return: @buf; unknown bits appear in hex, no bit at all as "none".
 */
const char *vsvm_caps_string(uint32_t caps, const char *sep, char *buf, size_t size);

/**
 * vsvm_kernel_name() - name of a VSVM_KERNEL_* ("fill", "copy", ...)
 * Return: the name, or NULL for an unknown kernel.
 */
const char *vsvm_kernel_name(uint32_t kernel);

#ifdef __cplusplus
}
#endif

#endif /* LIBVSVM_H */
