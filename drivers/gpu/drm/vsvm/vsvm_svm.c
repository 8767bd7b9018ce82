// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: SVM process context
 *
 * Shared virtual memory lets the GPU use the process's own memory at the
 * CPU's addresses. Its state lives in one process context (&struct vsvm_svm)
 * per mm, shared by every vsvm GPU the process opened: the attribute tree
 * (vsvm_svm_attr.c), the mirror of the CPU page tables (vsvm_svm_mirror.c)
 * and, per GPU, the process's VMs on it. The GPU fault service is in
 * vsvm_svm_fault.c, migration between system memory and VRAM in
 * vsvm_svm_migrate.c and the VRAM pages in vsvm_svm_vram.c.
 *
 * Lifetime: the context is an mm notifier subscription found with
 * mmu_notifier_get(), so there is exactly one per mm; each open file holds a
 * reference and adds its VM to the context's GPU entry. When the process
 * exits (mm release), the mirror and the attributes are dropped; the
 * interval notifiers have unmapped every page already. When the last file
 * detaches, the mirror is torn down (notifiers removed, workers cancelled)
 * and the attributes freed; the structure itself is freed by the mm
 * notifier core once the last reference is put (mmu_notifier_put()).
 *
 * LOCKING
 *
 * The order, checked by lockdep::
 *
 *   vsvm_svm_list_lock (global: the list of contexts, for debugfs and counters)
 *     &vsvm_svm.lock
 *       mmap_lock
 *         (page locks of pages being migrated)
 *           buffer object dma_resv (SVM VRAM objects included)
 *             &vsvm_vm.lock
 *               &vsvm_vm.pt_lock
 *                 (memory reclaim)
 *                   &vsvm_svm.notifier_lock
 *                     &vsvm_vm.queues_lock
 *                       hardware-internal locks
 *
 * &vsvm_svm.lock serialises everything that changes the SVM state
 * structurally: attribute changes, fault service, the garbage collector and
 * the restore worker, and attaching and detaching VMs. It is taken before the
 * mmap lock (mmu_interval_notifier_insert() may take the mmap lock, so it is
 * called with &vsvm_svm.lock held and the mmap lock not held), and never by
 * the MMU notifier. &vsvm_svm.notifier_lock is the notifier lock of the
 * mirror: the interval notifiers take it, so nothing under it allocates
 * memory with reclaim, takes a dma_resv lock or waits for a fence; lockdep is
 * taught at creation that it may be taken in reclaim. Page-table memory is
 * allocated under &vsvm_vm.pt_lock, outside the notifier lock.
 *
 * A CPU fault on a VRAM page (the pagemap's migrate_to_ram) runs under the
 * mmap lock of whatever process touched it and takes none of these driver
 * locks, so a GPU fault path that holds &vsvm_svm.lock while
 * hmm_range_fault() waits for that CPU fault cannot deadlock with it. The
 * eviction of SVM VRAM objects runs under their dma_resv lock and takes
 * neither the mmap lock nor &vsvm_svm.lock.
 */

#include <linux/interval_tree.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <drm/drm_file.h>
#include <uapi/drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_event.h"
#include "vsvm_svm.h"
#include "vsvm_vm.h"

static DEFINE_MUTEX(vsvm_svm_list_lock);
static LIST_HEAD(vsvm_svm_list);

static struct vsvm_svm *to_vsvm_svm(struct mmu_notifier *mn)
{
	return container_of(mn, struct vsvm_svm, mn);
}

/* Teach lockdep that the notifier lock is taken in reclaim */
static void vsvm_svm_lockdep_prime(struct vsvm_svm *svm)
{
	if (!IS_ENABLED(CONFIG_LOCKDEP))
		return;
	fs_reclaim_acquire(GFP_KERNEL);
	might_lock(&svm->notifier_lock);
	fs_reclaim_release(GFP_KERNEL);
}

static struct mmu_notifier *vsvm_svm_alloc_notifier(struct mm_struct *mm)
{
	struct vsvm_svm *svm;
	unsigned int i;

	svm = kzalloc(sizeof(*svm), GFP_KERNEL);
	if (!svm)
		return ERR_PTR(-ENOMEM);
	svm->vram_stats = vsvm_svm_vram_stats_alloc();
	if (!svm->vram_stats) {
		kfree(svm);
		return ERR_PTR(-ENOMEM);
	}
	svm->mm = mm;
	svm->pid = task_tgid_nr(current);
	svm->vram_stats->pid = svm->pid;
	get_task_comm(svm->comm, current);
	INIT_LIST_HEAD(&svm->link);
	mutex_init(&svm->lock);
	mutex_init(&svm->notifier_lock);
	svm->retry = true;
	svm->attrs = RB_ROOT_CACHED;
	for (i = 0; i < VSVM_MAX_GPUS; i++)
		INIT_LIST_HEAD(&svm->gpus[i].vms);
	vsvm_svm_mirror_init(svm);
	vsvm_svm_prefetch_init(svm);
	vsvm_svm_lockdep_prime(svm);
	return &svm->mn;
}

static void vsvm_svm_free_notifier(struct mmu_notifier *mn)
{
	struct vsvm_svm *svm = to_vsvm_svm(mn);

	vsvm_svm_vram_stats_put(svm->vram_stats);
	mutex_destroy(&svm->notifier_lock);
	mutex_destroy(&svm->lock);
	kfree(svm);
}

/*
 * The process exits: its memory is gone. The interval notifiers have
 * unmapped every page (MMU_NOTIFY_RELEASE); drop the ranges and the
 * attributes now rather than at the last close.
 */
static void vsvm_svm_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct vsvm_svm *svm = to_vsvm_svm(mn);

	mutex_lock(&svm->lock);
	vsvm_svm_mirror_drop(svm, 0, ULONG_MAX);
	vsvm_svm_attr_fini(svm);
	mutex_unlock(&svm->lock);
}

static const struct mmu_notifier_ops vsvm_svm_mn_ops = {
	.release = vsvm_svm_release,
	.alloc_notifier = vsvm_svm_alloc_notifier,
	.free_notifier = vsvm_svm_free_notifier,
};

/**
 * vsvm_svm_file_attach() - join the calling process's SVM context
 * @vfile: a file being opened; its VM exists
 *
 * Finds or creates the context of current->mm and adds the file's VM to
 * the context's entry for the file's GPU. A VM joining while the process's
 * queues are suspended for an invalidation starts suspended, and gets the
 * entries the GPU has mirrored so far.
 *
 * Context: process context of the opener; takes vsvm_svm_list_lock,
 * &vsvm_svm.lock and the mmap lock (mmu_notifier_get()).
 * Return: 0 or -errno.
 */
int vsvm_svm_file_attach(struct vsvm_file *vfile)
{
	struct vsvm_device *vdev = vfile->vdev;
	struct vsvm_vm *vm = vfile->vm;
	struct mmu_notifier *mn;
	struct vsvm_svm *svm;

	if (!current->mm)
		return -EINVAL;
	mn = mmu_notifier_get(&vsvm_svm_mn_ops, current->mm);
	if (IS_ERR(mn))
		return PTR_ERR(mn);
	svm = to_vsvm_svm(mn);

	mutex_lock(&vsvm_svm_list_lock);
	mutex_lock(&svm->lock);
	if (!svm->nfiles++)
		list_add_tail(&svm->link, &vsvm_svm_list);
	mutex_lock(&svm->notifier_lock);
	vm->svm = svm;
	svm->gpus[vdev->index].vdev = vdev;
	list_add_tail(&vm->svm_link, &svm->gpus[vdev->index].vms);
	if (svm->evicted)
		vsvm_vm_svm_suspend(vm);
	mutex_unlock(&svm->notifier_lock);
	vsvm_svm_mirror_vm_attach(svm, vm);
	mutex_unlock(&svm->lock);
	mutex_unlock(&vsvm_svm_list_lock);

	vfile->svm = svm;
	return 0;
}

/*
 * Take @vm off its GPU entry; the last VM of a GPU gives the GPU's DMA
 * mappings back. Returns true when this was the context's last file.
 */
static bool vsvm_svm_detach_locked(struct vsvm_svm *svm, struct vsvm_vm *vm)
{
	unsigned int gpu = vm->vdev->index;
	bool last_vm;

	lockdep_assert_held(&svm->lock);
	mutex_lock(&svm->notifier_lock);
	list_del_init(&vm->svm_link);
	last_vm = list_empty(&svm->gpus[gpu].vms);
	mutex_unlock(&svm->notifier_lock);
	if (last_vm) {
		vsvm_svm_mirror_gpu_detach(svm, gpu);
		svm->gpus[gpu].vdev = NULL;
	}
	vm->svm = NULL;
	return !--svm->nfiles;
}

/**
 * vsvm_svm_file_detach() - leave the SVM context at the file's last close
 * @vfile: the file; its queues were destroyed and its bindings removed
 *
 * The last file of the context tears the mirror down and frees the
 * attributes. The fault worker of the file's GPU is flushed before the
 * reference is dropped, so that it no longer uses the context through a
 * queue of this file.
 *
 * Context: process context; takes vsvm_svm_list_lock and &vsvm_svm.lock.
 */
void vsvm_svm_file_detach(struct vsvm_file *vfile)
{
	struct vsvm_svm *svm = vfile->svm;
	bool last;

	mutex_lock(&vsvm_svm_list_lock);
	mutex_lock(&svm->lock);
	last = vsvm_svm_detach_locked(svm, vfile->vm);
	if (last) {
		list_del_init(&svm->link);
		mutex_lock(&svm->notifier_lock);
		svm->evicted = false;
		mutex_unlock(&svm->notifier_lock);
	}
	mutex_unlock(&svm->lock);
	mutex_unlock(&vsvm_svm_list_lock);

	flush_work(&vfile->vdev->ih_work);
	if (last) {
		flush_work(&svm->prefetch_work);
		vsvm_svm_mirror_fini(svm);
		mutex_lock(&svm->lock);
		vsvm_svm_attr_fini(svm);
		mutex_unlock(&svm->lock);
	}
	vfile->svm = NULL;
	mmu_notifier_put(&svm->mn);
}

/**
 * vsvm_svm_gpu_index() - the GPU index of a gpu_id the process opened
 * @svm: the context; the caller holds &vsvm_svm.lock
 * @gpu_id: a gpu_id from user space
 *
 * Return: the GPU's &vsvm_device.index, or -EINVAL if the process has no
 * VM on a GPU with that id.
 */
int vsvm_svm_gpu_index(struct vsvm_svm *svm, u32 gpu_id)
{
	unsigned int i;

	lockdep_assert_held(&svm->lock);
	for (i = 0; i < VSVM_MAX_GPUS; i++)
		if (svm->gpus[i].vdev && svm->gpus[i].vdev->gpu_id == gpu_id)
			return i;
	return -EINVAL;
}

/**
 * vsvm_svm_gpu_mask() - the GPUs the process has VMs on
 * @svm: the context; the caller holds &vsvm_svm.lock
 *
 * Return: a bitmask of &vsvm_device.index values.
 */
unsigned long vsvm_svm_gpu_mask(struct vsvm_svm *svm)
{
	unsigned long mask = 0;
	unsigned int i;

	lockdep_assert_held(&svm->lock);
	for (i = 0; i < VSVM_MAX_GPUS; i++)
		if (svm->gpus[i].vdev)
			mask |= BIT(i);
	return mask;
}

/**
 * vsvm_svm_check_caller() - whether the caller may use a file's SVM context
 * @vfile: the file
 *
 * The SVM context mirrors the address space of the process that opened the
 * file; another process (a child that inherited the file) must open the GPU
 * itself.
 *
 * Return: 0, or -EBADF if current is not in the opener's mm.
 */
int vsvm_svm_check_caller(struct vsvm_file *vfile)
{
	return vfile->svm->mm == current->mm ? 0 : -EBADF;
}

/**
 * vsvm_svm_gem_overlap() - whether a buffer-object binding overlaps a range
 * @svm: the context; the caller holds &vsvm_svm.lock
 * @start: first byte
 * @last: last byte
 *
 * Return: true if a binding in any of the process's VMs overlaps
 * [@start, @last].
 */
bool vsvm_svm_gem_overlap(struct vsvm_svm *svm, u64 start, u64 last)
{
	struct vsvm_vm *vm;
	unsigned int i;

	lockdep_assert_held(&svm->lock);
	for (i = 0; i < VSVM_MAX_GPUS; i++)
		list_for_each_entry(vm, &svm->gpus[i].vms, svm_link)
			if (vsvm_vm_bound(vm, start, last))
				return true;
	return false;
}

/* Shrink [*start, *end) around @addr to avoid @vm's bindings; vm->lock held */
static bool vsvm_svm_vm_clip(struct vsvm_vm *vm, u64 addr, u64 *start, u64 *end)
{
	struct interval_tree_node *it;

	lockdep_assert_held(&vm->lock);
	for (it = interval_tree_iter_first(&vm->bindings, *start, *end - 1); it;
	     it = interval_tree_iter_next(it, *start, *end - 1)) {
		if (it->start <= addr && addr <= it->last)
			return false;
		if (it->last < addr)
			*start = max(*start, it->last + 1);
		else
			*end = min(*end, it->start);
	}
	return true;
}

/**
 * vsvm_svm_gem_clip() - keep an SVM window clear of buffer-object bindings
 * @svm: the context; the caller holds &vsvm_svm.lock
 * @gpu: GPU index whose VMs are checked
 * @addr: the faulting address, inside [*@start, *@end)
 * @start: first byte of the window, raised past bindings below @addr
 * @end: end of the window (exclusive), lowered to bindings above @addr
 *
 * Return: false if a binding covers @addr itself.
 */
bool vsvm_svm_gem_clip(struct vsvm_svm *svm, unsigned int gpu, u64 addr, u64 *start, u64 *end)
{
	struct vsvm_vm *vm;
	bool ok = true;

	lockdep_assert_held(&svm->lock);
	list_for_each_entry(vm, &svm->gpus[gpu].vms, svm_link) {
		mutex_lock(&vm->lock);
		ok = vsvm_svm_vm_clip(vm, addr, start, end);
		mutex_unlock(&vm->lock);
		if (!ok)
			break;
	}
	return ok;
}

/**
 * vsvm_svm_bind_check() - make room for a buffer-object binding
 * @vm: the VM the binding goes into
 * @start: first byte of the binding
 * @last: last byte
 *
 * A binding may not overlap memory the process gave SVM attributes to; SVM
 * memory the GPU merely mirrored there (after faults) is unmapped, since the
 * binding takes its place in the GPU's address space.
 *
 * Context: the caller holds &vsvm_svm.lock of @vm's context, and keeps it
 * until the binding is in the VM's tree.
 * Return: 0 or -EADDRINUSE.
 */
int vsvm_svm_bind_check(struct vsvm_vm *vm, u64 start, u64 last)
{
	struct vsvm_svm *svm = vm->svm;

	lockdep_assert_held(&svm->lock);
	vsvm_svm_gc_flush(svm);
	if (vsvm_svm_attr_overlap(svm, start, last))
		return -EADDRINUSE;
	vsvm_svm_mirror_drop(svm, start, last);
	return 0;
}

/* Whether @vm has a queue; under the notifier lock, which orders before queues_lock */
static bool vsvm_svm_vm_has_queues(struct vsvm_vm *vm)
{
	bool busy;

	mutex_lock(&vm->queues_lock);
	busy = !list_empty(&vm->queues);
	mutex_unlock(&vm->queues_lock);
	return busy;
}

/**
 * vsvm_svm_suspend_queues() - suspend every queue of the process
 * @svm: the context; the caller holds &vsvm_svm.notifier_lock
 *
 * Used when an invalidation unmaps memory that must stay mapped (no-retry
 * mode, GPU_ALWAYS_MAPPED); vsvm_svm_resume_queues() undoes it. Emits a
 * QUEUE_SUSPEND event per GPU on which the process has queues.
 */
void vsvm_svm_suspend_queues(struct vsvm_svm *svm)
{
	struct vsvm_vm *vm;
	unsigned int i;
	u32 gpu_id;
	bool busy;

	lockdep_assert_held(&svm->notifier_lock);
	for (i = 0; i < VSVM_MAX_GPUS; i++) {
		busy = false;
		list_for_each_entry(vm, &svm->gpus[i].vms, svm_link) {
			vsvm_vm_svm_suspend(vm);
			busy |= vsvm_svm_vm_has_queues(vm);
			gpu_id = vm->vdev->gpu_id;
		}
		if (busy)
			vsvm_event_queue_suspend(svm->pid, gpu_id, VSVM_QUEUE_TRIGGER_INVALIDATION);
	}
}

/**
 * vsvm_svm_resume_queues() - resume the queues vsvm_svm_suspend_queues() stopped
 * @svm: the context; the caller holds &vsvm_svm.notifier_lock
 *
 * Emits a QUEUE_RESUME event per GPU on which the process has queues.
 */
void vsvm_svm_resume_queues(struct vsvm_svm *svm)
{
	struct vsvm_vm *vm;
	unsigned int i;
	u32 gpu_id;
	bool busy;

	lockdep_assert_held(&svm->notifier_lock);
	for (i = 0; i < VSVM_MAX_GPUS; i++) {
		busy = false;
		list_for_each_entry(vm, &svm->gpus[i].vms, svm_link) {
			vsvm_vm_svm_resume(vm);
			busy |= vsvm_svm_vm_has_queues(vm);
			gpu_id = vm->vdev->gpu_id;
		}
		if (busy)
			vsvm_event_queue_resume(svm->pid, gpu_id, VSVM_QUEUE_TRIGGER_INVALIDATION);
	}
}

/* Whether any VM of the process has a queue */
static bool vsvm_svm_has_queues(struct vsvm_svm *svm)
{
	struct vsvm_vm *vm;
	unsigned int i;
	bool busy;

	lockdep_assert_held(&svm->lock);
	for (i = 0; i < VSVM_MAX_GPUS; i++) {
		list_for_each_entry(vm, &svm->gpus[i].vms, svm_link) {
			mutex_lock(&vm->lock);
			busy = !list_empty(&vm->queues);
			mutex_unlock(&vm->lock);
			if (busy)
				return true;
		}
	}
	return false;
}

/*
 * Retry mode was switched off: map every range that gives a GPU access,
 * walking the attribute tree by address (gaps have no access now).
 */
static int vsvm_svm_map_registered(struct vsvm_svm *svm)
{
	unsigned long gpus = vsvm_svm_gpu_mask(svm);
	struct vsvm_svm_attrs a;
	u64 addr = 0, start, last;
	unsigned int gpu;
	int ret = 0, err;

	while (addr < TASK_SIZE) {
		vsvm_svm_attr_lookup(svm, addr, &a, &start, &last);
		for_each_set_bit(gpu, &gpus, VSVM_MAX_GPUS) {
			if (!((a.access | a.access_in_place) & BIT(gpu)))
				continue;
			err = vsvm_svm_map(svm, gpu, addr, last + 1, VSVM_HW_ACCESS_READ, &a);
			if (err && !ret)
				ret = err;
		}
		addr = last + 1;
		cond_resched();
	}
	return ret;
}

/* Switch the retry mode; svm->lock held, the process has no queues */
static int vsvm_svm_set_retry(struct vsvm_svm *svm, bool retry)
{
	int ret = 0;

	lockdep_assert_held(&svm->lock);
	if (svm->retry == retry)
		return 0;
	svm->retry = retry;
	/* Mappings made under the other mode's rules are dropped */
	vsvm_svm_mirror_drop(svm, 0, ULONG_MAX);
	if (!retry && mmget_not_zero(svm->mm)) {
		ret = vsvm_svm_map_registered(svm);
		mmput(svm->mm);
	}
	return ret;
}

/**
 * vsvm_ioctl_svm_retry() - DRM_IOCTL_VSVM_SVM_RETRY
 * @drm: DRM device of the GPU
 * @data: &struct drm_vsvm_svm_retry, kernel copy
 * @file: the caller's DRM file
 *
 * Queries or sets the retry mode of the caller's process (all its GPUs).
 * Switching drops what the GPUs mirrored; switching retry off maps every
 * range that gives a GPU access.
 *
 * Return: 0; -EINVAL for a bad mode or flags; -EBADF if the caller did not
 * open the file; -EBUSY if the process has queues; an error of mapping the
 * registered ranges (the mode is switched all the same).
 */
int vsvm_ioctl_svm_retry(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vsvm_file *vfile = to_vsvm_file(file);
	struct drm_vsvm_svm_retry *args = data;
	struct vsvm_svm *svm = vfile->svm;
	int ret;

	if (args->flags || args->mode < -1 || args->mode > 1)
		return -EINVAL;
	ret = vsvm_svm_check_caller(vfile);
	if (ret)
		return ret;

	mutex_lock(&svm->lock);
	if (args->mode >= 0 && args->mode != svm->retry) {
		if (vsvm_svm_has_queues(svm))
			ret = -EBUSY;
		else
			ret = vsvm_svm_set_retry(svm, args->mode);
	}
	args->mode = svm->retry;
	mutex_unlock(&svm->lock);
	return ret;
}

static void vsvm_svm_show_vram_stats(struct seq_file *m, struct vsvm_svm *svm, unsigned int gpu)
{
	const struct vsvm_svm_vram_count *c = &svm->vram_stats->gpu[gpu];

	seq_printf(m, "%d.pages_in: %lld\n", svm->pid, atomic64_read(&c->pages_in));
	seq_printf(m, "%d.pages_out: %lld\n", svm->pid, atomic64_read(&c->pages_out));
	seq_printf(m, "%d.cpu_faults: %lld\n", svm->pid, atomic64_read(&c->cpu_faults));
	seq_printf(m, "%d.vram_evictions: %lld\n", svm->pid, atomic64_read(&c->vram_evictions));
	seq_printf(m, "%d.bytes_copied: %lld\n", svm->pid, atomic64_read(&c->bytes_copied));
	seq_printf(m, "%d.vram_pages: %lld\n", svm->pid, atomic64_read(&c->vram_pages));
}

static void vsvm_svm_show_stats(struct seq_file *m, struct vsvm_svm *svm, unsigned int gpu)
{
	const struct vsvm_svm_stats *st = &svm->gpus[gpu].stats;
	struct vsvm_svm_mirror_use use;

	vsvm_svm_mirror_stats(svm, gpu, &use);
	seq_printf(m, "process %d (%s)\n", svm->pid, svm->comm);
	seq_printf(m, "%d.retry: %d\n", svm->pid, svm->retry);
	seq_printf(m, "%d.faults: %lld\n", svm->pid, atomic64_read(&st->faults));
	seq_printf(m, "%d.batches: %lld\n", svm->pid, atomic64_read(&st->batches));
	seq_printf(m, "%d.duplicates: %lld\n", svm->pid, atomic64_read(&st->duplicates));
	seq_printf(m, "%d.fatal: %lld\n", svm->pid, atomic64_read(&st->fatal));
	seq_printf(m, "%d.pages_mapped: %lld\n", svm->pid, atomic64_read(&st->pages_mapped));
	seq_printf(m, "%d.invalidations: %lld\n", svm->pid, atomic64_read(&st->invalidations));
	seq_printf(m, "%d.pages_unmapped: %lld\n", svm->pid,
		   atomic64_read(&st->pages_unmapped));
	seq_printf(m, "%d.evictions: %lld\n", svm->pid, atomic64_read(&st->evictions));
	seq_printf(m, "%d.restores: %lld\n", svm->pid, atomic64_read(&st->restores));
	seq_printf(m, "%d.exclusive: %lld\n", svm->pid, atomic64_read(&st->exclusive));
	seq_printf(m, "%d.ranges: %llu\n", svm->pid, use.ranges);
	seq_printf(m, "%d.pages: %llu\n", svm->pid, use.pages);
	seq_printf(m, "%d.mirror_bytes: %llu\n", svm->pid, use.bytes);
	vsvm_svm_show_vram_stats(m, svm, gpu);
}

/**
 * vsvm_svm_debugfs_show() - the SVM contexts using a GPU, for debugfs
 * @m: the seq_file of the debugfs file vsvm_svm
 * @vdev: the GPU
 *
 * One block per process with a VM on @vdev: a "process PID (COMM)" line,
 * then "PID.counter: value" lines (counters of &struct vsvm_svm_stats and
 * &struct vsvm_svm_vram_count for this GPU, plus the mirror ranges, pages
 * mapped now and the bytes of metadata they use).
 */
void vsvm_svm_debugfs_show(struct seq_file *m, struct vsvm_device *vdev)
{
	struct vsvm_svm *svm;

	mutex_lock(&vsvm_svm_list_lock);
	list_for_each_entry(svm, &vsvm_svm_list, link) {
		mutex_lock(&svm->lock);
		if (svm->gpus[vdev->index].vdev == vdev)
			vsvm_svm_show_stats(m, svm, vdev->index);
		mutex_unlock(&svm->lock);
	}
	mutex_unlock(&vsvm_svm_list_lock);
}

static void vsvm_svm_copy_stats(struct vsvm_svm_stats *to, const struct vsvm_svm_stats *from)
{
	atomic64_set(&to->faults, atomic64_read(&from->faults));
	atomic64_set(&to->batches, atomic64_read(&from->batches));
	atomic64_set(&to->duplicates, atomic64_read(&from->duplicates));
	atomic64_set(&to->fatal, atomic64_read(&from->fatal));
	atomic64_set(&to->pages_mapped, atomic64_read(&from->pages_mapped));
	atomic64_set(&to->invalidations, atomic64_read(&from->invalidations));
	atomic64_set(&to->pages_unmapped, atomic64_read(&from->pages_unmapped));
	atomic64_set(&to->evictions, atomic64_read(&from->evictions));
	atomic64_set(&to->restores, atomic64_read(&from->restores));
	atomic64_set(&to->exclusive, atomic64_read(&from->exclusive));
}

static void vsvm_svm_copy_vram_count(struct vsvm_svm_vram_count *to,
				     const struct vsvm_svm_vram_count *from)
{
	atomic64_set(&to->pages_in, atomic64_read(&from->pages_in));
	atomic64_set(&to->pages_out, atomic64_read(&from->pages_out));
	atomic64_set(&to->cpu_faults, atomic64_read(&from->cpu_faults));
	atomic64_set(&to->vram_evictions, atomic64_read(&from->vram_evictions));
	atomic64_set(&to->bytes_copied, atomic64_read(&from->bytes_copied));
	atomic64_set(&to->vram_pages, atomic64_read(&from->vram_pages));
}

/* Whether @svm is the context asked for, or with @next a better candidate than @best */
static bool vsvm_svm_counters_match(struct vsvm_svm *svm, u32 pid, bool next,
				    struct vsvm_svm *best)
{
	if (!next)
		return (u32)svm->pid == pid;
	return (u32)svm->pid > pid && (!best || svm->pid < best->pid);
}

/**
 * vsvm_svm_counters() - copy the counters of a process on one GPU
 * @gpu: the GPU index
 * @pid: in, the process id of the context, or with @next the id to start
 *	after; out, the process id of the context found
 * @next: find the context with the smallest process id above *@pid
 * @stats: out, the context's &vsvm_svm_gpu.stats of @gpu
 * @vram: out, its migration counters on @gpu
 *
 * Process ids are the contexts' &vsvm_svm.pid, as in debugfs. Each counter
 * is read atomically; the set is not a snapshot.
 *
 * Context: takes vsvm_svm_list_lock, which keeps the contexts alive.
 * Return: 0, or -ESRCH if no context matches.
 */
int vsvm_svm_counters(unsigned int gpu, u32 *pid, bool next, struct vsvm_svm_stats *stats,
		      struct vsvm_svm_vram_count *vram)
{
	struct vsvm_svm *svm, *found = NULL;

	mutex_lock(&vsvm_svm_list_lock);
	list_for_each_entry(svm, &vsvm_svm_list, link) {
		if (!vsvm_svm_counters_match(svm, *pid, next, found))
			continue;
		found = svm;
		if (!next)
			break;
	}
	if (found) {
		*pid = found->pid;
		vsvm_svm_copy_stats(stats, &found->gpus[gpu].stats);
		vsvm_svm_copy_vram_count(vram, &found->vram_stats->gpu[gpu]);
	}
	mutex_unlock(&vsvm_svm_list_lock);
	return found ? 0 : -ESRCH;
}

/**
 * vsvm_svm_module_exit() - wait for contexts being freed
 *
 * The mm notifier core frees contexts after an SRCU grace period; the
 * module's code must stay until it has.
 */
void vsvm_svm_module_exit(void)
{
	mmu_notifier_synchronize();
}
