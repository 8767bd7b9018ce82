// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: emulated compute units
 *
 * Compute units, queues and the life of a dispatch on the emulated GPU.
 *
 * Each compute unit is a kthread that runs one wave at a time. A dispatch
 * becomes a job (&struct vsvm_vhw_job) split into waves of
 * %VSVM_VHW_WAVE_ITEMS work items (vsvm_vhw_kernel_waves()). A queue runs
 * its jobs in order: only its current job hands out waves, and the next job
 * becomes current when every wave of the current one has finished. The
 * waves of a job run in parallel on several compute units, and the queues
 * share the compute units round-robin: the queue a wave was taken from
 * moves to the end of the run list.
 *
 * A wave that finishes adds its part of a reduction to the job; the wave
 * that finishes last writes the result through the page table (a write that
 * can fault like any other) and so completes the job. The job's fence is
 * signalled when its last wave leaves its compute unit, before that wave
 * stops counting as active on the queue: once queue_reset or queue_destroy
 * see no active wave, every fence of the queue they aborted is signalled.
 *
 * Every access of a wave goes through vsvm_vhw_wave_access(). Before each
 * piece of at most one 4 KiB page it passes a safe point: an aborted job
 * ends the wave, a suspended queue parks it, and it calls cond_resched(), so
 * endless kernels (a pointer chase around a cycle) stay preemptible and
 * stop promptly. A piece that faults posts an interrupt entry and stalls the
 * wave until vm_replay (retry queues: the wave then retries the piece) or
 * until its job is aborted. A stalled or parked wave holds no lock and does
 * not count as executing, so queue_suspend does not wait for it; a replayed
 * wave of a suspended queue parks before it retries.
 *
 * Every fence is signalled exactly once, by whoever takes its job out of the
 * queue: queue_dispatch (queue halted, or dispatch refused), an abort
 * (queue_fail, queue_reset, queue_destroy) for jobs with no wave on a
 * compute unit, or else the last wave of the job to retire.
 *
 * Locking:
 *
 * - &vsvm_hw.sched_lock (spinlock, irq-safe) protects the run list, the
 *   state of every queue (current and pending jobs, suspend count, halt,
 *   active and executing waves) and of every job (waves handed out and
 *   running, completion, error). Fields that waves poll at safe points
 *   (&vsvm_vhw_job.error, &vsvm_hw_queue.suspend) and that waiters poll
 *   (&vsvm_hw_queue.active, &vsvm_hw_queue.executing) are written with
 *   WRITE_ONCE() under it and read with READ_ONCE() without it.
 * - Waitqueue wake-ups of &vsvm_hw_queue.idle_wq happen under sched_lock,
 *   and queue_destroy takes sched_lock once after the queue went idle, so
 *   no wave touches a queue after it is freed.
 * - sched_lock is never held with &vsvm_vhw_cu.lock, while sleeping, or
 *   while calling out (dma_fence_signal(), the irq callback).
 * - The driver serialises the operations of one queue, and destroys a queue
 *   only when nothing else uses it; kthreads run until vsvm_vhw_cus_fini(),
 *   which the driver calls only once every queue is destroyed.
 */

#include <linux/dma-fence.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/lockdep.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/wait.h>

#include "vsvm_vhw.h"
#include "vsvm_vhw_priv.h"

/* Signal a job taken out of its queue, with its error if any, and free it. */
static void vsvm_vhw_job_signal(struct vsvm_hw *hw, struct vsvm_vhw_job *job)
{
	if (job->error)
		dma_fence_set_error(job->fence, job->error);
	dma_fence_signal(job->fence);
	dma_fence_put(job->fence);
	atomic64_inc(&hw->counters.dispatches);
	kfree(job);
}

static void vsvm_vhw_jobs_signal(struct vsvm_hw *hw, struct list_head *jobs)
{
	struct vsvm_vhw_job *job, *tmp;

	list_for_each_entry_safe(job, tmp, jobs, link) {
		list_del(&job->link);
		vsvm_vhw_job_signal(hw, job);
	}
}

/* Make the first pending job current if the queue can run it. */
static void vsvm_vhw_queue_advance(struct vsvm_hw_queue *q)
{
	lockdep_assert_held(&q->hw->sched_lock);
	if (q->cur || q->halted || list_empty(&q->pending))
		return;
	q->cur = list_first_entry(&q->pending, struct vsvm_vhw_job, link);
	list_del_init(&q->cur->link);
}

/*
 * Abort the current job with @cur_error and the pending ones with
 * @pending_error. Jobs no wave runs go to @out for signalling; the others
 * are signalled by their last wave.
 */
static void vsvm_vhw_queue_abort(struct vsvm_hw_queue *q, int cur_error, int pending_error,
				 struct list_head *out)
{
	struct vsvm_vhw_job *job = q->cur, *tmp;

	lockdep_assert_held(&q->hw->sched_lock);
	if (job) {
		q->cur = NULL;
		WRITE_ONCE(job->error, cur_error);
		if (!job->running)
			list_add_tail(&job->link, out);
	}
	list_for_each_entry_safe(job, tmp, &q->pending, link) {
		WRITE_ONCE(job->error, pending_error);
		list_move_tail(&job->link, out);
	}
}

/* Abort the queue's jobs, set or clear its halt, and wake its waves. */
static void vsvm_vhw_queue_kill(struct vsvm_hw_queue *q, int cur_error, int pending_error,
				bool halt)
{
	struct vsvm_hw *hw = q->hw;
	unsigned long flags;
	LIST_HEAD(jobs);

	spin_lock_irqsave(&hw->sched_lock, flags);
	vsvm_vhw_queue_abort(q, cur_error, pending_error, &jobs);
	q->halted = halt;
	spin_unlock_irqrestore(&hw->sched_lock, flags);

	wake_up_all(&q->park_wq);
	wake_up_all(&q->vm->replay_wq);
	vsvm_vhw_jobs_signal(hw, &jobs);
}

/* Wait until none of the queue's waves is on a compute unit. */
static void vsvm_vhw_queue_wait_idle(struct vsvm_hw_queue *q)
{
	unsigned long flags;

	wait_event(q->idle_wq, !READ_ONCE(q->active));
	/* The last wave woke us under the lock: let it leave the lock. */
	spin_lock_irqsave(&q->hw->sched_lock, flags);
	spin_unlock_irqrestore(&q->hw->sched_lock, flags);
}

/**
 * vsvm_vhw_queue_create() - create a queue
 * @vm: the VM its waves translate through
 * @qid: the driver's id, for fault entries
 * @flags: VSVM_HW_QUEUE_*
 *
 * Context: process context, may sleep.
 * Return: the queue, ERR_PTR(-EINVAL) for unknown flags or
 * ERR_PTR(-ENOMEM).
 */
struct vsvm_hw_queue *vsvm_vhw_queue_create(struct vsvm_hw_vm *vm, u32 qid, u32 flags)
{
	struct vsvm_hw *hw = vm->hw;
	struct vsvm_hw_queue *q;
	unsigned long irqflags;

	if (flags & ~VSVM_HW_QUEUE_NO_RETRY)
		return ERR_PTR(-EINVAL);
	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return ERR_PTR(-ENOMEM);
	q->hw = hw;
	q->vm = vm;
	q->qid = qid;
	q->flags = flags;
	INIT_LIST_HEAD(&q->pending);
	init_waitqueue_head(&q->park_wq);
	init_waitqueue_head(&q->idle_wq);

	spin_lock_irqsave(&hw->sched_lock, irqflags);
	list_add_tail(&q->link, &hw->queues);
	spin_unlock_irqrestore(&hw->sched_lock, irqflags);
	return q;
}

/**
 * vsvm_vhw_queue_destroy() - abort a queue's work and free it
 * @q: the queue
 *
 * Every job still on the queue signals -ECANCELED. Returns when no compute
 * unit references the queue any more.
 *
 * Context: process context, sleeps.
 */
void vsvm_vhw_queue_destroy(struct vsvm_hw_queue *q)
{
	struct vsvm_hw *hw = q->hw;
	unsigned long flags;

	might_sleep();
	spin_lock_irqsave(&hw->sched_lock, flags);
	list_del(&q->link);
	spin_unlock_irqrestore(&hw->sched_lock, flags);

	vsvm_vhw_queue_kill(q, -ECANCELED, -ECANCELED, true);
	vsvm_vhw_queue_wait_idle(q);
	kfree(q);
}

/**
 * vsvm_vhw_queue_dispatch() - append a dispatch to a queue
 * @q: the queue
 * @d: the dispatch, copied
 * @done: signalled once when the dispatch finished, failed or was aborted;
 *	the hardware holds a reference until then
 *
 * A halted queue signals @done with -ECANCELED and a dispatch the hardware
 * refuses with -EINVAL, both before returning.
 *
 * Context: any context, never sleeps (allocates with GFP_NOWAIT).
 * Return: 0, or -ENOMEM (then @done is untouched).
 */
int vsvm_vhw_queue_dispatch(struct vsvm_hw_queue *q, const struct vsvm_hw_dispatch *d,
			    struct dma_fence *done)
{
	struct vsvm_hw *hw = q->hw;
	struct vsvm_vhw_job *job;
	unsigned long flags;
	bool queued = false;

	job = kzalloc(sizeof(*job), GFP_NOWAIT | __GFP_NOWARN);
	if (!job)
		return -ENOMEM;
	job->d = *d;
	job->fence = dma_fence_get(done);
	job->error = vsvm_vhw_kernel_check(d);
	job->num_waves = vsvm_vhw_kernel_waves(d);
	atomic64_set(&job->waves_left, job->num_waves);

	spin_lock_irqsave(&hw->sched_lock, flags);
	if (q->halted && !job->error)
		job->error = -ECANCELED;
	if (!job->error) {
		list_add_tail(&job->link, &q->pending);
		vsvm_vhw_queue_advance(q);
		queued = true;
	}
	spin_unlock_irqrestore(&hw->sched_lock, flags);

	if (queued)
		wake_up_all(&hw->cu_wq);
	else
		vsvm_vhw_job_signal(hw, job);
	return 0;
}

/**
 * vsvm_vhw_queue_suspend() - stop a queue at a safe point
 * @q: the queue
 *
 * Suspensions nest: the queue runs again after as many queue_resume calls.
 * No new wave of the queue starts, running waves park at their next safe
 * point, and stalled waves stay stalled (and park if replayed).
 *
 * Context: process context, sleeps until none of the queue's waves executes.
 */
void vsvm_vhw_queue_suspend(struct vsvm_hw_queue *q)
{
	unsigned long flags;

	might_sleep();
	spin_lock_irqsave(&q->hw->sched_lock, flags);
	WRITE_ONCE(q->suspend, q->suspend + 1);
	spin_unlock_irqrestore(&q->hw->sched_lock, flags);

	wait_event(q->idle_wq, !READ_ONCE(q->executing));
}

/**
 * vsvm_vhw_queue_resume() - undo one queue_suspend
 * @q: the queue
 *
 * Context: any context, never sleeps.
 */
void vsvm_vhw_queue_resume(struct vsvm_hw_queue *q)
{
	struct vsvm_hw *hw = q->hw;
	unsigned long flags;
	bool run;

	spin_lock_irqsave(&hw->sched_lock, flags);
	if (!WARN_ON_ONCE(!q->suspend))
		WRITE_ONCE(q->suspend, q->suspend - 1);
	run = !q->suspend;
	spin_unlock_irqrestore(&hw->sched_lock, flags);

	if (!run)
		return;
	wake_up_all(&q->park_wq);
	wake_up_all(&hw->cu_wq);
}

/**
 * vsvm_vhw_queue_fail() - halt a queue after a fatal fault
 * @q: the queue
 *
 * The current dispatch signals -EFAULT once its waves have left their
 * compute units (at once if none runs), queued ones -ECANCELED now, and
 * later ones -ECANCELED until queue_reset.
 *
 * Context: any context, never sleeps.
 */
void vsvm_vhw_queue_fail(struct vsvm_hw_queue *q)
{
	vsvm_vhw_queue_kill(q, -EFAULT, -ECANCELED, true);
}

/**
 * vsvm_vhw_queue_reset() - abort everything on a queue and clear its halt
 * @q: the queue
 * @error: error of the current and queued dispatches
 *
 * Returns when none of the queue's waves is on a compute unit; every fence
 * it aborted is signalled by then. A suspension is kept.
 *
 * Context: process context, sleeps.
 */
void vsvm_vhw_queue_reset(struct vsvm_hw_queue *q, int error)
{
	might_sleep();
	vsvm_vhw_queue_kill(q, error, error, false);
	vsvm_vhw_queue_wait_idle(q);
}

/**
 * vsvm_vhw_vm_replay() - let the waves stalled on a fault in a VM retry
 * @vm: the VM
 *
 * Waves of no-retry queues stay stalled until their queue is failed.
 *
 * Context: any context, never sleeps.
 */
void vsvm_vhw_vm_replay(struct vsvm_hw_vm *vm)
{
	atomic_inc(&vm->replay_seq);
	wake_up_all(&vm->replay_wq);
}

/* The wave stops counting as executing (it parks or stalls). */
static void vsvm_vhw_wave_exec_leave(struct vsvm_vhw_wave *w)
{
	struct vsvm_hw_queue *q = w->q;
	unsigned long flags;

	spin_lock_irqsave(&q->hw->sched_lock, flags);
	w->executing = false;
	WRITE_ONCE(q->executing, q->executing - 1);
	if (!q->executing)
		wake_up_all(&q->idle_wq);
	spin_unlock_irqrestore(&q->hw->sched_lock, flags);
}

/* The wave executes again, after its queue's suspension; -ECANCELED if aborted. */
static int vsvm_vhw_wave_exec_enter(struct vsvm_vhw_wave *w)
{
	struct vsvm_hw_queue *q = w->q;
	unsigned long flags;
	int ret;

	for (;;) {
		spin_lock_irqsave(&q->hw->sched_lock, flags);
		ret = w->job->error ? -ECANCELED : 0;
		if (!ret && !q->suspend) {
			w->executing = true;
			WRITE_ONCE(q->executing, q->executing + 1);
		}
		spin_unlock_irqrestore(&q->hw->sched_lock, flags);
		if (ret || w->executing)
			return ret;
		wait_event_idle(q->park_wq, !READ_ONCE(q->suspend) || READ_ONCE(w->job->error));
	}
}

/* A safe point: end an aborted wave, park a suspended one, reschedule. */
static int vsvm_vhw_wave_checkpoint(struct vsvm_vhw_wave *w)
{
	int ret;

	if (READ_ONCE(w->job->error))
		return -ECANCELED;
	if (READ_ONCE(w->q->suspend)) {
		vsvm_vhw_wave_exec_leave(w);
		ret = vsvm_vhw_wave_exec_enter(w);
		if (ret)
			return ret;
	}
	cond_resched();
	return 0;
}

/*
 * Post a fault for @va and stall until a replay (retry queues) or an abort.
 * Returns 0 when the access should be retried, -ECANCELED when aborted.
 */
static int vsvm_vhw_wave_stall(struct vsvm_vhw_wave *w, u64 va, u32 access)
{
	struct vsvm_hw_queue *q = w->q;
	struct vsvm_hw_vm *vm = q->vm;
	struct vsvm_hw_ih_entry entry = {
		.type = VSVM_HW_IH_FAULT,
		.vmid = vm->vmid,
		.qid = q->qid,
		.access = access,
		.retry = !(q->flags & VSVM_HW_QUEUE_NO_RETRY),
		.va = va,
	};
	int seq;

	if (READ_ONCE(w->job->error))
		return -ECANCELED;
	/* Sampled before the driver can see the fault, so no replay is missed. */
	seq = atomic_read(&vm->replay_seq);
	vsvm_vhw_wave_exec_leave(w);
	entry.timestamp = ktime_get_ns();
	vsvm_vhw_ih_post(q->hw, &entry);

	wait_event_idle(vm->replay_wq, READ_ONCE(w->job->error) ||
			(entry.retry && atomic_read(&vm->replay_seq) != seq));
	if (READ_ONCE(w->job->error))
		return -ECANCELED;
	atomic64_inc(&q->hw->counters.replays);
	return vsvm_vhw_wave_exec_enter(w);
}

/**
 * vsvm_vhw_wave_access() - a wave's access to GPU virtual memory
 * @w: the wave
 * @va: GPU VA
 * @buf: buffer to read into or write from; for an atomic, the u64 to add
 * @len: bytes; an atomic is 8 bytes at an 8-byte aligned @va
 * @access: one VSVM_HW_ACCESS_*
 *
 * Accesses [@va, @va + @len) page by page, each piece behind a safe point
 * (abort, suspension, cond_resched()); a faulting piece stalls the wave
 * and is retried after a replay.
 *
 * Context: the compute unit's kthread; sleeps.
 * Return: 0, or -ECANCELED when the wave's job was aborted.
 */
int vsvm_vhw_wave_access(struct vsvm_vhw_wave *w, u64 va, void *buf, size_t len, u32 access)
{
	u8 *p = buf;
	size_t piece;
	int ret;

	while (len) {
		piece = min_t(u64, len, SZ_4K - (va & (SZ_4K - 1)));
		ret = vsvm_vhw_wave_checkpoint(w);
		if (ret)
			return ret;
		if (vsvm_vhw_mmu_access(w->cu, w->q->vm, va, p, piece, access)) {
			ret = vsvm_vhw_wave_stall(w, va, access);
			if (ret)
				return ret;
			continue;
		}
		va += piece;
		p += piece;
		len -= piece;
	}
	return 0;
}

/* Give @cu the next wave of the first queue in run-list order that has one. */
static bool vsvm_vhw_cu_pick(struct vsvm_vhw_cu *cu)
{
	struct vsvm_hw *hw = cu->hw;
	struct vsvm_vhw_wave *w = &cu->wave;
	struct vsvm_hw_queue *q;
	struct vsvm_vhw_job *job;
	unsigned long flags;

	spin_lock_irqsave(&hw->sched_lock, flags);
	list_for_each_entry(q, &hw->queues, link) {
		job = q->cur;
		if (q->suspend || !job || job->next_wave == job->num_waves)
			continue;
		w->q = q;
		w->job = job;
		w->index = job->next_wave++;
		w->acc = 0;
		w->executing = true;
		job->running++;
		WRITE_ONCE(q->active, q->active + 1);
		WRITE_ONCE(q->executing, q->executing + 1);
		list_move_tail(&q->link, &hw->queues);
		break;
	}
	spin_unlock_irqrestore(&hw->sched_lock, flags);
	return w->job;
}

/* The wave leaves its queue's counts; wakes suspend/reset/destroy waiters. */
static void vsvm_vhw_wave_leave(struct vsvm_vhw_wave *w)
{
	struct vsvm_hw_queue *q = w->q;

	lockdep_assert_held(&q->hw->sched_lock);
	if (w->executing) {
		w->executing = false;
		WRITE_ONCE(q->executing, q->executing - 1);
	}
	WRITE_ONCE(q->active, q->active - 1);
	if (!q->executing || !q->active)
		wake_up_all(&q->idle_wq);
}

/*
 * The wave leaves its compute unit. @complete: it finished the job. The last
 * wave of a complete or aborted job signals it, before it leaves the queue.
 */
static void vsvm_vhw_wave_retire(struct vsvm_vhw_wave *w, bool complete)
{
	struct vsvm_vhw_job *job = w->job;
	struct vsvm_hw_queue *q = w->q;
	struct vsvm_hw *hw = q->hw;
	unsigned long flags;
	bool finished;

	spin_lock_irqsave(&hw->sched_lock, flags);
	job->running--;
	job->complete |= complete;
	finished = !job->running && (job->complete || job->error);
	if (finished && job == q->cur) {
		q->cur = NULL;
		vsvm_vhw_queue_advance(q);
	}
	if (!finished)
		vsvm_vhw_wave_leave(w);
	spin_unlock_irqrestore(&hw->sched_lock, flags);
	if (!finished)
		return;

	vsvm_vhw_job_signal(hw, job);
	wake_up_all(&hw->cu_wq);
	spin_lock_irqsave(&hw->sched_lock, flags);
	vsvm_vhw_wave_leave(w);
	spin_unlock_irqrestore(&hw->sched_lock, flags);
}

/* Run the wave the compute unit picked, then retire it. */
static void vsvm_vhw_wave_run(struct vsvm_vhw_wave *w)
{
	struct vsvm_vhw_job *job = w->job;
	bool complete = false;
	int ret;

	ret = vsvm_vhw_kernel_run(w);
	if (!ret) {
		atomic64_inc(&w->q->hw->counters.waves);
		atomic64_add(w->acc, &job->acc);
		if (atomic64_dec_and_test(&job->waves_left))
			complete = !vsvm_vhw_kernel_finish(w, atomic64_read(&job->acc));
	}
	vsvm_vhw_wave_retire(w, complete);
	w->job = NULL;
	w->q = NULL;
}

static int vsvm_vhw_cu_thread(void *data)
{
	struct vsvm_vhw_cu *cu = data;
	struct vsvm_hw *hw = cu->hw;

	while (!kthread_should_stop()) {
		wait_event_idle(hw->cu_wq, kthread_should_stop() || vsvm_vhw_cu_pick(cu));
		if (cu->wave.job)
			vsvm_vhw_wave_run(&cu->wave);
	}
	return 0;
}

static void vsvm_vhw_cu_fini(struct vsvm_vhw_cu *cu)
{
	unsigned int i;

	if (cu->thread)
		kthread_stop(cu->thread);
	for (i = 0; i < VSVM_VHW_CU_BUFS; i++)
		kfree(cu->buf[i]);
}

static int vsvm_vhw_cu_init(struct vsvm_hw *hw, struct vsvm_vhw_cu *cu, unsigned int index)
{
	struct task_struct *thread;
	unsigned int i;

	cu->hw = hw;
	cu->wave.cu = cu;
	spin_lock_init(&cu->lock);
	for (i = 0; i < VSVM_VHW_CU_BUFS; i++) {
		cu->buf[i] = kmalloc(SZ_4K, GFP_KERNEL);
		if (!cu->buf[i])
			return -ENOMEM;
	}
	thread = kthread_run(vsvm_vhw_cu_thread, cu, "vsvm%u-cu%u", hw->cfg.index, index);
	if (IS_ERR(thread))
		return PTR_ERR(thread);
	cu->thread = thread;
	return 0;
}

/* Stop and free the first @n compute units. */
static void vsvm_vhw_cus_free(struct vsvm_hw *hw, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		vsvm_vhw_cu_fini(&hw->cus[i]);
	kfree(hw->cus);
	hw->cus = NULL;
}

/**
 * vsvm_vhw_cus_init() - bring up the compute units
 * @hw: the GPU
 *
 * Allocates &vsvm_hw_config.num_cus compute units with their bounce buffers
 * and starts their kthreads. On failure everything is undone.
 *
 * Context: process context, sleeps.
 * Return: 0 or a negative errno.
 */
int vsvm_vhw_cus_init(struct vsvm_hw *hw)
{
	unsigned int i;
	int ret;

	hw->cus = kcalloc(hw->cfg.num_cus, sizeof(*hw->cus), GFP_KERNEL);
	if (!hw->cus)
		return -ENOMEM;
	for (i = 0; i < hw->cfg.num_cus; i++) {
		ret = vsvm_vhw_cu_init(hw, &hw->cus[i], i);
		if (ret) {
			vsvm_vhw_cus_free(hw, i + 1);
			return ret;
		}
	}
	return 0;
}

/**
 * vsvm_vhw_cus_fini() - stop the compute units and free them
 * @hw: the GPU; every queue must have been destroyed
 *
 * Context: process context, sleeps.
 */
void vsvm_vhw_cus_fini(struct vsvm_hw *hw)
{
	vsvm_vhw_cus_free(hw, hw->cfg.num_cus);
}
