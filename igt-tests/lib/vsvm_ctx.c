// SPDX-License-Identifier: MIT
/*
 * The GPUs of the SVM tests: see vsvm_ctx.h.
 *
 * Copyright 2026 The vsvm authors
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt_core.h"
#include "vsvm_ctx.h"

int vt_num_gpus;
char vt_paths[VT_MAX_GPUS][VSVM_PATH_MAX];
uint32_t vt_gpu_ids[VT_MAX_GPUS];

static struct vt_ctx vt_ctxs[VT_MAX_CTX];

int vt_svm_gpus_require(int min)
{
	int g, fd;

	vt_num_gpus = vt_require_gpus(vt_paths, VT_MAX_GPUS, min);
	for (g = 0; g < vt_num_gpus; g++) {
		fd = vt_open(vt_paths[g]);
		igt_require_f(vt_caps(fd) & VSVM_CAP_SVM, "GPU %d has no VSVM_CAP_SVM\n", g);
		vt_gpu_ids[g] = vt_gpu_id(fd);
		vsvm_close(fd);
	}
	return vt_num_gpus;
}

uint32_t vt_unknown_gpu_id(void)
{
	uint32_t id = 12345;
	int g;

	for (g = 0; g < vt_num_gpus; g++)
		if (vt_gpu_ids[g] == id) {
			id++;
			g = -1;
		}
	return id;
}

bool vt_svm_debugfs(int gpu)
{
	const char *node = strrchr(vt_paths[gpu], '/');
	char file[128];
	int minor = -1;

	igt_assert(node && sscanf(node, "/renderD%d", &minor) == 1);
	snprintf(file, sizeof(file), "/sys/kernel/debug/dri/%d/vsvm_svm", minor);
	return access(file, R_OK) == 0;
}

struct vt_ctx *vt_ctx_open(int gpu)
{
	struct vt_ctx *c = NULL;
	int i;

	igt_assert_f(gpu >= 0 && gpu < vt_num_gpus, "no GPU %d\n", gpu);
	for (i = 0; i < VT_MAX_CTX && !c; i++)
		if (!vt_ctxs[i].open)
			c = &vt_ctxs[i];
	igt_assert_f(c, "more than %d contexts open\n", VT_MAX_CTX);
	memset(c, 0, sizeof(*c));
	c->gpu = gpu;
	c->fd = vt_open(vt_paths[gpu]);
	c->open = true;
	c->gpu_id = vt_gpu_ids[gpu];
	igt_assert_eq_u32(vt_gpu_id(c->fd), c->gpu_id);
	c->coherent = vt_vram_coherent(c->fd);
	c->q = vt_queue_create(c->fd, 0);
	vt_bo_create(&c->out, c->fd, VT_PAGE_SIZE, VSVM_GEM_DOMAIN_GTT, 0);
	return c;
}

void vt_ctx_close(struct vt_ctx *c)
{
	vt_bo_destroy(&c->out);
	vt_queue_destroy(c->fd, c->q);
	vsvm_close(c->fd);
	c->fd = -1;
	c->open = false;
}

void vt_ctx_reap(void)
{
	struct vt_ctx *c;
	int i;

	for (i = 0; i < VT_MAX_CTX; i++) {
		c = &vt_ctxs[i];
		if (!c->open)
			continue;
		/* closing the file frees the queue and the object */
		if (c->out.map)
			munmap(c->out.map, c->out.size);
		vsvm_close(c->fd);
		c->fd = -1;
		c->open = false;
	}
}

void vt_ctx_requeue(struct vt_ctx *c)
{
	vt_queue_destroy(c->fd, c->q);
	c->q = vt_queue_create(c->fd, 0);
}

void vt_ctx_require_vram(struct vt_ctx *c)
{
	vt_require_svm_vram(c->fd);
	igt_debug("GPU %d: gpu_id %u, %s VRAM\n", c->gpu, c->gpu_id,
		  c->coherent ? "coherent" : "device-private");
}

void vt_ctx_run(struct vt_ctx *c, uint32_t kernel, uint64_t grid, const uint64_t *args)
{
	vt_run(c->fd, c->q, kernel, grid, args);
	vt_gpu_barrier();
}

void vt_ctx_fill(struct vt_ctx *c, void *dst, uint64_t n, uint64_t value)
{
	vt_ctx_run(c, VSVM_KERNEL_FILL, n, (uint64_t[6]){ vt_va(dst), value });
}

void vt_ctx_copy(struct vt_ctx *c, void *dst, const void *src, uint64_t n)
{
	vt_ctx_run(c, VSVM_KERNEL_COPY, n, (uint64_t[6]){ vt_va(dst), vt_va(src) });
}

uint64_t vt_ctx_sum(struct vt_ctx *c, const void *src, uint64_t n)
{
	return vt_gpu_checksum(c->fd, c->q, vt_va(src), n, c->out.va, c->out.map);
}

uint64_t vt_ctx_verify(struct vt_ctx *c, const void *src, uint64_t n, uint64_t seed,
		       uint64_t step)
{
	return vt_gpu_verify(c->fd, c->q, vt_va(src), n, seed, step, c->out.va, c->out.map);
}

void vt_ctx_check(struct vt_ctx *c, const void *p, uint64_t n, uint64_t seed, uint64_t step,
		  const char *what)
{
	uint64_t bad = vt_ctx_verify(c, p, n, seed, step);

	igt_assert_f(bad == 0, "%s: GPU %d found %llu wrong elements\n", what, c->gpu,
		     (unsigned long long)bad);
	igt_assert_eq_u64(vt_ctx_sum(c, p, n), vt_pattern_sum(seed, step, n));
}

void vt_ctx_prefetch(struct vt_ctx *c, const void *p, uint64_t size, uint32_t location)
{
	vt_prefetch(c->fd, p, size, location);
}

void vt_ctx_set_attr(struct vt_ctx *c, const void *p, uint64_t size, uint32_t type,
		     uint32_t value)
{
	const struct drm_vsvm_svm_attr a = { .type = type, .value = value };
	int ret = vsvm_svm_set_attr(c->fd, p, size, &a, 1);

	igt_assert_f(ret == 0, "SET_ATTR type %u value %#x on %p+%#llx: %s\n", type, value, p,
		     (unsigned long long)size, strerror(-ret));
}

uint32_t vt_ctx_get_attr(struct vt_ctx *c, const void *p, uint64_t size, uint32_t type)
{
	struct drm_vsvm_svm_attr a = { .type = type, .value = 0xdeadbeefU };
	int ret = vsvm_svm_get_attr(c->fd, p, size, &a, 1);

	igt_assert_f(ret == 0, "GET_ATTR type %u on %p+%#llx: %s\n", type, p,
		     (unsigned long long)size, strerror(-ret));
	return a.value;
}

void vt_ctx_counters(struct vt_ctx *c, struct drm_vsvm_svm_counters *now)
{
	int ret = vsvm_svm_counters(c->fd, 0, 0, now);

	igt_assert_f(ret == 0, "SVM_COUNTERS on GPU %d: %s\n", c->gpu, strerror(-ret));
	igt_assert_eq_u32(now->pid, (uint32_t)getpid());
	igt_assert_eq_u32(now->gpu_id, c->gpu_id);
}

uint64_t vt_ctx_vram_used(struct vt_ctx *c)
{
	struct drm_vsvm_query_device q = {};

	vt_query(c->fd, &q);
	return q.vram_used;
}
