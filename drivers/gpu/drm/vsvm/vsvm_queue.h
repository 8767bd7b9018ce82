/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright 2026 The vsvm authors
 */
#ifndef __VSVM_QUEUE_H__
#define __VSVM_QUEUE_H__

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <drm/gpu_scheduler.h>

#include "vsvm_sdma.h"

struct drm_device;
struct drm_file;
struct vsvm_device;
struct vsvm_file;
struct vsvm_hw_ih_entry;
struct vsvm_hw_queue;
struct vsvm_vm;
struct xarray;

/**
 * struct vsvm_queue - a compute queue
 * @vdev: the GPU
 * @vm: the VM its dispatches run in (a reference)
 * @hw: the hardware queue
 * @id: id in the owning file's &vsvm_file.queues
 * @hw_qid: id in &vsvm_device.queues and in fault entries
 * @flags: VSVM_QUEUE_* from creation
 * @ref: reference count
 * @sched: the queue's own scheduler (one entity per scheduler), so a
 *	timeout resets this queue only
 * @entity: the entity dispatches are pushed to
 * @fences: timeline of the hardware fences of dispatches
 * @vm_link: entry in &vsvm_vm.queues
 * @status_lock: protects @state, @fault_va and @fault_access
 * @state: VSVM_QUEUE_STATE_*
 * @fault_va: faulting GPU VA once @state is FAULTED
 * @fault_access: VSVM_ACCESS_* of that fault
 * @completed: dispatches completed without error
 */
struct vsvm_queue {
	struct vsvm_device *vdev;
	struct vsvm_vm *vm;
	struct vsvm_hw_queue *hw;
	u32 id;
	u32 hw_qid;
	u32 flags;
	struct kref ref;
	struct drm_gpu_scheduler sched;
	struct drm_sched_entity entity;
	struct vsvm_fence_ctx fences;
	struct list_head vm_link;
	spinlock_t status_lock; /* state, fault_va, fault_access */
	u32 state;
	u64 fault_va;
	u32 fault_access;
	atomic64_t completed;
};

struct vsvm_queue *vsvm_queue_get(struct xarray *queues, u32 id);
void vsvm_queue_put(struct vsvm_queue *q);
void vsvm_queues_file_fini(struct vsvm_file *vfile);
void vsvm_queue_fault(struct vsvm_queue *q, const struct vsvm_hw_ih_entry *e);
void vsvm_queue_fail_fault(struct vsvm_queue *q, u64 va, u32 access);

void vsvm_ih_irq(void *data);
void vsvm_ih_work(struct work_struct *work);

int vsvm_ioctl_queue_create(struct drm_device *drm, void *data, struct drm_file *file);
int vsvm_ioctl_queue_destroy(struct drm_device *drm, void *data, struct drm_file *file);
int vsvm_ioctl_dispatch(struct drm_device *drm, void *data, struct drm_file *file);
int vsvm_ioctl_queue_status(struct drm_device *drm, void *data, struct drm_file *file);

#endif /* __VSVM_QUEUE_H__ */
