// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: memory management
 *
 * Each GPU has a TTM device with three domains: TTM_PL_VRAM (the buddy
 * manager of vsvm_vram_mgr.c), TTM_PL_TT ("GTT": system pages DMA-mapped for
 * the GPU, a range manager as large as system RAM) and TTM_PL_SYSTEM (pages
 * the GPU cannot use: evicted from GTT or swapped out). A buffer object
 * (&struct vsvm_bo) is a TTM object whose GEM object is its &tbo.base; its
 * placement is exactly the domain it was created for, so it lands there or
 * creation fails (-ENOMEM when nothing can be evicted to make room).
 *
 * Content: new GTT pages come zeroed from the page allocator; new VRAM is
 * zeroed by the copy engine (FILL descriptors over the buddy blocks not
 * already known to be zero) before the object gets it.
 *
 * Eviction: VRAM objects are evicted to GTT, GTT objects to SYSTEM. A GTT
 * or SYSTEM object with GPU bindings is never chosen for eviction or
 * swap-out, because the GPU page tables point at its pages; a VRAM object
 * with bindings can be evicted, its bindings follow it.
 *
 * Moves (the TTM move callback) are synchronous:
 *
 * - no old resource: GTT needs nothing (pages are zeroed), VRAM is filled
 *   with zeros first;
 * - SYSTEM <-> GTT: the pages stay, only the resource changes;
 * - VRAM <-> SYSTEM: a hop through GTT (-EMULTIHOP);
 * - VRAM <-> GTT: the copy engine copies page by page between VRAM offsets
 *   (buddy blocks) and the DMA addresses of the GTT pages (which TTM
 *   populated beforehand). If the object has GPU bindings,
 *   vsvm_vm_bo_move_begin() stops the GPU from using it before the copy and
 *   vsvm_vm_bo_move_end() points the bindings at the new memory once the
 *   object holds it (also after a failed copy, then at the old memory).
 *   The callback waits for the copy, then frees the old memory.
 *
 * The CPU never touches VRAM directly: mmap() of a VRAM object maps the BAR
 * pages that &vsvm_hw_ops.vram_pfn reports for each page.
 *
 * Locking, outermost first:
 *
 * - the dma_resv lock of an object guards its placement, its pages and
 *   &vsvm_bo.bindings. TTM holds it around every move; while making room
 *   it locks other objects' resv too (trylock, or with the caller's ww
 *   ticket). vsvm_bo_validate() and vsvm_bo_ptes() need it held.
 * - &vsvm_vm.lock is taken by vsvm_vm_bo_move_begin()/end() inside the
 *   resv lock of the object being moved, which may be any object of the
 *   GPU. So no one may create or validate an object, or take a resv lock,
 *   while holding a VM lock.
 * - &vsvm_vram_mgr.lock (buddy allocator) and &vsvm_sdma.lock are leaves
 *   taken inside a resv lock; TTM's LRU spinlock is innermost.
 *
 * Moves sleep on the copy engine with the resv lock held, as TTM expects.
 */

#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <drm/drm_gem.h>
#include <drm/drm_gem_ttm_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/drm_vma_manager.h>
#include <drm/ttm/ttm_range_manager.h>
#include <drm/ttm/ttm_tt.h>
#include <uapi/drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_svm.h"
#include "vsvm_vm.h"

static const struct ttm_place vsvm_place_system = {
	.mem_type = TTM_PL_SYSTEM,
};

static struct vsvm_device *vsvm_bdev_to_vdev(struct ttm_device *bdev)
{
	return container_of(bdev, struct vsvm_device, mem.bdev);
}

static struct ttm_tt *vsvm_ttm_tt_create(struct ttm_buffer_object *tbo, u32 page_flags)
{
	struct ttm_tt *tt;

	tt = kzalloc(sizeof(*tt), GFP_KERNEL);
	if (!tt)
		return NULL;
	/* ttm_sg_tt_init() also allocates the dma_address[] the pool fills. */
	if (ttm_sg_tt_init(tt, tbo, page_flags, ttm_cached)) {
		kfree(tt);
		return NULL;
	}
	return tt;
}

static void vsvm_ttm_tt_destroy(struct ttm_device *bdev, struct ttm_tt *tt)
{
	ttm_tt_fini(tt);
	kfree(tt);
}

static bool vsvm_bo_eviction_valuable(struct ttm_buffer_object *tbo,
				      const struct ttm_place *place)
{
	if (tbo->resource->mem_type != TTM_PL_VRAM &&
	    !list_empty(&to_vsvm_bo(tbo)->bindings))
		return false;
	if (to_vsvm_bo(tbo)->svm && !vsvm_svm_bo_evictable(tbo))
		return false;
	return ttm_bo_eviction_valuable(tbo, place);
}

/*
 * Every object on vsvm's LRUs is a vsvm_bo: vsvm makes no ghost objects. SVM
 * objects go to system memory: their pages migrate back to the process.
 */
static void vsvm_bo_evict_flags(struct ttm_buffer_object *tbo, struct ttm_placement *placement)
{
	placement->num_placement = 1;
	if (tbo->resource->mem_type == TTM_PL_VRAM && !to_vsvm_bo(tbo)->svm)
		placement->placement = &to_vsvm_bo(tbo)->places[1];
	else
		placement->placement = &vsvm_place_system;
}

/**
 * vsvm_mem_copy_sync() - run descriptors on the copy engine and wait
 * @vdev: the GPU
 * @descs: descriptors from kvmalloc(), taken over in every case
 * @n: number of @descs, at least one
 *
 * Waits uninterruptibly: the engine writes to memory the caller frees or
 * hands on afterwards.
 *
 * Return: 0 or the copy's error.
 */
int vsvm_mem_copy_sync(struct vsvm_device *vdev, struct vsvm_hw_copy_desc *descs, unsigned int n)
{
	struct dma_fence *fence;
	int ret;

	fence = vsvm_sdma_copy(vdev, descs, n, NULL);
	if (IS_ERR(fence))
		return PTR_ERR(fence);
	/* Uninterruptible: the engine writes to memory TTM would free. */
	dma_fence_wait(fence, false);
	ret = dma_fence_get_status(fence);
	dma_fence_put(fence);
	return ret < 0 ? ret : 0;
}

/* Zero the blocks of a new VRAM resource that are not known to be zero. */
static int vsvm_bo_clear_vram(struct vsvm_device *vdev, struct ttm_resource *res)
{
	struct vsvm_hw_copy_desc *descs;
	struct vsvm_vram_cursor cur;
	unsigned int n = 0;

	for (vsvm_vram_cursor_first(&vdev->mem.vram, res, 0, res->size, &cur);
	     cur.remaining; vsvm_vram_cursor_next(&cur, cur.size))
		n += !gpu_buddy_block_is_clear(cur.block);
	if (!n)
		return 0;

	descs = kvmalloc_array(n, sizeof(*descs), GFP_KERNEL);
	if (!descs)
		return -ENOMEM;
	n = 0;
	for (vsvm_vram_cursor_first(&vdev->mem.vram, res, 0, res->size, &cur);
	     cur.remaining; vsvm_vram_cursor_next(&cur, cur.size)) {
		if (gpu_buddy_block_is_clear(cur.block))
			continue;
		descs[n++] = (struct vsvm_hw_copy_desc) {
			.src = 0,
			.dst = cur.start,
			.size = cur.size,
			.flags = VSVM_HW_COPY_FILL,
		};
	}
	return vsvm_mem_copy_sync(vdev, descs, n);
}

/*
 * One descriptor per page between the VRAM resource @vram and the populated
 * @tt: each GTT page is its own DMA mapping as far as the engine knows.
 */
static struct vsvm_hw_copy_desc *vsvm_bo_copy_descs(struct vsvm_device *vdev, struct ttm_tt *tt,
						    struct ttm_resource *vram, bool to_vram)
{
	struct vsvm_hw_copy_desc *descs;
	struct vsvm_vram_cursor cur;
	u32 i;

	descs = kvmalloc_array(tt->num_pages, sizeof(*descs), GFP_KERNEL);
	if (!descs)
		return NULL;

	vsvm_vram_cursor_first(&vdev->mem.vram, vram, 0, vram->size, &cur);
	for (i = 0; i < tt->num_pages; i++) {
		u64 sys = tt->dma_address[i];

		descs[i] = (struct vsvm_hw_copy_desc) {
			.src = to_vram ? sys : cur.start,
			.dst = to_vram ? cur.start : sys,
			.size = PAGE_SIZE,
			.flags = to_vram ? VSVM_HW_COPY_SRC_SYSTEM : VSVM_HW_COPY_DST_SYSTEM,
		};
		vsvm_vram_cursor_next(&cur, PAGE_SIZE);
	}
	return descs;
}

/* VRAM <-> GTT through the copy engine. */
static int vsvm_bo_move_copy(struct ttm_buffer_object *tbo, bool evict,
			     struct ttm_operation_ctx *ctx, struct ttm_resource *new_mem)
{
	struct vsvm_device *vdev = vsvm_bdev_to_vdev(tbo->bdev);
	struct vsvm_bo *bo = to_vsvm_bo(tbo);
	bool to_vram = new_mem->mem_type == TTM_PL_VRAM;
	bool bound = !list_empty(&bo->bindings);
	struct vsvm_hw_copy_desc *descs;
	int ret;

	if (WARN_ON_ONCE(!tbo->ttm || !ttm_tt_is_populated(tbo->ttm)))
		return -EINVAL;
	ret = ttm_bo_wait_ctx(tbo, ctx);
	if (ret)
		return ret;
	descs = vsvm_bo_copy_descs(vdev, tbo->ttm, to_vram ? new_mem : tbo->resource, to_vram);
	if (!descs)
		return -ENOMEM;

	if (bound)
		vsvm_vm_bo_move_begin(bo);
	ret = vsvm_mem_copy_sync(vdev, descs, tbo->ttm->num_pages);
	if (!ret) {
		if (evict && !to_vram)
			atomic64_inc(&vdev->mem.evictions);
		atomic64_inc(&vdev->mem.moves);
		/* Frees the old resource, and the GTT pages when going to VRAM. */
		ttm_bo_move_sync_cleanup(tbo, new_mem);
	}
	if (bound)
		vsvm_vm_bo_move_end(bo);
	return ret;
}

/* An SVM object leaves VRAM only by eviction: its pages go to system memory */
static int vsvm_bo_move_svm(struct ttm_buffer_object *tbo, struct ttm_resource *new_mem)
{
	int ret;

	if (WARN_ON_ONCE(tbo->resource->mem_type != TTM_PL_VRAM ||
			 new_mem->mem_type != TTM_PL_SYSTEM))
		return -EINVAL;
	ret = vsvm_svm_bo_evict(tbo);
	if (ret)
		return ret;
	ttm_bo_move_null(tbo, new_mem);
	return 0;
}

static int vsvm_bo_move(struct ttm_buffer_object *tbo, bool evict, struct ttm_operation_ctx *ctx,
			struct ttm_resource *new_mem, struct ttm_place *hop)
{
	struct ttm_resource *old_mem = tbo->resource;
	u32 new_type = new_mem->mem_type;
	u32 old_type;
	int ret;

	if (!old_mem) {
		/* SVM objects are filled by their migration */
		if (new_type == TTM_PL_VRAM && !to_vsvm_bo(tbo)->svm) {
			ret = vsvm_bo_clear_vram(vsvm_bdev_to_vdev(tbo->bdev), new_mem);
			if (ret)
				return ret;
		}
		ttm_bo_move_null(tbo, new_mem);
		return 0;
	}

	if (to_vsvm_bo(tbo)->svm)
		return vsvm_bo_move_svm(tbo, new_mem);
	old_type = old_mem->mem_type;
	if (old_type != TTM_PL_VRAM && new_type != TTM_PL_VRAM) {
		ttm_bo_move_null(tbo, new_mem);
		return 0;
	}
	if (old_type == TTM_PL_SYSTEM || new_type == TTM_PL_SYSTEM) {
		*hop = (struct ttm_place) {
			.mem_type = TTM_PL_TT,
			.flags = TTM_PL_FLAG_TEMPORARY,
		};
		return -EMULTIHOP;
	}
	return vsvm_bo_move_copy(tbo, evict, ctx, new_mem);
}

static int vsvm_ttm_io_mem_reserve(struct ttm_device *bdev, struct ttm_resource *mem)
{
	if (mem->mem_type != TTM_PL_VRAM)
		return 0;
	/* The offset is in VRAM; CPU mappings go through io_mem_pfn. */
	mem->bus.is_iomem = true;
	mem->bus.caching = ttm_cached;
	mem->bus.offset = (phys_addr_t)mem->start << PAGE_SHIFT;
	return 0;
}

static unsigned long vsvm_bo_io_mem_pfn(struct ttm_buffer_object *tbo, unsigned long page_offset)
{
	struct vsvm_device *vdev = vsvm_bdev_to_vdev(tbo->bdev);
	struct vsvm_vram_cursor cur;

	vsvm_vram_cursor_first(&vdev->mem.vram, tbo->resource, (u64)page_offset << PAGE_SHIFT,
			       PAGE_SIZE, &cur);
	return vdev->hw_ops->vram_pfn(vdev->hw, cur.start);
}

static const struct ttm_device_funcs vsvm_ttm_funcs = {
	.ttm_tt_create = vsvm_ttm_tt_create,
	.ttm_tt_destroy = vsvm_ttm_tt_destroy,
	.eviction_valuable = vsvm_bo_eviction_valuable,
	.evict_flags = vsvm_bo_evict_flags,
	.move = vsvm_bo_move,
	.io_mem_reserve = vsvm_ttm_io_mem_reserve,
	.io_mem_pfn = vsvm_bo_io_mem_pfn,
};

/* GEM free: drop the TTM reference the GEM object stood for. */
static void vsvm_gem_free(struct drm_gem_object *obj)
{
	ttm_bo_put(drm_gem_ttm_of_gem(obj));
}

static const struct drm_gem_object_funcs vsvm_gem_funcs = {
	.free = vsvm_gem_free,
	.mmap = drm_gem_ttm_mmap,
	.print_info = drm_gem_ttm_print_info,
};

/* TTM destroy: the last TTM reference is gone. */
static void vsvm_bo_destroy(struct ttm_buffer_object *tbo)
{
	drm_gem_object_release(&tbo->base);
	kfree(to_vsvm_bo(tbo));
}

static u64 vsvm_mem_domain_size(struct vsvm_device *vdev, u32 mem_type)
{
	if (mem_type == TTM_PL_VRAM)
		return vdev->caps.vram_size;
	return (u64)totalram_pages() << PAGE_SHIFT;
}

/**
 * vsvm_bo_create() - create a buffer object
 * @vdev: the GPU
 * @size: bytes, non-zero and page aligned
 * @domain: %VSVM_GEM_DOMAIN_VRAM or %VSVM_GEM_DOMAIN_GTT
 * @bo: the new object, on success
 *
 * Places the object in @domain, evicting other objects if needed, with
 * zeroed content. Must not be called with a &vsvm_vm.lock held (see DOC).
 *
 * Return: 0 with @bo holding one GEM reference and unreserved; -EINVAL for
 * a bad size, -ENOMEM when the domain has no room even after eviction, or
 * another negative errno (-ERESTARTSYS on a signal).
 */
int vsvm_bo_create(struct vsvm_device *vdev, u64 size, u32 domain, struct vsvm_bo **bo)
{
	struct ttm_operation_ctx ctx = {
		.interruptible = true,
		.gfp_retry_mayfail = true,
	};
	u32 mem_type = domain == VSVM_GEM_DOMAIN_VRAM ? TTM_PL_VRAM : TTM_PL_TT;
	struct vsvm_bo *nbo;
	int ret;

	if (!size || !PAGE_ALIGNED(size))
		return -EINVAL;
	if (size > vsvm_mem_domain_size(vdev, mem_type))
		return -ENOMEM;

	nbo = kzalloc(sizeof(*nbo), GFP_KERNEL);
	if (!nbo)
		return -ENOMEM;
	nbo->domain = domain;
	INIT_LIST_HEAD(&nbo->bindings);
	nbo->places[0].mem_type = mem_type;
	nbo->places[1].mem_type = TTM_PL_TT;
	nbo->placement.num_placement = 1;
	nbo->placement.placement = nbo->places;
	nbo->tbo.base.funcs = &vsvm_gem_funcs;
	drm_gem_private_object_init(&vdev->drm, &nbo->tbo.base, size);

	/* On failure TTM drops the object, through vsvm_bo_destroy(). */
	ret = ttm_bo_init_reserved(&vdev->mem.bdev, &nbo->tbo, ttm_bo_type_device,
				   &nbo->placement, 0, &ctx, NULL, NULL, vsvm_bo_destroy);
	if (ret)
		return ret == -ENOSPC ? -ENOMEM : ret;
	ttm_bo_unreserve(&nbo->tbo);
	*bo = nbo;
	return 0;
}

/**
 * vsvm_bo_lookup() - the buffer object behind a GEM handle
 * @file: DRM file the handle belongs to
 * @handle: GEM handle
 *
 * Return: the object with a new GEM reference (drop it with vsvm_bo_put()),
 * or NULL if @file has no such handle.
 */
struct vsvm_bo *vsvm_bo_lookup(struct drm_file *file, u32 handle)
{
	struct drm_gem_object *obj;

	obj = drm_gem_object_lookup(file, handle);
	if (!obj)
		return NULL;
	return to_vsvm_bo(drm_gem_ttm_of_gem(obj));
}

/**
 * vsvm_bo_put() - drop a GEM reference of a buffer object
 * @bo: the object
 */
void vsvm_bo_put(struct vsvm_bo *bo)
{
	drm_gem_object_put(&bo->tbo.base);
}

/**
 * vsvm_bo_validate() - bring a buffer object back to its domain
 * @bo: the object, whose dma_resv lock the caller holds
 *
 * Moves the object back to the domain it was created for if it was evicted,
 * evicting others as needed, and makes sure a GTT object's pages are
 * allocated and DMA-mapped. Must not be called with a &vsvm_vm.lock held:
 * evicting another object can take its VMs' locks.
 *
 * Return: 0, -ENOMEM when there is no room, or another negative errno
 * (-ERESTARTSYS on a signal).
 */
int vsvm_bo_validate(struct vsvm_bo *bo)
{
	struct ttm_operation_ctx ctx = {
		.interruptible = true,
		.gfp_retry_mayfail = true,
	};
	struct ttm_buffer_object *tbo = &bo->tbo;
	int ret;

	dma_resv_assert_held(tbo->base.resv);
	ret = ttm_bo_validate(tbo, &bo->placement, &ctx);
	if (ret)
		return ret;
	if (tbo->resource->mem_type == TTM_PL_VRAM)
		return 0;
	return ttm_tt_populate(tbo->bdev, tbo->ttm, &ctx);
}

/**
 * vsvm_bo_ptes() - hardware addresses of pages of a buffer object
 * @bo: the object, whose dma_resv lock the caller holds
 * @offset: byte offset of the first page, 4 KiB aligned
 * @n: number of 4 KiB pages, non-zero
 * @ptes: out, one entry per page
 *
 * For an object in VRAM each entry is the page's VRAM offset; for an object
 * in system memory it is the page's DMA address with %VSVM_PTE_SYSTEM. No
 * valid or permission bits are set. The addresses stay valid while the resv
 * lock is held; a move rewrites the bindings (vsvm_vm_bo_move_end()).
 *
 * Return: 0; -EINVAL if the range is not within the object; -ENOMEM if the
 * object's system pages are not there (validate it first).
 */
int vsvm_bo_ptes(struct vsvm_bo *bo, u64 offset, unsigned int n, u64 *ptes)
{
	struct ttm_buffer_object *tbo = &bo->tbo;
	struct ttm_resource *res = tbo->resource;
	u64 size = (u64)n << PAGE_SHIFT;
	struct vsvm_vram_cursor cur;
	pgoff_t first = offset >> PAGE_SHIFT;
	unsigned int i;

	dma_resv_assert_held(tbo->base.resv);
	if (!n || !PAGE_ALIGNED(offset) || offset > tbo->base.size ||
	    size > tbo->base.size - offset)
		return -EINVAL;

	if (res->mem_type == TTM_PL_VRAM) {
		vsvm_vram_cursor_first(&to_vsvm_device(tbo->base.dev)->mem.vram, res, offset, size,
				       &cur);
		for (i = 0; i < n; i++) {
			ptes[i] = cur.start;
			vsvm_vram_cursor_next(&cur, PAGE_SIZE);
		}
		return 0;
	}

	if (!tbo->ttm || !ttm_tt_is_populated(tbo->ttm))
		return -ENOMEM;
	for (i = 0; i < n; i++)
		ptes[i] = tbo->ttm->dma_address[first + i] | VSVM_PTE_SYSTEM;
	return 0;
}

/**
 * vsvm_mem_usage() - memory held by buffer objects
 * @vdev: the GPU
 * @vram_used: out, bytes of VRAM allocated
 * @gtt_used: out, bytes of GTT (GPU-mapped system memory) allocated
 */
void vsvm_mem_usage(struct vsvm_device *vdev, u64 *vram_used, u64 *gtt_used)
{
	struct ttm_device *bdev = &vdev->mem.bdev;

	/*
	 * From the buddy allocator: TTM's usage counter also counts an
	 * allocation while it is being tried (and evicts to make room).
	 */
	*vram_used = vsvm_vram_mgr_used(&vdev->mem.vram);
	*gtt_used = ttm_resource_manager_usage(ttm_manager_type(bdev, TTM_PL_TT));
}

/**
 * vsvm_mem_print() - report of the VRAM and GTT managers, for debugfs
 * @vdev: the GPU
 * @p: where to print
 *
 * Prints each manager's size and usage, the VRAM buddy allocator's free
 * blocks per order and the GTT range manager's holes.
 */
void vsvm_mem_print(struct vsvm_device *vdev, struct drm_printer *p)
{
	struct ttm_device *bdev = &vdev->mem.bdev;

	drm_puts(p, "vram manager:\n");
	ttm_resource_manager_debug(ttm_manager_type(bdev, TTM_PL_VRAM), p);
	drm_puts(p, "gtt manager:\n");
	ttm_resource_manager_debug(ttm_manager_type(bdev, TTM_PL_TT), p);
}

/**
 * vsvm_ioctl_gem_create() - DRM_IOCTL_VSVM_GEM_CREATE
 * @drm: DRM device of the GPU
 * @data: &struct drm_vsvm_gem_create, kernel copy
 * @file: the caller's DRM file
 *
 * Return: 0; -EINVAL for non-zero flags or pad, a zero or unaligned size or
 * a domain other than exactly one VSVM_GEM_DOMAIN_*; -ENOMEM when the
 * object does not fit even after eviction; another negative errno.
 */
int vsvm_ioctl_gem_create(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vsvm_gem_create *args = data;
	struct vsvm_bo *bo;
	int ret;

	if (args->flags || args->pad)
		return -EINVAL;
	if (!args->size || !IS_ALIGNED(args->size, SZ_4K))
		return -EINVAL;
	if (args->domain != VSVM_GEM_DOMAIN_VRAM && args->domain != VSVM_GEM_DOMAIN_GTT)
		return -EINVAL;

	ret = vsvm_bo_create(to_vsvm_device(drm), args->size, args->domain, &bo);
	if (ret)
		return ret;
	ret = drm_gem_handle_create(file, &bo->tbo.base, &args->handle);
	vsvm_bo_put(bo);
	return ret;
}

/**
 * vsvm_ioctl_gem_mmap_offset() - DRM_IOCTL_VSVM_GEM_MMAP_OFFSET
 * @drm: DRM device of the GPU
 * @data: &struct drm_vsvm_gem_mmap_offset, kernel copy
 * @file: the caller's DRM file
 *
 * Return: 0; -EINVAL for non-zero flags; -ENOENT for an unknown handle.
 */
int vsvm_ioctl_gem_mmap_offset(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vsvm_gem_mmap_offset *args = data;
	struct drm_gem_object *obj;

	if (args->flags)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	args->offset = drm_vma_node_offset_addr(&obj->vma_node);
	drm_gem_object_put(obj);
	return 0;
}

/* drmm action: the GTT manager moves what is left to SYSTEM and goes. */
static void vsvm_mem_gtt_fini(struct drm_device *drm, void *arg)
{
	int ret;

	ret = ttm_range_man_fini(&to_vsvm_device(drm)->mem.bdev, TTM_PL_TT);
	if (ret)
		drm_err(drm, "GTT still in use at teardown: %d\n", ret);
}

/* drmm action: the TTM device goes, after its managers. */
static void vsvm_mem_device_fini(struct drm_device *drm, void *arg)
{
	ttm_device_fini(&to_vsvm_device(drm)->mem.bdev);
}

/**
 * vsvm_mem_init() - bring up memory management of a GPU
 * @vdev: the GPU; its hardware and copy engine are up
 *
 * Creates the TTM device and the GTT and VRAM managers. drmm actions tear
 * them down in reverse order when the DRM device is released, which must
 * happen before the copy engine goes (VRAM eviction uses it).
 *
 * Return: 0 or a negative errno.
 */
int vsvm_mem_init(struct vsvm_device *vdev)
{
	struct ttm_device *bdev = &vdev->mem.bdev;
	int ret;

	BUILD_BUG_ON(PAGE_SHIFT != VSVM_HW_PAGE_SHIFT);

	ret = ttm_device_init(bdev, &vsvm_ttm_funcs, vdev->drm.dev,
			      vdev->drm.anon_inode->i_mapping, vdev->drm.vma_offset_manager,
			      false, false);
	if (ret)
		return ret;
	ret = drmm_add_action_or_reset(&vdev->drm, vsvm_mem_device_fini, NULL);
	if (ret)
		return ret;

	ret = ttm_range_man_init(bdev, TTM_PL_TT, true, totalram_pages());
	if (ret)
		return ret;
	ret = drmm_add_action_or_reset(&vdev->drm, vsvm_mem_gtt_fini, NULL);
	if (ret)
		return ret;

	return vsvm_vram_mgr_init(vdev);
}
