// SPDX-License-Identifier: MIT
/*
 * vsvm-demo - a classic GPU workload on vsvm, told in plain words: buffers
 * in VRAM and in system memory (GTT), GPU fill, copy, checksum, verify and
 * triad dispatches checked by the CPU, and a GPU fault on purpose.
 *
 * Copyright 2026 The vsvm authors
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include "libvsvm.h"

#define MIB (1ULL << 20)
#define NSEC_PER_MSEC 1000000LL
/* every dispatch of the demo completes well within this, even under emulation */
#define DISPATCH_TIMEOUT_NS (60000 * NSEC_PER_MSEC)
/* GPU VAs of the demo's buffers: the upper half of the 48-bit GPU VA space */
#define VA_VRAM 0x800000000000ULL
#define VA_GTT 0x800010000000ULL
#define VA_RESULT 0x800020000000ULL
#define VA_NOTHING 0x800030000000ULL

/**
 * struct buffer - a buffer object of the demo
 * @name: how the demo calls it
 * @handle: GEM handle
 * @size: bytes
 * @va: GPU VA it is bound at
 * @map: CPU mapping
 */
struct buffer {
	const char *name;
	uint32_t handle;
	uint64_t size;
	uint64_t va;
	uint64_t *map;
};

static bool failed;

/* Print a failed check and remember that the demo failed. */
static void check(bool ok, const char *what)
{
	if (!ok) {
		printf("  CHECK FAILED: %s\n", what);
		failed = true;
	}
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Print what the memory counters of the GPU say. */
static void print_usage(int fd, const char *when)
{
	struct drm_vsvm_query_device q;

	if (vsvm_query_device(fd, &q))
		return;
	printf("  memory in use %s: VRAM %llu KiB of %llu MiB, system memory (GTT) %llu KiB,\n"
	       "  %llu evictions so far\n", when, (unsigned long long)(q.vram_used >> 10),
	       (unsigned long long)(q.vram_size >> 20),
	       (unsigned long long)(q.gtt_used >> 10), (unsigned long long)q.evictions);
}

/* Create, map and bind a buffer; 0 or -errno. */
static int buffer_create(int fd, struct buffer *b, const char *name, uint64_t size,
			 uint32_t domain, uint64_t va)
{
	int ret;

	memset(b, 0, sizeof(*b));
	b->name = name;
	b->size = size;
	ret = vsvm_gem_create(fd, size, domain, &b->handle);
	if (ret)
		return ret;
	b->map = vsvm_gem_mmap(fd, b->handle, size, PROT_READ | PROT_WRITE);
	if (!b->map)
		return -errno;
	ret = vsvm_vm_bind(fd, b->handle, va, 0, size, 0);
	if (ret)
		return ret;
	b->va = va;
	return 0;
}

static void buffer_destroy(int fd, struct buffer *b)
{
	if (b->map)
		munmap(b->map, b->size);
	if (b->va)
		vsvm_vm_unbind(fd, b->va, b->size);
	if (b->handle)
		vsvm_gem_close(fd, b->handle);
	memset(b, 0, sizeof(*b));
}

/* Run a dispatch and wait; prints the time it took. 0 or the error. */
static int run(int fd, uint32_t queue, uint32_t kernel, uint64_t grid, const uint64_t *args,
	       const char *what)
{
	int64_t t0 = now_ns();
	int ret = vsvm_dispatch_sync(fd, queue, kernel, grid, args, DISPATCH_TIMEOUT_NS);
	double ms = (now_ns() - t0) / 1e6;

	if (ret) {
		printf("  GPU %s: %s failed: %s\n", vsvm_kernel_name(kernel), what, strerror(-ret));
		failed = true;
		return ret;
	}
	printf("  GPU %s: %s, %llu work items in %.1f ms (%.1f MB/s)\n", vsvm_kernel_name(kernel),
	       what, (unsigned long long)grid, ms, ms > 0 ? grid * 8 / ms / 1e3 : 0.0);
	return 0;
}

/* The classic workload on the GPU behind @fd. */
static int demo_gpu(int fd, uint64_t size)
{
	const uint64_t n = size / 8, seed = 1000, step = 7;
	struct buffer vram, gtt, result;
	struct drm_vsvm_queue_status st;
	uint64_t sum = 0, i;
	uint32_t queue, nr_queue;
	int ret;

	print_usage(fd, "before the demo");
	ret = buffer_create(fd, &vram, "VRAM buffer", size, VSVM_GEM_DOMAIN_VRAM, VA_VRAM);
	if (!ret)
		ret = buffer_create(fd, &gtt, "GTT buffer", size, VSVM_GEM_DOMAIN_GTT, VA_GTT);
	if (!ret)
		ret = buffer_create(fd, &result, "result", 4096, VSVM_GEM_DOMAIN_GTT, VA_RESULT);
	if (ret) {
		printf("  could not set up the buffers: %s\n", strerror(-ret));
		return ret;
	}
	printf("  created a %llu MiB buffer in VRAM and one in system memory (GTT), mapped both\n"
	       "  for the CPU and bound them into the GPU's address space at %#llx and %#llx\n",
	       (unsigned long long)(size / MIB), (unsigned long long)VA_VRAM,
	       (unsigned long long)VA_GTT);
	print_usage(fd, "with the buffers");

	ret = vsvm_queue_create(fd, 0, &queue);
	if (ret) {
		printf("  could not create a queue: %s\n", strerror(-ret));
		return ret;
	}
	printf("  created compute queue %u\n", queue);

	/* fill VRAM, copy it to GTT, check on both sides */
	run(fd, queue, VSVM_KERNEL_FILL, n, (uint64_t[6]){ vram.va, 0x5eed },
	    "filled the VRAM buffer with 0x5eed");
	for (i = 0; i < n && vram.map[i] == 0x5eed; i++)
		;
	check(i == n, "the CPU sees 0x5eed everywhere in the VRAM buffer");
	run(fd, queue, VSVM_KERNEL_COPY, n, (uint64_t[6]){ gtt.va, vram.va },
	    "copied VRAM into GTT");
	for (i = 0; i < n && gtt.map[i] == 0x5eed; i++)
		;
	check(i == n, "the CPU sees the copy in the GTT buffer");
	printf("  the CPU read both buffers through its mappings: %s\n",
	       i == n ? "every value is right" : "WRONG VALUES");

	/* the CPU writes a pattern, the GPU sums and verifies it */
	for (i = 0; i < n; i++) {
		gtt.map[i] = seed + i * step;
		sum += gtt.map[i];
	}
	printf("  the CPU wrote %llu + i * %llu into the GTT buffer\n", (unsigned long long)seed,
	       (unsigned long long)step);
	result.map[0] = 0;
	run(fd, queue, VSVM_KERNEL_CHECKSUM, n, (uint64_t[6]){ gtt.va, result.va },
	    "summed the GTT buffer");
	printf("  checksum: the GPU says %#llx, the CPU says %#llx: %s\n",
	       (unsigned long long)result.map[0], (unsigned long long)sum,
	       result.map[0] == sum ? "they match" : "MISMATCH");
	check(result.map[0] == sum, "GPU and CPU checksums match");
	result.map[1] = ~0ULL;
	run(fd, queue, VSVM_KERNEL_VERIFY, n, (uint64_t[6]){ gtt.va, seed, step, result.va + 8 },
	    "verified the pattern");
	printf("  verify: the GPU found %llu wrong values\n", (unsigned long long)result.map[1]);
	check(result.map[1] == 0, "the GPU finds the pattern intact");

	/* a triad across both memories */
	run(fd, queue, VSVM_KERNEL_TRIAD, n, (uint64_t[6]){ vram.va, gtt.va, gtt.va, 2 },
	    "computed vram[i] = gtt[i] + 2 * gtt[i]");
	for (i = 0; i < n && vram.map[i] == 3 * (seed + i * step); i++)
		;
	check(i == n, "the triad's results are right");
	printf("  triad: %s\n", i == n ? "every result is right" : "WRONG RESULTS");

	if (!vsvm_queue_status(fd, queue, &st))
		printf("  queue %u: %llu dispatches completed, state %s\n", queue,
		       (unsigned long long)st.completed,
		       st.state == VSVM_QUEUE_STATE_ACTIVE ? "active" : "NOT ACTIVE");
	vsvm_queue_destroy(fd, queue);

	/* a fault on purpose */
	ret = vsvm_queue_create(fd, VSVM_QUEUE_NO_RETRY, &nr_queue);
	if (!ret) {
		printf("  now a fill at %#llx, where nothing is bound, on a no-retry queue:\n",
		       (unsigned long long)VA_NOTHING);
		ret = vsvm_dispatch_sync(fd, nr_queue, VSVM_KERNEL_FILL, 1,
					 (uint64_t[6]){ VA_NOTHING, 1 }, DISPATCH_TIMEOUT_NS);
		printf("    the dispatch ended with \"%s\"\n", ret ? strerror(-ret) : "success");
		check(ret == -EFAULT, "the dispatch faults");
		if (!vsvm_queue_status(fd, nr_queue, &st)) {
			printf("    the queue is %s, fault at %#llx on a %s\n",
			       st.state == VSVM_QUEUE_STATE_FAULTED ? "stopped by the fault" :
			       "NOT FAULTED", (unsigned long long)st.fault_va,
			       st.fault_access & VSVM_ACCESS_WRITE ? "write" : "read");
			check(st.state == VSVM_QUEUE_STATE_FAULTED && st.fault_va == VA_NOTHING,
			      "the queue reports the fault");
		}
		ret = vsvm_dispatch(fd, nr_queue, VSVM_KERNEL_FILL, 1,
				    (uint64_t[6]){ result.va, 1 }, NULL, 0);
		printf("    a new dispatch on it is refused: %s\n",
		       ret ? strerror(-ret) : "NOT REFUSED");
		check(ret == -ECANCELED, "a faulted queue refuses dispatches");
		vsvm_queue_destroy(fd, nr_queue);
	}

	buffer_destroy(fd, &vram);
	buffer_destroy(fd, &gtt);
	buffer_destroy(fd, &result);
	print_usage(fd, "after freeing everything");
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vsvm-demo [-g GPU] [-s MiB]\n"
		"  Run a classic GPU workload on a vsvm GPU and tell what happened.\n"
		"  -g GPU  index of the GPU (default: every GPU)\n"
		"  -s MiB  size of each buffer (default 4)\n"
		"Exit status: 0 when every check passed, 1 otherwise, 2 on a usage error.\n");
}

int main(int argc, char **argv)
{
	char paths[VSVM_MAX_DEVICES][VSVM_PATH_MAX];
	struct drm_vsvm_query_device q;
	int gpu = -1, mib = 4, opt, n, i, fd;

	while ((opt = getopt(argc, argv, "g:s:h")) != -1) {
		switch (opt) {
		case 'g':
			gpu = atoi(optarg);
			break;
		case 's':
			mib = atoi(optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || mib < 1 || mib > 256) {
		usage(stderr);
		return 2;
	}

	n = vsvm_enumerate(paths, VSVM_MAX_DEVICES);
	if (n <= 0) {
		fprintf(stderr, "vsvm-demo: no vsvm GPU found (is the vsvm module loaded?)\n");
		return 1;
	}
	if (n > VSVM_MAX_DEVICES)
		n = VSVM_MAX_DEVICES;
	if (gpu >= n) {
		fprintf(stderr, "vsvm-demo: there is no GPU %d (%d found)\n", gpu, n);
		return 2;
	}

	for (i = 0; i < n; i++) {
		if (gpu >= 0 && i != gpu)
			continue;
		fd = vsvm_open_path(paths[i]);
		if (fd < 0 || vsvm_query_device(fd, &q)) {
			printf("gpu %d (%s): cannot open and query it\n", i, paths[i]);
			failed = true;
			vsvm_close(fd);
			continue;
		}
		printf("gpu %d (%s): gpu id %u, %u compute units, %llu MiB of VRAM\n", i, paths[i],
		       q.gpu_id, q.num_compute_units, (unsigned long long)(q.vram_size >> 20));
		if (demo_gpu(fd, (uint64_t)mib * MIB))
			failed = true;
		vsvm_close(fd);
	}
	printf("vsvm-demo: %s\n", failed ? "SOME CHECKS FAILED" : "every check passed");
	return failed ? 1 : 0;
}
