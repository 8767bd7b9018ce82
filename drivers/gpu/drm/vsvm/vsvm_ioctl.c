// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: ioctls
 *
 * Handlers of the vsvm render-node ioctls. The DRM core copies arguments in
 * and out (zero-extending short ones), so each handler sees a kernel copy of
 * its argument. Every handler first rejects unknown flags and non-zero
 * padding or reserved fields with -EINVAL, so that these bits can gain a
 * meaning later without breaking old user space.
 */

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <uapi/drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_svm.h"

/**
 * vsvm_ioctl_query_device() - DRM_IOCTL_VSVM_QUERY_DEVICE
 * @drm: DRM device of the GPU
 * @data: &struct drm_vsvm_query_device, kernel copy
 * @file: the caller's DRM file
 *
 * Return: 0, or -EINVAL for non-zero flags, pad or reserved fields.
 */
int vsvm_ioctl_query_device(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	struct drm_vsvm_query_device *args = data;

	if (args->flags || args->pad || args->reserved)
		return -EINVAL;

	args->uapi_version = (VSVM_UAPI_VERSION_MAJOR << 16) | VSVM_UAPI_VERSION_MINOR;
	args->gpu_id = vdev->gpu_id;
	args->num_compute_units = vdev->caps.num_cus;
	args->capabilities = VSVM_CAP_SVM;
	if (vdev->pagemap)
		args->capabilities |= VSVM_CAP_SVM_VRAM;
	if (vdev->pagemap && vdev->pagemap->pgmap.type == MEMORY_DEVICE_COHERENT)
		args->capabilities |= VSVM_CAP_VRAM_COHERENT;
	if (vdev->caps.retry_faults)
		args->capabilities |= VSVM_CAP_RETRY_FAULT;
	/* make_device_exclusive_range() needs DEVICE_PRIVATE */
	if (IS_ENABLED(CONFIG_DEVICE_PRIVATE))
		args->capabilities |= VSVM_CAP_SVM_ATOMIC_EXCLUSIVE;
	args->page_sizes = vdev->caps.page_sizes;
	args->vram_size = vdev->caps.vram_size;
	args->va_bits = vdev->caps.va_bits;
	vsvm_mem_usage(vdev, &args->vram_used, &args->gtt_used);
	args->evictions = atomic64_read(&vdev->mem.evictions);
	return 0;
}
