// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: SVM attribute tree
 *
 * The SVM attributes a process set with DRM_IOCTL_VSVM_SVM_SET_ATTR live in
 * &vsvm_svm.attrs, an interval tree of &struct vsvm_svm_attr_range in bytes,
 * [start, last] inclusive. The nodes never overlap. Memory no node covers has
 * the defaults (vsvm_svm_attr_defaults()); vsvm_svm_attr_lookup() gives the
 * attributes in force at an address and the largest interval around it with
 * the same source (one node, or the whole gap between two nodes), which the
 * mirror uses to bound its ranges.
 *
 * SET splits the nodes that stick out of the range at its ends, fills the
 * gaps inside the range with nodes holding the defaults and then applies the
 * attributes, in the order given, to every node of the range; neighbours
 * left with identical attributes are merged again. Everything is allocated
 * before the tree changes, so a failed allocation leaves it as it was. The
 * mirror over the range is dropped when anything but a location changed, so
 * that the new attributes take effect at the next mapping, and the range is
 * then mapped at once on the GPUs that must keep it mapped (retry off or
 * GPU_ALWAYS_MAPPED) and on the GPU it is prefetched to. GET aggregates over
 * the nodes that overlap its range and ignores the gaps between them (amdkfd
 * semantics); with no node it reports the defaults.
 *
 * Lifetime: a SET makes sure interval notifiers cover its range, so that a
 * later CPU unmap is recorded, and checks the VMAs again once they do, so
 * that an unmap just before is not missed either; the garbage collector
 * removes the attributes of unmapped memory with vsvm_svm_attr_unmap(). The
 * last close of a vsvm file of the process frees the whole tree
 * (vsvm_svm_attr_fini()).
 *
 * LOCKING
 *
 * The tree is protected by &vsvm_svm.lock; every function here requires it
 * (the ioctls take it). The ioctls take the mmap lock inside it, only to
 * check the VMAs of the range, and drop it before inserting notifiers and
 * mapping. vsvm_svm_map() may run the garbage collector, which changes the
 * tree, so the mapping loop keeps no node pointer across it and looks the
 * next node up by address.
 */

#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/interval_tree.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/rbtree.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <uapi/drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_svm.h"

#define VSVM_SVM_FLAGS_ALL \
	(VSVM_SVM_FLAG_COHERENT | VSVM_SVM_FLAG_GPU_RO | VSVM_SVM_FLAG_GPU_EXEC | \
	 VSVM_SVM_FLAG_GPU_READ_MOSTLY | VSVM_SVM_FLAG_GPU_ALWAYS_MAPPED)

/* Attribute types that change only a location (no mirror drop for them) */
#define VSVM_SVM_ATTR_LOC_TYPES \
	(BIT(VSVM_SVM_ATTR_PREFERRED_LOC) | BIT(VSVM_SVM_ATTR_PREFETCH_LOC))

/**
 * struct vsvm_svm_attr_range - attributes set over an address range
 * @it: [start, last] in bytes, node in &vsvm_svm.attrs; never overlaps
 *	another node
 * @attrs: the attributes of the range
 */
struct vsvm_svm_attr_range {
	struct interval_tree_node it;
	struct vsvm_svm_attrs attrs;
};

/**
 * struct vsvm_svm_attr_change - the effect of a SET attribute list
 * @types: BIT() of every attribute type in the list
 * @preferred_loc: the last PREFERRED_LOC value
 * @prefetch_loc: the last PREFETCH_LOC value
 * @prefetch_gpu: GPU index of @prefetch_loc, or -1 if it is no GPU
 * @granularity: the last GRANULARITY value
 * @flags_set: flags the list sets
 * @flags_clr: flags the list clears
 * @gpus: GPU indices the access attributes of the list name
 * @access: GPU indices of @gpus left with ACCESS
 * @access_in_place: GPU indices of @gpus left with ACCESS_IN_PLACE
 */
struct vsvm_svm_attr_change {
	u32 types;
	u32 preferred_loc;
	u32 prefetch_loc;
	int prefetch_gpu;
	u32 granularity;
	u32 flags_set;
	u32 flags_clr;
	unsigned long gpus;
	unsigned long access;
	unsigned long access_in_place;
};

/**
 * struct vsvm_svm_attr_summary - attributes aggregated over several ranges
 * @preferred_loc: the common preferred location, or _UNDEFINED
 * @prefetch_loc: the common prefetch location, or _UNDEFINED
 * @flags_all: flags set in every range
 * @flags_any: flags set in at least one range
 * @granularity: the smallest granularity
 * @access_all: GPU indices with ACCESS in every range
 * @reach_all: GPU indices with ACCESS or ACCESS_IN_PLACE in every range
 */
struct vsvm_svm_attr_summary {
	u32 preferred_loc;
	u32 prefetch_loc;
	u32 flags_all;
	u32 flags_any;
	u32 granularity;
	unsigned long access_all;
	unsigned long reach_all;
};

static struct vsvm_svm_attr_range *vsvm_svm_attr_of(struct interval_tree_node *it)
{
	return it ? container_of(it, struct vsvm_svm_attr_range, it) : NULL;
}

static struct vsvm_svm_attr_range *vsvm_svm_attr_first(struct vsvm_svm *svm, u64 start, u64 last)
{
	return vsvm_svm_attr_of(interval_tree_iter_first(&svm->attrs, start, last));
}

static struct vsvm_svm_attr_range *vsvm_svm_attr_next(struct vsvm_svm_attr_range *r,
						      u64 start, u64 last)
{
	return vsvm_svm_attr_of(interval_tree_iter_next(&r->it, start, last));
}

static struct vsvm_svm_attr_range *vsvm_svm_attr_alloc(gfp_t gfp)
{
	return kzalloc(sizeof(struct vsvm_svm_attr_range), gfp);
}

static void vsvm_svm_attr_free_tree(struct rb_root_cached *root)
{
	struct vsvm_svm_attr_range *r, *n;

	rbtree_postorder_for_each_entry_safe(r, n, &root->rb_root, it.rb)
		kfree(r);
	*root = RB_ROOT_CACHED;
}

/**
 * vsvm_svm_attr_defaults() - the attributes of memory without attributes
 * @svm: the process context
 * @a: filled with the defaults
 *
 * No location, COHERENT, the default granularity, and in-place access for
 * every GPU in retry mode (memory without attributes is mapped where it is
 * and moves only on advice), no access with retry off.
 *
 * Context: &vsvm_svm.lock held (it protects &vsvm_svm.retry).
 */
void vsvm_svm_attr_defaults(struct vsvm_svm *svm, struct vsvm_svm_attrs *a)
{
	lockdep_assert_held(&svm->lock);

	a->preferred_loc = VSVM_SVM_LOCATION_UNDEFINED;
	a->prefetch_loc = VSVM_SVM_LOCATION_UNDEFINED;
	a->flags = VSVM_SVM_FLAG_COHERENT;
	a->granularity = VSVM_SVM_DEFAULT_GRANULARITY;
	a->access = 0;
	a->access_in_place = svm->retry ? GENMASK(VSVM_MAX_GPUS - 1, 0) : 0;
}

/**
 * vsvm_svm_attr_lookup() - the attributes in force at an address
 * @svm: the process context
 * @addr: the address
 * @a: filled with the attributes at @addr
 * @start: set to the first byte of the interval around @addr with the same
 *	attributes source
 * @last: set to its last byte
 *
 * The interval is the node that holds @addr, or when no node does, the gap
 * between the nodes before and after @addr (from 0, up to TASK_SIZE - 1
 * when there is none), whose attributes are the defaults.
 *
 * Context: &vsvm_svm.lock held.
 */
void vsvm_svm_attr_lookup(struct vsvm_svm *svm, u64 addr, struct vsvm_svm_attrs *a,
			  u64 *start, u64 *last)
{
	struct interval_tree_node *it;
	struct rb_node *prev;

	lockdep_assert_held(&svm->lock);

	it = interval_tree_iter_first(&svm->attrs, addr, ULONG_MAX);
	if (it && it->start <= addr) {
		*a = vsvm_svm_attr_of(it)->attrs;
		*start = it->start;
		*last = it->last;
		return;
	}

	vsvm_svm_attr_defaults(svm, a);
	*last = it ? it->start - 1 : TASK_SIZE - 1;
	prev = it ? rb_prev(&it->rb) : rb_last(&svm->attrs.rb_root);
	*start = prev ? rb_entry(prev, struct interval_tree_node, rb)->last + 1 : 0;
}

/**
 * vsvm_svm_attr_overlap() - whether attributes are set in a range
 * @svm: the process context
 * @start: first byte
 * @last: last byte
 *
 * Return: true if a node of the attribute tree overlaps [@start, @last].
 *
 * Context: &vsvm_svm.lock held.
 */
bool vsvm_svm_attr_overlap(struct vsvm_svm *svm, u64 start, u64 last)
{
	lockdep_assert_held(&svm->lock);

	return interval_tree_iter_first(&svm->attrs, start, last);
}

/*
 * Splits @r at @addr (r->it.start < @addr <= r->it.last): @r keeps the part
 * below @addr, @upper (allocated by the caller) gets the rest.
 */
static void vsvm_svm_attr_split(struct vsvm_svm *svm, struct vsvm_svm_attr_range *r, u64 addr,
				struct vsvm_svm_attr_range *upper)
{
	interval_tree_remove(&r->it, &svm->attrs);
	upper->attrs = r->attrs;
	upper->it.start = addr;
	upper->it.last = r->it.last;
	r->it.last = addr - 1;
	interval_tree_insert(&r->it, &svm->attrs);
	interval_tree_insert(&upper->it, &svm->attrs);
}

/* Takes [@start, @last] out of @r, which overlaps it without holding it strictly inside */
static void vsvm_svm_attr_cut(struct vsvm_svm *svm, struct vsvm_svm_attr_range *r,
			      u64 start, u64 last)
{
	interval_tree_remove(&r->it, &svm->attrs);
	if (r->it.start >= start && r->it.last <= last) {
		kfree(r);
		return;
	}
	if (r->it.start < start)
		r->it.last = start - 1;
	else
		r->it.start = last + 1;
	interval_tree_insert(&r->it, &svm->attrs);
}

/**
 * vsvm_svm_attr_unmap() - remove the attributes of unmapped memory
 * @svm: the process context
 * @start: first byte
 * @last: last byte
 *
 * Nodes that stick out of [@start, @last] keep the part outside it; the
 * others are freed. Called by the garbage collector after a CPU unmap.
 *
 * Context: &vsvm_svm.lock held. May sleep (splitting a node around the
 * range allocates, without failing).
 */
void vsvm_svm_attr_unmap(struct vsvm_svm *svm, u64 start, u64 last)
{
	struct vsvm_svm_attr_range *r, *n;

	lockdep_assert_held(&svm->lock);

	r = vsvm_svm_attr_first(svm, start, last);
	if (r && r->it.start < start && r->it.last > last)
		vsvm_svm_attr_split(svm, r, last + 1,
				    vsvm_svm_attr_alloc(GFP_KERNEL | __GFP_NOFAIL));

	while (r) {
		n = vsvm_svm_attr_next(r, start, last);
		vsvm_svm_attr_cut(svm, r, start, last);
		r = n;
	}
}

/**
 * vsvm_svm_attr_fini() - free the attribute tree
 * @svm: the process context
 *
 * Called when the last vsvm file of the process is closed.
 *
 * Context: &vsvm_svm.lock held.
 */
void vsvm_svm_attr_fini(struct vsvm_svm *svm)
{
	lockdep_assert_held(&svm->lock);

	vsvm_svm_attr_free_tree(&svm->attrs);
}

/*
 * Splits the node holding @addr at @addr, unless it starts there, with @spare
 * as the upper part. Return: @spare when it was not needed, else NULL.
 */
static struct vsvm_svm_attr_range *vsvm_svm_attr_split_at(struct vsvm_svm *svm, u64 addr,
							  struct vsvm_svm_attr_range *spare)
{
	struct vsvm_svm_attr_range *r = vsvm_svm_attr_first(svm, addr, addr);

	if (!r || r->it.start == addr)
		return spare;
	vsvm_svm_attr_split(svm, r, addr, spare);
	return NULL;
}

/* Allocates nodes with the defaults for the gaps of the tree in [@start, @last] into @gaps */
static int vsvm_svm_attr_alloc_gaps(struct vsvm_svm *svm, u64 start, u64 last,
				    struct rb_root_cached *gaps)
{
	struct vsvm_svm_attr_range *r = vsvm_svm_attr_first(svm, start, last);
	struct vsvm_svm_attr_range *gap;
	u64 addr = start;
	u64 end;

	while (addr <= last) {
		end = r ? r->it.start : last + 1;
		if (addr < end) {
			gap = vsvm_svm_attr_alloc(GFP_KERNEL_ACCOUNT);
			if (!gap)
				return -ENOMEM;
			vsvm_svm_attr_defaults(svm, &gap->attrs);
			gap->it.start = addr;
			gap->it.last = end - 1;
			interval_tree_insert(&gap->it, gaps);
		}
		if (!r)
			break;
		addr = r->it.last + 1;
		r = vsvm_svm_attr_next(r, start, last);
	}
	return 0;
}

/* Moves every node of @gaps into the attribute tree */
static void vsvm_svm_attr_insert_all(struct vsvm_svm *svm, struct rb_root_cached *gaps)
{
	struct interval_tree_node *it;
	struct rb_node *rb;

	while ((rb = rb_first_cached(gaps))) {
		it = rb_entry(rb, struct interval_tree_node, rb);
		interval_tree_remove(it, gaps);
		interval_tree_insert(it, &svm->attrs);
	}
}

static bool vsvm_svm_attr_same(const struct vsvm_svm_attrs *a, const struct vsvm_svm_attrs *b)
{
	return a->preferred_loc == b->preferred_loc && a->prefetch_loc == b->prefetch_loc &&
	       a->flags == b->flags && a->granularity == b->granularity &&
	       a->access == b->access && a->access_in_place == b->access_in_place;
}

/* Merges the adjacent nodes with identical attributes that overlap [@start, @last] */
static void vsvm_svm_attr_merge(struct vsvm_svm *svm, u64 start, u64 last)
{
	struct vsvm_svm_attr_range *r = vsvm_svm_attr_first(svm, start, last);
	struct vsvm_svm_attr_range *n;

	while (r && (n = vsvm_svm_attr_next(r, start, last))) {
		if (r->it.last + 1 != n->it.start || !vsvm_svm_attr_same(&r->attrs, &n->attrs)) {
			r = n;
			continue;
		}
		interval_tree_remove(&n->it, &svm->attrs);
		interval_tree_remove(&r->it, &svm->attrs);
		r->it.last = n->it.last;
		interval_tree_insert(&r->it, &svm->attrs);
		kfree(n);
	}
}

static void vsvm_svm_attr_change_add(struct vsvm_svm_attr_change *c,
				     const struct drm_vsvm_svm_attr *attr, int gpu)
{
	unsigned long bit = gpu >= 0 ? BIT(gpu) : 0;

	c->types |= BIT(attr->type);
	switch (attr->type) {
	case VSVM_SVM_ATTR_PREFERRED_LOC:
		c->preferred_loc = attr->value;
		break;
	case VSVM_SVM_ATTR_PREFETCH_LOC:
		c->prefetch_loc = attr->value;
		c->prefetch_gpu = gpu;
		break;
	case VSVM_SVM_ATTR_ACCESS:
		c->gpus |= bit;
		c->access |= bit;
		c->access_in_place &= ~bit;
		break;
	case VSVM_SVM_ATTR_ACCESS_IN_PLACE:
		c->gpus |= bit;
		c->access &= ~bit;
		c->access_in_place |= bit;
		break;
	case VSVM_SVM_ATTR_NO_ACCESS:
		c->gpus |= bit;
		c->access &= ~bit;
		c->access_in_place &= ~bit;
		break;
	case VSVM_SVM_ATTR_SET_FLAGS:
		c->flags_set |= attr->value;
		c->flags_clr &= ~attr->value;
		break;
	case VSVM_SVM_ATTR_CLR_FLAGS:
		c->flags_clr |= attr->value;
		c->flags_set &= ~attr->value;
		break;
	case VSVM_SVM_ATTR_GRANULARITY:
		c->granularity = attr->value;
		break;
	}
}

static void vsvm_svm_attr_change_apply(struct vsvm_svm_attrs *a,
				       const struct vsvm_svm_attr_change *c)
{
	if (c->types & BIT(VSVM_SVM_ATTR_PREFERRED_LOC))
		a->preferred_loc = c->preferred_loc;
	if (c->types & BIT(VSVM_SVM_ATTR_PREFETCH_LOC))
		a->prefetch_loc = c->prefetch_loc;
	if (c->types & BIT(VSVM_SVM_ATTR_GRANULARITY))
		a->granularity = c->granularity;
	a->flags = (a->flags & ~c->flags_clr) | c->flags_set;
	a->access = (a->access & ~c->gpus) | c->access;
	a->access_in_place = (a->access_in_place & ~c->gpus) | c->access_in_place;
}

/*
 * Makes [@start, @last] exactly covered by nodes and applies @c to them.
 * Return: 0, or -ENOMEM with the tree unchanged.
 */
static int vsvm_svm_attr_update(struct vsvm_svm *svm, u64 start, u64 last,
				const struct vsvm_svm_attr_change *c)
{
	struct rb_root_cached gaps = RB_ROOT_CACHED;
	struct vsvm_svm_attr_range *lo, *hi, *r;

	lo = vsvm_svm_attr_alloc(GFP_KERNEL_ACCOUNT);
	hi = vsvm_svm_attr_alloc(GFP_KERNEL_ACCOUNT);
	if (!lo || !hi || vsvm_svm_attr_alloc_gaps(svm, start, last, &gaps)) {
		kfree(lo);
		kfree(hi);
		vsvm_svm_attr_free_tree(&gaps);
		return -ENOMEM;
	}

	kfree(vsvm_svm_attr_split_at(svm, start, lo));
	kfree(vsvm_svm_attr_split_at(svm, last + 1, hi));
	vsvm_svm_attr_insert_all(svm, &gaps);
	for (r = vsvm_svm_attr_first(svm, start, last); r; r = vsvm_svm_attr_next(r, start, last))
		vsvm_svm_attr_change_apply(&r->attrs, c);
	vsvm_svm_attr_merge(svm, start ? start - 1 : 0, last + 1);
	return 0;
}

/* The GPU indices a node with attributes @a is mapped on when they are set */
static unsigned long vsvm_svm_attr_map_gpus(struct vsvm_svm *svm, const struct vsvm_svm_attrs *a,
					    int prefetch_gpu)
{
	unsigned long reach = a->access | a->access_in_place;
	unsigned long gpus = 0;

	if (!svm->retry || a->flags & VSVM_SVM_FLAG_GPU_ALWAYS_MAPPED)
		gpus = reach;
	if (prefetch_gpu >= 0)
		gpus |= reach & BIT(prefetch_gpu);
	return gpus & vsvm_svm_gpu_mask(svm);
}

/*
 * Maps the nodes in [@start, @last] on the GPUs that must have them mapped.
 * vsvm_svm_map() may run the garbage collector, which changes the tree: the
 * next node is looked up by address each time, and a gap (memory unmapped
 * meanwhile) is skipped. Return: the first error; the other nodes are still
 * mapped.
 */
static int vsvm_svm_attr_map(struct vsvm_svm *svm, u64 start, u64 last, int prefetch_gpu)
{
	struct vsvm_svm_attr_range *r;
	struct vsvm_svm_attrs a;
	unsigned long gpus;
	unsigned int gpu;
	u64 addr = start;
	int ret = 0;
	u64 end;
	int err;

	while ((r = vsvm_svm_attr_first(svm, addr, last))) {
		a = r->attrs;
		addr = max_t(u64, addr, r->it.start);
		end = min_t(u64, r->it.last, last) + 1;
		gpus = vsvm_svm_attr_map_gpus(svm, &a, prefetch_gpu);
		for_each_set_bit(gpu, &gpus, VSVM_MAX_GPUS) {
			err = vsvm_svm_map(svm, gpu, addr, end, VSVM_HW_ACCESS_READ, &a);
			if (err && !ret)
				ret = err;
		}
		if (end > last)
			break;
		addr = end;
	}
	return ret;
}

/* -EFAULT unless VMAs cover [@start, @end) and none is an I/O or PFN mapping */
static int vsvm_svm_attr_check_vmas(struct mm_struct *mm, u64 start, u64 end)
{
	struct vm_area_struct *vma;
	struct vma_iterator vmi;
	u64 addr = start;
	int ret = 0;

	mmap_read_lock(mm);
	vma_iter_init(&vmi, mm, start);
	for_each_vma_range(vmi, vma, end) {
		if (vma->vm_start > addr || vma->vm_flags & (VM_IO | VM_PFNMAP)) {
			ret = -EFAULT;
			break;
		}
		addr = vma->vm_end;
	}
	mmap_read_unlock(mm);
	if (!ret && addr < end)
		ret = -EFAULT;
	return ret;
}

/**
 * vsvm_svm_attr_check_range() - whether SVM calls may use a range
 * @svm: the process context
 * @start: first byte
 * @last: last byte
 *
 * The checks of the range common to SET, GET and prefetch.
 *
 * Context: &vsvm_svm.lock held; takes the mmap read lock.
 * Return: 0; -EFAULT unless VMAs cover the range and none is an I/O or PFN
 * mapping; -EADDRINUSE if a buffer-object binding overlaps it.
 */
int vsvm_svm_attr_check_range(struct vsvm_svm *svm, u64 start, u64 last)
{
	int ret = vsvm_svm_attr_check_vmas(svm->mm, start, last + 1);

	if (!ret && vsvm_svm_gem_overlap(svm, start, last))
		ret = -EADDRINUSE;
	return ret;
}

/* Checks one SET attribute; @gpu is set to the GPU index its value names, or -1 */
static int vsvm_svm_attr_check_set(struct vsvm_svm *svm, const struct drm_vsvm_svm_attr *attr,
				   int *gpu)
{
	*gpu = -1;
	switch (attr->type) {
	case VSVM_SVM_ATTR_PREFERRED_LOC:
		if (attr->value == VSVM_SVM_LOCATION_UNDEFINED)
			return 0;
		fallthrough;
	case VSVM_SVM_ATTR_PREFETCH_LOC:
		if (attr->value == VSVM_SVM_LOCATION_SYSMEM)
			return 0;
		fallthrough;
	case VSVM_SVM_ATTR_ACCESS:
	case VSVM_SVM_ATTR_ACCESS_IN_PLACE:
	case VSVM_SVM_ATTR_NO_ACCESS:
		*gpu = vsvm_svm_gpu_index(svm, attr->value);
		return *gpu < 0 ? -EINVAL : 0;
	case VSVM_SVM_ATTR_SET_FLAGS:
	case VSVM_SVM_ATTR_CLR_FLAGS:
		return attr->value & ~VSVM_SVM_FLAGS_ALL ? -EINVAL : 0;
	case VSVM_SVM_ATTR_GRANULARITY:
		return attr->value > VSVM_SVM_GRANULARITY_MAX ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}

/* Validates a SET attribute list and folds it into @c */
static int vsvm_svm_attr_compile(struct vsvm_svm *svm, const struct drm_vsvm_svm_attr *attrs,
				 u32 nattr, struct vsvm_svm_attr_change *c)
{
	int gpu, ret;
	u32 i;

	*c = (struct vsvm_svm_attr_change){ .prefetch_gpu = -1 };
	for (i = 0; i < nattr; i++) {
		ret = vsvm_svm_attr_check_set(svm, &attrs[i], &gpu);
		if (ret)
			return ret;
		vsvm_svm_attr_change_add(c, &attrs[i], gpu);
	}
	return 0;
}

/*
 * Applies @c to [@start, @last] (whose attributes are validated and range
 * checked), drops the mirror there unless only locations changed and maps
 * what must be mapped.
 */
static int vsvm_svm_attr_set(struct vsvm_svm *svm, u64 start, u64 last,
			     const struct vsvm_svm_attr_change *c)
{
	int ret;

	if (!mmget_not_zero(svm->mm))
		return -ESRCH;
	ret = vsvm_svm_notifiers_ensure(svm, start, last + 1);
	/* A CPU unmap before the notifiers were in place went unseen: look again */
	if (!ret)
		ret = vsvm_svm_attr_check_vmas(svm->mm, start, last + 1);
	if (!ret)
		ret = vsvm_svm_attr_update(svm, start, last, c);
	if (!ret && c->types & ~VSVM_SVM_ATTR_LOC_TYPES)
		vsvm_svm_mirror_drop(svm, start, last);
	if (!ret && c->types & BIT(VSVM_SVM_ATTR_PREFETCH_LOC))
		ret = vsvm_svm_prefetch(svm, c->prefetch_gpu, start, last + 1, false);
	if (!ret)
		ret = vsvm_svm_attr_map(svm, start, last, c->prefetch_gpu);
	mmput(svm->mm);
	return ret;
}

static int vsvm_svm_attr_check_get(struct vsvm_svm *svm, const struct drm_vsvm_svm_attr *attrs,
				   u32 nattr)
{
	u32 i;

	for (i = 0; i < nattr; i++) {
		switch (attrs[i].type) {
		case VSVM_SVM_ATTR_PREFERRED_LOC:
		case VSVM_SVM_ATTR_PREFETCH_LOC:
		case VSVM_SVM_ATTR_SET_FLAGS:
		case VSVM_SVM_ATTR_CLR_FLAGS:
		case VSVM_SVM_ATTR_GRANULARITY:
			break;
		case VSVM_SVM_ATTR_ACCESS:
			if (vsvm_svm_gpu_index(svm, attrs[i].value) < 0)
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

static void vsvm_svm_attr_sum_init(struct vsvm_svm_attr_summary *s,
				   const struct vsvm_svm_attrs *a)
{
	s->preferred_loc = a->preferred_loc;
	s->prefetch_loc = a->prefetch_loc;
	s->flags_all = a->flags;
	s->flags_any = a->flags;
	s->granularity = a->granularity;
	s->access_all = a->access;
	s->reach_all = a->access | a->access_in_place;
}

static void vsvm_svm_attr_sum_add(struct vsvm_svm_attr_summary *s,
				  const struct vsvm_svm_attrs *a)
{
	if (s->preferred_loc != a->preferred_loc)
		s->preferred_loc = VSVM_SVM_LOCATION_UNDEFINED;
	if (s->prefetch_loc != a->prefetch_loc)
		s->prefetch_loc = VSVM_SVM_LOCATION_UNDEFINED;
	s->flags_all &= a->flags;
	s->flags_any |= a->flags;
	s->granularity = min(s->granularity, a->granularity);
	s->access_all &= a->access;
	s->reach_all &= a->access | a->access_in_place;
}

/* Aggregates the nodes overlapping [@start, @last], or the defaults when none does */
static void vsvm_svm_attr_summarize(struct vsvm_svm *svm, u64 start, u64 last,
				    struct vsvm_svm_attr_summary *s)
{
	struct vsvm_svm_attr_range *r = vsvm_svm_attr_first(svm, start, last);
	struct vsvm_svm_attrs defaults;

	if (!r) {
		vsvm_svm_attr_defaults(svm, &defaults);
		vsvm_svm_attr_sum_init(s, &defaults);
		return;
	}
	vsvm_svm_attr_sum_init(s, &r->attrs);
	while ((r = vsvm_svm_attr_next(r, start, last)))
		vsvm_svm_attr_sum_add(s, &r->attrs);
}

/* Answers one validated GET query from @s */
static void vsvm_svm_attr_report(struct vsvm_svm *svm, const struct vsvm_svm_attr_summary *s,
				 struct drm_vsvm_svm_attr *attr)
{
	unsigned long bit;

	switch (attr->type) {
	case VSVM_SVM_ATTR_PREFERRED_LOC:
		attr->value = s->preferred_loc;
		break;
	case VSVM_SVM_ATTR_PREFETCH_LOC:
		attr->value = s->prefetch_loc;
		break;
	case VSVM_SVM_ATTR_SET_FLAGS:
		attr->value = s->flags_all;
		break;
	case VSVM_SVM_ATTR_CLR_FLAGS:
		attr->value = ~s->flags_any & VSVM_SVM_FLAGS_ALL;
		break;
	case VSVM_SVM_ATTR_GRANULARITY:
		attr->value = s->granularity;
		break;
	case VSVM_SVM_ATTR_ACCESS:
		bit = BIT(vsvm_svm_gpu_index(svm, attr->value));
		if (s->access_all & bit)
			attr->type = VSVM_SVM_ATTR_ACCESS;
		else if (s->reach_all & bit)
			attr->type = VSVM_SVM_ATTR_ACCESS_IN_PLACE;
		else
			attr->type = VSVM_SVM_ATTR_NO_ACCESS;
		break;
	}
}

/*
 * The checks before the lock, the copy of the attribute list, then the lock
 * and the garbage collection. Return: the list, with &vsvm_svm.lock held, or
 * an ERR_PTR.
 */
static struct drm_vsvm_svm_attr *vsvm_svm_attr_begin(struct vsvm_file *vfile,
						     const struct drm_vsvm_svm_attr_args *args)
{
	struct drm_vsvm_svm_attr *attrs;
	u64 end;
	int ret;

	ret = vsvm_svm_check_caller(vfile);
	if (ret)
		return ERR_PTR(ret);
	if (args->flags || !args->nattr || args->nattr > VSVM_SVM_MAX_ATTRS || !args->size ||
	    !PAGE_ALIGNED(args->start) || !PAGE_ALIGNED(args->size))
		return ERR_PTR(-EINVAL);
	if (check_add_overflow(args->start, args->size, &end) || end > TASK_SIZE)
		return ERR_PTR(-EOVERFLOW);

	attrs = memdup_array_user(u64_to_user_ptr(args->attrs), args->nattr, sizeof(*attrs));
	if (IS_ERR(attrs))
		return attrs;
	mutex_lock(&vfile->svm->lock);
	vsvm_svm_gc_flush(vfile->svm);
	return attrs;
}

/**
 * vsvm_ioctl_svm_set_attr() - DRM_IOCTL_VSVM_SVM_SET_ATTR
 * @drm: DRM device of the GPU
 * @data: &struct drm_vsvm_svm_attr_args, kernel copy
 * @file: the caller's DRM file
 *
 * Applies the attribute list, in order, to [start, start + size), drops the
 * mirror of the range unless only locations changed, and maps the range on
 * the GPUs that must keep it mapped and on the GPU it is prefetched to.
 *
 * Context: process context of the process that opened @file; takes
 * &vsvm_svm.lock and, inside it, the mmap lock.
 *
 * Return: 0; -EBADF for another process; -EINVAL, -EOVERFLOW, -EFAULT or
 * -EADDRINUSE for the arguments as the uAPI describes; -ENOMEM. -EFAULT,
 * -EAGAIN or -ENOMEM also when the attributes are applied but the mapping
 * failed.
 */
int vsvm_ioctl_svm_set_attr(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vsvm_file *vfile = to_vsvm_file(file);
	struct drm_vsvm_svm_attr_args *args = data;
	struct vsvm_svm_attr_change change;
	struct vsvm_svm *svm = vfile->svm;
	struct drm_vsvm_svm_attr *attrs;
	u64 last;
	int ret;

	attrs = vsvm_svm_attr_begin(vfile, args);
	if (IS_ERR(attrs))
		return PTR_ERR(attrs);

	last = args->start + args->size - 1;
	ret = vsvm_svm_attr_compile(svm, attrs, args->nattr, &change);
	if (!ret)
		ret = vsvm_svm_attr_check_range(svm, args->start, last);
	if (!ret)
		ret = vsvm_svm_attr_set(svm, args->start, last, &change);
	mutex_unlock(&svm->lock);
	kfree(attrs);
	return ret;
}

/**
 * vsvm_ioctl_svm_get_attr() - DRM_IOCTL_VSVM_SVM_GET_ATTR
 * @drm: DRM device of the GPU
 * @data: &struct drm_vsvm_svm_attr_args, kernel copy
 * @file: the caller's DRM file
 *
 * Answers each query of the attribute list with the values aggregated over
 * the attribute ranges overlapping [start, start + size), or the defaults
 * when none does, and writes the list back.
 *
 * Context: process context of the process that opened @file; takes
 * &vsvm_svm.lock and, inside it, the mmap lock.
 *
 * Return: 0; -EBADF for another process; -EINVAL, -EOVERFLOW, -EFAULT or
 * -EADDRINUSE for the arguments as the uAPI describes; -ENOMEM.
 */
int vsvm_ioctl_svm_get_attr(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vsvm_file *vfile = to_vsvm_file(file);
	struct drm_vsvm_svm_attr_args *args = data;
	struct vsvm_svm *svm = vfile->svm;
	struct vsvm_svm_attr_summary sum;
	struct drm_vsvm_svm_attr *attrs;
	u64 last;
	u32 i;
	int ret;

	attrs = vsvm_svm_attr_begin(vfile, args);
	if (IS_ERR(attrs))
		return PTR_ERR(attrs);

	last = args->start + args->size - 1;
	ret = vsvm_svm_attr_check_get(svm, attrs, args->nattr);
	if (!ret)
		ret = vsvm_svm_attr_check_range(svm, args->start, last);
	if (!ret) {
		vsvm_svm_attr_summarize(svm, args->start, last, &sum);
		for (i = 0; i < args->nattr; i++)
			vsvm_svm_attr_report(svm, &sum, &attrs[i]);
	}
	mutex_unlock(&svm->lock);

	if (!ret && copy_to_user(u64_to_user_ptr(args->attrs), attrs,
				 array_size(args->nattr, sizeof(*attrs))))
		ret = -EFAULT;
	kfree(attrs);
	return ret;
}
