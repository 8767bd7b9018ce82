// SPDX-License-Identifier: MIT
/*
 * libvsvm - a thin C library over libdrm for the vsvm driver.
 *
 * Copyright 2026 The vsvm authors
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "libvsvm.h"

#define NSEC_PER_SEC 1000000000LL
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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

/* Status of the fence of a syncobj, through a sync_file's SYNC_IOC_FILE_INFO. */
int vsvm_syncobj_fence_status(int fd, uint32_t handle, int *status)
{
	struct sync_file_info info;
	int sync_file, ret;

	ret = vsvm_syncobj_export_sync_file(fd, handle, &sync_file);
	if (ret)
		return ret;
	/* num_fences = 0: only the status of the whole file, no fence array */
	memset(&info, 0, sizeof(info));
	ret = vsvm_ioctl(sync_file, SYNC_IOC_FILE_INFO, &info);
	close(sync_file);
	if (!ret)
		*status = info.status;
	return ret;
}

/* CLOCK_MONOTONIC now + @rel_ns, saturating at INT64_MAX. */
int64_t vsvm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

int64_t vsvm_abs_timeout_ns(int64_t rel_ns)
{
	int64_t now = vsvm_now_ns();

	return rel_ns > INT64_MAX - now ? INT64_MAX : now + rel_ns;
}

long vsvm_parse_num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	return v;
}

/* ---- buffer objects ---------------------------------------------------- */

/* Create a buffer object of @size bytes in @domain. */
int vsvm_gem_create(int fd, uint64_t size, uint32_t domain, uint32_t *handle)
{
	struct drm_vsvm_gem_create args = { .size = size, .domain = domain };
	int ret;

	ret = vsvm_ioctl(fd, DRM_IOCTL_VSVM_GEM_CREATE, &args);
	if (!ret)
		*handle = args.handle;
	return ret;
}

/* Close a GEM handle. */
int vsvm_gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close args = { .handle = handle };

	return vsvm_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &args);
}

/* The fake offset that maps an object through mmap() of @fd. */
int vsvm_gem_mmap_offset(int fd, uint32_t handle, uint64_t *offset)
{
	struct drm_vsvm_gem_mmap_offset args = { .handle = handle };
	int ret;

	ret = vsvm_ioctl(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &args);
	if (!ret)
		*offset = args.offset;
	return ret;
}

/* Map the first @size bytes of an object (MAP_SHARED); NULL with errno set on failure. */
void *vsvm_gem_mmap(int fd, uint32_t handle, uint64_t size, int prot)
{
	uint64_t offset;
	void *ptr;
	int ret;

	ret = vsvm_gem_mmap_offset(fd, handle, &offset);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	ptr = mmap(NULL, size, prot, MAP_SHARED, fd, (off_t)offset);
	return ptr == MAP_FAILED ? NULL : ptr;
}

/* ---- GPU virtual memory ------------------------------------------------ */

/* Bind part of an object into the file's GPU VM. */
int vsvm_vm_bind(int fd, uint32_t handle, uint64_t va, uint64_t bo_offset, uint64_t size,
		 uint32_t flags)
{
	struct drm_vsvm_vm_bind args = {
		.handle = handle,
		.flags = flags,
		.va = va,
		.bo_offset = bo_offset,
		.size = size,
	};

	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_VM_BIND, &args);
}

/* Remove the binding [@va, @va + @size). */
int vsvm_vm_unbind(int fd, uint64_t va, uint64_t size)
{
	struct drm_vsvm_vm_unbind args = { .va = va, .size = size };

	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_VM_UNBIND, &args);
}

/* ---- queues and dispatches --------------------------------------------- */

/* Create a compute queue on the file's VM. */
int vsvm_queue_create(int fd, uint32_t flags, uint32_t *queue_id)
{
	struct drm_vsvm_queue_create args = { .flags = flags };
	int ret;

	ret = vsvm_ioctl(fd, DRM_IOCTL_VSVM_QUEUE_CREATE, &args);
	if (!ret)
		*queue_id = args.queue_id;
	return ret;
}

/* Destroy a queue. */
int vsvm_queue_destroy(int fd, uint32_t queue_id)
{
	struct drm_vsvm_queue_destroy args = { .queue_id = queue_id };

	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_QUEUE_DESTROY, &args);
}

/* Queue a dispatch of a built-in kernel. */
int vsvm_dispatch(int fd, uint32_t queue_id, uint32_t kernel, uint64_t grid,
		  const uint64_t args[VSVM_DISPATCH_ARGS], const struct drm_vsvm_sync *syncs,
		  unsigned int num_syncs)
{
	struct drm_vsvm_dispatch d = {
		.queue_id = queue_id,
		.kernel = kernel,
		.grid = grid,
		.syncs = (uintptr_t)syncs,
		.num_syncs = num_syncs,
	};

	if (args)
		memcpy(d.args, args, sizeof(d.args));
	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_DISPATCH, &d);
}

/* Dispatch, wait for completion and return the fence's error (0 when none). */
int vsvm_dispatch_sync(int fd, uint32_t queue_id, uint32_t kernel, uint64_t grid,
		       const uint64_t args[VSVM_DISPATCH_ARGS], int64_t timeout_ns)
{
	struct drm_vsvm_sync sync = { .flags = VSVM_SYNC_SIGNAL };
	int64_t deadline = timeout_ns < 0 ? INT64_MAX : vsvm_abs_timeout_ns(timeout_ns);
	int ret, status = 0;

	ret = vsvm_syncobj_create(fd, 0, &sync.handle);
	if (ret)
		return ret;
	ret = vsvm_dispatch(fd, queue_id, kernel, grid, args, &sync, 1);
	if (!ret) {
		ret = vsvm_syncobj_wait(fd, &sync.handle, 1, deadline, 0);
		if (ret == -ETIME)
			ret = -ETIMEDOUT;
	}
	if (!ret)
		ret = vsvm_syncobj_fence_status(fd, sync.handle, &status);
	if (!ret && status < 0)
		ret = status;
	vsvm_syncobj_destroy(fd, sync.handle);
	return ret;
}

/* Read the state of a queue. */
int vsvm_queue_status(int fd, uint32_t queue_id, struct drm_vsvm_queue_status *status)
{
	memset(status, 0, sizeof(*status));
	status->queue_id = queue_id;
	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_QUEUE_STATUS, status);
}

static int vsvm_svm_attr_ioctl(int fd, unsigned long request, const void *start, uint64_t size,
			       struct drm_vsvm_svm_attr *attrs, unsigned int nattr)
{
	struct drm_vsvm_svm_attr_args args = {
		.start = (uintptr_t)start,
		.size = size,
		.attrs = (uintptr_t)attrs,
		.nattr = nattr,
	};

	return vsvm_ioctl(fd, request, &args);
}

int vsvm_svm_set_attr(int fd, const void *start, uint64_t size,
		      const struct drm_vsvm_svm_attr *attrs, unsigned int nattr)
{
	/* The kernel only reads the array for SET */
	return vsvm_svm_attr_ioctl(fd, DRM_IOCTL_VSVM_SVM_SET_ATTR, start, size,
				   (struct drm_vsvm_svm_attr *)attrs, nattr);
}

int vsvm_svm_get_attr(int fd, const void *start, uint64_t size,
		      struct drm_vsvm_svm_attr *attrs, unsigned int nattr)
{
	return vsvm_svm_attr_ioctl(fd, DRM_IOCTL_VSVM_SVM_GET_ATTR, start, size, attrs, nattr);
}

int vsvm_svm_retry(int fd, int mode, int *out)
{
	struct drm_vsvm_svm_retry args = { .mode = mode };
	int ret = vsvm_ioctl(fd, DRM_IOCTL_VSVM_SVM_RETRY, &args);

	if (!ret && out)
		*out = args.mode;
	return ret;
}

int vsvm_svm_prefetch(int fd, const void *start, uint64_t size, uint32_t location,
		      uint32_t flags, uint32_t out_syncobj)
{
	struct drm_vsvm_svm_prefetch args = {
		.start = (uintptr_t)start,
		.size = size,
		.location = location,
		.flags = flags,
		.out_syncobj = out_syncobj,
	};

	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &args);
}

/* ---- SVM events and counters ------------------------------------------- */

/* Open an events descriptor for @pid's SVM events of the kinds in @mask. */
int vsvm_events_open(int fd, uint64_t mask, uint32_t pid, uint32_t flags, uint32_t capacity,
		     int *events_fd)
{
	struct drm_vsvm_events_open args = {
		.mask = mask,
		.pid = pid,
		.flags = flags,
		.capacity = capacity,
		.fd = -1,
	};
	int ret;

	ret = vsvm_ioctl(fd, DRM_IOCTL_VSVM_EVENTS_OPEN, &args);
	if (!ret)
		*events_fd = args.fd;
	return ret;
}

/* Wait up to @timeout_ms for records, then read what is queued (at most @max). */
int vsvm_events_read(int events_fd, struct drm_vsvm_event *ev, unsigned int max, int timeout_ms)
{
	struct pollfd pfd = { .fd = events_fd, .events = POLLIN };
	ssize_t n;
	int ret;

	if (!max)
		return -EINVAL;
	if (max > INT_MAX / sizeof(*ev))
		max = INT_MAX / sizeof(*ev);
	ret = poll(&pfd, 1, timeout_ms);
	if (ret < 0)
		return -errno;
	if (!ret)
		return 0;
	if (pfd.revents & POLLNVAL)
		return -EBADF;
	/* POLLERR or POLLHUP without records: a read could block */
	if (!(pfd.revents & POLLIN))
		return -EIO;
	n = read(events_fd, ev, max * sizeof(*ev));
	if (n < 0)
		/* another reader of the descriptor took the records first */
		return errno == EAGAIN ? 0 : -errno;
	return n / sizeof(*ev);
}

/* Read the SVM counters of a process (or of the next one) on the GPU of @fd. */
int vsvm_svm_counters(int fd, uint32_t pid, uint32_t flags, struct drm_vsvm_svm_counters *c)
{
	memset(c, 0, sizeof(*c));
	c->pid = pid;
	c->flags = flags;
	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_SVM_COUNTERS, c);
}

/* Name of an event kind, for messages. */
const char *vsvm_event_kind_name(uint32_t kind)
{
	static const char *const names[VSVM_EVENT_KIND_MAX + 1] = {
		[VSVM_EVENT_FAULT_START] = "fault-start",
		[VSVM_EVENT_FAULT_END] = "fault-end",
		[VSVM_EVENT_MIGRATE_START] = "migrate-start",
		[VSVM_EVENT_MIGRATE_END] = "migrate-end",
		[VSVM_EVENT_EVICTION] = "eviction",
		[VSVM_EVENT_GPU_UNMAP] = "gpu-unmap",
		[VSVM_EVENT_QUEUE_SUSPEND] = "queue-suspend",
		[VSVM_EVENT_QUEUE_RESUME] = "queue-resume",
		[VSVM_EVENT_DROPPED] = "dropped",
	};

	return kind <= VSVM_EVENT_KIND_MAX ? names[kind] : NULL;
}

/* Name of the trigger of an event of @kind, for messages. */
const char *vsvm_event_trigger_name(uint32_t kind, uint32_t trigger)
{
	static const char *const migrate[] = {
		[VSVM_MIGRATE_TRIGGER_PREFETCH] = "prefetch",
		[VSVM_MIGRATE_TRIGGER_GPU_FAULT] = "gpu-fault",
		[VSVM_MIGRATE_TRIGGER_CPU_FAULT] = "cpu-fault",
		[VSVM_MIGRATE_TRIGGER_EVICTION] = "eviction",
	};
	static const char *const unmap[] = {
		[VSVM_UNMAP_TRIGGER_CPU_UNMAP] = "cpu-unmap",
		[VSVM_UNMAP_TRIGGER_MIGRATION] = "migration",
		[VSVM_UNMAP_TRIGGER_CPU_CHANGE] = "cpu-change",
		[VSVM_UNMAP_TRIGGER_ADVICE] = "advice",
	};
	static const char *const queue[] = {
		[VSVM_QUEUE_TRIGGER_INVALIDATION] = "invalidation",
	};

	switch (kind) {
	case VSVM_EVENT_MIGRATE_START:
	case VSVM_EVENT_MIGRATE_END:
		return trigger < ARRAY_SIZE(migrate) ? migrate[trigger] : NULL;
	case VSVM_EVENT_GPU_UNMAP:
		return trigger < ARRAY_SIZE(unmap) ? unmap[trigger] : NULL;
	case VSVM_EVENT_QUEUE_SUSPEND:
	case VSVM_EVENT_QUEUE_RESUME:
		return trigger < ARRAY_SIZE(queue) ? queue[trigger] : NULL;
	default:
		return NULL;
	}
}

/* Name of the result of a FAULT_END record, for messages. */
const char *vsvm_access_string(uint32_t access, char *buf, size_t size)
{
	static const char *const names[] = { "read", "write", "atomic", "exec" };
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (access & (1U << i))
			used += snprintf(buf + used, size - used, "%s%s", used ? "," : "", names[i]);
	if (access >> ARRAY_SIZE(names) || !access)
		snprintf(buf + used, size - used, "%s0x%x", used ? "," : "", access);
	return buf;
}

const char *vsvm_fault_result_name(uint32_t result)
{
	static const char *const names[] = {
		[VSVM_FAULT_MAPPED] = "mapped",
		[VSVM_FAULT_MIGRATED] = "migrated",
		[VSVM_FAULT_RETRY] = "retry",
		[VSVM_FAULT_FATAL] = "fatal",
	};

	return result < ARRAY_SIZE(names) ? names[result] : NULL;
}

/* The VSVM_CAP_* bits as words, unknown bits in hex; "none" for 0. */
const char *vsvm_caps_string(uint32_t caps, const char *sep, char *buf, size_t size)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ VSVM_CAP_RETRY_FAULT, "retry-fault" },
		{ VSVM_CAP_SVM, "svm" },
		{ VSVM_CAP_SVM_VRAM, "svm-vram" },
		{ VSVM_CAP_VRAM_COHERENT, "vram-coherent" },
		{ VSVM_CAP_SVM_ATOMIC_EXCLUSIVE, "atomic-exclusive" },
	};
	const char *s = "";
	size_t i, n = 0;

	if (!size)
		return buf;
	buf[0] = 0;
	if (!caps)
		snprintf(buf, size, "none");
	for (i = 0; i < ARRAY_SIZE(names) && n < size; i++) {
		if (!(caps & names[i].bit))
			continue;
		n += snprintf(buf + n, size - n, "%s%s", s, names[i].name);
		caps &= ~names[i].bit;
		s = sep;
	}
	if (caps && n < size)
		snprintf(buf + n, size - n, "%s0x%x", s, caps);
	return buf;
}

/* Name of a built-in kernel, for messages. */
const char *vsvm_kernel_name(uint32_t kernel)
{
	static const char *const names[] = {
		[VSVM_KERNEL_FILL] = "fill",
		[VSVM_KERNEL_COPY] = "copy",
		[VSVM_KERNEL_CHECKSUM] = "checksum",
		[VSVM_KERNEL_VERIFY] = "verify",
		[VSVM_KERNEL_ATOMIC_ADD] = "atomic-add",
		[VSVM_KERNEL_POINTER_CHASE] = "pointer-chase",
		[VSVM_KERNEL_GATHER] = "gather",
		[VSVM_KERNEL_SCATTER] = "scatter",
		[VSVM_KERNEL_TRIAD] = "triad",
		[VSVM_KERNEL_PROGRAM] = "program",
		[VSVM_KERNEL_BFS_LEVEL] = "bfs-level",
	};

	return kernel < ARRAY_SIZE(names) ? names[kernel] : NULL;
}
