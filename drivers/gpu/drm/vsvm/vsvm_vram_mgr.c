// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: VRAM manager
 *
 * The TTM resource manager of TTM_PL_VRAM hands out VRAM from a buddy
 * allocator (gpu_buddy, 4 KiB chunks) over [0, vram_size). A resource is a
 * list of buddy blocks, not one range: an object of 2 MiB or more takes its
 * 2 MiB multiple in 2 MiB-aligned blocks when VRAM is not too fragmented,
 * so that it can be mapped with 2 MiB page-table entries, and the rest (or
 * everything, if that fails) in blocks of any size down to 4 KiB. When the
 * request does not fit the manager returns -ENOSPC and TTM evicts.
 *
 * The buddy allocator also remembers which free blocks are known to be zero
 * (all of VRAM at bring-up, since the hardware starts with zeroed VRAM;
 * blocks come back dirty when freed). Allocations prefer zeroed blocks, and
 * the code that must hand out zeroed VRAM clears only the blocks that are
 * not (gpu_buddy_block_is_clear()).
 *
 * vsvm_vram_cursor_first() and vsvm_vram_cursor_next() walk the VRAM
 * behind a byte range of a resource, one contiguous piece at a time, for
 * page-table entries, copy descriptors and CPU page faults.
 *
 * Usage is accounted by TTM (ttm_resource_manager_usage()). vsvm never
 * restricts a placement to part of VRAM (fpfn and lpfn stay 0), so the
 * manager has no intersects or compatible hook: any VRAM will do.
 *
 * Locking: &vsvm_vram_mgr.lock protects the buddy allocator (allocation,
 * freeing, printing). The block list of a resource is written only while
 * the resource is allocated and freed; in between it does not change, so the
 * cursor reads it without the lock. Its users hold the dma_resv lock of the
 * object the resource belongs to, or own a resource not yet given to the
 * object (a move). TTM calls the manager with that object's resv held and
 * without its LRU lock; the manager takes no other lock inside its own.
 */

#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <drm/drm_buddy.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/ttm/ttm_resource.h>

#include "vsvm_drv.h"

/**
 * struct vsvm_vram_res - a VRAM resource
 * @base: the TTM resource
 * @blocks: its gpu_buddy blocks, in object order
 */
struct vsvm_vram_res {
	struct ttm_resource base;
	struct list_head blocks;
};

static struct vsvm_vram_res *to_vsvm_vram_res(struct ttm_resource *res)
{
	return container_of(res, struct vsvm_vram_res, base);
}

static struct vsvm_vram_mgr *to_vsvm_vram_mgr(struct ttm_resource_manager *man)
{
	return container_of(man, struct vsvm_vram_mgr, manager);
}

/*
 * Allocate @size bytes of blocks onto @blocks: its 2 MiB multiple in 2 MiB
 * blocks if possible, the rest in 4 KiB-granular blocks.
 */
static int vsvm_vram_mgr_alloc_blocks(struct vsvm_vram_mgr *mgr, u64 size,
				      struct list_head *blocks)
{
	const unsigned long flags = GPU_BUDDY_CLEAR_ALLOCATION;
	struct gpu_buddy *mm = &mgr->mm;
	u64 huge = round_down(size, SZ_2M);
	int ret;

	lockdep_assert_held(&mgr->lock);
	if (size > mm->avail)
		return -ENOSPC;

	if (huge) {
		ret = gpu_buddy_alloc_blocks(mm, 0, mm->size, huge, SZ_2M, blocks, flags);
		if (ret == -ENOSPC)
			huge = 0;
		else if (ret)
			return ret;
	}
	if (huge == size)
		return 0;

	ret = gpu_buddy_alloc_blocks(mm, 0, mm->size, size - huge, PAGE_SIZE, blocks, flags);
	if (ret)
		gpu_buddy_free_list(mm, blocks, 0);
	return ret;
}

static int vsvm_vram_mgr_alloc(struct ttm_resource_manager *man, struct ttm_buffer_object *tbo,
			       const struct ttm_place *place, struct ttm_resource **res)
{
	struct vsvm_vram_mgr *mgr = to_vsvm_vram_mgr(man);
	struct vsvm_vram_res *vres;
	struct gpu_buddy_block *first;
	int ret;

	vres = kzalloc(sizeof(*vres), GFP_KERNEL);
	if (!vres)
		return -ENOMEM;
	INIT_LIST_HEAD(&vres->blocks);
	ttm_resource_init(tbo, place, &vres->base);

	mutex_lock(&mgr->lock);
	ret = vsvm_vram_mgr_alloc_blocks(mgr, vres->base.size, &vres->blocks);
	mutex_unlock(&mgr->lock);
	if (ret) {
		ttm_resource_fini(man, &vres->base);
		kfree(vres);
		return ret;
	}

	first = list_first_entry(&vres->blocks, struct gpu_buddy_block, link);
	vres->base.start = gpu_buddy_block_offset(first) >> PAGE_SHIFT;
	*res = &vres->base;
	return 0;
}

static void vsvm_vram_mgr_free(struct ttm_resource_manager *man, struct ttm_resource *res)
{
	struct vsvm_vram_mgr *mgr = to_vsvm_vram_mgr(man);
	struct vsvm_vram_res *vres = to_vsvm_vram_res(res);

	mutex_lock(&mgr->lock);
	gpu_buddy_free_list(&mgr->mm, &vres->blocks, 0);
	mutex_unlock(&mgr->lock);
	ttm_resource_fini(man, res);
	kfree(vres);
}

static void vsvm_vram_mgr_debug(struct ttm_resource_manager *man, struct drm_printer *p)
{
	struct vsvm_vram_mgr *mgr = to_vsvm_vram_mgr(man);

	mutex_lock(&mgr->lock);
	drm_buddy_print(&mgr->mm, p);
	mutex_unlock(&mgr->lock);
}

static const struct ttm_resource_manager_func vsvm_vram_mgr_func = {
	.alloc = vsvm_vram_mgr_alloc,
	.free = vsvm_vram_mgr_free,
	.debug = vsvm_vram_mgr_debug,
};

/**
 * vsvm_vram_cursor_first() - start walking the VRAM behind part of a resource
 * @mgr: the VRAM manager that allocated @res
 * @res: a VRAM resource, whose block list cannot change (see the DOC)
 * @offset: byte offset in the object where the walk starts, page aligned
 * @size: bytes to walk, non-zero, with @offset + @size within the object
 * @cur: the cursor to set up
 *
 * On return @cur->start is the VRAM offset of @offset and @cur->size the
 * number of bytes contiguous with it (at most @size).
 */
void vsvm_vram_cursor_first(struct vsvm_vram_mgr *mgr, struct ttm_resource *res,
			    u64 offset, u64 size, struct vsvm_vram_cursor *cur)
{
	struct gpu_buddy_block *block;
	u64 block_size = 0;

	list_for_each_entry(block, &to_vsvm_vram_res(res)->blocks, link) {
		block_size = gpu_buddy_block_size(&mgr->mm, block);
		if (offset < block_size)
			break;
		offset -= block_size;
	}
	cur->mm = &mgr->mm;
	cur->block = block;
	cur->start = gpu_buddy_block_offset(block) + offset;
	cur->size = min(block_size - offset, size);
	cur->remaining = size;
}

/**
 * vsvm_vram_cursor_next() - advance a VRAM cursor
 * @cur: the cursor
 * @size: bytes to advance, at most @cur->size
 *
 * When @cur->remaining reaches zero the walk is over and the other fields
 * are stale.
 */
void vsvm_vram_cursor_next(struct vsvm_vram_cursor *cur, u64 size)
{
	cur->remaining -= size;
	if (!cur->remaining)
		return;
	cur->size -= size;
	if (cur->size) {
		cur->start += size;
		return;
	}
	cur->block = list_next_entry(cur->block, link);
	cur->start = gpu_buddy_block_offset(cur->block);
	cur->size = min(gpu_buddy_block_size(cur->mm, cur->block), cur->remaining);
}

/**
 * vsvm_vram_mgr_used() - bytes of VRAM allocated now
 * @mgr: the VRAM manager
 *
 * Return: the bytes the buddy allocator has handed out.
 */
u64 vsvm_vram_mgr_used(struct vsvm_vram_mgr *mgr)
{
	u64 used;

	mutex_lock(&mgr->lock);
	used = mgr->mm.size - mgr->mm.avail;
	mutex_unlock(&mgr->lock);
	return used;
}

/* drmm action: evict what is left in VRAM and take the manager down. */
static void vsvm_vram_mgr_fini(struct drm_device *drm, void *arg)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	struct vsvm_vram_mgr *mgr = &vdev->mem.vram;
	struct ttm_resource_manager *man = &mgr->manager;
	int ret;

	ttm_resource_manager_set_used(man, false);
	ret = ttm_resource_manager_evict_all(&vdev->mem.bdev, man);
	if (ret) {
		drm_err(drm, "VRAM still in use at teardown: %d\n", ret);
		return;
	}
	ttm_resource_manager_cleanup(man);
	ttm_set_driver_manager(&vdev->mem.bdev, TTM_PL_VRAM, NULL);
	gpu_buddy_fini(&mgr->mm);
}

/**
 * vsvm_vram_mgr_init() - create the VRAM manager of a GPU
 * @vdev: the GPU, whose TTM device is initialised
 *
 * Registers &vsvm_mem.vram as the TTM_PL_VRAM manager over
 * &vsvm_hw_caps.vram_size bytes. A drmm action evicts whatever is still in
 * VRAM and removes the manager when the DRM device is released; it needs
 * the copy engine and the GTT manager, so it must run before they go.
 *
 * Return: 0 or a negative errno.
 */
int vsvm_vram_mgr_init(struct vsvm_device *vdev)
{
	struct vsvm_vram_mgr *mgr = &vdev->mem.vram;
	struct ttm_resource_manager *man = &mgr->manager;
	int ret;

	ret = drmm_mutex_init(&vdev->drm, &mgr->lock);
	if (ret)
		return ret;
	ret = gpu_buddy_init(&mgr->mm, vdev->caps.vram_size, PAGE_SIZE);
	if (ret)
		return ret;
	/* The hardware starts with zeroed VRAM. */
	gpu_buddy_reset_clear(&mgr->mm, true);

	man->func = &vsvm_vram_mgr_func;
	ttm_resource_manager_init(man, &vdev->mem.bdev, vdev->caps.vram_size);
	ttm_set_driver_manager(&vdev->mem.bdev, TTM_PL_VRAM, man);
	ttm_resource_manager_set_used(man, true);
	return drmm_add_action_or_reset(&vdev->drm, vsvm_vram_mgr_fini, NULL);
}
