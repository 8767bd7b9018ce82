/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the vsvm IGT-style tests: an independent scan of the
 * render nodes, module parameters, loading/unloading the module and
 * snapshots of what a loaded module creates in sysfs.
 *
 * Copyright 2026 The vsvm authors
 */
#ifndef VSVM_TEST_H
#define VSVM_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include "libvsvm.h"

#ifndef VSVM_PATH_MAX
#define VSVM_PATH_MAX 64
#endif

/* Module parameter defaults (the module is loaded with these between tests). */
#define VT_DEFAULT_NUM_GPUS 2
#define VT_DEFAULT_VRAM_SIZE (256ULL << 20)
#define VT_DEFAULT_NUM_CUS 4

#define VT_MODULE_NAME "vsvm"
#define VT_PARAM_DIR "/sys/module/vsvm/parameters"

struct vt_params {
	int num_gpus;
	uint64_t vram_size;
	int num_cus;
};

/*
 * vt_scan_render_nodes - list the vsvm render nodes by scanning
 * /dev/dri/renderD* and asking each node's driver name (vsvm_open_path()).
 * Independent of vsvm_enumerate(). Sorted like vsvm_enumerate() (strverscmp).
 * @paths may be NULL when @max is 0. Returns the number of vsvm nodes.
 */
int vt_scan_render_nodes(char paths[][VSVM_PATH_MAX], int max);

/* Poll until vt_scan_render_nodes() sees @expected nodes; returns the last count. */
int vt_wait_render_count(int expected, int timeout_ms);

/* Read a small sysfs/debugfs file into @buf, trailing newline and blanks removed. */
bool vt_read_file(const char *path, char *buf, int len);
/* Read /sys/module/vsvm/parameters/@name; false when unreadable. */
bool vt_read_param(const char *name, char *buf, int len);
/* The parameter as a number, or -1 when unreadable. */
long long vt_param_ll(const char *name);
/* The current parameters (sysfs), or the defaults for unreadable ones; false if any was unreadable. */
bool vt_current_params(struct vt_params *p);

/* Path of vsvm.ko: $VSVM_MODULE or /lib/modules/$(uname -r)/extra/vsvm.ko */
const char *vt_module_path(void);
/* finit_module(vsvm.ko, @params): 0 or -errno. */
int vt_module_load(const char *params);
/* One delete_module("vsvm", 0): 0 or -errno. */
int __vt_module_unload(void);
/* delete_module, retried while it returns EAGAIN/EBUSY (up to ~5s): 0 or -errno. */
int vt_module_unload(void);
/* Whether vsvm is listed in /proc/modules. */
bool vt_module_loaded(void);
/* Whether vsvm is loaded with the default parameters (all readable and default). */
bool vt_module_is_default(void);
/* Make sure vsvm is loaded with default parameters; 0 or -errno. Does not assert. */
int vt_module_restore_default(void);

/* Directory listings that must be identical while vsvm is not loaded. */
struct vt_snapshot {
	char **names; /* sorted "dir/entry" strings */
	int count;
};

void vt_snapshot_take(struct vt_snapshot *s);
/* Equal? Logs the differences (igt_info) when @log. */
bool vt_snapshot_equal(const struct vt_snapshot *a, const struct vt_snapshot *b, bool log);
void vt_snapshot_free(struct vt_snapshot *s);

/*
 * vt_check_query - igt_assert that @q (from GPU @idx) is consistent with the
 * uAPI header and with the module parameters @p.
 */
void vt_check_query(const struct drm_vsvm_query_device *q, const struct vt_params *p, int idx);

#endif /* VSVM_TEST_H */
