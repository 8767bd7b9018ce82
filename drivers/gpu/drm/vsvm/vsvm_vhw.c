// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: emulated GPU
 *
 * The virtual GPU behind &vsvm_vhw_ops. This file brings one GPU up and down
 * and owns its memory:
 *
 * - VRAM is &vsvm_hw_config.vram_size bytes of zeroed vmalloc memory,
 *   addressed by offset. The "BAR" (&vsvm_hw_ops.vram_pfn) is the page frame
 *   vmalloc put behind an offset. With &vsvm_hw_config.vram_phys, VRAM is
 *   that physical range instead (write-back mapped with memremap()), and the
 *   BAR's page frames are its own.
 * - System memory is reached by DMA address of &vsvm_hw_config.dev (a
 *   device without IOMMU, mapped directly): vsvm_vhw_sys_ptr() turns the
 *   address into its physical address with dma_to_phys() and then into the
 *   kernel's direct mapping. The hardware never keeps a struct page; every
 *   access is an ordinary (KASAN-instrumented) load, store or memcpy through
 *   that mapping, so an access to a page the driver freed is reported.
 *
 * - Peer VRAM: every GPU registers itself in the link (@vsvm_vhw_link) at
 *   its index when created and leaves it when destroyed; an entry or a
 *   descriptor that names a peer reaches that GPU's VRAM through it.
 *
 * The rest lives in its own files: page tables and TLBs (vsvm_vhw_mmu.c),
 * compute units and queues (vsvm_vhw_cu.c), the built-in kernels
 * (vsvm_vhw_kernels.c), the copy engine (vsvm_vhw_sdma.c) and the interrupt
 * ring (vsvm_vhw_ih.c).
 *
 * Calling contexts of the ops (the driver may rely on these):
 *
 * - May sleep: create, destroy, vm_create, vm_destroy, vm_prepare (as far
 *   as its gfp allows), vm_trim, tlb_invalidate (it spins on each compute unit's
 *   lock, and says might_sleep() to keep the contract), queue_create,
 *   queue_destroy, queue_suspend, queue_reset.
 * - Never sleep, callable in atomic context: caps, stats, vram_pfn,
 *   vm_write_ptes, vm_clear, vm_read_pte, vm_replay, queue_resume,
 *   queue_fail, ih_pop, and queue_dispatch and copy, which allocate with
 *   GFP_NOWAIT (they are called from drm_sched's run_job, where reclaim must
 *   not be entered).
 * - queue_dispatch may signal @done before it returns (queue halted, or a
 *   dispatch the hardware refuses: unknown kernel, misaligned atomic
 *   counters, with -EINVAL). Every other fence is signalled from a compute
 *   unit or copy-engine kthread, or from queue_fail, queue_reset and
 *   queue_destroy. No fence is signalled with a vsvm_vhw lock held.
 *
 * Locking: create and destroy are serialised by the driver with everything
 * else; @vram and @cfg are constant in between. The link is written under
 * &vsvm_vhw_link_lock by create and destroy and read locklessly: the driver
 * destroys a GPU only once nothing points to its VRAM. The files below document
 * their own locks; none of them is held while calling out of the hardware
 * (the irq callback, dma_fence_signal()).
 */

#include <linux/dma-direct.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "vsvm_vhw.h"
#include "vsvm_vhw_priv.h"

/* The GPUs on the link, by index */
static struct vsvm_hw *vsvm_vhw_link[VSVM_HW_MAX_PEERS];
static DEFINE_MUTEX(vsvm_vhw_link_lock);

/**
 * vsvm_vhw_vram_ptr() - kernel address of a VRAM range
 * @hw: the GPU
 * @offset: byte offset into VRAM
 * @len: bytes the caller accesses from there
 *
 * Return: the address, or NULL if [@offset, @offset + @len) is not inside
 * VRAM.
 */
void *vsvm_vhw_vram_ptr(struct vsvm_hw *hw, u64 offset, u64 len)
{
	if (offset > hw->cfg.vram_size || len > hw->cfg.vram_size - offset)
		return NULL;
	return hw->vram + offset;
}

/**
 * vsvm_vhw_peer() - a GPU on the link
 * @index: its index
 *
 * Return: the GPU, or NULL if no GPU has that index.
 */
struct vsvm_hw *vsvm_vhw_peer(u32 index)
{
	if (index >= VSVM_HW_MAX_PEERS)
		return NULL;
	return READ_ONCE(vsvm_vhw_link[index]);
}

/**
 * vsvm_vhw_peer_ptr() - kernel address of a range of a peer's VRAM
 * @index: the peer's index on the link
 * @offset: byte offset into its VRAM
 * @len: bytes the caller accesses from there
 *
 * Return: the address, or NULL if there is no such peer or the range is
 * not inside its VRAM.
 */
void *vsvm_vhw_peer_ptr(u32 index, u64 offset, u64 len)
{
	struct vsvm_hw *peer = vsvm_vhw_peer(index);

	return peer ? vsvm_vhw_vram_ptr(peer, offset, len) : NULL;
}

/**
 * vsvm_vhw_sys_ptr() - kernel address of a DMA address of system memory
 * @hw: the GPU
 * @dma_addr: DMA address for &vsvm_hw_config.dev
 *
 * The caller accesses memory only up to the end of the 4 KiB page of
 * @dma_addr through the returned address.
 *
 * Return: the address in the kernel's direct mapping, or NULL if the
 * address does not lead to memory the kernel maps.
 */
void *vsvm_vhw_sys_ptr(struct vsvm_hw *hw, u64 dma_addr)
{
	void *ptr = phys_to_virt(dma_to_phys(hw->cfg.dev, dma_addr));

	return virt_addr_valid(ptr) ? ptr : NULL;
}

static bool vsvm_vhw_config_valid(const struct vsvm_hw_config *cfg)
{
	return cfg->num_cus && cfg->num_cus <= VSVM_HW_MAX_CUS && cfg->vram_size &&
	       IS_ALIGNED(cfg->vram_size, BIT_ULL(VSVM_HW_HUGE_SHIFT)) &&
	       cfg->dev && cfg->irq;
}

/* Zeroed VRAM: vmalloc memory, or the coherent physical range */
static int vsvm_vhw_vram_alloc(struct vsvm_hw *hw)
{
	const struct vsvm_hw_config *cfg = &hw->cfg;

	if (!cfg->vram_phys) {
		hw->vram = __vmalloc(cfg->vram_size, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
		return hw->vram ? 0 : -ENOMEM;
	}
	if (!PAGE_ALIGNED(cfg->vram_phys) ||
	    region_intersects(cfg->vram_phys, cfg->vram_size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT)
		return -EINVAL;
	hw->vram = memremap(cfg->vram_phys, cfg->vram_size, MEMREMAP_WB);
	if (!hw->vram)
		return -ENOMEM;
	memset(hw->vram, 0, cfg->vram_size);
	return 0;
}

static void vsvm_vhw_vram_free(struct vsvm_hw *hw)
{
	if (hw->cfg.vram_phys)
		memunmap(hw->vram);
	else
		vfree(hw->vram);
}

/* Take the GPU's place on the link; -EBUSY if another GPU has its index */
static int vsvm_vhw_link_join(struct vsvm_hw *hw)
{
	int ret = 0;

	if (hw->cfg.index >= VSVM_HW_MAX_PEERS)
		return -EINVAL;
	mutex_lock(&vsvm_vhw_link_lock);
	if (vsvm_vhw_link[hw->cfg.index])
		ret = -EBUSY;
	else
		WRITE_ONCE(vsvm_vhw_link[hw->cfg.index], hw);
	mutex_unlock(&vsvm_vhw_link_lock);
	return ret;
}

static void vsvm_vhw_link_leave(struct vsvm_hw *hw)
{
	mutex_lock(&vsvm_vhw_link_lock);
	WRITE_ONCE(vsvm_vhw_link[hw->cfg.index], NULL);
	mutex_unlock(&vsvm_vhw_link_lock);
}

static void vsvm_vhw_destroy(struct vsvm_hw *hw)
{
	WARN_ON(!list_empty(&hw->queues));
	vsvm_vhw_link_leave(hw);
	vsvm_vhw_cus_fini(hw);
	vsvm_vhw_sdma_fini(hw);
	vsvm_vhw_ih_fini(hw);
	vsvm_vhw_vram_free(hw);
	kfree(hw);
}

static struct vsvm_hw *vsvm_vhw_create(const struct vsvm_hw_config *cfg)
{
	struct vsvm_hw *hw;
	int ret;

	if (!vsvm_vhw_config_valid(cfg))
		return ERR_PTR(-EINVAL);

	hw = kzalloc(sizeof(*hw), GFP_KERNEL);
	if (!hw)
		return ERR_PTR(-ENOMEM);
	hw->cfg = *cfg;
	spin_lock_init(&hw->sched_lock);
	INIT_LIST_HEAD(&hw->queues);
	init_waitqueue_head(&hw->cu_wq);

	ret = vsvm_vhw_vram_alloc(hw);
	if (ret)
		goto err_free;

	ret = vsvm_vhw_ih_init(hw);
	if (ret)
		goto err_vram;
	ret = vsvm_vhw_sdma_init(hw);
	if (ret)
		goto err_ih;
	ret = vsvm_vhw_cus_init(hw);
	if (ret)
		goto err_sdma;
	ret = vsvm_vhw_link_join(hw);
	if (ret)
		goto err_cus;
	return hw;

err_cus:
	vsvm_vhw_cus_fini(hw);
err_sdma:
	vsvm_vhw_sdma_fini(hw);
err_ih:
	vsvm_vhw_ih_fini(hw);
err_vram:
	vsvm_vhw_vram_free(hw);
err_free:
	kfree(hw);
	return ERR_PTR(ret);
}

static void vsvm_vhw_caps(const struct vsvm_hw *hw, struct vsvm_hw_caps *caps)
{
	caps->vram_size = hw->cfg.vram_size;
	caps->num_cus = hw->cfg.num_cus;
	caps->page_sizes = BIT_ULL(VSVM_HW_PAGE_SHIFT) | BIT_ULL(VSVM_HW_HUGE_SHIFT);
	caps->va_bits = VSVM_VHW_VA_BITS;
	caps->retry_faults = true;
}

static void vsvm_vhw_stats(const struct vsvm_hw *hw, struct vsvm_hw_stats *stats)
{
	const struct vsvm_vhw_counters *c = &hw->counters;
	unsigned int i;

	stats->tlb_hits = 0;
	stats->tlb_misses = 0;
	for (i = 0; i < hw->cfg.num_cus; i++) {
		stats->tlb_hits += READ_ONCE(hw->cus[i].tlb_hits);
		stats->tlb_misses += READ_ONCE(hw->cus[i].tlb_misses);
	}
	stats->faults = atomic64_read(&c->faults);
	stats->ih_overflows = READ_ONCE(hw->ih.overflows);
	stats->replays = atomic64_read(&c->replays);
	stats->invalidations = atomic64_read(&c->invalidations);
	stats->waves = atomic64_read(&c->waves);
	stats->dispatches = atomic64_read(&c->dispatches);
	stats->copy_bytes = atomic64_read(&c->copy_bytes);
	stats->pt_bytes = atomic64_read(&c->pt_bytes);
}

static unsigned long vsvm_vhw_vram_pfn(const struct vsvm_hw *hw, u64 offset)
{
	if (WARN_ON_ONCE(offset >= hw->cfg.vram_size))
		return 0;
	if (hw->cfg.vram_phys)
		return PHYS_PFN(hw->cfg.vram_phys + offset);
	return vmalloc_to_pfn(hw->vram + offset);
}

const struct vsvm_hw_ops vsvm_vhw_ops = {
	.create = vsvm_vhw_create,
	.destroy = vsvm_vhw_destroy,
	.caps = vsvm_vhw_caps,
	.stats = vsvm_vhw_stats,
	.vram_pfn = vsvm_vhw_vram_pfn,

	.vm_create = vsvm_vhw_vm_create,
	.vm_destroy = vsvm_vhw_vm_destroy,
	.vm_prepare = vsvm_vhw_vm_prepare,
	.vm_write_ptes = vsvm_vhw_vm_write_ptes,
	.vm_clear = vsvm_vhw_vm_clear,
	.vm_trim = vsvm_vhw_vm_trim,
	.vm_read_pte = vsvm_vhw_vm_read_pte,
	.tlb_invalidate = vsvm_vhw_tlb_invalidate,
	.vm_replay = vsvm_vhw_vm_replay,

	.queue_create = vsvm_vhw_queue_create,
	.queue_destroy = vsvm_vhw_queue_destroy,
	.queue_dispatch = vsvm_vhw_queue_dispatch,
	.queue_suspend = vsvm_vhw_queue_suspend,
	.queue_resume = vsvm_vhw_queue_resume,
	.queue_fail = vsvm_vhw_queue_fail,
	.queue_reset = vsvm_vhw_queue_reset,

	.copy = vsvm_vhw_copy,
	.ih_pop = vsvm_vhw_ih_pop,
};
