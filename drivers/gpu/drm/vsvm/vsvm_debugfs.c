// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: debugfs
 *
 * Files under /sys/kernel/debug/dri/<minor>/ of each GPU:
 *
 * - ``vsvm_mem``: VRAM size and use, GTT use, evictions and moves, and the
 *   VRAM manager's own report;
 * - ``vsvm_hw``: the hardware's performance counters (TLB hits and misses,
 *   faults, fault entries the full interrupt ring dropped, replays,
 *   invalidations, waves, dispatches, copy-engine bytes) and the bytes of
 *   page tables the GPU holds;
 * - ``vsvm_queues``: every queue of the GPU with its state;
 * - ``vsvm_svm``: every process using SVM on the GPU, with its per-GPU
 *   counters (faults, batches, duplicates, fatal faults, pages mapped and
 *   unmapped, invalidations, evictions, restores, pages taken for
 *   device-exclusive access, and the migration counters), the ranges and
 *   pages mirrored now and the bytes of metadata they take (mirror_bytes),
 *   as "PID.counter: value" lines (the counters are those of
 *   DRM_IOCTL_VSVM_SVM_COUNTERS).
 *
 * Locking: the files read counters without locks (each value is read
 * atomically, the set is not a snapshot) and walk the queue xarray under its
 * lock; ``vsvm_svm`` takes each SVM context's lock (vsvm_svm.c).
 */

#include <linux/seq_file.h>
#include <linux/xarray.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_print.h>
#include <uapi/drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_queue.h"
#include "vsvm_svm.h"
#include "vsvm_vm.h"

static struct vsvm_device *vsvm_debugfs_device(struct seq_file *m)
{
	struct drm_debugfs_entry *entry = m->private;

	return to_vsvm_device(entry->dev);
}

static int vsvm_debugfs_mem_show(struct seq_file *m, void *data)
{
	struct vsvm_device *vdev = vsvm_debugfs_device(m);
	struct drm_printer p = drm_seq_file_printer(m);
	u64 vram_used, gtt_used;

	vsvm_mem_usage(vdev, &vram_used, &gtt_used);
	seq_printf(m, "vram_size: %llu\n", vdev->caps.vram_size);
	seq_printf(m, "vram_used: %llu\n", vram_used);
	seq_printf(m, "gtt_used: %llu\n", gtt_used);
	seq_printf(m, "evictions: %lld\n", atomic64_read(&vdev->mem.evictions));
	seq_printf(m, "moves: %lld\n", atomic64_read(&vdev->mem.moves));
	vsvm_mem_print(vdev, &p);
	return 0;
}

static int vsvm_debugfs_hw_show(struct seq_file *m, void *data)
{
	struct vsvm_device *vdev = vsvm_debugfs_device(m);
	struct vsvm_hw_stats s;

	vdev->hw_ops->stats(vdev->hw, &s);
	seq_printf(m, "tlb_hits: %llu\n", s.tlb_hits);
	seq_printf(m, "tlb_misses: %llu\n", s.tlb_misses);
	seq_printf(m, "faults: %llu\n", s.faults);
	seq_printf(m, "ih_overflows: %llu\n", s.ih_overflows);
	seq_printf(m, "replays: %llu\n", s.replays);
	seq_printf(m, "invalidations: %llu\n", s.invalidations);
	seq_printf(m, "waves: %llu\n", s.waves);
	seq_printf(m, "dispatches: %llu\n", s.dispatches);
	seq_printf(m, "copy_bytes: %llu\n", s.copy_bytes);
	seq_printf(m, "pt_bytes: %llu\n", s.pt_bytes);
	return 0;
}

static const char *const vsvm_queue_states[] = {
	[VSVM_QUEUE_STATE_ACTIVE] = "active",
	[VSVM_QUEUE_STATE_FAULTED] = "faulted",
	[VSVM_QUEUE_STATE_RESET] = "reset",
};

static int vsvm_debugfs_queues_show(struct seq_file *m, void *data)
{
	struct vsvm_device *vdev = vsvm_debugfs_device(m);
	struct vsvm_queue *q;
	unsigned long id;

	seq_puts(m, "hw_qid vmid state completed fault_va fault_access\n");
	xa_lock(&vdev->queues);
	xa_for_each(&vdev->queues, id, q) {
		spin_lock(&q->status_lock);
		seq_printf(m, "%u %u %s %lld 0x%llx 0x%x\n", q->hw_qid, q->vm->vmid,
			   vsvm_queue_states[q->state], atomic64_read(&q->completed),
			   q->fault_va, q->fault_access);
		spin_unlock(&q->status_lock);
	}
	xa_unlock(&vdev->queues);
	return 0;
}

static int vsvm_debugfs_svm_show(struct seq_file *m, void *data)
{
	vsvm_svm_debugfs_show(m, vsvm_debugfs_device(m));
	return 0;
}

/**
 * vsvm_debugfs_init() - add the GPU's debugfs files
 * @vdev: the GPU, before its DRM device is registered
 *
 * The DRM core creates the files when the device registers and removes them
 * with it.
 */
void vsvm_debugfs_init(struct vsvm_device *vdev)
{
	drm_debugfs_add_file(&vdev->drm, "vsvm_mem", vsvm_debugfs_mem_show, NULL);
	drm_debugfs_add_file(&vdev->drm, "vsvm_hw", vsvm_debugfs_hw_show, NULL);
	drm_debugfs_add_file(&vdev->drm, "vsvm_queues", vsvm_debugfs_queues_show, NULL);
	drm_debugfs_add_file(&vdev->drm, "vsvm_svm", vsvm_debugfs_svm_show, NULL);
}
