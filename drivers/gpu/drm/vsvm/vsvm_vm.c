// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: GPU VMs and buffer-object bindings
 *
 * Each open file has one GPU VM (&struct vsvm_vm): a hardware page table and
 * an interval tree of bindings (&struct vsvm_binding). DRM_IOCTL_VSVM_VM_BIND
 * maps a range of a buffer object at a GPU virtual address, readable and
 * executable, and unless read-only also writable and atomic; DRM_IOCTL_VSVM_VM_UNBIND removes
 * exactly one binding. A binding holds a GEM reference on its object and sits
 * on the object's &vsvm_bo.bindings list, so that a move of the object can
 * find every mapping of it.
 *
 * Page-table entries come from vsvm_bo_ptes(). A 2 MiB block of the VA range
 * gets one 2 MiB entry when the block lies wholly in the binding, its object
 * offset is 2 MiB aligned and its 512 pages are one contiguous, 2 MiB
 * aligned run of the same memory; every other page gets a 4 KiB entry.
 *
 * Moves: the memory code calls vsvm_vm_bo_move_begin() and
 * vsvm_vm_bo_move_end() around every TTM move of an object, with the object's
 * reservation held. Begin suspends every queue of the VM of every binding of
 * the object (once per binding, the hardware nests suspends), so no compute
 * unit touches the object while it moves. End rewrites the entries of each
 * live binding from the new placement (or clears them when the object has no
 * pages any more), flushes the TLBs and resumes the queues, again once per
 * binding. Both walk the same list: the list only changes under the
 * reservation, which is held from begin to end, so suspends and resumes
 * balance even when an unbind marks a binding dead in between. A queue
 * created between the two is suspended &vsvm_vm.suspend_depth times.
 *
 * Unbind marks the binding dead, takes it out of the tree, clears its entries
 * and flushes the TLBs, all under &vsvm_vm.lock, so that once the ioctl
 * returns no compute unit can reach the memory. It then takes the object's
 * reservation to unlink the binding and drops the GEM reference.
 *
 * LOCKING
 *
 * Order: &vsvm_svm.lock, the buffer object's dma_resv lock, &vsvm_vm.lock,
 * &vsvm_vm.pt_lock, &vsvm_svm.notifier_lock, &vsvm_vm.queues_lock, then
 * the hardware's internal locks (vsvm_svm.c documents the whole order).
 *
 * &vsvm_vm.lock protects the tree, the dead flags, &vsvm_vm.suspend_depth
 * and the entry writes of bindings, and serialises the operations on the
 * VM's hardware queues (vsvm_queue.c takes it for those). &vsvm_vm.queues
 * changes under both &vsvm_vm.lock and &vsvm_vm.queues_lock, so either lock
 * keeps it stable; the SVM code suspends the queues under the latter only,
 * from the MMU notifier. &vsvm_bo.bindings is protected by the object's
 * reservation. Binding validates the object under its reservation before
 * taking &vsvm_vm.lock, since validation may move and evict objects, which
 * takes &vsvm_vm.lock of their VMs; it takes &vsvm_svm.lock first, so no SVM
 * fault mirrors the range while it is bound.
 *
 * Page tables: vm_prepare() allocates tables with GFP_KERNEL under
 * &vsvm_vm.pt_lock, which is held until the entries that need them are
 * written; vm_trim() frees tables under &vsvm_vm.pt_lock and the SVM
 * context's notifier lock (vsvm_vm_trim()), so that neither a binding's nor
 * an SVM range's writes, nor the MMU notifier's clears, walk a freed table.
 * Entry writes of bindings (under &vsvm_vm.lock) and of SVM ranges (under
 * the notifier lock) touch disjoint entries, as bindings and SVM ranges
 * never overlap. Nothing takes &vsvm_vm.lock or &vsvm_vm.pt_lock in reclaim,
 * and no holder waits for a fence. The fault worker and the schedulers'
 * run_job and timeout handlers take &vsvm_vm.lock, so no holder may wait on
 * a dispatch.
 */

#include <linux/dma-resv.h>
#include <linux/interval_tree.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include <drm/drm_file.h>
#include <uapi/drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_queue.h"
#include "vsvm_svm.h"
#include "vsvm_vm.h"

#define VSVM_VM_PTES_PER_HUGE	(SZ_2M >> VSVM_HW_PAGE_SHIFT)

/**
 * vsvm_vm_create() - create the GPU VM of a file
 * @vdev: the GPU
 *
 * Return: the VM with one reference, or an ERR_PTR.
 */
struct vsvm_vm *vsvm_vm_create(struct vsvm_device *vdev)
{
	struct vsvm_hw_vm *hw;
	struct vsvm_vm *vm;
	int ret;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return ERR_PTR(-ENOMEM);

	/* Reserve the id; the VM is stored once it is complete */
	ret = xa_alloc(&vdev->vms, &vm->vmid, NULL, XA_LIMIT(1, U32_MAX), GFP_KERNEL);
	if (ret)
		goto err_free;

	hw = vdev->hw_ops->vm_create(vdev->hw, vm->vmid);
	if (IS_ERR(hw)) {
		ret = PTR_ERR(hw);
		goto err_erase;
	}

	vm->vdev = vdev;
	vm->hw = hw;
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	mutex_init(&vm->pt_lock);
	mutex_init(&vm->queues_lock);
	vm->bindings = RB_ROOT_CACHED;
	INIT_LIST_HEAD(&vm->queues);
	INIT_LIST_HEAD(&vm->svm_link);
	/* Replaces the reservation: needs no memory, cannot fail */
	xa_store(&vdev->vms, vm->vmid, vm, GFP_KERNEL);
	return vm;

err_erase:
	xa_erase(&vdev->vms, vm->vmid);
err_free:
	kfree(vm);
	return ERR_PTR(ret);
}

/**
 * vsvm_vm_get() - take a reference on a VM
 * @vm: the VM
 *
 * Return: @vm.
 */
struct vsvm_vm *vsvm_vm_get(struct vsvm_vm *vm)
{
	kref_get(&vm->ref);
	return vm;
}

static void vsvm_vm_release(struct kref *ref)
{
	struct vsvm_vm *vm = container_of(ref, struct vsvm_vm, ref);
	struct vsvm_device *vdev = vm->vdev;

	WARN_ON(!RB_EMPTY_ROOT(&vm->bindings.rb_root));
	WARN_ON(!list_empty(&vm->queues));
	xa_erase(&vdev->vms, vm->vmid);
	vdev->hw_ops->vm_destroy(vm->hw);
	mutex_destroy(&vm->queues_lock);
	mutex_destroy(&vm->pt_lock);
	mutex_destroy(&vm->lock);
	kfree(vm);
}

/**
 * vsvm_vm_put() - drop a reference on a VM
 * @vm: the VM
 *
 * The last reference frees the hardware VM; every binding must be gone by
 * then (vsvm_vm_unbind_all()) and every queue destroyed.
 */
void vsvm_vm_put(struct vsvm_vm *vm)
{
	kref_put(&vm->ref, vsvm_vm_release);
}

static struct vsvm_binding *vsvm_binding_of(struct interval_tree_node *node)
{
	return node ? container_of(node, struct vsvm_binding, node) : NULL;
}

static u64 vsvm_binding_size(const struct vsvm_binding *b)
{
	return b->node.last - b->node.start + 1;
}

/* Whether 512 entries are one 2 MiB aligned, contiguous run of one memory */
static bool vsvm_ptes_contiguous(const u64 *ptes)
{
	unsigned int i;

	if (!IS_ALIGNED(ptes[0] & VSVM_PTE_ADDR_MASK, SZ_2M))
		return false;
	for (i = 1; i < VSVM_VM_PTES_PER_HUGE; i++)
		if (ptes[i] != ptes[0] + ((u64)i << VSVM_HW_PAGE_SHIFT))
			return false;
	return true;
}

/*
 * Write the entries of @b from its object's placement, one 2 MiB block of the
 * VA range at a time, through the 512-entry buffer @ptes.
 */
static int vsvm_binding_write_ptes(struct vsvm_binding *b, u64 *ptes)
{
	struct vsvm_vm *vm = b->vm;
	const struct vsvm_hw_ops *ops = vm->vdev->hw_ops;
	bool huge_ok = vm->vdev->caps.page_sizes & SZ_2M;
	u64 size = vsvm_binding_size(b), flags, pos;
	unsigned int i, n;
	int ret;

	lockdep_assert_held(&vm->lock);
	flags = VSVM_PTE_VALID | VSVM_PTE_READ | VSVM_PTE_EXEC;
	if (!b->read_only)
		flags |= VSVM_PTE_WRITE | VSVM_PTE_ATOMIC;

	for (pos = 0; pos < size; pos += (u64)n << VSVM_HW_PAGE_SHIFT) {
		u64 va = b->node.start + pos;
		u64 offset = b->bo_offset + pos;

		n = min_t(u64, SZ_2M - (va & (SZ_2M - 1)), size - pos) >> VSVM_HW_PAGE_SHIFT;
		ret = vsvm_bo_ptes(b->bo, offset, n, ptes);
		if (ret)
			return ret;

		if (huge_ok && n == VSVM_VM_PTES_PER_HUGE && IS_ALIGNED(offset, SZ_2M) &&
		    vsvm_ptes_contiguous(ptes)) {
			ptes[0] |= flags | VSVM_PTE_HUGE;
			ops->vm_write_ptes(vm->hw, va, ptes, 1, VSVM_HW_HUGE_SHIFT);
			continue;
		}
		for (i = 0; i < n; i++)
			ptes[i] |= flags;
		ops->vm_write_ptes(vm->hw, va, ptes, n, VSVM_HW_PAGE_SHIFT);
		cond_resched();
	}
	return 0;
}

/*
 * Map @b from its object's current placement. On failure (no memory for page
 * tables, or an object without pages) the range is left cleared. Does not
 * flush TLBs.
 */
static int vsvm_binding_map(struct vsvm_binding *b)
{
	struct vsvm_vm *vm = b->vm;
	const struct vsvm_hw_ops *ops = vm->vdev->hw_ops;
	u64 size = vsvm_binding_size(b);
	u64 *ptes;
	int ret;

	lockdep_assert_held(&vm->lock);
	ptes = kmalloc_array(VSVM_VM_PTES_PER_HUGE, sizeof(*ptes), GFP_KERNEL);
	if (!ptes)
		return -ENOMEM;
	mutex_lock(&vm->pt_lock);
	ret = ops->vm_prepare(vm->hw, b->node.start, size, GFP_KERNEL_ACCOUNT);
	if (!ret)
		ret = vsvm_binding_write_ptes(b, ptes);
	mutex_unlock(&vm->pt_lock);
	if (ret)
		ops->vm_clear(vm->hw, b->node.start, size);
	kfree(ptes);
	return ret;
}

/*
 * Mark @b dead, take it out of the tree and out of the page table. When this
 * returns no compute unit can reach the memory through @b.
 */
static void vsvm_binding_unmap(struct vsvm_binding *b)
{
	struct vsvm_vm *vm = b->vm;
	const struct vsvm_hw_ops *ops = vm->vdev->hw_ops;
	u64 size = vsvm_binding_size(b);

	lockdep_assert_held(&vm->lock);
	b->dead = true;
	interval_tree_remove(&b->node, &vm->bindings);
	ops->vm_clear(vm->hw, b->node.start, size);
	ops->tlb_invalidate(vm->hw, b->node.start, size);
	mutex_lock(&vm->pt_lock);
	vsvm_vm_trim(vm, b->node.start, size);
	mutex_unlock(&vm->pt_lock);
}

/* Unlink an unmapped binding from its object and free it */
static void vsvm_binding_free(struct vsvm_binding *b)
{
	struct dma_resv *resv = b->bo->tbo.base.resv;

	dma_resv_lock(resv, NULL);
	list_del(&b->bo_link);
	dma_resv_unlock(resv);
	vsvm_bo_put(b->bo);
	kfree(b);
}

/* Map @b and add it to its VM, unless it overlaps a binding */
static int vsvm_vm_insert(struct vsvm_vm *vm, struct vsvm_binding *b)
{
	int ret;

	mutex_lock(&vm->lock);
	if (interval_tree_iter_first(&vm->bindings, b->node.start, b->node.last)) {
		ret = -EEXIST;
	} else {
		ret = vsvm_binding_map(b);
		if (ret) {
			vm->vdev->hw_ops->tlb_invalidate(vm->hw, b->node.start,
							 vsvm_binding_size(b));
			mutex_lock(&vm->pt_lock);
			vsvm_vm_trim(vm, b->node.start, vsvm_binding_size(b));
			mutex_unlock(&vm->pt_lock);
		} else {
			interval_tree_insert(&b->node, &vm->bindings);
		}
	}
	mutex_unlock(&vm->lock);
	return ret;
}

static int vsvm_vm_bind_check(const struct vsvm_device *vdev,
			      const struct drm_vsvm_vm_bind *args)
{
	u64 end;

	if (args->flags & ~VSVM_BIND_READ_ONLY)
		return -EINVAL;
	if (!args->size || !IS_ALIGNED(args->va | args->bo_offset | args->size, SZ_4K))
		return -EINVAL;
	if (check_add_overflow(args->va, args->size, &end) ||
	    end > BIT_ULL(vdev->caps.va_bits))
		return -EINVAL;
	return 0;
}

static struct vsvm_binding *vsvm_binding_alloc(struct vsvm_vm *vm, struct vsvm_bo *bo,
					       const struct drm_vsvm_vm_bind *args)
{
	struct vsvm_binding *b;

	b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b)
		return NULL;
	b->node.start = args->va;
	b->node.last = args->va + args->size - 1;
	b->vm = vm;
	b->bo = bo;
	b->bo_offset = args->bo_offset;
	b->read_only = args->flags & VSVM_BIND_READ_ONLY;
	return b;
}

/**
 * vsvm_ioctl_vm_bind() - DRM_IOCTL_VSVM_VM_BIND
 * @drm: DRM device of the GPU
 * @data: &struct drm_vsvm_vm_bind, kernel copy
 * @file: the caller's DRM file
 *
 * Validates the object (so it has a placement the GPU can map) under its
 * reservation, then maps it under &vsvm_vm.lock. The binding keeps the GEM
 * reference of the lookup. Memory the GPU had mirrored for SVM in the range
 * is unmapped first; the SVM context's lock is held throughout so that no
 * SVM fault maps it again.
 *
 * Return: 0; -EINVAL for unknown flags, an unaligned or empty range, a range
 * past the object or past the VA space; -ENOENT for an unknown handle;
 * -EEXIST if the range overlaps a binding; -EADDRINUSE if it overlaps SVM
 * attributes the process set; -ENOMEM, -EINTR or an error of the object's
 * validation.
 */
int vsvm_ioctl_vm_bind(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vsvm_vm *vm = to_vsvm_file(file)->vm;
	struct drm_vsvm_vm_bind *args = data;
	struct vsvm_binding *b;
	struct dma_resv *resv;
	struct vsvm_bo *bo;
	u64 bo_end;
	int ret;

	ret = vsvm_vm_bind_check(to_vsvm_device(drm), args);
	if (ret)
		return ret;

	bo = vsvm_bo_lookup(file, args->handle);
	if (!bo)
		return -ENOENT;
	if (check_add_overflow(args->bo_offset, args->size, &bo_end) ||
	    bo_end > bo->tbo.base.size) {
		ret = -EINVAL;
		goto err_put;
	}
	b = vsvm_binding_alloc(vm, bo, args);
	if (!b) {
		ret = -ENOMEM;
		goto err_put;
	}

	resv = bo->tbo.base.resv;
	mutex_lock(&vm->svm->lock);
	ret = vsvm_svm_bind_check(vm, b->node.start, b->node.last);
	if (!ret)
		ret = dma_resv_lock_interruptible(resv, NULL);
	if (ret) {
		mutex_unlock(&vm->svm->lock);
		goto err_free;
	}
	ret = vsvm_bo_validate(bo);
	if (!ret)
		ret = vsvm_vm_insert(vm, b);
	if (!ret)
		list_add_tail(&b->bo_link, &bo->bindings);
	dma_resv_unlock(resv);
	mutex_unlock(&vm->svm->lock);
	if (ret)
		goto err_free;
	return 0;

err_free:
	kfree(b);
err_put:
	vsvm_bo_put(bo);
	return ret;
}

/**
 * vsvm_ioctl_vm_unbind() - DRM_IOCTL_VSVM_VM_UNBIND
 * @drm: DRM device of the GPU
 * @data: &struct drm_vsvm_vm_unbind, kernel copy
 * @file: the caller's DRM file
 *
 * When this returns, no compute unit can reach the memory through the
 * binding any more.
 *
 * Return: 0; -EINVAL for non-zero flags or pad; -ENOENT unless
 * [va, va + size) is exactly one binding.
 */
int vsvm_ioctl_vm_unbind(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vsvm_vm *vm = to_vsvm_file(file)->vm;
	struct drm_vsvm_vm_unbind *args = data;
	struct vsvm_binding *b;
	u64 end;

	if (args->flags || args->pad)
		return -EINVAL;
	if (!args->size || check_add_overflow(args->va, args->size, &end))
		return -ENOENT;

	mutex_lock(&vm->lock);
	b = vsvm_binding_of(interval_tree_iter_first(&vm->bindings, args->va, args->va));
	if (!b || b->node.start != args->va || b->node.last != end - 1) {
		mutex_unlock(&vm->lock);
		return -ENOENT;
	}
	vsvm_binding_unmap(b);
	mutex_unlock(&vm->lock);

	vsvm_binding_free(b);
	return 0;
}

/**
 * vsvm_vm_unbind_all() - remove every binding of a VM
 * @vm: the VM, of a file being closed
 *
 * Called from the file's postclose, after its queues were destroyed and
 * before its last reference on @vm is dropped.
 */
void vsvm_vm_unbind_all(struct vsvm_vm *vm)
{
	struct vsvm_binding *b;
	struct rb_node *rb;

	for (;;) {
		mutex_lock(&vm->lock);
		rb = rb_first_cached(&vm->bindings);
		if (!rb) {
			mutex_unlock(&vm->lock);
			return;
		}
		b = container_of(rb, struct vsvm_binding, node.rb);
		vsvm_binding_unmap(b);
		mutex_unlock(&vm->lock);
		vsvm_binding_free(b);
	}
}

/**
 * vsvm_vm_access_ok() - whether the VM now allows an access
 * @vm: the VM; the caller holds &vsvm_vm.lock
 * @va: GPU virtual address of the access
 * @access: VSVM_HW_ACCESS_* bits of the access
 *
 * Used by the fault handler to tell a fault that raced with a bind from a
 * fatal one. Both the binding and the page-table entry must allow the access:
 * a binding whose entries could not be rewritten after a move (out of memory)
 * would otherwise be replayed for ever.
 *
 * Return: true if a live binding covers @va and the entry translating @va
 * allows @access (vsvm_hw_pte_allows(); a read-only binding's entries lack
 * the write and atomic bits).
 */
bool vsvm_vm_access_ok(struct vsvm_vm *vm, u64 va, u32 access)
{
	struct vsvm_binding *b;
	unsigned int shift;

	lockdep_assert_held(&vm->lock);
	/* A read-only binding has read-only entries: the entry decides */
	b = vsvm_binding_of(interval_tree_iter_first(&vm->bindings, va, va));
	return b && vsvm_hw_pte_allows(vm->vdev->hw_ops->vm_read_pte(vm->hw, va, &shift), access);
}

/**
 * vsvm_vm_bound() - whether a binding overlaps a range
 * @vm: the VM
 * @start: first GPU virtual address
 * @last: last GPU virtual address
 *
 * Context: takes &vsvm_vm.lock.
 * Return: true if a live binding of @vm overlaps [@start, @last].
 */
bool vsvm_vm_bound(struct vsvm_vm *vm, u64 start, u64 last)
{
	bool bound;

	mutex_lock(&vm->lock);
	bound = interval_tree_iter_first(&vm->bindings, start, last);
	mutex_unlock(&vm->lock);
	return bound;
}

/**
 * vsvm_vm_trim() - free the page tables of a range that map nothing
 * @vm: the VM; the caller holds &vsvm_vm.pt_lock
 * @va: start of the range
 * @size: bytes
 *
 * Takes the SVM context's notifier lock around the hardware's vm_trim, so
 * that the MMU notifier never clears entries in a table being freed.
 */
void vsvm_vm_trim(struct vsvm_vm *vm, u64 va, u64 size)
{
	struct vsvm_svm *svm = vm->svm;

	lockdep_assert_held(&vm->pt_lock);
	if (svm)
		mutex_lock(&svm->notifier_lock);
	vm->vdev->hw_ops->vm_trim(vm->hw, va, size);
	if (svm)
		mutex_unlock(&svm->notifier_lock);
}

/**
 * vsvm_vm_replay() - let every wave stalled on a fault in the VM retry
 * @vm: the VM
 *
 * Records the time first, so that fault entries raised before the replay
 * are known to be answered by it (vsvm_queue_fault()).
 *
 * Context: takes &vsvm_vm.lock.
 */
void vsvm_vm_replay(struct vsvm_vm *vm)
{
	mutex_lock(&vm->lock);
	vm->last_replay_ns = ktime_get_ns();
	vm->vdev->hw_ops->vm_replay(vm->hw);
	mutex_unlock(&vm->lock);
}

/**
 * vsvm_vm_svm_suspend() - suspend the VM's queues for the SVM context
 * @vm: the VM
 *
 * Called when an invalidation unmapped memory that must stay mapped; a
 * queue created before vsvm_vm_svm_resume() starts suspended.
 *
 * Context: may be called from the MMU notifier; takes &vsvm_vm.queues_lock
 * and sleeps until no wave of the VM's queues executes.
 */
void vsvm_vm_svm_suspend(struct vsvm_vm *vm)
{
	const struct vsvm_hw_ops *ops = vm->vdev->hw_ops;
	struct vsvm_queue *q;

	mutex_lock(&vm->queues_lock);
	if (!WARN_ON_ONCE(vm->svm_suspended)) {
		vm->svm_suspended = true;
		list_for_each_entry(q, &vm->queues, vm_link)
			ops->queue_suspend(q->hw);
	}
	mutex_unlock(&vm->queues_lock);
}

/**
 * vsvm_vm_svm_resume() - undo vsvm_vm_svm_suspend()
 * @vm: the VM
 *
 * Context: takes &vsvm_vm.queues_lock; does not sleep otherwise.
 */
void vsvm_vm_svm_resume(struct vsvm_vm *vm)
{
	const struct vsvm_hw_ops *ops = vm->vdev->hw_ops;
	struct vsvm_queue *q;

	mutex_lock(&vm->queues_lock);
	if (vm->svm_suspended) {
		vm->svm_suspended = false;
		list_for_each_entry(q, &vm->queues, vm_link)
			ops->queue_resume(q->hw);
	}
	mutex_unlock(&vm->queues_lock);
}

static void vsvm_vm_suspend_queues(struct vsvm_vm *vm)
{
	const struct vsvm_hw_ops *ops = vm->vdev->hw_ops;
	struct vsvm_queue *q;

	lockdep_assert_held(&vm->lock);
	vm->suspend_depth++;
	list_for_each_entry(q, &vm->queues, vm_link)
		ops->queue_suspend(q->hw);
}

static void vsvm_vm_resume_queues(struct vsvm_vm *vm)
{
	const struct vsvm_hw_ops *ops = vm->vdev->hw_ops;
	struct vsvm_queue *q;

	lockdep_assert_held(&vm->lock);
	list_for_each_entry(q, &vm->queues, vm_link)
		ops->queue_resume(q->hw);
	vm->suspend_depth--;
}

/**
 * vsvm_vm_bo_move_begin() - an object is about to move
 * @bo: the object, its reservation held
 *
 * Suspends every queue of the VM of each binding of @bo, once per binding
 * (dead or not, so that vsvm_vm_bo_move_end() resumes as often).
 */
void vsvm_vm_bo_move_begin(struct vsvm_bo *bo)
{
	struct vsvm_binding *b;

	dma_resv_assert_held(bo->tbo.base.resv);
	list_for_each_entry(b, &bo->bindings, bo_link) {
		mutex_lock(&b->vm->lock);
		vsvm_vm_suspend_queues(b->vm);
		mutex_unlock(&b->vm->lock);
	}
}

/**
 * vsvm_vm_bo_move_end() - an object has moved
 * @bo: the object, its reservation held since vsvm_vm_bo_move_begin()
 *
 * Rewrites the entries of each live binding of @bo from its new placement,
 * or clears them if the object has no pages the GPU can map, flushes the
 * TLBs over the binding and resumes the queues suspended for it.
 */
void vsvm_vm_bo_move_end(struct vsvm_bo *bo)
{
	struct vsvm_binding *b;

	dma_resv_assert_held(bo->tbo.base.resv);
	list_for_each_entry(b, &bo->bindings, bo_link) {
		struct vsvm_vm *vm = b->vm;

		mutex_lock(&vm->lock);
		if (!b->dead) {
			/* A failed map leaves the range cleared: accesses fault */
			vsvm_binding_map(b);
			vm->vdev->hw_ops->tlb_invalidate(vm->hw, b->node.start,
							 vsvm_binding_size(b));
		}
		vsvm_vm_resume_queues(vm);
		mutex_unlock(&vm->lock);
	}
}
