/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright 2026 The vsvm authors
 */
#ifndef __VSVM_DRV_H__
#define __VSVM_DRV_H__

#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>

#include "vsvm_mem.h"
#include "vsvm_sdma.h"
#include "vsvm_vhw.h"

struct vsvm_svm;
struct vsvm_svm_pagemap;

#define VSVM_DRIVER_NAME	"vsvm"
#define VSVM_DRIVER_DESC	"Virtual GPU with shared virtual memory"
#define VSVM_DRIVER_MAJOR	1
#define VSVM_DRIVER_MINOR	0

#define VSVM_MAX_GPUS		8

/*
 * Interrupt-ring entries the fault worker handles as one batch: the whole
 * ring, so that every replay follows a drained ring (see vsvm_vhw.h)
 */
#define VSVM_IH_BATCH		VSVM_HW_IH_ENTRIES

/**
 * struct vsvm_device - one virtual GPU as seen by the driver
 * @drm: the DRM device; its lifetime is the lifetime of this structure
 * @pdev: the platform device the DRM device hangs off
 * @index: GPU index, 0 .. num_gpus - 1
 * @gpu_id: non-zero id reported to user space
 * @hw_ops: how the driver talks to the GPU
 * @hw: the GPU instance behind @hw_ops
 * @caps: what the GPU reported at bring-up
 * @mem: TTM device, VRAM manager and usage counters (vsvm_mem.c)
 * @sdma: copy-engine scheduler (vsvm_sdma.c)
 * @vms: VM id -> &struct vsvm_vm, for routing faults; ids from 1
 * @queues: hardware queue id -> &struct vsvm_queue, for routing faults;
 *	ids from 1, unique across the files of this GPU
 * @ih_work: drains the interrupt ring (vsvm_ih.c)
 * @ih_batch: entries popped by @ih_work, serviced as one batch; used only
 *	by @ih_work
 * @fault_batches: fault batches serviced so far; used only by @ih_work
 * @fault_seq: number of the fault batch being serviced, 0 between batches;
 *	written by @ih_work, read locklessly by vsvm_svm_bo_evictable()
 * @pagemap: the struct pages of the VRAM (vsvm_svm_vram.c), or NULL when
 *	SVM pages cannot live in VRAM
 */
struct vsvm_device {
	struct drm_device drm;
	struct platform_device *pdev;
	unsigned int index;
	u32 gpu_id;
	const struct vsvm_hw_ops *hw_ops;
	struct vsvm_hw *hw;
	struct vsvm_hw_caps caps;
	struct vsvm_mem mem;
	struct vsvm_sdma sdma;
	struct xarray vms;
	struct xarray queues;
	struct work_struct ih_work;
	struct vsvm_hw_ih_entry ih_batch[VSVM_IH_BATCH];
	u64 fault_batches;
	u64 fault_seq;
	struct vsvm_svm_pagemap *pagemap;
};

/**
 * struct vsvm_file - per open file of a render node
 * @vdev: the GPU
 * @vm: the file's GPU VM
 * @queues: user queue id -> &struct vsvm_queue; ids from 1
 * @svm: the SVM context of the opening process (one reference)
 */
struct vsvm_file {
	struct vsvm_device *vdev;
	struct vsvm_vm *vm;
	struct vsvm_svm *svm;
	struct xarray queues;
};

/**
 * to_vsvm_device() - the vsvm device that embeds a DRM device
 * @drm: DRM device of a vsvm GPU
 *
 * Return: the containing &struct vsvm_device.
 */
static inline struct vsvm_device *to_vsvm_device(struct drm_device *drm)
{
	return container_of(drm, struct vsvm_device, drm);
}

/**
 * to_vsvm_file() - the vsvm state of a DRM file
 * @file: DRM file of a vsvm render node
 *
 * Return: the &struct vsvm_file stored in @file at open.
 */
static inline struct vsvm_file *to_vsvm_file(struct drm_file *file)
{
	return file->driver_priv;
}

extern unsigned int vsvm_job_timeout_ms;

int vsvm_ioctl_query_device(struct drm_device *drm, void *data, struct drm_file *file);

void vsvm_debugfs_init(struct vsvm_device *vdev);

#endif /* __VSVM_DRV_H__ */
