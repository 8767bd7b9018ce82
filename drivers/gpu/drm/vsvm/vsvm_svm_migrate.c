// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: SVM migration
 *
 * Pages move between system memory and VRAM with migrate_vma, and their data
 * with the GPU's copy engine. Only anonymous private memory moves
 * (file-backed, shared, hugetlb, I/O and PFN mappings stay where they are);
 * migrate_vma leaves busy, pinned and locked pages behind, so a range may
 * hold system and VRAM pages at once: the mirror maps each page where it is.
 *
 * To VRAM (a GPU fault the attributes send to VRAM, a prefetch): the range is
 * walked in pieces of at most 2 MiB inside one VMA. A piece whose pages are
 * all in place already (a snapshot of the CPU page table with
 * hmm_range_fault()) is left alone: migrate_vma_setup() would unmap it from
 * the GPUs, and the waves of other compute units working in it would fault
 * again and again. For a piece, migrate_vma_setup() collects the system
 * pages (and the holes, which need zeroed VRAM and no copy) and, if the
 * snapshot saw any, the pages in other GPUs' VRAM, which move directly: the
 * destination's copy engine reads them over the link (VRAM to VRAM, never
 * through system memory); pages collected in the destination's own VRAM
 * stay. Only if it collected anything, a VRAM object
 * (&struct vsvm_svm_bo) is allocated (evicting other objects if needed; if
 * that fails the piece stays in system memory), its pages become the
 * destinations, the copy engine copies or zero-fills them, and
 * migrate_vma_pages() / migrate_vma_finalize() switch the CPU page tables.
 * The piece's data then lives in one object.
 *
 * To system memory (a CPU fault on a device-private page, a prefetch to
 * system memory, a GPU fault the attributes send to system memory, an
 * eviction): the VRAM pages are
 * collected (migrate_vma_setup() with the device selections and the shared
 * pagemap owner, or migrate_device_range() for an eviction), system pages
 * are allocated and locked, and each GPU's copy engine copies its pages out.
 *
 * A CPU fault (vsvm_svm_migrate_to_ram(), the pagemap's migrate_to_ram)
 * moves the block of the granularity the data was migrated with around the
 * faulting address (at most 2 MiB, inside the VMA). It may run for any
 * process sharing the page, a forked child that never opened a GPU
 * included, so it uses nothing of the process context: the counters it
 * updates belong to the VRAM object.
 *
 * Migrating fires the interval notifiers of the range (MMU_NOTIFY_MIGRATE):
 * the mirror unmaps the old pages from the GPUs, and the next GPU access
 * maps the new ones.
 *
 * Events: each piece reports, per source location with pages collected, a
 * MIGRATE_START after migrate_vma_setup() (so the GPU_UNMAP events of its
 * invalidation come first) and a MIGRATE_END with the pages that moved,
 * with the trigger of the migration (prefetch, GPU fault, CPU fault,
 * eviction). Counters: the destination GPU counts pages in and the bytes
 * its copy engine moved, a source GPU counts pages out.
 *
 * Splitting (vsvm_svm_migrate_split()): device-exclusive access for GPU
 * atomics cannot take a page of a large folio; migrate_vma_setup() over a
 * PMD-mapped huge page splits it, and a migration with no destination puts
 * the same pages back.
 *
 * Asynchronous prefetches (VSVM_SVM_PREFETCH_ASYNC) are queued on the
 * process context and run by &vsvm_svm.prefetch_work, which signals each
 * request's fence; the last close of the process's files flushes it.
 *
 * LOCKING
 *
 * Migrations of the GPU fault and prefetch paths run with &vsvm_svm.lock
 * held and take the mmap read lock around migrate_vma; never the notifier
 * lock, which the notifiers they fire take. The destination VRAM object is
 * allocated (and possibly others evicted, under their dma_resv locks) with
 * the mmap lock and the source page locks held; eviction takes no mmap lock
 * and no SVM lock, so this cannot deadlock. vsvm_svm_migrate_to_ram() runs
 * with the mmap read lock held by the fault handler and takes no driver lock
 * at all: a GPU fault path waiting in hmm_range_fault() for the same page
 * holds &vsvm_svm.lock, which it never needs. Copies are waited for before
 * migrate_*_pages(), uninterruptibly.
 */

#include <linux/dma-fence.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/hmm.h>
#include <linux/interval_tree.h>
#include <linux/list.h>
#include <linux/migrate.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/overflow.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <drm/drm_file.h>
#include <drm/drm_syncobj.h>

#include <uapi/drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_event.h"
#include "vsvm_mem.h"
#include "vsvm_svm.h"
#include "vsvm_vhw.h"

/* Pages migrated at once: one 2 MiB piece, one VRAM object */
#define VSVM_SVM_MIGRATE_PAGES	(SZ_2M >> PAGE_SHIFT)
#define VSVM_SVM_MIGRATE_DEVICE	(MIGRATE_VMA_SELECT_DEVICE_PRIVATE | \
				 MIGRATE_VMA_SELECT_DEVICE_COHERENT)

/* Where the pages of a piece are (vsvm_svm_piece_where()) */
#define VSVM_SVM_HAS_SYSTEM	BIT(0)	/* system memory, or not populated */
#define VSVM_SVM_HAS_VRAM	BIT(1)	/* the destination GPU's VRAM */
#define VSVM_SVM_HAS_OTHER	BIT(2)	/* another GPU's VRAM */
#define VSVM_SVM_HAS_ALL	(VSVM_SVM_HAS_SYSTEM | VSVM_SVM_HAS_VRAM | VSVM_SVM_HAS_OTHER)

/**
 * struct vsvm_svm_xfer - a migration: the arrays of one piece, and who asked
 * @src: migrate_vma source entries
 * @dst: migrate_vma destination entries
 * @dma: per page, the DMA mapping of its system page, or DMA_MAPPING_ERROR
 * @pfns: page frames of the destination VRAM object; before, the snapshot
 *	of vsvm_svm_piece_where()
 * @pid: thread-group id of the process whose memory moves, for events
 * @trigger: VSVM_MIGRATE_TRIGGER_* of the migration, for events
 * @moved: pages moved so far, over every piece
 * @fault_page: the page of a CPU fault, or NULL
 * @fault_vdev: the GPU whose fault batch asked for a GPU-fault migration,
 *	else NULL (see vsvm_svm_bo_evictable())
 * @ev_from: per event slot (0: system memory, 1 + GPU index), the source
 *	location of the piece's migration events
 * @ev_pages: per event slot, the pages collected from there (0: no event)
 */
struct vsvm_svm_xfer {
	unsigned long src[VSVM_SVM_MIGRATE_PAGES];
	unsigned long dst[VSVM_SVM_MIGRATE_PAGES];
	dma_addr_t dma[VSVM_SVM_MIGRATE_PAGES];
	unsigned long pfns[VSVM_SVM_MIGRATE_PAGES];
	pid_t pid;
	u32 trigger;
	u64 moved;
	struct page *fault_page;
	struct vsvm_device *fault_vdev;
	struct vsvm_device *ev_from[VSVM_MAX_GPUS + 1];
	u64 ev_pages[VSVM_MAX_GPUS + 1];
};

/**
 * struct vsvm_svm_prefetch_req - a queued asynchronous prefetch
 * @link: entry in &vsvm_svm.prefetch_list
 * @gpu: destination GPU index, or -1 for system memory
 * @start: first byte
 * @end: end (exclusive)
 * @fence: signalled when done, with the error if any
 */
struct vsvm_svm_prefetch_req {
	struct list_head link;
	int gpu;
	u64 start;
	u64 end;
	struct dma_fence *fence;
};

static DEFINE_SPINLOCK(vsvm_svm_fence_lock);

static const char *vsvm_svm_fence_name(struct dma_fence *fence)
{
	return "vsvm-prefetch";
}

static const struct dma_fence_ops vsvm_svm_fence_ops = {
	.get_driver_name = vsvm_svm_fence_name,
	.get_timeline_name = vsvm_svm_fence_name,
};

/* Whether the pages of @vma can move to VRAM */
static bool vsvm_svm_vma_migratable(struct vm_area_struct *vma)
{
	return vma_is_anonymous(vma) && (vma->vm_flags & VM_READ) &&
	       !(vma->vm_flags & (VM_SPECIAL | VM_HUGETLB | VM_SHARED));
}

static void vsvm_svm_dst_drop(unsigned long *dst)
{
	struct page *page = migrate_pfn_to_page(*dst);

	unlock_page(page);
	put_page(page);
	*dst = 0;
}

/* Drop the destinations of pages whose copy did not happen */
static void vsvm_svm_dst_drop_all(unsigned long *dst, unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		if (dst[i])
			vsvm_svm_dst_drop(&dst[i]);
}

static void vsvm_svm_dma_unmap(struct device *dev, dma_addr_t *dma, unsigned long npages,
			       enum dma_data_direction dir)
{
	unsigned long i;

	for (i = 0; i < npages; i++) {
		if (dma[i] == DMA_MAPPING_ERROR)
			continue;
		dma_unmap_page(dev, dma[i], PAGE_SIZE, dir);
		dma[i] = DMA_MAPPING_ERROR;
	}
}

/* The GPU whose VRAM holds collected source @i of @x, or NULL (system memory, hole) */
static struct vsvm_device *vsvm_svm_src_vdev(const struct vsvm_svm_xfer *x, unsigned long i)
{
	struct page *page = migrate_pfn_to_page(x->src[i]);

	return page && vsvm_svm_page_is_vram(page) ? vsvm_svm_page_vdev(page) : NULL;
}

static u32 vsvm_svm_location(const struct vsvm_device *vdev)
{
	return vdev ? vdev->gpu_id : VSVM_SVM_LOCATION_SYSMEM;
}

/* Which source location of a piece's events page @i of @x counts for (0: system) */
static unsigned int vsvm_svm_event_slot(const struct vsvm_svm_xfer *x, unsigned long i)
{
	struct vsvm_device *from = vsvm_svm_src_vdev(x, i);

	return from ? from->index + 1 : 0;
}

/*
 * Report the start of the migration of the piece [@start, @start + @npages
 * pages) of @x to @to (NULL: system memory), after migrate_vma_setup(): one
 * event per source location with pages collected (not those collected in
 * @to's own VRAM, which stay), remembered for vsvm_svm_migrate_end_event().
 */
static void vsvm_svm_migrate_start_event(struct vsvm_svm_xfer *x, unsigned long npages,
					 u64 start, struct vsvm_device *to)
{
	struct vsvm_device *from;
	unsigned long i;
	unsigned int k;

	memset(x->ev_pages, 0, sizeof(x->ev_pages));
	for (i = 0; i < npages; i++) {
		from = vsvm_svm_src_vdev(x, i);
		if (!(x->src[i] & MIGRATE_PFN_MIGRATE) || from == to)
			continue;
		k = vsvm_svm_event_slot(x, i);
		x->ev_from[k] = from;
		x->ev_pages[k]++;
	}
	for (k = 0; k <= VSVM_MAX_GPUS; k++) {
		from = x->ev_from[k];
		if (x->ev_pages[k])
			vsvm_event_migrate_start(x->pid, vsvm_svm_location(to ?: from), start,
						 (u64)npages << PAGE_SHIFT,
						 vsvm_svm_location(from), vsvm_svm_location(to),
						 x->trigger, x->ev_pages[k]);
	}
}

/* Report the end of each source location's migration started; before the finalize */
static void vsvm_svm_migrate_end_event(const struct vsvm_svm_xfer *x, unsigned long npages,
				       u64 start, struct vsvm_device *to)
{
	u64 moved[VSVM_MAX_GPUS + 1] = {};
	struct vsvm_device *from;
	unsigned long i;
	unsigned int k;

	for (i = 0; i < npages; i++)
		if (x->dst[i] && (x->src[i] & MIGRATE_PFN_MIGRATE))
			moved[vsvm_svm_event_slot(x, i)]++;
	for (k = 0; k <= VSVM_MAX_GPUS; k++) {
		from = x->ev_from[k];
		if (x->ev_pages[k])
			vsvm_event_migrate_end(x->pid, vsvm_svm_location(to ?: from), start,
					       (u64)npages << PAGE_SHIFT, vsvm_svm_location(from),
					       vsvm_svm_location(to), x->trigger, moved[k]);
	}
}

/* Append a fill of the VRAM page at @dst, merged with the fill before it */
static void vsvm_svm_desc_fill(struct vsvm_hw_copy_desc *descs, unsigned int *n, u64 dst)
{
	struct vsvm_hw_copy_desc *prev = *n ? &descs[*n - 1] : NULL;

	if (prev && (prev->flags & VSVM_HW_COPY_FILL) && prev->dst + prev->size == dst) {
		prev->size += PAGE_SIZE;
		return;
	}
	descs[(*n)++] = (struct vsvm_hw_copy_desc) {
		.dst = dst,
		.size = PAGE_SIZE,
		.flags = VSVM_HW_COPY_FILL,
	};
}

/*
 * The descriptor that copies source page @spage (system memory, DMA-mapped
 * into *@dma, or a peer's VRAM, read over the link) to VRAM offset @dst
 */
static int vsvm_svm_desc_in(struct device *dev, struct page *spage, u64 dst, dma_addr_t *dma,
			    struct vsvm_hw_copy_desc *desc)
{
	*desc = (struct vsvm_hw_copy_desc) { .dst = dst, .size = PAGE_SIZE };
	if (vsvm_svm_page_is_vram(spage)) {
		desc->src = vsvm_svm_page_offset(spage);
		desc->flags = VSVM_HW_COPY_SRC_PEER;
		desc->peer = vsvm_svm_page_vdev(spage)->index;
		return 0;
	}
	*dma = dma_map_page(dev, spage, 0, PAGE_SIZE, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, *dma)) {
		*dma = DMA_MAPPING_ERROR;
		return -ENOMEM;
	}
	desc->src = *dma;
	desc->flags = VSVM_HW_COPY_SRC_SYSTEM;
	return 0;
}

/*
 * Copy the sources of @x (system pages, other GPUs' VRAM pages) into their
 * VRAM destinations on @vdev, or zero-fill them for holes; adds the bytes
 * copied to @copied.
 */
static int vsvm_svm_copy_in(struct vsvm_device *vdev, struct vsvm_svm_xfer *x,
			    unsigned long npages, u64 *copied)
{
	struct device *dev = vdev->drm.dev;
	struct vsvm_hw_copy_desc *descs;
	struct page *spage, *dpage;
	unsigned long i;
	unsigned int n = 0;
	int ret = 0;

	for (i = 0; i < npages; i++)
		x->dma[i] = DMA_MAPPING_ERROR;
	descs = kvmalloc_array(npages, sizeof(*descs), GFP_KERNEL);
	if (!descs)
		return -ENOMEM;
	for (i = 0; i < npages && !ret; i++) {
		dpage = migrate_pfn_to_page(x->dst[i]);
		if (!dpage)
			continue;
		spage = migrate_pfn_to_page(x->src[i]);
		if (!spage) {
			vsvm_svm_desc_fill(descs, &n, vsvm_svm_page_offset(dpage));
			continue;
		}
		ret = vsvm_svm_desc_in(dev, spage, vsvm_svm_page_offset(dpage), &x->dma[i],
				       &descs[n]);
		if (!ret) {
			n++;
			*copied += PAGE_SIZE;
		}
	}
	if (ret || !n)
		kvfree(descs);
	else
		ret = vsvm_mem_copy_sync(vdev, descs, n);
	vsvm_svm_dma_unmap(dev, x->dma, npages, DMA_TO_DEVICE);
	return ret;
}

/*
 * Give the collected pages of @x (system pages, holes and other GPUs' VRAM
 * pages; not those already in @sbo's VRAM) the pages of @sbo as destinations
 */
static void vsvm_svm_dst_vram(struct vsvm_svm_bo *sbo, struct vsvm_svm_xfer *x,
			      unsigned long npages)
{
	struct page *page;
	unsigned long i;

	vsvm_svm_bo_pfns(sbo, x->pfns);
	for (i = 0; i < npages; i++) {
		x->dst[i] = 0;
		if (!(x->src[i] & MIGRATE_PFN_MIGRATE) || vsvm_svm_src_vdev(x, i) == sbo->pm->vdev)
			continue;
		page = pfn_to_page(x->pfns[i]);
		vsvm_svm_bo_page_init(sbo, page);
		x->dst[i] = migrate_pfn(x->pfns[i]);
	}
}

/*
 * Count the pages of @x that moved into VRAM of @vdev, and out of the other
 * GPUs' VRAM they came from; before the finalize
 */
static void vsvm_svm_count_in(struct vsvm_svm *svm, struct vsvm_device *vdev,
			      struct vsvm_svm_xfer *x, unsigned long npages, u64 copied)
{
	struct vsvm_svm_vram_count *c = &svm->vram_stats->gpu[vdev->index];
	unsigned long i, n = 0;
	struct page *spage;

	for (i = 0; i < npages; i++) {
		if (!x->dst[i] || !(x->src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		n++;
		spage = migrate_pfn_to_page(x->src[i]);
		if (vsvm_svm_src_vdev(x, i))
			atomic64_inc(&vsvm_svm_page_count(spage)->pages_out);
	}
	atomic64_add(n, &c->pages_in);
	atomic64_add(copied, &c->bytes_copied);
	x->moved += n;
}

/*
 * Migrate [@start, @end) of @vma (one piece) to VRAM of @vdev: its system
 * pages and holes, and with @peers the pages in other GPUs' VRAM, which
 * @vdev's copy engine reads over the link
 */
static int vsvm_svm_migrate_piece_in(struct vsvm_svm *svm, struct vsvm_device *vdev,
				     struct vm_area_struct *vma, u64 start, u64 end,
				     u32 granularity, bool peers, struct vsvm_svm_xfer *x)
{
	unsigned long npages = (end - start) >> PAGE_SHIFT;
	struct migrate_vma m = {
		.vma = vma,
		.start = start,
		.end = end,
		.src = x->src,
		.dst = x->dst,
		.pgmap_owner = vsvm_svm_pgmap_owner(),
		.flags = MIGRATE_VMA_SELECT_SYSTEM | (peers ? VSVM_SVM_MIGRATE_DEVICE : 0),
	};
	struct vsvm_svm_bo *sbo;
	u64 copied = 0;
	int ret;

	ret = migrate_vma_setup(&m);
	if (ret || !m.cpages)
		return ret;
	vsvm_svm_migrate_start_event(x, npages, start, vdev);
	sbo = vsvm_svm_bo_alloc(vdev, npages, svm->vram_stats, granularity, x->fault_vdev);
	if (IS_ERR(sbo)) {
		ret = PTR_ERR(sbo);
	} else {
		vsvm_svm_dst_vram(sbo, x, npages);
		ret = vsvm_svm_copy_in(vdev, x, npages, &copied);
		if (ret)
			vsvm_svm_dst_drop_all(x->dst, npages);
	}
	migrate_vma_pages(&m);
	if (!ret)
		vsvm_svm_count_in(svm, vdev, x, npages, copied);
	vsvm_svm_migrate_end_event(x, npages, start, vdev);
	migrate_vma_finalize(&m);
	if (!IS_ERR(sbo))
		vsvm_svm_bo_done(sbo);
	return ret;
}

/* A locked system page for the data at @addr of @vma (or of no VMA), or NULL */
static struct page *vsvm_svm_sys_page(struct vm_area_struct *vma, u64 addr)
{
	struct page *page;

	if (vma)
		page = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, addr);
	else
		page = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOFAIL);
	if (page)
		lock_page(page);
	return page;
}

/*
 * Copy the VRAM pages of @x that are on @vdev into their system
 * destinations; a failed copy drops those destinations.
 */
static void vsvm_svm_copy_out_gpu(struct vsvm_device *vdev, struct vsvm_svm_xfer *x,
				  unsigned long npages)
{
	struct device *dev = vdev->drm.dev;
	struct vsvm_hw_copy_desc *descs;
	struct page *spage;
	unsigned int n = 0;
	unsigned long i;
	int ret = 0;

	descs = kvmalloc_array(npages, sizeof(*descs), GFP_KERNEL);
	for (i = 0; i < npages; i++) {
		spage = migrate_pfn_to_page(x->src[i]);
		x->dma[i] = DMA_MAPPING_ERROR;
		if (!x->dst[i] || vsvm_svm_page_vdev(spage) != vdev)
			continue;
		if (descs)
			x->dma[i] = dma_map_page(dev, migrate_pfn_to_page(x->dst[i]), 0, PAGE_SIZE,
						 DMA_FROM_DEVICE);
		if (!descs || dma_mapping_error(dev, x->dma[i])) {
			x->dma[i] = DMA_MAPPING_ERROR;
			vsvm_svm_dst_drop(&x->dst[i]);
			continue;
		}
		descs[n++] = (struct vsvm_hw_copy_desc) {
			.src = vsvm_svm_page_offset(spage),
			.dst = x->dma[i],
			.size = PAGE_SIZE,
			.flags = VSVM_HW_COPY_DST_SYSTEM,
		};
	}
	if (n)
		ret = vsvm_mem_copy_sync(vdev, descs, n);
	else
		kvfree(descs);
	for (i = 0; ret && i < npages; i++)
		if (x->dma[i] != DMA_MAPPING_ERROR)
			vsvm_svm_dst_drop(&x->dst[i]);
	vsvm_svm_dma_unmap(dev, x->dma, npages, DMA_FROM_DEVICE);
}

/*
 * Give every collected VRAM page of @x a system destination and copy the
 * data, with each page's own GPU.
 */
static void vsvm_svm_copy_out(struct vsvm_svm_xfer *x, unsigned long npages,
			      struct vm_area_struct *vma, u64 start)
{
	struct vsvm_device *vdevs[VSVM_MAX_GPUS] = {};
	struct vsvm_device *vdev;
	struct page *spage, *dpage;
	unsigned long i;
	unsigned int g;

	for (i = 0; i < npages; i++) {
		x->dst[i] = 0;
		spage = migrate_pfn_to_page(x->src[i]);
		if (!(x->src[i] & MIGRATE_PFN_MIGRATE) || !spage || !vsvm_svm_page_is_vram(spage))
			continue;
		vdev = vsvm_svm_page_vdev(spage);
		dpage = vsvm_svm_sys_page(vma, start + (i << PAGE_SHIFT));
		if (!dpage)
			continue;
		x->dst[i] = migrate_pfn(page_to_pfn(dpage));
		vdevs[vdev->index] = vdev;
	}
	for (g = 0; g < VSVM_MAX_GPUS; g++)
		if (vdevs[g])
			vsvm_svm_copy_out_gpu(vdevs[g], x, npages);
}

/* Count the pages of @x that moved out of VRAM; before the finalize */
static unsigned long vsvm_svm_count_out(struct vsvm_svm_xfer *x, unsigned long npages)
{
	struct vsvm_svm_vram_count *c;
	struct page *spage;
	unsigned long i, n = 0;

	for (i = 0; i < npages; i++) {
		if (!x->dst[i] || !(x->src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		spage = migrate_pfn_to_page(x->src[i]);
		c = vsvm_svm_page_count(spage);
		atomic64_inc(&c->pages_out);
		atomic64_add(PAGE_SIZE, &c->bytes_copied);
		/* A CPU fault counts once its page moved (else the CPU faults again) */
		if (spage == x->fault_page)
			atomic64_inc(&c->cpu_faults);
		n++;
	}
	x->moved += n;
	return n;
}

/*
 * Migrate the VRAM pages of [@start, @end) of @vma (one piece) to system
 * memory; @fault_page for a CPU fault.
 */
static int vsvm_svm_migrate_piece_out(struct vm_area_struct *vma, u64 start, u64 end,
				      struct page *fault_page, struct vsvm_svm_xfer *x)
{
	unsigned long npages = (end - start) >> PAGE_SHIFT;
	struct migrate_vma m = {
		.vma = vma,
		.start = start,
		.end = end,
		.src = x->src,
		.dst = x->dst,
		.pgmap_owner = vsvm_svm_pgmap_owner(),
		.flags = VSVM_SVM_MIGRATE_DEVICE,
		.fault_page = fault_page,
	};
	int ret;

	ret = migrate_vma_setup(&m);
	if (ret || !m.cpages)
		return ret;
	vsvm_svm_migrate_start_event(x, npages, start, NULL);
	vsvm_svm_copy_out(x, npages, vma, start);
	migrate_vma_pages(&m);
	vsvm_svm_count_out(x, npages);
	vsvm_svm_migrate_end_event(x, npages, start, NULL);
	migrate_vma_finalize(&m);
	return 0;
}

/* The process of the first collected VRAM page of @x, for events (0: none) */
static pid_t vsvm_svm_xfer_pid(const struct vsvm_svm_xfer *x, unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		if (vsvm_svm_src_vdev(x, i))
			return vsvm_svm_page_pid(migrate_pfn_to_page(x->src[i]));
	return 0;
}

/**
 * vsvm_svm_migrate_out_pfns() - migrate collected VRAM pages to system memory
 * @src: @npages entries from migrate_device_range()
 * @npages: number of entries
 *
 * For an eviction: allocates system pages (__GFP_NOFAIL) for the collected
 * VRAM pages, copies them with their GPUs' copy engines and completes the
 * migration with migrate_device_pages() and migrate_device_finalize().
 * Reports MIGRATE events with trigger EVICTION and address 0 (the pages
 * are known by their VRAM, not by address).
 *
 * Context: may sleep; no mmap lock needed (eviction holds a dma_resv lock).
 * Return: the number of pages migrated, or -ENOMEM.
 */
int vsvm_svm_migrate_out_pfns(unsigned long *src, unsigned long npages)
{
	struct vsvm_svm_xfer *x;
	unsigned long i, n, done = 0;

	x = kvzalloc(sizeof(*x), GFP_KERNEL);
	if (!x)
		return -ENOMEM;
	x->trigger = VSVM_MIGRATE_TRIGGER_EVICTION;
	for (i = 0; i < npages; i += n) {
		n = min_t(unsigned long, npages - i, VSVM_SVM_MIGRATE_PAGES);
		memcpy(x->src, src + i, n * sizeof(*src));
		x->pid = vsvm_svm_xfer_pid(x, n);
		vsvm_svm_migrate_start_event(x, n, 0, NULL);
		vsvm_svm_copy_out(x, n, NULL, 0);
		migrate_device_pages(x->src, x->dst, n);
		done += vsvm_svm_count_out(x, n);
		vsvm_svm_migrate_end_event(x, n, 0, NULL);
		migrate_device_finalize(x->src, x->dst, n);
	}
	kvfree(x);
	return done;
}

/*
 * Where the pages of [@start, @end) (one piece) are, as VSVM_SVM_HAS_* bits:
 * a snapshot of the CPU page table, so that a piece already in place costs
 * no migrate_vma_setup(), whose invalidation would unmap it from the GPUs
 * for nothing (and make the waves of other compute units working in it
 * fault again and again). When unsure: every bit.
 */
static unsigned int vsvm_svm_piece_where(struct vsvm_svm *svm, struct vsvm_device *vdev,
					 u64 start, u64 end, unsigned long *pfns)
{
	struct interval_tree_node *it = interval_tree_iter_first(&svm->notifiers, start, start);
	struct hmm_range range = {
		.start = start,
		.end = end,
		.hmm_pfns = pfns,
		.dev_private_owner = vsvm_svm_pgmap_owner(),
	};
	unsigned long i, n = (end - start) >> PAGE_SHIFT;
	unsigned int where = 0;
	struct page *page;

	if (!it)
		return VSVM_SVM_HAS_ALL;
	range.notifier = &container_of(it, struct vsvm_svm_notifier, it)->mni;
	range.notifier_seq = mmu_interval_read_begin(range.notifier);
	if (hmm_range_fault(&range))
		return VSVM_SVM_HAS_ALL;
	for (i = 0; i < n; i++) {
		page = pfns[i] & HMM_PFN_VALID ? hmm_pfn_to_page(pfns[i]) : NULL;
		if (!page || !vsvm_svm_page_is_vram(page))
			where |= VSVM_SVM_HAS_SYSTEM;
		else if (vsvm_svm_page_vdev(page) == vdev)
			where |= VSVM_SVM_HAS_VRAM;
		else
			where |= VSVM_SVM_HAS_OTHER;
	}
	return where;
}

/*
 * Migrate the pieces of [@start, @end) inside @vma: to VRAM of @vdev, or to
 * system memory when @vdev is NULL.
 */
static int vsvm_svm_migrate_vma(struct vsvm_svm *svm, struct vsvm_device *vdev,
				struct vm_area_struct *vma, u64 start, u64 end, u32 granularity,
				struct vsvm_svm_xfer *x)
{
	unsigned int where;
	u64 addr, next;
	int ret = 0;

	for (addr = start; addr < end && !ret; addr = next) {
		next = min_t(u64, end, ALIGN(addr + 1, SZ_2M));
		where = vsvm_svm_piece_where(svm, vdev, addr, next, x->pfns);
		/* Another GPU's VRAM moves directly, VRAM to VRAM */
		if (vdev && where & (VSVM_SVM_HAS_SYSTEM | VSVM_SVM_HAS_OTHER))
			ret = vsvm_svm_migrate_piece_in(svm, vdev, vma, addr, next, granularity,
							where & VSVM_SVM_HAS_OTHER, x);
		else if (!vdev && where & (VSVM_SVM_HAS_VRAM | VSVM_SVM_HAS_OTHER))
			ret = vsvm_svm_migrate_piece_out(vma, addr, next, NULL, x);
		cond_resched();
	}
	return ret;
}

/*
 * Migrate [@start, @end) to GPU index @gpu (the process has a VM on it), or
 * to system memory when @gpu is -1, for VSVM_MIGRATE_TRIGGER_* @trigger;
 * @granularity is the range's attribute (for later CPU faults), and with
 * @strict a hole is an error (-EFAULT). Best effort: anonymous private
 * pages that are not busy move; VRAM that cannot be had even after eviction
 * leaves the rest where it is. A GPU without a pagemap keeps everything in
 * system memory. @fault_vdev is the GPU whose fault batch asked (GPU-fault
 * migrations), else NULL. Returns the pages moved, or a negative errno.
 * Takes the mmap read lock.
 */
static long vsvm_svm_migrate_range(struct vsvm_svm *svm, int gpu, u64 start, u64 end,
				   u32 granularity, u32 trigger, bool strict,
				   struct vsvm_device *fault_vdev)
{
	struct vsvm_device *vdev = gpu >= 0 ? svm->gpus[gpu].vdev : NULL;
	struct vm_area_struct *vma;
	struct vsvm_svm_xfer *x;
	u64 addr, next, moved;
	int ret = 0;

	lockdep_assert_held(&svm->lock);
	if (gpu >= 0 && (!vdev || !vdev->pagemap))
		return 0;
	ret = vsvm_svm_notifiers_ensure(svm, start, end);
	if (ret)
		return ret;
	x = kvzalloc(sizeof(*x), GFP_KERNEL);
	if (!x)
		return -ENOMEM;
	x->pid = svm->pid;
	x->trigger = trigger;
	x->fault_vdev = fault_vdev;
	mmap_read_lock(svm->mm);
	for (addr = start; addr < end && !ret; addr = next) {
		vma = find_vma(svm->mm, addr);
		if (!vma || vma->vm_start >= end) {
			ret = strict ? -EFAULT : 0;
			break;
		}
		if (vma->vm_start > addr && strict) {
			ret = -EFAULT;
			break;
		}
		addr = max_t(u64, addr, vma->vm_start);
		next = min_t(u64, end, vma->vm_end);
		if (vsvm_svm_vma_migratable(vma))
			ret = vsvm_svm_migrate_vma(svm, vdev, vma, addr, next, granularity, x);
	}
	mmap_read_unlock(svm->mm);
	moved = x->moved;
	kvfree(x);
	/* VRAM full of what cannot be evicted: the rest stays where it is */
	if (ret == -ENOMEM && vdev)
		ret = 0;
	return ret ?: moved;
}

/**
 * vsvm_svm_migrate_split() - split the huge page the CPU maps at an address
 * @svm: the process context
 * @addr: a page of an anonymous private mapping that a PMD maps
 *
 * Device-exclusive access cannot take a page of a large folio. Collecting
 * the 2 MiB block with migrate_vma_setup() splits a PMD-mapped transparent
 * huge page into small pages; nothing is migrated (no destination), so
 * migrate_vma_finalize() maps the same pages back, now with PTEs.
 *
 * Context: &vsvm_svm.lock and the mmap read lock held.
 * Return: 0, -EFAULT if the block is not inside one anonymous private VMA,
 * -ENOMEM, or an error of migrate_vma_setup().
 */
int vsvm_svm_migrate_split(struct vsvm_svm *svm, u64 addr)
{
	struct vm_area_struct *vma = vma_lookup(svm->mm, addr);
	u64 start = ALIGN_DOWN(addr, SZ_2M);
	struct migrate_vma m = {
		.vma = vma,
		.start = start,
		.end = start + SZ_2M,
		.pgmap_owner = vsvm_svm_pgmap_owner(),
		.flags = MIGRATE_VMA_SELECT_SYSTEM,
	};
	struct vsvm_svm_xfer *x;
	int ret;

	lockdep_assert_held(&svm->lock);
	mmap_assert_locked(svm->mm);
	if (!vma || !vsvm_svm_vma_migratable(vma) || start < vma->vm_start ||
	    m.end > vma->vm_end)
		return -EFAULT;
	x = kvzalloc(sizeof(*x), GFP_KERNEL);
	if (!x)
		return -ENOMEM;
	m.src = x->src;
	m.dst = x->dst;
	ret = migrate_vma_setup(&m);
	if (!ret) {
		migrate_vma_pages(&m);
		migrate_vma_finalize(&m);
	}
	kvfree(x);
	return ret;
}

/* The index of the GPU with gpu_id @gpu_id that has a VM of the process, or -1 */
static int vsvm_svm_loc_index(struct vsvm_svm *svm, u32 gpu_id)
{
	unsigned int gpu;

	for (gpu = 0; gpu < VSVM_MAX_GPUS; gpu++)
		if (svm->gpus[gpu].vdev && svm->gpus[gpu].vdev->gpu_id == gpu_id &&
		    !list_empty(&svm->gpus[gpu].vms))
			return gpu;
	return -1;
}

/* Where a GPU fault with @access sends the pages: GPU index, -1 RAM, -2 stay */
static int vsvm_svm_fault_target(struct vsvm_svm *svm, unsigned int gpu, u32 access,
				 const struct vsvm_svm_attrs *a)
{
	bool write = access & (VSVM_HW_ACCESS_WRITE | VSVM_HW_ACCESS_ATOMIC);
	int preferred;

	if (!write && (a->flags & VSVM_SVM_FLAG_GPU_READ_MOSTLY))
		return -2;
	if (a->preferred_loc == VSVM_SVM_LOCATION_SYSMEM)
		return -1;
	if (a->preferred_loc == svm->gpus[gpu].vdev->gpu_id)
		return gpu;
	if (!(a->access & BIT(gpu)))
		return -2;
	if (a->preferred_loc == VSVM_SVM_LOCATION_UNDEFINED)
		return gpu;
	/* Another GPU: the data goes there, this one maps it over the link */
	preferred = vsvm_svm_loc_index(svm, a->preferred_loc);
	return preferred >= 0 ? preferred : -2;
}

/**
 * vsvm_svm_migrate_fault() - apply the placement policy to a fault window
 * @svm: the process context
 * @gpu: the faulting GPU's index
 * @start: first byte of the window
 * @end: end of the window (exclusive), inside one VMA
 * @access: VSVM_HW_ACCESS_* of the fault
 * @attrs: the attributes over the window
 *
 * A read of a GPU_READ_MOSTLY range stays; a preferred location of system
 * memory brings VRAM pages back; a preferred location of the faulting GPU,
 * or ACCESS (not ACCESS_IN_PLACE) for it without a preferred location,
 * moves the window to its VRAM; ACCESS with a preferred location on
 * another GPU moves it to that GPU's VRAM (the faulting GPU then maps it
 * over the link). Anything else is mapped in place. Pages in another GPU's
 * VRAM move directly, VRAM to VRAM.
 *
 * Context: &vsvm_svm.lock held, a reference on the mm's users.
 * Return: the pages moved, or a negative errno (the caller maps the window
 * anyway).
 */
long vsvm_svm_migrate_fault(struct vsvm_svm *svm, unsigned int gpu, u64 start, u64 end,
			    u32 access, const struct vsvm_svm_attrs *attrs)
{
	int target = vsvm_svm_fault_target(svm, gpu, access, attrs);

	if (target == -2)
		return 0;
	return vsvm_svm_migrate_range(svm, target, start, end, attrs->granularity,
				      VSVM_MIGRATE_TRIGGER_GPU_FAULT, false, svm->gpus[gpu].vdev);
}

/**
 * vsvm_svm_migrate_to_ram() - the pagemap's migrate_to_ram: a CPU fault
 * @vmf: the fault on a device-private VRAM page
 *
 * Migrates the granularity block around the faulting address (at most
 * 2 MiB, inside the VMA) to system memory.
 *
 * Context: the mmap read lock (or the VMA lock) held by the fault handler;
 * takes no driver lock.
 * Return: 0 (the CPU retries the access; if the page stayed it faults
 * again), VM_FAULT_SIGBUS if the migration could not be set up, or
 * VM_FAULT_OOM.
 */
vm_fault_t vsvm_svm_migrate_to_ram(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	u32 g = min_t(u32, vsvm_svm_page_granularity(vmf->page), ilog2(VSVM_SVM_MIGRATE_PAGES));
	u64 size = (u64)PAGE_SIZE << g;
	u64 start = max_t(u64, ALIGN_DOWN(vmf->address, size), vma->vm_start);
	u64 end = min_t(u64, ALIGN_DOWN(vmf->address, size) + size, vma->vm_end);
	struct vsvm_svm_xfer *x;
	int ret;

	x = kvzalloc(sizeof(*x), GFP_KERNEL);
	if (!x)
		return VM_FAULT_OOM;
	x->pid = vsvm_svm_page_pid(vmf->page);
	x->trigger = VSVM_MIGRATE_TRIGGER_CPU_FAULT;
	x->fault_page = vmf->page;
	ret = vsvm_svm_migrate_piece_out(vma, start, end, vmf->page, x);
	kvfree(x);
	return ret ? VM_FAULT_SIGBUS : 0;
}

/**
 * vsvm_svm_prefetch() - migrate a range now, and map it on the destination
 * @svm: the process context
 * @gpu: destination GPU index, or -1 for system memory
 * @start: first byte, page aligned
 * @end: end (exclusive), page aligned; no buffer-object binding overlaps
 * @map: also map the range on @gpu where the attributes let it reach it
 *
 * Each attribute range is migrated with its granularity.
 *
 * Context: &vsvm_svm.lock held.
 * Return: 0, -ESRCH if the process is exiting, or an error of the
 * migration or the mapping (-EFAULT for a hole).
 */
int vsvm_svm_prefetch(struct vsvm_svm *svm, int gpu, u64 start, u64 end, bool map)
{
	struct vsvm_svm_attrs a;
	u64 addr, first, last, next;
	long moved;
	int ret = 0;

	lockdep_assert_held(&svm->lock);
	if (!mmget_not_zero(svm->mm))
		return -ESRCH;
	for (addr = start; addr < end && !ret; addr = next) {
		vsvm_svm_attr_lookup(svm, addr, &a, &first, &last);
		next = min_t(u64, end, last + 1);
		moved = vsvm_svm_migrate_range(svm, gpu, addr, next, a.granularity,
					       VSVM_MIGRATE_TRIGGER_PREFETCH, true, NULL);
		ret = moved < 0 ? moved : 0;
		if (!ret && map && gpu >= 0 && ((a.access | a.access_in_place) & BIT(gpu)))
			ret = vsvm_svm_map(svm, gpu, addr, next, VSVM_HW_ACCESS_READ, &a);
	}
	mmput(svm->mm);
	return ret;
}

static void vsvm_svm_prefetch_work(struct work_struct *work)
{
	struct vsvm_svm *svm = container_of(work, struct vsvm_svm, prefetch_work);
	struct vsvm_svm_prefetch_req *req;
	int ret;

	for (;;) {
		mutex_lock(&svm->lock);
		req = list_first_entry_or_null(&svm->prefetch_list, typeof(*req), link);
		if (!req) {
			mutex_unlock(&svm->lock);
			return;
		}
		list_del(&req->link);
		ret = -ENODEV;
		if (svm->nfiles)
			ret = vsvm_svm_attr_check_range(svm, req->start, req->end - 1) ?:
			      vsvm_svm_prefetch(svm, req->gpu, req->start, req->end, true);
		mutex_unlock(&svm->lock);
		if (ret)
			dma_fence_set_error(req->fence, ret);
		dma_fence_signal(req->fence);
		dma_fence_put(req->fence);
		kfree(req);
	}
}

/**
 * vsvm_svm_prefetch_init() - set up asynchronous prefetch of a new context
 * @svm: the process context
 */
void vsvm_svm_prefetch_init(struct vsvm_svm *svm)
{
	INIT_LIST_HEAD(&svm->prefetch_list);
	INIT_WORK(&svm->prefetch_work, vsvm_svm_prefetch_work);
}

/* Queue an asynchronous prefetch whose fence replaces @syncobj's */
static int vsvm_svm_prefetch_queue(struct vsvm_svm *svm, struct drm_syncobj *syncobj, int gpu,
				   u64 start, u64 end)
{
	struct vsvm_svm_prefetch_req *req;

	lockdep_assert_held(&svm->lock);
	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	req->fence = kzalloc(sizeof(*req->fence), GFP_KERNEL);
	if (!req->fence) {
		kfree(req);
		return -ENOMEM;
	}
	dma_fence_init(req->fence, &vsvm_svm_fence_ops, &vsvm_svm_fence_lock,
		       dma_fence_context_alloc(1), 1);
	req->gpu = gpu;
	req->start = start;
	req->end = end;
	drm_syncobj_replace_fence(syncobj, req->fence);
	list_add_tail(&req->link, &svm->prefetch_list);
	queue_work(system_unbound_wq, &svm->prefetch_work);
	return 0;
}

/* The argument checks that need no process context */
static int vsvm_svm_prefetch_check(const struct drm_vsvm_svm_prefetch *args)
{
	bool async = args->flags & VSVM_SVM_PREFETCH_ASYNC;
	u64 end;

	if (args->flags & ~VSVM_SVM_PREFETCH_ASYNC || args->pad || !args->size ||
	    !PAGE_ALIGNED(args->start) || !PAGE_ALIGNED(args->size) ||
	    async != !!args->out_syncobj)
		return -EINVAL;
	if (check_add_overflow(args->start, args->size, &end) || end > TASK_SIZE)
		return -EOVERFLOW;
	return 0;
}

/* The destination GPU index of @location, -1 for system memory, or -EINVAL */
static int vsvm_svm_prefetch_gpu(struct vsvm_svm *svm, u32 location, int *gpu)
{
	*gpu = -1;
	if (location == VSVM_SVM_LOCATION_SYSMEM)
		return 0;
	*gpu = vsvm_svm_gpu_index(svm, location);
	return *gpu < 0 ? -EINVAL : 0;
}

/**
 * vsvm_ioctl_svm_prefetch() - DRM_IOCTL_VSVM_SVM_PREFETCH
 * @drm: DRM device of the GPU
 * @data: &struct drm_vsvm_svm_prefetch, kernel copy
 * @file: the caller's DRM file
 *
 * Migrates [start, start + size) to the location now, or queues the work
 * and hands its fence to the syncobj with VSVM_SVM_PREFETCH_ASYNC.
 *
 * Context: process context of the process that opened @file; takes
 * &vsvm_svm.lock and, inside it, the mmap lock.
 * Return: 0 or a negative errno as documented in the uAPI.
 */
int vsvm_ioctl_svm_prefetch(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vsvm_svm_prefetch *args = data;
	struct vsvm_file *vfile = file->driver_priv;
	struct drm_syncobj *syncobj = NULL;
	struct vsvm_svm *svm = vfile->svm;
	u64 end = args->start + args->size;
	int gpu, ret;

	ret = vsvm_svm_check_caller(vfile) ?: vsvm_svm_prefetch_check(args);
	if (ret)
		return ret;
	if (args->out_syncobj) {
		syncobj = drm_syncobj_find(file, args->out_syncobj);
		if (!syncobj)
			return -ENOENT;
	}
	mutex_lock(&svm->lock);
	ret = vsvm_svm_prefetch_gpu(svm, args->location, &gpu);
	if (!ret && syncobj) {
		/* Holes and I/O mappings are met on the way: the fence's error */
		ret = vsvm_svm_gem_overlap(svm, args->start, end - 1) ? -EADDRINUSE :
		      vsvm_svm_prefetch_queue(svm, syncobj, gpu, args->start, end);
	} else if (!ret) {
		ret = vsvm_svm_attr_check_range(svm, args->start, end - 1) ?:
		      vsvm_svm_prefetch(svm, gpu, args->start, end, true);
	}
	mutex_unlock(&svm->lock);
	if (syncobj)
		drm_syncobj_put(syncobj);
	return ret;
}
