// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: GPU fault service
 *
 * The interrupt worker (vsvm_ih.c) drains the ring into a batch and hands
 * it to vsvm_svm_fault_batch(), which services it in three passes.
 *
 * Routing, in ring order: an entry whose queue is gone is dropped. An entry
 * of a VM without a process context, an entry at an address a buffer object
 * is bound at and a no-retry entry go to the classic path,
 * vsvm_queue_fault(); the last is counted as a fatal SVM fault (a no-retry
 * queue touched memory the driver had not mapped). The rest are SVM faults.
 * One raised before the VM's last replay is dropped, since that replay let
 * its wave retry already (a wave that still faults posts a new entry); so is
 * one whose page an earlier SVM fault of the same VM in the batch asked for
 * with at least its access.
 * Both count as duplicates.
 *
 * Service, per process context (the mm is pinned with mmget_not_zero(); if
 * the process is exiting, its faults fail their queues): the garbage
 * collector runs first, so no unmapped range is in the way, then each fault
 * in ring order. A fault inside a window an earlier fault of the batch
 * mapped on this GPU with at least its access is a duplicate. Otherwise the
 * policy decides, and a fault it refuses is fatal: it fails the queue
 * (vsvm_queue_fail_fault()) with no error code to report. Fatal are an
 * address without a VMA, an I/O or PFN mapping, a mapping without read
 * permission, a write or atomic to a mapping without write permission, a
 * GPU without ACCESS or ACCESS_IN_PLACE (NO_ACCESS), a write or atomic to a
 * GPU_RO range, an instruction fetch from a range without GPU_EXEC, and any
 * fault of a process with retry off.
 * The window mapped is the block of (4 KiB << granularity) bytes around the
 * address, clipped to the attribute
 * range, the VMA, the notifier granule and the buffer-object bindings; an
 * address bound since it was routed goes to the classic path. A mapping that
 * fails with -EAGAIN is not fatal: the wave refaults. When the CPU unmapped
 * or protected part of the window since it was computed, the faulting page
 * alone is mapped, and only its failure is fatal, as is any other error.
 *
 * An atomic to system memory of a range without COHERENT (the link does no
 * atomics there) takes the faulting page for device-exclusive access
 * (vsvm_svm_map_exclusive()) after the window is mapped; its window is that
 * page. Every serviced fault (not the duplicates) is reported with a
 * FAULT_START and a FAULT_END event (result: migrated, mapped in place,
 * retry or fatal); a fault bound since it was routed ends as fatal for SVM
 * and goes to the classic path.
 *
 * Replay: once per batch for every VM that had SVM faults in it, duplicates
 * and fatal faults included (a replay of a failed queue does nothing), after
 * every process context of the batch was serviced. VRAM the batch's
 * migrations fill is not evicted before that replay
 * (vsvm_svm_bo_evictable()), so a batch that wants more VRAM than there is
 * maps its last windows in place instead of evicting its first ones.
 *
 * Counters (&vsvm_svm_gpu.stats of the faulting GPU): faults (mapped or
 * retried), duplicates, fatal, and batches (per process context serviced).
 *
 * LOCKING
 *
 * &vsvm_svm.lock is held while a process context's faults are serviced;
 * the mmap lock nests inside it, for the VMA lookup (vsvm_svm_map() takes it
 * again itself). &vsvm_svm.notifier_lock is never taken here. &vsvm_vm.lock
 * is taken only by the vsvm_vm_*() and vsvm_queue_*() helpers and to read
 * &vsvm_vm.last_replay_ns, never held across anything else: with no other
 * lock held while routing and replaying, and inside &vsvm_svm.lock when a
 * fault fails its queue, which is the documented order. The per-entry
 * state is private to the worker.
 */

#include <linux/bits.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include <uapi/drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_event.h"
#include "vsvm_queue.h"
#include "vsvm_svm.h"
#include "vsvm_vm.h"

#define VSVM_SVM_FAULT_WRITES	(VSVM_HW_ACCESS_WRITE | VSVM_HW_ACCESS_ATOMIC)

/**
 * enum vsvm_svm_fault_state - what became of an entry of a batch
 * @VSVM_SVM_FAULT_DONE: nothing left to do: dropped, or handled by the
 *	classic path
 * @VSVM_SVM_FAULT_PENDING: an SVM fault waiting for service
 * @VSVM_SVM_FAULT_REPLAY: an SVM fault handled without a mapped window
 *	(duplicate, retried or fatal); its VM is replayed
 * @VSVM_SVM_FAULT_MAPPED: an SVM fault whose window was mapped; its VM is
 *	replayed
 */
enum vsvm_svm_fault_state {
	VSVM_SVM_FAULT_DONE,
	VSVM_SVM_FAULT_PENDING,
	VSVM_SVM_FAULT_REPLAY,
	VSVM_SVM_FAULT_MAPPED,
};

/**
 * struct vsvm_svm_fault - the fault worker's state of one entry of a batch
 * @q: the entry's queue (a reference), or NULL if it is gone
 * @state: &enum vsvm_svm_fault_state
 * @start: first byte of the window mapped for it (state MAPPED)
 * @end: end of that window
 */
struct vsvm_svm_fault {
	struct vsvm_queue *q;
	enum vsvm_svm_fault_state state;
	u64 start;
	u64 end;
};

/* Whether a mapping made for access @have also allows access @want */
static bool vsvm_svm_fault_covers(u32 have, u32 want)
{
	/* Every mapping is readable, and an atomic one is writable */
	have |= VSVM_HW_ACCESS_READ;
	if (have & VSVM_HW_ACCESS_ATOMIC)
		have |= VSVM_HW_ACCESS_WRITE;
	return !(want & ~have);
}

static struct vsvm_svm_stats *vsvm_svm_fault_stats(struct vsvm_queue *q)
{
	return &q->vm->svm->gpus[q->vdev->index].stats;
}

static bool vsvm_svm_fault_answered(struct vsvm_vm *vm, const struct vsvm_hw_ih_entry *e)
{
	bool answered;

	mutex_lock(&vm->lock);
	answered = e->timestamp < vm->last_replay_ns;
	mutex_unlock(&vm->lock);
	return answered;
}

/* An earlier SVM fault of the batch asked for the same page of the VM */
static bool vsvm_svm_fault_queued(const struct vsvm_hw_ih_entry *e,
				  const struct vsvm_svm_fault *f, unsigned int i)
{
	unsigned int j;

	for (j = 0; j < i; j++) {
		if (f[j].state == VSVM_SVM_FAULT_PENDING && f[j].q->vm == f[i].q->vm &&
		    (e[j].va >> PAGE_SHIFT) == (e[i].va >> PAGE_SHIFT) &&
		    vsvm_svm_fault_covers(e[j].access, e[i].access))
			return true;
	}
	return false;
}

static void vsvm_svm_fault_route(struct vsvm_device *vdev, const struct vsvm_hw_ih_entry *e,
				 struct vsvm_svm_fault *f, unsigned int i)
{
	struct vsvm_vm *vm;

	f[i].state = VSVM_SVM_FAULT_DONE;
	f[i].q = vsvm_queue_get(&vdev->queues, e[i].qid);
	if (!f[i].q)
		return;
	vm = f[i].q->vm;
	if (!vm->svm || vsvm_vm_bound(vm, e[i].va, e[i].va)) {
		vsvm_queue_fault(f[i].q, &e[i]);
		return;
	}
	if (!e[i].retry) {
		/* A no-retry queue touched memory it had not mapped: fatal */
		atomic64_inc(&vsvm_svm_fault_stats(f[i].q)->fatal);
		vsvm_queue_fault(f[i].q, &e[i]);
		return;
	}
	if (vsvm_svm_fault_answered(vm, &e[i])) {
		atomic64_inc(&vsvm_svm_fault_stats(f[i].q)->duplicates);
		return;
	}
	if (vsvm_svm_fault_queued(e, f, i)) {
		f[i].state = VSVM_SVM_FAULT_REPLAY;
		atomic64_inc(&vsvm_svm_fault_stats(f[i].q)->duplicates);
		return;
	}
	f[i].state = VSVM_SVM_FAULT_PENDING;
}

/* An earlier fault of the batch mapped a window on this GPU around the page */
static bool vsvm_svm_fault_mapped(const struct vsvm_hw_ih_entry *e,
				  const struct vsvm_svm_fault *f, unsigned int i)
{
	struct vsvm_svm *svm = f[i].q->vm->svm;
	unsigned int j;

	for (j = 0; j < i; j++) {
		if (f[j].state == VSVM_SVM_FAULT_MAPPED && f[j].q->vm->svm == svm &&
		    e[i].va >= f[j].start && e[i].va < f[j].end &&
		    vsvm_svm_fault_covers(e[j].access, e[i].access))
			return true;
	}
	return false;
}

static bool vsvm_svm_fault_vma_ok(const struct vm_area_struct *vma, u32 access)
{
	if ((vma->vm_flags & (VM_IO | VM_PFNMAP)) || !(vma->vm_flags & VM_READ))
		return false;
	return !(access & VSVM_SVM_FAULT_WRITES) || (vma->vm_flags & VM_WRITE);
}

static bool vsvm_svm_fault_attrs_ok(const struct vsvm_svm_attrs *a, unsigned int gpu,
				    u32 access)
{
	if (!((a->access | a->access_in_place) & BIT(gpu)))
		return false;
	if ((access & VSVM_SVM_FAULT_WRITES) && (a->flags & VSVM_SVM_FLAG_GPU_RO))
		return false;
	return !(access & VSVM_HW_ACCESS_EXEC) || (a->flags & VSVM_SVM_FLAG_GPU_EXEC);
}

/* The VMA at the fault allows it: its bounds in [*first, *last] */
static bool vsvm_svm_fault_vma(struct vsvm_svm *svm, const struct vsvm_hw_ih_entry *e,
			       u64 *first, u64 *last)
{
	struct vm_area_struct *vma;
	bool ok;

	mmap_read_lock(svm->mm);
	vma = vma_lookup(svm->mm, e->va);
	ok = vma && vsvm_svm_fault_vma_ok(vma, e->access);
	if (ok) {
		*first = vma->vm_start;
		*last = vma->vm_end - 1;
	}
	mmap_read_unlock(svm->mm);
	return ok;
}

/*
 * Applies the policy to a fault and computes its window [*start, *end)
 * before the buffer-object clip. False if the fault is fatal.
 */
static bool vsvm_svm_fault_window(struct vsvm_svm *svm, unsigned int gpu,
				  const struct vsvm_hw_ih_entry *e, struct vsvm_svm_attrs *attrs,
				  u64 *start, u64 *end)
{
	u64 vma_first, vma_last, first, last, block, granule;

	lockdep_assert_held(&svm->lock);
	if (!svm->retry || !vsvm_svm_fault_vma(svm, e, &vma_first, &vma_last))
		return false;
	vsvm_svm_attr_lookup(svm, e->va, attrs, &first, &last);
	if (!vsvm_svm_fault_attrs_ok(attrs, gpu, e->access))
		return false;

	block = (u64)PAGE_SIZE << attrs->granularity;
	granule = ALIGN_DOWN(e->va, VSVM_SVM_GRANULE);
	first = max3(first, vma_first, granule);
	first = max(first, ALIGN_DOWN(e->va, block));
	last = min3(last, vma_last, granule + VSVM_SVM_GRANULE - 1);
	last = min(last, ALIGN_DOWN(e->va, block) + block - 1);
	*start = first;
	*end = last + 1;
	return true;
}

/*
 * Map the window of a fault. The window was computed from the VMA when the
 * fault was looked at; the CPU may have unmapped or protected part of it
 * since (the mmap lock is not held in between). When the window fails, the
 * faulting page alone decides: the fault is fatal only if that page cannot
 * be mapped.
 */
static int vsvm_svm_map_window(struct vsvm_svm *svm, unsigned int gpu,
			       const struct vsvm_hw_ih_entry *e, const struct vsvm_svm_attrs *attrs,
			       u64 *start, u64 *end)
{
	u64 page = ALIGN_DOWN(e->va, PAGE_SIZE);
	int ret;

	ret = vsvm_svm_map(svm, gpu, *start, *end, e->access, attrs);
	if ((ret != -EFAULT && ret != -EPERM) || (*start == page && *end == page + PAGE_SIZE))
		return ret;
	*start = page;
	*end = page + PAGE_SIZE;
	return vsvm_svm_map(svm, gpu, *start, *end, e->access, attrs);
}

/*
 * Migrate the window of a fault as the attributes ask (best effort: what
 * did not move is mapped where it is; *@migrated tells whether anything
 * moved), then map it. An atomic to a range whose link does no atomics on
 * system memory (no COHERENT) then takes the faulting page for
 * device-exclusive access, and the window shrinks to that page: the other
 * system pages of the window are mapped without ATOMIC.
 */
static int vsvm_svm_map_fault(struct vsvm_svm *svm, unsigned int gpu,
			      const struct vsvm_hw_ih_entry *e, const struct vsvm_svm_attrs *attrs,
			      u64 *start, u64 *end, bool *migrated)
{
	u64 page = ALIGN_DOWN(e->va, PAGE_SIZE);
	int ret;

	*migrated = vsvm_svm_migrate_fault(svm, gpu, *start, *end, e->access, attrs) > 0;
	ret = vsvm_svm_map_window(svm, gpu, e, attrs, start, end);
	if (ret || !(e->access & VSVM_HW_ACCESS_ATOMIC) || (attrs->flags & VSVM_SVM_FLAG_COHERENT))
		return ret;
	*start = page;
	*end = page + PAGE_SIZE;
	return vsvm_svm_map_exclusive(svm, gpu, page, attrs);
}

/* The FAULT_END result of a fault service that returned @ret */
static u32 vsvm_svm_fault_result(int ret, bool migrated)
{
	if (ret == -EAGAIN)
		return VSVM_FAULT_RETRY;
	if (ret)
		return VSVM_FAULT_FATAL;
	return migrated ? VSVM_FAULT_MIGRATED : VSVM_FAULT_MAPPED;
}

static void vsvm_svm_fault_service(struct vsvm_svm *svm, unsigned int gpu,
				   const struct vsvm_hw_ih_entry *e, struct vsvm_svm_fault *f,
				   unsigned int i)
{
	struct vsvm_svm_stats *stats = &svm->gpus[gpu].stats;
	u32 gpu_id = svm->gpus[gpu].vdev->gpu_id;
	struct vsvm_svm_attrs attrs;
	bool migrated = false;
	u64 start, end;
	int ret;

	lockdep_assert_held(&svm->lock);
	f[i].state = VSVM_SVM_FAULT_REPLAY;
	if (vsvm_svm_fault_mapped(e, f, i)) {
		atomic64_inc(&stats->duplicates);
		return;
	}
	vsvm_event_fault_start(svm->pid, gpu_id, e[i].va, e[i].access);
	ret = -EFAULT;
	if (!vsvm_svm_fault_window(svm, gpu, &e[i], &attrs, &start, &end))
		goto fatal;
	if (!vsvm_svm_gem_clip(svm, gpu, e[i].va, &start, &end)) {
		/* Bound since it was routed (a bind takes svm->lock) */
		vsvm_event_fault_end(svm->pid, gpu_id, e[i].va, e[i].access, VSVM_FAULT_FATAL);
		vsvm_queue_fault(f[i].q, &e[i]);
		return;
	}
	ret = vsvm_svm_map_fault(svm, gpu, &e[i], &attrs, &start, &end, &migrated);
	if (ret && ret != -EAGAIN)
		goto fatal;
	atomic64_inc(&stats->faults);
	if (!ret) {
		f[i].state = VSVM_SVM_FAULT_MAPPED;
		f[i].start = start;
		f[i].end = end;
	}
	vsvm_event_fault_end(svm->pid, gpu_id, e[i].va, e[i].access,
			     vsvm_svm_fault_result(ret, migrated));
	return;

fatal:
	vsvm_event_fault_end(svm->pid, gpu_id, e[i].va, e[i].access,
			     vsvm_svm_fault_result(ret, migrated));
	vsvm_queue_fail_fault(f[i].q, e[i].va, e[i].access);
	atomic64_inc(&stats->fatal);
}

static bool vsvm_svm_fault_in(const struct vsvm_svm_fault *f, struct vsvm_svm *svm)
{
	return f->state == VSVM_SVM_FAULT_PENDING && f->q->vm->svm == svm;
}

/* Services the pending faults of the process context of entry @first */
static void vsvm_svm_fault_group(struct vsvm_device *vdev, const struct vsvm_hw_ih_entry *e,
				 struct vsvm_svm_fault *f, unsigned int n, unsigned int first)
{
	struct vsvm_svm *svm = f[first].q->vm->svm;
	struct vsvm_svm_stats *stats = &svm->gpus[vdev->index].stats;
	unsigned int i;

	atomic64_inc(&stats->batches);
	if (!mmget_not_zero(svm->mm)) {
		/* The process is exiting */
		for (i = first; i < n; i++) {
			if (!vsvm_svm_fault_in(&f[i], svm))
				continue;
			f[i].state = VSVM_SVM_FAULT_REPLAY;
			vsvm_queue_fail_fault(f[i].q, e[i].va, e[i].access);
			atomic64_inc(&stats->fatal);
		}
		return;
	}

	mutex_lock(&svm->lock);
	vsvm_svm_gc_flush(svm);
	for (i = first; i < n; i++) {
		if (vsvm_svm_fault_in(&f[i], svm))
			vsvm_svm_fault_service(svm, vdev->index, e, f, i);
	}
	mutex_unlock(&svm->lock);
	/* A last reference tears the mm down in another worker, not in this one */
	mmput_async(svm->mm);
}

/* Replays each VM with SVM faults in the batch once, and drops the queues */
static void vsvm_svm_fault_finish(struct vsvm_svm_fault *f, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		if (f[i].state == VSVM_SVM_FAULT_DONE)
			continue;
		for (j = 0; j < i; j++) {
			if (f[j].state != VSVM_SVM_FAULT_DONE && f[j].q->vm == f[i].q->vm)
				break;
		}
		if (j == i)
			vsvm_vm_replay(f[i].q->vm);
	}
	for (i = 0; i < n; i++) {
		if (f[i].q)
			vsvm_queue_put(f[i].q);
	}
}

static void vsvm_svm_fault_run(struct vsvm_device *vdev, const struct vsvm_hw_ih_entry *e,
			       struct vsvm_svm_fault *f, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		vsvm_svm_fault_route(vdev, e, f, i);
	for (i = 0; i < n; i++) {
		if (f[i].state == VSVM_SVM_FAULT_PENDING)
			vsvm_svm_fault_group(vdev, e, f, n, i);
	}
	vsvm_svm_fault_finish(f, n);
}

/**
 * vsvm_svm_fault_batch() - service a batch of fault entries of one GPU
 * @vdev: the GPU
 * @e: the entries, in ring order, all of type %VSVM_HW_IH_FAULT
 * @n: number of entries
 *
 * Routes each entry to the classic path or to the SVM fault service, maps
 * the windows of the SVM faults, fails the queues of fatal ones and replays
 * every VM with SVM faults once (see the DOC block above). Process context;
 * called only by the interrupt worker, with no lock held.
 */
void vsvm_svm_fault_batch(struct vsvm_device *vdev, const struct vsvm_hw_ih_entry *e,
			  unsigned int n)
{
	struct vsvm_svm_fault *f, one;
	unsigned int i;

	if (!n)
		return;
	/* VRAM this batch fills stays until its replay (vsvm_svm_bo_evictable()) */
	WRITE_ONCE(vdev->fault_seq, ++vdev->fault_batches);
	f = kmalloc_array(n, sizeof(*f), GFP_KERNEL | __GFP_NOWARN);
	if (f) {
		vsvm_svm_fault_run(vdev, e, f, n);
		kfree(f);
	} else {
		/* Out of memory: one entry per batch */
		for (i = 0; i < n; i++)
			vsvm_svm_fault_run(vdev, &e[i], &one, 1);
	}
	WRITE_ONCE(vdev->fault_seq, 0);
}
