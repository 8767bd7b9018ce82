// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: SVM mirror
 *
 * The mirror holds, per GPU, the entries that map the process's pages into
 * that GPU's VMs. It is made of mirror ranges (&struct vsvm_svm_range):
 * aligned chunks of 2 MiB, 64 KiB or 4 KiB, each inside one VMA (when it was
 * made), one attribute range and one interval notifier, in the interval tree
 * &vsvm_svm.ranges. Interval notifiers (&struct vsvm_svm_notifier) cover
 * aligned 512 MiB granules and live until the last file of the process is
 * closed.
 *
 * Mapping (vsvm_svm_map()) walks the request in pieces, each inside one VMA,
 * one granule and one 2 MiB block. For a piece it creates the missing ranges
 * (as large as the granularity attribute allows), then runs the classic HMM
 * loop: mmu_interval_read_begin(), hmm_range_fault() under the mmap read
 * lock (-EBUSY restarts it), DMA mapping of the pages for the GPU's device,
 * then, under the notifier lock, mmu_interval_read_retry() and, if nothing
 * invalidated the pages meanwhile, the commit of the entries. A collision
 * starts over, for at most HMM_RANGE_DEFAULT_TIMEOUT ms (then -EAGAIN).
 * Finally every VM of the GPU gets the entries of the ranges of the piece:
 * its tables are prepared under &vsvm_vm.pt_lock, the entries written under
 * the notifier lock from the mirror as it is then (so a VM never maps a page
 * the mirror does not), as one 2 MiB entry when the range is a 2 MiB run of
 * one CPU huge page, else as 4 KiB entries. New and upgraded entries need no
 * TLB flush: the hardware walks again on a miss or a permission miss.
 *
 * Pages come from hmm_range_fault() with the shared pagemap owner of the
 * vsvm GPUs, so a page in VRAM comes back as the VRAM page it is: one in
 * this GPU's VRAM is mapped as VRAM (its offset, no SYSTEM bit, no DMA
 * mapping), one in another GPU's VRAM as a peer entry (its offset, PEER and
 * the peer's index: the GPUs reach each other's VRAM over their link); both
 * with WRITE and ATOMIC as the CPU mapping and the attributes allow (atomics
 * on VRAM need no COHERENT).
 *
 * GPU atomics on system memory: with COHERENT the link does them, and
 * writable system pages are mapped with ATOMIC. Without it,
 * vsvm_svm_map_exclusive() takes the faulting page for device-exclusive
 * access (make_device_exclusive_range(), after splitting a PMD-mapped huge
 * page with vsvm_svm_migrate_split()) and maps it with ATOMIC; the
 * conversion's own notifier event (MMU_NOTIFY_EXCLUSIVE with the pagemap
 * owner) is ignored, since the page stays where the entries say. The CPU's
 * next touch restores its mapping with an event of no owner, which clears
 * the entry like any invalidation, and the GPU faults again.
 *
 * Entries of system pages: the DMA address of the page | VALID | READ |
 * SYSTEM, WRITE and ATOMIC as the CPU mapping and the attributes allow,
 * EXEC with GPU_EXEC,
 * and two software bits: %VSVM_SVM_ENTRY_CPU_HUGE, and
 * %VSVM_SVM_ENTRY_DMA_TO_DEVICE for pages the CPU mapped read-only, which
 * are DMA-mapped DMA_TO_DEVICE (the GPU never writes them). The zero page or
 * a page shared after fork may be mapped many times that way; writable pages
 * are mapped DMA_BIDIRECTIONAL. The GPU is cache coherent, so no mapping
 * needs CPU cache maintenance (DMA_ATTR_SKIP_CPU_SYNC). A page already
 * mapped keeps its DMA mapping, its permissions only grow, except that a
 * read-only page that became writable gets a new, bidirectional mapping:
 * its entries are cleared from the VMs and the TLBs flushed first.
 *
 * Invalidation (the interval notifier's callback), under the notifier lock:
 * the ranges that must stay mapped (&vsvm_svm_range.keep_mapped: retry off,
 * or GPU_ALWAYS_MAPPED) and had pages mapped in the interval are marked
 * invalid and the process's queues suspended (eviction) before any entry is
 * cleared, so that no wave of a no-retry queue meets a cleared entry; the
 * restore worker is scheduled. Then the entries are cleared from every VM of
 * the GPUs concerned, each VM's TLB is flushed once over the interval, and
 * only then the pages are DMA-unmapped and their entries zeroed. A CPU unmap
 * (MMU_NOTIFY_UNMAP) also marks the ranges unmapped, which are never mapped
 * again, and records the interval (or, if no record can be allocated,
 * &vsvm_svm.unmap_scan) for the garbage collector. Each GPU that lost
 * entries gets a GPU_UNMAP event, its trigger from the notifier event (CPU
 * unmap, migration, any other CPU page-table change); vsvm_svm_mirror_drop()
 * reports its unmaps as ADVICE.
 *
 * Garbage collector (vsvm_svm_gc_flush(), also run by &vsvm_svm.gc_work):
 * frees the unmapped ranges (entries cleared, TLBs flushed, pages unmapped,
 * page tables trimmed) and removes the attributes of unmapped memory. The
 * mapping path and the fault service run it first. vsvm_svm_mirror_drop()
 * frees the ranges of an interval the same way.
 *
 * Restore (&vsvm_svm.restore_work): maps the invalid ranges again on their
 * GPUs and resumes the queues, unless another eviction happened meanwhile
 * (&vsvm_svm.evict_seq), in which case it runs again.
 *
 * LOCKING
 *
 * &vsvm_svm.lock (held by every caller here, taken by the workers) makes
 * the structure stable: ranges and notifiers are inserted and removed only
 * under it (ranges also under the notifier lock), so a range pointer stays
 * valid while it is held and no garbage collection runs. The mmap lock nests
 * inside it: held to look up VMAs and create ranges (so that an unmap either
 * precedes the lookup or invalidates the new ranges), and around
 * hmm_range_fault(); never across the notifier lock or
 * mmu_interval_notifier_insert(). &vsvm_vm.pt_lock is held from vm_prepare
 * to the entry writes. &vsvm_svm.notifier_lock, innermost, protects the
 * entries, &vsvm_svm_range.mapped, invalid, unmapped and keep_mapped (the
 * latter also needs &vsvm_svm.lock to change), the garbage-collector lists
 * and the eviction state, and covers every entry write and clear of the
 * SVM ranges. Nothing under it allocates with reclaim (the unmap records
 * use GFP_NOWAIT), sleeps on a fence or takes another of these locks;
 * memory is freed and page tables trimmed (vsvm_vm_trim() takes it itself)
 * after it is dropped. hmm_range_fault() is never called with it held, and
 * mmu_interval_notifier_remove() is called with no lock held.
 */

#include <linux/bitfield.h>
#include <linux/bitops.h>
#include <linux/dma-mapping.h>
#include <linux/hmm.h>
#include <linux/interval_tree.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/rmap.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <uapi/drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_event.h"
#include "vsvm_svm.h"
#include "vsvm_vhw.h"
#include "vsvm_vm.h"

/*
 * Software bit of a mirror entry: the CPU mapped the page read-only and it is
 * DMA-mapped DMA_TO_DEVICE. Never written to the GPU.
 */
#define VSVM_SVM_ENTRY_DMA_TO_DEVICE	BIT_ULL(62)
/* Bits of a mirror entry that go into a GPU page-table entry */
#define VSVM_SVM_ENTRY_HW_MASK		(VSVM_SVM_ENTRY_PTE_MASK & ~VSVM_SVM_ENTRY_DMA_TO_DEVICE)
/* Entry bits that may only grow while a page stays mapped */
#define VSVM_SVM_ENTRY_GROW		(VSVM_PTE_WRITE | VSVM_PTE_ATOMIC)

#define VSVM_SVM_HUGE_PAGES		(SZ_2M >> PAGE_SHIFT)
#define VSVM_SVM_HUGE_ORDER		(VSVM_HW_HUGE_SHIFT - PAGE_SHIFT)
/* Entries written to the hardware per vm_write_ptes call */
#define VSVM_SVM_PTE_BATCH		64
#define VSVM_SVM_DMA_ATTRS		DMA_ATTR_SKIP_CPU_SYNC
#define VSVM_SVM_WRITES			(VSVM_HW_ACCESS_WRITE | VSVM_HW_ACCESS_ATOMIC)

/**
 * struct vsvm_svm_piece - the part of a mapping request handled at once
 * @n: the notifier covering it
 * @start: first byte
 * @end: end (exclusive); inside one VMA, one notifier and one 2 MiB block
 * @vdev: the GPU the piece is mapped on
 * @access: VSVM_HW_ACCESS_* bits of the request
 * @write: hmm_range_fault() is asked for writable pages
 * @exclusive: one system page taken for device-exclusive access
 *	(vsvm_svm_map_exclusive()): its entry gets ATOMIC without COHERENT
 * @excl_page: that page while it is locked and referenced, or NULL
 * @seq: notifier sequence @pfns were read under
 * @pfns: hmm_range_fault() output, one per page
 * @dma: per page, the DMA mapping made for the commit (the VRAM offset
 *	for a page in this GPU's VRAM), or DMA_MAPPING_ERROR (none: the entry
 *	is kept, or the address went into the entry)
 */
struct vsvm_svm_piece {
	struct vsvm_svm_notifier *n;
	u64 start;
	u64 end;
	struct vsvm_device *vdev;
	u32 access;
	bool write;
	bool exclusive;
	struct page *excl_page;
	unsigned long seq;
	unsigned long *pfns;
	dma_addr_t *dma;
};

static struct vsvm_svm_range *vsvm_svm_range_of(struct interval_tree_node *it)
{
	return it ? container_of(it, struct vsvm_svm_range, it) : NULL;
}

static struct vsvm_svm_range *vsvm_svm_range_first(struct vsvm_svm *svm, u64 start, u64 last)
{
	return vsvm_svm_range_of(interval_tree_iter_first(&svm->ranges, start, last));
}

static struct vsvm_svm_range *vsvm_svm_range_next(struct vsvm_svm_range *r, u64 start, u64 last)
{
	return vsvm_svm_range_of(interval_tree_iter_next(&r->it, start, last));
}

static u64 vsvm_svm_range_end(const struct vsvm_svm_range *r)
{
	return (u64)r->it.last + 1;
}

static struct device *vsvm_svm_dev(struct vsvm_svm *svm, unsigned int gpu)
{
	return svm->gpus[gpu].vdev->drm.dev;
}

static enum dma_data_direction vsvm_svm_dma_dir(bool writable)
{
	return writable ? DMA_BIDIRECTIONAL : DMA_TO_DEVICE;
}

static void vsvm_svm_entry_unmap(struct device *dev, u64 entry)
{
	/* A VRAM page has no DMA mapping */
	if (!(entry & VSVM_PTE_SYSTEM))
		return;
	dma_unmap_page_attrs(dev, entry & VSVM_PTE_ADDR_MASK, PAGE_SIZE,
			     vsvm_svm_dma_dir(!(entry & VSVM_SVM_ENTRY_DMA_TO_DEVICE)),
			     VSVM_SVM_DMA_ATTRS);
}

/* Unmap and zero the valid entries of @gpu for [@s, @e) of @r; returns how many */
static u64 vsvm_svm_entries_unmap(struct vsvm_svm *svm, struct vsvm_svm_range *r,
				  unsigned int gpu, u64 s, u64 e)
{
	u64 *entries = r->entries[gpu];
	unsigned long i, last = (e - r->it.start) >> PAGE_SHIFT;
	struct vsvm_device *vdev = svm->gpus[gpu].vdev;
	u64 n = 0;

	lockdep_assert_held(&svm->notifier_lock);
	if (!entries || WARN_ON_ONCE(!vdev))
		return 0;
	for (i = (s - r->it.start) >> PAGE_SHIFT; i < last; i++) {
		if (!(entries[i] & VSVM_PTE_VALID))
			continue;
		vsvm_svm_entry_unmap(vdev->drm.dev, entries[i]);
		entries[i] = 0;
		n++;
	}
	return n;
}

/* The GPUs with a valid entry for a page of @r in [@s, @e) */
static unsigned long vsvm_svm_range_valid_gpus(const struct vsvm_svm_range *r, u64 s, u64 e)
{
	unsigned long first = (max_t(u64, s, r->it.start) - r->it.start) >> PAGE_SHIFT;
	unsigned long last = (min_t(u64, e, vsvm_svm_range_end(r)) - r->it.start) >> PAGE_SHIFT;
	unsigned long gpus = 0, i;
	unsigned int gpu;

	for (gpu = 0; gpu < VSVM_MAX_GPUS; gpu++) {
		if (!r->entries[gpu])
			continue;
		for (i = first; i < last; i++) {
			if (r->entries[gpu][i] & VSVM_PTE_VALID) {
				gpus |= BIT(gpu);
				break;
			}
		}
	}
	return gpus;
}

/* Clear [@s, @e) in every VM of @gpus (no TLB flush) */
static void vsvm_svm_vms_clear(struct vsvm_svm *svm, unsigned long gpus, u64 s, u64 e)
{
	struct vsvm_vm *vm;
	unsigned int gpu;

	lockdep_assert_held(&svm->notifier_lock);
	for_each_set_bit(gpu, &gpus, VSVM_MAX_GPUS)
		list_for_each_entry(vm, &svm->gpus[gpu].vms, svm_link)
			vm->vdev->hw_ops->vm_clear(vm->hw, s, e - s);
}

/* Flush [@s, @e) from the TLBs of every VM of @gpus */
static void vsvm_svm_vms_flush(struct vsvm_svm *svm, unsigned long gpus, u64 s, u64 e)
{
	struct vsvm_vm *vm;
	unsigned int gpu;

	lockdep_assert_held(&svm->notifier_lock);
	for_each_set_bit(gpu, &gpus, VSVM_MAX_GPUS)
		list_for_each_entry(vm, &svm->gpus[gpu].vms, svm_link)
			vm->vdev->hw_ops->tlb_invalidate(vm->hw, s, e - s);
}

/* Unmap the valid entries of every GPU for [@s, @e) of @r, counting per GPU */
static void vsvm_svm_range_unmap_pages(struct vsvm_svm *svm, struct vsvm_svm_range *r,
				       u64 s, u64 e, u64 *counts)
{
	unsigned int gpu;

	s = max_t(u64, s, r->it.start);
	e = min_t(u64, e, vsvm_svm_range_end(r));
	for (gpu = 0; gpu < VSVM_MAX_GPUS; gpu++)
		counts[gpu] += vsvm_svm_entries_unmap(svm, r, gpu, s, e);
}

/*
 * Count the pages unmapped from each GPU in [@s, @e) and report the unmap
 * with @trigger (VSVM_UNMAP_TRIGGER_*); an invalidation unless ADVICE
 */
static void vsvm_svm_count_unmapped(struct vsvm_svm *svm, const u64 *counts, u64 s, u64 e,
				    u32 trigger)
{
	unsigned int gpu;

	for (gpu = 0; gpu < VSVM_MAX_GPUS; gpu++) {
		if (!counts[gpu])
			continue;
		atomic64_add(counts[gpu], &svm->gpus[gpu].stats.pages_unmapped);
		if (trigger != VSVM_UNMAP_TRIGGER_ADVICE)
			atomic64_inc(&svm->gpus[gpu].stats.invalidations);
		vsvm_event_gpu_unmap(svm->pid, svm->gpus[gpu].vdev->gpu_id, s, e - s, trigger);
	}
}

static void vsvm_svm_range_mark_unmapped(struct vsvm_svm *svm, struct vsvm_svm_range *r)
{
	if (r->unmapped)
		return;
	r->unmapped = true;
	list_add_tail(&r->gc_link, &svm->gc_list);
}

/* Record a CPU unmap of [@s, @e) for the garbage collector */
static void vsvm_svm_record_unmap(struct vsvm_svm *svm, u64 s, u64 e)
{
	struct vsvm_svm_unmap *u = kmalloc(sizeof(*u), GFP_NOWAIT | __GFP_NOWARN);

	if (!u) {
		svm->unmap_scan = true;
		return;
	}
	u->start = s;
	u->last = e - 1;
	list_add_tail(&u->link, &svm->unmap_list);
}

/* Suspend the queues for an invalidation of ranges @gpus must keep mapped */
static void vsvm_svm_evict(struct vsvm_svm *svm, unsigned long gpus)
{
	unsigned int gpu;

	lockdep_assert_held(&svm->notifier_lock);
	if (!svm->evicted) {
		svm->evicted = true;
		vsvm_svm_suspend_queues(svm);
		for_each_set_bit(gpu, &gpus, VSVM_MAX_GPUS)
			atomic64_inc(&svm->gpus[gpu].stats.evictions);
	}
	svm->evict_seq++;
	mod_delayed_work(system_unbound_wq, &svm->restore_work, msecs_to_jiffies(1));
}

/* Invalidate [@s, @e), inside one notifier, for VSVM_UNMAP_TRIGGER_* @trigger */
static void vsvm_svm_invalidate_ranges(struct vsvm_svm *svm, u64 s, u64 e, u32 trigger)
{
	bool unmap = trigger == VSVM_UNMAP_TRIGGER_CPU_UNMAP;
	unsigned long touched = 0, evict = 0, valid;
	u64 counts[VSVM_MAX_GPUS] = {};
	struct vsvm_svm_range *r;

	lockdep_assert_held(&svm->notifier_lock);
	for (r = vsvm_svm_range_first(svm, s, e - 1); r; r = vsvm_svm_range_next(r, s, e - 1)) {
		valid = vsvm_svm_range_valid_gpus(r, s, e);
		touched |= valid;
		if (unmap) {
			vsvm_svm_range_mark_unmapped(svm, r);
		} else if (!r->unmapped && (valid & r->keep_mapped)) {
			r->invalid |= valid & r->keep_mapped;
			evict |= valid & r->keep_mapped;
		}
	}
	/* Queues stop before an entry they rely on is cleared */
	if (evict)
		vsvm_svm_evict(svm, evict);
	if (!touched)
		return;

	for (r = vsvm_svm_range_first(svm, s, e - 1); r; r = vsvm_svm_range_next(r, s, e - 1))
		vsvm_svm_vms_clear(svm, r->mapped & touched, max_t(u64, s, r->it.start),
				   min_t(u64, e, vsvm_svm_range_end(r)));
	vsvm_svm_vms_flush(svm, touched, s, e);
	for (r = vsvm_svm_range_first(svm, s, e - 1); r; r = vsvm_svm_range_next(r, s, e - 1))
		vsvm_svm_range_unmap_pages(svm, r, s, e, counts);
	vsvm_svm_count_unmapped(svm, counts, s, e, trigger);
}

static u32 vsvm_svm_unmap_trigger(const struct mmu_notifier_range *range)
{
	switch (range->event) {
	case MMU_NOTIFY_UNMAP:
		return VSVM_UNMAP_TRIGGER_CPU_UNMAP;
	case MMU_NOTIFY_MIGRATE:
		return VSVM_UNMAP_TRIGGER_MIGRATION;
	default:
		return VSVM_UNMAP_TRIGGER_CPU_CHANGE;
	}
}

static bool vsvm_svm_invalidate(struct mmu_interval_notifier *mni,
				const struct mmu_notifier_range *range, unsigned long cur_seq)
{
	struct vsvm_svm_notifier *n = container_of(mni, struct vsvm_svm_notifier, mni);
	struct vsvm_svm *svm = n->svm;
	u64 s = max_t(u64, range->start, n->it.start);
	u64 e = min_t(u64, range->end, (u64)n->it.last + 1);
	bool unmap = range->event == MMU_NOTIFY_UNMAP;

	/*
	 * Our own device-exclusive conversion keeps the page where it is: the
	 * GPUs' entries stay right (the CPU's next touch revokes it with an
	 * event of no owner).
	 */
	if (range->event == MMU_NOTIFY_EXCLUSIVE && range->owner == vsvm_svm_pgmap_owner())
		return true;
	if (!mmu_notifier_range_blockable(range))
		return false;

	mutex_lock(&svm->notifier_lock);
	mmu_interval_set_seq(mni, cur_seq);
	vsvm_svm_invalidate_ranges(svm, s, e, vsvm_svm_unmap_trigger(range));
	if (unmap)
		vsvm_svm_record_unmap(svm, s, e);
	mutex_unlock(&svm->notifier_lock);

	if (unmap)
		queue_work(system_unbound_wq, &svm->gc_work);
	return true;
}

static const struct mmu_interval_notifier_ops vsvm_svm_notifier_ops = {
	.invalidate = vsvm_svm_invalidate,
};

static int vsvm_svm_notifier_add(struct vsvm_svm *svm, u64 start)
{
	struct vsvm_svm_notifier *n;
	int ret;

	n = kzalloc(sizeof(*n), GFP_KERNEL_ACCOUNT);
	if (!n)
		return -ENOMEM;
	n->svm = svm;
	n->it.start = start;
	n->it.last = start + VSVM_SVM_GRANULE - 1;
	ret = mmu_interval_notifier_insert(&n->mni, svm->mm, start, VSVM_SVM_GRANULE,
					   &vsvm_svm_notifier_ops);
	if (ret) {
		kfree(n);
		return ret;
	}
	interval_tree_insert(&n->it, &svm->notifiers);
	return 0;
}

/**
 * vsvm_svm_notifiers_ensure() - make interval notifiers cover a range
 * @svm: the process context
 * @start: first byte
 * @end: end of the range (exclusive)
 *
 * Inserts a notifier for every 512 MiB granule overlapping [@start, @end)
 * that has none yet. Notifiers stay until vsvm_svm_mirror_fini().
 *
 * Context: &vsvm_svm.lock held, the mmap lock not held; the caller holds a
 * reference on the mm's users (mmget).
 * Return: 0 or -errno (the notifiers inserted before the error stay).
 */
int vsvm_svm_notifiers_ensure(struct vsvm_svm *svm, u64 start, u64 end)
{
	u64 granule;
	int ret;

	lockdep_assert_held(&svm->lock);
	for (granule = round_down(start, VSVM_SVM_GRANULE); granule < end;
	     granule += VSVM_SVM_GRANULE) {
		if (interval_tree_iter_first(&svm->notifiers, granule,
					     granule + VSVM_SVM_GRANULE - 1))
			continue;
		ret = vsvm_svm_notifier_add(svm, granule);
		if (ret)
			return ret;
	}
	return 0;
}

/* Take @r out of the tree and the garbage-collector list, onto @list */
static void vsvm_svm_range_unlink(struct vsvm_svm *svm, struct vsvm_svm_range *r,
				  struct list_head *list)
{
	lockdep_assert_held(&svm->lock);
	lockdep_assert_held(&svm->notifier_lock);
	interval_tree_remove(&r->it, &svm->ranges);
	list_move_tail(&r->gc_link, list);
}

/* Clear, flush and unmap every entry of the unlinked ranges on @list */
static void vsvm_svm_ranges_zap(struct vsvm_svm *svm, struct list_head *list, u32 trigger)
{
	u64 counts[VSVM_MAX_GPUS] = {};
	u64 s = U64_MAX, e = 0;
	struct vsvm_svm_range *r;
	unsigned long gpus = 0;

	lockdep_assert_held(&svm->notifier_lock);
	list_for_each_entry(r, list, gc_link) {
		vsvm_svm_vms_clear(svm, r->mapped, r->it.start, vsvm_svm_range_end(r));
		gpus |= r->mapped;
		s = min_t(u64, s, r->it.start);
		e = max_t(u64, e, vsvm_svm_range_end(r));
	}
	if (gpus)
		vsvm_svm_vms_flush(svm, gpus, s, e);
	list_for_each_entry(r, list, gc_link)
		vsvm_svm_range_unmap_pages(svm, r, r->it.start, vsvm_svm_range_end(r), counts);
	vsvm_svm_count_unmapped(svm, counts, s, e, trigger);
}

/* Free the page tables of [@s, @e) that map nothing, in the VMs of @gpus */
static void vsvm_svm_trim(struct vsvm_svm *svm, unsigned long gpus, u64 s, u64 e)
{
	struct vsvm_vm *vm;
	unsigned int gpu;

	lockdep_assert_held(&svm->lock);
	for_each_set_bit(gpu, &gpus, VSVM_MAX_GPUS) {
		list_for_each_entry(vm, &svm->gpus[gpu].vms, svm_link) {
			mutex_lock(&vm->pt_lock);
			vsvm_vm_trim(vm, s, e - s);
			mutex_unlock(&vm->pt_lock);
		}
	}
}

static void vsvm_svm_range_free(struct vsvm_svm_range *r)
{
	unsigned int gpu;

	for (gpu = 0; gpu < VSVM_MAX_GPUS; gpu++)
		kvfree(r->entries[gpu]);
	kfree(r);
}

/*
 * Trim the page tables of the zapped ranges on @list, adjacent ranges with the
 * same GPUs at once, and free the ranges.
 */
static void vsvm_svm_ranges_free(struct vsvm_svm *svm, struct list_head *list)
{
	struct vsvm_svm_range *r, *tmp;
	unsigned long gpus = 0;
	u64 s = 0, e = 0;

	list_for_each_entry_safe(r, tmp, list, gc_link) {
		if (r->it.start != e || r->mapped != gpus) {
			vsvm_svm_trim(svm, gpus, s, e);
			s = r->it.start;
			gpus = r->mapped;
		}
		e = vsvm_svm_range_end(r);
		list_del(&r->gc_link);
		vsvm_svm_range_free(r);
	}
	vsvm_svm_trim(svm, gpus, s, e);
}

/* Remove the attributes of every address without a VMA */
static void vsvm_svm_unmap_scan(struct vsvm_svm *svm)
{
	struct mm_struct *mm = svm->mm;
	u64 addr = 0, end = mm->task_size;
	struct vm_area_struct *vma;
	struct vma_iterator vmi;

	if (!mmget_not_zero(mm))
		return;
	mmap_read_lock(mm);
	vma_iter_init(&vmi, mm, 0);
	for_each_vma_range(vmi, vma, end) {
		if (vma->vm_start > addr)
			vsvm_svm_attr_unmap(svm, addr, vma->vm_start - 1);
		addr = vma->vm_end;
	}
	if (addr < end)
		vsvm_svm_attr_unmap(svm, addr, end - 1);
	mmap_read_unlock(mm);
	mmput(mm);
}

/**
 * vsvm_svm_gc_flush() - run the garbage collector now
 * @svm: the process context
 *
 * Frees the ranges the CPU unmapped (their entries cleared from the VMs,
 * TLBs flushed, pages DMA-unmapped, page tables trimmed) and removes the
 * attributes of the memory the CPU unmapped since the last run.
 *
 * Context: &vsvm_svm.lock held; takes the mmap lock only if an unmap record
 * could not be allocated.
 */
void vsvm_svm_gc_flush(struct vsvm_svm *svm)
{
	struct vsvm_svm_range *r, *tmp;
	struct vsvm_svm_unmap *u, *next;
	LIST_HEAD(ranges);
	LIST_HEAD(unmaps);
	bool scan;

	lockdep_assert_held(&svm->lock);
	mutex_lock(&svm->notifier_lock);
	list_for_each_entry_safe(r, tmp, &svm->gc_list, gc_link)
		vsvm_svm_range_unlink(svm, r, &ranges);
	list_splice_init(&svm->unmap_list, &unmaps);
	scan = svm->unmap_scan;
	svm->unmap_scan = false;
	/* Their entries went at the CPU unmap */
	vsvm_svm_ranges_zap(svm, &ranges, VSVM_UNMAP_TRIGGER_CPU_UNMAP);
	mutex_unlock(&svm->notifier_lock);

	vsvm_svm_ranges_free(svm, &ranges);
	list_for_each_entry_safe(u, next, &unmaps, link) {
		vsvm_svm_attr_unmap(svm, u->start, u->last);
		list_del(&u->link);
		kfree(u);
	}
	if (scan)
		vsvm_svm_unmap_scan(svm);
}

static void vsvm_svm_gc_work(struct work_struct *work)
{
	struct vsvm_svm *svm = container_of(work, struct vsvm_svm, gc_work);

	mutex_lock(&svm->lock);
	vsvm_svm_gc_flush(svm);
	mutex_unlock(&svm->lock);
}

/**
 * vsvm_svm_mirror_drop() - destroy the mirror ranges overlapping an interval
 * @svm: the process context
 * @start: first byte
 * @last: last byte
 *
 * Every range overlapping [@start, @last] is removed whole: its entries are
 * cleared from the VMs of every GPU, the TLBs flushed, its pages
 * DMA-unmapped and its page tables trimmed. Used when attributes change, the
 * retry mode switches, a buffer object is bound over mirrored memory and the
 * process exits.
 *
 * Context: &vsvm_svm.lock held.
 */
void vsvm_svm_mirror_drop(struct vsvm_svm *svm, u64 start, u64 last)
{
	struct vsvm_svm_range *r;
	LIST_HEAD(ranges);

	lockdep_assert_held(&svm->lock);
	mutex_lock(&svm->notifier_lock);
	while ((r = vsvm_svm_range_first(svm, start, last)))
		vsvm_svm_range_unlink(svm, r, &ranges);
	vsvm_svm_ranges_zap(svm, &ranges, VSVM_UNMAP_TRIGGER_ADVICE);
	mutex_unlock(&svm->notifier_lock);
	vsvm_svm_ranges_free(svm, &ranges);
}

/* Largest chunk at @addr that ends by @limit and that the granularity allows */
static u64 vsvm_svm_chunk_size(u64 addr, u64 limit, u32 granularity)
{
	static const u64 sizes[] = { SZ_2M, SZ_64K };
	u64 max = (u64)PAGE_SIZE << min_t(u32, granularity, VSVM_SVM_HUGE_ORDER);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		if (sizes[i] <= max && IS_ALIGNED(addr, sizes[i]) && addr + sizes[i] <= limit)
			return sizes[i];
	return SZ_4K;
}

/* Create a range at @addr, ending by @limit, with entries for @gpu */
static int vsvm_svm_range_create(struct vsvm_svm *svm, unsigned int gpu,
				 struct vsvm_svm_notifier *n, u64 addr, u64 limit,
				 const struct vsvm_svm_attrs *attrs, u64 *next)
{
	u64 size = vsvm_svm_chunk_size(addr, limit, attrs->granularity);
	struct vsvm_svm_range *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	r->npages = size >> PAGE_SHIFT;
	r->entries[gpu] = kvcalloc(r->npages, sizeof(u64), GFP_KERNEL_ACCOUNT);
	if (!r->entries[gpu]) {
		kfree(r);
		return -ENOMEM;
	}
	r->it.start = addr;
	r->it.last = addr + size - 1;
	r->svm = svm;
	r->notifier = n;
	r->attrs = *attrs;
	INIT_LIST_HEAD(&r->gc_link);

	mutex_lock(&svm->notifier_lock);
	interval_tree_insert(&r->it, &svm->ranges);
	mutex_unlock(&svm->notifier_lock);
	*next = addr + size;
	return 0;
}

/* Give an existing range entries for @gpu */
static int vsvm_svm_range_add_gpu(struct vsvm_svm *svm, struct vsvm_svm_range *r,
				  unsigned int gpu)
{
	u64 *entries;

	if (r->entries[gpu])
		return 0;
	entries = kvcalloc(r->npages, sizeof(u64), GFP_KERNEL_ACCOUNT);
	if (!entries)
		return -ENOMEM;
	mutex_lock(&svm->notifier_lock);
	r->entries[gpu] = entries;
	mutex_unlock(&svm->notifier_lock);
	return 0;
}

/*
 * Cover the piece with ranges that have entries for @gpu: existing ranges
 * are kept as they are, the gaps get new chunks.
 */
static int vsvm_svm_ranges_ensure(struct vsvm_svm *svm, unsigned int gpu,
				  const struct vsvm_svm_piece *p,
				  const struct vsvm_svm_attrs *attrs)
{
	struct vsvm_svm_range *r;
	u64 addr, next;
	int ret;

	lockdep_assert_held(&svm->lock);
	for (addr = p->start; addr < p->end; addr = next) {
		r = vsvm_svm_range_first(svm, addr, p->end - 1);
		if (r && r->it.start <= addr) {
			ret = vsvm_svm_range_add_gpu(svm, r, gpu);
			next = vsvm_svm_range_end(r);
		} else {
			ret = vsvm_svm_range_create(svm, gpu, p->n, addr, r ? r->it.start : p->end,
						    attrs, &next);
		}
		if (ret)
			return ret;
	}
	return 0;
}

static int vsvm_svm_vma_check(const struct vm_area_struct *vma, u32 access)
{
	if (!vma || (vma->vm_flags & (VM_IO | VM_PFNMAP)) || !(vma->vm_flags & VM_READ))
		return -EFAULT;
	if ((access & VSVM_SVM_WRITES) && !(vma->vm_flags & VM_WRITE))
		return -EPERM;
	return 0;
}

/* Whether the pages are faulted in writable */
static bool vsvm_svm_want_write(const struct vm_area_struct *vma, u32 access,
				const struct vsvm_svm_attrs *attrs)
{
	if (attrs->flags & VSVM_SVM_FLAG_GPU_RO)
		return false;
	if (access & VSVM_SVM_WRITES)
		return true;
	return (vma->vm_flags & VM_WRITE) && !(attrs->flags & VSVM_SVM_FLAG_GPU_READ_MOSTLY);
}

/*
 * Set up the piece at @addr: the largest part of [@addr, @end) in one VMA,
 * one notifier and one 2 MiB block, covered by ranges with entries for @gpu.
 */
static int vsvm_svm_piece_init(struct vsvm_svm *svm, unsigned int gpu, struct vsvm_svm_piece *p,
			       u64 addr, u64 end, const struct vsvm_svm_attrs *attrs)
{
	struct vm_area_struct *vma;
	int ret;

	p->n = container_of(interval_tree_iter_first(&svm->notifiers, addr, addr),
			    struct vsvm_svm_notifier, it);
	p->start = addr;
	mmap_read_lock(svm->mm);
	vma = vma_lookup(svm->mm, addr);
	ret = vsvm_svm_vma_check(vma, p->access);
	if (!ret) {
		p->end = min3(end, (u64)vma->vm_end, (u64)p->n->it.last + 1);
		p->end = min_t(u64, p->end, round_down(addr, SZ_2M) + SZ_2M);
		p->write = vsvm_svm_want_write(vma, p->access, attrs);
		ret = vsvm_svm_ranges_ensure(svm, gpu, p, attrs);
	}
	mmap_read_unlock(svm->mm);
	return ret;
}

static unsigned long vsvm_svm_piece_pages(const struct vsvm_svm_piece *p)
{
	return (p->end - p->start) >> PAGE_SHIFT;
}

/*
 * Fault the pages of the piece in and record the notifier sequence. VRAM
 * pages of every vsvm GPU come back as they are (the pagemap owner is
 * shared).
 */
static int vsvm_svm_get_pages(struct vsvm_svm *svm, struct vsvm_svm_piece *p,
			      unsigned long timeout)
{
	struct hmm_range range = {
		.notifier = &p->n->mni,
		.start = p->start,
		.end = p->end,
		.hmm_pfns = p->pfns,
		.default_flags = HMM_PFN_REQ_FAULT | (p->write ? HMM_PFN_REQ_WRITE : 0),
		.dev_private_owner = vsvm_svm_pgmap_owner(),
	};
	int ret;

	do {
		if (time_after(jiffies, timeout))
			return -EAGAIN;
		range.notifier_seq = mmu_interval_read_begin(range.notifier);
		mmap_read_lock(svm->mm);
		ret = hmm_range_fault(&range);
		mmap_read_unlock(svm->mm);
	} while (ret == -EBUSY);
	p->seq = range.notifier_seq;
	return ret;
}

/*
 * Under the mmap lock, fault the one page of @p in writable and look at it
 * before it is taken for device-exclusive access: a VRAM page needs nothing
 * (*@vram); a page the CPU maps with a PMD is split first (-EBUSY: look
 * again), since make_device_exclusive_range() takes no page of a large
 * folio; a large folio the CPU maps with PTEs cannot be split here
 * (-EOPNOTSUPP).
 */
static int vsvm_svm_excl_prepare(struct vsvm_svm *svm, struct vsvm_svm_piece *p, bool *vram)
{
	struct hmm_range range = {
		.notifier = &p->n->mni,
		.notifier_seq = p->seq,
		.start = p->start,
		.end = p->end,
		.hmm_pfns = p->pfns,
		.default_flags = HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE,
		.dev_private_owner = vsvm_svm_pgmap_owner(),
	};
	struct page *page;
	int ret;

	ret = hmm_range_fault(&range);
	if (ret)
		return ret;
	page = hmm_pfn_to_page(p->pfns[0]);
	*vram = vsvm_svm_page_is_vram(page);
	if (*vram)
		return 0;
	if (hmm_pfn_to_map_order(p->pfns[0]) >= VSVM_SVM_HUGE_ORDER)
		return vsvm_svm_migrate_split(svm, p->start) ?: -EBUSY;
	return folio_test_large(page_folio(page)) ? -EOPNOTSUPP : 0;
}

/*
 * Take the one system page of @p for device-exclusive access and record
 * the notifier sequence: the CPU's mapping becomes a device-exclusive entry
 * (our own notifier event, which the mirror ignores) until the CPU touches
 * the page again. Returns with the page locked and referenced in
 * @p->excl_page; a VRAM page is returned as hmm_range_fault() gave it.
 */
static int vsvm_svm_get_exclusive(struct vsvm_svm *svm, struct vsvm_svm_piece *p,
				  unsigned long timeout)
{
	struct page *page = NULL;
	bool vram;
	int ret;

	/* make_device_exclusive_range() exists only with DEVICE_PRIVATE */
	if (!IS_ENABLED(CONFIG_DEVICE_PRIVATE))
		return -EOPNOTSUPP;
	do {
		if (time_after(jiffies, timeout))
			return -EAGAIN;
		p->seq = mmu_interval_read_begin(&p->n->mni);
		mmap_read_lock(svm->mm);
		ret = vsvm_svm_excl_prepare(svm, p, &vram);
		if (!ret && !vram) {
			ret = make_device_exclusive_range(svm->mm, p->start, p->end, &page,
							  vsvm_svm_pgmap_owner());
			/* Found but not taken: its folio lock was busy */
			ret = ret < 0 ? ret : page ? 0 : -EBUSY;
		}
		mmap_read_unlock(svm->mm);
	} while (ret == -EBUSY);
	if (ret || !page)
		return ret;
	p->excl_page = page;
	p->pfns[0] = page_to_pfn(page) | HMM_PFN_VALID | HMM_PFN_WRITE;
	return 0;
}

/* Let the CPU's next touch revoke the page taken for device-exclusive access */
static void vsvm_svm_excl_release(struct vsvm_svm_piece *p)
{
	if (!p->excl_page)
		return;
	unlock_page(p->excl_page);
	put_page(p->excl_page);
	p->excl_page = NULL;
}

/*
 * The entry bits of a VRAM page, in this GPU's VRAM or a peer's (over the
 * link): atomics need no COHERENT
 */
static u64 vsvm_svm_vram_flags(const struct vsvm_svm_piece *p, unsigned long pfn,
			       const struct vsvm_svm_attrs *a, bool read)
{
	struct vsvm_device *owner = vsvm_svm_page_vdev(hmm_pfn_to_page(pfn));
	u64 flags = VSVM_PTE_VALID | VSVM_PTE_READ;

	if (owner != p->vdev)
		flags |= VSVM_PTE_PEER | FIELD_PREP(VSVM_PTE_PEER_MASK, owner->index);
	if ((pfn & HMM_PFN_WRITE) && !(a->flags & VSVM_SVM_FLAG_GPU_RO) &&
	    !(read && (a->flags & VSVM_SVM_FLAG_GPU_READ_MOSTLY)))
		flags |= VSVM_PTE_WRITE | VSVM_PTE_ATOMIC;
	if (a->flags & VSVM_SVM_FLAG_GPU_EXEC)
		flags |= VSVM_PTE_EXEC;
	return flags;
}

/* The entry bits (without address) of page @pfn of @p in a range with @a */
static u64 vsvm_svm_entry_flags(const struct vsvm_svm_piece *p, unsigned long pfn,
				const struct vsvm_svm_attrs *a)
{
	bool read = !(p->access & VSVM_SVM_WRITES);
	u64 flags = VSVM_PTE_VALID | VSVM_PTE_READ | VSVM_PTE_SYSTEM;

	if (vsvm_svm_page_is_vram(hmm_pfn_to_page(pfn)))
		return vsvm_svm_vram_flags(p, pfn, a, read);

	if (!(pfn & HMM_PFN_WRITE)) {
		flags |= VSVM_SVM_ENTRY_DMA_TO_DEVICE;
	} else if (!(a->flags & VSVM_SVM_FLAG_GPU_RO) &&
		   !(read && (a->flags & VSVM_SVM_FLAG_GPU_READ_MOSTLY))) {
		flags |= VSVM_PTE_WRITE;
		if ((a->flags & VSVM_SVM_FLAG_COHERENT) || p->exclusive)
			flags |= VSVM_PTE_ATOMIC;
	}
	if (a->flags & VSVM_SVM_FLAG_GPU_EXEC)
		flags |= VSVM_PTE_EXEC;
	if (hmm_pfn_to_map_order(pfn) >= VSVM_SVM_HUGE_ORDER)
		flags |= VSVM_SVM_ENTRY_CPU_HUGE;
	return flags;
}

/*
 * Whether entry @old stays for a page now mapped with bits @flags: it does
 * unless it is invalid, or read-only DMA-mapped while @flags needs WRITE.
 */
static bool vsvm_svm_entry_keep(u64 old, u64 flags)
{
	if (!(old & VSVM_PTE_VALID))
		return false;
	return !((old & VSVM_SVM_ENTRY_DMA_TO_DEVICE) && (flags & VSVM_PTE_WRITE));
}

static u64 vsvm_svm_piece_flags(const struct vsvm_svm_piece *p, const struct vsvm_svm_range *r,
				u64 addr)
{
	return vsvm_svm_entry_flags(p, p->pfns[(addr - p->start) >> PAGE_SHIFT], &r->attrs);
}

/*
 * Mark the pages whose entries stay (DMA_MAPPING_ERROR in @p->dma); the
 * others need a DMA mapping. Entries change only by invalidation, which
 * mmu_interval_read_retry() catches, or under &vsvm_svm.lock, held here.
 */
static void vsvm_svm_piece_snapshot(struct vsvm_svm *svm, unsigned int gpu,
				    struct vsvm_svm_piece *p)
{
	struct vsvm_svm_range *r;
	u64 addr, s, e;

	memset(p->dma, 0, vsvm_svm_piece_pages(p) * sizeof(*p->dma));
	mutex_lock(&svm->notifier_lock);
	for (r = vsvm_svm_range_first(svm, p->start, p->end - 1); r;
	     r = vsvm_svm_range_next(r, p->start, p->end - 1)) {
		s = max_t(u64, p->start, r->it.start);
		e = min_t(u64, p->end, vsvm_svm_range_end(r));
		for (addr = s; addr < e; addr += PAGE_SIZE) {
			if (vsvm_svm_entry_keep(r->entries[gpu][(addr - r->it.start) >> PAGE_SHIFT],
						vsvm_svm_piece_flags(p, r, addr)))
				p->dma[(addr - p->start) >> PAGE_SHIFT] = DMA_MAPPING_ERROR;
		}
	}
	mutex_unlock(&svm->notifier_lock);
}

/* Undo the DMA mappings of @p->dma that no entry took */
static void vsvm_svm_piece_unmap(struct vsvm_svm *svm, unsigned int gpu,
				 struct vsvm_svm_piece *p)
{
	struct device *dev = vsvm_svm_dev(svm, gpu);
	unsigned long i, n = vsvm_svm_piece_pages(p);

	for (i = 0; i < n; i++) {
		if (p->dma[i] == DMA_MAPPING_ERROR)
			continue;
		if (vsvm_svm_page_is_vram(hmm_pfn_to_page(p->pfns[i]))) {
			p->dma[i] = DMA_MAPPING_ERROR;
			continue;
		}
		dma_unmap_page_attrs(dev, p->dma[i], PAGE_SIZE,
				     vsvm_svm_dma_dir(p->pfns[i] & HMM_PFN_WRITE),
				     VSVM_SVM_DMA_ATTRS);
		p->dma[i] = DMA_MAPPING_ERROR;
	}
}

/* DMA-map the pages of the piece whose entries do not stay */
static int vsvm_svm_piece_map(struct vsvm_svm *svm, unsigned int gpu, struct vsvm_svm_piece *p)
{
	struct device *dev = vsvm_svm_dev(svm, gpu);
	unsigned long i, n = vsvm_svm_piece_pages(p);
	struct page *page;
	dma_addr_t addr;

	vsvm_svm_piece_snapshot(svm, gpu, p);
	for (i = 0; i < n; i++) {
		if (p->dma[i] == DMA_MAPPING_ERROR)
			continue;
		page = hmm_pfn_to_page(p->pfns[i]);
		/* This GPU's VRAM: the entry takes the VRAM offset */
		if (vsvm_svm_page_is_vram(page)) {
			p->dma[i] = vsvm_svm_page_offset(page);
			continue;
		}
		addr = dma_map_page_attrs(dev, page, 0, PAGE_SIZE,
					  vsvm_svm_dma_dir(p->pfns[i] & HMM_PFN_WRITE),
					  VSVM_SVM_DMA_ATTRS);
		if (dma_mapping_error(dev, addr)) {
			for (; i < n; i++)
				p->dma[i] = DMA_MAPPING_ERROR;
			vsvm_svm_piece_unmap(svm, gpu, p);
			return -ENOMEM;
		}
		p->dma[i] = addr;
	}
	return 0;
}

/*
 * Read-only DMA mappings of [@s, @e) of @r whose pages became writable are
 * replaced: the range leaves the GPU's VMs and TLBs (the writes after the
 * commit bring it back), then those entries are unmapped and zeroed.
 */
static void vsvm_svm_range_upgrade(struct vsvm_svm *svm, unsigned int gpu,
				   const struct vsvm_svm_piece *p, struct vsvm_svm_range *r,
				   u64 s, u64 e)
{
	u64 *entries = r->entries[gpu];
	bool replace = false;
	unsigned long i;
	u64 addr;

	for (addr = s; addr < e && !replace; addr += PAGE_SIZE) {
		i = (addr - r->it.start) >> PAGE_SHIFT;
		replace = (entries[i] & VSVM_PTE_VALID) &&
			  !vsvm_svm_entry_keep(entries[i], vsvm_svm_piece_flags(p, r, addr));
	}
	if (!replace)
		return;

	vsvm_svm_vms_clear(svm, BIT(gpu), r->it.start, vsvm_svm_range_end(r));
	vsvm_svm_vms_flush(svm, BIT(gpu), r->it.start, vsvm_svm_range_end(r));
	for (addr = s; addr < e; addr += PAGE_SIZE) {
		i = (addr - r->it.start) >> PAGE_SHIFT;
		if ((entries[i] & VSVM_PTE_VALID) &&
		    !vsvm_svm_entry_keep(entries[i], vsvm_svm_piece_flags(p, r, addr))) {
			vsvm_svm_entry_unmap(vsvm_svm_dev(svm, gpu), entries[i]);
			entries[i] = 0;
		}
	}
}

/* Commit the pages of the piece that fall in @r; returns pages newly mapped */
static u64 vsvm_svm_commit_range(struct vsvm_svm *svm, unsigned int gpu,
				 struct vsvm_svm_piece *p, struct vsvm_svm_range *r)
{
	u64 s = max_t(u64, p->start, r->it.start);
	u64 e = min_t(u64, p->end, vsvm_svm_range_end(r));
	u64 *entries = r->entries[gpu];
	u64 addr, flags, added = 0;
	unsigned long i, j;

	vsvm_svm_range_upgrade(svm, gpu, p, r, s, e);
	for (addr = s; addr < e; addr += PAGE_SIZE) {
		i = (addr - r->it.start) >> PAGE_SHIFT;
		j = (addr - p->start) >> PAGE_SHIFT;
		flags = vsvm_svm_entry_flags(p, p->pfns[j], &r->attrs);
		if (vsvm_svm_entry_keep(entries[i], flags)) {
			entries[i] |= flags & VSVM_SVM_ENTRY_GROW;
			continue;
		}
		/* Not possible: no entry changed since the snapshot */
		if (WARN_ON_ONCE(p->dma[j] == DMA_MAPPING_ERROR))
			continue;
		entries[i] = p->dma[j] | flags;
		p->dma[j] = DMA_MAPPING_ERROR;
		added++;
	}

	r->mapped |= BIT(gpu);
	if (!svm->retry || (r->attrs.flags & VSVM_SVM_FLAG_GPU_ALWAYS_MAPPED))
		r->keep_mapped |= BIT(gpu);
	if (s == r->it.start && e == vsvm_svm_range_end(r))
		r->invalid &= ~BIT(gpu);
	return added;
}

/* Commit the piece into the mirror; -EAGAIN if a range of it was unmapped */
static int vsvm_svm_commit(struct vsvm_svm *svm, unsigned int gpu, struct vsvm_svm_piece *p)
{
	struct vsvm_svm_range *r;
	u64 added = 0;
	int ret = 0;

	lockdep_assert_held(&svm->lock);
	lockdep_assert_held(&svm->notifier_lock);
	for (r = vsvm_svm_range_first(svm, p->start, p->end - 1); r;
	     r = vsvm_svm_range_next(r, p->start, p->end - 1)) {
		if (r->unmapped)
			ret = -EAGAIN;
		else
			added += vsvm_svm_commit_range(svm, gpu, p, r);
	}
	atomic64_add(added, &svm->gpus[gpu].stats.pages_mapped);
	return ret;
}

/* Whether @entries are 512 valid, identical, CPU-huge entries of one 2 MiB run */
static bool vsvm_svm_entries_huge(const struct vsvm_svm_range *r, const u64 *entries)
{
	u64 flags = entries[0] & ~VSVM_PTE_ADDR_MASK;
	u64 addr = entries[0] & VSVM_PTE_ADDR_MASK;
	unsigned long i;

	if (r->npages != VSVM_SVM_HUGE_PAGES || !(flags & VSVM_PTE_VALID) ||
	    !(flags & VSVM_SVM_ENTRY_CPU_HUGE) || !IS_ALIGNED(addr, SZ_2M))
		return false;
	for (i = 1; i < r->npages; i++)
		if (entries[i] != ((addr + ((u64)i << PAGE_SHIFT)) | flags))
			return false;
	return true;
}

/* Write the entries of @r for @vm's GPU into @vm; tables prepared */
static void vsvm_svm_range_write(struct vsvm_vm *vm, const struct vsvm_svm_range *r,
				 const u64 *entries)
{
	const struct vsvm_hw_ops *ops = vm->vdev->hw_ops;
	u64 ptes[VSVM_SVM_PTE_BATCH];
	unsigned long i, j, n;

	if ((vm->vdev->caps.page_sizes & SZ_2M) && vsvm_svm_entries_huge(r, entries)) {
		ptes[0] = (entries[0] & VSVM_SVM_ENTRY_HW_MASK) | VSVM_PTE_HUGE;
		ops->vm_write_ptes(vm->hw, r->it.start, ptes, 1, VSVM_HW_HUGE_SHIFT);
		return;
	}
	for (i = 0; i < r->npages; i += n) {
		n = min_t(unsigned long, r->npages - i, ARRAY_SIZE(ptes));
		for (j = 0; j < n; j++)
			ptes[j] = entries[i + j] & VSVM_SVM_ENTRY_HW_MASK;
		ops->vm_write_ptes(vm->hw, r->it.start + ((u64)i << PAGE_SHIFT), ptes, n,
				   VSVM_HW_PAGE_SHIFT);
	}
}

/* Write the ranges overlapping [@s, @e) into @vm, from the mirror as it is */
static void vsvm_svm_vm_write(struct vsvm_svm *svm, struct vsvm_vm *vm, u64 s, u64 e)
{
	unsigned int gpu = vm->vdev->index;
	struct vsvm_svm_range *r;

	lockdep_assert_held(&vm->pt_lock);
	lockdep_assert_held(&svm->notifier_lock);
	for (r = vsvm_svm_range_first(svm, s, e - 1); r; r = vsvm_svm_range_next(r, s, e - 1))
		if (!r->unmapped && r->entries[gpu])
			vsvm_svm_range_write(vm, r, r->entries[gpu]);
}

/* Write the piece's ranges into every VM of @gpu */
static int vsvm_svm_piece_write(struct vsvm_svm *svm, unsigned int gpu,
				const struct vsvm_svm_piece *p)
{
	/* The ranges of the piece lie in its 2 MiB block: one level-0 table */
	u64 block = round_down(p->start, SZ_2M);
	struct vsvm_vm *vm;
	int ret;

	list_for_each_entry(vm, &svm->gpus[gpu].vms, svm_link) {
		mutex_lock(&vm->pt_lock);
		ret = vm->vdev->hw_ops->vm_prepare(vm->hw, block, SZ_2M, GFP_KERNEL_ACCOUNT);
		if (!ret) {
			mutex_lock(&svm->notifier_lock);
			vsvm_svm_vm_write(svm, vm, p->start, p->end);
			mutex_unlock(&svm->notifier_lock);
		}
		mutex_unlock(&vm->pt_lock);
		if (ret)
			return ret;
	}
	return 0;
}

/* The HMM retry loop for one piece, then the writes to the VMs */
static int vsvm_svm_piece_do(struct vsvm_svm *svm, unsigned int gpu, struct vsvm_svm_piece *p)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	bool retry;
	int ret;

	do {
		ret = p->exclusive ? vsvm_svm_get_exclusive(svm, p, timeout) :
				     vsvm_svm_get_pages(svm, p, timeout);
		if (!ret)
			ret = vsvm_svm_piece_map(svm, gpu, p);
		if (ret) {
			vsvm_svm_excl_release(p);
			return ret;
		}

		mutex_lock(&svm->notifier_lock);
		retry = mmu_interval_read_retry(&p->n->mni, p->seq);
		if (!retry)
			ret = vsvm_svm_commit(svm, gpu, p);
		mutex_unlock(&svm->notifier_lock);
		if (!retry && p->excl_page)
			atomic64_inc(&svm->gpus[gpu].stats.exclusive);
		vsvm_svm_excl_release(p);
		vsvm_svm_piece_unmap(svm, gpu, p);
	} while (retry);

	/* Even with a range unmapped (-EAGAIN), the others were committed */
	return vsvm_svm_piece_write(svm, gpu, p) ?: ret;
}

/**
 * vsvm_svm_map() - mirror a range of the process's memory on a GPU
 * @svm: the process context
 * @gpu: GPU index; the process has a VM on it
 * @start: first byte, page aligned
 * @end: end of the range (exclusive), page aligned
 * @access: VSVM_HW_ACCESS_* bits of the access that needs the mapping
 *	(READ for a prefetch or an eager mapping)
 * @attrs: the attributes in force over the whole range (copied first: the
 *	garbage collector this runs may free the node they come from)
 *
 * Runs the garbage collector, makes sure notifiers cover the range, then
 * for each piece (one VMA, one granule, one 2 MiB block): creates the
 * missing mirror ranges, faults the pages in with hmm_range_fault(), maps
 * them for DMA, commits them under the notifier lock unless an invalidation
 * collided (then starts the piece over) and writes them into every VM of
 * the GPU. The range must not overlap a buffer-object binding.
 *
 * Context: &vsvm_svm.lock held, with a reference on the mm's users (mmget);
 * the mmap lock not held.
 * Return: 0; -EFAULT for a hole, an I/O or PFN mapping or memory without
 * read permission; -EPERM for a write or atomic to memory without write
 * permission; -EAGAIN if invalidations kept colliding or part of the range
 * was unmapped meanwhile; -ENOMEM; -ENODEV if the process has no VM on
 * @gpu. The pieces before the failing one stay mapped.
 */
int vsvm_svm_map(struct vsvm_svm *svm, unsigned int gpu, u64 start, u64 end, u32 access,
		 const struct vsvm_svm_attrs *attrs)
{
	struct vsvm_svm_piece p = { .access = access, .vdev = svm->gpus[gpu].vdev };
	struct vsvm_svm_attrs a = *attrs;
	unsigned long n;
	u64 addr;
	int ret;

	lockdep_assert_held(&svm->lock);
	if (list_empty(&svm->gpus[gpu].vms))
		return -ENODEV;
	if (start >= end)
		return 0;
	vsvm_svm_gc_flush(svm);
	ret = vsvm_svm_notifiers_ensure(svm, start, end);
	if (ret)
		return ret;

	n = min_t(u64, end - start, SZ_2M) >> PAGE_SHIFT;
	p.pfns = kvmalloc_array(n, sizeof(*p.pfns), GFP_KERNEL);
	p.dma = kvmalloc_array(n, sizeof(*p.dma), GFP_KERNEL);
	if (!p.pfns || !p.dma) {
		ret = -ENOMEM;
		goto out;
	}
	for (addr = start; addr < end && !ret; addr = p.end) {
		ret = vsvm_svm_piece_init(svm, gpu, &p, addr, end, &a);
		if (!ret)
			ret = vsvm_svm_piece_do(svm, gpu, &p);
	}
out:
	kvfree(p.dma);
	kvfree(p.pfns);
	return ret;
}

/**
 * vsvm_svm_map_exclusive() - map a system page for GPU atomics
 * @svm: the process context
 * @gpu: GPU index; the process has a VM on it
 * @addr: the page, page aligned
 * @attrs: the attributes in force at @addr (without COHERENT: the link
 *	does no atomics on system memory)
 *
 * Takes the page for device-exclusive access with
 * make_device_exclusive_range() and maps it on @gpu with ATOMIC: the CPU's
 * next touch of the page restores its own mapping, which invalidates the
 * GPU's entry, and the GPU faults again on its next atomic. A page the CPU
 * maps as part of a PMD (a transparent huge page) is split first. A page
 * in VRAM (this GPU's or a peer's) needs no exclusive access and is mapped
 * as it is.
 *
 * Context: &vsvm_svm.lock held, with a reference on the mm's users; the
 * mmap lock not held.
 * Return: 0, or as vsvm_svm_map(); -EOPNOTSUPP for a page of a large folio
 * the CPU maps with PTEs, or on a kernel without DEVICE_PRIVATE (no
 * device-exclusive access: %VSVM_CAP_SVM_ATOMIC_EXCLUSIVE is not reported).
 */
int vsvm_svm_map_exclusive(struct vsvm_svm *svm, unsigned int gpu, u64 addr,
			   const struct vsvm_svm_attrs *attrs)
{
	struct vsvm_svm_piece p = {
		.access = VSVM_HW_ACCESS_ATOMIC,
		.exclusive = true,
		.vdev = svm->gpus[gpu].vdev,
	};
	struct vsvm_svm_attrs a = *attrs;
	unsigned long pfn;
	dma_addr_t dma;
	int ret;

	lockdep_assert_held(&svm->lock);
	if (list_empty(&svm->gpus[gpu].vms))
		return -ENODEV;
	p.pfns = &pfn;
	p.dma = &dma;
	ret = vsvm_svm_notifiers_ensure(svm, addr, addr + PAGE_SIZE) ?:
	      vsvm_svm_piece_init(svm, gpu, &p, addr, addr + PAGE_SIZE, &a);
	return ret ?: vsvm_svm_piece_do(svm, gpu, &p);
}

/*
 * The first range at or after @addr that must be mapped again: its bounds,
 * GPUs and attributes. False if there is none.
 */
static bool vsvm_svm_next_invalid(struct vsvm_svm *svm, u64 addr, u64 *start, u64 *end,
				  unsigned long *gpus, struct vsvm_svm_attrs *attrs)
{
	struct vsvm_svm_range *r;

	mutex_lock(&svm->notifier_lock);
	for (r = vsvm_svm_range_first(svm, addr, ULONG_MAX); r;
	     r = vsvm_svm_range_next(r, addr, ULONG_MAX)) {
		if (r->invalid && !r->unmapped)
			break;
	}
	if (r) {
		*start = r->it.start;
		*end = vsvm_svm_range_end(r);
		*gpus = r->invalid;
		*attrs = r->attrs;
	}
	mutex_unlock(&svm->notifier_lock);
	return r;
}

/* The memory of [@start, @end) is gone or protected: stop restoring it on @gpu */
static void vsvm_svm_restore_forget(struct vsvm_svm *svm, u64 start, u64 end, unsigned int gpu)
{
	struct vsvm_svm_range *r;

	mutex_lock(&svm->notifier_lock);
	for (r = vsvm_svm_range_first(svm, start, end - 1); r;
	     r = vsvm_svm_range_next(r, start, end - 1))
		r->invalid &= ~BIT(gpu);
	mutex_unlock(&svm->notifier_lock);
}

/* Map every invalid range again; 0 or the first error to retry later */
static int vsvm_svm_restore_ranges(struct vsvm_svm *svm)
{
	struct vsvm_svm_attrs attrs;
	unsigned long gpus;
	u64 addr = 0, start, end;
	unsigned int gpu;
	int ret;

	lockdep_assert_held(&svm->lock);
	while (vsvm_svm_next_invalid(svm, addr, &start, &end, &gpus, &attrs)) {
		for_each_set_bit(gpu, &gpus, VSVM_MAX_GPUS) {
			ret = vsvm_svm_map(svm, gpu, start, end, VSVM_HW_ACCESS_READ, &attrs);
			if (ret == -EFAULT || ret == -EPERM)
				vsvm_svm_restore_forget(svm, start, end, gpu);
			else if (ret)
				return ret;
		}
		addr = end;
		cond_resched();
	}
	return 0;
}

/* Resume the queues if evicted; count a restore if @restored */
static void vsvm_svm_unevict(struct vsvm_svm *svm, bool restored)
{
	unsigned int gpu;

	lockdep_assert_held(&svm->notifier_lock);
	if (!svm->evicted)
		return;
	svm->evicted = false;
	vsvm_svm_resume_queues(svm);
	if (!restored)
		return;
	for (gpu = 0; gpu < VSVM_MAX_GPUS; gpu++)
		if (!list_empty(&svm->gpus[gpu].vms))
			atomic64_inc(&svm->gpus[gpu].stats.restores);
}

static void vsvm_svm_restore_work(struct work_struct *work)
{
	struct vsvm_svm *svm = container_of(to_delayed_work(work), struct vsvm_svm,
					    restore_work);
	u64 seq;
	int ret;

	if (!mmget_not_zero(svm->mm)) {
		/* The process is exiting: nothing to map, let its queues go */
		mutex_lock(&svm->notifier_lock);
		vsvm_svm_unevict(svm, false);
		mutex_unlock(&svm->notifier_lock);
		return;
	}

	mutex_lock(&svm->lock);
	mutex_lock(&svm->notifier_lock);
	seq = svm->evict_seq;
	mutex_unlock(&svm->notifier_lock);
	ret = vsvm_svm_restore_ranges(svm);
	mutex_lock(&svm->notifier_lock);
	if (!ret && seq == svm->evict_seq)
		vsvm_svm_unevict(svm, true);
	else if (svm->evicted)
		mod_delayed_work(system_unbound_wq, &svm->restore_work, msecs_to_jiffies(1));
	mutex_unlock(&svm->notifier_lock);
	mutex_unlock(&svm->lock);
	mmput(svm->mm);
}

/**
 * vsvm_svm_mirror_vm_attach() - give a new VM the entries mirrored so far
 * @svm: the process context
 * @vm: the VM, already on &vsvm_svm_gpu.vms of its GPU
 *
 * Writes the entries of every range mapped on the VM's GPU into @vm. If
 * page tables cannot be allocated the remaining ranges are left out (the
 * GPU faults on them and the fault service maps them).
 *
 * Context: &vsvm_svm.lock held.
 */
void vsvm_svm_mirror_vm_attach(struct vsvm_svm *svm, struct vsvm_vm *vm)
{
	const struct vsvm_hw_ops *ops = vm->vdev->hw_ops;
	unsigned int gpu = vm->vdev->index;
	struct vsvm_svm_range *r;

	lockdep_assert_held(&svm->lock);
	mutex_lock(&vm->pt_lock);
	for (r = vsvm_svm_range_first(svm, 0, ULONG_MAX); r;
	     r = vsvm_svm_range_next(r, 0, ULONG_MAX)) {
		if (!(r->mapped & BIT(gpu)))
			continue;
		if (ops->vm_prepare(vm->hw, r->it.start, r->npages << PAGE_SHIFT,
				    GFP_KERNEL_ACCOUNT))
			break;
		mutex_lock(&svm->notifier_lock);
		if (!r->unmapped && r->entries[gpu])
			vsvm_svm_range_write(vm, r, r->entries[gpu]);
		mutex_unlock(&svm->notifier_lock);
	}
	mutex_unlock(&vm->pt_lock);
}

/**
 * vsvm_svm_mirror_gpu_detach() - give back a GPU's DMA mappings
 * @svm: the process context
 * @gpu: GPU index whose last VM of the process was just taken off
 *	&vsvm_svm_gpu.vms (no VM of it can use the entries any more)
 *
 * DMA-unmaps every page mapped for @gpu, frees the GPU's entries and clears
 * its mapped, keep_mapped and invalid bits. &vsvm_svm_gpu.vdev must still
 * be set.
 *
 * Context: &vsvm_svm.lock held.
 */
void vsvm_svm_mirror_gpu_detach(struct vsvm_svm *svm, unsigned int gpu)
{
	struct vsvm_svm_range *r;
	u64 unmapped = 0;
	u64 *entries;

	lockdep_assert_held(&svm->lock);
	for (r = vsvm_svm_range_first(svm, 0, ULONG_MAX); r;
	     r = vsvm_svm_range_next(r, 0, ULONG_MAX)) {
		mutex_lock(&svm->notifier_lock);
		unmapped += vsvm_svm_entries_unmap(svm, r, gpu, r->it.start,
						   vsvm_svm_range_end(r));
		entries = r->entries[gpu];
		r->entries[gpu] = NULL;
		r->mapped &= ~BIT(gpu);
		r->keep_mapped &= ~BIT(gpu);
		r->invalid &= ~BIT(gpu);
		mutex_unlock(&svm->notifier_lock);
		kvfree(entries);
		cond_resched();
	}
	atomic64_add(unmapped, &svm->gpus[gpu].stats.pages_unmapped);
}

/**
 * vsvm_svm_mirror_init() - initialise the mirror of a new process context
 * @svm: the context; its locks, attribute tree, GPU lists, mm and retry
 *	mode are initialised
 */
void vsvm_svm_mirror_init(struct vsvm_svm *svm)
{
	svm->ranges = RB_ROOT_CACHED;
	svm->notifiers = RB_ROOT_CACHED;
	INIT_LIST_HEAD(&svm->gc_list);
	INIT_LIST_HEAD(&svm->unmap_list);
	INIT_WORK(&svm->gc_work, vsvm_svm_gc_work);
	INIT_DELAYED_WORK(&svm->restore_work, vsvm_svm_restore_work);
}

/* Take one notifier out of the tree, or NULL when none is left */
static struct vsvm_svm_notifier *vsvm_svm_notifier_take(struct vsvm_svm *svm)
{
	struct interval_tree_node *it;

	mutex_lock(&svm->lock);
	it = interval_tree_iter_first(&svm->notifiers, 0, ULONG_MAX);
	if (it)
		interval_tree_remove(it, &svm->notifiers);
	mutex_unlock(&svm->lock);
	return it ? container_of(it, struct vsvm_svm_notifier, it) : NULL;
}

/**
 * vsvm_svm_mirror_fini() - tear the mirror down
 * @svm: the process context, at the detach of its last file
 *
 * Removes the interval notifiers (waiting for running callbacks), cancels
 * the garbage collector and the restore worker, then frees every range and
 * unmap record. Every VM was detached before, so no entry is left; the
 * process may have exited.
 *
 * Context: process context, no lock held.
 */
void vsvm_svm_mirror_fini(struct vsvm_svm *svm)
{
	struct vsvm_svm_notifier *n;
	struct vsvm_svm_unmap *u, *next;
	struct vsvm_svm_range *r;
	LIST_HEAD(ranges);
	LIST_HEAD(unmaps);

	while ((n = vsvm_svm_notifier_take(svm))) {
		mmu_interval_notifier_remove(&n->mni);
		kfree(n);
	}
	cancel_work_sync(&svm->gc_work);
	cancel_delayed_work_sync(&svm->restore_work);

	mutex_lock(&svm->lock);
	mutex_lock(&svm->notifier_lock);
	while ((r = vsvm_svm_range_first(svm, 0, ULONG_MAX)))
		vsvm_svm_range_unlink(svm, r, &ranges);
	list_splice_init(&svm->unmap_list, &unmaps);
	svm->unmap_scan = false;
	vsvm_svm_ranges_zap(svm, &ranges, VSVM_UNMAP_TRIGGER_ADVICE);
	mutex_unlock(&svm->notifier_lock);
	vsvm_svm_ranges_free(svm, &ranges);
	mutex_unlock(&svm->lock);

	list_for_each_entry_safe(u, next, &unmaps, link) {
		list_del(&u->link);
		kfree(u);
	}
}

/**
 * vsvm_svm_mirror_stats() - how much of the mirror a GPU uses
 * @svm: the process context
 * @gpu: GPU index
 * @use: filled in: ranges with entries for @gpu, its valid entries, and the
 *	bytes of those ranges' structures and of @gpu's entry arrays
 *
 * Context: &vsvm_svm.lock held.
 */
void vsvm_svm_mirror_stats(struct vsvm_svm *svm, unsigned int gpu,
			   struct vsvm_svm_mirror_use *use)
{
	struct vsvm_svm_range *r;
	unsigned long i;

	lockdep_assert_held(&svm->lock);
	memset(use, 0, sizeof(*use));
	mutex_lock(&svm->notifier_lock);
	for (r = vsvm_svm_range_first(svm, 0, ULONG_MAX); r;
	     r = vsvm_svm_range_next(r, 0, ULONG_MAX)) {
		if (!r->entries[gpu])
			continue;
		use->ranges++;
		use->bytes += sizeof(*r) + r->npages * sizeof(*r->entries[gpu]);
		for (i = 0; i < r->npages; i++)
			if (r->entries[gpu][i] & VSVM_PTE_VALID)
				use->pages++;
	}
	mutex_unlock(&svm->notifier_lock);
}
