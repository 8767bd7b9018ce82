/* SPDX-License-Identifier: MIT */
/*
 * The GPUs of the SVM tests: the list of SVM-capable GPUs, one GPU as a
 * subtest uses it (struct vt_ctx: a file, that is its own GPU VM, a queue
 * and a result slot), and the dispatches, SVM calls and counter reads the
 * tests make through it. Contexts live in a pool so that a subtest closes
 * what a failed one left open (vt_ctx_reap()): the process's SVM context,
 * and its counters, end with its last vsvm file.
 *
 * Copyright 2026 The vsvm authors
 */
#ifndef VSVM_CTX_H
#define VSVM_CTX_H

#include <stdbool.h>
#include <stdint.h>

#include "vsvm_test.h"

#define VT_MAX_GPUS VSVM_MAX_DEVICES
/* Contexts open at once (across every GPU) */
#define VT_MAX_CTX 8

/* The GPUs vt_svm_gpus_require() found: render node and gpu_id of GPU g */
extern int vt_num_gpus;
extern char vt_paths[VT_MAX_GPUS][VSVM_PATH_MAX];
extern uint32_t vt_gpu_ids[VT_MAX_GPUS];

/**
 * struct vt_ctx - one GPU as a subtest uses it
 * @gpu: index of the GPU in vt_paths[]
 * @fd: its render node, open (the file's GPU VM is the context's own)
 * @q: a queue of @fd
 * @gpu_id: the GPU's gpu_id
 * @coherent: VSVM_CAP_VRAM_COHERENT: the CPU reaches VRAM without faults
 * @out: the result slot of reductions: a GTT page bound above every CPU
 *	 address, so that results never touch the process memory under test
 * @open: the pool slot is in use
 */
struct vt_ctx {
	int gpu;
	int fd;
	uint32_t q;
	uint32_t gpu_id;
	bool coherent;
	struct vt_bo out;
	bool open;
};

/*
 * vt_svm_gpus_require - scan the vsvm GPUs into vt_paths[] and vt_gpu_ids[],
 * skipping unless there are at least @min and every one has VSVM_CAP_SVM;
 * returns vt_num_gpus. For igt_fixture.
 */
int vt_svm_gpus_require(int min);

/* A gpu_id that none of vt_gpu_ids[] is (12345 unless it is taken). */
uint32_t vt_unknown_gpu_id(void);

/* Whether debugfs dri/<minor>/vsvm_svm of GPU @gpu is readable (root, debugfs). */
bool vt_svm_debugfs(int gpu);

/* A context on GPU @gpu from the pool (asserting one is free). */
struct vt_ctx *vt_ctx_open(int gpu);
/* Close a context: result slot, queue, file. */
void vt_ctx_close(struct vt_ctx *c);
/*
 * Close every context still open (a failed subtest's), without asserting:
 * call it at the start of every subtest.
 */
void vt_ctx_reap(void);
/* A fresh queue for @c (after a fault stopped the old one). */
void vt_ctx_requeue(struct vt_ctx *c);
/* Skip unless the GPU can hold SVM pages in VRAM; log the VRAM mode. */
void vt_ctx_require_vram(struct vt_ctx *c);

/* Dispatch @kernel over @grid items with @args on @c's queue and wait, asserting success. */
void vt_ctx_run(struct vt_ctx *c, uint32_t kernel, uint64_t grid, const uint64_t *args);
/* The GPU writes @value into @n elements at @dst. */
void vt_ctx_fill(struct vt_ctx *c, void *dst, uint64_t n, uint64_t value);
/* The GPU copies @n elements from @src to @dst. */
void vt_ctx_copy(struct vt_ctx *c, void *dst, const void *src, uint64_t n);
/* The GPU's CHECKSUM of @n elements at @src. */
uint64_t vt_ctx_sum(struct vt_ctx *c, const void *src, uint64_t n);
/* The GPU's VERIFY of @n elements at @src against seed + i * step: the mismatches. */
uint64_t vt_ctx_verify(struct vt_ctx *c, const void *src, uint64_t n, uint64_t seed,
		       uint64_t step);
/* The GPU finds @n elements seed + i * step at @p, by VERIFY and by CHECKSUM; @what names it. */
void vt_ctx_check(struct vt_ctx *c, const void *p, uint64_t n, uint64_t seed, uint64_t step,
		  const char *what);

/* Synchronous SVM_PREFETCH of [@p, @p + @size) to @location, asserting success. */
void vt_ctx_prefetch(struct vt_ctx *c, const void *p, uint64_t size, uint32_t location);
/* SVM_SET_ATTR of one attribute @type = @value on [@p, @p + @size), asserting success. */
void vt_ctx_set_attr(struct vt_ctx *c, const void *p, uint64_t size, uint32_t type,
		     uint32_t value);
/* SVM_GET_ATTR of one attribute @type over [@p, @p + @size), asserting success. */
uint32_t vt_ctx_get_attr(struct vt_ctx *c, const void *p, uint64_t size, uint32_t type);
/* This process's SVM_COUNTERS on @c's GPU, asserting success, the pid and the gpu_id. */
void vt_ctx_counters(struct vt_ctx *c, struct drm_vsvm_svm_counters *now);
/* The GPU's vram_used (QUERY_DEVICE). */
uint64_t vt_ctx_vram_used(struct vt_ctx *c);

#endif /* VSVM_CTX_H */
