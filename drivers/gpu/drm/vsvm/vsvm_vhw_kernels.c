// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: emulated built-in kernels
 *
 * The kernels a dispatch can run (VSVM_HW_KERNEL_*, with the semantics the
 * uAPI documents for VSVM_KERNEL_*). Elements are u64.
 *
 * A dispatch of grid G is split into waves of %VSVM_VHW_WAVE_ITEMS work
 * items (at least one wave, so that a reduction over nothing still writes
 * its zero); a pointer chase is a single wave. A wave works in chunks of
 * %VSVM_VHW_CHUNK_ITEMS items through its compute unit's three 4 KiB
 * bounce buffers: read the inputs of a chunk, compute, write the outputs.
 * Every access goes through vsvm_vhw_wave_access(), that is through the
 * page table, and may fault, stall and be retried, or end the wave when its
 * job is aborted.
 *
 * Reductions (CHECKSUM, VERIFY, the sum of POINTER_CHASE and the count of
 * BFS_LEVEL) accumulate
 * into the wave; the compute-unit code adds the waves' parts into the job
 * and the last wave writes the result through vsvm_vhw_kernel_finish().
 * ATOMIC_ADD folds the work items of a chunk that hit the same counter into
 * one atomic add of a multiple of the value, which is the same sum.
 *
 * Locking: none here. A wave runs on one compute unit and owns that unit's
 * bounce buffers; the dispatch it reads is constant while it runs.
 */

#include <linux/errno.h>
#include <linux/minmax.h>

#include "vsvm_vhw.h"
#include "vsvm_vhw_priv.h"

/**
 * struct vsvm_vhw_kernel - one built-in kernel
 * @chunk: runs work items [first, first + n) of a wave, n at most
 *	%VSVM_VHW_CHUNK_ITEMS; returns 0 or -ECANCELED
 * @out: index in &vsvm_hw_dispatch.args of the address the reduction result
 *	goes to, or -1 when the kernel does not reduce
 * @single: runs as one wave with one work item whatever the grid
 */
struct vsvm_vhw_kernel {
	int (*chunk)(struct vsvm_vhw_wave *w, u64 first, unsigned int n);
	int out;
	bool single;
};

static const u64 *vsvm_vhw_args(const struct vsvm_vhw_wave *w)
{
	return w->job->d.args;
}

/* Address of element @i of the array at @base */
static u64 vsvm_vhw_elem(u64 base, u64 i)
{
	return base + i * sizeof(u64);
}

static int vsvm_vhw_read(struct vsvm_vhw_wave *w, u64 va, void *buf, unsigned int n)
{
	return vsvm_vhw_wave_access(w, va, buf, n * sizeof(u64), VSVM_HW_ACCESS_READ);
}

static int vsvm_vhw_write(struct vsvm_vhw_wave *w, u64 va, void *buf, unsigned int n)
{
	return vsvm_vhw_wave_access(w, va, buf, n * sizeof(u64), VSVM_HW_ACCESS_WRITE);
}

/* FILL: args[0] = dst, args[1] = value */
static int vsvm_vhw_k_fill(struct vsvm_vhw_wave *w, u64 first, unsigned int n)
{
	const u64 *args = vsvm_vhw_args(w);
	u64 *buf = w->cu->buf[0];
	unsigned int j;

	for (j = 0; j < n; j++)
		buf[j] = args[1];
	return vsvm_vhw_write(w, vsvm_vhw_elem(args[0], first), buf, n);
}

/* COPY: args[0] = dst, args[1] = src */
static int vsvm_vhw_k_copy(struct vsvm_vhw_wave *w, u64 first, unsigned int n)
{
	const u64 *args = vsvm_vhw_args(w);
	u64 *buf = w->cu->buf[0];

	return vsvm_vhw_read(w, vsvm_vhw_elem(args[1], first), buf, n) ?:
	       vsvm_vhw_write(w, vsvm_vhw_elem(args[0], first), buf, n);
}

/* CHECKSUM: args[0] = src, args[1] = out */
static int vsvm_vhw_k_checksum(struct vsvm_vhw_wave *w, u64 first, unsigned int n)
{
	const u64 *args = vsvm_vhw_args(w);
	u64 *buf = w->cu->buf[0];
	unsigned int j;
	int ret;

	ret = vsvm_vhw_read(w, vsvm_vhw_elem(args[0], first), buf, n);
	if (ret)
		return ret;
	for (j = 0; j < n; j++)
		w->acc += buf[j];
	return 0;
}

/* VERIFY: args[0] = src, args[1] = seed, args[2] = step, args[3] = out */
static int vsvm_vhw_k_verify(struct vsvm_vhw_wave *w, u64 first, unsigned int n)
{
	const u64 *args = vsvm_vhw_args(w);
	u64 *buf = w->cu->buf[0];
	unsigned int j;
	int ret;

	ret = vsvm_vhw_read(w, vsvm_vhw_elem(args[0], first), buf, n);
	if (ret)
		return ret;
	for (j = 0; j < n; j++)
		if (buf[j] != args[1] + (first + j) * args[2])
			w->acc++;
	return 0;
}

/*
 * ATOMIC_ADD: args[0] = counters, args[1] = value, args[2] = counters n (0
 * means 1). Item i adds value to counters[i % n]; the items of the chunk
 * that share a counter are added at once.
 */
static int vsvm_vhw_k_atomic_add(struct vsvm_vhw_wave *w, u64 first, unsigned int n)
{
	const u64 *args = vsvm_vhw_args(w);
	u64 counters = args[2] ?: 1;
	u64 last = first + n - 1;
	u64 i, hits, add;
	int ret;

	for (i = first; i < first + min_t(u64, n, counters); i++) {
		hits = (last - i) / counters + 1;
		add = hits * args[1];
		ret = vsvm_vhw_wave_access(w, vsvm_vhw_elem(args[0], i % counters), &add,
					   sizeof(add), VSVM_HW_ACCESS_ATOMIC);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * POINTER_CHASE: args[0] = head, args[1] = steps, args[2] = out. Nodes are
 * { u64 next; u64 value; }; visits up to steps nodes, stopping at next == 0.
 */
static int vsvm_vhw_k_chase(struct vsvm_vhw_wave *w, u64 first, unsigned int n)
{
	const u64 *args = vsvm_vhw_args(w);
	u64 node[2], va = args[0], step;
	int ret;

	for (step = 0; step < args[1] && va; step++) {
		ret = vsvm_vhw_read(w, va, node, ARRAY_SIZE(node));
		if (ret)
			return ret;
		w->acc += node[1];
		va = node[0];
	}
	return 0;
}

/* GATHER: args[0] = dst, args[1] = src, args[2] = idx */
static int vsvm_vhw_k_gather(struct vsvm_vhw_wave *w, u64 first, unsigned int n)
{
	const u64 *args = vsvm_vhw_args(w);
	u64 *val = w->cu->buf[0], *idx = w->cu->buf[1];
	unsigned int j;
	int ret;

	ret = vsvm_vhw_read(w, vsvm_vhw_elem(args[2], first), idx, n);
	for (j = 0; !ret && j < n; j++)
		ret = vsvm_vhw_read(w, vsvm_vhw_elem(args[1], idx[j]), &val[j], 1);
	return ret ?: vsvm_vhw_write(w, vsvm_vhw_elem(args[0], first), val, n);
}

/* SCATTER: args[0] = dst, args[1] = src, args[2] = idx */
static int vsvm_vhw_k_scatter(struct vsvm_vhw_wave *w, u64 first, unsigned int n)
{
	const u64 *args = vsvm_vhw_args(w);
	u64 *val = w->cu->buf[0], *idx = w->cu->buf[1];
	unsigned int j;
	int ret;

	ret = vsvm_vhw_read(w, vsvm_vhw_elem(args[2], first), idx, n) ?:
	      vsvm_vhw_read(w, vsvm_vhw_elem(args[1], first), val, n);
	for (j = 0; !ret && j < n; j++)
		ret = vsvm_vhw_write(w, vsvm_vhw_elem(args[0], idx[j]), &val[j], 1);
	return ret;
}

/* TRIAD: args[0] = a, args[1] = b, args[2] = c, args[3] = s; a[i] = b[i] + s * c[i] */
static int vsvm_vhw_k_triad(struct vsvm_vhw_wave *w, u64 first, unsigned int n)
{
	const u64 *args = vsvm_vhw_args(w);
	u64 *b = w->cu->buf[0], *c = w->cu->buf[1], *a = w->cu->buf[2];
	unsigned int j;
	int ret;

	ret = vsvm_vhw_read(w, vsvm_vhw_elem(args[1], first), b, n) ?:
	      vsvm_vhw_read(w, vsvm_vhw_elem(args[2], first), c, n);
	if (ret)
		return ret;
	for (j = 0; j < n; j++)
		a[j] = b[j] + args[3] * c[j];
	return vsvm_vhw_write(w, vsvm_vhw_elem(args[0], first), a, n);
}

/* One instruction of PROGRAM applied to @x */
static u64 vsvm_vhw_insn(u64 insn, u64 x)
{
	u64 imm = insn & GENMASK_ULL(55, 0);

	switch (insn >> 56) {
	case 0:
		return x + imm;
	case 1:
		return x * imm;
	case 2:
		return x ^ imm;
	default:
		return x;
	}
}

/*
 * PROGRAM: args[0] = code, args[1] = data, args[2] = instructions. The
 * code is fetched (with an instruction-fetch access) once per chunk, like an
 * instruction cache filled for each batch of work items.
 */
static int vsvm_vhw_k_program(struct vsvm_vhw_wave *w, u64 first, unsigned int n)
{
	const u64 *args = vsvm_vhw_args(w);
	u64 *data = w->cu->buf[0], *code = w->cu->buf[1];
	unsigned int j, k, ninsn = args[2];
	int ret;

	ret = vsvm_vhw_wave_access(w, args[0], code, ninsn * sizeof(u64), VSVM_HW_ACCESS_EXEC);
	if (!ret)
		ret = vsvm_vhw_read(w, vsvm_vhw_elem(args[1], first), data, n);
	if (ret)
		return ret;
	for (j = 0; j < n; j++)
		for (k = 0; k < ninsn; k++)
			data[j] = vsvm_vhw_insn(code[k], data[j]);
	return vsvm_vhw_write(w, vsvm_vhw_elem(args[1], first), data, n);
}

/*
 * One neighbour @u of a vertex at @depth in BFS_LEVEL: claim it if it is
 * unreached. The read and the write are separate accesses, as on a GPU
 * without atomics; two work items may both write the same depth.
 */
static int vsvm_vhw_bfs_visit(struct vsvm_vhw_wave *w, u64 u)
{
	const u64 *args = vsvm_vhw_args(w);
	u64 level, next = args[2] + 1;
	int ret;

	if (u >= w->job->d.grid)
		return 0;
	ret = vsvm_vhw_read(w, vsvm_vhw_elem(args[1], u), &level, 1);
	if (ret || level != VSVM_HW_BFS_UNREACHED)
		return ret;
	w->acc++;
	return vsvm_vhw_write(w, vsvm_vhw_elem(args[1], u), &next, 1);
}

/* The neighbours of one vertex of BFS_LEVEL, from its list at @list */
static int vsvm_vhw_bfs_expand(struct vsvm_vhw_wave *w, u64 list)
{
	u64 *dst = w->cu->buf[2];
	u64 count, done, j;
	unsigned int n;
	int ret;

	if (!list)
		return 0;
	ret = vsvm_vhw_read(w, list, &count, 1);
	for (done = 0; !ret && done < count; done += n) {
		n = min_t(u64, count - done, VSVM_VHW_CHUNK_ITEMS);
		ret = vsvm_vhw_read(w, vsvm_vhw_elem(list, 1 + done), dst, n);
		for (j = 0; !ret && j < n; j++)
			ret = vsvm_vhw_bfs_visit(w, dst[j]);
	}
	return ret;
}

/*
 * BFS_LEVEL: args[0] = adj, args[1] = level, args[2] = depth, args[3] = out.
 * Work item v at depth visits the neighbours in the list at adj[v].
 */
static int vsvm_vhw_k_bfs(struct vsvm_vhw_wave *w, u64 first, unsigned int n)
{
	const u64 *args = vsvm_vhw_args(w);
	u64 *level = w->cu->buf[0], *adj = w->cu->buf[1];
	unsigned int j;
	int ret;

	ret = vsvm_vhw_read(w, vsvm_vhw_elem(args[1], first), level, n);
	for (j = 0; !ret && j < n; j++) {
		if (level[j] != args[2])
			continue;
		ret = vsvm_vhw_read(w, vsvm_vhw_elem(args[0], first + j), &adj[j], 1) ?:
		      vsvm_vhw_bfs_expand(w, adj[j]);
	}
	return ret;
}

static const struct vsvm_vhw_kernel vsvm_vhw_kernels[VSVM_HW_KERNEL_COUNT] = {
	[VSVM_HW_KERNEL_FILL] = { .chunk = vsvm_vhw_k_fill, .out = -1 },
	[VSVM_HW_KERNEL_COPY] = { .chunk = vsvm_vhw_k_copy, .out = -1 },
	[VSVM_HW_KERNEL_CHECKSUM] = { .chunk = vsvm_vhw_k_checksum, .out = 1 },
	[VSVM_HW_KERNEL_VERIFY] = { .chunk = vsvm_vhw_k_verify, .out = 3 },
	[VSVM_HW_KERNEL_ATOMIC_ADD] = { .chunk = vsvm_vhw_k_atomic_add, .out = -1 },
	[VSVM_HW_KERNEL_POINTER_CHASE] = { .chunk = vsvm_vhw_k_chase, .out = 2, .single = true },
	[VSVM_HW_KERNEL_GATHER] = { .chunk = vsvm_vhw_k_gather, .out = -1 },
	[VSVM_HW_KERNEL_SCATTER] = { .chunk = vsvm_vhw_k_scatter, .out = -1 },
	[VSVM_HW_KERNEL_TRIAD] = { .chunk = vsvm_vhw_k_triad, .out = -1 },
	[VSVM_HW_KERNEL_PROGRAM] = { .chunk = vsvm_vhw_k_program, .out = -1 },
	[VSVM_HW_KERNEL_BFS_LEVEL] = { .chunk = vsvm_vhw_k_bfs, .out = 3 },
};

/**
 * vsvm_vhw_kernel_check() - whether the hardware accepts a dispatch
 * @d: the dispatch
 *
 * Return: 0, or -EINVAL for an unknown kernel, ATOMIC_ADD counters that
 * are not 8-byte aligned (the hardware's atomics need aligned addresses) or
 * a PROGRAM of no or more than %VSVM_HW_PROGRAM_MAX instructions.
 */
int vsvm_vhw_kernel_check(const struct vsvm_hw_dispatch *d)
{
	if (d->kernel >= VSVM_HW_KERNEL_COUNT)
		return -EINVAL;
	if (d->kernel == VSVM_HW_KERNEL_PROGRAM &&
	    (!d->args[2] || d->args[2] > VSVM_HW_PROGRAM_MAX))
		return -EINVAL;
	if (d->kernel == VSVM_HW_KERNEL_ATOMIC_ADD && !IS_ALIGNED(d->args[0], sizeof(u64)))
		return -EINVAL;
	return 0;
}

/**
 * vsvm_vhw_kernel_waves() - number of waves a dispatch is split into
 * @d: the dispatch
 *
 * Return: at least 1; 1 for an unknown kernel.
 */
u64 vsvm_vhw_kernel_waves(const struct vsvm_hw_dispatch *d)
{
	u64 waves = d->grid / VSVM_VHW_WAVE_ITEMS + !!(d->grid % VSVM_VHW_WAVE_ITEMS);

	if (d->kernel >= VSVM_HW_KERNEL_COUNT || vsvm_vhw_kernels[d->kernel].single)
		return 1;
	return max_t(u64, waves, 1);
}

/**
 * vsvm_vhw_kernel_run() - run a wave of its dispatch's kernel
 * @w: the wave (&vsvm_vhw_wave.index selects its work items)
 *
 * Context: the compute unit's kthread; sleeps.
 * Return: 0, or -ECANCELED when the job was aborted.
 */
int vsvm_vhw_kernel_run(struct vsvm_vhw_wave *w)
{
	const struct vsvm_hw_dispatch *d = &w->job->d;
	const struct vsvm_vhw_kernel *k = &vsvm_vhw_kernels[d->kernel];
	u64 first = w->index * VSVM_VHW_WAVE_ITEMS;
	u64 end = first + min_t(u64, d->grid - first, VSVM_VHW_WAVE_ITEMS);
	unsigned int n;
	int ret;

	if (k->single)
		return k->chunk(w, 0, 1);
	for (; first < end; first += n) {
		n = min_t(u64, end - first, VSVM_VHW_CHUNK_ITEMS);
		ret = k->chunk(w, first, n);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * vsvm_vhw_kernel_finish() - write a dispatch's reduction result
 * @w: the last wave of the dispatch
 * @result: the sum of the waves' parts
 *
 * Writes @result to the kernel's out address through the page table;
 * nothing for kernels that do not reduce.
 *
 * Context: the compute unit's kthread; sleeps.
 * Return: 0, or -ECANCELED when the job was aborted.
 */
int vsvm_vhw_kernel_finish(struct vsvm_vhw_wave *w, u64 result)
{
	const struct vsvm_vhw_kernel *k = &vsvm_vhw_kernels[w->job->d.kernel];

	if (k->out < 0)
		return 0;
	return vsvm_vhw_write(w, vsvm_vhw_args(w)[k->out], &result, 1);
}
