// SPDX-License-Identifier: MIT
/*
 * vsvm-smi - the vsvm GPUs, the per-process SVM counters and the stream of
 * SVM events (faults, migrations, evictions, GPU unmaps, queue suspensions).
 *
 * vsvm-smi opens the GPUs itself, which gives it an SVM context of its own
 * (one per process, shared by every GPU): the counters and events of other
 * processes are those of DRM_IOCTL_VSVM_SVM_COUNTERS and
 * DRM_IOCTL_VSVM_EVENTS_OPEN for another process id, which need
 * CAP_SYS_ADMIN (root).
 *
 * Copyright 2026 The vsvm authors
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libvsvm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NSEC_PER_USEC 1000LL
#define NSEC_PER_MSEC 1000000LL
#define MIB (1ULL << 20)
/* Records read at once by --watch */
#define WATCH_BATCH 64

enum mode {
	MODE_LIST,
	MODE_COUNTERS,
	MODE_WATCH,
};

/* The command line */
struct opts {
	enum mode mode;
	bool have_pid;		/* --pid given */
	unsigned int pid;	/* --pid P */
	bool all;		/* --all */
	unsigned long long mask; /* --mask, VSVM_EVENT_MASK() bits */
	unsigned long count;	/* --count N, 0: no limit */
	long timeout_ms;	/* --timeout-ms T, -1: no limit */
};

/* Names --mask accepts for several kinds at once, besides the kind names. */
static const struct {
	const char *name;
	unsigned long long mask;
} kind_groups[] = {
	{ "fault",
	  VSVM_EVENT_MASK(VSVM_EVENT_FAULT_START) | VSVM_EVENT_MASK(VSVM_EVENT_FAULT_END) },
	{ "migrate",
	  VSVM_EVENT_MASK(VSVM_EVENT_MIGRATE_START) | VSVM_EVENT_MASK(VSVM_EVENT_MIGRATE_END) },
	{ "queue",
	  VSVM_EVENT_MASK(VSVM_EVENT_QUEUE_SUSPEND) | VSVM_EVENT_MASK(VSVM_EVENT_QUEUE_RESUME) },
	{ "all", VSVM_EVENT_MASK_ALL },
};

/* Set by SIGINT and SIGTERM: --watch stops. */
static volatile sig_atomic_t stop_watch;

/* ---- GPUs ------------------------------------------------------------------ */

/*
 * The render nodes of the vsvm GPUs into @paths; their number, or -1 after
 * printing why there is none.
 */
static int find_gpus(char paths[][VSVM_PATH_MAX])
{
	int n = vsvm_enumerate(paths, VSVM_MAX_DEVICES);

	if (n < 0) {
		fprintf(stderr, "vsvm-smi: cannot enumerate DRM devices: %s\n", strerror(-n));
		return -1;
	}
	if (!n) {
		fprintf(stderr, "vsvm-smi: no vsvm GPU found (is the vsvm module loaded?)\n");
		return -1;
	}
	if (n > VSVM_MAX_DEVICES) {
		fprintf(stderr, "vsvm-smi: %d vsvm GPUs found, using the first %d\n", n,
			VSVM_MAX_DEVICES);
		n = VSVM_MAX_DEVICES;
	}
	return n;
}

/* Open the render node @path; the descriptor, or -1 after printing why not. */
static int open_gpu(const char *path)
{
	int fd = vsvm_open_path(path);

	if (fd < 0)
		fprintf(stderr, "vsvm-smi: %s: %s\n", path, strerror(-fd));
	return fd;
}

/* One line per GPU: index, node, gpu_id, VRAM, compute units, capabilities; exit status. */
static int list_gpus(void)
{
	char paths[VSVM_MAX_DEVICES][VSVM_PATH_MAX];
	struct drm_vsvm_query_device q;
	int n, i, fd, ret, status = 0;
	char caps[128];

	n = find_gpus(paths);
	if (n < 0)
		return 1;
	printf("%-3s %-20s %6s %13s %14s %4s %s\n", "GPU", "NODE", "GPU_ID", "VRAM_USED_MIB",
	       "VRAM_TOTAL_MIB", "CUS", "CAPABILITIES");
	for (i = 0; i < n; i++) {
		fd = open_gpu(paths[i]);
		if (fd < 0) {
			status = 1;
			continue;
		}
		ret = vsvm_query_device(fd, &q);
		vsvm_close(fd);
		if (ret) {
			fprintf(stderr, "vsvm-smi: %s: device query: %s\n", paths[i],
				strerror(-ret));
			status = 1;
			continue;
		}
		printf("%-3d %-20s %6u %13llu %14llu %4u ", i, paths[i], q.gpu_id,
		       (unsigned long long)(q.vram_used / MIB),
		       (unsigned long long)(q.vram_size / MIB), q.num_compute_units);
		printf("%s\n", vsvm_caps_string(q.capabilities, ",", caps, sizeof(caps)));
	}
	return status;
}

/* ---- counters -------------------------------------------------------------- */

/* The columns of --counters after GPU and PID: the uAPI's field names. */
#define COUNTER(field) { #field, offsetof(struct drm_vsvm_svm_counters, field) }
static const struct {
	const char *name;
	size_t offset;
} counter_cols[] = {
	COUNTER(faults),
	COUNTER(batches),
	COUNTER(duplicates),
	COUNTER(fatal),
	COUNTER(pages_mapped),
	COUNTER(pages_unmapped),
	COUNTER(invalidations),
	COUNTER(queue_evictions),
	COUNTER(restores),
	COUNTER(pages_in),
	COUNTER(pages_out),
	COUNTER(cpu_faults),
	COUNTER(vram_evictions),
	COUNTER(bytes_copied),
	COUNTER(vram_pages),
	COUNTER(exclusive),
};

/* Column width of counter @i: its name, at least 6 characters. */
static int counter_width(size_t i)
{
	int len = strlen(counter_cols[i].name);

	return len < 6 ? 6 : len;
}

static void print_counters_header(void)
{
	size_t i;

	printf("%-3s %-8s", "GPU", "PID");
	for (i = 0; i < ARRAY_SIZE(counter_cols); i++)
		printf(" %*s", counter_width(i), counter_cols[i].name);
	printf("\n");
}

static void print_counters_row(int gpu, const struct drm_vsvm_svm_counters *c)
{
	size_t i;

	printf("%-3d %-8u", gpu, c->pid);
	for (i = 0; i < ARRAY_SIZE(counter_cols); i++)
		printf(" %*llu", counter_width(i),
		       *(const unsigned long long *)((const char *)c + counter_cols[i].offset));
	printf("\n");
}

/* Every SVM process but vsvm-smi itself on GPU @gpu (VSVM_COUNTERS_NEXT); 0 or -errno. */
static int counters_all(int gpu, int fd)
{
	struct drm_vsvm_svm_counters c;
	unsigned int pid = 0, self = getpid();
	int ret;

	while (!(ret = vsvm_svm_counters(fd, pid, VSVM_COUNTERS_NEXT, &c))) {
		if (c.pid <= pid)	/* the kernel must move on */
			return -EPROTO;
		pid = c.pid;
		if (pid != self)
			print_counters_row(gpu, &c);
	}
	return ret == -ESRCH ? 0 : ret;
}

/* The counters of one process (@pid 0: vsvm-smi's own) on GPU @gpu; 0 or -errno. */
static int counters_one(int gpu, int fd, unsigned int pid)
{
	struct drm_vsvm_svm_counters c;
	int ret = vsvm_svm_counters(fd, pid, 0, &c);

	if (!ret)
		print_counters_row(gpu, &c);
	return ret;
}

/* Print the error of the counters ioctl on the GPU at @path with a hint; always 1. */
static int counters_error(const char *path, int err)
{
	fprintf(stderr, "vsvm-smi: %s: SVM counters: %s", path, strerror(-err));
	if (err == -EPERM)
		fprintf(stderr, " (the counters of other processes need CAP_SYS_ADMIN)");
	fprintf(stderr, "\n");
	return 1;
}

/*
 * --counters: a table of the counters per GPU and process; exit status. A
 * single process without counters on a GPU (-ESRCH) is left out of that
 * GPU's rows; without counters on any GPU it is an error.
 */
static int show_counters(const struct opts *o)
{
	char paths[VSVM_MAX_DEVICES][VSVM_PATH_MAX];
	bool all = o->all || (!o->have_pid && geteuid() == 0);
	int n, i, fd, ret, rows = 0, status = 0;

	if (!all && !o->have_pid)
		fprintf(stderr, "vsvm-smi: not root: only vsvm-smi's own counters "
			"(other processes need CAP_SYS_ADMIN)\n");
	n = find_gpus(paths);
	if (n < 0)
		return 1;
	print_counters_header();
	for (i = 0; i < n; i++) {
		fd = open_gpu(paths[i]);
		if (fd < 0) {
			status = 1;
			continue;
		}
		if (all)
			ret = counters_all(i, fd);
		else
			ret = counters_one(i, fd, o->have_pid ? o->pid : 0);
		vsvm_close(fd);
		if (!ret)
			rows++;
		else if (ret != -ESRCH || all)
			status = counters_error(paths[i], ret);
	}
	if (!all && !rows && !status) {
		fprintf(stderr, "vsvm-smi: process %u has no SVM context (no vsvm file open)\n",
			o->have_pid ? o->pid : (unsigned int)getpid());
		status = 1;
	}
	return status;
}

/* ---- events ---------------------------------------------------------------- */

static void on_signal(int sig)
{
	(void)sig;
	stop_watch = 1;
}

/* "sysmem" or "gpu<id>" for a location of a migration. */
static const char *location_name(unsigned int loc, char *buf, size_t len)
{
	if (loc == VSVM_SVM_LOCATION_SYSMEM)
		return "sysmem";
	snprintf(buf, len, "gpu%u", loc);
	return buf;
}

/* Print a name, or the number when the name is unknown. */
static void print_name(const char *what, const char *name, unsigned int value)
{
	if (name)
		printf(" %s %s", what, name);
	else
		printf(" %s %u", what, value);
}

/* The range of a migration or an unmap: " addr 0x... size N KiB". */
static void print_range(const struct drm_vsvm_event *ev)
{
	printf(" addr 0x%llx size %llu KiB", (unsigned long long)ev->addr,
	       (unsigned long long)(ev->size >> 10));
}

/* One line for one record; @start_ns: the time the watch started. */
static void print_event(const struct drm_vsvm_event *ev, int64_t start_ns)
{
	long long us = ((int64_t)ev->timestamp_ns - start_ns) / NSEC_PER_USEC;
	const char *kind = vsvm_event_kind_name(ev->kind);
	char from[16], to[16], acc[48];

	printf("%10lld us  %-13s", us, kind ? kind : "?");
	if (ev->kind != VSVM_EVENT_DROPPED)
		printf(" pid %-7u gpu %-3u", ev->pid, ev->gpu_id);
	switch (ev->kind) {
	case VSVM_EVENT_FAULT_START:
	case VSVM_EVENT_FAULT_END:
		printf(" addr 0x%llx access %s", (unsigned long long)ev->addr,
		       vsvm_access_string(ev->access, acc, sizeof(acc)));
		if (ev->kind == VSVM_EVENT_FAULT_END)
			print_name("result", vsvm_fault_result_name(ev->result), ev->result);
		break;
	case VSVM_EVENT_MIGRATE_START:
	case VSVM_EVENT_MIGRATE_END:
		print_range(ev);
		printf(" %s->%s pages %llu", location_name(ev->from, from, sizeof(from)),
		       location_name(ev->to, to, sizeof(to)), (unsigned long long)ev->count);
		print_name("trigger", vsvm_event_trigger_name(ev->kind, ev->trigger), ev->trigger);
		break;
	case VSVM_EVENT_EVICTION:
		printf(" pages %llu", (unsigned long long)ev->count);
		break;
	case VSVM_EVENT_GPU_UNMAP:
		print_range(ev);
		print_name("trigger", vsvm_event_trigger_name(ev->kind, ev->trigger), ev->trigger);
		break;
	case VSVM_EVENT_QUEUE_SUSPEND:
	case VSVM_EVENT_QUEUE_RESUME:
		print_name("trigger", vsvm_event_trigger_name(ev->kind, ev->trigger), ev->trigger);
		break;
	case VSVM_EVENT_DROPPED:
		printf(" %llu records dropped", (unsigned long long)ev->count);
		break;
	default:
		printf(" kind %u addr 0x%llx size %llu count %llu from %u to %u trigger %u "
		       "access 0x%x result %u", ev->kind, (unsigned long long)ev->addr,
		       (unsigned long long)ev->size, (unsigned long long)ev->count, ev->from,
		       ev->to, ev->trigger, ev->access, ev->result);
		break;
	}
	printf("\n");
}

/* The "dropped:" line of the fdinfo of @fd, "?" when missing. */
static void fdinfo_dropped(int fd, char *buf, size_t len)
{
	char path[64], line[128];
	FILE *f;

	snprintf(buf, len, "?");
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "dropped: %30s", buf) == 1)
			break;
	fclose(f);
}

/* Open the events descriptor of --watch on the GPU at @path; -1 after printing why not. */
static int open_events(const struct opts *o, const char *path)
{
	unsigned int pid = o->have_pid ? o->pid : VSVM_EVENTS_ALL_PROCESSES;
	int fd, efd = -1, ret;

	fd = open_gpu(path);
	if (fd < 0)
		return -1;
	ret = vsvm_events_open(fd, o->mask, pid, VSVM_EVENTS_CLOEXEC, 0, &efd);
	/* the descriptor lives on without the render node */
	vsvm_close(fd);
	if (!ret)
		return efd;
	fprintf(stderr, "vsvm-smi: %s: opening the events descriptor: %s", path, strerror(-ret));
	if (ret == -EPERM)
		fprintf(stderr, " (the events of other processes need CAP_SYS_ADMIN; without "
			"it vsvm-smi can only watch its own process)");
	else if (ret == -ESRCH)
		fprintf(stderr, " (no process %u)", o->pid);
	fprintf(stderr, "\n");
	return -1;
}

/* Milliseconds left until @deadline_ns (0 if past), -1 for no deadline. */
static int time_left_ms(int64_t deadline_ns)
{
	int64_t left;

	if (deadline_ns < 0)
		return -1;
	left = deadline_ns - vsvm_now_ns();
	if (left <= 0)
		return 0;
	left = (left + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC;
	return left > 1 << 30 ? 1 << 30 : (int)left;
}

/* Print records of @efd until --count, --timeout-ms or a signal; exit status. */
static int watch_loop(const struct opts *o, int efd, int64_t start)
{
	int64_t deadline = o->timeout_ms < 0 ? -1 : start + o->timeout_ms * NSEC_PER_MSEC;
	struct drm_vsvm_event ev[WATCH_BATCH];
	unsigned long long seen = 0, dropped = 0;
	char fdinfo[32];
	int i, n, status = 0;

	while (!stop_watch && (!o->count || seen < o->count)) {
		unsigned int max = WATCH_BATCH;
		int wait = time_left_ms(deadline);

		if (o->count && o->count - seen < max)
			max = o->count - seen;
		if (!wait)
			break;
		n = vsvm_events_read(efd, ev, max, wait);
		if (n == -EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "vsvm-smi: reading events: %s\n", strerror(-n));
			status = 1;
			break;
		}
		for (i = 0; i < n; i++) {
			print_event(&ev[i], start);
			if (ev[i].kind == VSVM_EVENT_DROPPED)
				dropped += ev[i].count;
		}
		seen += n;
	}
	fdinfo_dropped(efd, fdinfo, sizeof(fdinfo));
	printf("# %llu records, %llu dropped (fdinfo dropped: %s)\n", seen, dropped, fdinfo);
	return status;
}

/* --watch: print the records of the events descriptor of the first GPU; exit status. */
static int watch(const struct opts *o)
{
	char paths[VSVM_MAX_DEVICES][VSVM_PATH_MAX];
	struct sigaction sa = { .sa_handler = on_signal };
	int64_t start;
	int efd, status;

	if (find_gpus(paths) < 0)
		return 1;
	efd = open_events(o, paths[0]);
	if (efd < 0)
		return 1;
	start = vsvm_now_ns();
	/* no SA_RESTART: the signal interrupts the wait */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (o->have_pid)
		printf("# watching the SVM events of process %u", o->pid);
	else
		printf("# watching the SVM events of every process");
	printf(" on every GPU (mask 0x%llx); Ctrl-C stops\n", o->mask);
	status = watch_loop(o, efd, start);
	close(efd);
	return status;
}

/* ---- command line ---------------------------------------------------------- */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vsvm-smi\n"
		"       vsvm-smi --counters [--pid P | --all]\n"
		"       vsvm-smi --watch [--pid P | --all] [--mask KIND,...] [--count N]\n"
		"                [--timeout-ms T]\n"
		"  Without an option: one line per vsvm GPU (render node, gpu_id, VRAM used\n"
		"  and total, compute units, capabilities).\n"
		"  -c, --counters      SVM counters per GPU and process: every process but\n"
		"                      vsvm-smi (--all, the default as root) or process P;\n"
		"                      without root only vsvm-smi's own process\n"
		"  -w, --watch         print the SVM events of every GPU, one line each: time\n"
		"                      since the start in us, kind, pid, gpu_id and the\n"
		"                      kind's fields; then the records read and dropped\n"
		"  -p, --pid P         only process P\n"
		"  -a, --all           every process (the default of --watch)\n"
		"  -m, --mask KINDS    event kinds, comma-separated: fault-start, fault-end,\n"
		"                      migrate-start, migrate-end, eviction, gpu-unmap,\n"
		"                      queue-suspend, queue-resume, dropped, or fault,\n"
		"                      migrate, queue, all (default all)\n"
		"  -n, --count N       stop after N records\n"
		"  -t, --timeout-ms T  stop after T ms\n"
		"  -h, --help          this text\n"
		"vsvm-smi opens the GPUs itself, with an SVM context of its own: the counters\n"
		"and events of other processes need CAP_SYS_ADMIN (root).\n"
		"Exit status: 0 on success, 1 on an error, 2 on a usage error.\n");
}

/* Print a usage error and a hint; returns the exit status 2. */
__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vsvm-smi: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry \"vsvm-smi --help\".\n");
	return 2;
}

/* Parse a decimal number in [@min, @max] into *@v; false if invalid. */
static bool parse_num(const char *s, unsigned long long min, unsigned long long max,
		      unsigned long long *v)
{
	char *end;

	errno = 0;
	if (*s == '-' || *s == '+')
		return false;
	*v = strtoull(s, &end, 10);
	return !errno && end != s && !*end && *v >= min && *v <= max;
}

/* The VSVM_EVENT_MASK() bits of the kind (or group) @name; 0 if unknown. */
static unsigned long long kind_mask(const char *name)
{
	const char *kind;
	unsigned int k;
	size_t i;

	for (k = 1; k <= VSVM_EVENT_KIND_MAX; k++) {
		kind = vsvm_event_kind_name(k);
		if (kind && !strcmp(kind, name))
			return VSVM_EVENT_MASK(k);
	}
	for (i = 0; i < ARRAY_SIZE(kind_groups); i++)
		if (!strcmp(kind_groups[i].name, name))
			return kind_groups[i].mask;
	return 0;
}

/* Parse --mask KIND,... into *@mask; 0, or the exit status 2 after printing why. */
static int parse_mask(const char *arg, unsigned long long *mask)
{
	const char *p = arg, *comma;
	unsigned long long bits;
	char name[32];
	size_t len;

	*mask = 0;
	do {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (len >= sizeof(name))
			return usage_error("unknown event kind \"%.*s\"", (int)len, p);
		memcpy(name, p, len);
		name[len] = '\0';
		bits = kind_mask(name);
		if (!bits)
			return usage_error("unknown event kind \"%s\"", name);
		*mask |= bits;
		p = comma + 1;
	} while (comma);
	return 0;
}

/* Parse the command line into @o; -1 to exit 0 (--help), 2 on a usage error, else 0. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "counters", no_argument, NULL, 'c' },
		{ "watch", no_argument, NULL, 'w' },
		{ "pid", required_argument, NULL, 'p' },
		{ "all", no_argument, NULL, 'a' },
		{ "mask", required_argument, NULL, 'm' },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* options given that only go with --counters or --watch, with --watch only */
	bool pid_or_all = false, watch_only = false;
	unsigned long long v;
	int opt, modes = 0;

	*o = (struct opts){ .mode = MODE_LIST, .mask = VSVM_EVENT_MASK_ALL, .timeout_ms = -1 };
	while ((opt = getopt_long(argc, argv, "cwp:am:n:t:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			o->mode = MODE_COUNTERS;
			modes++;
			break;
		case 'w':
			o->mode = MODE_WATCH;
			modes++;
			break;
		case 'p':
			if (!parse_num(optarg, 1, 0x7fffffff, &v))
				return usage_error("bad process id \"%s\"", optarg);
			o->have_pid = true;
			o->pid = v;
			pid_or_all = true;
			break;
		case 'a':
			o->all = true;
			pid_or_all = true;
			break;
		case 'm':
			if (parse_mask(optarg, &o->mask))
				return 2;
			watch_only = true;
			break;
		case 'n':
			if (!parse_num(optarg, 1, (unsigned long)-1, &v))
				return usage_error("bad count \"%s\"", optarg);
			o->count = v;
			watch_only = true;
			break;
		case 't':
			if (!parse_num(optarg, 0, 1LL << 40, &v))
				return usage_error("bad timeout \"%s\"", optarg);
			o->timeout_ms = v;
			watch_only = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			fprintf(stderr, "Try \"vsvm-smi --help\".\n");
			return 2;
		}
	}
	if (optind != argc)
		return usage_error("unexpected argument \"%s\"", argv[optind]);
	if (modes > 1)
		return usage_error("--counters and --watch exclude each other");
	if (o->have_pid && o->all)
		return usage_error("--pid and --all exclude each other");
	if (pid_or_all && o->mode == MODE_LIST)
		return usage_error("--pid and --all go with --counters or --watch");
	if (watch_only && o->mode != MODE_WATCH)
		return usage_error("--mask, --count and --timeout-ms go with --watch");
	return 0;
}

/* List the GPUs, show the counters or watch the events. */
int main(int argc, char **argv)
{
	struct opts o;
	int ret;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret < 0 ? 0 : ret;
	setvbuf(stdout, NULL, _IOLBF, 0);
	switch (o.mode) {
	case MODE_COUNTERS:
		return show_counters(&o);
	case MODE_WATCH:
		return watch(&o);
	default:
		return list_gpus();
	}
}
