/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the vsvm IGT-style tests: an independent scan of the
 * render nodes, module parameters, loading/unloading the module and
 * snapshots of what a loaded module creates in sysfs.
 *
 * Copyright 2026 The vsvm authors
 */
#ifndef VSVM_TEST_H
#define VSVM_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include "libvsvm.h"

#ifndef VSVM_PATH_MAX
#define VSVM_PATH_MAX 64
#endif

/* Module parameter defaults (the module is loaded with these between tests). */
#define VT_DEFAULT_NUM_GPUS 2
#define VT_DEFAULT_VRAM_SIZE (256ULL << 20)
#define VT_DEFAULT_NUM_CUS 4

#define VT_MODULE_NAME "vsvm"
#define VT_PARAM_DIR "/sys/module/vsvm/parameters"

struct vt_params {
	int num_gpus;
	uint64_t vram_size;
	int num_cus;
};

/*
 * vt_scan_render_nodes - list the vsvm render nodes by scanning
 * /dev/dri/renderD* and asking each node's driver name (vsvm_open_path()).
 * Independent of vsvm_enumerate(). Sorted like vsvm_enumerate() (strverscmp).
 * @paths may be NULL when @max is 0. Returns the number of vsvm nodes.
 */
int vt_scan_render_nodes(char paths[][VSVM_PATH_MAX], int max);

/* Poll until vt_scan_render_nodes() sees @expected nodes; returns the last count. */
int vt_wait_render_count(int expected, int timeout_ms);

/* Read a small sysfs/debugfs file into @buf, trailing newline and blanks removed. */
bool vt_read_file(const char *path, char *buf, int len);
/* Read /sys/module/vsvm/parameters/@name; false when unreadable. */
bool vt_read_param(const char *name, char *buf, int len);
/* The parameter as a number, or -1 when unreadable. */
long long vt_param_ll(const char *name);
/*
 * The current parameters (sysfs), or for unreadable ones their
 * $VSVM_MODULE_PARAMS values or the defaults; false if any was unreadable.
 */
bool vt_current_params(struct vt_params *p);

/* Path of vsvm.ko: $VSVM_MODULE or /lib/modules/$(uname -r)/extra/vsvm.ko */
const char *vt_module_path(void);
/*
 * The parameters of every load: $VSVM_MODULE_PARAMS ("name=value ...", "" when
 * unset), e.g. "vram_phys=0x60000000" in the device-coherent pass of `make
 * check`. They count as defaults: vt_module_is_default() wants their values,
 * so vt_module_restore_default() and vt_module_reload*() keep the mode.
 */
const char *vt_module_env_params(void);
/*
 * finit_module(vsvm.ko, "$VSVM_MODULE_PARAMS @params"): 0 or -errno. @params
 * come last, so they win over the environment's.
 */
int vt_module_load(const char *params);
/* One delete_module("vsvm", 0): 0 or -errno. */
int __vt_module_unload(void);
/* delete_module, retried while it returns EAGAIN/EBUSY (up to ~5s): 0 or -errno. */
int vt_module_unload(void);
/* Whether vsvm is listed in /proc/modules. */
bool vt_module_loaded(void);
/*
 * Whether vsvm is loaded with the default parameters (all readable and
 * default), those of $VSVM_MODULE_PARAMS included; vram_phys must be 0 (or
 * absent) unless $VSVM_MODULE_PARAMS sets it.
 */
bool vt_module_is_default(void);
/*
 * Make sure vsvm is loaded with default parameters (and $VSVM_MODULE_PARAMS);
 * 0 or -errno. Does not assert.
 */
int vt_module_restore_default(void);

/* Directory listings that must be identical while vsvm is not loaded. */
struct vt_snapshot {
	char **names; /* sorted "dir/entry" strings */
	int count;
};

void vt_snapshot_take(struct vt_snapshot *s);
/* Equal? Logs the differences (igt_info) when @log. */
bool vt_snapshot_equal(const struct vt_snapshot *a, const struct vt_snapshot *b, bool log);
void vt_snapshot_free(struct vt_snapshot *s);

/*
 * vt_check_query - igt_assert that @q (from GPU @idx) is consistent with the
 * uAPI header and with the module parameters @p.
 */
void vt_check_query(const struct drm_vsvm_query_device *q, const struct vt_params *p, int idx);

/* ==== classic GPU: buffer objects, bindings, queues, dispatches ==== */

#define VT_PAGE_SIZE 4096ULL
#define VT_HUGE_SIZE (2ULL << 20)
/*
 * GPU VAs the tests bind buffer objects at: the upper half of the 48-bit GPU
 * VA space, above every CPU user address, so that they never meet an SVM
 * range of the process.
 */
#define VT_VA_BASE (1ULL << 47)
#define VT_VA_END (1ULL << 48)

/* How long a dispatch that must complete may take under TCG emulation */
#define VT_DISPATCH_TIMEOUT_MS 60000

#define VT_PARAM_JOB_TIMEOUT "job_timeout_ms"
#define VT_DEFAULT_JOB_TIMEOUT_MS 10000

/* vt_bo_create() flags */
#define VT_BO_NO_BIND 0x1	/* no GPU binding (va stays 0) */
#define VT_BO_NO_MAP 0x2	/* no CPU mapping (map stays NULL) */
#define VT_BO_READ_ONLY 0x4	/* bind with VSVM_BIND_READ_ONLY */

/* A buffer object with its handle, CPU mapping and GPU binding. */
struct vt_bo {
	int fd;
	uint32_t handle; /* 0 once closed */
	uint32_t domain;
	uint64_t size;
	uint64_t va; /* GPU VA of the whole-object binding, 0 if unbound */
	uint64_t *map; /* CPU mapping of the whole object, NULL if unmapped */
};

/*
 * vt_require_gpus - scan the vsvm render nodes into @paths (up to @max) and
 * skip unless at least @min exist; returns the count (at most @max).
 */
int vt_require_gpus(char paths[][VSVM_PATH_MAX], int max, int min);
/* Open a vsvm render node, asserting. */
int vt_open(const char *path);

/* A fresh GPU VA range of @size bytes (2 MiB aligned, followed by an unused guard range). */
uint64_t vt_va_alloc(uint64_t size);

/* GEM and VM wrappers that assert success. */
uint32_t vt_gem_create(int fd, uint64_t size, uint32_t domain);
void vt_gem_close(int fd, uint32_t handle);
void *vt_gem_mmap(int fd, uint32_t handle, uint64_t size);
void vt_bind(int fd, uint32_t handle, uint64_t va, uint64_t bo_offset, uint64_t size,
	     uint32_t flags);
void vt_unbind(int fd, uint64_t va, uint64_t size);

/* Create an object (and by default map it and bind it whole at a fresh VA). */
void vt_bo_create(struct vt_bo *bo, int fd, uint64_t size, uint32_t domain, unsigned int flags);
/* Undo vt_bo_create(): unmap, unbind, close whatever is still there. */
void vt_bo_destroy(struct vt_bo *bo);
/* Number of 64-bit elements of @bo. */
static inline uint64_t vt_bo_elems(const struct vt_bo *bo)
{
	return bo->size / 8;
}
/* GPU VA of element @i of @bo. */
static inline uint64_t vt_bo_va(const struct vt_bo *bo, uint64_t i)
{
	return bo->va + 8 * i;
}

const char *vt_domain_name(uint32_t domain);

/* A pseudo-random 64-bit value for element @i of a buffer with @seed. */
uint64_t vt_rand64(uint64_t seed, uint64_t i);
/* Fill @n elements with vt_rand64(@seed, i). */
void vt_fill_rand(uint64_t *p, uint64_t n, uint64_t seed);
/* Fill @n elements with @seed + i * @step (the VERIFY kernel's pattern). */
void vt_fill_pattern(uint64_t *p, uint64_t n, uint64_t seed, uint64_t step);
/* Assert that @n elements are @seed + i * @step; @what names the buffer. */
void vt_check_pattern(const uint64_t *p, uint64_t n, uint64_t seed, uint64_t step,
		      const char *what);
/* Assert that @n elements equal @value. */
void vt_check_value(const uint64_t *p, uint64_t n, uint64_t value, const char *what);

/* Queues: wrappers that assert success. */
uint32_t vt_queue_create(int fd, uint32_t flags);
void vt_queue_destroy(int fd, uint32_t queue_id);
void vt_queue_status(int fd, uint32_t queue_id, struct drm_vsvm_queue_status *st);
/*
 * vt_check_queue_fault - the queue is FAULTED at a VA in [lo, hi) with @access
 * (for VSVM_ACCESS_ATOMIC: that bit, else exactly); its status is left in @st.
 */
void vt_check_queue_fault(int fd, uint32_t queue_id, uint64_t lo, uint64_t hi, uint32_t access,
			  struct drm_vsvm_queue_status *st);
/* Wait (up to 2 s) for the queue's completed counter to reach @n; assert it is exactly @n. */
void vt_wait_completed(int fd, uint32_t queue_id, uint64_t n);

/* Syncobjs */
uint32_t vt_syncobj(int fd, uint32_t flags);
void vt_syncobj_destroy(int fd, uint32_t handle);
/* Wait for a binary syncobj up to @timeout_ms: 0, or -ETIME. */
int vt_syncobj_wait(int fd, uint32_t handle, int timeout_ms);
/* Fence status of a binary syncobj: 1 signalled, 0 pending, < 0 its error. */
int vt_fence_status(int fd, uint32_t handle);
/* Wait up to VT_DISPATCH_TIMEOUT_MS (asserting completion) and return vt_fence_status(). */
int vt_fence_wait_status(int fd, uint32_t handle);

/*
 * Dispatches. @args may be a compound literal: (uint64_t[6]){ dst, value }.
 * __vt_dispatch_signal() returns the -errno of the submission, or 0 with a new
 * binary syncobj in *@out that the dispatch signals.
 */
int __vt_dispatch_signal(int fd, uint32_t queue_id, uint32_t kernel, uint64_t grid,
			 const uint64_t *args, uint32_t *out);
uint32_t vt_dispatch_signal(int fd, uint32_t queue_id, uint32_t kernel, uint64_t grid,
			    const uint64_t *args);
/* Dispatch (asserting the submission) and wait: 0 when done without error, else the fence error. */
int __vt_run(int fd, uint32_t queue_id, uint32_t kernel, uint64_t grid, const uint64_t *args);
/* Dispatch and wait, asserting success. */
void vt_run(int fd, uint32_t queue_id, uint32_t kernel, uint64_t grid, const uint64_t *args);
/* GPU checksum of @n elements at @src, through the 8-byte result slot at @out_va / @out. */
uint64_t vt_gpu_checksum(int fd, uint32_t queue_id, uint64_t src, uint64_t n, uint64_t out_va,
			 volatile uint64_t *out);
/* GPU VERIFY of @n elements at @src against seed/step: the number of mismatches. */
uint64_t vt_gpu_verify(int fd, uint32_t queue_id, uint64_t src, uint64_t n, uint64_t seed,
		       uint64_t step, uint64_t out_va, volatile uint64_t *out);

/* Query helpers */
void vt_query(int fd, struct drm_vsvm_query_device *q);
/*
 * Wait (up to @timeout_ms) until the query reports vram_used == @vram and
 * gtt_used == @gtt; returns whether it did (the last values in *@q).
 */
bool vt_wait_usage(int fd, uint64_t vram, uint64_t gtt, int timeout_ms,
		   struct drm_vsvm_query_device *q);
/*
 * A "key: value" number of /sys/kernel/debug/dri/<minor>/vsvm_mem of the GPU
 * at render node @path; false when the file or the key is missing.
 */
bool vt_debugfs_mem(const char *path, const char *key, uint64_t *value);
/*
 * vt_debugfs_value - like vt_debugfs_mem, for any "key: value" debugfs file
 * @name of the GPU (e.g. "vsvm_hw"); false if missing.
 */
bool vt_debugfs_value(const char *path, const char *name, const char *key, uint64_t *value);
/* A counter of debugfs vsvm_hw (the hardware's) of the GPU at @path, asserting it is there. */
uint64_t vt_hw_counter(const char *path, const char *key);

/**
 * vt_svm_counter - a counter of this process on one GPU, from debugfs vsvm_svm
 * @path: render node of the GPU
 * @name: counter name ("faults", "batches", "duplicates", "fatal", "pages_mapped",
 *	"invalidations", "pages_unmapped", "evictions", "restores", "ranges", "pages")
 * Returns false when the process has no SVM context on that GPU or the key is missing.
 */
bool vt_svm_counter(const char *path, const char *name, uint64_t *value);
/* vt_svm_counter() that asserts the counter exists. */
uint64_t vt_svm_count(const char *path, const char *name);

/* The GPU's capabilities (VSVM_CAP_*) and gpu_id, asserting. */
uint32_t vt_caps(int fd);
uint32_t vt_gpu_id(int fd);
/* Whether SVM pages can live in the GPU's VRAM (VSVM_CAP_SVM_VRAM). */
bool vt_svm_vram(int fd);
/* Whether the VRAM is device-coherent (VSVM_CAP_VRAM_COHERENT): no CPU faults. */
bool vt_vram_coherent(int fd);
/* igt_require() that the GPU can hold SVM pages in VRAM. */
void vt_require_svm_vram(int fd);
/* munmap(), asserting. */
void vt_unmap(void *p, uint64_t size);
/* Anonymous read-write memory of @size bytes, 2 MiB aligned; @flags MAP_PRIVATE or MAP_SHARED. */
void *vt_map_aligned(uint64_t size, int flags);

/* The address @p as a GPU VA (SVM: the same number). */
static inline uint64_t vt_va(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* Keep the compiler from caching memory the GPU may have written. */
static inline void vt_gpu_barrier(void)
{
	__asm__ volatile("" ::: "memory");
}

/* Sum of seed + i * step over i in [0, n), mod 2^64. */
uint64_t vt_pattern_sum(uint64_t seed, uint64_t step, uint64_t n);
/* Sum of @n elements at @p, mod 2^64. */
uint64_t vt_cpu_sum(const uint64_t *p, uint64_t n);
/*
 * Anonymous read-write memory (@flags MAP_PRIVATE or MAP_SHARED) of @size
 * bytes at an address @offset past a multiple of @align (a power of two,
 * @offset below it), asserting.
 */
void *vt_map_at(uint64_t size, uint64_t align, uint64_t offset, int flags);
/* madvise() and mprotect(), asserting. */
void vt_madvise(void *p, uint64_t size, int advice);
void vt_mprotect(void *p, uint64_t size, int prot);

/* An unnamed temporary file under /tmp (a regular file, not tmpfs if /tmp is not), asserting. */
int vt_tmp_file(void);
/* pwrite() seed + i * step for elements [first, first + n) of the file @fd, asserting. */
void vt_file_write_pattern(int fd, uint64_t first, uint64_t n, uint64_t seed, uint64_t step);
/* pread() elements [first, first + n) of the file @fd and check they are seed + i * step. */
void vt_file_check_pattern(int fd, uint64_t first, uint64_t n, uint64_t seed, uint64_t step,
			   const char *what);
/* DRM_IOCTL_VSVM_SVM_PREFETCH, synchronous, asserting success. */
void vt_prefetch(int fd, const void *start, uint64_t size, uint32_t location);

/* Module parameters */
bool vt_write_param(const char *name, const char *value);
/* vt_write_file - write @value to the file at @path (sysfs, procfs); false on any error */
bool vt_write_file(const char *path, const char *value);
/*
 * Set job_timeout_ms (read by the driver when a queue is created) and
 * restore the previous value at exit or with vt_restore_job_timeout().
 */
void vt_set_job_timeout(unsigned int ms);
void vt_restore_job_timeout(void);

/* Skip unless the module can be reloaded (root, module file present). */
void vt_require_module_reload(void);
/*
 * Reload vsvm with @params after $VSVM_MODULE_PARAMS (every vsvm file of the
 * process must be closed) and wait for its render nodes; an exit handler
 * restores the defaults if the test dies. vt_module_reload_default() restores
 * them, asserting.
 */
void vt_module_reload(const char *params);
void vt_module_reload_default(void);

/* sw_sync (CONFIG_SW_SYNC, debugfs): pending fences user space signals */
#define VT_SW_SYNC_PATH "/sys/kernel/debug/sync/sw_sync"
bool vt_has_sw_sync(void);
void vt_require_sw_sync(void);
/* A sw_sync timeline fd. */
int vt_sw_sync_timeline(void);
/* A sync_file fd of a fence that signals when the timeline reaches @value. */
int vt_sw_sync_fence(int timeline, uint32_t value);
/* Advance the timeline by @count. */
void vt_sw_sync_inc(int timeline, uint32_t count);
/* A new binary syncobj holding a pending sw_sync fence at @value of @timeline. */
uint32_t vt_syncobj_sw_sync(int fd, int timeline, uint32_t value);

/* CLOCK_MONOTONIC in ns */
int64_t vt_now_ns(void);

/*
 * Start the program @path with the NULL-terminated arguments @args (at most
 * 14), its stdout and stderr into a pipe whose read end goes to @out; returns
 * its pid. Asserts.
 */
pid_t vt_spawn(const char *path, const char *const *args, int *out);

/*
 * The executable tools/NAME/NAME of the repository, as the test runs find
 * it: beside the test binary (/tests in the guest) or at ../../tools/NAME/
 * from it (igt-tests/build). Fills @path; false if neither is there.
 */
bool vt_find_tool(const char *name, char *path, size_t size);

#endif /* VSVM_TEST_H */
