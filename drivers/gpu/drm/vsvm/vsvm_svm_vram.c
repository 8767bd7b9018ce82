// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: SVM VRAM
 *
 * Every page of a GPU's VRAM has a struct page (&struct vsvm_svm_pagemap),
 * so that process memory can migrate to it with migrate_vma:
 *
 * - device-private (the default): memremap_pages(MEMORY_DEVICE_PRIVATE)
 *   over a free physical region from request_free_mem_region(). The CPU
 *   cannot reach these pages; a CPU access faults into
 *   vsvm_svm_migrate_to_ram(), which migrates the data back.
 * - device-coherent: when the VRAM is a physical range on a coherent link
 *   (module parameter vram_phys), memremap_pages(MEMORY_DEVICE_COHERENT)
 *   over that range. The CPU maps these pages like RAM.
 *
 * Page frame n of the pagemap is VRAM offset n * PAGE_SIZE. Every GPU's
 * pagemap has the same owner (vsvm_svm_pgmap_owner()), so hmm_range_fault()
 * and migrate_vma hand one GPU's VRAM pages to the others as device pages
 * instead of faulting them back to RAM.
 *
 * VRAM for SVM pages is allocated as TTM objects (&struct vsvm_svm_bo), one
 * per migrated piece of at most 2 MiB, on the same LRU as GEM objects: SVM
 * data and buffer objects evict each other. A VRAM page in use points to its
 * object (page->zone_device_data) and holds a reference on it
 * (&vsvm_svm_bo.refs) until the page is freed (page_free, when no mapping
 * and no migration uses it any more); the last reference drops the TTM
 * object from a work item, because page_free may run in atomic context.
 * When TTM evicts an SVM object, vsvm_svm_bo_evict() migrates its pages to
 * system memory with migrate_device_range(), which finds their mappings
 * through the reverse map: no mmap lock and no process context is needed,
 * so it works under the object's dma_resv lock and for pages a forked child
 * shares. It returns once every page of the object is free, so that the
 * VRAM can be reused.
 *
 * LOCKING
 *
 * &vsvm_svm_bo.refs is atomic and the free list lock-less. An object is
 * reserved (dma_resv) from its creation until its pages are set up
 * (vsvm_svm_bo_done()), so eviction never sees it half filled; eviction
 * runs under the dma_resv lock TTM holds and takes no SVM lock and no mmap
 * lock. Teardown evicts every object and waits for every page before the
 * pagemap goes (memunmap_pages() waits for them too).
 */

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/ioport.h>
#include <linux/jiffies.h>
#include <linux/kref.h>
#include <linux/llist.h>
#include <linux/memremap.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <drm/drm_managed.h>
#include <drm/ttm/ttm_bo.h>

#include <uapi/drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_event.h"
#include "vsvm_mem.h"
#include "vsvm_svm.h"

/* How long an eviction keeps trying to free the pages of an object */
#define VSVM_SVM_EVICT_TIMEOUT_MS	10000

/* The owner of every vsvm pagemap: its address is what counts */
static int vsvm_svm_owner;

static const struct dev_pagemap_ops vsvm_svm_pagemap_ops;

/**
 * vsvm_svm_pgmap_owner() - the owner of every vsvm GPU's pagemap
 *
 * Return: the value for &hmm_range.dev_private_owner and
 * &migrate_vma.pgmap_owner.
 */
void *vsvm_svm_pgmap_owner(void)
{
	return &vsvm_svm_owner;
}

static struct vsvm_svm_pagemap *vsvm_svm_page_pm(const struct page *page)
{
	return container_of(page->pgmap, struct vsvm_svm_pagemap, pgmap);
}

static struct vsvm_svm_bo *vsvm_svm_page_bo(const struct page *page)
{
	return page->zone_device_data;
}

/**
 * vsvm_svm_page_is_vram() - whether a page is VRAM of a vsvm GPU
 * @page: any page
 *
 * Return: true for a device page of a vsvm pagemap.
 */
bool vsvm_svm_page_is_vram(const struct page *page)
{
	return is_zone_device_page(page) && page->pgmap->ops == &vsvm_svm_pagemap_ops;
}

/**
 * vsvm_svm_page_vdev() - the GPU a VRAM page belongs to
 * @page: a page for which vsvm_svm_page_is_vram() is true
 *
 * Return: the GPU.
 */
struct vsvm_device *vsvm_svm_page_vdev(const struct page *page)
{
	return vsvm_svm_page_pm(page)->vdev;
}

/**
 * vsvm_svm_page_offset() - the VRAM offset of a VRAM page
 * @page: a page for which vsvm_svm_page_is_vram() is true
 *
 * Return: the byte offset in its GPU's VRAM.
 */
u64 vsvm_svm_page_offset(const struct page *page)
{
	return (u64)(page_to_pfn(page) - vsvm_svm_page_pm(page)->pfn_first) << PAGE_SHIFT;
}

/**
 * vsvm_svm_page_granularity() - the block a CPU fault on a VRAM page moves
 * @page: a VRAM page in use
 *
 * Return: the granularity attribute (log2 pages) its data was migrated with.
 */
u32 vsvm_svm_page_granularity(const struct page *page)
{
	return vsvm_svm_page_bo(page)->granularity;
}

/**
 * vsvm_svm_page_count() - the counters a VRAM page counts in
 * @page: a VRAM page in use
 *
 * Return: the counters, for the page's GPU, of the process that migrated
 * the page's data to VRAM.
 */
struct vsvm_svm_vram_count *vsvm_svm_page_count(const struct page *page)
{
	return &vsvm_svm_page_bo(page)->stats->gpu[vsvm_svm_page_vdev(page)->index];
}

/**
 * vsvm_svm_page_pid() - the process a VRAM page's data belongs to
 * @page: a VRAM page in use
 *
 * Return: the thread-group id of the process that migrated the data to
 * VRAM, for events.
 */
pid_t vsvm_svm_page_pid(const struct page *page)
{
	return vsvm_svm_page_bo(page)->stats->pid;
}

/**
 * vsvm_svm_vram_stats_alloc() - new migration counters for a process
 *
 * Return: the counters with one reference, or NULL.
 */
struct vsvm_svm_vram_stats *vsvm_svm_vram_stats_alloc(void)
{
	struct vsvm_svm_vram_stats *stats = kzalloc(sizeof(*stats), GFP_KERNEL);

	if (stats)
		kref_init(&stats->ref);
	return stats;
}

static void vsvm_svm_vram_stats_release(struct kref *ref)
{
	kfree(container_of(ref, struct vsvm_svm_vram_stats, ref));
}

/**
 * vsvm_svm_vram_stats_put() - drop a reference on migration counters
 * @stats: the counters, or NULL
 *
 * Context: any context.
 */
void vsvm_svm_vram_stats_put(struct vsvm_svm_vram_stats *stats)
{
	if (stats)
		kref_put(&stats->ref, vsvm_svm_vram_stats_release);
}

static struct vsvm_svm_bo *to_vsvm_svm_bo(struct ttm_buffer_object *tbo)
{
	return container_of(to_vsvm_bo(tbo), struct vsvm_svm_bo, bo);
}

/* Drop a reference; the last one queues the object for its TTM put */
static void vsvm_svm_bo_unref(struct vsvm_svm_bo *sbo)
{
	struct vsvm_svm_pagemap *pm = sbo->pm;

	if (!atomic_dec_and_test(&sbo->refs))
		return;
	llist_add(&sbo->free_node, &pm->free_list);
	queue_work(system_unbound_wq, &pm->free_work);
}

static void vsvm_svm_free_work(struct work_struct *work)
{
	struct vsvm_svm_pagemap *pm = container_of(work, struct vsvm_svm_pagemap, free_work);
	struct llist_node *nodes = llist_del_all(&pm->free_list);
	struct vsvm_svm_bo *sbo, *next;

	llist_for_each_entry_safe(sbo, next, nodes, free_node)
		ttm_bo_put(&sbo->bo.tbo);
}

static void vsvm_svm_bo_destroy(struct ttm_buffer_object *tbo)
{
	struct vsvm_svm_bo *sbo = to_vsvm_svm_bo(tbo);

	vsvm_svm_vram_stats_put(sbo->stats);
	drm_gem_object_release(&tbo->base);
	kfree(sbo);
}

/**
 * vsvm_svm_bo_alloc() - allocate VRAM for SVM pages
 * @vdev: the GPU; it has a pagemap
 * @npages: pages, at most 512
 * @stats: counters of the process the data belongs to
 * @granularity: the granularity attribute of the data
 * @fault_vdev: the GPU whose fault batch migrates the data, or NULL
 *
 * Creates an evictable TTM object in VRAM, evicting others if needed. An
 * object a fault batch fills cannot be evicted until that batch has been
 * serviced and replayed (vsvm_svm_bo_evictable()). Its
 * pages are set up with vsvm_svm_bo_page_init() and the object is released
 * for eviction with vsvm_svm_bo_done().
 *
 * Context: process context; takes dma_resv locks (mmap lock may be held).
 * Return: the object, reserved, or an ERR_PTR (-ENOMEM when VRAM has no
 * room even after eviction).
 */
struct vsvm_svm_bo *vsvm_svm_bo_alloc(struct vsvm_device *vdev, unsigned long npages,
				      struct vsvm_svm_vram_stats *stats, u32 granularity,
				      struct vsvm_device *fault_vdev)
{
	struct ttm_operation_ctx ctx = { .gfp_retry_mayfail = true };
	struct vsvm_svm_bo *sbo;
	struct vsvm_bo *bo;
	int ret;

	sbo = kzalloc(sizeof(*sbo), GFP_KERNEL);
	if (!sbo)
		return ERR_PTR(-ENOMEM);
	bo = &sbo->bo;
	bo->svm = true;
	bo->domain = VSVM_GEM_DOMAIN_VRAM;
	INIT_LIST_HEAD(&bo->bindings);
	bo->places[0].mem_type = TTM_PL_VRAM;
	bo->places[1].mem_type = TTM_PL_SYSTEM;
	bo->placement.num_placement = 1;
	bo->placement.placement = bo->places;
	sbo->pm = vdev->pagemap;
	sbo->granularity = granularity;
	sbo->fault_vdev = fault_vdev;
	sbo->fault_seq = fault_vdev ? READ_ONCE(fault_vdev->fault_seq) : 0;
	atomic_set(&sbo->refs, 1);
	drm_gem_private_object_init(&vdev->drm, &bo->tbo.base, npages << PAGE_SHIFT);

	/* On failure TTM drops the object, through vsvm_svm_bo_destroy() */
	ret = ttm_bo_init_reserved(&vdev->mem.bdev, &bo->tbo, ttm_bo_type_kernel, &bo->placement,
				   0, &ctx, NULL, NULL, vsvm_svm_bo_destroy);
	if (ret)
		return ERR_PTR(ret == -ENOSPC ? -ENOMEM : ret);
	kref_get(&stats->ref);
	sbo->stats = stats;
	return sbo;
}

/**
 * vsvm_svm_bo_evictable() - whether TTM may evict an SVM object now
 * @tbo: an SVM object
 *
 * Not while the fault batch that filled it is still being serviced: the
 * waves that faulted on its pages retry only at the batch's replay. A batch
 * with more windows than the VRAM holds would otherwise evict the first
 * windows for the last ones and replay waves that fault again, over and
 * over (256 waves of 2 MiB windows in 64 MiB of VRAM never finished). The
 * batch's later windows find no room instead and are mapped in place.
 *
 * Context: any; reads the GPU's batch number without a lock (a stale read
 * only delays or advances one eviction decision).
 * Return: false while that batch runs, true otherwise.
 */
bool vsvm_svm_bo_evictable(struct ttm_buffer_object *tbo)
{
	const struct vsvm_svm_bo *sbo = to_vsvm_svm_bo(tbo);

	return !sbo->fault_seq || READ_ONCE(sbo->fault_vdev->fault_seq) != sbo->fault_seq;
}

/**
 * vsvm_svm_bo_pfns() - the page frames of an SVM object's VRAM
 * @sbo: the object, reserved or with pages in use
 * @pfns: out, one page frame per page of the object
 */
void vsvm_svm_bo_pfns(struct vsvm_svm_bo *sbo, unsigned long *pfns)
{
	struct ttm_buffer_object *tbo = &sbo->bo.tbo;
	struct vsvm_vram_cursor cur;
	unsigned long i = 0, j;

	for (vsvm_vram_cursor_first(&sbo->pm->vdev->mem.vram, tbo->resource, 0,
				    tbo->base.size, &cur);
	     cur.remaining; vsvm_vram_cursor_next(&cur, cur.size))
		for (j = 0; j < cur.size >> PAGE_SHIFT; j++)
			pfns[i++] = sbo->pm->pfn_first + (cur.start >> PAGE_SHIFT) + j;
}

/**
 * vsvm_svm_bo_page_init() - make a VRAM page of an object a destination
 * @sbo: the reserved object
 * @page: one of its pages (vsvm_svm_bo_pfns()), free
 *
 * The page gets its reference count and lock (zone_device_page_init()),
 * points to @sbo and holds a reference on it until it is freed.
 */
void vsvm_svm_bo_page_init(struct vsvm_svm_bo *sbo, struct page *page)
{
	zone_device_page_init(page);
	page->zone_device_data = sbo;
	atomic_inc(&sbo->refs);
	atomic64_inc(&sbo->stats->gpu[sbo->pm->vdev->index].vram_pages);
}

/**
 * vsvm_svm_bo_done() - an object's pages are set up
 * @sbo: the reserved object
 *
 * Drops the reference of the filling (if no page got used the object goes)
 * and unreserves the object: from now on it can be evicted.
 */
void vsvm_svm_bo_done(struct vsvm_svm_bo *sbo)
{
	struct ttm_buffer_object *tbo = &sbo->bo.tbo;

	ttm_bo_get(tbo);
	vsvm_svm_bo_unref(sbo);
	ttm_bo_unreserve(tbo);
	ttm_bo_put(tbo);
}

/* Migrate the pages of @pfns still in use to system memory, once */
static void vsvm_svm_bo_evict_pass(unsigned long *src, const unsigned long *pfns,
				   unsigned long npages)
{
	unsigned long i, n;

	for (i = 0; i < npages; i += n) {
		for (n = 1; i + n < npages && pfns[i + n] == pfns[i] + n; n++)
			;
		migrate_device_range(src + i, pfns[i], n);
	}
	vsvm_svm_migrate_out_pfns(src, npages);
}

/**
 * vsvm_svm_bo_evict() - move an SVM object's pages to system memory
 * @tbo: an SVM object in VRAM, reserved by TTM
 *
 * Migrates every page of the object still in use to system memory through
 * the copy engine, wherever it is mapped, and waits until every page is
 * free so that the VRAM can be reused. Emits an EVICTION event first (the
 * migrations follow as their own events).
 *
 * Context: called from TTM's move callback with the object's dma_resv held;
 * takes no SVM lock and no mmap lock.
 * Return: 0, -ENOMEM, or -EBUSY if a page stayed in use (pinned) for too
 * long.
 */
int vsvm_svm_bo_evict(struct ttm_buffer_object *tbo)
{
	struct vsvm_svm_bo *sbo = to_vsvm_svm_bo(tbo);
	unsigned long npages = tbo->base.size >> PAGE_SHIFT;
	unsigned long timeout = jiffies + msecs_to_jiffies(VSVM_SVM_EVICT_TIMEOUT_MS);
	unsigned long *pfns;
	int ret = 0;

	dma_resv_assert_held(tbo->base.resv);
	pfns = kvmalloc_array(2 * npages, sizeof(*pfns), GFP_KERNEL);
	if (!pfns)
		return -ENOMEM;
	vsvm_svm_bo_pfns(sbo, pfns);
	vsvm_event_eviction(sbo->stats->pid, sbo->pm->vdev->gpu_id, npages);
	while (atomic_read(&sbo->refs)) {
		if (time_after(jiffies, timeout)) {
			ret = -EBUSY;
			break;
		}
		vsvm_svm_bo_evict_pass(pfns + npages, pfns, npages);
		if (atomic_read(&sbo->refs))
			usleep_range(100, 200);
	}
	kvfree(pfns);
	if (!ret)
		atomic64_inc(&sbo->stats->gpu[sbo->pm->vdev->index].vram_evictions);
	return ret;
}

static void vsvm_svm_page_free(struct page *page)
{
	struct vsvm_svm_bo *sbo = vsvm_svm_page_bo(page);

	atomic64_dec(&sbo->stats->gpu[sbo->pm->vdev->index].vram_pages);
	page->zone_device_data = NULL;
	vsvm_svm_bo_unref(sbo);
}

static const struct dev_pagemap_ops vsvm_svm_pagemap_ops = {
	.page_free = vsvm_svm_page_free,
	.migrate_to_ram = vsvm_svm_migrate_to_ram,
};

/* drmm action: move every SVM page out of VRAM and remove the pagemap */
static void vsvm_svm_pagemap_fini(struct drm_device *drm, void *arg)
{
	struct vsvm_svm_pagemap *pm = arg;
	struct vsvm_device *vdev = pm->vdev;
	int ret;

	flush_work(&pm->free_work);
	ret = ttm_resource_manager_evict_all(&vdev->mem.bdev,
					     ttm_manager_type(&vdev->mem.bdev, TTM_PL_VRAM));
	if (ret)
		drm_err(drm, "SVM pages still in VRAM at teardown: %d\n", ret);
	flush_work(&pm->free_work);
	memunmap_pages(&pm->pgmap);
	if (pm->res)
		release_mem_region(pm->res->start, resource_size(pm->res));
	vdev->pagemap = NULL;
}

/* The physical range the pages stand for: the VRAM's own, or a free region */
static int vsvm_svm_pagemap_range(struct vsvm_svm_pagemap *pm, phys_addr_t vram_phys, u64 size)
{
	if (vram_phys) {
		pm->pgmap.type = MEMORY_DEVICE_COHERENT;
		pm->pgmap.range.start = vram_phys;
	} else {
		pm->res = request_free_mem_region(&iomem_resource, size, "vsvm VRAM");
		if (IS_ERR(pm->res))
			return PTR_ERR(pm->res);
		pm->pgmap.type = MEMORY_DEVICE_PRIVATE;
		pm->pgmap.range.start = pm->res->start;
	}
	pm->pgmap.range.end = pm->pgmap.range.start + size - 1;
	return 0;
}

/**
 * vsvm_svm_pagemap_init() - give a GPU's VRAM struct pages
 * @vdev: the GPU, with its memory manager up
 * @vram_phys: physical address of the VRAM on a coherent link, or 0
 *
 * With @vram_phys the VRAM pages are device-coherent, else device-private
 * (if the kernel has DEVICE_PRIVATE; without it SVM pages stay in system
 * memory and &vsvm_device.pagemap stays NULL). A drmm action evicts the SVM
 * pages and removes the pagemap when the device is released, before the
 * memory manager goes.
 *
 * Return: 0 or a negative errno.
 */
int vsvm_svm_pagemap_init(struct vsvm_device *vdev, phys_addr_t vram_phys)
{
	struct vsvm_svm_pagemap *pm;
	void *addr;
	int ret;

	if (!vram_phys && !IS_ENABLED(CONFIG_DEVICE_PRIVATE))
		return 0;
	pm = drmm_kzalloc(&vdev->drm, sizeof(*pm), GFP_KERNEL);
	if (!pm)
		return -ENOMEM;
	pm->vdev = vdev;
	init_llist_head(&pm->free_list);
	INIT_WORK(&pm->free_work, vsvm_svm_free_work);
	ret = vsvm_svm_pagemap_range(pm, vram_phys, vdev->caps.vram_size);
	if (ret)
		return ret;
	pm->pgmap.nr_range = 1;
	pm->pgmap.ops = &vsvm_svm_pagemap_ops;
	pm->pgmap.owner = vsvm_svm_pgmap_owner();
	addr = memremap_pages(&pm->pgmap, dev_to_node(vdev->drm.dev));
	if (IS_ERR(addr)) {
		if (pm->res)
			release_mem_region(pm->res->start, resource_size(pm->res));
		return PTR_ERR(addr);
	}
	pm->pfn_first = PHYS_PFN(pm->pgmap.range.start);
	vdev->pagemap = pm;
	return drmm_add_action_or_reset(&vdev->drm, vsvm_svm_pagemap_fini, pm);
}
