/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright 2026 The vsvm authors
 */
#ifndef __VSVM_EVENT_H__
#define __VSVM_EVENT_H__

#include <linux/types.h>

struct drm_device;
struct drm_file;

/*
 * Event sources (vsvm_event.c). Each emits a tracepoint (vsvm_trace.h) and
 * a record (&struct drm_vsvm_event) to every events file that selected its
 * kind and process. @pid is the thread-group id of the process concerned,
 * gpu ids and locations are uAPI values (&vsvm_device.gpu_id,
 * VSVM_SVM_LOCATION_SYSMEM). Callable in any context, atomic included; cheap
 * when nobody listens.
 */
void vsvm_event_fault_start(pid_t pid, u32 gpu_id, u64 addr, u32 access);
void vsvm_event_fault_end(pid_t pid, u32 gpu_id, u64 addr, u32 access, u32 result);
void vsvm_event_migrate_start(pid_t pid, u32 gpu_id, u64 start, u64 size, u32 from, u32 to,
			      u32 trigger, u64 pages);
void vsvm_event_migrate_end(pid_t pid, u32 gpu_id, u64 start, u64 size, u32 from, u32 to,
			    u32 trigger, u64 pages);
void vsvm_event_eviction(pid_t pid, u32 gpu_id, u64 pages);
void vsvm_event_gpu_unmap(pid_t pid, u32 gpu_id, u64 start, u64 size, u32 trigger);
void vsvm_event_queue_suspend(pid_t pid, u32 gpu_id, u32 trigger);
void vsvm_event_queue_resume(pid_t pid, u32 gpu_id, u32 trigger);

int vsvm_ioctl_events_open(struct drm_device *drm, void *data, struct drm_file *file);
int vsvm_ioctl_svm_counters(struct drm_device *drm, void *data, struct drm_file *file);

#endif /* __VSVM_EVENT_H__ */
