// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: driver core
 *
 * vsvm creates one platform device per virtual GPU (module parameter
 * ``num_gpus``) and one DRM device with a render node on each. The DRM
 * device is allocated with devm_drm_dev_alloc() inside a devres group opened
 * on the platform device, so unloading a GPU is: unplug the DRM device,
 * release the group, unregister the platform device.
 *
 * Module parameters are read once, at load; they are validated before
 * anything is created, and a bad value fails the load with -EINVAL.
 *
 * Every step of the load that can fail is also a checkpoint of
 * vsvm_inject_load_error(): with ``inject_load_error=N`` the N-th checkpoint
 * fails the load with -ENODEV, which lets the tests walk every unwind path.
 *
 * A GPU comes up in this order, and goes down in the reverse order through
 * DRM-managed actions: the hardware (vsvm_vhw_*), the copy-engine scheduler
 * (vsvm_sdma.c), the TTM device with its VRAM manager (vsvm_mem.c), debugfs,
 * then the DRM device is registered. Each open file gets its own GPU VM
 * (vsvm_vm.c) and its own queues (vsvm_queue.c), and joins the SVM context
 * of the opening process (vsvm_svm.c); closing the file destroys its queues
 * first, then its bindings, then leaves the SVM context, then drops the VM.
 *
 * Locking: module load and unload are serialised by the module loader; the
 * array of GPUs is written only there and read by nothing else.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <uapi/drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_event.h"
#include "vsvm_queue.h"
#include "vsvm_svm.h"
#include "vsvm_vm.h"

#define VSVM_VRAM_MIN		SZ_16M
#define VSVM_VRAM_MAX		(16ULL * SZ_1G)
#define VSVM_VRAM_ALIGN		SZ_2M
#define VSVM_MAX_CUS		VSVM_HW_MAX_CUS
#define VSVM_GPU_ID_BASE	0x1000

static int vsvm_num_gpus = 2;
module_param_named(num_gpus, vsvm_num_gpus, int, 0444);
MODULE_PARM_DESC(num_gpus, "Number of virtual GPUs (1-8, default 2)");

static int vsvm_num_cus = 4;
module_param_named(num_cus, vsvm_num_cus, int, 0444);
MODULE_PARM_DESC(num_cus, "Compute units per GPU (1-256, default 4)");

static int vsvm_inject_load_error_at;
module_param_named(inject_load_error, vsvm_inject_load_error_at, int, 0444);
MODULE_PARM_DESC(inject_load_error,
		 "Fail the N-th load checkpoint with -ENODEV (testing; 0 = off)");

/* Read when a queue is created: a queue keeps the timeout it was created with. */
unsigned int vsvm_job_timeout_ms = 10000;

static int vsvm_job_timeout_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, 3600 * MSEC_PER_SEC);
}

static const struct kernel_param_ops vsvm_job_timeout_ops = {
	.set = vsvm_job_timeout_set,
	.get = param_get_uint,
};

module_param_cb(job_timeout_ms, &vsvm_job_timeout_ops, &vsvm_job_timeout_ms, 0644);
MODULE_PARM_DESC(job_timeout_ms,
		 "Dispatch timeout in ms (1-3600000) for queues created from now on (default 10000)");

static u64 vsvm_vram_size = SZ_256M;

static int vsvm_vram_size_set(const char *val, const struct kernel_param *kp)
{
	char *end;
	u64 size = memparse(val, &end);

	if (end == val || (*end && *end != '\n'))
		return -EINVAL;
	*(u64 *)kp->arg = size;
	return 0;
}

static int vsvm_vram_size_get(char *buffer, const struct kernel_param *kp)
{
	return sysfs_emit(buffer, "%llu\n", *(u64 *)kp->arg);
}

static const struct kernel_param_ops vsvm_vram_size_ops = {
	.set = vsvm_vram_size_set,
	.get = vsvm_vram_size_get,
};

module_param_cb(vram_size, &vsvm_vram_size_ops, &vsvm_vram_size, 0444);
MODULE_PARM_DESC(vram_size,
		 "VRAM per GPU, with K/M/G suffix (16M-16G, multiple of 2M, default 256M)");

static unsigned long vsvm_vram_phys;
module_param_named(vram_phys, vsvm_vram_phys, ulong, 0444);
MODULE_PARM_DESC(vram_phys,
		 "Physical address of memory reserved for device-coherent VRAM (memmap=SIZE$ADDR); GPU i uses vram_phys + i * vram_size (default 0: device-private VRAM)");

static struct vsvm_device *vsvm_devices[VSVM_MAX_GPUS];
static int vsvm_load_checkpoint;

/*
 * A checkpoint of the load sequence: counts checkpoints and fails the one
 * numbered by the inject_load_error parameter with -ENODEV.
 */
static int vsvm_inject_load_error(void)
{
	if (++vsvm_load_checkpoint != vsvm_inject_load_error_at)
		return 0;
	pr_info("injecting load error at checkpoint %d\n", vsvm_load_checkpoint);
	return -ENODEV;
}

static bool vsvm_params_valid(void)
{
	if (vsvm_num_gpus < 1 || vsvm_num_gpus > VSVM_MAX_GPUS) {
		pr_err("num_gpus=%d out of range 1-%d\n", vsvm_num_gpus, VSVM_MAX_GPUS);
		return false;
	}
	if (vsvm_num_cus < 1 || vsvm_num_cus > VSVM_MAX_CUS) {
		pr_err("num_cus=%d out of range 1-%d\n", vsvm_num_cus, VSVM_MAX_CUS);
		return false;
	}
	if (vsvm_vram_size < VSVM_VRAM_MIN || vsvm_vram_size > VSVM_VRAM_MAX ||
	    !IS_ALIGNED(vsvm_vram_size, VSVM_VRAM_ALIGN)) {
		pr_err("vram_size=%llu must be a multiple of 2M in 16M-16G\n",
		       vsvm_vram_size);
		return false;
	}
	return true;
}

static const struct drm_ioctl_desc vsvm_ioctls[] = {
	DRM_IOCTL_DEF_DRV(VSVM_QUERY_DEVICE, vsvm_ioctl_query_device, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_GEM_CREATE, vsvm_ioctl_gem_create, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_GEM_MMAP_OFFSET, vsvm_ioctl_gem_mmap_offset, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_VM_BIND, vsvm_ioctl_vm_bind, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_VM_UNBIND, vsvm_ioctl_vm_unbind, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_QUEUE_CREATE, vsvm_ioctl_queue_create, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_QUEUE_DESTROY, vsvm_ioctl_queue_destroy, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_DISPATCH, vsvm_ioctl_dispatch, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_QUEUE_STATUS, vsvm_ioctl_queue_status, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_SVM_SET_ATTR, vsvm_ioctl_svm_set_attr, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_SVM_GET_ATTR, vsvm_ioctl_svm_get_attr, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_SVM_RETRY, vsvm_ioctl_svm_retry, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_SVM_PREFETCH, vsvm_ioctl_svm_prefetch, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_EVENTS_OPEN, vsvm_ioctl_events_open, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_SVM_COUNTERS, vsvm_ioctl_svm_counters, DRM_RENDER_ALLOW),
};

static int vsvm_open(struct drm_device *drm, struct drm_file *file)
{
	struct vsvm_file *vfile;
	int ret;

	vfile = kzalloc(sizeof(*vfile), GFP_KERNEL);
	if (!vfile)
		return -ENOMEM;
	vfile->vdev = to_vsvm_device(drm);
	xa_init_flags(&vfile->queues, XA_FLAGS_ALLOC1);
	vfile->vm = vsvm_vm_create(vfile->vdev);
	if (IS_ERR(vfile->vm)) {
		ret = PTR_ERR(vfile->vm);
		goto err_free;
	}
	ret = vsvm_svm_file_attach(vfile);
	if (ret)
		goto err_vm;
	file->driver_priv = vfile;
	return 0;

err_vm:
	vsvm_vm_put(vfile->vm);
err_free:
	kfree(vfile);
	return ret;
}

static void vsvm_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct vsvm_file *vfile = to_vsvm_file(file);

	vsvm_queues_file_fini(vfile);
	vsvm_vm_unbind_all(vfile->vm);
	vsvm_svm_file_detach(vfile);
	vsvm_vm_put(vfile->vm);
	xa_destroy(&vfile->queues);
	kfree(vfile);
}

DEFINE_DRM_GEM_FOPS(vsvm_fops);

static const struct drm_driver vsvm_drm_driver = {
	.driver_features = DRIVER_RENDER | DRIVER_GEM | DRIVER_SYNCOBJ |
			   DRIVER_SYNCOBJ_TIMELINE,
	.open = vsvm_open,
	.postclose = vsvm_postclose,
	.ioctls = vsvm_ioctls,
	.num_ioctls = ARRAY_SIZE(vsvm_ioctls),
	.fops = &vsvm_fops,
	.name = VSVM_DRIVER_NAME,
	.desc = VSVM_DRIVER_DESC,
	.major = VSVM_DRIVER_MAJOR,
	.minor = VSVM_DRIVER_MINOR,
};

static void vsvm_hw_release(struct drm_device *drm, void *arg)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);

	/* No queue is left, so nothing raises the interrupt that queues the work. */
	cancel_work_sync(&vdev->ih_work);
	vdev->hw_ops->destroy(vdev->hw);
	xa_destroy(&vdev->queues);
	xa_destroy(&vdev->vms);
}

/* The coherent VRAM of GPU @index, or 0 for device-private VRAM */
static phys_addr_t vsvm_vram_phys_of(unsigned int index)
{
	return vsvm_vram_phys ? vsvm_vram_phys + (u64)index * vsvm_vram_size : 0;
}

static int vsvm_hw_bringup(struct vsvm_device *vdev)
{
	struct vsvm_hw_config cfg = {
		.index = vdev->index,
		.vram_size = vsvm_vram_size,
		.vram_phys = vsvm_vram_phys_of(vdev->index),
		.num_cus = vsvm_num_cus,
		.dev = vdev->drm.dev,
		.irq = vsvm_ih_irq,
		.irq_data = vdev,
	};
	int ret;

	ret = vsvm_inject_load_error();
	if (ret)
		return ret;

	xa_init_flags(&vdev->vms, XA_FLAGS_ALLOC1);
	xa_init_flags(&vdev->queues, XA_FLAGS_ALLOC1);
	INIT_WORK(&vdev->ih_work, vsvm_ih_work);
	vdev->hw_ops = &vsvm_vhw_ops;
	vdev->hw = vdev->hw_ops->create(&cfg);
	if (IS_ERR(vdev->hw))
		return PTR_ERR(vdev->hw);
	vdev->hw_ops->caps(vdev->hw, &vdev->caps);

	return drmm_add_action_or_reset(&vdev->drm, vsvm_hw_release, NULL);
}

static int vsvm_device_init(struct platform_device *pdev, unsigned int index)
{
	struct vsvm_device *vdev;
	int ret;

	ret = vsvm_inject_load_error();
	if (ret)
		return ret;

	vdev = devm_drm_dev_alloc(&pdev->dev, &vsvm_drm_driver, struct vsvm_device, drm);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	vdev->pdev = pdev;
	vdev->index = index;
	vdev->gpu_id = VSVM_GPU_ID_BASE + index;

	ret = dma_coerce_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;

	ret = vsvm_hw_bringup(vdev);
	if (ret)
		return ret;

	ret = vsvm_inject_load_error() ?: vsvm_sdma_init(vdev);
	if (ret)
		return ret;

	ret = vsvm_inject_load_error() ?: vsvm_mem_init(vdev);
	if (ret)
		return ret;

	ret = vsvm_svm_pagemap_init(vdev, vsvm_vram_phys_of(index));
	if (ret)
		return ret;

	vsvm_debugfs_init(vdev);
	ret = drm_dev_register(&vdev->drm, 0);
	if (ret)
		return ret;

	ret = vsvm_inject_load_error();
	if (ret) {
		drm_dev_unregister(&vdev->drm);
		return ret;
	}

	vsvm_devices[index] = vdev;
	return 0;
}

static int vsvm_gpu_create(unsigned int index)
{
	struct platform_device *pdev;
	char name[16];
	int ret;

	ret = vsvm_inject_load_error();
	if (ret)
		return ret;

	/*
	 * A name per GPU ("vsvm0", ...) rather than one name with instance ids:
	 * the modalias is made of the name, and libdrm tells platform devices
	 * apart by their modalias.
	 */
	snprintf(name, sizeof(name), VSVM_DRIVER_NAME "%u", index);
	pdev = platform_device_register_simple(name, PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);

	if (!devres_open_group(&pdev->dev, NULL, GFP_KERNEL)) {
		ret = -ENOMEM;
		goto err_unregister;
	}

	/* The group stays open: vsvm_gpu_destroy() releases it by the NULL id. */
	ret = vsvm_device_init(pdev, index);
	if (ret)
		goto err_release;
	return 0;

err_release:
	devres_release_group(&pdev->dev, NULL);
err_unregister:
	platform_device_unregister(pdev);
	return ret;
}

static void vsvm_gpu_destroy(unsigned int index)
{
	struct vsvm_device *vdev = vsvm_devices[index];
	struct platform_device *pdev;

	if (!vdev)
		return;
	pdev = vdev->pdev;
	vsvm_devices[index] = NULL;

	drm_dev_unplug(&vdev->drm);
	devres_release_group(&pdev->dev, NULL);
	platform_device_unregister(pdev);
}

static void vsvm_gpus_destroy(void)
{
	int i;

	for (i = VSVM_MAX_GPUS - 1; i >= 0; i--)
		vsvm_gpu_destroy(i);
}

static int __init vsvm_init(void)
{
	int ret, i;

	if (!vsvm_params_valid())
		return -EINVAL;

	vsvm_load_checkpoint = 0;
	ret = vsvm_inject_load_error();
	if (ret)
		return ret;

	for (i = 0; i < vsvm_num_gpus; i++) {
		ret = vsvm_gpu_create(i);
		if (ret) {
			vsvm_gpus_destroy();
			return ret;
		}
	}
	pr_info("%d GPUs, %llu MiB VRAM and %d compute units each\n",
		vsvm_num_gpus, vsvm_vram_size >> 20, vsvm_num_cus);
	return 0;
}

static void __exit vsvm_exit(void)
{
	vsvm_gpus_destroy();
	vsvm_svm_module_exit();
}

module_init(vsvm_init);
module_exit(vsvm_exit);

MODULE_AUTHOR("The vsvm authors");
MODULE_DESCRIPTION("vsvm: virtual GPU with shared virtual memory");
MODULE_LICENSE("GPL");
