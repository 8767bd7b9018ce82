/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright 2026 The vsvm authors
 */

/*
 * Tracepoints of the SVM memory manager (TRACE_SYSTEM vsvm), one per kind of
 * event record (&struct drm_vsvm_event), with the same fields. They are fired
 * by the vsvm_event_*() functions (vsvm_event.c), which define them.
 */

#undef TRACE_SYSTEM
#define TRACE_SYSTEM vsvm

#if !defined(__VSVM_TRACE_H__) || defined(TRACE_HEADER_MULTI_READ)
#define __VSVM_TRACE_H__

#include <linux/tracepoint.h>
#include <linux/types.h>

#include <uapi/drm/vsvm_drm.h>

#define vsvm_trace_access(access)					\
	__print_flags(access, "",					\
		      { VSVM_ACCESS_READ, "R" },			\
		      { VSVM_ACCESS_WRITE, "W" },			\
		      { VSVM_ACCESS_ATOMIC, "A" },			\
		      { VSVM_ACCESS_EXEC, "X" })

#define vsvm_trace_result(result)					\
	__print_symbolic(result,					\
			 { VSVM_FAULT_MAPPED, "mapped" },		\
			 { VSVM_FAULT_MIGRATED, "migrated" },		\
			 { VSVM_FAULT_RETRY, "retry" },			\
			 { VSVM_FAULT_FATAL, "fatal" })

/* A location: system memory, or a gpu_id (printed in hex) */
#define vsvm_trace_location(loc)					\
	__print_symbolic(loc, { VSVM_SVM_LOCATION_SYSMEM, "sysmem" })

#define vsvm_trace_migrate_trigger(trigger)				\
	__print_symbolic(trigger,					\
			 { VSVM_MIGRATE_TRIGGER_PREFETCH, "prefetch" },	\
			 { VSVM_MIGRATE_TRIGGER_GPU_FAULT, "gpu_fault" }, \
			 { VSVM_MIGRATE_TRIGGER_CPU_FAULT, "cpu_fault" }, \
			 { VSVM_MIGRATE_TRIGGER_EVICTION, "eviction" })

#define vsvm_trace_unmap_trigger(trigger)				\
	__print_symbolic(trigger,					\
			 { VSVM_UNMAP_TRIGGER_CPU_UNMAP, "cpu_unmap" },	\
			 { VSVM_UNMAP_TRIGGER_MIGRATION, "migration" },	\
			 { VSVM_UNMAP_TRIGGER_CPU_CHANGE, "cpu_change" }, \
			 { VSVM_UNMAP_TRIGGER_ADVICE, "advice" })

#define vsvm_trace_queue_trigger(trigger)				\
	__print_symbolic(trigger,					\
			 { VSVM_QUEUE_TRIGGER_INVALIDATION, "invalidation" })

TRACE_EVENT(vsvm_fault_start,
	    TP_PROTO(pid_t pid, u32 gpu_id, u64 addr, u32 access),
	    TP_ARGS(pid, gpu_id, addr, access),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(u32, gpu_id)
			     __field(u64, addr)
			     __field(u32, access)),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->gpu_id = gpu_id;
			   __entry->addr = addr;
			   __entry->access = access;),
	    TP_printk("pid=%d gpu=%#x addr=%#llx access=%s",
		      __entry->pid, __entry->gpu_id, __entry->addr,
		      vsvm_trace_access(__entry->access))
);

TRACE_EVENT(vsvm_fault_end,
	    TP_PROTO(pid_t pid, u32 gpu_id, u64 addr, u32 access, u32 result),
	    TP_ARGS(pid, gpu_id, addr, access, result),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(u32, gpu_id)
			     __field(u64, addr)
			     __field(u32, access)
			     __field(u32, result)),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->gpu_id = gpu_id;
			   __entry->addr = addr;
			   __entry->access = access;
			   __entry->result = result;),
	    TP_printk("pid=%d gpu=%#x addr=%#llx access=%s result=%s",
		      __entry->pid, __entry->gpu_id, __entry->addr,
		      vsvm_trace_access(__entry->access),
		      vsvm_trace_result(__entry->result))
);

DECLARE_EVENT_CLASS(vsvm_migrate,
		    TP_PROTO(pid_t pid, u32 gpu_id, u64 addr, u64 size, u32 from, u32 to,
			     u32 trigger, u64 count),
		    TP_ARGS(pid, gpu_id, addr, size, from, to, trigger, count),
		    TP_STRUCT__entry(__field(pid_t, pid)
				     __field(u32, gpu_id)
				     __field(u64, addr)
				     __field(u64, size)
				     __field(u32, from)
				     __field(u32, to)
				     __field(u32, trigger)
				     __field(u64, count)),
		    TP_fast_assign(__entry->pid = pid;
				   __entry->gpu_id = gpu_id;
				   __entry->addr = addr;
				   __entry->size = size;
				   __entry->from = from;
				   __entry->to = to;
				   __entry->trigger = trigger;
				   __entry->count = count;),
		    TP_printk("pid=%d gpu=%#x addr=%#llx size=%#llx %s->%s count=%llu trigger=%s",
			      __entry->pid, __entry->gpu_id, __entry->addr, __entry->size,
			      vsvm_trace_location(__entry->from), vsvm_trace_location(__entry->to),
			      __entry->count, vsvm_trace_migrate_trigger(__entry->trigger))
);

DEFINE_EVENT(vsvm_migrate, vsvm_migrate_start,
	     TP_PROTO(pid_t pid, u32 gpu_id, u64 addr, u64 size, u32 from, u32 to,
		      u32 trigger, u64 count),
	     TP_ARGS(pid, gpu_id, addr, size, from, to, trigger, count)
);

DEFINE_EVENT(vsvm_migrate, vsvm_migrate_end,
	     TP_PROTO(pid_t pid, u32 gpu_id, u64 addr, u64 size, u32 from, u32 to,
		      u32 trigger, u64 count),
	     TP_ARGS(pid, gpu_id, addr, size, from, to, trigger, count)
);

TRACE_EVENT(vsvm_eviction,
	    TP_PROTO(pid_t pid, u32 gpu_id, u64 count),
	    TP_ARGS(pid, gpu_id, count),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(u32, gpu_id)
			     __field(u64, count)),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->gpu_id = gpu_id;
			   __entry->count = count;),
	    TP_printk("pid=%d gpu=%#x count=%llu",
		      __entry->pid, __entry->gpu_id, __entry->count)
);

TRACE_EVENT(vsvm_gpu_unmap,
	    TP_PROTO(pid_t pid, u32 gpu_id, u64 addr, u64 size, u32 trigger),
	    TP_ARGS(pid, gpu_id, addr, size, trigger),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(u32, gpu_id)
			     __field(u64, addr)
			     __field(u64, size)
			     __field(u32, trigger)),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->gpu_id = gpu_id;
			   __entry->addr = addr;
			   __entry->size = size;
			   __entry->trigger = trigger;),
	    TP_printk("pid=%d gpu=%#x addr=%#llx size=%#llx trigger=%s",
		      __entry->pid, __entry->gpu_id, __entry->addr, __entry->size,
		      vsvm_trace_unmap_trigger(__entry->trigger))
);

DECLARE_EVENT_CLASS(vsvm_queue,
		    TP_PROTO(pid_t pid, u32 gpu_id, u32 trigger),
		    TP_ARGS(pid, gpu_id, trigger),
		    TP_STRUCT__entry(__field(pid_t, pid)
				     __field(u32, gpu_id)
				     __field(u32, trigger)),
		    TP_fast_assign(__entry->pid = pid;
				   __entry->gpu_id = gpu_id;
				   __entry->trigger = trigger;),
		    TP_printk("pid=%d gpu=%#x trigger=%s",
			      __entry->pid, __entry->gpu_id,
			      vsvm_trace_queue_trigger(__entry->trigger))
);

DEFINE_EVENT(vsvm_queue, vsvm_queue_suspend,
	     TP_PROTO(pid_t pid, u32 gpu_id, u32 trigger),
	     TP_ARGS(pid, gpu_id, trigger)
);

DEFINE_EVENT(vsvm_queue, vsvm_queue_resume,
	     TP_PROTO(pid_t pid, u32 gpu_id, u32 trigger),
	     TP_ARGS(pid, gpu_id, trigger)
);

#endif /* __VSVM_TRACE_H__ */

/* Outside the guard: define_trace.h reads this file again */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vsvm_trace
#include <trace/define_trace.h>
