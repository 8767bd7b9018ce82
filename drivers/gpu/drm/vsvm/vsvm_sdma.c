// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: copy engine and hardware fences
 *
 * Hardware fences: a &struct vsvm_fence_ctx is one timeline (a dma_fence
 * context and a sequence counter); vsvm_fence_arm() makes the next fence
 * of it. The hardware signals these fences; the driver hands them to the
 * hardware and to drm_sched as a job's "parent" fence.
 *
 * Copy engine: every copy or fill goes through one drm_sched scheduler with
 * one kernel entity, so jobs run on the engine in submission order.
 * vsvm_sdma_copy() turns an array of descriptors into a job and returns the
 * job's scheduler "finished" fence. The job owns the descriptor array: the
 * hardware reads it until the job's hardware fence signals, and free_job
 * frees it after that. The hardware fence is allocated when the job is
 * submitted and initialised when the job runs, so its sequence numbers
 * follow the order in which the engine receives the jobs.
 *
 * A copy-engine job cannot hang: the engine always completes what it was
 * given (a bad descriptor ends the job with -EINVAL). The scheduler runs
 * without a timeout, so it never takes a running job off its pending list.
 *
 * Locking: &vsvm_sdma.lock makes drm_sched_job_arm() and
 * drm_sched_entity_push_job() one step, as drm_sched requires; nothing is
 * allocated under it and no other lock is taken inside it except the
 * scheduler's own. Each timeline's &vsvm_fence_ctx.lock is the lock of its
 * fences and is only taken by the dma_fence code.
 */

#include <linux/dma-fence.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/gpu_scheduler.h>

#include "vsvm_drv.h"

#define VSVM_SDMA_CREDITS	64

/**
 * struct vsvm_fence - a hardware fence
 * @base: the dma_fence
 * @timeline: name of the timeline, &vsvm_fence_ctx.name
 */
struct vsvm_fence {
	struct dma_fence base;
	const char *timeline;
};

/**
 * struct vsvm_sdma_job - a copy-engine job
 * @base: the scheduler job
 * @vdev: the GPU
 * @descs: the descriptors, kvmalloc'ed, owned by the job
 * @n: number of @descs
 * @done: hardware fence, allocated at submission and initialised by
 *	run_job (until then its ops are NULL); the job holds a reference once
 *	it is initialised
 */
struct vsvm_sdma_job {
	struct drm_sched_job base;
	struct vsvm_device *vdev;
	struct vsvm_hw_copy_desc *descs;
	unsigned int n;
	struct vsvm_fence *done;
};

static const char *vsvm_fence_get_driver_name(struct dma_fence *fence)
{
	return VSVM_DRIVER_NAME;
}

static const char *vsvm_fence_get_timeline_name(struct dma_fence *fence)
{
	return container_of(fence, struct vsvm_fence, base)->timeline;
}

static const struct dma_fence_ops vsvm_fence_ops = {
	.get_driver_name = vsvm_fence_get_driver_name,
	.get_timeline_name = vsvm_fence_get_timeline_name,
};

/**
 * vsvm_fence_ctx_init() - initialise a timeline of hardware fences
 * @ctx: the timeline
 * @name: its name; must outlive every fence of the timeline (a string
 *	literal), since a fence can be looked at after its timeline is gone
 */
void vsvm_fence_ctx_init(struct vsvm_fence_ctx *ctx, const char *name)
{
	ctx->context = dma_fence_context_alloc(1);
	atomic64_set(&ctx->seqno, 0);
	spin_lock_init(&ctx->lock);
	ctx->name = name;
}

/**
 * vsvm_fence_alloc() - allocate a hardware fence to initialise later
 *
 * Allocating ahead lets run_job, which must not allocate, hand out a fence.
 * May sleep (allocates with GFP_KERNEL).
 *
 * Return: the fence, to pass to vsvm_fence_arm() or kfree(), or NULL when
 * out of memory.
 */
struct vsvm_fence *vsvm_fence_alloc(void)
{
	return kzalloc(sizeof(struct vsvm_fence), GFP_KERNEL);
}

/**
 * vsvm_fence_arm() - make an allocated fence the next fence of a timeline
 * @ctx: the timeline
 * @fence: from vsvm_fence_alloc(); the returned fence owns it
 *
 * The fence takes the next sequence number of @ctx; the caller must hand
 * the fences of one timeline to the hardware in the order it armed them.
 * Does not sleep.
 *
 * Return: the unsignalled fence with one reference.
 */
struct dma_fence *vsvm_fence_arm(struct vsvm_fence_ctx *ctx, struct vsvm_fence *fence)
{
	fence->timeline = ctx->name;
	dma_fence_init(&fence->base, &vsvm_fence_ops, &ctx->lock, ctx->context,
		       atomic64_inc_return(&ctx->seqno));
	return &fence->base;
}

/**
 * vsvm_fence_put() - let go of a fence from vsvm_fence_alloc()
 * @fence: the fence, armed or not, or NULL
 *
 * Drops the owner's reference of an armed fence, frees one never armed.
 */
void vsvm_fence_put(struct vsvm_fence *fence)
{
	if (fence && fence->base.ops)
		dma_fence_put(&fence->base);
	else
		kfree(fence);
}

static struct vsvm_sdma_job *to_vsvm_sdma_job(struct drm_sched_job *sched_job)
{
	return container_of(sched_job, struct vsvm_sdma_job, base);
}

/* Frees what the job owns; its drm_sched part must be cleaned up already. */
static void vsvm_sdma_job_free(struct vsvm_sdma_job *job)
{
	vsvm_fence_put(job->done);
	kvfree(job->descs);
	kfree(job);
}

static struct dma_fence *vsvm_sdma_run_job(struct drm_sched_job *sched_job)
{
	struct vsvm_sdma_job *job = to_vsvm_sdma_job(sched_job);
	struct vsvm_device *vdev = job->vdev;
	struct dma_fence *done = &job->done->base;
	int ret;

	vsvm_fence_arm(&vdev->sdma.fences, job->done);
	ret = vdev->hw_ops->copy(vdev->hw, job->descs, job->n, done);
	if (ret) {
		dma_fence_set_error(done, ret);
		dma_fence_signal(done);
		return ERR_PTR(ret);
	}
	return dma_fence_get(done);
}

static void vsvm_sdma_free_job(struct drm_sched_job *sched_job)
{
	drm_sched_job_cleanup(sched_job);
	vsvm_sdma_job_free(to_vsvm_sdma_job(sched_job));
}

static const struct drm_sched_backend_ops vsvm_sdma_sched_ops = {
	.run_job = vsvm_sdma_run_job,
	.free_job = vsvm_sdma_free_job,
};

/**
 * vsvm_sdma_copy() - run descriptors on the copy engine
 * @vdev: the GPU
 * @descs: the descriptors, from kvmalloc(); the function takes them over in
 *	every case, success or error, and frees them when the copy is done
 * @n: number of @descs, at least one
 * @dep: fence the copy waits for, or NULL; the caller keeps its reference
 *
 * The copy runs after every copy submitted before it. May sleep.
 *
 * Return: the fence signalled when the copy is done (with an error if the
 * engine rejected it), a reference for the caller; or an ERR_PTR.
 */
struct dma_fence *vsvm_sdma_copy(struct vsvm_device *vdev, struct vsvm_hw_copy_desc *descs,
				 unsigned int n, struct dma_fence *dep)
{
	struct vsvm_sdma *sdma = &vdev->sdma;
	struct vsvm_sdma_job *job;
	struct dma_fence *finished;
	int ret;

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job) {
		kvfree(descs);
		return ERR_PTR(-ENOMEM);
	}
	job->vdev = vdev;
	job->descs = descs;
	job->n = n;
	job->done = vsvm_fence_alloc();
	if (!job->done) {
		ret = -ENOMEM;
		goto err_free;
	}

	ret = drm_sched_job_init(&job->base, &sdma->entity, 1, NULL, 0);
	if (ret)
		goto err_free;
	ret = drm_sched_job_add_dependency(&job->base, dma_fence_get(dep));
	if (ret)
		goto err_cleanup;

	mutex_lock(&sdma->lock);
	drm_sched_job_arm(&job->base);
	finished = dma_fence_get(&job->base.s_fence->finished);
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&sdma->lock);
	return finished;

err_cleanup:
	drm_sched_job_cleanup(&job->base);
err_free:
	vsvm_sdma_job_free(job);
	return ERR_PTR(ret);
}

/*
 * drmm action: let every job reach the engine, stop the scheduler, then
 * free the jobs it still holds once their copies are done (drm_sched_fini()
 * leaves them on the pending list).
 */
static void vsvm_sdma_fini(struct drm_device *drm, void *arg)
{
	struct vsvm_sdma *sdma = &to_vsvm_device(drm)->sdma;
	struct drm_sched_job *job, *next;

	drm_sched_entity_flush(&sdma->entity, MAX_SCHEDULE_TIMEOUT);
	drm_sched_entity_fini(&sdma->entity);
	drm_sched_fini(&sdma->sched);

	list_for_each_entry_safe(job, next, &sdma->sched.pending_list, list) {
		dma_fence_wait(&job->s_fence->finished, false);
		list_del(&job->list);
		vsvm_sdma_free_job(job);
	}
}

/**
 * vsvm_sdma_init() - bring up the copy-engine scheduler of a GPU
 * @vdev: the GPU, whose hardware is up
 *
 * Creates the scheduler, its kernel entity and the hardware-fence timeline;
 * they are torn down by a drmm action when the DRM device is released, after
 * every copy finished.
 *
 * Return: 0 or a negative errno.
 */
int vsvm_sdma_init(struct vsvm_device *vdev)
{
	struct vsvm_sdma *sdma = &vdev->sdma;
	const struct drm_sched_init_args args = {
		.ops = &vsvm_sdma_sched_ops,
		.num_rqs = DRM_SCHED_PRIORITY_COUNT,
		.credit_limit = VSVM_SDMA_CREDITS,
		.timeout = MAX_SCHEDULE_TIMEOUT,
		.name = "vsvm-sdma",
		.dev = vdev->drm.dev,
	};
	struct drm_gpu_scheduler *sched = &sdma->sched;
	int ret;

	ret = drmm_mutex_init(&vdev->drm, &sdma->lock);
	if (ret)
		return ret;
	vsvm_fence_ctx_init(&sdma->fences, "vsvm-sdma");

	ret = drm_sched_init(sched, &args);
	if (ret)
		return ret;
	ret = drm_sched_entity_init(&sdma->entity, DRM_SCHED_PRIORITY_KERNEL, &sched, 1, NULL);
	if (ret) {
		drm_sched_fini(sched);
		return ret;
	}
	return drmm_add_action_or_reset(&vdev->drm, vsvm_sdma_fini, NULL);
}
