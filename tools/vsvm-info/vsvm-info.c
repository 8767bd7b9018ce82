// SPDX-License-Identifier: MIT
/*
 * vsvm-info - list the vsvm GPUs and what they report.
 *
 * Copyright 2026 The vsvm authors
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "libvsvm.h"

/* Print the VSVM_PAGE_SIZE_* bits of @page_sizes as a list like "4K 2M". */
static void print_page_sizes(unsigned long long page_sizes)
{
	static const char units[] = "BKMGTPE";
	const char *sep = "";
	unsigned int shift;

	if (!page_sizes) {
		printf("none\n");
		return;
	}
	for (shift = 0; shift < 64; shift++) {
		if (!(page_sizes & (1ULL << shift)))
			continue;
		printf("%s%llu%c", sep, 1ULL << (shift % 10), units[shift / 10]);
		sep = " ";
	}
	printf("\n");
}

/* Print the driver version and device query of the GPU at @path; 0 or -errno. */
static int print_gpu(int index, const char *path)
{
	char caps[128];
	struct drm_vsvm_query_device info;
	drmVersionPtr ver;
	int fd, ret;

	fd = vsvm_open_path(path);
	if (fd < 0)
		return fd;

	ver = drmGetVersion(fd);
	ret = ver ? vsvm_query_device(fd, &info) : -errno;
	vsvm_close(fd);
	if (ret) {
		drmFreeVersion(ver);
		return ret;
	}

	printf("gpu %d: %s\n", index, path);
	printf("  driver:          %s %d.%d.%d\n", ver->name, ver->version_major,
	       ver->version_minor, ver->version_patchlevel);
	printf("  description:     %s\n", ver->desc);
	printf("  date:            %s\n", ver->date);
	printf("  gpu id:          %u\n", info.gpu_id);
	printf("  uapi version:    %u.%u\n", info.uapi_version >> 16, info.uapi_version & 0xffff);
	printf("  compute units:   %u\n", info.num_compute_units);
	printf("  vram:            %llu MiB\n", (unsigned long long)(info.vram_size >> 20));
	printf("  page sizes:      ");
	print_page_sizes(info.page_sizes);
	printf("  capabilities:    %s\n",
	       vsvm_caps_string(info.capabilities, " ", caps, sizeof(caps)));
	printf("  va bits:         %u\n", info.va_bits);
	drmFreeVersion(ver);
	return 0;
}

/* Print the usage text to @out. */
static void usage(FILE *out)
{
	fprintf(out,
		"usage: vsvm-info [-q]\n"
		"  List the vsvm GPUs and what they report.\n"
		"  -q  print only the number of vsvm GPUs\n"
		"Exit status: 0 when at least one GPU was found (and, without -q, queried),\n"
		"1 otherwise, 2 on a usage error.\n");
}

/* Enumerate the vsvm GPUs and print them (or their number with -q). */
int main(int argc, char **argv)
{
	char paths[VSVM_MAX_DEVICES][VSVM_PATH_MAX];
	int quiet = 0, status = 0;
	int opt, n, i, ret;

	while ((opt = getopt(argc, argv, "qh")) != -1) {
		switch (opt) {
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	n = vsvm_enumerate(paths, VSVM_MAX_DEVICES);
	if (n < 0) {
		fprintf(stderr, "vsvm-info: cannot enumerate DRM devices: %s\n", strerror(-n));
		return 1;
	}
	if (quiet) {
		printf("%d\n", n);
		return n ? 0 : 1;
	}
	if (!n) {
		fprintf(stderr, "vsvm-info: no vsvm GPU found (is the vsvm module loaded?)\n");
		return 1;
	}
	if (n > VSVM_MAX_DEVICES)
		fprintf(stderr, "vsvm-info: %d vsvm GPUs found, showing the first %d\n", n,
			VSVM_MAX_DEVICES);

	for (i = 0; i < n && i < VSVM_MAX_DEVICES; i++) {
		ret = print_gpu(i, paths[i]);
		if (ret) {
			fprintf(stderr, "vsvm-info: %s: %s\n", paths[i], strerror(-ret));
			status = 1;
		}
	}
	return status;
}
