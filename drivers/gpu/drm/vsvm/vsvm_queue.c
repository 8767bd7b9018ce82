// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: compute queues and dispatches
 *
 * A queue (&struct vsvm_queue) is a hardware queue of the file's VM fed by a
 * drm_sched scheduler of its own with a single entity, so that a timeout
 * resets that queue only. DRM_IOCTL_VSVM_DISPATCH turns a kernel launch into
 * a scheduler job; run_job hands it to the hardware with a new hardware
 * fence. A hardware fence that signals without error counts the dispatch in
 * &vsvm_queue.completed, before the job's finished fence signals.
 *
 * Syncobjs: the fences of the wait syncobjs are kept in the job and handed
 * to the scheduler one at a time by prepare_job, not added as scheduler
 * dependencies: drm_sched waits for a killed job's dependencies before it
 * ends the job, and a destroyed queue must end its jobs at once even when
 * they wait for a fence that never signals. The signal syncobjs get an out
 * fence (&struct vsvm_out_fence) that copies the finished fence, because
 * drm_sched fences point at their scheduler, which goes away with the
 * queue. Everything that can fail (syncobj lookups, timeline nodes, the out
 * fence) is done before the job is armed.
 *
 * Errors: a fault the driver cannot service fails the queue (state FAULTED,
 * the first fault recorded; the faulting dispatch ends with -EFAULT, the rest
 * with -ECANCELED). A dispatch that runs past the timeout resets the queue
 * (state RESET; the hardware ends the running and queued dispatches with
 * -ETIME). A queue in either state cancels its later dispatches: the ioctl
 * fails with -ECANCELED, and jobs already queued end with -ECANCELED in
 * run_job (skipping the waits they have not started; one wait already in
 * progress is finished first).
 *
 * Timeout: the handler resets the hardware queue first, so every job on the
 * hardware has signalled, then drm_sched_stop() frees them (it reinserts the
 * timed-out job, which the scheduler frees after the handler through
 * free_guilty) and drm_sched_start() restarts submission.
 *
 * Destroy (ioctl or file close): under &vsvm_vm.lock the queue leaves
 * &vsvm_vm.queues, which makes it dead for dispatch, run_job, the fault
 * handler, moves and the timeout handler, and the hardware queue is reset
 * with -ECANCELED. drm_sched_entity_fini() then kills the jobs still in the
 * entity (they end with an error, in a worker, without waiting for their
 * waits). The scheduler is stopped until no timeout handler restarted it,
 * drm_sched_stop() frees the (signalled) jobs left on it, and
 * drm_sched_fini() tears it down. The hardware queue is destroyed and the
 * fault worker drained before the hardware queue id is freed, so that no
 * stale fault entry reaches a new queue with that id.
 *
 * Lifetime: &vsvm_queue.ref is held by the file (through
 * &vsvm_file.queues), by every job from submission to free_job, and by the
 * ioctls and the fault worker while they use the queue. The destroy waits
 * until its own reference is the last one (killed jobs are freed promptly),
 * then drops it: the queue and its VM reference go synchronously, and no
 * worker runs driver code for the queue afterwards.
 *
 * LOCKING
 *
 * &vsvm_vm.lock (see vsvm_vm.c) serialises the hardware operations on the
 * VM's queues (dispatch, fail, reset, and the suspend and resume around
 * buffer-object moves), protects &vsvm_queue.vm_link (with
 * &vsvm_vm.queues_lock) and makes arming and pushing a job one step. The
 * SVM context suspends and resumes queues under &vsvm_vm.queues_lock alone
 * (vsvm_vm_svm_suspend()); the hardware nests suspensions and serialises
 * them against the other queue operations itself. Queue creation takes
 * &vsvm_svm.lock first, so the process's retry mode (which decides whether
 * the hardware queue retries faults) cannot change meanwhile. Nothing
 * that waits for a dispatch, a scheduler worker or the fault worker runs
 * under it. &vsvm_queue.status_lock nests inside it. The xarray locks nest
 * innermost. An out fence's lock nests inside the finished fence's lock
 * (its callback signals it).
 */

#include <linux/build_bug.h>
#include <linux/dma-fence.h>
#include <linux/dma-fence-chain.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <drm/drm_file.h>
#include <drm/drm_syncobj.h>
#include <drm/gpu_scheduler.h>
#include <uapi/drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_queue.h"
#include "vsvm_svm.h"
#include "vsvm_vm.h"

#define VSVM_QUEUE_CREDITS	64
#define VSVM_QUEUE_NAME		"vsvm-queue"

static_assert(VSVM_ACCESS_READ == VSVM_HW_ACCESS_READ);
static_assert(VSVM_ACCESS_WRITE == VSVM_HW_ACCESS_WRITE);
static_assert(VSVM_ACCESS_ATOMIC == VSVM_HW_ACCESS_ATOMIC);
static_assert(VSVM_ACCESS_EXEC == VSVM_HW_ACCESS_EXEC);
static_assert(VSVM_KERNEL_PROGRAM == VSVM_HW_KERNEL_PROGRAM);
static_assert(VSVM_KERNEL_BFS_LEVEL == VSVM_HW_KERNEL_BFS_LEVEL);
static_assert(VSVM_KERNEL_BFS_LEVEL + 1 == VSVM_HW_KERNEL_COUNT);
static_assert(VSVM_PROGRAM_MAX_INSNS == VSVM_HW_PROGRAM_MAX);
static_assert(VSVM_BFS_UNREACHED == VSVM_HW_BFS_UNREACHED);
static_assert(sizeof_field(struct drm_vsvm_dispatch, args) ==
	      sizeof_field(struct vsvm_hw_dispatch, args));

/* Arguments that are GPU addresses (8-byte aligned), per kernel */
static const u8 vsvm_kernel_addr_args[VSVM_HW_KERNEL_COUNT] = {
	[VSVM_KERNEL_FILL] = BIT(0),
	[VSVM_KERNEL_COPY] = BIT(0) | BIT(1),
	[VSVM_KERNEL_CHECKSUM] = BIT(0) | BIT(1),
	[VSVM_KERNEL_VERIFY] = BIT(0) | BIT(3),
	[VSVM_KERNEL_ATOMIC_ADD] = BIT(0),
	[VSVM_KERNEL_POINTER_CHASE] = BIT(0) | BIT(2),
	[VSVM_KERNEL_GATHER] = BIT(0) | BIT(1) | BIT(2),
	[VSVM_KERNEL_SCATTER] = BIT(0) | BIT(1) | BIT(2),
	[VSVM_KERNEL_TRIAD] = BIT(0) | BIT(1) | BIT(2),
	[VSVM_KERNEL_PROGRAM] = BIT(0) | BIT(1),
	[VSVM_KERNEL_BFS_LEVEL] = BIT(0) | BIT(1) | BIT(3),
};

/**
 * struct vsvm_job - a dispatch on its way through the scheduler
 * @base: the scheduler job
 * @q: the queue; the job holds a reference
 * @dispatch: what the hardware runs
 * @fence_mem: hardware fence allocated at submission, armed by run_job
 *	(which must not allocate); NULL once armed
 * @hw_fence: the hardware fence once run_job armed it (a reference)
 * @done_cb: on @hw_fence, counts a dispatch that completed without error
 * @num_waits: entries in @waits
 * @next_wait: first entry of @waits not handed to the scheduler yet
 * @waits: fences of the wait syncobjs (references), handed to the scheduler
 *	one by one through prepare_job rather than as scheduler dependencies,
 *	so that killing the job does not wait for them
 */
struct vsvm_job {
	struct drm_sched_job base;
	struct vsvm_queue *q;
	struct vsvm_hw_dispatch dispatch;
	struct vsvm_fence *fence_mem;
	struct dma_fence *hw_fence;
	struct dma_fence_cb done_cb;
	unsigned int num_waits;
	unsigned int next_wait;
	struct dma_fence *waits[VSVM_MAX_SYNCS];
};

/**
 * struct vsvm_out_fence - the fence of a dispatch that user space sees
 * @base: the fence, with the context and seqno of the job's finished fence
 * @lock: lock of @base
 * @cb: on the job's finished fence: signals @base with its error
 *
 * drm_sched's fences point at their scheduler, which dies with the queue,
 * while a syncobj or sync_file may keep a fence for ever (and sync_file
 * asks it for its timeline name). This fence refers to nothing else.
 */
struct vsvm_out_fence {
	struct dma_fence base;
	spinlock_t lock; /* of base */
	struct dma_fence_cb cb;
};

/**
 * struct vsvm_signal - a syncobj a dispatch signals
 * @syncobj: the syncobj (a reference)
 * @chain: timeline node allocated before the job is armed, NULL for a
 *	binary syncobj
 * @point: timeline point, 0 for a binary syncobj
 */
struct vsvm_signal {
	struct drm_syncobj *syncobj;
	struct dma_fence_chain *chain;
	u64 point;
};

static struct vsvm_job *to_vsvm_job(struct drm_sched_job *sched_job)
{
	return container_of(sched_job, struct vsvm_job, base);
}

static void vsvm_queue_release(struct kref *ref)
{
	struct vsvm_queue *q = container_of(ref, struct vsvm_queue, ref);

	vsvm_vm_put(q->vm);
	kfree(q);
}

/**
 * vsvm_queue_put() - drop a reference on a queue
 * @q: the queue
 *
 * The last reference, always dropped by vsvm_queue_destroy(), drops the
 * queue's VM reference and frees the queue.
 */
void vsvm_queue_put(struct vsvm_queue *q)
{
	if (kref_put(&q->ref, vsvm_queue_release))
		return;
	/* vsvm_queue_destroy() waits for the other references to go */
	smp_mb__after_atomic();
	wake_up_var(&q->ref);
}

/**
 * vsvm_queue_get() - look a queue up by id, with a reference
 * @queues: &vsvm_file.queues (user ids) or &vsvm_device.queues (hardware ids)
 * @id: the id
 *
 * Return: the queue, to release with vsvm_queue_put(), or NULL if there is
 * none or it is going away.
 */
struct vsvm_queue *vsvm_queue_get(struct xarray *queues, u32 id)
{
	struct vsvm_queue *q;

	xa_lock(queues);
	q = xa_load(queues, id);
	if (q && !kref_get_unless_zero(&q->ref))
		q = NULL;
	xa_unlock(queues);
	return q;
}

static bool vsvm_queue_active(struct vsvm_queue *q)
{
	bool active;

	spin_lock(&q->status_lock);
	active = q->state == VSVM_QUEUE_STATE_ACTIVE;
	spin_unlock(&q->status_lock);
	return active;
}

/* Whether the queue may still run dispatches: not destroyed, not in error */
static bool vsvm_queue_runnable(struct vsvm_queue *q)
{
	lockdep_assert_held(&q->vm->lock);
	return !list_empty(&q->vm_link) && vsvm_queue_active(q);
}

static void vsvm_job_release(struct vsvm_job *job)
{
	unsigned int i;

	for (i = 0; i < job->num_waits; i++)
		dma_fence_put(job->waits[i]);
	if (job->hw_fence) {
		dma_fence_remove_callback(job->hw_fence, &job->done_cb);
		dma_fence_put(job->hw_fence);
	}
	vsvm_fence_put(job->fence_mem);
	drm_sched_job_cleanup(&job->base);
	vsvm_queue_put(job->q);
	kfree(job);
}

static void vsvm_job_done(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	struct vsvm_job *job = container_of(cb, struct vsvm_job, done_cb);

	if (!fence->error)
		atomic64_inc(&job->q->completed);
}

static struct dma_fence *vsvm_job_prepare(struct drm_sched_job *sched_job,
					  struct drm_sched_entity *entity)
{
	struct vsvm_job *job = to_vsvm_job(sched_job);
	struct dma_fence *fence;

	/* run_job cancels the jobs of a queue in error: no need to wait */
	if (!vsvm_queue_active(job->q))
		return NULL;
	while (job->next_wait < job->num_waits) {
		fence = job->waits[job->next_wait++];
		if (!dma_fence_is_signaled(fence))
			return dma_fence_get(fence);
	}
	return NULL;
}

static struct dma_fence *vsvm_job_run(struct drm_sched_job *sched_job)
{
	struct vsvm_job *job = to_vsvm_job(sched_job);
	struct vsvm_queue *q = job->q;
	struct dma_fence *fence;
	int ret;

	mutex_lock(&q->vm->lock);
	if (!vsvm_queue_runnable(q)) {
		fence = ERR_PTR(-ECANCELED);
		goto out;
	}
	fence = vsvm_fence_arm(&q->fences, job->fence_mem);
	job->fence_mem = NULL;
	/* The scheduler takes the creation reference; keep one for free_job */
	job->hw_fence = dma_fence_get(fence);
	/* Added first, so it runs before the scheduler's: cannot fail, unsignalled */
	dma_fence_add_callback(fence, &job->done_cb, vsvm_job_done);
	ret = q->vdev->hw_ops->queue_dispatch(q->hw, &job->dispatch, fence);
	if (ret) {
		dma_fence_set_error(fence, ret);
		dma_fence_signal(fence);
	}
out:
	mutex_unlock(&q->vm->lock);
	return fence;
}

static enum drm_gpu_sched_stat vsvm_job_timedout(struct drm_sched_job *sched_job)
{
	struct vsvm_queue *q = to_vsvm_job(sched_job)->q;

	/*
	 * A destroyed queue was reset by vsvm_queue_destroy() already; a job
	 * that finished just before the timer fired did not hang.
	 */
	mutex_lock(&q->vm->lock);
	if (!list_empty(&q->vm_link) && !dma_fence_is_signaled(&sched_job->s_fence->finished)) {
		spin_lock(&q->status_lock);
		if (q->state == VSVM_QUEUE_STATE_ACTIVE)
			q->state = VSVM_QUEUE_STATE_RESET;
		spin_unlock(&q->status_lock);
		q->vdev->hw_ops->queue_reset(q->hw, -ETIME);
	}
	mutex_unlock(&q->vm->lock);

	/* Every job on the hardware has signalled: stop frees them all */
	drm_sched_stop(&q->sched, sched_job);
	drm_sched_start(&q->sched);
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

static void vsvm_job_free(struct drm_sched_job *sched_job)
{
	vsvm_job_release(to_vsvm_job(sched_job));
}

static const struct drm_sched_backend_ops vsvm_queue_sched_ops = {
	.prepare_job = vsvm_job_prepare,
	.run_job = vsvm_job_run,
	.timedout_job = vsvm_job_timedout,
	.free_job = vsvm_job_free,
};

static struct vsvm_queue *vsvm_queue_alloc(struct vsvm_file *vfile, u32 flags)
{
	struct vsvm_queue *q;

	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return NULL;
	q->vdev = vfile->vdev;
	q->flags = flags;
	kref_init(&q->ref);
	INIT_LIST_HEAD(&q->vm_link);
	spin_lock_init(&q->status_lock);
	q->state = VSVM_QUEUE_STATE_ACTIVE;
	atomic64_set(&q->completed, 0);
	vsvm_fence_ctx_init(&q->fences, "vsvm-dispatch");
	return q;
}

static int vsvm_queue_sched_init(struct vsvm_queue *q)
{
	struct drm_gpu_scheduler *sched = &q->sched;
	const struct drm_sched_init_args args = {
		.ops = &vsvm_queue_sched_ops,
		.num_rqs = 1,
		.credit_limit = VSVM_QUEUE_CREDITS,
		.hang_limit = 0,
		.timeout = msecs_to_jiffies(READ_ONCE(vsvm_job_timeout_ms)),
		.name = VSVM_QUEUE_NAME,
		.dev = q->vdev->drm.dev,
	};
	int ret;

	ret = drm_sched_init(sched, &args);
	if (ret)
		return ret;
	/* One run queue: index 0, which drm_sched calls the kernel priority */
	ret = drm_sched_entity_init(&q->entity, DRM_SCHED_PRIORITY_KERNEL, &sched, 1, NULL);
	if (ret)
		drm_sched_fini(sched);
	return ret;
}

/*
 * The hardware queue's flags: no-retry when asked, and for every queue of a
 * process whose SVM retry mode is off. The caller holds &vsvm_svm.lock, so
 * the mode cannot change before the queue is on its VM's list.
 */
static u32 vsvm_queue_hw_flags(struct vsvm_queue *q)
{
	struct vsvm_svm *svm = q->vm->svm;

	lockdep_assert_held(&svm->lock);
	if ((q->flags & VSVM_QUEUE_NO_RETRY) || !svm->retry)
		return VSVM_HW_QUEUE_NO_RETRY;
	return 0;
}

/* Create the hardware queue and add the queue to its VM */
static int vsvm_queue_hw_init(struct vsvm_queue *q)
{
	const struct vsvm_hw_ops *ops = q->vdev->hw_ops;
	struct vsvm_vm *vm = q->vm;
	struct vsvm_hw_queue *hw;
	unsigned int i;

	mutex_lock(&vm->svm->lock);
	mutex_lock(&vm->lock);
	hw = ops->queue_create(vm->hw, q->hw_qid, vsvm_queue_hw_flags(q));
	if (IS_ERR(hw)) {
		mutex_unlock(&vm->lock);
		mutex_unlock(&vm->svm->lock);
		return PTR_ERR(hw);
	}
	q->hw = hw;
	/* Moves in progress suspended the other queues; vsvm_vm.c resumes all */
	for (i = 0; i < vm->suspend_depth; i++)
		ops->queue_suspend(hw);
	mutex_lock(&vm->queues_lock);
	/* So did an SVM eviction; vsvm_vm_svm_resume() resumes it */
	if (vm->svm_suspended)
		ops->queue_suspend(hw);
	list_add_tail(&q->vm_link, &vm->queues);
	mutex_unlock(&vm->queues_lock);
	mutex_unlock(&vm->lock);
	mutex_unlock(&vm->svm->lock);
	return 0;
}

/**
 * vsvm_ioctl_queue_create() - DRM_IOCTL_VSVM_QUEUE_CREATE
 * @drm: DRM device of the GPU
 * @data: &struct drm_vsvm_queue_create, kernel copy
 * @file: the caller's DRM file
 *
 * Return: 0; -EINVAL for unknown flags; -ENOSPC if the file has
 * VSVM_MAX_QUEUES queues; -ENOMEM or an error of the hardware.
 */
int vsvm_ioctl_queue_create(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vsvm_file *vfile = to_vsvm_file(file);
	struct vsvm_device *vdev = vfile->vdev;
	struct drm_vsvm_queue_create *args = data;
	struct vsvm_queue *q;
	int ret;

	if (args->flags & ~VSVM_QUEUE_NO_RETRY)
		return -EINVAL;
	q = vsvm_queue_alloc(vfile, args->flags);
	if (!q)
		return -ENOMEM;

	/* Both ids are reserved now and filled in once the queue is complete */
	ret = xa_alloc(&vfile->queues, &q->id, NULL, XA_LIMIT(1, VSVM_MAX_QUEUES), GFP_KERNEL);
	if (ret) {
		ret = ret == -EBUSY ? -ENOSPC : ret;
		goto err_free;
	}
	ret = xa_alloc(&vdev->queues, &q->hw_qid, NULL, XA_LIMIT(1, U32_MAX), GFP_KERNEL);
	if (ret)
		goto err_erase_id;
	ret = vsvm_queue_sched_init(q);
	if (ret)
		goto err_erase_hw_qid;
	q->vm = vsvm_vm_get(vfile->vm);
	ret = vsvm_queue_hw_init(q);
	if (ret)
		goto err_sched;

	/* Replace the reservations: need no memory, cannot fail */
	xa_store(&vdev->queues, q->hw_qid, q, GFP_KERNEL);
	xa_store(&vfile->queues, q->id, q, GFP_KERNEL);
	args->queue_id = q->id;
	return 0;

err_sched:
	vsvm_vm_put(q->vm);
	drm_sched_entity_fini(&q->entity);
	drm_sched_fini(&q->sched);
err_erase_hw_qid:
	xa_erase(&vdev->queues, q->hw_qid);
err_erase_id:
	xa_erase(&vfile->queues, q->id);
err_free:
	kfree(q);
	return ret;
}

/*
 * Stop the scheduler's workers and its timeout handler. A timeout handler
 * that ran meanwhile restarted the workers, so stop again until none did.
 */
static void vsvm_queue_sched_quiesce(struct vsvm_queue *q)
{
	struct drm_gpu_scheduler *sched = &q->sched;

	do {
		drm_sched_wqueue_stop(sched);
		cancel_delayed_work_sync(&sched->work_tdr);
	} while (!READ_ONCE(sched->pause_submit));
}

/* Tear a queue down; the caller took it out of its file's xarray */
static void vsvm_queue_destroy(struct vsvm_queue *q)
{
	struct vsvm_device *vdev = q->vdev;
	struct vsvm_vm *vm = q->vm;

	mutex_lock(&vm->lock);
	mutex_lock(&vm->queues_lock);
	list_del_init(&q->vm_link);
	mutex_unlock(&vm->queues_lock);
	vdev->hw_ops->queue_reset(q->hw, -ECANCELED);
	mutex_unlock(&vm->lock);

	drm_sched_entity_fini(&q->entity);
	vsvm_queue_sched_quiesce(q);
	/* Every job the scheduler ran has signalled: this frees them */
	drm_sched_stop(&q->sched, NULL);
	drm_sched_fini(&q->sched);

	vdev->hw_ops->queue_destroy(q->hw);
	flush_work(&vdev->ih_work);
	xa_erase(&vdev->queues, q->hw_qid);
	/* Killed jobs and the ioctls and fault worker let go promptly */
	wait_var_event(&q->ref, kref_read(&q->ref) == 1);
	vsvm_queue_put(q);
}

/**
 * vsvm_ioctl_queue_destroy() - DRM_IOCTL_VSVM_QUEUE_DESTROY
 * @drm: DRM device of the GPU
 * @data: &struct drm_vsvm_queue_destroy, kernel copy
 * @file: the caller's DRM file
 *
 * Aborts the queue's work: dispatches on the hardware and those still waiting
 * in the scheduler end at once with -ECANCELED, without waiting for their
 * wait syncobjs.
 *
 * Return: 0; -EINVAL for non-zero pad; -ENOENT for an unknown id.
 */
int vsvm_ioctl_queue_destroy(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vsvm_file *vfile = to_vsvm_file(file);
	struct drm_vsvm_queue_destroy *args = data;
	struct vsvm_queue *q;

	if (args->pad)
		return -EINVAL;

	/* A reserved id (queue being created) loads as NULL and stays reserved */
	xa_lock(&vfile->queues);
	q = xa_load(&vfile->queues, args->queue_id);
	if (q)
		__xa_erase(&vfile->queues, args->queue_id);
	xa_unlock(&vfile->queues);
	if (!q)
		return -ENOENT;

	vsvm_queue_destroy(q);
	return 0;
}

/**
 * vsvm_queues_file_fini() - destroy every queue of a file
 * @vfile: the file being closed
 *
 * Called from the file's postclose, before its bindings and VM go.
 */
void vsvm_queues_file_fini(struct vsvm_file *vfile)
{
	struct vsvm_queue *q;
	unsigned long id;

	xa_for_each(&vfile->queues, id, q) {
		xa_erase(&vfile->queues, id);
		vsvm_queue_destroy(q);
	}
}

static int vsvm_dispatch_check(const struct drm_vsvm_dispatch *args)
{
	unsigned int i;

	if (args->flags || args->kernel >= ARRAY_SIZE(vsvm_kernel_addr_args))
		return -EINVAL;
	if (!args->grid || args->grid > VSVM_MAX_GRID)
		return -EINVAL;
	if (args->kernel == VSVM_KERNEL_POINTER_CHASE && args->grid != 1)
		return -EINVAL;
	if (args->kernel == VSVM_KERNEL_PROGRAM &&
	    (!args->args[2] || args->args[2] > VSVM_PROGRAM_MAX_INSNS))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(args->args); i++)
		if ((vsvm_kernel_addr_args[args->kernel] & BIT(i)) &&
		    !IS_ALIGNED(args->args[i], sizeof(u64)))
			return -EINVAL;
	if (args->num_syncs > VSVM_MAX_SYNCS)
		return -EINVAL;
	return 0;
}

/* Copy the sync array in and check its flags; NULL when there is none */
static struct drm_vsvm_sync *vsvm_syncs_copy(const struct drm_vsvm_dispatch *args)
{
	struct drm_vsvm_sync *syncs;
	u32 i;

	if (!args->num_syncs)
		return NULL;
	syncs = memdup_array_user(u64_to_user_ptr(args->syncs), args->num_syncs,
				  sizeof(*syncs));
	if (IS_ERR(syncs))
		return syncs;
	for (i = 0; i < args->num_syncs; i++) {
		if (syncs[i].flags & ~VSVM_SYNC_SIGNAL) {
			kfree(syncs);
			return ERR_PTR(-EINVAL);
		}
	}
	return syncs;
}

/* A job for @q; takes over the caller's reference on @q, even on failure */
static struct vsvm_job *vsvm_job_create(struct vsvm_queue *q, const struct drm_vsvm_dispatch *args,
					struct drm_file *file)
{
	struct vsvm_job *job;
	int ret;

	job = kzalloc(sizeof(*job), GFP_KERNEL_ACCOUNT);
	if (!job) {
		ret = -ENOMEM;
		goto err_put;
	}
	job->fence_mem = vsvm_fence_alloc();
	if (!job->fence_mem) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = drm_sched_job_init(&job->base, &q->entity, 1, file, file->client_id);
	if (ret)
		goto err_free;
	job->q = q;
	job->dispatch.kernel = args->kernel;
	job->dispatch.grid = args->grid;
	memcpy(job->dispatch.args, args->args, sizeof(job->dispatch.args));
	return job;

err_free:
	vsvm_fence_put(job->fence_mem);
	kfree(job);
err_put:
	vsvm_queue_put(q);
	return ERR_PTR(ret);
}

static int vsvm_job_add_waits(struct vsvm_job *job, struct drm_file *file,
			      const struct drm_vsvm_sync *syncs, u32 n)
{
	int ret;
	u32 i;

	for (i = 0; i < n; i++) {
		if (syncs[i].flags & VSVM_SYNC_SIGNAL)
			continue;
		ret = drm_syncobj_find_fence(file, syncs[i].handle, syncs[i].point, 0,
					     &job->waits[job->num_waits]);
		if (ret)
			return ret;
		job->num_waits++;
	}
	return 0;
}

static void vsvm_signals_free(struct vsvm_signal *sig, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		dma_fence_chain_free(sig[i].chain);
		if (sig[i].syncobj)
			drm_syncobj_put(sig[i].syncobj);
	}
	kfree(sig);
}

/*
 * Look up the signal syncobjs and allocate their timeline nodes and the out
 * fence (NULL without signal syncobjs), so that nothing can fail once the
 * job is armed. Entry i of *@sig belongs to syncs[i]; wait entries stay
 * empty.
 */
static int vsvm_signals_get(struct drm_file *file, const struct drm_vsvm_sync *syncs, u32 n,
			    struct vsvm_signal **sig, struct vsvm_out_fence **out)
{
	struct vsvm_signal *s;
	bool any = false;
	u32 i;

	*sig = kcalloc(n, sizeof(**sig), GFP_KERNEL);
	if (!*sig)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!(syncs[i].flags & VSVM_SYNC_SIGNAL))
			continue;
		any = true;
		s = &(*sig)[i];
		s->syncobj = drm_syncobj_find(file, syncs[i].handle);
		if (!s->syncobj)
			return -ENOENT;
		s->point = syncs[i].point;
		if (!s->point)
			continue;
		s->chain = dma_fence_chain_alloc();
		if (!s->chain)
			return -ENOMEM;
	}
	if (!any)
		return 0;
	*out = kzalloc(sizeof(**out), GFP_KERNEL);
	return *out ? 0 : -ENOMEM;
}

static void vsvm_signals_install(struct vsvm_signal *sig, u32 n, struct dma_fence *fence)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (!sig[i].syncobj)
			continue;
		if (sig[i].chain) {
			drm_syncobj_add_point(sig[i].syncobj, sig[i].chain, fence, sig[i].point);
			sig[i].chain = NULL;
		} else {
			drm_syncobj_replace_fence(sig[i].syncobj, fence);
		}
	}
}

static const char *vsvm_out_fence_driver_name(struct dma_fence *fence)
{
	return VSVM_DRIVER_NAME;
}

static const char *vsvm_out_fence_timeline_name(struct dma_fence *fence)
{
	return VSVM_QUEUE_NAME;
}

static const struct dma_fence_ops vsvm_out_fence_ops = {
	.get_driver_name = vsvm_out_fence_driver_name,
	.get_timeline_name = vsvm_out_fence_timeline_name,
};

static void vsvm_out_fence_signal(struct dma_fence *finished, struct dma_fence_cb *cb)
{
	struct vsvm_out_fence *out = container_of(cb, struct vsvm_out_fence, cb);
	/* drm_sched ends the jobs it kills with -ESRCH: they were cancelled */
	int error = finished->error == -ESRCH ? -ECANCELED : finished->error;

	if (error)
		dma_fence_set_error(&out->base, error);
	dma_fence_signal(&out->base);
	dma_fence_put(&out->base);
}

/* Make @out follow the finished fence of an armed job not pushed yet */
static void vsvm_out_fence_arm(struct vsvm_out_fence *out, struct dma_fence *finished)
{
	spin_lock_init(&out->lock);
	dma_fence_init(&out->base, &vsvm_out_fence_ops, &out->lock, finished->context,
		       finished->seqno);
	/* The callback's reference; @finished cannot have signalled yet */
	dma_fence_get(&out->base);
	dma_fence_add_callback(finished, &out->cb, vsvm_out_fence_signal);
}

/* Arm @job, attach @out (if any) to it and push it */
static int vsvm_job_push(struct vsvm_job *job, struct vsvm_out_fence *out)
{
	struct vsvm_queue *q = job->q;

	mutex_lock(&q->vm->lock);
	if (list_empty(&q->vm_link)) {
		/* Destroyed since the lookup */
		mutex_unlock(&q->vm->lock);
		return -ENOENT;
	}
	drm_sched_job_arm(&job->base);
	if (out)
		vsvm_out_fence_arm(out, &job->base.s_fence->finished);
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&q->vm->lock);
	return 0;
}

/* Add the waits of @job, push it and signal its syncobjs; consumes @job */
static int vsvm_job_submit(struct vsvm_job *job, struct drm_file *file,
			   const struct drm_vsvm_sync *syncs, u32 n)
{
	struct vsvm_out_fence *out = NULL;
	struct vsvm_signal *sig = NULL;
	int ret;

	ret = vsvm_job_add_waits(job, file, syncs, n);
	if (!ret && n)
		ret = vsvm_signals_get(file, syncs, n, &sig, &out);
	if (!ret)
		ret = vsvm_job_push(job, out);
	if (ret) {
		vsvm_job_release(job);
		kfree(out);
	} else if (out) {
		vsvm_signals_install(sig, n, &out->base);
		dma_fence_put(&out->base);
	}
	if (sig)
		vsvm_signals_free(sig, n);
	return ret;
}

/**
 * vsvm_ioctl_dispatch() - DRM_IOCTL_VSVM_DISPATCH
 * @drm: DRM device of the GPU
 * @data: &struct drm_vsvm_dispatch, kernel copy
 * @file: the caller's DRM file
 *
 * Return: 0; -EINVAL for non-zero flags, an unknown kernel, a zero or too
 * large grid, POINTER_CHASE with a grid other than 1, an unaligned address
 * argument, more than VSVM_MAX_SYNCS syncs, unknown sync flags or a wait
 * syncobj without a fence (at that point); -EFAULT for an unreadable sync
 * array; -ENOENT for an unknown queue or syncobj; -ECANCELED if the queue is
 * in error; -ENOMEM.
 */
int vsvm_ioctl_dispatch(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vsvm_dispatch *args = data;
	struct drm_vsvm_sync *syncs;
	struct vsvm_queue *q;
	struct vsvm_job *job;
	int ret;

	ret = vsvm_dispatch_check(args);
	if (ret)
		return ret;
	syncs = vsvm_syncs_copy(args);
	if (IS_ERR(syncs))
		return PTR_ERR(syncs);

	q = vsvm_queue_get(&to_vsvm_file(file)->queues, args->queue_id);
	if (!q) {
		ret = -ENOENT;
	} else if (!vsvm_queue_active(q)) {
		vsvm_queue_put(q);
		ret = -ECANCELED;
	} else {
		job = vsvm_job_create(q, args, file);
		ret = IS_ERR(job) ? PTR_ERR(job) :
		      vsvm_job_submit(job, file, syncs, args->num_syncs);
	}
	kfree(syncs);
	return ret;
}

/**
 * vsvm_ioctl_queue_status() - DRM_IOCTL_VSVM_QUEUE_STATUS
 * @drm: DRM device of the GPU
 * @data: &struct drm_vsvm_queue_status, kernel copy
 * @file: the caller's DRM file
 *
 * Return: 0; -EINVAL for non-zero flags; -ENOENT for an unknown id.
 */
int vsvm_ioctl_queue_status(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vsvm_queue_status *args = data;
	struct vsvm_queue *q;

	if (args->flags)
		return -EINVAL;
	q = vsvm_queue_get(&to_vsvm_file(file)->queues, args->queue_id);
	if (!q)
		return -ENOENT;

	spin_lock(&q->status_lock);
	args->state = q->state;
	args->fault_va = q->fault_va;
	args->fault_access = q->fault_access;
	spin_unlock(&q->status_lock);
	args->completed = atomic64_read(&q->completed);
	vsvm_queue_put(q);
	return 0;
}

/* Record a fatal fault for QUEUE_STATUS and halt the queue; vm->lock held */
static void vsvm_queue_fail_locked(struct vsvm_queue *q, u64 va, u32 access)
{
	lockdep_assert_held(&q->vm->lock);
	spin_lock(&q->status_lock);
	if (q->state == VSVM_QUEUE_STATE_ACTIVE) {
		q->state = VSVM_QUEUE_STATE_FAULTED;
		q->fault_va = va;
		q->fault_access = access;
	}
	spin_unlock(&q->status_lock);
	q->vdev->hw_ops->queue_fail(q->hw);
}

/**
 * vsvm_queue_fault() - service a fault of one of a queue's waves
 * @q: the queue (the caller holds a reference)
 * @e: the fault entry
 *
 * The classic path, for buffer-object bindings and no-retry queues. A retry
 * fault whose access a binding now allows (it raced with a bind) is
 * replayed. A retry fault raised before the VM's last replay is dropped: that
 * replay let its wave retry already, and a wave that still faults posts a new
 * entry. Any other fault fails the queue; the first one is recorded for
 * DRM_IOCTL_VSVM_QUEUE_STATUS before the hardware fails the dispatch, so the
 * state is visible once its fence signals. Faults of a destroyed queue are
 * dropped.
 */
void vsvm_queue_fault(struct vsvm_queue *q, const struct vsvm_hw_ih_entry *e)
{
	const struct vsvm_hw_ops *ops = q->vdev->hw_ops;
	struct vsvm_vm *vm = q->vm;

	mutex_lock(&vm->lock);
	if (list_empty(&q->vm_link))
		goto out;
	/* The wave read the replay count before the timestamp: it was let go */
	if (e->retry && e->timestamp < vm->last_replay_ns)
		goto out;
	if (e->retry && vsvm_vm_access_ok(vm, e->va, e->access)) {
		vm->last_replay_ns = ktime_get_ns();
		ops->vm_replay(vm->hw);
		goto out;
	}
	vsvm_queue_fail_locked(q, e->va, e->access);
out:
	mutex_unlock(&vm->lock);
}

/**
 * vsvm_queue_fail_fault() - stop a queue after a fatal fault
 * @q: the queue (the caller holds a reference)
 * @va: the faulting address
 * @access: VSVM_HW_ACCESS_* of the faulting access
 *
 * Used by the SVM fault service. Records the first fault for
 * DRM_IOCTL_VSVM_QUEUE_STATUS and halts the queue; a destroyed queue is
 * left alone.
 *
 * Context: takes &vsvm_vm.lock.
 */
void vsvm_queue_fail_fault(struct vsvm_queue *q, u64 va, u32 access)
{
	struct vsvm_vm *vm = q->vm;

	mutex_lock(&vm->lock);
	if (!list_empty(&q->vm_link))
		vsvm_queue_fail_locked(q, va, access);
	mutex_unlock(&vm->lock);
}
