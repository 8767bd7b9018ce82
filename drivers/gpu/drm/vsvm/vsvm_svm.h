/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright 2026 The vsvm authors
 */
#ifndef __VSVM_SVM_H__
#define __VSVM_SVM_H__

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/interval_tree.h>
#include <linux/kref.h>
#include <linux/llist.h>
#include <linux/memremap.h>
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
struct dma_fence;
struct ttm_buffer_object;
struct vm_area_struct;
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
 * @exclusive: pages taken for device-exclusive access for GPU atomics
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
	atomic64_t exclusive;
};

/**
 * struct vsvm_svm_vram_count - migration counters of one process on one GPU
 * @pages_in: pages migrated from system memory to the GPU's VRAM
 * @pages_out: pages migrated from the GPU's VRAM to system memory
 * @cpu_faults: CPU faults that migrated pages out of the GPU's VRAM
 * @vram_evictions: VRAM buffers of the process TTM evicted from the GPU
 * @bytes_copied: bytes the GPU's copy engine moved for the migrations
 * @vram_pages: pages of the process in the GPU's VRAM now (not monotonic)
 */
struct vsvm_svm_vram_count {
	atomic64_t pages_in;
	atomic64_t pages_out;
	atomic64_t cpu_faults;
	atomic64_t vram_evictions;
	atomic64_t bytes_copied;
	atomic64_t vram_pages;
};

/**
 * struct vsvm_svm_vram_stats - migration counters of one process
 * @ref: held by the process context and by each of its VRAM buffers, so
 *	that pages in VRAM (in a forked child, say) outliving the context can
 *	still count their way out
 * @pid: thread-group id of the process, for events
 * @gpu: counters per GPU index
 */
struct vsvm_svm_vram_stats {
	struct kref ref;
	pid_t pid;
	struct vsvm_svm_vram_count gpu[VSVM_MAX_GPUS];
};

/**
 * struct vsvm_svm_pagemap - the struct pages of a GPU's VRAM
 * @pgmap: the device pagemap: MEMORY_DEVICE_PRIVATE over a free physical
 *	region, or MEMORY_DEVICE_COHERENT over the VRAM's own physical range
 * @vdev: the GPU
 * @res: the region requested for device-private pages, or NULL
 * @pfn_first: page frame of VRAM offset 0
 * @free_list: VRAM buffers whose last page was freed, for @free_work
 * @free_work: drops the TTM references of the buffers on @free_list
 *	(page_free() may run in atomic context)
 */
struct vsvm_svm_pagemap {
	struct dev_pagemap pgmap;
	struct vsvm_device *vdev;
	struct resource *res;
	unsigned long pfn_first;
	struct llist_head free_list;
	struct work_struct free_work;
};

/**
 * struct vsvm_svm_bo - VRAM holding SVM pages: an evictable TTM object
 * @bo: the buffer object (&vsvm_bo.svm set); never has a GEM handle
 * @pm: the pagemap of its GPU
 * @refs: one per VRAM page in use (from zone_device_page_init() to
 *	page_free()) and one while the buffer is being filled; the last one
 *	drops the TTM reference
 * @stats: counters of the process that filled it (a reference)
 * @granularity: granularity attribute the data was migrated with; a CPU
 *	fault migrates that block back
 * @fault_vdev: the GPU whose fault batch filled it, or NULL
 * @fault_seq: that batch's &vsvm_device.fault_seq, 0 when not filled by one
 * @free_node: entry in &vsvm_svm_pagemap.free_list
 */
struct vsvm_svm_bo {
	struct vsvm_bo bo;
	struct vsvm_svm_pagemap *pm;
	atomic_t refs;
	struct vsvm_svm_vram_stats *stats;
	u32 granularity;
	struct vsvm_device *fault_vdev;
	u64 fault_seq;
	struct llist_node free_node;
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
 * struct vsvm_svm_mirror_use - what the mirror of one GPU holds now
 * @ranges: ranges with entries for the GPU
 * @pages: valid entries of the GPU
 * @bytes: metadata of those ranges: their &struct vsvm_svm_range and the
 *	GPU's entry arrays (the interval notifiers, one per 512 MiB, and the
 *	GPU's page tables are not included)
 */
struct vsvm_svm_mirror_use {
	u64 ranges;
	u64 pages;
	u64 bytes;
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
 * @vram_stats: migration counters, shared with the process's VRAM buffers
 * @prefetch_list: queued asynchronous prefetches
 *	(&struct vsvm_svm_prefetch_req); @lock
 * @prefetch_work: runs the queued prefetches
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
	struct vsvm_svm_vram_stats *vram_stats;
	struct list_head prefetch_list;
	struct work_struct prefetch_work;
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
int vsvm_svm_counters(unsigned int gpu, u32 *pid, bool next, struct vsvm_svm_stats *stats,
		      struct vsvm_svm_vram_count *vram);
void vsvm_svm_module_exit(void);
int vsvm_ioctl_svm_retry(struct drm_device *drm, void *data, struct drm_file *file);

/* vsvm_svm_attr.c: attribute tree and the attribute ioctls */
void vsvm_svm_attr_defaults(struct vsvm_svm *svm, struct vsvm_svm_attrs *a);
void vsvm_svm_attr_lookup(struct vsvm_svm *svm, u64 addr, struct vsvm_svm_attrs *a,
			  u64 *start, u64 *last);
bool vsvm_svm_attr_overlap(struct vsvm_svm *svm, u64 start, u64 last);
int vsvm_svm_attr_check_range(struct vsvm_svm *svm, u64 start, u64 last);
void vsvm_svm_attr_unmap(struct vsvm_svm *svm, u64 start, u64 last);
void vsvm_svm_attr_fini(struct vsvm_svm *svm);
int vsvm_ioctl_svm_set_attr(struct drm_device *drm, void *data, struct drm_file *file);
int vsvm_ioctl_svm_get_attr(struct drm_device *drm, void *data, struct drm_file *file);

/* vsvm_svm_mirror.c: mirror ranges, notifiers, mapping, invalidation */
int vsvm_svm_notifiers_ensure(struct vsvm_svm *svm, u64 start, u64 end);
int vsvm_svm_map(struct vsvm_svm *svm, unsigned int gpu, u64 start, u64 end, u32 access,
		 const struct vsvm_svm_attrs *attrs);
int vsvm_svm_map_exclusive(struct vsvm_svm *svm, unsigned int gpu, u64 addr,
			   const struct vsvm_svm_attrs *attrs);
void vsvm_svm_gc_flush(struct vsvm_svm *svm);
void vsvm_svm_mirror_drop(struct vsvm_svm *svm, u64 start, u64 last);
void vsvm_svm_mirror_vm_attach(struct vsvm_svm *svm, struct vsvm_vm *vm);
void vsvm_svm_mirror_gpu_detach(struct vsvm_svm *svm, unsigned int gpu);
void vsvm_svm_mirror_init(struct vsvm_svm *svm);
void vsvm_svm_mirror_fini(struct vsvm_svm *svm);
void vsvm_svm_mirror_stats(struct vsvm_svm *svm, unsigned int gpu,
			   struct vsvm_svm_mirror_use *use);

/* vsvm_svm_vram.c: VRAM pages and the VRAM buffers of SVM */
int vsvm_svm_pagemap_init(struct vsvm_device *vdev, phys_addr_t vram_phys);
bool vsvm_svm_page_is_vram(const struct page *page);
struct vsvm_device *vsvm_svm_page_vdev(const struct page *page);
u64 vsvm_svm_page_offset(const struct page *page);
void *vsvm_svm_pgmap_owner(void);
struct vsvm_svm_vram_stats *vsvm_svm_vram_stats_alloc(void);
void vsvm_svm_vram_stats_put(struct vsvm_svm_vram_stats *stats);
struct vsvm_svm_bo *vsvm_svm_bo_alloc(struct vsvm_device *vdev, unsigned long npages,
				      struct vsvm_svm_vram_stats *stats, u32 granularity,
				      struct vsvm_device *fault_vdev);
bool vsvm_svm_bo_evictable(struct ttm_buffer_object *tbo);
void vsvm_svm_bo_pfns(struct vsvm_svm_bo *sbo, unsigned long *pfns);
void vsvm_svm_bo_page_init(struct vsvm_svm_bo *sbo, struct page *page);
void vsvm_svm_bo_done(struct vsvm_svm_bo *sbo);
u32 vsvm_svm_page_granularity(const struct page *page);
struct vsvm_svm_vram_count *vsvm_svm_page_count(const struct page *page);
pid_t vsvm_svm_page_pid(const struct page *page);
int vsvm_svm_bo_evict(struct ttm_buffer_object *tbo);

/* vsvm_svm_migrate.c: migration with migrate_vma and the copy engine */
long vsvm_svm_migrate_fault(struct vsvm_svm *svm, unsigned int gpu, u64 start, u64 end,
			    u32 access, const struct vsvm_svm_attrs *attrs);
int vsvm_svm_migrate_split(struct vsvm_svm *svm, u64 addr);
int vsvm_svm_migrate_out_pfns(unsigned long *src, unsigned long npages);
vm_fault_t vsvm_svm_migrate_to_ram(struct vm_fault *vmf);
void vsvm_svm_prefetch_init(struct vsvm_svm *svm);
int vsvm_svm_prefetch(struct vsvm_svm *svm, int gpu, u64 start, u64 end, bool map);
int vsvm_ioctl_svm_prefetch(struct drm_device *drm, void *data, struct drm_file *file);

/* vsvm_svm_fault.c: GPU fault service */
void vsvm_svm_fault_batch(struct vsvm_device *vdev, const struct vsvm_hw_ih_entry *e,
			  unsigned int n);

#endif /* __VSVM_SVM_H__ */
