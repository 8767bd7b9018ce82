// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: emulated copy engine
 *
 * The copy engine (SDMA) of the emulated GPU: one kthread per GPU runs the
 * submissions of &vsvm_hw_ops.copy in order. A submission is an array of
 * descriptors (&struct vsvm_hw_copy_desc) and a fence. Each descriptor
 * copies or fills between VRAM offsets, offsets into a peer GPU's VRAM (over
 * the link, vsvm_vhw_peer()) and DMA addresses of system memory,
 * in chunks of %VSVM_VHW_SDMA_CHUNK bytes with cond_resched() between
 * chunks; a system address is turned into a kernel address page by page, so
 * a descriptor may span any number of system pages of one DMA mapping. A
 * fill writes the 64-bit value (its destination must be 8-byte aligned). The
 * source and destination of a copy must not overlap.
 *
 * A descriptor is checked before it runs: unknown flags, a side that is
 * both system and peer memory, two peer sides, a size that is not a
 * multiple of 8, a VRAM range outside VRAM (or a peer that is not on the
 * link), a system range that wraps, or a misaligned fill fail the
 * submission with -EINVAL, and its remaining descriptors are skipped. A
 * system address that leads to no memory the kernel maps is a driver bug:
 * it is warned about and fails the submission with -EINVAL too. The fence
 * is then signalled, with the error if any, and its reference dropped.
 * Bytes copied or filled are counted.
 *
 * Locking: &vsvm_vhw_sdma.lock (spinlock, irq-safe) protects the list of
 * submissions, between vsvm_vhw_copy() (any context) and the kthread. The
 * kthread runs descriptors and signals fences with no lock held.
 */

#include <linux/dma-fence.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "vsvm_vhw.h"
#include "vsvm_vhw_priv.h"

#define VSVM_VHW_SDMA_CHUNK	SZ_64K
#define VSVM_VHW_COPY_FLAGS	(VSVM_HW_COPY_SRC_SYSTEM | VSVM_HW_COPY_DST_SYSTEM | \
				 VSVM_HW_COPY_FILL | VSVM_HW_COPY_SRC_PEER | \
				 VSVM_HW_COPY_DST_PEER)

/**
 * struct vsvm_vhw_copy_job - one submission to the copy engine
 * @link: entry in &vsvm_vhw_sdma.jobs
 * @descs: the descriptors, owned by the driver until @fence signals
 * @n: number of descriptors
 * @fence: signalled when the submission is done (a reference)
 */
struct vsvm_vhw_copy_job {
	struct list_head link;
	const struct vsvm_hw_copy_desc *descs;
	unsigned int n;
	struct dma_fence *fence;
};

/**
 * vsvm_vhw_copy() - append a submission to the copy engine
 * @hw: the GPU
 * @descs: @n descriptors, valid until @done signals
 * @n: number of descriptors
 * @done: signalled when the submission is done; the engine holds a
 *	reference until then
 *
 * Context: any context, never sleeps (allocates with GFP_NOWAIT).
 * Return: 0, or -ENOMEM (then @done is untouched).
 */
int vsvm_vhw_copy(struct vsvm_hw *hw, const struct vsvm_hw_copy_desc *descs,
		  unsigned int n, struct dma_fence *done)
{
	struct vsvm_vhw_sdma *sdma = &hw->sdma;
	struct vsvm_vhw_copy_job *job;
	unsigned long flags;

	job = kmalloc(sizeof(*job), GFP_NOWAIT | __GFP_NOWARN);
	if (!job)
		return -ENOMEM;
	job->descs = descs;
	job->n = n;
	job->fence = dma_fence_get(done);

	spin_lock_irqsave(&sdma->lock, flags);
	list_add_tail(&job->link, &sdma->jobs);
	spin_unlock_irqrestore(&sdma->lock, flags);
	wake_up(&sdma->wq);
	return 0;
}

/*
 * The memory behind one side of a descriptor: system memory, or the VRAM
 * of @hw or of the peer the descriptor names (NULL if there is none)
 */
static struct vsvm_hw *vsvm_vhw_side_vram(struct vsvm_hw *hw, const struct vsvm_hw_copy_desc *d,
					  u32 peer_flag)
{
	return d->flags & peer_flag ? vsvm_vhw_peer(d->peer) : hw;
}

static bool vsvm_vhw_sdma_range_ok(struct vsvm_hw *vram, u64 addr, u64 size, bool system)
{
	if (system)
		return addr + size >= addr;
	return vram && addr <= vram->cfg.vram_size && size <= vram->cfg.vram_size - addr;
}

static int vsvm_vhw_desc_check(struct vsvm_hw *hw, const struct vsvm_hw_copy_desc *d)
{
	bool fill = d->flags & VSVM_HW_COPY_FILL;
	u32 src_kind = d->flags & (VSVM_HW_COPY_SRC_SYSTEM | VSVM_HW_COPY_SRC_PEER);
	u32 dst_kind = d->flags & (VSVM_HW_COPY_DST_SYSTEM | VSVM_HW_COPY_DST_PEER);

	if ((d->flags & ~VSVM_VHW_COPY_FLAGS) || !IS_ALIGNED(d->size, sizeof(u64)))
		return -EINVAL;
	/* At most one peer side, and a side is system memory or VRAM */
	if (hweight32(src_kind) > 1 || hweight32(dst_kind) > 1 ||
	    ((d->flags & VSVM_HW_COPY_SRC_PEER) && (d->flags & VSVM_HW_COPY_DST_PEER)))
		return -EINVAL;
	if (fill && (src_kind || !IS_ALIGNED(d->dst, sizeof(u64))))
		return -EINVAL;
	if (!fill && !vsvm_vhw_sdma_range_ok(vsvm_vhw_side_vram(hw, d, VSVM_HW_COPY_SRC_PEER),
					     d->src, d->size,
					     d->flags & VSVM_HW_COPY_SRC_SYSTEM))
		return -EINVAL;
	if (!vsvm_vhw_sdma_range_ok(vsvm_vhw_side_vram(hw, d, VSVM_HW_COPY_DST_PEER), d->dst,
				    d->size, d->flags & VSVM_HW_COPY_DST_SYSTEM))
		return -EINVAL;
	return 0;
}

/* Bytes from @addr to the end of its system page, or @len for VRAM */
static u64 vsvm_vhw_sdma_piece(u64 addr, u64 len, bool system)
{
	return system ? min(len, SZ_4K - (addr & (SZ_4K - 1))) : len;
}

/* Kernel address of @addr (a DMA address if @system, else a checked offset into @vram) */
static void *vsvm_vhw_sdma_ptr(struct vsvm_hw *hw, struct vsvm_hw *vram, u64 addr, u64 len,
			       bool system)
{
	void *ptr;

	if (!system)
		return vsvm_vhw_vram_ptr(vram, addr, len);
	ptr = vsvm_vhw_sys_ptr(hw, addr);
	WARN_ONCE(!ptr, "copy engine: DMA address %#llx leads to no memory\n", addr);
	return ptr;
}

static void vsvm_vhw_sdma_fill(u64 *dst, u64 value, u64 len)
{
	u64 i;

	for (i = 0; i < len / sizeof(u64); i++)
		dst[i] = value;
}

/* Copy or fill [off, off + len) of a checked descriptor, page piece by piece. */
static int vsvm_vhw_desc_chunk(struct vsvm_hw *hw, const struct vsvm_hw_copy_desc *d,
			       u64 off, u64 len)
{
	struct vsvm_hw *src_vram = vsvm_vhw_side_vram(hw, d, VSVM_HW_COPY_SRC_PEER);
	struct vsvm_hw *dst_vram = vsvm_vhw_side_vram(hw, d, VSVM_HW_COPY_DST_PEER);
	bool fill = d->flags & VSVM_HW_COPY_FILL;
	bool src_sys = d->flags & VSVM_HW_COPY_SRC_SYSTEM;
	bool dst_sys = d->flags & VSVM_HW_COPY_DST_SYSTEM;
	void *src = NULL, *dst;
	u64 piece;

	for (; len; off += piece, len -= piece) {
		piece = vsvm_vhw_sdma_piece(d->dst + off, len, dst_sys);
		if (!fill)
			piece = vsvm_vhw_sdma_piece(d->src + off, piece, src_sys);
		dst = vsvm_vhw_sdma_ptr(hw, dst_vram, d->dst + off, piece, dst_sys);
		if (!fill)
			src = vsvm_vhw_sdma_ptr(hw, src_vram, d->src + off, piece, src_sys);
		if (!dst || (!fill && !src))
			return -EINVAL;
		if (fill)
			vsvm_vhw_sdma_fill(dst, d->src, piece);
		else
			memcpy(dst, src, piece);
	}
	return 0;
}

static int vsvm_vhw_desc_run(struct vsvm_hw *hw, const struct vsvm_hw_copy_desc *d)
{
	u64 off, len;
	int ret;

	ret = vsvm_vhw_desc_check(hw, d);
	if (ret)
		return ret;
	for (off = 0; off < d->size; off += len) {
		len = min_t(u64, d->size - off, VSVM_VHW_SDMA_CHUNK);
		ret = vsvm_vhw_desc_chunk(hw, d, off, len);
		if (ret)
			return ret;
		atomic64_add(len, &hw->counters.copy_bytes);
		cond_resched();
	}
	return 0;
}

static void vsvm_vhw_copy_job_signal(struct vsvm_vhw_copy_job *job, int error)
{
	if (error)
		dma_fence_set_error(job->fence, error);
	dma_fence_signal(job->fence);
	dma_fence_put(job->fence);
	kfree(job);
}

static void vsvm_vhw_copy_job_run(struct vsvm_hw *hw, struct vsvm_vhw_copy_job *job)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < job->n; i++)
		ret = vsvm_vhw_desc_run(hw, &job->descs[i]);
	vsvm_vhw_copy_job_signal(job, ret);
}

/* Take the oldest submission off the list into @job; false if there is none. */
static bool vsvm_vhw_sdma_next(struct vsvm_vhw_sdma *sdma, struct vsvm_vhw_copy_job **job)
{
	unsigned long flags;

	spin_lock_irqsave(&sdma->lock, flags);
	*job = list_first_entry_or_null(&sdma->jobs, struct vsvm_vhw_copy_job, link);
	if (*job)
		list_del(&(*job)->link);
	spin_unlock_irqrestore(&sdma->lock, flags);
	return *job;
}

static int vsvm_vhw_sdma_thread(void *data)
{
	struct vsvm_hw *hw = data;
	struct vsvm_vhw_sdma *sdma = &hw->sdma;
	struct vsvm_vhw_copy_job *job = NULL;

	while (!kthread_should_stop()) {
		wait_event_idle(sdma->wq, kthread_should_stop() || vsvm_vhw_sdma_next(sdma, &job));
		if (job)
			vsvm_vhw_copy_job_run(hw, job);
		job = NULL;
	}
	return 0;
}

/**
 * vsvm_vhw_sdma_init() - bring up the copy engine
 * @hw: the GPU
 *
 * Context: process context, sleeps.
 * Return: 0 or a negative errno.
 */
int vsvm_vhw_sdma_init(struct vsvm_hw *hw)
{
	struct vsvm_vhw_sdma *sdma = &hw->sdma;
	struct task_struct *thread;

	spin_lock_init(&sdma->lock);
	INIT_LIST_HEAD(&sdma->jobs);
	init_waitqueue_head(&sdma->wq);
	thread = kthread_run(vsvm_vhw_sdma_thread, hw, "vsvm%u-sdma", hw->cfg.index);
	if (IS_ERR(thread))
		return PTR_ERR(thread);
	sdma->thread = thread;
	return 0;
}

/**
 * vsvm_vhw_sdma_fini() - stop the copy engine
 * @hw: the GPU; the copy engine should be idle
 *
 * A submission still queued (a driver bug, warned about) is signalled with
 * -ENODEV so that its fence does not hang.
 *
 * Context: process context, sleeps.
 */
void vsvm_vhw_sdma_fini(struct vsvm_hw *hw)
{
	struct vsvm_vhw_sdma *sdma = &hw->sdma;
	struct vsvm_vhw_copy_job *job;

	kthread_stop(sdma->thread);
	while (vsvm_vhw_sdma_next(sdma, &job)) {
		WARN_ON_ONCE(1);
		vsvm_vhw_copy_job_signal(job, -ENODEV);
	}
}
