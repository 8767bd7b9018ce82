// SPDX-License-Identifier: MIT
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * TEST: vsvm module
 * Description: Loading and unloading the vsvm module: repeated reloads, module
 *              parameters, invalid parameters, injected load failures, slab
 *              allocation failures during the load and unloading while the
 *              render nodes are in use.
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: Driver core
 * Functionality: module load and unload
 * Feature: core
 * Test category: Module
 * Test requirement: root, the vsvm module at $VSVM_MODULE or
 *                   /lib/modules/$(uname -r)/extra/vsvm.ko
 *
 * SUBTEST: reload
 * Description: Unload and load the module 20 times; after each load there are
 *              num_gpus working render nodes, after each unload none and no
 *              device or driver is left behind.
 *
 * SUBTEST: num-gpus
 * Description: Load with num_gpus=1 and num_gpus=8; as many render nodes
 *              appear, each answers the device query with a distinct gpu_id.
 *
 * SUBTEST: params
 * Description: vram_size and num_cus (64M/7, 16777216/1, 16M/256) read back in
 *              sysfs and show up in the device query of every GPU.
 *
 * SUBTEST: invalid-params
 * Description: Out-of-range num_gpus, vram_size, num_cus and job_timeout_ms
 *              make finit_module fail with EINVAL and leave no module and no
 *              device behind; job_timeout_ms cannot be set to 0 at run time.
 *
 * SUBTEST: inject-load-error
 * Description: inject_load_error=N for N=1,2,... fails the load with ENODEV at
 *              each internal checkpoint without leaving anything behind, until
 *              a load succeeds; at least 3 checkpoints are hit.
 *
 * SUBTEST: failslab-load
 * Description: With failslab restricted to the loading task, the k-th slab
 *              allocation of the driver's part of the load (after the module
 *              loader's) fails for a sweep of byte budgets; a failed load
 *              returns a negative errno and leaves nothing behind, a
 *              successful one works.
 * Test requirement: CONFIG_FAILSLAB and debugfs (/sys/kernel/debug/failslab)
 *
 * SUBTEST: concurrent-open-unload
 * Description: Children open, query and close every GPU in a loop while the
 *              parent tries to unload the module; unloading fails with
 *              EAGAIN/EBUSY while a file is open and succeeds otherwise.
 */

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <xf86drm.h>

#include "igt_core.h"
#include "vsvm_test.h"

IGT_TEST_DESCRIPTION("Load, unload and module-parameter tests of the vsvm module.");

#define MAX_GPUS VSVM_MAX_DEVICES
#define WAIT_NODES_MS 3000
#define RELOADS 20
#define MAX_INJECT 100
#define FAILSLAB_DIR "/sys/kernel/debug/failslab"
#define FAILSLAB_SPACE_MAX (1 << 30)
#define CONCURRENT_SECONDS 5
#define CONCURRENT_CHILDREN 4

static struct vt_snapshot baseline;

static const struct vt_params default_params = {
	.num_gpus = VT_DEFAULT_NUM_GPUS,
	.vram_size = VT_DEFAULT_VRAM_SIZE,
	.num_cus = VT_DEFAULT_NUM_CUS,
};

/* ---- failslab ---------------------------------------------------------------- */

static const char *const failslab_attrs[] = {
	"probability", "interval", "times", "space", "verbose",
	"task-filter", "ignore-gfp-wait", "cache-filter",
};
static char failslab_saved[ARRAY_SIZE(failslab_attrs)][64];
static bool failslab_is_saved;

static void failslab_set(const char *attr, const char *value)
{
	char path[256];

	snprintf(path, sizeof(path), FAILSLAB_DIR "/%s", attr);
	igt_assert_f(vt_write_file(path, value), "writing %s to %s: %m\n", value, path);
}

static long long failslab_get(const char *attr)
{
	char path[256], buf[64];

	snprintf(path, sizeof(path), FAILSLAB_DIR "/%s", attr);
	igt_assert_f(vt_read_file(path, buf, sizeof(buf)), "reading %s: %m\n", path);
	return strtoll(buf, NULL, 0);
}

static void failslab_save(void)
{
	char path[256];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(failslab_attrs); i++) {
		snprintf(path, sizeof(path), FAILSLAB_DIR "/%s", failslab_attrs[i]);
		igt_assert_f(vt_read_file(path, failslab_saved[i], sizeof(failslab_saved[i])),
			     "reading %s: %m\n", path);
	}
	failslab_is_saved = true;
}

/* Safe from an exit handler: no asserts. Probability first, so nothing fails meanwhile. */
static void failslab_restore(void)
{
	char path[256];
	unsigned int i;

	if (!failslab_is_saved)
		return;
	vt_write_file(FAILSLAB_DIR "/probability", "0");
	for (i = 0; i < ARRAY_SIZE(failslab_attrs); i++) {
		snprintf(path, sizeof(path), FAILSLAB_DIR "/%s", failslab_attrs[i]);
		if (!vt_write_file(path, failslab_saved[i]))
			igt_warn("could not restore %s to %s\n", path, failslab_saved[i]);
	}
	failslab_is_saved = false;
}

static bool make_it_fail(bool on)
{
	return vt_write_file("/proc/self/make-it-fail", on ? "1" : "0");
}

/* ---- module state ------------------------------------------------------------- */

static void exit_handler(int sig)
{
	int ret;

	(void)sig;
	make_it_fail(false);
	failslab_restore();
	ret = vt_module_restore_default();
	if (ret)
		igt_warn("could not reload vsvm with default parameters: %s\n", strerror(-ret));
}

/* After an unload or a failed load: no module, no vsvm node, nothing new in sysfs or /dev/dri. */
static void check_nothing_left(const char *when)
{
	struct vt_snapshot now;
	struct timespec start = {};
	bool equal;

	igt_assert_f(!vt_module_loaded(), "vsvm still loaded %s\n", when);
	igt_assert_f(vt_scan_render_nodes(NULL, 0) == 0, "vsvm render node left %s\n", when);

	igt_nsec_elapsed(&start);
	for (;;) {
		vt_snapshot_take(&now);
		equal = vt_snapshot_equal(&baseline, &now, false);
		if (equal || igt_nsec_elapsed(&start) > 1000000000ULL)
			break;
		vt_snapshot_free(&now);
		usleep(20000);
	}
	if (!equal) {
		igt_info("differences from the state before vsvm was loaded (%s):\n", when);
		vt_snapshot_equal(&baseline, &now, true);
	}
	vt_snapshot_free(&now);
	igt_assert_f(equal, "devices or drivers left behind %s\n", when);
}

static void unload_checked(void)
{
	int ret = vt_module_unload();

	igt_assert_f(ret == 0, "delete_module(vsvm): %s\n", strerror(-ret));
	check_nothing_left("after unload");
}

/* Open every vsvm GPU, check its query against @p, ids distinct; returns the count. */
static int check_gpus(const struct vt_params *p)
{
	char paths[MAX_GPUS][VSVM_PATH_MAX];
	struct drm_vsvm_query_device q[MAX_GPUS];
	int n, i, j, fd, ret;

	n = vt_scan_render_nodes(paths, MAX_GPUS);
	igt_assert_lte(n, MAX_GPUS);
	for (i = 0; i < n; i++) {
		fd = vsvm_open_path(paths[i]);
		igt_assert_f(fd >= 0, "open %s: %s\n", paths[i], strerror(-fd));
		ret = vsvm_query_device(fd, &q[i]);
		vsvm_close(fd);
		igt_assert_f(ret == 0, "query %s: %s\n", paths[i], strerror(-ret));
		vt_check_query(&q[i], p, i);
		for (j = 0; j < i; j++)
			igt_assert_f(q[i].gpu_id != q[j].gpu_id, "GPUs %d and %d share gpu_id %u\n",
				     j, i, q[i].gpu_id);
	}
	return n;
}

/* Load with @params and check that @p->num_gpus working GPUs appear. */
static void load_checked(const char *params, const struct vt_params *p)
{
	int ret, n;

	ret = vt_module_load(params);
	igt_assert_f(ret == 0, "finit_module(\"%s\"): %s\n", params, strerror(-ret));
	n = vt_wait_render_count(p->num_gpus, WAIT_NODES_MS);
	igt_assert_f(n == p->num_gpus, "%d vsvm render nodes after loading with \"%s\", expected %d\n",
		     n, params, p->num_gpus);
	igt_assert_eq(vt_param_ll("num_gpus"), p->num_gpus);
	igt_assert_eq(check_gpus(p), p->num_gpus);
}

static void restore_default_checked(void)
{
	int ret = vt_module_restore_default();

	igt_assert_f(ret == 0, "reloading vsvm with default parameters: %s\n", strerror(-ret));
	igt_assert_eq(vt_wait_render_count(VT_DEFAULT_NUM_GPUS, WAIT_NODES_MS),
		      VT_DEFAULT_NUM_GPUS);
}

/* ---- subtests ------------------------------------------------------------------- */

static void test_reload(void)
{
	struct vt_params p;
	int i;

	for (i = 0; i < RELOADS; i++) {
		igt_debug("reload %d\n", i);
		unload_checked();
		load_checked("", &default_params);
		igt_assert(vt_current_params(&p));
		igt_assert_eq(vt_scan_render_nodes(NULL, 0), p.num_gpus);
	}
}

static void test_num_gpus(void)
{
	/* 8 GPUs with the default 256M each may not fit the VM: use the minimum VRAM */
	static const struct {
		const char *params;
		struct vt_params p;
	} cases[] = {
		{ "num_gpus=1", { 1, VT_DEFAULT_VRAM_SIZE, VT_DEFAULT_NUM_CUS } },
		{ "num_gpus=8 vram_size=16M", { 8, 16ULL << 20, VT_DEFAULT_NUM_CUS } },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		igt_info("loading with %s\n", cases[i].params);
		unload_checked();
		load_checked(cases[i].params, &cases[i].p);
	}
	unload_checked();
	restore_default_checked();
}

static void test_params(void)
{
	static const struct {
		const char *params;
		struct vt_params p;
	} cases[] = {
		{ "vram_size=64M num_cus=7", { VT_DEFAULT_NUM_GPUS, 64ULL << 20, 7 } },
		{ "vram_size=16777216 num_cus=1", { VT_DEFAULT_NUM_GPUS, 16ULL << 20, 1 } },
		{ "vram_size=16M num_cus=256", { VT_DEFAULT_NUM_GPUS, 16ULL << 20, 256 } },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		igt_info("loading with %s\n", cases[i].params);
		unload_checked();
		load_checked(cases[i].params, &cases[i].p);
		igt_assert_eq(vt_param_ll("num_cus"), cases[i].p.num_cus);
		igt_assert_eq_u64(vt_param_ll("vram_size"), cases[i].p.vram_size);
	}
	unload_checked();
	restore_default_checked();
}

static void test_invalid_params(void)
{
	static const char *const invalid[] = {
		"num_gpus=0", "num_gpus=9",
		"vram_size=0", "vram_size=3M", "vram_size=17G",
		"num_cus=0", "num_cus=257",
		"job_timeout_ms=0", "job_timeout_ms=3600001",
	};
	unsigned int i;
	int fd, ret;

	unload_checked();
	for (i = 0; i < ARRAY_SIZE(invalid); i++) {
		ret = vt_module_load(invalid[i]);
		igt_assert_f(ret == -EINVAL, "finit_module(\"%s\") returned %d (%s), expected EINVAL\n",
			     invalid[i], ret, strerror(-ret));
		check_nothing_left(invalid[i]);
	}
	restore_default_checked();

	/* The timeout can change at run time, but not to 0. */
	fd = open("/sys/module/vsvm/parameters/job_timeout_ms", O_WRONLY);
	igt_assert_f(fd >= 0, "job_timeout_ms: %s\n", strerror(errno));
	ret = write(fd, "0", 1);
	igt_assert_f(ret < 0 && errno == EINVAL, "writing 0 to job_timeout_ms: %d (%s)\n",
		     ret, strerror(errno));
	close(fd);
	igt_assert_eq(vt_param_ll("job_timeout_ms"), 10000);
}

static void test_inject_load_error(void)
{
	char params[64];
	int n, ret;

	unload_checked();
	for (n = 1; n <= MAX_INJECT; n++) {
		snprintf(params, sizeof(params), "inject_load_error=%d", n);
		ret = vt_module_load(params);
		if (ret == 0)
			break;
		igt_assert_f(ret == -ENODEV, "%s: load returned %d (%s), expected ENODEV\n", params,
			     ret, strerror(-ret));
		check_nothing_left(params);
	}
	igt_assert_f(n <= MAX_INJECT, "every load with inject_load_error=1..%d failed\n",
		     MAX_INJECT);
	igt_info("%d load checkpoints; inject_load_error=%d loads\n", n - 1, n);
	igt_assert_f(n - 1 >= 3, "only %d load checkpoints were hit, expected at least 3\n", n - 1);

	/* the successful load is a normal one */
	igt_assert_eq(vt_wait_render_count(VT_DEFAULT_NUM_GPUS, WAIT_NODES_MS), VT_DEFAULT_NUM_GPUS);
	igt_assert_eq(check_gpus(&default_params), VT_DEFAULT_NUM_GPUS);
	igt_assert_eq(vt_param_ll("inject_load_error"), n);

	unload_checked();
	restore_default_checked();
}

/*
 * One load under failslab: only this task fails (task-filter + make-it-fail),
 * once (times=1), at the first allocation that does not fit in @space bytes.
 * Both files are opened beforehand, so the window covers finit_module alone
 * and closing it allocates nothing. Returns the load's result; *@injected
 * tells whether a failure was injected and *@left the unused budget.
 */
static int failslab_load(const char *params, long long space, bool *injected, long long *left)
{
	int mod_fd, mif_fd, ret;
	char buf[32];
	bool off;

	failslab_set("times", "1");
	snprintf(buf, sizeof(buf), "%lld", space);
	failslab_set("space", buf);

	mod_fd = open(vt_module_path(), O_RDONLY | O_CLOEXEC);
	igt_assert_fd(mod_fd);
	mif_fd = open("/proc/self/make-it-fail", O_WRONLY | O_CLOEXEC);
	igt_assert_fd(mif_fd);

	igt_assert_eq(write(mif_fd, "1", 1), 1);
	ret = syscall(SYS_finit_module, mod_fd, params, 0) ? -errno : 0;
	off = write(mif_fd, "0", 1) == 1;

	close(mif_fd);
	close(mod_fd);
	igt_assert_f(off, "could not clear /proc/self/make-it-fail\n");

	*injected = failslab_get("times") == 0;
	*left = failslab_get("space");
	return ret;
}

static void test_failslab_load(void)
{
	/* small VRAM: this is about the error paths, and it keeps each load fast */
	static const char params[] = "vram_size=16M";
	static const struct vt_params p = { VT_DEFAULT_NUM_GPUS, 16ULL << 20, VT_DEFAULT_NUM_CUS };
	const char *env = getenv("VSVM_FAILSLAB_STEPS");
	const char *env_s = getenv("VSVM_FAILSLAB_SECONDS");
	int steps = env ? atoi(env) : 64;
	unsigned int seconds = env_s ? (unsigned int)atoi(env_s) : 200;
	long long total, loader, left, *budgets;
	int nbudgets = 0, i, ret, failures = 0, successes = 0, tolerated = 0;
	struct timespec start = {};
	bool injected;

	igt_require_f(access(FAILSLAB_DIR, F_OK) == 0,
		      FAILSLAB_DIR " missing (needs CONFIG_FAILSLAB and debugfs)\n");
	igt_require_f(access("/proc/self/make-it-fail", W_OK) == 0,
		      "/proc/self/make-it-fail missing (CONFIG_FAULT_INJECTION)\n");
	if (steps < 1)
		steps = 64;

	failslab_save();
	failslab_set("probability", "0");
	failslab_set("task-filter", "Y");
	failslab_set("interval", "1");
	failslab_set("verbose", "0");
	failslab_set("ignore-gfp-wait", "N"); /* GFP_KERNEL allocations may fail too */
	failslab_set("cache-filter", "N");
	failslab_set("probability", "100");

	unload_checked();

	/* how many bytes a whole load allocates from slab in this task */
	ret = failslab_load(params, FAILSLAB_SPACE_MAX, &injected, &left);
	igt_assert_f(ret == 0 && !injected, "load with an unlimited budget: %d (%s)\n", ret,
		     strerror(-ret));
	total = FAILSLAB_SPACE_MAX - left;
	check_gpus(&p);
	unload_checked();

	/*
	 * ... and roughly how many are spent before the driver's own work: a load
	 * that is refused for num_gpus=0 (by the parameter parser or early in init)
	 */
	ret = failslab_load("vram_size=16M num_gpus=0", FAILSLAB_SPACE_MAX, &injected, &left);
	igt_assert_eq(ret, -EINVAL);
	check_nothing_left("after the loader measurement");
	loader = FAILSLAB_SPACE_MAX - left;
	if (loader <= 0 || loader >= total)
		loader = 0;
	igt_info("a load allocates %lld slab bytes, %lld of them before num_gpus is checked\n",
		 total, loader);
	igt_assert_lt_s64(0, total);

	/*
	 * A sweep over the driver's part of the load. Not the module loader's
	 * part: it is the kernel's own code, and the tracing core warns when an
	 * allocation for a module's trace events fails. The time budget
	 * (VSVM_FAILSLAB_SECONDS) keeps the subtest under the runner's timeout.
	 */
	budgets = calloc(steps + 1, sizeof(*budgets));
	igt_assert(budgets);
	for (i = 0; i <= steps; i++)
		budgets[nbudgets++] = loader + (total - loader) * i / steps;

	igt_nsec_elapsed(&start);
	for (i = 0; i < nbudgets; i++) {
		if (i && budgets[i] == budgets[i - 1])
			continue;
		if (seconds && igt_seconds_elapsed(&start) >= seconds) {
			igt_info("time budget of %us used up: %d of %d byte budgets tried\n",
				 seconds, i, nbudgets);
			break;
		}

		ret = failslab_load(params, budgets[i], &injected, &left);
		igt_debug("budget %lld: load %d, %s, %lld bytes allocated before\n", budgets[i],
			  ret, injected ? "failure injected" : "no failure", budgets[i] - left);
		if (ret == 0) {
			successes++;
			tolerated += injected;
			igt_assert_eq(vt_wait_render_count(p.num_gpus, WAIT_NODES_MS), p.num_gpus);
			check_gpus(&p);
			unload_checked();
		} else {
			failures++;
			igt_assert_f(ret < 0, "budget %lld: load returned %d\n", budgets[i], ret);
			igt_assert_f(injected,
				     "budget %lld: load failed with %s without an injected failure\n",
				     budgets[i], strerror(-ret));
			check_nothing_left("after a load failed by failslab");
		}
	}
	free(budgets);

	igt_info("%d loads failed cleanly, %d succeeded (%d despite an injected failure)\n",
		 failures, successes, tolerated);
	igt_assert_lt(0, failures);

	failslab_restore();
	restore_default_checked();
}

/* Open, query and close every DRM render node until the timeout; vsvm comes and goes. */
static void open_unload_child(void)
{
	unsigned long queries = 0, missing = 0;

	igt_until_timeout(CONCURRENT_SECONDS) {
		struct dirent *ent;
		DIR *dir = opendir("/dev/dri");

		if (!dir) { /* devtmpfs drops /dev/dri with its last node */
			missing++;
			usleep(1000);
			continue;
		}
		while ((ent = readdir(dir))) {
			struct drm_vsvm_query_device q;
			char path[VSVM_PATH_MAX];
			drmVersionPtr v;
			int fd, ret;

			if (strncmp(ent->d_name, "renderD", 7) ||
			    snprintf(path, sizeof(path), "/dev/dri/%s", ent->d_name) >=
			    (int)sizeof(path))
				continue;
			fd = open(path, O_RDWR | O_CLOEXEC);
			if (fd < 0) {
				/* the node went away, or is going away with its module */
				igt_assert_f(errno == ENOENT || errno == ENODEV || errno == ENXIO,
					     "open %s: %m\n", path);
				missing++;
				continue;
			}
			v = drmGetVersion(fd);
			igt_assert_f(v, "drmGetVersion(%s) failed on an open file\n", path);
			if (!strcmp(v->name, "vsvm")) {
				/* an open file pins the module: the query must work */
				ret = vsvm_query_device(fd, &q);
				igt_assert_f(ret == 0, "query %s: %s\n", path, strerror(-ret));
				igt_assert_eq_u32(q.uapi_version, (VSVM_UAPI_VERSION_MAJOR << 16) |
								  VSVM_UAPI_VERSION_MINOR);
				igt_assert_neq_u32(q.gpu_id, 0);
				queries++;
			}
			drmFreeVersion(v);
			close(fd);
		}
		closedir(dir);
	}
	igt_info("child: %lu queries, %lu nodes gone before open\n", queries, missing);
}

static void test_concurrent_open_unload(void)
{
	unsigned long unloads = 0, busy = 0;
	int fd, ret;

	restore_default_checked();

	/* an open file keeps the module: unloading fails and the file keeps working */
	fd = vsvm_open(0);
	igt_assert_f(fd >= 0, "vsvm_open(0): %s\n", strerror(-fd));
	ret = __vt_module_unload();
	igt_assert_f(ret == -EAGAIN || ret == -EBUSY,
		     "delete_module with an open file returned %d (%s)\n", ret, strerror(-ret));
	igt_assert(vt_module_loaded());
	igt_assert_eq(check_gpus(&default_params), VT_DEFAULT_NUM_GPUS);
	{
		struct drm_vsvm_query_device q;

		igt_assert_eq(vsvm_query_device(fd, &q), 0);
	}
	vsvm_close(fd);

	/* with no file open it goes */
	unload_checked();
	load_checked("", &default_params);

	igt_fork(child, CONCURRENT_CHILDREN)
		open_unload_child();

	igt_until_timeout(CONCURRENT_SECONDS) {
		ret = __vt_module_unload();
		if (ret == 0) {
			unloads++;
			ret = vt_module_load("");
			igt_assert_f(ret == 0, "reload after unload %lu: %s\n", unloads,
				     strerror(-ret));
		} else {
			igt_assert_f(ret == -EAGAIN || ret == -EBUSY,
				     "delete_module returned %d (%s)\n", ret, strerror(-ret));
			busy++;
		}
		usleep(random() % 2000);
	}
	igt_waitchildren();
	igt_info("%lu unloads succeeded, %lu refused while files were open\n", unloads, busy);

	/* quiet again: the module is loaded, works, and unloads */
	igt_assert(vt_module_loaded());
	igt_assert_eq(vt_wait_render_count(VT_DEFAULT_NUM_GPUS, WAIT_NODES_MS), VT_DEFAULT_NUM_GPUS);
	igt_assert_eq(check_gpus(&default_params), VT_DEFAULT_NUM_GPUS);
	unload_checked();
	restore_default_checked();
}

igt_main
{
	igt_fixture {
		int ret;

		igt_require_f(access(vt_module_path(), R_OK) == 0,
			      "vsvm module not found at %s (set VSVM_MODULE)\n", vt_module_path());
		igt_require_f(geteuid() == 0, "loading modules needs root\n");
		igt_install_exit_handler(exit_handler);

		/* what exists while vsvm is not loaded */
		if (vt_module_loaded()) {
			ret = vt_module_unload();
			igt_assert_f(ret == 0, "delete_module(vsvm): %s\n", strerror(-ret));
		}
		igt_assert_eq(vt_scan_render_nodes(NULL, 0), 0);
		vt_snapshot_take(&baseline);
		restore_default_checked();
	}

	igt_describe("Unload and load the module many times.");
	igt_subtest("reload")
		test_reload();

	igt_describe("The num_gpus parameter sets the number of GPUs.");
	igt_subtest("num-gpus")
		test_num_gpus();

	igt_describe("vram_size and num_cus reach the device query.");
	igt_subtest("params")
		test_params();

	igt_describe("Out-of-range parameters fail the load with EINVAL.");
	igt_subtest("invalid-params")
		test_invalid_params();

	igt_describe("Every load checkpoint fails cleanly with ENODEV.");
	igt_subtest("inject-load-error")
		test_inject_load_error();

	igt_describe("Slab allocation failures during the load are handled.");
	igt_subtest("failslab-load")
		test_failslab_load();

	igt_describe("Unloading races with opening the render nodes.");
	igt_subtest("concurrent-open-unload")
		test_concurrent_open_unload();

	igt_fixture {
		make_it_fail(false);
		failslab_restore();
		restore_default_checked();
		vt_snapshot_free(&baseline);
	}
}
