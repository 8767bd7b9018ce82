// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: interrupt handling
 *
 * The hardware posts fault entries to its interrupt ring and raises its
 * interrupt line, vsvm_ih_irq(), which may run in atomic context and only
 * schedules &vsvm_device.ih_work. The worker drains the ring in batches:
 * it pops up to %VSVM_IH_BATCH fault entries (the ring's size, so a batch
 * normally empties it) into &vsvm_device.ih_batch
 * and hands them to vsvm_svm_fault_batch() (vsvm_svm_fault.c), which routes
 * each to its queue by hardware queue id, services the SVM faults, fails
 * the queues of fatal ones and replays each VM once per batch. It repeats
 * until a batch comes back short, i.e. the ring was found empty; entries
 * posted later raise the interrupt again. An entry of a queue that is gone
 * is dropped: a queue keeps its id until it has been destroyed in hardware
 * and this worker flushed (see vsvm_queue.c), so an id never routes a stale
 * entry to a newer queue.
 *
 * LOCKING
 *
 * None here: the worker is the only consumer of the ring and the only user
 * of &vsvm_device.ih_batch, and runs in process context with no lock held;
 * vsvm_svm_fault.c documents the locks of the fault service.
 */

#include <linux/sched.h>
#include <linux/workqueue.h>

#include "vsvm_drv.h"
#include "vsvm_queue.h"
#include "vsvm_svm.h"

/**
 * vsvm_ih_irq() - interrupt line of the GPU
 * @data: the &struct vsvm_device
 *
 * Any context: schedules the worker that drains the interrupt ring.
 */
void vsvm_ih_irq(void *data)
{
	struct vsvm_device *vdev = data;

	schedule_work(&vdev->ih_work);
}

/* Pops up to a batch of fault entries; returns how many */
static unsigned int vsvm_ih_fill(struct vsvm_device *vdev)
{
	unsigned int n = 0;

	while (n < VSVM_IH_BATCH && vdev->hw_ops->ih_pop(vdev->hw, &vdev->ih_batch[n])) {
		if (vdev->ih_batch[n].type == VSVM_HW_IH_FAULT)
			n++;
	}
	return n;
}

/**
 * vsvm_ih_work() - drain the interrupt ring
 * @work: &vsvm_device.ih_work
 */
void vsvm_ih_work(struct work_struct *work)
{
	struct vsvm_device *vdev = container_of(work, struct vsvm_device, ih_work);
	unsigned int n;

	do {
		n = vsvm_ih_fill(vdev);
		vsvm_svm_fault_batch(vdev, vdev->ih_batch, n);
		cond_resched();
	} while (n == VSVM_IH_BATCH);
}
