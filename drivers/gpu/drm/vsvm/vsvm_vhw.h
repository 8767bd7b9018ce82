/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright 2026 The vsvm authors
 */
#ifndef __VSVM_VHW_H__
#define __VSVM_VHW_H__

#include <linux/types.h>

/**
 * DOC: virtual hardware interface
 *
 * The driver reaches the GPU only through &struct vsvm_hw_ops, the way a
 * driver reaches real hardware through its registers. vsvm_vhw.c implements
 * the ops with a GPU emulated in the kernel; a real backend would implement
 * the same table. Nothing outside the vsvm_vhw_* files includes the
 * emulation's internals.
 */

struct vsvm_hw;

/**
 * struct vsvm_hw_config - what the driver asks the hardware to be
 * @index: GPU index (0 .. num_gpus - 1)
 * @vram_size: bytes of VRAM
 * @num_cus: number of compute units
 */
struct vsvm_hw_config {
	unsigned int index;
	u64 vram_size;
	unsigned int num_cus;
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
 * struct vsvm_hw_ops - the narrow interface between driver and GPU
 * @create: bring up one GPU described by a config; returns the instance
 *	or an ERR_PTR
 * @destroy: power the GPU down and free it
 * @caps: report the GPU's capabilities
 */
struct vsvm_hw_ops {
	struct vsvm_hw *(*create)(const struct vsvm_hw_config *cfg);
	void (*destroy)(struct vsvm_hw *hw);
	void (*caps)(const struct vsvm_hw *hw, struct vsvm_hw_caps *caps);
};

extern const struct vsvm_hw_ops vsvm_vhw_ops;

#endif /* __VSVM_VHW_H__ */
