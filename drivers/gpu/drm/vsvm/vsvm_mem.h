/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright 2026 The vsvm authors
 */
#ifndef __VSVM_MEM_H__
#define __VSVM_MEM_H__

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include <drm/drm_buddy.h>
#include <drm/ttm/ttm_bo.h>
#include <drm/ttm/ttm_device.h>
#include <drm/ttm/ttm_placement.h>
#include <drm/ttm/ttm_resource.h>

struct drm_device;
struct drm_file;
struct drm_printer;
struct vsvm_device;
struct vsvm_hw_copy_desc;

/**
 * struct vsvm_vram_mgr - TTM resource manager of VRAM, on drm_buddy
 * @manager: the TTM manager, registered for TTM_PL_VRAM
 * @mm: buddy allocator over [0, vram_size)
 * @lock: protects @mm
 */
struct vsvm_vram_mgr {
	struct ttm_resource_manager manager;
	struct gpu_buddy mm;
	struct mutex lock; /* protects @mm */
};

/**
 * struct vsvm_mem - memory management of one GPU
 * @bdev: the TTM device
 * @vram: the VRAM manager
 * @evictions: buffer objects evicted from VRAM since load
 * @moves: buffer-object moves done by the copy engine since load
 */
struct vsvm_mem {
	struct ttm_device bdev;
	struct vsvm_vram_mgr vram;
	atomic64_t evictions;
	atomic64_t moves;
};

/**
 * struct vsvm_bo - a buffer object
 * @tbo: the TTM buffer object; its GEM object is @tbo.base
 * @places: placements: [0] the requested domain, [1] GTT (eviction)
 * @placement: the placement @places describe
 * @domain: VSVM_GEM_DOMAIN_* asked for at creation
 * @bindings: &struct vsvm_binding.bo_link of every GPU binding of the
 *	object; protected by the object's dma_resv lock
 * @svm: the object holds SVM pages (&struct vsvm_svm_bo): it is never
 *	cleared on creation and is evicted by migrating its pages to system
 *	memory
 */
struct vsvm_bo {
	struct ttm_buffer_object tbo;
	struct ttm_place places[2];
	struct ttm_placement placement;
	u32 domain;
	struct list_head bindings;
	bool svm;
};

/**
 * to_vsvm_bo() - the vsvm buffer object of a TTM buffer object
 * @tbo: TTM buffer object created by vsvm
 *
 * Return: the containing &struct vsvm_bo.
 */
static inline struct vsvm_bo *to_vsvm_bo(struct ttm_buffer_object *tbo)
{
	return container_of(tbo, struct vsvm_bo, tbo);
}

int vsvm_mem_init(struct vsvm_device *vdev);
int vsvm_mem_copy_sync(struct vsvm_device *vdev, struct vsvm_hw_copy_desc *descs, unsigned int n);
void vsvm_mem_usage(struct vsvm_device *vdev, u64 *vram_used, u64 *gtt_used);
void vsvm_mem_print(struct vsvm_device *vdev, struct drm_printer *p);

int vsvm_bo_create(struct vsvm_device *vdev, u64 size, u32 domain, struct vsvm_bo **bo);
struct vsvm_bo *vsvm_bo_lookup(struct drm_file *file, u32 handle);
void vsvm_bo_put(struct vsvm_bo *bo);
int vsvm_bo_validate(struct vsvm_bo *bo);
int vsvm_bo_ptes(struct vsvm_bo *bo, u64 offset, unsigned int n, u64 *ptes);

int vsvm_ioctl_gem_create(struct drm_device *drm, void *data, struct drm_file *file);
int vsvm_ioctl_gem_mmap_offset(struct drm_device *drm, void *data, struct drm_file *file);

/**
 * struct vsvm_vram_cursor - walks the VRAM behind a range of a VRAM resource
 * @mm: the buddy allocator the blocks come from
 * @block: buddy block the cursor is in
 * @start: VRAM offset of the cursor
 * @size: contiguous bytes from @start, at most @remaining
 * @remaining: bytes left in the walk, @size included
 */
struct vsvm_vram_cursor {
	struct gpu_buddy *mm;
	struct gpu_buddy_block *block;
	u64 start;
	u64 size;
	u64 remaining;
};

int vsvm_vram_mgr_init(struct vsvm_device *vdev);
u64 vsvm_vram_mgr_used(struct vsvm_vram_mgr *mgr);
void vsvm_vram_cursor_first(struct vsvm_vram_mgr *mgr, struct ttm_resource *res,
			    u64 offset, u64 size, struct vsvm_vram_cursor *cur);
void vsvm_vram_cursor_next(struct vsvm_vram_cursor *cur, u64 size);

#endif /* __VSVM_MEM_H__ */
