/* SPDX-License-Identifier: MIT */
/*
 * Copyright 2026 The vsvm authors
 */
#ifndef __VSVM_DRM_H__
#define __VSVM_DRM_H__

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: vsvm uAPI
 *
 * vsvm exposes one render node per virtual GPU. All ioctls are issued on a
 * render node file descriptor.
 *
 * Argument-size rules are those of the DRM core: an argument shorter than the
 * kernel's structure is zero-extended on the way in and truncated on the way
 * out (so bytes past the caller's size are never written); bytes of a larger
 * argument past the kernel's structure are ignored and returned unchanged.
 * Every flags field rejects unknown bits with -EINVAL and every field named
 * pad or reserved must be zero (-EINVAL otherwise). An ioctl number the
 * driver does not define fails with -EINVAL.
 */

/* Incompatible uAPI changes bump the major version, compatible additions the minor */
#define VSVM_UAPI_VERSION_MAJOR		1
#define VSVM_UAPI_VERSION_MINOR		0

#define DRM_VSVM_QUERY_DEVICE		0x00

#define DRM_IOCTL_VSVM_QUERY_DEVICE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_QUERY_DEVICE, struct drm_vsvm_query_device)

/* Page sizes the GPU page table can map (bits of drm_vsvm_query_device.page_sizes) */
#define VSVM_PAGE_SIZE_4K		0x1000ULL
#define VSVM_PAGE_SIZE_2M		0x200000ULL

/* drm_vsvm_query_device.capabilities: the GPU can stall on a fault and replay it */
#define VSVM_CAP_RETRY_FAULT		0x1U

/**
 * struct drm_vsvm_query_device - describe the GPU behind a render node
 *
 * Filled in by DRM_IOCTL_VSVM_QUERY_DEVICE.
 */
struct drm_vsvm_query_device {
	/** @flags: in, must be 0 */
	__u32 flags;
	/** @pad: in, must be 0 */
	__u32 pad;
	/** @uapi_version: out, (MAJOR << 16) | MINOR */
	__u32 uapi_version;
	/** @gpu_id: out, non-zero id of this GPU, stable for the module's lifetime */
	__u32 gpu_id;
	/** @num_compute_units: out, compute units that run dispatches */
	__u32 num_compute_units;
	/** @capabilities: out, VSVM_CAP_* bits */
	__u32 capabilities;
	/** @page_sizes: out, VSVM_PAGE_SIZE_* bits the GPU page table maps */
	__u64 page_sizes;
	/** @vram_size: out, bytes of VRAM */
	__u64 vram_size;
	/** @va_bits: out, width of a GPU virtual address */
	__u32 va_bits;
	/** @reserved: in, must be 0 */
	__u32 reserved;
};

#if defined(__cplusplus)
}
#endif

#endif /* __VSVM_DRM_H__ */
