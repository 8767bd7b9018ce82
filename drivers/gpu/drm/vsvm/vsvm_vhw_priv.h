/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright 2026 The vsvm authors
 */
#ifndef __VSVM_VHW_PRIV_H__
#define __VSVM_VHW_PRIV_H__

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "vsvm_vhw.h"

/*
 * Internals of the emulated GPU, shared by the vsvm_vhw_*.c files only. The
 * driver sees none of this: it goes through &vsvm_vhw_ops.
 */

struct dma_fence;
struct task_struct;

#define VSVM_VHW_VA_BITS	48
#define VSVM_VHW_PT_LEVELS	4
#define VSVM_VHW_PT_ENTRIES	512
/* A directory entry: the next-level table is in &vsvm_vhw_pt.children */
#define VSVM_VHW_PDE		VSVM_PTE_VALID

#define VSVM_VHW_TLB_ENTRIES	32
/* u64 elements of one bounce buffer: one chunk of a kernel */
#define VSVM_VHW_CHUNK_ITEMS	(SZ_4K / sizeof(u64))
/* Work items of one wave */
#define VSVM_VHW_WAVE_ITEMS	1024
#define VSVM_VHW_CU_BUFS	3
#define VSVM_VHW_IH_ENTRIES	VSVM_HW_IH_ENTRIES

/**
 * struct vsvm_vhw_pt - one page-table node (any of the 4 levels)
 * @ptes: the entries: leaf entries (VSVM_PTE_*) at level 0 and for 2 MiB
 *	leaves at level 1, %VSVM_VHW_PDE where a next-level table is in use,
 *	0 where nothing is mapped
 * @children: next-level tables, allocated by vm_prepare and freed by
 *	vm_trim (when they map nothing) or with the VM; absent (zero-sized) at
 *	level 0
 */
struct vsvm_vhw_pt {
	u64 ptes[VSVM_VHW_PT_ENTRIES];
	struct vsvm_vhw_pt *children[];
};

/**
 * struct vsvm_vhw_counters - GPU-wide performance counters
 * @faults: fault entries posted
 * @replays: waves resumed by a replay
 * @invalidations: TLB invalidation requests
 * @waves: waves whose kernel ran to completion
 * @dispatches: dispatch fences signalled
 * @copy_bytes: bytes moved or filled by the copy engine
 * @pt_bytes: bytes of page tables of every VM now
 */
struct vsvm_vhw_counters {
	atomic64_t faults;
	atomic64_t replays;
	atomic64_t invalidations;
	atomic64_t waves;
	atomic64_t dispatches;
	atomic64_t copy_bytes;
	atomic64_t pt_bytes;
};

/**
 * struct vsvm_hw_vm - a GPU VM: one page table
 * @hw: the GPU
 * @vmid: the driver's id, reported in fault entries
 * @asid: TLB tag, unique over the GPU's lifetime, so that stale TLB entries
 *	of a destroyed VM can never match a later one
 * @root: level-3 table
 * @replay_seq: bumped by each vm_replay
 * @replay_wq: waves stalled on a fault in this VM wait here
 */
struct vsvm_hw_vm {
	struct vsvm_hw *hw;
	u32 vmid;
	u64 asid;
	struct vsvm_vhw_pt *root;
	atomic_t replay_seq;
	wait_queue_head_t replay_wq;
};

/**
 * struct vsvm_vhw_job - a dispatch inside the hardware
 * @link: entry in &vsvm_hw_queue.pending, or in a local list of jobs to
 *	signal
 * @d: the dispatch
 * @fence: signalled once when the job finishes (a reference)
 * @num_waves: waves the dispatch is split into
 * @next_wave: next wave to hand to a compute unit
 * @waves_left: waves that have not yet finished successfully; the wave
 *	that brings it to zero finishes the dispatch (writes a reduction)
 * @acc: reduction result, accumulated by the waves
 * @running: waves of this job on compute units
 * @complete: every wave and the final write succeeded
 * @error: non-zero once the job was aborted; the job then is no longer
 *	its queue's current job
 *
 * @next_wave, @running, @complete and @error are protected by
 * &vsvm_hw.sched_lock; @error is also read without it (WRITE_ONCE/READ_ONCE).
 */
struct vsvm_vhw_job {
	struct list_head link;
	struct vsvm_hw_dispatch d;
	struct dma_fence *fence;
	u64 num_waves;
	u64 next_wave;
	atomic64_t waves_left;
	atomic64_t acc;
	unsigned int running;
	bool complete;
	int error;
};

/**
 * struct vsvm_hw_queue - a hardware queue
 * @hw: the GPU
 * @vm: the VM its waves translate through
 * @qid: the driver's id, reported in fault entries
 * @flags: VSVM_HW_QUEUE_*
 * @link: entry in &vsvm_hw.queues, the round-robin run list
 * @pending: jobs waiting for @cur to finish
 * @cur: the job whose waves run now, or NULL
 * @suspend: nesting count of queue_suspend
 * @halted: failed by queue_fail: dispatches are cancelled until reset
 * @active: waves of this queue on compute units (running, parked or
 *	stalled)
 * @executing: waves of @active that are neither parked nor stalled
 * @park_wq: waves parked by a suspension wait here
 * @idle_wq: suspend, reset and destroy wait here for @executing or
 *	@active to drop to zero
 *
 * Every field but the constant ones is protected by &vsvm_hw.sched_lock;
 * @suspend, @active and @executing are also read without it.
 */
struct vsvm_hw_queue {
	struct vsvm_hw *hw;
	struct vsvm_hw_vm *vm;
	u32 qid;
	u32 flags;
	struct list_head link;
	struct list_head pending;
	struct vsvm_vhw_job *cur;
	unsigned int suspend;
	bool halted;
	unsigned int active;
	unsigned int executing;
	wait_queue_head_t park_wq;
	wait_queue_head_t idle_wq;
};

/**
 * struct vsvm_vhw_wave - the wave a compute unit runs
 * @cu: the compute unit
 * @q: its queue
 * @job: its dispatch
 * @index: wave number within the dispatch
 * @acc: the wave's part of a reduction
 * @executing: counted in &vsvm_hw_queue.executing
 */
struct vsvm_vhw_wave {
	struct vsvm_vhw_cu *cu;
	struct vsvm_hw_queue *q;
	struct vsvm_vhw_job *job;
	u64 index;
	u64 acc;
	bool executing;
};

/**
 * struct vsvm_vhw_tlb_entry - one cached translation
 * @asid: &vsvm_hw_vm.asid of the VM, 0 for an empty entry
 * @va: first GPU VA the entry maps, aligned to its size
 * @pte: the leaf entry as read (with the accessed/dirty bits it set)
 * @shift: log2 of the size it maps
 */
struct vsvm_vhw_tlb_entry {
	u64 asid;
	u64 va;
	u64 pte;
	unsigned int shift;
};

/**
 * struct vsvm_vhw_cu - a compute unit
 * @hw: the GPU
 * @thread: the kthread that runs its waves
 * @lock: protects @tlb and @tlb_victim, and is held from a translation
 *	through the data access that uses it (at most one 4 KiB page), so
 *	that an invalidation that takes it knows no access still uses an old
 *	translation
 * @tlb: fully associative TLB
 * @tlb_victim: next entry to replace
 * @tlb_hits: translations served by @tlb (written under @lock)
 * @tlb_misses: translations that walked the page table (written under
 *	@lock)
 * @buf: bounce buffers of %VSVM_VHW_CHUNK_ITEMS elements for the kernels
 * @wave: the wave it runs, valid while @wave.job is set
 */
struct vsvm_vhw_cu {
	struct vsvm_hw *hw;
	struct task_struct *thread;
	spinlock_t lock; /* TLB, held across translation and access */
	struct vsvm_vhw_tlb_entry tlb[VSVM_VHW_TLB_ENTRIES];
	unsigned int tlb_victim;
	u64 tlb_hits;
	u64 tlb_misses;
	u64 *buf[VSVM_VHW_CU_BUFS];
	struct vsvm_vhw_wave wave;
};

/**
 * struct vsvm_vhw_sdma - the copy engine
 * @thread: kthread running the submissions in order
 * @lock: protects @jobs
 * @jobs: submissions not yet started
 * @wq: @thread waits here for submissions
 */
struct vsvm_vhw_sdma {
	struct task_struct *thread;
	spinlock_t lock; /* protects @jobs */
	struct list_head jobs;
	wait_queue_head_t wq;
};

/**
 * struct vsvm_vhw_ih - the interrupt ring
 * @lock: protects the other fields
 * @ring: %VSVM_VHW_IH_ENTRIES entries
 * @head: index of the oldest entry
 * @count: entries in the ring
 * @overflows: entries dropped because the ring was full (written under @lock,
 *	read without it)
 */
struct vsvm_vhw_ih {
	spinlock_t lock; /* protects the ring */
	struct vsvm_hw_ih_entry *ring;
	unsigned int head;
	unsigned int count;
	u64 overflows;
};

/**
 * struct vsvm_hw - one emulated GPU
 * @cfg: the configuration it was created with
 * @vram: VRAM, @cfg.vram_size bytes of vmalloc memory, or the mapping of
 *	@cfg.vram_phys
 * @next_asid: last &vsvm_hw_vm.asid handed out
 * @sched_lock: protects @queues and the state of queues and jobs
 * @queues: every queue (&vsvm_hw_queue.link), in round-robin order
 * @cu_wq: idle compute units wait here for waves
 * @cus: @cfg.num_cus compute units
 * @sdma: the copy engine
 * @ih: the interrupt ring
 * @counters: performance counters (TLB counters are per compute unit)
 */
struct vsvm_hw {
	struct vsvm_hw_config cfg;
	void *vram;
	atomic64_t next_asid;
	spinlock_t sched_lock; /* queues and jobs */
	struct list_head queues;
	wait_queue_head_t cu_wq;
	struct vsvm_vhw_cu *cus;
	struct vsvm_vhw_sdma sdma;
	struct vsvm_vhw_ih ih;
	struct vsvm_vhw_counters counters;
};

/* vsvm_vhw.c: the memory behind addresses */
void *vsvm_vhw_vram_ptr(struct vsvm_hw *hw, u64 offset, u64 len);
void *vsvm_vhw_sys_ptr(struct vsvm_hw *hw, u64 dma_addr);
struct vsvm_hw *vsvm_vhw_peer(u32 index);
void *vsvm_vhw_peer_ptr(u32 index, u64 offset, u64 len);

/* vsvm_vhw_mmu.c: page tables, TLBs, translated accesses */
struct vsvm_hw_vm *vsvm_vhw_vm_create(struct vsvm_hw *hw, u32 vmid);
void vsvm_vhw_vm_destroy(struct vsvm_hw_vm *vm);
int vsvm_vhw_vm_prepare(struct vsvm_hw_vm *vm, u64 va, u64 size, gfp_t gfp);
void vsvm_vhw_vm_write_ptes(struct vsvm_hw_vm *vm, u64 va, const u64 *ptes,
			    unsigned int n, unsigned int shift);
void vsvm_vhw_vm_clear(struct vsvm_hw_vm *vm, u64 va, u64 size);
void vsvm_vhw_vm_trim(struct vsvm_hw_vm *vm, u64 va, u64 size);
u64 vsvm_vhw_vm_read_pte(struct vsvm_hw_vm *vm, u64 va, unsigned int *shift);
void vsvm_vhw_tlb_invalidate(struct vsvm_hw_vm *vm, u64 va, u64 size);
int vsvm_vhw_mmu_access(struct vsvm_vhw_cu *cu, struct vsvm_hw_vm *vm, u64 va,
			void *buf, size_t len, u32 access);

/* vsvm_vhw_cu.c: compute units and queues */
int vsvm_vhw_cus_init(struct vsvm_hw *hw);
void vsvm_vhw_cus_fini(struct vsvm_hw *hw);
void vsvm_vhw_vm_replay(struct vsvm_hw_vm *vm);
struct vsvm_hw_queue *vsvm_vhw_queue_create(struct vsvm_hw_vm *vm, u32 qid, u32 flags);
void vsvm_vhw_queue_destroy(struct vsvm_hw_queue *q);
int vsvm_vhw_queue_dispatch(struct vsvm_hw_queue *q, const struct vsvm_hw_dispatch *d,
			    struct dma_fence *done);
void vsvm_vhw_queue_suspend(struct vsvm_hw_queue *q);
void vsvm_vhw_queue_resume(struct vsvm_hw_queue *q);
void vsvm_vhw_queue_fail(struct vsvm_hw_queue *q);
void vsvm_vhw_queue_reset(struct vsvm_hw_queue *q, int error);
int vsvm_vhw_wave_access(struct vsvm_vhw_wave *w, u64 va, void *buf, size_t len, u32 access);

/* vsvm_vhw_kernels.c: the built-in kernels */
int vsvm_vhw_kernel_check(const struct vsvm_hw_dispatch *d);
u64 vsvm_vhw_kernel_waves(const struct vsvm_hw_dispatch *d);
int vsvm_vhw_kernel_run(struct vsvm_vhw_wave *w);
int vsvm_vhw_kernel_finish(struct vsvm_vhw_wave *w, u64 result);

/* vsvm_vhw_sdma.c: the copy engine */
int vsvm_vhw_sdma_init(struct vsvm_hw *hw);
void vsvm_vhw_sdma_fini(struct vsvm_hw *hw);
int vsvm_vhw_copy(struct vsvm_hw *hw, const struct vsvm_hw_copy_desc *descs,
		  unsigned int n, struct dma_fence *done);

/* vsvm_vhw_ih.c: the interrupt ring */
int vsvm_vhw_ih_init(struct vsvm_hw *hw);
void vsvm_vhw_ih_fini(struct vsvm_hw *hw);
void vsvm_vhw_ih_post(struct vsvm_hw *hw, const struct vsvm_hw_ih_entry *entry);
bool vsvm_vhw_ih_pop(struct vsvm_hw *hw, struct vsvm_hw_ih_entry *entry);

#endif /* __VSVM_VHW_PRIV_H__ */
