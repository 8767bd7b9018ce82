/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright 2026 The vsvm authors
 */
#ifndef __VSVM_VHW_H__
#define __VSVM_VHW_H__

#include <linux/bits.h>
#include <linux/types.h>

/**
 * DOC: virtual hardware interface
 *
 * The driver reaches the GPU only through &struct vsvm_hw_ops, the way a
 * driver reaches real hardware through its registers. The vsvm_vhw_*.c files
 * implement the ops with a GPU emulated in the kernel; a real backend would
 * implement the same table. Nothing outside the vsvm_vhw_* files includes the
 * emulation's internals (vsvm_vhw_priv.h).
 *
 * The GPU has:
 *
 * - VRAM of &vsvm_hw_config.vram_size bytes, addressed by offset. The CPU
 *   reaches it through a BAR: &vsvm_hw_ops.vram_pfn gives the page frame
 *   that backs an offset, for mapping it into user space. With
 *   &vsvm_hw_config.vram_phys the VRAM is the given range of physical
 *   memory on a cache-coherent link (the BAR is that range); else it is
 *   memory the CPU only reaches through the BAR's page frames.
 * - GPU VMs, each a 4-level page table (48-bit VA, 512 entries per level,
 *   4 KiB leaves at level 0 and 2 MiB leaves at level 1). Entries use the
 *   VSVM_PTE_* format below: the address is a VRAM offset, or with
 *   %VSVM_PTE_SYSTEM a DMA address of system memory for
 *   &vsvm_hw_config.dev, or with %VSVM_PTE_PEER an offset into the VRAM of
 *   the peer GPU whose index is in %VSVM_PTE_PEER_MASK. The hardware sets
 *   %VSVM_PTE_ACCESSED and
 *   %VSVM_PTE_DIRTY itself. Each compute unit caches translations in its TLB;
 *   &vsvm_hw_ops.tlb_invalidate returns only when no compute unit can still
 *   use an old translation of the range, in-flight accesses included.
 * - Compute units that run dispatches of the built-in kernels
 *   (VSVM_HW_KERNEL_*) for the queues. Every access is translated through the
 *   VM's page table. An access that misses or lacks a permission stalls its
 *   wave and posts a %VSVM_HW_IH_FAULT entry to the interrupt ring; the driver
 *   answers with &vsvm_hw_ops.vm_replay (the wave retries the access) or
 *   &vsvm_hw_ops.queue_fail (the queue halts). A compute unit runs one wave
 *   at a time and has at most one fault the driver has not answered. A
 *   driver that drains the whole ring (%VSVM_HW_IH_ENTRIES entries) before
 *   each replay never finds more than two entries per compute unit in it, so
 *   with at most %VSVM_HW_MAX_CUS compute units the ring cannot overflow.
 * - A copy engine that runs copy and fill descriptors between VRAM offsets,
 *   offsets into a peer GPU's VRAM and DMA addresses of system pages, in
 *   order, in chunks, and signals a fence per submission.
 * - A link to its peers: every GPU created by the backend (indices 0 ..
 *   %VSVM_HW_MAX_PEERS - 1) reaches the VRAM of the others, for page-table
 *   entries and copies, atomics included (an XGMI-like hive). A peer must
 *   not be destroyed while another GPU's entries or copies still point to
 *   its VRAM.
 * - An interrupt ring: the hardware calls &vsvm_hw_config.irq after posting
 *   entries; the driver pops them with &vsvm_hw_ops.ih_pop.
 *
 * The hardware never keeps a struct page: it reaches memory only through the
 * addresses in page-table entries and copy descriptors. A translation the
 * driver forgot to invalidate is therefore a use-after-free: KASAN reports it
 * while the page is free, and once the page is reused the GPU corrupts its new
 * owner, as real hardware would.
 *
 * Page-table writes of one VM must be serialised by the driver; the compute
 * units read the tables concurrently. Queue operations of one queue must be
 * serialised by the driver.
 */

struct device;
struct dma_fence;
struct vsvm_hw;
struct vsvm_hw_vm;
struct vsvm_hw_queue;

/* Page-table entry format (leaf entries; level-1 leaves also set HUGE) */
#define VSVM_PTE_VALID		BIT_ULL(0)
#define VSVM_PTE_READ		BIT_ULL(1)
#define VSVM_PTE_WRITE		BIT_ULL(2)
#define VSVM_PTE_ATOMIC		BIT_ULL(3)
#define VSVM_PTE_SYSTEM		BIT_ULL(4)
#define VSVM_PTE_ACCESSED	BIT_ULL(5)
#define VSVM_PTE_DIRTY		BIT_ULL(6)
#define VSVM_PTE_HUGE		BIT_ULL(7)
#define VSVM_PTE_EXEC		BIT_ULL(8)
#define VSVM_PTE_PEER		BIT_ULL(9)
#define VSVM_PTE_ADDR_MASK	GENMASK_ULL(51, 12)
#define VSVM_PTE_PEER_MASK	GENMASK_ULL(54, 52)
#define VSVM_PTE_PEER_SHIFT	52

/* GPUs on one link: peer indices fit in %VSVM_PTE_PEER_MASK */
#define VSVM_HW_MAX_PEERS	8

#define VSVM_HW_PAGE_SHIFT	12
#define VSVM_HW_HUGE_SHIFT	21

/* Access kinds, in fault entries */
#define VSVM_HW_ACCESS_READ	BIT(0)
#define VSVM_HW_ACCESS_WRITE	BIT(1)
#define VSVM_HW_ACCESS_ATOMIC	BIT(2)
#define VSVM_HW_ACCESS_EXEC	BIT(3)

/**
 * vsvm_hw_pte_allows() - whether a leaf entry allows an access
 * @pte: the entry
 * @access: VSVM_HW_ACCESS_* bits
 *
 * The hardware's permission rule: a valid entry, READ for reads, WRITE for
 * writes, ATOMIC and WRITE for atomics, EXEC and READ for instruction
 * fetches.
 *
 * Return: true if an access of kind @access through @pte does not fault.
 */
static inline bool vsvm_hw_pte_allows(u64 pte, u32 access)
{
	u64 need = VSVM_PTE_VALID;

	if (access & VSVM_HW_ACCESS_READ)
		need |= VSVM_PTE_READ;
	if (access & VSVM_HW_ACCESS_WRITE)
		need |= VSVM_PTE_WRITE;
	if (access & VSVM_HW_ACCESS_ATOMIC)
		need |= VSVM_PTE_ATOMIC | VSVM_PTE_WRITE;
	if (access & VSVM_HW_ACCESS_EXEC)
		need |= VSVM_PTE_EXEC | VSVM_PTE_READ;
	return (pte & need) == need;
}

/* Built-in kernels (same numbers as the uAPI's VSVM_KERNEL_*) */
#define VSVM_HW_KERNEL_FILL		0
#define VSVM_HW_KERNEL_COPY		1
#define VSVM_HW_KERNEL_CHECKSUM		2
#define VSVM_HW_KERNEL_VERIFY		3
#define VSVM_HW_KERNEL_ATOMIC_ADD	4
#define VSVM_HW_KERNEL_POINTER_CHASE	5
#define VSVM_HW_KERNEL_GATHER		6
#define VSVM_HW_KERNEL_SCATTER		7
#define VSVM_HW_KERNEL_TRIAD		8
#define VSVM_HW_KERNEL_PROGRAM		9
#define VSVM_HW_KERNEL_BFS_LEVEL	10
#define VSVM_HW_KERNEL_COUNT		11

/* Most compute units a GPU can have */
#define VSVM_HW_MAX_CUS			256
/* Entries of the interrupt ring: two per compute unit */
#define VSVM_HW_IH_ENTRIES		(2 * VSVM_HW_MAX_CUS)

/* Depth of a vertex VSVM_HW_KERNEL_BFS_LEVEL has not reached */
#define VSVM_HW_BFS_UNREACHED		(~0ULL)

/* Longest program of VSVM_HW_KERNEL_PROGRAM, in instructions */
#define VSVM_HW_PROGRAM_MAX		512

#define VSVM_HW_DISPATCH_ARGS	6

/* vsvm_hw_ops.queue_create flags */
#define VSVM_HW_QUEUE_NO_RETRY	BIT(0)

/* vsvm_hw_copy_desc.flags */
#define VSVM_HW_COPY_SRC_SYSTEM	BIT(0)
#define VSVM_HW_COPY_DST_SYSTEM	BIT(1)
#define VSVM_HW_COPY_FILL	BIT(2)
#define VSVM_HW_COPY_SRC_PEER	BIT(3)
#define VSVM_HW_COPY_DST_PEER	BIT(4)

/* vsvm_hw_ih_entry.type */
#define VSVM_HW_IH_FAULT	1

/**
 * struct vsvm_hw_config - what the driver asks the hardware to be
 * @index: GPU index (0 .. num_gpus - 1)
 * @vram_size: bytes of VRAM, a multiple of 2 MiB
 * @vram_phys: physical address of the VRAM on a coherent link (reserved
 *	memory that is not System RAM, page aligned), or 0 for VRAM behind a
 *	BAR only
 * @num_cus: number of compute units, 1 to %VSVM_HW_MAX_CUS
 * @dev: the device whose DMA addresses appear in system PTEs and copy
 *	descriptors
 * @irq: interrupt line, called after entries were posted to the interrupt
 *	ring; may be called in atomic context and must not sleep
 * @irq_data: argument of @irq
 */
struct vsvm_hw_config {
	unsigned int index;
	u64 vram_size;
	phys_addr_t vram_phys;
	unsigned int num_cus;
	struct device *dev;
	void (*irq)(void *irq_data);
	void *irq_data;
};

/**
 * struct vsvm_hw_caps - what the hardware reports about itself
 * @vram_size: bytes of VRAM
 * @num_cus: compute units that run dispatches
 * @page_sizes: page sizes its page table maps (bit n set: 2^n bytes)
 * @va_bits: width of a GPU virtual address
 * @retry_faults: the compute units can stall on a fault and replay
 */
struct vsvm_hw_caps {
	u64 vram_size;
	unsigned int num_cus;
	u64 page_sizes;
	unsigned int va_bits;
	bool retry_faults;
};

/**
 * struct vsvm_hw_stats - hardware performance counters, monotonic
 * @tlb_hits: translations served by a TLB
 * @tlb_misses: translations that walked the page table
 * @faults: fault entries posted
 * @ih_overflows: fault entries dropped because the interrupt ring was full
 *	(none while the driver drains it as the ring's DOC asks)
 * @replays: waves resumed by a replay
 * @invalidations: TLB invalidation requests
 * @waves: waves run to completion
 * @dispatches: dispatches completed, with or without error
 * @copy_bytes: bytes moved or filled by the copy engine
 * @pt_bytes: bytes of page tables of every VM now (not monotonic)
 */
struct vsvm_hw_stats {
	u64 tlb_hits;
	u64 tlb_misses;
	u64 faults;
	u64 ih_overflows;
	u64 replays;
	u64 invalidations;
	u64 waves;
	u64 dispatches;
	u64 copy_bytes;
	u64 pt_bytes;
};

/**
 * struct vsvm_hw_dispatch - one kernel launch
 * @kernel: VSVM_HW_KERNEL_*
 * @grid: number of work items
 * @args: kernel arguments (GPU virtual addresses and values), as in the
 *	uAPI's description of each kernel
 */
struct vsvm_hw_dispatch {
	u32 kernel;
	u64 grid;
	u64 args[VSVM_HW_DISPATCH_ARGS];
};

/**
 * struct vsvm_hw_copy_desc - one copy-engine descriptor
 * @src: source VRAM offset, or DMA address with %VSVM_HW_COPY_SRC_SYSTEM,
 *	or offset into @peer's VRAM with %VSVM_HW_COPY_SRC_PEER, or with
 *	%VSVM_HW_COPY_FILL the 64-bit value to fill with
 * @dst: destination VRAM offset, or DMA address with
 *	%VSVM_HW_COPY_DST_SYSTEM, or offset into @peer's VRAM with
 *	%VSVM_HW_COPY_DST_PEER
 * @size: bytes, a multiple of 8; a system address range must not cross
 *	from one DMA mapping into another
 * @flags: VSVM_HW_COPY_*; at most one side is a peer's VRAM
 * @peer: index of the peer GPU of a PEER side
 */
struct vsvm_hw_copy_desc {
	u64 src;
	u64 dst;
	u64 size;
	u32 flags;
	u32 peer;
};

/**
 * struct vsvm_hw_ih_entry - one interrupt-ring entry
 * @type: %VSVM_HW_IH_FAULT
 * @vmid: VM of the faulting access (as given to vm_create)
 * @qid: queue of the faulting wave (as given to queue_create)
 * @access: VSVM_HW_ACCESS_* of the faulting access
 * @retry: the wave stalls and can be replayed; false on a no-retry queue,
 *	where the driver must fail the queue
 * @va: faulting GPU virtual address (byte address)
 * @timestamp: ktime_get_ns() when the fault was raised
 */
struct vsvm_hw_ih_entry {
	u32 type;
	u32 vmid;
	u32 qid;
	u32 access;
	bool retry;
	u64 va;
	u64 timestamp;
};

/**
 * struct vsvm_hw_ops - the narrow interface between driver and GPU
 * @create: bring up one GPU described by a config; returns the instance
 *	or an ERR_PTR. VRAM content is zero.
 * @destroy: power the GPU down and free it; every VM and queue must have
 *	been destroyed and the copy engine idle
 * @caps: report the GPU's capabilities
 * @stats: read the performance counters
 * @vram_pfn: page frame backing the VRAM page at a byte offset (the BAR),
 *	for CPU mappings of VRAM
 * @vm_create: create an empty VM with the driver's id @vmid, or ERR_PTR
 * @vm_destroy: free a VM and its page tables; no queue may still use it
 * @vm_prepare: allocate the page-table levels that 4 KiB entries over
 *	[va, va + size) need (may sleep, uses @gfp); 0 or -ENOMEM
 * @vm_write_ptes: write @n leaf entries of size 1 << @shift (12 or 21)
 *	starting at @va, which is aligned to that size; never allocates: the
 *	tables must have been prepared. A 2 MiB entry replaces whatever the
 *	level-1 slot held.
 * @vm_clear: make every leaf entry in [va, va + size) invalid (4 KiB and
 *	2 MiB; both bounds 4 KiB aligned, a 2 MiB entry only partly covered
 *	is cleared whole); does not flush TLBs; never allocates or sleeps
 * @vm_trim: free the page tables under [va, va + size) that map nothing
 *	(after vm_clear); returns once no compute unit can still walk them;
 *	may sleep; a page-table write. vm_prepare makes them again.
 * @vm_read_pte: the leaf entry translating @va, with the hardware's
 *	accessed and dirty bits, or 0; its size shift in @shift
 * @tlb_invalidate: flush [va, va + size) of the VM from every TLB and wait
 *	until no in-flight access uses an old translation; may sleep
 * @vm_replay: let every wave stalled on a fault in this VM retry its access
 * @queue_create: create a queue of the VM with the driver's id @qid and
 *	VSVM_HW_QUEUE_* @flags, or ERR_PTR
 * @queue_destroy: abort the queue's work (pending fences signal with
 *	-ECANCELED) and free it
 * @queue_dispatch: append a dispatch to the queue (queues run their
 *	dispatches in order); the hardware signals @done when every wave has
 *	finished, with an error if the dispatch was failed or aborted. Takes a
 *	reference on @done. Returns 0 or -ENOMEM.
 * @queue_suspend: stop the queue at a safe point; returns when none of its
 *	waves executes (stalled waves stay stalled)
 * @queue_resume: let a suspended queue continue
 * @queue_fail: halt the queue after a fatal fault: its waves stop, the
 *	current dispatch signals -EFAULT, queued and later dispatches
 *	-ECANCELED, until @queue_reset
 * @queue_reset: abort everything on the queue, signalling the current and
 *	queued dispatches with @error, and clear a halt; returns when none of
 *	its waves runs
 * @copy: append descriptors to the copy engine; @descs must stay valid
 *	until @done signals (with -EINVAL for a descriptor outside VRAM).
 *	Takes a reference on @done. Returns 0 or -ENOMEM.
 * @ih_pop: pop the oldest interrupt-ring entry into @entry; false when the
 *	ring is empty
 */
struct vsvm_hw_ops {
	struct vsvm_hw *(*create)(const struct vsvm_hw_config *cfg);
	void (*destroy)(struct vsvm_hw *hw);
	void (*caps)(const struct vsvm_hw *hw, struct vsvm_hw_caps *caps);
	void (*stats)(const struct vsvm_hw *hw, struct vsvm_hw_stats *stats);
	unsigned long (*vram_pfn)(const struct vsvm_hw *hw, u64 offset);

	struct vsvm_hw_vm *(*vm_create)(struct vsvm_hw *hw, u32 vmid);
	void (*vm_destroy)(struct vsvm_hw_vm *vm);
	int (*vm_prepare)(struct vsvm_hw_vm *vm, u64 va, u64 size, gfp_t gfp);
	void (*vm_write_ptes)(struct vsvm_hw_vm *vm, u64 va, const u64 *ptes,
			      unsigned int n, unsigned int shift);
	void (*vm_clear)(struct vsvm_hw_vm *vm, u64 va, u64 size);
	void (*vm_trim)(struct vsvm_hw_vm *vm, u64 va, u64 size);
	u64 (*vm_read_pte)(struct vsvm_hw_vm *vm, u64 va, unsigned int *shift);
	void (*tlb_invalidate)(struct vsvm_hw_vm *vm, u64 va, u64 size);
	void (*vm_replay)(struct vsvm_hw_vm *vm);

	struct vsvm_hw_queue *(*queue_create)(struct vsvm_hw_vm *vm, u32 qid, u32 flags);
	void (*queue_destroy)(struct vsvm_hw_queue *q);
	int (*queue_dispatch)(struct vsvm_hw_queue *q, const struct vsvm_hw_dispatch *d,
			      struct dma_fence *done);
	void (*queue_suspend)(struct vsvm_hw_queue *q);
	void (*queue_resume)(struct vsvm_hw_queue *q);
	void (*queue_fail)(struct vsvm_hw_queue *q);
	void (*queue_reset)(struct vsvm_hw_queue *q, int error);

	int (*copy)(struct vsvm_hw *hw, const struct vsvm_hw_copy_desc *descs,
		    unsigned int n, struct dma_fence *done);
	bool (*ih_pop)(struct vsvm_hw *hw, struct vsvm_hw_ih_entry *entry);
};

extern const struct vsvm_hw_ops vsvm_vhw_ops;

#endif /* __VSVM_VHW_H__ */
