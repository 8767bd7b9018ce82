/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright 2026 The vsvm authors
 */
#ifndef __VSVM_DRV_H__
#define __VSVM_DRV_H__

#include <drm/drm_device.h>
#include <drm/drm_file.h>

#include "vsvm_vhw.h"

#define VSVM_DRIVER_NAME	"vsvm"
#define VSVM_DRIVER_DESC	"Virtual GPU with shared virtual memory"
#define VSVM_DRIVER_MAJOR	1
#define VSVM_DRIVER_MINOR	0

#define VSVM_MAX_GPUS		8

/**
 * struct vsvm_device - one virtual GPU as seen by the driver
 * @drm: the DRM device; its lifetime is the lifetime of this structure
 * @pdev: the platform device the DRM device hangs off
 * @index: GPU index, 0 .. num_gpus - 1
 * @gpu_id: non-zero id reported to user space
 * @hw_ops: how the driver talks to the GPU
 * @hw: the GPU instance behind @hw_ops
 * @caps: what the GPU reported at bring-up
 */
struct vsvm_device {
	struct drm_device drm;
	struct platform_device *pdev;
	unsigned int index;
	u32 gpu_id;
	const struct vsvm_hw_ops *hw_ops;
	struct vsvm_hw *hw;
	struct vsvm_hw_caps caps;
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

int vsvm_ioctl_query_device(struct drm_device *drm, void *data, struct drm_file *file);

#endif /* __VSVM_DRV_H__ */
