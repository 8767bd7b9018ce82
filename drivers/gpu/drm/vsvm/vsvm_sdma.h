/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright 2026 The vsvm authors
 */
#ifndef __VSVM_SDMA_H__
#define __VSVM_SDMA_H__

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <drm/gpu_scheduler.h>

struct dma_fence;
struct vsvm_device;
struct vsvm_fence;
struct vsvm_hw_copy_desc;

/**
 * struct vsvm_fence_ctx - a timeline of hardware fences
 * @context: dma_fence context
 * @seqno: last sequence number handed out
 * @lock: lock of every fence of the timeline
 * @name: timeline name, for debugging
 */
struct vsvm_fence_ctx {
	u64 context;
	atomic64_t seqno;
	spinlock_t lock; /* of the fences */
	const char *name;
};

void vsvm_fence_ctx_init(struct vsvm_fence_ctx *ctx, const char *name);
struct vsvm_fence *vsvm_fence_alloc(void);
struct dma_fence *vsvm_fence_arm(struct vsvm_fence_ctx *ctx, struct vsvm_fence *fence);
void vsvm_fence_put(struct vsvm_fence *fence);

/**
 * struct vsvm_sdma - the copy engine as seen by the driver
 * @sched: drm_sched instance of the copy engine
 * @entity: the kernel's scheduler entity feeding @sched
 * @fences: timeline of the hardware fences of copy jobs
 * @lock: makes arming a job and pushing it to @entity one step, so that
 *	jobs reach the engine in the order of their fences
 */
struct vsvm_sdma {
	struct drm_gpu_scheduler sched;
	struct drm_sched_entity entity;
	struct vsvm_fence_ctx fences;
	struct mutex lock; /* job arm + push */
};

int vsvm_sdma_init(struct vsvm_device *vdev);
struct dma_fence *vsvm_sdma_copy(struct vsvm_device *vdev, struct vsvm_hw_copy_desc *descs,
				 unsigned int n, struct dma_fence *dep);

#endif /* __VSVM_SDMA_H__ */
