// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: emulated GPU
 *
 * The virtual GPU behind &vsvm_vhw_ops. A GPU instance records its
 * configuration and reports fixed hardware properties: a 48-bit GPU virtual
 * address space mapped by 4 KiB and 2 MiB page-table entries, and compute
 * units able to stall on a fault and replay it. VRAM, the page tables, the
 * compute units, the copy engine and the interrupt ring grow here behind the
 * same ops.
 */

#include <linux/err.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "vsvm_vhw.h"

#define VSVM_VHW_VA_BITS	48

/**
 * struct vsvm_hw - one emulated GPU
 * @cfg: the configuration it was created with
 */
struct vsvm_hw {
	struct vsvm_hw_config cfg;
};

static struct vsvm_hw *vsvm_vhw_create(const struct vsvm_hw_config *cfg)
{
	struct vsvm_hw *hw;

	hw = kzalloc(sizeof(*hw), GFP_KERNEL);
	if (!hw)
		return ERR_PTR(-ENOMEM);
	hw->cfg = *cfg;
	return hw;
}

static void vsvm_vhw_destroy(struct vsvm_hw *hw)
{
	kfree(hw);
}

static void vsvm_vhw_caps(const struct vsvm_hw *hw, struct vsvm_hw_caps *caps)
{
	caps->vram_size = hw->cfg.vram_size;
	caps->num_cus = hw->cfg.num_cus;
	caps->page_sizes = SZ_4K | SZ_2M;
	caps->va_bits = VSVM_VHW_VA_BITS;
	caps->retry_faults = true;
}

const struct vsvm_hw_ops vsvm_vhw_ops = {
	.create = vsvm_vhw_create,
	.destroy = vsvm_vhw_destroy,
	.caps = vsvm_vhw_caps,
};
