/* SPDX-License-Identifier: MIT */
/*
 * Copyright 2026 The vsvm authors
 */
#ifndef __VSVM_DRM_H__
#define __VSVM_DRM_H__

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: vsvm uAPI
 *
 * vsvm exposes one render node per virtual GPU. All ioctls are issued on a
 * render node file descriptor.
 *
 * Argument-size rules are those of the DRM core: an argument shorter than the
 * kernel's structure is zero-extended on the way in and truncated on the way
 * out (so bytes past the caller's size are never written); bytes of a larger
 * argument past the kernel's structure are ignored and returned unchanged.
 * Every flags field rejects unknown bits with -EINVAL and every field named
 * pad or reserved must be zero (-EINVAL otherwise). An ioctl number the
 * driver does not define fails with -EINVAL.
 */

/* Incompatible uAPI changes bump the major version, compatible additions the minor */
#define VSVM_UAPI_VERSION_MAJOR		1
#define VSVM_UAPI_VERSION_MINOR		5

#define DRM_VSVM_QUERY_DEVICE		0x00
#define DRM_VSVM_GEM_CREATE		0x01
#define DRM_VSVM_GEM_MMAP_OFFSET	0x02
#define DRM_VSVM_VM_BIND		0x03
#define DRM_VSVM_VM_UNBIND		0x04
#define DRM_VSVM_QUEUE_CREATE		0x05
#define DRM_VSVM_QUEUE_DESTROY		0x06
#define DRM_VSVM_DISPATCH		0x07
#define DRM_VSVM_QUEUE_STATUS		0x08
#define DRM_VSVM_SVM_SET_ATTR		0x09
#define DRM_VSVM_SVM_GET_ATTR		0x0a
#define DRM_VSVM_SVM_RETRY		0x0b
#define DRM_VSVM_SVM_PREFETCH		0x0c
#define DRM_VSVM_EVENTS_OPEN		0x0d
#define DRM_VSVM_SVM_COUNTERS		0x0e

#define DRM_IOCTL_VSVM_QUERY_DEVICE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_QUERY_DEVICE, struct drm_vsvm_query_device)
#define DRM_IOCTL_VSVM_GEM_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_GEM_CREATE, struct drm_vsvm_gem_create)
#define DRM_IOCTL_VSVM_GEM_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_GEM_MMAP_OFFSET, struct drm_vsvm_gem_mmap_offset)
#define DRM_IOCTL_VSVM_VM_BIND \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_VM_BIND, struct drm_vsvm_vm_bind)
#define DRM_IOCTL_VSVM_VM_UNBIND \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_VM_UNBIND, struct drm_vsvm_vm_unbind)
#define DRM_IOCTL_VSVM_QUEUE_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_QUEUE_CREATE, struct drm_vsvm_queue_create)
#define DRM_IOCTL_VSVM_QUEUE_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_QUEUE_DESTROY, struct drm_vsvm_queue_destroy)
#define DRM_IOCTL_VSVM_DISPATCH \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_DISPATCH, struct drm_vsvm_dispatch)
#define DRM_IOCTL_VSVM_QUEUE_STATUS \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_QUEUE_STATUS, struct drm_vsvm_queue_status)
#define DRM_IOCTL_VSVM_SVM_SET_ATTR \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_SVM_SET_ATTR, struct drm_vsvm_svm_attr_args)
#define DRM_IOCTL_VSVM_SVM_GET_ATTR \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_SVM_GET_ATTR, struct drm_vsvm_svm_attr_args)
#define DRM_IOCTL_VSVM_SVM_RETRY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_SVM_RETRY, struct drm_vsvm_svm_retry)
#define DRM_IOCTL_VSVM_SVM_PREFETCH \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_SVM_PREFETCH, struct drm_vsvm_svm_prefetch)
#define DRM_IOCTL_VSVM_EVENTS_OPEN \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_EVENTS_OPEN, struct drm_vsvm_events_open)
#define DRM_IOCTL_VSVM_SVM_COUNTERS \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_SVM_COUNTERS, struct drm_vsvm_svm_counters)

/* Page sizes the GPU page table can map (bits of drm_vsvm_query_device.page_sizes) */
#define VSVM_PAGE_SIZE_4K		0x1000ULL
#define VSVM_PAGE_SIZE_2M		0x200000ULL

/* drm_vsvm_query_device.capabilities: the GPU can stall on a fault and replay it */
#define VSVM_CAP_RETRY_FAULT		0x1U
/* drm_vsvm_query_device.capabilities: shared virtual memory (the DRM_IOCTL_VSVM_SVM_* ioctls) */
#define VSVM_CAP_SVM			0x2U
/*
 * drm_vsvm_query_device.capabilities: SVM pages can live in this GPU's VRAM
 * (migration, prefetch to the GPU); without it SVM memory stays in system RAM
 */
#define VSVM_CAP_SVM_VRAM		0x4U
/*
 * drm_vsvm_query_device.capabilities: the VRAM is device-coherent memory: the
 * CPU reaches SVM pages in VRAM in place (no CPU fault migrates them back)
 */
#define VSVM_CAP_VRAM_COHERENT		0x8U
/*
 * drm_vsvm_query_device.capabilities: GPU atomics on system memory of a range
 * without VSVM_SVM_FLAG_COHERENT work through device-exclusive access; without
 * it (a kernel without DEVICE_PRIVATE) such an atomic faults fatally
 */
#define VSVM_CAP_SVM_ATOMIC_EXCLUSIVE	0x10U

/**
 * struct drm_vsvm_query_device - describe the GPU behind a render node
 *
 * Filled in by DRM_IOCTL_VSVM_QUERY_DEVICE.
 */
struct drm_vsvm_query_device {
	/** @flags: in, must be 0 */
	__u32 flags;
	/** @pad: in, must be 0 */
	__u32 pad;
	/** @uapi_version: out, (MAJOR << 16) | MINOR */
	__u32 uapi_version;
	/** @gpu_id: out, non-zero id of this GPU, stable for the module's lifetime */
	__u32 gpu_id;
	/** @num_compute_units: out, compute units that run dispatches */
	__u32 num_compute_units;
	/** @capabilities: out, VSVM_CAP_* bits */
	__u32 capabilities;
	/** @page_sizes: out, VSVM_PAGE_SIZE_* bits the GPU page table maps */
	__u64 page_sizes;
	/** @vram_size: out, bytes of VRAM */
	__u64 vram_size;
	/** @va_bits: out, width of a GPU virtual address */
	__u32 va_bits;
	/** @reserved: in, must be 0 */
	__u32 reserved;
	/** @vram_used: out, bytes of VRAM allocated now (buffer objects and SVM pages) */
	__u64 vram_used;
	/** @gtt_used: out, bytes of system memory (GTT) held by buffer objects now */
	__u64 gtt_used;
	/** @evictions: out, buffer objects (not SVM pages) evicted from VRAM since load */
	__u64 evictions;
};

/* drm_vsvm_gem_create.domain: where the object lives */
#define VSVM_GEM_DOMAIN_VRAM		0x1U
#define VSVM_GEM_DOMAIN_GTT		0x2U

/**
 * struct drm_vsvm_gem_create - create a buffer object
 *
 * A VRAM object is placed in VRAM, evicting other VRAM objects to GTT if
 * VRAM is full; it fails with -ENOMEM only when nothing can be evicted. It
 * may later be evicted to GTT itself; its GPU bindings and CPU mappings
 * follow it. A GTT object lives in system pages. The content starts zeroed.
 * The object is freed when its last handle is closed (DRM_IOCTL_GEM_CLOSE)
 * and its last binding and mapping are gone.
 */
struct drm_vsvm_gem_create {
	/** @size: in, bytes, non-zero, a multiple of 4 KiB (-EINVAL otherwise) */
	__u64 size;
	/** @domain: in, exactly one VSVM_GEM_DOMAIN_* (-EINVAL otherwise) */
	__u32 domain;
	/** @flags: in, must be 0 */
	__u32 flags;
	/** @handle: out, GEM handle */
	__u32 handle;
	/** @pad: in, must be 0 */
	__u32 pad;
};

/**
 * struct drm_vsvm_gem_mmap_offset - fake offset for mmap() of a buffer object
 *
 * mmap() of the render node at @offset maps the object (MAP_SHARED).
 * -ENOENT for an unknown handle.
 */
struct drm_vsvm_gem_mmap_offset {
	/** @handle: in, GEM handle */
	__u32 handle;
	/** @flags: in, must be 0 */
	__u32 flags;
	/** @offset: out, offset to pass to mmap() */
	__u64 offset;
};

/* drm_vsvm_vm_bind.flags */
#define VSVM_BIND_READ_ONLY		0x1U

/**
 * struct drm_vsvm_vm_bind - map part of a buffer object into the GPU VM
 *
 * Each open file of a render node has its own GPU VM. The binding maps
 * [@bo_offset, @bo_offset + @size) of the object at [@va, @va + @size),
 * readable, writable and atomic unless VSVM_BIND_READ_ONLY. Errors: -EINVAL
 * for unaligned (4 KiB) @va, @bo_offset or @size, a zero @size, a range past
 * the object or past the VA space; -ENOENT for an unknown handle; -EEXIST if
 * the range overlaps an existing binding; -ENOMEM when the object cannot be
 * placed or the page tables cannot be allocated; -EINTR when a signal
 * interrupted the wait for the object.
 */
struct drm_vsvm_vm_bind {
	/** @handle: in, GEM handle */
	__u32 handle;
	/** @flags: in, VSVM_BIND_* */
	__u32 flags;
	/** @va: in, GPU virtual address */
	__u64 va;
	/** @bo_offset: in, offset into the object */
	__u64 bo_offset;
	/** @size: in, bytes */
	__u64 size;
};

/**
 * struct drm_vsvm_vm_unbind - remove a binding
 *
 * [@va, @va + @size) must be exactly one binding (-ENOENT otherwise). When
 * the ioctl returns, no compute unit can reach the memory through it.
 */
struct drm_vsvm_vm_unbind {
	/** @va: in, GPU virtual address of the binding */
	__u64 va;
	/** @size: in, its size */
	__u64 size;
	/** @flags: in, must be 0 */
	__u32 flags;
	/** @pad: in, must be 0 */
	__u32 pad;
};

/* drm_vsvm_queue_create.flags: faults are fatal, the GPU does not retry */
#define VSVM_QUEUE_NO_RETRY		0x1U

/**
 * struct drm_vsvm_queue_create - create a compute queue on the file's VM
 *
 * By default a faulting access stalls its wave while the driver services
 * the fault (retry mode); with VSVM_QUEUE_NO_RETRY every fault stops the
 * queue. -ENOSPC when the file has VSVM_MAX_QUEUES queues.
 */
struct drm_vsvm_queue_create {
	/** @flags: in, VSVM_QUEUE_* */
	__u32 flags;
	/** @queue_id: out, non-zero id for this file */
	__u32 queue_id;
};

#define VSVM_MAX_QUEUES			64

/**
 * struct drm_vsvm_queue_destroy - destroy a queue
 *
 * Work still queued or running is aborted; its out-fences signal with an
 * error. -ENOENT for an unknown id.
 */
struct drm_vsvm_queue_destroy {
	/** @queue_id: in */
	__u32 queue_id;
	/** @pad: in, must be 0 */
	__u32 pad;
};

/* Built-in kernels. Elements are __u64; every address is a GPU VA, 8-byte aligned. */
/* FILL: args[0] = dst, args[1] = value. dst[i] = value. */
#define VSVM_KERNEL_FILL		0
/* COPY: args[0] = dst, args[1] = src. dst[i] = src[i]. */
#define VSVM_KERNEL_COPY		1
/* CHECKSUM: args[0] = src, args[1] = out. *out = sum of src[i] (mod 2^64). */
#define VSVM_KERNEL_CHECKSUM		2
/*
 * VERIFY: args[0] = src, args[1] = seed, args[2] = step, args[3] = out.
 * *out = number of i with src[i] != seed + i * step.
 */
#define VSVM_KERNEL_VERIFY		3
/*
 * ATOMIC_ADD: args[0] = counters, args[1] = value, args[2] = number of
 * counters n (0 means 1). Work item i atomically adds value to counters[i % n].
 */
#define VSVM_KERNEL_ATOMIC_ADD		4
/*
 * POINTER_CHASE: args[0] = head, args[1] = steps, args[2] = out; grid 1.
 * Nodes are { __u64 next; __u64 value; }: visits up to steps nodes from head,
 * stopping at next == 0, and writes the sum of their values to *out.
 */
#define VSVM_KERNEL_POINTER_CHASE	5
/* GATHER: args[0] = dst, args[1] = src, args[2] = idx. dst[i] = src[idx[i]]. */
#define VSVM_KERNEL_GATHER		6
/* SCATTER: args[0] = dst, args[1] = src, args[2] = idx. dst[idx[i]] = src[i]. */
#define VSVM_KERNEL_SCATTER		7
/* TRIAD: args[0] = a, args[1] = b, args[2] = c, args[3] = s. a[i] = b[i] + s * c[i]. */
#define VSVM_KERNEL_TRIAD		8
/*
 * PROGRAM: args[0] = code, args[1] = data, args[2] = number of instructions
 * (1 .. VSVM_PROGRAM_MAX_INSNS). Work item i runs the program on data[i]:
 * x = data[i]; each instruction (op << 56 | imm, imm 56 bits) does
 * x += imm (VSVM_OP_ADD), x *= imm (VSVM_OP_MUL) or x ^= imm (VSVM_OP_XOR),
 * any other op does nothing; then data[i] = x. The GPU fetches the
 * instructions as code: the code must be mapped executable (buffer-object
 * bindings are; SVM memory needs VSVM_SVM_FLAG_GPU_EXEC), else the fetch
 * faults with VSVM_ACCESS_EXEC.
 */
#define VSVM_KERNEL_PROGRAM		9
/*
 * BFS_LEVEL (uAPI 1.5): args[0] = adj, args[1] = level, args[2] = depth,
 * args[3] = out. One top-down step of a breadth-first search over the grid's
 * n vertices: adj[v] is the address of vertex v's adjacency list
 * { __u64 count; __u64 dst[count]; } (8-byte aligned, 0 for no list) and
 * level[v] its depth, or VSVM_BFS_UNREACHED. Work item v with
 * level[v] == depth sets level[u] = depth + 1 for every neighbour u < n that
 * is unreached; neighbours >= n are skipped. *out = number of level entries
 * written (a vertex two work items reach at the same time may count twice;
 * 0 means the search is over).
 */
#define VSVM_KERNEL_BFS_LEVEL		10
#define VSVM_BFS_UNREACHED		(~0ULL)
#define VSVM_PROGRAM_MAX_INSNS		512
#define VSVM_OP_ADD			0
#define VSVM_OP_MUL			1
#define VSVM_OP_XOR			2

/* Largest grid a dispatch accepts */
#define VSVM_MAX_GRID			(1ULL << 32)

/* drm_vsvm_sync.flags: signal the syncobj when the dispatch completes (else wait on it) */
#define VSVM_SYNC_SIGNAL		0x1U

/**
 * struct drm_vsvm_sync - a syncobj the dispatch waits on or signals
 */
struct drm_vsvm_sync {
	/** @handle: in, syncobj handle */
	__u32 handle;
	/** @flags: in, VSVM_SYNC_* */
	__u32 flags;
	/** @point: in, timeline point, 0 for a binary syncobj */
	__u64 point;
};

#define VSVM_MAX_SYNCS			64

/**
 * struct drm_vsvm_dispatch - run a built-in kernel on a queue
 *
 * The dispatch waits for every wait syncobj's fence, runs after the
 * queue's earlier dispatches, and its completion fence is installed in every
 * signal syncobj. The fence signals with an error when the dispatch faulted
 * (-EFAULT), timed out or was queued behind one that did (-ETIME), was
 * cancelled (-ECANCELED) or the hardware ran out of memory (-ENOMEM).
 * Errors: -ENOENT for an unknown queue or syncobj, -ECANCELED if the queue
 * is in error, -EINVAL for an unknown kernel, a zero or too large grid,
 * unaligned addresses, POINTER_CHASE with a grid other than 1, PROGRAM with
 * no or too many instructions, more than
 * VSVM_MAX_SYNCS syncs, unknown sync flags, or a wait syncobj with no fence
 * (or a timeline point not submitted yet), -EFAULT for an unreadable @syncs
 * array, -ENOMEM when out of memory.
 */
struct drm_vsvm_dispatch {
	/** @queue_id: in */
	__u32 queue_id;
	/** @kernel: in, VSVM_KERNEL_* */
	__u32 kernel;
	/** @grid: in, number of work items */
	__u64 grid;
	/** @args: in, kernel arguments */
	__u64 args[6];
	/** @syncs: in, user pointer to an array of &struct drm_vsvm_sync */
	__u64 syncs;
	/** @num_syncs: in, entries in @syncs */
	__u32 num_syncs;
	/** @flags: in, must be 0 */
	__u32 flags;
};

/* drm_vsvm_queue_status.state */
#define VSVM_QUEUE_STATE_ACTIVE		0
/* a fault stopped the queue; fault_va and fault_access tell which */
#define VSVM_QUEUE_STATE_FAULTED	1
/* a dispatch timed out and the queue was reset */
#define VSVM_QUEUE_STATE_RESET		2

/* drm_vsvm_queue_status.fault_access */
#define VSVM_ACCESS_READ		0x1U
#define VSVM_ACCESS_WRITE		0x2U
#define VSVM_ACCESS_ATOMIC		0x4U
#define VSVM_ACCESS_EXEC		0x8U

/**
 * struct drm_vsvm_queue_status - state of a queue
 *
 * A queue that faulted or was reset stays in that state; its later
 * dispatches fail with -ECANCELED. -ENOENT for an unknown id.
 */
struct drm_vsvm_queue_status {
	/** @queue_id: in */
	__u32 queue_id;
	/** @state: out, VSVM_QUEUE_STATE_* */
	__u32 state;
	/** @fault_va: out, faulting GPU VA when FAULTED */
	__u64 fault_va;
	/** @fault_access: out, VSVM_ACCESS_* of the faulting access */
	__u32 fault_access;
	/** @flags: in, must be 0 */
	__u32 flags;
	/** @completed: out, dispatches completed successfully */
	__u64 completed;
};

/**
 * DOC: shared virtual memory
 *
 * The GPU reaches the process's own memory (malloc, file mappings, stacks)
 * at the CPU's addresses: a dispatch may pass any CPU pointer of the process
 * that opened the render node. Every vsvm GPU a process opens shares one
 * process context (one per mm), holding the SVM attributes and the GPUs'
 * mirrors of the CPU page tables. A GPU access to an address the GPU has not
 * mapped yet faults; in retry mode (the default) the driver mirrors the CPU
 * pages around it and replays the access. The GPU never gets more rights
 * than the CPU has: PROT_NONE memory, unmapped holes and writes to read-only
 * mappings fault fatally (the queue stops, DRM_IOCTL_VSVM_QUEUE_STATUS tells
 * the address). Buffer-object bindings (DRM_IOCTL_VSVM_VM_BIND) and SVM
 * ranges with attributes must not overlap (-EADDRINUSE both ways); a
 * binding over memory the GPU had mirrored takes its place.
 *
 * Attributes (amdkfd semantics) are kept per address range: SET applies a
 * list of (type, value) pairs to [start, start + size), GET aggregates over
 * the attribute ranges that overlap it. Registering is optional: addresses
 * without attributes have the defaults (no preferred or prefetch location,
 * flags COHERENT, granularity 9, in-place access for every GPU of the
 * process in retry mode and no access with retry off): such memory is
 * mapped where it is and only moves on advice. Attributes live until the memory
 * is unmapped or the process's last vsvm file is closed.
 *
 * - PREFERRED_LOC: gpu_id or VSVM_SVM_LOCATION_SYSMEM or _UNDEFINED; where
 *   the data should live: a GPU fault moves the pages around it to the
 *   preferred location when that is system memory or the faulting GPU, or
 *   another GPU when the faulting GPU has ACCESS (the faulting GPU then
 *   maps the pages in the other GPU's VRAM remotely).
 * - PREFETCH_LOC: gpu_id or SYSMEM; prefetches the range to that location
 *   now, as DRM_IOCTL_VSVM_SVM_PREFETCH does, and maps it on that GPU.
 * - ACCESS, ACCESS_IN_PLACE, NO_ACCESS: value is a gpu_id; whether and how
 *   that GPU may access the range. With ACCESS (and no preferred location
 *   that says otherwise) a GPU fault migrates the pages around it to the
 *   faulting GPU's VRAM; with ACCESS_IN_PLACE the GPU maps the pages where
 *   they are. NO_ACCESS unmaps the range from that GPU at once; its later
 *   accesses fault fatally.
 *
 * Multiple GPUs: every vsvm GPU reaches the others' VRAM over a peer link,
 * atomics included. A GPU maps pages in another GPU's VRAM in place (peer
 * access) unless the attributes move them; moves between GPUs (faults,
 * prefetches) copy VRAM to VRAM directly, never through system memory.
 *
 * Placement: a range may hold system pages and VRAM pages of several GPUs
 * at once (busy, pinned or file-backed pages stay in system memory: only
 * anonymous private memory migrates). A GPU read fault on a GPU_READ_MOSTLY range never
 * migrates. A CPU access to a page in VRAM (device-private VRAM) migrates
 * the granularity block around it back to system memory. SVM pages in VRAM
 * are evictable: when VRAM runs out (buffer objects or other SVM data need
 * it) they move back to system memory.
 * - SET_FLAGS, CLR_FLAGS: VSVM_SVM_FLAG_* bits.
 * - GRANULARITY: log2 of the pages the driver handles around a GPU fault
 *   (0 = 4 KiB .. VSVM_SVM_GRANULARITY_MAX).
 *
 * Flags: COHERENT: the link does the GPU's atomics on system memory of the
 * range; without it a GPU atomic to a system page takes that page for
 * device-exclusive access (the CPU's next touch of the page takes it back
 * and the GPU faults again on its next atomic), so atomics of GPUs and CPU
 * on the same memory stay exact either way (with
 * VSVM_CAP_SVM_ATOMIC_EXCLUSIVE; else the atomic faults fatally); atomics on
 * VRAM need neither;
 * GPU_RO: the GPU maps the range read-only (writes fault fatally);
 * GPU_EXEC: the GPU may fetch code from the range (VSVM_KERNEL_PROGRAM;
 * without it the fetch faults fatally); GPU_READ_MOSTLY: GPU reads map pages read-only (a later
 * GPU write upgrades them with another fault), without it a read maps a
 * writable CPU mapping writable at once; GPU_ALWAYS_MAPPED: the range stays
 * mapped on every GPU with access: it is mapped when the attribute is set,
 * and a CPU page-table change suspends the process's queues until the
 * driver has mapped it again.
 *
 * GET aggregation: PREFERRED_LOC and PREFETCH_LOC give the common value, or
 * VSVM_SVM_LOCATION_UNDEFINED if the ranges differ; SET_FLAGS the flags set
 * in every range, CLR_FLAGS the flags clear in every range; GRANULARITY the
 * smallest; ACCESS (value: the gpu_id to ask about) is rewritten to ACCESS,
 * ACCESS_IN_PLACE or NO_ACCESS: ACCESS if every range gives access,
 * ACCESS_IN_PLACE if every range gives access or in-place access and one
 * gives in-place access, else NO_ACCESS. ACCESS_IN_PLACE and NO_ACCESS are
 * not valid query types. When no attribute range overlaps, the defaults are
 * returned.
 *
 * Errors of SET and GET: -EINVAL for a zero size, an unaligned start or
 * size, non-zero flags, nattr 0 or above VSVM_SVM_MAX_ATTRS, an unknown
 * type, unknown flag bits, a granularity above the maximum, or a gpu_id the
 * process has not opened; -EOVERFLOW if start + size wraps or passes the
 * user address space; -EFAULT if part of the range has no mapping, or is an
 * I/O or PFN mapping (VM_IO, VM_PFNMAP), or @attrs cannot be read or
 * written; -EADDRINUSE if the range overlaps a buffer-object binding of the
 * process on any GPU; -EBADF if the caller is not the process that opened
 * the file; -ENOMEM. SET may fail part way with the attributes applied and
 * the prefetch or mapping not done (-EFAULT, -EAGAIN, -ENOMEM).
 *
 * Retry mode (DRM_IOCTL_VSVM_SVM_RETRY) is per process. With retry off every
 * queue the process creates is a no-retry queue: the driver maps the ranges
 * that give a GPU access before its queues run (as GPU_ALWAYS_MAPPED), and a
 * GPU access to anything else faults fatally.
 */

/* PREFERRED_LOC / PREFETCH_LOC values besides a gpu_id */
#define VSVM_SVM_LOCATION_SYSMEM	0U
#define VSVM_SVM_LOCATION_UNDEFINED	0xffffffffU

/* drm_vsvm_svm_attr.type */
#define VSVM_SVM_ATTR_PREFERRED_LOC	0
#define VSVM_SVM_ATTR_PREFETCH_LOC	1
#define VSVM_SVM_ATTR_ACCESS		2
#define VSVM_SVM_ATTR_ACCESS_IN_PLACE	3
#define VSVM_SVM_ATTR_NO_ACCESS		4
#define VSVM_SVM_ATTR_SET_FLAGS		5
#define VSVM_SVM_ATTR_CLR_FLAGS		6
#define VSVM_SVM_ATTR_GRANULARITY	7

/* SET_FLAGS / CLR_FLAGS bits */
#define VSVM_SVM_FLAG_COHERENT		0x1U
#define VSVM_SVM_FLAG_GPU_RO		0x2U
#define VSVM_SVM_FLAG_GPU_EXEC		0x4U
#define VSVM_SVM_FLAG_GPU_READ_MOSTLY	0x8U
#define VSVM_SVM_FLAG_GPU_ALWAYS_MAPPED	0x10U

#define VSVM_SVM_DEFAULT_GRANULARITY	9
#define VSVM_SVM_GRANULARITY_MAX	17
#define VSVM_SVM_MAX_ATTRS		64

/**
 * struct drm_vsvm_svm_attr - one SVM attribute
 */
struct drm_vsvm_svm_attr {
	/** @type: VSVM_SVM_ATTR_* */
	__u32 type;
	/** @value: location, gpu_id, flags or granularity, per @type */
	__u32 value;
};

/**
 * struct drm_vsvm_svm_attr_args - DRM_IOCTL_VSVM_SVM_SET_ATTR / _GET_ATTR
 *
 * GET writes the aggregated values (and for ACCESS queries the type) back
 * into @attrs.
 */
struct drm_vsvm_svm_attr_args {
	/** @start: in, CPU virtual address, page aligned */
	__u64 start;
	/** @size: in, bytes, page aligned, non-zero */
	__u64 size;
	/** @attrs: in, user pointer to @nattr &struct drm_vsvm_svm_attr */
	__u64 attrs;
	/** @nattr: in, 1 .. VSVM_SVM_MAX_ATTRS */
	__u32 nattr;
	/** @flags: in, must be 0 */
	__u32 flags;
};

/**
 * struct drm_vsvm_svm_retry - query or set the process's retry mode
 *
 * -EBUSY when changing the mode while the process has queues on any vsvm
 * GPU; -EINVAL for a mode other than -1, 0 or 1 or non-zero flags.
 */
struct drm_vsvm_svm_retry {
	/** @mode: in, -1 to query, 0 for no-retry, 1 for retry; out, the mode now */
	__s32 mode;
	/** @flags: in, must be 0 */
	__u32 flags;
};

/* drm_vsvm_svm_prefetch.flags: return at once, signal @out_syncobj when done */
#define VSVM_SVM_PREFETCH_ASYNC		0x1U

/**
 * struct drm_vsvm_svm_prefetch - move a range of SVM memory now
 *
 * DRM_IOCTL_VSVM_SVM_PREFETCH migrates the anonymous private pages of
 * [start, start + size) to @location (best effort: busy, pinned and
 * file-backed pages stay where they are) and, for a GPU, maps the range on
 * it. Attributes are not changed. Without VSVM_SVM_PREFETCH_ASYNC the ioctl
 * returns when the work is done; with it, the ioctl checks its arguments,
 * replaces the fence of @out_syncobj with one that signals when the work is
 * done (its error, e.g. -EFAULT for a hole met on the way, is the fence's
 * status) and returns at once. A GPU without VSVM_CAP_SVM_VRAM only maps the
 * range.
 *
 * Errors: -EINVAL for a zero size, an unaligned start or size, unknown
 * flags, non-zero pad, a location that is neither SYSMEM nor the gpu_id of
 * a GPU the process has opened, or @out_syncobj given without
 * VSVM_SVM_PREFETCH_ASYNC (or missing with it); -ENOENT for an unknown
 * @out_syncobj; -EOVERFLOW if the range wraps or passes the user address
 * space; -EFAULT for a hole, an I/O or PFN mapping (synchronous mode);
 * -EADDRINUSE if the range overlaps a buffer-object binding; -EBADF if the
 * caller is not the process that opened the file; -ENOMEM.
 */
struct drm_vsvm_svm_prefetch {
	/** @start: in, CPU virtual address, page aligned */
	__u64 start;
	/** @size: in, bytes, page aligned, non-zero */
	__u64 size;
	/** @location: in, gpu_id or VSVM_SVM_LOCATION_SYSMEM */
	__u32 location;
	/** @flags: in, VSVM_SVM_PREFETCH_* */
	__u32 flags;
	/** @out_syncobj: in, with VSVM_SVM_PREFETCH_ASYNC the syncobj to signal, else 0 */
	__u32 out_syncobj;
	/** @pad: in, must be 0 */
	__u32 pad;
};

/**
 * DOC: events and counters
 *
 * DRM_IOCTL_VSVM_EVENTS_OPEN returns a new file descriptor that streams what
 * the SVM memory manager does, on every vsvm GPU, as fixed-size records
 * (&struct drm_vsvm_event, 64 bytes). read() returns whole records only (a
 * buffer smaller than one record fails with -EINVAL), blocks until at least
 * one is queued unless the descriptor is non-blocking (-EAGAIN), and poll()
 * reports POLLIN while records are queued. Each descriptor has its own ring
 * of @capacity records; a record that finds the ring full is dropped and
 * counted, and the reader receives one VSVM_EVENT_DROPPED record (@count:
 * records dropped) before the next record that fits. The descriptor's
 * fdinfo shows the total dropped so far ("dropped:").
 *
 * Records are emitted, in the order things happen, for:
 *
 * - VSVM_EVENT_FAULT_START / _END: an SVM GPU fault being serviced (not the
 *   faults dropped as duplicates): @gpu_id, @addr (the faulting address),
 *   @access (VSVM_ACCESS_* bits); _END adds @result (VSVM_FAULT_*).
 * - VSVM_EVENT_MIGRATE_START / _END: a migration of one piece (at most
 *   2 MiB, one source location) of [@addr, @addr + @size) from @from to @to
 *   (gpu_id or VSVM_SVM_LOCATION_SYSMEM), with @trigger
 *   (VSVM_MIGRATE_TRIGGER_*); @count is the pages collected (START) and the
 *   pages that moved (END); @gpu_id is the GPU whose copy engine moved them.
 * - VSVM_EVENT_EVICTION: TTM evicted a VRAM buffer of SVM pages of the
 *   process from @gpu_id (its pages follow as migrations with trigger
 *   EVICTION, whose @addr is 0: an eviction moves the buffer's pages
 *   wherever they are mapped, with no address at hand, and @size covers the
 *   piece of the buffer); @count is its size in pages.
 * - VSVM_EVENT_GPU_UNMAP: [@addr, @addr + @size) was unmapped from @gpu_id,
 *   @trigger VSVM_UNMAP_TRIGGER_*. The core kernel invalidates the CPU
 *   mappings of evicted pages one page at a time, so an eviction shows as
 *   one 4 KiB record per page (trigger CPU_CHANGE).
 * - VSVM_EVENT_QUEUE_SUSPEND / _RESUME: the process's queues on @gpu_id were
 *   suspended for an invalidation of memory they must keep mapped, and
 *   resumed once it was mapped again (@trigger VSVM_QUEUE_TRIGGER_*).
 *
 * @pid selects the process: 0 (or the caller's own process id) for the
 * caller's process; another process id, or VSVM_EVENTS_ALL_PROCESSES, needs
 * CAP_SYS_ADMIN (-EPERM otherwise).
 *
 * DRM_IOCTL_VSVM_SVM_COUNTERS reads the counters of a process on the GPU of
 * the file; they are the same as in the debugfs file vsvm_svm.
 */

/* drm_vsvm_event.kind */
#define VSVM_EVENT_FAULT_START		1
#define VSVM_EVENT_FAULT_END		2
#define VSVM_EVENT_MIGRATE_START	3
#define VSVM_EVENT_MIGRATE_END		4
#define VSVM_EVENT_EVICTION		5
#define VSVM_EVENT_GPU_UNMAP		6
#define VSVM_EVENT_QUEUE_SUSPEND	7
#define VSVM_EVENT_QUEUE_RESUME		8
#define VSVM_EVENT_DROPPED		9
#define VSVM_EVENT_KIND_MAX		9
/* drm_vsvm_events_open.mask bit of an event kind (DROPPED is always delivered) */
#define VSVM_EVENT_MASK(kind)		(1ULL << (kind))
#define VSVM_EVENT_MASK_ALL		(((1ULL << (VSVM_EVENT_KIND_MAX + 1)) - 1) & ~1ULL)

/* drm_vsvm_event.result of FAULT_END */
#define VSVM_FAULT_MAPPED		1	/* mapped where the pages were */
#define VSVM_FAULT_MIGRATED		2	/* pages moved, then mapped */
#define VSVM_FAULT_RETRY		3	/* not mapped yet: the wave faults again */
#define VSVM_FAULT_FATAL		4	/* the queue was stopped */

/* drm_vsvm_event.trigger of MIGRATE_START / _END */
#define VSVM_MIGRATE_TRIGGER_PREFETCH	1	/* prefetch ioctl or PREFETCH_LOC */
#define VSVM_MIGRATE_TRIGGER_GPU_FAULT	2
#define VSVM_MIGRATE_TRIGGER_CPU_FAULT	3
#define VSVM_MIGRATE_TRIGGER_EVICTION	4

/* drm_vsvm_event.trigger of GPU_UNMAP */
#define VSVM_UNMAP_TRIGGER_CPU_UNMAP	1	/* munmap, mremap, process exit */
#define VSVM_UNMAP_TRIGGER_MIGRATION	2	/* the pages are migrating */
#define VSVM_UNMAP_TRIGGER_CPU_CHANGE	3	/* other CPU page-table change */
#define VSVM_UNMAP_TRIGGER_ADVICE	4	/* attributes, NO_ACCESS, a binding */

/* drm_vsvm_event.trigger of QUEUE_SUSPEND / _RESUME */
#define VSVM_QUEUE_TRIGGER_INVALIDATION	1

/**
 * struct drm_vsvm_event - one record read from an events file descriptor
 *
 * Fields a kind does not use are zero.
 */
struct drm_vsvm_event {
	/** @timestamp_ns: CLOCK_MONOTONIC time of the event, in ns */
	__u64 timestamp_ns;
	/** @kind: VSVM_EVENT_* */
	__u32 kind;
	/** @pid: process id (thread-group id) of the process concerned */
	__u32 pid;
	/** @gpu_id: the GPU concerned, or 0 */
	__u32 gpu_id;
	/** @access: FAULT_*: VSVM_ACCESS_* bits of the faulting access */
	__u32 access;
	/** @addr: faulting address, or first byte of the range */
	__u64 addr;
	/** @size: bytes of the range (MIGRATE_*, GPU_UNMAP) */
	__u64 size;
	/** @count: pages (MIGRATE_*, EVICTION) or records dropped (DROPPED) */
	__u64 count;
	/** @from: MIGRATE_*: source location, a gpu_id or VSVM_SVM_LOCATION_SYSMEM */
	__u32 from;
	/** @to: MIGRATE_*: destination location */
	__u32 to;
	/** @trigger: VSVM_MIGRATE_TRIGGER_*, VSVM_UNMAP_TRIGGER_*, VSVM_QUEUE_TRIGGER_* */
	__u32 trigger;
	/** @result: FAULT_END: VSVM_FAULT_* */
	__u32 result;
};

/* drm_vsvm_events_open.pid: every process (CAP_SYS_ADMIN) */
#define VSVM_EVENTS_ALL_PROCESSES	0xffffffffU
/* drm_vsvm_events_open.flags */
#define VSVM_EVENTS_NONBLOCK		0x1U	/* O_NONBLOCK */
#define VSVM_EVENTS_CLOEXEC		0x2U	/* O_CLOEXEC */
/* drm_vsvm_events_open.capacity: default and largest ring, in records */
#define VSVM_EVENTS_DEFAULT_CAPACITY	4096U
#define VSVM_EVENTS_MAX_CAPACITY	65536U

/**
 * struct drm_vsvm_events_open - open an events file descriptor
 *
 * Errors: -EINVAL for a zero mask or unknown mask bits, unknown flags, a
 * capacity above VSVM_EVENTS_MAX_CAPACITY; -EPERM for
 * another process (or all) without CAP_SYS_ADMIN; -ESRCH for a process id
 * that does not exist; -EMFILE, -ENOMEM.
 */
struct drm_vsvm_events_open {
	/** @mask: in, VSVM_EVENT_MASK() bits of the kinds to receive */
	__u64 mask;
	/** @pid: in, 0 for the caller's process, a process id, or VSVM_EVENTS_ALL_PROCESSES */
	__u32 pid;
	/** @flags: in, VSVM_EVENTS_* */
	__u32 flags;
	/** @capacity: in, records the ring holds, 0 for VSVM_EVENTS_DEFAULT_CAPACITY */
	__u32 capacity;
	/** @fd: out, the new file descriptor */
	__s32 fd;
};

/* drm_vsvm_svm_counters.flags: the process with the next higher process id */
#define VSVM_COUNTERS_NEXT		0x1U

/**
 * struct drm_vsvm_svm_counters - per-process SVM counters on one GPU
 *
 * The counters of process @pid on the GPU of the file: monotonic since the
 * process's SVM context was created (it lives while the process has a vsvm
 * file open), except @vram_pages. With VSVM_COUNTERS_NEXT the kernel picks
 * the SVM process with the smallest process id above @pid, for listing
 * every process (start at 0).
 *
 * Errors: -EINVAL for unknown flags or non-zero pad; -EPERM for another
 * process (or VSVM_COUNTERS_NEXT) without CAP_SYS_ADMIN; -ESRCH if the
 * process (or, with VSVM_COUNTERS_NEXT, any further one) has no SVM
 * context.
 */
struct drm_vsvm_svm_counters {
	/** @pid: in, 0 for the caller's process, or a process id; out, the process id */
	__u32 pid;
	/** @flags: in, VSVM_COUNTERS_* */
	__u32 flags;
	/** @gpu_id: out, the GPU of the file */
	__u32 gpu_id;
	/** @pad: in, must be 0 */
	__u32 pad;
	/** @faults: GPU faults serviced (duplicates not included) */
	__u64 faults;
	/** @batches: fault batches serviced */
	__u64 batches;
	/** @duplicates: duplicate faults dropped */
	__u64 duplicates;
	/** @fatal: faults that stopped a queue */
	__u64 fatal;
	/** @pages_mapped: pages mapped on the GPU */
	__u64 pages_mapped;
	/** @pages_unmapped: pages unmapped from the GPU */
	__u64 pages_unmapped;
	/** @invalidations: CPU page-table changes that unmapped pages from the GPU */
	__u64 invalidations;
	/** @queue_evictions: times the queues were suspended for an invalidation */
	__u64 queue_evictions;
	/** @restores: times evicted ranges were mapped again */
	__u64 restores;
	/** @pages_in: pages migrated into the GPU's VRAM */
	__u64 pages_in;
	/** @pages_out: pages migrated out of the GPU's VRAM */
	__u64 pages_out;
	/** @cpu_faults: CPU faults that migrated pages out of the GPU's VRAM */
	__u64 cpu_faults;
	/** @vram_evictions: VRAM buffers of the process evicted from the GPU */
	__u64 vram_evictions;
	/** @bytes_copied: bytes the GPU's copy engine moved for migrations */
	__u64 bytes_copied;
	/** @vram_pages: pages of the process in the GPU's VRAM now */
	__u64 vram_pages;
	/** @exclusive: pages taken for device-exclusive access (GPU atomics) */
	__u64 exclusive;
};

#if defined(__cplusplus)
}
#endif

#endif /* __VSVM_DRM_H__ */
