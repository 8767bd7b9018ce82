/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright 2026 The vsvm authors
 */
#ifndef __VSVM_SVM_H__
#define __VSVM_SVM_H__

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/interval_tree.h>
#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "vsvm_drv.h"

struct drm_device;
struct drm_file;
struct seq_file;
struct vsvm_hw_ih_entry;
struct vsvm_vm;

/* Interval notifiers cover aligned blocks of this size (512 MiB) */
#define VSVM_SVM_GRANULE_SHIFT	29
#define VSVM_SVM_GRANULE	BIT_ULL(VSVM_SVM_GRANULE_SHIFT)

/*
 * Software bit of a mirror entry (&vsvm_svm_range.entries): the CPU maps the
 * page as part of a 2 MiB (or larger) folio mapping. Never written to the GPU.
 */
#define VSVM_SVM_ENTRY_CPU_HUGE	BIT_ULL(63)
/* Bits of a mirror entry that go into a GPU page-table entry */
#define VSVM_SVM_ENTRY_PTE_MASK	(~VSVM_SVM_ENTRY_CPU_HUGE)

/**
 * struct vsvm_svm_attrs - the SVM attributes in force at an address
 * @preferred_loc: gpu_id, VSVM_SVM_LOCATION_SYSMEM or _UNDEFINED
 * @prefetch_loc: gpu_id, VSVM_SVM_LOCATION_SYSMEM or _UNDEFINED
 * @flags: VSVM_SVM_FLAG_*
 * @granularity: log2 of the pages handled around a GPU fault
 * @access: GPU indices (&vsvm_device.index) with ACCESS
 * @access_in_place: GPU indices with ACCESS_IN_PLACE (never also in @access)
 */
struct vsvm_svm_attrs {
	u32 preferred_loc;
	u32 prefetch_loc;
	u32 flags;
	u32 granularity;
	unsigned long access;
	unsigned long access_in_place;
};

/**
 * struct vsvm_svm_stats - per-process, per-GPU counters (monotonic)
 * @faults: GPU fault entries serviced (duplicates not included)
 * @batches: fault batches serviced (one replay each)
 * @duplicates: fault entries dropped as duplicates of one in the same batch
 *	or answered by an earlier replay
 * @fatal: faults that stopped a queue
 * @pages_mapped: pages whose entries were written for the GPU
 * @invalidations: CPU page-table changes that unmapped pages from the GPU
 * @pages_unmapped: pages unmapped from the GPU by invalidations and teardown
 * @evictions: times the process's queues were suspended for an
 *	invalidation of an always-mapped range
 * @restores: restore-worker runs that mapped the evicted ranges again
 */
struct vsvm_svm_stats {
	atomic64_t faults;
	atomic64_t batches;
	atomic64_t duplicates;
	atomic64_t fatal;
	atomic64_t pages_mapped;
	atomic64_t invalidations;
	atomic64_t pages_unmapped;
	atomic64_t evictions;
	atomic64_t restores;
};

/**
 * struct vsvm_svm_gpu - a GPU as used by one process
 * @vdev: the GPU, or NULL while the process has no VM on it
 * @vms: the process's VMs on this GPU (&vsvm_vm.svm_link); changes under
 *	&vsvm_svm.lock and &vsvm_svm.notifier_lock, so either lock keeps it
 *	stable
 * @stats: counters
 */
struct vsvm_svm_gpu {
	struct vsvm_device *vdev;
	struct list_head vms;
	struct vsvm_svm_stats stats;
};

/**
 * struct vsvm_svm_notifier - an interval notifier over one granule
 * @mni: the notifier, over [@it.start, @it.last]
 * @it: node in &vsvm_svm.notifiers
 * @svm: the process context
 */
struct vsvm_svm_notifier {
	struct mmu_interval_notifier mni;
	struct interval_tree_node it;
	struct vsvm_svm *svm;
};

/**
 * struct vsvm_svm_range - a chunk of the mirror (2 MiB, 64 KiB or 4 KiB)
 * @it: [start, last] in bytes, node in &vsvm_svm.ranges; aligned to its
 *	size, inside one VMA, one attribute range and one notifier
 * @svm: the process context
 * @notifier: the notifier covering it
 * @npages: pages in the range
 * @attrs: the attributes the range was created with; a SET_ATTR that
 *	changes them over the range drops the range
 * @entries: per GPU index, @npages mirror entries, allocated on the first
 *	mapping for that GPU: DMA address of the page for that GPU's device |
 *	VSVM_PTE_VALID | READ | SYSTEM (| WRITE | ATOMIC) |
 *	%VSVM_SVM_ENTRY_CPU_HUGE, or 0 when the page is not mapped. Written
 *	under &vsvm_svm.notifier_lock.
 * @mapped: GPU indices with entries written to their VMs; notifier_lock
 * @keep_mapped: GPU indices the range must stay mapped on (retry off, or
 *	GPU_ALWAYS_MAPPED); set under &vsvm_svm.lock
 * @invalid: GPU indices of @keep_mapped that an invalidation unmapped and
 *	the restore worker must map again; notifier_lock
 * @unmapped: the CPU unmapped all or part of the range; it waits for the
 *	garbage collector and is never mapped again; notifier_lock
 * @gc_link: entry in &vsvm_svm.gc_list; notifier_lock
 */
struct vsvm_svm_range {
	struct interval_tree_node it;
	struct vsvm_svm *svm;
	struct vsvm_svm_notifier *notifier;
	unsigned long npages;
	struct vsvm_svm_attrs attrs;
	u64 *entries[VSVM_MAX_GPUS];
	unsigned long mapped;
	unsigned long keep_mapped;
	unsigned long invalid;
	bool unmapped;
	struct list_head gc_link;
};

/**
 * struct vsvm_svm_unmap - a CPU unmap the attributes have not seen yet
 * @start: first byte
 * @last: last byte
 * @link: entry in &vsvm_svm.unmap_list
 */
struct vsvm_svm_unmap {
	u64 start;
	u64 last;
	struct list_head link;
};

/**
 * struct vsvm_svm - the SVM process context, one per mm
 * @mn: mm notifier, found and counted with mmu_notifier_get()/put(); one
 *	reference per attached file
 * @mm: the process's mm (@mn.mm)
 * @pid: thread-group id of the process that created the context
 * @comm: its command name, for debugfs
 * @link: entry in the global list of contexts, for debugfs
 * @lock: protects @nfiles, @retry, @attrs, @notifiers, @keep_mapped bits,
 *	inserting and removing ranges (with @notifier_lock) and the GPU VM
 *	lists (with @notifier_lock); serialises fault service, attribute
 *	changes, the garbage collector and the restore worker. Taken before
 *	the mmap lock. Never taken by the MMU notifier.
 * @notifier_lock: the notifier lock of the mirror: protects page validity
 *	(&vsvm_svm_range.entries, mapped, invalid, unmapped), @gc_list,
 *	@evicted and @evict_seq, and every SVM page-table write. Taken by the
 *	MMU notifier, so nothing that allocates memory with reclaim, takes a
 *	dma_resv lock or waits for a fence may run under it.
 * @nfiles: attached files; the last detach tears the mirror and the
 *	attributes down
 * @retry: retry mode (DRM_IOCTL_VSVM_SVM_RETRY)
 * @attrs: attribute tree (vsvm_svm_attr.c), non-overlapping ranges
 * @ranges: mirror ranges, &struct vsvm_svm_range
 * @notifiers: &struct vsvm_svm_notifier by granule
 * @gpus: the GPUs, by &vsvm_device.index
 * @gc_list: unmapped ranges waiting for @gc_work
 * @unmap_list: &struct vsvm_svm_unmap records of CPU unmaps, whose
 *	attributes the garbage collector removes; notifier_lock
 * @unmap_scan: a record could not be allocated: the garbage collector
 *	removes the attributes of every address without a VMA; notifier_lock
 * @gc_work: garbage collector: frees unmapped ranges and their page tables
 *	and the attributes of unmapped memory (vsvm_svm_gc_flush())
 * @restore_work: maps evicted always-mapped ranges again and resumes the
 *	queues
 * @evicted: the process's queues are suspended for an invalidation
 * @evict_seq: bumped by every invalidation of a @keep_mapped range
 */
struct vsvm_svm {
	struct mmu_notifier mn;
	struct mm_struct *mm;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	struct list_head link;
	struct mutex lock; /* see above */
	struct mutex notifier_lock; /* see above */
	unsigned int nfiles;
	bool retry;
	struct rb_root_cached attrs;
	struct rb_root_cached ranges;
	struct rb_root_cached notifiers;
	struct vsvm_svm_gpu gpus[VSVM_MAX_GPUS];
	struct list_head gc_list;
	struct list_head unmap_list;
	bool unmap_scan;
	struct work_struct gc_work;
	struct delayed_work restore_work;
	bool evicted;
	u64 evict_seq;
};

/* vsvm_svm.c: process context */
int vsvm_svm_file_attach(struct vsvm_file *vfile);
void vsvm_svm_file_detach(struct vsvm_file *vfile);
int vsvm_svm_gpu_index(struct vsvm_svm *svm, u32 gpu_id);
unsigned long vsvm_svm_gpu_mask(struct vsvm_svm *svm);
int vsvm_svm_check_caller(struct vsvm_file *vfile);
int vsvm_svm_bind_check(struct vsvm_vm *vm, u64 start, u64 last);
bool vsvm_svm_gem_overlap(struct vsvm_svm *svm, u64 start, u64 last);
bool vsvm_svm_gem_clip(struct vsvm_svm *svm, unsigned int gpu, u64 addr, u64 *start, u64 *end);
void vsvm_svm_suspend_queues(struct vsvm_svm *svm);
void vsvm_svm_resume_queues(struct vsvm_svm *svm);
void vsvm_svm_debugfs_show(struct seq_file *m, struct vsvm_device *vdev);
void vsvm_svm_module_exit(void);
int vsvm_ioctl_svm_retry(struct drm_device *drm, void *data, struct drm_file *file);

/* vsvm_svm_attr.c: attribute tree and the attribute ioctls */
void vsvm_svm_attr_defaults(struct vsvm_svm *svm, struct vsvm_svm_attrs *a);
void vsvm_svm_attr_lookup(struct vsvm_svm *svm, u64 addr, struct vsvm_svm_attrs *a,
			  u64 *start, u64 *last);
bool vsvm_svm_attr_overlap(struct vsvm_svm *svm, u64 start, u64 last);
void vsvm_svm_attr_unmap(struct vsvm_svm *svm, u64 start, u64 last);
void vsvm_svm_attr_fini(struct vsvm_svm *svm);
int vsvm_ioctl_svm_set_attr(struct drm_device *drm, void *data, struct drm_file *file);
int vsvm_ioctl_svm_get_attr(struct drm_device *drm, void *data, struct drm_file *file);

/* vsvm_svm_mirror.c: mirror ranges, notifiers, mapping, invalidation */
int vsvm_svm_notifiers_ensure(struct vsvm_svm *svm, u64 start, u64 end);
int vsvm_svm_map(struct vsvm_svm *svm, unsigned int gpu, u64 start, u64 end, u32 access,
		 const struct vsvm_svm_attrs *attrs);
void vsvm_svm_gc_flush(struct vsvm_svm *svm);
void vsvm_svm_mirror_drop(struct vsvm_svm *svm, u64 start, u64 last);
void vsvm_svm_mirror_vm_attach(struct vsvm_svm *svm, struct vsvm_vm *vm);
void vsvm_svm_mirror_gpu_detach(struct vsvm_svm *svm, unsigned int gpu);
void vsvm_svm_mirror_init(struct vsvm_svm *svm);
void vsvm_svm_mirror_fini(struct vsvm_svm *svm);
void vsvm_svm_mirror_stats(struct vsvm_svm *svm, unsigned int gpu, u64 *ranges, u64 *pages);

/* vsvm_svm_fault.c: GPU fault service */
void vsvm_svm_fault_batch(struct vsvm_device *vdev, const struct vsvm_hw_ih_entry *e,
			  unsigned int n);

#endif /* __VSVM_SVM_H__ */
