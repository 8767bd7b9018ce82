// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: emulated interrupt ring
 *
 * The interrupt ring (IH) of the emulated GPU: a ring of
 * %VSVM_VHW_IH_ENTRIES entries (&struct vsvm_hw_ih_entry). A compute unit
 * posts a fault entry and then raises the interrupt by calling
 * &vsvm_hw_config.irq; the driver pops entries, oldest first, with
 * &vsvm_hw_ops.ih_pop.
 *
 * Each compute unit has at most one wave stalled on a fault, and a stalled
 * wave posts again only after a replay, so the ring holds a handful of
 * entries unless the driver stops draining it. Should it ever be full, the
 * new entry is dropped and counted in &vsvm_vhw_ih.overflows (with a
 * rate-limited warning; &vsvm_hw_stats.ih_overflows reports it); its wave
 * stays stalled until the next replay of its VM or the reset of its queue.
 *
 * Locking: &vsvm_vhw_ih.lock (spinlock, irq-safe, innermost) protects the
 * ring, so entries may be posted and popped from any context. The irq
 * callback is called with no lock held.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "vsvm_vhw.h"
#include "vsvm_vhw_priv.h"

/**
 * vsvm_vhw_ih_post() - post an entry and raise the interrupt
 * @hw: the GPU
 * @entry: the entry, copied into the ring
 *
 * Counts the entry as a fault (or as an overflow if the ring is full), then
 * calls &vsvm_hw_config.irq.
 *
 * Context: any context; the irq callback decides whether it may sleep (it
 * must not, by contract).
 */
void vsvm_vhw_ih_post(struct vsvm_hw *hw, const struct vsvm_hw_ih_entry *entry)
{
	struct vsvm_vhw_ih *ih = &hw->ih;
	unsigned long flags;
	u64 overflows;
	bool posted;

	spin_lock_irqsave(&ih->lock, flags);
	posted = ih->count < VSVM_VHW_IH_ENTRIES;
	if (posted) {
		ih->ring[(ih->head + ih->count) % VSVM_VHW_IH_ENTRIES] = *entry;
		ih->count++;
	} else {
		/* read without the lock by vsvm_vhw_stats() */
		WRITE_ONCE(ih->overflows, ih->overflows + 1);
	}
	overflows = ih->overflows;
	spin_unlock_irqrestore(&ih->lock, flags);

	if (posted)
		atomic64_inc(&hw->counters.faults);
	else
		pr_warn_ratelimited("GPU %u: interrupt ring full, fault at %#llx dropped (%llu so far)\n",
				    hw->cfg.index, entry->va, overflows);
	hw->cfg.irq(hw->cfg.irq_data);
}

/**
 * vsvm_vhw_ih_pop() - pop the oldest entry of the interrupt ring
 * @hw: the GPU
 * @entry: filled with the entry
 *
 * Context: any context, never sleeps.
 * Return: true if an entry was popped, false if the ring is empty.
 */
bool vsvm_vhw_ih_pop(struct vsvm_hw *hw, struct vsvm_hw_ih_entry *entry)
{
	struct vsvm_vhw_ih *ih = &hw->ih;
	unsigned long flags;
	bool popped;

	spin_lock_irqsave(&ih->lock, flags);
	popped = ih->count;
	if (popped) {
		*entry = ih->ring[ih->head];
		ih->head = (ih->head + 1) % VSVM_VHW_IH_ENTRIES;
		ih->count--;
	}
	spin_unlock_irqrestore(&ih->lock, flags);
	return popped;
}

/**
 * vsvm_vhw_ih_init() - allocate the interrupt ring
 * @hw: the GPU
 *
 * Context: process context, sleeps.
 * Return: 0 or -ENOMEM.
 */
int vsvm_vhw_ih_init(struct vsvm_hw *hw)
{
	struct vsvm_vhw_ih *ih = &hw->ih;

	spin_lock_init(&ih->lock);
	ih->ring = kcalloc(VSVM_VHW_IH_ENTRIES, sizeof(*ih->ring), GFP_KERNEL);
	return ih->ring ? 0 : -ENOMEM;
}

/**
 * vsvm_vhw_ih_fini() - free the interrupt ring
 * @hw: the GPU
 */
void vsvm_vhw_ih_fini(struct vsvm_hw *hw)
{
	kfree(hw->ih.ring);
}
