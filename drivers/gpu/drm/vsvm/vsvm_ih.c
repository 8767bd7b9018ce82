// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: interrupt handling
 *
 * The hardware posts fault entries to its interrupt ring and raises its
 * interrupt line, vsvm_ih_irq(), which may run in atomic context and only
 * schedules &vsvm_device.ih_work. The worker pops entries until the ring is
 * empty and routes each fault to its queue by hardware queue id
 * (vsvm_queue_fault()), which replays it or fails the queue. An entry of a
 * queue that is gone is dropped: a queue keeps its id until it has been
 * destroyed in hardware and this worker flushed (see vsvm_queue.c), so an
 * id never routes a stale entry to a newer queue.
 *
 * LOCKING
 *
 * The worker looks the queue up under the xarray lock of
 * &vsvm_device.queues and takes a reference, then services the fault without
 * that lock; vsvm_queue_fault() takes &vsvm_vm.lock. The worker runs in
 * process context and sleeps; it is the only consumer of the ring.
 */

#include <linux/kref.h>
#include <linux/sched.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "vsvm_drv.h"
#include "vsvm_queue.h"

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

static void vsvm_ih_fault(struct vsvm_device *vdev, const struct vsvm_hw_ih_entry *e)
{
	struct vsvm_queue *q = vsvm_queue_get(&vdev->queues, e->qid);

	if (!q)
		return;
	vsvm_queue_fault(q, e);
	vsvm_queue_put(q);
}

/**
 * vsvm_ih_work() - drain the interrupt ring
 * @work: &vsvm_device.ih_work
 */
void vsvm_ih_work(struct work_struct *work)
{
	struct vsvm_device *vdev = container_of(work, struct vsvm_device, ih_work);
	struct vsvm_hw_ih_entry e;

	while (vdev->hw_ops->ih_pop(vdev->hw, &e)) {
		if (e.type == VSVM_HW_IH_FAULT)
			vsvm_ih_fault(vdev, &e);
		cond_resched();
	}
}
