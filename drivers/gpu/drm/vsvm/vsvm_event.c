// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: events
 *
 * What the SVM memory manager does - GPU faults, migrations, evictions, GPU
 * unmaps, queue suspensions - is reported twice by the vsvm_event_*()
 * functions: as tracepoints (TRACE_SYSTEM vsvm, vsvm_trace.h) and as records
 * (&struct drm_vsvm_event) in the ring of every events file descriptor
 * (DRM_IOCTL_VSVM_EVENTS_OPEN) whose kind mask and process filter select
 * them. The sources call these functions wherever the thing happens, under
 * whatever locks they hold, in any context; with no events file open the
 * record part costs one static branch.
 *
 * Each events file has a ring of its capacity plus one slot. A record that
 * finds the capacity used up is dropped and counted; the next record that
 * fits is preceded by one VSVM_EVENT_DROPPED record carrying the count. The
 * extra slot is where that DROPPED record goes, so it always fits with the
 * record it announces. A reader copies records straight out of the ring and
 * only then gives their slots back: writers append past the queued records
 * and never touch a queued slot.
 *
 * DRM_IOCTL_VSVM_SVM_COUNTERS copies the counters of a process's SVM
 * context on the GPU of the file (vsvm_svm_counters()).
 *
 * LOCKING
 *
 * The events files are on an RCU list: record sources walk it under
 * rcu_read_lock(), opening and closing take vsvm_event_files_lock (a
 * mutex, process context only) to change it, and a closed file is freed
 * after a grace period. &vsvm_event_file.lock, a spinlock taken with
 * interrupts off, protects the ring indices and the drop counters; it is
 * the innermost lock of the driver (record sources hold the SVM notifier
 * lock and others) and nothing is called under it. &vsvm_event_file.read_lock
 * serialises readers, which copy to user space under it (never under
 * &vsvm_event_file.lock) and do not hold it while they sleep for records.
 */

#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jump_label.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <drm/drm_file.h>
#include <uapi/drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_event.h"
#include "vsvm_svm.h"

#define CREATE_TRACE_POINTS
#include "vsvm_trace.h"

/**
 * struct vsvm_event_file - an open events file descriptor
 * @link: entry in vsvm_event_files (RCU)
 * @rcu: frees the structure once no record source can see it
 * @mask: VSVM_EVENT_MASK() bits of the kinds it receives
 * @all: it receives the records of every process
 * @pid: else, the thread-group id of the process it receives records of
 * @capacity: records the ring holds (the DROPPED records aside)
 * @read_lock: serialises readers; only a reader moves @head
 * @wait: readers and pollers waiting for a record
 * @lock: protects @head, @count, @pending and @dropped and the slots
 *	that are not queued
 * @head: slot of the oldest queued record
 * @count: records queued, DROPPED records included
 * @pending: records dropped since the last DROPPED record was queued
 * @dropped: records dropped since the file was opened
 * @size: slots in @ring: @capacity + 1
 * @ring: the records, @head first, wrapping around
 */
struct vsvm_event_file {
	struct list_head link;
	struct rcu_head rcu;
	u64 mask;
	bool all;
	pid_t pid;
	u32 capacity;
	struct mutex read_lock; /* see above */
	wait_queue_head_t wait;
	spinlock_t lock; /* see above */
	u32 head;
	u32 count;
	u64 pending;
	u64 dropped;
	u32 size;
	struct drm_vsvm_event ring[] __counted_by(size);
};

static DEFINE_MUTEX(vsvm_event_files_lock);
static LIST_HEAD(vsvm_event_files);
/* Enabled while at least one events file is open */
static DEFINE_STATIC_KEY_FALSE(vsvm_event_listening);

/* Append @ev to the ring; f->lock held and a slot free */
static void vsvm_event_append(struct vsvm_event_file *f, const struct drm_vsvm_event *ev)
{
	lockdep_assert_held(&f->lock);
	f->ring[(f->head + f->count) % f->size] = *ev;
	f->count++;
}

/*
 * Queue @ev, after a DROPPED record if records were dropped since the last
 * one; or drop it. Returns true if it was queued.
 */
static bool vsvm_event_queue(struct vsvm_event_file *f, const struct drm_vsvm_event *ev)
{
	struct drm_vsvm_event dropped = {
		.timestamp_ns = ev->timestamp_ns,
		.kind = VSVM_EVENT_DROPPED,
	};
	unsigned long flags;
	bool queued = false;

	spin_lock_irqsave(&f->lock, flags);
	if (f->count >= f->capacity) {
		f->pending++;
		f->dropped++;
	} else {
		/* Room for both: the ring has one slot above the capacity */
		if (f->pending) {
			dropped.count = f->pending;
			f->pending = 0;
			vsvm_event_append(f, &dropped);
		}
		vsvm_event_append(f, ev);
		queued = true;
	}
	spin_unlock_irqrestore(&f->lock, flags);
	return queued;
}

static bool vsvm_event_wanted(const struct vsvm_event_file *f, const struct drm_vsvm_event *ev)
{
	return (f->mask & VSVM_EVENT_MASK(ev->kind)) && (f->all || f->pid == ev->pid);
}

/* Stamp @ev and queue it on every events file that selected it */
static void vsvm_event_emit(struct drm_vsvm_event *ev)
{
	struct vsvm_event_file *f;

	ev->timestamp_ns = ktime_get_ns();
	rcu_read_lock();
	list_for_each_entry_rcu(f, &vsvm_event_files, link)
		if (vsvm_event_wanted(f, ev) && vsvm_event_queue(f, ev))
			wake_up_interruptible(&f->wait);
	rcu_read_unlock();
}

static bool vsvm_event_listened(void)
{
	return static_branch_unlikely(&vsvm_event_listening);
}

/**
 * vsvm_event_fault_start() - an SVM GPU fault is being serviced
 * @pid: thread-group id of the process
 * @gpu_id: the faulting GPU
 * @addr: the faulting address
 * @access: VSVM_ACCESS_* bits of the faulting access
 *
 * Context: any.
 */
void vsvm_event_fault_start(pid_t pid, u32 gpu_id, u64 addr, u32 access)
{
	struct drm_vsvm_event ev = {
		.kind = VSVM_EVENT_FAULT_START,
		.pid = pid,
		.gpu_id = gpu_id,
		.addr = addr,
		.access = access,
	};

	trace_vsvm_fault_start(pid, gpu_id, addr, access);
	if (vsvm_event_listened())
		vsvm_event_emit(&ev);
}

/**
 * vsvm_event_fault_end() - an SVM GPU fault was serviced
 * @pid: thread-group id of the process
 * @gpu_id: the faulting GPU
 * @addr: the faulting address
 * @access: VSVM_ACCESS_* bits of the faulting access
 * @result: VSVM_FAULT_*
 *
 * Context: any.
 */
void vsvm_event_fault_end(pid_t pid, u32 gpu_id, u64 addr, u32 access, u32 result)
{
	struct drm_vsvm_event ev = {
		.kind = VSVM_EVENT_FAULT_END,
		.pid = pid,
		.gpu_id = gpu_id,
		.addr = addr,
		.access = access,
		.result = result,
	};

	trace_vsvm_fault_end(pid, gpu_id, addr, access, result);
	if (vsvm_event_listened())
		vsvm_event_emit(&ev);
}

/* The record of a migration event of @kind, if anybody listens */
static void vsvm_event_migrate(u32 kind, pid_t pid, u32 gpu_id, u64 start, u64 size, u32 from,
			       u32 to, u32 trigger, u64 pages)
{
	struct drm_vsvm_event ev = {
		.kind = kind,
		.pid = pid,
		.gpu_id = gpu_id,
		.addr = start,
		.size = size,
		.count = pages,
		.from = from,
		.to = to,
		.trigger = trigger,
	};

	if (vsvm_event_listened())
		vsvm_event_emit(&ev);
}

/**
 * vsvm_event_migrate_start() - a piece of memory starts migrating
 * @pid: thread-group id of the process
 * @gpu_id: the GPU whose copy engine moves the pages
 * @start: first byte of the piece (0 for an eviction)
 * @size: bytes of the piece
 * @from: source: a gpu_id or VSVM_SVM_LOCATION_SYSMEM
 * @to: destination: a gpu_id or VSVM_SVM_LOCATION_SYSMEM
 * @trigger: VSVM_MIGRATE_TRIGGER_*
 * @pages: pages collected for the migration
 *
 * Context: any.
 */
void vsvm_event_migrate_start(pid_t pid, u32 gpu_id, u64 start, u64 size, u32 from, u32 to,
			      u32 trigger, u64 pages)
{
	trace_vsvm_migrate_start(pid, gpu_id, start, size, from, to, trigger, pages);
	vsvm_event_migrate(VSVM_EVENT_MIGRATE_START, pid, gpu_id, start, size, from, to,
			   trigger, pages);
}

/**
 * vsvm_event_migrate_end() - a piece of memory migrated
 * @pid: thread-group id of the process
 * @gpu_id: the GPU whose copy engine moved the pages
 * @start: first byte of the piece (0 for an eviction)
 * @size: bytes of the piece
 * @from: source: a gpu_id or VSVM_SVM_LOCATION_SYSMEM
 * @to: destination: a gpu_id or VSVM_SVM_LOCATION_SYSMEM
 * @trigger: VSVM_MIGRATE_TRIGGER_*
 * @pages: pages that moved
 *
 * Context: any.
 */
void vsvm_event_migrate_end(pid_t pid, u32 gpu_id, u64 start, u64 size, u32 from, u32 to,
			    u32 trigger, u64 pages)
{
	trace_vsvm_migrate_end(pid, gpu_id, start, size, from, to, trigger, pages);
	vsvm_event_migrate(VSVM_EVENT_MIGRATE_END, pid, gpu_id, start, size, from, to,
			   trigger, pages);
}

/**
 * vsvm_event_eviction() - TTM evicts a VRAM buffer of SVM pages
 * @pid: thread-group id of the process the pages belong to
 * @gpu_id: the GPU
 * @pages: size of the buffer in pages
 *
 * Context: any.
 */
void vsvm_event_eviction(pid_t pid, u32 gpu_id, u64 pages)
{
	struct drm_vsvm_event ev = {
		.kind = VSVM_EVENT_EVICTION,
		.pid = pid,
		.gpu_id = gpu_id,
		.count = pages,
	};

	trace_vsvm_eviction(pid, gpu_id, pages);
	if (vsvm_event_listened())
		vsvm_event_emit(&ev);
}

/**
 * vsvm_event_gpu_unmap() - memory was unmapped from a GPU
 * @pid: thread-group id of the process
 * @gpu_id: the GPU
 * @start: first byte
 * @size: bytes
 * @trigger: VSVM_UNMAP_TRIGGER_*
 *
 * Context: any.
 */
void vsvm_event_gpu_unmap(pid_t pid, u32 gpu_id, u64 start, u64 size, u32 trigger)
{
	struct drm_vsvm_event ev = {
		.kind = VSVM_EVENT_GPU_UNMAP,
		.pid = pid,
		.gpu_id = gpu_id,
		.addr = start,
		.size = size,
		.trigger = trigger,
	};

	trace_vsvm_gpu_unmap(pid, gpu_id, start, size, trigger);
	if (vsvm_event_listened())
		vsvm_event_emit(&ev);
}

/**
 * vsvm_event_queue_suspend() - the process's queues on a GPU were suspended
 * @pid: thread-group id of the process
 * @gpu_id: the GPU
 * @trigger: VSVM_QUEUE_TRIGGER_*
 *
 * Context: any.
 */
void vsvm_event_queue_suspend(pid_t pid, u32 gpu_id, u32 trigger)
{
	struct drm_vsvm_event ev = {
		.kind = VSVM_EVENT_QUEUE_SUSPEND,
		.pid = pid,
		.gpu_id = gpu_id,
		.trigger = trigger,
	};

	trace_vsvm_queue_suspend(pid, gpu_id, trigger);
	if (vsvm_event_listened())
		vsvm_event_emit(&ev);
}

/**
 * vsvm_event_queue_resume() - the process's queues on a GPU were resumed
 * @pid: thread-group id of the process
 * @gpu_id: the GPU
 * @trigger: VSVM_QUEUE_TRIGGER_*
 *
 * Context: any.
 */
void vsvm_event_queue_resume(pid_t pid, u32 gpu_id, u32 trigger)
{
	struct drm_vsvm_event ev = {
		.kind = VSVM_EVENT_QUEUE_RESUME,
		.pid = pid,
		.gpu_id = gpu_id,
		.trigger = trigger,
	};

	trace_vsvm_queue_resume(pid, gpu_id, trigger);
	if (vsvm_event_listened())
		vsvm_event_emit(&ev);
}

static u32 vsvm_event_queued(struct vsvm_event_file *f)
{
	unsigned long flags;
	u32 count;

	spin_lock_irqsave(&f->lock, flags);
	count = f->count;
	spin_unlock_irqrestore(&f->lock, flags);
	return count;
}

/* Take f->read_lock once a record is queued; 0 or -errno */
static int vsvm_event_read_lock(struct vsvm_event_file *f, bool nonblock)
{
	int ret;

	for (;;) {
		ret = mutex_lock_interruptible(&f->read_lock);
		if (ret)
			return ret;
		if (vsvm_event_queued(f))
			return 0;
		mutex_unlock(&f->read_lock);
		if (nonblock)
			return -EAGAIN;
		ret = wait_event_interruptible(f->wait, vsvm_event_queued(f));
		if (ret)
			return ret;
	}
}

/*
 * Copy up to @n queued records to @buf, then dequeue those copied. Writers
 * never touch queued slots, so the copy needs no spinlock.
 */
static ssize_t vsvm_event_copy(struct vsvm_event_file *f, char __user *buf, u32 n)
{
	const size_t rec = sizeof(struct drm_vsvm_event);
	unsigned long flags;
	u32 head, chunk, done = 0;

	lockdep_assert_held(&f->read_lock);
	spin_lock_irqsave(&f->lock, flags);
	head = f->head;
	n = min(n, f->count);
	spin_unlock_irqrestore(&f->lock, flags);

	while (done < n) {
		chunk = min(n - done, f->size - head);
		if (copy_to_user(buf + done * rec, &f->ring[head], chunk * rec))
			break;
		head = (head + chunk) % f->size;
		done += chunk;
	}

	spin_lock_irqsave(&f->lock, flags);
	f->head = head;
	f->count -= done;
	spin_unlock_irqrestore(&f->lock, flags);
	return done ? done * rec : -EFAULT;
}

static ssize_t vsvm_event_read(struct file *file, char __user *buf, size_t len, loff_t *pos)
{
	struct vsvm_event_file *f = file->private_data;
	size_t n = len / sizeof(struct drm_vsvm_event);
	ssize_t ret;

	if (!n)
		return -EINVAL;
	ret = vsvm_event_read_lock(f, file->f_flags & O_NONBLOCK);
	if (ret)
		return ret;
	ret = vsvm_event_copy(f, buf, min_t(size_t, n, f->size));
	mutex_unlock(&f->read_lock);
	return ret;
}

static __poll_t vsvm_event_poll(struct file *file, poll_table *wait)
{
	struct vsvm_event_file *f = file->private_data;

	poll_wait(file, &f->wait, wait);
	return vsvm_event_queued(f) ? EPOLLIN | EPOLLRDNORM : 0;
}

static int vsvm_event_release(struct inode *inode, struct file *file)
{
	struct vsvm_event_file *f = file->private_data;

	mutex_lock(&vsvm_event_files_lock);
	list_del_rcu(&f->link);
	mutex_unlock(&vsvm_event_files_lock);
	static_branch_dec(&vsvm_event_listening);
	mutex_destroy(&f->read_lock);
	/* Record sources may still be queueing on it */
	kvfree_rcu(f, rcu);
	return 0;
}

static void vsvm_event_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct vsvm_event_file *f = file->private_data;
	unsigned long flags;
	u64 dropped;
	u32 queued;

	spin_lock_irqsave(&f->lock, flags);
	dropped = f->dropped;
	queued = f->count;
	spin_unlock_irqrestore(&f->lock, flags);

	seq_printf(m, "dropped:\t%llu\n", dropped);
	seq_printf(m, "capacity:\t%u\n", f->capacity);
	seq_printf(m, "queued:\t%u\n", queued);
	seq_printf(m, "mask:\t%#llx\n", f->mask);
	if (f->all)
		seq_puts(m, "pid:\tall\n");
	else
		seq_printf(m, "pid:\t%d\n", f->pid);
}

static const struct file_operations vsvm_event_fops = {
	.owner = THIS_MODULE,
	.read = vsvm_event_read,
	.poll = vsvm_event_poll,
	.release = vsvm_event_release,
	.show_fdinfo = vsvm_event_show_fdinfo,
};

static int vsvm_event_check_open(const struct drm_vsvm_events_open *args)
{
	if (!args->mask || (args->mask & ~VSVM_EVENT_MASK_ALL))
		return -EINVAL;
	if (args->flags & ~(VSVM_EVENTS_NONBLOCK | VSVM_EVENTS_CLOEXEC))
		return -EINVAL;
	if (args->capacity > VSVM_EVENTS_MAX_CAPACITY)
		return -EINVAL;
	return 0;
}

/*
 * The process @nr (in the caller's pid namespace) selects: the caller's own,
 * or another one or all with CAP_SYS_ADMIN. *@pid is its thread-group id in
 * the initial namespace, as in the records.
 */
static int vsvm_event_target(u32 nr, bool *all, pid_t *pid)
{
	struct task_struct *task;
	int ret = 0;

	*all = false;
	if (!nr || nr == task_tgid_vnr(current)) {
		*pid = task_tgid_nr(current);
		return 0;
	}
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (nr == VSVM_EVENTS_ALL_PROCESSES) {
		*all = true;
		*pid = 0;
		return 0;
	}
	if (nr > INT_MAX)
		return -ESRCH;
	rcu_read_lock();
	task = pid_task(find_vpid(nr), PIDTYPE_TGID);
	if (task)
		*pid = task_tgid_nr(task);
	else
		ret = -ESRCH;
	rcu_read_unlock();
	return ret;
}

static struct vsvm_event_file *vsvm_event_file_alloc(u64 mask, u32 capacity)
{
	struct vsvm_event_file *f;

	f = kvzalloc(struct_size(f, ring, capacity + 1), GFP_KERNEL_ACCOUNT);
	if (!f)
		return NULL;
	f->size = capacity + 1;
	f->capacity = capacity;
	f->mask = mask;
	mutex_init(&f->read_lock);
	init_waitqueue_head(&f->wait);
	spin_lock_init(&f->lock);
	return f;
}

static void vsvm_event_file_free(struct vsvm_event_file *f)
{
	mutex_destroy(&f->read_lock);
	kvfree(f);
}

/* Give @f a file descriptor and start queueing records on it */
static int vsvm_event_install(struct vsvm_event_file *f, u32 flags)
{
	int oflags = O_RDONLY;
	struct file *file;
	int fd;

	if (flags & VSVM_EVENTS_NONBLOCK)
		oflags |= O_NONBLOCK;
	fd = get_unused_fd_flags(flags & VSVM_EVENTS_CLOEXEC ? O_CLOEXEC : 0);
	if (fd < 0)
		return fd;
	file = anon_inode_getfile("[vsvm_events]", &vsvm_event_fops, f, oflags);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	stream_open(file_inode(file), file);

	static_branch_inc(&vsvm_event_listening);
	mutex_lock(&vsvm_event_files_lock);
	list_add_tail_rcu(&f->link, &vsvm_event_files);
	mutex_unlock(&vsvm_event_files_lock);
	fd_install(fd, file);
	return fd;
}

/**
 * vsvm_ioctl_events_open() - DRM_IOCTL_VSVM_EVENTS_OPEN
 * @drm: DRM device of a GPU (the events are those of every GPU)
 * @data: &struct drm_vsvm_events_open, kernel copy
 * @file: the caller's DRM file
 *
 * Creates an events file descriptor: a ring of @capacity records of the
 * kinds in @mask, of the caller's process, of another one or of all.
 *
 * Return: 0 with &drm_vsvm_events_open.fd set; -EINVAL for a zero mask,
 * unknown mask bits or flags, or a capacity above VSVM_EVENTS_MAX_CAPACITY;
 * -EPERM for another process, or all, without CAP_SYS_ADMIN; -ESRCH for a
 * process id that does not exist; -EMFILE, -ENFILE or -ENOMEM.
 */
int vsvm_ioctl_events_open(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vsvm_events_open *args = data;
	struct vsvm_event_file *f;
	bool all;
	pid_t pid;
	int ret;

	ret = vsvm_event_check_open(args);
	if (ret)
		return ret;
	ret = vsvm_event_target(args->pid, &all, &pid);
	if (ret)
		return ret;
	f = vsvm_event_file_alloc(args->mask, args->capacity ?: VSVM_EVENTS_DEFAULT_CAPACITY);
	if (!f)
		return -ENOMEM;
	f->all = all;
	f->pid = pid;
	ret = vsvm_event_install(f, args->flags);
	if (ret < 0) {
		vsvm_event_file_free(f);
		return ret;
	}
	args->fd = ret;
	return 0;
}

/**
 * vsvm_ioctl_svm_counters() - DRM_IOCTL_VSVM_SVM_COUNTERS
 * @drm: DRM device of the GPU
 * @data: &struct drm_vsvm_svm_counters, kernel copy
 * @file: the caller's DRM file
 *
 * Reads the SVM counters of a process on the GPU of the file: the caller's
 * process (@pid 0 or its own id), another process by id, or with
 * VSVM_COUNTERS_NEXT the one with the next higher id. Process ids are those
 * of the SVM contexts, as in debugfs (the initial pid namespace).
 *
 * Return: 0; -EINVAL for unknown flags or a non-zero pad; -EPERM for another
 * process, or VSVM_COUNTERS_NEXT, without CAP_SYS_ADMIN; -ESRCH if no SVM
 * context matches.
 */
int vsvm_ioctl_svm_counters(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	struct drm_vsvm_svm_counters *args = data;
	bool next = args->flags & VSVM_COUNTERS_NEXT;
	u32 own = task_tgid_nr(current);
	struct vsvm_svm_vram_count vram;
	struct vsvm_svm_stats st;
	u32 pid = args->pid;
	int ret;

	if ((args->flags & ~VSVM_COUNTERS_NEXT) || args->pad)
		return -EINVAL;
	if (!pid && !next)
		pid = own;
	if ((next || pid != own) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	ret = vsvm_svm_counters(vdev->index, &pid, next, &st, &vram);
	if (ret)
		return ret;

	args->pid = pid;
	args->gpu_id = vdev->gpu_id;
	args->faults = atomic64_read(&st.faults);
	args->batches = atomic64_read(&st.batches);
	args->duplicates = atomic64_read(&st.duplicates);
	args->fatal = atomic64_read(&st.fatal);
	args->pages_mapped = atomic64_read(&st.pages_mapped);
	args->pages_unmapped = atomic64_read(&st.pages_unmapped);
	args->invalidations = atomic64_read(&st.invalidations);
	args->queue_evictions = atomic64_read(&st.evictions);
	args->restores = atomic64_read(&st.restores);
	args->exclusive = atomic64_read(&st.exclusive);
	args->pages_in = atomic64_read(&vram.pages_in);
	args->pages_out = atomic64_read(&vram.pages_out);
	args->cpu_faults = atomic64_read(&vram.cpu_faults);
	args->vram_evictions = atomic64_read(&vram.vram_evictions);
	args->bytes_copied = atomic64_read(&vram.bytes_copied);
	args->vram_pages = atomic64_read(&vram.vram_pages);
	return 0;
}
