/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright 2026 The vsvm authors
 */
#ifndef __VSVM_VM_H__
#define __VSVM_VM_H__

#include <linux/interval_tree.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/types.h>

struct drm_device;
struct drm_file;
struct vsvm_bo;
struct vsvm_device;
struct vsvm_hw_vm;
struct vsvm_svm;

/**
 * struct vsvm_binding - a buffer object mapped into a GPU VM
 * @node: interval [va, va + size - 1] in &vsvm_vm.bindings
 * @vm: the VM
 * @bo: the object; the binding holds a GEM reference
 * @bo_offset: offset of the binding in the object
 * @read_only: VSVM_BIND_READ_ONLY was given
 * @dead: unbound; set under &vsvm_vm.lock before the binding leaves the
 *	object's list, so a concurrent move does not map it again
 * @bo_link: entry in &vsvm_bo.bindings, under the object's dma_resv lock
 */
struct vsvm_binding {
	struct interval_tree_node node;
	struct vsvm_vm *vm;
	struct vsvm_bo *bo;
	u64 bo_offset;
	bool read_only;
	bool dead;
	struct list_head bo_link;
};

/**
 * struct vsvm_vm - a GPU virtual address space
 * @vdev: the GPU
 * @hw: the hardware VM
 * @vmid: id in &vsvm_device.vms and in fault entries
 * @ref: reference count; the file and each queue hold one
 * @lock: protects @bindings, @queues (with @queues_lock), @suspend_depth and
 *	the page-table writes of bindings; also serialises the hardware
 *	operations of the VM's queues
 * @pt_lock: serialises vm_prepare and vm_trim, and is held from a
 *	vm_prepare to the entry writes that need its tables, so no trim frees
 *	them in between. Memory is allocated under it; never taken in an MMU
 *	notifier. A trim also takes &vsvm_svm.notifier_lock, so that no SVM
 *	entry write or clear walks a table being freed.
 * @queues_lock: protects @queues together with @lock (either keeps it
 *	stable) and @svm_suspended; taken by the MMU notifier to suspend the
 *	queues, so nothing allocates under it
 * @bindings: interval tree of &struct vsvm_binding
 * @queues: &struct vsvm_queue.vm_link of the VM's queues
 * @svm: the SVM context of the process that opened the file, set at open
 *	and constant after
 * @svm_link: entry in &vsvm_svm_gpu.vms
 * @svm_suspended: the SVM context suspended the VM's queues (an
 *	always-mapped range was invalidated); a queue created meanwhile
 *	starts suspended
 * @last_replay_ns: ktime_get_ns() of the last replay, under @lock; fault
 *	entries older than it were answered by it
 * @suspend_depth: buffer-object moves in progress that suspended the VM's
 *	queues (one per binding of the moving object); a queue created
 *	meanwhile is suspended as many times, so that every resume matches a
 *	suspend
 */
struct vsvm_vm {
	struct vsvm_device *vdev;
	struct vsvm_hw_vm *hw;
	u32 vmid;
	struct kref ref;
	struct mutex lock; /* tree, queues, page tables, queue ops */
	struct mutex pt_lock; /* page-table allocation and freeing */
	struct mutex queues_lock; /* queue list, SVM suspension */
	struct rb_root_cached bindings;
	struct list_head queues;
	struct vsvm_svm *svm;
	struct list_head svm_link;
	bool svm_suspended;
	unsigned int suspend_depth;
	u64 last_replay_ns;
};

struct vsvm_vm *vsvm_vm_create(struct vsvm_device *vdev);
struct vsvm_vm *vsvm_vm_get(struct vsvm_vm *vm);
void vsvm_vm_put(struct vsvm_vm *vm);
void vsvm_vm_unbind_all(struct vsvm_vm *vm);
bool vsvm_vm_access_ok(struct vsvm_vm *vm, u64 va, u32 access);
bool vsvm_vm_bound(struct vsvm_vm *vm, u64 start, u64 last);
void vsvm_vm_trim(struct vsvm_vm *vm, u64 va, u64 size);
void vsvm_vm_svm_suspend(struct vsvm_vm *vm);
void vsvm_vm_svm_resume(struct vsvm_vm *vm);
void vsvm_vm_replay(struct vsvm_vm *vm);

void vsvm_vm_bo_move_begin(struct vsvm_bo *bo);
void vsvm_vm_bo_move_end(struct vsvm_bo *bo);

int vsvm_ioctl_vm_bind(struct drm_device *drm, void *data, struct drm_file *file);
int vsvm_ioctl_vm_unbind(struct drm_device *drm, void *data, struct drm_file *file);

#endif /* __VSVM_VM_H__ */
